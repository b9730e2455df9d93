//! `report.json`: every table of the report in one document, for machines.

use std::io::Write;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

use crate::catalogue::Catalogue;
use crate::render::json::{elements, rows, write_pretty};
use crate::render::PART_ROWS;
use crate::report::tables::{excerpt_text, reason_text, Maker};
use crate::report::{spike_sentence_with_target, Report};
use crate::time::{day_text, rfc3339};

/// `report.json`: the small sections as values, the tables made one at a time and written row
/// by row, as are the uncatalogued keys.
#[derive(Serialize)]
struct Doc<'a> {
    volume: Made<'a>,
    spikes: Spikes<'a>,
    /// The silent-failure test, when the run made it ([`silent`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    silent: Option<Value>,
    period: Value,
    catalogue: &'a [String],
    records: Value,
    /// Null when no record was accepted.
    needs_action_rate: Option<f64>,
    failure_rate: Option<f64>,
    inputs: Inputs<'a>,
    by_category: Made<'a>,
    by_outcome: Made<'a>,
    by_mitigation: Made<'a>,
    by_code: Made<'a>,
    by_operation: Made<'a>,
    timeline: Made<'a>,
    by_sip: Made<'a>,
    by_resource: Made<'a>,
    by_sdk: Made<'a>,
    rejects: Made<'a>,
    data_quality: Quality<'a>,
}

/// The input files, written one at a time: as values, the 50,000 of a run over a year's
/// archives take 40 MB.
struct Inputs<'a>(&'a [crate::ingest::FileReport]);

/// One input file.
#[derive(Serialize)]
struct InputRow<'a> {
    file: &'a str,
    shape: &'a str,
    accepted: u64,
    rejected: u64,
    skipped: u64,
    outside_window: u64,
}

impl Serialize for Inputs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|f| InputRow {
            file: &f.path,
            shape: f.shape,
            accepted: f.accepted,
            rejected: f.rejected,
            skipped: f.skipped,
            outside_window: f.outside,
        }))
    }
}

/// The spike test: its sentences as values, its rows, explanations and keys new below the
/// minimum count written one at a time (a night of keys new to the history by the thousand).
#[derive(Serialize)]
struct Spikes<'a> {
    day: Option<String>,
    note: &'a Option<String>,
    /// The baseline days stored partial, as the volume section says them: too many for a
    /// test, or left out of one of enough complete days.
    partial_baseline: &'a Option<String>,
    baseline_left_out: &'a Option<String>,
    /// The scopes the volume test left untested while it tested all records, with why
    /// (`Not tested: resource acs-prod, for want of 3 baseline days ...`).
    volume_untested: &'a [String],
    untested_keys: usize,
    untested_callback_keys: Vec<Value>,
    new_below_min_count: NewBelowMin<'a>,
    rows: Made<'a>,
    explanations: Explanations<'a>,
}

/// The failure keys new to the history below `--spike-min-count`, with their counts.
struct NewBelowMin<'a>(&'a Report);

impl Serialize for NewBelowMin<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0.spikes.new_below_min.iter()).map(
            |&((code, subcode), count)| json!({"code": code, "subcode": subcode, "count": count}),
        ))
    }
}

/// Each flagged key's numbers and sentence, in spikes.csv's order, each made as it is written.
struct Explanations<'a>(&'a Report, &'a Catalogue);

impl Serialize for Explanations<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let cat = self.1;
        s.collect_seq(self.0.spike_rows.iter().map(|row| {
            let v = &row.verdict;
            json!({
                "code": v.key.0, "subcode": v.key.1, "sentence": spike_sentence_with_target(v, cat),
                "count": v.count, "exposure": v.exposure,
                "baseline_count": v.baseline_count, "baseline_exposure": v.baseline_exposure,
                "exposure_kinds": (!v.exposure_kinds.is_empty()).then_some(&v.exposure_kinds),
                "all_kinds_why": v.all_kinds,
                "left_out": (!v.left_out.is_empty()).then_some(&v.left_out),
                "baseline_days": v.baseline_days.iter().map(|d| day_text(*d)).collect::<Vec<_>>(),
                "expected": v.expected, "ratio": v.ratio, "p_value": v.p_value,
                "status": v.status.as_str(),
                "by_resource": v.by_resource.as_ref().map(|b| json!({
                    "counts": b.counts.iter().map(|(name, count)| json!({
                        "resource": name, "count": count,
                    })).collect::<Vec<_>>(),
                    "more_resources": b.more.0, "more_count": b.more.1,
                    "not_named": b.not_named, "resources_without": b.without_count,
                })),
                "target": v.target.as_ref().map(|t| json!({
                    "target": crate::text::mask_numbers(&t.target),
                    "count": t.count, "of": t.of,
                })),
            })
        }))
    }
}

/// A table made as it is written, and dropped after, a part at a time if its rows grow with
/// the input's keys or rejects: the tables of a report of many keys are never all held at once,
/// nor one of them whole.
struct Made<'a>(&'a Report, Maker);

impl Serialize for Made<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for t in self.1.parts(self.0, PART_ROWS) {
            elements(&mut seq, &t)?;
        }
        seq.end()
    }
}

/// The data-quality section: its uncatalogued keys written one at a time.
#[derive(Serialize)]
struct Quality<'a> {
    rejects_by_reason: Value,
    rejects_truncated: bool,
    skipped_by_reason: Value,
    uncatalogued: Uncatalogued<'a>,
    warnings: &'a [String],
}

/// The keys the catalogue does not know, in the report's order.
struct Uncatalogued<'a>(&'a Report);

/// One uncatalogued key.
#[derive(Serialize)]
struct Unknown {
    code: u32,
    subcode: Option<u32>,
    count: u64,
    calls: u64,
}

impl Serialize for Uncatalogued<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.uncatalogued().map(|c| Unknown {
            code: c.code,
            subcode: c.subcode,
            count: c.count,
            calls: c.calls,
        }))
    }
}

/// The silent-failure test: its sentences, a row per action (as silent.csv), those rows for
/// each resource of the calls when two or more have actions without an outcome, and the calls
/// listed (as silent_calls.csv), when the input accepted an action it tests.
fn silent(r: &Report) -> Option<Value> {
    (!r.silent.rows.is_empty()).then(|| {
        let split: Vec<Value> = (r.silent_by_resource().into_iter())
            .map(|(resource, t)| json!({"resource": resource, "rows": rows(&t)}))
            .collect();
        json!({
            "sentences": r.silent_lines(),
            "rows": rows(&r.silent_table()),
            "by_resource": split,
            "calls_total": r.silent.calls_total,
            "calls": rows(&r.silent_calls_file()),
        })
    })
}

/// The report as pretty JSON text with a final newline.
pub fn write(r: &Report, cat: &Catalogue, w: &mut dyn Write) -> anyhow::Result<()> {
    let doc = Doc {
        volume: Made(r, Maker::InParts(Report::volume_parts)),
        spikes: Spikes {
            day: r.spikes.day.map(day_text),
            note: &r.spikes.note,
            partial_baseline: &r.spikes.partial_baseline,
            baseline_left_out: &r.spikes.baseline_left_out,
            volume_untested: &r.spikes.volume_untested,
            untested_keys: r.spikes.untested,
            untested_callback_keys: r.spikes.untested_apart.iter().map(|(resource, (code, subcode))| json!({
                "resource": resource, "code": code, "subcode": subcode,
            })).collect::<Vec<_>>(),
            new_below_min_count: NewBelowMin(r),
            rows: Made(r, Maker::InParts(Report::spikes_parts)),
            explanations: Explanations(r, cat),
        },
        silent: silent(r),
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
        needs_action_rate: (r.accepted > 0).then(|| r.needs_action_rate()),
        failure_rate: (r.accepted > 0).then(|| r.failure_rate()),
        inputs: Inputs(&r.inputs),
        by_category: Made(r, Maker::Whole(Report::by_category)),
        by_outcome: Made(r, Maker::Whole(Report::by_outcome)),
        by_mitigation: Made(r, Maker::Whole(Report::by_mitigation)),
        by_code: Made(r, Maker::InParts(Report::by_code_parts)),
        by_operation: Made(r, Maker::InParts(Report::by_operation_parts)),
        timeline: Made(r, Maker::InParts(Report::timeline_parts)),
        by_sip: Made(r, Maker::Whole(Report::by_sip)),
        rejects: Made(r, Maker::InParts(Report::rejects_parts)),
        by_resource: Made(r, Maker::InParts(Report::by_resource_parts)),
        by_sdk: Made(r, Maker::Whole(Report::by_sdk)),
        data_quality: Quality {
            rejects_by_reason: r.reject_groups.iter().map(|g| json!({
                "reason": g.reason.label(),
                "count": g.count,
                "examples": g.examples.iter().map(|e| json!({
                    "file": &*e.file, "line": e.line, "record": e.record, "reason": reason_text(e), "excerpt": excerpt_text(e),
                })).collect::<Vec<Value>>(),
            })).collect::<Vec<Value>>().into(),
            rejects_truncated: r.rejects_truncated,
            skipped_by_reason: r.skip_counts.iter().map(|(reason, n)| json!({
                "reason": reason.label(), "count": n,
            })).collect::<Vec<Value>>().into(),
            uncatalogued: Uncatalogued(r),
            warnings: &r.warnings,
        },
    };
    write_pretty(&doc, w)
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    /// Every p-value is a number, the same in the rows as in the explanations.
    #[test]
    fn p_values_are_numbers() {
        let cat = fixture::catalogue();
        let mut out = Vec::new();
        super::write(&fixture::report(&cat), &cat, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let rows = v["spikes"]["rows"].as_array().unwrap();
        let explained = v["spikes"]["explanations"].as_array().unwrap();
        assert!(!rows.is_empty());
        for (r, e) in rows.iter().zip(explained) {
            assert!(r["p_value"].is_f64(), "{r}");
            assert_eq!(r["p_value"], e["p_value"]);
        }
        let volume = v["volume"].as_array().unwrap();
        assert!(volume.iter().any(|r| r["p_value"].is_f64()), "{volume:?}");
        for r in volume {
            assert!(r["p_value"].is_f64() || r["p_value"].is_null(), "{r}");
        }
    }

    /// The volume test's scopes and the resources, a row each by the hundred thousand in an
    /// export of made-up resource ids, are written a part at a time: every row once, in order,
    /// across the parts' edges.
    #[test]
    fn volume_and_resources_written_in_parts_are_whole() {
        use crate::render::PART_ROWS;
        use crate::report::ResourceRow;
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let n = PART_ROWS * 2 + 3;
        let scope = r.volume[0].clone();
        r.volume = (0..n)
            .map(|i| crate::spikes::volume::VolumeVerdict {
                scope: format!("resource acs-{i:06}"),
                count: i as u64,
                ..scope.clone()
            })
            .collect();
        r.resources = (0..n)
            .map(|i| ResourceRow {
                resource: format!("acs-{i:06}"),
                count: i as u64,
                failures: 0,
                needs_action: 0,
                calls: 1,
                top_failure: None,
                inferred: 0,
                usual_needs_action_rate: None,
            })
            .collect();
        let mut out = Vec::new();
        super::write(&r, &cat, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for (section, column, prefix) in [
            ("volume", "scope", "resource acs-"),
            ("by_resource", "resource", "acs-"),
        ] {
            let rows = v[section].as_array().unwrap();
            assert_eq!(rows.len(), n, "{section}");
            for (i, row) in rows.iter().enumerate() {
                assert_eq!(row[column], format!("{prefix}{i:06}"), "{section}");
                assert_eq!(row["count"], i, "{section}");
            }
        }
    }

    /// A scope the volume test left untested is said with why, as summary.md says it
    /// (fix68d's leftover: only the Markdown and HTML said it).
    #[test]
    fn a_scope_not_tested_is_said() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let why = "Not tested: resource acs-prod, for want of 3 baseline days that count it: ...";
        r.spikes.volume_untested = vec![why.to_string()];
        let mut out = Vec::new();
        super::write(&r, &cat, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["spikes"]["volume_untested"], serde_json::json!([why]));
    }

    #[test]
    fn report_json() {
        let cat = fixture::catalogue();
        let mut out = Vec::new();
        super::write(&fixture::report(&cat), &cat, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text);
    }
}
