//! One call's actions ([`CallActions`]): accepted, and the outcomes of each log, with when
//! they were accepted, its resource and its texts' place; 88 bytes a call.

use super::super::interner::Interner;
use super::actions::{N, WITH_SUMMARY};

/// One call's actions of each kind: accepted, and the outcomes of each log; 88 bytes.
#[derive(Debug, Clone)]
pub(super) struct CallActions {
    pub(super) accepted: [u16; N],
    pub(super) callbacks: [u16; N],
    pub(super) summaries: [u16; WITH_SUMMARY],
    /// The resource (interned) of the call: of the resources its records name, the first by
    /// name, as the join of callback records gives the call's (`by_resource.csv`), whatever
    /// the order its records are read in; and in the flags whether some record of the call
    /// names a CorrelationId, and whether it has a callback event.
    pub(super) resource: u32,
    /// The last action accepted, in milliseconds since the epoch.
    pub(super) last: i64,
    pub(super) connection: [u64; 2],
    /// Each action's first and last accepted, in seconds since the epoch.
    times: [[u32; 2]; N],
    /// Its ServerCallId's place in [`Silent::servers`], while it has an action accepted
    /// without an outcome; [`NO_SERVER`] for none.
    pub(super) server: u32,
}

/// [`CallActions::server`] of a call that keeps no ServerCallId.
pub(super) const NO_SERVER: u32 = u32::MAX;

/// The bit of [`CallActions::resource`] set once a record of the call names a CorrelationId.
pub(super) const CORRELATED: u32 = 1 << 31;

/// The bit of [`CallActions::resource`] set once the call has a callback event.
pub(super) const EVENTS: u32 = 1 << 30;

/// The flags of [`CallActions::resource`].
pub(super) const FLAGS: u32 = CORRELATED | EVENTS;

impl Default for CallActions {
    fn default() -> CallActions {
        CallActions {
            accepted: [0; N],
            callbacks: [0; N],
            summaries: [0; WITH_SUMMARY],
            resource: 0,
            last: 0,
            connection: [0; 2],
            times: [[0; 2]; N],
            server: NO_SERVER,
        }
    }
}

impl CallActions {
    /// Whether the call met no record at all.
    pub(super) fn is_empty(&self) -> bool {
        self.resource & EVENTS == 0
            && (self
                .accepted
                .iter()
                .chain(&self.callbacks)
                .chain(&self.summaries))
            .all(|&n| n == 0)
    }

    /// Whether some action accepted has no outcome (yet).
    pub(super) fn pending(&self) -> bool {
        self.missing().iter().any(|&n| n > 0)
    }

    /// Each action's accepted without an outcome.
    pub(super) fn missing(&self) -> [u16; N] {
        std::array::from_fn(|i| {
            let summaries = self.summaries.get(i).copied().unwrap_or(0);
            let outcomes = self.callbacks[i].max(summaries);
            self.accepted[i].saturating_sub(outcomes)
        })
    }

    /// The interned resource.
    pub(super) fn resource(&self) -> u32 {
        self.resource & !FLAGS
    }

    /// Names `resource` (interned in `names`) when the call names none yet or it comes first
    /// by name, and adds `flags`.
    pub(super) fn name(&mut self, resource: u32, flags: u32, names: &Interner) {
        let mine = self.resource();
        let first = |r: u32| mine == 0 || r != mine && names.name(r) < names.name(mine);
        if resource != 0 && first(resource) {
            self.resource = (self.resource & FLAGS) | resource;
        }
        self.resource |= flags;
    }

    /// Notes that action `i` was accepted at `secs` (seconds since the epoch), before it is
    /// counted.
    pub(super) fn accepted_at(&mut self, i: usize, secs: u32) {
        let [first, last] = self.times[i];
        self.times[i] = match self.accepted[i] {
            0 => [secs, secs],
            _ => [first.min(secs), last.max(secs)],
        };
    }

    /// How many of action `i`'s accepted without an outcome are late: accepted after `line`
    /// (seconds since the epoch). The logs do not pair an outcome with its action: of one
    /// action accepted both before and after the line, all but the first are taken as late.
    pub(super) fn late(&self, i: usize, line: u32) -> u16 {
        let [first, last] = self.times[i];
        let late = match (first > line, last > line) {
            (true, _) => self.accepted[i],
            (false, true) => self.accepted[i] - 1,
            (false, false) => 0,
        };
        self.missing()[i].min(late)
    }

    pub(super) fn add(&mut self, o: &CallActions, names: &Interner) {
        for i in 0..N {
            if o.accepted[i] > 0 {
                self.accepted_at(i, o.times[i][0]);
                self.times[i][1] = self.times[i][1].max(o.times[i][1]);
            }
            self.accepted[i] = self.accepted[i].saturating_add(o.accepted[i]);
            self.callbacks[i] = self.callbacks[i].saturating_add(o.callbacks[i]);
        }
        for i in 0..WITH_SUMMARY {
            self.summaries[i] = self.summaries[i].saturating_add(o.summaries[i]);
        }
        self.last = self.last.max(o.last);
        self.name(o.resource(), o.resource & FLAGS, names);
        if self.connection == [0; 2] {
            self.connection = o.connection;
        }
    }
}
