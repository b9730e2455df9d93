//! A callback endpoint's log read as documents: its bodies logged over lines after a prefix
//! (`Received callback: [`), the logger's other lines passed over, a body cut off read up to
//! the next; and bodies logged on one line.

use std::io;
use std::sync::atomic::AtomicBool;

use super::super::blocks::{ArrayAt, Prefixed};
use super::super::elements::{elements, read_array, shape, End, Items, Of};
use super::super::structure::{bracket_prefix, opens_after_prefix, Walker};
use super::super::{FileCtx, Sink, MAX_RECORD_BYTES};
use super::found::{parse_document, EXCERPT_SOURCE};
use super::whole::small_document;
use super::Peek;
use crate::normalize::{Reason, SkipReason};

/// A line of a callback endpoint's logger, skipped.
pub(super) fn skip_log_line<S: Sink>(ctx: &mut FileCtx<'_, S>) {
    ctx.counts.skipped += 1;
    ctx.sink.skip(SkipReason::LogLine, None);
}

/// Lines of text outside any document met before a line that opens a body after a prefix
/// ([`opens_after_prefix`]) or a document: the logger's lines before a callback endpoint's
/// first logged body (health probes all night) when a prefix comes first, however far in,
/// skipped then; else a reject each, as text outside any document. Held in bounded memory:
/// the excerpts of the first, up to [`HELD_BYTES`], then the lines after them as runs of
/// line numbers (a reject without an excerpt, past the rows most runs keep), up to
/// [`HELD_RUNS`] of them.
#[derive(Default)]
pub(super) struct Held {
    /// Each line's number and excerpt.
    kept: Vec<(u64, String)>,
    bytes: usize,
    /// The lines after them: first line, how many.
    runs: Vec<(u64, u64)>,
}

/// Bytes of excerpts held (see [`Held`]).
const HELD_BYTES: usize = 8 << 20;
/// Runs of lines held past the excerpts (see [`Held`]).
const HELD_RUNS: usize = 1 << 20;

impl Held {
    /// Holds the line `line`; says when the memory they may take is full.
    pub(super) fn hold(&mut self, line: u64, excerpt: impl FnOnce() -> String) -> bool {
        if self.runs.is_empty() && self.bytes < HELD_BYTES {
            let excerpt = excerpt();
            self.bytes += excerpt.len() + std::mem::size_of::<(u64, String)>();
            self.kept.push((line, excerpt));
            return false;
        }
        match self.runs.last_mut() {
            Some((first, n)) if *first + *n == line => *n += 1,
            _ => self.runs.push((line, 1)),
        }
        self.runs.len() >= HELD_RUNS
    }

    /// The lines held are a logger's: skipped.
    pub(super) fn skip<S: Sink>(&mut self, ctx: &mut FileCtx<'_, S>) {
        let runs: u64 = self.runs.iter().map(|&(_, n)| n).sum();
        for _ in 0..self.kept.len() as u64 + runs {
            skip_log_line(ctx);
        }
        *self = Held::default();
    }

    /// The lines held are text outside any document: a reject each.
    pub(super) fn reject<S: Sink>(&mut self, ctx: &mut FileCtx<'_, S>) {
        let why = || "text outside any JSON document".to_string();
        for (line, excerpt) in std::mem::take(&mut self.kept) {
            ctx.reject(line, Reason::BadDocument, why(), excerpt);
        }
        for (first, n) in std::mem::take(&mut self.runs) {
            for line in first..first + n {
                ctx.reject(line, Reason::BadDocument, why(), String::new());
            }
        }
        self.bytes = 0;
    }
}

/// Where a body logged over the lines after its prefix, from its bracket at the start of `r`,
/// is cut off: at the start of the next line that opens a body after a prefix
/// ([`opens_after_prefix`], which no line of a JSON value printed indented is), when that
/// line comes before the body closes. When none comes within a record's size
/// ([`MAX_RECORD_BYTES`]) but a logger's line does (no line of JSON printed indented starts
/// with a word), it is cut off at that line, and the lines after it are read as the log they
/// are (skipped up to the next prefix, however far); at a logger's line that ends as JSON
/// does, which may be a body logged on one line. When the input ends first, it is cut off
/// at its end (or its first logger's line), as before another body. `None` when it closes
/// first, or it runs longer than a record may be with no logger's line: it is read as any
/// document is.
pub(super) fn cut_body(r: &mut Peek) -> io::Result<Option<usize>> {
    let mut walker = Walker::default();
    // The start of the line walked next, and how far its end was looked for.
    let (mut at, mut searched) = (0, 0);
    // The start of the first logger's line after the body's first line.
    let mut logged = None;
    loop {
        if searched > MAX_RECORD_BYTES {
            return Ok(logged);
        }
        let buf = r.fill(searched + 1)?;
        if buf.len() <= searched {
            // The input ends inside the body: it is cut off there, or at the logger's first
            // line after it (its last line, when it has no newline, is walked here).
            let last = &buf[at..];
            if walker.end(last).is_some() {
                return Ok(None);
            }
            if at > 0 && opens_after_prefix(last).is_some() {
                return Ok(Some(at));
            }
            if at > 0 && logged.is_none() && !last.trim_ascii().is_empty() {
                logged = (!starts_as_json_text(last)).then_some(at);
            }
            return Ok(Some(logged.unwrap_or(buf.len())));
        }
        let Some(nl) = memchr::memchr(b'\n', &buf[searched..]).map(|p| searched + p) else {
            searched = buf.len();
            continue;
        };
        if at > 0 && opens_after_prefix(&buf[at..nl]).is_some() {
            return Ok(Some(at));
        }
        if walker.end(&buf[at..=nl]).is_some() {
            return Ok(None);
        }
        let line = &buf[at..nl];
        if at > 0 && !line.trim_ascii().is_empty() && !starts_as_json_text(line) {
            // A line of text that ends as JSON may carry a body on one line after its prefix,
            // which the log's reading reads (see [`read`]): the body is cut off there.
            if matches!(line.trim_ascii_end().last(), Some(b']' | b'}')) {
                return Ok(Some(at));
            }
            logged = logged.or(Some(at));
        }
        (at, searched) = (nl + 1, nl + 1);
    }
}

/// A body cut off before the next line of its log ([`cut_body`]), `lines` newlines into the
/// input, read as a document of its own up to its last line of JSON (the logger's lines after
/// it, `info: ...[0]`, are skipped): the records before the cut count, the cut one is a
/// reject. A prefix with no body after it is one reject.
pub(super) fn read_cut<S: Sink, M: Fn() -> S + Sync>(
    mut body: Vec<u8>,
    lines: u64,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    parts: Option<&AtomicBool>,
) -> io::Result<()> {
    while let Some(start) = last_line(&body) {
        if starts_as_json_text(&body[start..]) {
            break;
        }
        if !body[start..].trim_ascii().is_empty() {
            skip_log_line(ctx);
        }
        body.truncate(start.saturating_sub(1).max(1));
    }
    let end = body.trim_ascii_end().len().max(1);
    body.truncate(end);
    if body.len() == 1 {
        let detail = "a logged body's prefix with no body after it (cut off)".into();
        let excerpt = String::from_utf8_lossy(&body).into_owned();
        ctx.reject(lines + 1, Reason::BadDocument, detail, excerpt);
    } else if body.first() == Some(&b'[') {
        let input = Prefixed::new(body, 1, Box::new(io::empty())).ended(true);
        read_array(input, &Items::Records, true, lines, ctx, make, parts)?;
    } else {
        // An object cut off is the one event it was, as an array's element cut off is: a
        // truncated record at its line, its excerpt its own text.
        let (_, result) = parse_document(&body);
        if result.is_err_and(|e| e.is_eof()) {
            let excerpt = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_SOURCE)]);
            let why = "the document ends inside it".into();
            ctx.reject(lines + 1, Reason::Truncated, why, excerpt.into_owned());
        } else {
            small_document(&body, ctx, lines, false);
        }
    }
    Ok(())
}

/// A body logged indented over the lines after its prefix, from its bracket, whole, in a log
/// read line by line (`lines::read_log`), `lines` newlines into the input: read as the same
/// body in a log read as a JSON document is, an array's events each at its line and index (a
/// damaged one costing itself), an object as a document read whole.
pub(crate) fn logged_body<S: Sink>(body: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>) {
    if body.first() != Some(&b'[') {
        return small_document(body, ctx, lines, false);
    }
    let elements_of = &body[1..];
    let shape = shape(elements_of);
    let of = Of {
        items: &Items::Records,
        top: true,
        one_line: None,
        shape: &shape,
        spoiled: None,
    };
    let start = ArrayAt {
        newlines: lines,
        after_comma: false,
    };
    elements(elements_of, 0, start, &of, &End::default(), ctx);
}

/// Where the last line of `body` after its first starts, if it has one.
fn last_line(body: &[u8]) -> Option<usize> {
    let text = body.strip_suffix(b"\n").unwrap_or(body);
    memchr::memrchr(b'\n', text).map(|p| p + 1)
}

/// Whether a line may be one of a JSON value printed indented: it starts with a quote, a
/// bracket, or a number or a literal that a comma, a bracket or its end follows (a logger's
/// line starts with a word, `info:`, or a time, Python's `2026-12-05 17:27:00,123 INFO`).
pub(crate) fn starts_as_json_text(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    let rest = match t.first() {
        None => return false,
        Some(b'[') => return !bracket_prefix(t),
        Some(b'"' | b'{' | b'}' | b']') => return true,
        Some(b'-' | b'0'..=b'9') => {
            let n = t
                .iter()
                .take_while(|&&c| {
                    c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')
                })
                .count();
            &t[n..]
        }
        Some(_) => match [&b"true"[..], b"false", b"null"]
            .iter()
            .find(|w| t.starts_with(w))
        {
            Some(w) => &t[w.len()..],
            None => return false,
        },
    };
    matches!(
        rest.trim_ascii_start().first(),
        None | Some(b',' | b']' | b'}')
    )
}
