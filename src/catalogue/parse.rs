//! Reading the catalogue: Microsoft's markdown page in its own format, or a CSV of the same facts.
//!
//! Tables are recognised by their header row, not by the headings around them, so a newer copy
//! of the page that renames a heading still loads.

use std::collections::BTreeMap;

use thiserror::Error;

use super::{Catalogue, PairEntry, DOCS_BASE};

#[derive(Debug, Error)]
pub enum CatalogueError {
    #[error("cannot read catalogue {file}: {cause}")]
    Read { file: String, cause: String },
    #[error("catalogue {file} has no entries: expected the Call Automation codes page or a CSV with header code,subcode,description,mitigation")]
    Empty { file: String },
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum TableKind {
    /// Code | Subcode | Description | Mitigation
    Pairs,
    /// Status Code | Description
    Codes,
    /// Subcode | Description
    Subcodes,
    /// Some other table of the page: ignored.
    Other,
}

fn split_row(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| c.trim().to_string()).collect()
}

fn is_separator(cells: &[String]) -> bool {
    cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

fn kind_of(header: &[String]) -> TableKind {
    let h: Vec<String> = header.iter().map(|c| c.to_ascii_lowercase()).collect();
    let h: Vec<&str> = h.iter().map(String::as_str).collect();
    match h.as_slice() {
        ["code", "subcode", "description", "mitigation"] => TableKind::Pairs,
        ["status code" | "code", "description"] => TableKind::Codes,
        ["subcode", "description"] => TableKind::Subcodes,
        _ => TableKind::Other,
    }
}

fn number(cell: &str, what: &'static str, file: &str, line: usize) -> Result<u32, CatalogueError> {
    cell.trim()
        .parse::<u32>()
        .map_err(|_| CatalogueError::NotNumeric {
            file: file.to_string(),
            line,
            what,
            value: cell.trim().to_string(),
        })
}

/// Rewrites links relative to the docs site (`../../how-tos/x.md#anchor`) to absolute
/// learn.microsoft.com links (`https://learn.microsoft.com/azure/communication-services/how-tos/x#anchor`).
pub fn absolutize_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 2]);
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = &rest[..end];
        if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
            out.push_str(target);
        } else {
            let (path, anchor) = match target.find('#') {
                Some(h) => (&target[..h], &target[h..]),
                None => (target, ""),
            };
            let mut path = path.trim_start_matches('/');
            while let Some(p) = path.strip_prefix("../").or_else(|| path.strip_prefix("./")) {
                path = p;
            }
            let path = path.strip_suffix(".md").unwrap_or(path);
            out.push_str(DOCS_BASE);
            out.push_str(path);
            out.push_str(anchor);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Parses a copy of the "Troubleshooting call end response codes for Call Automation SDK" page.
pub fn parse_markdown(text: &str, file: &str) -> Result<Catalogue, CatalogueError> {
    let mut pairs = Vec::new();
    let mut codes = BTreeMap::new();
    let mut subcodes = BTreeMap::new();
    // The table being read, and whether its separator row has been seen.
    let mut table: Option<(TableKind, bool)> = None;

    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        if !line.trim_start().starts_with('|') {
            table = None;
            continue;
        }
        let cells = split_row(line);
        match table {
            None => {
                table = Some((kind_of(&cells), false));
                continue;
            }
            Some((kind, false)) => {
                if !is_separator(&cells) {
                    return Err(CatalogueError::Malformed {
                        file: file.to_string(),
                        line: lineno,
                        reason: "a table header must be followed by a separator row".into(),
                    });
                }
                table = Some((kind, true));
                continue;
            }
            Some((TableKind::Other, true)) => continue,
            Some((kind, true)) => {
                let want = if kind == TableKind::Pairs { 4 } else { 2 };
                if cells.len() < want {
                    return Err(CatalogueError::Malformed {
                        file: file.to_string(),
                        line: lineno,
                        reason: format!("expected {want} cells, found {}", cells.len()),
                    });
                }
                match kind {
                    TableKind::Pairs => pairs.push(PairEntry {
                        code: number(&cells[0], "code", file, lineno)?,
                        subcode: number(&cells[1], "subcode", file, lineno)?,
                        description: absolutize_links(&cells[2]),
                        mitigation: absolutize_links(&cells[3..].join("|")),
                    }),
                    TableKind::Codes => {
                        let code = number(&cells[0], "status code", file, lineno)?;
                        codes.insert(code, absolutize_links(&cells[1..].join("|")));
                    }
                    TableKind::Subcodes => {
                        let sub = number(&cells[0], "subcode", file, lineno)?;
                        subcodes.insert(sub, absolutize_links(&cells[1..].join("|")));
                    }
                    TableKind::Other => unreachable!("handled above"),
                }
            }
        }
    }
    finish(file, pairs, codes, subcodes)
}

/// Parses a CSV `code,subcode,description,mitigation`. A row with code and subcode is a pair of
/// the most-common table; a row without subcode describes a code; a row without code describes
/// a subcode.
pub fn parse_csv(text: &str, file: &str) -> Result<Catalogue, CatalogueError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| CatalogueError::Malformed {
            file: file.to_string(),
            line: 1,
            reason: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if header.len() < 3 || header[..3] != ["code", "subcode", "description"] {
        return Err(CatalogueError::Malformed {
            file: file.to_string(),
            line: 1,
            reason: "the header must be code,subcode,description,mitigation".into(),
        });
    }
    let mut pairs = Vec::new();
    let mut codes = BTreeMap::new();
    let mut subcodes = BTreeMap::new();
    for row in rdr.records() {
        let row = row.map_err(|e| CatalogueError::Malformed {
            file: file.to_string(),
            line: e.position().map_or(0, |p| p.line() as usize),
            reason: "unreadable CSV row".into(),
        })?;
        let line = row.position().map_or(0, |p| p.line() as usize);
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| row.get(i).unwrap_or("").trim();
        let description = absolutize_links(cell(2));
        let mitigation = absolutize_links(cell(3));
        match (cell(0), cell(1)) {
            ("", "") => {
                return Err(CatalogueError::Malformed {
                    file: file.to_string(),
                    line,
                    reason: "a row needs a code, a subcode or both".into(),
                })
            }
            (c, "") => {
                codes.insert(number(c, "code", file, line)?, description);
            }
            ("", s) => {
                subcodes.insert(number(s, "subcode", file, line)?, description);
            }
            (c, s) => pairs.push(PairEntry {
                code: number(c, "code", file, line)?,
                subcode: number(s, "subcode", file, line)?,
                description,
                mitigation,
            }),
        }
    }
    finish(file, pairs, codes, subcodes)
}

fn finish(
    file: &str,
    pairs: Vec<PairEntry>,
    codes: BTreeMap<u32, String>,
    subcodes: BTreeMap<u32, String>,
) -> Result<Catalogue, CatalogueError> {
    if pairs.is_empty() && codes.is_empty() && subcodes.is_empty() {
        return Err(CatalogueError::Empty {
            file: file.to_string(),
        });
    }
    Ok(Catalogue::new(file.to_string(), pairs, codes, subcodes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_anchor_and_drop_md() {
        let s = "See [page](../../../../../how-tos/call-automation/control-mid-call-media-actions.md#media-action-compatibility-table) now";
        assert_eq!(
            absolutize_links(s),
            "See [page](https://learn.microsoft.com/azure/communication-services/how-tos/call-automation/control-mid-call-media-actions#media-action-compatibility-table) now"
        );
        let abs = "[x](https://example.org/a.md)";
        assert_eq!(absolutize_links(abs), abs);
        assert_eq!(
            absolutize_links("[y](../concepts/x.md)"),
            "[y](https://learn.microsoft.com/azure/communication-services/concepts/x)"
        );
    }

    #[test]
    fn page_without_tables_is_an_error() {
        let e = parse_markdown("# nothing here\n", "x.md").unwrap_err();
        assert!(e.to_string().contains("x.md has no entries"), "{e}");
    }

    #[test]
    fn non_numeric_cell_names_file_and_line() {
        let page = "| Code | Subcode | Description | Mitigation |\n| --- | --- | --- | --- |\n| 404 | 8522 | a | b |\n| 4o4 | 1 | a | b |\n";
        let e = parse_markdown(page, "new.md").unwrap_err();
        assert_eq!(
            e.to_string(),
            "catalogue new.md, line 4: code \"4o4\" is not a number"
        );
    }

    #[test]
    fn csv_form_loads_pairs_codes_and_subcodes() {
        let text = "code,subcode,description,mitigation\n404,8522,Not found,Check the call\n418,,Teapot,\n,9100,New subcode,\n";
        let c = parse_csv(text, "c.csv").unwrap();
        assert_eq!(c.pairs.len(), 1);
        assert_eq!(c.codes.get(&418).map(String::as_str), Some("Teapot"));
        assert_eq!(
            c.subcodes.get(&9100).map(String::as_str),
            Some("New subcode")
        );
        assert_eq!(c.lookup(404, Some(8522)).mitigation, Some("Check the call"));
    }

    #[test]
    fn csv_bad_number_names_line() {
        let text = "code,subcode,description,mitigation\n404,8522,a,b\n404,x1,a,b\n";
        let e = parse_csv(text, "c.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "catalogue c.csv, line 3: subcode \"x1\" is not a number"
        );
        let e = parse_csv("code,subcode,description,mitigation\n", "e.csv").unwrap_err();
        assert!(matches!(e, CatalogueError::Empty { .. }));
    }
}
