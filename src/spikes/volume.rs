//! The volume test: the outage that makes no error. A night when traffic falls by 90%, or when
//! one kind of log stops arriving, has no failure key to spike; its counts fall instead. Each
//! scope (all records, each log kind, each resource) of the report day is compared with the
//! same weekday of the previous four weeks, as the spike test does.

mod notes;
mod retired;

pub(crate) use notes::{say_where_records_stop, untested_said};
pub(crate) use retired::retired_warnings;

use statrs::distribution::{Binomial, DiscreteCDF};

use super::history::{DayAgg, History};
use super::{Thresholds, BASELINE_WEEKS, MIN_BASELINE_DAYS};
use crate::time::{clock_text, day_text};
use retired::{FirstScope, Retired};

/// A DROP needs at least this many records expected: fewer are too few to tell.
pub const MIN_EXPECTED: f64 = 20.0;

/// A RISE is at least this share of the expected records (at least [`MIN_EXPECTED`]): a
/// doubled export or a retry storm, which skews every key's exposure and the baseline of the
/// weeks to come.
pub const RISE_RATIO: f64 = 2.0;

/// A LOW is at most this share of the expected records (at least [`MIN_EXPECTED`]) by
/// default (`--volume-low-ratio`): a fifth of a day missing (an export that stopped in the
/// afternoon, a region down since noon) is more than a week's change of traffic, where a large
/// tenant's few percent are significant every night.
pub const LOW_RATIO: f64 = 0.8;

/// The bar a scope's count is tested against: `--spike-p`, and `--volume-low-ratio` for LOW.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub p_value: f64,
    /// At most this share of the expected records is LOW, in (0.5, 1]: at most half is a DROP.
    pub low_ratio: f64,
}

impl Bar {
    pub fn new(th: &Thresholds, low_ratio: f64) -> Bar {
        Bar {
            p_value: th.p_value,
            low_ratio,
        }
    }
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new(&Thresholds::default(), LOW_RATIO)
    }
}

/// The verdict of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeStatus {
    Normal,
    /// At most half the expected records, and unlikely by chance.
    Drop,
    /// None of a kind (or resource) that every baseline day had.
    Zero,
    /// At most [`Bar::low_ratio`] of the expected records, and unlikely by chance, but no
    /// DROP: listed, not flagged.
    Low,
    /// At least [`RISE_RATIO`] of the expected records, and unlikely by chance: listed, not
    /// flagged.
    Rise,
    /// Fewer than [`MIN_BASELINE_DAYS`] baseline days.
    InsufficientHistory,
    /// A DROP, ZERO or LOW of a resource or log kind the run was told is out of service
    /// (`--retired`): shown, not flagged.
    Retired,
}

impl VolumeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeStatus::Normal => "normal",
            VolumeStatus::Drop => "DROP",
            VolumeStatus::Zero => "ZERO",
            VolumeStatus::Low => "low",
            VolumeStatus::Rise => "rise",
            VolumeStatus::InsufficientHistory => "insufficient_history",
            VolumeStatus::Retired => "retired",
        }
    }

    pub fn flagged(self) -> bool {
        matches!(self, VolumeStatus::Drop | VolumeStatus::Zero)
    }

    /// Not flagged, but said wherever a flagged scope is, for what it tells (LOW, RISE).
    pub fn noted(self) -> bool {
        matches!(self, VolumeStatus::Low | VolumeStatus::Rise)
    }

    /// Said in the reports: flagged, noted, or flagged but retired.
    pub fn listed(self) -> bool {
        self.flagged() || self.noted() || self == VolumeStatus::Retired
    }
}

/// Where a scope's records stop: its last record, and the other resource whose records run
/// latest, with its last ([`VolumeVerdict::stops`]).
pub type Stops = (i64, Option<(String, i64)>);

/// One scope of the report day.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeVerdict {
    pub day: i64,
    /// `all`, `kind media_summary`, `resource acs-contoso`.
    pub scope: String,
    pub count: u64,
    /// The mean of the baseline days.
    pub expected: f64,
    pub ratio: f64,
    /// P(Binomial(x + y, 1/(k + 1)) ≤ x), for x today and y over k baseline days; ≥ x when
    /// x is above the expected.
    pub p_value: f64,
    pub status: VolumeStatus,
    /// Fewer records than expected, and p below `--spike-p`: below the usual range, whether
    /// or not by enough to be LOW or a DROP.
    pub below: bool,
    /// The share of the expected records at or below which it is LOW (`--volume-low-ratio`).
    pub low_ratio: f64,
    /// The scope's records stopping early ([`say_where_records_stop`]): its last record, and
    /// for a resource the other resource whose records run latest, with its last (seconds since
    /// the epoch); for all records, none (the input's records stop there). Boxed, as most
    /// verdicts have none: 8 bytes where the pair took 40, of a verdict per resource.
    pub stops: Option<Box<Stops>>,
}

impl VolumeVerdict {
    /// The sentence that says it, for people.
    pub fn sentence(&self) -> String {
        match self.status {
            VolumeStatus::Zero | VolumeStatus::Retired if self.count == 0 => format!(
                "{}: no records on {}, where each of the same weekdays of the previous {BASELINE_WEEKS} weeks had some ({:.0} expected)",
                self.scope,
                day_text(self.day),
                self.expected
            ),
            // A bare `42%` read as down 42%: it is 42% of the expected, down 58%.
            _ => format!(
                "{}: {} records on {} vs {:.0} expected (same weekday, previous {BASELINE_WEEKS} weeks), {:.0}% of it ({}), {}",
                self.scope,
                self.count,
                day_text(self.day),
                self.expected,
                self.ratio * 100.0,
                match (self.ratio - 1.0) * 100.0 {
                    c if c.round() < 0.0 => format!("down {:.0}%", -c),
                    c if c.round() > 0.0 => format!("up {c:.0}%"),
                    _ => "as many".to_string(),
                },
                super::p_text(self.p_value)
            ) + &self.stops.as_deref().map_or_else(String::new, |(at, other)| {
                let why = match other {
                    Some((other, until)) => format!("{other}'s run until {}", clock_text(*until)),
                    None => "the input's last record".to_string(),
                };
                format!(", records stop at {} UTC ({why})", clock_text(*at))
            }),
        }
    }
}

/// P(Binomial(n, p0) ≤ x), 0 below [`super::P_FLOOR`].
fn lower_tail(x: u64, n: u64, p0: f64) -> f64 {
    if x >= n {
        return 1.0;
    }
    Binomial::new(p0, n).map_or(1.0, |b| super::floored(b.cdf(x)))
}

/// The test of one scope: today's count and the counts of the baseline days.
pub fn test_scope(day: i64, scope: &str, x: u64, baseline: &[u64], th: &Bar) -> VolumeVerdict {
    let k = baseline.len() as u64;
    let y: u64 = baseline.iter().sum();
    let expected = if k == 0 { 0.0 } else { y as f64 / k as f64 };
    let ratio = x as f64 / expected.max(0.5);
    let p_value = if k == 0 {
        1.0
    } else if x as f64 > expected {
        super::upper_tail(x, x + y, 1.0 / (k + 1) as f64)
    } else {
        lower_tail(x, x + y, 1.0 / (k + 1) as f64)
    };
    let status = if baseline.len() < MIN_BASELINE_DAYS {
        VolumeStatus::InsufficientHistory
    } else if x == 0 && baseline.iter().all(|&b| b > 0) {
        VolumeStatus::Zero
    } else if p_value < th.p_value && x as f64 <= expected / 2.0 && expected >= MIN_EXPECTED {
        VolumeStatus::Drop
    } else if p_value < th.p_value && ratio <= th.low_ratio && expected >= MIN_EXPECTED {
        VolumeStatus::Low
    } else if p_value < th.p_value && ratio >= RISE_RATIO && expected >= MIN_EXPECTED {
        VolumeStatus::Rise
    } else {
        VolumeStatus::Normal
    };
    VolumeVerdict {
        day,
        scope: scope.to_string(),
        count: x,
        expected: (expected * 10_000.0).round() / 10_000.0,
        ratio: (ratio * 10_000.0).round() / 10_000.0,
        p_value,
        status,
        below: p_value < th.p_value && (x as f64) < expected,
        low_ratio: th.low_ratio,
        stops: None,
    }
}

/// Every scope of the report day: all records, each log kind and each resource the day or its
/// baseline knows, in that order. A kind (or resource) is tested only against baseline days of
/// a history that kept kinds (or resources).
///
/// A kind or resource whose name a `retired` glob matches is out of service: `retired` where
/// it would be flagged, and its records are left out of the first scope, then `all but
/// retired`, whose baseline leaves out days that had none; but when a retired kind and a
/// retired resource both have records, which the history cannot tell apart, it stays `all`,
/// as it does when nothing retired has records ([`FirstScope`]).
pub fn test(
    history: &History,
    day: Option<i64>,
    th: &Bar,
    retired: &[glob::Pattern],
) -> Vec<VolumeVerdict> {
    let Some(day) = day else {
        return Vec::new();
    };
    let baseline = baseline_days(history, day);
    let today = history.days.get(&day);
    let mut out = Vec::new();
    let r = Retired(retired);
    let first = r.first_scope(history, day);
    let kept = |a: &DayAgg| match first {
        FirstScope::AllBut => (a.exposure).saturating_sub(r.kinds_out(a) + r.resources_out(a)),
        FirstScope::All | FirstScope::Both => a.exposure,
    };
    let scope = match first {
        FirstScope::AllBut => "all but retired",
        FirstScope::All | FirstScope::Both => "all",
    };
    // A baseline day of no record counted (a day file's rows of 0 records, which no run writes)
    // is left out, as a kind's day without the kind is: kept, it made an expected 0, and any
    // count tonight a `normal` 400 times it (200 records over 0.5).
    // A day some resources' stops made short for all records is no baseline of them.
    let all = |a: &DayAgg| Some(kept(a)).filter(|&n| n > 0 && !a.short_for_all);
    let base = scope_baseline(history, day, th, &all);
    out.push(test_scope(day, scope, today.map_or(0, kept), &base, th));

    test_each(day, Breakdown::Kind, &baseline, history, th, &mut out);
    test_each(day, Breakdown::Resource, &baseline, history, th, &mut out);
    for v in &mut out[1..] {
        let name = v.scope.split_once(' ').map_or("", |(_, n)| n);
        if (v.status.flagged() || v.status == VolumeStatus::Low) && r.is(name) {
            v.status = VolumeStatus::Retired;
        }
    }
    out
}

/// The days the volume test of `day` compares it with: the same weekday of the previous
/// [`BASELINE_WEEKS`] weeks, complete.
fn baseline_days(history: &History, day: i64) -> Vec<i64> {
    (1..=BASELINE_WEEKS)
        .map(|w| day - 7 * w)
        .filter(|d| history.days.get(d).is_some_and(|a| !a.partial))
        .collect()
}

/// The records of one scope on the baseline days of `day` (`records` gives them, or none on a
/// day that cannot be its baseline): the same weekday of the previous weeks, complete, and not
/// a DROP of the scope themselves. A DROP day kept (a holiday at 30%) would lower what is
/// expected and hide the next drop on that weekday, as a key's flagged days would hide its
/// next spike. Each day's own verdict leaves out its DROP days in turn: they are worked out
/// oldest first from the history's first day on that weekday (a loop, not a recursion as deep
/// as the history is long).
fn scope_baseline(
    history: &History,
    day: i64,
    th: &Bar,
    records: &dyn Fn(&DayAgg) -> Option<u64>,
) -> Vec<u64> {
    let of = |d: i64| {
        (history.days.get(&d))
            .filter(|a| !a.partial)
            .and_then(records)
    };
    let mut dropped: Vec<i64> = Vec::new();
    let base = |d: i64, dropped: &[i64]| -> Vec<u64> {
        (1..=BASELINE_WEEKS)
            .map(|w| d - 7 * w)
            .filter(|b| !dropped.contains(b))
            .filter_map(of)
            .collect()
    };
    if let Some(&first) = history.days.keys().next() {
        let mut d = day - 7 * ((day - first).max(0) / 7);
        while d < day {
            if let Some(x) = of(d) {
                if test_scope(d, "", x, &base(d, &dropped), th).status == VolumeStatus::Drop {
                    dropped.push(d);
                }
            }
            d += 7;
        }
    }
    base(day, &dropped)
}

/// A breakdown of a day's records: by log kind or by resource, each a map by name.
#[derive(Debug, Clone, Copy)]
enum Breakdown {
    Kind,
    Resource,
}

impl Breakdown {
    /// The word before the name in a scope: `kind media_summary`, `resource acs-contoso`.
    fn label(self) -> &'static str {
        match self {
            Breakdown::Kind => "kind",
            Breakdown::Resource => "resource",
        }
    }

    /// The names the day holds, in order.
    fn names(self, a: &DayAgg) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Breakdown::Kind => Box::new(a.kinds.keys().map(String::as_str)),
            Breakdown::Resource => Box::new(a.resources.keys().map(String::as_str)),
        }
    }

    /// The day's records of one name; of a resource without the callback records counted
    /// under it through their calls when `named`
    /// ([`super::history::ResourceDay::joined`]).
    fn count(self, a: &DayAgg, name: &str, named: bool) -> Option<u64> {
        match self {
            Breakdown::Kind => a.kinds.get(name).copied(),
            Breakdown::Resource => (a.resources.get(name)).map(|r| match named {
                true => r.exposure.saturating_sub(r.joined.values().sum()),
                false => r.exposure,
            }),
        }
    }

    /// Whether the day is a baseline of the name: not one the resource's records stopped
    /// early on ([`crate::spikes::history::ResourceDay::partial`]); of a kind, not one short
    /// for all records ([`DayAgg::short_for_all`]: the stops lowered every kind of theirs).
    fn whole(self, a: &DayAgg, name: &str) -> bool {
        match self {
            Breakdown::Kind => !a.short_for_all,
            Breakdown::Resource => a.resources.get(name).is_none_or(|r| !r.partial),
        }
    }

    /// Whether the history kept the breakdown of the day.
    fn kept(self, a: &DayAgg) -> bool {
        match self {
            Breakdown::Kind => !a.kinds.is_empty(),
            Breakdown::Resource => !a.resources.is_empty(),
        }
    }
}

/// One test per name of a breakdown of the day, in name order: against the baseline days whose
/// history kept that breakdown and that had records of the name. The names are read from the
/// days' own maps, merged in order, and not copied: an export of made-up resource ids has them
/// by the hundred thousand.
fn test_each(
    day: i64,
    by: Breakdown,
    baseline: &[i64],
    history: &History,
    th: &Bar,
    out: &mut Vec<VolumeVerdict>,
) {
    let kept = (baseline.iter().map(|d| &history.days[d])).filter(|a| by.kept(a));
    let today = history.days.get(&day);
    // A baseline day stored before callback records were counted under their calls' resources
    // holds each resource's records that name it: the days are compared on those alone (each
    // stores its joined ones), until none of the baseline is such a day. The day's own baseline
    // days decide for the days before it too: a DROP of those is told the same way.
    let named = matches!(by, Breakdown::Resource)
        && today.is_some_and(|t| !t.callbacks_apart())
        && kept.clone().any(DayAgg::callbacks_apart);
    let days = || kept.clone().chain(today);
    // A verdict a name, made at their number: grown by doubling, the list of an export of
    // made-up resource ids (a verdict each, by the hundred thousand) held its last two sizes at
    // once, at the run's peak.
    out.reserve_exact(union(by, days()).count());
    for name in union(by, days()) {
        // A baseline day without one record of the kind (or resource) is an outage, or comes
        // before it existed: left out, as a spike test leaves out a key's flagged days. Kept,
        // it would lower what is expected, and hide the next drop on that weekday.
        let of_name = |a: &DayAgg| {
            (by.count(a, name, named)).filter(|&n| by.kept(a) && n > 0 && by.whole(a, name))
        };
        let base = scope_baseline(history, day, th, &of_name);
        let x = today.and_then(|a| by.count(a, name, named)).unwrap_or(0);
        let scope = format!("{} {name}", by.label());
        out.push(test_scope(day, &scope, x, &base, th));
    }
}

/// The names of `by` the `days` hold, each once, in order: merged from the days' own maps.
fn union<'a>(
    by: Breakdown,
    days: impl Iterator<Item = &'a DayAgg>,
) -> impl Iterator<Item = &'a str> {
    let mut names: Vec<_> = days.map(|a| by.names(a).peekable()).collect();
    // The smallest name any day has not yet given, taken from each day that has it.
    std::iter::from_fn(move || {
        let name = names.iter_mut().filter_map(|n| n.peek().copied()).min()?;
        for n in &mut names {
            n.next_if_eq(&name);
        }
        Some(name)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;
    use crate::time::{DAY, HOUR};

    const TH: Bar = Bar {
        p_value: 0.001,
        low_ratio: LOW_RATIO,
    };

    /// A verdict per resource, by the hundred thousand in an export of made-up resource ids
    /// (rev64b F5), kept to the end of the run: where records stop, which most have not, is
    /// boxed (120 bytes a verdict with it inline).
    #[test]
    fn a_verdict_is_small() {
        assert!(std::mem::size_of::<VolumeVerdict>() <= 88);
    }

    /// A drop's sentence says the share of the expected and the fall: `42%` alone had read as
    /// "down 42%" (rev55b).
    #[test]
    fn a_drop_says_its_share_of_the_expected_and_its_fall() {
        let v = test_scope(0, "resource acs-prod", 835, &[2000, 2000, 2000, 2000], &TH);
        assert_eq!(v.status, VolumeStatus::Drop);
        let s = v.sentence();
        assert!(
            s.contains("835 records on 1970-01-01 vs 2000 expected"),
            "{s}"
        );
        assert!(s.contains("42% of it (down 58%)"), "{s}");
        let up = test_scope(0, "all", 2100, &[2000, 2000, 2000, 2000], &TH).sentence();
        assert!(up.contains("105% of it (up 5%)"), "{up}");
    }

    /// Three times the operations records (a retry storm, or the export written three times):
    /// RISE, listed and not paged; its p is the upper tail, where the count is.
    #[test]
    fn three_times_the_records_is_a_rise_listed_and_not_paged() {
        let base = [1380, 1380, 1380, 1380];
        let v = test_scope(0, "kind operations", 4140, &base, &TH);
        assert_eq!(v.status, VolumeStatus::Rise, "{v:?}");
        assert!(v.status.listed() && v.status.noted() && !v.status.flagged());
        assert!(v.p_value < 1e-100, "{v:?}");
        assert!(
            v.sentence().contains("300% of it (up 200%)"),
            "{}",
            v.sentence()
        );
        // 1.5 times is no RISE, nor is twice a small count.
        let v = test_scope(0, "kind operations", 2070, &base, &TH);
        assert_eq!(v.status, VolumeStatus::Normal, "{v:?}");
        assert!(v.p_value < 1e-10, "{v:?}");
        let v = test_scope(0, "kind callback", 60, &[10, 10, 10, 10], &TH);
        assert_eq!(v.status, VolumeStatus::Normal, "{v:?}");
    }

    /// An export that stopped at 14:00 keeps 58% of the day: no DROP (that needs half), but
    /// LOW, listed and not paged; a significant 90% is neither, but below its usual range.
    #[test]
    fn a_day_at_58_percent_is_low_listed_and_not_paged() {
        let base = [2000, 2000, 2000, 2000];
        let v = test_scope(0, "resource acs-prod", 1165, &base, &TH);
        assert_eq!(v.status, VolumeStatus::Low, "{v:?}");
        assert!(v.below && v.status.listed() && !v.status.flagged());
        assert_eq!(v.status.as_str(), "low");
        let v = test_scope(0, "all", 1800, &base, &TH);
        assert_eq!(v.status, VolumeStatus::Normal, "{v:?}");
        assert!(v.below, "{v:?}");
        assert!(!test_scope(0, "all", 1950, &base, &TH).below);
        // Fewer than 20 expected: too few to tell, as for a DROP.
        let v = test_scope(0, "kind callback", 2, &[15, 15, 15, 15], &TH);
        assert_eq!(v.status, VolumeStatus::Normal, "{v:?}");
    }

    /// `--volume-low-ratio` moves the LOW bar: at 0.9, a significant 85% is low, which the
    /// default 0.8 leaves normal (below its usual range); a DROP stays at half.
    #[test]
    fn the_low_bar_is_the_share_the_run_is_given() {
        let base = [2000, 2000, 2000, 2000];
        let at = |low_ratio: f64, x: u64| {
            let bar = Bar { low_ratio, ..TH };
            let v = test_scope(0, "all", x, &base, &bar);
            assert_eq!(v.low_ratio, low_ratio);
            v.status
        };
        assert_eq!(at(LOW_RATIO, 1700), VolumeStatus::Normal);
        assert_eq!(at(0.9, 1700), VolumeStatus::Low);
        assert_eq!(at(0.9, 1850), VolumeStatus::Normal);
        assert_eq!(at(0.6, 1300), VolumeStatus::Normal);
        assert_eq!(at(1.0, 1000), VolumeStatus::Drop);
        assert_eq!(at(1.0, 1950), VolumeStatus::Normal, "not significant");
    }

    /// A DROP or LOW resource whose records stop hours before the day's end, while another's
    /// run on, says where they stop; a quiet evening (the others stop too, or within the hour
    /// of it) says nothing.
    #[test]
    fn a_resource_whose_records_stop_early_says_where() {
        let base = [2000, 2000, 2000, 2000];
        let at = |h: i64, m: i64| h * HOUR + m * 60;
        let said = |prod: i64, stage: i64| {
            let mut v = vec![
                test_scope(0, "all", 1135, &[2300, 2300, 2300, 2300], &TH),
                test_scope(0, "resource acs-prod", 835, &base, &TH),
                test_scope(0, "resource acs-stage", 300, &[300, 300, 300], &TH),
            ];
            let last = HashMap::from([("acs-prod", prod), ("acs-stage", stage)]);
            say_where_records_stop(&mut v, &last, Some(prod.max(stage)));
            assert_eq!(v[2].stops, None);
            // All records run on with acs-stage's, or stop with them.
            let all = v[0].stops.as_ref().map(|s| s.0);
            assert_eq!(all, Some(stage).filter(|&s| s + HOUR < DAY), "{:?}", v[0]);
            v.remove(1)
        };
        let v = said(at(9, 59), at(23, 58));
        let s = v.sentence();
        assert!(
            s.ends_with(", records stop at 09:59 UTC (acs-stage's run until 23:58)"),
            "{s}"
        );
        assert_eq!(said(at(9, 59), at(10, 30)).stops, None);
        assert_eq!(said(at(23, 1), at(23, 59)).stops, None);
    }

    /// A whole input that stops at 13:55, every resource alike: the line of all records says
    /// where (no resource's runs later, so theirs do not); a DROP says it as a LOW does. An
    /// input that runs into the next day, or stops within the day's last hour, says nothing.
    #[test]
    fn a_whole_input_that_stops_early_says_where_on_the_line_of_all_records() {
        let at = |h: i64, m: i64| h * HOUR + m * 60;
        let said = |all: u64, input_last: i64| {
            let mut v = vec![
                test_scope(0, "all", all, &[2300, 2300, 2300, 2300], &TH),
                test_scope(0, "resource acs-prod", 1165, &[2000, 2000, 2000], &TH),
                test_scope(0, "resource acs-stage", 175, &[300, 300, 300], &TH),
            ];
            let last = HashMap::from([("acs-prod", at(13, 55)), ("acs-stage", at(13, 50))]);
            say_where_records_stop(&mut v, &last, Some(input_last));
            assert!(v[1..].iter().all(|v| v.stops.is_none()), "{v:?}");
            v.remove(0)
        };
        let v = said(1340, at(13, 55));
        assert_eq!(v.status, VolumeStatus::Low);
        let s = v.sentence();
        assert!(
            s.ends_with(", records stop at 13:55 UTC (the input's last record)"),
            "{s}"
        );
        let v = said(900, at(10, 0));
        assert_eq!(v.status, VolumeStatus::Drop);
        assert!(v
            .sentence()
            .ends_with(", records stop at 10:00 UTC (the input's last record)"));
        assert_eq!(said(1340, DAY + at(0, 30)).stops, None);
        assert_eq!(said(1340, at(23, 1)).stops, None);
    }

    #[test]
    fn a_tenth_of_the_traffic_is_a_drop_and_an_ordinary_day_is_not() {
        let base = [1000, 980, 1020, 1010];
        assert_eq!(
            test_scope(0, "all", 100, &base, &TH).status,
            VolumeStatus::Drop
        );
        for x in [950, 1000, 1100] {
            assert_eq!(
                test_scope(0, "all", x, &base, &TH).status,
                VolumeStatus::Normal,
                "{x}"
            );
        }
        // 70% is LOW: listed, not flagged.
        let low = test_scope(0, "all", 700, &base, &TH).status;
        assert!(low == VolumeStatus::Low && !low.flagged());
        // Half is not enough without significance, and a small expected is never a drop.
        assert_eq!(
            test_scope(0, "all", 3, &[10, 12, 11], &TH).status,
            VolumeStatus::Normal
        );
        let v = test_scope(0, "all", 100, &base, &TH);
        assert!((v.expected - 1002.5).abs() < 1e-9);
        assert!(v.p_value < 1e-100, "{}", v.p_value);
    }

    #[test]
    fn a_kind_that_stops_is_zero_and_too_little_history_is_said() {
        assert_eq!(
            test_scope(0, "kind media_summary", 0, &[5, 3, 4, 6], &TH).status,
            VolumeStatus::Zero
        );
        // Absent on one baseline day: not a kind that always comes.
        assert_ne!(
            test_scope(0, "kind callback", 0, &[5, 0, 4], &TH).status,
            VolumeStatus::Zero
        );
        assert_eq!(
            test_scope(0, "all", 0, &[500, 600], &TH).status,
            VolumeStatus::InsufficientHistory
        );
    }

    /// Complete baseline days of no record counted (a day file's rows of 0 records, which no run
    /// writes) are left out of the test of all records, as a kind's days without it are: kept,
    /// they made 200 records tonight `normal` at 0 expected, ratio 400 (rev66a). Too few days
    /// with records are too little history.
    #[test]
    fn baseline_days_of_no_record_are_left_out_of_all_records() {
        let mut days: BTreeMap<i64, DayAgg> = [0, 7, 14, 21].map(|d| day_of(d, &[])).into();
        days.extend([day_of(28, &[("acs-a", 200)])]);
        let mut history = History {
            days,
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let all = |h: &History| test(h, Some(28), &TH, &[])[0].clone();
        let v = all(&history);
        assert_eq!(
            (v.scope.as_str(), v.count, v.status),
            ("all", 200, VolumeStatus::InsufficientHistory),
            "{v:?}"
        );
        assert_eq!(v.expected, 0.0);
        // With three days of records, the day without any is still left out of the mean.
        for d in [7, 14, 21] {
            history.days.insert(d, day_of(d, &[("acs-a", 200)]).1);
        }
        let v = all(&history);
        assert_eq!(
            (v.expected, v.status),
            (200.0, VolumeStatus::Normal),
            "{v:?}"
        );
    }

    /// A day of the history whose records name `resources`, with their counts, and no kind.
    fn day_of(day: i64, resources: &[(&str, u64)]) -> (i64, DayAgg) {
        use super::super::history::ResourceDay;
        let each = resources.iter().map(|&(name, exposure)| {
            let r = ResourceDay {
                exposure,
                ..Default::default()
            };
            (name.to_string(), r)
        });
        let agg = DayAgg {
            day,
            partial: false,
            partial_why: None,
            exposure: resources.iter().map(|(_, n)| n).sum(),
            keys: Default::default(),
            resources: each.collect(),
            kinds: BTreeMap::new(),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        };
        (day, agg)
    }

    /// Each resource any day names is tested once, in name order, whichever days name it: the
    /// baseline's only (none tonight), tonight's only, or both; its baseline is the days that
    /// had it.
    #[test]
    fn every_resource_of_any_day_is_tested_once_in_order() {
        let history = History {
            days: [
                day_of(0, &[("acs-b", 5), ("acs-d", 5)]),
                day_of(7, &[("acs-a", 4), ("acs-d", 6)]),
                day_of(14, &[("acs-d", 5)]),
                day_of(21, &[("acs-b", 7), ("acs-d", 5)]),
                day_of(28, &[("acs-c", 9), ("acs-d", 5)]),
            ]
            .into(),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let v = test(&history, Some(28), &TH, &[]);
        let scopes: Vec<(&str, u64, f64)> = (v.iter())
            .map(|v| (v.scope.as_str(), v.count, v.expected))
            .collect();
        assert_eq!(
            scopes,
            [
                ("all", 14, 9.25),
                ("resource acs-a", 0, 4.0),
                ("resource acs-b", 0, 6.0),
                ("resource acs-c", 9, 0.0),
                ("resource acs-d", 5, 5.25),
            ]
        );
    }

    /// The verdicts are made at their number, a resource's each: not grown by doubling, which
    /// held a list of made-up resources twice over (rev64b F5).
    #[test]
    fn the_verdicts_are_made_at_their_number() {
        let names: Vec<String> = (0..100).map(|n| format!("acs-{n:03}")).collect();
        let of = |d: i64, skip: usize| {
            let each: Vec<(&str, u64)> =
                (names.iter().skip(skip)).map(|n| (n.as_str(), 5)).collect();
            day_of(d, &each)
        };
        let history = History {
            days: [of(0, 3), of(7, 0)].into(),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let v = test(&history, Some(7), &TH, &[]);
        assert_eq!((v.len(), v.capacity()), (101, 101));
        assert_eq!((v[1].scope.as_str(), v[100].count), ("resource acs-000", 5));
    }

    /// A baseline day on which a resource sent nothing (an outage, paged ZERO that night) is
    /// left out of its baseline: kept, it would lower the expected count, so that a fall to
    /// 45% a week later reads `normal` (778 vs 1262.75 expected).
    #[test]
    fn a_baseline_day_without_the_resource_is_left_out_of_its_baseline() {
        let day = |d: i64, eu: u64| match eu {
            0 => day_of(d, &[("acs-prod", 3000)]),
            _ => day_of(d, &[("acs-prod", 3000), ("acs-eu", eu)]),
        };
        let history = History {
            days: [
                day(0, 1700),
                day(7, 1680),
                day(14, 0),
                day(21, 1690),
                day(28, 770),
            ]
            .into(),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let v = test(&history, Some(28), &TH, &[]);
        let eu = v.iter().find(|v| v.scope == "resource acs-eu").unwrap();
        assert_eq!(eu.status, VolumeStatus::Drop, "{eu:?}");
        assert!((eu.expected - 1690.0).abs() < 1e-9, "{eu:?}");
        // Told it is out of service (a glob over names, in any case), it is `retired`, not
        // flagged; a glob of another name leaves it flagged.
        let status = |globs: &[&str]| {
            let globs: Vec<glob::Pattern> = globs
                .iter()
                .map(|g| crate::config::parse_resource(g).unwrap())
                .collect();
            let v = test(&history, Some(28), &TH, &globs);
            (v.iter().find(|v| v.scope == "resource acs-eu").unwrap()).status
        };
        assert_eq!(status(&["ACS-E*"]), VolumeStatus::Retired);
        assert!(!VolumeStatus::Retired.flagged());
        assert_eq!(status(&["acs-prod", "acs-eu2"]), VolumeStatus::Drop);
    }

    /// A holiday at 30% (a DROP that night) is left out of the next week's baseline: kept, it
    /// lowered the expected to 1650, and 45% of a normal day read 55% of it, `normal`.
    #[test]
    fn a_drop_day_is_left_out_of_the_baseline() {
        let history = |holiday: u64| History {
            days: [
                day_of(0, &[("acs-prod", 2000)]),
                day_of(7, &[("acs-prod", 2000)]),
                day_of(14, &[("acs-prod", 2000)]),
                day_of(21, &[("acs-prod", holiday)]),
                day_of(28, &[("acs-prod", 900)]),
            ]
            .into(),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let v = test(&history(600), Some(21), &TH, &[]);
        assert_eq!(v[0].status, VolumeStatus::Drop, "{v:?}");
        let v = test(&history(600), Some(28), &TH, &[]);
        assert_eq!(v.len(), 2);
        for v in &v {
            assert_eq!(
                (v.status, v.expected),
                (VolumeStatus::Drop, 2000.0),
                "{v:?}"
            );
        }
        // A day at 85% is no DROP: it stays in.
        let v = test(&history(1700), Some(28), &TH, &[]);
        assert_eq!(v[0].expected, 1925.0, "{v:?}");
        // Two DROP days left out, too few days remain: too little history, as for a key.
        let mut h = history(600);
        h.days.extend([
            day_of(-7, &[("acs-prod", 2000)]),
            day_of(14, &[("acs-prod", 500)]),
        ]);
        let v = test(&h, Some(28), &TH, &[]);
        assert_eq!(v[0].status, VolumeStatus::InsufficientHistory, "{v:?}");
    }

    /// The first scope leaves out a retired kind's records, but not streaming usage's, which
    /// a day's records never held; with a retired kind and a retired resource, whose records
    /// the history cannot tell apart, it stays `all` (taking out both would take their shared
    /// records out twice).
    #[test]
    fn all_but_retired_takes_out_what_it_held_once() {
        use super::super::history::ResourceDay;
        let mut history = History::default();
        for d in [0, 7, 14, 21, 28] {
            let mut a = DayAgg {
                day: d,
                partial: false,
                partial_why: None,
                exposure: 1600,
                keys: Default::default(),
                resources: BTreeMap::new(),
                kinds: BTreeMap::new(),
                key_kinds: HashMap::new(),
                callbacks_apart: false,
                short_for_all: false,
            };
            a.kinds.insert("operations".into(), 1000);
            a.kinds.insert("media_summary".into(), 600);
            a.kinds.insert("streaming".into(), 300);
            let r = |n| ResourceDay {
                exposure: n,
                ..Default::default()
            };
            a.resources.insert("acs-a".into(), r(1000));
            a.resources.insert("acs-old".into(), r(600));
            history.days.insert(d, a);
        }
        let first = |globs: &[&str]| {
            let globs: Vec<glob::Pattern> = globs
                .iter()
                .map(|g| crate::config::parse_resource(g).unwrap())
                .collect();
            let v = test(&history, Some(28), &TH, &globs).remove(0);
            (v.scope, v.count, v.expected)
        };
        // Streaming usage retired takes nothing out of the first scope: it is `all`, as is
        // the first scope of a glob that matches nothing (rev70a F8: `all but retired` of
        // all records, a typo taken without a word).
        assert_eq!(first(&["streaming"]), ("all".into(), 1600, 1600.0));
        assert_eq!(first(&["media-summary"]), ("all".into(), 1600, 1600.0));
        let globs = |g: &[&str]| -> Vec<glob::Pattern> {
            g.iter()
                .map(|g| crate::config::parse_resource(g).unwrap())
                .collect()
        };
        assert_eq!(
            retired_warnings(&history, Some(28), &globs(&["media-summary", "ACS-OLD", "streaming", "acs-gone*"])),
            [
                "--retired media-summary: no log kind or resource of 1970-01-29 or its baseline days matched it, so it retires nothing (kinds: media_summary, operations, streaming)",
                "--retired acs-gone*: no log kind or resource of 1970-01-29 or its baseline days matched it, so it retires nothing (kinds: media_summary, operations, streaming)",
            ]
        );
        assert!(retired_warnings(&history, None, &globs(&["x"])).is_empty());
        assert_eq!(
            retired_warnings(&history, Some(28), &globs(&["acs-old", "media_summary"])),
            ["--retired names both a log kind and a resource with records: the history cannot tell their records apart, so the first volume scope stays `all`"]
        );
        assert_eq!(
            first(&["media_summary"]),
            ("all but retired".into(), 1000, 1000.0)
        );
        assert_eq!(
            first(&["acs-old"]),
            ("all but retired".into(), 1000, 1000.0)
        );
        let both = first(&["acs-old", "media_summary"]);
        assert_eq!(both, ("all".into(), 1600, 1600.0));
    }

    /// `retired` never hides a scope that is not flagged.
    #[test]
    fn a_retired_resource_that_still_sends_is_tested_as_before() {
        let mut history = History::default();
        for d in [0, 7, 14, 21, 28] {
            let mut a = DayAgg {
                day: d,
                partial: false,
                partial_why: None,
                exposure: 100,
                keys: Default::default(),
                resources: BTreeMap::new(),
                kinds: BTreeMap::new(),
                key_kinds: HashMap::new(),
                callbacks_apart: false,
                short_for_all: false,
            };
            a.kinds.insert("operations".into(), 100);
            history.days.insert(d, a);
        }
        let glob = [crate::config::parse_resource("operations").unwrap()];
        let v = test(&history, Some(28), &TH, &glob);
        let ops = v.iter().find(|v| v.scope == "kind operations").unwrap();
        assert_eq!(ops.status, VolumeStatus::Normal);
    }
}
