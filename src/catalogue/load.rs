//! Loading the catalogue: Microsoft's troubleshooting pages in their own Markdown, or a CSV of the
//! same facts.
//!
//! A page is parsed with a GFM Markdown parser (pulldown-cmark). Its code tables are found by
//! their header names, case-insensitively and in any order, never by their position or column
//! count: `Code`, `Subcode`, `Description` or `Message`, `Mitigation` or `Advice`,
//! `Callback Event`, `Result Categories`. Extra columns are ignored. A table with a code and a
//! subcode column holds pairs; one with a code column only, generic codes; one with a subcode
//! column only, generic subcodes. Pairs of a table with `Advice` or `Result Categories` columns
//! (the PSTN page's layout) are of the PSTN tier, all others of the Call Automation tier.
//!
//! Nothing fails silently: a table that looks like a code table but cannot be read, a row that
//! cannot be read, and a file with no code table at all are errors naming the file and line.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use thiserror::Error;

use super::{Tier, DOCS_BASE};

/// Largest catalogue file read: Microsoft's pages are tens of KiB.
pub const MAX_CATALOGUE_BYTES: u64 = 16 << 20;

#[derive(Debug, Error)]
pub enum CatalogueError {
    #[error("cannot read catalogue {file}: {cause}")]
    Read { file: String, cause: String },
    #[error("catalogue {file}: not a catalogue file (a regular file of at most {} MiB)", MAX_CATALOGUE_BYTES >> 20)]
    NotAFile { file: String },
    #[error("catalogue {file} is larger than {} MiB: not a catalogue page", MAX_CATALOGUE_BYTES >> 20)]
    TooLarge { file: String },
    #[error("catalogue {file} has no code table: expected Microsoft's troubleshooting page (a table with Code, Subcode and Description or Message columns) or a CSV with header code,subcode,description,mitigation")]
    NoCodeTable { file: String },
    #[error("catalogue {file}, line {line}: a table of codes whose columns are not known ({headers}); expected Code, Subcode, Description or Message, Mitigation or Advice, Callback Event")]
    UnknownHeaders {
        file: String,
        line: usize,
        headers: String,
    },
    #[error("catalogue {file}, line {line}: a code table with no entries")]
    EmptyTable { file: String, line: usize },
    #[error("catalogue {file}, line {line}: {what} {value:?} is not a number")]
    NotNumeric {
        file: String,
        line: usize,
        what: &'static str,
        value: String,
    },
    #[error("catalogue {file}, line {line}: {reason}")]
    Malformed {
        file: String,
        line: usize,
        reason: String,
    },
}

/// One pair row as read, before it joins a catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairRow {
    pub code: u32,
    pub subcode: u32,
    pub description: String,
    pub mitigation: String,
    pub callback_events: Vec<String>,
    pub tier: Tier,
    pub line: usize,
}

/// Everything one file gives.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// `ms.date` of a page's front matter, when it has one.
    pub date: Option<String>,
    pub pairs: Vec<PairRow>,
    /// Generic codes and subcodes, in file order: (number, description, mitigation; empty
    /// when the row gives none).
    pub codes: Vec<(u32, String, String)>,
    pub subcodes: Vec<(u32, String, String)>,
    /// What the page says in prose rather than in a table ([`ProseReader`]).
    pub prose: Prose,
    /// What reading found but did not stop at, each naming the file and line (a code table's
    /// row with more cells than its header).
    pub warnings: Vec<String>,
}

/// Rules a page states in its text, outside its tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose {
    /// The PSTN page's rule: a subcode starting with 560 (outbound) or 540 (inbound) is the
    /// final SIP response of the user's SBC, its last three digits.
    pub sbc_rule: bool,
    /// (first digit, text) of a class of codes whose section (`#### 2xx codes`) lists no code:
    /// its paragraph is what the page says of every code of the class.
    pub classes: Vec<(u32, String)>,
}

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

/// A column a code table may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Code,
    Subcode,
    Description,
    Mitigation,
    CallbackEvent,
    ResultCategory,
}

/// What a header cell names, if anything: letters and digits only, case-insensitively.
fn column(header: &str) -> Option<Col> {
    let h: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    Some(match h.as_str() {
        "code" | "statuscode" | "resultcode" | "participantendreason" => Col::Code,
        "subcode" | "resultsubcode" | "participantendsubcode" => Col::Subcode,
        "description" | "message" => Col::Description,
        "mitigation" | "advice" => Col::Mitigation,
        "callbackevent" | "callbackevents" => Col::CallbackEvent,
        "resultcategories" | "resultcategory" => Col::ResultCategory,
        _ => return None,
    })
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
struct Table {
    line: usize,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
    /// The line of its last row when the text ends inside that row: fewer cell borders than
    /// the header's line has (an interrupted download, a copy cut short).
    cut: Option<usize>,
    /// (line, cells) of each row with more cells than the header: GFM drops the cells past the
    /// header's, so a `|` left unescaped in the text (in a code span too) shifts the row.
    wide: Vec<(usize, usize)>,
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
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    fn new(text: &str) -> Lines<'_> {
        Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn of(&mut self, offset: usize) -> usize {
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
fn tables(text: &str) -> (Vec<Table>, Prose) {
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

/// The `ms.date` of a page's front matter.
fn ms_date(text: &str) -> Option<String> {
    text.lines()
        .take(40)
        .find_map(|l| l.trim().strip_prefix("ms.date:"))
        .map(|d| d.trim().to_string())
}

fn is_number(cell: &str) -> bool {
    let t = cell.trim();
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

fn number(cell: &str, what: &'static str, file: &str, line: usize) -> Result<u32, CatalogueError> {
    let t = cell.trim().trim_matches('`');
    t.parse::<u32>().map_err(|_| CatalogueError::NotNumeric {
        file: file.to_string(),
        line,
        what,
        value: cell.trim().to_string(),
    })
}

/// The callback events of a cell: `CreateCallFailed / AnswerFailed` → both.
fn callback_events(cell: &str) -> Vec<String> {
    cell.split(['/', ',', '\n'])
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses one of Microsoft's troubleshooting pages (or any Markdown with such tables).
pub fn markdown(text: &str, file: &str) -> Result<Loaded, CatalogueError> {
    let (tables, prose) = tables(text);
    let mut loaded = Loaded {
        date: ms_date(text),
        prose,
        ..Loaded::default()
    };
    let mut code_tables = 0;
    for t in tables {
        if let Some(line) = t.cut {
            return Err(CatalogueError::Malformed {
                file: file.to_string(),
                line,
                reason: "the page ends inside this row of a table: it looks cut short (an interrupted download?); get the whole page again".to_string(),
            });
        }
        let mut at: HashMap<Col, usize> = HashMap::new();
        for (i, h) in t.header.iter().enumerate() {
            if let Some(c) = column(h) {
                at.entry(c).or_insert(i);
            }
        }
        let get = |row: &[String], c: Col| -> String {
            at.get(&c)
                .and_then(|&i| row.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let (code, sub, desc) = (
            at.contains_key(&Col::Code),
            at.contains_key(&Col::Subcode),
            at.contains_key(&Col::Description),
        );
        if !desc || !(code || sub) {
            // Not a table this loader knows. It is an error when it looks like one of codes:
            // a column named like a code, or a first column, with numbers in every row.
            let numeric_column = |i: usize| {
                !t.rows.is_empty()
                    && t.rows
                        .iter()
                        .all(|(_, r)| r.get(i).is_some_and(|c| is_number(c)))
            };
            let named = t
                .header
                .iter()
                .position(|h| h.to_lowercase().contains("code"));
            if named.is_some_and(numeric_column) || numeric_column(0) {
                return Err(if code || sub {
                    CatalogueError::Malformed {
                        file: file.to_string(),
                        line: t.line,
                        reason: format!(
                            "a table of codes without a Description or Message column ({})",
                            t.header.join(" | ")
                        ),
                    }
                } else {
                    CatalogueError::UnknownHeaders {
                        file: file.to_string(),
                        line: t.line,
                        headers: t.header.join(" | "),
                    }
                });
            }
            continue;
        }
        code_tables += 1;
        for &(line, n) in &t.wide {
            let h = t.header.len();
            loaded.warnings.push(format!(
                "catalogue {file}, line {line}: {n} cells for {h} columns, read as the first {h} (the rest dropped): a `|` inside the text, a code span's too, splits a cell unless written `\\|`"
            ));
        }
        let entries_before = loaded.pairs.len() + loaded.codes.len() + loaded.subcodes.len();
        let tier = if at.contains_key(&Col::ResultCategory)
            || t.header
                .iter()
                .any(|h| column(h) == Some(Col::Mitigation) && h.to_lowercase().contains("advice"))
        {
            Tier::Pstn
        } else {
            Tier::CallAutomation
        };
        for (line, row) in &t.rows {
            let line = *line;
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let description = get(row, Col::Description);
            match (code, sub) {
                (true, true) => loaded.pairs.push(PairRow {
                    code: number(&get(row, Col::Code), "code", file, line)?,
                    subcode: number(&get(row, Col::Subcode), "subcode", file, line)?,
                    description,
                    mitigation: get(row, Col::Mitigation),
                    callback_events: callback_events(&get(row, Col::CallbackEvent)),
                    tier,
                    line,
                }),
                (true, false) => loaded.codes.push((
                    number(&get(row, Col::Code), "code", file, line)?,
                    description,
                    get(row, Col::Mitigation),
                )),
                _ => loaded.subcodes.push((
                    number(&get(row, Col::Subcode), "subcode", file, line)?,
                    description,
                    get(row, Col::Mitigation),
                )),
            }
        }
        if loaded.pairs.len() + loaded.codes.len() + loaded.subcodes.len() == entries_before {
            return Err(CatalogueError::EmptyTable {
                file: file.to_string(),
                line: t.line,
            });
        }
    }
    if code_tables == 0 {
        return Err(CatalogueError::NoCodeTable {
            file: file.to_string(),
        });
    }
    Ok(loaded)
}

/// Parses a CSV `code,subcode,description,mitigation` (optionally `callback_event`, in any
/// column order). A row with code and subcode is a pair; a row without subcode describes a
/// code; a row without code describes a subcode. A row with a missing field, a bad number or
/// a key given twice is an error naming its line.
pub fn csv(text: &str, file: &str) -> Result<Loaded, CatalogueError> {
    let malformed = |line: usize, reason: String| CatalogueError::Malformed {
        file: file.to_string(),
        line,
        reason,
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| malformed(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ci), Some(si), Some(di)) = (col("code"), col("subcode"), col("description")) else {
        return Err(malformed(
            1,
            "the header must be code,subcode,description,mitigation".into(),
        ));
    };
    let mi = col("mitigation");
    let ei = col("callback_event");
    // A row a line at most: the lines bound the rows, so the rows and the keys seen are
    // reserved once rather than regrown (each regrowth holds the old and the new at once).
    let rows = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    let mut loaded = Loaded {
        pairs: Vec::with_capacity(rows),
        ..Loaded::default()
    };
    let mut seen: HashMap<(Option<u32>, Option<u32>), usize> = HashMap::with_capacity(rows);
    // The physical line a record starts on (the reader's own line count, and its record
    // position, leave out the blank lines before it).
    let mut lines = Lines::new(text);
    let mut line_at = |byte: u64| {
        let from = (byte as usize).min(text.len());
        let start = from + text[from..].len() - text[from..].trim_start_matches(['\r', '\n']).len();
        lines.of(start)
    };
    for row in rdr.records() {
        let row = row.map_err(|e| {
            malformed(
                e.position().map_or(0, |p| line_at(p.byte())),
                "unreadable CSV row".into(),
            )
        })?;
        let line = row.position().map_or(0, |p| line_at(p.byte()));
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row.len() != header.len() {
            return Err(malformed(
                line,
                format!("{} fields for {} columns", row.len(), header.len()),
            ));
        }
        let cell = |i: usize| row.get(i).unwrap_or("").trim();
        let description = cell(di).to_string();
        // A code's or a subcode's row says what to do as a pair's does.
        let mitigation = mi.map(|i| cell(i).to_string()).unwrap_or_default();
        let num = |v: &str, what| {
            (!v.is_empty())
                .then(|| number(v, what, file, line))
                .transpose()
        };
        let (code, sub) = (num(cell(ci), "code")?, num(cell(si), "subcode")?);
        if let Some(first) = seen.insert((code, sub), line) {
            let key = match (code, sub) {
                (Some(c), Some(s)) => format!("pair {c}/{s}"),
                (Some(c), None) => format!("code {c}"),
                (None, Some(s)) => format!("subcode {s}"),
                (None, None) => String::new(),
            };
            return Err(malformed(
                line,
                format!("{key} is given twice (first on line {first})"),
            ));
        }
        match (code, sub) {
            (None, None) => {
                return Err(malformed(
                    line,
                    "a row needs a code, a subcode or both".into(),
                ))
            }
            (Some(c), None) => loaded.codes.push((c, description, mitigation)),
            (None, Some(s)) => loaded.subcodes.push((s, description, mitigation)),
            (Some(code), Some(subcode)) => loaded.pairs.push(PairRow {
                code,
                subcode,
                description,
                mitigation,
                callback_events: ei.map(|i| callback_events(cell(i))).unwrap_or_default(),
                tier: Tier::CallAutomation,
                line,
            }),
        }
    }
    if loaded.pairs.is_empty() && loaded.codes.is_empty() && loaded.subcodes.is_empty() {
        // Its header was read above: what it lacks is a row (an export that kept only its
        // header), not the header the generic error would send its reader to look for.
        return Err(malformed(
            1,
            "a CSV catalogue with its header and no rows".into(),
        ));
    }
    Ok(loaded)
}

/// Whether a file's text is the CSV form: its first non-blank line is a header starting with
/// `code,` (or the file is named `.csv`, decided by the caller).
pub fn looks_like_csv(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim().to_ascii_lowercase().starts_with("code,"))
}

/// A catalogue file's bytes as text: UTF-8 (a BOM dropped), or UTF-16 with its byte-order mark
/// (what Windows PowerShell 5 writes). UTF-8 becomes the text in the bytes' own buffer, and
/// UTF-16 is decoded as it is read: the file is never held twice.
pub fn decode(mut bytes: Vec<u8>, file: &str) -> Result<String, CatalogueError> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| CatalogueError::Read {
                file: file.to_string(),
                cause: "invalid UTF-16".into(),
            })
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| CatalogueError::Read {
        file: file.to_string(),
        cause: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })
}

#[cfg(test)]
mod tests;
