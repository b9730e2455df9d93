//! The tables of a report, as every format writes them: each a projection of the typed
//! [`Report`]. Column names and order here are the contract of the CSV files.

use super::table::{Cell, Col, Table};
use super::{share, DiagnosticRow, Report};
use crate::catalogue::{key_label, Catalogue, Category, Outcome};
use crate::ingest::FileReport;
use crate::record::{Reason, Reject};
use crate::row;
use crate::text::{mask_excerpt, mask_numbers, mask_quoted};
use crate::time::{bucket_start, day_text, rfc3339};

/// The `reason` cell of rejects.csv: the stable label, then the detail.
/// A reject's reason, with its detail's phone numbers masked ([`mask_numbers`]): the detail
/// may quote a value of the record. The detail of a code, a subcode or a time that could not be
/// read is that value, which reading may have stripped of its `+`: a run of 7 digits or more in
/// it shows its last 4 ([`mask_quoted`]); the details of other reasons say where and how large
/// (`at line 1 column 104857612`), which stay readable.
pub fn reason_text(r: &Reject) -> String {
    let mask = match r.reason {
        Reason::CodeNotInteger | Reason::SubcodeNotInteger | Reason::NoTime => mask_quoted,
        _ => mask_numbers,
    };
    if r.detail().is_empty() {
        r.reason.label().to_string()
    } else {
        format!("{}: {}", r.reason.label(), mask(r.detail()))
    }
}

/// A reject's excerpt as the reports show it: the start of a raw record, with its phone numbers
/// masked as every other text of a report is ([`mask_numbers`]; `report` has no
/// `--full-numbers`; a number the excerpt's cut runs into shows no digit, [`mask_excerpt`]).
/// The file and line say where the record is whole.
pub fn excerpt_text(r: &Reject) -> String {
    mask_excerpt(r.excerpt())
}

/// One of a report's tables, made from it.
pub type TableOf = fn(&Report) -> Table;

/// A report's table made a part at a time.
pub type Parts<'a> = Box<dyn Iterator<Item = Table> + 'a>;

/// One of a report's tables of a row per key, operation, bucket or reject, made from it in
/// parts of at most so many rows ([`Parts`]).
pub type PartsOf = for<'a> fn(&'a Report, usize) -> Parts<'a>;

/// How a table is made: whole, or, when its rows grow with the input's keys, in parts.
#[derive(Clone, Copy)]
pub enum Maker {
    Whole(TableOf),
    InParts(PartsOf),
}

impl Maker {
    /// The table in parts of at most `rows` rows, at least one (a whole table is one part).
    pub fn parts(self, r: &Report, rows: usize) -> Parts<'_> {
        match self {
            Maker::Whole(make) => Box::new(std::iter::once(make(r))),
            Maker::InParts(make) => make(r, rows),
        }
    }

    /// The whole table.
    pub fn whole(self, r: &Report) -> Table {
        match self {
            Maker::Whole(make) => make(r),
            Maker::InParts(make) => make(r, usize::MAX).next().expect("one part at least"),
        }
    }
}

/// `items` made into tables of `columns`, a row each, at most `rows` rows to a table (one at
/// least); at least one table, empty when there are no items.
pub fn in_parts<'a, T: 'a>(
    columns: &'static [(&'static str, Col)],
    items: impl Iterator<Item = T> + 'a,
    rows: usize,
    row: impl Fn(T) -> Vec<Cell> + 'a,
) -> Parts<'a> {
    let (mut items, rows) = (items.peekable(), rows.max(1));
    let mut first = true;
    Box::new(std::iter::from_fn(move || {
        if !first && items.peek().is_none() {
            return None;
        }
        first = false;
        let mut t = Table::new(columns);
        t.rows = items.by_ref().take(rows).map(&row).collect();
        Some(t)
    }))
}

impl Report {
    /// by_code.csv.
    #[cfg(test)]
    pub fn by_code(&self) -> Table {
        Maker::InParts(Report::by_code_parts).whole(self)
    }

    /// by_code.csv in parts of at most `rows` rows: a report of keys by the hundred
    /// thousand copies them into cells a part at a time.
    pub fn by_code_parts(&self, rows: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("code", Col::Number),
            ("subcode", Col::Number),
            ("category", Col::Text),
            ("outcome", Col::Text),
            ("match", Col::Text),
            ("source", Col::Text),
            ("callback_event", Col::Text),
            ("description", Col::Catalogue),
            ("mitigation", Col::Catalogue),
            ("count", Col::Number),
            ("share", Col::Number),
            ("calls", Col::Number),
            ("first_seen", Col::Text),
            ("last_seen", Col::Text),
        ];
        in_parts(COLUMNS, self.codes.iter(), rows, |c| {
            row![
                c.code,
                c.subcode,
                c.category.as_str(),
                c.outcome.as_str(),
                c.matched.as_str(),
                &*c.source,
                &*c.callback_event,
                &*c.description,
                &*c.mitigation,
                c.count,
                share(c.count, self.accepted),
                c.calls,
                c.first.map(rfc3339),
                c.last.map(rfc3339),
            ]
        })
    }

    /// by_category.csv: all five, in order.
    pub fn by_category(&self) -> Table {
        let rows = (self.categories.iter()).map(|c| (c.category.as_str(), c.count, c.calls));
        self.class_table("category", rows)
    }

    /// by_outcome.csv: all three classes, in order.
    pub fn by_outcome(&self) -> Table {
        let rows = (self.outcomes.iter()).map(|o| (o.outcome.as_str(), o.count, o.calls));
        self.class_table("outcome", rows)
    }

    /// A table of a row per class (its name in the column `class`): its records, their share
    /// of the accepted records, and its calls.
    fn class_table(
        &self,
        class: &'static str,
        rows: impl Iterator<Item = (&'static str, u64, u64)>,
    ) -> Table {
        let columns = [
            (class, Col::Text),
            ("count", Col::Number),
            ("share", Col::Number),
            ("calls", Col::Number),
        ];
        Table::of(&columns, rows, |(name, count, calls)| {
            row![name, count, share(count, self.accepted), calls]
        })
    }

    /// The input files the pages name, at most `n` of them, in the order read ([`Report::
    /// inputs_of`]'s rows): those with rejected records or a warning of their own first (what a
    /// reader looks for), then the others as room is left; and how many are left out. A month
    /// of hourly blobs is 50,000 files, which had made a page of 7 MB.
    pub fn inputs_said(&self, n: usize) -> (Table, usize) {
        let noted = |f: &FileReport| f.rejected > 0 || f.warned || f.order_guessed;
        let mut others = n.saturating_sub(self.inputs.iter().filter(|f| noted(f)).count());
        let mut room = n;
        let said = (self.inputs.iter()).filter(|f| {
            let take = room > 0 && (noted(f) || others > 0);
            if take {
                room -= 1;
                others -= usize::from(!noted(f));
            }
            take
        });
        let t = self.inputs_of(said);
        let more = self.inputs.len() - t.rows.len();
        (t, more)
    }

    /// The line under the input files the pages name when `more` are left out.
    pub fn inputs_cut(&self, more: usize) -> Option<String> {
        let all = match self.json_not_written {
            false => "all are in report.json",
            true => "report.json, which --format json writes, lists them all",
        };
        (more > 0).then(|| {
            format!(
                "{} of {} input files are named here, those with rejected records or warnings first; {more} more are not; {all}.",
                self.inputs.len() - more,
                self.inputs.len()
            )
        })
    }

    /// The input files `files`, with what each gave; a column of the records outside
    /// `--since`/`--until` when there are any.
    fn inputs_of<'a>(&self, files: impl Iterator<Item = &'a FileReport>) -> Table {
        let mut columns = vec![
            ("file", Col::Text),
            ("shape", Col::Text),
            ("accepted", Col::Number),
            ("rejected", Col::Number),
            ("skipped", Col::Number),
        ];
        let outside = self.outside > 0;
        if outside {
            columns.push(("outside window", Col::Number));
        }
        let mut t = Table::new(&columns);
        for f in files {
            let mut r = row![f.path.as_str(), f.shape, f.accepted, f.rejected, f.skipped];
            if outside {
                r.push(f.outside.into());
            }
            t.push(r);
        }
        t
    }

    /// The most frequent caller outcomes, at most `n`, with why each is the caller's (the
    /// shipped list's words, or the config file's).
    pub fn callers_table(&self, cat: &Catalogue, n: usize) -> Table {
        const COLUMNS: &[(&str, Col)] = &[
            ("code/subcode", Col::Text),
            ("count", Col::Number),
            ("calls", Col::Number),
            ("why it is the caller's", Col::Catalogue),
        ];
        Table::of(COLUMNS, self.top_of(Outcome::Caller, n), |c| {
            let why = cat.outcomes.reason(c.code, c.subcode).unwrap_or_default();
            row![c.label(), c.count, c.calls, why]
        })
    }

    /// The rejected records by reason, with the first examples of each in a column
    /// `examples`: each as `example` writes it, one a line (`line_break` between them).
    pub fn reject_groups_table(
        &self,
        examples: (&'static str, Col),
        example: impl Fn(&Reject) -> String,
        line_break: &str,
    ) -> Table {
        let columns = [("reason", Col::Text), ("count", Col::Number), examples];
        Table::of(&columns, &self.reject_groups, |g| {
            let lines: Vec<String> = g.examples.iter().map(&example).collect();
            row![g.reason.label(), g.count, lines.join(line_break)]
        })
    }

    /// The keys other than success that the catalogue does not know, the `most` most frequent,
    /// in parts of at most `rows` rows: a row per key, of keys by the hundred thousand, made as
    /// it is written.
    pub fn uncatalogued_parts(&self, rows: usize, most: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("code/subcode", Col::Text),
            ("category", Col::Text),
            ("count", Col::Number),
            ("calls", Col::Number),
        ];
        in_parts(COLUMNS, self.uncatalogued().take(most), rows, |c| {
            row![c.label(), c.category.as_str(), c.count, c.calls]
        })
    }

    /// by_resource.csv: the ACS resources, most records first.
    pub fn by_resource(&self) -> Table {
        Maker::InParts(Report::by_resource_parts).whole(self)
    }

    /// by_resource.csv in parts of at most `rows` rows: an export of made-up resource ids
    /// has a row per resource by the hundred thousand.
    pub fn by_resource_parts(&self, rows: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("resource", Col::Text),
            ("count", Col::Number),
            ("failures", Col::Number),
            ("needs_action", Col::Number),
            ("calls", Col::Number),
            ("needs_action_rate", Col::Number),
            ("inferred", Col::Number),
        ];
        in_parts(COLUMNS, self.resources.iter(), rows, |r| {
            row![
                r.resource.as_str(),
                r.count,
                r.failures,
                r.needs_action,
                r.calls,
                share(r.needs_action, r.count),
                r.inferred
            ]
        })
    }

    /// by_sdk.csv: SDK types and versions of the operations log, most records first.
    pub fn by_sdk(&self) -> Table {
        let mut t = Table::new(&[
            ("sdk_type", Col::Text),
            ("sdk_version", Col::Text),
            ("count", Col::Number),
            ("failures", Col::Number),
            ("needs_action", Col::Number),
            ("needs_action_rate", Col::Number),
        ]);
        for r in &self.sdks {
            t.push(row![
                r.sdk_type.as_str(),
                r.sdk_version.as_str(),
                r.count,
                r.failures,
                r.needs_action,
                share(r.needs_action, r.count)
            ]);
        }
        t
    }

    /// by_mitigation.csv: failures grouped by the mitigation their by_code.csv row gives.
    pub fn by_mitigation(&self) -> Table {
        let mut t = Table::new(MITIGATION_COLUMNS);
        for m in &self.mitigations {
            let codes: Vec<String> = m.keys.iter().map(|k| key_label(k.0, k.1)).collect();
            t.push(row![
                m.mitigation.as_str(),
                m.count,
                share(m.count, self.failures),
                m.calls,
                codes.join(" "),
            ]);
        }
        t
    }

    /// The mitigations of one outcome class's keys, as by_mitigation.csv has them but for
    /// the records of that class only, and their share of that class's records: caller
    /// outcomes in a table of the failures would count the callers' silence as failures
    /// without a mitigation.
    pub fn mitigations_of(&self, outcome: Outcome) -> Table {
        let class = (self.outcomes.iter()).find(|o| o.outcome == outcome);
        let of_class = class.map_or(0, |o| o.count);
        let rows = (self.mitigations_by_class.iter()).filter(|m| m.outcome == Some(outcome));
        Table::of(MITIGATION_COLUMNS, rows, |m| {
            let codes: Vec<String> = m.keys.iter().map(|k| key_label(k.0, k.1)).collect();
            row![
                m.mitigation.as_str(),
                m.count,
                share(m.count, of_class),
                m.calls,
                codes.join(" "),
            ]
        })
    }

    /// by_operation.csv.
    #[cfg(test)]
    pub fn by_operation(&self) -> Table {
        Maker::InParts(Report::by_operation_parts).whole(self)
    }

    /// by_operation.csv in parts of at most `rows` rows.
    pub fn by_operation_parts(&self, rows: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("operation", Col::Text),
            ("kind", Col::Text),
            ("code", Col::Number),
            ("subcode", Col::Number),
            ("category", Col::Text),
            ("outcome", Col::Text),
            ("prompt", Col::Text),
            ("count", Col::Number),
            ("calls", Col::Number),
        ];
        in_parts(COLUMNS, self.operations.iter(), rows, |o| {
            row![
                &*o.operation,
                o.kind.as_str(),
                o.key.0,
                o.key.1,
                Category::of(o.key.0).as_str(),
                o.outcome.as_str(),
                &*o.prompt,
                o.count,
                o.calls,
            ]
        })
    }

    /// timeline.csv: by bucket, then key; only non-zero rows exist.
    #[cfg(test)]
    pub fn timeline_table(&self) -> Table {
        Maker::InParts(Report::timeline_parts).whole(self)
    }

    /// timeline.csv in parts of at most `rows` rows.
    pub fn timeline_parts(&self, rows: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("bucket", Col::Text),
            ("code", Col::Number),
            ("subcode", Col::Number),
            ("category", Col::Text),
            ("count", Col::Number),
        ];
        in_parts(COLUMNS, self.timeline.iter(), rows, |(&(b, k), &n)| {
            row![bucket_start(b), k.0, k.1, Category::of(k.0).as_str(), n]
        })
    }

    /// The CSV tables of a report by file name, rejects.csv and by_sip.csv aside (the one is
    /// always written, the other only when a record carries diagnostics), each made when it
    /// is written, those of a row per key, operation or bucket a part at a time: the tables of
    /// a report of many keys are never all held at once, nor one of them whole.
    pub const CSV_TABLES: [(&'static str, Maker); 8] = [
        ("by_category.csv", Maker::Whole(Report::by_category)),
        ("by_outcome.csv", Maker::Whole(Report::by_outcome)),
        ("by_mitigation.csv", Maker::Whole(Report::by_mitigation)),
        ("by_code.csv", Maker::InParts(Report::by_code_parts)),
        (
            "by_operation.csv",
            Maker::InParts(Report::by_operation_parts),
        ),
        ("timeline.csv", Maker::InParts(Report::timeline_parts)),
        ("spikes.csv", Maker::InParts(Report::spikes_parts)),
        ("volume.csv", Maker::InParts(Report::volume_parts)),
    ];

    /// rejects.csv: the kept rejects by file and line; `record` is the index of a document's
    /// record in its array.
    #[cfg(test)]
    pub fn rejects_table(&self) -> Table {
        Maker::InParts(Report::rejects_parts).whole(self)
    }

    /// rejects.csv in parts of at most `rows` rows, at least one: 100,000 kept
    /// rejects are copied into cells a part at a time, not all at once.
    pub fn rejects_parts(&self, rows: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("file", Col::Text),
            ("line", Col::Number),
            ("record", Col::Number),
            ("reason", Col::Text),
            ("excerpt", Col::Text),
        ];
        in_parts(COLUMNS, self.rejects.iter(), rows, |r| {
            row![&*r.file, r.line, r.record, reason_text(r), excerpt_text(r)]
        })
    }

    /// spikes.csv whole ([`Report::spikes_parts`]).
    #[cfg(test)]
    pub fn spikes_table(&self) -> Table {
        Maker::InParts(Report::spikes_parts).whole(self)
    }

    /// spikes.csv: flagged keys only, in parts of at most `rows` rows, at least one: a night
    /// of keys new to the history by the thousand is copied into cells a part at a time. The
    /// p-value has every digit ([`Cell::Exact`]): the KQL query's equals it to 1e-9.
    pub fn spikes_parts(&self, rows: usize) -> Parts<'_> {
        // Tested by resource (`--spikes-by resource`): which resource each row is.
        let by_resource = self.spike_rows.iter().any(|s| s.verdict.resource.is_some());
        let mut parts = self.spike_rows.chunks(rows.max(1)).peekable();
        if parts.peek().is_none() {
            return Box::new(std::iter::once(self.spikes_of(&[], by_resource)));
        }
        Box::new(parts.map(move |part| self.spikes_of(part, by_resource)))
    }

    /// The rows of spikes.csv of `spikes`, with a column of their resource when `by_resource`.
    fn spikes_of(&self, spikes: &[super::SpikeRow], by_resource: bool) -> Table {
        let mut cols = vec![("day", Col::Text)];
        if by_resource {
            cols.push(("resource", Col::Text));
        }
        cols.extend([
            ("code", Col::Number),
            ("subcode", Col::Number),
            ("category", Col::Text),
            ("outcome", Col::Text),
            ("description", Col::Catalogue),
            ("mitigation", Col::Catalogue),
            ("count", Col::Number),
            ("expected", Col::Number),
            ("ratio", Col::Number),
            ("p_value", Col::Number),
            ("status", Col::Text),
        ]);
        let mut t = Table::new(&cols);
        let round4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
        for s in spikes {
            let v = &s.verdict;
            let mut r = row![day_text(v.day)];
            if by_resource {
                r.push(v.resource.clone().unwrap_or_default().into());
            }
            r.extend(row![
                v.key.0,
                v.key.1,
                s.category.as_str(),
                s.outcome.as_str(),
                s.description.as_str(),
                s.mitigation.as_str(),
                v.count,
                round4(v.expected),
                round4(v.ratio),
                Cell::Exact(v.p_value),
                v.status.as_str(),
            ]);
            t.push(r);
        }
        t
    }

    /// volume.csv: every scope of the volume test (all records, each log kind, each
    /// resource) on the report day, in parts of at most `rows` rows: a scope per resource, of
    /// resources by the hundred thousand.
    pub fn volume_parts(&self, rows: usize) -> Parts<'_> {
        const COLUMNS: &[(&str, Col)] = &[
            ("day", Col::Text),
            ("scope", Col::Text),
            ("count", Col::Number),
            ("expected", Col::Number),
            ("ratio", Col::Number),
            ("p_value", Col::Number),
            ("status", Col::Text),
        ];
        in_parts(COLUMNS, self.volume.iter(), rows, |v| {
            // Without a baseline there is nothing to expect.
            let tested = v.status != crate::spikes::volume::VolumeStatus::InsufficientHistory;
            row![
                day_text(v.day),
                v.scope.as_str(),
                v.count,
                tested.then_some(v.expected),
                tested.then_some(v.ratio),
                tested.then_some(Cell::Exact(v.p_value)),
                v.status.as_str(),
            ]
        })
    }

    /// by_sip.csv: SIP and Q.850 diagnostics by (code, subcode).
    pub fn by_sip(&self) -> Table {
        let mut t = Table::new(&[
            ("code", Col::Number),
            ("subcode", Col::Number),
            ("sip_code", Col::Number),
            ("sip_message", Col::Text),
            ("q850_code", Col::Number),
            ("q850_message", Col::Text),
            ("count", Col::Number),
            ("calls", Col::Number),
        ]);
        for d in &self.diagnostics {
            let mut r = row![d.key.0, d.key.1];
            r.extend(diagnostic_cells(d));
            t.push(r);
        }
        t
    }
}

/// The columns of by_mitigation.csv, and of its tables by outcome class.
const MITIGATION_COLUMNS: &[(&str, Col)] = &[
    ("mitigation", Col::Catalogue),
    ("count", Col::Number),
    ("share", Col::Number),
    ("calls", Col::Number),
    ("codes", Col::List),
];

/// The cells of a diagnostics row after its key, as by_sip.csv and the triage have them: SIP
/// code and message, Q.850 code and message, records and calls.
pub(super) fn diagnostic_cells(d: &DiagnosticRow) -> Vec<Cell> {
    row![
        d.sip_code,
        d.sip_message.as_str(),
        d.q850_code,
        d.q850_message.as_str(),
        d.count,
        d.calls,
    ]
}
