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

/// acs-triage(1), or the page of subcommand `page` (acs-triage-report(1)...), which the
/// first names.
pub fn man(page: Option<&str>) -> Result<Exit> {
    // clap's `help` subcommand has no page of its own (`man help` is refused): the first page
    // names only those that do.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let cmd = match page {
        None => cmd,
        Some(name) => (cmd.find_subcommand(name).cloned())
            .ok_or_else(|| anyhow::anyhow!("no subcommand {name}"))?,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(Exit::Success)
}
