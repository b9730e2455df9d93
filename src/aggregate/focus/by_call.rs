//! A table by a call's id: a canonical GUID keyed by the number it spells, in a list found
//! through a table of places ([`ByGuid`]), any other id by its boxed text.

use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use foldhash::HashMap;
use hashbrown::HashTable;

use super::super::call_ids::{guid, Words};
use super::ids::{CallId, Id};

/// A table by a call's id (its CorrelationId, or for `calls` its CallConnectionId when it has
/// none): a canonical GUID keyed by the number it spells ([`ByGuid`]), any other id by its
/// boxed text. With many calls, the keys' texts were a fifth of `triage`'s memory.
#[derive(Debug, Clone)]
pub struct ByCall<V> {
    pub(super) guids: ByGuid<V>,
    pub(super) texts: HashMap<Box<str>, V>,
}

/// Values by GUID in a list, in the order first met, found through a table of their places:
/// a place takes 5 bytes (a `u32` and the table's control byte), not the value's size, and
/// the list grows by halves. A hash table of the values themselves, past 7/8 full, doubles
/// into a new one, both held at once: 2 million calls take 4 million places of 136 bytes.
#[derive(Debug, Clone)]
pub(super) struct ByGuid<V> {
    pub(super) entries: Vec<(Words, V)>,
    pub(super) places: HashTable<u32>,
    hasher: RandomState,
}

impl<V> Default for ByGuid<V> {
    fn default() -> ByGuid<V> {
        ByGuid {
            entries: Vec::new(),
            places: HashTable::new(),
            hasher: RandomState::default(),
        }
    }
}

impl<V> ByGuid<V> {
    fn place(&self, key: Words) -> Option<usize> {
        let entries = &self.entries;
        (self.places)
            .find(self.hasher.hash_one(key), |&i| entries[i as usize].0 == key)
            .map(|&i| i as usize)
    }

    fn get(&self, key: Words) -> Option<&V> {
        self.place(key).map(|i| &self.entries[i].1)
    }

    /// The value of `key`, `new()` entered first if none.
    fn entry(&mut self, key: Words, new: impl FnOnce() -> V) -> &mut V {
        let i = match self.place(key) {
            Some(i) => i,
            None => self.push(key, new()),
        };
        &mut self.entries[i].1
    }

    /// Enters a key not in the table; its place.
    fn push(&mut self, key: Words, v: V) -> usize {
        let i = self.entries.len();
        if i == self.entries.capacity() {
            self.entries.reserve_exact((i / 2).max(16));
        }
        self.entries.push((key, v));
        let (entries, hasher) = (&self.entries, &self.hasher);
        let rehash = |&p: &u32| hasher.hash_one(entries[p as usize].0);
        (self.places).insert_unique(hasher.hash_one(key), i as u32, rehash);
        i
    }

    fn remove(&mut self, key: Words) -> Option<V> {
        let (entries, hasher) = (&self.entries, &self.hasher);
        let found =
            (self.places).find_entry(hasher.hash_one(key), |&i| entries[i as usize].0 == key);
        let i = found.ok()?.remove().0 as usize;
        let last = self.entries.len() - 1;
        let (_, v) = self.entries.swap_remove(i);
        if i != last {
            // The last entry moved to `i`: its place says so.
            let moved = self.entries[i].0;
            let place = (self.places)
                .find_mut(self.hasher.hash_one(moved), |&p| p as usize == last)
                .expect("every entry has a place");
            *place = i as u32;
        }
        Some(v)
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<V> Default for ByCall<V> {
    fn default() -> ByCall<V> {
        ByCall {
            guids: ByGuid::default(),
            texts: HashMap::default(),
        }
    }
}

impl<V> ByCall<V> {
    /// The value of call `id`, a default one entered first if none: a text key is copied
    /// only then, not for every record (as `entry` would).
    pub(super) fn entry(&mut self, id: &str) -> &mut V
    where
        V: Default,
    {
        if let Some(g) = guid(id) {
            return self.guids.entry(Words::from(g), V::default);
        }
        if !self.texts.contains_key(id) {
            self.texts.insert(id.into(), V::default());
        }
        self.texts.get_mut(id).expect("entered above")
    }

    /// The value of call `id`, whose GUID's number is `g` ([`guid`] of it); when it has none, a
    /// default one entered first if `enter()` says so, else none. The id is looked up once.
    pub(super) fn entry_if(
        &mut self,
        id: &str,
        g: Option<u128>,
        enter: impl FnOnce() -> bool,
    ) -> Option<&mut V>
    where
        V: Default,
    {
        if let Some(g) = g {
            let key = Words::from(g);
            let i = match self.guids.place(key) {
                Some(i) => i,
                None if enter() => self.guids.push(key, V::default()),
                None => return None,
            };
            return Some(&mut self.guids.entries[i].1);
        }
        if !self.texts.contains_key(id) {
            if !enter() {
                return None;
            }
            self.texts.insert(id.into(), V::default());
        }
        self.texts.get_mut(id)
    }

    pub fn get(&self, id: &str) -> Option<&V> {
        match guid(id) {
            Some(g) => self.guids.get(Words::from(g)),
            None => self.texts.get(id),
        }
    }

    /// The value of call `id` as a table holds it, a default one entered first if none.
    pub(super) fn entry_id(&mut self, id: &Id) -> &mut V
    where
        V: Default,
    {
        match id {
            Id::Guid(g) => self.guids.entry(*g, V::default),
            Id::Text(t) => {
                if !self.texts.contains_key(t) {
                    self.texts.insert(t.clone(), V::default());
                }
                self.texts.get_mut(t).expect("entered above")
            }
        }
    }

    pub(super) fn remove_id(&mut self, id: &Id) -> Option<V> {
        match id {
            Id::Guid(g) => self.guids.remove(*g),
            Id::Text(t) => self.texts.remove(t),
        }
    }

    pub(super) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        let guids = self.guids.entries.iter_mut().map(|(_, v)| v);
        guids.chain(self.texts.values_mut())
    }

    pub fn remove(&mut self, id: &str) -> Option<V> {
        match guid(id) {
            Some(g) => self.guids.remove(Words::from(g)),
            None => self.texts.remove(id),
        }
    }

    pub fn len(&self) -> usize {
        self.guids.len() + self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the calls of `o` here, `add` adding a call's value to the one here when both
    /// have it. The smaller table goes into the larger: the fewer entries moved, the less it
    /// grows.
    pub(super) fn absorb(&mut self, mut o: ByCall<V>, mut add: impl FnMut(&mut V, V)) {
        if o.guids.len() > self.guids.len() {
            std::mem::swap(&mut self.guids, &mut o.guids);
        }
        // An eighth of the other list at a time, from its end: room is made here for exactly
        // its calls new here, and the other list gives back theirs. Moved whole, both lists
        // were held at once, and this one, grown by halves, kept up to half of itself unused.
        let mut from = std::mem::take(&mut o.guids.entries);
        drop(std::mem::take(&mut o.guids.places));
        while !from.is_empty() {
            let part = from.len() - (from.len() / 8).max(4096).min(from.len());
            let new = from[part..]
                .iter()
                .filter(|(k, _)| self.guids.place(*k).is_none());
            self.guids.entries.reserve_exact(new.count());
            for (k, v) in from.drain(part..) {
                match self.guids.place(k) {
                    Some(i) => add(&mut self.guids.entries[i].1, v),
                    None => {
                        self.guids.push(k, v);
                    }
                }
            }
            from.shrink_to_fit();
        }
        let (to, mut from) = (&mut self.texts, std::mem::take(&mut o.texts));
        if from.len() > to.len() {
            std::mem::swap(to, &mut from);
        }
        for (k, v) in from {
            match to.entry(k) {
                Entry::Vacant(e) => {
                    e.insert(v);
                }
                Entry::Occupied(e) => add(e.into_mut(), v),
            }
        }
    }

    /// The calls whose values are `wanted`, without the values.
    pub fn keys_where(&self, wanted: impl Fn(&V) -> bool) -> ByCall<()> {
        let mut keys = ByCall::default();
        for (k, _) in self.guids.entries.iter().filter(|(_, v)| wanted(v)) {
            keys.guids.push(*k, ());
        }
        keys.texts = (self.texts.iter())
            .filter(|(_, v)| wanted(v))
            .map(|(k, _)| (k.clone(), ()))
            .collect();
        keys
    }

    /// The calls with their ids' texts.
    pub fn into_calls(self) -> impl Iterator<Item = (String, V)> {
        self.into_ids().map(|(id, v)| (id.into_string(), v))
    }

    /// The calls with their ids, each as its text compares ([`CallId::cmp`]); an id is made a
    /// text only when asked.
    pub fn into_ids(self) -> impl Iterator<Item = (CallId, V)> {
        let guids = (self.guids.entries.into_iter()).map(|(g, v)| (CallId(Id::Guid(g)), v));
        guids.chain(
            self.texts
                .into_iter()
                .map(|(t, v)| (CallId(Id::Text(t)), v)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::focus::tests::IDS;

    /// Calls taken out of the list of a table by GUID leave every other one where its place
    /// says, and tables merged keep each call once.
    #[test]
    fn a_table_by_guid_finds_every_call_after_removals_and_merges() {
        let id = |n: u32| format!("{n:08x}-0000-4000-8000-000000000000");
        let mut t: ByCall<u32> = ByCall::default();
        for n in 0..1000 {
            *t.entry(&id(n)) += n;
        }
        for n in (0..1000).step_by(3) {
            assert_eq!(t.remove(&id(n)), Some(n));
        }
        let mut o: ByCall<u32> = ByCall::default();
        for n in 500..1500 {
            *o.entry(&id(n)) += 1;
        }
        t.absorb(o, |a, b| *a += b);
        for n in 0..1500 {
            let mine = (n < 1000 && n % 3 != 0).then_some(n);
            let theirs = (n >= 500).then_some(1);
            let want = match (mine, theirs) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
            assert_eq!(t.get(&id(n)).copied(), want, "{n}");
        }
        assert_eq!(t.len(), 1500 - 167);
    }

    #[test]
    fn a_table_by_call_keeps_every_id_apart_and_gives_back_its_text() {
        let mut t: ByCall<u32> = ByCall::default();
        for (i, id) in IDS.iter().enumerate() {
            *t.entry(id) += i as u32 + 1;
            *t.entry(id) += 100;
        }
        assert_eq!(t.len(), IDS.len());
        assert_eq!(t.get(IDS[1]), Some(&102));
        assert_eq!(t.get(IDS[7]), Some(&108));
        assert_eq!(t.remove(IDS[8]), Some(109));
        assert_eq!(t.get(IDS[8]), None);
        let mut o: ByCall<u32> = ByCall::default();
        *o.entry(IDS[1]) += 1000;
        *o.entry("new") += 5;
        t.absorb(o, |a, b| *a += b);
        let mut calls: Vec<(String, u32)> = t.into_calls().collect();
        calls.sort();
        let mut want: Vec<(String, u32)> = IDS[..8]
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i as u32 + 101))
            .collect();
        want[1].1 += 1000;
        want.push(("new".into(), 5));
        want.sort();
        assert_eq!(calls, want);
    }
}
