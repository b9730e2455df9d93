//! The night `report` tests: which UTC day, its spike and volume verdicts against the history,
//! and what the run is told about that choice; and the day of `triage`'s verdict, chosen
//! beside it.

use std::collections::BTreeMap;

use super::history::{self, DayAgg, History, PartialWhy, FUTURE_SKEW};
use super::volume::{self, VolumeVerdict};
use super::{
    day_not_whole, detect, detect_by_resource, is_over, later_part_day, now, report_day,
    window_day, SpikeReport, Thresholds,
};
use crate::aggregate::{Aggregator, Window};
use crate::ingest::FilesDays;
use crate::time::{clock_text, day_text, hour_text, minute_text, DAY};

/// What a run asks of its night.
pub struct Asked<'a> {
    /// `--day`.
    pub day: Option<i64>,
    /// `--since` and `--until`.
    pub window: Window,
    pub thresholds: Thresholds,
    /// `--volume-low-ratio`.
    pub volume_low_ratio: f64,
    /// Each resource's keys against its own history (`--spikes-by resource`).
    pub by_resource: bool,
    /// `--retired` globs.
    pub retired: &'a [glob::Pattern],
    /// `--resource` globs.
    pub resources: &'a [glob::Pattern],
    /// A `--history` directory was given.
    pub stored: bool,
    /// The run's rejects exceed `--max-bad`, (rejected, read): it read only part of its days.
    pub over_max_bad: Option<(u64, u64)>,
    /// Input files that look like copies of others read too, with the days of their records:
    /// the same export read twice, whose days are counted twice.
    pub copied: Option<&'a FilesDays>,
    /// Input files whose dates were read in a guessed day/month order, with the days of their
    /// records: days the guess may have made up.
    pub guessed: Option<&'a FilesDays>,
}

impl Asked<'_> {
    /// Why the run's `day` may not be whole, whatever its records: its rejects exceed
    /// --max-bad (every day: a day read in part is not whole, however it was read), or its
    /// records there are from files of a guessed day/month order (3 November read as 11
    /// March makes a day up), or from copies of other inputs (counted twice). The first that
    /// holds: its fix comes first.
    fn doubt(&self, day: i64) -> Option<PartialWhy> {
        if let Some((rejected, read)) = self.over_max_bad {
            return Some(PartialWhy::Rejects { rejected, read });
        }
        // The files with records on the day, and those records; all of them, when a file's
        // days were too many to keep each (said so: `spread`).
        let on = |f: &FilesDays| match &f.days {
            Some(days) => days
                .get(&day)
                .map(|&(files, records)| (files, records, false)),
            None => Some((f.files, f.records, true)),
        };
        if let Some((files, records, spread)) = self.guessed.and_then(on) {
            return Some(PartialWhy::Guessed {
                files,
                records,
                spread,
            });
        }
        let (files, records, spread) = self.copied.and_then(on)?;
        Some(PartialWhy::Copies {
            files,
            records,
            spread,
        })
    }
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
pub fn test(history: &mut History, mut input: History, agg: &Aggregator, asked: &Asked) -> Night {
    let mut warnings = Vec::new();
    if asked.stored {
        let ids = (asked.resources.iter()).filter(|p| p.as_str().contains('/'));
        warnings.extend(ids.map(|p| format!(
            "--resource {}: a glob over whole ids; the history holds resource names, so a resource it keeps that sent nothing is not tested",
            p.as_str()
        )));
    }
    let now = now();
    against_the_clock(history, &mut input, agg, asked.stored, now, &mut warnings);
    let (day, no_day) = night_day(history, &input, agg, asked, now, &mut warnings);
    // The stored days the input's replace, as they were: what is stored is chosen after the
    // tests, which are of the input's days.
    let before: BTreeMap<i64, DayAgg> = (input.days.keys())
        .filter_map(|d| Some((*d, history.days.get(d)?.clone())))
        .collect();
    let held = day.filter(|d| !input.days.contains_key(d) && history.days.contains_key(d));
    // The records of each of the input's days, said of a day the history keeps over it.
    let records: BTreeMap<i64, u64> = (input.days.iter()).map(|(d, a)| (*d, a.exposure)).collect();
    // The stored day is put back before the history is written.
    let (taken, kept) = merge_tested(history, input, day);
    // The input's days the history keeps its stored day over, less the day tested in its place
    // (said above).
    let kept_out: Vec<(i64, u64)> = (records.into_iter())
        .filter(|(d, _)| !taken.contains(d) && kept.as_ref().is_none_or(|k| k.day != *d))
        .collect();
    if let Some(stored) = &kept {
        warnings.push(format!(
            "{}: the spike and volume tests and every table count this run's records, as they would with no copy stored",
            kept_said(history, stored)
        ));
    }
    // A --day the input holds no record of, that the history holds: its tests are the stored
    // day's, and nothing else of the page is.
    if let Some(d) = held.and_then(|d| history.days.get(&d)) {
        warnings.push(format!(
            "--day {}: the input holds none of its records, so its spike and volume tests are of the history's stored day ({} records); the tables count the input's records",
            day_text(d.day),
            d.exposure
        ));
    }
    let th = asked.thresholds;
    let mut spikes = if asked.by_resource {
        detect_by_resource(history, day, th)
    } else {
        detect(history, day, th)
    };
    // Without a day, the pages say why as stderr does (not the records' hours of a window
    // given, nor of an input that holds no record).
    if day.is_none() {
        let empty = match agg.read() {
            0 => "No spike test: the input holds no record",
            _ => "No spike test: not one record was accepted",
        };
        spikes.note = no_day
            .or_else(|| (agg.accepted == 0).then(|| empty.to_string()))
            .or(spikes.note);
    }
    // Where a flagged key's records of the night are, as the run counted them (callback records
    // under their call's resource), with or without the history's days by resource.
    for v in spikes.flagged.iter_mut().filter(|v| v.resource.is_none()) {
        if let Some(split) = super::night_split(agg, v.day, v.key, v.count) {
            v.by_resource = Some(split);
        }
        v.target = super::night_target(agg, v.day, v.key);
    }
    spikes.resource_baselines =
        day.map_or_else(Default::default, |d| super::resource_baselines(history, d));
    let volume = volume_test(history, day, agg, asked, now, &mut warnings);
    spikes.partial_baseline = day.and_then(|d| super::partial_baseline(history, d));
    spikes.baseline_left_out = day.and_then(|d| super::baseline_left_out(history, d));
    spikes.volume_untested =
        day.map_or_else(Vec::new, |d| volume::untested_said(history, d, &volume));
    spikes.stored_day = held.is_some();
    if let Some(stored) = kept {
        history.days.insert(stored.day, stored);
    }
    // What is stored, and said of it, when the history is written (not for some resources).
    let taken = match asked.stored && asked.resources.is_empty() {
        true => {
            warnings.extend(short_kept(&before, &kept_out));
            let begun = begun_days(taken, now, &mut warnings);
            let whole = stopped_short(history, &before, begun, &volume, &mut warnings);
            resources_stopped_short(history, &before, &whole, &volume, &mut warnings);
            let whole = short_for_all(history, &before, whole, &volume, asked, &mut warnings);
            let store = to_store(history, &before, whole, asked, &mut warnings);
            // A day stored as it is already (a re-run over the same archives, a backfill run
            // again) is not encoded and compared with its file again: it would change nothing.
            let same = |d: &i64| {
                (before.get(d).zip(history.days.get(d)))
                    .is_some_and(|(old, new)| old.stored_alike(new))
            };
            store.into_iter().filter(|d| !same(d)).collect()
        }
        false => taken,
    };
    Night {
        spikes,
        volume,
        taken,
        warnings,
    }
}

/// A copy of the input's `day`, the night tested, when the history keeps its stored complete
/// day over it ([`History::keeps_stored`]), to be tested in its place: only then, as the night
/// of an input of made-up keys by the hundred thousand is its largest table (rev64b F5: 64 MB).
fn own_day(history: &History, input: &History, day: Option<i64>) -> Option<DayAgg> {
    let d = day?;
    (input.days.get(&d))
        .filter(|own| history.keeps_stored(d, own))
        .cloned()
}

/// Merges the input's days into `history` for the tests of `day`, the run's own part of it
/// tested where the history keeps a complete copy of it (an export that stopped, re-run; a
/// --day window of part of the day), which [`History::merge`] keeps: the tests are of the
/// run's records, as with no copy stored or with --since and --until naming the day. The
/// days taken, and the stored copy set aside (for `report` to put back before the history is
/// written).
pub fn merge_tested(
    history: &mut History,
    input: History,
    day: Option<i64>,
) -> (Vec<i64>, Option<DayAgg>) {
    let own = own_day(history, &input, day);
    let taken = history.merge(input);
    let kept =
        (own.filter(|d| !taken.contains(&d.day))).and_then(|own| history.days.insert(own.day, own));
    (taken, kept)
}

/// What is said of the complete day `stored` set aside by [`merge_tested`] for the run's part
/// of it, which `history` holds in its place.
pub fn kept_said(history: &History, stored: &DayAgg) -> String {
    let records = history.days.get(&stored.day).map_or(0, |d| d.exposure);
    // A day a night read whole and stored partial (its export stopped) is kept too.
    let what = match stored.partial {
        true => "stored partial",
        false => "complete",
    };
    format!(
        "the history keeps its {what} {} ({} records, not this run's {records}, which cover part of it)",
        day_text(stored.day),
        stored.exposure
    )
}

/// What is said of the stored days `before` that are short (stored partial for an export that
/// stopped, over --max-bad or copies, or complete with some resources' records stopped before
/// its end) and kept over a stub of the run's records of them, `kept_out` (each with its
/// records): late files of such a day, read the next night, are not added to it (the history
/// cannot tell which of their records it holds already), and were left out without a word
/// (fix70a); a re-run of that night with all its files replaces it. One line, naming the
/// first [`DAYS_NAMED`] days.
fn short_kept(before: &BTreeMap<i64, DayAgg>, kept_out: &[(i64, u64)]) -> Option<String> {
    let days: Vec<String> = (kept_out.iter())
        .filter_map(|&(d, records)| {
            let old = before.get(&d)?;
            let stopped: Vec<&str> = (old.resources.iter())
                .filter(|(_, r)| r.partial)
                .map(|(name, _)| name.as_str())
                .collect();
            let why = match (old.partial, old.partial_why) {
                (true, Some(PartialWhy::Rejects { .. })) => {
                    "stored partial: its rejects exceeded --max-bad".to_string()
                }
                (true, Some(PartialWhy::Copies { .. })) => {
                    "stored partial: it read copies of other inputs".to_string()
                }
                (true, _) => "stored partial: its records stop before its end".to_string(),
                (false, _) if !stopped.is_empty() => {
                    let more = match stopped.len().saturating_sub(super::UNTESTED_NAMED) {
                        0 => String::new(),
                        n => format!(" and {n} more"),
                    };
                    let names = stopped[..stopped.len().min(super::UNTESTED_NAMED)].join(", ");
                    format!("the records of {names}{more} stop before its end")
                }
                (false, _) if old.short_for_all => "short for all records".to_string(),
                (false, _) => return None,
            };
            Some(format!(
                "{} ({} records, {why}; not this run's {records}, which do not cover it)",
                day_text(d),
                old.exposure
            ))
        })
        .collect();
    let (as_it_was, them) = match days.len() {
        0 => return None,
        1 => ("as it was", "it"),
        _ => ("as they were", "them"),
    };
    Some(format!(
        "the history keeps its stored {} {as_it_was}, without this run's records of {them}: late files of a day stored short are not merged into it, as the history cannot tell them from the records it holds; a re-run of that night with all its files replaces the day",
        listed(&days)
    ))
}

/// Records and stored days dated past the clock (`now`, seconds since the epoch): a mis-dated
/// export (or a wrong clock), whose day would be stored as a complete day not yet begun. A day
/// of `input` not over is not whole, whatever its span; days after today that `history` holds
/// (stored before this) are said.
fn against_the_clock(
    history: &History,
    input: &mut History,
    agg: &Aggregator,
    stored: bool,
    now: i64,
    warnings: &mut Vec<String>,
) {
    if let Some(last) = history::last_record(agg).filter(|&t| t > now + FUTURE_SKEW) {
        let stored = match stored {
            true => {
                ", and the history stores today as partial (never a baseline) and no day after it"
            }
            false => "",
        };
        warnings.push(format!(
            "the input holds records dated after the clock: the last at {} UTC, now {} UTC (a mis-dated export, or a wrong clock?); a day not yet over is not a whole day{stored}",
            time_text(last),
            time_text(now)
        ));
    }
    for d in input.days.values_mut().filter(|d| !is_over(d.day)) {
        d.partial = true;
        d.partial_why = Some(PartialWhy::NotOver);
    }
    let ahead: Vec<String> = (history.days.range(now.div_euclid(DAY) + 1..))
        .map(|(&d, _)| day_text(d))
        .collect();
    if !ahead.is_empty() {
        warnings.push(format!(
            "the history holds days after today, {}: records dated in the future were stored; an empty night is tested after the last complete day that is over, and their files are best removed",
            ahead.join(", ")
        ));
    }
}

/// The days of `taken` that have begun by the clock (`now`, seconds since the epoch), to be
/// stored: a day after today holds records of a mis-dated export (or the clock is wrong), and
/// cannot be whole; stored, each would be a file (a century of days one a day, each written
/// and synced) that every later run names as after today. One warning says how many are not
/// stored, and their range.
fn begun_days(taken: Vec<i64>, now: i64, warnings: &mut Vec<String>) -> Vec<i64> {
    let today = now.div_euclid(DAY);
    let (begun, ahead): (Vec<i64>, Vec<i64>) = taken.into_iter().partition(|&d| d <= today);
    if let (Some(&first), Some(&last)) = (ahead.iter().min(), ahead.iter().max()) {
        let days = match ahead.len() {
            1 => format!("1 day after today, {}", day_text(first)),
            n => format!(
                "{n} days after today, {} to {}",
                day_text(first),
                day_text(last)
            ),
        };
        warnings.push(format!(
            "the history does not store the input's {days}: records dated in the future (a mis-dated export, or a wrong clock?) make no whole day"
        ));
    }
    begun
}

/// The volume test of `day` over `history` (the input's days merged in). A --day the run does
/// not hold whole: a day under way has no volume test (it would compare part of a day with
/// whole ones); a day that is over is tested, its shortfall being the export's (stopped at
/// noon, or missing), and said. (The spike test compares shares of the day's records.)
fn volume_test(
    history: &History,
    day: Option<i64>,
    agg: &Aggregator,
    asked: &Asked,
    now: i64,
    warnings: &mut Vec<String>,
) -> Vec<VolumeVerdict> {
    let not_whole = (asked.day.filter(|_| agg.accepted > 0))
        .and_then(|d| Some((d, day_not_whole(history, d)?)));
    let volume = match not_whole {
        Some((d, why)) if !is_over(d) => {
            warnings.push(format!("{why}, and it is not over: no volume test"));
            return Vec::new();
        }
        not_whole => {
            warnings.extend(not_whole.map(|(_, why)| format!(
                "{why}: its volume test counts what the input holds of it, so a DROP or ZERO may be an export that stopped, or files left out"
            )));
            let bar = volume::Bar::new(&asked.thresholds, asked.volume_low_ratio);
            let mut volume = volume::test(history, day, &bar, asked.retired);
            warnings.extend(volume::retired_warnings(history, day, asked.retired));
            if let Some(d) = day {
                // A resource's day of joined callback records alone has no last record of its
                // own, and is not judged cut (it would read as stopping at 00:00). Read only when
                // a resource is a DROP or low: a map of every resource's last record is 9 MB
                // for an export of made-up resource ids by the hundred thousand (rev64b F5).
                let asked_where = volume.iter().any(|v| {
                    v.scope.starts_with("resource ")
                        && matches!(
                            v.status,
                            volume::VolumeStatus::Drop | volume::VolumeStatus::Low
                        )
                });
                let last = (agg.by_day_of_resource.range((d, 0)..(d + 1, 0)))
                    .filter(|_| asked_where)
                    .filter_map(|(&(_, r), &(_, s))| {
                        Some((agg.resources.name(r), d * DAY + i64::from(s?)))
                    })
                    .collect();
                // A window that ends within the day cut the records, not the export.
                let cut = (asked.window.until).is_some_and(|u| u.timestamp() < (d + 1) * DAY);
                let input_last = history::last_dated(agg, now).filter(|_| !cut);
                volume::say_where_records_stop(&mut volume, &last, input_last);
            }
            volume
        }
    };
    volume
}

/// The day `report` tests: `--day`, else the last whole day of a window that ends, else the
/// input's last complete day, else the input's last day when its records begin with it and
/// stop before its end ([`stopped_day`]); with not one record kept and no window, the empty
/// night after the history's last complete day ([`empty_night`]). Records without a day to
/// test are said, with the way out, which is also given back for the pages' note.
fn night_day(
    history: &History,
    input: &History,
    agg: &Aggregator,
    asked: &Asked,
    now: i64,
    warnings: &mut Vec<String>,
) -> (Option<i64>, Option<String>) {
    let forced = asked.day.or_else(|| window_day(&asked.window));
    let day = report_day(input, forced)
        .or_else(|| {
            let (day, last) =
                stopped_day(input, agg, now).filter(|_| asked.window.until.is_none())?;
            warnings.push(format!(
                "the input's records stop at {} UTC, before the day's end: the night tested is {}, and its volume test counts what the input holds of it, so a DROP or low may be an export that stopped, or files left out or late (a re-run with them replaces the day)",
                time_text(last),
                day_text(day)
            ));
            Some(day)
        })
        .or_else(|| {
            // Not one record kept (the export stopped, or each kept resource's did) and no window
            // to name the day.
            let unwindowed = asked.window.since.is_none() && asked.window.until.is_none();
            (agg.accepted == 0 && unwindowed).then_some(())?;
            empty_night(history, now, asked.stored, warnings)
        });
    // Said where cron's mail shows it.
    let windowed = asked.window.since.is_some() || asked.window.until.is_some();
    let (None, Some(span)) = (day, history::coverage(agg, now)) else {
        return (day, None);
    };
    let why = |what: &str| {
        if history::last_dated(agg, now).is_none() {
            after_the_clock(what, &asked.window, span, now)
        } else if span.1 > now.div_euclid(DAY) * DAY {
            // Records or a window that reach into today: a whole UTC day in the making, not
            // one that is not whole.
            not_over_yet(what, &asked.window, span, now)
        } else if windowed {
            no_whole_window_day(what, &asked.window, span)
        } else {
            format!(
                "{what}: the records cover {} to {} UTC, no whole UTC day; for a night whose records begin after midnight UTC (a tenant quiet around midnight, or the night's first files missing), give the night as --since and --until (or --day)",
                hour_text(span.0),
                hour_text(span.1)
            )
        }
    };
    warnings.push(why("no spike or volume test"));
    (day, Some(why("No spike test")))
}

/// Why records or a window that reach into today (`span`, seconds since the epoch) have no day
/// to test, after `what` is not done: a day not yet over by the clock (`now`) is
/// never a whole day, however much of it the records or the window cover.
fn not_over_yet(what: &str, window: &Window, (from, to): (i64, i64), now: i64) -> String {
    let cover = covered_by(window);
    let day = day_text(now.div_euclid(DAY));
    format!(
        "{what}: {cover} {} to {} UTC, and {day} is not over yet (it is {} UTC): a day is tested once it is over; --day {day} tests its spikes so far",
        minute_text(from),
        minute_text(to),
        clock_text(now)
    )
}

/// Why records all dated after the clock (`now`, seconds since the epoch, plus its
/// [`FUTURE_SKEW`]) covering `span` have no day to test, after `what` is not done: none of
/// their days has begun, so no `--day` can help; the export's dates or the clock are wrong.
/// (They had been told that today is not over, with `--day <today>`, a day that holds none of
/// them: rev71a F9.)
fn after_the_clock(what: &str, window: &Window, (from, to): (i64, i64), now: i64) -> String {
    let cover = covered_by(window);
    format!(
        "{what}: {cover} {} to {} UTC, and every record is dated after the clock (it is {} UTC): a mis-dated export (its exporter's clock or time zone), or a wrong clock here; a day is tested once it is over",
        minute_text(from),
        minute_text(to),
        time_text(now)
    )
}

/// What covers a span of the night's test, said as the user gave it: the window's flags, one
/// of them and the records on its other side, or the records alone.
fn covered_by(window: &Window) -> &'static str {
    match (window.since.is_some(), window.until.is_some()) {
        (true, false) => "--since and the records after it cover",
        (false, true) => "--until and the records before it cover",
        (true, true) => "--since and --until cover",
        (false, false) => "the records cover",
    }
}

/// Why a window (`--since`, `--until`) covering `span` (seconds since the epoch) has no day
/// to test, after `what` is not done: it holds no whole UTC day. A window of one flag is said
/// as such: the span's other end is the records', not one the user gave.
fn no_whole_window_day(what: &str, window: &Window, (from, to): (i64, i64)) -> String {
    let cover = covered_by(window);
    let give = match window.since.is_some() && window.until.is_some() {
        true => "give them",
        false => "give --since and --until",
    };
    format!(
        "{what}: {cover} {} to {} UTC, no whole UTC day; {give} a whole UTC day, or --day to test what they hold of it",
        minute_text(from),
        minute_text(to)
    )
}

/// The input's last day, with its last record (seconds since the epoch), when the input holds no
/// whole day (and no `--until` names one), its records begin with that day (or before it) and
/// stop before its end, and the day is over by the clock (`now`): a night whose export stopped
/// at 14:00, every resource alike. Records dated after the clock are left out
/// ([`history::last_dated`]): one dated tomorrow does not make the night run on. It is the
/// night, tested as a `--day` that is over is: against whole days, so that its volume test
/// counts what the input holds of it, and the line of all records says where they stop. (A
/// baseline cut to the hours covered would call a region down since 14:00 normal, as it would
/// the export; the history keeps whole days, not hours.) Records that begin after midnight (a
/// tenant quiet around midnight UTC) are not such a night: the warning of [`night_day`] gives
/// the way out.
fn stopped_day(input: &History, agg: &Aggregator, now: i64) -> Option<(i64, i64)> {
    let (from, _) = history::coverage(agg, now)?;
    let last = history::last_dated(agg, now)?;
    let day = last.div_euclid(DAY);
    if from > day * DAY || (day + 1) * DAY > now || !input.days.contains_key(&day) {
        return None;
    }
    Some((day, last))
}

/// The day of `triage`'s spike verdict, and what its reader is told about it.
pub struct VerdictDay {
    /// The day, when there is one to test.
    pub day: Option<i64>,
    /// Notes beside the verdict, in the order said; each is a warning too.
    pub notes: Vec<String>,
    /// Why there is no day, when a window names none: said in place of the verdict's note.
    pub why_none: Option<String>,
}

/// The day `triage` gives its spike verdict for, from the input's days `input` and the
/// `stored` history (of the resources the run keeps, before the input's days are merged in);
/// `day` is `--day`, `agg` what the run kept.
///
/// The first rules are `report`'s ([`test()`]): `--day`, else the last whole day of a window that
/// ends, else the input's last complete day, else (without `--until`) the input's last day
/// when its records begin with it and stop before its end, once it is over ([`stopped_day`]:
/// an export that stopped). When the input holds no such day (no input, or an incident under
/// way since midnight), `triage` answers for the stored history's last night (its last day
/// read whole, [`DayAgg::read_whole`]: complete, or partial for an export that stopped, and
/// said so), where `report` tests the day after it as an empty night. The two
/// differ because they answer different questions: `report` runs each night on the night just
/// exported, so a night without records is itself the finding (its volume test finds
/// nothing); `triage` is asked about one subcode at any hour, and the last day known whole is
/// the one it can judge.
///
/// Read alone, "not flagged" is taken for today's answer, so the notes say when the verdict is
/// for a day before the input's last, which is only part of a day; when `--day` names a day
/// of which nothing is known; and, without a history, that the baseline is the input's own
/// earlier days.
pub fn verdict_day(
    input: &History,
    stored: &History,
    agg: &Aggregator,
    day: Option<i64>,
    window: &Window,
    has_history: bool,
) -> VerdictDay {
    let forced = day.or_else(|| window_day(window));
    // A stored day is taken only where the window holds it whole, as `report` takes its day
    // from the window: a day before `--since` is not the one asked about.
    let within = |d: &DayAgg| {
        let starts = window.since.is_none_or(|s| s.timestamp() <= d.day * DAY);
        starts
            && window
                .until
                .is_none_or(|u| (d.day + 1) * DAY <= u.timestamp())
    };
    // The history's last night, as `report` takes it before an empty night: a day stored
    // complete, or one a night read whole and stored partial (its export stopped, over
    // --max-bad, copies), whose spike test that night was of the records stored; not a stub of
    // late records, a day not over, nor one a guessed date order may have made up (rev69b T12:
    // a night whose export stopped was passed over for the week before it, unsaid).
    let last_stored = stored
        .days
        .values()
        .rev()
        .find(|d| d.read_whole() && within(d));
    let stopped = (report_day(input, forced).is_none() && window.until.is_none())
        .then(|| stopped_day(input, agg, now()))
        .flatten();
    let chosen = (report_day(input, forced))
        .or(stopped.map(|(d, _)| d))
        .or(last_stored.map(|d| d.day));
    // A stored partial day answered for is said so, with its cause.
    let night = (last_stored.filter(|d| d.partial && chosen == Some(d.day)))
        .map(|d| format!(
            "{}, the history's last night, is stored as partial ({}): the verdict counts the records it holds of it, as report tested that night",
            day_text(d.day),
            match d.partial_why {
                Some(PartialWhy::Rejects { .. }) => "its rejects exceeded --max-bad",
                Some(PartialWhy::Copies { .. }) => "it read copies of other inputs",
                _ => "its records stop before the day's end: an export that stopped",
            }
        ));
    let stopped = stopped.map(|(d, last)| format!(
        "the input's records stop at {} UTC, before the day's end: the verdict is for {}, over the records the input holds of it, as report tests that night",
        time_text(last),
        day_text(d)
    ));
    // A --day the input holds none of, that the history holds: its stored day is tested, as
    // `report` tests it.
    let held = (day.filter(|_| agg.accepted > 0))
        .filter(|d| !input.days.contains_key(d))
        .and_then(|d| stored.days.get(&d))
        .map(|d| format!(
            "--day {}: the input holds none of its records, so the verdict is of the history's stored day ({} records)",
            day_text(d.day),
            d.exposure
        ));
    let windowed = window.since.is_some() || window.until.is_some();
    // The records' span, or without records (triage of the history alone) the window's.
    let window_span = || Some((window.since?.timestamp(), window.until?.timestamp()));
    let why_none = (chosen.is_none() && windowed)
        .then(|| history::coverage(agg, now()).or_else(window_span))
        .flatten()
        .map(|span| no_whole_window_day("no spike verdict", window, span));
    let later = (chosen.filter(|_| forced.is_none()))
        .and_then(|d| later_part_day(input, d, history::last_record(agg)));
    let known = |d: &i64| input.days.contains_key(d) || stored.days.contains_key(d);
    let unknown = (day.filter(|_| agg.accepted > 0))
        .filter(|d| !known(d))
        .and_then(|d| day_not_whole(stored, d));
    // Without a history, "not tested" is for want of one, not of days in it; and a verdict,
    // flagged or not, stands on the input's own days alone.
    let no_history = (!has_history).then(|| {
        "no --history given: the baseline is the input's own earlier days; pass the directory that report --history keeps".to_string()
    });
    VerdictDay {
        day: chosen,
        notes: [stopped, night, later.or(unknown).or(held), no_history]
            .into_iter()
            .flatten()
            .collect(),
        why_none,
    }
}

impl VerdictDay {
    /// The verdict's `note` with these notes after it, each a sentence that starts with a
    /// capital (as warnings, they start lowercase as stderr's others do).
    pub fn noted(&self, note: Option<String>) -> Option<String> {
        let note = match &self.why_none {
            Some(why) => {
                let mut sentence = why.clone();
                sentence[..1].make_ascii_uppercase();
                Some(format!("{sentence}."))
            }
            None => note,
        };
        self.notes.iter().fold(note, |note, n| {
            let mut sentence = n.clone();
            sentence[..1].make_ascii_uppercase();
            Some(match note {
                Some(v) => format!("{}. {sentence}.", v.trim_end_matches('.')),
                None => format!("{sentence}."),
            })
        })
    }
}

/// A time (seconds since the epoch) as `YYYY-MM-DD HH:MM`, in UTC.
fn time_text(t: i64) -> String {
    format!("{} {}", day_text(t.div_euclid(DAY)), clock_text(t))
}

/// The day a night of no records is tested as: the day after the history's last complete day
/// that is over by the clock (`now`, seconds since the epoch), once that day is over too,
/// whose volume test then finds nothing where the baseline had records. A few records past
/// midnight leave a partial stub after it; a complete day after today is a mis-dated export's,
/// passed over so that every empty night before it is still tested. When there is no such day,
/// a warning says why (with a history to look in).
fn empty_night(
    history: &History,
    now: i64,
    stored: bool,
    warnings: &mut Vec<String>,
) -> Option<i64> {
    let over = |day: i64| (day + 1) * DAY <= now;
    let last = history
        .days
        .values()
        .rev()
        .find(|d| d.read_whole() && over(d.day));
    let Some(last) = last else {
        if stored {
            warnings.push("no records kept, and the history holds no complete day before today: no volume or spike test".to_string());
        }
        return None;
    };
    let next = last.day + 1;
    // A day stored partial that a night read whole (its export cut at 14:00) is said so.
    let after = match last.partial {
        false => "the history's last complete one".to_string(),
        true => format!(
            "the history's last night, {}, which it stores as partial",
            day_text(last.day)
        ),
    };
    if !over(next) {
        warnings.push(format!(
            "no records kept: no volume or spike test, as {}, the day after {after}, is not over; run once it is",
            day_text(next)
        ));
        return None;
    }
    warnings.push(format!(
        "no records kept: the volume and spike tests are for {}, the day after {after}",
        day_text(next)
    ));
    Some(next)
}

/// `a DROP` or `low`: how a scope's short count is said.
fn drop_or_low(status: volume::VolumeStatus) -> &'static str {
    match status {
        volume::VolumeStatus::Drop => "a DROP",
        _ => "low",
    }
}

/// Keeps the stored complete day `old` in place of the night's short `new` (not stored
/// again), saying why.
fn keep_complete(
    old: &DayAgg,
    new: &mut DayAgg,
    taken: &mut Vec<i64>,
    why: &str,
    warnings: &mut Vec<String>,
) {
    warnings.push(format!(
        "the history keeps its complete {} ({} records, not this run's {}): {why}",
        day_text(old.day),
        old.exposure,
        new.exposure
    ));
    *new = old.clone();
    taken.retain(|&d| d != old.day);
}

/// The days of `taken` to store, less a tested day that a window names whole but whose records
/// stop early while its volume test finds all records DROP or low ([`volume::say_where_records_stop`]):
/// an export cut at 14:00, given with `--since` and `--until` (or a window that ends after the
/// day), would be stored as a whole day, and its short count would lower the volume baseline
/// of its weekday for four weeks, and the spike exposures of its keys. It is stored as partial,
/// never a baseline, as the same export given without a window is; over a complete day the
/// history holds, that day is kept. A night whose records always stop early (a tenant quiet in
/// the evening) is within its usual range and stored whole.
fn stopped_short(
    history: &mut History,
    before: &BTreeMap<i64, DayAgg>,
    mut taken: Vec<i64>,
    volume: &[VolumeVerdict],
    warnings: &mut Vec<String>,
) -> Vec<i64> {
    let all = volume
        .iter()
        .find(|v| matches!(v.scope.as_str(), "all" | "all but retired"));
    let Some((v, at)) = all.and_then(|v| Some((v, v.stops.as_ref()?.0))) else {
        return taken;
    };
    let Some(new) = (history.days.get_mut(&v.day)).filter(|d| !d.partial && taken.contains(&d.day))
    else {
        return taken;
    };
    let why = format!(
        "its records stop at {} UTC, before the day's end, and {} records are {} ({:.0}% of the expected): an export that stopped, or files left out or late, whose short count would lower the baseline of the weeks to come",
        clock_text(at),
        v.scope,
        drop_or_low(v.status),
        v.ratio * 100.0
    );
    match before.get(&v.day).filter(|old| !old.partial) {
        Some(old) => keep_complete(old, new, &mut taken, &why, warnings),
        None => {
            new.partial = true;
            new.partial_why = Some(PartialWhy::Stopped);
            warnings.push(format!(
                "the history stores {} as partial, never a baseline: {why} (a re-run with them replaces the day)",
                day_text(v.day)
            ));
        }
    }
    taken
}

/// Marks partial, among the days `taken` into `history`, the day of each resource whose
/// records stop early while its volume test finds it a DROP or low, on a day stored whole
/// ([`volume::say_where_records_stop`]: more than an hour before the day's end, while another
/// resource's run at least an hour later): acs-prod's export cut at 14:00 while acs-stage's
/// runs the whole day would be stored whole, and its short count would lower acs-prod's
/// expected records, and the exposures of its keys, for four weeks. It is never that
/// resource's baseline ([`History::for_resource`], the volume test, the usual rate), as
/// [`stopped_short`] makes a whole day partial; over a complete day of the resource the
/// history holds, that day of it is kept.
fn resources_stopped_short(
    history: &mut History,
    before: &BTreeMap<i64, DayAgg>,
    taken: &[i64],
    volume: &[VolumeVerdict],
    warnings: &mut Vec<String>,
) {
    for v in volume {
        let (Some(name), Some((at, Some((other, until))))) =
            (v.scope.strip_prefix("resource "), v.stops.as_deref())
        else {
            continue;
        };
        let day = (history.days.get_mut(&v.day)).filter(|d| !d.partial && taken.contains(&d.day));
        let Some(new) = day.and_then(|d| d.resources.get_mut(name)) else {
            continue;
        };
        let why = format!(
            "its records stop at {} UTC ({other}'s run until {}), before the day's end, and it is {} ({:.0}% of the expected): an export that stopped, or files left out or late, whose short count would lower its baseline of the weeks to come",
            clock_text(*at),
            clock_text(*until),
            drop_or_low(v.status),
            v.ratio * 100.0
        );
        let old = (before.get(&v.day).filter(|old| !old.partial))
            .and_then(|old| old.resources.get(name))
            .filter(|old| !old.partial);
        match old {
            Some(old) => {
                warnings.push(format!(
                    "the history keeps {name}'s complete {} ({} records, not this run's {}): {why}",
                    day_text(v.day),
                    old.exposure,
                    new.exposure
                ));
                *new = old.clone();
            }
            None => {
                new.partial = true;
                warnings.push(format!(
                    "the history stores {name}'s {} as partial, never its baseline: {why} (a re-run with them replaces the day)",
                    day_text(v.day)
                ));
            }
        }
    }
}

/// Marks short for all records ([`DayAgg::short_for_all`]) the tested day among `taken`, stored
/// whole, on which some resources' records stop early (their volume tests a DROP or low, as
/// [`resources_stopped_short`] says each) while all records are low or a DROP, when it is
/// their stops that make all records so: all records, with each of those resources counted at
/// its expected, would be above `--volume-low-ratio` of the expected. acs-prod's export cut at
/// 10:00 while acs-stage's runs on made all records 533 of the usual 1000: stored as a
/// baseline of all records, the weekday's expected fell to 766.5 four weeks on (rev68a). The
/// day stays complete for all else (a partial day would be replaced by a stub of late files,
/// and passed over by an empty night: rev69b F5, F8). A real outage of another resource, which
/// leaves all records low with the stopped ones at their expected, is not blamed on their
/// stops: the day is a baseline of all records as any low day (rev69b F2). A day the run may
/// not hold whole ([`Asked::doubt`]) is left to [`to_store`], which stores it partial (rev69b
/// F3). Over a complete stored day that is not short, that day is kept whole. Returns the
/// days of `taken` to store.
fn short_for_all(
    history: &mut History,
    before: &BTreeMap<i64, DayAgg>,
    mut taken: Vec<i64>,
    volume: &[VolumeVerdict],
    asked: &Asked,
    warnings: &mut Vec<String>,
) -> Vec<i64> {
    let low = |v: &VolumeVerdict| {
        matches!(
            v.status,
            volume::VolumeStatus::Drop | volume::VolumeStatus::Low
        )
    };
    let all = volume
        .iter()
        .find(|v| matches!(v.scope.as_str(), "all" | "all but retired"));
    let Some(v) = all.filter(|v| low(v) && asked.doubt(v.day).is_none()) else {
        return taken;
    };
    let Some(new) = (history.days.get_mut(&v.day)).filter(|d| !d.partial && taken.contains(&d.day))
    else {
        return taken;
    };
    // The resources whose records stop early, each low or a DROP (a retired one's records are
    // not in `all but retired`), and the records they lack of their expected.
    let stopped: Vec<&VolumeVerdict> = (volume.iter())
        .filter(|r| r.day == v.day && r.scope.starts_with("resource ") && low(r))
        .filter(|r| matches!(r.stops.as_deref(), Some((_, Some(_)))))
        .collect();
    let lack: f64 = (stopped.iter())
        .map(|r| (r.expected - r.count as f64).max(0.0))
        .sum();
    let with = (v.count as f64 + lack) / v.expected.max(0.5);
    if stopped.is_empty() || with <= v.low_ratio {
        return taken;
    }
    let names: Vec<&str> = (stopped.iter())
        .take(super::UNTESTED_NAMED)
        .filter_map(|r| r.scope.strip_prefix("resource "))
        .collect();
    let more = match stopped.len().saturating_sub(super::UNTESTED_NAMED) {
        0 => String::new(),
        1 => " and 1 more resource".to_string(),
        n => format!(" and {n} more resources"),
    };
    let why = format!(
        "the records of {}{more} stop early and make {} records {} ({:.0}% of the expected; {:.0}% with {} at its expected)",
        names.join(", "),
        v.scope,
        drop_or_low(v.status),
        v.ratio * 100.0,
        with * 100.0,
        if stopped.len() == 1 { "it" } else { "each" },
    );
    match before
        .get(&v.day)
        .filter(|old| !old.partial && !old.short_for_all)
    {
        Some(old) => keep_complete(old, new, &mut taken, &why, warnings),
        None => {
            new.short_for_all = true;
            warnings.push(format!(
                "the history stores {} whole but leaves it out of the baseline of all records and of each log kind: {why}; each resource's day is its own baseline as said above (a re-run with the missing files replaces the day)",
                day_text(v.day)
            ));
        }
    }
    taken
}

/// Days a warning of [`to_store`] names, at most: a file of three years' records, its order
/// guessed, had all of its days in one line of several kilobytes (rev67c F1).
const DAYS_NAMED: usize = 10;

/// `days`, the first [`DAYS_NAMED`] of them and how many more.
fn listed(days: &[String]) -> String {
    match days.len().checked_sub(DAYS_NAMED) {
        Some(more) if more > 0 => format!("{} and {more} more", days[..DAYS_NAMED].join(", ")),
        _ => days.join(", "),
    }
}

/// The days `taken` into `history` that are stored, over the stored days `before`. A day the
/// run may not hold whole ([`Asked::doubt`]) is stored partial, never a baseline, and does not
/// replace a complete day: a run whose rejects exceed --max-bad read only part of its days
/// (a re-run of a day from a damaged copy would replace the good day, and lower four weeks of
/// baselines); input files whose day/month order was guessed may put their records on days
/// they are not of (a day made up would be a baseline for four weeks, and its absence a DROP
/// after them); copies of other inputs (the same export twice) count their days twice (a
/// doubled day would raise four weeks of baselines, and hide the next drop). Each cause is
/// said once, with its days. A complete day replaced by one of fewer records is said: a
/// re-run of a day replaces it, as it should once a doubled export is fixed, but not without
/// a word.
fn to_store(
    history: &mut History,
    before: &BTreeMap<i64, DayAgg>,
    taken: Vec<i64>,
    asked: &Asked,
    warnings: &mut Vec<String>,
) -> Vec<i64> {
    let mut store = Vec::new();
    // Each cause's days stored partial and complete days kept, in the order causes are met.
    let mut said: Vec<(PartialWhy, Vec<String>, Vec<String>)> = Vec::new();
    let cause = |w: &PartialWhy| std::mem::discriminant(w);
    for day in taken {
        let (old, Some(new)) = (before.get(&day), history.days.get_mut(&day)) else {
            continue;
        };
        let Some(why) = asked.doubt(day) else {
            warnings.extend(old.and_then(|old| History::fewer_records(old, new)));
            store.push(day);
            continue;
        };
        let at = match said.iter().position(|(w, _, _)| cause(w) == cause(&why)) {
            Some(at) => at,
            None => {
                said.push((why, Vec::new(), Vec::new()));
                said.len() - 1
            }
        };
        if let Some(old) = old.filter(|old| !old.partial) {
            said[at].2.push(format!(
                "{} ({} records, not this run's {})",
                day_text(day),
                old.exposure,
                new.exposure
            ));
            continue;
        } else if !new.partial {
            new.partial = true;
            // A day partial already keeps its reason: its fix comes first.
            new.partial_why = Some(why);
            said[at].1.push(day_text(day));
        }
        store.push(day);
    }
    for (why, partial, kept) in said {
        let mut each = Vec::new();
        if !partial.is_empty() {
            each.push(format!(
                "the history stores {} as partial, never a baseline",
                listed(&partial)
            ));
        }
        if !kept.is_empty() {
            each.push(format!("it keeps its complete {}", listed(&kept)));
        }
        if each.is_empty() {
            continue;
        }
        let files = |n: u64, one: &str, many: &str| match n {
            1 => format!("1 input file {one}"),
            n => format!("{n} input files {many}"),
        };
        warnings.push(match (why, asked.guessed, asked.copied) {
            (PartialWhy::Guessed { .. }, Some(g), _) => format!(
                "{} records of this run are from {}, so its days may not be theirs: {} (a re-run with --date-order replaces a day; one the guess made up stays partial until its file is removed)",
                g.records,
                files(
                    g.files,
                    "whose dates could not tell the day/month order, read month-first",
                    "whose dates could not tell the day/month order, read month-first"
                ),
                each.join("; ")
            ),
            (PartialWhy::Copies { .. }, _, Some(c)) => format!(
                "{} records of this run are from {}, so its days may be counted twice: {} (a re-run without the copies replaces the day)",
                c.records,
                files(
                    c.files,
                    "that looks like a copy of another read too (the same export twice?)",
                    "that look like copies of others read too (the same export twice?)"
                ),
                each.join("; ")
            ),
            _ => format!(
                "rejected records exceed --max-bad, so this run's days may not be whole: {}",
                each.join("; ")
            ),
        });
    }
    store
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::time::parse_day;

    /// A run of no window or day, that stores its days, with these doubts of them.
    fn asked<'a>(
        over_max_bad: Option<(u64, u64)>,
        copied: Option<&'a FilesDays>,
        guessed: Option<&'a FilesDays>,
    ) -> Asked<'a> {
        Asked {
            day: None,
            window: Window::default(),
            thresholds: Thresholds::default(),
            volume_low_ratio: volume::LOW_RATIO,
            by_resource: false,
            retired: &[],
            resources: &[],
            stored: true,
            over_max_bad,
            copied,
            guessed,
        }
    }

    fn day(d: i64, partial: bool, records: u64) -> DayAgg {
        DayAgg {
            day: d,
            partial,
            partial_why: None,
            exposure: records,
            keys: HashMap::from([((200, None), (records, 1))]),
            resources: BTreeMap::new(),
            kinds: BTreeMap::new(),
            key_kinds: HashMap::new(),
            callbacks_apart: false,
            short_for_all: false,
        }
    }

    /// An empty night is the day after the last complete day that is over, once over itself,
    /// even with a complete day after today (a mis-dated export's) in the history; when there is
    /// no such day, why is said.
    #[test]
    fn an_empty_night_follows_the_last_complete_day_that_is_over() {
        let at = |s: &str| parse_day(s).unwrap();
        let now = at("2026-12-05") * DAY + 14 * 3600;
        let history = |days: &[(&str, bool)]| History {
            days: (days.iter())
                .map(|&(d, partial)| (at(d), day(at(d), partial, 5)))
                .collect(),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let mut w = Vec::new();
        let h = history(&[
            ("2026-11-10", false),
            ("2026-11-11", true),
            ("2027-01-05", false),
        ]);
        assert_eq!(empty_night(&h, now, true, &mut w), Some(at("2026-11-11")));
        assert_eq!(w, ["no records kept: the volume and spike tests are for 2026-11-11, the day after the history's last complete one"]);
        w.clear();
        // A night whose export stopped at 14:00, stored partial, is the history's last night:
        // the empty night after it is tested (it had been that night again).
        let mut h = history(&[("2026-11-10", false), ("2026-11-11", true)]);
        h.days.get_mut(&at("2026-11-11")).unwrap().partial_why = Some(PartialWhy::Stopped);
        assert_eq!(empty_night(&h, now, true, &mut w), Some(at("2026-11-12")));
        assert_eq!(w, ["no records kept: the volume and spike tests are for 2026-11-12, the day after the history's last night, 2026-11-11, which it stores as partial"]);
        w.clear();
        let h = history(&[("2026-12-04", false)]);
        assert_eq!(empty_night(&h, now, true, &mut w), None);
        assert_eq!(w, ["no records kept: no volume or spike test, as 2026-12-05, the day after the history's last complete one, is not over; run once it is"]);
        w.clear();
        let h = history(&[("2027-01-05", false)]);
        assert_eq!(empty_night(&h, now, true, &mut w), None);
        assert_eq!(w, ["no records kept, and the history holds no complete day before today: no volume or spike test"]);
        w.clear();
        assert_eq!(empty_night(&History::default(), now, false, &mut w), None);
        assert!(
            w.is_empty(),
            "without --history, nothing more than that the inputs hold none"
        );
    }

    /// Without input, triage's verdict is for the history's last night, the day report's empty
    /// night follows: a day stored partial for an export that stopped (or over --max-bad) is
    /// that night, and said so (rev69b T12 e: the verdict was of the week before, unsaid); a
    /// stub of late records, a day not over and a day of a guessed order after it are not.
    #[test]
    fn triage_answers_for_the_history_s_last_night_read_whole() {
        let at = |s: &str| parse_day(s).unwrap();
        let partial = |d: &str, why: PartialWhy| DayAgg {
            partial_why: Some(why),
            ..day(at(d), true, 5)
        };
        let guessed = PartialWhy::Guessed {
            files: 1,
            records: 5,
            spread: false,
        };
        let mut stored = History {
            days: BTreeMap::from([
                (at("2026-11-10"), day(at("2026-11-10"), false, 5)),
                (at("2026-11-17"), partial("2026-11-17", PartialWhy::Stopped)),
                (
                    at("2026-11-18"),
                    partial("2026-11-18", PartialWhy::Uncovered),
                ),
                (at("2026-11-19"), partial("2026-11-19", PartialWhy::NotOver)),
                (at("2026-11-20"), partial("2026-11-20", guessed)),
            ]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let empty = Aggregator::new(Window::default(), 3600);
        let chosen = |stored: &History| {
            let none = History::default();
            let v = verdict_day(&none, stored, &empty, None, &Window::default(), true);
            (v.day.map(day_text), v.notes)
        };
        let said = |why: &str| {
            vec![format!("2026-11-17, the history's last night, is stored as partial ({why}): the verdict counts the records it holds of it, as report tested that night")]
        };
        assert_eq!(
            chosen(&stored),
            (
                Some("2026-11-17".to_string()),
                said("its records stop before the day's end: an export that stopped")
            )
        );
        let now = at("2026-12-05") * DAY;
        let night = empty_night(&stored, now, true, &mut Vec::new());
        assert_eq!(
            night,
            Some(at("2026-11-18")),
            "report's empty night follows it"
        );
        let over = PartialWhy::Rejects {
            rejected: 30,
            read: 930,
        };
        stored
            .days
            .insert(at("2026-11-17"), partial("2026-11-17", over));
        assert_eq!(chosen(&stored).1, said("its rejects exceeded --max-bad"));
        // A stub alone after the complete day: the complete day, nothing to say.
        stored.days.remove(&at("2026-11-17"));
        assert_eq!(chosen(&stored), (Some("2026-11-10".to_string()), vec![]));
    }

    /// Without a complete day in the input, triage's verdict is for the stored history's last
    /// complete day, where report's empty night is the day after it; the notes say what the
    /// verdict is not for.
    #[test]
    fn triage_answers_for_the_last_complete_day_known() {
        let at = |s: &str| parse_day(s).unwrap();
        let stored = History {
            days: BTreeMap::from([(at("2026-11-10"), day(at("2026-11-10"), false, 5))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let empty = Aggregator::new(Window::default(), 3600);
        let no_history = "no --history given: the baseline is the input's own earlier days; pass the directory that report --history keeps";
        let chosen = |input: &History, d: Option<i64>, has_history| {
            let v = verdict_day(input, &stored, &empty, d, &Window::default(), has_history);
            (v.day, v.notes)
        };
        let none = History::default();
        assert_eq!(chosen(&none, None, true), (Some(at("2026-11-10")), vec![]));
        let now = at("2026-12-05") * DAY;
        let mut w = Vec::new();
        assert_eq!(
            empty_night(&stored, now, true, &mut w),
            Some(at("2026-11-11"))
        );
        // An incident under way: the input's day is only part of one.
        let input = History {
            days: BTreeMap::from([(at("2026-11-17"), day(at("2026-11-17"), true, 5))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let (d, notes) = chosen(&input, None, false);
        assert_eq!(d, Some(at("2026-11-10")));
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("the verdict is for 2026-11-10, the last whole UTC day: 2026-11-17 is only part of a day in the input;"), "{notes:?}");
        assert_eq!(notes[1], no_history);
        // --day is the day, even one that is only part of a day.
        assert_eq!(
            chosen(&input, Some(at("2026-11-17")), true),
            (Some(at("2026-11-17")), vec![])
        );
        // Each note is a sentence of the verdict's note.
        let v = VerdictDay {
            day: None,
            notes: vec!["a b".into(), "c d".into()],
            why_none: None,
        };
        assert_eq!(v.noted(None).unwrap(), "A b. C d.");
        assert_eq!(
            v.noted(Some("Not tested".into())).unwrap(),
            "Not tested. A b. C d."
        );
        assert_eq!(
            VerdictDay {
                day: None,
                notes: vec![],
                why_none: None,
            }
            .noted(None),
            None
        );
    }

    /// A window of part of one day holds no day to test, as `report` says: the stored history's
    /// last complete day, before `--since`, is not taken, and the window is said, not where the
    /// input's records stop.
    #[test]
    fn triage_takes_no_stored_day_outside_the_window() {
        let at = |s: &str| parse_day(s).unwrap();
        let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let stored = History {
            days: BTreeMap::from([(at("2026-12-02"), day(at("2026-12-02"), false, 5))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let input = History {
            days: BTreeMap::from([(at("2026-12-03"), day(at("2026-12-03"), true, 5))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let window = Window {
            since: Some(t("2026-12-03T00:00:00Z")),
            until: Some(t("2026-12-03T14:00:00Z")),
        };
        let mut agg = Aggregator::new(window, 3600);
        let k = agg.by_key.entry((500, Some(8572))).or_default();
        (k.first, k.last) = (
            Some(t("2026-12-03T00:05:00Z")),
            Some(t("2026-12-03T13:59:00Z")),
        );
        let v = verdict_day(&input, &stored, &agg, None, &window, true);
        assert_eq!((v.day, &v.notes), (None, &vec![]));
        let why = "No spike verdict: --since and --until cover 2026-12-03 00:00 to 2026-12-03 14:00 UTC, no whole UTC day; give them a whole UTC day, or --day to test what they hold of it.";
        assert_eq!(v.noted(Some("No spike verdict: ...".into())).unwrap(), why);
        // A window that holds the stored day whole takes it.
        let window = Window {
            since: Some(t("2026-12-02T00:00:00Z")),
            ..window
        };
        let v = verdict_day(&input, &stored, &agg, None, &window, true);
        assert_eq!((v.day, v.why_none), (Some(at("2026-12-02")), None));
        // Without an input (the history alone), the window is said, not "no complete UTC day
        // in the input or history" (rev60a F4).
        let window = Window {
            since: Some(t("2026-12-03T06:00:00Z")),
            until: Some(t("2026-12-03T18:00:00Z")),
        };
        let empty = Aggregator::new(window, 3600);
        let v = verdict_day(&History::default(), &stored, &empty, None, &window, true);
        let why = "No spike verdict: --since and --until cover 2026-12-03 06:00 to 2026-12-03 18:00 UTC, no whole UTC day; give them a whole UTC day, or --day to test what they hold of it.";
        assert_eq!((v.day, v.noted(None).as_deref()), (None, Some(why)));
        // --since alone: the end is the records', not one the user gave (rev60a O5).
        let window = Window {
            since: Some(t("2026-12-03T06:00:00Z")),
            until: None,
        };
        let mut agg = Aggregator::new(window, 3600);
        let k = agg.by_key.entry((500, Some(8572))).or_default();
        (k.first, k.last) = (
            Some(t("2026-12-03T06:05:00Z")),
            Some(t("2026-12-03T13:59:00Z")),
        );
        let v = verdict_day(&input, &History::default(), &agg, None, &window, true);
        let why = "No spike verdict: --since and the records after it cover 2026-12-03 06:00 to 2026-12-03 14:00 UTC, no whole UTC day; give --since and --until a whole UTC day, or --day to test what they hold of it.";
        assert_eq!((v.day, v.noted(None).as_deref()), (None, Some(why)));
    }

    /// Days after today are not stored, and one warning says how many and their range; today
    /// and the days before it are.
    #[test]
    fn days_after_today_are_not_stored() {
        let at = |s: &str| parse_day(s).unwrap();
        let now = at("2026-12-05") * DAY + 14 * 3600;
        let taken = vec![
            at("2026-12-04"),
            at("2026-12-05"),
            at("2026-12-06"),
            at("2099-12-06"),
        ];
        let mut warnings = Vec::new();
        let begun = begun_days(taken, now, &mut warnings);
        assert_eq!(begun, [at("2026-12-04"), at("2026-12-05")]);
        assert_eq!(
            warnings,
            ["the history does not store the input's 2 days after today, 2026-12-06 to 2099-12-06: records dated in the future (a mis-dated export, or a wrong clock?) make no whole day"]
        );
        let mut warnings = Vec::new();
        begun_days(vec![at("2026-12-06")], now, &mut warnings);
        assert!(
            warnings[0].contains("input's 1 day after today, 2026-12-06:"),
            "{warnings:?}"
        );
        let mut warnings = Vec::new();
        assert_eq!(
            begun_days(vec![at("2026-12-05")], now, &mut warnings).len(),
            1
        );
        assert!(warnings.is_empty());
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
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let (mut history, mut warnings) = (merged(), Vec::new());
        let over = asked(Some((20, 100)), None, None);
        let stored = to_store(&mut history, &before, vec![d17, d24], &over, &mut warnings);
        assert_eq!(stored, [d24]);
        assert!(history.days[&d24].partial);
        assert_eq!(
            warnings,
            ["rejected records exceed --max-bad, so this run's days may not be whole: the history stores 2026-11-24 as partial, never a baseline; it keeps its complete 2026-11-17 (530 records, not this run's 265)"]
        );
        let (mut history, mut warnings) = (merged(), Vec::new());
        let within = asked(None, None, None);
        let stored = to_store(
            &mut history,
            &before,
            vec![d17, d24],
            &within,
            &mut warnings,
        );
        assert_eq!(stored, [d17, d24]);
        assert!(!history.days[&d24].partial);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("history 2026-11-17: replaced by this run's 265 records, where the stored complete day had 530;"),
            "{warnings:?}"
        );
    }

    /// The night's day is copied only to be tested in place of a stored complete day the
    /// history keeps over it: an input of made-up keys had it copied whatever the history.
    #[test]
    fn the_night_is_copied_only_when_a_stored_day_stays() {
        let history = |days: &[(i64, bool)]| History {
            days: (days.iter())
                .map(|&(d, partial)| (d, day(d, partial, 5)))
                .collect(),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let input = history(&[(20_000, true), (20_001, false)]);
        assert_eq!(own_day(&History::default(), &input, Some(20_000)), None);
        assert_eq!(
            own_day(&history(&[(20_000, true)]), &input, Some(20_000)),
            None
        );
        assert_eq!(
            own_day(&history(&[(20_001, false)]), &input, Some(20_001)),
            None
        );
        let stored = history(&[(20_000, false)]);
        assert_eq!(
            own_day(&stored, &input, Some(20_000)),
            Some(day(20_000, true, 5))
        );
        assert_eq!(own_day(&stored, &input, None), None);
    }

    /// A run that read the same export twice (input files that look like copies of others)
    /// stores its days as partial, never a baseline, and keeps a complete stored day, as a run
    /// over --max-bad does: a doubled day would raise four weeks of baselines (rev65a F5).
    #[test]
    fn a_run_that_read_copies_stores_partial_days_and_keeps_complete_ones() {
        let (d17, d24) = (
            parse_day("2026-11-17").unwrap(),
            parse_day("2026-11-24").unwrap(),
        );
        let before = BTreeMap::from([(d17, day(d17, false, 530))]);
        let mut history = History {
            days: BTreeMap::from([(d17, day(d17, false, 1060)), (d24, day(d24, false, 590))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let mut warnings = Vec::new();
        // Each copy has records on both days.
        let copies = FilesDays {
            files: 2,
            records: 530,
            days: Some(BTreeMap::from([(d17, (2, 265)), (d24, (2, 265))])),
        };
        let run = asked(None, Some(&copies), None);
        let stored = to_store(&mut history, &before, vec![d17, d24], &run, &mut warnings);
        assert_eq!(stored, [d24]);
        let d = &history.days[&d24];
        let why = Some(PartialWhy::Copies {
            files: 2,
            records: 265,
            spread: false,
        });
        assert!(d.partial && d.partial_why == why);
        assert_eq!(
            warnings,
            ["530 records of this run are from 2 input files that look like copies of others read too (the same export twice?), so its days may be counted twice: the history stores 2026-11-24 as partial, never a baseline; it keeps its complete 2026-11-17 (530 records, not this run's 1060) (a re-run without the copies replaces the day)"]
        );
    }

    /// Copies whose records are all on one day of the run mark that day alone: the run's other
    /// days are stored whole (every day stored had been marked, as the history could not
    /// tell which a copy's records fell on). Copies of a file of more days than it keeps apart
    /// mark every day, as before.
    #[test]
    fn copies_mark_only_the_days_their_records_are_on() {
        let (d17, d24) = (
            parse_day("2026-11-17").unwrap(),
            parse_day("2026-11-24").unwrap(),
        );
        let merged = || History {
            days: BTreeMap::from([(d17, day(d17, false, 530)), (d24, day(d24, false, 1180))]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let copies = FilesDays {
            files: 1,
            records: 590,
            days: Some(BTreeMap::from([(d24, (1, 590))])),
        };
        let (mut history, mut warnings) = (merged(), Vec::new());
        let run = asked(None, Some(&copies), None);
        let stored = to_store(
            &mut history,
            &BTreeMap::new(),
            vec![d17, d24],
            &run,
            &mut warnings,
        );
        assert_eq!(stored, [d17, d24]);
        assert!(!history.days[&d17].partial);
        let why = Some(PartialWhy::Copies {
            files: 1,
            records: 590,
            spread: false,
        });
        assert!(history.days[&d24].partial && history.days[&d24].partial_why == why);
        assert_eq!(
            warnings,
            ["590 records of this run are from 1 input file that looks like a copy of another read too (the same export twice?), so its days may be counted twice: the history stores 2026-11-24 as partial, never a baseline (a re-run without the copies replaces the day)"]
        );
        let many = FilesDays {
            days: None,
            ..copies
        };
        let (mut history, mut warnings) = (merged(), Vec::new());
        let run = asked(None, Some(&many), None);
        to_store(
            &mut history,
            &BTreeMap::new(),
            vec![d17, d24],
            &run,
            &mut warnings,
        );
        assert!(history.days[&d17].partial && history.days[&d24].partial);
        // The count is the copies' own, said as such: not the day's.
        let why = Some(PartialWhy::Copies {
            files: many.files,
            records: many.records,
            spread: true,
        });
        assert!(history.days[&d17].partial_why == why);
    }

    /// A day the records of a file of guessed day/month order fall on is stored partial, with
    /// its reason and its fix said, and keeps a complete stored day; a day of other files'
    /// records alone is stored whole. The guess comes before copies on a day of both.
    #[test]
    fn days_of_a_guessed_date_order_are_stored_partial() {
        let (d17, d24, mar11) = (
            parse_day("2026-11-17").unwrap(),
            parse_day("2026-11-24").unwrap(),
            parse_day("2026-03-11").unwrap(),
        );
        let before = BTreeMap::from([(d17, day(d17, false, 500))]);
        let mut history = History {
            days: BTreeMap::from([
                (mar11, day(mar11, false, 200)),
                (d17, day(d17, false, 40)),
                (d24, day(d24, false, 590)),
            ]),
            scope: None,
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let guessed = FilesDays {
            files: 1,
            records: 240,
            days: Some(BTreeMap::from([(mar11, (1, 200)), (d17, (1, 40))])),
        };
        let copies = FilesDays {
            files: 1,
            records: 240,
            days: Some(BTreeMap::from([(mar11, (1, 200)), (d17, (1, 40))])),
        };
        let mut warnings = Vec::new();
        let run = asked(None, Some(&copies), Some(&guessed));
        let taken = vec![mar11, d17, d24];
        let stored = to_store(&mut history, &before, taken, &run, &mut warnings);
        assert_eq!(stored, [mar11, d24]);
        let why = Some(PartialWhy::Guessed {
            files: 1,
            records: 200,
            spread: false,
        });
        assert!(history.days[&mar11].partial && history.days[&mar11].partial_why == why);
        assert!(!history.days[&d24].partial);
        assert_eq!(
            warnings,
            ["240 records of this run are from 1 input file whose dates could not tell the day/month order, read month-first, so its days may not be theirs: the history stores 2026-03-11 as partial, never a baseline; it keeps its complete 2026-11-17 (500 records, not this run's 40) (a re-run with --date-order replaces a day; one the guess made up stays partial until its file is removed)"]
        );
    }
}
