//! A damaged element rejected, and where the elements go on after it: past its debris, a
//! stray quote's string, a row that ran into the next, an element closed early by a stray
//! closer ([`reject_damaged`] and the others).

use std::sync::atomic::Ordering;

use serde::de::IgnoredAny;

use super::super::json::short_message;
use super::super::structure::{next_element, reparse, signature, value_end, Signature, Walker};
use super::super::{FileCtx, Sink};
use super::closers::{closes_document, key_follows, stray_closer};
use super::pretty::{aligned, line_indent, pretty_next};
use super::End;
use crate::normalize::Reason;
use crate::record::At;

/// Where the elements go on after a scalar at `b[i]` that is debris of a damaged element: its
/// end, or where the next element starts if that comes first (a lost quote makes everything
/// after it look like a string), as the last good element's shape, else the array's first,
/// shows.
pub(super) fn past_debris(
    b: &[u8],
    i: usize,
    last_good: Option<usize>,
    shape: &Option<Signature<'_>>,
) -> usize {
    let stop = value_end(b, i).unwrap_or(b.len());
    let resync = [last_good.and_then(|g| signature(b, g)), shape.clone()]
        .into_iter()
        .flatten()
        .find_map(|sig| next_element(b, i, stop, &sig));
    resync.unwrap_or(stop)
}

/// Whether the element `b[i..stop]`, spread over lines and followed by debris
/// ([`past_pretty_debris`]), was itself closed early by its damage (`"code": 400,}`, a `}` line
/// too many inside it): its closer is not where a printer puts it (first on its line, indented
/// as far as its opener), and a key comes after it (past a comma), the first of its members
/// that the damage cut off. Such an element holds its fields before the damage only, and
/// would be a record of the wrong key (a code without its subcode): it is a reject. One whose
/// closer is where a printer puts it is whole as far as the text shows (the key after it may
/// be the next element's, which lost its `{`), and one after whose closer only brackets come
/// (`}}` where `}` was) lost no member. An element on one line is so when it is first on its
/// line (an element a line) and the key after it is on that line too (`{..., "properties":
/// {"resultCode": 400}, "resultSubcode": 8522}, "level": "x"},`); on a line with other
/// elements (a one-line document) the elements around it show nothing. The key after it is
/// looked for first: every element read whole comes here.
pub(super) fn closed_early(b: &[u8], (i, stop): (usize, usize)) -> bool {
    let after = |k: usize| {
        let n = b.get(k..)?.iter().position(|c| !c.is_ascii_whitespace())?;
        Some(k + n)
    };
    let next = after(stop).and_then(|k| if b[k] == b',' { after(k + 1) } else { Some(k) });
    let Some(k) = next.filter(|&k| key_follows(b, k)) else {
        return false;
    };
    if b[i..stop].contains(&b'\n') {
        return !aligned(b, i, stop - 1);
    }
    line_indent(b, i).is_some() && !b[stop..k].contains(&b'\n')
}

/// Whether `text` parses as JSON, as an element is read (again without a comma before a
/// closing bracket).
pub(super) fn parses(text: &[u8]) -> bool {
    let parse = |t: &[u8]| serde_json::from_slice::<IgnoredAny>(t).map(|_| ());
    parse(text).is_ok() || reparse(text, parse).is_some()
}

/// Why an element closed early by its damage is rejected.
const CLOSED_EARLY: &str =
    "closed early by damage (a stray closing bracket): its members after it are lost";

/// Rejects the element `b[i..stop]` closed early by its damage ([`closed_early`]), at the line
/// of the bracket that closed it.
pub(super) fn reject_closed_early<S: Sink>(
    b: &[u8],
    (i, stop): (usize, usize),
    at: At,
    ctx: &mut FileCtx<'_, S>,
) {
    ctx.reject(
        at,
        Reason::BadDocument,
        CLOSED_EARLY.into(),
        head(&b[i..stop]),
    );
}

/// Why a stray quote where an element should start is rejected.
pub(super) const STRAY_QUOTE: &str = "a stray quote: its string runs into the next element";

/// Where the next element starts when the string at `b[i]` runs into it, as the last good
/// element's shape, else the array's first, shows: right after the quote, or after a comma
/// inside the string. A string element cannot hold either (its own quotes would be escaped).
pub(super) fn stray_quote_end(
    b: &[u8],
    i: usize,
    last_good: Option<usize>,
    shape: &Option<Signature<'_>>,
) -> Option<usize> {
    let stop = value_end(b, i).unwrap_or(b.len());
    [last_good.and_then(|g| signature(b, g)), shape.clone()]
        .into_iter()
        .flatten()
        .find_map(|sig| {
            if sig.starts(b, i + 1) {
                return Some(i + 1);
            }
            next_element(b, i + 1, stop, &sig)
        })
}

/// What broke an element, and where it is: the parser's error, the element's line and index,
/// the line of JSON Lines that the whole document is on, if it is, and whether the array is a
/// top-level one ([`Of::top`]).
pub(super) struct Damage<'e> {
    pub(super) error: &'e serde_json::Error,
    pub(super) line: u64,
    pub(super) index: u64,
    pub(super) one_line: Option<u64>,
    pub(super) top: bool,
    /// The elements are a table's rows.
    pub(super) rows: bool,
}

/// Rejects the damaged element that starts at `b[i]` and that the parser read to `stop`;
/// returns where the elements go on, whether an element may come there without a comma, and
/// whether that is where its indentation shows it ended ([`pretty_next`]).
/// It ends where the next element starts, which the elements around it show (a lost quote
/// makes everything after it look like a string): in a pretty-printed array the next line
/// indented as far as it that opens an element ([`pretty_next`]); else the shape of
/// the last good element of the block, else its own, else the array's first, else (rows) a
/// row's whose first cell is a string, the first that finds a next element; else at `stop`, and the document ends inside it when the parser ran
/// out of input, but before the array's own `]` or the document's `}` when the walk ended there
/// ([`closed_from_outside`]).
pub(super) fn reject_damaged<S: Sink>(
    b: &[u8],
    (i, stop): (usize, usize),
    last_good: Option<usize>,
    shape: &Option<Signature<'_>>,
    damage: Damage<'_>,
    end: &End,
    ctx: &mut FileCtx<'_, S>,
) -> (usize, bool, bool) {
    let e = damage.error;
    let pretty = pretty_next(b, i, i);
    let resync = pretty.map(|(j, _)| j).or_else(|| {
        [
            last_good.and_then(|g| signature(b, g)),
            signature(b, i),
            shape.clone(),
            damage.rows.then(Signature::string_row),
        ]
        .into_iter()
        .flatten()
        .find_map(|sig| next_element(b, i + 1, stop, &sig))
    });
    let (reason, why, to) = match resync {
        Some(j) => (Reason::BadDocument, short_message(e), j),
        None if e.is_eof() => {
            end.truncated.store(true, Ordering::Relaxed);
            let why = "the document ends inside it".to_string();
            (Reason::Truncated, why, stop)
        }
        None if closed_from_outside(b, (i, stop), damage.top) => {
            (Reason::BadDocument, short_message(e), stop - 1)
        }
        None => (Reason::BadDocument, short_message(e), stop),
    };
    // The line the damage was found on (the element's start when the input ended).
    let at_line = if reason == Reason::Truncated || damage.one_line.is_some() {
        damage.line
    } else {
        damage.line + (e.line() as u64).saturating_sub(1)
    };
    let at = At::record(at_line, damage.index);
    ctx.reject(at, reason, why, head(&b[i..to]));
    let ended = pretty.filter(|&(j, _)| j == to);
    (to, ended.is_some_and(|(_, bare)| bare), ended.is_some())
}

/// Whether the walk of the damaged element `b[i..stop]` ended at a closer of the other kind
/// than its opener that closes what holds the array: the array's own `]`, or the document's
/// `}` after a row (a cut-off element keeps nothing open that it matches, so that closer
/// closed every bracket the element left open). Such a closer is no part of the element: the
/// array, or the document, ends there. A stray one, that elements follow, stays in it.
fn closed_from_outside(b: &[u8], (i, stop): (usize, usize), top: bool) -> bool {
    match (b[i], stop.checked_sub(1).map(|c| (c, b[c]))) {
        (b'{', Some((c, b']'))) if c > i => !stray_closer(b, c, top),
        (b'[', Some((c, b'}'))) if c > i => !top && closes_document(b, c),
        _ => false,
    }
}

/// What a row of a table whose column definitions were mended that does not fit them says.
pub(super) const MENDED: &str = "its table's column definitions are damaged";

/// Why a row that ran into the next one is rejected.
pub(super) const RAN_INTO: &str = "row without its closing ]: it runs into the next row";

/// Where the next row starts inside the row `b[i..stop]`, when it lost its `]` and took the
/// rows after it in as cells: a comma and an element of its shape (else the array's first),
/// with the row still open at its own level and outside a string there.
pub(super) fn runs_into(
    b: &[u8],
    (i, stop): (usize, usize),
    shape: &Option<Signature<'_>>,
) -> Option<usize> {
    [signature(b, i), shape.clone()]
        .into_iter()
        .flatten()
        .find_map(|sig| next_element(b, i + 1, stop, &sig))
        .filter(|&j| {
            let mut walk = Walker::default();
            walk.end(&b[i..j]).is_none() && walk.open() == (1, false)
        })
}

/// The first bytes of an element, as text for a reject's excerpt.
pub(super) fn head(text: &[u8]) -> String {
    String::from_utf8_lossy(&text[..text.len().min(200)]).into_owned()
}
