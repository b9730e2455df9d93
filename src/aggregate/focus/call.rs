//! One focused call: its records, first and last, ids and resource ([`CallStats`]), and what
//! of it only the rows of CSV and `--calls` show ([`Details`]: its keys, messages, SIP codes,
//! Q.850 causes and targets), held only when the rows show them ([`Listing`]).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::super::texts::keep_in_list;
use super::super::{earliest, latest, Key};
use super::ids::{FirstId, Id, Sdk};
use crate::record::{Kind, Record};

/// One call's records of the focused subcode. Held for every call (the calls are listed most
/// records first, so each one's count is needed to the end): a call takes 120 bytes here and
/// nothing on the heap, but for the ServerCallId and [`Details`] that only the rows of CSV and
/// `--calls` show, held within the budget of [`SharedIds`] (past it, they are read again for
/// the calls listed only).
#[derive(Debug, Clone, Default)]
pub struct CallStats {
    pub call_connection_id: FirstId,
    /// Held only when the rows show it ([`Listing::details`]).
    pub server_call_id: Detail,
    /// The SDK that made the call, `type\tversion` (`sdk_text`): the operations log names
    /// it, a media summary record does not. Its text is shared by the calls of the same SDK
    /// (`Sdks`).
    pub sdk: FirstId<Sdk>,
    pub count: u64,
    /// Of `count`, the callback records, which name no resource: they are counted under the
    /// resource the call's other records name ([`ResourceSplit`]), as `by_resource.csv` joins
    /// them.
    pub unnamed: u32,
    /// The first by name of the resources its focused records name: the call is among their
    /// calls already, and among those of the resource its callback records are joined to (the
    /// first by name of those all its records name) only when that is this one.
    /// (A thin pointer, 8 bytes, to the text shared by the calls of the resource.)
    pub named: Option<Arc<String>>,
    /// Whether a focused record of another log names none (a portal export without
    /// `_ResourceId`): it stays `(not named)`, as in `by_resource.csv`, which joins callback
    /// records only, and the call among that row's calls.
    pub stays: bool,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// Whether a record named the call by its CorrelationId (else by its CallConnectionId):
    /// only then are the ids its records lack looked up by that id ([`CallStats::borrows_ids`]).
    pub by_correlation: bool,
    /// Its focused keys, SIP codes, Q.850 causes and messages, held only when the rows show
    /// them.
    pub details: Option<Box<Details>>,
}

/// What of a call only the rows of CSV and `--calls` show.
#[derive(Debug, Clone, Default)]
pub struct Details {
    /// The focused keys the call's records carry, sorted (a call has one or two: a set would
    /// take a tree node a call).
    pub codes: Vec<Key>,
    /// Its distinct messages, at most `MESSAGES_PER_CALL` (those of lowest rank: see
    /// [`texts`](super::super::texts)), with counts.
    pub messages: Vec<(Box<str>, u64)>,
    /// The distinct SIP codes (`SipDetails`) of its focused records, sorted: the least
    /// `CODES_PER_CALL`.
    pub sip_codes: Vec<u32>,
    /// The distinct Q.850 causes (`Q850Details`), as [`Details::sip_codes`].
    pub q850_codes: Vec<u32>,
    /// The targets (`participant.rawId`) its focused callback records name, at most
    /// `TARGETS_PER_CALL` (those of lowest rank, as messages), with counts: who was called.
    pub targets: Vec<(Box<str>, u64)>,
}

/// Distinct SIP codes, and Q.850 causes, kept per call: a real call ends with one.
pub const CODES_PER_CALL: usize = 4;

/// Distinct targets kept per call: a call's failed action names one participant.
pub const TARGETS_PER_CALL: usize = 4;

/// Enters `code` in the sorted `codes`, keeping the least [`CODES_PER_CALL`] (the same
/// whatever the order met).
fn add_sorted(codes: &mut Vec<u32>, code: Option<u32>) {
    let Some(code) = code else {
        return;
    };
    if let Err(i) = codes.binary_search(&code) {
        if i < CODES_PER_CALL {
            codes.insert(i, code);
            codes.truncate(CODES_PER_CALL);
        }
    }
}

/// A call's ServerCallId when the rows show it: a pointer when they do not, or no record
/// named one yet (a ServerCallId is a token of about 150 bytes).
#[derive(Debug, Clone, Default)]
pub struct Detail(Option<Box<FirstId>>);

impl From<FirstId> for Detail {
    fn from(id: FirstId) -> Detail {
        Detail((!id.is_empty()).then(|| Box::new(id)))
    }
}

impl Detail {
    fn offer(&mut self, at: DateTime<Utc>, id: &str) {
        if !id.is_empty() {
            self.0.get_or_insert_default().offer(at, id);
        }
    }

    fn absorb(&mut self, o: Detail) {
        match (&mut self.0, o.0) {
            (Some(a), Some(b)) => a.absorb(*b),
            (a @ None, b) => *a = b,
            (Some(_), None) => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|f| f.is_empty())
    }

    /// The id (empty when no record names one).
    pub fn into_first(self) -> FirstId {
        self.0.map(|f| *f).unwrap_or_default()
    }

    /// The id (empty when no record names one).
    pub fn text(&self) -> Cow<'_, str> {
        self.0.as_ref().map_or(Cow::Borrowed(""), |f| f.text())
    }
}

/// Which of the focused calls the rows shown list, and what they show of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The calls listed, most records first: the first so many, or every one (`None`).
    pub first: Option<usize>,
    /// Whether the rows show each call's ServerCallId, focused keys, SIP codes, Q.850 causes
    /// and messages (CSV and `--calls` do, Markdown and JSON not): without, no call holds
    /// them.
    pub details: bool,
    /// Whether the split by SDK is shown (Markdown and JSON): only then are the SDKs of the
    /// calls not listed looked for in a second reading.
    pub sdks: bool,
}

impl Default for Listing {
    fn default() -> Listing {
        Listing {
            first: None,
            details: true,
            sdks: true,
        }
    }
}

/// Distinct messages kept per call, for a support ticket.
pub const MESSAGES_PER_CALL: usize = 3;

impl CallStats {
    /// Whether the call takes the ids its records lack from the other records of its
    /// CorrelationId ([`Focus::ids`]): a call known only by its CallConnectionId has none,
    /// and the CorrelationId of the same text would be another call's.
    pub fn borrows_ids(&self) -> bool {
        self.by_correlation && self.lacks_ids()
    }

    /// Whether its records lack an id or its SDK (the ServerCallId only when the rows show
    /// it: it has [`Details`] then).
    pub(super) fn lacks_ids(&self) -> bool {
        self.call_connection_id.is_empty()
            || self.sdk.is_empty()
            || self.details.is_some() && self.server_call_id.is_empty()
    }

    /// What a focused record gives the texts of the call's row: its ServerCallId, key,
    /// message, SIP code and Q.850 cause.
    pub(super) fn add_texts(&mut self, rec: &Record<'_>) {
        add_texts(&mut self.server_call_id, &mut self.details, rec);
    }

    /// About the bytes its texts take on the heap (their lengths, the lists' and boxes' room,
    /// 16 bytes of the allocator's for each).
    pub(super) fn text_bytes(&self) -> usize {
        let server = self.server_call_id.0.as_ref().map_or(0, |f| match &f.id {
            Id::Text(t) => t.len() + 48,
            Id::Guid(_) => 48,
        });
        let details = self.details.as_ref().map_or(0, |d| {
            let messages: usize = (d.messages.iter().chain(&d.targets))
                .map(|(m, _)| m.len() + 16)
                .sum();
            std::mem::size_of::<Details>()
                + 16
                + messages
                + (d.messages.capacity() + d.targets.capacity())
                    * std::mem::size_of::<(Box<str>, u64)>()
                + d.codes.capacity() * std::mem::size_of::<Key>()
                + (d.sip_codes.capacity() + d.q850_codes.capacity()) * 4
                + 48
        });
        server + details
    }

    /// Keeps `name` as [`CallStats::named`] when it comes first by name.
    pub(super) fn offer_named(&mut self, name: Option<Arc<String>>) {
        if let Some(n) = name {
            if self.named.as_ref().is_none_or(|held| *n < **held) {
                self.named = Some(n);
            }
        }
    }

    /// Lets its texts go.
    pub(super) fn drop_texts(&mut self) {
        self.server_call_id = Detail::default();
        self.details = None;
    }

    /// Adds what another worker (or reading) met of the same call.
    pub(super) fn absorb(&mut self, s: CallStats) {
        self.count += s.count;
        self.unnamed = self.unnamed.saturating_add(s.unnamed);
        self.offer_named(s.named);
        self.stays |= s.stays;
        self.by_correlation |= s.by_correlation;
        self.call_connection_id.absorb(s.call_connection_id);
        self.server_call_id.absorb(s.server_call_id);
        self.sdk.absorb(s.sdk);
        self.first = earliest(self.first, s.first);
        self.last = latest(self.last, s.last);
        absorb_details(&mut self.details, s.details);
    }

    /// Its rank against `o`'s: most records first, then the latest (an incident's calls
    /// before older ones of as many records); calls of the same rank go by id.
    pub(super) fn rank(&self, o: &CallStats) -> Ordering {
        (o.count.cmp(&self.count)).then_with(|| o.last.cmp(&self.last))
    }
}

impl Details {
    fn add_code(&mut self, key: Key) {
        if let Err(i) = self.codes.binary_search(&key) {
            // Room for the one a call mostly has, not four.
            self.codes.reserve_exact(1);
            self.codes.insert(i, key);
        }
    }

    fn add_message(&mut self, m: &str, n: u64) {
        if !m.is_empty() {
            if self.messages.is_empty() {
                self.messages.reserve_exact(1);
            }
            keep_in_list(&mut self.messages, m, n, MESSAGES_PER_CALL);
        }
    }

    /// A record's SIP code and Q.850 cause, where it carries them.
    fn add_diagnostic(&mut self, sip: Option<u32>, q850: Option<u32>) {
        add_sorted(&mut self.sip_codes, sip);
        add_sorted(&mut self.q850_codes, q850);
    }

    /// `n` records naming the target `t` (none when empty), trimmed as the split by target
    /// counts it.
    fn add_target(&mut self, t: &str, n: u64) {
        let t = crate::record::trim(t);
        if !t.is_empty() {
            if self.targets.is_empty() {
                self.targets.reserve_exact(1);
            }
            keep_in_list(&mut self.targets, t, n, TARGETS_PER_CALL);
        }
    }

    /// The target most of its records name (of those kept), the least text of as many; empty
    /// when none names one.
    pub fn target(&self) -> &str {
        let most = (self.targets.iter()).max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
        most.map_or("", |(t, _)| t)
    }

    fn absorb(&mut self, o: Details) {
        for key in &o.codes {
            self.add_code(*key);
        }
        for &c in &o.sip_codes {
            add_sorted(&mut self.sip_codes, Some(c));
        }
        for &c in &o.q850_codes {
            add_sorted(&mut self.q850_codes, Some(c));
        }
        for (m, n) in o.messages {
            self.add_message(&m, n);
        }
        for (t, n) in o.targets {
            self.add_target(&t, n);
        }
    }
}

/// What a focused record gives the texts of its call's row: its ServerCallId, key, message,
/// SIP code, Q.850 cause and, a callback event's, target.
pub(super) fn add_texts(server: &mut Detail, details: &mut Option<Box<Details>>, rec: &Record<'_>) {
    server.offer(rec.time, &rec.server_call_id);
    let d = details.get_or_insert_default();
    d.add_code((rec.code, rec.subcode));
    d.add_message(&rec.message, 1);
    d.add_diagnostic(rec.sip.code, rec.q850.code);
    if rec.kind == Kind::Callback {
        d.add_target(&rec.target, 1);
    }
}

/// Adds the details `b` another worker met of a call to those met here, `a`.
fn absorb_details(a: &mut Option<Box<Details>>, b: Option<Box<Details>>) {
    match (a, b) {
        (Some(a), Some(b)) => a.absorb(*b),
        (a @ None, b) => *a = b,
        (Some(_), None) => {}
    }
}

/// The texts of a call's row as the second reading gathers them from its focused records:
/// those of [`CallStats`] and nothing else.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    pub(super) server_call_id: Detail,
    pub(super) details: Option<Box<Details>>,
}

impl Texts {
    pub(super) fn absorb(&mut self, o: Texts) {
        self.server_call_id.absorb(o.server_call_id);
        absorb_details(&mut self.details, o.details);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call's target is the one most of its callback records name, the least text of as
    /// many, whichever worker met which records: trimmed, and none for an empty one.
    #[test]
    fn a_call_s_target_is_the_one_most_of_its_records_name() {
        let mut a = Details::default();
        assert_eq!(a.target(), "");
        a.add_target(" ", 3);
        assert_eq!(a.target(), "");
        a.add_target("4:+14255550123", 1);
        a.add_target("8:acs:b", 1);
        a.add_target("8:acs:a", 1);
        assert_eq!(a.target(), "4:+14255550123");
        let mut b = Details::default();
        b.add_target(" 4:+14255550199", 1);
        b.add_target("4:+14255550199\t", 1);
        b.absorb(a.clone());
        assert_eq!(b.target(), "4:+14255550199");
        a.add_target("4:+14255550199", 2);
        a.add_target("8:acs:a", 1);
        assert_eq!(a.target(), "4:+14255550199");
        assert!(a.targets.len() <= TARGETS_PER_CALL);
    }

    /// A call keeps the least [`CODES_PER_CALL`] distinct SIP codes, whatever the order met
    /// and however the work was split.
    #[test]
    fn a_call_keeps_its_least_sip_codes_in_any_order() {
        let codes = [603, 486, 503, 486, 480, 404, 487];
        let mut one = Details::default();
        for c in codes {
            one.add_diagnostic(Some(c), None);
        }
        let (mut a, mut b) = (Details::default(), Details::default());
        for (i, c) in codes.iter().rev().enumerate() {
            let d = if i % 2 == 0 { &mut a } else { &mut b };
            d.add_diagnostic(Some(*c), Some(16));
        }
        a.absorb(b);
        assert_eq!(one.sip_codes, [404, 480, 486, 487]);
        assert_eq!((a.sip_codes, a.q850_codes), (one.sip_codes, vec![16]));
        assert!(one.q850_codes.is_empty());
    }
}
