//! Aggregate: the sink that counts records by (code, subcode), by operation and by time bucket,
//! with the distinct calls behind each count, and keeps the rejects. One per worker, merged.
//!
//! Call ids and operation names are interned per worker, so the per-record work is one string
//! hash for each and integer keys elsewhere; merging maps the other worker's ids onto ours.

use std::collections::{BTreeMap, BinaryHeap};

use chrono::{DateTime, Utc};
use foldhash::HashMap;

use crate::ingest::{Reject, Sink};
use crate::normalize::{Kind, Reason, Record, SkipReason};

/// At most this many reject rows are kept for `rejects.csv`; all are counted.
pub const MAX_REJECT_ROWS: usize = 100_000;

/// Seconds in a UTC day.
pub const DAY: i64 = 86_400;

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

/// Strings numbered in the order first seen.
///
/// A record interns a 36-byte call id. Short strings are kept inline in the hash table's
/// entries, so a lookup touches one place in memory; a map keyed by boxed strings missed the
/// cache twice per lookup (the entry, then the string it points to).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    short: HashMap<Inline, u32>,
    long: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

/// Up to [`INLINE`] bytes: the length, then the bytes, zero-padded, as words.
#[derive(Debug, Clone, Copy, Eq)]
struct Inline([u64; 5]);

impl std::hash::Hash for Inline {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
    }
}
const INLINE: usize = 39;

/// Word by word, inline: array equality would call `memcmp` on every lookup.
impl PartialEq for Inline {
    fn eq(&self, o: &Inline) -> bool {
        self.0.iter().zip(&o.0).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }
}

fn inline(s: &str) -> Inline {
    let mut bytes = [0u8; INLINE + 1];
    bytes[0] = s.len() as u8;
    bytes[1..=s.len()].copy_from_slice(s.as_bytes());
    Inline(std::array::from_fn(|i| {
        u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
    }))
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if s.len() <= INLINE {
            return self.intern_inline(inline(s));
        }
        if let Some(&id) = self.long.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.long.insert(s.into(), id);
        self.names.push(s.into());
        id
    }

    /// [`Interner::intern`] of a string already made a key by [`inline`].
    fn intern_inline(&mut self, key: Inline) -> u32 {
        let next = self.names.len() as u32;
        let id = *self.short.entry(key).or_insert(next);
        if id == next {
            let bytes: Vec<u8> = key.0.iter().flat_map(|w| w.to_le_bytes()).collect();
            let s = std::str::from_utf8(&bytes[1..=usize::from(bytes[0])]).expect("was a str");
            self.names.push(s.into());
        }
        id
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// The id of a string already interned.
    pub fn get(&self, s: &str) -> Option<u32> {
        if s.len() <= INLINE {
            self.short.get(&inline(s)).copied()
        } else {
            self.long.get(s).copied()
        }
    }

    /// For each id of `other`, the id of the same string here.
    fn absorb(&mut self, other: &Interner) -> Vec<u32> {
        other.names.iter().map(|n| self.intern(n)).collect()
    }
}

mod calls;

/// Distinct calls, as interned CorrelationIds (or CallConnectionIds).
pub use calls::Calls;

fn remap<'a>(calls: &'a Calls, map: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    calls.iter().map(move |c| map[c as usize])
}

type Time = Option<DateTime<Utc>>;

fn earliest(a: Time, b: Time) -> Time {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn latest(a: Time, b: Time) -> Time {
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
    /// Distinct ResultMessages with counts, at most [`MESSAGES_PER_KEY`].
    pub messages: HashMap<Box<str>, u64>,
}

/// Keeps `r` if it is among the first [`MAX_REJECT_ROWS`] by file and line: `kept` holds the
/// first ones seen so far with the last of them on top, so the rows written do not depend on
/// how the work was split across threads.
fn keep_reject(kept: &mut BinaryHeap<Reject>, r: Reject) {
    if kept.len() < MAX_REJECT_ROWS {
        kept.push(r);
    } else if kept.peek().is_some_and(|last| r < *last) {
        kept.pop();
        kept.push(r);
    }
}

/// Distinct messages kept per key: logs sometimes name a subcode differently from the
/// catalogue, and the report shows both.
pub const MESSAGES_PER_KEY: usize = 8;

fn add_message(m: &mut HashMap<Box<str>, u64>, msg: &str, n: u64) {
    if msg.is_empty() {
        return;
    }
    if let Some(c) = m.get_mut(msg) {
        *c += n;
    } else if m.len() < MESSAGES_PER_KEY {
        m.insert(msg.into(), n);
    }
}

impl KeyStats {
    /// Messages, most frequent first.
    pub fn top_messages(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.messages.iter().map(|(m, n)| (&**m, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

#[derive(Debug, Clone, Default)]
pub struct OpStats {
    pub count: u64,
    pub calls: Calls,
}

/// One key on one UTC day.
#[derive(Debug, Clone, Default)]
pub struct DayStats {
    pub hours: [u64; 24],
    pub calls: Calls,
}

impl DayStats {
    pub fn count(&self) -> u64 {
        self.hours.iter().sum()
    }
}

/// A SIP / Q.850 diagnostic row: (code, subcode, SIP code, SIP message, Q.850 code, Q.850
/// message), the messages interned in [`Aggregator::diagnostic_texts`].
pub type DiagKey = (u32, Option<u32>, Option<u32>, u32, Option<u32>, u32);

#[derive(Debug, Clone, Default)]
pub struct DiagStats {
    pub count: u64,
    pub calls: Calls,
}

/// Distinct diagnostic rows kept per worker; records of new ones past it are counted under
/// [`OTHER_DIAGNOSTICS`] of their (code, subcode), so hostile messages cannot exhaust memory.
pub const MAX_DIAGNOSTICS: usize = 10_000;

/// The SIP message of the row that counts the diagnostics past [`MAX_DIAGNOSTICS`].
pub const OTHER_DIAGNOSTICS: &str = "(other diagnostics)";

/// Key of the by-operation table, with the operation interned.
pub type OpKey = (u32, Kind, u32, Option<u32>);

/// The finest cell records are counted in: one UTC day (days since the epoch), one interned
/// operation of one kind, one (code, subcode). Every table of the report is a sum of cells,
/// so a record costs one map entry and one call-set insert.
type Cell = (i64, u32, Kind, u32, Option<u32>);

#[derive(Debug, Clone)]
struct CellStats {
    hours: [u64; 24],
    calls: Calls,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

impl CellStats {
    fn new(t: DateTime<Utc>) -> CellStats {
        CellStats {
            hours: [0; 24],
            calls: Calls::new(),
            first: t,
            last: t,
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
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    /// Accepted by ingest but outside the window.
    pub outside: u64,
    pub calls: Interner,
    pub operations: Interner,
    /// What ingest fills; the tables below are derived from it by [`Sink::done`].
    cells: HashMap<Cell, CellStats>,
    /// Records not yet counted into `cells`; see [`Aggregator::flush`].
    pending: Vec<Pending>,
    /// Messages per key, when kept.
    messages: HashMap<Key, HashMap<Box<str>, u64>>,
    pub by_key: HashMap<Key, KeyStats>,
    pub by_op: HashMap<OpKey, OpStats>,
    /// The first [`MAX_REJECT_ROWS`] rejects by file and line, whatever the order the
    /// workers met them in; see [`Aggregator::rejects`].
    reject_rows: BinaryHeap<Reject>,
    pub reject_counts: BTreeMap<Reason, u64>,
    pub skip_counts: BTreeMap<SkipReason, u64>,
    /// (UTC day as days since the epoch, key) → counts per hour and calls: the timeline and
    /// the spikes' history, in one map.
    pub by_day: HashMap<(i64, Key), DayStats>,
    /// SIP and Q.850 diagnostics of the records that carry them.
    pub diagnostics: HashMap<DiagKey, DiagStats>,
    pub diagnostic_texts: Interner,
}

impl Aggregator {
    pub fn new(window: Window, bucket_secs: i64) -> Aggregator {
        Aggregator {
            window,
            bucket_secs,
            keep_messages: true,
            accepted: 0,
            rejected: 0,
            skipped: 0,
            outside: 0,
            calls: Interner::default(),
            operations: Interner::default(),
            cells: HashMap::default(),
            pending: Vec::with_capacity(BATCH),
            messages: HashMap::default(),
            by_key: HashMap::default(),
            by_op: HashMap::default(),
            reject_rows: BinaryHeap::new(),
            reject_counts: BTreeMap::new(),
            skip_counts: BTreeMap::new(),
            by_day: HashMap::default(),
            diagnostics: HashMap::default(),
            diagnostic_texts: Interner::default(),
        }
    }

    /// Counts the SIP / Q.850 diagnostic of a record that has one.
    fn diagnostic(&mut self, rec: &Record<'_>) {
        let full = self.diagnostics.len() >= MAX_DIAGNOSTICS;
        let texts = &mut self.diagnostic_texts;
        let mut id = |m: &str| {
            if full {
                texts.get(m)
            } else {
                Some(texts.intern(m))
            }
        };
        let key = match (id(&rec.sip.message), id(&rec.q850.message)) {
            (Some(sm), Some(qm)) => {
                Some((rec.code, rec.subcode, rec.sip.code, sm, rec.q850.code, qm))
            }
            _ => None,
        }
        .filter(|k| !full || self.diagnostics.contains_key(k));
        let key = key.unwrap_or_else(|| {
            let other = self.diagnostic_texts.intern(OTHER_DIAGNOSTICS);
            let none = self.diagnostic_texts.intern("");
            (rec.code, rec.subcode, None, other, None, none)
        });
        let call = rec.call_id().map(|c| self.calls.intern(c));
        let d = self.diagnostics.entry(key).or_default();
        d.count += 1;
        if let Some(c) = call {
            d.calls.insert(c);
        }
    }

    /// Skips counting messages when no output shows them.
    pub fn without_messages(mut self) -> Aggregator {
        self.keep_messages = false;
        self
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

    /// The rejects kept for `rejects.csv`, by file and line.
    pub fn rejects(&self) -> Vec<&Reject> {
        let mut v: Vec<&Reject> = self.reject_rows.iter().collect();
        v.sort();
        v
    }

    /// Whether more records were rejected than [`MAX_REJECT_ROWS`] kept.
    pub fn rejects_truncated(&self) -> bool {
        self.rejected > self.reject_rows.len() as u64
    }

    /// The by-operation counts with operation names.
    pub fn operations(&self) -> impl Iterator<Item = ((&str, Kind, u32, Option<u32>), &OpStats)> {
        self.by_op
            .iter()
            .map(|(k, s)| ((self.operations.name(k.0), k.1, k.2, k.3), s))
    }

    /// (bucket start in seconds since the epoch, key) → count, non-zero buckets only.
    pub fn timeline(&self) -> BTreeMap<(i64, Key), u64> {
        let mut out = BTreeMap::new();
        for (&(day, key), s) in &self.by_day {
            for (h, &n) in s.hours.iter().enumerate() {
                if n > 0 {
                    let t = day * DAY + h as i64 * 3600;
                    let bucket = t - t.rem_euclid(self.bucket_secs);
                    *out.entry((bucket, key)).or_default() += n;
                }
            }
        }
        out
    }
}

/// Records counted together: looking up the call ids of many records in one tight loop lets
/// the processor wait for their cache misses at the same time, not one record after another.
const BATCH: usize = 64;

#[derive(Debug, Clone)]
struct Pending {
    cell: Cell,
    time: DateTime<Utc>,
    call: PendingCall,
}

#[derive(Debug, Clone)]
enum PendingCall {
    None,
    Inline(Inline),
    Id(u32),
}

impl Aggregator {
    /// Counts the pending records into their cells.
    fn flush(&mut self) {
        let calls: Vec<Option<u32>> = self
            .pending
            .iter()
            .map(|p| match p.call {
                PendingCall::None => None,
                PendingCall::Inline(k) => Some(self.calls.intern_inline(k)),
                PendingCall::Id(id) => Some(id),
            })
            .collect();
        for (p, call) in self.pending.drain(..).zip(calls) {
            let t = p.time.timestamp();
            let cell = self
                .cells
                .entry(p.cell)
                .or_insert_with(|| CellStats::new(p.time));
            cell.hours[(t.rem_euclid(DAY) / 3600) as usize] += 1;
            if let Some(id) = call {
                cell.calls.insert(id);
            }
            cell.first = cell.first.min(p.time);
            cell.last = cell.last.max(p.time);
        }
    }
}

impl Sink for Aggregator {
    fn record(&mut self, rec: &Record<'_>) {
        if !self.window.contains(rec.time) {
            self.outside += 1;
            return;
        }
        self.accepted += 1;
        let t = rec.time.timestamp();
        let op = self.operations.intern(&rec.operation);
        let call = match rec.call_id() {
            None => PendingCall::None,
            Some(id) if id.len() <= INLINE => PendingCall::Inline(inline(id)),
            Some(id) => PendingCall::Id(self.calls.intern(id)),
        };
        self.pending.push(Pending {
            cell: (t.div_euclid(DAY), op, rec.kind, rec.code, rec.subcode),
            time: rec.time,
            call,
        });
        if self.pending.len() == BATCH {
            self.flush();
        }
        if self.keep_messages && !rec.message.is_empty() {
            let m = self.messages.entry((rec.code, rec.subcode)).or_default();
            add_message(m, &rec.message, 1);
        }
        if !rec.sip.is_empty() || !rec.q850.is_empty() {
            self.diagnostic(rec);
        }
    }

    fn reject(&mut self, rej: Reject) {
        self.rejected += 1;
        *self.reject_counts.entry(rej.reason).or_default() += 1;
        keep_reject(&mut self.reject_rows, rej);
    }

    fn skip(&mut self, reason: SkipReason) {
        self.skipped += 1;
        *self.skip_counts.entry(reason).or_default() += 1;
    }

    fn merge(&mut self, mut o: Aggregator) {
        self.flush();
        o.flush();
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.skipped += o.skipped;
        self.outside += o.outside;
        let calls = self.calls.absorb(&o.calls);
        let ops = self.operations.absorb(&o.operations);
        for ((day, op, kind, code, sub), s) in o.cells {
            let t = self
                .cells
                .entry((day, ops[op as usize], kind, code, sub))
                .or_insert_with(|| CellStats::new(s.first));
            for (a, b) in t.hours.iter_mut().zip(s.hours) {
                *a += b;
            }
            t.calls.extend(remap(&s.calls, &calls));
            t.first = t.first.min(s.first);
            t.last = t.last.max(s.last);
        }
        for (k, m) in o.messages {
            let t = self.messages.entry(k).or_default();
            for (m, n) in m {
                add_message(t, &m, n);
            }
        }
        for (r, n) in o.reject_counts {
            *self.reject_counts.entry(r).or_default() += n;
        }
        for (r, n) in o.skip_counts {
            *self.skip_counts.entry(r).or_default() += n;
        }
        let texts = self.diagnostic_texts.absorb(&o.diagnostic_texts);
        for ((code, sub, sc, sm, qc, qm), d) in o.diagnostics {
            let t = self
                .diagnostics
                .entry((code, sub, sc, texts[sm as usize], qc, texts[qm as usize]))
                .or_default();
            t.count += d.count;
            t.calls.extend(remap(&d.calls, &calls));
        }
        for r in o.reject_rows.into_vec() {
            keep_reject(&mut self.reject_rows, r);
        }
    }

    /// Sums the cells into the report's tables and sorts the kept rejects by file and line.
    fn done(&mut self) {
        self.flush();
        for ((day, op, kind, code, sub), c) in std::mem::take(&mut self.cells) {
            let key = (code, sub);
            let count = c.hours.iter().sum::<u64>();
            let k = self.by_key.entry(key).or_default();
            k.count += count;
            k.calls |= &c.calls;
            k.first = earliest(k.first, Some(c.first));
            k.last = latest(k.last, Some(c.last));
            let o = self.by_op.entry((op, kind, code, sub)).or_default();
            o.count += count;
            o.calls |= &c.calls;
            let d = self.by_day.entry((day, key)).or_default();
            for (a, b) in d.hours.iter_mut().zip(c.hours) {
                *a += b;
            }
            d.calls |= c.calls;
        }
        for (key, m) in std::mem::take(&mut self.messages) {
            if let Some(k) = self.by_key.get_mut(&key) {
                k.messages = m;
            }
        }
    }
}

/// Cells of a sparkline, at most: what [`series`] is asked for by the text reports.
pub const SPARK_CELLS: usize = 48;

/// Counts of one key from the timeline's first bucket to its last, zeros included, in at most
/// `cells` cells: consecutive buckets are summed when there are more. Memory is the cells',
/// never the span's (two records a century apart cost as much as two an hour apart).
pub fn series(
    timeline: &BTreeMap<(i64, Key), u64>,
    bucket_secs: i64,
    key: Key,
    cells: usize,
) -> Vec<u64> {
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

/// One call's records of the focused subcode.
#[derive(Debug, Clone, Default)]
pub struct CallStats {
    pub call_connection_id: String,
    pub count: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

/// Distinct result messages kept per focus; more are counted together.
pub const MAX_MESSAGES: usize = 1_000;

/// The sink of `triage`: everything an [`Aggregator`] counts (the exposure and history of the
/// spike verdict need all records), plus the calls and messages of one subcode.
#[derive(Debug, Clone)]
pub struct Focus {
    pub subcode: u32,
    pub code: Option<u32>,
    pub all: Aggregator,
    /// By CorrelationId (or CallConnectionId).
    pub calls: HashMap<Box<str>, CallStats>,
    pub messages: HashMap<Box<str>, u64>,
    /// Records whose message was not kept because [`MAX_MESSAGES`] were already.
    pub other_messages: u64,
}

impl Focus {
    pub fn new(subcode: u32, code: Option<u32>, all: Aggregator) -> Focus {
        Focus {
            subcode,
            code,
            all,
            calls: HashMap::default(),
            messages: HashMap::default(),
            other_messages: 0,
        }
    }

    pub fn matches(&self, code: u32, subcode: Option<u32>) -> bool {
        subcode == Some(self.subcode) && self.code.is_none_or(|c| c == code)
    }
}

impl Sink for Focus {
    fn record(&mut self, rec: &Record<'_>) {
        let before = self.all.accepted;
        self.all.record(rec);
        if self.all.accepted == before || !self.matches(rec.code, rec.subcode) {
            return;
        }
        if let Some(id) = rec.call_id() {
            let c = self.calls.entry(id.into()).or_default();
            c.count += 1;
            if c.call_connection_id.is_empty() {
                c.call_connection_id = rec.call_connection_id.to_string();
            }
            c.first = earliest(c.first, Some(rec.time));
            c.last = latest(c.last, Some(rec.time));
        }
        if let Some(n) = self.messages.get_mut(&*rec.message) {
            *n += 1;
        } else if self.messages.len() < MAX_MESSAGES {
            self.messages.insert((&*rec.message).into(), 1);
        } else {
            self.other_messages += 1;
        }
    }

    fn reject(&mut self, rej: Reject) {
        self.all.reject(rej);
    }

    fn done(&mut self) {
        self.all.done();
    }

    fn skip(&mut self, reason: SkipReason) {
        self.all.skip(reason);
    }

    fn merge(&mut self, o: Focus) {
        self.all.merge(o.all);
        for (k, s) in o.calls {
            let t = self.calls.entry(k).or_default();
            t.count += s.count;
            if t.call_connection_id.is_empty() {
                t.call_connection_id = s.call_connection_id;
            }
            t.first = earliest(t.first, s.first);
            t.last = latest(t.last, s.last);
        }
        for (m, n) in o.messages {
            if let Some(t) = self.messages.get_mut(&m) {
                *t += n;
            } else if self.messages.len() < MAX_MESSAGES {
                self.messages.insert(m, n);
            } else {
                self.other_messages += n;
            }
        }
        self.other_messages += o.other_messages;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn interner_numbers_strings_exactly() {
        let mut i = Interner::default();
        let long = "x".repeat(INLINE + 1);
        let words = [
            "",
            "a",
            "Play",
            "play",
            "6e0b95bb-cb07-4417-8bd1-059905ff58f4",
            "6e0b95bb-cb07-4417-8bd1-059905ff58f5",
            &long[1..],
            &long,
            "a\0",
        ];
        let ids: Vec<u32> = words.iter().map(|w| i.intern(w)).collect();
        assert_eq!(ids, (0..words.len() as u32).collect::<Vec<_>>());
        let again: Vec<u32> = words.iter().map(|w| i.intern(w)).collect();
        assert_eq!(again, ids);
        for (id, w) in ids.iter().zip(words) {
            assert_eq!(i.name(*id), w);
        }
    }

    #[test]
    fn kept_rejects_are_the_first_by_file_and_line_however_the_work_was_split() {
        let file: std::sync::Arc<str> = "a.jsonl".into();
        let rej = |line: u64| Reject {
            file: file.clone(),
            line,
            reason: Reason::NotJson,
            detail: String::new(),
            excerpt: String::new(),
        };
        let n = MAX_REJECT_ROWS as u64 + 50_000;
        let split = |odd_first: bool| {
            let mut a = Aggregator::new(Window::default(), 3600);
            let mut b = Aggregator::new(Window::default(), 3600);
            // One worker meets the lines last to first, the other in order.
            for line in (1..=n).rev().filter(|l| l % 2 == 1) {
                a.reject(rej(line));
            }
            for line in (1..=n).filter(|l| l % 2 == 0) {
                b.reject(rej(line));
            }
            if odd_first {
                a.merge(b);
                a
            } else {
                b.merge(a);
                b
            }
        };
        for agg in [split(true), split(false)] {
            let lines: Vec<u64> = agg.rejects().iter().map(|r| r.line).collect();
            assert_eq!(lines, (1..=MAX_REJECT_ROWS as u64).collect::<Vec<_>>());
            assert_eq!(agg.rejected, n);
            assert!(agg.rejects_truncated());
        }
    }

    fn rec(t: &str, code: u32, sub: Option<u32>, corr: &'static str) -> Record<'static> {
        Record {
            time: DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc),
            kind: Kind::MediaSummary,
            operation: Cow::Borrowed("Play"),
            result_type: Cow::Borrowed("Failed"),
            code,
            subcode: sub,
            message: Cow::Borrowed(""),
            correlation_id: Cow::Borrowed(corr),
            call_connection_id: Cow::Borrowed(""),
            operation_id: Cow::Borrowed(""),
            sip: Default::default(),
            q850: Default::default(),
        }
    }

    #[test]
    fn a_series_costs_its_cells_not_its_span() {
        let h = |y: i32| {
            chrono::NaiveDate::from_ymd_opt(y, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
        };
        let mut t = BTreeMap::new();
        t.insert((h(2001), (500, None)), 1);
        t.insert((h(2099), (500, None)), 2);
        let s = series(&t, 3600, (500, None), 48);
        assert!(s.len() <= 48, "{}", s.len());
        assert_eq!((s[0], *s.last().unwrap(), s.iter().sum::<u64>()), (1, 2, 3));
        // Up to 48 buckets: one cell each.
        let mut t = BTreeMap::new();
        t.insert((0, (404, Some(1))), 5);
        t.insert((3600 * 23, (404, Some(1))), 7);
        assert_eq!(series(&t, 3600, (404, Some(1)), 48).len(), 24);
    }

    #[test]
    fn counts_calls_buckets_and_window() {
        let w = Window {
            since: Some("2026-11-24T00:00:00Z".parse().unwrap()),
            until: Some("2026-11-25T00:00:00Z".parse().unwrap()),
        };
        let mut a = Aggregator::new(w, 3600);
        let mut b = Aggregator::new(w, 3600);
        a.record(&rec("2026-11-24T19:10:00Z", 404, Some(8522), "c1"));
        a.record(&rec("2026-11-24T19:50:00Z", 404, Some(8522), "c1"));
        b.record(&rec("2026-11-24T20:10:00Z", 404, Some(8522), "c2"));
        b.record(&rec("2026-11-25T00:00:00Z", 404, Some(8522), "c3"));
        b.record(&rec("2026-11-23T23:59:59Z", 404, Some(8522), "c3"));
        a.merge(b);
        a.done();
        assert_eq!((a.accepted, a.outside, a.read()), (3, 2, 5));
        let ks = &a.by_key[&(404, Some(8522))];
        assert_eq!((ks.count, ks.calls.len()), (3, 2));
        assert_eq!(ks.first.unwrap().to_rfc3339(), "2026-11-24T19:10:00+00:00");
        assert_eq!(ks.last.unwrap().to_rfc3339(), "2026-11-24T20:10:00+00:00");
        let h19 = DateTime::parse_from_rfc3339("2026-11-24T19:00:00Z")
            .unwrap()
            .timestamp();
        let timeline = a.timeline();
        assert_eq!(timeline[&(h19, (404, Some(8522)))], 2);
        assert_eq!(timeline.len(), 2);
        a.bucket_secs = DAY;
        let h0 = h19 - 19 * 3600;
        assert_eq!(
            a.timeline().into_iter().collect::<Vec<_>>(),
            vec![((h0, (404, Some(8522))), 3)]
        );
    }
}
