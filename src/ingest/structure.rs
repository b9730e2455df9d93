//! The structure of JSON text, followed without parsing it: where a value or a string ends,
//! how deep brackets nest, and commas that stand before a closing bracket. The cutting of
//! blocks, the reading of document elements and the repair of pasted records all rely on it;
//! the values themselves are checked when they are parsed.

use super::scan::quote_or_backslash;
#[cfg(not(target_arch = "x86_64"))]
use super::stops::masks;
#[cfg(target_arch = "x86_64")]
use super::stops::padded;

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

/// The first bytes of an array element: its opening bracket, then the first key of an object
/// (with its quotes) or the first bytes of an array's first value. The elements of one
/// array share them (`{"TableName"`, `{"time"`, `["7c1e4d2a`), which is what finds where the
/// next element starts when a damaged one hides it.
#[derive(Clone)]
pub(super) struct Signature<'a> {
    open: u8,
    head: std::borrow::Cow<'a, [u8]>,
}

impl Signature<'_> {
    /// Its opening bracket.
    pub(super) fn opener(&self) -> u8 {
        self.open
    }

    /// The signature of a row whose first cell is a string (a query API row's `TimeGenerated`):
    /// where no row around a damaged one shows a shape (its first cell lost a quote and it is
    /// the first of its array or block), the next row is where one so starts.
    pub(super) fn string_row() -> Signature<'static> {
        Signature {
            open: b'[',
            head: std::borrow::Cow::Borrowed(b"\""),
        }
    }

    /// The same signature, owning its bytes.
    pub(super) fn into_owned(self) -> Signature<'static> {
        Signature {
            open: self.open,
            head: std::borrow::Cow::Owned(self.head.into_owned()),
        }
    }
}

pub(super) fn signature(b: &[u8], i: usize) -> Option<Signature<'_>> {
    let open = *b.get(i)?;
    let j = i
        + 1
        + b.get(i + 1..)?
            .iter()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    let head = match open {
        b'{' if b.get(j) == Some(&b'"') => &b[j..string_end(b, j + 1)?],
        b'[' => {
            let rest = b.get(j..)?;
            let n = rest
                .iter()
                .take(6)
                .take_while(|c| !matches!(c, b',' | b']') && !c.is_ascii_whitespace())
                .count();
            &rest[..n]
        }
        _ => return None,
    };
    (!head.is_empty() && head.len() <= 64).then_some(Signature {
        open,
        head: head.into(),
    })
}

/// The first comma in `b[from..to]` that is followed by an element with `sig`'s first bytes,
/// or newline followed by one at the line's start: in an array of an element a line, a
/// damaged element whose line lost its comma as well (a record cut short, then the next one on
/// its own line) must not take that next one in with it. (A pretty-printed array indents its
/// elements, and an object inside one deeper still.)
pub(super) fn next_element(b: &[u8], from: usize, to: usize, sig: &Signature<'_>) -> Option<usize> {
    let to = to.min(b.len());
    memchr::memchr2_iter(b',', b'\n', b.get(from..to)?)
        .map(|p| from + p)
        .find(|&p| match b[p] {
            b',' => sig.starts(b, p + 1),
            _ => b.get(p + 1) == Some(&sig.open) && sig.starts(b, p + 1),
        })
}

impl Signature<'_> {
    /// Whether an element with these first bytes starts at `b[k]`, past whitespace.
    pub(super) fn starts(&self, b: &[u8], k: usize) -> bool {
        let skip = |k: usize| {
            k + b.get(k..).map_or(0, |r| {
                r.iter().take_while(|c| c.is_ascii_whitespace()).count()
            })
        };
        let k = skip(k);
        b.get(k) == Some(&self.open)
            && b.get(skip(k + 1)..)
                .is_some_and(|r| r.starts_with(&self.head))
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

/// `b` with each `\u` escape of a UTF-16 surrogate that is not half of a pair (a high one no
/// low one's escape follows, a low one alone: an emoji cut in half by an app or a logger, as
/// JavaScript's `JSON.stringify` writes one) made `\ufffd`, when it holds any. The same
/// length, so that every position in it (a reject's column, a line's end) is the text's.
/// serde_json refuses such an escape in a string it reads (its whole record a reject); the
/// scanner reads it as U+FFFD, as a byte that is not UTF-8 is read ([`super::scan`]).
pub(super) fn lone_surrogates_mended(b: &[u8]) -> Option<Vec<u8>> {
    let mut mended: Option<Vec<u8>> = None;
    lone_surrogates(b, true, |at| {
        mended.get_or_insert_with(|| b.to_vec())[at + 2..at + 6].copy_from_slice(FFFD);
    });
    mended
}

/// The hex digits of U+FFFD's escape.
const FFFD: &[u8] = b"fffd";

/// Calls `lone(at)` for each `\u` escape at `at` in `b` of a lone surrogate (see
/// [`lone_surrogates_mended`]); returns where it stopped: the end of `b`, or with `!end` (more
/// text follows `b`) the start of an escape that the end of `b` may cut, which is looked at
/// again with the text after it.
fn lone_surrogates(b: &[u8], end: bool, mut lone: impl FnMut(usize)) -> usize {
    let hex = |at: usize| {
        let mut digits = b.get(at..at + 4)?.iter();
        digits.try_fold(0u32, |n, &c| Some(n << 4 | char::from(c).to_digit(16)?))
    };
    let low = |n: u32| (0xDC00..=0xDFFF).contains(&n);
    let mut i = 0;
    while let Some(p) = b.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let at = i + p;
        // A pair's two escapes take 12 bytes.
        if !end && at + 12 > b.len() {
            return at;
        }
        // Every backslash in JSON text starts an escape of two bytes or more (`\\ud83d` is a
        // backslash and text): escapes are followed from the first.
        i = at + 2;
        if b.get(at + 1) != Some(&b'u') {
            continue;
        }
        let Some(n) = hex(at + 2) else {
            continue;
        };
        i = at + 6;
        let alone = match n {
            0xD800..=0xDBFF => {
                let paired = b.get(at + 6..at + 8) == Some(b"\\u") && hex(at + 8).is_some_and(low);
                if paired {
                    i = at + 12;
                }
                !paired
            }
            n => low(n),
        };
        if alone {
            lone(at);
        }
    }
    b.len()
}

/// A document streamed through serde_json (see `document::stream`), which cannot read it
/// again, with its lone surrogates' escapes read as `\ufffd` ([`lone_surrogates_mended`]) as
/// its bytes pass: an escape that a read of the input cuts is held back for the next.
pub(super) struct MendingReader<R> {
    input: R,
    buf: Box<[u8]>,
    /// `buf[from..ready]` is mended and not yet given; `buf[ready..filled]`, an escape that
    /// may be cut, to be looked at with what follows it.
    from: usize,
    ready: usize,
    filled: usize,
    eof: bool,
}

impl<R: std::io::Read> MendingReader<R> {
    pub(super) fn new(input: R) -> Self {
        MendingReader {
            input,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            from: 0,
            ready: 0,
            filled: 0,
            eof: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for MendingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.from == self.ready {
            if self.eof {
                return Ok(0);
            }
            // What was held back moves to the front first: a read that fails (a gzip stream
            // cut short) leaves the reader whole, and one after it goes on from there.
            self.buf.copy_within(self.ready..self.filled, 0);
            (self.filled, self.ready, self.from) = (self.filled - self.ready, 0, 0);
            let n = self.input.read(&mut self.buf[self.filled..])?;
            self.eof = n == 0;
            self.filled += n;
            let buf = &mut self.buf[..self.filled];
            let mut at = Vec::new();
            self.ready = lone_surrogates(buf, self.eof, |a| at.push(a));
            for a in at {
                buf[a + 2..a + 6].copy_from_slice(FFFD);
            }
        }
        let n = out.len().min(self.ready - self.from);
        out[..n].copy_from_slice(&self.buf[self.from..self.from + n]);
        self.from += n;
        Ok(n)
    }
}

/// `parse(text)`, or when that fails and `text` holds a lone surrogate's escape, `parse` of a
/// copy with U+FFFD's for them ([`lone_surrogates_mended`]): a text that parses costs nothing
/// more. Looked for whatever the error, so that a text with other damage too is read as
/// [`reparse`] reads it (after a comma before a closing bracket, which serde names first, a
/// half emoji). What `parse` gives may not borrow from the text: the copy is gone after it.
pub(super) fn mending<T, E>(
    text: &[u8],
    mut parse: impl FnMut(&[u8]) -> Result<T, E>,
) -> Result<T, E> {
    let first = parse(text);
    if first.is_ok() {
        return first;
    }
    match lone_surrogates_mended(text) {
        Some(mended) => parse(&mended),
        None => first,
    }
}

/// [`mending`] for text already known to be UTF-8 (JSON text held in a string value, a CSV
/// cell): the copy only changes ASCII hex digits, so it is UTF-8 too.
pub(super) fn mending_str<T, E>(
    text: &str,
    mut parse: impl FnMut(&str) -> Result<T, E>,
) -> Result<T, E> {
    let first = parse(text);
    if first.is_ok() {
        return first;
    }
    match lone_surrogates_mended(text.as_bytes()).and_then(|m| String::from_utf8(m).ok()) {
        Some(mended) => parse(&mended),
        None => first,
    }
}

/// How a JSON value that did not parse was read after all ([`reparse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repair {
    /// Without a comma before a closing bracket, as Microsoft's docs show records.
    TrailingCommas,
    /// With U+FFFD for the bytes that are not UTF-8 (a Latin-1 `é` in a message), as a CSV row
    /// is read.
    Lossy,
}

/// A JSON value that broke with a syntax error, read again as the damage of real files asks:
/// without a comma before a closing bracket, then (when it is not UTF-8) with U+FFFD for the
/// bytes that are not; the first that `parse` reads, and how. The one repair sequence of the
/// readers of JSON Lines, of documents and of their array elements.
pub(super) fn reparse<T, E>(
    text: &[u8],
    mut parse: impl FnMut(&[u8]) -> Result<T, E>,
) -> Option<(T, Repair)> {
    if let Some(fixed) = without_trailing_commas(text) {
        if let Ok(t) = parse(&fixed) {
            return Some((t, Repair::TrailingCommas));
        }
    }
    if std::str::from_utf8(text).is_err() {
        if let Ok(t) = parse(String::from_utf8_lossy(text).as_bytes()) {
            return Some((t, Repair::Lossy));
        }
    }
    None
}

/// `b` without the commas that stand right before a closing bracket (outside strings), when
/// it has any: `{"a": 1,}` → `{"a": 1}`.
fn without_trailing_commas(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    let mut dropped = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = string_end(b, i + 1).unwrap_or(b.len());
                out.extend_from_slice(&b[i..end]);
                i = end;
                continue;
            }
            b',' => {
                let next = b[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
                if matches!(next, Some(b'}' | b']')) {
                    dropped = true;
                } else {
                    out.push(b',');
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    dropped.then_some(out)
}

/// Where a body logged over the lines after it opens on a line of text outside any document: a
/// logger's prefix (`      Received callback: [`, ASP.NET Core's console logger with indented
/// JSON; `JSON.stringify(body, null, 2)`, `json.dumps(body, indent=2)` after a message) whose
/// last character is the body's `[` or `{`: text with a letter or a digit, no quote and no
/// `{` (not a damaged document's `"records": [`).
pub(super) fn opens_after_prefix(line: &[u8]) -> Option<usize> {
    let line = line.trim_ascii_end();
    let (&last, prefix) = line.split_last()?;
    (matches!(last, b'[' | b'{')
        && prefix.iter().any(u8::is_ascii_alphanumeric)
        && !prefix.iter().any(|&c| matches!(c, b'"' | b'{')))
    .then_some(line.len() - 1)
}

/// The first ISO 8601 time in a log line's prefix (`2025-05-16T17:41:55.643Z`, Python's
/// `2025-05-16 17:41:55,643`), its date and time joined by `T` and its fraction by `.`; and
/// whether it carries its offset (`Z`, `+01:00`, or ` +00:00` after a space as .NET writes it).
pub(super) fn prefix_time(prefix: &[u8]) -> Option<(String, bool)> {
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let shape = |b: &[u8]| {
        b.len() >= 19
            && digits(&b[..4])
            && b[4] == b'-'
            && digits(&b[5..7])
            && b[7] == b'-'
            && digits(&b[8..10])
            && matches!(b[10], b'T' | b' ')
            && digits(&b[11..13])
            && b[13] == b':'
            && digits(&b[14..16])
            && b[16] == b':'
            && digits(&b[17..19])
    };
    let start = (0..prefix.len()).find(|&i| shape(&prefix[i..]))?;
    let b = &prefix[start..];
    let mut end = 19;
    if matches!(b.get(end), Some(b'.' | b',')) && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    let zoned = end;
    // .NET's `zzz` after a space, as App Service's file logger writes its lines'
    // (`2026-11-24 10:00:01.456 +00:00 [Information] ...`): the offset all the same.
    let spaced = usize::from(b.get(end) == Some(&b' '));
    let offset = &b[(end + spaced).min(b.len())..];
    if spaced == 0 && offset.first() == Some(&b'Z') {
        end += 1;
    } else if matches!(offset.first(), Some(b'+' | b'-'))
        && offset.len() >= 6
        && digits(&offset[1..3])
        && offset[3] == b':'
        && digits(&offset[4..6])
    {
        end += spaced + 6;
    }
    let mut t = String::from_utf8_lossy(&b[..end]).into_owned();
    if spaced == 1 && end > zoned {
        t.remove(zoned);
    }
    t.replace_range(10..11, "T");
    if t.as_bytes().get(19) == Some(&b',') {
        t.replace_range(19..20, ".");
    }
    Some((t, end > zoned))
}

/// Whether a line starts with a log prefix in brackets (`[2026-11-25 10:00:01] INFO ...`, a
/// logger's line, with a body after it or not), not a JSON array: its first `]` closes text
/// with a letter or a digit and no bracket or quote, that is not JSON, and a word follows it,
/// which no JSON value can be followed by.
pub(super) fn bracket_prefix(line: &[u8]) -> bool {
    let line = line.split(|&c| c == b'\n').next().unwrap_or(line);
    let Some(inner) = line.strip_prefix(b"[") else {
        return false;
    };
    let Some(close) = memchr::memchr(b']', inner) else {
        return false;
    };
    let text = &inner[..close];
    let word = inner[close + 1..].trim_ascii_start();
    text.iter().any(u8::is_ascii_alphanumeric)
        && !text.iter().any(|c| matches!(c, b'[' | b'{' | b'"'))
        && word.first().is_some_and(u8::is_ascii_alphabetic)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&line[..close + 2]).is_err()
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
