//! The `codes` listings: a terminal listing, and the table of entries the CSV, Markdown and
//! JSON renderers write.

use polars::prelude::*;

use crate::catalogue::query::{used, Entry};
use crate::catalogue::{key_label, one_line, Catalogue, Category, Match};
use crate::render;

/// The entries as a table (the CSV writer puts catalogue text on one line).
pub fn frame(entries: &[Entry], cat: &Catalogue) -> PolarsResult<DataFrame> {
    let category: Vec<Option<&str>> = entries
        .iter()
        .map(|e| e.code.map(|c| Category::of(c).as_str()))
        .collect();
    df!(
        "entry" => entries.iter().map(|e| e.entry).collect::<Vec<_>>(),
        "code" => entries.iter().map(|e| e.code).collect::<Vec<_>>(),
        "subcode" => entries.iter().map(|e| e.subcode).collect::<Vec<_>>(),
        "category" => category,
        "match" => entries.iter().map(|e| e.matched.map(Match::as_str)).collect::<Vec<_>>(),
        "source" => entries.iter().map(|e| e.source.as_str()).collect::<Vec<_>>(),
        "used" => entries.iter().map(|e| used(e, cat)).collect::<Vec<_>>(),
        "callback_event" => entries.iter().map(|e| e.callback_event.as_str()).collect::<Vec<_>>(),
        "description" => entries.iter().map(|e| e.description.as_str()).collect::<Vec<_>>(),
        "mitigation" => entries.iter().map(|e| e.mitigation.as_str()).collect::<Vec<_>>()
    )
}

/// The terminal listing: one block per entry, text wrapped under its heading, then the
/// catalogues used.
pub fn listing(entries: &[Entry], cat: &Catalogue) -> String {
    let mut out = String::new();
    for e in entries {
        let head = match (e.entry, e.code, e.subcode) {
            ("subcode", _, Some(s)) => format!("subcode {s}   generic subcode ({})", e.source),
            ("code", Some(c), _) => {
                format!("{c}   {}   generic code ({})", Category::of(c), e.source)
            }
            (kind, Some(c), s) => {
                let what = if kind == "pair" {
                    // A pair another page or file wins over is listed, and said to be.
                    let wins = s.and_then(|s| cat.pair(c, s)).is_some_and(|p| {
                        cat.sources.get(p.source).map(|x| x.label.as_str())
                            == Some(e.source.as_str())
                    });
                    if wins {
                        "exact pair".to_string()
                    } else {
                        "exact pair, not used (another catalogue's wins)".to_string()
                    }
                } else {
                    format!("match: {}", e.matched.map_or("none", Match::as_str))
                };
                format!(
                    "{}   {}   {what} ({})",
                    key_label(c, s),
                    Category::of(c),
                    e.source
                )
            }
            _ => String::new(),
        };
        out.push_str(&render::text::line(&head));
        out.push('\n');
        out.push_str(&render::text::wrap(&one_line(&e.description), 96, "    "));
        if !e.callback_event.is_empty() {
            out.push_str(&render::text::wrap(
                &format!("Callback events: {}", e.callback_event),
                96,
                "    ",
            ));
        }
        if !e.mitigation.is_empty() {
            out.push_str(&render::text::wrap(
                &format!("Mitigation: {}", one_line(&e.mitigation)),
                96,
                "    ",
            ));
        }
        out.push('\n');
    }
    out.push_str("Catalogues:\n");
    for d in cat.describe() {
        out.push_str(&render::text::wrap(&d, 96, "  "));
    }
    out
}
