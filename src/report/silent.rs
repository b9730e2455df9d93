//! The silent-failure test's tables and sentences: actions the operations log accepted with no
//! outcome record in their call ([`crate::aggregate::SilentReport`]).

use super::table::{Col, Table};
use super::{share, Report, NOT_NAMED};
use crate::aggregate::{SilentRow, LATE_SECS, MAX_LISTED};
use crate::row;
use crate::time::rfc3339;

impl Report {
    /// silent.csv: each action accepted in the input, its outcomes and what has none.
    pub fn silent_table(&self) -> Table {
        silent_rows(&self.silent.rows)
    }

    /// silent.csv's rows of each resource of the calls (as silent_calls.csv names it) with
    /// actions without an outcome, the most first: none when fewer than two have some.
    pub fn silent_by_resource(&self) -> Vec<(&str, Table)> {
        let split = &self.silent.by_resource;
        (split.iter())
            .filter(|_| split.len() >= 2)
            .map(|(res, rows)| (res.as_str(), silent_rows(rows)))
            .collect()
    }

    /// The earliest calls with an accepted action and no outcome for it that summary.md and
    /// report.html show, at most `n`.
    pub fn silent_calls_table(&self, n: usize) -> Table {
        self.silent_calls(n, false)
    }

    /// silent_calls.csv (and report.json's calls): every call listed, with the ids Microsoft
    /// support asks for, the ServerCallId too.
    pub fn silent_calls_file(&self) -> Table {
        self.silent_calls(usize::MAX, true)
    }

    /// The calls listed, at most `n`; with their ServerCallId when `server` (a token of about
    /// 150 characters, which would make the reports' table too wide to read).
    fn silent_calls(&self, n: usize, server: bool) -> Table {
        let mut cols = vec![
            ("correlation_id", Col::Text),
            ("call_connection_id", Col::Text),
        ];
        if server {
            cols.push(("server_call_id", Col::Text));
        }
        cols.extend([
            ("resource", Col::Text),
            ("last_accepted", Col::Text),
            ("without_outcome", Col::Text),
        ]);
        let mut t = Table::new(&cols);
        for c in self.silent.calls.iter().take(n) {
            let mut cells = row![c.correlation_id.as_str(), c.call_connection_id.as_str()];
            if server {
                cells.extend(row![c.server_call_id.as_str()]);
            }
            cells.extend(row![
                c.resource.as_str(),
                rfc3339(c.last_accepted),
                c.without_outcome.as_str(),
            ]);
            t.push(cells);
        }
        t
    }

    /// The actions tested that have some without an outcome, each with its share of those
    /// tested and its calls (`Play 80 of 460 tested (17.39%) in 80 calls (outcomes looked for
    /// in media summary)`); none when every one has its outcome.
    fn silent_actions(&self) -> Option<String> {
        without_outcome(&self.silent.rows, true)
    }

    /// The line `report` ends a run with, on stderr with or without `--quiet`, when accepted
    /// actions had no outcome: cron's mail holds it, though the night does not page.
    /// `calls_file`: whether silent_calls.csv was written.
    pub fn silent_said(&self, calls_file: bool) -> Option<String> {
        let actions = self.silent_actions().filter(|_| self.silent.kept)?;
        let see = if calls_file {
            "; see silent_calls.csv"
        } else {
            ""
        };
        Some(format!(
            "SILENT (not paged): accepted with no outcome record in their call: {actions}{see}"
        ))
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
        match self.silent_actions() {
            None => lines.push(format!(
                "No silent failures: every accepted action tested has an outcome record in its call ({}).",
                list(&mut tested(), &|r| format!("{} {}", r.action, r.accepted - r.untested - r.late))
            )),
            Some(actions) => lines.push(format!(
                "Accepted with no outcome record in their call: {actions}."
            )),
        }
        // Where they are, when on two resources or more.
        if s.by_resource.len() >= 2 {
            let split: Vec<String> = (s.by_resource.iter())
                .filter_map(|(res, rows)| {
                    let name = if res.is_empty() { NOT_NAMED } else { res };
                    without_outcome(rows, false).map(|a| format!("{name}: {a}"))
                })
                .collect();
            lines.push(format!("By resource of the call: {}.", split.join("; ")));
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

/// silent.csv's table of `rows`.
fn silent_rows(rows: &[SilentRow]) -> Table {
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
    for r in rows {
        t.push(row![
            r.action,
            r.outcomes_from,
            r.accepted,
            r.tested.then_some(r.with_outcome),
            r.tested.then_some(r.without_outcome),
            r.tested
                .then(|| share(r.without_outcome, r.accepted - r.untested - r.late)),
            r.tested.then_some(r.calls),
            r.tested.then_some(r.late),
            r.untested,
            if r.tested { "tested" } else { "not tested" },
        ]);
    }
    t
}

/// The actions of `rows` tested that have some without an outcome, each with its share of
/// those tested and its calls, and when `from` the logs its outcomes were looked for in; none
/// when every one has its outcome.
fn without_outcome(rows: &[SilentRow], from: bool) -> Option<String> {
    let actions: Vec<String> = (rows.iter())
        .filter(|r| r.tested && r.without_outcome > 0)
        .map(|r| {
            let from = match from {
                true => format!(" (outcomes looked for in {})", r.outcomes_from),
                false => String::new(),
            };
            format!(
                "{} {} of {} tested ({:.2}%) in {} call{}{from}",
                r.action,
                r.without_outcome,
                r.accepted - r.untested - r.late,
                share(r.without_outcome, r.accepted - r.untested - r.late) * 100.0,
                r.calls,
                if r.calls == 1 { "" } else { "s" },
            )
        })
        .collect();
    (!actions.is_empty()).then(|| actions.join(", "))
}

#[cfg(test)]
mod tests {
    use crate::aggregate::SilentRow;
    use crate::report::fixture;

    /// A Play row of `without` of 100 accepted, as many calls.
    fn play(without: u64) -> SilentRow {
        SilentRow {
            action: "Play",
            outcomes_from: "media summary",
            tested: true,
            accepted: 100,
            with_outcome: 100 - without,
            without_outcome: without,
            calls: without,
            ..SilentRow::default()
        }
    }

    /// The split by resource is said when two resources or more have actions without an
    /// outcome, and not for one.
    #[test]
    fn the_split_by_resource_is_said_for_two_resources_or_more() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.silent.kept = true;
        r.silent.rows = vec![play(25)];
        r.silent.by_resource = vec![
            ("acs-prod".into(), vec![play(20)]),
            (String::new(), vec![play(5)]),
        ];
        let lines = r.silent_lines();
        assert_eq!(
            lines[1],
            "By resource of the call: acs-prod: Play 20 of 100 tested (20.00%) in 20 calls; (not named): Play 5 of 100 tested (5.00%) in 5 calls."
        );
        let split: Vec<(&str, usize)> = (r.silent_by_resource().into_iter())
            .map(|(res, t)| (res, t.rows.len()))
            .collect();
        assert_eq!(split, [("acs-prod", 1), ("", 1)]);
        r.silent.by_resource.pop();
        assert!(!r
            .silent_lines()
            .iter()
            .any(|l| l.starts_with("By resource")));
        assert!(r.silent_by_resource().is_empty());
    }

    /// Actions accepted in the input's last minutes without an outcome yet are neither
    /// counted nor in the share's whole.
    #[test]
    fn late_actions_are_not_in_the_share_s_whole() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.silent.kept = true;
        r.silent.rows = vec![SilentRow {
            with_outcome: 97,
            without_outcome: 1,
            calls: 1,
            late: 2,
            ..play(0)
        }];
        assert_eq!(
            r.silent_lines()[0],
            "Accepted with no outcome record in their call: Play 1 of 98 tested (1.02%) in 1 call (outcomes looked for in media summary)."
        );
        assert_eq!(r.silent_table().text_rows()[0][5], "0.0102");
        r.silent.rows[0] = SilentRow {
            with_outcome: 98,
            late: 2,
            ..play(0)
        };
        assert_eq!(
            r.silent_lines()[0],
            "No silent failures: every accepted action tested has an outcome record in its call (Play 98)."
        );
    }
}
