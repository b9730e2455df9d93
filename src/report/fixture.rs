//! A small report, built by hand, for the tests of the report model and of every renderer:
//! four weeks of baseline (the same weekday) and a day with a spike, a SIP diagnostic, an
//! uncatalogued key, a caller outcome that spikes too, hostile text, rejects and a skip.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};

use crate::aggregate::{Aggregator, Focus, Window};
use crate::catalogue::Catalogue;
use crate::ingest::{FileReport, Sink};
use crate::record::{At, Diagnostic, Kind, Reason, Record, Reject, SkipReason};
use crate::spikes::history::History;
use crate::spikes::{self, Thresholds};

use super::triage::Triage;
use super::Report;

/// The catalogue shipped in the binary.
pub fn catalogue() -> Catalogue {
    Catalogue::load(&[], true).expect("the built-in catalogue loads")
}

/// A record of the fixture: the `n`th of `day` (days after 2026-10-27).
pub(crate) fn record(
    day: i64,
    n: i64,
    code: u32,
    subcode: Option<u32>,
    kind: Kind,
    message: &str,
) -> Record<'static> {
    let start = Utc.with_ymd_and_hms(2026, 10, 27, 0, 0, 0).unwrap();
    Record {
        time: start + Duration::days(day) + Duration::minutes(37 * n),
        kind,
        operation: Cow::Borrowed(if kind == Kind::Callback {
            "PlayFailed"
        } else {
            "Play"
        }),
        result_type: Cow::Borrowed(if code < 300 { "Succeeded" } else { "Failed" }),
        code,
        subcode,
        message: Cow::Owned(message.to_string()),
        correlation_id: Cow::Owned(format!("call-{day}-{}", n % 7)),
        call_connection_id: Cow::Borrowed(""),
        operation_id: Cow::Borrowed(""),
        resource_id: Cow::Borrowed(""),
        sdk_type: Cow::Borrowed(""),
        sdk_version: Cow::Borrowed(""),
        prompt: Cow::Borrowed(""),
        server_call_id: Cow::Borrowed(""),
        sip: Diagnostic::default(),
        q850: Diagnostic::default(),
        target: "".into(),
        operation_context: "".into(),
    }
}

/// Hands the fixture's records, rejects and skip to `sink`, as one file's reading would.
pub fn feed<S: Sink>(sink: &mut S) {
    let ok = "Action completed successfully.";
    // Day 28 (2026-11-24) and the same weekday in the four weeks before it.
    for day in (0..=28).step_by(7) {
        for n in 0..20 {
            sink.record(&record(day, n, 200, Some(0), Kind::MediaSummary, ok));
        }
        // One failure on each baseline day, then eighteen.
        let failures = if day == 28 { 18 } else { 1 };
        for n in 0..failures {
            let play = "Play failed.";
            sink.record(&record(day, n, 404, Some(8522), Kind::MediaSummary, play));
        }
        // A caller outcome that spikes on the same day: callers went quiet.
        let silent = if day == 28 { 15 } else { 1 };
        for n in 0..silent {
            let quiet = "Recognize action failed: initial silence timeout.";
            sink.record(&record(day, n, 400, Some(8510), Kind::MediaSummary, quiet));
        }
    }
    // A record past the last day makes it complete: the day the spike test looks at.
    sink.record(&record(29, 0, 200, Some(0), Kind::MediaSummary, ok));
    let server = "Unexpected server error.";
    let mut busy = record(28, 3, 503, Some(560_503), Kind::Callback, server);
    busy.sip = Diagnostic {
        code: Some(503),
        message: Cow::Borrowed("Service Unavailable"),
    };
    busy.q850 = Diagnostic {
        code: Some(41),
        message: Cow::Borrowed("Temporary failure"),
    };
    sink.record(&busy);
    sink.record(&busy);
    let hostile = "<script>alert(1)</script> | *bold* invoice_\u{202E}fdp.exe";
    sink.record(&record(28, 5, 418, Some(99_999), Kind::Operations, hostile));
    sink.record(&record(
        28,
        6,
        487,
        Some(0),
        Kind::Callback,
        "Call canceled.",
    ));
    let file: Arc<str> = Arc::from("logs/a.jsonl");
    sink.reject(Reject::new(
        file.clone(),
        At::line(7),
        Reason::NotJson,
        "expected value at column 1",
        "Partition 0, offset 2147",
    ));
    sink.reject(Reject::new(
        Arc::from("logs/b.json"),
        At {
            line: 40,
            record: Some(3),
        },
        Reason::CodeNotInteger,
        "code \"4o4\"",
        "{ \"ResultCode\": \"4o4\" }",
    ));
    sink.skip(SkipReason::NoResult, None);
    sink.done();
}

/// The files the fixture's records came from.
pub fn inputs() -> Vec<FileReport> {
    vec![
        FileReport {
            path: "logs/a.jsonl".into(),
            shape: "json lines",
            accepted: 146,
            rejected: 1,
            skipped: 1,
            outside: 0,
            ..FileReport::default()
        },
        FileReport {
            path: "logs/b.json".into(),
            shape: "json document",
            accepted: 0,
            rejected: 1,
            skipped: 0,
            outside: 0,
            ..FileReport::default()
        },
    ]
}

/// The fixture's report, spikes tested on its last day.
pub fn report(cat: &Catalogue) -> Report {
    let mut agg = Aggregator::new(Window::default(), 86_400);
    feed(&mut agg);
    let history = History::from_aggregator(&agg);
    let day = spikes::report_day(&history, None);
    let found = spikes::detect(&history, day, Thresholds::default());
    let volume = spikes::volume::test(&history, day, &Default::default(), &[]);
    super::build(
        agg,
        cat,
        (inputs(), vec!["logs/".into()], Default::default()),
        vec!["logs/a.jsonl: a warning naming \u{1b}[31mred\u{1b}[0m text".into()],
        found,
        volume,
    )
}

/// The triage of subcode 8522 over the fixture.
pub fn triage(cat: &Catalogue) -> Triage {
    let mut focus = Focus::new(8522, None, Aggregator::new(Window::default(), 86_400));
    feed(&mut focus);
    let history = History::from_aggregator(&focus.all);
    let day = spikes::report_day(&history, None);
    let asked = super::triage::Asked {
        day,
        thresholds: Thresholds::default(),
        by_resource: false,
    };
    super::triage::build(focus, cat, &history, &asked)
}
