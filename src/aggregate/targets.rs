//! The targets (`participant.rawId`) a key's callback records name on one UTC day: a few, each
//! counted exactly where it can be, so that a spike of one failure to one number names that
//! number (its carrier, not the application). Held beside the key's day ([`super::days`]), never
//! a table that grows with the input.

use std::borrow::Cow;

/// Distinct targets a key's day counts in one worker, the first met; those merged past them are
/// the fewest records' ([`Targets::absorb`]). A key's day whose records go mostly to one target
/// meets it among its first few; one whose first records name many others may not count it.
pub const TARGETS_PER_KEY_DAY: usize = 4;

/// A key's day's callback records by target: 8 bytes when none names one; then a list of at
/// most [`TARGETS_PER_KEY_DAY`] targets, 32 bytes each (a room of 4 from the first) and their
/// text (cut as messages are, [`super::texts::cut`]), and 32 bytes more: 160 and the texts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets(Option<Box<List>>);

#[derive(Debug, Clone, Default, PartialEq)]
struct List {
    /// Each target, its records counted, and whether that count is all of its records (none of
    /// them can be among `missed`).
    kept: Vec<(Box<str>, u64, bool)>,
    /// The records of targets not kept.
    missed: u64,
}

impl Targets {
    /// A callback record naming `target` (trimmed, not empty).
    pub fn add(&mut self, target: &str) {
        let target = super::texts::cut(target);
        let l = self.0.get_or_insert_default();
        let full = l.kept.len() >= TARGETS_PER_KEY_DAY;
        match l.kept.iter_mut().find(|k| *k.0 == *target) {
            Some(k) => k.1 += 1,
            // Met here first: this worker has all of its records (a list full once never
            // empties, so none of them was missed).
            None if !full => {
                let t = match target {
                    Cow::Borrowed(t) => Box::from(t),
                    Cow::Owned(t) => t.into_boxed_str(),
                };
                l.kept.push((t, 1, true));
            }
            None => l.missed += 1,
        }
    }

    /// Adds the targets another worker counted of the same key's day. A target one of the two
    /// did not keep has all of its records counted only when that one missed none; past
    /// [`TARGETS_PER_KEY_DAY`], those of the fewest records go to the missed.
    pub fn absorb(&mut self, o: Targets) {
        let Some(b) = o.0 else {
            return;
        };
        let Some(a) = self.0.as_mut() else {
            self.0 = Some(b);
            return;
        };
        let (a_missed, b_missed) = (a.missed, b.missed);
        for k in a.kept.iter_mut() {
            match b.kept.iter().find(|o| o.0 == k.0) {
                Some(o) => {
                    k.1 += o.1;
                    k.2 &= o.2;
                }
                None => k.2 &= b_missed == 0,
            }
        }
        for (t, n, sure) in b.kept {
            if !a.kept.iter().any(|k| k.0 == t) {
                a.kept.push((t, n, sure && a_missed == 0));
            }
        }
        a.missed += b_missed;
        if a.kept.len() > TARGETS_PER_KEY_DAY {
            a.kept
                .sort_unstable_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            for (_, n, _) in a.kept.drain(TARGETS_PER_KEY_DAY..) {
                a.missed += n;
            }
        }
    }

    /// The target more than half of `of` records name, with its records, when its count is
    /// all of them: never a wrong one, and none when it may not have been counted.
    pub fn lead(&self, of: u64) -> Option<(&str, u64)> {
        let l = self.0.as_deref()?;
        (l.kept.iter())
            .find(|k| k.2 && k.1 > of / 2)
            .map(|k| (&*k.0, k.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(targets: &[&str]) -> Targets {
        let mut t = Targets::default();
        for x in targets {
            t.add(x);
        }
        t
    }

    /// A target of more than half the records is named with its exact count; half is not more.
    #[test]
    fn a_target_of_more_than_half_the_records_is_named() {
        let t = of(&["4:+1", "4:+2", "4:+1", "4:+1"]);
        assert_eq!(t.lead(4), Some(("4:+1", 3)));
        assert_eq!(t.lead(6), None);
        assert_eq!(t.lead(5), Some(("4:+1", 3)));
        assert_eq!(Targets::default().lead(0), None);
    }

    /// Past the targets a worker keeps, the others' records are missed; a target one worker did
    /// not keep while it missed some is never named with a count that may be short.
    #[test]
    fn a_count_that_may_be_short_names_nothing() {
        let many = ["8:a", "8:b", "8:c", "8:d", "4:+9", "4:+9", "4:+9"];
        let a = of(&many);
        // 4:+9 came after four others: missed, not counted.
        assert_eq!(a.lead(7), None);
        let mut b = of(&["4:+9"; 10]);
        // Merged, 4:+9 has 10 of its 13 records counted: never named as 10 (nor as more than
        // half of 17 records when all are not known).
        b.absorb(a.clone());
        assert_eq!(b.lead(17), None);
        let mut c = a;
        c.absorb(of(&["4:+9"; 10]));
        assert_eq!(c.lead(17), None);
        // Two workers that missed none: exact, named.
        let mut d = of(&["4:+9", "8:a", "4:+9"]);
        d.absorb(of(&["4:+9", "4:+9", "8:b", "8:c", "8:d"]));
        assert_eq!(d.lead(7), Some(("4:+9", 4)), "{d:?}");
        assert_eq!(d.lead(8), None);
        // Over the kept, the fewest records' go: the lead stays, exact.
        d.absorb(of(&["4:+9", "8:e"]));
        assert_eq!(d.lead(9), Some(("4:+9", 5)));
        assert_eq!(d.0.as_ref().unwrap().kept.len(), TARGETS_PER_KEY_DAY);
    }

    /// What a key's day holds: 8 bytes when none of its records names a target, then a list of
    /// 32 bytes and a room of 4 targets of 32 bytes each, and their texts.
    #[test]
    fn a_key_s_day_holds_8_bytes_then_160_and_the_texts() {
        assert_eq!(std::mem::size_of::<Targets>(), 8);
        assert_eq!(std::mem::size_of::<List>(), 32);
        assert_eq!(std::mem::size_of::<(Box<str>, u64, bool)>(), 32);
        let t = of(&["4:+1"]);
        assert_eq!(t.0.as_ref().unwrap().kept.capacity(), TARGETS_PER_KEY_DAY);
    }

    /// Targets longer than a message's cut are counted as one.
    #[test]
    fn a_long_target_is_one_target() {
        let long = "8:acs:".to_string() + &"a".repeat(5000);
        let t = of(&[&long, &long, &long]);
        let (name, n) = t.lead(3).expect("named");
        assert_eq!(n, 3);
        assert!(name.len() <= super::super::texts::TEXT_BYTES);
    }
}
