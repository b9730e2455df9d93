//! Where the blocks and ranges of a CSV file are cut: at a row end outside quoted fields, for a
//! file read in order ([`row_end_cut`]) and for ranges read on any worker ([`FRAMING`]), and
//! old Mac files' lone CRs read as line ends ([`CrAsLf`]).

use std::io;

use super::super::blocks;
use super::super::ranges::Framing;
use super::super::{Input, MAX_RECORD_BYTES};
use super::header::find_header;
use super::quotes::quotes;

/// Old Mac files (Excel's "CSV (Macintosh)") end lines with a lone CR: read as LF, so that
/// blocks can be cut at line ends and lines counted as the file shows them.
pub(in crate::ingest) struct CrAsLf(pub Input);

impl io::Read for CrAsLf {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for c in &mut buf[..n] {
            if *c == b'\r' {
                *c = b'\n';
            }
        }
        Ok(n)
    }
}

/// The cut of the blocks of a file read in order, before its delimiter is known: the
/// delimiter its header gives ([`find_header`]), then [`row_end_cut`]'s.
pub(super) fn first_block_cut(b: &[u8]) -> Option<(usize, u64)> {
    row_end_cut(find_header(b).delim)(b)
}

/// The cut of the blocks of a file read in order whose delimiter is `delim`: at the last row end
/// ([`last_row_end_by`]), and the newlines up to it. A delimiter other than the three that
/// [`delimiter`] finds (`sep=|`) has every quote counted ([`last_row_end`]).
pub(super) fn row_end_cut(delim: u8) -> blocks::Cut {
    fn cut<const DELIM: u8>(b: &[u8]) -> Option<(usize, u64)> {
        last_row_end_by(b, DELIM).map(|p| (p, blocks::newlines(&b[..=p])))
    }
    match delim {
        b',' => cut::<b','>,
        b';' => cut::<b';'>,
        b'\t' => cut::<b'\t'>,
        _ => |b| last_row_end(b).map(|p| (p, blocks::newlines(&b[..=p]))),
    }
}

/// The last newline of a block that starts where a row does that ends a row as the csv crate
/// reads the rows (RFC 4180, the file's delimiter `delim`): outside quoted fields, a quote that
/// does not start a field (after a delimiter or a line's start) being text (`ab"c`, `"a"b"`),
/// which [`rows`] reads as the csv crate does. Counting every quote ([`last_row_end`], the
/// ranges' rule), such a quote turned the count round for the rest of the block, and the cut
/// fell inside a later quoted field over lines: that valid row was lost as a reject per line,
/// from a pipe or gzip and not from the file (review rev66b F2).
///
/// The quotes are followed forwards once, the ones that are text noted (rarely any); then the
/// quotes and newlines from the end back, to the last newline outside quotes. A block with
/// none ends as [`last_row_end`]'s.
fn last_row_end_by(b: &[u8], delim: u8) -> Option<usize> {
    let (mut text, mut inside) = (Vec::new(), false);
    let mut i = 0;
    while let Some(q) = memchr::memchr(b'"', &b[i..]).map(|k| i + k) {
        i = q + 1;
        if inside {
            if b.get(q + 1) == Some(&b'"') {
                i = q + 2;
            } else {
                inside = false;
            }
        } else if q == 0 || b[q - 1] == delim || b[q - 1] == b'\n' {
            inside = true;
        } else {
            text.push(q);
        }
    }
    // From the end back, each quote that is not text turns inside and outside round (a `""`
    // inside a field, twice).
    for p in memchr::memchr2_iter(b'\n', b'"', b).rev() {
        if b[p] == b'\n' {
            if !inside {
                return Some(p);
            }
        } else if text.last() == Some(&p) {
            text.pop();
        } else {
            inside = !inside;
        }
    }
    if b.len() < MAX_RECORD_BYTES {
        return None;
    }
    memchr::memchr(b'\n', b)
}

/// The last newline outside quotes in a block that starts outside quotes, by the rule of the
/// ranges' cuts ([`FRAMING`], whose starts and ends agree when they follow it from their own
/// starts; a file read in order is cut by [`last_row_end_by`]). In RFC 4180 CSV a quote only
/// opens or closes a quoted field (`""` inside one is two), so a newline is outside quotes when
/// the quotes before it are even in number.
///
/// When no newline of a full block is (a quote opened in its first row never closes), the
/// block ends after its first line: that row is rejected by [`rows`] and the next block starts
/// outside quotes again, so one stray quote costs one row, not the rest of the file. The
/// shorter last block of a file is handed on whole instead: its rows are split by [`rows`].
///
/// A stray quote turns the count round for the rest of the block: a newline inside a later
/// quoted field over lines then counts as outside. So the quotes after the cut are asked
/// whether it is inside a field ([`after_newline`], once a block: asking after each newline
/// made the cut quadratic on a long run of lines without a telling quote); when they say so,
/// the block ends instead at its last newline that the count takes for inside, when the quotes
/// after that one say it is outside (a row end past the stray quote, whose row [`rows`]
/// rejects), so the row the cut would have split is read whole.
fn last_row_end(b: &[u8]) -> Option<usize> {
    // Quote parity from the end: the one rule of [`quotes_balanced`], counted once per block,
    // then followed back over the quotes and newlines together (a search per newline cost a
    // search's setup for each line of a quoted field over lines).
    let mut quotes = quotes(b);
    for p in memchr::memchr2_iter(b'\n', b'"', b).rev() {
        if b[p] == b'"' {
            quotes -= 1;
        } else if quotes.is_multiple_of(2) {
            if after_newline(&b[p + 1..]) == Some(true) {
                return Some(row_end_past_stray_quote(b).unwrap_or(p));
            }
            return Some(p);
        }
    }
    if b.len() < MAX_RECORD_BYTES {
        return None;
    }
    memchr::memchr(b'\n', b)
}

/// The last newline of `b` after an odd number of quotes, when the quotes after it say that it
/// is outside a quoted field: the last row end of a block whose count a stray quote turned
/// round ([`last_row_end`]).
#[cold]
fn row_end_past_stray_quote(b: &[u8]) -> Option<usize> {
    let mut odd = quotes(b) % 2 == 1;
    for p in memchr::memchr2_iter(b'\n', b'"', b).rev() {
        if b[p] == b'"' {
            odd = !odd;
        } else if odd {
            return (after_newline(&b[p + 1..]) == Some(false)).then_some(p);
        }
    }
    None
}

/// The first newline outside quotes at or after `b[from]`, in a block that starts outside
/// quotes (the rule of [`last_row_end`]).
fn first_row_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quotes = quotes(b.get(..from)?);
    for p in memchr::memchr2_iter(b'\n', b'"', &b[from..]) {
        if b[from + p] == b'"' {
            quotes += 1;
        } else if quotes.is_multiple_of(2) {
            return Some(from + p);
        }
    }
    None
}

/// [`first_row_end`] at `target`, else [`last_row_end`], in bytes shorter than a block whose
/// first `from` hold no row end and `quotes` quotes: see [`Framing::resume`]. The quotes and
/// newlines after `from` are followed forwards, once.
fn resume_row_end(b: &[u8], from: usize, mut quotes: u64, target: usize) -> Result<usize, u64> {
    let mut last = None;
    for p in memchr::memchr2_iter(b'\n', b'"', &b[from..]) {
        let p = from + p;
        if b[p] == b'"' {
            quotes += 1;
        } else if quotes.is_multiple_of(2) {
            if p >= target {
                return Ok(p);
            }
            last = Some(p);
        }
    }
    last.ok_or(quotes)
}

/// Rows for [`ranges`]. A range's worker starts 16 KiB before its range, at the first row
/// that [`row_after_newline`] finds, and follows rows from there to the first that starts in
/// the range. A file's reading follows the quotes of a line over the cap by its delimiter
/// ([`framing`]).
pub(in crate::ingest) const FRAMING: Framing = Framing {
    last_end: last_row_end,
    first_end: first_row_end,
    resume: resume_row_end,
    after_newline: row_after_newline,
    lead: 16 << 10,
    long_line: None,
};

/// What the quotes in the bytes `b` after a newline say of it: whether it is inside a quoted
/// field, `None` when they do not tell. In RFC 4180 a quote that opens a field follows a
/// delimiter or a line's start, and one that closes it comes before a delimiter or a line's
/// end; inside a field a quote is doubled. The first quote that can only open (`,"1`) says
/// the newline was outside quotes (when an even number of quotes that could do either came
/// before it), one that can only close (`x",`) that it was inside.
pub(super) fn after_newline(b: &[u8]) -> Option<bool> {
    let boundary = |c: Option<&u8>| matches!(c, None | Some(b',' | b';' | b'\t' | b'\n' | b'\r'));
    // Single quotes passed: each turns inside and outside round.
    let mut passed = 0;
    let mut i = 0;
    loop {
        let q = i + memchr::memchr(b'"', &b[i..])?;
        if b.get(q + 1) == Some(&b'"') {
            i = q + 2;
            continue;
        }
        let opens = q == 0 || boundary(b.get(q - 1));
        let closes = q + 1 < b.len() && boundary(b.get(q + 1));
        match (opens, closes) {
            (true, false) => return Some(passed % 2 == 1),
            (false, true) => return Some(passed % 2 == 0),
            _ => {
                passed += 1;
                i = q + 1;
            }
        }
    }
}

/// In bytes that follow a newline somewhere in a CSV file: where the first row starts, as far
/// as their quotes tell ([`after_newline`]): after the next newline outside quotes when the
/// newline was inside a quoted field, else at once. Also at once when it was inside but no
/// newline after it is outside quotes in `b`: that guess is wrong, and the ranges disagree.
pub(super) fn row_after_newline(b: &[u8]) -> usize {
    if after_newline(b) != Some(true) {
        return 0;
    }
    // Inside quotes: the quotes before the first row end are odd in number.
    let mut quotes = 0;
    let mut p = 0;
    while let Some(n) = memchr::memchr(b'\n', &b[p..]).map(|n| p + n) {
        quotes += self::quotes(&b[p..n]);
        if quotes % 2 == 1 {
            return n + 1;
        }
        p = n + 1;
    }
    0
}
