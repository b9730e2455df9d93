//! A pretty-printed array's indentation, read to find where the elements go on after a
//! damaged one ([`pretty_next`]) or after debris of its damage ([`past_pretty_debris`]).

use super::closers::{closes_document, opens_document, stray_closer};

/// Where the elements of a pretty-printed array go on after the damaged element at `b[i]`,
/// which is the first thing on its line, or follows the closer of the element before it there
/// (`  }{`, `  } {`, `  }, {`: [`opener_indent`]): at its own closer, the first thing on the
/// first line after `b[from]` indented as far as it that starts with its closer (nested
/// closers are indented more); at the comma after that (`false`), else past it (`true`, an
/// element may come without a comma), or at the next element's opener when that follows on
/// the line (`  }{`, `  } {`, `  }, {`: at the opener, `true`, or its comma), damaged or not.
/// What follows is read as it is: a next element that lost its opener is one reject of its
/// own, one damaged on the closer's line too (the walk had gone on to the next line indented
/// as far that starts with a `{` or `[`, past such an element, counted nowhere). With no
/// indentation (a nested closer is indented as the element's own) only a closer with an
/// element's opener after it on its line ends it. Else at the next line indented as far that
/// starts with a `{` or `[` (at the comma before it, when the line before ends with one:
/// `false`; else at the opener: `true`), or at the array's `]`, first on the first line
/// indented less (or as far, after an object). Damage inside an element (`a}b]c`, `]{"`,
/// `}"`) upsets its brackets and quotes, not the indentation of the lines after it. `from`:
/// where the element's lines are known to go on from (after a closer that the parser took for
/// its own: a stray `}` line indented as it). `None` when the element is no object or array,
/// is not first on its line, or `b` holds neither.
pub(super) fn pretty_next(b: &[u8], i: usize, from: usize) -> Option<(usize, bool)> {
    // A string or a number (JSON text of records, a scalar that is not one) is no record's
    // damage: its own end is where the next element starts.
    let open = *b.get(i).filter(|&&c| opens(c))?;
    let indent = opener_indent(b, i)?;
    memchr::memchr_iter(b'\n', &b[from..]).find_map(|p| {
        let start = from + p + 1;
        let n = blanks(&b[start..]);
        let c = *b.get(start + n)?;
        if matches!(c, b'\n' | b'\r') || n > indent {
            return None;
        }
        if n < indent || (c == b']' && open == b'{') {
            return Some((c == b']').then_some((start + n, false)));
        }
        if c == closer(open) {
            let after = start + n + 1;
            if let Some(next) = opener_after(b, after) {
                return Some(Some(next));
            }
            return own_closer_end(b, after, indent > 0).map(Some);
        }
        if !opens(c) {
            return None;
        }
        let before = b[..start].iter().rposition(|c| !c.is_ascii_whitespace());
        Some(Some(match before {
            Some(k) if b[k] == b',' => (k, false),
            _ => (start + n, true),
        }))
    })?
}

/// Where the elements go on after an element's own closer, first on its line, from `b[k]`
/// past it: at an opener after it (`true`), damaged or not (the next element opening on its
/// line, the comma lost: it is read, its damage its own); and when the element is `indented`
/// (no nested closer is indented as its own), at the comma after it (`false`), or past it
/// when nothing follows it on its line (`true`). `None` when anything else follows it.
fn own_closer_end(b: &[u8], k: usize, indented: bool) -> Option<(usize, bool)> {
    let j = k + blanks(&b[k..]);
    match b.get(j) {
        Some(&c) if opens(c) => Some((j, true)),
        _ if !indented => None,
        None | Some(b'\n' | b'\r') => Some((k, true)),
        Some(b',') => Some((j, false)),
        Some(_) => None,
    }
}

/// The indentation of an element's opener at `b[i]`: its line's when it is first on it, or
/// when it follows the closer of the element before it there (`  }{`, `  } {`, `  }, {`: a
/// comma lost, or a layout that puts the next opener there), that closer's. Only the few bytes
/// before it are looked at (see [`line_indent`]).
fn opener_indent(b: &[u8], i: usize) -> Option<usize> {
    line_indent(b, i).or_else(|| {
        let mut k = i - blanks_before(b, i);
        if b[..k].last() == Some(&b',') {
            k -= 1;
            k -= blanks_before(b, k);
        }
        let c = k.checked_sub(1)?;
        matches!(b[c], b'}' | b']').then_some(())?;
        line_indent(b, c)
    })
}

/// The closer that matches the opener `open`.
fn closer(open: u8) -> u8 {
    if open == b'{' {
        b'}'
    } else {
        b']'
    }
}

/// Where the elements go on when the next element opens on the line of the closer before it,
/// from `b[k]` past that closer (`}{`, `} {`, `}, {`): at the comma (`false`), else at the
/// opener (`true`: it comes without a comma). `None` when the line holds anything else after
/// the closer (the closer is no element's, or only its comma follows it).
pub(super) fn opener_after(b: &[u8], k: usize) -> Option<(usize, bool)> {
    let blank = |j: usize| j + blanks(&b[j..]);
    let mut j = blank(k);
    let comma = (b.get(j) == Some(&b',')).then_some(j);
    if let Some(c) = comma {
        j = blank(c + 1);
    }
    b.get(j)
        .filter(|&&c| opens(c) && opens_document(b, j))
        .map(|_| comma.map_or((j, true), |c| (c, false)))
}

/// How many blanks (spaces, tabs) `s` starts with.
pub(super) fn blanks(s: &[u8]) -> usize {
    s.iter().take_while(|&&c| c == b' ' || c == b'\t').count()
}

/// How many blanks come right before `b[i]`.
fn blanks_before(b: &[u8], i: usize) -> usize {
    (b[..i].iter().rev())
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

/// The indentation of `b[i]` when it is first on its line (a line break before its blanks).
/// Only the blanks before it are looked at: a one-line document's elements cost nothing more
/// (a search back for the line's start had made each damaged one cost the block).
pub(super) fn line_indent(b: &[u8], i: usize) -> Option<usize> {
    let n = blanks_before(b, i);
    (b[..i - n].last() == Some(&b'\n')).then_some(n)
}

/// Whether the closer at `b[close]` is first on its line and indented as far as the opener
/// at `b[open]` is on its own (or on the line of the closer before it, [`opener_indent`]), an
/// element that ended where it should.
pub(super) fn aligned(b: &[u8], open: usize, close: usize) -> bool {
    let indent = |k: usize| {
        let n = blanks_before(b, k);
        matches!(b[..k - n].last(), None | Some(b'\n')).then_some(n)
    };
    let opener = indent(open).or_else(|| opener_indent(b, open));
    close > open && indent(close).is_some_and(|n| opener == Some(n))
}

/// Whether `c` opens an element that may be a record: an object, or an array of them (a batch
/// of events among single ones) or a row.
pub(super) fn opens(c: u8) -> bool {
    matches!(c, b'{' | b'[')
}

/// Where a pretty-printed array's elements go on after the element `b[i..stop]`, read or
/// rejected, when what follows it is debris of its damage, as [`pretty_next`] shows: not a
/// comma and the next element on a line of its own, nor the array's `]` where that finds it,
/// nor a `}` that closes the document.
pub(super) fn past_pretty_debris(
    b: &[u8],
    (i, stop): (usize, usize),
    top: bool,
) -> Option<(usize, bool)> {
    let after = |k: usize| {
        let n = b.get(k..)?.iter().position(|c| !c.is_ascii_whitespace())?;
        Some(k + n)
    };
    let k = after(stop)?;
    let own_line = |j: usize| b[stop..j].contains(&b'\n');
    // What closes the array (its own `]`, after a comma too) or the document (a `}`) does,
    // unless the element spans lines (pretty-printed) and the lines after it go on with
    // elements as indented as it: its damage closed it early (`],]`, `},]`, `]}}` on one of
    // its lines). After an element on one line (an element a line, no indentation to go by:
    // a table of a row a line, then the next table) it closes the array.
    let closes = |c: usize| {
        b[i..stop]
            .contains(&b'\n')
            .then(|| pretty_next(b, i, stop - 1))
            .flatten()
            .filter(|&(j, _)| j > c)
    };
    let plain = match b[k] {
        b',' => match after(k + 1) {
            Some(j) if b[j] == b']' => return closes(j),
            // The next element on a line of its own, or after the closer where it should be
            // (`  }, {`, first on its line and indented as far as the opener). After a closer
            // where a printer puts it the element ended as it should: what follows its comma is
            // the next element, damaged or not (a row that lost its `[` line: its cells are
            // read as one reject where they start, not skipped as this one's debris).
            j => j.is_none_or(|j| aligned(b, i, stop - 1) || opens(b[j]) && own_line(j)),
        },
        // A missing comma before the next element: on a line of its own, or right after the
        // closer where that ended the element as it should (`  }{`, first on its line and
        // indented as far as the opener; the element after it had been taken for debris and
        // lost uncounted).
        c if opens(c) => own_line(k) || aligned(b, i, stop - 1),
        b']' if !stray_closer(b, k, top) => return closes(k),
        b'}' if !top && closes_document(b, k) => return closes(k),
        _ => false,
    };
    (!plain).then(|| pretty_next(b, i, stop - 1)).flatten()
}
