//! The blocks of an array's elements: their newlines and commas counted, an element longer
//! than a block skipped to its end, one whose damage keeps its brackets open handed on as
//! damaged where the next element starts.

use std::io;

use serde::de::IgnoredAny;

use super::super::json::short_message;
use super::super::ledger::Start;
use super::super::structure::{next_element, signature, Signature, Walker};
use super::{newlines, read_more, ArrayAt, Blocks, Piece};

impl Blocks {
    /// Counts the newlines (for arrays) and the final comma of a block that is handed on;
    /// returns where it starts.
    pub(super) fn count(&mut self, block: &[u8]) -> ArrayAt {
        match &mut self.array {
            Some(n) => {
                let at = ArrayAt {
                    newlines: *n,
                    after_comma: self.comma,
                };
                *n += newlines(block);
                self.comma = block.last() == Some(&b',');
                at
            }
            None => ArrayAt::default(),
        }
    }

    /// After a skipped element, the comma that follows it (if the block starts with one) is
    /// read as whitespace, and the block is after a comma.
    pub(super) fn drop_comma_after_skip(&mut self, buf: &mut [u8]) {
        if !self.after_skip {
            return;
        }
        // Whitespace only: the comma may come in the next block.
        if let Some(k) = buf.iter().position(|c| !c.is_ascii_whitespace()) {
            self.after_skip = false;
            if buf[k] == b',' {
                buf[k] = b' ';
                self.comma = true;
            }
        }
    }

    /// Drops the rest of an array element longer than a block, `head` being its start,
    /// following strings and brackets across reads; keeps what follows it.
    pub(super) fn skip_element(&mut self, head: &[u8]) -> io::Result<()> {
        let mut skip = Walker::default();
        let mut chunk = head.to_vec();
        loop {
            if let Some(e) = skip.end(&chunk) {
                self.count(&chunk[..e]);
                self.carry = chunk[e..].to_vec();
                self.comma = false;
                self.after_skip = true;
                return Ok(());
            }
            self.count(&chunk);
            chunk.clear();
            if read_more(&mut self.r, &mut chunk, 1 << 16)? == 0 {
                self.done = true;
                return Ok(());
            }
        }
    }

    /// The element at `b[lead]`, `line` lines into the input, that fills the block `b` without
    /// a cut, as a damaged one when an element of its shape (else of the array's first) starts
    /// after it in the block: its brackets do not close (a lost brace or quote), and following
    /// them would take every element after it to the end of the input. Reading goes on at that
    /// element.
    pub(super) fn damaged(&mut self, b: &[u8], lead: usize, line: u64) -> Option<Piece> {
        let array_s = self
            .shape
            .clone()
            .filter(|s| b.get(lead) == Some(&s.opener()));
        // The first element of a shape that the element's own brackets do not hold: one
        // nested in it (a list of objects of the same first key) is part of a valid element
        // over the cap, not the next one. Where damage lost a brace the element is still open at
        // its own level there, or inside an object of its own, where a key would follow the
        // comma (a pretty-printed element cut off inside its `properties`); where it lost a
        // quote, inside a string.
        let next_of = |sig: Signature<'_>| {
            let mut walk = Walker::default();
            let mut from = lead;
            loop {
                let at = next_element(b, from + 1, b.len(), &sig)?;
                // Its brackets closed before: not this damage.
                walk.end(&b[from..at]).is_none().then_some(())?;
                let (depth, in_string) = walk.open();
                if in_string || depth <= 1 || walk.in_object() {
                    return Some(at);
                }
                from = at;
            }
        };
        let next = [signature(b, lead), array_s]
            .into_iter()
            .flatten()
            .find_map(next_of)?;
        let text = b[lead..next].trim_ascii_end();
        let e = serde_json::from_slice::<IgnoredAny>(text).err()?;
        let line = Start::Line(line + (e.line() as u64).saturating_sub(1));
        let head = b[lead..next.min(lead + 200)].to_vec();
        self.count(&b[..next]);
        self.carry = b[next..].to_vec();
        self.comma = false;
        self.after_skip = true;
        self.next_line += 1;
        Some(Piece::Damaged {
            line,
            index: self.next_line,
            head,
            why: short_message(&e),
        })
    }
}
