//! `summary.md`: the report for a person reading it in the morning. Its Volume and Spikes
//! sections are in `spikes`, the keys' tables in `keys`, the resources' in `resources`.

use std::fmt::Write;

use crate::catalogue::{Catalogue, Outcome};
use crate::render::markdown::{escape, table, write_table};
use crate::render::{keys_cut, MOST_FILES, MOST_KEYS, PART_ROWS};
use crate::report::table::Col;
use crate::report::tables::excerpt_text;
use crate::report::Report;
#[cfg(test)]
use crate::report::NOT_NAMED;
#[cfg(test)]
use crate::time::day_text;
use crate::time::rfc3339;

mod keys;
mod resources;
mod spikes;

use keys::{caller_section, mitigation_section, other_readings_md, top_failures};
pub use keys::{cut_note, other_readings, MITIGATION_CLASSES, OTHER_READINGS};
use resources::resources_section;
pub use resources::{joined_note, resources_cut_note, resources_table, usual_note};
pub use spikes::{
    copied_line, names_said, new_below_min_line, no_mitigation_step, scopes_cut, scopes_said,
    skip_note, spikes_cut, untested_apart_line, volume_lines, volume_said,
};
use spikes::{spikes_section, volume_section};

/// How many failure keys the "Top failures" table shows.
pub const TOP: usize = 15;
/// How many caller keys the "Caller outcomes" table shows.
pub const TOP_CALLER: usize = 8;

/// The line a report opens with: what needs action, and beside it what does not.
/// A night without one accepted record (an export that stopped) says so: a rate of 0.00% of
/// nothing would read as a quiet night.
pub fn needs_action_line(r: &Report) -> String {
    if r.accepted == 0 {
        return format!(
            "No data: not one record accepted ({} read: {} rejected, {} skipped), so no rate was measured.",
            r.read, r.rejected, r.skipped
        );
    }
    format!(
        "Needs action: {} of {} accepted records ({} failure-class). Caller outcomes (timeouts waiting for input, busy, no answer, declined): {}. All codes other than success: {}.",
        pct(r.needs_action_rate()),
        r.accepted,
        r.needs_action,
        pct(r.caller_rate()),
        pct(r.failure_rate()),
    )
}
/// How many rows the "By operation" table shows.
pub const TOP_OPERATIONS: usize = 25;

/// A share from 0 to 1 as a percentage with two decimals: `0.1234` is `12.34%`.
pub fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// A rate of the accepted records: `n/a` when none was accepted (0.00% of nothing would read
/// as a quiet night).
pub fn rate(r: &Report, x: f64) -> String {
    match r.accepted {
        0 => "n/a".to_string(),
        _ => pct(x),
    }
}

pub fn render(r: &Report, cat: &Catalogue) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Call Automation triage report\n");
    let _ = writeln!(s, "**{}**\n", needs_action_line(r));
    volume_section(&mut s, r);
    spikes_section(&mut s, r, cat);
    crate::render::silent::markdown(&mut s, r);
    overview_section(&mut s, r);
    let _ = writeln!(s, "## By outcome\n\n{}", table(&r.by_outcome()));
    let _ = writeln!(s, "## By category\n\n{}", table(&r.by_category()));

    top_failures_section(&mut s, r, cat);
    caller_section(&mut s, r, cat);
    resources_section(&mut s, r);
    mitigation_section(&mut s, r);
    operations_section(&mut s, r);

    if !r.diagnostics.is_empty() {
        let _ = writeln!(s, "## SIP and Q.850 diagnostics\n");
        let _ = writeln!(
            s,
            "What the SBC or carrier said, in the callback events that carry it.\n\n{}",
            table(&r.by_sip())
        );
    }
    quality_section(&mut s, r);
    s
}

/// The overview: the period, the window, the records and the rates.
fn overview_section(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Overview\n");
    let period = match (r.first, r.last) {
        (Some(a), Some(b)) => format!("{} to {}", rfc3339(a), rfc3339(b)),
        _ => "no records".to_string(),
    };
    let _ = writeln!(s, "- **Period covered:** {period}");
    if r.window.since.is_some() || r.window.until.is_some() {
        let _ = writeln!(
            s,
            "- **Window:** [{}, {})",
            r.window.since.map(rfc3339).unwrap_or_else(|| "…".into()),
            r.window.until.map(rfc3339).unwrap_or_else(|| "…".into())
        );
    }
    let _ = writeln!(
        s,
        "- **Records:** {} read, {} accepted, {} rejected, {} skipped{}{}",
        r.read,
        r.accepted,
        r.rejected,
        r.skipped,
        skip_note(r),
        if r.outside > 0 {
            format!(", {} outside the window", r.outside)
        } else {
            String::new()
        }
    );
    if !r.resource_filter.is_empty() {
        let _ = writeln!(
            s,
            "- **Resources:** {} only (`--resource`); records of others are counted outside the window",
            escape(&r.resource_filter.join(", "))
        );
    }
    let _ = writeln!(
        s,
        "- **Needs action:** {} ({} failure-class {} of {} accepted)",
        rate(r, r.needs_action_rate()),
        r.needs_action,
        crate::text::records(r.needs_action),
        r.accepted
    );
    let _ = writeln!(
        s,
        "- **Failure rate:** {} ({} {} of a code other than success, caller outcomes included)",
        rate(r, r.failure_rate()),
        r.failures,
        crate::text::records(r.failures),
    );
    let _ = writeln!(s, "- **Catalogue:** {}\n", escape(&r.catalogue.join("; ")));
}

/// The most frequent failure keys, or that there are none.
fn top_failures_section(s: &mut String, r: &Report, cat: &Catalogue) {
    let _ = writeln!(s, "## Top failures\n");
    let top = top_failures(r);
    if top.rows.is_empty() {
        let _ = writeln!(s, "No failures.\n");
    } else {
        let _ = writeln!(s, "{}", table(&top));
        if let Some(note) = cut_note(r, Outcome::Failure, TOP) {
            let _ = writeln!(s, "{note}\n");
        }
        other_readings_md(s, r, cat, Outcome::Failure, TOP);
    }
}

/// The most frequent operations, and how many rows by_operation.csv has when more.
fn operations_section(s: &mut String, r: &Report) {
    // The first part only: a report of many operations never makes the whole table here.
    let ops = r
        .by_operation_parts(TOP_OPERATIONS)
        .next()
        .expect("one part at least");
    let _ = writeln!(s, "## By operation\n\n{}", table(&ops));
    if r.operations.len() > TOP_OPERATIONS {
        let _ = writeln!(
            s,
            "The {} most frequent of {} rows; all are in {}.\n",
            TOP_OPERATIONS,
            r.operations.len(),
            r.csv_file("by_operation.csv")
        );
    }
}

/// Data quality: the rejects, the uncatalogued keys, the warnings and the input files.
fn quality_section(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Data quality\n");
    let _ = writeln!(s, "### Rejected records\n");
    if r.reject_groups.is_empty() {
        let _ = writeln!(s, "None.\n");
    } else {
        let rejects = r.reject_groups_table(
            ("first examples (file:line excerpt)", Col::Text),
            |e| format!("{} {}", e.place(), excerpt_text(e)),
            "\n",
        );
        let _ = writeln!(s, "{}", table(&rejects));
        if r.rejects_truncated {
            let _ = writeln!(
                s,
                "rejects.csv lists the first {} rejected records only.\n",
                crate::aggregate::MAX_REJECT_ROWS
            );
        }
    }
    let _ = writeln!(s, "### Uncatalogued codes\n");
    if r.uncatalogued().next().is_none() {
        let _ = writeln!(s, "None: every code seen other than success is in the catalogue (its pages list failures).\n");
    } else {
        let _ = writeln!(
            s,
            "These keys, other than success, match nothing in the catalogue; a newer copy of the page (`--catalogue`) may know them.\n"
        );
        write_table(s, r.uncatalogued_parts(PART_ROWS, MOST_KEYS));
        s.push('\n');
        if let Some(note) = keys_cut(r.uncatalogued().count(), "uncatalogued keys") {
            let _ = writeln!(s, "{}\n", escape(&note));
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "### Warnings\n");
        for w in &r.warnings {
            let _ = writeln!(s, "- {}", escape(w));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "### Input files\n");
    // Accepted records outside --since/--until have a column when there are any.
    let (inputs, more) = r.inputs_said(MOST_FILES);
    s.push_str(&table(&inputs));
    if let Some(note) = r.inputs_cut(more) {
        let _ = writeln!(s, "{}\n", escape(&note));
    }
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    #[test]
    fn summary_md() {
        let cat = fixture::catalogue();
        insta::assert_snapshot!(super::render(&fixture::report(&cat), &cat));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{fixture, ResourceRow};
    use crate::spikes::volume::{test_scope, Bar};

    /// The Uncatalogued codes table shows the [`MOST_KEYS`] most frequent keys and says how
    /// many more by_code.csv and report.json hold, as report.html does (200,000 made-up keys
    /// had made a summary of 5.5 MB).
    #[test]
    fn the_uncatalogued_keys_show_the_most_frequent_and_say_how_many_more() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let mut model = (r.codes.iter().find(|c| c.category.is_failure()))
            .unwrap()
            .clone();
        model.matched = crate::catalogue::Match::None;
        let n = MOST_KEYS + 5;
        r.codes = (0..n)
            .map(|i| crate::report::CodeRow {
                subcode: Some(900_000 + i as u32),
                count: (2 * n - i) as u64,
                ..model.clone()
            })
            .collect();
        let md = render(&r, &cat);
        let label = |i: usize| format!("| {}/{} |", model.code, 900_000 + i);
        assert!(md.contains(&label(MOST_KEYS - 1)), "{md}");
        assert!(!md.contains(&label(MOST_KEYS)), "{md}");
        let note = escape(&format!(
            "The {MOST_KEYS} most frequent of {n} uncatalogued keys; 5 more, and all of them, are in by_code.csv and report.json."
        ));
        assert!(md.contains(&note), "{note}");
    }

    /// Keys of callback records alone not tested because their resource's baseline days keep
    /// callback records apart are named, not counted as untested for lack of history (rev60a
    /// F5: after the upgrade a night read `2 key(s) could not be tested for lack of history`).
    #[test]
    fn keys_untested_for_callbacks_kept_apart_are_named() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.spikes.flagged.clear();
        r.spike_rows.clear();
        r.spikes.note = None;
        r.spikes.untested = 3;
        r.spikes.untested_apart = vec![(Some("acs-stage".into()), (400, Some(8536)))];
        let md = render(&r, &cat);
        assert!(
            md.contains(" 2 key(s) could not be tested for lack of history.\n\nNot tested: acs-stage: 400/8536 (1 key(s) of callback records alone): the baseline days of their resource were stored before"),
            "{md}"
        );
        r.spikes.untested = 1;
        let md = render(&r, &cat);
        assert!(!md.contains("lack of history"), "{md}");
    }

    /// A resource whose records stopped comes first, and the head says that the lines of all
    /// records and the kinds follow from it; when every resource fell, the order is the scopes'.
    #[test]
    fn the_resource_that_dropped_comes_first() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let th = Bar::default();
        let day = r.volume[0].day;
        let scopes = |stage: u64| {
            vec![
                test_scope(day, "all", 835 + stage, &[2300, 2300, 2300], &th),
                test_scope(day, "kind operations", 500, &[1380, 1380, 1380], &th),
                test_scope(day, "resource acs-prod", 835, &[2000, 2000, 2000], &th),
                test_scope(day, "resource acs-stage", stage, &[300, 300, 300], &th),
            ]
        };
        r.volume = scopes(300);
        let (head, lines, _) = volume_lines(&r);
        assert!(
            head.ends_with(
                ", resource acs-prod first: the lines of all records and the kinds follow from it:"
            ),
            "{head}"
        );
        assert!(lines[0].starts_with("DROP resource acs-prod"), "{lines:?}");
        assert!(lines[1].starts_with("DROP all"), "{lines:?}");
        r.volume = scopes(100);
        let (head, lines, _) = volume_lines(&r);
        assert_eq!(head, format!("Flagged on {}:", day_text(day)));
        assert!(lines[0].starts_with("DROP all"), "{lines:?}");
    }

    /// A scope not tested (`insufficient_history`) is not said to be within its usual range:
    /// it is counted in the head, and said with why after it (rev68a F10: "each resource are
    /// within their usual range" of a resource that had not been tested).
    #[test]
    fn a_scope_not_tested_is_never_said_within_its_usual_range() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let th = Bar::default();
        let day = r.volume[0].day;
        r.volume = vec![
            test_scope(day, "all", 1000, &[1000, 1000, 1000, 1000], &th),
            test_scope(day, "resource acs-prod", 800, &[800, 800], &th),
            test_scope(day, "resource acs-stage", 200, &[200, 200, 200, 200], &th),
        ];
        let why = "Not tested: resource acs-prod, for want of 3 baseline days that count it: ...";
        r.spikes.volume_untested = vec![why.to_string()];
        let (head, lines, _) = volume_lines(&r);
        assert!(lines.is_empty(), "{lines:?}");
        assert_eq!(
            head,
            format!("No drop on {}: all records and each log kind and resource tested are within their usual range; 1 not tested.", day_text(day))
        );
        let md = render(&r, &cat);
        assert!(md.contains(&format!("{head}\n\n{}\n", escape(why))), "{md}");
        r.volume.remove(1);
        let (head, _, _) = volume_lines(&r);
        assert!(
            head.ends_with("each resource are within their usual range."),
            "{head}"
        );
    }

    /// A scope the test finds below its usual range is never said to be within it: LOW is
    /// listed under a head that says it is not paged, and one above 80% is named with its share.
    #[test]
    fn a_scope_below_its_usual_range_is_never_within_it() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let th = Bar::default();
        let base = [2000, 2000, 2000, 2000];
        let day = r.volume[0].day;
        r.volume = vec![
            test_scope(day, "all", 2300, &[2300, 2300, 2300, 2300], &th),
            test_scope(day, "resource acs-prod", 1165, &base, &th),
        ];
        let (head, lines, _) = volume_lines(&r);
        assert!(
            head.ends_with("; below the usual range, not paged:"),
            "{head}"
        );
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("low resource acs-prod: 1165 records on"),
            "{lines:?}"
        );
        assert!(lines[0].contains("58% of it (down 42%)"), "{lines:?}");
        r.volume[1] = test_scope(day, "resource acs-prod", 1800, &base, &th);
        let (head, lines, _) = volume_lines(&r);
        assert!(lines.is_empty(), "{lines:?}");
        assert!(!head.contains("within their usual range"), "{head}");
        assert!(
            head.contains(
                "below their usual range: resource acs-prod 1800 of 2000 expected (90%, p=2.4e-5)"
            ),
            "{head}"
        );
        r.volume[1] = test_scope(day, "kind operations", 4140, &[1380, 1380, 1380], &th);
        let (head, lines, _) = volume_lines(&r);
        assert!(
            head.ends_with("; above the usual range, not paged:"),
            "{head}"
        );
        assert!(
            lines[0].starts_with("rise kind operations: 4140"),
            "{lines:?}"
        );
        r.volume.pop();
        let (head, _, _) = volume_lines(&r);
        assert!(head.ends_with("are within their usual range."), "{head}");
    }

    /// A flagged failure-class key without a documented mitigation says what to do next, as
    /// triage does: the command that collects its calls' ids (its subcode and code, the
    /// report's inputs, window and --resource), and a support ticket; in report.html too. A
    /// caller-class key (a silence) has no ticket to open.
    #[test]
    fn a_failure_key_without_a_mitigation_says_to_collect_its_calls_for_a_ticket() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let caller = "  - Mitigation: (no documented mitigation)\n";
        assert!(super::render(&r, &cat).contains(caller));
        assert_eq!(r.spike_rows[1].verdict.key, (400, Some(8510)));
        r.spike_rows[1].outcome = Outcome::Failure;
        r.resource_filter = vec!["acs-prod*".into()];
        r.window.since = crate::time::parse_time_bound("2026-11-24").ok();
        r.reading.local_offset = Some(crate::time::LocalZone::Tz(chrono_tz::Europe::Berlin));
        let cmd = "acs-triage triage 8510 --code 400 logs/ --local-tz Europe/Berlin --since 2026-11-24T00:00:00Z --resource 'acs-prod*' --no-config --calls --format csv > calls-8510.csv";
        let md = super::render(&r, &cat);
        let line = format!("  - Mitigation: (no documented mitigation): collect the calls' ids with `{cmd}` and open a support ticket with them.\n");
        assert!(md.contains(&line), "{md}");
        assert!(!md.contains(caller), "{md}");
        let mut page = Vec::new();
        crate::render::html::write(&r, &cat, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        let html = format!(
            "<p>Mitigation: (no documented mitigation): collect the calls' ids with <code>{}</code> and open a support ticket with them.</p>",
            crate::render::markup::escape(cmd)
        );
        assert!(page.contains(&html), "{page}");
        // A key without a subcode, which triage cannot take: the ticket, without a command.
        r.spike_rows[1].verdict.key = (400, None);
        let md = super::render(&r, &cat);
        assert!(md.contains("  - Mitigation: (no documented mitigation): collect the calls' ids and open a support ticket with them.\n"), "{md}");
    }

    fn resource(name: &str, count: u64, needs_action: u64, usual: Option<f64>) -> ResourceRow {
        ResourceRow {
            resource: name.to_string(),
            count,
            failures: needs_action,
            needs_action,
            calls: count,
            top_failure: (needs_action > 0).then_some(((500, Some(8572)), needs_action)),
            inferred: 0,
            usual_needs_action_rate: usual,
        }
    }

    /// Two resources or more have a section of their own, cut to the first rows with the cut
    /// said; one resource and the records that name none have none.
    #[test]
    fn resources_have_a_section_when_there_are_two_or_more() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.resources = vec![
            resource("acs-prod", 100, 30, None),
            resource(super::NOT_NAMED, 5, 0, None),
        ];
        assert!(!super::render(&r, &cat).contains("## By resource"));
        r.resources
            .insert(1, resource("acs-stage", 20, 0, Some(0.0125)));
        let md = super::render(&r, &cat);
        let section = &md[md.find("## By resource").expect("a section")..];
        let section = &section[..section.find("## By mitigation").unwrap()];
        assert!(
            section.contains("| acs-prod | 100 | 30 | 30.00% |  | 500/8572 (30) |"),
            "{section}"
        );
        assert!(
            section.contains("| acs-stage | 20 | 0 | 0.00% | 1.25% |  |"),
            "{section}"
        );
        assert!(
            section.contains("| (not named) | 5 | 0 | 0.00% |  |  |"),
            "{section}"
        );
        assert!(section.contains("usual rate: "), "{section}");
        assert!(!section.contains("by_resource.csv"), "{section}");
        r.resources = (0..20)
            .map(|i| resource(&format!("acs-{i:02}"), 100 - i, 0, None))
            .collect();
        let md = super::render(&r, &cat);
        assert!(md.contains("| acs-14 |") && !md.contains("| acs-15 |"));
        assert!(md.contains("The 15 rows with the most records of 20; all are in by_resource.csv."));
        assert!(!md.contains("usual rate"));
    }
}
