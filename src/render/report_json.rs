//! `report.json`: every table of the report in one document, for machines.

use serde_json::{json, Value};

use crate::catalogue::Catalogue;
use crate::render::json::rows;
use crate::report::tables::reason_text;
use crate::report::{rfc3339, spike_sentence, Report};
use crate::spikes::history::day_text;

pub fn render(r: &Report, cat: &Catalogue) -> Value {
    json!({
        "spikes": {
            "day": r.spikes.day.map(day_text),
            "note": r.spikes.note,
            "untested_keys": r.spikes.untested,
            "rows": rows(&r.spikes_table()),
            "explanations": r.spikes.flagged.iter().map(|v| json!({
                "code": v.key.0, "subcode": v.key.1, "sentence": spike_sentence(v, cat),
                "count": v.count, "exposure": v.exposure,
                "baseline_count": v.baseline_count, "baseline_exposure": v.baseline_exposure,
                "baseline_days": v.baseline_days.iter().map(|d| day_text(*d)).collect::<Vec<_>>(),
                "expected": v.expected, "ratio": v.ratio, "p_value": v.p_value,
                "status": v.status.as_str(),
            })).collect::<Vec<Value>>(),
        },
        "period": {
            "first": r.first.map(rfc3339),
            "last": r.last.map(rfc3339),
            "since": r.window.since.map(rfc3339),
            "until": r.window.until.map(rfc3339),
            "bucket_seconds": r.bucket_secs,
        },
        "catalogue": r.catalogue,
        "records": {
            "read": r.read,
            "accepted": r.accepted,
            "rejected": r.rejected,
            "skipped": r.skipped,
            "outside_window": r.outside,
            "failures": r.failures,
        },
        "failure_rate": r.failure_rate(),
        "inputs": r.inputs.iter().map(|f| json!({
            "file": f.path, "shape": f.shape, "accepted": f.accepted,
            "rejected": f.rejected, "skipped": f.skipped,
        })).collect::<Vec<Value>>(),
        "by_category": rows(&r.by_category()),
        "by_mitigation": rows(&r.by_mitigation()),
        "by_code": rows(&r.by_code()),
        "by_operation": rows(&r.by_operation()),
        "timeline": rows(&r.timeline_table()),
        "by_sip": rows(&r.by_sip()),
        "rejects": rows(&r.rejects_table()),
        "data_quality": {
            "rejects_by_reason": r.reject_groups.iter().map(|g| json!({
                "reason": g.reason.label(),
                "count": g.count,
                "examples": g.examples.iter().map(|e| json!({
                    "file": &*e.file, "line": e.line, "record": e.record, "reason": reason_text(e), "excerpt": e.excerpt,
                })).collect::<Vec<Value>>(),
            })).collect::<Vec<Value>>(),
            "rejects_truncated": r.rejects_truncated,
            "skipped_by_reason": r.skip_counts.iter().map(|(reason, n)| json!({
                "reason": reason.label(), "count": n,
            })).collect::<Vec<Value>>(),
            "uncatalogued": r.uncatalogued().iter().map(|c| json!({
                "code": c.code, "subcode": c.subcode, "count": c.count, "calls": c.calls,
            })).collect::<Vec<Value>>(),
            "warnings": r.warnings,
        },
    })
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    #[test]
    fn report_json() {
        let cat = fixture::catalogue();
        let v = super::render(&fixture::report(&cat), &cat);
        let text = String::from_utf8(crate::render::json::pretty(&v).unwrap()).unwrap();
        insta::assert_snapshot!(text);
    }
}
