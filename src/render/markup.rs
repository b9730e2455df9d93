//! Text inside HTML and SVG: the one escaping that the page ([`super::html`]) and its charts
//! ([`super::charts`]) share.

use super::{cut, MAX_TEXT};
use crate::text::{hostile, REPLACEMENT};

/// Escapes text for HTML content and attribute values. For display, [`hostile`] characters
/// (controls, bidi overrides) become U+FFFD and text past [`MAX_TEXT`] is cut and ends with how
/// much was left out (`… and 168001 more characters`).
pub fn escape(s: &str) -> String {
    let (s, mark) = cut(s, MAX_TEXT);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if hostile(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    if let Some(mark) = mark {
        out.push_str(&mark);
    }
    out
}
