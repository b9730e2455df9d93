//! Distinct ResultMessages with exact counts, within a budget, chosen so that which are kept
//! depends only on which texts occur: not on how the work was split, nor on the order the
//! workers met them in.
//!
//! Each text has a rank: a hash of it with a fixed seed, then the text itself. A key keeps the
//! texts of lowest rank, at most `cap` of them, and all keys together at most `budget`: past
//! it, the texts of the highest ranks are dropped and no text of such a rank is kept again.
//! A text once dropped (or turned away) is never kept later, so every kept count is exact,
//! and a worker keeps every text that the whole run keeps: merging gives what one worker
//! reading everything would have. Keys with at most `cap` distinct texts (real exports have
//! a handful) are counted exactly and whole; the texts past it are a fair sample, not the
//! most frequent, and the records of texts not kept are counted per key.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash};

use foldhash::fast::FixedState;
use foldhash::HashMap;

/// The longest text kept, in bytes. A longer one is cut at a character boundary and ends in
/// `…`, so that hostile messages of megabytes cost little; texts equal up to the cut count
/// as one.
pub const TEXT_BYTES: usize = 1_024;

const CUT_MARK: &str = "…";

/// A text as it is kept: at most [`TEXT_BYTES`].
pub fn cut(text: &str) -> Cow<'_, str> {
    if text.len() <= TEXT_BYTES {
        Cow::Borrowed(text)
    } else {
        let end = text.floor_char_boundary(TEXT_BYTES - CUT_MARK.len());
        Cow::Owned(format!("{}{CUT_MARK}", &text[..end]))
    }
}

/// The first part of a text's rank. The seed is fixed so that every run ranks alike.
fn rank(text: &str) -> u64 {
    FixedState::with_seed(0x05ee_dac5_7e47).hash_one(text)
}

/// One key's texts.
#[derive(Debug, Clone, Default)]
struct Texts {
    /// text → (rank, count)
    kept: HashMap<Box<str>, (u64, u64)>,
    /// Records with a text, kept or not.
    total: u64,
}

impl Texts {
    /// The kept text of highest rank.
    fn worst(&self) -> Option<(u64, &str)> {
        self.kept.iter().map(|(m, (r, _))| (*r, &**m)).max()
    }
}

/// Distinct texts per key; see the module's header.
#[derive(Debug, Clone)]
pub struct Messages<K> {
    cap: usize,
    budget: usize,
    by_key: HashMap<K, Texts>,
    /// (rank, key) → how many of the key's kept texts have that rank (more than one only when
    /// hashes collide).
    ranks: BTreeMap<(u64, K), u32>,
    kept: usize,
    /// No text of this rank or higher is kept.
    bar: Option<u64>,
}

/// One key's texts as the report shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counted {
    /// The kept texts with their counts, most frequent first (then by text).
    pub texts: Vec<(Box<str>, u64)>,
    /// Records whose text was not kept.
    pub other: u64,
}

impl<K: Copy + Ord + Hash> Messages<K> {
    /// At most `cap` texts per key and `budget` in all.
    pub fn new(cap: usize, budget: usize) -> Messages<K> {
        Messages {
            cap: cap.max(1),
            budget: budget.max(1),
            by_key: HashMap::default(),
            ranks: BTreeMap::new(),
            kept: 0,
            bar: None,
        }
    }

    /// Counts `n` records of `key` with `text`.
    pub fn add(&mut self, key: K, text: &str, n: u64) {
        let t = self.by_key.entry(key).or_default();
        t.total += n;
        if let Some(e) = t.kept.get_mut(text) {
            e.1 += n;
            return;
        }
        let text = cut(text);
        if let Some(e) = t.kept.get_mut(&*text) {
            e.1 += n;
            return;
        }
        let r = rank(&text);
        self.keep(key, text.into(), r, n);
    }

    /// Keeps a text the key does not have yet, if its rank allows.
    fn keep(&mut self, key: K, text: Box<str>, r: u64, n: u64) {
        if self.bar.is_some_and(|b| r >= b) {
            return;
        }
        let t = self.by_key.entry(key).or_default();
        if t.kept.len() >= self.cap {
            let Some((wr, worst)) = t.worst() else {
                return;
            };
            if (r, &*text) > (wr, worst) {
                return;
            }
            let worst: Box<str> = worst.into();
            t.kept.remove(&worst);
            self.unrank(wr, key);
        }
        let t = self.by_key.entry(key).or_default();
        t.kept.insert(text, (r, n));
        *self.ranks.entry((r, key)).or_default() += 1;
        self.kept += 1;
        while self.kept > self.budget {
            let Some((&(top, _), _)) = self.ranks.last_key_value() else {
                break;
            };
            self.lower_bar(top);
        }
    }

    fn unrank(&mut self, r: u64, key: K) {
        if let Some(c) = self.ranks.get_mut(&(r, key)) {
            *c -= 1;
            if *c == 0 {
                self.ranks.remove(&(r, key));
            }
        }
        self.kept -= 1;
    }

    /// Drops every kept text of rank `bar` or higher, and keeps none such from now on.
    fn lower_bar(&mut self, bar: u64) {
        self.bar = Some(self.bar.map_or(bar, |b| b.min(bar)));
        while let Some((&(r, key), &c)) = self.ranks.last_key_value() {
            if r < bar {
                break;
            }
            self.ranks.pop_last();
            self.kept -= c as usize;
            if let Some(t) = self.by_key.get_mut(&key) {
                t.kept.retain(|_, (tr, _)| *tr != r);
            }
        }
    }

    /// Adds what another worker counted: the result is what one worker that met both's
    /// records would have.
    pub fn merge(&mut self, o: Messages<K>) {
        if let Some(b) = o.bar {
            self.lower_bar(b);
        }
        for (key, t) in o.by_key {
            let mine = self.by_key.entry(key).or_default();
            mine.total += t.total;
            for (text, (r, n)) in t.kept {
                let mine = self.by_key.entry(key).or_default();
                if let Some(e) = mine.kept.get_mut(&text) {
                    e.1 += n;
                } else {
                    self.keep(key, text, r, n);
                }
            }
        }
    }

    /// Every key's texts, most frequent first.
    pub fn counted(&self) -> impl Iterator<Item = (K, Counted)> + '_ {
        self.by_key.iter().map(|(&key, t)| {
            let mut texts: Vec<(Box<str>, u64)> =
                t.kept.iter().map(|(m, (_, n))| (m.clone(), *n)).collect();
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
    let r = (rank(&text), &*text);
    let worst = list
        .iter()
        .enumerate()
        .map(|(i, (m, _))| ((rank(m), &**m), i))
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

    /// Splits records among `parts` workers in a scrambled order and merges them in another.
    fn split(
        records: &[(u8, String)],
        parts: usize,
        seed: u64,
        cap: usize,
        budget: usize,
    ) -> Vec<(u8, Counted)> {
        let mut workers: Vec<Messages<u8>> =
            (0..parts).map(|_| Messages::new(cap, budget)).collect();
        let mut order: Vec<usize> = (0..records.len()).collect();
        // A fixed scramble: sort by a hash of (seed, index).
        order.sort_by_key(|&i| FixedState::with_seed(seed).hash_one(i));
        for (j, &i) in order.iter().enumerate() {
            let (k, m) = &records[i];
            workers[(j * 7 + i) % parts].add(*k, m, 1);
        }
        workers.rotate_left(seed as usize % parts);
        let mut all = workers.pop().unwrap();
        while let Some(w) = workers.pop() {
            all.merge(w);
        }
        let mut v: Vec<(u8, Counted)> = all.counted().collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Each key `k` has texts `m0`..: `m0` most often, the others once or a few times.
    fn records(keys: u8, texts: usize) -> Vec<(u8, String)> {
        let mut v = Vec::new();
        for k in 0..keys {
            for i in 0..texts {
                let n = if i == 0 { 50 } else { 1 + i % 3 };
                for _ in 0..n {
                    v.push((k, format!("m{i} of {k}")));
                }
            }
        }
        v
    }

    #[test]
    fn the_kept_texts_do_not_depend_on_the_split() {
        for (keys, texts, cap, budget) in [
            (3, 5, 8, 100),
            (4, 40, 8, 1000),
            (6, 30, 16, 40),
            (2, 200, 32, 50),
        ] {
            let rs = records(keys, texts);
            let one = split(&rs, 1, 0, cap, budget);
            for parts in [2, 3, 7] {
                for seed in 0..4 {
                    assert_eq!(split(&rs, parts, seed, cap, budget), one, "{keys} keys, {texts} texts, cap {cap}, budget {budget}, {parts} parts, seed {seed}");
                }
            }
            // Every record is either in a kept count or in `other`.
            for (k, c) in &one {
                let total = rs.iter().filter(|(kk, _)| kk == k).count() as u64;
                assert_eq!(c.texts.iter().map(|(_, n)| n).sum::<u64>() + c.other, total);
                assert!(c.texts.len() <= cap);
            }
            assert!(one.iter().map(|(_, c)| c.texts.len()).sum::<usize>() <= budget);
        }
    }

    #[test]
    fn kept_counts_are_exact() {
        let rs = records(4, 40);
        for (k, c) in split(&rs, 3, 1, 8, 20) {
            for (m, n) in &c.texts {
                let truth = rs.iter().filter(|(kk, mm)| *kk == k && **mm == **m).count() as u64;
                assert_eq!(*n, truth, "{m}");
            }
        }
    }

    #[test]
    fn a_key_within_its_cap_is_whole_and_its_most_frequent_text_first() {
        // 1,000 records of one text and one each of eight others: all nine kept, the
        // frequent one first, whichever way the records come.
        let mut rs: Vec<(u8, String)> = (0..8).map(|i| (0, format!("rare {i}"))).collect();
        rs.extend((0..1000).map(|_| (0, "frequent".to_string())));
        for parts in [1, 2, 4] {
            let v = split(&rs, parts, 3, 32, 8192);
            assert_eq!(v[0].1.texts.len(), 9);
            assert_eq!(&*v[0].1.texts[0].0, "frequent");
            assert_eq!(v[0].1.texts[0].1, 1000);
            assert_eq!(v[0].1.other, 0);
        }
    }

    #[test]
    fn long_texts_are_cut_and_count_as_one() {
        let long = "é".repeat(TEXT_BYTES);
        let c = cut(&long);
        assert!(c.len() <= TEXT_BYTES, "{}", c.len());
        assert!(c.ends_with(CUT_MARK));
        let mut m: Messages<u8> = Messages::new(4, 4);
        m.add(0, &long, 1);
        m.add(0, &format!("{long}x"), 1);
        let v: Vec<(u8, Counted)> = m.counted().collect();
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
        ranked.sort_by_key(|t| (rank(t), t.to_string()));
        let lowest: Vec<String> = ranked[..3].iter().map(|t| t.to_string()).collect();
        let mut lowest = lowest;
        lowest.sort();
        assert_eq!(names(&forward), lowest);
    }
}
