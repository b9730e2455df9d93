//! Time: every parse and format of a time the tool meets. Log times in RFC 3339 and the
//! portal's locale forms (with the day/month order told by the values), `--since` / `--until`
//! bounds, UTC days, and the RFC 3339 text the reports write.

use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Timelike, Utc,
};

use crate::record::trim;

/// Seconds in a UTC day.
pub const DAY: i64 = 86_400;

/// Seconds in an hour.
pub const HOUR: i64 = 3_600;

/// RFC 3339, or a date `YYYY-MM-DD` meaning its UTC midnight (`--since`, `--until`). A leap
/// second (`10:00:60Z`, which RFC 3339 allows) is the minute it ends, `10:01:00Z`, as the
/// window counts it: kept in chrono's leap-second form, it would be written back as
/// `10:00:60` (report.json's period, the KQL queries' `datetime(...)`), which Kusto and most
/// readers refuse.
pub fn parse_time_bound(s: &str) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(leap_second_ends(d.with_timezone(&Utc)));
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    }
    Err(format!(
        "{s:?} is neither RFC 3339 (2026-11-24T19:00:00Z) nor a date (2026-11-24)"
    ))
}

/// A leap second (`10:00:60.5`) as the same time after the minute it ends (`10:01:00.5`).
fn leap_second_ends(t: DateTime<Utc>) -> DateTime<Utc> {
    match t.nanosecond().checked_sub(1_000_000_000) {
        Some(n) => t
            .with_nanosecond(n)
            .map_or(t, |t| t + chrono::TimeDelta::seconds(1)),
        None => t,
    }
}

/// A span in whole seconds, a part of one counted as one: `--bucket auto` goes daily past three
/// days, and three days and 0.999 s are past them (as KQL's `span > 3d` has it).
pub fn ceil_seconds(d: chrono::TimeDelta) -> i64 {
    d.num_seconds() + i64::from(d.subsec_nanos() > 0)
}

/// A UTC day `YYYY-MM-DD`, as days since the epoch.
pub fn parse_day(s: &str) -> Option<i64> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    Some(
        d.and_hms_opt(0, 0, 0)?
            .and_utc()
            .timestamp()
            .div_euclid(DAY),
    )
}

/// A UTC day (days since the epoch) as `YYYY-MM-DD`.
pub fn day_text(day: i64) -> String {
    secs_text(day * DAY, "%Y-%m-%d")
}

/// A time (seconds since the epoch) in UTC as `pattern` (`strftime`) gives it; empty out of
/// range. The one place where times become text beside [`rfc3339`] and [`bucket_start`].
fn secs_text(secs: i64, pattern: &str) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|t| t.format(pattern).to_string())
        .unwrap_or_default()
}

/// The hour of a time (seconds since the epoch) as `YYYY-MM-DD HH:00`, in UTC.
pub fn hour_text(secs: i64) -> String {
    secs_text(secs, "%Y-%m-%d %H:00")
}

/// The time of day of a time (seconds since the epoch) as `HH:MM`, in UTC.
pub fn clock_text(secs: i64) -> String {
    secs_text(secs, "%H:%M")
}

/// A chart's tick (seconds since the epoch): `DD HH:00` on an hourly axis, else `MM-DD`.
pub fn tick_text(secs: i64, hourly: bool) -> String {
    secs_text(secs, if hourly { "%d %H:00" } else { "%m-%d" })
}

/// RFC 3339 in UTC with a `Z`, to the millisecond.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A bucket start (seconds since the epoch): RFC 3339 in UTC, to the second.
pub fn bucket_start(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The years a log time may fall in: anything else is a damaged value, not a call.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;

/// Day/month order of locale-formatted dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrder {
    /// Month first (en-US).
    Mdy,
    /// Day first.
    Dmy,
    /// Year first (ja-JP, ISO).
    Ymd,
}

impl DateOrder {
    /// The order in words, as warnings say it: `day-first`.
    pub fn words(self) -> &'static str {
        match self {
            DateOrder::Mdy => "month-first",
            DateOrder::Dmy => "day-first",
            DateOrder::Ymd => "year-first",
        }
    }

    /// The value of `--date-order` that gives it: `dmy`.
    pub fn flag(self) -> String {
        use clap::ValueEnum;
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// How times are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeRules {
    /// Day/month order of the portal's locale dates; `None` reads a locale date only when the
    /// value itself tells its order (`13/05/2026`, or en-US `5/5/2026, 1:00:00.000 PM`).
    pub order: Option<DateOrder>,
    /// The zone of `[Local Time]` values, which carry none; `None` reads them as UTC.
    pub local_offset: Option<LocalZone>,
}

/// Where `[Local Time]` values were written: a fixed offset (`--local-offset`), or an IANA
/// zone (`--local-tz`), whose offset follows daylight saving time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LocalZone {
    Fixed(FixedOffset),
    Tz(chrono_tz::Tz),
}

impl LocalZone {
    /// The UTC time of a local one. In a zone, a time that occurs twice (the hour the clocks
    /// go back) is read as the first, and one that does not occur (the hour they go forward)
    /// as the time an hour later, where the clock stood.
    pub fn to_utc(self, naive: NaiveDateTime) -> NaiveDateTime {
        use chrono::TimeZone;
        match self {
            LocalZone::Fixed(off) => naive.checked_sub_offset(off).unwrap_or(naive),
            LocalZone::Tz(tz) => tz
                .from_local_datetime(&naive)
                .earliest()
                .or_else(|| {
                    let later = naive.checked_add_signed(chrono::Duration::hours(1))?;
                    tz.from_local_datetime(&later).earliest()
                })
                .map_or(naive, |t| t.naive_utc()),
        }
    }
}

impl std::fmt::Display for LocalZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalZone::Fixed(off) => write!(f, "{off}"),
            LocalZone::Tz(tz) => write!(f, "{}", tz.name()),
        }
    }
}

/// Parses a time: RFC 3339 / ISO 8601 (any number of fraction digits, with or without offset,
/// a missing offset meaning UTC), or the portal's locale forms in `rules.order` (or, without
/// one, in the order the value itself tells). A `local` value carries no offset and is read at
/// `rules.local_offset`.
pub fn parse_time(s: &str, rules: &TimeRules, local: bool) -> Option<DateTime<Utc>> {
    let s = trim(s);
    // The fast readers never give a leap second: chrono's time of day takes seconds up to 59.
    if let Some(t) = fast_utc(s.as_bytes()) {
        return Some(t);
    }
    // Portal dates (`5/25/2023, 5:43:25.746 PM`) first when they are expected.
    let order = rules
        .order
        .or_else(|| s.contains('/').then(|| order_evidence(s)).flatten());
    let locale = match order {
        Some(order) => fast_locale(s.as_bytes(), order)
            .or_else(|| s.contains('/').then(|| parse_locale(s, order)).flatten()),
        _ => None,
    };
    let naive = match locale {
        Some(n) => n,
        None => {
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Some(no_leap_second(t.with_timezone(&Utc).naive_utc()).and_utc());
            }
            // A number since the epoch written as text: a CSV cell (Grafana's "Download CSV"
            // of raw values), a string of the az CLI's output.
            if let Some(t) = epoch_text(s).filter(|_| !local) {
                return Some(t);
            }
            no_leap_second(parse_naive_iso(s).or_else(|| parse_locale(s, order?))?)
        }
    };
    Some(match rules.local_offset {
        Some(zone) if local => zone.to_utc(naive).and_utc(),
        _ => naive.and_utc(),
    })
}

/// A time given as a number since the Unix epoch (pandas' `to_json` writes datetimes as
/// milliseconds): its unit told by its size, seconds, milliseconds, microseconds or
/// nanoseconds for a time from 2001 to 2286, else none.
pub fn from_epoch(n: f64) -> Option<DateTime<Utc>> {
    // (the smallest value of the unit for those years, units in a second)
    let units = [(1e9, 1.0), (1e12, 1e3), (1e15, 1e6), (1e18, 1e9)];
    let (_, per_second) = units.iter().find(|(lo, _)| (*lo..lo * 10.0).contains(&n))?;
    // Whole seconds, then the rest: a fraction of a second kept exact (`.25` is 250 ms).
    let secs = (n / per_second).floor();
    let nanos = ((n - secs * per_second) * (1e9 / per_second)).round();
    DateTime::from_timestamp(secs as i64, (nanos as u32).min(999_999_999))
}

/// [`from_epoch`] of a whole number, exact: through an f64, whose steps near 1.8e18 are 256,
/// a time in nanoseconds less than 128 ns before a second (`...59.999999999Z`) rounded up
/// into the next, and so into the next day at midnight.
pub fn from_epoch_int(n: i64) -> Option<DateTime<Utc>> {
    // (the smallest value of the unit for those years, units in a second)
    const UNITS: [(i64, i64); 4] = [
        (1_000_000_000, 1),
        (1_000_000_000_000, 1_000),
        (1_000_000_000_000_000, 1_000_000),
        (1_000_000_000_000_000_000, 1_000_000_000),
    ];
    let (_, per_second) = UNITS.iter().find(|(lo, _)| n >= *lo && n / 10 < *lo)?;
    let nanos = n.rem_euclid(*per_second) * (1_000_000_000 / per_second);
    DateTime::from_timestamp(n.div_euclid(*per_second), u32::try_from(nanos).ok()?)
}

/// [`from_epoch`] of a number written as text: 10 to 19 digits, a fraction after them or not
/// (without one, read exactly as [`from_epoch_int`]).
fn epoch_text(s: &str) -> Option<DateTime<Utc>> {
    let whole = s.split_once('.').map_or(s, |(w, _)| w);
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let fraction = s.get(whole.len() + 1..).unwrap_or("");
    if !(10..=19).contains(&whole.len()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    match s.parse::<i64>() {
        Ok(n) => from_epoch_int(n),
        Err(_) => from_epoch(s.parse().ok()?),
    }
}

/// A leap second (`23:59:60.5`) as the same time after the minute it ends (`00:00:00.5`), as
/// [`parse_time_bound`] reads it, so that a record's text and a flag's are one instant
/// (`--since 23:59:60Z` keeps a record of `23:59:60Z`), as Unix time counts it: written as
/// `:60` it is a time many readers of the reports refuse.
fn no_leap_second(t: NaiveDateTime) -> NaiveDateTime {
    match t.nanosecond().checked_sub(1_000_000_000) {
        Some(n) => t
            .with_nanosecond(n)
            .map_or(t, |t| t + chrono::TimeDelta::seconds(1)),
        None => t,
    }
}

/// The day/month order that the first locale datetime of a JSON export tells, scanning its
/// quoted strings; `(None, true)` when it has locale datetimes but none tells the order.
pub fn infer_order(text: &[u8]) -> (Option<DateOrder>, bool) {
    let mut seen = false;
    let mut rest = text;
    while let Some(open) = memchr::memchr(b'"', rest) {
        let after = &rest[open + 1..];
        let Some(close) = memchr::memchr(b'"', after) else {
            break;
        };
        let v = &after[..close];
        rest = &after[close + 1..];
        if !(8..=40).contains(&v.len()) || !v[0].is_ascii_digit() || !v.contains(&b'/') {
            continue;
        }
        let Ok(v) = std::str::from_utf8(v) else {
            continue;
        };
        if !v.contains(':') {
            continue;
        }
        match order_evidence(v) {
            Some(DateOrder::Ymd) => {}
            Some(o) => return (Some(o), true),
            None => seen = true,
        }
    }
    (None, seen)
}

/// The common case, `2026-11-24T19:57:40.4800000Z`, read without a general parser: fixed
/// positions, up to 9 fraction digits, `Z` or `+00:00`. Anything else returns `None`.
fn fast_utc(b: &[u8]) -> Option<DateTime<Utc>> {
    fn num(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = (i - start).min(9);
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits as u32);
    }
    match &b[i..] {
        b"Z" | b"z" | b"+00:00" | b"-00:00" => {}
        _ => return None,
    }
    let date = NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)?;
    let time =
        NaiveTime::from_hms_nano_opt(num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?, nanos)?;
    Some(date.and_time(time).and_utc())
}

fn parse_naive_iso(s: &str) -> Option<NaiveDateTime> {
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    // A UTC time with an offset but a space instead of T.
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(t.naive_utc());
    }
    None
}

/// The three numbers of a locale date (`5/25/2023`, `2020/10/16`, `16.07.2026`).
fn date_parts(s: &str) -> Option<[&str; 3]> {
    let mut it = s.split(['/', '.', '-']);
    let parts = [it.next()?, it.next()?, it.next()?];
    if it.next().is_some()
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(parts)
}

/// Splits `5/25/2023, 5:43:25.746 PM` into date text, time text and AM/PM.
fn locale_split(s: &str) -> Option<(&str, &str, Option<bool>)> {
    let s = s.trim();
    let (date, rest) = s.split_once([' ', 'T'])?;
    let date = date.trim_end_matches(',');
    let rest = rest.trim();
    let (time, pm) = if let Some(t) = rest.strip_suffix("PM").or_else(|| rest.strip_suffix("pm")) {
        (t.trim(), Some(true))
    } else if let Some(t) = rest.strip_suffix("AM").or_else(|| rest.strip_suffix("am")) {
        (t.trim(), Some(false))
    } else {
        (rest, None)
    };
    Some((date, time, pm))
}

/// `H:MM[:SS[.fff]]`, hours with one or two digits.
fn clock(s: &str) -> Option<NaiveTime> {
    let mut parts = s.splitn(3, ':');
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let h = num(parts.next()?)?;
    let m = num(parts.next()?)?;
    let (sec, nanos) = match parts.next() {
        None => (0, 0),
        Some(rest) => {
            let (sec, frac) = rest.split_once('.').unwrap_or((rest, ""));
            if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let nanos = if frac.is_empty() {
                0
            } else {
                frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
            };
            (num(sec)?, nanos)
        }
    };
    // A leap second (`11:59:60 PM`), which chrono's time of day takes as second 59 and a
    // fraction of 1 or more, read as the minute it ends by [`parse_locale`] as an RFC 3339
    // time's is; tried only when the time is no other.
    NaiveTime::from_hms_nano_opt(h, m, sec, nanos).or_else(|| {
        (sec == 60)
            .then(|| NaiveTime::from_hms_nano_opt(h, m, 59, nanos + 1_000_000_000))
            .flatten()
    })
}

/// The portal's usual form, `11/24/2026, 1:00:00.000 PM` (or `24/11/2026 13:00:00.000`), read
/// by position: two-digit minutes and seconds, `/` between date parts, a four-digit year, one
/// space, upper-case AM/PM. Anything else returns `None` for [`parse_locale`], which reads the
/// same values the same way.
fn fast_locale(b: &[u8], order: DateOrder) -> Option<NaiveDateTime> {
    /// Digits from `b[*i]` up to `max` of them (at least one), advancing `i`.
    fn digits(b: &[u8], i: &mut usize, max: usize) -> Option<(u32, usize)> {
        let start = *i;
        let mut v = 0u32;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            v = v * 10 + u32::from(b[*i] - b'0');
            *i += 1;
        }
        (*i > start).then_some((v, *i - start))
    }
    fn eat(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
        (b.get(*i) == Some(&c)).then(|| *i += 1)
    }
    let mut i = 0;
    let (a, _) = digits(b, &mut i, 2)?;
    eat(b, &mut i, b'/')?;
    let (m_or_d, _) = digits(b, &mut i, 2)?;
    eat(b, &mut i, b'/')?;
    let (y, ylen) = digits(b, &mut i, 4)?;
    if ylen != 4 || b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if b.get(i) == Some(&b',') {
        i += 1;
    }
    eat(b, &mut i, b' ')?;
    let (h, _) = digits(b, &mut i, 2)?;
    eat(b, &mut i, b':')?;
    let (min, 2) = digits(b, &mut i, 2)? else {
        return None;
    };
    eat(b, &mut i, b':')?;
    let (sec, 2) = digits(b, &mut i, 2)? else {
        return None;
    };
    let mut nanos = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let (f, n) = digits(b, &mut i, 9)?;
        nanos = f * 10u32.pow(9 - n as u32);
    }
    let pm = match &b[i..] {
        b"" => None,
        b" AM" => Some(false),
        b" PM" => Some(true),
        _ => return None,
    };
    let (m, d) = match order {
        DateOrder::Mdy => (a, m_or_d),
        DateOrder::Dmy => (m_or_d, a),
        DateOrder::Ymd => return None,
    };
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(date.and_time(NaiveTime::from_hms_nano_opt(h, min, sec, nanos)?))
}

/// Parses the portal's locale datetimes with a known day/month order; a leap second
/// (`1/25/2026 11:59:60 PM`) is the minute it ends, as in RFC 3339 ([`no_leap_second`]).
pub fn parse_locale(s: &str, order: DateOrder) -> Option<NaiveDateTime> {
    let (date, time, pm) = locale_split(s)?;
    let [a, b, c] = date_parts(date)?;
    let n = |x: &str| x.parse::<u32>().ok();
    let (y, m, d) = if a.len() == 4 {
        (n(a)?, n(b)?, n(c)?)
    } else {
        match order {
            DateOrder::Mdy => (n(c)?, n(a)?, n(b)?),
            DateOrder::Dmy => (n(c)?, n(b)?, n(a)?),
            DateOrder::Ymd => (n(a)?, n(b)?, n(c)?),
        }
    };
    let y = if y < 100 { y + 2000 } else { y };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    let mut t = clock(time)?;
    if let Some(pm) = pm {
        use chrono::Timelike;
        let h = t.hour();
        if !(1..=12).contains(&h) {
            return None;
        }
        let h24 = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        t = t.with_hour(h24)?;
    }
    Some(no_leap_second(date.and_time(t)))
}

/// What one datetime value says about the day/month order: `None` when it cannot tell.
pub fn order_evidence(s: &str) -> Option<DateOrder> {
    let (date, _time, pm) = locale_split(s)?;
    let [a, b, _] = date_parts(date)?;
    if a.len() == 4 {
        return Some(DateOrder::Ymd);
    }
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    if a > 12 && b <= 12 {
        Some(DateOrder::Dmy)
    } else if b > 12 && a <= 12 {
        Some(DateOrder::Mdy)
    } else if pm.is_some() && s.contains(',') {
        // `5/5/2023, 5:43:25.746 PM` is the en-US form of the portal.
        Some(DateOrder::Mdy)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_since_the_epoch_is_read_by_its_size() {
        let t = |n: f64| from_epoch(n).map(rfc3339);
        let want = Some("2024-11-24T10:00:00.000Z".to_string());
        for n in [1732442400.0, 1732442400e3, 1732442400e6, 1732442400e9] {
            assert_eq!(t(n), want, "{n}");
        }
        assert_eq!(
            from_epoch(1732442400.5).map(|t| t.timestamp_millis()),
            Some(1732442400500)
        );
        // Not a time of these years in any unit.
        for n in [0.0, -1.0, 86400.0, 5e10, 1e19, f64::NAN, f64::INFINITY] {
            assert_eq!(t(n), None, "{n}");
        }
    }

    /// A whole number is read exactly: 1795823999999999999 ns is 2026-11-27T23:59:59.999999999Z,
    /// which through an f64 (steps of 256 near 1.8e18) had been the next day's midnight.
    #[test]
    fn a_whole_number_since_the_epoch_is_read_exactly() {
        let last = "2026-11-27T23:59:59.999Z".to_string();
        assert_eq!(
            from_epoch_int(1_795_823_999_999_999_999).map(rfc3339),
            Some(last.clone())
        );
        assert_eq!(
            from_epoch_int(1_795_823_999_999_999_999).map(|t| t.nanosecond()),
            Some(999_999_999)
        );
        let rules = TimeRules::default();
        assert_eq!(
            parse_time("1795823999999999999", &rules, false).map(rfc3339),
            Some(last)
        );
        for (n, want) in [
            (1_732_442_400, "2024-11-24T10:00:00.000Z"),
            (1_732_442_400_500, "2024-11-24T10:00:00.500Z"),
            (1_732_442_400_000_001, "2024-11-24T10:00:00.000Z"),
        ] {
            assert_eq!(from_epoch_int(n).map(rfc3339).as_deref(), Some(want), "{n}");
        }
        // Not a time of these years in any unit, as from_epoch.
        for n in [0, -1, 86_400, 50_000_000_000, i64::MIN] {
            assert_eq!(from_epoch_int(n), None, "{n}");
        }
    }

    /// Grafana's CSV of raw values writes times as epoch milliseconds: read as the same
    /// numbers in JSON are, not a `no parseable time` reject a row.
    #[test]
    fn a_number_since_the_epoch_as_text_is_read() {
        let rules = TimeRules::default();
        let t = |s: &str, local: bool| parse_time(s, &rules, local).map(rfc3339);
        let want = Some("2024-11-24T10:00:00.000Z".to_string());
        for s in [
            "1732442400",
            "1732442400000",
            " 1732442400000 ",
            "1732442400.0",
        ] {
            assert_eq!(t(s, false), want, "{s}");
        }
        assert_eq!(
            t("1732442400500", false).as_deref(),
            Some("2024-11-24T10:00:00.500Z")
        );
        // Not a time: too few digits, a sign, digits among other text, a local time column.
        for s in [
            "86400",
            "-1732442400",
            "1732442400x",
            "17324424.00",
            "1.7e12",
        ] {
            assert_eq!(t(s, false), None, "{s}");
        }
        assert_eq!(t("1732442400000", true), None);
    }

    #[test]
    fn time_bounds() {
        assert_eq!(
            parse_time_bound("2026-11-24").unwrap().to_rfc3339(),
            "2026-11-24T00:00:00+00:00"
        );
        assert_eq!(
            parse_time_bound("2026-11-24T19:00:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2026-11-24T18:00:00+00:00"
        );
        assert!(parse_time_bound("yesterday").is_err());
        assert_eq!(day_text(parse_day("2026-11-24").unwrap()), "2026-11-24");
    }

    fn t(s: &str) -> String {
        parse_time(s, &TimeRules::default(), false)
            .unwrap()
            .to_rfc3339()
    }

    /// A leap second in a record is the minute it ends, the same instant as in a flag: the
    /// same text is one time in a record and in `--since` (rev62a; it had been the end of the
    /// second before, so a record of `1999-12-31T23:59:60Z` was of 1999 and rejected).
    #[test]
    fn a_leap_second_is_the_minute_it_ends_as_in_a_flag() {
        for (s, want) in [
            ("2026-01-05T23:59:60Z", "2026-01-06T00:00:00.000Z"),
            ("2026-01-05T23:59:60.5Z", "2026-01-06T00:00:00.500Z"),
            ("2026-01-05 23:59:60", "2026-01-06T00:00:00.000Z"),
            ("2026-01-05T23:59:60+01:00", "2026-01-05T23:00:00.000Z"),
            ("1999-12-31T23:59:60Z", "2000-01-01T00:00:00.000Z"),
        ] {
            let got = parse_time(s, &TimeRules::default(), false);
            assert_eq!(got.map(rfc3339).as_deref(), Some(want), "{s}");
            assert!(got.unwrap().nanosecond() < 1_000_000_000, "{s}");
            if s.contains('T') {
                assert_eq!(got, parse_time_bound(s).ok(), "{s}");
            }
        }
    }

    /// The portal's locale form of a leap second is the time its RFC 3339 form is, the minute
    /// it ends (it was a reject: the clock took seconds up to 59 only); so with a local zone.
    #[test]
    fn a_locale_leap_second_is_the_same_time_as_its_rfc3339_form() {
        let berlin = TimeRules {
            local_offset: Some(LocalZone::Tz(chrono_tz::Europe::Berlin)),
            ..TimeRules::default()
        };
        for (locale, iso, rules, local) in [
            (
                "1/25/2026 11:59:60 PM",
                "2026-01-25T23:59:60Z",
                TimeRules::default(),
                false,
            ),
            (
                "1/25/2026, 11:59:60.250 PM",
                "2026-01-25T23:59:60.25Z",
                TimeRules::default(),
                false,
            ),
            (
                "25/01/2026 23:59:60",
                "2026-01-25T23:59:60Z",
                TimeRules::default(),
                false,
            ),
            (
                "12/31/1999 11:59:60 PM",
                "1999-12-31T23:59:60Z",
                TimeRules::default(),
                false,
            ),
            (
                "1/25/2026 10:29:60 AM",
                "2026-01-25T10:29:60+01:00",
                berlin,
                true,
            ),
        ] {
            let got = parse_time(locale, &rules, local);
            assert!(got.is_some(), "{locale}");
            assert_eq!(
                got,
                parse_time(iso, &TimeRules::default(), false),
                "{locale}"
            );
            assert_eq!(got, parse_time_bound(iso).ok(), "{locale}");
            assert!(got.unwrap().nanosecond() < 1_000_000_000, "{locale}");
        }
        // Second 61 is no time, as before.
        assert_eq!(
            parse_time("1/25/2026 11:59:61 PM", &TimeRules::default(), false),
            None
        );
    }

    /// A bound at a leap second is the minute it ends, and is written so: not `10:00:60`, in
    /// report.json and the KQL queries.
    #[test]
    fn a_leap_second_bound_is_the_next_minute() {
        for (s, want) in [
            ("2026-11-24T10:00:60Z", "2026-11-24T10:01:00.000Z"),
            ("2026-11-24T10:00:60.250Z", "2026-11-24T10:01:00.250Z"),
            ("2026-11-24T23:59:60Z", "2026-11-25T00:00:00.000Z"),
            ("2026-11-24T23:59:60+01:00", "2026-11-24T23:00:00.000Z"),
        ] {
            let t = parse_time_bound(s).unwrap();
            assert_eq!(rfc3339(t), want, "{s}");
            assert!(t.nanosecond() < 1_000_000_000, "{s}");
        }
        // Counted as before: the same instant as the next minute.
        let (leap, next) = (
            parse_time_bound("2026-11-24T10:00:60Z").unwrap(),
            parse_time_bound("2026-11-24T10:01:00Z").unwrap(),
        );
        assert_eq!(leap, next);
        assert_eq!(leap.timestamp_millis(), next.timestamp_millis());
    }

    fn loc(s: &str, o: DateOrder) -> String {
        parse_locale(s, o).unwrap().to_string()
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            t("2026-11-24T19:57:40.48Z"),
            "2026-11-24T19:57:40.480+00:00"
        );
        assert_eq!(
            t("2022-09-13T00:55:08.2240104+00:00"),
            "2022-09-13T00:55:08.224010400+00:00"
        );
        assert_eq!(t("2026-11-24T20:00:00+01:00"), "2026-11-24T19:00:00+00:00");
        assert_eq!(t("2026-11-24 19:57:40"), "2026-11-24T19:57:40+00:00");
        assert!(parse_time("yesterday", &TimeRules::default(), false).is_none());
        // Without a day/month order, a locale date that tells its own is read; others not.
        assert_eq!(
            t("5/25/2023, 5:43:25.746 PM"),
            "2023-05-25T17:43:25.746+00:00"
        );
        assert_eq!(
            t("25/05/2023 17:43:25.746"),
            "2023-05-25T17:43:25.746+00:00"
        );
        assert!(parse_time("05/06/2026 20:26:12.030", &TimeRules::default(), false).is_none());
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2026-11-24T19:57:40.4800000Z",
            "2026-11-24T19:57:40Z",
            "2026-11-24T19:57:40.1+00:00",
            "2026-11-24T19:57:40.123456789123Z",
            "2024-02-29T00:00:00.000Z",
        ] {
            let fast = fast_utc(s.as_bytes()).unwrap();
            let slow = DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
            assert_eq!(fast, slow, "{s}");
        }
        for s in [
            "2026-11-24T19:57:40+01:00",
            "2026-02-30T00:00:00Z",
            "2026-11-24T25:00:00Z",
            "2026-11-24T19:57:40.Z",
            "2026-11-24 19:57:40",
        ] {
            assert!(fast_utc(s.as_bytes()).is_none(), "{s}");
        }
    }

    #[test]
    fn en_us_am_pm_edges() {
        let o = DateOrder::Mdy;
        assert_eq!(
            loc("5/25/2023, 5:43:25.746 PM", o),
            "2023-05-25 17:43:25.746"
        );
        assert_eq!(loc("5/25/2023, 12:01:00.000 AM", o), "2023-05-25 00:01:00");
        assert_eq!(loc("5/25/2023, 12:01:00.000 PM", o), "2023-05-25 12:01:00");
        assert_eq!(
            loc("5/25/2023, 11:59:59.999 PM", o),
            "2023-05-25 23:59:59.999"
        );
        assert_eq!(loc("11/24/2026, 1:00:00.000 AM", o), "2026-11-24 01:00:00");
        assert!(parse_locale("5/25/2023, 13:00:00.000 PM", o).is_none());
    }

    #[test]
    fn fast_locale_reads_what_parse_locale_reads() {
        let mut checked = 0;
        for date in [
            "11/24/2026",
            "1/2/2026",
            "24/11/2026",
            "2/30/2026",
            "13/13/2026",
            "11/24/26",
            "11/24/20260",
            "11-24-2026",
        ] {
            for sep in [", ", " ", ",  ", "T"] {
                for time in [
                    "1:00:00.000",
                    "12:59:59.9",
                    "00:00:00",
                    "13:05:07.123456789",
                    "1:2:03",
                    "9:00:00.1234567891",
                    "24:00:00",
                ] {
                    for suffix in ["", " AM", " PM", " pm", "PM"] {
                        let s = format!("{date}{sep}{time}{suffix}");
                        for order in [DateOrder::Mdy, DateOrder::Dmy] {
                            if let Some(fast) = fast_locale(s.as_bytes(), order) {
                                assert_eq!(Some(fast), parse_locale(&s, order), "{s}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 50, "{checked}");
        assert_eq!(
            fast_locale(b"11/24/2026, 12:07:03.005 AM", DateOrder::Mdy)
                .unwrap()
                .to_string(),
            "2026-11-24 00:07:03.005"
        );
    }

    #[test]
    fn ymd_and_day_first() {
        assert_eq!(
            loc("2020/10/16 0:00:01.403", DateOrder::Mdy),
            "2020-10-16 00:00:01.403"
        );
        assert_eq!(
            loc("16/07/2026 20:26:12.030", DateOrder::Dmy),
            "2026-07-16 20:26:12.030"
        );
        assert!(parse_locale("16/07/2026 20:26:12.030", DateOrder::Mdy).is_none());
    }

    #[test]
    fn local_offset_is_applied() {
        let rules = TimeRules {
            order: Some(DateOrder::Dmy),
            local_offset: Some(LocalZone::Fixed(FixedOffset::east_opt(3600).unwrap())),
        };
        assert_eq!(
            parse_time("16/07/2026 20:26:12.030", &rules, true)
                .unwrap()
                .to_rfc3339(),
            "2026-07-16T19:26:12.030+00:00"
        );
        // Only to values that carry no offset of their own.
        assert_eq!(
            parse_time("16/07/2026 20:26:12.030", &rules, false)
                .unwrap()
                .to_rfc3339(),
            "2026-07-16T20:26:12.030+00:00"
        );
    }

    #[test]
    fn the_order_of_a_json_export_is_inferred_from_its_values() {
        let doc = br#"[{"TimeGenerated [UTC]": "5/6/2023, 7:57:40.480 PM", "x": "3/6/23"},
            {"TimeGenerated [UTC]": "24/05/2023 19:57:40.480"}]"#;
        assert_eq!(infer_order(doc), (Some(DateOrder::Mdy), true));
        assert_eq!(
            infer_order(br#"{"t": "05/06/2023 19:57:40"}"#),
            (None, true)
        );
        assert_eq!(
            infer_order(br#"{"t": "2026-11-24T00:00:00Z"}"#),
            (None, false)
        );
    }

    #[test]
    fn order_inference() {
        assert_eq!(
            order_evidence("16/07/2026 20:26:12.030"),
            Some(DateOrder::Dmy)
        );
        assert_eq!(
            order_evidence("7/16/2026, 8:26:12.030 PM"),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            order_evidence("5/5/2026, 8:26:12.030 PM"),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            order_evidence("2020/10/16 0:00:01.403"),
            Some(DateOrder::Ymd)
        );
        assert_eq!(order_evidence("05/06/2026 20:26:12.030"), None);
    }
}
