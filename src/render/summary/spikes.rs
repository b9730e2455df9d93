//! The Volume and Spikes sections of `summary.md`, and the sentences `report.html` and the
//! quiet run's line say the same with: which scopes and keys were flagged, which could not be
//! tested and why, and the lists cut.

use std::fmt::Write;

use crate::catalogue::{key_label, one_line, Catalogue, Outcome, NO_MITIGATION};
use crate::render::markdown::{escape, linkify};
use crate::report::triage::{next_steps, Numbers};
use crate::report::{description_in_sentence, spike_sentence, Report, SpikeRow, MOST_SAID};
use crate::spikes::volume::{VolumeStatus, VolumeVerdict, MIN_EXPECTED};
use crate::time::day_text;

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

pub(super) fn volume_section(s: &mut String, r: &Report) {
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

pub(super) fn spikes_section(s: &mut String, r: &Report, cat: &Catalogue) {
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
