//! The sections of the triage's Markdown page for people: the catalogue's reading of the
//! subcode, what to do next, the totals, the spike verdict, what the records hold (calls,
//! messages, resources, SDKs) and the lines that say a list was cut.

use std::fmt::Write;

use crate::catalogue::{key_label, one_line, Match, Outcome, NO_MITIGATION};
use crate::render::markdown::{escape, linkify, table};
use crate::render::{sparkline, MOST_KEYS};
use crate::report::table::Table;
use crate::report::triage::{
    more_keys_label, Named, Numbers, Triage, KQL_DAYS, TIMELINE_KEYS, TOP_CALLS, TOP_NAMED,
};
use crate::time::day_text;

/// What the catalogue says of the key, and which catalogues were read.
pub(super) fn catalogue_section(s: &mut String, t: &Triage) {
    let _ = writeln!(s, "## Catalogue\n");
    // The generic entries its keys read are listed, under this sentence.
    let own = |m: Match| matches!(m, Match::Exact | Match::Subcode | Match::Prefix);
    if !t.catalogue.iter().any(|e| own(e.matched)) {
        let _ = writeln!(s, "The catalogue has no entry for {}.\n", t.title());
    }
    for e in &t.catalogue {
        let cat = e.category.map(|c| format!(" ({c})")).unwrap_or_default();
        // A pair not used: another page's reading of a key listed above, or a row the page
        // gives for its callback events only (CallDisconnected 200/0).
        let reading = match (
            e.used,
            t.catalogue.iter().any(|o| o.used && o.label == e.label),
        ) {
            // Another code's pair, which the key asked for reads (`500/560503`: `503/560503`).
            (true, _) if e.matched == Match::Subcode && e.label.contains('/') => format!(
                ", read for {} (the same subcode under another code of its class)",
                t.title()
            ),
            (true, _) => String::new(),
            (false, true) => {
                ", the other page's reading (the reports use the entry above)".to_string()
            }
            (false, false) => format!(
                ", the page's reading for {} only (the reports use the generic entry)",
                escape(&e.callback_event)
            ),
        };
        let _ = writeln!(
            s,
            "- **{}**{cat}, {} match ({}){reading}: {}",
            e.label,
            e.matched,
            escape(&e.source),
            linkify(&e.description)
        );
        if !e.callback_event.is_empty() {
            let _ = writeln!(s, "  - Callback events: {}", escape(&e.callback_event));
        }
        if !e.mitigation.is_empty() {
            let _ = writeln!(s, "  - Mitigation: {}", linkify(&e.mitigation));
        }
    }
    s.push('\n');
    if !t.mitigations.is_empty() {
        let _ = writeln!(s, "Mitigation, as the report gives it:\n");
        for (k, m) in t.mitigations.iter().take(MOST_KEYS) {
            let _ = writeln!(s, "- {}: {}", key_label(k.0, k.1), linkify(&one_line(m)));
        }
        s.push('\n');
        cut_line(s, t.mitigations.len(), "keys' mitigations");
    }
    let _ = writeln!(s, "Catalogues: {}.\n", escape(&t.catalogues.join("; ")));
}

/// What to run next: the calls for a support ticket (first, for a key without a documented
/// mitigation), and the same subcode in Log Analytics.
pub(super) fn next_steps_section(s: &mut String, t: &Triage) {
    let Some(n) = &t.next_steps else {
        return;
    };
    let _ = writeln!(s, "\n## Next steps\n");
    let undocumented = no_mitigation(t);
    if let Some(why) = &n.no_calls {
        let _ = writeln!(s, "- No calls to list: {}.", escape(why));
    } else if !undocumented.is_empty() {
        let keys = match undocumented.len() {
            n if n > MOST_KEYS => {
                let more = n - MOST_KEYS;
                format!(
                    "{} and {more} more keys",
                    undocumented[..MOST_KEYS].join(", ")
                )
            }
            _ => undocumented.join(", "),
        };
        let _ = writeln!(
            s,
            "- {keys} {} no documented mitigation: collect the calls' ids with the command below and open a support ticket with them.",
            if undocumented.len() == 1 { "has" } else { "have" }
        );
    }
    if n.no_calls.is_none() {
        let _ = writeln!(
            s,
            "- The affected calls with every id support asks for: {}",
            code_span(&n.calls)
        );
    }
    let kql: Vec<String> = n.kql.iter().map(|c| code_span(c)).collect();
    let days = match n.since {
        Some(_) => format!("over the last {KQL_DAYS} days, "),
        None => String::new(),
    };
    let _ = writeln!(
        s,
        "- The same in Log Analytics, {days}by day and by call: {}",
        kql.join(" and ")
    );
    if let Some(note) = &n.unwritten {
        let _ = writeln!(s, "- {}.", escape(note));
    }
}

/// `text` with its first letter in upper case.
pub(super) fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The failure keys whose mitigation is [`NO_MITIGATION`].
pub(super) fn no_mitigation(t: &Triage) -> Vec<String> {
    (t.mitigations.iter())
        .filter(|(_, m)| m == NO_MITIGATION)
        .map(|(k, _)| key_label(k.0, k.1))
        .collect()
}

/// A command as a Markdown code span, fenced by more backticks than it holds in a row.
pub(crate) fn code_span(c: &str) -> String {
    let run = (c.split(|ch| ch != '`').map(str::len).max()).unwrap_or(0);
    let fence = "`".repeat(run + 1);
    match run {
        0 => format!("{fence}{c}{fence}"),
        _ => format!("{fence} {c} {fence}"),
    }
}

/// The key's records against those accepted, and, when there are any, what they hold.
pub(super) fn totals_section(s: &mut String, t: &Triage) {
    let _ = writeln!(s, "## Totals\n");
    if t.totals.is_empty() && t.read == 0 {
        // No INPUT, or inputs without a record: there was nothing to look in.
        let _ = writeln!(
            s,
            "No records read: whether {} occurs is not known (give the exports as INPUT).\n",
            t.title()
        );
    } else if t.totals.is_empty() && t.accepted == 0 && t.rejected > 0 {
        let _ = writeln!(
            s,
            "No records accepted: whether {} occurs is not known. {}\n",
            t.title(),
            read_line(t)
        );
    } else if t.totals.is_empty() {
        let _ = writeln!(
            s,
            "No records: {} does not occur in the {} records accepted. {}\n",
            t.title(),
            t.accepted,
            read_line(t)
        );
    } else {
        let _ = writeln!(
            s,
            "{} {} of {} accepted ({:.2}%). {}\n",
            t.total(),
            crate::text::records(t.total()),
            t.accepted,
            // Rounded as report's shares are, a half up (3 of 20,000 is 0.02%).
            crate::report::share(t.total(), t.accepted) * 100.0,
            read_line(t)
        );
        let _ = writeln!(s, "{}", table(&first_rows(t.totals_table())));
        cut_line(s, t.totals.len(), "keys");
        outcome_lines(s, t);
    }
    if let Some(line) = t.other_codes_line() {
        let _ = writeln!(s, "{line}.\n");
    }
    if let Some(line) = t.as_code_line() {
        let _ = writeln!(s, "{line}.\n");
    }
    if !t.totals.is_empty() {
        found_sections(s, t);
    }
}

/// The spike verdict: its day, its note, and each key's verdict.
pub(super) fn verdict_section(s: &mut String, t: &Triage) {
    let day = t.verdict_day.map(day_text).unwrap_or_default();
    let _ = writeln!(
        s,
        "## Spike verdict{}\n",
        if day.is_empty() {
            String::new()
        } else {
            format!(" ({day})")
        }
    );
    if let Some(n) = &t.verdict_note {
        let _ = writeln!(s, "{}", escape(n));
    }
    for (v, why) in t.verdicts.iter().take(MOST_KEYS) {
        // A resource's verdict is labelled as the report's spike line labels it.
        let resource =
            (v.resource.as_deref()).map_or(String::new(), |r| format!("{}: ", escape(r)));
        let _ = writeln!(
            s,
            "- {resource}{}: {}",
            key_label(v.key.0, v.key.1),
            escape(why)
        );
    }
    if t.verdicts.len() > MOST_KEYS {
        let rest = &t.verdicts[MOST_KEYS..];
        let flagged = rest.iter().filter(|(v, _)| v.status.flagged()).count();
        let _ = writeln!(
            s,
            "\nThe first {MOST_KEYS} of {} verdicts; {} more ({flagged} of them flagged), and all of them, are in `--format json`.",
            t.verdicts.len(),
            rest.len()
        );
    }
}

/// The sections of a triage that found records, after its totals: timeline, diagnostics,
/// resources, SDKs, operations, prompt kinds, calls and messages.
fn found_sections(s: &mut String, t: &Triage) {
    let _ = writeln!(s, "## Timeline\n");
    for k in t.timeline_keys() {
        let _ = writeln!(
            s,
            "- {}: `{}`",
            key_label(k.key.0, k.key.1),
            sparkline(&t.series(k.key))
        );
    }
    let (more, records) = t.more_keys_total();
    if more > 0 {
        let _ = writeln!(
            s,
            "- {}: `{}`",
            more_keys_label(more),
            sparkline(&t.series_of_more_keys())
        );
    }
    s.push('\n');
    let _ = writeln!(s, "{}", table(&t.timeline_table()));
    if more > 0 {
        let _ = writeln!(
            s,
            "The {} keys after the first {TIMELINE_KEYS} ({records} record{}) are summed in one column; the totals list each, and the JSON's timeline gives each one's counts.\n",
            more,
            if records == 1 { "" } else { "s" }
        );
    }
    if !t.diagnostics.is_empty() {
        section(s, "SIP and Q.850 diagnostics", &t.diagnostics_table());
    }
    // By operation always; the others where any record names what they split by.
    let [resources, sdks, operations, prompts] = t.split_tables();
    if !resources.rows.is_empty() {
        cut_section(s, "By resource", resources, "resources");
        inferred_lines(s, t);
    }
    if !sdks.rows.is_empty() {
        section(s, "By SDK", &sdks);
    }
    cut_section(s, "By operation", operations, "rows");
    if !prompts.rows.is_empty() {
        cut_section(s, "By prompt kind", prompts, "prompt kinds");
    }
    targets_sections(s, t);

    section(s, "Top affected calls", &t.top_calls_table());
    if t.calls.len() > TOP_CALLS {
        let _ = writeln!(
            s,
            "{} of {} calls; `--format csv` lists them all.\n",
            TOP_CALLS,
            t.calls.len()
        );
    }

    section(s, "Result messages", &t.messages_table());
    let more = t.messages_not_listed();
    match more {
        0 => {}
        1 => s.push_str("1 more record carries another message.\n\n"),
        _ => {
            let _ = writeln!(s, "{more} more records carry other messages.\n");
        }
    }
}

/// The callback records by target participant and by operation context, where any names
/// one: one destination that never answers is seen as one.
fn targets_sections(s: &mut String, t: &Triage) {
    let not_named = crate::report::NOT_NAMED;
    if let Some(lead) = t.targets.lead("target") {
        section(s, "By target", &t.targets.table("target", not_named));
        let shown = match t.numbers {
            Numbers::Masked => {
                "Phone numbers show their last 4 digits only (--full-numbers shows them in full)."
            }
            Numbers::Full => "Phone numbers are shown in full (--full-numbers).",
        };
        let _ = writeln!(s, "{}. {shown}", escape(&lead));
        past_top_line(s, &t.targets, "targets");
        s.push('\n');
    }
    if !t.contexts.rows.is_empty() {
        let table = t.contexts.table("operation context", not_named);
        section(s, "By operation context", &table);
        if t.contexts.past_top > 0 || t.contexts.others > 0 {
            past_top_line(s, &t.contexts, "operation contexts");
            if t.contexts.others > 0 {
                let _ = writeln!(
                    s,
                    "{} more records carry operation contexts past the {} counted.",
                    t.contexts.others,
                    crate::aggregate::MAX_NAMED
                );
            }
            s.push('\n');
        }
    }
}

/// How many records the rows past the first [`TOP_NAMED`] hold.
fn past_top_line(s: &mut String, n: &Named, what: &str) {
    if n.past_top > 0 {
        let _ = writeln!(
            s,
            "{} more records of {} more {what} are not listed.",
            n.past_top,
            n.distinct - TOP_NAMED
        );
    }
}

/// Which records of the split by resource name none, and where they are counted.
fn inferred_lines(s: &mut String, t: &Triage) {
    let not_named = escape(crate::report::NOT_NAMED);
    let lines = [
        (t.resources_inferred, "name no resource (a callback event names none): each is counted under the resource its call's other records name (`inferred`)".to_string()),
        (t.resources_unknown, format!("name no resource, nor do their calls' other records: they stay {not_named}")),
        (t.resources_not_looked_up, format!("name no resource, and their calls are past the ids triage holds: they stay {not_named} (the calls listed are looked up)")),
        (t.resources_stay, format!("name no resource and are no callback event (a portal export without `_ResourceId` names none): they stay {not_named}, as in by_resource.csv, which counts only callback records under their calls' resources")),
    ];
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let mut any = false;
    for ((records, calls), what) in lines.iter().filter(|((n, _), _)| *n > 0) {
        let (r, c) = (plural(*records), plural(*calls));
        let _ = writeln!(s, "{records} record{r} of {calls} call{c} {what}.");
        any = true;
    }
    if any {
        s.push('\n');
    }
}

/// A section of a heading and a table.
fn section(s: &mut String, title: &str, t: &Table) {
    let _ = writeln!(s, "## {title}\n\n{}", table(t));
}

/// A section of a heading and the first [`MOST_KEYS`] rows of a table, of `what`, with a line
/// saying how many more ([`cut_line`]).
fn cut_section(s: &mut String, title: &str, t: Table, what: &str) {
    let all = t.rows.len();
    section(s, title, &first_rows(t));
    cut_line(s, all, what);
}

/// The first [`MOST_KEYS`] rows of `t`.
fn first_rows(mut t: Table) -> Table {
    t.rows.truncate(MOST_KEYS);
    t
}

/// The line under a list of the Markdown cut to its first [`MOST_KEYS`] of `all` `what`; none
/// when none was cut. The lists that grow with the keys found (or operations, resources and
/// prompt kinds) are read by people: a real subcode has a handful of keys, and 20,000 made-up
/// ones had made a page of 6.2 MB. The JSON lists every one.
pub(super) fn cut(all: usize, what: &str) -> Option<String> {
    (all > MOST_KEYS).then(|| {
        format!(
            "The first {MOST_KEYS} of {all} {what}; {} more, and all of them, are in `--format json`.",
            all - MOST_KEYS
        )
    })
}

/// [`cut`]'s line, and a blank line after it, when the list was cut.
fn cut_line(s: &mut String, all: usize, what: &str) {
    if let Some(line) = cut(all, what) {
        let _ = writeln!(s, "{line}\n");
    }
}

/// Each key's outcome class in words, as `report` splits them: a caller outcome is not a
/// failure that needs action.
fn outcome_lines(s: &mut String, t: &Triage) {
    for k in t.totals.iter().take(MOST_KEYS) {
        let key = key_label(k.key.0, k.key.1);
        let _ = match k.outcome {
            Outcome::Caller => writeln!(
                s,
                "- {key} is a caller outcome, counted apart from the failures (as `report` does): {}",
                escape(&k.outcome_reason)
            ),
            Outcome::Failure => writeln!(s, "- {key} is a failure: it needs action."),
            Outcome::Success => writeln!(s, "- {key} is a success."),
        };
    }
    s.push('\n');
}

/// What became of the records read: `3128 read: 3075 accepted, 21 rejected, 32 skipped.`
fn read_line(t: &Triage) -> String {
    let mut line = format!(
        "{} read: {} accepted, {} rejected, {} skipped",
        t.read, t.accepted, t.rejected, t.skipped
    );
    if t.outside > 0 {
        let _ = write!(
            line,
            ", {} left out by --since, --until or --resource",
            t.outside
        );
    }
    if t.callbacks_left_out > 0 && t.callbacks_of_calls {
        let _ = write!(
            line,
            " (of them {} callback records, which name no resource, of calls whose resource is not kept)",
            t.callbacks_left_out
        );
    } else if t.callbacks_left_out > 0 {
        let _ = write!(
            line,
            " (of them {} callback records: they name no resource, and standard input, read once, cannot be read first for the kept resources' calls, so --resource leaves every callback event out; save the input to a file, or run without --resource, to count them under their calls' resources)",
            t.callbacks_left_out
        );
    }
    line.push('.');
    if t.rejected > 0 {
        line.push_str(" `acs-triage report` lists the rejects by file and line in rejects.csv.");
    }
    line
}
