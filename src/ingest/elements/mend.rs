//! The column definitions of a query API table that damage left unreadable as JSON, read as
//! far as their names are ([`mended_columns`], [`Mended`]).

use super::tokens::{expect, key};

/// Column definitions that damage left unreadable as JSON, read as far as their names are
/// ([`mended_columns`]): where they start in the bytes the table's head was found in, and how
/// many names of how many columns were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::ingest) struct Mended {
    pub(super) at: usize,
    pub(super) names: usize,
    pub(super) columns: usize,
}

/// The `"rows":` keys (any case) in `b` from `at`: where each key's quote is, and the first
/// byte past its `:`.
pub(super) fn rows_keys(b: &[u8], at: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    memchr::memchr_iter(b'"', &b[at..]).filter_map(move |q| {
        let mut i = at + q;
        (key(b, &mut i).is_some_and(|k| k.eq_ignore_ascii_case(b"rows"))
            && expect(b, &mut i, b':').is_some())
        .then_some((at + q, i))
    })
}

/// The columns of a table whose definitions, from `b[at]` (their `[`), damage left unreadable
/// as JSON (a quote or a bracket lost, a line lost or garbled), up to its `"rows": [` key
/// (returned too, with how they were mended): one for each definition, the text between two
/// braces that holds its `name` (or `ColumnName`) or `type` (`DataType`, `ColumnType`) key (a
/// lost brace leaves two as one, a lost line of one leaves the other key, a brace that damage
/// put in leaves no key on one side), named by its `name` key's value, read however the quotes
/// around them were lost (`"name: "ResultMessage"`); a definition whose name is lost is a
/// column of nothing wanted. Column names hold no braces, quotes, commas or line breaks.
pub(super) fn mended_columns(
    b: &[u8],
    at: usize,
) -> Option<(Vec<super::super::json::Column>, Mended, usize)> {
    let (rows, _) = rows_keys(b, at).find(|&(_, mut i)| expect(b, &mut i, b'[').is_some())?;
    let (cols, m) = mend(b, at, rows);
    Some((cols, m, rows))
}

/// The columns of definitions `b[at..end]` that damage left unreadable as JSON (see
/// [`mended_columns`]), and how they were mended.
pub(super) fn mend(b: &[u8], at: usize, end: usize) -> (Vec<super::super::json::Column>, Mended) {
    let region = &b[at..end];
    let mut names = 0;
    let mut cols: Vec<_> = region
        .split(|&c| matches!(c, b'{' | b'}'))
        .filter_map(column_name)
        .map(|name| match name {
            Some(name) => {
                names += 1;
                super::super::json::column(&String::from_utf8_lossy(name))
            }
            None => super::super::json::Column::Other,
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
