//! Records forwarded as JSON text in a log line's `message` (a Function that logs each record it
//! receives), or held in a CSV cell: read as the records they are.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::super::record_seed::{passes_scalars, NestedSeed, RecordSeed};
use super::super::structure::mending_str;
use super::short_message;
use crate::normalize::{Context, Field, Raw};

/// Whether a record read from a log line's text (see [`Forwarded`]) is one of the records
/// this tool reads, forwarded (a Function that logs each diagnostic record it receives): it
/// has a time and names its log, event or outcome. Any JSON a program logs is not.
pub(super) fn forwarded(raw: &Raw<'_>) -> bool {
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
pub(super) struct Forwarded;

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
pub(crate) fn records_in_cell(text: &str) -> Result<Vec<Raw<'static>>, String> {
    records_of(text).map_err(|e| format!("{} at column {}", short_message(&e), e.column()))
}

/// The records a log line's text holds, forwarded as JSON (see [`Forwarded`]); none for any
/// other text. For a CSV of traces, whose `message` column is that text.
pub(crate) fn forwarded_in(text: &str) -> Vec<Raw<'static>> {
    Forwarded
        .visit_str::<serde_json::Error>(text)
        .unwrap_or_default()
}

/// Whether a record the fast scanner read may instead be one forwarded in its log line's
/// text (see [`Forwarded`]), for the serde visitors to look at: it has no category and no
/// outcome (an Application Insights trace, or AppTraces with its own `Type`), and `text` has
/// a `message` key. Rare: a log record has both.
pub(crate) fn may_forward(raw: &Raw<'_>, text: &[u8]) -> bool {
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
