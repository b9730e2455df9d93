//! `acs-triage triage SUBCODE`: the deep dive on one subcode.

use crate::common::*;
use serde_json::Value;

#[test]
fn triage_on_samples() {
    let out = bin()
        .args(["triage", "8522", "samples/"])
        .assert()
        .success();
    insta::assert_snapshot!("triage_8522_md", stdout(&out));
    let out = bin()
        .args([
            "triage", "8510", "samples/", "--code", "400", "--format", "json",
        ])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let m = manifest();
    assert_eq!(v["records"]["matching"], m["by_key"]["400/8510"]);
    assert_eq!(
        v["totals"][0]["calls"],
        m["distinct_calls_by_key"]["400/8510"]
    );
    assert_eq!(v["verdict"]["keys"][0]["status"], "insufficient_history");
    insta::assert_snapshot!("triage_8510_json", stdout(&out));
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("calls.csv");
    bin()
        .args([
            "triage",
            "8510",
            "samples/",
            "--format",
            "csv",
            "--out",
            csv_path.to_str().unwrap(),
        ])
        .assert()
        .success();
    let rows = read_csv(&csv_path);
    assert_eq!(
        rows.len() as u64,
        m["distinct_calls_by_key"]["400/8510"].as_u64().unwrap()
    );
    let sum: u64 = rows
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, m["by_key"]["400/8510"].as_u64().unwrap());
}

#[test]
fn triage_of_an_absent_subcode_still_shows_the_catalogue() {
    let out = bin()
        .args(["triage", "8571", "samples/"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains(
            "**subcode 8571**, subcode match (call-automation): Recording Operation Conflict"
        ),
        "{text}"
    );
    let t = &manifest()["totals"];
    let read: u64 = ["accepted", "rejected", "skipped"]
        .iter()
        .map(|k| t[k].as_u64().unwrap())
        .sum();
    assert!(
        text.contains(&format!(
            "No records: subcode 8571 does not occur in the {read} records read."
        )),
        "{text}"
    );
}

#[test]
fn triage_shows_the_sip_and_q850_details_of_its_subcode() {
    let out = bin()
        .args(["triage", "560503", "samples/"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("| 500/560503 | 486 | Busy Here | 17 | User busy | 2 | 2 |"),
        "{text}"
    );
    let out = bin()
        .args(["triage", "560503", "samples/", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(
        (
            d["sip_code"].as_u64(),
            d["sip_message"].as_str(),
            d["q850_code"].as_u64(),
            d["q850_message"].as_str()
        ),
        (Some(486), Some("Busy Here"), Some(17), Some("User busy"))
    );
}

#[test]
fn by_sip_matches_the_ground_truth_and_skips_are_counted_by_reason() {
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_sip.csv"));
    let mut got: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}/{} {} {} {} {} {}",
                r["code"],
                r["subcode"],
                r["sip_code"],
                r["sip_message"],
                r["q850_code"],
                r["q850_message"],
                r["count"]
            )
        })
        .collect();
    got.sort();
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let mut want: Vec<String> = m["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let d: Vec<String> = d.as_array().unwrap().iter().map(cell).collect();
            format!(
                "{}/{} {} {} {} {} {}",
                d[0], d[1], d[2], d[3], d[4], d[5], d[6]
            )
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let skipped: u64 = report["data_quality"]["skipped_by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(skipped, m["totals"]["skipped"].as_u64().unwrap());
    let reasons: Vec<&str> = report["data_quality"]["skipped_by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "streaming usage record",
            "event without a result",
            "not a log record or event"
        ]
    );
}
