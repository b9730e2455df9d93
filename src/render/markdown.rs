//! Markdown: escaping and tables. Text from the logs renders as itself: a `|` or a newline
//! cannot break a table, and no link, image, emphasis, code span, heading or HTML comes out of
//! it. Catalogue text keeps its links to https pages; the tool's own Markdown (headings, bold
//! labels, sparklines) is written as is.

use super::{cut, cut_list, next_link, MAX_TEXT};
use crate::text::{hostile, REPLACEMENT};

/// Escapes text from the logs (or anything else untrusted) so that it renders as itself, in a
/// table cell or in running text. Each CommonMark punctuation character that can open inline
/// markup (and `|`, `$` for GitHub's tables and math) is backslash-escaped; `&`, `<` and `>`
/// become entities, so neither HTML nor an entity (`&#x202E;`) comes through; a list or break
/// marker at the start is escaped too. LF becomes `<br>`, CR is dropped, tab is a space, other
/// [`hostile`] characters are U+FFFD, and text past [`MAX_TEXT`] is cut and ends with how much
/// was left out (`… and 168001 more characters`).
pub fn escape(s: &str) -> String {
    let (s, mark) = cut(s, MAX_TEXT);
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(&mut out, s, true, false);
    if let Some(mark) = mark {
        out.push_str(&mark);
    }
    out
}

/// Escapes catalogue text like [`escape`], except for its Markdown links to https pages, which
/// stay links (the catalogue's "see this page" references, as `report.html` keeps them).
/// Anything else that looks like a link, an image above all, is escaped.
pub fn linkify(s: &str) -> String {
    let (s, mark) = cut(s, MAX_TEXT);
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    let mut line_start = true;
    while let Some(l) = next_link(rest) {
        if plain_https(l.url) {
            // A kept link follows: a `!` at the end would make it an image.
            push_escaped(&mut out, &rest[..l.open], line_start, true);
            out.push('[');
            push_escaped(&mut out, l.text, false, false);
            out.push_str("](");
            out.push_str(l.url);
            out.push(')');
        } else {
            push_escaped(&mut out, &rest[..l.end], line_start, false);
        }
        line_start = false;
        rest = &rest[l.end..];
    }
    push_escaped(&mut out, rest, line_start, false);
    if let Some(mark) = mark {
        out.push_str(&mark);
    }
    out
}

/// An https URL that can stand as a link destination as is: nothing that ends it early, escapes
/// in it, or breaks the table it is in.
fn plain_https(url: &str) -> bool {
    url.starts_with("https://")
        && url.chars().all(|c| {
            !c.is_whitespace()
                && !hostile(c)
                && !matches!(c, '<' | '>' | '(' | ')' | '\\' | '|' | '`' | '"')
        })
}

/// Appends `s` escaped as [`escape`] says, without the cut. `line_start`: `s` may be where a
/// Markdown block starts, so a leading list or break marker is escaped. `link_follows`: a
/// link is written right after `s`.
fn push_escaped(out: &mut String, s: &str, line_start: bool, link_follows: bool) {
    // Escaped text holds no line break, so a block marker can only be its first non-blank.
    let marker = if line_start { block_marker(s) } else { None };
    // Only what would change the rendering is escaped: `(`, `)` and `!` make a link or an
    // image only next to a `[`, which always is; `#` is a heading only where a block starts
    // (the marker); `_` is emphasis only where it is not inside a word.
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    for (i, c) in s.char_indices() {
        match c {
            '\\' | '`' | '*' | '[' | ']' | '~' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(alnum(s[..i].chars().next_back()) && alnum(s[i + 1..].chars().next())) => {
                out.push_str("\\_");
            }
            // Before a `[`, or before a link that follows.
            '!' if s[i + 1..].starts_with('[') || (link_follows && s[i + 1..].is_empty()) => {
                out.push_str("\\!");
            }
            // GitHub's autolinks: `scheme://`, `mailto:`, `www.` and `user@host`. An escaped
            // `:` or `.` renders as itself and starts no link. cmark-gfm (GitHub's renderer)
            // finds e-mail addresses after escapes are removed, so an `@` is also followed by
            // an invisible U+2060 WORD JOINER, which no address holds.
            '@' => {
                out.push_str("\\@\u{2060}");
            }
            ':' | '.' if autolink_at(s, i) => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            // Only a letter, `/`, `!` or `?` after it opens HTML or an autolink: `p<0.001`
            // stays as it reads on a terminal.
            '<' if s[i + 1..].starts_with(|n: char| n.is_ascii_digit() || n == ' ' || n == '=') => {
                out.push('<');
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c if hostile(c) => out.push(REPLACEMENT),
            c if Some(i) == marker => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Whether the `:` or `.` at `s[i]` would let GitHub-flavoured Markdown make an autolink: the
/// `:` of `scheme://`, `mailto:` or `xmpp:`, the `.` of a `www.` that starts a word.
fn autolink_at(s: &str, i: usize) -> bool {
    let before = &s[..i];
    let ends_with = |w: &str| {
        before.len() >= w.len()
            && before.is_char_boundary(before.len() - w.len())
            && before[before.len() - w.len()..].eq_ignore_ascii_case(w)
    };
    match s.as_bytes()[i] {
        b':' => s[i + 1..].starts_with("//") || ends_with("mailto") || ends_with("xmpp"),
        b'.' => {
            ends_with("www")
                && before[..before.len() - 3]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        }
        _ => false,
    }
}

/// Where `s` has a list or thematic-break marker that escaping does not cover otherwise: `-` or
/// `+` and a blank first (after blanks), a line of `-`, or the `.` of a leading `1. `. `*`, `#`,
/// `>` and `)` are always escaped; `-1` or `0.5` are left alone.
fn block_marker(s: &str) -> Option<usize> {
    let start = s.len() - s.trim_start_matches([' ', '\t']).len();
    let rest = &s[start..];
    let blank_or_end = |t: &str| t.is_empty() || t.starts_with([' ', '\t']);
    // An ATX heading: one to six `#`, then a blank or the end.
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && blank_or_end(&rest[hashes..]) {
        return Some(start);
    }
    if (rest.starts_with(['-', '+']) && blank_or_end(&rest[1..]))
        || (rest.starts_with('-') && rest.trim_end_matches(['-', ' ', '\t']).is_empty())
    {
        return Some(start);
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    ((1..=9).contains(&digits)
        && rest[digits..].starts_with('.')
        && blank_or_end(&rest[digits + 1..]))
    .then_some(start + digits)
}

use crate::report::table::{Cell, Col, Table};
use std::borrow::Borrow;

/// A Markdown table of a [`Table`], each column written as its kind says.
pub fn table(t: &Table) -> String {
    let mut out = String::new();
    write_table(&mut out, [t]);
    out
}

/// Writes the Markdown table of `parts` (a table made a part at a time, or one whole) at the
/// end of `out`: the header of the first part, then every part's rows. A table of a row per
/// key, of keys by the hundred thousand, holds one part's cells at a time, not every row's.
/// Headers are the tool's own text and are written as is; cells as [`cell`] says.
pub fn write_table<T: Borrow<Table>>(out: &mut String, parts: impl IntoIterator<Item = T>) {
    let mut first = true;
    for part in parts {
        let t = part.borrow();
        if std::mem::take(&mut first) {
            out.push_str("| ");
            out.push_str(&t.headers().join(" | "));
            out.push_str(" |\n|");
            out.push_str(&" --- |".repeat(t.columns.len()));
            out.push('\n');
        }
        for r in &t.rows {
            let cells: Vec<String> = (t.columns.iter().zip(r))
                .map(|((_, kind), c)| cell(*kind, c))
                .collect();
            out.push_str("| ");
            out.push_str(&cells.join(" | "));
            out.push_str(" |\n");
        }
    }
}

/// A cell as its column's kind says: text from the logs and numbers [`escape`]d, catalogue
/// text [`linkify`]d, the tool's own Markdown as is.
fn cell(kind: Col, c: &Cell) -> String {
    match kind {
        Col::Text | Col::Number | Col::Bool => escape(&c.text()),
        Col::List => escape(&cut_list(&c.text(), MAX_TEXT)),
        Col::Catalogue => linkify(&c.text()),
        Col::Markup => c.text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of two columns, of text and of numbers, with these rows.
    fn of(rows: &[(&str, u64)]) -> Table {
        let mut t = Table::new(&[("k", Col::Text), ("n", Col::Number)]);
        for (k, n) in rows {
            t.push(crate::row![*k, *n]);
        }
        t
    }

    /// A table made in parts is written as the same rows in one table, after what the text
    /// already held, the header once.
    #[test]
    fn a_table_of_parts_is_the_table_of_their_rows() {
        let rows = [("40|x", 0), ("41|x", 1), ("42|x", 2)];
        let mut out = "before\n".to_string();
        write_table(&mut out, [of(&rows[..2]), of(&rows[2..])]);
        assert_eq!(out, format!("before\n{}", table(&of(&rows))));
        assert!(out.ends_with("| 42\\|x | 2 |\n"), "{out}");
    }

    #[test]
    fn pipes_and_newlines_cannot_break_a_row() {
        let mut t = Table::new(&[("a", Col::Text), ("b", Col::Text)]);
        t.push(crate::row!["x|y", "line1\nline2<script>\x1b[2J"]);
        assert_eq!(
            table(&t),
            "| a | b |\n| --- | --- |\n| x\\|y | line1<br>line2&lt;script&gt;\u{FFFD}\\[2J |\n"
        );
    }

    #[test]
    fn autolinks_of_github_flavoured_markdown_are_broken() {
        assert_eq!(
            escape("see http://a.example, WWW.b.example, x@c.example mailto:y xmpp:z 12:30 wwwx.d a.www.e"),
            "see http\\://a.example, WWW\\.b.example, x\\@\u{2060}c.example mailto\\:y xmpp\\:z 12:30 wwwx.d a.www\\.e"
        );
    }

    #[test]
    fn links_images_and_emphasis_from_logs_stay_text() {
        assert_eq!(
            escape("[click](javascript:alert(1))"),
            "\\[click\\](javascript:alert(1))"
        );
        assert_eq!(
            escape("![x](http://evil.example/pixel.png)"),
            "\\!\\[x\\](http\\://evil.example/pixel.png)"
        );
        assert_eq!(
            escape("**bold** _it_ ~~gone~~ `code` # not a heading"),
            "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~ \\`code\\` # not a heading"
        );
        // Plain where nothing would render: a heading marker only where a block starts,
        // an underscore inside a word, parentheses and `!` away from a `[`.
        assert_eq!(escape("# h"), "\\# h");
        assert_eq!(
            escape("(no documented mitigation) media_summary Wow!"),
            "(no documented mitigation) media_summary Wow!"
        );
        assert_eq!(escape(r"C:\logs\*.json"), r"C:\\logs\\\*.json");
        assert_eq!(escape("$x$ costs $5"), "\\$x\\$ costs \\$5");
        // An entity would otherwise decode, to markup text or to a bidi override.
        assert_eq!(
            escape("&lt;b&gt; &#x202E; AT&T"),
            "&amp;lt;b&amp;gt; &amp;#x202E; AT&amp;T"
        );
        assert_eq!(
            escape("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        // A reference-style link or a footnote needs brackets, which are escaped.
        assert_eq!(escape("[a][b] [^1]"), "\\[a\\]\\[b\\] \\[^1\\]");
    }

    #[test]
    fn block_markers_at_the_start_stay_text() {
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("  + item"), "  \\+ item");
        assert_eq!(escape("---"), "\\---");
        assert_eq!(escape("12. item"), "12\\. item");
        assert_eq!(escape("> quote"), "&gt; quote");
        // Only at the start: inside text these are plain.
        assert_eq!(escape("a - b + c 1. d"), "a - b + c 1. d");
        assert_eq!(escape("- - -"), "\\- - -");
        assert_eq!(escape("-- -"), "\\-- -");
        assert_eq!(escape("12."), "12\\.");
        // Not markers: a number, a share, an option.
        for s in [
            "-1",
            "+44 20",
            "0.0000",
            "1.5x",
            "--history",
            "1234567890. x",
        ] {
            assert_eq!(escape(s), s);
        }
    }

    #[test]
    fn controls_and_bidi_overrides_are_replaced_and_long_text_cut() {
        assert_eq!(
            escape("a\x07b\0c\td\r\ne\u{202E}f\u{2066}g\u{85}h"),
            "a\u{FFFD}b\u{FFFD}c d<br>e\u{FFFD}f\u{FFFD}g\u{FFFD}h"
        );
        let long = format!("**{}", "a".repeat(200_000));
        let e = escape(&long);
        assert!(e.starts_with("\\*\\*aaa"));
        // The characters kept (each `*` escaped, 2) and how many were left out, within the cap.
        let (kept, left) = e.rsplit_once("a… and ").unwrap();
        let left: usize = left
            .strip_suffix(" more characters")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(kept.chars().count() + 1 - 2 + left, 200_002);
        assert_eq!(e.chars().count(), MAX_TEXT + 2);
    }

    #[test]
    fn catalogue_links_to_https_pages_stay_links_nothing_else_does() {
        let m = "Reference [this page](https://learn.microsoft.com/azure/x#media-action) listing (in)compatible actions.";
        assert_eq!(
            linkify(m),
            "Reference [this page](https://learn.microsoft.com/azure/x#media-action) listing (in)compatible actions."
        );
        assert_eq!(
            linkify("![x](https://evil.example/pixel.png)"),
            "\\![x](https://evil.example/pixel.png)"
        );
        assert_eq!(
            linkify("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(
            linkify("[**x**](https://a.example/|b)"),
            "\\[\\*\\*x\\*\\*\\](https\\://a.example/\\|b)"
        );
        assert_eq!(
            linkify("- [a](https://a.example)"),
            "\\- [a](https://a.example)"
        );
        assert_eq!(linkify("no [links] here"), "no \\[links\\] here");
    }

    #[test]
    fn columns_are_written_by_what_they_hold() {
        let mut t = Table::new(&[
            ("message", Col::Text),
            ("mitigation", Col::Catalogue),
            ("timeline", Col::Markup),
        ]);
        t.push(crate::row![
            "[a](https://evil.example)",
            "See [docs](https://learn.microsoft.com/x).",
            "▁▅█",
        ]);
        let t = table(&t);
        assert!(
            t.ends_with(
                "| \\[a\\](https\\://evil.example) | See [docs](https://learn.microsoft.com/x). | ▁▅█ |\n"
            ),
            "{t}"
        );
    }
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    /// A table of the model, with log text that means something in Markdown.
    #[test]
    fn markdown_table() {
        let cat = fixture::catalogue();
        insta::assert_snapshot!(super::table(&fixture::report(&cat).by_code()));
    }
}
