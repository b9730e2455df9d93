//! An element of a pretty-printed array that lost its opener (or its opener's line): its
//! members where an element should start, up to its closer, one reject ([`lost_opener`]).

use super::closers::key_follows;
use super::pretty::{blanks, line_indent, opener_after, opens};

/// Why a record that lost its opening `{` is rejected.
pub(super) const LOST_OPENER: &str =
    "a record without its opening {: its members stand where an element should start";

/// Why a row that lost its opening `[` is rejected.
pub(super) const LOST_ROW_OPENER: &str =
    "a row without its opening [: its cells stand where an element should start";

/// Where the elements of a pretty-printed array go on after an element that lost its opener's
/// line (or only its opener), its first member at `b[i]` first on its line: a key and its colon
/// (`record`), or a row's first cell (a scalar). Past the element's own closer (`}`, a row's
/// `]`) when that is first on the first line after it indented less than its members (`false`:
/// the comma after it comes next); at the array's `]` or the document's `}` there; or at the
/// opener of the next element there, or first on a line indented as the members (an element a
/// line), when its closer was lost too (`true`: it comes without a comma). The lines between
/// are its members (keys, cells, the closers of their values, indented as the first) and what
/// they hold (indented more). With no such line in `b`, the element is the last of the input,
/// or of its block, which ends at the comma after it (with no indentation its own closer is as
/// far in as its members, and the next element is in the next block): there, or at `b`'s end.
/// `None` when the member is not first on its line (a one-line document's elements cost no
/// more here).
pub(super) fn lost_opener(b: &[u8], i: usize, record: bool) -> Option<(usize, bool)> {
    match lost_walk(b, i, record) {
        Lost::Ends(j, bare) => Some((j, bare)),
        Lost::Not => None,
        Lost::RunsOff => {
            let last = b.iter().rposition(|c| !c.is_ascii_whitespace())?;
            Some((if b[last] == b',' { last } else { b.len() }, false))
        }
    }
}

/// Whether the last thing before `b[i]`, past whitespace, is a closer: an element ended there
/// (and the comma after it was lost, when an element should not start at `b[i]`).
pub(super) fn closer_before(b: &[u8], i: usize) -> bool {
    let before = b[..i].iter().rev().find(|c| !c.is_ascii_whitespace());
    matches!(before, Some(b'}' | b']'))
}

/// What [`lost_walk`] found at a place where an element should start.
pub(super) enum Lost {
    /// No element that lost its opener.
    Not,
    /// One, which ends there (`true`: the next element may come without a comma).
    Ends(usize, bool),
    /// One whose end is not in the bytes walked.
    RunsOff,
}

/// The walk of [`lost_opener`] from `b[i]`; the block cutter's too, which cuts before an
/// element whose end it does not see.
pub(super) fn lost_walk(b: &[u8], i: usize, record: bool) -> Lost {
    let first = if record {
        b[i] == b'"' && key_follows(b, i)
    } else {
        !matches!(b[i], b'{' | b'[' | b'}' | b']' | b',' | b':')
    };
    if !first {
        return Lost::Not;
    }
    let Some(indent) = line_indent(b, i) else {
        return Lost::Not;
    };
    let own = if record { b'}' } else { b']' };
    let found = memchr::memchr_iter(b'\n', &b[i..]).find_map(|p| {
        let start = i + p + 1;
        let n = blanks(&b[start..]);
        let c = *b.get(start + n)?;
        if matches!(c, b'\n' | b'\r') || n > indent {
            return None;
        }
        if n == indent && !opens(c) {
            // A member, or the closer of a member's value; with no indentation (the portal
            // grid's rows JSON) also the element's own closer, which ends it when the next
            // element opens on its line (`}{`: that had been taken for a member, and the next
            // element with it, counted nowhere), and the array's `]` there closes it (the
            // last element's own closer is as far in as its members).
            if c == own {
                return opener_after(b, start + n + 1).map(Some);
            }
            let closes_array = |j: usize| b.get(j + blanks(&b[j..])).is_none_or(|&c| c != b',');
            let last = record && indent == 0 && c == b']' && closes_array(start + n + 1);
            return last.then_some(Some((start + n, false)));
        }
        Some(match c {
            c if opens(c) => Some((start + n, true)),
            c if c == own && n < indent => Some((start + n + 1, false)),
            b']' | b'}' => Some((start + n, false)),
            _ => None,
        })
    });
    match found {
        Some(Some((j, bare))) => Lost::Ends(j, bare),
        Some(None) => Lost::Not,
        None => Lost::RunsOff,
    }
}
