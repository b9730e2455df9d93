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

#[cfg(test)]
mod tests {
    use super::*;

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
}
