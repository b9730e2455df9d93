//! What a run's workers counted past their shares of the cells ([`super::MAX_CELLS`]), merged
//! into one sink that the final one takes when every input is read.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::Aggregator;

/// A sink the workers given it move their counts into ([`Aggregator::sharing_cells`]) when
/// their share of the cells fills, freeing it; it holds the run's cells past the shares.
#[derive(Debug, Clone)]
pub struct Spill(pub(super) Arc<Inner>);

#[derive(Debug)]
pub(super) struct Inner {
    sink: Mutex<Option<Box<Aggregator>>>,
    /// The run's cells ([`super::MAX_CELLS`]): once as many were moved to its spills, a
    /// record of another cell is a reject.
    budget: usize,
    /// The cells moved to the run's spill or to those of its readings kept apart, shared by
    /// them all.
    moved: Arc<Moved>,
}

/// Cells moved, each once (by a hash of its texts), and how many: read at every batch of
/// records, so without the lock.
#[derive(Debug, Default)]
struct Moved {
    cells: Mutex<HashSet<u64>>,
    count: AtomicUsize,
}

impl Default for Spill {
    fn default() -> Spill {
        Spill::with_budget(super::MAX_CELLS)
    }
}

impl Spill {
    pub(super) fn with_budget(budget: usize) -> Spill {
        Spill::new(budget, Arc::default())
    }

    fn new(budget: usize, moved: Arc<Moved>) -> Spill {
        Spill(Arc::new(Inner {
            sink: Mutex::new(None),
            budget,
            moved,
        }))
    }

    /// A spill of their own for the sinks of a reading kept apart (which may be dropped
    /// whole), taken by the merge of the first of them, which keeps to the run's budget with
    /// the run's spill: the cells moved to any of them count once toward it, and are known. A
    /// reading dropped leaves its cells counted (read again in order, it moves the same ones,
    /// but for what a wrong guess made of its rows).
    pub(super) fn apart(&self) -> Spill {
        Spill::new(self.0.budget, Arc::clone(&self.0.moved))
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Option<Box<Aggregator>>> {
        self.0.sink.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn moved(&self) -> MutexGuard<'_, HashSet<u64>> {
        let cells = &self.0.moved.cells;
        cells.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cells the run's budget has left: how many more distinct cells can be moved to its
    /// spills before it is spent (none: as many were moved).
    pub(super) fn left(&self) -> usize {
        let moved = self.0.moved.count.load(Ordering::Relaxed);
        self.0.budget.saturating_sub(moved)
    }

    /// Counts the cells, by the hashes of their texts, as moved.
    pub(super) fn count(&self, cells: impl Iterator<Item = u64>) {
        let mut moved = self.moved();
        moved.extend(cells);
        self.0.moved.count.store(moved.len(), Ordering::Relaxed);
    }

    /// Whether the cell of this hash was moved to the run's spill or to one of its readings'.
    pub(super) fn has_moved(&self, cell: u64) -> bool {
        self.moved().contains(&cell)
    }

    /// What was moved here, taken out.
    pub(super) fn take(&self) -> Option<Box<Aggregator>> {
        self.lock().take()
    }

    /// Whether the two are one.
    pub(super) fn is(&self, o: &Spill) -> bool {
        Arc::ptr_eq(&self.0, &o.0)
    }
}
