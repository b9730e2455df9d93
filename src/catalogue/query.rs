//! The `codes` query: what a number, CODE/ or CODE/SUBCODE finds in the catalogue, and the
//! whole catalogue as a listing.

use super::{key_label, one_line, Catalogue, Category, Match, Outcome, PairEntry, SubcodeClass};

/// One line of a catalogue listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `pair`, `code`, `subcode`, `rule` (the PSTN page's rule for a subcode starting with 560
    /// or 540), `class` (what a page says of every code of a class whose section lists none),
    /// or `resolved` for a CODE/SUBCODE query.
    pub entry: &'static str,
    /// What a rule or class of the listing stands for, a number with `x` for any digit
    /// (`560xxx`, `2xx`); empty for an entry of one key.
    pub pattern: String,
    pub code: Option<u32>,
    pub subcode: Option<u32>,
    pub matched: Option<Match>,
    /// Whether the key needs action ([`super::outcome`]); for a subcode without its code, its
    /// class under a code of its kind, none for one that fits any code (7000 "Graceful").
    pub outcome: Option<Outcome>,
    /// The catalogue page or file the entry comes from.
    pub source: String,
    /// The callback events that carry a pair.
    pub callback_event: String,
    /// Catalogue text, lines separated by `\n`.
    pub description: String,
    pub mitigation: String,
}

/// A `codes` query: a number (code or subcode), CODE/ (a code only) or CODE/SUBCODE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    Number(u32),
    Code(u32),
    Pair(u32, u32),
}

impl std::fmt::Display for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Query::Number(n) => write!(f, "{n}"),
            Query::Code(n) => write!(f, "{n}/"),
            Query::Pair(c, s) => write!(f, "{c}/{s}"),
        }
    }
}

/// Parses a query for clap, so a malformed one is a usage error.
pub fn parse_query(q: &str) -> Result<Query, String> {
    let num = |s: &str| {
        let s = s.trim();
        s.parse::<u32>().map_err(|_| {
            // Digits the codes do not reach (a code is at most 4294967295) are not "not a number".
            let d = s.strip_prefix('-').unwrap_or(s);
            let digits = !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
            match digits {
                true => format!(
                    "{q:?}: {s} is out of range (codes and subcodes are 0 to {})",
                    u32::MAX
                ),
                false => format!("{q:?} is not a number or CODE/SUBCODE"),
            }
        })
    };
    match q.split_once('/') {
        // `404/`: a code without subcode (an operational key, which the reports write `404`).
        Some((c, "")) => Ok(Query::Code(num(c)?)),
        Some((c, s)) => Ok(Query::Pair(num(c)?, num(s)?)),
        None => Ok(Query::Number(num(q)?)),
    }
}

/// The entry of a pair, used or not.
fn pair_entry(cat: &Catalogue, p: &PairEntry) -> Entry {
    Entry {
        entry: "pair",
        pattern: String::new(),
        code: Some(p.code),
        subcode: Some(p.subcode),
        matched: Some(Match::Exact),
        outcome: Some(cat.outcome(p.code, Some(p.subcode))),
        source: (cat.sources.get(p.source)).map_or(String::new(), |s| s.label.clone()),
        callback_event: p.events(),
        description: p.description.clone(),
        mitigation: p.mitigation.clone(),
    }
}

/// Every entry of the catalogue: its pairs, then the generic codes, the classes of codes, the
/// generic subcodes and the rules.
pub fn all_entries(cat: &Catalogue) -> Vec<Entry> {
    entries_where(cat, |_, _| true)
}

/// The entries of [`all_entries`] whose code and subcode `keep` keeps (a class's and a rule's
/// are both none), in its order, each made only when kept: a query of one number copies the
/// texts of its own entries, not the whole catalogue's.
fn entries_where(cat: &Catalogue, keep: impl Fn(Option<u32>, Option<u32>) -> bool) -> Vec<Entry> {
    let label = |i: usize| {
        cat.sources
            .get(i)
            .map_or(String::new(), |s| s.label.clone())
    };
    let mut out: Vec<Entry> = (cat.pairs.iter())
        .filter(|p| keep(Some(p.code), Some(p.subcode)))
        .map(|p| pair_entry(cat, p))
        .collect();
    let codes = cat.codes.iter().filter(|(c, _)| keep(Some(**c), None));
    out.extend(codes.map(|(c, d)| Entry {
        entry: "code",
        pattern: String::new(),
        code: Some(*c),
        subcode: None,
        matched: Some(Match::Code),
        outcome: Some(cat.outcome(*c, None)),
        source: label(d.source),
        callback_event: String::new(),
        description: d.description.clone(),
        mitigation: d.mitigation.clone(),
    }));
    // Nor does a class's or a rule's entry name a code or a subcode of its own.
    let unnamed = keep(None, None);
    // A class whose section lists no code (2xx): what the lookup answers for each of its codes
    // (a `match` of `code`).
    let classes = cat.classes.iter().filter(|_| unnamed);
    out.extend(classes.map(|(digit, g)| Entry {
        entry: "class",
        pattern: format!("{digit}xx"),
        code: None,
        subcode: None,
        matched: Some(Match::Code),
        outcome: Some(cat.outcome(digit * 100, None)),
        source: label(g.source),
        callback_event: String::new(),
        description: g.description.clone(),
        mitigation: String::new(),
    }));
    let subcodes = cat.subcodes.iter().filter(|(s, _)| keep(None, Some(**s)));
    out.extend(subcodes.map(|(s, d)| Entry {
        entry: "subcode",
        pattern: String::new(),
        code: None,
        subcode: Some(*s),
        matched: Some(Match::Subcode),
        outcome: subcode_outcome(cat, *s, SubcodeClass::of(*s, &d.description)),
        source: label(d.source),
        callback_event: String::new(),
        description: d.description.clone(),
        mitigation: d.mitigation.clone(),
    }));
    // The SBC rule once per prefix, not once per SIP code it reads (a `match` of `prefix`).
    let rules = match unnamed {
        true => cat.sbc_rule_prefixes(),
        false => Vec::new(),
    };
    out.extend(
        (rules.into_iter()).map(|(prefix, description, mitigation, source)| Entry {
            entry: "rule",
            pattern: format!("{prefix}xxx"),
            code: None,
            subcode: None,
            matched: Some(Match::Prefix),
            // A success or a failure as its SIP code is.
            outcome: None,
            source: source.to_string(),
            callback_event: String::new(),
            description,
            mitigation: mitigation.to_string(),
        }),
    );
    out
}

/// The outcome of a subcode named without its code: a success subcode describes only
/// successes; one that fits any code has none of its own.
fn subcode_outcome(cat: &Catalogue, subcode: u32, class: SubcodeClass) -> Option<Outcome> {
    match class {
        SubcodeClass::Success => Some(Outcome::Success),
        SubcodeClass::Any => None,
        SubcodeClass::Failure => Some(cat.outcomes.of_subcode(subcode)),
    }
}

/// What the pages' prose says of a number their tables give no row for: as a code, its class's
/// text (a class whose section lists no code: 2xx); as a subcode that no pair holds, the SBC
/// rule (560xxx, 540xxx).
fn prose_entries(cat: &Catalogue, n: u32, as_subcode: bool, found: &mut Vec<Entry>) {
    let label = |i: usize| cat.sources.get(i).map_or("", |s| s.label.as_str());
    let code_row = found.iter().any(|e| e.entry == "code" && e.code == Some(n));
    if let Some(g) = cat.class_of(n).filter(|_| !code_row) {
        found.push(Entry {
            entry: "code",
            pattern: String::new(),
            code: Some(n),
            subcode: None,
            matched: Some(Match::Code),
            outcome: Some(cat.outcome(n, None)),
            source: label(g.source).to_string(),
            callback_event: String::new(),
            description: g.description.clone(),
            mitigation: String::new(),
        });
    }
    let held = found.iter().any(|e| e.subcode == Some(n));
    if let Some((description, mitigation, source)) = cat.sbc_rule(n).filter(|_| as_subcode && !held)
    {
        found.push(Entry {
            entry: "rule",
            pattern: String::new(),
            code: None,
            subcode: Some(n),
            matched: Some(Match::Prefix),
            // The SIP code's class: a 2xx is a success, any other a failure or the caller's.
            outcome: subcode_outcome(
                cat,
                n,
                match n % 1000 {
                    200..=299 => SubcodeClass::Success,
                    _ => SubcodeClass::Failure,
                },
            ),
            source: source.to_string(),
            callback_event: String::new(),
            description: description.to_string(),
            mitigation: mitigation.to_string(),
        });
    }
}

/// The entries a query matches; empty when it matches nothing.
pub fn find(cat: &Catalogue, q: &Query) -> Vec<Entry> {
    let mut found = find_all(cat, q);
    found.retain(|e| !repeats_used(e, cat));
    found
}

/// [`find`], with the pairs not used that say what the used one of their key says.
fn find_all(cat: &Catalogue, q: &Query) -> Vec<Entry> {
    match *q {
        Query::Number(n) => {
            let mut found = entries_where(cat, |c, s| c == Some(n) || s == Some(n));
            prose_entries(cat, n, true, &mut found);
            found
        }
        Query::Code(n) => {
            let mut found = entries_where(cat, |c, _| c == Some(n));
            prose_entries(cat, n, false, &mut found);
            found
        }
        Query::Pair(c, s) => {
            let r = cat.lookup(c, Some(s));
            if r.matched == Match::None {
                return Vec::new();
            }
            let resolved = Entry {
                entry: "resolved",
                pattern: String::new(),
                code: Some(c),
                subcode: Some(s),
                matched: Some(r.matched),
                outcome: Some(cat.outcome(c, Some(s))),
                source: r.source.to_string(),
                callback_event: r.events(),
                description: r.description.to_string(),
                mitigation: r.mitigation.unwrap_or_default().to_string(),
            };
            // A pair both pages give: the other page's reading after the one the reports use,
            // as `codes SUBCODE` and triage list it (the PSTN page's advice for 503/560503);
            // and a row the page gives for its callback events only (CallDisconnected 200/0).
            let other = (cat.pairs.iter())
                .filter(|p| (p.code, p.subcode) == (c, s))
                .filter(|p| r.matched == Match::Exact || p.for_its_events_only())
                .map(|p| pair_entry(cat, p))
                .filter(|e| !used(e, cat));
            std::iter::once(resolved).chain(other).collect()
        }
    }
}

/// The pairs of the catalogue that match a test, as `code/subcode` keys: the first `FEW`
/// and how many more.
fn keys_where(cat: &Catalogue, test: impl Fn(u32, u32) -> bool) -> Option<String> {
    const FEW: usize = 6;
    let keys: Vec<String> = (cat.effective_pairs())
        .filter(|p| test(p.code, p.subcode))
        .map(|p| key_label(p.code, Some(p.subcode)))
        .collect();
    let mut list = keys
        .iter()
        .take(FEW)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > FEW {
        list.push_str(&format!(" and {} more", keys.len() - FEW));
    }
    (!keys.is_empty()).then_some(list)
}

/// What the catalogue holds close to a CODE/SUBCODE that matches nothing, a sentence each: the
/// pairs that hold its subcode under other codes, its generic subcode when that describes only
/// codes of the other class, and the pairs of its code with other subcodes. Nothing for a
/// number or a code alone.
pub fn near(cat: &Catalogue, q: &Query) -> Vec<String> {
    let Query::Pair(code, sub) = *q else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(keys) = keys_where(cat, |c, s| s == sub && c != code) {
        out.push(format!(
            "subcode {sub} is documented under other codes: {keys}"
        ));
    }
    if let Some(g) = cat.subcodes.get(&sub) {
        let class = SubcodeClass::of(sub, &g.description);
        if !class.fits(code) {
            out.push(format!(
                "the generic subcode {sub} ({}) describes {} codes only; {code} is {}",
                one_line(&g.description),
                class.as_str(),
                Category::of(code)
            ));
        }
    }
    if let Some(keys) = keys_where(cat, |c, s| c == code && s != sub) {
        out.push(format!(
            "code {code} is documented with other subcodes: {keys}"
        ));
    }
    out
}

/// The entries that `queries` find, each once, in the order found (every entry when there
/// is no query), and the queries that found nothing.
pub fn lookup(cat: &Catalogue, queries: &[Query]) -> (Vec<Entry>, Vec<String>) {
    if queries.is_empty() {
        return (all_entries(cat), Vec::new());
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut missing = Vec::new();
    for q in queries {
        let found = find(cat, q);
        if found.is_empty() {
            missing.push(q.to_string());
        }
        for e in found {
            if !entries.contains(&e) {
                entries.push(e);
            }
        }
    }
    (entries, missing)
}

/// Whether an entry is a pair not used whose key's used pair says the same (a saved copy of a
/// built-in page given as a file): not another reading, and not listed.
fn repeats_used(e: &Entry, cat: &Catalogue) -> bool {
    let (("pair", Some(c), Some(s)), false) = ((e.entry, e.code, e.subcode), used(e, cat)) else {
        return false;
    };
    cat.pair(c, s)
        .is_some_and(|p| p.description == e.description && p.mitigation == e.mitigation)
}

/// Whether an entry is the one its key resolves to: a pair another catalogue's wins over is
/// listed, and said not to be used.
pub fn used(e: &Entry, cat: &Catalogue) -> bool {
    match (e.entry, e.code, e.subcode) {
        ("pair", Some(c), Some(s)) => cat.pair(c, s).is_some_and(|p| {
            cat.sources.get(p.source).map(|x| x.label.as_str()) == Some(e.source.as_str())
        }),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    #[test]
    fn number_finds_pairs_and_generic_subcode() {
        let cat = Catalogue::shipped();
        let e = find(&cat, &Query::Number(8522));
        let kinds: Vec<(&str, Option<u32>)> = e.iter().map(|e| (e.entry, e.code)).collect();
        assert_eq!(
            kinds,
            vec![("pair", Some(404)), ("pair", Some(405)), ("subcode", None)]
        );
    }

    #[test]
    fn code_lists_its_pairs() {
        let cat = Catalogue::shipped();
        let e = find(&cat, &Query::Number(404));
        let pairs = e.iter().filter(|e| e.entry == "pair").count();
        // 404/8522, 404/4500, 404/404 of the Call Automation page; 404/560404 and 404/511404 of
        // the PSTN page; 404/404 matches as a code and as a subcode once.
        assert_eq!(pairs, 5);
        let code = e.iter().find(|e| e.entry == "code").unwrap();
        assert_eq!(code.description, "Not found");
        assert_eq!(e.len(), 6);
    }

    #[test]
    fn unknown_pair_matches_nothing() {
        let cat = Catalogue::shipped();
        assert!(find(&cat, &Query::Pair(499, 99999)).is_empty());
        assert_eq!(
            find(&cat, &Query::Pair(400, 8522))[0].matched,
            Some(Match::Subcode)
        );
    }

    #[test]
    fn queries_parse_as_the_reports_write_keys() {
        assert_eq!(parse_query("404/8522"), Ok(Query::Pair(404, 8522)));
        assert_eq!(parse_query("404/"), Ok(Query::Code(404)));
        let cat = Catalogue::shipped();
        // As a code only: 8522 is a subcode, not a code.
        assert!(find(&cat, &Query::Code(8522)).is_empty());
        assert_eq!(
            find(&cat, &Query::Code(404)),
            find(&cat, &Query::Number(404))
        );
        assert_eq!(parse_query(" 8522"), Ok(Query::Number(8522)));
        assert!(parse_query("/8522").is_err());
        assert!(parse_query("abc").is_err());
        // A number the codes do not reach says so, not "not a number".
        let e = parse_query("400/99999999999").unwrap_err();
        assert!(e.contains("99999999999 is out of range"), "{e}");
        assert!(parse_query("-1").unwrap_err().contains("out of range"));
        assert!(parse_query("-").unwrap_err().contains("not a number"));
    }
}
