//! Why the command line could not be taken, and clap's error made one line.

use clap::error::ErrorKind;

use crate::config::file::ConfigError;

/// Why the command line could not be taken: clap's own error (printed by clap), or the config
/// file's.
#[derive(Debug)]
pub enum CliError {
    Clap(clap::Error),
    Config(ConfigError),
}

impl From<clap::Error> for CliError {
    fn from(e: clap::Error) -> CliError {
        CliError::Clap(e)
    }
}

impl CliError {
    /// Prints what [`CliError::clap_line`] leaves to clap (help, version), flushed, and returns
    /// clap's exit code for it: an output that cannot be written is an error, as it is for
    /// every command (clap's own exit passed it over, and exited 0).
    pub fn print_clap(e: &clap::Error) -> std::io::Result<u8> {
        e.print()?;
        std::io::Write::flush(&mut std::io::stdout())?;
        Ok(u8::try_from(e.exit_code()).unwrap_or(2))
    }

    /// clap's error as one line (its message, then its tips and possible values, without the
    /// usage block), or `None` for what clap prints itself: help, version, and the help shown
    /// when no subcommand is given.
    pub fn clap_line(e: &clap::Error) -> Option<String> {
        if matches!(
            e.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        ) {
            return None;
        }
        Some(one_line(&e.render().to_string()))
    }
}

/// A rendered clap error in one line: paragraphs joined by "; ", a paragraph's wrapped lines by
/// spaces; the usage and "For more information" paragraphs left out for a pointer to --help.
fn one_line(rendered: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for para in rendered.split("\n\n") {
        let para = para.trim();
        if para.is_empty() || para.starts_with("Usage:") || para.starts_with("For more information")
        {
            continue;
        }
        let words: Vec<&str> = para
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        parts.push(words.join(" "));
    }
    let text = parts.join("; ");
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    format!("{text} (see --help)")
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> CliError {
        CliError::Config(e)
    }
}
