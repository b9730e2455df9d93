//! `acs-triage report`: the nightly job. Ingest → aggregate → report → render → write.

use std::io::IsTerminal;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::aggregate::{Aggregator, Window};
use crate::catalogue::Catalogue;
use crate::cli::{Bucket, Progress, ReportArgs, ReportFormat};
use crate::config::{self};
use crate::exit_codes::Exit;
use crate::ingest;
use crate::output::{self, OutputSet};
use crate::render;
use crate::report;
use crate::spikes::{self, history::History};

/// Progress for a stderr that is not a terminal (`--progress always` into a log): one plain
/// line per update, about once a second, no cursor movement.
#[derive(Debug)]
struct LogLines(std::sync::Mutex<Option<std::time::Instant>>);

impl TermLike for LogLines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        let Ok(mut last) = self.0.lock() else {
            return Ok(());
        };
        let due = last.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1));
        if due && !s.trim().is_empty() {
            eprintln!("{s}");
            *last = Some(std::time::Instant::now());
        }
        Ok(())
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.write_line(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The progress bar on stderr, when wanted.
/// The progress bar, when one is shown; `total` (the bytes to read, which takes a walk of the
/// inputs) is only asked for then.
pub fn progress_bar(
    mode: Progress,
    quiet: bool,
    total: impl FnOnce() -> u64,
) -> Option<ProgressBar> {
    let tty = std::io::stderr().is_terminal();
    let show = !quiet
        && match mode {
            Progress::Always => true,
            Progress::Never => false,
            Progress::Auto => tty,
        };
    show.then(|| {
        let bar = ProgressBar::new(total());
        if !tty {
            bar.set_draw_target(ProgressDrawTarget::term_like_with_hz(
                Box::new(LogLines(Default::default())),
                1,
            ));
        }
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
        {
            bar.set_style(style);
        }
        bar
    })
}

/// The CSV reports, besides `rejects.csv`.
const REPORT_FILES: [&str; 6] = [
    "by_category.csv",
    "by_mitigation.csv",
    "by_code.csv",
    "by_operation.csv",
    "timeline.csv",
    "spikes.csv",
];

/// Written when any record carries SIP or Q.850 diagnostics.
const SIP_FILE: &str = "by_sip.csv";

pub fn bucket_secs(b: Bucket) -> i64 {
    match b {
        Bucket::Hour => 3600,
        Bucket::Day => 86_400,
    }
}

pub fn run(cat: Catalogue, args: &ReportArgs) -> Result<Exit> {
    let mut settings = args.ingest.settings(&args.inputs)?;
    let formats = config::formats(&args.format);
    output::writable_dir(&args.out)?;
    // Reports written inside an input directory are not read back as input next time.
    settings.skip_files.extend(
        REPORT_FILES
            .iter()
            .chain(["rejects.csv", "report.json"].iter())
            .map(|f| args.out.join(f)),
    );
    settings.skip_files.push(args.out.join(SIP_FILE));
    if let Some(h) = &args.spikes.history {
        output::writable_dir(h)?;
    }
    let window = Window {
        since: args.since,
        until: args.until,
    };
    let bar = progress_bar(args.progress, args.quiet, || ingest::total_bytes(&settings));
    let (agg, ingested) = ingest::ingest(&settings, bar.as_ref(), || {
        let agg = Aggregator::new(window, bucket_secs(args.bucket));
        // Only summary.md and report.html show messages: skip the work otherwise.
        if formats.contains(&ReportFormat::Md) || formats.contains(&ReportFormat::Html) {
            agg
        } else {
            agg.without_messages()
        }
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut warnings = ingested.warnings;
    if ingested.files.is_empty() {
        warnings.push(format!(
            "no input files found (directories are searched for .{} files, optionally .gz)",
            ingest::WALKED_EXTENSIONS.join(", .")
        ));
    } else if agg.read() == 0 {
        warnings.push("the inputs hold no records".into());
    }
    if agg.rejects_truncated() {
        warnings.push(format!(
            "{} records were rejected; rejects.csv lists the first {} by file and line",
            agg.rejected,
            crate::aggregate::MAX_REJECT_ROWS
        ));
    }

    // The input's own days count as history; stored days fill in the baseline.
    let input_days = History::from_aggregator(&agg);
    let day = spikes::report_day(&input_days, args.spikes.day);
    let mut history = match &args.spikes.history {
        Some(dir) => History::load(dir, &mut warnings)?,
        None => History::default(),
    };
    let taken = history.merge(input_days);
    let found = spikes::detect(&history, day, args.spikes.thresholds.thresholds());
    // The history's days and the reports are replaced together, once all are written.
    let mut set = OutputSet::new();
    if let Some(dir) = &args.spikes.history {
        history.stage(dir, &taken, &mut set)?;
    }
    let rep = report::build(agg, &cat, ingested.files, warnings, found)?;

    let out = &args.out;
    // rejects.csv is always written, even empty.
    set.add(
        &out.join("rejects.csv"),
        &render::csv::render(&rep.rejects)?,
    )?;
    for f in &formats {
        match f {
            ReportFormat::Csv => {
                let tables = [
                    &rep.by_category,
                    &rep.by_mitigation,
                    &rep.by_code,
                    &rep.by_operation,
                    &rep.timeline_df,
                    &rep.spikes_df,
                ];
                for (name, df) in REPORT_FILES.iter().zip(tables) {
                    set.add(&out.join(name), &render::csv::render(df)?)?;
                }
                let sip = out.join(SIP_FILE);
                if rep.by_sip.height() > 0 {
                    set.add(&sip, &render::csv::render(&rep.by_sip)?)?;
                } else {
                    // A diagnostics table of an earlier run would not belong to this report.
                    set.remove(&sip);
                }
            }
            ReportFormat::Md => set.add(
                &out.join("summary.md"),
                render::summary::render(&rep, &cat).as_bytes(),
            )?,
            ReportFormat::Html => set.add(
                &out.join("report.html"),
                render::html::render(&rep, &cat)?.as_bytes(),
            )?,
            ReportFormat::Json => {
                let mut s = serde_json::to_string_pretty(&render::report_json::render(&rep, &cat))?;
                s.push('\n');
                set.add(&out.join("report.json"), s.as_bytes())?;
            }
        }
    }
    set.commit()?;

    if !args.quiet {
        for w in &rep.warnings {
            eprintln!("acs-triage: warning: {w}");
        }
        eprintln!(
            "acs-triage: {} records read: {} accepted, {} rejected, {} skipped; failure rate {:.2}%; reports in {}",
            rep.read,
            rep.accepted,
            rep.rejected,
            rep.skipped,
            rep.failure_rate() * 100.0,
            out.display()
        );
    }
    let spiked = !rep.spikes.flagged.is_empty();
    if spiked && !args.quiet {
        for v in &rep.spikes.flagged {
            eprintln!(
                "acs-triage: {}: {}",
                v.status.as_str(),
                report::spike_sentence(v, &cat)
            );
        }
    }
    if spiked && args.fail_on_spike {
        return Ok(Exit::SpikesFound);
    }
    if args.max_bad.exceeded(rep.rejected, rep.read) {
        eprintln!(
            "acs-triage: {} rejected records of {} read exceed --max-bad; see {}",
            rep.rejected,
            rep.read,
            out.join("rejects.csv").display()
        );
        return Ok(Exit::TooManyRejects);
    }
    Ok(Exit::Success)
}
