//! Exports joined with `cat`, read in one pass: the columns each block's rows are read by
//! after a header in another column order inside the file, found as the blocks are cut,
//! without reading their rows ([`Watched`]).

use csv::ByteRecord;

use super::super::blocks::{self, Piece};
use super::super::json::Column;
use super::fields::reader;
use super::long;
use super::row::{Columns, Named, Row};
use crate::normalize::strip_header_suffix;

/// The blocks of a CSV file read in one pass, each with the columns its rows are read by from
/// its start (`None`: the file's header's), and those after it: a header in another column
/// order inside the file (exports joined with `cat`) has the rows after it read by its columns
/// on whichever worker reads them, as in a file read in order.
pub(super) struct Watched<'r> {
    pub(super) blocks: long::CsvBlocks<'r>,
    pub(super) row: Row<'r>,
    /// The columns after the blocks handed on so far.
    pub(super) columns: Option<Columns>,
}

impl blocks::Ordered for Watched<'_> {
    fn finished(&self) -> bool {
        self.blocks.finished()
    }
}

impl Iterator for Watched<'_> {
    type Item = (long::Item, Option<Columns>, Option<Columns>);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.blocks.next()?;
        let start = self.columns.clone();
        if let long::Item::Piece(Piece::Block {
            data,
            start: s,
            len,
            ..
        }) = &item
        {
            self.columns = columns_after(&data[*s..*len], &self.row, start.clone());
        }
        Some((item, start, self.columns.clone()))
    }
}

/// The columns the rows after the rows of `b` are read by, read in order from `columns` (those
/// at its start; `None`, the file's header's): those of the last header in another column order
/// that starts a row in it, as [`Row::header_again`] finds it, looked for without reading the
/// rows. A line is read as a header only when two of its cells (split at every delimiter, quotes
/// or not) name known columns, as a header's do (one, when the file's header names one only:
/// [`Row::names_needed`]), and the quotes before it in `b` pair up (it
/// starts a row; a block starts a row). A header is never a record, so the rows read take it
/// for one whatever the columns they are read by.
fn columns_after(b: &[u8], row: &Row<'_>, mut columns: Option<Columns>) -> Option<Columns> {
    if !row.known {
        return columns;
    }
    let (mut quotes, mut line, mut cell, mut named) = (0usize, 0, 0, 0);
    let mut at_row = true;
    let needed = row.names_needed();
    let look = |line: &[u8], named: usize, columns: &mut Option<Columns>| {
        if named >= needed {
            if let Some(c) = header_in(line, &row.with(columns.as_ref())) {
                *columns = Some(c);
            }
        }
    };
    for i in memchr::memchr3_iter(row.delim, b'\n', b'"', b) {
        if b[i] == b'"' {
            quotes += 1;
            continue;
        }
        if at_row && named < 2 && names_a_column(&b[cell..i]) {
            named += 1;
        }
        cell = i + 1;
        if b[i] == b'\n' {
            if at_row {
                look(&b[line..i], named, &mut columns);
            }
            at_row = quotes % 2 == 0;
            (line, named) = (i + 1, 0);
        }
    }
    if at_row && line < b.len() {
        named += usize::from(named < 2 && names_a_column(&b[cell..]));
        look(&b[line..], named, &mut columns);
    }
    columns
}

/// Whether a cell of a line, split at every delimiter, may be a header's name of a known column
/// (the test of [`columns_after`]): its quotes, a byte-order mark and a CR around it dropped.
fn names_a_column(cell: &[u8]) -> bool {
    let c = cell.strip_suffix(b"\r").unwrap_or(cell);
    let c = c
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(c)
        .trim_ascii();
    let c = (c.strip_prefix(b"\"").and_then(|c| c.strip_suffix(b"\""))).unwrap_or(c);
    // Every name starts with a letter or `_` (a time or a number with a digit), and the
    // longest, with its ` [Local Time]`, is under 64 bytes.
    if !(4..=64).contains(&c.len()) || !(c[0].is_ascii_alphabetic() || c[0] == b'_') {
        return false;
    }
    let Ok(name) = std::str::from_utf8(c) else {
        return false;
    };
    let (name, _) = strip_header_suffix(name);
    !matches!(
        super::super::json::column(name),
        Column::Other | Column::Properties
    )
}

/// The columns of `line`, when it is a header in another column order than `row`'s.
fn header_in(line: &[u8], row: &Row<'_>) -> Option<Columns> {
    let mut fields = ByteRecord::new();
    reader(line, row.delim).read_byte_record(&mut fields).ok()?;
    match row.named(&fields) {
        Named::Other(columns, _) => Some(columns),
        Named::Same | Named::No => None,
    }
}
