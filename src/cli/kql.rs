//! `kql`'s arguments and their checks across flags: which query, its window and its key.

use clap::error::ErrorKind;
use clap::Args;

use crate::config::Bucket;

use super::triage::parse_triage_key;
use super::{usage_error, ThresholdArgs};

impl KqlArgs {
    /// The spike and volume queries test the day before --until; a --since would be ignored.
    pub(super) fn check_since(&self) -> Result<(), clap::Error> {
        use crate::kql::KqlReport;
        if matches!(self.report, KqlReport::Spikes | KqlReport::Volume) && self.since.is_some() {
            return Err(usage_error(
                Some("kql"),
                ErrorKind::ArgumentConflict,
                "--since has no meaning for spikes and volume: they test the UTC day before --until (default: yesterday) against the previous weeks",
            ));
        }
        Ok(())
    }
}

impl KqlArgs {
    /// `triage` and `triage-calls` look into one subcode, of the media summary (the operations
    /// table has none); the other reports are of every key.
    pub(super) fn check_subcode(&self) -> Result<(), clap::Error> {
        use crate::kql::{triage_report, KqlTable};
        let error = |kind, message: &str| Err(usage_error(Some("kql"), kind, message));
        match (triage_report(self.report), self.subcode) {
            (true, None) => error(
                ErrorKind::MissingRequiredArgument,
                "triage and triage-calls need --subcode SUBCODE: the subcode to look into",
            ),
            (true, Some(_)) if self.table == KqlTable::Operations => error(
                ErrorKind::ArgumentConflict,
                "--table operations has no subcode (ResultSignature only): triage and triage-calls read the media summary",
            ),
            (false, Some(_)) => error(
                ErrorKind::ArgumentConflict,
                "--subcode is for triage and triage-calls: the other reports count every key",
            ),
            (true, Some((Some(a), s))) if self.code.is_some_and(|b| b != a) => error(
                ErrorKind::ArgumentConflict,
                &format!(
                    "--subcode {a}/{s} and --code {} name two codes: give one",
                    self.code.unwrap_or_default()
                ),
            ),
            _ => Ok(()),
        }
    }
}

impl KqlArgs {
    /// The subcode looked into and the code its records must have (`--code`, or the code
    /// of `--subcode CODE/SUBCODE`).
    pub fn focus(&self) -> Option<(u32, Option<u32>)> {
        (self.subcode).map(|(code, subcode)| (subcode, self.code.or(code)))
    }
}

#[derive(Debug, Args)]
pub struct KqlArgs {
    /// The report to compute: the same columns as its CSV.
    #[arg(value_enum, value_name = "REPORT")]
    pub report: crate::kql::KqlReport,

    /// The Log Analytics table to read.
    #[arg(long, value_enum, default_value_t = crate::kql::KqlTable::Media)]
    pub table: crate::kql::KqlTable,

    /// Keep records at or after TIME (RFC 3339, or a date meaning its UTC midnight).
    #[arg(long, value_name = "TIME", value_parser = crate::time::parse_time_bound)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,

    /// Keep records before TIME; for `spikes` and `volume`, the report day is the UTC day before
    /// it (default: yesterday).
    #[arg(long, value_name = "TIME", value_parser = crate::time::parse_time_bound)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,

    /// Keep only the records of matching ACS resources (repeatable): a glob over the resource's
    /// name, the last segment of its id (`acs-contoso*`), or over the whole id.
    #[arg(long, value_name = "GLOB", value_parser = crate::config::parse_resource)]
    pub resource: Vec<glob::Pattern>,

    /// Timeline bucket: `auto` is hourly for a span of up to three days, daily beyond.
    #[arg(long, value_enum, default_value_t = Bucket::Auto)]
    pub bucket: Bucket,

    /// Resources or log kinds taken out of service (repeatable; as `report --retired`): the
    /// volume query shows their drop or silence as `retired`.
    #[arg(long, value_name = "GLOB", value_parser = crate::config::parse_resource)]
    pub retired: Vec<glob::Pattern>,

    /// The volume query lists a scope as `low` at or below this share of its expected records
    /// (as `report --volume-low-ratio`), in (0.5, 1].
    #[arg(long, value_name = "R", default_value_t = crate::spikes::volume::LOW_RATIO, value_parser = crate::config::parse_low_ratio)]
    pub volume_low_ratio: f64,

    /// The subcode `triage` and `triage-calls` look into (required for them), or CODE/SUBCODE
    /// (`500/8511`, the same as `--subcode 8511 --code 500`).
    #[arg(long, value_name = "SUBCODE", value_parser = parse_triage_key)]
    pub subcode: Option<(Option<u32>, u32)>,

    /// With `--subcode`: only records with this code.
    #[arg(long, value_name = "CODE", requires = "subcode", value_parser = crate::config::parse_code)]
    pub code: Option<u32>,

    #[command(flatten)]
    pub thresholds: ThresholdArgs,
}
