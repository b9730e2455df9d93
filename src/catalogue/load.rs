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

use thiserror::Error;

use super::Tier;

mod gfm;

#[cfg(test)]
use gfm::absolute_url;
use gfm::{tables, Lines};

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
