//! The focused callback records counted by a text they name (the target participant, the
//! operation context), within [`MAX_NAMED`] texts.

use foldhash::HashMap;

/// Distinct targets, and operation contexts, a worker counts by their text: past them, which
/// are kept depends on the threads, and the records of the others are counted together.
pub const MAX_NAMED: usize = 4_096;

/// The focused callback records by a text they name (the target participant, the operation
/// context): at most [`MAX_NAMED`] texts, each cut as messages are
/// ([`cut`](super::super::texts::cut)), the records of more counted together (`others`), and those
/// that name none apart (`none`).
#[derive(Debug, Clone, Default)]
pub struct ByText {
    pub counts: HashMap<Box<str>, u64>,
    pub others: u64,
    pub none: u64,
}

impl ByText {
    pub(super) fn add(&mut self, text: &str, n: u64) {
        // Texts equal up to the cut count as one.
        let text = super::super::texts::cut(crate::record::trim(text));
        if text.is_empty() {
            self.none += n;
        } else if let Some(c) = self.counts.get_mut(&*text) {
            *c += n;
        } else if self.counts.len() < MAX_NAMED {
            self.counts.insert(text.into(), n);
        } else {
            self.others += n;
        }
    }

    pub(super) fn absorb(&mut self, o: ByText) {
        for (t, n) in o.counts {
            self.add(&t, n);
        }
        self.others += o.others;
        self.none += o.none;
    }

    /// The records it counted.
    pub fn total(&self) -> u64 {
        self.counts.values().sum::<u64>() + self.others + self.none
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Targets past the texts a worker counts are counted together, as are those merged past
    /// them; those that name none apart; and a target that counts is never lost to them.
    #[test]
    fn targets_past_those_counted_are_counted_together() {
        let mut a = ByText::default();
        a.add("4:+14255550199", 3);
        for i in 0..MAX_NAMED + 10 {
            a.add(&format!("8:acs:{i}"), 1);
        }
        a.add("4:+14255550199", 2);
        a.add(" ", 4);
        assert_eq!(a.counts.len(), MAX_NAMED);
        assert_eq!(a.counts["4:+14255550199"], 5);
        assert_eq!((a.others, a.none), (11, 4));
        let mut b = ByText::default();
        b.add("4:+14255550199", 7);
        b.add("8:acs:new", 1);
        b.add("", 1);
        a.absorb(b);
        assert_eq!(a.counts["4:+14255550199"], 12);
        assert_eq!((a.counts.len(), a.others, a.none), (MAX_NAMED, 12, 5));
        assert_eq!(a.total(), (MAX_NAMED + 10) as u64 + 12 + 1 + 5);
        // A hostile text of megabytes is held cut, and counted with those equal up to the cut.
        let mut c = ByText::default();
        c.add(&"9".repeat(1 << 20), 1);
        c.add(&"9".repeat(1 << 19), 2);
        assert_eq!(c.counts.len(), 1);
        assert!(c
            .counts
            .iter()
            .all(|(k, n)| k.len() <= crate::aggregate::texts::TEXT_BYTES && *n == 3));
    }
}
