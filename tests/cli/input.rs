//! Untrusted text and bad input: escaping in every format, bad flags and paths, standard input, empty inputs, and what damage costs.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

#[test]
fn csv_injection_is_neutralized_and_markdown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("evil.json");
    std::fs::write(
        &input,
        concat!(
            r#"{"time":"2026-11-24T01:00:00Z","operationName":"=cmd|' /C calc'!A0","properties":{"resultCode":400,"resultSubcode":8510}}"#,
            "\n",
            r#"{"time":"2026-11-24T01:00:00Z","operationName":"Play|x\ny","properties":{"resultCode":400,"resultSubcode":8510}}"#,
            "\n",
            "=HYPERLINK(\"http://evil.example\",\"x\")\n",
            "+cmd\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "10"]).success();
    let ops = std::fs::read_to_string(out.join("by_operation.csv")).unwrap();
    assert!(
        ops.contains("\n'=cmd|' /C calc'!A0,media_summary,400,"),
        "{ops}"
    );
    let rejects = read_csv(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 2);
    assert!(
        rejects.iter().all(|r| r["excerpt"].starts_with('\'')),
        "{rejects:?}"
    );
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains("| Play\\|x<br>y | media_summary |"),
        "{summary}"
    );
    // Numbers are never prefixed.
    let codes = std::fs::read_to_string(out.join("by_code.csv")).unwrap();
    assert!(codes.contains("\n400,8510,client,"), "{codes}");
}

#[test]
fn hostile_log_text_is_inert_in_markdown_html_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.json");
    let message = "[click](javascript:alert(1)) ![x](http://evil.example/pixel.png) **bold** `tick` _u_ # h \\ ~~s~~ &#x202E; \u{1b}[2J\u{7} invoice_\u{202E}fdp.exe";
    let record = |time: &str, op: &str, corr: &str, conn: &str, msg: &str| {
        serde_json::json!({
            "time": time, "operationName": op, "correlationId": corr,
            "properties": {"callConnectionId": conn, "resultCode": 400, "resultSubcode": 8536, "resultMessage": msg},
        })
        .to_string()
    };
    let long_op = format!("={}", "A".repeat(200_000));
    let long_message = format!("\n=1+1{}", "B".repeat(100_000));
    // The hostile message twice, so that it is the most frequent one.
    let mut lines: Vec<String> = ["2026-11-24T01:00:00Z", "2026-11-24T01:00:01Z"]
        .iter()
        .map(|t| {
            record(
                t,
                "![op](http://evil.example/op.png)\u{202E}\u{1b}]0;x\u{7}",
                "@[id](javascript:alert(1))\u{2066}",
                "![c](http://evil.example/c.png)",
                message,
            )
        })
        .collect();
    lines.push(record(
        "2026-11-24T01:00:02Z",
        &long_op,
        "c2",
        "",
        &long_message,
    ));
    lines.push(record("2026-11-24T01:00:03Z", "\n-2+3", "c3", "", "plain"));
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &[]).success();

    // No log text becomes a link, an image, markup or a terminal escape in Markdown.
    let inert_md = |md: &str| {
        for bad in [
            "![", "\u{1b}", "\u{7}", "\u{202E}", "\u{2066}", "<img", "&#x",
        ] {
            assert!(!md.contains(bad), "{bad:?} in {md}");
        }
        // A `](` of a link only after an escaped `]`, or in the catalogue's https links.
        for (i, _) in md.match_indices("](") {
            let escaped = md[..i].ends_with('\\');
            assert!(
                escaped || md[i..].starts_with("](https://"),
                "a link in {md}"
            );
        }
    };
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    inert_md(&summary);
    assert!(
        summary.contains("| \\[click\\](javascript:alert(1)) \\!\\[x\\](http\\://evil.example/pixel.png) \\*\\*bold\\*\\* \\`tick\\` \\_u\\_ # h \\\\ \\~\\~s\\~\\~ &amp;#x202E; \u{FFFD}\\[2J\u{FFFD} invoice\\_\u{FFFD}fdp.exe |"),
        "{summary}"
    );
    assert!(
        summary.contains("| \\!\\[op\\](http\\://evil.example/op.png)\u{FFFD}\u{FFFD}\\]0;x\u{FFFD} | media_summary |"),
        "{summary}"
    );
    assert!(
        summary.contains("| <br>-2+3 | media_summary |"),
        "{summary}"
    );
    // The long operation: cut to 1 KiB as it is read, ellipsis included.
    let kept_a = acs_triage::aggregate::texts::TEXT_BYTES - 1 - "…".len();
    assert!(
        summary.contains(&format!("| ={}… | media_summary |", "A".repeat(kept_a))),
        "the long operation is not cut"
    );

    let ops = read_csv(&out.join("by_operation.csv"));
    let op_cells: Vec<&str> = ops.iter().map(|r| r["operation"].as_str()).collect();
    assert!(
        op_cells.contains(&"![op](http://evil.example/op.png)\u{FFFD}\u{FFFD}]0;x\u{FFFD}"),
        "{op_cells:?}"
    );
    assert!(op_cells.contains(&"'\n-2+3"), "{op_cells:?}");
    let long = op_cells.iter().find(|c| c.starts_with("'=A")).unwrap();
    assert_eq!(long.chars().count(), 2 + kept_a + 1);
    assert!(long.ends_with("A…"));

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for bad in ["\u{1b}", "\u{7}", "\u{202E}", "\u{2066}"] {
        assert!(!html.contains(bad), "{bad:?} in report.html");
    }
    assert!(html.contains("invoice_\u{FFFD}fdp.exe"));
    // The message is kept cut to TEXT_BYTES: "\n=1+1", the Bs and the ellipsis.
    let bs = acs_triage::aggregate::texts::TEXT_BYTES - 5 - "…".len();
    assert!(html.contains(&format!("=1+1{}… (1)", "B".repeat(bs))));
    assert!(!html.contains(&"B".repeat(bs + 1)));

    // triage: the calls in Markdown and in CSV.
    let md = bin()
        .args(["triage", "8536"])
        .arg(&input)
        .assert()
        .success();
    let md = stdout(&md);
    inert_md(&md);
    assert!(
        md.contains("| \\@\u{2060}\\[id\\](javascript:alert(1))\u{FFFD} | \\!\\[c\\](http\\://evil.example/c.png) | 2 |"),
        "{md}"
    );
    let calls = dir.path().join("calls.csv");
    bin()
        .args(["triage", "8536", "--format", "csv", "--out"])
        .arg(&calls)
        .arg(&input)
        .assert()
        .success();
    let rows = read_csv(&calls);
    assert!(
        rows.iter()
            .any(|r| r["correlation_id"] == "'@[id](javascript:alert(1))\u{FFFD}"),
        "{rows:?}"
    );
}

/// Two keys that differ by a zero-width character (U+200B, U+2060, a U+FEFF inside a text) are
/// two rows that show apart, the character as U+FFFD as a control character shows, in Markdown,
/// HTML, CSV and triage's page; report.json keeps the text as the logs gave it (rev66a F5: on
/// main `acs-prod` and `acs-pr\u{200B}od` were two rows that read alike).
#[test]
fn zero_width_characters_in_keys_show_in_every_output_but_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("zw.jsonl");
    let rec = |t: &str, res: &str, op: &str, msg: &str, corr: &str| {
        serde_json::json!({
            "time": t, "category": "CallAutomationOperational", "operationName": op,
            "correlationId": corr,
            "resourceId": format!("/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/{res}"),
            "properties": {"resultCode": 400, "resultSubcode": 8536, "resultMessage": msg},
        })
        .to_string()
    };
    let lines = [
        rec(
            "2026-11-24T01:00:00Z",
            "ACS-PROD",
            "AnswerCall",
            "Call failed",
            "c1",
        ),
        rec(
            "2026-11-24T01:00:01Z",
            "ACS-PR\u{200B}OD",
            "Answer\u{2060}Call",
            "Call\u{FEFF}failed",
            "c2",
        ),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &[]).success();
    let zero_width = ['\u{200B}', '\u{2060}', '\u{FEFF}'];

    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let triage = bin()
        .args(["triage", "8536"])
        .arg(&input)
        .assert()
        .success();
    let triage = stdout(&triage);
    for (name, text) in [
        ("summary.md", &summary),
        ("report.html", &html),
        ("triage", &triage),
    ] {
        assert!(!text.contains(zero_width), "{name}: {text}");
        assert!(text.contains("acs-pr\u{FFFD}od"), "{name}: {text}");
    }
    assert!(summary.contains("| acs-pr\u{FFFD}od | 1 |"), "{summary}");
    assert!(summary.contains("| Answer\u{FFFD}Call |"), "{summary}");
    assert!(triage.contains("| Answer\u{FFFD}Call |"), "{triage}");
    assert!(triage.contains("| Call\u{FFFD}failed | 1 |"), "{triage}");
    assert!(html.contains("Call\u{FFFD}failed"), "{html}");

    let resources = read_csv(&out.join("by_resource.csv"));
    let names: Vec<&str> = resources.iter().map(|r| r["resource"].as_str()).collect();
    assert_eq!(names, ["acs-prod", "acs-pr\u{FFFD}od"]);
    let ops = read_csv(&out.join("by_operation.csv"));
    let ops: Vec<&str> = ops.iter().map(|r| r["operation"].as_str()).collect();
    assert!(ops.contains(&"Answer\u{FFFD}Call"), "{ops:?}");

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let names: Vec<&str> = (json["by_resource"].as_array().unwrap().iter())
        .map(|r| r["resource"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acs-prod", "acs-pr\u{200B}od"]);
}

/// A mitigation of thousands of codes (4,000 uncatalogued subcodes, `(no documented
/// mitigation)`) has its `codes` cut after a whole code below the cap, saying how many it left
/// out, in by_mitigation.csv, summary.md and report.html alike; report.json lists every one
/// (rev67b: on main the cell was cut at 32,000 characters mid-code, `400/102908 …`, with no
/// count of the codes not shown).
#[test]
fn a_mitigation_of_thousands_of_codes_says_how_many_it_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let codes: Vec<String> = (0..4000).map(|i| format!("400/{}", 100_000 + i)).collect();
    let lines: Vec<String> = (0..4000)
        .map(|i| {
            serde_json::json!({
                "time": format!("2026-11-24T01:{:02}:{:02}Z", i / 60 % 60, i % 60),
                "operationName": "Play", "category": "CallAutomationMediaSummary",
                "correlationId": format!("c{i}"),
                "properties": {"resultCode": 400, "resultSubcode": 100_000 + i},
            })
            .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--no-config"]).success();
    let rows = read_csv(&out.join("by_mitigation.csv"));
    let cell = rows[0]["codes"].as_str();
    assert!(cell.encode_utf16().count() <= 32_000);
    let (kept, left) = cell.rsplit_once(" … and ").expect(cell);
    let left: usize = left.strip_suffix(" more").unwrap().parse().unwrap();
    let kept: Vec<&str> = kept.split(' ').collect();
    assert_eq!(kept.len() + left, 4000);
    // The codes shown are whole, the first ones by_mitigation.csv orders (by count, then key).
    let mut ordered = codes.clone();
    ordered.sort();
    assert_eq!(kept, ordered[..kept.len()]);
    let said = format!(" … and {left} more");
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains(&format!("{said} |")),
        "no count in summary.md"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!("{said}</code>")),
        "no count in report.html"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let all = json["by_mitigation"][0]["codes"].as_str().unwrap();
    assert_eq!(all.split(' ').count(), 4000);
}

/// An emoji cut in half by an app or a logger (a lone UTF-16 surrogate's escape, as
/// JavaScript's `JSON.stringify` writes one) in an event's context or message is read as
/// U+FFFD, as a byte that is not UTF-8 is (rev70a F6): the events count (2 of 4 had been
/// `bad json document` rejects, exit 3), every output stays UTF-8, and triage shows the text.
#[test]
fn an_emoji_cut_in_half_in_an_event_is_read_as_u_fffd() {
    let event = |i: u32, context: &str, message: &str| {
        format!(
            r#"[{{"id":"e{i}","source":"calling/callConnections/cc1","type":"Microsoft.Communication.PlayFailed","time":"2026-11-24T10:00:0{i}Z","data":{{"operationContext":"{context}","resultInformation":{{"code":400,"subCode":8536,"message":"{message}"}},"callConnectionId":"cc1","correlationId":"c{i}"}}}}]"#
        ) + "\n"
    };
    let failed = "Action failed, file could not be downloaded.";
    let text = [
        event(1, r"welcome \ud83d", failed),
        event(2, "welcome", r"Play failed for \ud83d"),
        event(3, r"welcome \ud83d\ude00", failed),
        event(4, r"welcome \udc00", failed),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("callbacks.jsonl");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    let a = report_to(&input, &out, &["--format", "csv,json,md,html"]).success();
    assert!(
        stderr(&a).contains("4 records read: 4 accepted, 0 rejected"),
        "{}",
        stderr(&a)
    );
    assert!(read_csv(&out.join("rejects.csv")).is_empty());
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        assert!(
            std::str::from_utf8(&std::fs::read(&p).unwrap()).is_ok(),
            "{p:?}"
        );
    }
    let a = bin()
        .args(["triage", "400/8536"])
        .arg(&input)
        .assert()
        .success();
    let said = stdout(&a);
    for text in [
        "welcome \u{fffd}",
        "welcome \u{1f600}",
        "Play failed for \u{fffd}",
    ] {
        assert!(said.contains(text), "{text}: {said}");
    }
}

#[test]
fn reads_standard_input() {
    let line =
        r#"{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":404,"resultSubcode":8522}}"#;
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["report", "-", "--out", dir.path().to_str().unwrap()])
        .write_stdin(format!("{line}\n{line}\n"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("by_code.csv"));
    assert_eq!(
        (rows[0]["code"].as_str(), rows[0]["count"].as_str()),
        ("404", "2")
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["inputs"][0]["file"], "<stdin>");
}

/// A call accepted with no outcome read from standard input, which is read once, names its
/// ServerCallId in silent_calls.csv as from a file.
#[test]
fn a_silent_call_read_from_standard_input_names_its_server_call_id() {
    // A record of call `call`: `code` its fields of the result.
    let rec = |time: &str, category: &str, op: &str, code: &str, call: u32| {
        format!(
            r#"{{"time":"2026-11-24T{time}Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD","category":"{category}","operationName":"{op}","correlationId":"00000000-0000-0000-0000-00000000000{call}",{code}"#
        ) + &format!(r#""serverCallId":"aHR0cHM6Ly9hcGku{call}"}}}}"#)
    };
    let (ops, accepted) = (
        "CallAutomationOperational",
        r#""resultSignature":202,"properties":{"#,
    );
    let lines = [
        rec("01:00:00", ops, "Play", accepted, 1),
        rec("01:00:00", ops, "Play", accepted, 2),
        rec(
            "01:00:03",
            "CallAutomationMediaSummary",
            "Play",
            r#""properties":{"resultCode":200,"resultSubcode":0,"#,
            2,
        ),
        rec(
            "02:00:00",
            ops,
            "HangUp",
            r#""resultSignature":204,"properties":{"#,
            3,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["report", "-", "--out", dir.path().to_str().unwrap(), "-q"])
        .write_stdin(lines.join("\n"))
        .assert()
        .success();
    let rows = read_csv(&dir.path().join("silent_calls.csv"));
    let ids: Vec<(&str, &str)> = (rows.iter())
        .map(|r| (r["correlation_id"].as_str(), r["server_call_id"].as_str()))
        .collect();
    assert_eq!(
        ids,
        [("00000000-0000-0000-0000-000000000001", "aHR0cHM6Ly9hcGku1")]
    );
}

/// Call `n`'s CorrelationId in the silent-failure tests below; its CallConnectionId is call
/// `n + 5`'s.
fn call_id(n: u32) -> String {
    format!("00000000-0000-4000-8000-00000000000{n}")
}

/// An operations log record of acs-prod: action `name` of call `call` accepted (202) at `time`.
fn accepted(time: &str, name: &str, call: u32) -> String {
    format!(
        r#"{{"time":"2026-11-24T{time}Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD","category":"CallAutomationOperational","operationName":"{name}","resultSignature":202,"correlationId":"{}","properties":{{"callConnectionId":"{}"}}}}"#,
        call_id(call),
        call_id(call + 5)
    )
}

/// A callback event `kind` of call `call` at `time` (CloudEvents), `result` its
/// `resultInformation` member with its leading comma, or empty.
fn callback(time: &str, kind: &str, call: u32, result: &str) -> String {
    format!(
        r#"{{"id":"e{call}","source":"calling/callConnections/{c}","type":"Microsoft.Communication.{kind}","time":"2026-11-24T{time}Z","specversion":"1.0","data":{{"version":"2024-09-15","callConnectionId":"{c}","correlationId":"{}"{result}}}}}"#,
        call_id(call),
        c = call_id(call + 5)
    )
}

/// A row of a CSV report, by column.
type Row = std::collections::HashMap<String, String>;

/// silent.csv and silent_calls.csv of `report OPS EVENTS --format csv -q`: the operations
/// records as JSON Lines, the events as one JSON array.
fn silent_of(ops: &[String], events: &[String]) -> (Vec<Row>, Vec<Row>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ops.json"), ops.join("\n") + "\n").unwrap();
    std::fs::write(
        dir.path().join("events.json"),
        format!("[{}]\n", events.join(",")),
    )
    .unwrap();
    let out = dir.path().join("out");
    bin()
        .arg("report")
        .arg(dir.path().join("ops.json"))
        .arg(dir.path().join("events.json"))
        .arg("--out")
        .arg(&out)
        .args(["--format", "csv", "-q"])
        .assert()
        .success();
    (
        read_csv(&out.join("silent.csv")),
        read_csv(&out.join("silent_calls.csv")),
    )
}

/// A call whose callback events in the input are lifecycle events alone (CallConnected, without
/// a result) has its callback events in the input: its Play without a PlayCompleted or
/// PlayFailed is silent, not untested (README: "any action of a call that has a callback
/// event" is tested; rev60b's question).
#[test]
fn a_call_with_lifecycle_events_alone_has_its_actions_tested() {
    let done = r#","resultInformation":{"code":200,"subCode":0,"message":"Action completed successfully."}"#;
    let ops = [
        accepted("10:00:00", "Play", 1),
        accepted("10:00:00", "Play", 2),
        accepted("12:00:00", "Play", 3),
    ];
    let events = [
        callback("09:59:59", "CallConnected", 1, ""),
        callback("09:59:59", "CallConnected", 2, ""),
        callback("10:00:05", "PlayCompleted", 2, done),
        callback("12:00:05", "PlayCompleted", 3, done),
    ];
    let (rows, calls) = silent_of(&ops, &events);
    let play: Vec<&str> = ["accepted", "with_outcome", "without_outcome", "untested"]
        .iter()
        .map(|c| rows[0][*c].as_str())
        .collect();
    assert_eq!(play, ["3", "2", "1", "0"]);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["correlation_id"], call_id(1));
}

/// Event Grid's own calling events (an IncomingCall, a CallEnded) reach the app's Event Grid
/// subscription, not the call's callback URI: a call they alone name has its actions untested,
/// not silent (rev61a F2). A CancelAddParticipantSucceeded, the one event of a cancelled
/// invitation, ends its AddParticipant (rev61a F5); a CallConnected alone still makes the
/// call's AddParticipant silent.
#[test]
fn event_grid_events_test_no_action_and_a_cancelled_invitation_is_no_silent_one() {
    // Event Grid's schema, as the Event Grid events page shows a CallEnded.
    let ended = format!(
        r#"{{"id":"g2","topic":"/subscriptions/s/resourcegroups/g/providers/microsoft.communication/communicationservices/acs-prod","subject":"call/{}/startedBy/8:acs:x","data":{{"correlationId":"{}","serverCallId":"aHR0cHM6"}},"eventType":"Microsoft.Communication.CallEnded","dataVersion":"1.0","metadataVersion":"1","eventTime":"2026-11-24T10:00:06Z"}}"#,
        call_id(2),
        call_id(2)
    );
    let cancelled = r#","resultInformation":{"code":487,"subCode":5234,"message":"The invitation was cancelled."}"#;
    let ops = [
        accepted("10:00:00", "Play", 1),
        accepted("10:00:00", "Play", 2),
        accepted("10:00:00", "AddParticipant", 3),
        accepted("10:00:00", "AddParticipant", 4),
        // A record an hour later: the actions above are not late.
        accepted("11:00:00", "CreateCall", 9),
    ];
    let events = [
        callback("10:00:05", "IncomingCall", 1, ""),
        ended,
        callback("10:00:05", "CancelAddParticipantSucceeded", 3, cancelled),
        callback("10:00:05", "CallConnected", 4, ""),
    ];
    let (rows, calls) = silent_of(&ops, &events);
    let of = |action: &str| -> Vec<String> {
        let row = rows.iter().find(|r| r["action"] == action).unwrap();
        ["accepted", "with_outcome", "without_outcome", "untested"]
            .iter()
            .map(|c| row[*c].clone())
            .collect()
    };
    assert_eq!(of("Play"), ["2", "", "", "2"], "{rows:?}");
    assert_eq!(of("AddParticipant"), ["2", "1", "1", "0"], "{rows:?}");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["correlation_id"], call_id(4));
}

/// Numbers and globs that a flag refuses are said in the tool's words, with the value given and
/// what the flag takes (rev70a F1: std's `invalid digit found in string` and `number too large
/// to fit in target type`, clap's `99999999999 is not in 0..=4294967295`, the glob crate's
/// `Pattern syntax error near position 0: invalid range pattern`).
#[test]
fn numbers_and_globs_a_flag_refuses_are_said_in_the_tool_s_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let r = ["report", "samples/", "--out", out];
    for (args, says) in [
        (
            &[&r[..], &["--spike-min-count", "-1"]].concat(),
            "invalid value '-1' for '--spike-min-count <N>': \"-1\" is not a whole number of 0 or more (see --help)",
        ),
        (
            &[&r[..], &["--spike-min-count", "1.5"]].concat(),
            "invalid value '1.5' for '--spike-min-count <N>': \"1.5\" is not a whole number of 0 or more (see --help)",
        ),
        (
            &[&r[..], &["--spike-min-count", "99999999999999999999"]].concat(),
            "\"99999999999999999999\" is not a whole number from 0 to 18446744073709551615 (see --help)",
        ),
        (
            &["triage", "8522", "samples/", "--calls", "--limit", "x"][..].to_vec(),
            "invalid value 'x' for '--limit <N>': \"x\" is not a whole number of 1 or more (see --help)",
        ),
        (
            &["triage", "8522", "samples/", "--code", "abc"][..].to_vec(),
            "invalid value 'abc' for '--code <CODE>': \"abc\" is not a whole number from 0 to 4294967295 (see --help)",
        ),
        (
            &["triage", "8522", "samples/", "--code", "99999999999"][..].to_vec(),
            "invalid value '99999999999' for '--code <CODE>': \"99999999999\" is not a whole number from 0 to 4294967295 (see --help)",
        ),
        (
            &["kql", "triage", "--subcode", "8511", "--code", "x"][..].to_vec(),
            "invalid value 'x' for '--code <CODE>': \"x\" is not a whole number from 0 to 4294967295 (see --help)",
        ),
        (
            &[&r[..], &["--resource", "[abc"]].concat(),
            "invalid value '[abc' for '--resource <GLOB>': \"[abc\" is not a glob pattern: a [ opens a set of characters that it does not close ([abc], [!abc], [a-z]; [[] for a [ itself) (see --help)",
        ),
        (
            &[&r[..], &["--retired", "acs-***"]].concat(),
            "\"acs-***\" is not a glob pattern: *** is no wildcard: * is any text of a name, ** any names between slashes (see --help)",
        ),
    ] {
        let o = bin().args(args).assert().code(2);
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("acs-triage: ") && err.trim_end().ends_with(says), "{args:?}: {err}");
    }
}

#[test]
fn bad_flags_and_paths_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    // Usage errors too: clap's message with its possible values or tip, no usage block.
    for (args, says) in [
        (
            &["report", "samples/", "--out", out, "--bucket", "week"][..],
            "acs-triage: invalid value 'week' for '--bucket <BUCKET>' [possible values: auto, hour, day] (see --help)",
        ),
        (
            &["report", "samples/", "--out", out, "--since", "yesterday"],
            "acs-triage: invalid value 'yesterday' for '--since <TIME>'",
        ),
        (
            &["report", "samples/"],
            "acs-triage: the following required arguments were not provided (on the command line or in the config file): --out <DIR>",
        ),
        (
            &["report", "--bogus", "samples/"],
            "acs-triage: unexpected argument '--bogus' found; tip: to pass '--bogus' as a value",
        ),
        (&["nosuch"], "acs-triage: unrecognized subcommand 'nosuch'"),
        // A negative number reaches the flag's own check, which names the flag and its bound.
        (
            &["report", "samples/", "--out", out, "--spike-min-excess", "-1"],
            "acs-triage: invalid value '-1' for '--spike-min-excess <N>': \"-1\" is not a finite number of at least 0",
        ),
        (
            &["report", "samples/", "--out", out, "--volume-low-ratio", "0.4"],
            "acs-triage: invalid value '0.4' for '--volume-low-ratio <R>': \"0.4\" is not a share of the expected records in (0.5, 1]",
        ),
        (
            &["report", "samples/", "--out", out, "--spike-p", "-0.5"],
            "acs-triage: invalid value '-0.5' for '--spike-p <P>': \"-0.5\" is not a p-value in (0, 1]",
        ),
        (
            &["triage", "8522", "samples/", "--calls", "--limit", "-3"],
            "acs-triage: invalid value '-3' for '--limit <N>'",
        ),
        // 0 calls is no list: refused, where it had printed the CSV's header alone (rev63b).
        (
            &["triage", "8522", "samples/", "--calls", "--limit", "0"],
            "acs-triage: invalid value '0' for '--limit <N>': 0 would list no call: give 1 or more, or leave --limit out for every call",
        ),
    ] {
        let o = bin().args(args).assert().code(2);
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with(says), "{args:?}: {err}");
    }
    let o = bin()
        .args(["report", "no/such/file.json", "--out", out])
        .assert()
        .code(1);
    assert_eq!(
        stderr(&o).trim(),
        "acs-triage: input no/such/file.json does not exist"
    );
    // `--fail-on-spike all`, with a space, gives `all` to the inputs: said how to write it.
    let o = bin()
        .args(["report", "samples/", "--out", out, "--fail-on-spike", "all"])
        .assert()
        .code(1);
    assert_eq!(
        stderr(&o).trim(),
        "acs-triage: input all does not exist (a value of --fail-on-spike follows an =: --fail-on-spike=all)"
    );
    // A path typed with an escape sequence or a bidi control does not reach the terminal as
    // one (a hostile-input review, /tmp/rev50a §11: they had been echoed raw); nor a value of
    // clap's own errors.
    // A path shows them escaped, as every output names a file (rev70a F5).
    let hostile = "no/\u{1b}]0;pwned\u{7}\u{202e}txt.json";
    for (args, shown) in [
        (
            vec!["report", hostile, "--out", out],
            "no/\\u{1b}]0;pwned\\u{7}\\u{202e}txt.json",
        ),
        (
            vec![
                "report",
                "samples/",
                "--out",
                out,
                "--bucket",
                "\u{202e}x\u{1b}[2J",
            ],
            "\u{fffd}",
        ),
    ] {
        let o = bin().args(&args).assert();
        let err = stderr(&o);
        assert!(!err.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{err:?}");
        assert!(err.contains(shown), "{err:?}");
    }
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = bin()
        .args(["report", "samples/", "--out", file.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

/// A path the run cannot reach is said so, not said not to exist (rev61b F5: an input or a
/// triage `--history` behind a directory the user cannot search was "does not exist" / "is
/// not a directory"): one line, exit 1. A file on the way that is no directory, or a link
/// loop, too.
#[test]
fn a_path_behind_a_directory_that_cannot_be_searched_is_not_missing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let refused = |args: &[&std::ffi::OsStr], says: String| {
        let a = bin().args(args).assert().code(1);
        assert_eq!(stderr(&a), format!("acs-triage: {says}\n"), "{args:?}");
    };
    let behind_a_file = root().join("samples/README.md/x.jsonl");
    refused(
        &[
            "report".as_ref(),
            behind_a_file.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        format!(
            "cannot read {}: Not a directory (os error 20)",
            behind_a_file.display()
        ),
    );
    // A link to itself: "does not exist" too, before.
    let looped = dir.path().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    refused(
        &[
            "report".as_ref(),
            looped.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        format!(
            "cannot read {}: Too many levels of symbolic links (os error 40)",
            looped.display()
        ),
    );
    // A report's `--history` the same way: it had been "cannot create history directory".
    let input = dir.path().join("x.jsonl");
    std::fs::write(&input, "").unwrap();
    let hist = root().join("samples/README.md/history");
    refused(
        &[
            "report".as_ref(),
            input.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--history".as_ref(),
            hist.as_os_str(),
        ],
        format!(
            "cannot read history {}: Not a directory (os error 20)",
            hist.display()
        ),
    );
    let locked = dir.path().join("locked");
    std::fs::create_dir_all(locked.join("hist")).unwrap();
    let input = locked.join("x.jsonl");
    std::fs::write(&input, "").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let searchable = std::fs::metadata(&input).is_ok();
    if searchable {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
        println!("skipped the 0000 directory: this user (root) searches it all the same");
        return;
    }
    let denied = "Permission denied (os error 13)";
    refused(
        &[
            "report".as_ref(),
            input.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        format!("cannot read {}: {denied}", input.display()),
    );
    let hist = locked.join("hist");
    refused(
        &[
            "triage".as_ref(),
            "8572".as_ref(),
            "--history".as_ref(),
            hist.as_os_str(),
        ],
        format!("cannot read history {}: {denied}", hist.display()),
    );
    // report, which makes a history that is not there, says so too (it had said "cannot
    // create history directory").
    let other = dir.path().join("x.jsonl");
    refused(
        &[
            "report".as_ref(),
            other.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--history".as_ref(),
            hist.as_os_str(),
        ],
        format!("cannot read history {}: {denied}", hist.display()),
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// A nightly directory whose export came zipped holds no file to read: under -q, the one line
/// says so (rev70a F4: `under --fail-on-spike, no spike test: the input covers no whole UTC day
/// (...)`, the records' hours blamed where there was no file, and without --fail-on-spike
/// nothing at all).
#[test]
fn a_quiet_run_whose_inputs_hold_no_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("PT1H.json.zip"), b"PK\x03\x04").unwrap();
    let out = dir.path().join("out");
    let passed = "; passed over 1 file, ";
    for (flags, starts) in [
        (
            &["-q", "--fail-on-spike"][..],
            "acs-triage: under --fail-on-spike, no spike test: no input files found (",
        ),
        (&["-q"], "acs-triage: warning: no input files found ("),
    ] {
        let o = report_to(&inputs, &out, flags).code(0);
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{flags:?}: {err}");
        assert!(err.starts_with(starts), "{flags:?}: {err}");
        assert!(
            err.trim_end().ends_with("PT1H.json.zip") && err.contains(passed),
            "{err}"
        );
    }
}

#[test]
fn empty_inputs_are_said_and_an_empty_window_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let out = dir.path().join("out");
    let o = report_to(&inputs, &out, &[]).code(0);
    assert!(
        stderr(&o).contains("warning: no input files found"),
        "{}",
        stderr(&o)
    );
    // A folder of files it does not take names them.
    std::fs::write(inputs.join("export.parquet"), "PAR1").unwrap();
    let o = report_to(&inputs, &out, &[]).code(0);
    assert!(
        stderr(&o).contains("; passed over 1 file, ") && stderr(&o).contains("export.parquet"),
        "{}",
        stderr(&o)
    );
    std::fs::write(inputs.join("PT1H.json"), "").unwrap();
    let o = report_to(&inputs, &out, &["--format", "md,json,html"]).code(0);
    assert!(
        stderr(&o).contains("warning: the inputs hold no records"),
        "{}",
        stderr(&o)
    );
    // No rate of no record (rev70a F4: "needs action 0.00%, failure rate 0.00%" read as a
    // quiet night), and the spike note says why there is no day.
    assert!(
        stderr(&o).contains("0 records read: 0 accepted, 0 rejected, 0 skipped; no rate (no record accepted); reports in"),
        "{}",
        stderr(&o)
    );
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("- **Needs action:** n/a (0 failure-class records of 0 accepted)"),
        "{md}"
    );
    assert!(md.contains("- **Failure rate:** n/a ("), "{md}");
    assert!(
        md.contains("No spike test: the input holds no record"),
        "{md}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("0.00%"), "{html}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert!(
        json["needs_action_rate"].is_null() && json["failure_rate"].is_null(),
        "{json}"
    );
    // Beside a file it reads, an export it does not read is named all the same (Event Hubs
    // Capture's Avro beside JSON had been passed over without a word).
    assert!(
        stderr(&o).contains(
            "warning: passed over 1 file of a kind this tool does not read (.avro, .parquet"
        ) && stderr(&o).contains("export.parquet: export them as JSON or CSV"),
        "{}",
        stderr(&o)
    );
    let o = report_to(
        Path::new("samples/"),
        &out,
        &["--since", "2026-11-25", "--until", "2026-11-24"],
    )
    .code(2);
    assert!(stderr(&o).contains("the window is empty"), "{}", stderr(&o));
}

#[test]
fn reports_written_into_the_input_directory_are_not_read_back() {
    // --out the input directory itself, or a directory inside it; each run twice; and a
    // second run into another directory inside it (a dated one a night), the first run's
    // reports passed over with a warning (they had been 187 rejects).
    let dir = tempfile::tempdir().unwrap();
    for f in ["mediasummary-en-us.csv", "operations-ja-jp.csv"] {
        std::fs::copy(Path::new("samples/portal").join(f), dir.path().join(f)).unwrap();
    }
    for night in ["2026-11-24", "2026-11-25"] {
        let o = report_to(dir.path(), &dir.path().join(night), &["--max-bad", "100%"]).code(0);
        assert!(
            stderr(&o).contains("73 records read: 70 accepted, 3 rejected"),
            "{}",
            stderr(&o)
        );
    }
    let o = report_to(
        dir.path(),
        &dir.path().join("again"),
        &["--max-bad", "100%"],
    )
    .code(0);
    let said = "2026-11-24/by_category.csv and 27 more: skipped: a report of an earlier run";
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
    for inside in ["", "reports"] {
        let dir = tempfile::tempdir().unwrap();
        for f in ["mediasummary-en-us.csv", "operations-ja-jp.csv"] {
            std::fs::copy(Path::new("samples/portal").join(f), dir.path().join(f)).unwrap();
        }
        let out = dir.path().join(inside);
        for _ in 0..2 {
            let o = report_to(dir.path(), &out, &["--max-bad", "100%"]).code(0);
            assert!(
                stderr(&o).contains("73 records read: 70 accepted, 3 rejected"),
                "{}",
                stderr(&o)
            );
        }
    }
}

/// `--quiet` says nothing but what cron's mail must hold: on the samples, the transfer
/// accepted with no outcome (said, not paged).
#[test]
fn quiet_prints_only_the_silent_line() {
    let (_, out) = report_samples(&["--quiet"]);
    assert_eq!(
        stderr(&out),
        "acs-triage: SILENT (not paged): accepted with no outcome record in their call: Transfer 1 of 1 tested (100.00%) in 1 call (outcomes looked for in callbacks); see silent_calls.csv\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn nothing_accepted_is_lost_between_ingest_and_report() {
    // The per-file counts in report.json add up to the totals, and to the ground truth.
    let m = manifest();
    let (dir, _) = report_samples(&[]);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let inputs = json["inputs"].as_array().unwrap();
    let sum = |k: &str| inputs.iter().map(|f| f[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(
        sum("accepted"),
        json["records"]["accepted"].as_u64().unwrap()
    );
    assert_eq!(
        sum("rejected"),
        json["records"]["rejected"].as_u64().unwrap()
    );
    assert_eq!(sum("skipped"), json["records"]["skipped"].as_u64().unwrap());
    for k in ["accepted", "rejected", "skipped"] {
        assert_eq!(sum(k), m["totals"][k].as_u64().unwrap(), "{k}");
    }
    assert!(Path::new("samples").exists());
}

#[test]
fn progress_always_reaches_a_log_and_never_stays_silent() {
    let (_, out) = report_samples(&["--progress", "always"]);
    assert!(stderr(&out).contains("MiB"), "{}", stderr(&out));
    let (_, out) = report_samples(&["--progress", "never"]);
    assert!(!stderr(&out).contains("MiB"), "{}", stderr(&out));
}

/// Under --resource, regular files are read twice (the calls of the resources kept first):
/// the progress bar counts both readings, so its total is twice a plain run's (it had no bar
/// during the first reading).
#[test]
fn the_progress_bar_of_a_resource_run_counts_both_readings() {
    let total = |extra: &[&str]| -> f64 {
        let mut args = vec!["--progress", "always"];
        args.extend_from_slice(extra);
        let (_, out) = report_samples(&args);
        let err = stderr(&out);
        let line = err
            .lines()
            .find(|l| l.contains("/s eta "))
            .unwrap_or_default();
        let total = line
            .split('/')
            .nth(1)
            .and_then(|s| s.split_whitespace().next());
        total
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{err}"))
    };
    let (plain, filtered) = (total(&[]), total(&["--resource", "acs-contoso"]));
    assert!((filtered / plain - 2.0).abs() < 0.01, "{plain} {filtered}");
}

#[test]
fn numeric_flags_are_validated_with_the_flag_named() {
    for (flag, value) in [
        ("--spike-p", "NaN"),
        ("--spike-p", "-1"),
        ("--spike-p", "2"),
        ("--spike-p", "inf"),
        ("--spike-min-ratio", "NaN"),
        ("--spike-min-ratio", "inf"),
        ("--spike-min-ratio", "-5"),
        ("--spike-min-excess", "NaN"),
        ("--spike-min-excess", "1e999"),
        ("--volume-low-ratio", "0.5"),
        ("--volume-low-ratio", "1.01"),
        ("--volume-low-ratio", "NaN"),
        ("--local-offset", "+-1:00"),
        ("--local-offset", "+00:-30"),
        ("--local-offset", "+14:59"),
    ] {
        let out = bin()
            .args(["report", "samples/", "--out", "/nonexistent-never-written"])
            .arg(format!("{flag}={value}"))
            .assert()
            .code(2);
        assert!(
            stderr(&out).contains(flag),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
    let out = bin()
        .args(["kql", "spikes", "--spike-p", "NaN"])
        .assert()
        .code(2);
    assert!(stderr(&out).contains("--spike-p"));
}

/// `triage --out NAME`, a bare name as `triage --help`'s example gives it, is written in the
/// current directory and the run exits 0 (rev61b F1: the file was written, then the sync of
/// its directory, an empty path, failed: exit 1).
#[test]
fn a_bare_out_name_is_written_in_the_current_directory() {
    let cwd = tempfile::tempdir().unwrap();
    let run = (bin().current_dir(cwd.path()))
        .args(["triage", "8510", "--format", "json", "--out", "8510.json"])
        .arg(root().join("samples"))
        .assert()
        .success();
    assert!(!stderr(&run).contains("cannot"), "{}", stderr(&run));
    let json = std::fs::read_to_string(cwd.path().join("8510.json")).unwrap();
    assert!(json.contains("\"subcode\": 8510"), "{json}");
    let names: Vec<_> = std::fs::read_dir(cwd.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporaries left: {names:?}");
}

/// A table the run does not write (the input has nothing for it) is removed when an earlier
/// run left it as a regular file; through a symbolic link, its header alone is written to the
/// link's target, and the link stays: a published set shows no earlier night's rows beside
/// tonight's (rev61b F2: the target kept them, silently).
#[test]
fn a_table_not_written_through_a_link_keeps_its_header_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (out, public) = (dir.path().join("out"), dir.path().join("pub"));
    std::fs::create_dir(&out).unwrap();
    std::fs::create_dir(&public).unwrap();
    let tables = [
        "by_sip.csv",
        "by_sdk.csv",
        "by_resource.csv",
        "silent.csv",
        "silent_calls.csv",
    ];
    let headers: Vec<String> = (tables.iter())
        .map(|t| std::fs::read_to_string(root().join("reports").join(t)).unwrap())
        .map(|text| text.lines().next().unwrap().to_string())
        .collect();
    for (t, header) in tables.iter().zip(&headers) {
        std::fs::write(public.join(t), format!("{header}\nlast,night\n")).unwrap();
        std::os::unix::fs::symlink(public.join(t), out.join(t)).unwrap();
    }
    // A regular file of last night's beside them is removed, as before.
    std::fs::copy(public.join("by_sdk.csv"), dir.path().join("sdk")).unwrap();
    std::fs::remove_file(out.join("by_sdk.csv")).unwrap();
    std::fs::rename(dir.path().join("sdk"), out.join("by_sdk.csv")).unwrap();
    let night = dir.path().join("tonight.jsonl");
    std::fs::write(
        &night,
        r#"{"time":"2026-11-25T10:00:00Z","category":"CallAutomationMediaSummary","operationName":"Play","correlationId":"c1","properties":{"resultCode":200,"resultSubcode":0}}"#,
    )
    .unwrap();
    bin()
        .args(["report", "-q", "--out"])
        .arg(&out)
        .arg(&night)
        .assert()
        .success();
    assert!(!out.join("by_sdk.csv").exists());
    for (t, header) in tables.iter().zip(&headers) {
        if *t == "by_sdk.csv" {
            continue;
        }
        let link = std::fs::symlink_metadata(out.join(t)).unwrap();
        assert!(link.file_type().is_symlink(), "{t}");
        let text = std::fs::read_to_string(public.join(t)).unwrap();
        assert_eq!(text, format!("{header}\n"), "{t}");
    }
    let left: Vec<_> = std::fs::read_dir(&public).unwrap().collect();
    assert_eq!(left.len(), 5, "no temporaries left: {left:?}");
}

/// An output with another hard link (a published copy) is written through: both names read
/// the new report, and the link stays (rev61b F3: the path was renamed over, the other name
/// kept the old file, silently). For report's files and triage's --out.
#[test]
fn a_hard_linked_output_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let (out, public) = (dir.path().join("out"), dir.path().join("pub"));
    std::fs::create_dir(&out).unwrap();
    std::fs::create_dir(&public).unwrap();
    let olds = [
        ("summary.md", "# Call Automation triage report\n\nold\n"),
        ("by_category.csv", "category,count,share,calls\nOLD,0,0,0\n"),
    ];
    for (name, old) in olds {
        std::fs::write(public.join(name), old).unwrap();
        std::fs::hard_link(public.join(name), out.join(name)).unwrap();
    }
    bin()
        .args(["report", "samples/", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    for (name, old) in olds {
        let want = std::fs::read_to_string(root().join("reports").join(name)).unwrap();
        let got = std::fs::read_to_string(public.join(name)).unwrap();
        assert_ne!(got, old);
        assert_eq!(got.lines().next(), want.lines().next(), "{got}");
        assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), got);
        let m = std::fs::metadata(out.join(name)).unwrap();
        assert_eq!(std::os::unix::fs::MetadataExt::nlink(&m), 2, "{name}");
    }
    let t = dir.path().join("t.md");
    std::fs::write(public.join("t.md"), "OLD").unwrap();
    std::fs::hard_link(public.join("t.md"), &t).unwrap();
    bin()
        .args(["triage", "8510", "samples/", "--out"])
        .arg(&t)
        .assert()
        .success();
    let triaged = std::fs::read_to_string(public.join("t.md")).unwrap();
    assert!(triaged.contains("8510"), "{triaged}");
    assert_eq!(std::fs::read_to_string(&t).unwrap(), triaged);
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(left.iter().all(|e| !e
        .as_ref()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));
}

/// A directory at a report's path, or a link to a file in a directory that does not exist,
/// fails before any input is read, in one line, as a read-only report does (rev61b F14: after
/// the whole input was read). The input is a FIFO no one writes: a run that read it would
/// wait for a writer until the timeout.
#[test]
fn a_report_path_that_cannot_be_written_fails_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("in.jsonl");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(a.join("summary.md")).unwrap();
    std::fs::create_dir(&b).unwrap();
    // A directory of the test's own that is not there (a fixed path such as /nonexistent may
    // exist on a shared machine).
    let missing = dir.path().join("missing");
    std::os::unix::fs::symlink(missing.join("x.md"), b.join("by_code.csv")).unwrap();
    for (out, why) in [
        (
            &a,
            format!("{}: it is a directory", a.join("summary.md").display()),
        ),
        (
            &b,
            format!(
                "{}: directory {} does not exist",
                b.join("by_code.csv").display(),
                missing.display()
            ),
        ),
    ] {
        let run = bin()
            .args(["report", "-q", "--out"])
            .arg(out)
            .arg(&fifo)
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(1);
        assert_eq!(stderr(&run), format!("acs-triage: cannot write {why}\n"));
    }
}

#[test]
fn outputs_are_written_through_links_and_devices_and_replaced_as_a_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A report set that cannot be completed (report.json is a directory) leaves the old one.
    std::fs::write(out.join("by_code.csv"), "code,old\n").unwrap();
    std::fs::create_dir(out.join("report.json")).unwrap();
    let a = bin()
        .args(["report", "samples/", "--out", out.to_str().unwrap()])
        .assert()
        .code(1);
    assert!(
        stderr(&a).contains("report.json: it is a directory"),
        "{}",
        stderr(&a)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("by_code.csv")).unwrap(),
        "code,old\n"
    );
    std::fs::remove_dir(out.join("report.json")).unwrap();
    // A temporary a killed run left is removed; a symlinked report stays a link.
    std::fs::write(out.join(".acs-triage-killed.tmp"), "half").unwrap();
    let real = dir.path().join("real-summary.md");
    // An earlier run's summary (one of anything else is refused, as a CSV file is).
    std::fs::write(&real, "# Call Automation triage report\n\nold\n").unwrap();
    std::os::unix::fs::symlink(&real, out.join("summary.md")).unwrap();
    bin()
        .args(["report", "samples/", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    assert!(!out.join(".acs-triage-killed.tmp").exists());
    let link = std::fs::symlink_metadata(out.join("summary.md")).unwrap();
    assert!(link.file_type().is_symlink());
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.starts_with("# Call Automation triage report") && !text.contains("\nold\n"));
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // A device is written in place, never replaced.
    let out = bin()
        .args([
            "triage",
            "8522",
            "samples/",
            "--format",
            "csv",
            "--out",
            "/dev/stdout",
        ])
        .assert()
        .success();
    assert!(stdout(&out).starts_with("correlation_id,"));
    bin()
        .args(["triage", "8522", "samples/", "--out", "/dev/null"])
        .assert()
        .success();
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    // An output directory that does not exist fails before the input is read.
    let missing = dir.path().join("missing/dir");
    let a = bin()
        .args(["triage", "8522", "samples/", "--out"])
        .arg(missing.join("x.md"))
        .assert()
        .code(1);
    let why = format!("directory {} does not exist", missing.display());
    assert!(stderr(&a).contains(&why), "{}", stderr(&a));
    assert!(!stderr(&a).contains("warning"), "{}", stderr(&a));
    // Nor does one that is a directory (rev52 §10: it had failed only after reading, with the
    // input's warnings first).
    let a = bin()
        .args(["triage", "8522", "samples/", "--out", "samples"])
        .assert()
        .code(1);
    assert_eq!(
        stderr(&a),
        "acs-triage: cannot write samples: it is a directory\n"
    );
    // One inside a regular file: said so, not that it does not exist.
    let file = root().join("samples/README.md");
    let a = bin()
        .args(["triage", "8522", "samples/", "--out"])
        .arg(file.join("x.md"))
        .assert()
        .code(1);
    assert!(
        stderr(&a).contains("samples/README.md is not a directory"),
        "{}",
        stderr(&a)
    );
    // A report's --out that is a link to nothing says so (a hostile-input review, /tmp/rev50a
    // §12: it had been "cannot create output directory o: File exists").
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("o");
    std::os::unix::fs::symlink(dir.path().join("gone"), &link).unwrap();
    let a = bin()
        .args(["report", "samples/", "--out"])
        .arg(&link)
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(
        err.contains("is a symbolic link to ") && err.contains("which does not exist"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn log_text_makes_no_link_under_github_flavoured_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("links.jsonl");
    let text = "see http://evil.example/a and www.evil.example, WWW.evil.example or ops@evil.example, \
                mailto:x@evil.example xmpp:a@evil.example <https://evil.example> ftp://evil.example";
    let line = |t: &str, sub: u32| {
        serde_json::json!({
            "time": t, "operationName": "www.evil.example", "correlationId": "http://evil.example/c",
            "properties": {"resultCode": 412, "resultSubcode": sub, "resultMessage": text},
        })
        .to_string()
    };
    let lines = [
        line("2026-11-24T01:00:00Z", 8583),
        line("2026-11-24T01:00:01Z", 8536),
    ];
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &[]).success();
    let triage = bin()
        .args(["triage", "8583", input.to_str().unwrap()])
        .assert()
        .success();
    // Every link a GFM renderer with autolinks finds must come from the catalogue.
    let catalogue = stdout(&bin().args(["codes", "--format", "json"]).assert().success());
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    options.extension.table = true;
    options.extension.strikethrough = true;
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for md in [summary, stdout(&triage)] {
        let html = comrak::markdown_to_html(&md, &options);
        let hrefs: Vec<&str> = html
            .split("href=\"")
            .skip(1)
            .map(|h| &h[..h.find('"').unwrap()])
            .collect();
        assert!(!hrefs.is_empty(), "the catalogue's links are kept");
        for h in &hrefs {
            assert!(
                !h.contains("evil.example") && catalogue.contains(h),
                "{h} is not a catalogue link"
            );
        }
        assert!(!html.contains("<img"), "{html}");
    }
}

#[test]
fn extreme_years_are_rejects_and_a_century_costs_no_memory() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("years.jsonl");
    let rec = |t: &str| format!("{{\"time\":\"{t}\",\"resultCode\":500,\"resultSubcode\":8572}}\n");
    let text = [
        "+100000-01-01T00:00:00Z",
        "-100000-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2001-01-01T00:00:00Z",
        "2099-12-31T00:00:00Z",
    ]
    .map(rec)
    .concat();
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "100%"]).success();
    let rejects = read_csv(&out.join("rejects.csv"));
    assert_eq!(rejects.len(), 3);
    assert!(
        rejects[2]["reason"].starts_with("time out of range"),
        "{:?}",
        rejects[2]
    );
    // Two records 98 years apart: the chart has at most 400 bars, the page stays small.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.len() < 200_000, "{}", html.len());
    let timeline = read_csv(&out.join("timeline.csv"));
    assert_eq!(timeline.len(), 2);
}

#[test]
fn callback_batches_after_a_banner_line_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let events = std::fs::read_to_string(root().join("samples/callbacks/events.json")).unwrap();
    let input = dir.path().join("events.json");
    std::fs::write(
        &input,
        format!("Partition 0, offset 21474836480, enqueued 2026-11-24T10:00:03Z\n{events}"),
    )
    .unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "100%"]).success();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let m = manifest();
    let want = &m["files"]["samples/callbacks/events.json"];
    let f = &report["inputs"][0];
    assert_eq!(f["shape"], "json lines");
    assert_eq!(f["accepted"], want["accepted"]);
    assert_eq!(
        f["rejected"].as_u64().unwrap(),
        want["rejected"].as_u64().unwrap() + 1
    );
}

/// A catalogue that is not a regular file (a FIFO no one writes, a device) is refused before it
/// is opened, as `--config` refuses one: exit 1, one line. A FIFO had blocked the run forever.
#[test]
fn a_catalogue_that_is_no_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("page.md");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        let a = bin()
            .args(["--catalogue", path, "codes", "8522"])
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(1);
        let want =
            format!("catalogue {path}: not a catalogue file (a regular file of at most 16 MiB)\n");
        assert!(stderr(&a).ends_with(&want), "{}", stderr(&a));
        assert_eq!(stderr(&a).lines().count(), 1, "{}", stderr(&a));
    }
    // A link to a regular file is read: `/dev/stdin` of `< page.md` too.
    let page = dir.path().join("new.md");
    let text = "| Code | Subcode | Description | Mitigation |\n|---|---|---|---|\n| 499 | 99999 | Brand new | Do it |\n";
    std::fs::write(&page, text).unwrap();
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("acs-triage"));
    c.args(["--catalogue", "/dev/stdin", "codes", "499/99999"])
        .stdin(std::fs::File::open(&page).unwrap());
    let out = assert_cmd::assert::OutputAssertExt::assert(&mut c).success();
    assert!(stdout(&out).contains("Brand new"));
}

#[test]
fn a_catalogue_that_never_ends_or_is_utf16_is_handled() {
    let dir = tempfile::tempdir().unwrap();
    // A file past the cap (sparse: it takes no disk), as a device that never ends was.
    let big = dir.path().join("big.md");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((16 << 20) + 1)
        .unwrap();
    let a = bin()
        .args(["--catalogue", big.to_str().unwrap(), "codes", "8522"])
        .assert()
        .code(1);
    assert!(stderr(&a).contains("larger than 16 MiB"), "{}", stderr(&a));
    let page = dir.path().join("utf16.md");
    let text = "| Code | Subcode | Description | Mitigation |\n|---|---|---|---|\n| 499 | 99999 | Brand new | Do it |\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&page, bytes).unwrap();
    let out = bin()
        .args(["--catalogue", page.to_str().unwrap(), "codes", "499/99999"])
        .assert()
        .success();
    assert!(stdout(&out).contains("Brand new"));
}

#[test]
fn triage_writes_through_a_fifo_and_a_pipe_opened_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ff");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // The reader ends at the first close: a check that opened the FIFO would leave it empty
    // and the run waiting for a second reader.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    bin()
        .args([
            "triage",
            "8522",
            "samples/cli",
            "--max-bad",
            "5%",
            "--out",
            fifo.to_str().unwrap(),
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    assert!(reader.join().unwrap().starts_with("# Triage"));
    // A process substitution: `--out >(cat > file)`, a link to a pipe under /dev/fd.
    let got = dir.path().join("got.md");
    let exe = assert_cmd::cargo::cargo_bin("acs-triage");
    let status = std::process::Command::new("bash")
        .current_dir(root())
        .arg("-c")
        .arg(format!(
            "{} triage 8522 samples/cli --max-bad 5% --out >(cat > {}); wait",
            exe.display(),
            got.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    for _ in 0..50 {
        if std::fs::metadata(&got).is_ok_and(|m| m.len() > 0) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(std::fs::read_to_string(&got)
        .unwrap()
        .starts_with("# Triage"));
}

#[test]
fn local_tz_takes_iana_names_and_not_beside_an_offset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let a = bin()
        .args([
            "report",
            "samples/portal/mediasummary-dayfirst-local.csv",
            "--local-tz",
            "Europe/Berlin",
            "--format",
            "json",
            "--max-bad",
            "5",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert!(
        stderr(&a).contains("read in Europe/Berlin"),
        "{}",
        stderr(&a)
    );
    bin()
        .args(["report", "samples/", "--local-tz", "Mars/Olympus", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not an IANA time zone"));
    bin()
        .args([
            "report",
            "samples/",
            "--local-tz",
            "Europe/Berlin",
            "--local-offset",
            "+01:00",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2);
}

/// A file read by ranges (over 8 MiB) whose lines nearly all fail: the workers share the rows
/// they keep, a piece that does not know its first line yet drops what comes after the last
/// kept row, and rejects.csv still lists exactly the first rejects by line.
#[test]
fn a_large_file_of_rejects_lists_the_first_by_line_however_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.jsonl");
    let good =
        r#"{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":500,"resultSubcode":8572}}"#;
    let mut text = String::new();
    let mut bad = 0u64;
    let mut line = 0u64;
    while text.len() < 12 << 20 {
        line += 1;
        if line % 1000 == 1 {
            text.push_str(good);
        } else {
            bad += 1;
            let rec = format!(
                r#"{{"time":"2026-11-24T01:00:00Z","properties":{{"resultCode":"x{line}"}}}}"#
            );
            text.push_str(&rec);
        }
        text.push('\n');
    }
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--max-bad", "100%", "--format", "json"]).success();
    let rows = read_csv(&out.join("rejects.csv"));
    let lines: Vec<u64> = rows.iter().map(|r| r["line"].parse().unwrap()).collect();
    let expected: Vec<u64> = (1..=line).filter(|l| l % 1000 != 1).take(100_000).collect();
    assert_eq!(lines, expected);
    assert!(rows[99_999]["excerpt"].contains(&format!("x{}", expected[99_999])));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["records"]["rejected"].as_u64(), Some(bad));
    assert_eq!(json["records"]["accepted"].as_u64(), Some(line - bad));
    assert_eq!(json["rejects"].as_array().unwrap().len(), 100_000);
    assert_eq!(json["data_quality"]["rejects_truncated"], true);
}

/// A CSV file over 8 MiB whose ranges' guesses of where rows start disagree (each message's
/// second line holds undoubled quotes) is read again in order. The reading by ranges is
/// dropped whole, its rejects too: rejects.csv is that of the same text read in order (from
/// standard input), each row once.
#[test]
fn a_csv_file_read_again_in_order_keeps_only_the_rejects_of_that_reading() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("damaged.csv");
    let mut text =
        String::from("TimeGenerated [UTC],CorrelationId,ResultCode,ResultSubcode,ResultMessage\n");
    let mut i = 0;
    while text.len() < 9 << 20 {
        i += 1;
        if i % 50 == 0 {
            text.push_str(&format!("2026-11-24T01:00:00Z,c{i},400\n"));
        } else {
            text.push_str(&format!(
                "2026-11-24T01:00:00Z,c{i},400,8500,\"one\ntwo ,\"x\", three {i}\"\n"
            ));
        }
    }
    std::fs::write(&input, &text).unwrap();
    let file_out = dir.path().join("file");
    report_to(&input, &file_out, &["--max-bad", "100%", "--format", "csv"]).success();
    let stdin_out = dir.path().join("stdin");
    bin()
        .args([
            "report",
            "-",
            "--max-bad",
            "100%",
            "--format",
            "csv",
            "--out",
        ])
        .arg(&stdin_out)
        .write_stdin(text)
        .assert()
        .success();
    let rows = |out: &Path| -> Vec<Vec<String>> {
        read_csv(&out.join("rejects.csv"))
            .into_iter()
            .map(|r| {
                ["line", "record", "reason", "excerpt"]
                    .map(|k| r[k].clone())
                    .to_vec()
            })
            .collect()
    };
    let (from_file, from_stdin) = (rows(&file_out), rows(&stdin_out));
    assert!(from_file.len() > 1000, "{}", from_file.len());
    // (Not assert_eq: the rows would fill the screen.)
    assert!(
        from_file == from_stdin,
        "{} rows from the file, {} read in order; first differing: {:?}",
        from_file.len(),
        from_stdin.len(),
        from_file.iter().zip(&from_stdin).find(|(a, b)| a != b)
    );
    let mut lines: Vec<&str> = from_file.iter().map(|r| r[0].as_str()).collect();
    lines.dedup();
    assert_eq!(lines.len(), from_file.len());
}

/// A file read by ranges whose keys have many distinct ResultMessages. Which are kept must
/// not depend on the threads: summary.md, report.html and triage are the same on 1 and 4.
/// A key of a frequent message and a few rare ones met first shows the frequent one (it
/// showed a rare one when the first eight met were kept), and a key of more distinct
/// messages than are kept says how many records' messages were not counted.
#[test]
fn the_messages_shown_do_not_depend_on_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("messages.jsonl");
    let rec = |code: u32, sub: u32, call: u64, msg: &str| {
        format!(
            r#"{{"time":"2026-11-24T01:00:00Z","properties":{{"resultCode":{code},"resultSubcode":{sub},"correlationId":"c{call}","resultMessage":"{msg}"}}}}"#
        ) + "\n"
    };
    let mut text = String::new();
    for i in 0..8 {
        text.push_str(&rec(400, 8500, i, &format!("rare {i}")));
    }
    let mut i = 0u64;
    let mut frequent = 0u64;
    let mut many = 0u64;
    while text.len() < 10 << 20 {
        i += 1;
        if i.is_multiple_of(3) {
            many += 1;
            text.push_str(&rec(500, 8572, i, &format!("m{}", (i % 37) % 100 + i % 61)));
        } else {
            frequent += 1;
            text.push_str(&rec(400, 8500, i, "frequent"));
        }
    }
    std::fs::write(&input, &text).unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("out{threads}"));
        report_on_threads(threads, &input, &out, "md,html");
        let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
        let triage = bin()
            .env("RAYON_NUM_THREADS", threads)
            .args(["triage", "8572"])
            .arg(&input)
            .assert()
            .success();
        (read("summary.md"), read("report.html"), stdout(&triage))
    };
    let one = run("1");
    assert_eq!(run("4"), one);
    let (summary, html, triage) = one;
    let row = summary.lines().find(|l| l.contains("400/8500")).unwrap();
    assert!(row.contains("| frequent |"), "{row}");
    assert!(
        html.contains(&format!("frequent ({frequent})")),
        "frequent ({frequent})"
    );
    assert!(html.contains("rare 0 (1)"));
    // 500/8572 has 96 distinct messages (m0 to m95): a sample of them is counted.
    let not_kept = html
        .split("<i>+ ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .expect("the count of messages not kept");
    assert!(not_kept > 0 && not_kept < many, "{not_kept} of {many}");
    assert!(triage.contains(&format!("{many}")), "{triage}");
    // triage keeps all 96 and lists 30: the records of the others are counted, in Markdown
    // and JSON alike.
    let json = bin()
        .args(["triage", "8572", "--format", "json"])
        .arg(&input)
        .assert()
        .success();
    let json: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let listed = json["messages"].as_array().unwrap();
    assert_eq!(listed.len(), 30);
    let listed: u64 = listed.iter().map(|m| m["count"].as_u64().unwrap()).sum();
    let other = json["messages_other"].as_u64().unwrap();
    assert!(other > 0);
    assert_eq!(listed + other, many);
    assert!(
        triage.contains(&format!("{other} more records carry other messages.")),
        "{triage}"
    );
}

/// More distinct SIP diagnostics than a run keeps (10,000), in a file read by ranges: by_sip.csv
/// is the same on 1 and 4 threads, with 10,000 rows and one that counts the others (each
/// worker used to keep the first 10,000 it met: 25,001 rows on 4 threads).
#[test]
fn the_diagnostics_kept_do_not_depend_on_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sip.jsonl");
    let mut text = String::new();
    let mut i = 0u64;
    while text.len() < 10 << 20 {
        text.push_str(&format!(
            r#"{{"type":"Microsoft.Communication.CreateCallFailed","data":{{"resultInformation":{{"code":480,"subCode":560480,"message":"No answer.","sipDetails":{{"code":480,"message":"Temporarily Unavailable {}"}},"q850Details":{{"code":18,"message":"No user responding"}}}},"callConnectionId":"c","correlationId":"6e0b95bb-cb07-4417-8bd1-{i:012}"}},"time":"2026-11-24T08:58:17Z","specversion":"1.0"}}"#,
            i % 25_000
        ));
        text.push('\n');
        i += 1;
    }
    std::fs::write(&input, &text).unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("out{threads}"));
        report_on_threads(threads, &input, &out, "csv");
        std::fs::read_to_string(out.join("by_sip.csv")).unwrap()
    };
    let one = run("1");
    assert_eq!(run("4"), one);
    let rows = read_csv(&dir.path().join("out1/by_sip.csv"));
    assert_eq!(rows.len(), 10_001);
    let total = count_sum(&rows);
    assert_eq!(total, i);
    assert!(rows
        .iter()
        .any(|r| r["sip_message"] == "(other diagnostics)"));
}

/// A small file read in order says its warnings in the order of its lines, however many
/// threads: a warning about line 2 before one about line 3.
#[test]
fn a_file_read_in_order_says_its_warnings_in_the_order_of_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("w.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":200,"resultSubcode":0}}"#,
            "\n",
            r#"[{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":500,"resultSubcode":8500}}"#,
            "\n",
            r#"{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":400,"resultSubcode":8510,"x":[1,]},}"#,
            "\n",
        ),
    )
    .unwrap();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        report_on_threads(threads, &input, &out, "md");
        let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
        let line2 = md.find("line 2 ends without its array's closing");
        let comma = md.find("a comma before a closing bracket was ignored");
        assert!(line2.is_some() && comma.is_some(), "{md}");
        assert!(line2 < comma, "{md}");
    }
}

/// A JSON document of a few megabytes is read in parts first, and again in blocks when it is
/// damaged: what the first reading kept (here the reject of a record without a code, before
/// the damage) is dropped with it, so every reject is reported once, as when the file is read
/// from standard input (in blocks only).
#[test]
fn a_damaged_document_read_again_reports_each_reject_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("PT1H.json");
    let record = |i: usize| {
        let code = if i == 10 {
            String::new()
        } else {
            r#""resultCode":400,"resultSubcode":8510,"#.to_string()
        };
        format!(
            r#"{{"time":"2026-11-24T01:00:00Z","operationName":"Play","properties":{{{code}"resultMessage":"a \"quoted\" text","callConnectionId":"call-{i}"}}}}"#
        )
    };
    let mut records: Vec<String> = (0..6_000).map(record).collect();
    // A lost quote far past the first part.
    records[5_000] = records[5_000].replacen("\"Play\"", "\"Play", 1);
    let text = format!("{{\"records\": [\n{}\n]}}\n", records.join(",\n"));
    assert!(text.len() > 1 << 20);
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["--format", "csv"]).success();
    let rejects = read_csv(&out.join("rejects.csv"));
    let reasons: Vec<&str> = rejects.iter().map(|r| r["reason"].as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].starts_with("no code"), "{reasons:?}");
    let piped = dir.path().join("piped");
    bin()
        .args([
            "report",
            "-",
            "--format",
            "csv",
            "--out",
            piped.to_str().unwrap(),
        ])
        .write_stdin(text)
        .assert()
        .success();
    // The same rows, but the file's name.
    for table in ["rejects.csv", "by_code.csv"] {
        assert_eq!(
            rows_but_file(&out, table),
            rows_but_file(&piped, table),
            "{table}"
        );
    }
}

/// A report table's rows without their `file` column.
fn rows_but_file(d: &Path, table: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut rows = read_csv(&d.join(table));
    rows.iter_mut().for_each(|r| {
        r.remove("file");
    });
    rows
}

/// Documents read alike whatever their reads return: the same bytes as a file, gzipped and
/// through a pipe give the same rows. A records document of a megabyte, then a query API
/// response whose rows start 120 KB into it, past the 64 KiB its head is looked for in (read
/// whole: its rejects by their record), then a document of neither kind of just over 4 MiB
/// (streamed). The query response's rows were once read in parallel through a pipe and whole
/// from the file.
#[test]
fn documents_read_alike_from_a_file_gzip_and_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let record = |i: usize| {
        let code = if i % 13 == 12 {
            ""
        } else {
            r#""resultCode":400,"resultSubcode":8510,"#
        };
        format!(
            r#"{{"time":"2026-11-24T01:00:00Z","operationName":"Play","properties":{{{code}"callConnectionId":"call-{i}"}}}}"#
        )
    };
    let mut records = Vec::new();
    let mut len = 0;
    while len < 1_000_000 {
        records.push(record(records.len()));
        len += records.last().unwrap().len() + 2;
    }
    let mut text = format!("{{\"records\": [\n{}\n]}}\n", records.join(",\n"));
    let rows: Vec<String> = (0..3000)
        .map(|i| {
            let code = if i % 13 == 12 { "null" } else { "400" };
            format!(r#"["2026-11-24T02:00:00Z", "Play", {code}, 8510, "call-{i}"]"#)
        })
        .collect();
    text += &format!(
        concat!(
            r#"{{"tables":[{{"name":"PrimaryResult","columns":[{{"name":"TimeGenerated","type":"datetime"}},"#,
            r#"{{"name":"OperationName","type":"string"}},{{"name":"ResultCode","type":"int"}},"#,
            r#"{{"name":"ResultSubcode","type":"int"}},{{"name":"CorrelationId","type":"string"}}],"#,
            "\"pad\":\"{}\",\"rows\":[\n{}\n]}}]}}\n"
        ),
        "p".repeat(120_000),
        rows.join(",\n")
    );
    let value: Vec<String> = (0..30_000).map(record).collect();
    text += &format!("{{\"value\": [\n{}\n], \"x\": [1,]}}\n", value.join(",\n"));
    assert!(text.len() > (4 << 20) + (1 << 20));
    let file = dir.path().join("dump.json");
    std::fs::write(&file, &text).unwrap();
    let gz = dir.path().join("dump.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let (from_file, from_gz, piped) = (
        dir.path().join("f"),
        dir.path().join("g"),
        dir.path().join("p"),
    );
    let args = ["--format", "csv", "--max-bad", "100000"];
    report_to(&file, &from_file, &args).success();
    report_to(&gz, &from_gz, &args).success();
    bin()
        .args(["report", "-", "--out", piped.to_str().unwrap()])
        .args(args)
        .write_stdin(text)
        .assert()
        .success();
    let rows = rows_but_file;
    let rejects = rows(&from_file, "rejects.csv");
    assert!(
        rejects
            .iter()
            .any(|r| r["excerpt"] == "record 13 of the document"),
        "{rejects:?}"
    );
    for table in ["rejects.csv", "by_code.csv", "by_operation.csv"] {
        let want = rows(&from_file, table);
        assert_eq!(rows(&from_gz, table), want, "{table}");
        assert_eq!(rows(&piped, table), want, "{table}");
    }
}

/// An output that is also an input (named, through a link, or met in a walk that reads it) is
/// refused before anything is read, in one line, and the input stays as it was (rev52 §2: the
/// export had been replaced by the report, exit 0).
#[test]
fn an_output_that_is_also_an_input_is_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read(root().join("samples/cli/az-query.json")).unwrap();
    let night = dir.path().join("night.json");
    std::fs::write(&night, &export).unwrap();
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&night, &link).unwrap();
    let refused = |args: &[&std::ffi::OsStr], want: String| {
        let a = bin().args(args).assert().code(1);
        assert_eq!(stderr(&a), format!("acs-triage: {want}\n"));
        assert_eq!(std::fs::read(&night).unwrap(), export, "{want}");
    };
    let (n, l, d) = (night.as_os_str(), link.as_os_str(), dir.path().as_os_str());
    let s = |s: &'static str| std::ffi::OsStr::new(s);
    refused(
        &[s("triage"), s("8522"), n, s("--out"), n],
        format!("--out {} is also an input", night.display()),
    );
    refused(
        &[s("triage"), s("8522"), n, s("--out"), l],
        format!(
            "--out {} is also an input (named {})",
            link.display(),
            night.display()
        ),
    );
    // A walk of the directory reads night.json.
    refused(
        &[s("triage"), s("8522"), d, s("--out"), n],
        format!("--out {} is also an input", night.display()),
    );
    // report: an export named report.json in --out, named on the command line.
    let named = dir.path().join("report.json");
    std::fs::rename(&night, &named).unwrap();
    std::fs::write(&night, &export).unwrap();
    let a = bin()
        .arg("report")
        .arg(&named)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(1);
    assert_eq!(
        stderr(&a),
        format!(
            "acs-triage: --out {} would replace {}, which is an input\n",
            dir.path().display(),
            named.display()
        )
    );
    assert_eq!(std::fs::read(&named).unwrap(), export);
    // Without --format json, report.json is not written: it is read, and left as it was.
    bin()
        .arg("report")
        .arg(&named)
        .args(["--format", "csv", "--max-bad", "10", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(std::fs::read(&named).unwrap(), export);
    // A directory that is --out too is walked past the reports it writes: a second run
    // reads the exports, not its own reports.
    std::fs::remove_file(&named).unwrap();
    std::fs::remove_file(&link).unwrap();
    for _ in 0..2 {
        bin()
            .arg("report")
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path())
            .args(["--format", "csv,json", "--max-bad", "10"])
            .assert()
            .success();
        let v: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                .unwrap();
        assert_eq!(v["inputs"].as_array().unwrap().len(), 1, "{}", v["inputs"]);
    }
}

/// An output that is a file the run reads besides its inputs is refused before anything is
/// read, in one line, and the file stays as it was (rev63b F2: each was replaced, exit 0): a
/// `--catalogue` file (directly, through a link, or as one of report's files in `--out`), the
/// config file (`--config`, or the `./acs-triage.toml` read by default), and for triage a
/// file of the `--history` it reads (by its name, a new day's name, or a hard link).
#[test]
fn an_output_that_is_a_catalogue_config_or_history_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let samples = root().join("samples");
    let cwd = |c: &mut assert_cmd::Command| {
        c.current_dir(dir.path());
    };
    let run = |args: &[&str]| {
        let mut c = bin();
        cwd(&mut c);
        c.args(args);
        c
    };
    let refused = |args: &[&str], file: &str, want: &str| {
        let before = std::fs::read(dir.path().join(file)).unwrap();
        let a = run(args).arg(&samples).assert().code(1);
        assert_eq!(stderr(&a), format!("acs-triage: {want}\n"), "{args:?}");
        assert_eq!(
            std::fs::read(dir.path().join(file)).unwrap(),
            before,
            "{args:?}"
        );
    };
    let catalogue =
        "code,subcode,description,mitigation\n500,8536,File fetch failed,Check the SAS token\n";
    std::fs::write(dir.path().join("my.csv"), catalogue).unwrap();
    std::os::unix::fs::symlink("my.csv", dir.path().join("link.md")).unwrap();
    let t = ["triage", "8536", "--no-config"];
    refused(
        &[&t[..], &["--catalogue", "my.csv", "--out", "my.csv"]].concat(),
        "my.csv",
        "--out my.csv is also a --catalogue file",
    );
    refused(
        &[&t[..], &["--catalogue", "my.csv", "--out", "link.md"]].concat(),
        "my.csv",
        "--out link.md is also a --catalogue file (named my.csv)",
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/by_code.csv"), catalogue).unwrap();
    refused(
        &[
            "report",
            "--no-config",
            "--catalogue",
            "out/by_code.csv",
            "--out",
            "out",
            "-q",
        ],
        "out/by_code.csv",
        "--out out would replace out/by_code.csv, which is a --catalogue file",
    );
    // The config file, named or read by default; --no-config reads none, and it is written.
    std::fs::write(dir.path().join("nightly.toml"), "quiet = true\n").unwrap();
    refused(
        &[
            "--config",
            "nightly.toml",
            "triage",
            "8536",
            "--out",
            "nightly.toml",
        ],
        "nightly.toml",
        "--out nightly.toml is also the config file",
    );
    std::fs::write(dir.path().join("acs-triage.toml"), "quiet = true\n").unwrap();
    refused(
        &["triage", "8536", "--out", "acs-triage.toml"],
        "acs-triage.toml",
        "--out acs-triage.toml is also the config file",
    );
    run(&["triage", "8536", "--no-config", "--out", "acs-triage.toml"])
        .arg(&samples)
        .assert()
        .success();
    std::fs::remove_file(dir.path().join("acs-triage.toml")).unwrap();
    // The history triage reads: a day's file, a new day's name, a day under another name.
    run(&["report", "--out", "r", "--history", "hist", "-q"])
        .arg(&samples)
        .assert()
        .success();
    let day = "hist/2026-11-24.parquet";
    let h = ["triage", "8536", "--history", "hist", "--out"];
    refused(
        &[&h[..], &[day]].concat(),
        day,
        "--out hist/2026-11-24.parquet is a file of the history directory hist, which triage reads and never writes",
    );
    assert!(!dir.path().join("hist/2026-11-25.parquet").exists());
    let a = run(&[&h[..], &["hist/2026-11-25.parquet"]].concat())
        .arg(&samples)
        .assert()
        .code(1);
    assert!(stderr(&a).contains("is a file of the history directory hist"));
    assert!(!dir.path().join("hist/2026-11-25.parquet").exists());
    std::fs::hard_link(dir.path().join(day), dir.path().join("copy.parquet")).unwrap();
    refused(
        &[&h[..], &["copy.parquet"]].concat(),
        day,
        "--out copy.parquet is also hist/2026-11-24.parquet, a file of the history directory hist, which triage reads and never writes",
    );
    // A page beside the days is not the history's.
    run(&[&h[..], &["hist/notes.md"]].concat())
        .arg(&samples)
        .assert()
        .success();
}

/// An output rewritten keeps the mode of the file it replaces (rev52 §6: a 0600 `rejects.csv`
/// or ticket had come back 0644); a read-only one is refused before anything is read, and
/// left as it was (it had been replaced, exit 0).
#[test]
fn a_rewritten_output_keeps_its_mode_and_a_read_only_one_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let chmod =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    let ticket = dir.path().join("ticket.md");
    std::fs::write(&ticket, "").unwrap();
    chmod(&ticket, 0o600);
    let triage = |out: &Path| {
        bin()
            .args([
                "triage",
                "8522",
                "samples/cli/az-query.json",
                "--max-bad",
                "10",
                "--out",
            ])
            .arg(out)
            .assert()
    };
    triage(&ticket).success();
    assert!(std::fs::read_to_string(&ticket).unwrap().starts_with('#'));
    assert_eq!(mode(&ticket), 0o600);
    let ro = dir.path().join("ro.md");
    std::fs::write(&ro, "kept").unwrap();
    chmod(&ro, 0o444);
    let a = triage(&ro).code(1);
    assert_eq!(
        stderr(&a),
        format!(
            "acs-triage: cannot write {}: it is read-only (mode 0444); make it writable or remove it first\n",
            ro.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "kept");
    // report: every file of the set keeps its own mode.
    let out = dir.path().join("out");
    let report = || {
        report_to(
            Path::new("samples/cli/az-query.json"),
            &out,
            &["--max-bad", "10"],
        )
    };
    report().success();
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    for (i, f) in files.iter().enumerate() {
        chmod(f, if i % 2 == 0 { 0o600 } else { 0o640 });
    }
    report().success();
    for (i, f) in files.iter().enumerate() {
        assert_eq!(
            mode(f),
            if i % 2 == 0 { 0o600 } else { 0o640 },
            "{}",
            f.display()
        );
    }
    // One read-only report stops the run before it reads, and the set stays as it was.
    let json = out.join("report.json");
    let before = std::fs::read(&json).unwrap();
    chmod(&out.join("rejects.csv"), 0o444);
    let a = report().code(1);
    assert!(
        stderr(&a).contains("rejects.csv: it is read-only (mode 0444)"),
        "{}",
        stderr(&a)
    );
    assert_eq!(stderr(&a).lines().count(), 1, "{}", stderr(&a));
    assert_eq!(std::fs::read(&json).unwrap(), before);
}

/// A file in `--out` named as a report but holding something else is neither skipped by its
/// name nor replaced (rev54a §3: a portal export saved as `timeline.csv` in a folder that is
/// both input and `--out` was passed over, then overwritten; a user's `by_sip.csv` was deleted).
/// An earlier release's report, whose header starts with the same column, is still one.
#[test]
fn a_file_named_as_a_report_that_is_none_is_read_and_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let export = std::fs::read(root().join("samples/portal/mediasummary-en-us.csv")).unwrap();
    let timeline = dir.path().join("timeline.csv");
    std::fs::write(&timeline, &export).unwrap();
    let a = bin()
        .arg("report")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(1);
    assert_eq!(
        stderr(&a),
        format!(
            "acs-triage: --out {} would replace {}, which is an input\n",
            dir.path().display(),
            timeline.display()
        )
    );
    assert_eq!(std::fs::read(&timeline).unwrap(), export);
    // A run that does not write timeline.csv reads it: as many records as the export alone.
    let alone = tempfile::tempdir().unwrap();
    let count = |out: &Path| -> u64 {
        let v: Value =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        v["records"]["read"].as_u64().unwrap()
    };
    report_to(
        &timeline,
        alone.path(),
        &["--format", "json", "--max-bad", "10%"],
    )
    .success();
    bin()
        .arg("report")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path())
        .args(["--format", "json", "--max-bad", "10%"])
        .assert()
        .success();
    assert_eq!(count(dir.path()), count(alone.path()));
    assert!(count(dir.path()) > 0);
    assert_eq!(std::fs::read(&timeline).unwrap(), export);
    // A user's file that the run would remove (no SIP details: by_sip.csv goes) is kept.
    let out = tempfile::tempdir().unwrap();
    let mine = out.path().join("by_sip.csv");
    std::fs::write(&mine, "my own sheet\n").unwrap();
    let a = report_to(
        &root().join("samples/cli"),
        out.path(),
        &["--format", "csv"],
    )
    .code(1);
    assert!(
        stderr(&a)
            .contains("by_sip.csv, which is not a report of this tool (it starts `my own sheet`)"),
        "{}",
        stderr(&a)
    );
    assert_eq!(std::fs::read(&mine).unwrap(), b"my own sheet\n");
    // An earlier release's by_code.csv (fewer columns) is a report: replaced.
    std::fs::remove_file(&mine).unwrap();
    let old = out.path().join("by_code.csv");
    std::fs::write(&old, "code,subcode,description,count\n404,8522,x,1\n").unwrap();
    report_to(
        &root().join("samples/cli"),
        out.path(),
        &["--format", "csv", "--max-bad", "10%"],
    )
    .success();
    assert!(std::fs::read_to_string(&old)
        .unwrap()
        .starts_with("code,subcode,category,outcome,"));
}

/// A callback endpoint's console log with indented bodies, its first body after 100 KB of
/// health probes (ASP.NET Core logs two lines a request), one body cut off (the app restarted
/// mid-write), one prefix logged with no body, and bodies that are objects after bodies that
/// are arrays: every intact event counts, the probes are skipped, and each of the two broken
/// bodies is one reject (the probes had been 570 rejects, and the bodies after the cut lost:
/// rev61c F9, F3), under the default --max-bad. All-object bodies are read as such, not as
/// CSV (F2).
#[test]
fn an_indented_callback_log_after_probes_and_a_cut_body_reads_every_intact_event() {
    let body = |i: usize, array: bool| {
        let event = serde_json::json!({
            "id": format!("e{i}"),
            "type": "Microsoft.Communication.PlayFailed",
            "data": {
                "resultInformation": {"code": 400, "subCode": 8535, "message": "x"},
                "callConnectionId": format!("c{i}"),
                "correlationId": format!("k{i}"),
            },
            "time": "2026-12-05T17:27:00Z",
        });
        let v = if array {
            serde_json::json!([event])
        } else {
            event
        };
        let text = serde_json::to_string_pretty(&v).unwrap();
        format!(
            "info: CallAutomation.Controllers.CallbackController[0]\n      Received callback: {}\n",
            text.replace('\n', "\n      ")
        )
    };
    let probes: String = (0..400)
        .map(|i| format!("info: Microsoft.AspNetCore.Hosting.Diagnostics[1]\n      Request starting HTTP/1.1 GET http://10.0.0.4:8080/healthz - - -\ninfo: Microsoft.AspNetCore.Hosting.Diagnostics[2]\n      Request finished HTTP/1.1 GET http://10.0.0.4:8080/healthz - 200 0 - 0.4{:02}ms\n", i % 100))
        .collect();
    let mut bodies: Vec<String> = (0..10).map(|i| body(i, i < 5)).collect();
    bodies[3] = bodies[3][..bodies[3].len() / 2].to_string() + "\n";
    bodies.insert(6, "      Received callback: [\n".into());
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("callbacks.log");
    std::fs::write(&log, format!("{probes}{}", bodies.concat())).unwrap();
    let objects = dir.path().join("objects.log");
    let all: String = (0..4).map(|i| body(i, false)).collect();
    std::fs::write(&objects, all).unwrap();
    for (input, want) in [(&log, (9, 2)), (&objects, (4, 0))] {
        let out = dir.path().join("out");
        let a = report_to(input, &out, &["--format", "json"]).success();
        assert!(!stderr(&a).contains("closing ]"), "{}", stderr(&a));
        let report: Value =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        let f = &report["inputs"][0];
        assert_eq!(
            (
                f["shape"].as_str(),
                f["accepted"].as_u64(),
                f["rejected"].as_u64()
            ),
            (Some("json document"), Some(want.0), Some(want.1)),
            "{input:?}: {}",
            stderr(&a)
        );
    }
}

#[test]
fn codes_in_scientific_notation_are_rejected_and_zero_decimals_read() {
    // Excel shows 8522 as `8.52E+03` in a cell formatted Scientific: read as a number it would
    // be 8520, another key. `404.0` and `8522.00` lost nothing.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.csv");
    let row = |i: u32, code: &str, sub: &str| {
        format!("\"11/24/2026, 1:0{i}:00.000 AM\",c{i},Play,{code},{sub},m,ACSCallAutomationMediaSummary\n")
    };
    let csv = "TimeGenerated [UTC],CorrelationId,OperationName,ResultCode,ResultSubcode,ResultMessage,Type\n"
        .to_string()
        + &row(1, "404", "8.52E+03")
        + &row(2, "4.04e2", "8522")
        + &row(3, "400", "8.51e3")
        + &row(4, "404.0", "8522.00")
        + &row(5, "404", "8522");
    std::fs::write(&input, csv).unwrap();
    let out = dir.path().join("out");
    report_to(&input, &out, &["-q", "--max-bad", "100%"]).success();
    let codes = read_csv(&out.join("by_code.csv"));
    let keys: Vec<_> = codes
        .iter()
        .map(|r| (&*r["code"], &*r["subcode"], &*r["count"]))
        .collect();
    assert_eq!(keys, [("404", "8522", "2")]);
    let rejects = read_csv(&out.join("rejects.csv"));
    let reasons: Vec<_> = rejects
        .iter()
        .map(|r| (&*r["line"], &*r["reason"]))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    for ((line, reason), (want_line, want)) in reasons.iter().zip([
        ("2", "subcode not an integer: subcode \"8.52E+03"),
        ("3", "code not an integer: code \"4.04e2"),
        ("4", "subcode not an integer: subcode \"8.51e3"),
    ]) {
        assert_eq!(*line, want_line);
        assert!(
            reason.starts_with(want) && reason.contains("scientific notation"),
            "{reason}"
        );
    }
}

/// A line break or a tab in a file name is shown escaped in every output that names a file,
/// as a byte that is not UTF-8 is (rev70a F5: the terminal showed `in/a<LF>b.jsonl` as `in/a
/// b.jsonl`, and two copies of one export, `a<LF>b.jsonl` and `a b.jsonl`, were said to be
/// `in/a b.jsonl: ... as in/a b.jsonl`).
#[test]
fn file_names_with_a_line_break_or_tab_show_them_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let rec = "{\"time\":\"2026-11-24T01:00:00Z\",\"category\":\"CallAutomationMediaSummary\",\"operationName\":\"Play\",\"correlationId\":\"c1\",\"properties\":{\"resultCode\":500,\"resultSubcode\":8572}}\nnot json\n";
    for name in ["a b.jsonl", "a\nb.jsonl", "a\tb.jsonl"] {
        std::fs::write(input.join(name), rec).unwrap();
    }
    let out = dir.path().join("out");
    let a = report_to(&input, &out, &["--max-bad", "100%"]).success();
    let err = stderr(&a);
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let (rejects, summary, html, json) = (
        read("rejects.csv"),
        read("summary.md"),
        read("report.html"),
        read("report.json"),
    );
    let (lf, tab) = (r"in/a\nb.jsonl", r"in/a\tb.jsonl");
    // Copies of the first in sorted order, `a<TAB>b.jsonl`: each named apart.
    let same = "the same length and the same first and last 64 KiB as";
    for copy in [lf, "in/a b.jsonl"] {
        let said = err
            .lines()
            .find(|l| l.contains(&format!("{copy}: {same} ")));
        assert!(
            said.is_some_and(
                |l| l.ends_with(&format!("{tab}: the same export twice? Both are counted"))
            ),
            "{err}"
        );
    }
    for name in [lf, tab] {
        assert!(rejects.contains(&format!("{name},2,")), "{rejects}");
        assert!(summary.contains(&name.replace('\\', r"\\")), "{summary}");
        assert!(html.contains(name), "{name}");
        assert!(json.contains(&name.replace('\\', r"\\")), "{json}");
    }
    for text in [&rejects, &summary, &html, &err] {
        assert!(
            !text.contains("a\nb") && !text.contains("a\tb") && !text.contains("a<br>b"),
            "{text}"
        );
    }
}

/// Two file names that differ only in bytes that are not UTF-8 are told apart in every output
/// that names a file, each such byte shown `\xFF` (rev62a: both had shown as `a�.jsonl`).
#[test]
fn file_names_that_are_not_utf8_show_their_bytes_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for name in [&b"a\xff.jsonl"[..], b"a\xfe.jsonl"] {
        let path = input.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, "not json\nnot json either\n").unwrap();
    }
    let out = dir.path().join("out");
    let a = report_to(&input, &out, &["--max-bad", "100%"]).success();
    let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
    let (ff, fe) = (r"a\xFF.jsonl", r"a\xFE.jsonl");
    let rejects = read("rejects.csv");
    for name in [ff, fe] {
        assert!(rejects.contains(&format!("/in/{name},1,")), "{rejects}");
    }
    let report: Value = serde_json::from_str(&read("report.json")).unwrap();
    let mut files: Vec<String> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    files.sort();
    assert_eq!(files, [fe, ff]);
    let summary = read("summary.md");
    let html = read("report.html");
    for name in [ff, fe] {
        assert!(summary.contains(&name.replace('\\', r"\\")), "{summary}");
        assert!(html.contains(name), "{name}");
        assert!(stderr(&a).contains(name), "{}", stderr(&a));
    }
    for text in [&rejects, &summary, &html, &stderr(&a)] {
        assert!(!text.contains('\u{FFFD}'), "{text}");
    }
}

/// A portal CSV export (its columns, ~48,000 rows) with one row in the middle whose quoted
/// ResultMessage holds 5 MiB on one line and closes at the start of the next
/// (`..."AAAA...\nmore text",FALSE,...`): one `record too large` reject at that row's line, as
/// README's damage table says, and every other row counts, alike from the file (read by
/// ranges), standard input, gzip and on one thread, with the same `by_code.csv`. It had been
/// two rejects every way: the line over the cap, skipped to its newline, and the field's end
/// read as a row, `wrong field count` (rev66b F4).
#[test]
fn a_quoted_field_over_4_mib_on_one_line_is_one_reject_every_way_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let header = "TimeGenerated [UTC],Level,CorrelationId,OperationId,OperationName,ResultType,ResultCode,ResultSubcode,ResultMessage,PlayInLoop,PlayToParticipant,PlayInterrupted,RecognizePromptSubOperationName,TenantId,SourceSystem,Type,_ResourceId\r\n";
    let resource = "/subscriptions/0f3a6c1e-5b2d-4e8a-9c71-2d4b8e6f1a93/resourcegroups/rg-voice/providers/microsoft.communication/communicationservices/acs-contoso";
    let row = |i: usize, message: &str| {
        let (op, code, sub) = [
            ("Play", 400, 8522),
            ("Recognize", 200, 8533),
            ("Play", 400, 8536),
        ][i % 3];
        format!(
            "\"11/24/2026, {}:{:02}:{:02}.{:03} AM\",Informational,c{i},o{i},{op},Failed,{code},{sub},{message},FALSE,TRUE,FALSE,TextSource,7c1e4d2a-9b3f-4e61-a8d5-3f0b6c9e2a17,Azure,ACSCallAutomationMediaSummary,{resource}\r\n",
            1 + i / 3600 % 11,
            i / 60 % 60,
            i % 60,
            i % 1000
        )
    };
    let mut text = header.to_string();
    for i in 0..48_000 {
        text.push_str(&row(i, "\"Action failed, file could not be downloaded.\""));
        if i == 24_000 {
            let message = format!("\"{}\r\nmore text\"", "A".repeat(5 << 20));
            text.push_str(&row(1, &message));
        }
    }
    let file = dir.path().join("export.csv");
    std::fs::write(&file, &text).unwrap();
    let gz = dir.path().join("export.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let args = ["--format", "csv,json", "--max-bad", "100%"];
    let outs = ["file", "stdin", "gzip", "one-thread"].map(|w| dir.path().join(w));
    report_to(&file, &outs[0], &args).success();
    bin()
        .args(["report", "-", "--out", outs[1].to_str().unwrap()])
        .args(args)
        .write_stdin(text)
        .assert()
        .success();
    report_to(&gz, &outs[2], &args).success();
    bin()
        .env("RAYON_NUM_THREADS", "1")
        .arg("report")
        .arg(&file)
        .arg("--out")
        .arg(&outs[3])
        .args(args)
        .assert()
        .success();
    let by_code = rows_but_file(&outs[0], "by_code.csv");
    assert_eq!(count_sum(&by_code), 48_000);
    for out in &outs {
        let rejects: Vec<(String, String)> = read_csv(&out.join("rejects.csv"))
            .into_iter()
            .map(|r| (r["line"].clone(), r["reason"].clone()))
            .collect();
        let want = (
            "24003".to_string(),
            "record too large: longer than 4 MiB".to_string(),
        );
        assert_eq!(rejects, [want], "{}", out.display());
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        let records = &report["records"];
        assert_eq!(
            (&records["accepted"], &records["rejected"]),
            (&48_000.into(), &1.into())
        );
        assert_eq!(
            rows_but_file(out, "by_code.csv"),
            by_code,
            "{}",
            out.display()
        );
    }
}

#[test]
fn report_writes_a_csv_report_and_report_json_that_are_fifos_in_place() {
    // A CSV report or report.json is read to see whether it is a report of an earlier run; a
    // FIFO opened to read waits for a writer, this very run, which hung before anything was
    // read. Each is written in place, its reader gets the whole report.
    for name in ["by_code.csv", "report.json"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o");
        std::fs::create_dir(&out).unwrap();
        let fifo = out.join(name);
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        bin()
            .args(["report", "samples/cli", "--max-bad", "5%", "-q", "--out"])
            .arg(&out)
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .success();
        let got = reader.join().unwrap();
        assert!(
            got.starts_with("code,") || got.starts_with("{\n"),
            "{name}: {got:.80}"
        );
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
}
