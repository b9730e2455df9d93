//! `acs-triage codes`: lookups, listings and the catalogue files it loads.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn codes_8522_shows_both_pairs_with_their_mitigations() {
    let out = bin().args(["codes", "8522"]).assert().success();
    let text = stdout(&out);
    assert!(text.contains("404/8522"), "{text}");
    assert!(text.contains("405/8522"), "{text}");
    assert!(text.contains("Double check call status"), "{text}");
    assert!(text.contains("invoking the AnswerCall API"), "{text}");
    assert!(
        text.contains("subcode 8522   failure   generic subcode"),
        "{text}"
    );
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
        "entry,code,subcode,category,outcome,match,source,used,callback_event,description,mitigation"
    );
    assert!(
        text.contains(
            "pair,404,8522,client,failure,exact,call-automation,true,CreateCallFailed / AnswerFailed,"
        ),
        "{text}"
    );
    assert!(
        text.contains("pair,404,560404,client,failure,exact,pstn,true,,"),
        "{text}"
    );
    assert!(
        text.contains("code,404,,client,failure,code,call-automation,true,,Not found,"),
        "{text}"
    );
    // Both pages have 503/560503: the PSTN one is listed, and not used.
    let out = bin()
        .args(["codes", "560503", "--format", "csv"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("pair,503,560503,server,failure,exact,call-automation,true,"),
        "{text}"
    );
    assert!(
        text.contains("pair,503,560503,server,failure,exact,pstn,false,"),
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
    // PSTN text on one line, its `<br/>` bullets after their full stops.
    let busy = rows
        .iter()
        .find(|r| r["source"] == "pstn" && r["code"] == "403" && r["subcode"] == "560403")
        .unwrap();
    assert_eq!(
        busy["description"],
        "Call forbidden. Call canceled. Call rejected."
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
        text.starts_with("603/0   global   caller   code match (call-automation)\n    Declined\n"),
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
    // The built-in row says what the file's says: not listed again as another reading
    // (rev70b F4), and the file's pair keeps the built-in's callback events.
    assert!(!text.contains("not used"), "{text}");
    assert!(
        text.contains("Callback events: CreateCallFailed / AnswerFailed"),
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
fn codes_without_query_lists_the_rules_and_classes_in_every_format() {
    // The SBC rule once per prefix (not its 1,200 subcodes) and the 2xx class, marked as the
    // lookup marks their answers: `prefix` and `code`.
    let text = stdout(&bin().args(["codes"]).assert().success());
    for head in [
        "subcode 560xxx   rule, prefix match (pstn)",
        "subcode 540xxx   rule, prefix match (pstn)",
        "2xx   success   class of codes, code match (call-automation)",
    ] {
        assert!(text.contains(head), "{head}: {text}");
    }
    let out = bin().args(["codes", "--format", "csv"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codes.csv");
    std::fs::write(&path, stdout(&out)).unwrap();
    let rows = read_csv(&path);
    let kind = |entry: &str| -> Vec<(String, String, String)> {
        (rows.iter().filter(|r| r["entry"] == entry))
            .map(|r| {
                let d = r["description"].clone();
                (r["match"].clone(), r["source"].clone(), d)
            })
            .collect()
    };
    let rules = kind("rule");
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(rules.iter().all(|(m, s, _)| m == "prefix" && s == "pstn"));
    assert!(rules[0]
        .2
        .starts_with("A subcode starting with 560: an outbound call"));
    assert!(rules[1]
        .2
        .starts_with("A subcode starting with 540: an inbound call"));
    let classes = kind("class");
    assert_eq!(classes.len(), 1, "{classes:?}");
    assert!(classes[0]
        .2
        .starts_with("A 2xx code represents a successful response."));
    assert!(rows.len() < 400, "{}", rows.len());
    let json = stdout(&bin().args(["codes", "--format", "json"]).assert().success());
    let v: Value = serde_json::from_str(&json).unwrap();
    let entries = |e: &str, m: &str| {
        (v.as_array().unwrap().iter())
            .filter(|r| r["entry"] == e && r["match"] == m)
            .count()
    };
    assert_eq!(
        (entries("rule", "prefix"), entries("class", "code")),
        (2, 1)
    );
    let md = stdout(&bin().args(["codes", "--format", "md"]).assert().success());
    assert_eq!(md.matches("| rule |").count(), 2, "{md}");
    assert_eq!(md.matches("| class |").count(), 1, "{md}");
}

/// A pair both pages give reads both, the one the reports use first; a pair that matches
/// nothing says what is close to it.
#[test]
fn codes_pair_lists_the_other_page_and_what_is_close() {
    let out = bin().args(["codes", "503/560503"]).assert().success();
    let text = stdout(&out);
    let first = text.find("503/560503   server   failure   exact match (call-automation)");
    let other = text.find(
        "503/560503   server   failure   exact match, not used: the reports use call-automation's (pstn)",
    );
    assert!(first.is_some() && other > first, "{text}");
    assert!(text.contains("check your SBC logs"), "{text}");
    let json = bin()
        .args(["codes", "503/560503", "--format", "json"])
        .assert();
    let v: Value = serde_json::from_str(&stdout(&json.success())).unwrap();
    assert_eq!(
        (
            v[0]["used"].as_bool(),
            v[1]["used"].as_bool(),
            v[1]["source"].as_str()
        ),
        (Some(true), Some(false), Some("pstn"))
    );
    let out = bin().args(["codes", "0/8522"]).assert().code(1);
    let err = stderr(&out);
    for hint in [
        "0/8522 matches nothing, but subcode 8522 is documented under other codes: 404/8522, 405/8522",
        "0/8522 matches nothing, but the generic subcode 8522 (Not Found) describes failure codes only; 0 is success",
        "0/8522 matches nothing, but code 0 is documented with other subcodes: 0/0, 0/560000, 0/540000",
        "no catalogue entry matches 0/8522",
    ] {
        assert!(err.contains(hint), "{hint}: {err}");
    }
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

/// A lookup that matches nothing still gives a script its table, empty (`[]`, the CSV header),
/// with exit 1 and the miss on stderr: JSON printed nothing at all.
#[test]
fn codes_that_match_nothing_give_an_empty_table() {
    for (format, want) in [("json", "[]"), ("csv", "entry,code,subcode,")] {
        let out = bin()
            .args(["codes", "42", "--format", format])
            .assert()
            .code(1);
        assert!(
            stdout(&out).trim().starts_with(want),
            "{format}: {}",
            stdout(&out)
        );
        assert!(stderr(&out).contains("no catalogue entry matches 42"));
    }
}
