//! Sets of distinct calls (interned call ids), in whichever of two forms is smaller.
//!
//! Call ids are numbered densely from 0 per worker, so a cell that sees a good share of all
//! calls is smallest as a plain bitset over `0..=max` (an eighth of a byte per possible id);
//! a cell that sees few of many calls is smallest as a compressed bitmap (about two bytes per
//! member). A set starts compressed and turns into a bitset once that is smaller, and back if
//! the id range grows past what its members justify. Memory then follows the distinct calls
//! of each cell, not the records: a night four times as long adds little.

use std::ops::BitOrAssign;

use roaring::RoaringBitmap;

#[derive(Debug, Clone)]
pub enum Calls {
    Sparse(RoaringBitmap),
    /// Bit `i` of word `i / 64`; `len` is the number of bits set.
    Dense {
        words: Vec<u64>,
        len: u64,
    },
}

impl Default for Calls {
    fn default() -> Self {
        Calls::Sparse(RoaringBitmap::new())
    }
}

/// Bytes a compressed bitmap spends per member (array containers), as a threshold.
const SPARSE_BYTES_PER_MEMBER: u64 = 2;

impl Calls {
    pub fn new() -> Calls {
        Calls::default()
    }

    pub fn len(&self) -> u64 {
        match self {
            Calls::Sparse(r) => r.len(),
            Calls::Dense { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn insert(&mut self, id: u32) {
        match self {
            Calls::Sparse(r) => {
                if r.insert(id) {
                    self.rebalance();
                }
            }
            Calls::Dense { words, len } => {
                let w = (id / 64) as usize;
                let grown = w >= words.len();
                if grown {
                    words.resize(w + 1, 0);
                }
                let bit = 1u64 << (id % 64);
                if words[w] & bit == 0 {
                    words[w] |= bit;
                    *len += 1;
                }
                if grown {
                    self.rebalance();
                }
            }
        }
    }

    /// Switches to the smaller form. Cheap unless it switches: a length and a maximum.
    fn rebalance(&mut self) {
        let (len, max) = match self {
            Calls::Sparse(r) => (r.len(), r.max()),
            Calls::Dense { words, len } => (*len, Some(words.len() as u32 * 64 - 1)),
        };
        let Some(max) = max else { return };
        let dense_bytes = u64::from(max / 64 + 1) * 8;
        let sparse_bytes = len * SPARSE_BYTES_PER_MEMBER;
        match self {
            // Hysteresis: turn dense well past the break-even point, back only well below it.
            Calls::Sparse(r) if dense_bytes * 2 < sparse_bytes => {
                let mut words = vec![0u64; (max / 64 + 1) as usize];
                for id in r.iter() {
                    words[(id / 64) as usize] |= 1 << (id % 64);
                }
                *self = Calls::Dense { words, len };
            }
            Calls::Dense { .. } if dense_bytes > sparse_bytes * 2 => {
                *self = Calls::Sparse(self.iter().collect());
            }
            _ => {}
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (sparse, dense) = match self {
            Calls::Sparse(r) => (Some(r.iter()), None),
            Calls::Dense { words, .. } => (None, Some(words)),
        };
        let dense = dense.into_iter().flat_map(|words| {
            words.iter().enumerate().flat_map(|(w, &word)| {
                let mut rest = word;
                std::iter::from_fn(move || {
                    (rest != 0).then(|| {
                        let b = rest.trailing_zeros();
                        rest &= rest - 1;
                        w as u32 * 64 + b
                    })
                })
            })
        });
        sparse.into_iter().flatten().chain(dense)
    }
}

impl Extend<u32> for Calls {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, ids: I) {
        for id in ids {
            self.insert(id);
        }
    }
}

impl FromIterator<u32> for Calls {
    fn from_iter<I: IntoIterator<Item = u32>>(ids: I) -> Calls {
        let mut c = Calls::new();
        c.extend(ids);
        c
    }
}

impl BitOrAssign<&Calls> for Calls {
    fn bitor_assign(&mut self, other: &Calls) {
        match (&mut *self, other) {
            (Calls::Dense { words, len }, Calls::Dense { words: o, .. }) => {
                if o.len() > words.len() {
                    words.resize(o.len(), 0);
                }
                for (a, b) in words.iter_mut().zip(o) {
                    *a |= b;
                }
                *len = words.iter().map(|w| u64::from(w.count_ones())).sum();
                self.rebalance();
            }
            (Calls::Sparse(a), Calls::Sparse(b)) => {
                *a |= b;
                self.rebalance();
            }
            _ => self.extend(other.iter()),
        }
    }
}

impl BitOrAssign<Calls> for Calls {
    fn bitor_assign(&mut self, other: Calls) {
        *self |= &other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(c: &Calls) -> Vec<u32> {
        c.iter().collect()
    }

    #[test]
    fn turns_dense_when_smaller_and_back_when_the_range_grows() {
        let mut c = Calls::new();
        for id in 0..1000 {
            c.insert(id);
        }
        assert!(matches!(c, Calls::Dense { .. }));
        assert_eq!((c.len(), ids(&c)), (1000, (0..1000).collect::<Vec<_>>()));
        c.insert(999);
        assert_eq!(c.len(), 1000);
        // One far id: a bitset up to it would be far larger than the members justify.
        c.insert(10_000_000);
        assert!(matches!(c, Calls::Sparse(_)));
        assert_eq!(c.len(), 1001);
        assert_eq!(ids(&c).last(), Some(&10_000_000));
    }

    #[test]
    fn unions_in_every_form_agree_with_a_plain_set() {
        let a: Calls = (0..3000).step_by(2).collect();
        let b: Calls = (1000..1100).chain([5_000_000]).collect();
        let c: Calls = (0..2000).step_by(3).collect();
        let mut want = std::collections::BTreeSet::new();
        let mut got = Calls::new();
        for s in [&a, &b, &c, &a] {
            want.extend(s.iter());
            got |= s;
            assert_eq!(ids(&got), want.iter().copied().collect::<Vec<_>>());
            assert_eq!(got.len(), want.len() as u64);
        }
        let mut d = c.clone();
        d |= a.clone();
        assert_eq!(
            d.len(),
            (a.iter().chain(c.iter()))
                .collect::<std::collections::BTreeSet<_>>()
                .len() as u64
        );
    }
}
