//! The buffers of blocks and of files' first bytes, reused by every file of the process from
//! pools, so that memory stays flat and fresh pages are not faulted in for each file.

use std::io::{self, Read};
use std::sync::Mutex;

use super::BLOCK;

/// Block buffers of [`BLOCK`] bytes, reused once their lines are parsed, by every file of the
/// process: files read one after another (a storage archive is thousands of small ones) reuse
/// the same buffers instead of allocating and faulting in new ones. They keep their length:
/// zeroing 4 MiB before every read would cost as much as parsing a tenth of it.
static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// Buffers kept for reuse, at most: more are only in flight when many files are read at once.
const POOLED: usize = 16;

pub(in crate::ingest) fn take_buffer() -> Vec<u8> {
    match pop(&POOL) {
        Some(mut v) => {
            v.resize(BLOCK, 0);
            v
        }
        // Zeroed by the allocator (fresh pages), not written byte by byte.
        None => vec![0; BLOCK],
    }
}

pub(in crate::ingest) fn give_buffer(v: Vec<u8>) {
    keep(&POOL, v);
}

/// A buffer of `pool`, if it holds one.
fn pop(pool: &Mutex<Vec<Vec<u8>>>) -> Option<Vec<u8>> {
    pool.lock().ok().and_then(|mut p| p.pop())
}

/// Puts `v` back in `pool`, unless it holds [`POOLED`] already.
fn keep(pool: &Mutex<Vec<Vec<u8>>>, v: Vec<u8>) {
    if let Ok(mut p) = pool.lock() {
        if p.len() < POOLED {
            p.push(v);
        }
    }
}

/// Frees the buffers kept for reuse (when every input is read: the report is built next).
pub(in crate::ingest) fn release_buffers() {
    for pool in [&POOL, &PREFIXES] {
        if let Ok(mut p) = pool.lock() {
            *p = Vec::new();
        }
    }
}

/// Buffers of files' first bytes (a megabyte at most), reused by the files read after, as the
/// blocks' are: with glibc's thresholds fixed (see `fix_allocator_thresholds`), a fresh one a
/// file was mapped and faulted in each time (256 files of 4 MiB: 65,000 more page faults).
static PREFIXES: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// An empty buffer for a file's first `capacity` bytes.
pub(in crate::ingest) fn take_prefix(capacity: usize) -> Vec<u8> {
    let mut v = pop(&PREFIXES).unwrap_or_default();
    v.clear();
    v.reserve(capacity);
    v
}

/// A file's first bytes, read before the rest of it, whose buffer goes back to the pool once
/// they are read: a JSON document's megabyte is read into its first block long before that
/// block is parsed and the file's other blocks are read (on 32 threads, 256 documents of
/// 4 MiB each held theirs to the end).
pub(in crate::ingest) struct Prefix(io::Cursor<Vec<u8>>);

impl Prefix {
    pub(in crate::ingest) fn new(bytes: Vec<u8>) -> Prefix {
        Prefix(io::Cursor::new(bytes))
    }

    /// Gives the buffer back to the pool (once: an empty one holds nothing).
    fn release(&mut self) {
        if self.0.get_ref().capacity() > 0 {
            keep(&PREFIXES, std::mem::take(self.0.get_mut()));
            self.0.set_position(0);
        }
    }
}

impl Read for Prefix {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        if self.0.position() >= self.0.get_ref().len() as u64 {
            self.release();
        }
        Ok(n)
    }
}

impl Drop for Prefix {
    fn drop(&mut self) {
        self.release();
    }
}
