//! `triage`'s second reading, once [`SharedIds`] overflowed or the calls' texts were let go:
//! what it looks for ([`Wanted`]) and the sink that finds it ([`IdsOf`]).

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use super::by_call::ByCall;
use super::call::{add_texts, Texts};
use super::ids::{FirstId, Sdk};
use super::resources::{window_resource, LastResource};
use super::sdks::{sdk_text, Sdks};
use super::shared_ids::{names_ids, SharedIds};
use super::Aggregator;
use crate::ingest::{Kept, Reject, Sink};
use crate::record::{Reason, Record, SkipReason};

/// What `triage`'s second reading looks for ([`Focus::wanted`]).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub(super) subcode: u32,
    pub(super) code: Option<u32>,
    /// The calls listed whose texts were let go: their focused records give them again.
    pub(super) texts: ByCall<()>,
    /// Whether those are every focused call (`texts` is then left empty).
    pub(super) texts_all: bool,
    /// The calls listed (by their ids) whose ids, or resource, are looked for in the other
    /// records.
    pub(super) ids: ByCall<()>,
    /// The calls not listed whose SDK alone is, with their focused records.
    pub(super) sdks: ByCall<u64>,
    /// Whether the ids are looked for ([`Focus::ids`] let them go).
    pub(super) reads_ids: bool,
    /// Whether the resources alone are ([`Focus::ids`] held every id, not every resource).
    pub(super) reads_resources: bool,
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
    pub(super) sdks: ByCall<FirstId<Sdk>>,
    sdk_texts: Sdks,
    /// The texts of the calls of `wanted.texts`, from their focused records.
    pub(super) texts: ByCall<Texts>,
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
