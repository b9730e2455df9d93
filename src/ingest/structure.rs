//! The structure of JSON text, followed without parsing it: where a value or a string ends,
//! how deep brackets nest, and commas that stand before a closing bracket. The cutting of
//! blocks, the reading of document elements and the repair of pasted records all rely on it;
//! the values themselves are checked when they are parsed.

use super::scan::quote_or_backslash;

/// Brackets nested deeper than this make a record a reject (`nested too deep`), as serde_json
/// limits its own recursion: no parser meets more.
pub const MAX_NESTING: usize = 128;

/// Where the value starting at `b[i]` ends (the index after it, always past `i`), or `None`
/// when `b` ends first: [`Walker`] over one slice.
pub(super) fn value_end(b: &[u8], i: usize) -> Option<usize> {
    Walker::default().end(&b[i..]).map(|e| i + e)
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

/// The first comma in `b[from..to]` that is followed by an element with `sig`'s first bytes.
pub(super) fn next_element(b: &[u8], from: usize, to: usize, sig: &Signature<'_>) -> Option<usize> {
    let to = to.min(b.len());
    memchr::memchr_iter(b',', b.get(from..to)?)
        .map(|p| from + p)
        .find(|&p| {
            let skip = |k: usize| {
                k + b[k..]
                    .iter()
                    .take_while(|c| c.is_ascii_whitespace())
                    .count()
            };
            let k = skip(p + 1);
            b.get(k) == Some(&sig.open) && b[skip(k + 1)..].starts_with(&sig.head)
        })
}

/// Whether brackets in `b` nest deeper than `limit` (strings followed, so brackets inside them
/// do not count). Iterative: any depth costs nothing but the pass.
pub(super) fn nests_deeper_than(b: &[u8], limit: usize) -> bool {
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

/// `b` without the commas that stand right before a closing bracket (outside strings), when
/// it has any: `{"a": 1,}` → `{"a": 1}`.
pub(super) fn without_trailing_commas(b: &[u8]) -> Option<Vec<u8>> {
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

    /// The index just past the value if it ends in `b`, the next part of the input.
    pub(super) fn end(&mut self, b: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < b.len() {
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
                c @ (b'{' | b'[') => {
                    self.depth += 1;
                    self.kinds = self.kinds << 1 | u64::from(c == b'{');
                    self.known = (self.known + 1).min(64);
                    self.started = true;
                }
                c @ (b'}' | b']') => {
                    if self.depth == 0 {
                        // A stray closer is a (bad) value of its own; else it ends a scalar.
                        return Some(if self.started { i } else { i + 1 });
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
                    if self.depth == 0 {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn depth_is_counted_outside_strings() {
        assert!(!nests_deeper_than(b"[[[]]]", 3));
        assert!(nests_deeper_than(b"[[[[]]]]", 3));
        assert!(!nests_deeper_than(br#"["[[[[[[", {"a": "{{{{{"}]"#, 3));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(nests_deeper_than(deep.as_bytes(), MAX_NESTING));
    }
}
