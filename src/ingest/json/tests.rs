//! Tests of `ingest/json.rs`.

use super::*;
use std::borrow::Cow;

fn run(text: &str) -> Vec<Result<Raw<'static>, String>> {
    let mut out = Vec::new();
    let mut emit = |e: Element<'_>| match e {
        Element::Record(r, _) => out.push(Ok(r.into_owned())),
        Element::NotRecord(i, why) => out.push(Err(format!("{i}: {why}"))),
        Element::Incomplete(why) => out.push(Err(format!("incomplete: {why}"))),
        Element::RowsCut => out.push(Err("rows cut".into())),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    TopSeed { emit: &mut emit }.deserialize(&mut de).unwrap();
    de.end().unwrap();
    out
}

#[test]
fn top_level_wins_over_properties() {
    let r = run(
        r#"{"time":"t1","ResultSignature":200,"properties":{"resultCode":404,"resultSubCode":8522,"time":"t2"},"level":"x"}"#,
    );
    let raw = r[0].as_ref().unwrap();
    assert_eq!(raw.get(Field::Time), &Val::Str("t1".into()));
    assert_eq!(raw.get(Field::ResultCode), &Val::Int(404));
    assert_eq!(raw.get(Field::ResultSubcode), &Val::Int(8522));
    assert_eq!(raw.get(Field::ResultSignature), &Val::Int(200));
}

#[test]
fn stringified_properties_are_read() {
    let r = run(r#"{"time":"t","properties":"{\"resultCode\":500,\"resultSubcode\":8572}"}"#);
    assert_eq!(
        r[0].as_ref().unwrap().get(Field::ResultCode),
        &Val::Int(500)
    );
}

#[test]
fn records_document_streams_each_record() {
    let r = run(r#"{"records":[{"time":"a","resultCode":1},{"time":"b"},7]}"#);
    assert_eq!(r.len(), 3);
    assert_eq!(
        r[1].as_ref().unwrap().get(Field::Time),
        &Val::Str("b".into())
    );
    assert_eq!(r[2].as_ref().unwrap_err(), "3: not an object: a number");
}

#[test]
fn tables_rows_are_positional() {
    let r = run(
        r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Level","type":"string"},{"name":"ResultCode","type":"int"}],"rows":[["2026-11-24T19:57:40.48Z","x",200],["t",null,404],["short"]]}]}"#,
    );
    assert_eq!(r.len(), 3);
    let a = r[0].as_ref().unwrap();
    assert_eq!(a.get(Field::ResultCode), &Val::Int(200));
    assert_eq!(
        r[1].as_ref().unwrap().get(Field::ResultCode),
        &Val::Int(404)
    );
    assert_eq!(
        r[2].as_ref().unwrap_err(),
        "3: row has 1 cells for 3 columns"
    );
}

#[test]
fn callback_result_information() {
    let r = run(
        r#"[{"id":"1","type":"Microsoft.Communication.PlayFailed","data":{"resultInformation":{"code":400,"subCode":8535,"message":"bad file"},"correlationId":"c1","callConnectionId":"cc"},"time":"2022-09-13T00:55:08.2240104+00:00"}]"#,
    );
    let raw = r[0].as_ref().unwrap();
    assert_eq!(raw.get(Field::ResultCode), &Val::Int(400));
    assert_eq!(raw.get(Field::ResultSubcode), &Val::Int(8535));
    assert_eq!(raw.get(Field::ResultMessage), &Val::Str("bad file".into()));
    assert_eq!(raw.get(Field::CorrelationId), &Val::Str("c1".into()));
}

#[test]
fn arrays_of_batches_are_read_and_other_things_said() {
    let r = run(concat!(
        r#"[[{"type":"Microsoft.Communication.PlayFailed","data":{"resultInformation":{"code":400}}}],"#,
        r#"{"to":{"kind":"phoneNumber"}},"#,
        r#"[[{"time":"t"}],"x"],null]"#
    ));
    assert_eq!(r.len(), 5);
    assert_eq!(
        r[0].as_ref().unwrap().get(Field::ResultCode),
        &Val::Int(400)
    );
    assert!(r[1].as_ref().unwrap().is_empty());
    assert_eq!(
        r[2].as_ref().unwrap().get(Field::Time),
        &Val::Str("t".into())
    );
    assert_eq!(
        r[3].as_ref().unwrap_err(),
        "3: not an object: a string \"x\""
    );
    assert_eq!(r[4].as_ref().unwrap_err(), "4: not an object: null");
}

#[test]
fn sip_and_q850_details_are_read_in_any_casing() {
    let r = run(
        r#"{"type":"Microsoft.Communication.CallDisconnected","data":{"ResultInformation":{"Code":500,"SubCode":560503,"Message":"Unexpected server error","SipDetails":{"Code":486,"Message":"Busy Here"},"q850details":{"code":17,"message":"User busy"}}}}"#,
    );
    let raw = r[0].as_ref().unwrap();
    assert_eq!(raw.get(Field::ResultSubcode), &Val::Int(560503));
    assert_eq!(raw.get(Field::SipCode), &Val::Int(486));
    assert_eq!(raw.get(Field::SipMessage), &Val::Str("Busy Here".into()));
    assert_eq!(raw.get(Field::Q850Code), &Val::Int(17));
    assert_eq!(raw.get(Field::Q850Message), &Val::Str("User busy".into()));
}

#[test]
fn escaped_text_is_owned_plain_text_borrowed() {
    let text = r#"{"resultMessage":"plain","operationName":"a\"b"}"#;
    let mut got = Vec::new();
    let mut emit = |e: Element<'_>| {
        if let Element::Record(r, _) = e {
            got.push(matches!(
                r.get(Field::ResultMessage),
                Val::Str(Cow::Borrowed(_))
            ));
            got.push(matches!(
                r.get(Field::OperationName),
                Val::Str(Cow::Owned(_))
            ));
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    TopSeed { emit: &mut emit }.deserialize(&mut de).unwrap();
    assert_eq!(got, vec![true, true]);
}
