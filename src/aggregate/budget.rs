//! The run's budgets of cells and messages, and each worker's share of them: past its share a
//! worker moves what it counted to the run's [`Spill`], so that a run keeps [`MAX_CELLS`] cells
//! and its messages within [`MESSAGE_BUDGET`] however many workers count them.

use super::{texts, Aggregator, RejectRows, Spill};
use crate::normalize::{Kind, Record};
use crate::time::DAY;

/// Distinct messages kept per key whatever the other keys, while all keys' such messages are
/// within [`MESSAGE_FLOOR_BUDGET`]: logs sometimes name a subcode differently from the
/// catalogue, and the report shows both. Real keys have a handful.
pub const MESSAGE_FLOOR: usize = 8;

/// Distinct messages kept per key at most, those past [`MESSAGE_FLOOR`] within
/// [`MESSAGE_BUDGET`].
pub const MESSAGES_PER_KEY: usize = 32;

/// Messages past [`MESSAGE_FLOOR`] kept by the run for all keys, so that hostile messages
/// cannot exhaust memory: at most [`texts::TEXT_BYTES`] each, a few megabytes in all.
pub const MESSAGE_BUDGET: usize = 4_096;

/// Messages within their keys' [`MESSAGE_FLOOR`] kept by the run for all keys: a thousand keys
/// with eight distinct messages each, far more than real exports have, but a bound on hostile
/// ones of many keys (at most [`texts::TEXT_BYTES`] each, 8 MiB).
pub const MESSAGE_FLOOR_BUDGET: usize = 8_192;

/// Bytes of messages a worker copies, since it last moved them, before it moves them to the
/// run's spill ([`Messages::move_into`]), each counted with [`texts::ENTRY_BYTES`] more: the
/// budgets above are then the run's, not each worker's, and a worker holds at most this much
/// of its own, and of the run's texts none (only two ranks for some keys). Real exports keep a
/// few hundred short messages, a few dozen kilobytes, and never move them. On more than two
/// threads each worker copies its even share of twice this, 64 KiB at least
/// (`message_share`): on 32 threads the workers hold 4 MiB of texts of their own at most, as
/// on two.
pub const MESSAGE_SHARE: usize = 2 << 20;

/// The bytes of messages a worker among `workers` copies before it moves them
/// ([`MESSAGE_SHARE`]). A move costs what the worker copied (the run adds each text), so a
/// small share costs little more than a large one; but after a move the worker copies again
/// the texts the run keeps that it meets, so a share that held fewer than a real export's few
/// hundred texts would copy them over and over.
pub(super) fn message_share(workers: usize) -> usize {
    MESSAGE_SHARE.min((2 * MESSAGE_SHARE / workers.max(1)).max(64 << 10))
}

pub(super) const MESSAGE_LIMITS: texts::Limits = texts::Limits {
    floor: MESSAGE_FLOOR,
    cap: MESSAGES_PER_KEY,
    extras: MESSAGE_BUDGET,
    floors: MESSAGE_FLOOR_BUDGET,
};

/// Distinct cells (UTC day, operation, kind, code, subcode, resource, prompt kind) a run keeps.
/// Real exports have a few thousand (a month of a hundred keys over thirty operations; tens of
/// thousands over many resources); past it (an input of made-up codes or operations by the hundred
/// thousand), the records of new cells are rejects, so memory stays bounded (a cell and what is
/// summed from it take about 0.85 KB when each is a key of its own). It is 7/8 of 2^18, what a
/// table of 262,144 places holds before it doubles (250,000 takes 524,288), and so are its even
/// shares among 2, 4, 8 or 16 workers: no worker's table and not the spill's doubles for its last
/// few cells. A worker holds its share of them, and moves what it counted to the run's [`Spill`]
/// when its share fills, so that nothing is rejected below the budget however many workers meet the
/// same cells, and takes no more new cells than the budget had left when it last looked (an eighth
/// of its share at least, `Aggregator::limit`). A worker learns that the budget is spent at its
/// next batch of records or move, so what it took till then is kept too; which records are rejected
/// past it depends on how the work was split.
pub const MAX_CELLS: usize = 229_376;

/// A worker's share of [`MAX_CELLS`] among `workers`: an even share.
pub(super) fn cell_share(workers: usize) -> usize {
    (MAX_CELLS / workers.max(1)).max(1)
}

impl Aggregator {
    /// Moves what it counted past its share of [`MAX_CELLS`] into `spill`, shared with the
    /// other sinks made with it: one run's workers then keep [`MAX_CELLS`] cells in all before
    /// a record of a new cell is rejected, however many of them meet the same cells.
    pub fn sharing_cells(mut self, spill: &Spill) -> Aggregator {
        self.spill = spill.clone();
        self.run_left = spill.left();
        self
    }

    /// An empty sink with the same settings, sharing what this one shares.
    pub(super) fn fresh(&self) -> Aggregator {
        let mut a = Aggregator::new(self.window, self.bucket_secs);
        a.keep_messages = self.keep_messages;
        a.keep_resource_days = self.keep_resource_days;
        a.keep_silent = self.keep_silent;
        a.join_callbacks = self.join_callbacks;
        a.max_cells = self.max_cells;
        a.message_share = self.message_share;
        a.resource_filter = self.resource_filter.clone();
        a.resource_hits = self.resource_hits.clone();
        a.calls_of_resources = self.calls_of_resources.clone();
        a.reject_rows = self.reject_rows.clone();
        a.last_kept = self.last_kept.clone();
        a.spill = self.spill.clone();
        a.run_left = self.run_left;
        a
    }

    /// The cells this worker holds before it moves them to the spill: its share, or what the run's
    /// budget had left if less, so that workers that each still find room do not each take a share
    /// more (on three threads, whose shares fill all but 2 of the 229,376 cells, that would keep
    /// up to 458,748 cells past the budget); but an eighth of its share at least, so that a worker
    /// near the budget does not move for every few cells. Once the budget is spent, its share of
    /// the cells the run has.
    pub(super) fn limit(&self) -> usize {
        match self.run_left {
            0 => self.max_cells,
            left => (self.max_cells).min(left.max(self.max_cells / 8).max(1)),
        }
    }

    /// Moves what this worker counted into the spill, which frees its share of the cells.
    /// The rows of its rejects stay where they are, shared with the worker as it goes on. The
    /// spill's sink shares neither those nor the spill (which would then hold itself).
    pub(super) fn spill_out(&mut self) {
        let mut mine = std::mem::replace(self, self.fresh());
        let mut sink = self.spill.lock();
        let run = sink.get_or_insert_with(|| self.spill_sink());
        mine.reject_rows = run.reject_rows.clone();
        mine.spill = run.spill.clone();
        mine.flush();
        self.spill.count(mine.cell_hashes());
        run.absorb(mine);
        drop(sink);
        self.run_left = self.spill.left();
    }

    /// The sink a spill holds: this one's settings, but for the rows of rejects and the spill,
    /// which it does not share, and no share of cells or messages to move.
    fn spill_sink(&self) -> Box<Aggregator> {
        let mut run = self.fresh();
        run.reject_rows = RejectRows::default();
        run.spill = Spill::default();
        run.max_cells = usize::MAX;
        run.message_share = usize::MAX;
        Box::new(run)
    }

    /// Moves this worker's messages into the spill's sink, past its share ([`message_share`]).
    pub(super) fn spill_messages(&mut self) {
        let mut sink = self.spill.lock();
        let run = sink.get_or_insert_with(|| self.spill_sink());
        self.messages.move_into(&mut run.messages);
    }

    /// Each cell's hash ([`cell_hash`]).
    fn cell_hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.cells
            .keys()
            .map(|&(day, op, kind, code, sub, res, prompt)| {
                let (op, res) = (self.operations.name(op), self.resources.name(res));
                cell_hash(day, op, kind, code, sub, res, self.prompts.name(prompt))
            })
    }

    /// Whether the record's cell is among this sink's (the pending records' are not looked at).
    pub(super) fn has_cell(&self, rec: &Record<'_>) -> bool {
        let day = rec.time.timestamp().div_euclid(DAY);
        let res = self.resources.get(rec.resource().as_deref().unwrap_or(""));
        let prompt = self.prompts.get(&rec.prompt);
        let op = self.operations.get(&rec.operation);
        op.zip(res).zip(prompt).is_some_and(|((op, res), prompt)| {
            let cell = (day, op, rec.kind, rec.code, rec.subcode, res, prompt);
            self.cells.contains_key(&cell)
        })
    }
}

/// A cell's hash, of its texts (not of the numbers a sink gave them), the same in every sink
/// ([`Spill`] counts the cells moved by it).
fn cell_hash(
    day: i64,
    op: &str,
    kind: Kind,
    code: u32,
    sub: Option<u32>,
    res: &str,
    prompt: &str,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (day, op, kind, code, sub, res, prompt).hash(&mut h);
    h.finish()
}

/// The hash of a record's cell ([`cell_hash`]).
pub(super) fn rec_cell_hash(rec: &Record<'_>) -> u64 {
    let day = rec.time.timestamp().div_euclid(DAY);
    let res = rec.resource().unwrap_or_default();
    cell_hash(
        day,
        &rec.operation,
        rec.kind,
        rec.code,
        rec.subcode,
        &res,
        &rec.prompt,
    )
}
