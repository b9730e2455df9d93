//! An element read again when a comma before a closing bracket or bytes that are not UTF-8
//! broke it ([`reparse`], [`Repair`]).

use super::string_end;

/// How a JSON value that did not parse was read after all ([`reparse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::ingest) enum Repair {
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
pub(in crate::ingest) fn reparse<T, E>(
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
