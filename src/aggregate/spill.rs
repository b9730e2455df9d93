//! What a run's workers counted past their shares of the cells ([`super::MAX_CELLS`]), merged
//! into one sink that the final one takes when every input is read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::Aggregator;
use crate::record::Record;

/// A sink the workers given it move their counts into ([`Aggregator::sharing_cells`]) when
/// their share of the cells fills, freeing it; it holds the run's cells past the shares.
#[derive(Debug, Clone)]
pub struct Spill(pub(super) Arc<Inner>);

#[derive(Debug)]
pub(super) struct Inner {
    sink: Mutex<Option<Box<Aggregator>>>,
    /// The run's cells ([`super::MAX_CELLS`]): once it holds as many, a record of another
    /// cell is a reject.
    budget: usize,
    /// The cells its sink holds.
    held: AtomicUsize,
    /// The run's spill, for the spill of a reading kept apart ([`Spill::apart`]).
    run: Option<Spill>,
}

impl Default for Spill {
    fn default() -> Spill {
        Spill::with_budget(super::MAX_CELLS)
    }
}

impl Spill {
    pub(super) fn with_budget(budget: usize) -> Spill {
        Spill::new(budget, None)
    }

    fn new(budget: usize, run: Option<Spill>) -> Spill {
        Spill(Arc::new(Inner {
            sink: Mutex::new(None),
            budget,
            held: AtomicUsize::new(0),
            run,
        }))
    }

    /// A spill of their own for the sinks of a reading kept apart (which may be dropped
    /// whole), taken by the merge of the first of them, which keeps to the run's budget with
    /// the run's spill: its cells and the run's count together, and a cell of either is known.
    pub(super) fn apart(&self) -> Spill {
        Spill::new(self.0.budget, Some(self.clone()))
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Option<Box<Aggregator>>> {
        self.0.sink.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the run's budget of cells is spent (counting those of a reading kept apart
    /// with the run's: the same cell in both counts twice).
    pub(super) fn is_full(&self) -> bool {
        self.held() >= self.0.budget
    }

    fn held(&self) -> usize {
        let run = self.0.run.as_ref().map_or(0, Spill::held);
        self.0.held.load(Ordering::Relaxed).saturating_add(run)
    }

    /// Its sink holds `cells` cells now.
    pub(super) fn holds(&self, cells: usize) {
        self.0.held.store(cells, Ordering::Relaxed);
    }

    /// Whether the record's cell is among those moved here (or to the run's spill).
    pub(super) fn has_cell(&self, rec: &Record<'_>) -> bool {
        self.lock().as_ref().is_some_and(|a| a.has_cell(rec))
            || self.0.run.as_ref().is_some_and(|r| r.has_cell(rec))
    }

    /// What was moved here, taken out.
    pub(super) fn take(&self) -> Option<Box<Aggregator>> {
        let mut sink = self.lock();
        self.holds(0);
        sink.take()
    }

    /// Whether the two are one.
    pub(super) fn is(&self, o: &Spill) -> bool {
        Arc::ptr_eq(&self.0, &o.0)
    }
}
