//! What the volume test says beside its verdicts: where a low scope's records stop on the day,
//! and why the scopes not tested were not (what their baseline days lack).

use std::collections::HashMap;

use super::super::history::History;
use super::{VolumeStatus, VolumeVerdict};
use crate::spikes::{resource_short_said, BASELINE_WEEKS, MIN_BASELINE_DAYS, UNTESTED_NAMED};
use crate::time::{day_text, DAY, HOUR};

/// Says where the records of a DROP or LOW resource stop on the report day, when they stop
/// more than an hour before its end while another resource's run at least an hour later: an
/// export that stopped, or a region down, rather than a quiet day. `last` holds each
/// resource's last record on the day (seconds since the epoch), the input's: a day read from
/// the history alone says nothing. When the input's last record (`input_last`) is on the day
/// and more than an hour before its end (a whole export that stopped, every resource alike),
/// a DROP or LOW of all records says where it is.
pub fn say_where_records_stop(
    verdicts: &mut [VolumeVerdict],
    last: &HashMap<&str, i64>,
    input_last: Option<i64>,
) {
    // The two resources whose records run latest: the latest other than any one of them.
    let mut latest: Vec<(&str, i64)> = Vec::with_capacity(3);
    for (&name, &t) in last {
        latest.push((name, t));
        latest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        latest.truncate(2);
    }
    let early = |v: &VolumeVerdict, at: i64| at + HOUR < (v.day + 1) * DAY;
    for v in verdicts.iter_mut() {
        if !matches!(v.status, VolumeStatus::Drop | VolumeStatus::Low) {
            continue;
        }
        if matches!(v.scope.as_str(), "all" | "all but retired") {
            let at = input_last.filter(|&at| at.div_euclid(DAY) == v.day && early(v, at));
            v.stops = at.map(|at| Box::new((at, None)));
            continue;
        }
        let Some(name) = v.scope.strip_prefix("resource ") else {
            continue;
        };
        let (Some(&at), Some(&(other, until))) =
            (last.get(name), latest.iter().find(|(n, _)| *n != name))
        else {
            continue;
        };
        if early(v, at) && until >= at + HOUR {
            v.stops = Some(Box::new((at, Some((other.to_string(), until)))));
        }
    }
}

/// The scopes of `day` not tested (`insufficient_history`) while the first (all records) was,
/// a sentence each with what their baseline days lack: a resource's as its spike test says it
/// ([`resource_short_said`]: stored partial for it, with the fix, or holding none of its
/// records), a kind's the days that hold none of it. The first [`UNTESTED_NAMED`] are
/// named, the others counted: "each resource within its usual range" is not said of one that
/// was not tested.
pub fn untested_said(history: &History, day: i64, volume: &[VolumeVerdict]) -> Vec<String> {
    let untested = |v: &&VolumeVerdict| v.status == VolumeStatus::InsufficientHistory;
    if volume.first().is_none_or(|v| untested(&v)) {
        return Vec::new();
    }
    let scopes: Vec<&VolumeVerdict> = volume[1..].iter().filter(untested).collect();
    let mut said: Vec<String> = (scopes.iter().take(UNTESTED_NAMED))
        .map(|v| {
            let why = match v.scope.split_once(' ') {
                Some(("resource", name)) => resource_short_said(history, name, day),
                Some((_, kind)) => kind_short_said(history, kind, day),
                None => String::new(),
            };
            format!(
                "Not tested: {}, for want of {MIN_BASELINE_DAYS} baseline days that count it: {why}.",
                v.scope
            )
        })
        .collect();
    if scopes.len() > UNTESTED_NAMED {
        said.push(format!(
            "Not tested: {} more scopes (volume.csv), for want of {MIN_BASELINE_DAYS} baseline days that count them.",
            scopes.len() - UNTESTED_NAMED
        ));
    }
    said
}

/// The complete baseline days of `day` that hold none of a log kind's records, or kept no
/// records by kind (stored before kinds were kept).
fn kind_short_said(history: &History, kind: &str, day: i64) -> String {
    let complete = (1..=BASELINE_WEEKS)
        .map(|w| day - 7 * w)
        .filter_map(|d| (history.days.get(&d)).filter(|a| !a.partial && !a.short_for_all));
    let (mut none, mut unkept, mut held) = (Vec::new(), Vec::new(), 0);
    for a in complete {
        match (
            a.kinds.is_empty(),
            a.kinds.get(kind).is_some_and(|&n| n > 0),
        ) {
            (true, _) => unkept.push(day_text(a.day)),
            (false, false) => none.push(day_text(a.day)),
            (false, true) => held += 1,
        }
    }
    let mut said = vec![format!(
        "{held} of its complete baseline days {} its records",
        if held == 1 { "holds" } else { "hold" }
    )];
    if !none.is_empty() {
        said.push(format!(
            "{} {} none{}",
            none.join(", "),
            if none.len() == 1 { "holds" } else { "hold" },
            if held == 0 {
                " (new to the history)"
            } else {
                ""
            }
        ));
    }
    if !unkept.is_empty() {
        said.push(format!(
            "{} {} stored before records were kept by log kind",
            unkept.join(", "),
            if unkept.len() == 1 { "was" } else { "were" }
        ));
    }
    said.join("; ")
}
