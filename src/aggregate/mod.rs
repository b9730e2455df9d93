//! Aggregate: the sink that counts records by (code, subcode), by operation and by time bucket,
//! with the distinct calls behind each count, and keeps the rejects. One per worker, merged.
//!
//! Call ids and operation names are interned per worker, so the per-record work is one string
//! hash for each and integer keys elsewhere; merging maps the other worker's ids onto ours.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Timelike, Utc};
use foldhash::HashMap;

use crate::ingest::{after_last, Kept, Place, Reject, RejectRows, Sink};
use crate::normalize::{Kind, Reason, Record, SkipReason};

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

mod call_ids;
mod calls;
mod days;
mod focus;
mod hours;
mod interner;
mod joins;
mod resource_calls;
mod silent;
mod spill;
mod targets;
pub mod texts;
mod timeline;
mod verdicts;

pub use call_ids::CallSet;
use call_ids::{guid, CallIds};
use days::KeyDays;
pub use focus::{
    ByText, CallId, CallStats, Detail, Details, FirstId, Focus, IdsOf, Inferred, Listing, Name,
    SharedIds, MAX_IDS, MAX_NAMED,
};
pub use hours::Hours;
pub use interner::Interner;
use interner::{inline, Inline, Recent, INLINE};
pub use resource_calls::{calls_of_resources, CallsOfResources, ResourceCalls};
use silent::{Mark, Silent};
pub use silent::{SilentCall, SilentReport, SilentRow, ACTIONS, LATE_SECS, MAX_LISTED};
pub use spill::Spill;
pub use targets::{Targets, TARGETS_PER_KEY_DAY};
use texts::{cut, rank_of, Budgeted, Messages};
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

#[derive(Debug, Clone, Default)]
pub struct KeyStats {
    pub count: u64,
    pub calls: Calls,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// Distinct ResultMessages, at most [`MESSAGES_PER_KEY`], with their counts, most
    /// frequent first; see [`texts`].
    pub messages: Vec<(Box<str>, u64)>,
    /// Records with a message that is not kept.
    pub other_messages: u64,
}

/// Distinct messages kept per key whatever the other keys, while all keys' such messages are
/// within [`MESSAGE_FLOOR_BUDGET`]: logs sometimes name a subcode differently from the
/// catalogue, and the report shows both. Real keys have a handful.
pub const MESSAGE_FLOOR: usize = 8;

/// Distinct messages kept per key at most, those past [`MESSAGE_FLOOR`] within
/// [`MESSAGE_BUDGET`].
pub const MESSAGES_PER_KEY: usize = 32;

/// Messages past [`MESSAGE_FLOOR`] kept by the run for all keys, so that hostile messages
/// cannot exhaust memory: at most [`texts::TEXT_BYTES`] each, a few megabytes in all.
pub const MESSAGE_BUDGET: usize = 4_096;

/// Messages within their keys' [`MESSAGE_FLOOR`] kept by the run for all keys: a thousand keys
/// with eight distinct messages each, far more than real exports have, but a bound on hostile
/// ones of many keys (at most [`texts::TEXT_BYTES`] each, 8 MiB).
pub const MESSAGE_FLOOR_BUDGET: usize = 8_192;

/// Bytes of messages a worker copies, since it last moved them, before it moves them to the
/// run's spill ([`Messages::move_into`]), each counted with [`texts::ENTRY_BYTES`] more: the
/// budgets above are then the run's, not each worker's, and a worker holds at most this much
/// of its own, and of the run's texts none (only two ranks for some keys). Real exports keep a
/// few hundred short messages, a few dozen kilobytes, and never move them. On more than two
/// threads each worker copies its even share of twice this, 64 KiB at least
/// (`message_share`): on 32 threads the workers hold 4 MiB of texts of their own at most, as
/// on two.
pub const MESSAGE_SHARE: usize = 2 << 20;

/// The bytes of messages a worker among `workers` copies before it moves them
/// ([`MESSAGE_SHARE`]). A move costs what the worker copied (the run adds each text), so a
/// small share costs little more than a large one; but after a move the worker copies again
/// the texts the run keeps that it meets, so a share that held fewer than a real export's few
/// hundred texts would copy them over and over.
fn message_share(workers: usize) -> usize {
    MESSAGE_SHARE.min((2 * MESSAGE_SHARE / workers.max(1)).max(64 << 10))
}

const MESSAGE_LIMITS: texts::Limits = texts::Limits {
    floor: MESSAGE_FLOOR,
    cap: MESSAGES_PER_KEY,
    extras: MESSAGE_BUDGET,
    floors: MESSAGE_FLOOR_BUDGET,
};

#[derive(Debug, Clone, Default)]
pub struct OpStats {
    pub count: u64,
    pub calls: Calls,
}

/// One key on one UTC day.
#[derive(Debug, Clone, Default)]
pub struct DayStats {
    pub hours: Hours,
    pub calls: Calls,
    /// Its records of each log kind, in the order of [`Kind::ALL`]: the spike test measures
    /// the key against the records of its kinds ([`Kind::bits_of`]), and a kind new on the
    /// day is left out of its count.
    pub kind_counts: [u64; 4],
    /// The targets its callback records name: a spike of one failure to one number names it.
    pub targets: Targets,
}

impl DayStats {
    pub fn count(&self) -> u64 {
        self.hours.iter().sum()
    }
}

/// A SIP / Q.850 diagnostic row: (code, subcode, SIP code, SIP message, Q.850 code, Q.850
/// message), the messages interned in [`Aggregator::diagnostic_texts`].
pub type DiagKey = (u32, Option<u32>, Option<u32>, u32, Option<u32>, u32);

/// Records of (UTC day, resource), with the second of the day of the last that names the
/// resource (none for callback records joined to it): what `by_day_of_resource` is summed from.
type DayRecords = Vec<((i64, u32), (u64, Option<u32>))>;

/// One key of one resource on one UTC day.
#[derive(Debug, Clone, Default)]
pub struct ResourceKeyDay {
    pub count: u64,
    pub calls: Calls,
    /// Its records of each log kind, as [`DayStats::kind_counts`].
    pub kind_counts: [u64; 4],
    /// Of its callback records, those that name no resource and count here through their
    /// call's other records ([`Aggregator::joining_callbacks`]).
    pub joined: u64,
}

#[derive(Debug, Clone, Default)]
pub struct DiagStats {
    pub count: u64,
    pub calls: Calls,
}

/// Distinct cells (UTC day, operation, kind, code, subcode, resource, prompt kind) a run keeps.
/// Real exports have a few thousand (a month of a hundred keys over thirty operations; tens of
/// thousands over many resources); past it (an input of made-up codes or operations by the hundred
/// thousand), the records of new cells are rejects, so memory stays bounded (a cell and what is
/// summed from it take about 0.85 KB when each is a key of its own). It is 7/8 of 2^18, what a
/// table of 262,144 places holds before it doubles (250,000 takes 524,288), and so are its even
/// shares among 2, 4, 8 or 16 workers: no worker's table and not the spill's doubles for its last
/// few cells. A worker holds its share of them, and moves what it counted to the run's [`Spill`]
/// when its share fills, so that nothing is rejected below the budget however many workers meet the
/// same cells, and takes no more new cells than the budget had left when it last looked (an eighth
/// of its share at least, `Aggregator::limit`). A worker learns that the budget is spent at its
/// next batch of records or move, so what it took till then is kept too; which records are rejected
/// past it depends on how the work was split.
pub const MAX_CELLS: usize = 229_376;

/// A worker's share of [`MAX_CELLS`] among `workers`: an even share.
fn cell_share(workers: usize) -> usize {
    (MAX_CELLS / workers.max(1)).max(1)
}

/// Distinct diagnostic rows a run keeps, those of lowest rank (`texts::Budgeted`: the same
/// whatever the threads); the records of the others are counted under [`OTHER_DIAGNOSTICS`]
/// of their (code, subcode), so hostile messages cannot exhaust memory.
pub const MAX_DIAGNOSTICS: usize = 10_000;

/// The SIP message of the row that counts the diagnostics past [`MAX_DIAGNOSTICS`].
pub const OTHER_DIAGNOSTICS: &str = "(other diagnostics)";

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

/// Key of the by-operation table: the interned operation, its kind, code and subcode, and its
/// interned prompt kind (0: none).
pub type OpKey = (u32, Kind, u32, Option<u32>, u32);

/// The finest cell records are counted in: one UTC day (days since the epoch), one interned
/// operation of one kind, one (code, subcode), one interned resource and one interned prompt
/// kind (0: none). Every table of
/// the report is a sum of cells (their hours are their key's day's, [`KeyDays`]), so a record
/// costs one map entry, one call-set insert and its hour added to its key's day.
type Cell = (i64, u32, Kind, u32, Option<u32>, u32, u32);

/// One resource (interned, 0 for none) with one key.
pub type ResourceKey = (u32, Key);

/// One (SDK type, SDK version), both interned, with one key.
pub type SdkKey = (u32, u32, Key);

/// Distinct (SDK type, version) pairs a run keeps, those of lowest rank (`texts::Budgeted`);
/// the records of the others count under [`OTHER`] versions of their type, or of an [`OTHER`]
/// type past [`MAX_OTHER_SDK_TYPES`].
pub const MAX_SDKS: usize = 1_000;

/// Distinct SDK types whose pairs past [`MAX_SDKS`] count in rows of their own, those of
/// lowest rank; the records of the others count under an [`OTHER`] type. Real logs name a
/// handful of types.
pub const MAX_OTHER_SDK_TYPES: usize = 100;

/// The name of what is past a budget of distinct names.
pub const OTHER: &str = "(other)";

/// A cell's records and calls, and the place of its key's day in [`KeyDays`], which holds
/// the hours and times: tens of thousands of cells (each worker's table of them) take 48 bytes
/// each, not the 160 they would take with 24 hours of their own.
#[derive(Debug, Clone)]
struct CellStats {
    count: u64,
    calls: Calls,
    day: u32,
    /// The second of the UTC day of the cell's last record: where a resource's records stop.
    last: u32,
}

impl CellStats {
    fn new(day: u32) -> CellStats {
        CellStats {
            count: 0,
            calls: Calls::new(),
            day,
            last: 0,
        }
    }
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

    /// Counts the SDK of an operations record that names one.
    fn sdk(&mut self, rec: &Record<'_>) {
        let (ty, version) = (cut(&rec.sdk_type), cut(&rec.sdk_version));
        let key = (rec.code, rec.subcode);
        let texts = &self.sdk_texts;
        let known = texts.get(&ty).zip(texts.get(&version));
        if let Some(keys) = known.and_then(|p| self.sdks.get_mut(&p)) {
            *keys.entry(key).or_default() += 1;
            return;
        }
        let r = rank_of((&*ty, &*version));
        let ty = self.sdk_texts.intern(&ty);
        if self.sdks.admits(r) {
            let pair = (ty, self.sdk_texts.intern(&version));
            let dropped = self.sdks.keep(r, pair, HashMap::from_iter([(key, 1)]));
            self.drop_sdks(dropped);
        } else {
            self.other_sdk(ty, [(key, 1)]);
        }
        self.compact_sdk_texts();
    }

    /// Counts the records of `pairs` under [`OTHER`] versions of their type (see
    /// [`Aggregator::other_sdk`]).
    fn drop_sdks(&mut self, pairs: Vec<((u32, u32), HashMap<Key, u64>)>) {
        for ((ty, _), keys) in pairs {
            self.other_sdk(ty, keys);
        }
    }

    /// Counts records of a pair not kept under the [`OTHER`] version of its type `ty`, or
    /// under the [`OTHER`] type once types of lower rank fill [`MAX_OTHER_SDK_TYPES`].
    fn other_sdk(&mut self, ty: u32, keys: impl IntoIterator<Item = (Key, u64)>) {
        // A type named as the others is counted with them, as it is shown, and takes no place.
        if !self.other_sdks.contains_key(&ty) && self.sdk_texts.name(ty) != OTHER {
            let r = rank_of(self.sdk_texts.name(ty));
            if self.other_sdks.admits(r) {
                let dropped = self.other_sdks.keep(r, ty, HashMap::default());
                self.drop_sdk_types(dropped);
            }
        }
        let counts = match self.other_sdks.get_mut(&ty) {
            Some(counts) => counts,
            None => &mut self.other_sdk_type,
        };
        for (key, n) in keys {
            *counts.entry(key).or_default() += n;
        }
    }

    /// Counts the records of the types dropped from `other_sdks` under the [`OTHER`] type.
    fn drop_sdk_types(&mut self, types: Vec<(u32, HashMap<Key, u64>)>) {
        for (key, n) in types.into_iter().flat_map(|(_, keys)| keys) {
            *self.other_sdk_type.entry(key).or_default() += n;
        }
    }

    /// Numbers the SDK texts afresh when most of them are of pairs dropped.
    fn compact_sdk_texts(&mut self) {
        if !mostly_dropped(
            self.sdk_texts.len(),
            self.sdks.len() + self.other_sdks.len(),
        ) {
            return;
        }
        let mut ids = self.sdk_texts.renumber();
        let texts = &mut self.sdk_texts;
        self.sdks
            .rekey(|(t, v)| (ids.id(texts, t), ids.id(texts, v)));
        self.other_sdks.rekey(|t| ids.id(texts, t));
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

    /// Counts the SIP / Q.850 diagnostic of a record that has one.
    fn diagnostic(&mut self, rec: &Record<'_>) {
        let (sip, q850) = (cut(&rec.sip.message), cut(&rec.q850.message));
        let (code, sub, sc, qc) = (rec.code, rec.subcode, rec.sip.code, rec.q850.code);
        let texts = &self.diagnostic_texts;
        let known = texts
            .get(&sip)
            .zip(texts.get(&q850))
            .map(|(sm, qm)| (code, sub, sc, sm, qc, qm))
            .filter(|k| self.diagnostic_rows.contains_key(k));
        let row = known.or_else(|| {
            let r = rank_of((code, sub, sc, &*sip, qc, &*q850));
            if !self.diagnostic_rows.admits(r) {
                return None;
            }
            let texts = &mut self.diagnostic_texts;
            let k = (code, sub, sc, texts.intern(&sip), qc, texts.intern(&q850));
            let dropped = self.diagnostic_rows.keep(r, k, DiagStats::default());
            self.drop_diagnostics(dropped);
            Some(k)
        });
        let call = rec.call_id().map(|c| self.calls.intern(c));
        let d = match row.and_then(|k| self.diagnostic_rows.get_mut(&k)) {
            Some(d) => d,
            None => self.other_diagnostics.entry((code, sub)).or_default(),
        };
        d.count += 1;
        if let Some(c) = call {
            d.calls.insert(c);
        }
        self.compact_diagnostic_texts();
    }

    /// Adds another worker's diagnostic rows (texts numbered by `texts`, calls by `calls`),
    /// past whose budget no row of rank `bar` or higher was kept.
    fn merge_diagnostics(
        &mut self,
        texts: Interner,
        rows: HashMap<DiagKey, DiagStats>,
        bar: Option<u64>,
        calls: &[u32],
    ) {
        let ids = self.diagnostic_texts.absorb(&texts);
        if let Some(bar) = bar {
            let dropped = self.diagnostic_rows.lower(bar);
            self.drop_diagnostics(dropped);
        }
        for ((code, sub, sc, sm, qc, qm), d) in rows {
            let k = (code, sub, sc, ids[sm as usize], qc, ids[qm as usize]);
            let stats = DiagStats {
                count: d.count,
                calls: remap(&d.calls, calls).collect(),
            };
            if let Some(t) = self.diagnostic_rows.get_mut(&k) {
                t.count += stats.count;
                t.calls |= stats.calls;
                continue;
            }
            let name = |id: u32| self.diagnostic_texts.name(id);
            let r = rank_of((code, sub, sc, name(k.3), qc, name(k.5)));
            if self.diagnostic_rows.admits(r) {
                let dropped = self.diagnostic_rows.keep(r, k, stats);
                self.drop_diagnostics(dropped);
            } else {
                self.drop_diagnostics([(k, stats)]);
            }
        }
    }

    /// Counts the records of `rows` under [`OTHER_DIAGNOSTICS`] of their (code, subcode).
    fn drop_diagnostics(&mut self, rows: impl IntoIterator<Item = (DiagKey, DiagStats)>) {
        for (k, d) in rows {
            let o = self.other_diagnostics.entry((k.0, k.1)).or_default();
            o.count += d.count;
            o.calls |= d.calls;
        }
    }

    /// Numbers the diagnostic texts afresh when most of them are of rows dropped.
    fn compact_diagnostic_texts(&mut self) {
        if !mostly_dropped(self.diagnostic_texts.len(), self.diagnostic_rows.len()) {
            return;
        }
        let mut ids = self.diagnostic_texts.renumber();
        let texts = &mut self.diagnostic_texts;
        self.diagnostic_rows
            .rekey(|(c, s, sc, sm, qc, qm)| (c, s, sc, ids.id(texts, sm), qc, ids.id(texts, qm)));
    }

    /// Keeps only the records of resources that match one of `patterns` (all when empty).
    pub fn with_resources(mut self, patterns: &[glob::Pattern]) -> Aggregator {
        self.resource_filter = patterns.to_vec();
        self.resource_hits = patterns.iter().map(|_| AtomicBool::new(false)).collect();
        self
    }

    /// Keeps the callback records of no resource of `calls` too, the calls whose records name a
    /// resource kept ([`calls_of_resources`]): a `--resource` run then counts them as the full
    /// run counts them under their calls' resources.
    pub fn with_calls_of_resources(mut self, calls: &CallsOfResources) -> Aggregator {
        if let CallsOfResources::Read(set, _) = calls {
            self.calls_of_resources = Some(Arc::clone(set));
        }
        self
    }

    /// Whether the callback records of the kept resources' calls are kept: no `--resource`, or
    /// their calls read first.
    pub fn keeps_calls_callbacks(&self) -> bool {
        self.resource_filter.is_empty() || self.calls_of_resources.is_some()
    }

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

    /// The `--resource` patterns, as given.
    pub fn resource_filter(&self) -> Vec<String> {
        self.resource_filter
            .iter()
            .map(|p| p.as_str().to_string())
            .collect()
    }

    /// Whether a record is kept by `--resource`: its resource is ([`Aggregator::resource_kept`]),
    /// or it is a callback record of no resource whose call's other records name one that is
    /// (when those calls were read first, [`Aggregator::with_calls_of_resources`]).
    fn kept(&self, rec: &Record<'_>) -> bool {
        self.resource_kept(rec)
            || (rec.kind == Kind::Callback
                && (self.calls_of_resources.as_ref()).is_some_and(|calls| {
                    rec.resource().is_none() && rec.call_id().is_some_and(|id| calls.contains(id))
                }))
    }

    /// Whether a record passes the `--resource` filter: its resource's name or whole id
    /// matches a pattern. The patterns are matched once per resource id
    /// ([`verdicts::Verdicts`]): the same answer, and the same patterns found matching.
    fn resource_kept(&self, rec: &Record<'_>) -> bool {
        if self.resource_filter.is_empty() {
            return true;
        }
        (self.resource_verdicts).of(&rec.resource_id, || self.resource_matched(rec))
    }

    /// Whether a record's resource's name or whole id matches a pattern, each pattern that
    /// does marked as having matched.
    fn resource_matched(&self, rec: &Record<'_>) -> bool {
        let Some(name) = rec.resource() else {
            return false;
        };
        // An id written without its leading `/` (as some records have it) is matched as the
        // whole id it is, so that a whole-id pattern keeps what its name keeps.
        let id = rec.resource_id.trim().trim_end_matches('/').to_lowercase();
        let id = match id.starts_with('/') {
            true => id,
            false => format!("/{id}"),
        };
        // Each pattern is tried until it has matched once in the run: one that never does is
        // said ([`Aggregator::unmatched_resources`]).
        let mut kept = false;
        for (p, hit) in self.resource_filter.iter().zip(self.resource_hits.iter()) {
            let known = hit.load(Ordering::Relaxed);
            if kept && known {
                continue;
            }
            if p.matches(&name) || p.matches(&id) {
                kept = true;
                if !known {
                    hit.store(true, Ordering::Relaxed);
                }
            }
        }
        kept
    }

    /// The `--resource` patterns that matched no record's resource (a typo, a resource gone).
    pub fn unmatched_resources(&self) -> Vec<String> {
        if self.accepted + self.outside == 0 {
            return Vec::new();
        }
        (self.resource_filter.iter().zip(self.resource_hits.iter()))
            .filter(|(_, hit)| !hit.load(Ordering::Relaxed))
            .map(|(p, _)| format!("--resource {}: no record's resource matched it", p.as_str()))
            .collect()
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

    /// Moves what it counted past its share of [`MAX_CELLS`] into `spill`, shared with the
    /// other sinks made with it: one run's workers then keep [`MAX_CELLS`] cells in all before
    /// a record of a new cell is rejected, however many of them meet the same cells.
    pub fn sharing_cells(mut self, spill: &Spill) -> Aggregator {
        self.spill = spill.clone();
        self.run_left = spill.left();
        self
    }

    /// An empty sink with the same settings, sharing what this one shares.
    fn fresh(&self) -> Aggregator {
        let mut a = Aggregator::new(self.window, self.bucket_secs);
        a.keep_messages = self.keep_messages;
        a.keep_resource_days = self.keep_resource_days;
        a.keep_silent = self.keep_silent;
        a.join_callbacks = self.join_callbacks;
        a.max_cells = self.max_cells;
        a.message_share = self.message_share;
        a.resource_filter = self.resource_filter.clone();
        a.resource_hits = self.resource_hits.clone();
        a.calls_of_resources = self.calls_of_resources.clone();
        a.reject_rows = self.reject_rows.clone();
        a.last_kept = self.last_kept.clone();
        a.spill = self.spill.clone();
        a.run_left = self.run_left;
        a
    }

    /// The cells this worker holds before it moves them to the spill: its share, or what the run's
    /// budget had left if less, so that workers that each still find room do not each take a share
    /// more (on three threads, whose shares fill all but 2 of the 229,376 cells, that would keep
    /// up to 458,748 cells past the budget); but an eighth of its share at least, so that a worker
    /// near the budget does not move for every few cells. Once the budget is spent, its share of
    /// the cells the run has.
    fn limit(&self) -> usize {
        match self.run_left {
            0 => self.max_cells,
            left => (self.max_cells).min(left.max(self.max_cells / 8).max(1)),
        }
    }

    /// Moves what this worker counted into the spill, which frees its share of the cells.
    /// The rows of its rejects stay where they are, shared with the worker as it goes on. The
    /// spill's sink shares neither those nor the spill (which would then hold itself).
    fn spill_out(&mut self) {
        let mut mine = std::mem::replace(self, self.fresh());
        let mut sink = self.spill.lock();
        let run = sink.get_or_insert_with(|| self.spill_sink());
        mine.reject_rows = run.reject_rows.clone();
        mine.spill = run.spill.clone();
        mine.flush();
        self.spill.count(mine.cell_hashes());
        run.absorb(mine);
        drop(sink);
        self.run_left = self.spill.left();
    }

    /// The sink a spill holds: this one's settings, but for the rows of rejects and the spill,
    /// which it does not share, and no share of cells or messages to move.
    fn spill_sink(&self) -> Box<Aggregator> {
        let mut run = self.fresh();
        run.reject_rows = RejectRows::default();
        run.spill = Spill::default();
        run.max_cells = usize::MAX;
        run.message_share = usize::MAX;
        Box::new(run)
    }

    /// Moves this worker's messages into the spill's sink, past its share ([`message_share`]).
    fn spill_messages(&mut self) {
        let mut sink = self.spill.lock();
        let run = sink.get_or_insert_with(|| self.spill_sink());
        self.messages.move_into(&mut run.messages);
    }

    /// What this sink holds, to choose which of two takes the other: its cells and calls.
    fn held(&self) -> usize {
        self.cells.len() + self.calls.len()
    }

    /// Trades what the two counted. Each keeps what it is: its settings, its share of the
    /// cells and the spill it moves them to, and the rows of rejects it shares.
    fn trade_counts(&mut self, o: &mut Aggregator) {
        std::mem::swap(self, o);
        let Aggregator {
            window,
            bucket_secs,
            keep_messages,
            keep_resource_days,
            keep_silent,
            join_callbacks,
            max_cells,
            message_share,
            spill,
            run_left,
            resource_filter,
            resource_hits,
            calls_of_resources,
            reject_rows,
            last_kept,
            ..
        } = o;
        std::mem::swap(&mut self.window, window);
        std::mem::swap(&mut self.bucket_secs, bucket_secs);
        std::mem::swap(&mut self.keep_messages, keep_messages);
        std::mem::swap(&mut self.keep_resource_days, keep_resource_days);
        std::mem::swap(&mut self.keep_silent, keep_silent);
        std::mem::swap(&mut self.join_callbacks, join_callbacks);
        std::mem::swap(&mut self.max_cells, max_cells);
        std::mem::swap(&mut self.message_share, message_share);
        std::mem::swap(&mut self.spill, spill);
        std::mem::swap(&mut self.run_left, run_left);
        std::mem::swap(&mut self.resource_filter, resource_filter);
        std::mem::swap(&mut self.resource_hits, resource_hits);
        std::mem::swap(&mut self.calls_of_resources, calls_of_resources);
        std::mem::swap(&mut self.reject_rows, reject_rows);
        std::mem::swap(&mut self.last_kept, last_kept);
    }

    /// Each cell's hash ([`cell_hash`]).
    fn cell_hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.cells
            .keys()
            .map(|&(day, op, kind, code, sub, res, prompt)| {
                let (op, res) = (self.operations.name(op), self.resources.name(res));
                cell_hash(day, op, kind, code, sub, res, self.prompts.name(prompt))
            })
    }

    /// Whether the record's cell is among this sink's (the pending records' are not looked at).
    fn has_cell(&self, rec: &Record<'_>) -> bool {
        let day = rec.time.timestamp().div_euclid(DAY);
        let res = self.resources.get(rec.resource().as_deref().unwrap_or(""));
        let prompt = self.prompts.get(&rec.prompt);
        let op = self.operations.get(&rec.operation);
        op.zip(res).zip(prompt).is_some_and(|((op, res), prompt)| {
            let cell = (day, op, rec.kind, rec.code, rec.subcode, res, prompt);
            self.cells.contains_key(&cell)
        })
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

/// A cell's hash, of its texts (not of the numbers a sink gave them), the same in every sink
/// ([`Spill`] counts the cells moved by it).
fn cell_hash(
    day: i64,
    op: &str,
    kind: Kind,
    code: u32,
    sub: Option<u32>,
    res: &str,
    prompt: &str,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (day, op, kind, code, sub, res, prompt).hash(&mut h);
    h.finish()
}

/// The hash of a record's cell ([`cell_hash`]).
fn rec_cell_hash(rec: &Record<'_>) -> u64 {
    let day = rec.time.timestamp().div_euclid(DAY);
    let res = rec.resource().unwrap_or_default();
    cell_hash(
        day,
        &rec.operation,
        rec.kind,
        rec.code,
        rec.subcode,
        &res,
        &rec.prompt,
    )
}

/// Records counted together: looking up the call ids of many records in one tight loop lets
/// the processor wait for their cache misses at the same time, not one record after another.
const BATCH: usize = 64;

#[derive(Debug, Clone)]
struct Pending {
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
    /// Counts the pending records into their cells, and learns whether the run's budget of
    /// cells is spent (once a batch, not once a record).
    fn flush(&mut self) {
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
}

impl Aggregator {
    /// Adds another worker's sink, whatever the cells it brings (see [`Sink::merge`]).
    fn absorb(&mut self, mut o: Aggregator) {
        // A sink kept apart moved its counts past its share into a spill of its own.
        if !self.spill.is(&o.spill) {
            if let Some(theirs) = o.spill.take() {
                self.absorb(*theirs);
            }
            self.spill.adopt(&o.spill);
        }
        self.flush();
        o.flush();
        // The larger takes the smaller: the other way, both are whole at once (a run's first
        // merge, into an empty sink, would copy everything counted).
        if o.held() > self.held() {
            self.trade_counts(&mut o);
        }
        self.add_tallies(&o);
        // The other's calls numbered as ours, for every set of calls it brings.
        let calls = self.calls.absorb(std::mem::take(&mut o.calls));
        let mut room = calls::Unordered::default();
        self.absorb_cells(&mut o, &calls, &mut room);
        let resources = self.resources.absorb(&o.resources);
        for (res, set) in std::mem::take(&mut o.named_calls) {
            let mine = self.named_calls.entry(resources[res as usize]).or_default();
            mine.extend_unordered(remap(&set, &calls), &mut room);
        }
        let silent = std::mem::take(&mut o.silent);
        (self.silent).absorb(silent, &calls, (&resources, &self.resources));
        self.absorb_diagnostics(&mut o, &calls, &mut room);
        self.absorb_sdks(&mut o);
        self.messages.merge(o.messages);
        self.reject_rows.absorb(o.reject_rows);
    }

    /// Adds the other sink's counts of records, by reason and by day and kind, and the
    /// `--resource` patterns it saw matched.
    fn add_tallies(&mut self, o: &Aggregator) {
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.skipped += o.skipped;
        self.outside += o.outside;
        self.callbacks_left_out += o.callbacks_left_out;
        for (mine, theirs) in self.resource_hits.iter().zip(o.resource_hits.iter()) {
            if theirs.load(Ordering::Relaxed) {
                mine.store(true, Ordering::Relaxed);
            }
        }
        for (r, n) in &o.reject_counts {
            *self.reject_counts.entry(*r).or_default() += n;
        }
        for (r, n) in &o.skip_counts {
            *self.skip_counts.entry(*r).or_default() += n;
        }
        for (k, n) in &o.by_day_kind {
            *self.by_day_kind.entry(*k).or_default() += n;
        }
    }

    /// Adds the other sink's cells: its operations, resources, prompt kinds and key days
    /// numbered as ours, its calls through `calls` (ours for its).
    fn absorb_cells(&mut self, o: &mut Aggregator, calls: &[u32], room: &mut calls::Unordered) {
        let ops = self.operations.absorb(&o.operations);
        let resources = self.resources.absorb(&o.resources);
        let prompts = self.prompts.absorb(&o.prompts);
        let days = self.days.absorb(std::mem::take(&mut o.days));
        (self.repeats).absorb(std::mem::take(&mut o.repeats), calls, &days);
        let join = self.joins();
        for ((day, op, kind, code, sub, res, prompt), s) in std::mem::take(&mut o.cells) {
            let res = resources[res as usize];
            let t = self
                .cells
                .entry((
                    day,
                    ops[op as usize],
                    kind,
                    code,
                    sub,
                    res,
                    prompts[prompt as usize],
                ))
                .or_insert_with(|| CellStats::new(days[s.day as usize]));
            if join && kind == Kind::Callback && res == 0 && t.count > 0 {
                // A call both sinks met in the cell is one set member for two records or more.
                for id in remap(&s.calls, calls).filter(|&id| t.calls.contains(id)) {
                    self.repeats.add(id, t.day, 1);
                }
            }
            t.count += s.count;
            t.last = t.last.max(s.last);
            t.calls.extend_unordered(remap(&s.calls, calls), room);
        }
    }

    /// Adds the other sink's diagnostic rows, and the records of those it did not keep, its
    /// calls through `calls` (ours for its).
    fn absorb_diagnostics(
        &mut self,
        o: &mut Aggregator,
        calls: &[u32],
        room: &mut calls::Unordered,
    ) {
        let bar = o.diagnostic_rows.bar();
        let rows = o.diagnostic_rows.take();
        let texts = std::mem::take(&mut o.diagnostic_texts);
        self.merge_diagnostics(texts, rows, bar, calls);
        for (key, d) in std::mem::take(&mut o.other_diagnostics) {
            let t = self.other_diagnostics.entry(key).or_default();
            t.count += d.count;
            t.calls.extend_unordered(remap(&d.calls, calls), room);
        }
        self.compact_diagnostic_texts();
    }

    /// Adds the other sink's SDK pairs, within the budgets past which neither kept a pair of
    /// rank as high, and the records of those it did not keep.
    fn absorb_sdks(&mut self, o: &mut Aggregator) {
        let sdks = self.sdk_texts.absorb(&o.sdk_texts);
        if let Some(bar) = o.sdks.bar() {
            let dropped = self.sdks.lower(bar);
            self.drop_sdks(dropped);
        }
        if let Some(bar) = o.other_sdks.bar() {
            let dropped = self.other_sdks.lower(bar);
            self.drop_sdk_types(dropped);
        }
        for ((ty, version), keys) in o.sdks.take() {
            let pair = (sdks[ty as usize], sdks[version as usize]);
            if let Some(mine) = self.sdks.get_mut(&pair) {
                for (key, n) in keys {
                    *mine.entry(key).or_default() += n;
                }
                continue;
            }
            let name = |id: u32| self.sdk_texts.name(id);
            let r = rank_of((name(pair.0), name(pair.1)));
            if self.sdks.admits(r) {
                let dropped = self.sdks.keep(r, pair, keys);
                self.drop_sdks(dropped);
            } else {
                self.other_sdk(pair.0, keys);
            }
        }
        for (ty, keys) in o.other_sdks.take() {
            self.other_sdk(sdks[ty as usize], keys);
        }
        for (key, n) in std::mem::take(&mut o.other_sdk_type) {
            *self.other_sdk_type.entry(key).or_default() += n;
        }
        self.compact_sdk_texts();
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

impl Aggregator {
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

    /// The seconds `--bucket auto` chooses by: the window's span when both ends are given,
    /// else the records'.
    fn span(&self) -> Option<i64> {
        match (self.window.since, self.window.until) {
            (Some(a), Some(b)) => Some(crate::time::ceil_seconds(b - a)),
            _ => (self.days.span()).map(|(a, b)| crate::time::ceil_seconds(b - a)),
        }
    }

    /// Fills `by_day` with each key's hours of each day, `by_key` with each key's first and
    /// last record, and `day_spans` with each day's.
    fn sum_key_days(&mut self) {
        // Each day of a key is a row of `by_day`, and each key one of `by_key`, both made at
        // their size: grown by doubling, their last two sizes would be held at once. The days in
        // order of key give the keys' number.
        let mut days = self.days.take();
        days.sort_unstable_by_key(|&((day, key), _)| (key, day));
        let keys = days.iter().enumerate();
        let keys = keys.filter(|&(i, ((_, k), _))| i == 0 || days[i - 1].0 .1 != *k);
        self.by_key.reserve(keys.count());
        self.by_day.reserve(days.len());
        for ((day, key), d) in popped(days) {
            let k = self.by_key.entry(key).or_default();
            k.first = earliest(k.first, Some(d.first));
            k.last = latest(k.last, Some(d.last));
            let span = self.day_spans.entry(day).or_insert((d.first, d.last));
            *span = (span.0.min(d.first), span.1.max(d.last));
            let s = self.by_day.entry((day, key)).or_default();
            s.hours.add_all(&d.hours);
            s.targets.absorb(d.targets);
        }
    }

    /// Gives each key of `by_key` the messages counted for it.
    fn join_messages(&mut self) {
        let none = Messages::new(MESSAGE_LIMITS);
        for (key, m) in std::mem::replace(&mut self.messages, none).into_counted() {
            if let Some(k) = self.by_key.get_mut(&key) {
                k.messages = m.texts;
                k.other_messages = m.other;
            }
        }
    }

    /// Sums `cells` into the tables by key, operation, resource, day and kind, and the calls
    /// of each key's days.
    fn sum_cells(&mut self, cells: Vec<(Cell, CellStats)>, of: Option<joins::CallResources>) {
        let mut of_resources = Vec::new();
        // The records of no resource of each key moved to their calls' resources: a call's
        // records past its first in one cell may be moved with another cell of its key's day.
        let mut moved: HashMap<Key, u64> = HashMap::default();
        for ((day, op, kind, code, sub, res, prompt), c) in popped(cells) {
            let key = (code, sub);
            let count = c.count;
            let k = self.by_key.entry(key).or_default();
            k.count += count;
            k.calls |= &c.calls;
            let o = self.by_op.entry((op, kind, code, sub, prompt)).or_default();
            o.count += count;
            o.calls |= &c.calls;
            let split = (of.as_ref())
                .filter(|_| kind == Kind::Callback && res == 0)
                .map(|of| joins::split(&c.calls, c.day, of, &mut self.repeats));
            if let Some(split) = &split {
                self.join_days(split, key, day, &mut of_resources);
            }
            match &split {
                Some(split) if self.join_callbacks => {
                    *moved.entry(key).or_default() += self.join(split, key, day, &c);
                }
                _ => {
                    let r = self.by_resource.entry((res, key)).or_default();
                    r.count += count;
                    r.calls |= &c.calls;
                    if res != 0 && self.join_callbacks {
                        self.count_failures(day, res, key, count);
                    }
                }
            }
            if res != 0 {
                of_resources.push(((day, res), (count, Some(c.last))));
                if self.keep_resource_days {
                    let d = self.by_day_resource.entry((day, res, key)).or_default();
                    d.count += count;
                    d.calls |= &c.calls;
                    d.kind_counts[kind as usize] += count;
                    let k = (day, res, kind.as_str());
                    *self.by_day_resource_kind.entry(k).or_default() += count;
                }
            }
            *self.by_day_kind.entry((day, kind.as_str())).or_default() += count;
            let d = self.by_day.entry((day, key)).or_default();
            d.calls |= c.calls;
            d.kind_counts[kind as usize] += count;
        }
        for (key, n) in moved {
            let r = self.by_resource.entry((0, key)).or_default();
            r.count = r.count.saturating_sub(n);
            if r.count == 0 {
                self.by_resource.remove(&(0, key));
            }
        }
        self.sum_days_of_resources(of_resources);
    }

    /// Each call's resource, for the join: none unless it is made ([`Aggregator::joins`]) and
    /// some callback cell of no resource has calls; `made` when the silent test made them
    /// already, from the same cells.
    fn call_resources(
        &self,
        cells: &[(Cell, CellStats)],
        calls: usize,
        made: Option<joins::CallResources>,
    ) -> Option<joins::CallResources> {
        let unnamed = |&((_, _, kind, _, _, res, _), ref c): &(Cell, CellStats)| {
            kind == Kind::Callback && res == 0 && c.calls.len() > 0
        };
        if !self.joins() || !cells.iter().any(unnamed) {
            return None;
        }
        Some(made.unwrap_or_else(|| {
            let named = cells.iter().map(|(cell, c)| (cell.5, &c.calls));
            let named = named.chain(self.named_calls.iter().map(|(&r, c)| (r, c)));
            joins::CallResources::of(calls, named, &self.resources)
        }))
    }

    /// Counts the records of a callback cell of no resource of `key` on `day` that `split`
    /// moves to their calls' resources in each resource's days: its records, with no last
    /// second (`of_resources`, where a resource's records stop is read from those that name it),
    /// and, when kept, its keys and kinds.
    fn join_days(
        &mut self,
        split: &joins::Split,
        key: Key,
        day: i64,
        of_resources: &mut DayRecords,
    ) {
        for (res, n, calls) in &split.moved {
            of_resources.push(((day, *res), (*n, None)));
            if self.keep_resource_days {
                let d = self.by_day_resource.entry((day, *res, key)).or_default();
                d.count += n;
                d.calls |= calls;
                d.kind_counts[Kind::Callback as usize] += n;
                d.joined += n;
                let k = (day, *res, Kind::Callback.as_str());
                *self.by_day_resource_kind.entry(k).or_default() += n;
            }
        }
    }

    /// Counts a callback cell of no resource of `key` on `day` under its calls' resources, its
    /// calls of none under none; returns the records moved, which the caller takes from none
    /// once every cell is counted (the cell's records are all under none till then).
    fn join(&mut self, split: &joins::Split, key: Key, day: i64, c: &CellStats) -> u64 {
        let r = self.by_resource.entry((0, key)).or_default();
        r.count += c.count;
        r.calls |= &split.kept;
        self.callbacks_of_no_resource += c.count;
        for &(res, n, ref calls) in &split.moved {
            let r = self.by_resource.entry((res, key)).or_default();
            r.count += n;
            r.calls |= calls;
            *self.joined.entry(res).or_default() += n;
            self.count_failures(day, res, key, n);
        }
        split.moved_count()
    }

    /// Counts `n` records of `key` of resource `res` on `day` in `failures_by_day_resource`,
    /// for a code other than success.
    fn count_failures(&mut self, day: i64, res: u32, key: Key, n: u64) {
        if crate::catalogue::Category::of(key.0).is_failure() {
            *self
                .failures_by_day_resource
                .entry((day, res, key))
                .or_default() += n;
        }
    }

    /// Adds the records of each (day, resource) of `counts` to `by_day_of_resource`, made from
    /// the sorted sums in one go: its nodes full, where inserts in the cells' order leave them
    /// two-thirds full (39 bytes a resource, not 26, of resource ids by the hundred thousand).
    fn sum_days_of_resources(&mut self, mut counts: DayRecords) {
        counts.extend(std::mem::take(&mut self.by_day_of_resource));
        counts.sort_unstable_by_key(|&(at, _)| at);
        counts.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 .0 += next.1 .0;
                kept.1 .1 = kept.1 .1.max(next.1 .1);
            }
            same
        });
        self.by_day_of_resource = counts.into_iter().collect();
    }

    /// Fills `diagnostics` with the rows kept, and a row of [`OTHER_DIAGNOSTICS`] per key for
    /// the records of the others.
    fn sum_diagnostics(&mut self) {
        self.diagnostics.extend(self.diagnostic_rows.take());
        if !self.other_diagnostics.is_empty() {
            let other = self.diagnostic_texts.intern(OTHER_DIAGNOSTICS);
            let none = self.diagnostic_texts.intern("");
            for ((code, sub), d) in std::mem::take(&mut self.other_diagnostics) {
                let key = (code, sub, None, other, None, none);
                let t = self.diagnostics.entry(key).or_default();
                t.count += d.count;
                t.calls |= d.calls;
            }
        }
    }

    /// Fills `by_sdk` with the pairs kept, and rows of [`OTHER`] versions (or an [`OTHER`]
    /// type) for the records of the others.
    fn sum_sdks(&mut self) {
        for ((ty, version), keys) in self.sdks.take() {
            for (key, n) in keys {
                *self.by_sdk.entry((ty, version, key)).or_default() += n;
            }
        }
        let others = self.other_sdks.take();
        if !others.is_empty() || !self.other_sdk_type.is_empty() {
            let other = self.sdk_texts.intern(OTHER);
            let of_other = std::mem::take(&mut self.other_sdk_type);
            for (ty, keys) in others.into_iter().chain([(other, of_other)]) {
                for (key, n) in keys {
                    *self.by_sdk.entry((ty, other, key)).or_default() += n;
                }
            }
        }
    }
}

/// The items of `list`, last first, its memory given back as it empties (shrunk whenever it
/// falls below half its room): a list taken from a table of keys by the hundred thousand is
/// not held whole beside the tables or rows made from it.
pub fn popped<T>(mut list: Vec<T>) -> impl Iterator<Item = T> {
    std::iter::from_fn(move || {
        let item = list.pop();
        if list.len() < list.capacity() / 2 {
            list.shrink_to_fit();
        }
        item
    })
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
