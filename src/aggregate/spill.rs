//! What a run's workers counted past their shares of the cells ([`super::MAX_CELLS`]), merged
//! into one sink that the final one takes when every input is read.

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
}

impl Default for Spill {
    fn default() -> Spill {
        Spill::with_budget(super::MAX_CELLS)
    }
}

impl Spill {
    pub(super) fn with_budget(budget: usize) -> Spill {
        Spill(Arc::new(Inner {
            sink: Mutex::new(None),
            budget,
        }))
    }

    /// The run's cells, those of every worker.
    pub(super) fn budget(&self) -> usize {
        self.0.budget
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Option<Box<Aggregator>>> {
        self.0.sink.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the record's cell is among those moved here.
    pub(super) fn has_cell(&self, rec: &Record<'_>) -> bool {
        self.lock().as_ref().is_some_and(|a| a.has_cell(rec))
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
