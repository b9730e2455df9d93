//! KQL: the same reports computed where the data lives (Log Analytics / Azure Data Explorer).
//! Each query returns the columns of the matching CSV of `report`, with the loaded catalogue
//! inlined as `datatable`s so that a newer `--catalogue` flows through.
//!
//! Constructs are chosen to run both in Kusto and in the local engine the tests use
//! (duckdb-kql): multi-key `lookup` keys are separated by commas, distinct calls are counted
//! exactly by summarizing per call first (no `dcount`, which is approximate in Kusto), and the
//! `codes` list is ordered through a sortable prefix rather than relying on `make_list` order.

use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::aggregate::{ACTIONS, LATE_SECS};
use crate::catalogue::{
    class_text, one_line, sbc_rule_parts, Catalogue, Category, KeySpec, SubcodeClass,
    NO_MITIGATION, SBC_MITIGATION,
};
use crate::report::NOT_NAMED;
use crate::spikes::{Thresholds, BASELINE_WEEKS, MIN_BASELINE_DAYS};
use crate::time::DAY;

/// Which report the query computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KqlReport {
    ByCode,
    ByCategory,
    ByMitigation,
    ByOperation,
    Timeline,
    Spikes,
    ByResource,
    Volume,
    Silent,
    // One subcode's counts by bucket (`--subcode`, `--code`), as `triage`'s timeline, and its
    // calls, as `triage --calls` (doc comments would list every report with help in --help).
    Triage,
    TriageCalls,
}

impl KqlReport {
    pub fn csv_name(self) -> &'static str {
        match self {
            KqlReport::ByCode => "by_code.csv",
            KqlReport::ByCategory => "by_category.csv",
            KqlReport::ByMitigation => "by_mitigation.csv",
            KqlReport::ByOperation => "by_operation.csv",
            KqlReport::Timeline => "timeline.csv",
            KqlReport::Spikes => "spikes.csv",
            KqlReport::ByResource => "by_resource.csv",
            KqlReport::Volume => "volume.csv",
            KqlReport::Silent => "silent.csv",
            KqlReport::Triage => "triage's timeline",
            KqlReport::TriageCalls => "triage's calls",
        }
    }

    fn name(self) -> &'static str {
        match self {
            KqlReport::ByCode => "by-code",
            KqlReport::ByCategory => "by-category",
            KqlReport::ByMitigation => "by-mitigation",
            KqlReport::ByOperation => "by-operation",
            KqlReport::Timeline => "timeline",
            KqlReport::Spikes => "spikes",
            KqlReport::ByResource => "by-resource",
            KqlReport::Volume => "volume",
            KqlReport::Silent => "silent",
            KqlReport::Triage => "triage",
            KqlReport::TriageCalls => "triage-calls",
        }
    }
}

/// Which Log Analytics table the query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KqlTable {
    /// ACSCallAutomationMediaSummary: ResultCode and ResultSubcode.
    Media,
    /// ACSCallAutomationIncomingOperations: ResultSignature, no subcode.
    Operations,
}

impl KqlTable {
    pub fn table_name(self) -> &'static str {
        match self {
            KqlTable::Media => "ACSCallAutomationMediaSummary",
            KqlTable::Operations => "ACSCallAutomationIncomingOperations",
        }
    }
}

#[derive(Debug, Clone)]
pub struct KqlOptions {
    pub report: KqlReport,
    pub table: KqlTable,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// The timeline's bucket: 3600 or 86,400, or 0 for `--bucket auto` decided by the span of
    /// the records (the window did not decide it).
    pub bucket_secs: i64,
    pub thresholds: Thresholds,
    /// `--resource` globs (lower case): a record's resource name or whole id matches one.
    pub resources: Vec<glob::Pattern>,
    /// `--retired` globs (lower case): the volume query shows a flagged resource or kind whose
    /// name one matches as `retired`.
    pub retired: Vec<glob::Pattern>,
    /// `--volume-low-ratio`: the volume query's `low` is at most this share of the expected.
    pub volume_low_ratio: f64,
    /// The subcode (`--subcode`) and code (`--code`) the triage queries look into.
    pub focus: Option<(u32, Option<u32>)>,
}

/// A KQL string literal: double quotes, with backslash, quote, CR, LF and tab escaped, and the
/// [`crate::text::hostile`] characters (controls among them) as U+FFFD, as every output but
/// JSON shows them.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // A terminal escape, a line break to Kusto's lexer (U+2028 and U+2029: a literal cut
            // in two), a bidirectional control (the query read in another order than it runs).
            c if crate::text::hostile(c) => out.push(crate::text::REPLACEMENT),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A datetime literal of `t`. Kusto's datetime counts ticks of 100 ns and a record's time is a
/// whole tick, so an instant between two ticks (a flag given to the nanosecond) is written as the
/// tick after it: `>= t` and `< t` then keep the records `report` keeps, where Kusto would have
/// cut the literal to the tick before and kept a record at that tick under `--since`.
fn datetime(t: DateTime<Utc>) -> String {
    let part = t.timestamp_subsec_nanos() % 100;
    let t = match part {
        0 => t,
        _ => t
            .checked_add_signed(chrono::Duration::nanoseconds(i64::from(100 - part)))
            .unwrap_or(t),
    };
    match t.timestamp_subsec_nanos() % 1000 {
        // Between two microseconds: its seven digits of ticks, as Kusto writes them.
        0 => format!(
            "datetime({})",
            t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        ),
        _ => format!(
            "datetime({}.{:07}Z)",
            t.format("%Y-%m-%dT%H:%M:%S"),
            t.timestamp_subsec_nanos() / 100
        ),
    }
}

/// A float literal KQL reads as real.
fn real(x: f64) -> String {
    let s = format!("{x}");
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    }
}

const CATEGORY: &str = r#"case(code == 0 or code between (200 .. 299), "success", code between (400 .. 499), "client", code between (500 .. 599), "server", code between (600 .. 699), "global", "unknown")"#;

/// The name of the resource of a record, as `acs-triage` names it: the last segment of its id,
/// in lower case.
const RESOURCE: &str = r#"tolower(extract(@"([^/]+)$", 1, _ResourceId))"#;

/// The whole id of a record's resource as `--resource` matches it: lower case, with its
/// leading `/` when the record left it out.
const RESOURCE_ID: &str = r#"iff(tolower(_ResourceId) startswith "/", tolower(_ResourceId), strcat("/", tolower(_ResourceId)))"#;

/// The outcome class of a row whose `category` is set: the loaded outcome rules inlined, the
/// config's failure keys first, as in [`crate::catalogue::OutcomeRules::of`].
fn outcome(cat: &Catalogue) -> String {
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

/// A share `part / whole` to four places, a half rounded up as `report` rounds it: Kusto's long
/// division on integer columns, so no double rounds 0.00015 down. `whole` must not be 0.
fn share(part: &str, whole: &str) -> String {
    format!("todouble(({part} * 20000 + {whole}) / (2 * {whole})) / 10000")
}

/// RFC 3339 text of a datetime column, to the millisecond, as the CSV files write it.
fn rfc3339(col: &str, millis: bool) -> String {
    let time = if millis { "HH:mm:ss.fff" } else { "HH:mm:ss" };
    format!(
        r#"strcat(format_datetime({col}, "yyyy-MM-dd"), "T", format_datetime({col}, "{time}"), "Z")"#
    )
}

fn datatable(out: &mut String, head: &str, rows: Vec<String>) {
    let _ = writeln!(out, "{head} [");
    // No comma after the last row.
    out.push_str(&rows.join(",\n"));
    out.push_str("\n];\n");
}

fn catalogue_tables(cat: &Catalogue, out: &mut String) {
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
const DESCRIBE: &str = r#"| lookup kind=leftouter Pairs on code, subcode
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

/// A call id that is a canonical GUID of any case made lower case: `report` counts `ABC…` and
/// `abc…` as one call, and writes it lower case; any other id is compared as it is.
const FOLD_GUID: &str = "| extend call = iff(call matches regex @\"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$\", tolower(call), call)\n";

fn records(o: &KqlOptions, out: &mut String) {
    let table = o.table.table_name();
    let _ = writeln!(out, "let Records = {table}");
    let mut conds = Vec::new();
    if let Some(s) = o.since {
        conds.push(format!("TimeGenerated >= {}", datetime(s)));
    }
    if let Some(u) = o.until {
        conds.push(format!("TimeGenerated < {}", datetime(u)));
    }
    if !matches!(o.report, KqlReport::Spikes | KqlReport::Volume) && !conds.is_empty() {
        let _ = writeln!(out, "| where {}", conds.join(" and "));
    }
    if !o.resources.is_empty() {
        let either = o.resources.iter().filter_map(|p| {
            let re = string(&glob_regex(p.as_str())?);
            Some(format!(
                "{RESOURCE} matches regex {re} or {RESOURCE_ID} matches regex {re}"
            ))
        });
        // A record without a resource passes no filter, as in `report`.
        let either = either.collect::<Vec<_>>().join(" or ");
        // Globs that match nothing keep no record.
        let either = if either.is_empty() {
            "false".into()
        } else {
            either
        };
        let _ = writeln!(out, "| where isnotempty({RESOURCE}) and ({either})");
    }
    match o.table {
        KqlTable::Media => out.push_str(&format!(
            "| project TimeGenerated, operation = OperationName, ['kind'] = \"media_summary\", code = tolong(ResultCode), subcode = tolong(ResultSubcode),\n          call = iff(isempty(CorrelationId), \"\", CorrelationId),\n          resource = {RESOURCE}, prompt = coalesce(RecognizePromptSubOperationName, \"\")\n"
        )),
        KqlTable::Operations => out.push_str(&format!(
            "| project TimeGenerated, operation = OperationName, ['kind'] = \"operations\", code = tolong(ResultSignature), subcode = long(null),\n          call = iff(isempty(CorrelationId), coalesce(CallConnectionId, \"\"), CorrelationId),\n          resource = {RESOURCE}, prompt = coalesce(SubOperationName, \"\")\n"
        )),
    }
    // A GUID in upper case is the GUID, as `report` reads it (Kusto compares strings in case).
    out.push_str(FOLD_GUID);
    // Codes and subcodes are never negative nor past 4294967295: `report` rejects such a
    // record ("code not an integer", "out of range"), and the query leaves it out. They are
    // `long`, as the catalogue's keys are (Kusto's `int` is 32-bit and holds half of them).
    out.push_str("| where isnotnull(code) and code between (0 .. 4294967295) and (isnull(subcode) or subcode between (0 .. 4294967295));\n");
}

/// A `--resource` glob as an anchored regular expression (RE2, as Kusto's `matches regex`):
/// `*` any text, `?` any character, `[...]` and `[!...]` a class, anything else itself; `None`
/// for a glob that matches nothing, as one whose class holds nothing but reversed ranges
/// (`[z-a]`, which the glob matches no character with, and RE2 refuses).
fn glob_regex(glob: &str) -> Option<String> {
    let mut re = String::from("^");
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '[' => {
                let negated = chars.get(i) == Some(&'!');
                i += usize::from(negated);
                // A `]` first is part of the class, as in the glob.
                let first = i;
                let end = (chars[(first + 1).min(chars.len())..].iter())
                    .position(|&c| c == ']')
                    .map(|at| first + 1 + at);
                // `--resource` refuses a class without its `]`.
                let end = end.unwrap_or(chars.len());
                let class = class_regex(&chars[first..end.min(chars.len())]);
                i = end + 1;
                match (class, negated) {
                    (Some(class), false) => re.push_str(&format!("[{class}]")),
                    (Some(class), true) => re.push_str(&format!("[^{class}]")),
                    // Nothing in the class: no character matches it, every one its negation.
                    (None, false) => return None,
                    (None, true) => re.push('.'),
                }
            }
            c if "\\.+()|{}^$".contains(c) => {
                re.push('\\');
                re.push(c);
            }
            c => re.push(c),
        }
    }
    re.push('$');
    Some(re)
}

/// A glob class's characters as those of an RE2 class, read as the glob reads them (`a-z` a
/// range wherever a `-` stands between two characters, else each character itself), its
/// reversed ranges left out; `None` when nothing is left.
fn class_regex(chars: &[char]) -> Option<String> {
    let one = |c: char| match c {
        '\\' | '[' | ']' | '^' | '-' => format!("\\{c}"),
        c => c.to_string(),
    };
    let mut class = String::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len() && chars[i + 1] == '-' {
            let (from, to) = (chars[i], chars[i + 2]);
            if from <= to {
                class.push_str(&format!("{}-{}", one(from), one(to)));
            }
            i += 3;
        } else {
            class.push_str(&one(chars[i]));
            i += 1;
        }
    }
    (!class.is_empty()).then_some(class)
}

/// The query for one report.
pub fn query(cat: &Catalogue, o: &KqlOptions) -> String {
    if o.report == KqlReport::Silent {
        return silent(o);
    }
    let mut q = String::new();
    match o.focus.filter(|_| triage_report(o.report)) {
        Some(focus) => triage_head(o.report, focus, &mut q),
        None => {
            let _ = writeln!(
                q,
                "// acs-triage kql {} --table {}: the columns of {} from `acs-triage report`.",
                o.report.name(),
                match o.table {
                    KqlTable::Media => "media",
                    KqlTable::Operations => "operations",
                },
                o.report.csv_name()
            );
        }
    }
    let _ = writeln!(
        q,
        "// Catalogue: {}. Generated by acs-triage {}.",
        // One comment line as Kusto reads lines (U+2028 and U+2029 end one), and inert.
        crate::text::line(&cat.names()),
        env!("CARGO_PKG_VERSION")
    );
    q.push_str(match o.table {
        KqlTable::Media => "// calls = distinct CorrelationIds (the table has no CallConnectionId), counted exactly per call, not with dcount().\n",
        KqlTable::Operations => "// calls = distinct CorrelationIds (CallConnectionId when empty), counted exactly per call, not with dcount().\n",
    });
    if o.report == KqlReport::Volume {
        q.push_str(&format!(
            "// Volume on the UTC day before --until (default: yesterday) against the same weekday of the previous {BASELINE_WEEKS} weeks:\n\
             // all records, each log kind, each resource. p is P(Binomial(x+y, 1/(k+1)) <= x) (>= x above the expected), exact as the CLI's\n\
             // volume.csv gives it up to counts of 10,000 (where Kusto's beta_cdf gives NaN), the normal approximation past them; days with records count as complete. A baseline day that was a DROP of the scope (against its\n\
             // own previous {BASELINE_WEEKS} weeks) is left out, one level deep: the CLI follows that chain back to the start of its history.\n"
        ));
    }
    if o.report == KqlReport::Spikes {
        q.push_str(&format!(
            "// Spikes on the UTC day before --until (default: yesterday) against the same weekday of the previous {BASELINE_WEEKS} weeks.\n\
             // p is the exact P(Binomial(x+y, e1/(e1+e2)) >= x) = beta_cdf(e1/(e1+e2), x, y+1), as in the CLI's spikes.csv; past\n\
             // counts of 10,000 (where Kusto's beta_cdf gives NaN) the normal approximation stands in. Days with records count as\n\
             // complete. A baseline day on which the key was itself flagged (against its own previous {BASELINE_WEEKS} weeks, its own\n\
             // flagged days left out in turn) is left out, as in the CLI: the chain is followed through the {CHAIN_WEEKS} weeks read\n\
             // (the CLI follows it to the start of its history; the two agree when that starts within them).\n"
        ));
    }
    catalogue_tables(cat, &mut q);
    records(o, &mut q);
    let outcome = outcome(cat);
    match o.report {
        KqlReport::ByCode => by_code(&outcome, &mut q),
        KqlReport::ByCategory => by_category(&mut q),
        KqlReport::ByMitigation => by_mitigation(&mut q),
        KqlReport::ByOperation => by_operation(&outcome, &mut q),
        KqlReport::Timeline => timeline(o, &mut q),
        KqlReport::Spikes => spikes(o, &outcome, &mut q),
        KqlReport::ByResource => by_resource(&outcome, &mut q),
        KqlReport::Volume => volume(o, &mut q),
        KqlReport::Silent => {}
        KqlReport::Triage => triage_series(o, &mut q),
        KqlReport::TriageCalls => triage_calls(o, &mut q),
    }
    q
}

/// Whether a report is one subcode's, `triage`'s (`--subcode`).
pub fn triage_report(report: KqlReport) -> bool {
    matches!(report, KqlReport::Triage | KqlReport::TriageCalls)
}

/// The first line of a triage query: the command that made it and what it returns.
fn triage_head(report: KqlReport, (subcode, code): (u32, Option<u32>), q: &mut String) {
    let code = code.map_or(String::new(), |c| format!(" --code {c}"));
    let what = match report {
        KqlReport::TriageCalls => format!(
            "the calls of `acs-triage triage {subcode}{code} --calls --format csv`, with the ids the table has"
        ),
        _ => format!(
            "the counts by bucket and key of the timeline of `acs-triage triage {subcode}{code}`"
        ),
    };
    let _ = writeln!(
        q,
        "// acs-triage kql {} --subcode {subcode}{code}: {what}.",
        report.name()
    );
}

/// The records of the subcode (and code) a triage query looks into.
fn focused(o: &KqlOptions, q: &mut String) {
    let (subcode, code) = o.focus.unwrap_or_default();
    let code = code.map_or(String::new(), |c| format!(" and code == {c}"));
    let _ = writeln!(
        q,
        "let Focused = Records | where subcode == {subcode}{code};"
    );
}

/// The `--bucket` of a timeline of `Records`: `auto` without both ends of the window as
/// `report` decides it, by the span of the records, hourly up to three days, daily beyond
/// (a `let span` is written for it).
fn bucket_expr(o: &KqlOptions, q: &mut String) -> String {
    match o.bucket_secs {
        0 => {
            let _ = writeln!(
                q,
                "let span = toscalar(Records | summarize max(TimeGenerated) - min(TimeGenerated));"
            );
            format!(
                "iff(span > {}d, bin(TimeGenerated, 1d), bin(TimeGenerated, 1h))",
                crate::config::AUTO_HOURLY_SPAN / DAY
            )
        }
        s if s >= DAY => "bin(TimeGenerated, 1d)".to_string(),
        _ => "bin(TimeGenerated, 1h)".to_string(),
    }
}

/// One subcode's records by bucket and key, the buckets that hold some: `triage`'s timeline
/// without its empty buckets.
fn triage_series(o: &KqlOptions, q: &mut String) {
    let bin = bucket_expr(o, q);
    focused(o, q);
    let _ = write!(
        q,
        "// The buckets with records only: triage's timeline shows the empty ones as 0.\n\
         Focused\n\
         | extend start = {bin}\n\
         | summarize ['count'] = count() by start, code, subcode\n\
         | order by start asc, code asc, subcode asc\n\
         | extend bucket = {}\n\
         | project bucket, code, subcode, ['count']\n",
        rfc3339("start", false)
    );
}

/// One subcode's calls, most records first, then the latest: the ids the table has (the
/// CorrelationId; no CallConnectionId in the media summary), times, counts and keys.
fn triage_calls(o: &KqlOptions, q: &mut String) {
    focused(o, q);
    let _ = write!(
        q,
        "// codes: the call's keys in order, through a sortable prefix of fixed width.\n\
         Focused\n\
         | where isnotempty(call)\n\
         | summarize n = count(), earliest = min(TimeGenerated), latest = max(TimeGenerated) by call, code, subcode\n\
         | extend sortable = strcat(tostring(10000000000 + code), \"|\", tostring(code), \"/\", tostring(subcode))\n\
         | summarize ['count'] = sum(n), first_time = min(earliest), last_time = max(latest), sortables = make_list(sortable) by call\n\
         | extend codes = replace_regex(strcat_array(array_sort_asc(sortables), \" \"), @\"[0-9]+\\|\", \"\")\n\
         | order by ['count'] desc, last_time desc, call asc\n\
         | extend correlation_id = call, first_seen = {}, last_seen = {}\n\
         | project correlation_id, first_seen, last_seen, ['count'], codes\n",
        rfc3339("first_time", true),
        rfc3339("last_time", true)
    );
}

fn by_code(outcome: &str, q: &mut String) {
    let _ = write!(
        q,
        "let Total = toscalar(Records | count);\n\
         Records\n\
         | summarize n = count(), earliest = min(TimeGenerated), latest = max(TimeGenerated) by code, subcode, call\n\
         | summarize ['count'] = sum(n), calls = countif(isnotempty(call)), first_time = min(earliest), last_time = max(latest) by code, subcode\n\
         | extend category = {CATEGORY}\n\
         | extend outcome = {outcome}\n\
         {DESCRIBE}\
         | extend share = {share}, first_seen = {first}, last_seen = {last}\n\
         | order by ['count'] desc, code asc, subcode asc nulls first\n\
         | project code, subcode, category, outcome, ['match'], ['source'], callback_event, description, mitigation, ['count'], share, calls, first_seen, last_seen\n",
        share = share("['count']", "Total"),
        first = rfc3339("first_time", true),
        last = rfc3339("last_time", true)
    );
}

fn by_category(q: &mut String) {
    let _ = write!(
        q,
        "let Total = toscalar(Records | count);\n\
         let Categories = datatable(category:string, position:int) [\"success\", 1, \"client\", 2, \"server\", 3, \"global\", 4, \"unknown\", 5];\n\
         let Counted = Records\n\
         | extend category = {CATEGORY}\n\
         | summarize n = count() by category, call\n\
         | summarize ['count'] = sum(n), calls = countif(isnotempty(call)) by category;\n\
         Categories\n\
         | join kind=leftouter Counted on category\n\
         | extend ['count'] = coalesce(['count'], 0), calls = coalesce(calls, 0)\n\
         | extend share = iff(Total == 0, 0.0, {share})\n\
         | order by position asc\n\
         | project category, ['count'], share, calls\n",
        share = share("['count']", "Total")
    );
}

fn by_mitigation(q: &mut String) {
    let _ = write!(
        q,
        "let Failures = Records\n\
         | extend category = {CATEGORY}\n\
         | where category != \"success\"\n\
         {DESCRIBE}\
         | extend mitigation = iff(isnotempty(mitigation), mitigation, {none});\n\
         let Total = toscalar(Failures | count);\n\
         // codes: keys most frequent first, then by code and subcode, through a sortable prefix of\n\
         // fixed width (codes and subcodes are below 2^32: eleven digits each).\n\
         let Keys = Failures\n\
         | summarize n = count() by mitigation, code, subcode\n\
         | extend key = iff(isnull(subcode), tostring(code), strcat(tostring(code), \"/\", tostring(subcode)))\n\
         | extend sortable = strcat(tostring(100000000000 - n), \"|\", tostring(10000000000 + code), \"|\", tostring(10000000000 + coalesce(subcode + 1, 0)), \"|\", key)\n\
         | summarize sortables = make_list(sortable) by mitigation\n\
         | extend codes = replace_regex(strcat_array(array_sort_asc(sortables), \" \"), @\"[0-9]+\\|[0-9]+\\|[0-9]+\\|\", \"\")\n\
         | project mitigation, codes;\n\
         Failures\n\
         | summarize n = count() by mitigation, call\n\
         | summarize ['count'] = sum(n), calls = countif(isnotempty(call)) by mitigation\n\
         | join kind=inner Keys on mitigation\n\
         | extend share = {share}\n\
         | order by ['count'] desc, mitigation asc\n\
         | project mitigation, ['count'], share, calls, codes\n",
        none = string(NO_MITIGATION),
        share = share("['count']", "Total")
    );
}

fn by_operation(outcome: &str, q: &mut String) {
    let _ = write!(
        q,
        "Records\n\
         | extend category = {CATEGORY}\n\
         | extend outcome = {outcome}\n\
         | summarize n = count() by operation, ['kind'], code, subcode, category, outcome, prompt, call\n\
         | summarize ['count'] = sum(n), calls = countif(isnotempty(call)) by operation, ['kind'], code, subcode, category, outcome, prompt\n\
         | order by ['count'] desc, operation asc, ['kind'] asc, code asc, subcode asc nulls first, prompt asc\n\
         | project operation, ['kind'], code, subcode, category, outcome, prompt, ['count'], calls\n"
    );
}

fn by_resource(outcome: &str, q: &mut String) {
    let _ = write!(
        q,
        "// The records that name no resource are the last row, when some do. `inferred` is 0: the\n\
         // workspace has no table of callback events, the records report counts under their\n\
         // call's resource.\n\
         let Named = toscalar(Records | where isnotempty(resource) | count);\n\
         Records\n\
         | where Named > 0\n\
         | extend unnamed = isempty(resource)\n\
         | extend category = {CATEGORY}\n\
         | extend outcome = {outcome}\n\
         | summarize n = count(), f = countif(category != \"success\"), a = countif(outcome == \"failure\") by unnamed, resource, call\n\
         | summarize ['count'] = sum(n), failures = sum(f), needs_action = sum(a), calls = countif(isnotempty(call)) by unnamed, resource\n\
         | extend resource = iff(unnamed, \"{NOT_NAMED}\", resource)\n\
         | extend needs_action_rate = iff(['count'] == 0, 0.0, {rate})\n\
         | extend inferred = 0\n\
         | order by unnamed asc, ['count'] desc, resource asc\n\
         | project resource, ['count'], failures, needs_action, calls, needs_action_rate, inferred\n",
        rate = share("needs_action", "['count']")
    );
}

fn volume(o: &KqlOptions, q: &mut String) {
    let day = match o.until {
        Some(u) => format!("startofday({} - 1d)", datetime(u)),
        None => "startofday(now()) - 1d".to_string(),
    };
    let test = volume_test(&o.thresholds, o.volume_low_ratio);
    let _ = write!(
        q,
        "let D = {day};\n\
         let Days = Records\n\
         | where TimeGenerated >= D - {weeks}d * 14 and TimeGenerated < D + 1d\n\
         | extend day = startofday(TimeGenerated);\n\
         let Scoped = union (Days | extend scope = \"all\"), (Days | extend scope = strcat(\"kind \", ['kind'])), (Days | where isnotempty(resource) | extend scope = strcat(\"resource \", resource));\n\
         {per_day}\
         // D and each of its baseline days, each with the same weekday of its previous weeks that has records.\n\
         let Targets = range i from 0 to {weeks} step 1 | extend target = D - i * 7d | project target;\n\
         let Weeks = Targets | extend one = 1\n\
         | join kind=inner (range w from 1 to {weeks} step 1 | extend one = 1) on one\n\
         | extend b = target - w * 7d\n\
         | join kind=inner (Days | summarize by day | project b = day) on b\n\
         | project target, b;\n\
         // A scope's baseline is the days it had records: a day without (an outage) is left out.\n\
         // A baseline day that was a DROP of the scope (a holiday), against its own previous weeks, is left out too.\n\
         let Dropped = PerDay\n\
         | join kind=inner (Targets | where target < D | project day = target) on day\n\
         | project target = day, scope, x = n\n\
         | join kind=inner (Weeks | join kind=inner (PerDay | project b = day, scope, n) on b | summarize y = sum(n), present = count() by target, scope) on target, scope\n\
         {test}\
         | where status == \"DROP\"\n\
         | project b = target, scope;\n\
         let Before = Weeks | where target == D\n\
         | join kind=inner (PerDay | project b = day, scope, n) on b\n\
         | join kind=leftanti Dropped on b, scope\n\
         | summarize y = sum(n), present = count() by scope;\n\
         let Today = PerDay | where day == D | project scope, x = n;\n\
         let Scopes = union (Before | project scope), (Today | project scope){first} | summarize by scope;\n\
         Scopes\n\
         | join kind=leftouter Before on scope\n\
         | join kind=leftouter Today on scope\n\
         {test}\
         {mark_retired}\
         | extend day = format_datetime(D, \"yyyy-MM-dd\"), ['count'] = x\n\
         // Without a baseline there is nothing to expect.\n\
         | extend tested = status != \"insufficient_history\"\n\
         | extend expected = iff(tested, round(expected, 4), real(null)), ratio = iff(tested, round(ratio, 4), real(null)), p_value = iff(tested, p_value, real(null))\n\
         | order by scope asc\n\
         | project day, scope, ['count'], expected, ratio, p_value, status\n",
        weeks = BASELINE_WEEKS,
        per_day = per_day(&o.retired),
        // `all but retired` is a scope whether or not any record is left in it, as in `report`
        // (`all` when nothing was taken out of it).
        first = match o.retired.is_empty() {
            true => "",
            false => ", (Raw | take 1 | project scope = iff(Both, \"all\", \"all but retired\"))",
        },
        mark_retired = mark_retired(&o.retired),
    );
}

/// silent.csv: the actions the operations table accepted (a 2xx) and whether a media summary
/// record followed in their call, counted as `report` counts them (see
/// [`crate::aggregate::SilentReport`]). Log Analytics holds no callback events, so a Play or
/// Recognize is tested where the media summary table has records of its call's resource (or
/// records that name none), and a transfer or an added participant is not tested.
fn silent(o: &KqlOptions) -> String {
    let mut q = format!(
        "// acs-triage kql silent: the columns of silent.csv from `acs-triage report`, from {} and {} (not --table's).\n\
         // Outcomes are looked for in the media summary table only: Log Analytics holds no callback events (`report` reads them\n\
         // where the input has them), so Transfer and AddParticipant are not tested. Generated by acs-triage {}.\n",
        KqlTable::Operations.table_name(),
        KqlTable::Media.table_name(),
        env!("CARGO_PKG_VERSION")
    );
    for (table, name) in [(KqlTable::Operations, "Ops"), (KqlTable::Media, "Media")] {
        let mut t = String::new();
        records(&KqlOptions { table, ..o.clone() }, &mut t);
        q.push_str(&t.replacen("let Records =", &format!("let {name} ="), 1));
    }
    let actions = ACTIONS.iter().enumerate().flat_map(|(i, a)| {
        (a.operations.iter())
            .map(move |op| format!("{}, {i}, {}", string(a.name), string(&op.to_lowercase())))
    });
    datatable(
        &mut q,
        "let Actions = datatable(action:string, i:int, operation:string)",
        actions.collect(),
    );
    let summaries = ACTIONS.iter().enumerate().filter_map(|(i, a)| {
        a.summary
            .map(|s| format!("{i}, {}", string(&s.to_lowercase())))
    });
    datatable(
        &mut q,
        "let Summaries = datatable(i:int, operation:string)",
        summaries.collect(),
    );
    let _ = write!(
        q,
        "// An operation name in any case, with spaces around it or not.\n\
         let Accepted = Ops\n\
         | where isnotempty(call) and code between (200 .. 299)\n\
         | extend operation = tolower(trim(@\"\\s+\", operation))\n\
         | lookup kind=inner Actions on operation;\n\
         let Outcome = Media\n\
         | where isnotempty(call)\n\
         | extend operation = tolower(trim(@\"\\s+\", operation))\n\
         | lookup kind=inner Summaries on operation;\n\
         let Outcomes = Outcome | summarize outcomes = count() by call, i;\n\
         // A media summary record of a resource makes its calls' Plays and Recognizes tested; one that names none, every call's.\n\
         let MediaResources = Media | summarize by resource;\n\
         let AnyResource = toscalar(MediaResources | where isempty(resource) | count) > 0;\n\
         let MediaRecords = toscalar(Media | count) > 0;\n\
         // An action accepted in the last {late} minutes of the records (to the second) whose outcome is not in them is late, not silent;\n\
         // of one action of a call accepted both before and after that line, all but the first are taken as late.\n\
         let End = toscalar(union (Ops | project TimeGenerated), (Media | project TimeGenerated) | summarize max(TimeGenerated));\n\
         let Line = bin(End, 1s) - {late}m;\n\
         // A call's resource: of those its records name, the first by name, as `report` takes it (`~`, after any name of letters, digits and hyphens, stands for none).\n\
         let Calls = union (Accepted | project call, resource), (Outcome | project call, resource)\n\
         | summarize resource = min(iff(isempty(resource), \"~\", resource)) by call\n\
         | extend resource = iff(resource == \"~\", \"\", resource);\n\
         Accepted\n\
         | summarize accepted = count(), earliest = min(bin(TimeGenerated, 1s)), latest = max(bin(TimeGenerated, 1s)) by call, action, i\n\
         | lookup kind=inner Calls on call\n\
         | lookup kind=leftouter Outcomes on call, i\n\
         | extend outcomes = coalesce(outcomes, 0)\n\
         | extend covered = i < {with_summary} and (AnyResource or resource in (MediaResources))\n\
         | extend missing = max_of(accepted - outcomes, 0)\n\
         | extend n_late = min_of(missing, iff(earliest > Line, accepted, iff(latest > Line, accepted - 1, 0)))\n\
         | summarize accepted = sum(accepted), untested = sum(iff(covered, 0, accepted)), covered = countif(covered),\n\
                     with_outcome = sum(iff(covered, accepted - missing, 0)), without_outcome = sum(iff(covered, missing - n_late, 0)),\n\
                     late = sum(iff(covered, n_late, 0)), calls = countif(covered and missing > n_late) by action, i\n\
         | extend tested = covered > 0\n\
         | extend outcomes_from = iff(i < {with_summary} and MediaRecords, \"media summary\", \"\"),\n\
                  share = iff(tested, iff(accepted - untested - late > 0, {share}, 0.0), real(null)),\n\
                  with_outcome = iff(tested, with_outcome, long(null)), without_outcome = iff(tested, without_outcome, long(null)),\n\
                  calls = iff(tested, calls, long(null)), late = iff(tested, late, long(null)),\n\
                  status = iff(tested, \"tested\", \"not tested\")\n\
         | order by i asc\n\
         | project action, outcomes_from, accepted, with_outcome, without_outcome, share, calls, late, untested, status\n",
        late = LATE_SECS / 60,
        with_summary = ACTIONS.iter().filter(|a| a.summary.is_some()).count(),
        share = share("without_outcome", "(accepted - untested - late)"),
    );
    q
}

/// The volume verdict on columns x (the day's records of a scope), y (its baseline days') and
/// present (how many baseline days); `low` at most `low_ratio` of the expected.
fn volume_test(th: &Thresholds, low_ratio: f64) -> String {
    format!(
        "| extend x = coalesce(x, 0), y = coalesce(y, 0), present = coalesce(present, 0), k = todouble(present)\n\
         | extend expected = iff(k == 0, 0.0, y / k)\n\
         | extend ratio = x / max_of(expected, 0.5)\n\
         | extend n = todouble(x + y), p0 = 1.0 / (k + 1.0)\n\
         | extend mu = n * p0, sd = sqrt(n * p0 * (1.0 - p0))\n\
         // P(X <= x) is the upper tail of -z, P(X >= x) above the expected that of z: Abramowitz-Stegun 7.1.26 for erfc.\n\
         | extend z = iff(sd == 0, iff(x < mu, 40.0, -40.0), iff(x > expected, (x - 0.5 - mu) / sd, -(x + 0.5 - mu) / sd))\n\
         | extend t = 1.0 / (1.0 + 0.3275911 * abs(z) / sqrt(2.0))\n\
         | extend half_erfc = 0.5 * t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * exp(-(z * z) / 2.0)\n\
         // Exact where Kusto's beta_cdf is (shapes up to 10,000), as report's volume.csv: P(X >= x) = beta_cdf(p0, x, y+1) above the\n\
         // expected, P(X <= x) = P(Binomial(n, 1-p0) >= y) = beta_cdf(1-p0, y, x+1) at or below it (1 when y is 0); past that, the normal approximation.\n\
         | extend p_value = case(k == 0, 1.0,\n\
                                 x > expected and x <= 10000 and y + 1 <= 10000, beta_cdf(p0, todouble(x), todouble(y + 1)),\n\
                                 x <= expected and y == 0, 1.0,\n\
                                 x <= expected and y <= 10000 and x + 1 <= 10000, beta_cdf(1.0 - p0, todouble(y), todouble(x + 1)),\n\
                                 iff(z >= 0, half_erfc, 1.0 - half_erfc))\n\
         | extend status = case(present < {min_days}, \"insufficient_history\",\n\
                                x == 0, \"ZERO\",\n\
                                p_value < {p} and x <= expected / 2.0 and expected >= {min_expected}, \"DROP\",\n\
                                p_value < {p} and ratio <= {low_ratio} and expected >= {min_expected}, \"low\",\n\
                                p_value < {p} and ratio >= {rise_ratio} and expected >= {min_expected}, \"rise\",\n\
                                \"normal\")\n",
        min_days = MIN_BASELINE_DAYS,
        p = real(th.p_value),
        min_expected = real(crate::spikes::volume::MIN_EXPECTED),
        low_ratio = real(low_ratio),
        rise_ratio = real(crate::spikes::volume::RISE_RATIO),
    )
}

/// `--retired` globs as one condition on a scope's `name` (its kind or resource).
fn retired_names(globs: &[glob::Pattern]) -> String {
    let any = globs.iter().filter_map(|p| {
        let re = string(&glob_regex(p.as_str())?);
        Some(format!("name matches regex {re}"))
    });
    let any = any.collect::<Vec<_>>().join(" or ");
    // Globs that match nothing name no scope.
    if any.is_empty() {
        "false".into()
    } else {
        any
    }
}

/// The records of each scope by day. With `--retired`, the first scope is `all but retired`:
/// all records less those of retired kinds and resources, a day without any left out.
fn per_day(globs: &[glob::Pattern]) -> String {
    if globs.is_empty() {
        return "let PerDay = Scoped | summarize n = count() by scope, day;\n".into();
    }
    format!(
        "let Raw = Scoped | summarize n = count() by scope, day | extend name = tolower(substring(scope, indexof(scope, \" \") + 1)), dim = substring(scope, 0, indexof(scope, \" \"));\n\
         // A retired kind and a retired resource with records on the day or its baseline days: their records cannot be told apart in report's history, and the first scope stays `all`; so it does when no retired kind or resource has any (nothing is taken out).\n\
         let Both = toscalar(Raw | where scope != \"all\" and dayofweek(day) == dayofweek(D) and day >= D - {weeks}d * 7 and ({names}) | summarize by dim | count) != 1;\n\
         let Gone = Raw | where scope != \"all\" and ({names}) | summarize gone = sum(n) by day;\n\
         let PerDay = union (Raw | where scope != \"all\" | project scope, day, n), (Raw | where scope == \"all\" | join kind=leftouter Gone on day | project scope = iff(Both, \"all\", \"all but retired\"), day, n = iff(Both, n, n - coalesce(gone, 0)) | where n > 0);\n",
        names = retired_names(globs),
        weeks = BASELINE_WEEKS,
    )
}

/// The line that marks a flagged resource or kind of `--retired` as `retired`, or nothing.
fn mark_retired(globs: &[glob::Pattern]) -> String {
    if globs.is_empty() {
        return String::new();
    }
    format!(
        "// Out of service (--retired): shown, not flagged.\n\
         | extend name = tolower(substring(scope, indexof(scope, \" \") + 1))\n\
         | extend status = iff(scope !in (\"all\", \"all but retired\") and status in (\"ZERO\", \"DROP\", \"low\") and ({}), \"retired\", status)\n",
        retired_names(globs)
    )
}

fn timeline(o: &KqlOptions, q: &mut String) {
    let bin = bucket_expr(o, q);
    let _ = write!(
        q,
        "Records\n\
         | extend start = {bin}, category = {CATEGORY}\n\
         | summarize ['count'] = count() by start, code, subcode, category\n\
         | order by start asc, code asc, subcode asc nulls first\n\
         | extend bucket = {}\n\
         | project bucket, code, subcode, category, ['count']\n",
        rfc3339("start", false)
    );
}

/// The exact test on columns x (today), y (baseline), e1, e2 (their records) and k (usable
/// baseline days): P(Binomial(x+y, e1/(e1+e2)) >= x) = beta_cdf(e1/(e1+e2), x, y+1), as the CLI's
/// spikes.csv computes it. Kusto's beta_cdf gives NaN past shape parameters of 10,000: beyond,
/// the normal approximation (with continuity correction) stands in.
fn spike_test(th: &Thresholds) -> String {
    format!(
        "| extend expected = iff(e2 == 0, 0.0, y * e1 / e2)\n\
         | extend ratio = x / max_of(expected, 0.5), excess = x - expected\n\
         | extend p0 = iff(e1 + e2 == 0, 1.0, e1 / (e1 + e2)), n = todouble(x + y)\n\
         | extend mu = n * p0, sd = sqrt(n * p0 * (1.0 - p0))\n\
         | extend z = iff(sd == 0, iff(x > mu, 40.0, -40.0), (x - 0.5 - mu) / sd)\n\
         | extend t = 1.0 / (1.0 + 0.3275911 * abs(z) / sqrt(2.0))\n\
         | extend half_erfc = 0.5 * t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * exp(-(z * z) / 2.0)\n\
         | extend p_value = case(x == 0 or p0 >= 1.0, 1.0,\n\
                                 x <= 10000 and y + 1 <= 10000, beta_cdf(p0, todouble(x), todouble(y + 1)),\n\
                                 iff(z >= 0, half_erfc, 1.0 - half_erfc))\n\
         | extend status = case(k < {min_days}, \"insufficient_history\",\n\
                                y == 0 and x >= {min_count}, \"NEW\",\n\
                                p_value < {p} and x >= {min_count} and ratio >= {ratio} and excess >= {excess}, \"SPIKE\",\n\
                                \"normal\")\n",
        min_days = MIN_BASELINE_DAYS,
        min_count = th.min_count,
        p = real(th.p_value),
        ratio = real(th.min_ratio),
        excess = real(th.min_excess),
    )
}

/// How many weeks before the report day `kql spikes` reads: the chain of flagged baseline days
/// is followed within them, as `report` follows it through its history.
const CHAIN_WEEKS: i64 = 3 * BASELINE_WEEKS;

fn spikes(o: &KqlOptions, outcome: &str, q: &mut String) {
    let day = match o.until {
        Some(u) => format!("startofday({} - 1d)", datetime(u)),
        None => "startofday(now()) - 1d".to_string(),
    };
    let test = spike_test(&o.thresholds);
    // The deepest baseline day that can be tested: one with MIN_BASELINE_DAYS of its own
    // baseline days within the weeks read. Older days are never flagged (too little history).
    let levels = CHAIN_WEEKS - MIN_BASELINE_DAYS as i64;
    let _ = write!(
        q,
        "let D = {day};\n\
         let Days = Records\n\
         | where TimeGenerated >= D - {chain}d * 7 and TimeGenerated < D + 1d\n\
         | extend day = startofday(TimeGenerated), key = iff(isnull(subcode), tostring(code), strcat(tostring(code), \"/\", tostring(subcode)));\n\
         let All = Days | summarize e = count() by day;\n\
         // Each key is measured against the records of the log kinds its records are of on D, on D and on\n\
         // each day tested: a kind with no record on the day tested or on all its baseline days is left out\n\
         // of both sides (every record counts when none is left), as in the CLI.\n\
         let Exposure = Days | summarize e = count() by day, lk = ['kind'];\n\
         let KindDays = Days | where day == D | summarize by key, lk = ['kind']\n\
         | join kind=inner Exposure on lk\n\
         | project day, key, lk, e;\n\
         let Counts = materialize(Days | summarize c = count() by day, key, code, subcode);\n\
         // A kind new on D (none on the baseline days) is left out of the key's count on D too.\n\
         let KindCounts = Days | where day == D | summarize kc = count() by key, lk = ['kind'];\n\
         // D and each baseline day of the chain, each with the same weekday of its previous weeks.\n\
         let Targets = range i from 0 to {levels} step 1 | extend target = D - i * 7d | project target;\n\
         let Weeks = materialize(Targets | extend one = 1\n\
         | join kind=inner (range w from 1 to {weeks} step 1 | extend one = 1) on one\n\
         | extend b = target - w * 7d\n\
         | join kind=inner (All | project b = day, eb = e) on b\n\
         | project target, b, eb);\n\
         // The records of each key's kinds on each day tested (e) and on each of its baseline days (ek).\n\
         let KindWeeks = materialize(Weeks\n\
         | join kind=inner (KindDays | project b = day, key, lk, ek = e) on b\n\
         | join kind=leftouter (KindDays | project target = day, key, lk, e) on target, key, lk\n\
         | project target, b, key, lk, e = coalesce(e, 0), ek);\n\
         // The keys flagged on each baseline day of the chain, oldest first, each against its own previous\n\
         // weeks with the days the key was flagged on left out (F1 is D's first baseline day, F2 the one\n\
         // before, ...): unrolled, one let a week, as Kusto has no recursion.\n",
        chain = CHAIN_WEEKS,
        weeks = BASELINE_WEEKS,
    );
    for level in (1..=levels).rev() {
        let target = format!("D - {}d", 7 * level);
        let flagged: Vec<String> = (level + 1..=(level + BASELINE_WEEKS).min(levels))
            .map(|l| format!("F{l}"))
            .collect();
        let left_out = match flagged.is_empty() {
            true => String::new(),
            false => format!(
                "| join kind=leftanti (union {}) on b, key\n",
                flagged.join(", ")
            ),
        };
        let _ = write!(
            q,
            "let F{level} = materialize(Counts\n\
             | where day == {target}\n\
             | project target = day, key, code, subcode, x = c\n\
             | join kind=leftouter (All | project target = day, e1a = e) on target\n\
             | join kind=leftouter (Counts | where day == {target} | project key | extend one = 1\n\
             | join kind=inner (Weeks | where target == {target} | extend one = 1) on one\n\
             {left_out}\
             | join kind=leftouter (Counts | project b = day, key, cb = c) on b, key\n\
             | summarize k = count(), e2a = sum(eb), y = sum(coalesce(cb, 0)) by key) on key\n\
             | join kind=leftouter (KindWeeks | where target == {target}\n\
             {left_out}\
             | summarize e = max(e), ek = sum(ek) by key, lk\n\
             | summarize e1k = sumif(e, e > 0 and ek > 0), e2k = sumif(ek, e > 0 and ek > 0) by key) on key\n\
             | extend own = coalesce(e2k, 0) > 0\n\
             | extend y = coalesce(y, 0), k = coalesce(k, 0), e1 = todouble(iff(own, e1k, e1a)), e2 = todouble(iff(own, e2k, coalesce(e2a, 0))), category = {CATEGORY}\n\
             | where category != \"success\"\n\
             {test}\
             | where status in (\"SPIKE\", \"NEW\")\n\
             | project b = target, key);\n"
        );
    }
    let flagged: Vec<String> = (1..=BASELINE_WEEKS.min(levels))
        .map(|l| format!("F{l}"))
        .collect();
    let _ = write!(
        q,
        "// The keys flagged on D's baseline days: left out of D's baseline.\n\
         let Flagged = union {flagged};\n\
         let E1 = toscalar(All | where day == D | summarize sum(e));\n\
         let Today = Counts | where day == D | project key, code, subcode, x = c;\n\
         let Usable = Today | extend one = 1\n\
         | join kind=inner (Weeks | where target == D | extend one = 1) on one\n\
         | join kind=leftanti Flagged on b, key\n\
         | join kind=leftouter (Counts | project b = day, key, cb = c) on b, key\n\
         | summarize k = count(), e2a = sum(eb), y = sum(coalesce(cb, 0)) by key;\n\
         let Own = KindWeeks | where target == D\n\
         | join kind=leftanti Flagged on b, key\n\
         | summarize e = max(e), ek = sum(ek) by key, lk\n\
         | join kind=leftouter KindCounts on key, lk\n\
         | summarize e1k = sumif(e, e > 0 and ek > 0), e2k = sumif(ek, e > 0 and ek > 0), x1k = sumif(kc, e > 0 and ek > 0) by key;\n\
         Today\n\
         | join kind=leftouter Usable on key\n\
         | join kind=leftouter Own on key\n\
         | extend own = coalesce(e2k, 0) > 0\n\
         | extend x = iff(own, x1k, x), y = coalesce(y, 0), k = coalesce(k, 0), e1 = todouble(iff(own, e1k, E1)), e2 = todouble(iff(own, e2k, coalesce(e2a, 0))), category = {CATEGORY}\n\
         | where category != \"success\"\n\
         {test}\
         | where status in (\"SPIKE\", \"NEW\")\n\
         | extend outcome = {outcome}\n\
         {DESCRIBE}\
         | extend day = format_datetime(D, \"yyyy-MM-dd\"), ['count'] = x, expected = round(expected, 4), ratio = round(ratio, 4)\n\
         | order by p_value asc, excess desc, code asc, subcode asc nulls first\n\
         | project day, code, subcode, category, outcome, description, mitigation, ['count'], expected, ratio, p_value, status\n",
        flagged = flagged.join(", "),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flag's instant between two of Kusto's 100 ns ticks is the tick after it (rev63b note:
    /// `--since ...00.000000001Z` had been written to the nanosecond, which Kusto cuts to the
    /// tick before, keeping a record at 00:00:00 that report leaves out); whole ticks as they are.
    #[test]
    fn a_datetime_between_two_ticks_is_the_tick_after_it() {
        let at = |s, ns| datetime(DateTime::from_timestamp(s, ns).unwrap());
        assert_eq!(at(0, 1), "datetime(1970-01-01T00:00:00.0000001Z)");
        assert_eq!(at(0, 199), "datetime(1970-01-01T00:00:00.0000002Z)");
        assert_eq!(at(0, 123_456_789), "datetime(1970-01-01T00:00:00.1234568Z)");
        assert_eq!(at(0, 999_999_901), "datetime(1970-01-01T00:00:01Z)");
        assert_eq!(at(0, 500_000), "datetime(1970-01-01T00:00:00.000500Z)");
        assert_eq!(at(86_400, 0), "datetime(1970-01-02T00:00:00Z)");
    }

    #[test]
    fn string_literals_escape_quotes_and_backslashes() {
        assert_eq!(string(r#"a "q" \ b"#), r#""a \"q\" \\ b""#);
        assert_eq!(string("line\nnext"), r#""line\nnext""#);
    }

    #[test]
    fn catalogue_is_inlined_and_newer_catalogue_flows_through() {
        let mut cat = Catalogue::default();
        cat.add(
            "c.csv".into(),
            "file".into(),
            crate::catalogue::load_csv(
                "code,subcode,description,mitigation\n499,99999,Brand \"new\",Do it\n",
                "c.csv",
            )
            .unwrap(),
        );
        let o = KqlOptions {
            report: KqlReport::ByCode,
            table: KqlTable::Media,
            since: None,
            until: None,
            bucket_secs: 3600,
            thresholds: Thresholds::default(),
            resources: Vec::new(),
            retired: Vec::new(),
            volume_low_ratio: crate::spikes::volume::LOW_RATIO,
            focus: None,
        };
        let q = query(&cat, &o);
        assert!(
            q.contains(
                "    499, 99999, true, \"c.csv\", \"\", \"Brand \\\"new\\\"\", \"Do it\"\n];"
            ),
            "{q}"
        );
        assert!(q.contains("let Records = ACSCallAutomationMediaSummary\n"));
        assert!(!q
            .lines()
            .any(|l| !l.starts_with("//") && l.contains("dcount(")));
    }

    /// A CSV catalogue's row of a code alone or of a subcode alone gives its mitigation to the
    /// keys it describes, as `report` does (rev63a F3).
    #[test]
    fn a_code_s_and_a_subcode_s_mitigation_flow_through() {
        let mut cat = Catalogue::default();
        cat.add(
            "c.csv".into(),
            "file".into(),
            crate::catalogue::load_csv(
                "code,subcode,description,mitigation\n999,,Weird,Ask\n,8536,Fetch,Check SAS\n",
                "c.csv",
            )
            .unwrap(),
        );
        let q = catalogue_query(&cat);
        assert!(
            q.contains("    999, true, \"c.csv\", \"Weird\", \"Ask\"\n];"),
            "{q}"
        );
        assert!(
            q.contains("    8536, true, \"failure\", \"c.csv\", \"Fetch\", \"Check SAS\"\n];"),
            "{q}"
        );
        assert!(q.contains("sub_ok, coalesce(sub_mitigation, \"\")"), "{q}");
        assert!(
            q.contains("is_code == true, coalesce(code_mitigation, \"\")"),
            "{q}"
        );
    }

    fn catalogue_query(cat: &Catalogue) -> String {
        let o = KqlOptions {
            report: KqlReport::ByCode,
            table: KqlTable::Media,
            since: None,
            until: None,
            bucket_secs: 3600,
            thresholds: Thresholds::default(),
            resources: Vec::new(),
            retired: Vec::new(),
            volume_low_ratio: crate::spikes::volume::LOW_RATIO,
            focus: None,
        };
        query(cat, &o)
    }

    #[test]
    fn operations_table_has_no_subcode_and_window_filters() {
        let o = KqlOptions {
            report: KqlReport::Timeline,
            table: KqlTable::Operations,
            since: Some("2026-11-24T00:00:00Z".parse().unwrap()),
            until: Some("2026-11-25T00:00:00Z".parse().unwrap()),
            bucket_secs: 86_400,
            thresholds: Thresholds::default(),
            resources: Vec::new(),
            retired: Vec::new(),
            volume_low_ratio: crate::spikes::volume::LOW_RATIO,
            focus: None,
        };
        let q = query(&Catalogue::shipped(), &o);
        assert!(q.contains("code = tolong(ResultSignature), subcode = long(null)"));
        assert!(q.contains(
            "| where TimeGenerated >= datetime(2026-11-24T00:00:00Z) and TimeGenerated < datetime(2026-11-25T00:00:00Z)"
        ));
        assert!(q.contains("bin(TimeGenerated, 1d)"));
    }
}
