//! Files whose first lines could mislead the choice of their framing: a first line over the
//! cap, a CSV header above JSON Lines, and commands' text outputs that hold no records.

use std::io::Write;

use super::tests_shapes::Collect;
use super::*;

fn read_file(path: std::path::PathBuf) -> (Collect, IngestReport) {
    let s = IngestSettings::of(vec![path]);
    let (mut c, r) = ingest(&s, None, Collect::default).unwrap();
    c.rejects.sort();
    (c, r)
}

/// Reads `text` as a file, and gzipped (a stream, read once): the same result both ways.
fn read_both(name: &str, text: &[u8]) -> (Collect, IngestReport) {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join(name);
    std::fs::write(&plain, text).unwrap();
    let gz = dir.path().join(format!("{name}.gz"));
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let (c, r) = read_file(plain);
    let (cz, rz) = read_file(gz);
    let lines = |c: &Collect| -> Vec<(u64, Reason)> {
        c.rejects.iter().map(|r| (r.line, r.reason)).collect()
    };
    assert_eq!(lines(&c), lines(&cz), "{name}");
    assert_eq!(c.records.len(), cz.records.len(), "{name}");
    assert_eq!(r.files[0].shape, rz.files[0].shape, "{name}");
    (c, r)
}

const RECORD: &str =
    "{\"TimeGenerated\":\"2026-11-24T10:00:00Z\",\"ResultCode\":404,\"ResultSubcode\":8522}\n";

/// A first line over the cap that is not JSON (text, NULs: a blob's padding) is one `record
/// too large` reject, and the JSON Lines after it are read, in a file read in order (4 MiB),
/// by ranges (over 8 MiB) or through gzip. They had been a reject each: the file was taken
/// for CSV, its first line for a header naming no column.
#[test]
fn json_lines_after_a_first_line_over_the_cap_are_read() {
    for (first, fill) in [(MAX_RECORD_BYTES + 10, b'x'), (3 * MAX_RECORD_BYTES, 0)] {
        let mut text = vec![fill; first];
        text.push(b'\n');
        for _ in 0..5 {
            text.extend_from_slice(RECORD.as_bytes());
        }
        text.extend_from_slice(b"\nlast\n");
        let (c, r) = read_both("a.jsonl", &text);
        let got: Vec<(u64, Reason)> = c.rejects.iter().map(|r| (r.line, r.reason)).collect();
        assert_eq!(
            got,
            [(1, Reason::TooLarge), (8, Reason::NotJson)],
            "{first}"
        );
        assert_eq!(c.records.len(), 5);
        assert_eq!((r.files[0].shape, r.files[0].rejected), ("json lines", 2));
    }
}

/// The records of JSON Lines, each on its line: a storage archive's (rev71a F1's repro), the
/// first `mib` MiB long (its `resultMessage`), then `n` more.
fn archive_after_a_long_first_record(mib: usize, n: usize) -> Vec<u8> {
    let rec = |i: usize, msg: &str| {
        format!(
            r#"{{"time": "2026-11-24T10:{:02}:00Z", "category": "CallAutomationMediaSummary", "properties": {{"operationName": "Play", "resultCode": 500, "resultSubcode": 8572, "correlationId": "c{i}", "resultMessage": "{msg}"}}}}"#,
            i % 60
        )
    };
    let mut text = rec(0, &"x".repeat(mib << 20)).into_bytes();
    for i in 1..=n {
        text.push(b'\n');
        text.extend_from_slice(rec(i, "").as_bytes());
    }
    text.push(b'\n');
    text
}

/// JSON Lines whose first line is a record longer than a record may be, and longer than
/// detection reads of it (5 MiB): that line is one `record too large` reject, and every record
/// after it counts, read in order, by ranges (over 8 MiB) or through gzip, as when the same
/// record is on line 2. The file had been taken for one document: at 8 MiB its reading ended
/// at that record (`1 record read: 0 accepted, 1 rejected`, the 1,000 after it lost and not
/// counted as read); at 5 MiB the record had been accepted (rev71a F1).
#[test]
fn json_lines_after_a_first_record_over_the_cap_are_read() {
    for mib in [5, 8] {
        let text = archive_after_a_long_first_record(mib, 1000);
        let (c, r) = read_both("first.jsonl", &text);
        let got: Vec<(u64, Reason)> = c.rejects.iter().map(|r| (r.line, r.reason)).collect();
        assert_eq!(got, [(1, Reason::TooLarge)], "{mib} MiB");
        assert_eq!(c.records.len(), 1000, "{mib} MiB");
        assert_eq!((r.files[0].shape, r.files[0].rejected), ("json lines", 1));
    }
}

/// A document on one line over 4 MiB (an az CLI array, an Event Hubs `{"records": [...]}`
/// message, a query API response, a `$batch` of one) is still read as one, every record of
/// it, also when a line of JSON Lines follows it: only a first line that opens with a
/// record's field is taken for JSON Lines.
#[test]
fn a_document_on_one_line_over_the_cap_is_still_a_document() {
    let rec = |i: usize| {
        format!(
            r#"{{"time":"2026-11-24T10:00:00Z","correlationId":"c{i}","properties":{{"resultCode":400,"resultSubcode":8510,"resultMessage":"{}"}}}}"#,
            "m".repeat(200)
        )
    };
    let n = 2 * MAX_RECORD_BYTES / rec(0).len();
    let recs: Vec<String> = (0..n).map(rec).collect();
    let row = |i: usize| {
        format!(
            r#"["2026-11-24T10:00:00Z","c{i}",400,8510,"{}"]"#,
            "m".repeat(200)
        )
    };
    let rows: Vec<String> = (0..n).map(row).collect();
    let table = format!(
        r#"{{"name":"PrimaryResult","columns":[{{"name":"TimeGenerated","type":"datetime"}},{{"name":"CorrelationId","type":"string"}},{{"name":"ResultCode","type":"int"}},{{"name":"ResultSubcode","type":"int"}},{{"name":"ResultMessage","type":"string"}}],"rows":[{}]}}"#,
        rows.join(",")
    );
    let docs = [
        ("az.json", format!("[{}]", recs.join(","))),
        (
            "message.json",
            format!(r#"{{"records":[{}]}}"#, recs.join(",")),
        ),
        ("api.json", format!(r#"{{"tables":[{table}]}}"#)),
        (
            "batch.json",
            format!(r#"{{"responses":[{{"id":"1","status":200,"body":{{"tables":[{table}]}}}}]}}"#),
        ),
    ];
    for (name, doc) in docs {
        assert!(doc.len() > MAX_RECORD_BYTES + (1 << 20), "{name}");
        for after in ["", RECORD] {
            let text = format!("{doc}\n{after}");
            let (c, r) = read_both(name, text.as_bytes());
            let more = usize::from(!after.is_empty());
            assert!(c.rejects.is_empty(), "{name}: {:?}", &c.rejects[..1]);
            assert_eq!(c.records.len(), n + more, "{name}");
            assert_eq!(r.files[0].shape, "json document", "{name}");
        }
    }
}

/// A CSV header with JSON Lines right after it (below lines of text or none) is JSON Lines:
/// the records count, the text and the header are a reject each. They had all been rejects,
/// the file read as CSV. A header with rows after it is still CSV, JSON Lines after the rows
/// or not.
#[test]
fn json_lines_right_after_a_csv_header_are_read() {
    let header = "TimeGenerated,OperationName,ResultCode\n";
    for text_lines in [0, 1, 3, 9] {
        let text = "some text\n".repeat(text_lines) + header + &RECORD.repeat(6);
        let (c, r) = read_both("a.txt", text.as_bytes());
        assert_eq!(c.records.len(), 6, "{text_lines}");
        assert_eq!(r.files[0].rejected, text_lines as u64 + 1, "{text_lines}");
        assert_eq!(r.files[0].shape, "json lines");
        let header_line = text_lines as u64 + 1;
        assert!(c.rejects.iter().any(|r| r.line == header_line));
    }
    let rows = "2026-11-24T10:00:00Z,Play,400\n".repeat(3);
    let text = "some text\n".repeat(3) + header + &rows + &RECORD.repeat(6);
    let (c, r) = read_both("b.txt", text.as_bytes());
    assert_eq!((r.files[0].shape, c.records.len()), ("csv", 3));
}

/// 25 rows, as a command writes them as text.
fn rows() -> Vec<[String; 4]> {
    (0..25)
        .map(|i| {
            [
                format!("2026-11-24T{:02}:00:00.1234567Z", i % 24),
                "Play".into(),
                "400".into(),
                "8510".into(),
            ]
        })
        .collect()
}

const COLUMNS: [&str; 4] = [
    "TimeGenerated",
    "OperationName",
    "ResultCode",
    "ResultSubcode",
];

/// `az ... -o yaml`, `-o table`, `-o tsv` and PowerShell's `Format-List` redirected (UTF-16,
/// as Windows PowerShell 5.1 writes it) are one `unreadable` reject that names what the file
/// is and how to export it instead, small or large (over 8 MiB, which is read by ranges
/// otherwise, as a large XML file was). They had been a reject a line, 452 of them for 25
/// rows of YAML, naming no format.
#[test]
fn text_outputs_of_commands_are_one_reject_that_says_how_to_export() {
    let rows = rows();
    let yaml: String = (rows.iter())
        .map(|r| {
            let mut s = String::new();
            for (i, (k, v)) in COLUMNS.iter().zip(r).enumerate() {
                s += &format!("{}{k}: '{v}'\n", if i == 0 { "- " } else { "  " });
            }
            s
        })
        .collect();
    let w = [28, 13, 10, 13];
    let cell = |v: &str, w: usize| format!("{v:<w$}");
    let table = [COLUMNS.map(String::from)]
        .iter()
        .chain([w.map(|n| "-".repeat(n))].iter())
        .chain(rows.iter())
        .map(|r| {
            let cells: Vec<String> = r.iter().zip(w).map(|(v, w)| cell(v, w)).collect();
            cells.join("  ").trim_end().to_string() + "\n"
        })
        .collect::<String>();
    let tsv: String = rows.iter().map(|r| r.join("\t") + "\n").collect();
    let list: String = "\r\n\r\n".to_string()
        + &rows
            .iter()
            .map(|r| {
                let lines: Vec<String> = (COLUMNS.iter().zip(r))
                    .map(|(k, v)| format!("{k:<13} : {v}\r\n"))
                    .collect();
                lines.concat() + "\r\n"
            })
            .collect::<String>();
    let utf16 = |s: &str| -> Vec<u8> {
        let units = s.encode_utf16().flat_map(u16::to_le_bytes);
        b"\xFF\xFE".iter().copied().chain(units).collect()
    };
    for (name, bytes, says) in [
        ("az.yaml", yaml.into_bytes(), "-o yaml"),
        ("az.txt", table.into_bytes(), "-o table"),
        ("az.tsv", tsv.into_bytes(), "-o tsv"),
        ("ps.txt", utf16(&list), "Format-List"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join(name);
        std::fs::write(&small, &bytes).unwrap();
        let large = dir.path().join(format!("large-{name}"));
        let body = match bytes.starts_with(b"\xFF\xFE") {
            true => &bytes[2..],
            false => &bytes[..],
        };
        let mut big = bytes.clone();
        while big.len() < 9 << 20 {
            big.extend_from_slice(body);
        }
        std::fs::write(&large, &big).unwrap();
        // Gzipped, as a blob store or a mail keeps them: told by what they inflate to.
        let gz = dir.path().join(format!("{name}.gz"));
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&bytes).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        for path in [small, large, gz] {
            let (c, r) = read_file(path);
            assert_eq!(c.rejects.len(), 1, "{name}: {:?}", &c.rejects[..2]);
            assert_eq!(c.rejects[0].reason, Reason::Unreadable);
            let why = c.rejects[0].detail();
            assert!(why.contains(says), "{name}: {why}");
            assert!(
                why.contains("-o json") || why.contains("Export-Csv"),
                "{why}"
            );
            assert_eq!(r.files[0].shape, "unreadable");
        }
    }
}

/// A callback endpoint's log whose body is an array logged an element a line after its prefix
/// (`... Received callback: [`, then `  {...},` lines and `]`): each element is a record dated
/// by its own time, else by the prefix's. The log had been read as CSV: `7 read, 0 accepted,
/// 7 rejected` (`its first line names no known column`).
#[test]
fn a_logged_array_an_element_a_line_is_read_as_a_document() {
    let event = |i: u32| {
        format!("{{\"operationContext\":\"ctx-{i}\",\"resultInformation\":{{\"code\":400,\"subCode\":8535,\"message\":\"Action failed, file format is invalid.\"}},\"callConnectionId\":\"401f3500\",\"correlationId\":\"bbbb1111\"}}")
    };
    let body: Vec<String> = (0..3).map(|i| format!("  {}", event(i))).collect();
    let text = format!(
        "2026-11-24T10:00:00.000Z INFO listening\n2026-11-24T10:00:01.456Z INFO Received callback: [\n{}\n]\n2026-11-24T10:00:03.000Z INFO done\n",
        body.join(",\n")
    );
    assert_eq!(open::detect(text.as_bytes()), InputFormat::Json);
    let (c, r) = read_both("app.log", text.as_bytes());
    let f = &r.files[0];
    assert_eq!(
        (f.accepted, f.rejected, f.skipped),
        (3, 0, 2),
        "{:?}",
        c.rejects
    );
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:01.456Z").unwrap();
    assert!(c
        .records
        .iter()
        .all(|r| r.time == at && r.subcode == Some(8535)));
    // A line of text that ends in `[` above JSON Lines (records, no commas) stays JSON Lines.
    let lines = format!("Records: [\n{RECORD}{RECORD}{RECORD}");
    assert_eq!(open::detect(lines.as_bytes()), InputFormat::Jsonl);
}
