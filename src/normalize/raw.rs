//! [`Raw`]: the wanted fields of one source record as a shape's reader sets them, with the
//! nesting level each was read from, before the rules of `normalize` turn them into a record.

use std::borrow::Cow;

use super::keys::{Field, Levels, FIELDS};
use super::value::Val;

/// The wanted fields of one source record, before normalization.
#[derive(Debug, Clone, Default)]
pub struct Raw<'a> {
    /// Dropped by [`Raw`]'s own drop, and only when [`Self::owned`].
    vals: std::mem::ManuallyDrop<[Val<'a>; FIELDS]>,
    /// Whether a value that owns its text was ever set: else dropping it has nothing to free.
    pub(super) owned: bool,
    /// A nested object that was given as text that is not JSON (`properties` cut short, or a
    /// Python repr): its key's place in [`NESTED_KEYS`] ([`UNNAMED`] until the key is known),
    /// for the reject it makes. One byte, beside `owned`: a `Raw` is moved for every record.
    pub(super) not_json: Option<u8>,
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
