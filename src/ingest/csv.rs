//! Portal "Export to CSV" files: header suffixes ` [UTC]` / ` [Local Time]`, RFC-4180 quoting,
//! CRLF, locale datetimes whose day/month order is inferred from the file's own values.
//!
//! A file is read here ([`read`]); the parts of its reading: where its header is and what its
//! columns hold (`header`), the day/month order learnt from its first rows (`order`), where its
//! blocks and ranges are cut (`cut`) by the one quote rule (`quotes`), a row split into its
//! fields (`fields`) and read into a record (`row`; a block's rows, `rows`), a quote left open
//! that took in the next row (`swallow`; followed past a block, `long`), and the headers of
//! exports joined with `cat` read in one pass (`joined`).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use std::cell::RefCell;

use indicatif::ProgressBar;

use super::blocks::{self, Blocks, Piece};
use super::ledger::Start;
use super::ranges::{self, Framing, Plain};
use super::{FileCtx, Input, Sink};
use crate::normalize::Field;

use cut::{first_block_cut, row_end_cut};
use header::{read_header, wanted_columns, HeaderRead};
use joined::Watched;
use order::{learn_order, OrderSearch};
use row::{has_code_column, Columns, Joined, Row};
use rows::rows;

pub(super) use cut::{CrAsLf, FRAMING};
pub(super) use header::{is_header, known_header, HEADER_LOOKAHEAD};
pub(super) use order::dates_said;

mod cut;
mod fields;
mod header;
mod joined;
mod long;
mod order;
mod quotes;
mod row;
mod rows;
mod swallow;

/// A CSV file read in parts of [`PART_FILL`] bytes by the worker that opened it, not in blocks
/// of [`blocks::BLOCK`]: 256 files of 4 MiB held a block each per worker. Where blocks are cut
/// decides what a damaged row costs (a quote left open moves the cut, a quoted field open at a
/// block's end is rejected) and which lines the day/month look-ahead sees; so the
/// first thing whose reading may depend on it sets `spoiled`, and the file is to be read again
/// in blocks. A file whose rows all split as [`split_row`] splits them (quotes paired, each
/// block valid UTF-8) is cut at the same row ends whatever the size of its blocks.
pub(super) struct Parts<'a> {
    pub(super) spoiled: &'a AtomicBool,
    /// The file again from its start, its byte-order mark dropped: the look-ahead reads in it
    /// the lines the first block would have held ([`order_ahead`]).
    pub(super) again: &'a dyn Fn() -> io::Result<Input>,
}

/// The bytes a part is filled to before it is cut (see [`Parts`]).
const PART_FILL: usize = 256 << 10;

/// Sets the flag of a reading in parts, if this is one.
fn spoil(spoiled: Option<&AtomicBool>) {
    if let Some(s) = spoiled {
        s.store(true, Ordering::Relaxed);
    }
}

/// Reads a CSV input. `plain`: the same file, when it is large enough to be read by ranges
/// after its header, and the progress bar they count on (the input does not count). `parts`:
/// the file is read in parts (see [`Parts`]); it is never large enough for ranges then.
pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    plain: Option<(&Plain<'_>, Option<&ProgressBar>)>,
    parts: Option<Parts<'_>>,
) -> io::Result<()> {
    let spoiled = parts.as_ref().map(|p| p.spoiled);
    // The input does not count on the progress bar: when the rows are read from it, the bar
    // counts the whole file before they are.
    let in_order = || {
        if let Some((plain, Some(bar))) = plain {
            bar.inc(plain.size);
        }
    };
    let mut blocks = Blocks::new(input, first_block_cut);
    if parts.is_some() {
        blocks = blocks.filling(PART_FILL);
    }
    let Some(first) = blocks.next() else {
        in_order();
        return Ok(());
    };
    let Piece::Block {
        data,
        start: 0,
        len,
        first_line: Start::Line(0),
        unterminated,
        ..
    } = first
    else {
        in_order();
        first_block_unread(first, blocks, ctx, make, spoiled);
        return Ok(());
    };
    let Some(HeaderRead {
        delim,
        end: header_end,
        width,
        names,
        sorted,
    }) = read_header(&data[..len], spoiled, ctx)?
    else {
        return Ok(());
    };
    blocks.cut_by(row_end_cut(delim));
    let known = names.known();

    // Whether the order is a guess (the first rows could not tell it): a later date that
    // tells the other has the reading dropped, where it can be, and done again in that order.
    let (guessed, mut guess_said) = match ctx.rules.order {
        Some(_) => (false, None),
        None => {
            let time_col = (names.fields.iter())
                .position(|f| matches!(f, Some(Field::Time | Field::LocalTime)));
            let search = OrderSearch::new(delim, width, time_col);
            let ahead = (&data[..len], header_end, blocks.pending());
            match learn_order(search, ahead, parts.as_ref(), plain.is_some(), ctx)? {
                Some(guess) => guess,
                None => {
                    spoil(spoiled);
                    return Ok(());
                }
            }
        }
    };

    let wanted = wanted_columns(&names.fields);
    let row = Row {
        delim,
        width,
        wanted: &wanted,
        message: names.message,
        properties: names.properties,
        sorted: &sorted,
        known,
        code_column: has_code_column(&wanted),
        spoiled,
        joined: Joined::Follow,
        crlf: data[..header_end].ends_with(b"\r\n"),
    };
    // Set when a header in another column order is met by ranges: the file is read in order.
    let switched = AtomicBool::new(false);
    let header_lines = blocks::newlines(&data[..header_end]);
    // A large plain file: its rows after the header by ranges.
    if let Some((&plain, progress)) = plain {
        if !blocks.finished() {
            let after_header = Plain {
                start: plain.start + header_end as u64,
                lines: header_lines,
                ..plain
            };
            // A piece cut at a newline whose last row is open: with even quotes before it, it
            // was cut inside a quoted field, a stray quote before it having turned the count
            // round (read in order, such a file loses fewer rows: a cut every 4 MiB, not every
            // 256 KiB, and the same ones as before); with odd ones, a quoted field stayed open
            // for a whole block, which the reading in order follows to its end
            // (`long::CsvBlocks`; a reject for each line of it, here).
            let doubt = AtomicBool::new(false);
            let by_ranges = Row {
                joined: Joined::Drop(&switched),
                ..row
            };
            let body = |b: &[u8], first_line, last: bool, c: &mut FileCtx<'_, S>| {
                // The reading is to be dropped: what is left of it need not be parsed (the
                // lines of a field over the cap, a reject each, had taken seconds).
                if doubt.load(Ordering::Relaxed) {
                    return 0;
                }
                // A date of the other day/month order than a guessed one is only noted: the
                // ranges' dates, all told, decide (`ranges::read_by`), as they do read in parts.
                let (lines, open) = rows(b, first_line, &by_ranges, &mut None, c);
                if open && !last || switched.load(Ordering::Relaxed) {
                    doubt.store(true, Ordering::Relaxed);
                }
                lines
            };
            let framing = (framing(delim), &doubt);
            let mut reading = ranges::read_by(&after_header, progress, ctx, make, framing, body);
            if reading == ranges::Reading::Told {
                // Their dates alone told the day/month order against the guess (which
                // `ranges::read_by` took back, and said): by ranges again, in that order, as a
                // run given it reads the file (in order, it had taken 3 times as long).
                guess_said = None;
                reading = ranges::read_by(&after_header, progress, ctx, make, framing, body);
            }
            if reading == ranges::Reading::Kept {
                if let Some(w) = guess_said {
                    ctx.order_guessed(w);
                }
                blocks::give_buffer(data);
                return Ok(());
            }
            // The ranges disagreed on where rows start or a header in another column order
            // was met (their dates may also have told the day/month order against the guess):
            // read in order (in that day/month order; each block after the other, past such
            // a header).
            if guessed && !ctx.rules.guessed {
                guess_said = None;
            }
        }
    }
    if let Some(w) = guess_said {
        ctx.order_guessed(w);
    }
    in_order();
    // Rows after the header, then every further block.
    let rest = Piece::Block {
        data,
        start: header_end,
        len,
        first_line: Start::Line(header_lines),
        unterminated,
        at: Default::default(),
    };
    // Read in order: past a header in another column order, its columns.
    let columns = RefCell::new(None);
    let ordered = |b: &[u8], first_line: u64, _: bool, _, c: &mut FileCtx<'_, S>| {
        rows(b, first_line, &row, &mut columns.borrow_mut(), c).0
    };
    // The first block is read here, before the next is read into a buffer of its own.
    blocks::process(rest, ctx, ordered);
    // A row whose quoted field stays open for a whole block is followed to its end there.
    let blocks = long::CsvBlocks::new(blocks, row, ctx.rules);
    if let Some(spoiled) = spoiled {
        // Parts, every one here, in order.
        for item in blocks {
            if spoiled.load(Ordering::Relaxed) {
                break;
            }
            let long::Item::Piece(piece @ Piece::Block { .. }) = item else {
                spoiled.store(true, Ordering::Relaxed);
                break;
            };
            blocks::process(piece, ctx, ordered);
        }
        return Ok(());
    }
    if ctx.joined || switched.load(Ordering::Relaxed) {
        // A header in another column order is in it: each block after the other, here.
        for item in blocks {
            long::process(item, ctx, ordered);
        }
        return Ok(());
    }
    // Every block on any worker, each read from the columns the last header before it gives
    // (found as the blocks are cut, in order).
    let watched = Watched {
        blocks,
        row,
        columns: None,
    };
    let work = |(item, start, end): (long::Item, Option<Columns>, Option<Columns>),
                c: &mut FileCtx<'_, S>| {
        long::process(item, c, |b, first_line, _, _, c| {
            let mut columns = start;
            let lines = rows(b, first_line, &row, &mut columns, c).0;
            if columns != end {
                // The rows of the blocks after it were read by other columns than its own
                // last header's (a header the look for them did not see as one starting a row).
                let w = format!("{}: a header in another column order inside it, before line {}, was not told apart in one pass: the rows after it may be read by another header's columns; split the file at it", c.name, first_line + lines + 1);
                c.warn(w);
            }
            lines
        });
    };
    blocks::rest_with(watched, ctx, make, work);
    Ok(())
}

/// A first block of [`read`] that failed to read or holds no whole row: reported. After a
/// first line over the cap, which names no known column, every line is a reject (they were
/// dropped uncounted), as after a first line of text that is not an export.
fn first_block_unread<S: Sink, M: Fn() -> S + Sync>(
    first: Piece,
    blocks: Blocks,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    spoiled: Option<&AtomicBool>,
) {
    spoil(spoiled);
    let too_large = matches!(first, Piece::TooLarge { .. });
    blocks::process(first, ctx, |_, _, _, _, _| 0);
    if !too_large || spoiled.is_some() {
        return;
    }
    let row = Row {
        delim: b',',
        width: 0,
        wanted: &[],
        message: None,
        properties: None,
        sorted: &[],
        known: false,
        code_column: false,
        spoiled: None,
        joined: Joined::Follow,
        crlf: false,
    };
    let body = |b: &[u8], first_line: u64, _: bool, _, c: &mut FileCtx<'_, S>| {
        rows(b, first_line, &row, &mut None, c).0
    };
    blocks::process_rest(blocks, ctx, make, body);
}

/// [`FRAMING`] for a file whose delimiter is `delim`: a line over the cap at whose newline a
/// quoted field is open, as the csv crate reads it, has the file read in order
/// ([`long::line_quotes`]).
fn framing(delim: u8) -> Framing {
    Framing {
        long_line: Some(long::line_quotes(delim)),
        ..FRAMING
    }
}

#[cfg(test)]
mod tests;
