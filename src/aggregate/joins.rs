//! Callback records joined to the resource of their call. A callback event names no resource,
//! but the operations and media summary records of its call (the same CorrelationId) do, in
//! whichever file or order they come. The cells already hold each call once a cell; what they
//! do not hold is how many records a call has in a cell, so a call's records past its first in
//! a callback cell of no resource are counted here ([`Repeats`]: 16 bytes or so a call and key
//! with more than one such record on a day, none for the others). Once every worker's cells are
//! in, each call's resource is read from the cells that name one ([`CallResources`]: 4 bytes a
//! call, for the join only) and each callback cell's records move to their calls' resources
//! ([`split`]).

use foldhash::HashMap;

use super::{Calls, Interner};

/// The callback records of no resource of a call past its first in a cell, by (call, place of
/// the cell's key's day, [`super::KeyDays`]).
#[derive(Debug, Clone, Default)]
pub struct Repeats(HashMap<(u32, u32), u32>);

impl Repeats {
    /// Counts `n` more records of call `call` at `place`.
    pub fn add(&mut self, call: u32, place: u32, n: u32) {
        let e = self.0.entry((call, place)).or_default();
        *e = e.saturating_add(n);
    }

    /// Adds another sink's, its calls numbered as ours by `calls` and its places by `places`.
    pub fn absorb(&mut self, o: Repeats, calls: &[u32], places: &[u32]) {
        for ((call, place), n) in o.0 {
            self.add(calls[call as usize], places[place as usize], n);
        }
    }

    /// The records past the first of call `call` at `place`, taken: a call in several cells of
    /// one key's day has them moved once.
    fn take(&mut self, call: u32, place: u32) -> u64 {
        self.0.remove(&(call, place)).map_or(0, u64::from)
    }
}

/// Each call's resource (interned; 0: none of its records names one), by call number. A call
/// whose records name two resources is given the first by name, whichever worker met which.
#[derive(Debug, Default)]
pub struct CallResources(Vec<u32>);

impl CallResources {
    /// The resources of `calls` calls, from the call sets of the cells of each resource.
    pub fn of<'a>(
        calls: usize,
        named: impl Iterator<Item = (u32, &'a Calls)>,
        resources: &Interner,
    ) -> CallResources {
        let mut of = vec![0u32; calls];
        for (res, set) in named.filter(|&(res, _)| res != 0) {
            for call in set.iter() {
                let Some(r) = of.get_mut(call as usize) else {
                    continue;
                };
                if *r == 0 || (*r != res && resources.name(res) < resources.name(*r)) {
                    *r = res;
                }
            }
        }
        CallResources(of)
    }

    pub(super) fn get(&self, call: u32) -> u32 {
        self.0.get(call as usize).copied().unwrap_or(0)
    }
}

/// What a callback cell of no resource gives each resource through its calls.
#[derive(Debug, Default)]
pub struct Split {
    /// Each resource's records and calls, in no order.
    pub moved: Vec<(u32, u64, Calls)>,
    /// The calls that stay of no resource.
    pub kept: Calls,
}

impl Split {
    /// The records moved, in all.
    pub fn moved_count(&self) -> u64 {
        self.moved.iter().map(|(_, n, _)| n).sum()
    }
}

/// Splits the calls of a callback cell of no resource, at `place`, by their resources: a call
/// gives its resource one record, and its records past the first at `place` ([`Repeats`]).
pub fn split(calls: &Calls, place: u32, of: &CallResources, repeats: &mut Repeats) -> Split {
    let mut s = Split::default();
    for call in calls.iter() {
        let res = of.get(call);
        if res == 0 {
            s.kept.insert(call);
            continue;
        }
        let n = 1 + repeats.take(call, place);
        match s.moved.iter_mut().find(|(r, _, _)| *r == res) {
            Some((_, count, set)) => {
                *count += n;
                set.insert(call);
            }
            None => s.moved.push((res, n, Calls::from_iter([call]))),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_s_records_move_to_its_resource_with_their_repeats_once() {
        let mut names = Interner::default();
        let (none, prod, stage) = (
            names.intern(""),
            names.intern("acs-prod"),
            names.intern("acs-stage"),
        );
        assert_eq!(none, 0);
        let prod_calls: Calls = [1, 2].into_iter().collect();
        let stage_calls: Calls = [3, 2].into_iter().collect();
        let of = CallResources::of(
            5,
            [(prod, &prod_calls), (stage, &stage_calls)].into_iter(),
            &names,
        );
        // Call 2 names both: the first by name.
        assert_eq!(
            (of.get(1), of.get(2), of.get(3), of.get(4)),
            (prod, prod, stage, 0)
        );
        let mut repeats = Repeats::default();
        repeats.add(1, 7, 2);
        repeats.add(4, 7, 5);
        let cell: Calls = [1, 3, 4].into_iter().collect();
        let s = split(&cell, 7, &of, &mut repeats);
        let mut moved: Vec<(u32, u64, u64)> = (s.moved.iter())
            .map(|(r, n, c)| (*r, *n, c.len()))
            .collect();
        moved.sort();
        assert_eq!(moved, vec![(prod, 3, 1), (stage, 1, 1)]);
        assert_eq!(
            (s.moved_count(), s.kept.iter().collect::<Vec<_>>()),
            (4, vec![4])
        );
        // Another cell of the same key's day: call 1's repeats were moved already.
        let s = split(&[1].into_iter().collect(), 7, &of, &mut repeats);
        assert_eq!(s.moved_count(), 1);
    }
}
