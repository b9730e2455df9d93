//! acs-triage: see README.md. Parsing, error printing and exit codes only; the work is in
//! `cmd/`.

use std::process::ExitCode;

use acs_triage::cli::Cli;
use acs_triage::exit_codes::Exit;
use clap::Parser;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits 2.
    let cli = Cli::parse();
    if let Err(e) = cli.validate() {
        e.exit();
    }
    match acs_triage::run(cli) {
        Ok(exit) => exit.into(),
        Err(e) if acs_triage::is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            eprintln!("acs-triage: {e:#}");
            Exit::Error.into()
        }
    }
}
