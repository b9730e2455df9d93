//! The mutation test: every sample shape, damaged in every way an export gets damaged (byte
//! flips, truncation, deep nesting, huge numbers, junk lines, broken quotes and brackets), must
//! be read without a panic or an abort, with every record accounted for, and a one-line mutant
//! of a shape with one record per line may cost at most one record.
//!
//! CI runs `ACS_TRIAGE_MUTANTS` cases (default 1,500, well under a minute); a long run is
//! `ACS_TRIAGE_MUTANTS=20000 cargo test --release --lib mutation -- --nocapture`. The cases are
//! drawn from a fixed seed (`ACS_TRIAGE_MUTATION_SEED` to change it), so a failure repeats.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use super::tests_shapes::ingest_one;

/// A sample file and what reading it untouched gives.
struct Original {
    name: String,
    bytes: Vec<u8>,
    /// One record per line (storage archive, workspace export, portal CSV): a mutant confined
    /// to one line may cost one record at most.
    line_based: bool,
    /// CSV: its first line is the header, which every row depends on.
    csv: bool,
    accepted: u64,
    read: u64,
}

fn samples() -> &'static [Original] {
    static S: OnceLock<Vec<Original>> = OnceLock::new();
    S.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut files = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x != "md") {
                    files.push(p);
                }
            }
        }
        files.sort();
        // One blob of the full day stands for the 22 alike.
        let mut seen_plain = false;
        files.retain(|p: &PathBuf| {
            let s = p.to_string_lossy();
            let plain = s.contains("insights-logs-callautomationmediasummary")
                && !s.contains("h=19")
                && !s.contains("h=20")
                && !s.ends_with(".gz");
            !(plain && std::mem::replace(&mut seen_plain, true))
        });
        files
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                let name = p.to_string_lossy().into_owned();
                let csv = name.ends_with(".csv");
                let line_based =
                    csv || name.contains("storage-archive/") || name.contains("workspace-export/");
                let (c, counts) = ingest_one(&bytes);
                assert_eq!(c.records.len() as u64, counts.0);
                Original {
                    name,
                    bytes,
                    line_based,
                    csv,
                    accepted: counts.0,
                    read: counts.0 + counts.1 + counts.2,
                }
            })
            .collect()
    })
}

/// How a mutant is made.
#[derive(Debug, Clone)]
struct Mutation {
    file: usize,
    kind: u8,
    /// Where, as a fraction of the file (of its lines for line-based shapes).
    at: u32,
    byte: u8,
    len: u16,
}

const KINDS: u8 = 10;

fn mutation() -> impl Strategy<Value = Mutation> {
    (0..64usize, 0..KINDS, any::<u32>(), any::<u8>(), 1..4000u16).prop_map(
        |(file, kind, at, byte, len)| Mutation {
            file,
            kind,
            at,
            byte,
            len,
        },
    )
}

/// The mutant bytes, and whether the mutation stayed inside one line (no newline touched or
/// added).
fn mutate(o: &Original, m: &Mutation) -> (Vec<u8>, bool) {
    let b = &o.bytes;
    let mut out = b.clone();
    if b.is_empty() {
        return (out, true);
    }
    // A position inside one line (past the CSV header), or anywhere.
    let lines: Vec<(usize, usize)> = {
        let mut v = Vec::new();
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            if c == b'\n' {
                v.push((start, i));
                start = i + 1;
            }
        }
        if start < b.len() {
            v.push((start, b.len()));
        }
        v
    };
    let pick = |n: usize| (m.at as u64 * n as u64 / (u32::MAX as u64 + 1)) as usize;
    let (lo, hi) = if o.line_based {
        let first = usize::from(o.csv);
        let (lo, hi) = lines[first + pick(lines.len() - first)];
        (lo, hi.max(lo + 1).min(b.len()))
    } else {
        (0, b.len())
    };
    let at = lo + pick(hi - lo).min(hi - lo - 1);
    match m.kind {
        // A byte flipped (never to a newline within a line).
        0 => {
            let c = if o.line_based && m.byte == b'\n' {
                b'?'
            } else {
                m.byte
            };
            out[at] = c;
        }
        // A structural character in place of a byte.
        1 => out[at] = b"\"\\{}[],:"[m.byte as usize % 8],
        // A quote or a bracket inserted.
        2 => out.insert(at, b"\"[]{}"[m.byte as usize % 5]),
        // Cut short: the rest of the line (or of the file) gone.
        3 => {
            if o.line_based {
                out.drain(at..hi);
            } else {
                out.truncate(at);
            }
        }
        // A run of bytes deleted.
        4 => {
            let end = (at + m.len as usize % 64 + 1).min(hi);
            out.drain(at..end);
        }
        // Deep nesting.
        5 => {
            let n = m.len as usize * 10;
            let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
            out.splice(at..at, deep.into_bytes());
        }
        // A huge number.
        6 => {
            let huge = ["1e999999", "123456789012345678901234567890", "-0.0e-400"];
            out.splice(at..at, huge[m.byte as usize % 3].bytes());
        }
        // A line of junk before the line (a banner, a half-written record).
        7 => {
            let junk: &[&[u8]] = &[
                b"Partition 0, offset 42, enqueued 2026-11-24T10:00:03Z\n",
                b"{\"time\":\"2026-11-24T10:00:00Z\",\n",
                b"\xff\xfe\x00garbage\n",
                b"]}\n",
            ];
            out.splice(lo..lo, junk[m.byte as usize % 4].iter().copied());
            return (out, false);
        }
        // A byte that is not UTF-8, or a control character.
        8 => out[at] = [0xff, 0xc3, 0x00, 0x1b, b'\r'][m.byte as usize % 5],
        // Anywhere: a newline removed or added (two records joined, one cut in two).
        _ => {
            if let Some(p) = b[at..].iter().position(|&c| c == b'\n') {
                out.remove(at + p);
            } else {
                out.insert(at, b'\n');
            }
            return (out, false);
        }
    }
    // Every other kind stays inside the line it was put in.
    (out, o.line_based)
}

fn check(m: &Mutation) -> Result<(), TestCaseError> {
    let all = samples();
    let o = &all[m.file % all.len()];
    let (bytes, one_line) = mutate(o, m);
    let (c, (accepted, rejected, skipped)) = ingest_one(&bytes);
    // Every record handed on is counted, and every count was handed on.
    prop_assert_eq!(c.records.len() as u64, accepted, "{}", o.name);
    prop_assert_eq!(c.rejects.len() as u64, rejected, "{}", o.name);
    prop_assert_eq!(c.skipped, skipped, "{}", o.name);
    if one_line {
        let read = accepted + rejected + skipped;
        prop_assert!(
            accepted + 1 >= o.accepted && read + 1 >= o.read,
            "{}: {:?} cost more than one record: accepted {} of {}, read {} of {}",
            o.name,
            m,
            accepted,
            o.accepted,
            read,
            o.read
        );
    }
    Ok(())
}

#[test]
fn mutants_of_every_sample_shape_are_read_without_loss() {
    let cases = std::env::var("ACS_TRIAGE_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500);
    let seed = std::env::var("ACS_TRIAGE_MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_201);
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let started = std::time::Instant::now();
    runner
        .run(&mutation(), |m| check(&m))
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{cases} mutants of {} sample files read in {:.1} s (seed {seed})",
        samples().len(),
        started.elapsed().as_secs_f64()
    );
}
