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
//! a compressed bitmap spends a container (tens of bytes) on each 65,536 ids they fall in. The
//! first [`INLINE`] are held in the set itself, with nothing on the heap: in an input of
//! made-up keys by the hundred thousand, each key's cell and the five tables summed from it
//! hold one call each. Past [`FEW`], calls that all fall in one block of 65,536 ids (a worker
//! that meets fewer calls than that numbers them all in the first) are held as their lower 16
//! bits ([`Large::Block`]): a compressed bitmap's two bytes a member, without its layers.

use std::ops::BitOrAssign;

use roaring::RoaringBitmap;

#[derive(Debug, Clone)]
pub enum Calls {
    /// At most `INLINE` ids, ascending: the first `len` of `ids`. Only [`Calls::insert`]
    /// makes one (and [`Calls::default`], empty): `len` is never past `INLINE`.
    Inline { len: u8, ids: [u32; INLINE] },
    /// More, on the heap: a set takes 16 bytes in each table that holds one, whatever its form.
    Heap(Box<Large>),
}

/// A set of more than [`INLINE`] calls.
#[derive(Debug, Clone)]
pub enum Large {
    /// At most [`FEW`] ids, ascending.
    Few(Vec<u32>),
    /// More, all in one block of 65,536 ids (`high`, the upper 16 bits they share), as their
    /// lower 16 bits, ascending: two bytes a member (and the room the vector has to grow), where a
    /// compressed bitmap also holds a vector of its containers (160 bytes), and an insert is a
    /// binary search and a move of the members after it, without the bitmap's layers. Ids are
    /// numbered densely from 0 per worker: a cell's calls are in one block unless a worker
    /// meets more than 65,536 calls.
    Block { high: u16, low: Vec<u16> },
    /// `len` and `max` are the bitmap's, kept beside it: each member added asks whether the
    /// set is smaller as a bitset, which the bitmap answers by walking its containers.
    Sparse {
        bits: RoaringBitmap,
        len: u64,
        max: u32,
    },
    /// Bit `i` of word `i / 64`; `len` is the number of bits set.
    Dense { words: Vec<u64>, len: u64 },
}

impl Default for Calls {
    fn default() -> Self {
        Calls::Inline {
            len: 0,
            ids: [0; INLINE],
        }
    }
}

/// Members a set holds as a sorted list, at most: 4 bytes each, and nothing more.
pub const FEW: usize = 32;

/// Members a set holds in itself, at most: as many as fit beside the length in the 16 bytes a
/// set takes anyway (4 would make every set 24).
pub const INLINE: usize = 3;

/// Bytes a compressed bitmap spends per member (array containers), as a threshold.
const SPARSE_BYTES_PER_MEMBER: u64 = 2;

impl Calls {
    pub fn new() -> Calls {
        Calls::default()
    }

    pub(crate) fn len(&self) -> u64 {
        match self {
            Calls::Inline { len, .. } => u64::from(*len),
            Calls::Heap(large) => large.len(),
        }
    }

    /// The ids of a set that is a sorted list (held in itself or [`Large::Few`]).
    fn list(&self) -> Option<&[u32]> {
        match self {
            Calls::Inline { len, ids } => Some(&ids[..usize::from(*len)]),
            Calls::Heap(large) => match &**large {
                Large::Few(ids) => Some(ids),
                Large::Block { .. } | Large::Sparse { .. } | Large::Dense { .. } => None,
            },
        }
    }

    /// Whether the set is a sorted list.
    fn is_list(&self) -> bool {
        self.list().is_some()
    }

    /// Whether the set is a bitset.
    fn is_dense(&self) -> bool {
        matches!(self, Calls::Heap(large) if matches!(**large, Large::Dense { .. }))
    }

    pub fn insert(&mut self, id: u32) {
        match self {
            Calls::Inline { len, ids } => {
                let n = usize::from(*len);
                let Some(at) = place(&ids[..n], id) else {
                    return;
                };
                if n < INLINE {
                    ids.copy_within(at..n, at + 1);
                    ids[at] = id;
                    *len += 1;
                } else {
                    // As a list grown from empty would be: room for 8, then 16 and 32.
                    let mut list = Vec::with_capacity(8);
                    list.extend_from_slice(&ids[..at]);
                    list.push(id);
                    list.extend_from_slice(&ids[at..]);
                    *self = Calls::Heap(Box::new(Large::Few(list)));
                }
            }
            Calls::Heap(large) => large.insert(id),
        }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: u32) -> bool {
        if let Some(ids) = self.list() {
            return ids.binary_search(&id).is_ok();
        }
        match self {
            Calls::Heap(large) => match &**large {
                Large::Block { high, low } => {
                    id >> 16 == u32::from(*high) && low.binary_search(&(id as u16)).is_ok()
                }
                Large::Sparse { bits, .. } => bits.contains(id),
                Large::Dense { words, .. } => {
                    (words.get((id / 64) as usize)).is_some_and(|w| w & (1 << (id % 64)) != 0)
                }
                Large::Few(_) => false,
            },
            Calls::Inline { .. } => false,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (block, sparse, dense) = match self {
            Calls::Heap(large) => match &**large {
                Large::Block { high, low } => (Some(block(*high, low)), None, None),
                Large::Sparse { bits, .. } => (None, Some(bits.iter()), None),
                Large::Dense { words, .. } => (None, None, Some(bits(words))),
                Large::Few(_) => (None, None, None),
            },
            Calls::Inline { .. } => (None, None, None),
        };
        let few = self.list().into_iter().flatten().copied();
        few.chain(block.into_iter().flatten())
            .chain(sparse.into_iter().flatten())
            .chain(dense.into_iter().flatten())
    }
}

/// The ids of a [`Large::Block`], ascending.
fn block(high: u16, low: &[u16]) -> impl Iterator<Item = u32> + '_ {
    let high = u32::from(high) << 16;
    low.iter().map(move |&l| high | u32::from(l))
}

/// The largest id of a [`Large::Block`] (none when empty, which a block never is).
fn block_max(high: u16, low: &[u16]) -> u32 {
    u32::from(high) << 16 | u32::from(low.last().copied().unwrap_or(0))
}

/// The bits set in `words`, ascending: bit `i` of word `i / 64` is `i`.
fn bits(words: &[u64]) -> impl Iterator<Item = u32> + '_ {
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
}

impl Large {
    fn len(&self) -> u64 {
        match self {
            Large::Few(ids) => ids.len() as u64,
            Large::Block { low, .. } => low.len() as u64,
            Large::Sparse { len, .. } => *len,
            Large::Dense { len, .. } => *len,
        }
    }

    fn insert(&mut self, id: u32) {
        match self {
            Large::Few(ids) => {
                let Some(at) = place(ids, id) else {
                    return;
                };
                if ids.len() < FEW {
                    ids.insert(at, id);
                    return;
                }
                let (below, above) = ids.split_at(at);
                let sorted = below.iter().chain([&id]).chain(above).copied();
                let high = id >> 16;
                if ids[0] >> 16 == high && ids[FEW - 1] >> 16 == high {
                    // Room for as many more as there are, as a list grown by one would have.
                    let mut low = Vec::with_capacity(FEW * 2);
                    low.extend(sorted.map(|id| id as u16));
                    *self = Large::Block {
                        high: high as u16,
                        low,
                    };
                } else {
                    let r = RoaringBitmap::from_sorted_iter(sorted).expect("ascending");
                    *self = Large::sparse(r);
                }
                self.rebalance();
            }
            Large::Block { high, low } => {
                if id >> 16 != u32::from(*high) {
                    // An id of another block: a compressed bitmap, which holds any.
                    let r = RoaringBitmap::from_sorted_iter(block(*high, low)).expect("ascending");
                    *self = Large::sparse(r);
                    self.insert(id);
                    return;
                }
                let Err(at) = low.binary_search(&(id as u16)) else {
                    return;
                };
                low.insert(at, id as u16);
                if block_is_larger(low, *high) {
                    self.rebalance();
                }
            }
            Large::Sparse { bits, len, max } => {
                if bits.insert(id) {
                    *len += 1;
                    *max = (*max).max(id);
                    if dense_is_smaller(*len, *max) {
                        self.rebalance();
                    }
                }
            }
            Large::Dense { words, len } => {
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

    /// A compressed bitmap's form, its length and maximum read once.
    fn sparse(bits: RoaringBitmap) -> Large {
        let (len, max) = (bits.len(), bits.max().unwrap_or(0));
        Large::Sparse { bits, len, max }
    }

    /// Switches to the smaller form. Cheap unless it switches: a length and a maximum.
    fn rebalance(&mut self) {
        match self {
            Large::Block { high, low } if block_is_larger(low, *high) => {
                let max = block_max(*high, low);
                let mut words = vec![0u64; (max / 64 + 1) as usize];
                let mut len = 0;
                set_bits(&mut words, &mut len, Some(max), block(*high, low));
                *self = Large::Dense { words, len };
            }
            Large::Sparse { bits, len, max } if dense_is_smaller(*len, *max) => {
                let mut words = vec![0u64; (*max / 64 + 1) as usize];
                for id in bits.iter() {
                    words[(id / 64) as usize] |= 1 << (id % 64);
                }
                *self = Large::Dense { words, len: *len };
            }
            Large::Dense { words, len } if sparse_is_smaller(*len, words.len() as u32 * 64 - 1) => {
                *self = Large::sparse(bits(words).collect());
            }
            _ => {}
        }
    }
}

/// The bytes of a bitset up to `max`, and of a compressed bitmap of `len` members.
fn sizes(len: u64, max: u32) -> (u64, u64) {
    (u64::from(max / 64 + 1) * 8, len * SPARSE_BYTES_PER_MEMBER)
}

/// Whether a [`Large::Block`] takes more bytes than a bitset of its ids: its vector's room
/// counted, which is all it holds (the bitset is smaller at fewer members than a compressed
/// bitmap's two bytes a member allow).
fn block_is_larger(low: &Vec<u16>, high: u16) -> bool {
    dense_is_smaller(low.capacity() as u64, block_max(high, low))
}

/// Whether a compressed bitmap of `len` members up to `max` is smaller as a bitset: once the
/// bitset is smaller at all, counting two bytes a member, where the bitmap holds more (its
/// containers, and room to grow in its arrays). Inserting into a bitset is setting a bit; into
/// the bitmap, a binary search and moving the members after it.
fn dense_is_smaller(len: u64, max: u32) -> bool {
    let (dense, sparse) = sizes(len, max);
    dense < sparse
}

/// Whether a bitset of `len` members up to `max` is smaller as a compressed bitmap: only once
/// the bitset is twice the size (hysteresis: a set near the break-even point does not switch to
/// and fro as it grows).
fn sparse_is_smaller(len: u64, max: u32) -> bool {
    let (dense, sparse) = sizes(len, max);
    dense > sparse * 2
}

/// Sets the bits of `ids` (none past `max`) in a bitset of `len` members, grown once to hold
/// `max`; says whether it grew.
fn set_bits(
    words: &mut Vec<u64>,
    len: &mut u64,
    max: Option<u32>,
    ids: impl Iterator<Item = u32>,
) -> bool {
    let Some(max) = max else { return false };
    let need = (max / 64 + 1) as usize;
    let grown = need > words.len();
    if grown {
        words.resize(need, 0);
    }
    ids.for_each(|id| {
        let (w, bit) = ((id / 64) as usize, 1u64 << (id % 64));
        *len += u64::from(words[w] & bit == 0);
        words[w] |= bit;
    });
    grown
}

/// The ascending union of two ascending lists, with room for both.
fn merge(a: &[u16], b: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        out.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Where `id` goes in the ascending `ids`, or none when it is there.
fn place(ids: &[u32], id: u32) -> Option<usize> {
    // Ids are numbered as first met: a new one is most often the largest.
    match ids.last() {
        Some(&last) if last < id => Some(ids.len()),
        None => Some(0),
        Some(_) => ids.binary_search(&id).err(),
    }
}

/// Room to put another worker's ids in order ([`Calls::extend_unordered`]), kept from set to
/// set: `bits` is all zeros between uses.
#[derive(Default)]
pub struct Unordered {
    ids: Vec<u32>,
    bits: Vec<u64>,
}

impl Calls {
    /// Adds `ids`, in any order (each at most once): another worker's set read through the
    /// map from its numbering to ours. Past `FEW` of them, put in order and made a set of
    /// their own, then joined: a compressed bitmap takes ids one by one, out of order,
    /// several times slower, and the run's last merge of two workers' sets does so alone,
    /// after both are done. Ids within a few words each of one another are put in order as
    /// the bits of a bitset, read back ascending; others are sorted.
    pub fn extend_unordered(&mut self, ids: impl Iterator<Item = u32>, room: &mut Unordered) {
        room.ids.clear();
        let mut max = 0;
        // `for_each`, not `next`: a compressed bitmap's ids are read a container at a time.
        ids.for_each(|id| {
            max = max.max(id);
            room.ids.push(id);
        });
        if room.ids.len() <= FEW {
            self.extend(room.ids.iter().copied());
            return;
        }
        let words = (max / 64 + 1) as usize;
        if words <= room.ids.len() * 4 {
            if room.bits.len() < words {
                room.bits.resize(words, 0);
            }
            for &id in &room.ids {
                room.bits[(id / 64) as usize] |= 1 << (id % 64);
            }
            room.ids.clear();
            for (w, word) in room.bits[..words].iter_mut().enumerate() {
                let mut rest = std::mem::take(word);
                while rest != 0 {
                    room.ids.push(w as u32 * 64 + rest.trailing_zeros());
                    rest &= rest - 1;
                }
            }
        } else {
            room.ids.sort_unstable();
            room.ids.dedup();
        }
        let (first, last) = (room.ids[0], room.ids[room.ids.len() - 1]);
        let mut theirs = if first >> 16 == last >> 16 {
            Large::Block {
                high: (first >> 16) as u16,
                low: room.ids.iter().map(|&id| id as u16).collect(),
            }
        } else {
            Large::sparse(
                RoaringBitmap::from_sorted_iter(room.ids.iter().copied()).expect("ascending"),
            )
        };
        theirs.rebalance();
        *self |= Calls::Heap(Box::new(theirs));
    }
}

impl Extend<u32> for Calls {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, ids: I) {
        if let Calls::Heap(large) = self {
            if let Large::Sparse { bits, len, max } = &mut **large {
                // Into a compressed bitmap, the form chosen once for all of them: a list's ids
                // added to a table's set of a key (or its operation, or resource) for each cell
                // of a few calls.
                for id in ids {
                    if bits.insert(id) {
                        *len += 1;
                        *max = (*max).max(id);
                    }
                }
                large.rebalance();
                return;
            }
        }
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
        if let Calls::Heap(mine) = &mut *self {
            // Any set but a bitset into a bitset: its ids set as bits, read straight from its
            // own form (a table's bitset takes a cell's set per cell summed into it).
            if let (Large::Dense { words, len }, false) = (&mut **mine, other.is_dense()) {
                let grown = match (other.list(), other) {
                    (Some(ids), _) => {
                        set_bits(words, len, ids.last().copied(), ids.iter().copied())
                    }
                    (None, Calls::Heap(theirs)) => match &**theirs {
                        Large::Sparse { bits, max, .. } => {
                            set_bits(words, len, Some(*max), bits.iter())
                        }
                        Large::Block { high, low } => {
                            set_bits(words, len, Some(block_max(*high, low)), block(*high, low))
                        }
                        _ => unreachable!("a list or a bitset"),
                    },
                    (None, Calls::Inline { .. }) => unreachable!("a list"),
                };
                if grown {
                    mine.rebalance();
                }
                return;
            }
        }
        if let (Calls::Heap(mine), Calls::Heap(theirs)) = (&mut *self, other) {
            match (&mut **mine, &**theirs) {
                (Large::Dense { words, len }, Large::Dense { words: o, .. }) => {
                    if o.len() > words.len() {
                        words.resize(o.len(), 0);
                    }
                    for (a, b) in words.iter_mut().zip(o) {
                        *a |= b;
                    }
                    *len = words.iter().map(|w| u64::from(w.count_ones())).sum();
                    mine.rebalance();
                    return;
                }
                (Large::Sparse { bits: a, len, max }, Large::Sparse { bits: b, .. }) => {
                    *a |= b;
                    (*len, *max) = (a.len(), a.max().unwrap_or(0));
                    mine.rebalance();
                    return;
                }
                (Large::Block { high, low }, Large::Block { high: h, low: o }) if high == h => {
                    // Merged, where each of the other's ids inserted moved the members after it.
                    *low = merge(low, o);
                    mine.rebalance();
                    return;
                }
                _ => {}
            }
        }
        if self.is_list() && other.len() > self.len() {
            // A short list into a larger set: that set, with the list's ids added.
            let mine = std::mem::replace(self, other.clone());
            self.extend_list(&mine);
        } else if other.is_dense() {
            // A compressed bitmap into a bitset: the bitset, with the bitmap's ids set as bits,
            // not each of the bitset's ids inserted into the bitmap.
            let mine = std::mem::replace(self, other.clone());
            *self |= &mine;
        } else {
            self.extend_list(other);
        }
    }
}

impl Calls {
    /// Adds the ids of `other`: read from its own list when it is one, not through
    /// [`Calls::iter`]'s chain of the three forms.
    fn extend_list(&mut self, other: &Calls) {
        match other.list() {
            Some(ids) => self.extend(ids.iter().copied()),
            None => self.extend(other.iter()),
        }
    }
}

impl BitOrAssign<Calls> for Calls {
    fn bitor_assign(&mut self, other: Calls) {
        // A short list into a larger set: that set, taken, with the list's ids added.
        if self.is_list() && other.len() > self.len() {
            let mine = std::mem::replace(self, other);
            self.extend_list(&mine);
        } else {
            *self |= &other;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(c: &Calls) -> Vec<u32> {
        c.iter().collect()
    }

    /// The form of a set of more than [`INLINE`] calls.
    fn large(c: &Calls) -> Option<&Large> {
        match c {
            Calls::Heap(large) => Some(large),
            Calls::Inline { .. } => None,
        }
    }

    /// A compressed bitmap turns into a bitset as soon as the bitset is smaller, counting two
    /// bytes a member: ids 15 apart down from 69,990 (across the first block of 65,536 ids,
    /// so a compressed bitmap) take 8,752 bytes as a bitset, so 4,376 of them (8,752 bytes)
    /// stay a bitmap and 4,377 are a bitset, whether added one by one or a list at a time.
    #[test]
    fn turns_dense_as_soon_as_a_bitset_is_smaller() {
        let spread = |n: u32| (0..n).map(move |i| 69_990 - i * 15);
        let mut c: Calls = spread(4376).collect();
        assert!(matches!(
            large(&c),
            Some(Large::Sparse {
                len: 4376,
                max: 69_990,
                ..
            })
        ));
        c.insert(69_990 - 4376 * 15);
        assert!(matches!(large(&c), Some(Large::Dense { len: 4377, .. })));
        assert_eq!(ids(&c), spread(4377).rev().collect::<Vec<_>>());
        let mut d: Calls = spread(4376).collect();
        let list: Calls = spread(4376 + 32).skip(4376).collect();
        d |= &list;
        assert!(matches!(large(&d), Some(Large::Dense { len: 4408, .. })));
        assert_eq!(ids(&d), spread(4408).rev().collect::<Vec<_>>());
    }

    /// More than [`FEW`] ids of one block of 65,536 are held as their lower 16 bits, two bytes
    /// a member and the vector's room (for as many again at first), which is all such a set
    /// holds: it turns into a bitset
    /// once the bitset is smaller than that room. 256 ids 19 apart (up to 4,845: a bitset of
    /// 608 bytes) hold 512 bytes; the 257th grows the room to 1,024, and they are a bitset,
    /// where a compressed bitmap waited for 305 (two bytes a member). An id of another block
    /// makes a set a compressed bitmap.
    #[test]
    fn a_set_of_one_block_holds_two_bytes_a_member_until_a_bitset_is_smaller() {
        let spaced = |n: u32| (0..n).rev().map(|i| i * 19);
        let wide: Calls = (0..33).map(|i| i * 1000).collect();
        assert!(
            matches!(large(&wide), Some(Large::Block { high: 0, low }) if low.len() == 33 && low.capacity() == 2 * FEW)
        );
        let mut c: Calls = spaced(256).collect();
        assert!(matches!(large(&c), Some(Large::Block { low, .. }) if low.len() == 256));
        assert!(c.contains(19 * 7) && !c.contains(20) && !c.contains(65_536 + 19 * 7));
        c.insert(19 * 7);
        assert!(matches!(large(&c), Some(Large::Block { low, .. }) if low.len() == 256));
        c.insert(1);
        assert!(matches!(large(&c), Some(Large::Dense { len: 257, .. })));
        let mut want: Vec<u32> = spaced(256).chain([1]).collect();
        want.sort_unstable();
        assert_eq!(ids(&c), want);
        let far: Calls = (0..40).map(|i| 70_000 + i * 3).collect();
        assert!(matches!(large(&far), Some(Large::Block { high: 1, .. })));
        assert!(far.contains(70_003) && !far.contains(70_003 - 65_536));
        let mut c: Calls = spaced(40).collect();
        c.insert(70_000);
        assert!(matches!(
            large(&c),
            Some(Large::Sparse {
                len: 41,
                max: 70_000,
                ..
            })
        ));
        let mut want: Vec<u32> = spaced(40).chain([70_000]).collect();
        want.sort_unstable();
        assert_eq!(ids(&c), want);
    }

    #[test]
    fn turns_dense_when_smaller_and_back_when_the_range_grows() {
        let mut c = Calls::new();
        for id in 0..1000 {
            c.insert(id);
        }
        assert!(matches!(large(&c), Some(Large::Dense { .. })));
        assert_eq!((c.len(), ids(&c)), (1000, (0..1000).collect::<Vec<_>>()));
        c.insert(999);
        assert_eq!(c.len(), 1000);
        // One far id: a bitset up to it would be far larger than the members justify.
        c.insert(10_000_000);
        assert!(matches!(large(&c), Some(Large::Sparse { .. })));
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
        assert!(matches!(large(&c), Some(Large::Few(ids)) if ids.len() == FEW));
        assert_eq!((c.len(), ids(&c)), (FEW as u64, want.clone()));
        c.insert(1);
        want.insert(1, 1);
        assert!(matches!(large(&c), Some(Large::Sparse { .. })));
        assert_eq!((c.len(), ids(&c)), (FEW as u64 + 1, want));
    }

    #[test]
    fn unions_in_every_form_agree_with_a_plain_set() {
        let a: Calls = (0..3000).step_by(2).collect();
        let b: Calls = (1000..1100).chain([5_000_000]).collect();
        let c: Calls = (0..2000).step_by(3).collect();
        let few: Calls = [7, 3, 4_000_000].into_iter().collect();
        let more: Calls = (10..10 + FEW as u32).collect();
        assert!(matches!(few, Calls::Inline { .. }) && matches!(large(&more), Some(Large::Few(_))));
        let blk: Calls = (0..3000).step_by(37).collect();
        let blk2: Calls = (1500..4500).step_by(41).collect();
        let far: Calls = (70_000..73_000).step_by(29).collect();
        for s in [&blk, &blk2, &far] {
            assert!(matches!(large(s), Some(Large::Block { .. })));
        }
        assert!(matches!(large(&a), Some(Large::Dense { .. })));
        assert!(matches!(large(&b), Some(Large::Sparse { .. })));
        let mut want = std::collections::BTreeSet::new();
        let mut got = Calls::new();
        for s in [&few, &more, &blk, &blk2, &a, &b, &few, &far, &c, &a] {
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
            (&b, &a),
            (&b, &c),
            (&b, &more),
            (&b, &few),
            (&blk, &blk2),
            (&blk2, &blk),
            (&blk, &far),
            (&blk, &b),
            (&b, &blk),
            (&blk, &a),
            (&a, &blk),
            (&blk, &few),
            (&few, &blk),
            (&blk, &more),
            (&more, &blk),
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

    /// A set of each form takes another worker's ids, out of order, as it would take them one
    /// by one: few of them, many close together (put in order as bits), many far apart
    /// (sorted), some it holds already. And a bitset takes a set of every other form, grown
    /// when the other's ids pass its end.
    #[test]
    fn out_of_order_ids_and_unions_into_a_bitset_agree_with_a_plain_set() {
        let targets: Vec<Calls> = vec![
            Calls::new(),
            [5, 9].into_iter().collect(),
            (100..120).collect(),
            (0..50_000).step_by(97).collect(),
            (0..3000).collect(),
            (0..500_000).step_by(997).collect(),
        ];
        assert!(matches!(large(&targets[3]), Some(Large::Block { .. })));
        assert!(matches!(large(&targets[4]), Some(Large::Dense { .. })));
        assert!(matches!(large(&targets[5]), Some(Large::Sparse { .. })));
        // A reversal of 0..4000 and a scatter over millions: out of order, each id once.
        let sources: Vec<Vec<u32>> = vec![
            vec![7, 3],
            (0..FEW as u32).rev().collect(),
            (0..4000).rev().step_by(3).collect(),
            (0..200).map(|i| (i * 7919) % 200 * 25_000 + 1).collect(),
            (0..500).map(|i| (i * 389) % 500 + 2900).collect(),
            (0..100).map(|i| (i * 37) % 100 * 500 + 3).collect(),
            (0..100).map(|i| (i * 37) % 100 * 500 + 70_003).collect(),
        ];
        let mut room = Unordered::default();
        for t in &targets {
            for src in &sources {
                let mut got = t.clone();
                got.extend_unordered(src.iter().copied(), &mut room);
                let want: std::collections::BTreeSet<u32> =
                    t.iter().chain(src.iter().copied()).collect();
                assert_eq!(ids(&got), want.iter().copied().collect::<Vec<_>>());
                assert_eq!(got.len(), want.len() as u64);
                assert!(
                    room.bits.iter().all(|&w| w == 0),
                    "the room's bits are left clear"
                );
            }
        }
        let dense = &targets[4];
        let others: Vec<Calls> = vec![
            [2, 5000].into_iter().collect(),
            (2990..3010).collect(),
            (2000..2100).chain([10_000_000]).collect(),
            (0..9000).step_by(5).collect(),
            (1000..4000).step_by(50).collect(),
        ];
        assert!(matches!(large(&others[4]), Some(Large::Block { .. })));
        assert!(matches!(large(&others[2]), Some(Large::Sparse { .. })));
        for o in &others {
            let mut u = dense.clone();
            u |= o;
            let want: std::collections::BTreeSet<u32> = dense.iter().chain(o.iter()).collect();
            assert_eq!(ids(&u), want.iter().copied().collect::<Vec<_>>());
            assert_eq!(u.len(), want.len() as u64);
        }
    }

    /// The first [`INLINE`] ids are held in the set itself, in order; one more moves them to a
    /// list on the heap. A set takes 16 bytes whatever its form.
    #[test]
    fn the_first_ids_are_held_in_the_set_itself() {
        assert_eq!(std::mem::size_of::<Calls>(), 16);
        let mut c = Calls::new();
        for id in [9, 3, 7, 3, 9] {
            c.insert(id);
        }
        assert!(matches!(c, Calls::Inline { len: 3, .. }));
        assert_eq!((c.len(), ids(&c)), (3, vec![3, 7, 9]));
        c.insert(4);
        assert!(matches!(large(&c), Some(Large::Few(list)) if list.len() == 4));
        assert_eq!((c.len(), ids(&c)), (4, vec![3, 4, 7, 9]));
        let a: Calls = [3, 1, 2].into_iter().collect();
        let b: Calls = [2, 8, 4, 6].into_iter().collect();
        let want = vec![1, 2, 3, 4, 6, 8];
        let mut u = a.clone();
        u |= &b;
        assert_eq!((u.len(), ids(&u)), (6, want.clone()));
        let mut v = b.clone();
        v |= a;
        assert_eq!((v.len(), ids(&v)), (6, want));
        let mut w = b.clone();
        w |= &Calls::new();
        assert_eq!((w.len(), ids(&w)), (4, vec![2, 4, 6, 8]));
    }
}
