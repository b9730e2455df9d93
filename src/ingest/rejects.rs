//! The rows of `rejects.csv`: the first [`MAX_REJECT_ROWS`] rejects by file and line, one heap
//! shared by every worker's sink, so a file whose rows all fail holds that many rows in all, not
//! that many per worker. A file read on a guess (by ranges) keeps its own until its reading is
//! merged: a reading found wrong is dropped whole, its rejects with it.

use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::record::{Reject, MAX_REJECT_ROWS};

/// The kept rejects, shared by the sinks given it ([`super::Sink::share_rejects`]). Sinks that
/// do not share it merge theirs when they are merged.
#[derive(Debug, Clone, Default)]
pub struct RejectRows(Arc<Mutex<BinaryHeap<Reject>>>);

/// A place in the inputs: file, line, record (how [`Reject`]s sort first).
pub type Place = (Arc<str>, u64, Option<u64>);

impl RejectRows {
    fn heap(&self) -> MutexGuard<'_, BinaryHeap<Reject>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `r` if it is among the first kept so far, and says the place of the last kept
    /// once as many are kept as can be: a later reject cannot be kept.
    pub fn keep(&self, r: Reject) -> Option<Place> {
        let mut heap = self.heap();
        keep(&mut heap, r);
        last_when_full(&heap)
    }

    /// Moves the rows of `o` into these, unless they are these (sinks that share them).
    pub fn absorb(&self, o: RejectRows) {
        if Arc::ptr_eq(&self.0, &o.0) {
            return;
        }
        let theirs = std::mem::take(&mut *o.heap());
        let mut heap = self.heap();
        for r in theirs {
            keep(&mut heap, r);
        }
    }

    /// How many rows are kept.
    pub fn count(&self) -> usize {
        self.heap().len()
    }

    /// The rows, by file and line; they leave the heap.
    pub fn take(&self) -> Vec<Reject> {
        std::mem::take(&mut *self.heap()).into_sorted_vec()
    }
}

/// Keeps `r` if it is among the first [`MAX_REJECT_ROWS`] by file and line: `kept` holds the
/// first ones seen so far with the last of them on top, so the rows written do not depend on
/// how the work was split across threads.
fn keep(kept: &mut BinaryHeap<Reject>, r: Reject) {
    if kept.len() < MAX_REJECT_ROWS {
        if kept.len() == kept.capacity() && kept.len() >= MAX_REJECT_ROWS / 2 {
            // The last growth: to the rows that can be kept, not twice as many.
            kept.reserve_exact(MAX_REJECT_ROWS - kept.len());
        }
        kept.push(r);
    } else if kept.peek().is_some_and(|last| r < *last) {
        kept.pop();
        kept.push(r);
    }
}

fn last_when_full(kept: &BinaryHeap<Reject>) -> Option<Place> {
    if kept.len() < MAX_REJECT_ROWS {
        return None;
    }
    kept.peek().map(|r| (r.file.clone(), r.line, r.record))
}

/// Whether a reject at `file`, `line`, `record` comes after `last`, the last of as many kept as
/// can be: then it cannot be kept, whatever its reason and text.
pub fn after_last(last: &Place, file: &str, line: u64, record: Option<u64>) -> bool {
    (file, line, record) > (&*last.0, last.1, last.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Reason;

    #[test]
    fn the_kept_rows_take_no_more_room_than_they_can_fill() {
        let rows = RejectRows::default();
        for line in 1..=MAX_REJECT_ROWS as u64 + 10 {
            rows.keep(Reject::new(
                "a.csv".into(),
                crate::record::At::line(line),
                Reason::NotJson,
                "",
                "",
            ));
        }
        assert_eq!(rows.count(), MAX_REJECT_ROWS);
        assert_eq!(rows.heap().capacity(), MAX_REJECT_ROWS);
    }
}
