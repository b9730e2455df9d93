//! One record object read by serde visitors: its wanted fields by key, the service fields of
//! one nested object (`properties`, `data`, `resultInformation`), SIP and Q.850 diagnostics,
//! and every other value skipped unread. [`super::json`] finds the records in a document.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::structure::mending_str;
use crate::normalize::{key_role, Context, KeyRole, Raw, Val};

/// The visits of a scalar (a number, a boolean, null) in a visitor that passes them over:
/// `$value` each.
macro_rules! passes_scalars {
    ($value:expr) => {
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}
pub(super) use passes_scalars;

/// The visits of a value that is not an object (an array, a number, a boolean, null), in a
/// visitor whose value is `Option<_>`: skipped, and `None`.
macro_rules! not_an_object {
    () => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            while s.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        passes_scalars!(None);
    };
}

/// A key that borrows from the input when it can.
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A scalar value; objects and arrays are skipped and marked [`Val::Other`].
struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Val<'de>, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Val<'de>, E> {
        Ok(Val::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Val<'de>, E> {
        // Past i64, as its digits: a reject shows the number given, not a float's rounding.
        Ok(i64::try_from(v).map_or_else(|_| Val::Str(Cow::Owned(v.to_string())), Val::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Val<'de>, E> {
        Ok(Val::Float(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Val<'de>, E> {
        Ok(Val::Bool(v))
    }
    fn visit_unit<E>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_none<E>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Val<'de>, A::Error> {
        while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Val<'de>, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Other)
    }
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

/// Reads one record object into its wanted fields: top-level keys first, then those of
/// `properties` / `data` (and `data.resultInformation`) for fields still missing.
#[derive(Clone, Copy)]
pub struct RecordSeed {
    pub ctx: Context,
}

/// Assigns one key of a record object; shared by records and records documents.
pub(super) fn record_entry<'de, A: MapAccess<'de>>(
    m: &mut A,
    ctx: Context,
    key: &str,
    raw: &mut Raw<'de>,
    nested: &mut Vec<Raw<'de>>,
) -> Result<(), A::Error> {
    match key_role(ctx, key) {
        KeyRole::Field(f) => raw.set(f, m.next_value::<Val<'de>>()?),
        KeyRole::Enter(inner) => {
            if let Some(mut r) = m.next_value_seed(NestedSeed(inner))? {
                r.name_not_json(key);
                nested.push(r);
            }
        }
        KeyRole::Ignore => {
            m.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

pub(super) fn finish_record<'de>(mut raw: Raw<'de>, nested: Vec<Raw<'de>>) -> Raw<'de> {
    for n in nested {
        raw.fill_from(n);
    }
    raw
}

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Option<Raw<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Option<Raw<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut raw = Raw::default();
        let mut nested = Vec::new();
        if self.ctx == Context::ResultInformation {
            raw.read_result_information();
        }
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            record_entry(&mut m, self.ctx, &k, &mut raw, &mut nested)?;
        }
        Ok(Some(finish_record(raw, nested)))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    // Anything else is not a record: skipped, and said so.
    not_an_object!();
}

/// `properties` / `data` / `resultInformation`: an object, or (some producers) a string holding
/// JSON text, or JSON text encoded as a string again (`"\"{\\\"resultCode\\\": 400, ...}\""`).
/// Text that starts as an object and does not parse as one (cut short, a Python repr with
/// single quotes) is [`Raw::not_json`], which makes its record a reject, unless it is a
/// diagnostic's (`sipDetails`), which holds no code of the record. Anything else is ignored.
pub(super) struct NestedSeed(pub(super) Context);

/// How many times JSON text encoded as a string is decoded again, at most.
const REENCODED: usize = 2;

impl<'de> DeserializeSeed<'de> for NestedSeed {
    type Value = Option<Raw<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NestedSeed {
    type Value = Option<Raw<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Self::Value, A::Error> {
        RecordSeed { ctx: self.0 }.visit_map(m)
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        let mut t = Cow::Borrowed(v.trim_start());
        for _ in 0..REENCODED {
            if !t.starts_with('"') {
                break;
            }
            let Ok(inner) = mending_str(&t, |t| serde_json::from_str::<String>(t)) else {
                break;
            };
            t = Cow::Owned(inner.trim_start().to_string());
        }
        let broken = || match self.0.is_diagnostic() {
            true => None,
            false => Some(Raw::not_json()),
        };
        // Encoded again and cut short: `"{\"resultCode\": 400, \"resu`.
        if t.starts_with('"') && t[1..].trim_start().starts_with('{') {
            return Ok(broken());
        }
        if !t.starts_with('{') {
            return Ok(None);
        }
        // A lone surrogate's escape in it is read as U+FFFD, as in the text around it.
        let read = mending_str(&t, |t| {
            let mut de = serde_json::Deserializer::from_str(t);
            let seed = RecordSeed { ctx: self.0 };
            // Bound before `t` goes: a `Raw`'s drop may look at what it borrows.
            let read = seed.deserialize(&mut de).map(|r| r.map(Raw::into_owned));
            read
        });
        Ok(read.unwrap_or_else(|_| broken()))
    }
    not_an_object!();
}

#[cfg(test)]
mod tests {
    use super::super::tests_shapes::ingest_one;
    use crate::record::Reason;

    /// Azure/azure-sdk-for-java, sdk/communication/azure-communication-callingserver/src/test/
    /// java/com/azure/communication/callingserver/EventHandlerUnitTests.java @6e886767: the
    /// PlayFailed and PlayCompleted payloads (2022-08-12), their result under `resultInfo`.
    const PLAY_FAILED: &str = r#"{"id":"704a7a96-4d74-4ebe-9cd0-b7cc39c3d7b1","source":"calling/callConnections/callConnectionId/PlayFailed","type":"Microsoft.Communication.PlayFailed","data":{"resultInfo":{"code":404,"subCode":0,"message":"File source was not found"},"type":"playFailed","callConnectionId":"callConnectionId","serverCallId":"serverCallId","correlationId":"correlationId"},"time":"2022-08-12T03:13:25.0252763+00:00","specversion":"1.0","datacontenttype":"application/json","subject":"calling/callConnections/callConnectionId/PlayFailed"}"#;
    const PLAY_COMPLETED: &str = r#"{"id":"704a7a96-4d74-4ebe-9cd0-b7cc39c3d7b1","source":"calling/callConnections/callConnectionId/PlayCompleted","type":"Microsoft.Communication.PlayCompleted","data":{"resultInfo":{"code":200,"subCode":0,"message":"Action completed successfully."},"type":"playCompleted","callConnectionId":"callConnectionId","serverCallId":"serverCallId","correlationId":"correlationId"},"time":"2022-08-12T03:13:25.0252763+00:00","specversion":"1.0","datacontenttype":"application/json","subject":"calling/callConnections/callConnectionId/PlayCompleted"}"#;

    /// rev64a F2: a result under `resultInfo` had been lost (the failure a `no code` reject,
    /// the success skipped as an event without a result); read as `resultInformation` is, by
    /// the scanner (JSON Lines) and by serde (a document, PascalCase).
    #[test]
    fn a_result_under_result_info_is_read() {
        let lines = format!("{PLAY_FAILED}\n{PLAY_COMPLETED}\n");
        let document = format!(
            "[{PLAY_FAILED},\n{}]",
            PLAY_COMPLETED.replace("resultInfo", "ResultInfo")
        );
        for text in [lines, document] {
            let (c, counts) = ingest_one(text.as_bytes());
            assert_eq!(counts, (2, 0, 0), "{:?}", c.rejects);
            let got: Vec<_> = (c.records.iter())
                .map(|r| (r.operation.as_ref(), r.code, r.subcode, r.message.as_ref()))
                .collect();
            assert_eq!(
                got,
                [
                    ("PlayFailed", 404, Some(0), "File source was not found"),
                    (
                        "PlayCompleted",
                        200,
                        Some(0),
                        "Action completed successfully."
                    ),
                ]
            );
        }
    }

    /// The common schema's media summary record (../shared/docs/export-formats.md, Shape 1),
    /// its `properties` given as the text `PROPS`.
    fn media_summary(props: &str) -> String {
        let props = serde_json::to_string(props).unwrap();
        format!(
            r#"{{"time":"2026-11-24T19:57:40.4800000Z","resourceId":"/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD","operationName":"Play","category":"CallAutomationMediaSummary","resultType":"Failed","resultSignature":400,"correlationId":"c0ffee00-0000-0000-0000-000000000001","properties":{props}}}"#
        )
    }

    const PROPS: &str = r#"{"resultCode": 400, "resultSubcode": 8536, "resultMessage": "Action failed, file could not be downloaded.", "operationId": "op-1"}"#;

    /// rev64a F3: a `properties` given as text that is not JSON had been read as 400 with no
    /// subcode (the record's `resultSignature`), without a word: a reject that says so. JSON
    /// encoded twice is read.
    #[test]
    fn properties_that_are_not_json_are_a_reject() {
        let twice = serde_json::to_string(PROPS).unwrap();
        for props in [PROPS, &twice] {
            let (c, counts) = ingest_one(media_summary(props).as_bytes());
            assert_eq!(counts, (1, 0, 0), "{props}: {:?}", c.rejects);
            assert_eq!((c.records[0].code, c.records[0].subcode), (400, Some(8536)));
        }
        let cut = &PROPS[..60];
        let repr = PROPS.replace('"', "'");
        let twice_cut = &twice[..60];
        for props in [cut, &repr, twice_cut] {
            for text in [media_summary(props), format!("[{}]", media_summary(props))] {
                let (c, counts) = ingest_one(text.as_bytes());
                assert_eq!(counts, (0, 1, 0), "{props}");
                let r = &c.rejects[0];
                assert_eq!(r.reason, Reason::NotJson);
                assert_eq!(
                    r.detail(),
                    "properties is text that does not parse as JSON, so its fields are lost"
                );
            }
        }
        // Text that is no object at all is no record's fields, as before; nor is a SIP
        // diagnostic's, which holds no code of the record.
        let (c, counts) = ingest_one(media_summary("n/a").as_bytes());
        assert_eq!(counts, (1, 0, 0), "{:?}", c.rejects);
        let event = PLAY_FAILED.replace(
            r#""message":"File"#,
            r#""sipDetails":"{'code': 4","message":"File"#,
        );
        let (c, counts) = ingest_one(event.as_bytes());
        assert_eq!(counts, (1, 0, 0), "{:?}", c.rejects);
    }

    /// rev64a M1: a failure event without a code had been rejected for lacking the log's
    /// columns (`no ResultCode or ResultSignature`): it is told by what the event lacks.
    #[test]
    fn an_event_without_a_code_is_told_by_its_own_field() {
        let event = PLAY_FAILED.replace("resultInfo", "resultInformation");
        for lost in ["", r#""code":null,"#] {
            let event = event.replace(r#""code":404,"#, lost);
            let (c, counts) = ingest_one(event.as_bytes());
            assert_eq!(counts, (0, 1, 0), "{event}");
            assert_eq!(c.rejects[0].reason, Reason::NoCode);
            assert_eq!(c.rejects[0].detail(), "no resultInformation.code");
        }
    }

    /// A callback event's `data` or `resultInformation` given as text cut short: the reject
    /// names it.
    #[test]
    fn a_cut_data_or_result_is_named() {
        let event = |data: &str| {
            let data = serde_json::to_string(data).unwrap();
            format!(
                r#"{{"type":"Microsoft.Communication.PlayCompleted","time":"2026-11-24T01:00:00Z","data":{data}}}"#
            )
        };
        let (c, _) = ingest_one(event(r#"{"resultInformation": {"code": 200, "sub"#).as_bytes());
        assert_eq!(
            c.rejects[0].detail(),
            "data is text that does not parse as JSON, so its fields are lost"
        );
        let inner = serde_json::to_string(r#"{"code": 200, "sub"#).unwrap();
        let (c, _) = ingest_one(event(&format!(r#"{{"ResultInformation": {inner}}}"#)).as_bytes());
        assert_eq!(
            c.rejects[0].detail(),
            "resultInformation is text that does not parse as JSON, so its fields are lost"
        );
    }
}
