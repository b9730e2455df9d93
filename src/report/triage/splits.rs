//! The focused records split: by resource (the callback records under their calls'), by SDK,
//! by key, by the codes the subcode occurs under, by operation and by prompt kind.

use super::*;

/// The resources of the focused keys: name, records, calls, and of those records the
/// callback records, which name none, counted under the resource their call's other records
/// name (`inferred`); the records that stay of none (`unknown` of them are of neither a
/// resource nor a call's) last, as `(not named)`.
pub(super) fn focus_resources(
    focus: &Focus,
    inferred: &foldhash::HashMap<String, Inferred>,
    unknown: u64,
) -> Vec<(String, u64, u64, u64)> {
    let wanted = |(code, sub): Key| focus.matches(code, sub);
    let mut rows: Vec<(String, u64, u64, u64)> =
        (super::super::resource_groups(&focus.all, wanted, |_: &mut (), _, _| {}).into_iter())
            .map(|g| (g.name, g.count, g.calls, 0))
            .collect();
    // An input none of whose records names a resource has no split by resource. One whose
    // only record that names one is skipped (an IncomingCall's `topic`) has the split of the
    // callback records joined to it.
    let named = !inferred.is_empty() || (focus.all.by_resource.keys()).any(|(r, _)| *r != 0);
    if !named || inferred.is_empty() && (unknown == 0 || !rows.is_empty()) {
        return rows;
    }
    // No record names a resource: the groups are none, and every record is of none (a
    // callback subcode), which the split says rather than leave out.
    if rows.is_empty() {
        let (mut count, mut calls) = (0, crate::aggregate::Calls::default());
        for (_, s) in (focus.all.by_resource.iter()).filter(|((r, k), _)| *r == 0 && wanted(*k)) {
            count += s.count;
            calls |= &s.calls;
        }
        rows.push((NOT_NAMED.to_string(), count, calls.len(), 0));
    }
    let mut unnamed = match rows.last() {
        Some(r) if r.0 == NOT_NAMED => rows.pop(),
        _ => None,
    };
    for (name, &(records, _, whole, left)) in inferred {
        match rows.iter_mut().find(|r| r.0 == *name) {
            // A call some of whose records name it is already among its calls.
            Some(r) => *r = (r.0.clone(), r.1 + records, r.2 + whole, r.3 + records),
            None => rows.push((name.clone(), records, whole, records)),
        }
        // A call some of whose records stay of none stays among those calls too.
        if let Some(u) = unnamed.as_mut() {
            *u = (
                u.0.clone(),
                u.1.saturating_sub(records),
                u.2.saturating_sub(left),
                0,
            );
        }
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.extend(unnamed.filter(|u| u.1 > 0));
    rows
}

/// The focused records by the SDK that made their call (`SdkType` and `SdkVersion` of any
/// record of the call: the operations log names them, a media summary record does not; a
/// record that names no call, by its own), most
/// records first; past [`MAX_SDK_ROWS`] rows, the rest in one `(other)` row; the records of
/// calls that name none last, as `(not named)`, when some do.
pub(super) fn sdks_of_calls(
    calls: (foldhash::HashMap<String, u64>, u64),
    no_call: &foldhash::HashMap<Box<str>, u64>,
) -> Vec<(String, String, u64)> {
    let (mut by, unnamed) = calls;
    // Records that name no call, by their own SDK.
    for (sdk, &n) in no_call.iter().filter(|(s, _)| !s.is_empty()) {
        match by.get_mut(&**sdk) {
            Some(c) => *c += n,
            None => {
                by.insert(sdk.to_string(), n);
            }
        }
    }
    let mut rows: Vec<(String, String, u64)> = (by.into_iter())
        .map(|(sdk, n)| {
            let (ty, v) = sdk.split_once('\t').unwrap_or((&sdk, ""));
            (ty.to_string(), v.to_string(), n)
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    if rows.len() > MAX_SDK_ROWS {
        let other: u64 = rows.drain(MAX_SDK_ROWS - 1..).map(|r| r.2).sum();
        rows.push(("(other)".into(), "(other)".into(), other));
    }
    // Beside the calls that name one, those that do not: the split adds up to the calls'.
    let unnamed = unnamed + no_call.get("").copied().unwrap_or(0);
    if !rows.is_empty() && unnamed > 0 {
        rows.push((NOT_NAMED.into(), String::new(), unnamed));
    }
    rows
}

/// Rows of the split by SDK (real tenants have a handful).
pub const MAX_SDK_ROWS: usize = 100;

/// The focused keys' totals joined with the catalogue, most records first.
pub(super) fn key_totals(focus: &Focus, cat: &Catalogue) -> Vec<KeyTotal> {
    let agg = &focus.all;
    let mut totals: Vec<KeyTotal> = agg
        .by_key
        .iter()
        .filter(|(k, _)| focus.matches(k.0, k.1))
        .map(|(&key, s)| {
            let r = cat.lookup(key.0, key.1);
            KeyTotal {
                key,
                category: r.category,
                outcome: cat.outcome(key.0, key.1),
                outcome_reason: (cat.outcomes.reason(key.0, key.1).unwrap_or_default()).to_string(),
                matched: r.matched,
                description: r.description.to_string(),
                mitigation: r.mitigation.unwrap_or_default().to_string(),
                count: s.count,
                calls: s.calls.len(),
                first: s.first,
                last: s.last,
            }
        })
        .collect();
    totals.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    totals
}

/// With `--code`, the other codes of the focused subcode's records and their counts: every
/// accepted record is counted by key, those `--code` leaves out too.
pub(super) fn other_codes(focus: &Focus) -> Vec<(u32, u64)> {
    let Some(code) = focus.code else {
        return Vec::new();
    };
    let mut out: Vec<(u32, u64)> = (focus.all.by_key.iter())
        .filter(|(k, s)| k.1 == Some(focus.subcode) && k.0 != code && s.count > 0)
        .map(|(k, s)| (k.0, s.count))
        .collect();
    out.sort_unstable();
    out
}

/// The keys whose code is the focused subcode's number, most records first.
pub(super) fn as_code(focus: &Focus) -> Vec<(Key, u64)> {
    let mut out: Vec<(Key, u64)> = (focus.all.by_key.iter())
        .filter(|(k, s)| k.0 == focus.subcode && s.count > 0)
        .map(|(k, s)| (*k, s.count))
        .collect();
    out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The focused records by operation (all prompt kinds together), most records first.
pub(super) fn operation_rows(focus: &Focus) -> Vec<(String, Kind, Key, u64)> {
    let mut by_op: BTreeMap<(String, Kind, Key), u64> = BTreeMap::new();
    for (k, s) in focus
        .all
        .operations()
        .filter(|(k, _)| focus.matches(k.2, k.3))
    {
        *by_op.entry((k.0.to_string(), k.1, (k.2, k.3))).or_default() += s.count;
    }
    let mut operations: Vec<(String, Kind, Key, u64)> = by_op
        .into_iter()
        .map(|((op, kind, key), n)| (op, kind, key, n))
        .collect();
    operations.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.cmp(b)));
    operations
}

/// The focused records by prompt kind, most records first, and those of no prompt kind last
/// as [`NO_PROMPT`] (the rows add up to the records), when some have one.
pub(super) fn prompt_rows(focus: &Focus) -> Vec<(String, u64)> {
    let mut by_prompt: BTreeMap<&str, u64> = BTreeMap::new();
    for (k, s) in focus
        .all
        .operations()
        .filter(|(k, _)| focus.matches(k.2, k.3))
    {
        *by_prompt.entry(k.4).or_default() += s.count;
    }
    let none = by_prompt.remove("");
    if by_prompt.is_empty() {
        return Vec::new();
    }
    let mut prompts: Vec<(String, u64)> = (by_prompt.into_iter())
        .map(|(p, n)| (p.to_string(), n))
        .collect();
    prompts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    prompts.extend(none.map(|n| (NO_PROMPT.to_string(), n)));
    prompts
}

/// The row of the records of no prompt kind (not a play or a recognize).
pub const NO_PROMPT: &str = "(no prompt)";
