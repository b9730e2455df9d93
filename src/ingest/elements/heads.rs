//! The head of a document whose records are one large array, as far as the array's `[`: a
//! blob's `records`, a query API response's table (its columns, then its `rows`), a v2 frame
//! ([`envelope`]), and the tables after the first of a response ([`next_table`]).

use serde::de::IgnoredAny;

use super::super::blocks;
use super::super::structure::value_end;
use super::super::{FileCtx, Sink};
use super::members::{member, Member};
use super::mend::{mended_columns, Mended};
use super::tokens::{expect, key, skip_space};

/// What the elements of an array are.
pub(in crate::ingest) enum Items {
    /// Records (objects).
    Records,
    /// Positional rows of a query API table, with the field of each column, and whether
    /// its column definitions were mended ([`mended_columns`]).
    Rows(Vec<super::super::json::Column>, Option<Mended>),
}

/// Warns, when the columns of `items` were mended, that they were: the rows are read by the
/// names still readable. `line`: the line the head they were found in starts on.
pub(in crate::ingest) fn warn_mended<S: Sink>(
    ctx: &mut FileCtx<'_, S>,
    items: &Items,
    head: &[u8],
    line: u64,
) {
    let Items::Rows(_, Some(m)) = items else {
        return;
    };
    let line = line + blocks::newlines(&head[..m.at.min(head.len())]);
    let w = format!(
        "{}: line {line}: a table's column definitions are damaged: its rows are read by the {} of {} column names still readable, and a row they do not fit is a reject",
        ctx.name, m.names, m.columns
    );
    ctx.warn(w);
}

/// What the head of a document whose records are one large array opens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(in crate::ingest) enum Head {
    /// `{"records": [`: a resource-log blob, an Event Hubs message.
    Records,
    /// `{"tables": [{"columns": [...], ..., "rows": [`: a query API response.
    Table,
    /// `{"FrameType": "DataTable", ..., "Columns": [...], "Rows": [`: the result table of an
    /// Azure Data Explorer v2 response, one frame of its top-level array.
    Frame,
}

impl Head {
    /// Brackets still open after the array's `]`.
    pub(in crate::ingest) fn depth(self) -> usize {
        match self {
            Head::Records | Head::Frame => 1,
            Head::Table => 3,
        }
    }

    /// The head again with an empty array, for the rest of the document after its `]`.
    pub(in crate::ingest) fn stand_in(self) -> &'static [u8] {
        match self {
            Head::Records => b"{\"records\":[]",
            Head::Table => b"{\"tables\":[{\"columns\":[],\"rows\":[]",
            Head::Frame => b"{\"FrameType\":\"DataTable\",\"Columns\":[],\"Rows\":[]",
        }
    }
}

/// The head of a document whose records are one large array: `{"records": [`,
/// `{"tables": [{"columns": [...], ..., "rows": [` or a v2 frame's
/// `{"FrameType": "DataTable", ..., "Columns": [...], "Rows": [`, as far as its `[` (and the
/// items), when `b` starts with one. Anything else (other keys first, escapes in keys, a head
/// longer than `b`, a table that is not the query's result) is left to the serde visitors.
pub(in crate::ingest) fn envelope(b: &[u8]) -> Option<(usize, Items, Head)> {
    let mut i = 0;
    expect(b, &mut i, b'{')?;
    let k = key(b, &mut i)?;
    expect(b, &mut i, b':')?;
    // `value`: the rows of a Logic Apps query action's body, saved as a blob.
    if k.eq_ignore_ascii_case(b"records") || k.eq_ignore_ascii_case(b"value") {
        expect(b, &mut i, b'[')?;
        return Some((i, Items::Records, Head::Records));
    }
    if k.eq_ignore_ascii_case(b"frametype") {
        let end = value_end(b, skip_space(b, i)?)?;
        if !b[i..end]
            .trim_ascii()
            .eq_ignore_ascii_case(b"\"DataTable\"")
        {
            return None;
        }
        i = end;
        expect(b, &mut i, b',')?;
        let items = table_head(b, &mut i)?;
        return Some((i, items, Head::Frame));
    }
    if !k.eq_ignore_ascii_case(b"tables") {
        return None;
    }
    expect(b, &mut i, b'[')?;
    expect(b, &mut i, b'{')?;
    let items = table_head(b, &mut i)?;
    Some((i, items, Head::Table))
}

/// Where the `"rows"` key of a query API response's first table is, when its rows come before
/// its columns (PostgreSQL's `jsonb` writes keys shortest first: `name`, `rows`, `columns`)
/// and `b` starts with its head: `{"tables": [{..., "rows": [`.
pub(in crate::ingest) fn rows_first(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    expect(b, &mut i, b'{')?;
    key(b, &mut i)?
        .eq_ignore_ascii_case(b"tables")
        .then_some(())?;
    expect(b, &mut i, b':')?;
    expect(b, &mut i, b'[')?;
    table_rows_first(b, i)
}

/// [`rows_first`] of a table that starts at `b[i]`, its `{` (a response's table after its
/// first, see [`next_table`]).
pub(in crate::ingest) fn table_rows_first(b: &[u8], mut i: usize) -> Option<usize> {
    expect(b, &mut i, b'{')?;
    head_of_table(b, &mut i)?.is_none().then_some(i)
}

/// The head of a table that starts at `b`, its `{`, with its columns before its rows
/// (`{"columns": [...], ..., "rows": [`): as far as its rows' `[`, and their items.
pub(in crate::ingest) fn table_at(b: &[u8]) -> Option<(usize, Items)> {
    let mut i = 0;
    expect(b, &mut i, b'{')?;
    let items = table_head(b, &mut i)?;
    Some((i, items))
}

/// Another table of a query API response after the rows of one (Azure Data Explorer's v1
/// response has four; a table's rows may come before its columns, see [`rows_first`]), `b`
/// from the rows' `]`: where the table closes (its `}`, only its own members before it, each
/// whole in `b`) and where the next one opens (its `{`). Its rows are then read as the first
/// table's, a damaged row costing itself, where the serde visitors would end the document.
pub(in crate::ingest) fn next_table(b: &[u8]) -> Option<(usize, usize)> {
    let mut p = 0;
    let close = loop {
        let value = match member(&b[p..], false) {
            Member::Array(_, to) => p + to - 1,
            Member::Value(_, to) => p + to,
            Member::Close(to) => break p + to - 1,
            Member::Bad(_) => return None,
        };
        p = value_end(b, value)?;
    };
    let mut i = close + 1;
    expect(b, &mut i, b',')?;
    let open = skip_space(b, i)?;
    (b[open] == b'{').then_some((close, open))
}

/// Whether `b` starts an Azure Data Explorer v2 response: an array whose first element's
/// first key is `FrameType`.
pub(in crate::ingest) fn frames(b: &[u8]) -> bool {
    let mut i = 0;
    (|| {
        expect(b, &mut i, b'[')?;
        expect(b, &mut i, b'{')?;
        key(b, &mut i)?
            .eq_ignore_ascii_case(b"frametype")
            .then_some(())
    })()
    .is_some()
}

/// The keys of a table up to its rows' `[`: the fields of its columns. A table that says it
/// is not the query's result (v2's `TableKind` of its properties or completion information)
/// is not one.
fn table_head(b: &[u8], i: &mut usize) -> Option<Items> {
    let cols = head_of_table(b, i)?;
    key(b, i)?;
    expect(b, i, b':')?;
    expect(b, i, b'[')?;
    let (cols, mended) = cols?;
    Some(Items::Rows(cols, mended))
}

/// The columns of a table, and whether they were mended.
type HeadColumns = (Vec<super::super::json::Column>, Option<Mended>);

/// The keys of a table up to its `"rows"` key, `i` left at it: the fields of its columns if
/// they came before it (mended, when damage left them unreadable as JSON: see
/// [`mended_columns`]).
fn head_of_table(b: &[u8], i: &mut usize) -> Option<Option<HeadColumns>> {
    let mut cols = None;
    loop {
        let at = skip_space(b, *i)?;
        let mut after = at;
        let k = key(b, &mut after)?;
        if k.eq_ignore_ascii_case(b"rows") {
            *i = at;
            return Some(cols);
        }
        *i = after;
        expect(b, i, b':')?;
        let at = skip_space(b, *i)?;
        let columns =
            k.eq_ignore_ascii_case(b"columns") || k.eq_ignore_ascii_case(b"columndescriptors");
        let end = value_end(b, at);
        // Read when they parse and the table's next key or its end follows them (a `]` that
        // damage put among them closes them early, a `}` too when the rows' key follows it).
        let read = end
            .filter(|&end| columns && member_follows(b, end))
            .and_then(|end| super::super::json::columns(&b[at..end]));
        // Column definitions that damage left unreadable as JSON: the names still readable.
        if columns && read.is_none() {
            let (mended, m, rows) = mended_columns(b, at)?;
            cols = Some((mended, Some(m)));
            *i = rows;
            continue;
        }
        let end = end?;
        let value = &b[at..end];
        if columns {
            cols = read.map(|c| (c, None));
        } else if k.eq_ignore_ascii_case(b"tablekind") {
            if !value.eq_ignore_ascii_case(b"\"PrimaryResult\"") {
                return None;
            }
        } else {
            serde_json::from_slice::<IgnoredAny>(value).ok()?;
        }
        *i = end;
        expect(b, i, b',')?;
    }
}

/// Whether the table's next member (a comma), or its end, follows a value that ends at `b[e]`:
/// not a `}` that the rows' key follows.
pub(super) fn member_follows(b: &[u8], e: usize) -> bool {
    match skip_space(b, e).map(|e| (e, b[e])) {
        Some((_, b',')) => true,
        Some((e, b'}')) => {
            let mut j = e + 1;
            let rows = expect(b, &mut j, b',').is_some()
                && key(b, &mut j).is_some_and(|k| k.eq_ignore_ascii_case(b"rows"));
            !rows
        }
        _ => false,
    }
}
