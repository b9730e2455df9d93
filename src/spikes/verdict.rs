//! A key's verdict on a day: the numbers behind it, the tester that leaves the key's own flagged
//! baseline days out (following that chain oldest first), the log kinds it is measured against,
//! and the verdict said in one sentence.

use std::collections::{BTreeSet, HashMap};

use super::baseline::{baseline_days, partial_days_said, stored_partial};
use super::history::{DayAgg, History};
use super::poisson::{p_text, test_counts, Status, Thresholds};
use super::split::{ResourceSplit, TargetLead};
use super::{BASELINE_WEEKS, MIN_BASELINE_DAYS};
use crate::aggregate::Key;
use crate::catalogue::Category;
use crate::normalize::Kind;
use crate::time::day_text;

/// The numbers behind a key's status on a day.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub day: i64,
    pub key: Key,
    /// The resource the key was tested in (`--spikes-by resource`); none for all records.
    pub resource: Option<String>,
    pub status: Status,
    /// x: today's count.
    pub count: u64,
    /// e1: today's records, all codes, of the key's log kinds ([`Verdict::exposure_kinds`]),
    /// or of every log kind the baseline days have too.
    pub exposure: u64,
    /// y: the key's count over the baseline days used.
    pub baseline_count: u64,
    /// e2: the records of the baseline days used, of the same log kinds as e1.
    pub baseline_exposure: u64,
    /// The log kinds both exposures count: those the key's records came from on the day
    /// tested, less any left out; empty when they count the records of every kind.
    pub exposure_kinds: Vec<&'static str>,
    /// Why the exposures count every kind when the day knows its records by kind: baseline
    /// days stored before kinds were kept, or a day that does not know its keys' kinds. Of a
    /// key not tested (`insufficient_history`) with enough baseline days: why they are no
    /// baseline of it (a resource's callback key, its days stored before the join).
    pub all_kinds: Option<String>,
    /// The log kinds left out of both exposures ([`kinds_left_out`]), with why.
    pub left_out: Vec<String>,
    /// The baseline days used, with the key's count on each.
    pub baseline_days: Vec<i64>,
    pub baseline_counts: Vec<u64>,
    pub expected: f64,
    pub ratio: f64,
    pub p_value: f64,
    /// Where a flagged key's records of the day are (`--spikes-by all`): none for a key not
    /// flagged, a key tested in one resource, or a day whose resources' keys were not kept.
    pub by_resource: Option<ResourceSplit>,
    /// The target more than half of a flagged key's records of the day went to, counted
    /// exactly (`--spikes-by all`, as the run counted its callback records): a spike of one
    /// failure to one number is that number's carrier, not the application.
    pub target: Option<TargetLead>,
}

impl Verdict {
    pub fn excess(&self) -> f64 {
        self.count as f64 - self.expected
    }
}

/// Evaluates keys against a history, remembering which (day, key) were flagged so that flagged
/// baseline days are left out.
pub struct Tester<'h> {
    history: &'h History,
    th: Thresholds,
    /// Whether (day, key) was flagged, measured against the records of the kinds given
    /// ([`Kind::bit`]).
    memo: HashMap<(i64, Key, u8), bool>,
}

impl<'h> Tester<'h> {
    pub fn new(history: &'h History, th: Thresholds) -> Tester<'h> {
        Tester {
            history,
            th,
            memo: HashMap::new(),
        }
    }

    fn flagged(&mut self, day: i64, key: Key, kinds: u8) -> bool {
        if let Some(&f) = self.memo.get(&(day, key, kinds)) {
            return f;
        }
        let f = self.test(day, key, kinds).status.flagged();
        self.memo.insert((day, key, kinds), f);
        f
    }

    /// The verdict of one key on one day. The key is measured against the records of the log
    /// kinds its records came from that day, on its baseline days too and on theirs: a key of
    /// the media summary is not diluted when the operations log triples (a retry storm, an
    /// export written three times), nor raised when it is lost.
    pub fn verdict(&mut self, day: i64, key: Key) -> Verdict {
        let kinds = (self.history.days.get(&day))
            .and_then(|d| d.key_kinds.get(&key))
            .map_or(0, |k| k.0);
        // A verdict leaves out the flagged days of its baseline, whose verdicts leave out
        // theirs, back to the first day of the history: those are worked out oldest first, so
        // that each finds the ones it needs already known (a loop, not a recursion as deep as
        // the history is long).
        if let Some(&first) = self.history.days.keys().next() {
            let mut d = day - 7 * ((day - first).max(0) / 7);
            while d < day {
                self.flagged(d, key, kinds);
                d += 7;
            }
        }
        self.test(day, key, kinds)
    }

    /// The verdict of one key on one day, against the records of `kinds` ([`Kind::bit`]; none:
    /// every kind), the verdicts of its baseline days known or at most one level away.
    fn test(&mut self, day: i64, key: Key, kinds: u8) -> Verdict {
        let h = self.history;
        let today = h.days.get(&day);
        let (count, exposure) = today
            .map(|d| (d.keys.get(&key).map_or(0, |v| v.0), d.exposure))
            .unwrap_or((0, 0));
        let mut v = Verdict {
            day,
            key,
            resource: None,
            status: Status::InsufficientHistory,
            count,
            exposure,
            baseline_count: 0,
            baseline_exposure: 0,
            exposure_kinds: Vec::new(),
            all_kinds: None,
            left_out: Vec::new(),
            baseline_days: Vec::new(),
            baseline_counts: Vec::new(),
            expected: 0.0,
            ratio: 0.0,
            p_value: 1.0,
            by_resource: None,
            target: None,
        };
        if !Category::of(key.0).is_failure() {
            v.status = Status::Success;
            return v;
        }
        let present: Vec<i64> = (1..=BASELINE_WEEKS)
            .map(|w| day - 7 * w)
            .filter(|d| h.days.get(d).is_some_and(DayAgg::all_baseline))
            .collect();
        if present.len() < MIN_BASELINE_DAYS {
            return v;
        }
        let usable: Vec<i64> = present
            .into_iter()
            .filter(|&d| !self.flagged(d, key, kinds))
            .collect();
        if usable.len() < MIN_BASELINE_DAYS {
            return v;
        }
        // A resource's day stored before callback records were counted under their calls'
        // resources holds none of them: a key of callback records alone would be new to every
        // such baseline day (NEW), where it is the history that did not count it. Such days are
        // left out of its baseline, and fewer than three days left leave it untested.
        let usable = match today.is_some_and(|t| !t.callbacks_apart)
            && kinds == Kind::Callback.bit()
        {
            true => {
                let (apart, counted): (Vec<i64>, Vec<i64>) =
                    usable.into_iter().partition(|d| h.days[d].callbacks_apart);
                if counted.len() < MIN_BASELINE_DAYS {
                    let days: Vec<String> = apart.iter().map(|&d| day_text(d)).collect();
                    v.all_kinds = Some(format!(
                        "{} {} this resource's callback records apart, stored before they were counted under their calls' resources",
                        days.join(", "),
                        if days.len() == 1 { "keeps" } else { "keep" }
                    ));
                    return v;
                }
                counted
            }
            false => usable,
        };
        let baseline: Vec<&DayAgg> = usable.iter().map(|d| &h.days[d]).collect();
        let mut left_out = today.map_or(Vec::new(), |t| kinds_left_out(t, &baseline));
        let scope = h.scope.as_deref();
        let (own, all_kinds) = own_kinds(today, &baseline, kinds, &left_out, scope);
        if !own.is_empty() {
            // The kinds the key has no record of are not its exposure: nothing to leave out.
            left_out.retain(|(k, _)| {
                (Kind::ALL.iter()).any(|o| o.bit() & kinds != 0 && o.as_str() == k.as_str())
            });
        }
        let without = |a: &DayAgg| match own.is_empty() {
            true => {
                let out: u64 = (left_out.iter()).filter_map(|(k, _)| a.kinds.get(*k)).sum();
                a.exposure.saturating_sub(out)
            }
            false => own.iter().filter_map(|k| a.kinds.get(*k)).sum(),
        };
        v.exposure = today.map_or(0, without);
        // A kind new on the day is left out of the key's count too, when some kind of it is not.
        if let Some(counts) = today
            .and_then(|d| d.key_kinds.get(&key))
            .filter(|_| !own.is_empty())
        {
            let new = |k: &Kind| {
                left_out
                    .iter()
                    .any(|(o, on_day)| *on_day && o.as_str() == k.as_str())
            };
            let out: u64 = (Kind::ALL.iter().zip(counts.1))
                .filter(|(k, _)| new(k))
                .map(|(_, n)| n)
                .sum();
            v.count = v.count.saturating_sub(out);
        }
        for a in &baseline {
            let n = a.keys.get(&key).map_or(0, |k| k.0);
            v.baseline_counts.push(n);
            v.baseline_count += n;
            v.baseline_exposure += without(a);
        }
        // A key whose every kind is left out (all new on the day) is measured against the
        // kinds both sides have: they are named, not null ("every kind counts"), which the
        // exposure is not (rev68a F5). Its count keeps its records: nothing of it is left out.
        v.exposure_kinds = match (
            own.is_empty() && all_kinds.is_none() && !left_out.is_empty(),
            today,
        ) {
            (true, Some(t)) => (Kind::ALL.iter())
                .map(|k| k.as_str())
                .filter(|k| t.kinds.get(*k).is_some_and(|&n| n > 0))
                .filter(|k| !left_out.iter().any(|(l, _)| l.as_str() == *k))
                .collect(),
            _ => own,
        };
        v.all_kinds = all_kinds;
        v.left_out = (left_out.iter())
            .map(|(k, on_day)| match on_day {
                true => format!("{k}, none on the baseline days"),
                false => format!("{k}, none on {}", day_text(day)),
            })
            .collect();
        v.baseline_days = usable;
        let (e, r, p, status) = test_counts(
            v.count,
            v.exposure,
            v.baseline_count,
            v.baseline_exposure,
            &self.th,
        );
        v.expected = e;
        v.ratio = r;
        v.p_value = p;
        v.status = status;
        v
    }
}

/// The log kinds of `kinds` ([`Kind::bit`]) a key is measured against on `day` and its
/// baseline days: those not left out, when every one of the days holds its records by kind.
/// None means every kind: then, when the day holds its records by kind, why not its own (a
/// baseline day stored before kinds were kept, or a day that does not know its keys' kinds).
/// A key whose every kind is left out (a kind new on the day) is measured against every kind
/// both sides have, which its left-out kinds say. `scope`: the resources the days are of, when
/// not all ([`History::scope`]), which the reason names: a day that keeps its records by kind
/// may keep none of a resource's.
fn own_kinds(
    day: Option<&DayAgg>,
    baseline: &[&DayAgg],
    kinds: u8,
    left_out: &[(&String, bool)],
    scope: Option<&str>,
) -> (Vec<&'static str>, Option<String>) {
    let Some(day) = day.filter(|d| !d.kinds.is_empty()) else {
        return (Vec::new(), None);
    };
    let before: Vec<String> = (baseline.iter())
        .filter(|a| a.kinds.is_empty())
        .map(|a| day_text(a.day))
        .collect();
    if !before.is_empty() {
        let keep = if before.len() == 1 { "keeps" } else { "keep" };
        let of = scope.map_or_else(String::new, |s| format!(" for {s}"));
        let why = format!("{} {keep} no records by log kind{of}", before.join(", "));
        return (Vec::new(), Some(why));
    }
    if kinds == 0 {
        let why = format!("{} keeps no log kind of its keys", day_text(day.day));
        return (Vec::new(), Some(why));
    }
    let own = (Kind::ALL.iter())
        .filter(|k| k.bit() & kinds != 0)
        .map(|k| k.as_str())
        .filter(|k| !left_out.iter().any(|(l, _)| l.as_str() == *k))
        .collect();
    (own, None)
}

/// The log kinds (`media_summary`, `operations`, ...) that a day and its baseline days cannot
/// be compared on: one with records on the day and none on any baseline day, or none on the
/// day and some on a baseline day (with whether the day has them). An export that lost the
/// operations log halves the day's records; measured against all of them, every key of the
/// media summary would look twice as frequent. The exposures leave such a kind out on both
/// sides. A day whose kinds the history did not keep (written before kinds were kept, or a
/// resource's) leaves nothing out.
fn kinds_left_out<'a>(day: &'a DayAgg, baseline: &[&'a DayAgg]) -> Vec<(&'a String, bool)> {
    if day.kinds.is_empty() || baseline.iter().any(|a| a.kinds.is_empty()) {
        return Vec::new();
    }
    let has = |a: &DayAgg, k: &str| a.kinds.get(k).is_some_and(|&n| n > 0);
    let all: BTreeSet<&String> = (day.kinds.keys())
        .chain(baseline.iter().flat_map(|a| a.kinds.keys()))
        .collect();
    all.into_iter()
        .map(|k| (k, has(day, k)))
        .filter(|&(k, on_day)| on_day != baseline.iter().any(|a| has(a, k)))
        .collect()
}

/// Why a key has its status, in one sentence with the numbers behind it.
pub fn explain(v: &Verdict, history: &History, th: &Thresholds) -> String {
    match v.status {
        Status::Success => "a success outcome: never flagged".to_string(),
        Status::InsufficientHistory if v.all_kinds.is_some() => format!(
            "not tested: a key of callback records alone, and {}; it is tested once {MIN_BASELINE_DAYS} baseline days count them",
            v.all_kinds.as_deref().unwrap_or_default()
        ),
        Status::InsufficientHistory => {
            let (baseline, present, partial) = baseline_days(history, v.day);
            // Enough complete days, too few usable: the key's own flagged days were left out.
            let flagged = match present.len() >= MIN_BASELINE_DAYS {
                true => ", but a day the key was itself flagged on is not its baseline",
                false => "",
            };
            // Too few complete: those stored partial, with the fix of each, as report says them.
            let partial = match (partial.len(), flagged.is_empty()) {
                (0, _) | (_, false) => String::new(),
                (n, true) => format!(
                    "; {}",
                    partial_days_said(
                        &partial,
                        Some(format!("{n} of the {BASELINE_WEEKS} {}", stored_partial(&partial)))
                    )
                ),
            };
            format!(
                "not tested: {} of the {BASELINE_WEEKS} baseline days ({}) are complete in the history{}{flagged}; at least {MIN_BASELINE_DAYS} usable are needed{partial}",
                present.len(),
                baseline.iter().map(|d| day_text(*d)).collect::<Vec<_>>().join(", "),
                if present.is_empty() { String::new() } else { format!(" ({})", present.join(", ")) },
            )
        }
        _ => {
            let left_out = match (v.left_out.as_slice(), v.exposure_kinds.is_empty()) {
                ([], _) => String::new(),
                (kinds, true) => format!(
                    "; records of the log kinds on both sides (left out: {})",
                    kinds.join("; ")
                ),
                (kinds, false) => format!("; left out: {}", kinds.join("; ")),
            };
            let all_kinds = v.all_kinds.as_ref().map_or(String::new(), |why| {
                format!("; records of every log kind, as {why}")
            });
            // The records the key is measured against: its log kinds' (`820 media_summary
            // records`), or all.
            let of = match v.exposure_kinds.as_slice() {
                [] => String::new(),
                [one] => format!(" {one}"),
                [many @ .., last] => format!(" {} and {last}", many.join(", ")),
            };
            let numbers = format!(
                "{} on {} ({}{of} records) vs {} over {} baseline days ({}{of} records): expected {:.1}, ratio {:.1}×, {}{left_out}{all_kinds}",
                v.count,
                day_text(v.day),
                v.exposure,
                v.baseline_count,
                v.baseline_days.len(),
                v.baseline_exposure,
                v.expected,
                v.ratio,
                p_text(v.p_value)
            );
            match v.status {
                Status::Spike => format!("SPIKE: {numbers}"),
                Status::New => format!("NEW: absent from the baseline, {} today", v.count),
                _ => format!(
                    "not flagged: {numbers}; a spike needs p<{}, count≥{}, ratio≥{} and count−expected≥{}",
                    th.p_value, th.min_count, th.min_ratio, th.min_excess
                ),
            }
        }
    }
}
