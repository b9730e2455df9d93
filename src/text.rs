//! Log and catalogue text made safe to show: which characters must not reach a reader as they
//! are, and one line of text for a terminal. Beneath every stage, so that each shows text one
//! way (the renderers and the messages of a config file alike).

/// What a report writes in place of a [`hostile`] character: visible, so a reader can tell that
/// the log held something there, and never whitespace that a parser would trim.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether a character of log text must not reach a reader as is: control characters (NUL, BEL,
/// ESC and the terminal escape sequences it starts, the C1 controls) other than tab, CR and LF,
/// which each format handles itself; the Unicode bidirectional controls, which make text read
/// in another order than it is stored ("Trojan Source", CVE-2021-42574); the Unicode line
/// and paragraph separators, which some viewers break lines at; and the invisible U+200B ZERO
/// WIDTH SPACE, U+2060 WORD JOINER and U+FEFF (a byte-order mark inside a text), with which two
/// names show alike (`acs-prod` and `acs-pr\u{200B}od` are two resources). Not U+200C and
/// U+200D, the zero-width non-joiner and joiner, which emoji and Indic and Persian words need.
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
                | '\u{200B}'
                | '\u{2060}'
                | '\u{FEFF}'
        )
}

/// A file's path as every output and message names it: as it is when it is UTF-8 and holds no
/// character it cannot show and no backslash; else as Rust's `{:?}` of a path writes it, each
/// byte that is not UTF-8 as `\xFF`, a tab, line break or carriage return as `\t`, `\n`, `\r`,
/// each other [`hostile`] character as `\u{1b}`, and each backslash as `\\`, so that two names
/// that differ only there never show alike (`Path::display` shows U+FFFD for each byte, and so
/// one name for both; a terminal line showed `a<LF>b.jsonl` and `a b.jsonl` alike, rev70a F5),
/// nor does a name that holds `\n` as text.
pub fn path(p: &std::path::Path) -> String {
    use std::fmt::Write;
    use std::os::unix::ffi::OsStrExt;
    let escaped = |c: char| matches!(c, '\t' | '\n' | '\r') || hostile(c);
    let bytes = p.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.chars().any(|c| c == '\\' || escaped(c)) {
            return s.to_string();
        }
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if escaped(c) => {
                    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// `record` for one, `records` for any other count.
pub fn records(n: u64) -> &'static str {
    match n {
        1 => "record",
        _ => "records",
    }
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
/// `4:+xx xx xxxx 0958`; [`join_len`]), in whatever digits ([`digit`]) and with its `+` in
/// whatever form ([`plus_len`]: `4:%2B14255550199`), and in free text (an operation context, a result message) a number
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
    let cs: Vec<char> = text.chars().collect();
    // The digits of each number (their places in `cs`), and how many of its last show: all
    // of a rawId's past `4:`.
    let mut numbers = Vec::new();
    if let Some(digits) = raw_id(&cs) {
        numbers.push((digits, if cut { 0 } else { 4 }));
    } else {
        let mut i = 0;
        while i < cs.len() {
            // Invisible characters or a space may stand between the `+` and the first digit
            // (rev69a F1: `+\u{200B}14255550199` had been shown whole).
            let digits_at = plus_len(&cs[i..])
                .or_else(|| number_prefix(&cs, i))
                .map(|p| i + p)
                .map(|d| d + gap_len(&cs[d..]));
            match digits_at.filter(|&d| cs.get(d).is_some_and(|&c| digit(c))) {
                Some(d) => {
                    let (end, digits) = number_end(&cs, d);
                    if cut && joins_only(&cs[end..]) {
                        numbers.push((digits, 0));
                    } else if digits.len() >= 7 {
                        numbers.push((digits, 4));
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
    }
    let mut masked = vec![false; cs.len()];
    for (digits, keep) in numbers {
        let hidden = digits.len().saturating_sub(keep);
        for &at in &digits[..hidden] {
            masked[at] = true;
        }
    }
    (cs.iter().zip(masked))
        .map(|(&c, m)| if m { 'x' } else { c })
        .collect()
}

/// A digit of a phone number: ASCII, or of another script (full-width `１`, Arabic-Indic),
/// as an app that takes what its users type may pass it on.
fn digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// The places of a phone number's rawId's digits, when the text is one: `4:`, a `+` in any of
/// its forms ([`plus_len`]) or none, then digits and whatever stands between them
/// ([`join_len`], a `+` too), and nothing else (no letter, no `:`).
fn raw_id(cs: &[char]) -> Option<Vec<usize>> {
    if !cs.starts_with(&['4', ':']) {
        return None;
    }
    let mut digits = Vec::new();
    let mut i = 2 + plus_len(&cs[2..]).unwrap_or(0);
    while i < cs.len() {
        match cs[i] {
            c if digit(c) => {
                digits.push(i);
                i += 1;
            }
            '+' => i += 1,
            _ => i += join_len(&cs[i..])?,
        }
    }
    Some(digits)
}

/// The length of the `+` at the start of `cs` in the forms a log gives it: as is, full-width
/// (`＋`), URL-encoded (`%2B`, an app that passes an encoded number on) or as System.Text.Json
/// escapes it (`\u002B`, a raw record's excerpt); `None` when `cs` starts otherwise.
fn plus_len(cs: &[char]) -> Option<usize> {
    let starts = |p: &str| {
        cs.len() >= p.chars().count()
            && cs
                .iter()
                .zip(p.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    };
    match cs.first()? {
        '+' | '\u{FF0B}' => Some(1),
        '%' if starts("%2b") => Some(3),
        '\\' if starts("\\u002b") => Some(6),
        _ => None,
    }
}

/// Whether a character shows nothing (or nothing but U+FFFD, [`hostile`]) between two digits:
/// Unicode's format characters (Cf: the zero-width space, non-joiner and joiner, the soft
/// hyphen, the direction marks, the word joiner and the invisible operators U+2061..U+2064,
/// the byte-order mark, the tags), and the other default-ignorable ones a font draws as nothing
/// (the combining grapheme joiner U+034F, the Hangul fillers, the variation selectors). One
/// of them may stand anywhere in a number without ending it ([`number_end`], [`gap_len`]).
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The length of what joins two groups of a number's digits at the start of `cs`: a space of
/// any kind (a tab, a no-break one too), a dash or hyphen of any kind (`-`, U+2011), `.`, `/`, `_`,
/// parentheses, their full-width forms, an [`invisible`] character, or one of those
/// URL-encoded (`%20`); `None` otherwise (a letter, `:`, `,`, a line break).
fn join_len(cs: &[char]) -> Option<usize> {
    let join = |c: char| {
        invisible(c)
            || matches!(
                c,
                ' ' | '\t' | '-' | '.' | '/' | '_' | '(' | ')' | '\u{00A0}' | '\u{2000}'
                    ..='\u{2015}'
                        | '\u{202F}'
                        | '\u{205F}'
                        | '\u{2212}'
                        | '\u{3000}'
                        | '\u{FE63}'
                        | '\u{FF08}'
                        | '\u{FF09}'
                        | '\u{FF0D}'
                        | '\u{FF0E}'
                        | '\u{FF0F}'
                        | '\u{FF3F}'
            )
    };
    match cs {
        [c, ..] if join(*c) => Some(1),
        ['%', h, l, ..] => {
            let byte = h.to_digit(16)? * 16 + l.to_digit(16)?;
            (byte < 0x80 && join(char::from(byte as u8))).then_some(3)
        }
        _ => None,
    }
}

/// Whether `cs` holds nothing but the joins of a number ([`join_len`]).
fn joins_only(cs: &[char]) -> bool {
    let mut i = 0;
    while i < cs.len() {
        match join_len(&cs[i..]) {
            Some(n) => i += n,
            None => return false,
        }
    }
    true
}

/// The length of the scheme that names a phone number at `i` of free text, `4:` (a rawId),
/// `sip:` or `tel:` in any case, at the start of a word (`participant 4:14255550199`, not the
/// `4:` of `14:55`), with the `+` after it in any of its forms ([`plus_len`]); `None`
/// elsewhere.
fn number_prefix(cs: &[char], i: usize) -> Option<usize> {
    if i > 0 && cs[i - 1].is_alphanumeric() {
        return None;
    }
    let rest = &cs[i..];
    let starts = |p: &str| {
        rest.len() >= p.len()
            && rest
                .iter()
                .zip(p.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    };
    let scheme = ["4:", "sip:", "tel:"]
        .into_iter()
        .find(|p| starts(p))?
        .len();
    Some(scheme + plus_len(&rest[scheme..]).unwrap_or(0))
}

/// The length of what stands between two groups of a number's digits (or its `+` and its
/// first digit) at the start of `cs`: one or two joins ([`join_len`]), and any [`invisible`]
/// characters around them, which count for none (three of them had ended a number); 0 when
/// none does.
fn gap_len(cs: &[char]) -> usize {
    let (mut j, mut n) = (0, 0);
    while let Some(len) = join_len(&cs[j..]) {
        if !invisible(cs[j]) {
            if n == 2 {
                break;
            }
            n += 1;
        }
        j += len;
    }
    j
}

/// The end of the phone number whose digits start at `start` in free text, and the places
/// of its digits: groups of digits joined by one or two joins ([`gap_len`]), as
/// `+1 (425) 555-0100`, `+44 20 7946 0958` and `+1-425-555-0100` write them (E.123 groups). A
/// group of more than 4 digits ends it, so that a number written whole is not joined to the
/// digits after it (`+14255550199 2026`), and so does a 15th digit, E.164's most; but not
/// when an [`invisible`] character follows it, which no writer puts between two numbers and
/// which would hide the digits after it from the mask (rev68b F6: `+142555\u{200B}50199`;
/// rev69a F1: U+200C, U+200D, the soft hyphen, U+200E, U+2061 had still done so).
fn number_end(cs: &[char], start: usize) -> (usize, Vec<usize>) {
    let (mut i, mut digits) = (start, Vec::new());
    loop {
        let group = i;
        while i < cs.len() && digit(cs[i]) {
            digits.push(i);
            i += 1;
        }
        let hidden = (cs.get(i)).is_some_and(|&c| invisible(c));
        if (i - group > 4 && !hidden) || digits.len() >= 15 {
            return (i, digits);
        }
        let j = i + gap_len(&cs[i..]);
        if j == i || !cs.get(j).is_some_and(|&c| digit(c)) {
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
        // UTF-8 is as it is; a tab, a line break and each character an output would show as
        // U+FFFD are escaped, and a backslash doubled: two names never show alike (rev70a F5:
        // `a<LF>b.jsonl` and `a b.jsonl` had read the same), nor one of `\n` as text.
        assert_eq!(shown("in/a b.jsonl".as_bytes()), "in/a b.jsonl");
        assert_eq!(shown(r"a\b.json".as_bytes()), r"a\\b.json");
        assert_eq!(shown(b"in/a\nb.jsonl"), r"in/a\nb.jsonl");
        assert_eq!(shown(b"in/a\tb\r.jsonl"), r"in/a\tb\r.jsonl");
        assert_eq!(shown("a\\b\x1b.json".as_bytes()), r"a\\b\u{1b}.json");
        assert_eq!(shown(r"a\nb".as_bytes()), r"a\\nb");
        assert_eq!(shown("a\\nb\u{202e}".as_bytes()), r"a\\nb\u{202e}");
        assert_eq!(
            shown("acs-pr\u{200b}od \u{85}".as_bytes()),
            r"acs-pr\u{200b}od \u{85}"
        );
        assert_eq!(shown(b"\xff\n"), r"\xFF\n");
        assert_eq!(line(&shown(b"in/a\nb.jsonl")), r"in/a\nb.jsonl");
    }

    #[test]
    fn controls_and_bidi_overrides_are_hostile_text_is_not() {
        for c in [
            '\0', '\x07', '\x1b', '\x7f', '\u{85}', '\u{9b}', '\u{202A}', '\u{202E}', '\u{2066}',
            '\u{2069}', '\u{200F}', '\u{2028}', '\u{200B}', '\u{2060}', '\u{FEFF}',
        ] {
            assert!(hostile(c), "{:?}", c);
        }
        for c in [
            '\t', '\n', '\r', ' ', 'a', 'é', '…', '\u{FFFD}', '\u{200C}', '\u{200D}', '😀',
        ] {
            assert!(!hostile(c), "{:?}", c);
        }
    }

    /// Two names that differ by a zero-width character show apart on a terminal (rev66a F5:
    /// `acs-prod` and `acs-pr\u{200B}od` had printed alike); the joiners of an emoji and of a
    /// Persian word stay, and so does the word joiner's place in a phone number's masking.
    #[test]
    fn zero_width_characters_show_on_a_terminal() {
        assert_eq!(line("acs-pr\u{200B}od"), "acs-pr\u{FFFD}od");
        assert_eq!(line("Answer\u{2060}Call"), "Answer\u{FFFD}Call");
        assert_eq!(line("Call\u{FEFF}failed"), "Call\u{FFFD}failed");
        assert_ne!(line("acs-pr\u{200B}od"), line("acs-prod"));
        for kept in ["👩\u{200D}💻", "می\u{200C}خواهم"] {
            assert_eq!(line(kept), kept);
        }
        assert_eq!(
            line(&mask_numbers("+1425\u{2060}555\u{200B}0199")),
            "+xxxx\u{FFFD}xxx\u{FFFD}0199"
        );
        // Inside a group of more than 4 digits too (rev68b F6: shown whole, or 8 digits).
        for (raw, shown) in [
            ("+142555\u{200B}50199", "+xxxxxx\u{FFFD}x0199"),
            ("+1425555\u{200B}0199", "+xxxxxxx\u{FFFD}0199"),
            ("4:+1425555\u{2060}0199", "4:+xxxxxxx\u{FFFD}0199"),
        ] {
            assert_eq!(line(&mask_numbers(raw)), shown, "{raw:?}");
        }
    }

    /// rev69a F1: an invisible character other than U+200B, U+2060 and U+FEFF after a group
    /// of more than 4 digits, any invisible character or a no-break space between the `+` and
    /// the first digit, three invisible characters in a row, and an invisible operator in a
    /// rawId had each left 7 or more digits of a number shown.
    #[test]
    fn no_invisible_character_shows_a_number() {
        let digits_shown = |s: &str| {
            let mut most = 0;
            for word in s.split('x') {
                most = most.max(word.chars().filter(|c| c.is_ascii_digit()).count());
            }
            most
        };
        for c in [
            '\u{200B}',
            '\u{2060}',
            '\u{200C}',
            '\u{200D}',
            '\u{00AD}',
            '\u{200E}',
            '\u{200F}',
            '\u{2061}',
            '\u{2064}',
            '\u{034F}',
            '\u{180E}',
            '\u{FE0F}',
            '\u{E0020}',
            '\u{FEFF}',
        ] {
            for raw in [
                format!("dial +142555{c}50199 now"),
                format!("dial +1425555{c}0199"),
                format!("dial +{c}14255550199"),
                format!("dial +1425{c}{c}{c}555{c}{c}{c}0199"),
                format!("4:+1425{c}555{c}0199"),
                format!("participant 4:{c}14255550199"),
            ] {
                let shown = mask_numbers(&raw);
                assert!(
                    shown.ends_with("0199") || shown.ends_with("0199 now"),
                    "{raw:?}: {shown:?}"
                );
                assert!(digits_shown(&shown) <= 4, "{raw:?}: {shown:?}");
            }
        }
        assert_eq!(
            mask_numbers("A +\u{00A0}14255550199"),
            "A +\u{00A0}xxxxxxx0199"
        );
        assert_eq!(mask_numbers("+142555\u{200D}50199"), "+xxxxxx\u{200D}x0199");
        assert_eq!(
            mask_numbers("4:+1425\u{2061}555\u{2061}0199"),
            "4:+xxxx\u{2061}xxx\u{2061}0199"
        );
        // Text that is no number stays, and a number written whole ends before a year.
        assert_eq!(mask_numbers("2 + 2 = 4, v1.2.3"), "2 + 2 = 4, v1.2.3");
        assert_eq!(mask_numbers("+14255550199 2026"), "+xxxxxxx0199 2026");
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

    /// A rawId whatever separates its digits, whatever form its `+` and digits take (rev63b
    /// F7: a no-break space, `/`, `_`, U+2011, full-width digits and `%2B` were shown whole),
    /// and the same in free text; what is not a number stays as it is.
    #[test]
    fn numbers_in_any_form_show_their_last_4_digits() {
        for (given, shown) in [
            (
                "4:+1\u{a0}425\u{a0}555\u{a0}0199",
                "4:+x\u{a0}xxx\u{a0}xxx\u{a0}0199",
            ),
            ("4:+1/425/555/0199", "4:+x/xxx/xxx/0199"),
            ("4:+1_425_555_0199", "4:+x_xxx_xxx_0199"),
            (
                "4:+1\u{2011}425\u{2011}555\u{2011}0199",
                "4:+x\u{2011}xxx\u{2011}xxx\u{2011}0199",
            ),
            (
                "4:+1\u{202f}425\u{2009}555\u{2013}0199",
                "4:+x\u{202f}xxx\u{2009}xxx\u{2013}0199",
            ),
            ("4:%2B14255550199", "4:%2Bxxxxxxx0199"),
            ("4:%2b1%20425%20555%200199", "4:%2bx%20xxx%20xxx%200199"),
            ("4:+１４２５５５５０１９９", "4:+xxxxxxx０１９９"),
            ("4:＋１４２５５５５０１９９", "4:＋xxxxxxx０１９９"),
            (
                "4:\u{663}\u{664}\u{662}\u{665}\u{665}\u{665}\u{665}\u{660}\u{661}\u{669}\u{669}",
                "4:xxxxxxx\u{660}\u{661}\u{669}\u{669}",
            ),
            ("4:+1 425\t555 0199", "4:+x xxx\txxx 0199"),
            // In free text: a message naming the participant, an encoded number in a URL.
            (
                "failed for participant 4:%2B14255550199. DiagCode: 408#10057.",
                "failed for participant 4:%2Bxxxxxxx0199. DiagCode: 408#10057.",
            ),
            (
                "failed for participant 4:+1\u{a0}425\u{a0}555\u{a0}0199.",
                "failed for participant 4:+x\u{a0}xxx\u{a0}xxx\u{a0}0199.",
            ),
            ("to +1/425/555/0199 now", "to +x/xxx/xxx/0199 now"),
            ("to +1_425_555_0199 now", "to +x_xxx_xxx_0199 now"),
            (
                "to +1\u{2011}425\u{2011}555\u{2011}0199",
                "to +x\u{2011}xxx\u{2011}xxx\u{2011}0199",
            ),
            (
                "to ＋１４２５５５５０１９９ now",
                "to ＋xxxxxxx０１９９ now",
            ),
            ("?to=%2B14255550199&x=1", "?to=%2Bxxxxxxx0199&x=1"),
            ("tel:%2B1-425-555-0177", "tel:%2Bx-xxx-xxx-0177"),
            // Not numbers: codes, subcodes, GUIDs, times, offsets, dates, a URL's escapes.
            ("500/8536", "500/8536"),
            ("code 500/8536 at 2026/11/24", "code 500/8536 at 2026/11/24"),
            ("DiagCode: 408#10057", "DiagCode: 408#10057"),
            (
                "0f3a6c1e-5b2d-4e8a-9c71-2d4b8e6f1a93",
                "0f3a6c1e-5b2d-4e8a-9c71-2d4b8e6f1a93",
            ),
            (
                "2026-11-24T00:10:00.0005+01:00",
                "2026-11-24T00:10:00.0005+01:00",
            ),
            (
                "at 10:00 +02:00 (CEST) 2026_11_24",
                "at 10:00 +02:00 (CEST) 2026_11_24",
            ),
            (
                "/subscriptions/1234567/acs_1234567",
                "/subscriptions/1234567/acs_1234567",
            ),
            ("a%20b%2F1234567", "a%20b%2F1234567"),
            ("4:30 to 4:45", "4:30 to 4:45"),
            ("4:x1234567", "4:x1234567"),
            ("8:acs:1234567_89", "8:acs:1234567_89"),
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
