//! The process exit codes, in one place. Documented in `--help` and in the README.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Success = 0,
    /// Runtime error: a missing input path, unwritable output, bad catalogue; `codes` with a
    /// query that matches no entry.
    Error = 1,
    /// Usage error (clap's own exit code for a bad flag or value), or a bad config file.
    Usage = 2,
    /// The run finished and wrote its reports, but rejected records exceeded `--max-bad`.
    TooManyRejects = 3,
    /// The run finished and spikes, or a volume drop or zero, were found under `--fail-on-spike`.
    SpikesFound = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// The table shown at the end of `--help`. 130 and 143 are no [`Exit`]: a SIGINT or SIGTERM
/// ends the run as the signal does (`output::removed_on_a_stop`), and a shell says 128 + it.
pub const HELP: &str = "\
Exit codes:
  0  success
  1  runtime error: a missing or unreachable input path, unwritable output, bad catalogue;
     `codes` with a query that matches no entry
     (an existing file that cannot be read is a reject: `unreadable`)
  2  usage error: a bad flag or value; a missing, unreadable or bad config file
  3  finished, but rejected records exceeded --max-bad (reports are still written)
  4  finished, and spikes or a volume drop/zero were found under --fail-on-spike
  130, 143  ended by SIGINT (Ctrl-C) or SIGTERM (as a shell shows it); the reports of the
     run before are left as they were";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_code() {
        for e in [
            Exit::Success,
            Exit::Error,
            Exit::Usage,
            Exit::TooManyRejects,
            Exit::SpikesFound,
        ] {
            assert!(HELP.contains(&format!("  {}  ", e as u8)), "{e:?}");
        }
    }
}
