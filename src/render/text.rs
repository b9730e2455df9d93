//! Plain text for a terminal: long text wrapped under its heading, and the lines `report` ends
//! a run with (text made one safe line is [`crate::text::line`]).

use super::summary::pct;
use crate::config::ReportFormat;
use crate::report::MOST_SAID;
use crate::text::{hostile, line, REPLACEMENT};

/// Wraps `s` to `width` columns, each line prefixed by `indent`. [`hostile`] characters become
/// U+FFFD: an escape sequence in a catalogue file must not reach the terminal.
pub fn wrap(s: &str, width: usize, indent: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if hostile(c) { REPLACEMENT } else { c })
        .collect();
    let mut out = String::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Warnings said on stderr, at most: a run over thousands of files that each warn (a month of
/// archives downloaded twice over: a copy warning a file) still ends in a mail one can read.
/// The reports that list warnings list them all.
pub const MAX_SAID_WARNINGS: usize = 50;

/// How a run ends, as `report` tells it: its exit code, the `--max-bad` its rejects exceed
/// when they do, and what `--fail-on-spike` asked.
#[derive(Debug, Clone, Copy)]
pub struct Ending {
    pub exit: crate::exit_codes::Exit,
    pub over_max_bad: Option<crate::config::MaxBad>,
    pub fail_on_spike: crate::config::FailOnSpike,
}

/// What `report` says on stderr when it ends, one line each: the warnings, past
/// [`MAX_SAID_WARNINGS`] how many more and where they are, and the counts (unless `quiet`),
/// the spikes (unless `quiet`), what paged (under `quiet`, when the exit code says so), or
/// under `quiet` and `--fail-on-spike` that nothing could be tested and why (cron's mail would
/// otherwise hold nothing on a night the alarm was off), and, when the rejects exceed
/// `--max-bad`, so: whatever the exit code, which carries one of the two (a night that pages
/// exits 4, which says nothing of its rejects). `formats`: those written.
pub fn run_summary(
    r: &crate::report::Report,
    cat: &crate::catalogue::Catalogue,
    out: &std::path::Path,
    formats: &[ReportFormat],
    quiet: bool,
    end: Ending,
) -> Vec<String> {
    let mut lines = Vec::new();
    // The same export read twice, in one line beside the warning of each copy: quiet or not,
    // cron's mail says why every count is up (rev65a F5).
    let copied = super::summary::copied_line(r)
        .map(|c| format!("warning: {}", line(c.trim_end_matches('.'))));
    if !quiet {
        let said = &r.warnings[..r.warnings.len().min(MAX_SAID_WARNINGS)];
        lines.extend(said.iter().map(|w| format!("warning: {}", line(w))));
        if let Some(more) = r.warnings.len().checked_sub(said.len()).filter(|&n| n > 0) {
            // The files of the formats written that list every warning (not the CSV files).
            let listed: Vec<&str> = (formats.iter())
                .filter(|&&f| f != ReportFormat::Csv)
                .flat_map(|&f| crate::output::format_files(f))
                .collect();
            lines.push(match &listed[..] {
                [] => format!("warning: {more} more warnings not shown; --format md, html or json writes them all"),
                names => format!(
                    "warning: {more} more warnings not shown; see {} in {}",
                    names.join(", "),
                    line(&crate::text::path(out))
                ),
            });
        }
        lines.extend(copied.clone());
        // Records left out by --since, --until or --resource are said when there are any.
        let outside = match r.outside {
            0 => String::new(),
            n => format!(", {n} left out by --since, --until or --resource"),
        };
        // No rate of no record: 0.00% of nothing would read as a quiet night.
        let rates = match r.accepted {
            0 => "no rate (no record accepted)".to_string(),
            _ => format!(
                "needs action {}, failure rate {}",
                pct(r.needs_action_rate()),
                pct(r.failure_rate())
            ),
        };
        lines.push(format!(
            "{} {} read: {} accepted, {} rejected, {} skipped{outside}; {rates}; reports in {}",
            r.read,
            crate::text::records(r.read),
            r.accepted,
            r.rejected,
            r.skipped,
            line(&crate::text::path(out))
        ));
        let (said, first) = super::summary::volume_said(r);
        // The lines of all records and the kinds follow from the resources listed first.
        if !first.is_empty() {
            lines.push(line(&super::summary::volume_lines(r).0));
        }
        let (scopes, more) = super::summary::scopes_said(
            (said.iter().copied()).filter(|v| v.status.flagged() || v.status.noted()),
        );
        for v in scopes {
            lines.push(format!("{}: {}", v.status.as_str(), line(&v.sentence())));
        }
        if more > 0 {
            lines.push(format!(
                "{more} more resources flagged, low or risen not shown; {}",
                all_in(r, "volume.csv", out)
            ));
        }
        // Baseline days left out as partial: the tests compare with fewer days, and say why.
        if let Some(left_out) = &r.spikes.baseline_left_out {
            lines.push(line(left_out));
        }
        // A scope the volume test could not test, beside all records it did.
        lines.extend(r.spikes.volume_untested.iter().map(|l| line(l)));
        if let Some(l) = super::summary::new_below_min_line(r, cat) {
            lines.push(line(&l));
        }
        if let Some(l) = super::summary::untested_apart_line(r) {
            lines.push(line(&l));
        }
        let (spikes, more) = r.spikes_said();
        for s in spikes {
            lines.push(format!(
                "{} ({}): {}",
                s.verdict.status.as_str(),
                s.outcome.as_str(),
                line(&crate::report::spike_sentence_with_target(&s.verdict, cat))
            ));
        }
        if more > 0 {
            lines.push(format!(
                "{more} more flagged keys not shown; {}",
                all_in(r, "spikes.csv", out)
            ));
        }
    }
    // Under --quiet the lines above are not printed, and cron's mail would hold nothing to say
    // why the run paged: one line names what was flagged.
    // Inputs in which no file was found (a night whose export came zipped): that is why no
    // day was tested, said under --quiet, where the warning is not (rev70a F4: the one line had
    // blamed the records' hours, and without --fail-on-spike nothing was said).
    let no_files = no_input_files(r).map(line);
    let armed = end.fail_on_spike != crate::config::FailOnSpike::Off;
    if quiet && end.exit == crate::exit_codes::Exit::SpikesFound {
        lines.push(flagged_line(r, end.fail_on_spike));
    } else if let (true, true, Some(why)) = (quiet, armed, &no_files) {
        lines.push(format!("under --fail-on-spike, no spike test: {why}"));
    } else if let (true, Some(why)) = (quiet, &no_files) {
        lines.push(format!("warning: {why}"));
    } else if let Some(note) = (r.spikes.note.as_ref()).filter(|_| quiet && armed) {
        // The note is a sentence of the reports (`No spike test: ...`).
        let mut note = line(note);
        if let Some(first) = note.get(..1) {
            note.replace_range(..1, &first.to_lowercase());
        }
        lines.push(format!("under --fail-on-spike, {note}"));
    }
    // A scope below (or far above) its usual range is not paged, but under --quiet nothing else
    // would tell cron's mail of an export that stopped at 14:00.
    if quiet && end.exit != crate::exit_codes::Exit::SpikesFound {
        lines.extend(noted_line(r));
    }
    if quiet {
        lines.extend(copied);
    }
    // Said, not paged, loud or quiet: a night of actions without an outcome exits as before.
    let calls_file = formats.contains(&ReportFormat::Csv);
    lines.extend(r.silent_said(calls_file).map(|l| line(&l)));
    if let Some(max_bad) = end.over_max_bad {
        lines.push(format!(
            "{}; see {}",
            over_max_bad(r.rejected, r.read, max_bad),
            line(&crate::text::path(&out.join("rejects.csv")))
        ));
    }
    lines
}

/// Where the whole of a list cut on the terminal is: `all are in spikes.csv and report.json
/// in reports` ([`crate::report::Report::whole_in`]).
fn all_in(r: &crate::report::Report, csv: &str, out: &std::path::Path) -> String {
    let whole = r.whole_in(csv);
    match r.csv_not_written && r.json_not_written {
        true => format!("all are in {whole}"),
        false => format!("all are in {whole} in {}", line(&crate::text::path(out))),
    }
}

/// The warning that the inputs held no file to read, when they did not (and no file was read).
fn no_input_files(r: &crate::report::Report) -> Option<&str> {
    let warning = r
        .warnings
        .iter()
        .find(|w| w.starts_with(crate::ingest::NO_INPUT_FILES));
    warning.filter(|_| r.inputs.is_empty()).map(String::as_str)
}

/// That `rejected` of `read` records exceed `--max-bad`, naming the limit:
/// `30 rejected records of 1810 read exceed --max-bad 1%`.
pub fn over_max_bad(rejected: u64, read: u64, max_bad: crate::config::MaxBad) -> String {
    let (records, exceed) = match rejected {
        1 => ("record", "exceeds"),
        _ => ("records", "exceed"),
    };
    format!("{rejected} rejected {records} of {read} read {exceed} --max-bad {max_bad}")
}

/// The spikes and volume drops that made the run exit 4, on one line: a caller-class spike,
/// which `--fail-on-spike` does not page (only `all` does), is not among them.
fn flagged_line(r: &crate::report::Report, fail_on_spike: crate::config::FailOnSpike) -> String {
    let paging: Vec<_> = (r.spikes_in_order())
        .filter(|s| s.pages(fail_on_spike))
        .collect();
    let spikes = paging.iter().take(MOST_SAID).map(|s| {
        let key = crate::catalogue::key_label(s.verdict.key.0, s.verdict.key.1);
        let split = (crate::report::resource_split_text(&s.verdict))
            .filter(|_| s.verdict.resource.is_none())
            .map(|split| format!("by resource: {split}"));
        let notes: Vec<String> = (split.into_iter())
            .chain(crate::report::target_said(&s.verdict))
            .collect();
        let notes = match notes.is_empty() {
            true => String::new(),
            false => format!(" ({})", line(&notes.join("; "))),
        };
        match &s.verdict.resource {
            Some(res) => format!("{} {}: {key}{notes}", s.verdict.status.as_str(), line(res)),
            None => format!("{} {key}{notes}", s.verdict.status.as_str()),
        }
    });
    let (said, first) = super::summary::volume_said(r);
    let paged: Vec<_> = said
        .iter()
        .copied()
        .filter(|v| v.status.flagged())
        .collect();
    let (shown, more) = super::summary::scopes_said(paged.iter().copied());
    let mut volume: Vec<String> = (shown.iter())
        .map(|v| format!("{} {}", v.status.as_str(), line(&v.scope)))
        .collect();
    if more > 0 {
        volume.push(format!("and {more} more resources"));
    }
    let mut flagged = spikes.collect::<Vec<String>>();
    if let Some(more) = paging.len().checked_sub(MOST_SAID).filter(|&n| n > 0) {
        flagged.push(format!("and {more} more flagged keys"));
    }
    let mut flagged = flagged.join(", ");
    // The resources the other volume lines follow from come first, and the line says so as the
    // head on stderr does (`Flagged on DAY, resource acs-prod first: ...`), when it lists them:
    // a low one does not page, and a lead the line does not show names no cause. (A set: the
    // resources of a night may be made up by the hundred thousand.)
    let paged_resources: std::collections::HashSet<&str> = (paged.iter())
        .filter_map(|v| v.scope.strip_prefix("resource "))
        .collect();
    let first: Vec<&str> = match first.iter().all(|name| paged_resources.contains(name)) {
        true => first,
        false => Vec::new(),
    };
    let first = match first.as_slice() {
        _ if volume.is_empty() => String::new(),
        [] => String::new(),
        [one] => format!(
            "resource {} first, the lines of all records and the kinds follow from it: ",
            line(one)
        ),
        many => format!(
            "resources {} first, the lines of all records and the kinds follow from them: ",
            line(&super::summary::names_said(many))
        ),
    };
    if !volume.is_empty() {
        let sep = match (flagged.is_empty(), first.is_empty()) {
            (true, _) => "",
            (false, true) => ", ",
            (false, false) => "; ",
        };
        flagged = format!("{flagged}{sep}{first}{}", volume.join(", "));
    }
    format!("flagged under --fail-on-spike: {flagged}; see spikes.csv and volume.csv")
}

/// The volume scopes flagged (without `--fail-on-spike`), low or risen, not paged, on one line
/// (`--quiet`), the worst first: none when none. A night of no record says so.
fn noted_line(r: &crate::report::Report) -> Option<String> {
    let (mut said, first) = super::summary::volume_said(r);
    use crate::spikes::volume::VolumeStatus;
    if !said.is_empty() && (r.volume.iter()).all(|v| v.status == VolumeStatus::Zero) {
        let (day, all) = (crate::time::day_text(r.volume[0].day), r.volume[0].expected);
        return Some(format!(
            "volume not paged: no record on {day}, every scope ZERO ({all:.0} expected of all records); see volume.csv"
        ));
    }
    let worst = [VolumeStatus::Zero, VolumeStatus::Drop, VolumeStatus::Low];
    // Resources that the other lines follow from stay first.
    if first.is_empty() {
        said.sort_by_key(|v| {
            worst
                .iter()
                .position(|&w| w == v.status)
                .unwrap_or(worst.len())
        });
    }
    let first = match first.as_slice() {
        [] => String::new(),
        [one] => format!(", resource {} first", line(one)),
        many => format!(
            ", resources {} first",
            line(&super::summary::names_said(many))
        ),
    };
    let (listed, more) = super::summary::scopes_said(
        (said.iter().copied()).filter(|v| v.status.noted() || v.status.flagged()),
    );
    let mut noted: Vec<String> = (listed.iter())
        .map(|v| {
            let stops = v.stops.as_deref().map_or_else(String::new, |(at, _)| {
                format!(", records stop at {} UTC", crate::time::clock_text(*at))
            });
            let (status, scope) = (v.status.as_str(), line(&v.scope));
            format!(
                "{status} {scope} ({:.0}% of the expected{stops})",
                v.ratio * 100.0
            )
        })
        .collect();
    if more > 0 {
        noted.push(format!("and {more} more resources"));
    }
    (!noted.is_empty()).then(|| {
        format!(
            "volume not paged{first}: {}; see volume.csv",
            noted.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words() {
        assert_eq!(wrap("aa bb cc dd", 5, "  "), "  aa bb\n  cc dd\n");
    }

    #[test]
    fn escape_sequences_do_not_reach_the_terminal() {
        assert_eq!(
            wrap("a\x1b[2J b\u{202E}c", 40, ""),
            "a\u{FFFD}[2J b\u{FFFD}c\n"
        );
    }
}

#[cfg(test)]
mod snapshots {
    use crate::config::ReportFormat;
    use crate::exit_codes::Exit;
    use crate::report::fixture;

    /// A run without --fail-on-spike that ends with `exit`.
    fn end(exit: Exit, over_max_bad: bool) -> super::Ending {
        super::Ending {
            exit,
            over_max_bad: over_max_bad.then_some(crate::config::MaxBad::Count(1)),
            fail_on_spike: crate::config::FailOnSpike::Off,
        }
    }

    /// A run under `--fail-on-spike` (failure-class keys page) that ended with exit 4.
    fn paging_end(over_max_bad: bool) -> super::Ending {
        super::Ending {
            exit: Exit::SpikesFound,
            over_max_bad: over_max_bad.then_some(crate::config::MaxBad::Count(1)),
            fail_on_spike: crate::config::FailOnSpike::Failure,
        }
    }

    const ALL: [ReportFormat; 4] = [
        ReportFormat::Csv,
        ReportFormat::Md,
        ReportFormat::Html,
        ReportFormat::Json,
    ];

    #[test]
    fn closing_lines() {
        let cat = fixture::catalogue();
        let r = fixture::report(&cat);
        let out = std::path::Path::new("reports");
        let loud =
            super::run_summary(&r, &cat, out, &ALL, false, end(Exit::Success, false)).join("\n");
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::TooManyRejects, true))
            .join("\n");
        insta::assert_snapshot!(format!("{loud}\n-- quiet, too many rejects:\n{quiet}"));
    }

    /// A scope the volume test left untested is said on the terminal too, as in summary.md
    /// (fix68d's leftover), and not under --quiet.
    #[test]
    fn a_scope_not_tested_is_said_on_the_terminal() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let why = "Not tested: resource acs-prod, for want of 3 baseline days that count it: ...";
        r.spikes.volume_untested = vec![why.to_string()];
        let out = std::path::Path::new("reports");
        let said =
            |quiet| super::run_summary(&r, &cat, out, &ALL, quiet, end(Exit::Success, false));
        assert!(said(false).iter().any(|l| l == why), "{:?}", said(false));
        assert!(!said(true).iter().any(|l| l == why));
    }

    #[test]
    fn a_quiet_run_that_pages_says_what_was_flagged() {
        let cat = fixture::catalogue();
        let r = fixture::report(&cat);
        let out = std::path::Path::new("reports");
        assert_eq!(
            super::run_summary(&r, &cat, out, &ALL, true, paging_end(false)),
            ["flagged under --fail-on-spike: SPIKE 404/8522; see spikes.csv and volume.csv"]
        );
        // The caller-class spike 400/8510 pages under `all` alone, and is named then only.
        let all = super::Ending {
            fail_on_spike: crate::config::FailOnSpike::All,
            ..paging_end(false)
        };
        assert_eq!(
            super::run_summary(&r, &cat, out, &ALL, true, all),
            ["flagged under --fail-on-spike: SPIKE 404/8522, SPIKE 400/8510; see spikes.csv and volume.csv"]
        );
    }

    /// A quiet run under --fail-on-spike that could test nothing says why in one line: cron's
    /// mail had been empty on a night the alarm was off (a tenant quiet around midnight UTC
    /// stores every night as partial and tests none). Without --fail-on-spike, -q says nothing.
    #[test]
    fn a_quiet_run_that_could_not_test_says_why_under_fail_on_spike() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.spike_rows.clear();
        r.spikes.flagged.clear();
        r.spikes.note = Some("No spike test: the input covers no whole UTC day".into());
        r.volume.clear();
        let out = std::path::Path::new("reports");
        let armed = super::Ending {
            fail_on_spike: crate::config::FailOnSpike::Failure,
            ..end(Exit::Success, false)
        };
        assert_eq!(
            super::run_summary(&r, &cat, out, &ALL, true, armed),
            ["under --fail-on-spike, no spike test: the input covers no whole UTC day"]
        );
        assert!(
            super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false)).is_empty()
        );
    }

    /// Inputs in which no file to read was found are why nothing was tested: said under
    /// --quiet, with --fail-on-spike or without (rev70a F4: the one line blamed the records'
    /// hours, and without --fail-on-spike nothing was said).
    #[test]
    fn a_quiet_run_of_no_input_file_says_so() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.spike_rows.clear();
        r.spikes.flagged.clear();
        r.spikes.note = Some("No spike test: the input covers no whole UTC day".into());
        r.volume.clear();
        r.inputs.clear();
        let none = "no input files found (directories are searched for .json files); passed over 1 file, in/PT1H.json.zip";
        r.warnings.push(none.into());
        let out = std::path::Path::new("reports");
        let armed = super::Ending {
            fail_on_spike: crate::config::FailOnSpike::Failure,
            ..end(Exit::Success, false)
        };
        assert_eq!(
            super::run_summary(&r, &cat, out, &ALL, true, armed),
            [format!("under --fail-on-spike, no spike test: {none}")]
        );
        assert_eq!(
            super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false)),
            [format!("warning: {none}")]
        );
    }

    /// The line of a quiet night that pages lists the resources the other volume lines follow
    /// from first, and says so, as the head on stderr does (`Flagged on DAY, resource acs-prod
    /// first: ...`).
    #[test]
    fn a_quiet_run_that_pages_names_the_resource_that_dropped_first() {
        use crate::spikes::volume::{test_scope, Bar};
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let (th, day) = (Bar::default(), r.volume[0].day);
        r.volume = vec![
            test_scope(day, "all", 1135, &[2300, 2300, 2300], &th),
            test_scope(day, "resource acs-prod", 835, &[2000, 2000, 2000], &th),
            test_scope(day, "resource acs-stage", 300, &[300, 300, 300], &th),
        ];
        let out = std::path::Path::new("reports");
        let (head, _, _) = super::super::summary::volume_lines(&r);
        assert!(head.contains(", resource acs-prod first: "), "{head}");
        let paged = super::run_summary(&r, &cat, out, &ALL, true, paging_end(false));
        assert_eq!(
            paged,
            ["flagged under --fail-on-spike: SPIKE 404/8522; resource acs-prod first, the lines of all records and the kinds follow from it: DROP resource acs-prod, DROP all; see spikes.csv and volume.csv"]
        );
        r.spike_rows.clear();
        let paged = super::run_summary(&r, &cat, out, &ALL, true, paging_end(false));
        assert_eq!(
            paged,
            ["flagged under --fail-on-spike: resource acs-prod first, the lines of all records and the kinds follow from it: DROP resource acs-prod, DROP all; see spikes.csv and volume.csv"]
        );
    }

    /// A night of 2,000 resources of which 1,990 stopped had said a ZERO line each on stderr
    /// (307 KB), and a `-q` line of 72 KB naming each twice (rev70a F16): all records and the
    /// kinds are said, and the first [`MOST_SAID`] resources, then how many more and where all are.
    #[test]
    fn resources_by_the_thousand_are_said_the_first_few_and_counted() {
        use super::MOST_SAID;
        use crate::spikes::volume::{test_scope, Bar};
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.spike_rows.clear();
        let (th, day) = (Bar::default(), r.volume[0].day);
        let n = MOST_SAID + 30;
        let mut volume = vec![
            test_scope(day, "all", 1000, &[6000, 6000, 6000], &th),
            test_scope(day, "kind media_summary", 1000, &[6000, 6000, 6000], &th),
        ];
        volume.extend((0..n).map(|i| {
            test_scope(
                day,
                &format!("resource acs-{i:04}"),
                0,
                &[100, 100, 100],
                &th,
            )
        }));
        volume.push(test_scope(
            day,
            "resource acs-up",
            1000,
            &[1000, 1000, 1000],
            &th,
        ));
        r.volume = volume;
        let out = std::path::Path::new("reports");
        let loud = super::run_summary(&r, &cat, out, &ALL, false, end(Exit::Success, false));
        let zero = |lines: &[String]| {
            lines
                .iter()
                .filter(|l| l.starts_with("ZERO: resource "))
                .count()
        };
        assert_eq!(zero(&loud), MOST_SAID, "{loud:#?}");
        assert!(
            loud.iter().any(|l| l.starts_with("DROP: all: ")),
            "{loud:#?}"
        );
        assert!(
            loud.iter()
                .any(|l| l.starts_with("DROP: kind media_summary: ")),
            "{loud:#?}"
        );
        assert!(
            loud.contains(&"30 more resources flagged, low or risen not shown; all are in volume.csv and report.json in reports".to_string()),
            "{loud:#?}"
        );
        let head = loud.iter().find(|l| l.starts_with("Flagged on ")).unwrap();
        assert!(
            head.contains(&format!("acs-{:04} and 30 more first: ", MOST_SAID - 1)),
            "{head}"
        );
        let paged = super::run_summary(&r, &cat, out, &ALL, true, paging_end(false));
        assert_eq!(paged.len(), 1, "{paged:#?}");
        assert_eq!(
            paged[0].matches("ZERO resource ").count(),
            MOST_SAID,
            "{}",
            paged[0]
        );
        let last = format!(
            ", ZERO resource acs-{:04}, DROP all, DROP kind media_summary, and 30 more resources; see spikes.csv and volume.csv",
            MOST_SAID - 1
        );
        assert!(paged[0].ends_with(&last), "{}", paged[0]);
        assert!(paged[0].len() < 2_000, "{}", paged[0].len());
        // Not paged (no --fail-on-spike): the quiet line of scopes flagged, low or risen alike.
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false));
        assert!(
            quiet[0].ends_with(", and 30 more resources; see volume.csv"),
            "{quiet:#?}"
        );
        // The pages: the same scopes, and a line saying how many more, and where they are.
        let (_, lines, more) = super::super::summary::volume_lines(&r);
        assert_eq!((lines.len(), more), (MOST_SAID + 2, 30));
        let md = super::super::summary::render(&r, &cat);
        assert!(md.contains("30 more resources flagged, low, risen or retired are not shown here; all are in volume.csv and report.json."), "{md}");
    }

    /// A lead is a resource the paging line lists, and one that others stand beside: a low
    /// resource does not page, and a retired one is none that stands, so the one resource left
    /// in service is no lead (rev65a L9: `resource acs-contoso first` before ZERO kinds alone).
    #[test]
    fn a_volume_lead_is_a_resource_the_line_shows_beside_one_in_service() {
        use crate::spikes::volume::{test_scope, Bar, VolumeStatus};
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        r.spike_rows.clear();
        let (th, day) = (Bar::default(), r.volume[0].day);
        let out = std::path::Path::new("reports");
        // acs-prod low, all that all records lack; acs-stage stands; a kind ZERO pages.
        r.volume = vec![
            test_scope(day, "all", 1700, &[2300, 2300, 2300], &th),
            test_scope(day, "kind operations", 0, &[100, 100, 100], &th),
            test_scope(day, "resource acs-prod", 1400, &[2000, 2000, 2000], &th),
            test_scope(day, "resource acs-stage", 300, &[300, 300, 300], &th),
        ];
        assert_eq!(r.volume[2].status, VolumeStatus::Low);
        let paged = super::run_summary(&r, &cat, out, &ALL, true, paging_end(false));
        assert_eq!(
            paged,
            ["flagged under --fail-on-spike: ZERO kind operations; see spikes.csv and volume.csv"]
        );
        // acs-stage retired (ZERO): acs-prod is every resource in service.
        r.volume[0] = test_scope(day, "all but retired", 1400, &[2000, 2000, 2000], &th);
        r.volume[3] = test_scope(day, "resource acs-stage", 0, &[300, 300, 300], &th);
        r.volume[3].status = VolumeStatus::Retired;
        let (head, _, _) = super::super::summary::volume_lines(&r);
        assert!(!head.contains("first"), "{head}");
    }

    /// A quiet night that does not page names its volume scopes low or risen on one line (an
    /// export that stopped at 14:00 had said nothing to cron's mail); one that pages names what
    /// was flagged instead.
    #[test]
    fn a_quiet_run_names_its_volume_scopes_low_or_risen() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let out = std::path::Path::new("reports");
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false));
        let risen = "volume not paged: rise all (259% of the expected), rise kind media_summary (241% of the expected); see volume.csv";
        assert_eq!(quiet, [risen]);
        let paged = super::run_summary(&r, &cat, out, &ALL, true, paging_end(false));
        assert!(!paged.iter().any(|l| l.starts_with("volume")), "{paged:?}");
        for v in r.volume.iter_mut() {
            v.status = crate::spikes::volume::VolumeStatus::Low;
            v.ratio = 0.58;
            v.stops = Some(Box::new((1_764_770_100, None)));
        }
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false));
        assert!(
            quiet[0].starts_with(
                "volume not paged: low all (58% of the expected, records stop at 13:55 UTC), "
            ),
            "{quiet:?}"
        );
        // A DROP not paged (no --fail-on-spike) is named, the worst first; a night of no
        // record says so.
        r.volume[1].status = crate::spikes::volume::VolumeStatus::Drop;
        r.volume[1].ratio = 0.3;
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false));
        assert!(quiet[0].starts_with("volume not paged: DROP "), "{quiet:?}");
        for v in r.volume.iter_mut() {
            v.status = crate::spikes::volume::VolumeStatus::Zero;
        }
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false));
        assert!(
            quiet[0].starts_with("volume not paged: no record on ")
                && quiet[0].contains(", every scope ZERO ("),
            "{quiet:?}"
        );
        r.volume.clear();
        assert!(
            super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false)).is_empty()
        );
    }

    /// The line names the limit, and one record as one (rev68a: `1 rejected records of 100
    /// read exceed --max-bad`, which left the user to look the limit up).
    #[test]
    fn the_max_bad_line_names_its_limit() {
        let one = crate::config::parse_max_bad("0.5%").unwrap();
        assert_eq!(
            super::over_max_bad(1, 100, one),
            "1 rejected record of 100 read exceeds --max-bad 0.5%"
        );
        let count = crate::config::MaxBad::Count(10);
        assert_eq!(
            super::over_max_bad(30, 1810, count),
            "30 rejected records of 1810 read exceed --max-bad 10"
        );
    }

    /// Rejects over --max-bad are said when the run pages too (exit 4, which takes precedence
    /// over 3), loud or quiet: the exit code says only the spike.
    #[test]
    fn rejects_over_max_bad_are_said_when_the_run_pages() {
        let cat = fixture::catalogue();
        let r = fixture::report(&cat);
        let out = std::path::Path::new("reports");
        let over = "2 rejected records of 149 read exceed --max-bad 1; see reports/rejects.csv";
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, paging_end(true));
        assert_eq!(
            quiet,
            [
                "flagged under --fail-on-spike: SPIKE 404/8522; see spikes.csv and volume.csv",
                over
            ]
        );
        let loud = super::run_summary(&r, &cat, out, &ALL, false, paging_end(true));
        assert_eq!(loud.last().map(String::as_str), Some(over));
        let under = super::run_summary(&r, &cat, out, &ALL, false, paging_end(false));
        assert!(!under.iter().any(|l| l.contains("--max-bad")), "{under:?}");
    }

    /// A night of Plays accepted with no outcome says so in one line, loud or quiet, with the
    /// share, and is not paged; a night where each has its outcome, or none is tested, says
    /// nothing of it here (the reports do).
    #[test]
    fn silent_actions_are_said_in_one_line_loud_or_quiet_and_not_paged() {
        use crate::aggregate::SilentRow;
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let play = SilentRow {
            action: "Play",
            outcomes_from: "media summary",
            tested: true,
            accepted: 460,
            with_outcome: 380,
            without_outcome: 80,
            calls: 80,
            ..SilentRow::default()
        };
        r.silent.kept = true;
        r.silent.rows = vec![play.clone()];
        r.volume.clear();
        let out = std::path::Path::new("reports");
        let said = "SILENT (not paged): accepted with no outcome record in their call: Play 80 of 460 tested (17.39%) in 80 calls (outcomes looked for in media summary); see silent_calls.csv";
        let quiet = super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false));
        assert_eq!(quiet, [said]);
        let loud = super::run_summary(&r, &cat, out, &ALL, false, end(Exit::Success, false));
        assert_eq!(loud.last().map(String::as_str), Some(said));
        let paged = super::run_summary(&r, &cat, out, &ALL, true, paging_end(false));
        assert_eq!(paged.len(), 2, "{paged:?}");
        assert_eq!(paged[1], said);
        let md = super::run_summary(
            &r,
            &cat,
            out,
            &[ReportFormat::Md],
            true,
            end(Exit::Success, false),
        );
        assert_eq!(md, [said.trim_end_matches("; see silent_calls.csv")]);
        let armed = crate::config::FailOnSpike::All;
        let max_bad = crate::config::MaxBad::Share(1.0);
        let exit = r.exit(armed, max_bad);
        r.silent.rows = Vec::new();
        assert_eq!(r.exit(armed, max_bad), exit, "not paged");
        for row in [
            SilentRow {
                with_outcome: 460,
                without_outcome: 0,
                calls: 0,
                ..play.clone()
            },
            SilentRow {
                tested: false,
                untested: 460,
                with_outcome: 0,
                without_outcome: 0,
                calls: 0,
                ..play
            },
        ] {
            r.silent.rows = vec![row];
            let lines = super::run_summary(&r, &cat, out, &ALL, false, end(Exit::Success, false));
            assert!(!lines.iter().any(|l| l.contains("SILENT")), "{lines:?}");
            assert!(
                super::run_summary(&r, &cat, out, &ALL, true, end(Exit::Success, false)).is_empty()
            );
        }
    }

    #[test]
    fn warnings_past_the_most_said_are_counted_and_sent_to_the_reports() {
        let cat = fixture::catalogue();
        let mut r = fixture::report(&cat);
        let n = super::MAX_SAID_WARNINGS + 7;
        r.warnings = (0..n).map(|i| format!("w{i}")).collect();
        let out = std::path::Path::new("reports");
        let said = |formats: &[ReportFormat]| {
            let lines =
                super::run_summary(&r, &cat, out, formats, false, end(Exit::Success, false));
            let warnings: Vec<String> = (lines.into_iter())
                .filter(|l| l.starts_with("warning: "))
                .collect();
            assert_eq!(warnings.len(), super::MAX_SAID_WARNINGS + 1, "{warnings:?}");
            assert_eq!(warnings[0], "warning: w0");
            warnings.last().cloned().unwrap()
        };
        assert_eq!(
            said(&ALL),
            "warning: 7 more warnings not shown; see summary.md, report.html, report.json in reports"
        );
        assert_eq!(
            said(&[ReportFormat::Csv, ReportFormat::Json]),
            "warning: 7 more warnings not shown; see report.json in reports"
        );
        assert_eq!(
            said(&[ReportFormat::Csv]),
            "warning: 7 more warnings not shown; --format md, html or json writes them all"
        );
    }
}
