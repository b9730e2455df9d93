//! acs-triage: reads Azure Communication Services Call Automation log exports and reports
//! their result codes against Microsoft's error-code catalogue.
//!
//! The stages, in the order data flows:
//!
//! 1. [`ingest`]: find the input files, open them (gzip, UTF-16), detect each one's shape, cut
//!    it into blocks of whole records read in parallel, and hand every source record on.
//! 2. [`normalize`]: the field vocabulary of every shape; one source record's wanted fields
//!    become a [`record::Record`], a reject or a skip.
//! 3. [`aggregate`]: the sink that counts records by (code, subcode), operation and time
//!    bucket with the distinct calls behind each count, and keeps the rejects
//!    ([`aggregate::Focus`] for `triage`).
//! 4. [`spikes`]: the nightly history (one Parquet file a day) and the rate test of the
//!    report day.
//! 5. [`catalogue`]: Microsoft's pages, loaded; the lookup of a key and the `codes` query.
//! 6. [`report`]: the finished models, kept typed (the report, the triage), and the tables
//!    that every format writes.
//! 7. [`render`]: model to bytes, one file per format, each handed to [`output`] as it is
//!    rendered.
//! 8. [`output`]: the one place files are written; a report set is replaced as a set.
//!
//! Beneath them, shared by all: [`record`] (the record, rejects, skips), [`time`] (every time
//! parse and format), [`config`] (validated settings and the value types of flags). Beside
//! them: [`progress`] (the bar on stderr), [`kql`] (the same reports as KQL queries),
//! [`exit_codes`]. At the top: [`cli`] (clap structs, converted to settings) and [`cmd`] (one
//! `run()` per subcommand, wiring only). Imports flow downwards: no stage imports `cli` or
//! `cmd`, and no two modules import each other (`.ci/run` checks both).

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
    let mut catalogue = catalogue::Catalogue::load(&cli.catalogue, !cli.no_builtin_catalogue)?;
    catalogue.outcomes = catalogue::OutcomeRules::default()
        .with_overrides(&cli.outcomes.caller, &cli.outcomes.failure);
    match cli.command {
        cli::Command::Codes(a) => cmd::codes::run(&catalogue, &a),
        cli::Command::Report(a) => cmd::report::run(catalogue, &a),
        cli::Command::Triage(a) => cmd::triage::run(catalogue, &a),
        cli::Command::Kql(a) => cmd::kql::run(&catalogue, &a),
        cli::Command::Config(a) => cmd::config::run(cli.config.as_deref(), &a),
        cli::Command::Completions(a) => cmd::shell::completions(a.shell),
        cli::Command::Man => cmd::shell::man(),
    }
}

/// A closed stdout pipe (`acs-triage codes | head`) is not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
