//! What [`Sink::done`](crate::ingest::Sink::done) makes of the cells: the tables by key, day,
//! operation, resource and kind, each key's messages, and the callback records of no resource
//! joined to their calls' resources.

use foldhash::HashMap;

use super::texts::Messages;
use super::{earliest, joins, latest, Aggregator, Cell, CellStats, Key, MESSAGE_LIMITS};
use crate::normalize::Kind;

/// Records of (UTC day, resource), with the second of the day of the last that names the
/// resource (none for callback records joined to it): what `by_day_of_resource` is summed from.
type DayRecords = Vec<((i64, u32), (u64, Option<u32>))>;

impl Aggregator {
    /// The seconds `--bucket auto` chooses by: the window's span when both ends are given,
    /// else the records'.
    pub(super) fn span(&self) -> Option<i64> {
        match (self.window.since, self.window.until) {
            (Some(a), Some(b)) => Some(crate::time::ceil_seconds(b - a)),
            _ => (self.days.span()).map(|(a, b)| crate::time::ceil_seconds(b - a)),
        }
    }

    /// Fills `by_day` with each key's hours of each day, `by_key` with each key's first and
    /// last record, and `day_spans` with each day's.
    pub(super) fn sum_key_days(&mut self) {
        // Each day of a key is a row of `by_day`, and each key one of `by_key`, both made at
        // their size: grown by doubling, their last two sizes would be held at once. The days in
        // order of key give the keys' number.
        let mut days = self.days.take();
        days.sort_unstable_by_key(|&((day, key), _)| (key, day));
        let keys = days.iter().enumerate();
        let keys = keys.filter(|&(i, ((_, k), _))| i == 0 || days[i - 1].0 .1 != *k);
        self.by_key.reserve(keys.count());
        self.by_day.reserve(days.len());
        for ((day, key), d) in popped(days) {
            let k = self.by_key.entry(key).or_default();
            k.first = earliest(k.first, Some(d.first));
            k.last = latest(k.last, Some(d.last));
            let span = self.day_spans.entry(day).or_insert((d.first, d.last));
            *span = (span.0.min(d.first), span.1.max(d.last));
            let s = self.by_day.entry((day, key)).or_default();
            s.hours.add_all(&d.hours);
            s.targets.absorb(d.targets);
        }
    }

    /// Gives each key of `by_key` the messages counted for it.
    pub(super) fn join_messages(&mut self) {
        let none = Messages::new(MESSAGE_LIMITS);
        for (key, m) in std::mem::replace(&mut self.messages, none).into_counted() {
            if let Some(k) = self.by_key.get_mut(&key) {
                k.messages = m.texts;
                k.other_messages = m.other;
            }
        }
    }

    /// Sums `cells` into the tables by key, operation, resource, day and kind, and the calls
    /// of each key's days.
    pub(super) fn sum_cells(
        &mut self,
        cells: Vec<(Cell, CellStats)>,
        of: Option<joins::CallResources>,
    ) {
        let mut of_resources = Vec::new();
        // The records of no resource of each key moved to their calls' resources: a call's
        // records past its first in one cell may be moved with another cell of its key's day.
        let mut moved: HashMap<Key, u64> = HashMap::default();
        for ((day, op, kind, code, sub, res, prompt), c) in popped(cells) {
            let key = (code, sub);
            let count = c.count;
            let k = self.by_key.entry(key).or_default();
            k.count += count;
            k.calls |= &c.calls;
            let o = self.by_op.entry((op, kind, code, sub, prompt)).or_default();
            o.count += count;
            o.calls |= &c.calls;
            let split = (of.as_ref())
                .filter(|_| kind == Kind::Callback && res == 0)
                .map(|of| joins::split(&c.calls, c.day, of, &mut self.repeats));
            if let Some(split) = &split {
                self.join_days(split, key, day, &mut of_resources);
            }
            match &split {
                Some(split) if self.join_callbacks => {
                    *moved.entry(key).or_default() += self.join(split, key, day, &c);
                }
                _ => {
                    let r = self.by_resource.entry((res, key)).or_default();
                    r.count += count;
                    r.calls |= &c.calls;
                    if res != 0 && self.join_callbacks {
                        self.count_failures(day, res, key, count);
                    }
                }
            }
            if res != 0 {
                of_resources.push(((day, res), (count, Some(c.last))));
                if self.keep_resource_days {
                    let d = self.by_day_resource.entry((day, res, key)).or_default();
                    d.count += count;
                    d.calls |= &c.calls;
                    d.kind_counts[kind as usize] += count;
                    let k = (day, res, kind.as_str());
                    *self.by_day_resource_kind.entry(k).or_default() += count;
                }
            }
            *self.by_day_kind.entry((day, kind.as_str())).or_default() += count;
            let d = self.by_day.entry((day, key)).or_default();
            d.calls |= c.calls;
            d.kind_counts[kind as usize] += count;
        }
        for (key, n) in moved {
            let r = self.by_resource.entry((0, key)).or_default();
            r.count = r.count.saturating_sub(n);
            if r.count == 0 {
                self.by_resource.remove(&(0, key));
            }
        }
        self.sum_days_of_resources(of_resources);
    }

    /// Each call's resource, for the join: none unless it is made ([`Aggregator::joins`]) and
    /// some callback cell of no resource has calls; `made` when the silent test made them
    /// already, from the same cells.
    pub(super) fn call_resources(
        &self,
        cells: &[(Cell, CellStats)],
        calls: usize,
        made: Option<joins::CallResources>,
    ) -> Option<joins::CallResources> {
        let unnamed = |&((_, _, kind, _, _, res, _), ref c): &(Cell, CellStats)| {
            kind == Kind::Callback && res == 0 && c.calls.len() > 0
        };
        if !self.joins() || !cells.iter().any(unnamed) {
            return None;
        }
        Some(made.unwrap_or_else(|| {
            let named = cells.iter().map(|(cell, c)| (cell.5, &c.calls));
            let named = named.chain(self.named_calls.iter().map(|(&r, c)| (r, c)));
            joins::CallResources::of(calls, named, &self.resources)
        }))
    }

    /// Counts the records of a callback cell of no resource of `key` on `day` that `split`
    /// moves to their calls' resources in each resource's days: its records, with no last
    /// second (`of_resources`, where a resource's records stop is read from those that name it),
    /// and, when kept, its keys and kinds.
    fn join_days(
        &mut self,
        split: &joins::Split,
        key: Key,
        day: i64,
        of_resources: &mut DayRecords,
    ) {
        for (res, n, calls) in &split.moved {
            of_resources.push(((day, *res), (*n, None)));
            if self.keep_resource_days {
                let d = self.by_day_resource.entry((day, *res, key)).or_default();
                d.count += n;
                d.calls |= calls;
                d.kind_counts[Kind::Callback as usize] += n;
                d.joined += n;
                let k = (day, *res, Kind::Callback.as_str());
                *self.by_day_resource_kind.entry(k).or_default() += n;
            }
        }
    }

    /// Counts a callback cell of no resource of `key` on `day` under its calls' resources, its
    /// calls of none under none; returns the records moved, which the caller takes from none
    /// once every cell is counted (the cell's records are all under none till then).
    fn join(&mut self, split: &joins::Split, key: Key, day: i64, c: &CellStats) -> u64 {
        let r = self.by_resource.entry((0, key)).or_default();
        r.count += c.count;
        r.calls |= &split.kept;
        self.callbacks_of_no_resource += c.count;
        for &(res, n, ref calls) in &split.moved {
            let r = self.by_resource.entry((res, key)).or_default();
            r.count += n;
            r.calls |= calls;
            *self.joined.entry(res).or_default() += n;
            self.count_failures(day, res, key, n);
        }
        split.moved_count()
    }

    /// Counts `n` records of `key` of resource `res` on `day` in `failures_by_day_resource`,
    /// for a code other than success.
    fn count_failures(&mut self, day: i64, res: u32, key: Key, n: u64) {
        if crate::catalogue::Category::of(key.0).is_failure() {
            *self
                .failures_by_day_resource
                .entry((day, res, key))
                .or_default() += n;
        }
    }

    /// Adds the records of each (day, resource) of `counts` to `by_day_of_resource`, made from
    /// the sorted sums in one go: its nodes full, where inserts in the cells' order leave them
    /// two-thirds full (39 bytes a resource, not 26, of resource ids by the hundred thousand).
    fn sum_days_of_resources(&mut self, mut counts: DayRecords) {
        counts.extend(std::mem::take(&mut self.by_day_of_resource));
        counts.sort_unstable_by_key(|&(at, _)| at);
        counts.dedup_by(|next, kept| {
            let same = next.0 == kept.0;
            if same {
                kept.1 .0 += next.1 .0;
                kept.1 .1 = kept.1 .1.max(next.1 .1);
            }
            same
        });
        self.by_day_of_resource = counts.into_iter().collect();
    }
}

/// The items of `list`, last first, its memory given back as it empties (shrunk whenever it
/// falls below half its room): a list taken from a table of keys by the hundred thousand is
/// not held whole beside the tables or rows made from it.
pub fn popped<T>(mut list: Vec<T>) -> impl Iterator<Item = T> {
    std::iter::from_fn(move || {
        let item = list.pop();
        if list.len() < list.capacity() / 2 {
            list.shrink_to_fit();
        }
        item
    })
}
