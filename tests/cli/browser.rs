//! `report.html` opened in a real browser (headless Chromium).

use std::path::Path;

use crate::common::*;
use serde_json::Value;

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
    for k in ["read", "accepted", "rejected", "skipped", "needs_action"] {
        let n = json["records"][k].as_u64().unwrap();
        assert!(
            dom.contains(&format!("<div class=\"value\">{n}</div>")),
            "headline {k} = {n}"
        );
    }
    for k in ["needs_action_rate", "failure_rate"] {
        let rate = format!("{:.2}%", json[k].as_f64().unwrap() * 100.0);
        assert!(dom.contains(&rate), "{k} {rate}");
    }
    // The page opens with what needs action.
    assert!(dom.contains("<p class=\"lead\"><strong>Needs action: "));
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

#[test]
fn four_weeks_read_as_daily_bars_in_a_real_browser() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium must be installed in CI (.ci/run installs it)"
        );
        eprintln!(
            "SKIPPED four_weeks_read_as_daily_bars_in_a_real_browser: chromium is not installed"
        );
        return;
    };
    let work = tempfile::tempdir().unwrap();
    // Four weeks of nights, one file a night: 28 days, so `--bucket auto` is daily.
    let input = work.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for day in 0..28 {
        let f = crate::spikes::night(work.path(), day, &[]);
        std::fs::rename(&f, input.join(format!("night-{day:02}.json"))).unwrap();
    }
    let out = work.path().join("out");
    report_to(&input, &out, &["--format", "csv,html"]).success();
    let buckets: Vec<String> = read_csv(&out.join("timeline.csv"))
        .iter()
        .map(|r| r["bucket"].clone())
        .collect();
    assert!(
        buckets.iter().all(|b| b.ends_with("T00:00:00Z")),
        "{buckets:?}"
    );
    let mut days = buckets.clone();
    days.dedup();
    assert_eq!(days.len(), 28);
    let (dom, urls) = browse(&chrome, &out.join("report.html"), work.path());
    assert!(urls.is_empty(), "report.html asked for {urls:?}");
    assert!(dom.contains("aria-labelledby=\"chart-time-title chart-time-desc\""));
    assert!(
        dom.contains("in 28 daily buckets"),
        "the chart says its buckets"
    );
    // Counts on the axes are whole numbers: "90", never "90.0".
    let labels: Vec<&str> = dom
        .split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
        })
        .map(|(text, _)| text.trim())
        .collect();
    assert!(
        labels.iter().any(|l| l.parse::<u64>().is_ok()),
        "{labels:?}"
    );
    assert!(
        !labels
            .iter()
            .any(|l| l.ends_with(".0") && l[..l.len() - 2].parse::<u64>().is_ok()),
        "{labels:?}"
    );
}
