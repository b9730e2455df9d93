//! The record every export shape becomes, and the vocabulary of what can happen to one: its
//! kind, the reasons it is rejected or skipped, and where a reject was found.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// Which log a record comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    MediaSummary,
    Operations,
    Callback,
    Unknown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MediaSummary => "media_summary",
            Kind::Operations => "operations",
            Kind::Callback => "callback",
            Kind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A normalized record. Text borrows from the input buffer where it can.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub time: DateTime<Utc>,
    pub kind: Kind,
    pub operation: Cow<'a, str>,
    pub result_type: Cow<'a, str>,
    pub code: u32,
    pub subcode: Option<u32>,
    pub message: Cow<'a, str>,
    pub correlation_id: Cow<'a, str>,
    pub call_connection_id: Cow<'a, str>,
    pub operation_id: Cow<'a, str>,
    /// `resultInformation.sipDetails` of a callback event, when the SBC or carrier gave it.
    pub sip: Diagnostic<'a>,
    /// `resultInformation.q850Details`.
    pub q850: Diagnostic<'a>,
}

/// A SIP or Q.850 diagnostic: its code and message, both optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostic<'a> {
    pub code: Option<u32>,
    pub message: Cow<'a, str>,
}

impl Diagnostic<'_> {
    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.message.is_empty()
    }

    pub fn to_owned_diagnostic(&self) -> Diagnostic<'static> {
        Diagnostic {
            code: self.code,
            message: Cow::Owned(self.message.to_string()),
        }
    }
}

impl Record<'_> {
    /// The same record owning its text, to keep it beyond the input buffer.
    pub fn to_owned_record(&self) -> Record<'static> {
        let o = |c: &Cow<'_, str>| Cow::Owned(c.to_string());
        Record {
            time: self.time,
            kind: self.kind,
            operation: o(&self.operation),
            result_type: o(&self.result_type),
            code: self.code,
            subcode: self.subcode,
            message: o(&self.message),
            correlation_id: o(&self.correlation_id),
            call_connection_id: o(&self.call_connection_id),
            operation_id: o(&self.operation_id),
            sip: self.sip.to_owned_diagnostic(),
            q850: self.q850.to_owned_diagnostic(),
        }
    }

    /// The call a record belongs to: CorrelationId, else CallConnectionId, else none.
    pub fn call_id(&self) -> Option<&str> {
        if !self.correlation_id.is_empty() {
            Some(&self.correlation_id)
        } else if !self.call_connection_id.is_empty() {
            Some(&self.call_connection_id)
        } else {
            None
        }
    }
}

/// Why a record was rejected. The label is stable: reports group by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    NotJson,
    Truncated,
    BadDocument,
    FieldCount,
    UnclosedQuote,
    CodeNotInteger,
    SubcodeNotInteger,
    NoTime,
    NoCode,
    NotARecord,
    TooLarge,
    TooDeep,
    TimeOutOfRange,
    Unreadable,
}

impl Reason {
    pub fn label(self) -> &'static str {
        match self {
            Reason::NotJson => "not json",
            Reason::Truncated => "truncated record",
            Reason::BadDocument => "bad json document",
            Reason::FieldCount => "wrong field count",
            Reason::UnclosedQuote => "unclosed quote",
            Reason::CodeNotInteger => "code not an integer",
            Reason::SubcodeNotInteger => "subcode not an integer",
            Reason::NoTime => "no parseable time",
            Reason::NoCode => "no code",
            Reason::NotARecord => "not a record",
            Reason::TooLarge => "record too large",
            Reason::TooDeep => "nested too deep",
            Reason::TimeOutOfRange => "time out of range",
            Reason::Unreadable => "unreadable file",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a record was skipped: it carries no outcome by design. Skips are counted and reported,
/// and never count toward `--max-bad`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A streaming-usage record: session durations, no result at all.
    StreamingUsage,
    /// A callback event without `resultInformation` (CallConnected, PlayCanceled, ...).
    NoResult,
    /// An object with none of the fields of a log record or an event (an incoming-call payload
    /// kept beside the events, say).
    NotALogRecord,
}

impl SkipReason {
    pub const ALL: [SkipReason; 3] = [
        SkipReason::StreamingUsage,
        SkipReason::NoResult,
        SkipReason::NotALogRecord,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SkipReason::StreamingUsage => "streaming usage record",
            SkipReason::NoResult => "event without a result",
            SkipReason::NotALogRecord => "not a log record or event",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A short, single-line excerpt of untrusted text for messages.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// A (code, subcode) key.
pub type Key = (u32, Option<u32>);

/// A record that could not be used, and where it was.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reject {
    pub file: Arc<str>,
    /// 1-based line, or record index inside a streamed document (said in `detail`); 0 for the
    /// whole file.
    pub line: u64,
    pub reason: Reason,
    pub detail: String,
    pub excerpt: String,
}
