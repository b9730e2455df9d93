//! Pieces handed on to be read: a block to its reader, and its buffer back to the pool, or
//! what went wrong reported ([`process`]); the rest of an input's pieces in parallel
//! ([`process_rest`], [`rest_with`]).

use super::super::ledger::{from, read_error};
use super::super::{FileCtx, Sink};
use super::pool::give_buffer;
use super::{ArrayAt, Blocks, Piece};
use crate::normalize::Reason;
use crate::record::At;

/// Pieces of an input in their order, which can say whether the input is read to its end.
pub(in crate::ingest) trait Ordered: Iterator<Item: Send> + Send {
    fn finished(&self) -> bool;
}

impl Ordered for Blocks {
    fn finished(&self) -> bool {
        Blocks::finished(self)
    }
}

/// The rest of an input's blocks, after those read where it is read: the next one read there
/// too when it ends the input (handing it to the workers would make and merge a sink per worker
/// for it, and a worker that waits for the others takes another file meanwhile, with a block of
/// its own), else every one in parallel.
pub(in crate::ingest) fn process_rest<S: Sink, M: Fn() -> S + Sync>(
    blocks: Blocks,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    body: impl Fn(&[u8], u64, bool, ArrayAt, &mut FileCtx<'_, S>) -> u64 + Sync,
) {
    rest_with(blocks, ctx, make, |piece, c| process(piece, c, &body));
}

/// [`process_rest`] of any [`Ordered`] pieces, each handed to `work`.
pub(in crate::ingest) fn rest_with<P, S, M, W>(
    mut pieces: P,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    work: W,
) where
    P: Ordered,
    S: Sink,
    M: Fn() -> S + Sync,
    W: Fn(P::Item, &mut FileCtx<'_, S>) + Sync,
{
    let Some(second) = pieces.next() else {
        return;
    };
    if pieces.finished() {
        work(second, ctx);
        return;
    }
    super::super::in_parallel(std::iter::once(second).chain(pieces), ctx, make, work);
}

/// Hands a block to `body` (its bytes, the units before it, whether the input ended without a
/// newline after it, where it starts in an array) and returns its buffer to the pool, or
/// reports what went wrong. `body` returns the lines it read: they count for the pieces after
/// it when the reader did not count them ([`Start::Seq`]; `body` is then given 0 lines before
/// it, and its rejects are held until the lines before it are known).
pub(in crate::ingest) fn process<S: Sink>(
    piece: Piece,
    ctx: &mut FileCtx<'_, S>,
    body: impl FnOnce(&[u8], u64, bool, ArrayAt, &mut FileCtx<'_, S>) -> u64,
) {
    match piece {
        Piece::Block {
            data,
            start,
            len,
            first_line,
            unterminated,
            at,
        } => {
            from(first_line, ctx, |n, c| {
                body(&data[start..len], n, unterminated, at, c)
            });
            give_buffer(data);
        }
        Piece::TooLarge { line, head } | Piece::Long { line, head } => from(line, ctx, |n, c| {
            c.reject_too_large(n + 1, &head);
            1
        }),
        Piece::Damaged {
            line,
            index,
            head,
            why,
        } => from(line, ctx, |n, c| {
            let head = String::from_utf8_lossy(&head).into_owned();
            c.reject(At::record(n + 1, index), Reason::BadDocument, why, head);
            1
        }),
        Piece::Error { line, error } => read_error(line, &error, ctx),
    }
}
