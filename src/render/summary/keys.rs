//! The keys' tables of `summary.md`: the top failures, the caller outcomes, the mitigations of
//! each class, and the keys another catalogue page reads otherwise.

use std::fmt::Write;

use crate::catalogue::{one_line, Catalogue, Outcome, NO_MITIGATION};
use crate::render::markdown::{escape, linkify, table};
use crate::render::sparkline;
use crate::report::table::{Col, Table};
use crate::report::Report;
use crate::row;

use super::{TOP, TOP_CALLER};

/// The most frequent caller outcomes, apart from the failures, with why they are the caller's.
pub(super) fn caller_section(s: &mut String, r: &Report, cat: &Catalogue) {
    let callers = r.callers_table(cat, TOP_CALLER);
    if callers.rows.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "## Caller outcomes\n\nDriven by the caller or callee, not by the application: counted apart from the failures (the list is acs-triage's, changed with `[outcomes]` in the config file).\n"
    );
    let _ = writeln!(s, "{}", table(&callers));
    if let Some(note) = cut_note(r, Outcome::Caller, TOP_CALLER) {
        let _ = writeln!(s, "{note}\n");
    }
    other_readings_md(s, r, cat, Outcome::Caller, TOP_CALLER);
}

/// A key another page reads otherwise: `403/510403 — pstn`, and that page's description and
/// mitigation (catalogue text, lines separated by `\n`; the mitigation may be empty).
pub struct OtherReading {
    pub key: String,
    pub description: String,
    pub mitigation: String,
}

/// The keys of the `top` rows of an outcome class that another page reads otherwise. The
/// tables give the reading the reports use; a Direct Routing user acting on the nightly summary
/// alone would not know that the PSTN page names another cause or other advice (403/510403).
pub fn other_readings(
    r: &Report,
    cat: &Catalogue,
    outcome: Outcome,
    top: usize,
) -> Vec<OtherReading> {
    let mut found = Vec::new();
    for c in r.top_of(outcome, top) {
        let (Some(subcode), crate::catalogue::Match::Exact) = (c.subcode, c.matched) else {
            continue;
        };
        for p in cat.other_readings(c.code, subcode) {
            let source = cat.sources.get(p.source).map_or("", |x| x.label.as_str());
            found.push(OtherReading {
                key: format!("{} — {source}", c.label()),
                description: one_line(&p.description),
                mitigation: one_line(&p.mitigation),
            });
        }
    }
    found
}

/// The sentence above [`other_readings`]' lines.
pub const OTHER_READINGS: &str = "Another catalogue page reads these keys otherwise (the table gives the reading the reports use; `acs-triage codes CODE/SUBCODE` shows both):";

/// [`other_readings`] as a Markdown paragraph and list, when there are any.
pub(super) fn other_readings_md(
    s: &mut String,
    r: &Report,
    cat: &Catalogue,
    outcome: Outcome,
    top: usize,
) {
    let found = other_readings(r, cat, outcome, top);
    if found.is_empty() {
        return;
    }
    let _ = writeln!(s, "{OTHER_READINGS}\n");
    for o in found {
        let _ = write!(s, "- {}: “{}”", escape(&o.key), linkify(&o.description));
        if !o.mitigation.is_empty() {
            let _ = write!(s, " Mitigation: “{}”", linkify(&o.mitigation));
        }
        s.push('\n');
    }
    s.push('\n');
}

/// When a table of the keys of one outcome class shows only the `top` most frequent: how many
/// there are, and where all are. A table cut short without a word reads as the whole class.
pub fn cut_note(r: &Report, outcome: Outcome, top: usize) -> Option<String> {
    let all = r.codes.iter().filter(|c| c.outcome == outcome).count();
    (all > top).then(|| {
        let file = r.csv_file("by_code.csv");
        format!("The {top} most frequent of {all} {outcome}-class keys; all are in {file}.")
    })
}

/// What each of the two tables of the "By mitigation" section holds: the failure class's
/// mitigations, then the callers', apart; `share` is of the class's records.
pub const MITIGATION_CLASSES: [(Outcome, &str); 2] = [
    (
        Outcome::Failure,
        "Failure-class records (what needs action), by the mitigation their by_code.csv row gives; share is of the failure-class records.",
    ),
    (
        Outcome::Caller,
        "Caller outcomes, apart: share is of the caller-class records.",
    ),
];

/// The failures by mitigation, the failure class's and the callers' apart (by_mitigation.csv
/// has them together).
pub(super) fn mitigation_section(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## By mitigation\n");
    for (outcome, caption) in MITIGATION_CLASSES {
        let t = r.mitigations_of(outcome);
        match (outcome, t.rows.is_empty()) {
            (Outcome::Failure, true) => {
                let _ = writeln!(s, "No failure-class records.\n");
            }
            (_, true) => {}
            (_, false) => {
                let _ = writeln!(s, "{caption}\n\n{}", table(&t));
            }
        }
    }
}

/// The most frequent failure keys, with what the catalogue says of them and their timeline.
pub(super) fn top_failures(r: &Report) -> Table {
    const COLUMNS: &[(&str, Col)] = &[
        ("code/subcode", Col::Text),
        ("category", Col::Text),
        ("count", Col::Number),
        ("calls", Col::Number),
        ("description", Col::Catalogue),
        ("most frequent message", Col::Text),
        ("mitigation", Col::Catalogue),
        ("timeline", Col::Markup),
    ];
    Table::of(COLUMNS, r.top_of(Outcome::Failure, TOP), |c| {
        row![
            c.label(),
            c.category.as_str(),
            c.count,
            c.calls,
            &*c.description,
            c.messages.first().map_or("", |m| m.0.as_str()),
            // As By mitigation and by_mitigation.csv say it (rev65a L4: an empty cell).
            match c.mitigation.is_empty() {
                true => NO_MITIGATION,
                false => &*c.mitigation,
            },
            sparkline(&r.series((c.code, c.subcode))),
        ]
    })
}
