//! Tests of `ingest/csv.rs`.

use super::super::MAX_RECORD_BYTES;
use super::cut::{after_newline, row_after_newline};
use super::fields::{reader, split_row, Fields};
use super::*;
use csv::ByteRecord;

fn split(b: &[u8]) -> Option<(Vec<String>, usize)> {
    let mut f = Fields::new(std::str::from_utf8(b).unwrap(), 0);
    let (next, lines) = split_row(&mut f, 0, b',')?;
    assert_eq!(lines, blocks::newlines(&b[..next]));
    Some(((0..f.len()).map(|i| f.get(i).to_string()).collect(), next))
}

/// What the csv crate makes of the first record.
fn csv_crate(b: &[u8]) -> (Vec<String>, usize) {
    let mut rdr = reader(b, b',');
    let mut rec = ByteRecord::new();
    rdr.read_byte_record(&mut rec).unwrap();
    let mut used = rdr.position().byte() as usize;
    if b.get(used) == Some(&b'\n') {
        used += 1;
    }
    (
        rec.iter()
            .map(|x| String::from_utf8_lossy(x).into_owned())
            .collect(),
        used,
    )
}

#[test]
fn rows_split_as_the_csv_crate_splits_them() {
    for row in [
        &b"a,b,c\nx"[..],
        b"a,,\r\nx",
        b"\"11/24/2026, 1:00:00.000 PM\",c1,\"say \"\"hi\"\"\",\"\"\n",
        b"\"multi\r\nline\",2\r\n",
        b"last,row,no newline",
        b"a,",
        b",",
        b"0123456789abcdef,0123456789abcdefg\n",
    ] {
        assert_eq!(
            split(row),
            Some(csv_crate(row)),
            "{}",
            String::from_utf8_lossy(row)
        );
    }
    for odd in [&b"\n"[..], b"a\"b,c\n", b"\"a\"b,c\n", b"a\rb\n", b"\"open"] {
        assert_eq!(split(odd), None, "{}", String::from_utf8_lossy(odd));
    }
}

#[test]
fn generated_rows_split_as_the_csv_crate_splits_them() {
    // Rows written as a CSV writer would (fields of stop bytes, letters and a two-byte
    // character, quoted when they hold a stop, `"` doubled; LF, CRLF or no end), long enough
    // to cross several 64-byte windows: each split, as the csv crate splits it. And rows of
    // bytes drawn at random: whatever the splitter takes, it takes as the csv crate does.
    let content = [
        "a",
        "bc",
        "é",
        ",",
        "\"",
        "\n",
        "\r\n",
        "0123456789abcdef",
        "",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut draw = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for round in 0..3000 {
        let mut row = String::new();
        let width = 1 + draw(24);
        for f in 0..width {
            if f > 0 {
                row.push(',');
            }
            let field: String = (0..draw(7)).map(|_| content[draw(content.len())]).collect();
            let stops = field.contains([',', '"', '\n', '\r']);
            if stops || draw(4) == 0 {
                row.push('"');
                row.push_str(&field.replace('"', "\"\""));
                row.push('"');
            } else {
                row.push_str(&field);
            }
        }
        // A row ended by a line end, the next after it; or the text's last, unended.
        if round % 3 < 2 {
            row.push_str(["\n", "\r\n"][round % 3]);
            row.push_str("next,row\n");
        }
        let b = row.as_bytes();
        if matches!(b.first(), None | Some(b'\n' | b'\r')) {
            continue;
        }
        assert_eq!(split(b), Some(csv_crate(b)), "{row:?}");
    }
    let alphabet = [b',', b'"', b'\n', b'\r', b'a', 0xc3, 0xa9];
    for round in 0..20_000 {
        let b: Vec<u8> = (0..1 + round % 150)
            .map(|_| alphabet[draw(alphabet.len())])
            .collect();
        let Ok(t) = std::str::from_utf8(&b) else {
            continue;
        };
        // Fields only: after a row, `csv_crate` counts a blank line too as used.
        if let Some((fields, _)) = split(t.as_bytes()) {
            assert_eq!(fields, csv_crate(&b).0, "{t:?}");
        }
    }
}

#[test]
fn blocks_end_at_newlines_outside_quotes() {
    let cut = row_end_cut(b',');
    assert_eq!(cut(b"a,b\nc,d\ne"), Some((7, 2)));
    assert_eq!(cut(b"a,\"b\nc\"\nd,\"e\nf"), Some((7, 2)));
    assert_eq!(cut(b"a,\"x\"\"\ny\"\n\"p\nq"), Some((9, 2)));
    // A quote that never closes: the last block of a file is handed on whole, a full
    // block ends after its first line.
    assert_eq!(cut(b"\"a\nb\nc"), None);
    let mut full = b"\"a\nb\n".to_vec();
    full.resize(MAX_RECORD_BYTES, b'x');
    assert_eq!(cut(&full), Some((2, 1)));
    assert_eq!(cut(b"abc"), None);
    // A quote left open is closed, as the csv crate reads it, by the next quote (`"m1`); the
    // one after that (`m2"`) does not start a field and is text: the newlines after it end rows.
    let stray = b"x,\"oops\n\"m1\nm2\",y\nz,w\n\"q\",r";
    assert_eq!(cut(stray), Some((21, 4)));
    let stray = b"x,\"oops\n\"m1\nm2\",y\nz,w\nq";
    assert_eq!(cut(stray), Some((21, 4)));
}

/// The ends of the records the csv crate reads in `b` (each after its newline).
fn record_ends(b: &[u8], delim: u8) -> Vec<usize> {
    let mut rdr = reader(b, delim);
    let mut rec = ByteRecord::new();
    let mut ends = Vec::new();
    while rdr.read_byte_record(&mut rec).unwrap() {
        ends.push(rdr.position().byte() as usize);
    }
    ends
}

/// A quote that does not start a field (`ab"c`, `abc",x`, `"a"b"`) is text to the csv crate,
/// and to the cut of the blocks read in order: counted, it turned the count round, and the cut
/// fell inside a later quoted field over lines, whose valid row was then lost as a reject per
/// line from a pipe or gzip (review rev66b F2). Each cut ends a record the csv crate reads.
#[test]
fn a_quote_inside_a_field_does_not_move_the_cut_into_a_later_field() {
    let message = "2026-11-24T10:00:09Z,c9,\"multi\n\nline \"\"q\"\" \n\n\n,\n\",/x\n";
    for (delim, stray) in [
        (b',', "2026-11-24T10:00:01Z,c1,ab\"c\n"),
        (b',', "2026-11-24T10:00:01Z,c1,abc\",x\n"),
        (b',', "2026-11-24T10:00:01Z,c1,\"a\"b\"\n"),
        (b',', "2026-11-24T10:00:01Z,c1,a;\"b\n"),
        (b';', "2026-11-24T10:00:01Z;c1;ab\"c\n"),
    ] {
        let message = message.replace(',', &(delim as char).to_string());
        let plain = "2026-11-24T10:00:02Z,c2,ok\n".replace(',', &(delim as char).to_string());
        let block = format!("{stray}{plain}{message}{plain}{plain}");
        let b = block.as_bytes();
        let (p, lines) = row_end_cut(delim)(b).expect("a row end");
        assert_eq!(p + 1, b.len(), "{stray:?}");
        assert_eq!(lines, blocks::newlines(b));
        // The block ends inside the row after the message: cut after the message.
        let head = format!("{stray}{plain}{message}");
        let short = format!("{head}2026-11");
        let (p, _) = row_end_cut(delim)(short.as_bytes()).expect("a row end");
        assert_eq!(p + 1, head.len(), "{stray:?}");
        assert!(record_ends(short.as_bytes(), delim).contains(&(p + 1)));
    }
}

#[test]
fn the_quotes_after_a_newline_say_whether_it_is_inside_a_field() {
    // Only opens (`"1` at a line's start, `,"a`): outside; only closes: inside; a doubled
    // quote says nothing; quotes that could do either turn the answer round.
    assert_eq!(after_newline(b"\"11/24/2026, 1:00 PM\",c1"), Some(false));
    assert_eq!(after_newline(b"c1,\"a b\",x"), Some(false));
    assert_eq!(after_newline(b"second line\",c1,400"), Some(true));
    assert_eq!(after_newline(b"say \"\"hi\"\" twice\"\n"), Some(true));
    assert_eq!(after_newline(b"a,\",\"b"), Some(true));
    assert_eq!(after_newline(b"no quotes,at all\n"), None);
    // Where the row after a newline starts: at once, or after the field's end.
    assert_eq!(row_after_newline(b"\"11/24\",c1\n"), 0);
    assert_eq!(row_after_newline(b"two\",c1\n\"11/24\",c2\n"), 8);
    assert_eq!(row_after_newline(b"two\nthree\",c1\nx"), 14);
}

/// The quotes of a row's text read a part at a time, split anywhere (inside a `""`, after a
/// closing quote, before a quote that opens a line), leave it where the csv crate's reader is at
/// the text's end: inside a quoted field or not. A quote not at a field's start is text.
#[test]
fn quotes_read_in_parts_are_where_the_csv_crate_is() {
    use super::long::Quoting;
    for (text, open) in [
        (&b"a 5\" screen,x"[..], false),
        (b"x,\"abc", true),
        (b"x,\"ab\"\"", true),
        (b"x,\"ab\"\"\"", false),
        (b"\"ab\",c", false),
        (b"\"a\"b\",c", false),
        (b"x;\"a,b", false),
        (b"x,\"a\nb\nc", true),
        (b"x,\"a\nb\",\"c", true),
        (b"x,\"a\nb\" 5\"\n", false),
        (b"x,y\n\"open", true),
        (b"\"\"", false),
    ] {
        // The csv crate's reader, for a text of one line: inside quotes at its end, the record
        // takes in the newline after it and the row after that.
        let show = String::from_utf8_lossy(text);
        if !text.contains(&b'\n') {
            let mut more = text.to_vec();
            more.extend_from_slice(b"\nz,z\n");
            let mut rdr = csv_core::Reader::new();
            let (mut out, mut ends) = ([0; 256], [0; 16]);
            let (_, used, _, _) = rdr.read_record(&more, &mut out, &mut ends);
            assert_eq!(used > text.len() + 1, open, "{show}: the test's own answer");
        }
        for cut in 0..=text.len() {
            let mut q = Quoting::new(b',');
            q.read(&text[..cut]);
            q.read(&text[cut..]);
            assert_eq!(q.open(), open, "{show}, read in two at {cut}");
        }
        let mut q = Quoting::new(b',');
        text.chunks(1).for_each(|b| q.read(b));
        assert_eq!(q.open(), open, "{show}, a byte at a time");
    }
}
