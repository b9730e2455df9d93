//! acs-triage: reads Azure Communication Services Call Automation log exports and reports
//! their result codes against Microsoft's error-code catalogue.
//!
//! The pipeline, in the order data flows: [`ingest`] (detect the shape, stream records out) →
//! [`normalize`] (one canonical record) → [`catalogue`] (look up a code) → [`aggregate`]
//! (counts, distinct calls, time buckets) → [`report`] (the finished tables) → [`render`] (one
//! file per output format). Subcommands in [`cmd`] wire the stages together.

pub mod aggregate;
pub mod catalogue;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod exit_codes;
pub mod ingest;
pub mod kql;
pub mod normalize;
pub mod output;
pub mod progress;
pub mod record;
pub mod render;
pub mod report;
pub mod spikes;
pub mod time;

use exit_codes::Exit;

/// Runs the parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Exit> {
    let catalogue = catalogue::Catalogue::load(&cli.catalogue, !cli.no_builtin_catalogue)?;
    match cli.command {
        cli::Command::Codes(a) => cmd::codes::run(&catalogue, &a),
        cli::Command::Report(a) => cmd::report::run(catalogue, &a),
        cli::Command::Triage(a) => cmd::triage::run(catalogue, &a),
        cli::Command::Kql(a) => cmd::kql::run(&catalogue, &a),
    }
}

/// A closed stdout pipe (`acs-triage codes | head`) is not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
