//! Sets of distinct calls (interned call ids), in whichever of two forms is smaller.
//!
//! Call ids are numbered densely from 0 per worker, so a cell that sees a good share of all
//! calls is smallest as a plain bitset over `0..=max` (an eighth of a byte per possible id);
//! a cell that sees few of many calls is smallest as a compressed bitmap (about two bytes per
//! member). A set turns into a bitset once that is smaller, and back if the id range grows
//! past what its members justify. Memory then follows the distinct calls of each cell, not
//! the records: a night four times as long adds little.
//!
//! A set starts as a short sorted list, until it holds [`FEW`]: most cells of a month of
//! many keys, operations and resources see a handful of calls, spread over the id range, and
//! a compressed bitmap spends a container (tens of bytes) on each 65,536 ids they fall in.

use std::ops::BitOrAssign;

use roaring::RoaringBitmap;

#[derive(Debug, Clone)]
pub enum Calls {
    /// At most [`FEW`] ids, ascending.
    Few(Vec<u32>),
    Sparse(RoaringBitmap),
    /// Bit `i` of word `i / 64`; `len` is the number of bits set.
    Dense {
        words: Vec<u64>,
        len: u64,
    },
}

impl Default for Calls {
    fn default() -> Self {
        Calls::Few(Vec::new())
    }
}

/// Members a set holds as a sorted list, at most: 4 bytes each, and nothing more.
pub const FEW: usize = 32;

/// Bytes a compressed bitmap spends per member (array containers), as a threshold.
const SPARSE_BYTES_PER_MEMBER: u64 = 2;

impl Calls {
    pub fn new() -> Calls {
        Calls::default()
    }

    pub fn len(&self) -> u64 {
        match self {
            Calls::Few(ids) => ids.len() as u64,
            Calls::Sparse(r) => r.len(),
            Calls::Dense { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn insert(&mut self, id: u32) {
        match self {
            Calls::Few(ids) => {
                // Ids are numbered as first met: a new one is most often the largest.
                let at = match ids.last() {
                    Some(&last) if last < id => ids.len(),
                    None => 0,
                    Some(_) => match ids.binary_search(&id) {
                        Ok(_) => return,
                        Err(at) => at,
                    },
                };
                if ids.len() < FEW {
                    ids.insert(at, id);
                } else {
                    let mut r: RoaringBitmap = ids.iter().copied().collect();
                    r.insert(id);
                    *self = Calls::Sparse(r);
                    self.rebalance();
                }
            }
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
            Calls::Few(_) => return,
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
        let (few, sparse, dense) = match self {
            Calls::Few(ids) => (Some(ids.iter().copied()), None, None),
            Calls::Sparse(r) => (None, Some(r.iter()), None),
            Calls::Dense { words, .. } => (None, None, Some(words)),
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
        let few = few.into_iter().flatten();
        few.chain(sparse.into_iter().flatten()).chain(dense)
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
            // A short list into a larger set: that set, with the list's ids added.
            (Calls::Few(mine), other) if other.len() > mine.len() as u64 => {
                let mine = std::mem::replace(self, other.clone());
                self.extend(mine.iter());
            }
            _ => self.extend(other.iter()),
        }
    }
}

impl BitOrAssign<Calls> for Calls {
    fn bitor_assign(&mut self, other: Calls) {
        match self {
            // A short list into a larger set: that set, taken, with the list's ids added.
            Calls::Few(mine) if other.len() > mine.len() as u64 => {
                let mine = std::mem::replace(self, other);
                self.extend(mine.iter());
            }
            _ => *self |= &other,
        }
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
    fn a_short_list_holds_few_ids_in_order_then_turns_compressed() {
        let mut c = Calls::new();
        // Out of order, repeated, and spread over the id range.
        let spread: Vec<u32> = (0..FEW as u32).map(|i| (i * 7919) % 32 * 100_000).collect();
        for &id in spread.iter().chain(&spread) {
            c.insert(id);
        }
        let mut want = spread.clone();
        want.sort_unstable();
        assert!(matches!(&c, Calls::Few(ids) if ids.len() == FEW));
        assert_eq!((c.len(), ids(&c)), (FEW as u64, want.clone()));
        c.insert(1);
        want.insert(1, 1);
        assert!(matches!(c, Calls::Sparse(_)));
        assert_eq!((c.len(), ids(&c)), (FEW as u64 + 1, want));
    }

    #[test]
    fn unions_in_every_form_agree_with_a_plain_set() {
        let a: Calls = (0..3000).step_by(2).collect();
        let b: Calls = (1000..1100).chain([5_000_000]).collect();
        let c: Calls = (0..2000).step_by(3).collect();
        let few: Calls = [7, 3, 4_000_000].into_iter().collect();
        let more: Calls = (10..10 + FEW as u32).collect();
        assert!(matches!(few, Calls::Few(_)) && matches!(more, Calls::Few(_)));
        let mut want = std::collections::BTreeSet::new();
        let mut got = Calls::new();
        for s in [&few, &more, &a, &b, &few, &c, &a] {
            want.extend(s.iter());
            got |= s;
            assert_eq!(ids(&got), want.iter().copied().collect::<Vec<_>>());
            assert_eq!(got.len(), want.len() as u64);
        }
        for (x, y) in [
            (&few, &more),
            (&more, &few),
            (&few, &a),
            (&a, &few),
            (&few, &b),
        ] {
            let mut u = x.clone();
            u |= y;
            let want: std::collections::BTreeSet<u32> = x.iter().chain(y.iter()).collect();
            assert_eq!(ids(&u), want.iter().copied().collect::<Vec<_>>());
            assert_eq!(u.len(), want.len() as u64);
            let mut taken = x.clone();
            taken |= y.clone();
            assert_eq!((ids(&taken), taken.len()), (ids(&u), u.len()));
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
