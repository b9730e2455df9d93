//! A query API table whose rows come before its columns (PostgreSQL's `jsonb` writes keys
//! shortest first): its columns found after its rows ([`columns_first`]), where the rows close
//! read as they will be when their structure does not show it.

use super::super::blocks::ArrayAt;
use super::super::structure::value_end;
use super::super::{FileCtx, Kept, Reject, Sink};
use super::block::elements;
use super::heads::{member_follows, Items};
use super::members::{member, Member};
use super::mend::{mend, rows_keys};
use super::tokens::{expect, key, skip_space};
use super::{shape, End, Of};
use crate::normalize::Reason;

/// The columns of a table whose rows come before them, when they come in `doc` (from the
/// table's head, found by [`rows_first`] or [`table_rows_first`]: its `"rows"` key at
/// `doc[rows_key]`): the items of its rows, and where they start (past their `[`). Its rows are
/// then read where they are, as any table's, a damaged one costing itself; the columns after
/// them are read again with the rest of the table, as a second `columns` key, which changes
/// nothing. They are the first `columns` key after the rows (no row holds one: a quote in a
/// string is escaped), when the rows close before it with only the table's other members
/// between: where the structure of the rows closes them (one walk over their bytes, strings
/// skipped), else, when it does not (a damaged row), where they close read as they will be (a
/// dry run). `ctx`: the file's, whose rules the rows are read by.
pub(in crate::ingest) fn columns_first<S: Sink>(
    doc: &[u8],
    rows_key: usize,
    ctx: &FileCtx<'_, S>,
) -> Option<(usize, Items)> {
    let mut i = rows_key;
    key(doc, &mut i)?;
    expect(doc, &mut i, b':')?;
    expect(doc, &mut i, b'[')?;
    let rows = i;
    let (cols_at, cols_end) = columns_after(doc, rows)?;
    // Read when they parse and the table's next member or its end follows them; else (a
    // quote, a bracket or a line lost or garbled) mended, as those before the rows are.
    let read = cols_end
        .filter(|&end| member_follows(doc, end))
        .and_then(|end| super::super::json::columns(&doc[cols_at..end]));
    let items = match read {
        Some(cols) => Items::Rows(cols, None),
        None => {
            let (cols, m) = mend(doc, cols_at, definitions_end(doc, cols_at));
            Items::Rows(cols, Some(m))
        }
    };
    let walked = value_end(doc, rows - 1).filter(|&e| doc[e - 1] == b']');
    if !walked.is_some_and(|e| members_to(doc, e, cols_at)) {
        let close = rows + dry_run(&doc[rows..], &items, ctx)?;
        members_to(doc, close + 1, cols_at).then_some(())?;
    }
    Some((rows, items))
}

/// Where a table's rows `body` (after their `[`) close, read as they will be, to nowhere.
fn dry_run<S: Sink>(body: &[u8], items: &Items, ctx: &FileCtx<'_, S>) -> Option<usize> {
    let mut nowhere = Nowhere;
    let mut dry = FileCtx::new(ctx.name.clone(), ctx.rules, &mut nowhere);
    let shape = shape(body);
    let of = Of {
        items,
        top: false,
        one_line: None,
        shape: &shape,
        spoiled: None,
    };
    let start = ArrayAt {
        newlines: 0,
        after_comma: false,
    };
    elements(body, 0, start, &of, &End::default(), &mut dry)
}

/// Whether only a table's whole members come from `doc[p]` (after its rows) up to the value
/// at `doc[value_at]`, that of one of them.
fn members_to(doc: &[u8], mut p: usize, value_at: usize) -> bool {
    loop {
        let value = match member(&doc[p..], false) {
            Member::Array(_, to) => p + to - 1,
            Member::Value(_, to) => p + to,
            Member::Close(_) | Member::Bad(_) => return false,
        };
        if value == value_at {
            return true;
        }
        let Some(end) = value_end(doc, value) else {
            return false;
        };
        p = end;
    }
}

/// The first `columns` (or `columnDescriptors`) key's array after `from`: where it starts and
/// ends (when its brackets close).
fn columns_after(b: &[u8], from: usize) -> Option<(usize, Option<usize>)> {
    memchr::memchr_iter(b'"', &b[from..])
        .map(|q| from + q)
        .find_map(|q| {
            let mut i = q;
            let k = key(b, &mut i)?;
            let named =
                k.eq_ignore_ascii_case(b"columns") || k.eq_ignore_ascii_case(b"columndescriptors");
            (named && b[q - 1] != b'\\').then_some(())?;
            expect(b, &mut i, b':')?;
            let at = skip_space(b, i)?;
            (b[at] == b'[').then_some(())?;
            Some((at, value_end(b, at)))
        })
}

/// Where the column definitions of a table whose rows come before them, from `b[at]` (their
/// `[`), end, however damaged: at the last `]` before the next table's rows' key (or before
/// the end of `b`), past which no definition is.
fn definitions_end(b: &[u8], at: usize) -> usize {
    let next_rows = rows_keys(b, at).next().map_or(b.len(), |(q, _)| q);
    memchr::memrchr(b']', &b[at..next_rows]).map_or(next_rows, |p| at + p)
}

/// A sink that keeps nothing: a table's rows read to find where they close.
struct Nowhere;

impl Sink for Nowhere {
    type Apart = ();
    fn record(&mut self, _: &crate::record::Record<'_>) -> Kept {
        Kept::Counted
    }
    fn reject(&mut self, _: Reject) {}
    fn reject_not_kept(&mut self, _: Reason) {}
    fn skip(&mut self, _: crate::record::SkipReason, _: Option<chrono::DateTime<chrono::Utc>>) {}
    fn merge(&mut self, _: Nowhere) {}
}
