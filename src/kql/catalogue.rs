//! The loaded catalogue in a query: its entries inlined as `datatable`s (so that a newer
//! `--catalogue` flows through), the lookups that describe a key with `report`'s precedence, and
//! the outcome classes of its rules.

use super::{datatable, string};
use crate::catalogue::{
    class_text, one_line, sbc_rule_parts, Catalogue, Category, KeySpec, SubcodeClass,
    SBC_MITIGATION,
};

/// The outcome class of a row whose `category` is set: the loaded outcome rules inlined, the
/// config's failure keys first, as in [`crate::catalogue::OutcomeRules::of`].
pub(super) fn outcome(cat: &Catalogue) -> String {
    let cond = |keys: Vec<KeySpec>| {
        let parts: Vec<String> = keys
            .iter()
            .map(|k| match k {
                KeySpec::Pair(c, s) => format!("(code == {c} and subcode == {s})"),
                KeySpec::Subcode(s) => format!("subcode == {s}"),
                KeySpec::Code(c) => format!("(code == {c} and isnull(subcode))"),
            })
            .collect();
        if parts.is_empty() {
            "false".to_string()
        } else {
            parts.join(" or ")
        }
    };
    let rules = &cat.outcomes;
    format!(
        "case(category == \"success\", \"success\", {}, \"failure\", {}, \"caller\", \"failure\")",
        cond(rules.failure.clone()),
        cond(rules.caller.iter().map(|c| c.key).collect()),
    )
}

pub(super) fn catalogue_tables(cat: &Catalogue, out: &mut String) {
    // One line per catalogue text, as the CSV files write it.
    let text = |t: &str| string(&one_line(t));
    let source = |i: usize| string(cat.sources.get(i).map_or("", |s| s.label.as_str()));
    datatable(
        out,
        "let Pairs = datatable(code:long, subcode:long, is_pair:bool, pair_source:string, pair_events:string, pair_description:string, pair_mitigation:string)",
        cat.effective_pairs()
            .map(|p| {
                format!(
                    "    {}, {}, true, {}, {}, {}, {}",
                    p.code,
                    p.subcode,
                    source(p.source),
                    string(&p.events()),
                    text(&p.description),
                    text(&p.mitigation)
                )
            })
            .collect(),
    );
    datatable(
        out,
        "let Codes = datatable(code:long, is_code:bool, code_source:string, code_description:string, code_mitigation:string)",
        cat.codes
            .iter()
            .map(|(c, g)| {
                format!(
                    "    {c}, true, {}, {}, {}",
                    source(g.source),
                    text(&g.description),
                    text(&g.mitigation)
                )
            })
            .collect(),
    );
    // A subcode the pages give only within pairs, under another code of its pair's category
    // (lookup's fourth step): the pair that speaks for it.
    let category = |code: u32| string(Category::of(code).as_str());
    datatable(
        out,
        "let PairSubcodes = datatable(subcode:long, is_psub:bool, psub_category:string, psub_source:string, psub_description:string, psub_mitigation:string)",
        cat.effective_pairs()
            .filter_map(|p| cat.subcode_pair(p.subcode).filter(|&first| std::ptr::eq(first, p)))
            .map(|p| {
                format!(
                    "    {}, true, {}, {}, {}, {}",
                    p.subcode,
                    category(p.code),
                    source(p.source),
                    text(&p.description),
                    text(&p.mitigation)
                )
            })
            .collect(),
    );
    // sub_class: a success subcode never describes a code outside 2xx, a failure subcode never
    // a 2xx code.
    datatable(
        out,
        "let Subcodes = datatable(subcode:long, is_sub:bool, sub_class:string, sub_source:string, sub_description:string, sub_mitigation:string)",
        cat.subcodes
            .iter()
            .map(|(s, g)| {
                format!(
                    "    {s}, true, {}, {}, {}, {}",
                    string(SubcodeClass::of(*s, &g.description).as_str()),
                    source(g.source),
                    text(&g.description),
                    text(&g.mitigation)
                )
            })
            .collect(),
    );
    // A class of codes whose section lists none (2xx), by its first code: 200 for 2xx; what it
    // says of a code alone or with the subcode 0, and of one with another subcode.
    datatable(
        out,
        "let Classes = datatable(class_code:long, is_class:bool, class_source:string, class_description:string, class_other:string)",
        cat.classes
            .iter()
            .map(|(d, g)| {
                format!(
                    "    {}, true, {}, {}, {}",
                    d * 100,
                    source(g.source),
                    text(&g.description),
                    text(class_text(&g.description, Some(1)))
                )
            })
            .collect(),
    );
    // The PSTN page's rule, by a subcode's prefix (560000 for 560xxx): its text is put around
    // the SIP code, the subcode's last three digits.
    let (parts, sips) = sbc_rule_parts();
    datatable(
        out,
        "let Sbc = datatable(sbc_prefix:long, is_sbc:bool, sbc_source:string, sbc_before:string, sbc_after:string, sbc_mitigation:string, sip_min:int, sip_max:int)",
        (parts.iter())
            .filter(|_| cat.sbc_rule.is_some())
            .map(|(prefix, before, after)| {
                format!(
                    "    {}, true, {}, {}, {}, {}, {}, {}",
                    prefix * 1000,
                    source(cat.sbc_rule.unwrap_or_default()),
                    string(before),
                    string(after),
                    string(SBC_MITIGATION),
                    sips.start(),
                    sips.end()
                )
            })
            .collect(),
    );
}

/// Joins the catalogue: the lookup precedence exact pair, then subcode (unless its class
/// contradicts the code's), then the pair that speaks for the subcode (when of the code's
/// category), then the SBC rule of a subcode starting with 560 or 540, then code (or its
/// class), then none.
pub(super) const DESCRIBE: &str = r#"| lookup kind=leftouter Pairs on code, subcode
| lookup kind=leftouter Subcodes on subcode
| lookup kind=leftouter PairSubcodes on subcode
| lookup kind=leftouter Codes on code
| extend class_code = bin(code, 100), sbc_prefix = bin(subcode, 1000)
| lookup kind=leftouter Classes on class_code
| lookup kind=leftouter Sbc on sbc_prefix
| extend is_sbc = is_sbc == true and subcode % 1000 >= sip_min and subcode % 1000 <= sip_max and ((code == 0 or code between (200 .. 299)) == (subcode % 1000 between (200 .. 299)))
| extend sub_ok = is_sub == true and (sub_class == "any" or (sub_class == "success" and (code == 0 or code between (200 .. 299))) or (sub_class == "failure" and code != 0 and (code < 200 or code > 299)))
| extend psub_ok = not(sub_ok) and is_psub == true and psub_category == category
| extend ['match'] = case(is_pair == true, "exact", sub_ok or psub_ok, "subcode", is_sbc, "prefix", is_code == true or is_class == true, "code", "none")
| extend description = case(['match'] == "exact", pair_description, sub_ok, sub_description, psub_ok, psub_description, ['match'] == "prefix", strcat(sbc_before, tostring(subcode % 1000), sbc_after), is_code == true, code_description, ['match'] == "code", iff(isnull(subcode) or subcode == 0, class_description, class_other), "uncatalogued"),
         mitigation = case(['match'] == "exact", coalesce(pair_mitigation, ""), sub_ok, coalesce(sub_mitigation, ""), psub_ok, coalesce(psub_mitigation, ""), ['match'] == "prefix", iff(code == 0 or code between (200 .. 299), "", sbc_mitigation), is_code == true, coalesce(code_mitigation, ""), ""),
         ['source'] = case(['match'] == "exact", pair_source, sub_ok, sub_source, psub_ok, psub_source, ['match'] == "prefix", sbc_source, is_code == true, code_source, ['match'] == "code", class_source, ""),
         callback_event = iff(['match'] == "exact", coalesce(pair_events, ""), "")
"#;
