//! What the baseline days of a day hold, and why they fall short when they do: partial days with
//! the fix of each cause, each resource's baseline, and the notes of a day or a resource not
//! tested for want of them.

use std::collections::{BTreeMap, HashMap};

use super::history::{DayAgg, History, PartialWhy};
use super::{BASELINE_WEEKS, MIN_BASELINE_DAYS, UNTESTED_NAMED};
use crate::aggregate::Key;
use crate::time::day_text;

/// Of the baseline days of `day`, when fewer than [`MIN_BASELINE_DAYS`] are complete in the
/// history with records and some are partial: those, why, and how to make them whole
/// ([`partial_days_said`]); and complete ones of no record the volume test counts (a day
/// file's rows of 0 records, which no run writes), which its test of all records leaves out,
/// as a kind's leaves out a day without the kind.
pub fn partial_baseline(history: &History, day: i64) -> Option<String> {
    let baseline = (1..=BASELINE_WEEKS).filter_map(|w| history.days.get(&(day - 7 * w)));
    let (partial, whole): (Vec<&DayAgg>, Vec<&DayAgg>) = baseline.partition(|a| !a.all_baseline());
    let (empty, counted): (Vec<&DayAgg>, Vec<&DayAgg>) =
        whole.into_iter().partition(|a| a.exposure == 0);
    if counted.len() >= MIN_BASELINE_DAYS {
        return None;
    }
    let mut said = Vec::new();
    if !partial.is_empty() {
        said.push(partial_days_said(&partial, None));
    }
    if !empty.is_empty() {
        let days: Vec<String> = empty.iter().map(|a| day_text(a.day)).collect();
        said.push(format!(
            "{} {} complete but {} no record the test counts (rows of 0 records, which no run writes: a file made or mended by hand?)",
            days.join(", "),
            if days.len() == 1 { "is" } else { "are" },
            if days.len() == 1 { "holds" } else { "hold" }
        ));
    }
    (!said.is_empty()).then(|| said.join("; "))
}

/// Of the baseline days of `day`, when [`MIN_BASELINE_DAYS`] or more are complete in the
/// history: those left out as stored partial, why, and how to make them whole; the tests
/// compare with the complete days alone, and a smaller baseline is not left unsaid.
pub fn baseline_left_out(history: &History, day: i64) -> Option<String> {
    let baseline = (1..=BASELINE_WEEKS).filter_map(|w| history.days.get(&(day - 7 * w)));
    let (partial, whole): (Vec<&DayAgg>, Vec<&DayAgg>) = baseline.partition(|a| !a.all_baseline());
    if whole.len() < MIN_BASELINE_DAYS || partial.is_empty() {
        return None;
    }
    let head = format!(
        "The baseline of {} is its {} complete days of the same weekday of the previous {BASELINE_WEEKS} weeks: {} {} left out, {}",
        day_text(day),
        whole.len(),
        partial.len(),
        if partial.len() == 1 { "is" } else { "are" },
        stored_as(&partial)
    );
    Some(partial_days_said(&partial, Some(head)))
}

/// One resource's records over the baseline days of a day: what its rates are measured
/// against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceBaseline {
    /// The resource's records, all codes, over the baseline days.
    pub exposure: u64,
    /// Each key's records over them.
    pub keys: HashMap<Key, u64>,
}

/// Each resource of `day` summed over its baseline days: the same weekday of the previous
/// [`BASELINE_WEEKS`] weeks that the history holds whole and by resource (a day on which the
/// resource sent nothing counts as none); none when fewer than [`MIN_BASELINE_DAYS`] such days.
pub fn resource_baselines(history: &History, day: i64) -> BTreeMap<String, ResourceBaseline> {
    let Some(today) = history.days.get(&day) else {
        return BTreeMap::new();
    };
    let baseline: Vec<&DayAgg> = (1..=BASELINE_WEEKS)
        .filter_map(|w| history.days.get(&(day - 7 * w)))
        .filter(|a| !a.partial && a.resources.values().any(|r| !r.keys.is_empty()))
        .collect();
    if baseline.len() < MIN_BASELINE_DAYS {
        return BTreeMap::new();
    }
    let mut all = BTreeMap::new();
    for name in today.resources.keys() {
        let mut b = ResourceBaseline::default();
        // A day the resource's records stopped early on is no baseline of it.
        let days = baseline.iter().filter_map(|a| a.resources.get(name));
        for r in days.filter(|r| !r.partial) {
            b.exposure += r.exposure;
            for (&key, &(n, _)) in &r.keys {
                *b.keys.entry(key).or_default() += n;
            }
        }
        all.insert(name.clone(), b);
    }
    all
}

/// Why the baseline days of `day` count too few of resource `name`'s records for its tests
/// (fewer than [`MIN_BASELINE_DAYS`] complete for it): those stored partial for it, its own
/// records stopped early or the whole day partial, with the fix of each ([`partial_days_said`]),
/// and those whose stored day holds none of its records (a resource new to the history).
/// `(its baseline days are complete for it on 2026-11-17, 2026-11-10; 2 are stored only as
/// partial days for it: 2026-11-03, 2026-10-27 whose records stopped ...)`.
pub fn resource_short_said(history: &History, name: &str, day: i64) -> String {
    let of = history.for_resource(name);
    let (baseline, complete, partial) = baseline_days(&of, day);
    let none: Vec<String> = (baseline.iter())
        .filter(|d| !of.days.contains_key(d) && history.days.get(d).is_some_and(|a| !a.partial))
        .map(|&d| day_text(d))
        .collect();
    let mut said = vec![match complete.as_slice() {
        [] => "no baseline day is complete for it".to_string(),
        days => format!(
            "{} of its baseline days {} complete for it ({})",
            days.len(),
            if days.len() == 1 { "is" } else { "are" },
            days.join(", ")
        ),
    }];
    if !partial.is_empty() {
        let n = partial.len();
        said.push(partial_days_said(
            &partial,
            Some(format!("{n} {} for it", stored_partial(&partial))),
        ));
    }
    if !none.is_empty() {
        said.push(format!(
            "{} {} none of its records{}",
            none.join(", "),
            if none.len() == 1 { "holds" } else { "hold" },
            if complete.is_empty() && partial.is_empty() {
                " (new to the history)"
            } else {
                ""
            }
        ));
    }
    said.join("; ")
}

/// Why `day` has no spike test: how many of the baseline days the history holds so far and how
/// many the test needs, and those stored partial with the fix of each ([`partial_days_said`],
/// as the volume test's note says them: the fix gives the test tonight). Advice to keep a
/// history is for one that holds none: on the second and third nightly runs it is kept, and
/// only weeks are wanting.
pub(super) fn untested_note(history: &History, day: i64) -> String {
    // Baseline days stored only in part are said each for its own reason.
    let (baseline, held, partial) = baseline_days(history, day);
    let all: Vec<String> = baseline.into_iter().map(day_text).collect();
    let head = format!(
        "No spike test for {}: the history holds {} of the {MIN_BASELINE_DAYS} complete baseline days the test needs (the same weekday of the previous {BASELINE_WEEKS} weeks: {})",
        day_text(day),
        held.len(),
        all.join(", ")
    );
    // The partial days and the fix of each, as the volume test's note says them: the fix gives
    // the test tonight, where more weeks give it later.
    let head = match partial.is_empty() {
        true => head,
        false => format!("{head}; {}", partial_days_said(&partial, None)),
    };
    match MIN_BASELINE_DAYS.saturating_sub(held.len()) {
        // Nights are being kept, but none whole: more of them will not help.
        _ if held.is_empty() && !partial.is_empty() => head,
        _ if held.is_empty() => format!("{head}; keep a --history directory across nightly runs"),
        // Enough days, but a key's own spike days are not its baseline.
        0 => format!(
            "{head}; it has {}, but a day a key was flagged on is not its baseline",
            held.join(", ")
        ),
        more => format!(
            "{head}; it has {}, and {}{more} more week{} of nightly runs with this --history will do",
            held.join(", "),
            if partial.is_empty() { "" } else { "otherwise " },
            if more == 1 { "" } else { "s" }
        ),
    }
}

/// What a partial day's count of copies or of a guessed order is, when its files' records fall
/// on more days than a file keeps apart: theirs, on any of those days, not the day's.
fn spread_said(spread: bool) -> String {
    match spread {
        true => format!(
            ", all of theirs, on more than {} days",
            crate::ingest::MAX_FILE_DAYS
        ),
        false => String::new(),
    }
}

/// The baseline days of `day` (the same weekday of the previous [`BASELINE_WEEKS`] weeks,
/// newest first), those `history` holds complete, as text, and those it holds partial or
/// short for all records ([`DayAgg::all_baseline`]).
pub(super) fn baseline_days(history: &History, day: i64) -> (Vec<i64>, Vec<String>, Vec<&DayAgg>) {
    let baseline: Vec<i64> = (1..=BASELINE_WEEKS).map(|w| day - 7 * w).collect();
    let complete = (baseline.iter())
        .filter(|d| history.days.get(d).is_some_and(DayAgg::all_baseline))
        .map(|&d| day_text(d))
        .collect();
    let partial = (baseline.iter())
        .filter_map(|d| history.days.get(d).filter(|a| !a.all_baseline()))
        .collect();
    (baseline, complete, partial)
}

/// `is stored only as a partial day`, or `are stored only as partial days` for more `days`
/// than one; of days short for all records ([`DayAgg::short_for_all`]), `is a complete day
/// short for all records`.
pub(super) fn stored_partial(days: &[&DayAgg]) -> String {
    let be = if days.len() == 1 { "is" } else { "are" };
    format!("{be} {}", stored_as(days))
}

/// What `days`, left out of a baseline of all records, are stored as: `stored only as partial
/// days`, `complete days short for all records` ([`DayAgg::short_for_all`]), or both.
fn stored_as(days: &[&DayAgg]) -> &'static str {
    let short = days
        .iter()
        .filter(|d| !d.all_baseline() && !d.partial)
        .count();
    match (days.len(), short) {
        (1, 0) => "stored only as a partial day",
        (_, 0) => "stored only as partial days",
        (1, _) => "a day short for all records",
        (n, short) if n == short => "days short for all records",
        _ => "stored only as partial days or short for all records",
    }
}

/// Why `days` (partial, newest first) are no baseline, with the fix of each cause: `3 of them
/// are stored only as partial days, ...`. A day stored before its reason was kept is said as
/// one whose records did not cover it, as all were then.
/// `head`, when given, comes before the days in place of `3 of them are ...`, and the days are
/// named whatever their cause.
pub fn partial_days_said(days: &[&DayAgg], head: Option<String>) -> String {
    let n = days.len();
    let named = head.is_some();
    let head = head.unwrap_or_else(|| format!("{n} of them {}", stored_partial(days)));
    // The causes in the order their first day comes, each with its days.
    let mut causes: Vec<(u8, Vec<String>)> = Vec::new();
    for d in days {
        let (cause, text) = match d.partial_why {
            // A complete day left out of a baseline of all records: the resources whose stops
            // made it short, the first few named.
            _ if !d.partial && d.short_for_all => {
                let stopped: Vec<&str> = (d.resources.iter())
                    .filter(|(_, r)| r.partial)
                    .map(|(name, _)| name.as_str())
                    .collect();
                let named = stopped.iter().take(UNTESTED_NAMED).copied();
                let more = match stopped.len().saturating_sub(UNTESTED_NAMED) {
                    0 => String::new(),
                    n => format!(" and {n} more"),
                };
                let names = named.collect::<Vec<_>>().join(", ");
                match names.is_empty() {
                    true => (6, day_text(d.day)),
                    false => (6, format!("{} ({names}{more})", day_text(d.day))),
                }
            }
            None | Some(PartialWhy::Uncovered) => (0, day_text(d.day)),
            Some(PartialWhy::NotOver) => (1, day_text(d.day)),
            Some(PartialWhy::Stopped) => (2, day_text(d.day)),
            Some(PartialWhy::Rejects { rejected, read }) => (
                3,
                format!(
                    "{} ({rejected} of {read} records rejected)",
                    day_text(d.day)
                ),
            ),
            Some(PartialWhy::Copies {
                files,
                records,
                spread,
            }) => (
                4,
                format!(
                    "{} ({records} records from {files} input file{} read twice{})",
                    day_text(d.day),
                    if files == 1 { "" } else { "s" },
                    spread_said(spread)
                ),
            ),
            Some(PartialWhy::Guessed {
                files,
                records,
                spread,
            }) => (
                5,
                format!(
                    "{} ({records} records from {files} input file{} of dates read month-first{})",
                    day_text(d.day),
                    if files == 1 { "" } else { "s" },
                    spread_said(spread)
                ),
            ),
        };
        match causes.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, each)) => each.push(text),
            None => causes.push((cause, vec![text])),
        }
    }
    let why = |cause: u8| {
        match cause {
        0 => "whose records did not cover the whole UTC day (a tenant quiet around midnight UTC, or files late): run each night with --since and --until naming its day",
        1 => "stored before the day was over: re-run each night once it is over",
        2 => "whose records stopped before the day's end, low or a DROP (an export that stopped, or files left out or late): re-run each night with all its files",
        3 => "over --max-bad: fix the files or raise --max-bad and re-run those nights",
        4 => "the same export read twice: re-run those nights without the copies",
        5 => "whose dates could not tell the day/month order, read month-first: re-run those nights with --date-order (mdy or dmy; a day the guess made up stays partial until its file is removed)",
        _ => "on which the records of those resources stopped before the day's end and made all records low or a DROP (an export that stopped, or files left out or late): no baseline of all records nor of a log kind, each resource's day still its own baseline; re-run those nights with all their files",
    }
    };
    let sep = |cause: u8| if (3..=5).contains(&cause) { ", " } else { " " };
    match causes.as_slice() {
        // One cause, and the first stored so: said as it always was.
        [(0, _)] if !named => format!("{head}, {}", why(0)),
        _ => {
            let each: Vec<String> = (causes.iter())
                .map(|(cause, each)| format!("{}{}{}", each.join(", "), sep(*cause), why(*cause)))
                .collect();
            format!("{head}: {}", each.join("; "))
        }
    }
}
