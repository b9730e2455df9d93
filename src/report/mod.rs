//! The finished report: the aggregates joined with the catalogue, kept typed. Every table a
//! format writes is a projection of it ([`tables`]), so each fact lives in one place.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::aggregate::{Aggregator, Key, KeyStats, OpStats, Timeline, Window};
use crate::catalogue::{key_label, Catalogue, Category, Match, Outcome, NO_MITIGATION};
use crate::config::{FailOnSpike, MaxBad};
use crate::exit_codes::Exit;
use crate::ingest::{FileReport, Reject};
use crate::record::{Kind, Reason, SkipReason};
use crate::spikes::volume::VolumeVerdict;
use crate::spikes::{p_text, SpikeReport, Verdict};
use crate::time::day_text;

mod quality;
mod silent;
pub mod table;
pub mod tables;
pub mod triage;

#[cfg(test)]
pub(crate) mod fixture;

// The tests of ingest name it `crate::report::rfc3339`.
#[cfg(test)]
pub(crate) use crate::time::rfc3339;

/// Examples kept per reject reason for the data-quality section.
const REJECT_EXAMPLES: usize = 3;

/// A share from 0 to 1, rounded to 4 decimals, a half up: in integers, so that every tie
/// goes one way (in doubles, 3 of 20,000 gave 0.0001 and 5 of 20,000 0.0003, as the
/// product's last bit fell).
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        let (part, whole) = (u128::from(part), u128::from(whole));
        ((part * 20_000 + whole) / (2 * whole)) as f64 / 10_000.0
    }
}

/// One (code, subcode) key of the report.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub code: u32,
    pub subcode: Option<u32>,
    pub category: Category,
    pub outcome: Outcome,
    pub matched: Match,
    /// The catalogue page or file that gave the description.
    pub source: Text,
    /// The callback events that carry an exact pair, `CreateCallFailed / AnswerFailed`.
    pub callback_event: Text,
    /// Catalogue text: lines separated by `\n` (see [`crate::catalogue::one_line`]).
    pub description: Text,
    pub mitigation: Text,
    pub count: u64,
    pub calls: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// Most frequent ResultMessages (untrusted log text), their phone numbers masked
    /// ([`crate::text::mask_numbers`]).
    pub messages: Vec<(String, u64)>,
    /// Records whose ResultMessage was not kept: the key has more distinct ones than
    /// [`crate::aggregate::MESSAGES_PER_KEY`], so those shown are the most frequent of a
    /// sample.
    pub other_messages: u64,
}

/// Text in a row of the report, from the catalogue or an operation's name: each distinct text
/// once, shared by the rows that show it ([`Texts`]), so that keys by the hundred thousand of
/// one generic code, or of one operation, do not each copy it.
pub type Text = std::sync::Arc<str>;

/// The texts met so far, each held once.
#[derive(Default)]
struct Texts<'a>(HashMap<&'a str, Text>);

impl<'a> Texts<'a> {
    fn get(&mut self, s: &'a str) -> Text {
        self.0.entry(s).or_insert_with(|| Text::from(s)).clone()
    }
}

impl CodeRow {
    pub fn label(&self) -> String {
        key_label(self.code, self.subcode)
    }
}

/// One outcome class: all three are always there, in order.
#[derive(Debug, Clone)]
pub struct OutcomeRow {
    pub outcome: Outcome,
    pub count: u64,
    pub calls: u64,
}

/// One ACS resource: its records, failures and what needs action.
#[derive(Debug, Clone)]
pub struct ResourceRow {
    /// The resource's name: the last segment of its id, in lower case.
    pub resource: String,
    pub count: u64,
    /// Records of a code other than success.
    pub failures: u64,
    /// Failure-class records.
    pub needs_action: u64,
    pub calls: u64,
    /// The failure-class key with the most records, and its records.
    pub top_failure: Option<(Key, u64)>,
    /// Of `count`, the callback records that name no resource, counted under the resource
    /// their call's other records name (the same CorrelationId).
    pub inferred: u64,
    /// The failure-class records of the resource over its records on the same weekday of the
    /// previous weeks ([`crate::spikes::resource_baselines`]); none without such days, or
    /// records on them.
    pub usual_needs_action_rate: Option<f64>,
}

/// One SDK type and version of the operations log.
#[derive(Debug, Clone)]
pub struct SdkRow {
    pub sdk_type: String,
    pub sdk_version: String,
    pub count: u64,
    pub failures: u64,
    pub needs_action: u64,
}

/// One category: all five are always there, in order.
#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub category: Category,
    pub count: u64,
    pub calls: u64,
}

/// Failures that share a documented mitigation (or have none).
#[derive(Debug, Clone)]
pub struct MitigationRow {
    /// The outcome class of its keys, in the rows split by class; none in by_mitigation.csv's,
    /// whose rows hold the keys of both.
    pub outcome: Option<Outcome>,
    /// Catalogue text, or [`NO_MITIGATION`].
    pub mitigation: String,
    pub count: u64,
    pub calls: u64,
    /// The keys, most frequent first.
    pub keys: Vec<Key>,
}

/// One operation of one log kind with one key.
#[derive(Debug, Clone)]
pub struct OperationRow {
    /// Shared by the rows of the operation ([`Texts`]).
    pub operation: Text,
    pub kind: Kind,
    pub key: Key,
    /// The prompt or source kind (`TextSource`); empty when the records carry none.
    pub prompt: Text,
    pub outcome: Outcome,
    pub count: u64,
    pub calls: u64,
}

/// What the SBC or carrier said about one key.
#[derive(Debug, Clone)]
pub struct DiagnosticRow {
    pub key: Key,
    pub sip_code: Option<u32>,
    pub sip_message: String,
    pub q850_code: Option<u32>,
    pub q850_message: String,
    pub count: u64,
    pub calls: u64,
}

/// A flagged key with the catalogue's words for it.
#[derive(Debug, Clone)]
pub struct SpikeRow {
    pub verdict: Verdict,
    pub category: Category,
    pub outcome: Outcome,
    pub description: String,
    pub mitigation: String,
}

impl SpikeRow {
    /// Whether this spike makes the run exit 4 under `fail_on_spike`: a failure-class key's
    /// under `--fail-on-spike`, any under `all`.
    pub fn pages(&self, fail_on_spike: FailOnSpike) -> bool {
        match fail_on_spike {
            FailOnSpike::Off => false,
            FailOnSpike::Failure => self.outcome == Outcome::Failure,
            FailOnSpike::All => true,
        }
    }
}

/// Rejects of one reason, with the first few examples.
#[derive(Debug, Clone)]
pub struct RejectGroup {
    pub reason: Reason,
    pub count: u64,
    pub examples: Vec<Reject>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub window: Window,
    /// The `--resource` patterns; records of other resources count as outside.
    pub resource_filter: Vec<String>,
    /// First and last time of the accepted records.
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub bucket_secs: i64,
    pub inputs: Vec<FileReport>,
    /// The inputs as the run was given them (a directory as such, not its files): what a
    /// command the report suggests reads.
    pub named_inputs: Vec<std::path::PathBuf>,
    /// How the run read its inputs' records: what such a command says again.
    pub reading: crate::config::Reading,
    pub warnings: Vec<String>,
    /// The catalogues used, one line each with their pair counts.
    pub catalogue: Vec<String>,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub outside: u64,
    /// Records of a code that is not a success (caller and failure outcomes).
    pub failures: u64,
    /// Records of a failure-class outcome: what needs action.
    pub needs_action: u64,
    pub rejects_truncated: bool,
    /// Keys, most frequent first (then code, then subcode).
    pub codes: Vec<CodeRow>,
    pub categories: Vec<CategoryRow>,
    pub outcomes: Vec<OutcomeRow>,
    /// Resources, most records first; empty when no record names one.
    pub resources: Vec<ResourceRow>,
    /// The callback records that name no resource: those counted under their call's resource
    /// (`inferred` of [`ResourceRow`]), and those that stay [`NOT_NAMED`].
    pub callbacks_of_no_resource: (u64, u64),
    /// SDK types and versions, most records first; empty when no record names one.
    pub sdks: Vec<SdkRow>,
    /// Most failures first (then the mitigation's text).
    pub mitigations: Vec<MitigationRow>,
    /// The same split by outcome class: the failure class first, then the callers'; in each,
    /// most records first (then the mitigation's text).
    pub mitigations_by_class: Vec<MitigationRow>,
    /// Most frequent first (then the operation, kind and key).
    pub operations: Vec<OperationRow>,
    /// (bucket start, key) → count, non-zero buckets only.
    pub timeline: Timeline,
    /// The rejects kept for rejects.csv, by file and line.
    pub rejects: Vec<Reject>,
    pub reject_groups: Vec<RejectGroup>,
    /// Skipped records by reason (no outcome by design), every reason with a count.
    pub skip_counts: Vec<(SkipReason, u64)>,
    /// SIP and Q.850 diagnostics, most frequent first; empty when no record carries them.
    pub diagnostics: Vec<DiagnosticRow>,
    pub spikes: SpikeReport,
    /// The volume test of the report day, every scope tested (all records first).
    pub volume: Vec<VolumeVerdict>,
    /// The flagged keys of the spike test, with their catalogue text.
    pub spike_rows: Vec<SpikeRow>,
    /// Actions accepted with no outcome record in their call.
    pub silent: crate::aggregate::SilentReport,
    /// Input files that look like copies of others read too, and the records accepted from
    /// them ([`crate::ingest::IngestReport::copied`]): the volume test counts them twice.
    pub copied: (usize, u64),
    /// Whether the run wrote no CSV tables (`--format` without `csv`): the pages then name
    /// them with the way to write them, not as files beside them.
    pub csv_not_written: bool,
    /// Whether the run wrote no report.json (`--format` without `json`): the lists the pages
    /// cut then say where their whole is as [`Report::whole_in`] says.
    pub json_not_written: bool,
}

/// Flagged keys and volume scopes said one by one, at most, on stderr, in the `-q` line, in
/// summary.md and in report.html (each key there with its chart), the others counted: a night
/// of thousands of keys new to the history (a release that changed its subcodes, made-up
/// codes) or of resources that stopped had made a page of 204 MB and a mail of 20,000 lines.
/// spikes.csv, volume.csv and report.json hold them all.
pub const MOST_SAID: usize = 20;

impl Report {
    /// A CSV table's name as the pages name it: with the way to write it when the run wrote
    /// no CSV tables (a run of `--format md` is no reason to read an earlier run's by_code.csv).
    pub fn csv_file(&self, name: &str) -> String {
        match self.csv_not_written {
            true => format!("{name}, which --format csv writes"),
            false => name.to_string(),
        }
    }

    /// Where every row of a list the pages cut is: the CSV table `csv` and report.json, those
    /// of them this run wrote, or both with the way to write them when it wrote neither.
    pub fn whole_in(&self, csv: &str) -> String {
        match (self.csv_not_written, self.json_not_written) {
            (false, false) => format!("{csv} and report.json"),
            (false, true) => csv.to_string(),
            (true, false) => "report.json".to_string(),
            (true, true) => format!("{csv} and report.json, which --format csv and json write"),
        }
    }

    /// The flagged keys in the order they are said one by one ([`MOST_SAID`] of them): the
    /// failure class first (what needs action, and what `--fail-on-spike` pages), then the
    /// others, each most significant first, as spikes.csv lists them.
    pub fn spikes_in_order(&self) -> impl Iterator<Item = &SpikeRow> {
        let failure = |s: &&SpikeRow| s.outcome == Outcome::Failure;
        let rows = || self.spike_rows.iter();
        rows()
            .filter(failure)
            .chain(rows().filter(move |s| !failure(s)))
    }

    /// The flagged keys said one by one ([`Report::spikes_in_order`], at most [`MOST_SAID`]),
    /// and how many more there are.
    pub fn spikes_said(&self) -> (Vec<&SpikeRow>, usize) {
        let said: Vec<&SpikeRow> = self.spikes_in_order().take(MOST_SAID).collect();
        let more = self.spike_rows.len() - said.len();
        (said, more)
    }

    /// Records whose code is not a success, over the accepted.
    pub fn failure_rate(&self) -> f64 {
        share(self.failures, self.accepted)
    }

    /// Failure-class records (not the callers' doing), over the accepted.
    pub fn needs_action_rate(&self) -> f64 {
        share(self.needs_action, self.accepted)
    }

    /// How the run ends: spikes found under `--fail-on-spike` first (of failure-class keys, or
    /// of any with `all`), then rejects over `--max-bad`.
    pub fn exit(&self, fail_on_spike: FailOnSpike, max_bad: MaxBad) -> Exit {
        let paging = self.spike_rows.iter().any(|s| s.pages(fail_on_spike))
            || (fail_on_spike != FailOnSpike::Off
                && self.volume.iter().any(|v| v.status.flagged()));
        if paging {
            Exit::SpikesFound
        } else if max_bad.exceeded(self.rejected, self.read) {
            Exit::TooManyRejects
        } else {
            Exit::Success
        }
    }

    /// Uncatalogued (code, subcode) keys seen, most frequent first, but for successes: the
    /// pages list what goes wrong, so a 200 or 202 they lack is no gap a newer copy fills.
    pub fn uncatalogued(&self) -> impl Iterator<Item = &CodeRow> {
        (self.codes.iter()).filter(|c| c.matched == Match::None && c.category.is_failure())
    }

    /// The keys of one outcome class, most frequent first, at most `n`.
    pub fn top_of(&self, outcome: Outcome, n: usize) -> Vec<&CodeRow> {
        self.codes
            .iter()
            .filter(|c| c.outcome == outcome)
            .take(n)
            .collect()
    }

    /// The caller outcomes' share of the accepted records.
    pub fn caller_rate(&self) -> f64 {
        let n = self
            .outcomes
            .iter()
            .find(|o| o.outcome == Outcome::Caller)
            .map_or(0, |o| o.count);
        share(n, self.accepted)
    }

    #[cfg(test)]
    pub fn top_failures(&self, n: usize) -> Vec<&CodeRow> {
        self.codes
            .iter()
            .filter(|c| c.category.is_failure())
            .take(n)
            .collect()
    }

    /// Counts of one key from the first bucket to the last, zeros included, in at most
    /// [`crate::aggregate::SPARK_CELLS`] cells.
    pub fn series(&self, key: Key) -> Vec<u64> {
        crate::aggregate::series(
            &self.timeline,
            self.bucket_secs,
            key,
            crate::aggregate::SPARK_CELLS,
        )
    }
}

fn union_len<'a>(sets: impl Iterator<Item = &'a crate::aggregate::Calls>) -> u64 {
    let mut all = crate::aggregate::Calls::new();
    for s in sets {
        all |= s;
    }
    all.len()
}

/// Joins the aggregates with the catalogue.
pub fn build(
    mut agg: Aggregator,
    cat: &Catalogue,
    (inputs, named_inputs, reading): (
        Vec<FileReport>,
        Vec<std::path::PathBuf>,
        crate::config::Reading,
    ),
    mut warnings: Vec<String>,
    mut spikes: SpikeReport,
    volume: Vec<VolumeVerdict>,
) -> Report {
    let rejects_truncated = agg.rejects_truncated();
    let rejects = agg.take_rejects();
    let joined: u64 = agg.joined.values().sum();
    let callbacks_of_no_resource = (joined, agg.callbacks_of_no_resource.saturating_sub(joined));
    let (timeline, mut resources, sdks, operations) = table_rows(&mut agg, cat);
    usual_rates(
        &mut resources,
        std::mem::take(&mut spikes.resource_baselines),
        cat,
    );
    let failures = agg.failures();
    let keys = KeyRows::of(std::mem::take(&mut agg.by_key), cat);
    let reject_groups = reject_groups(&agg, &rejects);
    // The verdicts are moved, not copied: a night of keys new to the history by the thousand
    // holds each once.
    let spike_rows = spike_rows(std::mem::take(&mut spikes.flagged), cat);
    warnings.extend(quality::failed_events_with_success_codes(&operations));
    if rejects_truncated {
        warnings.push(format!(
            "{} records were rejected; rejects.csv lists the first {} by file and line",
            agg.rejected,
            crate::aggregate::MAX_REJECT_ROWS
        ));
    }
    Report {
        window: agg.window,
        resource_filter: agg.resource_filter(),
        first: keys.first,
        last: keys.last,
        bucket_secs: agg.bucket_secs,
        inputs,
        named_inputs,
        reading,
        warnings,
        catalogue: cat.describe(),
        read: agg.read(),
        accepted: agg.accepted,
        rejected: agg.rejected,
        skipped: agg.skipped,
        outside: agg.outside,
        failures,
        needs_action: keys.needs_action,
        rejects_truncated,
        codes: keys.codes,
        categories: keys.categories,
        outcomes: keys.outcomes,
        resources,
        callbacks_of_no_resource,
        sdks,
        mitigations: keys.mitigations,
        mitigations_by_class: keys.mitigations_by_class,
        operations,
        timeline,
        rejects,
        reject_groups,
        skip_counts: agg.skip_counts.iter().map(|(r, n)| (*r, *n)).collect(),
        diagnostics: diagnostics(&agg, |_| true, crate::text::mask_numbers),
        spikes,
        volume,
        spike_rows,
        silent: std::mem::take(&mut agg.silent_report),
        copied: (0, 0),
        csv_not_written: false,
        json_not_written: false,
    }
}

/// The timeline and the rows by resource, SDK and operation. Each table of the aggregator is
/// dropped once the rows made from it are: a report of keys by the hundred thousand never
/// holds every table twice over (the days by resource served the history only, and go first).
fn table_rows(
    agg: &mut Aggregator,
    cat: &Catalogue,
) -> (Timeline, Vec<ResourceRow>, Vec<SdkRow>, Vec<OperationRow>) {
    // The history, made and dropped before, read the resources' days.
    agg.by_day_resource = Default::default();
    agg.by_day_resource_kind = Default::default();
    agg.by_day_of_resource = Default::default();
    let timeline = agg.timeline();
    agg.by_day = Default::default();
    let resources = resource_rows(agg, cat);
    agg.by_resource = Default::default();
    // Beside the SDKs named, the records of each key that name none.
    let sdks = sdk_rows(agg, cat);
    agg.by_sdk = Default::default();
    let operations = operation_rows(agg, cat);
    agg.by_op = Default::default();
    (timeline, resources, sdks, operations)
}

/// What the report makes of the keys' stats.
struct KeyRows {
    /// First and last time of the accepted records.
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    categories: Vec<CategoryRow>,
    outcomes: Vec<OutcomeRow>,
    /// Records of a failure-class outcome.
    needs_action: u64,
    mitigations: Vec<MitigationRow>,
    mitigations_by_class: Vec<MitigationRow>,
    codes: Vec<CodeRow>,
}

impl KeyRows {
    fn of(keys: impl IntoIterator<Item = (Key, KeyStats)>, cat: &Catalogue) -> KeyRows {
        // Keys, in output order reversed (count ascending, then code and subcode descending):
        // each key's stats dropped once its row is made (popped, most records first), so that
        // keys by the hundred thousand are not held as stats and as rows.
        let mut keys: Vec<(Key, KeyStats)> = keys.into_iter().collect();
        keys.sort_by(|a, b| (a.1.count.cmp(&b.1.count)).then(b.0.cmp(&a.0)));
        let first = keys.iter().filter_map(|(_, s)| s.first).min();
        let last = keys.iter().filter_map(|(_, s)| s.last).max();
        let categories = category_rows(&keys);
        let outcomes = outcome_rows(&keys, cat);
        let needs_action = outcomes
            .iter()
            .filter(|o| o.outcome == Outcome::Failure)
            .map(|o| o.count)
            .sum();
        let mitigations = mitigation_rows(&keys, cat, false);
        let mitigations_by_class = mitigation_rows(&keys, cat, true);
        KeyRows {
            first,
            last,
            categories,
            outcomes,
            needs_action,
            mitigations,
            mitigations_by_class,
            codes: code_rows(keys, cat),
        }
    }
}

/// The records and calls of each category.
fn category_rows(keys: &[(Key, KeyStats)]) -> Vec<CategoryRow> {
    (Category::ALL.iter())
        .map(|&c| {
            let in_cat = || (keys.iter()).filter(move |((code, _), _)| Category::of(*code) == c);
            CategoryRow {
                category: c,
                count: in_cat().map(|(_, s)| s.count).sum(),
                calls: union_len(in_cat().map(|(_, s)| &s.calls)),
            }
        })
        .collect()
}

/// The records and calls of each outcome.
fn outcome_rows(keys: &[(Key, KeyStats)], cat: &Catalogue) -> Vec<OutcomeRow> {
    (Outcome::ALL.iter())
        .map(|&o| {
            let in_class =
                || (keys.iter()).filter(move |((code, sub), _)| cat.outcome(*code, *sub) == o);
            OutcomeRow {
                outcome: o,
                count: in_class().map(|(_, s)| s.count).sum(),
                calls: union_len(in_class().map(|(_, s)| &s.calls)),
            }
        })
        .collect()
}

/// Failures only, grouped by the mitigation each key's row in by_code.csv gives (an exact
/// pair's, or the pair's that speaks for its subcode), and, `by_class`, by the keys' outcome
/// class too (the failure class first): most records first (then the mitigation's text), each
/// group's keys most records first. `keys` are in output order reversed.
fn mitigation_rows(
    keys: &[(Key, KeyStats)],
    cat: &Catalogue,
    by_class: bool,
) -> Vec<MitigationRow> {
    type Group<'a> = Vec<(&'a Key, &'a KeyStats)>;
    let mut groups: HashMap<(Option<Outcome>, String), Group<'_>> = HashMap::new();
    for (k, s) in keys.iter().rev() {
        if !Category::of(k.0).is_failure() {
            continue;
        }
        let m = cat.lookup(k.0, k.1).mitigation.unwrap_or(NO_MITIGATION);
        let outcome = by_class.then(|| cat.outcome(k.0, k.1));
        groups
            .entry((outcome, m.to_string()))
            .or_default()
            .push((k, s));
    }
    let mut mitigations: Vec<MitigationRow> = groups
        .into_iter()
        .map(|((outcome, mitigation), members)| MitigationRow {
            outcome,
            mitigation,
            // Members are already most frequent first (keys, read in reverse).
            count: members.iter().map(|(_, s)| s.count).sum(),
            calls: union_len(members.iter().map(|(_, s)| &s.calls)),
            keys: members.iter().map(|(k, _)| **k).collect(),
        })
        .collect();
    mitigations.sort_by(|a, b| {
        (b.outcome.cmp(&a.outcome))
            .then(b.count.cmp(&a.count))
            .then_with(|| a.mitigation.cmp(&b.mitigation))
    });
    mitigations
}

/// A row for each key joined with the catalogue, in output order: `keys` are in that order
/// reversed, and each key's stats are dropped once its row is made.
fn code_rows(keys: Vec<(Key, KeyStats)>, cat: &Catalogue) -> Vec<CodeRow> {
    let mut texts = Texts::default();
    let mut codes: Vec<CodeRow> = Vec::with_capacity(keys.len());
    for ((code, sub), s) in crate::aggregate::popped(keys) {
        let r = cat.lookup(code, sub);
        codes.push(CodeRow {
            code,
            subcode: sub,
            category: r.category,
            outcome: cat.outcome(code, sub),
            matched: r.matched,
            source: texts.get(r.source),
            // Only exact pairs name events; the others share the empty text.
            callback_event: match r.callback_events {
                [] => texts.get(""),
                _ => Text::from(r.events()),
            },
            description: texts.get(r.description),
            mitigation: texts.get(r.mitigation.unwrap_or_default()),
            count: s.count,
            calls: s.calls.len(),
            first: s.first,
            last: s.last,
            // Masked once per message shown (report has no --full-numbers); two that differ
            // in a number alone stay two.
            messages: (s.messages.into_iter().take(3))
                .map(|(m, n)| (crate::text::mask_numbers(&m), n))
                .collect(),
            other_messages: s.other_messages,
        });
    }
    codes
}

/// The rejects' counts by reason, with the first examples of each.
fn reject_groups(agg: &Aggregator, rejects: &[Reject]) -> Vec<RejectGroup> {
    (agg.reject_counts.iter())
        .map(|(&reason, &count)| RejectGroup {
            reason,
            count,
            examples: (rejects.iter())
                .filter(|r| r.reason == reason)
                .take(REJECT_EXAMPLES)
                .cloned()
                .collect(),
        })
        .collect()
}

/// The flagged keys joined with the catalogue.
fn spike_rows(flagged: Vec<Verdict>, cat: &Catalogue) -> Vec<SpikeRow> {
    (flagged.into_iter())
        .map(|v| {
            let l = cat.lookup(v.key.0, v.key.1);
            SpikeRow {
                category: l.category,
                outcome: cat.outcome(v.key.0, v.key.1),
                description: l.description.to_string(),
                mitigation: l.mitigation.unwrap_or_default().to_string(),
                verdict: v,
            }
        })
        .collect()
}

/// SIP / Q.850 diagnostics of the keys `wanted` keeps, count descending, then the key and the
/// texts, the messages shown as `show` gives them (their phone numbers masked) once in order.
pub(crate) fn diagnostics(
    agg: &Aggregator,
    wanted: impl Fn(Key) -> bool,
    show: impl Fn(&str) -> String,
) -> Vec<DiagnosticRow> {
    let text = |id: u32| agg.diagnostic_texts.name(id).to_string();
    let mut rows: Vec<DiagnosticRow> = agg
        .diagnostics
        .iter()
        .filter(|(k, _)| wanted((k.0, k.1)))
        .map(|(k, d)| DiagnosticRow {
            key: (k.0, k.1),
            sip_code: k.2,
            sip_message: text(k.3),
            q850_code: k.4,
            q850_message: text(k.5),
            count: d.count,
            calls: d.calls.len(),
        })
        .collect();
    let order = |d: &DiagnosticRow| {
        (
            d.key,
            d.sip_code,
            d.sip_message.clone(),
            d.q850_code,
            d.q850_message.clone(),
        )
    };
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| order(a).cmp(&order(b))));
    for d in &mut rows {
        d.sip_message = show(&d.sip_message);
        d.q850_message = show(&d.q850_message);
    }
    rows
}

/// The operations' rows, most records first.
fn operation_rows(agg: &Aggregator, cat: &Catalogue) -> Vec<OperationRow> {
    let mut ops: Vec<_> = agg.operations().collect();
    ops.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    // An operation's rows, one per key, share its name, and the rows of no prompt kind share
    // the empty text.
    let mut texts = Texts::default();
    ops.into_iter()
        .map(|(k, s)| OperationRow {
            operation: texts.get(k.0),
            kind: k.1,
            key: (k.2, k.3),
            prompt: texts.get(k.4),
            outcome: cat.outcome(k.2, k.3),
            count: s.count,
            calls: s.calls.len(),
        })
        .collect()
}

/// The row of the records that name no resource, or no SDK: last, so that the rows add up to
/// the records accepted.
pub const NOT_NAMED: &str = "(not named)";

/// Adds `n` records of `key` to a row's counts by the key's outcome.
fn count_outcome(cat: &Catalogue, key: Key, n: u64, failures: &mut u64, needs_action: &mut u64) {
    match cat.outcome(key.0, key.1) {
        Outcome::Success => {}
        Outcome::Caller => *failures += n,
        Outcome::Failure => {
            *failures += n;
            *needs_action += n;
        }
    }
}

/// The records of `by_resource` whose key `wanted` keeps, by resource: each group's name, its
/// records, its calls and what `add` sums of its keys' stats; most records first (then the
/// name), and the records that name no resource last as [`NOT_NAMED`], so that the groups add up
/// to the records kept; none when no record names one. Both the report's split by resource and
/// triage's are these groups.
pub(crate) fn resource_groups<T: Default>(
    agg: &Aggregator,
    wanted: impl Fn(Key) -> bool,
    add: impl Fn(&mut T, Key, &OpStats),
) -> Vec<ResourceGroup<T>> {
    let mut by: HashMap<u32, (u64, crate::aggregate::Calls, T)> = HashMap::new();
    for (&(res, key), s) in agg.by_resource.iter().filter(|((_, k), _)| wanted(*k)) {
        let (count, calls, sums) = by.entry(res).or_default();
        *count += s.count;
        *calls |= &s.calls;
        add(sums, key, s);
    }
    let unnamed = by.remove(&0);
    if by.is_empty() {
        return Vec::new();
    }
    let group = |res: u32, (count, calls, sums): (u64, crate::aggregate::Calls, T)| {
        let name = if res == 0 {
            NOT_NAMED
        } else {
            agg.resources.name(res)
        };
        ResourceGroup {
            resource: res,
            name: name.to_string(),
            count,
            calls: calls.len(),
            sums,
        }
    };
    let mut groups: Vec<ResourceGroup<T>> = by.into_iter().map(|(r, g)| group(r, g)).collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    groups.extend(unnamed.map(|g| group(0, g)));
    groups
}

/// One resource's records ([`resource_groups`]).
pub(crate) struct ResourceGroup<T> {
    /// Its number in the aggregate's resources (0: the records that name none).
    pub resource: u32,
    pub name: String,
    pub count: u64,
    pub calls: u64,
    pub sums: T,
}

/// What a resource's row sums of its keys: failures, records that need action, and the
/// failure-class key with the most records.
#[derive(Default)]
struct ResourceSums {
    failures: u64,
    needs_action: u64,
    top_failure: Option<(Key, u64)>,
}

/// The resources' rows ([`resource_groups`] of every key), with their failures, the records
/// that need action and the failure-class key with the most records (then the lower key).
fn resource_rows(agg: &Aggregator, cat: &Catalogue) -> Vec<ResourceRow> {
    let add = |sums: &mut ResourceSums, key: Key, s: &OpStats| {
        count_outcome(
            cat,
            key,
            s.count,
            &mut sums.failures,
            &mut sums.needs_action,
        );
        let top = |(k, n): (Key, u64)| (n, std::cmp::Reverse(k));
        if cat.outcome(key.0, key.1) == Outcome::Failure
            && sums
                .top_failure
                .is_none_or(|t| top(t) < top((key, s.count)))
        {
            sums.top_failure = Some((key, s.count));
        }
    };
    resource_groups(agg, |_| true, add)
        .into_iter()
        .map(|g| ResourceRow {
            inferred: (agg.joined.get(&g.resource))
                .filter(|_| g.resource != 0)
                .copied()
                .unwrap_or(0),
            resource: g.name,
            count: g.count,
            failures: g.sums.failures,
            needs_action: g.sums.needs_action,
            calls: g.calls,
            top_failure: g.sums.top_failure,
            usual_needs_action_rate: None,
        })
        .collect()
}

/// Gives each resource its failure-class share of its records over its baseline days.
fn usual_rates(
    rows: &mut [ResourceRow],
    mut baselines: std::collections::BTreeMap<String, crate::spikes::ResourceBaseline>,
    cat: &Catalogue,
) {
    for row in rows.iter_mut() {
        let Some(b) = baselines.remove(&row.resource).filter(|b| b.exposure > 0) else {
            continue;
        };
        let needs_action: u64 = (b.keys.iter())
            .filter(|(k, _)| cat.outcome(k.0, k.1) == Outcome::Failure)
            .map(|(_, n)| n)
            .sum();
        row.usual_needs_action_rate = Some(share(needs_action, b.exposure));
    }
}

/// The SDK types and versions, most records first, and the records that name none last as
/// [`NOT_NAMED`]; none when no record names one. Read before `agg.by_key` is taken.
fn sdk_rows(agg: &Aggregator, cat: &Catalogue) -> Vec<SdkRow> {
    let mut by: HashMap<(u32, u32), SdkRow> = HashMap::new();
    let mut named: HashMap<Key, u64> = HashMap::new();
    for (&(ty, version, key), &n) in &agg.by_sdk {
        let row = by.entry((ty, version)).or_insert_with(|| SdkRow {
            sdk_type: agg.sdk_texts.name(ty).to_string(),
            sdk_version: agg.sdk_texts.name(version).to_string(),
            count: 0,
            failures: 0,
            needs_action: 0,
        });
        row.count += n;
        count_outcome(cat, key, n, &mut row.failures, &mut row.needs_action);
        *named.entry(key).or_default() += n;
    }
    if by.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<SdkRow> = by.into_values().collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.sdk_type, &a.sdk_version).cmp(&(&b.sdk_type, &b.sdk_version)))
    });
    let mut unnamed = SdkRow {
        sdk_type: NOT_NAMED.to_string(),
        sdk_version: String::new(),
        count: 0,
        failures: 0,
        needs_action: 0,
    };
    for (&key, s) in &agg.by_key {
        let n = s.count - named.get(&key).copied().unwrap_or(0);
        unnamed.count += n;
        count_outcome(
            cat,
            key,
            n,
            &mut unnamed.failures,
            &mut unnamed.needs_action,
        );
    }
    if unnamed.count > 0 {
        rows.push(unnamed);
    }
    rows
}

/// A key's catalogue description inside a sentence: on one line, and without the full stop a
/// count would follow (`... callee.: 309`).
pub fn description_in_sentence(cat: &Catalogue, key: crate::aggregate::Key) -> String {
    let description = crate::catalogue::one_line(cat.lookup(key.0, key.1).description);
    description.trim_end_matches('.').to_string()
}

/// Where a flagged key's records of the day are, by resource (`acs-prod 24, acs-stage 6`),
/// when there is more than one place to tell apart: the day names more than one resource, or
/// some of the key's records name none. The resources without a record of the key are named
/// with 0 when they are few (`acs-prod 30, acs-stage 0`).
pub fn resource_split_text(v: &Verdict) -> Option<String> {
    let s = v.by_resource.as_ref().filter(|s| s.worth_saying())?;
    let mut parts: Vec<String> = (s.counts.iter()).map(|(n, c)| format!("{n} {c}")).collect();
    if s.more.0 > 0 {
        parts.push(format!("{} on {} more resources", s.more.1, s.more.0));
    }
    if s.not_named > 0 {
        parts.push(format!("{NOT_NAMED} {}", s.not_named));
    }
    if s.without_count == s.without.len() {
        parts.extend(s.without.iter().map(|n| format!("{n} 0")));
    } else {
        parts.push(format!("none on {} other resources", s.without_count));
    }
    Some(parts.join(", "))
}

/// The target more than half of a flagged key's records of the day went to, with their count
/// (`480 of 500 records to 4:+xxxxxxx0100`): its phone number masked as triage's By target
/// masks it (`report` has no `--full-numbers`). Text from the logs, which each output escapes
/// as its own: a renderer that makes links of a sentence's text adds it after.
pub fn target_said(v: &Verdict) -> Option<String> {
    target_said_as(v, crate::text::mask_numbers)
}

/// [`target_said`], the target shown as `show` gives it (`triage --full-numbers` whole).
pub fn target_said_as(v: &Verdict, show: impl Fn(&str) -> String) -> Option<String> {
    let t = v.target.as_ref()?;
    Some(format!(
        "{} of {} records to {}",
        t.count,
        t.of,
        show(&t.target)
    ))
}

/// The one-sentence account of a flagged key, for people, with its target
/// ([`target_said`]) when one took most of its records.
pub fn spike_sentence_with_target(v: &Verdict, cat: &Catalogue) -> String {
    let sentence = spike_sentence(v, cat);
    match target_said(v) {
        Some(t) => format!("{sentence}; {t}"),
        None => sentence,
    }
}

/// The one-sentence account of a flagged key, for people.
pub fn spike_sentence(v: &Verdict, cat: &Catalogue) -> String {
    let sentence = verdict_sentence(v, cat);
    match resource_split_text(v) {
        Some(split) => format!("{sentence}; by resource: {split}"),
        None => sentence,
    }
}

/// What the test found of a flagged key.
fn verdict_sentence(v: &Verdict, cat: &Catalogue) -> String {
    let description = description_in_sentence(cat, v.key);
    let label = match &v.resource {
        Some(r) => format!("{r}: {}", key_label(v.key.0, v.key.1)),
        None => key_label(v.key.0, v.key.1),
    };
    match v.status {
        crate::spikes::Status::New => format!(
            "{label} {description}: {} on {}, never seen on the same weekday of the previous {} weeks (NEW)",
            v.count,
            day_text(v.day),
            crate::spikes::BASELINE_WEEKS
        ),
        // A log kind left out of the key's count (new on the report day, say) is named: the
        // count is then less than the night's tables show of the key.
        _ => format!(
            "{label} {description}: {} vs {:.1} expected (same weekday, previous {} weeks), {:.1}×, {}{}",
            v.count,
            v.expected,
            crate::spikes::BASELINE_WEEKS,
            v.ratio,
            p_text(v.p_value),
            match v.left_out.as_slice() {
                [] => String::new(),
                kinds => format!("; left out: {}", kinds.join("; ")),
            }
        ),
    }
}

#[cfg(test)]
mod tests;
