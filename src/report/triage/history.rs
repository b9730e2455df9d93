//! The subcode's days in the stored history ([`HistoryDays`]): its records and verdict on each
//! of the last [`HISTORY_DAYS`] days held, of the whole input or of one resource.

use super::*;

/// Days of the stored history a triage shows: the last so many to its last day.
pub const HISTORY_DAYS: i64 = 28;

/// The focused keys' daily counts as the stored history (`--history`) holds them: since when
/// the subcode occurs, and whether it is new, beyond the input's own days.
#[derive(Debug, Clone, Default)]
pub struct HistoryDays {
    /// The resource whose days they are; `None`: all records.
    pub resource: Option<String>,
    /// The days the history holds, and its first and last.
    pub held: usize,
    pub span: Option<(i64, i64)>,
    /// The days it holds of the last [`HISTORY_DAYS`] to its last day.
    pub days: Vec<HistoryDay>,
    /// Each focused key of any day it holds, in key order: its first day in the history, and
    /// its count on each of `days`.
    pub keys: Vec<(Key, i64, Vec<u64>)>,
    /// A resource's last day stored before callback records were counted under their calls'
    /// resources ([`crate::spikes::history::DayAgg::callbacks_apart`]): up to it, its days hold
    /// none of its callback records, which a callback key's counts of 0 would hide.
    pub apart_until: Option<i64>,
}

/// A day of [`HistoryDays`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistoryDay {
    pub day: i64,
    /// Stored partial ([`crate::spikes::history::DayAgg::partial`]).
    pub partial: bool,
    /// Stored whole but short for all records: some resources' records stopped before its end
    /// and made all records low or a DROP ([`crate::spikes::history::DayAgg::short_for_all`]),
    /// so it is no baseline of the spike test over all records.
    pub short: bool,
    /// The day's records.
    pub records: u64,
}

/// The days of `history` (the stored days, of the resources the run keeps) of the subcode
/// (under `code`, when given).
pub fn history_days(history: &History, subcode: u32, code: Option<u32>) -> HistoryDays {
    let focused = |k: &Key| k.1 == Some(subcode) && code.is_none_or(|c| c == k.0);
    let span = (history.days.keys().next().copied()).zip(history.days.keys().next_back().copied());
    let from = span.map_or(0, |(_, last)| last - (HISTORY_DAYS - 1));
    let recent: Vec<&crate::spikes::history::DayAgg> =
        history.days.range(from..).map(|(_, d)| d).collect();
    let mut first: BTreeMap<Key, i64> = BTreeMap::new();
    for d in history.days.values() {
        for k in d
            .keys
            .iter()
            .filter(|(k, v)| focused(k) && v.0 > 0)
            .map(|(k, _)| k)
        {
            first.entry(*k).or_insert(d.day);
        }
    }
    let keys = (first.into_iter())
        .map(|(k, day)| {
            let counts = (recent.iter()).map(|d| d.keys.get(&k).map_or(0, |v| v.0));
            (k, day, counts.collect())
        })
        .collect();
    HistoryDays {
        resource: None,
        held: history.days.len(),
        span,
        days: (recent.iter())
            .map(|d| HistoryDay {
                day: d.day,
                partial: d.partial,
                short: d.short_for_all,
                records: d.exposure,
            })
            .collect(),
        keys,
        // Said only of a `--resource` run's days ([`History::for_resources`]).
        apart_until: (history.days.values().rev())
            .find(|d| d.callbacks_apart)
            .map(|d| d.day),
    }
}

/// [`history_days`] of each resource `history` names, as `--spikes-by resource` tests them:
/// the resource's records and keys on the days it has.
pub fn history_days_by_resource(
    history: &History,
    subcode: u32,
    code: Option<u32>,
) -> Vec<HistoryDays> {
    (history.resources().into_iter())
        .map(|name| {
            let of = history.for_resource(&name);
            let mut h = history_days(&of, subcode, code);
            h.resource = Some(name);
            h.apart_until = (of.days.values().rev())
                .find(|d| d.callbacks_apart)
                .map(|d| d.day);
            h
        })
        .collect()
}

impl HistoryDays {
    /// The days shown, a row each: the day (marked when partial, or short for all records, as
    /// `report`'s notes name such a day), its records, and each key's count.
    pub fn table(&self) -> Table {
        let mut t = Table::new(&[("day", Col::Text), ("records", Col::Number)]);
        let names = (self.keys.iter()).map(|(k, _, _)| Name::from(key_label(k.0, k.1)));
        t.columns.extend(names.map(|n| (n, Col::Number)));
        for (i, d) in self.days.iter().enumerate() {
            let apart = match self.apart_until.is_some_and(|last| d.day <= last) {
                true => " (callbacks apart)",
                false => "",
            };
            let mark = match (d.partial, d.short) {
                (true, _) => " (partial)",
                (false, true) => " (short)",
                (false, false) => "",
            };
            let day = format!("{}{mark}{apart}", crate::time::day_text(d.day));
            let mut r = row![day, d.records];
            r.extend((self.keys.iter()).map(|(_, _, counts)| counts[i].into()));
            t.push(r);
        }
        t
    }
}
