//! Reading JSON values of every shape with serde visitors that keep only the wanted fields,
//! borrowing text from the input where it has no escapes and skipping everything else unread.
//!
//! One top-level value can be:
//! - a resource-log record (common schema, service fields under `properties`), a flat
//!   PascalCase record, an az CLI row (every value a string), or a CloudEvents event (`data`,
//!   `data.resultInformation`): all read by `record_seed::RecordSeed`;
//! - a `{"records": [...]}` document (Event Hubs, old storage blobs);
//! - a query API response `{"tables": [{"columns": [...], "rows": [[...]]}]}`, or a batch of
//!   them (`$batch`: `{"responses": [{"id": ..., "status": ..., "body": {"tables": ...}}]}`);
//! - an array of any of the record kinds (az CLI output, callback batches).
//!
//! Arrays are visited element by element, so a document of any size streams.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::record_seed::{finish_record, record_entry, Key};
use super::structure::mending_str;
use crate::normalize::{Context, Raw};
// Named by its tests (`use super::*`), as before its file was split.
#[cfg(test)]
use crate::normalize::{Field, Val};

mod batch;
mod forwarded;
mod tables;

use batch::ResponsesSeed;
use forwarded::Forwarded;
pub(super) use forwarded::{forwarded_in, may_forward, records_in_cell};
pub(super) use tables::{column, columns, Column, RowSeed, EARLY_ROWS_LOST};
use tables::{split_columns, FrameData, Table, TablesSeed};

/// Cuts ` at line 1 column 7` off serde_json's message; the caller says where.
pub(super) fn short_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// What a JSON value yields, one element at a time.
// Moved once per record straight into the emitter: boxing would allocate per record.
#[allow(clippy::large_enum_variant)]
pub enum Element<'de> {
    /// A record's wanted fields, with its 1-based index in the enclosing array (0 outside one).
    Record(Raw<'de>, u64),
    /// An array element or row that is not a record, with its index and why.
    NotRecord(u64, String),
    /// The document says its result is incomplete: a query API response with an `error`
    /// beside its `tables` (a partial result, e.g. over the row limit).
    Incomplete(String),
    /// The input ends inside a table's rows that came before its columns (see
    /// [`Table::early_rows`]): none of them was read. The EOF error that follows says where.
    RowsCut,
}

impl Element<'_> {
    /// The same element owning its text.
    pub fn into_owned(self) -> Element<'static> {
        match self {
            Element::Record(raw, i) => Element::Record(raw.into_owned(), i),
            Element::NotRecord(i, why) => Element::NotRecord(i, why),
            Element::Incomplete(why) => Element::Incomplete(why),
            Element::RowsCut => Element::RowsCut,
        }
    }
}

/// What the query API's `error` object says: its code and message, and those of its details
/// (`PartialError: ... (EngineError: Query result set has exceeded the internal record count
/// limit)`).
fn api_error(e: &serde_json::Value) -> String {
    let text = |v: &serde_json::Value| {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("");
        match (s("code"), s("message")) {
            ("", "") => crate::record::excerpt(&v.to_string(), 200),
            ("", m) | (m, "") => m.to_string(),
            (c, m) => format!("{c}: {m}"),
        }
    };
    let details: Vec<String> = e
        .get("details")
        .and_then(|d| d.as_array())
        .map(|d| d.iter().map(text).collect())
        .unwrap_or_default();
    let mut out = text(e);
    if !details.is_empty() {
        out += &format!(" ({})", details.join("; "));
    }
    crate::record::excerpt(&out, 400)
}

/// A top-level JSON value of any shape; hands every element it finds to `emit`.
pub struct TopSeed<'e, 'de> {
    pub emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut raw = Raw::default();
        let mut nested = Vec::new();
        let (mut container, mut batch) = (false, false);
        let mut error = None;
        // A frame of an Azure Data Explorer v2 response (its first key `FrameType`): a table,
        // or the response's head or end, and never a record.
        let mut frame: Option<Table> = None;
        // pandas' `to_json(orient='split')`: the names of the cells of its `data` rows; and
        // `orient='table'`, whose `schema` describes its `data` records and is none itself.
        let mut split: Option<Vec<Column>> = None;
        let mut schema = false;
        // Records forwarded in a log line's text (see [`Forwarded`]).
        let mut inner: Vec<Raw<'static>> = Vec::new();
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            if let Some(table) = frame.as_mut() {
                table.entry(&k, &mut m, &mut *self.emit)?;
            } else if k.eq_ignore_ascii_case("frametype") && raw.is_empty() && !container {
                m.next_value::<IgnoredAny>()?;
                frame = Some(Table {
                    frame: true,
                    ..Table::default()
                });
            } else if k.eq_ignore_ascii_case("error") || k.eq_ignore_ascii_case("partialerror") {
                // `partialError`: a JavaScript SDK's partial result saved with `JSON.stringify`.
                error = Some(m.next_value::<serde_json::Value>()?);
            } else if k.eq_ignore_ascii_case("records") || k.eq_ignore_ascii_case("value") {
                // `value`: the rows of a Logic Apps query action's body, saved as a blob.
                container = true;
                m.next_value_seed(ArraySeed {
                    emit: &mut *self.emit,
                })?;
            } else if k.eq_ignore_ascii_case("body") && raw.is_empty() {
                // An Event Hubs message saved with its envelope: its body is the message (a
                // JavaScript consumer's `JSON.stringify`), or holds it as text (Avro Tools'
                // `tojson` of a Capture blob: `{"bytes": "{\"records\": ...}"}`).
                container = true;
                m.next_value_seed(EnvelopeBody {
                    emit: &mut *self.emit,
                })?;
            } else if k.eq_ignore_ascii_case("tables") || k.eq_ignore_ascii_case("partialtables") {
                // `partialTables`: the tables of the JavaScript SDK's partial result.
                container = true;
                m.next_value_seed(TablesSeed {
                    emit: &mut *self.emit,
                })?;
            } else if k.eq_ignore_ascii_case("columns") && raw.is_empty() && !container {
                split = split_columns(&m.next_value::<serde_json::Value>()?);
            } else if k.eq_ignore_ascii_case("schema") && raw.is_empty() && !container {
                let v = m.next_value::<serde_json::Value>()?;
                schema = v.get("fields").is_some_and(|f| f.is_array());
            } else if k.eq_ignore_ascii_case("data") && (split.is_some() || schema) {
                let seed = FrameData {
                    cols: split.as_deref(),
                    emit: &mut *self.emit,
                    nested: &mut nested,
                };
                container |= m.next_value_seed(seed)?;
            } else if k.eq_ignore_ascii_case("message") {
                let r = m.next_value_seed(Forwarded)?;
                if inner.is_empty() {
                    inner = r;
                }
            } else if k.eq_ignore_ascii_case("responses") {
                batch = true;
                m.next_value_seed(ResponsesSeed {
                    emit: &mut *self.emit,
                })?;
            } else {
                record_entry(&mut m, Context::Record, &k, &mut raw, &mut nested)?;
            }
        }
        if let Some(table) = frame {
            table.end(&mut *self.emit);
            return Ok(());
        }
        match error {
            Some(e) if (container || batch) && !e.is_null() => {
                (self.emit)(Element::Incomplete(api_error(&e)))
            }
            _ => {}
        }
        if !container && inner.is_empty() {
            // A batch holds nothing else; a record that has a `responses` field is still one.
            let record = finish_record(raw, nested);
            if !batch || !record.is_empty() {
                (self.emit)(Element::Record(record, 0));
            }
        } else if !container {
            for record in inner {
                (self.emit)(Element::Record(record, 0));
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> Result<(), A::Error> {
        ArraySeed { emit: self.emit }.visit_seq(s)
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        (self.emit)(Element::NotRecord(
            0,
            format!("a string {:?}", crate::record::excerpt(v, 30)),
        ));
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        (self.emit)(Element::NotRecord(0, "a number".into()));
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        (self.emit)(Element::NotRecord(0, "a number".into()));
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        (self.emit)(Element::NotRecord(0, "a number".into()));
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        (self.emit)(Element::NotRecord(0, "a boolean".into()));
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        (self.emit)(Element::NotRecord(0, "null".into()));
        Ok(())
    }
}

/// The `body` of an Event Hubs message saved with its envelope: a document, a string of one,
/// or Avro's `{"bytes": ...}` around that string.
struct EnvelopeBody<'e, 'de> {
    emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for EnvelopeBody<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> EnvelopeBody<'_, 'de> {
    /// A document given as text: read, its elements owning their text.
    /// A lone surrogate's escape in it is read as U+FFFD ([`mending_str`]): what it holds is
    /// handed on once it is read, the copy's when the text had one.
    fn text<E: de::Error>(self, text: &str) -> Result<(), E> {
        let mut found = Vec::new();
        let read = mending_str(text, |text| {
            found.clear();
            let mut own = |e: Element<'_>| found.push(e.into_owned());
            let mut de = serde_json::Deserializer::from_str(text);
            (TopSeed { emit: &mut own })
                .deserialize(&mut de)
                .and_then(|()| de.end())
        });
        found.into_iter().for_each(|e| (self.emit)(e));
        read.map_err(|e| E::custom(format!("an Event Hubs message body: {}", short_message(&e))))
    }
}

impl<'de> Visitor<'de> for EnvelopeBody<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Event Hubs message body")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let Some(Key(k)) = m.next_key::<Key<'de>>()? else {
            return Ok(());
        };
        if k.eq_ignore_ascii_case("bytes") {
            let Key(text) = m.next_value::<Key<'de>>()?;
            while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return self.text(&text);
        }
        // The message itself: its first key is already read.
        TopSeed { emit: self.emit }.visit_map(Prepended {
            first: Some(k),
            rest: m,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> Result<(), A::Error> {
        ArraySeed { emit: self.emit }.visit_seq(s)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.text(v)
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A map whose first key was already taken: it is given back first.
struct Prepended<'de, A> {
    first: Option<std::borrow::Cow<'de, str>>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prepended<'de, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(k) => seed
                .deserialize(de::value::CowStrDeserializer::<A::Error>::new(k))
                .map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}

/// An array of records, streamed.
struct ArraySeed<'e, 'de> {
    emit: &'e mut dyn FnMut(Element<'de>),
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        loop {
            let item = ItemSeed {
                emit: &mut *self.emit,
                index: i + 1,
                depth: 0,
            };
            if s.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
}

/// Arrays nested in an array of records, at most: a list of webhook batches is two deep.
const MAX_BATCH_DEPTH: usize = 8;

/// One element of an array of records, the `index`-th: a record, or an array of them (an app
/// that keeps every webhook body writes a list of batches), emitted with the index of the
/// element they are in. Anything else is not a record.
pub struct ItemSeed<'e, 'de> {
    pub emit: &'e mut dyn FnMut(Element<'de>),
    pub index: u64,
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for ItemSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> ItemSeed<'_, 'de> {
    fn not_record<E>(self, what: String) -> Result<(), E> {
        (self.emit)(Element::NotRecord(self.index, what));
        Ok(())
    }

    /// An element given as JSON text (a queue's or a Function's exporter writes each webhook
    /// body or log record it passes on as a string): read as the element it holds, its
    /// records handed on once the whole text parsed, else one reject for the element. A lone
    /// surrogate's escape in it is read as U+FFFD ([`mending_str`]).
    fn text<E>(self, text: &str) -> Result<(), E> {
        let (index, depth) = (self.index, self.depth + 1);
        let mut found = Vec::new();
        let read = mending_str(text, |text| {
            found.clear();
            let mut de = serde_json::Deserializer::from_str(text);
            let mut keep = |e: Element<'_>| found.push(e.into_owned());
            (ItemSeed {
                emit: &mut keep,
                index,
                depth,
            })
            .deserialize(&mut de)
            .and_then(|()| de.end())
        });
        match read {
            Ok(()) => found.into_iter().for_each(|e| (self.emit)(e)),
            Err(e) => (self.emit)(Element::NotRecord(
                index,
                format!(
                    "a string whose JSON text does not parse ({} at column {})",
                    short_message(&e),
                    e.column()
                ),
            )),
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record or an array of records")
    }
    /// A record, or a document of its own (an array of Event Hubs message bodies, of query
    /// API responses), whose records are read with their index in it.
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<(), A::Error> {
        let index = self.index;
        let emit = self.emit;
        let mut tagged = |e: Element<'de>| match e {
            Element::Record(raw, 0) => emit(Element::Record(raw, index)),
            other => emit(other),
        };
        TopSeed { emit: &mut tagged }.visit_map(m)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        if self.depth >= MAX_BATCH_DEPTH {
            while s.next_element::<IgnoredAny>()?.is_some() {}
            return self.not_record("arrays nested too deep".into());
        }
        // Scalars are held until an object or array among them shows the array is a batch
        // (then each is a reject of its own, as before); an array of scalars only is a row
        // of values without their columns' names: one reject for it, not one for each value.
        let (mut cells, mut batch) = (Vec::new(), false);
        loop {
            let item = ItemSeed {
                emit: &mut *self.emit,
                index: self.index,
                depth: self.depth + 1,
            };
            match s.next_element_seed(Cell { item })? {
                None => break,
                Some(Some(why)) if batch => (self.emit)(Element::NotRecord(self.index, why)),
                Some(Some(why)) => cells.push(why),
                Some(None) if !batch => {
                    batch = true;
                    for why in cells.drain(..) {
                        (self.emit)(Element::NotRecord(self.index, why));
                    }
                }
                Some(None) => {}
            }
        }
        if cells.is_empty() {
            return Ok(());
        }
        let n = cells.len();
        self.not_record(format!(
            "a row of {n} value{} without column names (az's `--query \"tables[0].rows\"`, pandas' orient='values'): export the rows with their columns (drop the --query, or write orient='records')",
            if n == 1 { "" } else { "s" }
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let t = v.trim();
        if self.depth < MAX_BATCH_DEPTH && (t.starts_with('{') || t.starts_with('[')) {
            return self.text(t);
        }
        self.not_record(format!(
            "not an object: a string {:?}",
            crate::record::excerpt(v, 30)
        ))
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.not_record("not an object: a number".into())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.not_record("not an object: a number".into())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.not_record("not an object: a number".into())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.not_record("not an object: a boolean".into())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.not_record("not an object: null".into())
    }
}

/// An element of an array inside an array of records: an object or an array, read as the
/// array's items (`None`), or a scalar, not read, and why it is not a record.
struct Cell<'e, 'de> {
    item: ItemSeed<'e, 'de>,
}

impl<'de> DeserializeSeed<'de> for Cell<'_, 'de> {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Cell<'_, 'de> {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record, an array of records or a value")
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
        self.item.visit_map(m).map(|()| None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, s: A) -> Result<Self::Value, A::Error> {
        self.item.visit_seq(s).map(|()| None)
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        let v = crate::record::excerpt(v, 30);
        Ok(Some(format!("not an object: a string {v:?}")))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some("not an object: a number".into()))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some("not an object: a number".into()))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some("not an object: a number".into()))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some("not an object: a boolean".into()))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some("not an object: null".into()))
    }
}

#[cfg(test)]
mod tests;
