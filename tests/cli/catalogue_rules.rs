//! What the pages say in prose rather than in a table row, as `codes`, the reports and the
//! KQL queries use it: the PSTN page's rule for subcodes starting with 560 or 540 (the SIP
//! response of the user's SBC), and the "2xx codes" section.

use crate::common::*;
use crate::kql::{check_kql, kql_python};

#[test]
fn codes_reads_the_sbc_rule_and_the_2xx_section() {
    let out = bin().args(["codes", "560410", "540486/"]).assert();
    // 540486/ is a code query: no code 540486.
    let text = stdout(&out.code(1));
    assert!(
        text.contains("subcode 560410   failure   prefix match (pstn)"),
        "{text}"
    );
    assert!(text.contains("an outbound call"), "{text}");
    assert!(
        text.contains("the SIP response code from the SBC was 410"),
        "{text}"
    );
    assert!(text.contains("checking your SBC logs"), "{text}");

    let out = bin()
        .args(["codes", "500/540486", "202", "--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["match"], "prefix", "{v}");
    assert_eq!(v[0]["source"], "pstn");
    let d = v[0]["description"].as_str().unwrap();
    assert!(
        d.contains("an inbound call") && d.ends_with("was 486."),
        "{d}"
    );
    assert_eq!(v[1]["entry"], "code");
    assert_eq!(v[1]["code"], 202);
    assert_eq!(v[1]["category"], "success");
    let d = v[1]["description"].as_str().unwrap();
    assert!(
        d.starts_with("A 2xx code represents a successful response."),
        "{d}"
    );

    // A pair of the page keeps winning; a subcode that is no SIP code, or that no page
    // loaded states the rule for, is not read by it.
    let out = bin()
        .args(["codes", "403/560403", "500/560099", "--format", "csv"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("resolved,403,560403,client,failure,exact,"),
        "{text}"
    );
    assert!(
        text.contains("resolved,500,560099,server,failure,code,"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("codes.csv");
    std::fs::write(
        &csv,
        "code,subcode,description,mitigation\n500,,Internal,\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    bin()
        .args([
            "--no-builtin-catalogue",
            "--catalogue",
            csv,
            "codes",
            "560410",
        ])
        .assert()
        .code(1);
    // The PSTN page given as a file states the rule too.
    let page = root().join("src/catalogue/pstn.md");
    let out = bin()
        .args(["--no-builtin-catalogue", "--catalogue"])
        .arg(&page)
        .args(["codes", "540410", "--format", "csv"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(text.contains("rule,,540410,,failure,prefix,"), "{text}");
}

#[test]
fn reports_and_kql_read_the_sbc_rule_and_the_2xx_section() {
    let work = tempfile::tempdir().unwrap();
    let mut text = String::from("TimeGenerated,OperationName,ResultType,ResultCode,ResultSubcode,CorrelationId,OperationId,Type,_ResourceId,RecognizePromptSubOperationName\n");
    for (i, (code, sub)) in [
        (500, "560410"),
        (500, "560410"),
        (486, "540486"),
        (500, "540486"),
        (500, "560099"),
        (403, "560403"),
        (202, ""),
        (200, "8510"),
        (200, "560200"),
        (500, "560180"),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "2026-11-24 01:00:0{i}.000,Play,Failed,{code},{sub},c{i},o,ACSCallAutomationMediaSummary,,\n"
        ));
    }
    let file = work.path().join("media.csv");
    std::fs::write(&file, text).unwrap();
    let out = work.path().join("report");
    report_to(&file, &out, &["--format", "csv"]).success();
    let rows = read_csv(&out.join("by_code.csv"));
    let row = |code: &str, sub: &str| {
        (rows.iter())
            .find(|r| r["code"] == code && r["subcode"] == sub)
            .unwrap_or_else(|| panic!("{code}/{sub}: {rows:?}"))
    };
    let sbc = row("500", "560410");
    assert_eq!(
        (sbc["match"].as_str(), sbc["source"].as_str()),
        ("prefix", "pstn")
    );
    assert!(sbc["description"].contains("outbound call"), "{sbc:?}");
    assert!(sbc["mitigation"].contains("SBC logs"), "{sbc:?}");
    assert_eq!(row("500", "540486")["match"], "prefix");
    assert_eq!(row("486", "540486")["match"], "exact");
    assert_eq!(row("403", "560403")["match"], "exact");
    assert_eq!(row("500", "560099")["description"], "Internal server error");
    // A success the SBC answered 200 is not told to troubleshoot; a 1xx is provisional,
    // never the final response the rule reads (rev70b F5).
    let ok = row("200", "560200");
    assert_eq!(
        (ok["match"].as_str(), ok["mitigation"].as_str()),
        ("prefix", "")
    );
    assert_eq!(row("500", "560180")["description"], "Internal server error");
    for (code, sub) in [("202", ""), ("200", "8510")] {
        let r = row(code, sub);
        assert_eq!(
            (r["match"].as_str(), r["category"].as_str()),
            ("code", "success")
        );
        assert!(
            r["description"].starts_with("A 2xx code represents"),
            "{r:?}"
        );
    }
    let Some(python) = kql_python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "duckdb-kql must be installed in CI"
        );
        return;
    };
    check_kql(
        &python,
        work.path(),
        "by-code",
        "media",
        &file,
        &[],
        &out.join("by_code.csv"),
    );
}

/// A page that gives a pair twice with different texts: `report` lists the warning with the
/// run's others, in summary.md, report.json and on stderr, once (rev70b F3: it was on stderr
/// only, said as the catalogue loaded, never in the reports a nightly reader opens).
#[test]
fn a_pair_given_twice_in_a_catalogue_is_in_the_reports_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("mine.md");
    std::fs::write(
        &page,
        "| Code | Subcode | Message | Mitigation |\n|---|---|---|---|\n\
         | 400 | 8523 | First | Do this |\n| 404 | 8522 | Other | x |\n| 400 | 8523 | Second | Do that |\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = report_to(
        &root().join("samples"),
        &out,
        &["--catalogue", page.to_str().unwrap(), "--format", "md,json"],
    )
    .success();
    let said = format!(
        "catalogue {}, line 5: pair 400/8523 is given twice (first on line 3); the first counts",
        page.display()
    );
    assert_eq!(stderr(&run).matches(&said).count(), 1, "{}", stderr(&run));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains(&said), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let warnings = json["data_quality"]["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w == said.as_str()), "{warnings:?}");
    // Another command still says it as the catalogue loads.
    let run = bin()
        .args(["codes", "400/8523", "--catalogue", page.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(stderr(&run).matches(&said).count(), 1, "{}", stderr(&run));
}

/// A newer page's row with a `|` inside a code span: GFM splits the cell there and drops the
/// row's last cell, and the warning names the line, in `codes` as in the reports (rev71a F3: the
/// mitigation was gone without a word, exit 0).
#[test]
fn a_row_with_more_cells_than_its_header_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.md");
    std::fs::write(
        &page,
        "# Troubleshooting (a newer copy of the page)\n\n\
         | Code | Subcode | Message | Mitigation |\n|---|---|---|---|\n\
         | 400 | 8536 | File download failed: check `prompt|tts` setting | Make sure the file URL is reachable. |\n\
         | 400 | 8535 | Invalid File Format | Use a WAV file, mono, 16 kHz. |\n",
    )
    .unwrap();
    let said = format!(
        "acs-triage: warning: catalogue {}, line 5: 5 cells for 4 columns, read as the first 4 (the rest dropped): a `|` inside the text, a code span's too, splits a cell unless written `\\|`",
        page.display()
    );
    let run = bin()
        .args(["--catalogue", page.to_str().unwrap(), "codes", "400/8536"])
        .assert()
        .success();
    assert_eq!(stderr(&run).matches(&said).count(), 1, "{}", stderr(&run));
    assert_eq!(stderr(&run).lines().count(), 1, "{}", stderr(&run));
}

/// A CSV catalogue with its header and no row is told so, not that it lacks that header
/// (rev71a F8).
#[test]
fn a_header_only_csv_catalogue_is_told_it_has_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    std::fs::write(&csv, "code,subcode,description,mitigation\n").unwrap();
    let run = bin()
        .args(["--catalogue", csv.to_str().unwrap(), "codes", "8522"])
        .assert()
        .code(1);
    assert_eq!(
        stderr(&run).trim_end(),
        format!(
            "acs-triage: catalogue {}, line 1: a CSV catalogue with its header and no rows",
            csv.display()
        ),
    );
}

/// A key both pages give with other words: summary.md and report.html say the PSTN page's
/// reading under the table that gives the Call Automation page's (rev70b's note: a Direct
/// Routing user reading the nightly summary alone had acted on one), escaped, its link kept.
#[test]
fn the_pages_say_what_the_other_catalogue_page_reads_of_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"time":"2026-11-24T10:00:00Z","resourceId":"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","operationName":"CreateCall","category":"CallAutomationOperational","correlationId":"11111111-1111-1111-1111-111111111111","properties":{"ResultCode":403,"ResultSubcode":510403}}"#,
            "\n",
            r#"{"time":"2026-11-24T10:00:01Z","resourceId":"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","operationName":"Play","category":"CallAutomationOperational","correlationId":"11111111-1111-1111-1111-111111111112","properties":{"ResultCode":404,"ResultSubcode":8522}}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["-q"]).success();
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("Another catalogue page reads these keys otherwise"),
        "{md}"
    );
    assert!(
        md.contains("- 403/510403 — pstn: “Call blocked: Alternate ID not supplied"),
        "{md}"
    );
    assert!(
        md.contains("see [Manage calls](https://learn.microsoft.com/"),
        "{md}"
    );
    assert!(!md.contains("404/8522 — "), "one page only: {md}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("<li>403/510403 — pstn: “Call blocked: Alternate ID not supplied"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"https://learn.microsoft.com/"),
        "{html}"
    );
}
