//! The field vocabulary: which source key means which wanted [`Field`] in each nesting
//! [`Context`], matched case-insensitively (the portal's header suffixes too), and which keys
//! are nested objects to descend into.

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
    /// The ACS resource id: `resourceId` of the common schema, `_ResourceId` of a workspace.
    ResourceId,
    /// `SdkType` and `SdkVersion` of the operations log.
    SdkType,
    SdkVersion,
    /// The prompt or source kind: `RecognizePromptSubOperationName` of the media summary,
    /// `SubOperationName` of the operations log (`FileSource`, `TextSource`, `SsmlSource`).
    Prompt,
    /// `ServerCallId`: the id support asks for beside the CorrelationId.
    ServerCallId,
    /// `metricName` of a platform metrics record (`insights-metrics-pt1m`), which a diagnostic
    /// setting of `AllMetrics` writes beside the logs.
    MetricName,
    /// `_OriginalTimeGenerated` of a Log Analytics search job's results (`<table>_SRCH`), whose
    /// `TimeGenerated` is when the job ran: the record's own time.
    OriginalTime,
    /// `_OriginalTimeGenerated [Local Time]`: the same, in the viewer's local zone (a portal
    /// export of a search job's results with local times).
    LocalOriginalTime,
    /// `count_` of a row of `summarize count() by ...`, which stands for that many records.
    SummaryCount,
    /// `participant.rawId` of a callback event (AddParticipantFailed, RemoveParticipantFailed):
    /// whom the action was for (`4:+14255550199`).
    Target,
    /// `operationContext` of a callback event: the text the application gave the action.
    OperationContext,
    /// `topic` of an event in Event Grid's schema: the id of the resource that published it
    /// (an IncomingCall's ACS resource), for the join of callback records only
    /// ([`naming_call`]).
    Topic,
}

pub(super) const FIELDS: usize = 31;

/// For each field of a [`Raw`], the nesting level it was read from ([`Raw::set_at`]).
pub type Levels = [u8; FIELDS];

/// No field read yet.
pub const NO_LEVELS: Levels = [u8::MAX; FIELDS];

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
    /// `participant` of a callback event (a CommunicationIdentifierModel: `rawId`, `kind`,
    /// `phoneNumber`...).
    Participant,
}

impl Context {
    /// Whether the fields of this object are its own (a SIP or Q.850 diagnostic, the
    /// participant's id), so that it can be read straight into the record around it rather
    /// than filling its gaps.
    pub fn is_diagnostic(self) -> bool {
        matches!(self, Context::Sip | Context::Q850 | Context::Participant)
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
                    22 if ctx == Context::Record
                        && key.eq_ignore_ascii_case(b"_originaltimegenerated") =>
                    {
                        KeyRole::Field(Field::OriginalTime)
                    }
                    31 if ctx == Context::Record
                        && key.eq_ignore_ascii_case(b"recognizepromptsuboperationname") =>
                    {
                        KeyRole::Field(Field::Prompt)
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
        Context::Participant => {
            return keys! {
                b"rawid" => KeyRole::Field(Field::Target),
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
        b"resourceid" => KeyRole::Field(Field::ResourceId),
        b"_resourceid" => KeyRole::Field(Field::ResourceId),
        b"sdktype" => KeyRole::Field(Field::SdkType),
        b"sdkversion" => KeyRole::Field(Field::SdkVersion),
        b"suboperationname" => KeyRole::Field(Field::Prompt),
        b"servercallid" => KeyRole::Field(Field::ServerCallId),
        b"metricname" => KeyRole::Field(Field::MetricName),
        b"count_" => KeyRole::Field(Field::SummaryCount),
        // A callback event's, in `data`.
        b"participant" => KeyRole::Enter(Context::Participant),
        b"operationcontext" => KeyRole::Field(Field::OperationContext),
        // Event Grid's envelope: the resource that published the event; CloudEvents' `source`
        // (rev68b F9; a callback's `source`, `calling/callConnections/...`, names none).
        b"topic" => KeyRole::Field(Field::Topic),
        b"source" => KeyRole::Field(Field::Topic),
        // The Call Automation preview's (2022) name for `resultInformation`, which the Java
        // callingserver SDK's events carry (rev64a F2).
        b"resultinfo" => KeyRole::Enter(Context::ResultInformation),
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
        KeyRole::Field(Field::OriginalTime) if local => KeyRole::Field(Field::LocalOriginalTime),
        KeyRole::Field(f) => KeyRole::Field(f),
        _ => KeyRole::Ignore,
    }
}
