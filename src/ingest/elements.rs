//! The elements of a JSON array, the one large array of a document (a top-level array, the
//! `records` of a blob, the `rows` of a query API table, a batch on one line): cut into blocks
//! of whole elements read in parallel, each element by the fast scanner or else the serde
//! visitors. A damaged element costs that element: where the next one starts is found by the
//! shape of the elements around it, and the debris of a stray `]` is part of the damage.
//!
//! An array is read here ([`read_array`]); the parts of its reading: the head that opens it
//! (`heads`, read by `tokens`; its table's damaged columns, `mend`; columns after the rows,
//! `columns_first`; an object that wraps records, `members`), where its blocks are cut (`cut`),
//! a block's elements read (`block`), and what a damaged one costs: a bracket between
//! elements (`closers`), the indentation of a pretty-printed array (`pretty`), an element
//! that lost its opener (`lost`), the rejects and where the elements go on (`damaged`).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::blocks::{self, ArrayAt, Blocks, Prefixed, Rest};
use super::structure::{signature, Signature};
use super::{FileCtx, Sink};

use cut::{
    last_element_end, last_element_end_top, last_row_end, part_end, part_end_top, part_row_end,
};

pub(super) use block::elements;
pub(super) use columns_first::columns_first;
pub(super) use heads::{
    envelope, frames, next_table, rows_first, table_at, table_rows_first, warn_mended, Head, Items,
};
pub(super) use members::{member, wrapper_head, Member};

mod block;
mod closers;
mod columns_first;
mod cut;
mod damaged;
mod heads;
mod lost;
mod members;
mod mend;
mod pretty;
mod tokens;

/// An array read to its closing `]`.
pub(super) struct Array {
    /// Newlines in the input up to its `]`.
    pub(super) lines: u64,
    /// The input after its `]`.
    pub(super) rest: Rest,
    /// The input was read to its end (when known).
    pub(super) eof: bool,
}

/// The elements of an array after its `[`, `lines` newlines into the input, in blocks of
/// whole elements read in parallel (an array whose `]` comes in its first [`IN_PLACE`] bytes,
/// where it is read, as its one block); the array, unless the input ends before its `]`.
///
/// With `parts`, they are read where the input is read, in parts of [`PART_FILL`] bytes, not
/// blocks of 4 MiB (a worker reading documents of 4 MiB by the hundred held a block each). The
/// blocks' cuts decide what a damaged element costs (the elements before it in its block show
/// where the next starts), and parts are cut elsewhere: the first thing whose reading may
/// depend on the cuts (an element the serde visitors reject or mend or that runs to the part's
/// end, a stray or missing comma, a stray bracket, a read error, an element over a block) sets
/// `parts`, and the reading stops with an error, so
/// that the caller reads the input again in blocks. Until then every element is read as it
/// would be in any block: the same records, rejects and warnings. (One premise, as for blocks:
/// the fast scanner, used for a block or part of valid UTF-8, and the serde visitors, used
/// for the others, read an element both take alike; a byte that is not UTF-8 in a field not
/// read takes a part to the serde visitors, and its 4 MiB block before.)
pub(super) fn read_array<S: Sink, M: Fn() -> S + Sync>(
    mut input: Prefixed,
    items: &Items,
    top: bool,
    lines: u64,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    parts: Option<&AtomicBool>,
) -> io::Result<Option<Array>> {
    let (cut, part_cut): (blocks::Cut, blocks::Cut) = match (top, items) {
        (true, _) => (last_element_end_top, part_end_top),
        (false, Items::Records) => (last_element_end, part_end),
        (false, Items::Rows(..)) => (last_row_end, part_row_end),
    };
    // The shape of its first element, from exactly its first 1 KiB, however the input reads.
    let head = input.peek(1024)?;
    let shape = shape(&head[..head.len().min(1024)]);
    let end = End::default();
    let of = Of {
        items,
        top,
        one_line: None,
        shape: &shape,
        spoiled: parts,
    };
    // A small array, whose `]` is among its first bytes, is read here as its one block would
    // be: documents one after another by the thousand (Event Hubs messages joined by `cat`)
    // would each fill a block of 4 MiB with the documents after it and hand it to the workers.
    let window = input.peek(IN_PLACE)?;
    let window = &window[..window.len().min(IN_PLACE)];
    if let Some(p) = closed_in(window, window.len() < IN_PLACE, cut) {
        let start = ArrayAt {
            newlines: lines,
            after_comma: false,
        };
        // Where the elements close may come before the cut's `]`, when a row that lost its
        // own `]` hid it from the cut.
        let close = elements(&window[..=p], 0, start, &of, &end, ctx).unwrap_or(p);
        let lines = lines + blocks::newlines(&window[..=close]);
        if end.closed.load(Ordering::Relaxed) {
            let eof = input.at_end();
            let rest = input.into_rest(close + 1);
            return Ok(Some(Array { lines, rest, eof }));
        }
        if !end.truncated.load(Ordering::Relaxed) {
            unclosed(ctx, lines);
        }
        return Ok(None);
    }
    let mut blocks = Blocks::prefixed(input, cut)
        .array(lines)
        .shaped(shape.clone());
    let work = |piece, c: &mut FileCtx<'_, S>| {
        if parts.is_some() && !matches!(piece, blocks::Piece::Block { .. }) {
            spoils(parts);
            return;
        }
        blocks::process(piece, c, |b, first, _, at, c| {
            let close = elements(b, first, at, &of, &end, c);
            if let Some(close) = close.filter(|&p| p + 1 < b.len()) {
                let lines = at.newlines + blocks::newlines(&b[..=close]);
                if let Ok(mut after) = end.after.lock() {
                    *after = Some((lines, b[close + 1..].to_vec()));
                }
            }
            0
        })
    };
    match parts {
        Some(spoiled) => {
            blocks = blocks.parts(part_cut, PART_FILL);
            let pieces = blocks
                .by_ref()
                .take_while(|_| !spoiled.load(Ordering::Relaxed));
            super::in_order(pieces, ctx, make, work);
            if spoiled.load(Ordering::Relaxed) {
                return Err(io::Error::other("read again in blocks"));
            }
        }
        None => super::in_parallel(&mut blocks, ctx, make, work),
    }
    let after = end.after.lock().ok().and_then(|mut a| a.take());
    if let Some((lines, tail)) = after.filter(|_| !blocks.failed()) {
        let then: super::Input = Box::new(blocks.rest());
        let rest = io::Read::chain(io::Cursor::new(tail), then);
        return Ok(Some(Array {
            lines,
            rest,
            eof: false,
        }));
    }
    if end.closed.load(Ordering::Relaxed) && !blocks.failed() {
        return Ok(Some(Array {
            lines: blocks.newlines_read(),
            rest: blocks.rest(),
            eof: false,
        }));
    }
    // A read error was reported as such, an element cut off by the end as truncated; a
    // document that only lacks its closing bracket (copied from a page) loses nothing.
    if !blocks.failed() && !end.truncated.load(Ordering::Relaxed) {
        unclosed(ctx, blocks.newlines_read());
    }
    Ok(None)
}

/// Warns that the document ends `lines` newlines into the input without its array's `]`.
fn unclosed<S: Sink>(ctx: &mut FileCtx<'_, S>, lines: u64) {
    let w = format!(
        "{}: the document ends at line {} without its array's closing ]; every record in it was read",
        ctx.name,
        lines + 1
    );
    ctx.warn(w);
}

/// Bytes of an array looked at for its `]`, to read it in place (see [`read_array`]).
const IN_PLACE: usize = 32 << 10;

/// Where the array of elements `window` (the input ended after it when `eof`) is closed, by
/// `cut`, when that is its `]` and the bytes after it in `window` are enough to tell that the
/// `]` is not a stray one: the cut a block of 4 MiB would have there.
fn closed_in(window: &[u8], eof: bool, cut: blocks::Cut) -> Option<usize> {
    let (p, _) = cut(window)?;
    if window[p] != b']' {
        return None;
    }
    // A `]` is told from a stray one by what follows it (see [`stray_closer`]).
    let next = window[p + 1..]
        .iter()
        .position(|c| !c.is_ascii_whitespace());
    let told = match next {
        None => eof,
        Some(n) => eof || p + 1 + n + KEY_LOOK < window.len(),
    };
    told.then_some(p)
}

/// Bytes after a `]`'s next character that [`closed_in`] wants in the window: a key after a
/// comma (see [`key_follows`]) is far shorter.
const KEY_LOOK: usize = 1024;

/// Bytes of an array's part (see [`read_array`]), as many as the blocks of a file of JSON Lines
/// that is read where it is opened.
const PART_FILL: usize = 256 << 10;

/// The shape ([`signature`]) of the first element of array elements `b`.
pub(super) fn shape(b: &[u8]) -> Option<Signature<'static>> {
    let at = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    signature(b, at).map(Signature::into_owned)
}

/// How the array ended, as the workers saw it.
#[derive(Default)]
pub(super) struct End {
    /// Its closing `]` was read.
    pub(super) closed: AtomicBool,
    /// An element was cut off by the end of the input (and reported).
    pub(super) truncated: AtomicBool,
    /// The array closed inside a block, before its end (a row that lost its `]` hid the
    /// array's from the cut): the newlines up to its `]`, and what follows it in the block, the
    /// rest of the document with what follows the block.
    after: Mutex<Option<(u64, Vec<u8>)>>,
}

/// What array the elements are of.
#[derive(Clone, Copy)]
pub(super) struct Of<'a> {
    pub(super) items: &'a Items,
    /// A top-level array (another document may follow its `]` directly).
    pub(super) top: bool,
    /// A document on one line of JSON Lines: its records are reported at that line.
    pub(super) one_line: Option<u64>,
    /// The first bytes of the array's first element ([`signature`]): where a damaged element
    /// starts a block, no element before it in the block shows the shape of the next.
    pub(super) shape: &'a Option<Signature<'static>>,
    /// Read in parts ([`read_array`]'s `parts`): set, and the block left, at the first thing
    /// whose reading may depend on where blocks are cut.
    pub(super) spoiled: Option<&'a AtomicBool>,
}

/// Whether the elements are read in parts, which this (the first thing whose reading may
/// depend on where blocks are cut) spoils: then said, and the block is left.
fn spoils(spoiled: Option<&AtomicBool>) -> bool {
    spoiled
        .inspect(|s| s.store(true, Ordering::Relaxed))
        .is_some()
}
