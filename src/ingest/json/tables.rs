//! Tables read by their columns: a query API response's `tables` (its rows positional, read
//! by its `columns`, also when they come first), and pandas' `orient='split'` frames.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::super::record_seed::{passes_scalars, Key, NestedSeed};
use super::forwarded::Forwarded;
use super::{api_error, ArraySeed, Element};
use crate::normalize::{key_role, Context, Field, KeyRole, Raw, Val};

/// The names of a pandas frame's columns, as `to_json(orient='split')` writes them: an array
/// of strings, each the field it fills; `None` for anything else.
pub(super) fn split_columns(v: &serde_json::Value) -> Option<Vec<Column>> {
    v.as_array()?
        .iter()
        .map(|c| c.as_str().map(column))
        .collect()
}

/// The `data` of an object that has pandas' `columns` (`orient='split'`: positional rows read
/// by them, as a query API table's) or `schema` (`orient='table'`: records) before it: true
/// once they are handed on. Any other value is what `data` is in a record, its fields kept in
/// `nested`.
pub(super) struct FrameData<'c, 'e, 'n, 'de> {
    pub(super) cols: Option<&'c [Column]>,
    pub(super) emit: &'e mut dyn FnMut(Element<'de>),
    pub(super) nested: &'n mut Vec<Raw<'de>>,
}

impl<'de> FrameData<'_, '_, '_, 'de> {
    fn nested(self, r: Option<Raw<'de>>) -> bool {
        self.nested.extend(r);
        false
    }
}

impl<'de> DeserializeSeed<'de> for FrameData<'_, '_, '_, 'de> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FrameData<'_, '_, '_, 'de> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a frame's data")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> Result<Self::Value, A::Error> {
        match self.cols {
            Some(cols) => RowsSeed {
                cols,
                emit: self.emit,
            }
            .visit_seq(s)?,
            None => ArraySeed { emit: self.emit }.visit_seq(s)?,
        }
        Ok(true)
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
        let r = NestedSeed(Context::Record).visit_map(m)?;
        Ok(self.nested(r))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let r = NestedSeed(Context::Record).visit_str(v)?;
        Ok(self.nested(r))
    }
    passes_scalars!(false);
}

/// What a syntax error in a table's rows that come before its columns ([`Table::early_rows`])
/// adds to its message: those rows wait for the columns, so none of them was read.
pub(crate) const EARLY_ROWS_LOST: &str =
    "in rows that come before their table's columns (none of that table's rows was read)";

/// A syntax error in a table's rows that come before its columns, said so. An error with no
/// place in the input (a read's, a record too large) and the input's end (a document cut off,
/// which is read as such) are left as they were.
fn early_rows_lost<E: de::Error>(e: E) -> E {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if !text.starts_with("EOF while parsing") => {
            E::custom(format!("{}, {EARLY_ROWS_LOST}", &text[..i]))
        }
        _ => e,
    }
}

/// `tables` of a query API response.
pub(super) struct TablesSeed<'e, 'de> {
    pub(super) emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for TablesSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TablesSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of tables")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        while s
            .next_element_seed(TableSeed {
                emit: &mut *self.emit,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// A column of a table: `name` in Log Analytics' query API, `ColumnName` in Azure Data
/// Explorer's v1 responses.
#[derive(Deserialize)]
struct ColumnSpec {
    #[serde(alias = "ColumnName")]
    name: String,
}

/// What a table's column holds for a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Column {
    /// A field of it.
    Field(Field),
    /// A log line's text (`message` of an Application Insights trace, `Message` of AppTraces),
    /// which may be a diagnostic record forwarded as JSON.
    Message,
    /// A record's `properties` (the common schema's service fields; a `dynamic` column, which
    /// the query API writes as JSON text), read as a JSON record's are: its fields fill what
    /// the row's own columns lack.
    Properties,
    /// Nothing wanted.
    Other,
}

/// The column a name is.
pub(crate) fn column(name: &str) -> Column {
    match key_role(Context::Record, name) {
        KeyRole::Field(f) => Column::Field(f),
        _ if name.eq_ignore_ascii_case("message") => Column::Message,
        _ if name.eq_ignore_ascii_case("properties") => Column::Properties,
        _ => Column::Other,
    }
}

/// The column of each of a table's column specs, in row order.
fn column_fields(specs: &[ColumnSpec]) -> Vec<Column> {
    specs.iter().map(|c| column(&c.name)).collect()
}

/// The fields of a table's `columns` array, given as JSON text.
pub(crate) fn columns(text: &[u8]) -> Option<Vec<Column>> {
    let specs: Vec<ColumnSpec> = serde_json::from_slice(text).ok()?;
    Some(column_fields(&specs))
}

/// One table: `columns` (names, in row order) then `rows` (positional arrays).
struct TableSeed<'e, 'de> {
    emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for TableSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TableSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table with columns and rows")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut table = Table::default();
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            table.entry(&k, &mut m, &mut *self.emit)?;
        }
        if table.early_rows.is_some() {
            return Err(de::Error::custom("table rows without its columns"));
        }
        // A table without its rows (an empty result has `"rows": []`) lost them to damage.
        if !table.rows {
            (self.emit)(Element::NotRecord(0, "a table without `rows`".into()));
        }
        Ok(())
    }
}

/// What a table (of a query API response, or a frame of a v2 response) has said so far.
#[derive(Default)]
pub(super) struct Table {
    /// The field of each column, once its `columns` are read.
    pub(super) columns: Option<Vec<Column>>,
    /// Its `TableKind` says it is not the query's result (v2's properties and completion
    /// information, a v1 response's status): its rows are not records.
    pub(super) not_result: bool,
    /// Its `rows` were read.
    pub(super) rows: bool,
    /// Its `rows` when they came before its `columns` (key order is not meaningful: PostgreSQL's
    /// `jsonb` writes `name`, `rows`, `columns`), read once the columns come. No more than the
    /// document read whole (at most a record's size), or, streamed, than its budget between
    /// two elements. (A response's tables have their rows read where they are when their
    /// columns come in that budget, `elements::columns_first`, as any table's: a damaged row,
    /// which fails this one value whole, then costs that row. Here are those whose columns
    /// never come, or come too far, or in another layout, `$batch`'s.)
    pub(super) early_rows: Option<Box<serde_json::value::RawValue>>,
    /// It is a frame of a v2 response.
    pub(super) frame: bool,
    /// Why its result is incomplete: a v2 response's `OneApiErrors`, or `Cancelled`.
    pub(super) incomplete: Option<String>,
}

impl Table {
    /// One entry of the table's object.
    pub(super) fn entry<'de, A: MapAccess<'de>>(
        &mut self,
        k: &str,
        m: &mut A,
        emit: &mut dyn FnMut(Element<'de>),
    ) -> Result<(), A::Error> {
        // `columnDescriptors` in a JavaScript SDK's result saved with `JSON.stringify`.
        if k.eq_ignore_ascii_case("columns") || k.eq_ignore_ascii_case("columndescriptors") {
            let specs: Vec<ColumnSpec> = m.next_value()?;
            let cols = column_fields(&specs);
            if let Some(rows) = self.early_rows.take() {
                let mut found = Vec::new();
                let mut keep = |e: Element<'_>| found.push(e.into_owned());
                let seed = RowsSeed {
                    cols: &cols,
                    emit: &mut keep,
                };
                let mut de = serde_json::Deserializer::from_str(rows.get());
                seed.deserialize(&mut de).map_err(de::Error::custom)?;
                found.into_iter().for_each(&mut *emit);
            }
            self.columns = Some(cols);
        } else if k.eq_ignore_ascii_case("tablekind") {
            let kind: Option<String> = m.next_value()?;
            self.not_result = kind.is_some_and(|k| !k.eq_ignore_ascii_case("PrimaryResult"));
        } else if k.eq_ignore_ascii_case("rows") {
            self.rows = true;
            match self.columns.as_deref() {
                _ if self.not_result => {
                    m.next_value::<IgnoredAny>()?;
                }
                Some(cols) => m.next_value_seed(RowsSeed { cols, emit })?,
                // A progressive v2 response sends its columns in a frame of their own: each
                // of its rows a reject, not a damaged document.
                None if self.frame => m.next_value_seed(LostRowsSeed { emit })?,
                None => match m.next_value() {
                    Ok(rows) => self.early_rows = Some(rows),
                    Err(e) => {
                        if e.to_string().starts_with("EOF while parsing") {
                            emit(Element::RowsCut);
                        }
                        return Err(early_rows_lost(e));
                    }
                },
            }
        } else if k.eq_ignore_ascii_case("oneapierrors") {
            let errors: serde_json::Value = m.next_value()?;
            if let Some(e) = errors.as_array().and_then(|a| a.first()) {
                let e = e.get("error").unwrap_or(e);
                // Its `message` is generic ("Request is invalid..."), its `@message` says why.
                self.incomplete = Some(match e.get("@message").and_then(|m| m.as_str()) {
                    Some(m) => api_error(&serde_json::json!({"code": e.get("code"), "message": m})),
                    None => api_error(e),
                });
            }
        } else if k.eq_ignore_ascii_case("cancelled") {
            if m.next_value::<Option<bool>>()? == Some(true) {
                self.incomplete
                    .get_or_insert_with(|| "the query was cancelled".into());
            }
        } else {
            m.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    /// A frame's end: what made its response incomplete.
    pub(super) fn end<'de>(self, emit: &mut dyn FnMut(Element<'de>)) {
        if let Some(why) = self.incomplete {
            emit(Element::Incomplete(why));
        }
    }
}

/// The rows of a progressive v2 response's `TableFragment`, whose columns came in an earlier
/// frame: each one not read.
struct LostRowsSeed<'e, 'de> {
    emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for LostRowsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for LostRowsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while s.next_element::<IgnoredAny>()?.is_some() {
            i += 1;
            let why = "a row of a progressive response's table fragment, whose columns are in another frame: not read";
            (self.emit)(Element::NotRecord(i, why.into()));
        }
        Ok(())
    }
}

struct RowsSeed<'c, 'e, 'de> {
    cols: &'c [Column],
    emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        loop {
            let mut raw = Raw::default();
            let seed = RowSeed {
                cols: self.cols,
                raw: &mut raw,
            };
            let Some(row) = s.next_element_seed(seed)? else {
                return Ok(());
            };
            i += 1;
            match row {
                Ok(more) => {
                    (self.emit)(Element::Record(raw, i));
                    more.into_iter()
                        .for_each(|r| (self.emit)(Element::Record(r, i)));
                }
                Err(why) => (self.emit)(Element::NotRecord(i, why)),
            }
        }
    }
}

/// One positional row of a table, read into `raw` (a fresh one, filled in place: a record is
/// too large to pass back by value through serde's calls), with the records after the first
/// when its log line's text holds several (see [`Forwarded`]); or why it is not a record.
pub(crate) struct RowSeed<'c, 'r, 'de> {
    pub(crate) cols: &'c [Column],
    pub(crate) raw: &'r mut Raw<'de>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_, '_, 'de> {
    type Value = Result<Vec<Raw<'static>>, String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, '_, 'de> {
    type Value = Result<Vec<Raw<'static>>, String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        let mut n = 0;
        let mut inner = Vec::new();
        let mut properties = None;
        loop {
            let more = match self.cols.get(n).copied().unwrap_or(Column::Other) {
                Column::Field(f) => match s.next_element::<Val<'de>>()? {
                    Some(v) => {
                        self.raw.set(f, v);
                        true
                    }
                    None => false,
                },
                Column::Message => match s.next_element_seed(Forwarded)? {
                    Some(r) => {
                        if inner.is_empty() {
                            inner = r;
                        }
                        true
                    }
                    None => false,
                },
                Column::Properties => match s.next_element_seed(NestedSeed(Context::Record))? {
                    Some(p) => {
                        properties = properties.or(p);
                        true
                    }
                    None => false,
                },
                Column::Other => s.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                break;
            }
            n += 1;
        }
        if n != self.cols.len() {
            return Ok(Err(format!(
                "row has {n} cells for {} columns",
                self.cols.len()
            )));
        }
        // After the row's own columns, as a JSON record's `properties` after its own fields.
        if let Some(mut p) = properties {
            p.name_not_json("properties");
            self.raw.fill_from(p);
        }
        // Records forwarded in a log line's text are the row's (see [`Forwarded`]).
        let mut inner = inner.into_iter();
        if let Some(first) = inner.next() {
            *self.raw = first;
        }
        Ok(Ok(inner.collect()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Err("a row is not an array".into()))
    }
}
