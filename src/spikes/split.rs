//! Where a flagged key's records of the day are: split by resource (from the history or as the
//! run counted them), and the one target most of them went to.

use super::history::{self, History};
use crate::aggregate::{Aggregator, Key};

/// The one target (`participant.rawId`, as the records name it) that `count` of a key's `of`
/// records of a day went to, more than half of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetLead {
    pub target: String,
    pub count: u64,
    pub of: u64,
}

/// The target more than half of `key`'s records of `day` went to, as the run counted them:
/// none when the run has none of the day, or no target's exact count is over half.
pub fn night_target(agg: &Aggregator, day: i64, key: Key) -> Option<TargetLead> {
    let s = agg.by_day.get(&(day, key))?;
    let of = s.count();
    let (target, count) = s.targets.lead(of)?;
    Some(TargetLead {
        target: target.to_string(),
        count,
        of,
    })
}

/// A key's records of one day by resource: under `--spikes-by all` the key is tested over all
/// records, and the reader is asked where they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceSplit {
    /// The resources with records of the key, most first (then by name): the first
    /// [`SPLIT_NAMED`].
    pub counts: Vec<(String, u64)>,
    /// The other resources with records of the key, and their records.
    pub more: (usize, u64),
    /// The key's records that name no resource (callback events carry none).
    pub not_named: u64,
    /// The day's resources without a record of the key, by name: the first [`SPLIT_NAMED`].
    pub without: Vec<String>,
    /// How many of the day's resources have no record of the key.
    pub without_count: usize,
}

/// How many resources a split names, of those with records and of those without.
pub const SPLIT_NAMED: usize = 5;

impl ResourceSplit {
    /// Whether there is more than one place to tell apart: the day names more than one
    /// resource, or some of the key's records name none.
    pub fn worth_saying(&self) -> bool {
        self.counts.len() + self.more.0 + self.without_count + usize::from(self.not_named > 0) > 1
    }
}

/// The records of `key` on `day` by resource, of every log kind (`count`, the test's, when the
/// day does not say): none when the day names no resource or its resources' keys were not kept
/// ([`history::DayAgg::resources`]).
pub fn resource_split(history: &History, day: i64, key: Key, count: u64) -> Option<ResourceSplit> {
    let d = history.days.get(&day)?;
    if d.resources.values().all(|r| r.keys.is_empty()) {
        return None;
    }
    let of = |r: &history::ResourceDay| r.keys.get(&key).map_or(0, |k| k.0);
    // The resources' counts hold every kind of the key's records, a kind left out of the
    // test's count too: the records that name none are of the same records.
    let all = d.keys.get(&key).map_or(count, |k| k.0);
    Some(split_over(
        d.resources.iter().map(|(name, r)| (name.as_str(), of(r))),
        all,
    ))
}

/// The records of `key` on `day` by resource, as the run counted them: each callback record
/// under the resource of its call when another record of the call names one
/// ([`Aggregator::joining_callbacks`]), of every log kind (`count`, the test's, when the run
/// has none of the day). None when the run did not join them (its counts by resource are of
/// records that name one, [`resource_split`]), or the run has no record of a resource on
/// `day`.
pub fn night_split(agg: &Aggregator, day: i64, key: Key, count: u64) -> Option<ResourceSplit> {
    if !agg.join_callbacks {
        return None;
    }
    let resources =
        (agg.by_day_of_resource.range((day, 0)..=(day, u32::MAX))).map(|(&(_, r), _)| r);
    let mut named: Vec<(&str, u64)> = resources
        .map(|r| {
            let n = agg.failures_by_day_resource.get(&(day, r, key)).copied();
            (agg.resources.name(r), n.unwrap_or(0))
        })
        .collect();
    if named.is_empty() {
        return None;
    }
    named.sort_unstable();
    // The resources' counts hold every kind of the key's records, a kind left out of the
    // test's count too ("left out: callback, none on the baseline days"): the records that
    // name none are of the same records.
    let all = agg.by_day.get(&(day, key)).map_or(count, |d| d.count());
    Some(split_over(named.into_iter(), all))
}

/// The split of a key's `count` records over the day's resources, each by name (ascending)
/// with the key's records on it (0 for none): `count` is of the same records, every log kind.
fn split_over<'a>(resources: impl Iterator<Item = (&'a str, u64)>, count: u64) -> ResourceSplit {
    let mut split = ResourceSplit::default();
    let mut counts = Vec::new();
    for (name, n) in resources {
        if n > 0 {
            counts.push((name, n));
            continue;
        }
        split.without_count += 1;
        if split.without.len() < SPLIT_NAMED {
            split.without.push(name.to_string());
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let named: u64 = counts.iter().map(|c| c.1).sum();
    split.not_named = count.saturating_sub(named);
    let rest = counts.split_off(counts.len().min(SPLIT_NAMED));
    split.more = (rest.len(), rest.iter().map(|c| c.1).sum());
    split.counts = (counts.into_iter())
        .map(|(n, c)| (n.to_string(), c))
        .collect();
    split
}
