//! Plain text for a terminal: aligned columns, long text wrapped under its row.

/// Wraps `s` to `width` columns, each line prefixed by `indent`.
pub fn wrap(s: &str, width: usize, indent: &str) -> String {
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

/// Removes control characters so log text cannot move the terminal's cursor.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Columns padded to their widest cell.
pub fn columns(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let fmt_row = |cells: &[String]| {
        let mut s = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{:<w$}", clean(c), w = *w))
            .collect::<Vec<_>>()
            .join("  ");
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = fmt_row(headers);
    for r in rows {
        out.push_str(&fmt_row(r));
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
    fn aligns_columns() {
        let t = columns(
            &["code".into(), "n".into()],
            &[
                vec!["404".into(), "12".into()],
                vec!["5".into(), "3\x1b[2J".into()],
            ],
        );
        assert_eq!(t, "code  n\n404   12\n5     3 [2J\n");
    }
}
