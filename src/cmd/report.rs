//! `acs-triage report`: the nightly job. Ingest → aggregate → spikes → report → render → write.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::aggregate::{self, Aggregator, CallsOfResources, Spill};
use crate::catalogue::Catalogue;
use crate::cli::{ReportArgs, ReportFormat, SpikesBy};
use crate::config::{self, IngestSettings};
use crate::exit_codes::Exit;
use crate::ingest::{self, FilesDays, IngestReport, RejectRows};
use crate::output::{self, OutputSet};
use crate::progress::progress_bar;
use crate::render;
use crate::report;
use crate::spikes::{history::History, night, night::Night};

/// `also_read`: the files the run reads besides its inputs, which no report may replace
/// ([`crate::cli::Cli::files_read`]).
pub fn run(cat: Catalogue, args: &ReportArgs, also_read: &[(PathBuf, &str)]) -> Result<Exit> {
    let out = args.out.as_deref().context("--out is required")?;
    let formats = config::formats(&args.format);
    let settings = checked_settings(args, out, &formats, also_read)?;
    let (agg, ingested, calls) = read(args, &settings, &formats)?;
    let copied = ingested.copied();
    // The days the copies' records and those of a guessed day/month order fall on.
    let doubted = (ingested.copied_days(), ingested.guessed_days());
    // The catalogue's first (a pair given twice, whose second text no report shows).
    let mut warnings = cat.warnings.clone();
    warnings.extend(ingested.warnings);
    warnings.extend(calls.warning());
    warnings.extend(calls.changed(&settings));
    warnings.extend(agg.unmatched_resources());
    // Files of other formats an earlier run wrote stay, and are said to be that run's.
    warnings.extend(render::earlier_formats(&formats, out));
    let over_max_bad = args.max_bad.exceeded(agg.rejected, agg.read());
    // The history's days and the reports are replaced together, once all are written.
    let mut set = OutputSet::new();
    let rejects = over_max_bad.then_some((agg.rejected, agg.read()));
    let night = test_night(args, &agg, (rejects, calls.joined()), doubted, &mut set)?;
    warnings.extend(night.warnings);
    let mut rep = report::build(
        agg,
        &cat,
        (ingested.files, args.inputs.clone(), settings.reading()),
        warnings,
        night.spikes,
        night.volume,
    );
    rep.copied = copied;
    rep.csv_not_written = !formats.contains(&ReportFormat::Csv);
    rep.json_not_written = !formats.contains(&ReportFormat::Json);
    render::report_files(&rep, &cat, &formats, out, &mut set)?;
    let exit = rep.exit(args.fail_on_spike, args.max_bad);
    crate::output::ends_with(exit as u8);
    set.commit()?;

    let end = render::text::Ending {
        exit,
        over_max_bad: over_max_bad.then_some(args.max_bad),
        fail_on_spike: args.fail_on_spike,
    };
    let summary = render::text::run_summary(&rep, &cat, out, &formats, args.quiet, end);
    for line in summary {
        crate::say!("acs-triage: {line}");
    }
    Ok(exit)
}

/// The settings to read the inputs by (each must exist), which do not read the reports back;
/// a report or the history that could not be written fails the run here, before any input is
/// read.
fn checked_settings(
    args: &ReportArgs,
    out: &Path,
    formats: &[ReportFormat],
    read: &[(PathBuf, &str)],
) -> Result<IngestSettings> {
    let mut settings = args.ingest.settings(&args.inputs)?;
    output::writable_dir(out, "output directory")?;
    // Reports written inside an input directory are not read back as input next time.
    settings
        .skip_files
        .extend(output::report_files().map(|f| out.join(f)));
    // And the history's days, which a walk would call exports of a kind it does not read.
    settings.history = args.spikes.history.clone();
    if let Some(h) = &args.spikes.history {
        // One behind a directory the user cannot search is said so, as triage says it: it is
        // read first (making it would fail with "cannot create").
        if let Err(e) = h.try_exists() {
            anyhow::bail!("cannot read history {}: {e}", crate::text::path(h));
        }
        output::writable_dir(h, "history directory")?;
    }
    // A report file that is also a file the run reads (named, or through a link) would be
    // destroyed: an input, the catalogue or config file, a day of the history.
    let outputs: Vec<_> = (output::report_outputs(formats).into_iter())
        .map(|f| out.join(f))
        .collect();
    let reads = output::Reads {
        settings: &settings,
        files: read,
        history: (args.spikes.history.as_deref()).map(|h| (h, "which report reads and writes")),
    };
    output::checked_outputs(out, &outputs, &reads)?;
    Ok(settings)
}

/// Reads the inputs into one aggregate, with a progress bar when asked for; under
/// `--resource`, the files first for the calls of the resources kept, whose callback records
/// it keeps.
fn read(
    args: &ReportArgs,
    settings: &IngestSettings,
    formats: &[ReportFormat],
) -> Result<(Aggregator, IngestReport, CallsOfResources)> {
    // Only summary.md and report.html show messages: the others skip keeping them.
    let messages = formats.contains(&ReportFormat::Md) || formats.contains(&ReportFormat::Html);
    // Each resource's keys by day serve the stored history and the spike test by resource.
    let resource_days = args.spikes.history.is_some() || args.spikes_by == SpikesBy::Resource;
    let filter = || {
        Aggregator::new(args.window.window(), args.bucket.secs())
            .with_resources(&args.window.resource)
    };
    let filtered = !args.window.resource.is_empty();
    // Under --resource, regular files are read twice (their calls first): one bar for both.
    let bar = progress_bar(args.progress, args.quiet, || {
        ingest::total_bytes(settings) * if filtered { 2 } else { 1 }
    });
    let calls = aggregate::calls_of_resources(settings, filtered, bar.as_ref(), filter)?;
    if let (Some(b), CallsOfResources::Once) = (&bar, &calls) {
        // Standard input or a pipe among the inputs: one reading.
        b.set_length(ingest::total_bytes(settings));
    }
    let (rejects, spill) = (RejectRows::default(), Spill::default());
    let read = ingest::ingest(settings, bar.as_ref(), || {
        Aggregator::new(args.window.window(), args.bucket.secs())
            .keeping_messages(messages)
            .keeping_resource_days(resource_days)
            .keeping_silent(true)
            .joining_callbacks(true)
            .with_resources(&args.window.resource)
            .with_calls_of_resources(&calls)
            .sharing_rejects(&rejects)
            .sharing_cells(&spill)
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let (agg, ingested) = read;
    Ok((agg, ingested, calls))
}

/// Tests the night against the history, and stages the history's new days in `set`. The
/// history is dropped on return, so that the report is not made beside it. `joined`: whether
/// the run counted the callback records of its resources' calls; `copied` and `guessed`: the
/// input files that look like copies of others, and those whose day/month order was guessed,
/// with the days of their records, which are stored partial.
fn test_night(
    args: &ReportArgs,
    agg: &Aggregator,
    (over_max_bad, joined): (Option<(u64, u64)>, bool),
    (copied, guessed): (Option<FilesDays>, Option<FilesDays>),
    set: &mut OutputSet,
) -> Result<Night> {
    // The input's own days count as history; stored days fill in the baseline.
    let input_days = History::from_aggregator(agg);
    // A run that stores its days holds the history from its read to its set's commit: two
    // runs at once each read the other's days, one after the other.
    let filtered = !args.window.resource.is_empty();
    if let Some(dir) = args.spikes.history.as_deref().filter(|_| !filtered) {
        set.hold(dir, "history")?;
    }
    let (history, mut warnings) = History::stored(args.spikes.history.as_deref())?;
    // A run of some resources is compared with their history, and is not stored as the day.
    let mut history = history.for_resources(&args.window.resource, &input_days, joined);
    let asked = night::Asked {
        day: args.spikes.day,
        window: args.window.window(),
        thresholds: args.spikes.thresholds.thresholds(),
        volume_low_ratio: args.volume_low_ratio,
        by_resource: args.spikes_by == SpikesBy::Resource,
        retired: &args.retired,
        resources: &args.window.resource,
        stored: args.spikes.history.is_some(),
        over_max_bad,
        copied: copied.as_ref(),
        guessed: guessed.as_ref(),
    };
    let mut night = night::test(&mut history, input_days, agg, &asked);
    warnings.append(&mut night.warnings);
    match &args.spikes.history {
        Some(dir) if filtered => warnings.push(format!(
            "history {} is read for the resources --resource keeps, and not written: their records are not the whole day",
            crate::text::path(dir)
        )),
        Some(dir) => history.stage(dir, &night.taken, set)?,
        None => {}
    }
    night.warnings = warnings;
    Ok(night)
}
