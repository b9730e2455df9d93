//! A log line's prefix before its JSON: where a body opens after it ([`opens_after_prefix`]),
//! the time it carries ([`prefix_time`]), a bracketed prefix ([`bracket_prefix`]).

/// Where a body logged over the lines after it opens on a line of text outside any document: a
/// logger's prefix (`      Received callback: [`, ASP.NET Core's console logger with indented
/// JSON; `JSON.stringify(body, null, 2)`, `json.dumps(body, indent=2)` after a message) whose
/// last character is the body's `[` or `{`: text with a letter or a digit, no quote and no
/// `{` (not a damaged document's `"records": [`).
pub(in crate::ingest) fn opens_after_prefix(line: &[u8]) -> Option<usize> {
    let line = line.trim_ascii_end();
    let (&last, prefix) = line.split_last()?;
    (matches!(last, b'[' | b'{')
        && prefix.iter().any(u8::is_ascii_alphanumeric)
        && !prefix.iter().any(|&c| matches!(c, b'"' | b'{')))
    .then_some(line.len() - 1)
}

/// The first ISO 8601 time in a log line's prefix (`2025-05-16T17:41:55.643Z`, Python's
/// `2025-05-16 17:41:55,643`), its date and time joined by `T` and its fraction by `.`; and
/// whether it carries its offset (`Z`, `+01:00`, or ` +00:00` after a space as .NET writes it).
pub(in crate::ingest) fn prefix_time(prefix: &[u8]) -> Option<(String, bool)> {
    let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let shape = |b: &[u8]| {
        b.len() >= 19
            && digits(&b[..4])
            && b[4] == b'-'
            && digits(&b[5..7])
            && b[7] == b'-'
            && digits(&b[8..10])
            && matches!(b[10], b'T' | b' ')
            && digits(&b[11..13])
            && b[13] == b':'
            && digits(&b[14..16])
            && b[16] == b':'
            && digits(&b[17..19])
    };
    let start = (0..prefix.len()).find(|&i| shape(&prefix[i..]))?;
    let b = &prefix[start..];
    let mut end = 19;
    if matches!(b.get(end), Some(b'.' | b',')) && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    let zoned = end;
    // .NET's `zzz` after a space, as App Service's file logger writes its lines'
    // (`2026-11-24 10:00:01.456 +00:00 [Information] ...`): the offset all the same.
    let spaced = usize::from(b.get(end) == Some(&b' '));
    let offset = &b[(end + spaced).min(b.len())..];
    if spaced == 0 && offset.first() == Some(&b'Z') {
        end += 1;
    } else if matches!(offset.first(), Some(b'+' | b'-'))
        && offset.len() >= 6
        && digits(&offset[1..3])
        && offset[3] == b':'
        && digits(&offset[4..6])
    {
        end += spaced + 6;
    }
    let mut t = String::from_utf8_lossy(&b[..end]).into_owned();
    if spaced == 1 && end > zoned {
        t.remove(zoned);
    }
    t.replace_range(10..11, "T");
    if t.as_bytes().get(19) == Some(&b',') {
        t.replace_range(19..20, ".");
    }
    Some((t, end > zoned))
}

/// Whether a line starts with a log prefix in brackets (`[2026-11-25 10:00:01] INFO ...`, a
/// logger's line, with a body after it or not), not a JSON array: its first `]` closes text
/// with a letter or a digit and no bracket or quote, that is not JSON, and a word follows it,
/// which no JSON value can be followed by.
pub(in crate::ingest) fn bracket_prefix(line: &[u8]) -> bool {
    let line = line.split(|&c| c == b'\n').next().unwrap_or(line);
    let Some(inner) = line.strip_prefix(b"[") else {
        return false;
    };
    let Some(close) = memchr::memchr(b']', inner) else {
        return false;
    };
    let text = &inner[..close];
    let word = inner[close + 1..].trim_ascii_start();
    text.iter().any(u8::is_ascii_alphanumeric)
        && !text.iter().any(|c| matches!(c, b'[' | b'{' | b'"'))
        && word.first().is_some_and(u8::is_ascii_alphabetic)
        && serde_json::from_slice::<serde::de::IgnoredAny>(&line[..close + 2]).is_err()
}
