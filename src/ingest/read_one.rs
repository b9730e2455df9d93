//! Reading one input: its first bytes, its framing (given, or detected from them) and the reader
//! it goes to (a large plain file by ranges, a document's arrays or a CSV's rows in parts, a
//! file read apart to be read again, else in one pass); an input that cannot be read is one
//! reject.

use std::io::{self, Cursor, Read, Seek};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use indicatif::ProgressBar;

use super::days::FileDays;
use super::file_ctx::{place, FileCtx};
use super::open::{
    body_further, detect, json_dates, large_plain, open, prefix_at, shape_name, tells_as_much,
    Coding, Later, FIRST_PREFIX_BYTES, PREFIX_BYTES,
};
use super::sources::{self, Source};
use super::{
    blocks, csv, document, lines, open, ranges, FailOnce, FileReport, Input, RejectRows, Sink,
};
use crate::config::{IngestSettings, InputFormat};
use crate::normalize::TimeRules;
use crate::record::Reason;

/// The shape of a log whose lines carry records after a prefix (see `lines::read_log`).
const LOG_LINES: &str = "log lines";

/// Reads one source into `sink`. Never fails: an unreadable file is a reject. `copy`: it looks
/// like a copy of another input, and its report keeps the days of its records, as does that of
/// a file whose day/month order is guessed.
pub(super) fn read_source<S: Sink, M: Fn() -> S + Sync>(
    src: &Source,
    settings: &IngestSettings,
    progress: Option<&ProgressBar>,
    sink: &mut S,
    make: &M,
    copy: bool,
) -> (FileReport, Vec<String>) {
    let name: Arc<str> = Arc::from(src.name.as_str());
    let rules = TimeRules {
        order: settings.date_order,
        local_offset: settings.local_offset,
        guessed: false,
    };
    let mut ctx = FileCtx::new(name.clone(), rules, sink);
    let mut shape = "unreadable";
    let path = src.path.as_ref().filter(|_| src.problem.is_none());
    let began = path.and_then(|p| sources::stamp(p.clone()));
    let result = (|| -> io::Result<()> {
        // A callback endpoint's first body past its first megabyte, once looked for.
        let mut further = None;
        // A large plain file of JSON Lines or CSV is read by ranges, every worker reading its own.
        if let Some((file, size)) = large_plain(src, ranges::MIN_BYTES)? {
            let prefix = prefix_at(&file)?;
            let bom = bom_len(&prefix);
            let format = settings
                .input_format
                .unwrap_or_else(|| detect(&prefix[bom..]));
            let plain = ranges::Plain {
                file: &file,
                head: &prefix,
                start: bom as u64,
                size,
                lines: 0,
            };
            if format == InputFormat::Jsonl {
                shape = shape_name(format);
                json_dates(&prefix[bom..], &mut ctx);
                // Dates that take back a guessed order have it read again in theirs.
                if !lines::read_ranges(&plain, progress, &mut ctx, make) {
                    lines::read_ranges(&plain, progress, &mut ctx, make);
                }
                return Ok(());
            }
            // CSV by ranges after its header (read from the input, which the ranges count on
            // the progress bar), unless its lines end with a lone CR (see below).
            // (A callback endpoint's log among them is read below, see `lines::read_log`.)
            let log = || settings.input_format.is_none() && lines::prefixed_log(&prefix[bom..]);
            if format == InputFormat::Csv && !lone_cr(&prefix) && !log() {
                further = Some(look_further(src, settings, format, &prefix[bom..], true));
            }
            if format == InputFormat::Csv && !lone_cr(&prefix) && !log() && further == Some(None) {
                shape = shape_name(format);
                let mut rest = file.try_clone()?;
                rest.seek(io::SeekFrom::Start(prefix.len() as u64))?;
                let input: Input = Box::new(Cursor::new(prefix[bom..].to_vec()).chain(rest));
                return csv::read(input, &mut ctx, make, Some((&plain, progress)), None);
            }
        }
        let (given, order_known) = (settings.input_format, ctx.rules.order.is_some());
        let (input, coding) = open(src, progress)?;
        // A regular file's size (one look at it: whether it is read as it is, and in parts).
        let size = file_size(src);
        let regular = coding == Coding::Plain && size.is_some();
        let (prefix, input) = with_prefix(input, given, order_known, regular);
        let mut format = settings.input_format.unwrap_or_else(|| detect(&prefix));
        let further =
            further.unwrap_or_else(|| look_further(src, settings, format, &prefix, size.is_some()));
        if further == Some(Later::Indented) {
            format = InputFormat::Json;
        }
        shape = shape_name(format);
        // A callback endpoint's log, its bodies after a prefix on each line: as CSV, it names no
        // known column, and each of its lines had been a reject.
        if settings.input_format.is_none()
            && format == InputFormat::Csv
            && (lines::prefixed_log(&prefix) || further == Some(Later::OneLine))
        {
            shape = LOG_LINES;
            let whole: Input = Box::new(blocks::Prefix::new(prefix).chain(input));
            return lines::read_log(whole, &mut ctx, make);
        }
        if format != InputFormat::Csv {
            json_dates(&prefix, &mut ctx);
        }
        let cr_only = lone_cr(&prefix);
        let whole: Input = Box::new(blocks::Prefix::new(prefix).chain(input));
        // The file again from its start, as `whole` is.
        let again = || -> io::Result<Input> {
            let (prefix, input) = with_prefix(open(src, None)?.0, given, order_known, regular);
            Ok(Box::new(blocks::Prefix::new(prefix).chain(input)))
        };
        // Read apart, to be dropped and read again: in parts, or, a grid's JSON whose dates
        // are read in a guessed order, in one pass (as a CSV file read by ranges is, whatever
        // its size; rev68b F7).
        let parts = !cr_only && in_parts(size, coding);
        let apart = match format {
            InputFormat::Json | InputFormat::Csv if parts => Some(true),
            InputFormat::Json | InputFormat::Jsonl if again_cheap(size, coding, &ctx) => {
                Some(false)
            }
            _ => None,
        };
        let whole = match apart {
            Some(parts) => {
                if read_apart(whole, format, parts, &again, &mut ctx, make) {
                    return Ok(());
                }
                // Read again in blocks, which the progress bar does not count: it counted what
                // the first reading read, and falls short by the rest of the file.
                again()?
            }
            None => whole,
        };
        match format {
            InputFormat::Jsonl => lines::read(whole, &mut ctx, make),
            InputFormat::Json => document::read(whole, &mut ctx, make, None, lines::one_line_body),
            InputFormat::Csv => {
                let whole: Input = if cr_only {
                    Box::new(csv::CrAsLf(whole))
                } else {
                    whole
                };
                csv::read(whole, &mut ctx, make, None, None)
            }
        }
    })();
    // A file cut, replaced or written to as it was read (an export still being copied): its
    // counts are of the bytes read, which may end inside a record far from its new end.
    if let Some(began) = &began {
        let ended = path.and_then(|p| sources::stamp(p.clone()));
        if let Some(what) = sources::changed_while_read(began, ended.as_ref()) {
            let w = format!(
                "{}: {what}: its counts are of what was read; read it again once it is whole",
                ctx.name
            );
            ctx.warn(w);
        }
    }
    // Nothing is held past the file's last piece; were a piece's lines never counted, what it
    // held is still handed on (at the lines known), never only counted.
    for placed in std::mem::take(&mut ctx.parked).all() {
        place(&mut *ctx.sink, &mut ctx.warnings, placed);
    }
    if let Err(e) = result {
        // One reject, but maybe an hour of records: said where the run's warnings are.
        let w = match ctx.counts.accepted + ctx.counts.rejected + ctx.counts.skipped {
            0 => format!("{}: unreadable ({e}); none of its records count", ctx.name),
            n => format!(
                "{}: unreadable ({e}) after {n} records; the rest of it does not count",
                ctx.name
            ),
        };
        ctx.warn(w);
        ctx.reject(0, Reason::Unreadable, e.to_string(), String::new());
    }
    ctx.order_settled();
    // Only the days a history is to doubt are kept: a file's days are a few bytes, but of
    // files by the hundred thousand.
    let mut days = std::mem::take(&mut ctx.counts.days);
    days.flush();
    let report = FileReport {
        path: src.name.clone(),
        shape,
        accepted: ctx.counts.accepted,
        rejected: ctx.counts.rejected,
        skipped: ctx.counts.skipped,
        outside: ctx.counts.outside,
        order_guessed: ctx.guessed.is_some(),
        warned: copy || !ctx.warnings.is_empty(),
        days: if copy || ctx.guessed.is_some() {
            days
        } else {
            FileDays::default()
        },
    };
    (report, ctx.warnings)
}

/// A callback endpoint's first body past the first megabyte of its log (see
/// [`body_further`]), looked for in a file that detection took for CSV (`format`) from its
/// first bytes, `prefix`: when no format is given, they are a whole [`PREFIX_BYTES`], name no
/// known column (a log's line cut right after a key names none: `lines::no_csv_header`) and
/// hold no body, and the file is a regular one (`regular`), read again from
/// its start (standard input or a pipe cannot be: taken for CSV, as before). A file that
/// cannot be read again is taken for CSV too.
fn look_further(
    src: &Source,
    settings: &IngestSettings,
    format: InputFormat,
    prefix: &[u8],
    regular: bool,
) -> Option<Later> {
    let look = settings.input_format.is_none()
        && format == InputFormat::Csv
        && regular
        && prefix.len() as u64 >= PREFIX_BYTES
        && lines::no_csv_header(prefix)
        && !lines::prefixed_log(prefix);
    if !look {
        return None;
    }
    body_further(open(src, None).ok()?.0).ok().flatten()
}

/// An opened input's first bytes, its byte-order mark dropped, and the rest of it: as far as
/// they tell what its first [`PREFIX_BYTES`] would (see [`tells_as_much`]; `regular`: a
/// regular file read as it is), else those.
fn with_prefix(
    mut input: Input,
    given: Option<InputFormat>,
    order_known: bool,
    regular: bool,
) -> (Vec<u8>, Input) {
    let mut prefix = blocks::take_prefix(FIRST_PREFIX_BYTES as usize);
    // A read error in the prefix (a corrupt gzip) is reported after the records before it.
    let mut prefix_error = (&mut input)
        .take(FIRST_PREFIX_BYTES)
        .read_to_end(&mut prefix)
        .err();
    let bom = bom_len(&prefix);
    if prefix_error.is_none()
        && prefix.len() as u64 == FIRST_PREFIX_BYTES
        && !tells_as_much(&prefix[bom..], given, order_known, regular)
    {
        prefix_error = (&mut input)
            .take(PREFIX_BYTES - FIRST_PREFIX_BYTES)
            .read_to_end(&mut prefix)
            .err();
    }
    if prefix_error.is_none() {
        let more = |b: &mut Vec<u8>, n: usize| (&mut input).take(n as u64).read_to_end(b);
        prefix_error = open::to_first_line_end(&mut prefix, more).err();
    }
    let input: Input = match prefix_error {
        Some(e) => Box::new(FailOnce(Some(e))),
        None => input,
    };
    prefix.drain(..bom);
    (prefix, input)
}

/// Whether a JSON document's arrays or a CSV file's rows are read in parts first (see
/// `elements::read_array`, `csv::Parts`): a regular file of `size` bytes (it can be read
/// again), smaller than a file read by ranges and larger than a part (256 files of 4 MiB held
/// a block of 4 MiB per worker), and when gzipped, small enough that its parts, read by one
/// worker, stay short behind its inflation.
fn in_parts(size: Option<u64>, coding: Coding) -> bool {
    let max = if coding == Coding::Gzip {
        1 << 20
    } else {
        ranges::MIN_BYTES
    };
    size.is_some_and(|n| (256 << 10..max).contains(&n))
}

/// Whether a file not read in parts, whose dates are read in a guessed day/month order, is
/// read apart, to be read again should its dates take the guess back: a regular file of
/// `size` bytes, when gzipped small enough to inflate twice (as one read in parts; not a
/// larger gzip, nor standard input or a pipe, which cannot be read again).
fn again_cheap<S: Sink>(size: Option<u64>, coding: Coding, ctx: &FileCtx<'_, S>) -> bool {
    let small = |n: u64| coding != Coding::Gzip || n < 1 << 20;
    ctx.rules.guessed && size.is_some_and(small)
}

/// The size of a source that is a regular file (not standard input, a FIFO or a device).
fn file_size(src: &Source) -> Option<u64> {
    let path = src.path.as_deref().filter(|_| src.problem.is_none())?;
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then_some(meta.len())
}

/// Reads a file into a sink of its own, which comes to `ctx` when it is read whole: `parts`, a
/// JSON document's arrays (see `elements::read_array`) or a CSV file's rows (see `csv::Parts`)
/// in parts, else a JSON document or JSON Lines in one pass. False when the reading may depend
/// on where blocks are cut (or failed), or its dates took back a guessed day/month order: the
/// file is to be read again in blocks (in that order). `again`: the file from its start, as
/// `whole` is.
fn read_apart<S: Sink, M: Fn() -> S + Sync>(
    whole: Input,
    format: InputFormat,
    parts: bool,
    again: &dyn Fn() -> io::Result<Input>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> bool {
    let spoiled = AtomicBool::new(false);
    // Its sinks keep their rejects, and what they share, apart from the run's until they are
    // merged (as a file read by ranges does): a reading dropped must leave nothing behind.
    let rows = RejectRows::default();
    let apart = S::Apart::default();
    let make = || {
        let mut sink = make();
        sink.share_rejects(&rows);
        sink.keep_apart(&apart);
        sink
    };
    let mut sink = make();
    let mut c = FileCtx::new(ctx.name.clone(), ctx.rules, &mut sink);
    c.local_times = ctx.local_times;
    let read = match (format, parts) {
        (InputFormat::Csv, _) => {
            let parts = csv::Parts {
                spoiled: &spoiled,
                again,
            };
            csv::read(whole, &mut c, &make, None, Some(parts))
        }
        (InputFormat::Jsonl, _) => lines::read(whole, &mut c, &make),
        (_, true) => document::read(whole, &mut c, &make, Some(&spoiled), lines::one_line_body),
        (_, false) => document::read(whole, &mut c, &make, None, lines::one_line_body),
    };
    // A date told the day/month order that the first rows could not, against the guess, and
    // none confirmed the guess: read again in it.
    let told = c.counts.order.against_guess(&c.rules);
    if read.is_err() || spoiled.load(Ordering::Relaxed) || told.is_some() {
        if let Some(order) = told {
            ctx.order_relearned(order);
        }
        ctx.joined |= c.joined;
        return false;
    }
    let (counts, warnings, parked, local_times) = (c.counts, c.warnings, c.parked, c.local_times);
    if c.guessed.is_some() {
        ctx.guessed = c.guessed.take();
    }
    // The day/month order the reading found.
    ctx.rules = c.rules;
    ctx.sink.merge(sink);
    ctx.counts.add(counts);
    ctx.local_times = local_times;
    for w in warnings {
        ctx.warn(w);
    }
    for placed in parked.all() {
        place(&mut *ctx.sink, &mut ctx.warnings, placed);
    }
    true
}

/// The length of the UTF-8 byte-order mark `b` starts with, if any: Excel and Windows tools put
/// one before CSV and JSON alike.
fn bom_len(b: &[u8]) -> usize {
    if b.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    }
}

/// Whether a file's first bytes end lines with a lone CR (Excel's "CSV (Macintosh)"): no LF, a CR.
fn lone_cr(prefix: &[u8]) -> bool {
    memchr::memchr(b'\n', prefix).is_none() && memchr::memchr(b'\r', prefix).is_some()
}
