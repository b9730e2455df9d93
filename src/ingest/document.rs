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

use std::io::{self, Read};
use std::sync::atomic::AtomicBool;

use super::blocks::{self, Prefixed, Rest};
use super::elements::{
    columns_first, envelope, frames, next_table, read_array, rows_first, table_at,
    table_rows_first, warn_mended, wrapper_head, Head, Items,
};
use super::structure::{bracket_prefix, opens_after_prefix, prefix_time, Walker};
use super::{FailOnce, FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::Reason;

mod found;
mod logged;
mod one_line;
mod stream;
mod whole;
mod wrapper;

pub(super) use found::{hand_on, holds_no_records};
use logged::{cut_body, read_cut, skip_log_line, Held};
pub(super) use logged::{logged_body, starts_as_json_text};
pub(super) use one_line::line_document;
use stream::{stream, STREAM_BUDGET};
pub(super) use whole::salvage;
use whole::small_document;
use wrapper::wrapped;
pub(super) use wrapper::wrapper;

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
