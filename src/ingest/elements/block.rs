//! The elements of one block, read in order ([`elements`]): each by the fast scanner or the
//! serde visitors, a damaged one rejected and the reading resumed where the next one starts,
//! a document among them read as an array of its own ([`sub_document`]).

use std::sync::atomic::Ordering;

use serde::de::DeserializeSeed;

use super::super::blocks::{self, ArrayAt};
use super::super::json::{Element, ItemSeed, RowSeed};
use super::super::scan;
use super::super::structure::{
    mending, nests_deeper_than, reparse, value_end_deep, Walker, MAX_NESTING,
};
use super::super::{FileCtx, Sink};
use super::closers::{closes_document, stray_closer};
use super::damaged::{
    closed_early, head, parses, past_debris, reject_closed_early, reject_damaged, runs_into,
    stray_quote_end, Damage, MENDED, RAN_INTO, STRAY_QUOTE,
};
use super::heads::{envelope, warn_mended, Head, Items};
use super::lost::{closer_before, lost_opener, LOST_OPENER, LOST_ROW_OPENER};
use super::pretty::{aligned, past_pretty_debris};
use super::{shape, spoils, End, Of};
use crate::normalize::{Raw, Reason};
use crate::record::At;

/// The elements of one block, numbered from `first + 1`, starting `at` in the input. Every
/// block but the last ends with a comma or the array's `]`. Returns where the array's `]` is
/// (or, when a `}` of the document came where it should, the byte before that `}`: the rest of
/// the document starts after it), unless the block ends first.
pub(in crate::ingest) fn elements<S: Sink>(
    b: &[u8],
    first: u64,
    at: ArrayAt,
    of: &Of<'_>,
    end: &End,
    ctx: &mut FileCtx<'_, S>,
) -> Option<usize> {
    let Of {
        items,
        top,
        one_line,
        shape,
        spoiled,
    } = *of;
    // Checked once for the fast scanner, which then reads element after element in place.
    let checked = match items {
        Items::Records => scan::Checked::new(b),
        Items::Rows(..) => None,
    };
    let mut layout = scan::Layout::default();
    // Line numbers, counted only for rejects: the line at `b[at]`, counted on from the last
    // one asked for, so never asked for an earlier place.
    let mut counted = (0, at.newlines + 1);
    let mut line_at = |at: usize| {
        if let Some(line) = one_line {
            return line;
        }
        let (from, line) = counted;
        debug_assert!(from <= at, "lines are counted forward");
        counted = (at, line + blocks::newlines(&b[from..at]));
        counted.1
    };
    let mut i = 0;
    let mut index = first;
    // Whether an element may come next (else a comma or the `]`), and whether a comma was
    // the last thing read.
    let mut want_element = true;
    let mut after_comma = at.after_comma;
    // Where the last element read whole starts: the shape the next ones are expected to have.
    let mut last_good: Option<usize> = None;
    // The element before was damaged, or an object or array that is not a record: scalars
    // after it are its debris (a stray `]` or `}` closed it early), not elements of their own.
    let mut debris = false;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        // Stray or missing commas cost no record: said once per file. Read in parts, where
        // blocks are cut decides what they cost: true, and the block is left.
        let bad = |c: &mut FileCtx<'_, S>, why: &str| {
            if spoils(spoiled) {
                return true;
            }
            let w = format!("{}: {why} (ignored)", c.name);
            c.warn(w);
            false
        };
        match b.get(i) {
            None => break,
            Some(b',') => {
                if want_element && bad(ctx, "a comma without an element before it") {
                    return None;
                }
                want_element = true;
                after_comma = true;
                i += 1;
            }
            Some(b']') if stray_closer(b, i, top) => {
                if bad(ctx, "a ] between two elements") {
                    return None;
                }
                i += 1;
            }
            Some(b']') => {
                if after_comma
                    && want_element
                    && bad(ctx, "trailing comma before the array's closing ]")
                {
                    return None;
                }
                end.closed.store(true, Ordering::Relaxed);
                return Some(i);
            }
            // A `}` after the last element where its `]` should be, the document's own: the
            // array lost its `]`, or its last element did and took the array's (a query API's
            // last row). The array ends there, and the `}` starts the rest of the document.
            Some(b'}') if !want_element && !top && closes_document(b, i) => {
                if bad(
                    ctx,
                    "no closing ] between the array's last element and the } after it",
                ) {
                    return None;
                }
                end.closed.store(true, Ordering::Relaxed);
                return Some(i - 1);
            }
            // A string where an element should start that runs into the next element, as the
            // shape shows (`{...}",{...}`, `"{...}`), is a stray quote's: it costs itself, and
            // the elements go on where the next one starts.
            Some(b'"') if !debris && stray_quote_end(b, i, last_good, shape).is_some() => {
                if spoils(spoiled) {
                    return None;
                }
                let next = stray_quote_end(b, i, last_good, shape).unwrap_or(i + 1);
                index += 1;
                let at = At::record(line_at(i), index);
                ctx.reject(
                    at,
                    Reason::BadDocument,
                    STRAY_QUOTE.into(),
                    head(&b[i..next]),
                );
                i = next;
            }
            Some(_) => {
                if !want_element && bad(ctx, "no comma between two elements") {
                    return None;
                }
                // An element of a pretty-printed array that lost its `{` (or a row its `[`)
                // line: its members where an element should start, up to its closer, are one
                // reject (a record's had been a reject for its first key, another for its
                // colon, and one more for each object among its values).
                // So is one right after the closer of the element before it, whose comma was
                // lost too (`    }` alone on its line, from `    }{`): its members had been a
                // reject each.
                let record = matches!(items, Items::Records);
                let lost_open = (!debris && (want_element || closer_before(b, i)))
                    .then(|| lost_opener(b, i, record))
                    .flatten();
                if let Some((j, bare)) = lost_open {
                    if spoils(spoiled) {
                        return None;
                    }
                    index += 1;
                    let at = At::record(line_at(i), index);
                    let why = if record { LOST_OPENER } else { LOST_ROW_OPENER }.to_string();
                    ctx.reject(at, Reason::BadDocument, why, head(&b[i..j]));
                    want_element = bare;
                    after_comma = false;
                    i = j;
                    continue;
                }
                want_element = false;
                after_comma = false;
                index += 1;
                if debris && !matches!(b[i], b'{' | b'[') {
                    if spoils(spoiled) {
                        return None;
                    }
                    i = past_debris(b, i, last_good, shape);
                    continue;
                }
                debris = false;
                if let Some(c) = &checked {
                    let mut raw = Raw::default();
                    match c.object_at(i, &mut raw, &mut layout) {
                        // A record forwarded in its log line's text: the serde visitors read it.
                        Some(stop) if super::super::json::may_forward(&raw, &b[i..stop]) => {}
                        Some(stop) => {
                            // Read whole but closed early by its damage (`}{}`, `}]` on one
                            // of its lines), whose debris follows it: no records of its own.
                            // Only one spread over lines, before a bracket: `}, {` ends a
                            // record where it should, a stray quote after one costs itself,
                            // and a stray `]` after one on its line is said.
                            let next = b[stop..].iter().find(|c| !c.is_ascii_whitespace());
                            let early = next
                                .filter(|&&c| matches!(c, b'{' | b'[' | b']' | b'}'))
                                .filter(|_| b[i..stop].contains(&b'\n'))
                                .and_then(|_| past_pretty_debris(b, (i, stop), top));
                            // The record itself closed early holds only its fields before the
                            // damage: a reject, not a record of the wrong key (the rest of its
                            // members may follow a comma, `"code": 400 },`).
                            let damaged = closed_early(b, (i, stop))
                                .then(|| early.or_else(|| past_pretty_debris(b, (i, stop), top)))
                                .flatten();
                            if let Some((j, bare)) = damaged {
                                if spoils(spoiled) {
                                    return None;
                                }
                                let at = At::record(line_at(stop - 1), index);
                                reject_closed_early(b, (i, stop), at, ctx);
                                want_element = bare;
                                i = j;
                                continue;
                            }
                            let line = || At::record(line_at(i), index);
                            ctx.emit(&raw, line, || head(&b[i..stop]));
                            last_good = Some(i);
                            if let Some((j, bare)) = early {
                                if spoils(spoiled) {
                                    return None;
                                }
                                want_element = bare;
                                i = j;
                                continue;
                            }
                            i = stop;
                            continue;
                        }
                        None => {}
                    }
                }
                let (stop, deep) = value_end_deep(b, i, MAX_NESTING);
                // Cut off by the block's end: where that is decides what it takes.
                if stop.is_none() && spoils(spoiled) {
                    return None;
                }
                // One whose brackets never close is damaged however deep they go (serde stops
                // at its own limit): the elements after it are looked for, as for one less deep.
                let deep = deep && stop.is_some();
                // A record closed early by its damage, whose debris follows it, and read whole
                // so (a comma left before the stray `}`): a reject, not a record of the fields
                // before the damage. One that does not parse is rejected as damaged below, and
                // a row so is one that does not fit its columns.
                let early = stop
                    .filter(|&stop| record && !deep && closed_early(b, (i, stop)))
                    .and_then(|stop| Some((stop, past_pretty_debris(b, (i, stop), top)?)))
                    .filter(|&(stop, _)| parses(&b[i..stop]));
                if let Some((stop, (j, bare))) = early {
                    if spoils(spoiled) {
                        return None;
                    }
                    let at = At::record(line_at(stop - 1), index);
                    reject_closed_early(b, (i, stop), at, ctx);
                    want_element = bare;
                    i = j;
                    continue;
                }
                let stop = stop.unwrap_or(b.len());
                let (rejected, warned) = (ctx.counts.rejected, ctx.warnings.len());
                let mut at = || At::record(line_at(i), index);
                let read = element(&b[i..stop], deep, index, &mut at, items, ctx);
                // A row that is not one may have lost its `]` and taken the rows after it in (the
                // array's `]` then closes it): it costs itself, and they are read.
                let mut ran_into = None;
                if let Ok(Got::BadRow(why)) = &read {
                    ran_into = runs_into(b, (i, stop), shape);
                    let why = match items {
                        Items::Rows(_, Some(_)) => format!("{why} ({MENDED})"),
                        _ => why.clone(),
                    };
                    let (reason, why, to) = match ran_into {
                        Some(j) => (Reason::BadDocument, RAN_INTO.to_string(), j),
                        None => (Reason::NotARecord, why, stop),
                    };
                    ctx.reject(at(), reason, why, head(&b[i..to]));
                }
                let read = read.map(|_| ());
                // What the serde visitors reject or mend may be damage, whose cost the cuts decide.
                let mended = ctx.counts.rejected != rejected || ctx.warnings.len() != warned;
                if (read.is_err() || mended) && spoils(spoiled) {
                    return None;
                }
                let Err(e) = read else {
                    if let Some(j) = ran_into {
                        i = j;
                        continue;
                    }
                    // Read whole but closed early by its damage, whose debris follows it. Not
                    // one read whole whose closer follows no comma (no stray closer after a
                    // member) when an element that lost its opener follows it, first on its
                    // line (its comma lost too, `        ]` alone on its line): that element is
                    // read, a reject of its own (its cells had been lost as this one's debris).
                    // Looked for only where debris follows: not after each good row (query
                    // API rows all come this way).
                    let whole = ctx.counts.rejected == rejected;
                    let lost_next = || {
                        let k = stop + b[stop..].iter().position(|c| !c.is_ascii_whitespace())?;
                        let before = b[..stop - 1]
                            .iter()
                            .rev()
                            .find(|c| !c.is_ascii_whitespace());
                        (before != Some(&b',')).then(|| lost_opener(b, k, record))?
                    };
                    let debris_after = past_pretty_debris(b, (i, stop), top)
                        .filter(|_| !whole || lost_next().is_none());
                    if let Some((j, bare)) = debris_after {
                        if ctx.counts.rejected == rejected {
                            last_good = Some(i);
                        }
                        want_element = bare;
                        i = j;
                        continue;
                    }
                    if ctx.counts.rejected == rejected {
                        last_good = Some(i);
                    } else if matches!(b[i], b'{' | b'[')
                        && !(matches!(items, Items::Rows(..)) && aligned(b, i, stop - 1))
                    {
                        // A record closed early by a stray `}` leaves debris; a scalar that
                        // is not a record is one of its own (`[1, 2, 3]` is three rejects), and
                        // so are the cells after a row that closed where a printer puts its
                        // closer (rejected for what it holds: a row without a code). After a
                        // record so, its members may follow a stray `}` line indented as its
                        // own: debris still.
                        debris = true;
                    }
                    i = stop;
                    continue;
                };
                let line = line_at(i);
                // A document of its own (a list of Event Hubs messages): its damage costs one
                // record of its array, not the whole document.
                if let Some(found) = envelope(&b[i..stop]) {
                    warn_mended(ctx, &found.1, &b[i..stop], line);
                    i += sub_document(&b[i..], found, line, one_line, end, ctx)?;
                    last_good = None;
                    continue;
                }
                let damage = Damage {
                    error: &e,
                    line,
                    index,
                    one_line,
                    top,
                    rows: !record,
                };
                let (to, bare, pretty) =
                    reject_damaged(b, (i, stop), last_good, shape, damage, end, ctx);
                // Where the indentation shows it ended, what follows is no debris of it (a
                // next element that lost its opener is one of its own).
                debris = !pretty;
                want_element = bare;
                i = to;
            }
        }
    }
    None
}

/// The elements of a document that is itself an element at the start of `b` (a list of Event
/// Hubs messages), on `line`, its head `found` by [`envelope`]: read as an array of their own,
/// their damage costing records of that array. Returns how far into `b` the document ends (to
/// its closing brace), or `None` where the elements of the outer array cannot go on.
fn sub_document<S: Sink>(
    b: &[u8],
    (open, inner, head): (usize, Items, Head),
    line: u64,
    one_line: Option<u64>,
    end: &End,
    ctx: &mut FileCtx<'_, S>,
) -> Option<usize> {
    let body = &b[open..];
    let start = ArrayAt {
        newlines: line - 1 + blocks::newlines(&b[..open]),
        after_comma: false,
    };
    let shape = self::shape(body);
    let of = Of {
        items: &inner,
        top: false,
        one_line,
        shape: &shape,
        spoiled: None,
    };
    let inner_end = End::default();
    let Some(close) = elements(body, 0, start, &of, &inner_end, ctx) else {
        if inner_end.truncated.load(Ordering::Relaxed) {
            end.truncated.store(true, Ordering::Relaxed);
        }
        return None;
    };
    // On past the rest of the document, to its closing brace.
    let rest = open + close + 1;
    Some(rest + (Walker::inside(head.depth()).end(&b[rest..])).unwrap_or(b.len() - rest))
}

/// What became of an element read whole.
enum Got {
    /// Handed on: its records, or a reject.
    Done,
    /// A row that is not one (its cells do not fit the columns), not yet rejected: why.
    BadRow(String),
}

/// One array element, `at` its line and index, read by the serde visitors (again without a
/// comma before a closing bracket, when that is what broke it); the error when it cannot be
/// read. `deep`: it may nest too deep ([`value_end_deep`]), which is checked first. `at` gives
/// its line and index, only for what is rejected (the line is counted then).
fn element<S: Sink>(
    text: &[u8],
    deep: bool,
    index: u64,
    at: &mut dyn FnMut() -> At,
    items: &Items,
    ctx: &mut FileCtx<'_, S>,
) -> Result<Got, serde_json::Error> {
    if deep && nests_deeper_than(text, MAX_NESTING) {
        ctx.reject_too_deep(at(), head(text));
        return Ok(Got::Done);
    }
    let e = match parse_element(text, index, at, items, ctx) {
        Ok(got) => return Ok(got),
        Err(e) => e,
    };
    // A comma before a closing bracket (Microsoft's docs show records so), or bytes that are
    // not UTF-8: read again.
    if !e.is_eof() {
        if let Some((got, how)) = reparse(text, |t| parse_element(t, index, at, items, ctx)) {
            ctx.repaired(how);
            return Ok(got);
        }
    }
    Err(e)
}

/// Parses one element and hands on what it holds, but a row that is not one, which it gives
/// back; on a syntax error nothing is handed on. A lone surrogate's escape is read as U+FFFD
/// ([`mending`]).
fn parse_element<S: Sink>(
    text: &[u8],
    index: u64,
    at: &mut dyn FnMut() -> At,
    items: &Items,
    ctx: &mut FileCtx<'_, S>,
) -> Result<Got, serde_json::Error> {
    let context = || head(text);
    mending(text, |t| {
        parse_element_as_is(t, index, at, items, ctx, &context)
    })
}

/// [`parse_element`] of `text` as it is; `context`, the excerpt of a reject (the element's own
/// text, whatever was parsed).
fn parse_element_as_is<S: Sink>(
    text: &[u8],
    index: u64,
    at: &mut dyn FnMut() -> At,
    items: &Items,
    ctx: &mut FileCtx<'_, S>,
    context: &dyn Fn() -> String,
) -> Result<Got, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    match items {
        Items::Records => {
            // Records are handed on once the whole element parsed: a damaged batch is one reject.
            let mut found = Vec::new();
            let mut emit = |e: Element<'_>| found.push(e.into_owned());
            ItemSeed {
                emit: &mut emit,
                index,
                depth: 0,
            }
            .deserialize(&mut de)
            .and_then(|()| de.end())?;
            for f in found {
                match f {
                    Element::Record(raw, _) => ctx.emit(&raw, &mut *at, context),
                    Element::NotRecord(_, why) => {
                        ctx.reject(at(), Reason::NotARecord, why, context())
                    }
                    // A v2 response's last frame: its query failed or was cancelled.
                    Element::Incomplete(why) => ctx.incomplete(&why),
                    Element::RowsCut => {}
                }
            }
        }
        Items::Rows(cols, _) => {
            let mut raw = Raw::default();
            let row = RowSeed {
                cols,
                raw: &mut raw,
            }
            .deserialize(&mut de)
            .and_then(|r| de.end().map(|()| r))?;
            match row {
                Ok(more) => {
                    ctx.emit(&raw, &mut *at, context);
                    for r in more {
                        ctx.emit(&r, &mut *at, context);
                    }
                }
                Err(why) => return Ok(Got::BadRow(why)),
            }
        }
    }
    Ok(Got::Done)
}
