//! Tests of `ingest/scan.rs`.

use super::*;
use crate::ingest::json::{Element, TopSeed};
use serde::de::DeserializeSeed;

/// What the serde path makes of a line: one record, or anything else. A lone surrogate's
/// escape, which serde_json refuses, read as U+FFFD, as the serde path reads it
/// (`structure::mending`).
fn serde_record(line: &[u8]) -> Option<Raw<'static>> {
    let mut got = Vec::new();
    let mut other = false;
    let ok = crate::ingest::structure::mending(line, |line| {
        got.clear();
        other = false;
        let mut emit = |e: Element<'_>| match e {
            Element::Record(r, 0) => got.push(r.into_owned()),
            _ => other = true,
        };
        let mut de = serde_json::Deserializer::from_slice(line);
        TopSeed { emit: &mut emit }
            .deserialize(&mut de)
            .and_then(|()| de.end())
    })
    .is_ok();
    (ok && !other && got.len() == 1).then(|| got.pop().expect("one"))
}

/// Whatever the scanner accepts, serde reads the same; returns whether it accepted.
fn fast(line: &[u8]) -> Option<Raw<'_>> {
    let mut raw = Raw::default();
    record(line, &mut raw, &mut Layout::default()).then_some(raw)
}

thread_local! {
    /// One layout for all the lines a test reads, as for the lines of a block.
    static LAYOUT: std::cell::RefCell<Layout> = std::cell::RefCell::new(Layout::default());
}

fn agrees(line: &[u8]) -> bool {
    // With the keys of earlier lines remembered, the same as from scratch.
    let remembered = LAYOUT.with(|l| {
        let mut raw = Raw::default();
        record(line, &mut raw, &mut l.borrow_mut()).then(|| raw.into_owned())
    });
    assert_eq!(
        remembered,
        fast(line).map(Raw::into_owned),
        "{}",
        String::from_utf8_lossy(line)
    );
    match fast(line) {
        Some(fast) => {
            let slow = serde_record(line);
            assert_eq!(
                Some(fast.into_owned()),
                slow,
                "{}",
                String::from_utf8_lossy(line)
            );
            true
        }
        None => false,
    }
}

const STORAGE: &str = r#"{"time":"2026-10-28T00:00:00.0000000Z","resourceId":"/SUBSCRIPTIONS/X","operationName":"Play","category":"CallAutomationMediaSummary","resultType":"Completed","correlationId":"6e0b95bb","level":"Informational","durationMs":17181,"properties":{"resultCode":200,"resultSubcode":0,"resultMessage":"Action completed successfully.","operationId":"0cd250e9","callConnectionId":"54fedae6","playInLoop":false,"tags":[1,{"a":null}],"x":-1.5e3}}"#;

#[test]
fn reads_a_storage_archive_line_as_serde_does() {
    assert!(agrees(STORAGE.as_bytes()));
    let raw = fast(STORAGE.as_bytes()).unwrap();
    use crate::normalize::Field;
    assert_eq!(raw.get(Field::ResultCode), &Val::Int(200));
    assert_eq!(raw.get(Field::ResultSubcode), &Val::Int(0));
    assert_eq!(raw.get(Field::CorrelationId), &Val::Str("6e0b95bb".into()));
    assert_eq!(
        raw.get(Field::CallConnectionId),
        &Val::Str("54fedae6".into())
    );
}

#[test]
fn leaves_the_unusual_to_serde() {
    for line in [
        r#"{"records":[{"time":"t"}]}"#,
        r#"{"time":"a\xb","resultCode":1}"#,
        r#"{"time":"t","resultCode":1.0}"#,
        r#"{"time":"t","resultCode":-0}"#,
        r#"{"time":"t","properties":"{\"resultCode\":1}"}"#,
        r#"{"time":"t","properties":{"a":1},"data":{"b":2}}"#,
        "{\"time\":\"t\tx\"}",
        "{\"time\":\n\"t\nx\"}",
        "{\"a\":\"\u{1}\"}",
        r#"[{"time":"t"}]"#,
        r#"{"time":"t"} {"time":"u"}"#,
        r#"{"time":"t","resultCode":0123}"#,
    ] {
        assert!(fast(line.as_bytes()).is_none(), "{line}");
    }
    // Still valid JSON that the scanner reads: escapes in skipped values, empty objects.
    assert!(agrees(
        br#"{"a":"x\"y\u00e9\\","b":{},"c":[],"time":"t","resultCode":7,"r":true}"#
    ));
    assert!(agrees(b"{}"));
    assert!(agrees(b"{\n  \"time\": \"t\",\r\n\t\"resultCode\": 404\n}"));
    assert!(agrees(
        br#"{ "time" : "t" , "properties" : { "resultCode" : 404 , "resultSubCode" : null } }"#
    ));
}

#[test]
fn escapes_in_wanted_strings_are_read_as_serde_reads_them() {
    for line in [
        r#"{"time":"a\"b","resultCode":1}"#,
        r#"{"time":"t","properties":{"resultCode":400,"resultMessage":"Action failed, file format is invalid: \"welcome.mp3\" is not a WAV file."}}"#,
        r#"{"time":"t","resultMessage":"\\\/\b\f\n\r\t\"","resultCode":1}"#,
        r#"{"time":"t","resultMessage":"\u00e9t\u00C9 \u0000 \u20ac\uFFFF","resultCode":1}"#,
        r#"{"time":"t","resultMessage":"caf\u00e9 déjà \"vu\"","resultCode":1}"#,
        r#"{"resultMessage":"x\"","time":"t","resultCode":1,"resultMessage":"\"y"}"#,
    ] {
        assert!(agrees(line.as_bytes()), "{line}");
    }
    let raw = fast(br#"{"time":"t","resultMessage":"a \"b\" \u00e9\\","resultCode":1}"#).unwrap();
    use crate::normalize::Field;
    assert_eq!(
        raw.get(Field::ResultMessage),
        &Val::Str("a \"b\" \u{e9}\\".into())
    );
    // Escapes JSON does not have, a cut escape and control characters after an escape are the
    // serde path's.
    for line in [
        r#"{"time":"t","resultMessage":"\u00g0","resultCode":1}"#,
        r#"{"time":"t","resultMessage":"\u+0e9","resultCode":1}"#,
        r#"{"time":"t","resultMessage":"\a","resultCode":1}"#,
        r#"{"time":"t","resultMessage":"\"#,
        r#"{"time":"t","resultMessage":"\u00e"#,
        "{\"time\":\"t\",\"resultMessage\":\"\\\"\tx\",\"resultCode\":1}",
    ] {
        assert!(fast(line.as_bytes()).is_none(), "{line}");
        agrees(line.as_bytes());
    }
}

/// A `\u` escape of a UTF-16 surrogate in a wanted string: a pair is its character, half of
/// one (a high one no low one follows, a low one alone: an emoji cut by an app or a logger)
/// U+FFFD, as the serde path reads it once it mended the line; both had sent the line to the
/// serde path, where serde_json refused the half one and made its record a reject.
#[test]
fn surrogate_escapes_in_wanted_strings_are_read_as_the_serde_path_reads_them() {
    for (escapes, read) in [
        (r"\ud83d\ude00", "a\u{1f600}b"),
        (r"\uD83D\uDE00", "a\u{1f600}b"),
        (r"\ud83d", "a\u{fffd}b"),
        (r"\udc00", "a\u{fffd}b"),
        (r"\ude00\ud83d", "a\u{fffd}\u{fffd}b"),
        (r"\ud83d\ud83d\ude00", "a\u{fffd}\u{1f600}b"),
        (r"\ud83d\n", "a\u{fffd}\nb"),
        (r"\ud83d\u00e9", "a\u{fffd}\u{e9}b"),
        (r"\ud83d\\ude00", "a\u{fffd}\\ude00b"),
    ] {
        let line = format!(r#"{{"time":"t","resultMessage":"a{escapes}b","resultCode":1}}"#);
        assert!(agrees(line.as_bytes()), "{line}");
        let raw = fast(line.as_bytes()).unwrap();
        use crate::normalize::Field;
        assert_eq!(
            raw.get(Field::ResultMessage),
            &Val::Str(read.into()),
            "{line}"
        );
    }
    // Cut inside the low one's escape: the serde path's (a cut escape).
    for line in [
        r#"{"time":"t","resultMessage":"\ud83d\ude0"#,
        r#"{"time":"t","resultMessage":"\ud83d\"#,
    ] {
        assert!(fast(line.as_bytes()).is_none(), "{line}");
    }
}

#[test]
fn control_characters_in_strings_are_left_to_serde_and_whitespace_outside_them_is_read() {
    // Found where each string's end is searched: in a skipped value (followed by a byte that
    // would make an escape of a backslash), a wanted value and a key. Outside strings, tab, LF
    // and CR are JSON's whitespace; any other control character is a byte out of place.
    for c in 0u8..0x20 {
        let c = char::from(c);
        for line in [
            format!("{{\"a\":\"x{c}n\",\"time\":\"t\"}}"),
            format!("{{\"time\":\"t{c}\"}}"),
            format!("{{\"a{c}\":1,\"time\":\"t\"}}"),
        ] {
            assert!(fast(line.as_bytes()).is_none(), "{line:?}");
        }
        let outside = format!("{{\"a\":1{c},\"time\":\"t\"}}");
        if matches!(c, '\t' | '\n' | '\r') {
            assert!(agrees(outside.as_bytes()), "{outside:?}");
        } else {
            assert!(fast(outside.as_bytes()).is_none(), "{outside:?}");
        }
    }
}

#[test]
fn finds_the_first_quote_or_backslash() {
    // The search of this target (SSE2 on x86_64) and the scalar one of other targets, with and
    // without control characters.
    type Find = fn(&[u8]) -> Option<usize>;
    let finds: [(Find, bool); 4] = [
        (quote_or_backslash, false),
        (stop_scalar::<false>, false),
        (string_stop, true),
        (stop_scalar::<true>, true),
    ];
    for (find, controls) in finds {
        // Every control character is found where they count, and is text where they do not;
        // a byte just above them (space, DEL, bytes of multi-byte characters) never is.
        for c in (0u8..0x20).chain([b' ', 0x7f, 0x80, 0xa0, 0xff]) {
            for len in [0, 7, 8, 15, 16, 17, 31, 40] {
                let mut b = vec![b'a'; len];
                b.push(c);
                b.extend_from_slice(b"xyz\"");
                let want = if controls && c < 0x20 { len } else { len + 4 };
                assert_eq!(find(&b), Some(want), "{c:#x} at {len}");
            }
        }
        // Fillers next to the two bytes in value, and a multi-byte character, at every place
        // of three 16-byte chunks and the tail after them.
        for filler in [b'a', b'!', b'#', b'[', b']', 0xc3, 0xa2, 0xdc] {
            for len in 0..60 {
                for c in [b'"', b'\\'] {
                    let mut b = vec![filler; len];
                    b.extend_from_slice(&[c, b'"', b'\\']);
                    assert_eq!(find(&b), Some(len), "{len}");
                    b.extend_from_slice(&[filler; 20]);
                    assert_eq!(find(&b), Some(len), "{len}");
                }
                assert_eq!(find(&vec![filler; len]), None);
            }
        }
        // A byte just below the quote in value must not be taken for it (the bytes below it
        // are control characters, found first where they count).
        let want = if controls { 2 } else { 8 };
        assert_eq!(find(b"\x21\x21\x01\x00\x00\x00\x00\x00\""), Some(want));
    }
}

#[test]
fn callback_result_information_is_nested_twice() {
    let line = br#"{"id":"1","type":"Microsoft.Communication.PlayFailed","data":{"resultInformation":{"code":400,"subCode":8535,"message":"bad file"},"correlationId":"c1"},"time":"2022-09-13T00:55:08.2240104+00:00"}"#;
    assert!(agrees(line));
}

/// AddParticipantFailed's `participant` (its `rawId`) and `operationContext`, beside
/// `resultInformation` in `data`: read by the scanner as serde reads them, the participant's
/// object before or after the result's, its other keys skipped.
#[test]
fn a_callback_s_participant_and_operation_context_are_read() {
    use crate::normalize::Field;
    let participant = r#""participant":{"rawId":"4:+14255550199","kind":"phoneNumber","phoneNumber":{"value":"+14255550199"}}"#;
    let result =
        r#""resultInformation":{"code":408,"subCode":560408,"message":"Request timeout."}"#;
    for (a, b) in [(participant, result), (result, participant)] {
        let line = format!(
            r#"{{"type":"Microsoft.Communication.AddParticipantFailed","time":"2026-12-03T08:00:00+00:00","data":{{"operationContext":"transfer-to-agent",{a},{b},"correlationId":"c1"}}}}"#
        );
        assert!(agrees(line.as_bytes()), "{line}");
        let raw = fast(line.as_bytes()).unwrap();
        assert_eq!(raw.get(Field::Target), &Val::Str("4:+14255550199".into()));
        assert_eq!(
            raw.get(Field::OperationContext),
            &Val::Str("transfer-to-agent".into())
        );
        assert_eq!(raw.get(Field::ResultSubcode), &Val::Int(560408));
    }
}

#[test]
fn outer_and_nested_values_take_precedence_as_serde_gives_them() {
    // Each value of a field at the record's level and in `properties` / `data` (two levels),
    // before and after each other: the shallowest value that is not null wins.
    let vals = [
        "",
        r#""x""#,
        r#""y""#,
        "null",
        r#""""#,
        r#"" None ""#,
        "7",
        "[1]",
    ];
    let mut read = 0;
    for a in vals {
        for b in vals {
            for c in vals {
                let f = |v: &str| {
                    if v.is_empty() {
                        String::new()
                    } else {
                        format!(r#""resultMessage":{v},"#)
                    }
                };
                let (fa, fb, fc) = (f(a), f(b), f(c));
                for line in [
                    format!(r#"{{{fa}"properties":{{{fb}"data":{{{fc}"z":1}},"z":1}},"z":1}}"#),
                    format!(r#"{{"properties":{{"data":{{{fc}"z":1}},{fb}"z":1}},{fa}"z":1}}"#),
                    format!(r#"{{{fa}{fa}"properties":{{{fb}{fc}"z":1}},{fb}"z":1}}"#),
                ] {
                    read += usize::from(agrees(line.as_bytes()));
                }
            }
        }
    }
    assert_eq!(read, 3 * vals.len().pow(3));
}

#[test]
fn agrees_with_serde_on_every_sample_line_and_damaged_copies() {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json" || x == "jsonl") {
                let data = std::fs::read(&p).unwrap();
                lines.extend(data.split(|&b| b == b'\n').map(|l| l.trim_ascii().to_vec()));
            }
        }
    }
    let mut accepted = 0;
    for line in &lines {
        accepted += usize::from(agrees(line));
    }
    assert!(
        accepted > 1000,
        "only {accepted} sample lines took the fast path"
    );
    // Damage: every cut of a few lines, and bytes replaced by JSON's structural characters.
    let mut damaged = 0;
    for line in lines.iter().filter(|l| fast(l).is_some()).take(20) {
        for cut in 0..line.len() {
            agrees(&line[..cut]);
            damaged += 1;
        }
        for (i, with) in (0..line.len())
            .step_by(3)
            .zip([b'"', b'\\', b'{', b'}', b',', b':', b'1'].iter().cycle())
        {
            let mut l = line.clone();
            l[i] = *with;
            agrees(&l);
            damaged += 1;
        }
    }
    assert!(damaged > 10_000);
}

/// An integer past `i64` is kept as its digits, so that a reject quotes the number given:
/// serde's visitors see one past `u64` as a float, rounded (`18446744073709552000`).
#[test]
fn an_integer_past_i64_keeps_its_digits() {
    for n in [
        "9223372036854775808",
        "18446744073709551616",
        "-99999999999999999999",
    ] {
        let line = format!(r#"{{"time":"t","resultCode":{n}}}"#);
        let raw = fast(line.as_bytes()).expect("read");
        assert_eq!(
            raw.get(crate::normalize::Field::ResultCode),
            &Val::Str(n.into())
        );
    }
    // In range (19 digits), a fraction or an exponent: serde's, as before.
    assert!(fast(br#"{"time":"t","resultCode":-9223372036854775808}"#).is_none());
    assert!(fast(br#"{"time":"t","resultCode":1e20}"#).is_none());
}

#[test]
fn a_layout_key_matches_its_bytes_at_every_length() {
    for n in [2, 7, 8, 15, 16, 17, 24, 40] {
        let bytes: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
        let mut key = Key::default();
        key.set(&bytes, KeyRole::Ignore);
        for tail in [&b""[..], b":1}", b"\":\"a long value of the field\"}"] {
            let hay = [&bytes[..], tail].concat();
            assert!(key.starts(&hay), "{n} bytes, tail {tail:?}");
            // A byte changed anywhere in the key, or the key cut short, is another key.
            for i in 0..n {
                let mut other = hay.clone();
                other[i] ^= 0x20;
                assert!(!key.starts(&other), "{n} bytes, byte {i} changed");
            }
            assert!(!key.starts(&hay[..n - 1]), "{n} bytes cut short");
        }
    }
}

/// A key of the layout is remembered with the separator before it (the comma, whitespace
/// around it), so that both are compared as one run; a line whose separators differ from the
/// last line's is read key by key, the same.
#[test]
fn a_layout_key_holds_the_separator_before_it() {
    let mut layout = Layout::default();
    let lines = [
        r#"{"time":"t","resultCode":200,"properties":{"resultSubcode":0,"x":[1]}}"#,
        r#"{"time":"t" , "resultCode":201,"properties":{ "resultSubcode":1 ,"x":[1]}}"#,
        r#"{"time":"t","resultCode":202,"properties":{"resultSubcode":2,"x":[1]}}"#,
        r#"{"time":"t","resultCode":203,"properties":{"resultSubcode":3,"x":[1]},"y":1}"#,
        r#"{"time":"t","resultCode":204,"properties":{"resultSubcode":4}}"#,
    ];
    for line in lines {
        let mut raw = Raw::default();
        assert!(record(line.as_bytes(), &mut raw, &mut layout), "{line}");
        assert_eq!(
            Some(raw.into_owned()),
            serde_record(line.as_bytes()),
            "{line}"
        );
        assert!(agrees(line.as_bytes()));
    }
    let keys = |level: usize| -> Vec<String> {
        layout.levels[level]
            .iter()
            .map(|k| String::from_utf8_lossy(&k.bytes).into_owned())
            .collect()
    };
    assert_eq!(
        keys(0),
        [
            r#""time":"#,
            r#","resultCode":"#,
            r#","properties":"#,
            r#","y":"#
        ]
    );
    assert_eq!(keys(1), [r#""resultSubcode":"#, r#","x":"#]);
}

/// A wanted integer is taken as its digits are walked: whatever the scanner reads so, serde
/// reads the same, at each length around 18 digits, signed or not, and next to what ends it.
#[test]
fn a_wanted_integer_read_as_walked_is_serdes() {
    let mut numbers: Vec<String> = [
        "0",
        "7",
        "-7",
        "200",
        "-0",
        "00",
        "01",
        "-01",
        "1.5",
        "1e3",
        "1E3",
        "-",
        "--1",
        "0.0",
        "99999999999999999999",
        "-99999999999999999999",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
    ]
    .map(String::from)
    .to_vec();
    for len in 1..=21 {
        let digits: String = (0..len).map(|i| char::from(b'1' + (i % 9) as u8)).collect();
        numbers.push(digits.clone());
        numbers.push(format!("-{digits}"));
        numbers.push("9".repeat(len));
        numbers.push(format!("-{}", "9".repeat(len)));
    }
    let mut read = 0;
    for n in &numbers {
        // An integer past i64 is kept as its digits where serde reads a float (above).
        let digits = n.strip_prefix('-').unwrap_or(n);
        if n.parse::<i64>().is_err()
            && digits.len() > 18
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            continue;
        }
        for (before, after) in [("", ""), (" ", " "), ("", ",\"x\":1"), ("", "}")] {
            let line = format!(
                r#"{{"time":"t","properties":{{"resultCode":{before}{n}{after}}},"resultSubcode":{n}}}"#
            );
            read += usize::from(agrees(line.as_bytes()));
        }
    }
    assert!(read > 100, "{read}");
}

/// A value that repeats the last record's at the same key is taken as one run of bytes
/// ([`Seen`]): lines made of values from small pools (so that most repeat and some change),
/// among them numbers that are the start of others (`1`, `12`, `1.5`, `1e3`), escapes,
/// characters of every width, containers, literals, whitespace around values, keys that are
/// the start of known keys, duplicate keys and keys that come and go, each read as serde
/// reads it and as from scratch.
#[test]
fn values_repeated_from_the_last_record_are_read_as_serde_reads_them() {
    let numbers = [
        "1", "12", "1.5", "1e3", "-1", "0", "200", "2000", "null", "true",
    ];
    let strings = [
        r#""Play""#,
        r#""Play ""#,
        r#""PlayX""#,
        r#""a\"b""#,
        r#""caf\u00e9 déjà €😀""#,
        r#""é€😀""#,
        r#""""#,
        r#"" None ""#,
        r#""/SUBSCRIPTIONS/0F3A6C1E-5B2D-4E8A-9C71-2D4B8E6F1A93/RESOURCEGROUPS/RG""#,
        r#""/SUBSCRIPTIONS/0F3A6C1E-5B2D-4E8A-9C71-2D4B8E6F1A93/RESOURCEGROUPS/RG-""#,
        r#""2026-11-24T10:00:00.1234567Z""#,
        r#""2026-11-24T10:00:00.12345678Z""#,
    ];
    let others = [
        "[1,2]",
        "[1,2,3]",
        r#"{"a":1}"#,
        r#"{"a":12}"#,
        "true",
        "false",
        "null",
        "12",
        "123",
        "1.25",
        r#""x\\""#,
    ];
    let spaces = ["", "", "", " ", "\t", "\n "];
    let keys = [
        ("time", &strings[..]),
        ("resourceId", &strings[..]),
        ("tim", &strings[..]),
        ("resultCode", &numbers[..]),
        ("resultCodeX", &numbers[..]),
        ("level", &others[..]),
        ("resultMessage", &strings[..]),
        ("category", &strings[..]),
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // Each key's value now, changed now and then; which keys the record has, changed rarely.
    let mut now: Vec<usize> = keys.iter().map(|_| 0).collect();
    let mut nested_now: Vec<usize> = keys.iter().map(|_| 0).collect();
    let mut space = 0;
    let mut layout = Layout::default();
    let (mut hits, mut accepted) = (0, 0);
    for n in 0..4000 {
        for v in now.iter_mut().chain(nested_now.iter_mut()) {
            if next(8) == 0 {
                *v = next(12);
            }
        }
        if next(50) == 0 {
            space = next(spaces.len());
        }
        let ws = spaces[space];
        let drop_key = if n % 97 < 3 {
            Some(next(keys.len()))
        } else {
            None
        };
        let field = |(i, (key, pool)): (usize, &(&str, &[&str])), at: &[usize]| {
            format!(r#""{key}":{ws}{}"#, pool[at[i] % pool.len()])
        };
        let top: Vec<String> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != drop_key)
            .map(|k| field(k, &now))
            .collect();
        let nested: Vec<String> = keys
            .iter()
            .enumerate()
            .skip(3)
            .map(|k| field(k, &nested_now))
            .collect();
        let sep = format!(",{ws}");
        let mut line = format!(
            "{{{},{ws}\"properties\":{{{}}}",
            top.join(&sep),
            nested.join(&sep)
        );
        // A key twice now and then.
        if n % 89 == 0 {
            line.push_str(&format!(
                r#","resultCode":{}"#,
                numbers[next(numbers.len())]
            ));
        }
        line.push('}');
        let mut raw = Raw::default();
        let read = record(line.as_bytes(), &mut raw, &mut layout);
        let fresh = fast(line.as_bytes()).map(Raw::into_owned);
        assert_eq!(read.then(|| raw.into_owned()), fresh, "{line}");
        accepted += usize::from(agrees(line.as_bytes()));
        hits += layout.levels[0]
            .iter()
            .chain(&layout.levels[1])
            .filter(|k| k.seen.trust > 0)
            .count();
    }
    // The runs were taken, for many keys of many records, most of them read by the scanner
    // (a wanted number with a fraction or an exponent is serde's).
    assert!(hits > 10_000, "{hits}");
    assert!(accepted > 1_000, "{accepted}");
}

/// Two runs of bytes are the same only when every byte is, at every length, and the runs of
/// sixteen bytes or more so with SSE2 and without (the other targets' words): a byte changed
/// by its low bit or by its high one (the sign of SSE2's signed bytes).
#[test]
fn same_compares_every_byte() {
    for n in 0..200 {
        let a: Vec<u8> = (0..n).map(|i| (i * 7 + 3) as u8).collect();
        assert!(same(&a, &a.clone()));
        if n >= 16 {
            assert!(same_words(&a, &a.clone()) && same_words_scalar(&a, &a.clone()));
        }
        for i in 0..n {
            for flip in [1, 0x80] {
                let mut b = a.clone();
                b[i] ^= flip;
                assert!(!same(&a, &b), "{n} bytes, byte {i}");
                if n >= 16 {
                    assert!(!same_words(&a, &b), "SSE2: {n} bytes, byte {i}");
                    assert!(!same_words_scalar(&a, &b), "words: {n} bytes, byte {i}");
                }
            }
        }
        assert!(!same(&a, &[a.clone(), vec![0]].concat()));
    }
}

/// `between` is `str::get` of a range: the same text on characters' boundaries, `None` off
/// them, past the end or backwards, at every pair of places of text of every width.
#[test]
fn between_slices_as_str_get_does() {
    let text = "a\"é€😀\\z";
    for from in 0..=text.len() + 1 {
        for to in 0..=text.len() + 1 {
            assert_eq!(between(text, from, to), text.get(from..to), "{from}..{to}");
        }
    }
}
