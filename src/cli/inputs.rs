//! How inputs are read and which records count: the flags every command that reads exports
//! shares, and the ingest settings built from them.

use std::path::PathBuf;

use clap::Args;

use crate::config::{IngestSettings, InputFormat};
use crate::time::DateOrder;

impl IngestArgs {
    /// The settings for reading `inputs`: each must exist (`-` is standard input).
    pub fn settings(&self, inputs: &[PathBuf]) -> anyhow::Result<IngestSettings> {
        for p in inputs.iter().filter(|p| p.as_os_str() != "-") {
            // A path behind a directory the user cannot search exists: `exists()` says false.
            let exists = p
                .try_exists()
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", crate::text::path(p)))?;
            if !exists {
                // `--fail-on-spike all` (a space, not `=`) gives `all` to the inputs.
                let hint = match p.to_str() {
                    Some(v @ ("all" | "failure")) => {
                        format!(" (a value of --fail-on-spike follows an =: --fail-on-spike={v})")
                    }
                    _ => String::new(),
                };
                anyhow::bail!("input {} does not exist{hint}", crate::text::path(p));
            }
        }
        Ok(IngestSettings {
            inputs: inputs.to_vec(),
            input_format: self.input_format,
            date_order: self.date_order,
            local_offset: match (self.local_tz, self.local_offset) {
                (Some(tz), _) => Some(crate::time::LocalZone::Tz(tz)),
                (None, Some(off)) => Some(crate::time::LocalZone::Fixed(off)),
                (None, None) => None,
            },
            skip_files: Vec::new(),
            history: None,
            report_starts: crate::output::REPORT_STARTS.to_vec(),
        })
    }
}

/// Which records count: shared by `report` and `triage`, so that both count the same ones.
#[derive(Debug, Args, Clone, Default)]
pub struct WindowArgs {
    /// Keep records at or after TIME (RFC 3339, or a date meaning its UTC midnight).
    #[arg(long, value_name = "TIME", value_parser = crate::time::parse_time_bound, help_heading = "Window")]
    pub since: Option<chrono::DateTime<chrono::Utc>>,

    /// Keep records before TIME (RFC 3339, or a date meaning its UTC midnight).
    #[arg(long, value_name = "TIME", value_parser = crate::time::parse_time_bound, help_heading = "Window")]
    pub until: Option<chrono::DateTime<chrono::Utc>>,

    /// Keep only the records of matching ACS resources (repeatable): a glob over the resource's
    /// name, the last segment of its id (`acs-contoso*`), or over the whole id.
    ///
    /// Callback events, which name no resource, are kept with their calls' resource, as the full
    /// run counts them: files are read twice for it (standard input and pipes, read once, leave
    /// them out, with a warning).
    #[arg(long, value_name = "GLOB", value_parser = crate::config::parse_resource, help_heading = "Window")]
    pub resource: Vec<glob::Pattern>,
}

impl WindowArgs {
    /// The time window of `--since` and `--until`.
    pub fn window(&self) -> crate::aggregate::Window {
        crate::aggregate::Window {
            since: self.since,
            until: self.until,
        }
    }
}

/// How inputs are read: shared by every command that reads exports.
#[derive(Debug, Args, Clone)]
pub struct IngestArgs {
    /// Force the input shape instead of detecting it from the content.
    #[arg(long, value_enum, value_name = "SHAPE", help_heading = "Input")]
    pub input_format: Option<InputFormat>,

    /// Day/month order of portal dates (CSV, or grid rows copied as JSON); without it, a file's
    /// first 10,000 rows decide, a later date of the other order has the file read again.
    #[arg(long, value_enum, value_name = "ORDER", help_heading = "Input")]
    pub date_order: Option<DateOrder>,

    /// Offset of `[Local Time]` CSV columns, e.g. +01:00. Without it (or --local-tz) they are
    /// taken as UTC.
    #[arg(long, value_name = "+HH:MM", allow_hyphen_values = true, value_parser = crate::config::parse_offset, help_heading = "Input")]
    pub local_offset: Option<chrono::FixedOffset>,

    /// Time zone of `[Local Time]` columns, by IANA name (Europe/Berlin): its offset follows
    /// daylight saving time, where a fixed --local-offset is wrong on one side of each change.
    #[arg(long, value_name = "ZONE", value_parser = crate::config::parse_tz, conflicts_with = "local_offset", help_heading = "Input")]
    pub local_tz: Option<chrono_tz::Tz>,
}
