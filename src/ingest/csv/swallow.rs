//! A quote left open in a damaged row: whether a row whose quoted field runs over lines has
//! taken in the next row ([`swallows_next_row`]), the one test of a row over lines, whether
//! its lines are read from a block, looked up or streamed past the cap (`long`).

use std::borrow::Cow;

use csv::ByteRecord;

use super::fields::{reader, split_row, Fields};
use super::quotes::{line_end, quotes_balanced};
use super::row::Row;
use crate::time::TimeRules;

/// The first bytes of a row (its time, `"11/24/`) that a later line starting with them shows
/// to be the next row ([`swallows_next_row`]).
pub(super) const ROW_START: usize = 6;

/// Whether the row starting at `b[p]`, whose quoted field runs over lines, has taken in the
/// next row: one of its later lines starts as it does (its time, `"11/24/`) and reads as a row
/// ([`row_like`]; `later_row_starting_as` finds one, given the row's first bytes and where
/// its second line starts), or its second line is, on its own, a record ([`is_a_record`]). A
/// quote left open in a damaged row would otherwise swallow every row up to the next stray
/// quote; the lines of a message that really spans lines are not records of their own. The
/// one test of a row over lines, whether its lines are read from the block
/// ([`row_line_starting_as`]), looked up ([`Spanned`]) or streamed past the cap
/// (`long::CsvBlocks`).
#[inline(never)]
pub(super) fn swallows_next_row(
    b: &[u8],
    p: usize,
    row: &Row<'_>,
    rules: &TimeRules,
    later_row_starting_as: impl FnOnce(usize, &[u8; ROW_START]) -> bool,
) -> bool {
    let second = line_end(b, p);
    let start = b
        .get(p..p + ROW_START)
        .map(|s| s.try_into().expect("ROW_START bytes"));
    start.is_some_and(|s| later_row_starting_as(second, s))
        || is_a_record(&b[second..line_end(b, second)], row, rules)
}

/// Whether a line of `b` that starts in `from..end` starts as `start` and reads as a row: for
/// [`swallows_next_row`], read in the block.
pub(super) fn row_line_starting_as(
    b: &[u8],
    (from, end): (usize, usize),
    start: &[u8; ROW_START],
    row: &Row<'_>,
) -> bool {
    row_lines(b, from, end, row).any(|(_, l)| l.starts_with(start))
}

/// The lines of `b` that start in `from..end` and read as rows of `row` ([`row_like`]), with
/// where each starts: where [`swallows_next_row`] looks for a line that starts as its row
/// does.
pub(super) fn row_lines<'b>(
    b: &'b [u8],
    from: usize,
    end: usize,
    row: &Row<'_>,
) -> impl Iterator<Item = (usize, &'b [u8])> {
    let (delim, width, crlf) = (row.delim, row.width, row.crlf);
    let mut q = from;
    std::iter::from_fn(move || {
        while q < end.min(b.len()) {
            let at = q;
            q = line_end(b, at);
            let l = &b[at..q];
            if row_like(l, delim, width, crlf) {
                return Some((at, l));
            }
        }
        None
    })
}

/// Whether a line has a delimiter and, read on its own as the csv crate reads a row (a quote
/// inside an unquoted field, or text after a closing one, is text), has at least `width` fields (and ends with
/// CRLF, in a file whose rows do: `crlf`), or starts a row whose quoted field (opened at a
/// field's start) runs on past the line: as a row that a quote left open took in reads, and as
/// a line of a quoted message rarely does (a message's line that starts with a time,
/// `2026-11-24T16:10:02Z upstream timeout, retrying"`, holds its own text and the fields after
/// the message, not a row's).
pub(super) fn row_like(l: &[u8], delim: u8, width: usize, crlf: bool) -> bool {
    if memchr::memchr(delim, l).is_none() {
        return false;
    }
    let ends_as_rows_do = !crlf || l.ends_with(b"\r\n");
    let l = l.strip_suffix(b"\n").unwrap_or(l);
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    // The csv crate passes over CRs before a row.
    let mut i = l.iter().take_while(|&&c| c == b'\r').count();
    let mut fields = 0;
    loop {
        fields += 1;
        if l.get(i) == Some(&b'"') {
            // Quoted: to its closing quote (`""` inside), or on past the line.
            let mut j = i + 1;
            loop {
                let Some(q) = memchr::memchr(b'"', &l[j..]).map(|k| j + k) else {
                    return fields <= width;
                };
                if l.get(q + 1) == Some(&b'"') {
                    j = q + 2;
                } else {
                    i = q + 1;
                    break;
                }
            }
        }
        // To the delimiter: the field's text, or what follows its closing quote.
        match memchr::memchr(delim, &l[i..]) {
            Some(k) => i += k + 1,
            None => return fields >= width && ends_as_rows_do,
        }
    }
}

/// The second test of [`swallows_next_row`]: the line `next` (a row's second) is, on its own, a
/// whole row of the file's width (quotes balanced) that reads as a record (a time and a code).
pub(super) fn is_a_record(next: &[u8], row: &Row<'_>, rules: &TimeRules) -> bool {
    // Cheap checks first: at least a comma per column, an even number of quotes, the line end
    // of the file's rows.
    if memchr::memchr_iter(row.delim, next).count() + 1 < row.width
        || !quotes_balanced(next)
        || row.crlf && !next.ends_with(b"\r\n")
    {
        return false;
    }
    // Split as rows are (a csv crate reader costs a parser per call: only for non-UTF-8).
    let mut fields = std::str::from_utf8(next)
        .ok()
        .map(|t| Fields::new(t, row.width));
    let mut rec = ByteRecord::new();
    let raw = if let Some(fields) = &mut fields {
        if split_row(fields, 0, row.delim).is_none() || fields.len() != row.width {
            return false;
        }
        row.raw(|i| Cow::Borrowed(fields.get(i)))
    } else {
        if !reader(next, row.delim)
            .read_byte_record(&mut rec)
            .unwrap_or(false)
            || rec.len() != row.width
        {
            return false;
        }
        row.raw(|i| String::from_utf8_lossy(&rec[i]))
    };
    matches!(
        crate::normalize::normalize(&raw, rules),
        crate::normalize::Outcome::Record(_)
    )
}
