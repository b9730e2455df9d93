//! The `triage` views: Markdown for people, JSON for machines, CSV of the affected calls.

use std::fmt::Write;

use anyhow::Result;
use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{json, Value};

use crate::catalogue::{key_label, one_line, Match, Outcome, NO_MITIGATION};
use crate::config::TriageFormat;
use crate::render::markdown::{escape, linkify, table};
use crate::render::{sparkline, MOST_KEYS};
use crate::report::table::Table;
use crate::report::triage::{
    more_keys_label, HistoryDays, Named, Numbers, Triage, HISTORY_DAYS, KQL_DAYS, TIMELINE_KEYS,
    TOP_CALLS, TOP_MESSAGES, TOP_NAMED,
};
use crate::time::{bucket_start, day_text, rfc3339};

/// The triage as Markdown: the catalogue, the totals and the spike verdict.
pub fn markdown(t: &Triage) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Triage: {}\n", t.title());

    catalogue_section(&mut s, t);
    totals_section(&mut s, t);
    history_section(&mut s, t);
    verdict_section(&mut s, t);
    next_steps_section(&mut s, t);
    s
}

/// What the catalogue says of the key, and which catalogues were read.
fn catalogue_section(s: &mut String, t: &Triage) {
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
fn next_steps_section(s: &mut String, t: &Triage) {
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

/// The subcode's days in the stored history: since when, or not at all, and the last
/// [`HISTORY_DAYS`] days it holds; under `--spikes-by resource`, each resource's, as the
/// verdicts are split.
fn history_section(s: &mut String, t: &Triage) {
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

/// `text` with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The failure keys whose mitigation is [`NO_MITIGATION`].
fn no_mitigation(t: &Triage) -> Vec<String> {
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
fn totals_section(s: &mut String, t: &Triage) {
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
fn verdict_section(s: &mut String, t: &Triage) {
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
fn cut(all: usize, what: &str) -> Option<String> {
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

/// A list written an element at a time as it is made: each element's value is built, written
/// and dropped, so that lists of rows by the ten thousand (20,000 keys of one subcode: 27 MB of
/// JSON, 254 MB at the peak as one value) are never a tree of values.
struct Each<F>(F);

impl<F, I> Serialize for Each<F>
where
    F: Fn() -> I,
    I: Iterator<Item: Serialize>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// The triage's JSON document, in its keys' order: the small parts as values, the lists that
/// grow with the input's keys, rows or calls written a row at a time ([`Each`]).
#[derive(serde::Serialize)]
struct Doc<'a, A, B, C, D, E, F, G, H, I, J, K, L, M> {
    subcode: u32,
    code: Option<u32>,
    catalogue: Value,
    catalogues: Value,
    records: Value,
    totals: A,
    other_codes: B,
    timeline: C,
    operations: D,
    calls: E,
    calls_total: usize,
    messages: F,
    messages_other: Value,
    diagnostics: G,
    prompts: H,
    resources: I,
    resources_not_named: Value,
    sdks: J,
    history: Option<HistoryDoc<'a>>,
    mitigations: K,
    next_steps: Option<Value>,
    verdict: Verdicts<L>,
    targets: Value,
    operation_contexts: Value,
    history_by_resource: M,
}

/// The spike verdict's day, note and keys, a key at a time.
#[derive(serde::Serialize)]
struct Verdicts<L> {
    day: Option<String>,
    note: Value,
    keys: L,
}

/// The triage as pretty JSON text with a final newline, written as it is made ([`Doc`]).
fn write_json(t: &Triage, w: &mut dyn std::io::Write) -> Result<()> {
    let doc = Doc {
        subcode: t.subcode,
        code: t.code,
        catalogue: t.catalogue.iter().map(|e| json!({
            "entry": e.label, "match": e.matched.as_str(), "category": e.category.map(|c| c.as_str()),
            "source": e.source, "callback_event": e.callback_event,
            "description": e.description, "mitigation": e.mitigation, "used": e.used,
        })).collect(),
        catalogues: json!(t.catalogues),
        records: json!({
            "read": t.read, "accepted": t.accepted, "rejected": t.rejected,
            "skipped": t.skipped, "outside_window": t.outside, "matching": t.total(),
        }),
        totals: Each(|| t.totals.iter().map(|k| json!({
            "code": k.key.0, "subcode": k.key.1, "category": k.category.as_str(), "outcome": k.outcome.as_str(), "match": k.matched.as_str(),
            "description": k.description, "mitigation": k.mitigation, "count": k.count, "calls": k.calls,
            "first_seen": k.first.map(rfc3339), "last_seen": k.last.map(rfc3339),
        }))),
        other_codes: Each(|| t.other_codes.iter().map(|(c, n)| json!({"code": c, "count": n}))),
        timeline: Each(|| t.timeline_counts().into_iter().map(|(b, k, n)| json!({
            "bucket": bucket_start(b), "code": k.0, "subcode": k.1, "count": n,
        }))),
        operations: Each(|| t.operations.iter().map(|(op, kind, k, n)| json!({
            "operation": op, "kind": kind.as_str(), "code": k.0, "subcode": k.1, "count": n,
        }))),
        calls: Each(|| t.calls.iter().take(TOP_CALLS).map(|c| json!({
            "correlation_id": c.correlation_id(), "call_connection_id": c.call_connection_id, "count": c.count,
            "first": c.first.map(rfc3339), "last": c.last.map(rfc3339),
        }))),
        calls_total: t.calls.len(),
        messages: Each(|| t.messages.iter().take(TOP_MESSAGES).map(|(m, n)| json!({"message": m, "count": n}))),
        messages_other: json!(t.messages_not_listed()),
        diagnostics: Each(|| t.diagnostics.iter().map(|d| json!({
            "code": d.key.0, "subcode": d.key.1, "sip_code": d.sip_code, "sip_message": d.sip_message,
            "q850_code": d.q850_code, "q850_message": d.q850_message, "count": d.count, "calls": d.calls,
        }))),
        prompts: Each(|| t.prompts.iter().map(|(p, n)| json!({"prompt": p, "count": n}))),
        resources: Each(|| t.resources.iter().map(|(r, n, calls, inferred)| json!({
            "resource": r, "count": n, "calls": calls, "inferred": inferred,
        }))),
        resources_not_named: json!({
            "unknown": {"count": t.resources_unknown.0, "calls": t.resources_unknown.1},
            "not_looked_up": {"count": t.resources_not_looked_up.0, "calls": t.resources_not_looked_up.1},
            "not_callback": {"count": t.resources_stay.0, "calls": t.resources_stay.1},
        }),
        sdks: Each(|| t.sdks.iter().map(|(ty, v, n)| json!({
            "sdk_type": ty, "sdk_version": v, "count": n,
        }))),
        history: t.history.as_ref().map(history_doc),
        mitigations: Each(|| t.mitigations.iter().map(|(k, m)| json!({
            "code": k.0, "subcode": k.1, "mitigation": m,
        }))),
        next_steps: t.next_steps.as_ref().map(|n| json!({
            "no_documented_mitigation": no_mitigation(t),
            "calls": n.no_calls.is_none().then_some(&n.calls), "no_calls": n.no_calls,
            "kql": n.kql, "unwritten": n.unwritten,
        })),
        verdict: Verdicts {
            day: t.verdict_day.map(day_text),
            note: json!(t.verdict_note),
            keys: Each(|| t.verdicts.iter().map(|(v, why)| verdict_json(t, v, why))),
        },
        targets: named_json(&t.targets, "target"),
        operation_contexts: named_json(&t.contexts, "operation_context"),
        history_by_resource: Each(|| t.history_by_resource.iter().map(history_doc)),
    };
    crate::render::json::write_pretty(&doc, w)
}

/// A key's verdict with why, as the JSON's `verdict.keys` gives it.
fn verdict_json(t: &Triage, v: &crate::spikes::Verdict, why: &str) -> Value {
    json!({
        "code": v.key.0, "subcode": v.key.1, "resource": v.resource, "status": v.status.as_str(), "explanation": why,
        "count": v.count, "exposure": v.exposure, "baseline_count": v.baseline_count,
        "baseline_exposure": v.baseline_exposure,
        "baseline_days": v.baseline_days.iter().map(|d| day_text(*d)).collect::<Vec<_>>(),
        "expected": v.expected, "ratio": v.ratio, "p_value": v.p_value,
        "target": target_json(t, v),
    })
}

/// The target a flagged key's records of the day went to, as `report.json` gives it, its
/// number shown as the triage shows numbers; null when none is named.
fn target_json(t: &Triage, v: &crate::spikes::Verdict) -> Value {
    (v.target.as_ref()).map_or(
        Value::Null,
        |l| json!({"target": t.numbers.show(&l.target), "count": l.count, "of": l.of}),
    )
}

/// The rows of a split by target or operation context (`field`: the text's key), with the
/// records past them and those that name none.
fn named_json(n: &Named, field: &str) -> Value {
    json!({
        "rows": n.rows.iter().map(|(text, count)| json!({field: text, "count": count})).collect::<Vec<_>>(),
        "distinct": n.distinct,
        "other": n.past_top + n.others,
        "not_named": n.none,
    })
}

/// The days of a history ([`HistoryDays`]) in JSON, in its keys' order: a row a key, and a row
/// a day and key, written a row at a time ([`Each`]): `--history` of keys by the ten thousand
/// over 28 days is a list of rows by the hundred thousand.
#[derive(serde::Serialize)]
struct HistoryDoc<'a> {
    days_held: usize,
    first_day: Option<String>,
    last_day: Option<String>,
    keys: Rows<'a>,
    days: Rows<'a>,
    /// Its resource, when it is one's.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
}

/// Rows of JSON made as they are written ([`Each`]), of a list of a type of its own.
type Rows<'a> = Each<Box<dyn Fn() -> Box<dyn Iterator<Item = Value> + 'a> + 'a>>;

/// The days of a history as [`HistoryDoc`] writes them.
fn history_doc(h: &HistoryDays) -> HistoryDoc<'_> {
    HistoryDoc {
        days_held: h.held,
        first_day: h.span.map(|(a, _)| day_text(a)),
        last_day: h.span.map(|(_, b)| day_text(b)),
        keys: Each(Box::new(|| {
            Box::new(h.keys.iter().map(
                |(k, day, _)| json!({"code": k.0, "subcode": k.1, "first_seen": day_text(*day)}),
            ))
        })),
        days: Each(Box::new(|| {
            let days = h.days.iter().enumerate();
            Box::new(days.flat_map(|(i, d)| {
                let apart = h.apart_until.is_some_and(|last| d.day <= last);
                h.keys.iter().map(move |(k, _, counts)| {
                    json!({
                        "day": day_text(d.day), "partial": d.partial, "short_for_all": d.short,
                        "callbacks_apart": apart, "records": d.records,
                        "code": k.0, "subcode": k.1, "count": counts[i],
                    })
                })
            }))
        })),
        resource: h.resource.as_deref(),
    }
}

/// The days of a history ([`HistoryDays`]), and its resource when it is one's, as one value:
/// what [`HistoryDoc`] wrote before it was streamed (the tests compare them).
#[cfg(test)]
fn history_json(h: &HistoryDays) -> Value {
    let mut v = json!({
        "days_held": h.held,
        "first_day": h.span.map(|(a, _)| day_text(a)), "last_day": h.span.map(|(_, b)| day_text(b)),
        "keys": h.keys.iter().map(|(k, day, _)| json!({
            "code": k.0, "subcode": k.1, "first_seen": day_text(*day),
        })).collect::<Vec<_>>(),
        "days": h.days.iter().enumerate().flat_map(|(i, d)| {
            let apart = h.apart_until.is_some_and(|last| d.day <= last);
            h.keys.iter().map(move |(k, _, counts)| json!({
                "day": day_text(d.day), "partial": d.partial, "short_for_all": d.short,
                "callbacks_apart": apart, "records": d.records,
                "code": k.0, "subcode": k.1, "count": counts[i],
            }))
        }).collect::<Vec<_>>(),
    });
    if let Some(r) = &h.resource {
        v["resource"] = json!(r);
    }
    v
}

/// The affected calls alone (`--calls`), in a format, the first `limit` of them.
pub fn calls(t: &Triage, format: TriageFormat, limit: Option<usize>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_calls(t, format, limit, &mut out)?;
    Ok(out)
}

/// [`calls`] into `w`, a part of the rows at a time ([`Triage::calls_tables`]): the rows of
/// every call are never held at once.
pub fn write_calls(
    t: &Triage,
    format: TriageFormat,
    limit: Option<usize>,
    w: &mut dyn std::io::Write,
) -> Result<()> {
    match format {
        TriageFormat::Csv => super::csv::write_parts(t.calls_tables(limit), w)?,
        TriageFormat::Md => {
            let rows = t.calls.listed().min(limit.unwrap_or(usize::MAX));
            let head = format!(
                "# Calls with {} ({} of {})\n\n",
                t.title(),
                rows,
                t.calls.len()
            );
            w.write_all(head.as_bytes())?;
            for (i, part) in t.calls_tables(limit).enumerate() {
                let mut s = String::new();
                crate::render::markdown::write_table(&mut s, [part]);
                // The header once: the tool's own two lines, before the first part's rows.
                let rows = match i {
                    0 => &s[..],
                    _ => s.splitn(3, '\n').nth(2).unwrap_or_default(),
                };
                w.write_all(rows.as_bytes())?;
            }
        }
        TriageFormat::Json => crate::render::json::write_pretty(&CallRows(t, limit), w)?,
    }
    Ok(())
}

/// The calls' rows as one JSON array, written a part at a time.
struct CallRows<'a>(&'a Triage, Option<usize>);

impl Serialize for CallRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows = (self.0.calls.listed()).min(self.1.unwrap_or(usize::MAX));
        let mut seq = s.serialize_seq(Some(rows))?;
        for part in self.0.calls_tables(self.1) {
            crate::render::json::elements(&mut seq, &part)?;
        }
        seq.end()
    }
}

/// The triage in one of its formats.
pub fn render(t: &Triage, format: TriageFormat) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(t, format, &mut out)?;
    Ok(out)
}

/// [`render`] into `w`: the CSV of every call a part at a time.
pub fn write(t: &Triage, format: TriageFormat, w: &mut dyn std::io::Write) -> Result<()> {
    match format {
        TriageFormat::Md => w.write_all(markdown(t).as_bytes())?,
        TriageFormat::Json => write_json(t, w)?,
        TriageFormat::Csv => super::csv::write_parts(t.calls_tables(None), w)?,
    }
    Ok(())
}

#[cfg(test)]
fn json_as_value(t: &Triage) -> Value {
    let mut v = fields_json(t);
    // Set apart: one `json!` of them all passes the macro's recursion limit.
    v["targets"] = named_json(&t.targets, "target");
    v["operation_contexts"] = named_json(&t.contexts, "operation_context");
    v["history_by_resource"] = t.history_by_resource.iter().map(history_json).collect();
    v
}

/// The JSON of a triage but for its splits by target and operation context and its days by
/// resource, as one value: what [`Doc`] wrote before it was streamed (the tests compare them).
#[cfg(test)]
fn fields_json(t: &Triage) -> Value {
    json!({
        "subcode": t.subcode,
        "code": t.code,
        "catalogue": t.catalogue.iter().map(|e| json!({
            "entry": e.label, "match": e.matched.as_str(), "category": e.category.map(|c| c.as_str()),
            "source": e.source, "callback_event": e.callback_event,
            "description": e.description, "mitigation": e.mitigation, "used": e.used,
        })).collect::<Vec<_>>(),
        "catalogues": t.catalogues,
        "records": {
            "read": t.read, "accepted": t.accepted, "rejected": t.rejected,
            "skipped": t.skipped, "outside_window": t.outside, "matching": t.total(),
        },
        "totals": t.totals.iter().map(|k| json!({
            "code": k.key.0, "subcode": k.key.1, "category": k.category.as_str(), "outcome": k.outcome.as_str(), "match": k.matched.as_str(),
            "description": k.description, "mitigation": k.mitigation, "count": k.count, "calls": k.calls,
            "first_seen": k.first.map(rfc3339), "last_seen": k.last.map(rfc3339),
        })).collect::<Vec<_>>(),
        "other_codes": t.other_codes.iter().map(|(c, n)| json!({"code": c, "count": n})).collect::<Vec<_>>(),
        "timeline": t.timeline_counts().into_iter().map(|(b, k, n)| json!({
            "bucket": bucket_start(b), "code": k.0, "subcode": k.1, "count": n,
        })).collect::<Vec<_>>(),
        "operations": t.operations.iter().map(|(op, kind, k, n)| json!({
            "operation": op, "kind": kind.as_str(), "code": k.0, "subcode": k.1, "count": n,
        })).collect::<Vec<_>>(),
        "calls": t.calls.iter().take(TOP_CALLS).map(|c| json!({
            "correlation_id": c.correlation_id(), "call_connection_id": c.call_connection_id, "count": c.count,
            "first": c.first.map(rfc3339), "last": c.last.map(rfc3339),
        })).collect::<Vec<_>>(),
        "calls_total": t.calls.len(),
        "messages": t.messages.iter().take(TOP_MESSAGES).map(|(m, n)| json!({"message": m, "count": n})).collect::<Vec<_>>(),
        "messages_other": t.messages_not_listed(),
        "diagnostics": t.diagnostics.iter().map(|d| json!({
            "code": d.key.0, "subcode": d.key.1, "sip_code": d.sip_code, "sip_message": d.sip_message,
            "q850_code": d.q850_code, "q850_message": d.q850_message, "count": d.count, "calls": d.calls,
        })).collect::<Vec<_>>(),
        "prompts": t.prompts.iter().map(|(p, n)| json!({"prompt": p, "count": n})).collect::<Vec<_>>(),
        "resources": t.resources.iter().map(|(r, n, calls, inferred)| json!({
            "resource": r, "count": n, "calls": calls, "inferred": inferred,
        })).collect::<Vec<_>>(),
        "resources_not_named": {
            "unknown": {"count": t.resources_unknown.0, "calls": t.resources_unknown.1},
            "not_looked_up": {"count": t.resources_not_looked_up.0, "calls": t.resources_not_looked_up.1},
            "not_callback": {"count": t.resources_stay.0, "calls": t.resources_stay.1},
        },
        "sdks": t.sdks.iter().map(|(ty, v, n)| json!({
            "sdk_type": ty, "sdk_version": v, "count": n,
        })).collect::<Vec<_>>(),
        "history": t.history.as_ref().map(history_json),
        "mitigations": t.mitigations.iter().map(|(k, m)| json!({
            "code": k.0, "subcode": k.1, "mitigation": m,
        })).collect::<Vec<_>>(),
        "next_steps": t.next_steps.as_ref().map(|n| json!({
            "no_documented_mitigation": no_mitigation(t),
            "calls": n.no_calls.is_none().then_some(&n.calls), "no_calls": n.no_calls,
            "kql": n.kql, "unwritten": n.unwritten,
        })),
        "verdict": {
            "day": t.verdict_day.map(day_text),
            "note": t.verdict_note,
            "keys": t.verdicts.iter().map(|(v, why)| verdict_json(t, v, why)).collect::<Vec<_>>(),
        },
    })
}

#[cfg(test)]
mod snapshots {
    use crate::config::TriageFormat;
    use crate::report::fixture;

    fn text(format: TriageFormat) -> String {
        let cat = fixture::catalogue();
        String::from_utf8(super::render(&fixture::triage(&cat), format).unwrap()).unwrap()
    }

    #[test]
    fn triage_md() {
        insta::assert_snapshot!(text(TriageFormat::Md));
    }

    #[test]
    fn triage_json() {
        insta::assert_snapshot!(text(TriageFormat::Json));
    }

    /// The JSON written a row at a time is, byte for byte, the one value it was made as.
    #[test]
    fn the_streamed_json_is_the_value_it_was() {
        let cat = fixture::catalogue();
        let t = fixture::triage(&cat);
        let mut streamed = Vec::new();
        super::write_json(&t, &mut streamed).unwrap();
        let mut whole = Vec::new();
        crate::render::json::write_pretty(&super::json_as_value(&t), &mut whole).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap()
        );
    }

    /// The history's days written a row at a time are, byte for byte, the one value they were
    /// made as: all records', and a resource's.
    #[test]
    fn the_streamed_history_is_the_value_it_was() {
        use crate::report::triage::{HistoryDay, HistoryDays};
        let cat = fixture::catalogue();
        let mut t = fixture::triage(&cat);
        let h = HistoryDays {
            resource: None,
            held: 9,
            span: Some((20_000, 20_008)),
            days: [
                (20_006, false, true, 10),
                (20_007, true, false, 4),
                (20_008, false, false, 7),
            ]
            .map(|(day, partial, short, records)| HistoryDay {
                day,
                partial,
                short,
                records,
            })
            .to_vec(),
            keys: vec![
                ((400, Some(8572)), 20_007, vec![0, 3, 0]),
                ((500, Some(8572)), 20_000, vec![1, 0, 2]),
            ],
            apart_until: Some(20_006),
        };
        t.history_by_resource = vec![HistoryDays {
            resource: Some("acs-a".into()),
            ..h.clone()
        }];
        t.history = Some(h);
        let mut streamed = Vec::new();
        super::write_json(&t, &mut streamed).unwrap();
        let mut whole = Vec::new();
        crate::render::json::write_pretty(&super::json_as_value(&t), &mut whole).unwrap();
        let (streamed, whole) = (
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap(),
        );
        assert!(streamed.contains(r#""resource": "acs-a""#), "{streamed}");
        assert_eq!(streamed, whole);
    }

    /// The Markdown lists at most [`MOST_KEYS`] of what grows with the keys found, each with a
    /// line saying how many more the JSON lists: 20,000 made-up keys had made a page of 6.2 MB.
    #[test]
    fn the_markdown_lists_the_first_keys_and_says_how_many_more() {
        use super::MOST_KEYS;
        let cat = fixture::catalogue();
        let mut t = fixture::triage(&cat);
        let n = MOST_KEYS + 5;
        let sub = t.subcode;
        let keys = |i: usize| (10_000 + i as u32, Some(sub));
        t.totals = (0..n)
            .map(|i| crate::report::triage::KeyTotal {
                key: keys(i),
                ..t.totals[0].clone()
            })
            .collect();
        t.mitigations = (0..n).map(|i| (keys(i), cat_none())).collect();
        let op = t.operations[0].clone();
        t.operations = (0..n).map(|i| (op.0.clone(), op.1, keys(i), 1)).collect();
        t.verdicts = (t.verdicts.first().cloned().into_iter())
            .cycle()
            .take(n)
            .collect();
        t.next_steps = Some(Default::default());
        let verdicts = t.verdicts.len();
        let md = super::markdown(&t);
        for what in ["keys' mitigations", "keys", "rows"] {
            let line = format!("The first {MOST_KEYS} of {n} {what}; 5 more, and all of them, are in `--format json`.");
            assert!(md.contains(&line), "{what}");
        }
        assert!(md.matches(": (no documented mitigation)").count() <= MOST_KEYS);
        assert_eq!(md.matches("| 10999/").count(), 2, "totals and operations");
        assert_eq!(md.matches("| 11000/").count(), 0);
        assert!(md.contains(&format!(
            "10999/{} and 5 more keys have no documented mitigation",
            t.subcode
        )));
        if verdicts == n {
            let line = format!("The first {MOST_KEYS} of {n} verdicts; 5 more (5 of them flagged)");
            assert!(md.contains(&line));
        }
    }

    /// One record is one (rev68b's note: `1 records of 5001 accepted`).
    #[test]
    fn one_record_of_the_key_is_one() {
        let cat = fixture::catalogue();
        let mut t = fixture::triage(&cat);
        t.totals.truncate(1);
        t.totals[0].count = 1;
        let md = super::markdown(&t);
        assert!(
            md.contains(&format!("1 record of {} accepted", t.accepted)),
            "{md}"
        );
    }

    fn cat_none() -> String {
        crate::catalogue::NO_MITIGATION.to_string()
    }

    #[test]
    fn triage_csv() {
        insta::assert_snapshot!(text(TriageFormat::Csv));
    }
}
