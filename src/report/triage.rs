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

/// The focused callback records by a text they name ([`ByText`]), as the views show it.
#[derive(Debug, Clone, Default)]
pub struct Named {
    /// (text, records), most records first, then by the text as the records give it: the
    /// first [`TOP_NAMED`].
    pub rows: Vec<(String, u64)>,
    /// The distinct texts counted, and the records of those past [`TOP_NAMED`].
    pub distinct: usize,
    pub past_top: u64,
    /// Records of texts past those a worker counts ([`crate::aggregate::MAX_NAMED`]).
    pub others: u64,
    /// Records that name none.
    pub none: u64,
}

impl Named {
    /// The rows of `by`, the texts shown as `show` gives them (two texts shown alike stay two
    /// rows).
    fn of(by: &ByText, show: impl Fn(&str) -> String) -> Named {
        let mut all: Vec<(&str, u64)> = by.counts.iter().map(|(t, n)| (&**t, *n)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        Named {
            rows: (all.iter().take(TOP_NAMED))
                .map(|(t, n)| (show(t), *n))
                .collect(),
            distinct: all.len(),
            past_top: all.iter().skip(TOP_NAMED).map(|(_, n)| n).sum(),
            others: by.others,
            none: by.none,
        }
    }

    /// The callback records counted.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum::<u64>() + self.past_top + self.others + self.none
    }

    /// The rows, and a last one of the records that name none (`none_label`), with a header.
    pub fn table(&self, header: &'static str, none_label: &str) -> Table {
        let mut t = Table::of(
            &[(header, Col::Text), ("count", Col::Number)],
            &self.rows,
            |(text, n)| row![text.as_str(), *n],
        );
        if self.none > 0 {
            t.push(row![none_label, self.none]);
        }
        t
    }

    /// `120 of 120 callback records to one target: 4:+xxxxxxx0199`: the first row's share of
    /// the records, and what the others are; `None` without a row. When no two records go to
    /// one (of two or more), no one is the lead: `6 callback records, no two to one target (6
    /// targets)`.
    pub fn lead(&self, what: &str) -> Option<String> {
        let (text, n) = self.rows.first()?;
        let total = self.total();
        let spread = *n == 1 && self.distinct > 1;
        let mut line = match spread {
            true => format!(
                "{total} callback records, no two to one {what} ({} {what}s)",
                self.distinct
            ),
            false => format!("{n} of {total} callback records to one {what}: {text}"),
        };
        let others = total - n - self.none;
        let more = self.distinct - 1;
        if !spread && (more > 0 || self.others > 0) {
            let s = if more == 1 { "" } else { "s" };
            let _ = write!(line, "; {others} to {more} other {what}{s}");
            if self.others > 0 {
                let _ = write!(
                    line,
                    " ({} of them past the {} counted)",
                    self.others,
                    crate::aggregate::MAX_NAMED
                );
            }
        }
        if self.none > 0 {
            let _ = write!(line, "; {} name none", self.none);
        }
        Some(line)
    }
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

/// Days of the stored history a triage shows: the last so many to its last day.
pub const HISTORY_DAYS: i64 = 28;

/// The focused keys' daily counts as the stored history (`--history`) holds them: since when
/// the subcode occurs, and whether it is new, beyond the input's own days.
#[derive(Debug, Clone, Default)]
pub struct HistoryDays {
    /// The resource whose days they are; `None`: all records.
    pub resource: Option<String>,
    /// The days the history holds, and its first and last.
    pub held: usize,
    pub span: Option<(i64, i64)>,
    /// The days it holds of the last [`HISTORY_DAYS`] to its last day.
    pub days: Vec<HistoryDay>,
    /// Each focused key of any day it holds, in key order: its first day in the history, and
    /// its count on each of `days`.
    pub keys: Vec<(Key, i64, Vec<u64>)>,
    /// A resource's last day stored before callback records were counted under their calls'
    /// resources ([`crate::spikes::history::DayAgg::callbacks_apart`]): up to it, its days hold
    /// none of its callback records, which a callback key's counts of 0 would hide.
    pub apart_until: Option<i64>,
}

/// A day of [`HistoryDays`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistoryDay {
    pub day: i64,
    /// Stored partial ([`crate::spikes::history::DayAgg::partial`]).
    pub partial: bool,
    /// Stored whole but short for all records: some resources' records stopped before its end
    /// and made all records low or a DROP ([`crate::spikes::history::DayAgg::short_for_all`]),
    /// so it is no baseline of the spike test over all records.
    pub short: bool,
    /// The day's records.
    pub records: u64,
}

/// The days of `history` (the stored days, of the resources the run keeps) of the subcode
/// (under `code`, when given).
pub fn history_days(history: &History, subcode: u32, code: Option<u32>) -> HistoryDays {
    let focused = |k: &Key| k.1 == Some(subcode) && code.is_none_or(|c| c == k.0);
    let span = (history.days.keys().next().copied()).zip(history.days.keys().next_back().copied());
    let from = span.map_or(0, |(_, last)| last - (HISTORY_DAYS - 1));
    let recent: Vec<&crate::spikes::history::DayAgg> =
        history.days.range(from..).map(|(_, d)| d).collect();
    let mut first: BTreeMap<Key, i64> = BTreeMap::new();
    for d in history.days.values() {
        for k in d
            .keys
            .iter()
            .filter(|(k, v)| focused(k) && v.0 > 0)
            .map(|(k, _)| k)
        {
            first.entry(*k).or_insert(d.day);
        }
    }
    let keys = (first.into_iter())
        .map(|(k, day)| {
            let counts = (recent.iter()).map(|d| d.keys.get(&k).map_or(0, |v| v.0));
            (k, day, counts.collect())
        })
        .collect();
    HistoryDays {
        resource: None,
        held: history.days.len(),
        span,
        days: (recent.iter())
            .map(|d| HistoryDay {
                day: d.day,
                partial: d.partial,
                short: d.short_for_all,
                records: d.exposure,
            })
            .collect(),
        keys,
        // Said only of a `--resource` run's days ([`History::for_resources`]).
        apart_until: (history.days.values().rev())
            .find(|d| d.callbacks_apart)
            .map(|d| d.day),
    }
}

/// [`history_days`] of each resource `history` names, as `--spikes-by resource` tests them:
/// the resource's records and keys on the days it has.
pub fn history_days_by_resource(
    history: &History,
    subcode: u32,
    code: Option<u32>,
) -> Vec<HistoryDays> {
    (history.resources().into_iter())
        .map(|name| {
            let of = history.for_resource(&name);
            let mut h = history_days(&of, subcode, code);
            h.resource = Some(name);
            h.apart_until = (of.days.values().rev())
                .find(|d| d.callbacks_apart)
                .map(|d| d.day);
            h
        })
        .collect()
}

impl HistoryDays {
    /// The days shown, a row each: the day (marked when partial, or short for all records, as
    /// `report`'s notes name such a day), its records, and each key's count.
    pub fn table(&self) -> Table {
        let mut t = Table::new(&[("day", Col::Text), ("records", Col::Number)]);
        let names = (self.keys.iter()).map(|(k, _, _)| Name::from(key_label(k.0, k.1)));
        t.columns.extend(names.map(|n| (n, Col::Number)));
        for (i, d) in self.days.iter().enumerate() {
            let apart = match self.apart_until.is_some_and(|last| d.day <= last) {
                true => " (callbacks apart)",
                false => "",
            };
            let mark = match (d.partial, d.short) {
                (true, _) => " (partial)",
                (false, true) => " (short)",
                (false, false) => "",
            };
            let day = format!("{}{mark}{apart}", crate::time::day_text(d.day));
            let mut r = row![day, d.records];
            r.extend((self.keys.iter()).map(|(_, _, counts)| counts[i].into()));
            t.push(r);
        }
        t
    }
}

/// What to run next: the calls for a support ticket, and the same subcode in Log Analytics.
#[derive(Debug, Clone, Default)]
pub struct NextSteps {
    /// `acs-triage triage SUBCODE INPUT... --calls --format csv > calls-SUBCODE.csv`.
    pub calls: String,
    /// `acs-triage kql triage ...` and `acs-triage kql triage-calls ...`.
    pub kql: Vec<String>,
    /// The `--since` of the kql commands: the first of the four weeks to the input's (or
    /// history's) last day.
    pub since: Option<i64>,
    /// What the commands write in place of a name that cannot be shown ([`shell_word`]), or
    /// of the inputs a run without INPUT did not have, when so.
    pub unwritten: Option<String>,
    /// Why there are no calls to list, said in place of `calls`: the input holds no records
    /// of the key.
    pub no_calls: Option<String>,
}

/// Days the kql commands of the next steps look back, the last day included: the four weeks
/// the spike test reads.
pub const KQL_DAYS: i64 = 28;

/// The next steps of a triage of `subcode` (`--code` `code`) run on `inputs` read as `reading`
/// says and showing phone numbers as `numbers`, with the window `window` and `--resource` globs
/// `resources`, the last day known `last_day`: the command that lists its calls for a support
/// ticket, with the same records shown the same way (every flag that decides which records are
/// read and how their times are, the window's ends to the nanosecond, `--full-numbers` where
/// the run had it, and `--no-config`, so that a config file where it is run adds nothing: the
/// run's own settings are among those written out), and the kql commands of its series and
/// calls over the last [`KQL_DAYS`] days, with the same window's end, globs and `--no-config`
/// (Log Analytics' times are UTC: the reading flags are not theirs).
pub fn next_steps(
    (subcode, code): (u32, Option<u32>),
    (inputs, reading, numbers): (&[std::path::PathBuf], &crate::config::Reading, Numbers),
    window: &Window,
    resources: &[glob::Pattern],
    last_day: Option<i64>,
) -> NextSteps {
    // A name that cannot be written (a control character, a line break, a bidirectional
    // control, bytes that are not UTF-8) is written as a placeholder, and said so.
    let mut unwritten = Vec::new();
    let mut word = |text: Option<&str>, placeholder: &'static str| match text.and_then(shell_word) {
        Some(w) => w,
        None => {
            if !unwritten.contains(&placeholder) {
                unwritten.push(placeholder);
            }
            placeholder.to_string()
        }
    };
    let code_flag = code.map_or(String::new(), |c| format!(" --code {c}"));
    let mut calls = format!("acs-triage triage {subcode}{code_flag}");
    // Without INPUT there are no calls to list from: the command reads the exports the user
    // names in its place (rev65a F4: `INPUT` had been written with no line saying so).
    let no_input = inputs.is_empty();
    match inputs {
        [] => calls.push_str(" INPUT"),
        inputs => {
            for i in inputs {
                // A name that starts with `-` (`-rf.json`, given after `--`) would be read back
                // as a flag: `./-rf.json` is the same file, and no flag (rev66a F4). `-` alone
                // is standard input, as the run read it.
                let dashed =
                    i.as_os_str().as_encoded_bytes().starts_with(b"-") && i.as_os_str() != "-";
                let guarded = dashed.then(|| std::path::Path::new(".").join(i));
                let i = guarded.as_deref().unwrap_or(i);
                calls.push(' ');
                calls.push_str(&match i.to_str() {
                    Some(s) => word(Some(s), "INPUT"),
                    None => bytes_word(i),
                });
            }
        }
    }
    use clap::ValueEnum;
    let name = |v: Option<clap::builder::PossibleValue>| v.map(|p| p.get_name().to_string());
    let read_flags = [
        (
            "--input-format",
            name(reading.input_format.and_then(|f| f.to_possible_value())),
        ),
        (
            "--date-order",
            name(reading.date_order.and_then(|d| d.to_possible_value())),
        ),
        (
            match reading.local_offset {
                Some(crate::time::LocalZone::Tz(_)) => "--local-tz",
                _ => "--local-offset",
            },
            reading.local_offset.map(|z| z.to_string()),
        ),
    ];
    for (flag, value) in read_flags {
        if let Some(v) = value {
            let _ = write!(calls, " {flag} {}", word(Some(&v), "VALUE"));
        }
    }
    let mut filters = String::new();
    for (flag, t) in [("--since", window.since), ("--until", window.until)] {
        if let Some(t) = t {
            let _ = write!(filters, " {flag} {}", exact_time(t));
        }
    }
    for r in resources {
        let _ = write!(filters, " --resource {}", word(Some(r.as_str()), "GLOB"));
    }
    let full = match numbers {
        Numbers::Full => " --full-numbers",
        Numbers::Masked => "",
    };
    let _ = write!(
        calls,
        "{filters}{full}{NO_CONFIG} --calls --format csv > calls-{subcode}.csv"
    );
    let since = last_day.map(|d| d - (KQL_DAYS - 1));
    let since_flag = since.map_or(String::new(), |d| {
        format!(" --since {}", crate::time::day_text(d))
    });
    // The kql commands keep the window's end and the resources (their own --since is the
    // four weeks'), and read no config file either (its until, resource and bucket are theirs).
    let since_len = window
        .since
        .map_or(0, |t| format!(" --since {}", exact_time(t)).len());
    let kept = &filters[since_len..];
    // Without --until, the day after the last day known ends the 28 days, so that a query
    // run weeks later covers those days and no more (rev65a F4).
    let until_flag = match (window.until, last_day) {
        (None, Some(d)) => format!(" --until {}", crate::time::day_text(d + 1)),
        _ => String::new(),
    };
    let kql = [("triage", " --bucket day"), ("triage-calls", "")]
        .map(|(report, bucket)| {
            format!(
                "acs-triage kql {report} --subcode {subcode}{code_flag}{since_flag}{until_flag}{kept}{NO_CONFIG}{bucket}"
            )
        })
        .to_vec();
    let mut notes = Vec::new();
    if no_input {
        notes.push(
            "INPUT in the command stands in for the exports to read, which this run was not given (it shows the catalogue and history only): write their names in its place".to_string(),
        );
        unwritten.retain(|&p| p != "INPUT");
    }
    if !unwritten.is_empty() {
        notes.push(format!(
            "{} in the commands stands in for a name that cannot be shown here (it holds a control character, a line break, a bidirectional control or bytes that are not UTF-8): write the name in its place",
            unwritten.join(" or ")
        ));
    }
    let unwritten = (!notes.is_empty()).then(|| notes.join("; "));
    NextSteps {
        calls,
        kql,
        since,
        unwritten,
        no_calls: None,
    }
}

/// What each next-step command ends its selection with: a config file where it is run would
/// add its own (`resource`, `since`, `until`, how times are read).
const NO_CONFIG: &str = " --no-config";

/// A time as `--since` and `--until` read it back to the nanosecond: RFC 3339 in UTC, with as
/// many digits of the second as it has (`2026-11-24T00:10:00.0005Z` is not 00:10:00.000).
fn exact_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A path whose name is not UTF-8 as one word of a shell command: bash's `$'...'` with each
/// byte that is not printable ASCII as `\xFF`, so that the command runs on that file (and shows
/// its bytes as the other outputs do, [`crate::text::path`]); nothing in it is raw.
fn bytes_word(p: &std::path::Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut word = String::from("$'");
    for &b in p.as_os_str().as_bytes() {
        match b {
            b'\\' | b'\'' => {
                word.push('\\');
                word.push(char::from(b));
            }
            b' '..=b'~' => word.push(char::from(b)),
            _ => {
                let _ = write!(word, "\\x{b:02X}");
            }
        }
    }
    word.push('\'');
    word
}

/// A word as a POSIX shell reads it back: as it is when it holds nothing the shell would
/// change, else in single quotes; `None` when it holds what cannot be shown as it is (a
/// character [`crate::text::line`] changes: a control character, a line break, a
/// bidirectional control), which no quoting makes both inert and the same word.
fn shell_word(s: &str) -> Option<String> {
    if crate::text::line(s) != s {
        return None;
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    Some(match !s.is_empty() && s.chars().all(plain) {
        true => s.to_string(),
        false => format!("'{}'", s.replace('\'', "'\\''")),
    })
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

/// Rows of the timeline filled with its empty buckets, at most: past them (a window of
/// centuries), the timeline lists only the buckets that hold records. The JSON's rows, a row
/// per bucket and key, are held to it too: past it, those with records only (a record
/// dated 2000 beside today's, of 300 codes, would make 3 million rows of zeros).
pub const MAX_TIMELINE_ROWS: i64 = 10_000;

/// Keys the Markdown timeline shows one by one, most records first: the others are summed in
/// one column and one sparkline (a column per key of 20,000 codes in one log would write a
/// table 20,000 columns wide).
pub const TIMELINE_KEYS: usize = 10;

/// The first and last bucket a timeline of `bucket_secs` buckets runs through, empty ones
/// too: from `--since` (else the start of its first bucket's UTC day, so that an incident's
/// start is read against the quiet hours before it) to `--until`'s last bucket (else the
/// bucket of the input's last record, `input_last`, so that a subcode that stopped hours
/// before the input ends is not read as still going). `None` when it is empty, or would take
/// more than [`MAX_TIMELINE_ROWS`] rows.
pub fn timeline_span(
    timeline: &Timeline,
    bucket_secs: i64,
    window: &Window,
    input_last: Option<i64>,
) -> Option<(i64, i64)> {
    let (first, last) = (timeline.keys().next()?.0, timeline.keys().next_back()?.0);
    if bucket_secs <= 0 {
        return None;
    }
    let floor = |t: i64| t - t.rem_euclid(bucket_secs);
    let start = match window.since {
        Some(s) => floor(s.timestamp()),
        None => floor(first - first.rem_euclid(DAY)),
    };
    // --until is the first instant left out.
    let end = (window.until)
        .map(|u| floor(u.timestamp() - i64::from(u.timestamp_subsec_nanos() == 0)))
        .or(input_last.map(floor));
    let (start, end) = (start.min(first), end.unwrap_or(last).max(last));
    let rows = (end - start) / bucket_secs + 1;
    (rows <= MAX_TIMELINE_ROWS).then_some((start, end))
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

/// What the Markdown timeline calls the keys it sums: `12 more keys`.
pub fn more_keys_label(n: usize) -> String {
    format!("{n} more key{}", if n == 1 { "" } else { "s" })
}

/// A time as its tables write it: RFC 3339, or empty.
fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(rfc3339).unwrap_or_default()
}

/// The triage's tables, as its Markdown shows them (and `--calls`, CSV and JSON the calls).
impl Triage {
    /// The focused keys, most records first, with what the catalogue says of each.
    pub fn totals_table(&self) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("code/subcode", Col::Text),
            ("category", Col::Text),
            ("outcome", Col::Text),
            ("match", Col::Text),
            ("description", Col::Catalogue),
            ("count", Col::Number),
            ("calls", Col::Number),
            ("first_seen", Col::Text),
            ("last_seen", Col::Text),
        ];
        Table::of(COLUMNS, &self.totals, |k| {
            row![
                key_label(k.key.0, k.key.1),
                k.category.as_str(),
                k.outcome.as_str(),
                k.matched.as_str(),
                k.description.as_str(),
                k.count,
                k.calls,
                time(k.first),
                time(k.last),
            ]
        })
    }

    /// The buckets the timeline's views run through: each of the span, empty ones too
    /// (without one, each that holds records).
    fn timeline_buckets(&self) -> Vec<i64> {
        let mut buckets: Vec<i64> = match self.timeline_span {
            Some((a, b)) => (a..=b).step_by(self.bucket_secs as usize).collect(),
            None => self.timeline.keys().map(|(b, _)| *b).collect(),
        };
        buckets.dedup();
        buckets
    }

    /// A focused key's count in a bucket, 0 where it has no records.
    fn count_in(&self, bucket: i64, key: Key) -> u64 {
        self.timeline.get(&(bucket, key)).copied().unwrap_or(0)
    }

    /// The rows of the JSON timeline, (bucket, key, count), the keys of a bucket in the
    /// totals' order: a row per bucket of [`Triage::timeline_table`] and key, zeros too, when
    /// they are at most [`MAX_TIMELINE_ROWS`]; past them, the rows with records only.
    pub fn timeline_counts(&self) -> Vec<(i64, Key, u64)> {
        let buckets = self.timeline_buckets();
        let rows = (buckets.len() as u64).saturating_mul(self.totals.len() as u64);
        if rows <= MAX_TIMELINE_ROWS as u64 {
            return (buckets.into_iter())
                .flat_map(|b| {
                    (self.totals.iter()).map(move |k| (b, k.key, self.count_in(b, k.key)))
                })
                .collect();
        }
        let rank: std::collections::HashMap<Key, usize> = (self.totals.iter().enumerate())
            .map(|(i, k)| (k.key, i))
            .collect();
        let mut rows: Vec<(i64, Key, u64)> = (self.timeline.iter())
            .map(|(&(b, k), &n)| (b, k, n))
            .collect();
        rows.sort_by_key(|&(b, k, _)| (b, rank.get(&k).copied().unwrap_or(usize::MAX)));
        rows
    }

    /// The focused keys' counts by bucket, a column per key of [`Triage::timeline_keys`] and
    /// one `N more keys` of the others' sum: a row per bucket of the span, empty ones too
    /// (without one, per bucket that holds any).
    pub fn timeline_table(&self) -> Table {
        let mut t = Table::new(&[("bucket", Col::Text)]);
        let shown = self.timeline_keys();
        let names = (shown.iter()).map(|k| Name::from(key_label(k.key.0, k.key.1)));
        t.columns.extend(names.map(|n| (n, Col::Number)));
        let (more, _) = self.more_keys_total();
        // The others' records by bucket, in one pass over the timeline.
        let mut others: BTreeMap<i64, u64> = BTreeMap::new();
        if more > 0 {
            t.columns
                .push((Name::from(more_keys_label(more)), Col::Number));
            let more = self.more_keys();
            for (&(b, k), &n) in &self.timeline {
                if more.contains(&k) {
                    *others.entry(b).or_default() += n;
                }
            }
        }
        for b in self.timeline_buckets() {
            let mut r = row![bucket_start(b)];
            r.extend((shown.iter()).map(|k| self.count_in(b, k.key).into()));
            if more > 0 {
                r.push(others.get(&b).copied().unwrap_or(0).into());
            }
            t.push(r);
        }
        t
    }

    /// What the SBC or carrier said about the focused records.
    pub fn diagnostics_table(&self) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("code/subcode", Col::Text),
            ("SIP code", Col::Number),
            ("SIP message", Col::Text),
            ("Q.850 cause", Col::Number),
            ("Q.850 message", Col::Text),
            ("count", Col::Number),
            ("calls", Col::Number),
        ];
        Table::of(COLUMNS, &self.diagnostics, |d| {
            let mut r = row![key_label(d.key.0, d.key.1)];
            r.extend(super::tables::diagnostic_cells(d));
            r
        })
    }

    /// The focused records split by resource, by SDK, by operation and by prompt kind.
    pub fn split_tables(&self) -> [Table; 4] {
        let count = ("count", Col::Number);
        // The column of records counted under their call's resource, when any are.
        let resources = match self.resources_inferred.0 {
            0 => Table::of(
                &[("resource", Col::Text), count, ("calls", Col::Number)],
                &self.resources,
                |(r, n, calls, _)| row![r.as_str(), *n, *calls],
            ),
            _ => Table::of(
                &[
                    ("resource", Col::Text),
                    count,
                    ("calls", Col::Number),
                    ("inferred", Col::Number),
                ],
                &self.resources,
                |(r, n, calls, inferred)| row![r.as_str(), *n, *calls, *inferred],
            ),
        };
        let sdks = Table::of(
            &[("SDK", Col::Text), ("version", Col::Text), count],
            &self.sdks,
            |(ty, v, n)| row![ty.as_str(), v.as_str(), *n],
        );
        let operations = Table::of(
            &[
                ("operation", Col::Text),
                ("kind", Col::Text),
                ("code/subcode", Col::Text),
                count,
            ],
            &self.operations,
            |(op, kind, k, n)| row![op.as_str(), kind.as_str(), key_label(k.0, k.1), *n],
        );
        let prompts = Table::of(&[("prompt", Col::Text), count], &self.prompts, |(p, n)| {
            row![p.as_str(), *n]
        });
        [resources, sdks, operations, prompts]
    }

    /// The first [`TOP_CALLS`] affected calls.
    pub fn top_calls_table(&self) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("CorrelationId", Col::Text),
            ("CallConnectionId", Col::Text),
            ("count", Col::Number),
            ("first", Col::Text),
            ("last", Col::Text),
        ];
        Table::of(COLUMNS, self.calls.iter().take(TOP_CALLS), |c| {
            row![
                c.correlation_id(),
                c.call_connection_id.as_str(),
                c.count,
                time(c.first),
                time(c.last),
            ]
        })
    }

    /// The first [`TOP_MESSAGES`] messages, most records first.
    pub fn messages_table(&self) -> Table {
        let columns = [("message", Col::Text), ("count", Col::Number)];
        Table::of(
            &columns,
            self.messages.iter().take(TOP_MESSAGES),
            |(m, n)| row![if m.is_empty() { "(none)" } else { m.as_str() }, *n],
        )
    }

    /// The affected calls, one row each, most records first, then the latest: what a support
    /// ticket asks for (`limit`: the first so many). In parts of [`CALL_ROWS`] rows, made as
    /// they are asked for, so that the rows of every call are never held at once (their
    /// cells and texts take several times what the calls do). At least one part, empty when
    /// no call is listed.
    pub fn calls_tables(&self, limit: Option<usize>) -> impl Iterator<Item = Table> + '_ {
        let n = self.calls.listed().min(limit.unwrap_or(usize::MAX));
        let parts = n.div_ceil(CALL_ROWS).max(1);
        (0..parts).map(move |p| {
            let from = p * CALL_ROWS;
            self.calls_part(self.calls.rows(from, n.min(from + CALL_ROWS)))
        })
    }

    /// The table of the calls' rows `calls`.
    fn calls_part(&self, calls: impl Iterator<Item = CallRow>) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("correlation_id", Col::Text),
            ("call_connection_id", Col::Text),
            ("server_call_id", Col::Text),
            ("first_seen", Col::Text),
            ("last_seen", Col::Text),
            ("count", Col::Number),
            ("codes", Col::List),
            ("sip_code", Col::List),
            ("q850_code", Col::List),
            ("target", Col::Text),
            ("messages", Col::Text),
        ];
        let join = |codes: &[u32]| {
            let texts: Vec<String> = codes.iter().map(u32::to_string).collect();
            texts.join(" ")
        };
        Table::of(COLUMNS, calls, |c| {
            let codes: Vec<String> = c.codes.iter().map(|k| key_label(k.0, k.1)).collect();
            row![
                c.correlation_id(),
                c.call_connection_id.as_str(),
                c.server_call_id.as_str(),
                time(c.first),
                time(c.last),
                c.count,
                codes.join(" "),
                join(&c.sip_codes),
                join(&c.q850_codes),
                c.target.as_str(),
                c.messages.join(" | "),
            ]
        })
    }
}

/// Rows of the calls' table made at a time ([`Triage::calls_tables`]).
pub const CALL_ROWS: usize = 1024;

fn catalogue_entries(
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
fn mitigations(
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

/// The resources of the focused keys: name, records, calls, and of those records the
/// callback records, which name none, counted under the resource their call's other records
/// name (`inferred`); the records that stay of none (`unknown` of them are of neither a
/// resource nor a call's) last, as `(not named)`.
fn focus_resources(
    focus: &Focus,
    inferred: &foldhash::HashMap<String, Inferred>,
    unknown: u64,
) -> Vec<(String, u64, u64, u64)> {
    let wanted = |(code, sub): Key| focus.matches(code, sub);
    let mut rows: Vec<(String, u64, u64, u64)> =
        (super::resource_groups(&focus.all, wanted, |_: &mut (), _, _| {}).into_iter())
            .map(|g| (g.name, g.count, g.calls, 0))
            .collect();
    // An input none of whose records names a resource has no split by resource. One whose
    // only record that names one is skipped (an IncomingCall's `topic`) has the split of the
    // callback records joined to it.
    let named = !inferred.is_empty() || (focus.all.by_resource.keys()).any(|(r, _)| *r != 0);
    if !named || inferred.is_empty() && (unknown == 0 || !rows.is_empty()) {
        return rows;
    }
    // No record names a resource: the groups are none, and every record is of none (a
    // callback subcode), which the split says rather than leave out.
    if rows.is_empty() {
        let (mut count, mut calls) = (0, crate::aggregate::Calls::default());
        for (_, s) in (focus.all.by_resource.iter()).filter(|((r, k), _)| *r == 0 && wanted(*k)) {
            count += s.count;
            calls |= &s.calls;
        }
        rows.push((NOT_NAMED.to_string(), count, calls.len(), 0));
    }
    let mut unnamed = match rows.last() {
        Some(r) if r.0 == NOT_NAMED => rows.pop(),
        _ => None,
    };
    for (name, &(records, _, whole, left)) in inferred {
        match rows.iter_mut().find(|r| r.0 == *name) {
            // A call some of whose records name it is already among its calls.
            Some(r) => *r = (r.0.clone(), r.1 + records, r.2 + whole, r.3 + records),
            None => rows.push((name.clone(), records, whole, records)),
        }
        // A call some of whose records stay of none stays among those calls too.
        if let Some(u) = unnamed.as_mut() {
            *u = (
                u.0.clone(),
                u.1.saturating_sub(records),
                u.2.saturating_sub(left),
                0,
            );
        }
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.extend(unnamed.filter(|u| u.1 > 0));
    rows
}

/// The focused records by the SDK that made their call (`SdkType` and `SdkVersion` of any
/// record of the call: the operations log names them, a media summary record does not; a
/// record that names no call, by its own), most
/// records first; past [`MAX_SDK_ROWS`] rows, the rest in one `(other)` row; the records of
/// calls that name none last, as `(not named)`, when some do.
fn sdks_of_calls(
    calls: (foldhash::HashMap<String, u64>, u64),
    no_call: &foldhash::HashMap<Box<str>, u64>,
) -> Vec<(String, String, u64)> {
    let (mut by, unnamed) = calls;
    // Records that name no call, by their own SDK.
    for (sdk, &n) in no_call.iter().filter(|(s, _)| !s.is_empty()) {
        match by.get_mut(&**sdk) {
            Some(c) => *c += n,
            None => {
                by.insert(sdk.to_string(), n);
            }
        }
    }
    let mut rows: Vec<(String, String, u64)> = (by.into_iter())
        .map(|(sdk, n)| {
            let (ty, v) = sdk.split_once('\t').unwrap_or((&sdk, ""));
            (ty.to_string(), v.to_string(), n)
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    if rows.len() > MAX_SDK_ROWS {
        let other: u64 = rows.drain(MAX_SDK_ROWS - 1..).map(|r| r.2).sum();
        rows.push(("(other)".into(), "(other)".into(), other));
    }
    // Beside the calls that name one, those that do not: the split adds up to the calls'.
    let unnamed = unnamed + no_call.get("").copied().unwrap_or(0);
    if !rows.is_empty() && unnamed > 0 {
        rows.push((NOT_NAMED.into(), String::new(), unnamed));
    }
    rows
}

/// Rows of the split by SDK (real tenants have a handful).
pub const MAX_SDK_ROWS: usize = 100;

/// The focused keys' totals joined with the catalogue, most records first.
fn key_totals(focus: &Focus, cat: &Catalogue) -> Vec<KeyTotal> {
    let agg = &focus.all;
    let mut totals: Vec<KeyTotal> = agg
        .by_key
        .iter()
        .filter(|(k, _)| focus.matches(k.0, k.1))
        .map(|(&key, s)| {
            let r = cat.lookup(key.0, key.1);
            KeyTotal {
                key,
                category: r.category,
                outcome: cat.outcome(key.0, key.1),
                outcome_reason: (cat.outcomes.reason(key.0, key.1).unwrap_or_default()).to_string(),
                matched: r.matched,
                description: r.description.to_string(),
                mitigation: r.mitigation.unwrap_or_default().to_string(),
                count: s.count,
                calls: s.calls.len(),
                first: s.first,
                last: s.last,
            }
        })
        .collect();
    totals.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    totals
}

/// With `--code`, the other codes of the focused subcode's records and their counts: every
/// accepted record is counted by key, those `--code` leaves out too.
fn other_codes(focus: &Focus) -> Vec<(u32, u64)> {
    let Some(code) = focus.code else {
        return Vec::new();
    };
    let mut out: Vec<(u32, u64)> = (focus.all.by_key.iter())
        .filter(|(k, s)| k.1 == Some(focus.subcode) && k.0 != code && s.count > 0)
        .map(|(k, s)| (k.0, s.count))
        .collect();
    out.sort_unstable();
    out
}

/// The keys whose code is the focused subcode's number, most records first.
fn as_code(focus: &Focus) -> Vec<(Key, u64)> {
    let mut out: Vec<(Key, u64)> = (focus.all.by_key.iter())
        .filter(|(k, s)| k.0 == focus.subcode && s.count > 0)
        .map(|(k, s)| (*k, s.count))
        .collect();
    out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The focused records by operation (all prompt kinds together), most records first.
fn operation_rows(focus: &Focus) -> Vec<(String, Kind, Key, u64)> {
    let mut by_op: BTreeMap<(String, Kind, Key), u64> = BTreeMap::new();
    for (k, s) in focus
        .all
        .operations()
        .filter(|(k, _)| focus.matches(k.2, k.3))
    {
        *by_op.entry((k.0.to_string(), k.1, (k.2, k.3))).or_default() += s.count;
    }
    let mut operations: Vec<(String, Kind, Key, u64)> = by_op
        .into_iter()
        .map(|((op, kind, key), n)| (op, kind, key, n))
        .collect();
    operations.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.cmp(b)));
    operations
}

/// The focused records by prompt kind, most records first, and those of no prompt kind last
/// as [`NO_PROMPT`] (the rows add up to the records), when some have one.
fn prompt_rows(focus: &Focus) -> Vec<(String, u64)> {
    let mut by_prompt: BTreeMap<&str, u64> = BTreeMap::new();
    for (k, s) in focus
        .all
        .operations()
        .filter(|(k, _)| focus.matches(k.2, k.3))
    {
        *by_prompt.entry(k.4).or_default() += s.count;
    }
    let none = by_prompt.remove("");
    if by_prompt.is_empty() {
        return Vec::new();
    }
    let mut prompts: Vec<(String, u64)> = (by_prompt.into_iter())
        .map(|(p, n)| (p.to_string(), n))
        .collect();
    prompts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    prompts.extend(none.map(|n| (NO_PROMPT.to_string(), n)));
    prompts
}

/// The row of the records of no prompt kind (not a play or a recognize).
pub const NO_PROMPT: &str = "(no prompt)";

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

/// The spike verdicts of the day, each with its explanation, or a note of why there are none.
/// The verdict covers the focused keys seen on the day, or the one key asked for: over all
/// records, or, by resource, in each resource that has them, with the numbers `report`'s
/// spikes.csv gives that resource's key.
fn verdicts(
    focus: &Focus,
    history: &History,
    asked: &Asked,
    numbers: Numbers,
) -> (Vec<(Verdict, String)>, Option<String>) {
    let th = asked.thresholds;
    let names = match asked.by_resource {
        true => history.resources(),
        false => Vec::new(),
    };
    let mut verdicts: Vec<(Verdict, String)> = match (asked.day, names.is_empty()) {
        (None, _) => Vec::new(),
        (Some(day), true) => tested(focus, history, day, th, None, numbers),
        (Some(day), false) => (names.iter())
            .flat_map(|name| {
                let h = history.for_resource(name);
                tested(focus, &h, day, th, Some(name), numbers)
            })
            .collect(),
    };
    // Each key's flagged resources first, most significant first, as spikes.csv orders them.
    verdicts.sort_by(|(a, _), (b, _)| {
        (a.key.cmp(&b.key))
            .then(b.status.flagged().cmp(&a.status.flagged()))
            .then(a.p_value.total_cmp(&b.p_value))
            .then(a.resource.cmp(&b.resource))
    });
    let title = match focus.code {
        Some(c) => format!("{c}/{}", focus.subcode),
        None => format!("subcode {}", focus.subcode),
    };
    let verdict_note = match (asked.day, verdicts.is_empty()) {
        (None, _) => Some(
            "No spike verdict: no complete UTC day in the input or history (pass --day)"
                .to_string(),
        ),
        (Some(d), true) => Some(format!(
            "No spike verdict: no records of {title} on {}",
            crate::time::day_text(d)
        )),
        // Said beside a verdict that was tested: "not tested" is not read as the page's answer.
        (Some(d), false) => (verdicts.iter())
            .any(|(v, _)| v.status != spikes::Status::InsufficientHistory)
            .then(|| scope_note(history, d, asked.by_resource, names.is_empty()))
            .flatten(),
    };
    (verdicts, verdict_note)
}

/// The verdicts of the focused keys of `day` in `history` (a resource's, named `resource`):
/// those the day holds, or the one key asked for when it holds none. A resource's keys are
/// those it has on the day, as `report` tests them. A key flagged over all records names the
/// target more than half of its records of the day went to, as `report`'s spike line does
/// (`; 480 of 500 records to 4:+xxxxxxx0100`), counted as `report` counts it and shown as
/// `numbers` says.
fn tested(
    focus: &Focus,
    history: &History,
    day: i64,
    th: Thresholds,
    resource: Option<&String>,
    numbers: Numbers,
) -> Vec<(Verdict, String)> {
    let mut keys: Vec<Key> = (history.days.get(&day).into_iter())
        .flat_map(|d| d.keys.keys().filter(|k| focus.matches(k.0, k.1)).copied())
        .collect();
    keys.sort();
    if let (true, None, Some(c)) = (keys.is_empty(), resource, focus.code) {
        keys.push((c, Some(focus.subcode)));
    }
    let mut tester = spikes::Tester::new(history, th);
    (keys.into_iter())
        .map(|k| {
            let mut v = tester.verdict(day, k);
            v.resource = resource.cloned();
            if resource.is_none() && v.status.flagged() {
                v.target = spikes::night_target(&focus.all, v.day, v.key);
            }
            let why = spikes::explain(&v, history, &th);
            match super::target_said_as(&v, |t| numbers.show(t)) {
                Some(target) => (v, format!("{why}; {target}")),
                None => (v, why),
            }
        })
        .collect()
}

/// Which records a verdict of `day` is over, when that is not plain: all resources together
/// where the day's records name more than one (the page may be of one, `--spikes-by
/// resource`), or all records where a test by resource found no record that names one.
fn scope_note(history: &History, day: i64, by_resource: bool, none: bool) -> Option<String> {
    if by_resource && none {
        return Some(
            "No spike test by resource: no record names its resource; tested over all records."
                .to_string(),
        );
    }
    let names: Vec<&String> = (history.days.get(&day).into_iter())
        .flat_map(|d| d.resources.keys())
        .collect();
    (!by_resource && names.len() > 1).then(|| {
        let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
        format!(
            "The verdict is over all records together, those of the {} resources {} among them; --spikes-by resource tests each resource against its own history, as report --spikes-by resource does.",
            names.len(),
            names.join(", ")
        )
    })
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
