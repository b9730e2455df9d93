//! Objects that wrap records under keys of their own (`{"PlayFailed": [...]}`, `{"Results":
//! [...]}`): read whole when small, member by member when larger than a record.

use std::io;
use std::sync::atomic::AtomicBool;

use super::super::blocks;
use super::super::elements::{member, read_array, Items, Member};
use super::super::json::{short_message, Element};
use super::super::structure::{nests_deeper_than, MAX_NESTING};
use super::super::{FileCtx, Sink, MAX_RECORD_BYTES};
use super::found::{hand_on, parse_document, EXCERPT_SOURCE};
use super::{document_tail, Peek, Tail, HEAD_BYTES};
use crate::normalize::Reason;

/// An object that wraps records under keys of its own, read after it proved to hold none of a
/// record's fields: a recorder's `{"PlayFailed": [...], "CallDisconnected": [...]}`, an
/// `{"events": [...]}`, a Service Bus dump's `{"entries": [...]}`, PowerShell's `{"Results":
/// [...], "Statistics": {...}}`. Each member that is an array of objects or arrays, or an
/// object, is read as a document of its own, at the line it starts on (`lines` newlines into
/// the input), when one of them holds a record; else nothing is handed on (a damaged head,
/// `{"tabes": [...]}`, stays what it was). When none holds one, its members that are objects
/// with none of a record's fields are looked into the same way, [`WRAPPER_DEPTH`] deep: a log
/// search alert's common-schema payload has its query API tables under
/// `data.alertContext.SearchResults`. Says whether it was read.
pub(crate) fn wrapper<S: Sink>(doc: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>) -> bool {
    wrapper_in(doc, lines, ctx, WRAPPER_DEPTH)
}

/// Objects inside objects that [`wrapper`] looks into for records.
const WRAPPER_DEPTH: usize = 4;

fn wrapper_in<S: Sink>(doc: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>, depth: usize) -> bool {
    let Ok(Members(members)) = serde_json::from_slice::<Members<'_>>(doc) else {
        return false;
    };
    let mut read = Vec::new();
    for m in members {
        let text = m.get().as_bytes();
        let opens = |b: &[u8]| {
            matches!(
                b.iter().find(|c| !c.is_ascii_whitespace()),
                Some(b'{' | b'[')
            )
        };
        if !(text.starts_with(b"{") || text.starts_with(b"[") && opens(&text[1..])) {
            continue;
        }
        let (found, result) = parse_document(text);
        if result.is_ok() {
            // Where the member starts in the document: its text is a slice of it.
            let at = (text.as_ptr() as usize).saturating_sub(doc.as_ptr() as usize);
            let line = lines + 1 + blocks::newlines(&doc[..at.min(doc.len())]);
            read.push((found, line, text));
        }
    }
    let record = |e: &Element<'_>| matches!(e, Element::Record(raw, _) if !raw.is_empty());
    if !read.iter().any(|(found, ..)| found.iter().any(record)) {
        // Its objects with none of a record's fields, looked into: the first that holds
        // records is read.
        return depth > 0
            && read.iter().any(|(found, line, text)| {
                matches!(&found[..], [Element::Record(raw, 0)] if raw.is_empty())
                    && text.starts_with(b"{")
                    && wrapper_in(text, line - 1, ctx, depth - 1)
            });
    }
    for (found, line, text) in read {
        let excerpt =
            || String::from_utf8_lossy(&text[..text.len().min(EXCERPT_SOURCE)]).into_owned();
        hand_on(found, line, ctx, &excerpt);
    }
    true
}

/// An object larger than a record that wraps records under keys of its own (see [`wrapper`]
/// and `elements::wrapper_head`), from its `{`, `lines` newlines into the input, read member
/// by member: each array of objects or arrays as a `records` array is (in parallel, each
/// record at its line and index), each other object read whole as [`wrapper`] reads it, other
/// values passed over. The input after its `}` and the newlines up to it; `None` when the
/// input ended inside it or the reading stops (a member that breaks the object's syntax is one
/// reject, and one over a record's size that is not an array of records one too, as when it
/// is streamed).
pub(super) fn wrapped<S: Sink, M: Fn() -> S + Sync>(
    mut r: Peek,
    mut lines: u64,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    parts: Option<&AtomicBool>,
) -> io::Result<Option<(Peek, u64)>> {
    // Its `{` (the head proved it is the first byte).
    r.consume(1);
    let mut first = true;
    loop {
        let head = r.fill(HEAD_BYTES)?;
        let head = &head[..head.len().min(HEAD_BYTES)];
        match member(head, first) {
            Member::Close(n) => {
                lines += blocks::newlines(&head[..n]);
                r.consume(n);
                return Ok(Some((r, lines)));
            }
            Member::Array(_, n) => {
                lines += blocks::newlines(&head[..n]);
                r.consume(n);
                let items = Items::Records;
                let (prefixed, failed) = r.into_prefixed();
                let array = read_array(prefixed, &items, false, lines, ctx, make, parts)?;
                let Some(array) = array else {
                    return failed.map_or(Ok(None), Err);
                };
                lines = array.lines;
                r = Peek::after(array.rest, array.eof, failed);
            }
            Member::Value(_, n) => {
                lines += blocks::newlines(&head[..n]);
                r.consume(n);
                match document_tail(r, 0)? {
                    Tail::Whole(text, rest) => {
                        wrapped_value(&text, lines, ctx);
                        lines += blocks::newlines(&text);
                        r = rest;
                    }
                    Tail::TooLong(_) => {
                        ctx.reject_too_large(lines + 1, &[]);
                        let w = format!(
                            "{}: a record longer than {} MiB ends its reading; the rest of it does not count",
                            ctx.name,
                            MAX_RECORD_BYTES >> 20
                        );
                        ctx.warn(w);
                        return Ok(None);
                    }
                }
            }
            Member::Bad(n) => {
                let line = lines + 1 + blocks::newlines(&head[..n]);
                let why = if n == head.len() {
                    "EOF while parsing an object"
                } else {
                    "expected `,` or `}` after an object's member"
                };
                let detail = format!("{why} on line {line}; records before it were read");
                let excerpt = String::from_utf8_lossy(&head[n..head.len().min(n + 200)]);
                ctx.reject(line, Reason::BadDocument, detail, excerpt.into_owned());
                return Ok(None);
            }
        }
        first = false;
    }
}

/// A value of a wrapper read member by member ([`wrapped`]) that is not an array of records,
/// `lines` newlines into the input: an object is read as [`wrapper`] reads it (a record, a
/// document of records), anything else passed over.
fn wrapped_value<S: Sink>(text: &[u8], lines: u64, ctx: &mut FileCtx<'_, S>) {
    if !text.starts_with(b"{") {
        return;
    }
    let excerpt = || String::from_utf8_lossy(&text[..text.len().min(EXCERPT_SOURCE)]).into_owned();
    if nests_deeper_than(text, MAX_NESTING) {
        return ctx.reject_too_deep(lines + 1, excerpt());
    }
    let (found, result) = parse_document(text);
    match result {
        Ok(()) => hand_on(found, lines + 1, ctx, &excerpt),
        Err(e) => {
            let line = lines + e.line() as u64;
            let detail = format!("{} at line {line} column {}", short_message(&e), e.column());
            ctx.reject(line, Reason::BadDocument, detail, excerpt());
        }
    }
}

/// The members' values of a JSON object, as they are written.
struct Members<'a>(Vec<&'a serde_json::value::RawValue>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut values = Vec::new();
                while let Some((_, v)) = map.next_entry::<serde::de::IgnoredAny, _>()? {
                    values.push(v);
                }
                Ok(Members(values))
            }
        }
        d.deserialize_map(Visit)
    }
}
