//! `codes` says whether a key needs action: the outcome class `report` splits keys by
//! (success, caller, failure), with the config's `[outcomes]` applied.

use crate::common::*;

/// The class of each entry `codes` prints, as JSON.
fn outcomes(config: Option<&std::path::Path>, queries: &[&str]) -> Vec<(String, String)> {
    let mut cmd = bin();
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let out = cmd
        .arg("codes")
        .args(queries)
        .args(["--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    (v.as_array().unwrap().iter())
        .map(|e| {
            let key = match (&e["code"], &e["subcode"]) {
                (serde_json::Value::Null, s) => format!("subcode {s}"),
                (c, serde_json::Value::Null) => c.to_string(),
                (c, s) => format!("{c}/{s}"),
            };
            (key, e["outcome"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn codes_shows_the_outcome_class_reports_use() {
    let got = outcomes(
        None,
        &[
            "487/560487",
            "497/560487",
            "8510",
            "404/8522",
            "202",
            "7000",
        ],
    );
    let want = [
        ("487/560487", "caller"),
        // The PSTN page prints 560487's row under 497: the same caller hang-up.
        ("497/560487", "caller"),
        ("subcode 8510", "caller"),
        ("404/8522", "failure"),
        ("202", "success"),
        // 7000 "Graceful" fits any code: its class is the code's.
        ("200/7000", "success"),
        ("subcode 7000", ""),
    ];
    for (key, class) in want {
        assert!(
            got.contains(&(key.to_string(), class.to_string())),
            "{key} {class}: {got:?}"
        );
    }
    // The text listing says it beside the category, and why a caller key is the caller's.
    let out = bin()
        .args(["codes", "8510", "487/560487"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("subcode 8510   caller   generic subcode"),
        "{text}"
    );
    assert!(
        text.contains("487/560487   client   caller   subcode match (pstn)"),
        "{text}"
    );
    assert!(
        text.contains("Caller outcome: Initial Silence Timeout Reached"),
        "{text}"
    );

    // The config's [outcomes] count, as in the reports.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("outcomes.toml");
    let config = "[outcomes]\ncaller = [\"404/8522\"]\nfailure = [\"8510\"]\n";
    std::fs::write(&cfg, config).unwrap();
    let got = outcomes(Some(&cfg), &["404/8522", "8510"]);
    assert!(
        got.contains(&("404/8522".into(), "caller".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("subcode 8510".into(), "failure".into())),
        "{got:?}"
    );
}
