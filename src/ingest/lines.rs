//! One JSON value per line (storage archive, workspace export, records documents or callback
//! batches dumped one per line). The file is cut into newline-aligned blocks that are parsed in
//! parallel; a line longer than [`MAX_RECORD_BYTES`] is rejected without being buffered.

use std::io;

use memchr::memchr_iter;
use serde::de::DeserializeSeed;

use super::blocks::{self, Blocks};
use super::json::{Element, TopSeed};
use super::scan::{self, Layout};
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{Raw, Reason};

/// Cuts ` at line 1 column 7` off serde_json's message; the caller says where.
pub(super) fn short_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// sonic-rs's message without the position and the echo of the input it appends.
pub(super) fn sonic_message(e: &sonic_rs::Error) -> String {
    let s = e.to_string();
    let s = s.lines().next().unwrap_or_default();
    let s = s.find(" at line ").map_or(s, |i| &s[..i]);
    // Our messages are lowercase.
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn process_line<S: Sink>(
    line: &[u8],
    line_no: u64,
    last: bool,
    layout: &mut Layout,
    ctx: &mut FileCtx<'_, S>,
) {
    let line = line.trim_ascii();
    if line.is_empty() {
        return;
    }
    if line.len() > MAX_RECORD_BYTES {
        ctx.reject(
            line_no,
            Reason::TooLarge,
            format!("longer than {} MiB", MAX_RECORD_BYTES >> 20),
            String::from_utf8_lossy(&line[..200]).into_owned(),
        );
        return;
    }
    let text = || String::from_utf8_lossy(line).into_owned();
    let mut raw = Raw::default();
    if scan::record(line, &mut raw, layout) {
        ctx.emit(&raw, line_no, text);
        return;
    }
    let mut not_records = Vec::new();
    let result = {
        let mut emit = |e: Element<'_>| match e {
            Element::Record(raw, _) => ctx.emit(&raw, line_no, text),
            Element::NotRecord(_, why) => not_records.push(why),
            Element::Incomplete(why) => ctx.incomplete(&why),
        };
        // sonic-rs: the same serde visitors, with SIMD skipping of the fields not wanted.
        let mut de = sonic_rs::Deserializer::from_slice(line);
        TopSeed { emit: &mut emit }
            .deserialize(&mut de)
            .and_then(|()| de.end())
    };
    for why in not_records {
        ctx.reject(line_no, Reason::NotARecord, why, text());
    }
    if let Err(e) = result {
        // A comma before a closing bracket, as Microsoft's docs show records: read it.
        if !e.is_eof() {
            if let Some(fixed) = super::document::without_trailing_commas(line) {
                if lenient(&fixed, line_no, ctx) {
                    let w = format!("{}: a comma before a closing bracket was ignored", ctx.name);
                    ctx.warn(w);
                    return;
                }
            }
        }
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
                format!("{} at column {}", sonic_message(&e), e.column()),
            )
        };
        ctx.reject(line_no, reason, detail, text());
    }
}

/// Reads a line repaired by [`super::document::without_trailing_commas`] when it now parses;
/// says whether it did (and then its records are handed on).
fn lenient<S: Sink>(line: &[u8], line_no: u64, ctx: &mut FileCtx<'_, S>) -> bool {
    let mut found = Vec::new();
    let mut de = sonic_rs::Deserializer::from_slice(line);
    let ok = {
        let mut emit = |e: Element<'_>| found.push(e.into_owned());
        TopSeed { emit: &mut emit }
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .is_ok()
    };
    if !ok {
        return false;
    }
    let text = || String::from_utf8_lossy(line).into_owned();
    for e in found {
        match e {
            Element::Record(raw, _) => ctx.emit(&raw, line_no, text),
            Element::NotRecord(_, why) => ctx.reject(line_no, Reason::NotARecord, why, text()),
            Element::Incomplete(why) => ctx.incomplete(&why),
        }
    }
    true
}

/// The lines of a block, `first_line` lines into the file.
fn process_block<S: Sink>(
    data: &[u8],
    first_line: u64,
    unterminated: bool,
    _: blocks::ArrayAt,
    ctx: &mut FileCtx<'_, S>,
) {
    let mut layout = Layout::default();
    let mut start = 0;
    let mut line_no = first_line + 1;
    for nl in memchr_iter(b'\n', data) {
        process_line(&data[start..nl], line_no, false, &mut layout, ctx);
        start = nl + 1;
        line_no += 1;
    }
    if start < data.len() {
        process_line(&data[start..], line_no, unterminated, &mut layout, ctx);
    }
}

/// Reads a JSON Lines input; blocks after the first are parsed in parallel.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let mut blocks = Blocks::new(input, blocks::last_newline);
    let Some(first) = blocks.next() else {
        return Ok(());
    };
    blocks::process(first, ctx, process_block);
    if blocks.finished() {
        return Ok(());
    }
    super::in_parallel(blocks, ctx, make, |piece, c| {
        blocks::process(piece, c, process_block)
    });
    Ok(())
}
