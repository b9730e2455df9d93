//! The finished deep dive on one subcode, built from a [`Focus`] and the catalogue: what the
//! `triage` command shows in every format.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};

use super::table::{Col, Name, Table};
use super::{DiagnosticRow, NOT_NAMED};
use crate::aggregate::{
    ByText, CallId, CallStats, Focus, Inferred, Key, Listing, Timeline, Window,
};
use crate::catalogue::query::{self, Query};
use crate::catalogue::{key_label, Catalogue, Category, Match, Outcome, PairEntry, NO_MITIGATION};
use crate::config::TriageFormat;
use crate::normalize::Kind;
use crate::row;
use crate::spikes::history::History;
use crate::spikes::{self, Thresholds, Verdict};
use crate::text::mask_numbers;
use crate::time::{bucket_start, rfc3339, DAY};

mod catalogue;
mod history;
mod named;
mod next_steps;
mod splits;
mod tables;
mod timeline;
mod verdicts;

pub use history::{history_days, history_days_by_resource, HistoryDays, HISTORY_DAYS};
// The tests name it, here and in render/triage.rs.
use catalogue::{catalogue_entries, mitigations};
#[cfg(test)]
pub use history::HistoryDay;
pub use named::Named;
pub use next_steps::{next_steps, NextSteps, KQL_DAYS};
use splits::{
    as_code, focus_resources, key_totals, operation_rows, other_codes, prompt_rows, sdks_of_calls,
};
pub use timeline::{more_keys_label, timeline_span, MAX_TIMELINE_ROWS, TIMELINE_KEYS};
use verdicts::verdicts;

/// Calls listed in the Markdown and JSON views; CSV and `--calls` list them all (the
/// `--format json` help says so).
pub const TOP_CALLS: usize = 20;
/// Messages listed.
pub const TOP_MESSAGES: usize = 30;
/// Targets, and operation contexts, listed.
pub const TOP_NAMED: usize = 10;

/// A catalogue entry that involves the subcode.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    /// `404/8522`, or `subcode 8522` for the generic subcode.
    pub label: String,
    pub matched: Match,
    pub category: Option<Category>,
    /// The catalogue page or file it comes from.
    pub source: String,
    /// The callback events that carry the pair.
    pub callback_event: String,
    pub description: String,
    pub mitigation: String,
    /// Whether it is the entry the reports read for its key: a pair another page also gives
    /// is listed with that page's reading too, which they do not use.
    pub used: bool,
}

/// How many keys [`Triage::as_code_line`] names.
const MOST_AS_CODE: usize = 5;

#[derive(Debug, Clone)]
pub struct KeyTotal {
    pub key: Key,
    pub category: Category,
    /// The class `report` splits keys by: a caller outcome is counted apart from the failures.
    pub outcome: Outcome,
    /// Why a caller outcome is the caller's; empty for the others.
    pub outcome_reason: String,
    pub matched: Match,
    pub description: String,
    pub mitigation: String,
    pub count: u64,
    pub calls: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct CallRow {
    /// The call's CorrelationId, or its CallConnectionId when none of its records names one.
    pub call_id: String,
    /// Whether `call_id` is a CorrelationId.
    pub by_correlation: bool,
    /// The SDK that made the call (`type\tversion`), from any of its records; empty when
    /// none names it. No view shows it (the split by SDK is counted from every call's, not
    /// the rows'): tests read it.
    #[cfg(test)]
    pub sdk: String,
    pub call_connection_id: String,
    pub server_call_id: String,
    pub count: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// The focused keys in the call, in key order.
    pub codes: Vec<Key>,
    /// Its messages, most frequent first (at most three).
    pub messages: Vec<String>,
    /// The distinct SIP codes and Q.850 causes its records carried, sorted.
    pub sip_codes: Vec<u32>,
    pub q850_codes: Vec<u32>,
    /// Whom its callback records' action was for (`participant.rawId`), the one most of them
    /// name, its phone number shown as the split by target shows it; empty when none names one.
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct Triage {
    pub subcode: u32,
    pub code: Option<u32>,
    pub catalogue: Vec<CatalogueEntry>,
    pub read: u64,
    pub accepted: u64,
    /// Of those read: rejected, skipped, and outside `--since`/`--until`.
    pub rejected: u64,
    pub skipped: u64,
    pub outside: u64,
    /// Of `outside`, the callback records `--resource` left out (they name no resource): of
    /// calls no record of a resource kept names, or all of them when `callbacks_of_calls` is
    /// false.
    pub callbacks_left_out: u64,
    /// Whether the callback records of the kept resources' calls were counted (the files read
    /// first for those calls), or, under `--resource` on standard input, left out.
    pub callbacks_of_calls: bool,
    pub totals: Vec<KeyTotal>,
    /// With `--code`: the other codes the subcode occurs under and their records, in code
    /// order (the records `--code` left out).
    pub other_codes: Vec<(u32, u64)>,
    /// When no record has the subcode: the keys whose code is that number, most records first
    /// (`triage 486` of records keyed 486/560486: a SIP or result code taken for a subcode).
    pub as_code: Vec<(Key, u64)>,
    pub bucket_secs: i64,
    /// (bucket start, key) → count, focused keys only.
    pub timeline: Timeline,
    /// The first and last bucket the timeline's views run through, empty ones too
    /// ([`timeline_span`]); `None`: only those that hold records.
    pub timeline_span: Option<(i64, i64)>,
    pub operations: Vec<(String, Kind, Key, u64)>,
    /// (prompt kind, records) of the focused keys, most records first: "8536 on TextSource"
    /// is a speech problem, not a file one.
    pub prompts: Vec<(String, u64)>,
    /// The affected calls, most records first, then the latest: as many rows as the views show.
    pub calls: CallList,
    /// The messages kept (see [`crate::aggregate::texts`]), most frequent first.
    pub messages: Vec<(String, u64)>,
    /// Records whose message was not kept.
    pub other_messages: u64,
    /// SIP / Q.850 diagnostics by (code, subcode), most frequent first.
    /// What the SBC or carrier said about the focused records.
    pub diagnostics: Vec<DiagnosticRow>,
    /// (resource, records, calls) of the focused keys, most records first, those that name
    /// none last as `(not named)`; empty when no record names its resource.
    pub resources: Vec<(String, u64, u64, u64)>,
    /// Of the focused records that name no resource, those counted under their call's
    /// (records, calls), and those whose call's resource is not known.
    pub resources_inferred: (u64, u64),
    pub resources_unknown: (u64, u64),
    /// Those of calls not listed whose resource was not looked up: past the calls whose ids
    /// `triage` holds, only the listed calls' are read again.
    pub resources_not_looked_up: (u64, u64),
    /// The focused records of another log than callback events that name no resource (a
    /// portal export without `_ResourceId`), which stay `(not named)`: `by_resource.csv`
    /// joins callback records only.
    pub resources_stay: (u64, u64),
    /// (SDK type, SDK version, records) of the focused keys, most records first.
    pub sdks: Vec<(String, String, u64)>,
    /// The focused callback records by target participant, and by operation context, phone
    /// numbers shown as `numbers` says.
    pub targets: Named,
    pub contexts: Named,
    /// How phone numbers show in the targets, operation contexts and calls' rows.
    pub numbers: Numbers,
    /// The catalogues used, one line each with their pair counts.
    pub catalogues: Vec<String>,
    pub verdict_day: Option<i64>,
    /// (verdict, its explanation).
    pub verdicts: Vec<(Verdict, String)>,
    pub verdict_note: Option<String>,
    /// Each failure key found (else the key asked for) with the mitigation `report` gives it
    /// (by_mitigation.csv, the spike line): the catalogue's, or [`NO_MITIGATION`].
    pub mitigations: Vec<(Key, String)>,
    /// The commands that take the triage further, when the run says them.
    pub next_steps: Option<NextSteps>,
    /// The focused keys' days in the stored history, with `--history`.
    pub history: Option<HistoryDays>,
    /// The same for each resource the stored history names, under `--spikes-by resource`
    /// (the verdicts' split); empty otherwise.
    pub history_by_resource: Vec<HistoryDays>,
}

/// How a triage shows the phone numbers of targets and operation contexts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Numbers {
    /// Their last 4 digits only ([`mask_numbers`]): phone numbers are personal data.
    #[default]
    Masked,
    /// In full (`--full-numbers`), for finding the callee in a CRM.
    Full,
}

impl Numbers {
    /// `text` with its phone numbers shown so.
    pub fn show(self, text: &str) -> String {
        match self {
            Numbers::Masked => mask_numbers(text),
            Numbers::Full => text.to_string(),
        }
    }
}

impl CallRow {
    /// Its CorrelationId: empty for a call known by its CallConnectionId alone, whose id a
    /// support ticket must not give as a CorrelationId.
    pub fn correlation_id(&self) -> &str {
        if self.by_correlation {
            &self.call_id
        } else {
            ""
        }
    }
}

impl Triage {
    /// Records whose message is not among the [`TOP_MESSAGES`] listed: those past them and
    /// those not kept.
    pub fn messages_not_listed(&self) -> u64 {
        let past: u64 = self
            .messages
            .iter()
            .skip(TOP_MESSAGES)
            .map(|(_, n)| n)
            .sum();
        past + self.other_messages
    }

    /// The focused subcode, with the code when one was given.
    pub fn title(&self) -> String {
        match self.code {
            Some(c) => format!("{c}/{}", self.subcode),
            None => format!("subcode {}", self.subcode),
        }
    }

    /// What `--code` left out: `560503 occurs under other codes: 500 (15 records); drop
    /// --code to see them`, when the subcode occurs under other codes.
    pub fn other_codes_line(&self) -> Option<String> {
        if self.other_codes.is_empty() {
            return None;
        }
        let codes: Vec<String> = (self.other_codes.iter())
            .map(|&(c, n)| format!("{c} ({n} record{})", if n == 1 { "" } else { "s" }))
            .collect();
        Some(format!(
            "{} occurs under other codes: {}; drop --code to see them",
            self.subcode,
            codes.join(", ")
        ))
    }

    /// When no record has the subcode but some have it as their code: `486 occurs as a code,
    /// not as a subcode: 486/560486 (5 records); triage 486/560486 shows them`.
    pub fn as_code_line(&self) -> Option<String> {
        let (first, _) = self.as_code.first()?;
        let records = |n: u64| format!("{n} record{}", if n == 1 { "" } else { "s" });
        let mut keys: Vec<String> = (self.as_code.iter().take(MOST_AS_CODE))
            .map(|&(k, n)| format!("{} ({})", key_label(k.0, k.1), records(n)))
            .collect();
        if let Some(more) = self
            .as_code
            .len()
            .checked_sub(MOST_AS_CODE)
            .filter(|&n| n > 0)
        {
            keys.push(format!("{more} more keys"));
        }
        let with_subcode = self.as_code.iter().find_map(|(k, _)| Some((k.0, k.1?)));
        let next = match with_subcode {
            Some((code, sub)) => format!("triage takes one as CODE/SUBCODE: triage {code}/{sub}"),
            None => format!("by_code.csv of `report` counts the key {}", first.0),
        };
        Some(format!(
            "{} occurs as a code, not as a subcode: {}; {next}",
            self.subcode,
            keys.join(", ")
        ))
    }

    pub fn total(&self) -> u64 {
        self.totals.iter().map(|t| t.count).sum()
    }

    /// Counts of one key in every bucket of the timeline's span (from the first to the last
    /// of the focus without one), zeros too.
    pub fn series(&self, key: Key) -> Vec<u64> {
        self.series_of(|k| k == key)
    }

    /// [`Triage::series`] of the keys past the first [`TIMELINE_KEYS`], summed: the
    /// Markdown's `N more keys` line.
    pub fn series_of_more_keys(&self) -> Vec<u64> {
        let more = self.more_keys();
        self.series_of(|k| more.contains(&k))
    }

    /// The records of the keys `keep` keeps in every bucket of the span, summed.
    fn series_of(&self, keep: impl Fn(Key) -> bool) -> Vec<u64> {
        // One key stands for those kept, so that their counts in a bucket add up.
        const KEPT: Key = (0, None);
        let ends =
            (self.timeline_span.into_iter()).flat_map(|(a, b)| [((a, KEPT), 0), ((b, KEPT), 0)]);
        let own = (self.timeline.iter())
            .filter(|((_, k), _)| keep(*k))
            .map(|(&(b, _), &n)| ((b, KEPT), n));
        let timeline: Timeline = own.chain(ends).collect();
        crate::aggregate::series(
            &timeline,
            self.bucket_secs,
            KEPT,
            crate::aggregate::SPARK_CELLS,
        )
    }

    /// The keys the Markdown timeline shows one by one: the first [`TIMELINE_KEYS`] of the
    /// totals (most records first).
    pub fn timeline_keys(&self) -> &[KeyTotal] {
        &self.totals[..self.totals.len().min(TIMELINE_KEYS)]
    }

    /// The keys the Markdown timeline sums in one column.
    fn more_keys(&self) -> std::collections::HashSet<Key> {
        (self.totals.iter().skip(TIMELINE_KEYS))
            .map(|k| k.key)
            .collect()
    }

    /// How many keys the Markdown timeline sums in its last column, and their records.
    pub fn more_keys_total(&self) -> (usize, u64) {
        let more = &self.totals[self.timeline_keys().len()..];
        (more.len(), more.iter().map(|k| k.count).sum())
    }
}

/// What of the focused calls a triage shows: `--calls` the first `limit` (every one without),
/// with their ServerCallIds, keys, SIP codes, Q.850 causes and messages; CSV every call with
/// them; Markdown and JSON the first [`TOP_CALLS`], without.
pub fn listing(calls: bool, format: TriageFormat, limit: Option<usize>) -> Listing {
    match (calls, format) {
        (true, _) => Listing {
            first: limit,
            details: true,
            sdks: false,
        },
        (false, TriageFormat::Csv) => Listing {
            sdks: false,
            ..Listing::default()
        },
        (false, TriageFormat::Md | TriageFormat::Json) => Listing {
            first: Some(TOP_CALLS),
            details: false,
            sdks: true,
        },
    }
}

/// Rows of the calls' table made at a time ([`Triage::calls_tables`]).
pub const CALL_ROWS: usize = 1024;

/// The affected calls listed, most records first, and how many calls there are: the list may
/// be of the first so many calls only ([`Listing::first`]), the views show no more. A call's
/// row is made when a view asks for it, and dropped once written.
#[derive(Debug, Clone, Default)]
pub struct CallList {
    calls: Vec<(CallId, CallStats)>,
    total: usize,
    numbers: Numbers,
}

impl CallList {
    /// The calls affected, each listed or not.
    pub fn len(&self) -> usize {
        self.total
    }

    /// The calls listed.
    pub fn listed(&self) -> usize {
        self.calls.len()
    }

    /// The rows, most records first.
    pub fn iter(&self) -> impl Iterator<Item = CallRow> + '_ {
        self.rows(0, self.calls.len())
    }

    /// The rows of the calls listed from `from` to `to` (not included).
    pub fn rows(&self, from: usize, to: usize) -> impl Iterator<Item = CallRow> + '_ {
        let calls = self.calls.get(from..to).unwrap_or_default();
        calls.iter().map(|(id, c)| row_of(id, c, self.numbers))
    }
}

/// The row of a call, the phone numbers of its target and messages shown as `numbers` says.
fn row_of(id: &CallId, c: &CallStats, numbers: Numbers) -> CallRow {
    let d = c.details.as_deref();
    let mut messages: Vec<&(Box<str>, u64)> =
        d.map(|d| d.messages.iter().collect()).unwrap_or_default();
    messages.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    CallRow {
        call_id: id.text().into_owned(),
        by_correlation: c.by_correlation,
        call_connection_id: c.call_connection_id.text().into_owned(),
        server_call_id: c.server_call_id.text().into_owned(),
        #[cfg(test)]
        sdk: c.sdk.text().into_owned(),
        count: c.count,
        first: c.first,
        last: c.last,
        codes: d.map(|d| d.codes.clone()).unwrap_or_default(),
        messages: messages.into_iter().map(|(m, _)| numbers.show(m)).collect(),
        sip_codes: d.map(|d| d.sip_codes.clone()).unwrap_or_default(),
        q850_codes: d.map(|d| d.q850_codes.clone()).unwrap_or_default(),
        target: d.map(|d| numbers.show(d.target())).unwrap_or_default(),
    }
}

/// What a triage's spike verdict is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked {
    /// The day tested, when there is one.
    pub day: Option<i64>,
    pub thresholds: Thresholds,
    /// Each resource's keys against its own history (`--spikes-by resource`), as `report`
    /// tests them.
    pub by_resource: bool,
}

/// Joins the focus with the catalogue and the spike test, phone numbers masked (the tests'
/// triage; the command's is [`build_showing`]).
#[cfg(test)]
pub fn build(focus: Focus, cat: &Catalogue, history: &History, asked: &Asked) -> Triage {
    build_showing(focus, cat, history, asked, Numbers::Masked)
}

/// [`build`], phone numbers shown as `numbers` says.
pub fn build_showing(
    mut focus: Focus,
    cat: &Catalogue,
    history: &History,
    asked: &Asked,
    numbers: Numbers,
) -> Triage {
    let totals = key_totals(&focus, cat);
    let as_code = match totals.is_empty() {
        true => as_code(&focus),
        false => Vec::new(),
    };
    let timeline: Timeline = (focus.all.timeline())
        .into_iter()
        .filter(|((_, k), _)| focus.matches(k.0, k.1))
        .collect();
    let input_last = crate::spikes::history::last_record(&focus.all);
    let timeline_span = timeline_span(
        &timeline,
        focus.all.bucket_secs,
        &focus.all.window,
        input_last,
    );
    let operations = operation_rows(&focus);
    let prompts = prompt_rows(&focus);
    let (calls, total) = focus.listed();
    let calls = CallList {
        calls,
        total,
        numbers,
    };
    let call_sdks = focus.sdk_split();
    let (inferred, unknown, not_looked_up, stays) = focus.resource_split();
    let targets = Named::of(&focus.targets, |t| numbers.show(t));
    let contexts = Named::of(&focus.contexts, |t| numbers.show(t));
    let counted = focus.messages();
    // Each distinct message kept is masked once, here: two that differ in a number alone
    // stay two rows.
    let messages: Vec<(String, u64)> = counted
        .texts
        .iter()
        .map(|(m, n)| (numbers.show(m), *n))
        .collect();
    let (verdicts, verdict_note) = verdicts(&focus, history, asked, numbers);
    let sdks = sdks_of_calls(call_sdks, &focus.no_call_sdks);
    let verdict_keys: Vec<Key> = verdicts.iter().map(|(v, _)| v.key).collect();
    let mitigations = mitigations(cat, &focus, &totals, &verdict_keys);
    let agg = &focus.all;
    Triage {
        subcode: focus.subcode,
        code: focus.code,
        catalogue: catalogue_entries(cat, focus.subcode, focus.code, &totals),
        read: agg.read(),
        accepted: agg.accepted,
        rejected: agg.rejected,
        skipped: agg.skipped,
        outside: agg.outside,
        callbacks_left_out: agg.callbacks_left_out,
        callbacks_of_calls: agg.keeps_calls_callbacks(),
        totals,
        other_codes: other_codes(&focus),
        as_code,
        bucket_secs: agg.bucket_secs,
        timeline,
        timeline_span,
        operations,
        prompts,
        calls,
        messages,
        other_messages: counted.other,
        diagnostics: super::diagnostics(
            &focus.all,
            |(code, sub)| focus.matches(code, sub),
            |t| numbers.show(t),
        ),
        resources: focus_resources(&focus, &inferred, unknown.0 + not_looked_up.0 + stays.0),
        resources_inferred: (inferred.values()).fold((0, 0), |a, r| (a.0 + r.0, a.1 + r.1)),
        resources_unknown: unknown,
        resources_not_looked_up: not_looked_up,
        resources_stay: stays,
        sdks,
        targets,
        contexts,
        numbers,
        catalogues: cat.describe(),
        verdict_day: asked.day,
        verdicts,
        verdict_note,
        mitigations,
        next_steps: None,
        history: None,
        history_by_resource: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A resource's days stored before callback records were joined to it are marked in its
    /// history's table, where a callback key reads 0 on them (rev60a F2: it seemed to start on
    /// the upgrade day).
    #[test]
    fn a_resource_s_days_that_keep_callbacks_apart_are_marked() {
        let day = |d: &str| crate::time::parse_day(d).unwrap();
        let mut h = HistoryDays {
            resource: Some("acs-stage".into()),
            held: 3,
            span: Some((day("2026-11-19"), day("2026-11-21"))),
            days: vec![
                HistoryDay {
                    day: day("2026-11-19"),
                    partial: false,
                    short: false,
                    records: 90,
                },
                HistoryDay {
                    day: day("2026-11-20"),
                    partial: true,
                    short: false,
                    records: 89,
                },
                HistoryDay {
                    day: day("2026-11-21"),
                    partial: false,
                    short: false,
                    records: 119,
                },
            ],
            keys: vec![((400, Some(8536)), day("2026-11-21"), vec![0, 0, 2])],
            apart_until: Some(day("2026-11-20")),
        };
        let first = |h: &HistoryDays| -> Vec<String> {
            h.table()
                .text_rows()
                .into_iter()
                .map(|r| r[0].clone())
                .collect()
        };
        assert_eq!(
            first(&h),
            [
                "2026-11-19 (callbacks apart)",
                "2026-11-20 (partial) (callbacks apart)",
                "2026-11-21"
            ]
        );
        h.apart_until = None;
        assert_eq!(
            first(&h),
            ["2026-11-19", "2026-11-20 (partial)", "2026-11-21"]
        );
        // A `--resource` run's days say it themselves (rev60b F2: no marks under --resource).
        let stored = |d: &str, apart: bool| crate::spikes::history::DayAgg {
            day: day(d),
            partial: false,
            partial_why: None,
            exposure: 100,
            keys: Default::default(),
            resources: Default::default(),
            kinds: Default::default(),
            key_kinds: Default::default(),
            callbacks_apart: apart,
            short_for_all: false,
        };
        let days = [
            stored("2026-11-19", true),
            stored("2026-11-20", true),
            stored("2026-11-21", false),
        ];
        let history = History {
            days: days.into_iter().map(|d| (d.day, d)).collect(),
            scope: Some("acs-stage".into()),
            names_cut: Vec::new(),
            foreign: Default::default(),
        };
        let h = history_days(&history, 8536, None);
        assert_eq!(h.apart_until, Some(day("2026-11-20")));
    }

    /// The lead line of a split by target: the first row's share, the others, those past the
    /// texts counted and those that name none; two numbers shown alike stay two rows.
    #[test]
    fn a_split_by_target_says_what_one_target_holds() {
        let by = |rows: &[(&str, u64)], others: u64, none: u64| ByText {
            counts: rows.iter().map(|(t, n)| (Box::from(*t), *n)).collect(),
            others,
            none,
        };
        let one = Named::of(&by(&[("4:+14255550199", 120)], 0, 0), mask_numbers);
        assert_eq!(
            one.lead("target").unwrap(),
            "120 of 120 callback records to one target: 4:+xxxxxxx0199"
        );
        let two = by(&[("4:+14255550199", 300), ("4:+16505550199", 9)], 2, 5);
        let two = Named::of(&two, mask_numbers);
        assert_eq!(two.rows.len(), 2);
        assert_eq!(
            two.lead("target").unwrap(),
            format!("300 of 316 callback records to one target: 4:+xxxxxxx0199; 11 to 1 other target (2 of them past the {} counted); 5 name none", crate::aggregate::MAX_NAMED)
        );
        let many: Vec<(String, u64)> = (0..15)
            .map(|i| (format!("8:acs:u{i:02}"), 20 - i))
            .collect();
        let many: Vec<(&str, u64)> = many.iter().map(|(t, n)| (t.as_str(), *n)).collect();
        let many = Named::of(&by(&many, 0, 0), mask_numbers);
        assert_eq!((many.rows.len(), many.distinct), (TOP_NAMED, 15));
        assert_eq!(many.past_top, 10 + 9 + 8 + 7 + 6);
        assert_eq!(many.rows[0], ("8:acs:u00".to_string(), 20));
        assert_eq!(many.total(), (6..=20).sum::<u64>());
        assert!(Named::of(&by(&[], 0, 4), mask_numbers)
            .lead("target")
            .is_none());
        let spread = by(&[("4:+123456", 1), ("4:+654321", 1)], 0, 1);
        assert_eq!(
            Named::of(&spread, mask_numbers).lead("target").unwrap(),
            "3 callback records, no two to one target (2 targets); 1 name none"
        );
    }

    /// The `--calls` command names an input whose name is not UTF-8 so that bash runs it on
    /// that file: `$'in/a\xFF.jsonl'` (it had been `'in/a�.jsonl'`, no file's name).
    #[test]
    fn the_calls_command_names_a_file_that_is_not_utf8_by_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let inputs = [
            std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"in/a\xff 'b\\.jsonl")),
            std::path::PathBuf::from("in/ok.jsonl"),
        ];
        let n = next_steps(
            (8572, None),
            (&inputs, &Default::default(), Numbers::Masked),
            &Window::default(),
            &[],
            None,
        );
        assert_eq!(
            n.calls,
            r"acs-triage triage 8572 $'in/a\xFF \'b\\.jsonl' in/ok.jsonl --no-config --calls --format csv > calls-8572.csv"
        );
        assert_eq!(n.unwritten, None);
    }

    /// The `--calls` command names an input whose name starts with `-` (given after `--`) as
    /// `./-rf.json`, which no shell or parser reads as a flag: pasted, `-rf.json` had failed
    /// (exit 2), and an input named `--no-builtin-catalogue` had been that flag (rev66a F4).
    /// `-`, standard input, stays as it is.
    #[test]
    fn the_calls_command_names_an_input_that_starts_with_a_dash_as_no_flag() {
        use std::os::unix::ffi::OsStrExt;
        let inputs = [
            std::path::PathBuf::from("-rf.json"),
            std::path::PathBuf::from("--no-builtin-catalogue"),
            std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"-\xff.json")),
            std::path::PathBuf::from("-"),
            std::path::PathBuf::from("in/-x.json"),
        ];
        let n = next_steps(
            (8522, None),
            (&inputs, &Default::default(), Numbers::Masked),
            &Window::default(),
            &[],
            None,
        );
        assert_eq!(
            n.calls,
            r"acs-triage triage 8522 ./-rf.json ./--no-builtin-catalogue $'./-\xFF.json' - in/-x.json --no-config --calls --format csv > calls-8522.csv"
        );
    }

    /// The kql commands of the next steps keep the window's end and the resources, as the
    /// `--calls` command does, and read no config file (a config file where they were run had
    /// added its resource and until); their --since is the four weeks'.
    #[test]
    fn the_kql_next_steps_keep_the_window_s_end_and_resources() {
        let window = Window {
            since: Some(DateTime::from_timestamp(0, 0).unwrap()),
            until: Some(DateTime::from_timestamp(86_400, 0).unwrap()),
        };
        let res = [glob::Pattern::new("acs-prod").unwrap()];
        let n = next_steps(
            (8572, None),
            (&[], &Default::default(), Numbers::Masked),
            &window,
            &res,
            Some(0),
        );
        assert_eq!(
            n.kql,
            [
                "acs-triage kql triage --subcode 8572 --since 1969-12-05 --until 1970-01-02T00:00:00Z --resource acs-prod --no-config --bucket day",
                "acs-triage kql triage-calls --subcode 8572 --since 1969-12-05 --until 1970-01-02T00:00:00Z --resource acs-prod --no-config"
            ]
        );
    }

    /// Without INPUT, the keys of the spike verdict (the history's) are the keys whose
    /// mitigation the page gives, so that one without a documented mitigation has its
    /// support-ticket step (rev65a F4: `no_documented_mitigation` was empty beside a SPIKE).
    #[test]
    fn without_input_the_verdict_s_keys_have_their_mitigation() {
        use crate::report::fixture;
        let cat = fixture::catalogue();
        let mut agg = crate::aggregate::Aggregator::new(Window::default(), 86_400);
        fixture::feed(&mut agg);
        let history = History::from_aggregator(&agg);
        let asked = Asked {
            day: spikes::report_day(&history, None),
            thresholds: Thresholds::default(),
            by_resource: false,
        };
        let none = crate::aggregate::Aggregator::new(Window::default(), 86_400);
        let focus = Focus::new(99_999, None, none);
        let t = build(focus, &cat, &history, &asked);
        assert!(t.totals.is_empty());
        assert_eq!(t.verdicts.len(), 1, "{:?}", t.verdicts);
        assert_eq!(
            t.mitigations,
            [((418, Some(99_999)), NO_MITIGATION.to_string())]
        );
    }

    /// Without INPUT, the calls command is written with `INPUT` and a line says what to put in
    /// its place; without --until, the kql commands end on the day after the last day known,
    /// so that they cover the 28 days they are said to whenever run (rev65a F4: `INPUT` with
    /// no line, and a query open to the day it was run).
    #[test]
    fn next_steps_without_input_or_until_say_what_to_write_and_end_the_28_days() {
        let day = 20_000;
        let n = next_steps(
            (8572, None),
            (&[], &Default::default(), Numbers::Masked),
            &Window::default(),
            &[],
            Some(day),
        );
        assert_eq!(
            n.calls,
            "acs-triage triage 8572 INPUT --no-config --calls --format csv > calls-8572.csv"
        );
        let note = n.unwritten.unwrap();
        assert!(
            note.starts_with("INPUT in the command stands in for the exports to read, which this run was not given"),
            "{note}"
        );
        let (since, until) = (
            crate::time::day_text(day - 27),
            crate::time::day_text(day + 1),
        );
        assert_eq!(
            n.kql,
            [
                format!("acs-triage kql triage --subcode 8572 --since {since} --until {until} --no-config --bucket day"),
                format!("acs-triage kql triage-calls --subcode 8572 --since {since} --until {until} --no-config"),
            ]
        );
        // An input's name that cannot be shown is said as before, after the missing input.
        let res = [glob::Pattern::new("acs-\u{1b}*").unwrap()];
        let n = next_steps(
            (8572, None),
            (&[], &Default::default(), Numbers::Masked),
            &Window::default(),
            &res,
            None,
        );
        let note = n.unwritten.unwrap();
        assert!(
            note.contains("; GLOB in the commands stands in for"),
            "{note}"
        );
        assert!(n.kql.iter().all(|k| !k.contains("--until")), "{:?}", n.kql);
    }

    /// The --calls command reads the run's records as the run read them (rev63b F4): how, the
    /// window to the nanosecond, no config file; a name that cannot be shown is a placeholder,
    /// said so (F3: an ESC reached the terminal, a newline broke the code span); one that can is
    /// quoted for the shell. It shows phone numbers as the run did (`--full-numbers` had been
    /// left out, so the ticket's targets were masked where the page's were whole).
    #[test]
    fn the_calls_command_reads_the_runs_records_and_shows_no_raw_name() {
        use crate::config::{InputFormat, Reading};
        use crate::time::{DateOrder, LocalZone};
        let window = Window {
            since: Some(DateTime::from_timestamp(0, 500_000).unwrap()),
            until: Some(DateTime::from_timestamp(86_400, 1).unwrap()),
        };
        let reading = Reading {
            input_format: Some(InputFormat::Csv),
            date_order: Some(DateOrder::Dmy),
            local_offset: Some(LocalZone::Tz(chrono_tz::Europe::Berlin)),
        };
        let inputs = [
            std::path::PathBuf::from("night\n# Forged \u{1b}]8;;x\u{7}.jsonl"),
            std::path::PathBuf::from("it's here.csv"),
            std::path::PathBuf::from("b\u{202e}.csv"),
        ];
        let res = [glob::Pattern::new("acs-\u{1b}*").unwrap()];
        let selection = (&inputs[..], &reading, Numbers::Full);
        let n = next_steps((8536, Some(500)), selection, &window, &res, None);
        assert_eq!(
            n.calls,
            "acs-triage triage 8536 --code 500 INPUT 'it'\\''s here.csv' INPUT --input-format csv --date-order dmy --local-tz Europe/Berlin --since 1970-01-01T00:00:00.000500Z --until 1970-01-02T00:00:00.000000001Z --resource GLOB --full-numbers --no-config --calls --format csv > calls-8536.csv"
        );
        assert!(
            n.kql.iter().all(|k| k.contains(" --resource GLOB")),
            "{:?}",
            n.kql
        );
        let note = n.unwritten.unwrap();
        assert!(
            note.starts_with("INPUT or GLOB in the commands stands in for"),
            "{note}"
        );
        let offset = Reading {
            local_offset: Some(LocalZone::Fixed(
                chrono::FixedOffset::west_opt(5 * 3600).unwrap(),
            )),
            ..Reading::default()
        };
        let n = next_steps(
            (8536, None),
            (&inputs[1..2], &offset, Numbers::Masked),
            &Window::default(),
            &[],
            None,
        );
        assert_eq!(
            n.calls,
            "acs-triage triage 8536 'it'\\''s here.csv' --local-offset -05:00 --no-config --calls --format csv > calls-8536.csv"
        );
        assert_eq!(n.unwritten, None);
    }

    /// The timeline runs to the bucket of the input's last record, not the subcode's: 15
    /// records in the first hour of a day whose input runs to 23:58 had drawn one bar, read as
    /// still going (rev55b); `--until` still bounds it where given.
    #[test]
    fn the_timeline_runs_to_the_input_s_last_record() {
        const H: i64 = 3600;
        let t: Timeline = [((0, (400, Some(8523))), 15)].into_iter().collect();
        let open = Window::default();
        assert_eq!(timeline_span(&t, H, &open, None), Some((0, 0)));
        assert_eq!(
            timeline_span(&t, H, &open, Some(23 * H + 58 * 60)),
            Some((0, 23 * H))
        );
        let until = Window {
            until: Some(DateTime::from_timestamp(6 * H, 0).unwrap()),
            ..Window::default()
        };
        assert_eq!(timeline_span(&t, H, &until, Some(23 * H)), Some((0, 5 * H)));
    }
}
