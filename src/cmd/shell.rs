//! `acs-triage completions SHELL` and `acs-triage man`: made from the clap definition, so they
//! never disagree with `--help`.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit_codes::Exit;

pub fn completions(shell: clap_complete::Shell) -> Result<Exit> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "acs-triage", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}

pub fn man() -> Result<Exit> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}
