//! A Markdown text's GFM tables and the rules its prose states, read in one pass of the parser:
//! each table's header and rows with their lines, each cell's text (links made absolute, code
//! spans kept), the rows with more cells than the header and a last row cut short.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::catalogue::DOCS_BASE;

use super::Prose;

/// The rules of a page's prose, read from the events of the pass that reads its tables
/// ([`tables`]): a paragraph that names subcodes starting with 560 and 540 as the SBC's, and
/// the paragraph of an `Nxx codes` section that has no table.
#[derive(Default)]
struct ProseReader {
    out: Prose,
    buf: String,
    in_heading: bool,
    in_para: bool,
    /// The class of the section being read, its first paragraph, and whether it has a table.
    class: Option<(u32, String, bool)>,
}

impl ProseReader {
    /// Ends the section being read: a class whose section had a paragraph and no table.
    fn close(&mut self) {
        if let Some((digit, para, false)) = self.class.take().filter(|c| !c.1.is_empty()) {
            self.out.classes.push((digit, para));
        }
    }

    fn event(&mut self, e: &Event<'_>) {
        match e {
            Event::Start(Tag::Heading { .. }) => {
                self.close();
                self.in_heading = true;
                self.buf.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                self.in_heading = false;
                let h = self.buf.trim().to_ascii_lowercase();
                let digit = h
                    .strip_suffix("xx codes")
                    .and_then(|d| d.parse::<u32>().ok());
                self.class = digit
                    .filter(|d| (1..=6).contains(d))
                    .map(|d| (d, String::new(), false));
            }
            Event::Start(Tag::Paragraph) => {
                self.in_para = true;
                self.buf.clear();
            }
            Event::End(TagEnd::Paragraph) => {
                self.in_para = false;
                let para = self.buf.split_whitespace().collect::<Vec<_>>().join(" ");
                if para.contains("560") && para.contains("540") && para.contains("SBC") {
                    self.out.sbc_rule = true;
                }
                if let Some(c) = self.class.as_mut().filter(|c| c.1.is_empty()) {
                    c.1 = para;
                }
            }
            Event::Start(Tag::Table(_)) => {
                if let Some(c) = self.class.as_mut() {
                    c.2 = true;
                }
            }
            Event::Text(t) | Event::Code(t) if self.in_heading || self.in_para => {
                self.buf.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak if self.in_para => self.buf.push(' '),
            _ => {}
        }
    }

    fn finish(mut self) -> Prose {
        self.close();
        self.out
    }
}

/// Rewrites a link relative to the docs site (`../../how-tos/x.md#anchor`) to an absolute
/// learn.microsoft.com link (`https://learn.microsoft.com/azure/communication-services/how-tos/x#anchor`).
pub fn absolute_url(target: &str) -> String {
    if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
        return target.to_string();
    }
    let (path, anchor) = match target.find('#') {
        Some(h) => (&target[..h], &target[h..]),
        None => (target, ""),
    };
    let mut path = path.trim_start_matches('/');
    while let Some(p) = path.strip_prefix("../").or_else(|| path.strip_prefix("./")) {
        path = p;
    }
    let path = path.strip_suffix(".md").unwrap_or(path);
    format!("{DOCS_BASE}{path}{anchor}")
}

/// A table cell's text being built: Markdown links kept as `[text](absolute url)`, code spans
/// as `` `code` ``, other markup dropped, `<br/>` as a line break.
#[derive(Default)]
struct CellText {
    text: String,
    /// Destinations of the links being read, innermost last.
    links: Vec<String>,
}

impl CellText {
    fn event(&mut self, e: &Event<'_>) {
        match e {
            Event::Text(t) => self.text.push_str(t),
            Event::Code(t) => {
                self.text.push('`');
                self.text.push_str(t);
                self.text.push('`');
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                let tag: String = h
                    .chars()
                    .filter(|c| c.is_ascii_alphabetic())
                    .flat_map(|c| c.to_lowercase())
                    .collect();
                if tag == "br" {
                    self.text.push('\n');
                }
            }
            Event::SoftBreak => self.text.push(' '),
            Event::HardBreak => self.text.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.text.push('[');
                self.links.push(absolute_url(dest_url));
            }
            Event::End(TagEnd::Link) => {
                let url = self.links.pop().unwrap_or_default();
                self.text.push_str("](");
                self.text.push_str(&url);
                self.text.push(')');
            }
            _ => {}
        }
    }

    /// The text, one line per `<br/>`, each trimmed and without a leading list marker (`- `).
    fn finish(self) -> String {
        self.text
            .split('\n')
            .map(|l| {
                let l = l.trim();
                l.strip_prefix("- ")
                    .or_else(|| l.strip_prefix("* "))
                    .map_or(l, str::trim_start)
            })
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A table as read: the line of its header, the header cells, and each row with its line.
pub(super) struct Table {
    pub(super) line: usize,
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<(usize, Vec<String>)>,
    /// The line of its last row when the text ends inside that row: fewer cell borders than
    /// the header's line has (an interrupted download, a copy cut short).
    pub(super) cut: Option<usize>,
    /// (line, cells) of each row with more cells than the header: GFM drops the cells past the
    /// header's, so a `|` left unescaped in the text (in a code span too) shifts the row.
    pub(super) wide: Vec<(usize, usize)>,
}

/// The cell borders (`|` not escaped) of a table's line, leading and trailing ones included.
fn borders(line: &str) -> usize {
    let b = line.trim().as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
        .count()
}

/// The cells of a table's line as GFM splits it: at each unescaped `|` (in a code span too),
/// a leading and a trailing one not opening or closing a cell.
fn cells(line: &str) -> usize {
    let t = line.trim();
    let leading = usize::from(t.starts_with('|'));
    let trailing = usize::from(t.len() > leading && t.ends_with('|') && !t.ends_with("\\|"));
    (borders(t) + 1).saturating_sub(leading + trailing)
}

/// The 1-based line of byte offsets in a text, asked in the order a parser meets them: it
/// counts the newlines between the last offset asked and the next, so a large file costs its
/// size once (not its size squared) and no index of its lines is held beside the text.
pub(super) struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    pub(super) fn new(text: &str) -> Lines<'_> {
        Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    pub(super) fn of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            (self.at, self.line) = (0, 1);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.at..offset]).count();
        self.at = offset;
        self.line
    }
}

/// Every GFM table of a Markdown text, and what its prose says: one pass of the parser reads both.
pub(super) fn tables(text: &str) -> (Vec<Table>, Prose) {
    let mut lines = Lines::new(text);
    let mut line_of = |offset: usize| lines.of(offset);
    let mut out: Vec<Table> = Vec::new();
    let mut cell: Option<CellText> = None;
    let mut row: Vec<String> = Vec::new();
    let mut row_line = 0;
    let mut in_head = false;
    // The cell borders of the header's line, and where the last row read ends.
    let mut head_borders = 0;
    let mut row_end = 0;
    let mut prose = ProseReader::default();
    for (e, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        prose.event(&e);
        match &e {
            Event::Start(Tag::Table(_)) => out.push(Table {
                line: line_of(range.start),
                header: Vec::new(),
                rows: Vec::new(),
                cut: None,
                wide: Vec::new(),
            }),
            Event::Start(Tag::TableHead) => {
                in_head = true;
                row.clear();
                head_borders = borders(&text[range.clone()]);
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some(t) = out.last_mut() {
                    t.header = std::mem::take(&mut row);
                }
            }
            Event::Start(Tag::TableRow) => {
                row.clear();
                row_line = line_of(range.start);
                let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let end = text[range.start..]
                    .find('\n')
                    .map_or(text.len(), |i| range.start + i);
                let n = cells(&text[start..end]);
                if let Some(t) = out.last_mut().filter(|t| n > t.header.len()) {
                    t.wide.push((row_line, n));
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = out.last_mut() {
                    t.rows.push((row_line, std::mem::take(&mut row)));
                }
                row_end = range.end;
            }
            Event::End(TagEnd::Table) => {
                // A text that ends in a table's last row, which has fewer borders than its
                // header: the rest of the row, and of the page, is missing.
                let upto = text[..row_end].trim_end();
                let last = upto.rfind('\n').map_or(0, |i| i + 1);
                let ends_here = text[row_end..].trim().is_empty();
                if let Some(t) = out.last_mut().filter(|t| !t.rows.is_empty() && ends_here) {
                    if borders(&upto[last..]) < head_borders {
                        t.cut = t.rows.last().map(|(line, _)| *line);
                    }
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(CellText::default()),
            Event::End(TagEnd::TableCell) => {
                row.push(cell.take().map(CellText::finish).unwrap_or_default());
            }
            _ => {
                if let Some(c) = cell.as_mut() {
                    c.event(&e);
                }
            }
        }
    }
    debug_assert!(!in_head);
    (out, prose.finish())
}
