//! KQL: the same reports computed where the data lives (Log Analytics / Azure Data Explorer).
//! Each query returns the columns of the matching CSV of `report`, with the loaded catalogue
//! inlined as `datatable`s so that a newer `--catalogue` flows through.
//!
//! Constructs are chosen to run both in Kusto and in the local engine the tests use
//! (duckdb-kql): multi-key `lookup` keys are separated by commas, distinct calls are counted
//! exactly by summarizing per call first (no `dcount`, which is approximate in Kusto), and the
//! `codes` list is ordered through a sortable prefix rather than relying on `make_list` order.

mod catalogue;
mod silent;
mod spikes;
mod triage;
mod volume;

pub(crate) use triage::triage_report;

use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::catalogue::{Catalogue, NO_MITIGATION};
use crate::report::NOT_NAMED;
use crate::spikes::{Thresholds, BASELINE_WEEKS};
use crate::time::DAY;
use catalogue::{catalogue_tables, outcome, DESCRIBE};
use silent::silent;
use spikes::{spikes, CHAIN_WEEKS};
use triage::{triage_calls, triage_head, triage_series};
use volume::volume;

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
