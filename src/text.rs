//! Log and catalogue text made safe to show: which characters must not reach a reader as they
//! are, and one line of text for a terminal. Beneath every stage, so that each shows text one
//! way (the renderers and the messages of a config file alike).

/// What a report writes in place of a [`hostile`] character: visible, so a reader can tell that
/// the log held something there, and never whitespace that a parser would trim.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether a character of log text must not reach a reader as is: control characters (NUL, BEL,
/// ESC and the terminal escape sequences it starts, the C1 controls) other than tab, CR and LF,
/// which each format handles itself; the Unicode bidirectional controls, which make text read
/// in another order than it is stored ("Trojan Source", CVE-2021-42574); and the Unicode line
/// and paragraph separators, which some viewers break lines at.
pub fn hostile(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// A file's path as every output and message names it: as it is when it is UTF-8; else each
/// byte that is not UTF-8 as `\xFF` and each backslash as `\\`, as Rust's `{:?}` of a path
/// writes them, so that two names that differ only in such bytes never show alike
/// (`Path::display` shows U+FFFD for each, and so one name for both). Characters that are
/// UTF-8 are left to each output's rules for untrusted text ([`hostile`], [`line`]).
pub fn path(p: &std::path::Path) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let bytes = p.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// One line of text for a terminal: [`hostile`] characters become U+FFFD, line breaks spaces.
pub fn line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if hostile(c) => REPLACEMENT,
            c => c,
        })
        .collect()
}

/// A text with the digits of each phone number but its last 4 shown as `x`: a rawId of a
/// phone number of any length (`4:+14255550199`, `4:14255550199`, `4:+123456`; one of 4 digits
/// or fewer shows no more), whatever stands between its digits (`4:+44 20 7946 0958` shows
/// `4:+xx xx xxxx 0958`), and in free text (an operation context, a result message) a number
/// of 7 digits or more in E.164 form (`+14255550199`) or after `4:`, `sip:` or `tel:` at the
/// start of a word (`participant 4:14255550199`, `sip:14255550199@sbc.contoso.com`), also
/// written in groups ([`number_end`]: `+1 (425) 555-0100`). Phone numbers are personal data;
/// the last 4 digits tell one destination from another. Other ids (`8:acs:...`, Teams users)
/// are as given, and a text without a number comes back as it is.
pub fn mask_numbers(text: &str) -> String {
    mask(text, false)
}

/// A raw record's excerpt, cut with `…` at its end ([`crate::record::excerpt`]), as
/// [`mask_numbers`] shows it: a number the cut runs into shows none of its digits, since its
/// last 4 are not there to show (`+1425555…` as `+xxxxxxx…`, not `+xxx5555…`). So is a number
/// before any `…`: a value quoted in a reason is cut so too (`code "… +1425…"`).
pub fn mask_excerpt(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pieces = text.split('…').peekable();
    while let Some(piece) = pieces.next() {
        let cut = pieces.peek().is_some();
        out.push_str(&mask(piece, cut));
        if cut {
            out.push('…');
        }
    }
    out
}

/// A record's value that a reject's reason quotes (a code, a subcode, a time): as
/// [`mask_excerpt`], and each run of 7 digits or more shows its last 4 whatever comes before
/// it, since reading the value may have dropped its `+` (`"+14255550124"` read as a number is
/// quoted as `14255550124 (out of range)`, shown `xxxxxxx0124 (out of range)`), and a run the
/// value's cut runs into shows none. The catalogue's codes and subcodes have at most 6 digits,
/// so one of those stays readable.
pub fn mask_quoted(text: &str) -> String {
    let masked = mask_excerpt(text);
    let b = masked.as_bytes();
    let mut out = String::with_capacity(masked.len());
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 0 {
            let next = masked[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&masked[i..i + next]);
            i += next;
            continue;
        }
        let keep = match run {
            _ if masked[i + run..].starts_with('…') => 0,
            7.. => 4,
            _ => run,
        };
        out.extend(std::iter::repeat_n('x', run - keep));
        out.push_str(&masked[i + run - keep..i + run]);
        i += run;
    }
    out
}

/// [`mask_numbers`] of a text that may have been cut at its end (`cut`): then a number that
/// reaches the end, or whose digits are followed by nothing but the joins of a number, is masked
/// whole, whatever its length.
fn mask(text: &str, cut: bool) -> String {
    let b = text.as_bytes();
    let joins = |c: &u8| b" -.()".contains(c);
    // The spans whose digits but the last so many are masked: all of a rawId past `4:`.
    let mut spans = Vec::new();
    let raw_id = (text.strip_prefix("4:")).is_some_and(|n| {
        n.bytes()
            .all(|c| c.is_ascii_digit() || b"+ -.()".contains(&c))
    });
    if raw_id {
        spans.push((2..text.len(), if cut { 0 } else { 4 }));
    } else {
        let mut i = 0;
        while i < b.len() {
            let digits_at = match b[i] {
                b'+' => Some(i + 1),
                // JSON's escape of `+`, as System.Text.Json writes it (a raw record's excerpt).
                b'\\' if b[i..].len() >= 6 && b[i..i + 6].eq_ignore_ascii_case(b"\\u002b") => {
                    Some(i + 6)
                }
                _ => number_prefix(b, i).map(|p| i + p),
            };
            match digits_at.filter(|&d| b.get(d).is_some_and(u8::is_ascii_digit)) {
                Some(d) => {
                    let (end, digits) = number_end(b, d);
                    if cut && b[end..].iter().all(joins) {
                        spans.push((d..end, 0));
                    } else if digits >= 7 {
                        spans.push((d..end, 4));
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (span, keep) in spans {
        out.push_str(&text[last..span.start]);
        let digits = b[span.clone()]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .count();
        let mut masked = digits.saturating_sub(keep);
        for c in text[span.clone()].chars() {
            match c.is_ascii_digit() && masked > 0 {
                true => {
                    out.push('x');
                    masked -= 1;
                }
                false => out.push(c),
            }
        }
        last = span.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The length of the scheme that names a phone number at `i` of free text, `4:` (a rawId),
/// `sip:` or `tel:` in any case, at the start of a word (`participant 4:14255550199`, not the
/// `4:` of `14:55`); `None` elsewhere.
fn number_prefix(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let rest = &b[i..];
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    [&b"4:"[..], b"sip:", b"tel:"]
        .into_iter()
        .find(|p| starts(p))
        .map(<[u8]>::len)
}

/// The end of the phone number whose digits start at `start` in free text, and how many
/// digits it has: groups of digits joined by one or two of space, `-`, `.`, `(` and `)`, as
/// `+1 (425) 555-0100`, `+44 20 7946 0958` and `+1-425-555-0100` write them (E.123 groups). A
/// group of more than 4 digits ends it, so that a number written whole is not joined to the
/// digits after it (`+14255550199 2026`), and so does a 15th digit, E.164's most.
fn number_end(b: &[u8], start: usize) -> (usize, usize) {
    let joins = |c: u8| matches!(c, b' ' | b'-' | b'.' | b'(' | b')');
    let (mut i, mut digits) = (start, 0);
    loop {
        let group = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - group;
        if i - group > 4 || digits >= 15 {
            return (i, digits);
        }
        let mut j = i;
        while j < b.len() && j - i < 2 && joins(b[j]) {
            j += 1;
        }
        if j == i || !b.get(j).is_some_and(u8::is_ascii_digit) {
            return (i, digits);
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names that differ only in bytes that are not UTF-8 show apart, each such byte as
    /// `\xFF`; a backslash in such a name is doubled, so `\xFF` written out in it is no byte.
    #[test]
    fn a_path_that_is_not_utf8_shows_its_bytes_escaped() {
        use std::os::unix::ffi::OsStrExt;
        let shown = |b: &[u8]| path(std::path::Path::new(std::ffi::OsStr::from_bytes(b)));
        assert_eq!(shown(b"in/a\xff.jsonl"), r"in/a\xFF.jsonl");
        assert_eq!(shown(b"in/a\xfe.jsonl"), r"in/a\xFE.jsonl");
        assert_eq!(shown(b"\xfe\\xFF"), r"\xFE\\xFF");
        assert_eq!(shown(b"\xfe\xff"), r"\xFE\xFF");
        assert_eq!(shown(b"caf\xc3\xa9 \xe9t\xc3\xa9"), r"café \xE9té");
        // UTF-8 is as it is, a backslash and a control character too (each output masks it).
        assert_eq!(shown("a\\b\x1b.json".as_bytes()), "a\\b\x1b.json");
    }

    #[test]
    fn controls_and_bidi_overrides_are_hostile_text_is_not() {
        for c in [
            '\0', '\x07', '\x1b', '\x7f', '\u{85}', '\u{9b}', '\u{202A}', '\u{202E}', '\u{2066}',
            '\u{2069}', '\u{200F}', '\u{2028}',
        ] {
            assert!(hostile(c), "{:?}", c);
        }
        for c in [
            '\t', '\n', '\r', ' ', 'a', 'é', '…', '\u{FFFD}', '\u{200D}', '😀',
        ] {
            assert!(!hostile(c), "{:?}", c);
        }
    }

    /// Phone numbers keep their last 4 digits: a rawId of one, with or without `+`, and an
    /// E.164 number inside other text; ACS and Teams ids, short numbers and GUIDs stay.
    #[test]
    fn phone_numbers_show_their_last_4_digits() {
        for (given, shown) in [
            ("4:+14255550199", "4:+xxxxxxx0199"),
            ("4:14255550199", "4:xxxxxxx0199"),
            ("+442071838750", "+xxxxxxxx8750"),
            (
                "transfer to +14255550199 now",
                "transfer to +xxxxxxx0199 now",
            ),
            ("4:+1425555", "4:+xxx5555"),
            ("4:+123456", "4:+xx3456"),
            ("4:12345", "4:x2345"),
            ("4:+1234", "4:+1234"),
            ("+123456", "+123456"),
            ("agent 14255550199", "agent 14255550199"),
            (
                "8:acs:0f3a6c1e-5b2d-4e8a-9c71-2d4b8e6f1a93_00000001-1234-5678-9abc-def012345678",
                "8:acs:0f3a6c1e-5b2d-4e8a-9c71-2d4b8e6f1a93_00000001-1234-5678-9abc-def012345678",
            ),
            ("tränsfer +4930123456789é", "tränsfer +xxxxxxxxx6789é"),
            ("", ""),
            // Digits in groups, in a rawId and in free text.
            ("4:+44 20 7946 0958", "4:+xx xx xxxx 0958"),
            ("4:+1 (425) 555-0100", "4:+x (xxx) xxx-0100"),
            ("4:+1-425-555-0100", "4:+x-xxx-xxx-0100"),
            ("4:+1.425.555.0100", "4:+x.xxx.xxx.0100"),
            ("4:+44 (0)20 7946 0958", "4:+xx (x)xx xxxx 0958"),
            ("4:1 425 555", "4:x xx5 555"),
            ("4:+12 34", "4:+12 34"),
            ("call +44 20 7946 0958 now", "call +xx xx xxxx 0958 now"),
            ("to +1 (425) 555-0100.", "to +x (xxx) xxx-0100."),
            ("to +1-425-555-0100, then", "to +x-xxx-xxx-0100, then"),
            ("+49 30 12345678 9", "+xx xx xxxx5678 9"),
            // A number written whole is not joined to the digits after it.
            ("+14255550199 2026", "+xxxxxxx0199 2026"),
            ("+1 425 555 0100 and 2 more", "+x xxx xxx 0100 and 2 more"),
            ("+1 2026 ok", "+1 2026 ok"),
            ("+1 425 ", "+1 425 "),
            // Result messages: Microsoft's AddParticipantFailed names the participant's rawId
            // in its text; a SIP or tel URI names the number without `+` too.
            (
                "addParticipants failed for participant 4:+14255550199. Underlying reason: Request Timeout. DiagCode: 408#10057.",
                "addParticipants failed for participant 4:+xxxxxxx0199. Underlying reason: Request Timeout. DiagCode: 408#10057.",
            ),
            (
                "failed for participant 4:14255550199. DiagCode: 408#10057.",
                "failed for participant 4:xxxxxxx0199. DiagCode: 408#10057.",
            ),
            (
                "Cannot reach sip:14255550177@sbc.contoso.com;user=phone",
                "Cannot reach sip:xxxxxxx0177@sbc.contoso.com;user=phone",
            ),
            ("<SIP:+14255550177@sbc>", "<SIP:+xxxxxxx0177@sbc>"),
            ("tel:1-425-555-0177, then", "tel:x-xxx-xxx-0177, then"),
            // A text that starts as a rawId but is not one is read as text.
            ("4:+14255550199 failed", "4:+xxxxxxx0199 failed"),
            // No number: a time, a code, an extension, a scheme inside a word.
            ("at 14:55:01, DiagCode: 408#10057.", "at 14:55:01, DiagCode: 408#10057."),
            ("sip:1234@pbx", "sip:1234@pbx"),
            ("at 4:30 1234", "at 4:30 1234"),
            ("gossip:14255550199", "gossip:14255550199"),
            ("x4:14255550199", "x4:14255550199"),
            // `+` escaped as System.Text.Json writes it, in a raw record's excerpt.
            (
                r#""rawId":"4:\u002B14255550124""#,
                r#""rawId":"4:\u002Bxxxxxxx0124""#,
            ),
        ] {
            assert_eq!(mask_numbers(given), shown, "{given}");
        }
    }

    /// A number an excerpt's cut runs into shows no digit (its last 4 are not there); one
    /// before the cut, or a text not cut, is masked as any text is.
    #[test]
    fn a_number_at_an_excerpts_cut_shows_no_digit() {
        for (given, shown) in [
            (r#"{"to":"+1425555…"#, r#"{"to":"+xxxxxxx…"#),
            (r#"{"to":"+142…"#, r#"{"to":"+xxx…"#),
            (r#"{"to":"4:+1 425 …"#, r#"{"to":"4:+x xxx …"#),
            (r#"{"to":"\u002B1425555…"#, r#"{"to":"\u002Bxxxxxxx…"#),
            ("4:+1425555…", "4:+xxxxxxx…"),
            ("+14255550199 to +1425…", "+xxxxxxx0199 to +xxxx…"),
            ("+14255550199 at 2026…", "+xxxxxxx0199 at 2026…"),
            (
                r#"code "+12…" at +14255550199"#,
                r#"code "+xx…" at +xxxxxxx0199"#,
            ),
            ("+14255550199", "+xxxxxxx0199"),
            ("no number…", "no number…"),
        ] {
            assert_eq!(mask_excerpt(given), shown, "{given}");
        }
    }

    /// A quoted value's run of 7 digits or more shows its last 4, `+` or not; a code, a
    /// subcode, a negative or a fraction of fewer digits stays readable.
    #[test]
    fn a_quoted_values_long_digit_runs_show_their_last_4() {
        for (given, shown) in [
            (
                r#"code "14255550124 (out of range)""#,
                r#"code "xxxxxxx0124 (out of range)""#,
            ),
            ("time 1425555012 (a number)", "time xxxxxx5012 (a number)"),
            (r#"code "+14255550124""#, r#"code "+xxxxxxx0124""#),
            (r#"subcode "1234567""#, r#"subcode "xxx4567""#),
            (
                r#"subcode "123456 (out of range)""#,
                r#"subcode "123456 (out of range)""#,
            ),
            (
                r#"code "-404 (out of range)""#,
                r#"code "-404 (out of range)""#,
            ),
            (
                r#"code "404.5 (not a whole number)""#,
                r#"code "404.5 (not a whole number)""#,
            ),
            (r#"time "2026-11-24 10:00""#, r#"time "2026-11-24 10:00""#),
            (r#"code "abc 14255…""#, r#"code "abc xxxxx…""#),
            (r#"code "é12345678""#, r#"code "éxxxx5678""#),
        ] {
            assert_eq!(mask_quoted(given), shown, "{given}");
        }
    }
}
