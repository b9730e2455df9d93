//! The command line as the user typed it (clap derive), the config file under it ([`merge`])
//! and the checks across flags ([`Cli::validate`]), all before any heavy work. The flags'
//! value types and parsers, and the settings built from them, are [`crate::config`]'s.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};

pub use crate::config::{
    Bucket, CodesFormat, FailOnSpike, InputFormat, Progress, ReportFormat, SpikesBy, TriageFormat,
};

use crate::exit_codes;

mod error;
pub mod merge;
pub use error::CliError;

mod inputs;
mod kql;
mod triage;

pub use inputs::{IngestArgs, WindowArgs};
pub use kql::KqlArgs;
pub use triage::TriageArgs;

const AFTER_HELP: &str = "\
Examples:
  acs-triage report samples/ --out reports/
  acs-triage report /data/insights-logs-* --out out/ --since 2026-11-24 --until 2026-11-25
  acs-triage codes 8522
  acs-triage codes 404/8522 --format json";

#[derive(Debug, Parser)]
#[command(
    name = "acs-triage",
    version,
    about = "Triage Azure Communication Services Call Automation logs against Microsoft's error-code catalogue",
    long_about = "Reads Call Automation log exports from Azure Monitor (storage archive, Event Hubs, workspace export, \
query API, az CLI, portal CSV, archived callback events), joins every result code and subcode with Microsoft's \
catalogue and writes frequency reports grouped by category, code and documented mitigation.",
    after_help = exit_codes::HELP,
    after_long_help = format!("{AFTER_HELP}\n\n{}", exit_codes::HELP),
)]
pub struct Cli {
    /// Add a catalogue file over the built-in pages (repeatable; later files win).
    ///
    /// A copy of one of Microsoft's troubleshooting pages (Markdown: "Troubleshooting call end
    /// response codes for Call Automation SDK", or the PSTN page), or a CSV with the header
    /// code,subcode,description,mitigation. Its pairs win over the built-in pairs of the same
    /// tier (Call Automation before PSTN); its generic codes and subcodes over the built-in ones.
    #[arg(long, global = true, value_name = "FILE", help_heading = "Catalogue")]
    pub catalogue: Vec<PathBuf>,

    /// Use only the --catalogue files (or the config file's `catalogue`), not the built-in
    /// pages.
    // Not clap's `requires = "catalogue"`: it runs before the config file's `catalogue` is
    // merged; `Cli::validate` refuses no catalogue at all.
    #[arg(long, global = true, help_heading = "Catalogue")]
    pub no_builtin_catalogue: bool,

    /// Read settings from FILE (default: ./acs-triage.toml when it exists). Its keys are the
    /// long flags' names; a flag given here wins.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Read no config file, not even ./acs-triage.toml: for an ad-hoc run in the directory of
    /// a nightly job's file, whose `history`, `quiet` or `resource` no flag undoes.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,

    #[command(subcommand)]
    pub command: Command,

    /// `[outcomes]` of the config file.
    #[arg(skip)]
    pub outcomes: crate::config::file::Outcomes,
}

impl Cli {
    /// Checks what clap cannot check flag by flag: a `--since` not before `--until` leaves
    /// nothing to count. The error is clap's, so it prints and exits 2 like any bad flag.
    pub fn validate(&self) -> Result<(), clap::Error> {
        // --catalogue or the config file's key, checked here after merging (clap's `requires`
        // would refuse the flag beside the key).
        if self.no_builtin_catalogue && self.catalogue.is_empty() {
            return Err(usage_error(
                None,
                ErrorKind::MissingRequiredArgument,
                "no-builtin-catalogue leaves no catalogue without --catalogue FILE (or `catalogue` in the config file)",
            ));
        }
        let (name, since, until, day) = match &self.command {
            Command::Report(a) => ("report", a.window.since, a.window.until, a.spikes.day),
            Command::Triage(a) => {
                a.check_limit()?;
                a.check_code()?;
                ("triage", a.window.since, a.window.until, a.spikes.day)
            }
            Command::Kql(a) => {
                a.check_since()?;
                a.check_subcode()?;
                ("kql", a.since, a.until, None)
            }
            Command::Codes(_) | Command::Config(_) | Command::Completions(_) | Command::Man(_) => {
                return Ok(())
            }
        };
        if let Some(d) = day.filter(|&d| outside_window(d, since, until)) {
            // The ends that leave the day out: not a `--until` of the config file that does not.
            let bound = |flag: &str, t: Option<DateTime<Utc>>| {
                t.filter(|&t| match flag {
                    "--since" => outside_window(d, Some(t), None),
                    _ => outside_window(d, None, Some(t)),
                })
                .map(|t| format!(" {flag} {}", t.to_rfc3339()))
            };
            return Err(usage_error(
                Some(name),
                ErrorKind::ArgumentConflict,
                format!(
                    "--day {} is outside the window of{}{}: not one of its records is read",
                    crate::time::day_text(d),
                    bound("--since", since).unwrap_or_default(),
                    bound("--until", until).unwrap_or_default()
                ),
            ));
        }
        match (since, until) {
            (Some(s), Some(u)) if s >= u => Err(usage_error(
                Some(name),
                ErrorKind::ArgumentConflict,
                format!(
                    "--since {} is not before --until {}: the window is empty",
                    s.to_rfc3339(),
                    u.to_rfc3339()
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// Whether the window of `since` and `until` leaves the whole of `day` out, so that not one
/// of its records is read. A day partly in it is tested on what the input holds, with a
/// warning.
fn outside_window(day: i64, since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> bool {
    let starts = |d: i64| d * crate::time::DAY;
    since.is_some_and(|s| s.timestamp() >= starts(day + 1))
        || until.is_some_and(|u| u.timestamp() <= starts(day))
}

/// clap's error of `kind` saying `message`, under the usage line of the subcommand `name`
/// (of the whole command when `None`), as clap prints its own errors.
fn usage_error(
    name: Option<&str>,
    kind: ErrorKind,
    message: impl std::fmt::Display,
) -> clap::Error {
    let mut cli = <Cli as clap::CommandFactory>::command();
    cli.build();
    match name {
        Some(name) => (cli.find_subcommand_mut(name))
            .expect("a subcommand of Cli")
            .error(kind, message),
        None => cli.error(kind, message),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look up codes and subcodes in the catalogue.
    #[command(
        after_long_help = "Examples:\n  acs-triage codes\n  acs-triage codes 8522\n  acs-triage codes 404/8522 --format json\n  acs-triage codes 404"
    )]
    Codes(CodesArgs),
    /// Write the frequency reports for a set of exports (the nightly job).
    #[command(
        after_long_help = "Examples:\n  acs-triage report samples/ --out reports/\n  acs-triage report PT1H.json.gz --out out/ --format csv,md --since 2026-11-24 --until 2026-11-25"
    )]
    Report(ReportArgs),
    /// Deep dive on one subcode: catalogue, totals, timeline, operations, calls, messages and
    /// the spike verdict.
    #[command(
        after_long_help = "Examples:\n  acs-triage triage 8522 samples/\n  acs-triage triage 8522 --code 404 /data/last-night --history /srv/triage/history\n  acs-triage triage 8510 samples/ --format json --out 8510.json",
        mut_arg("history", |a| a.help("Directory of per-day aggregates (Parquet, one file per UTC day) that `report --history` keeps, read as the baseline; never written"))
    )]
    Triage(TriageArgs),
    /// Print the KQL query that computes a report inside Log Analytics / Azure Data Explorer.
    #[command(
        after_long_help = "Examples:\n  acs-triage kql by-code\n  acs-triage kql timeline --table operations --since 2026-11-01 --bucket day\n  acs-triage kql triage --subcode 8572 --since 2026-11-05 --bucket day\n  acs-triage kql triage-calls --subcode 8572 --code 500 --since 2026-11-05\n  az monitor log-analytics query -w WORKSPACE --analytics-query \"$(acs-triage kql by-code)\""
    )]
    Kql(KqlArgs),
    /// Show the settings a config file gives.
    #[command(
        after_long_help = "Examples:\n  acs-triage config --print\n  acs-triage --config /etc/acs-triage.toml config --print"
    )]
    Config(ConfigArgs),
    /// Print a completion script for a shell.
    #[command(
        after_long_help = "Examples:\n  acs-triage completions bash > /etc/bash_completion.d/acs-triage\n  acs-triage completions zsh > \"${fpath[1]}/_acs-triage\""
    )]
    Completions(CompletionsArgs),
    /// Print a man page (roff), made from the same definitions as --help.
    ///
    /// acs-triage(1), or a subcommand's: acs-triage-report(1) and the others it names.
    #[command(
        after_long_help = "Example:\n  acs-triage man > acs-triage.1 && man ./acs-triage.1\n  for c in codes report triage kql config completions man; do acs-triage man $c > acs-triage-$c.1; done"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (none: acs-triage(1)).
    #[arg(value_name = "SUBCOMMAND", value_parser = ["codes", "report", "triage", "kql", "config", "completions", "man"])]
    pub page: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the effective settings of `report`: the config file's, then the defaults.
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// What to look up: a number (code or subcode), or CODE/SUBCODE. None lists the whole catalogue.
    #[arg(value_name = "QUERY", value_parser = crate::catalogue::parse_query)]
    pub queries: Vec<crate::catalogue::Query>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CodesFormat::Table)]
    pub format: CodesFormat,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or directories to read; `-` is standard input.
    ///
    /// Directories are walked recursively in sorted order, skipping hidden entries, and files
    /// ending in .json, .jsonl, .ndjson, .csv, .txt or .log (each optionally .gz, and rotated:
    /// .1, -20261125, .2026-11-25) are read, and
    /// files without an extension that hold JSON (a blob's name: the first byte { or [, gzipped
    /// or not). A file named on the command line is always read, whatever its name. Required, here or
    /// as `inputs` in the config file.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub ingest: IngestArgs,

    /// Directory the reports are written to (created when missing). Required, here or as
    /// `out` in the config file.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Which outputs to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ReportFormat::Csv, ReportFormat::Md, ReportFormat::Json, ReportFormat::Html], help_heading = "Output")]
    pub format: Vec<ReportFormat>,

    #[command(flatten)]
    pub window: WindowArgs,

    /// Timeline bucket: `auto` is hourly for a span of up to three days, daily beyond.
    #[arg(long, value_enum, default_value_t = Bucket::Auto, help_heading = "Output")]
    pub bucket: Bucket,

    /// Most rejected records tolerated before exit code 3: a count (N) or a share of records read (P%).
    #[arg(long, allow_negative_numbers = true, value_name = "N|P%", default_value = "1%", value_parser = crate::config::parse_max_bad, help_heading = "Output")]
    pub max_bad: crate::config::MaxBad,

    /// Progress bar on stderr: auto shows it only when stderr is a terminal.
    #[arg(long, value_enum, default_value_t = Progress::Auto, help_heading = "Output")]
    pub progress: Progress,

    /// Print nothing but errors and one line for each of: why the exit code is 3 or 4; under
    /// --fail-on-spike, why nothing could be tested; inputs in which no file to read was found
    /// (`no input files found ...`); volume scopes flagged that do not page (`volume not paged:
    /// ...`); actions with no outcome (`SILENT (not paged): ...`).
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,

    #[command(flatten)]
    pub spikes: SpikeArgs,

    /// Exit 4 when a spike or a volume drop/zero is flagged, for alerting from cron: a spike of
    /// a failure-class key (given alone), or of any key, caller outcomes included (`=all`).
    #[arg(
        long,
        value_enum,
        num_args = 0..=1,
        require_equals = true,
        default_value_t = FailOnSpike::Off,
        default_missing_value = "failure",
        hide_possible_values = true,
        help_heading = "Spikes"
    )]
    pub fail_on_spike: FailOnSpike,

    /// Test each ACS resource against its own history (`resource`), or all records together.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = SpikesBy::All, help_heading = "Spikes")]
    pub spikes_by: SpikesBy,

    /// An ACS resource or log kind taken out of service (repeatable): a glob over resource
    /// names (`acs-stage*`) or a kind (`media_summary`). Its drop or silence is shown as
    /// `retired` in volume.csv, not flagged.
    #[arg(long, value_name = "GLOB", value_parser = crate::config::parse_resource, help_heading = "Spikes")]
    pub retired: Vec<glob::Pattern>,

    /// List a scope as `low` (not paged) at or below this share of its expected records, in
    /// (0.5, 1]; at most half is a DROP.
    #[arg(long, value_name = "R", default_value_t = crate::spikes::volume::LOW_RATIO, value_parser = crate::config::parse_low_ratio, help_heading = "Spikes")]
    pub volume_low_ratio: f64,
}

/// Spike detection: shared by `report` and `triage`.
#[derive(Debug, Args, Clone)]
pub struct SpikeArgs {
    /// Directory of per-day aggregates (Parquet, one file per UTC day), read as the baseline
    /// and updated with the days this input covers.
    #[arg(long, value_name = "DIR", help_heading = "Spikes")]
    pub history: Option<PathBuf>,

    /// The day to test (YYYY-MM-DD); default: the last whole UTC day of the input (of the
    /// window, when --until ends it; a night whose export stopped is its own day).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::config::parse_day, help_heading = "Spikes")]
    pub day: Option<i64>,

    #[command(flatten)]
    pub thresholds: ThresholdArgs,
}

/// The bar a key must clear to be flagged.
#[derive(Debug, Args, Clone)]
pub struct ThresholdArgs {
    /// Flag a key only when its p-value is below this.
    #[arg(
        long,
        value_name = "P",
        allow_negative_numbers = true,
        default_value_t = 0.001,
        value_parser = crate::config::parse_p,
        help_heading = "Spikes"
    )]
    pub spike_p: f64,

    /// Flag a key only when its count on the day is at least this.
    #[arg(
        long,
        allow_negative_numbers = true,
        value_name = "N",
        default_value_t = 10,
        value_parser = crate::config::parse_count,
        help_heading = "Spikes"
    )]
    pub spike_min_count: u64,

    /// Flag a key only when count / max(expected, 0.5) is at least this (at least 1).
    #[arg(long, allow_negative_numbers = true, value_name = "R", default_value_t = 2.0, value_parser = crate::config::parse_ratio, help_heading = "Spikes")]
    pub spike_min_ratio: f64,

    /// Flag a key only when count - expected is at least this (at least 0).
    #[arg(long, allow_negative_numbers = true, value_name = "N", default_value_t = 5.0, value_parser = crate::config::parse_excess, help_heading = "Spikes")]
    pub spike_min_excess: f64,
}

impl ThresholdArgs {
    pub fn thresholds(&self) -> crate::spikes::Thresholds {
        crate::spikes::Thresholds {
            p_value: self.spike_p,
            min_count: self.spike_min_count,
            min_ratio: self.spike_min_ratio,
            min_excess: self.spike_min_excess,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_empty_window_is_a_usage_error() {
        let check = |args: &[&str]| {
            Cli::try_parse_from(args)
                .unwrap()
                .validate()
                .map_err(|e| e.kind())
        };
        let empty = Err(clap::error::ErrorKind::ArgumentConflict);
        let r = ["acs-triage", "report", "x", "--out", "o"];
        assert_eq!(
            check(&[&r[..], &["--since", "2026-11-25", "--until", "2026-11-24"]].concat()),
            empty
        );
        assert_eq!(
            check(&[&r[..], &["--since", "2026-11-24", "--until", "2026-11-24"]].concat()),
            empty
        );
        assert_eq!(
            check(&[&r[..], &["--since", "2026-11-24", "--until", "2026-11-25"]].concat()),
            Ok(())
        );
        // A --day wholly outside the window; one that overlaps it is tested, with a warning.
        let day = |d: &str, window: &[&str]| check(&[&r[..], &["--day", d], window].concat());
        assert_eq!(day("2026-11-23", &["--since", "2026-11-24"]), empty);
        assert_eq!(day("2026-11-25", &["--until", "2026-11-25"]), empty);
        assert_eq!(
            day("2026-11-24", &["--since", "2026-11-24T23:00:00Z"]),
            Ok(())
        );
        assert_eq!(
            day("2026-11-24", &["--until", "2026-11-24T01:00:00Z"]),
            Ok(())
        );
        assert_eq!(
            day(
                "2026-11-24",
                &["--since", "2026-11-24", "--until", "2026-11-25"]
            ),
            Ok(())
        );
        assert_eq!(
            check(&[
                "acs-triage",
                "kql",
                "by-code",
                "--since",
                "2026-11-25",
                "--until",
                "2026-11-01"
            ]),
            empty
        );
    }
}
