//! Call ids numbered in the order first seen. Almost every call id is a GUID in its canonical
//! text (8-4-4-4-12 hex digits): such an id is kept as the 128-bit number it spells, a third
//! of the bytes to hash, compare and hold of its text. Its digits are read in either case, as
//! RFC 9562 reads a GUID's text (SQL Server and some .NET code print them upper case): `ABC…`
//! and `abc…` are one call, written lower case. Any other id (braces, a short token, a
//! ServerCallId-like token, a hostile one) is kept as a keyed 128-bit hash of its text, so that
//! no id takes more room than a GUID whatever its length (a report never shows a call's id,
//! only how many distinct ones there are): 5 million distinct ids of 31 bytes took 1.3 GB as
//! text. The two never meet: a canonical GUID's text is always read as its number, and no other
//! text is. So distinct texts stay distinct calls, but for two other ids whose hashes are the
//! same, which for a run of `n` of them has a chance below `n² / 2¹²⁸`, and whose key no input
//! can know (a new one each run).

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use siphasher::sip128::{Hasher128, SipHasher13};

use super::interner::Inline;

/// A 128-bit number (a GUID's, or another id's [`hashed`] text) as two words, high first: as a
/// `u128`, aligned to 16 bytes, it makes each entry of a table that holds it with a 4-byte
/// value 32 bytes, not 24 (`triage`'s tables by call). Words compare as the number does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Words([u64; 2]);

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

/// Each worker's calls: an id for each, numbered from 0 in the order first met. The calls'
/// numbers are a list by id, and the tables that find a GUID's or another id's call hold only
/// the id: a place takes 5 bytes (the id and the table's control byte), not the 25 of a number
/// with its id. 250,000 calls take a 4.2 MB list and a 2.6 MB table, not a 13.1 MB table.
#[derive(Debug, Clone, Default)]
pub struct CallIds {
    /// Each call's number by id: its GUID's, or its other id's hash. Its length is the number
    /// of calls, the next one's id.
    numbers: Vec<Words>,
    /// The calls whose ids are GUIDs, by the hash of their numbers.
    guids: HashTable<u32>,
    /// The calls whose ids are not canonical GUIDs ([`hashed`]), by the hash of their numbers.
    others: HashTable<u32>,
    hasher: RandomState,
}

/// The number a canonical GUID (`8-4-4-4-12` hex digits, of either case) spells, else none.
pub(super) fn guid(s: &str) -> Option<u128> {
    digits(words(s)?)
}

/// A canonical GUID's 32 digits without its dashes, as four words of eight bytes (the first
/// digit in the first word's lowest byte), once its length and dashes are checked.
#[inline(always)]
fn words(s: &str) -> Option<[u64; 4]> {
    let b: &[u8; 36] = s.as_bytes().try_into().ok()?;
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let half = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    Some([
        word(0),
        half(9) | half(14) << 32,
        half(19) | half(24) << 32,
        word(28),
    ])
}

/// The number 32 hex digits of either case spell, else none, with SSE2 (baseline on x86_64):
/// the digits in two registers, each byte classed by two range checks, the digits' values
/// paired into bytes and packed in order by one `packuswb`. The same in general registers
/// ([`digits_scalar`]) cost 187 instructions a GUID, this 84: a GUID is read for each
/// record, 3% of the CSV path's instructions.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn digits(w: [u64; 4]) -> Option<u128> {
    use safe_arch::{
        add_i8_m128i, bitand_m128i, bitor_m128i, cmp_gt_mask_i8_m128i, cmp_lt_mask_i8_m128i, m128i,
        move_mask_i8_m128i, pack_i16_to_u8_m128i, set_splat_i16_m128i, set_splat_i8_m128i,
        shl_imm_u16_m128i, shr_imm_u16_m128i,
    };
    let splat = |c: u8| set_splat_i8_m128i(c as i8);
    let within = |v: m128i, lo: u8, hi: u8| {
        bitand_m128i(
            cmp_gt_mask_i8_m128i(v, splat(lo - 1)),
            cmp_lt_mask_i8_m128i(v, splat(hi + 1)),
        )
    };
    // Each byte a digit or a letter of either case (0x20 makes 'A'..'F' 'a'..'f', and no
    // other byte one of them); a byte from 0x80 up is below both ranges to the signed compares.
    let class = |v: m128i| {
        let letter = within(bitor_m128i(v, splat(0x20)), b'a', b'f');
        (bitor_m128i(within(v, b'0', b'9'), letter), letter)
    };
    let (a, b) = (m128i::from([w[0], w[1]]), m128i::from([w[2], w[3]]));
    let ((hex_a, letter_a), (hex_b, letter_b)) = (class(a), class(b));
    if move_mask_i8_m128i(bitand_m128i(hex_a, hex_b)) != 0xffff {
        return None;
    }
    // '0'..'9' → 0..9 from the low nibble; 'a'..'f' and 'A'..'F' → 1..6 from it, plus 9.
    let value = |v: m128i, letter: m128i| {
        add_i8_m128i(bitand_m128i(v, splat(0x0f)), bitand_m128i(letter, splat(9)))
    };
    // Each two digits (the first in the lower byte) as the byte they spell, in their 16 bits'
    // low byte; `packuswb` then packs the sixteen bytes in order, the first the highest.
    let pair = |n: m128i| {
        bitor_m128i(
            bitand_m128i(shl_imm_u16_m128i::<4>(n), set_splat_i16_m128i(0xf0)),
            shr_imm_u16_m128i::<8>(n),
        )
    };
    let bytes: [u8; 16] =
        pack_i16_to_u8_m128i(pair(value(a, letter_a)), pair(value(b, letter_b))).into();
    Some(u128::from_be_bytes(bytes))
}

/// The same on other targets.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn digits(w: [u64; 4]) -> Option<u128> {
    digits_scalar(w)
}

/// [`digits`] eight at a time in general registers.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn digits_scalar(w: [u64; 4]) -> Option<u128> {
    let mut v: u128 = 0;
    for w in w {
        v = v << 32 | u128::from(hex8(w)?);
    }
    Some(v)
}

/// The hash an id that is not a canonical GUID is counted by: SipHash-1-3's 128 bits, under a
/// key drawn once a run (the same for every worker, whose ids are merged).
/// Not inlined: a record's call is almost always a GUID, and the hash inlined into
/// [`super::Aggregator`]'s hot path cost a canonical GUID's records 4% more CPU.
#[inline(never)]
fn hashed(s: &[u8]) -> u128 {
    static KEY: OnceLock<(u64, u64)> = OnceLock::new();
    let &(k0, k1) = KEY.get_or_init(|| {
        let random = std::hash::RandomState::new();
        (random.hash_one(0u8), random.hash_one(1u8))
    });
    let mut h = SipHasher13::new_with_keys(k0, k1);
    h.write(s);
    h.finish128().as_u128()
}

/// Eight hex digits of either case (the first in the lowest byte) as the number they spell, all
/// eight at once in a register: a loop over the digits cost a tenth of the whole run.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn hex8(w: u64) -> Option<u32> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    if w & HI != 0 {
        return None;
    }
    // For bytes below 0x80, adding 0x80 - n sets a byte's high bit exactly when it is >= n,
    // and never carries into the next byte.
    let ge = |w: u64, n: u8| w.wrapping_add(LO * u64::from(0x80 - n)) & HI;
    let digit = ge(w, b'0') & !ge(w, b'9' + 1);
    // Letters of either case: 0x20 makes 'A'..'F' 'a'..'f', and no other byte below 0x80
    // one of them (a digit is read from the bytes as they are).
    let folded = w | (LO * 0x20);
    let letter = ge(folded, b'a') & !ge(folded, b'f' + 1);
    if digit | letter != HI {
        return None;
    }
    // '0'..'9' → 0..9 from the low nibble; 'a'..'f' and 'A'..'F' → 1..6 from it, plus 9.
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
        self.intern_number(false, g.into())
    }

    /// The id of a call whose id is not a canonical GUID, by its [`hashed`] text.
    fn intern_hashed(&mut self, h: u128) -> u32 {
        self.intern_number(true, h.into())
    }

    /// The id of the call of number `key` (a GUID's, or another id's hash when `others`), the
    /// next one if it is new.
    fn intern_number(&mut self, others: bool, key: Words) -> u32 {
        let (table, numbers, hasher) = self.table(others);
        let entry = table.entry(
            hasher.hash_one(key),
            |&id| numbers[id as usize] == key,
            |&id| hasher.hash_one(numbers[id as usize]),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let id = numbers.len() as u32;
                numbers.push(key);
                e.insert(id);
                id
            }
        }
    }

    /// The table of the calls whose ids are GUIDs (or the others', when `others`), with the list
    /// of numbers it finds them in and its hasher.
    fn table(&mut self, others: bool) -> (&mut HashTable<u32>, &mut Vec<Words>, &RandomState) {
        let table = if others {
            &mut self.others
        } else {
            &mut self.guids
        };
        (table, &mut self.numbers, &self.hasher)
    }

    /// The call of number `key` in `table`, if there is one.
    fn find(&self, table: &HashTable<u32>, key: Words) -> Option<u32> {
        let numbers = &self.numbers;
        table
            .find(self.hasher.hash_one(key), |&id| numbers[id as usize] == key)
            .copied()
    }

    pub fn intern(&mut self, s: &str) -> u32 {
        match guid(s) {
            Some(g) => self.intern_guid(g),
            None => self.intern_hashed(hashed(s.as_bytes())),
        }
    }

    /// [`CallIds::intern`] of a short id that is not a canonical GUID, made a key by
    /// [`super::interner::inline`].
    pub(super) fn intern_inline(&mut self, key: Inline) -> u32 {
        let bytes = key.bytes();
        self.intern_hashed(hashed(&bytes[1..=usize::from(bytes[0])]))
    }

    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// The number of call `id` when its id is a canonical GUID (none for another id, which is
    /// held as a hash of its text).
    pub(super) fn guid_of(&self, id: u32) -> Option<Words> {
        let number = *self.numbers.get(id as usize)?;
        (self.find(&self.guids, number) == Some(id)).then_some(number)
    }

    /// For each id of `other`, the id of the same call here. The calls new here are numbered
    /// in the order of `other`'s ids, so that calls met close together keep close ids (the
    /// cells' sets of calls stay compact, and fast to merge). `other`'s tables and numbers are
    /// dropped as soon as they are read, before this one's tables grow: 5 million calls merged
    /// from two workers held both workers' whole tables while the larger doubled.
    pub(super) fn absorb(&mut self, other: CallIds) -> Vec<u32> {
        /// Not known here yet (no worker numbers `u32::MAX` calls).
        const NEW: u32 = u32::MAX;
        let CallIds {
            numbers,
            guids,
            others,
            ..
        } = other;
        let mut map = vec![NEW; numbers.len()];
        // `other`'s calls by table, GUIDs' then the others'.
        let (mut of_guids, mut of_others) = (Vec::new(), Vec::new());
        for (table, mine, ids) in [
            (guids, &self.guids, &mut of_guids),
            (others, &self.others, &mut of_others),
        ] {
            ids.reserve_exact(table.len());
            for id in table {
                if let Some(mine) = self.find(mine, numbers[id as usize]) {
                    map[id as usize] = mine;
                }
                ids.push(id);
            }
        }
        let known = self.numbers.len() as u32;
        let new = map.iter().filter(|&&id| id == NEW).count();
        self.numbers.reserve_exact(new);
        for (id, m) in map.iter_mut().enumerate() {
            if *m == NEW {
                *m = self.numbers.len() as u32;
                self.numbers.push(numbers[id]);
            }
        }
        drop(numbers);
        for (others, ids) in [(false, &mut of_guids), (true, &mut of_others)] {
            ids.retain_mut(|id| {
                *id = map[*id as usize];
                *id >= known
            });
            let (mine, numbers, hasher) = self.table(others);
            let rehash = |&id: &u32| hasher.hash_one(numbers[id as usize]);
            mine.reserve(ids.len(), rehash);
            for &m in ids.iter() {
                mine.insert_unique(hasher.hash_one(numbers[m as usize]), m, rehash);
            }
            *ids = Vec::new();
        }
        map
    }
}

/// A set of calls by the numbers [`CallIds`] counts them by (a GUID's, another id's
/// [`hashed`] text), without numbering them: 16 bytes a call and the table's control byte, at
/// the table's load. What a `--resource` run's first reading keeps of the calls of the
/// resources it keeps ([`super::ResourceCalls`]).
#[derive(Debug, Clone, Default)]
pub struct CallSet {
    guids: hashbrown::HashSet<Words, RandomState>,
    others: hashbrown::HashSet<Words, RandomState>,
}

impl CallSet {
    /// The call's number, in the table of its kind of id.
    fn number(id: &str) -> (bool, Words) {
        match guid(id) {
            Some(g) => (false, g.into()),
            None => (true, hashed(id.as_bytes()).into()),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        match Self::number(id) {
            (false, n) => self.guids.contains(&n),
            (true, n) => self.others.contains(&n),
        }
    }
}

/// Each call's resource as the join gives it ([`super::joins::CallResources`]): the first by
/// name of those its records name, by the number [`CallIds`] counts the call by, and the
/// resource's name as an interned id of the caller's (`before` orders two of them by name).
/// What a `--resource` run's first reading keeps of every call whose records name a resource,
/// 24 bytes a call and the table's control byte, at the table's load, until it is made the
/// [`CallSet`] of the calls of the resources kept.
#[derive(Debug, Clone, Default)]
pub struct FirstResources {
    guids: hashbrown::HashMap<Words, u32, RandomState>,
    others: hashbrown::HashMap<Words, u32, RandomState>,
}

impl FirstResources {
    /// Gives call `id` resource `name` when it has none yet or `name` comes `before` its own.
    pub fn offer(&mut self, id: &str, name: u32, before: impl Fn(u32, u32) -> bool) {
        let (others, n) = CallSet::number(id);
        let table = if others {
            &mut self.others
        } else {
            &mut self.guids
        };
        Self::give(table, n, name, &before);
    }

    /// Gives call `n` of `table` resource `name` when it has none yet or `name` comes `before`
    /// its own.
    fn give(
        table: &mut hashbrown::HashMap<Words, u32, RandomState>,
        n: Words,
        name: u32,
        before: &impl Fn(u32, u32) -> bool,
    ) {
        table
            .entry(n)
            .and_modify(|r| {
                if *r != name && before(name, *r) {
                    *r = name;
                }
            })
            .or_insert(name);
    }

    /// Adds another's calls, its resources numbered as ours by `names` (ours for its).
    pub fn absorb(&mut self, o: FirstResources, names: &[u32], before: impl Fn(u32, u32) -> bool) {
        for (mine, theirs) in [(&mut self.guids, o.guids), (&mut self.others, o.others)] {
            mine.reserve(theirs.len());
            for (n, name) in theirs {
                Self::give(mine, n, names[name as usize], &before);
            }
        }
    }

    /// The calls whose resource is one `kept` keeps.
    pub fn into_set(self, kept: impl Fn(u32) -> bool) -> CallSet {
        let kept = |table: hashbrown::HashMap<Words, u32, RandomState>| {
            (table.into_iter())
                .filter(|&(_, r)| kept(r))
                .map(|(n, _)| n)
                .collect()
        };
        CallSet {
            guids: kept(self.guids),
            others: kept(self.others),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.guids.len() + self.others.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::interner::inline;
    use super::*;

    #[test]
    fn canonical_guids_are_numbers_and_other_ids_hashes() {
        let g = "6e0b95bb-cb07-4417-8bd1-059905ff58f4";
        assert_eq!(guid(g), Some(0x6e0b95bb_cb07_4417_8bd1_059905ff58f4));
        for same in [
            "6E0B95BB-CB07-4417-8BD1-059905FF58F4",
            "6e0B95bB-cb07-4417-8BD1-059905ff58F4",
        ] {
            assert_eq!(guid(same), guid(g), "{same}");
        }
        for other in [
            "{6e0b95bb-cb07-4417-8bd1-059905ff58f4}",
            "6e0b95bbcb0744178bd1059905ff58f4",
            "6e0b95bb-cb07-4417-8bd1-059905ff58fg",
            "6e0b95bb-cb07-4417-8bd1-059905ff58fG",
            "6e0b95bb-cb07-4417-8bd1-059905ff58f\u{10}",
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
        assert_eq!((a, b, c), (0, 0, 1));
        assert_eq!(ids.intern(g), a);
        assert_eq!(ids.intern("call-7"), c);
        assert_eq!(ids.intern_inline(inline("call-7")), c);
        assert_eq!(ids.intern("CALL-7"), 2);
        assert_eq!((ids.guids.len(), ids.others.len(), ids.len()), (1, 2, 3));
    }

    /// The digit-by-digit reading the register one must equal.
    fn slow(s: &str) -> Option<u128> {
        let b = s.as_bytes();
        let dashes = b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-');
        let hex: String = s.chars().filter(|&c| c != '-').collect();
        let digits = hex.bytes().all(|c| c.is_ascii_hexdigit());
        (dashes && hex.len() == 32 && digits)
            .then(|| u128::from_str_radix(&hex, 16).ok())
            .flatten()
    }

    /// Both readings of the digits, SSE2's and the general registers', against the slow one.
    #[test]
    fn every_byte_at_every_place_reads_as_the_slow_reading_does() {
        let scalar = |s: &str| words(s).and_then(digits_scalar);
        for base in [
            "0123abcd-ef45-6789-a0b1-c2d3e4f5a6b7",
            "0123ABCD-EF45-6789-A0B1-C2D3E4F5A6B7",
            "fedcba98-7654-3210-FEDC-BA9876543210",
        ] {
            assert_eq!(guid(base), slow(base));
            assert!(guid(base).is_some());
            for i in 0..36 {
                for c in 0..=255u8 {
                    let mut b = base.as_bytes().to_vec();
                    b[i] = c;
                    if let Ok(s) = std::str::from_utf8(&b) {
                        assert_eq!(guid(s), slow(s), "{s:?}");
                        assert_eq!(scalar(s), slow(s), "{s:?}");
                    }
                }
            }
        }
        // A character of two bytes in place of a digit, and ids one byte short or long.
        for s in [
            "0123abcd-ef45-6789-a0b1-c2d3e4f5a6\u{e9}",
            "\u{e9}23abcd-ef45-6789-a0b1-c2d3e4f5a6b",
            "0123abcd-ef45-6789-a0b1-c2d3e4f5a6b",
            "0123abcd-ef45-6789-a0b1-c2d3e4f5a6b70",
        ] {
            assert_eq!((guid(s), scalar(s)), (None, None), "{s:?}");
        }
    }

    #[test]
    fn other_ids_are_the_same_call_exactly_when_their_texts_are() {
        let mut ids = CallIds::default();
        let short = "s".repeat(39);
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
        assert_eq!(ids.others.len(), 5);
        assert_eq!(ids.len(), 5);
        for (n, id) in ["", "S".repeat(39).as_str(), "s"].into_iter().enumerate() {
            assert_eq!(ids.intern(id), 5 + n as u32);
        }
        // A short id made a key for the flush is the call its text is.
        for (id, call) in [(short.as_str(), a), ("", 5), ("s", 7)] {
            assert_eq!(ids.intern_inline(inline(id)), call, "{id:?}");
        }
        assert_eq!(ids.len(), 8);
    }

    /// The bytes that the calls' numbers and tables take.
    fn held(ids: &CallIds) -> usize {
        ids.numbers.capacity() * std::mem::size_of::<Words>()
            + ids.guids.allocation_size()
            + ids.others.allocation_size()
    }

    #[test]
    fn a_call_takes_its_number_and_a_place_of_five_bytes() {
        let guid = |n: u32| format!("{n:08x}-0000-4000-8000-000000000000");
        let (mut a, mut b) = (CallIds::default(), CallIds::default());
        for n in 0..150_000 {
            a.intern(&guid(n));
            b.intern(&guid(n + 100_000));
        }
        // 150,000 calls in 262,144 places: with the numbers in the table, its places take 25
        // bytes each, 6.6 MB; here 5, and the list of numbers 4.2 MB (grown by doubling).
        assert!(held(&a) < 6_000_000, "{}", held(&a));
        let map = a.absorb(b);
        assert_eq!(a.len(), 250_000);
        assert_eq!(
            (map[0], map[49_999], map[50_000]),
            (100_000, 149_999, 150_000)
        );
        // 524,288 places: 13.1 MB with the numbers in the table; 2.6 here, and the list 4.2.
        assert!(held(&a) < 7_500_000, "{}", held(&a));
        assert_eq!(a.intern(&guid(249_999)), 249_999);
    }

    #[test]
    fn an_id_that_is_not_a_guid_takes_the_room_a_guid_takes() {
        let mut ids = CallIds::default();
        for n in 0..150_000 {
            ids.intern(&format!("call-{n:026}"));
            ids.intern_inline(inline(&format!("CALL-{n:026}")));
        }
        // 300,000 calls: 4.8 MB of numbers (8.4 as grown by doubling) and 2.6 MB of places;
        // kept as text they took about 260 bytes each, 78 MB.
        assert_eq!((ids.others.len(), ids.len()), (300_000, 300_000));
        assert!(held(&ids) < 12_000_000, "{}", held(&ids));
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
