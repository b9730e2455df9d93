//! How one CSV row becomes a record ([`Row`]): its wanted columns, a log line's text or a cell
//! of JSON that holds the record, a row of the wrong width, and a header met again inside the
//! file (exports joined with `cat`), whose columns the rows after it are read by.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use csv::ByteRecord;

use super::super::{FileCtx, Sink};
use super::header::{header_fields, unmarked, wanted_columns};
use crate::normalize::{Context, Field, Raw, Reason, Val};
use crate::record::At;

/// How one row becomes a record.
#[derive(Clone, Copy)]
pub(super) struct Row<'w> {
    /// `,`, `;` or tab.
    pub(super) delim: u8,
    pub(super) width: usize,
    pub(super) wanted: &'w [(usize, Field)],
    /// The column of a log line's text ([`Names::message`]).
    pub(super) message: Option<usize>,
    /// The column of a record's `properties` ([`Names::properties`]).
    pub(super) properties: Option<usize>,
    /// The file header's names (byte-order mark dropped), sorted, when it names one known
    /// column only (a custom table's time beside a cell of JSON): a row of the same names in
    /// another order is a header too, as one naming two known columns is. Empty otherwise.
    pub(super) sorted: &'w [Vec<u8>],
    /// Whether the header named any known column: if not, no row is a record.
    pub(super) known: bool,
    /// Whether a column holds the code or the signature: then a row without one has no code,
    /// and its other cells are not looked into for a record kept as JSON.
    pub(super) code_column: bool,
    /// Set, when the file is read in parts, by a row [`split_row`] does not take or one that
    /// took in the next (see [`Parts`]).
    pub(super) spoiled: Option<&'w AtomicBool>,
    /// What a header in another column order does to the rows after it.
    pub(super) joined: Joined<'w>,
    /// Whether the header line ends with CRLF: then so does every row, and a line inside a
    /// quoted message that ends with LF alone is not a row that a quote left open took in
    /// (Excel and Python's csv end rows with CRLF and keep a message's own line breaks).
    pub(super) crlf: bool,
}

/// What a header in another column order inside a CSV file (exports joined with `cat`) does,
/// by how the file is being read.
#[derive(Clone, Copy)]
pub(super) enum Joined<'w> {
    /// Read in order: the rows after it are read by its columns ([`Columns`]).
    Follow,
    /// Read by ranges: the flag is set, and the reading dropped for one in order.
    Drop(&'w AtomicBool),
}

/// The columns of a header met inside a file read in order, which the rows after it are read
/// by.
#[derive(Clone, PartialEq)]
pub(super) struct Columns {
    width: usize,
    wanted: Vec<(usize, Field)>,
    message: Option<usize>,
    properties: Option<usize>,
}

/// What a row of names is to the rows read by a [`Row`] ([`Row::named`]).
pub(super) enum Named {
    /// Not a header.
    No,
    /// Their header again.
    Same,
    /// A header in another column order: its columns, and whether its time is a local one.
    Other(Columns, bool),
}

/// What [`Row::header_again`] made of a row.
enum Again {
    /// Not a header.
    No,
    /// A header, passed over or rejected.
    Taken,
    /// A header in another column order, in a file read in order.
    Columns(Columns),
}

impl<'w> Row<'w> {
    /// This row as the rows after a header inside the file are read, if one was met.
    pub(super) fn with<'a>(&'a self, columns: Option<&'a Columns>) -> Row<'a> {
        match columns {
            Some(c) => Row {
                width: c.width,
                wanted: &c.wanted,
                message: c.message,
                properties: c.properties,
                code_column: has_code_column(&c.wanted),
                ..*self
            },
            None => *self,
        }
    }

    /// One row of `n` fields, `field(i)` giving each: the columns the rows after it are read
    /// by, when it is a header in another column order in a file read in order.
    pub(super) fn handle<'r, S: Sink>(
        &self,
        line: u64,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        ctx: &mut FileCtx<'_, S>,
    ) -> Option<Columns> {
        let text = || (0..n).map(&field).collect::<Vec<_>>().join(",");
        if !self.known {
            if (0..n).any(|i| !field(i).as_bytes().trim_ascii().is_empty()) {
                let why = "not an export: its first line names no known column";
                ctx.reject(line, Reason::NotARecord, why.into(), text());
            }
            return None;
        }
        if n != self.width {
            return self.wrong_width(line, n, &field, ctx);
        }
        // A wholly blank row is not a record.
        if (0..n).all(|i| field(i).as_bytes().trim_ascii().is_empty()) {
            return None;
        }
        // Filled in place: a record returned by value was copied, 576 bytes a row.
        let mut raw = Raw::default();
        let mut more = self.fill(&mut raw, &field);
        // A row without a code may hold its record as JSON in a cell of its own.
        let unread = if !self.code_column && lacks_code(&raw) {
            self.json_cells(n, &field, &mut raw, &mut more)
        } else {
            None
        };
        // A rejected row is looked at: it may name columns (a header inside the file), or have
        // a time that the file's day/month order does not read.
        let mut switched = None;
        let other = |c: &mut FileCtx<'_, S>, reason: Reason| {
            match self.header_again(n, &field, c) {
                Again::No => {}
                Again::Taken => return true,
                Again::Columns(columns) => {
                    switched = Some(columns);
                    return true;
                }
            }
            // A date of the other day/month order than a guessed one is noted where it was
            // rejected: the reading in parts, once whole, is read again in that order unless a
            // date confirmed the guess (`read_apart`).
            // Its code may be in the JSON that did not parse: the reject says where.
            if let (Reason::NoCode, Some((col, why))) = (reason, &unread) {
                let why = format!("no ResultCode or ResultSignature; the JSON in column {col} was not read: {why}");
                c.reject(line, reason, why, text());
                return true;
            }
            false
        };
        ctx.emit_unless(&raw, || At::line(line), text, other);
        for r in &more {
            ctx.emit(r, || At::line(line), text);
        }
        switched
    }

    /// A row of `n` fields, not the width of the header it is read by: a header in another
    /// column order, or a reject.
    #[cold]
    fn wrong_width<'r, S: Sink>(
        &self,
        line: u64,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        ctx: &mut FileCtx<'_, S>,
    ) -> Option<Columns> {
        match self.header_again(n, &field, ctx) {
            Again::No => {}
            Again::Taken => return None,
            Again::Columns(c) => return Some(c),
        }
        // The excerpt keeps 120 characters: a row of millions of fields is not joined whole.
        let mut text = String::new();
        for i in 0..n {
            if text.len() >= 1024 {
                break;
            }
            if i > 0 {
                text.push(',');
            }
            text.push_str(&field(i));
        }
        let why = format!("{n} fields for {} columns", self.width);
        ctx.reject(line, Reason::FieldCount, why, text);
        None
    }

    /// Whether the row of `n` fields names columns, as a header does (exports joined with
    /// `cat`): the header the rows are read by, again, is passed over, once said. Another is
    /// said too, and the rows after it are read by its columns (read by ranges, the reading is
    /// dropped for one in order).
    #[cold]
    fn header_again<'r, S: Sink>(
        &self,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        ctx: &mut FileCtx<'_, S>,
    ) -> Again {
        // A header has a few dozen names (the file's own, however many, is compared below).
        if n > 4096 && n != self.width {
            return Again::No;
        }
        let mut names = ByteRecord::new();
        for i in 0..n {
            names.push_field(field(i).as_bytes());
        }
        let (columns, local) = match self.named(&names) {
            Named::No => return Again::No,
            Named::Same => {
                let w = format!("{}: its header is repeated inside it (exports joined?); each repeat is passed over", ctx.name);
                ctx.warn(w);
                return Again::Taken;
            }
            Named::Other(columns, local) => (columns, local),
        };
        match self.joined {
            Joined::Follow => {
                let w = format!("{}: a header in another column order inside it (exports joined?): the rows after it are read by its columns", ctx.name);
                ctx.warn(w);
                ctx.joined = true;
                if local {
                    ctx.local_times = true;
                    ctx.local_time_warning();
                }
                Again::Columns(columns)
            }
            Joined::Drop(flag) => {
                flag.store(true, Ordering::Relaxed);
                Again::Taken
            }
        }
    }

    /// What a row of `names` is to the rows read by this one: their header again, a header in
    /// another column order (its columns, and whether its time is a local one), or no header.
    pub(super) fn named(&self, names: &ByteRecord) -> Named {
        let n = names.len();
        if n > 4096 && n != self.width {
            return Named::No;
        }
        // A file joined after another starts with its own byte-order mark.
        let mut unmarked = ByteRecord::new();
        for f in names {
            unmarked.push_field(self::unmarked(f));
        }
        let names = header_fields(&unmarked);
        let wanted = wanted_columns(&names.fields);
        let (message, properties) = (names.message, names.properties);
        if wanted == self.wanted
            && message == self.message
            && properties == self.properties
            && n == self.width
        {
            return Named::Same;
        }
        if wanted.len() + usize::from(message.is_some()) < 2 && !self.same_names(&unmarked) {
            return Named::No;
        }
        let columns = Columns {
            width: n,
            wanted,
            message,
            properties,
        };
        Named::Other(columns, names.local)
    }

    /// Whether `names` are the file header's in another order ([`Row::sorted`]).
    fn same_names(&self, names: &ByteRecord) -> bool {
        if self.sorted.is_empty() || names.len() != self.sorted.len() {
            return false;
        }
        let mut sorted: Vec<&[u8]> = names.iter().collect();
        sorted.sort_unstable();
        sorted.into_iter().eq(self.sorted.iter().map(|n| &n[..]))
    }

    /// Names a header row needs that [`names_a_column`] tells, to be looked at as one: two, or
    /// one when the file header names one only ([`Row::sorted`]).
    pub(super) fn names_needed(&self) -> usize {
        if self.sorted.is_empty() {
            2
        } else {
            1
        }
    }

    /// Reads the cells of JSON of a row that has no code (a custom table's dynamic column in
    /// the portal's CSV: the whole event, or its `data` beside a `Type` column) into `raw`,
    /// when one holds a code: its fields first, the row's columns filling what it lacks (the
    /// event's own type and time before the table's); a cell of an array of records gives the
    /// records after the first in `more`. Only the cells that start with `{` or `[` are
    /// parsed. Returns the first column (1-based) whose JSON did not parse, and why.
    #[cold]
    fn json_cells<'r>(
        &self,
        n: usize,
        field: impl Fn(usize) -> Cow<'r, str>,
        raw: &mut Raw<'r>,
        more: &mut Vec<Raw<'static>>,
    ) -> Option<(usize, String)> {
        let mut unread = None;
        for i in 0..n {
            if !lacks_code(raw) {
                break;
            }
            if self.message == Some(i) || self.wanted.iter().any(|&(w, _)| w == i) {
                continue;
            }
            let cell = field(i);
            let t = cell.trim_start();
            if !t.starts_with('{') && !t.starts_with('[') {
                continue;
            }
            match super::super::json::records_in_cell(t) {
                Ok(records) if records.iter().any(|r| !lacks_code(r)) => {
                    let row = std::mem::take(raw);
                    let mut records = records.into_iter();
                    if let Some(first) = records.next() {
                        *raw = first;
                    }
                    for mut r in records {
                        r.fill_from(row.clone().into_owned());
                        more.push(r);
                    }
                    raw.fill_from(row);
                }
                Ok(_) => {}
                Err(why) => {
                    unread.get_or_insert((i + 1, why));
                }
            }
        }
        unread
    }

    /// The wanted fields of a row of the file's width, `field(i)` giving each.
    pub(super) fn raw<'r>(&self, field: impl Fn(usize) -> Cow<'r, str>) -> Raw<'r> {
        let mut raw = Raw::default();
        self.fill(&mut raw, field);
        raw
    }

    /// Fills `raw` with the row's wanted fields; returns the records after the first when its
    /// log line's text holds several (a webhook body's events).
    fn fill<'r>(
        &self,
        raw: &mut Raw<'r>,
        field: impl Fn(usize) -> Cow<'r, str>,
    ) -> Vec<Raw<'static>> {
        // Records forwarded in a log line's text are the row's, as in JSON.
        if let Some(m) = self.message {
            let mut inner = super::super::json::forwarded_in(&field(m)).into_iter();
            if let Some(first) = inner.next() {
                *raw = first;
                return inner.collect();
            }
        }
        for &(i, f) in self.wanted {
            raw.set(f, Val::Str(field(i)));
        }
        if let Some(p) = self.properties {
            properties_into(raw, &field(p));
        }
        Vec::new()
    }
}

/// Fills what a row's own columns lack from its `properties` cell, as the JSON reader reads a
/// record's `properties` (the common schema's `resultSubcode` is there, beside the row's
/// `ResultSignature`): an object, or JSON text encoded as a string again. Text that starts as
/// an object and does not parse (cut short, a Python repr) makes the row a `not json` reject,
/// as in JSON: its subcode had been lost without a word, the row read as its signature alone.
#[cold]
fn properties_into<'r>(raw: &mut Raw<'r>, cell: &str) {
    use serde::de::Visitor;
    let seed = super::super::record_seed::NestedSeed(Context::Record);
    if let Ok(Some(mut inner)) = seed.visit_str::<serde_json::Error>(cell) {
        inner.name_not_json("properties");
        raw.fill_from(inner);
    }
}

/// Whether the columns read include the code or the signature.
pub(super) fn has_code_column(wanted: &[(usize, Field)]) -> bool {
    (wanted.iter()).any(|&(_, f)| matches!(f, Field::ResultCode | Field::ResultSignature))
}

/// Whether a record has neither a code nor a signature.
fn lacks_code(raw: &Raw<'_>) -> bool {
    raw.get(Field::ResultCode).is_nullish() && raw.get(Field::ResultSignature).is_nullish()
}
