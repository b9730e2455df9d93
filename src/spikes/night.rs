//! The night `report` tests: which UTC day, its spike and volume verdicts against the history,
//! and what the run is told about that choice.

use std::collections::BTreeMap;

use super::history::{self, DayAgg, History};
use super::volume::{self, VolumeVerdict};
use super::{
    day_not_whole, detect, detect_by_resource, is_over, report_day, window_day, SpikeReport,
    Thresholds,
};
use crate::aggregate::{Aggregator, Window};
use crate::time::{day_text, hour_text};

/// What a run asks of its night.
pub struct Asked<'a> {
    /// `--day`.
    pub day: Option<i64>,
    /// `--since` and `--until`.
    pub window: Window,
    pub thresholds: Thresholds,
    /// Each resource's keys against its own history (`--spikes-by resource`).
    pub by_resource: bool,
    /// `--retired` globs.
    pub retired: &'a [glob::Pattern],
    /// `--resource` globs.
    pub resources: &'a [glob::Pattern],
    /// A `--history` directory was given.
    pub stored: bool,
    /// The run's rejects exceed `--max-bad`: it read only part of its days.
    pub over_max_bad: bool,
}

/// The night tested.
pub struct Night {
    pub spikes: SpikeReport,
    pub volume: Vec<VolumeVerdict>,
    /// The input's days that replace the history's (for the history to store).
    pub taken: Vec<i64>,
    /// What the run is told about the choice of day and the tests.
    pub warnings: Vec<String>,
}

/// Tests the night of a run that kept `agg`, its days `input` merged into `history` (the
/// stored days of the resources the run keeps).
pub fn test(history: &mut History, input: History, agg: &Aggregator, asked: &Asked) -> Night {
    let mut warnings = Vec::new();
    if asked.stored {
        let ids = (asked.resources.iter()).filter(|p| p.as_str().contains('/'));
        warnings.extend(ids.map(|p| format!(
            "--resource {}: a glob over whole ids; the history holds resource names, so a resource it keeps that sent nothing is not tested",
            p.as_str()
        )));
    }
    // The report day: --day, else the last whole day of a window that ends, else the input's
    // last complete day.
    let forced = asked.day.or_else(|| window_day(&asked.window));
    let day = report_day(&input, forced).or_else(|| {
        // Not one record kept (the export stopped, or each kept resource's did) and no window
        // to name the day: the night after the history's last complete day (a few records
        // past midnight leave a partial stub after it), once over, whose volume test then
        // finds nothing where the baseline had records.
        let last = history.days.values().rev().find(|d| !d.partial);
        let next = last.map(|d| d.day + 1)?;
        let unwindowed = asked.window.since.is_none() && asked.window.until.is_none();
        (agg.accepted == 0 && unwindowed && is_over(next)).then(|| {
            warnings.push(format!(
                "no records kept: the volume and spike tests are for {}, the day after the history's last complete one",
                day_text(next)
            ));
            next
        })
    });
    // Records, and yet no day to test: said where cron's mail shows it, with the way out.
    if let (None, Some((from, to))) = (day, history::coverage(agg)) {
        warnings.push(format!(
            "no spike or volume test: the records cover {} to {} UTC, no whole UTC day; for a night whose last files are late, or a tenant quiet around midnight UTC, give the night as --since and --until (or --day)",
            hour_text(from),
            hour_text(to)
        ));
    }
    // The stored days the input's replace, as they were: what is stored is chosen after the
    // tests, which are of the input's days.
    let before: BTreeMap<i64, DayAgg> = (input.days.keys())
        .filter_map(|d| Some((*d, history.days.get(d)?.clone())))
        .collect();
    let taken = history.merge(input);
    let th = asked.thresholds;
    let spikes = if asked.by_resource {
        detect_by_resource(history, day, th)
    } else {
        detect(history, day, th)
    };
    // A --day the run does not hold whole: a day under way has no volume test (it would
    // compare part of a day with whole ones); a day that is over is tested, its shortfall
    // being the export's (stopped at noon, or missing), and said. The spike test compares
    // shares of the day's records.
    let not_whole = (asked.day.filter(|_| agg.accepted > 0))
        .and_then(|d| Some((d, day_not_whole(history, d)?)));
    let volume = match not_whole {
        Some((d, why)) if !is_over(d) => {
            warnings.push(format!("{why}, and it is not over: no volume test"));
            Vec::new()
        }
        not_whole => {
            warnings.extend(not_whole.map(|(_, why)| format!(
                "{why}: its volume test counts what the input holds of it, so a DROP or ZERO may be an export that stopped, or files left out"
            )));
            volume::test(history, day, &th, asked.retired)
        }
    };
    if !asked.retired.is_empty() && volume.first().is_some_and(|v| v.scope == "all") {
        warnings.push(
            "--retired names both a log kind and a resource with records: the history cannot tell their records apart, so the first volume scope stays `all`".to_string(),
        );
    }
    // What is stored, and said of it, when the history is written (not for some resources).
    let taken = match asked.stored && asked.resources.is_empty() {
        true => to_store(history, &before, taken, asked.over_max_bad, &mut warnings),
        false => taken,
    };
    Night {
        spikes,
        volume,
        taken,
        warnings,
    }
}

/// The days `taken` into `history` that are stored, over the stored days `before`. A run whose
/// rejects exceed --max-bad read only part of its days: it stores them as partial, never a
/// baseline, and does not replace a complete day (a re-run of a day from a damaged copy had
/// replaced the good day, and lowered four weeks of baselines). A complete day replaced by
/// one of fewer records is said: a re-run of a day replaces it, as it should once a doubled
/// export is fixed, but not without a word.
fn to_store(
    history: &mut History,
    before: &BTreeMap<i64, DayAgg>,
    taken: Vec<i64>,
    over_max_bad: bool,
    warnings: &mut Vec<String>,
) -> Vec<i64> {
    let mut store = Vec::new();
    let (mut partial, mut kept) = (Vec::new(), Vec::new());
    for day in taken {
        let (old, Some(new)) = (before.get(&day), history.days.get_mut(&day)) else {
            continue;
        };
        if !over_max_bad {
            warnings.extend(old.and_then(|old| History::fewer_records(old, new)));
        } else if let Some(old) = old.filter(|old| !old.partial) {
            kept.push(format!(
                "{} ({} records, not this run's {})",
                day_text(day),
                old.exposure,
                new.exposure
            ));
            continue;
        } else if !new.partial {
            new.partial = true;
            partial.push(day_text(day));
        }
        store.push(day);
    }
    let mut said = Vec::new();
    if !partial.is_empty() {
        said.push(format!(
            "the history stores {} as partial, never a baseline",
            partial.join(", ")
        ));
    }
    if !kept.is_empty() {
        said.push(format!("it keeps its complete {}", kept.join(", ")));
    }
    if !said.is_empty() {
        warnings.push(format!(
            "rejected records exceed --max-bad, so this run's days may not be whole: {}",
            said.join("; ")
        ));
    }
    store
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::time::parse_day;

    fn day(d: i64, partial: bool, records: u64) -> DayAgg {
        DayAgg {
            day: d,
            partial,
            exposure: records,
            keys: HashMap::from([((200, None), (records, 1))]),
            resources: BTreeMap::new(),
            kinds: BTreeMap::new(),
        }
    }

    /// A run over --max-bad stores its days as partial and keeps a complete stored day; a run
    /// within it replaces the stored day, and says so when the day has fewer records.
    #[test]
    fn a_run_over_max_bad_stores_partial_days_and_keeps_complete_ones() {
        let (d17, d24) = (
            parse_day("2026-11-17").unwrap(),
            parse_day("2026-11-24").unwrap(),
        );
        let before = BTreeMap::from([(d17, day(d17, false, 530))]);
        let merged = || History {
            days: BTreeMap::from([(d17, day(d17, false, 265)), (d24, day(d24, false, 590))]),
        };
        let (mut history, mut warnings) = (merged(), Vec::new());
        let stored = to_store(&mut history, &before, vec![d17, d24], true, &mut warnings);
        assert_eq!(stored, [d24]);
        assert!(history.days[&d24].partial);
        assert_eq!(
            warnings,
            ["rejected records exceed --max-bad, so this run's days may not be whole: the history stores 2026-11-24 as partial, never a baseline; it keeps its complete 2026-11-17 (530 records, not this run's 265)"]
        );
        let (mut history, mut warnings) = (merged(), Vec::new());
        let stored = to_store(&mut history, &before, vec![d17, d24], false, &mut warnings);
        assert_eq!(stored, [d17, d24]);
        assert!(!history.days[&d24].partial);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("history 2026-11-17: replaced by this run's 265 records, where the stored complete day had 530;"),
            "{warnings:?}"
        );
    }
}
