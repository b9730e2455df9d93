//! Normalize: the field vocabulary of every export shape (which source key means what,
//! matched case-insensitively, and how nested objects are entered) and the rules that turn the
//! wanted fields of one source record into a [`Record`], or say why not.

use std::borrow::Cow;

use chrono::Datelike;

use crate::record::{cut_owned, excerpt, trim};
pub use crate::record::{Diagnostic, Kind, Reason, Record, SkipReason};
use crate::time::{parse_time, MAX_YEAR, MIN_YEAR};
pub use crate::time::{DateOrder, TimeRules};

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
    #[inline(always)]
    pub fn is_nullish(&self) -> bool {
        match self {
            Val::Missing | Val::Null => true,
            Val::Str(s) => {
                // Most values need no trim (see `trim`), and are not four bytes long.
                let t = trim(s);
                t.is_empty() || t == "None" || t.eq_ignore_ascii_case("null")
            }
            _ => false,
        }
    }

    /// The value as text, empty when nullish. Inline for what most values are (absent, empty,
    /// or text that [`plain`] tells is not nullish and needs no trim), [`Self::text_rest`] for
    /// the rest.
    #[inline(always)]
    fn text(&self) -> Cow<'a, str> {
        match self {
            Val::Missing | Val::Null => Cow::Borrowed(""),
            Val::Str(Cow::Borrowed(s)) if plain(s) => Cow::Borrowed(s),
            Val::Str(s) if s.is_empty() => Cow::Borrowed(""),
            _ => self.text_rest(),
        }
    }

    /// [`Self::text`] of any value.
    #[inline(never)]
    fn text_rest(&self) -> Cow<'a, str> {
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

    /// An integer code: a JSON number, or text holding one (az CLI and CSV give text). Inline
    /// for absent or null, a number and text of one to nine digits, [`Self::integer_rest`] for
    /// the rest.
    #[inline(always)]
    fn integer(&self) -> Result<Option<u32>, String> {
        match self {
            Val::Missing | Val::Null => Ok(None),
            Val::Int(i) => u32::try_from(*i)
                .map(Some)
                .map_err(|_| format!("{i} (out of range)")),
            Val::Str(s) => match digits(s) {
                Some(v) => Ok(Some(v)),
                None => self.integer_rest(),
            },
            _ => self.integer_rest(),
        }
    }

    /// [`Self::integer`] of any value.
    #[inline(never)]
    fn integer_rest(&self) -> Result<Option<u32>, String> {
        if self.is_nullish() {
            return Ok(None);
        }
        // What is wrong with a number, said after it: `"-1 (out of range)"`.
        let whole = |f: f64| match f {
            f if f.fract() != 0.0 => Err("not a whole number"),
            f if f.abs() < 1e12 => Ok(f as i64),
            _ => Err("out of range"),
        };
        let v = match self {
            Val::Int(i) => *i,
            Val::Float(f) => whole(*f).map_err(|why| format!("{f} ({why})"))?,
            Val::Str(s) => {
                let t = trim(s);
                match t.parse::<i64>() {
                    Ok(v) => v,
                    // Scientific notation (`8.52E+03`, Excel's display of 8522 in a cell
                    // formatted Scientific) may have lost digits: read as a number, it would
                    // be another key. (Other text with an `e`, `Failed`, is not a number.)
                    Err(_) if scientific(t) => {
                        return Err(format!(
                            "{} (scientific notation: its digits may be lost)",
                            excerpt(t, 40)
                        ))
                    }
                    Err(_) if t.bytes().any(|b| b.eq_ignore_ascii_case(&b'e')) => {
                        return Err(excerpt(t, 40));
                    }
                    // Excel re-saves may turn 404 into 404.0.
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.is_finite() => {
                            whole(f).map_err(|why| format!("{} ({why})", excerpt(t, 40)))?
                        }
                        _ => return Err(excerpt(t, 40)),
                    },
                }
            }
            Val::Bool(b) => return Err(b.to_string()),
            _ => return Err("a non-scalar value".into()),
        };
        u32::try_from(v)
            .map(Some)
            .map_err(|_| format!("{v} (out of range)"))
    }
}

/// Whether `s` is text that [`Val::is_nullish`] does not take for null and that a trim leaves
/// as it is: a visible ASCII character at each end, and of four bytes neither `None` nor
/// `null` in any case. Most log values are; a short name (`Play`) too, which had taken
/// [`Val::text_rest`]'s call (stop 69: 69,295 of the CSV slice's 78,520 records).
#[inline(always)]
fn plain(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(first), Some(last)) = (b.first(), b.last()) else {
        return false;
    };
    if !(first.is_ascii_graphic() && last.is_ascii_graphic()) {
        return false;
    }
    match b.first_chunk::<4>() {
        Some(four) if b.len() == 4 => {
            let w = u32::from_le_bytes(*four);
            // 0x20 in each byte makes `NULL` `null`, and no other bytes.
            w != u32::from_le_bytes(*b"None") && w | 0x2020_2020 != u32::from_le_bytes(*b"null")
        }
        _ => true,
    }
}

/// The number that `s` spells when it is one to nine ASCII digits (below `u32::MAX`, and read
/// as [`Val::integer`]'s general path reads it, leading zeros and all).
#[inline(always)]
fn digits(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
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

const FIELDS: usize = 31;

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

/// Whether `t` is a number in scientific notation: `[-+]d[.ddd]E[-+]dd`.
fn scientific(t: &str) -> bool {
    let Some((mantissa, exponent)) = t.split_once(['e', 'E']) else {
        return false;
    };
    let mantissa = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    !int.is_empty() && digits(int) && digits(frac) && !exponent.is_empty() && digits(exponent)
}

/// The wanted fields of one source record, before normalization.
#[derive(Debug, Clone, Default)]
pub struct Raw<'a> {
    /// Dropped by [`Raw`]'s own drop, and only when [`Self::owned`].
    vals: std::mem::ManuallyDrop<[Val<'a>; FIELDS]>,
    /// Whether a value that owns its text was ever set: else dropping it has nothing to free.
    owned: bool,
    /// A nested object that was given as text that is not JSON (`properties` cut short, or a
    /// Python repr): its key's place in [`NESTED_KEYS`] ([`UNNAMED`] until the key is known),
    /// for the reject it makes. One byte, beside `owned`: a `Raw` is moved for every record.
    not_json: Option<u8>,
    /// A `resultInformation` object (`resultInfo`) was read into it: only a callback event
    /// carries one, so a record with one that names no type is an event, not a log's row (an
    /// SDK's parsed event as a sample app logs it: `ResultInformation`, no `type`, no `time`).
    result_information: bool,
}

/// The keys of nested objects that hold a record's fields, as a reject names them.
pub const NESTED_KEYS: [&str; 5] = [
    "properties",
    "data",
    "resultInformation",
    "resultInfo",
    "sipDiagnosticInfo",
];

/// A nested object that is not JSON whose key is not known yet, or none of [`NESTED_KEYS`].
const UNNAMED: u8 = u8::MAX;

/// Its values are dropped only when one of them ever owned text (an unescaped string): the
/// scanner's and the CSV splitter's borrow theirs, and the drop glue looked at each of the 30
/// for text to free (3% of the CSV instructions, a record a row). It had been a `discard(self)`
/// that forgot such a `Raw`, whose move copied its 728 bytes, a record (stop 65).
impl Drop for Raw<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.owned {
            drop(std::mem::take(&mut *self.vals));
        }
    }
}

impl PartialEq for Raw<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.vals == other.vals
    }
}

/// Whether `v` owns text (an unescaped string), which dropping it frees.
#[inline(always)]
fn owns(v: &Val<'_>) -> bool {
    matches!(v, Val::Str(Cow::Owned(_)))
}

impl<'a> Raw<'a> {
    pub fn get(&self, f: Field) -> &Val<'a> {
        &self.vals[f as usize]
    }

    /// Sets a field unless an earlier (outer) value is already there.
    #[inline(always)]
    pub fn set(&mut self, f: Field, v: Val<'a>) {
        let slot = &mut self.vals[f as usize];
        if matches!(v, Val::Missing) {
            return;
        }
        if matches!(slot, Val::Missing) || slot.is_nullish() {
            self.owned |= owns(&v);
            *slot = v;
        }
    }

    /// Sets a field read in the record (`level` 0) or in a nested object `level` deep
    /// (`properties`, `data`), in one pass, to what reading each level into a `Raw` of its own
    /// and [`Self::fill_from`] the deeper ones gives: the shallowest value that is not nullish
    /// wins (the first at its level), and a nullish value only stands at level 0. `levels`
    /// holds the level each field was set from, `u8::MAX` for none.
    #[inline(always)]
    pub fn set_at(&mut self, f: Field, v: Val<'a>, level: u8, levels: &mut Levels) {
        if matches!(v, Val::Missing) {
            return;
        }
        let i = f as usize;
        let slot = &mut self.vals[i];
        let take = if slot.is_nullish() {
            level == 0 || !v.is_nullish()
        } else {
            level < levels[i] && !v.is_nullish()
        };
        if take {
            self.owned |= owns(&v);
            *slot = v;
            levels[i] = level;
        }
    }

    /// Fills fields still missing from a nested object (`properties`, `data`).
    pub fn fill_from(&mut self, mut inner: Raw<'a>) {
        self.not_json = self.not_json.or(inner.not_json);
        self.result_information |= inner.result_information;
        for (slot, v) in self.vals.iter_mut().zip(inner.vals.iter_mut()) {
            if matches!(v, Val::Missing) {
                continue;
            }
            if slot.is_nullish() && !v.is_nullish() {
                let v = std::mem::take(v);
                self.owned |= owns(&v);
                *slot = v;
            }
        }
    }

    pub fn into_owned(mut self) -> Raw<'static> {
        let vals = std::mem::take(&mut *self.vals);
        Raw {
            owned: true,
            vals: std::mem::ManuallyDrop::new(vals.map(Val::into_owned)),
            not_json: self.not_json,
            result_information: self.result_information,
        }
    }

    /// A nested object given as text that does not parse as JSON: no field read from it, and
    /// the record it is in a reject (its code or subcode may be in it).
    pub fn not_json() -> Raw<'a> {
        let mut raw = Raw::default();
        raw.not_json = Some(UNNAMED);
        raw
    }

    /// Names the nested object under `key` when it was text that is not JSON
    /// ([`Self::not_json`]); one named already, deeper in it, keeps its name.
    pub fn name_not_json(&mut self, key: &str) {
        if self.not_json == Some(UNNAMED) {
            let at = NESTED_KEYS.iter().position(|k| k.eq_ignore_ascii_case(key));
            self.not_json = Some(at.map_or(UNNAMED, |i| i as u8));
        }
    }

    /// Notes that a `resultInformation` object was read into it (see [`Self::from_event`]).
    #[inline(always)]
    pub fn read_result_information(&mut self) {
        self.result_information = true;
    }

    /// Whether a `resultInformation` object was read into it, which only callback events carry.
    pub fn from_event(&self) -> bool {
        self.result_information
    }

    /// Whether no field of a record was found: an Event Grid `topic` (CloudEvents' `source`)
    /// names a resource, not a record, and alone (`{"note": "...", "source": "probe"}`, a note
    /// an app kept beside its events) makes none (rev69a F3).
    pub fn is_empty(&self) -> bool {
        (self.vals.iter().enumerate())
            .all(|(i, v)| i == Field::Topic as usize || matches!(v, Val::Missing))
    }

    /// Whether its time is a `[Local Time]` one (no other time given).
    pub fn has_local_time(&self) -> bool {
        // Asked of every record before it is normalized: most have neither `[Local Time]`
        // column, and then the choice of their time need not be made twice.
        let local = [Field::LocalOriginalTime, Field::LocalTime];
        !local.iter().all(|&f| matches!(self.get(f), Val::Missing)) && self.time().1
    }

    /// The record's time, and whether it is a `[Local Time]` one: a search job's
    /// `_OriginalTimeGenerated` (its `TimeGenerated` is when the job ran), in UTC or local
    /// time, else `TimeGenerated` (`time`, `eventTime`), else a portal export's local time.
    pub fn time(&self) -> (&Val<'a>, bool) {
        let original = self.get(Field::OriginalTime);
        if !original.is_nullish() {
            return (original, false);
        }
        let original = self.get(Field::LocalOriginalTime);
        if !original.is_nullish() {
            return (original, true);
        }
        let local = self.get(Field::LocalTime);
        if !matches!(local, Val::Missing) && self.get(Field::Time).is_nullish() {
            (local, true)
        } else {
            (self.get(Field::Time), false)
        }
    }
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

/// The kind [`KNOWN_KINDS`] gives a name in any case, if it names one. Each record has its
/// category or type looked up here: `eq_ignore_ascii_case` compared the name that matched in
/// a call of its own, byte pair by byte pair (about 130 instructions a record with the loop).
#[inline(always)]
fn known_kind(s: &str) -> Option<Option<Kind>> {
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
fn other_log_operation(name: &str) -> bool {
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
fn other_service(raw: &Raw<'_>) -> bool {
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
fn kind_from_names(raw: &Raw<'_>) -> Option<Result<Kind, SkipReason>> {
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
