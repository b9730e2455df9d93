//! `acs-triage codes [QUERY]...`: look codes and subcodes up in the catalogue.

use std::io::Write;

use anyhow::{bail, Result};

use crate::catalogue::query::{lookup, near};
use crate::catalogue::Catalogue;
use crate::cli::{CodesArgs, CodesFormat};
use crate::exit_codes::Exit;
use crate::render::codes;
use crate::text;

pub fn run(cat: &Catalogue, args: &CodesArgs) -> Result<Exit> {
    let (entries, missing) = lookup(cat, &args.queries);
    // For a query that matches nothing, what is close to it.
    for q in (args.queries.iter()).filter(|q| missing.contains(&q.to_string())) {
        for line in near(cat, q) {
            crate::say!("acs-triage: {q} matches nothing, but {}", text::line(&line));
        }
    }
    let table = matches!(args.format, CodesFormat::Csv | CodesFormat::Json);
    if entries.is_empty() {
        // A script reading CSV or JSON still gets a table, an empty one.
        if table {
            let empty = codes::render(&entries, cat, args.format)?;
            std::io::stdout().lock().write_all(&empty)?;
        }
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
    if table {
        crate::say!("acs-triage: catalogues: {}", text::line(&cat.names()));
    }
    for m in &missing {
        crate::say!("acs-triage: no catalogue entry matches {m}");
    }
    Ok(if missing.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}
