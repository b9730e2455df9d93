//! The Markdown page's section of the subcode's days in the stored history (`--history`):
//! since when, or not at all, and the last days it holds, each resource's under
//! `--spikes-by resource`.

use std::fmt::Write;

use crate::catalogue::key_label;
use crate::render::markdown::{escape, table};
use crate::render::{sparkline, MOST_KEYS};
use crate::report::triage::{HistoryDays, Triage, HISTORY_DAYS};
use crate::time::day_text;

use super::page::{capitalized, cut};

/// The subcode's days in the stored history: since when, or not at all, and the last
/// [`HISTORY_DAYS`] days it holds; under `--spikes-by resource`, each resource's, as the
/// verdicts are split.
pub(super) fn history_section(s: &mut String, t: &Triage) {
    let Some(h) = &t.history else {
        return;
    };
    let _ = writeln!(s, "## In the history\n");
    if t.history_by_resource.is_empty() {
        history_days(s, t, h, "the history");
        return;
    }
    let _ = writeln!(
        s,
        "By resource, each against its own history as --spikes-by resource tests it.\n"
    );
    let (found, not): (Vec<_>, Vec<_>) =
        (t.history_by_resource.iter()).partition(|h| !h.keys.is_empty());
    for h in found {
        let name = escape(h.resource.as_deref().unwrap_or_default());
        let _ = writeln!(s, "### {name}\n");
        history_days(s, t, h, &format!("the history of {name}"));
    }
    if !not.is_empty() {
        let names: Vec<String> = (not.iter())
            .map(|h| escape(h.resource.as_deref().unwrap_or_default()))
            .collect();
        let _ = writeln!(
            s,
            "{} is not in the history of {}.\n",
            t.title(),
            names.join(", ")
        );
    }
}

/// The days of `h`, the history `whose` names (`the history`, `the history of acs-stage`).
fn history_days(s: &mut String, t: &Triage, h: &HistoryDays, whose: &str) {
    let Some((first, last)) = h.span else {
        let _ = writeln!(s, "{} holds no day.\n", capitalized(whose));
        return;
    };
    let held = format!(
        "{} day{}, {} to {}",
        h.held,
        if h.held == 1 { "" } else { "s" },
        day_text(first),
        day_text(last)
    );
    if h.keys.is_empty() {
        let _ = writeln!(s, "{} is not in {whose}'s {held}.\n", t.title());
        return;
    }
    let whose_cap = capitalized(whose);
    let _ = match h.days.len() as i64 {
        HISTORY_DAYS => writeln!(s, "{whose_cap} holds {held}; its last {HISTORY_DAYS}:\n"),
        n => writeln!(
            s,
            "{whose_cap} holds {held}; the {n} it holds of the last {HISTORY_DAYS} to {}:\n",
            day_text(last)
        ),
    };
    for (k, day, counts) in h.keys.iter().take(MOST_KEYS) {
        let _ = writeln!(
            s,
            "- {}: first in {whose} on {}; `{}`",
            key_label(k.0, k.1),
            day_text(*day),
            sparkline(counts)
        );
    }
    if let Some(line) = cut(h.keys.len(), "keys, and of the table's columns below") {
        let _ = writeln!(s, "\n{line}");
    }
    if let Some(last) = h.apart_until {
        let whose = match &h.resource {
            Some(name) => format!("{}'s", escape(name)),
            None => "the kept resources'".to_string(),
        };
        let _ = writeln!(
            s,
            "\nThe days to {} (marked `callbacks apart`) were stored before callback records were counted under their calls' resources: they hold none of {whose} callback records, so a key of callback events reads 0 on them and is first seen after them.",
            day_text(last),
        );
    }
    let short: Vec<String> = (h.days.iter())
        .filter(|d| d.short && !d.partial)
        .map(|d| day_text(d.day))
        .collect();
    if !short.is_empty() {
        let (days, are) = match short.len() {
            1 => ("day", "is"),
            _ => ("days", "are"),
        };
        let _ = writeln!(
            s,
            "\nThe {days} marked `short` ({}) {are} stored whole, but the records of some resources stopped before the day's end and made all records low or a DROP: no baseline of the spike test over all records, as report's notes say.",
            short.join(", ")
        );
    }
    s.push('\n');
    let mut days = h.table();
    // A column a key, after the day's and its records.
    days.columns.truncate(MOST_KEYS + 2);
    for r in &mut days.rows {
        r.truncate(MOST_KEYS + 2);
    }
    let _ = writeln!(s, "{}", table(&days));
}
