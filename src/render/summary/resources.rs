//! The "By resource" section of `summary.md`: each resource's records, what needs action in
//! it against the usual, its top failure-class key, and the notes on resources cut or joined.

use std::fmt::Write;

use crate::catalogue::key_label;
use crate::render::markdown::table;
use crate::report::table::{Col, Table};
use crate::report::{share, Report, NOT_NAMED};
use crate::row;

use super::pct;

/// How many resources the "By resource" section shows.
pub const TOP_RESOURCES: usize = 15;

/// The resources, most records first, at most [`TOP_RESOURCES`], with what needs action in
/// each and its failure-class key with the most records; beside each rate, the resource's own
/// on the same weekday of the previous weeks when the history holds them. None when fewer
/// than two resources are named: the overview says it all then.
pub fn resources_table(r: &Report) -> Option<Table> {
    let named = (r.resources.iter()).filter(|x| x.resource != NOT_NAMED);
    if named.count() < 2 {
        return None;
    }
    let usual = r
        .resources
        .iter()
        .any(|x| x.usual_needs_action_rate.is_some());
    let mut columns = vec![
        ("resource", Col::Text),
        ("count", Col::Number),
        ("needs action", Col::Number),
        ("needs-action rate", Col::Number),
    ];
    if usual {
        columns.push(("usual rate", Col::Number));
    }
    columns.push(("top failure", Col::Text));
    let mut t = Table::new(&columns);
    for x in r.resources.iter().take(TOP_RESOURCES) {
        let mut row = row![
            x.resource.as_str(),
            x.count,
            x.needs_action,
            pct(share(x.needs_action, x.count))
        ];
        if usual {
            row.push(x.usual_needs_action_rate.map(pct).into());
        }
        let top = x
            .top_failure
            .map(|(k, n)| format!("{} ({n})", key_label(k.0, k.1)));
        row.push(top.into());
        t.push(row);
    }
    Some(t)
}

/// When the "By resource" section shows only the first [`TOP_RESOURCES`] rows: how many there
/// are, and where all are.
pub fn resources_cut_note(r: &Report) -> Option<String> {
    (r.resources.len() > TOP_RESOURCES).then(|| {
        format!(
            "The {TOP_RESOURCES} rows with the most records of {}; all are in {}.",
            r.resources.len(),
            r.csv_file("by_resource.csv")
        )
    })
}

/// Where the "By resource" table counts the callback records, which name no resource: under
/// the resource their call's other records name, or `(not named)`.
pub fn joined_note(r: &Report) -> Option<String> {
    let (joined, stay) = r.callbacks_of_no_resource;
    let how = format!(
        "under the resource their call's other records name (the same CorrelationId; inferred in {})",
        r.csv_file("by_resource.csv")
    );
    let records = |n: u64| format!("{n} callback record{}", if n == 1 { "" } else { "s" });
    match (joined, stay) {
        (0, 0) => None,
        (_, 0) => Some(format!(
            "Callback events name no resource: {} counted {how}.",
            match joined {
                1 => "the callback record is".to_string(),
                n => format!("all {} are", records(n)),
            }
        )),
        _ => Some(format!(
            "Callback events name no resource: {joined} of {} {} counted {how}; {stay} {} {NOT_NAMED}, no other record of their call naming one.",
            records(joined + stay),
            if joined == 1 { "is" } else { "are" },
            if stay == 1 { "stays" } else { "stay" }
        )),
    }
}

/// What the "usual rate" of the "By resource" table is, when it has one.
pub fn usual_note(r: &Report) -> Option<String> {
    (r.resources.iter().any(|x| x.usual_needs_action_rate.is_some())).then(|| {
        format!(
            "usual rate: the resource's needs-action rate over the same weekday of the previous {} weeks the history holds.",
            crate::spikes::BASELINE_WEEKS
        )
    })
}

/// Each resource's records and what needs action in it, when there are two or more.
pub(super) fn resources_section(s: &mut String, r: &Report) {
    let Some(t) = resources_table(r) else {
        return;
    };
    let _ = writeln!(s, "## By resource\n\n{}", table(&t));
    if let Some(note) = joined_note(r) {
        let _ = writeln!(s, "{note}\n");
    }
    if let Some(note) = usual_note(r) {
        let _ = writeln!(s, "{note}\n");
    }
    if let Some(note) = resources_cut_note(r) {
        let _ = writeln!(s, "{note}\n");
    }
}
