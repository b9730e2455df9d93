//! The elements of a JSON array, the one large array of a document (a top-level array, the
//! `records` of a blob, the `rows` of a query API table, a batch on one line): cut into blocks
//! of whole elements read in parallel, each element by the fast scanner or else the serde
//! visitors. A damaged element costs that element: where the next one starts is found by the
//! shape of the elements around it, and the debris of a stray `]` is part of the damage.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::de::{DeserializeSeed, IgnoredAny};

use super::blocks::{self, ArrayAt, Blocks, Prefixed, Rest};
use super::json::{short_message, Element, ItemSeed, RowSeed};
use super::scan;
use super::structure::{
    mending, nests_deeper_than, next_element, reparse, signature, string_end, value_end,
    value_end_deep, Signature, Walker, MAX_NESTING,
};
use super::{FileCtx, Kept, Reject, Sink};
use crate::normalize::{key_role_bytes, Context, KeyRole, Raw, Reason};
use crate::record::At;

/// What the elements of an array are.
pub(super) enum Items {
    /// Records (objects).
    Records,
    /// Positional rows of a query API table, with the field of each column, and whether
    /// its column definitions were mended ([`mended_columns`]).
    Rows(Vec<super::json::Column>, Option<Mended>),
}

/// Column definitions that damage left unreadable as JSON, read as far as their names are
/// ([`mended_columns`]): where they start in the bytes the table's head was found in, and how
/// many names of how many columns were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Mended {
    pub(super) at: usize,
    pub(super) names: usize,
    pub(super) columns: usize,
}

/// Warns, when the columns of `items` were mended, that they were: the rows are read by the
/// names still readable. `line`: the line the head they were found in starts on.
pub(super) fn warn_mended<S: Sink>(
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
pub(super) enum Head {
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
    pub(super) fn depth(self) -> usize {
        match self {
            Head::Records | Head::Frame => 1,
            Head::Table => 3,
        }
    }

    /// The head again with an empty array, for the rest of the document after its `]`.
    pub(super) fn stand_in(self) -> &'static [u8] {
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
pub(super) fn envelope(b: &[u8]) -> Option<(usize, Items, Head)> {
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
pub(super) fn rows_first(b: &[u8]) -> Option<usize> {
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
pub(super) fn table_rows_first(b: &[u8], mut i: usize) -> Option<usize> {
    expect(b, &mut i, b'{')?;
    head_of_table(b, &mut i)?.is_none().then_some(i)
}

/// The head of a table that starts at `b`, its `{`, with its columns before its rows
/// (`{"columns": [...], ..., "rows": [`): as far as its rows' `[`, and their items.
pub(super) fn table_at(b: &[u8]) -> Option<(usize, Items)> {
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
pub(super) fn next_table(b: &[u8]) -> Option<(usize, usize)> {
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
pub(super) fn columns_first<S: Sink>(
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
        .and_then(|end| super::json::columns(&doc[cols_at..end]));
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

/// The `"rows":` keys (any case) in `b` from `at`: where each key's quote is, and the first
/// byte past its `:`.
fn rows_keys(b: &[u8], at: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memchr_iter(b'"', &b[at..]).filter_map(move |q| {
        let mut i = at + q;
        (key(b, &mut i).is_some_and(|k| k.eq_ignore_ascii_case(b"rows"))
            && expect(b, &mut i, b':').is_some())
        .then_some((at + q, i))
    })
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

/// The next member of an object that wraps records under keys of its own, read member by
/// member when it is larger than a record (see `document::wrapped`): `b` is the input after
/// the object's `{` (`first`) or after a member's value.
pub(super) enum Member<'b> {
    /// A member whose value is an array of objects or arrays: its key, and the bytes to past
    /// the array's `[`.
    Array(&'b [u8], usize),
    /// Any other member: its key, and the bytes up to its value.
    Value(&'b [u8], usize),
    /// The object's `}`: the bytes to past it.
    Close(usize),
    /// Neither (a lost comma or colon, a key cut off by the end of `b`): the bytes up to where
    /// it broke.
    Bad(usize),
}

pub(super) fn member(b: &[u8], first: bool) -> Member<'_> {
    let Some(at) = skip_space(b, 0) else {
        return Member::Bad(b.len());
    };
    if b[at] == b'}' {
        return Member::Close(at + 1);
    }
    let mut i = at;
    if !first {
        if b[at] != b',' {
            return Member::Bad(at);
        }
        i += 1;
    }
    let parsed = (|| {
        i = skip_space(b, i)?;
        (b[i] == b'"').then_some(())?;
        let end = string_end(b, i + 1)?;
        let k = &b[i + 1..end - 1];
        i = end;
        expect(b, &mut i, b':')?;
        Some((k, skip_space(b, i)?))
    })();
    let Some((key, v)) = parsed else {
        return Member::Bad(at);
    };
    let opens = |j: usize| matches!(skip_space(b, j).map(|j| b[j]), Some(b'{' | b'['));
    if b[v] == b'[' && opens(v + 1) {
        Member::Array(key, v + 1)
    } else {
        Member::Value(key, v)
    }
}

/// Whether `b`, the head of an object larger than a record, wraps records under keys of its
/// own (`{"Results": [...]}`, `{"entries": [...]}`, `{"IncomingCall": [], "PlayFailed": [...]}`):
/// its members up to its first array of objects or arrays, all in `b`, are named by none of a
/// record's fields nor of another layout's keys (`records`, `tables`, `body`, ...; the array
/// may be `data`'s), as an
/// object read whole proves that it holds none of a record's fields before its members are
/// read as documents (see `document::wrapper`).
pub(super) fn wrapper_head(b: &[u8]) -> bool {
    let Some(mut i) = skip_space(b, 0).filter(|&i| b[i] == b'{').map(|i| i + 1) else {
        return false;
    };
    let mut first = true;
    loop {
        match member(&b[i..], first) {
            // `{"data": [...]}` (a REST API's or an exporter's page) is a wrapper, as its
            // array of objects shows: no record or other layout has one under `data` (an
            // event's `data` is an object, a pandas frame's comes after its `columns` or
            // `schema`).
            Member::Array(key, _) => {
                return !names_a_field(key) || key.eq_ignore_ascii_case(b"data")
            }
            Member::Value(key, to) => {
                if names_a_field(key) {
                    return false;
                }
                let Some(end) = value_end(b, i + to) else {
                    return false;
                };
                i = end;
            }
            Member::Close(_) | Member::Bad(_) => return false,
        }
        first = false;
    }
}

/// Whether an object's key is a record's field, or a key that makes it another layout than a
/// wrapper (see `json::TopSeed`).
fn names_a_field(key: &[u8]) -> bool {
    const LAYOUT: [&[u8]; 13] = [
        b"records",
        b"value",
        b"body",
        b"tables",
        b"partialtables",
        b"frametype",
        b"error",
        b"partialerror",
        b"columns",
        b"schema",
        b"data",
        b"message",
        b"responses",
    ];
    LAYOUT.iter().any(|k| key.eq_ignore_ascii_case(k))
        || !matches!(key_role_bytes(Context::Record, key), KeyRole::Ignore)
}

/// Whether `b` starts an Azure Data Explorer v2 response: an array whose first element's
/// first key is `FrameType`.
pub(super) fn frames(b: &[u8]) -> bool {
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

/// `b[i..]` past whitespace.
fn skip_space(b: &[u8], mut i: usize) -> Option<usize> {
    while b.get(i)?.is_ascii_whitespace() {
        i += 1;
    }
    Some(i)
}

/// Past whitespace and `c`.
fn expect(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    *i = skip_space(b, *i)?;
    (b[*i] == c).then(|| *i += 1)
}

/// A key without escapes, past whitespace.
fn key<'b>(b: &'b [u8], i: &mut usize) -> Option<&'b [u8]> {
    *i = skip_space(b, *i)?;
    (b[*i] == b'"').then_some(())?;
    let end = string_end(b, *i + 1)?;
    let k = &b[*i + 1..end - 1];
    *i = end;
    (!k.contains(&b'\\')).then_some(k)
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
type HeadColumns = (Vec<super::json::Column>, Option<Mended>);

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
            .and_then(|end| super::json::columns(&b[at..end]));
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
fn member_follows(b: &[u8], e: usize) -> bool {
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

/// The columns of a table whose definitions, from `b[at]` (their `[`), damage left unreadable
/// as JSON (a quote or a bracket lost, a line lost or garbled), up to its `"rows": [` key
/// (returned too, with how they were mended): one for each definition, the text between two
/// braces that holds its `name` (or `ColumnName`) or `type` (`DataType`, `ColumnType`) key (a
/// lost brace leaves two as one, a lost line of one leaves the other key, a brace that damage
/// put in leaves no key on one side), named by its `name` key's value, read however the quotes
/// around them were lost (`"name: "ResultMessage"`); a definition whose name is lost is a
/// column of nothing wanted. Column names hold no braces, quotes, commas or line breaks.
fn mended_columns(b: &[u8], at: usize) -> Option<(Vec<super::json::Column>, Mended, usize)> {
    let (rows, _) = rows_keys(b, at).find(|&(_, mut i)| expect(b, &mut i, b'[').is_some())?;
    let (cols, m) = mend(b, at, rows);
    Some((cols, m, rows))
}

/// The columns of definitions `b[at..end]` that damage left unreadable as JSON (see
/// [`mended_columns`]), and how they were mended.
fn mend(b: &[u8], at: usize, end: usize) -> (Vec<super::json::Column>, Mended) {
    let region = &b[at..end];
    let mut names = 0;
    let mut cols: Vec<_> = region
        .split(|&c| matches!(c, b'{' | b'}'))
        .filter_map(column_name)
        .map(|name| match name {
            Some(name) => {
                names += 1;
                super::json::column(&String::from_utf8_lossy(name))
            }
            None => super::json::Column::Other,
        })
        .collect();
    let m = Mended {
        at,
        names,
        columns: cols.len(),
    };
    // No name readable: no row fits them, and each is a reject that says why.
    if names == 0 {
        cols.clear();
    }
    (cols, m)
}

/// The value of the `name` (or `ColumnName`) key of a column's definition `def`, its quotes
/// lost or not (`None` when it is not readable); `None` when `def` has neither that key nor a
/// `type` one, and is no definition.
fn column_name(def: &[u8]) -> Option<Option<&[u8]>> {
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let mut typed = false;
    let mut p = 0;
    while p < def.len() {
        let len = def[p..].iter().take_while(|c| word(c)).count();
        if len == 0 {
            p += 1;
            continue;
        }
        let w = &def[p..p + len];
        p += len;
        // A key: its colon after it, past its quote.
        let rest = &def[p..];
        let Some(colon) = rest
            .iter()
            .position(|&c| !c.is_ascii_whitespace() && c != b'"')
            .filter(|&k| rest[k] == b':')
        else {
            continue;
        };
        let lower = w.to_ascii_lowercase();
        if lower.ends_with(b"type") {
            typed = true;
        }
        if lower != b"name" && lower != b"columnname" {
            continue;
        }
        let value = rest[colon + 1..].trim_ascii_start();
        let value = value.strip_prefix(b"\"").unwrap_or(value);
        let len = value
            .iter()
            .position(|&c| matches!(c, b'"' | b',' | b'\n' | b'\r' | b':'))
            .unwrap_or(value.len());
        let name = value[..len].trim_ascii();
        return Some((!name.is_empty() && !name.iter().any(u8::is_ascii_control)).then_some(name));
    }
    typed.then_some(None)
}

/// An array read to its closing `]`.
pub(super) struct Array {
    /// Newlines in the input up to its `]`.
    pub(super) lines: u64,
    /// The input after its `]`.
    pub(super) rest: Rest,
    /// The input was read to its end (when known).
    pub(super) eof: bool,
}

/// The elements of an array after its `[`, `lines` newlines into the input, in blocks of
/// whole elements read in parallel (an array whose `]` comes in its first [`IN_PLACE`] bytes,
/// where it is read, as its one block); the array, unless the input ends before its `]`.
///
/// With `parts`, they are read where the input is read, in parts of [`PART_FILL`] bytes, not
/// blocks of 4 MiB (a worker reading documents of 4 MiB by the hundred held a block each). The
/// blocks' cuts decide what a damaged element costs (the elements before it in its block show
/// where the next starts), and parts are cut elsewhere: the first thing whose reading may
/// depend on the cuts (an element the serde visitors reject or mend or that runs to the part's
/// end, a stray or missing comma, a stray bracket, a read error, an element over a block) sets
/// `parts`, and the reading stops with an error, so
/// that the caller reads the input again in blocks. Until then every element is read as it
/// would be in any block: the same records, rejects and warnings. (One premise, as for blocks:
/// the fast scanner, used for a block or part of valid UTF-8, and the serde visitors, used
/// for the others, read an element both take alike; a byte that is not UTF-8 in a field not
/// read takes a part to the serde visitors, and its 4 MiB block before.)
pub(super) fn read_array<S: Sink, M: Fn() -> S + Sync>(
    mut input: Prefixed,
    items: &Items,
    top: bool,
    lines: u64,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    parts: Option<&AtomicBool>,
) -> io::Result<Option<Array>> {
    let (cut, part_cut): (blocks::Cut, blocks::Cut) = match (top, items) {
        (true, _) => (last_element_end_top, part_end_top),
        (false, Items::Records) => (last_element_end, part_end),
        (false, Items::Rows(..)) => (last_row_end, part_row_end),
    };
    // The shape of its first element, from exactly its first 1 KiB, however the input reads.
    let head = input.peek(1024)?;
    let shape = shape(&head[..head.len().min(1024)]);
    let end = End::default();
    let of = Of {
        items,
        top,
        one_line: None,
        shape: &shape,
        spoiled: parts,
    };
    // A small array, whose `]` is among its first bytes, is read here as its one block would
    // be: documents one after another by the thousand (Event Hubs messages joined by `cat`)
    // would each fill a block of 4 MiB with the documents after it and hand it to the workers.
    let window = input.peek(IN_PLACE)?;
    let window = &window[..window.len().min(IN_PLACE)];
    if let Some(p) = closed_in(window, window.len() < IN_PLACE, cut) {
        let start = ArrayAt {
            newlines: lines,
            after_comma: false,
        };
        // Where the elements close may come before the cut's `]`, when a row that lost its
        // own `]` hid it from the cut.
        let close = elements(&window[..=p], 0, start, &of, &end, ctx).unwrap_or(p);
        let lines = lines + blocks::newlines(&window[..=close]);
        if end.closed.load(Ordering::Relaxed) {
            let eof = input.at_end();
            let rest = input.into_rest(close + 1);
            return Ok(Some(Array { lines, rest, eof }));
        }
        if !end.truncated.load(Ordering::Relaxed) {
            unclosed(ctx, lines);
        }
        return Ok(None);
    }
    let mut blocks = Blocks::prefixed(input, cut)
        .array(lines)
        .shaped(shape.clone());
    let work = |piece, c: &mut FileCtx<'_, S>| {
        if parts.is_some() && !matches!(piece, blocks::Piece::Block { .. }) {
            spoils(parts);
            return;
        }
        blocks::process(piece, c, |b, first, _, at, c| {
            let close = elements(b, first, at, &of, &end, c);
            if let Some(close) = close.filter(|&p| p + 1 < b.len()) {
                let lines = at.newlines + blocks::newlines(&b[..=close]);
                if let Ok(mut after) = end.after.lock() {
                    *after = Some((lines, b[close + 1..].to_vec()));
                }
            }
            0
        })
    };
    match parts {
        Some(spoiled) => {
            blocks = blocks.parts(part_cut, PART_FILL);
            let pieces = blocks
                .by_ref()
                .take_while(|_| !spoiled.load(Ordering::Relaxed));
            super::in_order(pieces, ctx, make, work);
            if spoiled.load(Ordering::Relaxed) {
                return Err(io::Error::other("read again in blocks"));
            }
        }
        None => super::in_parallel(&mut blocks, ctx, make, work),
    }
    let after = end.after.lock().ok().and_then(|mut a| a.take());
    if let Some((lines, tail)) = after.filter(|_| !blocks.failed()) {
        let then: super::Input = Box::new(blocks.rest());
        let rest = io::Read::chain(io::Cursor::new(tail), then);
        return Ok(Some(Array {
            lines,
            rest,
            eof: false,
        }));
    }
    if end.closed.load(Ordering::Relaxed) && !blocks.failed() {
        return Ok(Some(Array {
            lines: blocks.newlines_read(),
            rest: blocks.rest(),
            eof: false,
        }));
    }
    // A read error was reported as such, an element cut off by the end as truncated; a
    // document that only lacks its closing bracket (copied from a page) loses nothing.
    if !blocks.failed() && !end.truncated.load(Ordering::Relaxed) {
        unclosed(ctx, blocks.newlines_read());
    }
    Ok(None)
}

/// Warns that the document ends `lines` newlines into the input without its array's `]`.
fn unclosed<S: Sink>(ctx: &mut FileCtx<'_, S>, lines: u64) {
    let w = format!(
        "{}: the document ends at line {} without its array's closing ]; every record in it was read",
        ctx.name,
        lines + 1
    );
    ctx.warn(w);
}

/// Bytes of an array looked at for its `]`, to read it in place (see [`read_array`]).
const IN_PLACE: usize = 32 << 10;

/// Where the array of elements `window` (the input ended after it when `eof`) is closed, by
/// `cut`, when that is its `]` and the bytes after it in `window` are enough to tell that the
/// `]` is not a stray one: the cut a block of 4 MiB would have there.
fn closed_in(window: &[u8], eof: bool, cut: blocks::Cut) -> Option<usize> {
    let (p, _) = cut(window)?;
    if window[p] != b']' {
        return None;
    }
    // A `]` is told from a stray one by what follows it (see [`stray_closer`]).
    let next = window[p + 1..]
        .iter()
        .position(|c| !c.is_ascii_whitespace());
    let told = match next {
        None => eof,
        Some(n) => eof || p + 1 + n + KEY_LOOK < window.len(),
    };
    told.then_some(p)
}

/// Bytes after a `]`'s next character that [`closed_in`] wants in the window: a key after a
/// comma (see [`key_follows`]) is far shorter.
const KEY_LOOK: usize = 1024;

/// Bytes of an array's part (see [`read_array`]), as many as the blocks of a file of JSON Lines
/// that is read where it is opened.
const PART_FILL: usize = 256 << 10;

/// The shape ([`signature`]) of the first element of array elements `b`.
pub(super) fn shape(b: &[u8]) -> Option<Signature<'static>> {
    let at = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    signature(b, at).map(Signature::into_owned)
}

/// How the array ended, as the workers saw it.
#[derive(Default)]
pub(super) struct End {
    /// Its closing `]` was read.
    pub(super) closed: AtomicBool,
    /// An element was cut off by the end of the input (and reported).
    pub(super) truncated: AtomicBool,
    /// The array closed inside a block, before its end (a row that lost its `]` hid the
    /// array's from the cut): the newlines up to its `]`, and what follows it in the block, the
    /// rest of the document with what follows the block.
    after: Mutex<Option<(u64, Vec<u8>)>>,
}

/// The cut of a block of array elements that starts between two of them: the last comma
/// between elements, or the array's closing `]`, with the number of elements before it.
fn last_element_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, false, false)
}

/// [`last_element_end`] of a top-level array, which another document may follow directly.
fn last_element_end_top(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, true, false, false)
}

/// [`last_element_end`] of a query API table's rows: a scalar where a row should start may be
/// the first cell of a row that lost its `[` (in an array of records, a string there may be an
/// element of its own).
fn last_row_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, false, true)
}

/// [`last_element_end`] of a part ([`read_array`]'s `parts`) that the input goes on after: a
/// `]` with nothing after it yet may be a stray one, which what follows would show, so the
/// part ends at the comma before it (none: the part is read on).
fn part_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, true, false)
}

/// [`part_end`] of a top-level array.
fn part_end_top(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, true, true, false)
}

/// [`part_end`] of a query API table's rows.
fn part_row_end(b: &[u8]) -> Option<(usize, u64)> {
    element_end(b, false, true, true)
}

/// The cuts above: of a top-level array (`top`), of a part (`part`), of a table's `rows`.
fn element_end(b: &[u8], top: bool, part: bool, rows: bool) -> Option<(usize, u64)> {
    let mut i = 0;
    let mut count = 0u64;
    let mut last = None;
    // The end of the last element, a cut when no comma comes between elements (JSON Lines
    // after an array's `[`, whose `]` was lost): such an array is read block by block, as a
    // missing comma costs nothing, and not as one element over the cap. Only once two
    // elements were seen without a comma between them.
    let mut ended = None;
    let mut after_value = false;
    // Where the last value starts: its shape shows where a stray quote's string runs into
    // the next element, and the walk goes on there, as the elements are read
    // ([`stray_quote_end`]), not inside the strings after it.
    let mut prev = None;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match b.get(i) {
            None => return last.or(ended),
            Some(b',') => {
                last = Some((i, count));
                after_value = false;
                i += 1;
            }
            Some(b']') if !stray_closer(b, i, top) => {
                if part && b[i + 1..].iter().all(u8::is_ascii_whitespace) {
                    return last.or(ended);
                }
                return Some((i, count));
            }
            Some(b']') => i += 1,
            Some(&c) => {
                let Some(end) = value_end(b, i) else {
                    return last.or(ended);
                };
                // Damage that closed an element early: on where the next one starts.
                if matches!(c, b'{' | b'[') {
                    if let Some((j, _)) = past_pretty_debris(b, (i, end), top) {
                        prev = Some(i);
                        i = j;
                        count += 1;
                        after_value = false;
                        continue;
                    }
                }
                if c == b'"' {
                    if let Some(next) = stray_quote_end(b, i, prev, &None) {
                        count += 1;
                        i = next;
                        continue;
                    }
                }
                // An element that lost its opener (line), where an element should start (a
                // record's first key, a row's first cell), or right after the closer of the
                // one before (its comma lost too): one element up to its closer, as it is read
                // ([`lost_opener`]), not a cut among its members nor one element for each of
                // them; when its end is not in `b`, the cut goes before it.
                let lost = (c == b'"' || rows && !opens(c))
                    .then(|| (!after_value || closer_before(b, i)).then(|| lost_walk(b, i, !rows)))
                    .flatten();
                match lost {
                    Some(Lost::Ends(j, bare)) => {
                        count += 1;
                        if ended.is_some() {
                            ended = Some((j - 1, count));
                        }
                        prev = None;
                        after_value = !bare;
                        i = j;
                        continue;
                    }
                    Some(Lost::RunsOff) => return last.or(ended),
                    Some(Lost::Not) | None => {}
                }
                prev = Some(i);
                i = end;
                count += 1;
                if after_value || ended.is_some() {
                    ended = Some((end - 1, count));
                }
                after_value = true;
            }
        }
    }
}

/// What array the elements are of.
#[derive(Clone, Copy)]
pub(super) struct Of<'a> {
    pub(super) items: &'a Items,
    /// A top-level array (another document may follow its `]` directly).
    pub(super) top: bool,
    /// A document on one line of JSON Lines: its records are reported at that line.
    pub(super) one_line: Option<u64>,
    /// The first bytes of the array's first element ([`signature`]): where a damaged element
    /// starts a block, no element before it in the block shows the shape of the next.
    pub(super) shape: &'a Option<Signature<'static>>,
    /// Read in parts ([`read_array`]'s `parts`): set, and the block left, at the first thing
    /// whose reading may depend on where blocks are cut.
    pub(super) spoiled: Option<&'a AtomicBool>,
}

/// Whether the elements are read in parts, which this (the first thing whose reading may
/// depend on where blocks are cut) spoils: then said, and the block is left.
fn spoils(spoiled: Option<&AtomicBool>) -> bool {
    spoiled
        .inspect(|s| s.store(true, Ordering::Relaxed))
        .is_some()
}

/// Whether the `]` at `b[i]`, between elements, is a stray one: more elements follow it. After
/// a top-level array another document may start directly (`[...][...]`); inside a document
/// the array's own `]` is followed by `}` or the next key (Stream Analytics writes its
/// `EventProcessedUtcTime` after an Event Hubs message's `records`).
fn stray_closer(b: &[u8], i: usize, top: bool) -> bool {
    let next = b[i + 1..].iter().position(|c| !c.is_ascii_whitespace());
    match next.map(|n| (i + 1 + n, b[i + 1 + n])) {
        Some((comma, b',')) => top || !key_follows(b, comma + 1),
        Some((k, b'{' | b'[')) => !top || !opens_document(b, k),
        // Inside a document nothing else follows its `]` but a `]` or `}` (one lost) or a key
        // (its comma lost): after anything else (the rest of a damaged row, `a}b]c`, `]]`) the
        // `]` is damage, and the elements go on.
        Some((k, c)) if !top => !matches!(c, b'}' | b']') && !key_follows(b, k),
        _ => false,
    }
}

/// Whether the `{` or `[` at `b[k]` opens a document, as far as its first member shows: an
/// object's first key or `}`, an array's anything but a string that no `,` or `]` follows
/// (`]{"` or `]["` left of a damaged element's line are no document).
fn opens_document(b: &[u8], k: usize) -> bool {
    let Some(n) = b[k + 1..].iter().position(|c| !c.is_ascii_whitespace()) else {
        return true;
    };
    let j = k + 1 + n;
    match (b[k], b[j]) {
        (b'{', b'}') => true,
        (b'{', _) => key_follows(b, j),
        (_, b'"') => string_end(b, j + 1)
            .and_then(|e| b[e..].iter().find(|c| !c.is_ascii_whitespace()))
            .is_none_or(|c| matches!(c, b',' | b']')),
        _ => true,
    }
}

/// Whether the `}` at `b[i]`, after an element, closes the document around the array (or the
/// table its rows are in): what follows it closes more (`]`, `}`), is the next key of what
/// holds it, or is not in `b`. One followed by an element (a comma, a `{`) is a stray one.
fn closes_document(b: &[u8], i: usize) -> bool {
    match b[i + 1..].iter().position(|c| !c.is_ascii_whitespace()) {
        None => true,
        Some(n) => match b[i + 1 + n] {
            b']' | b'}' => true,
            b',' => key_follows(b, i + 2 + n),
            _ => false,
        },
    }
}

/// Whether a key (a string and its colon) starts at `b[i]`, past whitespace.
fn key_follows(b: &[u8], i: usize) -> bool {
    let at = |i: usize| {
        let n = b.get(i..)?.iter().position(|c| !c.is_ascii_whitespace())?;
        Some(i + n)
    };
    (|| {
        let open = at(i)?;
        (b[open] == b'"').then_some(())?;
        let colon = at(string_end(b, open + 1)?)?;
        (b[colon] == b':').then_some(())
    })()
    .is_some()
}

/// The elements of one block, numbered from `first + 1`, starting `at` in the input. Every
/// block but the last ends with a comma or the array's `]`. Returns where the array's `]` is
/// (or, when a `}` of the document came where it should, the byte before that `}`: the rest of
/// the document starts after it), unless the block ends first.
pub(super) fn elements<S: Sink>(
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
                        Some(stop) if super::json::may_forward(&raw, &b[i..stop]) => {}
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

/// Where the elements go on after a scalar at `b[i]` that is debris of a damaged element: its
/// end, or where the next element starts if that comes first (a lost quote makes everything
/// after it look like a string), as the last good element's shape, else the array's first,
/// shows.
fn past_debris(
    b: &[u8],
    i: usize,
    last_good: Option<usize>,
    shape: &Option<Signature<'_>>,
) -> usize {
    let stop = value_end(b, i).unwrap_or(b.len());
    let resync = [last_good.and_then(|g| signature(b, g)), shape.clone()]
        .into_iter()
        .flatten()
        .find_map(|sig| next_element(b, i, stop, &sig));
    resync.unwrap_or(stop)
}

/// Where the elements of a pretty-printed array go on after the damaged element at `b[i]`,
/// which is the first thing on its line, or follows the closer of the element before it there
/// (`  }{`, `  } {`, `  }, {`: [`opener_indent`]): at its own closer, the first thing on the
/// first line after `b[from]` indented as far as it that starts with its closer (nested
/// closers are indented more); at the comma after that (`false`), else past it (`true`, an
/// element may come without a comma), or at the next element's opener when that follows on
/// the line (`  }{`, `  } {`, `  }, {`: at the opener, `true`, or its comma), damaged or not.
/// What follows is read as it is: a next element that lost its opener is one reject of its
/// own, one damaged on the closer's line too (the walk had gone on to the next line indented
/// as far that starts with a `{` or `[`, past such an element, counted nowhere). With no
/// indentation (a nested closer is indented as the element's own) only a closer with an
/// element's opener after it on its line ends it. Else at the next line indented as far that
/// starts with a `{` or `[` (at the comma before it, when the line before ends with one:
/// `false`; else at the opener: `true`), or at the array's `]`, first on the first line
/// indented less (or as far, after an object). Damage inside an element (`a}b]c`, `]{"`,
/// `}"`) upsets its brackets and quotes, not the indentation of the lines after it. `from`:
/// where the element's lines are known to go on from (after a closer that the parser took for
/// its own: a stray `}` line indented as it). `None` when the element is no object or array,
/// is not first on its line, or `b` holds neither.
fn pretty_next(b: &[u8], i: usize, from: usize) -> Option<(usize, bool)> {
    // A string or a number (JSON text of records, a scalar that is not one) is no record's
    // damage: its own end is where the next element starts.
    let open = *b.get(i).filter(|&&c| opens(c))?;
    let indent = opener_indent(b, i)?;
    memchr::memchr_iter(b'\n', &b[from..]).find_map(|p| {
        let start = from + p + 1;
        let n = blanks(&b[start..]);
        let c = *b.get(start + n)?;
        if matches!(c, b'\n' | b'\r') || n > indent {
            return None;
        }
        if n < indent || (c == b']' && open == b'{') {
            return Some((c == b']').then_some((start + n, false)));
        }
        if c == closer(open) {
            let after = start + n + 1;
            if let Some(next) = opener_after(b, after) {
                return Some(Some(next));
            }
            return own_closer_end(b, after, indent > 0).map(Some);
        }
        if !opens(c) {
            return None;
        }
        let before = b[..start].iter().rposition(|c| !c.is_ascii_whitespace());
        Some(Some(match before {
            Some(k) if b[k] == b',' => (k, false),
            _ => (start + n, true),
        }))
    })?
}

/// Where the elements go on after an element's own closer, first on its line, from `b[k]`
/// past it: at an opener after it (`true`), damaged or not (the next element opening on its
/// line, the comma lost: it is read, its damage its own); and when the element is `indented`
/// (no nested closer is indented as its own), at the comma after it (`false`), or past it
/// when nothing follows it on its line (`true`). `None` when anything else follows it.
fn own_closer_end(b: &[u8], k: usize, indented: bool) -> Option<(usize, bool)> {
    let j = k + blanks(&b[k..]);
    match b.get(j) {
        Some(&c) if opens(c) => Some((j, true)),
        _ if !indented => None,
        None | Some(b'\n' | b'\r') => Some((k, true)),
        Some(b',') => Some((j, false)),
        Some(_) => None,
    }
}

/// The indentation of an element's opener at `b[i]`: its line's when it is first on it, or
/// when it follows the closer of the element before it there (`  }{`, `  } {`, `  }, {`: a
/// comma lost, or a layout that puts the next opener there), that closer's. Only the few bytes
/// before it are looked at (see [`line_indent`]).
fn opener_indent(b: &[u8], i: usize) -> Option<usize> {
    line_indent(b, i).or_else(|| {
        let mut k = i - blanks_before(b, i);
        if b[..k].last() == Some(&b',') {
            k -= 1;
            k -= blanks_before(b, k);
        }
        let c = k.checked_sub(1)?;
        matches!(b[c], b'}' | b']').then_some(())?;
        line_indent(b, c)
    })
}

/// The closer that matches the opener `open`.
fn closer(open: u8) -> u8 {
    if open == b'{' {
        b'}'
    } else {
        b']'
    }
}

/// Where the elements go on when the next element opens on the line of the closer before it,
/// from `b[k]` past that closer (`}{`, `} {`, `}, {`): at the comma (`false`), else at the
/// opener (`true`: it comes without a comma). `None` when the line holds anything else after
/// the closer (the closer is no element's, or only its comma follows it).
fn opener_after(b: &[u8], k: usize) -> Option<(usize, bool)> {
    let blank = |j: usize| j + blanks(&b[j..]);
    let mut j = blank(k);
    let comma = (b.get(j) == Some(&b',')).then_some(j);
    if let Some(c) = comma {
        j = blank(c + 1);
    }
    b.get(j)
        .filter(|&&c| opens(c) && opens_document(b, j))
        .map(|_| comma.map_or((j, true), |c| (c, false)))
}

/// Why a record that lost its opening `{` is rejected.
const LOST_OPENER: &str =
    "a record without its opening {: its members stand where an element should start";

/// Why a row that lost its opening `[` is rejected.
const LOST_ROW_OPENER: &str =
    "a row without its opening [: its cells stand where an element should start";

/// How many blanks (spaces, tabs) `s` starts with.
fn blanks(s: &[u8]) -> usize {
    s.iter().take_while(|&&c| c == b' ' || c == b'\t').count()
}

/// How many blanks come right before `b[i]`.
fn blanks_before(b: &[u8], i: usize) -> usize {
    (b[..i].iter().rev())
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

/// The indentation of `b[i]` when it is first on its line (a line break before its blanks).
/// Only the blanks before it are looked at: a one-line document's elements cost nothing more
/// (a search back for the line's start had made each damaged one cost the block).
fn line_indent(b: &[u8], i: usize) -> Option<usize> {
    let n = blanks_before(b, i);
    (b[..i - n].last() == Some(&b'\n')).then_some(n)
}

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
fn lost_opener(b: &[u8], i: usize, record: bool) -> Option<(usize, bool)> {
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
fn closer_before(b: &[u8], i: usize) -> bool {
    let before = b[..i].iter().rev().find(|c| !c.is_ascii_whitespace());
    matches!(before, Some(b'}' | b']'))
}

/// What [`lost_walk`] found at a place where an element should start.
enum Lost {
    /// No element that lost its opener.
    Not,
    /// One, which ends there (`true`: the next element may come without a comma).
    Ends(usize, bool),
    /// One whose end is not in the bytes walked.
    RunsOff,
}

/// The walk of [`lost_opener`] from `b[i]`; the block cutter's too, which cuts before an
/// element whose end it does not see.
fn lost_walk(b: &[u8], i: usize, record: bool) -> Lost {
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

/// Whether the closer at `b[close]` is first on its line and indented as far as the opener
/// at `b[open]` is on its own (or on the line of the closer before it, [`opener_indent`]), an
/// element that ended where it should.
fn aligned(b: &[u8], open: usize, close: usize) -> bool {
    let indent = |k: usize| {
        let n = blanks_before(b, k);
        matches!(b[..k - n].last(), None | Some(b'\n')).then_some(n)
    };
    let opener = indent(open).or_else(|| opener_indent(b, open));
    close > open && indent(close).is_some_and(|n| opener == Some(n))
}

/// Whether `c` opens an element that may be a record: an object, or an array of them (a batch
/// of events among single ones) or a row.
fn opens(c: u8) -> bool {
    matches!(c, b'{' | b'[')
}

/// Where a pretty-printed array's elements go on after the element `b[i..stop]`, read or
/// rejected, when what follows it is debris of its damage, as [`pretty_next`] shows: not a
/// comma and the next element on a line of its own, nor the array's `]` where that finds it,
/// nor a `}` that closes the document.
fn past_pretty_debris(b: &[u8], (i, stop): (usize, usize), top: bool) -> Option<(usize, bool)> {
    let after = |k: usize| {
        let n = b.get(k..)?.iter().position(|c| !c.is_ascii_whitespace())?;
        Some(k + n)
    };
    let k = after(stop)?;
    let own_line = |j: usize| b[stop..j].contains(&b'\n');
    // What closes the array (its own `]`, after a comma too) or the document (a `}`) does,
    // unless the element spans lines (pretty-printed) and the lines after it go on with
    // elements as indented as it: its damage closed it early (`],]`, `},]`, `]}}` on one of
    // its lines). After an element on one line (an element a line, no indentation to go by:
    // a table of a row a line, then the next table) it closes the array.
    let closes = |c: usize| {
        b[i..stop]
            .contains(&b'\n')
            .then(|| pretty_next(b, i, stop - 1))
            .flatten()
            .filter(|&(j, _)| j > c)
    };
    let plain = match b[k] {
        b',' => match after(k + 1) {
            Some(j) if b[j] == b']' => return closes(j),
            // The next element on a line of its own, or after the closer where it should be
            // (`  }, {`, first on its line and indented as far as the opener). After a closer
            // where a printer puts it the element ended as it should: what follows its comma is
            // the next element, damaged or not (a row that lost its `[` line: its cells are
            // read as one reject where they start, not skipped as this one's debris).
            j => j.is_none_or(|j| aligned(b, i, stop - 1) || opens(b[j]) && own_line(j)),
        },
        // A missing comma before the next element: on a line of its own, or right after the
        // closer where that ended the element as it should (`  }{`, first on its line and
        // indented as far as the opener; the element after it had been taken for debris and
        // lost uncounted).
        c if opens(c) => own_line(k) || aligned(b, i, stop - 1),
        b']' if !stray_closer(b, k, top) => return closes(k),
        b'}' if !top && closes_document(b, k) => return closes(k),
        _ => false,
    };
    (!plain).then(|| pretty_next(b, i, stop - 1)).flatten()
}

/// Whether the element `b[i..stop]`, spread over lines and followed by debris
/// ([`past_pretty_debris`]), was itself closed early by its damage (`"code": 400,}`, a `}` line
/// too many inside it): its closer is not where a printer puts it (first on its line, indented
/// as far as its opener), and a key comes after it (past a comma), the first of its members
/// that the damage cut off. Such an element holds its fields before the damage only, and
/// would be a record of the wrong key (a code without its subcode): it is a reject. One whose
/// closer is where a printer puts it is whole as far as the text shows (the key after it may
/// be the next element's, which lost its `{`), and one after whose closer only brackets come
/// (`}}` where `}` was) lost no member. An element on one line is so when it is first on its
/// line (an element a line) and the key after it is on that line too (`{..., "properties":
/// {"resultCode": 400}, "resultSubcode": 8522}, "level": "x"},`); on a line with other
/// elements (a one-line document) the elements around it show nothing. The key after it is
/// looked for first: every element read whole comes here.
fn closed_early(b: &[u8], (i, stop): (usize, usize)) -> bool {
    let after = |k: usize| {
        let n = b.get(k..)?.iter().position(|c| !c.is_ascii_whitespace())?;
        Some(k + n)
    };
    let next = after(stop).and_then(|k| if b[k] == b',' { after(k + 1) } else { Some(k) });
    let Some(k) = next.filter(|&k| key_follows(b, k)) else {
        return false;
    };
    if b[i..stop].contains(&b'\n') {
        return !aligned(b, i, stop - 1);
    }
    line_indent(b, i).is_some() && !b[stop..k].contains(&b'\n')
}

/// Whether `text` parses as JSON, as an element is read (again without a comma before a
/// closing bracket).
fn parses(text: &[u8]) -> bool {
    let parse = |t: &[u8]| serde_json::from_slice::<IgnoredAny>(t).map(|_| ());
    parse(text).is_ok() || reparse(text, parse).is_some()
}

/// Why an element closed early by its damage is rejected.
const CLOSED_EARLY: &str =
    "closed early by damage (a stray closing bracket): its members after it are lost";

/// Rejects the element `b[i..stop]` closed early by its damage ([`closed_early`]), at the line
/// of the bracket that closed it.
fn reject_closed_early<S: Sink>(
    b: &[u8],
    (i, stop): (usize, usize),
    at: At,
    ctx: &mut FileCtx<'_, S>,
) {
    ctx.reject(
        at,
        Reason::BadDocument,
        CLOSED_EARLY.into(),
        head(&b[i..stop]),
    );
}

/// Why a stray quote where an element should start is rejected.
const STRAY_QUOTE: &str = "a stray quote: its string runs into the next element";

/// Where the next element starts when the string at `b[i]` runs into it, as the last good
/// element's shape, else the array's first, shows: right after the quote, or after a comma
/// inside the string. A string element cannot hold either (its own quotes would be escaped).
fn stray_quote_end(
    b: &[u8],
    i: usize,
    last_good: Option<usize>,
    shape: &Option<Signature<'_>>,
) -> Option<usize> {
    let stop = value_end(b, i).unwrap_or(b.len());
    [last_good.and_then(|g| signature(b, g)), shape.clone()]
        .into_iter()
        .flatten()
        .find_map(|sig| {
            if sig.starts(b, i + 1) {
                return Some(i + 1);
            }
            next_element(b, i + 1, stop, &sig)
        })
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

/// What broke an element, and where it is: the parser's error, the element's line and index,
/// the line of JSON Lines that the whole document is on, if it is, and whether the array is a
/// top-level one ([`Of::top`]).
struct Damage<'e> {
    error: &'e serde_json::Error,
    line: u64,
    index: u64,
    one_line: Option<u64>,
    top: bool,
    /// The elements are a table's rows.
    rows: bool,
}

/// Rejects the damaged element that starts at `b[i]` and that the parser read to `stop`;
/// returns where the elements go on, whether an element may come there without a comma, and
/// whether that is where its indentation shows it ended ([`pretty_next`]).
/// It ends where the next element starts, which the elements around it show (a lost quote
/// makes everything after it look like a string): in a pretty-printed array the next line
/// indented as far as it that opens an element ([`pretty_next`]); else the shape of
/// the last good element of the block, else its own, else the array's first, else (rows) a
/// row's whose first cell is a string, the first that finds a next element; else at `stop`, and the document ends inside it when the parser ran
/// out of input, but before the array's own `]` or the document's `}` when the walk ended there
/// ([`closed_from_outside`]).
fn reject_damaged<S: Sink>(
    b: &[u8],
    (i, stop): (usize, usize),
    last_good: Option<usize>,
    shape: &Option<Signature<'_>>,
    damage: Damage<'_>,
    end: &End,
    ctx: &mut FileCtx<'_, S>,
) -> (usize, bool, bool) {
    let e = damage.error;
    let pretty = pretty_next(b, i, i);
    let resync = pretty.map(|(j, _)| j).or_else(|| {
        [
            last_good.and_then(|g| signature(b, g)),
            signature(b, i),
            shape.clone(),
            damage.rows.then(Signature::string_row),
        ]
        .into_iter()
        .flatten()
        .find_map(|sig| next_element(b, i + 1, stop, &sig))
    });
    let (reason, why, to) = match resync {
        Some(j) => (Reason::BadDocument, short_message(e), j),
        None if e.is_eof() => {
            end.truncated.store(true, Ordering::Relaxed);
            let why = "the document ends inside it".to_string();
            (Reason::Truncated, why, stop)
        }
        None if closed_from_outside(b, (i, stop), damage.top) => {
            (Reason::BadDocument, short_message(e), stop - 1)
        }
        None => (Reason::BadDocument, short_message(e), stop),
    };
    // The line the damage was found on (the element's start when the input ended).
    let at_line = if reason == Reason::Truncated || damage.one_line.is_some() {
        damage.line
    } else {
        damage.line + (e.line() as u64).saturating_sub(1)
    };
    let at = At::record(at_line, damage.index);
    ctx.reject(at, reason, why, head(&b[i..to]));
    let ended = pretty.filter(|&(j, _)| j == to);
    (to, ended.is_some_and(|(_, bare)| bare), ended.is_some())
}

/// Whether the walk of the damaged element `b[i..stop]` ended at a closer of the other kind
/// than its opener that closes what holds the array: the array's own `]`, or the document's
/// `}` after a row (a cut-off element keeps nothing open that it matches, so that closer
/// closed every bracket the element left open). Such a closer is no part of the element: the
/// array, or the document, ends there. A stray one, that elements follow, stays in it.
fn closed_from_outside(b: &[u8], (i, stop): (usize, usize), top: bool) -> bool {
    match (b[i], stop.checked_sub(1).map(|c| (c, b[c]))) {
        (b'{', Some((c, b']'))) if c > i => !stray_closer(b, c, top),
        (b'[', Some((c, b'}'))) if c > i => !top && closes_document(b, c),
        _ => false,
    }
}

/// What a row of a table whose column definitions were mended that does not fit them says.
const MENDED: &str = "its table's column definitions are damaged";

/// Why a row that ran into the next one is rejected.
const RAN_INTO: &str = "row without its closing ]: it runs into the next row";

/// Where the next row starts inside the row `b[i..stop]`, when it lost its `]` and took the
/// rows after it in as cells: a comma and an element of its shape (else the array's first),
/// with the row still open at its own level and outside a string there.
fn runs_into(b: &[u8], (i, stop): (usize, usize), shape: &Option<Signature<'_>>) -> Option<usize> {
    [signature(b, i), shape.clone()]
        .into_iter()
        .flatten()
        .find_map(|sig| next_element(b, i + 1, stop, &sig))
        .filter(|&j| {
            let mut walk = Walker::default();
            walk.end(&b[i..j]).is_none() && walk.open() == (1, false)
        })
}

/// What became of an element read whole.
enum Got {
    /// Handed on: its records, or a reject.
    Done,
    /// A row that is not one (its cells do not fit the columns), not yet rejected: why.
    BadRow(String),
}

/// The first bytes of an element, as text for a reject's excerpt.
fn head(text: &[u8]) -> String {
    String::from_utf8_lossy(&text[..text.len().min(200)]).into_owned()
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
        // A stray quote's string, which runs into the next element, is passed as the elements
        // are read: not inside the strings after it (at the comma in `"z, w"`).
        assert_eq!(
            last_element_end(br#"{"a":"x, y"}", {"a":"z, w"}]}"#),
            Some((27, 3))
        );
    }

    /// A part ends at a `]` only when what follows it shows it is not a stray one: with
    /// nothing after it yet, at the comma before it, or nowhere.
    #[test]
    fn a_part_ends_before_a_bracket_nothing_follows_yet() {
        assert_eq!(last_element_end(b"{},{} ]\n"), Some((6, 2)));
        assert_eq!(part_end(b"{},{} ]\n"), Some((2, 1)));
        assert_eq!(part_end(b"{} ]"), None);
        assert_eq!(part_end(b"{},{} ] }"), Some((6, 2)));
        // A stray one, shown by the comma after it, is passed as in a block.
        assert_eq!(part_end(b"{},{} ], {}"), Some((7, 2)));
        // A top-level array that another document follows.
        assert_eq!(part_end_top(b"{},{}][{}"), Some((5, 2)));
        assert_eq!(part_end_top(b"{},{}]"), Some((2, 1)));
    }
}
