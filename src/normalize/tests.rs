//! Tests of `normalize.rs`.

use super::kind::{known_kind, KNOWN_KINDS};
use super::*;

#[test]
fn portal_header_keys_and_diagnostics() {
    assert_eq!(
        key_role(Context::Record, "TimeGenerated [UTC]"),
        KeyRole::Field(Field::Time)
    );
    assert_eq!(
        key_role(Context::Record, "TimeGenerated [Local Time]"),
        KeyRole::Field(Field::LocalTime)
    );
    assert_eq!(key_role(Context::Record, "Foo [UTC]"), KeyRole::Ignore);
    assert_eq!(
        key_role(Context::Record, "timegenerated [utc]"),
        KeyRole::Field(Field::Time)
    );
    assert_eq!(
        key_role(Context::ResultInformation, "SipDiagnosticInfo"),
        KeyRole::Enter(Context::ResultInformation)
    );
    assert_eq!(key_role(Context::Record, "x]"), KeyRole::Ignore);
    assert_eq!(
        key_role(Context::ResultInformation, "SipDetails"),
        KeyRole::Enter(Context::Sip)
    );
    assert_eq!(
        key_role(Context::Q850, "Code"),
        KeyRole::Field(Field::Q850Code)
    );
    assert_eq!(
        key_role(Context::Record, "eventType"),
        KeyRole::Field(Field::Type)
    );
}

fn raw(pairs: &[(Field, Val<'static>)]) -> Raw<'static> {
    let mut r = Raw::default();
    for (f, v) in pairs {
        r.set(*f, v.clone());
    }
    r
}

fn s(x: &'static str) -> Val<'static> {
    Val::Str(Cow::Borrowed(x))
}

#[test]
fn operational_record_has_no_subcode() {
    let r = raw(&[
        (Field::Time, s("2026-11-24T19:00:00Z")),
        (Field::Category, s("CallAutomationOperational")),
        (Field::ResultSignature, Val::Int(404)),
        (Field::OperationName, s("Play")),
    ]);
    let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
        panic!()
    };
    assert_eq!(
        (rec.kind, rec.code, rec.subcode),
        (Kind::Operations, 404, None)
    );
}

#[test]
fn result_code_wins_over_signature_and_cli_strings_parse() {
    let r = raw(&[
        (Field::Time, s("2026-11-24T19:00:00Z")),
        (Field::ResultCode, s("405")),
        (Field::ResultSignature, s("200")),
        (Field::ResultSubcode, s("8522")),
        (Field::CorrelationId, s("None")),
        (Field::Type, s("ACSCallAutomationMediaSummary")),
    ]);
    let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
        panic!()
    };
    assert_eq!((rec.code, rec.subcode), (405, Some(8522)));
    assert_eq!(rec.kind, Kind::MediaSummary);
    assert_eq!(rec.correlation_id, "");
}

#[test]
fn rejects_and_skips() {
    let tr = TimeRules::default();
    let base = [(Field::Time, s("2026-11-24T19:00:00Z"))];
    let mut r = raw(&base);
    r.set(Field::ResultCode, s("abc"));
    assert!(matches!(
        normalize(&r, &tr),
        Outcome::Reject(Reason::CodeNotInteger, _)
    ));
    let mut r = raw(&base);
    r.set(Field::ResultCode, Val::Int(400));
    r.set(Field::ResultSubcode, Val::Float(1.5));
    assert!(matches!(
        normalize(&r, &tr),
        Outcome::Reject(Reason::SubcodeNotInteger, _)
    ));
    let mut r = raw(&base);
    r.set(Field::OperationName, s("Play"));
    assert!(matches!(
        normalize(&r, &tr),
        Outcome::Reject(Reason::NoCode, _)
    ));
    let r = raw(&[(Field::ResultCode, Val::Int(400))]);
    assert!(matches!(
        normalize(&r, &tr),
        Outcome::Reject(Reason::NoTime, _)
    ));
    let r = raw(&[(Field::Category, s("CallAutomationStreamingUsage"))]);
    assert_eq!(
        normalize(&r, &tr),
        Outcome::Skip(SkipReason::StreamingUsage)
    );
    // ACS's other logs, exported beside Call Automation's by a setting of `allLogs`, are
    // skipped: counted as Call Automation operations (ResultSignature) or rejected for want of
    // a code (CallSummary), they had made wrong reports and exit 3.
    for (field, name) in [
        (Field::Category, "CallClientOperations"),
        (Field::Category, "AuthOperational"),
        (Field::Category, "SMSOperational"),
        (Field::Category, "CallSummary"),
        (Field::Category, "CallRecordingSummary"),
        (Field::Type, "ACSCallClientOperations"),
        (Field::Type, "ACSCallRecordingIncomingOperations"),
        (Field::TableName, "ACSChatIncomingOperations"),
        (Field::Type, "ACSEmailSendMailOperational"),
        // The SMS opt-out API's log (its 400s and 429s had been Call Automation failures).
        (Field::Type, "ACSOptOutManagementOperations"),
        (Field::TableName, "ACSOptOutManagementOperations"),
    ] {
        let mut r = raw(&base);
        r.set(field, s(name));
        r.set(Field::ResultSignature, Val::Int(500));
        assert_eq!(
            normalize(&r, &tr),
            Outcome::Skip(SkipReason::OtherLog),
            "{name}"
        );
    }
    // A record that names no log (a query that projected its columns) is Call Automation's
    // operations record unless its operation is another log's (rev67a L1: azure-docs
    // sms-logs.md's examples without their Category had been 3 Call Automation records).
    for (op, skipped) in [
        ("SMSMessagesSent", true),
        ("SMSDeliveryReportsReceived", true),
        ("ChatThreadCreated", true),
        ("AuthOperational", true),
        ("Play", false),
        ("AnswerCall", false),
        ("StartRecording", false),
        ("", false),
    ] {
        let mut r = raw(&base);
        r.set(Field::OperationName, s(op));
        r.set(Field::ResultSignature, Val::Int(202));
        let got = normalize(&r, &tr);
        if skipped {
            assert_eq!(got, Outcome::Skip(SkipReason::OtherLog), "{op}");
        } else {
            assert!(matches!(got, Outcome::Record(_)), "{op}: {got:?}");
        }
    }
    // Call Automation's own names are read, whatever else they hold.
    for name in [
        "ACSCallAutomationIncomingOperations",
        "CallAutomationOperational",
    ] {
        let mut r = raw(&base);
        r.set(Field::Type, s(name));
        r.set(Field::ResultSignature, Val::Int(500));
        assert!(matches!(normalize(&r, &tr), Outcome::Record(_)), "{name}");
    }
    // An event without a result is skipped; an object of no known field too.
    let r = raw(&[
        (Field::Time, s("2026-11-24T19:00:00Z")),
        (Field::Type, s("Microsoft.Communication.CallConnected")),
    ]);
    assert_eq!(normalize(&r, &tr), Outcome::Skip(SkipReason::NoResult));
    // And one whose `resultInformation` only says it happened (newer API versions);
    // not the end of a call, not an outcome, not a lifecycle event with a failure.
    let event = |ty: &'static str, code: i64, sub: i64| {
        raw(&[
            (Field::Time, s("2026-09-15T11:36:07.9937574+00:00")),
            (Field::Type, s(ty)),
            (Field::ResultCode, Val::Int(code)),
            (Field::ResultSubcode, Val::Int(sub)),
        ])
    };
    for ty in [
        "Microsoft.Communication.CallConnected",
        "Microsoft.Communication.ParticipantsUpdated",
        "Microsoft.Communication.MediaStreamingStopped",
        "Microsoft.Communication.PlayStarted",
    ] {
        let r = event(ty, 200, 0);
        assert_eq!(
            normalize(&r, &tr),
            Outcome::Skip(SkipReason::NoResult),
            "{ty}"
        );
    }
    for (ty, code, sub) in [
        ("Microsoft.Communication.CallDisconnected", 200, 0),
        ("Microsoft.Communication.CallTransferAccepted", 200, 0),
        ("Microsoft.Communication.PlayCompleted", 200, 0),
        ("Microsoft.Communication.RecognizeFailed", 400, 8510),
        ("Microsoft.Communication.ParticipantsUpdated", 500, 8500),
        ("Microsoft.Communication.CallConnected", 200, 7000),
        ("Microsoft.Communication.CallDisconnected ", 200, 0),
        ("Microsoft.Communication.PlayCompleted ", 200, 0),
        ("Microsoft.Communication.playcompleted", 200, 0),
    ] {
        let r = event(ty, code, sub);
        assert!(matches!(normalize(&r, &tr), Outcome::Record(_)), "{ty}");
    }
    // So is Event Grid's own handshake, logged by the endpoint that receives the events.
    let r = raw(&[
        (Field::Time, s("2018-01-25T22:12:19.4556811Z")),
        (
            Field::Type,
            s("Microsoft.EventGrid.SubscriptionValidationEvent"),
        ),
    ]);
    assert_eq!(normalize(&r, &tr), Outcome::Skip(SkipReason::NoResult));
    let r = raw(&[
        (Field::Time, s("2026-11-24T19:00:00Z")),
        (Field::Type, s("Microsoft.Communication.PlayFailed")),
    ]);
    assert!(matches!(
        normalize(&r, &tr),
        Outcome::Reject(Reason::NoCode, _)
    ));
    assert_eq!(
        normalize(&Raw::default(), &tr),
        Outcome::Skip(SkipReason::NotALogRecord)
    );
    // Another Azure service's event, in either schema, beside ACS's at one endpoint (rev69a
    // F6: `no code` rejects): skipped as its resource logs are.
    for event in [
        raw(&[
            (Field::Type, s("Microsoft.Storage.BlobCreated")),
            (Field::Time, s("2019-11-18T15:13:39.4589254Z")),
        ]),
        raw(&[
            (Field::Topic, s("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st")),
            (Field::Time, s("2019-11-18T15:13:39Z")),
            (Field::ResultCode, Val::Int(500)),
        ]),
    ] {
        assert_eq!(
            normalize(&event, &tr),
            Outcome::Skip(SkipReason::OtherService)
        );
    }
    // An ACS event republished through an Event Grid custom topic or domain, its type short
    // (rev69b F4): read.
    for topic in [
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventGrid/topics/acs-forward",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventGrid/domains/d/topics/calls",
    ] {
        let mut forwarded = raw(&[
            (Field::Type, s("PlayFailed")),
            (Field::Topic, s(topic)),
            (Field::Time, s("2026-11-24T10:00:01Z")),
        ]);
        forwarded.set(Field::ResultCode, Val::Int(500));
        assert!(
            matches!(normalize(&forwarded, &tr), Outcome::Record(_)),
            "{topic}"
        );
    }
    // A callback's `source` names no provider: it is read.
    let mut callback = raw(&[
        (Field::Type, s("Microsoft.Communication.PlayFailed")),
        (Field::Topic, s("calling/callConnections/c1")),
        (Field::Time, s("2026-11-24T10:00:01Z")),
    ]);
    callback.set(Field::ResultCode, Val::Int(400));
    assert!(matches!(normalize(&callback, &tr), Outcome::Record(_)));
    // A `source` (or `topic`) alone names a resource, not a record: an app's note kept beside
    // its events (`{"note": "app restarted", "source": "webhook-logger v2"}`) had been a `no
    // code` reject since `source` was read (rev69a F3).
    assert_eq!(
        normalize(&raw(&[(Field::Topic, s("webhook-logger v2"))]), &tr),
        Outcome::Skip(SkipReason::NotALogRecord)
    );
    for t in [
        "1999-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
    ] {
        let mut r = raw(&[(Field::Time, s(t))]);
        r.set(Field::ResultCode, Val::Int(500));
        assert!(
            matches!(
                normalize(&r, &tr),
                Outcome::Reject(Reason::TimeOutOfRange, _)
            ),
            "{t}"
        );
    }
    // The detail says what is wrong with a number ("a non-scalar value" for 400.5 and 2^63, the
    // bare number for -1 and 2^32 + 1).
    for (v, want) in [
        (Val::Int(-1), "code \"-1 (out of range)\""),
        (
            Val::Int(4_294_967_297),
            "code \"4294967297 (out of range)\"",
        ),
        (Val::Float(400.5), "code \"400.5 (not a whole number)\""),
        (
            Val::Float(9.3e18),
            "code \"9300000000000000000 (out of range)\"",
        ),
        (s("-7"), "code \"-7 (out of range)\""),
        (s("400.5"), "code \"400.5 (not a whole number)\""),
        (
            s("1e13"),
            "code \"1e13 (scientific notation: its digits may be lost)\"",
        ),
        (
            s("4.04E+02"),
            "code \"4.04E+02 (scientific notation: its digits may be lost)\"",
        ),
        (s("4x4"), "code \"4x4\""),
        // Text with an `e` that is no number is said as it is (rev62c F6).
        (s("Failed"), "code \"Failed\""),
        (s("0x1F4E"), "code \"0x1F4E\""),
        (s(".5e3"), "code \".5e3\""),
        (s("1e"), "code \"1e\""),
    ] {
        let mut r = raw(&base);
        r.set(Field::ResultCode, v);
        match normalize(&r, &tr) {
            Outcome::Reject(Reason::CodeNotInteger, d) => assert_eq!(d, want),
            _ => panic!("{want}: not rejected"),
        }
    }
}

#[test]
fn callback_type_gives_operation() {
    let r = raw(&[
        (Field::Time, s("2022-09-13T00:55:08.2240104+00:00")),
        (Field::Type, s("Microsoft.Communication.RecognizeFailed")),
        (Field::ResultCode, Val::Int(400)),
        (Field::ResultSubcode, Val::Int(8510)),
    ]);
    let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
        panic!()
    };
    assert_eq!(rec.kind, Kind::Callback);
    assert_eq!(rec.operation, "RecognizeFailed");
    assert_eq!(rec.result_type, "Failed");
    // In any case, with spaces around it.
    for (ty, op) in [
        ("microsoft.communication.recognizefailed", "recognizefailed"),
        (
            " Microsoft.Communication.RecognizeFailed ",
            "RecognizeFailed",
        ),
        ("MICROSOFT.COMMUNICATION.RECOGNIZEFAILED", "RECOGNIZEFAILED"),
    ] {
        let r = raw(&[
            (Field::Time, s("2022-09-13T00:55:08.2240104+00:00")),
            (Field::Type, s(ty)),
            (Field::ResultCode, Val::Int(400)),
            (Field::ResultSubcode, Val::Int(8510)),
        ]);
        let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
            panic!("{ty}")
        };
        assert_eq!(
            (rec.kind, rec.operation.as_ref(), rec.result_type.as_ref()),
            (Kind::Callback, op, "Failed"),
            "{ty}"
        );
    }
    // A failure event without a result is damaged, in any case; Event Grid's handshake too is
    // told in any case.
    let r = raw(&[
        (Field::Time, s("2026-11-24T19:00:00Z")),
        (Field::Type, s("microsoft.communication.playfailed")),
    ]);
    assert!(matches!(
        normalize(&r, &TimeRules::default()),
        Outcome::Reject(Reason::NoCode, _)
    ));
    let r = raw(&[
        (Field::Time, s("2026-11-24T19:00:00Z")),
        (
            Field::Type,
            s("microsoft.eventgrid.subscriptionvalidationevent"),
        ),
    ]);
    assert_eq!(
        normalize(&r, &TimeRules::default()),
        Outcome::Skip(SkipReason::NoResult)
    );
}

#[test]
fn keys_match_case_insensitively() {
    assert_eq!(
        key_role(Context::Record, "resultSubCode"),
        KeyRole::Field(Field::ResultSubcode)
    );
    assert_eq!(
        key_role(Context::Record, "CorrelationID"),
        KeyRole::Field(Field::CorrelationId)
    );
    assert_eq!(
        key_role(Context::Record, "Properties"),
        KeyRole::Enter(Context::Record)
    );
    assert_eq!(
        key_role(Context::ResultInformation, "subCode"),
        KeyRole::Field(Field::ResultSubcode)
    );
    assert_eq!(key_role(Context::Record, "durationMs"), KeyRole::Ignore);
    // Folding must not let other bytes pass for letters or a longer key for a shorter one.
    assert_eq!(
        key_role(Context::Record, "TIME"),
        KeyRole::Field(Field::Time)
    );
    assert_eq!(key_role(Context::Record, "t\u{9}me"), KeyRole::Ignore);
    assert_eq!(key_role(Context::Record, "TIME\0"), KeyRole::Ignore);
    assert_eq!(key_role(Context::Record, "time_"), KeyRole::Ignore);
    assert_eq!(key_role(Context::Record, "timegenerated1"), KeyRole::Ignore);
    assert_eq!(
        key_role(Context::Record, "ResultInformation"),
        KeyRole::Enter(Context::ResultInformation)
    );
    assert_eq!(
        key_role(Context::Record, "resultinformatioN2"),
        KeyRole::Ignore
    );
    assert_eq!(
        key_role(Context::ResultInformation, "Code"),
        KeyRole::Field(Field::ResultCode)
    );
    assert_eq!(
        key_role(Context::ResultInformation, "time"),
        KeyRole::Ignore
    );
    for v in ["", " ", "None", " null ", "NULL", "\u{a0}"] {
        assert!(Val::Str(v.into()).is_nullish(), "{v:?}");
    }
    for v in ["0", "Nonesuch", "x", " x", "\u{e9}"] {
        assert!(!Val::Str(v.into()).is_nullish(), "{v:?}");
    }
}

/// The inline paths of `Val::text` and `Val::integer` give what their general paths give.
#[test]
fn text_and_integer_read_alike_by_both_paths() {
    let texts = [
        "",
        " ",
        "None",
        "null",
        "NULL",
        "nUlL",
        "Null",
        "none",
        "NONE",
        "Nonf",
        "nulm",
        "mull",
        " null ",
        "null ",
        "a",
        "ab",
        "abc",
        " ab",
        "Play",
        "Failed",
        "abcde",
        " abcde",
        "abcde ",
        "ab\tcd",
        "é-abc",
        "abc-é",
        "\u{a0}abcde",
        "0",
        "7",
        "007",
        "404",
        "8522",
        "123456789",
        "999999999",
        "1234567890",
        "4294967295",
        "4294967296",
        "+404",
        "-1",
        "4.0",
        "404.5",
        " 404",
        "404 ",
        "4e2",
        "0x10",
        "١٢٣",
    ];
    let mut vals: Vec<Val<'_>> = texts.iter().map(|t| Val::Str(Cow::Borrowed(*t))).collect();
    vals.extend(texts.iter().map(|t| Val::Str(Cow::Owned(t.to_string()))));
    vals.extend([
        Val::Missing,
        Val::Null,
        Val::Int(0),
        Val::Int(404),
        Val::Int(-1),
        Val::Int(i64::from(u32::MAX)),
        Val::Int(i64::from(u32::MAX) + 1),
        Val::Int(i64::MIN),
        Val::Float(404.0),
        Val::Float(0.5),
        Val::Bool(true),
        Val::Other,
    ]);
    for v in &vals {
        assert_eq!(v.text(), v.text_rest(), "{v:?}");
        assert_eq!(v.integer(), v.integer_rest(), "{v:?}");
    }
    assert_eq!(s("007").integer(), Ok(Some(7)));
    assert_eq!(s("123456789").integer(), Ok(Some(123_456_789)));
}

#[test]
fn a_raw_that_took_owned_text_is_dropped_not_forgotten() {
    // A Raw's drop passes over its values when it never held owned text: each way of setting a
    // value must say when it takes one, or its text would never be freed.
    let owned = || Val::Str(Cow::Owned("Action failed.".to_string()));
    let borrowed = Val::Str(Cow::Borrowed("Action failed."));
    let mut raw = Raw::default();
    raw.set(Field::ResultMessage, borrowed.clone());
    raw.set_at(Field::OperationName, Val::Int(7), 0, &mut { NO_LEVELS });
    assert!(!raw.owned);
    raw.set(Field::ResultType, owned());
    assert!(raw.owned);
    let mut raw = Raw::default();
    raw.set_at(Field::ResultType, owned(), 1, &mut { NO_LEVELS });
    assert!(raw.owned);
    let mut inner = Raw::default();
    inner.set(Field::ResultType, owned());
    let mut raw = Raw::default();
    raw.fill_from(inner);
    assert!(raw.owned);
    let mut raw = Raw::default();
    raw.set(Field::ResultType, borrowed);
    assert!(raw.into_owned().owned);
    // Equality is of the values alone.
    let mut a = Raw::default();
    a.set(Field::ResultType, owned());
    let mut b = Raw::default();
    b.set(Field::ResultType, Val::Str(Cow::Borrowed("Action failed.")));
    assert_eq!(a, b);
}

/// A skipped Event Grid calling event names its call's ACS resource by its `topic`, and a
/// skipped streaming-usage record by its resource id: what the join of callback records takes
/// from them ([`naming_call`]). A topic of another provider, a record of no call or no time,
/// and the skips of records of no call's (another service's log) name none.
#[test]
fn a_skipped_incoming_call_names_its_call_s_resource_by_its_topic() {
    let tr = TimeRules::default();
    let topic = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/ACS-Contoso";
    let incoming = |topic: &'static str| {
        raw(&[
            (Field::Type, s("Microsoft.Communication.IncomingCall")),
            (Field::Time, s("2026-11-24T01:00:00Z")),
            (Field::CorrelationId, s("c1")),
            (Field::ServerCallId, s("aHR0cHM6")),
            (Field::Topic, s(topic)),
        ])
    };
    // CloudEvents name the publisher `source` (rev68b F9: the repo's real CloudEvents
    // IncomingCall named no resource).
    for key in ["topic", "source", "Source"] {
        assert_eq!(
            key_role(Context::Record, key),
            KeyRole::Field(Field::Topic),
            "{key}"
        );
    }
    let r = incoming(topic);
    assert_eq!(normalize(&r, &tr), Outcome::Skip(SkipReason::NoResult));
    let named = naming_call(&r, SkipReason::NoResult, &tr).unwrap();
    assert_eq!(
        (named.call_id(), named.resource().as_deref()),
        (Some("c1"), Some("acs-contoso"))
    );
    let slash = incoming(
        "/subscriptions/s/resourceGroups/rg/providers/microsoft.communication/communicationservices/acs-contoso/",
    );
    let named = naming_call(&slash, SkipReason::NoResult, &tr).unwrap();
    assert_eq!(named.resource().as_deref(), Some("acs-contoso"));
    // Nothing of it is counted as a result.
    assert_eq!((named.code, named.subcode), (0, None));
    assert!(naming_call(&r, SkipReason::OtherService, &tr).is_none());
    for other in [
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/",
        // Only a CommunicationServices resource publishes call events (rev68b's note: an
        // Email resource, or a path below the resource, was taken as the call's resource).
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/EmailServices/mail1",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs/extra/x",
        "acs-contoso",
    ] {
        assert!(
            naming_call(&incoming(other), SkipReason::NoResult, &tr).is_none(),
            "{other}"
        );
    }
    let no_call = raw(&[
        (Field::Type, s("Microsoft.Communication.IncomingCall")),
        (Field::Time, s("2026-11-24T01:00:00Z")),
        (Field::ServerCallId, s("aHR0cHM6")),
        (Field::Topic, s(topic)),
    ]);
    assert!(naming_call(&no_call, SkipReason::NoResult, &tr).is_none());
    let no_time = raw(&[(Field::CorrelationId, s("c1")), (Field::Topic, s(topic))]);
    assert!(naming_call(&no_time, SkipReason::NoResult, &tr).is_none());
    let usage = raw(&[
        (Field::Category, s("CallAutomationStreamingUsage")),
        (Field::Time, s("2026-11-24T01:00:00Z")),
        (Field::CorrelationId, s("c2")),
        (Field::ResourceId, s("/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-EU")),
    ]);
    assert_eq!(
        normalize(&usage, &tr),
        Outcome::Skip(SkipReason::StreamingUsage)
    );
    let named = naming_call(&usage, SkipReason::StreamingUsage, &tr).unwrap();
    assert_eq!(named.resource().as_deref(), Some("acs-eu"));
}

/// [`known_kind`]'s words or-ed with 0x20 read a name as `eq_ignore_ascii_case` does: each
/// name in three cases, and with each of its bytes (and its length) changed.
#[test]
fn known_kinds_are_found_in_any_case_and_only_so() {
    let slow = |s: &str| {
        (KNOWN_KINDS.iter())
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|&(_, k)| k)
    };
    for (name, kind) in KNOWN_KINDS {
        assert!(name.len() >= 8 && name.bytes().all(|c| c.is_ascii_alphabetic()));
        for s in [
            name.to_string(),
            name.to_ascii_lowercase(),
            name.to_ascii_uppercase(),
        ] {
            assert_eq!(known_kind(&s), Some(kind), "{s}");
        }
        for i in 0..name.len() {
            for c in 0..=127u8 {
                let mut b = name.as_bytes().to_vec();
                b[i] = c;
                let s = String::from_utf8(b).expect("ASCII");
                assert_eq!(known_kind(&s), slow(&s), "{s:?}");
            }
        }
        for s in [&name[1..], &name[..name.len() - 1], &format!("{name}s")] {
            assert_eq!(known_kind(s), None, "{s}");
        }
    }
    for s in ["", "Callauto", "CallAutomationMediaSummar\u{e9}"] {
        assert_eq!(known_kind(s), None, "{s}");
    }
}
