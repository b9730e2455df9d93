//! The SIP / Q.850 diagnostics table: rows of (code, subcode, SIP, Q.850) kept within
//! [`MAX_DIAGNOSTICS`] by rank, the same whatever the threads, and the records of the others
//! counted per key; merged and summed like the cells.

use foldhash::HashMap;

use super::texts::{cut, rank_of};
use super::{calls, mostly_dropped, remap, Aggregator, Calls, Interner};
use crate::normalize::Record;

/// A SIP / Q.850 diagnostic row: (code, subcode, SIP code, SIP message, Q.850 code, Q.850
/// message), the messages interned in [`Aggregator::diagnostic_texts`].
pub type DiagKey = (u32, Option<u32>, Option<u32>, u32, Option<u32>, u32);

#[derive(Debug, Clone, Default)]
pub struct DiagStats {
    pub count: u64,
    pub calls: Calls,
}

/// Distinct diagnostic rows a run keeps, those of lowest rank (`texts::Budgeted`: the same
/// whatever the threads); the records of the others are counted under [`OTHER_DIAGNOSTICS`]
/// of their (code, subcode), so hostile messages cannot exhaust memory.
pub const MAX_DIAGNOSTICS: usize = 10_000;

/// The SIP message of the row that counts the diagnostics past [`MAX_DIAGNOSTICS`].
pub const OTHER_DIAGNOSTICS: &str = "(other diagnostics)";

impl Aggregator {
    /// Counts the SIP / Q.850 diagnostic of a record that has one.
    pub(super) fn diagnostic(&mut self, rec: &Record<'_>) {
        let (sip, q850) = (cut(&rec.sip.message), cut(&rec.q850.message));
        let (code, sub, sc, qc) = (rec.code, rec.subcode, rec.sip.code, rec.q850.code);
        let texts = &self.diagnostic_texts;
        let known = texts
            .get(&sip)
            .zip(texts.get(&q850))
            .map(|(sm, qm)| (code, sub, sc, sm, qc, qm))
            .filter(|k| self.diagnostic_rows.contains_key(k));
        let row = known.or_else(|| {
            let r = rank_of((code, sub, sc, &*sip, qc, &*q850));
            if !self.diagnostic_rows.admits(r) {
                return None;
            }
            let texts = &mut self.diagnostic_texts;
            let k = (code, sub, sc, texts.intern(&sip), qc, texts.intern(&q850));
            let dropped = self.diagnostic_rows.keep(r, k, DiagStats::default());
            self.drop_diagnostics(dropped);
            Some(k)
        });
        let call = rec.call_id().map(|c| self.calls.intern(c));
        let d = match row.and_then(|k| self.diagnostic_rows.get_mut(&k)) {
            Some(d) => d,
            None => self.other_diagnostics.entry((code, sub)).or_default(),
        };
        d.count += 1;
        if let Some(c) = call {
            d.calls.insert(c);
        }
        self.compact_diagnostic_texts();
    }

    /// Adds another worker's diagnostic rows (texts numbered by `texts`, calls by `calls`),
    /// past whose budget no row of rank `bar` or higher was kept.
    fn merge_diagnostics(
        &mut self,
        texts: Interner,
        rows: HashMap<DiagKey, DiagStats>,
        bar: Option<u64>,
        calls: &[u32],
    ) {
        let ids = self.diagnostic_texts.absorb(&texts);
        if let Some(bar) = bar {
            let dropped = self.diagnostic_rows.lower(bar);
            self.drop_diagnostics(dropped);
        }
        for ((code, sub, sc, sm, qc, qm), d) in rows {
            let k = (code, sub, sc, ids[sm as usize], qc, ids[qm as usize]);
            let stats = DiagStats {
                count: d.count,
                calls: remap(&d.calls, calls).collect(),
            };
            if let Some(t) = self.diagnostic_rows.get_mut(&k) {
                t.count += stats.count;
                t.calls |= stats.calls;
                continue;
            }
            let name = |id: u32| self.diagnostic_texts.name(id);
            let r = rank_of((code, sub, sc, name(k.3), qc, name(k.5)));
            if self.diagnostic_rows.admits(r) {
                let dropped = self.diagnostic_rows.keep(r, k, stats);
                self.drop_diagnostics(dropped);
            } else {
                self.drop_diagnostics([(k, stats)]);
            }
        }
    }

    /// Counts the records of `rows` under [`OTHER_DIAGNOSTICS`] of their (code, subcode).
    fn drop_diagnostics(&mut self, rows: impl IntoIterator<Item = (DiagKey, DiagStats)>) {
        for (k, d) in rows {
            let o = self.other_diagnostics.entry((k.0, k.1)).or_default();
            o.count += d.count;
            o.calls |= d.calls;
        }
    }

    /// Numbers the diagnostic texts afresh when most of them are of rows dropped.
    fn compact_diagnostic_texts(&mut self) {
        if !mostly_dropped(self.diagnostic_texts.len(), self.diagnostic_rows.len()) {
            return;
        }
        let mut ids = self.diagnostic_texts.renumber();
        let texts = &mut self.diagnostic_texts;
        self.diagnostic_rows
            .rekey(|(c, s, sc, sm, qc, qm)| (c, s, sc, ids.id(texts, sm), qc, ids.id(texts, qm)));
    }

    /// Adds the other sink's diagnostic rows, and the records of those it did not keep, its
    /// calls through `calls` (ours for its).
    pub(super) fn absorb_diagnostics(
        &mut self,
        o: &mut Aggregator,
        calls: &[u32],
        room: &mut calls::Unordered,
    ) {
        let bar = o.diagnostic_rows.bar();
        let rows = o.diagnostic_rows.take();
        let texts = std::mem::take(&mut o.diagnostic_texts);
        self.merge_diagnostics(texts, rows, bar, calls);
        for (key, d) in std::mem::take(&mut o.other_diagnostics) {
            let t = self.other_diagnostics.entry(key).or_default();
            t.count += d.count;
            t.calls.extend_unordered(remap(&d.calls, calls), room);
        }
        self.compact_diagnostic_texts();
    }

    /// Fills `diagnostics` with the rows kept, and a row of [`OTHER_DIAGNOSTICS`] per key for
    /// the records of the others.
    pub(super) fn sum_diagnostics(&mut self) {
        self.diagnostics.extend(self.diagnostic_rows.take());
        if !self.other_diagnostics.is_empty() {
            let other = self.diagnostic_texts.intern(OTHER_DIAGNOSTICS);
            let none = self.diagnostic_texts.intern("");
            for ((code, sub), d) in std::mem::take(&mut self.other_diagnostics) {
                let key = (code, sub, None, other, None, none);
                let t = self.diagnostics.entry(key).or_default();
                t.count += d.count;
                t.calls |= d.calls;
            }
        }
    }
}
