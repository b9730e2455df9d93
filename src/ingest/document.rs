//! One JSON document spread over many lines: a `{"records": [...]}` blob, a query API response,
//! or a JSON array (az CLI output, a callback batch).
//!
//! The one large array of a document (a top-level array, the `records` of a blob, the `rows`
//! of a query API table) is cut into blocks of whole elements that are parsed in parallel
//! (the fast scanner, else the serde visitors); a damaged element is one reject and every
//! other element still counts. What follows that array, and documents of any other layout,
//! are streamed element by element through the serde visitors; a syntax error there ends the
//! document with one reject, and every record before it still counts.
//!
//! Damaged JSON is reported by its line, a record that is not one by its index in its array.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::{DeserializeSeed, IgnoredAny};

use super::blocks::{self, ArrayAt, Blocks, Rest};
use super::json::{Element, ItemSeed, RowSeed, TopSeed};
use super::lines::short_message;
use super::scan::{self, quote_or_backslash};
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::normalize::{Field, Raw, Reason};

pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let mut r = BufReader::with_capacity(1 << 16, input);
    // Newlines consumed before the array.
    let mut lines = 0;
    // Past the leading whitespace: a `[` opens an array, read in parallel.
    loop {
        let buf = r.fill_buf()?;
        let Some(&first) = buf.first() else {
            return Ok(());
        };
        if first.is_ascii_whitespace() {
            lines += u64::from(first == b'\n');
            r.consume(1);
            continue;
        }
        if first == b'[' {
            r.consume(1);
            let array = read_array(Box::new(r), &Items::Records, lines, ctx, make)?;
            if let Some(Array {
                records,
                lines,
                rest,
            }) = array
            {
                trailing(rest, records, lines, ctx)?;
            }
            return Ok(());
        }
        // A `{"records": [` or `{"tables": [{..., "rows": [` head: its array is read in
        // parallel, then the rest of the document by the serde visitors, as if it began with
        // an empty array.
        if let Some((at, items)) = envelope(buf) {
            lines += blocks::newlines(&buf[..at]);
            r.consume(at);
            let Some(array) = read_array(Box::new(r), &items, lines, ctx, make)? else {
                return Ok(());
            };
            let head: &'static [u8] = match items {
                Items::Records => b"{\"records\":[]",
                Items::Rows(_) => b"{\"tables\":[{\"columns\":[],\"rows\":[]",
            };
            let rest = Box::new(io::Cursor::new(head).chain(array.rest));
            return stream(rest, ctx, array.lines, true);
        }
        return stream(Box::new(r), ctx, lines, false);
    }
}

/// Text after a top-level array's closing `]`, other than whitespace, is one reject.
fn trailing<S: Sink>(
    rest: impl Read,
    n: u64,
    mut lines: u64,
    ctx: &mut FileCtx<'_, S>,
) -> io::Result<()> {
    let mut r = BufReader::new(rest);
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => {
                let text = &buf[p..buf.len().min(p + 200)];
                ctx.reject(
                    lines + blocks::newlines(&buf[..p]) + 1,
                    Reason::BadDocument,
                    format!("text after the array's closing ] (after record {n})"),
                    String::from_utf8_lossy(text).into_owned(),
                );
                return Ok(());
            }
            None => {
                let len = buf.len();
                lines += blocks::newlines(buf);
                r.consume(len);
            }
        }
    }
}

/// What the elements of an array are.
enum Items {
    /// Records (objects).
    Records,
    /// Positional rows of a query API table, with the field of each column.
    Rows(Vec<Option<Field>>),
}

/// The head of a document whose records are one large array: `{"records": [` or
/// `{"tables": [{"columns": [...], ..., "rows": [`, as far as its `[` (and the items), when
/// `b` starts with one. Anything else (other keys first, escapes in keys, a head longer than
/// `b`) is left to the serde visitors.
fn envelope(b: &[u8]) -> Option<(usize, Items)> {
    let mut i = 0;
    let expect = |i: &mut usize, c: u8| -> Option<()> {
        while b.get(*i)?.is_ascii_whitespace() {
            *i += 1;
        }
        (b[*i] == c).then(|| *i += 1)
    };
    let key = |i: &mut usize| -> Option<&[u8]> {
        while b.get(*i)?.is_ascii_whitespace() {
            *i += 1;
        }
        (b[*i] == b'"').then_some(())?;
        let end = string_end(b, *i + 1)?;
        let k = &b[*i + 1..end - 1];
        *i = end;
        (!k.contains(&b'\\')).then_some(k)
    };
    expect(&mut i, b'{')?;
    let k = key(&mut i)?;
    expect(&mut i, b':')?;
    if k.eq_ignore_ascii_case(b"records") {
        expect(&mut i, b'[')?;
        return Some((i, Items::Records));
    }
    if !k.eq_ignore_ascii_case(b"tables") {
        return None;
    }
    expect(&mut i, b'[')?;
    expect(&mut i, b'{')?;
    let mut cols = None;
    loop {
        let k = key(&mut i)?;
        expect(&mut i, b':')?;
        if k.eq_ignore_ascii_case(b"rows") {
            expect(&mut i, b'[')?;
            return Some((i, Items::Rows(cols?)));
        }
        while b.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        let end = value_end(b, i)?;
        let value = &b[i..end];
        if k.eq_ignore_ascii_case(b"columns") {
            cols = Some(super::json::columns(value)?);
        } else {
            serde_json::from_slice::<IgnoredAny>(value).ok()?;
        }
        i = end;
        expect(&mut i, b',')?;
    }
}

/// An array read to its closing `]`.
struct Array {
    /// Its elements.
    records: u64,
    /// Newlines in the input up to its `]`.
    lines: u64,
    /// The input after its `]`.
    rest: Rest,
}

/// The elements of an array after its `[`, `lines` newlines into the input, in blocks of
/// whole elements read in parallel; the array, unless the input ends before its `]`.
fn read_array<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    items: &Items,
    lines: u64,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<Option<Array>> {
    let mut blocks = Blocks::new(input, last_element_end).array(lines);
    let end = End::default();
    super::in_parallel(&mut blocks, ctx, make, |piece, c| {
        blocks::process(piece, c, |b, first, _, at, c| {
            elements(b, first, at, items, &end, c)
        })
    });
    if end.closed.load(Ordering::Relaxed) && !blocks.failed() {
        return Ok(Some(Array {
            records: blocks.units(),
            lines: blocks.newlines_read(),
            rest: blocks.rest(),
        }));
    }
    // A read error was reported as such, an element cut off by the end as truncated; a
    // document that only lacks its closing bracket (copied from a page) loses nothing.
    if !blocks.failed() && !end.truncated.load(Ordering::Relaxed) {
        let w = format!(
            "{}: the document ends at line {} without its array's closing ]; every record in it was read",
            ctx.name,
            blocks.newlines_read() + 1
        );
        ctx.warn(w);
    }
    Ok(None)
}

/// How the array ended, as the workers saw it.
#[derive(Default)]
struct End {
    /// Its closing `]` was read.
    closed: AtomicBool,
    /// An element was cut off by the end of the input (and reported).
    truncated: AtomicBool,
}

/// Where the value starting at `b[i]` ends (the index after it, always past `i`), or `None`
/// when `b` ends first. Only the structure is followed (strings, brackets); the value is
/// checked when parsed. A closing bracket of the wrong kind closes every bracket up to the
/// nearest one it matches, so a damaged value does not swallow the values after it.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    if matches!(b.get(i), Some(b'}' | b']')) {
        // A stray closer is a (bad) value of its own.
        return Some(i + 1);
    }
    // Open brackets, innermost in the lowest bit: 1 for `{`, 0 for `[` (the kinds of the
    // innermost 64 are kept; deeper ones are taken to match).
    let mut depth = 0usize;
    let mut kinds = 0u64;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = string_end(b, i + 1)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            c @ (b'{' | b'[') => {
                depth += 1;
                kinds = kinds << 1 | u64::from(c == b'{');
            }
            c @ (b'}' | b']') => {
                if depth == 0 {
                    return Some(i);
                }
                let brace = u64::from(c == b'}');
                // The open brackets this one closes: up to the nearest of its kind.
                let known = depth.min(64);
                let closes = (0..known)
                    .find(|&k| (kinds >> k) & 1 == brace)
                    .map_or(known, |k| k + 1);
                depth -= closes;
                kinds = kinds.checked_shr(closes as u32).unwrap_or(0);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            c if depth == 0 && c.is_ascii_whitespace() => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The index after the closing quote of a string whose content starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let at = i + quote_or_backslash(b.get(i..)?)?;
        if b[at] == b'"' {
            return Some(at + 1);
        }
        i = at + 2;
    }
}

/// The cut of a block of array elements that starts between two of them: the last comma
/// between elements, or the array's closing `]`, with the number of elements before it.
fn last_element_end(b: &[u8]) -> Option<(usize, u64)> {
    let mut i = 0;
    let mut count = 0u64;
    let mut last = None;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match b.get(i) {
            None => return last,
            Some(b',') => {
                last = Some((i, count));
                i += 1;
            }
            Some(b']') => return Some((i, count)),
            Some(_) => {
                let Some(end) = value_end(b, i) else {
                    return last;
                };
                i = end;
                count += 1;
            }
        }
    }
}

/// The elements of one block, numbered from `first + 1`, starting `at` in the input. Every
/// block but the last ends with a comma or the array's `]`.
fn elements<S: Sink>(
    b: &[u8],
    first: u64,
    at: ArrayAt,
    items: &Items,
    end: &End,
    ctx: &mut FileCtx<'_, S>,
) {
    // Checked once for the fast scanner, which then reads element after element in place.
    let checked = match items {
        Items::Records => scan::Checked::new(b),
        Items::Rows(_) => None,
    };
    let mut layout = scan::Layout::default();
    // Line numbers, counted only for rejects: the line at `b[at]`.
    let mut counted = (0, at.newlines + 1);
    let mut line_at = |at: usize| {
        let (from, line) = counted;
        counted = (at, line + blocks::newlines(&b[from..at]));
        counted.1
    };
    let mut i = 0;
    let mut index = first;
    // Whether an element may come next (else a comma or the `]`), and whether a comma was
    // the last thing read.
    let mut want_element = true;
    let mut after_comma = at.after_comma;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        // Stray or missing commas cost no record: said once per file.
        let bad = |c: &mut FileCtx<'_, S>, why: &str| {
            let w = format!("{}: {why} (ignored)", c.name);
            c.warn(w);
        };
        match b.get(i) {
            None => break,
            Some(b',') => {
                if want_element {
                    bad(ctx, "a comma without an element before it");
                }
                want_element = true;
                after_comma = true;
                i += 1;
            }
            Some(b']') => {
                if after_comma && want_element {
                    bad(ctx, "trailing comma before the array's closing ]");
                }
                end.closed.store(true, Ordering::Relaxed);
                return;
            }
            Some(_) => {
                if !want_element {
                    bad(ctx, "no comma between two elements");
                }
                want_element = false;
                after_comma = false;
                index += 1;
                if let Some(c) = &checked {
                    let mut raw = Raw::default();
                    if let Some(stop) = c.object_at(i, &mut raw, &mut layout) {
                        ctx.emit(&raw, index, || format!("record {index} of the document"));
                        i = stop;
                        continue;
                    }
                }
                let stop = value_end(b, i).unwrap_or(b.len());
                let line = line_at(i);
                if element(&b[i..stop], index, line, items, ctx) {
                    end.truncated.store(true, Ordering::Relaxed);
                }
                i = stop;
            }
        }
    }
}

/// One array element, the `index`-th, starting on `line`, read by the serde visitors; says
/// whether the input ended inside it. As in documents read by [`stream`], a record that is
/// not one is reported by its index, damaged JSON by its line.
fn element<S: Sink>(
    text: &[u8],
    index: u64,
    line: u64,
    items: &Items,
    ctx: &mut FileCtx<'_, S>,
) -> bool {
    let Err(e) = parse_element(text, index, items, ctx) else {
        return false;
    };
    // Microsoft's docs show records with a comma before their closing brace: read them.
    if !e.is_eof() {
        if let Some(fixed) = without_trailing_commas(text) {
            if parse_element(&fixed, index, items, ctx).is_ok() {
                let w = format!("{}: a comma before a closing bracket was ignored", ctx.name);
                ctx.warn(w);
                return false;
            }
        }
    }
    let eof = e.is_eof();
    let (reason, why) = if eof {
        (Reason::Truncated, "the document ends inside it".to_string())
    } else {
        (Reason::BadDocument, super::lines::sonic_message(&e))
    };
    // The line the damage was found on (the element's start when the input ended).
    let line = line + (e.line() as u64).saturating_sub(1);
    ctx.reject(
        line,
        reason,
        format!("record index {index}: {why}"),
        String::from_utf8_lossy(&text[..text.len().min(200)]).into_owned(),
    );
    eof
}

/// Parses one element and hands on what it holds; on a syntax error nothing is handed on.
fn parse_element<S: Sink>(
    text: &[u8],
    index: u64,
    items: &Items,
    ctx: &mut FileCtx<'_, S>,
) -> Result<(), sonic_rs::Error> {
    let context = || format!("record {index} of the document");
    let mut de = sonic_rs::Deserializer::from_slice(text);
    match items {
        Items::Records => {
            // Records are handed on once the whole element parsed: a damaged batch is one reject.
            let mut found = Vec::new();
            let mut emit = |e: Element<'_>| {
                found.push(match e {
                    Element::Record(raw, _) => Ok(raw.into_owned()),
                    Element::NotRecord(_, why) => Err(why),
                    Element::Incomplete(_) => Err("not a record".to_string()),
                })
            };
            ItemSeed {
                emit: &mut emit,
                index,
                depth: 0,
            }
            .deserialize(&mut de)
            .and_then(|()| de.end())?;
            for f in found {
                match f {
                    Ok(raw) => ctx.emit(&raw, index, context),
                    Err(why) => ctx.reject(
                        index,
                        Reason::NotARecord,
                        format!("record index {index}: {why}"),
                        String::new(),
                    ),
                }
            }
        }
        Items::Rows(cols) => {
            let row = RowSeed { cols }
                .deserialize(&mut de)
                .and_then(|r| de.end().map(|()| r))?;
            match row {
                Ok(raw) => ctx.emit(&raw, index, context),
                Err(why) => ctx.reject(
                    index,
                    Reason::NotARecord,
                    format!("record index {index}: {why}"),
                    String::new(),
                ),
            }
        }
    }
    Ok(())
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

/// Any other document, streamed through the serde visitors, `lines` newlines into the input.
/// When `stand_in` is set the input is the rest of a document after its array of records
/// (read in parallel), behind a one-line stand-in head.
fn stream<S: Sink>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    lines: u64,
    stand_in: bool,
) -> io::Result<()> {
    // A document of at most a record's size is read whole, so that one with a comma before a
    // closing bracket (Microsoft's docs print records so) can be read again without it.
    let mut head = Vec::new();
    let mut input = input;
    (&mut input)
        .take(MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut head)?;
    if head.len() <= MAX_RECORD_BYTES {
        let (mut found, mut result) = parse_documents(serde_json::Deserializer::from_slice(&head));
        if result.as_ref().is_err_and(|e| e.is_syntax()) {
            if let Some(fixed) = without_trailing_commas(&head) {
                let (f, r) = parse_documents(serde_json::Deserializer::from_slice(&fixed));
                if r.is_ok() {
                    (found, result) = (f, r);
                    let w = format!("{}: a comma before a closing bracket was ignored", ctx.name);
                    ctx.warn(w);
                }
            }
        }
        return finish_stream(found, result, ctx, lines, stand_in);
    }
    let whole = io::Cursor::new(head).chain(input);
    let de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, whole));
    let (found, result) = parse_documents(de);
    finish_stream(found, result, ctx, lines, stand_in)
}

/// Every element of one document, or of several one after another (Event Hubs messages dumped
/// to one file), up to a syntax error; `end` fails, without consuming it, at the text after a
/// document.
fn parse_documents<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> (Vec<Element<'static>>, Result<(), serde_json::Error>) {
    let mut found = Vec::new();
    let mut emit = |e: Element<'_>| found.push(e.into_owned());
    let result = loop {
        if let Err(e) = (TopSeed { emit: &mut emit }).deserialize(&mut de) {
            break Err(e);
        }
        match de.end() {
            Err(e) if !e.is_io() => continue,
            end => break end,
        }
    };
    (found, result)
}

/// Hands on what a streamed document held, and reports where it broke.
fn finish_stream<S: Sink>(
    found: Vec<Element<'static>>,
    result: Result<(), serde_json::Error>,
    ctx: &mut FileCtx<'_, S>,
    lines: u64,
    stand_in: bool,
) -> io::Result<()> {
    let mut not_records = Vec::new();
    for e in found {
        match e {
            Element::Record(raw, i) => ctx.emit(&raw, i, || format!("record {i} of the document")),
            Element::NotRecord(i, why) => not_records.push((i, why)),
            Element::Incomplete(why) => ctx.incomplete(&why),
        }
    }
    for (i, why) in not_records {
        ctx.reject(
            i,
            Reason::NotARecord,
            format!("record index {i}: {why}"),
            String::new(),
        );
    }
    if let Err(e) = result {
        if e.is_io() {
            return Err(io::Error::other(short_message(&e)));
        }
        let line = lines + e.line() as u64;
        // The column is off on the stand-in head's line.
        let place = if !stand_in || e.line() > 1 {
            format!("at line {line} column {}", e.column())
        } else {
            format!("on line {line}")
        };
        let detail = format!("{} {place}; records before it were read", short_message(&e));
        ctx.reject(line, Reason::BadDocument, detail, String::new());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_blocks_end_between_elements() {
        let b = br#"{"a":"x,]}"},
  {"b":[1,{"c":2}]} ,
 3, "s\"]" ,{"#;
        let (p, n) = last_element_end(b).unwrap();
        assert_eq!((&b[p..p + 1], n), (&b","[..], 4));
        // The closing bracket ends the document.
        assert_eq!(last_element_end(b" {} , {} ]\n"), Some((9, 2)));
        assert_eq!(last_element_end(b" ]"), Some((1, 0)));
        // An element longer than the block: no cut.
        assert_eq!(last_element_end(br#"{"a": "#), None);
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
    }
}
