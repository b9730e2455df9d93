//! The `triage` views: Markdown for people (its sections in `page` and `history`), JSON for
//! machines (`json`), CSV of the affected calls.

use std::fmt::Write;

use anyhow::Result;
use serde::ser::{Serialize, SerializeSeq, Serializer};

use crate::config::TriageFormat;
#[cfg(test)]
use crate::render::MOST_KEYS;
use crate::report::triage::Triage;

mod history;
mod json;
mod page;

use history::history_section;
#[cfg(test)]
use json::json_as_value;
use json::write_json;
pub(crate) use page::code_span;
use page::{catalogue_section, next_steps_section, totals_section, verdict_section};

/// The triage as Markdown: the catalogue, the totals and the spike verdict.
pub fn markdown(t: &Triage) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Triage: {}\n", t.title());

    catalogue_section(&mut s, t);
    totals_section(&mut s, t);
    history_section(&mut s, t);
    verdict_section(&mut s, t);
    next_steps_section(&mut s, t);
    s
}

/// The affected calls alone (`--calls`), in a format, the first `limit` of them.
pub fn calls(t: &Triage, format: TriageFormat, limit: Option<usize>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_calls(t, format, limit, &mut out)?;
    Ok(out)
}

/// [`calls`] into `w`, a part of the rows at a time ([`Triage::calls_tables`]): the rows of
/// every call are never held at once.
pub fn write_calls(
    t: &Triage,
    format: TriageFormat,
    limit: Option<usize>,
    w: &mut dyn std::io::Write,
) -> Result<()> {
    match format {
        TriageFormat::Csv => super::csv::write_parts(t.calls_tables(limit), w)?,
        TriageFormat::Md => {
            let rows = t.calls.listed().min(limit.unwrap_or(usize::MAX));
            let head = format!(
                "# Calls with {} ({} of {})\n\n",
                t.title(),
                rows,
                t.calls.len()
            );
            w.write_all(head.as_bytes())?;
            for (i, part) in t.calls_tables(limit).enumerate() {
                let mut s = String::new();
                crate::render::markdown::write_table(&mut s, [part]);
                // The header once: the tool's own two lines, before the first part's rows.
                let rows = match i {
                    0 => &s[..],
                    _ => s.splitn(3, '\n').nth(2).unwrap_or_default(),
                };
                w.write_all(rows.as_bytes())?;
            }
        }
        TriageFormat::Json => crate::render::json::write_pretty(&CallRows(t, limit), w)?,
    }
    Ok(())
}

/// The calls' rows as one JSON array, written a part at a time.
struct CallRows<'a>(&'a Triage, Option<usize>);

impl Serialize for CallRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rows = (self.0.calls.listed()).min(self.1.unwrap_or(usize::MAX));
        let mut seq = s.serialize_seq(Some(rows))?;
        for part in self.0.calls_tables(self.1) {
            crate::render::json::elements(&mut seq, &part)?;
        }
        seq.end()
    }
}

/// The triage in one of its formats.
pub fn render(t: &Triage, format: TriageFormat) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write(t, format, &mut out)?;
    Ok(out)
}

/// [`render`] into `w`: the CSV of every call a part at a time.
pub fn write(t: &Triage, format: TriageFormat, w: &mut dyn std::io::Write) -> Result<()> {
    match format {
        TriageFormat::Md => w.write_all(markdown(t).as_bytes())?,
        TriageFormat::Json => write_json(t, w)?,
        TriageFormat::Csv => super::csv::write_parts(t.calls_tables(None), w)?,
    }
    Ok(())
}

#[cfg(test)]
mod snapshots {
    use crate::config::TriageFormat;
    use crate::report::fixture;

    fn text(format: TriageFormat) -> String {
        let cat = fixture::catalogue();
        String::from_utf8(super::render(&fixture::triage(&cat), format).unwrap()).unwrap()
    }

    #[test]
    fn triage_md() {
        insta::assert_snapshot!(text(TriageFormat::Md));
    }

    #[test]
    fn triage_json() {
        insta::assert_snapshot!(text(TriageFormat::Json));
    }

    /// The JSON written a row at a time is, byte for byte, the one value it was made as.
    #[test]
    fn the_streamed_json_is_the_value_it_was() {
        let cat = fixture::catalogue();
        let t = fixture::triage(&cat);
        let mut streamed = Vec::new();
        super::write_json(&t, &mut streamed).unwrap();
        let mut whole = Vec::new();
        crate::render::json::write_pretty(&super::json_as_value(&t), &mut whole).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap()
        );
    }

    /// The history's days written a row at a time are, byte for byte, the one value they were
    /// made as: all records', and a resource's.
    #[test]
    fn the_streamed_history_is_the_value_it_was() {
        use crate::report::triage::{HistoryDay, HistoryDays};
        let cat = fixture::catalogue();
        let mut t = fixture::triage(&cat);
        let h = HistoryDays {
            resource: None,
            held: 9,
            span: Some((20_000, 20_008)),
            days: [
                (20_006, false, true, 10),
                (20_007, true, false, 4),
                (20_008, false, false, 7),
            ]
            .map(|(day, partial, short, records)| HistoryDay {
                day,
                partial,
                short,
                records,
            })
            .to_vec(),
            keys: vec![
                ((400, Some(8572)), 20_007, vec![0, 3, 0]),
                ((500, Some(8572)), 20_000, vec![1, 0, 2]),
            ],
            apart_until: Some(20_006),
        };
        t.history_by_resource = vec![HistoryDays {
            resource: Some("acs-a".into()),
            ..h.clone()
        }];
        t.history = Some(h);
        let mut streamed = Vec::new();
        super::write_json(&t, &mut streamed).unwrap();
        let mut whole = Vec::new();
        crate::render::json::write_pretty(&super::json_as_value(&t), &mut whole).unwrap();
        let (streamed, whole) = (
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap(),
        );
        assert!(streamed.contains(r#""resource": "acs-a""#), "{streamed}");
        assert_eq!(streamed, whole);
    }

    /// The Markdown lists at most [`MOST_KEYS`] of what grows with the keys found, each with a
    /// line saying how many more the JSON lists: 20,000 made-up keys had made a page of 6.2 MB.
    #[test]
    fn the_markdown_lists_the_first_keys_and_says_how_many_more() {
        use super::MOST_KEYS;
        let cat = fixture::catalogue();
        let mut t = fixture::triage(&cat);
        let n = MOST_KEYS + 5;
        let sub = t.subcode;
        let keys = |i: usize| (10_000 + i as u32, Some(sub));
        t.totals = (0..n)
            .map(|i| crate::report::triage::KeyTotal {
                key: keys(i),
                ..t.totals[0].clone()
            })
            .collect();
        t.mitigations = (0..n).map(|i| (keys(i), cat_none())).collect();
        let op = t.operations[0].clone();
        t.operations = (0..n).map(|i| (op.0.clone(), op.1, keys(i), 1)).collect();
        t.verdicts = (t.verdicts.first().cloned().into_iter())
            .cycle()
            .take(n)
            .collect();
        t.next_steps = Some(Default::default());
        let verdicts = t.verdicts.len();
        let md = super::markdown(&t);
        for what in ["keys' mitigations", "keys", "rows"] {
            let line = format!("The first {MOST_KEYS} of {n} {what}; 5 more, and all of them, are in `--format json`.");
            assert!(md.contains(&line), "{what}");
        }
        assert!(md.matches(": (no documented mitigation)").count() <= MOST_KEYS);
        assert_eq!(md.matches("| 10999/").count(), 2, "totals and operations");
        assert_eq!(md.matches("| 11000/").count(), 0);
        assert!(md.contains(&format!(
            "10999/{} and 5 more keys have no documented mitigation",
            t.subcode
        )));
        if verdicts == n {
            let line = format!("The first {MOST_KEYS} of {n} verdicts; 5 more (5 of them flagged)");
            assert!(md.contains(&line));
        }
    }

    /// One record is one (rev68b's note: `1 records of 5001 accepted`).
    #[test]
    fn one_record_of_the_key_is_one() {
        let cat = fixture::catalogue();
        let mut t = fixture::triage(&cat);
        t.totals.truncate(1);
        t.totals[0].count = 1;
        let md = super::markdown(&t);
        assert!(
            md.contains(&format!("1 record of {} accepted", t.accepted)),
            "{md}"
        );
    }

    fn cat_none() -> String {
        crate::catalogue::NO_MITIGATION.to_string()
    }

    #[test]
    fn triage_csv() {
        insta::assert_snapshot!(text(TriageFormat::Csv));
    }
}
