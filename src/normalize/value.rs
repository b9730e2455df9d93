//! A source value as any shape gave it ([`Val`]): a string, a number, a boolean or null,
//! borrowed from the input where it can be, and how it reads as text, an integer or a number.

use std::borrow::Cow;

use crate::record::{excerpt, trim};

/// A source value as any shape gave it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val<'a> {
    #[default]
    Missing,
    Null,
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An object or array where a scalar was expected.
    Other,
}

impl<'a> Val<'a> {
    pub fn into_owned(self) -> Val<'static> {
        match self {
            Val::Missing => Val::Missing,
            Val::Null => Val::Null,
            Val::Str(s) => Val::Str(Cow::Owned(s.into_owned())),
            Val::Int(i) => Val::Int(i),
            Val::Float(f) => Val::Float(f),
            Val::Bool(b) => Val::Bool(b),
            Val::Other => Val::Other,
        }
    }

    /// Absent, null, or one of the spellings exports use for null.
    #[inline(always)]
    pub fn is_nullish(&self) -> bool {
        match self {
            Val::Missing | Val::Null => true,
            Val::Str(s) => {
                // Most values need no trim (see `trim`), and are not four bytes long.
                let t = trim(s);
                t.is_empty() || t == "None" || t.eq_ignore_ascii_case("null")
            }
            _ => false,
        }
    }

    /// The value as text, empty when nullish. Inline for what most values are (absent, empty,
    /// or text that [`plain`] tells is not nullish and needs no trim), [`Self::text_rest`] for
    /// the rest.
    #[inline(always)]
    pub(super) fn text(&self) -> Cow<'a, str> {
        match self {
            Val::Missing | Val::Null => Cow::Borrowed(""),
            Val::Str(Cow::Borrowed(s)) if plain(s) => Cow::Borrowed(s),
            Val::Str(s) if s.is_empty() => Cow::Borrowed(""),
            _ => self.text_rest(),
        }
    }

    /// [`Self::text`] of any value.
    #[inline(never)]
    pub(super) fn text_rest(&self) -> Cow<'a, str> {
        if self.is_nullish() {
            return Cow::Borrowed("");
        }
        match self {
            Val::Str(s) => s.clone(),
            Val::Int(i) => Cow::Owned(i.to_string()),
            Val::Float(f) => Cow::Owned(f.to_string()),
            Val::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            _ => Cow::Borrowed(""),
        }
    }

    /// An integer code: a JSON number, or text holding one (az CLI and CSV give text). Inline
    /// for absent or null, a number and text of one to nine digits, [`Self::integer_rest`] for
    /// the rest.
    #[inline(always)]
    pub(super) fn integer(&self) -> Result<Option<u32>, String> {
        match self {
            Val::Missing | Val::Null => Ok(None),
            Val::Int(i) => u32::try_from(*i)
                .map(Some)
                .map_err(|_| format!("{i} (out of range)")),
            Val::Str(s) => match digits(s) {
                Some(v) => Ok(Some(v)),
                None => self.integer_rest(),
            },
            _ => self.integer_rest(),
        }
    }

    /// [`Self::integer`] of any value.
    #[inline(never)]
    pub(super) fn integer_rest(&self) -> Result<Option<u32>, String> {
        if self.is_nullish() {
            return Ok(None);
        }
        // What is wrong with a number, said after it: `"-1 (out of range)"`.
        let whole = |f: f64| match f {
            f if f.fract() != 0.0 => Err("not a whole number"),
            f if f.abs() < 1e12 => Ok(f as i64),
            _ => Err("out of range"),
        };
        let v = match self {
            Val::Int(i) => *i,
            Val::Float(f) => whole(*f).map_err(|why| format!("{f} ({why})"))?,
            Val::Str(s) => {
                let t = trim(s);
                match t.parse::<i64>() {
                    Ok(v) => v,
                    // Scientific notation (`8.52E+03`, Excel's display of 8522 in a cell
                    // formatted Scientific) may have lost digits: read as a number, it would
                    // be another key. (Other text with an `e`, `Failed`, is not a number.)
                    Err(_) if scientific(t) => {
                        return Err(format!(
                            "{} (scientific notation: its digits may be lost)",
                            excerpt(t, 40)
                        ))
                    }
                    Err(_) if t.bytes().any(|b| b.eq_ignore_ascii_case(&b'e')) => {
                        return Err(excerpt(t, 40));
                    }
                    // Excel re-saves may turn 404 into 404.0.
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.is_finite() => {
                            whole(f).map_err(|why| format!("{} ({why})", excerpt(t, 40)))?
                        }
                        _ => return Err(excerpt(t, 40)),
                    },
                }
            }
            Val::Bool(b) => return Err(b.to_string()),
            _ => return Err("a non-scalar value".into()),
        };
        u32::try_from(v)
            .map(Some)
            .map_err(|_| format!("{v} (out of range)"))
    }
}

/// Whether `s` is text that [`Val::is_nullish`] does not take for null and that a trim leaves
/// as it is: a visible ASCII character at each end, and of four bytes neither `None` nor
/// `null` in any case. Most log values are; a short name (`Play`) too, which had taken
/// [`Val::text_rest`]'s call (stop 69: 69,295 of the CSV slice's 78,520 records).
#[inline(always)]
fn plain(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(first), Some(last)) = (b.first(), b.last()) else {
        return false;
    };
    if !(first.is_ascii_graphic() && last.is_ascii_graphic()) {
        return false;
    }
    match b.first_chunk::<4>() {
        Some(four) if b.len() == 4 => {
            let w = u32::from_le_bytes(*four);
            // 0x20 in each byte makes `NULL` `null`, and no other bytes.
            w != u32::from_le_bytes(*b"None") && w | 0x2020_2020 != u32::from_le_bytes(*b"null")
        }
        _ => true,
    }
}

/// The number that `s` spells when it is one to nine ASCII digits (below `u32::MAX`, and read
/// as [`Val::integer`]'s general path reads it, leading zeros and all).
#[inline(always)]
fn digits(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// Whether `t` is a number in scientific notation: `[-+]d[.ddd]E[-+]dd`.
fn scientific(t: &str) -> bool {
    let Some((mantissa, exponent)) = t.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    !int.is_empty() && digits(int) && digits(frac) && !exponent.is_empty() && digits(exponent)
}
