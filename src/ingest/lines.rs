//! One JSON value per line (storage archive, workspace export, records documents or callback
//! batches dumped one per line). The file is cut into newline-aligned blocks that are parsed in
//! parallel; a line longer than [`MAX_RECORD_BYTES`] is rejected without being buffered.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use memchr::{memchr, memchr_iter, memrchr};
use serde::de::DeserializeSeed;

use super::json::{Element, TopSeed};
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{Raw, Reason};

/// Bytes per block handed to a worker.
const BLOCK: usize = MAX_RECORD_BYTES;

enum Piece {
    Block {
        /// A pool buffer: its first `len` bytes are the block.
        data: Vec<u8>,
        len: usize,
        first_line: u64,
        /// The file ended without a newline after the block's last line.
        unterminated: bool,
    },
    TooLarge {
        line: u64,
        head: Vec<u8>,
    },
    Error {
        line: u64,
        error: io::Error,
    },
}

/// Block buffers of [`BLOCK`] bytes, reused once their lines are parsed. They keep their
/// length: zeroing 4 MiB before every read would cost as much as parsing a tenth of it.
#[derive(Clone, Default)]
struct Pool(Arc<Mutex<Vec<Vec<u8>>>>);

impl Pool {
    fn take(&self) -> Vec<u8> {
        let mut v = self
            .0
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default();
        v.resize(BLOCK, 0);
        v
    }

    fn give(&self, v: Vec<u8>) {
        if let Ok(mut p) = self.0.lock() {
            p.push(v);
        }
    }
}

struct Blocks {
    pool: Pool,
    r: Input,
    carry: Vec<u8>,
    next_line: u64,
    done: bool,
    /// A read error, reported after the complete lines read before it.
    error: Option<io::Error>,
}

/// Reads into `buf`, retrying when interrupted; 0 means end of input.
fn read_into(r: &mut Input, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Reads up to `want` more bytes onto `buf`; 0 means end of input.
fn read_more(r: &mut Input, buf: &mut Vec<u8>, want: usize) -> io::Result<usize> {
    let start = buf.len();
    buf.resize(start + want, 0);
    let n = loop {
        match r.read(&mut buf[start..]) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    };
    buf.truncate(start + n);
    Ok(n)
}

impl Blocks {
    fn fail(&mut self, error: io::Error) -> Option<Piece> {
        self.done = true;
        Some(Piece::Error {
            line: self.next_line,
            error,
        })
    }

    /// Drops the rest of an oversized line, keeping what follows it.
    fn skip_past_newline(&mut self) -> io::Result<()> {
        let mut buf = Vec::with_capacity(1 << 16);
        loop {
            buf.clear();
            if read_more(&mut self.r, &mut buf, 1 << 16)? == 0 {
                self.done = true;
                return Ok(());
            }
            if let Some(p) = memchr(b'\n', &buf) {
                self.carry = buf[p + 1..].to_vec();
                return Ok(());
            }
        }
    }
}

impl Iterator for Blocks {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        if let Some(e) = self.error.take() {
            return self.fail(e);
        }
        if self.done {
            return None;
        }
        // Buffers go round: fresh 4 MiB allocations would fault in new pages and let the
        // allocator's heap grow with the input.
        let mut buf = self.pool.take();
        let mut len = self.carry.len();
        buf[..len].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut eof = false;
        while len < BLOCK {
            match read_into(&mut self.r, &mut buf[len..]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => len += n,
                Err(e) => {
                    // Hand on the whole lines read so far; the cut line after them is lost
                    // with the error.
                    self.error = Some(e);
                    let Some(p) = memrchr(b'\n', &buf[..len]) else {
                        let e = self.error.take().expect("just set");
                        return self.fail(e);
                    };
                    let first_line = self.next_line;
                    self.next_line += memchr_iter(b'\n', &buf[..=p]).count() as u64;
                    return Some(Piece::Block {
                        data: buf,
                        len: p + 1,
                        first_line,
                        unterminated: false,
                    });
                }
            }
        }
        let first_line = self.next_line;
        match memrchr(b'\n', &buf[..len]) {
            Some(p) => {
                self.carry.extend_from_slice(&buf[p + 1..len]);
                self.next_line += memchr_iter(b'\n', &buf[..=p]).count() as u64;
                Some(Piece::Block {
                    data: buf,
                    len: p + 1,
                    first_line,
                    unterminated: false,
                })
            }
            None if eof => {
                self.done = true;
                (len > 0).then_some(Piece::Block {
                    data: buf,
                    len,
                    first_line,
                    unterminated: true,
                })
            }
            None => {
                // A whole block without a newline: the line is over the cap.
                let head = buf[..200].to_vec();
                self.pool.give(buf);
                self.next_line += 1;
                if let Err(e) = self.skip_past_newline() {
                    return self.fail(e);
                }
                Some(Piece::TooLarge {
                    line: first_line,
                    head,
                })
            }
        }
    }
}

/// Cuts ` at line 1 column 7` off serde_json's message; the caller says where.
pub(super) fn short_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// sonic-rs's message without the position and the echo of the input it appends.
fn sonic_message(e: &sonic_rs::Error) -> String {
    let s = e.to_string();
    let s = s.lines().next().unwrap_or_default();
    let s = s.find(" at line ").map_or(s, |i| &s[..i]);
    // Our messages are lowercase.
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

fn process_line<S: Sink>(line: &[u8], line_no: u64, last: bool, ctx: &mut FileCtx<'_, S>) {
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
    if super::scan::record(line, &mut raw) {
        ctx.emit(&raw, line_no, text);
        return;
    }
    let mut not_records = Vec::new();
    let result = {
        let mut emit = |e: Element<'_>| match e {
            Element::Record(raw, _) => ctx.emit(&raw, line_no, text),
            Element::NotRecord(_, why) => not_records.push(why),
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

/// The lines of a block, `first_line` lines into the file.
fn process_block<S: Sink>(
    data: &[u8],
    first_line: u64,
    unterminated: bool,
    ctx: &mut FileCtx<'_, S>,
) {
    let mut start = 0;
    let mut line_no = first_line + 1;
    for nl in memchr_iter(b'\n', data) {
        process_line(&data[start..nl], line_no, false, ctx);
        start = nl + 1;
        line_no += 1;
    }
    if start < data.len() {
        process_line(&data[start..], line_no, unterminated, ctx);
    }
}

fn process<S: Sink>(piece: Piece, ctx: &mut FileCtx<'_, S>, pool: &Pool) {
    match piece {
        Piece::Block {
            data,
            len,
            first_line,
            unterminated,
        } => {
            process_block(&data[..len], first_line, unterminated, ctx);
            pool.give(data);
        }
        Piece::TooLarge { line, head } => ctx.reject(
            line + 1,
            Reason::TooLarge,
            format!("longer than {} MiB", MAX_RECORD_BYTES >> 20),
            String::from_utf8_lossy(&head).into_owned(),
        ),
        Piece::Error { line, error } => ctx.reject(
            line + 1,
            Reason::Unreadable,
            format!("read failed after line {line}: {error}"),
            String::new(),
        ),
    }
}

/// Reads a JSON Lines input; blocks after the first are parsed in parallel.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let pool = Pool::default();
    let mut blocks = Blocks {
        pool: pool.clone(),
        r: input,
        carry: Vec::new(),
        next_line: 0,
        done: false,
        error: None,
    };
    let Some(first) = blocks.next() else {
        return Ok(());
    };
    process(first, ctx, &pool);
    if blocks.done && blocks.carry.is_empty() && blocks.error.is_none() {
        return Ok(());
    }
    super::in_parallel(blocks, ctx, make, |piece, c| process(piece, c, &pool));
    Ok(())
}
