//! The `codes` listings: a terminal listing, and the table of entries the CSV, Markdown and
//! JSON renderers write.

use crate::report::table::{Col, Table};

use crate::catalogue::query::{used, Entry};
use crate::catalogue::{key_label, one_line, Catalogue, Category, KeySpec, Match, Outcome};
use crate::config::CodesFormat;
use crate::render;

/// The entries as a table (the CSV writer puts catalogue text on one line).
pub fn frame(entries: &[Entry], cat: &Catalogue) -> Table {
    let mut t = Table::new(&[
        ("entry", Col::Text),
        ("code", Col::Number),
        ("subcode", Col::Number),
        ("category", Col::Text),
        ("outcome", Col::Text),
        ("match", Col::Text),
        ("source", Col::Text),
        ("used", Col::Bool),
        ("callback_event", Col::Text),
        ("description", Col::Catalogue),
        ("mitigation", Col::Catalogue),
    ]);
    for e in entries {
        t.push(crate::row![
            e.entry,
            e.code,
            e.subcode,
            e.code.map(|c| Category::of(c).as_str()),
            e.outcome.map(Outcome::as_str),
            e.matched.map(Match::as_str),
            e.source.as_str(),
            used(e, cat),
            e.callback_event.as_str(),
            e.description.as_str(),
            e.mitigation.as_str(),
        ]);
    }
    t
}

/// The terminal listing: one block per entry, text wrapped under its heading, then the
/// catalogues used.
pub fn listing(entries: &[Entry], cat: &Catalogue) -> String {
    let mut out = String::new();
    for e in entries {
        out.push_str(&crate::text::line(&heading(e, cat)));
        out.push('\n');
        out.push_str(&render::text::wrap(&one_line(&e.description), 96, "    "));
        let lines = [
            (!e.callback_event.is_empty())
                .then(|| format!("Callback events: {}", e.callback_event)),
            (!e.mitigation.is_empty()).then(|| format!("Mitigation: {}", one_line(&e.mitigation))),
            caller_reason(e, cat).map(|r| format!("Caller outcome: {r}")),
        ];
        for l in lines.into_iter().flatten() {
            out.push_str(&render::text::wrap(&l, 96, "    "));
        }
        out.push('\n');
    }
    out.push_str("Catalogues:\n");
    for d in cat.describe() {
        out.push_str(&render::text::wrap(&d, 96, "  "));
    }
    out
}

/// An entry's heading: its key, category, outcome class (whether it needs action: `caller`,
/// `failure`, `success`), how it matches and where it comes from.
fn heading(e: &Entry, cat: &Catalogue) -> String {
    let class = e.outcome.map(|o| format!("{o}   ")).unwrap_or_default();
    match (e.entry, e.code, e.subcode) {
        ("subcode", _, Some(s)) => format!("subcode {s}   {class}generic subcode ({})", e.source),
        ("rule", _, Some(s)) => {
            format!(
                "subcode {s}   {class}{} match ({})",
                Match::Prefix,
                e.source
            )
        }
        // A rule or a class of the listing: what it stands for, then how the lookup names
        // the answers it gives.
        ("rule", None, None) => {
            format!(
                "subcode {}   rule, {} match ({})",
                e.pattern,
                Match::Prefix,
                e.source
            )
        }
        ("class", None, None) => format!(
            "{}   {class}class of codes, {} match ({})",
            e.pattern,
            Match::Code,
            e.source
        ),
        ("code", Some(c), _) => {
            format!(
                "{c}   {}   {class}generic code ({})",
                Category::of(c),
                e.source
            )
        }
        (kind, Some(c), s) => {
            let what = if kind == "pair" {
                // A pair another page or file wins over is listed, and said to be.
                let winner = (s.and_then(|s| cat.pair(c, s)))
                    .and_then(|p| cat.sources.get(p.source))
                    .map_or("", |x| x.label.as_str());
                // "exact match", "code match": the words `triage` uses too.
                if winner == e.source {
                    "exact match".to_string()
                } else if winner.is_empty() {
                    // A row of its callback events only: the key reads a generic entry.
                    format!(
                        "exact match, not used: the page gives it for {} only",
                        e.callback_event
                    )
                } else {
                    format!("exact match, not used: the reports use {winner}'s")
                }
            } else {
                match e.matched {
                    Some(m) => format!("{m} match"),
                    None => "no match".to_string(),
                }
            };
            let key = key_label(c, s);
            format!("{key}   {}   {class}{what} ({})", Category::of(c), e.source)
        }
        _ => String::new(),
    }
}

/// Why a caller outcome is the caller's doing.
fn caller_reason<'c>(e: &Entry, cat: &'c Catalogue) -> Option<&'c str> {
    match (e.outcome, e.code, e.subcode) {
        (Some(Outcome::Caller), Some(c), s) => cat.outcomes.reason(c, s),
        (Some(Outcome::Caller), None, Some(s)) => (cat.outcomes.caller.iter())
            .find(|k| k.key == KeySpec::Subcode(s))
            .map(|k| k.reason.as_str()),
        _ => None,
    }
}

/// The entries in one of the `codes` formats.
pub fn render(entries: &[Entry], cat: &Catalogue, format: CodesFormat) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        CodesFormat::Table => listing(entries, cat).into_bytes(),
        CodesFormat::Csv => render::csv::render(&frame(entries, cat))?,
        CodesFormat::Md => {
            let mut s = render::markdown::table(&frame(entries, cat));
            s.push_str("\nCatalogues:\n\n");
            for d in cat.describe() {
                s.push_str(&format!("- {}\n", render::markdown::escape(&d)));
            }
            s.into_bytes()
        }
        CodesFormat::Json => render::json::pretty(&render::json::rows(&frame(entries, cat)))?,
    })
}

#[cfg(test)]
mod snapshots {
    use crate::catalogue::query::{lookup, parse_query};
    use crate::config::CodesFormat;
    use crate::report::fixture;

    fn text(format: CodesFormat) -> String {
        let cat = fixture::catalogue();
        let queries: Vec<_> = ["404/8522", "560503", "603"]
            .iter()
            .map(|q| parse_query(q).unwrap())
            .collect();
        let (entries, missing) = lookup(&cat, &queries);
        assert!(missing.is_empty());
        String::from_utf8(super::render(&entries, &cat, format).unwrap()).unwrap()
    }

    #[test]
    fn codes_table() {
        insta::assert_snapshot!(text(CodesFormat::Table));
    }

    #[test]
    fn codes_csv() {
        insta::assert_snapshot!(text(CodesFormat::Csv));
    }

    #[test]
    fn codes_md() {
        insta::assert_snapshot!(text(CodesFormat::Md));
    }

    #[test]
    fn codes_json() {
        insta::assert_snapshot!(text(CodesFormat::Json));
    }
}
