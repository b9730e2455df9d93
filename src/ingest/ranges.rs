//! A large plain file of JSON Lines read by every worker at once, each its own ranges of it
//! (`read_at`: no shared position, no lock). No thread reads for the others, so the kernel's
//! copy into our buffers runs on every core, as the parsing does. A range's lines are those
//! that start in it; the one that crosses its end is read on past it. Each worker counts the
//! lines of its ranges, and a [`Ledger`] gives each range the lines before it.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indicatif::ProgressBar;
use memchr::{memchr, memrchr};

use super::blocks::{give_buffer, take_buffer, BLOCK};
use super::ledger::{from, read_error_after, Ledger, Start};
use super::open::read_full_at;
use super::{FileCtx, Sink};

/// Bytes per range, a worker's unit of work (about a block: a sink per worker whatever the
/// number of ranges, and a ledger entry per range).
pub(super) const RANGE: u64 = (BLOCK - (64 << 10)) as u64;

/// Bytes read at a time within a range: a few times a line, and few enough that they stay in
/// the core's cache between the kernel's copy and the parse.
const CHUNK: usize = 256 << 10;

/// Bytes read at a time past a range's end, looking for the end of its last line.
const ON: usize = 16 << 10;

/// Files at least this large are read by ranges; smaller ones are a block or two, read in
/// order (by ranges, each of a directory's 4 MiB files cost a sink per range: 1.04× the time).
pub(super) const MIN_BYTES: u64 = 2 * BLOCK as u64;

/// What parses the lines of a range: its bytes (whole lines), the lines before it (0: not
/// known yet), whether the file ends there without a newline; returns the newlines it read.
pub(super) trait Body<S>: Fn(&[u8], u64, bool, &mut FileCtx<'_, S>) -> u64 + Sync {}
impl<S, F: Fn(&[u8], u64, bool, &mut FileCtx<'_, S>) -> u64 + Sync> Body<S> for F {}

/// A plain file to read by ranges.
pub(super) struct Plain<'a> {
    pub(super) file: &'a File,
    /// Its first bytes, already read (to detect its shape): not read again.
    pub(super) head: &'a [u8],
    /// Where its lines start (past a byte-order mark).
    pub(super) start: u64,
    /// Its size when opened: a line that crosses it is read to its end, lines after it are not.
    pub(super) size: u64,
}

/// Reads a plain file, its ranges parsed by `body` on every worker.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    plain: &Plain<'_>,
    progress: Option<&ProgressBar>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    body: impl Body<S>,
) {
    let (start, size) = (plain.start, plain.size);
    let ledger = Arc::new(Ledger::default());
    // A read error ends the file, as it does for a file read in order: no range after it is
    // started (those already started are counted).
    let failed = AtomicBool::new(false);
    let ranges = (0..size.saturating_sub(start).div_ceil(RANGE))
        .take_while(|_| !failed.load(Ordering::Relaxed));
    super::in_parallel(ranges, ctx, make, |k, c| {
        let lo = start + k * RANGE;
        let hi = (lo + RANGE).min(size);
        if let Some(bar) = progress {
            bar.inc(if k == 0 { hi } else { hi - lo });
        }
        if !range(plain, (lo, hi), k == 0, (&ledger, k), c, &body) {
            failed.store(true, Ordering::Relaxed);
        }
    });
}

/// Parses the lines that start in `lo..hi` (all from `lo` for the first range), reading past
/// `hi` to the end of the last one. Returns false when a read failed (and was rejected).
fn range<S: Sink>(
    plain: &Plain<'_>,
    (lo, hi): (u64, u64),
    first: bool,
    (ledger, seq): (&Arc<Ledger>, u64),
    c: &mut FileCtx<'_, S>,
    body: &impl Body<S>,
) -> bool {
    // The whole range (and the line past it) is asked for at once: the reads a chunk at a
    // time then find it in memory, instead of waiting on the disk a chunk at a time when the
    // file is not cached (two workers reading at once look random to the kernel's read-ahead).
    let ask = (hi - lo + ON as u64).try_into().ok();
    let _ = rustix::fs::fadvise(plain.file, lo, ask, rustix::fs::Advice::WillNeed);
    let mut buf = take_buffer();
    let mut ok = true;
    from(Start::Seq(ledger.clone(), seq), c, |before, c| {
        let mut r = Range {
            plain,
            hi,
            buf: &mut buf,
            // From the byte before the range: a newline there means a line starts at `lo`.
            next: if first { lo } else { lo - 1 },
            len: 0,
            lines: before,
        };
        match r.parse(first, c, body) {
            Ok(()) => {}
            Err(e) => {
                ok = false;
                read_error_after(r.lines, &e, c);
            }
        }
        r.lines - before
    });
    give_buffer(buf);
    ok
}

/// A range being read a chunk at a time into the same buffer, so that the kernel's copy and
/// the parse after it meet in the core's own cache.
struct Range<'a> {
    plain: &'a Plain<'a>,
    hi: u64,
    buf: &'a mut Vec<u8>,
    /// Where the next read starts.
    next: u64,
    /// Bytes held: `buf[..len]`, read from `next - len`.
    len: usize,
    /// Lines parsed (from the range's first, plus the lines before it when known).
    lines: u64,
}

impl Range<'_> {
    /// Reads up to `want` more bytes after those held; false at the end of the file.
    fn more(&mut self, want: usize) -> io::Result<bool> {
        if self.buf.len() < self.len + want {
            self.buf.resize(self.len + want, 0);
        }
        let to = &mut self.buf[self.len..self.len + want];
        let head = usize::try_from(self.next)
            .map_or(&[][..], |at| self.plain.head.get(at..).unwrap_or_default());
        let n = if head.is_empty() {
            read_full_at(self.plain.file, to, self.next)?
        } else {
            let n = want.min(head.len());
            to[..n].copy_from_slice(&head[..n]);
            n
        };
        self.len += n;
        self.next += n as u64;
        Ok(n > 0)
    }

    /// Drops the first `n` bytes held.
    fn drop_front(&mut self, n: usize) {
        self.buf.copy_within(n..self.len, 0);
        self.len -= n;
    }

    /// The file offset of `buf[i]`.
    fn offset(&self, i: usize) -> u64 {
        self.next - (self.len - i) as u64
    }

    fn parse<S: Sink>(
        &mut self,
        first: bool,
        c: &mut FileCtx<'_, S>,
        body: &impl Body<S>,
    ) -> io::Result<()> {
        if !first {
            // Up to the first line that starts in the range.
            loop {
                let want = CHUNK.min((self.hi - self.next) as usize);
                if want == 0 || !self.more(want)? {
                    return Ok(());
                }
                if let Some(p) = memchr(b'\n', &self.buf[..self.len]) {
                    self.drop_front(p + 1);
                    break;
                }
                self.len = 0;
            }
        }
        // `buf` starts at a line start, before `hi`.
        loop {
            if self.offset(0) >= self.hi {
                return Ok(());
            }
            // The lines held that start in the range: up to the first newline at or past
            // the range's last byte (the last of them), else up to the last newline held.
            let last = (self.hi - 1).saturating_sub(self.offset(0)) as usize;
            let final_end = match last < self.len {
                true => memchr(b'\n', &self.buf[last..self.len]).map(|p| last + p),
                false => None,
            };
            if let Some(e) = final_end.or_else(|| memrchr(b'\n', &self.buf[..self.len])) {
                self.lines += body(&self.buf[..=e], self.lines, false, c);
                self.drop_front(e + 1);
                if last <= e {
                    return Ok(());
                }
                continue;
            }
            // No whole line held: read on, to the end of the range and then a little at a
            // time past it, unless the line is already longer than a record may be.
            if self.len >= BLOCK {
                self.too_large(c)?;
                continue;
            }
            let want = if self.next < self.hi {
                CHUNK.min((self.hi - self.next) as usize)
            } else {
                ON
            }
            .min(BLOCK - self.len);
            if !self.more(want)? {
                // The end of the file: its last line, without a newline.
                if self.len > 0 {
                    self.lines += body(&self.buf[..self.len], self.lines, true, c);
                    self.len = 0;
                }
                return Ok(());
            }
        }
    }

    /// Rejects the line held, longer than a record may be, and drops it up to its newline.
    fn too_large<S: Sink>(&mut self, c: &mut FileCtx<'_, S>) -> io::Result<()> {
        c.reject_too_large(self.lines + 1, &self.buf[..self.len]);
        self.lines += 1;
        loop {
            self.len = 0;
            if !self.more(ON)? {
                return Ok(());
            }
            if let Some(p) = memchr(b'\n', &self.buf[..self.len]) {
                self.drop_front(p + 1);
                return Ok(());
            }
        }
    }
}
