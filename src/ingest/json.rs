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
use serde::Deserialize;

use super::record_seed::{
    finish_record, passes_scalars, record_entry, Key, NestedSeed, RecordSeed,
};
use super::structure::mending_str;
use crate::normalize::{key_role, Context, Field, KeyRole, Raw, Val};

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

/// The names of a pandas frame's columns, as `to_json(orient='split')` writes them: an array
/// of strings, each the field it fills; `None` for anything else.
fn split_columns(v: &serde_json::Value) -> Option<Vec<Column>> {
    v.as_array()?
        .iter()
        .map(|c| c.as_str().map(column))
        .collect()
}

/// The `data` of an object that has pandas' `columns` (`orient='split'`: positional rows read
/// by them, as a query API table's) or `schema` (`orient='table'`: records) before it: true
/// once they are handed on. Any other value is what `data` is in a record, its fields kept in
/// `nested`.
struct FrameData<'c, 'e, 'n, 'de> {
    cols: Option<&'c [Column]>,
    emit: &'e mut dyn FnMut(Element<'de>),
    nested: &'n mut Vec<Raw<'de>>,
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

/// `responses` of a query API batch (`$batch`): each one's `body` is a response of its own,
/// its `tables`, or an `error` (a query that failed: its records are missing). What went wrong
/// is said once for the batch: how many responses, and the first few.
struct ResponsesSeed<'e, 'de> {
    emit: &'e mut dyn FnMut(Element<'de>),
}

/// Failed responses a batch's warning names; the rest it counts.
const NAMED_FAILURES: usize = 3;

impl<'de> DeserializeSeed<'de> for ResponsesSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResponsesSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of responses")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let (mut named, mut failed) = (Vec::new(), 0u64);
        loop {
            let (mut problem, mut other) = (None, false);
            let seed = ObjectOr {
                visitor: ResponseSeed {
                    emit: &mut *self.emit,
                    problem: &mut problem,
                },
                other: &mut other,
            };
            if s.next_element_seed(seed)?.is_none() {
                break;
            }
            if other {
                problem = Some("a response that is not an object".into());
            }
            if let Some(p) = problem {
                failed += 1;
                if named.len() < NAMED_FAILURES {
                    named.push(p);
                }
            }
        }
        let why = match failed {
            0 => return Ok(()),
            1 => named.concat(),
            n => {
                let more = n - named.len() as u64;
                let more = if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                };
                format!("{n} responses failed: {}{more}", named.join("; "))
            }
        };
        (self.emit)(Element::Incomplete(why));
        Ok(())
    }
}

/// An object, read by `visitor`; any other value is passed over and `other` set.
struct ObjectOr<'o, V> {
    visitor: V,
    other: &'o mut bool,
}

impl<'de, V: Visitor<'de, Value = ()>> DeserializeSeed<'de> for ObjectOr<'_, V> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<V> ObjectOr<'_, V> {
    /// A value that is not an object: passed over, and said to be one.
    fn pass<E>(self) -> Result<(), E> {
        *self.other = true;
        Ok(())
    }
}

impl<'de, V: Visitor<'de, Value = ()>> Visitor<'de> for ObjectOr<'_, V> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<(), A::Error> {
        self.visitor.visit_map(m)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        self.pass()
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.pass()
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.pass()
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.pass()
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.pass()
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.pass()
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.pass()
    }
}

/// One response of a batch: `id`, `status`, `body`; what went wrong with it, if anything, in
/// `problem`.
struct ResponseSeed<'e, 'de, 'p> {
    emit: &'e mut dyn FnMut(Element<'de>),
    problem: &'p mut Option<String>,
}

impl<'de> Visitor<'de> for ResponseSeed<'_, 'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a response")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let (mut id, mut status, mut body) = (None, None, None);
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            if k.eq_ignore_ascii_case("body") {
                let (mut error, mut other) = (None, false);
                m.next_value_seed(ObjectOr {
                    visitor: BodySeed {
                        emit: &mut *self.emit,
                        error: &mut error,
                    },
                    other: &mut other,
                })?;
                body = Some(if other {
                    Body::Other
                } else {
                    Body::Object(error)
                });
            } else if k.eq_ignore_ascii_case("id") {
                id = Some(m.next_value::<serde_json::Value>()?);
            } else if k.eq_ignore_ascii_case("status") {
                status = Some(m.next_value::<serde_json::Value>()?);
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        // A status that is not 2xx is a failure whatever the body holds; none says nothing.
        let code = status.as_ref().and_then(|s| match s {
            serde_json::Value::String(t) => t.trim().parse::<u64>().ok(),
            v => v.as_u64(),
        });
        let failed = status.is_some() && !code.is_some_and(|c| (200..300).contains(&c));
        let problem = match body {
            Some(Body::Object(Some(e))) if !e.is_null() => Some(api_error(&e)),
            Some(Body::Other) => Some("its body is not an object".to_string()),
            None if failed => Some("it has no body".to_string()),
            _ if failed => Some("its body has no error".to_string()),
            _ => None,
        };
        if let Some(problem) = problem {
            let name = |v: Option<serde_json::Value>| match v {
                Some(serde_json::Value::String(s)) => crate::record::excerpt(&s, 40),
                Some(v) => crate::record::excerpt(&v.to_string(), 40),
                None => "?".into(),
            };
            *self.problem = Some(format!(
                "response {} (status {}): {problem}",
                name(id),
                name(status)
            ));
        }
        Ok(())
    }
}

/// What a batch response's `body` was: an object, with its `error` if it had one, or
/// anything else.
enum Body {
    Object(Option<serde_json::Value>),
    Other,
}

/// A batch response's `body` object: its `tables` read, its `error` kept.
struct BodySeed<'e, 'de, 'r> {
    emit: &'e mut dyn FnMut(Element<'de>),
    error: &'r mut Option<serde_json::Value>,
}

impl<'de> Visitor<'de> for BodySeed<'_, 'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a response body")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            if k.eq_ignore_ascii_case("tables") {
                m.next_value_seed(TablesSeed {
                    emit: &mut *self.emit,
                })?;
            } else if k.eq_ignore_ascii_case("error") {
                *self.error = Some(m.next_value::<serde_json::Value>()?);
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// What a syntax error in a table's rows that come before its columns ([`Table::early_rows`])
/// adds to its message: those rows wait for the columns, so none of them was read.
pub(super) const EARLY_ROWS_LOST: &str =
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
struct TablesSeed<'e, 'de> {
    emit: &'e mut dyn FnMut(Element<'de>),
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
pub(super) enum Column {
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
pub(super) fn column(name: &str) -> Column {
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

/// Whether a record read from a log line's text (see [`Forwarded`]) is one of the records
/// this tool reads, forwarded (a Function that logs each diagnostic record it receives): it
/// has a time and names its log, event or outcome. Any JSON a program logs is not.
fn forwarded(raw: &Raw<'_>) -> bool {
    !raw.get(Field::Time).is_nullish()
        && [
            Field::Category,
            Field::Type,
            Field::TableName,
            Field::ResultCode,
            Field::ResultSignature,
        ]
        .iter()
        .any(|&f| !raw.get(f).is_nullish())
}

/// The text of a log line (`message`), when it holds records forwarded as JSON: a record
/// ([`forwarded`]), or the body a callback endpoint logged as it received it (Call
/// Automation posts an array of events), when one of its events at least is one: then each of
/// its elements is a record (one that is not an object has no field, and is skipped as such).
/// Each owns its text; none for any other value.
struct Forwarded;

impl<'de> DeserializeSeed<'de> for Forwarded {
    type Value = Vec<Raw<'static>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Forwarded {
    type Value = Vec<Raw<'static>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a log line")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim_start();
        if t.starts_with('[') {
            return Ok(forwarded_batch(t));
        }
        if !t.starts_with('{') {
            return Ok(Vec::new());
        }
        let raw = NestedSeed(Context::Record).visit_str(t)?;
        Ok(raw
            .filter(forwarded)
            .map(Raw::into_owned)
            .into_iter()
            .collect())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }
    passes_scalars!(Vec::new());
}

/// An array of events (or records), each read by [`RecordSeed`]; an element that is not an
/// object is one without fields.
struct Events;

impl<'de> Visitor<'de> for Events {
    type Value = Vec<Raw<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        let mut events = Vec::new();
        let seed = RecordSeed {
            ctx: Context::Record,
        };
        while let Some(e) = s.next_element_seed(seed)? {
            events.push(e.unwrap_or_default());
        }
        Ok(events)
    }
}

/// A log line's text that starts with `[`: the events of a webhook body, when the whole text
/// is a JSON array and one of its elements at least is a forwarded record ([`forwarded`]);
/// none otherwise (`[INFO] started`, `[1, 2]`).
fn forwarded_batch(text: &str) -> Vec<Raw<'static>> {
    match records_of(text) {
        Ok(events) if events.iter().any(forwarded) => events,
        _ => Vec::new(),
    }
}

/// The records of the JSON `text`, the whole of it: an array of them when it starts with `[`
/// ([`Events`]), else one object; each owning its text, a lone surrogate's escape read as
/// U+FFFD ([`mending_str`]).
fn records_of(text: &str) -> serde_json::Result<Vec<Raw<'static>>> {
    mending_str(text, |text| {
        let mut de = serde_json::Deserializer::from_str(text);
        let read = if text.starts_with('[') {
            de.deserialize_seq(Events)
        } else {
            let seed = RecordSeed {
                ctx: Context::Record,
            };
            seed.deserialize(&mut de).map(|r| r.into_iter().collect())
        };
        read.and_then(|r| de.end().map(|()| r))
            .map(|r| r.into_iter().map(Raw::into_owned).collect())
    })
}

/// The records a cell of JSON holds (a custom table's dynamic column in the portal's CSV: the
/// whole event, or its `data`), `text` starting with `{` (one) or `[` (an array of them),
/// each owning its text; or why the text does not parse.
pub(super) fn records_in_cell(text: &str) -> Result<Vec<Raw<'static>>, String> {
    records_of(text).map_err(|e| format!("{} at column {}", short_message(&e), e.column()))
}

/// The records a log line's text holds, forwarded as JSON (see [`Forwarded`]); none for any
/// other text. For a CSV of traces, whose `message` column is that text.
pub(super) fn forwarded_in(text: &str) -> Vec<Raw<'static>> {
    Forwarded
        .visit_str::<serde_json::Error>(text)
        .unwrap_or_default()
}

/// Whether a record the fast scanner read may instead be one forwarded in its log line's
/// text (see [`Forwarded`]), for the serde visitors to look at: it has no category and no
/// outcome (an Application Insights trace, or AppTraces with its own `Type`), and `text` has
/// a `message` key. Rare: a log record has both.
pub(super) fn may_forward(raw: &Raw<'_>, text: &[u8]) -> bool {
    [
        Field::Category,
        Field::ResultCode,
        Field::ResultSignature,
        Field::ResultSubcode,
        Field::MetricName,
    ]
    .iter()
    .all(|&f| raw.get(f).is_nullish())
        && [b"\"message\"", b"\"Message\""]
            .iter()
            .any(|k| memchr::memmem::find(text, *k).is_some())
}

/// The fields of a table's `columns` array, given as JSON text.
pub(super) fn columns(text: &[u8]) -> Option<Vec<Column>> {
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
struct Table {
    /// The field of each column, once its `columns` are read.
    columns: Option<Vec<Column>>,
    /// Its `TableKind` says it is not the query's result (v2's properties and completion
    /// information, a v1 response's status): its rows are not records.
    not_result: bool,
    /// Its `rows` were read.
    rows: bool,
    /// Its `rows` when they came before its `columns` (key order is not meaningful: PostgreSQL's
    /// `jsonb` writes `name`, `rows`, `columns`), read once the columns come. No more than the
    /// document read whole (at most a record's size), or, streamed, than its budget between
    /// two elements. (A response's tables have their rows read where they are when their
    /// columns come in that budget, `elements::columns_first`, as any table's: a damaged row,
    /// which fails this one value whole, then costs that row. Here are those whose columns
    /// never come, or come too far, or in another layout, `$batch`'s.)
    early_rows: Option<Box<serde_json::value::RawValue>>,
    /// It is a frame of a v2 response.
    frame: bool,
    /// Why its result is incomplete: a v2 response's `OneApiErrors`, or `Cancelled`.
    incomplete: Option<String>,
}

impl Table {
    /// One entry of the table's object.
    fn entry<'de, A: MapAccess<'de>>(
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
    fn end<'de>(self, emit: &mut dyn FnMut(Element<'de>)) {
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
pub(super) struct RowSeed<'c, 'r, 'de> {
    pub(super) cols: &'c [Column],
    pub(super) raw: &'r mut Raw<'de>,
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

#[cfg(test)]
mod tests;
