//! `acs-triage config --print`: the settings a nightly `report` would run with.

use std::io::Write;

use anyhow::Result;

use crate::cli::merge::{effective_report, settings_toml};
use crate::cli::{CliError, ConfigArgs};
use crate::config::file;
use crate::exit_codes::Exit;

/// `loaded`: the config file, if any; `catalogue`: the catalogue files and
/// `--no-builtin-catalogue` of the command line, the config file's where no flag was given.
pub fn run(
    loaded: Option<file::Loaded>,
    args: &ConfigArgs,
    catalogue: (&[std::path::PathBuf], bool),
) -> Result<Exit> {
    // A bad value is a usage error here as for the commands that read it (exit 2).
    let mut cli = match effective_report(loaded.as_ref()) {
        Ok(c) => c,
        Err(CliError::Config(e)) => {
            crate::say!("acs-triage: {e}");
            return Ok(Exit::Usage);
        }
        Err(CliError::Clap(e)) => {
            {
                use std::io::Write as _;
                let _ = write!(std::io::stderr(), "{e}");
            }
            return Ok(Exit::Usage);
        }
    };
    // The flags are global: report would run with them.
    (cli.catalogue, cli.no_builtin_catalogue) = (catalogue.0.to_vec(), catalogue.1);
    // One line, inert: it ends a comment of the TOML and a message (a newline in the file's
    // name had made the rest of it a line of TOML, an ESC reached the terminal).
    let source = loaded.as_ref().map_or("no config file".to_string(), |l| {
        crate::text::line(&crate::text::path(&l.path))
    });
    if args.print {
        std::io::stdout()
            .lock()
            .write_all(settings_toml(&cli, &source).as_bytes())?;
    } else {
        crate::say!("acs-triage: config: {source} (pass --print to see the settings)");
    }
    Ok(Exit::Success)
}
