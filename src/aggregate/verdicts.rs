//! The `--resource` verdict of each resource id met, so that the patterns are matched once per
//! resource, not once per record: records repeat a handful of resources, and a filter of
//! thousands of patterns would otherwise cost thousands of matches a record.

use std::collections::HashMap;
use std::sync::Mutex;

/// What the ids kept may hold at most, in bytes (each with [`ENTRY_BYTES`] more): past it the
/// verdicts are forgotten and made again as their ids come back.
const MAX_BYTES: usize = 4 << 20;

/// What a verdict costs besides its id's bytes.
const ENTRY_BYTES: usize = 48;

/// Resource id → whether its records are kept. A clone starts empty (each sink learns its
/// own); the verdicts are the same whoever makes them.
#[derive(Default)]
pub(super) struct Verdicts(Mutex<Cache>);

#[derive(Default)]
struct Cache {
    of: HashMap<Box<str>, bool>,
    bytes: usize,
}

impl Verdicts {
    /// The verdict on `id`: the one made before, or `decide()`'s, kept.
    pub(super) fn of(&self, id: &str, decide: impl FnOnce() -> bool) -> bool {
        let mut c = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&kept) = c.of.get(id) {
            return kept;
        }
        let kept = decide();
        let cost = id.len() + ENTRY_BYTES;
        if c.bytes + cost > MAX_BYTES {
            c.of.clear();
            c.bytes = 0;
        }
        c.bytes += cost;
        c.of.insert(id.into(), kept);
        kept
    }
}

impl Clone for Verdicts {
    fn clone(&self) -> Verdicts {
        Verdicts::default()
    }
}

impl std::fmt::Debug for Verdicts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |c| c.of.len());
        write!(f, "Verdicts({n})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_verdict_is_made_once_per_id_and_again_once_forgotten() {
        let v = Verdicts::default();
        let made = Cell::new(0);
        let decide = |kept: bool| {
            made.set(made.get() + 1);
            kept
        };
        assert!(v.of("a", || decide(true)));
        assert!(v.of("a", || decide(false)));
        assert!(!v.of("b", || decide(false)));
        assert!(!v.of("b", || decide(true)));
        assert_eq!(made.get(), 2);
        let long = "x".repeat(MAX_BYTES);
        assert!(v.of(&long, || decide(true)));
        assert!(!v.of("a", || decide(false)), "forgotten, made again");
        assert_eq!(made.get(), 4);
        assert!(!v.clone().of("b", || decide(false)));
        assert_eq!(made.get(), 5);
    }
}
