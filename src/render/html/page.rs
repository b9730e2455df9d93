//! The page as it is written ([`Page`]: a buffer that goes to the file a part at a time) and
//! the tables written into it, each cell escaped or linked as its column's kind says.

use std::borrow::Borrow;
use std::fmt::{self, Write};
use std::io;

use crate::render::markup::escape;
use crate::report::table::{Cell, Col, Table};

use super::linkify;

/// The page as it is written: text gathers in a buffer that goes to the file, after a table's
/// row or a section, once it holds [`Page::CHUNK`] bytes or more, so that a table of thousands
/// of rows is never held whole.
pub(super) struct Page<'a> {
    pub(super) buf: String,
    pub(super) out: &'a mut dyn io::Write,
}

impl Page<'_> {
    pub(super) const CHUNK: usize = 64 * 1024;

    pub(super) fn push_str(&mut self, s: &str) {
        let _ = fmt::Write::write_str(self, s);
    }

    /// Writes what is gathered once it is a chunk.
    pub(super) fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= Self::CHUNK {
            self.out.write_all(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is left.
    pub(super) fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }
}

impl fmt::Write for Page<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.buf.push_str(s);
        Ok(())
    }
}

/// The table of `parts` (a table made a part at a time, or one whole), written row by row:
/// the header of the first part, then every part's rows, cells as [`cell`] says, numbers
/// right-aligned.
pub(super) fn table<T: Borrow<Table>>(
    s: &mut Page,
    parts: impl IntoIterator<Item = T>,
) -> io::Result<()> {
    let class = |kind: &Col| match kind {
        Col::Number => " class=\"num\"",
        _ => "",
    };
    let mut first = true;
    for part in parts {
        let t = part.borrow();
        if std::mem::take(&mut first) {
            s.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
            for (h, kind) in &t.columns {
                let _ = write!(s, "<th{}>{}</th>", class(kind), escape(h));
            }
            s.push_str("</tr></thead>\n<tbody>\n");
        }
        for r in &t.rows {
            s.push_str("<tr>");
            for ((_, kind), c) in t.columns.iter().zip(r) {
                let _ = write!(s, "<td{}>{}</td>", class(kind), cell(*kind, c));
            }
            s.push_str("</tr>\n");
            s.spill()?;
        }
    }
    if !first {
        s.push_str("</tbody></table></div>\n");
    }
    Ok(())
}

/// A cell as its column's kind says: text from the logs and numbers escaped, catalogue text
/// [`linkify`]d, the page's own markup as is.
fn cell(kind: Col, c: &Cell) -> String {
    match kind {
        Col::Text | Col::Number | Col::Bool => escape(&c.text()),
        Col::List => escape(&super::super::cut_list(&c.text(), super::super::MAX_TEXT)),
        Col::Catalogue => linkify(&c.text()),
        Col::Markup => c.text(),
    }
}
