//! Aggregate: the sink that counts records by (code, subcode), by operation and by time bucket,
//! with the distinct calls behind each count, and keeps the rejects. One per worker, merged.
//!
//! Call ids and operation names are interned per worker, so the per-record work is one string
//! hash for each and integer keys elsewhere; merging maps the other worker's ids onto ours.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use foldhash::HashMap;

use crate::ingest::{Place, Reject, RejectRows, Sink};
use crate::normalize::{Kind, Reason, SkipReason};

pub use crate::record::MAX_REJECT_ROWS;
use crate::time::{DAY, HOUR};

pub use crate::record::Key;

/// The half-open window [since, until) records must fall in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Window {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

mod budget;
mod call_ids;
mod calls;
mod days;
mod diagnostics;
mod finish;
mod focus;
mod hours;
mod interner;
mod joins;
mod keys;
mod merge;
mod resource_calls;
mod resource_filter;
mod sdks;
mod silent;
mod sink;
mod spill;
mod targets;
pub mod texts;
mod timeline;
mod verdicts;

use budget::{cell_share, message_share, MESSAGE_LIMITS};
pub use budget::{
    MAX_CELLS, MESSAGES_PER_KEY, MESSAGE_BUDGET, MESSAGE_FLOOR, MESSAGE_FLOOR_BUDGET, MESSAGE_SHARE,
};
use call_ids::CallIds;
pub use call_ids::CallSet;
use days::KeyDays;
pub use diagnostics::{DiagKey, DiagStats, MAX_DIAGNOSTICS, OTHER_DIAGNOSTICS};
pub use finish::popped;
pub use focus::{
    ByText, CallId, CallStats, Detail, Details, FirstId, Focus, IdsOf, Inferred, Listing, Name,
    SharedIds, MAX_IDS, MAX_NAMED,
};
pub use hours::Hours;
pub use interner::Interner;
use interner::Recent;
use keys::{Cell, CellStats};
pub use keys::{DayStats, KeyStats, OpKey, OpStats, ResourceKey, ResourceKeyDay};
pub use resource_calls::{calls_of_resources, CallsOfResources, ResourceCalls};
pub use sdks::{SdkKey, MAX_OTHER_SDK_TYPES, MAX_SDKS, OTHER};
use silent::Silent;
pub use silent::{SilentCall, SilentReport, SilentRow, ACTIONS, LATE_SECS, MAX_LISTED};
use sink::{Pending, BATCH};
pub use spill::Spill;
pub use targets::{Targets, TARGETS_PER_KEY_DAY};
use texts::{Budgeted, Messages};
pub use timeline::{Bucket, Timeline};

/// Distinct calls, as interned CorrelationIds (or CallConnectionIds).
pub use calls::Calls;

fn remap<'a>(calls: &'a Calls, map: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    calls.iter().map(move |c| map[c as usize])
}

type Time = Option<DateTime<Utc>>;

pub(super) fn earliest(a: Time, b: Time) -> Time {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub(super) fn latest(a: Time, b: Time) -> Time {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Texts an interner beside a budgeted table (of diagnostic rows, of SDK pairs and types) holds
/// per row kept before it is numbered afresh: a row names two texts at most, so past three a row
/// a third of them at least are of rows dropped.
const TEXTS_PER_KEPT: usize = 3;

/// Texts such an interner holds past [`TEXTS_PER_KEPT`] a row before it is numbered afresh: a
/// renumbering costs the whole table, so a small one is not renumbered for every few rows
/// dropped.
const SPARE_TEXTS: usize = 1024;

/// Whether an interner of `texts` beside a budgeted table of `kept` rows holds mostly texts of
/// rows dropped, and is numbered afresh ([`TEXTS_PER_KEPT`], [`SPARE_TEXTS`]).
fn mostly_dropped(texts: usize, kept: usize) -> bool {
    texts > TEXTS_PER_KEPT * kept + SPARE_TEXTS
}

#[derive(Debug, Clone)]
pub struct Aggregator {
    pub window: Window,
    /// Timeline bucket width in seconds.
    pub bucket_secs: i64,
    /// Whether ResultMessages are counted: only the Markdown and HTML outputs show them.
    pub keep_messages: bool,
    /// Whether `by_day_resource` is filled: only the stored history and the spike test by
    /// resource read each resource's keys by day; the volume test reads `by_day_of_resource`.
    pub keep_resource_days: bool,
    /// Whether actions accepted without an outcome are looked for (`silent`): `report` does.
    pub keep_silent: bool,
    /// Whether callback records of no resource are counted in `by_resource` under their call's
    /// resource (`report` does; `triage` joins its own). Each resource's days
    /// (`by_day_resource`, `by_day_resource_kind`, `by_day_of_resource`) count them so whenever
    /// they are kept, and `by_day_of_resource` whenever the join is made ([`Aggregator::joins`]):
    /// the history stores a resource's days as the night's by_resource.csv counts it.
    pub join_callbacks: bool,

    /// This worker's share of [`MAX_CELLS`]: past it (or past what the run's budget had left,
    /// [`Aggregator::limit`]), what it counted moves to `spill`.
    max_cells: usize,
    /// Messages copied since the last move past which they move to `spill`
    /// ([`message_share`]; none for the spill's own sink).
    message_share: usize,
    /// What the workers counted past their shares, for the run ([`Aggregator::sharing_cells`]).
    spill: Spill,
    /// The cells the run's budget had left when this worker last looked (when made, at each
    /// batch of records and at each move): once none, a record of a cell new to it and to the
    /// spill is a reject. Until it learns it, it takes at most its share of new cells, or what
    /// was left if less ([`Aggregator::limit`]).
    run_left: usize,
    /// `--resource` patterns: a record of another resource (or of none) is outside.
    resource_filter: Vec<glob::Pattern>,
    /// Which of them matched a record, shared by the sinks made from this one.
    resource_hits: Arc<[AtomicBool]>,
    /// The verdict of the patterns on each resource id met ([`Aggregator::resource_kept`]).
    resource_verdicts: verdicts::Verdicts,
    /// The calls whose records name a resource kept, read first ([`resource_calls`]): a
    /// callback record of no resource of one of them is kept, as its call's.
    calls_of_resources: Option<Arc<CallSet>>,
    /// The last resource id met and its interned name ([`Aggregator::resource_id`]).
    last_resource: (Box<str>, u32),
    /// The last prompt kind met and its interned id ([`Aggregator::prompt_id`]).
    last_prompt: (Box<str>, u32),
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    /// Accepted by ingest but outside the window.
    pub outside: u64,
    /// Of `outside`, the callback records within the window that `--resource` left out: they
    /// name no resource, and their calls are not known to be a kept resource's (all of them when
    /// the calls could not be read first, [`Aggregator::keeps_calls_callbacks`]).
    pub callbacks_left_out: u64,
    pub calls: CallIds,
    pub operations: Interner,
    /// The operations interned last ([`Aggregator::record`]).
    recent_operations: Recent,
    /// What ingest fills; the tables below are derived from it by [`Sink::done`].
    cells: HashMap<Cell, CellStats>,
    /// The hours of each key on each day the cells point to.
    days: KeyDays,
    /// Records not yet counted into `cells`; see [`Aggregator::flush`].
    pending: Vec<Pending>,
    /// Messages per key, when kept.
    messages: Messages<Key>,
    pub by_key: HashMap<Key, KeyStats>,
    pub by_op: HashMap<OpKey, OpStats>,
    /// The first [`MAX_REJECT_ROWS`] rejects by file and line, whatever the order the
    /// workers met them in, shared by the workers' sinks; see [`Aggregator::sharing_rejects`].
    reject_rows: RejectRows,
    /// The place of the last of the rows, once as many are kept as can be: a reject after it
    /// is only counted.
    last_kept: Option<Place>,
    pub reject_counts: BTreeMap<Reason, u64>,
    pub skip_counts: BTreeMap<SkipReason, u64>,
    /// (UTC day as days since the epoch, key) → counts per hour and calls: the timeline and
    /// the spikes' history, in one map.
    pub by_day: HashMap<(i64, Key), DayStats>,
    /// UTC day → its first and last record: where the records stop once those dated after the
    /// clock are left out (`spikes::history::last_dated`), which the last of `by_key` cannot
    /// tell (one record dated tomorrow is the last of every day).
    pub day_spans: BTreeMap<i64, (DateTime<Utc>, DateTime<Utc>)>,
    /// SIP and Q.850 diagnostics of the records that carry them, filled once done from
    /// `diagnostic_rows` and `other_diagnostics`: at most [`MAX_DIAGNOSTICS`] rows, then a row
    /// of [`OTHER_DIAGNOSTICS`] per key for the records of the others.
    pub diagnostics: HashMap<DiagKey, DiagStats>,
    pub diagnostic_texts: Interner,
    /// The diagnostic rows kept.
    diagnostic_rows: Budgeted<DiagKey, DiagStats>,
    /// The records of the diagnostic rows not kept, by key.
    other_diagnostics: HashMap<Key, DiagStats>,
    /// Resource names (0 is "": no resource id).
    pub resources: Interner,
    /// Prompt kinds (0 is "": none).
    pub prompts: Interner,
    /// (resource, key) → count and calls; resource 0 holds the records that name none, and,
    /// when `join_callbacks`, not the callback records of a call another record of which names
    /// one: they count under its resource.
    pub by_resource: HashMap<ResourceKey, OpStats>,
    /// The callback records of each resource (interned) counted in `by_resource` under their
    /// call's resource, when `join_callbacks`.
    pub joined: HashMap<u32, u64>,
    /// The callback records of no resource, joined or not, when `join_callbacks`.
    pub callbacks_of_no_resource: u64,
    /// (UTC day, resource, key) → records, for the keys of a code other than success, the
    /// callback records under their call's resource: where a flagged key's records of the
    /// night are. Filled when `join_callbacks`, for records of a resource only.
    pub failures_by_day_resource: HashMap<(i64, u32, Key), u64>,
    /// The callback records of no resource of a call past its first in a cell, for the join.
    repeats: joins::Repeats,
    /// By resource, the calls that records counted nowhere name it for (an Event Grid
    /// IncomingCall's `topic`: [`Sink::skipped_names`]): for the join only, beside the calls
    /// of the cells that name one.
    named_calls: HashMap<u32, Calls>,
    /// (UTC day, resource, key) → count, calls and log kinds, for records that name one and the
    /// callback records joined to them ([`ResourceKeyDay::joined`]); left empty unless
    /// `keep_resource_days` (a table of a row per cell for keys by the hundred thousand).
    pub by_day_resource: HashMap<(i64, u32, Key), ResourceKeyDay>,
    /// (UTC day, resource, log kind) → records, for records that name one and the callback
    /// records joined to them: each resource's exposure by kind, for the spike test by
    /// resource; left empty unless `keep_resource_days`.
    pub by_day_resource_kind: BTreeMap<(i64, u32, &'static str), u64>,
    /// (UTC day, resource) → records, and the second of the day of the last, for records
    /// that name one and, when joined, the callback records of their calls: the resources'
    /// exposure, and where a resource's records stop (those that name it: a callback cell of
    /// no resource holds the calls of every resource, and its last second is any of theirs).
    /// A day whose records are all joined to the resource has no last second (`None`): none
    /// of them tells where its own records stop.
    pub by_day_of_resource: BTreeMap<(i64, u32), (u64, Option<u32>)>,
    /// SDK types and versions.
    pub sdk_texts: Interner,
    /// (SDK type, version, key) → count, for records that carry them, filled once done from
    /// `sdks` and `other_sdks`: [`MAX_SDKS`] pairs at most, then a row of [`OTHER`] versions
    /// per type and key for the others ([`MAX_OTHER_SDK_TYPES`] types at most, then an
    /// [`OTHER`] type).
    pub by_sdk: HashMap<SdkKey, u64>,
    /// (SDK type, version) → key → count, for the pairs kept: a pair is kept or dropped
    /// whole.
    sdks: Budgeted<(u32, u32), HashMap<Key, u64>>,
    /// The records of the SDK pairs not kept, by type and key, for the types kept.
    other_sdks: Budgeted<u32, HashMap<Key, u64>>,
    /// The records of the SDK pairs not kept whose types are not kept either, by key.
    other_sdk_type: HashMap<Key, u64>,
    /// (UTC day, log kind) → records, for the volume test; `streaming` counts the
    /// streaming-usage records (skipped, but counted by day).
    pub by_day_kind: BTreeMap<(i64, &'static str), u64>,
    /// Each call's accepted actions and their outcomes, when `keep_silent`.
    silent: Silent,
    /// What [`Sink::done`] made of `silent`.
    pub silent_report: SilentReport,
}

impl Aggregator {
    pub fn new(window: Window, bucket_secs: i64) -> Aggregator {
        Aggregator {
            window,
            bucket_secs,
            keep_messages: true,
            keep_resource_days: true,
            keep_silent: false,
            join_callbacks: false,
            max_cells: cell_share(rayon::current_num_threads()),
            message_share: message_share(rayon::current_num_threads()),
            spill: Spill::default(),
            run_left: MAX_CELLS,
            resource_filter: Vec::new(),
            resource_hits: Arc::from([]),
            resource_verdicts: verdicts::Verdicts::default(),
            calls_of_resources: None,
            last_resource: (Box::from(""), 0),
            recent_operations: Recent::default(),
            last_prompt: (Box::from(""), 0),
            accepted: 0,
            rejected: 0,
            skipped: 0,
            outside: 0,
            callbacks_left_out: 0,
            calls: CallIds::default(),
            operations: Interner::default(),
            cells: HashMap::default(),
            days: KeyDays::default(),
            pending: Vec::with_capacity(BATCH),
            messages: Messages::new(MESSAGE_LIMITS),
            by_key: HashMap::default(),
            by_op: HashMap::default(),
            reject_rows: RejectRows::default(),
            last_kept: None,
            reject_counts: BTreeMap::new(),
            skip_counts: BTreeMap::new(),
            by_day: HashMap::default(),
            day_spans: BTreeMap::new(),
            diagnostics: HashMap::default(),
            diagnostic_texts: Interner::default(),
            diagnostic_rows: Budgeted::new(MAX_DIAGNOSTICS),
            other_diagnostics: HashMap::default(),
            resources: {
                let mut r = Interner::default();
                r.intern("");
                r
            },
            prompts: {
                let mut p = Interner::default();
                p.intern("");
                p
            },
            by_resource: HashMap::default(),
            joined: HashMap::default(),
            callbacks_of_no_resource: 0,
            failures_by_day_resource: HashMap::default(),
            repeats: joins::Repeats::default(),
            named_calls: HashMap::default(),
            by_day_resource: HashMap::default(),
            by_day_resource_kind: BTreeMap::new(),
            by_day_of_resource: BTreeMap::new(),
            sdk_texts: Interner::default(),
            by_sdk: HashMap::default(),
            sdks: Budgeted::new(MAX_SDKS),
            other_sdks: Budgeted::new(MAX_OTHER_SDK_TYPES),
            other_sdk_type: HashMap::default(),
            by_day_kind: BTreeMap::new(),
            silent: Silent::default(),
            silent_report: SilentReport::default(),
        }
    }

    /// Whether messages are counted: not when no output shows them.
    pub fn keeping_messages(mut self, keep: bool) -> Aggregator {
        self.keep_messages = keep;
        self
    }

    /// Whether each resource's keys are counted by day (`by_day_resource`): not when neither
    /// the stored history nor the spike test by resource reads them.
    pub fn keeping_resource_days(mut self, keep: bool) -> Aggregator {
        self.keep_resource_days = keep;
        self
    }

    /// Whether actions accepted with no outcome record in their call are looked for.
    pub fn keeping_silent(mut self, keep: bool) -> Aggregator {
        self.keep_silent = keep;
        self
    }

    /// Whether callback records of no resource count under their call's resource.
    pub fn joining_callbacks(mut self, join: bool) -> Aggregator {
        self.join_callbacks = join;
        self
    }

    /// Whether callback records of no resource are joined to their calls' resources: in
    /// `by_resource` (`join_callbacks`), or in each resource's days when they are kept
    /// (`keep_resource_days`), which the history stores and the spike test by resource reads.
    fn joins(&self) -> bool {
        self.join_callbacks || self.keep_resource_days
    }

    /// Records read: everything the inputs held that was a record or meant to be one.
    pub fn read(&self) -> u64 {
        self.accepted + self.rejected + self.skipped + self.outside
    }

    pub fn failures(&self) -> u64 {
        self.by_key
            .iter()
            .filter(|((code, _), _)| crate::catalogue::Category::of(*code).is_failure())
            .map(|(_, s)| s.count)
            .sum()
    }

    /// Keeps the rejects in `rows`, shared with the other sinks made with it: one run's
    /// workers then hold [`MAX_REJECT_ROWS`] rows in all, not that many each.
    pub fn sharing_rejects(mut self, rows: &RejectRows) -> Aggregator {
        self.share_rejects(rows);
        self
    }

    /// The rejects kept for `rejects.csv`, by file and line. They are taken: call once, after
    /// [`Aggregator::rejects_truncated`].
    pub fn take_rejects(&mut self) -> Vec<Reject> {
        self.reject_rows.take()
    }

    /// Whether more records were rejected than [`MAX_REJECT_ROWS`] kept.
    pub fn rejects_truncated(&self) -> bool {
        self.rejected > self.reject_rows.count() as u64
    }

    /// The by-operation table: (operation, kind, code, subcode, prompt kind) and its counts,
    /// with the operation's and the prompt kind's names.
    #[allow(clippy::type_complexity)]
    pub fn operations(
        &self,
    ) -> impl Iterator<Item = ((&str, Kind, u32, Option<u32>, &str), &OpStats)> {
        self.by_op.iter().map(|(k, s)| {
            let key = (
                self.operations.name(k.0),
                k.1,
                k.2,
                k.3,
                self.prompts.name(k.4),
            );
            (key, s)
        })
    }

    /// (bucket start in seconds since the epoch, key) → count, non-zero buckets only. The
    /// list is made at the size of the buckets of each day, counted first.
    pub fn timeline(&self) -> Timeline {
        let buckets = |f: &mut dyn FnMut(Bucket, u64)| {
            for (&(day, key), s) in &self.by_day {
                // A bucket's start only grows with the hour: a day's hours in one bucket come
                // one after another.
                let mut run: Option<(i64, u64)> = None;
                for (h, n) in s.hours.iter().enumerate().filter(|&(_, n)| n > 0) {
                    let t = day * DAY + h as i64 * HOUR;
                    let bucket = t - t.rem_euclid(self.bucket_secs);
                    match &mut run {
                        Some((b, sum)) if *b == bucket => *sum += n,
                        _ => {
                            if let Some((b, sum)) = run.replace((bucket, n)) {
                                f((b, key), sum);
                            }
                        }
                    }
                }
                if let Some((b, sum)) = run {
                    f((b, key), sum);
                }
            }
        };
        let mut n = 0;
        buckets(&mut |_, _| n += 1);
        let mut list = Vec::with_capacity(n);
        buckets(&mut |b, sum| list.push((b, sum)));
        Timeline::of(list)
    }
}

/// Cells of a sparkline, at most: what [`series`] is asked for by the text reports.
pub const SPARK_CELLS: usize = 48;

/// Counts of one key from the timeline's first bucket to its last, zeros included, in at most
/// `cells` cells: consecutive buckets are summed when there are more. Memory is the cells',
/// never the span's (two records a century apart cost as much as two an hour apart).
pub fn series(timeline: &Timeline, bucket_secs: i64, key: Key, cells: usize) -> Vec<u64> {
    let (Some(&(start, _)), Some(&(end, _))) =
        (timeline.keys().next(), timeline.keys().next_back())
    else {
        return Vec::new();
    };
    let buckets = ((end - start) / bucket_secs + 1) as u64;
    let per = buckets.div_ceil(cells.max(1) as u64).max(1);
    let mut out = vec![0; buckets.div_ceil(per) as usize];
    for (&(b, k), &n) in timeline {
        if k == key {
            out[(((b - start) / bucket_secs) as u64 / per) as usize] += n;
        }
    }
    out
}

#[cfg(test)]
mod tests;
