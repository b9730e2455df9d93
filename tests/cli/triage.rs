//! `acs-triage triage SUBCODE`: the deep dive on one subcode.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

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
    // CODE/SUBCODE, as the reports name keys, is the same triage (rev69a F4: refused with the
    // integer parser's words); with a --code of another code, or no subcode, a usage error.
    let pair = bin()
        .args(["triage", "400/8510", "samples/", "--format", "json"])
        .assert()
        .success();
    assert_eq!(stdout(&pair), stdout(&out));
    for (args, said) in [
        (
            &["400/8510", "--code", "500"][..],
            "400/8510 and --code 500 name two codes: give one",
        ),
        (&["400/"], "\"400/\" names no subcode"),
        (
            &["40x/8510"],
            "\"40x/8510\" is not a number or CODE/SUBCODE",
        ),
    ] {
        let err = bin()
            .arg("triage")
            .args(args)
            .arg("samples/")
            .assert()
            .code(2);
        assert!(stderr(&err).contains(said), "{args:?}: {}", stderr(&err));
    }
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
    let sum = count_sum(&rows);
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
            "No records: subcode 8571 does not occur in the {} records accepted. {read} read:",
            t["accepted"]
        )),
        "{text}"
    );
    // No calls to list: said, not a command that lists none (rev65a L5).
    assert!(
        text.contains("- No calls to list: subcode 8571 does not occur in the records accepted.\n"),
        "{text}"
    );
    assert!(!text.contains("The affected calls"), "{text}");
    let json = bin()
        .args(["triage", "8571", "samples/", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["next_steps"]["calls"], Value::Null, "{v}");
    assert!(v["next_steps"]["no_calls"].is_string(), "{v}");
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

#[test]
fn triage_calls_lists_every_affected_call_with_its_three_ids() {
    let out = bin()
        .args(["triage", "8536", "samples/", "--calls", "--format", "csv"])
        .assert()
        .success();
    let text = stdout(&out);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.csv");
    std::fs::write(&path, &text).unwrap();
    let rows = read_csv(&path);
    // One row per call of 400/8536, as many as by_code.csv counts.
    let (report, _) = report_samples(&["--format", "csv"]);
    let calls: usize = read_csv(&report.path().join("by_code.csv"))
        .iter()
        .find(|r| r["code"] == "400" && r["subcode"] == "8536")
        .unwrap()["calls"]
        .parse()
        .unwrap();
    assert_eq!(rows.len(), calls);
    for r in &rows {
        for id in ["correlation_id", "call_connection_id", "server_call_id"] {
            assert!(!r[id].is_empty(), "{id} missing in {r:?}");
        }
        assert_eq!(r["codes"], "400/8536");
        assert!(!r["messages"].is_empty());
    }
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].parse().unwrap()).collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most records first"
    );
    insta::assert_snapshot!("triage_8536_calls_csv", text);
    // --limit: exactly the first N, in Markdown too.
    let out = bin()
        .args(["triage", "8536", "samples/", "--calls", "--limit", "2"])
        .assert()
        .success();
    let md = stdout(&out);
    assert!(md.starts_with("# Calls with subcode 8536 (2 of "), "{md}");
    // The header, its rule and two calls.
    assert_eq!(md.lines().filter(|l| l.starts_with("| ")).count(), 4);
    bin()
        .args(["triage", "8536", "samples/", "--limit", "2"])
        .assert()
        .code(2);
}

#[test]
fn triage_splits_its_subcode_by_prompt_kind() {
    let out = bin()
        .args(["triage", "8536", "samples/"])
        .assert()
        .success();
    let text = stdout(&out);
    let at = text.find("## By prompt kind").expect("a prompt section");
    let section = &text[at..text[at..].find("\n\n## ").map_or(text.len(), |e| at + e)];
    assert!(section.contains("| TextSource |"), "{section}");
    assert!(section.contains("| FileSource |"), "{section}");
    // by_operation.csv has the column, empty where the records carry none.
    let (dir, _) = report_samples(&["--format", "csv"]);
    let ops = read_csv(&dir.path().join("by_operation.csv"));
    assert!(ops
        .iter()
        .any(|r| r["operation"] == "Play" && r["prompt"] == "TextSource"));
    assert!(ops
        .iter()
        .any(|r| r["operation"] == "Play" && r["prompt"] == "FileSource"));
    assert!(ops
        .iter()
        .any(|r| r["kind"] == "callback" && r["prompt"].is_empty()));
}

/// `triage` counts what `report` counts: the same window and resources (flags or the config
/// file's, which it had ignored), and says what it could not read. An input of nothing but
/// rejects is not "does not occur" with exit 0 but "not known", exit 3 past --max-bad.
#[test]
fn triage_counts_the_records_report_counts_and_says_the_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let window = ["--since", "2026-11-24T12:00:00Z", "--until", "2026-11-25"];
    let resource = ["--resource", "acs-contoso-eu"];
    for filter in [&window[..], &resource[..]] {
        report_to(Path::new("samples"), &out, filter).code(predicates::ord::lt(4));
        let rows = read_csv(&out.join("by_code.csv"));
        let want: u64 = count_sum(rows.iter().filter(|r| r["subcode"] == "8522"));
        let got = bin()
            .args(["triage", "8522", "samples/", "--format", "json"])
            .args(filter)
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&got)).unwrap();
        assert_eq!(v["records"]["matching"], want, "{filter:?}");
        // The same from a config file.
        let toml = dir.path().join("acs-triage.toml");
        let text = match filter[0] {
            "--since" => format!("since = \"{}\"\nuntil = \"{}\"\n", filter[1], filter[3]),
            _ => format!("resource = [\"{}\"]\n", filter[1]),
        };
        std::fs::write(&toml, text).unwrap();
        let got = bin()
            .args(["--config", toml.to_str().unwrap()])
            .args(["triage", "8522", "samples/", "--format", "json"])
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&got)).unwrap();
        assert_eq!(v["records"]["matching"], want, "{filter:?} in the config");
    }
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "not\na log\nat all\n").unwrap();
    let got = bin()
        .args(["triage", "8522", junk.to_str().unwrap()])
        .assert()
        .code(3);
    let text = stdout(&got);
    assert!(
        text.contains("No records accepted: whether subcode 8522 occurs is not known. 3 read: 0 accepted, 3 rejected"),
        "{text}"
    );
    assert!(stderr(&got).contains("3 rejected records of 3 read exceed --max-bad 1%;"));
    bin()
        .args(["triage", "8522", junk.to_str().unwrap(), "--max-bad", "3"])
        .assert()
        .success();
}

/// `triage` reads the history `report` keeps and never makes one: a path that is not a
/// directory is a typo, an error, not a history without days (it said "0 of the 4 baseline
/// days are complete"). One that does not exist is said so, not "not a directory" (rev65a L1).
#[test]
fn triage_with_a_history_that_is_not_there_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let run = |history: &Path| {
        let got = bin()
            .args(["triage", "8522", "samples/", "--history"])
            .arg(history)
            .assert()
            .code(1);
        stderr(&got)
    };
    let got = run(&history);
    assert!(
        got.contains(&format!("history {} does not exist", history.display())),
        "{got}"
    );
    std::fs::write(&history, "").unwrap();
    let got = run(&history);
    assert!(
        got.contains(&format!("history {} is not a directory", history.display())),
        "{got}"
    );
}

/// A call whose records name no CorrelationId is known by its CallConnectionId: `--calls`
/// leaves its correlation_id empty (it had repeated the CallConnectionId there, which a
/// support ticket would give Microsoft as a CorrelationId).
#[test]
fn a_call_without_a_correlation_id_has_none_in_the_calls() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ops.json");
    let rec = |cc: &str, corr: &str| {
        format!(
            r#"{{"time":"2026-11-30T12:00:00Z","operationName":"Play","correlationId":{corr},"properties":{{"callConnectionId":"{cc}","resultCode":400,"resultSubcode":8536}}}}"#
        )
    };
    let lines = [
        rec("11111111-0000-4000-8000-000000000000", "null"),
        rec("11111111-0000-4000-8000-000000000001", "\"\""),
        rec(
            "11111111-0000-4000-8000-000000000002",
            "\"22222222-0000-4000-8000-000000000002\"",
        ),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = bin()
        .args(["triage", "8536", "--calls", "--format", "csv"])
        .arg(&input)
        .assert()
        .success();
    let path = dir.path().join("calls.csv");
    std::fs::write(&path, stdout(&out)).unwrap();
    let mut ids: Vec<(String, String)> = read_csv(&path)
        .into_iter()
        .map(|r| (r["correlation_id"].clone(), r["call_connection_id"].clone()))
        .collect();
    ids.sort();
    let id = |s: &str| s.to_string();
    assert_eq!(
        ids,
        [
            (id(""), id("11111111-0000-4000-8000-000000000000")),
            (id(""), id("11111111-0000-4000-8000-000000000001")),
            (
                id("22222222-0000-4000-8000-000000000002"),
                id("11111111-0000-4000-8000-000000000002")
            ),
        ]
    );
}

/// Calls of as many records are listed latest first: `--limit` and the top calls give the
/// incident's calls, not old ones whose ids sort first.
#[test]
fn calls_of_as_many_records_are_listed_latest_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ops.json");
    let rec = |day: u32, corr: u32| {
        format!(
            r#"{{"time":"2026-11-{day:02}T12:00:00Z","operationName":"Play","correlationId":"22222222-0000-4000-8000-{corr:012}","properties":{{"resultCode":400,"resultSubcode":8536}}}}"#
        )
    };
    // The oldest call has the lowest id; one call has two records.
    let lines = [rec(1, 1), rec(2, 2), rec(24, 3), rec(3, 4), rec(3, 4)];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = bin()
        .args([
            "triage", "8536", "--calls", "--limit", "3", "--format", "csv",
        ])
        .arg(&input)
        .assert()
        .success();
    let path = dir.path().join("calls.csv");
    std::fs::write(&path, stdout(&out)).unwrap();
    let ids: Vec<String> = read_csv(&path)
        .into_iter()
        .map(|r| r["correlation_id"][24..].to_string())
        .collect();
    assert_eq!(ids, ["000000000004", "000000000003", "000000000002"]);
}

/// The split by SDK counts a record that names no call by its own SDK (the split by call had
/// left it out), and one that names neither as `(not named)`.
#[test]
fn records_without_a_call_are_split_by_their_own_sdk() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ops.json");
    let rec = |corr: &str, sdk: &str| {
        format!(
            r#"{{"time":"2026-11-30T12:00:00Z","operationName":"Play","correlationId":"{corr}","properties":{{"resultCode":400,"resultSubcode":8522{sdk}}}}}"#
        )
    };
    let java = r#","sdkType":"java","sdkVersion":"1.0.0""#;
    let dotnet = r#","sdkType":"dotnet","sdkVersion":"1.4.0""#;
    let mut lines = vec![rec("", java), rec("", java), rec("", java), rec("", "")];
    lines.extend((0..2).map(|i| rec(&format!("call-{i}"), dotnet)));
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = bin()
        .args(["triage", "8522", "--format", "json"])
        .arg(&input)
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let split: Vec<(String, String, u64)> = (v["sdks"].as_array().unwrap().iter())
        .map(|s| {
            let t = |k: &str| s[k].as_str().unwrap().to_string();
            (
                t("sdk_type"),
                t("sdk_version"),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let row = |t: &str, v: &str, n| (t.to_string(), v.to_string(), n);
    assert_eq!(
        split,
        [
            row("java", "1.0.0", 3),
            row("dotnet", "1.4.0", 2),
            row("(not named)", "", 1)
        ]
    );
}

/// Without INPUT nothing was read: the totals say so, not that the subcode "does not occur in
/// the 0 records accepted".
#[test]
fn triage_without_input_says_no_records_were_read() {
    let text = stdout(&bin().args(["triage", "8522"]).assert().success());
    assert!(
        text.contains("No records read: whether subcode 8522 occurs is not known"),
        "{text}"
    );
    assert!(!text.contains("does not occur"), "{text}");
    // The calls command names INPUT, and a line says what it stands for (rev65a F4).
    assert!(
        text.contains(
            "`acs-triage triage 8522 INPUT --no-config --calls --format csv > calls-8522.csv`"
        ),
        "{text}"
    );
    assert!(
        text.contains("- INPUT in the command stands in for the exports to read, which this run was not given"),
        "{text}"
    );
}

/// `--format json` holds the first calls only: its help says so, and where the rest are (it
/// had said "Everything").
#[test]
fn triage_json_help_says_which_calls_it_holds() {
    let help = stdout(&bin().args(["triage", "--help"]).assert().success());
    assert!(!help.contains("Everything"), "{help}");
    assert!(
        help.contains("the first 20 calls of `calls_total`"),
        "{help}"
    );
    let a = bin()
        .args(["triage", "8522", "samples/", "--calls", "--format", "json"])
        .assert()
        .success();
    let calls: Value = serde_json::from_str(&stdout(&a)).unwrap();
    let a = bin()
        .args(["triage", "8522", "samples/", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(calls.as_array().unwrap().len() as u64, v["calls_total"]);
    assert!(v["calls"].as_array().unwrap().len() < calls.as_array().unwrap().len());
}

/// --limit without --calls says --limit needs it (clap's `requires` had said "required
/// arguments were not provided: --calls").
#[test]
fn triage_limit_without_calls_says_it_needs_calls() {
    let a = bin()
        .args(["triage", "8522", "samples/", "--limit", "5"])
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(
        err.starts_with("acs-triage: --limit needs --calls"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// --calls without INPUT is a usage error (rev70a F12: it listed "0 of 0" calls, exit 0, which
/// a ticket script read as no call affected).
#[test]
fn triage_calls_without_input_says_it_needs_the_exports() {
    let a = bin().args(["triage", "8522", "--calls"]).assert().code(2);
    let err = stderr(&a);
    assert!(
        err.starts_with(
            "acs-triage: --calls lists the calls of the exports given as INPUT: give them"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(stdout(&a).is_empty());
}

/// The splits by resource and by prompt kind add up to the total, records that name no
/// resource in a `(not named)` row as the split by SDK has them, those of no prompt kind in a
/// `(no prompt)` row (both had been left out); and each key says its outcome class as `report`
/// splits them.
#[test]
fn triage_splits_add_up_and_keys_say_their_outcome() {
    let json = |sub: &str| -> Value {
        let a = bin()
            .args(["triage", sub, "samples/", "--format", "json"])
            .assert()
            .success();
        serde_json::from_str(&stdout(&a)).unwrap()
    };
    let v = json("8522");
    let rows = v["resources"].as_array().unwrap();
    let sum: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(sum, v["records"]["matching"].as_u64().unwrap(), "{rows:?}");
    // The callback records name no resource: each is counted under its call's, which the
    // operations log names, and said to be. The portal files' records name none either, and
    // stay (not named), as summary.md's By resource has them (`(not named) | 54 | ... |
    // 404/8522 (7)`).
    let inferred: u64 = rows.iter().map(|r| r["inferred"].as_u64().unwrap()).sum();
    assert_eq!(inferred, 5, "{rows:?}");
    let last = rows.last().unwrap();
    assert_eq!(
        (&last["resource"], &last["count"]),
        (&"(not named)".into(), &7.into())
    );
    assert_eq!(v["resources_not_named"]["not_callback"]["count"], 7);
    // So does the split by prompt kind: the records of no prompt kind are its last row.
    let prompts = v["prompts"].as_array().unwrap();
    let sum: u64 = prompts.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(
        sum,
        v["records"]["matching"].as_u64().unwrap(),
        "{prompts:?}"
    );
    assert_eq!(prompts.last().unwrap()["prompt"], "(no prompt)");
    assert_eq!(v["totals"][0]["outcome"], "failure");
    assert_eq!(json("8510")["totals"][0]["outcome"], "caller");
    let md = stdout(
        &bin()
            .args(["triage", "8510", "samples/"])
            .assert()
            .success(),
    );
    assert!(
        md.contains("- 400/8510 is a caller outcome, counted apart from the failures"),
        "{md}"
    );
}

/// `--code` with a code the subcode's records do not carry says under which codes they are,
/// in Markdown, JSON and on stderr (it said only "does not occur").
#[test]
fn triage_with_another_code_names_the_codes_the_subcode_occurs_under() {
    let n = manifest()["by_key"]["500/560503"].as_u64().unwrap();
    let line =
        format!("560503 occurs under other codes: 500 ({n} records); drop --code to see them");
    let out = bin()
        .args(["triage", "560503", "--code", "503", "samples/"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("No records: 503/560503 does not occur"),
        "{text}"
    );
    assert!(text.contains(&format!("{line}.\n")), "{text}");
    assert!(
        stderr(&out).contains(&format!("acs-triage: note: {line}")),
        "{}",
        stderr(&out)
    );
    let out = bin()
        .args([
            "triage", "560503", "--code", "503", "samples/", "--format", "json",
        ])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["other_codes"],
        serde_json::json!([{"code": 500, "count": n}])
    );
    // The code the records carry: nothing left out, nothing said.
    let out = bin()
        .args(["triage", "560503", "--code", "500", "samples/"])
        .assert()
        .success();
    assert!(!stdout(&out).contains("occurs under other codes"));
    assert!(!stderr(&out).contains("note:"));
}

/// A key that reads another code's pair through its subcode (lookup's step 4: `500/560503`
/// reads `503/560503`, `487/560487` reads the PSTN page's `497/560487`) shows that pair as the
/// entry used, with or without records of it (rev70b F1: it said "The catalogue has no entry"
/// and showed the generic `code 500`, which the reports do not read, as the entry used). A key
/// that reads its code's generic entry still shows that (`500/9876`).
#[test]
fn triage_of_a_key_read_through_another_code_s_pair_shows_that_pair() {
    for (args, pair, text) in [
        (
            &["triage", "500/560503", "samples/"][..],
            "503/560503",
            "Unexpected server error.",
        ),
        (
            &["triage", "560503", "--code", "500", "samples/"],
            "503/560503",
            "Unexpected server error.",
        ),
        (
            &["triage", "487/560487", "samples/"],
            "497/560487",
            "The caller terminated the call request",
        ),
    ] {
        let out = bin().args(args).assert().success();
        let md = stdout(&out);
        let asked = if args[1].contains('/') {
            args[1].to_string()
        } else {
            format!("{}/{}", args[3], args[1])
        };
        assert!(!md.contains("The catalogue has no entry"), "{args:?}: {md}");
        let line = format!(
            ", read for {asked} (the same subcode under another code of its class): {text}"
        );
        assert!(md.contains(&format!("- **{pair}**")), "{args:?}: {md}");
        assert!(md.contains(&line), "{args:?}: {md}");
        let code = format!("- **code {}**", &asked[..3]);
        assert!(!md.contains(&code), "{args:?}: {md}");
        let out = bin()
            .args(args)
            .args(["--format", "json"])
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let used: Vec<(&str, &str)> = (v["catalogue"].as_array().unwrap().iter())
            .filter(|e| e["used"] == true)
            .map(|e| (e["entry"].as_str().unwrap(), e["match"].as_str().unwrap()))
            .collect();
        assert_eq!(used, [(pair, "subcode")], "{args:?}: {v}");
    }
    let out = bin()
        .args(["triage", "500/9876", "samples/"])
        .assert()
        .success();
    let md = stdout(&out);
    assert!(
        md.contains("The catalogue has no entry for 500/9876."),
        "{md}"
    );
    assert!(md.contains("- **code 500** (server), code match"), "{md}");
}

/// The Markdown timeline lists the hours (or days) without records as 0, from the start of
/// the first one's UTC day (or --since) to the last (or --until), and the sparkline runs
/// through them; a window of millennia keeps the buckets that hold records only.
#[test]
fn the_timeline_lists_the_empty_buckets_from_the_start_of_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ops.json");
    let rec = |time: &str| {
        format!(
            r#"{{"time":"2026-11-24T{time}Z","operationName":"Play","correlationId":"22222222-0000-4000-8000-000000000001","properties":{{"resultCode":404,"resultSubcode":8522}}}}"#
        )
    };
    let lines = [rec("03:10:00"), rec("05:20:00"), rec("05:40:00")];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let timeline = |extra: &[&str]| {
        let out = bin()
            .args(["triage", "8522"])
            .args(extra)
            .arg(&input)
            .assert()
            .success();
        let text = stdout(&out);
        let rows: Vec<String> = (text.lines())
            .filter(|l| l.starts_with("| 2026-") || l.starts_with("| 2025-"))
            .map(|l| l.to_string())
            .collect();
        let spark = (text.lines())
            .find(|l| l.starts_with("- 404/8522: `"))
            .unwrap()
            .to_string();
        (rows, spark)
    };
    let row = |h: u32, n: u32| format!("| 2026-11-24T{h:02}:00:00Z | {n} |");
    let (rows, spark) = timeline(&["--bucket", "hour"]);
    let want: Vec<String> = (0..6)
        .map(|h| row(h, [0, 0, 0, 1, 0, 2][h as usize]))
        .collect();
    assert_eq!(rows, want);
    assert_eq!(
        spark.chars().filter(|c| "▁▂▃▄▅▆▇█".contains(*c)).count(),
        6,
        "{spark}"
    );
    let (rows, _) = timeline(&[
        "--bucket",
        "hour",
        "--since",
        "2026-11-24T02:30:00Z",
        "--until",
        "2026-11-24T08:00:00Z",
    ]);
    let want: Vec<String> = (2..8)
        .map(|h| row(h, [0, 1, 0, 2, 0, 0][h as usize - 2]))
        .collect();
    assert_eq!(rows, want);
    let (rows, _) = timeline(&["--bucket", "day", "--since", "2026-11-22"]);
    assert_eq!(
        rows,
        [
            "| 2026-11-22T00:00:00Z | 0 |",
            "| 2026-11-23T00:00:00Z | 0 |",
            "| 2026-11-24T00:00:00Z | 3 |"
        ]
    );
    let (rows, _) = timeline(&[
        "--bucket",
        "hour",
        "--since",
        "0001-01-01",
        "--until",
        "9999-12-31",
    ]);
    assert_eq!(rows, [row(3, 1), row(5, 2)]);
}

/// The JSON timeline is the Markdown's series: the same buckets (the empty ones as 0, from the
/// start of the day or --since to the last or --until; with records only past 10,000 rows), a
/// row per bucket and key, 0 for a key without records in a bucket that has some.
#[test]
fn the_json_timeline_gives_the_markdown_series() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ops.json");
    let rec = |time: &str, code: u32| {
        format!(
            r#"{{"time":"2026-11-24T{time}Z","operationName":"Play","correlationId":"22222222-0000-4000-8000-000000000001","properties":{{"resultCode":{code},"resultSubcode":8522}}}}"#
        )
    };
    let lines = [
        rec("03:10:00", 404),
        rec("04:10:00", 405),
        rec("05:20:00", 404),
        rec("05:40:00", 404),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let run = |format: &str, extra: &[&str]| {
        let out = bin()
            .args(["triage", "8522", "--bucket", "hour", "--format", format])
            .args(extra)
            .arg(&input)
            .assert()
            .success();
        stdout(&out)
    };
    // (bucket, key, count) of each view.
    let json = |extra: &[&str]| -> Vec<(String, String, u64)> {
        let v: Value = serde_json::from_str(&run("json", extra)).unwrap();
        (v["timeline"].as_array().unwrap().iter())
            .map(|r| {
                let key = format!("{}/{}", r["code"], r["subcode"]);
                let bucket = r["bucket"].as_str().unwrap().to_string();
                (bucket, key, r["count"].as_u64().unwrap())
            })
            .collect()
    };
    let markdown = |extra: &[&str]| -> Vec<(String, String, u64)> {
        let text = run("md", extra);
        let cells = |l: &str| -> Vec<String> {
            (l.trim().trim_matches('|').split('|'))
                .map(|c| c.trim().to_string())
                .collect()
        };
        let header = (text.lines())
            .find(|l| l.starts_with("| bucket |"))
            .map(cells)
            .unwrap();
        (text.lines())
            .filter(|l| l.starts_with("| 2026-"))
            .map(cells)
            .flat_map(|row| {
                let keys = header[1..].to_vec();
                let bucket = row[0].clone();
                (keys.into_iter().zip(row[1..].to_vec()))
                    .map(move |(k, n)| (bucket.clone(), k, n.parse().unwrap()))
            })
            .collect()
    };
    let hour = |h: u32| format!("2026-11-24T{h:02}:00:00Z");
    let series = json(&[]);
    assert_eq!(series, markdown(&[]));
    let want: Vec<(String, String, u64)> = (0..6)
        .flat_map(|h| {
            let (a, b) = (
                [0, 0, 0, 1, 0, 2][h as usize],
                [0, 0, 0, 0, 1, 0][h as usize],
            );
            [
                (hour(h), "404/8522".to_string(), a),
                (hour(h), "405/8522".to_string(), b),
            ]
        })
        .collect();
    assert_eq!(series, want);
    let window = [
        "--since",
        "2026-11-24T02:30:00Z",
        "--until",
        "2026-11-24T08:00:00Z",
    ];
    assert_eq!(json(&window), markdown(&window));
    assert_eq!(json(&window).len(), 2 * 6);
    // A window of millennia: the buckets with records only, in both.
    let wide = ["--since", "0001-01-01", "--until", "9999-12-31"];
    assert_eq!(json(&wide), markdown(&wide));
    assert_eq!(json(&wide).len(), 2 * 3);
}

/// The timeline's size is held to the records', not to buckets x keys: one record with a clock
/// stuck in 2000 beside 40 codes of today (9,820 daily buckets) once wrote 400,000 JSON rows
/// of zeros (45 MB, 757 MB of memory). Past 10,000 rows the JSON lists those with records
/// only; the Markdown shows the first 10 keys and sums the others in one column.
#[test]
fn a_timeline_of_many_buckets_and_keys_stays_the_size_of_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ops.json");
    let rec = |day: &str, code: u32| {
        format!(
            r#"{{"time":"{day}T00:00:00Z","operationName":"Play","correlationId":"22222222-0000-4000-8000-{code:012}","properties":{{"resultCode":{code},"resultSubcode":8536}}}}"#
        )
    };
    let mut lines = vec![rec("2000-01-02", 500)];
    // Code 400 on two records, the most: the first column.
    lines.extend((400..440).map(|c| rec("2026-11-24", c)));
    lines.push(rec("2026-11-24", 400));
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let run = |format: &str| {
        let out = (bin()
            .args(["triage", "8536", "--format", format])
            .arg(&input))
        .assert()
        .success();
        stdout(&out)
    };
    let v: Value = serde_json::from_str(&run("json")).unwrap();
    let rows = v["timeline"].as_array().unwrap();
    // One row per key and bucket with records: 41 keys today, 500/8536 in 2000.
    assert_eq!(rows.len(), 41);
    assert!(rows.iter().all(|r| r["count"].as_u64().unwrap() > 0));
    assert_eq!(rows[0]["bucket"], "2000-01-02T00:00:00Z");
    assert_eq!(
        (rows[1]["code"].as_u64(), rows[1]["count"].as_u64()),
        (Some(400), Some(2))
    );
    let text = run("md");
    let header = (text.lines())
        .find(|l| l.starts_with("| bucket |"))
        .unwrap();
    assert!(header.starts_with("| bucket | 400/8536 | "), "{header}");
    assert!(header.ends_with(" | 31 more keys |"), "{header}");
    assert_eq!(header.matches(" | ").count(), 11, "{header}");
    // Every day of the span, as before: a row per bucket, 12 cells.
    let today = (text.lines())
        .find(|l| l.starts_with("| 2026-11-24T"))
        .unwrap();
    assert_eq!(
        today,
        "| 2026-11-24T00:00:00Z | 2 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 1 | 30 |"
    );
    assert!(text.contains("- 31 more keys: `"), "{text}");
    assert!(text.contains("The 31 keys after the first 10 (31 records) are summed in one column"));
    assert!(text.len() < 2_000_000, "{}", text.len());
}

/// `--out -` is standard output, as an INPUT `-` is standard input (rev63b: it wrote a file
/// named `-` in the working directory).
#[test]
fn out_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let samples = root().join("samples");
    let run = |extra: &[&str]| {
        let a = (bin()
            .current_dir(dir.path())
            .args(["triage", "8522", "--no-config"]))
        .arg(&samples)
        .args(extra)
        .assert()
        .success();
        stdout(&a)
    };
    let page = run(&[]);
    assert!(page.starts_with("# Triage: subcode 8522"), "{page}");
    assert_eq!(run(&["--out", "-"]), page);
    assert!(!dir.path().join("-").exists());
}

/// `--calls` (and the CSV) say which SIP code and Q.850 cause each call's records carried:
/// the distinct ones, sorted, space-separated; empty for a call whose records carry none.
#[test]
fn triage_calls_give_each_call_s_sip_code_and_q850_cause() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.json");
    let event = |n: u32, min: u32, sip: Option<(u32, u32)>| {
        let details = sip.map_or(String::new(), |(s, q)| {
            format!(
                r#","sipDetails":{{"code":{s},"message":"m"}},"q850Details":{{"code":{q},"message":"m"}}"#
            )
        });
        format!(
            r#"{{"id":"e{n}{min}","source":"calling/callConnections/1111111{n}-1111-4111-8111-111111111111","type":"Microsoft.Communication.CallDisconnected","data":{{"resultInformation":{{"code":500,"subCode":560503,"message":"Unexpected server error"{details}}},"callConnectionId":"1111111{n}-1111-4111-8111-111111111111","correlationId":"c0000000-0000-4000-8000-00000000000{n}"}},"time":"2026-11-24T10:{min:02}:00Z"}}"#
        )
    };
    let events = [
        event(1, 0, Some((486, 17))),
        event(2, 1, Some((503, 38))),
        event(2, 2, Some((486, 17))),
        event(3, 3, None),
    ];
    std::fs::write(&input, format!("[{}]", events.join(",\n"))).unwrap();
    let path = dir.path().join("calls.csv");
    for extra in [&["--calls"][..], &[]] {
        bin()
            .args(["triage", "560503", "--format", "csv", "--out"])
            .arg(&path)
            .args(extra)
            .arg(&input)
            .assert()
            .success();
        let mut rows: Vec<(String, String, String)> = read_csv(&path)
            .into_iter()
            .map(|r| {
                let id = r["correlation_id"][35..].to_string();
                (id, r["sip_code"].clone(), r["q850_code"].clone())
            })
            .collect();
        rows.sort();
        let s = |t: &str| t.to_string();
        assert_eq!(
            rows,
            [
                (s("1"), s("486"), s("17")),
                (s("2"), s("486 503"), s("17 38")),
                (s("3"), s(""), s("")),
            ],
            "{extra:?}"
        );
    }
    // On samples/: both calls of 500/560503 ended 486 Busy Here, Q.850 17 User busy.
    let out = bin()
        .args(["triage", "560503", "samples/", "--calls", "--format", "md"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(text.contains("| sip_code | q850_code |"), "{text}");
    assert_eq!(
        text.matches("| 500/560503 | 486 | 17 |").count(),
        2,
        "{text}"
    );
}

/// For a pair both pages give, the Catalogue section lists the PSTN page's reading too,
/// after the Call Automation row the reports use and marked as not used (triage showed the
/// Call Automation row only: 403/510403 "spam", not the PSTN page's "Alternate ID").
#[test]
fn triage_of_a_pair_on_both_pages_lists_the_other_page_s_reading() {
    let pairs = [
        (403, 510403),
        (503, 560503),
        (403, 560403),
        (480, 560480),
        (484, 560484),
        (487, 540487),
    ];
    for (code, sub) in pairs {
        let out = bin()
            .args(["triage", &sub.to_string(), "--format", "json"])
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let label = format!("{code}/{sub}");
        let of_pair: Vec<(&str, bool, &str)> = (v["catalogue"].as_array().unwrap().iter())
            .filter(|e| e["entry"] == label.as_str())
            .map(|e| {
                let source = e["source"].as_str().unwrap();
                (
                    source,
                    e["used"].as_bool().unwrap(),
                    e["description"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(of_pair.len(), 2, "{label}: {of_pair:?}");
        assert_eq!(
            (of_pair[0].0, of_pair[0].1),
            ("call-automation", true),
            "{label}"
        );
        assert_eq!((of_pair[1].0, of_pair[1].1), ("pstn", false), "{label}");
        assert_ne!(of_pair[0].2, of_pair[1].2, "{label}");
    }
    let out = bin().args(["triage", "510403"]).assert().success();
    let md = stdout(&out);
    let section = md.split("## Totals").next().unwrap();
    assert!(
        section.contains("- **403/510403** (client), exact match (pstn), the other page's reading (the reports use the entry above): Call blocked:"),
        "{section}"
    );
    assert!(section.contains("Alternate ID"), "{section}");
    // A code that is not the pair's: neither page's row of it.
    let out = bin()
        .args(["triage", "510403", "--code", "500"])
        .assert()
        .success();
    assert!(!stdout(&out).contains("(pstn)"));
}

/// Each failure key's mitigation is the one report's by_mitigation.csv groups it under,
/// `(no documented mitigation)` too; the next steps' `--calls` command, run by a shell, lists
/// what `--calls` lists, from inputs whose names the shell would split.
#[test]
fn triage_gives_the_report_s_mitigation_and_a_calls_command_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    report_to(Path::new("samples"), &out, &["--format", "csv"]).success();
    let groups = read_csv(&out.join("by_mitigation.csv"));
    let run = bin()
        .args(["triage", "8522", "samples/", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&run)).unwrap();
    let mitigations = v["mitigations"].as_array().unwrap();
    assert_eq!(mitigations.len(), 3, "{v}");
    for m in mitigations {
        let key = format!("{}/{}", m["code"], m["subcode"]);
        let group = (groups.iter())
            .find(|g| g["codes"].split(' ').any(|k| k == key))
            .unwrap();
        assert_eq!(m["mitigation"], group["mitigation"].as_str(), "{key}");
    }
    assert_eq!(
        v["next_steps"]["no_documented_mitigation"],
        serde_json::json!(["400/8522"])
    );
    // Inputs named with a space and a quote, in a window.
    let odd = dir.path().join("it's a dir");
    let copied = std::process::Command::new("cp")
        .args(["-r", "samples/storage-archive"])
        .arg(&odd)
        .status();
    assert!(copied.unwrap().success());
    let window = ["--since", "2026-11-24T06:00:00Z"];
    let triage = |extra: &[&str]| {
        let a = (bin().args(["triage", "8522", "--code", "404"]).arg(&odd))
            .args(window)
            .args(extra)
            .assert()
            .success();
        stdout(&a)
    };
    let v: Value = serde_json::from_str(&triage(&["--format", "json"])).unwrap();
    let command = v["next_steps"]["calls"].as_str().unwrap();
    assert!(
        command.ends_with(
            " --since 2026-11-24T06:00:00Z --no-config --calls --format csv > calls-8522.csv"
        ),
        "{command}"
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_acs-triage"));
    let script = format!(
        "cd {} && PATH={}:$PATH {command}",
        dir.path().display(),
        binary.parent().unwrap().display()
    );
    let ran = std::process::Command::new("sh")
        .args(["-c", &script])
        .status();
    assert!(ran.unwrap().success(), "{script}");
    let got = std::fs::read_to_string(dir.path().join("calls-8522.csv")).unwrap();
    let want = triage(&["--calls", "--format", "csv"]);
    assert!(got.lines().count() > 1, "{got}");
    assert_eq!(got, want);
}

/// The suggested --calls command, run where a config file would change the selection, lists
/// the page's calls (rev63b F4: it dropped --local-tz, --date-order, --input-format and the
/// config, and cut --since and --until to the millisecond: other calls, or none).
#[test]
fn the_suggested_calls_command_lists_the_pages_calls() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("TimeGenerated [Local Time],CorrelationId,OperationName,ResultCode,ResultSubcode,ResultMessage,_ResourceId\n");
    for (t, id) in [
        ("25/10/2026 00:30:00", "c-00"),
        ("25/10/2026 01:30:00", "c-01"),
        ("25/10/2026 02:30:00", "c-02"),
        ("25/10/2026 03:30:00", "c-03"),
        ("25/10/2026 12:00:00.0005", "c-12"),
    ] {
        csv.push_str(&format!("{t},{id},Play,500,8536,m,/s/x/acs-a\n"));
    }
    let input = dir.path().join("portal");
    std::fs::write(&input, csv).unwrap();
    // A config file where the command is run, which would keep no record.
    std::fs::write(
        dir.path().join("acs-triage.toml"),
        "resource = [\"acs-none\"]\nlocal-offset = \"+05:00\"\n",
    )
    .unwrap();
    let args = [
        "--input-format",
        "csv",
        "--date-order",
        "dmy",
        "--local-tz",
        "Europe/Berlin",
        "--since",
        "2026-10-25T00:00:00Z",
        "--until",
        "2026-10-25T11:00:00.0006Z",
    ];
    let triage = |extra: &[&str]| {
        let a = (bin().args(["triage", "8536", "--no-config"]).arg(&input))
            .args(args)
            .args(extra)
            .assert()
            .success();
        stdout(&a)
    };
    let v: Value = serde_json::from_str(&triage(&["--format", "json"])).unwrap();
    let command = v["next_steps"]["calls"].as_str().unwrap();
    assert!(
        command.contains(" --input-format csv --date-order dmy --local-tz Europe/Berlin --since 2026-10-25T00:00:00Z --until 2026-10-25T11:00:00.000600Z --no-config "),
        "{command}"
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_acs-triage"));
    let script = format!(
        "cd {} && PATH={}:$PATH {command}",
        dir.path().display(),
        binary.parent().unwrap().display()
    );
    let ran = std::process::Command::new("sh")
        .args(["-c", &script])
        .status();
    assert!(ran.unwrap().success(), "{script}");
    let got = std::fs::read_to_string(dir.path().join("calls-8536.csv")).unwrap();
    let want = triage(&["--calls", "--format", "csv"]);
    // 00:30 and 01:30 (CEST) are before the window, 12:00.0005 (CET) 100 µs before its end.
    let ids: Vec<&str> = (want.lines().skip(1))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["c-12", "c-03", "c-02"], "{want}");
    assert_eq!(got, want);
}

/// A night of `n` AddParticipantFailed callback events 408/560408, each of its own call: the
/// first `to_one` to one number, the others to as many other numbers, their operation
/// context `context`.
fn no_answer_night(dir: &Path, n: usize, to_one: usize, context: &str) -> std::path::PathBuf {
    let events: Vec<Value> = (0..n)
        .map(|i| {
            let number = match i < to_one {
                true => "+14255550199".to_string(),
                false => format!("+1425555{:04}", 1000 + i),
            };
            serde_json::json!({
                "id": format!("e{i}"),
                "type": "Microsoft.Communication.AddParticipantFailed",
                "time": format!("2026-12-03T08:{:02}:{:02}+00:00", i / 60 % 60, i % 60),
                "data": {
                    "operationContext": context,
                    "resultInformation": {"code": 408, "subCode": 560408, "message": "Request timeout."},
                    "participant": {"rawId": format!("4:{number}"), "kind": "phoneNumber", "phoneNumber": {"value": number}},
                    "callConnectionId": format!("cc-{i}"),
                    "correlationId": format!("0ecaf828-e2f7-4553-8fcc-{i:012}"),
                }
            })
        })
        .collect();
    let p = dir.join("callbacks.json");
    std::fs::write(&p, serde_json::to_string(&events).unwrap()).unwrap();
    p
}

/// One callee that never answers is seen as one: triage splits the subcode's callback records
/// by target (phone numbers masked but for their last 4 digits, in every format) and by
/// operation context (untrusted text, escaped in Markdown).
#[test]
fn triage_names_the_target_a_callee_s_no_answer_went_to() {
    let work = tempfile::tempdir().unwrap();
    let hostile = "transfer <b>|*x*| +14255550123";
    let input = no_answer_night(work.path(), 120, 100, hostile);
    let triage = |format: &str, cwd: &Path| {
        let run = (bin().current_dir(cwd))
            .args(["triage", "560408", "--format", format])
            .arg(&input)
            .assert()
            .success();
        stdout(&run)
    };
    let md = triage("md", work.path());
    assert!(
        md.contains("100 of 120 callback records to one target: 4:+xxxxxxx0199; 20 to 20 other targets. Phone numbers show their last 4 digits only (--full-numbers shows them in full)."),
        "{md}"
    );
    assert!(md.contains("| 4:+xxxxxxx0199 | 100 |"), "{md}");
    assert!(md.contains("## By operation context"), "{md}");
    assert!(
        md.contains(r"| transfer &lt;b&gt;\|\*x\*\| +xxxxxxx0123 | 120 |"),
        "{md}"
    );
    assert!(
        md.contains("11 more records of 11 more targets are not listed."),
        "{md}"
    );
    let json = triage("json", work.path());
    for text in [&md, &json] {
        assert!(
            !text.contains("4255550199") && !text.contains("55550123"),
            "{text}"
        );
    }
    let v: Value = serde_json::from_str(&json).unwrap();
    let t = &v["targets"];
    assert_eq!(t["rows"][0]["target"], "4:+xxxxxxx0199", "{t}");
    assert_eq!(t["rows"][0]["count"], 100, "{t}");
    assert_eq!(t["rows"].as_array().unwrap().len(), 10, "{t}");
    assert_eq!(
        (t["distinct"].as_u64(), t["other"].as_u64()),
        (Some(21), Some(11)),
        "{t}"
    );
    assert_eq!(v["operation_contexts"]["rows"][0]["count"], 120);
    assert_eq!(v["totals"][0]["outcome"], "failure");
}

/// The calls of a callback subcode name whom each was for, in `--calls` and the CSV, in every
/// format: the target most of the call's records name, masked as the split by target masks it;
/// empty for a call whose records name none.
#[test]
fn the_calls_of_a_callback_subcode_name_their_target() {
    let work = tempfile::tempdir().unwrap();
    // Call 0: two records to +14255550199, one to +14255550123; call 1: one to an ACS user;
    // call 2: none named.
    let event = |i: usize, call: usize, raw_id: Option<&str>| {
        let mut data = serde_json::json!({
            "operationContext": "transfer-to-agent",
            "resultInformation": {"code": 408, "subCode": 560408, "message": "Request timeout."},
            "callConnectionId": format!("cc-{call}"),
            "correlationId": format!("0ecaf828-e2f7-4553-8fcc-{call:012}"),
        });
        if let Some(r) = raw_id {
            data["participant"] = serde_json::json!({"rawId": r});
        }
        serde_json::json!({
            "id": format!("e{i}"),
            "type": "Microsoft.Communication.AddParticipantFailed",
            "time": format!("2026-12-03T08:00:{:02}+00:00", 10 - i),
            "data": data,
        })
    };
    let events = [
        event(0, 0, Some("4:+14255550123")),
        event(1, 0, Some("4:+14255550199")),
        event(2, 0, Some(" 4:+14255550199 ")),
        event(3, 1, Some("8:acs:resource_user-1")),
        event(4, 2, None),
    ];
    let input = work.path().join("callbacks.json");
    std::fs::write(&input, serde_json::to_string(&events).unwrap()).unwrap();
    let calls = |extra: &[&str]| {
        let run = (bin().args(["triage", "560408", "--calls"]).arg(&input))
            .args(extra)
            .assert()
            .success();
        stdout(&run)
    };
    let csv = calls(&["--format", "csv"]);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let col = rows[0].iter().position(|c| *c == "target").unwrap();
    let targets: Vec<&str> = rows[1..].iter().map(|r| r[col]).collect();
    assert_eq!(
        targets,
        ["4:+xxxxxxx0199", "8:acs:resource_user-1", ""],
        "{csv}"
    );
    let v: Value = serde_json::from_str(&calls(&["--format", "json"])).unwrap();
    assert_eq!(v[0]["target"], "4:+xxxxxxx0199", "{v}");
    assert_eq!(v[2]["target"], "", "{v}");
    let md = calls(&["--format", "md"]);
    assert!(md.contains("| q850_code | target | messages |"), "{md}");
    assert!(md.contains("| 4:+xxxxxxx0199 | Request timeout. |"), "{md}");
    for text in [&csv, &md] {
        assert!(!text.contains("4255550199"), "{text}");
    }
}

/// `--full-numbers` shows the phone numbers of targets, operation contexts and the calls'
/// `target` in full, in every format, for finding the callee in a CRM; without it, none shows
/// more than its last 4 digits.
#[test]
fn full_numbers_shows_the_callee_s_number_in_full() {
    let work = tempfile::tempdir().unwrap();
    let input = no_answer_night(work.path(), 30, 25, "transfer +14255550123");
    let triage = |extra: &[&str]| {
        let run = (bin().args(["triage", "560408"]).arg(&input))
            .args(extra)
            .assert()
            .success();
        stdout(&run)
    };
    for format in ["md", "json", "csv"] {
        for calls in [false, true] {
            let mut args = vec!["--format", format];
            args.extend(calls.then_some("--calls"));
            let masked = triage(&args);
            assert!(
                !masked.contains("4255550199") && masked.contains("xxxxxxx0199"),
                "{format} {calls}: {masked}"
            );
            args.push("--full-numbers");
            let full = triage(&args);
            assert!(full.contains("4:+14255550199"), "{format} {calls}: {full}");
            assert!(!full.contains("xxxxxxx"), "{format} {calls}: {full}");
        }
    }
    let md = triage(&["--full-numbers"]);
    assert!(
        md.contains("25 of 30 callback records to one target: 4:+14255550199; 5 to 5 other targets. Phone numbers are shown in full (--full-numbers)."),
        "{md}"
    );
    assert!(md.contains("| transfer +14255550123 | 30 |"), "{md}");
    let v: Value = serde_json::from_str(&triage(&["--format", "json", "--full-numbers"])).unwrap();
    assert_eq!(v["targets"]["rows"][0]["target"], "4:+14255550199");
    let calls = triage(&["--calls", "--format", "csv", "--full-numbers"]);
    assert_eq!(calls.matches(",4:+14255550199,").count(), 25, "{calls}");
}

/// Result messages name phone numbers too: Microsoft's AddParticipantFailed says `addParticipants
/// failed for participant <rawId>. Underlying reason: ... DiagCode: 408#10057.` (the Teams Phone
/// extensibility troubleshooting page), and a SIP URI may name one. They are masked as targets
/// are, in triage's messages, the calls' `messages` and report's messages, in every format;
/// `--full-numbers` shows them whole in triage; two messages that differ in the number alone
/// stay two rows; a message without a number is as the log gave it.
#[test]
fn result_messages_show_phone_numbers_masked_as_targets_do() {
    let work = tempfile::tempdir().unwrap();
    let message = |raw: &str| {
        format!("addParticipants failed for participant {raw}. Underlying reason: Request Timeout. DiagCode: 408#10057.")
    };
    let rows = [
        ("4:+14255550199", message("4:+14255550199")),
        ("4:+14255550123", message("4:+14255550123")),
        (
            "4:14255550177",
            "Cannot reach sip:14255550177@sbc.contoso.com;user=phone.".to_string(),
        ),
        ("8:acs:user-1", "Request Timeout, +1 try: 4:30.".to_string()),
    ];
    let events: Vec<Value> = (0..12)
        .map(|i| {
            let (raw, m) = &rows[i % 4];
            serde_json::json!({
                "id": format!("e{i}"),
                "type": "Microsoft.Communication.AddParticipantFailed",
                "time": format!("2026-12-03T{:02}:00:00+00:00", 8 + i),
                "data": {
                    "operationContext": "transfer-to-agent",
                    "resultInformation": {"code": 408, "subCode": 10057, "message": m},
                    "participant": {"rawId": raw},
                    "callConnectionId": format!("cc-{i}"),
                    "correlationId": format!("0ecaf828-e2f7-4553-8fcc-{i:012}"),
                }
            })
        })
        .collect();
    let input = work.path().join("callbacks.json");
    std::fs::write(&input, serde_json::to_string(&events).unwrap()).unwrap();
    let triage = |extra: &[&str]| {
        let run = (bin().args(["triage", "10057"]).arg(&input))
            .args(extra)
            .assert()
            .success();
        stdout(&run)
    };
    let full_numbers = ["4255550199", "4255550123", "4255550177"];
    for format in ["md", "json", "csv"] {
        for calls in [false, true] {
            let mut args = vec!["--format", format];
            args.extend(calls.then_some("--calls"));
            let masked = triage(&args);
            for n in full_numbers {
                assert!(!masked.contains(n), "{format} {calls}: {n}: {masked}");
            }
            if format != "csv" || calls {
                assert!(
                    masked.contains("participant 4:+xxxxxxx0123. Underlying reason")
                        && masked.contains("sip:xxxxxxx0177")
                        && masked.contains("Request Timeout, +1 try: 4:30."),
                    "{format} {calls}: {masked}"
                );
            }
            args.push("--full-numbers");
            let full = triage(&args);
            if format != "csv" || calls {
                assert!(
                    full.contains(&message("4:+14255550199")) && full.contains("sip:14255550177"),
                    "{format} {calls}: {full}"
                );
            }
        }
    }
    // Two messages that differ in the number alone are two rows.
    let v: Value = serde_json::from_str(&triage(&["--format", "json"])).unwrap();
    let messages: Vec<&str> = (v["messages"].as_array().unwrap().iter())
        .map(|m| m["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert_eq!(
        (messages.iter())
            .filter(|m| m.starts_with("addParticipants failed for participant 4:+xxxxxxx01"))
            .count(),
        2,
        "{messages:?}"
    );
    // report masks them always, in summary.md and report.html.
    let out = work.path().join("out");
    report_to(&input, &out, &["--format", "md,html"]).success();
    for file in ["summary.md", "report.html"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for n in full_numbers {
            assert!(!text.contains(n), "{file}: {n}: {text}");
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("participant 4:+xxxxxxx01"), "{html}");
}

/// README's `[outcomes]` example for 408/560408, as a tenant's config file, makes it a caller
/// outcome for that tenant: a failure by default.
#[test]
fn readme_s_example_makes_408_560408_a_caller_outcome() {
    let work = tempfile::tempdir().unwrap();
    let input = no_answer_night(work.path(), 20, 20, "transfer-to-agent");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let example = (readme.split("```toml\n").skip(1))
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("408/560408"))
        .expect("README's [outcomes] example for 408/560408");
    let outcome = |config: Option<&str>| {
        let cwd = work.path().join(format!("cwd-{}", config.is_some()));
        std::fs::create_dir(&cwd).unwrap();
        if let Some(c) = config {
            std::fs::write(cwd.join("acs-triage.toml"), c).unwrap();
        }
        let run = (bin().current_dir(&cwd))
            .args(["triage", "560408", "--format", "json"])
            .arg(&input)
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&run)).unwrap();
        v["totals"][0]["outcome"].clone()
    };
    assert_eq!(outcome(None), "failure");
    assert_eq!(outcome(Some(example)), "caller", "{example}");
}

/// triage's outputs written into the directory it reads (`--out logs/t.json`, `--calls` as CSV
/// or JSON) are passed over by the next night's walk, triage's and report's alike: the second
/// run was refused ("is also an input") and report counted the JSON as rejects (rev61b F7).
#[test]
fn triages_outputs_in_the_input_directory_are_not_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(
        logs.join("a.jsonl"),
        "{\"time\":\"2026-11-24T10:00:00Z\",\"category\":\"CallAutomationMediaSummary\",\"operationName\":\"Play\",\"correlationId\":\"c1\",\"properties\":{\"resultCode\":500,\"resultSubcode\":8572}}\n",
    )
    .unwrap();
    let outs: [(&str, &[&str]); 5] = [
        ("t.json", &["--format", "json"]),
        ("t.txt", &["--format", "md"]),
        ("calls.txt", &["--calls"]),
        ("calls.csv", &["--calls", "--format", "csv"]),
        ("calls.json", &["--calls", "--format", "json"]),
    ];
    for night in 0..2 {
        for (name, flags) in outs {
            bin()
                .arg("triage")
                .arg("8572")
                .arg(&logs)
                .args(flags)
                .arg("--out")
                .arg(logs.join(name))
                .assert()
                .success();
        }
        let out = dir.path().join(format!("rep{night}"));
        let run = bin()
            .arg("report")
            .arg(&logs)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let err = stderr(&run);
        assert!(
            err.contains("1 record read: 1 accepted, 0 rejected"),
            "{err}"
        );
        assert!(
            err.contains("and 4 more: skipped: a report of an earlier run"),
            "{err}"
        );
    }
}

/// triage's By resource joins a callback record to its call's resource as `by_resource.csv`
/// does when the record that names the resource is a media summary record without a
/// CallConnectionId (every workspace row of ACSCallAutomationMediaSummary: the table has no
/// such column), or a record of the subcode triaged itself (a failed Play's media summary and
/// its PlayFailed), and, of a call whose records name two resources, to the first by name;
/// in a `--resource` run alike (rev63a F1: `(not named)` with "nor do their calls' other
/// records", or the callback record under the other resource, a row `--resource` keeps not).
#[test]
fn triage_joins_callback_records_to_their_call_s_resource_as_by_resource_does() {
    const CORR: &str = "37ab303f-0750-4e49-8e42-37015ace208c";
    let rid = "/subscriptions/x/resourcegroups/rg/providers/microsoft.communication/communicationservices";
    let callback = serde_json::json!([{
        "id": "1", "source": "s", "type": "Microsoft.Communication.PlayFailed",
        "data": {
            "resultInformation": {"code": 500, "subCode": 8572, "message": "x"},
            "callConnectionId": "cc1", "correlationId": CORR,
        },
        "time": "2026-11-26T06:22:17Z", "specversion": "1.0",
    }]);
    // A workspace row of a Play that went fine: CorrelationId and resource, no other id.
    let workspace = format!(
        r#"{{"TimeGenerated":"2026-11-26T14:05:31Z","OperationName":"Play","ResultType":"Completed","ResultCode":200,"ResultSubcode":0,"CorrelationId":"{CORR}","Type":"ACSCallAutomationMediaSummary","_ResourceId":"{rid}/acs-prod"}}"#
    );
    // The storage archive's media summary record of the failed Play itself.
    let failed = format!(
        r#"{{"time":"2026-11-26T14:05:31Z","resourceId":"{rid}/acs-prod","operationName":"Play","category":"CallAutomationMediaSummary","resultType":"Failed","correlationId":"{CORR}","properties":{{"resultCode":500,"resultSubcode":8572,"callConnectionId":"cc1"}}}}"#
    );
    // The same call's operations record on acs-stage, which comes after acs-prod by name.
    let stage = format!(
        r#"{{"time":"2026-11-26T05:00:00Z","resourceId":"{rid}/acs-stage","operationName":"Play","category":"CallAutomationOperational","resultType":"Succeeded","resultSignature":202,"correlationId":"{CORR}","properties":{{"callConnectionId":"cc1"}}}}"#
    );
    let row = |count: u64| serde_json::json!([{"resource": "acs-prod", "count": count, "calls": 1, "inferred": 1}]);
    for (files, want) in [
        (vec![workspace], row(1)),
        (vec![failed.clone()], row(2)),
        (vec![failed, stage], row(2)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("callbacks.json"), callback.to_string()).unwrap();
        for (i, lines) in files.iter().enumerate() {
            std::fs::write(dir.path().join(format!("log{i}.jsonl")), lines).unwrap();
        }
        for resource in [&[][..], &["--resource", "acs-prod"][..]] {
            let run = |format: &str| {
                let a = (bin().args(["triage", "8572", "--format", format]))
                    .args(resource)
                    .arg(dir.path())
                    .assert()
                    .success();
                stdout(&a)
            };
            let v: Value = serde_json::from_str(&run("json")).unwrap();
            assert_eq!(v["resources"], want, "{files:?} {resource:?}");
            let text = run("md");
            assert!(!text.contains("nor do their calls"), "{text}");
        }
    }
}

/// Of a call whose records name two resources, a focused record of the later by name (acs-b)
/// does not make the call one of the first's (acs-a) already: the callback record joined to
/// acs-a brings the call among its calls, as `by_resource.csv` counts it (rev67b F1: acs-a
/// 1 record, 0 calls).
#[test]
fn a_call_of_two_resources_is_among_the_calls_of_each_in_triage_s_by_resource() {
    const CORR: &str = "aaaaaaaa-1111-4111-8111-000000000001";
    let rid = "/subscriptions/s/resourcegroups/rg/providers/microsoft.communication/communicationservices";
    let summary = |t: &str, r: &str, code: u32, sub: u32| {
        format!(
            r#"{{"time":"2026-11-24T10:0{t}:00.000Z","resourceId":"{rid}/{r}","category":"CallAutomationMediaSummary","operationName":"Play","correlationId":"{CORR}","properties":{{"resultCode":{code},"resultSubcode":{sub}}}}}"#
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let logs = [
        summary("0", "acs-b", 404, 8522),
        summary("1", "acs-a", 200, 0),
    ];
    std::fs::write(dir.path().join("a.jsonl"), logs.join("\n")).unwrap();
    let callback = serde_json::json!([{
        "id": "e1", "type": "Microsoft.Communication.PlayFailed", "time": "2026-11-24T10:00:30.000Z",
        "data": {"callConnectionId": "cc1", "correlationId": CORR,
                 "resultInformation": {"code": 404, "subCode": 8522, "message": "m"}},
    }]);
    std::fs::write(dir.path().join("cb.json"), callback.to_string()).unwrap();
    let out = dir.path().join("out");
    (bin()
        .args(["report", "-q", "--no-config", "--out"])
        .arg(&out)
        .arg(dir.path()))
    .assert()
    .success();
    let by_resource = std::fs::read_to_string(out.join("by_resource.csv")).unwrap();
    assert!(
        by_resource.contains("\nacs-a,2,1,1,1,0.5000,1\n"),
        "{by_resource}"
    );
    let a = (bin().args(["triage", "8522", "--no-config", "--format", "json"]))
        .arg(dir.path())
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&a)).unwrap();
    let row = |r: &str, inferred: u64| serde_json::json!({"resource": r, "count": 1, "calls": 1, "inferred": inferred});
    assert_eq!(
        v["resources"],
        serde_json::json!([row("acs-a", 1), row("acs-b", 0)])
    );
}

/// A record of another log than callback events that names no resource (a portal export
/// without `_ResourceId`) stays `(not named)` in triage's By resource, as in `by_resource.csv`,
/// which joins callback records only; the callback record of its call is still counted under
/// the call's resource, and a `--resource` run gives the same row (fix63t's leftover: triage
/// counted the portal record under its call's resource, one record more than report).
#[test]
fn a_portal_record_of_no_resource_stays_not_named_as_in_by_resource() {
    const A: &str = "37ab303f-0750-4e49-8e42-37015ace2081";
    const B: &str = "37ab303f-0750-4e49-8e42-37015ace2082";
    let rid = "/subscriptions/x/resourcegroups/rg/providers/microsoft.communication/communicationservices";
    let dir = tempfile::tempdir().unwrap();
    let portal = format!(
        "TimeGenerated [UTC],CorrelationId,OperationName,ResultCode,ResultSubcode,ResultMessage\n\
         2026-11-26T14:05:31Z,{A},Play,400,8536,m\n2026-11-26T15:05:31Z,{B},Play,400,8536,m\n"
    );
    std::fs::write(dir.path().join("portal.csv"), portal).unwrap();
    let ops = [(A, "acs-prod"), (B, "acs-stage")].map(|(corr, r)| {
        format!(
            r#"{{"time":"2026-11-26T14:00:00Z","resourceId":"{rid}/{r}","operationName":"Play","category":"CallAutomationOperational","resultType":"Succeeded","resultSignature":202,"correlationId":"{corr}","properties":{{"callConnectionId":"cc-{r}"}}}}"#
        )
    });
    std::fs::write(dir.path().join("ops.jsonl"), ops.join("\n")).unwrap();
    let callback = serde_json::json!([{
        "id": "1", "source": "s", "type": "Microsoft.Communication.PlayFailed",
        "data": {
            "resultInformation": {"code": 400, "subCode": 8536, "message": "x"},
            "callConnectionId": "cc-acs-prod", "correlationId": A,
        },
        "time": "2026-11-26T14:05:32Z", "specversion": "1.0",
    }]);
    std::fs::write(dir.path().join("callbacks.json"), callback.to_string()).unwrap();
    let out = dir.path().join("out");
    (bin()
        .args(["report", "-q", "--out"])
        .arg(&out)
        .arg(dir.path()))
    .assert()
    .success();
    let by_resource = std::fs::read_to_string(out.join("by_resource.csv")).unwrap();
    let rows: Vec<&str> = by_resource.lines().collect();
    assert!(rows.contains(&"acs-prod,2,1,1,1,0.5000,1"), "{by_resource}");
    assert!(
        rows.iter().any(|r| r.starts_with("(not named),2,2,2,2,")),
        "{by_resource}"
    );
    let row = |r: &str, n: u64, calls: u64, inferred: u64| serde_json::json!({"resource": r, "count": n, "calls": calls, "inferred": inferred});
    for (resource, want) in [
        (
            &[][..],
            serde_json::json!([row("acs-prod", 1, 1, 1), row("(not named)", 2, 2, 0)]),
        ),
        (
            &["--resource", "acs-prod"][..],
            serde_json::json!([row("acs-prod", 1, 1, 1)]),
        ),
    ] {
        let run = |format: &str| {
            let a = (bin().args(["triage", "8536", "--no-config", "--format", format]))
                .args(resource)
                .arg(dir.path())
                .assert()
                .success();
            stdout(&a)
        };
        let v: Value = serde_json::from_str(&run("json")).unwrap();
        assert_eq!(v["resources"], want, "{resource:?}");
        let stays = &v["resources_not_named"]["not_callback"];
        let n = if resource.is_empty() { 2 } else { 0 };
        assert_eq!(stays["count"], n, "{resource:?} {v}");
        let text = run("md");
        assert_eq!(
            text.contains("2 records of 2 calls name no resource and are no callback event"),
            resource.is_empty(),
            "{text}"
        );
    }
}

/// An Event Grid IncomingCall names its ACS resource in `topic` and its call in `data`: it is
/// skipped (no result), yet its call's callback records are joined to that resource as to a
/// counted record's, in by_resource.csv, triage's By resource (in a `--resource` run too) and
/// silent_calls.csv, and the IncomingCall is counted nowhere but as skipped (rev67a L2: on main
/// the PlayFailed stayed `(not named)` and the silent call had no resource).
#[test]
fn an_incoming_call_s_topic_names_its_call_s_resource_for_the_join() {
    const X: &str = "5a0c2f1e-7d3b-4c1a-9e8f-0b6d4a2c9e11";
    const Y: &str = "5a0c2f1e-7d3b-4c1a-9e8f-0b6d4a2c9e12";
    let rid = "/subscriptions/s/resourcegroups/rg/providers/microsoft.communication/communicationservices";
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    // As Event Grid delivers it (MicrosoftDocs/azure-docs' incoming call schema).
    let incoming = serde_json::json!([{
        "id": "d5546be8-227a-4db8-b2c3-4f06fd675fd6",
        "topic": format!("{rid}/acs-contoso"),
        "subject": "/caller/4:+14255550123/recipient/4:+18005550199",
        "data": {
            "to": {"kind": "phoneNumber", "rawId": "4:+18005550199"},
            "from": {"kind": "phoneNumber", "rawId": "4:+14255550123"},
            "serverCallId": "aHR0cHM6Ly9hcGku",
            "callerDisplayName": "",
            "incomingCallContext": "eyJhbGciOiJub25lIn0.e30.",
            "correlationId": X,
        },
        "eventType": "Microsoft.Communication.IncomingCall",
        "dataVersion": "1.0", "metadataVersion": "1",
        "eventTime": "2026-11-24T01:00:00.000Z",
    }]);
    std::fs::write(input.join("incoming.json"), incoming.to_string()).unwrap();
    let event = |id: &str, ty: &str, t: &str, result: Value| {
        let mut data = serde_json::json!({"callConnectionId": "cc-x", "correlationId": X});
        if !result.is_null() {
            data["resultInformation"] = result;
        }
        serde_json::json!({"id": id, "source": "calling/callConnections/cc-x", "type": ty,
                           "data": data, "time": t, "specversion": "1.0"})
    };
    let callbacks = serde_json::json!([
        event(
            "e1",
            "Microsoft.Communication.CallConnected",
            "2026-11-24T01:00:01Z",
            Value::Null
        ),
        event(
            "e2",
            "Microsoft.Communication.PlayFailed",
            "2026-11-24T01:00:05Z",
            serde_json::json!({"code": 400, "subCode": 8535, "message": "Action failed, file format is invalid."}),
        ),
    ]);
    std::fs::write(input.join("callbacks.json"), callbacks.to_string()).unwrap();
    // Call X's Transfer accepted, in an export without the resource (none of its outcome
    // follows: a silent call), and call Y's failed Play on another resource.
    let ops = [
        format!(
            r#"{{"time":"2026-11-24T01:00:03Z","operationName":"Transfer","category":"CallAutomationOperational","resultType":"Succeeded","resultSignature":202,"correlationId":"{X}","properties":{{"callConnectionId":"cc-x"}}}}"#
        ),
        format!(
            r#"{{"time":"2026-11-24T02:00:00Z","resourceId":"{rid}/acs-fabrikam","operationName":"Play","category":"CallAutomationMediaSummary","resultType":"Failed","correlationId":"{Y}","properties":{{"resultCode":400,"resultSubcode":8535}}}}"#
        ),
    ];
    std::fs::write(input.join("ops.jsonl"), ops.join("\n")).unwrap();

    let out = dir.path().join("out");
    let a = (bin().args(["report", "--no-config", "--out"]))
        .arg(&out)
        .arg(&input)
        .assert()
        .success();
    // The IncomingCall and the CallConnected are skipped, and nothing else of them counts.
    assert!(
        stderr(&a).contains("5 records read: 3 accepted, 0 rejected, 2 skipped"),
        "{}",
        stderr(&a)
    );
    let by_resource = std::fs::read_to_string(out.join("by_resource.csv")).unwrap();
    let rows: Vec<&str> = by_resource.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "acs-contoso,1,1,1,1,1.0000,1",
            "acs-fabrikam,1,1,1,1,1.0000,0",
            "(not named),1,0,0,1,0.0000,0",
        ],
        "{by_resource}"
    );
    let silent = read_csv(&out.join("silent_calls.csv"));
    let calls: Vec<(&str, &str)> = (silent.iter())
        .map(|r| (r["correlation_id"].as_str(), r["resource"].as_str()))
        .collect();
    assert_eq!(calls, [(X, "acs-contoso")]);

    let row = |r: &str, inferred: u64| serde_json::json!({"resource": r, "count": 1, "calls": 1, "inferred": inferred});
    for (resource, want) in [
        (
            &[][..],
            serde_json::json!([row("acs-contoso", 1), row("acs-fabrikam", 0)]),
        ),
        (
            &["--resource", "acs-contoso"][..],
            serde_json::json!([row("acs-contoso", 1)]),
        ),
    ] {
        let a = (bin().args(["triage", "8535", "--no-config", "--format", "json"]))
            .args(resource)
            .arg(&input)
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&a)).unwrap();
        assert_eq!(v["resources"], want, "{resource:?}");
    }
    // `report --resource` counts the call's callback record as the full run does.
    let kept = dir.path().join("kept");
    (bin().args([
        "report",
        "--no-config",
        "-q",
        "--resource",
        "acs-contoso",
        "--out",
    ]))
    .arg(&kept)
    .arg(&input)
    .assert()
    .success();
    let by_resource = std::fs::read_to_string(kept.join("by_resource.csv")).unwrap();
    assert_eq!(
        by_resource.lines().skip(1).collect::<Vec<_>>(),
        ["acs-contoso,1,1,1,1,1.0000,1"],
        "{by_resource}"
    );
}

/// A number no record has as its subcode but some have as their code (a SIP or result code
/// taken for a subcode) names those keys and how to triage one (rev70b F6: `triage 486` said
/// only "No records"), in the Markdown and on stderr.
#[test]
fn triage_of_a_number_that_is_a_code_names_its_keys() {
    let by_key = &manifest()["by_key"];
    let n = |k: &str| by_key[k].as_u64().unwrap();
    let line = format!(
        "404 occurs as a code, not as a subcode: 404/8522 ({} records), 404 ({} records); triage takes one as CODE/SUBCODE: triage 404/8522",
        n("404/8522"),
        n("404/")
    );
    let out = bin().args(["triage", "404", "samples/"]).assert().success();
    assert!(
        stdout(&out).contains(&format!("{line}.\n")),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains(&format!("acs-triage: note: {line}\n")),
        "{}",
        stderr(&out)
    );
    // A subcode that occurs: no such line.
    let out = bin()
        .args(["triage", "8522", "samples/"])
        .assert()
        .success();
    assert!(!stdout(&out).contains("occurs as a code"));
}
