//! Normalize: the rules that turn the wanted fields of one source record into a [`Record`], or
//! say why not. The field vocabulary of every export shape (which source key means what,
//! matched case-insensitively, and how nested objects are entered) is in `keys`, a source
//! value in `value`, a record's wanted fields in `raw`, and which log a record is of in `kind`.

use std::borrow::Cow;

use chrono::Datelike;

use crate::record::{cut_owned, excerpt, trim};
pub use crate::record::{Diagnostic, Kind, Reason, Record, SkipReason};
use crate::time::{parse_time, MAX_YEAR, MIN_YEAR};
pub use crate::time::{DateOrder, TimeRules};

mod keys;
mod kind;
mod raw;
mod value;

pub use keys::{
    key_role, key_role_bytes, strip_header_suffix, Context, Field, KeyRole, Levels, NO_LEVELS,
};
use kind::{kind_from_names, other_log_operation, other_service};
pub use raw::{Raw, NESTED_KEYS};
pub use value::Val;

/// The outcome of normalizing one source record.
// Returned once per record straight to the sink: boxing the record would allocate per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<'a> {
    Record(Record<'a>),
    /// A record that carries no outcome by design.
    Skip(SkipReason),
    Reject(Reason, String),
}

/// The time of a source record, when it has one that parses within the plausible years (used
/// for the records that are skipped, a streaming-usage record counted by day).
pub fn time_of(raw: &Raw<'_>, rules: &TimeRules) -> Option<chrono::DateTime<chrono::Utc>> {
    let (v, local) = raw.time();
    let t = match v {
        Val::Str(s) => parse_time(s, rules, local),
        Val::Int(n) if !local => crate::time::from_epoch_int(*n),
        Val::Float(n) if !local => crate::time::from_epoch(*n),
        _ => None,
    };
    t.filter(|t| (MIN_YEAR..=MAX_YEAR).contains(&t.year()))
}

/// Turns the wanted fields of a source record into a [`Record`], or says why not.
pub fn normalize<'a>(raw: &Raw<'a>, rules: &TimeRules) -> Outcome<'a> {
    let kind = match kind_from_names(raw) {
        Some(Ok(k)) => k,
        Some(Err(why)) => return Outcome::Skip(why),
        None if raw.is_empty() => return Outcome::Skip(SkipReason::NotALogRecord),
        None if !raw.get(Field::MetricName).is_nullish() => {
            return Outcome::Skip(SkipReason::Platform)
        }
        None if other_service(raw) => return Outcome::Skip(SkipReason::OtherService),
        // A streaming-usage row that no category or table names (a portal grid row).
        None if !matches!(raw.get(Field::Streaming), Val::Missing)
            && raw.get(Field::ResultCode).is_nullish()
            && raw.get(Field::ResultSignature).is_nullish() =>
        {
            return Outcome::Skip(SkipReason::StreamingUsage)
        }
        None => {
            let result = !raw.get(Field::ResultCode).is_nullish()
                || !raw.get(Field::ResultSubcode).is_nullish();
            // A result in a `resultInformation` is an event's, whatever else names none (an
            // SDK's parsed event as Microsoft's sample apps log it, an event's `data` alone):
            // it had been counted as a media summary record with no operation (rev69a F8).
            if result && raw.from_event() {
                Kind::Callback
            } else if result {
                Kind::MediaSummary
            } else if !raw.get(Field::ResultSignature).is_nullish() {
                // Every ACS operational log has a ResultSignature: one that names no table
                // (a query that projected its columns) is Call Automation's unless its
                // operation names another log's family (`SMSMessagesSent`, `ChatThreadCreated`).
                if other_log_operation(&raw.get(Field::OperationName).text()) {
                    return Outcome::Skip(SkipReason::OtherLog);
                }
                Kind::Operations
            } else {
                Kind::Unknown
            }
        }
    };

    // A row of a summary (`summarize count() by bin(TimeGenerated, 1h), ResultCode, ...`, as
    // Microsoft's sample queries for these tables do) stands for `count_` records whose calls
    // and times it no longer has: counted as one record, its code's share would be wrong.
    // pandas' `to_json()` of a query's table, column by column (its default for a frame): an
    // object of the row numbers' values under each column's name.
    if matches!(raw.get(Field::ResultCode), Val::Other)
        && matches!(raw.get(Field::Time), Val::Other)
    {
        let why = "a table written column by column (pandas' to_json default), not a record: write it with orient='records'";
        return Outcome::Reject(Reason::NotARecord, why.into());
    }
    let summary = raw.get(Field::SummaryCount);
    if !summary.is_nullish() {
        let why = format!(
            "a row of a summary (count_ {}), not a record: export the records, without summarize",
            excerpt(&summary.text(), 20)
        );
        return Outcome::Reject(Reason::NotARecord, why);
    }
    // Its code or subcode may be in what could not be read (rev64a F3: a `properties` cut
    // short had been read as 400 with no subcode, from `resultSignature`).
    if let Some(at) = raw.not_json {
        let key = NESTED_KEYS
            .get(usize::from(at))
            .unwrap_or(&"a nested object");
        let why = format!("{key} is text that does not parse as JSON, so its fields are lost");
        return Outcome::Reject(Reason::NotJson, why);
    }
    let code_val = if raw.get(Field::ResultCode).is_nullish() {
        raw.get(Field::ResultSignature)
    } else {
        raw.get(Field::ResultCode)
    };
    let code = match code_val.integer() {
        Ok(Some(c)) => c,
        // Lifecycle events (CallConnected, PlayCanceled...) may carry no resultInformation; a
        // failure event (PlayFailed) without one is a damaged record.
        Ok(None)
            if kind == Kind::Callback
                && raw.get(Field::ResultSubcode).is_nullish()
                && callback_operation(raw.get(Field::Type).text()).1 != "Failed" =>
        {
            return Outcome::Skip(SkipReason::NoResult)
        }
        // An event's `data` saved without its envelope (a recorder's IncomingCall: its ids and
        // parties, no type, time or result).
        Ok(None)
            if kind == Kind::Unknown
                && raw.get(Field::ResultSubcode).is_nullish()
                && raw.get(Field::Time).is_nullish()
                && !raw.get(Field::ServerCallId).is_nullish() =>
        {
            return Outcome::Skip(SkipReason::NoResult)
        }
        // An event is told by what it lacks, not by the log's columns (rev64a M1).
        Ok(None) if kind == Kind::Callback => {
            return Outcome::Reject(Reason::NoCode, "no resultInformation.code".into())
        }
        Ok(None) => {
            return Outcome::Reject(Reason::NoCode, "no ResultCode or ResultSignature".into())
        }
        Err(v) => return Outcome::Reject(Reason::CodeNotInteger, format!("code {v:?}")),
    };
    let subcode = match raw.get(Field::ResultSubcode).integer() {
        Ok(s) => s,
        Err(v) => return Outcome::Reject(Reason::SubcodeNotInteger, format!("subcode {v:?}")),
    };
    // Newer API versions (2025-06-15 and 2026-03-12 in the SDKs' recorded events) give
    // lifecycle events a `resultInformation` of plain success (200, 0): no more an outcome
    // than the same events without one, above.
    if kind == Kind::Callback
        && code == 200
        && subcode.unwrap_or(0) == 0
        && is_lifecycle_event(&raw.get(Field::Type).text())
    {
        return Outcome::Skip(SkipReason::NoResult);
    }
    // CancelAddParticipantSucceeded carries the code of the invitation it cancelled (487).
    if kind == Kind::Callback
        && code >= 300
        && callback_operation(raw.get(Field::Type).text()).1 == "Succeeded"
    {
        return Outcome::Skip(SkipReason::SucceededEvent);
    }
    // A `[Local Time]` value is read at the local offset; every other time carries its own.
    let (time_val, local) = raw.time();
    let time = match time_val {
        Val::Str(s) => match parse_time(s, rules, local) {
            Some(t) => t,
            None => return Outcome::Reject(Reason::NoTime, format!("time {:?}", excerpt(s, 40))),
        },
        // A number since the epoch (pandas' `to_json`), not a local time.
        Val::Int(n) if !local => match crate::time::from_epoch_int(*n) {
            Some(t) => t,
            None => return Outcome::Reject(Reason::NoTime, format!("time {n} (a number)")),
        },
        Val::Float(n) if !local => match crate::time::from_epoch(*n) {
            Some(t) => t,
            None => return Outcome::Reject(Reason::NoTime, format!("time {n} (a number)")),
        },
        v if v.is_nullish() => return Outcome::Reject(Reason::NoTime, "no time field".into()),
        _ => return Outcome::Reject(Reason::NoTime, "time is not text".into()),
    };
    // The year of the UTC date as stored: `DateTime::year` adds the zone's offset (zero) first.
    if !(MIN_YEAR..=MAX_YEAR).contains(&time.naive_utc().year()) {
        return Outcome::Reject(
            Reason::TimeOutOfRange,
            format!(
                "time {} is outside {MIN_YEAR}-{MAX_YEAR}",
                time.to_rfc3339()
            ),
        );
    }

    accepted(raw, kind, time, code, subcode)
}

/// [`record`] as an [`Outcome`], built where the caller's `Outcome` lies: written at the end of
/// [`normalize`], the record was built on its stack and copied over (a 408-byte memcpy a
/// record, stop 65). Returned whole from a call, it is the caller's return place.
#[inline(never)]
fn accepted<'a>(
    raw: &Raw<'a>,
    kind: Kind,
    time: chrono::DateTime<chrono::Utc>,
    code: u32,
    subcode: Option<u32>,
) -> Outcome<'a> {
    Outcome::Record(record(raw, kind, time, code, subcode))
}

/// A callback event without a result of its own, which [`normalize`] skips: a PlayCanceled
/// or RecognizeCanceled without a `resultInformation` (older API versions; the SDKs' own test
/// events hold only the call's ids in `data`), which ends its action all the same, and a
/// lifecycle event (CallConnected, ParticipantsUpdated, PlayStarted...), which tells that the
/// input holds its call's callback events: the record it stands for, with code 0, for the
/// silent-failure test only.
///
/// Event Grid's own calling events ([`EVENT_GRID_CALL_EVENTS`]: IncomingCall, CallStarted,
/// CallEnded...) reach the app's Event Grid subscription, not the call's callback URI: they
/// tell nothing of whether the input holds the call's callback events, and stand for none.
pub fn event_of_call<'a>(raw: &Raw<'a>, rules: &TimeRules) -> Option<Record<'a>> {
    if !matches!(kind_from_names(raw), Some(Ok(Kind::Callback))) {
        return None;
    }
    let (op, _) = callback_operation(raw.get(Field::Type).text());
    if EVENT_GRID_CALL_EVENTS
        .iter()
        .any(|e| op.eq_ignore_ascii_case(e))
    {
        return None;
    }
    let time = time_of(raw, rules)?;
    Some(record(raw, Kind::Callback, time, 0, None))
}

/// A record skipped for want of an outcome (`reason`) that names its call and the call's ACS
/// resource: an Event Grid calling event (IncomingCall, CallStarted...) by its `topic`
/// (`/subscriptions/.../providers/Microsoft.Communication/CommunicationServices/NAME`), a
/// streaming-usage record or a record of another ACS log by its resource id. It is counted
/// nowhere: it gives the join of callback records to their calls' resources that call's
/// resource, as a counted record of the call would. None when it names no call (CorrelationId
/// or CallConnectionId), no ACS resource or no time; none for the skips of another service's
/// log, of the platform's records and of lines that are no record.
pub fn naming_call<'a>(raw: &Raw<'a>, reason: SkipReason, rules: &TimeRules) -> Option<Record<'a>> {
    if !matches!(
        reason,
        SkipReason::NoResult
            | SkipReason::SucceededEvent
            | SkipReason::StreamingUsage
            | SkipReason::OtherLog
    ) {
        return None;
    }
    if raw.get(Field::CorrelationId).is_nullish() && raw.get(Field::CallConnectionId).is_nullish() {
        return None;
    }
    let resource_id = match (raw.get(Field::ResourceId), raw.get(Field::Topic)) {
        (Val::Str(id), _) if !trim(id).is_empty() => id.clone(),
        (_, Val::Str(topic)) if acs_resource(topic) => topic.clone(),
        _ => return None,
    };
    let time = time_of(raw, rules)?;
    let kind = match kind_from_names(raw) {
        Some(Ok(k)) => k,
        _ => Kind::Unknown,
    };
    let mut r = record(raw, kind, time, 0, None);
    r.resource_id = resource_id;
    Some(r)
}

/// Whether an Event Grid `topic` is the id of an ACS resource: its provider and type
/// `Microsoft.Communication/CommunicationServices`, any case, and one name after them (a
/// trailing `/` allowed). Only such a resource publishes call events: an event another service
/// or an Email or SMS resource published names no call's resource.
fn acs_resource(topic: &str) -> bool {
    let marker = b"/providers/microsoft.communication/communicationservices/";
    let t = topic.as_bytes();
    (t.windows(marker.len()))
        .position(|w| w.eq_ignore_ascii_case(marker))
        .is_some_and(|at| {
            let name = topic[at + marker.len()..].trim_end_matches('/');
            !name.is_empty() && !name.contains('/')
        })
}

/// The calling events ACS publishes to Event Grid (MicrosoftDocs/azure-docs
/// articles/event-grid/communication-services-voice-video-events.md), not to a call's callback
/// URI: their last segment of `Microsoft.Communication.*`.
const EVENT_GRID_CALL_EVENTS: [&str; 6] = [
    "IncomingCall",
    "CallStarted",
    "CallEnded",
    "CallParticipantAdded",
    "CallParticipantRemoved",
    "RecordingFileStatusUpdated",
];

/// The record `raw` makes, of `kind` at `time`, with `code` and `subcode`.
fn record<'a>(
    raw: &Raw<'a>,
    kind: Kind,
    time: chrono::DateTime<chrono::Utc>,
    code: u32,
    subcode: Option<u32>,
) -> Record<'a> {
    let (operation, result_type) = if kind == Kind::Callback {
        let t = raw.get(Field::Type).text();
        callback_operation(t)
    } else {
        (
            raw.get(Field::OperationName).text(),
            raw.get(Field::ResultType).text(),
        )
    };
    Record {
        time,
        kind,
        // Names a record is counted under are cut as texts are: a hostile name of megabytes
        // would otherwise be held whole in every table and output that names it.
        operation: cut_owned(operation),
        result_type,
        code,
        subcode,
        message: raw.get(Field::ResultMessage).text(),
        correlation_id: raw.get(Field::CorrelationId).text(),
        call_connection_id: raw.get(Field::CallConnectionId).text(),
        operation_id: raw.get(Field::OperationId).text(),
        resource_id: raw.get(Field::ResourceId).text(),
        sdk_type: raw.get(Field::SdkType).text(),
        sdk_version: raw.get(Field::SdkVersion).text(),
        prompt: cut_owned(raw.get(Field::Prompt).text()),
        server_call_id: raw.get(Field::ServerCallId).text(),
        sip: diagnostic(raw, Field::SipCode, Field::SipMessage),
        q850: diagnostic(raw, Field::Q850Code, Field::Q850Message),
        // Only callback events carry them: the other records pay one comparison.
        target: callback_text(kind, raw, Field::Target),
        operation_context: callback_text(kind, raw, Field::OperationContext),
    }
}

/// The text of a field only callback events carry; empty for the other records.
#[inline(always)]
fn callback_text<'a>(kind: Kind, raw: &Raw<'a>, f: Field) -> Cow<'a, str> {
    match kind {
        Kind::Callback => raw.get(f).text(),
        _ => Cow::Borrowed(""),
    }
}

/// A SIP or Q.850 diagnostic; a code that is not a number is left out, never a reason to
/// reject the record it describes.
/// Inline for what most records have, neither field (stop 65: 130 instructions a record).
#[inline(always)]
fn diagnostic<'a>(raw: &Raw<'a>, code: Field, message: Field) -> Diagnostic<'a> {
    if matches!(raw.get(code), Val::Missing) && matches!(raw.get(message), Val::Missing) {
        return Diagnostic::default();
    }
    diagnostic_read(raw, code, message)
}

/// [`diagnostic`] of a record that has either field.
#[inline(never)]
fn diagnostic_read<'a>(raw: &Raw<'a>, code: Field, message: Field) -> Diagnostic<'a> {
    Diagnostic {
        code: raw.get(code).integer().ok().flatten(),
        message: raw.get(message).text(),
    }
}

/// Whether a callback event (`Microsoft.Communication.CallConnected`) tells of a call's state
/// (CallConnected, ParticipantsUpdated, PlayStarted, MediaStreamingStopped,
/// RecordingStateChanged...), not of how an action ended: its name has no result (`Failed`,
/// `Completed`, ...), and it is neither the end of the call (CallDisconnected, whose codes the
/// catalogue explains) nor a transfer taken (CallTransferAccepted). Spaces around the name and
/// its case do not count ([`callback_operation`]).
fn is_lifecycle_event(t: &str) -> bool {
    let (op, result) = callback_operation(Cow::Borrowed(t));
    result.is_empty()
        && !op.is_empty()
        && !op.eq_ignore_ascii_case("CallDisconnected")
        && !op.eq_ignore_ascii_case("CallTransferAccepted")
}

/// `Microsoft.Communication.PlayFailed` → operation `PlayFailed`, result type `Failed`.
/// Spaces around the type and the case of its result do not count (`...playfailed` is `Failed`).
fn callback_operation(t: Cow<'_, str>) -> (Cow<'_, str>, Cow<'_, str>) {
    // Where the last segment of `s` starts and ends, spaces around `s` left out.
    let last = |s: &str| -> (usize, usize) {
        let start = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        let from = trimmed.rfind('.').map_or(0, |i| i + 1);
        (start + from, start + trimmed.len())
    };
    let op: Cow<'_, str> = match t {
        Cow::Borrowed(s) => {
            let (a, b) = last(s);
            Cow::Borrowed(&s[a..b])
        }
        Cow::Owned(s) => {
            let (a, b) = last(&s);
            Cow::Owned(s[a..b].to_string())
        }
    };
    let result = ["Failed", "Completed", "Canceled", "Cancelled", "Succeeded"]
        .into_iter()
        .find(|r| {
            let o = op.as_bytes();
            o.len() >= r.len() && o[o.len() - r.len()..].eq_ignore_ascii_case(r.as_bytes())
        })
        .unwrap_or("");
    (op, Cow::Borrowed(result))
}

#[cfg(test)]
mod tests;
