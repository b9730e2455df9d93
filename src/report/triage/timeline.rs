//! The span of the triage's timeline and how many of its keys are shown one by one.

use super::*;

/// Rows of the timeline filled with its empty buckets, at most: past them (a window of
/// centuries), the timeline lists only the buckets that hold records. The JSON's rows, a row
/// per bucket and key, are held to it too: past it, those with records only (a record
/// dated 2000 beside today's, of 300 codes, would make 3 million rows of zeros).
pub const MAX_TIMELINE_ROWS: i64 = 10_000;

/// Keys the Markdown timeline shows one by one, most records first: the others are summed in
/// one column and one sparkline (a column per key of 20,000 codes in one log would write a
/// table 20,000 columns wide).
pub const TIMELINE_KEYS: usize = 10;

/// The first and last bucket a timeline of `bucket_secs` buckets runs through, empty ones
/// too: from `--since` (else the start of its first bucket's UTC day, so that an incident's
/// start is read against the quiet hours before it) to `--until`'s last bucket (else the
/// bucket of the input's last record, `input_last`, so that a subcode that stopped hours
/// before the input ends is not read as still going). `None` when it is empty, or would take
/// more than [`MAX_TIMELINE_ROWS`] rows.
pub fn timeline_span(
    timeline: &Timeline,
    bucket_secs: i64,
    window: &Window,
    input_last: Option<i64>,
) -> Option<(i64, i64)> {
    let (first, last) = (timeline.keys().next()?.0, timeline.keys().next_back()?.0);
    if bucket_secs <= 0 {
        return None;
    }
    let floor = |t: i64| t - t.rem_euclid(bucket_secs);
    let start = match window.since {
        Some(s) => floor(s.timestamp()),
        None => floor(first - first.rem_euclid(DAY)),
    };
    // --until is the first instant left out.
    let end = (window.until)
        .map(|u| floor(u.timestamp() - i64::from(u.timestamp_subsec_nanos() == 0)))
        .or(input_last.map(floor));
    let (start, end) = (start.min(first), end.unwrap_or(last).max(last));
    let rows = (end - start) / bucket_secs + 1;
    (rows <= MAX_TIMELINE_ROWS).then_some((start, end))
}

/// What the Markdown timeline calls the keys it sums: `12 more keys`.
pub fn more_keys_label(n: usize) -> String {
    format!("{n} more key{}", if n == 1 { "" } else { "s" })
}
