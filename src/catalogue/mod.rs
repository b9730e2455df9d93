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
pub mod outcome;
pub mod query;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

#[cfg(test)]
pub use load::{csv as load_csv, markdown as load_markdown};
pub use load::{CatalogueError, Loaded, MAX_CATALOGUE_BYTES};
pub use outcome::{KeySpec, Outcome, OutcomeRules};
pub use query::{parse_query, Query};

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

/// The prefixes of the PSTN page's rule and the call each names.
const SBC_PREFIXES: [(u32, &str); 2] = [(560, "an outbound call"), (540, "an inbound call")];

/// The SIP response codes the rule reads from a subcode's last three digits: the final ones
/// (a 1xx is provisional, never the response a call ended with).
const SIP_CODES: std::ops::RangeInclusive<u32> = 200..=699;

/// What the SBC rule says of a subcode of `prefix` whose last three digits are `sip`.
fn sbc_description(prefix: u32, call: &str, sip: &str) -> String {
    format!(
        "A subcode starting with {prefix}: {call} whose final response code the user's/operator's SBC generated; the SIP response code from the SBC was {sip}."
    )
}

/// What the SBC rule advises.
pub const SBC_MITIGATION: &str = "Start troubleshooting the call by checking your SBC logs: the SBC generated the response code, not the Microsoft service.";

/// The SBC rule for the KQL queries: (prefix, description before the SIP code, after it) of
/// each prefix, and the SIP codes it reads.
pub fn sbc_rule_parts() -> (Vec<(u32, String, String)>, std::ops::RangeInclusive<u32>) {
    const MARK: &str = "\u{0}";
    let parts = (SBC_PREFIXES.iter())
        .map(|&(prefix, call)| {
            let d = sbc_description(prefix, call, MARK);
            let (before, after) = d.split_once(MARK).unwrap_or((&d, ""));
            (prefix, before.to_string(), after.to_string())
        })
        .collect();
    (parts, SIP_CODES)
}

/// The SBC rule's descriptions, one per prefix and SIP code, in the order of [`SBC_PREFIXES`]
/// and [`SIP_CODES`].
fn sbc_descriptions() -> Vec<String> {
    (SBC_PREFIXES.iter())
        .flat_map(|&(prefix, call)| {
            SIP_CODES.map(move |sip| sbc_description(prefix, call, &sip.to_string()))
        })
        .collect()
}

/// The index of a subcode's description: 560xxx or 540xxx with xxx a SIP code.
fn sbc_index(subcode: u32) -> Option<usize> {
    let (prefix, sip) = (subcode / 1000, subcode % 1000);
    let p = SBC_PREFIXES.iter().position(|(x, _)| *x == prefix)?;
    let sips = (SIP_CODES.end() - SIP_CODES.start() + 1) as usize;
    SIP_CODES
        .contains(&sip)
        .then(|| p * sips + (sip - SIP_CODES.start()) as usize)
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

    /// Adds a loaded file over what is there: its pairs over those of the same tier, its
    /// generic codes and subcodes over earlier ones. Within one file the first of two rows for
    /// the same key counts, as a reader of the page reads it top to bottom, and a warning
    /// says so.
    pub fn add(&mut self, label: String, title: String, loaded: Loaded) {
        let source = self.sources.len();
        let mut counted: HashMap<(u32, u32), usize> = HashMap::with_capacity(loaded.pairs.len());
        self.pair_index.reserve(loaded.pairs.len());
        let mut warnings = Vec::new();
        // Rows become entries in their own buffer (a row and an entry are the same size), and
        // the entries already there go in front of them when they are fewer: a large file's
        // pairs are never held twice.
        let mut new: Vec<PairEntry> = (loaded.pairs.into_iter())
            .filter(|p| {
                let first = *counted.entry((p.code, p.subcode)).or_insert(p.line);
                if first != p.line {
                    let (code, sub, line) = (p.code, p.subcode, p.line);
                    warnings.push(format!(
                        "catalogue {label}, line {line}: pair {code}/{sub} is given twice (first on line {first}); the first counts"
                    ));
                }
                first == p.line
            })
            .map(|p| PairEntry {
                code: p.code,
                subcode: p.subcode,
                description: p.description,
                mitigation: p.mitigation,
                callback_events: p.callback_events,
                tier: p.tier,
                source,
            })
            .collect();
        self.warnings.extend(loaded.warnings);
        self.warnings.append(&mut warnings);
        let before = self.pairs.len();
        if new.len() > before {
            new.splice(0..0, std::mem::take(&mut self.pairs));
            self.pairs = new;
        } else {
            self.pairs.append(&mut new);
        }
        for i in before..self.pairs.len() {
            let p = &self.pairs[i];
            if p.for_its_events_only() {
                continue;
            }
            let key = (p.code, p.subcode);
            let old = self.pair_index.get(&key).copied();
            let keep_existing = old.is_some_and(|j| self.pairs[j].tier < self.pairs[i].tier);
            if keep_existing {
                continue;
            }
            // A page that names no callback events (the older page, which had no such column)
            // keeps those of the pair it replaces where it says the same of it.
            if let Some(j) = old.filter(|&j| {
                let (was, new) = (&self.pairs[j], &self.pairs[i]);
                new.callback_events.is_empty() && was.description == new.description
            }) {
                self.pairs[i].callback_events = self.pairs[j].callback_events.clone();
            }
            self.pair_index.insert(key, i);
        }
        self.index_subcodes();
        let generic = |map: &mut BTreeMap<u32, Generic>, rows: Vec<(u32, String, String)>| {
            let mut n = 0;
            let mut seen = HashSet::new();
            for (k, description, mitigation) in rows {
                if seen.insert(k) {
                    n += 1;
                    map.insert(
                        k,
                        Generic {
                            description,
                            mitigation,
                            source,
                        },
                    );
                }
            }
            n
        };
        let codes = generic(&mut self.codes, loaded.codes);
        let subcodes = generic(&mut self.subcodes, loaded.subcodes);
        let classes = loaded.prose.classes.into_iter();
        generic(
            &mut self.classes,
            classes.map(|(d, t)| (d, t, String::new())).collect(),
        );
        if loaded.prose.sbc_rule {
            self.sbc_rule = Some(source);
        }
        self.sources.push(Source {
            label,
            title,
            pairs: counted.len(),
            codes,
            subcodes,
        });
    }

    /// The pages shipped in the binary: Call Automation and PSTN.
    pub fn shipped() -> Catalogue {
        let mut c = Catalogue::default();
        for (label, name, text) in [
            (
                "call-automation",
                "Troubleshooting call end response codes for Call Automation SDK",
                SHIPPED_CALL_AUTOMATION,
            ),
            (
                "pstn",
                "Troubleshooting call end response codes for PSTN calling",
                SHIPPED_PSTN,
            ),
        ] {
            let loaded = load::markdown(text, label).expect("a shipped page parses");
            let title = format!(
                "built in: Microsoft Learn, \"{name}\", ms.date {}",
                loaded.date.as_deref().unwrap_or("unknown")
            );
            c.add(label.to_string(), title, loaded);
        }
        c
    }

    /// Reads one `--catalogue FILE`: a copy of one of Microsoft's pages (Markdown), or a CSV
    /// `code,subcode,description,mitigation`.
    pub fn read_file(path: &Path) -> Result<Loaded, CatalogueError> {
        use std::io::Read;
        let name = crate::text::path(path);
        let read_err = |e: std::io::Error| CatalogueError::Read {
            file: name.clone(),
            cause: e.to_string(),
        };
        // A FIFO, socket or device is refused before it is opened, as `--config` refuses one:
        // a FIFO with no writer would block the run forever at its open, and a pipe's name
        // (`/dev/fd/63`, `/dev/stdin`) would say nothing of the page in the outputs that name
        // the catalogue. A link to a regular file is read (`/dev/stdin` of `< page.md`).
        if !std::fs::metadata(path).map_err(read_err)?.is_file() {
            return Err(CatalogueError::NotAFile { file: name });
        }
        let file = std::fs::File::open(path).map_err(read_err)?;
        // Its size, when the file says, so the bytes are read into one buffer of that size.
        let size = file
            .metadata()
            .map_or(0, |m| m.len())
            .min(MAX_CATALOGUE_BYTES)
            + 1;
        let mut bytes = Vec::with_capacity(size as usize);
        // One byte past the cap tells an oversized file (or one that grows while read) apart.
        file.take(MAX_CATALOGUE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        if bytes.len() as u64 > MAX_CATALOGUE_BYTES {
            return Err(CatalogueError::TooLarge { file: name });
        }
        let text = load::decode(bytes, &name)?;
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            || load::looks_like_csv(&text);
        if is_csv {
            load::csv(&text, &name)
        } else {
            load::markdown(&text, &name)
        }
    }

    /// The catalogue a run uses: the shipped pages (unless `builtin` is false), then each file
    /// over them, later files winning.
    pub fn load(files: &[std::path::PathBuf], builtin: bool) -> Result<Catalogue, CatalogueError> {
        let mut c = if builtin {
            Catalogue::shipped()
        } else {
            Catalogue::default()
        };
        for f in files {
            let loaded = Catalogue::read_file(f)?;
            let title = match &loaded.date {
                Some(d) => format!("file, ms.date {d}"),
                None => "file".to_string(),
            };
            c.add(crate::text::path(f), title, loaded);
        }
        Ok(c)
    }

    /// The catalogues used, one line each, for the outputs that name them.
    pub fn describe(&self) -> Vec<String> {
        self.sources.iter().map(Source::summary).collect()
    }

    /// The catalogues used on one line.
    pub fn names(&self) -> String {
        self.describe().join("; ")
    }

    /// The pair that counts for (code, subcode), if any.
    pub fn pair(&self, code: u32, subcode: u32) -> Option<&PairEntry> {
        self.pair_index
            .get(&(code, subcode))
            .map(|&i| &self.pairs[i])
    }

    /// The rows of other pages or files that give the same pair and say something else of it
    /// (403/510403: the Call Automation page's "Call marked as spam and blocked." counts, the
    /// PSTN page's "Call blocked: Alternate ID not supplied ..." does not): what a reader of the
    /// reports alone would not see. A row given for its callback events only is not one.
    pub fn other_readings(&self, code: u32, subcode: u32) -> Vec<&PairEntry> {
        let Some(&used) = self.pair_index.get(&(code, subcode)) else {
            return Vec::new();
        };
        let counted = &self.pairs[used];
        (self.pairs.iter().enumerate())
            .filter(|&(i, p)| i != used && (p.code, p.subcode) == (code, subcode))
            .filter(|(_, p)| !p.for_its_events_only() && p.source != counted.source)
            .filter(|(_, p)| {
                one_line(&p.description) != one_line(&counted.description)
                    || one_line(&p.mitigation) != one_line(&counted.mitigation)
            })
            .map(|(_, p)| p)
            .collect()
    }

    /// The pairs that count, one per key, in load order.
    pub fn effective_pairs(&self) -> impl Iterator<Item = &PairEntry> {
        self.effective_indexed().map(|(_, p)| p)
    }

    /// [`Catalogue::effective_pairs`] with each pair's index into `pairs`.
    fn effective_indexed(&self) -> impl Iterator<Item = (usize, &PairEntry)> {
        self.pairs
            .iter()
            .enumerate()
            .filter(|(i, p)| self.pair_index.get(&(p.code, p.subcode)) == Some(i))
    }

    /// The generic subcode for a code, unless its class contradicts the code's
    /// ([`SubcodeClass`]).
    pub fn generic_subcode(&self, code: u32, subcode: u32) -> Option<&Generic> {
        let g = self.subcodes.get(&subcode)?;
        SubcodeClass::of(subcode, &g.description)
            .fits(code)
            .then_some(g)
    }

    /// The pair that documents a subcode met under another code (`500/560503`, whose subcode
    /// the PSTN page gives as `503/560503`; the SIP response it stands for is the same): when
    /// every pair that holds the subcode says the same, and the code is of its pair's class.
    fn pair_subcode(&self, code: u32, subcode: u32) -> Option<&PairEntry> {
        self.subcode_pair(subcode)
            .filter(|p| Category::of(p.code) == Category::of(code))
    }

    /// The pair another code's key reads through its subcode (lookup's step 4: `500/560503`
    /// reads `503/560503`), when the key has neither its own pair nor a generic subcode.
    pub fn read_pair(&self, code: u32, subcode: u32) -> Option<&PairEntry> {
        let own = self.pair(code, subcode).is_some();
        let generic = self.generic_subcode(code, subcode).is_some();
        (!own && !generic).then(|| self.pair_subcode(code, subcode))?
    }

    /// The pair that speaks for a subcode under any code of its class: the first pair that
    /// holds it, when every pair that holds it says the same.
    pub fn subcode_pair(&self, subcode: u32) -> Option<&PairEntry> {
        self.subcode_index
            .get(&subcode)
            .copied()
            .flatten()
            .map(|i| &self.pairs[i])
    }

    /// [`Catalogue::subcode_pair`] of every subcode at once, from the pairs that count: the
    /// first of each subcode's, none once one of them says otherwise.
    fn index_subcodes(&mut self) {
        let mut index: HashMap<u32, Option<usize>> = HashMap::default();
        for (i, p) in self.effective_indexed() {
            index
                .entry(p.subcode)
                .and_modify(|first| {
                    if first.is_some_and(|j| self.pairs[j].description != p.description) {
                        *first = None;
                    }
                })
                .or_insert(Some(i));
        }
        self.subcode_index = index;
    }

    /// What the PSTN page's rule says of a subcode starting with 560 or 540 (then a SIP code,
    /// 200 to 699): (description, mitigation, source), when a page loaded gives the rule.
    pub fn sbc_rule(&self, subcode: u32) -> Option<(&str, &str, &str)> {
        let source = self.sbc_rule?;
        let i = sbc_index(subcode)?;
        let d = &self.sbc_texts.get_or_init(sbc_descriptions)[i];
        Some((d, SBC_MITIGATION, self.label(source)))
    }

    /// The SBC rule as a listing of the catalogue gives it, one entry per prefix rather than
    /// one per SIP code: (prefix, what it says of every subcode of the prefix, mitigation,
    /// source), when a page loaded gives the rule.
    pub fn sbc_rule_prefixes(&self) -> Vec<(u32, String, &str, &str)> {
        let Some(source) = self.sbc_rule else {
            return Vec::new();
        };
        let sip = format!(
            "the subcode's last three digits ({} to {})",
            SIP_CODES.start(),
            SIP_CODES.end()
        );
        (SBC_PREFIXES.iter())
            .map(|&(prefix, call)| {
                let d = sbc_description(prefix, call, &sip);
                (prefix, d, SBC_MITIGATION, self.label(source))
            })
            .collect()
    }

    /// What a page says of a code's class, for a class whose section lists no code (2xx): its
    /// paragraph, [`class_text`] for a key.
    pub fn class_of(&self, code: u32) -> Option<&Generic> {
        (100..=699)
            .contains(&code)
            .then(|| self.classes.get(&(code / 100)))
            .flatten()
    }

    fn label(&self, source: usize) -> &str {
        self.sources.get(source).map_or("", |s| s.label.as_str())
    }

    /// Exact pair (Call Automation tier, then PSTN), then generic subcode, then a pair's
    /// subcode, then the SBC rule, then generic code (or its class), then none.
    pub fn lookup(&self, code: u32, subcode: Option<u32>) -> Resolved<'_> {
        let category = Category::of(code);
        if let Some(sub) = subcode {
            if let Some(p) = self.pair(code, sub) {
                return Resolved {
                    category,
                    matched: Match::Exact,
                    description: &p.description,
                    mitigation: (!p.mitigation.is_empty()).then_some(p.mitigation.as_str()),
                    callback_events: &p.callback_events,
                    source: self.label(p.source),
                };
            }
            if let Some(g) = self.generic_subcode(code, sub) {
                return Resolved {
                    category,
                    matched: Match::Subcode,
                    description: &g.description,
                    mitigation: g.mitigation(),
                    callback_events: &[],
                    source: self.label(g.source),
                };
            }
            if let Some(p) = self.pair_subcode(code, sub) {
                return Resolved {
                    category,
                    matched: Match::Subcode,
                    description: &p.description,
                    mitigation: (!p.mitigation.is_empty()).then_some(p.mitigation.as_str()),
                    callback_events: &[],
                    source: self.label(p.source),
                };
            }
            // Not where the code and the SIP code disagree on success: a 200 is not told that
            // the SBC failed it.
            let agree = Category::of(sub % 1000).is_failure() == category.is_failure();
            if let Some((description, mitigation, source)) = self.sbc_rule(sub).filter(|_| agree) {
                // A success (200/560200) is not told to troubleshoot.
                return Resolved {
                    category,
                    matched: Match::Prefix,
                    description,
                    mitigation: category.is_failure().then_some(mitigation),
                    callback_events: &[],
                    source,
                };
            }
        }
        let generic = match self.codes.get(&code) {
            Some(g) => Some((g, g.description.as_str())),
            None => (self.class_of(code)).map(|g| (g, class_text(&g.description, subcode))),
        };
        if let Some((g, description)) = generic {
            return Resolved {
                category,
                matched: Match::Code,
                description,
                mitigation: g.mitigation(),
                callback_events: &[],
                source: self.label(g.source),
            };
        }
        Resolved {
            category,
            matched: Match::None,
            description: UNCATALOGUED,
            mitigation: None,
            callback_events: &[],
            source: "",
        }
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
