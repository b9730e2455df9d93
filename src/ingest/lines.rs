//! One JSON value per line (storage archive, workspace export, records documents or callback
//! batches dumped one per line). The file is cut into newline-aligned blocks that are parsed in
//! parallel; a line longer than [`MAX_RECORD_BYTES`] is rejected without being buffered.

use std::io;

use memchr::memchr_iter;
use serde::de::DeserializeSeed;

use super::blocks::{self, Blocks, BLOCK};
use super::document::hand_on;
use super::json::{short_message, Element, TopSeed};
use super::scan::{self, Layout};
use super::structure::{nests_deeper_than, reparse, MAX_NESTING};
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{Raw, Reason};
use crate::record::At;

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
    // mark starts a line.
    if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
        return process_line(rest, line_no, (last, whole), layout, ctx);
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
    let (found, result) = parse(line);
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
            let (found, result) = parse(t);
            result.map(|()| found)
        };
        if let Some((found, how)) = reparse(line, whole) {
            hand_on(found, line_no, ctx, &text);
            ctx.repaired(how);
            return;
        }
    }
    // A line of text that starts as a JSON value (`"note": "x",`, `42 is the answer`) is one
    // reject, for the line: not its first word as well, a scalar that is not a record.
    let mut found = found;
    found.retain(|f| !matches!(f, Element::NotRecord(0, _)));
    let salvage = found.is_empty();
    hand_on(found, line_no, ctx, &text);
    let (reason, detail) = if e.is_eof() {
        let where_ = if last {
            "the file ends"
        } else {
            "the line ends"
        };
        (Reason::Truncated, format!("{where_} inside a record"))
    } else {
        (
            Reason::NotJson,
            format!("{} at column {}", short_message(&e), e.column()),
        )
    };
    ctx.reject(line_no, reason, detail, text());
    // A document whose head broke (`{"records":][{...`) still holds its records: read them.
    if salvage {
        super::document::salvage(line, line_no - 1, Some(line_no), ctx);
    }
}

/// What the serde visitors find in a line, up to where it breaks.
fn parse(line: &[u8]) -> (Vec<Element<'static>>, Result<(), serde_json::Error>) {
    let mut found = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(line);
    let result = {
        let mut emit = |e: Element<'_>| found.push(e.into_owned());
        TopSeed { emit: &mut emit }
            .deserialize(&mut de)
            .and_then(|()| de.end())
    };
    (found, result)
}

/// The lines of a block, `first_line` lines into the file; returns how many newlines it holds.
/// `whole`: the block is the whole file.
fn process_block<S: Sink>(
    data: &[u8],
    first_line: u64,
    (unterminated, whole): (bool, bool),
    ctx: &mut FileCtx<'_, S>,
) -> u64 {
    let whole = whole && memchr::memchr(b'\n', data.trim_ascii()).is_none();
    let mut layout = Layout::default();
    let mut start = 0;
    let mut line_no = first_line + 1;
    for nl in memchr_iter(b'\n', data) {
        // A blank line is passed over here, not in a call (200 MB of them had taken 3 s).
        if nl > start {
            process_line(&data[start..nl], line_no, (false, whole), &mut layout, ctx);
        }
        start = nl + 1;
        line_no += 1;
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

/// Reads a JSON Lines input. Its first [`BLOCK`] bytes are parsed here, in blocks filled to
/// [`SERIAL_FILL`] (one that holds a longer line is read on to its end), up to the block whose
/// read passes [`BLOCK`]; the blocks after them in parallel.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let mut blocks = Blocks::new(input, blocks::last_newline)
        .uncounted()
        .filling(SERIAL_FILL);
    let mut first = true;
    while blocks.bytes_read() < BLOCK as u64 {
        let Some(piece) = blocks.next() else {
            return Ok(());
        };
        let whole = std::mem::take(&mut first) && blocks.finished();
        let body =
            |b: &[u8], first_line, unterminated, _: blocks::ArrayAt, c: &mut FileCtx<'_, S>| {
                process_block(b, first_line, (unterminated, whole), c)
            };
        blocks::process(piece, ctx, body);
        if blocks.finished() {
            return Ok(());
        }
    }
    let body = |b: &[u8], first_line, unterminated, _: blocks::ArrayAt, c: &mut FileCtx<'_, S>| {
        process_block(b, first_line, (unterminated, false), c)
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
pub(super) fn read_ranges<S: Sink, M: Fn() -> S + Sync>(
    plain: &super::ranges::Plain<'_>,
    progress: Option<&indicatif::ProgressBar>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) {
    let body = |data: &[u8], first, unterminated, c: &mut FileCtx<'_, S>| {
        process_block(data, first, (unterminated, false), c)
    };
    // Each newline ends a record: the ranges cannot disagree.
    let framing = (super::ranges::LINES, &Default::default());
    super::ranges::read(plain, progress, ctx, make, framing, body);
}
