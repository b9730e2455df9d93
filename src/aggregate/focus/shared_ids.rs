//! The ids by CorrelationId that the workers share ([`SharedIds`]): each call's
//! CallConnectionId, ServerCallId, SDK and resource from the records not focused, in shards
//! behind their own locks, within a limit of calls and a budget of the focused calls' texts.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::DateTime;

use super::super::call_ids::guid;
use super::by_call::ByCall;
use super::ids::FirstId;
use super::sdks::sdk_text;
use crate::record::Record;

/// The ids by CorrelationId (see [`Focus::ids`]), one table shared by the workers given it
/// ([`Focus::sharing_ids`]): a call's records are spread over the input, so each worker's own
/// table held the ids of nearly every call, and the merge held them twice. It is cut into
/// shards by id, each behind its own lock, so that workers seldom wait for one another.
///
/// It may hold a limited number of calls ([`SharedIds::limited`]): past it, it lets its ids
/// go and takes no more, and the ids the focused calls need are read again ([`IdsOf`]).
///
/// It keeps the budget of the texts that the workers' calls hold for their rows (ServerCallIds,
/// messages) the same way: past it, every worker lets them go and takes no more, and those of
/// the calls listed are read again.
#[derive(Debug, Clone)]
pub struct SharedIds(Arc<Shards>);

#[derive(Debug)]
struct Shards {
    shards: Box<[Mutex<IdsByCall>]>,
    /// The calls it may hold; `usize::MAX`: every one.
    limit: usize,
    /// The calls it took (each once, in the shard that holds it).
    taken: AtomicUsize,
    /// Whether the limit was passed: it holds nothing since.
    overflowed: AtomicBool,
    /// The calls taken for their resource alone (no record of theirs named another id yet),
    /// as many as `limit` at most apart from `taken`: a log that names no other id (a
    /// workspace media summary export) does not make the ids be read again.
    resources_taken: AtomicUsize,
    /// Whether more calls than that named a resource alone: the resources held may then not
    /// be the first by name of every record's, and are looked up again where needed.
    resources_overflowed: AtomicBool,
    /// The bytes of texts the workers' calls may hold; `usize::MAX`: every one.
    text_limit: usize,
    /// The bytes they took (about: [`CallStats::text_bytes`]).
    text_taken: AtomicUsize,
    /// Whether `text_limit` was passed: the workers hold no texts since.
    texts_spent: AtomicBool,
}

/// (CallConnectionId, ServerCallId, SDK, resource name) by a call's id (its CorrelationId, else
/// its CallConnectionId, as [`Record::call_id`]): each the earliest record's, but the resource,
/// the first by name of those its records name within the window (a focused record's too).
pub type CallIdsOf = (FirstId, FirstId, FirstId, FirstId);

type IdsByCall = ByCall<CallIdsOf>;

const ID_SHARDS: usize = 64;

/// The calls whose ids `triage` holds as it reads files (about 10 MB: a ServerCallId is
/// about 150 bytes); past it, it reads them again for the focused calls only. Standard input
/// and pipes, which cannot be read twice, hold every call's.
pub const MAX_IDS: usize = 32_768;

/// The bytes of texts (ServerCallIds, messages) that the focused calls hold for their rows as
/// `triage` reads files; past it, they are let go and read again for the calls listed only.
/// Standard input and pipes hold every call's.
pub const MAX_TEXT_BYTES: usize = 8 << 20;

impl Default for SharedIds {
    fn default() -> SharedIds {
        SharedIds::limited(usize::MAX)
    }
}

impl SharedIds {
    /// The bytes of the calls' texts that reading files holds ([`MAX_TEXT_BYTES`]).
    pub const TEXT_BYTES: usize = MAX_TEXT_BYTES;

    /// A table that holds the ids of `limit` calls at most, and texts of [`MAX_TEXT_BYTES`]
    /// (every one when `limit` is `usize::MAX`).
    pub fn limited(limit: usize) -> SharedIds {
        let texts = if limit == usize::MAX {
            usize::MAX
        } else {
            MAX_TEXT_BYTES
        };
        SharedIds::limits(limit, texts)
    }

    /// A table that holds the ids of `limit` calls at most, and `text_limit` bytes of texts.
    pub fn limits(limit: usize, text_limit: usize) -> SharedIds {
        SharedIds(Arc::new(Shards {
            shards: (0..ID_SHARDS).map(|_| Mutex::default()).collect(),
            limit,
            taken: AtomicUsize::new(0),
            overflowed: AtomicBool::new(false),
            resources_taken: AtomicUsize::new(0),
            resources_overflowed: AtomicBool::new(false),
            text_limit,
            text_taken: AtomicUsize::new(0),
            texts_spent: AtomicBool::new(false),
        }))
    }

    /// Whether the calls' texts took more than they may: every worker lets them go.
    pub fn texts_spent(&self) -> bool {
        self.0.texts_spent.load(AtomicOrdering::Relaxed)
    }

    /// A worker's calls took `n` more bytes of texts.
    pub(super) fn take_texts(&self, n: usize) {
        let taken = self.0.text_taken.fetch_add(n, AtomicOrdering::Relaxed);
        if taken.saturating_add(n) > self.0.text_limit {
            self.0.texts_spent.store(true, AtomicOrdering::Relaxed);
        }
    }

    /// The shard of call `id`: of its GUID's number when it is one, so that a GUID written in
    /// upper case by one log and lower case by another is one call here too ([`ByCall`] folds
    /// them; a shard picked from the text put the two in different tables).
    fn shard_of(id: &str) -> usize {
        Self::shard_of_guid(id, guid(id))
    }

    /// [`SharedIds::shard_of`] call `id`, whose GUID's number is `g` ([`guid`] of it): a GUID's
    /// bits mixed by one multiplication (a hash of every record's id was a tenth of the time
    /// of a workspace's rows, which all offer their resource), any other id's text hashed.
    fn shard_of_guid(id: &str, g: Option<u128>) -> usize {
        let h = match g {
            Some(g) => (g as u64 ^ (g >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            None => {
                let mut h = DefaultHasher::new();
                id.hash(&mut h);
                h.finish()
            }
        };
        (h >> 32) as usize % ID_SHARDS
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, IdsByCall> {
        self.0.shards[shard]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether more calls named ids than it may hold: it let them go (an offer already past
    /// the flag may still enter a call: drop the table whole).
    pub fn overflowed(&self) -> bool {
        self.0.overflowed.load(AtomicOrdering::Relaxed)
    }

    /// Whether more calls named a resource alone than it may hold: it took no more of them,
    /// and the calls' resources are not known from it ([`SharedIds::offer`]).
    pub fn resources_overflowed(&self) -> bool {
        self.0.resources_overflowed.load(AtomicOrdering::Relaxed)
    }

    /// A record of call `id` names these ids (an empty one names none), when `ids`, and the
    /// resource `resource` (within the window).
    pub(super) fn offer(&self, id: &str, rec: &Record<'_>, ids: bool, resource: Option<&str>) {
        if self.overflowed() || !ids && resource.is_none() {
            return;
        }
        let g = guid(id);
        let mut shard = self.lock(Self::shard_of_guid(id, g));
        let r = &self.0;
        let mut full = false;
        // A call new here is taken within its limit: one of a resource alone counts apart.
        let enter = || match ids {
            false if r.resources_overflowed.load(AtomicOrdering::Relaxed) => false,
            false if r.resources_taken.fetch_add(1, AtomicOrdering::Relaxed) >= r.limit => {
                r.resources_overflowed.store(true, AtomicOrdering::Relaxed);
                false
            }
            false => true,
            true => {
                full = r.taken.fetch_add(1, AtomicOrdering::Relaxed) >= r.limit;
                !full
            }
        };
        let Some(e) = shard.entry_if(id, g, enter) else {
            drop(shard);
            if full {
                self.overflow();
            }
            return;
        };
        if ids {
            e.0.offer(rec.time, &rec.call_connection_id);
            e.1.offer(rec.time, &rec.server_call_id);
            e.2.offer(rec.time, &sdk_text(rec));
        }
        if let Some(name) = resource {
            // A call's resource is the first by name of those its records name, as report's
            // join of callback records takes it: offered all at one instant, the least wins
            // (a name after the one held is not offered, which would copy it).
            if e.3.is_empty() || *name < *e.3.text() {
                e.3.offer(DateTime::UNIX_EPOCH, name);
            }
        }
    }

    /// Lets every id go and takes no more. One shard is locked at a time, as everywhere, so
    /// that no two workers wait for each other. An offer already past the flag may still
    /// enter one call; the table is dropped whole once read.
    fn overflow(&self) {
        self.0.overflowed.store(true, AtomicOrdering::Relaxed);
        for shard in 0..ID_SHARDS {
            drop(std::mem::take(&mut *self.lock(shard)));
        }
    }

    /// The ids of call `id`, taken out.
    pub fn remove(&self, id: &str) -> Option<CallIdsOf> {
        self.lock(Self::shard_of(id)).remove(id)
    }

    #[cfg(test)]
    pub fn get(&self, id: &str) -> Option<CallIdsOf> {
        self.lock(Self::shard_of(id)).get(id).cloned()
    }

    /// A table of its own with the same limits, for a sink kept apart.
    pub(super) fn apart(&self) -> SharedIds {
        SharedIds::limits(self.0.limit, self.0.text_limit)
    }

    /// Moves the ids of `o` here, unless they are these (foci that share them). Its calls new
    /// here count toward the limit, and if either overflowed, this one does.
    pub(super) fn absorb(&self, o: SharedIds) {
        if Arc::ptr_eq(&self.0, &o.0) {
            return;
        }
        if o.texts_spent() {
            self.0.texts_spent.store(true, AtomicOrdering::Relaxed);
        } else {
            self.take_texts(o.0.text_taken.load(AtomicOrdering::Relaxed));
        }
        if o.resources_overflowed() {
            self.0
                .resources_overflowed
                .store(true, AtomicOrdering::Relaxed);
        }
        if o.overflowed() {
            self.overflow();
        }
        if self.overflowed() {
            return;
        }
        let mut new = 0;
        for shard in 0..ID_SHARDS {
            let theirs = std::mem::take(&mut *o.lock(shard));
            new += theirs.len();
            self.lock(shard)
                .absorb(theirs, |e, (cc, server, sdk, resource)| {
                    new -= 1;
                    e.0.absorb(cc);
                    e.1.absorb(server);
                    e.2.absorb(sdk);
                    e.3.absorb(resource);
                });
        }
        let taken = self.0.taken.fetch_add(new, AtomicOrdering::Relaxed);
        if taken.saturating_add(new) > self.0.limit {
            self.overflow();
        }
    }
}

/// Whether a record names its call's ids (or SDK) by its CorrelationId.
pub(super) fn names_ids(rec: &Record<'_>) -> bool {
    !rec.correlation_id.is_empty()
        && (!rec.call_connection_id.is_empty()
            || !rec.server_call_id.is_empty()
            || !rec.sdk_type.is_empty()
            || !rec.sdk_version.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::focus::tests::{focused, IDS};

    /// Tables merged count their calls toward the limit, once each; one overflowed makes the
    /// other overflow.
    #[test]
    fn tables_of_ids_merged_keep_to_their_limit() {
        let rec = Record {
            time: "2026-11-24T01:00:00Z".parse().unwrap(),
            kind: crate::record::Kind::Operations,
            operation: "Play".into(),
            result_type: "".into(),
            code: 200,
            subcode: None,
            message: "".into(),
            correlation_id: "".into(),
            call_connection_id: "cc".into(),
            operation_id: "".into(),
            resource_id: "".into(),
            sdk_type: "".into(),
            sdk_version: "".into(),
            prompt: "".into(),
            server_call_id: "".into(),
            sip: Default::default(),
            q850: Default::default(),
            target: "".into(),
            operation_context: "".into(),
        };
        let table = |ids: &[&str]| {
            let t = SharedIds::limited(3);
            for id in ids {
                t.offer(id, &rec, true, None);
            }
            t
        };
        let a = table(&[IDS[1], IDS[2]]);
        a.absorb(table(&[IDS[2], IDS[8]]));
        assert!(!a.overflowed());
        assert!([1, 2, 8].iter().all(|&i| a.get(IDS[i]).is_some()));
        a.absorb(table(&[IDS[0]]));
        assert!(a.overflowed() && a.get(IDS[1]).is_none());
        let b = table(&[IDS[1]]);
        b.absorb(table(&IDS[..4]));
        assert!(b.overflowed() && b.get(IDS[1]).is_none());
        // Offers past the flag are not taken.
        b.offer(IDS[5], &rec, true, None);
        assert!(b.get(IDS[5]).is_none());
    }

    /// A call whose GUID one log writes in upper case and another in lower case is one call in
    /// the table of ids (report folds them alike): its ids are found whichever case looks them
    /// up, for every one of many calls (the shard is the GUID's, not the text's).
    #[test]
    fn a_guid_in_either_case_finds_its_calls_ids() {
        let t = SharedIds::limited(1_000);
        let mut rec = focused(String::new(), 1);
        rec.call_connection_id = "ac7a8f79-9169-29a0-b1e7-daadf916e10d".into();
        for n in 0..200u32 {
            let id = format!("{n:08x}-5de3-e071-b57f-f03b73d72031");
            t.offer(&id.to_uppercase(), &rec, true, None);
            let ids = t.remove(&id).map(|ids| ids.0.into_string());
            assert_eq!(
                ids.as_deref(),
                Some("ac7a8f79-9169-29a0-b1e7-daadf916e10d"),
                "{id}"
            );
        }
    }

    /// An offer enters a call only within its limit: a call of ids counts toward `limit`, and
    /// past it the table lets every id go; a call of a resource alone counts apart, and past
    /// its own limit it is not entered (the table keeps what it holds). A call held takes a
    /// resource first by name, whichever case its GUID is written in.
    #[test]
    fn offers_enter_calls_within_their_limits() {
        let mut rec = focused(String::new(), 1);
        let t = SharedIds::limited(2);
        for id in &IDS[..3] {
            t.offer(id, &rec, false, Some("acs-b"));
        }
        assert!(t.resources_overflowed() && !t.overflowed());
        assert!(t.get(IDS[0]).is_some() && t.get(IDS[2]).is_none());
        t.offer(IDS[2], &rec, true, None);
        t.offer(IDS[4], &rec, true, None);
        assert!(!t.overflowed() && t.get(IDS[4]).is_some());
        t.offer(&IDS[1].to_uppercase(), &rec, false, Some("acs-a"));
        t.offer(IDS[1], &rec, false, Some("acs-c"));
        assert_eq!(t.get(IDS[1]).unwrap().3.text(), "acs-a");
        rec.call_connection_id = "cc".into();
        t.offer(IDS[8], &rec, true, None);
        assert!(t.overflowed() && t.get(IDS[0]).is_none());
    }
}
