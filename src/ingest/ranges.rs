//! A large plain file of JSON Lines read by every worker at once, each its own ranges of it
//! (`read_at`: no shared position, no lock). No thread reads for the others, so the kernel's
//! copy into our buffers runs on every core, as the parsing does. A range's lines are those
//! that start in it; the one that crosses its end is read on past it. Each worker counts the
//! lines of its ranges, and a [`Ledger`] gives each range the lines before it.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indicatif::ProgressBar;
use memchr::{memchr, memrchr};

use super::blocks::{give_buffer, take_buffer, Start, BLOCK};
use super::ledger::{from, read_error, Ledger};
use super::{FileCtx, Sink, MAX_RECORD_BYTES};
use crate::normalize::Reason;

/// Bytes per range: a block less room for the end of the line that crosses the range's end.
pub(super) const RANGE: u64 = (BLOCK - (64 << 10)) as u64;

/// Bytes read at a time past a range's end, looking for the end of its last line.
const ON: usize = 64 << 10;

/// Files at least this large are read by ranges; smaller ones are a block or two.
pub(super) const MIN_BYTES: u64 = 2 * BLOCK as u64;

/// What parses the lines of a range: its bytes (whole lines), the lines before it (0: not
/// known yet), whether the file ends there without a newline; returns the newlines it read.
pub(super) trait Body<S>: Fn(&[u8], u64, bool, &mut FileCtx<'_, S>) -> u64 + Sync {}
impl<S, F: Fn(&[u8], u64, bool, &mut FileCtx<'_, S>) -> u64 + Sync> Body<S> for F {}

/// Reads `file` from `start` (past a byte-order mark) to `size` (its size when opened; a line
/// that crosses it is read to its end), its ranges parsed by `body` on every worker.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    file: &File,
    (start, size): (u64, u64),
    progress: Option<&ProgressBar>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    body: impl Body<S>,
) {
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
        if let Err(e) = range(file, (lo, hi), k == 0, (&ledger, k), c, &body) {
            failed.store(true, Ordering::Relaxed);
            read_error(Start::Seq(ledger.clone(), k), &e, c);
        }
    });
}

/// Parses the lines that start in `lo..hi` (all from `lo` for the first range), reading past
/// `hi` to the end of the last one.
fn range<S: Sink>(
    file: &File,
    (lo, hi): (u64, u64),
    first: bool,
    (ledger, seq): (&Arc<Ledger>, u64),
    c: &mut FileCtx<'_, S>,
    body: &impl Body<S>,
) -> io::Result<()> {
    // From the byte before the range: a newline there means a line starts at `lo`.
    let at = if first { lo } else { lo - 1 };
    let mut buf = take_buffer();
    let want = (hi - at) as usize;
    let mut len = read_full(file, &mut buf[..want], at)?;
    let begin = if first {
        0
    } else {
        memchr(b'\n', &buf[..len]).map_or(len, |p| p + 1)
    };
    if begin >= len {
        // No line starts here: the range is inside a line that started before it.
        ledger.counted(seq, 0);
        give_buffer(buf);
        return Ok(());
    }
    // The file ended early (it shrank since it was opened) or the range ends a line, or the
    // last line goes on past the range: read on to its newline, to the end of the file, or
    // until it is longer than a record may be.
    let mut unterminated = len < want && !buf[..len].ends_with(b"\n");
    let mut too_large = None;
    if len == want && buf[len - 1] != b'\n' {
        let line = memrchr(b'\n', &buf[begin..len]).map_or(begin, |p| begin + p + 1);
        loop {
            let room = (line + BLOCK).saturating_sub(len).min(ON);
            if room == 0 {
                too_large = Some(line);
                break;
            }
            if buf.len() < len + room {
                buf.resize(len + room, 0);
            }
            let n = read_full(file, &mut buf[len..len + room], at + len as u64)?;
            if let Some(p) = memchr(b'\n', &buf[len..len + n]) {
                len += p + 1;
                break;
            }
            len += n;
            if n < room {
                unterminated = true;
                break;
            }
        }
    }
    let end = too_large.unwrap_or(len);
    from(Start::Seq(ledger.clone(), seq), c, |first_line, c| {
        let mut lines = body(&buf[begin..end], first_line, unterminated, c);
        if let Some(line) = too_large {
            c.reject(
                first_line + lines + 1,
                Reason::TooLarge,
                format!("longer than {} MiB", MAX_RECORD_BYTES >> 20),
                String::from_utf8_lossy(&buf[line..line + 200]).into_owned(),
            );
            lines += 1;
        }
        lines
    });
    give_buffer(buf);
    Ok(())
}

/// Reads at `offset` until `buf` is full or the file ends; returns the bytes read.
fn read_full(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
