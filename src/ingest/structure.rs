//! The structure of JSON text, followed without parsing it: where a value or a string ends,
//! how deep brackets nest, and commas that stand before a closing bracket. The cutting of
//! blocks, the reading of document elements and the repair of pasted records all rely on it;
//! the values themselves are checked when they are parsed.
//!
//! Where values end and brackets nest is here ([`value_end`], [`Walker`]); an element's shape
//! is in `signature`, lone surrogates read as U+FFFD in `surrogates`, an element read again
//! past a trailing comma in `repair`, a log line's prefix before its JSON in `prefix`.

use super::scan::quote_or_backslash;
#[cfg(not(target_arch = "x86_64"))]
use super::stops::masks;
#[cfg(target_arch = "x86_64")]
use super::stops::padded;

pub(super) use prefix::{bracket_prefix, opens_after_prefix, prefix_time};
pub(super) use repair::{reparse, Repair};
pub(super) use signature::{next_element, signature, Signature};
pub(super) use surrogates::{mending, mending_str, MendingReader};

mod prefix;
mod repair;
mod signature;
mod surrogates;

/// Brackets nested deeper than this make a record a reject (`nested too deep`), as serde_json
/// limits its own recursion: no parser meets more.
pub const MAX_NESTING: usize = 128;

/// Where the value starting at `b[i]` ends (the index after it, always past `i`), or `None`
/// when `b` ends first: [`Walker`] over one slice.
pub(super) fn value_end(b: &[u8], i: usize) -> Option<usize> {
    Walker::default().end(&b[i..]).map(|e| i + e)
}

/// [`value_end`], and whether the value may nest deeper than `limit`: it opens more brackets
/// (outside strings) than that, or `b` ends first. One that opens fewer cannot.
pub(super) fn value_end_deep(b: &[u8], i: usize, limit: usize) -> (Option<usize>, bool) {
    let mut w = Walker::default();
    match w.end(&b[i..]) {
        Some(e) => (Some(i + e), w.opened > limit),
        None => (None, true),
    }
}

/// The index after the closing quote of a string whose content starts at `i`.
pub(super) fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let at = i + quote_or_backslash(b.get(i..)?)?;
        if b[at] == b'"' {
            return Some(at + 1);
        }
        i = at + 2;
    }
}

/// Whether brackets in `b` nest deeper than `limit` (strings followed, so brackets inside them
/// do not count; a closer takes one level off, whatever its kind). Iterative: any depth costs
/// nothing but the pass, 64 bytes at a time where no backslash is ([`Brackets`]).
pub(super) fn nests_deeper_than(b: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut i = 0;
    while i < b.len() {
        let n = (b.len() - i).min(64);
        let w = &b[i..i + n];
        i += n;
        // After a backslash at a window's end, byte by byte (not classified for nothing).
        let window = if escaped {
            None
        } else {
            Brackets::of(w, in_string)
        };
        if let Some(window) = window {
            in_string = window.in_string_after;
            let (opens, closes) = (window.opens.count_ones(), window.closes.count_ones());
            if depth + opens as usize <= limit && depth >= closes as usize {
                // Neither too deep nor below the top anywhere in the window: only the sums count.
                depth = depth + opens as usize - closes as usize;
                continue;
            }
            let mut bits = window.opens | window.closes;
            while bits != 0 {
                if window.opens & bits & bits.wrapping_neg() != 0 {
                    depth += 1;
                    if depth > limit {
                        return true;
                    }
                } else {
                    depth = depth.saturating_sub(1);
                }
                bits &= bits - 1;
            }
            continue;
        }
        // A backslash: byte by byte.
        for &c in w {
            if escaped {
                escaped = false;
            } else if in_string {
                match c {
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    b'"' => in_string = true,
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > limit {
                            return true;
                        }
                    }
                    b'}' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
    }
    false
}

/// The brackets outside strings of a window of at most 64 bytes that holds no backslash, as
/// bits. Without escapes a string runs from each quote to the next: the bytes inside strings
/// are the prefix XOR of the quotes (from an opening quote up to its closing one).
struct Brackets {
    opens: u64,
    closes: u64,
    /// Whether the window ends inside a string.
    in_string_after: bool,
}

impl Brackets {
    /// `w` starting inside a string or not; `None` when it holds a backslash.
    #[inline]
    fn of(w: &[u8], in_string: bool) -> Option<Brackets> {
        let (backslash, quotes, opens, closes) = classes(w);
        if backslash {
            return None;
        }
        let mut inside = quotes;
        for shift in [1, 2, 4, 8, 16, 32] {
            inside ^= inside << shift;
        }
        if in_string {
            inside = !inside;
        }
        Some(Brackets {
            opens: opens & !inside,
            closes: closes & !inside,
            in_string_after: inside >> (w.len() - 1) & 1 == 1,
        })
    }
}

/// Whether `w` (at most 64 bytes) holds a backslash, and its quotes, opening and closing
/// brackets as bits: with SSE2, one load of each 16 bytes; `[` and `]` are `{` and `}` but for
/// one bit (0x20), so a byte with that bit set is compared twice for four brackets, and the
/// backslashes of the four loads are tested once.
#[cfg(target_arch = "x86_64")]
#[inline]
fn classes(w: &[u8]) -> (bool, u64, u64, u64) {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, zeroed_m128i,
    };
    let mut pad = [0; 64];
    let w = padded(w, &mut pad);
    let splat = |c: u8| set_splat_i8_m128i(c as i8);
    let (backslash, quote, bit, open, close) = (
        splat(b'\\'),
        splat(b'"'),
        splat(0x20),
        splat(b'{'),
        splat(b'}'),
    );
    let (mut backslashes, mut quotes, mut opens, mut closes) = (zeroed_m128i(), 0, 0, 0);
    for (k, chunk) in w.chunks_exact(16).enumerate() {
        let v = load_unaligned_m128i(chunk.try_into().expect("16 bytes"));
        backslashes = bitor_m128i(backslashes, cmp_eq_mask_i8_m128i(v, backslash));
        let folded = bitor_m128i(v, bit);
        let bits = |m| u64::from(move_mask_i8_m128i(m) as u16) << (16 * k);
        quotes |= bits(cmp_eq_mask_i8_m128i(v, quote));
        opens |= bits(cmp_eq_mask_i8_m128i(folded, open));
        closes |= bits(cmp_eq_mask_i8_m128i(folded, close));
    }
    // The padding holds none of these bytes.
    (move_mask_i8_m128i(backslashes) != 0, quotes, opens, closes)
}

/// The same on other targets.
#[cfg(not(target_arch = "x86_64"))]
fn classes(w: &[u8]) -> (bool, u64, u64, u64) {
    let [backslashes, quotes, opens, closes] =
        masks(w, [[b'\\'; 2], [b'"'; 2], [b'{', b'['], [b'}', b']']]);
    (backslashes != 0, quotes, opens, closes)
}

/// The one JSON structure skipper: where a value ends, in one slice ([`value_end`]) or followed
/// across reads (an array element longer than a block, the rest of a document after its
/// array). Only the structure is followed (strings, brackets); the value is checked when
/// parsed. A closing bracket of the wrong kind closes every bracket up to the nearest one it
/// matches, so a damaged value does not swallow the values after it; a closer where a value
/// should start is a (bad) value of its own.
#[derive(Default)]
pub(super) struct Walker {
    depth: usize,
    /// Kinds of the innermost `known` open brackets, innermost in the lowest bit: 1 for `{`,
    /// 0 for `[`. Brackets deeper than 64, or opened before the walk ([`Walker::inside`]), are
    /// unknown and taken to match.
    kinds: u64,
    known: usize,
    in_string: bool,
    escaped: bool,
    started: bool,
    /// Brackets opened in the walk.
    opened: usize,
}

impl Walker {
    /// A walker already inside `depth` open brackets: it ends where they close.
    pub(super) fn inside(depth: usize) -> Walker {
        Walker {
            depth,
            started: true,
            ..Walker::default()
        }
    }

    /// Brackets open so far, and whether a string is.
    pub(super) fn open(&self) -> (usize, bool) {
        (self.depth, self.in_string)
    }

    /// Whether the innermost open bracket is known to be an object's `{`, where a comma is
    /// followed by a key, never by a value.
    pub(super) fn in_object(&self) -> bool {
        self.known > 0 && self.kinds & 1 == 1
    }

    /// The index just past the value if it ends in `b`, the next part of the input.
    pub(super) fn end(&mut self, b: &[u8]) -> Option<usize> {
        let mut i = 0;
        // Up to here a window held a backslash: it is walked a token at a time.
        let mut tokens_to = 0;
        while i < b.len() {
            if self.depth > 0 && !self.escaped && i >= tokens_to {
                // Inside brackets only the brackets outside strings count: 64 bytes at a time,
                // where a string is from each quote to the next when no backslash escapes one.
                let n = (b.len() - i).min(64);
                if let Some(window) = Brackets::of(&b[i..i + n], self.in_string) {
                    let mut brackets = window.opens | window.closes;
                    while brackets != 0 {
                        let at = i + brackets.trailing_zeros() as usize;
                        if self.bracket(b[at]) {
                            return Some(at + 1);
                        }
                        brackets &= brackets - 1;
                    }
                    self.in_string = window.in_string_after;
                    i += n;
                    continue;
                }
                tokens_to = i + n;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                // Strings are crossed a word at a time, not a byte.
                let at = i + quote_or_backslash(&b[i..])?;
                if b[at] == b'\\' {
                    self.escaped = true;
                    i = at + 1;
                    continue;
                }
                self.in_string = false;
                i = at + 1;
                if self.depth == 0 {
                    return Some(i);
                }
                continue;
            }
            match b[i] {
                b'"' => {
                    self.in_string = true;
                    self.started = true;
                }
                c @ (b'{' | b'[' | b'}' | b']') => {
                    if self.depth == 0 && matches!(c, b'}' | b']') {
                        // A stray closer is a (bad) value of its own; else it ends a scalar.
                        return Some(if self.started { i } else { i + 1 });
                    }
                    if self.bracket(c) {
                        return Some(i + 1);
                    }
                }
                // The end of a scalar.
                b',' if self.started && self.depth == 0 => return Some(i),
                c if c.is_ascii_whitespace() => {
                    if self.started && self.depth == 0 {
                        return Some(i);
                    }
                }
                _ => self.started = true,
            }
            i += 1;
        }
        None
    }

    /// Opens or closes a bracket (a closer inside at least one); whether the value ended.
    #[inline]
    fn bracket(&mut self, c: u8) -> bool {
        self.started = true;
        if matches!(c, b'{' | b'[') {
            self.opened += 1;
            self.depth += 1;
            self.kinds = self.kinds << 1 | u64::from(c == b'{');
            self.known = (self.known + 1).min(64);
            return false;
        }
        let brace = u64::from(c == b'}');
        // The open brackets this one closes: up to the nearest of its kind.
        let closes = match (0..self.known).find(|&k| (self.kinds >> k) & 1 == brace) {
            Some(k) => k + 1,
            None if self.known < self.depth => self.known + 1,
            None => self.known,
        };
        self.depth -= closes;
        self.kinds = self.kinds.checked_shr(closes as u32).unwrap_or(0);
        self.known = self.known.saturating_sub(closes);
        self.depth == 0
    }
}

#[cfg(test)]
mod tests {
    use super::repair::without_trailing_commas;
    use super::surrogates::lone_surrogates_mended;
    use super::*;

    /// Texts and what mending their lone surrogates' escapes makes of them (`None`: nothing).
    const SURROGATES: &[(&str, Option<&str>)] = &[
        (r#"{"m":"a\ud83d"}"#, Some(r#"{"m":"a\ufffd"}"#)),
        (r#"{"m":"a\udc00b"}"#, Some(r#"{"m":"a\ufffdb"}"#)),
        (r#"{"m":"\ude00\ud83d"}"#, Some(r#"{"m":"\ufffd\ufffd"}"#)),
        (r#"{"m":"\ud83d\ude00"}"#, None),
        (r#"{"m":"\uD83D\uDE00"}"#, None),
        (
            r#"{"m":"\ud83d\ud83d\ude00"}"#,
            Some(r#"{"m":"\ufffd\ud83d\ude00"}"#),
        ),
        (
            r#"{"m":"\ud83d\n\udbff"}"#,
            Some(r#"{"m":"\ufffd\n\ufffd"}"#),
        ),
        (r#"{"m":"\ud83d\u0041"}"#, Some(r#"{"m":"\ufffd\u0041"}"#)),
        // An escaped backslash and text, not an escape; escapes that are no surrogate's.
        (
            r#"{"m":"\\ud83d \\\ud83d"}"#,
            Some(r#"{"m":"\\ud83d \\\ufffd"}"#),
        ),
        (r#"{"m":"\u00e9\"\ud7ff\ue000"}"#, None),
        // Cut or not hex: left for serde to word.
        (r#"{"m":"\ud83"#, None),
        (r#"{"m":"\ud83d\ude0"#, Some(r#"{"m":"\ufffd\ude0"#)),
        (r#"{"m":"\u+83d"}"#, None),
        ("\\", None),
    ];

    #[test]
    fn lone_surrogates_escapes_are_mended_and_pairs_kept() {
        for &(text, want) in SURROGATES {
            let got = lone_surrogates_mended(text.as_bytes());
            assert_eq!(got.as_deref(), want.map(str::as_bytes), "{text}");
            // What serde_json reads of the mended text, a string with U+FFFD's.
            if let (Some(m), true) = (want, text.ends_with('}')) {
                let v: serde_json::Value = serde_json::from_str(m).unwrap();
                assert!(v["m"].as_str().unwrap().contains('\u{fffd}'), "{m}");
                assert!(
                    serde_json::from_str::<serde_json::Value>(text).is_err(),
                    "{text}"
                );
            }
        }
        // Read as the parse of the mended text only when the text fails.
        let parse =
            |t: &[u8]| serde_json::from_slice::<serde_json::Value>(t).map(|v| v["m"].clone());
        let read = mending(br#"{"m":"a\ud83dz"}"#, parse).unwrap();
        assert_eq!(read, "a\u{fffd}z");
        let read = mending(br#"{"m":"a\ud83d\ude00"}"#, parse).unwrap();
        assert_eq!(read, "a\u{1f600}");
        let read = mending_str(r#"{"m":"\udc00"}"#, |t| parse(t.as_bytes())).unwrap();
        assert_eq!(read, "\u{fffd}");
    }

    /// A streamed document's reader mends what the reading of it whole mends, however its
    /// reads cut it (an escape of a pair cut between two reads is held back), and a read of
    /// it after its input failed goes on where it was (a gzip stream cut short had panicked).
    #[test]
    fn the_mending_reader_mends_across_reads() {
        use std::io::Read;
        /// An input that gives at most `n` bytes a read, and fails every third read.
        struct Trickle<'a>(&'a [u8], usize, usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                self.2 += 1;
                if self.2.is_multiple_of(3) {
                    return Err(std::io::Error::other("a gzip stream cut short"));
                }
                let n = self.1.min(out.len()).min(self.0.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let read_all = |text: &[u8], n: usize, out: usize| {
            let mut r = MendingReader::new(Trickle(text, n, 0));
            let mut got = Vec::new();
            let mut buf = vec![0; out];
            // Read on after each error: nothing lost, nothing twice.
            loop {
                match r.read(&mut buf) {
                    Ok(0) => return got,
                    Ok(k) => got.extend_from_slice(&buf[..k]),
                    Err(e) => assert_eq!(e.to_string(), "a gzip stream cut short"),
                }
            }
        };
        let mended = |t: &[u8]| lone_surrogates_mended(t).unwrap_or_else(|| t.to_vec());
        for &(text, _) in SURROGATES {
            for n in (1..=13).chain([4096]) {
                for out in [1, 7, 4096] {
                    let got = read_all(text.as_bytes(), n, out);
                    assert!(got == mended(text.as_bytes()), "{n} {out}: {text}");
                }
            }
        }
        // The reader's own buffer (64 KiB) ends at each byte of a pair and a lone one.
        for k in 0..20 {
            let mut text = b"x".repeat((1 << 16) - 20 + k);
            text.extend_from_slice(br#"\ud83d\ude00\udc00\ud83d\u0041"#);
            text.extend_from_slice(&b"y".repeat(1 << 16));
            let got = read_all(&text, 1 << 20, 1 << 17);
            assert!(got == mended(&text), "{k}");
            assert_eq!(got.len(), text.len());
        }
    }

    #[test]
    fn trailing_commas_are_found_outside_strings() {
        assert_eq!(
            without_trailing_commas(
                br#"{"a": ",}", "b": [1, 2, ],
}"#
            )
            .as_deref(),
            Some(
                &br#"{"a": ",}", "b": [1, 2 ]
}"#[..]
            )
        );
        assert_eq!(without_trailing_commas(br#"{"a": 1, "b": 2}"#), None);
    }

    #[test]
    fn value_ends() {
        assert_eq!(value_end(br#"{"a":[1,"}"]} ,"#, 0), Some(13));
        assert_eq!(value_end(b"123,", 0), Some(3));
        assert_eq!(value_end(br#""a\"b" "#, 0), Some(6));
        assert_eq!(value_end(br#"{"a":"#, 0), None);
        assert_eq!(value_end(b"}", 0), Some(1));
        // A closer of the wrong kind closes up to its own kind, or everything.
        assert_eq!(value_end(br#"{"a":[1},{"t":2}"#, 0), Some(8));
        assert_eq!(value_end(br#"[{"a":1]],"#, 0), Some(8));
        assert_eq!(value_end(br#"[[{"a":1]],"#, 0), Some(10));
        assert_eq!(value_end(br#"[[1}, 2"#, 0), Some(4));
        // Whether the value may nest deeper: it opens more brackets than that, or is cut off.
        let b = br#"x [{"a": "[[[["}, [[]]] ,"#;
        assert_eq!(value_end_deep(b, 2, 4), (Some(23), false));
        assert_eq!(value_end_deep(b, 2, 3), (Some(23), true));
        assert_eq!(value_end_deep(b, 9, 0), (Some(15), false));
        assert_eq!(value_end_deep(&b[..20], 2, 4), (None, true));
    }

    #[test]
    fn a_walker_finds_the_end_across_reads() {
        let mut w = Walker::default();
        assert_eq!(w.end(br#"{"a": "x}"#), None);
        assert_eq!(w.end(br#"\"}", "b": [1]"#), None);
        assert_eq!(w.end(b"} , next"), Some(1));
        let mut w = Walker::inside(2);
        assert_eq!(w.end(br#", "c": "]"}]} tail"#), Some(12));
    }

    #[test]
    fn the_next_element_is_found_by_the_shape_of_the_last() {
        let b = br#"{"a": 1, "b": "x}, {"a": 2}, {"a": 3}"#;
        // The second element lost the quote that closed its string.
        let sig = signature(b, 0).unwrap();
        assert_eq!(next_element(b, 1, b.len(), &sig), Some(17));
        assert_eq!(next_element(b, 18, b.len(), &sig), Some(27));
        let rows = br#"["7c1e", 1], ["7c1e, 2], ["7c1e", 3]"#;
        let sig = signature(rows, 0).unwrap();
        assert_eq!(next_element(rows, 13, rows.len(), &sig), Some(23));
        // A line cut short and its comma lost: the next line's element.
        let b = b"{\"a\": 1},\n{\"a\": \"cut\n{\"a\": 3},\n{\"a\": 4}";
        let sig = signature(b, 0).unwrap();
        assert_eq!(next_element(b, 12, b.len(), &sig), Some(20));
        // Not an object indented inside the damaged element.
        let b = b"{\"a\": 1},\n{\"a\": \"cut\n  {\"a\": 3},\n{\"a\": 4}";
        assert_eq!(next_element(b, 12, b.len(), &sig), Some(31));
    }

    #[test]
    fn depth_is_counted_outside_strings() {
        assert!(!nests_deeper_than(b"[[[]]]", 3));
        assert!(nests_deeper_than(b"[[[[]]]]", 3));
        assert!(!nests_deeper_than(br#"["[[[[[[", {"a": "{{{{{"}]"#, 3));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(nests_deeper_than(deep.as_bytes(), MAX_NESTING));
    }

    /// The walk byte by byte, as it was before windows (brackets too, not through
    /// `Walker::bracket`): the reference of the test below.
    fn end_bytewise(w: &mut Walker, b: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < b.len() {
            if w.in_string {
                if w.escaped {
                    w.escaped = false;
                } else if b[i] == b'\\' {
                    w.escaped = true;
                } else if b[i] == b'"' {
                    w.in_string = false;
                    if w.depth == 0 {
                        return Some(i + 1);
                    }
                }
                i += 1;
                continue;
            }
            match b[i] {
                b'"' => {
                    w.in_string = true;
                    w.started = true;
                }
                b'}' | b']' if w.depth == 0 => return Some(if w.started { i } else { i + 1 }),
                c @ (b'{' | b'[') => {
                    w.opened += 1;
                    w.depth += 1;
                    w.kinds = w.kinds << 1 | u64::from(c == b'{');
                    w.known = (w.known + 1).min(64);
                    w.started = true;
                }
                c @ (b'}' | b']') => {
                    let brace = u64::from(c == b'}');
                    let closes = match (0..w.known).find(|&k| (w.kinds >> k) & 1 == brace) {
                        Some(k) => k + 1,
                        None if w.known < w.depth => w.known + 1,
                        None => w.known,
                    };
                    w.depth -= closes;
                    w.kinds = w.kinds.checked_shr(closes as u32).unwrap_or(0);
                    w.known = w.known.saturating_sub(closes);
                    if w.depth == 0 {
                        return Some(i + 1);
                    }
                }
                b',' if w.started && w.depth == 0 => return Some(i),
                c if c.is_ascii_whitespace() => {
                    if w.started && w.depth == 0 {
                        return Some(i);
                    }
                }
                _ => w.started = true,
            }
            i += 1;
        }
        None
    }

    /// Random text of JSON's structure and damage: escapes, stray and mismatched brackets,
    /// runs longer than a window.
    fn random_texts(rounds: usize, mut each: impl FnMut(usize, &[u8], [usize; 2])) {
        let parts: [&[u8]; 16] = [
            b"\"",
            b"\\",
            b"\\\"",
            b"{",
            b"}",
            b"[",
            b"]",
            b",",
            b" ",
            b"\n",
            b"a",
            b"12",
            br#""k": "v""#,
            br#""a\\"b""#,
            &[b'x'; 70],
            &[b' '; 40],
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..rounds {
            let len = 1 + rand(60);
            let text: Vec<u8> = (0..len)
                .flat_map(|_| parts[rand(parts.len())])
                .copied()
                .collect();
            let cuts = [rand(text.len() + 1), rand(text.len() + 1)];
            each(round, &text, cuts);
        }
    }

    #[test]
    fn window_classes_are_exact() {
        // Windows of every length up to 64 from the classes' bytes and their neighbours (the
        // bit that folds `[` into `{` set or not, zero, high bytes), against byte by byte.
        let alphabet = [
            b'[',
            b']',
            b'{',
            b'}',
            b'"',
            b'\\',
            b'\\' | 0x20,
            b'"' | 0x20,
            b';',
            b'=',
            b'Z',
            b'z',
            b'|',
            0,
            0x20,
            0x80,
            0xdb,
            0xfb,
            b'a',
        ];
        for w in super::super::stops::random_windows(&alphabet, 20_000, |round| 1 + round % 64) {
            let bits = |f: &dyn Fn(u8) -> bool| {
                w.iter()
                    .enumerate()
                    .fold(0u64, |m, (k, &c)| m | u64::from(f(c)) << k)
            };
            let want = (
                w.contains(&b'\\'),
                bits(&|c| c == b'"'),
                bits(&|c| matches!(c, b'{' | b'[')),
                bits(&|c| matches!(c, b'}' | b']')),
            );
            assert_eq!(classes(&w), want, "{w:?}");
        }
    }

    #[test]
    fn the_walk_by_windows_ends_where_the_walk_by_bytes_does() {
        // The random texts cut into reads at random places, walked from the start and from
        // inside brackets: each read's result and the state left are the same.
        random_texts(20_000, |round, text, cuts| {
            let (a, b) = (cuts[0].min(cuts[1]), cuts[0].max(cuts[1]));
            let reads = [&text[..a], &text[a..b], &text[b..]];
            let start = || match round % 3 {
                0 => Walker::default(),
                k => Walker::inside(k),
            };
            let (mut fast, mut slow) = (start(), start());
            for (k, read) in reads.iter().enumerate() {
                let (got, want) = (fast.end(read), end_bytewise(&mut slow, read));
                assert_eq!(got, want, "{:?} read {k}", String::from_utf8_lossy(text));
                let state = |w: &Walker| {
                    let kept = (w.depth, w.kinds, w.known, w.in_string, w.escaped);
                    (kept, w.opened)
                };
                if got.is_some() {
                    assert_eq!(state(&fast).1, state(&slow).1, "brackets opened");
                    break;
                }
                assert_eq!(
                    state(&fast),
                    state(&slow),
                    "{:?}",
                    String::from_utf8_lossy(text)
                );
            }
        });
    }

    #[test]
    fn nesting_by_windows_is_nesting_by_bytes() {
        // The random texts against the byte-by-byte count, at limits that each text's
        // deepest point falls below, on and above; and deep runs over windows.
        fn bytewise(b: &[u8], limit: usize) -> bool {
            let mut depth = 0usize;
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'"' => match string_end(b, i + 1) {
                        Some(end) => {
                            i = end;
                            continue;
                        }
                        None => return false,
                    },
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > limit {
                            return true;
                        }
                    }
                    b'}' | b']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                i += 1;
            }
            false
        }
        let mut deepest = 0;
        random_texts(20_000, |_, text, _| {
            let at = (0..12).find(|&limit| !bytewise(text, limit)).unwrap_or(12);
            deepest = deepest.max(at);
            for limit in [at.saturating_sub(1), at, at + 1, 3] {
                let want = bytewise(text, limit);
                let got = nests_deeper_than(text, limit);
                assert_eq!(got, want, "{:?} {limit}", String::from_utf8_lossy(text));
            }
        });
        assert!(deepest >= 6, "the texts nest {deepest} deep");
        for depth in [63, 64, 65, 127, 128, 129, 200] {
            let text = format!("{}\"]\"{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(nests_deeper_than(text.as_bytes(), 128), depth > 128);
            let text = format!("{}\"\\\"{{\"{}", "{".repeat(depth), "}".repeat(depth));
            assert_eq!(nests_deeper_than(text.as_bytes(), 128), depth > 128);
        }
    }
}
