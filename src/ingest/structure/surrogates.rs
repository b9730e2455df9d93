//! Lone UTF-16 surrogates' escapes, which serde_json refuses, read as U+FFFD: in a text
//! ([`lone_surrogates_mended`], [`mending`]) or a stream ([`MendingReader`]).

/// `b` with each `\u` escape of a UTF-16 surrogate that is not half of a pair (a high one no
/// low one's escape follows, a low one alone: an emoji cut in half by an app or a logger, as
/// JavaScript's `JSON.stringify` writes one) made `\ufffd`, when it holds any. The same
/// length, so that every position in it (a reject's column, a line's end) is the text's.
/// serde_json refuses such an escape in a string it reads (its whole record a reject); the
/// scanner reads it as U+FFFD, as a byte that is not UTF-8 is read ([`super::super::scan`]).
pub(in crate::ingest) fn lone_surrogates_mended(b: &[u8]) -> Option<Vec<u8>> {
    let mut mended: Option<Vec<u8>> = None;
    lone_surrogates(b, true, |at| {
        mended.get_or_insert_with(|| b.to_vec())[at + 2..at + 6].copy_from_slice(FFFD);
    });
    mended
}

/// The hex digits of U+FFFD's escape.
const FFFD: &[u8] = b"fffd";

/// Calls `lone(at)` for each `\u` escape at `at` in `b` of a lone surrogate (see
/// [`lone_surrogates_mended`]); returns where it stopped: the end of `b`, or with `!end` (more
/// text follows `b`) the start of an escape that the end of `b` may cut, which is looked at
/// again with the text after it.
fn lone_surrogates(b: &[u8], end: bool, mut lone: impl FnMut(usize)) -> usize {
    let hex = |at: usize| {
        let mut digits = b.get(at..at + 4)?.iter();
        digits.try_fold(0u32, |n, &c| Some(n << 4 | char::from(c).to_digit(16)?))
    };
    let low = |n: u32| (0xDC00..=0xDFFF).contains(&n);
    let mut i = 0;
    while let Some(p) = b.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let at = i + p;
        // A pair's two escapes take 12 bytes.
        if !end && at + 12 > b.len() {
            return at;
        }
        // Every backslash in JSON text starts an escape of two bytes or more (`\\ud83d` is a
        // backslash and text): escapes are followed from the first.
        i = at + 2;
        if b.get(at + 1) != Some(&b'u') {
            continue;
        }
        let Some(n) = hex(at + 2) else {
            continue;
        };
        i = at + 6;
        let alone = match n {
            0xD800..=0xDBFF => {
                let paired = b.get(at + 6..at + 8) == Some(b"\\u") && hex(at + 8).is_some_and(low);
                if paired {
                    i = at + 12;
                }
                !paired
            }
            n => low(n),
        };
        if alone {
            lone(at);
        }
    }
    b.len()
}

/// A document streamed through serde_json (see `document::stream`), which cannot read it
/// again, with its lone surrogates' escapes read as `\ufffd` ([`lone_surrogates_mended`]) as
/// its bytes pass: an escape that a read of the input cuts is held back for the next.
pub(in crate::ingest) struct MendingReader<R> {
    input: R,
    buf: Box<[u8]>,
    /// `buf[from..ready]` is mended and not yet given; `buf[ready..filled]`, an escape that
    /// may be cut, to be looked at with what follows it.
    from: usize,
    ready: usize,
    filled: usize,
    eof: bool,
}

impl<R: std::io::Read> MendingReader<R> {
    pub(in crate::ingest) fn new(input: R) -> Self {
        MendingReader {
            input,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            from: 0,
            ready: 0,
            filled: 0,
            eof: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for MendingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.from == self.ready {
            if self.eof {
                return Ok(0);
            }
            // What was held back moves to the front first: a read that fails (a gzip stream
            // cut short) leaves the reader whole, and one after it goes on from there.
            self.buf.copy_within(self.ready..self.filled, 0);
            (self.filled, self.ready, self.from) = (self.filled - self.ready, 0, 0);
            let n = self.input.read(&mut self.buf[self.filled..])?;
            self.eof = n == 0;
            self.filled += n;
            let buf = &mut self.buf[..self.filled];
            let mut at = Vec::new();
            self.ready = lone_surrogates(buf, self.eof, |a| at.push(a));
            for a in at {
                buf[a + 2..a + 6].copy_from_slice(FFFD);
            }
        }
        let n = out.len().min(self.ready - self.from);
        out[..n].copy_from_slice(&self.buf[self.from..self.from + n]);
        self.from += n;
        Ok(n)
    }
}

/// `parse(text)`, or when that fails and `text` holds a lone surrogate's escape, `parse` of a
/// copy with U+FFFD's for them ([`lone_surrogates_mended`]): a text that parses costs nothing
/// more. Looked for whatever the error, so that a text with other damage too is read as
/// [`reparse`] reads it (after a comma before a closing bracket, which serde names first, a
/// half emoji). What `parse` gives may not borrow from the text: the copy is gone after it.
pub(in crate::ingest) fn mending<T, E>(
    text: &[u8],
    mut parse: impl FnMut(&[u8]) -> Result<T, E>,
) -> Result<T, E> {
    let first = parse(text);
    if first.is_ok() {
        return first;
    }
    match lone_surrogates_mended(text) {
        Some(mended) => parse(&mended),
        None => first,
    }
}

/// [`mending`] for text already known to be UTF-8 (JSON text held in a string value, a CSV
/// cell): the copy only changes ASCII hex digits, so it is UTF-8 too.
pub(in crate::ingest) fn mending_str<T, E>(
    text: &str,
    mut parse: impl FnMut(&str) -> Result<T, E>,
) -> Result<T, E> {
    let first = parse(text);
    if first.is_ok() {
        return first;
    }
    match lone_surrogates_mended(text.as_bytes()).and_then(|m| String::from_utf8(m).ok()) {
        Some(mended) => parse(&mended),
        None => first,
    }
}
