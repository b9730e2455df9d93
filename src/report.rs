//! The finished report: the aggregates joined with the catalogue into the tables every output
//! format shows. Column names and order here are the contract of the CSV files.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use polars::prelude::*;

use crate::aggregate::{Aggregator, Key, Window};
use crate::catalogue::{key_label, Catalogue, Category};
use crate::ingest::{FileReport, Reject};
use crate::normalize::{Reason, SkipReason};
use crate::spikes::history::day_text;
use crate::spikes::{format_p, SpikeReport, Verdict};

/// The mitigation group of failures that have no exact catalogue pair.
pub const NO_MITIGATION: &str = "(no documented mitigation)";

/// Examples kept per reject reason for the data-quality section.
const REJECT_EXAMPLES: usize = 3;

/// A share from 0 to 1, rounded to 4 decimals.
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
    }
}

pub use crate::time::{bucket_start, rfc3339};

/// One row of the by-code table, kept typed for the text renderers.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub code: u32,
    pub subcode: Option<u32>,
    pub category: Category,
    pub matched: &'static str,
    /// The catalogue page or file that gave the description.
    pub source: String,
    /// The callback events that carry an exact pair, `CreateCallFailed / AnswerFailed`.
    pub callback_event: String,
    /// Catalogue text: lines separated by `\n` (see [`one_line`]).
    pub description: String,
    pub mitigation: String,
    pub count: u64,
    pub calls: u64,
    /// Most frequent ResultMessages (untrusted log text).
    pub messages: Vec<(String, u64)>,
}

impl CodeRow {
    pub fn label(&self) -> String {
        key_label(self.code, self.subcode)
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
    /// First and last time of the accepted records.
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub bucket_secs: i64,
    pub inputs: Vec<FileReport>,
    pub warnings: Vec<String>,
    /// The catalogues used, one line each with their pair counts.
    pub catalogue: Vec<String>,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
    pub outside: u64,
    pub failures: u64,
    pub rejects_truncated: bool,
    /// by_code rows in output order.
    pub codes: Vec<CodeRow>,
    /// (bucket start, key) → count.
    pub timeline: BTreeMap<(i64, Key), u64>,
    pub reject_groups: Vec<RejectGroup>,
    /// Skipped records by reason (no outcome by design), every reason with a count.
    pub skip_counts: Vec<(SkipReason, u64)>,
    /// by_sip.csv: SIP and Q.850 diagnostics by (code, subcode), most frequent first; empty
    /// when no record carries them.
    pub by_sip: DataFrame,
    pub by_category: DataFrame,
    pub by_mitigation: DataFrame,
    pub by_code: DataFrame,
    pub by_operation: DataFrame,
    pub timeline_df: DataFrame,
    pub rejects: DataFrame,
    pub spikes: SpikeReport,
    /// spikes.csv: flagged keys only.
    pub spikes_df: DataFrame,
}

impl Report {
    pub fn failure_rate(&self) -> f64 {
        share(self.failures, self.accepted)
    }

    /// Uncatalogued (code, subcode) keys seen, most frequent first.
    pub fn uncatalogued(&self) -> Vec<&CodeRow> {
        self.codes.iter().filter(|c| c.matched == "none").collect()
    }

    /// Failure rows, most frequent first.
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
    agg: Aggregator,
    cat: &Catalogue,
    inputs: Vec<FileReport>,
    warnings: Vec<String>,
    spikes: SpikeReport,
) -> PolarsResult<Report> {
    let accepted = agg.accepted;
    let failures = agg.failures();

    // by_code, in output order: count descending, then code, then subcode.
    let mut keys: Vec<(&Key, &crate::aggregate::KeyStats)> = agg.by_key.iter().collect();
    keys.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    let codes: Vec<CodeRow> = keys
        .iter()
        .map(|(&(code, sub), s)| {
            let r = cat.lookup(code, sub);
            CodeRow {
                code,
                subcode: sub,
                category: r.category,
                matched: r.matched.as_str(),
                source: r.source.to_string(),
                callback_event: r.events(),
                description: r.description.to_string(),
                mitigation: r.mitigation.unwrap_or_default().to_string(),
                count: s.count,
                calls: s.calls.len(),
                messages: s
                    .top_messages()
                    .into_iter()
                    .take(3)
                    .map(|(m, n)| (m.to_string(), n))
                    .collect(),
            }
        })
        .collect();
    let first = agg.by_key.values().filter_map(|s| s.first).min();
    let last = agg.by_key.values().filter_map(|s| s.last).max();

    let by_code = df!(
        "code" => codes.iter().map(|c| c.code).collect::<Vec<_>>(),
        "subcode" => codes.iter().map(|c| c.subcode).collect::<Vec<_>>(),
        "category" => codes.iter().map(|c| c.category.as_str()).collect::<Vec<_>>(),
        "match" => codes.iter().map(|c| c.matched).collect::<Vec<_>>(),
        "source" => codes.iter().map(|c| c.source.as_str()).collect::<Vec<_>>(),
        "callback_event" => codes.iter().map(|c| c.callback_event.as_str()).collect::<Vec<_>>(),
        "description" => codes.iter().map(|c| c.description.as_str()).collect::<Vec<_>>(),
        "mitigation" => codes.iter().map(|c| c.mitigation.as_str()).collect::<Vec<_>>(),
        "count" => codes.iter().map(|c| c.count).collect::<Vec<_>>(),
        "share" => codes.iter().map(|c| share(c.count, accepted)).collect::<Vec<_>>(),
        "calls" => codes.iter().map(|c| c.calls).collect::<Vec<_>>(),
        "first_seen" => keys.iter().map(|(_, s)| s.first.map(rfc3339)).collect::<Vec<_>>(),
        "last_seen" => keys.iter().map(|(_, s)| s.last.map(rfc3339)).collect::<Vec<_>>()
    )?;

    // by_category: all five, in order.
    let cats: Vec<(Category, u64, u64)> = Category::ALL
        .iter()
        .map(|&c| {
            let in_cat = || {
                agg.by_key
                    .iter()
                    .filter(move |((code, _), _)| Category::of(*code) == c)
            };
            (
                c,
                in_cat().map(|(_, s)| s.count).sum(),
                union_len(in_cat().map(|(_, s)| &s.calls)),
            )
        })
        .collect();
    let by_category = df!(
        "category" => cats.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        "count" => cats.iter().map(|c| c.1).collect::<Vec<_>>(),
        "share" => cats.iter().map(|c| share(c.1, accepted)).collect::<Vec<_>>(),
        "calls" => cats.iter().map(|c| c.2).collect::<Vec<_>>()
    )?;

    // by_mitigation: failures only, grouped by the exact pair's mitigation.
    let mut groups: HashMap<String, Vec<(&Key, &crate::aggregate::KeyStats)>> = HashMap::new();
    for (k, s) in &keys {
        if !Category::of(k.0).is_failure() {
            continue;
        }
        let m = match k.1.and_then(|sub| cat.pair(k.0, sub)) {
            Some(p) if !p.mitigation.is_empty() => p.mitigation.clone(),
            _ => NO_MITIGATION.to_string(),
        };
        groups.entry(m).or_default().push((k, s));
    }
    let mut groups: Vec<(String, u64, u64, String)> = groups
        .into_iter()
        .map(|(m, members)| {
            // members are already most frequent first (keys is sorted).
            let count = members.iter().map(|(_, s)| s.count).sum();
            let calls = union_len(members.iter().map(|(_, s)| &s.calls));
            let codes = members
                .iter()
                .map(|(k, _)| key_label(k.0, k.1))
                .collect::<Vec<_>>()
                .join(" ");
            (m, count, calls, codes)
        })
        .collect();
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let by_mitigation = df!(
        "mitigation" => groups.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
        "count" => groups.iter().map(|g| g.1).collect::<Vec<_>>(),
        "share" => groups.iter().map(|g| share(g.1, failures)).collect::<Vec<_>>(),
        "calls" => groups.iter().map(|g| g.2).collect::<Vec<_>>(),
        "codes" => groups.iter().map(|g| g.3.as_str()).collect::<Vec<_>>()
    )?;

    // by_operation: count descending, then the key.
    let mut ops: Vec<_> = agg.operations().collect();
    ops.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    let by_operation = df!(
        "operation" => ops.iter().map(|(k, _)| k.0).collect::<Vec<_>>(),
        "kind" => ops.iter().map(|(k, _)| k.1.as_str()).collect::<Vec<_>>(),
        "code" => ops.iter().map(|(k, _)| k.2).collect::<Vec<_>>(),
        "subcode" => ops.iter().map(|(k, _)| k.3).collect::<Vec<_>>(),
        "category" => ops.iter().map(|(k, _)| Category::of(k.2).as_str()).collect::<Vec<_>>(),
        "count" => ops.iter().map(|(_, s)| s.count).collect::<Vec<_>>(),
        "calls" => ops.iter().map(|(_, s)| s.calls.len()).collect::<Vec<_>>()
    )?;

    // timeline: by bucket, then key; only non-zero rows exist.
    let timeline: BTreeMap<(i64, Key), u64> = agg.timeline();
    let timeline_df = df!(
        "bucket" => timeline.keys().map(|(t, _)| bucket_start(*t)).collect::<Vec<_>>(),
        "code" => timeline.keys().map(|(_, k)| k.0).collect::<Vec<_>>(),
        "subcode" => timeline.keys().map(|(_, k)| k.1).collect::<Vec<_>>(),
        "category" => timeline.keys().map(|(_, k)| Category::of(k.0).as_str()).collect::<Vec<_>>(),
        "count" => timeline.values().copied().collect::<Vec<_>>()
    )?;

    let kept = agg.rejects();
    let rejects = df!(
        "file" => kept.iter().map(|r| &*r.file).collect::<Vec<_>>(),
        "line" => kept.iter().map(|r| r.line).collect::<Vec<_>>(),
        "reason" => kept.iter().map(|r| reason_text(r)).collect::<Vec<_>>(),
        "excerpt" => kept.iter().map(|r| r.excerpt.as_str()).collect::<Vec<_>>()
    )?;
    let reject_groups = agg
        .reject_counts
        .iter()
        .map(|(&reason, &count)| RejectGroup {
            reason,
            count,
            examples: kept
                .iter()
                .filter(|r| r.reason == reason)
                .take(REJECT_EXAMPLES)
                .map(|r| (*r).clone())
                .collect(),
        })
        .collect();

    let spikes_df = spikes_frame(&spikes.flagged, cat)?;
    let by_sip = sip_frame(&agg)?;

    Ok(Report {
        window: agg.window,
        first,
        last,
        bucket_secs: agg.bucket_secs,
        inputs,
        warnings,
        catalogue: cat.describe(),
        read: agg.read(),
        accepted,
        rejected: agg.rejected,
        skipped: agg.skipped,
        outside: agg.outside,
        failures,
        rejects_truncated: agg.rejects_truncated(),
        codes,
        timeline,
        reject_groups,
        skip_counts: agg.skip_counts.iter().map(|(r, n)| (*r, *n)).collect(),
        by_sip,
        by_category,
        by_mitigation,
        by_code,
        by_operation,
        timeline_df,
        rejects,
        spikes,
        spikes_df,
    })
}

/// by_sip.csv: `code,subcode,sip_code,sip_message,q850_code,q850_message,count,calls`, count
/// descending, then the key.
pub fn sip_frame(agg: &Aggregator) -> PolarsResult<DataFrame> {
    let text = |id: u32| agg.diagnostic_texts.name(id);
    let mut rows: Vec<_> = agg.diagnostics.iter().collect();
    rows.sort_by(|a, b| {
        b.1.count.cmp(&a.1.count).then_with(|| {
            let k = |x: &crate::aggregate::DiagKey| (x.0, x.1, x.2, text(x.3), x.4, text(x.5));
            k(a.0).cmp(&k(b.0))
        })
    });
    df!(
        "code" => rows.iter().map(|(k, _)| k.0).collect::<Vec<_>>(),
        "subcode" => rows.iter().map(|(k, _)| k.1).collect::<Vec<_>>(),
        "sip_code" => rows.iter().map(|(k, _)| k.2).collect::<Vec<_>>(),
        "sip_message" => rows.iter().map(|(k, _)| text(k.3)).collect::<Vec<_>>(),
        "q850_code" => rows.iter().map(|(k, _)| k.4).collect::<Vec<_>>(),
        "q850_message" => rows.iter().map(|(k, _)| text(k.5)).collect::<Vec<_>>(),
        "count" => rows.iter().map(|(_, s)| s.count).collect::<Vec<_>>(),
        "calls" => rows.iter().map(|(_, s)| s.calls.len()).collect::<Vec<_>>()
    )
}

/// Rounds to 4 decimals, as every float of the reports.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// spikes.csv. The p-value is text so that tiny values keep their digits (`3.04e-8`).
pub fn spikes_frame(rows: &[Verdict], cat: &Catalogue) -> PolarsResult<DataFrame> {
    let looked: Vec<_> = rows.iter().map(|v| cat.lookup(v.key.0, v.key.1)).collect();
    df!(
        "day" => rows.iter().map(|v| day_text(v.day)).collect::<Vec<_>>(),
        "code" => rows.iter().map(|v| v.key.0).collect::<Vec<_>>(),
        "subcode" => rows.iter().map(|v| v.key.1).collect::<Vec<_>>(),
        "category" => looked.iter().map(|l| l.category.as_str()).collect::<Vec<_>>(),
        "description" => looked.iter().map(|l| l.description).collect::<Vec<_>>(),
        "mitigation" => looked.iter().map(|l| l.mitigation.unwrap_or_default()).collect::<Vec<_>>(),
        "count" => rows.iter().map(|v| v.count).collect::<Vec<_>>(),
        "expected" => rows.iter().map(|v| round4(v.expected)).collect::<Vec<_>>(),
        "ratio" => rows.iter().map(|v| round4(v.ratio)).collect::<Vec<_>>(),
        "p_value" => rows.iter().map(|v| format!("{:.2e}", v.p_value)).collect::<Vec<_>>(),
        "status" => rows.iter().map(|v| v.status.as_str()).collect::<Vec<_>>()
    )
}

/// The one-sentence account of a flagged key, for people.
pub fn spike_sentence(v: &Verdict, cat: &Catalogue) -> String {
    let l = cat.lookup(v.key.0, v.key.1);
    let label = key_label(v.key.0, v.key.1);
    match v.status {
        crate::spikes::Status::New => format!(
            "{label} {}: {} on {}, never seen on the same weekday of the previous {} weeks (NEW)",
            l.description,
            v.count,
            day_text(v.day),
            crate::spikes::BASELINE_WEEKS
        ),
        _ => format!(
            "{label} {}: {} vs {:.1} expected (same weekday, previous {} weeks), {:.1}×, p={}",
            l.description,
            v.count,
            v.expected,
            crate::spikes::BASELINE_WEEKS,
            v.ratio,
            format_p(v.p_value)
        ),
    }
}

/// The `reason` cell of rejects.csv: the stable label, then the detail.
pub fn reason_text(r: &Reject) -> String {
    if r.detail.is_empty() {
        r.reason.label().to_string()
    } else {
        format!("{}: {}", r.reason.label(), r.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_four_decimals() {
        assert_eq!(share(1, 3), 0.3333);
        assert_eq!(share(2, 3), 0.6667);
        assert_eq!(share(0, 0), 0.0);
    }
}
