//! `acs-triage report`: the nightly job. Ingest → aggregate → report → render → write.

use anyhow::Result;

use crate::aggregate::{Aggregator, Window};
use crate::catalogue::Catalogue;
use crate::cli::{Bucket, ReportArgs, ReportFormat};
use crate::config::{self};
use crate::exit_codes::Exit;
use crate::ingest;
use crate::output::{self, OutputSet};
use crate::progress::progress_bar;
use crate::render;
use crate::report;
use crate::spikes::{self, history::History};

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
    settings
        .skip_files
        .extend(output::REPORT_FILES.iter().map(|f| args.out.join(f)));
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
    let rep = report::build(agg, &cat, ingested.files, warnings, found);
    let out = &args.out;
    let files = render::report_files(&rep, &cat, &formats)?;
    for (name, bytes) in &files {
        set.add(&out.join(name), bytes)?;
    }
    if !files.iter().any(|(name, _)| *name == "by_sip.csv") && formats.contains(&ReportFormat::Csv)
    {
        // A diagnostics table of an earlier run would not belong to this report.
        set.remove(&out.join("by_sip.csv"));
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
