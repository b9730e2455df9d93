//! The silent-failure test's tables and sentences: actions the operations log accepted with no
//! outcome record in their call ([`crate::aggregate::SilentReport`]).

use super::table::{Col, Table};
use super::{share, Report};
use crate::aggregate::{SilentRow, LATE_SECS, MAX_LISTED};
use crate::row;
use crate::time::rfc3339;

impl Report {
    /// silent.csv: each action accepted in the input, its outcomes and what has none.
    pub fn silent_table(&self) -> Table {
        let mut t = Table::new(&[
            ("action", Col::Text),
            ("outcomes_from", Col::Text),
            ("accepted", Col::Number),
            ("with_outcome", Col::Number),
            ("without_outcome", Col::Number),
            ("share", Col::Number),
            ("calls", Col::Number),
            ("late", Col::Number),
            ("untested", Col::Number),
            ("status", Col::Text),
        ]);
        for r in &self.silent.rows {
            t.push(row![
                r.action,
                r.outcomes_from,
                r.accepted,
                r.tested.then_some(r.with_outcome),
                r.tested.then_some(r.without_outcome),
                r.tested
                    .then(|| share(r.without_outcome, r.accepted - r.untested)),
                r.tested.then_some(r.calls),
                r.tested.then_some(r.late),
                r.untested,
                if r.tested { "tested" } else { "not tested" },
            ]);
        }
        t
    }

    /// silent_calls.csv: the earliest calls with an accepted action and no outcome for it, at
    /// most `n`, with the ids Microsoft support asks for.
    pub fn silent_calls_table(&self, n: usize) -> Table {
        let mut t = Table::new(&[
            ("correlation_id", Col::Text),
            ("call_connection_id", Col::Text),
            ("resource", Col::Text),
            ("last_accepted", Col::Text),
            ("without_outcome", Col::Text),
        ]);
        for c in self.silent.calls.iter().take(n) {
            t.push(row![
                c.correlation_id.as_str(),
                c.call_connection_id.as_str(),
                c.resource.as_str(),
                rfc3339(c.last_accepted),
                c.without_outcome.as_str(),
            ]);
        }
        t
    }

    /// What the silent-failure test says, in sentences: none when the run did not look, or the
    /// input accepted no action it tests.
    pub fn silent_lines(&self) -> Vec<String> {
        let s = &self.silent;
        if !s.kept || s.rows.is_empty() {
            return Vec::new();
        }
        let list = |rows: &mut dyn Iterator<Item = &SilentRow>,
                    f: &dyn Fn(&SilentRow) -> String| {
            rows.map(f).collect::<Vec<_>>().join(", ")
        };
        let mut lines = Vec::new();
        let tested = || s.rows.iter().filter(|r| r.tested);
        if tested().next().is_none() {
            let why = if s.rows.iter().all(|r| r.outcomes_from.is_empty()) {
                "No outcome records in the input (no media summary log, no callback events)"
            } else {
                "No outcome records in the input for these calls (no media summary record of their resource, no callback event of theirs)"
            };
            lines.push(format!(
                "{why}; not tested: {} accepted.",
                list(&mut s.rows.iter(), &|r| format!(
                    "{} {}",
                    r.action, r.accepted
                ))
            ));
            return lines;
        }
        if s.without_outcome() == 0 {
            lines.push(format!(
                "No silent failures: every accepted action tested has an outcome record in its call ({}).",
                list(&mut tested(), &|r| format!("{} {}", r.action, r.accepted - r.untested))
            ));
        } else {
            lines.push(format!(
                "Accepted with no outcome record in their call: {}.",
                list(
                    &mut tested().filter(|r| r.without_outcome > 0),
                    &|r| format!(
                        "{} {} of {} tested ({:.2}%) in {} call{} (outcomes looked for in {})",
                        r.action,
                        r.without_outcome,
                        r.accepted - r.untested,
                        share(r.without_outcome, r.accepted - r.untested) * 100.0,
                        r.calls,
                        if r.calls == 1 { "" } else { "s" },
                        r.outcomes_from
                    )
                ),
            ));
        }
        let untested: Vec<&SilentRow> = s.rows.iter().filter(|r| r.untested > 0).collect();
        if !untested.is_empty() {
            lines.push(format!(
                "Not tested, no log of their outcome in the input (no media summary record of their resource, no callback event of their call): {}.",
                list(&mut untested.into_iter(), &|r| format!("{} {} of {}", r.action, r.untested, r.accepted))
            ));
        }
        let late: u64 = s.rows.iter().map(|r| r.late).sum();
        if late > 0 {
            lines.push(format!(
                "{late} accepted in the input's last {} minutes without an outcome yet are not counted: it may be in the next export.",
                LATE_SECS / 60
            ));
        }
        if s.calls_total > MAX_LISTED as u64 {
            lines.push(format!(
                "silent_calls.csv lists the earliest {MAX_LISTED} of the {} calls.",
                s.calls_total
            ));
        }
        lines
    }
}
