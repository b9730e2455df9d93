//! The aggregate as ingest's [`Sink`]: each record counted into its cell (a batch at a time,
//! its call interned at the flush), its message, diagnostic, SDK and target beside it; rejects
//! and skipped records counted; and once done, the cells summed into the report's tables.

use std::sync::OnceLock;

use chrono::{DateTime, Timelike, Utc};
use foldhash::HashMap;

use super::budget::rec_cell_hash;
use super::call_ids::guid;
use super::interner::{inline, Inline, INLINE};
use super::silent::Mark;
use super::{joins, Aggregator, CallIds, Cell, CellStats, Spill};
use crate::ingest::{after_last, Kept, Reject, RejectRows, Sink};
use crate::normalize::{Kind, Reason, Record, SkipReason};
use crate::time::DAY;

/// Records counted together: looking up the call ids of many records in one tight loop lets
/// the processor wait for their cache misses at the same time, not one record after another.
pub(super) const BATCH: usize = 64;

#[derive(Debug, Clone)]
pub(super) struct Pending {
    cell: Cell,
    time: DateTime<Utc>,
    call: PendingCall,
    /// The action the record accepts or ends, when silent failures are looked for.
    mark: Option<Mark>,
}

#[derive(Debug, Clone)]
enum PendingCall {
    None,
    /// A canonical GUID, interned at the flush.
    Guid(u128),
    /// Another short id, interned at the flush.
    Inline(Inline),
    Id(u32),
}

impl Aggregator {
    /// The interned name of a resource id. Records repeat their resource's id from one to the
    /// next: the last one's name is kept, so the id is lower-cased once a run of records, not
    /// once a record.
    fn resource_id(&mut self, raw: &str) -> u32 {
        if *self.last_resource.0 == *raw {
            return self.last_resource.1;
        }
        let id = self
            .resources
            .intern(crate::record::resource_name(raw).as_deref().unwrap_or(""));
        self.last_resource = (raw.into(), id);
        id
    }

    /// The interned prompt kind: none for most records, and a few kinds that repeat.
    fn prompt_id(&mut self, prompt: &str) -> u32 {
        if prompt.is_empty() {
            0
        } else if *self.last_prompt.0 == *prompt {
            self.last_prompt.1
        } else {
            let id = self.prompts.intern(prompt);
            self.last_prompt = (prompt.into(), id);
            id
        }
    }

    /// Counts the target a callback record names, with its key's day: a compare with the few
    /// targets the day keeps, no copy but of a target new to it.
    fn target(&mut self, rec: &Record<'_>) {
        let target = crate::record::trim(&rec.target);
        if !target.is_empty() {
            let day = rec.time.timestamp().div_euclid(DAY);
            (self.days).target(day, (rec.code, rec.subcode), rec.time, target);
        }
    }

    /// Counts the pending records into their cells, and learns whether the run's budget of
    /// cells is spent (once a batch, not once a record).
    pub(super) fn flush(&mut self) {
        self.run_left = self.spill.left();
        let calls: Vec<Option<u32>> = self
            .pending
            .iter()
            .map(|p| match p.call {
                PendingCall::None => None,
                PendingCall::Guid(g) => Some(self.calls.intern_guid(g)),
                PendingCall::Inline(k) => Some(self.calls.intern_inline(k)),
                PendingCall::Id(id) => Some(id),
            })
            .collect();
        let joins = self.joins();
        let days = &mut self.days;
        for (p, call) in self.pending.drain(..).zip(calls) {
            let (day, _, _, code, sub, _, _) = p.cell;
            let cell = (self.cells.entry(p.cell))
                .or_insert_with(|| CellStats::new(days.place(day, (code, sub), p.time)));
            cell.count += 1;
            cell.last = cell.last.max(p.time.num_seconds_from_midnight());
            if let Some(id) = call {
                if joins && p.cell.2 == Kind::Callback && p.cell.5 == 0 {
                    // A callback record of no resource, for the join: the call's records past
                    // its first in the cell are counted apart.
                    let before = cell.calls.len();
                    cell.calls.insert(id);
                    if cell.calls.len() == before {
                        self.repeats.add(id, cell.day, 1);
                    }
                } else {
                    cell.calls.insert(id);
                }
                if let Some(mark) = p.mark {
                    self.silent
                        .add(id, mark, (p.cell.5, &self.resources), p.time);
                }
            }
            days.count(cell.day, p.time);
        }
    }

    /// Counts the outcome of an action that `rec`, a record not counted in the cells, gives
    /// its call, for the silent-failure test only (when kept).
    fn outcome_apart(&mut self, rec: &Record<'_>) {
        if !self.keep_silent {
            return;
        }
        let (Some(mark), Some(call)) = (self.silent.mark_apart(rec), rec.call_id()) else {
            return;
        };
        let (id, res) = (self.calls.intern(call), self.resource_id(&rec.resource_id));
        self.silent.seen(rec.kind, res);
        self.silent.add(id, mark, (res, &self.resources), rec.time);
    }
}

impl Sink for Aggregator {
    /// The spill of a reading kept apart, made by its first sink.
    type Apart = OnceLock<Spill>;

    fn record(&mut self, rec: &Record<'_>) -> Kept {
        // The resource first: a pattern whose records all fall outside the time window still
        // matched them.
        if !self.kept(rec) || !self.window.contains(rec.time) {
            self.outside += 1;
            // A callback event names no resource: `--resource` leaves it out of the counts when
            // its call is not known to be a kept resource's (none when standard input could not
            // be read first), but it still ends its call's action: a Play of a resource kept
            // whose outcome is a PlayFailed event is not silent.
            if rec.kind == Kind::Callback && self.window.contains(rec.time) {
                self.callbacks_left_out += 1;
                self.outcome_apart(rec);
            }
            return Kept::Outside;
        }
        let t = rec.time.timestamp();
        let cell = |op, res, prompt| -> Cell {
            let day = t.div_euclid(DAY);
            (day, op, rec.kind, rec.code, rec.subcode, res, prompt)
        };
        let limit = self.limit();
        if self.run_left == 0 || self.cells.len() + self.pending.len() >= limit {
            // Near the limit, or the run's budget spent: count what is pending, then take a
            // new cell only within them.
            self.flush();
            if !self.has_cell(rec) {
                if self.cells.len() >= self.limit() {
                    self.spill_out();
                }
                if self.run_left == 0 && !self.spill.has_moved(rec_cell_hash(rec)) {
                    return Kept::Full;
                }
            }
        }
        self.accepted += 1;
        let op = (self.recent_operations).intern(&mut self.operations, &rec.operation);
        let res = self.resource_id(&rec.resource_id);
        let prompt = self.prompt_id(&rec.prompt);
        let call = match rec.call_id() {
            None => PendingCall::None,
            Some(id) => match guid(id) {
                Some(g) => PendingCall::Guid(g),
                None if id.len() <= INLINE => PendingCall::Inline(inline(id)),
                None => PendingCall::Id(self.calls.intern(id)),
            },
        };
        let mark = match self.keep_silent {
            true => {
                self.silent.seen(rec.kind, res);
                match call {
                    PendingCall::None => None,
                    _ => (self.silent).mark(op, rec, matches!(call, PendingCall::Guid(_))),
                }
            }
            false => None,
        };
        self.pending.push(Pending {
            cell: cell(op, res, prompt),
            time: rec.time,
            call,
            mark,
        });
        if self.pending.len() == BATCH {
            self.flush();
        }
        if self.keep_messages && !rec.message.is_empty() {
            self.messages.add((rec.code, rec.subcode), &rec.message, 1);
            if self.messages.added() > self.message_share {
                self.spill_messages();
            }
        }
        if !rec.sip.is_empty() || !rec.q850.is_empty() {
            self.diagnostic(rec);
        }
        if !rec.sdk_type.is_empty() || !rec.sdk_version.is_empty() {
            self.sdk(rec);
        }
        if rec.kind == Kind::Callback && !rec.target.is_empty() {
            self.target(rec);
        }
        Kept::Counted
    }

    fn reject(&mut self, rej: Reject) {
        self.reject_not_kept(rej.reason);
        if !self.past_kept(&rej.file, rej.line, rej.record) {
            self.last_kept = self.reject_rows.keep(rej);
        }
    }

    fn past_kept(&self, file: &str, line: u64, record: Option<u64>) -> bool {
        self.last_kept
            .as_ref()
            .is_some_and(|last| after_last(last, file, line, record))
    }

    fn share_rejects(&mut self, rows: &RejectRows) {
        self.reject_rows = rows.clone();
        self.last_kept = None;
    }

    fn keep_apart(&mut self, apart: &OnceLock<Spill>) {
        self.spill = apart.get_or_init(|| self.spill.apart()).clone();
        self.run_left = self.spill.left();
    }

    fn reject_not_kept(&mut self, reason: Reason) {
        self.rejected += 1;
        *self.reject_counts.entry(reason).or_default() += 1;
    }

    /// A PlayCanceled or RecognizeCanceled event without a result is no record, but its
    /// action's outcome all the same: counted for its call's silent-failure test only.
    fn skipped_end(&mut self, rec: &Record<'_>) {
        let kept = self.resource_kept(rec) || rec.kind == Kind::Callback;
        if kept && self.window.contains(rec.time) {
            self.outcome_apart(rec);
        }
    }

    /// A skipped record that names its call's resource gives the join that call's resource,
    /// as a counted record of the call would, and counts nowhere: a call's resource is the
    /// first by name of all its records name within the window.
    fn skipped_names(&mut self, rec: &Record<'_>) {
        // Its resource matches a `--resource` pattern as a counted record's would: the
        // resource is in the input, and its calls' callback records are counted under it.
        if !self.window.contains(rec.time) || !self.resource_kept(rec) {
            return;
        }
        if !self.joins() && !self.keep_silent {
            return;
        }
        let Some(call) = rec.call_id() else {
            return;
        };
        let res = self.resource_id(&rec.resource_id);
        if res != 0 {
            let id = self.calls.intern(call);
            self.named_calls.entry(res).or_default().insert(id);
        }
    }

    fn skip(&mut self, reason: SkipReason, time: Option<DateTime<Utc>>) {
        self.skipped += 1;
        *self.skip_counts.entry(reason).or_default() += 1;
        if let Some(t) = time.filter(|t| self.window.contains(*t)) {
            *self
                .by_day_kind
                .entry((t.timestamp().div_euclid(DAY), "streaming"))
                .or_default() += 1;
        }
    }

    /// Adds another worker's sink; past its share of the cells, moves the whole to the spill.
    fn merge(&mut self, o: Aggregator) {
        self.absorb(o);
        if self.cells.len() > self.max_cells {
            self.spill_out();
        }
    }
    /// Sums the cells into the report's tables and sorts the kept rejects by file and line.
    fn done(&mut self) {
        if let Some(run) = self.spill.take() {
            self.absorb(*run);
        }
        self.flush();
        let calls = self.calls.len();
        let mut resources_of_calls = None;
        if self.keep_silent {
            let end = self.days.span().map(|(_, last)| last);
            let silent = std::mem::take(&mut self.silent);
            // A call's resource is the one all its records name (the first by name), as the
            // join of callback records gives it, not only the one its actions' records name.
            resources_of_calls = silent.has_calls().then(|| {
                let named = self.cells.iter().map(|(cell, c)| (cell.5, &c.calls));
                let named = named.chain(self.named_calls.iter().map(|(&r, c)| (r, c)));
                joins::CallResources::of(calls, named, &self.resources)
            });
            let of = resources_of_calls.as_ref();
            self.silent_report = silent.finish(&self.calls, &self.resources, of, end);
        }
        // Every call is in the cells' sets by now: the ids that numbered them, 16 bytes a call
        // and more, would stay beside the tables summed from the cells, and the report.
        self.calls = CallIds::default();
        self.bucket_secs = crate::config::Bucket::for_span(self.bucket_secs, self.span());
        // The cells leave their table for a list that gives its memory back as the tables
        // summed from them grow, before those tables are made: the cells' table beside the
        // tables of keys and of their days would be the peak of a run of keys by the hundred
        // thousand.
        let cells: Vec<(Cell, CellStats)> = std::mem::take(&mut self.cells).into_iter().collect();
        self.sum_key_days();
        // Every key is in `by_key` by now: its messages join it, and their table goes before
        // the tables of operations and resources grow.
        self.join_messages();
        let of = self.call_resources(&cells, calls, resources_of_calls);
        self.named_calls = HashMap::default();
        self.sum_cells(cells, of);
        self.sum_diagnostics();
        self.sum_sdks();
        // Nothing is counted past here: the tables summed name operations, resources and
        // prompt kinds by number, and the report names the numbers.
        self.operations.forget_lookup();
        self.resources.forget_lookup();
        self.prompts.forget_lookup();
    }
}
