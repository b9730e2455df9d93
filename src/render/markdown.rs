//! Markdown tables. Log text is escaped so a `|` or a newline cannot break the table.

use polars::prelude::DataFrame;

/// Escapes text for a Markdown table cell.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Escape sequences from logs must not reach a terminal that shows the Markdown.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table from headers and rows of text. Cells are escaped here.
pub fn table_of(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push_str("| ");
    out.push_str(
        &headers
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | "),
    );
    out.push_str(" |\n|");
    for _ in headers {
        out.push_str(" --- |");
    }
    out.push('\n');
    for r in rows {
        out.push_str("| ");
        out.push_str(&r.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
        out.push_str(" |\n");
    }
    out
}

/// A Markdown table of a DataFrame.
pub fn table(df: &DataFrame) -> String {
    table_of(&super::headers(df), &super::text_rows(df))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_and_newlines_cannot_break_a_row() {
        let t = table_of(
            &["a".into(), "b".into()],
            &[vec!["x|y".into(), "line1\nline2<script>\x1b[2J".into()]],
        );
        assert_eq!(
            t,
            "| a | b |\n| --- | --- |\n| x\\|y | line1<br>line2&lt;script&gt; [2J |\n"
        );
    }
}
