//! `acs-triage report`: the nightly job. Ingest → aggregate → spikes → report → render → write.

use anyhow::{Context, Result};

use crate::aggregate::{Aggregator, Spill};
use crate::catalogue::Catalogue;
use crate::cli::{ReportArgs, ReportFormat, SpikesBy};
use crate::config;
use crate::exit_codes::Exit;
use crate::ingest::{self, RejectRows};
use crate::output::{self, OutputSet};
use crate::progress::progress_bar;
use crate::render;
use crate::report;
use crate::spikes::{self, history::History};

pub fn run(cat: Catalogue, args: &ReportArgs) -> Result<Exit> {
    let out = args.out.as_deref().context("--out is required")?;
    let mut settings = args.ingest.settings(&args.inputs)?;
    let formats = config::formats(&args.format);
    output::writable_dir(out, "output directory")?;
    // Reports written inside an input directory are not read back as input next time.
    settings
        .skip_files
        .extend(output::report_files().map(|f| out.join(f)));
    if let Some(h) = &args.spikes.history {
        output::writable_dir(h, "history directory")?;
    }
    let window = args.window.window();
    // Only summary.md and report.html show messages: the others skip keeping them.
    let messages = formats.contains(&ReportFormat::Md) || formats.contains(&ReportFormat::Html);
    // Each resource's keys by day serve the stored history and the spike test by resource.
    let resource_days = args.spikes.history.is_some() || args.spikes_by == SpikesBy::Resource;
    let bar = progress_bar(args.progress, args.quiet, || ingest::total_bytes(&settings));
    let (rejects, spill) = (RejectRows::default(), Spill::default());
    let (agg, ingested) = ingest::ingest(&settings, bar.as_ref(), || {
        Aggregator::new(window, args.bucket.secs())
            .keeping_messages(messages)
            .keeping_resource_days(resource_days)
            .with_resources(&args.window.resource)
            .sharing_rejects(&rejects)
            .sharing_cells(&spill)
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut warnings = ingested.warnings;
    warnings.extend(agg.unmatched_resources());
    // Files of other formats an earlier run wrote stay, and are said to be that run's.
    warnings.extend(render::earlier_formats(&formats, out));

    // The input's own days count as history; stored days fill in the baseline.
    let input_days = History::from_aggregator(&agg);
    let (history, w) = History::stored(args.spikes.history.as_deref())?;
    warnings.extend(w);
    // A run of some resources is compared with their history, and is not stored as the day.
    let filtered = !args.window.resource.is_empty();
    let mut history = history.for_resources(&args.window.resource, &input_days);
    if args.spikes.history.is_some() {
        let ids = args
            .window
            .resource
            .iter()
            .filter(|p| p.as_str().contains('/'));
        warnings.extend(ids.map(|p| format!(
            "--resource {}: a glob over whole ids; the history holds resource names, so a resource it keeps that sent nothing is not tested",
            p.as_str()
        )));
    }
    // The report day: --day, else the last whole day of a window that ends, else the input's
    // last complete day.
    let forced = args.spikes.day.or_else(|| spikes::window_day(&window));
    let day = spikes::report_day(&input_days, forced).or_else(|| {
        // Not one record kept (the export stopped, or each kept resource's did) and no window
        // to name the day: the night after the history's last, once over, whose volume test
        // then finds nothing where the baseline had records.
        // The last complete day: a few records past midnight leave a partial stub after it.
        let last = history.days.values().rev().find(|d| !d.partial);
        let next = last.map(|d| d.day + 1)?;
        let unwindowed = window.since.is_none() && window.until.is_none();
        (agg.accepted == 0 && unwindowed && spikes::is_over(next)).then(|| {
            warnings.push(format!(
                "no records kept: the volume and spike tests are for {}, the day after the history's last complete one",
                crate::time::day_text(next)
            ));
            next
        })
    });
    // Records, and yet no day to test: said where cron's mail shows it, with the way out.
    if let (None, Some((from, to))) = (day, spikes::history::coverage(&agg)) {
        let hour = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:00").to_string())
        };
        warnings.push(format!(
            "no spike or volume test: the records cover {} to {} UTC, no whole UTC day; for a night whose last files are late, or a tenant quiet around midnight UTC, give the night as --since and --until (or --day)",
            hour(from),
            hour(to)
        ));
    }
    let taken = history.merge(input_days);
    let thresholds = args.spikes.thresholds.thresholds();
    let found = match args.spikes_by {
        SpikesBy::All => spikes::detect(&history, day, thresholds),
        SpikesBy::Resource => spikes::detect_by_resource(&history, day, thresholds),
    };
    // A --day the run does not hold whole: a day under way has no volume test (it would
    // compare part of a day with whole ones); a day that is over is tested, its shortfall
    // being the export's (stopped at noon, or missing), and said. The spike test compares
    // shares of the day's records.
    let not_whole = (args.spikes.day)
        .filter(|_| agg.accepted > 0)
        .and_then(|d| Some((d, spikes::day_not_whole(&history, d)?)));
    let volume = match not_whole {
        Some((d, why)) if !spikes::is_over(d) => {
            warnings.push(format!("{why}, and it is not over: no volume test"));
            Vec::new()
        }
        not_whole => {
            warnings.extend(not_whole.map(|(_, why)| format!(
                "{why}: its volume test counts what the input holds of it, so a DROP or ZERO may be an export that stopped, or files left out"
            )));
            spikes::volume::test(&history, day, &thresholds, &args.retired)
        }
    };
    if !args.retired.is_empty() && volume.first().is_some_and(|v| v.scope == "all") {
        warnings.push(
            "--retired names both a log kind and a resource with records: the history cannot tell their records apart, so the first volume scope stays `all`".to_string(),
        );
    }

    // The history's days and the reports are replaced together, once all are written. The
    // history is staged first and dropped, so that the report is not made beside it.
    let mut set = OutputSet::new();
    match &args.spikes.history {
        Some(dir) if filtered => warnings.push(format!(
            "history {} is read for the resources --resource keeps, and not written: their records are not the whole day",
            dir.display()
        )),
        Some(dir) => history.stage(dir, &taken, &mut set)?,
        None => {}
    }
    drop(history);
    let rep = report::build(agg, &cat, ingested.files, warnings, found, volume);
    render::report_files(&rep, &cat, &formats, out, &mut set)?;
    set.commit()?;

    let exit = rep.exit(args.fail_on_spike, args.max_bad);
    for line in render::text::run_summary(&rep, &cat, out, args.quiet, exit) {
        eprintln!("acs-triage: {line}");
    }
    Ok(exit)
}
