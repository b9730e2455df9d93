//! A log whose lines carry records or events after a prefix of their own, as a callback
//! endpoint logs the bodies it receives ([`read_log`]): each line's JSON after its prefix, a
//! body logged indented over the lines after its prefix read as a document of its own.

use std::io;

use memchr::memchr_iter;

use super::super::blocks::{self, BLOCK};
use super::super::document::{hand_on, starts_as_json_text};
use super::super::json::Element;
use super::super::scan::Layout;
use super::super::structure::{
    self, nests_deeper_than, opens_after_prefix, prefix_time, reparse, Walker, MAX_NESTING,
};
use super::super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use super::{damage, parse, read_lines};
use crate::normalize::{key_role_bytes, Context, Field, KeyRole, Reason};
use crate::record::SkipReason;

/// Reads a log whose lines carry records or events after a prefix of their own, as a callback
/// endpoint logs the bodies it receives (ASP.NET Core's console logger: `info:
/// ...CallbackController[0]` then `      Received callback: [...]`; an Express app's `<time>
/// POST /api/callbacks [...]`; Python's logging: `<time> INFO callbacks: event={...}`), line by
/// line as JSON Lines are read: each line's JSON after its prefix ([`json_after_prefix`]); a
/// line without one is skipped. A body logged indented over the lines after its prefix (in a
/// log whose first megabyte showed bodies on one line only) is read as a document of its own
/// (see [`process_log_block`]), its blocks cut before it ([`log_cut`]).
pub(in crate::ingest) fn read_log<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    read_lines(input, ctx, make, log_cut, process_log_block)
}

/// The lines of a block of a log read by [`read_log`], each by [`log_line`], but a line that
/// opens a body after its prefix ([`opens_after_prefix`]) whose body closes in the block
/// ([`logged_body_end`]): the body is read as the document it is, each event at its line, as
/// in a log read as a JSON document (`document::logged_body`). The newlines it holds.
fn process_log_block<S: Sink>(
    data: &[u8],
    first_line: u64,
    (unterminated, _): (bool, bool),
    ctx: &mut FileCtx<'_, S>,
) -> u64 {
    let mut layout = Layout::default();
    let (mut start, mut line_no) = (0, first_line + 1);
    while start < data.len() {
        let nl = memchr::memchr(b'\n', &data[start..]).map(|p| start + p);
        let line = &data[start..nl.unwrap_or(data.len())];
        let body = opens_after_prefix(line)
            .map(|o| start + o)
            .and_then(|open| Some((open, logged_body_end(data, open)?)));
        if let Some((open, close)) = body {
            ctx.logged_time = prefix_time(&data[start..open]);
            super::super::document::logged_body(&data[open..close], line_no - 1, ctx);
            ctx.logged_time = None;
            // On past the line the body closes on.
            let after = memchr::memchr(b'\n', &data[close..]).map(|p| close + p);
            line_no += blocks::newlines(&data[start..after.unwrap_or(data.len())]);
            let Some(after) = after else {
                break;
            };
            (start, line_no) = (after + 1, line_no + 1);
            continue;
        }
        let last = nl.is_none() && unterminated;
        log_line(line, line_no, (last, false), &mut layout, ctx);
        let Some(nl) = nl else {
            break;
        };
        (start, line_no) = (nl + 1, line_no + 1);
    }
    line_no - first_line - 1
}

/// Where a body logged indented over the lines after its prefix ends in `data`, its bracket at
/// `data[open]`: past its closing bracket, when each line up to it is one of JSON printed
/// indented (`document::starts_as_json_text`); `None` when a logger's line comes first (a body
/// cut off), or a line that opens a body itself, or `data` ends first. A line that both reads
/// as JSON text and opens a body (`[a [`, no logger's) ends the walk: each such line's walk had
/// run on through the others to the block's end, lines x block bytes (rev65b F3).
fn logged_body_end(data: &[u8], open: usize) -> Option<usize> {
    let mut walker = Walker::default();
    let mut at = open;
    loop {
        let nl = memchr::memchr(b'\n', &data[at..]).map(|p| at + p);
        let end = nl.map_or(data.len(), |p| p + 1);
        let line = &data[at..end];
        if at > open
            && !line.trim_ascii().is_empty()
            && (!starts_as_json_text(line) || opens_after_prefix(line).is_some())
        {
            return None;
        }
        if let Some(e) = walker.end(line) {
            return Some(at + e);
        }
        at = nl? + 1;
    }
}

/// Where a block of a log read by [`read_log`] may end: at its last newline, but before a body
/// logged indented that opens in it and does not close before that newline (its lines, read
/// line by line, would be lost), when the block has a line before it; when it has none, the
/// block is read on ([`BLOCK`] at most: then it ends at its last newline, and the body is one
/// reject).
fn log_cut(b: &[u8]) -> Option<(usize, u64)> {
    let p = memchr::memrchr(b'\n', b)?;
    let mut end = p;
    // Back over the lines of JSON before the last newline, to the last logger's line.
    loop {
        let start = memchr::memrchr(b'\n', &b[..end]).map_or(0, |q| q + 1);
        let line = &b[start..end];
        if line.trim_ascii().is_empty() || starts_as_json_text(line) {
            if start == 0 {
                return Some((p, 0));
            }
            end = start - 1;
            continue;
        }
        let open = opens_after_prefix(line).map(|o| start + o);
        if open.is_none_or(|open| logged_body_end(&b[..=p], open).is_some()) {
            return Some((p, 0));
        }
        return match start {
            0 if b.len() < BLOCK => None,
            0 => Some((p, 0)),
            _ => Some((start - 1, 0)),
        };
    }
}

/// Whether a file that detection takes for CSV is instead a log read by [`read_log`]: none of
/// its first lines names a known column (read as CSV, each of its lines is a `not an export`
/// reject), and one of the lines of its `prefix` at least carries a record or an event after a
/// prefix ([`carries_after_prefix`]). Lines of JSON alone after lines of text are JSON Lines
/// after a banner, whose text is a reject a line, not a log's lines to skip. A line that
/// names a known column as a CSV row but holds a body that opens as an event after a prefix
/// ([`event_after_prefix`]) is a log's line cut right after a key (`..."serverCallId"`), not a
/// header: the whole log had been read as CSV, every event a reject.
pub(in crate::ingest) fn prefixed_log(prefix: &[u8]) -> bool {
    no_csv_header(prefix) && prefix.split(|&b| b == b'\n').any(carries_after_prefix)
}

/// Whether none of the first lines of `prefix` is a CSV header that names a known column, a
/// log's line cut right after a key being none (see [`prefixed_log`]).
pub(in crate::ingest) fn no_csv_header(prefix: &[u8]) -> bool {
    let header = super::super::csv::known_header(prefix);
    header.is_none_or(|h| event_after_prefix(h.trim_ascii()).is_some())
}

/// Whether a line carries a record or an event after a prefix of text, as a log line does: the
/// JSON its prefix is followed by ([`json_after_prefix`]) starts after a letter or a digit (a
/// time, a level, a logger's name), not at the line's start, and after no `{` (`[{...}, {...}`
/// is the first line of an array of records over lines, not a prefix and a record).
pub(in crate::ingest) fn carries_after_prefix(l: &[u8]) -> bool {
    let l = l.trim_ascii();
    let text = |p: &[u8]| p.iter().any(u8::is_ascii_alphanumeric) && !p.contains(&b'{');
    l.len() <= MAX_RECORD_BYTES
        && matches!(l.last(), Some(b'}' | b']'))
        && !nests_deeper_than(l, MAX_NESTING)
        && json_after_prefix(l).is_some_and(|(at, _)| text(&l[..at]))
}

/// A line of text in a JSON document's input (a callback endpoint's log whose bodies are
/// logged indented and on one line both, after the same prefix) read as [`read_log`] reads a
/// log's line, when it carries a record or an event after a prefix with no quote before its
/// first bracket (a line of a body printed indented, `"data": {...}`, does not), or a body that
/// opens as an event after such a prefix and does not parse (cut short: a reject at its line,
/// as in a log of one-line bodies, where it had been skipped as a logger's line); says whether
/// it did.
pub(in crate::ingest) fn one_line_body<S: Sink>(
    line: &[u8],
    line_no: u64,
    ctx: &mut FileCtx<'_, S>,
) -> bool {
    let first = memchr::memchr2(b'{', b'[', line).unwrap_or(0);
    if line[..first].contains(&b'"') {
        return false;
    }
    let trimmed = line.trim_ascii();
    let damaged = || {
        trimmed.len() <= MAX_RECORD_BYTES
            && event_after_prefix(trimmed).is_some_and(|at| parse(&trimmed[at..]).1.is_err())
    };
    let body = carries_after_prefix(line) || damaged();
    if !body {
        return false;
    }
    log_line(line, line_no, (false, false), &mut Layout::default(), ctx);
    true
}

/// `{` or `[` tried, at most, as the start of a line's JSON: a log prefix holds few
/// (`CallbackController[0]`, `[INFO]`), and a hostile line is not parsed from each of its own.
const MAX_JSON_STARTS: usize = 16;

/// The JSON a log line carries after its prefix: from the first `{` or `[` from which the rest of
/// the line parses as JSON holding a record's or an event's fields, where it starts and what it
/// holds; `None` when no such start is found.
fn json_after_prefix(line: &[u8]) -> Option<(usize, Vec<Element<'static>>)> {
    if !matches!(line.last(), Some(b'}' | b']')) {
        return None;
    }
    let holds_fields = |e: &Element<'_>| matches!(e, Element::Record(r, _) if !r.is_empty());
    for at in memchr::memchr2_iter(b'{', b'[', line).take(MAX_JSON_STARTS) {
        let (found, result, _) = parse(&line[at..]);
        if result.is_ok() && found.iter().any(holds_fields) {
            return Some((at, found));
        }
    }
    None
}

/// One line of a log read by [`read_log`]: what its JSON after the prefix holds, each record
/// dated by its own time, else by the prefix's ISO time ([`prefix_time`]), else a reject for
/// its lack of one; a line without such JSON is skipped.
fn log_line<S: Sink>(
    line: &[u8],
    line_no: u64,
    (last, _): (bool, bool),
    _: &mut Layout,
    ctx: &mut FileCtx<'_, S>,
) {
    // A file joined after another starts with its byte-order mark.
    let trimmed = line.trim_ascii();
    let line = trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed);
    let text = || String::from_utf8_lossy(line).into_owned();
    match line.len() {
        0 => return,
        n if n > MAX_RECORD_BYTES => return ctx.reject_too_large(line_no, line),
        _ if matches!(line.last(), Some(b'}' | b']')) && nests_deeper_than(line, MAX_NESTING) => {
            return ctx.reject_too_deep(line_no, text())
        }
        _ => {}
    }
    let mut repair = None;
    let (at, mut found) = match json_after_prefix(line) {
        Some(body) => body,
        None => {
            // A body logged indented over the lines after its prefix, in a log whose first
            // megabyte told bodies on one line, that is cut off (a logger's line comes before it
            // closes) or longer than a block: lost, so a reject, not a line skipped.
            if opens_after_prefix(line).is_some() {
                let why = "a body logged indented over the lines after it, in a log of bodies on one line, cut off by a logger's line or over 4 MiB: not read (read a log of indented bodies whole with --input-format json)".into();
                return ctx.reject(line_no, Reason::NotARecord, why, text());
            }
            // A body that opens as an event after the prefix and does not parse (cut short, a
            // quote lost, `,,`): read again as a line of JSON Lines is, else a reject at its line,
            // not a line skipped (its events had been lost at exit 0).
            match event_after_prefix(line).and_then(|at| Some((at, damaged_body(line, at, last)?)))
            {
                Some((at, Ok((found, how)))) => {
                    repair = Some(how);
                    (at, found)
                }
                Some((_, Err((reason, detail)))) => {
                    return ctx.reject(line_no, reason, detail, text())
                }
                None => {
                    ctx.counts.skipped += 1;
                    ctx.sink.skip(SkipReason::LogLine, None);
                    return;
                }
            }
        }
    };
    if let Some(time) = prefix_time(&line[..at]) {
        for e in &mut found {
            if let Element::Record(raw, _) = e {
                ctx.date_by_prefix(raw, &time);
            }
        }
    }
    hand_on(found, line_no, ctx, &text);
    if let Some(how) = repair {
        ctx.repaired(how);
    }
}

/// Where a log line's body opens as an event after its prefix, though it may not parse: at the
/// first `{` or `[` (of its first [`MAX_JSON_STARTS`]) after text with a letter or a digit, no
/// quote and no `{`, that opens an object at its first key (`{"`, `[{"`), when a key of the
/// body is one an event or a record is read by (`"type"`, `"serverCallId"`,
/// `"resultInformation"`, `"subCode"`): a logger's other lines (`info: ...Lifetime[14]`,
/// `request {"path": "/health"}`) do not.
fn event_after_prefix(line: &[u8]) -> Option<usize> {
    let key_at = |b: &[u8]| {
        let b = b.trim_ascii_start();
        let b = b.strip_prefix(b"[").map_or(b, <[u8]>::trim_ascii_start);
        b.strip_prefix(b"{")
            .is_some_and(|b| b.trim_ascii_start().starts_with(b"\""))
    };
    let mut starts = memchr::memchr2_iter(b'{', b'[', line).take(MAX_JSON_STARTS);
    let at = starts.find(|&at| line[at] == b'{' || key_at(&line[at..]))?;
    let prefix = &line[..at];
    let text = prefix.iter().any(u8::is_ascii_alphanumeric) && !prefix.contains(&b'"');
    (text && key_at(&line[at..]) && names_a_field(&line[at..])).then_some(at)
}

/// Whether one of the strings of `body` (a key, where it is not cut) names a field of an event
/// or a record ([`key_role_bytes`]): any text between two quotes is looked at, so an escaped
/// quote in a value cannot hide the keys after it.
fn names_a_field(body: &[u8]) -> bool {
    let known = |k: &[u8]| {
        matches!(
            key_role_bytes(Context::Record, k),
            KeyRole::Field(_) | KeyRole::Enter(Context::ResultInformation)
        ) || key_role_bytes(Context::ResultInformation, k) == KeyRole::Field(Field::ResultSubcode)
    };
    let mut quotes = memchr_iter(b'"', body);
    let Some(mut open) = quotes.next() else {
        return false;
    };
    quotes.any(|close| {
        let k = &body[open + 1..close];
        open = close;
        known(k)
    })
}

/// A damaged body's elements, read again, and how; or its reject's reason and detail.
type BodyRead = Result<(Vec<Element<'static>>, structure::Repair), (Reason, String)>;

/// A log line's body from `line[at]` (one [`event_after_prefix`] found) that did not parse as a
/// whole line's JSON: its elements when a repair reads it ([`reparse`]: a comma before a
/// closing bracket, bytes that are not UTF-8), else why it is a reject (`truncated record`
/// when it ends inside a value, `last`: the file ends in its line; `not json` at the line's
/// column); `None` when it parses as it is (it holds no fields: a line skipped, as before).
fn damaged_body(line: &[u8], at: usize, last: bool) -> Option<BodyRead> {
    let body = &line[at..];
    if nests_deeper_than(body, MAX_NESTING) {
        let why = format!("brackets nested more than {MAX_NESTING} deep");
        return Some(Err((Reason::TooDeep, why)));
    }
    let (_, result, _) = parse(body);
    let e = result.err()?;
    if !e.is_eof() {
        let whole = |t: &[u8]| {
            let (found, result, _) = parse(t);
            result.map(|()| found)
        };
        if let Some(read) = reparse(body, whole) {
            return Some(Ok(read));
        }
    }
    Some(Err(damage(&e, last, at)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A walk for a body's end stops at the next line that opens one (rev65b F3): lines that
    /// read as JSON text and open a body each had their walk run to the end of the block (and
    /// here it had found the first one's end on the last line, through the others).
    #[test]
    fn a_walk_for_a_logged_body_stops_at_the_next_opener() {
        let data = b"[a [\n[a [\n[a [\n]]]]]]\n";
        assert_eq!(logged_body_end(data, 3), None);
        assert_eq!(logged_body_end(data, 8), None);
        // The last one's body, a bracket and its closer, ends on the line after it.
        assert_eq!(logged_body_end(data, 13), Some(16));
        // Lines of a body printed indented still run to its end.
        let body = b"Received callback: [\n  {\n    \"a\": [\n      1\n    ]\n  }\n]\nnext";
        let close = body.len() - "\nnext".len();
        assert_eq!(logged_body_end(body, 19), Some(close));
    }
}
