//! `report.json`: every table of the report in one document, for machines.

use std::io::Write;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use crate::catalogue::Catalogue;
use crate::render::json::{elements, rows, write_pretty, Rows};
use crate::render::REJECT_PART_ROWS;
use crate::report::tables::reason_text;
use crate::report::{rfc3339, spike_sentence, Report};
use crate::spikes::history::day_text;

/// `report.json`: the small sections as values, the tables written row by row.
#[derive(Serialize)]
struct Doc<'a> {
    volume: Rows<'a>,
    spikes: Value,
    period: Value,
    catalogue: &'a [String],
    records: Value,
    needs_action_rate: f64,
    failure_rate: f64,
    inputs: Value,
    by_category: Rows<'a>,
    by_outcome: Rows<'a>,
    by_mitigation: Rows<'a>,
    by_code: Rows<'a>,
    by_operation: Rows<'a>,
    timeline: Rows<'a>,
    by_sip: Rows<'a>,
    by_resource: Rows<'a>,
    by_sdk: Rows<'a>,
    rejects: Rejects<'a>,
    data_quality: Value,
}

/// The rejects table, made and written a part at a time ([`Report::rejects_tables`]): 100,000
/// kept rejects are never all copied into cells at once.
struct Rejects<'a>(&'a Report);

impl Serialize for Rejects<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rejects.len()))?;
        for t in self.0.rejects_tables(REJECT_PART_ROWS) {
            elements(&mut seq, &t)?;
        }
        seq.end()
    }
}

/// The report as pretty JSON text with a final newline.
pub fn write(r: &Report, cat: &Catalogue, w: &mut dyn Write) -> anyhow::Result<()> {
    let spikes_table = r.spikes_table();
    let volume_table = r.volume_table();
    let tables = [
        r.by_category(),
        r.by_outcome(),
        r.by_mitigation(),
        r.by_code(),
        r.by_operation(),
        r.timeline_table(),
        r.by_sip(),
        r.by_resource(),
        r.by_sdk(),
    ];
    let doc = Doc {
        volume: Rows(&volume_table),
        spikes: json!({
            "day": r.spikes.day.map(day_text),
            "note": r.spikes.note,
            "untested_keys": r.spikes.untested,
            "rows": rows(&spikes_table),
            "explanations": r.spikes.flagged.iter().map(|v| json!({
                "code": v.key.0, "subcode": v.key.1, "sentence": spike_sentence(v, cat),
                "count": v.count, "exposure": v.exposure,
                "baseline_count": v.baseline_count, "baseline_exposure": v.baseline_exposure,
                "baseline_days": v.baseline_days.iter().map(|d| day_text(*d)).collect::<Vec<_>>(),
                "expected": v.expected, "ratio": v.ratio, "p_value": v.p_value,
                "status": v.status.as_str(),
            })).collect::<Vec<Value>>(),
        }),
        period: json!({
            "first": r.first.map(rfc3339),
            "last": r.last.map(rfc3339),
            "since": r.window.since.map(rfc3339),
            "until": r.window.until.map(rfc3339),
            "bucket_seconds": r.bucket_secs,
        }),
        catalogue: &r.catalogue,
        records: json!({
            "read": r.read,
            "accepted": r.accepted,
            "rejected": r.rejected,
            "skipped": r.skipped,
            "outside_window": r.outside,
            "failures": r.failures,
            "needs_action": r.needs_action,
        }),
        needs_action_rate: r.needs_action_rate(),
        failure_rate: r.failure_rate(),
        inputs: r
            .inputs
            .iter()
            .map(|f| {
                json!({
                    "file": f.path, "shape": f.shape, "accepted": f.accepted,
                    "rejected": f.rejected, "skipped": f.skipped, "outside_window": f.outside,
                })
            })
            .collect::<Vec<Value>>()
            .into(),
        by_category: Rows(&tables[0]),
        by_outcome: Rows(&tables[1]),
        by_mitigation: Rows(&tables[2]),
        by_code: Rows(&tables[3]),
        by_operation: Rows(&tables[4]),
        timeline: Rows(&tables[5]),
        by_sip: Rows(&tables[6]),
        rejects: Rejects(r),
        by_resource: Rows(&tables[7]),
        by_sdk: Rows(&tables[8]),
        data_quality: json!({
            "rejects_by_reason": r.reject_groups.iter().map(|g| json!({
                "reason": g.reason.label(),
                "count": g.count,
                "examples": g.examples.iter().map(|e| json!({
                    "file": &*e.file, "line": e.line, "record": e.record, "reason": reason_text(e), "excerpt": e.excerpt(),
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
        }),
    };
    write_pretty(&doc, w)
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    #[test]
    fn report_json() {
        let cat = fixture::catalogue();
        let mut out = Vec::new();
        super::write(&fixture::report(&cat), &cat, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text);
    }
}
