//! The error-code catalogue: Microsoft's troubleshooting pages of Call Automation and PSTN
//! codes, shipped in the binary and extended or replaced by newer copies given with
//! `--catalogue`, and the lookup of a (code, subcode) pair against them.
//!
//! Lookup precedence: an exact pair of the Call Automation tier, then an exact pair of the PSTN
//! tier, then the generic subcode (unless its own class contradicts the code's), then a pair's
//! subcode under another code, then the PSTN page's rule for subcodes starting with 560 or 540,
//! then the generic code (or the class of codes, for a class whose section lists none), then
//! none. Within a tier and for the generic tables, a later file wins over an
//! earlier one and every file over the built-in pages.

mod load;
mod lookup;
pub mod outcome;
pub mod query;
mod sbc;
mod sources;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

#[cfg(test)]
pub use load::{csv as load_csv, markdown as load_markdown};
pub use load::{CatalogueError, Loaded, MAX_CATALOGUE_BYTES};
pub use outcome::{KeySpec, Outcome, OutcomeRules};
pub use query::{parse_query, Query};
pub use sbc::{sbc_rule_parts, SBC_MITIGATION};

/// The Call Automation page shipped inside the binary (see the comment at its top for source
/// and date).
pub const SHIPPED_CALL_AUTOMATION: &str = include_str!("call-automation-sdk.md");
/// The PSTN page shipped inside the binary.
pub const SHIPPED_PSTN: &str = include_str!("pstn.md");

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
            // 0 is the PSTN page's normal call end (0/0, 0/560000, 0/540000).
            0 | 200..=299 => Category::Success,
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
    /// The (code, subcode) pair is in a table of pairs.
    Exact,
    /// Only the subcode is in the generic subcodes.
    Subcode,
    /// The subcode's prefix: 560 or 540, the PSTN page's rule for a SIP response of the SBC.
    Prefix,
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
            Match::Prefix => "prefix",
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

/// The precedence tier of a table of pairs: the Call Automation page's pairs come before the
/// PSTN page's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    CallAutomation,
    Pstn,
}

/// One loaded file or shipped page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// What reports name it by: `call-automation` and `pstn` for the shipped pages, else the
    /// path as given.
    pub label: String,
    /// A sentence for people: what it is and its date.
    pub title: String,
    pub pairs: usize,
    pub codes: usize,
    pub subcodes: usize,
}

impl Source {
    /// `call-automation (…): 48 pairs, 20 codes, 112 subcodes`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} pairs", self.pairs)];
        if self.codes > 0 {
            parts.push(format!("{} codes", self.codes));
        }
        if self.subcodes > 0 {
            parts.push(format!("{} subcodes", self.subcodes));
        }
        format!("{} ({}): {}", self.label, self.title, parts.join(", "))
    }
}

/// A row of a table of pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairEntry {
    pub code: u32,
    pub subcode: u32,
    /// Lines separated by `\n` (the pages' `<br/>`); see [`one_line`].
    pub description: String,
    /// Empty when the source gave none.
    pub mitigation: String,
    /// The callback events that carry the pair (`CreateCallFailed`, ...), when the page says.
    pub callback_events: Vec<String>,
    pub tier: Tier,
    /// Index into [`Catalogue::sources`].
    pub source: usize,
}

impl PairEntry {
    /// The callback events as one cell: `CreateCallFailed / AnswerFailed`.
    pub fn events(&self) -> String {
        self.callback_events.join(" / ")
    }

    /// Whether the row speaks for its callback events only, not for its key: a row of a 2xx
    /// code with the subcode 0 that names callback events (`CallDisconnected` 200/0, "Call
    /// ended successfully by the local participant."). Every successful action carries 2xx/0
    /// (a Play's media summary, a PlayCompleted), so the key reads what the page says of every
    /// success (the generic subcode 0, "Success"), and the row is listed as its events'.
    pub fn for_its_events_only(&self) -> bool {
        self.subcode == 0 && (200..=299).contains(&self.code) && !self.callback_events.is_empty()
    }
}

/// A row of the generic codes or subcodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generic {
    pub description: String,
    /// What to do, when the row says (a CSV's `mitigation`; the pages' generic tables have no
    /// such column): empty when it does not.
    pub mitigation: String,
    /// Index into [`Catalogue::sources`].
    pub source: usize,
}

impl Generic {
    /// Its mitigation, none when the row gives none.
    pub fn mitigation(&self) -> Option<&str> {
        (!self.mitigation.is_empty()).then_some(self.mitigation.as_str())
    }
}

/// The result of looking up a (code, subcode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved<'a> {
    pub category: Category,
    pub matched: Match,
    pub description: &'a str,
    /// Exact pairs, a pair's subcode and the SBC rule carry a documented mitigation.
    pub mitigation: Option<&'a str>,
    /// The callback events of an exact pair (empty otherwise).
    pub callback_events: &'a [String],
    /// The label of the source that gave the answer (empty for no match).
    pub source: &'a str,
}

impl Resolved<'_> {
    /// The callback events as one cell: `CreateCallFailed / AnswerFailed`.
    pub fn events(&self) -> String {
        self.callback_events.join(" / ")
    }
}

/// The mitigation group of failures that have no exact catalogue pair.
pub const NO_MITIGATION: &str = "(no documented mitigation)";

/// Description given to a code that the catalogue does not know.
pub const UNCATALOGUED: &str = "uncatalogued";

/// Subcodes that name a successful outcome: 0 "Success", and a Recognize completed by a stop
/// tone, the maximum digits, a DTMF option, a speech option, recognized speech.
const SUCCESS_SUBCODES: [u32; 6] = [0, 8514, 8531, 8533, 8545, 8569];

/// Subcodes that fit any outcome: 7000 "Graceful" (a call ended as it should).
const ANY_SUBCODES: [u32; 1] = [7000];

/// The class of outcome a generic subcode names: it never describes a code of the other class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubcodeClass {
    /// Only 2xx codes (603/0 is "Declined", not "Success").
    Success,
    /// Only codes outside 2xx (200/8522 is not "Not Found").
    Failure,
    /// Any code.
    Any,
}

impl SubcodeClass {
    pub fn of(subcode: u32, description: &str) -> SubcodeClass {
        if SUCCESS_SUBCODES.contains(&subcode)
            || description
                .trim()
                .trim_end_matches('.')
                .eq_ignore_ascii_case("success")
        {
            SubcodeClass::Success
        } else if ANY_SUBCODES.contains(&subcode) {
            SubcodeClass::Any
        } else {
            SubcodeClass::Failure
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubcodeClass::Success => "success",
            SubcodeClass::Failure => "failure",
            SubcodeClass::Any => "any",
        }
    }

    /// Whether a subcode of this class may describe `code`.
    pub fn fits(self, code: u32) -> bool {
        match self {
            SubcodeClass::Any => true,
            SubcodeClass::Success => !Category::of(code).is_failure(),
            SubcodeClass::Failure => Category::of(code).is_failure(),
        }
    }
}

/// Catalogue text on one line, for CSV cells and terminals: the page's line breaks (its
/// `<br/>` items) become a space after a line that ends a sentence or introduces the next
/// (`.`, `!`, `?`, `:`), whose punctuation stays as the page wrote it, and `; ` after any
/// other; a link whose text is its address is the address alone.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            if out.ends_with(['.', '!', '?', ':']) {
                out.push(' ');
            } else {
                out.push_str("; ");
            }
        }
        out.push_str(line);
    }
    bare_autolinks(&out)
}

/// `[https://x](https://x)` → `https://x`.
fn bare_autolinks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("[http") {
        let after = &rest[open + 1..];
        match after.find("](") {
            Some(close)
                if after[close + 2..].starts_with(&after[..close])
                    && after[close + 2 + close..].starts_with(')') =>
            {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[close + 2 + close + 1..];
            }
            _ => {
                out.push_str(&rest[..open + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Every file and page loaded, in load order.
    pub sources: Vec<Source>,
    /// Every pair of every source, in load order (a pair another source overrides is listed
    /// too; [`Catalogue::pair`] gives the one that counts).
    pub pairs: Vec<PairEntry>,
    /// The generic codes and subcodes that count (a later source's over an earlier one's).
    pub codes: BTreeMap<u32, Generic>,
    pub subcodes: BTreeMap<u32, Generic>,
    /// (code, subcode) → index into `pairs` of the pair that counts.
    pair_index: HashMap<(u32, u32), usize>,
    /// subcode → index into `pairs` of the pair that speaks for it under any code of its class
    /// ([`Catalogue::subcode_pair`]), or none when the pairs that hold it disagree; made as
    /// each source is added, so that a lookup costs one probe, not a scan of every pair.
    subcode_index: HashMap<u32, Option<usize>>,
    /// The source whose prose gives the SBC rule ([`Catalogue::sbc_rule`]), the last that does.
    pub sbc_rule: Option<usize>,
    /// The descriptions of the SBC rule, made when a key first needs them.
    sbc_texts: std::sync::OnceLock<Vec<String>>,
    /// (first digit of a class of codes) → what a page says of every code of the class, for
    /// a class whose section lists none (2xx).
    pub classes: BTreeMap<u32, Generic>,
    /// Which keys are the caller's doing ([`outcome`]).
    pub outcomes: OutcomeRules,
    /// What loading found but did not stop at (a pair given twice in one file, a row with
    /// more cells than its table's header).
    pub warnings: Vec<String>,
}

impl Catalogue {
    /// The outcome class of a key.
    pub fn outcome(&self, code: u32, subcode: Option<u32>) -> Outcome {
        self.outcomes.of(code, subcode)
    }

    /// The catalogues used, one line each, for the outputs that name them.
    pub fn describe(&self) -> Vec<String> {
        self.sources.iter().map(Source::summary).collect()
    }

    /// The catalogues used on one line.
    pub fn names(&self) -> String {
        self.describe().join("; ")
    }
}

/// What a class's paragraph (`classes`) says of a key of the class: all of it for a code
/// alone or with the subcode 0; with any other subcode, its first sentence, what the class is
/// ("A 2xx code represents a successful response."), as the 2xx section's next one says that
/// the subcode will be 0, which the key's is not (200/5001).
pub fn class_text(paragraph: &str, subcode: Option<u32>) -> &str {
    match subcode {
        None | Some(0) => paragraph,
        Some(_) => (paragraph.find(". ")).map_or(paragraph, |i| &paragraph[..=i]),
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
mod tests;
