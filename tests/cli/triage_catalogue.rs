//! `triage` of a subcode the catalogue's tables do not hold: its Catalogue section lists the
//! entries its keys read (a generic code, the SBC rule), and `--calls`, which prints no
//! verdict, is not warned about the verdict's baseline.

use crate::common::*;

/// A media summary export of 500/9876 and 500/560410 records, in a fresh directory.
fn export() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("TimeGenerated,OperationName,ResultType,ResultCode,ResultSubcode,CorrelationId,OperationId,Type,_ResourceId,RecognizePromptSubOperationName\n");
    for (i, sub) in ["9876", "9876", "560410"].iter().enumerate() {
        text.push_str(&format!(
            "2026-11-24 01:00:0{i}.000,Play,Failed,500,{sub},c{i},o,ACSCallAutomationMediaSummary,,\n"
        ));
    }
    let file = dir.path().join("media.csv");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

#[test]
fn triage_lists_the_generic_entries_its_keys_read() {
    let (_dir, file) = export();
    let out = bin()
        .arg("triage")
        .arg("9876")
        .arg(&file)
        .assert()
        .success();
    let md = stdout(&out);
    let section = md.split("## Totals").next().unwrap();
    assert!(
        section.contains("The catalogue has no entry for subcode 9876."),
        "{section}"
    );
    assert!(
        section.contains(
            "- **code 500** (server), code match (call-automation): Internal server error"
        ),
        "{section}"
    );
    let out = bin()
        .arg("triage")
        .arg("9876")
        .arg(&file)
        .args(["--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["catalogue"][0]["entry"], "code 500", "{v}");
    assert_eq!(v["catalogue"][0]["match"], "code");
    // The SBC rule is the subcode's own entry.
    let out = bin()
        .arg("triage")
        .arg("560410")
        .arg(&file)
        .assert()
        .success();
    let md = stdout(&out);
    let section = md.split("## Totals").next().unwrap();
    assert!(!section.contains("no entry"), "{section}");
    assert!(
        section.contains("- **subcode 560410**, prefix match (pstn): A subcode starting with 560"),
        "{section}"
    );
}

#[test]
fn triage_calls_is_not_warned_about_a_verdict_it_does_not_print() {
    let (_dir, file) = export();
    for extra in [
        &["--calls"][..],
        &["--calls", "--format", "json"],
        &["--format", "csv"],
    ] {
        let out = bin()
            .arg("triage")
            .arg("9876")
            .arg(&file)
            .args(extra)
            .assert()
            .success();
        assert!(
            !stderr(&out).contains("--history"),
            "{extra:?}: {}",
            stderr(&out)
        );
    }
    // The verdict's views still say it.
    for format in ["md", "json"] {
        let out = bin()
            .arg("triage")
            .arg("9876")
            .arg(&file)
            .args(["--format", format])
            .assert()
            .success();
        assert!(
            stderr(&out).contains("no --history given"),
            "{format}: {}",
            stderr(&out)
        );
    }
}
