//! Helpers of the integration tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root so sample paths read as in the README.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("acs-triage").unwrap();
    c.current_dir(root());
    c
}

pub fn stdout(a: &Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

pub fn stderr(a: &Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

pub fn manifest() -> Value {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/samples_expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Runs `report samples/` into a fresh directory with extra arguments.
pub fn report_samples(extra: &[&str]) -> (tempfile::TempDir, Assert) {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["report", "samples/", "--out", dir.path().to_str().unwrap()])
        .args(extra)
        .assert();
    (dir, out)
}

/// A CSV file as rows of header → cell.
pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

/// The sum of the `count` column of CSV rows.
pub fn count_sum<'a>(rows: impl IntoIterator<Item = &'a HashMap<String, String>>) -> u64 {
    rows.into_iter()
        .map(|r| r["count"].parse::<u64>().unwrap())
        .sum()
}

/// A Parquet file of the history.
pub fn read_parquet(path: &Path) -> polars::prelude::DataFrame {
    use polars::prelude::{ParquetReader, SerReader};
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

/// The records of some inputs, read by the library as the CLI reads them.
pub fn records_of(inputs: &[PathBuf]) -> Vec<acs_triage::normalize::Record<'static>> {
    use acs_triage::ingest::{ingest, Kept, Reject, Sink};
    use acs_triage::normalize::Record;

    #[derive(Default)]
    struct Collect(Vec<Record<'static>>);
    impl Sink for Collect {
        type Apart = ();

        fn record(&mut self, r: &Record<'_>) -> Kept {
            self.0.push(r.to_owned_record());
            Kept::Counted
        }
        fn reject(&mut self, _: Reject) {}
        fn reject_not_kept(&mut self, _: acs_triage::normalize::Reason) {}
        fn skip(
            &mut self,
            _: acs_triage::normalize::SkipReason,
            _: Option<chrono::DateTime<chrono::Utc>>,
        ) {
        }
        fn merge(&mut self, o: Collect) {
            self.0.extend(o.0);
        }
    }
    let settings = acs_triage::config::IngestSettings::of(inputs.to_vec());
    ingest(&settings, None, Collect::default).unwrap().0 .0
}

/// Runs `report INPUT --out OUT` with extra arguments.
pub fn report_to(input: &Path, out: &Path, extra: &[&str]) -> Assert {
    bin()
        .arg("report")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

/// Runs `report INPUT --out OUT --format FORMATS` on `threads` threads.
pub fn report_on_threads(threads: &str, input: &Path, out: &Path, formats: &str) {
    bin()
        .env("RAYON_NUM_THREADS", threads)
        .arg("report")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(["--format", formats])
        .assert()
        .success();
}

/// The entries of a history directory but its lock file (`.acs-triage.lock`, which a run that
/// stores its night leaves in place).
pub fn history_entries(dir: &Path) -> Vec<PathBuf> {
    let mut e: Vec<PathBuf> = (std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != ".acs-triage.lock"))
        .collect();
    e.sort();
    e
}
