//! The fast path of JSON Lines: a hand-written scanner for the line that is one record object
//! (storage archive, workspace export, callback events), reading the wanted fields in one pass
//! and skipping the rest while checking that it is valid JSON.
//!
//! It gives up, and [`record`] returns `None`, on anything outside that common case: a
//! container document (`records`, `tables`, `responses`, a v2 frame's `FrameType`), an escaped
//! key, a wanted number that is not a plain integer, `properties` as a string of JSON, control
//! characters, deep nesting, or invalid JSON of any kind. The caller then reads the line with
//! the serde visitors of `json.rs`, which handle every case and word the errors. Whatever this
//! scanner accepts, it reads exactly as those visitors do (a test compares them on every sample
//! line and on thousands of damaged ones); a lone surrogate's `\u` escape, which serde_json
//! refuses, as they do after the caller mends it (`structure::mending`).
//!
//! Its skipping of the values it does not want is part of this parse, not a structure skipper:
//! it checks the grammar (numbers, literals, escapes, commas, colons) so that a line it accepts
//! is a line serde would accept. [`super::structure::Walker`], the one structure skipper,
//! only follows strings and brackets to find where a value ends, and leaves the checking to
//! the parser.

use std::borrow::Cow;

use memchr::memchr2;

use crate::normalize::{key_role_bytes, Context, KeyRole, Levels, Raw, Val, NO_LEVELS};

/// Containers nested deeper than this inside a skipped value are left to the serde path.
const MAX_DEPTH: usize = 32;

/// A value of a layout key longer than this is not kept to be compared with the next record's.
const KEPT_MAX: usize = 1024;

/// Reads the wanted fields of a line holding one record object into `raw` (a fresh one), or
/// returns false to have the line read by the general path.
pub fn record<'a>(line: &'a [u8], raw: &mut Raw<'a>, layout: &mut Layout) -> bool {
    let Some(text) = Checked::new(line) else {
        return false;
    };
    let mut s = text.scanner(0, layout);
    let whole = (|| {
        if s.next()? != b'{' {
            return None;
        }
        s.object(Context::Record, true, (0, 0), raw)?;
        s.peek();
        (s.i == s.b.len()).then_some(())
    })();
    whole.is_some()
}

/// Text checked once to be valid UTF-8, so that many values in it can be scanned. Control
/// characters are found where they matter: in strings, by the search for each string's end
/// ([`string_stop`]); outside strings, only JSON's whitespace is passed over, so any other is
/// a byte out of place.
pub struct Checked<'a> {
    text: &'a str,
}

impl<'a> Checked<'a> {
    pub fn new(b: &'a [u8]) -> Option<Checked<'a>> {
        Some(Checked {
            text: simdutf8::basic::from_utf8(b).ok()?,
        })
    }

    fn scanner<'l>(&self, i: usize, layout: &'l mut Layout) -> Scanner<'a, 'l> {
        Scanner {
            text: self.text,
            b: self.text.as_bytes(),
            i,
            layout,
            levels: NO_LEVELS,
        }
    }

    /// Reads the record object starting at byte `start` (an element of a JSON array, where
    /// `records` and `tables` are ordinary keys) into `raw`; returns the index after it.
    pub fn object_at(&self, start: usize, raw: &mut Raw<'a>, layout: &mut Layout) -> Option<usize> {
        let mut s = self.scanner(start, layout);
        if s.next()? != b'{' {
            return None;
        }
        // An element that is a document of its own (`records`, `tables`, a v2 response's
        // frame) is the serde path's.
        s.object(Context::Record, true, (0, 0), raw)?;
        Some(s.i)
    }
}

/// Position of the first `"` or `\\` in `b` (where a string's content stops, for the
/// structure walker).
pub(super) fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    stop::<false>(b)
}

/// Position of the first `"`, `\\` or control character (below 0x20, which JSON strings must
/// not hold) in `b`: where the plain content of a string the scanner reads stops.
pub(super) fn string_stop(b: &[u8]) -> Option<usize> {
    stop::<true>(b)
}

/// Position of the first `"` or `\\` (and control character, with `CONTROLS`) in `b`,
/// sixteen bytes at a time with SSE2 (baseline on x86_64): one compare per byte value (an
/// unsigned minimum for the controls), a mask of the matches, its lowest bit.
#[cfg(target_arch = "x86_64")]
fn stop<const CONTROLS: bool>(b: &[u8]) -> Option<usize> {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let quote = set_splat_i8_m128i(b'"' as i8);
    let backslash = set_splat_i8_m128i(b'\\' as i8);
    let below_space = set_splat_i8_m128i(0x1f);
    let mut chunks = b.chunks_exact(16);
    let mut i = 0;
    for chunk in &mut chunks {
        let v = load_unaligned_m128i(chunk.try_into().expect("16 bytes"));
        let mut hits = bitor_m128i(
            cmp_eq_mask_i8_m128i(v, quote),
            cmp_eq_mask_i8_m128i(v, backslash),
        );
        if CONTROLS {
            // A byte is at most 0x1f exactly when the unsigned minimum leaves it as it is.
            hits = bitor_m128i(hits, cmp_eq_mask_i8_m128i(min_u8_m128i(v, below_space), v));
        }
        let mask = move_mask_i8_m128i(hits);
        if mask != 0 {
            return Some(i + mask.trailing_zeros() as usize);
        }
        i += 16;
    }
    stop_scalar::<CONTROLS>(chunks.remainder()).map(|p| i + p)
}

/// The same on other targets.
#[cfg(not(target_arch = "x86_64"))]
fn stop<const CONTROLS: bool>(b: &[u8]) -> Option<usize> {
    stop_scalar::<CONTROLS>(b)
}

/// The same eight bytes at a time in registers. Keys and most values are short: without
/// controls, strings longer than 16 bytes go to memchr's SIMD search.
pub(super) fn stop_scalar<const CONTROLS: bool>(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while (CONTROLS || i < 16) && i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let q = w ^ (LO * u64::from(b'"'));
        let s = w ^ (LO * u64::from(b'\\'));
        // A zero byte of q or s is a match, as is a byte below 0x20 (borrowing from a byte
        // that is not below 0x80); the lowest flagged byte is always a true one.
        let mut z = (q.wrapping_sub(LO) & !q) | (s.wrapping_sub(LO) & !s);
        if CONTROLS {
            z |= w.wrapping_sub(LO * 0x20) & !w;
        }
        let z = z & HI;
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    if CONTROLS {
        return b[i..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            .map(|p| i + p);
    }
    memchr2(b'"', b'\\', &b[i..]).map(|p| i + p)
}

/// The keys of the last record read, in order, at its top level and inside `properties` /
/// `data`, each with what comes before it from the end of the value before (the comma, any
/// whitespace) and what follows it up to its colon. The records of one export share their
/// layout, so a key is mostly recognized by comparing its bytes with the key at the same place
/// last time, separator and all in one compare, not by finding its end and matching its name.
#[derive(Default)]
pub struct Layout {
    levels: [Vec<Key>; 2],
}

/// A key of the layout: its bytes from the end of the value before up to its colon, and its
/// first 32 as two numbers with masks of those it has, so that most keys are compared in four
/// words; and the value it had last time ([`Seen`]).
struct Key {
    bytes: Vec<u8>,
    head: [u128; 2],
    mask: [u128; 2],
    role: KeyRole,
    seen: Seen,
}

impl Default for Key {
    /// A slot about to be [`Key::set`]: the layout grows by one key at a time.
    fn default() -> Key {
        Key {
            bytes: Vec::new(),
            head: [0; 2],
            mask: [0; 2],
            role: KeyRole::Ignore,
            seen: Seen::default(),
        }
    }
}

/// The value a key of the layout had the last time it was read, to be compared with the next
/// record's as one run of bytes: the records of an export repeat most values verbatim from
/// line to line (the resource id, the category, the version, the level), and a value that is
/// the same bytes in the same place is the same value, checked when it was read. A key whose
/// value keeps changing (a time, an id) stops being compared and kept ([`Seen::trust`]).
#[derive(Default)]
struct Seen {
    /// The value's bytes after the colon (whitespace before it and all), as last read; empty
    /// when none is kept.
    bytes: Vec<u8>,
    /// What a wanted field reads from them.
    kept: Kept,
    /// Whether they end a number: the same bytes followed by more digits, a fraction or an
    /// exponent are another number.
    number: bool,
    /// Raised by a value that repeated, lowered four times as much by one that did not: a value
    /// is kept and compared while this is not negative, that is while four in five repeat.
    trust: i8,
}

/// What a wanted field reads from a value kept in [`Seen`]: text without escapes (where it lies
/// in the bytes), a number, a literal; [`Kept::None`] for a value no field reads, or one read
/// otherwise (escaped text, a container).
#[derive(Clone, Copy, Default, PartialEq, Debug)]
enum Kept {
    #[default]
    None,
    Str(u32, u32),
    Int(i64),
    Bool(bool),
    Null,
}

impl Kept {
    /// What a wanted field can take again from the same bytes of a value: text borrowed
    /// (without escapes) as [`Kept::Str`], whose place [`Scanner::keep`] finds.
    #[inline(always)]
    fn of(v: &Val<'_>) -> Kept {
        match v {
            Val::Str(Cow::Borrowed(_)) => Kept::Str(0, 0),
            Val::Int(n) => Kept::Int(*n),
            Val::Bool(b) => Kept::Bool(*b),
            Val::Null => Kept::Null,
            _ => Kept::None,
        }
    }
}

impl Seen {
    /// Where the value kept ends when `b` holds it again at `at`: its bytes compared as one run,
    /// and a number not followed by more of one. `None` when none is kept or it differs.
    #[inline(always)]
    fn repeated(&self, b: &[u8], at: usize) -> Option<usize> {
        let end = at + self.bytes.len();
        let hay = b.get(at..end)?;
        if !same(hay, &self.bytes) || self.bytes.is_empty() {
            return None;
        }
        if self.number && matches!(b.get(end), Some(b'0'..=b'9' | b'.' | b'e' | b'E')) {
            return None;
        }
        Some(end)
    }
}

/// Whether two runs of bytes of the same length are equal, compared inline (a call to
/// `memcmp` would cost more than most values take to compare): up to 15 bytes in two
/// overlapping words, longer runs sixteen bytes at a time ([`same_words`]).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8"));
    let w4 = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=15 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        _ => same_words(a, b),
    }
}

/// [`same`] for runs of at least sixteen bytes, with SSE2 (baseline on x86_64): the bytes of
/// each sixteen compared in one instruction and the results and-ed in a vector register (the
/// last sixteen overlapping the ones before), one mask taken at the end. Moving the words
/// through general registers cost two moves and a shuffle more for each sixteen.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn same_words(a: &[u8], b: &[u8]) -> bool {
    use safe_arch::{bitand_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i};
    let n = a.len();
    let word = |s: &[u8], i: usize| load_unaligned_m128i(s[i..i + 16].try_into().expect("16"));
    let mut eq = cmp_eq_mask_i8_m128i(word(a, n - 16), word(b, n - 16));
    let mut i = 0;
    while i + 16 < n {
        eq = bitand_m128i(eq, cmp_eq_mask_i8_m128i(word(a, i), word(b, i)));
        i += 16;
    }
    move_mask_i8_m128i(eq) == 0xffff
}

/// The same on other targets.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn same_words(a: &[u8], b: &[u8]) -> bool {
    same_words_scalar(a, b)
}

/// The same sixteen bytes at a time as two numbers in general registers, their differences
/// or-ed together.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
fn same_words_scalar(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    let word = |s: &[u8], i: usize| u128::from_le_bytes(s[i..i + 16].try_into().expect("16"));
    let mut diff = word(a, n - 16) ^ word(b, n - 16);
    let mut i = 0;
    while i + 16 < n {
        diff |= word(a, i) ^ word(b, i);
        i += 16;
    }
    diff == 0
}

impl Key {
    fn set(&mut self, bytes: &[u8], role: KeyRole) {
        self.seen.bytes.clear();
        // An object entered is read key by key, never compared whole.
        self.seen.trust = if matches!(role, KeyRole::Enter(_)) {
            -1
        } else {
            0
        };
        self.bytes.clear();
        self.bytes.extend_from_slice(bytes);
        let mut head = [0u8; 32];
        let n = bytes.len().min(32);
        head[..n].copy_from_slice(&bytes[..n]);
        let word = |i: usize| u128::from_le_bytes(head[i..i + 16].try_into().expect("16 bytes"));
        self.head = [word(0), word(16)];
        let mask = |n: usize| match n {
            0 => 0,
            16.. => u128::MAX,
            n => (1u128 << (8 * n)) - 1,
        };
        self.mask = [mask(n), mask(n.saturating_sub(16))];
        self.role = role;
    }

    /// Whether `hay` starts with this key: its first 32 bytes by two masked compares of two
    /// words each (inline: a call to `memcmp` would cost more than these keys take), the rest
    /// of a longer key after them. Within 32 bytes of the line's end (its last key), the first
    /// sixteen so and the rest eight bytes at a time.
    #[inline(always)]
    fn starts(&self, hay: &[u8]) -> bool {
        let word = |h: &[u8]| u128::from_le_bytes(h.try_into().expect("16 bytes"));
        if let Some(h) = hay.get(..32) {
            let diff = ((word(&h[..16]) ^ self.head[0]) & self.mask[0])
                | ((word(&h[16..]) ^ self.head[1]) & self.mask[1]);
            return diff == 0
                && (self.bytes.len() <= 32 || starts_with(&hay[32..], &self.bytes[32..]));
        }
        let Some(h) = hay.get(..16) else {
            return hay.starts_with(&self.bytes);
        };
        (word(h) ^ self.head[0]) & self.mask[0] == 0
            && (self.bytes.len() <= 16 || starts_with(&hay[16..], &self.bytes[16..]))
    }
}

/// Whether `hay` starts with `needle`, compared eight bytes at a time, inline (a call to
/// `memcmp` would cost more than these keys take to compare).
fn starts_with(hay: &[u8], needle: &[u8]) -> bool {
    let n = needle.len();
    if hay.len() < n {
        return false;
    }
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    if n < 8 {
        return hay[..n].iter().zip(needle).all(|(a, b)| a == b);
    }
    let mut i = 0;
    while i + 8 <= n {
        if word(hay, i) != word(needle, i) {
            return false;
        }
        i += 8;
    }
    word(hay, n - 8) == word(needle, n - 8)
}

/// `text[from..to]`, or `None` off its characters' boundaries, checked inline: `str::get` was
/// a call for each wanted string (about 20 instructions), where these two checks of bytes just
/// read (the ends of a string are ASCII quotes) fold into the code around them.
#[inline(always)]
fn between(text: &str, from: usize, to: usize) -> Option<&str> {
    let (head, _) = text.split_at_checked(to)?;
    Some(head.split_at_checked(from)?.1)
}

struct Scanner<'a, 'l> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    layout: &'l mut Layout,
    /// The nesting level each field of the record was read from.
    levels: Levels,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t')
}

impl<'a> Scanner<'a, '_> {
    /// The next byte after whitespace, consumed.
    fn next(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            if !is_space(c) {
                return Some(c);
            }
        }
        None
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if !is_space(c) {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    /// The rest of a string without escapes, after its opening quote; `None` at a backslash.
    fn plain_str(&mut self) -> Option<&'a str> {
        let start = self.i;
        let n = string_stop(&self.b[start..])?;
        if self.b[start + n] != b'"' {
            return None;
        }
        self.i = start + n + 1;
        // Both ends are ASCII quotes, so this slice is on character boundaries.
        self.text.get(start..start + n)
    }

    /// The rest of a wanted string after its opening quote, as serde_json reads it: borrowed
    /// when it has no escapes, else unescaped into a string of its own ([`Self::unescaped`]).
    /// `None` at a control character.
    #[inline(always)]
    fn str_value(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i;
        let at = start + string_stop(&self.b[start..])?;
        match self.b[at] {
            b'"' => {
                self.i = at + 1;
                // Both ends are ASCII quotes, so this slice is on character boundaries.
                between(self.text, start, at).map(Cow::Borrowed)
            }
            b'\\' => self.unescaped(start, at).map(Cow::Owned),
            _ => None,
        }
    }

    /// A wanted string from `start` whose first escape is at `at`, unescaped as serde_json
    /// does. A message that quotes a file name (`\"welcome.mp3\"`) had sent its whole line to
    /// the serde path. A `\u` escape of a UTF-16 surrogate pair is its character; one of a lone
    /// surrogate (that serde_json refuses) U+FFFD, as the serde path reads it after mending its
    /// text. `None` at a control character or an escape JSON does not have, which the serde
    /// path words.
    #[cold]
    #[inline(never)]
    fn unescaped(&mut self, start: usize, mut at: usize) -> Option<String> {
        let mut out = String::with_capacity(at - start + 16);
        out.push_str(self.text.get(start..at)?);
        loop {
            let c = match *self.b.get(at + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let code = self.hex(at + 2)?;
                    at += 4;
                    match code {
                        // A high surrogate and the low one's escape after it: one character.
                        0xD800..=0xDBFF => match self.low_surrogate(at + 2) {
                            Some(low) => {
                                at += 6;
                                let c = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                char::from_u32(c)?
                            }
                            None => char::REPLACEMENT_CHARACTER,
                        },
                        // Half of one (an emoji cut by an app or a logger), read as the serde
                        // path reads it (`structure::lone_surrogates_mended`).
                        0xDC00..=0xDFFF => char::REPLACEMENT_CHARACTER,
                        _ => char::from_u32(code)?,
                    }
                }
                _ => return None,
            };
            out.push(c);
            let from = at + 2;
            let stop = from + string_stop(self.b.get(from..)?)?;
            // After an escape and up to an ASCII byte: on character boundaries.
            out.push_str(self.text.get(from..stop)?);
            match self.b[stop] {
                b'"' => {
                    self.i = stop + 1;
                    return Some(out);
                }
                b'\\' => at = stop,
                _ => return None,
            }
        }
    }

    /// The four hex digits at `at`, as a number.
    fn hex(&self, at: usize) -> Option<u32> {
        let mut digits = self.b.get(at..at + 4)?.iter();
        digits.try_fold(0, |n, &h| Some(n << 4 | char::from(h).to_digit(16)?))
    }

    /// The low surrogate whose `\u` escape is at `at`, if one is.
    fn low_surrogate(&self, at: usize) -> Option<u32> {
        if self.b.get(at..at + 2)? != b"\\u" {
            return None;
        }
        self.hex(at + 2).filter(|n| (0xDC00..=0xDFFF).contains(n))
    }

    /// Skips the rest of a string after its opening quote, checking its escapes.
    fn skip_str(&mut self) -> Option<()> {
        loop {
            let at = self.i + string_stop(&self.b[self.i..])?;
            if self.b[at] < 0x20 {
                return None;
            }
            if self.b[at] == b'"' {
                self.i = at + 1;
                return Some(());
            }
            match *self.b.get(at + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i = at + 2,
                b'u' => {
                    let hex = self.b.get(at + 2..at + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    self.i = at + 6;
                }
                _ => return None,
            }
        }
    }

    /// Checks a number whose first byte was just consumed; says whether it is a plain integer
    /// that fits an `i64` (no fraction, no exponent, at most 18 digits, not `-0`).
    fn number(&mut self, first: u8) -> Option<bool> {
        let digits_from = |s: &mut Self| {
            let from = s.i;
            while s.b.get(s.i).is_some_and(u8::is_ascii_digit) {
                s.i += 1;
            }
            s.i - from
        };
        let lead = if first == b'-' {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            c
        } else {
            first
        };
        let int_digits = match lead {
            b'0' => 1,
            b'1'..=b'9' => 1 + digits_from(self),
            _ => return None,
        };
        let minus_zero = first == b'-' && lead == b'0';
        let mut plain = int_digits <= 18 && !minus_zero;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits_from(self) == 0 {
                return None;
            }
            plain = false;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits_from(self) == 0 {
                return None;
            }
            plain = false;
        }
        Some(plain)
    }

    /// A wanted number that is an integer of up to 18 digits (not `-0`), its value taken as its
    /// digits are walked, and the scanner past it; anything else `None`, the scanner where it
    /// was, for [`Self::number`] (which reads the same integers the same way).
    #[inline(always)]
    fn plain_integer(&mut self, first: u8) -> Option<i64> {
        let negative = first == b'-';
        let mut i = self.i;
        let lead = if negative {
            let c = *self.b.get(i)?;
            i += 1;
            c
        } else {
            first
        };
        let mut n = u64::from(lead.wrapping_sub(b'0'));
        if n > 9 || (negative && n == 0) {
            return None;
        }
        let from = i;
        if n != 0 {
            while let Some(d) = self
                .b
                .get(i)
                .map(|c| c.wrapping_sub(b'0'))
                .filter(|&d| d <= 9)
            {
                n = n.wrapping_mul(10).wrapping_add(u64::from(d));
                i += 1;
            }
        }
        if i - from >= 18 || matches!(self.b.get(i), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.i = i;
        let n = n as i64;
        Some(if negative { -n } else { n })
    }

    fn literal(&mut self, rest: &[u8]) -> Option<()> {
        let end = self.i + rest.len();
        let here = self.b.get(self.i..end)?;
        // Byte by byte: a call to memcmp costs more than these three or four compares.
        here.iter()
            .zip(rest)
            .all(|(a, b)| a == b)
            .then(|| self.i = end)
    }

    /// Skips any value, checking it.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.next()? {
            b'"' => self.skip_str(),
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    if self.next()? != b'"' {
                        return None;
                    }
                    self.skip_str()?;
                    if self.next()? != b':' {
                        return None;
                    }
                    self.skip_value(depth + 1)?;
                    match self.next()? {
                        b',' => {}
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    match self.next()? {
                        b',' => {}
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"rue"),
            b'f' => self.literal(b"alse"),
            b'n' => self.literal(b"ull"),
            c @ (b'-' | b'0'..=b'9') => self.number(c).map(|_| ()),
            _ => None,
        }
    }

    /// A wanted value, as the serde visitors read it.
    #[inline(always)]
    fn value(&mut self, depth: usize) -> Option<Val<'a>> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.str_value().map(Val::Str)
            }
            c @ (b'-' | b'0'..=b'9') => {
                self.i += 1;
                let start = self.i - 1;
                if let Some(n) = self.plain_integer(c) {
                    return Some(Val::Int(n));
                }
                let plain = self.number(c)?;
                let text = &self.text[start..self.i];
                if plain {
                    return text.parse().ok().map(Val::Int);
                }
                // An integer past i64, as its digits: a reject quotes the number given (past
                // u64, the serde visitors see a float, and `18446744073709551616` had been
                // quoted as `18446744073709552000`).
                let integer = text.bytes().all(|b| b.is_ascii_digit() || b == b'-');
                (integer && text.parse::<i64>().is_err()).then_some(Val::Str(Cow::Borrowed(text)))
            }
            b't' => {
                self.i += 1;
                self.literal(b"rue").map(|()| Val::Bool(true))
            }
            b'f' => {
                self.i += 1;
                self.literal(b"alse").map(|()| Val::Bool(false))
            }
            b'n' => {
                self.i += 1;
                self.literal(b"ull").map(|()| Val::Null)
            }
            b'{' | b'[' => self.skip_value(depth).map(|()| Val::Other),
            _ => None,
        }
    }

    /// The value of a wanted field kept in [`Seen`], read again where its bytes lie from `at`.
    #[inline(always)]
    fn kept(&self, kept: Kept, at: usize) -> Option<Val<'a>> {
        Some(match kept {
            // Both ends are ASCII quotes, so this slice is on character boundaries.
            Kept::Str(from, to) => Val::Str(Cow::Borrowed(between(
                self.text,
                at + from as usize,
                at + to as usize,
            )?)),
            Kept::Int(n) => Val::Int(n),
            Kept::Bool(b) => Val::Bool(b),
            Kept::Null => Val::Null,
            // Not kept for a field: its value was compared, never taken.
            Kept::None => return None,
        })
    }

    /// Keeps the value just read from `from` as the one key `k` of the layout's `level` had.
    /// Out of line: met once a key's value changes, not where values repeat.
    #[inline(never)]
    fn keep(&mut self, level: usize, k: usize, from: usize, kept: Kept) {
        let value = &self.b[from..self.i];
        let Some(key) = self.layout.levels[level].get_mut(k) else {
            return;
        };
        let seen = &mut key.seen;
        seen.bytes.clear();
        // A wanted value that cannot be taken again from its bytes is not kept, nor a long
        // one (it would cost more to copy than to read).
        if (matches!(key.role, KeyRole::Field(_)) && kept == Kept::None) || value.len() > KEPT_MAX {
            return;
        }
        let kept = match kept {
            // The text between the quotes, after the whitespace before the value; an integer
            // past i64 read as its digits is not a string.
            Kept::Str(..) => match value.iter().position(|&c| !is_space(c)) {
                Some(open) if value[open] == b'"' && value.len() - open >= 2 => {
                    Kept::Str(open as u32 + 1, value.len() as u32 - 1)
                }
                _ => return,
            },
            kept => kept,
        };
        seen.bytes.extend_from_slice(value);
        seen.kept = kept;
        seen.number = value.last().is_some_and(u8::is_ascii_digit);
    }

    /// The rest of a record object after its `{`: its fields by key, `level` objects below the
    /// record, and those of one nested object (`properties`, `data`, `resultInformation`) a
    /// level deeper, where still missing ([`Raw::set_at`]).
    fn object(
        &mut self,
        ctx: Context,
        top: bool,
        (depth, level): (usize, u8),
        raw: &mut Raw<'a>,
    ) -> Option<()> {
        let mut nested = false;
        if ctx == Context::ResultInformation {
            raw.read_result_information();
        }
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        let cached = if ctx == Context::Record {
            self.layout.levels.get(depth).map_or(0, |_| depth + 1)
        } else {
            0
        };
        let mut k = 0;
        loop {
            // Where this key's run starts: after the `{` (and its whitespace), or right after
            // the value before, so that the comma is compared with the key.
            let run = self.i;
            let known = (cached > 0)
                .then(|| self.layout.levels[cached - 1].get(k))
                .flatten()
                .filter(|key| key.starts(&self.b[run..]))
                .map(|key| (key.bytes.len(), key.role, key.seen.trust));
            let (role, keep) = match known {
                Some((len, role, trust)) => {
                    self.i += len;
                    // The value this key had last time, again: taken as it was read then.
                    if trust >= 0 {
                        let seen = &mut self.layout.levels[cached - 1][k].seen;
                        if let Some(end) = seen.repeated(self.b, self.i) {
                            seen.trust = seen.trust.saturating_add(1).min(16);
                            let kept = seen.kept;
                            let at = self.i;
                            self.i = end;
                            k += 1;
                            if let KeyRole::Field(f) = role {
                                let v = self.kept(kept, at)?;
                                raw.set_at(f, v, level, &mut self.levels);
                            }
                            continue;
                        }
                        // None kept (the first record, or a value that could not be) is
                        // no value that changed.
                        if !seen.bytes.is_empty() {
                            seen.trust -= 4;
                        }
                        (role, seen.trust >= 0)
                    } else {
                        (role, false)
                    }
                }
                None => {
                    if k > 0 {
                        match self.next()? {
                            b',' => {}
                            b'}' => break,
                            _ => return None,
                        }
                    }
                    if self.next()? != b'"' {
                        return None;
                    }
                    let key = self.plain_str()?;
                    if self.next()? != b':' {
                        return None;
                    }
                    if top && container_key(key) {
                        return None;
                    }
                    let role = key_role_bytes(ctx, key.as_bytes());
                    if cached > 0 {
                        let level = &mut self.layout.levels[cached - 1];
                        if level.len() <= k {
                            level.resize_with(k + 1, Key::default);
                        }
                        level[k].set(&self.b[run..self.i], role);
                    }
                    (role, cached > 0)
                }
            };
            let from = self.i;
            let inner = match role {
                KeyRole::Field(f) => {
                    let v = self.value(depth + 1)?;
                    if keep {
                        self.keep(cached - 1, k, from, Kept::of(&v));
                    }
                    raw.set_at(f, v, level, &mut self.levels);
                    None
                }
                KeyRole::Enter(inner) => Some(inner),
                KeyRole::Ignore => {
                    self.skip_value(depth + 1)?;
                    if keep {
                        self.keep(cached - 1, k, from, Kept::None);
                    }
                    None
                }
            };
            k += 1;
            if let Some(inner) = inner {
                match self.peek()? {
                    // A SIP or Q.850 diagnostic has fields of its own: read into this record.
                    b'{' if inner.is_diagnostic() && depth < MAX_DEPTH => {
                        self.i += 1;
                        self.object(inner, false, (depth + 1, level), raw)?;
                    }
                    // One nested object per level; more is rare and left to serde.
                    b'{' if !nested && depth < MAX_DEPTH => {
                        self.i += 1;
                        nested = true;
                        self.object(inner, false, (depth + 1, level + 1), raw)?;
                    }
                    // A string may hold JSON text, which the serde path reads.
                    b'{' | b'"' => return None,
                    _ => self.skip_value(depth + 1)?,
                }
            }
        }
        Some(())
    }
}

/// Whether a top-level key makes its object a document of its own, not a record (`records`,
/// `tables`, `partialTables`, `responses`, a v2 frame's `FrameType`, Logic Apps' `value`, an
/// Event Hubs envelope's `body`): the serde path's. Out of line: it is met only on keys that
/// the layout did not know, and would weigh on the scanner's loop.
#[inline(never)]
fn container_key(key: &str) -> bool {
    const KEYS: [&str; 7] = [
        "records",
        "tables",
        "partialtables",
        "responses",
        "frametype",
        "value",
        "body",
    ];
    KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests;
