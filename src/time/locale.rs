//! The portal's locale datetimes (`11/24/2026, 1:00:00.000 PM`, `24.11.2026 13:00:00`): their
//! day/month order told by the values, and their parse, by position for the usual form.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::layout::{byte, fraction, pairs, word, word_to_end, Layout};
use super::{no_leap_second, DateOrder};

/// The day/month order that the first locale datetime of a JSON export tells, scanning its
/// quoted strings; `(None, true)` when it has locale datetimes but none tells the order.
/// Each value that does not tell the order is handed to `undecided` (the warning of a guess
/// names the dates they were given).
pub fn infer_order(text: &[u8], mut undecided: impl FnMut(&str)) -> (Option<DateOrder>, bool) {
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
            None => {
                seen = true;
                undecided(v);
            }
        }
    }
    (None, seen)
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
pub(super) fn fast_locale(b: &[u8], order: DateOrder) -> Option<NaiveDateTime> {
    const CLOCK: Layout = Layout::new(b"00:00???");
    let (date, mut i) = match SEEN_DATE.get().of(b, order) {
        Some(seen) => seen,
        None => locale_date(b, order)?,
    };
    if b[i] == b',' {
        i += 1;
    }
    if b.get(i) != Some(&b' ') {
        return None;
    }
    let (h, mut i) = fast_number(b, i + 1, b':')?;
    // `mm:ss`, the last five bytes of a time of neither fraction nor AM/PM.
    let clock = pairs(CLOCK.digits(word_to_end(b, i)?)?);
    let (min, sec) = (byte(clock, 0), byte(clock, 3));
    i += 5;
    let mut nanos = 0;
    if b.get(i) == Some(&b'.') {
        let (f, end) = fraction(b, i + 1)?;
        // Up to nine digits, as parse_locale reads them.
        if end - (i + 1) > 9 {
            return None;
        }
        (nanos, i) = (f, end);
    }
    let pm = match &b[i..] {
        b"" => None,
        b" AM" => Some(false),
        b" PM" => Some(true),
        _ => return None,
    };
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    Some(date.and_time(NaiveTime::from_hms_nano_opt(h, min, sec, nanos)?))
}

/// One or two digits from `b[i]` and `sep` after them: their number, and where the byte after
/// `sep` is.
#[inline(always)]
fn fast_number(b: &[u8], i: usize, sep: u8) -> Option<(u32, usize)> {
    let first = b.get(i)?.wrapping_sub(b'0');
    let next = *b.get(i + 1)?;
    if first > 9 {
        return None;
    }
    if next == sep {
        return Some((u32::from(first), i + 2));
    }
    let second = next.wrapping_sub(b'0');
    (second <= 9 && b.get(i + 2) == Some(&sep))
        .then(|| (u32::from(first) * 10 + u32::from(second), i + 3))
}

/// The date of [`fast_locale`]'s form (`11/24/2026`) at the start of `b` in `order`, with
/// where the byte after its year is; `None` for any other start, or a date that is none
/// (`2/30/2026`). A date read is kept as this thread's [`SEEN_DATE`].
#[inline(never)]
fn locale_date(b: &[u8], order: DateOrder) -> Option<(NaiveDate, usize)> {
    const YEAR: Layout = Layout::new(b"0000????");
    let (a, i) = fast_number(b, 0, b'/')?;
    let (m_or_d, i) = fast_number(b, i, b'/')?;
    // A year and at least ` 1:00` after it.
    if b.len() < i + 8 {
        return None;
    }
    let year = pairs(YEAR.digits(word(b, i))?);
    let y = byte(year, 0) * 100 + byte(year, 2);
    let (m, d) = match order {
        DateOrder::Mdy => (a, m_or_d),
        DateOrder::Dmy => (m_or_d, a),
        DateOrder::Ymd => return None,
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    SEEN_DATE.set(SeenDate::new(b, i + 4, order, date));
    Some((date, i + 4))
}

/// The last date [`locale_date`] read on a thread: a file's rows share their date for hours
/// (stop 68: the date's reading and `from_ymd_opt` were about 100 of the 262 instructions of
/// a portal CSV row's time). What it keeps is what the date's bytes alone give, so any thread
/// may read any file by it.
#[derive(Clone, Copy)]
pub(super) struct SeenDate {
    /// The date's bytes (`11/24/2026`, 8 to 10), the first in the low byte, zero past them.
    text: u128,
    /// Ones over the bytes of `text`.
    mask: u128,
    /// Where the byte after the year is: the date's length.
    len: usize,
    order: DateOrder,
    date: NaiveDate,
}

impl SeenDate {
    /// None yet: its length of zero matches no text.
    pub(super) const NONE: SeenDate = SeenDate {
        text: 0,
        mask: 0,
        len: 0,
        order: DateOrder::Ymd,
        date: NaiveDate::MIN,
    };

    /// The date `date` that `b[..len]` spells in `order`.
    pub(super) fn new(b: &[u8], len: usize, order: DateOrder, date: NaiveDate) -> SeenDate {
        let mut text = [0u8; 16];
        text[..len].copy_from_slice(&b[..len]);
        let mask = u128::MAX >> (8 * (16 - len));
        SeenDate {
            text: u128::from_le_bytes(text),
            mask,
            len,
            order,
            date,
        }
    }

    /// The date and its length when `b` starts with this date's bytes in the same order. Only
    /// a text of 16 bytes or more is compared (a shorter one is read again): it has the 4 bytes
    /// [`locale_date`] asks after a year, which ends by the 10th.
    #[inline(always)]
    pub(super) fn of(self, b: &[u8], order: DateOrder) -> Option<(NaiveDate, usize)> {
        let first: &[u8; 16] = b.first_chunk()?;
        let same = (u128::from_le_bytes(*first) & self.mask) == self.text;
        (same && self.len != 0 && order == self.order).then_some((self.date, self.len))
    }
}

thread_local! {
    pub(super) static SEEN_DATE: std::cell::Cell<SeenDate> = const { std::cell::Cell::new(SeenDate::NONE) };
}

/// Parses the portal's locale datetimes with a known day/month order; a leap second
/// (`1/25/2026 11:59:60 PM`) is the minute it ends, as in RFC 3339 ([`no_leap_second`]).
pub fn parse_locale(s: &str, order: DateOrder) -> Option<NaiveDateTime> {
    let (date, time, pm) = locale_split(s)?;
    let [a, b, c] = date_parts(date)?;
    let n = |x: &str| x.parse::<u32>().ok();
    let (year, m, d) = if a.len() == 4 {
        (a, n(b)?, n(c)?)
    } else {
        match order {
            DateOrder::Mdy => (c, n(a)?, n(b)?),
            DateOrder::Dmy => (c, n(b)?, n(a)?),
            DateOrder::Ymd => (a, n(b)?, n(c)?),
        }
    };
    // A year of two digits (`11/24/26`, Excel's short date) is this century's; one of more is
    // the year it writes, as the fast reader and ISO text read it (`1/1/0026` is the year 26,
    // outside the years of a log, not 2026).
    let y = n(year)? + if year.len() <= 2 { 2000 } else { 0 };
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
    } else if pm.is_some() && s.contains(',') && s.trim_end().ends_with('M') {
        // `5/5/2023, 5:43:25.746 PM` is the en-US form of the portal. A lower-case `pm` is
        // the day-first locales' (en-AU `05/11/2026, 8:26:12.030 pm`, en-IN, en-NZ): it
        // tells nothing, and a file of such dates alone is guessed, with its warning (rev69a
        // F7: read month-first without a word).
        Some(DateOrder::Mdy)
    } else {
        None
    }
}
