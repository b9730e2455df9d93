//! Merging two workers' aggregates: the larger takes the smaller, whose calls, operations,
//! resources, prompt kinds and key days are numbered as its own.

use std::sync::atomic::Ordering;

use super::{calls, remap, Aggregator, CellStats};
use crate::normalize::Kind;

impl Aggregator {
    /// Adds another worker's sink, whatever the cells it brings (see [`Sink::merge`]).
    pub(super) fn absorb(&mut self, mut o: Aggregator) {
        // A sink kept apart moved its counts past its share into a spill of its own.
        if !self.spill.is(&o.spill) {
            if let Some(theirs) = o.spill.take() {
                self.absorb(*theirs);
            }
            self.spill.adopt(&o.spill);
        }
        self.flush();
        o.flush();
        // The larger takes the smaller: the other way, both are whole at once (a run's first
        // merge, into an empty sink, would copy everything counted).
        if o.held() > self.held() {
            self.trade_counts(&mut o);
        }
        self.add_tallies(&o);
        // The other's calls numbered as ours, for every set of calls it brings.
        let calls = self.calls.absorb(std::mem::take(&mut o.calls));
        let mut room = calls::Unordered::default();
        self.absorb_cells(&mut o, &calls, &mut room);
        let resources = self.resources.absorb(&o.resources);
        for (res, set) in std::mem::take(&mut o.named_calls) {
            let mine = self.named_calls.entry(resources[res as usize]).or_default();
            mine.extend_unordered(remap(&set, &calls), &mut room);
        }
        let silent = std::mem::take(&mut o.silent);
        (self.silent).absorb(silent, &calls, (&resources, &self.resources));
        self.absorb_diagnostics(&mut o, &calls, &mut room);
        self.absorb_sdks(&mut o);
        self.messages.merge(o.messages);
        self.reject_rows.absorb(o.reject_rows);
    }

    /// Adds the other sink's counts of records, by reason and by day and kind, and the
    /// `--resource` patterns it saw matched.
    fn add_tallies(&mut self, o: &Aggregator) {
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.skipped += o.skipped;
        self.outside += o.outside;
        self.callbacks_left_out += o.callbacks_left_out;
        for (mine, theirs) in self.resource_hits.iter().zip(o.resource_hits.iter()) {
            if theirs.load(Ordering::Relaxed) {
                mine.store(true, Ordering::Relaxed);
            }
        }
        for (r, n) in &o.reject_counts {
            *self.reject_counts.entry(*r).or_default() += n;
        }
        for (r, n) in &o.skip_counts {
            *self.skip_counts.entry(*r).or_default() += n;
        }
        for (k, n) in &o.by_day_kind {
            *self.by_day_kind.entry(*k).or_default() += n;
        }
    }

    /// Adds the other sink's cells: its operations, resources, prompt kinds and key days
    /// numbered as ours, its calls through `calls` (ours for its).
    fn absorb_cells(&mut self, o: &mut Aggregator, calls: &[u32], room: &mut calls::Unordered) {
        let ops = self.operations.absorb(&o.operations);
        let resources = self.resources.absorb(&o.resources);
        let prompts = self.prompts.absorb(&o.prompts);
        let days = self.days.absorb(std::mem::take(&mut o.days));
        (self.repeats).absorb(std::mem::take(&mut o.repeats), calls, &days);
        let join = self.joins();
        for ((day, op, kind, code, sub, res, prompt), s) in std::mem::take(&mut o.cells) {
            let res = resources[res as usize];
            let t = self
                .cells
                .entry((
                    day,
                    ops[op as usize],
                    kind,
                    code,
                    sub,
                    res,
                    prompts[prompt as usize],
                ))
                .or_insert_with(|| CellStats::new(days[s.day as usize]));
            if join && kind == Kind::Callback && res == 0 && t.count > 0 {
                // A call both sinks met in the cell is one set member for two records or more.
                for id in remap(&s.calls, calls).filter(|&id| t.calls.contains(id)) {
                    self.repeats.add(id, t.day, 1);
                }
            }
            t.count += s.count;
            t.last = t.last.max(s.last);
            t.calls.extend_unordered(remap(&s.calls, calls), room);
        }
    }

    /// What this sink holds, to choose which of two takes the other: its cells and calls.
    fn held(&self) -> usize {
        self.cells.len() + self.calls.len()
    }

    /// Trades what the two counted. Each keeps what it is: its settings, its share of the
    /// cells and the spill it moves them to, and the rows of rejects it shares.
    pub(super) fn trade_counts(&mut self, o: &mut Aggregator) {
        std::mem::swap(self, o);
        let Aggregator {
            window,
            bucket_secs,
            keep_messages,
            keep_resource_days,
            keep_silent,
            join_callbacks,
            max_cells,
            message_share,
            spill,
            run_left,
            resource_filter,
            resource_hits,
            calls_of_resources,
            reject_rows,
            last_kept,
            ..
        } = o;
        std::mem::swap(&mut self.window, window);
        std::mem::swap(&mut self.bucket_secs, bucket_secs);
        std::mem::swap(&mut self.keep_messages, keep_messages);
        std::mem::swap(&mut self.keep_resource_days, keep_resource_days);
        std::mem::swap(&mut self.keep_silent, keep_silent);
        std::mem::swap(&mut self.join_callbacks, join_callbacks);
        std::mem::swap(&mut self.max_cells, max_cells);
        std::mem::swap(&mut self.message_share, message_share);
        std::mem::swap(&mut self.spill, spill);
        std::mem::swap(&mut self.run_left, run_left);
        std::mem::swap(&mut self.resource_filter, resource_filter);
        std::mem::swap(&mut self.resource_hits, resource_hits);
        std::mem::swap(&mut self.calls_of_resources, calls_of_resources);
        std::mem::swap(&mut self.reject_rows, reject_rows);
        std::mem::swap(&mut self.last_kept, last_kept);
    }
}
