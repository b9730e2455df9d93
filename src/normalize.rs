//! The one canonical record every export shape is turned into, and the rules that fill it: which
//! source field means what (matched case-insensitively), how values of any shape become a time,
//! a code and a subcode, and which records are rejected or skipped.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};

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

/// A source value as any shape gave it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val<'a> {
    #[default]
    Missing,
    Null,
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// An object or array where a scalar was expected.
    Other,
}

impl<'a> Val<'a> {
    pub fn into_owned(self) -> Val<'static> {
        match self {
            Val::Missing => Val::Missing,
            Val::Null => Val::Null,
            Val::Str(s) => Val::Str(Cow::Owned(s.into_owned())),
            Val::Int(i) => Val::Int(i),
            Val::Float(f) => Val::Float(f),
            Val::Bool(b) => Val::Bool(b),
            Val::Other => Val::Other,
        }
    }

    /// Absent, null, or one of the spellings exports use for null.
    pub fn is_nullish(&self) -> bool {
        match self {
            Val::Missing | Val::Null => true,
            Val::Str(s) => {
                // Most values start and end with an ASCII character that is neither space nor
                // the first letter of `None` / `null`: no need to trim.
                let b = s.as_bytes();
                if let (Some(&f), Some(&l)) = (b.first(), b.last()) {
                    let plain = |c: u8| c.is_ascii() && !c.is_ascii_whitespace() && c > b' ';
                    if plain(f) && plain(l) && !matches!(f, b'N' | b'n') {
                        return false;
                    }
                }
                let t = s.trim();
                t.is_empty() || t == "None" || t.eq_ignore_ascii_case("null")
            }
            _ => false,
        }
    }

    fn text(&self) -> Cow<'a, str> {
        if self.is_nullish() {
            return Cow::Borrowed("");
        }
        match self {
            Val::Str(s) => s.clone(),
            Val::Int(i) => Cow::Owned(i.to_string()),
            Val::Float(f) => Cow::Owned(f.to_string()),
            Val::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            _ => Cow::Borrowed(""),
        }
    }

    /// An integer code: a JSON number, or text holding one (az CLI and CSV give text).
    fn integer(&self) -> Result<Option<u32>, String> {
        if self.is_nullish() {
            return Ok(None);
        }
        let v = match self {
            Val::Int(i) => *i,
            Val::Float(f) if f.fract() == 0.0 && f.abs() < 1e12 => *f as i64,
            Val::Str(s) => {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(v) => v,
                    // Excel re-saves may turn 404 into 404.0.
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.fract() == 0.0 && f.abs() < 1e12 => f as i64,
                        _ => return Err(excerpt(t, 40)),
                    },
                }
            }
            Val::Bool(b) => return Err(b.to_string()),
            _ => return Err("a non-scalar value".into()),
        };
        u32::try_from(v).map(Some).map_err(|_| v.to_string())
    }
}

/// The source fields the report needs. Everything else in a record is skipped unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Time,
    Category,
    Type,
    TableName,
    OperationName,
    ResultType,
    ResultCode,
    ResultSignature,
    ResultSubcode,
    ResultMessage,
    CorrelationId,
    CallConnectionId,
    OperationId,
    /// A time in the viewer's local zone, with no offset recorded (portal `[Local Time]`).
    LocalTime,
    SipCode,
    SipMessage,
    Q850Code,
    Q850Message,
    /// A streaming-usage field (`StreamingModality`): a row of that log, whatever names it.
    Streaming,
}

const FIELDS: usize = 19;

/// Where in a record a key sits: its meaning depends on the nesting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The record itself, or `properties` / `data` inside it.
    Record,
    /// `data.resultInformation` of a callback event.
    ResultInformation,
    /// `sipDetails` inside `resultInformation`.
    Sip,
    /// `q850Details` inside `resultInformation`.
    Q850,
}

impl Context {
    /// Whether the fields of this object are its own (a SIP or Q.850 diagnostic), so that it
    /// can be read straight into the record around it rather than filling its gaps.
    pub fn is_diagnostic(self) -> bool {
        matches!(self, Context::Sip | Context::Q850)
    }
}

/// What a key is, case-insensitively: a field, or a nested object to descend into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    Field(Field),
    /// An object to read the fields of: `properties` of the common schema, `data` of a
    /// callback event (both [`Context::Record`]), `resultInformation`, `sipDetails`,
    /// `q850Details`.
    Enter(Context),
    Ignore,
}

/// Strips the portal's header suffixes (` [UTC]`, ` [Local Time]`).
pub fn strip_header_suffix(key: &str) -> (&str, Option<bool>) {
    let k = key.trim();
    let strip = |suffix: &str| {
        let n = k.len().checked_sub(suffix.len())?;
        (k.is_char_boundary(n) && k[n..].eq_ignore_ascii_case(suffix)).then(|| k[..n].trim_end())
    };
    if let Some(p) = strip("[UTC]") {
        return (p, Some(false));
    }
    if let Some(p) = strip("[Local Time]") {
        return (p, Some(true));
    }
    (k, None)
}

/// A key of 4 to 16 bytes as two overlapping words (the first and the last 4 or 8 bytes),
/// every letter folded to lower case by setting bit 0x20. For the all-letter names matched
/// below, equal length and equal words is exactly ASCII case-insensitive equality: only `x`
/// and `x - 0x20` (its upper case) fold to a lower-case letter `x`.
const fn folded(key: &[u8]) -> (u64, u64) {
    const fn word(b: &[u8], at: usize, n: usize) -> u64 {
        let mut w = 0u64;
        let mut i = 0;
        while i < n {
            w |= ((b[at + i] | 0x20) as u64) << (8 * i);
            i += 1;
        }
        w
    }
    let n = key.len();
    if n >= 8 {
        (word(key, 0, 8), word(key, n - 8, 8))
    } else {
        (word(key, 0, 4), word(key, n - 4, 4))
    }
}

/// [`folded`] with two loads instead of a loop, for keys as they are read.
fn folded_fast(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    if n >= 8 {
        let w = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        (
            w(0) | 0x2020_2020_2020_2020,
            w(n - 8) | 0x2020_2020_2020_2020,
        )
    } else {
        let w = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        (
            u64::from(w(0) | 0x2020_2020),
            u64::from(w(n - 4) | 0x2020_2020),
        )
    }
}

/// Which field a key names, case-insensitively.
pub fn key_role(ctx: Context, key: &str) -> KeyRole {
    key_role_bytes(ctx, key.as_bytes())
}

/// [`key_role`] on bytes: one or two word comparisons per candidate of the key's length (a
/// record has about 25 keys, most of them not wanted).
pub fn key_role_bytes(ctx: Context, key: &[u8]) -> KeyRole {
    // Portal grid headers as JSON keys: `TimeGenerated [UTC]`, `TimeGenerated [Local Time]`.
    if key.last() == Some(&b']') {
        return suffixed_role(ctx, key);
    }
    macro_rules! keys {
        ($($name:literal => $role:expr,)*) => {{
            let n = key.len();
            if !(4..=16).contains(&n) {
                return match n {
                    17 if key.eq_ignore_ascii_case(b"resultinformation") => {
                        KeyRole::Enter(Context::ResultInformation)
                    }
                    // The page's name for the object that holds the two diagnostics.
                    17 if ctx == Context::ResultInformation
                        && key.eq_ignore_ascii_case(b"sipdiagnosticinfo") =>
                    {
                        KeyRole::Enter(Context::ResultInformation)
                    }
                    17 if ctx == Context::Record && key.eq_ignore_ascii_case(b"streamingmodality") => {
                        KeyRole::Field(Field::Streaming)
                    }
                    _ => KeyRole::Ignore,
                };
            }
            let k = folded_fast(key);
            $(
                if n == $name.len() && k == const { folded($name) } {
                    return $role;
                }
            )*
            KeyRole::Ignore
        }};
    }
    match ctx {
        Context::ResultInformation => {
            return keys! {
                b"code" => KeyRole::Field(Field::ResultCode),
                b"subcode" => KeyRole::Field(Field::ResultSubcode),
                b"message" => KeyRole::Field(Field::ResultMessage),
                b"sipdetails" => KeyRole::Enter(Context::Sip),
                b"q850details" => KeyRole::Enter(Context::Q850),
            }
        }
        Context::Sip => {
            return keys! {
                b"code" => KeyRole::Field(Field::SipCode),
                b"message" => KeyRole::Field(Field::SipMessage),
            }
        }
        Context::Q850 => {
            return keys! {
                b"code" => KeyRole::Field(Field::Q850Code),
                b"message" => KeyRole::Field(Field::Q850Message),
            }
        }
        Context::Record => {}
    }
    keys! {
        b"time" => KeyRole::Field(Field::Time),
        b"type" => KeyRole::Field(Field::Type),
        b"data" => KeyRole::Enter(Context::Record),
        b"category" => KeyRole::Field(Field::Category),
        // Event Grid's schema for the same events.
        b"eventtime" => KeyRole::Field(Field::Time),
        b"eventtype" => KeyRole::Field(Field::Type),
        b"sipdetails" => KeyRole::Enter(Context::Sip),
        b"q850details" => KeyRole::Enter(Context::Q850),
        b"tablename" => KeyRole::Field(Field::TableName),
        b"resultcode" => KeyRole::Field(Field::ResultCode),
        b"resulttype" => KeyRole::Field(Field::ResultType),
        b"properties" => KeyRole::Enter(Context::Record),
        b"operationid" => KeyRole::Field(Field::OperationId),
        b"timegenerated" => KeyRole::Field(Field::Time),
        b"operationname" => KeyRole::Field(Field::OperationName),
        b"resultsubcode" => KeyRole::Field(Field::ResultSubcode),
        b"resultmessage" => KeyRole::Field(Field::ResultMessage),
        b"correlationid" => KeyRole::Field(Field::CorrelationId),
        b"resultsignature" => KeyRole::Field(Field::ResultSignature),
        b"callconnectionid" => KeyRole::Field(Field::CallConnectionId),
    }
}

/// The role of a key with a portal header suffix: `TimeGenerated [UTC]` is the time,
/// `TimeGenerated [Local Time]` a local time; other suffixed keys are read as their name.
fn suffixed_role(ctx: Context, key: &[u8]) -> KeyRole {
    let Ok(k) = std::str::from_utf8(key) else {
        return KeyRole::Ignore;
    };
    let (name, local) = strip_header_suffix(k);
    let Some(local) = local else {
        return KeyRole::Ignore;
    };
    match key_role_bytes(ctx, name.as_bytes()) {
        KeyRole::Field(Field::Time) if local => KeyRole::Field(Field::LocalTime),
        KeyRole::Field(f) => KeyRole::Field(f),
        _ => KeyRole::Ignore,
    }
}

/// The wanted fields of one source record, before normalization.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Raw<'a> {
    vals: [Val<'a>; FIELDS],
}

impl<'a> Raw<'a> {
    pub fn get(&self, f: Field) -> &Val<'a> {
        &self.vals[f as usize]
    }

    /// Sets a field unless an earlier (outer) value is already there.
    pub fn set(&mut self, f: Field, v: Val<'a>) {
        let slot = &mut self.vals[f as usize];
        if matches!(v, Val::Missing) {
            return;
        }
        if matches!(slot, Val::Missing) || slot.is_nullish() {
            *slot = v;
        }
    }

    /// Fills fields still missing from a nested object (`properties`, `data`).
    pub fn fill_from(&mut self, inner: Raw<'a>) {
        for (slot, v) in self.vals.iter_mut().zip(inner.vals) {
            if matches!(v, Val::Missing) {
                continue;
            }
            if slot.is_nullish() && !v.is_nullish() {
                *slot = v;
            }
        }
    }

    pub fn into_owned(self) -> Raw<'static> {
        Raw {
            vals: self.vals.map(Val::into_owned),
        }
    }

    /// Whether no field was found at all.
    pub fn is_empty(&self) -> bool {
        self.vals.iter().all(|v| matches!(v, Val::Missing))
    }

    /// Whether its time is a `[Local Time]` one (no other time given).
    pub fn has_local_time(&self) -> bool {
        !matches!(self.get(Field::LocalTime), Val::Missing) && self.get(Field::Time).is_nullish()
    }
}

/// Day/month order of locale-formatted dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    Mdy,
    Dmy,
    Ymd,
}

/// How times are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeRules {
    /// Day/month order of the portal's locale dates; `None` reads a locale date only when the
    /// value itself tells its order (`13/05/2026`, or en-US `5/5/2026, 1:00:00.000 PM`).
    pub order: Option<DateOrder>,
    /// The offset of `[Local Time]` values, which carry none; `None` reads them as UTC.
    pub local_offset: Option<FixedOffset>,
}

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

/// The category and table names Azure uses, matched first without allocating.
const KNOWN_KINDS: [(&str, Option<Kind>); 6] = [
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

fn kind_from_names(raw: &Raw<'_>) -> Option<Result<Kind, ()>> {
    for f in [Field::Category, Field::Type, Field::TableName] {
        if let Val::Str(s) = raw.get(f) {
            let s = s.trim();
            if let Some((_, k)) = KNOWN_KINDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
                return Some(k.ok_or(()));
            }
            if s.starts_with("Microsoft.Communication.") {
                return Some(Ok(Kind::Callback));
            }
            let l = s.to_ascii_lowercase();
            if l.contains("streamingusage") {
                return Some(Err(()));
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

/// The years a log time may fall in: anything else is a damaged value, not a call.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;

/// Turns the wanted fields of a source record into a [`Record`], or says why not.
pub fn normalize<'a>(raw: &Raw<'a>, rules: &TimeRules) -> Outcome<'a> {
    let kind = match kind_from_names(raw) {
        Some(Ok(k)) => k,
        Some(Err(())) => return Outcome::Skip(SkipReason::StreamingUsage),
        None if raw.is_empty() => return Outcome::Skip(SkipReason::NotALogRecord),
        // A streaming-usage row that no category or table names (a portal grid row).
        None if !matches!(raw.get(Field::Streaming), Val::Missing)
            && raw.get(Field::ResultCode).is_nullish()
            && raw.get(Field::ResultSignature).is_nullish() =>
        {
            return Outcome::Skip(SkipReason::StreamingUsage)
        }
        None => {
            if !raw.get(Field::ResultCode).is_nullish()
                || !raw.get(Field::ResultSubcode).is_nullish()
            {
                Kind::MediaSummary
            } else if !raw.get(Field::ResultSignature).is_nullish() {
                Kind::Operations
            } else {
                Kind::Unknown
            }
        }
    };

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
                && !callback_operation(raw.get(Field::Type).text())
                    .0
                    .ends_with("Failed") =>
        {
            return Outcome::Skip(SkipReason::NoResult)
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
    // A `[Local Time]` value is read at the local offset; every other time carries its own.
    let (time_val, local) = if raw.has_local_time() {
        (raw.get(Field::LocalTime), true)
    } else {
        (raw.get(Field::Time), false)
    };
    let time = match time_val {
        Val::Str(s) => match parse_time(s, rules, local) {
            Some(t) => t,
            None => return Outcome::Reject(Reason::NoTime, format!("time {:?}", excerpt(s, 40))),
        },
        v if v.is_nullish() => return Outcome::Reject(Reason::NoTime, "no time field".into()),
        _ => return Outcome::Reject(Reason::NoTime, "time is not text".into()),
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&time.year()) {
        return Outcome::Reject(
            Reason::TimeOutOfRange,
            format!(
                "time {} is outside {MIN_YEAR}-{MAX_YEAR}",
                time.to_rfc3339()
            ),
        );
    }

    let (operation, result_type) = if kind == Kind::Callback {
        let t = raw.get(Field::Type).text();
        callback_operation(t)
    } else {
        (
            raw.get(Field::OperationName).text(),
            raw.get(Field::ResultType).text(),
        )
    };

    Outcome::Record(Record {
        time,
        kind,
        operation,
        result_type,
        code,
        subcode,
        message: raw.get(Field::ResultMessage).text(),
        correlation_id: raw.get(Field::CorrelationId).text(),
        call_connection_id: raw.get(Field::CallConnectionId).text(),
        operation_id: raw.get(Field::OperationId).text(),
        sip: diagnostic(raw, Field::SipCode, Field::SipMessage),
        q850: diagnostic(raw, Field::Q850Code, Field::Q850Message),
    })
}

/// A SIP or Q.850 diagnostic; a code that is not a number is left out, never a reason to
/// reject the record it describes.
fn diagnostic<'a>(raw: &Raw<'a>, code: Field, message: Field) -> Diagnostic<'a> {
    Diagnostic {
        code: raw.get(code).integer().ok().flatten(),
        message: raw.get(message).text(),
    }
}

/// `Microsoft.Communication.PlayFailed` → operation `PlayFailed`, result type `Failed`.
fn callback_operation(t: Cow<'_, str>) -> (Cow<'_, str>, Cow<'_, str>) {
    let op: Cow<'_, str> = match &t {
        Cow::Borrowed(s) => Cow::Borrowed(s.rsplit('.').next().unwrap_or(s)),
        Cow::Owned(s) => Cow::Owned(s.rsplit('.').next().unwrap_or(s).to_string()),
    };
    let result = ["Failed", "Completed", "Canceled", "Cancelled", "Succeeded"]
        .into_iter()
        .find(|r| op.ends_with(r))
        .unwrap_or("");
    (op, Cow::Borrowed(result))
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

/// Parses a time: RFC 3339 / ISO 8601 (any number of fraction digits, with or without offset,
/// a missing offset meaning UTC), or the portal's locale forms in `rules.order` (or, without
/// one, in the order the value itself tells). A `local` value carries no offset and is read at
/// `rules.local_offset`.
pub fn parse_time(s: &str, rules: &TimeRules, local: bool) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(t) = fast_utc(s.as_bytes()) {
        return Some(t);
    }
    // Portal dates (`5/25/2023, 5:43:25.746 PM`) first when they are expected.
    let order = rules
        .order
        .or_else(|| s.contains('/').then(|| order_evidence(s)).flatten());
    let locale = match order {
        Some(order) => fast_locale(s.as_bytes(), order)
            .or_else(|| s.contains('/').then(|| parse_locale(s, order)).flatten()),
        _ => None,
    };
    let naive = match locale {
        Some(n) => n,
        None => {
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return Some(t.with_timezone(&Utc));
            }
            parse_naive_iso(s).or_else(|| parse_locale(s, order?))?
        }
    };
    Some(match rules.local_offset {
        Some(off) if local => naive.checked_sub_offset(off).unwrap_or(naive).and_utc(),
        _ => naive.and_utc(),
    })
}

/// The day/month order that the first locale datetime of a JSON export tells, scanning its
/// quoted strings; `(None, true)` when it has locale datetimes but none tells the order.
pub fn infer_order(text: &[u8]) -> (Option<DateOrder>, bool) {
    let mut seen = false;
    let mut rest = text;
    while let Some(open) = memchr::memchr(b'"', rest) {
        let after = &rest[open + 1..];
        let Some(close) = memchr::memchr(b'"', after) else {
            break;
        };
        let v = &after[..close];
        rest = &after[close + 1..];
        if !(8..=40).contains(&v.len()) || !v[0].is_ascii_digit() || !v.contains(&b'/') {
            continue;
        }
        let Ok(v) = std::str::from_utf8(v) else {
            continue;
        };
        if !v.contains(':') {
            continue;
        }
        match order_evidence(v) {
            Some(DateOrder::Ymd) => {}
            Some(o) => return (Some(o), true),
            None => seen = true,
        }
    }
    (None, seen)
}

/// The common case, `2026-11-24T19:57:40.4800000Z`, read without a general parser: fixed
/// positions, up to 9 fraction digits, `Z` or `+00:00`. Anything else returns `None`.
fn fast_utc(b: &[u8]) -> Option<DateTime<Utc>> {
    fn num(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = (i - start).min(9);
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits as u32);
    }
    match &b[i..] {
        b"Z" | b"z" | b"+00:00" | b"-00:00" => {}
        _ => return None,
    }
    let date = NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)?;
    let time =
        NaiveTime::from_hms_nano_opt(num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?, nanos)?;
    Some(date.and_time(time).and_utc())
}

fn parse_naive_iso(s: &str) -> Option<NaiveDateTime> {
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    // A UTC time with an offset but a space instead of T.
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(t.naive_utc());
    }
    None
}

/// The three numbers of a locale date (`5/25/2023`, `2020/10/16`, `16.07.2026`).
fn date_parts(s: &str) -> Option<[&str; 3]> {
    let mut it = s.split(['/', '.', '-']);
    let parts = [it.next()?, it.next()?, it.next()?];
    if it.next().is_some()
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(parts)
}

/// Splits `5/25/2023, 5:43:25.746 PM` into date text, time text and AM/PM.
fn locale_split(s: &str) -> Option<(&str, &str, Option<bool>)> {
    let s = s.trim();
    let (date, rest) = s.split_once([' ', 'T'])?;
    let date = date.trim_end_matches(',');
    let rest = rest.trim();
    let (time, pm) = if let Some(t) = rest.strip_suffix("PM").or_else(|| rest.strip_suffix("pm")) {
        (t.trim(), Some(true))
    } else if let Some(t) = rest.strip_suffix("AM").or_else(|| rest.strip_suffix("am")) {
        (t.trim(), Some(false))
    } else {
        (rest, None)
    };
    Some((date, time, pm))
}

/// `H:MM[:SS[.fff]]`, hours with one or two digits.
fn clock(s: &str) -> Option<NaiveTime> {
    let mut parts = s.splitn(3, ':');
    let num = |p: &str| -> Option<u32> {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let h = num(parts.next()?)?;
    let m = num(parts.next()?)?;
    let (sec, nanos) = match parts.next() {
        None => (0, 0),
        Some(rest) => {
            let (sec, frac) = rest.split_once('.').unwrap_or((rest, ""));
            if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let nanos = if frac.is_empty() {
                0
            } else {
                frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
            };
            (num(sec)?, nanos)
        }
    };
    NaiveTime::from_hms_nano_opt(h, m, sec, nanos)
}

/// The portal's usual form, `11/24/2026, 1:00:00.000 PM` (or `24/11/2026 13:00:00.000`), read
/// by position: two-digit minutes and seconds, `/` between date parts, a four-digit year, one
/// space, upper-case AM/PM. Anything else returns `None` for [`parse_locale`], which reads the
/// same values the same way.
fn fast_locale(b: &[u8], order: DateOrder) -> Option<NaiveDateTime> {
    /// Digits from `b[*i]` up to `max` of them (at least one), advancing `i`.
    fn digits(b: &[u8], i: &mut usize, max: usize) -> Option<(u32, usize)> {
        let start = *i;
        let mut v = 0u32;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            v = v * 10 + u32::from(b[*i] - b'0');
            *i += 1;
        }
        (*i > start).then_some((v, *i - start))
    }
    fn eat(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
        (b.get(*i) == Some(&c)).then(|| *i += 1)
    }
    let mut i = 0;
    let (a, _) = digits(b, &mut i, 2)?;
    eat(b, &mut i, b'/')?;
    let (m_or_d, _) = digits(b, &mut i, 2)?;
    eat(b, &mut i, b'/')?;
    let (y, ylen) = digits(b, &mut i, 4)?;
    if ylen != 4 || b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if b.get(i) == Some(&b',') {
        i += 1;
    }
    eat(b, &mut i, b' ')?;
    let (h, _) = digits(b, &mut i, 2)?;
    eat(b, &mut i, b':')?;
    let (min, 2) = digits(b, &mut i, 2)? else {
        return None;
    };
    eat(b, &mut i, b':')?;
    let (sec, 2) = digits(b, &mut i, 2)? else {
        return None;
    };
    let mut nanos = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let (f, n) = digits(b, &mut i, 9)?;
        nanos = f * 10u32.pow(9 - n as u32);
    }
    let pm = match &b[i..] {
        b"" => None,
        b" AM" => Some(false),
        b" PM" => Some(true),
        _ => return None,
    };
    let (m, d) = match order {
        DateOrder::Mdy => (a, m_or_d),
        DateOrder::Dmy => (m_or_d, a),
        DateOrder::Ymd => return None,
    };
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(date.and_time(NaiveTime::from_hms_nano_opt(h, min, sec, nanos)?))
}

/// Parses the portal's locale datetimes with a known day/month order.
pub fn parse_locale(s: &str, order: DateOrder) -> Option<NaiveDateTime> {
    let (date, time, pm) = locale_split(s)?;
    let [a, b, c] = date_parts(date)?;
    let n = |x: &str| x.parse::<u32>().ok();
    let (y, m, d) = if a.len() == 4 {
        (n(a)?, n(b)?, n(c)?)
    } else {
        match order {
            DateOrder::Mdy => (n(c)?, n(a)?, n(b)?),
            DateOrder::Dmy => (n(c)?, n(b)?, n(a)?),
            DateOrder::Ymd => (n(a)?, n(b)?, n(c)?),
        }
    };
    let y = if y < 100 { y + 2000 } else { y };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    let mut t = clock(time)?;
    if let Some(pm) = pm {
        use chrono::Timelike;
        let h = t.hour();
        if !(1..=12).contains(&h) {
            return None;
        }
        let h24 = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        t = t.with_hour(h24)?;
    }
    Some(date.and_time(t))
}

/// What one datetime value says about the day/month order: `None` when it cannot tell.
pub fn order_evidence(s: &str) -> Option<DateOrder> {
    let (date, _time, pm) = locale_split(s)?;
    let [a, b, _] = date_parts(date)?;
    if a.len() == 4 {
        return Some(DateOrder::Ymd);
    }
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    if a > 12 && b <= 12 {
        Some(DateOrder::Dmy)
    } else if b > 12 && a <= 12 {
        Some(DateOrder::Mdy)
    } else if pm.is_some() && s.contains(',') {
        // `5/5/2023, 5:43:25.746 PM` is the en-US form of the portal.
        Some(DateOrder::Mdy)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        parse_time(s, &TimeRules::default(), false)
            .unwrap()
            .to_rfc3339()
    }

    fn loc(s: &str, o: DateOrder) -> String {
        parse_locale(s, o).unwrap().to_string()
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            t("2026-11-24T19:57:40.48Z"),
            "2026-11-24T19:57:40.480+00:00"
        );
        assert_eq!(
            t("2022-09-13T00:55:08.2240104+00:00"),
            "2022-09-13T00:55:08.224010400+00:00"
        );
        assert_eq!(t("2026-11-24T20:00:00+01:00"), "2026-11-24T19:00:00+00:00");
        assert_eq!(t("2026-11-24 19:57:40"), "2026-11-24T19:57:40+00:00");
        assert!(parse_time("yesterday", &TimeRules::default(), false).is_none());
        // Without a day/month order, a locale date that tells its own is read; others not.
        assert_eq!(
            t("5/25/2023, 5:43:25.746 PM"),
            "2023-05-25T17:43:25.746+00:00"
        );
        assert_eq!(
            t("25/05/2023 17:43:25.746"),
            "2023-05-25T17:43:25.746+00:00"
        );
        assert!(parse_time("05/06/2026 20:26:12.030", &TimeRules::default(), false).is_none());
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2026-11-24T19:57:40.4800000Z",
            "2026-11-24T19:57:40Z",
            "2026-11-24T19:57:40.1+00:00",
            "2026-11-24T19:57:40.123456789123Z",
            "2024-02-29T00:00:00.000Z",
        ] {
            let fast = fast_utc(s.as_bytes()).unwrap();
            let slow = DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
            assert_eq!(fast, slow, "{s}");
        }
        for s in [
            "2026-11-24T19:57:40+01:00",
            "2026-02-30T00:00:00Z",
            "2026-11-24T25:00:00Z",
            "2026-11-24T19:57:40.Z",
            "2026-11-24 19:57:40",
        ] {
            assert!(fast_utc(s.as_bytes()).is_none(), "{s}");
        }
    }

    #[test]
    fn en_us_am_pm_edges() {
        let o = DateOrder::Mdy;
        assert_eq!(
            loc("5/25/2023, 5:43:25.746 PM", o),
            "2023-05-25 17:43:25.746"
        );
        assert_eq!(loc("5/25/2023, 12:01:00.000 AM", o), "2023-05-25 00:01:00");
        assert_eq!(loc("5/25/2023, 12:01:00.000 PM", o), "2023-05-25 12:01:00");
        assert_eq!(
            loc("5/25/2023, 11:59:59.999 PM", o),
            "2023-05-25 23:59:59.999"
        );
        assert_eq!(loc("11/24/2026, 1:00:00.000 AM", o), "2026-11-24 01:00:00");
        assert!(parse_locale("5/25/2023, 13:00:00.000 PM", o).is_none());
    }

    #[test]
    fn fast_locale_reads_what_parse_locale_reads() {
        let mut checked = 0;
        for date in [
            "11/24/2026",
            "1/2/2026",
            "24/11/2026",
            "2/30/2026",
            "13/13/2026",
            "11/24/26",
            "11/24/20260",
            "11-24-2026",
        ] {
            for sep in [", ", " ", ",  ", "T"] {
                for time in [
                    "1:00:00.000",
                    "12:59:59.9",
                    "00:00:00",
                    "13:05:07.123456789",
                    "1:2:03",
                    "9:00:00.1234567891",
                    "24:00:00",
                ] {
                    for suffix in ["", " AM", " PM", " pm", "PM"] {
                        let s = format!("{date}{sep}{time}{suffix}");
                        for order in [DateOrder::Mdy, DateOrder::Dmy] {
                            if let Some(fast) = fast_locale(s.as_bytes(), order) {
                                assert_eq!(Some(fast), parse_locale(&s, order), "{s}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 50, "{checked}");
        assert_eq!(
            fast_locale(b"11/24/2026, 12:07:03.005 AM", DateOrder::Mdy)
                .unwrap()
                .to_string(),
            "2026-11-24 00:07:03.005"
        );
    }

    #[test]
    fn ymd_and_day_first() {
        assert_eq!(
            loc("2020/10/16 0:00:01.403", DateOrder::Mdy),
            "2020-10-16 00:00:01.403"
        );
        assert_eq!(
            loc("16/07/2026 20:26:12.030", DateOrder::Dmy),
            "2026-07-16 20:26:12.030"
        );
        assert!(parse_locale("16/07/2026 20:26:12.030", DateOrder::Mdy).is_none());
    }

    #[test]
    fn local_offset_is_applied() {
        let rules = TimeRules {
            order: Some(DateOrder::Dmy),
            local_offset: Some(FixedOffset::east_opt(3600).unwrap()),
        };
        assert_eq!(
            parse_time("16/07/2026 20:26:12.030", &rules, true)
                .unwrap()
                .to_rfc3339(),
            "2026-07-16T19:26:12.030+00:00"
        );
        // Only to values that carry no offset of their own.
        assert_eq!(
            parse_time("16/07/2026 20:26:12.030", &rules, false)
                .unwrap()
                .to_rfc3339(),
            "2026-07-16T20:26:12.030+00:00"
        );
    }

    #[test]
    fn the_order_of_a_json_export_is_inferred_from_its_values() {
        let doc = br#"[{"TimeGenerated [UTC]": "5/6/2023, 7:57:40.480 PM", "x": "3/6/23"},
            {"TimeGenerated [UTC]": "24/05/2023 19:57:40.480"}]"#;
        assert_eq!(infer_order(doc), (Some(DateOrder::Mdy), true));
        assert_eq!(
            infer_order(br#"{"t": "05/06/2023 19:57:40"}"#),
            (None, true)
        );
        assert_eq!(
            infer_order(br#"{"t": "2026-11-24T00:00:00Z"}"#),
            (None, false)
        );
    }

    #[test]
    fn portal_header_keys_and_diagnostics() {
        assert_eq!(
            key_role(Context::Record, "TimeGenerated [UTC]"),
            KeyRole::Field(Field::Time)
        );
        assert_eq!(
            key_role(Context::Record, "TimeGenerated [Local Time]"),
            KeyRole::Field(Field::LocalTime)
        );
        assert_eq!(key_role(Context::Record, "Foo [UTC]"), KeyRole::Ignore);
        assert_eq!(
            key_role(Context::Record, "timegenerated [utc]"),
            KeyRole::Field(Field::Time)
        );
        assert_eq!(
            key_role(Context::ResultInformation, "SipDiagnosticInfo"),
            KeyRole::Enter(Context::ResultInformation)
        );
        assert_eq!(key_role(Context::Record, "x]"), KeyRole::Ignore);
        assert_eq!(
            key_role(Context::ResultInformation, "SipDetails"),
            KeyRole::Enter(Context::Sip)
        );
        assert_eq!(
            key_role(Context::Q850, "Code"),
            KeyRole::Field(Field::Q850Code)
        );
        assert_eq!(
            key_role(Context::Record, "eventType"),
            KeyRole::Field(Field::Type)
        );
    }

    #[test]
    fn order_inference() {
        assert_eq!(
            order_evidence("16/07/2026 20:26:12.030"),
            Some(DateOrder::Dmy)
        );
        assert_eq!(
            order_evidence("7/16/2026, 8:26:12.030 PM"),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            order_evidence("5/5/2026, 8:26:12.030 PM"),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            order_evidence("2020/10/16 0:00:01.403"),
            Some(DateOrder::Ymd)
        );
        assert_eq!(order_evidence("05/06/2026 20:26:12.030"), None);
    }

    fn raw(pairs: &[(Field, Val<'static>)]) -> Raw<'static> {
        let mut r = Raw::default();
        for (f, v) in pairs {
            r.set(*f, v.clone());
        }
        r
    }

    fn s(x: &'static str) -> Val<'static> {
        Val::Str(Cow::Borrowed(x))
    }

    #[test]
    fn operational_record_has_no_subcode() {
        let r = raw(&[
            (Field::Time, s("2026-11-24T19:00:00Z")),
            (Field::Category, s("CallAutomationOperational")),
            (Field::ResultSignature, Val::Int(404)),
            (Field::OperationName, s("Play")),
        ]);
        let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
            panic!()
        };
        assert_eq!(
            (rec.kind, rec.code, rec.subcode),
            (Kind::Operations, 404, None)
        );
    }

    #[test]
    fn result_code_wins_over_signature_and_cli_strings_parse() {
        let r = raw(&[
            (Field::Time, s("2026-11-24T19:00:00Z")),
            (Field::ResultCode, s("405")),
            (Field::ResultSignature, s("200")),
            (Field::ResultSubcode, s("8522")),
            (Field::CorrelationId, s("None")),
            (Field::Type, s("ACSCallAutomationMediaSummary")),
        ]);
        let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
            panic!()
        };
        assert_eq!((rec.code, rec.subcode), (405, Some(8522)));
        assert_eq!(rec.kind, Kind::MediaSummary);
        assert_eq!(rec.correlation_id, "");
    }

    #[test]
    fn rejects_and_skips() {
        let tr = TimeRules::default();
        let base = [(Field::Time, s("2026-11-24T19:00:00Z"))];
        let mut r = raw(&base);
        r.set(Field::ResultCode, s("abc"));
        assert!(matches!(
            normalize(&r, &tr),
            Outcome::Reject(Reason::CodeNotInteger, _)
        ));
        let mut r = raw(&base);
        r.set(Field::ResultCode, Val::Int(400));
        r.set(Field::ResultSubcode, Val::Float(1.5));
        assert!(matches!(
            normalize(&r, &tr),
            Outcome::Reject(Reason::SubcodeNotInteger, _)
        ));
        let mut r = raw(&base);
        r.set(Field::OperationName, s("Play"));
        assert!(matches!(
            normalize(&r, &tr),
            Outcome::Reject(Reason::NoCode, _)
        ));
        let r = raw(&[(Field::ResultCode, Val::Int(400))]);
        assert!(matches!(
            normalize(&r, &tr),
            Outcome::Reject(Reason::NoTime, _)
        ));
        let r = raw(&[(Field::Category, s("CallAutomationStreamingUsage"))]);
        assert_eq!(
            normalize(&r, &tr),
            Outcome::Skip(SkipReason::StreamingUsage)
        );
        // An event without a result is skipped; an object of no known field too.
        let r = raw(&[
            (Field::Time, s("2026-11-24T19:00:00Z")),
            (Field::Type, s("Microsoft.Communication.CallConnected")),
        ]);
        assert_eq!(normalize(&r, &tr), Outcome::Skip(SkipReason::NoResult));
        let r = raw(&[
            (Field::Time, s("2026-11-24T19:00:00Z")),
            (Field::Type, s("Microsoft.Communication.PlayFailed")),
        ]);
        assert!(matches!(
            normalize(&r, &tr),
            Outcome::Reject(Reason::NoCode, _)
        ));
        assert_eq!(
            normalize(&Raw::default(), &tr),
            Outcome::Skip(SkipReason::NotALogRecord)
        );
        for t in [
            "1999-12-31T23:59:59Z",
            "2101-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
        ] {
            let mut r = raw(&[(Field::Time, s(t))]);
            r.set(Field::ResultCode, Val::Int(500));
            assert!(
                matches!(
                    normalize(&r, &tr),
                    Outcome::Reject(Reason::TimeOutOfRange, _)
                ),
                "{t}"
            );
        }
        let mut r = raw(&base);
        r.set(Field::ResultCode, Val::Int(-1));
        assert!(matches!(
            normalize(&r, &tr),
            Outcome::Reject(Reason::CodeNotInteger, _)
        ));
    }

    #[test]
    fn callback_type_gives_operation() {
        let r = raw(&[
            (Field::Time, s("2022-09-13T00:55:08.2240104+00:00")),
            (Field::Type, s("Microsoft.Communication.RecognizeFailed")),
            (Field::ResultCode, Val::Int(400)),
            (Field::ResultSubcode, Val::Int(8510)),
        ]);
        let Outcome::Record(rec) = normalize(&r, &TimeRules::default()) else {
            panic!()
        };
        assert_eq!(rec.kind, Kind::Callback);
        assert_eq!(rec.operation, "RecognizeFailed");
        assert_eq!(rec.result_type, "Failed");
    }

    #[test]
    fn keys_match_case_insensitively() {
        assert_eq!(
            key_role(Context::Record, "resultSubCode"),
            KeyRole::Field(Field::ResultSubcode)
        );
        assert_eq!(
            key_role(Context::Record, "CorrelationID"),
            KeyRole::Field(Field::CorrelationId)
        );
        assert_eq!(
            key_role(Context::Record, "Properties"),
            KeyRole::Enter(Context::Record)
        );
        assert_eq!(
            key_role(Context::ResultInformation, "subCode"),
            KeyRole::Field(Field::ResultSubcode)
        );
        assert_eq!(key_role(Context::Record, "durationMs"), KeyRole::Ignore);
        // Folding must not let other bytes pass for letters or a longer key for a shorter one.
        assert_eq!(
            key_role(Context::Record, "TIME"),
            KeyRole::Field(Field::Time)
        );
        assert_eq!(key_role(Context::Record, "t\u{9}me"), KeyRole::Ignore);
        assert_eq!(key_role(Context::Record, "TIME\0"), KeyRole::Ignore);
        assert_eq!(key_role(Context::Record, "time_"), KeyRole::Ignore);
        assert_eq!(key_role(Context::Record, "timegenerated1"), KeyRole::Ignore);
        assert_eq!(
            key_role(Context::Record, "ResultInformation"),
            KeyRole::Enter(Context::ResultInformation)
        );
        assert_eq!(
            key_role(Context::Record, "resultinformatioN2"),
            KeyRole::Ignore
        );
        assert_eq!(
            key_role(Context::ResultInformation, "Code"),
            KeyRole::Field(Field::ResultCode)
        );
        assert_eq!(
            key_role(Context::ResultInformation, "time"),
            KeyRole::Ignore
        );
        for v in ["", " ", "None", " null ", "NULL", "\u{a0}"] {
            assert!(Val::Str(v.into()).is_nullish(), "{v:?}");
        }
        for v in ["0", "Nonesuch", "x", " x", "\u{e9}"] {
            assert!(!Val::Str(v.into()).is_nullish(), "{v:?}");
        }
    }
}
