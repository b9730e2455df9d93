//! What a bracket between array elements is: the array's own `]` or a stray one
//! ([`stray_closer`]), the `}` that closes the document around the array
//! ([`closes_document`]), the opener of another document ([`opens_document`]).

use super::super::structure::string_end;

/// Whether the `]` at `b[i]`, between elements, is a stray one: more elements follow it. After
/// a top-level array another document may start directly (`[...][...]`); inside a document
/// the array's own `]` is followed by `}` or the next key (Stream Analytics writes its
/// `EventProcessedUtcTime` after an Event Hubs message's `records`).
pub(super) fn stray_closer(b: &[u8], i: usize, top: bool) -> bool {
    let next = b[i + 1..].iter().position(|c| !c.is_ascii_whitespace());
    match next.map(|n| (i + 1 + n, b[i + 1 + n])) {
        Some((comma, b',')) => top || !key_follows(b, comma + 1),
        Some((k, b'{' | b'[')) => !top || !opens_document(b, k),
        // Inside a document nothing else follows its `]` but a `]` or `}` (one lost) or a key
        // (its comma lost): after anything else (the rest of a damaged row, `a}b]c`, `]]`) the
        // `]` is damage, and the elements go on.
        Some((k, c)) if !top => !matches!(c, b'}' | b']') && !key_follows(b, k),
        _ => false,
    }
}

/// Whether the `{` or `[` at `b[k]` opens a document, as far as its first member shows: an
/// object's first key or `}`, an array's anything but a string that no `,` or `]` follows
/// (`]{"` or `]["` left of a damaged element's line are no document).
pub(super) fn opens_document(b: &[u8], k: usize) -> bool {
    let Some(n) = b[k + 1..].iter().position(|c| !c.is_ascii_whitespace()) else {
        return true;
    };
    let j = k + 1 + n;
    match (b[k], b[j]) {
        (b'{', b'}') => true,
        (b'{', _) => key_follows(b, j),
        (_, b'"') => string_end(b, j + 1)
            .and_then(|e| b[e..].iter().find(|c| !c.is_ascii_whitespace()))
            .is_none_or(|c| matches!(c, b',' | b']')),
        _ => true,
    }
}

/// Whether the `}` at `b[i]`, after an element, closes the document around the array (or the
/// table its rows are in): what follows it closes more (`]`, `}`), is the next key of what
/// holds it, or is not in `b`. One followed by an element (a comma, a `{`) is a stray one.
pub(super) fn closes_document(b: &[u8], i: usize) -> bool {
    match b[i + 1..].iter().position(|c| !c.is_ascii_whitespace()) {
        None => true,
        Some(n) => match b[i + 1 + n] {
            b']' | b'}' => true,
            b',' => key_follows(b, i + 2 + n),
            _ => false,
        },
    }
}

/// Whether a key (a string and its colon) starts at `b[i]`, past whitespace.
pub(super) fn key_follows(b: &[u8], i: usize) -> bool {
    let at = |i: usize| {
        let n = b.get(i..)?.iter().position(|c| !c.is_ascii_whitespace())?;
        Some(i + n)
    };
    (|| {
        let open = at(i)?;
        (b[open] == b'"').then_some(())?;
        let colon = at(string_end(b, open + 1)?)?;
        (b[colon] == b':').then_some(())
    })()
    .is_some()
}
