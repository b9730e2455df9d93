//! What the silent-failure test reports: each action's counts ([`SilentRow`]), the calls
//! without an outcome ([`SilentCall`]), by resource ([`SilentReport`]).

use chrono::{DateTime, Utc};

/// One action's counts over the input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SilentRow {
    pub action: &'static str,
    /// The logs of the input its outcomes were looked for in.
    pub outcomes_from: &'static str,
    /// Whether the input holds a log of the outcomes of some of them: else it is not tested.
    pub tested: bool,
    pub accepted: u64,
    /// Accepted in calls whose outcomes no log of the input holds (no media summary record
    /// of their resource, no callback event of theirs): not tested.
    pub untested: u64,
    pub with_outcome: u64,
    /// Accepted, with no outcome record in the call, of those tested.
    pub without_outcome: u64,
    /// Calls with one or more of those.
    pub calls: u64,
    /// Accepted without an outcome in the last [`LATE_SECS`] of the input: not judged.
    pub late: u64,
}

/// A call with accepted actions and no outcome for some of them.
#[derive(Debug, Clone, PartialEq)]
pub struct SilentCall {
    pub resource: String,
    /// Empty when its records name none. A GUID is written lower case; another id as its
    /// accepted actions' records name it (cut past [`MAX_ID`] bytes).
    pub correlation_id: String,
    pub call_connection_id: String,
    /// The ServerCallId its accepted actions' records name (the first in text order, should
    /// they name two); empty when none does.
    pub server_call_id: String,
    /// When its last action was accepted.
    pub last_accepted: DateTime<Utc>,
    /// `Play 1 of 2; Recognize 1 of 1`: the actions without an outcome, of those accepted.
    pub without_outcome: String,
}

/// The silent-failure test of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SilentReport {
    /// Whether the run looked for them (`report` does; `triage` does not).
    pub kept: bool,
    /// Each action accepted in the input, in [`ACTIONS`] order.
    pub rows: Vec<SilentRow>,
    /// The earliest [`MAX_LISTED`] calls without an outcome, by their last accepted action.
    pub calls: Vec<SilentCall>,
    /// Calls without an outcome in all.
    pub calls_total: u64,
    /// The rows of each resource (of the call, as [`SilentCall::resource`]) with actions
    /// without an outcome, the most first.
    pub by_resource: Vec<(String, Vec<SilentRow>)>,
}

impl SilentReport {
    /// Actions accepted without an outcome, of the tested ones.
    pub fn without_outcome(&self) -> u64 {
        self.rows.iter().map(|r| r.without_outcome).sum()
    }
}
