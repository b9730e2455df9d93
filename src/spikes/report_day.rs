//! The report day: which UTC day a run tests (`--day`, a window's last whole day, the input's last
//! complete day), whether it is over by the clock, and what is said when it is not whole.

use super::history::History;
use crate::time::{clock_text, day_text, DAY};

/// The last whole UTC day of a window that ends (`--until`) and holds one, once that day is
/// over, whatever its records: the report day of a run given that window, so that a day whose
/// export stopped is tested (the input's last complete day would be an earlier one).
pub fn window_day(window: &crate::aggregate::Window) -> Option<i64> {
    let day = window.until?.timestamp().div_euclid(DAY) - 1;
    let starts = window.since.map(|s| s.timestamp());
    (starts.is_none_or(|s| s <= day * DAY) && is_over(day)).then_some(day)
}

/// The clock, in seconds since the epoch.
pub fn now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |n| n.as_secs() as i64)
}

/// Whether a UTC day has ended, by the clock.
pub fn is_over(day: i64) -> bool {
    (day + 1) * DAY <= now()
}

/// What is wrong with a day named by `--day`, in a run that kept records: the history (the
/// input's days merged in) holds none of it (a typo, or a day the input does not reach), or
/// only part of it, so that its volume test compares part of a day, or nothing, with whole
/// days.
pub fn day_not_whole(history: &History, day: i64) -> Option<String> {
    match history.days.get(&day) {
        None => Some(format!(
            "--day {}: not one record of that day, in the input or the history",
            day_text(day)
        )),
        Some(d) if d.partial => Some(format!(
            "--day {}: not a whole day in the input (its records, or --since and --until, cover only part of it)",
            day_text(day)
        )),
        Some(_) => None,
    }
}

/// The input's last day, when it comes after `day` and is not whole (its last record at
/// `until`, seconds since the epoch): said beside a verdict for `day`, which the reader may take for
/// today's.
pub fn later_part_day(input: &History, day: i64, until: Option<i64>) -> Option<String> {
    let last = input
        .days
        .keys()
        .next_back()
        .copied()
        .filter(|&d| d > day)?;
    let to = until.map_or_else(String::new, |t| {
        format!(" (its last record at {} UTC)", clock_text(t))
    });
    Some(format!(
        "the verdict is for {}, the last whole UTC day: {} is only part of a day in the input{to}; --day {} tests it so far",
        day_text(day),
        day_text(last),
        day_text(last)
    ))
}

/// The report day: `--day`, or the last complete UTC day of the input.
pub fn report_day(input: &History, forced: Option<i64>) -> Option<i64> {
    forced.or_else(|| {
        input
            .days
            .values()
            .rev()
            .find(|d| !d.partial)
            .map(|d| d.day)
    })
}
