//! Counts of at most a fixed number of distinct texts (result messages), chosen so that the
//! same input gives the same texts and counts however its records were split among workers.

use std::hash::BuildHasher;

use foldhash::HashMap;

/// Distinct texts with their counts, at most a cap of them: those of smallest rank (a hash of
/// the text with a fixed seed, then the text). Which are kept depends only on the set of texts
/// met, never on the order they came in, and a kept text's count is exact: every text of a
/// smaller rank is kept too, so it was never dropped to make room. (Keeping the first ones met
/// made each worker keep others, and their counts short, from run to run.)
#[derive(Debug, Clone, Default)]
pub struct TextCounts {
    counts: HashMap<Box<str>, u64>,
    /// The largest rank kept, once as many are kept as the cap: a text above it is not kept.
    ceiling: Option<(u64, Box<str>)>,
    /// Records whose text is not kept.
    others: u64,
}

fn rank(text: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x05ee_dac5).hash_one(text)
}

impl TextCounts {
    /// Counts `n` records of `text`, keeping at most `cap` texts.
    pub fn add(&mut self, text: &str, n: u64, cap: usize) {
        if let Some(c) = self.counts.get_mut(text) {
            *c += n;
            return;
        }
        if self.counts.len() < cap {
            self.counts.insert(text.into(), n);
            if self.counts.len() == cap {
                self.ceiling = self.highest();
            }
            return;
        }
        let r = rank(text);
        match &self.ceiling {
            Some((top, t)) if (r, text) < (*top, &**t) => {
                let (_, t) = self.ceiling.take().unwrap_or_default();
                self.others += self.counts.remove(&t).unwrap_or(0);
                self.counts.insert(text.into(), n);
                self.ceiling = self.highest();
            }
            _ => self.others += n,
        }
    }

    fn highest(&self) -> Option<(u64, Box<str>)> {
        self.counts
            .keys()
            .map(|t| (rank(t), t))
            .max()
            .map(|(r, t)| (r, t.clone()))
    }

    /// Adds the counts of `o`, as if its records had been counted here.
    pub fn merge(&mut self, o: TextCounts, cap: usize) {
        for (t, n) in o.counts {
            self.add(&t, n, cap);
        }
        self.others += o.others;
    }

    /// The kept texts and their counts, most records first, then by text.
    pub fn top(&self) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.counts.iter().map(|(m, n)| (&**m, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// Records whose text is not kept.
    pub fn others(&self) -> u64 {
        self.others
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However the texts are ordered and split among workers, the same texts are kept with
    /// the same, exact counts; a text of one record among many is kept or not by its rank.
    #[test]
    fn kept_texts_do_not_depend_on_order_or_split() {
        let cap = 8;
        // 40 texts, text k met k + 1 times.
        let records: Vec<String> = (0..40)
            .flat_map(|k| std::iter::repeat_n(format!("m{k}"), k + 1))
            .collect();
        let reference = {
            let mut all: Vec<(u64, String)> = (0..40)
                .map(|k| (rank(&format!("m{k}")), format!("m{k}")))
                .collect();
            all.sort();
            let mut kept: Vec<(String, u64)> = all[..cap]
                .iter()
                .map(|(_, t)| (t.clone(), t[1..].parse::<u64>().unwrap() + 1))
                .collect();
            kept.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            kept
        };
        let total: u64 = records.len() as u64;
        let mut order = records.clone();
        for seed in 0..20u64 {
            // A fixed shuffle per seed, then a split into up to four workers merged in turn.
            order.sort_by_key(|t| rank(&format!("{seed}{t}")));
            let n = order.len();
            order.rotate_left(seed as usize * 7 % n);
            let parts = 1 + seed as usize % 4;
            let mut sinks: Vec<TextCounts> = vec![TextCounts::default(); parts];
            for (i, t) in order.iter().enumerate() {
                sinks[(i * 31 + seed as usize) % parts].add(t, 1, cap);
            }
            let mut merged = TextCounts::default();
            for s in sinks {
                merged.merge(s, cap);
            }
            let got: Vec<(String, u64)> = merged
                .top()
                .into_iter()
                .map(|(t, n)| (t.to_string(), n))
                .collect();
            assert_eq!(got, reference, "seed {seed}");
            let kept: u64 = got.iter().map(|(_, n)| n).sum();
            assert_eq!(merged.others() + kept, total);
        }
    }

    #[test]
    fn under_the_cap_every_text_is_kept() {
        let mut t = TextCounts::default();
        for m in ["a", "b", "a", "c"] {
            t.add(m, 1, 3);
        }
        assert_eq!(t.top(), [("a", 2), ("b", 1), ("c", 1)]);
        assert_eq!(t.others(), 0);
        t.add("d", 5, 3);
        assert_eq!(t.len(), 3);
        assert_eq!(t.others() + t.top().iter().map(|x| x.1).sum::<u64>(), 9);
    }
}
