//! Which log a source record belongs to, from its category, type or table name and its
//! resource: Call Automation's operations and media summaries, callback events, streaming
//! usage, or another ACS log or service's record that carries no Call Automation result.

use crate::record::{trim, Kind, SkipReason};

use super::keys::Field;
use super::raw::Raw;
use super::value::Val;

/// The category and table names Azure uses, matched first without allocating.
pub(super) const KNOWN_KINDS: [(&str, Option<Kind>); 6] = [
    ("CallAutomationMediaSummary", Some(Kind::MediaSummary)),
    ("ACSCallAutomationMediaSummary", Some(Kind::MediaSummary)),
    ("CallAutomationOperational", Some(Kind::Operations)),
    (
        "ACSCallAutomationIncomingOperations",
        Some(Kind::Operations),
    ),
    ("CallAutomationStreamingUsage", None),
    ("ACSCallAutomationStreamingUsage", None),
];

/// The kind [`KNOWN_KINDS`] gives a name in any case, if it names one. Each record has its
/// category or type looked up here: `eq_ignore_ascii_case` compared the name that matched in
/// a call of its own, byte pair by byte pair (about 130 instructions a record with the loop).
#[inline(always)]
pub(super) fn known_kind(s: &str) -> Option<Option<Kind>> {
    let found = KNOWN_KINDS
        .iter()
        .find(|(n, _)| letters_name(s.as_bytes(), n.as_bytes()));
    found.map(|&(_, k)| k)
}

/// Whether `s` is `name`, a name of eight or more ASCII letters, in any case: eight bytes of
/// each at a time or-ed with 0x20 and compared as words (the last eight overlapping the ones
/// before). 0x20 makes a capital letter small, and only a letter's capital is made that letter:
/// for a name of letters only, this is `eq_ignore_ascii_case`.
#[inline(always)]
fn letters_name(s: &[u8], name: &[u8]) -> bool {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let n = name.len();
    if s.len() != n || n < 8 {
        return false;
    }
    let word = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8")) | FOLD;
    let mut i = 0;
    while i + 8 < n {
        if word(s, i) != word(name, i) {
            return false;
        }
        i += 8;
    }
    word(s, n - 8) == word(name, n - 8)
}

/// The families of ACS's other logs, by category or table name (lower case, without `acs`):
/// calling SDK clients, call summaries and diagnostics, recording, chat, SMS, email, identity,
/// rooms, Job Router, network traversal, advanced messaging, billing.
const OTHER_LOGS: [&str; 18] = [
    "auth",
    "advancedmessaging",
    "billing",
    "usage",
    "callclient",
    "callclosedcaptions",
    "calldiagnostics",
    "callingmetrics",
    "callrecording",
    "callsummary",
    "callsurvey",
    "chat",
    "email",
    "jobrouter",
    "networktraversal",
    "optout",
    "rooms",
    "sms",
];

/// Whether a category or table name is one of ACS's other logs (`CallSummary`,
/// `ACSCallClientOperations`, `SMSOperational`), never one that names Call Automation.
fn other_log(lower: &str) -> bool {
    let name = lower.strip_prefix("acs").unwrap_or(lower);
    !lower.contains("callautomation") && OTHER_LOGS.iter().any(|f| name.starts_with(f))
}

/// Whether an operation name is one of ACS's other logs' families (`SMSMessagesSent`,
/// `ChatThreadCreated`), compared without allocating: no Call Automation operation starts so.
pub(super) fn other_log_operation(name: &str) -> bool {
    let b = name.trim().as_bytes();
    let b = match b.get(..3) {
        Some(acs) if acs.eq_ignore_ascii_case(b"acs") => &b[3..],
        _ => b,
    };
    OTHER_LOGS.iter().any(|f| {
        b.get(..f.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(f.as_bytes()))
    })
}

/// The categories of Azure's activity log: its event categories (`Administrative`... in the
/// `insights-activity-logs` container beside the resource logs) and the operation classes of
/// the schema it is streamed in (`Write`, `Delete`, `Action`): the resource's management, not
/// its calls.
const ACTIVITY_CATEGORIES: [&str; 11] = [
    "Write",
    "Delete",
    "Action",
    "Administrative",
    "ServiceHealth",
    "ResourceHealth",
    "Alert",
    "Autoscale",
    "Recommendation",
    "Security",
    "Policy",
];

/// The event types of ACS's other services: Job Router, chat, SMS, email, advanced messaging.
const OTHER_EVENTS: [&str; 5] = [
    "Microsoft.Communication.Router",
    "Microsoft.Communication.Chat",
    "Microsoft.Communication.SMS",
    "Microsoft.Communication.Email",
    "Microsoft.Communication.AdvancedMessage",
];

/// Whether the record's resource id (an event's `topic`, CloudEvents' `source`, when it has
/// none) names another provider than `Microsoft.Communication`: another service's resource log
/// in the same storage account, or its event delivered to the same endpoint.
pub(super) fn other_service(raw: &Raw<'_>) -> bool {
    let (id, topic) = match (raw.get(Field::ResourceId), raw.get(Field::Topic)) {
        (Val::Str(id), _) => (id, false),
        (Val::Missing, Val::Str(id)) => (id, true),
        _ => return false,
    };
    let marker = b"/providers/";
    let Some(at) = id
        .as_bytes()
        .windows(marker.len())
        .position(|w| w.eq_ignore_ascii_case(marker))
    else {
        return false;
    };
    let provider = id[at + marker.len()..].split('/').next().unwrap_or("");
    // An Event Grid custom topic or domain carries any publisher's events, ACS's republished
    // too (rev69b F4: a PlayFailed under `.../Microsoft.EventGrid/topics/acs-forward` was
    // skipped): its topic says nothing of whose event it is.
    let ours = provider.eq_ignore_ascii_case("Microsoft.Communication");
    let event_grid = topic && provider.eq_ignore_ascii_case("Microsoft.EventGrid");
    !(ours || event_grid)
}

/// The kind of record a category, type or table name says: `Err` for streaming usage and
/// ACS's other logs, none of which carries a Call Automation result.
pub(super) fn kind_from_names(raw: &Raw<'_>) -> Option<Result<Kind, SkipReason>> {
    for f in [Field::Category, Field::Type, Field::TableName] {
        if let Val::Str(s) = raw.get(f) {
            let s = trim(s);
            if let Some(k) = known_kind(s) {
                return Some(k.ok_or(SkipReason::StreamingUsage));
            }
            if f == Field::Category
                && ACTIVITY_CATEGORIES
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(s))
            {
                return Some(Err(SkipReason::Platform));
            }
            // Event Grid's own events (a subscription's validation handshake, its deletion)
            // reach the endpoint that logs the call events, and carry no result: read as
            // callback events, they are skipped as events without one.
            let prefixed = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
            // ACS's events of other services, which an Event Grid subscription to the
            // resource's every event type delivers beside Call Automation's.
            if OTHER_EVENTS.iter().any(|p| prefixed(p)) {
                return Some(Err(SkipReason::OtherLog));
            }
            if prefixed("Microsoft.Communication.") || prefixed("Microsoft.EventGrid.") {
                return Some(Ok(Kind::Callback));
            }
            // Another Azure service's event (`Microsoft.Storage.BlobCreated`) that an endpoint
            // logs beside ACS's: skipped as its resource logs are (rev69a F6: a `no code`
            // reject, which failed the run). A category or table name never begins so.
            if f == Field::Type && prefixed("Microsoft.") && s[10..].contains('.') {
                return Some(Err(SkipReason::OtherService));
            }
            if other_service(raw) {
                return Some(Err(SkipReason::OtherService));
            }
            let l = s.to_ascii_lowercase();
            if l.contains("streamingusage") {
                return Some(Err(SkipReason::StreamingUsage));
            }
            if other_log(&l) {
                return Some(Err(SkipReason::OtherLog));
            }
            if l.contains("mediasummary") {
                return Some(Ok(Kind::MediaSummary));
            }
            if l.contains("operational") || l.contains("incomingoperations") {
                return Some(Ok(Kind::Operations));
            }
        }
    }
    None
}
