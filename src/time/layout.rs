//! Digits at fixed positions read eight bytes at a time ([`Layout`] and its word helpers),
//! and the common RFC 3339 time read so without a general parser ([`fast_utc`]).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// The common case, `2026-11-24T19:57:40.4800000Z`, read without a general parser: fixed
/// positions read eight bytes at a time, any number of fraction digits (those past nine passed
/// over), `Z` or `+00:00`. Anything else returns `None`.
pub(super) fn fast_utc(b: &[u8]) -> Option<DateTime<Utc>> {
    const DATE: Layout = Layout::new(b"0000-00-");
    const DAY_HOUR: Layout = Layout::new(b"00t00:00");
    const SECONDS: Layout = Layout::new(b"0:00:00?");
    if b.len() < 20 {
        return None;
    }
    let date = pairs(DATE.digits(word(b, 0))?);
    // `T` or `t`: the case bit set makes both `t`.
    let day_hour = pairs(DAY_HOUR.digits(word(b, 8) | 0x20 << 16)?);
    let seconds = pairs(SECONDS.digits(word(b, 12))?);
    let (nanos, i) = match b[19] {
        b'.' => fraction(b, 20)?,
        _ => (0, 19),
    };
    match &b[i..] {
        b"Z" | b"z" | b"+00:00" | b"-00:00" => {}
        _ => return None,
    }
    let year = byte(date, 0) * 100 + byte(date, 2);
    let date = NaiveDate::from_ymd_opt(year as i32, byte(date, 5), byte(day_hour, 0))?;
    let (h, m, s) = (byte(day_hour, 3), byte(day_hour, 6), byte(seconds, 5));
    Some(
        date.and_time(NaiveTime::from_hms_nano_opt(h, m, s, nanos)?)
            .and_utc(),
    )
}

/// The bytes of a fixed layout of up to eight: `0` where a digit goes, `?` for any byte, any
/// other byte itself. [`Layout::digits`] reads a word of text against it.
pub(super) struct Layout {
    /// 0xFF in each byte that holds a digit.
    digits: u64,
    /// 0xFF in each byte that must be the layout's own.
    fixed: u64,
    /// Those bytes.
    bytes: u64,
}

/// Eight copies of a byte.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

impl Layout {
    pub(super) const fn new(t: &[u8; 8]) -> Layout {
        let (mut digits, mut fixed, mut bytes) = (0, 0, 0);
        let mut i = 0;
        while i < 8 {
            let shift = 8 * i;
            match t[i] {
                b'0' => digits |= 0xFF << shift,
                b'?' => {}
                c => {
                    fixed |= 0xFF << shift;
                    bytes |= (c as u64) << shift;
                }
            }
            i += 1;
        }
        Layout {
            digits,
            fixed,
            bytes,
        }
    }

    /// The digits of `w` (eight bytes of text, the first in the low byte) as their values, a
    /// byte each (0 where the layout has no digit), when every digit of the layout is an ASCII
    /// digit there and every fixed byte is the layout's. All bytes tested at once: a byte is a
    /// digit when its high nibble is 3 and adding 6 leaves it 3 (no byte of 0x30-0x39 carries
    /// into the next; a byte that carries is itself refused).
    #[inline(always)]
    pub(super) fn digits(&self, w: u64) -> Option<u64> {
        if w & self.fixed != self.bytes {
            return None;
        }
        let d = (w & self.digits) | (splat(b'0') & !self.digits);
        let high = d & splat(0xF0);
        let after = (d.wrapping_add(splat(0x06)) & splat(0xF0)) >> 4;
        ((high | after) == splat(0x33)).then(|| d - splat(b'0'))
    }
}

/// The eight bytes of `b` from `at` as a word, the first in the low byte.
#[inline(always)]
pub(super) fn word(b: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// [`word`], with zeros for the bytes past the end of `b` (read as the end of a word of `b`,
/// moved down: no copy); `None` when `b` is shorter than eight bytes or `at` past its end.
#[inline(always)]
pub(super) fn word_to_end(b: &[u8], at: usize) -> Option<u64> {
    if at + 8 <= b.len() {
        return Some(word(b, at));
    }
    let past = (at + 8).checked_sub(b.len()).filter(|&p| p <= 8)?;
    let last = word(b, b.len().checked_sub(8)?);
    Some(last.checked_shr(8 * past as u32).unwrap_or(0))
}

/// Each byte of `d` (digit values, the first in the low byte) with ten times itself plus the
/// next: the two-digit number that starts there (no byte carries: 99 at most).
#[inline(always)]
pub(super) fn pairs(d: u64) -> u64 {
    d * 10 + (d >> 8)
}

/// Byte `i` of `w`.
#[inline(always)]
pub(super) fn byte(w: u64, i: u32) -> u32 {
    (w >> (8 * i)) as u32 & 0xFF
}

/// The number of eight digits (values a byte each, the first in the low byte): three steps that
/// each join neighbours, two digits, then four, then eight.
#[inline(always)]
fn eight_digits(d: u64) -> u32 {
    let d = pairs(d) & 0x00FF_00FF_00FF_00FF;
    let d = (d * 100 + (d >> 16)) & 0x0000_FFFF_0000_FFFF;
    (d * 10_000 + (d >> 32)) as u32
}

/// The digits of a fraction of a second from `b[i]` as nanoseconds (digits past nine passed
/// over), and where they end; `None` without a digit.
#[inline(always)]
pub(super) fn fraction(b: &[u8], mut i: usize) -> Option<(u32, usize)> {
    let start = i;
    if let Some(w) = word_to_end(b, start) {
        // Eight bytes at once: how many lead with a digit, the rest made zeros.
        let x = w ^ splat(b'0');
        let not_digit = (((x & splat(0x7F)) + splat(0x76)) | x) & splat(0x80);
        let n = not_digit.trailing_zeros() / 8;
        if n < 8 {
            if n == 0 {
                return None;
            }
            let kept = x & ((1u64 << (8 * n)) - 1);
            return Some((eight_digits(kept) * 10, start + n as usize));
        }
    }
    let mut nanos = 0u32;
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
    Some((nanos * 10u32.pow(9 - digits as u32), i))
}
