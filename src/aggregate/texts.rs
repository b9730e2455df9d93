//! Distinct ResultMessages with exact counts, within a budget, chosen so that which are kept
//! depends only on which texts occur: not on how the work was split, nor on the order the
//! workers met them in.
//!
//! Each text has a rank: a hash of it with a fixed seed, then the text itself. A key keeps its
//! texts of lowest rank, at most `cap`. The first `floor` of them are kept whatever the other
//! keys, while all keys' such texts together stay within a budget (`floors`) that only hostile
//! inputs reach; the others (its extras) are kept while all keys' extras together stay within
//! theirs (`extras`). Past a budget, the texts of the highest ranks in it are dropped, and no
//! text of such a rank is kept in it again (nor past a floor, once a floor's text is dropped).
//! A text once dropped (or turned away) is never kept later, so every kept count is exact, and
//! a worker keeps every text that the whole run keeps: merging gives what one worker reading
//! everything would have. Keys with at most `floor` distinct texts (real exports have a
//! handful) are counted whole; past it, the texts kept are a fair sample, not the most
//! frequent, and the records of texts not kept are counted per key.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hash};

use foldhash::fast::FixedState;
use foldhash::HashMap;

/// The longest text kept, and how a longer one is cut: as every text and name a record is
/// counted under ([`crate::record::cut`]).
pub use crate::record::{cut, TEXT_BYTES};

/// What a kept text costs besides its bytes, as [`Messages::added`] counts it: its place among
/// its key's texts and in its tier.
pub const ENTRY_BYTES: usize = 64;

/// The rank of a text (its first part: then the text itself), or of a row of a table kept
/// within a budget (`Budgeted`): a hash, with a seed fixed so that every run ranks alike, of
/// what names the row (its texts, not their numbers, which differ from worker to worker).
pub fn rank_of(row: impl Hash) -> u64 {
    FixedState::with_seed(0x05ee_dac5_7e47).hash_one(row)
}

/// The rows of a table kept within its budget, with their values: those of lowest rank, at
/// most `cap`, the same however the work was split. A row dropped, or turned away, because
/// rows of lower rank filled the budget is never kept later (no row of its rank or higher is),
/// so the kept rows' counts are exact; the table counts the others together, from the rows
/// that [`Budgeted::keep`] and [`Budgeted::lower`] give back.
#[derive(Debug, Clone)]
pub(super) struct Budgeted<K, V> {
    cap: usize,
    rows: HashMap<K, V>,
    ranks: BTreeSet<(u64, K)>,
    bar: Option<u64>,
}

impl<K: Ord + Copy + Hash, V> Budgeted<K, V> {
    pub(super) fn new(cap: usize) -> Budgeted<K, V> {
        Budgeted {
            cap: cap.max(1),
            rows: HashMap::default(),
            ranks: BTreeSet::new(),
            bar: None,
        }
    }

    /// Whether a row of rank `r` that the table does not have may be kept.
    pub(super) fn admits(&self, r: u64) -> bool {
        self.bar.is_none_or(|b| r < b)
    }

    pub(super) fn get_mut(&mut self, row: &K) -> Option<&mut V> {
        self.rows.get_mut(row)
    }

    pub(super) fn contains_key(&self, row: &K) -> bool {
        self.rows.contains_key(row)
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Keeps `row`, which the table does not have and whose rank `r` it admits, with `value`;
    /// gives back the rows dropped past the cap (those of the highest rank, maybe this one).
    pub(super) fn keep(&mut self, r: u64, row: K, value: V) -> Vec<(K, V)> {
        self.rows.insert(row, value);
        self.ranks.insert((r, row));
        match self.ranks.last() {
            Some(&(top, _)) if self.ranks.len() > self.cap => self.lower(top),
            _ => Vec::new(),
        }
    }

    /// Admits no row of rank `bar` or higher from now on; gives back those kept.
    pub(super) fn lower(&mut self, bar: u64) -> Vec<(K, V)> {
        self.bar = Some(self.bar.map_or(bar, |b| b.min(bar)));
        let mut dropped = Vec::new();
        while let Some(&(r, row)) = self.ranks.last() {
            if r < bar {
                break;
            }
            self.ranks.pop_last();
            let value = self.rows.remove(&row);
            debug_assert!(value.is_some(), "a rank without its row");
            dropped.extend(value.map(|v| (row, v)));
        }
        dropped
    }

    /// The rank no row reaches, once rows were dropped.
    pub(super) fn bar(&self) -> Option<u64> {
        self.bar
    }

    /// The rows renamed (their texts renumbered): `rename` is asked twice for each, and must
    /// answer alike.
    pub(super) fn rekey(&mut self, mut rename: impl FnMut(K) -> K) {
        self.rows = std::mem::take(&mut self.rows)
            .into_iter()
            .map(|(k, v)| (rename(k), v))
            .collect();
        self.ranks = std::mem::take(&mut self.ranks)
            .into_iter()
            .map(|(r, k)| (r, rename(k)))
            .collect();
    }

    /// The rows kept, leaving none (the bar stays).
    pub(super) fn take(&mut self) -> HashMap<K, V> {
        self.ranks.clear();
        std::mem::take(&mut self.rows)
    }
}

/// One key's texts.
#[derive(Debug, Clone, Default)]
struct Texts {
    /// (rank, text, count), by rank then text.
    kept: Vec<(u64, Box<str>, u64)>,
    /// Records with a text, kept or not.
    total: u64,
}

impl Texts {
    /// Where `(r, text)` is or would be in `kept`, and whether it is there.
    fn find(&self, r: u64, text: &str) -> Result<usize, usize> {
        self.kept
            .binary_search_by(|(kr, kt, _)| (*kr, &**kt).cmp(&(r, text)))
    }
}

/// How many texts [`Messages`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Texts per key kept whatever the other keys (its floor), within `floors`.
    pub floor: usize,
    /// Texts per key at most.
    pub cap: usize,
    /// Texts past their keys' floors kept for all keys.
    pub extras: usize,
    /// Texts within their keys' floors kept for all keys: real keys have a handful, so only
    /// hostile inputs of many keys, each with many distinct texts, reach it.
    pub floors: usize,
}

/// The texts of one tier (within their keys' floors, or past them) by rank, within a budget:
/// past it, those of the highest rank are dropped, and none of such a rank is kept again.
#[derive(Debug, Clone)]
struct Tier<K> {
    /// (rank, key) → how many of the key's texts in the tier have that rank (more than one
    /// only when hashes collide).
    ranks: BTreeMap<(u64, K), u32>,
    kept: usize,
    budget: usize,
    /// No text of this rank or higher is kept.
    bar: Option<u64>,
}

impl<K: Copy + Ord> Tier<K> {
    fn new(budget: usize) -> Tier<K> {
        Tier {
            ranks: BTreeMap::new(),
            kept: 0,
            budget,
            bar: None,
        }
    }

    fn barred(&self, r: u64) -> bool {
        self.bar.is_some_and(|b| r >= b)
    }

    fn add(&mut self, r: u64, key: K) {
        *self.ranks.entry((r, key)).or_default() += 1;
        self.kept += 1;
    }

    fn remove(&mut self, r: u64, key: K) {
        let Some(c) = self.ranks.get_mut(&(r, key)) else {
            debug_assert!(false, "a text not in its tier");
            return;
        };
        *c -= 1;
        if *c == 0 {
            self.ranks.remove(&(r, key));
        }
        self.kept -= 1;
    }

    /// The highest rank kept, while more are kept than the budget allows.
    fn over(&self) -> Option<u64> {
        match self.ranks.last_key_value() {
            Some((&(top, _), _)) if self.kept > self.budget => Some(top),
            _ => None,
        }
    }

    /// Keeps no text of rank `bar` or higher from now on; gives back, for those kept, their
    /// keys and how many each had, highest rank first.
    fn lower(&mut self, bar: u64) -> Vec<(K, u32)> {
        self.bar = Some(self.bar.map_or(bar, |b| b.min(bar)));
        let mut dropped = Vec::new();
        while let Some((&(r, key), &c)) = self.ranks.last_key_value() {
            if r < bar {
                break;
            }
            self.ranks.pop_last();
            self.kept -= c as usize;
            dropped.push((key, c));
        }
        dropped
    }
}

/// Distinct texts per key; see the module's header.
#[derive(Debug, Clone)]
pub struct Messages<K> {
    floor: usize,
    cap: usize,
    by_key: HashMap<K, Texts>,
    /// The texts within their keys' floors.
    floor_texts: Tier<K>,
    /// The texts past their keys' floors. Its bar is never above `floor_texts`' one.
    extra_texts: Tier<K>,
    /// Bytes of the texts copied since made or last moved ([`Messages::added`]).
    added: usize,
    /// For keys this moved texts of, the ranks of the run's text at its key's floor and at its
    /// cap, as the run had them then ([`Messages::move_into`]): a text ranked above one is past
    /// the key's floor in the run, above the other past its cap, and this need not copy it
    /// when the run's bars or cap would turn it away. The run's bars only get lower, and a
    /// key's texts below a rank are only dropped with every text above them, so a bound the
    /// run has since moved past still turns away only what the run would.
    bounds: HashMap<K, (u64, u64)>,
}

/// Keys a worker keeps bounds for ([`Messages::move_into`]): past the run's budget within its
/// keys' floors (8,192 texts for floors of 8), no more than a thousand keys have full floors.
const BOUNDED_KEYS: usize = 4_096;

/// One key's texts as the report shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counted {
    /// The kept texts with their counts, most frequent first (then by text).
    pub texts: Vec<(Box<str>, u64)>,
    /// Records whose text was not kept.
    pub other: u64,
}

impl<K: Copy + Ord + Hash> Messages<K> {
    /// Texts per key and for all keys within `limits`.
    pub fn new(limits: Limits) -> Messages<K> {
        let cap = limits.cap.max(1);
        Messages {
            floor: limits.floor.min(cap),
            cap,
            by_key: HashMap::default(),
            floor_texts: Tier::new(limits.floors),
            extra_texts: Tier::new(limits.extras),
            added: 0,
            bounds: HashMap::default(),
        }
    }

    /// Counts `n` records of `key` with `text`.
    pub fn add(&mut self, key: K, text: &str, n: u64) {
        let text = cut(text);
        let r = rank_of(&text);
        let t = self.by_key.entry(key).or_default();
        t.total += n;
        match t.find(r, &text) {
            Ok(i) => t.kept[i].2 += n,
            // Turned away before the text is copied.
            Err(i) if !self.admits(i, r) || self.run_turns_away(key, r) => {}
            Err(i) => {
                self.added += text.len() + ENTRY_BYTES;
                self.keep(key, i, r, text.into(), n);
            }
        }
    }

    /// The bytes of the texts this copied since it was made or last moved them to the run's,
    /// each with [`ENTRY_BYTES`] more.
    pub fn added(&self) -> usize {
        self.added
    }

    /// Moves what this counted into `run` (as [`Messages::merge`] adds it), and goes on with
    /// none of it, as if made anew, but for the run's bars and, for the keys it moved texts of,
    /// the ranks that bound what the run keeps of them (`bounds`): it copies no text the run
    /// would turn away. A worker that moves its texts whenever it copied a few hundred kilobytes
    /// holds no more of its own however many the run keeps, and nothing of the run's (a view of
    /// the run's texts in each worker, kept up to date only when it moved, grew with the
    /// threads); merging still gives what one worker reading everything would have, since
    /// which texts are kept depends only on which were met. A text the run keeps that the
    /// worker meets again is copied again, and counted with the run's at the next move.
    pub fn move_into(&mut self, run: &mut Messages<K>) {
        let mut empty = Messages::new(Limits {
            floor: self.floor,
            cap: self.cap,
            extras: self.extra_texts.budget,
            floors: self.floor_texts.budget,
        });
        empty.bounds = std::mem::take(&mut self.bounds);
        let mine = std::mem::replace(self, empty);
        let keys: Vec<K> = mine.by_key.keys().copied().collect();
        run.merge(mine);
        self.floor_texts.bar = run.floor_texts.bar;
        self.extra_texts.bar = run.extra_texts.bar;
        if self.floor == 0 {
            return;
        }
        for key in keys {
            let kept = &run.by_key[&key].kept;
            let Some(&(floor, _, _)) = kept.get(self.floor - 1) else {
                continue;
            };
            let cap = kept.get(self.cap - 1).map_or(u64::MAX, |(r, _, _)| *r);
            if self.bounds.len() < BOUNDED_KEYS || self.bounds.contains_key(&key) {
                self.bounds.insert(key, (floor, cap));
            }
        }
    }

    /// Whether the run, as the last move left it, keeps no text of rank `r` for `key`: it has
    /// `cap` of the key's texts ranked below it, or `floor` of them and `r` is past the bar of
    /// extras.
    fn run_turns_away(&self, key: K, r: u64) -> bool {
        self.bounds
            .get(&key)
            .is_some_and(|&(floor, cap)| r > cap || (r > floor && self.extra_texts.barred(r)))
    }

    /// Whether a text of rank `r` would be kept at `i` of its key's texts.
    fn admits(&self, i: usize, r: u64) -> bool {
        i < self.cap
            && !self.floor_texts.barred(r)
            && (i < self.floor || !self.extra_texts.barred(r))
    }

    /// Keeps a text the key does not have, at `i` of its texts, if its rank allows.
    fn keep(&mut self, key: K, i: usize, r: u64, text: Box<str>, n: u64) {
        let (floor, cap) = (self.floor, self.cap);
        if !self.admits(i, r) {
            return;
        }
        let Some(t) = self.by_key.get_mut(&key) else {
            return;
        };
        t.kept.insert(i, (r, text, n));
        if t.kept.len() > cap {
            // The last was an extra unless there are none.
            let (last, _, _) = t.kept.pop().expect("more than cap");
            if cap > floor {
                self.extra_texts.remove(last, key);
            } else {
                self.floor_texts.remove(last, key);
            }
        }
        if i >= floor {
            self.extra_texts.add(r, key);
        } else {
            self.floor_texts.add(r, key);
            // The text that was the key's last within its floor is now an extra.
            let t = &self.by_key[&key];
            if let Some(&(er, _, _)) = t.kept.get(floor) {
                self.floor_texts.remove(er, key);
                if self.extra_texts.barred(er) {
                    if let Some(t) = self.by_key.get_mut(&key) {
                        t.kept.remove(floor);
                    }
                } else {
                    self.extra_texts.add(er, key);
                }
            }
        }
        while let Some(top) = self.extra_texts.over() {
            self.lower_extras(top);
        }
        while let Some(top) = self.floor_texts.over() {
            self.lower_floors(top);
        }
    }

    /// Drops every extra of rank `bar` or higher, and keeps none such from now on.
    fn lower_extras(&mut self, bar: u64) {
        for (key, c) in self.extra_texts.lower(bar) {
            // A key's extras are its last texts, and these its last extras.
            self.drop_last(key, c);
        }
    }

    /// Drops every text of rank `bar` or higher, and keeps none such from now on.
    fn lower_floors(&mut self, bar: u64) {
        // A key's texts past its floor rank above those within it: all dropped first.
        self.lower_extras(bar);
        for (key, c) in self.floor_texts.lower(bar) {
            self.drop_last(key, c);
        }
    }

    fn drop_last(&mut self, key: K, c: u32) {
        if let Some(t) = self.by_key.get_mut(&key) {
            debug_assert!(
                t.kept.len() >= c as usize,
                "a tier counts more than its key has"
            );
            let len = t.kept.len();
            t.kept.truncate(len.saturating_sub(c as usize));
        }
    }

    /// Adds what another worker counted: the result is what one worker that met both's
    /// records would have.
    pub fn merge(&mut self, o: Messages<K>) {
        if let Some(b) = o.floor_texts.bar {
            self.lower_floors(b);
        }
        if let Some(b) = o.extra_texts.bar {
            self.lower_extras(b);
        }
        for (key, t) in o.by_key {
            self.by_key.entry(key).or_default().total += t.total;
            for (r, text, n) in t.kept {
                let mine = &mut self.by_key.get_mut(&key).expect("entered above");
                match mine.find(r, &text) {
                    Ok(i) => mine.kept[i].2 += n,
                    Err(i) => self.keep(key, i, r, text, n),
                }
            }
        }
    }

    /// Every key's texts, most frequent first.
    pub fn into_counted(self) -> impl Iterator<Item = (K, Counted)> {
        self.by_key.into_iter().map(|(key, t)| {
            let mut texts: Vec<(Box<str>, u64)> =
                t.kept.into_iter().map(|(_, m, n)| (m, n)).collect();
            texts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let other = t.total - texts.iter().map(|(_, n)| n).sum::<u64>();
            (key, Counted { texts, other })
        })
    }
}

/// Keeps `n` records of `text` in a short list of at most `cap` texts: those of lowest rank,
/// with exact counts (for the few texts of one call, where a map per call would cost more).
pub fn keep_in_list(list: &mut Vec<(Box<str>, u64)>, text: &str, n: u64, cap: usize) {
    let text = cut(text);
    if let Some(e) = list.iter_mut().find(|(m, _)| **m == *text) {
        e.1 += n;
        return;
    }
    if list.len() < cap {
        list.push((text.into(), n));
        return;
    }
    let r = (rank_of(&text), &*text);
    let worst = list
        .iter()
        .enumerate()
        .map(|(i, (m, _))| ((rank_of(m), &**m), i))
        .max();
    if let Some((w, i)) = worst {
        if r < w {
            list[i] = (text.into(), n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Limits with a budget for floors that is never reached.
    fn lim(floor: usize, cap: usize, extras: usize) -> Limits {
        Limits {
            floor,
            cap,
            extras,
            floors: usize::MAX,
        }
    }

    /// Splits records among `parts` workers in a scrambled order and merges them in another.
    fn split(records: &[(u8, String)], parts: usize, seed: u64, l: Limits) -> Vec<(u8, Counted)> {
        sharing(records, parts, seed, l, usize::MAX)
    }

    /// [`split`], each worker moving its texts to the run's once it has copied more than
    /// `share` since it last did.
    fn sharing(
        records: &[(u8, String)],
        parts: usize,
        seed: u64,
        l: Limits,
        share: usize,
    ) -> Vec<(u8, Counted)> {
        let mut workers: Vec<Messages<u8>> = (0..parts).map(|_| Messages::new(l)).collect();
        let mut run = Messages::new(l);
        let mut order: Vec<usize> = (0..records.len()).collect();
        // A fixed scramble: sort by a hash of (seed, index).
        order.sort_by_key(|&i| FixedState::with_seed(seed).hash_one(i));
        for (j, &i) in order.iter().enumerate() {
            let (k, m) = &records[i];
            let w = &mut workers[(j * 7 + i) % parts];
            w.add(*k, m, 1);
            if w.added() > share {
                w.move_into(&mut run);
            }
        }
        workers.rotate_left(seed as usize % parts);
        workers.insert(seed as usize % (parts + 1), run);
        let mut all = workers.pop().unwrap();
        while let Some(w) = workers.pop() {
            all.merge(w);
        }
        let mut v: Vec<(u8, Counted)> = all.into_counted().collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// What the module's header says is kept, computed from all the records at once.
    fn model(records: &[(u8, String)], l: Limits) -> Vec<(u8, Counted)> {
        let Limits {
            floor,
            cap,
            extras,
            floors,
        } = l;
        let mut by_key: BTreeMap<u8, BTreeMap<(u64, String), u64>> = BTreeMap::new();
        for (k, m) in records {
            *by_key
                .entry(*k)
                .or_default()
                .entry((rank_of(m), m.clone()))
                .or_default() += 1;
        }
        // Past the floors' budget, no text of the floors' bar or higher is kept, within a floor
        // or past it.
        let mut within: Vec<u64> = by_key
            .values()
            .flat_map(|t| t.keys().take(cap.min(floor)).map(|(r, _)| *r))
            .collect();
        within.sort();
        let floor_bar = within.get(floors).copied();
        let below = |r: u64, bar: Option<u64>| bar.is_none_or(|b| r < b);
        let mut past: Vec<u64> = by_key
            .values()
            .flat_map(|t| t.keys().take(cap).skip(floor).map(|(r, _)| *r))
            .filter(|r| below(*r, floor_bar))
            .collect();
        past.sort();
        let bar = match (past.get(extras).copied(), floor_bar) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        by_key
            .into_iter()
            .map(|(k, t)| {
                let total: u64 = t.values().sum();
                let mut texts: Vec<(Box<str>, u64)> = t
                    .into_iter()
                    .take(cap)
                    .enumerate()
                    .filter(|(i, ((r, _), _))| {
                        below(*r, floor_bar) && (*i < floor || below(*r, bar))
                    })
                    .map(|(_, ((_, m), n))| (m.into(), n))
                    .collect();
                texts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                let other = total - texts.iter().map(|(_, n)| n).sum::<u64>();
                (k, Counted { texts, other })
            })
            .collect()
    }

    /// Each key `k` has texts `m0`..: `m0` most often, the others once or a few times; key
    /// `k` has `texts + k` of them.
    fn records(keys: u8, texts: usize) -> Vec<(u8, String)> {
        let mut v = Vec::new();
        for k in 0..keys {
            for i in 0..texts + k as usize {
                let n = if i == 0 { 50 } else { 1 + i % 3 };
                for _ in 0..n {
                    v.push((k, format!("m{i} of {k}")));
                }
            }
        }
        v
    }

    #[test]
    fn the_kept_texts_are_the_model_s_however_the_work_was_split() {
        let with_floors = |floors, l: Limits| Limits { floors, ..l };
        for (keys, texts, limits) in [
            (3, 5, lim(8, 32, 100)),
            (4, 40, lim(8, 32, 1000)),
            (6, 30, lim(8, 16, 20)),
            (6, 30, lim(4, 16, 0)),
            (2, 200, lim(8, 32, 30)),
            (5, 10, lim(10, 10, 0)),
            (9, 12, lim(3, 8, 7)),
            (12, 9, lim(2, 4, 3)),
            (12, 9, lim(1, 3, 5)),
            (12, 9, with_floors(30, lim(8, 32, 100))),
            (12, 9, with_floors(30, lim(8, 32, 5))),
            (20, 3, with_floors(25, lim(2, 6, 4))),
            (6, 30, with_floors(7, lim(4, 16, 0))),
            (5, 10, with_floors(12, lim(10, 10, 0))),
            (9, 12, with_floors(0, lim(3, 8, 7))),
        ] {
            let rs = records(keys, texts);
            let want = model(&rs, limits);
            for parts in [1, 2, 3, 7] {
                for seed in 0..4 {
                    assert_eq!(
                        split(&rs, parts, seed, limits),
                        want,
                        "{keys} keys, {texts} texts, {limits:?}, {parts} parts, seed {seed}"
                    );
                    // Moved past the bytes of no copy, 1, 5 and 40 (each text here is 6-8 bytes).
                    for share in [0, 1, 5, 40].map(|n| n * (8 + ENTRY_BYTES)) {
                        assert_eq!(
                            sharing(&rs, parts, seed, limits, share),
                            want,
                            "{keys} keys, {texts} texts, {limits:?}, {parts} parts, seed {seed}, \
                             moved past {share}"
                        );
                    }
                }
            }
            let within: usize = want
                .iter()
                .map(|(_, c)| c.texts.len().min(limits.floor))
                .sum();
            assert!(within <= limits.floors, "{within} within floors");
            let extras: usize = want
                .iter()
                .map(|(_, c)| c.texts.len().saturating_sub(limits.floor))
                .sum();
            assert!(extras <= limits.extras, "{extras} extras");
            for (k, c) in &want {
                assert!(c.texts.len() <= limits.cap);
                let total = rs.iter().filter(|(kk, _)| kk == k).count() as u64;
                assert_eq!(c.texts.iter().map(|(_, n)| n).sum::<u64>() + c.other, total);
            }
        }
    }

    #[test]
    fn kept_counts_are_exact() {
        let rs = records(4, 40);
        for (k, c) in split(&rs, 3, 1, lim(8, 32, 20)) {
            assert!(c.other > 0);
            for (m, n) in &c.texts {
                let truth = rs.iter().filter(|(kk, mm)| *kk == k && **mm == **m).count() as u64;
                assert_eq!(*n, truth, "{m}");
            }
        }
    }

    #[test]
    fn a_key_of_few_texts_is_whole_whatever_the_others() {
        // Key 0: 1,000 records of one text and one each of eight others, the rare ones met
        // first. Keys 1 to 200: 40 texts each, far past the budget.
        let mut rs: Vec<(u8, String)> = (0..8).map(|i| (0, format!("rare {i}"))).collect();
        rs.extend((0..1000).map(|_| (0, "frequent".to_string())));
        for k in 1..=200u8 {
            rs.extend((0..40).map(|i| (k, format!("filler {i} of {k}"))));
        }
        for parts in [1, 2, 4] {
            let v = split(&rs, parts, 3, lim(9, 32, 100));
            assert_eq!(v[0].1.texts.len(), 9);
            assert_eq!(&*v[0].1.texts[0].0, "frequent");
            assert_eq!(v[0].1.texts[0].1, 1000);
            assert_eq!(v[0].1.other, 0);
            assert!(v[1..].iter().all(|(_, c)| c.other > 0));
        }
    }

    #[test]
    fn many_keys_of_many_texts_keep_no_more_than_the_budgets() {
        use crate::aggregate::{MESSAGE_BUDGET, MESSAGE_FLOOR, MESSAGE_FLOOR_BUDGET};
        let limits = Limits {
            floor: MESSAGE_FLOOR,
            cap: 32,
            extras: MESSAGE_BUDGET,
            floors: MESSAGE_FLOOR_BUDGET,
        };
        let (keys, texts) = (3_000u32, 12);
        let mut workers = [Messages::new(limits), Messages::new(limits)];
        for k in 0..keys {
            for i in 0..texts {
                workers[(k + i) as usize % 2].add(k, &format!("message {i} of key {k}"), 2);
            }
        }
        let [mut all, other] = workers;
        all.merge(other);
        let counted: Vec<(u32, Counted)> = all.into_counted().collect();
        assert_eq!(counted.len(), keys as usize);
        let within: usize = counted.iter().map(|(_, c)| c.texts.len().min(8)).sum();
        let past: usize = counted
            .iter()
            .map(|(_, c)| c.texts.len().saturating_sub(8))
            .sum();
        assert!(within <= MESSAGE_FLOOR_BUDGET, "{within}");
        assert!(within > MESSAGE_FLOOR_BUDGET * 9 / 10, "{within}");
        assert!(past <= MESSAGE_BUDGET, "{past}");
        for (_, c) in &counted {
            let n: u64 = c.texts.iter().map(|(_, n)| n).sum();
            assert_eq!(n + c.other, 2 * texts as u64);
            assert!(c.texts.iter().all(|(_, n)| *n == 2));
        }
    }

    #[test]
    fn a_budgeted_table_keeps_its_lowest_ranks_and_gives_back_the_others() {
        let mut t: Budgeted<u32, &str> = Budgeted::new(2);
        assert!(t.keep(30, 3, "c").is_empty());
        assert!(t.keep(10, 1, "a").is_empty());
        // Past the cap, the highest rank goes, and none of its rank or higher comes back.
        assert_eq!(t.keep(20, 2, "b"), [(3, "c")]);
        assert!(!t.admits(30) && !t.admits(31) && t.admits(29));
        // A row past the cap whose own rank is the highest is given back itself.
        let mut u: Budgeted<u32, &str> = Budgeted::new(2);
        u.keep(10, 1, "a");
        u.keep(20, 2, "b");
        assert_eq!(u.keep(25, 4, "d"), [(4, "d")]);
        assert_eq!(t.lower(15), [(2, "b")]);
        assert_eq!((t.len(), t.bar()), (1, Some(15)));
        t.rekey(|k| k + 100);
        assert!(t.contains_key(&101) && !t.contains_key(&1));
        assert_eq!(t.get_mut(&101), Some(&mut "a"));
        assert_eq!(t.lower(10), [(101, "a")]);
        assert!(t.take().is_empty());
        assert_eq!(t.bar(), Some(10));
    }

    #[test]
    fn long_texts_are_cut_and_count_as_one() {
        let long = "é".repeat(TEXT_BYTES);
        let c = cut(&long);
        assert!(c.len() <= TEXT_BYTES, "{}", c.len());
        assert!(c.ends_with('…'));
        let mut m: Messages<u8> = Messages::new(lim(4, 4, 0));
        m.add(0, &long, 1);
        m.add(0, &format!("{long}x"), 1);
        let v: Vec<(u8, Counted)> = m.into_counted().collect();
        assert_eq!(v[0].1.texts, vec![(c.into_owned().into_boxed_str(), 2)]);
        assert_eq!(cut("short"), "short");
    }

    #[test]
    fn a_list_keeps_the_lowest_ranks_whatever_the_order() {
        let texts: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        let mut forward = Vec::new();
        for t in &texts {
            keep_in_list(&mut forward, t, 1, 3);
        }
        let mut backward = Vec::new();
        for t in texts.iter().rev() {
            keep_in_list(&mut backward, t, 2, 3);
            keep_in_list(&mut backward, t, 1, 3);
        }
        forward.sort();
        backward.sort();
        let names =
            |v: &[(Box<str>, u64)]| v.iter().map(|(m, _)| m.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&forward), names(&backward));
        assert!(backward.iter().all(|(_, n)| *n == 3));
        let mut ranked: Vec<&String> = texts.iter().collect();
        ranked.sort_by_key(|t| (rank_of(t), t.to_string()));
        let lowest: Vec<String> = ranked[..3].iter().map(|t| t.to_string()).collect();
        let mut lowest = lowest;
        lowest.sort();
        assert_eq!(names(&forward), lowest);
    }

    /// After a move, a worker does not copy the texts of a key that the run, as the move left
    /// it, would turn away: ten texts of one key met again, highest rank first (each would
    /// otherwise be first among the worker's texts of the key, within its floor, when met),
    /// copy only the one the run keeps, and count as one sink would.
    #[test]
    fn after_a_move_a_worker_copies_none_of_what_the_run_turns_away() {
        let limits = Limits {
            floor: 1,
            cap: 4,
            extras: 0,
            floors: 100,
        };
        let mut texts: Vec<String> = (0..10).map(|i| format!("text {i}")).collect();
        texts.sort_by_key(|t| std::cmp::Reverse((rank_of(t), t.clone())));
        let (mut run, mut one, mut w) = (
            Messages::new(limits),
            Messages::new(limits),
            Messages::new(limits),
        );
        for t in &texts {
            w.add(7u8, t, 1);
            one.add(7u8, t, 1);
        }
        w.move_into(&mut run);
        for t in &texts {
            w.add(7u8, t, 1);
            one.add(7u8, t, 1);
        }
        let lowest = texts.last().expect("ten texts");
        assert_eq!(w.added(), lowest.len() + ENTRY_BYTES);
        run.merge(w);
        let counted = |m: Messages<u8>| m.into_counted().collect::<Vec<_>>();
        let kept = counted(run);
        assert_eq!(kept, counted(one));
        assert_eq!(kept[0].1.texts, vec![(lowest.as_str().into(), 2)]);
    }

    /// A move leaves the worker nothing of its own and of the run's only its bars and the
    /// bounds of the one key it moved (1,000 keys of one or two texts each, past both budgets),
    /// and what the worker counts after the move, texts the run keeps among them, merges as if
    /// one sink had met everything.
    #[test]
    fn a_move_leaves_the_worker_the_run_s_bars_and_no_texts() {
        let limits = Limits {
            floor: 1,
            cap: 4,
            extras: 50,
            floors: 100,
        };
        let counted = |m: Messages<u32>| {
            let mut v: Vec<_> = m.into_counted().collect();
            v.sort_by_key(|(k, _)| *k);
            v
        };
        let (mut run, mut one) = (Messages::new(limits), Messages::new(limits));
        for k in 0..1_000u32 {
            for text in [format!("text {k}"), format!("more {}", k % 3)] {
                run.add(k, &text, 1);
                one.add(k, &text, 1);
            }
        }
        let mut w = Messages::new(limits);
        w.add(5, "its own", 2);
        one.add(5, "its own", 2);
        assert_eq!(w.added(), "its own".len() + ENTRY_BYTES);
        w.move_into(&mut run);
        assert!(w.by_key.is_empty() && w.added() == 0);
        assert!(run.floor_texts.bar.is_some() && run.extra_texts.bar.is_some());
        assert_eq!(w.floor_texts.bar, run.floor_texts.bar);
        assert_eq!(w.extra_texts.bar, run.extra_texts.bar);
        assert!(w.floor_texts.ranks.is_empty() && w.extra_texts.ranks.is_empty());
        assert!(w.bounds.keys().all(|&k| k == 5));
        for k in (0..1_000u32).step_by(7) {
            w.add(k, &format!("again {k}"), 1);
            w.add(k, &format!("more {}", k % 3), 1);
            one.add(k, &format!("again {k}"), 1);
            one.add(k, &format!("more {}", k % 3), 1);
        }
        run.merge(w);
        assert_eq!(counted(run), counted(one));
    }
}
