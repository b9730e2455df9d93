//! One JSON document spread over many lines: a `{"records": [...]}` blob, a query API response,
//! or a JSON array (az CLI output, a callback batch).
//!
//! The one large array of a document (a top-level array, the `records` of a blob, the `rows`
//! of a query API table) is cut into blocks of whole elements that are parsed in parallel
//! (the fast scanner, else the serde visitors); a damaged element is one reject and every
//! other element still counts. What follows that array, and documents of any other layout,
//! are streamed element by element through the serde visitors; a syntax error there ends the
//! document with one reject, and every record before it still counts.
//!
//! Damaged JSON is reported by its line, a record that is not one by its index in its array.

use std::io::{self, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeSeed;

use super::blocks::{self, ArrayAt, Prefixed, Rest};
use super::elements::{
    columns_first, elements, envelope, frames, member, next_table, read_array, rows_first, shape,
    table_at, table_rows_first, warn_mended, wrapper_head, End, Head, Items, Member, Of,
};
use super::json::{short_message, Element, TopSeed, EARLY_ROWS_LOST};
use super::structure::{
    bracket_prefix, mending, nests_deeper_than, opens_after_prefix, prefix_time, reparse,
    MendingReader, Walker, MAX_NESTING,
};
use super::{FailOnce, FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{Reason, SkipReason};
use crate::record::At;

/// The input with what has been looked at but not yet read in front of it.
struct Peek {
    head: Vec<u8>,
    at: usize,
    rest: Input,
    eof: bool,
    /// The error the input ended with (a gzip stream cut short): what was read before it is
    /// read as the input's end, as the same bytes in a plain file are, and the error is said
    /// once they are ([`Peek::failed`]); a document read whole had lost every record.
    failed: Option<io::Error>,
}

impl Peek {
    fn new(rest: Input) -> Peek {
        Peek {
            head: Vec::new(),
            at: 0,
            rest,
            eof: false,
            failed: None,
        }
    }

    /// The error the input ended with, once: after what was read before it.
    fn failed(&mut self) -> io::Result<()> {
        self.failed.take().map_or(Ok(()), Err)
    }

    /// The bytes not yet consumed, at least `n` of them unless the input ends first.
    fn fill(&mut self, n: usize) -> io::Result<&[u8]> {
        // What was consumed makes room, rather than the buffer growing (at the end of the
        // input nothing more comes: moving the rest for each document would cost its length).
        if self.at > 0 && self.head.len() - self.at < n && !self.eof {
            self.head.drain(..self.at);
            self.at = 0;
        }
        while self.head.len() - self.at < n && !self.eof {
            let len = self.head.len();
            // Room for what is missing, not `n` again at each read (a read of 64 KiB would
            // zero megabytes).
            let missing = n - (len - self.at);
            self.head.resize(len + missing.max(1 << 16), 0);
            let got = loop {
                match self.rest.read(&mut self.head[len..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let got = match got {
                Ok(got) => got,
                Err(e) => {
                    self.failed = Some(e);
                    0
                }
            };
            self.head.truncate(len + got);
            self.eof = got == 0;
        }
        Ok(&self.head[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
    }

    /// The input after its `]`, read on without another reader around it.
    /// `eof`: the input was read to its end.
    fn after(rest: Rest, eof: bool, failed: Option<io::Error>) -> Peek {
        let (head, rest) = rest.into_inner();
        let at = head.position() as usize;
        Peek {
            head: head.into_inner(),
            at,
            rest,
            eof,
            failed,
        }
    }

    /// What is left, for the blocks of an array.
    /// And the error the input ended with, which `Peek::after` takes back once the array is
    /// read.
    fn into_prefixed(self) -> (Prefixed, Option<io::Error>) {
        let prefixed = Prefixed::new(self.head, self.at, self.rest).ended(self.eof);
        (prefixed, self.failed)
    }

    /// What is left, as an input.
    fn into_input(self) -> Input {
        let rest = match self.failed {
            Some(e) => Box::new(FailOnce(Some(e))),
            None => self.rest,
        };
        Box::new(io::Cursor::new(self.head).chain(rest).skip_to(self.at))
    }
}

/// `Read::chain` after skipping the first `n` bytes of its cursor.
trait SkipTo {
    fn skip_to(self, n: usize) -> Self;
}

impl SkipTo for io::Chain<io::Cursor<Vec<u8>>, Input> {
    fn skip_to(mut self, n: usize) -> Self {
        self.get_mut().0.set_position(n as u64);
        self
    }
}

/// The bytes of a document, from its `{`, in which its head (`{"records": [`, a table's
/// `"rows": [`) is looked for: exactly these, whatever its reads returned, so that how it is
/// read does not depend on whether it came from a file, gzip or a pipe.
const HEAD_BYTES: usize = 1 << 16;

/// The bytes of a document larger than a record, from its `{`, in which the members of a
/// wrapper before its first array are looked for (`{"description": <70,000 characters>,
/// "entries": [...]}`): as many as a record may hold, a member's value being read whole as
/// one when the wrapper is read ([`wrapped`]).
const WRAPPER_HEAD_BYTES: usize = MAX_RECORD_BYTES;

/// Reads a line of text that carries a record or an event after a prefix, a body a callback
/// endpoint logged on one line, as a log's lines are read, and says whether it was one:
/// `lines::one_line_body`, handed in (lines.rs reads on this module, not this one on it).
pub(super) type OneLine<S> = for<'a> fn(&[u8], u64, &mut FileCtx<'a, S>) -> bool;

/// Reads one document or several one after another (Event Hubs messages appended to one
/// dump, arrays pasted one after the other), each as robustly as its layout allows; text
/// between documents is one reject, and reading goes on at the next document. `parts`: their
/// arrays are read in parts, or not at all (see [`read_array`]). `one_line`: reads the bodies
/// logged on one line in a callback endpoint's log whose other bodies are indented.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    parts: Option<&AtomicBool>,
    one_line: OneLine<S>,
) -> io::Result<()> {
    let mut r = Peek::new(input);
    // Newlines before what is read next.
    let mut lines = 0;
    // Inside the top-level array of an Azure Data Explorer v2 response, whose frames are read
    // one by one as documents (its result table's rows in parallel), not as records.
    let mut in_frames = false;
    // A callback endpoint's log whose bodies are logged over lines after a prefix (see
    // [`opens_after_prefix`]): its lines of text are the logger's, skipped, not damage.
    let mut log = false;
    // Lines of text met before it is known whether the input is such a log.
    let mut held = Held::default();
    // The time in the prefix of the line a body was logged after, for that body's records.
    let mut logged_time = None;
    loop {
        let buf = r.fill(1)?;
        let Some(&first) = buf.first() else {
            held.reject(ctx);
            return r.failed();
        };
        if first.is_ascii_whitespace() {
            let n = buf.iter().take_while(|c| c.is_ascii_whitespace()).count();
            lines += blocks::newlines(&buf[..n]);
            r.consume(n);
            continue;
        }
        // A logger's line whose prefix is in brackets (`[<time>] INFO ...`) is text.
        let prefixed = first == b'[' && bracket_prefix(r.fill(1 << 10)?);
        if matches!(first, b'[' | b'{') && !prefixed || in_frames && matches!(first, b',' | b']') {
            held.reject(ctx);
        }
        // The time of the prefix a body was logged after dates the records of that body only.
        ctx.logged_time = match first {
            b'[' | b'{' if !prefixed => logged_time.take(),
            _ => None,
        };
        match first {
            b',' | b']' if in_frames => {
                in_frames = first == b',';
                r.consume(1);
            }
            b'[' if !prefixed && frames(r.fill(HEAD_BYTES)?) => {
                in_frames = true;
                r.consume(1);
            }
            // A top-level array: its elements read in parallel.
            b'[' if !prefixed => {
                r.consume(1);
                let (prefixed, failed) = r.into_prefixed();
                let array = read_array(prefixed, &Items::Records, true, lines, ctx, make, parts)?;
                let Some(array) = array else {
                    return failed.map_or(Ok(()), Err);
                };
                lines = array.lines;
                r = Peek::after(array.rest, array.eof, failed);
            }
            b'{' => {
                let head = r.fill(HEAD_BYTES)?;
                let mut found = envelope(&head[..head.len().min(HEAD_BYTES)]);
                if found.is_none() {
                    // A table whose rows come before its columns: its rows read where they
                    // are, as those of one whose columns come first.
                    let table = rows_first_in(&mut r, 0, ctx)?;
                    found = table.map(|(at, items)| (at, items, Head::Table));
                }
                let all = r.fill(HEAD_BYTES)?;
                let head = &all[..all.len().min(HEAD_BYTES)];
                match found {
                    // A `{"records": [`, `{"tables": [{..., "rows": [` or v2 result table's
                    // head: its array is read in parallel, then the rest of the document.
                    Some((at, mut items, head_of)) => {
                        // Columns after the rows (see `rows_first_in`) may lie past the head.
                        warn_mended(ctx, &items, all, lines + 1);
                        lines += blocks::newlines(&head[..at]);
                        r.consume(at);
                        let stand_in = head_of.stand_in();
                        let after = loop {
                            let (prefixed, failed) = r.into_prefixed();
                            let array =
                                read_array(prefixed, &items, false, lines, ctx, make, parts)?;
                            let Some(array) = array else {
                                return failed.map_or(Ok(()), Err);
                            };
                            lines = array.lines;
                            let mut after = Peek::after(array.rest, array.eof, failed);
                            // Another table after this one: the rest of this one is read
                            // whole, and the next one's rows as this one's were.
                            let next = match head_of {
                                Head::Table => next_table_in(&mut after, lines, ctx)?,
                                Head::Records | Head::Frame => None,
                            };
                            let Some(next) = next else {
                                break after;
                            };
                            let mut doc = stand_in.to_vec();
                            doc.extend_from_slice(&next.rest_of_table);
                            doc.extend_from_slice(b"]}");
                            small_document(&doc, ctx, lines, true);
                            lines += next.newlines;
                            after.consume(next.head);
                            (r, items) = (after, next.items);
                        };
                        match document_tail(after, head_of.depth())? {
                            Tail::Whole(tail, rest) => {
                                let mut doc = stand_in.to_vec();
                                doc.extend_from_slice(&tail);
                                small_document(&doc, ctx, lines, true);
                                lines += blocks::newlines(&tail);
                                r = rest;
                            }
                            Tail::TooLong(rest) => {
                                let rest = Box::new(io::Cursor::new(stand_in).chain(rest));
                                return stream(rest, ctx, lines, true);
                            }
                        }
                    }
                    // Any other document: read whole when it is small, else streamed.
                    None => match document_tail(r, 0)? {
                        Tail::Whole(doc, rest) => {
                            small_document(&doc, ctx, lines, false);
                            lines += blocks::newlines(&doc);
                            r = rest;
                        }
                        Tail::TooLong(rest) => {
                            let mut rest = Peek::new(rest);
                            let head = rest.fill(WRAPPER_HEAD_BYTES)?;
                            if !wrapper_head(&head[..head.len().min(WRAPPER_HEAD_BYTES)]) {
                                return stream(rest.into_input(), ctx, lines, false);
                            }
                            // An object that wraps records under keys of its own: its arrays
                            // read in parallel, as a `records` array is.
                            match wrapped(rest, lines, ctx, make, parts)? {
                                Some((rest, after)) => (r, lines) = (rest, after),
                                None => return Ok(()),
                            }
                        }
                    },
                }
            }
            // Text between documents: one reject for the line it is on. Documents joined by a
            // comma (`{...},{...}`, a JSON array's brackets left off) or by NULs (a crashed
            // writer's padding): read on at the next one; the comma is passed over, as a
            // separator, NULs are text, one reject.
            _ => {
                let buf = r.fill(1 << 16)?;
                if let Some(n) = between(buf) {
                    held.reject(ctx);
                    let sep = &buf[..n];
                    if sep.iter().any(|&c| c != b',' && !c.is_ascii_whitespace()) {
                        let excerpt = String::from_utf8_lossy(&sep[..n.min(200)]).into_owned();
                        let detail = "text outside any JSON document".into();
                        ctx.reject(lines + 1, Reason::BadDocument, detail, excerpt);
                    }
                    lines += blocks::newlines(sep);
                    r.consume(n);
                    continue;
                }
                // A body logged on one line may be longer than the look-ahead: its line is
                // looked at up to a record's size.
                if buf.len() >= 1 << 16 && memchr::memchr(b'\n', buf).is_none() {
                    r.fill(MAX_RECORD_BYTES + 1)?;
                }
                let buf = r.fill(1)?;
                let whole = buf.len();
                let end = memchr::memchr(b'\n', buf).unwrap_or(whole);
                // A logger's line that a body it logged over the lines after it follows
                // (`      Received callback: [`): the body is read from its bracket.
                if let Some(open) = opens_after_prefix(&buf[..end]) {
                    held.skip(ctx);
                    log = true;
                    logged_time = prefix_time(&buf[..open]);
                    r.consume(open);
                    // A body cut off (a process restarted mid-write, a prefix logged with no
                    // body) is read up to the next such line, where reading goes on.
                    if let Some(cut) = cut_body(&mut r)? {
                        let body = r.fill(cut)?[..cut].to_vec();
                        r.consume(cut);
                        let newlines = blocks::newlines(&body);
                        ctx.logged_time = logged_time.take();
                        read_cut(body, lines, ctx, make, parts)?;
                        ctx.logged_time = None;
                        lines += newlines;
                    }
                    continue;
                }
                // A body logged on one line after its prefix, in a log whose other bodies are
                // indented (both after the same prefix): read as a log's line is.
                if one_line(&buf[..end], lines + 1, ctx) {
                    held.skip(ctx);
                    log = true;
                } else if log {
                    // The logger's other lines (`info: ...CallbackController[0]`), in a log
                    // that has such a line; before the first, they wait for one, or for a
                    // document.
                    skip_log_line(ctx);
                } else {
                    let excerpt = || String::from_utf8_lossy(&buf[..end.min(200)]).into_owned();
                    if held.hold(lines + 1, excerpt) {
                        held.reject(ctx);
                    }
                }
                r.consume(end);
                // A line longer than the look-ahead is dropped to its end.
                if end == whole {
                    loop {
                        let buf = r.fill(1)?;
                        if buf.is_empty() {
                            held.reject(ctx);
                            return Ok(());
                        }
                        match memchr::memchr(b'\n', buf) {
                            Some(p) => {
                                r.consume(p);
                                break;
                            }
                            None => {
                                let n = buf.len();
                                r.consume(n);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The head of a query API table whose rows come before its columns (see [`columns_first`]),
/// from its `{` `from` bytes on (the document's, `{"tables": [{`, when `from` is 0): where its
/// rows start, `from` bytes on, and their items, when its columns come in as many bytes as a
/// streamed document may hold between two elements ([`STREAM_BUDGET`]: beyond that its rows
/// are one `record too large`, as before).
fn rows_first_in<S: Sink>(
    r: &mut Peek,
    from: usize,
    ctx: &FileCtx<'_, S>,
) -> io::Result<Option<(usize, Items)>> {
    let head = r.fill(from + HEAD_BYTES)?;
    let head = &head[from..head.len().min(from + HEAD_BYTES)];
    let rows_key = if from == 0 {
        rows_first(head)
    } else {
        table_rows_first(head, 0)
    };
    let Some(rows_key) = rows_key else {
        return Ok(None);
    };
    let doc = r.fill(from + STREAM_BUDGET as usize)?;
    let doc = &doc[from..doc.len().min(from + STREAM_BUDGET as usize)];
    Ok(columns_first(doc, rows_key, ctx))
}

/// The next table of a query API response (see [`next_table`]), after the rows of one, `r`
/// from their `]`.
struct NextTable {
    /// The members of the table the rows are in after them, to its `}`.
    rest_of_table: Vec<u8>,
    /// Bytes to past the next table's rows' `[`, and the newlines in them.
    head: usize,
    newlines: u64,
    /// What its rows are.
    items: Items,
}

/// The next table after the rows of one, `r` from their `]`, `lines` newlines into the input,
/// when its head comes in [`HEAD_BYTES`] (or, when its rows come before its columns, see
/// [`rows_first_in`]).
fn next_table_in<S: Sink>(
    r: &mut Peek,
    lines: u64,
    ctx: &mut FileCtx<'_, S>,
) -> io::Result<Option<NextTable>> {
    let b = r.fill(HEAD_BYTES)?;
    let b = &b[..b.len().min(HEAD_BYTES)];
    let Some((close, open)) = next_table(b) else {
        return Ok(None);
    };
    let found = match table_at(&b[open..]) {
        Some(found) => Some(found),
        None => rows_first_in(r, open, ctx)?,
    };
    let Some((at, items)) = found else {
        return Ok(None);
    };
    let b = r.fill(HEAD_BYTES)?;
    let line = lines + 1 + blocks::newlines(&b[..open]);
    warn_mended(ctx, &items, &b[open..], line);
    Ok(Some(NextTable {
        rest_of_table: b[..=close].to_vec(),
        head: open + at,
        newlines: blocks::newlines(&b[..open + at]),
        items,
    }))
}

/// A line of a callback endpoint's logger, skipped.
fn skip_log_line<S: Sink>(ctx: &mut FileCtx<'_, S>) {
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
struct Held {
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
    fn hold(&mut self, line: u64, excerpt: impl FnOnce() -> String) -> bool {
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
    fn skip<S: Sink>(&mut self, ctx: &mut FileCtx<'_, S>) {
        let runs: u64 = self.runs.iter().map(|&(_, n)| n).sum();
        for _ in 0..self.kept.len() as u64 + runs {
            skip_log_line(ctx);
        }
        *self = Held::default();
    }

    /// The lines held are text outside any document: a reject each.
    fn reject<S: Sink>(&mut self, ctx: &mut FileCtx<'_, S>) {
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
fn cut_body(r: &mut Peek) -> io::Result<Option<usize>> {
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
fn read_cut<S: Sink, M: Fn() -> S + Sync>(
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
pub(super) fn logged_body<S: Sink>(body: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>) {
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
pub(super) fn starts_as_json_text(line: &[u8]) -> bool {
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

/// How many bytes of separators (commas, NULs, whitespace) come before a document in `buf`,
/// when they do (one comma at most: `,,` is damage).
fn between(buf: &[u8]) -> Option<usize> {
    let n = buf
        .iter()
        .take_while(|&&c| matches!(c, b',' | 0) || c.is_ascii_whitespace())
        .count();
    let commas = buf[..n].iter().filter(|&&c| c == b',').count();
    (n > 0 && commas <= 1 && matches!(buf.get(n), Some(b'{' | b'['))).then_some(n)
}

/// A line of JSON Lines that is a whole document (an Event Hubs message body, a callback
/// batch): its array's elements are read one by one like a document's, so a damaged element
/// costs that element and not the line. Says whether the line was one.
pub(super) fn line_document<S: Sink>(line: &[u8], line_no: u64, ctx: &mut FileCtx<'_, S>) -> bool {
    let (at, items, head) = if line.first() == Some(&b'[') {
        (1, Items::Records, None)
    } else {
        match envelope(line) {
            Some((at, items, head)) => {
                warn_mended(ctx, &items, b"", line_no);
                (at, items, Some(head))
            }
            // A table whose rows come before its columns: read as one whose columns come
            // first.
            None => match rows_first(line).and_then(|k| columns_first(line, k, ctx)) {
                Some((at, items)) => (at, items, Some(Head::Table)),
                None => return false,
            },
        }
    };
    let (mut at, mut items) = (at, items);
    // Each table of a query API response in turn (see `elements::next_table`).
    while let Some((to, next)) = line_array(&line[at..], &items, head, line_no, ctx) {
        (at, items) = (at + to, next);
    }
    true
}

/// The elements of the array of a document on one line of JSON Lines, `body` from after its
/// `[`, then the rest of the document, but another table of a query API response after the
/// rows (see `elements::next_table`), whose rows are read next.
fn line_array<S: Sink>(
    body: &[u8],
    items: &Items,
    head: Option<Head>,
    line_no: u64,
    ctx: &mut FileCtx<'_, S>,
) -> Option<(usize, Items)> {
    let end = End::default();
    let start = ArrayAt {
        newlines: line_no - 1,
        after_comma: false,
    };
    let shape = shape(body);
    let of = Of {
        items,
        top: head.is_none(),
        one_line: Some(line_no),
        shape: &shape,
        spoiled: None,
    };
    match elements(body, 0, start, &of, &end, ctx) {
        Some(close) => {
            let tail = &body[close + 1..];
            let Some(head) = head else {
                if tail.iter().any(|c| !c.is_ascii_whitespace()) {
                    let excerpt = String::from_utf8_lossy(&tail[..tail.len().min(200)]);
                    ctx.reject(
                        line_no,
                        Reason::NotJson,
                        "text after the array's closing ]".into(),
                        excerpt.into_owned(),
                    );
                }
                return None;
            };
            let next = match head {
                Head::Table => next_table_on_line(tail, ctx),
                Head::Records | Head::Frame => None,
            };
            let mut rest = head.stand_in().to_vec();
            if let Some((_, (_, items))) = &next {
                warn_mended(ctx, items, b"", line_no);
            }
            let Some((table_end, (at, items))) = next else {
                rest.extend_from_slice(tail);
                small_document(&rest, ctx, line_no - 1, true);
                return None;
            };
            rest.extend_from_slice(&tail[..=table_end]);
            rest.extend_from_slice(b"]}");
            small_document(&rest, ctx, line_no - 1, true);
            return Some((close + 1 + at, items));
        }
        None if !end.truncated.load(Ordering::Relaxed) => {
            let head = format!("{}: line ", ctx.name);
            let tail = " ends without its array's closing ]; every record in it was read";
            ctx.warn_at_line(head, line_no, tail);
        }
        None => {}
    }
    None
}

/// The next table after the rows of one on a line, `tail` from their `]`: where the table
/// they are in closes, and where the next one's rows start in `tail`, and their items.
fn next_table_on_line<S: Sink>(
    tail: &[u8],
    ctx: &FileCtx<'_, S>,
) -> Option<(usize, (usize, Items))> {
    let (close, open) = next_table(tail)?;
    let table = &tail[open..];
    let (at, items) = table_at(table).or_else(|| {
        let rows_key = table_rows_first(table, 0)?;
        columns_first(table, rows_key, ctx)
    })?;
    Some((close, (open + at, items)))
}

/// An object that wraps records under keys of its own, read after it proved to hold none of a
/// record's fields: a recorder's `{"PlayFailed": [...], "CallDisconnected": [...]}`, an
/// `{"events": [...]}`, a Service Bus dump's `{"entries": [...]}`, PowerShell's `{"Results":
/// [...], "Statistics": {...}}`. Each member that is an array of objects or arrays, or an
/// object, is read as a document of its own, at the line it starts on (`lines` newlines into
/// the input), when one of them holds a record; else nothing is handed on (a damaged head,
/// `{"tabes": [...]}`, stays what it was). When none holds one, its members that are objects
/// with none of a record's fields are looked into the same way, [`WRAPPER_DEPTH`] deep: a log
/// search alert's common-schema payload has its query API tables under
/// `data.alertContext.SearchResults`. Says whether it was read.
pub(super) fn wrapper<S: Sink>(doc: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>) -> bool {
    wrapper_in(doc, lines, ctx, WRAPPER_DEPTH)
}

/// Objects inside objects that [`wrapper`] looks into for records.
const WRAPPER_DEPTH: usize = 4;

fn wrapper_in<S: Sink>(doc: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>, depth: usize) -> bool {
    let Ok(Members(members)) = serde_json::from_slice::<Members<'_>>(doc) else {
        return false;
    };
    let mut read = Vec::new();
    for m in members {
        let text = m.get().as_bytes();
        let opens = |b: &[u8]| {
            matches!(
                b.iter().find(|c| !c.is_ascii_whitespace()),
                Some(b'{' | b'[')
            )
        };
        if !(text.starts_with(b"{") || text.starts_with(b"[") && opens(&text[1..])) {
            continue;
        }
        let (found, result) = parse_document(text);
        if result.is_ok() {
            // Where the member starts in the document: its text is a slice of it.
            let at = (text.as_ptr() as usize).saturating_sub(doc.as_ptr() as usize);
            let line = lines + 1 + blocks::newlines(&doc[..at.min(doc.len())]);
            read.push((found, line, text));
        }
    }
    let record = |e: &Element<'_>| matches!(e, Element::Record(raw, _) if !raw.is_empty());
    if !read.iter().any(|(found, ..)| found.iter().any(record)) {
        // Its objects with none of a record's fields, looked into: the first that holds
        // records is read.
        return depth > 0
            && read.iter().any(|(found, line, text)| {
                matches!(&found[..], [Element::Record(raw, 0)] if raw.is_empty())
                    && text.starts_with(b"{")
                    && wrapper_in(text, line - 1, ctx, depth - 1)
            });
    }
    for (found, line, text) in read {
        let excerpt =
            || String::from_utf8_lossy(&text[..text.len().min(EXCERPT_SOURCE)]).into_owned();
        hand_on(found, line, ctx, &excerpt);
    }
    true
}

/// An object larger than a record that wraps records under keys of its own (see [`wrapper`]
/// and `elements::wrapper_head`), from its `{`, `lines` newlines into the input, read member
/// by member: each array of objects or arrays as a `records` array is (in parallel, each
/// record at its line and index), each other object read whole as [`wrapper`] reads it, other
/// values passed over. The input after its `}` and the newlines up to it; `None` when the
/// input ended inside it or the reading stops (a member that breaks the object's syntax is one
/// reject, and one over a record's size that is not an array of records one too, as when it
/// is streamed).
fn wrapped<S: Sink, M: Fn() -> S + Sync>(
    mut r: Peek,
    mut lines: u64,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    parts: Option<&AtomicBool>,
) -> io::Result<Option<(Peek, u64)>> {
    // Its `{` (the head proved it is the first byte).
    r.consume(1);
    let mut first = true;
    loop {
        let head = r.fill(HEAD_BYTES)?;
        let head = &head[..head.len().min(HEAD_BYTES)];
        match member(head, first) {
            Member::Close(n) => {
                lines += blocks::newlines(&head[..n]);
                r.consume(n);
                return Ok(Some((r, lines)));
            }
            Member::Array(_, n) => {
                lines += blocks::newlines(&head[..n]);
                r.consume(n);
                let items = Items::Records;
                let (prefixed, failed) = r.into_prefixed();
                let array = read_array(prefixed, &items, false, lines, ctx, make, parts)?;
                let Some(array) = array else {
                    return failed.map_or(Ok(None), Err);
                };
                lines = array.lines;
                r = Peek::after(array.rest, array.eof, failed);
            }
            Member::Value(_, n) => {
                lines += blocks::newlines(&head[..n]);
                r.consume(n);
                match document_tail(r, 0)? {
                    Tail::Whole(text, rest) => {
                        wrapped_value(&text, lines, ctx);
                        lines += blocks::newlines(&text);
                        r = rest;
                    }
                    Tail::TooLong(_) => {
                        ctx.reject_too_large(lines + 1, &[]);
                        let w = format!(
                            "{}: a record longer than {} MiB ends its reading; the rest of it does not count",
                            ctx.name,
                            MAX_RECORD_BYTES >> 20
                        );
                        ctx.warn(w);
                        return Ok(None);
                    }
                }
            }
            Member::Bad(n) => {
                let line = lines + 1 + blocks::newlines(&head[..n]);
                let why = if n == head.len() {
                    "EOF while parsing an object"
                } else {
                    "expected `,` or `}` after an object's member"
                };
                let detail = format!("{why} on line {line}; records before it were read");
                let excerpt = String::from_utf8_lossy(&head[n..head.len().min(n + 200)]);
                ctx.reject(line, Reason::BadDocument, detail, excerpt.into_owned());
                return Ok(None);
            }
        }
        first = false;
    }
}

/// A value of a wrapper read member by member ([`wrapped`]) that is not an array of records,
/// `lines` newlines into the input: an object is read as [`wrapper`] reads it (a record, a
/// document of records), anything else passed over.
fn wrapped_value<S: Sink>(text: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>) {
    if !text.starts_with(b"{") {
        return;
    }
    let excerpt = || String::from_utf8_lossy(&text[..text.len().min(EXCERPT_SOURCE)]).into_owned();
    if nests_deeper_than(text, MAX_NESTING) {
        return ctx.reject_too_deep(lines + 1, excerpt());
    }
    let (found, result) = parse_document(text);
    match result {
        Ok(()) => hand_on(found, lines + 1, ctx, &excerpt),
        Err(e) => {
            let line = lines + e.line() as u64;
            let detail = format!("{} at line {line} column {}", short_message(&e), e.column());
            ctx.reject(line, Reason::BadDocument, detail, excerpt());
        }
    }
}

/// Hands on what the serde visitors found in a value that starts on line `line_no`: its
/// records and what is not one, each by its index; `text`, the excerpt of a reject.
pub(super) fn hand_on<S: Sink>(
    found: Vec<Element<'static>>,
    line_no: u64,
    ctx: &mut FileCtx<'_, S>,
    text: &impl Fn() -> String,
) {
    for e in found {
        match e {
            Element::Record(raw, i) => ctx.emit(&raw, || At::record(line_no, i), text),
            Element::NotRecord(i, why) => {
                ctx.reject(At::record(line_no, i), Reason::NotARecord, why, text());
            }
            Element::Incomplete(why) => ctx.incomplete(&why),
            // Only before an error, which says it (`Found::end`).
            Element::RowsCut => {}
        }
    }
}

/// Rejects a whole file that is one object with none of a record's fields, found at `line`:
/// an export whose head was damaged (`"tabes"`), or something else than an export, not a
/// record without an outcome; pretty-printed or on one line (see `lines::process_line`).
pub(super) fn holds_no_records<S: Sink>(line: u64, ctx: &mut FileCtx<'_, S>) {
    let why = "the document holds no records: no `records` or `tables` array, and none of a record's fields";
    ctx.reject(line, Reason::NotARecord, why.into(), String::new());
}

/// The members' values of a JSON object, as they are written.
struct Members<'a>(Vec<&'a serde_json::value::RawValue>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = Vec::new();
                while let Some((_, v)) = map.next_entry::<serde::de::IgnoredAny, _>()? {
                    values.push(v);
                }
                Ok(Members(values))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The records of a document whose head is broken (`{"records":][{...`, the `columns` of a
/// table lost): its first array of objects or arrays is read element by element, as far as it
/// goes, `lines` newlines into the input. Its records are reported at `one_line` (a line of
/// JSON Lines), else by index. Says whether the document ended inside one of its elements
/// (which was rejected as cut off).
pub(super) fn salvage<S: Sink>(
    doc: &[u8],
    lines: u64,
    one_line: Option<u64>,
    ctx: &mut FileCtx<'_, S>,
) -> bool {
    let Some(open) = (1..doc.len()).find(|&i| {
        doc[i] == b'['
            && matches!(
                doc[i + 1..].iter().find(|c| !c.is_ascii_whitespace()),
                Some(b'{' | b'[')
            )
    }) else {
        return false;
    };
    let start = ArrayAt {
        newlines: lines + blocks::newlines(&doc[..open]),
        after_comma: false,
    };
    let end = End::default();
    let shape = shape(&doc[open + 1..]);
    let of = Of {
        items: &Items::Records,
        top: false,
        one_line,
        shape: &shape,
        spoiled: None,
    };
    elements(&doc[open + 1..], 0, start, &of, &end, ctx);
    end.truncated.load(Ordering::Relaxed)
}

/// The rest of a document up to where it closes, `depth` brackets deep (0: a whole value
/// starting here), when it is at most a record's size ([`MAX_RECORD_BYTES`], whatever its reads
/// returned) or the input ends within it; else the input as it was.
enum Tail {
    /// Its text, and the input after it.
    Whole(Vec<u8>, Peek),
    TooLong(Input),
}

fn document_tail(mut r: Peek, depth: usize) -> io::Result<Tail> {
    let mut walker = if depth == 0 {
        Walker::default()
    } else {
        Walker::inside(depth)
    };
    let mut seen = 0;
    loop {
        let buf = r.fill(seen + 1)?;
        if buf.len() <= seen {
            // The input ends inside the document: it is what there is.
            let doc = buf.to_vec();
            let n = doc.len();
            r.consume(n);
            return Ok(Tail::Whole(doc, r));
        }
        let upto = buf.len().min(MAX_RECORD_BYTES);
        if let Some(end) = walker.end(&buf[seen..upto]) {
            let doc = buf[..seen + end].to_vec();
            r.consume(seen + end);
            return Ok(Tail::Whole(doc, r));
        }
        seen = upto;
        // More than a record's size, and the input goes on.
        if seen == MAX_RECORD_BYTES && r.fill(seen + 1)?.len() > seen {
            return Ok(Tail::TooLong(r.into_input()));
        }
    }
}

/// A whole document of at most a record's size (or the rest of one after its array, behind a
/// stand-in head): parsed by the serde visitors, again without a comma before a closing
/// bracket when that is what broke it, and refused when nested too deep.
fn small_document<S: Sink>(doc: &[u8], ctx: &mut FileCtx<'_, S>, lines: u64, stand_in: bool) {
    if nests_deeper_than(doc, MAX_NESTING) {
        ctx.reject_too_deep(lines + 1, String::new());
        return;
    }
    let (mut found, mut result) = parse_document(doc);
    if result.as_ref().is_err_and(|e| e.is_syntax()) {
        let whole = |t: &[u8]| {
            let (found, result) = parse_document(t);
            result.map(|()| found)
        };
        if let Some((f, how)) = reparse(doc, whole) {
            (found, result) = (f, Ok(()));
            ctx.repaired(how);
        }
    }
    let broken_head = !stand_in && found.is_empty() && result.is_err();
    // An object with none of a record's fields may wrap records under keys of its own.
    if !stand_in
        && result.is_ok()
        && matches!(&found[..], [Element::Record(raw, 0)] if raw.is_empty())
        && wrapper(doc, lines, ctx)
    {
        return;
    }
    // A document cut off inside a record of its first array (a copy of a file still being
    // written: `{"entries": [...`): that record is the one reject, as in a `records` array.
    if broken_head && result.as_ref().is_err_and(|e| e.is_eof()) {
        if !salvage(doc, lines, None, ctx) {
            finish_stream(found, result, ctx, lines, (stand_in, Some(doc)));
        }
        return;
    }
    finish_stream(found, result, ctx, lines, (stand_in, Some(doc)));
    if broken_head {
        salvage(doc, lines, None, ctx);
    }
}

/// Bytes of a document read whole that its excerpt is made from: a pretty-printed record's
/// indentation takes many of them for each character the excerpt keeps.
const EXCERPT_SOURCE: usize = 4096;

/// Any other document, streamed through the serde visitors, `lines` newlines into the input.
/// When `stand_in` is set the input is the rest of a document after its array of records
/// (read in parallel), behind a one-line stand-in head.
fn stream<S: Sink>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    lines: u64,
    stand_in: bool,
) -> io::Result<()> {
    // Bytes that are not UTF-8 (Latin-1 text) read as U+FFFD, as everywhere else: serde_json
    // would stop the document at the first, and every record after it would be lost.
    let input = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding_rs::UTF_8))
        .build(input);
    // And a lone surrogate's escape (half an emoji) as U+FFFD's, which serde_json refuses: a
    // document read whole is read again so mended when it fails, a streamed one cannot be.
    let input = MendingReader::new(input);
    // Bytes read since the last element was handed on: a record of hundreds of megabytes (a
    // 200 MB operation name) would be held whole, several times over, by the parser.
    let since = std::cell::Cell::new(0u64);
    let budget = Budget {
        input,
        since: &since,
    };
    let de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, budget));
    // Each element handed on as it is read: a document of any size in the memory of one.
    let mut found = Found {
        ctx,
        lines,
        stand_in,
        doc: None,
        rows_cut: false,
        read: false,
    };
    let result = parse_documents(de, &mut |e| {
        since.set(0);
        found.take(e)
    });
    if let Err(e) = &result {
        if e.is_io() && since.get() > STREAM_BUDGET {
            found.ctx.reject_too_large(found.lines + 1, &[]);
            let w = format!(
                "{}: a record longer than {} MiB ends its reading; the rest of it does not count",
                found.ctx.name,
                MAX_RECORD_BYTES >> 20
            );
            found.ctx.warn(w);
            return Ok(());
        }
        if e.is_io() {
            return Err(io::Error::other(short_message(e)));
        }
    }
    found.end(result);
    Ok(())
}

/// Bytes a streamed document may take between two of its elements: a record as long as one
/// may be ([`MAX_RECORD_BYTES`]), and what the parser's buffer reads ahead.
const STREAM_BUDGET: u64 = (MAX_RECORD_BYTES as u64) + (2 << 20);

/// An input that fails once more than [`STREAM_BUDGET`] bytes are read from it with no element
/// handed on (`since` is set to 0 at each).
struct Budget<'a, R> {
    input: R,
    since: &'a std::cell::Cell<u64>,
}

impl<R: Read> Read for Budget<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.since.get() > STREAM_BUDGET {
            return Err(io::Error::other("a record too large"));
        }
        let n = self.input.read(buf)?;
        self.since.set(self.since.get() + n as u64);
        Ok(n)
    }
}

/// One document, and nothing after it but whitespace; a lone surrogate's escape read as
/// U+FFFD ([`mending`]).
fn parse_document(text: &[u8]) -> (Vec<Element<'static>>, Result<(), serde_json::Error>) {
    let mut found = Vec::new();
    let result = mending(text, |text| {
        found.clear();
        let mut de = serde_json::Deserializer::from_slice(text);
        let mut emit = |e: Element<'_>| found.push(e.into_owned());
        (TopSeed { emit: &mut emit })
            .deserialize(&mut de)
            .and_then(|()| de.end())
    });
    (found, result)
}

/// Every element of one document, or of several one after another (Event Hubs messages dumped
/// to one file), up to a syntax error; `end` fails, without consuming it, at the text after a
/// document.
fn parse_documents<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    emit: &mut dyn FnMut(Element<'de>),
) -> Result<(), serde_json::Error> {
    loop {
        (TopSeed { emit: &mut *emit }).deserialize(&mut de)?;
        match de.end() {
            Err(e) if !e.is_io() => continue,
            end => return end,
        }
    }
}

/// Hands on what a document held, and reports where it broke. `doc` is its text when it was
/// read whole (see [`Found`]).
fn finish_stream<S: Sink>(
    found: Vec<Element<'static>>,
    result: Result<(), serde_json::Error>,
    ctx: &mut FileCtx<'_, S>,
    lines: u64,
    (stand_in, doc): (bool, Option<&[u8]>),
) {
    let mut on = Found {
        ctx,
        lines,
        stand_in,
        doc,
        rows_cut: false,
        read: false,
    };
    for e in found {
        on.take(e);
    }
    on.end(result);
}

/// Where the elements of a document go, `lines` newlines into the input. `doc` is its text
/// when it was read whole: then a document that is a record itself is reported at the line it
/// starts on, with an excerpt of it. `stand_in`: the document is the rest of one after its
/// array of records, behind a stand-in head. `rows_cut`: the input ended inside a table's
/// rows that came before its columns (`Element::RowsCut`); `read`: a record was handed on
/// here.
struct Found<'a, 'c, S: Sink> {
    ctx: &'a mut FileCtx<'c, S>,
    lines: u64,
    stand_in: bool,
    doc: Option<&'a [u8]>,
    rows_cut: bool,
    read: bool,
}

impl<S: Sink> Found<'_, '_, S> {
    /// One element, handed on.
    fn take(&mut self, e: Element<'_>) {
        let (ctx, lines) = (&mut *self.ctx, self.lines);
        self.read |= matches!(e, Element::Record(..));
        match e {
            // Read as a whole, the document does not say on which line the records in it are.
            // A whole file that is one object with none of a record's fields is an export
            // whose head was damaged (`"tabes"`), not a record without an outcome.
            Element::Record(raw, 0) if !self.stand_in && raw.is_empty() => {
                holds_no_records(lines + 1, ctx)
            }
            // A record read whole on its own (a pretty-printed callback event, the catalogue's
            // example) starts on the document's first line.
            Element::Record(raw, i) => match (i, self.doc) {
                (0, Some(doc)) => ctx.emit(
                    &raw,
                    || At::record(lines + 1, 0),
                    || String::from_utf8_lossy(&doc[..doc.len().min(EXCERPT_SOURCE)]).into_owned(),
                ),
                _ => ctx.emit(
                    &raw,
                    || At::record(0, i),
                    || format!("record {i} of the document"),
                ),
            },
            Element::NotRecord(i, why) => {
                ctx.reject(At::record(0, i), Reason::NotARecord, why, String::new())
            }
            Element::Incomplete(why) => ctx.incomplete(&why),
            Element::RowsCut => self.rows_cut = true,
        }
    }

    /// Where the document broke, if it did.
    fn end(self, result: Result<(), serde_json::Error>) {
        if let Err(e) = result {
            let line = self.lines + e.line() as u64;
            // The column is off on the stand-in head's line.
            let place = if !self.stand_in || e.line() > 1 {
                format!("at line {line} column {}", e.column())
            } else {
                format!("on line {line}")
            };
            let message = short_message(&e);
            // A document cut off inside rows that wait for their table's columns: none of them
            // was read, and the error says nothing of them (an EOF keeps its kind). Where they
            // open is found in a document held whole; a streamed one is gone by then.
            let cut_rows = e.is_eof() && self.rows_cut;
            let opened = (self.doc.filter(|_| cut_rows))
                .and_then(|doc| Some((doc, early_rows_open_at_end(doc)?)));
            // Rows that waited for their table's columns were not read (see
            // `json::EARLY_ROWS_LOST`); behind a stand-in head, the array before them was.
            let before = self.read || self.stand_in;
            let read = match (cut_rows || message.ends_with(EARLY_ROWS_LOST), before) {
                (true, true) => "; records before that table were read",
                (true, false) => "",
                (false, _) => "; records before it were read",
            };
            let detail = match (cut_rows, opened) {
                (true, Some((doc, at))) => {
                    let from = self.lines + 1 + blocks::newlines(&doc[..at]);
                    let lines = match from == line {
                        true => format!("line {line}"),
                        false => format!("lines {from}-{line}"),
                    };
                    format!("{message} {place}, in rows that come before their table's columns (the document ends inside them: none of that table's rows, on {lines}, could be read){read}")
                }
                (true, None) => format!("{message} {place}, in rows that come before their table's columns (the document ends inside them: none of that table's rows could be read){read}"),
                (false, _) => format!("{message} {place}{read}"),
            };
            self.ctx
                .reject(line, Reason::BadDocument, detail, String::new());
        }
    }
}

/// Where the rows of a table open (their `[`), when `doc` ends inside them and no `columns`
/// came before them in their table: such rows wait for their columns, so none was read.
fn early_rows_open_at_end(doc: &[u8]) -> Option<usize> {
    /// An open bracket: where, whether it is a table's `rows`, and (an object) whether it has
    /// had its `columns`.
    struct Open {
        at: usize,
        rows: bool,
        columns: bool,
    }
    let mut open: Vec<Open> = Vec::new();
    let (mut key, mut after_colon) = (&doc[..0], false);
    let mut i = 0;
    while let Some(&b) = doc.get(i) {
        match b {
            b'"' => {
                let Some(end) = super::structure::string_end(doc, i + 1) else {
                    break;
                };
                let rest = doc[end..].trim_ascii_start();
                if rest.first() == Some(&b':') {
                    key = &doc[i + 1..end - 1];
                    let columns = [&b"columns"[..], b"columnDescriptors"]
                        .iter()
                        .any(|c| key.eq_ignore_ascii_case(c));
                    if let (true, Some(o)) = (columns, open.last_mut()) {
                        o.columns = true;
                    }
                }
                (i, after_colon) = (end, false);
                continue;
            }
            b':' => after_colon = true,
            b'{' | b'[' => {
                let rows = b == b'[' && after_colon && key.eq_ignore_ascii_case(b"rows");
                let columns = false;
                open.push(Open {
                    at: i,
                    rows,
                    columns,
                });
                after_colon = false;
            }
            b'}' | b']' => {
                open.pop();
                after_colon = false;
            }
            b if !b.is_ascii_whitespace() => after_colon = false,
            _ => {}
        }
        i += 1;
    }
    let k = open.iter().rposition(|o| o.rows)?;
    (k > 0 && !open[k - 1].columns).then_some(open[k].at)
}
