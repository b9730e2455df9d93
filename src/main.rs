//! acs-triage: see README.md. Parsing, error printing and exit codes only; the work is in
//! `cmd/`.

#![deny(clippy::print_stderr)]

use std::process::ExitCode;

use acs_triage::cli::{Cli, CliError};
use acs_triage::exit_codes::Exit;

fn main() -> ExitCode {
    acs_triage::fix_allocator_thresholds();
    // A usage error is one line and exit 2 (clap's help and version are printed as clap has
    // them, a stdout that cannot take them an error); a bad config file is a usage error too.
    let cli = match Cli::parse_all() {
        Ok(cli) => cli,
        Err(CliError::Clap(e)) => match CliError::clap_line(&e) {
            Some(line) => {
                acs_triage::say!("acs-triage: {}", acs_triage::error_line(line));
                return Exit::Usage.into();
            }
            None => match CliError::print_clap(&e) {
                Ok(code) => return ExitCode::from(code),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    return Exit::Success.into()
                }
                Err(e) => {
                    acs_triage::say!("acs-triage: {}", acs_triage::error_line(e));
                    return Exit::Error.into();
                }
            },
        },
        Err(CliError::Config(e)) => {
            acs_triage::say!("acs-triage: {}", acs_triage::error_line(e));
            return Exit::Usage.into();
        }
    };
    match acs_triage::run(cli) {
        Ok(exit) => exit.into(),
        Err(e) if acs_triage::is_broken_pipe(&e) => Exit::Success.into(),
        Err(e) => {
            acs_triage::say!("acs-triage: {}", acs_triage::error_line(format!("{e:#}")));
            Exit::Error.into()
        }
    }
}
