//! The night `report` tests: which UTC day, its spike and volume verdicts against the history,
//! and what the run is told about that choice.

use super::history::{self, History};
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
    Night {
        spikes,
        volume,
        taken,
        warnings,
    }
}
