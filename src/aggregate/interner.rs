//! Strings numbered in the order first seen: call ids, operations and diagnostic messages are
//! counted by number, and merged workers map the other's numbers onto theirs.

use foldhash::HashMap;

/// Strings numbered in the order first seen.
///
/// A record interns a 36-byte call id. Short strings are kept inline in the hash table's
/// entries, so a lookup touches one place in memory; a map keyed by boxed strings missed the
/// cache twice per lookup (the entry, then the string it points to).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    short: HashMap<Inline, u32>,
    long: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

/// The last few strings an [`Interner`] numbered, with their numbers: a record's operation is
/// one of a few names that come by turns, and comparing it with them is cheaper than hashing
/// it. It holds the numbers of one interner: it goes wherever that interner goes.
#[derive(Debug, Clone, Default)]
pub struct Recent {
    names: Vec<(Box<str>, u32)>,
    /// The entry the next string not among them replaces.
    next: usize,
}

/// Strings a [`Recent`] holds.
const RECENT: usize = 4;

impl Recent {
    /// The number of `s` in `interner`, interned if new.
    pub fn intern(&mut self, interner: &mut Interner, s: &str) -> u32 {
        if let Some((_, id)) = self.names.iter().find(|(n, _)| **n == *s) {
            return *id;
        }
        let id = interner.intern(s);
        if self.names.len() < RECENT {
            self.names.push((s.into(), id));
        } else {
            self.names[self.next] = (s.into(), id);
            self.next = (self.next + 1) % RECENT;
        }
        id
    }
}

/// Up to [`INLINE`] bytes: the length, then the bytes, zero-padded, as words.
#[derive(Debug, Clone, Copy, Eq)]
pub(super) struct Inline([u64; 5]);

impl std::hash::Hash for Inline {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
    }
}
pub(super) const INLINE: usize = 39;

/// Word by word, inline: array equality would call `memcmp` on every lookup.
impl PartialEq for Inline {
    fn eq(&self, o: &Inline) -> bool {
        self.0.iter().zip(&o.0).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }
}

pub(super) fn inline(s: &str) -> Inline {
    let mut bytes = [0u8; INLINE + 1];
    bytes[0] = s.len() as u8;
    bytes[1..=s.len()].copy_from_slice(s.as_bytes());
    Inline(std::array::from_fn(|i| {
        u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
    }))
}

impl Inline {
    /// The length, then the string's bytes, zero-padded: the string is `[1..=length]`.
    pub(super) fn bytes(&self) -> [u8; INLINE + 1] {
        let mut bytes = [0u8; INLINE + 1];
        for (i, w) in self.0.iter().enumerate() {
            bytes[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
        }
        bytes
    }
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if s.len() <= INLINE {
            return self.intern_inline(inline(s));
        }
        if let Some(&id) = self.long.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.long.insert(s.into(), id);
        self.names.push(s.into());
        id
    }

    /// [`Interner::intern`] of a string already made a key by [`inline`].
    pub(super) fn intern_inline(&mut self, key: Inline) -> u32 {
        let next = self.names.len() as u32;
        let id = *self.short.entry(key).or_insert(next);
        if id == next {
            let bytes = key.bytes();
            let s = std::str::from_utf8(&bytes[1..=usize::from(bytes[0])]).expect("was a str");
            self.names.push(s.into());
        }
        id
    }

    /// How many strings are numbered.
    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    /// The strings the tables that find a number hold.
    #[cfg(test)]
    pub(super) fn looked_up(&self) -> usize {
        self.short.len() + self.long.len()
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// Lets go of the tables that find a string's number, keeping the strings by number: a
    /// finished aggregate only names its numbers, and an input of operations or resources made
    /// up by the hundred thousand holds a table of 12 MB for each (rev64b F5). Nothing is
    /// numbered or looked up after it: [`Interner::get`] would find nothing, and
    /// [`Interner::intern`] would number a string again.
    pub(super) fn forget_lookup(&mut self) {
        self.short = HashMap::default();
        self.long = HashMap::default();
    }

    /// The id of a string already interned (none once [`Interner::forget_lookup`]).
    pub fn get(&self, s: &str) -> Option<u32> {
        if s.len() <= INLINE {
            self.short.get(&inline(s)).copied()
        } else {
            self.long.get(s).copied()
        }
    }

    /// Numbers the strings afresh: the returned [`Renumbering`] gives each old id that is still
    /// used its new one here, as it is asked for. The others are forgotten.
    pub(super) fn renumber(&mut self) -> Renumbering {
        let old = std::mem::take(self);
        Renumbering {
            ids: vec![u32::MAX; old.len()],
            old,
        }
    }

    /// For each id of `other`, the id of the same string here.
    pub(super) fn absorb(&mut self, other: &Interner) -> Vec<u32> {
        other.names.iter().map(|n| self.intern(n)).collect()
    }
}

/// Old ids to new ones; see [`Interner::renumber`].
pub(super) struct Renumbering {
    old: Interner,
    ids: Vec<u32>,
}

impl Renumbering {
    /// The new id of old `id`, numbered in `into` at its first use.
    pub(super) fn id(&mut self, into: &mut Interner, id: u32) -> u32 {
        let new = &mut self.ids[id as usize];
        if *new == u32::MAX {
            *new = into.intern(self.old.name(id));
        }
        *new
    }
}
