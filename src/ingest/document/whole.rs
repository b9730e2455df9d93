//! A document of at most a record's size, read whole: parsed by the serde visitors, mended
//! when a comma before a closing bracket broke it, and the records of one whose head broke
//! salvaged.

use std::sync::atomic::Ordering;

use super::super::blocks::{self, ArrayAt};
use super::super::elements::{elements, shape, End, Items, Of};
use super::super::json::Element;
use super::super::structure::{nests_deeper_than, reparse, MAX_NESTING};
use super::super::{FileCtx, Sink};
use super::found::{finish_stream, parse_document};
use super::wrapper::wrapper;

/// The records of a document whose head is broken (`{"records":][{...`, the `columns` of a
/// table lost): its first array of objects or arrays is read element by element, as far as it
/// goes, `lines` newlines into the input. Its records are reported at `one_line` (a line of
/// JSON Lines), else by index. Says whether the document ended inside one of its elements
/// (which was rejected as cut off).
pub(crate) fn salvage<S: Sink>(
    doc: &[u8],
    lines: u64,
    one_line: Option<u64>,
    ctx: &mut FileCtx<'_, S>,
) -> bool {
    let Some(open) = (1..doc.len()).find(|&i| {
        doc[i] == b'['
            && matches!(
                doc[i + 1..].iter().find(|c| !c.is_ascii_whitespace()),
                Some(b'{' | b'[')
            )
    }) else {
        return false;
    };
    let start = ArrayAt {
        newlines: lines + blocks::newlines(&doc[..open]),
        after_comma: false,
    };
    let end = End::default();
    let shape = shape(&doc[open + 1..]);
    let of = Of {
        items: &Items::Records,
        top: false,
        one_line,
        shape: &shape,
        spoiled: None,
    };
    elements(&doc[open + 1..], 0, start, &of, &end, ctx);
    end.truncated.load(Ordering::Relaxed)
}

/// A whole document of at most a record's size (or the rest of one after its array, behind a
/// stand-in head): parsed by the serde visitors, again without a comma before a closing
/// bracket when that is what broke it, and refused when nested too deep.
pub(super) fn small_document<S: Sink>(
    doc: &[u8],
    ctx: &mut FileCtx<'_, S>,
    lines: u64,
    stand_in: bool,
) {
    if nests_deeper_than(doc, MAX_NESTING) {
        ctx.reject_too_deep(lines + 1, String::new());
        return;
    }
    let (mut found, mut result) = parse_document(doc);
    if result.as_ref().is_err_and(|e| e.is_syntax()) {
        let whole = |t: &[u8]| {
            let (found, result) = parse_document(t);
            result.map(|()| found)
        };
        if let Some((f, how)) = reparse(doc, whole) {
            (found, result) = (f, Ok(()));
            ctx.repaired(how);
        }
    }
    let broken_head = !stand_in && found.is_empty() && result.is_err();
    // An object with none of a record's fields may wrap records under keys of its own.
    if !stand_in
        && result.is_ok()
        && matches!(&found[..], [Element::Record(raw, 0)] if raw.is_empty())
        && wrapper(doc, lines, ctx)
    {
        return;
    }
    // A document cut off inside a record of its first array (a copy of a file still being
    // written: `{"entries": [...`): that record is the one reject, as in a `records` array.
    if broken_head && result.as_ref().is_err_and(|e| e.is_eof()) {
        if !salvage(doc, lines, None, ctx) {
            finish_stream(found, result, ctx, lines, (stand_in, Some(doc)));
        }
        return;
    }
    finish_stream(found, result, ctx, lines, (stand_in, Some(doc)));
    if broken_head {
        salvage(doc, lines, None, ctx);
    }
}
