//! What the catalogue says of the focused keys: their entries, and the mitigations of the
//! verdict's keys.

use super::*;

pub(super) fn catalogue_entries(
    cat: &Catalogue,
    subcode: u32,
    code: Option<u32>,
    totals: &[KeyTotal],
) -> Vec<CatalogueEntry> {
    let label = |i: usize| {
        cat.sources
            .get(i)
            .map_or(String::new(), |s| s.label.clone())
    };
    let pair = |p: &PairEntry, matched: Match| CatalogueEntry {
        label: key_label(p.code, Some(p.subcode)),
        matched,
        category: Some(Category::of(p.code)),
        source: label(p.source),
        callback_event: p.events(),
        description: p.description.clone(),
        mitigation: p.mitigation.clone(),
        used: true,
    };
    // The pairs that count, one per key (another page's pair for the same key is not used).
    let mut out: Vec<CatalogueEntry> = cat
        .effective_pairs()
        .filter(|p| p.subcode == subcode && code.is_none_or(|c| c == p.code))
        .map(|p| pair(p, Match::Exact))
        .collect();
    // The same pairs as the other page reads them (the PSTN page's 403/510403 is "Call
    // blocked: Alternate ID not supplied", not spam), each after the one the reports use.
    let others = (query::find(cat, &Query::Number(subcode)).into_iter())
        .filter(|e| e.entry == "pair" && e.subcode == Some(subcode) && !query::used(e, cat));
    for e in others.filter(|e| e.code.is_some_and(|c| code.is_none_or(|k| k == c))) {
        let c = e.code.unwrap_or_default();
        let label = key_label(c, Some(subcode));
        let at = (out.iter().rposition(|o| o.label == label)).map_or(out.len(), |i| i + 1);
        let entry = CatalogueEntry {
            label,
            matched: Match::Exact,
            category: Some(Category::of(c)),
            source: e.source,
            callback_event: e.callback_event,
            description: e.description,
            mitigation: e.mitigation,
            used: false,
        };
        out.insert(at, entry);
    }
    // The generic subcode, unless the code asked for contradicts it (603/0 is not "Success").
    let generic = match code {
        Some(c) => cat.generic_subcode(c, subcode),
        None => cat.subcodes.get(&subcode),
    };
    if let Some(d) = generic {
        out.push(CatalogueEntry {
            label: format!("subcode {subcode}"),
            matched: Match::Subcode,
            category: None,
            source: label(d.source),
            callback_event: String::new(),
            description: d.description.clone(),
            mitigation: String::new(),
            used: true,
        });
    }
    // The key asked for, where it reads its code's generic entry (`500/9876`); where it reads
    // another code's pair (`500/560503` reads `503/560503`) or the SBC rule, that, below.
    let reads_code = |&c: &u32| cat.lookup(c, Some(subcode)).matched == Match::Code;
    if let Some((c, d)) = (code.filter(reads_code)).and_then(|c| Some((c, cat.codes.get(&c)?))) {
        out.push(CatalogueEntry {
            label: format!("code {c}"),
            matched: Match::Code,
            category: Some(Category::of(c)),
            source: label(d.source),
            callback_event: String::new(),
            description: d.description.clone(),
            mitigation: String::new(),
            used: true,
        });
    }
    // A key whose own entry gives no mitigation: its code's generic entry, which is read next.
    let without = |t: &&KeyTotal| t.mitigation.is_empty() && t.matched != Match::Code;
    for t in totals.iter().filter(without) {
        let code = format!("code {}", t.key.0);
        let d = cat.codes.get(&t.key.0);
        if let Some(d) = d.filter(|_| !out.iter().any(|e| e.label == code)) {
            out.push(CatalogueEntry {
                label: code,
                matched: Match::Code,
                category: Some(Category::of(t.key.0)),
                source: label(d.source),
                callback_event: String::new(),
                description: d.description.clone(),
                mitigation: String::new(),
                used: true,
            });
        }
    }
    // What the keys found (or the key asked for) read where no entry above is theirs: another
    // code's pair, a generic code, its class, the SBC rule.
    let asked = code.map(|c| (c, Some(subcode)));
    for key in totals.iter().map(|t| t.key).chain(asked) {
        let r = cat.lookup(key.0, key.1);
        let read = (r.matched == Match::Subcode)
            .then(|| key.1.and_then(|s| cat.read_pair(key.0, s)))
            .flatten();
        if let Some(p) = read {
            let entry = pair(p, Match::Subcode);
            if !out.iter().any(|e| e.label == entry.label) {
                out.push(entry);
            }
            continue;
        }
        let label = match r.matched {
            Match::Code => format!("code {}", key.0),
            Match::Prefix => format!("subcode {subcode}"),
            _ => continue,
        };
        if !out.iter().any(|e| e.label == label) {
            out.push(CatalogueEntry {
                label,
                matched: r.matched,
                category: (r.matched == Match::Code).then_some(r.category),
                source: r.source.to_string(),
                callback_event: String::new(),
                description: r.description.to_string(),
                mitigation: r.mitigation.unwrap_or_default().to_string(),
                used: true,
            });
        }
    }
    out
}

/// The failure keys found (the key asked for when none is), and those the spike verdicts are
/// of that the input does not hold (all of them without INPUT: the history's), each with the
/// mitigation `report` gives it in by_mitigation.csv and under its spike line.
pub(super) fn mitigations(
    cat: &Catalogue,
    focus: &Focus,
    totals: &[KeyTotal],
    verdicts: &[Key],
) -> Vec<(Key, String)> {
    let mut keys: Vec<Key> = totals.iter().map(|t| t.key).collect();
    for &k in verdicts {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    if let (true, Some(c)) = (keys.is_empty(), focus.code) {
        keys.push((c, Some(focus.subcode)));
    }
    (keys.into_iter())
        .filter(|k| Category::of(k.0).is_failure())
        .map(|k| {
            let m = cat.lookup(k.0, k.1).mitigation.unwrap_or(NO_MITIGATION);
            (k, m.to_string())
        })
        .collect()
}
