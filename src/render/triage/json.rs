//! The triage as JSON for machines, written as it is made: lists of rows by the ten thousand
//! are never held as a tree of values.

use anyhow::Result;
use serde::ser::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::report::triage::{HistoryDays, Named, Triage, TOP_CALLS, TOP_MESSAGES};
use crate::time::{bucket_start, day_text, rfc3339};

use super::page::no_mitigation;

/// A list written an element at a time as it is made: each element's value is built, written
/// and dropped, so that lists of rows by the ten thousand (20,000 keys of one subcode: 27 MB of
/// JSON, 254 MB at the peak as one value) are never a tree of values.
struct Each<F>(F);

impl<F, I> Serialize for Each<F>
where
    F: Fn() -> I,
    I: Iterator<Item: Serialize>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// The triage's JSON document, in its keys' order: the small parts as values, the lists that
/// grow with the input's keys, rows or calls written a row at a time ([`Each`]).
#[derive(serde::Serialize)]
struct Doc<'a, A, B, C, D, E, F, G, H, I, J, K, L, M> {
    subcode: u32,
    code: Option<u32>,
    catalogue: Value,
    catalogues: Value,
    records: Value,
    totals: A,
    other_codes: B,
    timeline: C,
    operations: D,
    calls: E,
    calls_total: usize,
    messages: F,
    messages_other: Value,
    diagnostics: G,
    prompts: H,
    resources: I,
    resources_not_named: Value,
    sdks: J,
    history: Option<HistoryDoc<'a>>,
    mitigations: K,
    next_steps: Option<Value>,
    verdict: Verdicts<L>,
    targets: Value,
    operation_contexts: Value,
    history_by_resource: M,
}

/// The spike verdict's day, note and keys, a key at a time.
#[derive(serde::Serialize)]
struct Verdicts<L> {
    day: Option<String>,
    note: Value,
    keys: L,
}

/// The triage as pretty JSON text with a final newline, written as it is made ([`Doc`]).
pub(super) fn write_json(t: &Triage, w: &mut dyn std::io::Write) -> Result<()> {
    let doc = Doc {
        subcode: t.subcode,
        code: t.code,
        catalogue: t.catalogue.iter().map(|e| json!({
            "entry": e.label, "match": e.matched.as_str(), "category": e.category.map(|c| c.as_str()),
            "source": e.source, "callback_event": e.callback_event,
            "description": e.description, "mitigation": e.mitigation, "used": e.used,
        })).collect(),
        catalogues: json!(t.catalogues),
        records: json!({
            "read": t.read, "accepted": t.accepted, "rejected": t.rejected,
            "skipped": t.skipped, "outside_window": t.outside, "matching": t.total(),
        }),
        totals: Each(|| t.totals.iter().map(|k| json!({
            "code": k.key.0, "subcode": k.key.1, "category": k.category.as_str(), "outcome": k.outcome.as_str(), "match": k.matched.as_str(),
            "description": k.description, "mitigation": k.mitigation, "count": k.count, "calls": k.calls,
            "first_seen": k.first.map(rfc3339), "last_seen": k.last.map(rfc3339),
        }))),
        other_codes: Each(|| t.other_codes.iter().map(|(c, n)| json!({"code": c, "count": n}))),
        timeline: Each(|| t.timeline_counts().into_iter().map(|(b, k, n)| json!({
            "bucket": bucket_start(b), "code": k.0, "subcode": k.1, "count": n,
        }))),
        operations: Each(|| t.operations.iter().map(|(op, kind, k, n)| json!({
            "operation": op, "kind": kind.as_str(), "code": k.0, "subcode": k.1, "count": n,
        }))),
        calls: Each(|| t.calls.iter().take(TOP_CALLS).map(|c| json!({
            "correlation_id": c.correlation_id(), "call_connection_id": c.call_connection_id, "count": c.count,
            "first": c.first.map(rfc3339), "last": c.last.map(rfc3339),
        }))),
        calls_total: t.calls.len(),
        messages: Each(|| t.messages.iter().take(TOP_MESSAGES).map(|(m, n)| json!({"message": m, "count": n}))),
        messages_other: json!(t.messages_not_listed()),
        diagnostics: Each(|| t.diagnostics.iter().map(|d| json!({
            "code": d.key.0, "subcode": d.key.1, "sip_code": d.sip_code, "sip_message": d.sip_message,
            "q850_code": d.q850_code, "q850_message": d.q850_message, "count": d.count, "calls": d.calls,
        }))),
        prompts: Each(|| t.prompts.iter().map(|(p, n)| json!({"prompt": p, "count": n}))),
        resources: Each(|| t.resources.iter().map(|(r, n, calls, inferred)| json!({
            "resource": r, "count": n, "calls": calls, "inferred": inferred,
        }))),
        resources_not_named: json!({
            "unknown": {"count": t.resources_unknown.0, "calls": t.resources_unknown.1},
            "not_looked_up": {"count": t.resources_not_looked_up.0, "calls": t.resources_not_looked_up.1},
            "not_callback": {"count": t.resources_stay.0, "calls": t.resources_stay.1},
        }),
        sdks: Each(|| t.sdks.iter().map(|(ty, v, n)| json!({
            "sdk_type": ty, "sdk_version": v, "count": n,
        }))),
        history: t.history.as_ref().map(history_doc),
        mitigations: Each(|| t.mitigations.iter().map(|(k, m)| json!({
            "code": k.0, "subcode": k.1, "mitigation": m,
        }))),
        next_steps: t.next_steps.as_ref().map(|n| json!({
            "no_documented_mitigation": no_mitigation(t),
            "calls": n.no_calls.is_none().then_some(&n.calls), "no_calls": n.no_calls,
            "kql": n.kql, "unwritten": n.unwritten,
        })),
        verdict: Verdicts {
            day: t.verdict_day.map(day_text),
            note: json!(t.verdict_note),
            keys: Each(|| t.verdicts.iter().map(|(v, why)| verdict_json(t, v, why))),
        },
        targets: named_json(&t.targets, "target"),
        operation_contexts: named_json(&t.contexts, "operation_context"),
        history_by_resource: Each(|| t.history_by_resource.iter().map(history_doc)),
    };
    crate::render::json::write_pretty(&doc, w)
}

/// A key's verdict with why, as the JSON's `verdict.keys` gives it.
fn verdict_json(t: &Triage, v: &crate::spikes::Verdict, why: &str) -> Value {
    json!({
        "code": v.key.0, "subcode": v.key.1, "resource": v.resource, "status": v.status.as_str(), "explanation": why,
        "count": v.count, "exposure": v.exposure, "baseline_count": v.baseline_count,
        "baseline_exposure": v.baseline_exposure,
        "baseline_days": v.baseline_days.iter().map(|d| day_text(*d)).collect::<Vec<_>>(),
        "expected": v.expected, "ratio": v.ratio, "p_value": v.p_value,
        "target": target_json(t, v),
    })
}

/// The target a flagged key's records of the day went to, as `report.json` gives it, its
/// number shown as the triage shows numbers; null when none is named.
fn target_json(t: &Triage, v: &crate::spikes::Verdict) -> Value {
    (v.target.as_ref()).map_or(
        Value::Null,
        |l| json!({"target": t.numbers.show(&l.target), "count": l.count, "of": l.of}),
    )
}

/// The rows of a split by target or operation context (`field`: the text's key), with the
/// records past them and those that name none.
fn named_json(n: &Named, field: &str) -> Value {
    json!({
        "rows": n.rows.iter().map(|(text, count)| json!({field: text, "count": count})).collect::<Vec<_>>(),
        "distinct": n.distinct,
        "other": n.past_top + n.others,
        "not_named": n.none,
    })
}

/// The days of a history ([`HistoryDays`]) in JSON, in its keys' order: a row a key, and a row
/// a day and key, written a row at a time ([`Each`]): `--history` of keys by the ten thousand
/// over 28 days is a list of rows by the hundred thousand.
#[derive(serde::Serialize)]
struct HistoryDoc<'a> {
    days_held: usize,
    first_day: Option<String>,
    last_day: Option<String>,
    keys: Rows<'a>,
    days: Rows<'a>,
    /// Its resource, when it is one's.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
}

/// Rows of JSON made as they are written ([`Each`]), of a list of a type of its own.
type Rows<'a> = Each<Box<dyn Fn() -> Box<dyn Iterator<Item = Value> + 'a> + 'a>>;

/// The days of a history as [`HistoryDoc`] writes them.
fn history_doc(h: &HistoryDays) -> HistoryDoc<'_> {
    HistoryDoc {
        days_held: h.held,
        first_day: h.span.map(|(a, _)| day_text(a)),
        last_day: h.span.map(|(_, b)| day_text(b)),
        keys: Each(Box::new(|| {
            Box::new(h.keys.iter().map(
                |(k, day, _)| json!({"code": k.0, "subcode": k.1, "first_seen": day_text(*day)}),
            ))
        })),
        days: Each(Box::new(|| {
            let days = h.days.iter().enumerate();
            Box::new(days.flat_map(|(i, d)| {
                let apart = h.apart_until.is_some_and(|last| d.day <= last);
                h.keys.iter().map(move |(k, _, counts)| {
                    json!({
                        "day": day_text(d.day), "partial": d.partial, "short_for_all": d.short,
                        "callbacks_apart": apart, "records": d.records,
                        "code": k.0, "subcode": k.1, "count": counts[i],
                    })
                })
            }))
        })),
        resource: h.resource.as_deref(),
    }
}

/// The days of a history ([`HistoryDays`]), and its resource when it is one's, as one value:
/// what [`HistoryDoc`] wrote before it was streamed (the tests compare them).
#[cfg(test)]
fn history_json(h: &HistoryDays) -> Value {
    let mut v = json!({
        "days_held": h.held,
        "first_day": h.span.map(|(a, _)| day_text(a)), "last_day": h.span.map(|(_, b)| day_text(b)),
        "keys": h.keys.iter().map(|(k, day, _)| json!({
            "code": k.0, "subcode": k.1, "first_seen": day_text(*day),
        })).collect::<Vec<_>>(),
        "days": h.days.iter().enumerate().flat_map(|(i, d)| {
            let apart = h.apart_until.is_some_and(|last| d.day <= last);
            h.keys.iter().map(move |(k, _, counts)| json!({
                "day": day_text(d.day), "partial": d.partial, "short_for_all": d.short,
                "callbacks_apart": apart, "records": d.records,
                "code": k.0, "subcode": k.1, "count": counts[i],
            }))
        }).collect::<Vec<_>>(),
    });
    if let Some(r) = &h.resource {
        v["resource"] = json!(r);
    }
    v
}

#[cfg(test)]
pub(super) fn json_as_value(t: &Triage) -> Value {
    let mut v = fields_json(t);
    // Set apart: one `json!` of them all passes the macro's recursion limit.
    v["targets"] = named_json(&t.targets, "target");
    v["operation_contexts"] = named_json(&t.contexts, "operation_context");
    v["history_by_resource"] = t.history_by_resource.iter().map(history_json).collect();
    v
}

/// The JSON of a triage but for its splits by target and operation context and its days by
/// resource, as one value: what [`Doc`] wrote before it was streamed (the tests compare them).
#[cfg(test)]
fn fields_json(t: &Triage) -> Value {
    json!({
        "subcode": t.subcode,
        "code": t.code,
        "catalogue": t.catalogue.iter().map(|e| json!({
            "entry": e.label, "match": e.matched.as_str(), "category": e.category.map(|c| c.as_str()),
            "source": e.source, "callback_event": e.callback_event,
            "description": e.description, "mitigation": e.mitigation, "used": e.used,
        })).collect::<Vec<_>>(),
        "catalogues": t.catalogues,
        "records": {
            "read": t.read, "accepted": t.accepted, "rejected": t.rejected,
            "skipped": t.skipped, "outside_window": t.outside, "matching": t.total(),
        },
        "totals": t.totals.iter().map(|k| json!({
            "code": k.key.0, "subcode": k.key.1, "category": k.category.as_str(), "outcome": k.outcome.as_str(), "match": k.matched.as_str(),
            "description": k.description, "mitigation": k.mitigation, "count": k.count, "calls": k.calls,
            "first_seen": k.first.map(rfc3339), "last_seen": k.last.map(rfc3339),
        })).collect::<Vec<_>>(),
        "other_codes": t.other_codes.iter().map(|(c, n)| json!({"code": c, "count": n})).collect::<Vec<_>>(),
        "timeline": t.timeline_counts().into_iter().map(|(b, k, n)| json!({
            "bucket": bucket_start(b), "code": k.0, "subcode": k.1, "count": n,
        })).collect::<Vec<_>>(),
        "operations": t.operations.iter().map(|(op, kind, k, n)| json!({
            "operation": op, "kind": kind.as_str(), "code": k.0, "subcode": k.1, "count": n,
        })).collect::<Vec<_>>(),
        "calls": t.calls.iter().take(TOP_CALLS).map(|c| json!({
            "correlation_id": c.correlation_id(), "call_connection_id": c.call_connection_id, "count": c.count,
            "first": c.first.map(rfc3339), "last": c.last.map(rfc3339),
        })).collect::<Vec<_>>(),
        "calls_total": t.calls.len(),
        "messages": t.messages.iter().take(TOP_MESSAGES).map(|(m, n)| json!({"message": m, "count": n})).collect::<Vec<_>>(),
        "messages_other": t.messages_not_listed(),
        "diagnostics": t.diagnostics.iter().map(|d| json!({
            "code": d.key.0, "subcode": d.key.1, "sip_code": d.sip_code, "sip_message": d.sip_message,
            "q850_code": d.q850_code, "q850_message": d.q850_message, "count": d.count, "calls": d.calls,
        })).collect::<Vec<_>>(),
        "prompts": t.prompts.iter().map(|(p, n)| json!({"prompt": p, "count": n})).collect::<Vec<_>>(),
        "resources": t.resources.iter().map(|(r, n, calls, inferred)| json!({
            "resource": r, "count": n, "calls": calls, "inferred": inferred,
        })).collect::<Vec<_>>(),
        "resources_not_named": {
            "unknown": {"count": t.resources_unknown.0, "calls": t.resources_unknown.1},
            "not_looked_up": {"count": t.resources_not_looked_up.0, "calls": t.resources_not_looked_up.1},
            "not_callback": {"count": t.resources_stay.0, "calls": t.resources_stay.1},
        },
        "sdks": t.sdks.iter().map(|(ty, v, n)| json!({
            "sdk_type": ty, "sdk_version": v, "count": n,
        })).collect::<Vec<_>>(),
        "history": t.history.as_ref().map(history_json),
        "mitigations": t.mitigations.iter().map(|(k, m)| json!({
            "code": k.0, "subcode": k.1, "mitigation": m,
        })).collect::<Vec<_>>(),
        "next_steps": t.next_steps.as_ref().map(|n| json!({
            "no_documented_mitigation": no_mitigation(t),
            "calls": n.no_calls.is_none().then_some(&n.calls), "no_calls": n.no_calls,
            "kql": n.kql, "unwritten": n.unwritten,
        })),
        "verdict": {
            "day": t.verdict_day.map(day_text),
            "note": t.verdict_note,
            "keys": t.verdicts.iter().map(|(v, why)| verdict_json(t, v, why)).collect::<Vec<_>>(),
        },
    })
}
