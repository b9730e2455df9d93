//! Plain text for a terminal: long text wrapped under its heading.

use super::{hostile, REPLACEMENT};

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

/// Wraps `s` to `width` columns, each line prefixed by `indent`. [`hostile`] characters become
/// U+FFFD: an escape sequence in a catalogue file must not reach the terminal.
pub fn wrap(s: &str, width: usize, indent: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if hostile(c) { REPLACEMENT } else { c })
        .collect();
    let mut out = String::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words() {
        assert_eq!(wrap("aa bb cc dd", 5, "  "), "  aa bb\n  cc dd\n");
    }

    #[test]
    fn escape_sequences_do_not_reach_the_terminal() {
        assert_eq!(
            wrap("a\x1b[2J b\u{202E}c", 40, ""),
            "a\u{FFFD}[2J b\u{FFFD}c\n"
        );
    }
}
