//! The sink of `triage`: everything an [`Aggregator`] counts (the exposure and history of the
//! spike verdict need all records), plus the calls and messages of one subcode.

use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};
use foldhash::HashMap;

use super::texts::{keep_in_list, Counted, Limits, Messages};
use super::{earliest, latest, Aggregator, Key};
use crate::ingest::{Kept, Reject, RejectRows, Sink};
use crate::record::{Reason, Record, SkipReason};

/// One call's records of the focused subcode.
#[derive(Debug, Clone, Default)]
pub struct CallStats {
    pub call_connection_id: FirstId,
    pub server_call_id: FirstId,
    pub count: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// The focused keys the call's records carry, sorted (a call has one or two: a set would
    /// take a tree node a call).
    pub codes: Vec<Key>,
    /// Its distinct messages, at most [`MESSAGES_PER_CALL`] (those of lowest rank: see
    /// [`texts`](super::texts)), with counts.
    pub messages: Vec<(Box<str>, u64)>,
}

/// An id that a call's records name: the one named by the earliest record that names one (then
/// the least, when records of the same time name several), so that which one is shown does
/// not depend on how the work was split across threads.
#[derive(Debug, Clone, Default)]
pub struct FirstId {
    /// When that record was, in nanoseconds since the epoch (records are of 2000 to 2100; a
    /// leap second's counts as the second's last nanosecond).
    at: i64,
    /// Empty until a record names one.
    id: Box<str>,
}

impl FirstId {
    /// A record at `at` names `id` (an empty one names none).
    fn offer(&mut self, at: DateTime<Utc>, id: &str) {
        let nanos = at.timestamp_subsec_nanos().min(999_999_999);
        let at = at
            .timestamp()
            .saturating_mul(1_000_000_000)
            .saturating_add(i64::from(nanos));
        if !id.is_empty() && self.before(at, id) {
            *self = FirstId { at, id: id.into() };
        }
    }

    /// Whether a record at `at` naming `id` comes before the one this is from.
    fn before(&self, at: i64, id: &str) -> bool {
        self.id.is_empty() || (at, id) < (self.at, &*self.id)
    }

    /// Keeps the earlier of this and what another worker met.
    fn absorb(&mut self, o: FirstId) {
        if !o.id.is_empty() && self.before(o.at, &o.id) {
            *self = o;
        }
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// Whether no record names one.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    pub fn into_string(self) -> String {
        self.id.into_string()
    }
}

/// Distinct messages kept per call, for a support ticket.
pub const MESSAGES_PER_CALL: usize = 3;

impl CallStats {
    fn add_code(&mut self, key: Key) {
        if let Err(i) = self.codes.binary_search(&key) {
            self.codes.insert(i, key);
        }
    }

    fn add_message(&mut self, m: &str, n: u64) {
        if !m.is_empty() {
            keep_in_list(&mut self.messages, m, n, MESSAGES_PER_CALL);
        }
    }
}

/// Distinct result messages kept per focus; the records of more are counted together.
pub const MAX_MESSAGES: usize = 1_000;

/// The sink of `triage`: everything an [`Aggregator`] counts (the exposure and history of the
/// spike verdict need all records), plus the calls and messages of one subcode.
#[derive(Debug, Clone)]
pub struct Focus {
    pub subcode: u32,
    pub code: Option<u32>,
    pub all: Aggregator,
    /// By CorrelationId (or CallConnectionId); boxed, so that the table a worker grows and the
    /// merge's hold pointers, not the stats.
    pub calls: HashMap<Box<str>, Box<CallStats>>,
    /// The focused records' messages, at most [`MAX_MESSAGES`]; see [`Focus::messages`].
    messages: Messages<()>,
    /// (CallConnectionId, ServerCallId) by CorrelationId, from every record that names them:
    /// a media summary record names only its CorrelationId, the operations log the others.
    pub ids: HashMap<Box<str>, (FirstId, FirstId)>,
}

impl Focus {
    pub fn new(subcode: u32, code: Option<u32>, all: Aggregator) -> Focus {
        Focus {
            subcode,
            code,
            all,
            calls: HashMap::default(),
            // One key whose texts are all within its floor: the floors' budget is its cap.
            messages: Messages::new(Limits {
                floor: MAX_MESSAGES,
                cap: MAX_MESSAGES,
                extras: 0,
                floors: MAX_MESSAGES,
            }),
            ids: HashMap::default(),
        }
    }

    /// The focused records' messages (an empty one too) with their counts, and the records
    /// of those not kept.
    pub fn messages(&self) -> Counted {
        self.messages
            .clone()
            .into_counted()
            .next()
            .map(|(_, c)| c)
            .unwrap_or_default()
    }

    pub fn matches(&self, code: u32, subcode: Option<u32>) -> bool {
        subcode == Some(self.subcode) && self.code.is_none_or(|c| c == code)
    }
}

/// The value of `key` in `map`, a default one entered first if none: the key is copied only
/// then, not for every record (as `entry` would).
fn entry<'m, V: Default>(map: &'m mut HashMap<Box<str>, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.into(), V::default());
    }
    map.get_mut(key).expect("entered above")
}

impl Sink for Focus {
    fn record(&mut self, rec: &Record<'_>) -> Kept {
        let kept = self.all.record(rec);
        if !rec.correlation_id.is_empty()
            && (!rec.call_connection_id.is_empty() || !rec.server_call_id.is_empty())
        {
            let e = entry(&mut self.ids, &rec.correlation_id);
            e.0.offer(rec.time, &rec.call_connection_id);
            e.1.offer(rec.time, &rec.server_call_id);
        }
        if kept != Kept::Counted || !self.matches(rec.code, rec.subcode) {
            return kept;
        }
        if let Some(id) = rec.call_id() {
            let c = entry(&mut self.calls, id);
            c.count += 1;
            c.call_connection_id
                .offer(rec.time, &rec.call_connection_id);
            c.server_call_id.offer(rec.time, &rec.server_call_id);
            c.first = earliest(c.first, Some(rec.time));
            c.last = latest(c.last, Some(rec.time));
            c.add_code((rec.code, rec.subcode));
            c.add_message(&rec.message, 1);
        }
        self.messages.add((), &rec.message, 1);
        Kept::Counted
    }

    fn reject(&mut self, rej: Reject) {
        self.all.reject(rej);
    }

    fn reject_not_kept(&mut self, reason: Reason) {
        self.all.reject_not_kept(reason);
    }

    fn past_kept(&self, file: &str, line: u64, record: Option<u64>) -> bool {
        self.all.past_kept(file, line, record)
    }

    fn share_rejects(&mut self, rows: &RejectRows) {
        self.all.share_rejects(rows);
    }

    fn done(&mut self) {
        self.all.done();
    }

    fn skip(&mut self, reason: SkipReason, time: Option<DateTime<Utc>>) {
        self.all.skip(reason, time);
    }

    fn merge(&mut self, mut o: Focus) {
        self.all.merge(o.all);
        // The smaller table into the larger: the fewer entries moved, the less it grows.
        if o.calls.len() > self.calls.len() {
            std::mem::swap(&mut self.calls, &mut o.calls);
        }
        if o.ids.len() > self.ids.len() {
            std::mem::swap(&mut self.ids, &mut o.ids);
        }
        for (k, s) in o.calls {
            let t = match self.calls.entry(k) {
                Entry::Vacant(v) => {
                    v.insert(s);
                    continue;
                }
                Entry::Occupied(t) => t.into_mut(),
            };
            t.count += s.count;
            t.call_connection_id.absorb(s.call_connection_id);
            t.server_call_id.absorb(s.server_call_id);
            t.first = earliest(t.first, s.first);
            t.last = latest(t.last, s.last);
            for key in &s.codes {
                t.add_code(*key);
            }
            for (m, n) in s.messages {
                t.add_message(&m, n);
            }
        }
        self.messages.merge(o.messages);
        for (k, (cc, server)) in o.ids {
            let e = self.ids.entry(k).or_default();
            e.0.absorb(cc);
            e.1.absorb(server);
        }
    }
}
