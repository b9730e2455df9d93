//! CSV output through polars' CsvWriter. Text that comes from logs is untrusted: a cell that
//! a spreadsheet would run as a formula is neutralized (OWASP CSV injection advice), characters
//! that would act on a terminal or reorder what a reader sees are replaced, and a cell is capped
//! below the spreadsheet's own limit.

use std::borrow::{Borrow, Cow};
use std::io::Write;

use anyhow::Result;
use polars::prelude::*;

use super::{cut, cut_list, MAX_TEXT};
use crate::report::table::{Cell, Col, Table};
use crate::text::{hostile, REPLACEMENT};

/// Makes one text cell safe to open: a quote before text a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@`, tab, CR or LF first, after any spaces, which a spreadsheet may trim),
/// U+FFFD for each [`hostile`] character, and at most
/// [`MAX_TEXT`] UTF-16 code units in all, ending with how much was left out when cut (`… and
/// 168001 more characters`; a list, `… and 3120 more`: [`super::cut_list`]). Tab, CR and LF inside a cell
/// stay: the writer quotes the cell, and a multi-line message is still one cell.
pub fn neutralize(s: &str) -> Cow<'_, str> {
    let formula = matches!(
        s.trim_start_matches(' ').as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n')
    );
    let (kept, mark) = cut(s, MAX_TEXT - usize::from(formula));
    if !formula && mark.is_none() && !kept.chars().any(hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(kept.len() + 4);
    if formula {
        out.push('\'');
    }
    out.extend(
        kept.chars()
            .map(|c| if hostile(c) { REPLACEMENT } else { c }),
    );
    if let Some(mark) = mark {
        out.push_str(&mark);
    }
    Cow::Owned(out)
}

/// Rows per frame handed to polars: a large table (100,000 rejects) is converted a slice at a
/// time, so only that slice is ever held a second time, as columns.
const FRAME_ROWS: usize = 8192;

/// The table as CSV bytes; see [`write()`].
pub fn render(t: &Table) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(t, &mut out)?;
    Ok(out)
}

/// Writes the table as CSV through polars' CsvWriter. Text is neutralized; numbers are written
/// as numbers, floats with 4 decimals and exact floats with every digit; catalogue text is put
/// on one line.
pub fn write(t: &Table, w: &mut dyn Write) -> Result<()> {
    write_parts(std::iter::once(t), w)
}

/// Writes tables of the same columns as one CSV file, as [`write()`] writes one: a table too
/// large to copy into cells at once, made a part at a time. A number column is written as
/// floats when the part being written has one: of the callers' tables, only by_code's `share`
/// holds floats, and it holds one in every row, so every part writes it alike.
pub fn write_parts<T: Borrow<Table>>(
    mut parts: impl Iterator<Item = T>,
    w: &mut dyn Write,
) -> Result<()> {
    let Some(first) = parts.next() else {
        return Ok(());
    };
    write_header(first.borrow(), w)?;
    for t in std::iter::once(first).chain(parts) {
        let t = t.borrow();
        let numbers = number_columns(t);
        for rows in t.rows.chunks(FRAME_ROWS) {
            write_rows(t, rows, &numbers, w)?;
        }
    }
    Ok(())
}

/// How a number column is written.
#[derive(Clone, Copy, PartialEq)]
enum Numbers {
    /// Integers.
    Ints,
    /// Floats with 4 decimals: a float in any row, so that every row is written alike.
    Floats,
    /// Every digit of an exact float ([`Cell::Exact`]), as its text.
    Exact,
}

/// How each number column of `t` is written, by the cells its rows hold.
fn number_columns(t: &Table) -> Vec<Numbers> {
    (0..t.columns.len())
        .map(|i| {
            let holds = |kind: fn(&Cell) -> bool| t.rows.iter().any(|r| kind(&r[i]));
            if holds(|c| matches!(c, Cell::Exact(_))) {
                Numbers::Exact
            } else if holds(|c| matches!(c, Cell::Float(_))) {
                Numbers::Floats
            } else {
                Numbers::Ints
            }
        })
        .collect()
}

/// The header through the csv crate: polars' header writer builds an empty null array, whose
/// first use makes polars zero a shared 8 MiB buffer (a tenth of the run's memory and of its
/// page faults on a large input, for one line of column names).
fn write_header(t: &Table, w: &mut dyn Write) -> Result<()> {
    let mut header = csv::Writer::from_writer(w);
    header.write_record(t.columns.iter().map(|(name, _)| name.as_bytes()))?;
    header.flush()?;
    Ok(())
}

/// `rows` of `t` through polars' CsvWriter, without a header.
fn write_rows(t: &Table, rows: &[Vec<Cell>], numbers: &[Numbers], w: &mut dyn Write) -> Result<()> {
    let mut df = frame(t, rows, numbers)?;
    // Into memory first, a frame at a time: a failed write (a full disk) is then said once, as
    // an I/O error of the file, not wrapped again by polars.
    let mut bytes = Vec::new();
    CsvWriter::new(&mut bytes)
        .include_header(false)
        .with_float_precision(Some(4))
        .finish(&mut df)?;
    w.write_all(&bytes)?;
    Ok(())
}

/// `rows` of `t` as a polars frame; `numbers`: how each number column is written.
fn frame(t: &Table, rows: &[Vec<Cell>], numbers: &[Numbers]) -> Result<DataFrame> {
    let mut columns: Vec<Column> = Vec::with_capacity(t.columns.len());
    for (i, (name, kind)) in t.columns.iter().enumerate() {
        let cells = rows.iter().map(|r| &r[i]);
        let col = match kind {
            Col::Number if numbers[i] == Numbers::Exact => {
                // The tool's own digits: text, neither neutralized nor rounded by polars.
                let v: Vec<Option<String>> = cells
                    .map(|c| Some(c.text()).filter(|s| !s.is_empty()))
                    .collect();
                Column::new(name.as_ref().into(), v)
            }
            Col::Number if numbers[i] == Numbers::Floats => {
                let v: Vec<Option<f64>> = cells
                    .map(|c| match c {
                        Cell::Float(f) => Some(*f),
                        Cell::Int(n) => Some(*n as f64),
                        _ => None,
                    })
                    .collect();
                Column::new(name.as_ref().into(), v)
            }
            Col::Number => {
                let v: Vec<Option<i64>> = cells
                    .map(|c| match c {
                        Cell::Int(n) => Some(*n),
                        _ => None,
                    })
                    .collect();
                Column::new(name.as_ref().into(), v)
            }
            Col::Bool => {
                let v: Vec<Option<bool>> = cells
                    .map(|c| match c {
                        Cell::Bool(b) => Some(*b),
                        _ => None,
                    })
                    .collect();
                Column::new(name.as_ref().into(), v)
            }
            Col::Text | Col::Catalogue | Col::Markup | Col::List => {
                // Empty text is written as an empty field, like a missing value.
                let v: Vec<Option<String>> = cells
                    .map(|c| {
                        let s = c.text();
                        (!s.is_empty()).then(|| {
                            if *kind == Col::Catalogue {
                                neutralize(&crate::catalogue::one_line(&s)).into_owned()
                            } else if *kind == Col::List {
                                neutralize(&cut_list(&s, MAX_TEXT)).into_owned()
                            } else {
                                neutralize(&s).into_owned()
                            }
                        })
                    })
                    .collect();
                Column::new(name.as_ref().into(), v)
            }
        };
        columns.push(col);
    }
    Ok(DataFrame::new(rows.len(), columns)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_numbers_are_not() {
        let mut t = Table::new(&[
            ("message", Col::Text),
            ("count", Col::Number),
            ("share", Col::Number),
        ]);
        let messages = [
            "=HYPERLINK(\"http://x\")",
            "+cmd",
            "-1",
            "@SUM(A1)",
            "\tx",
            "plain, \"quoted\"",
            "",
            "  =1+1",
        ];
        let shares = [0.5f64, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 1.0, 2.0];
        for (i, (m, s)) in messages.iter().zip(shares).enumerate() {
            t.push(crate::row![*m, i as u64 + 1, s]);
        }
        let text = String::from_utf8(render(&t).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "message,count,share");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\",1,0.5000");
        assert_eq!(lines[2], "'+cmd,2,0.2500");
        assert_eq!(lines[3], "'-1,3,0.1250");
        assert_eq!(lines[4], "'@SUM(A1),4,0.0625");
        assert_eq!(lines[5], "'\tx,5,0.0312");
        assert_eq!(lines[6], "\"plain, \"\"quoted\"\"\",6,0.0156");
        assert_eq!(lines[7], ",7,1.0000");
        assert_eq!(lines[8], "'  =1+1,8,2.0000");
    }

    #[test]
    fn leading_line_feed_is_neutralized_like_carriage_return() {
        assert_eq!(neutralize("\n=1+1"), "'\n=1+1");
        assert_eq!(neutralize("\r=1+1"), "'\r=1+1");
        // Inside a cell, line breaks and tabs are text: the writer quotes the cell.
        assert_eq!(neutralize("a\nb\tc\r\nd"), "a\nb\tc\r\nd");
        assert!(matches!(neutralize("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_overrides_are_replaced() {
        assert_eq!(
            neutralize("\x1b[2J\x1b]0;pwned\x07 ok\0"),
            "\u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD} ok\u{FFFD}"
        );
        assert_eq!(neutralize("a\u{9b}31mb"), "a\u{FFFD}31mb");
        // "invoice_\u{202E}fdp.exe" shows as "invoice_exe.pdf".
        assert_eq!(
            neutralize("invoice_\u{202E}fdp.exe"),
            "invoice_\u{FFFD}fdp.exe"
        );
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            assert_eq!(neutralize(&format!("x{c}y")), "x\u{FFFD}y");
        }
        // A replaced first character is not a formula; a formula after it stays inert text.
        assert_eq!(neutralize("\u{202E}=cmd"), "\u{FFFD}=cmd");
        assert_eq!(neutralize("=cmd\x1b"), "'=cmd\u{FFFD}");
    }

    #[test]
    fn long_cells_are_cut_below_the_spreadsheet_limit() {
        // The characters kept before the mark, and those it says were left out.
        let split = |n: &str| {
            let (kept, left) = n.rsplit_once("… and ").unwrap();
            let left = left.strip_suffix(" more characters").unwrap();
            (kept.chars().count(), left.parse::<usize>().unwrap())
        };
        let long = "Play".repeat(50_000);
        let n = neutralize(&long);
        assert_eq!(n.chars().count(), MAX_TEXT);
        assert!(n.starts_with("PlayPlay"));
        let (kept, left) = split(&n);
        assert_eq!(kept + left, 200_000);
        // The formula quote counts towards the cap.
        let long = format!("={}", "é".repeat(100_000));
        let n = neutralize(&long);
        assert!(n.chars().count() <= MAX_TEXT);
        assert!(n.starts_with("'=éé"), "{}", &n[..10]);
        let (kept, left) = split(&n);
        assert_eq!(kept - 1 + left, 100_001);
        // Emoji are two UTF-16 units each, as Excel counts them.
        let emoji = "😀".repeat(20_000);
        let n = neutralize(&emoji);
        // As many as fit beside the mark (its room taken for the most it could say).
        assert!(n.encode_utf16().count() <= MAX_TEXT);
        assert!(n.encode_utf16().count() > MAX_TEXT - 4);
        let (kept, left) = split(&n);
        assert_eq!(kept + left, 20_000);
        // Exactly at the cap: whole.
        let exact = "x".repeat(MAX_TEXT);
        assert!(matches!(neutralize(&exact), Cow::Borrowed(_)));
    }

    #[test]
    fn a_long_hostile_cell_reads_back_as_one_field() {
        let op = format!(
            "=HYPERLINK(\"http://evil.example\")\x1b\n{}",
            "A".repeat(200_000)
        );
        let mut t = Table::new(&[("operation", Col::Text), ("count", Col::Number)]);
        t.push(crate::row![op.as_str(), 1u64]);
        t.push(crate::row!["Play", 2u64]);
        let bytes = render(&t).unwrap();
        let mut rdr = ::csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<::csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        let cell = &rows[0][0];
        assert!(cell.starts_with("'=HYPERLINK(\"http://evil.example\")\u{FFFD}\nAAA"));
        assert!(cell.chars().count() <= MAX_TEXT);
        let kept = cell.rsplit_once("… and ").unwrap().0.chars().count();
        let left = op.chars().count() - (kept - 1);
        assert!(
            cell.ends_with(&format!("A… and {left} more characters")),
            "{}",
            &cell[cell.len() - 40..]
        );
        assert_eq!((&rows[0][1], &rows[1][0], &rows[1][1]), ("1", "Play", "2"));
    }
    #[test]
    fn a_table_is_written_a_frame_at_a_time_as_one() {
        // The only float is in the last frame: every row of its column is still a float.
        let n = FRAME_ROWS * 2 + 5;
        let mut t = Table::new(&[("n", Col::Number), ("share", Col::Number), ("t", Col::Text)]);
        for k in 0..n {
            let share = if k == n - 1 {
                Cell::Float(0.5)
            } else {
                Cell::Int(k as i64)
            };
            t.push(vec![
                Cell::Int(k as i64),
                share,
                Cell::from(format!("=r{k}").as_str()),
            ]);
        }
        let text = String::from_utf8(render(&t).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), n + 1);
        assert_eq!(lines[0], "n,share,t");
        for (k, line) in lines[1..].iter().enumerate() {
            let share = if k == n - 1 {
                "0.5000".to_string()
            } else {
                format!("{k}.0000")
            };
            assert_eq!(*line, format!("{k},{share},'=r{k}"));
        }
        // In parts (without floats), the same as whole.
        t.rows.pop();
        let whole = render(&t).unwrap();
        let parts: Vec<Table> = t
            .rows
            .chunks(1000)
            .map(|rows| Table {
                columns: t.columns.clone(),
                rows: rows.to_vec(),
            })
            .collect();
        let mut out = Vec::new();
        write_parts(parts.into_iter(), &mut out).unwrap();
        assert_eq!(out, whole);
    }

    /// A number column of exact floats is written with every digit, as JSON writes them, and
    /// empty where there is none.
    #[test]
    fn exact_floats_are_written_with_every_digit() {
        let mut t = Table::new(&[("p_value", Col::Number), ("n", Col::Number)]);
        t.push(crate::row![Cell::Exact(0.9895238707734317), 1u64]);
        t.push(crate::row![Cell::Exact(3.999876896226794e-15), 2u64]);
        t.push(crate::row![None::<f64>, 3u64]);
        t.push(crate::row![Cell::Exact(f64::NAN), 4u64]);
        let text = String::from_utf8(render(&t).unwrap()).unwrap();
        assert_eq!(
            text,
            "p_value,n\n0.9895238707734317,1\n3.999876896226794e-15,2\n,3\n,4\n"
        );
    }
}

#[cfg(test)]
mod snapshots {
    use crate::report::{fixture, Report};

    /// Every CSV table of the fixture's report, as written.
    #[test]
    fn report_tables() {
        let cat = fixture::catalogue();
        let r = fixture::report(&cat);
        let mut all = String::new();
        let more = [
            ("by_sip.csv", r.by_sip()),
            ("rejects.csv", r.rejects_table()),
        ];
        let tables = Report::CSV_TABLES.map(|(name, make)| (name, make.whole(&r)));
        for (name, t) in tables.into_iter().chain(more) {
            let bytes = super::render(&t).unwrap();
            all.push_str(&format!(
                "== {name}\n{}\n",
                String::from_utf8(bytes).unwrap()
            ));
        }
        insta::assert_snapshot!(all);
    }
}
