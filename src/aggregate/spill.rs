//! What a run's workers counted past their shares of the cells ([`super::MAX_CELLS`]), merged
//! into one sink that the final one takes when every input is read.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
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
    /// The spill of a reading kept apart ([`Spill::apart`]): the cells its sinks moved, which
    /// count in `moved` until the reading is merged (they are then the run's) or dropped (they
    /// are then given back). `None` for the run's spill, whose cells count for good.
    mine: Option<Mutex<HashSet<u64>>>,
}

/// Cells moved, each once (by a hash of its texts), and how many: read at every batch of
/// records, so without the lock. Each with what holds it: the run ([`RUN`]), else how many
/// readings kept apart moved it.
#[derive(Debug, Default)]
struct Moved {
    cells: Mutex<HashMap<u64, u32>>,
    count: AtomicUsize,
}

/// A cell of [`Moved`] that the run holds, for good.
const RUN: u32 = u32::MAX;

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Gives back a cell a reading kept apart held ([`Inner::mine`]).
fn give_back(moved: &mut HashMap<u64, u32>, cell: u64) {
    if let Entry::Occupied(mut e) = moved.entry(cell) {
        match *e.get() {
            RUN => {}
            1 => {
                e.remove();
            }
            n => *e.get_mut() = n - 1,
        }
    }
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
            mine: None,
        }))
    }

    /// A spill of their own for the sinks of a reading kept apart (which may be dropped
    /// whole), taken by the merge of the first of them, which keeps to the run's budget with
    /// the run's spill: the cells moved to any of them count once toward it, and are known. A
    /// reading dropped gives its cells back: read again in order, its rows may fall in other
    /// cells (a date told the other day/month order, and their days are others), which had
    /// counted on top of its own (rejects below the budget on 4 threads: review rev66b F1).
    pub(super) fn apart(&self) -> Spill {
        Spill(Arc::new(Inner {
            sink: Mutex::new(None),
            budget: self.0.budget,
            moved: Arc::clone(&self.0.moved),
            mine: Some(Mutex::default()),
        }))
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Option<Box<Aggregator>>> {
        locked(&self.0.sink)
    }

    fn moved(&self) -> MutexGuard<'_, HashMap<u64, u32>> {
        locked(&self.0.moved.cells)
    }

    /// The cells the run's budget has left: how many more distinct cells can be moved to its
    /// spills before it is spent (none: as many were moved).
    pub(super) fn left(&self) -> usize {
        let moved = self.0.moved.count.load(Ordering::Relaxed);
        self.0.budget.saturating_sub(moved)
    }

    /// Counts the cells, by the hashes of their texts, as moved here.
    pub(super) fn count(&self, cells: impl Iterator<Item = u64>) {
        let mut moved = self.moved();
        match &self.0.mine {
            None => moved.extend(cells.map(|c| (c, RUN))),
            Some(mine) => {
                let mut mine = locked(mine);
                for c in cells.filter(|&c| mine.insert(c)) {
                    let n = moved.entry(c).or_insert(0);
                    if *n != RUN {
                        *n += 1;
                    }
                }
            }
        }
        self.0.moved.count.store(moved.len(), Ordering::Relaxed);
    }

    /// The cells that `o`, the spill of a reading kept apart, holds, held here instead: its
    /// sinks are merged into this one's.
    pub(super) fn adopt(&self, o: &Spill) {
        let Some(theirs) = &o.0.mine else {
            return;
        };
        if !Arc::ptr_eq(&self.0.moved, &o.0.moved) {
            return;
        }
        let mut moved = self.moved();
        let taken = std::mem::take(&mut *locked(theirs));
        match &self.0.mine {
            None => moved.extend(taken.into_iter().map(|c| (c, RUN))),
            Some(mine) => {
                let mut mine = locked(mine);
                for c in taken.into_iter().filter(|&c| !mine.insert(c)) {
                    give_back(&mut moved, c);
                }
            }
        }
        self.0.moved.count.store(moved.len(), Ordering::Relaxed);
    }

    /// Whether the cell of this hash was moved to the run's spill or to one of its readings'.
    pub(super) fn has_moved(&self, cell: u64) -> bool {
        self.moved().contains_key(&cell)
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

impl Drop for Inner {
    /// A reading kept apart that is dropped (its sinks never merged) gives back its cells.
    fn drop(&mut self) {
        let Some(mine) = self.mine.take() else {
            return;
        };
        let mine = mine.into_inner().unwrap_or_else(PoisonError::into_inner);
        if mine.is_empty() {
            return;
        }
        let mut moved = locked(&self.moved.cells);
        for c in mine {
            give_back(&mut moved, c);
        }
        self.moved.count.store(moved.len(), Ordering::Relaxed);
    }
}
