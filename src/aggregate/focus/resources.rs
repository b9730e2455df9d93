//! The focused callback records, which name no resource, by the resource their call's other
//! records name ([`ResourceSplit`]), and the resource a record names within the window.

use std::sync::Arc;

use foldhash::HashMap;

use super::call::CallStats;
use crate::record::Record;

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
pub(super) struct ResourceSplit {
    pub(super) inferred: HashMap<String, Inferred>,
    pub(super) unknown: (u64, u64),
    pub(super) not_looked_up: (u64, u64),
    pub(super) stays: (u64, u64),
}

impl ResourceSplit {
    /// Counts call `c`, whose other records name `resource` (empty or none: not known).
    pub(super) fn count(&mut self, c: &CallStats, resource: Option<&str>) {
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
    pub(super) fn count_stays(&mut self, c: &CallStats) {
        self.stays.1 += u64::from(c.stays);
    }
}

/// The resource a record names, by name, when it is within the window: its call's resource is
/// the first by name of those its records name there, as report's join takes it (a
/// `--resource` run's first reading, [`super::super::resource_calls`], reads every resource's records
/// alike, those the run leaves out too).
pub(super) fn window_resource<'n>(
    window: &super::super::Window,
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
/// not for every record, as [`super::super::resource_calls::ResourceCalls`] keeps its last one.
#[derive(Debug, Default)]
pub(super) struct LastResource {
    id: Box<str>,
    /// [`Record::resource`] of `id`, shared with the calls whose records name it.
    pub(super) name: Option<Arc<String>>,
}

impl LastResource {
    /// The name of the resource `rec` names ([`Record::resource`]), none if it names none.
    pub(super) fn name(&mut self, rec: &Record<'_>) -> Option<&str> {
        if *self.id != *rec.resource_id {
            self.name = rec.resource().map(Arc::new);
            self.id = rec.resource_id.as_ref().into();
        }
        self.name.as_deref().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::focus::tests::focused;

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
}
