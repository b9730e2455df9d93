//! The report by resource: each resource's keys and counts, the callback records joined to
//! their calls' resources, and the failure rate usual for each resource.

use super::*;

/// The row of the records that name no resource, or no SDK: last, so that the rows add up to
/// the records accepted.
pub const NOT_NAMED: &str = "(not named)";

/// Adds `n` records of `key` to a row's counts by the key's outcome.
pub(super) fn count_outcome(
    cat: &Catalogue,
    key: Key,
    n: u64,
    failures: &mut u64,
    needs_action: &mut u64,
) {
    match cat.outcome(key.0, key.1) {
        Outcome::Success => {}
        Outcome::Caller => *failures += n,
        Outcome::Failure => {
            *failures += n;
            *needs_action += n;
        }
    }
}

/// The records of `by_resource` whose key `wanted` keeps, by resource: each group's name, its
/// records, its calls and what `add` sums of its keys' stats; most records first (then the
/// name), and the records that name no resource last as [`NOT_NAMED`], so that the groups add up
/// to the records kept; none when no record names one. Both the report's split by resource and
/// triage's are these groups.
pub(crate) fn resource_groups<T: Default>(
    agg: &Aggregator,
    wanted: impl Fn(Key) -> bool,
    add: impl Fn(&mut T, Key, &OpStats),
) -> Vec<ResourceGroup<T>> {
    let mut by: HashMap<u32, (u64, crate::aggregate::Calls, T)> = HashMap::new();
    for (&(res, key), s) in agg.by_resource.iter().filter(|((_, k), _)| wanted(*k)) {
        let (count, calls, sums) = by.entry(res).or_default();
        *count += s.count;
        *calls |= &s.calls;
        add(sums, key, s);
    }
    let unnamed = by.remove(&0);
    if by.is_empty() {
        return Vec::new();
    }
    let group = |res: u32, (count, calls, sums): (u64, crate::aggregate::Calls, T)| {
        let name = if res == 0 {
            NOT_NAMED
        } else {
            agg.resources.name(res)
        };
        ResourceGroup {
            resource: res,
            name: name.to_string(),
            count,
            calls: calls.len(),
            sums,
        }
    };
    let mut groups: Vec<ResourceGroup<T>> = by.into_iter().map(|(r, g)| group(r, g)).collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    groups.extend(unnamed.map(|g| group(0, g)));
    groups
}

/// One resource's records ([`resource_groups`]).
pub(crate) struct ResourceGroup<T> {
    /// Its number in the aggregate's resources (0: the records that name none).
    pub resource: u32,
    pub name: String,
    pub count: u64,
    pub calls: u64,
    pub sums: T,
}

/// What a resource's row sums of its keys: failures, records that need action, and the
/// failure-class key with the most records.
#[derive(Default)]
struct ResourceSums {
    failures: u64,
    needs_action: u64,
    top_failure: Option<(Key, u64)>,
}

/// The resources' rows ([`resource_groups`] of every key), with their failures, the records
/// that need action and the failure-class key with the most records (then the lower key).
pub(super) fn resource_rows(agg: &Aggregator, cat: &Catalogue) -> Vec<ResourceRow> {
    let add = |sums: &mut ResourceSums, key: Key, s: &OpStats| {
        count_outcome(
            cat,
            key,
            s.count,
            &mut sums.failures,
            &mut sums.needs_action,
        );
        let top = |(k, n): (Key, u64)| (n, std::cmp::Reverse(k));
        if cat.outcome(key.0, key.1) == Outcome::Failure
            && sums
                .top_failure
                .is_none_or(|t| top(t) < top((key, s.count)))
        {
            sums.top_failure = Some((key, s.count));
        }
    };
    resource_groups(agg, |_| true, add)
        .into_iter()
        .map(|g| ResourceRow {
            inferred: (agg.joined.get(&g.resource))
                .filter(|_| g.resource != 0)
                .copied()
                .unwrap_or(0),
            resource: g.name,
            count: g.count,
            failures: g.sums.failures,
            needs_action: g.sums.needs_action,
            calls: g.calls,
            top_failure: g.sums.top_failure,
            usual_needs_action_rate: None,
        })
        .collect()
}

/// Gives each resource its failure-class share of its records over its baseline days.
pub(super) fn usual_rates(
    rows: &mut [ResourceRow],
    mut baselines: std::collections::BTreeMap<String, crate::spikes::ResourceBaseline>,
    cat: &Catalogue,
) {
    for row in rows.iter_mut() {
        let Some(b) = baselines.remove(&row.resource).filter(|b| b.exposure > 0) else {
            continue;
        };
        let needs_action: u64 = (b.keys.iter())
            .filter(|(k, _)| cat.outcome(k.0, k.1) == Outcome::Failure)
            .map(|(_, n)| n)
            .sum();
        row.usual_needs_action_rate = Some(share(needs_action, b.exposure));
    }
}
