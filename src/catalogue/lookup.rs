//! The lookup of a (code, subcode) against the catalogue, in its order of precedence: an
//! exact pair of each tier, the generic subcode, a pair's subcode under another code, the SBC
//! rule, the generic code or its class; and the other readings of a pair.

use super::{
    class_text, one_line, Catalogue, Category, Generic, Match, PairEntry, Resolved, SubcodeClass,
    UNCATALOGUED,
};

impl Catalogue {
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
    pub(super) fn effective_indexed(&self) -> impl Iterator<Item = (usize, &PairEntry)> {
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

    /// What a page says of a code's class, for a class whose section lists no code (2xx): its
    /// paragraph, [`class_text`] for a key.
    pub fn class_of(&self, code: u32) -> Option<&Generic> {
        (100..=699)
            .contains(&code)
            .then(|| self.classes.get(&(code / 100)))
            .flatten()
    }

    pub(super) fn label(&self, source: usize) -> &str {
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
