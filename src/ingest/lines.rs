//! One JSON value per line (storage archive, workspace export, records documents or callback
//! batches dumped one per line). The file is cut into newline-aligned blocks that are parsed in
//! parallel; a line longer than [`MAX_RECORD_BYTES`] is rejected without being buffered.
//!
//! A log whose lines carry records after a prefix of their own (a callback endpoint's) is read
//! as JSON Lines are, in `log`.

use std::io;

use memchr::memchr_iter;
use serde::de::DeserializeSeed;

use super::blocks::{self, Blocks, BLOCK};
use super::document::hand_on;
use super::json::{short_message, Element, TopSeed};
use super::scan::{self, Layout};
use super::structure::{mending, nests_deeper_than, reparse, MAX_NESTING};
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{Raw, Reason};
use crate::record::At;

pub(super) use log::{carries_after_prefix, no_csv_header, one_line_body, prefixed_log, read_log};

mod log;

/// One line, `line_no`; `last`: the file ends in it, without a newline; `whole`: it is the
/// file's only line that is not blank.
fn process_line<S: Sink>(
    line: &[u8],
    line_no: u64,
    (last, whole): (bool, bool),
    layout: &mut Layout,
    ctx: &mut FileCtx<'_, S>,
) {
    let line = line.trim_ascii();
    if line.is_empty() {
        return;
    }
    if line.len() > MAX_RECORD_BYTES {
        ctx.reject_too_large(line_no, line);
        return;
    }
    let text = || String::from_utf8_lossy(line).into_owned();
    let mut raw = Raw::default();
    // An object with none of a record's fields (rare) is looked at again by the serde
    // visitors below: it may wrap records under keys of its own, or be a pandas frame
    // (`orient='split'`: `columns` and positional `data` rows) that the scanner does not read;
    // so is one whose `message` may be a record forwarded as text.
    if scan::record(line, &mut raw, layout)
        && !raw.is_empty()
        && !super::json::may_forward(&raw, line)
    {
        ctx.emit(&raw, || At::line(line_no), text);
        return;
    }
    // Files joined with `cat`, the second saved with a byte-order mark (Excel, Notepad): the
    // mark starts a line. Text pasted from many such files starts with many: all passed over
    // here, the line read once after them (passed over a call deep each, 5,000 had overflowed
    // the stack).
    if line.starts_with(BOM) {
        return process_line(past_marks(line), line_no, (last, whole), layout, ctx);
    }
    // A document on one line: its elements one by one.
    if super::document::line_document(line, line_no, ctx) {
        return;
    }
    // Deep nesting is refused before any parser recurses into it.
    if nests_deeper_than(line, MAX_NESTING) {
        ctx.reject_too_deep(line_no, text());
        return;
    }
    // The same serde visitors on serde_json: what the fast scanner leaves. What the line holds
    // is handed on once it parsed, or to where it broke when something came before that.
    let (found, result, whole_value) = parse(line);
    let Err(e) = result else {
        // An object with none of a record's fields may wrap records under keys of its own.
        let empty = matches!(&found[..], [Element::Record(raw, 0)] if raw.is_empty());
        if empty && super::document::wrapper(line, line_no - 1, ctx) {
            return;
        }
        // A file that is that object alone is what the same object pretty-printed is: no
        // records (among other lines, it is one that is not a record: skipped).
        if empty && whole {
            super::document::holds_no_records(line_no, ctx);
        } else {
            hand_on(found, line_no, ctx, &text);
        }
        return;
    };
    // A comma before a closing bracket (Microsoft's docs show records so), or bytes that are
    // not UTF-8: read again.
    if !e.is_eof() {
        let whole = |t: &[u8]| {
            let (found, result, _) = parse(t);
            result.map(|()| found)
        };
        if let Some((found, how)) = reparse(line, whole) {
            hand_on(found, line_no, ctx, &text);
            ctx.repaired(how);
            return;
        }
    }
    // A record with more after it on its line: records that lost the newlines between them
    // (`{a}{b}`, `{a},{b}`) each read; anything else after a record a reject of its own text
    // (it had been the line's, showing the record read).
    if whole_value && line.starts_with(b"{") {
        joined(line, (found, e), line_no, last, layout, ctx);
        return;
    }
    // A line of text that starts as a JSON value (`"note": "x",`, `42 is the answer`) is one
    // reject, for the line: not its first word as well, a scalar that is not a record.
    let mut found = found;
    found.retain(|f| !matches!(f, Element::NotRecord(0, _) | Element::RowsCut));
    let salvage = found.is_empty();
    hand_on(found, line_no, ctx, &text);
    // A document whose head broke (`{"records":][{...`) still holds its records: read them.
    // When the line's only damage is its cut (it parsed up to its end) and that cut one of
    // them, rejected there, the cut is that reject alone (a query API table whose rows come
    // before its columns, cut inside them, had been two).
    let cut = salvage && super::document::salvage(line, line_no - 1, Some(line_no), ctx);
    if !(cut && e.is_eof()) {
        let (reason, detail) = damage(&e, last, 0);
        ctx.reject(line_no, reason, detail, text());
    }
}

/// UTF-8's byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `line` past the byte-order marks it starts with, and the blanks between them, in one loop.
fn past_marks(mut line: &[u8]) -> &[u8] {
    while let Some(rest) = line.strip_prefix(BOM) {
        line = rest.trim_ascii_start();
    }
    line
}

/// The records of a line that starts with one whose `found` elements and error `e` say more
/// follows it: each record on the line read in turn while the line lost only newlines
/// (`{a}{b}{c}`, in a loop: a line of 4 MiB may join 400,000), a comma between them passed over
/// as between documents (`{a},{b}`); anything else after a record (NUL padding, a Ctrl-Z, `x`,
/// a `}` too many) is a reject of its own, with its own text; a record that breaks, read as a
/// line is.
fn joined<S: Sink>(
    line: &[u8],
    (mut found, mut e): (Vec<Element<'static>>, serde_json::Error),
    line_no: u64,
    last: bool,
    layout: &mut Layout,
    ctx: &mut FileCtx<'_, S>,
) {
    // A reject's text is its start, not the rest of the line: a copy of that for each of
    // 400,000 records had made the line's reading quadratic.
    let head = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(EXCERPT_SOURCE)]).into_owned();
    let mut at = line;
    loop {
        let mut rest = at[(e.column().max(1) - 1).min(at.len())..].trim_ascii_start();
        if let Some(r) = rest.strip_prefix(b",").map(<[u8]>::trim_ascii_start) {
            if r.starts_with(b"{") {
                rest = r;
            }
        }
        hand_on(found, line_no, ctx, &|| head(at));
        if !rest.starts_with(b"{") {
            let column = line.len() - rest.len() + 1;
            let detail = format!("text after a record at column {column}");
            ctx.reject(line_no, Reason::NotJson, detail, head(rest));
            return;
        }
        at = rest;
        let (next, result, whole_value) = parse(at);
        match result {
            Ok(()) => return hand_on(next, line_no, ctx, &|| head(at)),
            Err(next_e) if whole_value => (found, e) = (next, next_e),
            // Broken: read as a line is (it holds no whole value: no second call here).
            Err(_) => return process_line(at, line_no, (last, false), layout, ctx),
        }
    }
}

/// Bytes of a record's source that its reject's excerpt is made from, at most.
const EXCERPT_SOURCE: usize = 4096;

/// What the serde visitors find in a line, up to where it breaks; and whether a whole value
/// was read before it broke (bytes after it on the line). A lone surrogate's escape is read as
/// U+FFFD ([`mending`]).
fn parse(line: &[u8]) -> (Vec<Element<'static>>, Result<(), serde_json::Error>, bool) {
    let mut found = Vec::new();
    let mut whole_value = false;
    let result = mending(line, |line| {
        found.clear();
        let mut de = serde_json::Deserializer::from_slice(line);
        let value = {
            let mut emit = |e: Element<'_>| found.push(e.into_owned());
            TopSeed { emit: &mut emit }.deserialize(&mut de)
        };
        whole_value = value.is_ok();
        value.and_then(|()| de.end())
    });
    (found, result, whole_value)
}

/// What reads one line: [`process_line`] (JSON Lines) or [`log_line`] (a log's lines).
trait LineFn<S: Sink>:
    Fn(&[u8], u64, (bool, bool), &mut Layout, &mut FileCtx<'_, S>) + Copy + Sync
{
}

impl<S: Sink, F> LineFn<S> for F where
    F: Fn(&[u8], u64, (bool, bool), &mut Layout, &mut FileCtx<'_, S>) + Copy + Sync
{
}

/// The lines of a block, `first_line` lines into the file, each read by `line`; returns how
/// many newlines it holds. `whole`: the block is the whole file.
fn process_block<S: Sink>(
    data: &[u8],
    first_line: u64,
    (unterminated, whole): (bool, bool),
    ctx: &mut FileCtx<'_, S>,
    process_line: impl LineFn<S>,
) -> u64 {
    let whole = whole && memchr::memchr(b'\n', data.trim_ascii()).is_none();
    let mut layout = Layout::default();
    let mut start = 0;
    let mut line_no = first_line + 1;
    'runs: loop {
        let from = start;
        for nl in memchr_iter(b'\n', &data[from..]).map(|at| from + at) {
            // A blank line is passed over here, not in a call (200 MB of them had taken 3 s).
            if nl > start {
                process_line(&data[start..nl], line_no, (false, whole), &mut layout, ctx);
            }
            start = nl + 1;
            line_no += 1;
            // And a run of them at once, not a search each (1 GiB of newlines had taken 7-13
            // s): the search starts again after it.
            if data.get(start) == Some(&b'\n') {
                let blank = newlines_at(&data[start..]);
                start += blank;
                line_no += blank as u64;
                continue 'runs;
            }
        }
        break;
    }
    if start < data.len() {
        process_line(
            &data[start..],
            line_no,
            (unterminated, whole),
            &mut layout,
            ctx,
        );
    }
    line_no - first_line - 1
}

/// How many newlines `data` starts with, eight bytes at a time.
fn newlines_at(data: &[u8]) -> usize {
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let words = data
        .chunks_exact(8)
        .take_while(|w| u64::from_ne_bytes((*w).try_into().unwrap()) == NEWLINES)
        .count();
    let rest = &data[words * 8..];
    words * 8 + rest.iter().take_while(|&&b| b == b'\n').count()
}

/// Reads a JSON Lines input. Its first [`BLOCK`] bytes are parsed here, in blocks filled to
/// [`SERIAL_FILL`] (one that holds a longer line is read on to its end), up to the block whose
/// read passes [`BLOCK`]; the blocks after them in parallel.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let block = |b: &[u8], first_line, flags, c: &mut FileCtx<'_, S>| {
        process_block(b, first_line, flags, c, process_line)
    };
    read_lines(input, ctx, make, blocks::last_newline, block)
}

/// What reads a block of lines: its bytes, the number of its first line less one, whether it
/// ends without a newline and whether it is the input's whole; the newlines it holds.
trait BlockFn<S: Sink>: Fn(&[u8], u64, (bool, bool), &mut FileCtx<'_, S>) -> u64 + Copy + Sync {}

impl<S: Sink, F> BlockFn<S> for F where
    F: Fn(&[u8], u64, (bool, bool), &mut FileCtx<'_, S>) -> u64 + Copy + Sync
{
}

/// Reads an input line by line as [`read`] does, in blocks cut by `cut`, each by `block`.
fn read_lines<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    cut: blocks::Cut,
    block: impl BlockFn<S>,
) -> io::Result<()> {
    let mut blocks = Blocks::new(input, cut).uncounted().filling(SERIAL_FILL);
    let mut first = true;
    while blocks.bytes_read() < BLOCK as u64 {
        let Some(piece) = blocks.next() else {
            return Ok(());
        };
        let whole = std::mem::take(&mut first) && blocks.finished();
        let body =
            |b: &[u8], first_line, unterminated, _: blocks::ArrayAt, c: &mut FileCtx<'_, S>| {
                block(b, first_line, (unterminated, whole), c)
            };
        blocks::process(piece, ctx, body);
        if blocks.finished() {
            return Ok(());
        }
    }
    let body = |b: &[u8], first_line, unterminated, _: blocks::ArrayAt, c: &mut FileCtx<'_, S>| {
        block(b, first_line, (unterminated, false), c)
    };
    blocks::process_rest(blocks.filling(BLOCK), ctx, make, body);
    Ok(())
}

/// Bytes of an input's first block parsed where it is read, at a time: the files smaller than
/// those read by ranges (a storage archive's, thousands of a few megabytes) are read whole by
/// the worker that opens them, each worker touching this much of its block's buffer, not the
/// 4 MiB of a block (on 32 threads, 256 files of 4 MiB peaked at 185 MiB).
const SERIAL_FILL: usize = 256 << 10;

/// Reads a plain file of JSON Lines by ranges, each worker reading its own (see `ranges.rs`).
/// False, nothing kept, when its dates took back a guessed day/month order: it is to be read
/// again, in the order they told (`ctx`'s now).
pub(super) fn read_ranges<S: Sink, M: Fn() -> S + Sync>(
    plain: &super::ranges::Plain<'_>,
    progress: Option<&indicatif::ProgressBar>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> bool {
    let body = |data: &[u8], first, unterminated, c: &mut FileCtx<'_, S>| {
        process_block(data, first, (unterminated, false), c, process_line)
    };
    // Each newline ends a record: the ranges cannot disagree.
    let framing = (super::ranges::LINES, &Default::default());
    super::ranges::read(plain, progress, ctx, make, framing, body)
}

/// Why a line whose JSON did not parse is a reject: `truncated record` when it ends inside a
/// value (`last`: the file ends in its line), else `not json` at its column in the line (the
/// JSON began `at` bytes into it).
fn damage(e: &serde_json::Error, last: bool, at: usize) -> (Reason, String) {
    if e.is_eof() {
        let where_ = if last {
            "the file ends"
        } else {
            "the line ends"
        };
        (Reason::Truncated, format!("{where_} inside a record"))
    } else {
        let column = e.column() + at;
        (
            Reason::NotJson,
            format!("{} at column {column}", short_message(e)),
        )
    }
}
