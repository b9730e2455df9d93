//! The day/month order of a CSV file's locale dates, learnt from its first rows before the
//! rest is read ([`learn_order`]), and the warning that names the days a month-first guess
//! gives its rows ([`dates_said`]).

use std::io;

use super::super::blocks;
use super::super::{FileCtx, Input, Sink};
use super::fields::OddRows;
use super::quotes::{line_end, quotes};
use super::Parts;
use crate::normalize::DateOrder;
use crate::time::order_evidence;

/// Rows looked at, at most, to infer the day/month order before reading on.
const ORDER_LOOKAHEAD: usize = 10_000;
/// Bytes past the first block looked at for it, at most.
const LOOKAHEAD_BYTES: usize = 1 << 20;

/// Looks ahead, in the first block (`block`, its header ending at `header_end`, and `pending`,
/// the bytes read past its cut), for a value that tells the day/month order: line by line, each
/// read on its own, so that a damaged row (a quote left open) cannot hide the rows after it;
/// read in parts, in the lines the first block would have held. Sets the order told, else
/// month-first; returns whether that is a guess, and the warning that says so where the dates
/// cannot tell it (read `by_ranges`, it is held, to be said once the reading is kept: a later
/// date may drop it). `None`, read in parts, when a line may lie past the look-ahead's reach
/// ([`order_ahead`]).
pub(super) fn learn_order<S: Sink>(
    mut search: OrderSearch,
    (block, header_end, pending): (&[u8], usize, &[u8]),
    parts: Option<&Parts<'_>>,
    by_ranges: bool,
    ctx: &mut FileCtx<'_, S>,
) -> io::Result<Option<(bool, Option<String>)>> {
    if let Some(parts) = parts {
        // The lines the first block would have held, read again a line at a time.
        match order_ahead((parts.again)()?, header_end, search)? {
            Some(s) => search = s,
            None => return Ok(None),
        }
    } else {
        // The rows of the first block, and those read past its cut: a quote left open in the
        // first row makes the first block the header alone. The block is cut after a newline
        // (else nothing was read past it), so no line runs from one into the other.
        let past = &pending[..pending.len().min(LOOKAHEAD_BYTES)];
        debug_assert!(past.is_empty() || block.ends_with(b"\n"));
        for part in [&block[header_end..], past] {
            let mut p = 0;
            while p < part.len() {
                let end = line_end(part, p);
                if !search.look(&part[p..end]) {
                    break;
                }
                p = end;
            }
        }
    }
    let mut said = None;
    if search.found.is_none() && search.seen_locale {
        // Which days the guess puts the records on (rev65a F2: a night on the 3rd of a month
        // day-first had gone to another month, a day of the history, without a word of it).
        let w = match search.dates_said() {
            dates if dates.is_empty() => format!(
                "{}: cannot tell the day/month order of its dates; read them month-first (pass --date-order)",
                ctx.name
            ),
            dates => format!(
                "{}: cannot tell the day/month order of its dates; read them month-first{dates}",
                ctx.name
            ),
        };
        if by_ranges {
            said = Some(w);
        } else {
            ctx.order_guessed(w);
        }
    }
    ctx.rules.order = Some(search.found.unwrap_or(DateOrder::Mdy));
    ctx.rules.guessed = search.found.is_none();
    Ok(Some((search.found.is_none(), said)))
}

/// The search of [`read`] for a value that tells the day/month order, over a file's first
/// lines: each read on its own, so that a damaged row (a quote left open) cannot hide the rows
/// after it.
pub(super) struct OrderSearch {
    width: usize,
    time_col: Option<usize>,
    /// One reader for every line: building one (its state machine) for each made a file
    /// whose dates never tell the order (ISO, ja-JP) cost a tenth of a second.
    odd: OddRows,
    /// Lines looked at.
    taken: usize,
    /// A time with a `/` that did not tell the order.
    seen_locale: bool,
    found: Option<DateOrder>,
    /// The dates of those times read month-first and day-first, the first [`DATES_NAMED`]
    /// distinct, and whether there were more: the warning says which days a guess puts the
    /// records on, and which the other order would.
    dates: (Vec<(chrono::NaiveDate, chrono::NaiveDate)>, bool),
}

/// Distinct dates the guessed order's warning names.
const DATES_NAMED: usize = 3;

impl OrderSearch {
    pub(super) fn new(delim: u8, width: usize, time_col: Option<usize>) -> OrderSearch {
        OrderSearch {
            width,
            time_col,
            odd: OddRows::new(delim),
            taken: 0,
            seen_locale: false,
            found: None,
            dates: (Vec::new(), false),
        }
    }

    /// Looks at the next line, unless the search is over (an order found, or
    /// [`ORDER_LOOKAHEAD`] lines looked at); returns whether it goes on.
    fn look(&mut self, line: &[u8]) -> bool {
        if self.over() {
            return false;
        }
        self.taken += 1;
        let (one, _) = self.odd.read(line);
        if one && self.odd.len() == self.width {
            if let Some(c) = self.time_col {
                let v = String::from_utf8_lossy(self.odd.field(c));
                let undecided = match order_evidence(&v) {
                    Some(DateOrder::Ymd) => None,
                    Some(o) => {
                        self.found = Some(o);
                        None
                    }
                    None => v.contains('/').then(|| v.into_owned()),
                };
                if let Some(v) = undecided {
                    self.seen_locale = true;
                    self.date_seen(&v);
                }
            }
        }
        !self.over()
    }

    fn over(&self) -> bool {
        self.found.is_some() || self.taken >= ORDER_LOOKAHEAD
    }

    /// Keeps the date of a time that does not tell the order, read both ways.
    fn date_seen(&mut self, v: &str) {
        let read = |o| crate::time::parse_locale(v, o).map(|t| t.date());
        let (Some(mdy), Some(dmy)) = (read(DateOrder::Mdy), read(DateOrder::Dmy)) else {
            return;
        };
        let (dates, more) = &mut self.dates;
        if !dates.contains(&(mdy, dmy)) {
            match dates.len() < DATES_NAMED {
                true => dates.push((mdy, dmy)),
                false => *more = true,
            }
        }
    }

    /// The dates a month-first guess gives the rows, and those day-first would:
    /// `, which dates its rows 2026-03-11 (day-first: 2026-11-03), ...`; empty when none was
    /// read.
    fn dates_said(&self) -> String {
        let (dates, more) = &self.dates;
        dates_said(dates, *more)
    }
}

/// The dates a month-first guess gives a file's rows (`dates`, each read month-first and
/// day-first; `more`: there were other dates): `, which dates its rows 2026-03-11 (day-first:
/// 2026-11-03), ...`; empty when none was read. Said of CSV and of the portal grid's JSON.
pub(in crate::ingest) fn dates_said(
    dates: &[(chrono::NaiveDate, chrono::NaiveDate)],
    more: bool,
) -> String {
    if dates.is_empty() {
        return String::new();
    }
    let more = if more { " and more" } else { "" };
    let list = |f: fn(&(chrono::NaiveDate, chrono::NaiveDate)) -> chrono::NaiveDate| {
        let days: Vec<String> = dates.iter().map(|d| f(d).to_string()).collect();
        format!("{}{more}", days.join(", "))
    };
    format!(
        ", which dates its rows {} (day-first: {}), the days the reports put its records on; a --history run stores those days as partial, never a baseline (the guess may have made them up); pass --date-order dmy if they are day-first, mdy if month-first: a re-run with it stores its days whole",
        list(|d| d.0),
        list(|d| d.1)
    )
}

/// The look-ahead of [`read`] over a file read in blocks, made from `input` (the file from its
/// start, its byte-order mark dropped) a line at a time, its header ending at `header_end`:
/// the lines of the first block and those of the [`LOOKAHEAD_BYTES`] read past its cut (the
/// last one cut where they end), without holding them. `None` when a line may lie past that
/// reach, which only the block's cut (the last newline outside quotes in its
/// [`blocks::BLOCK`] bytes) tells: a quote left open for over [`LOOKAHEAD_BYTES`], or no
/// newline outside quotes in the whole block.
fn order_ahead(
    input: Input,
    header_end: usize,
    mut search: OrderSearch,
) -> io::Result<Option<OrderSearch>> {
    use io::{BufRead, Read};
    let block = blocks::BLOCK;
    // One byte past the block tells that the input goes on after it.
    let mut r = io::BufReader::with_capacity(64 << 10, input.take(block as u64 + 1));
    let mut line = Vec::new();
    let (mut pos, mut quotes) = (0, 0);
    // The last newline outside quotes so far: the block's cut is at it or after it.
    let mut cut = None;
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            // The input ends within the block: handed on whole, every line in it.
            return Ok(Some(search));
        }
        let start = pos;
        pos += n;
        if pos > block {
            // The line the block's end cuts: the cut is known now.
            let Some(cut) = cut else {
                return Ok(None);
            };
            let end = block.min(cut + 1 + LOOKAHEAD_BYTES);
            if (header_end..end).contains(&start) {
                search.look(&line[..end - start]);
            }
            return Ok(Some(search));
        }
        quotes += self::quotes(&line);
        if line.ends_with(b"\n") && quotes % 2 == 0 {
            cut = Some(pos - 1);
        }
        if start < header_end {
            continue;
        }
        if cut.is_none_or(|c| pos > c + 1 + LOOKAHEAD_BYTES) {
            return Ok(None);
        }
        if !search.look(&line) {
            return Ok(Some(search));
        }
    }
}
