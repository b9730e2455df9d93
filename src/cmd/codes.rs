//! `acs-triage codes [QUERY]...`: look codes and subcodes up in the catalogue.

use std::io::Write;

use anyhow::{bail, Result};

use crate::catalogue::query::{all_entries, find, Entry};
use crate::catalogue::Catalogue;
use crate::cli::{CodesArgs, CodesFormat};
use crate::exit_codes::Exit;
use crate::render::{self, codes};

pub fn run(cat: &Catalogue, args: &CodesArgs) -> Result<Exit> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut missing = Vec::new();
    if args.queries.is_empty() {
        entries = all_entries(cat);
    }
    for q in &args.queries {
        let found = find(cat, q);
        if found.is_empty() {
            missing.push(q.to_string());
        }
        for e in found {
            if !entries.contains(&e) {
                entries.push(e);
            }
        }
    }
    if entries.is_empty() {
        bail!(
            "no catalogue entry matches {} (catalogue: {})",
            missing.join(", "),
            cat.names()
        );
    }
    let bytes = match args.format {
        CodesFormat::Table => codes::listing(&entries, cat).into_bytes(),
        CodesFormat::Csv => render::csv::render(&codes::frame(&entries, cat))?,
        CodesFormat::Md => {
            let mut s = render::markdown::table(&codes::frame(&entries, cat));
            s.push_str("\nCatalogues:\n\n");
            for d in cat.describe() {
                s.push_str(&format!("- {}\n", render::markdown::escape(&d)));
            }
            s.into_bytes()
        }
        CodesFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&render::json::rows(&codes::frame(&entries, cat)))?;
            s.push('\n');
            s.into_bytes()
        }
    };
    std::io::stdout().lock().write_all(&bytes)?;
    // CSV and JSON stay a table for scripts: the catalogues used are said on stderr.
    if matches!(args.format, CodesFormat::Csv | CodesFormat::Json) {
        eprintln!(
            "acs-triage: catalogues: {}",
            render::text::line(&cat.names())
        );
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
