//! Portal "Export to CSV" files: header suffixes ` [UTC]` / ` [Local Time]`, RFC-4180 quoting,
//! CRLF, locale datetimes whose day/month order is inferred from the file's own values.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use std::borrow::Cow;
use std::cell::RefCell;

use csv::{ByteRecord, ReaderBuilder};
use foldhash::HashMap;
use indicatif::ProgressBar;

use super::blocks::{self, Blocks, Piece};
use super::json::Column;
use super::ledger::Start;
use super::ranges::{self, Framing, Plain};
use super::stops::Stops;
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{strip_header_suffix, Context, DateOrder, Field, Raw, Reason, Val};
use crate::record::At;
use crate::time::{order_evidence, TimeRules};

/// Rows looked at, at most, to infer the day/month order before reading on.
const ORDER_LOOKAHEAD: usize = 10_000;
/// Bytes past the first block looked at for it, at most.
const LOOKAHEAD_BYTES: usize = 1 << 20;

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

/// The blocks of a CSV file read in one pass, each with the columns its rows are read by from
/// its start (`None`: the file's header's), and those after it: a header in another column
/// order inside the file (exports joined with `cat`) has the rows after it read by its columns
/// on whichever worker reads them, as in a file read in order.
struct Watched<'r> {
    blocks: long::CsvBlocks<'r>,
    row: Row<'r>,
    /// The columns after the blocks handed on so far.
    columns: Option<Columns>,
}

impl blocks::Ordered for Watched<'_> {
    fn finished(&self) -> bool {
        self.blocks.finished()
    }
}

impl Iterator for Watched<'_> {
    type Item = (long::Item, Option<Columns>, Option<Columns>);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.blocks.next()?;
        let start = self.columns.clone();
        if let long::Item::Piece(Piece::Block {
            data,
            start: s,
            len,
            ..
        }) = &item
        {
            self.columns = columns_after(&data[*s..*len], &self.row, start.clone());
        }
        Some((item, start, self.columns.clone()))
    }
}

/// The columns the rows after the rows of `b` are read by, read in order from `columns` (those
/// at its start; `None`, the file's header's): those of the last header in another column order
/// that starts a row in it, as [`Row::header_again`] finds it, looked for without reading the
/// rows. A line is read as a header only when two of its cells (split at every delimiter, quotes
/// or not) name known columns, as a header's do (one, when the file's header names one only:
/// [`Row::names_needed`]), and the quotes before it in `b` pair up (it
/// starts a row; a block starts a row). A header is never a record, so the rows read take it
/// for one whatever the columns they are read by.
fn columns_after(b: &[u8], row: &Row<'_>, mut columns: Option<Columns>) -> Option<Columns> {
    if !row.known {
        return columns;
    }
    let (mut quotes, mut line, mut cell, mut named) = (0usize, 0, 0, 0);
    let mut at_row = true;
    let needed = row.names_needed();
    let look = |line: &[u8], named: usize, columns: &mut Option<Columns>| {
        if named >= needed {
            if let Some(c) = header_in(line, &row.with(columns.as_ref())) {
                *columns = Some(c);
            }
        }
    };
    for i in memchr::memchr3_iter(row.delim, b'\n', b'"', b) {
        if b[i] == b'"' {
            quotes += 1;
            continue;
        }
        if at_row && named < 2 && names_a_column(&b[cell..i]) {
            named += 1;
        }
        cell = i + 1;
        if b[i] == b'\n' {
            if at_row {
                look(&b[line..i], named, &mut columns);
            }
            at_row = quotes % 2 == 0;
            (line, named) = (i + 1, 0);
        }
    }
    if at_row && line < b.len() {
        named += usize::from(named < 2 && names_a_column(&b[cell..]));
        look(&b[line..], named, &mut columns);
    }
    columns
}

/// A header name without the byte-order mark a file joined after another starts with.
fn unmarked(name: &[u8]) -> &[u8] {
    name.strip_prefix("\u{feff}".as_bytes()).unwrap_or(name)
}

/// Whether a cell of a line, split at every delimiter, may be a header's name of a known column
/// (the test of [`columns_after`]): its quotes, a byte-order mark and a CR around it dropped.
fn names_a_column(cell: &[u8]) -> bool {
    let c = cell.strip_suffix(b"\r").unwrap_or(cell);
    let c = c
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(c)
        .trim_ascii();
    let c = (c.strip_prefix(b"\"").and_then(|c| c.strip_suffix(b"\""))).unwrap_or(c);
    // Every name starts with a letter or `_` (a time or a number with a digit), and the
    // longest, with its ` [Local Time]`, is under 64 bytes.
    if !(4..=64).contains(&c.len()) || !(c[0].is_ascii_alphabetic() || c[0] == b'_') {
        return false;
    }
    let Ok(name) = std::str::from_utf8(c) else {
        return false;
    };
    let (name, _) = strip_header_suffix(name);
    !matches!(
        super::json::column(name),
        Column::Other | Column::Properties
    )
}

/// The columns of `line`, when it is a header in another column order than `row`'s.
fn header_in(line: &[u8], row: &Row<'_>) -> Option<Columns> {
    let mut fields = ByteRecord::new();
    reader(line, row.delim).read_byte_record(&mut fields).ok()?;
    match row.named(&fields) {
        Named::Other(columns, _) => Some(columns),
        Named::Same | Named::No => None,
    }
}

/// Looks ahead, in the first block (`block`, its header ending at `header_end`, and `pending`,
/// the bytes read past its cut), for a value that tells the day/month order: line by line, each
/// read on its own, so that a damaged row (a quote left open) cannot hide the rows after it;
/// read in parts, in the lines the first block would have held. Sets the order told, else
/// month-first; returns whether that is a guess, and the warning that says so where the dates
/// cannot tell it (read `by_ranges`, it is held, to be said once the reading is kept: a later
/// date may drop it). `None`, read in parts, when a line may lie past the look-ahead's reach
/// ([`order_ahead`]).
fn learn_order<S: Sink>(
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

/// The header [`read`] found in the first block.
struct HeaderRead {
    delim: u8,
    /// Where the line after it starts.
    end: usize,
    /// Its columns.
    width: usize,
    names: Names,
    /// Its names, sorted, when it names one known column only ([`Row::sorted`]).
    sorted: Vec<Vec<u8>>,
}

/// Finds and reads the header in the first block `b`: the first line that names a known
/// column, among the first few. Blank lines and Excel's `sep=;` line before it cost nothing,
/// other text before it a reject a line; a header that names no known column is one reject
/// (not an export). `None` when the file, read in parts, is to be read again in blocks.
fn read_header<S: Sink>(
    b: &[u8],
    spoiled: Option<&AtomicBool>,
    ctx: &mut FileCtx<'_, S>,
) -> io::Result<Option<HeaderRead>> {
    let head = find_header(b);
    for &(p, line) in &head.junk {
        let end = line_end(b, p);
        let text = String::from_utf8_lossy(b[p..end].trim_ascii()).into_owned();
        let why = "text before the CSV header".into();
        ctx.reject(line, Reason::NotARecord, why, text);
    }
    let (delim, start) = (head.delim, head.start);
    // A quote left open in the header must not take the rows after it.
    let end = line_end(b, start);
    let mut headers = ByteRecord::new();
    reader(&b[start..end], delim)
        .read_byte_record(&mut headers)
        .map_err(io::Error::other)?;
    let names = header_fields(&headers);
    let known = names.known();
    // Text that is not an export, or a quote left open before the rows, moves the cuts.
    if spoiled.is_some() && (!known || !quotes_balanced(&b[..end])) {
        spoil(spoiled);
        return Ok(None);
    }
    if !known {
        // Not an export (text, a binary file that detection took for CSV): its first line and
        // every row after it are rejects, not rows without a record's fields to skip.
        let text = String::from_utf8_lossy(b[start..end].trim_ascii());
        ctx.reject(
            blocks::newlines(&b[..start]) + 1,
            Reason::NotARecord,
            "not an export: its first line names no known column".into(),
            text.into_owned(),
        );
    } else if names.message.is_none()
        && !(names.fields.iter())
            .any(|f| matches!(f, Some(Field::ResultCode | Field::ResultSignature)))
    {
        // A cell of JSON (a custom table's dynamic column) may hold a record with its code.
        let w = format!(
            "{}: its header has no ResultCode or ResultSignature column: only rows that keep a record as JSON in a cell give one",
            ctx.name
        );
        ctx.warn(w);
    }
    // Two columns of one code (a column copied, exports joined side by side): the first is
    // read, and said, since the other may hold what was meant.
    for f in [
        Field::ResultCode,
        Field::ResultSubcode,
        Field::ResultSignature,
    ] {
        let cols: Vec<usize> = (names.fields.iter().enumerate())
            .filter(|(_, g)| **g == Some(f))
            .map(|(i, _)| i)
            .collect();
        if let [first, rest @ ..] = &cols[..] {
            if !rest.is_empty() {
                let name = |i: usize| crate::text::line(&String::from_utf8_lossy(&headers[i]));
                let others: Vec<String> = rest
                    .iter()
                    .map(|&i| format!("{} ({})", i + 1, name(i)))
                    .collect();
                ctx.warn(format!(
                    "{}: column {} ({}) and column {} name the same field: the first is read",
                    ctx.name,
                    first + 1,
                    name(*first),
                    others.join(", ")
                ));
            }
        }
    }
    if names.local {
        ctx.local_times = true;
        ctx.local_time_warning();
    }
    let sorted = if wanted_columns(&names.fields).len() + usize::from(names.message.is_some()) < 2 {
        let mut sorted: Vec<Vec<u8>> = headers.iter().map(|h| unmarked(h).to_vec()).collect();
        sorted.sort_unstable();
        sorted
    } else {
        Vec::new()
    };
    Ok(Some(HeaderRead {
        delim,
        end,
        width: headers.len(),
        names,
        sorted,
    }))
}

/// The search of [`read`] for a value that tells the day/month order, over a file's first
/// lines: each read on its own, so that a damaged row (a quote left open) cannot hide the rows
/// after it.
struct OrderSearch {
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
    fn new(delim: u8, width: usize, time_col: Option<usize>) -> OrderSearch {
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
pub(super) fn dates_said(dates: &[(chrono::NaiveDate, chrono::NaiveDate)], more: bool) -> String {
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

/// Where the header of a CSV file is and what comes before it.
struct Header {
    /// Offset of the header line.
    start: usize,
    delim: u8,
    /// Lines before it that are neither blank nor `sep=` nor PowerShell's `#TYPE`: (offset,
    /// line number).
    junk: Vec<(usize, u64)>,
}

/// Lines looked at, at most, for the header.
pub(super) const HEADER_LOOKAHEAD: usize = 10;

/// The header of the CSV text `b`: the first of its first lines that names a known column,
/// else its first line that is not blank. A `sep=X` line (Excel's delimiter hint) gives the
/// delimiter; a first `#TYPE ...` line (Windows PowerShell 5.1's `Export-Csv`) is passed over.
fn find_header(b: &[u8]) -> Header {
    let mut sep = None;
    let mut junk = Vec::new();
    let mut first_text = None;
    let mut p = 0;
    for line in 1..=HEADER_LOOKAHEAD as u64 {
        if p >= b.len() {
            break;
        }
        let end = line_end(b, p);
        let text = b[p..end].trim_ascii();
        if let Some(d) = text.strip_prefix(b"sep=").filter(|d| d.len() == 1) {
            sep = Some(d[0]);
        } else if text.starts_with(b"#TYPE ") && first_text.is_none() {
            // Windows PowerShell 5.1's `Export-Csv` names the objects' type first.
        } else if !text.is_empty() {
            first_text.get_or_insert((p, junk.len()));
            let delim = sep.unwrap_or_else(|| delimiter(&b[p..]));
            let mut headers = ByteRecord::new();
            let names = reader(&b[p..end], delim)
                .read_byte_record(&mut headers)
                .is_ok_and(|_| header_fields(&headers).known());
            if names {
                return Header {
                    start: p,
                    delim,
                    junk,
                };
            }
            junk.push((p, line));
        }
        p = end;
    }
    // No line names a known column: the first with text is taken as the header.
    let (start, before) = first_text.unwrap_or((0, 0));
    junk.truncate(before);
    Header {
        start,
        delim: sep.unwrap_or_else(|| delimiter(&b[start..])),
        junk,
    }
}

/// The line of the first lines of the CSV text `b` that names a known column, when one does:
/// the header the reader finds ([`find_header`]); without one, every line of the file is a
/// reject.
pub(super) fn known_header(b: &[u8]) -> Option<&[u8]> {
    let head = find_header(b);
    let end = line_end(b, head.start);
    let mut headers = ByteRecord::new();
    reader(&b[head.start..end], head.delim)
        .read_byte_record(&mut headers)
        .is_ok_and(|_| header_fields(&headers).known())
        .then_some(&b[head.start..end])
}

/// Whether `line` is a CSV header that names two known columns or more: a CSV file's header,
/// not a banner, before lines of JSON (a small CSV with JSON Lines appended).
pub(super) fn is_header(line: &[u8]) -> bool {
    let mut headers = ByteRecord::new();
    let read = reader(line, delimiter(line)).read_byte_record(&mut headers);
    read.is_ok_and(|_| header_fields(&headers).fields.iter().flatten().count() >= 2)
}

/// What the columns of a header hold ([`header_fields`]).
struct Names {
    /// The field of each column, `None` for the columns not read.
    fields: Vec<Option<Field>>,
    /// Whether its time is a `[Local Time]` one.
    local: bool,
    /// The column of a log line's text (`message` of Application Insights traces, `Message`
    /// of AppTraces), whose cell may be a record forwarded as JSON: then the row is that
    /// record, as in a JSON export of the same traces ([`super::json::forwarded_in`]).
    message: Option<usize>,
    /// The column of a record's `properties` (the common schema's service fields, kept as
    /// JSON text), read as the JSON reader reads a record's ([`properties_into`]).
    properties: Option<usize>,
}

impl Names {
    /// Whether the header names a column this reader reads.
    fn known(&self) -> bool {
        self.message.is_some() || self.fields.iter().any(Option::is_some)
    }
}

/// What each header column holds: a field, a log line's text, or nothing read.
fn header_fields(headers: &ByteRecord) -> Names {
    let mut names = Names {
        fields: Vec::with_capacity(headers.len()),
        local: false,
        message: None,
        properties: None,
    };
    for (i, h) in headers.iter().enumerate() {
        let h = String::from_utf8_lossy(h);
        let (name, is_local) = strip_header_suffix(&h);
        let field = match super::json::column(name) {
            Column::Field(Field::Time) if is_local == Some(true) => {
                names.local = true;
                Some(Field::LocalTime)
            }
            Column::Field(Field::OriginalTime) if is_local == Some(true) => {
                names.local = true;
                Some(Field::LocalOriginalTime)
            }
            Column::Field(f) => Some(f),
            Column::Message => {
                names.message.get_or_insert(i);
                None
            }
            Column::Properties => {
                names.properties.get_or_insert(i);
                None
            }
            Column::Other => None,
        };
        names.fields.push(field);
    }
    names
}

/// The wanted columns of a header's fields ([`header_fields`]): (position, field).
fn wanted_columns(fields: &[Option<Field>]) -> Vec<(usize, Field)> {
    let columns = fields.iter().enumerate();
    columns.filter_map(|(i, f)| f.map(|f| (i, f))).collect()
}

/// The delimiter of a file, from its header line: commas, or semicolons (Excel in locales
/// whose decimal mark is a comma) or tabs when the header has more of those.
fn delimiter(b: &[u8]) -> u8 {
    let header = &b[..memchr::memchr(b'\n', b).unwrap_or(b.len())];
    let count = |d: u8| memchr::memchr_iter(d, header).count();
    let commas = count(b',');
    [b';', b'\t']
        .into_iter()
        .map(|d| (count(d), d))
        .filter(|&(n, _)| n > commas)
        .max()
        .map_or(b',', |(_, d)| d)
}

/// A CSV reader of one block: quoting as RFC 4180, rows of any width.
fn reader(b: &[u8], delim: u8) -> csv::Reader<&[u8]> {
    ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(false)
        .from_reader(b)
}

/// The rows of one block, `first_line` lines into the file; returns the lines it holds, and
/// whether its last row ran to its end inside a quoted field (rejected as unclosed). A
/// block of valid UTF-8 (the common case) has its rows split by [`split_row`], fields borrowed
/// as text; anything that does not take, and blocks in other encodings, are read by the csv
/// crate.
fn rows<S: Sink>(
    b: &[u8],
    first_line: u64,
    first: &Row<'_>,
    columns: &mut Option<Columns>,
    ctx: &mut FileCtx<'_, S>,
) -> (u64, bool) {
    let (mut p, mut line) = (0, first_line);
    // Checked with SIMD (AVX2 where the machine has it), as the JSON Lines scanner checks its
    // lines: std's check had cost 0.44 instructions a byte, 3.1% of a CSV file's reading.
    let text = simdutf8::basic::from_utf8(b).ok();
    loop {
        // Past a header in another column order (a file read in order), by its columns.
        let row = first.with(columns.as_ref());
        // Its text checked once for the block: again from each header met, a file of headers
        // every few rows took as long as it had rows times its block.
        let (lines, open, switch) = rows_until(&b[p..], text.map(|t| &t[p..]), line, &row, ctx);
        line += lines;
        match switch {
            None => return (line - first_line, open),
            Some((used, c)) => {
                p += used;
                *columns = Some(c);
            }
        }
    }
}

/// The rows of [`rows`] up to a header in another column order, if one is met in a file read
/// in order: then also the bytes up to the row after it, and its columns.
fn rows_until<S: Sink>(
    b: &[u8],
    text: Option<&str>,
    first_line: u64,
    row: &Row<'_>,
    ctx: &mut FileCtx<'_, S>,
) -> (u64, bool, Option<(usize, Columns)>) {
    let mut fields = text.map(|t| Fields::new(t, row.width));
    // One reader of the csv crate's core for every row the splitter does not take, made at
    // the first: a block read by ranges is 256 KiB, and making a reader for each showed in
    // the profile (2.5% of the samples).
    let mut odd = None;
    let mut p = 0;
    // The physical line of b[p].
    let mut line = first_line + 1;
    let mut open_end = false;
    // What the last reading over lines found, for the rows inside it; quote counts so far.
    let mut spanned: Option<Spanned> = None;
    let mut parity = Parity::default();
    while p < b.len() {
        let split = fields
            .as_mut()
            .and_then(|f| Some((split_row(f, p, row.delim)?, &*f)));
        if let Some(((next, lines), fields)) = split {
            let later = |second, start: &_| row_line_starting_as(b, (second, next), start, row);
            if lines > 1 && swallows_next_row(b, p, row, &ctx.rules, later) {
                if row.spoiled.is_some() {
                    spoil(row.spoiled);
                    break;
                }
                p = reject_unclosed(b, p, line, ctx);
                line += 1;
                continue;
            }
            let switch = row.handle(line, fields.len(), |i| Cow::Borrowed(fields.get(i)), ctx);
            line += lines;
            p = next;
            if let Some(c) = switch {
                return (line - first_line - 1, open_end, Some((p, c)));
            }
            continue;
        }
        // An empty line is no record (as for the csv crate), but it is a line.
        let blank = match b[p] {
            b'\n' => 1,
            b'\r' if b.get(p + 1) == Some(&b'\n') => 2,
            _ => 0,
        };
        if blank > 0 {
            p += blank;
            line += 1;
            continue;
        }
        if row.spoiled.is_some() {
            spoil(row.spoiled);
            break;
        }
        // The lines of the block before b[p].
        let before = line - first_line - 1;
        // A row whose first line ends inside a quoted field, inside a row read before over
        // lines, reads on to where that one ended: rejected or not as the reading below would
        // have it, without that reading (which, from every row of a run of rows that each leave
        // a quote open, made such a file quadratic).
        if let Some(s) = spanned
            .as_mut()
            .filter(|s| s.holds_the_next_line_of(b, p, row.delim))
        {
            let lines = s.lines_to_end - before;
            let open = s.end == b.len() && !parity.rest_balanced(b, p);
            let later = |second, start: &_| s.later_row_starting_as(b, second, start, row);
            if open || (lines > 1 && swallows_next_row(b, p, row, &ctx.rules, later)) {
                open_end |= open;
                p = reject_unclosed(b, p, line, ctx);
                line += 1;
                continue;
            }
        }
        let odd = odd.get_or_insert_with(|| OddRows::new(row.delim));
        let (mut read, mut used) = odd.read(&b[p..]);
        if used == 0 {
            break;
        }
        // The reader ends a record at a lone CR too: inside a line, it is text.
        if b[p + used - 1] == b'\r' && p + used < b.len() && b[p + used] != b'\n' {
            (read, used) = odd.past_lone_cr(b, p).unwrap_or((read, used));
        }
        // The reader ends a CRLF record at its CR.
        if b.get(p + used) == Some(&b'\n') && b[p + used - 1] == b'\r' {
            used += 1;
        }
        let lines = blocks::newlines(&b[p..p + used]);
        let second = line_end(b, p);
        if second < p + used {
            spanned = Some(Spanned::new(second, p + used, before + lines));
        }
        // The csv crate ends a quoted field left open at the end of its input without a word.
        let open = p + used == b.len() && !parity.rest_balanced(b, p);
        open_end |= open;
        let later = |second, start: &_| row_line_starting_as(b, (second, p + used), start, row);
        if open || (lines > 1 && swallows_next_row(b, p, row, &ctx.rules, later)) {
            p = reject_unclosed(b, p, line, ctx);
            line += 1;
            continue;
        }
        let switch = if read {
            let field = |i| String::from_utf8_lossy(odd.field(i));
            row.handle(line, odd.len(), field, ctx)
        } else {
            None
        };
        line += lines;
        p += used;
        if let Some(c) = switch {
            return (line - first_line - 1, open_end, Some((p, c)));
        }
    }
    (line - first_line - 1, open_end, None)
}

/// The rows [`split_row`] does not take (text in another encoding, quotes in odd places), read
/// by one `csv_core` reader kept for the block and reset for each row.
struct OddRows {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
}

impl OddRows {
    fn new(delim: u8) -> OddRows {
        OddRows {
            rdr: csv_core::ReaderBuilder::new().delimiter(delim).build(),
            out: vec![0; 1 << 12],
            ends: vec![0; 64],
            fields: 0,
        }
    }

    /// Reads the record at the start of `b`: whether there was one, and the bytes it took.
    fn read(&mut self, b: &[u8]) -> (bool, usize) {
        use csv_core::ReadRecordResult as R;
        self.rdr.reset();
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) =
                self.rdr
                    .read_record(&b[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            (nin, nout, nend) = (nin + i, nout + o, nend + e);
            match res {
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                // All of `b` taken: the next read, of nothing (the end to `csv_core`), ends the record.
                R::InputEmpty => {}
                R::Record => {
                    self.fields = nend;
                    return (true, nin);
                }
                R::End => return (false, nin),
            }
        }
    }

    /// The record at `b[p]` again, its line read with each lone CR a space, when the first
    /// reading ended at one: inside a line of a file whose lines end otherwise (a file of lone
    /// CRs is read as LFs), one is text. `None`, and the record as first read, when that does
    /// not read the line whole (the line is damaged as it is).
    #[inline(never)]
    fn past_lone_cr(&mut self, b: &[u8], p: usize) -> Option<(bool, usize)> {
        let end = line_end(b, p);
        let line: Vec<u8> = (p..end)
            .map(|k| match b[k] {
                b'\r' if b.get(k + 1) != Some(&b'\n') => b' ',
                c => c,
            })
            .collect();
        if quotes_balanced(&line) {
            let (read, used) = self.read(&line);
            // To the line's end (its CRLF's CR, where the LF is taken after).
            if used == line.len() || line[used..] == *b"\n" {
                return Some((read, used));
            }
            self.read(&b[p..]);
        }
        None
    }

    fn len(&self) -> usize {
        self.fields
    }

    fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }
}

/// The first bytes of a row (its time, `"11/24/`) that a later line starting with them shows
/// to be the next row ([`swallows_next_row`]).
const ROW_START: usize = 6;

/// A row read by the csv crate's reader over lines, kept for the rows after it: the record
/// that started before `lo` ran on inside a quoted field past every newline before `end`, so
/// the reader is inside a quoted field at the start of every line in `lo..end`. A row whose
/// first line ends inside a quoted field, and whose second line starts there, reads on to
/// `end` as well: the reader is in the same state at the same byte.
struct Spanned {
    /// The start of the second line of the row read.
    lo: usize,
    end: usize,
    /// The newlines of the block before `end`.
    lines_to_end: u64,
    /// The lines starting in `lo..end` that have a delimiter, by their first bytes, made at
    /// the first use: where [`swallows_next_row`] looks for a line that starts as the row.
    starts: Option<HashMap<[u8; ROW_START], Vec<usize>>>,
}

impl Spanned {
    fn new(lo: usize, end: usize, lines_to_end: u64) -> Spanned {
        Spanned {
            lo,
            end,
            lines_to_end,
            starts: None,
        }
    }

    /// Whether the row at `b[p]` reads on to `end`: its first line ends inside a quoted field
    /// and its second line starts in `lo..end`. The reader passes over a CR where a row
    /// starts (as over an empty line), and so does this.
    fn holds_the_next_line_of(&self, b: &[u8], p: usize, delim: u8) -> bool {
        let mut from = p;
        while b.get(from) == Some(&b'\r') && b.get(from + 1) != Some(&b'\n') {
            from += 1;
        }
        (self.lo..self.end).contains(&line_end(b, p)) && line_ends_inside_quotes(b, from, delim)
    }

    /// Whether a line of the row read, after its first (which ends at `second`), starts as
    /// `start` and reads as a row: for [`swallows_next_row`], looked up rather than read.
    #[inline(never)]
    fn later_row_starting_as(
        &mut self,
        b: &[u8],
        second: usize,
        start: &[u8; ROW_START],
        row: &Row<'_>,
    ) -> bool {
        let (lo, end) = (self.lo, self.end);
        let starts = self.starts.get_or_insert_with(|| {
            let mut starts: HashMap<[u8; ROW_START], Vec<usize>> = HashMap::default();
            for (q, l) in row_lines(b, lo, end, row) {
                if let Some(key) = l.get(..ROW_START) {
                    let key = key.try_into().expect("ROW_START bytes");
                    starts.entry(key).or_default().push(q);
                }
            }
            starts
        });
        starts
            .get(start)
            .is_some_and(|qs| qs.last().is_some_and(|&q| q >= second))
    }
}

/// The parity of the quotes in a block before a row, counted on as the rows move forward, so
/// that whether the quotes from a row to the block's end pair up costs a count of the bytes
/// since the last row, not of the rest of the block.
#[derive(Default)]
struct Parity {
    at: usize,
    odd_before: bool,
    odd_in_all: Option<bool>,
}

impl Parity {
    /// Whether the quotes of `b[p..]` are even in number; `p` never goes back.
    fn rest_balanced(&mut self, b: &[u8], p: usize) -> bool {
        self.odd_before ^= !quotes_balanced(&b[self.at..p]);
        self.at = p;
        let odd_in_all = *self.odd_in_all.get_or_insert_with(|| !quotes_balanced(b));
        odd_in_all == self.odd_before
    }
}

/// Where the physical line starting at `b[p]` ends: after its newline, or at the end of `b`.
fn line_end(b: &[u8], p: usize) -> usize {
    memchr::memchr(b'\n', &b[p..]).map_or(b.len(), |n| p + n + 1)
}

/// Whether the row starting at `b[p]`, whose quoted field runs over lines, has taken in the
/// next row: one of its later lines starts as it does (its time, `"11/24/`) and reads as a row
/// ([`row_like`]; `later_row_starting_as` finds one, given the row's first bytes and where
/// its second line starts), or its second line is, on its own, a record ([`is_a_record`]). A
/// quote left open in a damaged row would otherwise swallow every row up to the next stray
/// quote; the lines of a message that really spans lines are not records of their own. The
/// one test of a row over lines, whether its lines are read from the block
/// ([`row_line_starting_as`]), looked up ([`Spanned`]) or streamed past the cap
/// (`long::CsvBlocks`).
#[inline(never)]
fn swallows_next_row(
    b: &[u8],
    p: usize,
    row: &Row<'_>,
    rules: &TimeRules,
    later_row_starting_as: impl FnOnce(usize, &[u8; ROW_START]) -> bool,
) -> bool {
    let second = line_end(b, p);
    let start = b
        .get(p..p + ROW_START)
        .map(|s| s.try_into().expect("ROW_START bytes"));
    start.is_some_and(|s| later_row_starting_as(second, s))
        || is_a_record(&b[second..line_end(b, second)], row, rules)
}

/// Whether a line of `b` that starts in `from..end` starts as `start` and reads as a row: for
/// [`swallows_next_row`], read in the block.
fn row_line_starting_as(
    b: &[u8],
    (from, end): (usize, usize),
    start: &[u8; ROW_START],
    row: &Row<'_>,
) -> bool {
    row_lines(b, from, end, row).any(|(_, l)| l.starts_with(start))
}

/// The lines of `b` that start in `from..end` and read as rows of `row` ([`row_like`]), with
/// where each starts: where [`swallows_next_row`] looks for a line that starts as its row
/// does.
fn row_lines<'b>(
    b: &'b [u8],
    from: usize,
    end: usize,
    row: &Row<'_>,
) -> impl Iterator<Item = (usize, &'b [u8])> {
    let (delim, width, crlf) = (row.delim, row.width, row.crlf);
    let mut q = from;
    std::iter::from_fn(move || {
        while q < end.min(b.len()) {
            let at = q;
            q = line_end(b, at);
            let l = &b[at..q];
            if row_like(l, delim, width, crlf) {
                return Some((at, l));
            }
        }
        None
    })
}

/// Whether a line has a delimiter and, read on its own as the csv crate reads a row (a quote
/// inside an unquoted field, or text after a closing one, is text), has at least `width` fields (and ends with
/// CRLF, in a file whose rows do: `crlf`), or starts a row whose quoted field (opened at a
/// field's start) runs on past the line: as a row that a quote left open took in reads, and as
/// a line of a quoted message rarely does (a message's line that starts with a time,
/// `2026-11-24T16:10:02Z upstream timeout, retrying"`, holds its own text and the fields after
/// the message, not a row's).
fn row_like(l: &[u8], delim: u8, width: usize, crlf: bool) -> bool {
    if memchr::memchr(delim, l).is_none() {
        return false;
    }
    let ends_as_rows_do = !crlf || l.ends_with(b"\r\n");
    let l = l.strip_suffix(b"\n").unwrap_or(l);
    let l = l.strip_suffix(b"\r").unwrap_or(l);
    // The csv crate passes over CRs before a row.
    let mut i = l.iter().take_while(|&&c| c == b'\r').count();
    let mut fields = 0;
    loop {
        fields += 1;
        if l.get(i) == Some(&b'"') {
            // Quoted: to its closing quote (`""` inside), or on past the line.
            let mut j = i + 1;
            loop {
                let Some(q) = memchr::memchr(b'"', &l[j..]).map(|k| j + k) else {
                    return fields <= width;
                };
                if l.get(q + 1) == Some(&b'"') {
                    j = q + 2;
                } else {
                    i = q + 1;
                    break;
                }
            }
        }
        // To the delimiter: the field's text, or what follows its closing quote.
        match memchr::memchr(delim, &l[i..]) {
            Some(k) => i += k + 1,
            None => return fields >= width && ends_as_rows_do,
        }
    }
}

/// The second test of [`swallows_next_row`]: the line `next` (a row's second) is, on its own, a
/// whole row of the file's width (quotes balanced) that reads as a record (a time and a code).
fn is_a_record(next: &[u8], row: &Row<'_>, rules: &TimeRules) -> bool {
    // Cheap checks first: at least a comma per column, an even number of quotes, the line end
    // of the file's rows.
    if memchr::memchr_iter(row.delim, next).count() + 1 < row.width
        || !quotes_balanced(next)
        || row.crlf && !next.ends_with(b"\r\n")
    {
        return false;
    }
    // Split as rows are (a csv crate reader costs a parser per call: only for non-UTF-8).
    let mut fields = std::str::from_utf8(next)
        .ok()
        .map(|t| Fields::new(t, row.width));
    let mut rec = ByteRecord::new();
    let raw = if let Some(fields) = &mut fields {
        if split_row(fields, 0, row.delim).is_none() || fields.len() != row.width {
            return false;
        }
        row.raw(|i| Cow::Borrowed(fields.get(i)))
    } else {
        if !reader(next, row.delim)
            .read_byte_record(&mut rec)
            .unwrap_or(false)
            || rec.len() != row.width
        {
            return false;
        }
        row.raw(|i| String::from_utf8_lossy(&rec[i]))
    };
    matches!(
        crate::normalize::normalize(&raw, rules),
        crate::normalize::Outcome::Record(_)
    )
}

/// The one quote rule of this reader (RFC 4180): a `"` only opens or closes a quoted field, and
/// `""` inside one is two of them, so text is outside quotes where the quotes before it are even
/// in number. The block cut, the check for a row that took in the next one, the end of a file
/// inside quotes, the splitting of rows ([`split_row`]) and the quoted fields of one line
/// ([`quoted_end`]) all follow it, counting the quotes with [`quotes`].
fn quotes_balanced(b: &[u8]) -> bool {
    quotes(b).is_multiple_of(2)
}

/// The quotes in `b`: what [`quotes_balanced`] counts.
fn quotes(b: &[u8]) -> usize {
    memchr::memchr_iter(b'"', b).count()
}

/// Whether the physical line at `b[p]`, read as the csv crate reads a row, ends inside a quoted
/// field: a quote that starts a field has no closing one on the line (a quote inside a field
/// that does not start with one is text, and a CR outside quotes, lone or not, ends the row).
fn line_ends_inside_quotes(b: &[u8], p: usize, delim: u8) -> bool {
    let line = &b[p..line_end(b, p)];
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            match quoted_end(line, i + 1) {
                Some((close, 0, _)) => i = close + 1,
                _ => return true,
            }
        }
        match memchr::memchr3(delim, b'\n', b'\r', &line[i..]) {
            Some(k) if line[i + k] == delim => i += k + 1,
            _ => return false,
        }
    }
}

/// The closing quote of a quoted field whose content starts at `b[from]`, past any `""`, with
/// the newlines inside it and whether it had any `""`; `None` when `b` ends first.
fn quoted_end(b: &[u8], from: usize) -> Option<(usize, u64, bool)> {
    let (mut j, mut lines, mut doubled) = (from, 0, false);
    loop {
        let q = j + memchr::memchr2(b'"', b'\n', &b[j..])?;
        if b[q] == b'\n' {
            lines += 1;
            j = q + 1;
        } else if b.get(q + 1) == Some(&b'"') {
            doubled = true;
            j = q + 2;
        } else {
            return Some((q, lines, doubled));
        }
    }
}

/// Rejects the physical line at `b[p]` as a row whose quote never closes; returns where the
/// next line starts, from which reading resumes.
fn reject_unclosed<S: Sink>(b: &[u8], p: usize, line: u64, ctx: &mut FileCtx<'_, S>) -> usize {
    let end = line_end(b, p);
    let text = String::from_utf8_lossy(b[p..end].trim_ascii_end()).into_owned();
    ctx.reject(
        line,
        Reason::UnclosedQuote,
        "a quoted field does not close before the next row".into(),
        text,
    );
    end
}

/// The fields of a row as [`split_row`] found them in a text, each borrowed from it, and those
/// quoted with `""` in them unescaped into strings of their own. Cleared, they free nothing:
/// the row's fields had been `Cow`s, each looked at for text to free at the next row.
struct Fields<'t> {
    text: &'t str,
    /// Each field's text; one with `""` as it stands (quotes doubled), read from `owned`.
    cells: Vec<&'t str>,
    /// The fields with `""`, unescaped: (column, text).
    owned: Vec<(usize, String)>,
}

impl<'t> Fields<'t> {
    fn new(text: &'t str, width: usize) -> Fields<'t> {
        Fields {
            text,
            cells: Vec::with_capacity(width),
            owned: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.cells.len()
    }

    /// Field `i`.
    #[inline]
    fn get(&self, i: usize) -> &str {
        if self.owned.is_empty() {
            self.cells[i]
        } else {
            self.unescaped(i)
        }
    }

    #[cold]
    fn unescaped(&self, i: usize) -> &str {
        match self.owned.iter().find(|(k, _)| *k == i) {
            Some((_, text)) => text,
            None => self.cells[i],
        }
    }
}

/// The last of `cells`, a quoted field with `""` in it, unescaped into `owned`.
#[cold]
fn unescape(cells: &[&str], owned: &mut Vec<(usize, String)>) {
    let i = cells.len() - 1;
    owned.push((i, cells[i].replace("\"\"", "\"")));
}

/// Splits the row at byte `p` of the fields' text into `fields` as the csv crate would (RFC 4180
/// quoting, `""` in a quoted field, LF or CRLF ends); returns where the next row starts and the
/// newlines up to it. `None` for what this does not handle: a quote inside an unquoted field or
/// text after a closing quote, a lone CR, an empty line, a quoted field the text ends in.
///
/// The row's stop bytes (its delimiter, `"`, CR, LF) are taken one after another from the bits
/// of 64-byte windows ([`Stops`]): a field is the bytes between two of them, so an unquoted
/// field costs one bit's look, and a quoted one its quotes and the stops inside it.
fn split_row(fields: &mut Fields<'_>, p: usize, delim: u8) -> Option<(usize, u64)> {
    // The text and the cells apart: pushing a cell had read the text's place and length from
    // `fields` again, and stored the cells' length, for each field.
    let text = fields.text;
    let b = text.as_bytes();
    let Fields { cells, owned, .. } = fields;
    cells.clear();
    if !owned.is_empty() {
        owned.clear();
    }
    if matches!(b.get(p), Some(b'\n' | b'\r')) {
        return None;
    }
    let mut stops = Stops::new(b, [delim, b'"', b'\n', b'\r'], p);
    let mut lines = 0;
    // Where the field being read starts.
    let mut start = p;
    loop {
        let Some(s) = stops.next() else {
            cells.push(&text[start..]);
            return Some((b.len(), lines));
        };
        let c = b[s];
        if c == delim {
            cells.push(&text[start..s]);
            start = s + 1;
            continue;
        }
        let after = match c {
            b'\n' => {
                cells.push(&text[start..s]);
                return Some((s + 1, lines + 1));
            }
            b'\r' => {
                cells.push(&text[start..s]);
                return (b.get(s + 1) == Some(&b'\n')).then_some((s + 2, lines + 1));
            }
            // A quote inside an unquoted field.
            _ if s != start => return None,
            // A quoted field: up to the quote that is not one of a `""`, past the stops inside.
            _ => {
                let mut escaped = false;
                let close = loop {
                    let q = stops.next()?;
                    match b[q] {
                        b'"' if b.get(q + 1) == Some(&b'"') => {
                            escaped = true;
                            // The second quote, the next stop.
                            stops.next();
                        }
                        b'"' => break q,
                        b'\n' => lines += 1,
                        _ => {}
                    }
                };
                cells.push(&text[s + 1..close]);
                if escaped {
                    unescape(cells, owned);
                }
                close + 1
            }
        };
        // After a closing quote: a delimiter (the next stop), a line end or the text's end.
        match b.get(after) {
            None => return Some((after, lines)),
            Some(&d) if d == delim => {
                stops.next();
                start = after + 1;
            }
            Some(b'\n') => return Some((after + 1, lines + 1)),
            Some(b'\r') if b.get(after + 1) == Some(&b'\n') => return Some((after + 2, lines + 1)),
            _ => return None,
        }
    }
}

/// Old Mac files (Excel's "CSV (Macintosh)") end lines with a lone CR: read as LF, so that
/// blocks can be cut at line ends and lines counted as the file shows them.
pub(super) struct CrAsLf(pub Input);

impl io::Read for CrAsLf {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for c in &mut buf[..n] {
            if *c == b'\r' {
                *c = b'\n';
            }
        }
        Ok(n)
    }
}

/// The cut of the blocks of a file read in order, before its delimiter is known: the
/// delimiter its header gives ([`find_header`]), then [`row_end_cut`]'s.
fn first_block_cut(b: &[u8]) -> Option<(usize, u64)> {
    row_end_cut(find_header(b).delim)(b)
}

/// The cut of the blocks of a file read in order whose delimiter is `delim`: at the last row end
/// ([`last_row_end_by`]), and the newlines up to it. A delimiter other than the three that
/// [`delimiter`] finds (`sep=|`) has every quote counted ([`last_row_end`]).
fn row_end_cut(delim: u8) -> blocks::Cut {
    fn cut<const DELIM: u8>(b: &[u8]) -> Option<(usize, u64)> {
        last_row_end_by(b, DELIM).map(|p| (p, blocks::newlines(&b[..=p])))
    }
    match delim {
        b',' => cut::<b','>,
        b';' => cut::<b';'>,
        b'\t' => cut::<b'\t'>,
        _ => |b| last_row_end(b).map(|p| (p, blocks::newlines(&b[..=p]))),
    }
}

/// The last newline of a block that starts where a row does that ends a row as the csv crate
/// reads the rows (RFC 4180, the file's delimiter `delim`): outside quoted fields, a quote that
/// does not start a field (after a delimiter or a line's start) being text (`ab"c`, `"a"b"`),
/// which [`rows`] reads as the csv crate does. Counting every quote ([`last_row_end`], the
/// ranges' rule), such a quote turned the count round for the rest of the block, and the cut
/// fell inside a later quoted field over lines: that valid row was lost as a reject per line,
/// from a pipe or gzip and not from the file (review rev66b F2).
///
/// The quotes are followed forwards once, the ones that are text noted (rarely any); then the
/// quotes and newlines from the end back, to the last newline outside quotes. A block with
/// none ends as [`last_row_end`]'s.
fn last_row_end_by(b: &[u8], delim: u8) -> Option<usize> {
    let (mut text, mut inside) = (Vec::new(), false);
    let mut i = 0;
    while let Some(q) = memchr::memchr(b'"', &b[i..]).map(|k| i + k) {
        i = q + 1;
        if inside {
            if b.get(q + 1) == Some(&b'"') {
                i = q + 2;
            } else {
                inside = false;
            }
        } else if q == 0 || b[q - 1] == delim || b[q - 1] == b'\n' {
            inside = true;
        } else {
            text.push(q);
        }
    }
    // From the end back, each quote that is not text turns inside and outside round (a `""`
    // inside a field, twice).
    for p in memchr::memchr2_iter(b'\n', b'"', b).rev() {
        if b[p] == b'\n' {
            if !inside {
                return Some(p);
            }
        } else if text.last() == Some(&p) {
            text.pop();
        } else {
            inside = !inside;
        }
    }
    if b.len() < MAX_RECORD_BYTES {
        return None;
    }
    memchr::memchr(b'\n', b)
}

/// The last newline outside quotes in a block that starts outside quotes, by the rule of the
/// ranges' cuts ([`FRAMING`], whose starts and ends agree when they follow it from their own
/// starts; a file read in order is cut by [`last_row_end_by`]). In RFC 4180 CSV a quote only
/// opens or closes a quoted field (`""` inside one is two), so a newline is outside quotes when
/// the quotes before it are even in number.
///
/// When no newline of a full block is (a quote opened in its first row never closes), the
/// block ends after its first line: that row is rejected by [`rows`] and the next block starts
/// outside quotes again, so one stray quote costs one row, not the rest of the file. The
/// shorter last block of a file is handed on whole instead: its rows are split by [`rows`].
///
/// A stray quote turns the count round for the rest of the block: a newline inside a later
/// quoted field over lines then counts as outside. So the quotes after the cut are asked
/// whether it is inside a field ([`after_newline`], once a block: asking after each newline
/// made the cut quadratic on a long run of lines without a telling quote); when they say so,
/// the block ends instead at its last newline that the count takes for inside, when the quotes
/// after that one say it is outside (a row end past the stray quote, whose row [`rows`]
/// rejects), so the row the cut would have split is read whole.
fn last_row_end(b: &[u8]) -> Option<usize> {
    // Quote parity from the end: the one rule of [`quotes_balanced`], counted once per block,
    // then followed back over the quotes and newlines together (a search per newline cost a
    // search's setup for each line of a quoted field over lines).
    let mut quotes = quotes(b);
    for p in memchr::memchr2_iter(b'\n', b'"', b).rev() {
        if b[p] == b'"' {
            quotes -= 1;
        } else if quotes.is_multiple_of(2) {
            if after_newline(&b[p + 1..]) == Some(true) {
                return Some(row_end_past_stray_quote(b).unwrap_or(p));
            }
            return Some(p);
        }
    }
    if b.len() < MAX_RECORD_BYTES {
        return None;
    }
    memchr::memchr(b'\n', b)
}

/// The last newline of `b` after an odd number of quotes, when the quotes after it say that it
/// is outside a quoted field: the last row end of a block whose count a stray quote turned
/// round ([`last_row_end`]).
#[cold]
fn row_end_past_stray_quote(b: &[u8]) -> Option<usize> {
    let mut odd = quotes(b) % 2 == 1;
    for p in memchr::memchr2_iter(b'\n', b'"', b).rev() {
        if b[p] == b'"' {
            odd = !odd;
        } else if odd {
            return (after_newline(&b[p + 1..]) == Some(false)).then_some(p);
        }
    }
    None
}

/// The first newline outside quotes at or after `b[from]`, in a block that starts outside
/// quotes (the rule of [`last_row_end`]).
fn first_row_end(b: &[u8], from: usize) -> Option<usize> {
    let mut quotes = quotes(b.get(..from)?);
    for p in memchr::memchr2_iter(b'\n', b'"', &b[from..]) {
        if b[from + p] == b'"' {
            quotes += 1;
        } else if quotes.is_multiple_of(2) {
            return Some(from + p);
        }
    }
    None
}

/// [`first_row_end`] at `target`, else [`last_row_end`], in bytes shorter than a block whose
/// first `from` hold no row end and `quotes` quotes: see [`Framing::resume`]. The quotes and
/// newlines after `from` are followed forwards, once.
fn resume_row_end(b: &[u8], from: usize, mut quotes: u64, target: usize) -> Result<usize, u64> {
    let mut last = None;
    for p in memchr::memchr2_iter(b'\n', b'"', &b[from..]) {
        let p = from + p;
        if b[p] == b'"' {
            quotes += 1;
        } else if quotes.is_multiple_of(2) {
            if p >= target {
                return Ok(p);
            }
            last = Some(p);
        }
    }
    last.ok_or(quotes)
}

/// Rows for [`ranges`]. A range's worker starts 16 KiB before its range, at the first row
/// that [`row_after_newline`] finds, and follows rows from there to the first that starts in
/// the range. A file's reading follows the quotes of a line over the cap by its delimiter
/// ([`framing`]).
pub(super) const FRAMING: Framing = Framing {
    last_end: last_row_end,
    first_end: first_row_end,
    resume: resume_row_end,
    after_newline: row_after_newline,
    lead: 16 << 10,
    long_line: None,
};

/// [`FRAMING`] for a file whose delimiter is `delim`: a line over the cap at whose newline a
/// quoted field is open, as the csv crate reads it, has the file read in order
/// ([`long::line_quotes`]).
fn framing(delim: u8) -> Framing {
    Framing {
        long_line: Some(long::line_quotes(delim)),
        ..FRAMING
    }
}

/// What the quotes in the bytes `b` after a newline say of it: whether it is inside a quoted
/// field, `None` when they do not tell. In RFC 4180 a quote that opens a field follows a
/// delimiter or a line's start, and one that closes it comes before a delimiter or a line's
/// end; inside a field a quote is doubled. The first quote that can only open (`,"1`) says
/// the newline was outside quotes (when an even number of quotes that could do either came
/// before it), one that can only close (`x",`) that it was inside.
fn after_newline(b: &[u8]) -> Option<bool> {
    let boundary = |c: Option<&u8>| matches!(c, None | Some(b',' | b';' | b'\t' | b'\n' | b'\r'));
    // Single quotes passed: each turns inside and outside round.
    let mut passed = 0;
    let mut i = 0;
    loop {
        let q = i + memchr::memchr(b'"', &b[i..])?;
        if b.get(q + 1) == Some(&b'"') {
            i = q + 2;
            continue;
        }
        let opens = q == 0 || boundary(b.get(q - 1));
        let closes = q + 1 < b.len() && boundary(b.get(q + 1));
        match (opens, closes) {
            (true, false) => return Some(passed % 2 == 1),
            (false, true) => return Some(passed % 2 == 0),
            _ => {
                passed += 1;
                i = q + 1;
            }
        }
    }
}

/// In bytes that follow a newline somewhere in a CSV file: where the first row starts, as far
/// as their quotes tell ([`after_newline`]): after the next newline outside quotes when the
/// newline was inside a quoted field, else at once. Also at once when it was inside but no
/// newline after it is outside quotes in `b`: that guess is wrong, and the ranges disagree.
fn row_after_newline(b: &[u8]) -> usize {
    if after_newline(b) != Some(true) {
        return 0;
    }
    // Inside quotes: the quotes before the first row end are odd in number.
    let mut quotes = 0;
    let mut p = 0;
    while let Some(n) = memchr::memchr(b'\n', &b[p..]).map(|n| p + n) {
        quotes += self::quotes(&b[p..n]);
        if quotes % 2 == 1 {
            return n + 1;
        }
        p = n + 1;
    }
    0
}

/// How one row becomes a record.
#[derive(Clone, Copy)]
struct Row<'w> {
    /// `,`, `;` or tab.
    delim: u8,
    width: usize,
    wanted: &'w [(usize, Field)],
    /// The column of a log line's text ([`Names::message`]).
    message: Option<usize>,
    /// The column of a record's `properties` ([`Names::properties`]).
    properties: Option<usize>,
    /// The file header's names (byte-order mark dropped), sorted, when it names one known
    /// column only (a custom table's time beside a cell of JSON): a row of the same names in
    /// another order is a header too, as one naming two known columns is. Empty otherwise.
    sorted: &'w [Vec<u8>],
    /// Whether the header named any known column: if not, no row is a record.
    known: bool,
    /// Whether a column holds the code or the signature: then a row without one has no code,
    /// and its other cells are not looked into for a record kept as JSON.
    code_column: bool,
    /// Set, when the file is read in parts, by a row [`split_row`] does not take or one that
    /// took in the next (see [`Parts`]).
    spoiled: Option<&'w AtomicBool>,
    /// What a header in another column order does to the rows after it.
    joined: Joined<'w>,
    /// Whether the header line ends with CRLF: then so does every row, and a line inside a
    /// quoted message that ends with LF alone is not a row that a quote left open took in
    /// (Excel and Python's csv end rows with CRLF and keep a message's own line breaks).
    crlf: bool,
}

/// What a header in another column order inside a CSV file (exports joined with `cat`) does,
/// by how the file is being read.
#[derive(Clone, Copy)]
enum Joined<'w> {
    /// Read in order: the rows after it are read by its columns ([`Columns`]).
    Follow,
    /// Read by ranges: the flag is set, and the reading dropped for one in order.
    Drop(&'w AtomicBool),
}

/// The columns of a header met inside a file read in order, which the rows after it are read
/// by.
#[derive(Clone, PartialEq)]
struct Columns {
    width: usize,
    wanted: Vec<(usize, Field)>,
    message: Option<usize>,
    properties: Option<usize>,
}

/// What a row of names is to the rows read by a [`Row`] ([`Row::named`]).
enum Named {
    /// Not a header.
    No,
    /// Their header again.
    Same,
    /// A header in another column order: its columns, and whether its time is a local one.
    Other(Columns, bool),
}

/// What [`Row::header_again`] made of a row.
enum Again {
    /// Not a header.
    No,
    /// A header, passed over or rejected.
    Taken,
    /// A header in another column order, in a file read in order.
    Columns(Columns),
}

impl<'w> Row<'w> {
    /// This row as the rows after a header inside the file are read, if one was met.
    fn with<'a>(&'a self, columns: Option<&'a Columns>) -> Row<'a> {
        match columns {
            Some(c) => Row {
                width: c.width,
                wanted: &c.wanted,
                message: c.message,
                properties: c.properties,
                code_column: has_code_column(&c.wanted),
                ..*self
            },
            None => *self,
        }
    }

    /// One row of `n` fields, `field(i)` giving each: the columns the rows after it are read
    /// by, when it is a header in another column order in a file read in order.
    fn handle<'r, S: Sink>(
        &self,
        line: u64,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        ctx: &mut FileCtx<'_, S>,
    ) -> Option<Columns> {
        let text = || (0..n).map(&field).collect::<Vec<_>>().join(",");
        if !self.known {
            if (0..n).any(|i| !field(i).as_bytes().trim_ascii().is_empty()) {
                let why = "not an export: its first line names no known column";
                ctx.reject(line, Reason::NotARecord, why.into(), text());
            }
            return None;
        }
        if n != self.width {
            return self.wrong_width(line, n, &field, ctx);
        }
        // A wholly blank row is not a record.
        if (0..n).all(|i| field(i).as_bytes().trim_ascii().is_empty()) {
            return None;
        }
        // Filled in place: a record returned by value was copied, 576 bytes a row.
        let mut raw = Raw::default();
        let mut more = self.fill(&mut raw, &field);
        // A row without a code may hold its record as JSON in a cell of its own.
        let unread = if !self.code_column && lacks_code(&raw) {
            self.json_cells(n, &field, &mut raw, &mut more)
        } else {
            None
        };
        // A rejected row is looked at: it may name columns (a header inside the file), or have
        // a time that the file's day/month order does not read.
        let mut switched = None;
        let other = |c: &mut FileCtx<'_, S>, reason: Reason| {
            match self.header_again(n, &field, c) {
                Again::No => {}
                Again::Taken => return true,
                Again::Columns(columns) => {
                    switched = Some(columns);
                    return true;
                }
            }
            // A date of the other day/month order than a guessed one is noted where it was
            // rejected: the reading in parts, once whole, is read again in that order unless a
            // date confirmed the guess (`read_apart`).
            // Its code may be in the JSON that did not parse: the reject says where.
            if let (Reason::NoCode, Some((col, why))) = (reason, &unread) {
                let why = format!("no ResultCode or ResultSignature; the JSON in column {col} was not read: {why}");
                c.reject(line, reason, why, text());
                return true;
            }
            false
        };
        ctx.emit_unless(&raw, || At::line(line), text, other);
        for r in &more {
            ctx.emit(r, || At::line(line), text);
        }
        switched
    }

    /// A row of `n` fields, not the width of the header it is read by: a header in another
    /// column order, or a reject.
    #[cold]
    fn wrong_width<'r, S: Sink>(
        &self,
        line: u64,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        ctx: &mut FileCtx<'_, S>,
    ) -> Option<Columns> {
        match self.header_again(n, &field, ctx) {
            Again::No => {}
            Again::Taken => return None,
            Again::Columns(c) => return Some(c),
        }
        // The excerpt keeps 120 characters: a row of millions of fields is not joined whole.
        let mut text = String::new();
        for i in 0..n {
            if text.len() >= 1024 {
                break;
            }
            if i > 0 {
                text.push(',');
            }
            text.push_str(&field(i));
        }
        let why = format!("{n} fields for {} columns", self.width);
        ctx.reject(line, Reason::FieldCount, why, text);
        None
    }

    /// Whether the row of `n` fields names columns, as a header does (exports joined with
    /// `cat`): the header the rows are read by, again, is passed over, once said. Another is
    /// said too, and the rows after it are read by its columns (read by ranges, the reading is
    /// dropped for one in order).
    #[cold]
    fn header_again<'r, S: Sink>(
        &self,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        ctx: &mut FileCtx<'_, S>,
    ) -> Again {
        // A header has a few dozen names (the file's own, however many, is compared below).
        if n > 4096 && n != self.width {
            return Again::No;
        }
        let mut names = ByteRecord::new();
        for i in 0..n {
            names.push_field(field(i).as_bytes());
        }
        let (columns, local) = match self.named(&names) {
            Named::No => return Again::No,
            Named::Same => {
                let w = format!("{}: its header is repeated inside it (exports joined?); each repeat is passed over", ctx.name);
                ctx.warn(w);
                return Again::Taken;
            }
            Named::Other(columns, local) => (columns, local),
        };
        match self.joined {
            Joined::Follow => {
                let w = format!("{}: a header in another column order inside it (exports joined?): the rows after it are read by its columns", ctx.name);
                ctx.warn(w);
                ctx.joined = true;
                if local {
                    ctx.local_times = true;
                    ctx.local_time_warning();
                }
                Again::Columns(columns)
            }
            Joined::Drop(flag) => {
                flag.store(true, Ordering::Relaxed);
                Again::Taken
            }
        }
    }

    /// What a row of `names` is to the rows read by this one: their header again, a header in
    /// another column order (its columns, and whether its time is a local one), or no header.
    fn named(&self, names: &ByteRecord) -> Named {
        let n = names.len();
        if n > 4096 && n != self.width {
            return Named::No;
        }
        // A file joined after another starts with its own byte-order mark.
        let mut unmarked = ByteRecord::new();
        for f in names {
            unmarked.push_field(self::unmarked(f));
        }
        let names = header_fields(&unmarked);
        let wanted = wanted_columns(&names.fields);
        let (message, properties) = (names.message, names.properties);
        if wanted == self.wanted
            && message == self.message
            && properties == self.properties
            && n == self.width
        {
            return Named::Same;
        }
        if wanted.len() + usize::from(message.is_some()) < 2 && !self.same_names(&unmarked) {
            return Named::No;
        }
        let columns = Columns {
            width: n,
            wanted,
            message,
            properties,
        };
        Named::Other(columns, names.local)
    }

    /// Whether `names` are the file header's in another order ([`Row::sorted`]).
    fn same_names(&self, names: &ByteRecord) -> bool {
        if self.sorted.is_empty() || names.len() != self.sorted.len() {
            return false;
        }
        let mut sorted: Vec<&[u8]> = names.iter().collect();
        sorted.sort_unstable();
        sorted.into_iter().eq(self.sorted.iter().map(|n| &n[..]))
    }

    /// Names a header row needs that [`names_a_column`] tells, to be looked at as one: two, or
    /// one when the file header names one only ([`Row::sorted`]).
    fn names_needed(&self) -> usize {
        if self.sorted.is_empty() {
            2
        } else {
            1
        }
    }

    /// Reads the cells of JSON of a row that has no code (a custom table's dynamic column in
    /// the portal's CSV: the whole event, or its `data` beside a `Type` column) into `raw`,
    /// when one holds a code: its fields first, the row's columns filling what it lacks (the
    /// event's own type and time before the table's); a cell of an array of records gives the
    /// records after the first in `more`. Only the cells that start with `{` or `[` are
    /// parsed. Returns the first column (1-based) whose JSON did not parse, and why.
    #[cold]
    fn json_cells<'r>(
        &self,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        raw: &mut Raw<'r>,
        more: &mut Vec<Raw<'static>>,
    ) -> Option<(usize, String)> {
        let mut unread = None;
        for i in 0..n {
            if !lacks_code(raw) {
                break;
            }
            if self.message == Some(i) || self.wanted.iter().any(|&(w, _)| w == i) {
                continue;
            }
            let cell = field(i);
            let t = cell.trim_start();
            if !t.starts_with('{') && !t.starts_with('[') {
                continue;
            }
            match super::json::records_in_cell(t) {
                Ok(records) if records.iter().any(|r| !lacks_code(r)) => {
                    let row = std::mem::take(raw);
                    let mut records = records.into_iter();
                    if let Some(first) = records.next() {
                        *raw = first;
                    }
                    for mut r in records {
                        r.fill_from(row.clone().into_owned());
                        more.push(r);
                    }
                    raw.fill_from(row);
                }
                Ok(_) => {}
                Err(why) => {
                    unread.get_or_insert((i + 1, why));
                }
            }
        }
        unread
    }

    /// The wanted fields of a row of the file's width, `field(i)` giving each.
    fn raw<'r>(&self, field: impl Fn(usize) -> Cow<'r, str>) -> Raw<'r> {
        let mut raw = Raw::default();
        self.fill(&mut raw, field);
        raw
    }

    /// Fills `raw` with the row's wanted fields; returns the records after the first when its
    /// log line's text holds several (a webhook body's events).
    fn fill<'r>(
        &self,
        raw: &mut Raw<'r>,
        field: impl Fn(usize) -> Cow<'r, str>,
    ) -> Vec<Raw<'static>> {
        // Records forwarded in a log line's text are the row's, as in JSON.
        if let Some(m) = self.message {
            let mut inner = super::json::forwarded_in(&field(m)).into_iter();
            if let Some(first) = inner.next() {
                *raw = first;
                return inner.collect();
            }
        }
        for &(i, f) in self.wanted {
            raw.set(f, Val::Str(field(i)));
        }
        if let Some(p) = self.properties {
            properties_into(raw, &field(p));
        }
        Vec::new()
    }
}

/// Fills what a row's own columns lack from its `properties` cell, as the JSON reader reads a
/// record's `properties` (the common schema's `resultSubcode` is there, beside the row's
/// `ResultSignature`): an object, or JSON text encoded as a string again. Text that starts as
/// an object and does not parse (cut short, a Python repr) makes the row a `not json` reject,
/// as in JSON: its subcode had been lost without a word, the row read as its signature alone.
#[cold]
fn properties_into<'r>(raw: &mut Raw<'r>, cell: &str) {
    use serde::de::Visitor;
    let seed = super::record_seed::NestedSeed(Context::Record);
    if let Ok(Some(mut inner)) = seed.visit_str::<serde_json::Error>(cell) {
        inner.name_not_json("properties");
        raw.fill_from(inner);
    }
}

/// Whether the columns read include the code or the signature.
fn has_code_column(wanted: &[(usize, Field)]) -> bool {
    (wanted.iter()).any(|&(_, f)| matches!(f, Field::ResultCode | Field::ResultSignature))
}

/// Whether a record has neither a code nor a signature.
fn lacks_code(raw: &Raw<'_>) -> bool {
    raw.get(Field::ResultCode).is_nullish() && raw.get(Field::ResultSignature).is_nullish()
}

mod long;

#[cfg(test)]
mod tests;
