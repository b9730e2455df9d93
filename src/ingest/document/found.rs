//! What a document held, handed on: its records and what is not one, each by its line or
//! index, and where it broke (rows cut before their table's columns said as such).

use serde::de::DeserializeSeed;

use super::super::blocks;
use super::super::json::{short_message, Element, TopSeed, EARLY_ROWS_LOST};
use super::super::structure::mending;
use super::super::{FileCtx, Sink};
use crate::normalize::Reason;
use crate::record::At;

/// Hands on what the serde visitors found in a value that starts on line `line_no`: its
/// records and what is not one, each by its index; `text`, the excerpt of a reject.
pub(crate) fn hand_on<S: Sink>(
    found: Vec<Element<'static>>,
    line_no: u64,
    ctx: &mut FileCtx<'_, S>,
    text: &impl Fn() -> String,
) {
    for e in found {
        match e {
            Element::Record(raw, i) => ctx.emit(&raw, || At::record(line_no, i), text),
            Element::NotRecord(i, why) => {
                ctx.reject(At::record(line_no, i), Reason::NotARecord, why, text());
            }
            Element::Incomplete(why) => ctx.incomplete(&why),
            // Only before an error, which says it (`Found::end`).
            Element::RowsCut => {}
        }
    }
}

/// Rejects a whole file that is one object with none of a record's fields, found at `line`:
/// an export whose head was damaged (`"tabes"`), or something else than an export, not a
/// record without an outcome; pretty-printed or on one line (see `lines::process_line`).
pub(crate) fn holds_no_records<S: Sink>(line: u64, ctx: &mut FileCtx<'_, S>) {
    let why = "the document holds no records: no `records` or `tables` array, and none of a record's fields";
    ctx.reject(line, Reason::NotARecord, why.into(), String::new());
}

/// Bytes of a document read whole that its excerpt is made from: a pretty-printed record's
/// indentation takes many of them for each character the excerpt keeps.
pub(super) const EXCERPT_SOURCE: usize = 4096;

/// One document, and nothing after it but whitespace; a lone surrogate's escape read as
/// U+FFFD ([`mending`]).
pub(super) fn parse_document(
    text: &[u8],
) -> (Vec<Element<'static>>, Result<(), serde_json::Error>) {
    let mut found = Vec::new();
    let result = mending(text, |text| {
        found.clear();
        let mut de = serde_json::Deserializer::from_slice(text);
        let mut emit = |e: Element<'_>| found.push(e.into_owned());
        (TopSeed { emit: &mut emit })
            .deserialize(&mut de)
            .and_then(|()| de.end())
    });
    (found, result)
}

/// Hands on what a document held, and reports where it broke. `doc` is its text when it was
/// read whole (see [`Found`]).
pub(super) fn finish_stream<S: Sink>(
    found: Vec<Element<'static>>,
    result: Result<(), serde_json::Error>,
    ctx: &mut FileCtx<'_, S>,
    lines: u64,
    (stand_in, doc): (bool, Option<&[u8]>),
) {
    let mut on = Found {
        ctx,
        lines,
        stand_in,
        doc,
        rows_cut: false,
        read: false,
    };
    for e in found {
        on.take(e);
    }
    on.end(result);
}

/// Where the elements of a document go, `lines` newlines into the input. `doc` is its text
/// when it was read whole: then a document that is a record itself is reported at the line it
/// starts on, with an excerpt of it. `stand_in`: the document is the rest of one after its
/// array of records, behind a stand-in head. `rows_cut`: the input ended inside a table's
/// rows that came before its columns (`Element::RowsCut`); `read`: a record was handed on
/// here.
pub(super) struct Found<'a, 'c, S: Sink> {
    pub(super) ctx: &'a mut FileCtx<'c, S>,
    pub(super) lines: u64,
    pub(super) stand_in: bool,
    pub(super) doc: Option<&'a [u8]>,
    pub(super) rows_cut: bool,
    pub(super) read: bool,
}

impl<S: Sink> Found<'_, '_, S> {
    /// One element, handed on.
    pub(super) fn take(&mut self, e: Element<'_>) {
        let (ctx, lines) = (&mut *self.ctx, self.lines);
        self.read |= matches!(e, Element::Record(..));
        match e {
            // Read as a whole, the document does not say on which line the records in it are.
            // A whole file that is one object with none of a record's fields is an export
            // whose head was damaged (`"tabes"`), not a record without an outcome.
            Element::Record(raw, 0) if !self.stand_in && raw.is_empty() => {
                holds_no_records(lines + 1, ctx)
            }
            // A record read whole on its own (a pretty-printed callback event, the catalogue's
            // example) starts on the document's first line.
            Element::Record(raw, i) => match (i, self.doc) {
                (0, Some(doc)) => ctx.emit(
                    &raw,
                    || At::record(lines + 1, 0),
                    || String::from_utf8_lossy(&doc[..doc.len().min(EXCERPT_SOURCE)]).into_owned(),
                ),
                _ => ctx.emit(
                    &raw,
                    || At::record(0, i),
                    || format!("record {i} of the document"),
                ),
            },
            Element::NotRecord(i, why) => {
                ctx.reject(At::record(0, i), Reason::NotARecord, why, String::new())
            }
            Element::Incomplete(why) => ctx.incomplete(&why),
            Element::RowsCut => self.rows_cut = true,
        }
    }

    /// Where the document broke, if it did.
    pub(super) fn end(self, result: Result<(), serde_json::Error>) {
        if let Err(e) = result {
            let line = self.lines + e.line() as u64;
            // The column is off on the stand-in head's line.
            let place = if !self.stand_in || e.line() > 1 {
                format!("at line {line} column {}", e.column())
            } else {
                format!("on line {line}")
            };
            let message = short_message(&e);
            // A document cut off inside rows that wait for their table's columns: none of them
            // was read, and the error says nothing of them (an EOF keeps its kind). Where they
            // open is found in a document held whole; a streamed one is gone by then.
            let cut_rows = e.is_eof() && self.rows_cut;
            let opened = (self.doc.filter(|_| cut_rows))
                .and_then(|doc| Some((doc, early_rows_open_at_end(doc)?)));
            // Rows that waited for their table's columns were not read (see
            // `json::EARLY_ROWS_LOST`); behind a stand-in head, the array before them was.
            let before = self.read || self.stand_in;
            let read = match (cut_rows || message.ends_with(EARLY_ROWS_LOST), before) {
                (true, true) => "; records before that table were read",
                (true, false) => "",
                (false, _) => "; records before it were read",
            };
            let detail = match (cut_rows, opened) {
                (true, Some((doc, at))) => {
                    let from = self.lines + 1 + blocks::newlines(&doc[..at]);
                    let lines = match from == line {
                        true => format!("line {line}"),
                        false => format!("lines {from}-{line}"),
                    };
                    format!("{message} {place}, in rows that come before their table's columns (the document ends inside them: none of that table's rows, on {lines}, could be read){read}")
                }
                (true, None) => format!("{message} {place}, in rows that come before their table's columns (the document ends inside them: none of that table's rows could be read){read}"),
                (false, _) => format!("{message} {place}{read}"),
            };
            self.ctx
                .reject(line, Reason::BadDocument, detail, String::new());
        }
    }
}

/// Where the rows of a table open (their `[`), when `doc` ends inside them and no `columns`
/// came before them in their table: such rows wait for their columns, so none was read.
fn early_rows_open_at_end(doc: &[u8]) -> Option<usize> {
    /// An open bracket: where, whether it is a table's `rows`, and (an object) whether it has
    /// had its `columns`.
    struct Open {
        at: usize,
        rows: bool,
        columns: bool,
    }
    let mut open: Vec<Open> = Vec::new();
    let (mut key, mut after_colon) = (&doc[..0], false);
    let mut i = 0;
    while let Some(&b) = doc.get(i) {
        match b {
            b'"' => {
                let Some(end) = super::super::structure::string_end(doc, i + 1) else {
                    break;
                };
                let rest = doc[end..].trim_ascii_start();
                if rest.first() == Some(&b':') {
                    key = &doc[i + 1..end - 1];
                    let columns = [&b"columns"[..], b"columnDescriptors"]
                        .iter()
                        .any(|c| key.eq_ignore_ascii_case(c));
                    if let (true, Some(o)) = (columns, open.last_mut()) {
                        o.columns = true;
                    }
                }
                (i, after_colon) = (end, false);
                continue;
            }
            b':' => after_colon = true,
            b'{' | b'[' => {
                let rows = b == b'[' && after_colon && key.eq_ignore_ascii_case(b"rows");
                let columns = false;
                open.push(Open {
                    at: i,
                    rows,
                    columns,
                });
                after_colon = false;
            }
            b'}' | b']' => {
                open.pop();
                after_colon = false;
            }
            b if !b.is_ascii_whitespace() => after_colon = false,
            _ => {}
        }
        i += 1;
    }
    let k = open.iter().rposition(|o| o.rows)?;
    (k > 0 && !open[k - 1].columns).then_some(open[k].at)
}
