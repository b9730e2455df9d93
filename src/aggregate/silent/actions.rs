//! The actions tested ([`ACTIONS`]): their names in each log, and what a record tells of one
//! ([`Mark`]), each operation's actions looked up once ([`Actions`]).

use crate::record::{Kind, Record};

/// An action whose outcome Microsoft documents, and where it is written.
pub struct Action {
    /// The name the reports give it.
    pub name: &'static str,
    /// Its `OperationName` in the operations log (the REST call's), any case.
    pub operations: &'static [&'static str],
    /// Its `OperationName` in the media summary log, when it has a record there.
    pub summary: Option<&'static str>,
    /// The callback events that end it.
    pub events: &'static [&'static str],
}

/// The actions tested, in the order the reports list them.
///
/// Their `OperationName` in the operations log: Microsoft lists the log's operations as
/// "CreateCall, AnswerCall, Play, Recognize, etc." (the ACSCallAutomationIncomingOperations
/// table reference) and shows one record, a Play accepted with 202 (the Call Automation logs
/// article, MicrosoftDocs/azure-docs
/// articles/communication-services/concepts/analytics/logs/call-automation-logs.md). Those
/// are the REST operations' ids without their group (CreateCall, AnswerCall, CallMedia_Play,
/// CallMedia_Recognize in Azure/azure-rest-api-specs
/// specification/communication/data-plane/CallAutomation/stable/2024-09-15), whose transfer
/// and added participant are CallConnection_TransferToParticipant and
/// CallConnection_AddParticipant: TransferToParticipant and AddParticipant here. No record of
/// either in the log was found; TransferCallToParticipant and StartRecognizing, the SDKs'
/// method names, and Transfer are taken too, should the log name them so. The cancel,
/// CancelAllMediaOperations, is no action tested: the PlayCanceled or RecognizeCanceled it
/// brings ends the Play or Recognize it cancels.
pub const ACTIONS: [Action; 4] = [
    Action {
        name: "Play",
        operations: &["Play"],
        summary: Some("Play"),
        events: &["PlayCompleted", "PlayFailed", "PlayCanceled"],
    },
    Action {
        name: "Recognize",
        operations: &["Recognize", "StartRecognizing"],
        summary: Some("Recognize"),
        events: &["RecognizeCompleted", "RecognizeFailed", "RecognizeCanceled"],
    },
    Action {
        name: "Transfer",
        operations: &[
            "TransferCallToParticipant",
            "Transfer",
            "TransferToParticipant",
        ],
        summary: None,
        events: &["CallTransferAccepted", "CallTransferFailed"],
    },
    Action {
        name: "AddParticipant",
        operations: &["AddParticipant"],
        summary: None,
        events: &[
            "AddParticipantSucceeded",
            "AddParticipantFailed",
            "CancelAddParticipantSucceeded",
        ],
    },
];

pub(super) const N: usize = ACTIONS.len();

/// [`Mark::action`] of a callback event that ends no action tested.
pub(super) const NONE: u8 = u8::MAX;

/// The actions with a media summary record: the first ones of [`ACTIONS`].
pub(super) const WITH_SUMMARY: usize = 2;

/// Which side of an action a record is (the index of [`Actions`]' entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Accepted = 0,
    Summary = 1,
    Callback = 2,
}

/// What a record tells of an action of its call; its CallConnectionId and ServerCallId, for
/// an action accepted, wait in [`Silent::connections`].
#[derive(Debug, Clone, Copy)]
pub(in crate::aggregate) struct Mark {
    /// The action of [`ACTIONS`], or [`NONE`] for a callback event of no action tested (it
    /// tells that the input holds the call's events).
    pub(super) action: u8,
    pub(super) side: Side,
    /// Whether the record names no CorrelationId: its call is its CallConnectionId.
    pub(super) by_connection: bool,
}

impl Mark {
    /// Which side of an action `rec` can be: an operation accepted (a 2xx), a media summary
    /// record or a callback event.
    pub(super) fn side(rec: &Record<'_>) -> Option<Side> {
        match rec.kind {
            Kind::Operations if (200..300).contains(&rec.code) => Some(Side::Accepted),
            Kind::MediaSummary => Some(Side::Summary),
            Kind::Callback => Some(Side::Callback),
            _ => None,
        }
    }

    /// The mark of `rec` on `side` for `action` ([`NONE`] for none): none for an accepted
    /// operation or media summary record of no action tested (a callback event of none still
    /// tells that the input holds its call's events).
    pub(super) fn of(rec: &Record<'_>, side: Side, action: u8) -> Option<Mark> {
        (action != NONE || side == Side::Callback).then(|| Mark {
            action,
            side,
            by_connection: rec.correlation_id.is_empty(),
        })
    }
}

/// [`Actions`] of an operation not looked up yet.
const UNSEEN: [u8; 3] = [UNKNOWN; 3];

/// An entry of [`Actions`] not looked up yet.
const UNKNOWN: u8 = u8::MAX - 1;

/// Each interned operation's action ([`NONE`] for none) as an accepted operation, a media
/// summary record and a callback event, looked up once an operation: the comparisons of its
/// name with every action's are measurable once a record. By the operations interner's
/// number, so it goes wherever that interner goes (a worker's fresh sink starts it anew).
#[derive(Debug, Clone, Default)]
pub(super) struct Actions(Vec<[u8; 3]>);

impl Actions {
    /// The action `op` (interned as `n`) names in the log `side`, if one.
    pub(super) fn of(&mut self, n: u32, op: &str, side: Side) -> u8 {
        let at = n as usize;
        if at >= self.0.len() {
            self.0.resize(at + 1, UNSEEN);
        }
        if self.0[at] == UNSEEN {
            self.0[at] = Self::look_up(op);
        }
        self.0[at][side as usize]
    }

    pub(super) fn look_up(op: &str) -> [u8; 3] {
        let op = op.trim();
        let named = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(op));
        let found = |i: Option<usize>| i.map_or(NONE, |i| i as u8);
        [
            found(ACTIONS.iter().position(|a| named(a.operations))),
            found(
                ACTIONS[..WITH_SUMMARY]
                    .iter()
                    .position(|a| a.summary.is_some_and(|s| s.eq_ignore_ascii_case(op))),
            ),
            found(ACTIONS.iter().position(|a| named(a.events))),
        ]
    }
}
