//! The sink of `triage`: everything an [`Aggregator`] counts (the exposure and history of the
//! spike verdict need all records), plus the calls and messages of one subcode.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::hash_map::{DefaultHasher, Entry};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use chrono::{DateTime, Utc};
use foldhash::fast::RandomState;
use foldhash::HashMap;
use hashbrown::HashTable;

use super::call_ids::{guid, Words};
use super::texts::{keep_in_list, Counted, Limits, Messages};
use super::{earliest, latest, Aggregator, Key, Spill};
use crate::ingest::{Kept, Reject, RejectRows, Sink};
use crate::record::{Kind, Reason, Record, SkipReason};

/// One call's records of the focused subcode. Held for every call (the calls are listed most
/// records first, so each one's count is needed to the end): a call takes 120 bytes here and
/// nothing on the heap, but for the ServerCallId and [`Details`] that only the rows of CSV and
/// `--calls` show, held within the budget of [`SharedIds`] (past it, they are read again for
/// the calls listed only).
#[derive(Debug, Clone, Default)]
pub struct CallStats {
    pub call_connection_id: FirstId,
    /// Held only when the rows show it ([`Listing::details`]).
    pub server_call_id: Detail,
    /// The SDK that made the call, `type\tversion` (`sdk_text`): the operations log names
    /// it, a media summary record does not. Its text is shared by the calls of the same SDK
    /// (`Sdks`).
    pub sdk: FirstId<Sdk>,
    pub count: u64,
    /// Of `count`, the callback records, which name no resource: they are counted under the
    /// resource the call's other records name ([`ResourceSplit`]), as `by_resource.csv` joins
    /// them.
    pub unnamed: u32,
    /// The first by name of the resources its focused records name: the call is among their
    /// calls already, and among those of the resource its callback records are joined to (the
    /// first by name of those all its records name) only when that is this one.
    /// (A thin pointer, 8 bytes, to the text shared by the calls of the resource.)
    pub named: Option<Arc<String>>,
    /// Whether a focused record of another log names none (a portal export without
    /// `_ResourceId`): it stays `(not named)`, as in `by_resource.csv`, which joins callback
    /// records only, and the call among that row's calls.
    pub stays: bool,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// Whether a record named the call by its CorrelationId (else by its CallConnectionId):
    /// only then are the ids its records lack looked up by that id ([`CallStats::borrows_ids`]).
    pub by_correlation: bool,
    /// Its focused keys, SIP codes, Q.850 causes and messages, held only when the rows show
    /// them.
    pub details: Option<Box<Details>>,
}

/// What of a call only the rows of CSV and `--calls` show.
#[derive(Debug, Clone, Default)]
pub struct Details {
    /// The focused keys the call's records carry, sorted (a call has one or two: a set would
    /// take a tree node a call).
    pub codes: Vec<Key>,
    /// Its distinct messages, at most `MESSAGES_PER_CALL` (those of lowest rank: see
    /// [`texts`](super::texts)), with counts.
    pub messages: Vec<(Box<str>, u64)>,
    /// The distinct SIP codes (`SipDetails`) of its focused records, sorted: the least
    /// `CODES_PER_CALL`.
    pub sip_codes: Vec<u32>,
    /// The distinct Q.850 causes (`Q850Details`), as [`Details::sip_codes`].
    pub q850_codes: Vec<u32>,
    /// The targets (`participant.rawId`) its focused callback records name, at most
    /// `TARGETS_PER_CALL` (those of lowest rank, as messages), with counts: who was called.
    pub targets: Vec<(Box<str>, u64)>,
}

/// Distinct SIP codes, and Q.850 causes, kept per call: a real call ends with one.
pub const CODES_PER_CALL: usize = 4;

/// Distinct targets kept per call: a call's failed action names one participant.
pub const TARGETS_PER_CALL: usize = 4;

/// Enters `code` in the sorted `codes`, keeping the least [`CODES_PER_CALL`] (the same
/// whatever the order met).
fn add_sorted(codes: &mut Vec<u32>, code: Option<u32>) {
    let Some(code) = code else {
        return;
    };
    if let Err(i) = codes.binary_search(&code) {
        if i < CODES_PER_CALL {
            codes.insert(i, code);
            codes.truncate(CODES_PER_CALL);
        }
    }
}

/// A call's ServerCallId when the rows show it: a pointer when they do not, or no record
/// named one yet (a ServerCallId is a token of about 150 bytes).
#[derive(Debug, Clone, Default)]
pub struct Detail(Option<Box<FirstId>>);

impl From<FirstId> for Detail {
    fn from(id: FirstId) -> Detail {
        Detail((!id.is_empty()).then(|| Box::new(id)))
    }
}

impl Detail {
    fn offer(&mut self, at: DateTime<Utc>, id: &str) {
        if !id.is_empty() {
            self.0.get_or_insert_default().offer(at, id);
        }
    }

    fn absorb(&mut self, o: Detail) {
        match (&mut self.0, o.0) {
            (Some(a), Some(b)) => a.absorb(*b),
            (a @ None, b) => *a = b,
            (Some(_), None) => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|f| f.is_empty())
    }

    /// The id (empty when no record names one).
    pub fn into_first(self) -> FirstId {
        self.0.map(|f| *f).unwrap_or_default()
    }

    /// The id (empty when no record names one).
    pub fn text(&self) -> Cow<'_, str> {
        self.0.as_ref().map_or(Cow::Borrowed(""), |f| f.text())
    }
}

/// Which of the focused calls the rows shown list, and what they show of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The calls listed, most records first: the first so many, or every one (`None`).
    pub first: Option<usize>,
    /// Whether the rows show each call's ServerCallId, focused keys, SIP codes, Q.850 causes
    /// and messages (CSV and `--calls` do, Markdown and JSON not): without, no call holds
    /// them.
    pub details: bool,
    /// Whether the split by SDK is shown (Markdown and JSON): only then are the SDKs of the
    /// calls not listed looked for in a second reading.
    pub sdks: bool,
}

impl Default for Listing {
    fn default() -> Listing {
        Listing {
            first: None,
            details: true,
            sdks: true,
        }
    }
}

/// An id as a record names it: a canonical GUID (as almost every CorrelationId and
/// CallConnectionId is; of either case) as the number it spells, held where the id is, any
/// other text boxed. Ordered as their texts are, a GUID's written lower case. Equal exactly
/// when their texts are, but for a GUID's case, since [`Id::new`] never boxes the text of a
/// canonical GUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    Guid(Words),
    Text(Box<str>),
}

impl Default for Id {
    fn default() -> Id {
        Id::Text(Box::default())
    }
}

/// The text of a GUID's number, as [`guid`] reads it: canonical, lower case.
pub(super) fn guid_text(w: Words) -> String {
    let g = u128::from(w);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        g >> 96,
        (g >> 80) & 0xffff,
        (g >> 64) & 0xffff,
        (g >> 48) & 0xffff,
        g & 0xffff_ffff_ffff
    )
}

impl Id {
    fn new(s: &str) -> Id {
        match guid(s) {
            Some(g) => Id::Guid(Words::from(g)),
            None => Id::Text(s.into()),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Id::Text(t) if t.is_empty())
    }

    fn text(&self) -> Cow<'_, str> {
        match self {
            Id::Guid(g) => Cow::Owned(guid_text(*g)),
            Id::Text(t) => Cow::Borrowed(t),
        }
    }

    fn into_string(self) -> String {
        match self {
            Id::Guid(g) => guid_text(g),
            Id::Text(t) => t.into_string(),
        }
    }

    /// As their texts compare: the numbers of two canonical GUIDs compare as their texts do
    /// (as many digits, dashes at the same places, and digits before letters in both).
    fn cmp(&self, o: &Id) -> Ordering {
        match (self, o) {
            (Id::Guid(a), Id::Guid(b)) => a.cmp(b),
            (Id::Text(a), Id::Text(b)) => a.cmp(b),
            _ => self.text().cmp(&o.text()),
        }
    }
}

/// An id that a call's records name: the one named by the earliest record that names one (then
/// the least, when records of the same time name several), so that which one is shown does
/// not depend on how the work was split across threads.
#[derive(Debug, Clone, Default)]
pub struct FirstId<I = Id> {
    /// When that record was, in nanoseconds since the epoch (records are of 2000 to 2100; a
    /// leap second's counts as the second's last nanosecond).
    at: i64,
    /// Empty until a record names one.
    id: I,
}

/// An SDK's text (`type\tversion`), held once for the calls it made ([`Sdks`]); none until a
/// record names one. 16 bytes, where an [`Id`] takes 24.
pub type Sdk = Option<Arc<str>>;

/// What a [`FirstId`] holds: an id, or an SDK's text.
pub trait Name: Default {
    fn is_empty(&self) -> bool;
    fn text(&self) -> Cow<'_, str>;
    /// As their texts compare.
    fn cmp(&self, o: &Self) -> Ordering;
}

impl Name for Id {
    fn is_empty(&self) -> bool {
        Id::is_empty(self)
    }

    fn text(&self) -> Cow<'_, str> {
        Id::text(self)
    }

    fn cmp(&self, o: &Id) -> Ordering {
        Id::cmp(self, o)
    }
}

impl Name for Sdk {
    fn is_empty(&self) -> bool {
        self.is_none()
    }

    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_deref().unwrap_or(""))
    }

    fn cmp(&self, o: &Sdk) -> Ordering {
        self.as_deref().cmp(&o.as_deref())
    }
}

impl FirstId {
    /// A record at `at` names `id` (an empty one names none).
    fn offer(&mut self, at: DateTime<Utc>, id: &str) {
        self.offer_as(at, id, Id::new);
    }

    pub fn into_string(self) -> String {
        self.id.into_string()
    }
}

impl FirstId<Sdk> {
    pub fn into_string(self) -> String {
        self.text().into_owned()
    }
}

/// An SDK as the ids by CorrelationId hold it.
impl From<FirstId> for FirstId<Sdk> {
    fn from(f: FirstId) -> FirstId<Sdk> {
        let id = (!f.is_empty()).then(|| Arc::from(&*f.text()));
        FirstId { at: f.at, id }
    }
}

impl<I: Name> FirstId<I> {
    /// [`FirstId::offer`], `id` made an `I` by `make` when it is taken.
    fn offer_as(&mut self, at: DateTime<Utc>, id: &str, make: impl FnOnce(&str) -> I) {
        let nanos = at.timestamp_subsec_nanos().min(999_999_999);
        let at = at
            .timestamp()
            .saturating_mul(1_000_000_000)
            .saturating_add(i64::from(nanos));
        // Later than the one held (or none): the id need not be read.
        if id.is_empty() || !self.id.is_empty() && at > self.at {
            return;
        }
        let id = make(id);
        if self.before(at, &id) {
            *self = FirstId { at, id };
        }
    }

    /// Whether a record at `at` naming `id` comes before the one this is from.
    fn before(&self, at: i64, id: &I) -> bool {
        self.id.is_empty() || at.cmp(&self.at).then_with(|| id.cmp(&self.id)) == Ordering::Less
    }

    /// Keeps the earlier of this and what another worker met.
    fn absorb(&mut self, o: FirstId<I>) {
        if !o.id.is_empty() && self.before(o.at, &o.id) {
            *self = o;
        }
    }

    /// The id (empty when no record names one).
    pub fn text(&self) -> Cow<'_, str> {
        self.id.text()
    }

    /// Whether no record names one.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// A table by a call's id (its CorrelationId, or for `calls` its CallConnectionId when it has
/// none): a canonical GUID keyed by the number it spells ([`ByGuid`]), any other id by its
/// boxed text. With many calls, the keys' texts were a fifth of `triage`'s memory.
#[derive(Debug, Clone)]
pub struct ByCall<V> {
    guids: ByGuid<V>,
    texts: HashMap<Box<str>, V>,
}

/// Values by GUID in a list, in the order first met, found through a table of their places:
/// a place takes 5 bytes (a `u32` and the table's control byte), not the value's size, and
/// the list grows by halves. A hash table of the values themselves, past 7/8 full, doubles
/// into a new one, both held at once: 2 million calls take 4 million places of 136 bytes.
#[derive(Debug, Clone)]
struct ByGuid<V> {
    entries: Vec<(Words, V)>,
    places: HashTable<u32>,
    hasher: RandomState,
}

impl<V> Default for ByGuid<V> {
    fn default() -> ByGuid<V> {
        ByGuid {
            entries: Vec::new(),
            places: HashTable::new(),
            hasher: RandomState::default(),
        }
    }
}

impl<V> ByGuid<V> {
    fn place(&self, key: Words) -> Option<usize> {
        let entries = &self.entries;
        (self.places)
            .find(self.hasher.hash_one(key), |&i| entries[i as usize].0 == key)
            .map(|&i| i as usize)
    }

    fn get(&self, key: Words) -> Option<&V> {
        self.place(key).map(|i| &self.entries[i].1)
    }

    /// The value of `key`, `new()` entered first if none.
    fn entry(&mut self, key: Words, new: impl FnOnce() -> V) -> &mut V {
        let i = match self.place(key) {
            Some(i) => i,
            None => self.push(key, new()),
        };
        &mut self.entries[i].1
    }

    /// Enters a key not in the table; its place.
    fn push(&mut self, key: Words, v: V) -> usize {
        let i = self.entries.len();
        if i == self.entries.capacity() {
            self.entries.reserve_exact((i / 2).max(16));
        }
        self.entries.push((key, v));
        let (entries, hasher) = (&self.entries, &self.hasher);
        let rehash = |&p: &u32| hasher.hash_one(entries[p as usize].0);
        (self.places).insert_unique(hasher.hash_one(key), i as u32, rehash);
        i
    }

    fn remove(&mut self, key: Words) -> Option<V> {
        let (entries, hasher) = (&self.entries, &self.hasher);
        let found =
            (self.places).find_entry(hasher.hash_one(key), |&i| entries[i as usize].0 == key);
        let i = found.ok()?.remove().0 as usize;
        let last = self.entries.len() - 1;
        let (_, v) = self.entries.swap_remove(i);
        if i != last {
            // The last entry moved to `i`: its place says so.
            let moved = self.entries[i].0;
            let place = (self.places)
                .find_mut(self.hasher.hash_one(moved), |&p| p as usize == last)
                .expect("every entry has a place");
            *place = i as u32;
        }
        Some(v)
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<V> Default for ByCall<V> {
    fn default() -> ByCall<V> {
        ByCall {
            guids: ByGuid::default(),
            texts: HashMap::default(),
        }
    }
}

impl<V> ByCall<V> {
    /// The value of call `id`, a default one entered first if none: a text key is copied
    /// only then, not for every record (as `entry` would).
    fn entry(&mut self, id: &str) -> &mut V
    where
        V: Default,
    {
        if let Some(g) = guid(id) {
            return self.guids.entry(Words::from(g), V::default);
        }
        if !self.texts.contains_key(id) {
            self.texts.insert(id.into(), V::default());
        }
        self.texts.get_mut(id).expect("entered above")
    }

    /// The value of call `id`, whose GUID's number is `g` ([`guid`] of it); when it has none, a
    /// default one entered first if `enter()` says so, else none. The id is looked up once.
    fn entry_if(
        &mut self,
        id: &str,
        g: Option<u128>,
        enter: impl FnOnce() -> bool,
    ) -> Option<&mut V>
    where
        V: Default,
    {
        if let Some(g) = g {
            let key = Words::from(g);
            let i = match self.guids.place(key) {
                Some(i) => i,
                None if enter() => self.guids.push(key, V::default()),
                None => return None,
            };
            return Some(&mut self.guids.entries[i].1);
        }
        if !self.texts.contains_key(id) {
            if !enter() {
                return None;
            }
            self.texts.insert(id.into(), V::default());
        }
        self.texts.get_mut(id)
    }

    pub fn get(&self, id: &str) -> Option<&V> {
        match guid(id) {
            Some(g) => self.guids.get(Words::from(g)),
            None => self.texts.get(id),
        }
    }

    /// The value of call `id` as a table holds it, a default one entered first if none.
    fn entry_id(&mut self, id: &Id) -> &mut V
    where
        V: Default,
    {
        match id {
            Id::Guid(g) => self.guids.entry(*g, V::default),
            Id::Text(t) => {
                if !self.texts.contains_key(t) {
                    self.texts.insert(t.clone(), V::default());
                }
                self.texts.get_mut(t).expect("entered above")
            }
        }
    }

    fn remove_id(&mut self, id: &Id) -> Option<V> {
        match id {
            Id::Guid(g) => self.guids.remove(*g),
            Id::Text(t) => self.texts.remove(t),
        }
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        let guids = self.guids.entries.iter_mut().map(|(_, v)| v);
        guids.chain(self.texts.values_mut())
    }

    pub fn remove(&mut self, id: &str) -> Option<V> {
        match guid(id) {
            Some(g) => self.guids.remove(Words::from(g)),
            None => self.texts.remove(id),
        }
    }

    pub fn len(&self) -> usize {
        self.guids.len() + self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the calls of `o` here, `add` adding a call's value to the one here when both
    /// have it. The smaller table goes into the larger: the fewer entries moved, the less it
    /// grows.
    fn absorb(&mut self, mut o: ByCall<V>, mut add: impl FnMut(&mut V, V)) {
        if o.guids.len() > self.guids.len() {
            std::mem::swap(&mut self.guids, &mut o.guids);
        }
        // An eighth of the other list at a time, from its end: room is made here for exactly
        // its calls new here, and the other list gives back theirs. Moved whole, both lists
        // were held at once, and this one, grown by halves, kept up to half of itself unused.
        let mut from = std::mem::take(&mut o.guids.entries);
        drop(std::mem::take(&mut o.guids.places));
        while !from.is_empty() {
            let part = from.len() - (from.len() / 8).max(4096).min(from.len());
            let new = from[part..]
                .iter()
                .filter(|(k, _)| self.guids.place(*k).is_none());
            self.guids.entries.reserve_exact(new.count());
            for (k, v) in from.drain(part..) {
                match self.guids.place(k) {
                    Some(i) => add(&mut self.guids.entries[i].1, v),
                    None => {
                        self.guids.push(k, v);
                    }
                }
            }
            from.shrink_to_fit();
        }
        let (to, mut from) = (&mut self.texts, std::mem::take(&mut o.texts));
        if from.len() > to.len() {
            std::mem::swap(to, &mut from);
        }
        for (k, v) in from {
            match to.entry(k) {
                Entry::Vacant(e) => {
                    e.insert(v);
                }
                Entry::Occupied(e) => add(e.into_mut(), v),
            }
        }
    }

    /// The calls whose values are `wanted`, without the values.
    pub fn keys_where(&self, wanted: impl Fn(&V) -> bool) -> ByCall<()> {
        let mut keys = ByCall::default();
        for (k, _) in self.guids.entries.iter().filter(|(_, v)| wanted(v)) {
            keys.guids.push(*k, ());
        }
        keys.texts = (self.texts.iter())
            .filter(|(_, v)| wanted(v))
            .map(|(k, _)| (k.clone(), ()))
            .collect();
        keys
    }

    /// The calls with their ids' texts.
    pub fn into_calls(self) -> impl Iterator<Item = (String, V)> {
        self.into_ids().map(|(id, v)| (id.into_string(), v))
    }

    /// The calls with their ids, each as its text compares ([`CallId::cmp`]); an id is made a
    /// text only when asked.
    pub fn into_ids(self) -> impl Iterator<Item = (CallId, V)> {
        let guids = (self.guids.entries.into_iter()).map(|(g, v)| (CallId(Id::Guid(g)), v));
        guids.chain(
            self.texts
                .into_iter()
                .map(|(t, v)| (CallId(Id::Text(t)), v)),
        )
    }
}

/// A call's id as a table by call holds it (`ByCall::into_ids`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallId(Id);

impl CallId {
    pub fn into_string(self) -> String {
        self.0.into_string()
    }

    pub fn text(&self) -> Cow<'_, str> {
        self.0.text()
    }
}

impl Ord for CallId {
    /// As their texts compare.
    fn cmp(&self, o: &CallId) -> Ordering {
        self.0.cmp(&o.0)
    }
}

impl PartialOrd for CallId {
    fn partial_cmp(&self, o: &CallId) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// A record's SDK as one id, `type\tversion`; empty, and made of nothing, when it names
/// neither (a media summary record).
pub fn sdk_text<'r>(rec: &'r Record<'_>) -> Cow<'r, str> {
    if rec.sdk_type.is_empty() && rec.sdk_version.is_empty() {
        Cow::Borrowed("")
    } else {
        Cow::Owned(format!("{}\t{}", rec.sdk_type, rec.sdk_version))
    }
}

/// Distinct messages kept per call, for a support ticket.
pub const MESSAGES_PER_CALL: usize = 3;

impl CallStats {
    /// Whether the call takes the ids its records lack from the other records of its
    /// CorrelationId ([`Focus::ids`]): a call known only by its CallConnectionId has none,
    /// and the CorrelationId of the same text would be another call's.
    pub fn borrows_ids(&self) -> bool {
        self.by_correlation && self.lacks_ids()
    }

    /// Whether its records lack an id or its SDK (the ServerCallId only when the rows show
    /// it: it has [`Details`] then).
    fn lacks_ids(&self) -> bool {
        self.call_connection_id.is_empty()
            || self.sdk.is_empty()
            || self.details.is_some() && self.server_call_id.is_empty()
    }

    /// What a focused record gives the texts of the call's row: its ServerCallId, key,
    /// message, SIP code and Q.850 cause.
    fn add_texts(&mut self, rec: &Record<'_>) {
        add_texts(&mut self.server_call_id, &mut self.details, rec);
    }

    /// About the bytes its texts take on the heap (their lengths, the lists' and boxes' room,
    /// 16 bytes of the allocator's for each).
    fn text_bytes(&self) -> usize {
        let server = self.server_call_id.0.as_ref().map_or(0, |f| match &f.id {
            Id::Text(t) => t.len() + 48,
            Id::Guid(_) => 48,
        });
        let details = self.details.as_ref().map_or(0, |d| {
            let messages: usize = (d.messages.iter().chain(&d.targets))
                .map(|(m, _)| m.len() + 16)
                .sum();
            std::mem::size_of::<Details>()
                + 16
                + messages
                + (d.messages.capacity() + d.targets.capacity())
                    * std::mem::size_of::<(Box<str>, u64)>()
                + d.codes.capacity() * std::mem::size_of::<Key>()
                + (d.sip_codes.capacity() + d.q850_codes.capacity()) * 4
                + 48
        });
        server + details
    }

    /// Keeps `name` as [`CallStats::named`] when it comes first by name.
    fn offer_named(&mut self, name: Option<Arc<String>>) {
        if let Some(n) = name {
            if self.named.as_ref().is_none_or(|held| *n < **held) {
                self.named = Some(n);
            }
        }
    }

    /// Lets its texts go.
    fn drop_texts(&mut self) {
        self.server_call_id = Detail::default();
        self.details = None;
    }

    /// Adds what another worker (or reading) met of the same call.
    fn absorb(&mut self, s: CallStats) {
        self.count += s.count;
        self.unnamed = self.unnamed.saturating_add(s.unnamed);
        self.offer_named(s.named);
        self.stays |= s.stays;
        self.by_correlation |= s.by_correlation;
        self.call_connection_id.absorb(s.call_connection_id);
        self.server_call_id.absorb(s.server_call_id);
        self.sdk.absorb(s.sdk);
        self.first = earliest(self.first, s.first);
        self.last = latest(self.last, s.last);
        absorb_details(&mut self.details, s.details);
    }

    /// Its rank against `o`'s: most records first, then the latest (an incident's calls
    /// before older ones of as many records); calls of the same rank go by id.
    fn rank(&self, o: &CallStats) -> Ordering {
        (o.count.cmp(&self.count)).then_with(|| o.last.cmp(&self.last))
    }
}

impl Details {
    fn add_code(&mut self, key: Key) {
        if let Err(i) = self.codes.binary_search(&key) {
            // Room for the one a call mostly has, not four.
            self.codes.reserve_exact(1);
            self.codes.insert(i, key);
        }
    }

    fn add_message(&mut self, m: &str, n: u64) {
        if !m.is_empty() {
            if self.messages.is_empty() {
                self.messages.reserve_exact(1);
            }
            keep_in_list(&mut self.messages, m, n, MESSAGES_PER_CALL);
        }
    }

    /// A record's SIP code and Q.850 cause, where it carries them.
    fn add_diagnostic(&mut self, sip: Option<u32>, q850: Option<u32>) {
        add_sorted(&mut self.sip_codes, sip);
        add_sorted(&mut self.q850_codes, q850);
    }

    /// `n` records naming the target `t` (none when empty), trimmed as the split by target
    /// counts it.
    fn add_target(&mut self, t: &str, n: u64) {
        let t = crate::record::trim(t);
        if !t.is_empty() {
            if self.targets.is_empty() {
                self.targets.reserve_exact(1);
            }
            keep_in_list(&mut self.targets, t, n, TARGETS_PER_CALL);
        }
    }

    /// The target most of its records name (of those kept), the least text of as many; empty
    /// when none names one.
    pub fn target(&self) -> &str {
        let most = (self.targets.iter()).max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
        most.map_or("", |(t, _)| t)
    }

    fn absorb(&mut self, o: Details) {
        for key in &o.codes {
            self.add_code(*key);
        }
        for &c in &o.sip_codes {
            add_sorted(&mut self.sip_codes, Some(c));
        }
        for &c in &o.q850_codes {
            add_sorted(&mut self.q850_codes, Some(c));
        }
        for (m, n) in o.messages {
            self.add_message(&m, n);
        }
        for (t, n) in o.targets {
            self.add_target(&t, n);
        }
    }
}

/// The SDKs' texts, each held once for the calls it made, at most [`MAX_NO_CALL_SDKS`]; past
/// them (made-up texts), a call holds its own.
#[derive(Debug, Default)]
struct Sdks(foldhash::HashSet<Arc<str>>);

impl Sdks {
    fn id(&mut self, sdk: &str) -> Sdk {
        if let Some(t) = self.0.get(sdk) {
            return Some(Arc::clone(t));
        }
        let t: Arc<str> = sdk.into();
        if self.0.len() < MAX_NO_CALL_SDKS {
            self.0.insert(Arc::clone(&t));
        }
        Some(t)
    }
}

/// SDKs kept for the focused records that name no call: past them (made-up texts), which are
/// kept depends on the threads.
pub const MAX_NO_CALL_SDKS: usize = 1_000;

/// Counts a focused record that names no call under its SDK.
fn count_no_call(sdks: &mut HashMap<Box<str>, u64>, sdk: &str, n: u64) {
    let sdk = match sdks.contains_key(sdk) || sdks.len() < MAX_NO_CALL_SDKS {
        true => sdk,
        false => "(other)\t(other)",
    };
    match sdks.get_mut(sdk) {
        Some(c) => *c += n,
        None => {
            sdks.insert(sdk.into(), n);
        }
    }
}

/// Distinct result messages kept per focus; the records of more are counted together.
pub const MAX_MESSAGES: usize = 1_000;

/// Distinct targets, and operation contexts, a worker counts by their text: past them, which
/// are kept depends on the threads, and the records of the others are counted together.
pub const MAX_NAMED: usize = 4_096;

/// The focused callback records by a text they name (the target participant, the operation
/// context): at most [`MAX_NAMED`] texts, each cut as messages are
/// ([`cut`](super::texts::cut)), the records of more counted together (`others`), and those
/// that name none apart (`none`).
#[derive(Debug, Clone, Default)]
pub struct ByText {
    pub counts: HashMap<Box<str>, u64>,
    pub others: u64,
    pub none: u64,
}

impl ByText {
    fn add(&mut self, text: &str, n: u64) {
        // Texts equal up to the cut count as one.
        let text = super::texts::cut(crate::record::trim(text));
        if text.is_empty() {
            self.none += n;
        } else if let Some(c) = self.counts.get_mut(&*text) {
            *c += n;
        } else if self.counts.len() < MAX_NAMED {
            self.counts.insert(text.into(), n);
        } else {
            self.others += n;
        }
    }

    fn absorb(&mut self, o: ByText) {
        for (t, n) in o.counts {
            self.add(&t, n);
        }
        self.others += o.others;
        self.none += o.none;
    }

    /// The records it counted.
    pub fn total(&self) -> u64 {
        self.counts.values().sum::<u64>() + self.others + self.none
    }
}

/// The sink of `triage`: everything an [`Aggregator`] counts (the exposure and history of the
/// spike verdict need all records), plus the calls and messages of one subcode. Not `Clone`:
/// a copy would share its ids ([`SharedIds`]) rather than copy them.
#[derive(Debug)]
pub struct Focus {
    pub subcode: u32,
    pub code: Option<u32>,
    pub all: Aggregator,
    /// By CorrelationId (or CallConnectionId).
    pub calls: ByCall<CallStats>,
    /// The focused records' messages, at most [`MAX_MESSAGES`]; see [`Focus::messages`].
    messages: Messages<()>,
    /// What the calls' rows show: only that is held of each call.
    pub listing: Listing,
    /// The texts of the calls' SDKs.
    sdks: Sdks,
    /// The focused records that name no call, by their own SDK (`sdk_text`; empty: none),
    /// at most `MAX_NO_CALL_SDKS` SDKs, the rest under `(other)`.
    pub no_call_sdks: HashMap<Box<str>, u64>,
    /// (CallConnectionId, ServerCallId, SDK) by CorrelationId, from every record that names
    /// them but those of the focused calls (whose own ids are each call's): a media summary
    /// record names only its CorrelationId, the operations log the others; and each call's
    /// resource, from every record within the window that names one, a focused one too. With
    /// the budget of the calls' texts.
    pub ids: SharedIds,
    /// Whether this sink let its calls' texts go ([`SharedIds::texts_spent`]).
    dropped: bool,
    /// The calls listed, in their order, once chosen ([`Focus::choose`]); the others are
    /// then counted in `split` (or `waiting`) and dropped.
    chosen: Option<Vec<(CallId, CallStats)>>,
    /// The calls affected, listed or not.
    total: usize,
    /// The focused records of the calls, by the SDK that made each (`type\tversion`), and
    /// those of the calls that name none: of those not listed once chosen, of every one once
    /// the rows are made ([`Focus::listed`]).
    split: (HashMap<String, u64>, u64),
    /// The records of the calls not listed whose SDK is looked for in the second reading.
    waiting: ByCall<u64>,
    /// The texts of the calls listed, read again when their own were let go.
    again: ByCall<Texts>,
    /// The resources of the calls listed, read again when [`Focus::ids`] held every id but
    /// not every call's resource ([`SharedIds::resources_overflowed`]).
    resources_again: Option<SharedIds>,
    /// The focused records that name no resource, by their calls' ([`Focus::resource_split`]).
    resources: ResourceSplit,
    /// The focused callback records by their target participant (`participant.rawId`) and
    /// by their `operationContext`: one destination that never answers is seen as one.
    pub targets: ByText,
    pub contexts: ByText,
    /// The name of the last resource met.
    names: LastResource,
}

/// [`Focus::resource_split`]: inferred by resource, not known, not looked up, and of another
/// log than callback events ([`ResourceSplit`]).
pub type ResourceSplitOf = (
    HashMap<String, Inferred>,
    (u64, u64),
    (u64, u64),
    (u64, u64),
);

/// A resource's focused callback records counted under it ([`ResourceSplit`]): the records, the
/// calls, the calls none of whose focused records names a resource (new among its calls), and
/// the calls none of whose focused records stays `(not named)` (gone from that row's calls).
pub type Inferred = (u64, u64, u64, u64);

/// The focused callback records, which name no resource, by the resource their call's other
/// records name (the operations and media summary logs do, and the call's focused records
/// that name one), [`Inferred`]; those of calls whose records name none: (records, calls);
/// those of calls not listed once the ids were let go ([`SharedIds::overflowed`]), whose
/// resource was not looked up; and the focused records of another log that name none (a portal
/// export without `_ResourceId`), which stay `(not named)`: `report` joins callback records
/// only, and `triage` counts as `by_resource.csv` does.
#[derive(Debug, Clone, Default)]
struct ResourceSplit {
    inferred: HashMap<String, Inferred>,
    unknown: (u64, u64),
    not_looked_up: (u64, u64),
    stays: (u64, u64),
}

impl ResourceSplit {
    /// Counts call `c`, whose other records name `resource` (empty or none: not known).
    fn count(&mut self, c: &CallStats, resource: Option<&str>) {
        self.count_stays(c);
        let unnamed = u64::from(c.unnamed);
        if unnamed == 0 {
            return;
        }
        match resource.filter(|r| !r.is_empty()) {
            Some(r) => {
                // A call is new among `r`'s calls unless its focused records name `r`: they
                // may name another, a call transferred between two resources' apps.
                let whole = u64::from(c.named.as_deref().map(String::as_str) != Some(r));
                let left = u64::from(!c.stays);
                let e = self.inferred.entry(r.to_string()).or_default();
                *e = (e.0 + unnamed, e.1 + 1, e.2 + whole, e.3 + left);
            }
            None => self.unknown = (self.unknown.0 + unnamed, self.unknown.1 + 1),
        }
    }

    /// Counts call `c` among those of records of another log than callback events that name
    /// no resource (their records are counted as they are read).
    fn count_stays(&mut self, c: &CallStats) {
        self.stays.1 += u64::from(c.stays);
    }
}

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
    fn take_texts(&self, n: usize) {
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
    fn offer(&self, id: &str, rec: &Record<'_>, ids: bool, resource: Option<&str>) {
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
    fn apart(&self) -> SharedIds {
        SharedIds::limits(self.0.limit, self.0.text_limit)
    }

    /// Moves the ids of `o` here, unless they are these (foci that share them). Its calls new
    /// here count toward the limit, and if either overflowed, this one does.
    fn absorb(&self, o: SharedIds) {
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

/// What `triage`'s second reading looks for ([`Focus::wanted`]).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    subcode: u32,
    code: Option<u32>,
    /// The calls listed whose texts were let go: their focused records give them again.
    texts: ByCall<()>,
    /// Whether those are every focused call (`texts` is then left empty).
    texts_all: bool,
    /// The calls listed (by their ids) whose ids, or resource, are looked for in the other
    /// records.
    ids: ByCall<()>,
    /// The calls not listed whose SDK alone is, with their focused records.
    sdks: ByCall<u64>,
    /// Whether the ids are looked for ([`Focus::ids`] let them go).
    reads_ids: bool,
    /// Whether the resources alone are ([`Focus::ids`] held every id, not every resource).
    reads_resources: bool,
}

impl Wanted {
    fn matches(&self, code: u32, subcode: Option<u32>) -> bool {
        subcode == Some(self.subcode) && self.code.is_none_or(|c| c == code)
    }
}

/// The sink of `triage`'s second reading, once [`SharedIds`] overflowed or the calls' texts
/// were let go: what [`Wanted`] asks, and nothing else. Files unchanged since the first
/// reading give it the records that reading saw, so the texts and ids are those one reading
/// would have given.
#[derive(Debug)]
pub struct IdsOf {
    wanted: Arc<Wanted>,
    pub ids: SharedIds,
    /// The SDKs of the calls of `wanted.sdks`, as their other records name them.
    sdks: ByCall<FirstId<Sdk>>,
    sdk_texts: Sdks,
    /// The texts of the calls of `wanted.texts`, from their focused records.
    texts: ByCall<Texts>,
    /// Which records the first reading counted: those of the window and resources asked.
    filter: Aggregator,
    names: LastResource,
}

impl IdsOf {
    /// What `wanted` asks, the ids kept in `ids` with those of the other workers given it;
    /// `filter` keeps the records the first reading counted.
    pub fn new(wanted: &Arc<Wanted>, ids: &SharedIds, filter: Aggregator) -> IdsOf {
        IdsOf {
            wanted: Arc::clone(wanted),
            ids: ids.clone(),
            sdks: ByCall::default(),
            sdk_texts: Sdks::default(),
            texts: ByCall::default(),
            filter,
            names: LastResource::default(),
        }
    }
}

impl Sink for IdsOf {
    type Apart = OnceLock<SharedIds>;

    fn record(&mut self, rec: &Record<'_>) -> Kept {
        let w = &*self.wanted;
        // As the first reading's focus took them (but for records past the budget of
        // distinct keys, which depend on the threads).
        let focused = w.matches(rec.code, rec.subcode)
            && self.filter.kept(rec)
            && self.filter.window.contains(rec.time);
        if focused {
            let id = (rec.call_id()).filter(|id| w.texts_all || w.texts.get(id).is_some());
            if let Some(id) = id {
                let t = self.texts.entry(id);
                add_texts(&mut t.server_call_id, &mut t.details, rec);
            }
        }
        // As the first reading's focus offered them: a focused record its resource only.
        let ids = !focused && names_ids(rec);
        if let Some(id) = (rec.call_id()).filter(|id| w.ids.get(id).is_some()) {
            let resource = window_resource(&self.filter.window, rec, &mut self.names);
            self.ids.offer(id, rec, ids, resource);
        } else if ids {
            let corr = &rec.correlation_id;
            if w.sdks.get(corr).is_some() {
                let sdk = sdk_text(rec);
                if !sdk.is_empty() {
                    let texts = &mut self.sdk_texts;
                    (self.sdks.entry(corr)).offer_as(rec.time, &sdk, |t| texts.id(t));
                }
            }
        }
        Kept::Counted
    }

    fn reject(&mut self, _rej: Reject) {}

    fn reject_not_kept(&mut self, _reason: Reason) {}

    fn keep_apart(&mut self, apart: &OnceLock<SharedIds>) {
        self.ids = apart.get_or_init(SharedIds::default).clone();
    }

    fn skip(&mut self, _reason: SkipReason, _time: Option<DateTime<Utc>>) {}

    /// As the first reading's focus offered it ([`Focus`]'s `skipped_names`): the resource.
    fn skipped_names(&mut self, rec: &Record<'_>) {
        if let Some(id) = (rec.call_id()).filter(|id| self.wanted.ids.get(id).is_some()) {
            let resource = window_resource(&self.filter.window, rec, &mut self.names);
            self.ids.offer(id, rec, false, resource);
        }
    }

    fn merge(&mut self, mut o: IdsOf) {
        self.ids.absorb(o.ids);
        (self.sdks).absorb(std::mem::take(&mut o.sdks), |a, b| a.absorb(b));
        (self.texts).absorb(std::mem::take(&mut o.texts), Texts::absorb);
    }
}

/// The resource a record names, by name, when it is within the window: its call's resource is
/// the first by name of those its records name there, as report's join takes it (a
/// `--resource` run's first reading, [`super::resource_calls`], reads every resource's records
/// alike, those the run leaves out too).
fn window_resource<'n>(
    window: &super::Window,
    rec: &Record<'_>,
    names: &'n mut LastResource,
) -> Option<&'n str> {
    if rec.resource_id.is_empty() || !window.contains(rec.time) {
        return None;
    }
    names.name(rec)
}

/// The name of the last resource id a sink met: records repeat their resource's id (a log's
/// file holds one resource's, a workspace's a few), so a name is made once for a run of them,
/// not for every record, as [`super::resource_calls::ResourceCalls`] keeps its last one.
#[derive(Debug, Default)]
struct LastResource {
    id: Box<str>,
    /// [`Record::resource`] of `id`, shared with the calls whose records name it.
    name: Option<Arc<String>>,
}

impl LastResource {
    /// The name of the resource `rec` names ([`Record::resource`]), none if it names none.
    fn name(&mut self, rec: &Record<'_>) -> Option<&str> {
        if *self.id != *rec.resource_id {
            self.name = rec.resource().map(Arc::new);
            self.id = rec.resource_id.as_ref().into();
        }
        self.name.as_deref().map(String::as_str)
    }
}

/// Whether a record names its call's ids (or SDK) by its CorrelationId.
fn names_ids(rec: &Record<'_>) -> bool {
    !rec.correlation_id.is_empty()
        && (!rec.call_connection_id.is_empty()
            || !rec.server_call_id.is_empty()
            || !rec.sdk_type.is_empty()
            || !rec.sdk_version.is_empty())
}

impl Focus {
    pub fn new(subcode: u32, code: Option<u32>, all: Aggregator) -> Focus {
        Focus {
            subcode,
            code,
            all,
            calls: ByCall::default(),
            // One key whose texts are all within its floor: the floors' budget is its cap.
            messages: Messages::new(Limits {
                floor: MAX_MESSAGES,
                cap: MAX_MESSAGES,
                extras: 0,
                floors: MAX_MESSAGES,
            }),
            listing: Listing::default(),
            sdks: Sdks::default(),
            ids: SharedIds::default(),
            no_call_sdks: HashMap::default(),
            dropped: false,
            chosen: None,
            total: 0,
            split: Default::default(),
            waiting: ByCall::default(),
            again: ByCall::default(),
            resources_again: None,
            resources: ResourceSplit::default(),
            targets: ByText::default(),
            contexts: ByText::default(),
            names: LastResource::default(),
        }
    }

    /// The focus, holding of each call what `listing`'s rows show.
    pub fn listing(mut self, listing: Listing) -> Focus {
        self.listing = listing;
        self
    }

    /// The focus, its ids by CorrelationId kept in `ids` with those of the other workers
    /// given it.
    pub fn sharing_ids(mut self, ids: &SharedIds) -> Focus {
        self.ids = ids.clone();
        self
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

    /// Whether this sink still holds its calls' texts: past their budget
    /// ([`SharedIds::texts_spent`]) it lets them go.
    fn keeps_texts(&mut self) -> bool {
        if !self.dropped && self.ids.texts_spent() {
            self.drop_texts();
        }
        !self.dropped
    }

    /// Lets every call's texts go, and takes no more.
    fn drop_texts(&mut self) {
        if !self.dropped {
            self.dropped = true;
            self.calls.values_mut().for_each(CallStats::drop_texts);
        }
    }

    /// Whether the calls' texts were let go: those of the calls listed are read again.
    pub fn texts_dropped(&self) -> bool {
        self.dropped
    }

    /// Chooses the calls listed ([`Listing::first`]; the order of [`CallStats::rank`], then
    /// by id as its text compares), and counts the records of the others by SDK as it drops
    /// them. The SDK of one whose focused records name none is looked up by its CorrelationId
    /// in [`Focus::ids`] when they are all there (`ids_complete`), else in the second reading
    /// ([`Focus::wanted`]). Only the calls listed are held past it; no copy of them all.
    pub fn choose(&mut self, ids_complete: bool) {
        if self.chosen.is_some() {
            return;
        }
        let ByCall { guids, texts } = std::mem::take(&mut self.calls);
        self.total = guids.len() + texts.len();
        let first = self.listing.first.unwrap_or(usize::MAX);
        let mut guids = guids.entries;
        let mut texts: Vec<(Box<str>, CallStats)> = texts.into_iter().collect();
        worst_first(&mut guids, first, |g, c| {
            self.count_unlisted(&Id::Guid(g), c, ids_complete)
        });
        worst_first(&mut texts, first, |t, c| {
            self.count_unlisted(&Id::Text(t), c, ids_complete)
        });
        let n = (guids.len() + texts.len()).min(first);
        let mut listed = Vec::with_capacity(n);
        while listed.len() < n {
            let id = match (guids.last(), texts.last()) {
                (Some(g), Some(t)) => {
                    let by_id = || guid_text(g.0).as_str().cmp(&t.0);
                    g.1.rank(&t.1).then_with(by_id).is_lt()
                }
                (g, _) => g.is_some(),
            };
            let call = if id {
                guids.pop().map(|(g, c)| (CallId(Id::Guid(g)), c))
            } else {
                texts.pop().map(|(t, c)| (CallId(Id::Text(t)), c))
            };
            let Some(call) = call else {
                break;
            };
            listed.push(call);
            // The list taken from gives its room back as it goes, an eighth at a time.
            if guids.len() < guids.capacity() / 8 * 7 {
                guids.shrink_to_fit();
            }
        }
        // Each list kept its first so many: those the other's outranked are not listed.
        for (g, c) in guids {
            self.count_unlisted(&Id::Guid(g), c, ids_complete);
        }
        for (t, c) in texts {
            self.count_unlisted(&Id::Text(t), c, ids_complete);
        }
        self.chosen = Some(listed);
    }

    /// Counts the records of a call not listed by its SDK ([`Focus::choose`]).
    fn count_unlisted(&mut self, id: &Id, mut c: CallStats, ids_complete: bool) {
        let mut sdk = std::mem::take(&mut c.sdk);
        let wants = c.by_correlation && sdk.is_empty() || c.unnamed > 0;
        let ids = (wants && ids_complete)
            .then(|| self.ids.remove(&id.text()))
            .flatten();
        match self.resources_complete(ids_complete) {
            true => {
                let resource = ids.as_ref().map(|i| i.3.text());
                self.resources.count(&c, resource.as_deref());
            }
            // The ids (or the resources) were let go: not read again for the calls not listed.
            false => {
                self.resources.count_stays(&c);
                if c.unnamed > 0 {
                    let n = &mut self.resources.not_looked_up;
                    *n = (n.0 + u64::from(c.unnamed), n.1 + 1);
                }
            }
        }
        if sdk.is_empty() && c.by_correlation {
            if !ids_complete {
                match self.listing.sdks {
                    true => *self.waiting.entry_id(id) += c.count,
                    false => self.split.1 += c.count,
                }
                return;
            }
            if let Some((_, _, s, _)) = ids {
                sdk = s.into();
            }
        }
        count_sdk(&mut self.split, &sdk.text(), c.count);
    }

    /// Whether each call's resource is known from [`Focus::ids`]: they hold every id
    /// (`ids_complete`) and the resource of every call ([`SharedIds::resources_overflowed`]).
    fn resources_complete(&self, ids_complete: bool) -> bool {
        ids_complete && !self.ids.resources_overflowed()
    }

    /// What a second reading of the files looks for, once the calls are chosen: the texts of
    /// the calls listed when they were let go ([`Focus::texts_dropped`]); unless
    /// `ids_complete` and the resources are ([`Focus::resources_complete`]), the ids and
    /// resources of the calls listed that lack some (every one whose texts are read again:
    /// which ServerCallId it lacks is not known yet), and the SDKs of the calls not listed that
    /// lack theirs. `None`: nothing.
    pub fn wanted(&mut self, ids_complete: bool) -> Option<Wanted> {
        let complete = self.resources_complete(ids_complete);
        self.choose(ids_complete);
        let texts = self.dropped && self.listing.details;
        let listed = self.chosen.as_ref().map_or(0, Vec::len);
        let texts_all = texts && listed == self.total;
        let mut w = Wanted {
            subcode: self.subcode,
            code: self.code,
            texts: ByCall::default(),
            texts_all,
            ids: ByCall::default(),
            sdks: std::mem::take(&mut self.waiting),
            reads_ids: !ids_complete,
            reads_resources: ids_complete && !complete,
        };
        for (id, c) in self.chosen.iter().flatten() {
            if texts && !texts_all {
                w.texts.entry_id(&id.0);
            }
            let lacks = c.by_correlation && (texts || c.lacks_ids());
            if !ids_complete && lacks || !complete && c.unnamed > 0 {
                w.ids.entry_id(&id.0);
            }
        }
        let none = !texts && w.ids.is_empty() && w.sdks.is_empty();
        (!none).then_some(w)
    }

    /// Takes what the second reading found ([`Focus::wanted`]).
    pub fn read_again(&mut self, wanted: Arc<Wanted>, found: IdsOf) {
        let IdsOf {
            ids,
            mut sdks,
            texts,
            ..
        } = found;
        let wanted = Arc::unwrap_or_clone(wanted);
        if wanted.reads_ids {
            self.ids = ids;
        } else if wanted.reads_resources {
            self.resources_again = Some(ids);
        }
        self.again = texts;
        for (id, n) in wanted.sdks.into_ids() {
            let sdk = sdks.remove_id(&id.0).unwrap_or_default();
            count_sdk(&mut self.split, &sdk.text(), n);
        }
    }

    /// The calls listed, in their order, each with the ids its focused records lack from the
    /// other records of its CorrelationId and its texts read again, if they were; and how many
    /// calls there are. Their records are counted by SDK too ([`Focus::sdk_split`]).
    pub fn listed(&mut self) -> (Vec<(CallId, CallStats)>, usize) {
        self.choose(true);
        let mut listed = self.chosen.take().unwrap_or_default();
        let ids = std::mem::take(&mut self.ids);
        let resources = self.resources_again.take();
        let mut again = std::mem::take(&mut self.again);
        for (id, c) in &mut listed {
            if let Some(t) = again.remove_id(&id.0) {
                c.server_call_id = t.server_call_id;
                c.details = t.details;
            }
            let found = (c.borrows_ids() || c.unnamed > 0)
                .then(|| ids.remove(&id.text()))
                .flatten()
                .unwrap_or_default();
            let resource = match (&resources, c.unnamed > 0) {
                (Some(r), true) => (r.remove(&id.text())).map(|f| f.3.into_string()),
                _ => Some(found.3.text().into_owned()),
            };
            self.resources.count(c, resource.as_deref());
            // Ids the focused records lack, from the other records of the same call.
            if c.borrows_ids() {
                let (cc, server, sdk, _) = found;
                if c.call_connection_id.is_empty() {
                    c.call_connection_id = cc;
                }
                if c.server_call_id.is_empty() {
                    c.server_call_id = Detail::from(server);
                }
                if c.sdk.is_empty() {
                    c.sdk = sdk.into();
                }
            }
            count_sdk(&mut self.split, &c.sdk.text(), c.count);
        }
        (listed, self.total)
    }

    /// The focused records of the calls by the SDK that made each (`type\tversion`), and
    /// those of the calls that name none: of every call once [`Focus::listed`] is read.
    pub fn sdk_split(&mut self) -> (HashMap<String, u64>, u64) {
        std::mem::take(&mut self.split)
    }

    /// The focused callback records, which name no resource, by the resource their calls'
    /// other records name: of every call once [`Focus::listed`] is read. Each resource's
    /// [`Inferred`], (records, calls) of those whose resource is not known and not looked up,
    /// and of the records of another log that name none ([`ResourceSplit`]).
    pub fn resource_split(&mut self) -> ResourceSplitOf {
        let split = std::mem::take(&mut self.resources);
        (
            split.inferred,
            split.unknown,
            split.not_looked_up,
            split.stays,
        )
    }
}

/// Sorts `calls` worst first ([`CallStats::rank`], then by id), the calls listed at the end,
/// having given the others but the `first` to `unlisted`: in place, without a copy of them.
fn worst_first<K: Ord>(
    calls: &mut Vec<(K, CallStats)>,
    first: usize,
    mut unlisted: impl FnMut(K, CallStats),
) {
    let worse =
        |a: &(K, CallStats), b: &(K, CallStats)| (b.1.rank(&a.1)).then_with(|| b.0.cmp(&a.0));
    if first < calls.len() {
        let past = calls.len() - first;
        if first > 0 {
            calls.select_nth_unstable_by(past, worse);
        }
        for (k, c) in calls.drain(..past) {
            unlisted(k, c);
        }
        calls.shrink_to_fit();
    }
    calls.sort_unstable_by(worse);
}

/// What a focused record gives the texts of its call's row: its ServerCallId, key, message,
/// SIP code, Q.850 cause and, a callback event's, target.
fn add_texts(server: &mut Detail, details: &mut Option<Box<Details>>, rec: &Record<'_>) {
    server.offer(rec.time, &rec.server_call_id);
    let d = details.get_or_insert_default();
    d.add_code((rec.code, rec.subcode));
    d.add_message(&rec.message, 1);
    d.add_diagnostic(rec.sip.code, rec.q850.code);
    if rec.kind == Kind::Callback {
        d.add_target(&rec.target, 1);
    }
}

/// Adds the details `b` another worker met of a call to those met here, `a`.
fn absorb_details(a: &mut Option<Box<Details>>, b: Option<Box<Details>>) {
    match (a, b) {
        (Some(a), Some(b)) => a.absorb(*b),
        (a @ None, b) => *a = b,
        (Some(_), None) => {}
    }
}

/// The texts of a call's row as the second reading gathers them from its focused records:
/// those of [`CallStats`] and nothing else.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    server_call_id: Detail,
    details: Option<Box<Details>>,
}

impl Texts {
    fn absorb(&mut self, o: Texts) {
        self.server_call_id.absorb(o.server_call_id);
        absorb_details(&mut self.details, o.details);
    }
}

/// Counts `n` records of a call under its SDK (empty: none named).
fn count_sdk(split: &mut (HashMap<String, u64>, u64), sdk: &str, n: u64) {
    if sdk.is_empty() {
        split.1 += n;
    } else if let Some(c) = split.0.get_mut(sdk) {
        *c += n;
    } else {
        split.0.insert(sdk.to_string(), n);
    }
}

impl Sink for Focus {
    /// The spill and the ids of a reading kept apart, made by its first sink.
    type Apart = (OnceLock<Spill>, OnceLock<SharedIds>);

    fn record(&mut self, rec: &Record<'_>) -> Kept {
        let kept = self.all.record(rec);
        let focused = kept == Kept::Counted && self.matches(rec.code, rec.subcode);
        // A focused record's ids are its call's own, which are looked up only where none of
        // its focused records names one; its resource is its call's too, for the records of
        // the call that name none.
        if !focused {
            if let Some(id) = rec.call_id() {
                let resource = window_resource(&self.all.window, rec, &mut self.names);
                self.ids.offer(id, rec, names_ids(rec), resource);
            }
            return kept;
        }
        if let Some(id) = rec.call_id() {
            let texts = self.listing.details && self.keeps_texts();
            let c = self.calls.entry(id);
            c.count += 1;
            self.names.name(rec);
            let named = self.names.name.clone();
            let resource = named.as_deref().map(String::as_str);
            // A callback record is joined to its call's resource; one of another log stays
            // where it is, as `report` counts them.
            match (resource, rec.kind) {
                (Some(_), _) => c.offer_named(named.clone()),
                (None, Kind::Callback) => c.unnamed = c.unnamed.saturating_add(1),
                (None, _) => {
                    c.stays = true;
                    self.resources.stays.0 += 1;
                }
            }
            let resource = resource.filter(|_| self.all.window.contains(rec.time));
            c.by_correlation |= !rec.correlation_id.is_empty();
            c.call_connection_id
                .offer(rec.time, &rec.call_connection_id);
            let sdks = &mut self.sdks;
            c.sdk.offer_as(rec.time, &sdk_text(rec), |t| sdks.id(t));
            c.first = earliest(c.first, Some(rec.time));
            c.last = latest(c.last, Some(rec.time));
            if texts {
                let held = c.text_bytes();
                c.add_texts(rec);
                self.ids.take_texts(c.text_bytes().saturating_sub(held));
            }
            self.ids.offer(id, rec, false, resource);
        } else {
            count_no_call(&mut self.no_call_sdks, &sdk_text(rec), 1);
        }
        self.messages.add((), &rec.message, 1);
        if rec.kind == Kind::Callback {
            self.targets.add(&rec.target, 1);
            self.contexts.add(&rec.operation_context, 1);
        }
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

    fn keep_apart(&mut self, apart: &Self::Apart) {
        self.all.keep_apart(&apart.0);
        self.ids = apart.1.get_or_init(|| self.ids.apart()).clone();
    }

    fn done(&mut self) {
        self.all.done();
    }

    fn skip(&mut self, reason: SkipReason, time: Option<DateTime<Utc>>) {
        self.all.skip(reason, time);
    }

    /// A skipped record that names its call's resource (an IncomingCall's `topic`) gives
    /// the call that resource, as a record of the call not focused does, and no ids.
    fn skipped_names(&mut self, rec: &Record<'_>) {
        self.all.skipped_names(rec);
        if let Some(id) = rec.call_id() {
            let resource = window_resource(&self.all.window, rec, &mut self.names);
            self.ids.offer(id, rec, false, resource);
        }
    }

    fn merge(&mut self, mut o: Focus) {
        self.ids.absorb(o.ids.clone());
        // Texts let go by either, or past the budget once merged, are let go by both.
        if o.dropped || self.ids.texts_spent() {
            o.drop_texts();
            self.drop_texts();
        }
        self.all.merge(o.all);
        self.calls
            .absorb(std::mem::take(&mut o.calls), CallStats::absorb);
        self.messages.merge(o.messages);
        self.targets.absorb(std::mem::take(&mut o.targets));
        self.contexts.absorb(std::mem::take(&mut o.contexts));
        for (sdk, n) in std::mem::take(&mut o.no_call_sdks) {
            count_no_call(&mut self.no_call_sdks, &sdk, n);
        }
        self.resources.stays.0 += o.resources.stays.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 9] = [
        "00000000-0000-0000-0000-000000000000",
        "0ecaf828-e2f7-4553-8fcc-69d79561a0d1",
        "0ecaf828-e2f7-4553-8fcc-69d79561a0d2",
        "0ecaf828-e2f7-4553-8fcc-69d79561a0d",
        "9fffffff-ffff-ffff-ffff-ffffffffffff",
        "a0000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "0ECAF828-E2F7-4553-8FCC-69D79561A0D",
        "call-7",
    ];

    /// A call's target is the one most of its callback records name, the least text of as
    /// many, whichever worker met which records: trimmed, and none for an empty one.
    #[test]
    fn a_call_s_target_is_the_one_most_of_its_records_name() {
        let mut a = Details::default();
        assert_eq!(a.target(), "");
        a.add_target(" ", 3);
        assert_eq!(a.target(), "");
        a.add_target("4:+14255550123", 1);
        a.add_target("8:acs:b", 1);
        a.add_target("8:acs:a", 1);
        assert_eq!(a.target(), "4:+14255550123");
        let mut b = Details::default();
        b.add_target(" 4:+14255550199", 1);
        b.add_target("4:+14255550199\t", 1);
        b.absorb(a.clone());
        assert_eq!(b.target(), "4:+14255550199");
        a.add_target("4:+14255550199", 2);
        a.add_target("8:acs:a", 1);
        assert_eq!(a.target(), "4:+14255550199");
        assert!(a.targets.len() <= TARGETS_PER_CALL);
    }

    /// Targets past the texts a worker counts are counted together, as are those merged past
    /// them; those that name none apart; and a target that counts is never lost to them.
    #[test]
    fn targets_past_those_counted_are_counted_together() {
        let mut a = ByText::default();
        a.add("4:+14255550199", 3);
        for i in 0..MAX_NAMED + 10 {
            a.add(&format!("8:acs:{i}"), 1);
        }
        a.add("4:+14255550199", 2);
        a.add(" ", 4);
        assert_eq!(a.counts.len(), MAX_NAMED);
        assert_eq!(a.counts["4:+14255550199"], 5);
        assert_eq!((a.others, a.none), (11, 4));
        let mut b = ByText::default();
        b.add("4:+14255550199", 7);
        b.add("8:acs:new", 1);
        b.add("", 1);
        a.absorb(b);
        assert_eq!(a.counts["4:+14255550199"], 12);
        assert_eq!((a.counts.len(), a.others, a.none), (MAX_NAMED, 12, 5));
        assert_eq!(a.total(), (MAX_NAMED + 10) as u64 + 12 + 1 + 5);
        // A hostile text of megabytes is held cut, and counted with those equal up to the cut.
        let mut c = ByText::default();
        c.add(&"9".repeat(1 << 20), 1);
        c.add(&"9".repeat(1 << 19), 2);
        assert_eq!(c.counts.len(), 1);
        assert!(c
            .counts
            .iter()
            .all(|(k, n)| k.len() <= super::super::texts::TEXT_BYTES && *n == 3));
    }

    #[test]
    fn ids_compare_and_read_back_as_their_texts() {
        for a in IDS {
            let id = Id::new(a);
            assert_eq!(matches!(id, Id::Guid(_)), guid(a).is_some(), "{a}");
            assert_eq!(id.text(), a);
            assert_eq!(id.clone().into_string(), a);
            for b in IDS {
                assert_eq!(id.cmp(&Id::new(b)), a.cmp(b), "{a} {b}");
            }
        }
        assert!(Id::default().is_empty() && !Id::new(IDS[0]).is_empty());
        // A GUID in upper case is the GUID, written lower case.
        let upper = Id::new("0ECAF828-E2F7-4553-8FCC-69D79561A0D1");
        assert_eq!(upper, Id::new(IDS[1]));
        assert_eq!(upper.text(), IDS[1]);
    }

    #[test]
    fn records_of_the_same_time_give_the_least_id_whatever_its_kind() {
        let at = "2026-11-24T01:00:00Z".parse().unwrap();
        for a in IDS {
            for b in IDS {
                let mut first = FirstId::default();
                first.offer(at, a);
                first.offer(at, b);
                assert_eq!(first.text(), a.min(b));
                let mut other = FirstId::default();
                other.offer(at, b);
                let mut merged = FirstId::default();
                merged.offer(at, a);
                merged.absorb(other);
                assert_eq!(merged.into_string(), a.min(b));
            }
        }
    }

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

    /// A run of records of one resource id takes its name once (the same text, not a new
    /// one a record); another id, or the same one after it, gives its own, and an id of no
    /// name (empty, or `/`) none. A workspace's rows, which all offer their resource, made a
    /// name each: about a tenth of `triage`'s CPU on 200,000 of them.
    #[test]
    fn a_run_of_one_resource_s_records_takes_its_name_once() {
        let mut names = LastResource::default();
        let mut rec = focused(String::new(), 1);
        let mut name = |id: &'static str| {
            rec.resource_id = id.into();
            names.name(&rec).map(|n| (n.to_string(), n.as_ptr()))
        };
        let a = name("/s/rg/ACS-A").unwrap();
        assert_eq!(a.0, "acs-a");
        assert_eq!(name("/s/rg/ACS-A"), Some(a.clone()));
        assert_eq!(name("/s/rg/acs-b").unwrap().0, "acs-b");
        assert_eq!(name("/s/rg/acs-a/").unwrap().0, "acs-a");
        assert_eq!(name("/"), None);
        assert_eq!(name(""), None);
        assert_eq!(name("/s/rg/ACS-A").unwrap().0, "acs-a");
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

    /// A record of subcode 8522 of call `corr`, naming every id and a message, at second `s`.
    fn focused(corr: String, s: u32) -> Record<'static> {
        Record {
            time: format!("2026-11-24T01:00:{s:02}Z").parse().unwrap(),
            kind: crate::record::Kind::Operations,
            operation: "Play".into(),
            result_type: "".into(),
            code: 400,
            subcode: Some(8522),
            message: format!("message {s}").into(),
            correlation_id: corr.into(),
            call_connection_id: "0ecaf828-e2f7-4553-8fcc-69d79561a0d1".into(),
            operation_id: "".into(),
            resource_id: "".into(),
            sdk_type: "java".into(),
            sdk_version: "1.2.0".into(),
            prompt: "".into(),
            server_call_id: format!("{:-<150}", s).into(),
            sip: Default::default(),
            q850: Default::default(),
            target: "".into(),
            operation_context: "".into(),
        }
    }

    /// Without details (Markdown, JSON), a call holds its counts and ids in the list of the
    /// table by call and nothing on the heap: 100,000 calls of two records take under 160
    /// bytes each, in two workers merged (under 150 before a call kept the first resource by
    /// name its records name, a pointer to a text the resource's calls share: rev67b F1).
    /// They held about 700 (a boxed stats, its ServerCallId, SDK and message texts each on
    /// the heap).
    #[test]
    fn calls_without_details_hold_nothing_past_their_place() {
        let listing = Listing {
            first: Some(20),
            details: false,
            sdks: true,
        };
        let worker =
            || Focus::new(8522, None, Aggregator::new(Default::default(), 3600)).listing(listing);
        let (mut a, mut b) = (worker(), worker());
        for n in 0..100_000u32 {
            let corr = format!("{n:08x}-e2f7-4553-8fcc-69d79561a0d1");
            let w = if n % 3 == 0 { &mut a } else { &mut b };
            w.record(&focused(corr.clone(), n % 60));
            b.record(&focused(corr, 59));
        }
        a.merge(b);
        let calls = &a.calls;
        assert_eq!(calls.len(), 100_000);
        let c = calls.get("00000007-e2f7-4553-8fcc-69d79561a0d1").unwrap();
        assert_eq!((c.count, c.sdk.text().as_ref()), (2, "java\t1.2.0"));
        assert!(c.details.is_none() && c.server_call_id.is_empty());
        // One text for the SDK of every call.
        let other = calls.get("00000008-e2f7-4553-8fcc-69d79561a0d1").unwrap();
        let texts = (c.sdk.id.as_ref().unwrap(), other.sdk.id.as_ref().unwrap());
        assert!(Arc::ptr_eq(texts.0, texts.1));
        let held = calls.guids.entries.capacity() * std::mem::size_of::<(Words, CallStats)>()
            + calls.guids.places.allocation_size();
        assert!(held < 160 * 100_000, "{held}");
        assert!(std::mem::size_of::<CallStats>() <= 120);
        // With details (CSV, --calls), the same calls hold them.
        let mut full = Focus::new(8522, None, Aggregator::new(Default::default(), 3600));
        full.record(&focused("corr-1".into(), 7));
        let c = full.calls.get("corr-1").unwrap();
        let d = c.details.as_ref().unwrap();
        assert_eq!(
            (d.codes.as_slice(), d.messages.len()),
            ([(400, Some(8522))].as_slice(), 1)
        );
        assert_eq!(c.server_call_id.text(), format!("{:-<150}", 7));
    }

    /// Past the budget of texts, the workers let their calls' texts go and take no more,
    /// whichever passed it; merged, neither holds any. Within it, they keep them all.
    #[test]
    fn past_the_budget_of_texts_no_call_holds_any() {
        let corr = |n: u32| format!("{n:08x}-e2f7-4553-8fcc-69d79561a0d1");
        let held = |f: &Focus| {
            f.calls
                .guids
                .entries
                .iter()
                .map(|(_, c)| c.text_bytes())
                .sum()
        };
        for (budget, dropped) in [(usize::MAX, false), (20_000, true)] {
            let ids = SharedIds::limits(usize::MAX, budget);
            let worker = || {
                Focus::new(8522, None, Aggregator::new(Default::default(), 3600)).sharing_ids(&ids)
            };
            let (mut a, mut b) = (worker(), worker());
            for n in 0..1_000u32 {
                a.record(&focused(corr(n), n % 60));
                // Past it by one call's texts at most, until its next record.
                let most: usize = held(&a);
                assert!(!dropped || most <= 21_000, "{most}");
                // The other worker meets the budget spent at its first record.
                if n % 100 == 0 {
                    b.record(&focused(corr(n + 5_000), 1));
                }
            }
            assert_eq!((a.texts_dropped(), b.texts_dropped()), (dropped, dropped));
            a.merge(b);
            assert_eq!(a.texts_dropped(), dropped);
            assert_eq!(a.calls.len(), 1_010);
            let c = a.calls.get(&corr(7)).unwrap();
            assert_eq!((c.details.is_some(), c.count), (!dropped, 1));
            assert_eq!(c.server_call_id.is_empty(), dropped);
            assert_eq!(held(&a) == 0, dropped);
        }
    }

    /// The calls listed are the first so many of every call in the order of their records,
    /// then the latest, then by id as its text compares, GUIDs (an upper-case one as its
    /// lower-case text) and other ids alike, however the work was split; the others' records
    /// are counted by SDK.
    #[test]
    fn the_calls_listed_are_the_first_of_every_call_in_rank_order() {
        let id = |n: u32| match n % 4 {
            0 => format!("CALL-{n}"),
            1 => format!("{n:08X}-E2F7-4553-8FCC-69D79561A0D1"),
            _ => format!("{n:08x}-e2f7-4553-8fcc-69d79561a0d1"),
        };
        let feed = |first: Option<usize>| {
            let listing = Listing {
                first,
                details: true,
                sdks: true,
            };
            let worker = || {
                Focus::new(8522, None, Aggregator::new(Default::default(), 3600)).listing(listing)
            };
            let (mut a, mut b) = (worker(), worker());
            let mut want = Vec::new();
            for n in 0..300u32 {
                // 1 to 3 records, the last at one of 2 seconds: many ties but for the id.
                let records = 1 + n % 3;
                for k in 0..records {
                    let w = if (n + k) % 2 == 0 { &mut a } else { &mut b };
                    w.record(&focused(id(n), 10 * (n % 2) + k));
                }
                let shown = match n % 4 {
                    1 => id(n).to_lowercase(),
                    _ => id(n),
                };
                want.push((
                    std::cmp::Reverse(records),
                    std::cmp::Reverse(10 * (n % 2) + records - 1),
                    shown,
                ));
            }
            a.merge(b);
            want.sort();
            let (listed, total) = a.listed();
            let got: Vec<String> = listed.into_iter().map(|(id, _)| id.into_string()).collect();
            let want: Vec<String> = want.into_iter().map(|w| w.2).collect();
            assert_eq!(total, 300);
            let (by, unnamed) = a.sdk_split();
            assert_eq!((by.get("java\t1.2.0").copied(), unnamed), (Some(600), 0));
            (got, want)
        };
        let (all, want) = feed(None);
        assert_eq!(all, want);
        for first in [0, 1, 7, 75, 299, 300, 1_000] {
            let (got, _) = feed(Some(first));
            assert_eq!(got, want[..first.min(300)], "{first}");
        }
    }

    /// A call keeps the least [`CODES_PER_CALL`] distinct SIP codes, whatever the order met
    /// and however the work was split.
    #[test]
    fn a_call_keeps_its_least_sip_codes_in_any_order() {
        let codes = [603, 486, 503, 486, 480, 404, 487];
        let mut one = Details::default();
        for c in codes {
            one.add_diagnostic(Some(c), None);
        }
        let (mut a, mut b) = (Details::default(), Details::default());
        for (i, c) in codes.iter().rev().enumerate() {
            let d = if i % 2 == 0 { &mut a } else { &mut b };
            d.add_diagnostic(Some(*c), Some(16));
        }
        a.absorb(b);
        assert_eq!(one.sip_codes, [404, 480, 486, 487]);
        assert_eq!((a.sip_codes, a.q850_codes), (one.sip_codes, vec![16]));
        assert!(one.q850_codes.is_empty());
    }

    /// Calls taken out of the list of a table by GUID leave every other one where its place
    /// says, and tables merged keep each call once.
    #[test]
    fn a_table_by_guid_finds_every_call_after_removals_and_merges() {
        let id = |n: u32| format!("{n:08x}-0000-4000-8000-000000000000");
        let mut t: ByCall<u32> = ByCall::default();
        for n in 0..1000 {
            *t.entry(&id(n)) += n;
        }
        for n in (0..1000).step_by(3) {
            assert_eq!(t.remove(&id(n)), Some(n));
        }
        let mut o: ByCall<u32> = ByCall::default();
        for n in 500..1500 {
            *o.entry(&id(n)) += 1;
        }
        t.absorb(o, |a, b| *a += b);
        for n in 0..1500 {
            let mine = (n < 1000 && n % 3 != 0).then_some(n);
            let theirs = (n >= 500).then_some(1);
            let want = match (mine, theirs) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
            assert_eq!(t.get(&id(n)).copied(), want, "{n}");
        }
        assert_eq!(t.len(), 1500 - 167);
    }

    #[test]
    fn a_table_by_call_keeps_every_id_apart_and_gives_back_its_text() {
        let mut t: ByCall<u32> = ByCall::default();
        for (i, id) in IDS.iter().enumerate() {
            *t.entry(id) += i as u32 + 1;
            *t.entry(id) += 100;
        }
        assert_eq!(t.len(), IDS.len());
        assert_eq!(t.get(IDS[1]), Some(&102));
        assert_eq!(t.get(IDS[7]), Some(&108));
        assert_eq!(t.remove(IDS[8]), Some(109));
        assert_eq!(t.get(IDS[8]), None);
        let mut o: ByCall<u32> = ByCall::default();
        *o.entry(IDS[1]) += 1000;
        *o.entry("new") += 5;
        t.absorb(o, |a, b| *a += b);
        let mut calls: Vec<(String, u32)> = t.into_calls().collect();
        calls.sort();
        let mut want: Vec<(String, u32)> = IDS[..8]
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i as u32 + 101))
            .collect();
        want[1].1 += 1000;
        want.push(("new".into(), 5));
        want.sort();
        assert_eq!(calls, want);
    }
}
