//! A call's ids as its records name them: an [`Id`] (a canonical GUID as the number it
//! spells, any other id as its text), the first of them the call's records name
//! ([`FirstId`], the same however the work was split), and a call's id as a table by call
//! gives it back ([`CallId`]).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::super::call_ids::{guid, Words};

/// An id as a record names it: a canonical GUID (as almost every CorrelationId and
/// CallConnectionId is; of either case) as the number it spells, held where the id is, any
/// other text boxed. Ordered as their texts are, a GUID's written lower case. Equal exactly
/// when their texts are, but for a GUID's case, since [`Id::new`] never boxes the text of a
/// canonical GUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    Guid(Words),
    Text(Box<str>),
}

impl Default for Id {
    fn default() -> Id {
        Id::Text(Box::default())
    }
}

/// The text of a GUID's number, as [`guid`] reads it: canonical, lower case.
pub(in crate::aggregate) fn guid_text(w: Words) -> String {
    let g = u128::from(w);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        g >> 96,
        (g >> 80) & 0xffff,
        (g >> 64) & 0xffff,
        (g >> 48) & 0xffff,
        g & 0xffff_ffff_ffff
    )
}

impl Id {
    pub(super) fn new(s: &str) -> Id {
        match guid(s) {
            Some(g) => Id::Guid(Words::from(g)),
            None => Id::Text(s.into()),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        matches!(self, Id::Text(t) if t.is_empty())
    }

    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            Id::Guid(g) => Cow::Owned(guid_text(*g)),
            Id::Text(t) => Cow::Borrowed(t),
        }
    }

    pub(super) fn into_string(self) -> String {
        match self {
            Id::Guid(g) => guid_text(g),
            Id::Text(t) => t.into_string(),
        }
    }

    /// As their texts compare: the numbers of two canonical GUIDs compare as their texts do
    /// (as many digits, dashes at the same places, and digits before letters in both).
    pub(super) fn cmp(&self, o: &Id) -> Ordering {
        match (self, o) {
            (Id::Guid(a), Id::Guid(b)) => a.cmp(b),
            (Id::Text(a), Id::Text(b)) => a.cmp(b),
            _ => self.text().cmp(&o.text()),
        }
    }
}

/// An id that a call's records name: the one named by the earliest record that names one (then
/// the least, when records of the same time name several), so that which one is shown does
/// not depend on how the work was split across threads.
#[derive(Debug, Clone, Default)]
pub struct FirstId<I = Id> {
    /// When that record was, in nanoseconds since the epoch (records are of 2000 to 2100; a
    /// leap second's counts as the second's last nanosecond).
    pub(super) at: i64,
    /// Empty until a record names one.
    pub(super) id: I,
}

/// An SDK's text (`type\tversion`), held once for the calls it made ([`Sdks`]); none until a
/// record names one. 16 bytes, where an [`Id`] takes 24.
pub type Sdk = Option<Arc<str>>;

/// What a [`FirstId`] holds: an id, or an SDK's text.
pub trait Name: Default {
    fn is_empty(&self) -> bool;
    fn text(&self) -> Cow<'_, str>;
    /// As their texts compare.
    fn cmp(&self, o: &Self) -> Ordering;
}

impl Name for Id {
    fn is_empty(&self) -> bool {
        Id::is_empty(self)
    }

    fn text(&self) -> Cow<'_, str> {
        Id::text(self)
    }

    fn cmp(&self, o: &Id) -> Ordering {
        Id::cmp(self, o)
    }
}

impl Name for Sdk {
    fn is_empty(&self) -> bool {
        self.is_none()
    }

    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_deref().unwrap_or(""))
    }

    fn cmp(&self, o: &Sdk) -> Ordering {
        self.as_deref().cmp(&o.as_deref())
    }
}

impl FirstId {
    /// A record at `at` names `id` (an empty one names none).
    pub(super) fn offer(&mut self, at: DateTime<Utc>, id: &str) {
        self.offer_as(at, id, Id::new);
    }

    pub fn into_string(self) -> String {
        self.id.into_string()
    }
}

impl FirstId<Sdk> {
    pub fn into_string(self) -> String {
        self.text().into_owned()
    }
}

/// An SDK as the ids by CorrelationId hold it.
impl From<FirstId> for FirstId<Sdk> {
    fn from(f: FirstId) -> FirstId<Sdk> {
        let id = (!f.is_empty()).then(|| Arc::from(&*f.text()));
        FirstId { at: f.at, id }
    }
}

impl<I: Name> FirstId<I> {
    /// [`FirstId::offer`], `id` made an `I` by `make` when it is taken.
    pub(super) fn offer_as(&mut self, at: DateTime<Utc>, id: &str, make: impl FnOnce(&str) -> I) {
        let nanos = at.timestamp_subsec_nanos().min(999_999_999);
        let at = at
            .timestamp()
            .saturating_mul(1_000_000_000)
            .saturating_add(i64::from(nanos));
        // Later than the one held (or none): the id need not be read.
        if id.is_empty() || !self.id.is_empty() && at > self.at {
            return;
        }
        let id = make(id);
        if self.before(at, &id) {
            *self = FirstId { at, id };
        }
    }

    /// Whether a record at `at` naming `id` comes before the one this is from.
    fn before(&self, at: i64, id: &I) -> bool {
        self.id.is_empty() || at.cmp(&self.at).then_with(|| id.cmp(&self.id)) == Ordering::Less
    }

    /// Keeps the earlier of this and what another worker met.
    pub(super) fn absorb(&mut self, o: FirstId<I>) {
        if !o.id.is_empty() && self.before(o.at, &o.id) {
            *self = o;
        }
    }

    /// The id (empty when no record names one).
    pub fn text(&self) -> Cow<'_, str> {
        self.id.text()
    }

    /// Whether no record names one.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// A call's id as a table by call holds it (`ByCall::into_ids`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallId(pub(super) Id);

impl CallId {
    pub fn into_string(self) -> String {
        self.0.into_string()
    }

    pub fn text(&self) -> Cow<'_, str> {
        self.0.text()
    }
}

impl Ord for CallId {
    /// As their texts compare.
    fn cmp(&self, o: &CallId) -> Ordering {
        self.0.cmp(&o.0)
    }
}

impl PartialOrd for CallId {
    fn partial_cmp(&self, o: &CallId) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::focus::tests::IDS;

    #[test]
    fn ids_compare_and_read_back_as_their_texts() {
        for a in IDS {
            let id = Id::new(a);
            assert_eq!(matches!(id, Id::Guid(_)), guid(a).is_some(), "{a}");
            assert_eq!(id.text(), a);
            assert_eq!(id.clone().into_string(), a);
            for b in IDS {
                assert_eq!(id.cmp(&Id::new(b)), a.cmp(b), "{a} {b}");
            }
        }
        assert!(Id::default().is_empty() && !Id::new(IDS[0]).is_empty());
        // A GUID in upper case is the GUID, written lower case.
        let upper = Id::new("0ECAF828-E2F7-4553-8FCC-69D79561A0D1");
        assert_eq!(upper, Id::new(IDS[1]));
        assert_eq!(upper.text(), IDS[1]);
    }

    #[test]
    fn records_of_the_same_time_give_the_least_id_whatever_its_kind() {
        let at = "2026-11-24T01:00:00Z".parse().unwrap();
        for a in IDS {
            for b in IDS {
                let mut first = FirstId::default();
                first.offer(at, a);
                first.offer(at, b);
                assert_eq!(first.text(), a.min(b));
                let mut other = FirstId::default();
                other.offer(at, b);
                let mut merged = FirstId::default();
                merged.offer(at, a);
                merged.absorb(other);
                assert_eq!(merged.into_string(), a.min(b));
            }
        }
    }
}
