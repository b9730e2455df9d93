//! Render: functions from the finished report and its tables to bytes or into a writer, one
//! file per output format. Where the bytes go, and how a set replaces the old one, is
//! [`crate::output`]'s job alone: [`report_files`] hands each file to it as it is rendered.

use std::path::Path;

use crate::aggregate::SPARK_CELLS;
use crate::output::OutputSet;
use crate::report::table::Table;
use crate::report::Report;

pub mod charts;
pub mod codes;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod markup;
pub mod report_json;
pub mod silent;
pub mod summary;
pub mod text;
pub mod triage;

/// The most a report shows of one text from the logs, in UTF-16 code units (what Excel counts;
/// the same as characters for all but emoji and rarer scripts): under Excel's 32,767 per cell,
/// so that a 200,000-character OperationName neither breaks a spreadsheet nor floods a page.
pub const MAX_TEXT: usize = 32_000;

/// The start of `s` that a report shows, cut on a character boundary, and the mark the caller
/// ends it with when it was cut, which says how much was left out (`… and 168001 more
/// characters`): the two within `max` UTF-16 code units.
pub fn cut(s: &str, max: usize) -> (&str, Option<String>) {
    // A UTF-16 code unit never takes less than one byte of UTF-8.
    if s.len() <= max || s.encode_utf16().count() <= max {
        return (s, None);
    }
    // Room for the mark of the most that can be left out.
    let room = units(&left_out(s.chars().count(), "characters"));
    let mut units = 0;
    let end = s
        .char_indices()
        .find(|&(_, c)| {
            units += c.len_utf16();
            units > max.saturating_sub(room)
        })
        .map_or(s.len(), |(i, _)| i);
    let mark = left_out(s[end..].chars().count(), "characters");
    (&s[..end], Some(mark))
}

/// A list of items separated by spaces (a mitigation's codes, a call's codes) as a report
/// shows it: whole within `max` UTF-16 code units; else its first items and how many are left
/// out (`400/8510 400/8508 … and 3120 more`), within `max`. One whose first item alone does
/// not fit is cut as a text ([`cut`]).
pub fn cut_list(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if s.len() <= max || s.encode_utf16().count() <= max {
        return Cow::Borrowed(s);
    }
    let items = s.split(' ').count();
    let room = units(&format!(" {}", left_out(items, "")));
    let (mut used, mut end, mut kept) = (0, 0, 0);
    for item in s.split(' ') {
        let more = units(item) + usize::from(kept > 0);
        if used + more + room > max {
            break;
        }
        used += more;
        end += item.len() + usize::from(kept > 0);
        kept += 1;
    }
    match kept {
        0 => Cow::Borrowed(s),
        _ => Cow::Owned(format!("{} {}", &s[..end], left_out(items - kept, ""))),
    }
}

/// What ends a text or list cut short: `… and 3120 more` (`what`: of what, if said).
fn left_out(n: usize, what: &str) -> String {
    match what {
        "" => format!("… and {n} more"),
        _ => format!("… and {n} more {what}"),
    }
}

/// The UTF-16 code units of `s`, as a spreadsheet counts a cell.
fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A Markdown link `[text](url)` found in catalogue text, by byte positions in it.
pub struct Link<'a> {
    /// Where its `[` is.
    pub open: usize,
    pub text: &'a str,
    pub url: &'a str,
    /// Just after its `)`.
    pub end: usize,
}

/// The first Markdown link in `s`, if any: what both renderers of catalogue text look for.
pub fn next_link(s: &str) -> Option<Link<'_>> {
    let open = s.find('[')?;
    let after = &s[open + 1..];
    let close = after.find("](")?;
    let target = &after[close + 2..];
    let end = target.find(')')?;
    Some(Link {
        open,
        text: &after[..close],
        url: &target[..end],
        end: open + 1 + close + 2 + end + 1,
    })
}

/// Writes the report's files for `formats` into `dir`, each staged in `set` as it is rendered,
/// one at a time: a report of many rejects is never held in every format at once.
pub fn report_files(
    r: &Report,
    cat: &crate::catalogue::Catalogue,
    formats: &[crate::config::ReportFormat],
    dir: &Path,
    set: &mut OutputSet,
) -> anyhow::Result<()> {
    use crate::config::ReportFormat;
    set.add_with(&dir.join("rejects.csv"), |w| {
        csv::write_parts(r.rejects_parts(PART_ROWS), w)
    })?;
    for f in formats {
        match f {
            ReportFormat::Csv => {
                for (name, make) in Report::CSV_TABLES {
                    let path = dir.join(name);
                    set.add_with(&path, |w| csv::write_parts(make.parts(r, PART_ROWS), w))?;
                }
                let sip = !r.diagnostics.is_empty();
                stage_csv(set, &dir.join("by_sip.csv"), sip, r.by_sip())?;
                // Written when the input has the field; else one of an earlier run is removed.
                let resources = !r.resources.is_empty();
                let by_resource = r.by_resource();
                stage_csv(set, &dir.join("by_resource.csv"), resources, by_resource)?;
                let sdks = !r.sdks.is_empty();
                stage_csv(set, &dir.join("by_sdk.csv"), sdks, r.by_sdk())?;
                // Written when the input accepted an action the silent-failure test knows.
                let silent = !r.silent.rows.is_empty();
                stage_csv(set, &dir.join("silent.csv"), silent, r.silent_table())?;
                let calls = r.silent_calls_file();
                stage_csv(set, &dir.join("silent_calls.csv"), silent, calls)?;
            }
            ReportFormat::Md => {
                set.add(&dir.join("summary.md"), summary::render(r, cat).as_bytes())?;
            }
            ReportFormat::Html => {
                set.add_with(&dir.join("report.html"), |w| html::write(r, cat, w))?;
            }
            ReportFormat::Json => {
                set.add_with(&dir.join("report.json"), |w| report_json::write(r, cat, w))?;
            }
        }
    }
    Ok(())
}

/// The files in `dir` of the formats other than `formats` (an earlier run's, which this one
/// leaves as they are), as a warning that says so.
pub fn earlier_formats(formats: &[crate::config::ReportFormat], dir: &Path) -> Option<String> {
    use crate::config::ReportFormat;
    use clap::ValueEnum;
    let left: Vec<&str> = ReportFormat::value_variants()
        .iter()
        .filter(|f| !formats.contains(f))
        .flat_map(|&f| crate::output::format_files(f))
        .filter(|name| dir.join(name).exists())
        .collect();
    let asked: Vec<String> = (formats.iter())
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect();
    (!left.is_empty()).then(|| {
        format!(
            "{}: {} of an earlier run left as they were (this run writes --format {})",
            crate::text::path(dir),
            left.join(", "),
            asked.join(",")
        )
    })
}

/// The rows of report.html's tables of keys (By code, Uncatalogued codes) and summary.md's
/// Uncatalogued codes: the most frequent keys, every key of a real export (a few hundred at
/// most), where 200,000 made-up keys had made a page of 53 MB and a summary of 5.5 MB, no mail
/// attachment. `by_code.csv` and `report.json` hold every key.
pub const MOST_KEYS: usize = 1_000;

/// The line under a table of keys cut to [`MOST_KEYS`] of `all`: `None` when none was cut.
pub fn keys_cut(all: usize, what: &str) -> Option<String> {
    (all > MOST_KEYS).then(|| {
        format!(
            "The {MOST_KEYS} most frequent of {all} {what}; {} more, and all of them, are in by_code.csv and report.json.",
            all - MOST_KEYS
        )
    })
}

/// The input files summary.md and report.html name, at most ([`crate::report::Report::
/// inputs_said`]); report.json lists them all.
pub const MOST_FILES: usize = 1_000;

/// Rows of a table of a row per reject, key or operation copied into cells at a time, for the
/// CSV files and report.json.
pub const PART_ROWS: usize = 8192;

/// Stages table `t` as CSV at `path` when `written`; else the removal of a file an earlier
/// run left there, or, through a link, `t` without rows (see [`OutputSet::remove`]): the
/// input has nothing for it.
fn stage_csv(set: &mut OutputSet, path: &Path, written: bool, t: Table) -> anyhow::Result<()> {
    if written {
        return set.add_with(path, |w| csv::write(&t, w));
    }
    let mut empty = Vec::new();
    csv::write(
        &Table {
            rows: Vec::new(),
            ..t
        },
        &mut empty,
    )?;
    set.remove(path, &empty)
}

/// A text sparkline of counts; long series are summed into at most [`SPARK_CELLS`] cells.
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let per = values.len().div_ceil(SPARK_CELLS).max(1);
    let cells: Vec<u64> = values.chunks(per).map(|c| c.iter().sum()).collect();
    let max = cells.iter().copied().max().unwrap_or(0);
    cells
        .iter()
        .map(|&v| {
            if max == 0 {
                BARS[0]
            } else {
                // In u128: a count near u64::MAX (a history day made up) must not overflow.
                BARS[((u128::from(v) * 7).div_ceil(u128::from(max))) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rejects.csv and report.json write the rejects a part at a time: the files are those of
    /// the whole table, every row once, in order.
    #[test]
    fn rejects_written_in_parts_are_the_whole_table() {
        use crate::config::ReportFormat;
        let cat = crate::report::fixture::catalogue();
        let mut r = crate::report::fixture::report(&cat);
        let one = r.rejects[0].clone();
        let n = PART_ROWS * 2 + 3;
        r.rejects = (1..=n as u64)
            .map(|line| {
                let mut r = one.clone();
                r.line = line;
                r.set_excerpt(&format!("=x{line}"));
                r
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new();
        report_files(&r, &cat, &[ReportFormat::Json], dir.path(), &mut set).unwrap();
        set.commit().unwrap();
        let whole = r.rejects_table();
        let csv_text = std::fs::read(dir.path().join("rejects.csv")).unwrap();
        assert_eq!(csv_text, csv::render(&whole).unwrap());
        assert_eq!(csv_text.iter().filter(|&&b| b == b'\n').count(), n + 1);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                .unwrap();
        assert_eq!(doc["rejects"], json::rows(&whole));
        assert_eq!(doc["rejects"].as_array().unwrap().len(), n);
    }

    /// The tables of a row per key, operation or bucket are made and written a part at a time:
    /// by_code.csv, by_operation.csv, timeline.csv and report.json hold the whole tables, every
    /// row once, in order, the header once.
    #[test]
    fn key_tables_written_in_parts_are_the_whole_tables() {
        use crate::config::ReportFormat;
        use crate::report::{CodeRow, OperationRow};
        let cat = crate::report::fixture::catalogue();
        let mut r = crate::report::fixture::report(&cat);
        let n = PART_ROWS * 2 + 3;
        let (code, op) = (r.codes[0].clone(), r.operations[0].clone());
        r.codes = (0..n as u32)
            .map(|i| CodeRow {
                code: 400 + i % 100,
                subcode: Some(i),
                ..code.clone()
            })
            .collect();
        r.operations = (0..n)
            .map(|i| OperationRow {
                operation: format!("Op{i}").into(),
                ..op.clone()
            })
            .collect();
        r.timeline = (0..n as u32)
            .map(|i| ((i64::from(i) * 3600, (400, Some(i))), 1))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::new();
        let formats = [ReportFormat::Csv, ReportFormat::Json];
        report_files(&r, &cat, &formats, dir.path(), &mut set).unwrap();
        set.commit().unwrap();
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap())
                .unwrap();
        for (file, key, whole) in [
            ("by_code.csv", "by_code", r.by_code()),
            ("by_operation.csv", "by_operation", r.by_operation()),
            ("timeline.csv", "timeline", r.timeline_table()),
        ] {
            assert_eq!(whole.height(), n);
            let text = std::fs::read(dir.path().join(file)).unwrap();
            assert_eq!(text, csv::render(&whole).unwrap(), "{file}");
            assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), n + 1);
            assert_eq!(doc[key], json::rows(&whole), "{key}");
        }
        // Parts of no rows are parts of one.
        assert_eq!(r.by_code_parts(0).take(n + 1).count(), n);
    }

    /// A text cut keeps whole characters and room for the mark that says how many were left
    /// out (rev67b: a cut cell had ended in `…` alone).
    #[test]
    fn cut_keeps_whole_characters_and_room_for_what_it_left_out() {
        assert_eq!(cut("abcd", 4), ("abcd", None));
        // é is 2 bytes, 1 unit: not cut by its byte length.
        assert_eq!(cut("éééé", 4), ("éééé", None));
        // "… and 100 more characters" is 25 units: 15 of the 40 are kept.
        let x = "x".repeat(100);
        let (kept, mark) = cut(&x, 40);
        assert_eq!(
            (kept.len(), mark.as_deref()),
            (15, Some("… and 85 more characters"))
        );
        // 😀 is 2 units: "a" and 7 of them are the 15 units kept, 43 characters left out.
        let emoji = format!("a{}", "😀".repeat(50));
        let (kept, mark) = cut(&emoji, 40);
        assert_eq!(
            (kept, mark.as_deref()),
            (&emoji[..29], Some("… and 43 more characters"))
        );
        let long = "x".repeat(200_000);
        let (kept, mark) = cut(&long, MAX_TEXT);
        let mark = mark.unwrap();
        assert_eq!(kept.len() + mark.chars().count(), MAX_TEXT);
        assert_eq!(
            mark,
            format!("… and {} more characters", 200_000 - kept.len())
        );
    }

    /// A list is cut after a whole item, within the cap, and says how many items it left out;
    /// one within the cap, or whose first item alone does not fit, is as it is.
    #[test]
    fn a_list_is_cut_after_an_item_and_says_how_many_are_left_out() {
        let codes: Vec<String> = (0..5000).map(|i| format!("400/{}", 100_000 + i)).collect();
        let list = codes.join(" ");
        let shown = cut_list(&list, MAX_TEXT);
        assert!(shown.encode_utf16().count() <= MAX_TEXT);
        let (kept, left) = shown.rsplit_once(" … and ").unwrap();
        let left: usize = left.strip_suffix(" more").unwrap().parse().unwrap();
        let kept: Vec<&str> = kept.split(' ').collect();
        assert_eq!(kept, codes[..kept.len()]);
        assert_eq!(kept.len() + left, 5000);
        // As many as fit: one more would pass the cap.
        assert!(shown.len() + " 400/100000".len() > MAX_TEXT);
        let short = "400/8510 400/8508";
        assert!(matches!(
            cut_list(short, MAX_TEXT),
            std::borrow::Cow::Borrowed(_)
        ));
        let one = "x".repeat(MAX_TEXT + 1);
        assert!(matches!(
            cut_list(&one, MAX_TEXT),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn sparkline_scales_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 7, 14]), "▁▂▅█");
        assert_eq!(sparkline(&[]), "");
        // A count near u64::MAX (a made-up history day) scales without overflow.
        assert_eq!(sparkline(&[u64::MAX, 1, 0]), "█▂▁");
        assert_eq!(sparkline(&vec![1; 96]).chars().count(), 48);
    }
}
