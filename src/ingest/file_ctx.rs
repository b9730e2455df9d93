//! One file being read ([`FileCtx`]): its name, how its times are read and its counters; every
//! record, reject and warning of it on its way to the sink (a piece's rejects held until its
//! lines are known); and what its dates tell of their day/month order.

use std::sync::Arc;

use super::days::FileDays;
use super::{ledger, structure, Kept, Reject, Sink, MAX_RECORD_BYTES};
use crate::normalize::{self, DateOrder, Field, Outcome, Raw, TimeRules, Val};
use crate::record::{excerpt, At, Reason, SkipReason};

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
    pub(super) fn add(&mut self, o: OrderSeen) {
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
    pub(super) fn add(&mut self, o: Counts) {
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
    pub(super) fn order_settled(&mut self) {
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
    pub(super) fn reject_too_deep(&mut self, at: impl Into<At>, excerpt: String) {
        let why = format!("brackets nested more than {} deep", structure::MAX_NESTING);
        self.reject(at, Reason::TooDeep, why, excerpt);
    }

    /// Says how a value that did not parse was read: a comma before a closing bracket is
    /// ignored with a warning; text not in UTF-8 is read as a CSV row is, without a word.
    pub(super) fn repaired(&mut self, how: structure::Repair) {
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
    pub(super) fn release_parked(&mut self) {
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
    pub(super) fn learn_start(&mut self) {
        if self.parked.learn() {
            self.release_parked();
        }
    }
}

/// Hands on what was held, now that its line is known.
pub(super) fn place<S: Sink>(sink: &mut S, warnings: &mut Vec<String>, placed: ledger::Placed) {
    match placed {
        ledger::Placed::Reject(rej) => sink.reject(rej),
        ledger::Placed::Warning(w) => add_warning(warnings, w),
    }
}

/// Warnings one input keeps, at most. Most name what they are about (a line, a response), so
/// an input can make one of every record (a query API response with an `error` on each of a
/// million lines): each is checked against those before it, and all were kept.
pub(super) const MAX_WARNINGS: usize = 1_000;

/// The warning after [`MAX_WARNINGS`].
pub(super) const LEFT_OUT: &str = "more than 1000 warnings for one input: the rest are left out";

/// Adds `w` to `warnings`, unless they already have it; past [`MAX_WARNINGS`], [`LEFT_OUT`]
/// says that the rest were left out, and nothing after it is added or looked for.
pub(super) fn add_warning(warnings: &mut Vec<String>, w: String) {
    if warnings.len() > MAX_WARNINGS || warnings.contains(&w) {
        return;
    }
    if warnings.len() == MAX_WARNINGS {
        warnings.push(LEFT_OUT.into());
        return;
    }
    warnings.push(w);
}
