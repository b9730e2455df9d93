//! Cutting an input into blocks of whole records, read in order by one thread at a time and
//! handed to parallel workers. JSON Lines cut at the last newline of a block; CSV at the last
//! newline outside quotes. Block buffers go round a pool, so memory stays flat.
//!
//! The blocks are cut here ([`Blocks`]); their buffers come from `pool`, an input with bytes
//! read in front is `prefixed`, an array's elements are counted and skipped in `array`, and
//! the pieces are handed to their readers by `process`.

use std::io::{self, Read};
use std::sync::Arc;

use memchr::{memchr, memchr_iter};

use super::ledger::{Ledger, Start};

use super::structure::Signature;
use super::{Input, MAX_RECORD_BYTES};

pub(super) use pool::{give_buffer, release_buffers, take_buffer, take_prefix, Prefix};
pub(super) use prefixed::{Prefixed, Rest};
pub(super) use process::{process, process_rest, rest_with, Ordered};

mod array;
mod pool;
mod prefixed;
mod process;

/// Bytes per block handed to a worker.
pub(super) const BLOCK: usize = MAX_RECORD_BYTES;

pub(super) enum Piece {
    Block {
        /// A pool buffer: bytes `start..len` are the block.
        data: Vec<u8>,
        start: usize,
        len: usize,
        first_line: Start,
        /// The file ended without a newline after the block's last line.
        unterminated: bool,
        /// For arrays: where the block starts.
        at: ArrayAt,
    },
    TooLarge {
        line: Start,
        head: Vec<u8>,
    },
    /// A line over the cap left to the caller, which asked for it ([`Blocks::leave_long_lines`]):
    /// [`Blocks::rest`] starts with its first bytes. As a reject, what `TooLarge` is.
    Long {
        line: Start,
        head: Vec<u8>,
    },
    /// An array element whose brackets do not close before the next element of its shape
    /// starts, `why` as serde says it, at the line of the damage.
    Damaged {
        line: Start,
        index: u64,
        head: Vec<u8>,
        why: String,
    },
    Error {
        line: Start,
        error: io::Error,
    },
}

/// Where a block of array elements starts (zero for other inputs).
#[derive(Clone, Copy, Default)]
pub(super) struct ArrayAt {
    /// Newlines before the block.
    pub(super) newlines: u64,
    /// The block follows a comma between elements (else the array's `[`, or a skipped
    /// element without a comma after it).
    pub(super) after_comma: bool,
}

/// Where a block may end: the index of the last byte that ends a record in it, if any, and
/// how many units (lines, or array elements) the block holds up to there; the reader counts
/// the first unit of each block with them.
pub(super) type Cut = fn(&[u8]) -> Option<(usize, u64)>;

/// The last newline of a block: every line of JSON Lines is a record. Its lines are not
/// counted here but by the worker that parses it (see [`Start::Seq`]).
pub(super) fn last_newline(b: &[u8]) -> Option<(usize, u64)> {
    let p = memchr::memrchr(b'\n', b)?;
    Some((p, 0))
}

/// Newlines in `b`.
pub(super) fn newlines(b: &[u8]) -> u64 {
    memchr_iter(b'\n', b).count() as u64
}

pub(super) struct Blocks {
    cut: Cut,
    /// The cut of a block that the input goes on after and that is not a whole block, when
    /// it is not `cut` (see [`Blocks::parts`]).
    part_cut: Option<Cut>,
    r: Prefixed,
    carry: Vec<u8>,
    next_line: u64,
    /// For JSON Lines: the pieces' lines are counted by the workers, here.
    ledger: Option<Arc<Ledger>>,
    /// Pieces handed on.
    seq: u64,
    done: bool,
    /// Blocks of an array's elements: stop after the block that ends with its closing `]`
    /// (the rest of the input is the document around the array, see [`Blocks::rest`]), and
    /// count newlines, from this many before the array.
    array: Option<u64>,
    /// For arrays: the last block ended with a comma.
    comma: bool,
    /// For arrays: an oversized element was skipped; a comma after it is dropped.
    after_skip: bool,
    /// A read error ended the input.
    failed: bool,
    /// A read error, reported after the complete lines read before it.
    error: Option<io::Error>,
    /// Bytes a block is filled to before it is cut ([`BLOCK`] unless [`Blocks::filling`] says
    /// less); a block with no cut in them is read on, twice as far each time, up to [`BLOCK`].
    fill: usize,
    /// Bytes read into blocks (not those of a line over the cap, skipped past).
    read: u64,
    /// For arrays: the shape of the first element, where the next element after a damaged
    /// one whose own head is damaged (`{time": ...`) is looked for.
    shape: Option<Signature<'static>>,
    /// A line over the cap is handed on as [`Piece::Long`], its bytes left to be read from
    /// [`Blocks::rest`], not skipped to its first newline.
    leave_long: bool,
}

impl Blocks {
    pub(super) fn new(r: Input, cut: Cut) -> Blocks {
        Blocks::prefixed(Prefixed::new(Vec::new(), 0, r), cut)
    }

    /// Blocks of an input with bytes already read in front of it.
    pub(super) fn prefixed(r: Prefixed, cut: Cut) -> Blocks {
        Blocks {
            cut,
            part_cut: None,
            r,
            carry: Vec::new(),
            next_line: 0,
            ledger: None,
            seq: 0,
            done: false,
            array: None,
            comma: false,
            after_skip: false,
            failed: false,
            error: None,
            fill: BLOCK,
            read: 0,
            shape: None,
            leave_long: false,
        }
    }

    /// Blocks that hand on a line over the cap (outside arrays, lines counted here: its line is
    /// known) as [`Piece::Long`], its bytes left to the caller, who reads them from
    /// [`Blocks::rest`] and does not ask for another block: a CSV row whose quoted field runs on
    /// past the line's newline (see `csv::long`).
    pub(super) fn leave_long_lines(mut self) -> Blocks {
        self.leave_long = true;
        self
    }

    /// Blocks filled to `fill` bytes (at most [`BLOCK`]) before they are cut, read on (twice
    /// as far each time) only when no record ends in them: a small input parsed where it is
    /// read touches that much of its buffer, not all of it.
    pub(super) fn filling(mut self, fill: usize) -> Blocks {
        self.fill = fill.clamp(1, BLOCK);
        self
    }

    /// Blocks filled to `fill` bytes, each cut by `part_cut` unless the input ends in it or it
    /// is a whole block: the parts of an array read where the input is read (see
    /// `elements::read_array`).
    pub(super) fn parts(mut self, part_cut: Cut, fill: usize) -> Blocks {
        self.part_cut = Some(part_cut);
        self.filling(fill)
    }

    /// Blocks cut by `cut` from the next on: a CSV file's, once its header gives its delimiter.
    pub(super) fn cut_by(&mut self, cut: Cut) {
        self.cut = cut;
    }

    /// The cut of a block of `len` bytes, the input ended after them or not.
    fn cut_of(&self, eof: bool, len: usize) -> Cut {
        match self.part_cut {
            Some(cut) if !eof && len < BLOCK => cut,
            _ => self.cut,
        }
    }

    /// Bytes read into blocks so far.
    pub(super) fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Blocks of lines that the reader does not count: each worker counts its own, in a
    /// [`Ledger`].
    pub(super) fn uncounted(mut self) -> Blocks {
        self.ledger = Some(Arc::default());
        self
    }

    /// Where the next piece starts.
    fn start(&mut self) -> Start {
        let seq = self.seq;
        self.seq += 1;
        match &self.ledger {
            Some(l) => Start::Seq(l.clone(), seq),
            None => Start::Line(self.next_line),
        }
    }

    /// Blocks of an array's elements, `lines` lines into the input: they end at its closing
    /// `]`, and say how many newlines come before them.
    pub(super) fn array(mut self, lines: u64) -> Blocks {
        self.array = Some(lines);
        self
    }

    /// Blocks of an array whose first element has `shape` (see [`Blocks::damaged`]).
    pub(super) fn shaped(mut self, shape: Option<Signature<'static>>) -> Blocks {
        self.shape = shape;
        self
    }

    /// Whether a read error ended the input (and was reported).
    pub(super) fn failed(&self) -> bool {
        self.failed
    }

    /// The bytes read past the last cut, not yet handed on.
    pub(super) fn pending(&self) -> &[u8] {
        &self.carry
    }

    /// For an array: the newlines before the array and in the blocks handed on so far.
    pub(super) fn newlines_read(&self) -> u64 {
        self.array.unwrap_or(0)
    }

    /// What follows the blocks: the bytes read past the last cut, then the unread input.
    pub(super) fn rest(self) -> Rest {
        let Prefixed {
            mut pre, at, inner, ..
        } = self.r;
        if at == pre.len() {
            return io::Cursor::new(self.carry).chain(inner);
        }
        // The bytes past the cut were read from `pre` (it is not read to its end), so they fit
        // in front of what is left of it: no copy of the rest, no allocation.
        let from = at - self.carry.len();
        pre[from..at].copy_from_slice(&self.carry);
        let mut rest = io::Cursor::new(pre);
        rest.set_position(from as u64);
        rest.chain(inner)
    }

    /// Whether the input is read to its end, nothing left over.
    pub(super) fn finished(&self) -> bool {
        self.done && self.carry.is_empty() && self.error.is_none()
    }
}

/// Reads into `buf`, retrying when interrupted; 0 means end of input.
fn read_into(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Reads up to `want` more bytes onto `buf`; 0 means end of input.
fn read_more(r: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<usize> {
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
    /// The block `buf[..=p]` of `units` units, cut from the `len` bytes read; the bytes after
    /// the cut start the next block.
    fn hand_on(&mut self, buf: Vec<u8>, len: usize, p: usize, units: u64) -> Piece {
        self.carry.extend_from_slice(&buf[p + 1..len]);
        let first_line = self.start();
        self.next_line += units;
        if self.array.is_some() && buf[p] == b']' {
            self.done = true;
        }
        let at = self.count(&buf[..=p]);
        Piece::Block {
            data: buf,
            start: 0,
            len: p + 1,
            first_line,
            unterminated: false,
            at,
        }
    }

    fn fail(&mut self, error: io::Error) -> Option<Piece> {
        let line = self.start();
        self.fail_at(line, error)
    }

    /// Ends the blocks with the read error that cut the piece of `line`, which is its reject.
    fn fail_at(&mut self, line: Start, error: io::Error) -> Option<Piece> {
        self.done = true;
        self.failed = true;
        Some(Piece::Error { line, error })
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
        let mut buf = take_buffer();
        let mut len = self.carry.len();
        buf[..len].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut eof = false;
        // Filled to `fill` first, and on, twice as far each time up to a whole block, only
        // while no record ends in it.
        let mut want = if len < self.fill { self.fill } else { BLOCK };
        // The cut that ended the filling, kept (it counts the whole block) unless a comma after
        // a skipped element is still to be dropped.
        let mut found = None;
        loop {
            while len < want {
                match read_into(&mut self.r, &mut buf[len..want]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => {
                        len += n;
                        self.read += n as u64;
                    }
                    Err(e) => {
                        // Hand on the whole lines read so far; the cut line after them is
                        // lost with the error.
                        self.error = Some(e);
                        self.drop_comma_after_skip(&mut buf[..len]);
                        let Some((p, units)) = (self.cut)(&buf[..len]) else {
                            let e = self.error.take().expect("just set");
                            return self.fail(e);
                        };
                        return Some(self.hand_on(buf, len, p, units));
                    }
                }
            }
            if eof || want == BLOCK {
                break;
            }
            let cut = (self.cut_of(eof, len))(&buf[..len]);
            if cut.is_some() {
                found = cut.filter(|_| !self.after_skip);
                break;
            }
            want = (2 * want).min(BLOCK);
        }
        self.drop_comma_after_skip(&mut buf[..len]);
        // The rest of a file of lines needs no cut: handed on whole, a damaged quote or line
        // cannot make the cut land inside a later row.
        if eof && self.array.is_none() {
            self.done = true;
            let unterminated = !buf[..len].ends_with(b"\n");
            return (len > 0).then(|| Piece::Block {
                data: buf,
                start: 0,
                len,
                first_line: self.start(),
                unterminated,
                at: ArrayAt::default(),
            });
        }
        match found.or_else(|| (self.cut_of(eof, len))(&buf[..len])) {
            Some((p, units)) => Some(self.hand_on(buf, len, p, units)),
            None if eof => {
                self.done = true;
                let at = self.count(&buf[..len]);
                (len > 0).then(|| Piece::Block {
                    data: buf,
                    start: 0,
                    len,
                    first_line: self.start(),
                    unterminated: true,
                    at,
                })
            }
            None => {
                // A whole block without a cut: the line (or array element) is over the cap.
                let head = buf[..200].to_vec();
                let (line, skipped) = match self.array {
                    Some(before) => {
                        // The line the element starts on, past the whitespace before it.
                        let lead = buf[..len].iter().position(|c| !c.is_ascii_whitespace());
                        let line = before + newlines(&buf[..lead.unwrap_or(0)]);
                        if let Some(piece) = self.damaged(&buf[..len], lead.unwrap_or(0), line) {
                            give_buffer(buf);
                            return Some(piece);
                        }
                        (Start::Line(line), self.skip_element(&buf[..len]))
                    }
                    None if self.leave_long && self.ledger.is_none() => {
                        let line = self.start();
                        self.next_line += 1;
                        self.carry.extend_from_slice(&buf[..len]);
                        give_buffer(buf);
                        return Some(Piece::Long { line, head });
                    }
                    None => (self.start(), self.skip_past_newline()),
                };
                self.next_line += 1;
                give_buffer(buf);
                if let Err(error) = skipped {
                    // The read error cut the line being skipped: one reject, the error's, at
                    // that line (a piece after it would follow one never counted, and its
                    // reject wait for its line to the end).
                    return self.fail_at(line, error);
                }
                Some(Piece::TooLarge { line, head })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's prefix is read before the rest of it, and its buffer serves a file read after
    /// (other tests take prefixes at the same time: one of a few rounds must see its own).
    #[test]
    fn a_file_s_prefix_is_read_first_and_its_buffer_serves_the_next_file() {
        let reused = (0..100).any(|_| {
            let mut first = take_prefix(1 << 20);
            first.extend_from_slice(b"abc");
            let mut whole = Prefix::new(first).chain(&b"def"[..]);
            let mut text = String::new();
            whole.read_to_string(&mut text).unwrap();
            assert_eq!(text, "abcdef");
            drop(whole);
            // A fresh buffer asked for no room has none.
            let next = take_prefix(0);
            assert!(next.is_empty());
            next.capacity() >= 1 << 20
        });
        assert!(reused);
    }

    /// A prefix's buffer goes back to the pool as soon as its bytes are read, while the input it
    /// starts is still read (before, only when it was dropped): the same buffer serves the next
    /// file. Other tests take prefixes at the same time: one of a few rounds must see it; none
    /// can while the prefix holds it.
    #[test]
    fn a_prefix_s_buffer_goes_back_once_its_bytes_are_read() {
        let reused = (0..100).any(|_| {
            let mut first = take_prefix(1 << 20);
            first.extend_from_slice(b"abc");
            let ptr = first.as_ptr();
            let mut whole = Prefix::new(first).chain(&b"def"[..]);
            let mut head = [0u8; 3];
            whole.read_exact(&mut head).unwrap();
            // A read of nothing gives nothing back.
            assert_eq!(whole.read(&mut []).unwrap(), 0);
            let mut text = String::new();
            whole.read_to_string(&mut text).unwrap();
            assert_eq!((&head, text.as_str()), (b"abc", "def"));
            let next = take_prefix(0);
            let same = next.as_ptr() == ptr;
            drop(next);
            drop(whole);
            same
        });
        assert!(reused);
    }

    /// Blocks filled to less than a block end at the last newline within that many bytes, and
    /// read on, up to a whole block, only for a line longer than it: each touches that much of
    /// its buffer. Together they are the input, in order.
    #[test]
    fn blocks_filled_to_less_than_a_block_are_cut_within_it() {
        let mut text = Vec::new();
        for i in 0..2_000 {
            text.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        text.extend_from_slice(&[b'x'; 5_000]);
        text.extend_from_slice(b"\nlast\n");
        let input: Input = Box::new(io::Cursor::new(text.clone()));
        let mut blocks = Blocks::new(input, last_newline).filling(1_000);
        let mut seen = Vec::new();
        let mut lens = Vec::new();
        for piece in blocks.by_ref() {
            let Piece::Block {
                data, start, len, ..
            } = piece
            else {
                panic!("a block");
            };
            seen.extend_from_slice(&data[start..len]);
            lens.push(len - start);
        }
        assert_eq!(seen, text);
        assert_eq!(blocks.bytes_read(), text.len() as u64);
        // Every block within the fill, but the one that holds the 5,000-byte line: read on to
        // 2,000, 4,000, then 8,000 bytes, where its newline is.
        let over: Vec<usize> = lens.iter().copied().filter(|&n| n > 1_000).collect();
        assert_eq!(over.len(), 1, "{lens:?}");
        assert!((5_000..=8_000).contains(&over[0]), "{lens:?}");
        assert!(lens.len() > 15);
        // An input that ends where a block is cut, at its fill.
        let exact = [b'a'; 999]
            .iter()
            .chain(b"\n")
            .copied()
            .collect::<Vec<u8>>()
            .repeat(3);
        let input: Input = Box::new(io::Cursor::new(exact.clone()));
        let blocks = Blocks::new(input, last_newline).filling(1_000);
        let lens: Vec<usize> = blocks
            .map(|piece| match piece {
                Piece::Block { start, len, .. } => len - start,
                _ => panic!("a block"),
            })
            .collect();
        assert_eq!(lens, [1_000; 3]);
    }
}
