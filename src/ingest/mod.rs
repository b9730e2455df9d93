//! Ingest: find the input files, open them (gzip is detected by its magic bytes), detect each
//! one's shape from its content, and stream normalized records to a [`Sink`] as they are read.
//!
//! The shapes of `docs/export-formats.md` differ in two ways: the framing (one JSON value per
//! line, one JSON document, or a CSV table) and the record's own layout (common schema with
//! `properties`, flat PascalCase, all-string CLI rows, CloudEvents). The framing has a file
//! each here (`lines.rs`, `document.rs`, `csv.rs`); the layouts are all read by the fast
//! scanner of `scan.rs` where it can, else by the serde visitors of `json.rs`, and by the
//! field rules of `normalize.rs`.
//!
//! Files are read in parallel, and so are the blocks of one large file (`blocks.rs`): JSON
//! Lines cut at newlines, CSV at newlines outside quotes, a JSON array between elements. A
//! large plain file of JSON Lines is read by ranges instead, each worker reading its own
//! (`ranges.rs`), and its line numbers are worked out after the fact (`ledger.rs`). Each
//! worker feeds its own sink and the sinks are merged at the end.

mod blocks;
mod csv;
mod days;
mod document;
mod elements;
mod file_ctx;
pub mod json;
mod ledger;
mod lines;
mod open;
mod ranges;
mod read_one;
mod record_seed;
mod rejects;
mod scan;
mod sources;
mod stops;
mod structure;
mod workers;

use std::io::{self, Read};

use anyhow::Result;
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::config::IngestSettings;
pub use crate::record::Reject;
use crate::record::{Reason, Record, SkipReason};
pub use days::{FileDays, FilesDays, MAX_FILE_DAYS};
pub(crate) use file_ctx::{FileCtx, OrderSeen};
// Named as this module's by its tests (`use super::*`), as before its files were split.
use read_one::read_source;
pub use rejects::{after_last, Place, RejectRows};
pub use workers::{cap_threads, threads_capped, THREADS_PER_CORE};
pub(crate) use workers::{in_order, in_parallel, merge_parts, run_parallel};
#[cfg(test)]
use {
    crate::config::InputFormat,
    crate::normalize::TimeRules,
    file_ctx::{LEFT_OUT, MAX_WARNINGS},
    std::io::Cursor,
    std::sync::atomic::{AtomicBool, Ordering},
    std::sync::Arc,
    workers::natural_key,
};

/// Largest record accepted, in bytes: a longer line is rejected, not buffered.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// Where records go. One sink per worker; the sinks are merged at the end.
pub trait Sink: Send + Sized {
    /// Takes one record, and says what became of it.
    fn record(&mut self, rec: &Record<'_>) -> Kept;
    fn reject(&mut self, rej: Reject);
    /// Counts a reject that cannot be among the [`crate::record::MAX_REJECT_ROWS`] kept (as
    /// many before it in the same file are held): its reason, without its row.
    fn reject_not_kept(&mut self, reason: Reason);
    /// Whether a reject at `file`, `line`, `record` comes after every row the sink keeps (as
    /// many before it are kept as can be): then only its reason is counted.
    fn past_kept(&self, _file: &str, _line: u64, _record: Option<u64>) -> bool {
        false
    }
    /// Keeps the sink's rejects in `rows` from now on, shared with the other sinks given it.
    fn share_rejects(&mut self, _rows: &RejectRows) {}
    /// What the sinks of one reading kept apart share ([`Sink::keep_apart`]).
    type Apart: Default + Send + Sync;
    /// Keeps apart from the other workers' sinks, from now on, what the sink shares with them
    /// (but its rejects: see [`Sink::share_rejects`]), sharing it with the sinks given the
    /// same `apart` instead: it reads part of a reading that may be dropped whole (a file read
    /// by ranges on a guess), which must leave nothing behind.
    fn keep_apart(&mut self, _apart: &Self::Apart) {}
    /// A record without an outcome by design (streaming usage, a lifecycle event).
    /// `time`: when the record has one (a streaming-usage record, counted by day).
    fn skip(&mut self, reason: SkipReason, time: Option<chrono::DateTime<chrono::Utc>>);
    /// An event skipped for want of a result that ends an action all the same (a PlayCanceled
    /// without `resultInformation`: [`normalize::canceled`]), after its [`Sink::skip`].
    fn skipped_end(&mut self, _rec: &Record<'_>) {}
    /// A skipped record that names its call's ACS resource (an Event Grid IncomingCall's
    /// `topic`: [`normalize::naming_call`]), after its [`Sink::skip`]: for the join of
    /// callback records to their calls' resources only, counted nowhere else.
    fn skipped_names(&mut self, _rec: &Record<'_>) {}
    fn merge(&mut self, other: Self);
    /// Called once on the merged sink when every input is read.
    fn done(&mut self) {}
}

/// What a sink did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Counted.
    Counted,
    /// Outside the `--since`/`--until` window: read, not counted.
    Outside,
    /// The sink holds no more of its kind (a budget of distinct keys spent): the record is
    /// rejected where it was read.
    Full,
}

/// What one input file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    /// `json lines`, `json document`, `csv`, `log lines`, or `unreadable`.
    pub shape: &'static str,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    /// Records outside the `--since`/`--until` window: read and valid, not counted (nor in
    /// `accepted`).
    pub outside: u64,
    /// The day/month order of its dates was guessed (month-first): its first rows could not
    /// tell it, and no later date did.
    pub order_guessed: bool,
    /// The run warned of it: a warning of its own, or it looks like a copy of another. The
    /// pages name such files before the others when they cannot name them all.
    pub warned: bool,
    /// The UTC days its accepted records fall on, kept for a file that looks like a copy of
    /// another or whose order was guessed (empty for the others): which days of the history
    /// their records are in doubt on.
    pub days: FileDays,
}

/// What the whole ingest gave, besides the records.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
    /// Things the user should know but that are not errors (guessed date order, local times,
    /// no input at all). Every stage hands its warnings on in what it returns; the report
    /// gathers them.
    pub warnings: Vec<String>,
    /// The files that look like copies of others read too ([`open::copies`]): the same
    /// export twice doubles the night's records.
    pub copies: Vec<String>,
}

impl IngestReport {
    /// How many files look like copies of others read too, and the records accepted from
    /// them: what the same export read twice adds to the night.
    pub fn copied(&self) -> (usize, u64) {
        let records = (self.files.iter())
            .filter(|f| self.copies.contains(&f.path))
            .map(|f| f.accepted)
            .sum();
        (self.copies.len(), records)
    }

    /// The files that look like copies of others read too, and the days of their records:
    /// the days the same export read twice doubles.
    pub fn copied_days(&self) -> Option<FilesDays> {
        let copies: std::collections::HashSet<&str> =
            self.copies.iter().map(String::as_str).collect();
        FilesDays::of(self.files.iter(), |f| copies.contains(f.path.as_str()))
    }

    /// The files whose dates were read in a guessed day/month order, and the days of their
    /// records: days the guess may have made up (3 November read as 11 March).
    pub fn guessed_days(&self) -> Option<FilesDays> {
        FilesDays::of(self.files.iter(), |f| f.order_guessed)
    }
}

pub(crate) type Input = Box<dyn Read + Send>;

/// A reader that fails once with a stored error.
pub(super) struct FailOnce(pub(super) Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

use sources::sources;
pub use sources::{
    changed_since, is_own_page, is_report_file, regular_files, total_bytes, Stamp, NO_INPUT_FILES,
    WALKED_EXTENSIONS,
};

/// Reads every input into sinks made by `make`, in parallel, and merges them into one.
pub fn ingest<S: Sink, M: Fn() -> S + Sync>(
    settings: &IngestSettings,
    progress: Option<&ProgressBar>,
    make: M,
) -> Result<(S, IngestReport)> {
    let (srcs, mut walk_warnings) = sources(settings);
    let (copies, said): (Vec<String>, Vec<String>) = open::copies(&srcs).into_iter().unzip();
    walk_warnings.extend(said);
    let copy_names: std::collections::HashSet<&str> = copies.iter().map(String::as_str).collect();
    // Files are read in parallel, each into the sink of the worker that reads it, and the
    // workers' sinks merged as they finish: a sink per file kept to the end would make memory
    // grow with the number of files.
    let (mut total, mut files) = srcs
        .par_iter()
        .enumerate()
        .fold(
            || (make(), Vec::new()),
            |(mut sink, mut files), (i, src)| {
                let copy = copy_names.contains(src.name.as_str());
                let (fr, warnings) = read_source(src, settings, progress, &mut sink, &make, copy);
                files.push((i, fr, warnings));
                (sink, files)
            },
        )
        .reduce(
            || (make(), Vec::new()),
            |(mut a, mut files), (b, more)| {
                a.merge(b);
                files.extend(more);
                (a, files)
            },
        );
    blocks::release_buffers();
    files.sort_by_key(|(i, _, _)| *i);
    let mut report = IngestReport {
        warnings: walk_warnings,
        copies,
        ..IngestReport::default()
    };
    for (_, fr, warnings) in files {
        report.files.push(fr);
        report.warnings.extend(warnings);
    }
    // No files at all is said by `sources`.
    if !report.files.is_empty()
        && report
            .files
            .iter()
            .all(|f| f.accepted + f.rejected + f.skipped + f.outside == 0)
    {
        report.warnings.push("the inputs hold no records".into());
    }
    total.done();
    Ok((total, report))
}

#[cfg(test)]
mod tests_shapes;

#[cfg(test)]
mod tests_detect;

#[cfg(test)]
mod tests_mutation;
