//! `acs-triage codes [QUERY]...`: look codes and subcodes up in the catalogue.

use std::io::Write;

use anyhow::{bail, Result};

use crate::catalogue::query::lookup;
use crate::catalogue::Catalogue;
use crate::cli::{CodesArgs, CodesFormat};
use crate::exit_codes::Exit;
use crate::render::{codes, text};

pub fn run(cat: &Catalogue, args: &CodesArgs) -> Result<Exit> {
    let (entries, missing) = lookup(cat, &args.queries);
    if entries.is_empty() {
        bail!(
            "no catalogue entry matches {} (catalogue: {})",
            missing.join(", "),
            cat.names()
        );
    }
    std::io::stdout()
        .lock()
        .write_all(&codes::render(&entries, cat, args.format)?)?;
    // CSV and JSON stay a table for scripts: the catalogues used are said on stderr.
    if matches!(args.format, CodesFormat::Csv | CodesFormat::Json) {
        eprintln!("acs-triage: catalogues: {}", text::line(&cat.names()));
    }
    for m in &missing {
        eprintln!("acs-triage: no catalogue entry matches {m}");
    }
    Ok(if missing.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}
