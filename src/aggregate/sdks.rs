//! The SDK table: (SDK type, version) pairs with each key's records, kept within [`MAX_SDKS`]
//! by rank, the records of the others under [`OTHER`] versions of their type or an [`OTHER`]
//! type; merged and summed like the cells.

use foldhash::HashMap;

use super::texts::{cut, rank_of};
use super::{mostly_dropped, Aggregator, Key};
use crate::normalize::Record;

/// One (SDK type, SDK version), both interned, with one key.
pub type SdkKey = (u32, u32, Key);

/// Distinct (SDK type, version) pairs a run keeps, those of lowest rank (`texts::Budgeted`);
/// the records of the others count under [`OTHER`] versions of their type, or of an [`OTHER`]
/// type past [`MAX_OTHER_SDK_TYPES`].
pub const MAX_SDKS: usize = 1_000;

/// Distinct SDK types whose pairs past [`MAX_SDKS`] count in rows of their own, those of
/// lowest rank; the records of the others count under an [`OTHER`] type. Real logs name a
/// handful of types.
pub const MAX_OTHER_SDK_TYPES: usize = 100;

/// The name of what is past a budget of distinct names.
pub const OTHER: &str = "(other)";

impl Aggregator {
    /// Counts the SDK of an operations record that names one.
    pub(super) fn sdk(&mut self, rec: &Record<'_>) {
        let (ty, version) = (cut(&rec.sdk_type), cut(&rec.sdk_version));
        let key = (rec.code, rec.subcode);
        let texts = &self.sdk_texts;
        let known = texts.get(&ty).zip(texts.get(&version));
        if let Some(keys) = known.and_then(|p| self.sdks.get_mut(&p)) {
            *keys.entry(key).or_default() += 1;
            return;
        }
        let r = rank_of((&*ty, &*version));
        let ty = self.sdk_texts.intern(&ty);
        if self.sdks.admits(r) {
            let pair = (ty, self.sdk_texts.intern(&version));
            let dropped = self.sdks.keep(r, pair, HashMap::from_iter([(key, 1)]));
            self.drop_sdks(dropped);
        } else {
            self.other_sdk(ty, [(key, 1)]);
        }
        self.compact_sdk_texts();
    }

    /// Counts the records of `pairs` under [`OTHER`] versions of their type (see
    /// [`Aggregator::other_sdk`]).
    fn drop_sdks(&mut self, pairs: Vec<((u32, u32), HashMap<Key, u64>)>) {
        for ((ty, _), keys) in pairs {
            self.other_sdk(ty, keys);
        }
    }

    /// Counts records of a pair not kept under the [`OTHER`] version of its type `ty`, or
    /// under the [`OTHER`] type once types of lower rank fill [`MAX_OTHER_SDK_TYPES`].
    fn other_sdk(&mut self, ty: u32, keys: impl IntoIterator<Item = (Key, u64)>) {
        // A type named as the others is counted with them, as it is shown, and takes no place.
        if !self.other_sdks.contains_key(&ty) && self.sdk_texts.name(ty) != OTHER {
            let r = rank_of(self.sdk_texts.name(ty));
            if self.other_sdks.admits(r) {
                let dropped = self.other_sdks.keep(r, ty, HashMap::default());
                self.drop_sdk_types(dropped);
            }
        }
        let counts = match self.other_sdks.get_mut(&ty) {
            Some(counts) => counts,
            None => &mut self.other_sdk_type,
        };
        for (key, n) in keys {
            *counts.entry(key).or_default() += n;
        }
    }

    /// Counts the records of the types dropped from `other_sdks` under the [`OTHER`] type.
    fn drop_sdk_types(&mut self, types: Vec<(u32, HashMap<Key, u64>)>) {
        for (key, n) in types.into_iter().flat_map(|(_, keys)| keys) {
            *self.other_sdk_type.entry(key).or_default() += n;
        }
    }

    /// Numbers the SDK texts afresh when most of them are of pairs dropped.
    fn compact_sdk_texts(&mut self) {
        if !mostly_dropped(
            self.sdk_texts.len(),
            self.sdks.len() + self.other_sdks.len(),
        ) {
            return;
        }
        let mut ids = self.sdk_texts.renumber();
        let texts = &mut self.sdk_texts;
        self.sdks
            .rekey(|(t, v)| (ids.id(texts, t), ids.id(texts, v)));
        self.other_sdks.rekey(|t| ids.id(texts, t));
    }

    /// Adds the other sink's SDK pairs, within the budgets past which neither kept a pair of
    /// rank as high, and the records of those it did not keep.
    pub(super) fn absorb_sdks(&mut self, o: &mut Aggregator) {
        let sdks = self.sdk_texts.absorb(&o.sdk_texts);
        if let Some(bar) = o.sdks.bar() {
            let dropped = self.sdks.lower(bar);
            self.drop_sdks(dropped);
        }
        if let Some(bar) = o.other_sdks.bar() {
            let dropped = self.other_sdks.lower(bar);
            self.drop_sdk_types(dropped);
        }
        for ((ty, version), keys) in o.sdks.take() {
            let pair = (sdks[ty as usize], sdks[version as usize]);
            if let Some(mine) = self.sdks.get_mut(&pair) {
                for (key, n) in keys {
                    *mine.entry(key).or_default() += n;
                }
                continue;
            }
            let name = |id: u32| self.sdk_texts.name(id);
            let r = rank_of((name(pair.0), name(pair.1)));
            if self.sdks.admits(r) {
                let dropped = self.sdks.keep(r, pair, keys);
                self.drop_sdks(dropped);
            } else {
                self.other_sdk(pair.0, keys);
            }
        }
        for (ty, keys) in o.other_sdks.take() {
            self.other_sdk(sdks[ty as usize], keys);
        }
        for (key, n) in std::mem::take(&mut o.other_sdk_type) {
            *self.other_sdk_type.entry(key).or_default() += n;
        }
        self.compact_sdk_texts();
    }

    /// Fills `by_sdk` with the pairs kept, and rows of [`OTHER`] versions (or an [`OTHER`]
    /// type) for the records of the others.
    pub(super) fn sum_sdks(&mut self) {
        for ((ty, version), keys) in self.sdks.take() {
            for (key, n) in keys {
                *self.by_sdk.entry((ty, version, key)).or_default() += n;
            }
        }
        let others = self.other_sdks.take();
        if !others.is_empty() || !self.other_sdk_type.is_empty() {
            let other = self.sdk_texts.intern(OTHER);
            let of_other = std::mem::take(&mut self.other_sdk_type);
            for (ty, keys) in others.into_iter().chain([(other, of_other)]) {
                for (key, n) in keys {
                    *self.by_sdk.entry((ty, other, key)).or_default() += n;
                }
            }
        }
    }
}
