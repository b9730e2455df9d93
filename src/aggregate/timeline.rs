//! The timeline: (bucket start in seconds since the epoch, key) → records, non-zero buckets
//! only, in order.

use super::Key;

/// A bucket of the timeline: its start, and a key.
pub type Bucket = (i64, Key);

/// A bucket and its count.
type Entry = (Bucket, u64);

/// The timeline as a sorted list, 32 bytes a bucket: as a `BTreeMap` the 600,000 buckets of
/// 200,000 made-up keys take 29 MB, beside every table the report is made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline(Vec<Entry>);

/// [`Timeline::iter`]'s iterator.
pub type Iter<'a> = std::iter::Map<std::slice::Iter<'a, Entry>, fn(&Entry) -> (&Bucket, &u64)>;

impl Timeline {
    /// Buckets and their counts, in order.
    pub fn iter(&self) -> Iter<'_> {
        self.0.iter().map(|(b, n)| (b, n))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Bucket> + '_ {
        self.0.iter().map(|(b, _)| b)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &u64> + '_ {
        self.0.iter().map(|(_, n)| n)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The count of `bucket`, if it has records.
    pub fn get(&self, bucket: &Bucket) -> Option<&u64> {
        let at = self.0.binary_search_by_key(bucket, |(b, _)| *b).ok()?;
        Some(&self.0[at].1)
    }

    /// `list` in order, the counts of a bucket listed more than once added together.
    pub(super) fn of(mut list: Vec<Entry>) -> Timeline {
        list.sort_unstable_by_key(|(b, _)| *b);
        list.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        if list.len() < list.capacity() / 2 {
            list.shrink_to_fit();
        }
        Timeline(list)
    }
}

impl FromIterator<Entry> for Timeline {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> Timeline {
        Timeline::of(entries.into_iter().collect())
    }
}

impl IntoIterator for Timeline {
    type Item = Entry;
    type IntoIter = std::vec::IntoIter<Entry>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Timeline {
    type Item = (&'a Bucket, &'a u64);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_in_order_and_each_once() {
        let t: Timeline = [
            ((7200, (400, Some(1))), 2),
            ((0, (500, None)), 1),
            ((7200, (400, Some(1))), 3),
            ((7200, (400, None)), 4),
            ((0, (500, None)), 5),
        ]
        .into_iter()
        .collect();
        let want = [
            ((0, (500, None)), 6),
            ((7200, (400, None)), 4),
            ((7200, (400, Some(1))), 5),
        ];
        assert_eq!(t.clone().into_iter().collect::<Vec<_>>(), want);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get(&(7200, (400, Some(1)))), Some(&5));
        assert_eq!(t.get(&(3600, (400, Some(1)))), None);
        assert_eq!(t.keys().next_back(), Some(&(7200, (400, Some(1)))));
        assert_eq!(t.values().sum::<u64>(), 15);
        assert!(Timeline::default().is_empty());
    }
}
