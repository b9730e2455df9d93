//! `acs-triage triage SUBCODE [INPUT]...`: the deep dive on one subcode.

use std::io::Write;

use anyhow::Result;

use crate::aggregate::{Aggregator, Focus, SharedIds, Window};
use crate::catalogue::Catalogue;
use crate::cli::TriageArgs;
use crate::exit_codes::Exit;
use crate::ingest::{self, IngestReport, RejectRows};
use crate::output;
use crate::render;
use crate::report::triage;
use crate::spikes::{self, history::History};

pub fn run(cat: Catalogue, args: &TriageArgs) -> Result<Exit> {
    let settings = args.ingest.settings(&args.inputs)?;
    // An output that cannot be written fails now, not after reading the input.
    if let Some(path) = &args.out {
        output::writable_file(path)?;
    }
    let rejects = RejectRows::default();
    let ids = SharedIds::default();
    let make = || {
        Focus::new(
            args.subcode,
            args.code,
            Aggregator::new(Window::default(), args.bucket.secs()).sharing_rejects(&rejects),
        )
        .sharing_ids(&ids)
    };
    let (focus, ingested) = if args.inputs.is_empty() {
        (make(), IngestReport::default())
    } else {
        ingest::ingest(&settings, None, make)?
    };
    // The focus holds the ids now (the rows take them, and drop the rest).
    drop(ids);
    let mut warnings = ingested.warnings;
    let input_days = History::from_aggregator(&focus.all);
    let (mut history, w) = History::stored(args.spikes.history.as_deref())?;
    warnings.extend(w);
    // Without input, the verdict is for the last complete day of the history.
    let day = spikes::report_day(&input_days, args.spikes.day)
        .or_else(|| spikes::report_day(&history, None));
    history.merge(input_days);
    let t = triage::build(
        focus,
        &cat,
        &history,
        day,
        args.spikes.thresholds.thresholds(),
    );

    let bytes = if args.calls {
        render::triage::calls(&t, args.format, args.limit)?
    } else {
        render::triage::render(&t, args.format)?
    };
    for w in &warnings {
        eprintln!("acs-triage: warning: {}", render::text::line(w));
    }
    match &args.out {
        Some(path) => output::write_file(path, &bytes)?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(Exit::Success)
}
