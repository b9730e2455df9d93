//! `summary.md`: the report for a person reading it in the morning.

use std::fmt::Write;

use crate::catalogue::{key_label, one_line, Catalogue, Outcome, NO_MITIGATION};
use crate::render::markdown::{escape, linkify, table, write_table};
use crate::render::{keys_cut, sparkline, MOST_FILES, MOST_KEYS, PART_ROWS};
use crate::report::table::{Col, Table};
use crate::report::tables::excerpt_text;
use crate::report::triage::{next_steps, Numbers};
use crate::report::MOST_SAID;
use crate::report::{description_in_sentence, share, spike_sentence, Report, SpikeRow, NOT_NAMED};
use crate::row;
use crate::spikes::volume::{VolumeStatus, VolumeVerdict, MIN_EXPECTED};
use crate::time::{day_text, rfc3339};

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

/// Names said one by one in a sentence, at most [`MOST_SAID`], then how many more:
/// `acs-00010, acs-00011 and 1970 more`.
pub fn names_said(names: &[&str]) -> String {
    let said = names[..names.len().min(MOST_SAID)].join(", ");
    match names.len().saturating_sub(MOST_SAID) {
        0 => said,
        more => format!("{said} and {more} more"),
    }
}

/// Of the volume scopes `said`, in their order, those said one by one: all records and each
/// log kind (a few), and the first [`MOST_SAID`] resources; and how many resources more (made
/// up by the hundred thousand, or a tenant's 2,000 that stopped).
pub fn scopes_said<'a>(
    said: impl IntoIterator<Item = &'a VolumeVerdict>,
) -> (Vec<&'a VolumeVerdict>, usize) {
    let (mut kept, mut resources) = (Vec::new(), 0);
    for v in said {
        if v.scope.starts_with("resource ") {
            resources += 1;
            if resources > MOST_SAID {
                continue;
            }
        }
        kept.push(v);
    }
    (kept, resources.saturating_sub(MOST_SAID))
}

/// What the volume test says of the report day, in one line when nothing dropped: the head,
/// and the scopes said (flagged, noted or retired) as [`scopes_said`] keeps them, with how
/// many resources more.
pub fn volume_lines(r: &Report) -> (String, Vec<String>, usize) {
    let Some(day) = r.volume.first().map(|v| day_text(v.day)) else {
        return (String::new(), Vec::new(), 0);
    };
    let (said, first) = volume_said(r);
    let (said, more) = scopes_said(said);
    let flagged: Vec<String> = (said.iter())
        .map(|v| format!("{} {}", v.status.as_str(), v.sentence()))
        .collect();
    let note = match first.as_slice() {
        [] => String::new(),
        [one] => {
            format!(", resource {one} first: the lines of all records and the kinds follow from it")
        }
        many => format!(
            ", resources {} first: the lines of all records and the kinds follow from them",
            names_said(many)
        ),
    };
    let only_retired =
        (r.volume.iter().filter(|v| v.status.listed())).all(|v| v.status == VolumeStatus::Retired);
    let head = if r.volume.iter().any(|v| v.status.flagged()) {
        format!("Flagged on {day}{note}:")
    } else if r.volume[0].status == VolumeStatus::InsufficientHistory {
        let partial =
            (r.spikes.partial_baseline.as_ref()).map_or(String::new(), |p| format!("; {p}"));
        format!(
            "No volume test for {day}: the history holds fewer than {} complete days of the baseline{partial}.",
            crate::spikes::MIN_BASELINE_DAYS
        )
    } else if !flagged.is_empty() && only_retired {
        format!("No drop on {day} but of what --retired says is out of service:")
    } else if !flagged.is_empty() {
        let has = |s: VolumeStatus| r.volume.iter().any(|v| v.status == s);
        let side = match (has(VolumeStatus::Low), has(VolumeStatus::Rise)) {
            (true, true) => "below or above",
            (false, true) => "above",
            _ => "below",
        };
        format!("No drop on {day}; {side} the usual range, not paged{note}:")
    } else {
        format!("No drop on {day}: {}.", within_range(r))
    };
    (head, flagged, more)
}

/// The scopes said of the report day (flagged, noted or retired), in scope order, but for one:
/// when the DROP, ZERO or low resources, not all of them, fall short by most of what all
/// records do (80%), they come first, named in the second of the pair, as what the lines of all records and of the kinds
/// follow from (an export of one resource that stopped).
pub fn volume_said(r: &Report) -> (Vec<&VolumeVerdict>, Vec<&str>) {
    let down = |v: &&VolumeVerdict| {
        matches!(
            v.status,
            VolumeStatus::Drop | VolumeStatus::Zero | VolumeStatus::Low
        )
    };
    let short = |v: &VolumeVerdict| (v.expected - v.count as f64).max(0.0);
    let mut said: Vec<&VolumeVerdict> = r.volume.iter().filter(|v| v.status.listed()).collect();
    let resources: Vec<&VolumeVerdict> = (said.iter().copied())
        .filter(|v| v.scope.starts_with("resource ") && down(v))
        .collect();
    let of_resources: f64 = resources.iter().map(|v| short(v)).sum();
    // The first scope is all records (or all but retired). When every resource fell, the
    // cause is none of them; a retired resource, out of service, is none that stands.
    let some_stand = (r.volume.iter()).any(|v| {
        v.scope.starts_with("resource ") && !down(&v) && v.status != VolumeStatus::Retired
    });
    let follows = some_stand
        && (r.volume.first()).is_some_and(|a| {
            down(&a) && short(a) > 0.0 && of_resources >= FOLLOWS_SHARE * short(a)
        });
    if !follows {
        return (said, Vec::new());
    }
    said.sort_by_key(|v| !(v.scope.starts_with("resource ") && down(v)));
    let names = (resources.iter())
        .map(|v| v.scope.trim_start_matches("resource "))
        .collect();
    (said, names)
}

/// The share of all records' shortfall that the resources' must make for the other lines to
/// follow from theirs.
const FOLLOWS_SHARE: f64 = 0.8;

/// What the scopes of a day without a DROP or LOW are: within their usual range, unless the
/// test finds some below it, still above the LOW bar of their expected records
/// (`--volume-low-ratio`, or with fewer than [`MIN_EXPECTED`] expected), which are named with
/// their share, lowest first.
///
/// Scopes not tested (`insufficient_history`) are not said to be within it: they are counted,
/// and said with why after the head ([`crate::spikes::SpikeReport::volume_untested`]).
fn within_range(r: &Report) -> String {
    let mut below: Vec<&VolumeVerdict> = (r.volume.iter())
        .filter(|v| v.status == VolumeStatus::Normal && v.below)
        .collect();
    let untested = (r.volume.iter().skip(1))
        .filter(|v| v.status == VolumeStatus::InsufficientHistory)
        .count();
    if below.is_empty() {
        return match untested {
            0 => "all records, each log kind and each resource are within their usual range"
                .to_string(),
            n => format!(
                "all records and each log kind and resource tested are within their usual range; {n} not tested"
            ),
        };
    }
    below.sort_by(|a, b| a.ratio.total_cmp(&b.ratio));
    const SHOWN: usize = 3;
    let mut each: Vec<String> = (below.iter().take(SHOWN))
        .map(|v| {
            format!(
                "{} {} of {:.0} expected ({:.0}%, {})",
                v.scope,
                v.count,
                v.expected,
                v.ratio * 100.0,
                crate::spikes::p_text(v.p_value)
            )
        })
        .collect();
    if below.len() > SHOWN {
        let file = r.csv_file("volume.csv");
        each.push(format!("{} more in {file}", below.len() - SHOWN));
    }
    format!(
        "none is at {:.0}% of its usual count or below with {:.0} or more expected, but the test finds below their usual range: {}{}",
        below[0].low_ratio * 100.0,
        MIN_EXPECTED,
        each.join(", "),
        match untested {
            0 => String::new(),
            n => format!("; {n} not tested"),
        }
    )
}

/// What input files that look like copies of others add to the counts the volume test reads
/// (the same export read twice, README's example of a rise): said in its section, since a
/// doubled night a little below its usual count stays under the rise's bar of twice.
pub fn copied_line(r: &Report) -> Option<String> {
    let (files, records) = r.copied;
    (files > 0).then(|| {
        format!(
            "{}: {records} records accepted from {it} are in every count here, the volume test's too; a --history run stores its days as partial, never a baseline, until a re-run without {it} replaces them.",
            match files {
                1 => "1 input file looks like a copy of another read too (the same export twice?)"
                    .to_string(),
                n => format!(
                    "{n} input files look like copies of others read too (the same export twice?)"
                ),
            },
            it = if files == 1 { "it" } else { "them" },
        )
    })
}

fn volume_section(s: &mut String, r: &Report) {
    let (head, flagged, more) = volume_lines(r);
    if head.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Volume\n\n{}\n", escape(&head));
    for f in &flagged {
        let (status, rest) = f.split_once(' ').unwrap_or((f, ""));
        let _ = writeln!(s, "- **{status}** {}", escape(rest));
    }
    if !flagged.is_empty() {
        s.push('\n');
    }
    if let Some(line) = scopes_cut(r, more) {
        let _ = writeln!(s, "{}\n", escape(&line));
    }
    for line in &r.spikes.volume_untested {
        let _ = writeln!(s, "{}\n", escape(line));
    }
    if let Some(left_out) = &r.spikes.baseline_left_out {
        let _ = writeln!(s, "{}.\n", escape(left_out));
    }
    if let Some(copied) = copied_line(r) {
        let _ = writeln!(s, "{}\n", escape(&copied));
    }
}

fn spikes_section(s: &mut String, r: &Report, cat: &Catalogue) {
    let sp = &r.spikes;
    let day = sp.day.map(day_text).unwrap_or_default();
    let _ = writeln!(s, "## Spikes\n");
    if let Some(note) = &sp.note {
        let _ = writeln!(s, "{}\n", escape(note));
        return;
    }
    if let Some(line) = new_below_min_line(r, cat) {
        let _ = writeln!(s, "{}\n", escape(&line));
    }
    if r.spike_rows.is_empty() {
        let _ = writeln!(
            s,
            "No spikes on {day}: no failure key is significantly above the same weekday of the previous {} weeks.{}\n",
            crate::spikes::BASELINE_WEEKS,
            // Under --spikes-by resource, each resource of them is said with why, below.
            match sp.untested.saturating_sub(sp.untested_apart.len()) {
                0 => String::new(),
                _ if !sp.untested_why.is_empty() => String::new(),
                n => format!(" {n} key(s) could not be tested for lack of history."),
            }
        );
    }
    for line in untested_apart_line(r).iter().chain(&sp.untested_why) {
        let _ = writeln!(s, "{}\n", escape(line));
    }
    if r.spike_rows.is_empty() {
        return;
    }
    let _ = writeln!(s, "Flagged on {day}:\n");
    let (said, more) = r.spikes_said();
    for row in said {
        let v = &row.verdict;
        let _ = writeln!(
            s,
            "- **{}** ({}) {}",
            v.status.as_str(),
            row.outcome.as_str(),
            // The sentence holds the catalogue's description; the target, text of the logs,
            // is no link.
            linkify(&spike_sentence(v, cat))
                + &crate::report::target_said(v)
                    .map_or_else(String::new, |t| escape(&format!("; {t}")))
        );
        // On one line: a `<br>` shows as it is in a mail of this file.
        let m = cat.lookup(v.key.0, v.key.1).mitigation;
        let _ = writeln!(
            s,
            "  - Mitigation: {}",
            m.map(|m| linkify(&one_line(m))).unwrap_or_else(|| {
                let step = no_mitigation_step(r, row, crate::render::triage::code_span);
                format!("{NO_MITIGATION}{}", step.unwrap_or_default())
            })
        );
    }
    s.push('\n');
    if let Some(line) = spikes_cut(r, more) {
        let _ = writeln!(s, "{}\n", escape(&line));
    }
}

/// The line under the flagged keys said one by one when `more` were not: `4980 more flagged
/// keys are not shown here (the failure class and the most significant first); all are in
/// spikes.csv and report.json.`
pub fn spikes_cut(r: &Report, more: usize) -> Option<String> {
    (more > 0).then(|| {
        format!(
            "{more} more flagged keys are not shown here (the failure class and the most significant first); all are in {}.",
            r.whole_in("spikes.csv")
        )
    })
}

/// The line under the volume scopes said one by one when `more` were not.
pub fn scopes_cut(r: &Report, more: usize) -> Option<String> {
    (more > 0).then(|| {
        format!(
            "{more} more resources flagged, low, risen or retired are not shown here; all are in {}.",
            r.whole_in("volume.csv")
        )
    })
}

/// What is to be done for a flagged failure-class key without a documented mitigation, after
/// "(no documented mitigation)", as triage's Next steps say it: collect its calls' ids with
/// the `triage --calls` command of its subcode and code over the report's inputs, window and
/// `--resource` (`cmd` marks it up), and open a support ticket with them. A key without a
/// subcode, which triage cannot take, has no command; a caller-class key (a callee who did
/// not answer) no ticket.
pub fn no_mitigation_step(
    r: &Report,
    row: &SpikeRow,
    cmd: impl Fn(&str) -> String,
) -> Option<String> {
    if row.outcome != Outcome::Failure {
        return None;
    }
    let (code, subcode) = row.verdict.key;
    // Over the run's inputs, which hold no record of a stored day tested: it would list none.
    let subcode = subcode.filter(|_| !r.spikes.stored_day);
    let with = subcode.map_or(String::new(), |sub| {
        let resources: Vec<glob::Pattern> = (r.resource_filter.iter())
            .filter_map(|p| glob::Pattern::new(p).ok())
            .collect();
        let window = &r.window;
        // report has no --full-numbers: its outputs mask every number.
        let selection = (&r.named_inputs[..], &r.reading, Numbers::Masked);
        let steps = next_steps((sub, Some(code)), selection, window, &resources, None);
        format!(" with {}", cmd(&steps.calls))
    });
    Some(format!(
        ": collect the calls' ids{with} and open a support ticket with them."
    ))
}

/// How many of the keys new to the history below the minimum count are named.
const NEW_BELOW_MIN_NAMED: usize = 10;

/// The failure keys of the report day new to the history but too few to be flagged, in one
/// sentence (`New to the history, below --spike-min-count, not flagged: 500/8585 Play Service
/// Shutdown (8)`), when there are any.
/// The keys of callback records alone not tested because their resource's baseline days keep
/// its callback records apart (stored before they were joined to their calls' resources): for
/// the four weeks after the upgrade a night without them would read as quiet.
pub fn untested_apart_line(r: &Report) -> Option<String> {
    let keys = &r.spikes.untested_apart;
    if keys.is_empty() {
        return None;
    }
    let named: Vec<String> = (keys.iter())
        .map(|(resource, key)| match resource {
            Some(name) => format!("{name}: {}", key_label(key.0, key.1)),
            None => key_label(key.0, key.1),
        })
        .collect();
    Some(format!(
        "Not tested: {} ({} key(s) of callback records alone): the baseline days of their resource were stored before callback records were counted under their calls' resources, and keep them apart; each is tested once {} baseline days count them.",
        named.join(", "),
        keys.len(),
        crate::spikes::MIN_BASELINE_DAYS
    ))
}

pub fn new_below_min_line(r: &Report, cat: &Catalogue) -> Option<String> {
    let keys = &r.spikes.new_below_min;
    if keys.is_empty() {
        return None;
    }
    let named: Vec<String> = (keys.iter().take(NEW_BELOW_MIN_NAMED))
        .map(|&(key, n)| {
            let description = description_in_sentence(cat, key);
            // Under --spikes-by resource, where, as the spike lines say it (rev65a L6).
            let resources = match r.spikes.new_below_min_resources.get(&key) {
                Some(names) if !names.is_empty() => format!("{}: ", names.join(", ")),
                _ => String::new(),
            };
            format!("{resources}{} {description} ({n})", key_label(key.0, key.1))
        })
        .collect();
    let more = match keys.len().saturating_sub(NEW_BELOW_MIN_NAMED) {
        0 => String::new(),
        n => format!(", and {n} more (spikes.csv does not list them; report.json does)"),
    };
    Some(format!(
        "New to the history, below --spike-min-count, not flagged: {}{more}.",
        named.join(", ")
    ))
}

/// ` (no outcome: streaming usage record (no result by design): 12, event without a result: 18)`,
/// or nothing.
pub fn skip_note(r: &Report) -> String {
    if r.skip_counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = r
        .skip_counts
        .iter()
        .map(|(reason, n)| format!("{reason}: {n}"))
        .collect();
    format!(" (no outcome: {})", parts.join(", "))
}

/// The most frequent caller outcomes, apart from the failures, with why they are the caller's.
fn caller_section(s: &mut String, r: &Report, cat: &Catalogue) {
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
fn other_readings_md(s: &mut String, r: &Report, cat: &Catalogue, outcome: Outcome, top: usize) {
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
fn resources_section(s: &mut String, r: &Report) {
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
fn mitigation_section(s: &mut String, r: &Report) {
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
fn top_failures(r: &Report) -> Table {
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
