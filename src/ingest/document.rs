//! One JSON document spread over many lines: a `{"records": [...]}` blob, a query API response,
//! or a JSON array (az CLI output, a callback batch).
//!
//! A top-level array is cut into blocks of whole elements that are parsed in parallel (the
//! fast scanner, else the serde visitors); a damaged element is one reject and every other
//! element still counts. Other documents are streamed element by element through the serde
//! visitors; a syntax error ends the document with one reject, and every record before it
//! still counts.

use std::io::{self, BufRead, BufReader};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeSeed;

use super::blocks::{self, Blocks, Pool};
use super::json::{Element, RecordSeed, TopSeed};
use super::lines::short_message;
use super::scan::{self, quote_or_backslash};
use super::{FileCtx, Input, Sink};
use crate::normalize::{Context, Raw, Reason};

pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let mut r = BufReader::with_capacity(1 << 16, input);
    // Past the leading whitespace: a `[` opens an array, read in parallel.
    loop {
        let buf = r.fill_buf()?;
        let Some(&first) = buf.first() else {
            return Ok(());
        };
        if first.is_ascii_whitespace() {
            r.consume(1);
            continue;
        }
        if first == b'[' {
            r.consume(1);
            return read_array(Box::new(r), ctx, make);
        }
        return stream(Box::new(r), ctx);
    }
}

/// The elements of a top-level array after its `[`, in blocks of whole elements.
fn read_array<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
) -> io::Result<()> {
    let pool = Pool::default();
    let blocks = Blocks::new(input, pool.clone(), last_element_end);
    let end = End::default();
    super::in_parallel(blocks, ctx, make, |piece, c| {
        blocks::process(piece, c, &pool, |b, first, _, c| {
            elements(b, first, &end, c)
        })
    });
    if !end.closed.load(Ordering::Relaxed) && !end.truncated.load(Ordering::Relaxed) {
        ctx.reject(
            0,
            Reason::Truncated,
            "the document ends before the array's closing ]; records before it were read".into(),
            String::new(),
        );
    }
    Ok(())
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
/// checked when parsed.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    if matches!(b.get(i), Some(b'}' | b']')) {
        // A stray closer is a (bad) value of its own.
        return Some(i + 1);
    }
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = string_end(b, i + 1)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
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

/// The elements of one block, numbered from `first + 1`.
fn elements<S: Sink>(b: &[u8], first: u64, end: &End, ctx: &mut FileCtx<'_, S>) {
    // Checked once for the fast scanner, which then reads element after element in place.
    let checked = scan::Checked::new(b);
    let mut layout = scan::Layout::default();
    let mut i = 0;
    let mut index = first;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match b.get(i) {
            None => break,
            Some(b',') => i += 1,
            Some(b']') => {
                end.closed.store(true, Ordering::Relaxed);
                let rest = &b[i + 1..];
                if !rest.trim_ascii().is_empty() {
                    ctx.reject(
                        index,
                        Reason::BadDocument,
                        format!("text after the array's closing ] (after record {index})"),
                        String::from_utf8_lossy(&rest[..rest.len().min(200)]).into_owned(),
                    );
                }
                return;
            }
            Some(_) => {
                index += 1;
                let mut raw = Raw::default();
                if let Some(stop) = checked
                    .as_ref()
                    .and_then(|c| c.object_at(i, &mut raw, &mut layout))
                {
                    ctx.emit(&raw, index, || format!("record {index} of the document"));
                    i = stop;
                    continue;
                }
                let stop = value_end(b, i).unwrap_or(b.len());
                if element(&b[i..stop], index, ctx) {
                    end.truncated.store(true, Ordering::Relaxed);
                }
                i = stop;
            }
        }
    }
}

/// One array element, the `index`-th, read by the serde visitors; says whether the input
/// ended inside it.
fn element<S: Sink>(text: &[u8], index: u64, ctx: &mut FileCtx<'_, S>) -> bool {
    let context = || format!("record {index} of the document");
    let mut de = sonic_rs::Deserializer::from_slice(text);
    let parsed = RecordSeed {
        ctx: Context::Record,
    }
    .deserialize(&mut de)
    .and_then(|r| de.end().map(|()| r));
    match parsed {
        Ok(Some(raw)) => ctx.emit(&raw, index, context),
        Ok(None) => ctx.reject(
            index,
            Reason::NotARecord,
            format!("record index {index}: not an object"),
            String::new(),
        ),
        Err(e) => {
            let eof = e.is_eof();
            let (reason, why) = if eof {
                (Reason::Truncated, "the document ends inside it".to_string())
            } else {
                (Reason::BadDocument, super::lines::sonic_message(&e))
            };
            ctx.reject(
                index,
                reason,
                format!("record index {index}: {why}"),
                String::from_utf8_lossy(&text[..text.len().min(200)]).into_owned(),
            );
            return eof;
        }
    }
    false
}

/// Any other document, streamed through the serde visitors.
fn stream<S: Sink>(input: Input, ctx: &mut FileCtx<'_, S>) -> io::Result<()> {
    let mut not_records = Vec::new();
    let result = {
        let mut emit = |e: Element<'_>| match e {
            Element::Record(raw, i) => ctx.emit(&raw, i, || format!("record {i} of the document")),
            Element::NotRecord(i, why) => not_records.push((i, why)),
        };
        let mut de =
            serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, input));
        TopSeed { emit: &mut emit }
            .deserialize(&mut de)
            .and_then(|()| de.end())
    };
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
        let detail = format!(
            "{} at line {} column {}; records before it were read",
            short_message(&e),
            e.line(),
            e.column()
        );
        ctx.reject(e.line() as u64, Reason::BadDocument, detail, String::new());
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
    fn value_ends() {
        assert_eq!(value_end(br#"{"a":[1,"}"]} ,"#, 0), Some(13));
        assert_eq!(value_end(b"123,", 0), Some(3));
        assert_eq!(value_end(br#""a\"b" "#, 0), Some(6));
        assert_eq!(value_end(br#"{"a":"#, 0), None);
        assert_eq!(value_end(b"}", 0), Some(1));
    }
}
