//! A document on one line of JSON Lines (an Event Hubs message body, a callback batch, a query
//! API response): its array's elements read one by one, so a damaged one costs itself.

use std::sync::atomic::Ordering;

use super::super::blocks::ArrayAt;
use super::super::elements::{
    columns_first, elements, envelope, next_table, rows_first, shape, table_at, table_rows_first,
    warn_mended, End, Head, Items, Of,
};
use super::super::{FileCtx, Sink};
use super::whole::small_document;
use crate::normalize::Reason;

/// A line of JSON Lines that is a whole document (an Event Hubs message body, a callback
/// batch): its array's elements are read one by one like a document's, so a damaged element
/// costs that element and not the line. Says whether the line was one.
pub(crate) fn line_document<S: Sink>(line: &[u8], line_no: u64, ctx: &mut FileCtx<'_, S>) -> bool {
    let (at, items, head) = if line.first() == Some(&b'[') {
        (1, Items::Records, None)
    } else {
        match envelope(line) {
            Some((at, items, head)) => {
                warn_mended(ctx, &items, b"", line_no);
                (at, items, Some(head))
            }
            // A table whose rows come before its columns: read as one whose columns come
            // first.
            None => match rows_first(line).and_then(|k| columns_first(line, k, ctx)) {
                Some((at, items)) => (at, items, Some(Head::Table)),
                None => return false,
            },
        }
    };
    let (mut at, mut items) = (at, items);
    // Each table of a query API response in turn (see `elements::next_table`).
    while let Some((to, next)) = line_array(&line[at..], &items, head, line_no, ctx) {
        (at, items) = (at + to, next);
    }
    true
}

/// The elements of the array of a document on one line of JSON Lines, `body` from after its
/// `[`, then the rest of the document, but another table of a query API response after the
/// rows (see `elements::next_table`), whose rows are read next.
fn line_array<S: Sink>(
    body: &[u8],
    items: &Items,
    head: Option<Head>,
    line_no: u64,
    ctx: &mut FileCtx<'_, S>,
) -> Option<(usize, Items)> {
    let end = End::default();
    let start = ArrayAt {
        newlines: line_no - 1,
        after_comma: false,
    };
    let shape = shape(body);
    let of = Of {
        items,
        top: head.is_none(),
        one_line: Some(line_no),
        shape: &shape,
        spoiled: None,
    };
    match elements(body, 0, start, &of, &end, ctx) {
        Some(close) => {
            let tail = &body[close + 1..];
            let Some(head) = head else {
                if tail.iter().any(|c| !c.is_ascii_whitespace()) {
                    let excerpt = String::from_utf8_lossy(&tail[..tail.len().min(200)]);
                    ctx.reject(
                        line_no,
                        Reason::NotJson,
                        "text after the array's closing ]".into(),
                        excerpt.into_owned(),
                    );
                }
                return None;
            };
            let next = match head {
                Head::Table => next_table_on_line(tail, ctx),
                Head::Records | Head::Frame => None,
            };
            let mut rest = head.stand_in().to_vec();
            if let Some((_, (_, items))) = &next {
                warn_mended(ctx, items, b"", line_no);
            }
            let Some((table_end, (at, items))) = next else {
                rest.extend_from_slice(tail);
                small_document(&rest, ctx, line_no - 1, true);
                return None;
            };
            rest.extend_from_slice(&tail[..=table_end]);
            rest.extend_from_slice(b"]}");
            small_document(&rest, ctx, line_no - 1, true);
            return Some((close + 1 + at, items));
        }
        None if !end.truncated.load(Ordering::Relaxed) => {
            let head = format!("{}: line ", ctx.name);
            let tail = " ends without its array's closing ]; every record in it was read";
            ctx.warn_at_line(head, line_no, tail);
        }
        None => {}
    }
    None
}

/// The next table after the rows of one on a line, `tail` from their `]`: where the table
/// they are in closes, and where the next one's rows start in `tail`, and their items.
fn next_table_on_line<S: Sink>(
    tail: &[u8],
    ctx: &FileCtx<'_, S>,
) -> Option<(usize, (usize, Items))> {
    let (close, open) = next_table(tail)?;
    let table = &tail[open..];
    let (at, items) = table_at(table).or_else(|| {
        let rows_key = table_rows_first(table, 0)?;
        columns_first(table, rows_key, ctx)
    })?;
    Some((close, (open + at, items)))
}
