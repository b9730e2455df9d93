//! A document larger than a record that is no array read in parallel: streamed through the
//! serde visitors, each element handed on as it is read, within a budget between elements.

use std::io::{self, BufReader, Read};

use serde::de::DeserializeSeed;

use super::super::json::{short_message, Element, TopSeed};
use super::super::structure::MendingReader;
use super::super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use super::found::Found;

/// Any other document, streamed through the serde visitors, `lines` newlines into the input.
/// When `stand_in` is set the input is the rest of a document after its array of records
/// (read in parallel), behind a one-line stand-in head.
pub(super) fn stream<S: Sink>(
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
pub(super) const STREAM_BUDGET: u64 = (MAX_RECORD_BYTES as u64) + (2 << 20);

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
