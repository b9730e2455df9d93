//! `acs-triage kql REPORT`: print the query that computes a report where the data lives.

use std::io::Write;

use anyhow::Result;

use crate::catalogue::Catalogue;
use crate::cli::KqlArgs;
use crate::exit_codes::Exit;
use crate::kql::{self, KqlOptions};

pub fn run(cat: &Catalogue, args: &KqlArgs) -> Result<Exit> {
    let q = kql::query(
        cat,
        &KqlOptions {
            report: args.report,
            table: args.table,
            since: args.since,
            until: args.until,
            bucket_secs: match args.since.zip(args.until) {
                Some((a, b)) => crate::config::Bucket::for_span(
                    args.bucket.secs(),
                    Some(crate::time::ceil_seconds(b - a)),
                ),
                None => args.bucket.secs(),
            },
            thresholds: args.thresholds.thresholds(),
            resources: args.resource.clone(),
            retired: args.retired.clone(),
            volume_low_ratio: args.volume_low_ratio,
            focus: args.focus(),
        },
    );
    std::io::stdout().lock().write_all(q.as_bytes())?;
    Ok(Exit::Success)
}
