//! The calls of the resources `--resource` keeps, for a first reading of the inputs. A callback
//! event names no resource: a full run counts it under the resource its call's other records
//! name ([`super::joins`]), once every record is read. A `--resource` run takes or leaves each
//! record as it reads it, and its hours, first and last times, messages and SIP rows are
//! counted into cells that cannot be split by call afterwards; so the files are read once
//! before, for the calls (their numbers only, [`CallSet`]) whose records name a resource kept,
//! and the run's reading then keeps a callback record of no resource when its call is one of
//! them ([`Aggregator::with_calls_of_resources`]). Standard input and pipes cannot be read
//! twice: a run of them leaves callback records out, as before, and says so.

use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};
use indicatif::ProgressBar;

use super::call_ids::{CallSet, FirstResources};
use super::{Aggregator, Interner};
use crate::config::IngestSettings;
use crate::ingest::{self, Kept, Reject, Sink, Stamp};
use crate::normalize::{Reason, Record, SkipReason};

/// The sink of the first reading: each call's resource as the join gives it (the first by name
/// of those its records name within the window), and which resources `filter`'s `--resource`
/// patterns keep. A call whose records name a resource kept and another gives its callback
/// records to the first by name, as the full run does: those of a call of acs-contoso and
/// acs-contoso-eu are acs-contoso's, in `--resource acs-contoso-eu` too.
#[derive(Debug)]
pub struct ResourceCalls {
    filter: Aggregator,
    /// Resource names.
    names: Interner,
    /// Whether a record of each name was kept.
    kept: Vec<bool>,
    /// The last resource id met, and its name's id: records repeat their resource's id.
    last: (Box<str>, u32),
    calls: FirstResources,
}

impl ResourceCalls {
    pub fn new(filter: Aggregator) -> ResourceCalls {
        ResourceCalls {
            filter,
            names: Interner::default(),
            kept: Vec::new(),
            last: (Box::from(""), u32::MAX),
            calls: FirstResources::default(),
        }
    }

    /// The calls whose resource (the first by name of theirs) is kept.
    pub fn into_calls(self) -> CallSet {
        let kept = self.kept;
        self.calls.into_set(|name| kept[name as usize])
    }

    /// The id of the record's resource's name, and whether it is kept.
    fn name(&mut self, rec: &Record<'_>) -> Option<u32> {
        if *self.last.0 == *rec.resource_id {
            return Some(self.last.1);
        }
        let name = self.names.intern(&rec.resource()?);
        if self.kept.len() <= name as usize {
            self.kept.resize(name as usize + 1, false);
        }
        self.kept[name as usize] |= self.filter.resource_kept(rec);
        self.last = (rec.resource_id.as_ref().into(), name);
        Some(name)
    }
}

impl Sink for ResourceCalls {
    type Apart = ();

    fn record(&mut self, rec: &Record<'_>) -> Kept {
        if rec.resource_id.is_empty() || !self.filter.window.contains(rec.time) {
            return Kept::Counted;
        }
        if let (Some(id), Some(name)) = (rec.call_id(), self.name(rec)) {
            let names = &self.names;
            (self.calls).offer(id, name, |a, b| names.name(a) < names.name(b));
        }
        Kept::Counted
    }

    fn reject(&mut self, _rej: Reject) {}

    fn reject_not_kept(&mut self, _reason: Reason) {}

    fn skip(&mut self, _reason: SkipReason, _time: Option<DateTime<Utc>>) {}

    /// A skipped record that names its call's resource (an IncomingCall's `topic`) gives the
    /// call that resource, as the full run's join takes it.
    fn skipped_names(&mut self, rec: &Record<'_>) {
        self.record(rec);
    }

    fn merge(&mut self, mut o: ResourceCalls) {
        if o.calls.len() > self.calls.len() {
            std::mem::swap(self, &mut o);
        }
        let names = self.names.absorb(&o.names);
        self.kept.resize(self.names.len(), false);
        for (theirs, &mine) in o.kept.iter().zip(&names) {
            self.kept[mine as usize] |= *theirs;
        }
        let ours = &self.names;
        (self.calls).absorb(o.calls, &names, |a, b| ours.name(a) < ours.name(b));
    }
}

/// What a `--resource` run knows of its kept resources' calls before it counts.
#[derive(Debug, Clone)]
pub enum CallsOfResources {
    /// No `--resource`: every record is kept, callback records with their calls.
    All,
    /// The calls whose records name a resource kept, read from the files first, and the files
    /// as they were then.
    Read(Arc<CallSet>, Vec<Stamp>),
    /// The input holds standard input or a pipe, which is read once: the callback records,
    /// which name no resource, are left out.
    Once,
}

impl CallsOfResources {
    /// The warning a run that leaves callback records out says.
    pub fn warning(&self) -> Option<String> {
        match self {
            CallsOfResources::Once => Some(
                "--resource: standard input and pipes are read once, so the callback records of the kept resources' calls (which name no resource) are left out of the counts; save the input to a file to count them".into(),
            ),
            _ => None,
        }
    }

    /// What to say when the input files are not those read first (`settings` names them): the
    /// calls read from them may not be those of the records counted.
    pub fn changed(&self, settings: &IngestSettings) -> Option<String> {
        let CallsOfResources::Read(_, then) = self else {
            return None;
        };
        let what = ingest::changed_since(then, ingest::regular_files(settings))?;
        Some(format!(
            "{what}: changed while read; the calls of the resources --resource keeps were read from it before, and their callback records counted may not be those of the records counted"
        ))
    }

    /// Whether the callback records of the kept resources' calls are counted.
    pub fn joined(&self) -> bool {
        !matches!(self, CallsOfResources::Once)
    }
}

/// Reads the inputs a first time, when `--resource` is given (`filter` keeps what the run
/// keeps), for the calls of the resources kept: files only, which are read again.
pub fn calls_of_resources(
    settings: &IngestSettings,
    filtered: bool,
    bar: Option<&ProgressBar>,
    filter: impl Fn() -> Aggregator + Sync,
) -> Result<CallsOfResources> {
    if !filtered {
        return Ok(CallsOfResources::All);
    }
    let Some(files) = ingest::regular_files(settings) else {
        return Ok(CallsOfResources::Once);
    };
    let (calls, _) = ingest::ingest(settings, bar, || {
        ResourceCalls::new(filter().keeping_messages(false))
    })?;
    Ok(CallsOfResources::Read(Arc::new(calls.into_calls()), files))
}
