//! The real binary, run as a user would: on `samples/` (compared against the generator's ground
//! truth in `tests/fixtures/samples_expected.json`) and on small files written here.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------- codes

#[test]
fn codes_8522_shows_both_pairs_with_their_mitigations() {
    let out = bin().args(["codes", "8522"]).assert().success();
    let text = stdout(&out);
    assert!(text.contains("404/8522"), "{text}");
    assert!(text.contains("405/8522"), "{text}");
    assert!(text.contains("Double check call status"), "{text}");
    assert!(text.contains("invoking the AnswerCall API"), "{text}");
    assert!(text.contains("subcode 8522   generic subcode"), "{text}");
}

#[test]
fn codes_pair_as_json_is_the_resolved_entry() {
    let out = bin()
        .args(["codes", "404/8522", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let e = &v[0];
    assert_eq!(e["code"], 404);
    assert_eq!(e["subcode"], 8522);
    assert_eq!(e["category"], "client");
    assert_eq!(e["match"], "exact");
    assert!(e["mitigation"]
        .as_str()
        .unwrap()
        .starts_with("Double check"));
    // The fallback of a pair that is not in the table.
    let out = bin()
        .args(["codes", "400/8522", "--format", "json"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (v[0]["match"].as_str(), v[0]["description"].as_str()),
        (Some("subcode"), Some("Not Found"))
    );
}

#[test]
fn codes_404_shows_the_code_and_its_pairs() {
    let out = bin()
        .args(["codes", "404", "--format", "csv"])
        .assert()
        .success();
    let text = stdout(&out);
    assert_eq!(
        text.lines().next().unwrap(),
        "entry,code,subcode,category,match,source,used,callback_event,description,mitigation"
    );
    assert!(
        text.contains(
            "pair,404,8522,client,exact,call-automation,true,CreateCallFailed / AnswerFailed,"
        ),
        "{text}"
    );
    assert!(
        text.contains("pair,404,560404,client,exact,pstn,true,,"),
        "{text}"
    );
    assert!(
        text.contains("code,404,,client,code,call-automation,true,,Not found,"),
        "{text}"
    );
    // Both pages have 503/560503: the PSTN one is listed, and not used.
    let out = bin()
        .args(["codes", "560503", "--format", "csv"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("pair,503,560503,server,exact,call-automation,true,"),
        "{text}"
    );
    assert!(
        text.contains("pair,503,560503,server,exact,pstn,false,"),
        "{text}"
    );
    assert!(stderr(&out).starts_with("acs-triage: catalogues: call-automation"));
}

#[test]
fn codes_lists_both_shipped_pages_with_sources_and_callback_events() {
    let out = bin().args(["codes", "--format", "csv"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codes.csv");
    std::fs::write(&path, stdout(&out)).unwrap();
    let rows = read_csv(&path);
    let pairs = |source: &str| {
        rows.iter()
            .filter(|r| r["entry"] == "pair" && r["source"] == source)
            .count()
    };
    assert_eq!(pairs("call-automation"), 48);
    assert_eq!(pairs("pstn"), 20);
    // Every pair of the Call Automation page names its callback events.
    assert!(rows
        .iter()
        .filter(|r| r["entry"] == "pair" && r["source"] == "call-automation")
        .all(|r| !r["callback_event"].is_empty()));
    // PSTN text on one line, its `<br/>` bullets as `; `.
    let busy = rows
        .iter()
        .find(|r| r["source"] == "pstn" && r["code"] == "403" && r["subcode"] == "560403")
        .unwrap();
    assert_eq!(
        busy["description"],
        "Call forbidden; Call canceled; Call rejected."
    );
    for (pair, source) in [
        ("503/560503", "call-automation"),
        ("401/71005", "call-automation"),
        ("486/560486", "pstn"),
        ("403/510403", "call-automation"),
    ] {
        let out = bin()
            .args(["codes", pair, "--format", "json"])
            .assert()
            .success();
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(
            (v[0]["match"].as_str(), v[0]["source"].as_str()),
            (Some("exact"), Some(source)),
            "{pair}"
        );
    }
}

#[test]
fn codes_603_0_is_declined_not_success() {
    let out = bin().args(["codes", "603/0"]).assert().success();
    let text = stdout(&out);
    assert!(
        text.starts_with("603/0   global   match: code (call-automation)\n    Declined\n"),
        "{text}"
    );
    assert!(!text.contains("Success"), "{text}");
}

#[test]
fn every_page_of_the_family_loads_with_catalogue() {
    let pairs = |page: &str| -> usize {
        let out = bin()
            .args([
                "--catalogue",
                page,
                "--no-builtin-catalogue",
                "codes",
                "--format",
                "csv",
            ])
            .assert()
            .success();
        stdout(&out)
            .lines()
            .filter(|l| l.starts_with("pair,"))
            .count()
    };
    assert_eq!(
        pairs("tests/fixtures/catalogue/call-automation-2024-07-22.md"),
        14
    );
    assert_eq!(pairs("src/catalogue/call-automation-sdk.md"), 48);
    assert_eq!(pairs("src/catalogue/pstn.md"), 20);
    // Later files win; every output names the catalogues with their pair counts.
    let out = bin()
        .args([
            "--catalogue",
            "tests/fixtures/catalogue/call-automation-2024-07-22.md",
            "codes",
            "8522",
        ])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("(tests/fixtures/catalogue/call-automation-2024-07-22.md)"),
        "{text}"
    );
    assert!(
        text.contains("call-automation (built in: Microsoft Learn"),
        "{text}"
    );
    assert!(
        text.contains("(file, ms.date 7/22/2024): 14 pairs"),
        "{text}"
    );
    assert!(
        text.contains(
            "404/8522   client   exact pair, not used (another catalogue's wins) (call-automation)"
        ),
        "{text}"
    );
}

#[test]
fn codes_without_query_lists_the_catalogue_and_md_format() {
    let out = bin().args(["codes", "--format", "md"]).assert().success();
    let text = stdout(&out);
    // Header, separator, 14 pairs, the generic codes and subcodes.
    let rows = text.lines().count() - 2;
    assert!(rows > 14 + 20 + 100, "{rows}");
    assert!(text.contains("| subcode |  | 8571 |"), "{text}");
}

#[test]
fn codes_matching_nothing_exits_1() {
    bin()
        .args(["codes", "1234"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no catalogue entry matches 1234"));
    bin()
        .args(["codes", "499/99999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("499/99999"));
    bin().args(["codes", "abc"]).assert().code(2);
}

#[test]
fn newer_catalogue_page_or_csv_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("codes.csv");
    std::fs::write(
        &csv,
        "code,subcode,description,mitigation\n499,99999,Brand new,Do the new thing\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "--catalogue",
            csv.to_str().unwrap(),
            "codes",
            "499/99999",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["mitigation"], "Do the new thing");
    assert!(v[0]["source"].as_str().unwrap().ends_with("codes.csv"));

    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "| Code | Subcode | Description | Mitigation |\n| --- | --- | --- | --- |\n| 404 | 85x2 | a | b |\n",
    )
    .unwrap();
    bin()
        .args(["codes", "--catalogue", page.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "page.md, line 3: subcode \"85x2\" is not a number",
        ));
    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "# nothing\n").unwrap();
    bin()
        .args(["codes", "--catalogue", empty.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has no code table"));
    // A code table whose headers are not known fails with file and line.
    let odd = dir.path().join("odd.md");
    std::fs::write(
        &odd,
        "# Codes\n\n| Error | Sub | Text | Fix |\n| --- | --- | --- | --- |\n| 404 | 8522 | a | b |\n",
    )
    .unwrap();
    bin()
        .args(["codes", "--catalogue", odd.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "odd.md, line 3: a table of codes whose columns are not known (Error | Sub | Text | Fix)",
        ));
}

#[test]
fn help_documents_exit_codes() {
    let out = bin().arg("--help").assert().success();
    insta::assert_snapshot!("help", stdout(&out));
    let out = bin().args(["report", "--help"]).assert().success();
    insta::assert_snapshot!("report_help", stdout(&out));
}

// ---------------------------------------------------------------- report on samples

const OUTPUTS: [&str; 11] = [
    "report.html",
    "spikes.csv",
    "by_category.csv",
    "by_mitigation.csv",
    "by_code.csv",
    "by_operation.csv",
    "timeline.csv",
    "rejects.csv",
    "summary.md",
    "report.json",
    "by_sip.csv",
];

#[test]
fn report_on_samples_writes_all_outputs_and_snapshots() {
    let (dir, _) = report_samples(&[]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = OUTPUTS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(names, want, "exactly the outputs, no temp files left");
    for name in OUTPUTS {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn category_counts_sum_to_accepted_records() {
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_category.csv"));
    let cats: Vec<&str> = rows.iter().map(|r| r["category"].as_str()).collect();
    assert_eq!(cats, ["success", "client", "server", "global", "unknown"]);
    let sum: u64 = rows
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, m["totals"]["accepted"].as_u64().unwrap());
    for r in &rows {
        let c = &r["category"];
        assert_eq!(
            r["count"].parse::<u64>().unwrap(),
            m["by_category"][c].as_u64().unwrap(),
            "{c}"
        );
        assert_eq!(
            r["calls"].parse::<u64>().unwrap(),
            m["distinct_calls_by_category"][c].as_u64().unwrap(),
            "{c} calls"
        );
    }
}

#[test]
fn by_code_counts_sum_to_accepted_and_match_ground_truth() {
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_code.csv"));
    let sum: u64 = rows
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, m["totals"]["accepted"].as_u64().unwrap());
    let got: BTreeMap<String, (u64, u64)> = rows
        .iter()
        .map(|r| {
            (
                format!("{}/{}", r["code"], r["subcode"]),
                (r["count"].parse().unwrap(), r["calls"].parse().unwrap()),
            )
        })
        .collect();
    let want: BTreeMap<String, (u64, u64)> = m["by_key"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                (
                    v.as_u64().unwrap(),
                    m["distinct_calls_by_key"][k].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, want);
    // Sorted by count descending, then code, then subcode.
    let keys: Vec<(i64, u32, i64)> = rows
        .iter()
        .map(|r| {
            (
                -r["count"].parse::<i64>().unwrap(),
                r["code"].parse().unwrap(),
                r["subcode"].parse::<i64>().unwrap_or(-1),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn by_mitigation_sums_to_failures() {
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_mitigation.csv"));
    let sum: u64 = rows
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, m["failures"].as_u64().unwrap());
    let shares: f64 = rows
        .iter()
        .map(|r| r["share"].parse::<f64>().unwrap())
        .sum();
    assert!((shares - 1.0).abs() < 0.001, "{shares}");
}

#[test]
fn timeline_sums_to_accepted_records() {
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("timeline.csv"));
    let sum: u64 = rows
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, m["totals"]["accepted"].as_u64().unwrap());
    assert!(rows.iter().all(|r| r["count"] != "0"));
    assert!(rows.iter().all(|r| r["bucket"].ends_with(":00:00Z")));
    let (dir, _) = report_samples(&["--bucket", "day"]);
    let rows = read_csv(&dir.path().join("timeline.csv"));
    assert!(
        rows.iter().all(|r| r["bucket"] == "2026-11-24T00:00:00Z"),
        "one day of samples"
    );
}

#[test]
fn subcode_8522_splits_under_two_mitigations() {
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_mitigation.csv"));
    let find = |key: &str| {
        rows.iter()
            .find(|r| r["codes"].split(' ').any(|c| c == key))
            .map(|r| r["mitigation"].clone())
            .unwrap()
    };
    let a = find("404/8522");
    let b = find("405/8522");
    assert!(a.starts_with("Double check call status"), "{a}");
    assert!(b.contains("AnswerCall"), "{b}");
    assert_eq!(find("400/8522"), "(no documented mitigation)");
}

#[test]
fn recognize_success_subcodes_are_successes() {
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_code.csv"));
    let r = rows
        .iter()
        .find(|r| r["code"] == "200" && r["subcode"] == "8531")
        .unwrap();
    assert_eq!(r["category"], "success");
    let mit = std::fs::read_to_string(dir.path().join("by_mitigation.csv")).unwrap();
    assert!(!mit.contains("200/"), "no success in by_mitigation: {mit}");
}

#[test]
fn uncatalogued_code_is_reported() {
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("by_code.csv"));
    let r = rows
        .iter()
        .find(|r| r["code"] == "499" && r["subcode"] == "99999")
        .unwrap();
    assert_eq!(
        (r["match"].as_str(), r["description"].as_str()),
        ("none", "uncatalogued")
    );
    let summary = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    let dq = &summary[summary.find("## Data quality").unwrap()..];
    assert!(dq.contains("| 499/99999 | client |"), "{dq}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let unc = json["data_quality"]["uncatalogued"].as_array().unwrap();
    assert!(unc
        .iter()
        .any(|u| u["code"] == 499 && u["subcode"] == 99999));
}

#[test]
fn rejects_csv_lists_every_planted_reject() {
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let rows = read_csv(&dir.path().join("rejects.csv"));
    let mut got: Vec<(String, u64, String)> = rows
        .iter()
        .map(|r| {
            let label = r["reason"].split(':').next().unwrap().to_string();
            (r["file"].clone(), r["line"].parse().unwrap(), label)
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, u64, String)> = Vec::new();
    for (file, f) in m["files"].as_object().unwrap() {
        for r in f["rejects"].as_array().unwrap() {
            want.push((
                file.clone(),
                r["line"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            ));
        }
    }
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn exit_code_3_past_max_bad_and_reports_still_written() {
    let (dir, out) = report_samples(&["--max-bad", "5"]);
    assert_eq!(out.get_output().status.code(), Some(3));
    assert!(stderr(&out).contains("exceed --max-bad"));
    for name in OUTPUTS {
        assert!(dir.path().join(name).exists(), "{name}");
    }
    let (_, out) = report_samples(&["--max-bad", "0.5%"]);
    assert_eq!(out.get_output().status.code(), Some(3));
    // The samples' rejects are under the default 1% of records read.
    let (_, out) = report_samples(&[]);
    assert_eq!(out.get_output().status.code(), Some(0));
}

#[test]
fn since_and_until_filter_half_open() {
    let (all, _) = report_samples(&[]);
    let hour: u64 = read_csv(&all.path().join("timeline.csv"))
        .iter()
        .filter(|r| r["bucket"] == "2026-11-24T12:00:00Z")
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert!(hour > 50);
    let (dir, _) = report_samples(&[
        "--since",
        "2026-11-24T12:00:00Z",
        "--until",
        "2026-11-24T13:00:00Z",
    ]);
    let rows = read_csv(&dir.path().join("by_code.csv"));
    let sum: u64 = rows
        .iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum, hour);
    assert!(rows
        .iter()
        .all(|r| r["first_seen"].starts_with("2026-11-24T12:")
            && r["last_seen"].starts_with("2026-11-24T12:")));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["records"]["accepted"], hour);
    // A date means its UTC midnight; an empty window accepts nothing.
    let (dir, _) = report_samples(&["--since", "2026-11-25"]);
    let rows = read_csv(&dir.path().join("by_code.csv"));
    assert!(rows.is_empty());
}

#[test]
fn format_selects_outputs() {
    let (dir, _) = report_samples(&["--format", "md"]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["rejects.csv", "summary.md"]);
}

// ---------------------------------------------------------------- untrusted text, bad input

#[test]
fn csv_injection_is_neutralized_and_markdown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("evil.json");
    std::fs::write(
        &input,
        concat!(
            r#"{"time":"2026-11-24T01:00:00Z","operationName":"=cmd|' /C calc'!A0","properties":{"resultCode":400,"resultSubcode":8510}}"#,
            "\n",
            r#"{"time":"2026-11-24T01:00:00Z","operationName":"Play|x\ny","properties":{"resultCode":400,"resultSubcode":8510}}"#,
            "\n",
            "=HYPERLINK(\"http://evil.example\",\"x\")\n",
            "+cmd\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "10"]).success();
    let ops = std::fs::read_to_string(out.join("by_operation.csv")).unwrap();
    assert!(
        ops.contains("\n'=cmd|' /C calc'!A0,media_summary,400,"),
        "{ops}"
    );
    let rejects = read_csv(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 2);
    assert!(
        rejects.iter().all(|r| r["excerpt"].starts_with('\'')),
        "{rejects:?}"
    );
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains("| Play\\|x<br>y | media\\_summary |"),
        "{summary}"
    );
    // Numbers are never prefixed.
    let codes = std::fs::read_to_string(out.join("by_code.csv")).unwrap();
    assert!(codes.contains("\n400,8510,client,"), "{codes}");
}

#[test]
fn hostile_log_text_is_inert_in_markdown_html_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.json");
    let message = "[click](javascript:alert(1)) ![x](http://evil.example/pixel.png) **bold** `tick` _u_ # h \\ ~~s~~ &#x202E; \u{1b}[2J\u{7} invoice_\u{202E}fdp.exe";
    let record = |time: &str, op: &str, corr: &str, conn: &str, msg: &str| {
        serde_json::json!({
            "time": time, "operationName": op, "correlationId": corr,
            "properties": {"callConnectionId": conn, "resultCode": 400, "resultSubcode": 8510, "resultMessage": msg},
        })
        .to_string()
    };
    let long_op = format!("={}", "A".repeat(200_000));
    let long_message = format!("\n=1+1{}", "B".repeat(100_000));
    // The hostile message twice, so that it is the most frequent one.
    let mut lines: Vec<String> = ["2026-11-24T01:00:00Z", "2026-11-24T01:00:01Z"]
        .iter()
        .map(|t| {
            record(
                t,
                "![op](http://evil.example/op.png)\u{202E}\u{1b}]0;x\u{7}",
                "@[id](javascript:alert(1))\u{2066}",
                "![c](http://evil.example/c.png)",
                message,
            )
        })
        .collect();
    lines.push(record(
        "2026-11-24T01:00:02Z",
        &long_op,
        "c2",
        "",
        &long_message,
    ));
    lines.push(record("2026-11-24T01:00:03Z", "\n-2+3", "c3", "", "plain"));
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &[]).success();

    // No log text becomes a link, an image, markup or a terminal escape in Markdown.
    let inert_md = |md: &str| {
        for bad in [
            "](", "![", "\u{1b}", "\u{7}", "\u{202E}", "\u{2066}", "<img", "&#x",
        ] {
            assert!(!md.contains(bad), "{bad:?} in {md}");
        }
    };
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    inert_md(&summary);
    assert!(
        summary.contains("| \\[click\\]\\(javascript:alert\\(1\\)\\) \\!\\[x\\]\\(http\\://evil.example/pixel.png\\) \\*\\*bold\\*\\* \\`tick\\` \\_u\\_ \\# h \\\\ \\~\\~s\\~\\~ &amp;\\#x202E; \u{FFFD}\\[2J\u{FFFD} invoice\\_\u{FFFD}fdp.exe |"),
        "{summary}"
    );
    assert!(
        summary.contains("| \\!\\[op\\]\\(http\\://evil.example/op.png\\)\u{FFFD}\u{FFFD}\\]0;x\u{FFFD} | media\\_summary |"),
        "{summary}"
    );
    assert!(
        summary.contains("| <br>-2+3 | media\\_summary |"),
        "{summary}"
    );
    // The long operation: 31,999 characters and the ellipsis.
    assert!(
        summary.contains(&format!("| ={}… | media\\_summary |", "A".repeat(31_998))),
        "the long operation is not cut"
    );

    let ops = read_csv(&out.join("by_operation.csv"));
    let op_cells: Vec<&str> = ops.iter().map(|r| r["operation"].as_str()).collect();
    assert!(
        op_cells.contains(&"![op](http://evil.example/op.png)\u{FFFD}\u{FFFD}]0;x\u{FFFD}"),
        "{op_cells:?}"
    );
    assert!(op_cells.contains(&"'\n-2+3"), "{op_cells:?}");
    let long = op_cells.iter().find(|c| c.starts_with("'=A")).unwrap();
    assert_eq!(long.chars().count(), 32_000);
    assert!(long.ends_with("A…"));

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for bad in ["\u{1b}", "\u{7}", "\u{202E}", "\u{2066}"] {
        assert!(!html.contains(bad), "{bad:?} in report.html");
    }
    assert!(html.contains("invoice_\u{FFFD}fdp.exe"));
    assert!(html.contains(&format!("=1+1{}… (1)", "B".repeat(31_994))));

    // triage: the calls in Markdown and in CSV.
    let md = bin()
        .args(["triage", "8510"])
        .arg(&input)
        .assert()
        .success();
    let md = stdout(&md);
    inert_md(&md);
    assert!(
        md.contains("| \\@\\[id\\]\\(javascript:alert\\(1\\)\\)\u{FFFD} | \\!\\[c\\]\\(http\\://evil.example/c.png\\) | 2 |"),
        "{md}"
    );
    let calls = dir.path().join("calls.csv");
    bin()
        .args(["triage", "8510", "--format", "csv", "--out"])
        .arg(&calls)
        .arg(&input)
        .assert()
        .success();
    let rows = read_csv(&calls);
    assert!(
        rows.iter()
            .any(|r| r["correlation_id"] == "'@[id](javascript:alert(1))\u{FFFD}"),
        "{rows:?}"
    );
}

#[test]
fn reads_standard_input() {
    let line =
        r#"{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":404,"resultSubcode":8522}}"#;
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["report", "-", "--out", dir.path().to_str().unwrap()])
        .write_stdin(format!("{line}\n{line}\n"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("by_code.csv"));
    assert_eq!(
        (rows[0]["code"].as_str(), rows[0]["count"].as_str()),
        ("404", "2")
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["inputs"][0]["file"], "<stdin>");
}

#[test]
fn bad_flags_and_paths_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    bin()
        .args(["report", "samples/", "--out", out, "--bucket", "week"])
        .assert()
        .code(2);
    bin()
        .args(["report", "samples/", "--out", out, "--since", "yesterday"])
        .assert()
        .code(2);
    bin().args(["report", "samples/"]).assert().code(2);
    let o = bin()
        .args(["report", "no/such/file.json", "--out", out])
        .assert()
        .code(1);
    assert_eq!(
        stderr(&o).trim(),
        "acs-triage: input no/such/file.json does not exist"
    );
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = bin()
        .args(["report", "samples/", "--out", file.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

#[test]
fn empty_inputs_are_said_and_an_empty_window_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let out = dir.path().join("out");
    let o = report_to(&inputs, &out, &[]).code(0);
    assert!(
        stderr(&o).contains("warning: no input files found"),
        "{}",
        stderr(&o)
    );
    std::fs::write(inputs.join("PT1H.json"), "").unwrap();
    let o = report_to(&inputs, &out, &[]).code(0);
    assert!(
        stderr(&o).contains("warning: the inputs hold no records"),
        "{}",
        stderr(&o)
    );
    let o = report_to(
        Path::new("samples/"),
        &out,
        &["--since", "2026-11-25", "--until", "2026-11-24"],
    )
    .code(2);
    assert!(stderr(&o).contains("the window is empty"), "{}", stderr(&o));
}

#[test]
fn reports_written_into_the_input_directory_are_not_read_back() {
    // --out the input directory itself, or a directory inside it; each run twice.
    for inside in ["", "reports"] {
        let dir = tempfile::tempdir().unwrap();
        for f in ["mediasummary-en-us.csv", "operations-ja-jp.csv"] {
            std::fs::copy(Path::new("samples/portal").join(f), dir.path().join(f)).unwrap();
        }
        let out = dir.path().join(inside);
        for _ in 0..2 {
            let o = report_to(dir.path(), &out, &["--max-bad", "100%"]).code(0);
            assert!(
                stderr(&o).contains("73 records read: 70 accepted, 3 rejected"),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn quiet_prints_nothing() {
    let (_, out) = report_samples(&["--quiet"]);
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "");
}

#[test]
fn nothing_accepted_is_lost_between_ingest_and_report() {
    // The per-file counts in report.json add up to the totals, and to the ground truth.
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let inputs = json["inputs"].as_array().unwrap();
    let sum = |k: &str| inputs.iter().map(|f| f[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(
        sum("accepted"),
        json["records"]["accepted"].as_u64().unwrap()
    );
    assert_eq!(
        sum("rejected"),
        json["records"]["rejected"].as_u64().unwrap()
    );
    assert_eq!(sum("skipped"), json["records"]["skipped"].as_u64().unwrap());
    for k in ["accepted", "rejected", "skipped"] {
        assert_eq!(sum(k), m["totals"][k].as_u64().unwrap(), "{k}");
    }
    assert!(Path::new("samples").exists());
}

// ---------------------------------------------------------------- spikes and triage

/// One night of storage-archive records for `day` (days after 2026-10-20), spread evenly over
/// the whole UTC day, with `extra` keys on top of a steady mix.
fn night(dir: &Path, day: i64, extra: &[((u32, u32), u64)]) -> std::path::PathBuf {
    let base: [((u32, u32), u64); 6] = [
        ((200, 0), 1200),
        ((400, 8510), 300),
        ((404, 8522), 150),
        ((405, 8522), 40),
        ((500, 8572), 20),
        ((400, 8535), 12),
    ];
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 20)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        + chrono::Duration::days(day);
    let mut keys: Vec<((u32, u32), u64)> = Vec::new();
    for (i, (k, n)) in base.iter().enumerate() {
        // A little deterministic day-to-day noise.
        let jitter = (day as u64 * 7 + i as u64 * 3) % 5;
        let n = extra
            .iter()
            .find(|(e, _)| e == k)
            .map_or(n + jitter, |(_, m)| *m);
        keys.push((*k, n));
    }
    for (k, n) in extra {
        if !keys.iter().any(|(e, _)| e == k) {
            keys.push((*k, *n));
        }
    }
    let total: u64 = keys.iter().map(|(_, n)| n).sum();
    let mut text = String::new();
    let mut i = 0u64;
    for (k, n) in &keys {
        for j in 0..*n {
            let t = start + chrono::Duration::milliseconds((i * 86_400_000 / total) as i64);
            i += 1;
            text.push_str(&format!(
                r#"{{"time":"{}","category":"CallAutomationMediaSummary","operationName":"Play","correlationId":"call-{}","properties":{{"resultCode":{},"resultSubcode":{},"resultMessage":"m{}"}}}}"#,
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                j % 50,
                k.0,
                k.1,
                k.1
            ));
            text.push('\n');
        }
    }
    let p = dir.join(format!("night-{day}.json"));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn nightly_loop_flags_exactly_the_planted_spike_and_new_key() {
    let work = tempfile::tempdir().unwrap();
    let history = work.path().join("history");
    let h = history.to_str().unwrap();
    // Five weekly runs (2026-10-20 .. 2026-11-17), as cron would run them, then the sixth.
    for week in 0..5 {
        let f = night(work.path(), week * 7, &[]);
        let out = work.path().join(format!("out-{week}"));
        report_to(&f, &out, &["--history", h, "--fail-on-spike"]).success();
        let spikes = std::fs::read_to_string(out.join("spikes.csv")).unwrap();
        assert_eq!(
            spikes.lines().count(),
            1,
            "week {week}: nothing flagged\n{spikes}"
        );
    }
    let today = night(work.path(), 35, &[((400, 8535), 60), ((412, 8583), 15)]);
    let out = work.path().join("out-today");
    let run = report_to(&today, &out, &["--history", h, "--fail-on-spike"]).code(4);
    let rows = read_csv(&out.join("spikes.csv"));
    let flagged: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["day"].clone(),
                r["code"].clone(),
                r["subcode"].clone(),
                r["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        flagged,
        vec![
            (
                "2026-11-24".into(),
                "400".into(),
                "8535".into(),
                "SPIKE".into()
            ),
            (
                "2026-11-24".into(),
                "412".into(),
                "8583".into(),
                "NEW".into()
            ),
        ]
    );
    let spike = &rows[0];
    assert_eq!(spike["count"], "60");
    let expected: f64 = spike["expected"].parse().unwrap();
    assert!((10.0..16.0).contains(&expected), "{expected}");
    assert_eq!(spike["description"], "Invalid File Format");
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.starts_with("# Call Automation triage report\n\n## Spikes\n"),
        "{summary}"
    );
    assert!(
        summary.contains("400/8535 Invalid File Format: 60 vs "),
        "{summary}"
    );
    assert!(
        summary.contains("\\(same weekday, previous 4 weeks\\)"),
        "{summary}"
    );
    assert!(
        summary.contains("412/8583 Precondition Failed: 15 on 2026-11-24"),
        "{summary}"
    );
    assert!(stderr(&run).contains("SPIKE: 400/8535"));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["spikes"]["rows"].as_array().unwrap().len(), 2);

    // triage explains it, from the same history.
    let t = bin()
        .args(["triage", "8535", today.to_str().unwrap(), "--history", h])
        .assert()
        .success();
    let text = stdout(&t);
    assert!(text.contains("## Spike verdict (2026-11-24)"), "{text}");
    assert!(
        text.contains("- 400/8535: SPIKE: 60 on 2026-11-24"),
        "{text}"
    );
    assert!(text.contains("over 4 baseline days"), "{text}");
}

#[test]
fn history_rerun_replaces_the_day() {
    let work = tempfile::tempdir().unwrap();
    let history = work.path().join("history");
    let f = night(work.path(), 0, &[]);
    let run = |out: &str| {
        report_to(
            &f,
            &work.path().join(out),
            &["--history", history.to_str().unwrap()],
        )
        .success();
    };
    run("a");
    let file = history.join("2026-10-20.parquet");
    let first = std::fs::read(&file).unwrap();
    run("b");
    assert_eq!(std::fs::read(&file).unwrap(), first, "same day, same file");
    assert_eq!(std::fs::read_dir(&history).unwrap().count(), 1);
    let df = read_parquet(&file);
    let counts: u64 = df
        .column("count")
        .unwrap()
        .u64()
        .unwrap()
        .into_no_null_iter()
        .sum();
    let exposure = df
        .column("exposure")
        .unwrap()
        .u64()
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(counts, exposure, "no double counting");
    assert!(!df
        .column("partial")
        .unwrap()
        .bool()
        .unwrap()
        .get(0)
        .unwrap());
    assert_eq!(
        std::fs::read(work.path().join("a/by_code.csv")).unwrap(),
        std::fs::read(work.path().join("b/by_code.csv")).unwrap()
    );
}

#[test]
fn partly_covered_day_is_partial_and_not_tested() {
    let work = tempfile::tempdir().unwrap();
    let history = work.path().join("history");
    let f = night(work.path(), 0, &[]);
    let out = work.path().join("out");
    // Only the afternoon of the day.
    report_to(
        &f,
        &out,
        &[
            "--history",
            history.to_str().unwrap(),
            "--since",
            "2026-10-20T12:00:00Z",
        ],
    )
    .success();
    let df = read_parquet(&history.join("2026-10-20.parquet"));
    assert!(df
        .column("partial")
        .unwrap()
        .bool()
        .unwrap()
        .get(0)
        .unwrap());
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains("No spike test: the input covers no complete UTC day"),
        "{summary}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("spikes.csv"))
            .unwrap()
            .lines()
            .count(),
        1
    );
}

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

#[test]
fn committed_reports_are_current() {
    // reports/ is the README's main command's output, committed for readers.
    let (dir, _) = report_samples(&[]);
    for name in OUTPUTS {
        let fresh = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let committed = std::fs::read_to_string(root().join("reports").join(name))
            .unwrap_or_else(|_| panic!("reports/{name} is missing"));
        assert!(
            fresh == committed,
            "reports/{name} is stale: run `cargo run --release -- report samples/ --out reports/`"
        );
    }
}

// ---------------------------------------------------------------- report.html in a browser

fn chromium() -> Option<std::path::PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists())
}

/// Runs headless Chromium on a file, as the issue prescribes; returns the dumped DOM and the
/// URLs the page itself asked for (requests Chromium makes for its own services are not the
/// page's: their initiator is "not an origin").
/// Headless Chromium with the flags the issue prescribes and a fresh profile in `work`; the
/// profile lives as long as the returned guard.
fn headless(chrome: &Path, work: &Path) -> (std::process::Command, tempfile::TempDir) {
    let profile = tempfile::tempdir_in(work).unwrap();
    let mut c = std::process::Command::new(chrome);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    (c, profile)
}

fn browse(chrome: &Path, page: &Path, work: &Path) -> (String, Vec<String>) {
    let netlog = work.join(format!(
        "net-{}.json",
        page.file_stem().unwrap().to_string_lossy()
    ));
    let (mut chromium, _profile) = headless(chrome, work);
    let out = chromium
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let p = &e["params"];
            let url = p["url"].as_str()?;
            let initiator = p["initiator"].as_str()?;
            (initiator != "not an origin").then(|| url.to_string())
        })
        .collect();
    urls.sort();
    urls.dedup();
    (String::from_utf8(out.stdout).unwrap(), urls)
}

#[test]
fn html_report_renders_in_a_real_browser() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium must be installed in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED html_report_renders_in_a_real_browser: chromium is not installed (apt-get install chromium)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    // Log text that would run if it were not escaped.
    let evil = work.path().join("evil.json");
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(&format!(
            r#"{{"time":"2026-11-24T12:{:02}:00Z","operationName":"Play","correlationId":"x{i}","properties":{{"resultCode":499,"resultSubcode":77777,"resultMessage":"<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"}}}}"#,
            i
        ));
        text.push('\n');
    }
    std::fs::write(&evil, text).unwrap();
    let out = work.path().join("out");
    bin()
        .args([
            "report",
            "samples/",
            evil.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success();
    let page = out.join("report.html");

    // The detector sees a page that does reach out.
    let probe = work.path().join("probe.html");
    std::fs::write(
        &probe,
        "<html><body><img src=\"http://127.0.0.1:9/probe.png\"></body></html>",
    )
    .unwrap();
    let (_, urls) = browse(&chrome, &probe, work.path());
    assert_eq!(urls, vec!["http://127.0.0.1:9/probe.png"]);

    let (dom, urls) = browse(&chrome, &page, work.path());
    assert!(urls.is_empty(), "report.html asked for {urls:?}");
    for id in ["chart-time", "chart-keys", "chart-categories"] {
        assert!(
            dom.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")),
            "no {id} chart"
        );
    }
    assert!(dom.matches("<svg").count() >= 3);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    for k in ["read", "accepted", "rejected", "skipped", "failures"] {
        let n = json["records"][k].as_u64().unwrap();
        assert!(
            dom.contains(&format!("<div class=\"value\">{n}</div>")),
            "headline {k} = {n}"
        );
    }
    let rate = format!("{:.2}%", json["failure_rate"].as_f64().unwrap() * 100.0);
    assert!(dom.contains(&rate), "failure rate {rate}");
    // The injected markup is text, and it did not run.
    assert!(dom.contains("<title>Call Automation triage report</title>"));
    assert!(!dom.contains("pwned</title>"));
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "escaped text shown"
    );
    assert!(!dom.contains("<script>document.title"));
    // Mitigation links are clickable.
    assert!(dom.contains("<a href=\"https://learn.microsoft.com/azure/communication-services/how-tos/call-automation/control-mid-call-media-actions#media-action-compatibility-table\">"));

    let shot = work.path().join("shot.png");
    let (mut chromium, _profile) = headless(&chrome, work.path());
    let status = chromium
        .arg("--window-size=1200,2400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}

// ---------------------------------------------------------------- kql, executed

/// A Python with duckdb-kql: $ACS_TRIAGE_PYTHON, or the venv `.ci/run` makes.
fn kql_python() -> Option<std::path::PathBuf> {
    let mut candidates: Vec<std::path::PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("ACS_TRIAGE_PYTHON") {
        candidates.push(p.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".cache/acs-triage-venv/bin/python"));
    }
    candidates.into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import duckdb_kql"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The records of one kind as a Log Analytics table export.
fn table_csv(
    records: &[acs_triage::normalize::Record<'static>],
    kind: acs_triage::normalize::Kind,
    path: &Path,
) {
    use acs_triage::normalize::Kind;
    let mut w = csv::Writer::from_path(path).unwrap();
    let media = kind == Kind::MediaSummary;
    if media {
        w.write_record([
            "TimeGenerated",
            "OperationName",
            "ResultType",
            "ResultCode",
            "ResultSubcode",
            "CorrelationId",
            "OperationId",
            "Type",
        ])
        .unwrap();
    } else {
        w.write_record([
            "TimeGenerated",
            "OperationName",
            "ResultType",
            "ResultSignature",
            "CorrelationId",
            "CallConnectionId",
            "OperationId",
            "Type",
        ])
        .unwrap();
    }
    for r in records.iter().filter(|r| r.kind == kind) {
        let time = r.time.format("%Y-%m-%d %H:%M:%S%.3f").to_string();
        let code = r.code.to_string();
        if media {
            let sub = r.subcode.map(|s| s.to_string()).unwrap_or_default();
            w.write_record([
                &*time,
                &r.operation,
                &r.result_type,
                &*code,
                &*sub,
                &r.correlation_id,
                &r.operation_id,
                "ACSCallAutomationMediaSummary",
            ])
            .unwrap();
        } else {
            w.write_record([
                &*time,
                &r.operation,
                &r.result_type,
                &*code,
                &r.correlation_id,
                &r.call_connection_id,
                &r.operation_id,
                "ACSCallAutomationIncomingOperations",
            ])
            .unwrap();
        }
    }
    w.flush().unwrap();
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    rdr.records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// Runs `acs-triage kql` for a report and table in the local engine; compares with the CSV.
fn check_kql(
    python: &Path,
    work: &Path,
    report: &str,
    table: &str,
    table_file: &Path,
    extra: &[&str],
    want: &Path,
) {
    let name = if table == "media" {
        "ACSCallAutomationMediaSummary"
    } else {
        "ACSCallAutomationIncomingOperations"
    };
    let q = bin()
        .args(["kql", report, "--table", table])
        .args(extra)
        .assert()
        .success();
    let query = work.join(format!("{report}-{table}.kql"));
    std::fs::write(&query, stdout(&q)).unwrap();
    let got = work.join(format!("{report}-{table}.csv"));
    let run = std::process::Command::new(python)
        .arg(root().join("tests/kql/run_kql.py"))
        .arg("--table")
        .arg(format!("{name}={}", table_file.display()))
        .arg("--query")
        .arg(&query)
        .arg("--out")
        .arg(&got)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{report} on {table}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (got, want) = (csv_rows(&got), csv_rows(want));
    assert_eq!(got[0], want[0], "{report} on {table}: columns");
    assert_eq!(
        got.len(),
        want.len(),
        "{report} on {table}: rows\n{got:?}\n{want:?}"
    );
    let p_col = want[0].iter().position(|c| c == "p_value");
    for (i, (g, w)) in got.iter().zip(&want).enumerate().skip(1) {
        for (j, (a, b)) in g.iter().zip(w).enumerate() {
            let same = if Some(j) == p_col {
                // The query uses a normal approximation: both must clear the bar.
                a.parse::<f64>().unwrap() < 0.001 && b.parse::<f64>().unwrap() < 0.001
            } else {
                match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() < 1e-4,
                    _ => a == b,
                }
            };
            assert!(
                same,
                "{report} on {table}, row {i}, column {}: kql {a:?} vs report {b:?}",
                want[0][j]
            );
        }
    }
}

#[test]
fn kql_queries_match_the_report_row_for_row() {
    let Some(python) = kql_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "duckdb-kql must be installed in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED kql_queries_match_the_report_row_for_row: no python with duckdb-kql (pip install 'duckdb-kql[duckdb]==1.1.2', or set ACS_TRIAGE_PYTHON)");
        return;
    };
    use acs_triage::normalize::Kind;
    let work = tempfile::tempdir().unwrap();
    let records = records_of(&[root().join("samples")]);
    for (table, kind) in [
        ("media", Kind::MediaSummary),
        ("operations", Kind::Operations),
    ] {
        let file = work.path().join(format!("{table}.csv"));
        table_csv(&records, kind, &file);
        let out = work.path().join(format!("report-{table}"));
        report_to(&file, &out, &["--format", "csv"]).success();
        for report in [
            "by-code",
            "by-category",
            "by-mitigation",
            "by-operation",
            "timeline",
        ] {
            let csv = out.join(format!("{}.csv", report.replace('-', "_")));
            check_kql(&python, work.path(), report, table, &file, &[], &csv);
        }
        let out_day = work.path().join(format!("report-{table}-day"));
        report_to(
            &file,
            &out_day,
            &[
                "--format",
                "csv",
                "--bucket",
                "day",
                "--since",
                "2026-11-24T06:00:00Z",
            ],
        )
        .success();
        check_kql(
            &python,
            work.path(),
            "timeline",
            table,
            &file,
            &["--bucket", "day", "--since", "2026-11-24T06:00:00Z"],
            &out_day.join("timeline.csv"),
        );
        check_kql(
            &python,
            work.path(),
            "by-code",
            table,
            &file,
            &["--since", "2026-11-24T06:00:00Z"],
            &out_day.join("by_code.csv"),
        );
    }

    // Spikes, on five weekly nights and a sixth with a planted spike and a NEW key.
    let mut nights: Vec<std::path::PathBuf> =
        (0..5).map(|w| night(work.path(), w * 7, &[])).collect();
    nights.push(night(
        work.path(),
        35,
        &[((400, 8535), 60), ((412, 8583), 15)],
    ));
    let records = records_of(&nights);
    let file = work.path().join("nights.csv");
    table_csv(&records, Kind::MediaSummary, &file);
    let out = work.path().join("report-nights");
    report_to(&file, &out, &["--format", "csv"]).success();
    assert_eq!(read_csv(&out.join("spikes.csv")).len(), 2);
    check_kql(
        &python,
        work.path(),
        "spikes",
        "media",
        &file,
        &["--until", "2026-11-25"],
        &out.join("spikes.csv"),
    );
}

#[test]
fn progress_always_reaches_a_log_and_never_stays_silent() {
    let (_, out) = report_samples(&["--progress", "always"]);
    assert!(stderr(&out).contains("MiB"), "{}", stderr(&out));
    let (_, out) = report_samples(&["--progress", "never"]);
    assert!(!stderr(&out).contains("MiB"), "{}", stderr(&out));
}

#[test]
fn numeric_flags_are_validated_with_the_flag_named() {
    for (flag, value) in [
        ("--spike-p", "NaN"),
        ("--spike-p", "-1"),
        ("--spike-p", "2"),
        ("--spike-p", "inf"),
        ("--spike-min-ratio", "NaN"),
        ("--spike-min-ratio", "inf"),
        ("--spike-min-ratio", "-5"),
        ("--spike-min-excess", "NaN"),
        ("--spike-min-excess", "1e999"),
        ("--local-offset", "+-1:00"),
        ("--local-offset", "+00:-30"),
        ("--local-offset", "+14:59"),
    ] {
        let out = bin()
            .args(["report", "samples/", "--out", "/nonexistent-never-written"])
            .arg(format!("{flag}={value}"))
            .assert()
            .code(2);
        assert!(
            stderr(&out).contains(flag),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
    let out = bin()
        .args(["kql", "spikes", "--spike-p", "NaN"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("--spike-p"));
}

#[test]
fn outputs_are_written_through_links_and_devices_and_replaced_as_a_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A report set that cannot be completed (report.json is a directory) leaves the old one.
    std::fs::write(out.join("by_code.csv"), "old\n").unwrap();
    std::fs::create_dir(out.join("report.json")).unwrap();
    let a = bin()
        .args(["report", "samples/", "--out", out.to_str().unwrap()])
        .assert()
        .code(1);
    assert!(
        stderr(&a).contains("report.json: it is a directory"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("by_code.csv")).unwrap(),
        "old\n"
    );
    std::fs::remove_dir(out.join("report.json")).unwrap();
    // A temporary a killed run left is removed; a symlinked report stays a link.
    std::fs::write(out.join(".acs-triage-killed.tmp"), "half").unwrap();
    let real = dir.path().join("real-summary.md");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, out.join("summary.md")).unwrap();
    bin()
        .args(["report", "samples/", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    assert!(!out.join(".acs-triage-killed.tmp").exists());
    let link = std::fs::symlink_metadata(out.join("summary.md")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .starts_with("# Call Automation triage report"));
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // A device is written in place, never replaced.
    let out = bin()
        .args([
            "triage",
            "8522",
            "samples/",
            "--format",
            "csv",
            "--out",
            "/dev/stdout",
        ])
        .assert()
        .success();
    assert!(stdout(&out).starts_with("correlation_id,"));
    bin()
        .args(["triage", "8522", "samples/", "--out", "/dev/null"])
        .assert()
        .success();
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    // An output directory that does not exist fails before the input is read.
    let a = bin()
        .args([
            "triage",
            "8522",
            "samples/",
            "--out",
            "/nonexistent/dir/x.md",
        ])
        .assert()
        .code(1);
    assert!(stderr(&a).contains("directory /nonexistent/dir does not exist"));
    assert!(!stderr(&a).contains("warning"), "{}", stderr(&a));
}

#[test]
fn log_text_makes_no_link_under_github_flavoured_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("links.jsonl");
    let text = "see http://evil.example/a and www.evil.example, WWW.evil.example or ops@evil.example, \
                mailto:x@evil.example xmpp:a@evil.example <https://evil.example> ftp://evil.example";
    let line = |t: &str, sub: u32| {
        serde_json::json!({
            "time": t, "operationName": "www.evil.example", "correlationId": "http://evil.example/c",
            "properties": {"resultCode": 412, "resultSubcode": sub, "resultMessage": text},
        })
        .to_string()
    };
    let lines = [
        line("2026-11-24T01:00:00Z", 8583),
        line("2026-11-24T01:00:01Z", 8536),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &[]).success();
    let triage = bin()
        .args(["triage", "8583", input.to_str().unwrap()])
        .assert()
        .success();
    // Every link a GFM renderer with autolinks finds must come from the catalogue.
    let catalogue = stdout(&bin().args(["codes", "--format", "json"]).assert().success());
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.table = true;
    options.extension.strikethrough = true;
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for md in [summary, stdout(&triage)] {
        let html = comrak::markdown_to_html(&md, &options);
        let hrefs: Vec<&str> = html
            .split("href=\"")
            .skip(1)
            .map(|h| &h[..h.find('"').unwrap()])
            .collect();
        assert!(!hrefs.is_empty(), "the catalogue's links are kept");
        for h in &hrefs {
            assert!(
                !h.contains("evil.example") && catalogue.contains(h),
                "{h} is not a catalogue link"
            );
        }
        assert!(!html.contains("<img"), "{html}");
    }
}

#[test]
fn extreme_years_are_rejects_and_a_century_costs_no_memory() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("years.jsonl");
    let rec = |t: &str| format!("{{\"time\":\"{t}\",\"resultCode\":500,\"resultSubcode\":8572}}\n");
    let text = [
        "+100000-01-01T00:00:00Z",
        "-100000-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2001-01-01T00:00:00Z",
        "2099-12-31T00:00:00Z",
    ]
    .map(rec)
    .concat();
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "100%"]).success();
    let rejects = read_csv(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 3);
    assert!(
        rejects[2]["reason"].starts_with("time out of range"),
        "{:?}",
        rejects[2]
    );
    // Two records 98 years apart: the chart has at most 400 bars, the page stays small.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.len() < 200_000, "{}", html.len());
    let timeline = read_csv(&out.join("timeline.csv"));
    assert_eq!(timeline.len(), 2);
}

#[test]
fn callback_batches_after_a_banner_line_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let events = std::fs::read_to_string(root().join("samples/callbacks/events.json")).unwrap();
    let input = dir.path().join("events.json");
    std::fs::write(
        &input,
        format!("Partition 0, offset 21474836480, enqueued 2026-11-24T10:00:03Z\n{events}"),
    )
    .unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "100%"]).success();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let m = manifest();
    let want = &m["files"]["samples/callbacks/events.json"];
    let f = &report["inputs"][0];
    assert_eq!(f["shape"], "json lines");
    assert_eq!(f["accepted"], want["accepted"]);
    assert_eq!(
        f["rejected"].as_u64().unwrap(),
        want["rejected"].as_u64().unwrap() + 1
    );
}

#[test]
fn a_catalogue_that_never_ends_or_is_utf16_is_handled() {
    let a = bin()
        .args(["--catalogue", "/dev/zero", "codes", "8522"])
        .assert()
        .code(1);
    assert!(stderr(&a).contains("larger than 16 MiB"), "{}", stderr(&a));
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("utf16.md");
    let text = "| Code | Subcode | Description | Mitigation |\n|---|---|---|---|\n| 499 | 99999 | Brand new | Do it |\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&page, bytes).unwrap();
    let out = bin()
        .args(["--catalogue", page.to_str().unwrap(), "codes", "499/99999"])
        .assert()
        .success();
    assert!(stdout(&out).contains("Brand new"));
}
