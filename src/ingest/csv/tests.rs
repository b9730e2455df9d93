//! Tests of `ingest/csv.rs`.

use super::*;

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
    assert_eq!(last_unquoted_newline(b"a,b\nc,d\ne"), Some((7, 2)));
    assert_eq!(last_unquoted_newline(b"a,\"b\nc\"\nd,\"e\nf"), Some((7, 2)));
    assert_eq!(
        last_unquoted_newline(b"a,\"x\"\"\ny\"\n\"p\nq"),
        Some((9, 2))
    );
    // A quote that never closes: the last block of a file is handed on whole, a full
    // block ends after its first line.
    assert_eq!(last_unquoted_newline(b"\"a\nb\nc"), None);
    let mut full = b"\"a\nb\n".to_vec();
    full.resize(MAX_RECORD_BYTES, b'x');
    assert_eq!(last_unquoted_newline(&full), Some((2, 1)));
    assert_eq!(last_unquoted_newline(b"abc"), None);
    // A stray quote turns the count round: a newline inside a later quoted field counts as
    // outside, but the quotes after it say it is inside, so the block ends at the last row end
    // past the stray quote, whose quotes say it is outside (see `last_row_end`).
    let stray = b"x,\"oops\n\"m1\nm2\",y\nz,w\n\"q\",r";
    assert_eq!(last_unquoted_newline(stray), Some((21, 4)));
    // Nothing tells that one is outside: the cut stays.
    let stray = b"x,\"oops\n\"m1\nm2\",y\nz,w\nq";
    assert_eq!(last_unquoted_newline(stray), Some((11, 2)));
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
