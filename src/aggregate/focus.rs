//! The sink of `triage`: everything an [`Aggregator`] counts (the exposure and history of the
//! spike verdict need all records), plus the calls and messages of one subcode.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use foldhash::HashMap;

use super::texts::{Counted, Limits, Messages};
use super::{earliest, latest, Aggregator, Spill};
use crate::ingest::{Kept, Reject, RejectRows, Sink};
use crate::record::{Kind, Reason, Record, SkipReason};

mod by_call;
mod by_text;
mod call;
mod ids;
mod resources;
mod sdks;
mod second_reading;
mod shared_ids;

use by_call::ByCall;
pub use by_text::{ByText, MAX_NAMED};
use call::Texts;
pub use call::{CallStats, Detail, Details, Listing};
pub(super) use ids::guid_text;
use ids::Id;
pub use ids::{CallId, FirstId, Name};
use resources::{window_resource, LastResource, ResourceSplit};
pub use resources::{Inferred, ResourceSplitOf};
use sdks::{count_no_call, count_sdk, sdk_text, Sdks};
pub use second_reading::IdsOf;
use second_reading::Wanted;
use shared_ids::names_ids;
pub use shared_ids::{SharedIds, MAX_IDS};

/// Distinct result messages kept per focus; the records of more are counted together.
pub const MAX_MESSAGES: usize = 1_000;

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
mod tests;
