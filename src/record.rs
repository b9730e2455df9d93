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
    /// Every kind, in the order of their bits ([`Kind::bit`]).
    pub const ALL: [Kind; 4] = [
        Kind::MediaSummary,
        Kind::Operations,
        Kind::Callback,
        Kind::Unknown,
    ];

    /// The kind's bit in a set of kinds held as one byte.
    pub fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The bits of the kinds with records in `counts` (in [`Kind::ALL`]'s order).
    pub fn bits_of(counts: &[u64; 4]) -> u8 {
        (Kind::ALL.iter().zip(counts))
            .filter(|(_, &n)| n > 0)
            .fold(0, |bits, (k, _)| bits | k.bit())
    }

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
    /// The ACS resource id, as the export writes it (empty when it has none).
    pub resource_id: Cow<'a, str>,
    /// `SdkType` and `SdkVersion` of an operations record (empty elsewhere).
    pub sdk_type: Cow<'a, str>,
    pub sdk_version: Cow<'a, str>,
    /// The prompt or source kind of a media operation (`TextSource`); empty when absent.
    pub prompt: Cow<'a, str>,
    /// `ServerCallId`, where the export carries it.
    pub server_call_id: Cow<'a, str>,
    /// `resultInformation.sipDetails` of a callback event, when the SBC or carrier gave it.
    pub sip: Diagnostic<'a>,
    /// `resultInformation.q850Details`.
    pub q850: Diagnostic<'a>,
    /// Whom a callback event's action was for: `participant.rawId` (`4:+14255550199`);
    /// empty elsewhere.
    pub target: Cow<'a, str>,
    /// A callback event's `operationContext`, the text the application gave the action;
    /// empty elsewhere.
    pub operation_context: Cow<'a, str>,
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
            resource_id: o(&self.resource_id),
            sdk_type: o(&self.sdk_type),
            sdk_version: o(&self.sdk_version),
            prompt: o(&self.prompt),
            server_call_id: o(&self.server_call_id),
            sip: self.sip.to_owned_diagnostic(),
            q850: self.q850.to_owned_diagnostic(),
            target: o(&self.target),
            operation_context: o(&self.operation_context),
        }
    }

    /// The resource a record belongs to, by name: the last segment of its resource id, in
    /// lower case (storage archives write ids in upper case, workspaces in lower); none when
    /// the export has no id.
    pub fn resource(&self) -> Option<String> {
        resource_name(&self.resource_id)
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
    TooManyKeys,
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
            Reason::TooManyKeys => "too many distinct keys",
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
    /// A record of another ACS log (CallSummary, CallClientOperations, SMSOperational...) that a
    /// diagnostic setting of `allLogs` exports beside Call Automation's.
    OtherLog,
    /// A resource log of another Azure service (Azure OpenAI's `RequestResponse`, an Event Hubs
    /// namespace's `OperationalLogs`) kept in the same storage account: its resource id names
    /// another provider than `Microsoft.Communication`.
    OtherService,
    /// A `...Succeeded` callback event whose `resultInformation` is of what it ended, not of
    /// itself (CancelAddParticipantSucceeded's 487/5234, the cancelled invitation): the
    /// action asked for succeeded, and is no failure.
    SucceededEvent,
    /// A record of Azure's activity log (category `Administrative`...) or of the platform
    /// metrics (`metricName`) of the ACS resource, kept beside its logs in the same storage
    /// account: of its management and its counters, not of its calls.
    Platform,
    /// A line of a log whose other lines carry records or events after a prefix (a callback
    /// endpoint's log: `info: ...CallbackController[0]`, its startup lines) that carries none.
    LogLine,
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::StreamingUsage => "streaming usage record",
            SkipReason::NoResult => "event without a result",
            SkipReason::NotALogRecord => "not a log record or event",
            SkipReason::OtherLog => "another ACS log, not Call Automation",
            SkipReason::OtherService => "another Azure service's log or event, not ACS",
            SkipReason::SucceededEvent => "Succeeded event with the code of what it ended",
            SkipReason::Platform => "activity log or platform metrics, not a resource log",
            SkipReason::LogLine => "log line without a record",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// `s.trim()`, without its search when `s` starts and ends with a visible ASCII character (most
/// log values): no whitespace, Unicode's included, is one.
#[inline]
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// A short, single-line excerpt of untrusted text for messages.
pub fn excerpt(s: &str, max: usize) -> String {
    // Line breaks and indentation (a pretty-printed record) become one space. Sized once: up
    // to 100,000 excerpts are kept, and as many held, so a String grown by doubling (up to
    // twice its length) would cost megabytes.
    let mut out = String::with_capacity(s.len().min(max * 4) + '…'.len_utf8());
    let mut taken = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if taken == max {
            out.push('…');
            break;
        }
        if c.is_control() || c == ' ' && chars.peek().is_some_and(|n| n.is_whitespace()) {
            out.push(' ');
            while chars.next_if(|n| n.is_whitespace()).is_some() {}
        } else {
            out.push(c);
        }
        taken += 1;
    }
    out
}

/// The name of a resource id: its last path segment, in lower case, cut as texts are
/// ([`cut`]); none for an empty id.
pub fn resource_name(id: &str) -> Option<String> {
    let name = id.trim().trim_end_matches('/').rsplit('/').next()?.trim();
    (!name.is_empty()).then(|| cut_owned(Cow::Owned(name.to_lowercase())).into_owned())
}

/// The longest text kept, in bytes: messages, SDK fields, SIP texts, and the names a record is
/// counted under (operation, prompt kind, resource). A longer one is cut at a character
/// boundary and ends in `…`, so that hostile texts of megabytes cost little; texts equal up to
/// the cut count as one.
pub const TEXT_BYTES: usize = 1_024;

const CUT_MARK: &str = "…";

/// A text as it is kept: at most [`TEXT_BYTES`].
pub fn cut(text: &str) -> Cow<'_, str> {
    if text.len() <= TEXT_BYTES {
        return Cow::Borrowed(text);
    }
    let mut end = TEXT_BYTES - CUT_MARK.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}{CUT_MARK}", &text[..end]))
}

/// [`cut`] of a text that may be borrowed or owned, borrowed still when it is short. Inline
/// for a short one: a call moved the text in and out, about 24 instructions for each of a
/// record's two names (stop 69).
#[inline(always)]
pub fn cut_owned(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.len() <= TEXT_BYTES {
        return text;
    }
    cut_long(&text)
}

/// [`cut_owned`] of a text over [`TEXT_BYTES`].
#[cold]
#[inline(never)]
fn cut_long(text: &str) -> Cow<'static, str> {
    Cow::Owned(cut(text).into_owned())
}

/// A (code, subcode) key.
pub type Key = (u32, Option<u32>);

/// Where in a file a record was: its 1-based line (0 for the whole file, or when a document
/// read as a whole does not say), and its 1-based index in the array of records that holds
/// it, for the records of a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub line: u64,
    pub record: Option<u64>,
}

impl From<u64> for At {
    fn from(line: u64) -> At {
        At::line(line)
    }
}

impl At {
    /// A line of its own (a row, a line of JSON Lines).
    pub fn line(line: u64) -> At {
        At { line, record: None }
    }

    /// The `index`-th record of an array (none for 0: not in one), which starts on `line`.
    pub fn record(line: u64, index: u64) -> At {
        At {
            line,
            record: (index > 0).then_some(index),
        }
    }
}

impl Reject {
    pub fn new(file: Arc<str>, at: At, reason: Reason, detail: &str, excerpt: &str) -> Reject {
        let mut texts = String::with_capacity(detail.len() + excerpt.len());
        texts.push_str(detail);
        texts.push_str(excerpt);
        Reject {
            file,
            line: at.line,
            record: at.record,
            reason,
            texts: texts.into_boxed_str(),
            split: detail.len() as u32,
        }
    }

    /// What was wrong, beyond its reason.
    pub fn detail(&self) -> &str {
        &self.texts[..self.split as usize]
    }

    /// The start of the record, on one short line.
    pub fn excerpt(&self) -> &str {
        &self.texts[self.split as usize..]
    }

    pub fn set_detail(&mut self, detail: &str) {
        *self = self.with_texts(detail, self.excerpt());
    }

    #[cfg(test)]
    pub fn set_excerpt(&mut self, excerpt: &str) {
        *self = self.with_texts(self.detail(), excerpt);
    }

    /// The same reject with other texts.
    fn with_texts(&self, detail: &str, excerpt: &str) -> Reject {
        let at = At {
            line: self.line,
            record: self.record,
        };
        Reject::new(self.file.clone(), at, self.reason, detail, excerpt)
    }

    /// Where it was, for people: `file:line`, with `(record N)` for a document's record.
    pub fn place(&self) -> String {
        let mut s = self.file.to_string();
        if self.line > 0 {
            s.push_str(&format!(":{}", self.line));
        }
        if let Some(n) = self.record {
            s.push_str(&format!(" (record {n})"));
        }
        s
    }
}

/// At most this many reject rows are kept for `rejects.csv`, the first by file and line; all
/// are counted.
pub const MAX_REJECT_ROWS: usize = 100_000;

/// A record that could not be used, and where it was. Up to 100,000 are kept, and as many
/// held per worker, so its texts are one allocation: the detail, then the excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub file: Arc<str>,
    /// 1-based line; 0 for the whole file, or a record of a document whose line is not known.
    pub line: u64,
    /// 1-based index of the record in its document's array; `None` for a row or a line.
    pub record: Option<u64>,
    pub reason: Reason,
    texts: Box<str>,
    /// Where the detail ends in `texts`.
    split: u32,
}

/// By place, then reason, detail and excerpt.
impl Ord for Reject {
    fn cmp(&self, o: &Reject) -> std::cmp::Ordering {
        (&*self.file, self.line, self.record, self.reason)
            .cmp(&(&*o.file, o.line, o.record, o.reason))
            .then_with(|| self.detail().cmp(o.detail()))
            .then_with(|| self.excerpt().cmp(o.excerpt()))
    }
}

impl PartialOrd for Reject {
    fn partial_cmp(&self, o: &Reject) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " 404 ",
            "404",
            "\t2026-10-28T00:00:00Z\r\n",
            "x\u{a0}",
            "\u{3000}y",
            "\u{2009}z\u{2009}",
            "é",
            "a b",
            "\u{85}",
            "~!",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(
            excerpt("{\n    \"a\":\t1,\n  \"b\": 2}", 80),
            "{ \"a\": 1, \"b\": 2}"
        );
        assert_eq!(excerpt("a  b", 80), "a b");
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("\u{1b}[31mred", 80), " [31mred");
        // Sized once: not grown by doubling past its length (100,000 are kept).
        let row = "2026-11-24T01:00:00Z,6e0b95bb-cb07-4417-8bd1-000000000001,x1,8500,Some message";
        let e = excerpt(row, 120);
        assert_eq!(e, row);
        assert!(e.capacity() <= row.len() + 3, "{}", e.capacity());
        assert_eq!(excerpt(&"é".repeat(200), 120).chars().count(), 121);
    }

    #[test]
    fn a_reject_says_its_line_and_its_record() {
        let mut r = Reject::new("a.json".into(), At::line(12), Reason::NotJson, "", "");
        assert_eq!(r.place(), "a.json:12");
        r.record = Some(3);
        assert_eq!(r.place(), "a.json:12 (record 3)");
        r.line = 0;
        assert_eq!(r.place(), "a.json (record 3)");
        assert_eq!(At::record(4, 0), At::line(4));
    }

    #[test]
    fn a_reject_is_small_and_sorts_by_place_then_detail_then_excerpt() {
        // 100,000 are kept and as many held per worker: 96 bytes with a String each.
        assert!(std::mem::size_of::<Reject>() <= 64);
        let r = |detail: &str, excerpt: &str| {
            Reject::new(
                "a.csv".into(),
                At::line(3),
                Reason::NotJson,
                detail,
                excerpt,
            )
        };
        // By detail first, though "a" + "zz" sorts after "ab" + "" as one text.
        assert!(r("a", "zz") < r("ab", ""));
        assert!(r("a", "b") < r("a", "c"));
        let mut x = r("a", "zz");
        x.set_detail("read failed");
        x.set_excerpt("");
        assert_eq!((x.detail(), x.excerpt()), ("read failed", ""));
        assert!(r("z", "z") < Reject::new("a.csv".into(), At::line(4), Reason::NotJson, "", ""));
    }
}
