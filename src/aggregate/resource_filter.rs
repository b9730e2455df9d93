//! `--resource`: which records a run keeps by their resource (its name or whole id matched by a
//! pattern, once per resource id), the callback records of the kept resources' calls, and the
//! patterns that matched no record.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{Aggregator, CallsOfResources};
use crate::normalize::{Kind, Record};

impl Aggregator {
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
    pub(super) fn kept(&self, rec: &Record<'_>) -> bool {
        self.resource_kept(rec)
            || (rec.kind == Kind::Callback
                && (self.calls_of_resources.as_ref()).is_some_and(|calls| {
                    rec.resource().is_none() && rec.call_id().is_some_and(|id| calls.contains(id))
                }))
    }

    /// Whether a record passes the `--resource` filter: its resource's name or whole id
    /// matches a pattern. The patterns are matched once per resource id
    /// ([`verdicts::Verdicts`]): the same answer, and the same patterns found matching.
    pub(super) fn resource_kept(&self, rec: &Record<'_>) -> bool {
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
}
