//! An input with bytes already read from it in front ([`Prefixed`]), and the input the blocks
//! give back after an array ([`Rest`]).

use std::io::{self, Read};

use super::super::Input;
use super::read_more;

/// The input after the blocks: see [`Blocks::rest`].
pub(in crate::ingest) type Rest = io::Chain<io::Cursor<Vec<u8>>, Input>;

/// An input with bytes already read from it in front (from `at`): what a document's reader
/// looked at before it handed the input to the blocks of an array. The blocks give back the
/// same input after the array ([`Blocks::rest`]), not one more reader around it: a file of
/// documents one after another (Event Hubs messages appended to a dump) would otherwise be
/// read through a reader, and a buffer, for every document before.
pub(in crate::ingest) struct Prefixed {
    pub(super) pre: Vec<u8>,
    pub(super) at: usize,
    pub(super) inner: Input,
    /// `inner` was read to its end: a peek at the end of the input reads no more (a read of
    /// nothing into a buffer grown for it, for each of many small documents at the end).
    pub(super) eof: bool,
}

impl Prefixed {
    pub(in crate::ingest) fn new(pre: Vec<u8>, at: usize, inner: Input) -> Prefixed {
        Prefixed {
            pre,
            at,
            inner,
            eof: false,
        }
    }

    /// The same, `inner` known to be read to its end when `eof`.
    pub(in crate::ingest) fn ended(mut self, eof: bool) -> Prefixed {
        self.eof = eof;
        self
    }

    /// The next bytes, at least `n` of them unless the input ends first; none consumed.
    pub(in crate::ingest) fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.pre.len() - self.at < n && !self.eof {
            self.eof = read_more(&mut self.inner, &mut self.pre, 1 << 16)? == 0;
        }
        Ok(&self.pre[self.at..])
    }

    /// Whether the input was read to its end.
    pub(in crate::ingest) fn at_end(&self) -> bool {
        self.eof
    }
}

impl Prefixed {
    /// The input after its next `n` bytes, which were peeked at ([`Prefixed::peek`]).
    pub(in crate::ingest) fn into_rest(self, n: usize) -> Rest {
        let mut rest = io::Cursor::new(self.pre);
        rest.set_position((self.at + n) as u64);
        rest.chain(self.inner)
    }
}

impl Read for Prefixed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.pre.len() {
            return self.inner.read(buf);
        }
        let n = (self.pre.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.pre[self.at..self.at + n]);
        self.at += n;
        if self.at == self.pre.len() {
            self.pre = Vec::new();
            self.at = 0;
        }
        Ok(n)
    }
}
