//! Call ids numbered in the order first seen. Almost every call id is a GUID in its canonical
//! lower-case text: such an id is kept as the 128-bit number it spells, a third of the bytes
//! to hash, compare and hold of its text. Any other id (upper case, braces, a short token) of
//! up to [`INLINE`] bytes is kept as text; a longer one (a ServerCallId-like token, a hostile
//! one) as a keyed 128-bit hash of its text, so that no id takes more room than a short one
//! whatever its length (a report never shows a call's id, only how many distinct ones there
//! are). The three never meet: a canonical GUID's text is always read as its number, and no
//! other text is; no text both is and is not longer than [`INLINE`] bytes. So distinct texts
//! stay distinct calls, but for two long ids whose hashes are the same, which for a run of `n`
//! of them has a chance below `n² / 2¹²⁸`, and whose key no input can know (a new one each
//! run).

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use foldhash::HashMap;
use siphasher::sip128::{Hasher128, SipHasher13};

use super::interner::{Inline, Interner, INLINE};

/// A 128-bit number (a GUID's, or a [`long`] id's hash) as two words, high first: as a
/// `u128`, aligned to 16 bytes, it made each entry of the tables by call 32 bytes, not 24.
/// Words compare as the number does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Words([u64; 2]);

impl From<u128> for Words {
    fn from(n: u128) -> Words {
        Words([(n >> 64) as u64, n as u64])
    }
}

impl From<Words> for u128 {
    fn from(w: Words) -> u128 {
        u128::from(w.0[0]) << 64 | u128::from(w.0[1])
    }
}

/// Hashed as the number: foldhash folds a `u128` at once, two words one by one.
impl std::hash::Hash for Words {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u128(u128::from(*self));
    }
}

/// Each worker's calls: an id for each, numbered from 0 in the order first met. No list of the
/// calls by id is kept (it took 32 bytes a call): a merge makes one from the other's tables.
#[derive(Debug, Clone, Default)]
pub struct CallIds {
    guids: HashMap<Words, u32>,
    longs: HashMap<Words, u32>,
    text: Interner,
    /// The call id of each text id.
    text_ids: Vec<u32>,
    /// How many calls there are: the next one's id.
    count: u32,
}

/// The number a canonical lower-case GUID (`8-4-4-4-12` hex digits) spells, else none.
pub(super) fn guid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let mut h = [0u8; 32];
    h[..8].copy_from_slice(&b[..8]);
    h[8..12].copy_from_slice(&b[9..13]);
    h[12..16].copy_from_slice(&b[14..18]);
    h[16..20].copy_from_slice(&b[19..23]);
    h[20..].copy_from_slice(&b[24..]);
    let mut v: u128 = 0;
    for w in h.chunks_exact(8) {
        v = v << 32 | u128::from(hex8(u64::from_le_bytes(w.try_into().ok()?))?);
    }
    Some(v)
}

/// The hash an id longer than [`INLINE`] bytes is counted by: SipHash-1-3's 128 bits, under a
/// key drawn once a run (the same for every worker, whose ids are merged).
fn long(s: &str) -> u128 {
    static KEY: OnceLock<(u64, u64)> = OnceLock::new();
    let &(k0, k1) = KEY.get_or_init(|| {
        let random = std::hash::RandomState::new();
        (random.hash_one(0u8), random.hash_one(1u8))
    });
    let mut h = SipHasher13::new_with_keys(k0, k1);
    h.write(s.as_bytes());
    h.finish128().as_u128()
}

/// Eight lower-case hex digits (the first in the lowest byte) as the number they spell, all
/// eight at once in a register: a loop over the digits cost a tenth of the whole run.
fn hex8(w: u64) -> Option<u32> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    if w & HI != 0 {
        return None;
    }
    // For bytes below 0x80, adding 0x80 - n sets a byte's high bit exactly when it is >= n,
    // and never carries into the next byte.
    let ge = |n: u8| w.wrapping_add(LO * u64::from(0x80 - n)) & HI;
    let digit = ge(b'0') & !ge(b'9' + 1);
    let letter = ge(b'a') & !ge(b'f' + 1);
    if digit | letter != HI {
        return None;
    }
    // '0'..'9' → 0..9 from the low nibble; 'a'..'f' → 1..6 from it, plus 9.
    let nibbles = (w & (LO * 0x0f)) + (letter >> 7) * 9;
    // The first digit into the highest byte, then pairs, quads and octets packed together.
    let mut x = nibbles.swap_bytes();
    x = (x | x >> 4) & 0x00ff_00ff_00ff_00ff;
    x = (x | x >> 8) & 0x0000_ffff_0000_ffff;
    x = (x | x >> 16) & 0x0000_0000_ffff_ffff;
    Some(x as u32)
}

impl CallIds {
    /// The id of a call whose id is a canonical GUID, as [`guid`] reads it.
    pub(super) fn intern_guid(&mut self, g: u128) -> u32 {
        Self::number(&mut self.guids, &mut self.count, g.into())
    }

    fn intern_long(&mut self, h: u128) -> u32 {
        Self::number(&mut self.longs, &mut self.count, h.into())
    }

    /// The id of `key` in `table`, the next one if it is new.
    fn number(table: &mut HashMap<Words, u32>, count: &mut u32, key: Words) -> u32 {
        let id = *table.entry(key).or_insert(*count);
        if id == *count {
            *count += 1;
        }
        id
    }

    fn of_text(&mut self, t: u32) -> u32 {
        if t as usize == self.text_ids.len() {
            self.text_ids.push(self.count);
            self.count += 1;
        }
        self.text_ids[t as usize]
    }

    pub fn intern(&mut self, s: &str) -> u32 {
        match guid(s) {
            Some(g) => self.intern_guid(g),
            None if s.len() > INLINE => self.intern_long(long(s)),
            None => {
                let t = self.text.intern(s);
                self.of_text(t)
            }
        }
    }

    /// [`CallIds::intern`] of a short id that is not a canonical GUID, made a key by
    /// [`super::interner::inline`].
    pub(super) fn intern_inline(&mut self, key: Inline) -> u32 {
        let t = self.text.intern_inline(key);
        self.of_text(t)
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// For each id of `other`, the id of the same call here. The calls new here are numbered
    /// in the order of `other`'s ids, so that calls met close together keep close ids (the
    /// cells' sets of calls stay compact, and fast to merge). At the merge's peak, this table
    /// grows while `other`'s is whole: `other`'s tables are let go first, the new calls kept
    /// aside (24 bytes each), and no list of all its calls by id is made (it took 24 bytes a
    /// call); the map takes 4.
    pub(super) fn absorb(&mut self, other: CallIds) -> Vec<u32> {
        /// Not known here yet (no worker numbers `u32::MAX` calls).
        const NEW: u32 = u32::MAX;
        let mut map = vec![NEW; other.len()];
        let mut aside = |table: HashMap<Words, u32>, mine: &HashMap<Words, u32>| {
            let mut new = Vec::new();
            for (key, id) in table {
                match mine.get(&key) {
                    Some(&mine) => map[id as usize] = mine,
                    None => new.push((key, id)),
                }
            }
            new
        };
        let guids = aside(other.guids, &self.guids);
        let longs = aside(other.longs, &self.longs);
        for (t, &id) in other.text_ids.iter().enumerate() {
            if let Some(mine) = self.text.get(other.text.name(t as u32)) {
                map[id as usize] = self.text_ids[mine as usize];
            }
        }
        let known = self.count;
        for id in map.iter_mut().filter(|id| **id == NEW) {
            *id = self.count;
            self.count += 1;
        }
        let mine = |(key, id): (Words, u32)| (key, map[id as usize]);
        self.guids.extend(guids.into_iter().map(mine));
        self.longs.extend(longs.into_iter().map(mine));
        // A text's id here is its place in `text_ids`: new texts are interned in order.
        for (t, &id) in other.text_ids.iter().enumerate() {
            let mine = map[id as usize];
            if mine >= known {
                self.text.intern(other.text.name(t as u32));
                self.text_ids.push(mine);
            }
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_guids_are_numbers_and_other_ids_text() {
        let g = "6e0b95bb-cb07-4417-8bd1-059905ff58f4";
        assert_eq!(guid(g), Some(0x6e0b95bb_cb07_4417_8bd1_059905ff58f4));
        for other in [
            "6E0B95BB-CB07-4417-8BD1-059905FF58F4",
            "{6e0b95bb-cb07-4417-8bd1-059905ff58f4}",
            "6e0b95bbcb0744178bd1059905ff58f4",
            "6e0b95bb-cb07-4417-8bd1-059905ff58fg",
            "6e0b95bb-cb07-4417-8bd1+059905ff58f4",
            "",
        ] {
            assert_eq!(guid(other), None, "{other}");
        }
        let mut ids = CallIds::default();
        let a = ids.intern(g);
        assert_eq!(guid("00000000-0000-0000-0000-000000000000"), Some(0));
        assert_eq!(
            guid("ffffffff-ffff-ffff-ffff-ffffffffffff"),
            Some(u128::MAX)
        );
        let b = ids.intern("6E0B95BB-CB07-4417-8BD1-059905FF58F4");
        let c = ids.intern("call-7");
        assert_eq!((a, b, c), (0, 1, 2));
        assert_eq!(ids.intern(g), a);
        assert_eq!(ids.intern("call-7"), c);
        assert_eq!(
            ids.intern_inline(super::super::interner::inline("call-7")),
            c
        );
        assert_eq!(ids.len(), 3);
    }

    /// The digit-by-digit reading the register one must equal.
    fn slow(s: &str) -> Option<u128> {
        let b = s.as_bytes();
        let dashes = b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-');
        let hex: String = s.chars().filter(|&c| c != '-').collect();
        let lower = hex.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'));
        (dashes && hex.len() == 32 && lower)
            .then(|| u128::from_str_radix(&hex, 16).ok())
            .flatten()
    }

    #[test]
    fn every_byte_at_every_place_reads_as_the_slow_reading_does() {
        let base = "0123abcd-ef45-6789-a0b1-c2d3e4f5a6b7";
        assert_eq!(guid(base), slow(base));
        assert!(guid(base).is_some());
        for i in 0..36 {
            for c in 0..=255u8 {
                let mut b = base.as_bytes().to_vec();
                b[i] = c;
                if let Ok(s) = std::str::from_utf8(&b) {
                    assert_eq!(guid(s), slow(s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn ids_longer_than_inline_are_the_same_call_exactly_when_their_texts_are() {
        let mut ids = CallIds::default();
        let short = "s".repeat(INLINE);
        let long = format!("{short}x");
        let a = ids.intern(&short);
        let b = ids.intern(&long);
        let c = ids.intern(&format!("{short}y"));
        let d = ids.intern(&format!("x{short}"));
        let e = ids.intern(&"z".repeat(4096));
        assert_eq!((a, b, c, d, e), (0, 1, 2, 3, 4));
        assert_eq!(ids.intern(&long), b);
        assert_eq!(ids.intern(&"z".repeat(4096)), e);
        assert_eq!(ids.intern(&short), a);
        // Held as hashes: no text of theirs is kept.
        assert_eq!((ids.longs.len(), ids.text.len()), (4, 1));
        assert_eq!(ids.len(), 5);
    }

    #[test]
    fn absorbing_maps_every_call_onto_the_same_call() {
        let mut a = CallIds::default();
        a.intern("x");
        a.intern("00000000-0000-0000-0000-000000000001");
        let long = "a call id longer than a GUID and than INLINE";
        a.intern(long);
        let mut b = CallIds::default();
        b.intern("00000000-0000-0000-0000-000000000001");
        b.intern("y");
        b.intern(&long.to_uppercase());
        b.intern("x");
        b.intern(long);
        b.intern("z");
        b.intern("00000000-0000-0000-0000-000000000002");
        let map = a.absorb(b);
        // The calls known here keep their ids; the new ones take the next, in `b`'s order.
        assert_eq!(map, [1, 3, 4, 0, 2, 5, 6]);
        assert_eq!(a.len(), 7);
        // Interned again, each is the call it was mapped to.
        let again = [
            "00000000-0000-0000-0000-000000000001",
            "y",
            &long.to_uppercase(),
            "x",
            long,
            "z",
            "00000000-0000-0000-0000-000000000002",
        ]
        .map(|id| a.intern(id));
        assert_eq!(again.as_slice(), map);
        assert_eq!(a.len(), 7);
    }
}
