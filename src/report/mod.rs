//! The finished report: the aggregates joined with the catalogue, kept typed. Every table a
//! format writes is a projection of it ([`tables`]), so each fact lives in one place.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::aggregate::{Aggregator, Key, KeyStats, OpStats, Timeline, Window};
use crate::catalogue::{key_label, Catalogue, Category, Match, Outcome, NO_MITIGATION};
use crate::config::{FailOnSpike, MaxBad};
use crate::exit_codes::Exit;
use crate::ingest::{FileReport, Reject};
use crate::record::SkipReason;
use crate::spikes::volume::VolumeVerdict;
use crate::spikes::{p_text, SpikeReport, Verdict};
use crate::time::day_text;

mod quality;
mod silent;
pub mod table;
pub mod tables;
pub mod triage;

mod build;
mod resources;
mod rows;
mod sentences;

pub use build::build;
pub(crate) use build::diagnostics;
pub(crate) use resources::resource_groups;
pub use resources::NOT_NAMED;
pub use rows::{
    CategoryRow, CodeRow, DiagnosticRow, MitigationRow, OperationRow, OutcomeRow, RejectGroup,
    ResourceRow, SdkRow, SpikeRow, Text,
};
pub use sentences::{
    description_in_sentence, resource_split_text, spike_sentence, spike_sentence_with_target,
    target_said, target_said_as,
};

#[cfg(test)]
pub(crate) mod fixture;

// The tests of ingest name it `crate::report::rfc3339`.
#[cfg(test)]
pub(crate) use crate::time::rfc3339;

/// A share from 0 to 1, rounded to 4 decimals, a half up: in integers, so that every tie
/// goes one way (in doubles, 3 of 20,000 gave 0.0001 and 5 of 20,000 0.0003, as the
/// product's last bit fell).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        let (part, whole) = (u128::from(part), u128::from(whole));
        ((part * 20_000 + whole) / (2 * whole)) as f64 / 10_000.0
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub window: Window,
    /// The `--resource` patterns; records of other resources count as outside.
    pub resource_filter: Vec<String>,
    /// First and last time of the accepted records.
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub bucket_secs: i64,
    pub inputs: Vec<FileReport>,
    /// The inputs as the run was given them (a directory as such, not its files): what a
    /// command the report suggests reads.
    pub named_inputs: Vec<std::path::PathBuf>,
    /// How the run read its inputs' records: what such a command says again.
    pub reading: crate::config::Reading,
    pub warnings: Vec<String>,
    /// The catalogues used, one line each with their pair counts.
    pub catalogue: Vec<String>,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub outside: u64,
    /// Records of a code that is not a success (caller and failure outcomes).
    pub failures: u64,
    /// Records of a failure-class outcome: what needs action.
    pub needs_action: u64,
    pub rejects_truncated: bool,
    /// Keys, most frequent first (then code, then subcode).
    pub codes: Vec<CodeRow>,
    pub categories: Vec<CategoryRow>,
    pub outcomes: Vec<OutcomeRow>,
    /// Resources, most records first; empty when no record names one.
    pub resources: Vec<ResourceRow>,
    /// The callback records that name no resource: those counted under their call's resource
    /// (`inferred` of [`ResourceRow`]), and those that stay [`NOT_NAMED`].
    pub callbacks_of_no_resource: (u64, u64),
    /// SDK types and versions, most records first; empty when no record names one.
    pub sdks: Vec<SdkRow>,
    /// Most failures first (then the mitigation's text).
    pub mitigations: Vec<MitigationRow>,
    /// The same split by outcome class: the failure class first, then the callers'; in each,
    /// most records first (then the mitigation's text).
    pub mitigations_by_class: Vec<MitigationRow>,
    /// Most frequent first (then the operation, kind and key).
    pub operations: Vec<OperationRow>,
    /// (bucket start, key) → count, non-zero buckets only.
    pub timeline: Timeline,
    /// The rejects kept for rejects.csv, by file and line.
    pub rejects: Vec<Reject>,
    pub reject_groups: Vec<RejectGroup>,
    /// Skipped records by reason (no outcome by design), every reason with a count.
    pub skip_counts: Vec<(SkipReason, u64)>,
    /// SIP and Q.850 diagnostics, most frequent first; empty when no record carries them.
    pub diagnostics: Vec<DiagnosticRow>,
    pub spikes: SpikeReport,
    /// The volume test of the report day, every scope tested (all records first).
    pub volume: Vec<VolumeVerdict>,
    /// The flagged keys of the spike test, with their catalogue text.
    pub spike_rows: Vec<SpikeRow>,
    /// Actions accepted with no outcome record in their call.
    pub silent: crate::aggregate::SilentReport,
    /// Input files that look like copies of others read too, and the records accepted from
    /// them ([`crate::ingest::IngestReport::copied`]): the volume test counts them twice.
    pub copied: (usize, u64),
    /// Whether the run wrote no CSV tables (`--format` without `csv`): the pages then name
    /// them with the way to write them, not as files beside them.
    pub csv_not_written: bool,
    /// Whether the run wrote no report.json (`--format` without `json`): the lists the pages
    /// cut then say where their whole is as [`Report::whole_in`] says.
    pub json_not_written: bool,
}

/// Flagged keys and volume scopes said one by one, at most, on stderr, in the `-q` line, in
/// summary.md and in report.html (each key there with its chart), the others counted: a night
/// of thousands of keys new to the history (a release that changed its subcodes, made-up
/// codes) or of resources that stopped had made a page of 204 MB and a mail of 20,000 lines.
/// spikes.csv, volume.csv and report.json hold them all.
pub const MOST_SAID: usize = 20;

impl Report {
    /// A CSV table's name as the pages name it: with the way to write it when the run wrote
    /// no CSV tables (a run of `--format md` is no reason to read an earlier run's by_code.csv).
    pub fn csv_file(&self, name: &str) -> String {
        match self.csv_not_written {
            true => format!("{name}, which --format csv writes"),
            false => name.to_string(),
        }
    }

    /// Where every row of a list the pages cut is: the CSV table `csv` and report.json, those
    /// of them this run wrote, or both with the way to write them when it wrote neither.
    pub fn whole_in(&self, csv: &str) -> String {
        match (self.csv_not_written, self.json_not_written) {
            (false, false) => format!("{csv} and report.json"),
            (false, true) => csv.to_string(),
            (true, false) => "report.json".to_string(),
            (true, true) => format!("{csv} and report.json, which --format csv and json write"),
        }
    }

    /// The flagged keys in the order they are said one by one ([`MOST_SAID`] of them): the
    /// failure class first (what needs action, and what `--fail-on-spike` pages), then the
    /// others, each most significant first, as spikes.csv lists them.
    pub fn spikes_in_order(&self) -> impl Iterator<Item = &SpikeRow> {
        let failure = |s: &&SpikeRow| s.outcome == Outcome::Failure;
        let rows = || self.spike_rows.iter();
        rows()
            .filter(failure)
            .chain(rows().filter(move |s| !failure(s)))
    }

    /// The flagged keys said one by one ([`Report::spikes_in_order`], at most [`MOST_SAID`]),
    /// and how many more there are.
    pub fn spikes_said(&self) -> (Vec<&SpikeRow>, usize) {
        let said: Vec<&SpikeRow> = self.spikes_in_order().take(MOST_SAID).collect();
        let more = self.spike_rows.len() - said.len();
        (said, more)
    }

    /// Records whose code is not a success, over the accepted.
    pub fn failure_rate(&self) -> f64 {
        share(self.failures, self.accepted)
    }

    /// Failure-class records (not the callers' doing), over the accepted.
    pub fn needs_action_rate(&self) -> f64 {
        share(self.needs_action, self.accepted)
    }

    /// How the run ends: spikes found under `--fail-on-spike` first (of failure-class keys, or
    /// of any with `all`), then rejects over `--max-bad`.
    pub fn exit(&self, fail_on_spike: FailOnSpike, max_bad: MaxBad) -> Exit {
        let paging = self.spike_rows.iter().any(|s| s.pages(fail_on_spike))
            || (fail_on_spike != FailOnSpike::Off
                && self.volume.iter().any(|v| v.status.flagged()));
        if paging {
            Exit::SpikesFound
        } else if max_bad.exceeded(self.rejected, self.read) {
            Exit::TooManyRejects
        } else {
            Exit::Success
        }
    }

    /// Uncatalogued (code, subcode) keys seen, most frequent first, but for successes: the
    /// pages list what goes wrong, so a 200 or 202 they lack is no gap a newer copy fills.
    pub fn uncatalogued(&self) -> impl Iterator<Item = &CodeRow> {
        (self.codes.iter()).filter(|c| c.matched == Match::None && c.category.is_failure())
    }

    /// The keys of one outcome class, most frequent first, at most `n`.
    pub fn top_of(&self, outcome: Outcome, n: usize) -> Vec<&CodeRow> {
        self.codes
            .iter()
            .filter(|c| c.outcome == outcome)
            .take(n)
            .collect()
    }

    /// The caller outcomes' share of the accepted records.
    pub fn caller_rate(&self) -> f64 {
        let n = self
            .outcomes
            .iter()
            .find(|o| o.outcome == Outcome::Caller)
            .map_or(0, |o| o.count);
        share(n, self.accepted)
    }

    #[cfg(test)]
    pub fn top_failures(&self, n: usize) -> Vec<&CodeRow> {
        self.codes
            .iter()
            .filter(|c| c.category.is_failure())
            .take(n)
            .collect()
    }

    /// Counts of one key from the first bucket to the last, zeros included, in at most
    /// [`crate::aggregate::SPARK_CELLS`] cells.
    pub fn series(&self, key: Key) -> Vec<u64> {
        crate::aggregate::series(
            &self.timeline,
            self.bucket_secs,
            key,
            crate::aggregate::SPARK_CELLS,
        )
    }
}

#[cfg(test)]
mod tests;
