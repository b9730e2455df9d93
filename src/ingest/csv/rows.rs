//! The rows of one block of a CSV file read into records ([`rows`]): split, each tested for a
//! quote left open that took in the next row, rejected as unclosed or handed to [`Row`], and
//! read on by the columns of a header in another column order when one is met.

use std::borrow::Cow;

use foldhash::HashMap;

use super::super::blocks;
use super::super::{FileCtx, Sink};
use super::fields::{split_row, Fields, OddRows};
use super::quotes::{line_end, line_ends_inside_quotes, quotes_balanced};
use super::row::{Columns, Row};
use super::spoil;
use super::swallow::{row_line_starting_as, row_lines, swallows_next_row, ROW_START};
use crate::normalize::Reason;

/// The rows of one block, `first_line` lines into the file; returns the lines it holds, and
/// whether its last row ran to its end inside a quoted field (rejected as unclosed). A
/// block of valid UTF-8 (the common case) has its rows split by [`split_row`], fields borrowed
/// as text; anything that does not take, and blocks in other encodings, are read by the csv
/// crate.
pub(super) fn rows<S: Sink>(
    b: &[u8],
    first_line: u64,
    first: &Row<'_>,
    columns: &mut Option<Columns>,
    ctx: &mut FileCtx<'_, S>,
) -> (u64, bool) {
    let (mut p, mut line) = (0, first_line);
    // Checked with SIMD (AVX2 where the machine has it), as the JSON Lines scanner checks its
    // lines: std's check had cost 0.44 instructions a byte, 3.1% of a CSV file's reading.
    let text = simdutf8::basic::from_utf8(b).ok();
    loop {
        // Past a header in another column order (a file read in order), by its columns.
        let row = first.with(columns.as_ref());
        // Its text checked once for the block: again from each header met, a file of headers
        // every few rows took as long as it had rows times its block.
        let (lines, open, switch) = rows_until(&b[p..], text.map(|t| &t[p..]), line, &row, ctx);
        line += lines;
        match switch {
            None => return (line - first_line, open),
            Some((used, c)) => {
                p += used;
                *columns = Some(c);
            }
        }
    }
}

/// The rows of [`rows`] up to a header in another column order, if one is met in a file read
/// in order: then also the bytes up to the row after it, and its columns.
fn rows_until<S: Sink>(
    b: &[u8],
    text: Option<&str>,
    first_line: u64,
    row: &Row<'_>,
    ctx: &mut FileCtx<'_, S>,
) -> (u64, bool, Option<(usize, Columns)>) {
    let mut fields = text.map(|t| Fields::new(t, row.width));
    // One reader of the csv crate's core for every row the splitter does not take, made at
    // the first: a block read by ranges is 256 KiB, and making a reader for each showed in
    // the profile (2.5% of the samples).
    let mut odd = None;
    let mut p = 0;
    // The physical line of b[p].
    let mut line = first_line + 1;
    let mut open_end = false;
    // What the last reading over lines found, for the rows inside it; quote counts so far.
    let mut spanned: Option<Spanned> = None;
    let mut parity = Parity::default();
    while p < b.len() {
        let split = fields
            .as_mut()
            .and_then(|f| Some((split_row(f, p, row.delim)?, &*f)));
        if let Some(((next, lines), fields)) = split {
            let later = |second, start: &_| row_line_starting_as(b, (second, next), start, row);
            if lines > 1 && swallows_next_row(b, p, row, &ctx.rules, later) {
                if row.spoiled.is_some() {
                    spoil(row.spoiled);
                    break;
                }
                p = reject_unclosed(b, p, line, ctx);
                line += 1;
                continue;
            }
            let switch = row.handle(line, fields.len(), |i| Cow::Borrowed(fields.get(i)), ctx);
            line += lines;
            p = next;
            if let Some(c) = switch {
                return (line - first_line - 1, open_end, Some((p, c)));
            }
            continue;
        }
        // An empty line is no record (as for the csv crate), but it is a line.
        let blank = match b[p] {
            b'\n' => 1,
            b'\r' if b.get(p + 1) == Some(&b'\n') => 2,
            _ => 0,
        };
        if blank > 0 {
            p += blank;
            line += 1;
            continue;
        }
        if row.spoiled.is_some() {
            spoil(row.spoiled);
            break;
        }
        // The lines of the block before b[p].
        let before = line - first_line - 1;
        // A row whose first line ends inside a quoted field, inside a row read before over
        // lines, reads on to where that one ended: rejected or not as the reading below would
        // have it, without that reading (which, from every row of a run of rows that each leave
        // a quote open, made such a file quadratic).
        if let Some(s) = spanned
            .as_mut()
            .filter(|s| s.holds_the_next_line_of(b, p, row.delim))
        {
            let lines = s.lines_to_end - before;
            let open = s.end == b.len() && !parity.rest_balanced(b, p);
            let later = |second, start: &_| s.later_row_starting_as(b, second, start, row);
            if open || (lines > 1 && swallows_next_row(b, p, row, &ctx.rules, later)) {
                open_end |= open;
                p = reject_unclosed(b, p, line, ctx);
                line += 1;
                continue;
            }
        }
        let odd = odd.get_or_insert_with(|| OddRows::new(row.delim));
        let (mut read, mut used) = odd.read(&b[p..]);
        if used == 0 {
            break;
        }
        // The reader ends a record at a lone CR too: inside a line, it is text.
        if b[p + used - 1] == b'\r' && p + used < b.len() && b[p + used] != b'\n' {
            (read, used) = odd.past_lone_cr(b, p).unwrap_or((read, used));
        }
        // The reader ends a CRLF record at its CR.
        if b.get(p + used) == Some(&b'\n') && b[p + used - 1] == b'\r' {
            used += 1;
        }
        let lines = blocks::newlines(&b[p..p + used]);
        let second = line_end(b, p);
        if second < p + used {
            spanned = Some(Spanned::new(second, p + used, before + lines));
        }
        // The csv crate ends a quoted field left open at the end of its input without a word.
        let open = p + used == b.len() && !parity.rest_balanced(b, p);
        open_end |= open;
        let later = |second, start: &_| row_line_starting_as(b, (second, p + used), start, row);
        if open || (lines > 1 && swallows_next_row(b, p, row, &ctx.rules, later)) {
            p = reject_unclosed(b, p, line, ctx);
            line += 1;
            continue;
        }
        let switch = if read {
            let field = |i| String::from_utf8_lossy(odd.field(i));
            row.handle(line, odd.len(), field, ctx)
        } else {
            None
        };
        line += lines;
        p += used;
        if let Some(c) = switch {
            return (line - first_line - 1, open_end, Some((p, c)));
        }
    }
    (line - first_line - 1, open_end, None)
}

/// A row read by the csv crate's reader over lines, kept for the rows after it: the record
/// that started before `lo` ran on inside a quoted field past every newline before `end`, so
/// the reader is inside a quoted field at the start of every line in `lo..end`. A row whose
/// first line ends inside a quoted field, and whose second line starts there, reads on to
/// `end` as well: the reader is in the same state at the same byte.
struct Spanned {
    /// The start of the second line of the row read.
    lo: usize,
    end: usize,
    /// The newlines of the block before `end`.
    lines_to_end: u64,
    /// The lines starting in `lo..end` that have a delimiter, by their first bytes, made at
    /// the first use: where [`swallows_next_row`] looks for a line that starts as the row.
    starts: Option<HashMap<[u8; ROW_START], Vec<usize>>>,
}

impl Spanned {
    fn new(lo: usize, end: usize, lines_to_end: u64) -> Spanned {
        Spanned {
            lo,
            end,
            lines_to_end,
            starts: None,
        }
    }

    /// Whether the row at `b[p]` reads on to `end`: its first line ends inside a quoted field
    /// and its second line starts in `lo..end`. The reader passes over a CR where a row
    /// starts (as over an empty line), and so does this.
    fn holds_the_next_line_of(&self, b: &[u8], p: usize, delim: u8) -> bool {
        let mut from = p;
        while b.get(from) == Some(&b'\r') && b.get(from + 1) != Some(&b'\n') {
            from += 1;
        }
        (self.lo..self.end).contains(&line_end(b, p)) && line_ends_inside_quotes(b, from, delim)
    }

    /// Whether a line of the row read, after its first (which ends at `second`), starts as
    /// `start` and reads as a row: for [`swallows_next_row`], looked up rather than read.
    #[inline(never)]
    fn later_row_starting_as(
        &mut self,
        b: &[u8],
        second: usize,
        start: &[u8; ROW_START],
        row: &Row<'_>,
    ) -> bool {
        let (lo, end) = (self.lo, self.end);
        let starts = self.starts.get_or_insert_with(|| {
            let mut starts: HashMap<[u8; ROW_START], Vec<usize>> = HashMap::default();
            for (q, l) in row_lines(b, lo, end, row) {
                if let Some(key) = l.get(..ROW_START) {
                    let key = key.try_into().expect("ROW_START bytes");
                    starts.entry(key).or_default().push(q);
                }
            }
            starts
        });
        starts
            .get(start)
            .is_some_and(|qs| qs.last().is_some_and(|&q| q >= second))
    }
}

/// The parity of the quotes in a block before a row, counted on as the rows move forward, so
/// that whether the quotes from a row to the block's end pair up costs a count of the bytes
/// since the last row, not of the rest of the block.
#[derive(Default)]
struct Parity {
    at: usize,
    odd_before: bool,
    odd_in_all: Option<bool>,
}

impl Parity {
    /// Whether the quotes of `b[p..]` are even in number; `p` never goes back.
    fn rest_balanced(&mut self, b: &[u8], p: usize) -> bool {
        self.odd_before ^= !quotes_balanced(&b[self.at..p]);
        self.at = p;
        let odd_in_all = *self.odd_in_all.get_or_insert_with(|| !quotes_balanced(b));
        odd_in_all == self.odd_before
    }
}

/// Rejects the physical line at `b[p]` as a row whose quote never closes; returns where the
/// next line starts, from which reading resumes.
fn reject_unclosed<S: Sink>(b: &[u8], p: usize, line: u64, ctx: &mut FileCtx<'_, S>) -> usize {
    let end = line_end(b, p);
    let text = String::from_utf8_lossy(b[p..end].trim_ascii_end()).into_owned();
    ctx.reject(
        line,
        Reason::UnclosedQuote,
        "a quoted field does not close before the next row".into(),
        text,
    );
    end
}
