//! `triage`'s arguments: the key looked into (a subcode or CODE/SUBCODE, as `kql` reads it
//! too), `--calls` and its `--limit`, and their checks across flags.

use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::Args;

use crate::config::{Bucket, SpikesBy, TriageFormat};

use super::inputs::{IngestArgs, WindowArgs};
use super::{usage_error, SpikeArgs};

/// `--limit N`: a number of calls of at least 1. 0 is refused, not taken for a list of the
/// header alone: nobody asks for no call, and a script whose count came out 0 learns it.
fn parse_limit(s: &str) -> Result<usize, String> {
    use crate::config::parse_whole;
    // A count of calls as the other counts are said (`"x" is not a whole number of 1 or
    // more`), not in std's words (`invalid digit found in string`).
    let max = u64::try_from(usize::MAX).unwrap_or(u64::MAX);
    match parse_whole(s, 1, max) {
        Ok(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        Err(_) if parse_whole(s, 0, 0).is_ok() => {
            Err("0 would list no call: give 1 or more, or leave --limit out for every call".into())
        }
        Err(e) => Err(e),
    }
}

/// `triage`'s key: a subcode, or CODE/SUBCODE (rev69a F4: `500/8511` was refused with
/// the integer parser's own words), read as `codes` reads a query.
pub(super) fn parse_triage_key(s: &str) -> Result<(Option<u32>, u32), String> {
    use crate::catalogue::Query;
    match crate::catalogue::parse_query(s)? {
        Query::Number(subcode) => Ok((None, subcode)),
        Query::Pair(code, subcode) => Ok((Some(code), subcode)),
        Query::Code(code) => Err(format!(
            "{s:?} names no subcode: triage looks into one (SUBCODE or {code}/SUBCODE)"
        )),
    }
}

impl TriageArgs {
    /// The subcode looked into.
    pub fn subcode(&self) -> u32 {
        self.key.1
    }

    /// The code the records must have: `--code`, or the code of CODE/SUBCODE.
    pub fn code(&self) -> Option<u32> {
        self.code.or(self.key.0)
    }

    /// A CODE/SUBCODE and a `--code` of another code ask for no record.
    pub(super) fn check_code(&self) -> Result<(), clap::Error> {
        match (self.key.0, self.code) {
            (Some(a), Some(b)) if a != b => Err(usage_error(
                Some("triage"),
                ErrorKind::ArgumentConflict,
                format!("{a}/{} and --code {b} name two codes: give one", self.key.1),
            )),
            _ => Ok(()),
        }
    }

    /// --calls needs INPUT, and --limit needs --calls: checked here, not by clap's `requires`,
    /// whose error calls --calls a missing required argument.
    pub(super) fn check_limit(&self) -> Result<(), clap::Error> {
        // Without INPUT there are no calls to list: "0 of 0" would read as none affected.
        if self.calls && self.inputs.is_empty() {
            return Err(usage_error(
                Some("triage"),
                ErrorKind::MissingRequiredArgument,
                "--calls lists the calls of the exports given as INPUT: give them",
            ));
        }
        if self.limit.is_some() && !self.calls {
            return Err(usage_error(
                Some("triage"),
                ErrorKind::MissingRequiredArgument,
                "--limit needs --calls: it keeps the first N of the calls --calls lists",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// The subcode to look into, or CODE/SUBCODE (`500/8511`, as the reports name keys: the
    /// same as `8511 --code 500`).
    #[arg(value_name = "SUBCODE", value_parser = parse_triage_key)]
    pub key: (Option<u32>, u32),

    /// Files or directories to read (as for `report`); none shows the catalogue and history only.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Only records with this code.
    #[arg(long, value_name = "CODE", value_parser = crate::config::parse_code)]
    pub code: Option<u32>,

    #[command(flatten)]
    pub ingest: IngestArgs,

    #[command(flatten)]
    pub window: WindowArgs,

    #[command(flatten)]
    pub spikes: SpikeArgs,

    /// Test each ACS resource against its own history (`resource`), or all records together,
    /// as `report --spikes-by` does.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = SpikesBy::All, help_heading = "Spikes")]
    pub spikes_by: SpikesBy,

    /// Timeline bucket: `auto` is hourly for a span of up to three days, daily beyond.
    #[arg(long, value_enum, default_value_t = Bucket::Auto, help_heading = "Output")]
    pub bucket: Bucket,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TriageFormat::Md, help_heading = "Output")]
    pub format: TriageFormat,

    /// Write to FILE instead of standard output (`-`: standard output).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub out: Option<PathBuf>,

    /// Only the affected calls, one row each, with every id support asks for (CorrelationId,
    /// CallConnectionId, ServerCallId), times, codes, the target and messages; most records
    /// first.
    #[arg(long, help_heading = "Output")]
    pub calls: bool,

    /// Show phone numbers in full, in targets, operation contexts, messages, SIP/Q.850
    /// diagnostics and the calls' `target`: by default each shows its last 4 digits only
    /// (`4:+xxxxxxx0199`), as they are personal data. For finding the callee of a no-answer in
    /// a CRM; the output then holds the numbers.
    #[arg(long, help_heading = "Output")]
    pub full_numbers: bool,

    /// With --calls: the first N calls only (N at least 1).
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "N",
        value_parser = parse_limit,
        help_heading = "Output"
    )]
    pub limit: Option<usize>,

    /// Most rejected records tolerated before exit code 3: a count (N) or a share of records read (P%).
    #[arg(long, allow_negative_numbers = true, value_name = "N|P%", default_value = "1%", value_parser = crate::config::parse_max_bad, help_heading = "Output")]
    pub max_bad: crate::config::MaxBad,
}
