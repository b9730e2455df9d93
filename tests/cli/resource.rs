//! `--resource` and callback events, which name no resource: a run of some resources counts the
//! callback records of their calls as the full run counts them under their calls' resources (the
//! files are read first for those calls), on the samples' real shapes, in several files in any
//! order, gzipped or not, on any number of threads; standard input, read once, leaves them out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use acs_triage::normalize::{Kind, Record};

use crate::common::*;

/// A (code, subcode) as by_code.csv writes it.
type Key = (String, String);

/// (code, subcode) → (records, calls, first seen, last seen).
type Counts = BTreeMap<Key, (u64, u64, String, String)>;

/// `by_code.csv` of a run's `--out`.
fn by_code(dir: &Path) -> Counts {
    (read_csv(&dir.join("by_code.csv")).into_iter())
        .map(|r| {
            let n = |k: &str| r[k].parse::<u64>().unwrap();
            (
                (r["code"].clone(), r["subcode"].clone()),
                (
                    n("count"),
                    n("calls"),
                    r["first_seen"].clone(),
                    r["last_seen"].clone(),
                ),
            )
        })
        .collect()
}

/// `timeline.csv` of a run's `--out`: (bucket, code, subcode) → records.
fn timeline(dir: &Path) -> BTreeMap<(String, String, String), u64> {
    (read_csv(&dir.join("timeline.csv")).into_iter())
        .map(|r| {
            let key = (r["bucket"].clone(), r["code"].clone(), r["subcode"].clone());
            (key, r["count"].parse().unwrap())
        })
        .collect()
}

/// A call's id as the reports count it: a GUID in either case is one call.
fn call_of(r: &Record<'_>) -> Option<String> {
    let id = r.call_id()?;
    let b = id.as_bytes();
    let guid = b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && (b.iter().enumerate())
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || c.is_ascii_hexdigit());
    Some(if guid {
        id.to_lowercase()
    } else {
        id.to_string()
    })
}

/// The records a full run counts under resource `name`: those that name it, and the callback
/// records of no resource whose call's resource (the first by name of those its records name) it
/// is.
fn records_under(records: &[Record<'static>], name: &str) -> Vec<Record<'static>> {
    let mut first: HashMap<String, String> = HashMap::new();
    for r in records {
        if let (Some(id), Some(res)) = (call_of(r), r.resource()) {
            let e = first.entry(id).or_insert_with(|| res.clone());
            if res < *e {
                *e = res;
            }
        }
    }
    (records.iter())
        .filter(|r| match r.resource() {
            Some(res) => res == name,
            None => {
                r.kind == Kind::Callback
                    && call_of(r).and_then(|id| first.get(&id).cloned()).as_deref() == Some(name)
            }
        })
        .cloned()
        .collect()
}

/// What `by_code.csv` counts of `records`.
fn counts_of(records: &[Record<'static>]) -> Counts {
    let mut keys: BTreeMap<Key, (u64, BTreeSet<String>, String, String)> = BTreeMap::new();
    for r in records {
        let key = (
            r.code.to_string(),
            r.subcode.map(|s| s.to_string()).unwrap_or_default(),
        );
        let t = r.time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let k = keys
            .entry(key)
            .or_insert_with(|| (0, BTreeSet::new(), t.clone(), t.clone()));
        k.0 += 1;
        k.1.extend(call_of(r));
        k.2 = k.2.clone().min(t.clone());
        k.3 = k.3.clone().max(t);
    }
    (keys.into_iter())
        .map(|(key, (n, calls, first, last))| (key, (n, calls.len() as u64, first, last)))
        .collect()
}

/// What `timeline.csv` counts of `records`, by the hour.
fn hours_of(records: &[Record<'static>]) -> BTreeMap<(String, String, String), u64> {
    let mut hours = BTreeMap::new();
    for r in records {
        let bucket = r.time.format("%Y-%m-%dT%H:00:00Z").to_string();
        let sub = r.subcode.map(|s| s.to_string()).unwrap_or_default();
        *hours.entry((bucket, r.code.to_string(), sub)).or_default() += 1;
    }
    hours
}

/// `by_resource.csv`'s rows, by resource.
fn resource_rows(dir: &Path) -> BTreeMap<String, HashMap<String, String>> {
    (read_csv(&dir.join("by_resource.csv")).into_iter())
        .map(|r| (r["resource"].clone(), r))
        .collect()
}

/// Runs `report INPUT --out OUT --format csv` with `extra`, on `threads` threads.
fn report_csv(input: &Path, out: &Path, threads: &str, extra: &[&str]) {
    bin()
        .env("RAYON_NUM_THREADS", threads)
        .arg("report")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(["--format", "csv", "--max-bad", "100%", "-q"])
        .args(extra)
        .assert()
        .success();
}

/// On the samples, `--resource X` gives X the by_resource.csv row the full run gives it, its
/// calls' callback records counted (`inferred`), and counts by code, call, first and last time
/// and hour what the full run counts of X's records and its calls' callback records. A call of
/// both resources (the small files' calls are named by the main resource's archive and the EU
/// resource's workspace export alike) is the main resource's, the first by name, in
/// `--resource acs-contoso-eu` too.
#[test]
fn a_resource_run_counts_its_calls_callback_records_as_the_full_run() {
    let records = records_of(&[root().join("samples")]);
    let full = tempfile::tempdir().unwrap();
    report_csv(&root().join("samples"), full.path(), "2", &[]);
    let full_rows = resource_rows(full.path());
    assert_eq!(full_rows["acs-contoso"]["inferred"], "56");
    // A glob over the whole id keeps what the name keeps, the samples' record whose resourceId
    // lacks its leading `/` with the others (rev68a F7: 2980 records of the full run's 2981).
    // So does one copied without its own leading `/` (rev68b F12: it had kept only that record).
    let whole_id = "/subscriptions/*/communicationservices/acs-contoso";
    for (name, glob) in [
        ("acs-contoso", "acs-contoso"),
        ("acs-contoso-eu", "acs-contoso-eu"),
        ("acs-contoso", whole_id),
        ("acs-contoso", &whole_id[1..]),
    ] {
        let out = tempfile::tempdir().unwrap();
        report_csv(
            &root().join("samples"),
            out.path(),
            "2",
            &["--resource", glob],
        );
        let rows = resource_rows(out.path());
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert_eq!(rows[name], full_rows[name], "{name}");
        let under = records_under(&records, name);
        assert_eq!(by_code(out.path()), counts_of(&under), "{name}");
        assert_eq!(timeline(out.path()), hours_of(&under), "{name}");
    }
    // A callback key of the main resource's calls alone (PlayFailed 404/8522 events) is in its
    // run with every record the full run has of it.
    let out = tempfile::tempdir().unwrap();
    report_csv(
        &root().join("samples"),
        out.path(),
        "1",
        &["--resource", "acs-*"],
    );
    let all = by_code(full.path());
    let some = by_code(out.path());
    let key = ("400".to_string(), "8536".to_string());
    assert!(some[&key].0 > 0);
    // `acs-*` keeps every resource: only the records of no resource (and of no call's
    // resource) are left out, as the full run's `(not named)` row counts them.
    let unnamed: u64 = full_rows["(not named)"]["count"].parse().unwrap();
    let sum = |c: &Counts| c.values().map(|v| v.0).sum::<u64>();
    assert_eq!(sum(&some), sum(&all) - unnamed);
}

/// The samples' files of two resources and of callback events, laid out three ways (the callback
/// files named to come first or last, gzipped or not), on one, two and three threads: each
/// resource's run counts its calls' callback records alike, as the full run does.
#[test]
fn a_resource_run_counts_the_same_in_any_order_of_files_gzipped_or_not() {
    let samples = root().join("samples");
    let archive = |kind: &str, hour: &str| -> PathBuf {
        let base = samples.join(format!(
            "storage-archive/insights-logs-callautomation{kind}"
        ));
        walkdir(&base)
            .into_iter()
            .find(|p| p.to_string_lossy().contains(&format!("/h={hour}/")))
            .unwrap()
    };
    let files: Vec<(&str, PathBuf)> = vec![
        ("ops", archive("operational", "19")),
        ("media19", archive("mediasummary", "19")),
        ("media20", archive("mediasummary", "20")),
        ("eu", walkdir(&samples.join("workspace-export")).remove(0)),
        ("events", samples.join("callbacks/events.json")),
        ("webhooks", samples.join("callbacks/webhook-bodies.json")),
    ];
    let gzip = |from: &Path, to: &Path| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &std::fs::read(from).unwrap()).unwrap();
        std::fs::write(to, gz.finish().unwrap()).unwrap();
    };
    let layout = |how: usize| -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, from) in &files {
            let callback = matches!(*name, "events" | "webhooks");
            let to = match (how, callback) {
                (0, _) => dir.path().join(format!("{name}.json")),
                (1, true) => dir.path().join(format!("0-{name}.json")),
                (1, false) => dir.path().join(format!("z-{name}.json")),
                _ => dir.path().join(format!("{name}.json.gz")),
            };
            match how {
                2 => gzip(from, &to),
                _ => drop(std::fs::copy(from, &to).unwrap()),
            }
        }
        dir
    };
    let first = layout(0);
    let records = records_of(&[first.path().to_path_buf()]);
    let full = tempfile::tempdir().unwrap();
    report_csv(first.path(), full.path(), "1", &[]);
    let full_rows = resource_rows(full.path());
    assert!(full_rows["acs-contoso"]["inferred"].parse::<u64>().unwrap() > 0);
    for name in ["acs-contoso", "acs-contoso-eu"] {
        let under = records_under(&records, name);
        for how in 0..3 {
            let dir = layout(how);
            for threads in ["1", "2", "3"] {
                let out = tempfile::tempdir().unwrap();
                report_csv(dir.path(), out.path(), threads, &["--resource", name]);
                let at = format!("{name}, layout {how}, {threads} threads");
                let rows = resource_rows(out.path());
                assert_eq!(rows.len(), 1, "{at}: {rows:?}");
                assert_eq!(rows[name], full_rows[name], "{at}");
                assert_eq!(by_code(out.path()), counts_of(&under), "{at}");
                assert_eq!(timeline(out.path()), hours_of(&under), "{at}");
            }
        }
    }
}

/// Standard input is read once: a `--resource` run of it leaves the callback records out, as
/// before, and says so in one line; the same bytes as a file count them.
#[test]
fn a_resource_run_of_standard_input_leaves_callback_records_out_and_says_so() {
    let samples = root().join("samples");
    let ops = walkdir(&samples.join("storage-archive/insights-logs-callautomationoperational"));
    let mut bytes = std::fs::read(&ops[0]).unwrap();
    bytes.extend(std::fs::read(samples.join("callbacks/events.json")).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("night.json");
    std::fs::write(&file, &bytes).unwrap();
    let (piped, named) = (dir.path().join("piped"), dir.path().join("named"));
    let run = bin()
        .args(["report", "-", "--out"])
        .arg(&piped)
        .args([
            "--format",
            "csv",
            "--max-bad",
            "100%",
            "--resource",
            "acs-contoso",
        ])
        .write_stdin(bytes)
        .assert()
        .success();
    let err = stderr(&run);
    let warning = "warning: --resource: standard input and pipes are read once, so the callback records of the kept resources' calls (which name no resource) are left out of the counts; save the input to a file to count them\n";
    assert!(err.contains(warning), "{err}");
    let rows = resource_rows(&piped);
    assert_eq!(rows["acs-contoso"]["inferred"], "0");
    let run = report_to(
        &file,
        &named,
        &[
            "--format",
            "csv",
            "--max-bad",
            "100%",
            "--resource",
            "acs-contoso",
        ],
    );
    let err = stderr(&run.success());
    assert!(!err.contains("read once"), "{err}");
    let rows = resource_rows(&named);
    let inferred: u64 = rows["acs-contoso"]["inferred"].parse().unwrap();
    assert!(inferred > 0, "{rows:?}");
}

/// The files under `dir`, in order.
fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `triage --resource` keeps the records `report --resource` keeps: its totals of a subcode of
/// callback events and operations records alike are by_code.csv's rows, its calls those of the
/// kept resource's records and its calls' callback records, and its line of the records read
/// names no callback record left out when every one is of a kept resource's call.
#[test]
fn triage_of_some_resources_counts_their_calls_callback_records() {
    let records = records_of(&[root().join("samples")]);
    let out = tempfile::tempdir().unwrap();
    let keep = ["--resource", "acs-contoso"];
    report_csv(&root().join("samples"), out.path(), "2", &keep);
    let codes = by_code(out.path());
    let t = bin()
        .args(["triage", "8522", "samples/", "--format", "json"])
        .args(keep)
        .assert();
    let json: serde_json::Value = serde_json::from_str(&stdout(&t.success())).unwrap();
    let totals = json["totals"].as_array().unwrap();
    assert!(totals.len() >= 2, "{totals:?}");
    for k in totals {
        let key = (k["code"].to_string(), "8522".to_string());
        assert_eq!(k["count"].as_u64().unwrap(), codes[&key].0, "{key:?}");
        assert_eq!(k["calls"].as_u64().unwrap(), codes[&key].1, "{key:?}");
    }
    let under = records_under(&records, "acs-contoso");
    let callbacks = (under.iter())
        .filter(|r| r.kind == Kind::Callback && r.subcode == Some(8522))
        .count() as u64;
    assert!(callbacks > 0);
    let inferred: u64 = (json["resources"].as_array().unwrap().iter())
        .map(|r| r["inferred"].as_u64().unwrap())
        .sum();
    assert_eq!(inferred, callbacks);
    let t = bin()
        .args(["triage", "8522", "samples/"])
        .args(keep)
        .assert();
    let text = stdout(&t.success());
    assert!(!text.contains("callback records"), "{text}");
    // Of acs-contoso-eu, the callback records of the calls it shares with acs-contoso, the
    // first by name, are left out, and said to be.
    let eu = ["--resource", "acs-contoso-eu"];
    let t = bin().args(["triage", "8522", "samples/"]).args(eu).assert();
    let text = stdout(&t.success());
    let callbacks = |rs: &[Record<'static>]| rs.iter().filter(|r| r.kind == Kind::Callback).count();
    let left_out = callbacks(&records) - callbacks(&records_under(&records, "acs-contoso-eu"));
    assert!(left_out > 0);
    let line = format!(
        " (of them {left_out} callback records, which name no resource, of calls whose resource is not kept)."
    );
    assert!(text.contains(&line), "{line}\n{text}");
}

#[test]
fn resource_patterns_give_each_record_its_resource_s_verdict_and_name_those_unmatched() {
    // Records of three resources, interleaved and repeated, each resource's verdict given once
    // and then reused: by name, by whole id, by neither; a pattern no resource matches is said.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let ids = [
        "/SUBSCRIPTIONS/X/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-A",
        "/subscriptions/x/providers/microsoft.communication/communicationservices/acs-b",
        "/subscriptions/x/providers/microsoft.communication/communicationservices/other-c",
    ];
    let mut lines = String::new();
    for i in 0..60 {
        let id = ids[(i * 7 / 3) % 3];
        lines += &format!(
            "{{\"time\":\"2026-11-24T02:{:02}:00Z\",\"resourceId\":\"{id}\",\"category\":\"CallAutomationMediaSummary\",\"operationName\":\"Play\",\"correlationId\":\"c{i}\",\"properties\":{{\"resultCode\":500,\"resultSubcode\":8500,\"resultMessage\":\"m\"}}}}\n",
            i % 60
        );
    }
    std::fs::write(&input, &lines).unwrap();
    let expected = |id: &str| lines.matches(&format!("\"{id}\"")).count().to_string();
    for threads in ["1", "3"] {
        let out = dir.path().join(format!("out{threads}"));
        let run = bin()
            .env("RAYON_NUM_THREADS", threads)
            .arg("report")
            .arg(&input)
            .args(["--out"])
            .arg(&out)
            .args(["--format", "csv"])
            .args([
                "--resource",
                "acs-a",
                "--resource",
                "*/communicationservices/acs-b",
            ])
            .args(["--resource", "nomatch-*", "--resource", "acs-?"])
            .assert()
            .success();
        let rows = resource_rows(&out);
        assert_eq!(
            rows.keys().collect::<Vec<_>>(),
            ["acs-a", "acs-b"],
            "{rows:?}"
        );
        assert_eq!(rows["acs-a"]["count"], expected(ids[0]));
        assert_eq!(rows["acs-b"]["count"], expected(ids[1]));
        let err = stderr(&run);
        assert!(
            err.contains("--resource nomatch-*: no record's resource matched it"),
            "{err}"
        );
        assert_eq!(
            err.matches("no record's resource matched it").count(),
            1,
            "{err}"
        );
    }
}
