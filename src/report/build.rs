//! Joining the aggregates with the catalogue ([`build`]): the rows of each table made from
//! the aggregate's sums, the keys' texts shared by the rows that show them.

use std::collections::HashMap;

use super::resources::{count_outcome, resource_rows, usual_rates};
use super::*;

/// Examples kept per reject reason for the data-quality section.
const REJECT_EXAMPLES: usize = 3;

fn union_len<'a>(sets: impl Iterator<Item = &'a crate::aggregate::Calls>) -> u64 {
    let mut all = crate::aggregate::Calls::new();
    for s in sets {
        all |= s;
    }
    all.len()
}

/// The texts met so far, each held once.
#[derive(Default)]
struct Texts<'a>(HashMap<&'a str, Text>);

impl<'a> Texts<'a> {
    fn get(&mut self, s: &'a str) -> Text {
        self.0.entry(s).or_insert_with(|| Text::from(s)).clone()
    }
}

/// Joins the aggregates with the catalogue.
pub fn build(
    mut agg: Aggregator,
    cat: &Catalogue,
    (inputs, named_inputs, reading): (
        Vec<FileReport>,
        Vec<std::path::PathBuf>,
        crate::config::Reading,
    ),
    mut warnings: Vec<String>,
    mut spikes: SpikeReport,
    volume: Vec<VolumeVerdict>,
) -> Report {
    let rejects_truncated = agg.rejects_truncated();
    let rejects = agg.take_rejects();
    let joined: u64 = agg.joined.values().sum();
    let callbacks_of_no_resource = (joined, agg.callbacks_of_no_resource.saturating_sub(joined));
    let (timeline, mut resources, sdks, operations) = table_rows(&mut agg, cat);
    usual_rates(
        &mut resources,
        std::mem::take(&mut spikes.resource_baselines),
        cat,
    );
    let failures = agg.failures();
    let keys = KeyRows::of(std::mem::take(&mut agg.by_key), cat);
    let reject_groups = reject_groups(&agg, &rejects);
    // The verdicts are moved, not copied: a night of keys new to the history by the thousand
    // holds each once.
    let spike_rows = spike_rows(std::mem::take(&mut spikes.flagged), cat);
    warnings.extend(quality::failed_events_with_success_codes(&operations));
    if rejects_truncated {
        warnings.push(format!(
            "{} records were rejected; rejects.csv lists the first {} by file and line",
            agg.rejected,
            crate::aggregate::MAX_REJECT_ROWS
        ));
    }
    Report {
        window: agg.window,
        resource_filter: agg.resource_filter(),
        first: keys.first,
        last: keys.last,
        bucket_secs: agg.bucket_secs,
        inputs,
        named_inputs,
        reading,
        warnings,
        catalogue: cat.describe(),
        read: agg.read(),
        accepted: agg.accepted,
        rejected: agg.rejected,
        skipped: agg.skipped,
        outside: agg.outside,
        failures,
        needs_action: keys.needs_action,
        rejects_truncated,
        codes: keys.codes,
        categories: keys.categories,
        outcomes: keys.outcomes,
        resources,
        callbacks_of_no_resource,
        sdks,
        mitigations: keys.mitigations,
        mitigations_by_class: keys.mitigations_by_class,
        operations,
        timeline,
        rejects,
        reject_groups,
        skip_counts: agg.skip_counts.iter().map(|(r, n)| (*r, *n)).collect(),
        diagnostics: diagnostics(&agg, |_| true, crate::text::mask_numbers),
        spikes,
        volume,
        spike_rows,
        silent: std::mem::take(&mut agg.silent_report),
        copied: (0, 0),
        csv_not_written: false,
        json_not_written: false,
    }
}

/// The timeline and the rows by resource, SDK and operation. Each table of the aggregator is
/// dropped once the rows made from it are: a report of keys by the hundred thousand never
/// holds every table twice over (the days by resource served the history only, and go first).
fn table_rows(
    agg: &mut Aggregator,
    cat: &Catalogue,
) -> (Timeline, Vec<ResourceRow>, Vec<SdkRow>, Vec<OperationRow>) {
    // The history, made and dropped before, read the resources' days.
    agg.by_day_resource = Default::default();
    agg.by_day_resource_kind = Default::default();
    agg.by_day_of_resource = Default::default();
    let timeline = agg.timeline();
    agg.by_day = Default::default();
    let resources = resource_rows(agg, cat);
    agg.by_resource = Default::default();
    // Beside the SDKs named, the records of each key that name none.
    let sdks = sdk_rows(agg, cat);
    agg.by_sdk = Default::default();
    let operations = operation_rows(agg, cat);
    agg.by_op = Default::default();
    (timeline, resources, sdks, operations)
}

/// What the report makes of the keys' stats.
struct KeyRows {
    /// First and last time of the accepted records.
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    categories: Vec<CategoryRow>,
    outcomes: Vec<OutcomeRow>,
    /// Records of a failure-class outcome.
    needs_action: u64,
    mitigations: Vec<MitigationRow>,
    mitigations_by_class: Vec<MitigationRow>,
    codes: Vec<CodeRow>,
}

impl KeyRows {
    fn of(keys: impl IntoIterator<Item = (Key, KeyStats)>, cat: &Catalogue) -> KeyRows {
        // Keys, in output order reversed (count ascending, then code and subcode descending):
        // each key's stats dropped once its row is made (popped, most records first), so that
        // keys by the hundred thousand are not held as stats and as rows.
        let mut keys: Vec<(Key, KeyStats)> = keys.into_iter().collect();
        keys.sort_by(|a, b| (a.1.count.cmp(&b.1.count)).then(b.0.cmp(&a.0)));
        let first = keys.iter().filter_map(|(_, s)| s.first).min();
        let last = keys.iter().filter_map(|(_, s)| s.last).max();
        let categories = category_rows(&keys);
        let outcomes = outcome_rows(&keys, cat);
        let needs_action = outcomes
            .iter()
            .filter(|o| o.outcome == Outcome::Failure)
            .map(|o| o.count)
            .sum();
        let mitigations = mitigation_rows(&keys, cat, false);
        let mitigations_by_class = mitigation_rows(&keys, cat, true);
        KeyRows {
            first,
            last,
            categories,
            outcomes,
            needs_action,
            mitigations,
            mitigations_by_class,
            codes: code_rows(keys, cat),
        }
    }
}

/// The records and calls of each category.
fn category_rows(keys: &[(Key, KeyStats)]) -> Vec<CategoryRow> {
    (Category::ALL.iter())
        .map(|&c| {
            let in_cat = || (keys.iter()).filter(move |((code, _), _)| Category::of(*code) == c);
            CategoryRow {
                category: c,
                count: in_cat().map(|(_, s)| s.count).sum(),
                calls: union_len(in_cat().map(|(_, s)| &s.calls)),
            }
        })
        .collect()
}

/// The records and calls of each outcome.
fn outcome_rows(keys: &[(Key, KeyStats)], cat: &Catalogue) -> Vec<OutcomeRow> {
    (Outcome::ALL.iter())
        .map(|&o| {
            let in_class =
                || (keys.iter()).filter(move |((code, sub), _)| cat.outcome(*code, *sub) == o);
            OutcomeRow {
                outcome: o,
                count: in_class().map(|(_, s)| s.count).sum(),
                calls: union_len(in_class().map(|(_, s)| &s.calls)),
            }
        })
        .collect()
}

/// Failures only, grouped by the mitigation each key's row in by_code.csv gives (an exact
/// pair's, or the pair's that speaks for its subcode), and, `by_class`, by the keys' outcome
/// class too (the failure class first): most records first (then the mitigation's text), each
/// group's keys most records first. `keys` are in output order reversed.
fn mitigation_rows(
    keys: &[(Key, KeyStats)],
    cat: &Catalogue,
    by_class: bool,
) -> Vec<MitigationRow> {
    type Group<'a> = Vec<(&'a Key, &'a KeyStats)>;
    let mut groups: HashMap<(Option<Outcome>, String), Group<'_>> = HashMap::new();
    for (k, s) in keys.iter().rev() {
        if !Category::of(k.0).is_failure() {
            continue;
        }
        let m = cat.lookup(k.0, k.1).mitigation.unwrap_or(NO_MITIGATION);
        let outcome = by_class.then(|| cat.outcome(k.0, k.1));
        groups
            .entry((outcome, m.to_string()))
            .or_default()
            .push((k, s));
    }
    let mut mitigations: Vec<MitigationRow> = groups
        .into_iter()
        .map(|((outcome, mitigation), members)| MitigationRow {
            outcome,
            mitigation,
            // Members are already most frequent first (keys, read in reverse).
            count: members.iter().map(|(_, s)| s.count).sum(),
            calls: union_len(members.iter().map(|(_, s)| &s.calls)),
            keys: members.iter().map(|(k, _)| **k).collect(),
        })
        .collect();
    mitigations.sort_by(|a, b| {
        (b.outcome.cmp(&a.outcome))
            .then(b.count.cmp(&a.count))
            .then_with(|| a.mitigation.cmp(&b.mitigation))
    });
    mitigations
}

/// A row for each key joined with the catalogue, in output order: `keys` are in that order
/// reversed, and each key's stats are dropped once its row is made.
fn code_rows(keys: Vec<(Key, KeyStats)>, cat: &Catalogue) -> Vec<CodeRow> {
    let mut texts = Texts::default();
    let mut codes: Vec<CodeRow> = Vec::with_capacity(keys.len());
    for ((code, sub), s) in crate::aggregate::popped(keys) {
        let r = cat.lookup(code, sub);
        codes.push(CodeRow {
            code,
            subcode: sub,
            category: r.category,
            outcome: cat.outcome(code, sub),
            matched: r.matched,
            source: texts.get(r.source),
            // Only exact pairs name events; the others share the empty text.
            callback_event: match r.callback_events {
                [] => texts.get(""),
                _ => Text::from(r.events()),
            },
            description: texts.get(r.description),
            mitigation: texts.get(r.mitigation.unwrap_or_default()),
            count: s.count,
            calls: s.calls.len(),
            first: s.first,
            last: s.last,
            // Masked once per message shown (report has no --full-numbers); two that differ
            // in a number alone stay two.
            messages: (s.messages.into_iter().take(3))
                .map(|(m, n)| (crate::text::mask_numbers(&m), n))
                .collect(),
            other_messages: s.other_messages,
        });
    }
    codes
}

/// The rejects' counts by reason, with the first examples of each.
fn reject_groups(agg: &Aggregator, rejects: &[Reject]) -> Vec<RejectGroup> {
    (agg.reject_counts.iter())
        .map(|(&reason, &count)| RejectGroup {
            reason,
            count,
            examples: (rejects.iter())
                .filter(|r| r.reason == reason)
                .take(REJECT_EXAMPLES)
                .cloned()
                .collect(),
        })
        .collect()
}

/// The flagged keys joined with the catalogue.
fn spike_rows(flagged: Vec<Verdict>, cat: &Catalogue) -> Vec<SpikeRow> {
    (flagged.into_iter())
        .map(|v| {
            let l = cat.lookup(v.key.0, v.key.1);
            SpikeRow {
                category: l.category,
                outcome: cat.outcome(v.key.0, v.key.1),
                description: l.description.to_string(),
                mitigation: l.mitigation.unwrap_or_default().to_string(),
                verdict: v,
            }
        })
        .collect()
}

/// SIP / Q.850 diagnostics of the keys `wanted` keeps, count descending, then the key and the
/// texts, the messages shown as `show` gives them (their phone numbers masked) once in order.
pub(crate) fn diagnostics(
    agg: &Aggregator,
    wanted: impl Fn(Key) -> bool,
    show: impl Fn(&str) -> String,
) -> Vec<DiagnosticRow> {
    let text = |id: u32| agg.diagnostic_texts.name(id).to_string();
    let mut rows: Vec<DiagnosticRow> = agg
        .diagnostics
        .iter()
        .filter(|(k, _)| wanted((k.0, k.1)))
        .map(|(k, d)| DiagnosticRow {
            key: (k.0, k.1),
            sip_code: k.2,
            sip_message: text(k.3),
            q850_code: k.4,
            q850_message: text(k.5),
            count: d.count,
            calls: d.calls.len(),
        })
        .collect();
    let order = |d: &DiagnosticRow| {
        (
            d.key,
            d.sip_code,
            d.sip_message.clone(),
            d.q850_code,
            d.q850_message.clone(),
        )
    };
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| order(a).cmp(&order(b))));
    for d in &mut rows {
        d.sip_message = show(&d.sip_message);
        d.q850_message = show(&d.q850_message);
    }
    rows
}

/// The operations' rows, most records first.
fn operation_rows(agg: &Aggregator, cat: &Catalogue) -> Vec<OperationRow> {
    let mut ops: Vec<_> = agg.operations().collect();
    ops.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    // An operation's rows, one per key, share its name, and the rows of no prompt kind share
    // the empty text.
    let mut texts = Texts::default();
    ops.into_iter()
        .map(|(k, s)| OperationRow {
            operation: texts.get(k.0),
            kind: k.1,
            key: (k.2, k.3),
            prompt: texts.get(k.4),
            outcome: cat.outcome(k.2, k.3),
            count: s.count,
            calls: s.calls.len(),
        })
        .collect()
}

/// The SDK types and versions, most records first, and the records that name none last as
/// [`NOT_NAMED`]; none when no record names one. Read before `agg.by_key` is taken.
fn sdk_rows(agg: &Aggregator, cat: &Catalogue) -> Vec<SdkRow> {
    let mut by: HashMap<(u32, u32), SdkRow> = HashMap::new();
    let mut named: HashMap<Key, u64> = HashMap::new();
    for (&(ty, version, key), &n) in &agg.by_sdk {
        let row = by.entry((ty, version)).or_insert_with(|| SdkRow {
            sdk_type: agg.sdk_texts.name(ty).to_string(),
            sdk_version: agg.sdk_texts.name(version).to_string(),
            count: 0,
            failures: 0,
            needs_action: 0,
        });
        row.count += n;
        count_outcome(cat, key, n, &mut row.failures, &mut row.needs_action);
        *named.entry(key).or_default() += n;
    }
    if by.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<SdkRow> = by.into_values().collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.sdk_type, &a.sdk_version).cmp(&(&b.sdk_type, &b.sdk_version)))
    });
    let mut unnamed = SdkRow {
        sdk_type: NOT_NAMED.to_string(),
        sdk_version: String::new(),
        count: 0,
        failures: 0,
        needs_action: 0,
    };
    for (&key, s) in &agg.by_key {
        let n = s.count - named.get(&key).copied().unwrap_or(0);
        unnamed.count += n;
        count_outcome(
            cat,
            key,
            n,
            &mut unnamed.failures,
            &mut unnamed.needs_action,
        );
    }
    if unnamed.count > 0 {
        rows.push(unnamed);
    }
    rows
}
