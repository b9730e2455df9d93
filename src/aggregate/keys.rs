//! The keys of the aggregate's tables and what a row of each holds: a key's counts and calls,
//! its days, its operations and resources, and the cells records are counted in before
//! [`Sink::done`](crate::ingest::Sink::done) sums them into those tables.

use chrono::{DateTime, Utc};

use super::{Calls, Hours, Key, Targets};
use crate::normalize::Kind;

#[derive(Debug, Clone, Default)]
pub struct KeyStats {
    pub count: u64,
    pub calls: Calls,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// Distinct ResultMessages, at most [`MESSAGES_PER_KEY`], with their counts, most
    /// frequent first; see [`texts`].
    pub messages: Vec<(Box<str>, u64)>,
    /// Records with a message that is not kept.
    pub other_messages: u64,
}

#[derive(Debug, Clone, Default)]
pub struct OpStats {
    pub count: u64,
    pub calls: Calls,
}

/// One key on one UTC day.
#[derive(Debug, Clone, Default)]
pub struct DayStats {
    pub hours: Hours,
    pub calls: Calls,
    /// Its records of each log kind, in the order of [`Kind::ALL`]: the spike test measures
    /// the key against the records of its kinds ([`Kind::bits_of`]), and a kind new on the
    /// day is left out of its count.
    pub kind_counts: [u64; 4],
    /// The targets its callback records name: a spike of one failure to one number names it.
    pub targets: Targets,
}

impl DayStats {
    pub fn count(&self) -> u64 {
        self.hours.iter().sum()
    }
}

/// One key of one resource on one UTC day.
#[derive(Debug, Clone, Default)]
pub struct ResourceKeyDay {
    pub count: u64,
    pub calls: Calls,
    /// Its records of each log kind, as [`DayStats::kind_counts`].
    pub kind_counts: [u64; 4],
    /// Of its callback records, those that name no resource and count here through their
    /// call's other records ([`Aggregator::joining_callbacks`]).
    pub joined: u64,
}

/// Key of the by-operation table: the interned operation, its kind, code and subcode, and its
/// interned prompt kind (0: none).
pub type OpKey = (u32, Kind, u32, Option<u32>, u32);

/// The finest cell records are counted in: one UTC day (days since the epoch), one interned
/// operation of one kind, one (code, subcode), one interned resource and one interned prompt
/// kind (0: none). Every table of
/// the report is a sum of cells (their hours are their key's day's, [`KeyDays`]), so a record
/// costs one map entry, one call-set insert and its hour added to its key's day.
pub(super) type Cell = (i64, u32, Kind, u32, Option<u32>, u32, u32);

/// One resource (interned, 0 for none) with one key.
pub type ResourceKey = (u32, Key);

/// A cell's records and calls, and the place of its key's day in [`KeyDays`], which holds
/// the hours and times: tens of thousands of cells (each worker's table of them) take 48 bytes
/// each, not the 160 they would take with 24 hours of their own.
#[derive(Debug, Clone)]
pub(super) struct CellStats {
    pub(super) count: u64,
    pub(super) calls: Calls,
    pub(super) day: u32,
    /// The second of the UTC day of the cell's last record: where a resource's records stop.
    pub(super) last: u32,
}

impl CellStats {
    pub(super) fn new(day: u32) -> CellStats {
        CellStats {
            count: 0,
            calls: Calls::new(),
            day,
            last: 0,
        }
    }
}
