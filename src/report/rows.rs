//! The rows of the report's tables, kept typed: a key, an outcome class, a resource, an SDK,
//! a category, a mitigation, an operation, a diagnostic, a spike, a reject reason.

use chrono::{DateTime, Utc};

use crate::aggregate::Key;
use crate::catalogue::{key_label, Category, Match, Outcome};
use crate::config::FailOnSpike;
use crate::ingest::Reject;
use crate::record::{Kind, Reason};
use crate::spikes::Verdict;

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
