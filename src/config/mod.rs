//! Validated settings and the value types of flags: what every stage is told, built once from
//! the command line (by `cli`, which this module knows nothing of) before any heavy work.

use std::path::PathBuf;

use anyhow::Result;
use chrono::FixedOffset;

use crate::time::{DateOrder, DAY, HOUR};
use clap::ValueEnum;

pub mod file;

/// How many rejected records are tolerated before exit code 3.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxBad {
    Count(u64),
    /// A fraction (0..=1) of the records read.
    Share(f64),
}

impl MaxBad {
    /// Whether `rejected` of `read` records is over the limit.
    pub fn exceeded(self, rejected: u64, read: u64) -> bool {
        match self {
            MaxBad::Count(n) => rejected > n,
            MaxBad::Share(s) => rejected as f64 > s * read as f64,
        }
    }
}

pub fn parse_max_bad(s: &str) -> Result<MaxBad, String> {
    let s = s.trim();
    if let Some(p) = s.strip_suffix('%') {
        let v: f64 = p
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a percentage like 1%"))?;
        if !(0.0..=100.0).contains(&v) {
            return Err(format!("{s:?} must be between 0% and 100%"));
        }
        Ok(MaxBad::Share(v / 100.0))
    } else {
        s.parse::<u64>()
            .map(MaxBad::Count)
            .map_err(|_| format!("{s:?} is neither a count (N) nor a share (P%)"))
    }
}

impl std::fmt::Display for MaxBad {
    /// As it is given: `100`, `1%`, `0.5%`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            MaxBad::Count(n) => write!(f, "{n}"),
            MaxBad::Share(s) => {
                let p = format!("{:.6}", s * 100.0);
                write!(f, "{}%", p.trim_end_matches('0').trim_end_matches('.'))
            }
        }
    }
}

/// `+HH:MM` or `-HH:MM` (also `Z`), within ±14:00 (the widest offset in use).
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("z") || t == "00:00" {
        return Ok(FixedOffset::east_opt(0).expect("zero offset"));
    }
    let bad = || format!("{s:?} is not an offset like +01:00 (±HH:MM, at most ±14:00)");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "00"));
    let digits = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err(bad());
    }
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h * 60 + m > 14 * 60 {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// `--spike-p`: a probability in (0, 1].
pub fn parse_p(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 1.0 => Ok(p),
        _ => Err(format!("{s:?} is not a p-value in (0, 1]")),
    }
}

/// `--spike-min-ratio`: a finite ratio of at least 1.
pub fn parse_ratio(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= 1.0 => Ok(r),
        _ => Err(format!("{s:?} is not a finite ratio of at least 1")),
    }
}

/// `--volume-low-ratio`: a share of the expected records above a DROP's half, at most 1.
pub fn parse_low_ratio(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if r > 0.5 && r <= 1.0 => Ok(r),
        _ => Err(format!(
            "{s:?} is not a share of the expected records in (0.5, 1]"
        )),
    }
}

/// `--spike-min-excess`: a finite count of at least 0.
pub fn parse_excess(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("{s:?} is not a finite number of at least 0")),
    }
}

/// A whole number from `min` to `max`, in the tool's words where std's integer parser has its
/// own (rev70a F1: `--spike-min-count -1` was answered `invalid digit found in string`, and
/// `99999999999999999999` `number too large to fit in target type`): the value given and the
/// numbers taken (`"-1" is not a whole number of 0 or more`; of one past `max`, `from 0 to
/// 4294967295`).
pub fn parse_whole(s: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = s.trim();
    let unsigned = t.strip_prefix('+').unwrap_or(t);
    let digits = !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit());
    match unsigned.parse::<u64>() {
        Ok(n) if digits && (min..=max).contains(&n) => Ok(n),
        // Digits past the range (or past u64) are said against both of its ends.
        _ if digits => Err(format!("{s:?} is not a whole number from {min} to {max}")),
        _ if max == u64::MAX => Err(format!("{s:?} is not a whole number of {min} or more")),
        _ => Err(format!("{s:?} is not a whole number from {min} to {max}")),
    }
}

/// `--spike-min-count` (and the file's `spike-min-count`): a count of records, 0 or more.
pub fn parse_count(s: &str) -> Result<u64, String> {
    parse_whole(s, 0, u64::MAX)
}

/// `--code`: a result code, 0 to 4294967295 as the catalogue's codes.
pub fn parse_code(s: &str) -> Result<u32, String> {
    let n = parse_whole(s, 0, u64::from(u32::MAX))?;
    Ok(u32::try_from(n).expect("within u32"))
}

/// A `--resource` pattern: a glob (`*`, `?`, `[...]`) over a resource's name (the last
/// segment of its id) or its whole id, matched without regard to case.
pub fn parse_resource(s: &str) -> Result<glob::Pattern, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("an empty resource pattern matches nothing".into());
    }
    // A whole id copied without its leading `/`, as some exports write ids, is the id with it,
    // and one copied with a trailing `/` the id without it: ids are matched with their leading
    // `/` and without a trailing one (rev69a F5: `.../acs-contoso/` kept nothing).
    let t = t.to_lowercase();
    let t = match t.trim_end_matches('/') {
        "" => t.as_str(),
        trimmed => trimmed,
    };
    let t = match t.starts_with("subscriptions/") {
        true => format!("/{t}"),
        false => t.to_string(),
    };
    glob::Pattern::new(&t).map_err(|e| format!("{s:?} is not a glob pattern: {}", glob_error(&e)))
}

/// Why a glob does not parse, in the tool's words: the glob crate's error names a position in
/// the pattern as it was made (lowercased, a `/` put before an id), not as it was given.
fn glob_error(e: &glob::PatternError) -> &'static str {
    match e.msg {
        "wildcards are either regular `*` or recursive `**`" => {
            "*** is no wildcard: * is any text of a name, ** any names between slashes"
        }
        m if m.starts_with("recursive") => {
            "** stands alone between slashes (a/**/b); * for any text of a name"
        }
        _ => "a [ opens a set of characters that it does not close ([abc], [!abc], [a-z]; [[] for a [ itself)",
    }
}

/// An IANA time zone name (`Europe/Berlin`).
pub fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    s.trim()
        .parse::<chrono_tz::Tz>()
        .map_err(|_| format!("{s:?} is not an IANA time zone like Europe/Berlin"))
}

/// A UTC day `YYYY-MM-DD`, as days since the epoch (`--day`).
pub fn parse_day(s: &str) -> Result<i64, String> {
    crate::time::parse_day(s).ok_or_else(|| format!("{s:?} is not a date like 2026-11-24"))
}

/// How the records of the inputs are read, as the flags (or the config file) said it: what a
/// command a report suggests says again, to read the same records (`None`: not said).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reading {
    pub input_format: Option<InputFormat>,
    pub date_order: Option<DateOrder>,
    pub local_offset: Option<crate::time::LocalZone>,
}

impl IngestSettings {
    /// The settings of a run reading `inputs`, every other choice its default: no input
    /// format, date order or zone forced, no file passed over.
    pub fn of(inputs: Vec<PathBuf>) -> Self {
        IngestSettings {
            inputs,
            input_format: None,
            date_order: None,
            local_offset: None,
            skip_files: Vec::new(),
            history: None,
            report_starts: Vec::new(),
        }
    }

    /// How these settings read records.
    pub fn reading(&self) -> Reading {
        Reading {
            input_format: self.input_format,
            date_order: self.date_order,
            local_offset: self.local_offset,
        }
    }
}

/// Settings for reading inputs.
#[derive(Debug, Clone)]
pub struct IngestSettings {
    pub inputs: Vec<PathBuf>,
    pub input_format: Option<InputFormat>,
    pub date_order: Option<DateOrder>,
    pub local_offset: Option<crate::time::LocalZone>,
    /// Files a walk does not take: the reports a run writes, so that a run with `--out`
    /// inside its input (or the same directory) never reads its own reports back.
    pub skip_files: Vec<PathBuf>,
    /// The run's `--history` directory: a walk passes over its Parquet files (the tool's own
    /// days) without a word, as it does the reports (its lock and temporaries are hidden
    /// files, which a walk never takes).
    pub history: Option<PathBuf>,
    /// Files a walk passes over, with a warning, when their name and first bytes are these:
    /// an earlier run's reports in another `--out` under an input directory.
    pub report_starts: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TriageFormat {
    /// Markdown, for people.
    Md,
    /// The Markdown's content, for machines: the first 20 calls of `calls_total` (`--calls`
    /// lists every one).
    Json,
    /// The affected calls, one row each.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CodesFormat {
    /// A readable terminal listing.
    Table,
    Csv,
    Json,
    /// A Markdown table.
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// One JSON value per line: resource-log records, flat records, records documents or arrays.
    Jsonl,
    /// One JSON document (records document, query API response, JSON array), streamed.
    Json,
    /// A portal "Export to CSV" file.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum ReportFormat {
    /// The CSV tables, spikes.csv included.
    Csv,
    /// summary.md.
    Md,
    /// report.json.
    Json,
    /// report.html: self-contained, with charts.
    Html,
}

/// What the spike test compares: all records of a day, or each ACS resource's on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SpikesBy {
    /// All records together.
    All,
    /// Each resource against its own history.
    Resource,
}

/// When `--fail-on-spike` exits 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnSpike {
    /// Never (the flag not given).
    Off,
    /// A spike of a failure-class key.
    Failure,
    /// A spike of any key, caller outcomes included.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Bucket {
    /// Hourly for a span of up to three days, daily beyond.
    Auto,
    Hour,
    Day,
}

/// The longest span `--bucket auto` shows hour by hour.
pub const AUTO_HOURLY_SPAN: i64 = 3 * DAY;

impl Bucket {
    /// The length of one bucket in seconds; 0 for `auto`, decided once the span is known
    /// ([`Bucket::for_span`]).
    pub fn secs(self) -> i64 {
        match self {
            Bucket::Auto => 0,
            Bucket::Hour => HOUR,
            Bucket::Day => DAY,
        }
    }

    /// The bucket length for a span of `span` seconds: `auto` hourly up to three days, else
    /// daily (hourly when the span is not known).
    pub fn for_span(secs: i64, span: Option<i64>) -> i64 {
        match (secs, span) {
            (0, Some(s)) if s > AUTO_HOURLY_SPAN => DAY,
            (0, _) => HOUR,
            (s, _) => s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    Auto,
    Always,
    Never,
}

/// The formats to write, each once.
pub fn formats(list: &[ReportFormat]) -> Vec<ReportFormat> {
    let mut out: Vec<ReportFormat> = Vec::new();
    for f in list {
        if !out.contains(f) {
            out.push(*f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_bad_forms() {
        assert_eq!(parse_max_bad("5"), Ok(MaxBad::Count(5)));
        assert_eq!(parse_max_bad("1%"), Ok(MaxBad::Share(0.01)));
        assert!(parse_max_bad("x").is_err());
        assert!(parse_max_bad("101%").is_err());
        assert!(MaxBad::Share(0.01).exceeded(2, 100));
        assert!(!MaxBad::Share(0.01).exceeded(1, 100));
        assert!(MaxBad::Count(0).exceeded(1, 100));
        // Written as given, in the line that says the rejects exceed it.
        for given in [
            "5", "0", "1%", "0.5%", "7%", "12.25%", "100%", "0%", "0.001%",
        ] {
            assert_eq!(parse_max_bad(given).unwrap().to_string(), given);
        }
    }

    /// A whole id copied without its leading `/` is matched as the id with it (rev68b F12: it
    /// had matched only the records that wrote their id so).
    #[test]
    fn a_resource_pattern_of_an_id_without_its_slash_takes_one() {
        let p = parse_resource(" SUBSCRIPTIONS/*/ACS-Contoso ").unwrap();
        assert_eq!(p.as_str(), "/subscriptions/*/acs-contoso");
        assert_eq!(parse_resource("acs-*").unwrap().as_str(), "acs-*");
        assert_eq!(
            parse_resource("/subscriptions/*").unwrap().as_str(),
            "/subscriptions/*"
        );
        // A trailing `/` is dropped, as a record's id is matched without it (rev69a F5).
        assert_eq!(
            parse_resource("/Subscriptions/s/acs-contoso/")
                .unwrap()
                .as_str(),
            "/subscriptions/s/acs-contoso"
        );
        assert_eq!(parse_resource("/").unwrap().as_str(), "/");
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+01:00").unwrap().local_minus_utc(), 3600);
        assert_eq!(parse_offset("-05:30").unwrap().local_minus_utc(), -19800);
        assert_eq!(parse_offset("+14:00").unwrap().local_minus_utc(), 14 * 3600);
        assert_eq!(parse_offset("-9").unwrap().local_minus_utc(), -9 * 3600);
        for bad in [
            "01:00", "+25:00", "+-1:00", "+00:-30", "+14:59", "+14:01", "+1:5", "+", "+1:60", "++1",
        ] {
            assert!(parse_offset(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn spike_thresholds_are_validated() {
        for bad in ["NaN", "-1", "0", "2", "inf", "1e999", "x"] {
            assert!(parse_p(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_p("1"), Ok(1.0));
        assert_eq!(parse_p("0.001"), Ok(0.001));
        for bad in ["NaN", "inf", "-5", "0.5", "1e999"] {
            assert!(parse_ratio(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_ratio("1"), Ok(1.0));
        for bad in ["NaN", "1e999", "-1", "inf"] {
            assert!(parse_excess(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_excess("0"), Ok(0.0));
    }
}
