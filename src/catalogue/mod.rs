//! The error-code catalogue: Microsoft's table of Call Automation codes and subcodes, loaded from
//! the page shipped in the binary or from a newer copy given with `--catalogue`, and the lookup
//! of a (code, subcode) pair against it.

mod parse;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

pub use parse::{parse_csv, parse_markdown, CatalogueError};

/// The page shipped inside the binary (see the comment at its top for source and date).
pub const SHIPPED_PAGE: &str = include_str!("call-automation-codes.md");
/// Name used for the shipped page in messages and reports.
pub const SHIPPED_NAME: &str = "built-in (Microsoft Learn, ms.date 7/22/2024)";

/// Where relative links of the docs site are rooted.
pub const DOCS_BASE: &str = "https://learn.microsoft.com/azure/communication-services/";

/// What a failure is about, from the code alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Success,
    Client,
    Server,
    Global,
    Unknown,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 5] = [
        Category::Success,
        Category::Client,
        Category::Server,
        Category::Global,
        Category::Unknown,
    ];

    pub fn of(code: u32) -> Category {
        match code {
            200..=299 => Category::Success,
            400..=499 => Category::Client,
            500..=599 => Category::Server,
            600..=699 => Category::Global,
            _ => Category::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Success => "success",
            Category::Client => "client",
            Category::Server => "server",
            Category::Global => "global",
            Category::Unknown => "unknown",
        }
    }

    pub fn is_failure(self) -> bool {
        self != Category::Success
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which step of the lookup gave the description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// The (code, subcode) pair is in the most-common table.
    Exact,
    /// Only the subcode is in the generic subcodes.
    Subcode,
    /// Only the code is in the generic codes.
    Code,
    /// Nothing in the catalogue.
    None,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Match::Exact => "exact",
            Match::Subcode => "subcode",
            Match::Code => "code",
            Match::None => "none",
        }
    }
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row of the most-common table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairEntry {
    pub code: u32,
    pub subcode: u32,
    pub description: String,
    /// Empty when the source gave none (allowed in the CSV form).
    pub mitigation: String,
}

/// The result of looking up a (code, subcode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved<'a> {
    pub category: Category,
    pub matched: Match,
    pub description: &'a str,
    /// Only exact pairs carry a documented mitigation.
    pub mitigation: Option<&'a str>,
}

/// Description given to a code that the catalogue does not know.
pub const UNCATALOGUED: &str = "uncatalogued";

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Where it was loaded from, for messages and reports.
    pub source: String,
    /// The most-common table, in page order.
    pub pairs: Vec<PairEntry>,
    pub codes: BTreeMap<u32, String>,
    pub subcodes: BTreeMap<u32, String>,
    pair_index: HashMap<(u32, u32), usize>,
}

impl Catalogue {
    /// Builds the catalogue; the first of two identical pairs wins, as a reader of the page would
    /// read it top to bottom.
    pub fn new(
        source: String,
        pairs: Vec<PairEntry>,
        codes: BTreeMap<u32, String>,
        subcodes: BTreeMap<u32, String>,
    ) -> Catalogue {
        let mut pair_index = HashMap::with_capacity(pairs.len());
        for (i, p) in pairs.iter().enumerate() {
            pair_index.entry((p.code, p.subcode)).or_insert(i);
        }
        Catalogue {
            source,
            pairs,
            codes,
            subcodes,
            pair_index,
        }
    }

    /// The page shipped in the binary.
    pub fn shipped() -> Catalogue {
        parse_markdown(SHIPPED_PAGE, SHIPPED_NAME).expect("the shipped catalogue parses")
    }

    /// Loads `--catalogue FILE`: a copy of the page, or a CSV `code,subcode,description,mitigation`.
    pub fn load(path: &Path) -> Result<Catalogue, CatalogueError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| CatalogueError::Read {
            file: name.clone(),
            cause: e.to_string(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            || text
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim().to_ascii_lowercase().starts_with("code,"));
        if is_csv {
            parse_csv(text, &name)
        } else {
            parse_markdown(text, &name)
        }
    }

    /// The catalogue to use: `--catalogue FILE` when given, otherwise the shipped page.
    pub fn from_option(path: Option<&Path>) -> Result<Catalogue, CatalogueError> {
        match path {
            Some(p) => Catalogue::load(p),
            None => Ok(Catalogue::shipped()),
        }
    }

    pub fn pair(&self, code: u32, subcode: u32) -> Option<&PairEntry> {
        self.pair_index
            .get(&(code, subcode))
            .map(|&i| &self.pairs[i])
    }

    /// Exact pair, then generic subcode, then generic code, then none.
    pub fn lookup(&self, code: u32, subcode: Option<u32>) -> Resolved<'_> {
        let category = Category::of(code);
        if let Some(sub) = subcode {
            if let Some(p) = self.pair(code, sub) {
                return Resolved {
                    category,
                    matched: Match::Exact,
                    description: &p.description,
                    mitigation: (!p.mitigation.is_empty()).then_some(p.mitigation.as_str()),
                };
            }
            if let Some(d) = self.subcodes.get(&sub) {
                return Resolved {
                    category,
                    matched: Match::Subcode,
                    description: d,
                    mitigation: None,
                };
            }
        }
        if let Some(d) = self.codes.get(&code) {
            return Resolved {
                category,
                matched: Match::Code,
                description: d,
                mitigation: None,
            };
        }
        Resolved {
            category,
            matched: Match::None,
            description: UNCATALOGUED,
            mitigation: None,
        }
    }
}

/// Formats a (code, subcode) key as `code/subcode`, or `code` alone when there is no subcode.
pub fn key_label(code: u32, subcode: Option<u32>) -> String {
    match subcode {
        Some(s) => format!("{code}/{s}"),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> Catalogue {
        Catalogue::shipped()
    }

    #[test]
    fn shipped_page_has_fourteen_pairs() {
        assert_eq!(cat().pairs.len(), 14);
    }

    #[test]
    fn generic_tables_are_counted_from_the_page() {
        // Count the rows of the page's generic tables independently of the parser: every table
        // row whose first cell is a number and that has two cells.
        let mut codes = 0;
        let mut subcodes = 0;
        let mut in_subcodes = false;
        for line in SHIPPED_PAGE.lines() {
            if line.starts_with("### Generic subcodes") {
                in_subcodes = true;
            }
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            if cells.len() == 2 && cells[0].trim().parse::<u32>().is_ok() {
                if in_subcodes {
                    subcodes += 1;
                } else {
                    codes += 1;
                }
            }
        }
        let c = cat();
        assert_eq!(c.codes.len(), codes);
        assert_eq!(c.subcodes.len(), subcodes);
        assert!(codes > 10 && subcodes > 100, "{codes} {subcodes}");
    }

    #[test]
    fn subcode_8522_means_two_things() {
        let c = cat();
        let a = c.lookup(404, Some(8522));
        let b = c.lookup(405, Some(8522));
        assert_eq!(a.matched, Match::Exact);
        assert_eq!(b.matched, Match::Exact);
        assert!(a
            .mitigation
            .unwrap()
            .starts_with("Double check call status"));
        assert!(b.mitigation.unwrap().contains("AnswerCall"));
        assert_eq!(b.description, "Missing configuration");
        assert_ne!(a.mitigation, b.mitigation);
    }

    #[test]
    fn pair_not_in_table_falls_back_to_generic_subcode() {
        let c = cat();
        let r = c.lookup(400, Some(8522));
        assert_eq!(r.matched, Match::Subcode);
        assert_eq!(r.description, "Not Found");
        assert_eq!(r.mitigation, None);
        assert_eq!(r.category, Category::Client);
    }

    #[test]
    fn unknown_subcode_falls_back_to_code_then_none() {
        let c = cat();
        let r = c.lookup(486, Some(560486));
        assert_eq!(r.matched, Match::None);
        let r = c.lookup(503, Some(560486));
        assert_eq!(
            (r.matched, r.description),
            (Match::Code, "Service Unavailable")
        );
        let r = c.lookup(499, Some(99999));
        assert_eq!((r.matched, r.description), (Match::None, UNCATALOGUED));
    }

    #[test]
    fn lookup_without_subcode_uses_the_code() {
        let c = cat();
        let r = c.lookup(404, None);
        assert_eq!((r.matched, r.description), (Match::Code, "Not found"));
        let r = c.lookup(200, None);
        assert_eq!(r.matched, Match::None);
        assert_eq!(r.category, Category::Success);
    }

    #[test]
    fn recognize_success_subcodes_are_successes() {
        let c = cat();
        for sub in [0, 8514, 8531, 8533, 8545, 8569] {
            let r = c.lookup(200, Some(sub));
            assert_eq!(r.category, Category::Success, "200/{sub}");
            assert!(!r.category.is_failure());
            assert_eq!(r.matched, Match::Subcode);
        }
    }

    #[test]
    fn out_of_order_8571_is_found() {
        assert_eq!(
            cat().subcodes.get(&8571).map(String::as_str),
            Some("Recording Operation Conflict")
        );
    }

    #[test]
    fn six_digit_subcodes_fit() {
        let c = cat();
        let r = c.lookup(408, Some(301005));
        assert_eq!((r.matched, r.description), (Match::Code, "Timed out"));
        assert_eq!(key_label(486, Some(560486)), "486/560486");
    }

    #[test]
    fn only_6xx_code_is_603() {
        let c = cat();
        let six: Vec<u32> = c
            .codes
            .keys()
            .copied()
            .filter(|c| (600..700).contains(c))
            .collect();
        assert_eq!(six, vec![603]);
        assert_eq!(c.lookup(603, None).category, Category::Global);
    }

    #[test]
    fn categories_from_code_ranges() {
        let cases = [
            (199, Category::Unknown),
            (200, Category::Success),
            (299, Category::Success),
            (300, Category::Unknown),
            (400, Category::Client),
            (499, Category::Client),
            (500, Category::Server),
            (599, Category::Server),
            (600, Category::Global),
            (699, Category::Global),
            (700, Category::Unknown),
        ];
        for (code, want) in cases {
            assert_eq!(Category::of(code), want, "{code}");
        }
    }

    #[test]
    fn relative_links_become_absolute() {
        let p = cat();
        let e = p.pair(412, 8583).unwrap();
        assert!(e.mitigation.contains(
            "](https://learn.microsoft.com/azure/communication-services/how-tos/call-automation/control-mid-call-media-actions#media-action-compatibility-table)"
        ), "{}", e.mitigation);
        assert!(!p.pairs.iter().any(|e| e.mitigation.contains("../")));
    }
}
