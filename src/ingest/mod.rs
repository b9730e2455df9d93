//! Ingest: find the input files, open them (gzip is detected by its magic bytes), detect each
//! one's shape from its content, and stream normalized records to a [`Sink`] as they are read.
//!
//! The shapes of `docs/export-formats.md` differ in two ways: the framing (one JSON value per
//! line, one JSON document, or a CSV table) and the record's own layout (common schema with
//! `properties`, flat PascalCase, all-string CLI rows, CloudEvents). The framing has a file
//! each here (`lines.rs`, `document.rs`, `csv.rs`); the layouts are all read by the fast
//! scanner of `scan.rs` where it can, else by the serde visitors of `json.rs`, and by the
//! field rules of `normalize.rs`.
//!
//! Files are read in parallel, and so are the blocks of one large file (`blocks.rs`): JSON
//! Lines cut at newlines, CSV at newlines outside quotes, a JSON array between elements. A
//! large plain file of JSON Lines is read by ranges instead, each worker reading its own
//! (`ranges.rs`), and its line numbers are worked out after the fact (`ledger.rs`). Each
//! worker feeds its own sink and the sinks are merged at the end.

mod blocks;
mod csv;
mod document;
mod elements;
pub mod json;
mod ledger;
mod lines;
mod open;
mod ranges;
mod record_seed;
mod rejects;
mod scan;
mod sources;
mod stops;
mod structure;

use std::io::{self, Cursor, Read, Seek};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Result;
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::config::{IngestSettings, InputFormat};
use crate::normalize::{self, DateOrder, Field, Outcome, Raw, TimeRules, Val};
pub use crate::record::Reject;
use crate::record::{excerpt, At, Reason, Record, SkipReason};
pub use rejects::{after_last, Place, RejectRows};

/// Largest record accepted, in bytes: a longer line is rejected, not buffered.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// Where records go. One sink per worker; the sinks are merged at the end.
pub trait Sink: Send + Sized {
    /// Takes one record, and says what became of it.
    fn record(&mut self, rec: &Record<'_>) -> Kept;
    fn reject(&mut self, rej: Reject);
    /// Counts a reject that cannot be among the [`crate::record::MAX_REJECT_ROWS`] kept (as
    /// many before it in the same file are held): its reason, without its row.
    fn reject_not_kept(&mut self, reason: Reason);
    /// Whether a reject at `file`, `line`, `record` comes after every row the sink keeps (as
    /// many before it are kept as can be): then only its reason is counted.
    fn past_kept(&self, _file: &str, _line: u64, _record: Option<u64>) -> bool {
        false
    }
    /// Keeps the sink's rejects in `rows` from now on, shared with the other sinks given it.
    fn share_rejects(&mut self, _rows: &RejectRows) {}
    /// What the sinks of one reading kept apart share ([`Sink::keep_apart`]).
    type Apart: Default + Send + Sync;
    /// Keeps apart from the other workers' sinks, from now on, what the sink shares with them
    /// (but its rejects: see [`Sink::share_rejects`]), sharing it with the sinks given the
    /// same `apart` instead: it reads part of a reading that may be dropped whole (a file read
    /// by ranges on a guess), which must leave nothing behind.
    fn keep_apart(&mut self, _apart: &Self::Apart) {}
    /// A record without an outcome by design (streaming usage, a lifecycle event).
    /// `time`: when the record has one (a streaming-usage record, counted by day).
    fn skip(&mut self, reason: SkipReason, time: Option<chrono::DateTime<chrono::Utc>>);
    /// An event skipped for want of a result that ends an action all the same (a PlayCanceled
    /// without `resultInformation`: [`normalize::canceled`]), after its [`Sink::skip`].
    fn skipped_end(&mut self, _rec: &Record<'_>) {}
    /// A skipped record that names its call's ACS resource (an Event Grid IncomingCall's
    /// `topic`: [`normalize::naming_call`]), after its [`Sink::skip`]: for the join of
    /// callback records to their calls' resources only, counted nowhere else.
    fn skipped_names(&mut self, _rec: &Record<'_>) {}
    fn merge(&mut self, other: Self);
    /// Called once on the merged sink when every input is read.
    fn done(&mut self) {}
}

/// What a sink did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Counted.
    Counted,
    /// Outside the `--since`/`--until` window: read, not counted.
    Outside,
    /// The sink holds no more of its kind (a budget of distinct keys spent): the record is
    /// rejected where it was read.
    Full,
}

/// What one input file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    /// `json lines`, `json document`, `csv`, `log lines`, or `unreadable`.
    pub shape: &'static str,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    /// Records outside the `--since`/`--until` window: read and valid, not counted (nor in
    /// `accepted`).
    pub outside: u64,
    /// The day/month order of its dates was guessed (month-first): its first rows could not
    /// tell it, and no later date did.
    pub order_guessed: bool,
    /// The run warned of it: a warning of its own, or it looks like a copy of another. The
    /// pages name such files before the others when they cannot name them all.
    pub warned: bool,
    /// The UTC days its accepted records fall on, kept for a file that looks like a copy of
    /// another or whose order was guessed (empty for the others): which days of the history
    /// their records are in doubt on.
    pub days: FileDays,
}

/// Distinct days a file's [`FileDays`] keeps: its records on any other day are counted apart.
pub const MAX_FILE_DAYS: usize = 366;

/// The UTC days of a file's accepted records, each with how many: the days a file that looks
/// like a copy of another, or whose dates were read in a guessed day/month order, puts records
/// on, which a history is not to take for whole days. A record on the day of the record before
/// it costs a comparison; a file of records on more than [`MAX_FILE_DAYS`] days keeps the first
/// ones met and counts the rest apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDays {
    /// Each day (days since the epoch) with its records, in day order.
    each: Vec<(i64, u64)>,
    /// Records on days past the first [`MAX_FILE_DAYS`].
    other: u64,
    /// The date of the last record, and the records of that run of them not yet in `each`
    /// (none yet: any date, no record).
    run: (chrono::NaiveDate, u64),
}

impl FileDays {
    /// Counts a record of the UTC `date`: its date as the record holds it, compared whole,
    /// where its day number would be worked out from its time on every record.
    fn count(&mut self, date: chrono::NaiveDate) {
        if self.run.0 == date {
            self.run.1 += 1;
            return;
        }
        self.flush();
        self.run = (date, 1);
    }

    /// Adds `n` records of `day` to `each`, or to `other` past its last place.
    fn put(&mut self, day: i64, n: u64) {
        match self.each.binary_search_by_key(&day, |e| e.0) {
            Ok(i) => self.each[i].1 += n,
            Err(_) if self.each.len() >= MAX_FILE_DAYS => self.other += n,
            Err(i) => self.each.insert(i, (day, n)),
        }
    }

    fn flush(&mut self) {
        let (date, n) = std::mem::take(&mut self.run);
        if n > 0 {
            use chrono::Datelike;
            // Days from 0001-01-01 to 1970-01-01.
            const EPOCH_FROM_CE: i64 = 719_163;
            self.put(i64::from(date.num_days_from_ce()) - EPOCH_FROM_CE, n);
        }
    }

    /// Adds another part's days (another worker's of the same file).
    fn add(&mut self, mut o: FileDays) {
        self.flush();
        o.flush();
        for (day, n) in o.each {
            self.put(day, n);
        }
        self.other += o.other;
    }

    /// Each day with its records, in day order, and the records on days not kept apart (a file
    /// of records on more than [`MAX_FILE_DAYS`] days): those may be on any day.
    pub fn each(&self) -> (&[(i64, u64)], u64) {
        debug_assert_eq!(self.run.1, 0, "days read before they were all counted");
        (&self.each, self.other)
    }
}

#[cfg(test)]
mod file_days_tests {
    use super::FileDays;

    /// Days are counted as numbers since the epoch, in order, whatever the order of the
    /// records and however parts are merged; past the days a file keeps, records are counted
    /// apart.
    #[test]
    fn a_file_s_days_are_counted_by_day_and_merged() {
        let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let day = |s: &str| crate::time::parse_day(s).unwrap();
        let mut a = FileDays::default();
        for d in [
            "1970-01-01",
            "2026-11-24",
            "2026-11-24",
            "2026-11-03",
            "1970-01-01",
        ] {
            a.count(date(d));
        }
        let mut b = FileDays::default();
        b.count(date("2026-11-03"));
        a.add(b);
        let want = [
            (day("1970-01-01"), 2),
            (day("2026-11-03"), 2),
            (day("2026-11-24"), 2),
        ];
        assert_eq!(a.each(), (&want[..], 0));
        let mut many = FileDays::default();
        let first = date("2026-01-01");
        for n in 0..400 {
            many.count(first + chrono::Days::new(n));
        }
        many.flush();
        let (each, other) = many.each();
        assert_eq!((each.len(), other), (366, 34));
    }
}

/// Some input files' accepted records and the days they fall on: those of the files that look
/// like copies of others (the same export twice), or those whose dates were read in a guessed
/// day/month order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilesDays {
    pub files: u64,
    pub records: u64,
    /// Each day, with how many of the files have records on it and how many records: none
    /// when a file's records fall on more days than it keeps apart ([`FileDays`]), which may
    /// then be any.
    pub days: Option<std::collections::BTreeMap<i64, (u64, u64)>>,
}

impl FilesDays {
    /// The files of `files` that `which` takes, with their days; none when it takes none.
    fn of<'a>(
        files: impl Iterator<Item = &'a FileReport>,
        which: impl Fn(&FileReport) -> bool,
    ) -> Option<FilesDays> {
        let mut all = FilesDays {
            days: Some(Default::default()),
            ..FilesDays::default()
        };
        for f in files.filter(|f| which(f)) {
            all.files += 1;
            all.records += f.accepted;
            let (each, other) = f.days.each();
            if other > 0 {
                all.days = None;
            }
            if let Some(days) = &mut all.days {
                for &(day, n) in each {
                    let d = days.entry(day).or_default();
                    *d = (d.0 + 1, d.1 + n);
                }
            }
        }
        (all.files > 0).then_some(all)
    }
}

/// What the whole ingest gave, besides the records.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
    /// Things the user should know but that are not errors (guessed date order, local times,
    /// no input at all). Every stage hands its warnings on in what it returns; the report
    /// gathers them.
    pub warnings: Vec<String>,
    /// The files that look like copies of others read too ([`open::copies`]): the same
    /// export twice doubles the night's records.
    pub copies: Vec<String>,
}

impl IngestReport {
    /// How many files look like copies of others read too, and the records accepted from
    /// them: what the same export read twice adds to the night.
    pub fn copied(&self) -> (usize, u64) {
        let records = (self.files.iter())
            .filter(|f| self.copies.contains(&f.path))
            .map(|f| f.accepted)
            .sum();
        (self.copies.len(), records)
    }

    /// The files that look like copies of others read too, and the days of their records:
    /// the days the same export read twice doubles.
    pub fn copied_days(&self) -> Option<FilesDays> {
        let copies: std::collections::HashSet<&str> =
            self.copies.iter().map(String::as_str).collect();
        FilesDays::of(self.files.iter(), |f| copies.contains(f.path.as_str()))
    }

    /// The files whose dates were read in a guessed day/month order, and the days of their
    /// records: days the guess may have made up (3 November read as 11 March).
    pub fn guessed_days(&self) -> Option<FilesDays> {
        FilesDays::of(self.files.iter(), |f| f.order_guessed)
    }
}

/// One file being read: its name, how to read times, and its counters.
pub(crate) struct FileCtx<'s, S> {
    pub name: Arc<str>,
    pub rules: TimeRules,
    pub sink: &'s mut S,
    pub counts: Counts,
    /// What the user should know about the file, each once (see [`IngestReport::warnings`]).
    pub warnings: Vec<String>,
    /// A `[Local Time]` record was met (and said once).
    pub local_times: bool,
    /// Rejects of a piece whose first line is not known yet, held until it is.
    pub(crate) parked: ledger::Parked,
    /// The time in the prefix of the line a body was logged after (see
    /// `structure::prefix_time`), while that body, read as a document, is read: it dates the
    /// body's records that carry none, as a body logged on one line is dated.
    pub(crate) logged_time: Option<(String, bool)>,
    /// A CSV header in another column order was met inside the file (exports joined): the
    /// rows after it are read by its columns, so the file in order.
    pub(crate) joined: bool,
    /// The day/month order its dates are read in is a guess: the warning that said so
    /// ([`FileCtx::order_guessed`]), taken back when a later date tells the order.
    pub(crate) guessed: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub outside: u64,
    /// The days of the accepted records.
    pub days: FileDays,
    /// What its dates told of the day/month order they were read in.
    pub order: OrderSeen,
}

/// What a file's dates told of the day/month order they are read in: noted as its records are
/// read, on every worker, and kept with the counts of a reading (a reading dropped drops it).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OrderSeen {
    /// A record's date could only be read in the guessed order ([`TimeRules::guessed`]):
    /// `10/13/2026` read month-first.
    pub confirmed: bool,
    /// The first other order a rejected record's date told (`13/10/2026` read month-first).
    pub told: Option<crate::time::DateOrder>,
}

impl OrderSeen {
    /// Adds what another piece of the same reading saw.
    fn add(&mut self, o: OrderSeen) {
        self.confirmed |= o.confirmed;
        self.told = self.told.or(o.told);
    }

    /// The order a reading in the order `rules` guessed is to be done again in, whatever
    /// reads it (whole, in parts, by ranges, apart): a date told it, against the guess, and
    /// none confirmed the guess. Dates of both orders keep the guessed reading, whose end says
    /// the others (rev68b F4: 10 day-first rows among 3,000 that could only be month-first had
    /// the file read again day-first, the 3,000 rejected).
    pub(crate) fn against_guess(self, rules: &TimeRules) -> Option<DateOrder> {
        self.told.filter(|_| rules.guessed && !self.confirmed)
    }
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.skipped += o.skipped;
        self.outside += o.outside;
        self.days.add(o.days);
        self.order.add(o.order);
    }
}

impl<S: Sink> FileCtx<'_, S> {
    /// A file's context, nothing read yet.
    pub(crate) fn new(name: Arc<str>, rules: TimeRules, sink: &mut S) -> FileCtx<'_, S> {
        FileCtx {
            name,
            rules,
            sink,
            counts: Counts::default(),
            warnings: Vec::new(),
            local_times: false,
            parked: Default::default(),
            joined: false,
            guessed: None,
            logged_time: None,
        }
    }

    /// Normalizes one source record and hands it on.
    /// Where it was (`at`) is worked out only for a reject.
    pub fn emit(
        &mut self,
        raw: &Raw<'_>,
        at: impl FnOnce() -> At,
        context: impl FnOnce() -> String,
    ) {
        self.emit_unless(raw, at, context, |_, _| false);
    }

    /// [`FileCtx::emit`], but a record that normalizing rejects is first given to `other`
    /// with the reason, which may take it for something else (a CSV header again) and say so:
    /// then it is not rejected.
    pub fn emit_unless(
        &mut self,
        raw: &Raw<'_>,
        at: impl FnOnce() -> At,
        context: impl FnOnce() -> String,
        other: impl FnOnce(&mut Self, Reason) -> bool,
    ) {
        if self.logged_time.is_some() && raw.time().0.is_nullish() {
            return self.emit_logged(raw, at, context, other);
        }
        if !self.local_times && raw.has_local_time() {
            self.local_times = true;
            self.local_time_warning();
        }
        // The record by reference where normalize left it: moving it out copied 360 bytes.
        match normalize::normalize(raw, &self.rules) {
            Outcome::Record(ref r) => {
                let kept = self.sink.record(r);
                if self.rules.guessed && !self.counts.order.confirmed {
                    self.order_confirmed(raw, true);
                }
                if kept == Kept::Counted {
                    self.counts.accepted += 1;
                    self.counts.days.count(r.time.naive_utc().date());
                } else if kept == Kept::Outside {
                    self.counts.outside += 1;
                } else {
                    let why = "more distinct (day, operation, log kind, code, subcode, resource, prompt kind) cells than a run keeps";
                    self.reject(at(), Reason::TooManyKeys, why.into(), context());
                }
            }
            Outcome::Skip(reason) => {
                self.counts.skipped += 1;
                // A date confirms the guess whatever its row becomes (rev68b F13), as one
                // tells the other order from a reject.
                if self.rules.guessed && !self.counts.order.confirmed {
                    self.order_confirmed(raw, false);
                }
                let time = (reason == SkipReason::StreamingUsage)
                    .then(|| normalize::time_of(raw, &self.rules))
                    .flatten();
                self.sink.skip(reason, time);
                // A CancelAddParticipantSucceeded (skipped: it carries the 487 of the invitation
                // it cancelled) ends the AddParticipant it cancels, as a PlayCanceled ends its Play.
                if matches!(reason, SkipReason::NoResult | SkipReason::SucceededEvent) {
                    if let Some(r) = normalize::event_of_call(raw, &self.rules) {
                        self.sink.skipped_end(&r);
                    }
                }
                if let Some(r) = normalize::naming_call(raw, reason, &self.rules) {
                    self.sink.skipped_names(&r);
                }
            }
            Outcome::Reject(reason, detail) => {
                if reason == Reason::NoTime {
                    if self.counts.order.told.is_none() {
                        self.order_contradicted(raw);
                    }
                } else if self.rules.guessed && !self.counts.order.confirmed {
                    self.order_confirmed(raw, false);
                }
                if !other(self, reason) {
                    self.reject(at(), reason, detail, context());
                }
            }
        }
    }

    /// [`FileCtx::emit_unless`] of a record of a body logged after a prefix that has a time
    /// ([`FileCtx::logged_time`]), the record carrying none of its own: dated by it.
    #[cold]
    #[inline(never)]
    fn emit_logged(
        &mut self,
        raw: &Raw<'_>,
        at: impl FnOnce() -> At,
        context: impl FnOnce() -> String,
        other: impl FnOnce(&mut Self, Reason) -> bool,
    ) {
        let mut dated = raw.clone();
        if let Some(time) = self.logged_time.take() {
            self.date_by_prefix(&mut dated, &time);
            self.logged_time = Some(time);
        }
        self.emit_unless(&dated, at, context, other);
    }

    /// Dates a record that carries no time of its own by `time`, the ISO time in the prefix of
    /// the log line it was logged after, and whether that carries its offset. One without (Python's
    /// logging writes the local time) is a local one: read at --local-offset or --local-tz,
    /// else as UTC, and said once.
    pub(crate) fn date_by_prefix(&mut self, raw: &mut Raw<'_>, (time, zoned): &(String, bool)) {
        if !raw.time().0.is_nullish() {
            return;
        }
        let field = if *zoned {
            Field::Time
        } else {
            Field::LocalTime
        };
        raw.set(field, Val::Str(time.clone().into()));
        if !zoned && !self.local_times {
            self.local_times = true;
            let w = match self.rules.local_offset {
                Some(zone) => format!("{}: the times before its lines' records carry no offset (a logger's local time); read in {zone} as given by --local-offset or --local-tz", self.name),
                None => format!("{}: the times before its lines' records carry no offset (a logger's local time); read as UTC (pass --local-tz ZONE or --local-offset +HH:MM to correct)", self.name),
            };
            self.warn(w);
        }
    }

    /// The time of a record, as its text: a locale date may tell its day/month order.
    fn time_text<'r>(raw: &'r Raw<'_>) -> Option<&'r str> {
        let time = [Field::Time, Field::LocalTime].map(|f| raw.get(f));
        time.into_iter().find_map(|v| match v {
            Val::Str(v) => Some(&**v),
            _ => None,
        })
    }

    /// Notes a record read in a guessed day/month order whose date could only be read in it,
    /// whatever the record became (a record, a skip, a reject for its code): `parsed`, its time
    /// was read (a record's), else it is read here (`10/13/2026 around noon` confirms nothing).
    #[cold]
    fn order_confirmed(&mut self, raw: &Raw<'_>, parsed: bool) {
        let Some(v) = Self::time_text(raw) else {
            return;
        };
        let seen = crate::time::order_evidence(v);
        if let (Some(seen), true) = (seen, seen == self.rules.order) {
            if parsed || crate::time::parse_locale(v, seen).is_some() {
                self.counts.order.confirmed = true;
            }
        }
    }

    /// Notes a record rejected for its time whose date has the other day/month order than the
    /// one the file's dates are read in (given or guessed), and is a time in it (not
    /// `24.11.2026 around noon`).
    fn order_contradicted(&mut self, raw: &Raw<'_>) {
        let (Some(read), Some(v)) = (self.rules.order, Self::time_text(raw)) else {
            return;
        };
        let Some(seen) = crate::time::order_evidence(v) else {
            return;
        };
        if read != seen && seen != DateOrder::Ymd && crate::time::parse_locale(v, seen).is_some() {
            self.counts.order.told = Some(seen);
        }
    }

    /// A date told the day/month order the file's first rows could not, against the guess: the
    /// file is read again in it (the reading in the guessed one dropped), and said so.
    pub(crate) fn order_relearned(&mut self, order: DateOrder) {
        self.rules.order = Some(order);
        self.rules.guessed = false;
        self.unguess();
        let w = format!(
            "{}: its first rows could not tell the day/month order of its dates; a later date told it, and the file was read again {}",
            self.name,
            order.words()
        );
        self.warn(w);
    }

    /// Says `w`, that the day/month order of the file's dates is guessed, and keeps that it
    /// is: the days its records go to may be made up, and a history keeps them partial.
    pub(crate) fn order_guessed(&mut self, w: String) {
        self.guessed = Some(w.clone());
        self.warn(w);
    }

    /// Takes back a guessed day/month order, and its warning: a later date told the order.
    fn unguess(&mut self) {
        if let Some(w) = self.guessed.take() {
            self.warnings.retain(|said| *said != w);
        }
    }

    /// At the end of the file's reading (that kept): what its dates told of the day/month
    /// order they were read in. A date of the other order (a file read in one pass, or by the
    /// order given) is said: its rows were rejected, and the dates before it that could not
    /// tell the order misdated. A date that could only be read in the guessed order, and none
    /// of the other, told it: the guess is taken back (its days are the file's, no longer in
    /// doubt; the dates before it were read in the order it told).
    fn order_settled(&mut self) {
        let seen = self.counts.order;
        match (seen.told, self.rules.order) {
            (Some(told), Some(read)) => {
                let w = format!(
                    "{}: some of its dates are {} though its dates were read {}: those rows are rejected, and dates that do not tell the order apart are misdated; pass --date-order {}",
                    self.name,
                    told.words(),
                    read.words(),
                    told.flag()
                );
                self.warn(w);
            }
            _ if seen.confirmed && self.rules.guessed => {
                self.rules.guessed = false;
                self.unguess();
            }
            _ => {}
        }
    }

    /// Says how `[Local Time]` values, which carry no offset, are read.
    pub fn local_time_warning(&mut self) {
        let w = match self.rules.local_offset {
            Some(zone) => format!(
                "{}: times are [Local Time] without an offset; read in {zone} as given by --local-offset or --local-tz",
                self.name
            ),
            None => format!(
                "{}: times are [Local Time] without an offset; read as UTC (pass --local-tz ZONE or --local-offset +HH:MM to correct)",
                self.name
            ),
        };
        self.warn(w);
    }

    /// Adds a warning, unless the file already has the same one.
    pub fn warn(&mut self, w: String) {
        add_warning(&mut self.warnings, w);
    }

    /// The input says its result is incomplete: one warning per file.
    pub fn incomplete(&mut self, why: &str) {
        let w = format!(
            "{}: the export says its result is incomplete, so counts may be short: {why}",
            self.name
        );
        self.warn(w);
    }

    /// Rejects the record at `at` (a line, or an [`At`]).
    pub fn reject(
        &mut self,
        at: impl Into<At>,
        reason: Reason,
        detail: String,
        excerpt_text: String,
    ) {
        let at = at.into();
        self.counts.rejected += 1;
        self.parked
            .count_reject(|reason| self.sink.reject_not_kept(reason));
        self.learn_start();
        // A piece that does not know its first line counts from it, and from the lines before
        // the first piece not yet counted: its line is then at most the line in the file, so a
        // reject after the kept rows there is after them here too.
        let least = self.parked.least_line(at.line);
        if self.sink.past_kept(&self.name, least, at.record) {
            self.sink.reject_not_kept(reason);
            return;
        }
        let rej = Reject::new(
            self.name.clone(),
            at,
            reason,
            &detail,
            &excerpt(&excerpt_text, 120),
        );
        match self.parked.hold_reject(rej) {
            ledger::Holding::Given(rej) => self.sink.reject(rej),
            ledger::Holding::NotKept(reason) => self.sink.reject_not_kept(reason),
            ledger::Holding::Held => {}
        }
    }

    /// Rejects the record at `line` as longer than a record may be; `head`: its first bytes.
    pub fn reject_too_large(&mut self, line: u64, head: &[u8]) {
        let head = String::from_utf8_lossy(&head[..head.len().min(200)]).into_owned();
        let why = format!("longer than {} MiB", MAX_RECORD_BYTES >> 20);
        self.reject(line, Reason::TooLarge, why, head);
    }

    /// Rejects the value at `at` as nested deeper than [`structure::MAX_NESTING`], which no
    /// parser is let recurse into; `excerpt`: its first bytes, as text.
    fn reject_too_deep(&mut self, at: impl Into<At>, excerpt: String) {
        let why = format!("brackets nested more than {} deep", structure::MAX_NESTING);
        self.reject(at, Reason::TooDeep, why, excerpt);
    }

    /// Says how a value that did not parse was read: a comma before a closing bracket is
    /// ignored with a warning; text not in UTF-8 is read as a CSV row is, without a word.
    fn repaired(&mut self, how: structure::Repair) {
        if how == structure::Repair::TrailingCommas {
            let w = format!(
                "{}: a comma before a closing bracket was ignored",
                self.name
            );
            self.warn(w);
        }
    }

    /// Warns about `line` (`head`, the line's number, `tail`), once its number is known.
    pub fn warn_at_line(&mut self, head: String, line: u64, tail: &'static str) {
        self.learn_start();
        if let Some(w) = self.parked.hold_warning(head, line, tail) {
            self.warn(w);
        }
    }

    /// Hands on what was held whose lines are now known.
    fn release_parked(&mut self) {
        let FileCtx {
            parked,
            sink,
            warnings,
            ..
        } = self;
        parked.release(|placed| place(&mut **sink, warnings, placed));
    }

    /// Once the piece being parsed learns the lines before it, places what it held: from then
    /// on it holds nothing.
    fn learn_start(&mut self) {
        if self.parked.learn() {
            self.release_parked();
        }
    }
}

/// Hands the pieces of one file (blocks, batches) to one worker per thread, each with its own
/// sink, and merges them into `ctx`. One sink per thread, whatever the number of pieces, keeps
/// memory flat however large the file.
pub(crate) fn in_parallel<T, I, S, M, W>(pieces: I, ctx: &mut FileCtx<'_, S>, make: &M, work: W)
where
    I: Iterator<Item = T> + Send,
    S: Sink,
    M: Fn() -> S + Sync,
    W: Fn(T, &mut FileCtx<'_, S>) + Sync,
{
    let parts = run_parallel(pieces, ctx, make, work);
    merge_parts(parts, ctx);
}

/// [`in_parallel`] with one worker, the one that reads the file: what it makes of the pieces
/// comes to `ctx` as one worker's part does.
pub(crate) fn in_order<T, S, M, W>(
    mut pieces: impl Iterator<Item = T>,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    work: W,
) where
    S: Sink,
    M: Fn() -> S,
    W: Fn(T, &mut FileCtx<'_, S>),
{
    let seed = Seed::of(ctx);
    let part = worker(|| pieces.next(), &seed, make, &work);
    merge_parts(vec![part], ctx);
}

/// What a worker's context starts with, of the context of the file it reads a piece of.
struct Seed {
    name: Arc<str>,
    rules: TimeRules,
    /// [`FileCtx::logged_time`]: the pieces may be those of a body logged after a prefix (an
    /// array of more than 32 KiB, read in blocks), whose records without a time it dates as
    /// it dates those of a smaller one.
    logged_time: Option<(String, bool)>,
}

impl Seed {
    fn of<S>(ctx: &FileCtx<'_, S>) -> Seed {
        Seed {
            name: ctx.name.clone(),
            rules: ctx.rules,
            logged_time: ctx.logged_time.clone(),
        }
    }
}

/// One worker of [`run_parallel`]: the pieces `next` gives, into a sink of its own.
fn worker<T, S, M, W>(
    mut next: impl FnMut() -> Option<T>,
    seed: &Seed,
    make: &M,
    work: &W,
) -> Part<S>
where
    S: Sink,
    M: Fn() -> S,
    W: Fn(T, &mut FileCtx<'_, S>),
{
    let mut sink = make();
    let mut c = FileCtx::new(seed.name.clone(), seed.rules, &mut sink);
    c.logged_time.clone_from(&seed.logged_time);
    while let Some(piece) = next() {
        work(piece, &mut c);
    }
    let (counts, warnings, parked) = (c.counts, c.warnings, c.parked);
    Part {
        sink,
        counts,
        warnings,
        parked,
    }
}

/// Hands on what was held, now that its line is known.
fn place<S: Sink>(sink: &mut S, warnings: &mut Vec<String>, placed: ledger::Placed) {
    match placed {
        ledger::Placed::Reject(rej) => sink.reject(rej),
        ledger::Placed::Warning(w) => add_warning(warnings, w),
    }
}

/// Warnings one input keeps, at most. Most name what they are about (a line, a response), so
/// an input can make one of every record (a query API response with an `error` on each of a
/// million lines): each is checked against those before it, and all were kept.
const MAX_WARNINGS: usize = 1_000;

/// The warning after [`MAX_WARNINGS`].
const LEFT_OUT: &str = "more than 1000 warnings for one input: the rest are left out";

/// Adds `w` to `warnings`, unless they already have it; past [`MAX_WARNINGS`], [`LEFT_OUT`]
/// says that the rest were left out, and nothing after it is added or looked for.
fn add_warning(warnings: &mut Vec<String>, w: String) {
    if warnings.len() > MAX_WARNINGS || warnings.contains(&w) {
        return;
    }
    if warnings.len() == MAX_WARNINGS {
        warnings.push(LEFT_OUT.into());
        return;
    }
    warnings.push(w);
}

/// What one worker of [`run_parallel`] made of the pieces it took.
pub(crate) struct Part<S> {
    sink: S,
    counts: Counts,
    warnings: Vec<String>,
    parked: ledger::Parked,
}

/// The work of [`in_parallel`], its parts not yet merged: a caller that finds them wrong
/// (pieces cut on a guess that proved false) drops them and reads the file another way.
pub(crate) fn run_parallel<T, I, S, M, W>(
    pieces: I,
    ctx: &FileCtx<'_, S>,
    make: &M,
    work: W,
) -> Vec<Part<S>>
where
    I: Iterator<Item = T> + Send,
    S: Sink,
    M: Fn() -> S + Sync,
    W: Fn(T, &mut FileCtx<'_, S>) + Sync,
{
    let pieces = std::sync::Mutex::new(pieces);
    let next = || pieces.lock().ok().and_then(|mut p| p.next());
    let seed = Seed::of(ctx);
    (0..rayon::current_num_threads())
        .into_par_iter()
        .map(|_| worker(next, &seed, make, &work))
        .collect()
}

/// Worker threads a core, at most, that `RAYON_NUM_THREADS` may ask for ([`cap_threads`]).
pub const THREADS_PER_CORE: usize = 4;

/// The worker threads to run on when `RAYON_NUM_THREADS` asks for `asked` on `cores` cores and
/// that is more than [`THREADS_PER_CORE`] a core: threads past that only wait on each other,
/// and rayon's work queues make each wait cost more the more threads there are (2,048 threads
/// took 23 s on a one-line file on 2 cores, 1,024 took 4.9 s, 2 took 0.08 s). `None` when
/// `asked` is not more (or is no number, which rayon reads as its default).
pub fn threads_capped(asked: Option<&str>, cores: usize) -> Option<usize> {
    // As rayon reads it: a number as it is, no blanks.
    let asked: usize = asked?.parse().ok()?;
    let cap = cores.max(1).saturating_mul(THREADS_PER_CORE);
    (asked > cap).then_some(cap)
}

/// Caps the worker threads `RAYON_NUM_THREADS` asks for ([`threads_capped`]) before any work
/// starts, and says so: the warning, when it caps them.
pub fn cap_threads() -> Option<String> {
    let asked = std::env::var("RAYON_NUM_THREADS").ok();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = threads_capped(asked.as_deref(), cores)?;
    // Fails only when the pool is already built, which nothing before this does.
    rayon::ThreadPoolBuilder::new()
        .num_threads(cap)
        .build_global()
        .ok()?;
    Some(format!(
        "RAYON_NUM_THREADS={} is more than {THREADS_PER_CORE} threads a core ({cores} cores here): running on {cap}",
        crate::text::line(asked.as_deref().unwrap_or_default())
    ))
}

/// Merges the parts of [`run_parallel`] into `ctx`.
pub(crate) fn merge_parts<S: Sink>(parts: Vec<Part<S>>, ctx: &mut FileCtx<'_, S>) {
    // Rejects still held are those of pieces parsed while one before them was still being
    // counted by another worker: every piece is counted now.
    let mut held = Vec::new();
    let mut warnings = Vec::new();
    for part in parts {
        ctx.sink.merge(part.sink);
        ctx.counts.add(part.counts);
        warnings.extend(part.warnings);
        held.push(part.parked);
    }
    for placed in held.into_iter().flat_map(ledger::Parked::all) {
        place(&mut *ctx.sink, &mut warnings, placed);
    }
    // Which worker met a warning first depends on timing: the same run says them in the same
    // order (numbers in them, such as lines, compared as numbers). A worker that left some out
    // says so after them all.
    let left_out = warnings.iter().any(|w| w == LEFT_OUT);
    warnings.retain(|w| w != LEFT_OUT);
    warnings.sort_by_cached_key(|w| natural_key(w));
    for w in warnings {
        ctx.warn(w);
    }
    if left_out && ctx.warnings.len() <= MAX_WARNINGS {
        ctx.warnings.push(LEFT_OUT.into());
    }
}

/// `s` as runs of text and numbers, so that `line 900` sorts before `line 1000`.
fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let text = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let digits = rest[text..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |n| text + n);
        let number = rest[text..digits].parse().unwrap_or(u64::MAX);
        key.push((rest[..text].to_string(), number));
        rest = &rest[digits..];
    }
    key
}

pub(crate) type Input = Box<dyn Read + Send>;

/// A reader that fails once with a stored error.
pub(super) struct FailOnce(pub(super) Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

use open::{
    body_further, detect, json_dates, large_plain, open, prefix_at, shape_name, tells_as_much,
    Coding, Later, FIRST_PREFIX_BYTES, PREFIX_BYTES,
};
pub use sources::{
    changed_since, is_own_page, is_report_file, regular_files, total_bytes, Stamp, NO_INPUT_FILES,
    WALKED_EXTENSIONS,
};
use sources::{sources, Source};

/// The shape of a log whose lines carry records after a prefix (see `lines::read_log`).
const LOG_LINES: &str = "log lines";

/// Reads one source into `sink`. Never fails: an unreadable file is a reject. `copy`: it looks
/// like a copy of another input, and its report keeps the days of its records, as does that of
/// a file whose day/month order is guessed.
fn read_source<S: Sink, M: Fn() -> S + Sync>(
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

/// Reads every input into sinks made by `make`, in parallel, and merges them into one.
pub fn ingest<S: Sink, M: Fn() -> S + Sync>(
    settings: &IngestSettings,
    progress: Option<&ProgressBar>,
    make: M,
) -> Result<(S, IngestReport)> {
    let (srcs, mut walk_warnings) = sources(settings);
    let (copies, said): (Vec<String>, Vec<String>) = open::copies(&srcs).into_iter().unzip();
    walk_warnings.extend(said);
    let copy_names: std::collections::HashSet<&str> = copies.iter().map(String::as_str).collect();
    // Files are read in parallel, each into the sink of the worker that reads it, and the
    // workers' sinks merged as they finish: a sink per file kept to the end would make memory
    // grow with the number of files.
    let (mut total, mut files) = srcs
        .par_iter()
        .enumerate()
        .fold(
            || (make(), Vec::new()),
            |(mut sink, mut files), (i, src)| {
                let copy = copy_names.contains(src.name.as_str());
                let (fr, warnings) = read_source(src, settings, progress, &mut sink, &make, copy);
                files.push((i, fr, warnings));
                (sink, files)
            },
        )
        .reduce(
            || (make(), Vec::new()),
            |(mut a, mut files), (b, more)| {
                a.merge(b);
                files.extend(more);
                (a, files)
            },
        );
    blocks::release_buffers();
    files.sort_by_key(|(i, _, _)| *i);
    let mut report = IngestReport {
        warnings: walk_warnings,
        copies,
        ..IngestReport::default()
    };
    for (_, fr, warnings) in files {
        report.files.push(fr);
        report.warnings.extend(warnings);
    }
    // No files at all is said by `sources`.
    if !report.files.is_empty()
        && report
            .files
            .iter()
            .all(|f| f.accepted + f.rejected + f.skipped + f.outside == 0)
    {
        report.warnings.push("the inputs hold no records".into());
    }
    total.done();
    Ok((total, report))
}

#[cfg(test)]
mod tests_shapes;

#[cfg(test)]
mod tests_detect;

#[cfg(test)]
mod tests_mutation;

#[cfg(test)]
mod threads_tests {
    /// RAYON_NUM_THREADS past four threads a core is capped there (rev70a F14: 2,048 threads
    /// took 23 s on a one-line file on 2 cores).
    #[test]
    fn threads_asked_past_four_a_core_are_capped() {
        use super::threads_capped;
        assert_eq!(threads_capped(Some("2048"), 2), Some(8));
        assert_eq!(threads_capped(Some("9"), 2), Some(8));
        assert_eq!(threads_capped(Some("8"), 2), None);
        assert_eq!(threads_capped(Some("1"), 2), None);
        assert_eq!(threads_capped(Some("100000"), 64), Some(256));
        // Values rayon reads as its default (one thread a core) are left to it.
        for v in ["abc", "0", "-1", "", " 9 "] {
            assert_eq!(threads_capped(Some(v), 2), None, "{v}");
        }
        assert_eq!(threads_capped(None, 2), None);
        assert_eq!(threads_capped(Some("5"), 0), Some(4), "no core count: one");
    }
}
