//! `acs-triage triage SUBCODE [INPUT]...`: the deep dive on one subcode.

use std::io::Write;

use std::sync::Arc;

use anyhow::Result;

use crate::aggregate::{
    self, Aggregator, CallsOfResources, Focus, IdsOf, SharedIds, Spill, MAX_IDS,
};
use crate::catalogue::Catalogue;
use crate::cli::{SpikesBy, TriageArgs};
use crate::config::IngestSettings;
use crate::exit_codes::Exit;
use crate::ingest::{self, IngestReport, RejectRows, Stamp};
use crate::output;
use crate::render;
use crate::report::triage;
use crate::spikes::{history::History, night};

/// `also_read`: the files the run reads besides its inputs and history, which `--out` may not
/// replace ([`crate::cli::Cli::files_read`]).
pub fn run(
    cat: Catalogue,
    args: &TriageArgs,
    also_read: &[(std::path::PathBuf, &str)],
) -> Result<Exit> {
    let mut settings = args.ingest.settings(&args.inputs)?;
    // The history's days inside an input directory are no exports to be said passed over.
    settings.history = args.spikes.history.clone();
    // triage never makes the history `report` keeps: a path that is not one is a typo, not
    // a history without days.
    // One behind a directory the user cannot search is said so, not "not a directory".
    if let Some(h) = &args.spikes.history {
        match std::fs::metadata(h) {
            Ok(m) if m.is_dir() => {}
            // A path pasted before any `report --history` made it (rev65a L1).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
                "history {} does not exist (triage reads the one `report --history` keeps: run report with --history first)",
                crate::text::path(h)
            ),
            Err(e) => anyhow::bail!("cannot read history {}: {e}", crate::text::path(h)),
            _ => anyhow::bail!(
                "history {} is not a directory (triage reads the one `report --history` keeps)",
                crate::text::path(h)
            ),
        }
    }
    // An output that cannot be written fails now, not after reading the input.
    // `--out -` is standard output, as an INPUT `-` is standard input.
    let out = (args.out.as_ref()).filter(|p| p.as_os_str() != "-");
    if let Some(path) = out {
        let reads = output::Reads {
            settings: &settings,
            files: also_read,
            history: (args.spikes.history.as_deref())
                .map(|h| (h, "which triage reads and never writes")),
        };
        output::checked_outputs(path, std::slice::from_ref(path), &reads)?;
    }
    let (focus, ingested, calls) = read(args, &settings, (MAX_IDS, SharedIds::TEXT_BYTES))?;
    let mut warnings = ingested.warnings;
    warnings.extend(calls.warning());
    warnings.extend(calls.changed(&settings));
    warnings.extend(focus.all.unmatched_resources());
    let input_days = History::from_aggregator(&focus.all);
    let (history, w) = History::stored(args.spikes.history.as_deref())?;
    warnings.extend(w);
    // A look at some resources is compared with their history.
    let mut history = history.for_resources(&args.window.resource, &input_days, calls.joined());
    // The subcode's days as the stored history holds them, before the input's join them.
    let stored_days = (args.spikes.history.as_ref())
        .map(|_| triage::history_days(&history, args.subcode(), args.code()));
    // Split as the verdicts are, when each resource is tested against its own history.
    let stored_by_resource = match (&args.spikes.history, args.spikes_by) {
        (Some(_), SpikesBy::Resource) => {
            triage::history_days_by_resource(&history, args.subcode(), args.code())
        }
        _ => Vec::new(),
    };
    let mut verdict = night::verdict_day(
        &input_days,
        &history,
        &focus.all,
        args.spikes.day,
        &args.window.window(),
        args.spikes.history.is_some(),
    );
    // The run's part of a day the history holds whole is tested, as `report` tests it.
    if let (_, Some(stored)) = night::merge_tested(&mut history, input_days, verdict.day) {
        verdict.notes.insert(
            0,
            format!(
                "{}: the verdict counts this run's records, as report's spike test does",
                night::kept_said(&history, &stored)
            ),
        );
    }
    let asked = triage::Asked {
        day: verdict.day,
        thresholds: args.spikes.thresholds.thresholds(),
        by_resource: args.spikes_by == SpikesBy::Resource,
    };
    // The kql commands look back from the last day the input and history hold.
    let last_day = history.days.keys().next_back().copied();
    let numbers = match args.full_numbers {
        true => triage::Numbers::Full,
        false => triage::Numbers::Masked,
    };
    let mut t = triage::build_showing(focus, &cat, &history, &asked, numbers);
    t.history = stored_days;
    t.history_by_resource = stored_by_resource;
    let mut steps = triage::next_steps(
        (args.subcode(), args.code()),
        (&args.inputs, &settings.reading(), numbers),
        &args.window.window(),
        &args.window.resource,
        last_day,
    );
    // An input without the key has no calls to list: said, not a command that lists none
    // (rev65a L5).
    if !args.inputs.is_empty() && t.totals.is_empty() {
        steps.no_calls = Some(format!(
            "{} does not occur in the records accepted",
            t.title()
        ));
    }
    t.next_steps = Some(steps);
    t.verdict_note = verdict.noted(t.verdict_note.take());
    // Only Markdown and JSON without --calls print a verdict: the others are not warned about it.
    let verdict_shown = !args.calls && args.format != crate::config::TriageFormat::Csv;
    if verdict_shown {
        warnings.extend(verdict.why_none);
        warnings.extend(verdict.notes);
    }

    for w in &warnings {
        crate::say!("acs-triage: warning: {}", crate::text::line(w));
    }
    // Nothing of the code asked for, but of the subcode under others: whatever the format.
    if let Some(line) = t.other_codes_line().filter(|_| t.totals.is_empty()) {
        crate::say!("acs-triage: note: {line}");
    }
    if let Some(line) = t.as_code_line() {
        crate::say!("acs-triage: note: {line}");
    }
    match out {
        Some(path) => {
            let bytes = match args.calls {
                true => render::triage::calls(&t, args.format, args.limit)?,
                false => render::triage::render(&t, args.format)?,
            };
            // Its exit status, for a second SIGINT or SIGTERM once the file is in place.
            let exit = match args.max_bad.exceeded(t.rejected, t.read) {
                true => Exit::TooManyRejects,
                false => Exit::Success,
            };
            output::ends_with(exit as u8);
            output::write_file(path, &bytes)?;
        }
        None => {
            // Written as it is made: the rows of every call are never held at once.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match args.calls {
                true => render::triage::write_calls(&t, args.format, args.limit, &mut out)?,
                false => render::triage::write(&t, args.format, &mut out)?,
            }
            out.flush()?;
        }
    }
    // Records that could not be read may be of the subcode: as for `report`, past --max-bad
    // the answer is not one to trust.
    if args.max_bad.exceeded(t.rejected, t.read) {
        crate::say!(
            "acs-triage: {}; `acs-triage report` lists them in rejects.csv",
            render::text::over_max_bad(t.rejected, t.read, args.max_bad)
        );
        return Ok(Exit::TooManyRejects);
    }
    Ok(Exit::Success)
}

/// Reads the inputs into the focus. Files that can be read again hold the ids by
/// CorrelationId of `limits.0` calls at most (and the resources of as many more calls that
/// name no other id), and `limits.1` bytes of the calls' texts; past either, the calls listed
/// are chosen and the files read a second time for what they lack, and only that
/// ([`Focus::wanted`]). Under `--resource`, the files are read first for the
/// calls of the resources kept, whose callback records are kept.
fn read(
    args: &TriageArgs,
    settings: &IngestSettings,
    limits: (usize, usize),
) -> Result<(Focus, IngestReport, CallsOfResources)> {
    let files = ingest::regular_files(settings);
    let (rejects, spill) = (RejectRows::default(), Spill::default());
    let listing = triage::listing(args.calls, args.format, args.limit);
    let ids = match files {
        Some(_) => SharedIds::limits(limits.0, limits.1),
        None => SharedIds::default(),
    };
    let resources = || {
        Aggregator::new(args.window.window(), args.bucket.secs())
            .with_resources(&args.window.resource)
    };
    let filtered = !args.window.resource.is_empty() && !args.inputs.is_empty();
    let calls = aggregate::calls_of_resources(settings, filtered, None, resources)?;
    let filter = || {
        // Each resource's keys by day serve the spike test by resource.
        resources()
            .keeping_resource_days(args.spikes_by == SpikesBy::Resource)
            .with_calls_of_resources(&calls)
    };
    let make = || {
        let all = filter().sharing_rejects(&rejects).sharing_cells(&spill);
        let focus = Focus::new(args.subcode(), args.code(), all).listing(listing);
        focus.sharing_ids(&ids)
    };
    if args.inputs.is_empty() {
        return Ok((make(), IngestReport::default(), calls));
    }
    let (mut focus, ingested) = ingest::ingest(settings, None, make)?;
    let overflowed = ids.overflowed();
    let lacking = overflowed || ids.resources_overflowed() || focus.texts_dropped();
    let Some(files) = files.filter(|_| lacking) else {
        return Ok((focus, ingested, calls));
    };
    if overflowed {
        // The table let its ids go (but a call or two entered past its flag); the rows take
        // those read again.
        focus.ids = SharedIds::default();
    }
    drop(ids);
    let Some(wanted) = focus.wanted(!overflowed) else {
        return Ok((focus, ingested, calls));
    };
    let (wanted, again) = (Arc::new(wanted), SharedIds::default());
    let second = IngestSettings {
        inputs: files.iter().map(|f| f.path().to_path_buf()).collect(),
        ..settings.clone()
    };
    let (found, _) = ingest::ingest(&second, None, || IdsOf::new(&wanted, &again, filter()))?;
    drop(again);
    focus.read_again(wanted, found);
    let mut report = ingested;
    if let Some(w) = changed(&files, ingest::regular_files(settings)) {
        report.warnings.push(w);
    }
    Ok((focus, report, calls))
}

/// What to say when the input files `now` are not those read first (`then`): their ids,
/// read again, may not be those of the records counted.
fn changed(then: &[Stamp], now: Option<Vec<Stamp>>) -> Option<String> {
    let what = ingest::changed_since(then, now)?;
    Some(format!(
        "{what}: changed while read; the ids of the calls listed were read from it a second time and may not be those of the records counted"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use crate::cli::{Cli, Command};
    use crate::config::TriageFormat;
    use clap::Parser;

    /// A storage-archive record of call `n`: of subcode 8522 without ids, or of another
    /// subcode naming them, at second `s` of the day.
    fn record(n: u32, s: u32, focused: bool) -> String {
        let ids = if focused {
            String::new()
        } else {
            format!(
                r#","callConnectionId":"cc-{n}-{s}","serverCallId":"server-{n}-{s}","sdkType":"java","sdkVersion":"1.{s}""#
            )
        };
        let (code, sub) = if focused { (400, 8522) } else { (200, 0) };
        format!(
            r#"{{"time":"2026-11-24T01:{:02}:{:02}Z","operationName":"PlayPrompt","category":"CallAutomationOperational","resultSignature":{code},"correlationId":"0ecaf828-e2f7-4553-8fcc-{n:012x}","properties":{{"resultCode":{code},"resultSubcode":{sub}{ids}}}}}"#,
            s / 60,
            s % 60
        )
    }

    /// `triage 8522 DIR`, and its ingest settings.
    fn triage_of(dir: &std::path::Path) -> (TriageArgs, IngestSettings) {
        let cli = Cli::parse_from(["acs-triage", "triage", "8522", dir.to_str().unwrap()]);
        let Command::Triage(args) = cli.command else {
            panic!("a triage command");
        };
        let settings = args.ingest.settings(&args.inputs).unwrap();
        (args, settings)
    }

    /// The calls `triage` shows with their (CallConnectionId, ServerCallId, SDK), and its
    /// JSON.
    fn shown(
        args: &TriageArgs,
        settings: &IngestSettings,
        cat: &Catalogue,
        max_ids: usize,
    ) -> (Vec<(String, String, String, String)>, String) {
        let (focus, _, _) = read(args, settings, (max_ids, usize::MAX)).unwrap();
        let t = triage::build(focus, cat, &History::default(), &Default::default());
        let calls = (t.calls.iter())
            .map(|c| {
                let ids = (&c.call_connection_id, &c.server_call_id, &c.sdk);
                (
                    c.call_id.clone(),
                    ids.0.clone(),
                    ids.1.clone(),
                    ids.2.clone(),
                )
            })
            .collect();
        let json = render::triage::render(&t, TriageFormat::Json).unwrap();
        (calls, String::from_utf8(json).unwrap())
    }

    /// Past the ids it may hold, `triage` reads its files again for the ids of the focused
    /// calls, and shows what one reading holding every id shows.
    #[test]
    fn past_the_ids_it_holds_triage_reads_them_again_and_shows_the_same() {
        let dir = tempfile::tempdir().unwrap();
        // Each call's ids are named before and after its focused records, in two files; the
        // earliest names them.
        for (file, seconds) in [("a.json", [5u32, 40]), ("b.json", [3, 50])] {
            let lines: Vec<String> = (0..40)
                .flat_map(|n| {
                    let [a, b] = seconds;
                    [
                        record(n, a, false),
                        record(n, 20, n % 2 == 0),
                        record(n, b, false),
                    ]
                })
                .collect();
            std::fs::write(dir.path().join(file), lines.join("\n")).unwrap();
        }
        let (args, settings) = triage_of(dir.path());
        let cat = Catalogue::load(&[], true).unwrap();
        let shown = |max_ids| shown(&args, &settings, &cat, max_ids);
        let (calls, json) = shown(usize::MAX);
        assert_eq!(calls.len(), 20);
        for (call, cc, server, sdk) in &calls {
            let n = u32::from_str_radix(&call[24..], 16).unwrap();
            assert_eq!(
                (cc, server, sdk.as_str()),
                (&format!("cc-{n}-3"), &format!("server-{n}-3"), "java\t1.3")
            );
        }
        // The split by SDK of the focused records is by the SDK that made their calls, which
        // their other records name (a media summary record names none).
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let sdks = serde_json::json!([{"sdk_type": "java", "sdk_version": "1.3", "count": 40}]);
        assert_eq!(v["sdks"], sdks);
        for max_ids in [0, 1, 39, 40] {
            assert_eq!(shown(max_ids), (calls.clone(), json.clone()), "{max_ids}");
        }
    }

    /// A call known only by its CallConnectionId takes no ids from the call whose
    /// CorrelationId has the same text.
    #[test]
    fn a_call_known_by_its_call_connection_id_borrows_no_other_call_s_ids() {
        let dir = tempfile::tempdir().unwrap();
        let id = "0ecaf828-e2f7-4553-8fcc-69d79561a0d1";
        let line = |corr: &str, cc: &str, server: &str, sub: u32| {
            format!(
                r#"{{"time":"2026-11-24T01:00:00Z","operationName":"PlayPrompt","category":"CallAutomationOperational","resultSignature":400,"correlationId":"{corr}","properties":{{"resultCode":400,"resultSubcode":{sub},"callConnectionId":"{cc}","serverCallId":"{server}"}}}}"#
            )
        };
        let lines = [
            line("", id, "", 8522),
            line(id, "cc-other", "server-other", 0),
            line("corr-2", "", "", 8522),
            line("corr-2", "cc-2", "server-2", 0),
        ];
        std::fs::write(dir.path().join("a.json"), lines.join("\n")).unwrap();
        let (args, settings) = triage_of(dir.path());
        let cat = Catalogue::load(&[], true).unwrap();
        for max_ids in [0, usize::MAX] {
            let (calls, _) = shown(&args, &settings, &cat, max_ids);
            let want = [(id, id, ""), ("corr-2", "cc-2", "server-2")]
                .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string(), String::new()));
            assert_eq!(calls, want, "{max_ids}");
        }
    }

    /// A focused record of call `n` at second `s`, with a message of its own and, but for
    /// every fourth call, a ServerCallId; or a record of another subcode that names the ids.
    fn texted(n: u32, s: u32, focused: bool) -> String {
        let (code, sub) = if focused { (400, 8522) } else { (200, 0) };
        let server = match focused && n.is_multiple_of(4) {
            true => String::new(),
            false => format!(r#","serverCallId":"server-{n}-{s}-{}""#, "x".repeat(150)),
        };
        format!(
            r#"{{"time":"2026-11-24T01:{:02}:{:02}Z","operationName":"PlayPrompt","category":"CallAutomationOperational","resultSignature":{code},"correlationId":"0ecaf828-e2f7-4553-8fcc-{n:012x}","properties":{{"resultCode":{code},"resultSubcode":{sub},"resultMessage":"message {} of call {n}","callConnectionId":"cc-{n}-{s}"{server}}}}}"#,
            s / 60,
            s % 60,
            s % 5
        )
    }

    /// Past the texts it may hold, `triage` lets its calls' texts go and reads its files again
    /// for those of the calls listed: every format shows what one reading holding them all
    /// shows, the first so many too, and calls of as many records at the same time in the
    /// same order.
    #[test]
    fn past_the_texts_it_holds_triage_reads_them_again_and_shows_the_same() {
        let dir = tempfile::tempdir().unwrap();
        for (file, part) in [("a.json", 0u32), ("b.json", 1)] {
            let lines: Vec<String> = (0..60u32)
                .flat_map(|n| {
                    // 1 to 4 focused records a call, ending at one of 3 seconds.
                    let focused =
                        (0..1 + (n + part) % 4).map(move |k| texted(n, 10 + n % 3 + k, true));
                    [texted(n, 3 + part, false), texted(n, 59, false)]
                        .into_iter()
                        .chain(focused)
                })
                .collect();
            std::fs::write(dir.path().join(file), lines.join("\n")).unwrap();
        }
        // Callback events of every third call: two to a phone number, one to an ACS user.
        let events: Vec<String> = (0..60u32)
            .step_by(3)
            .flat_map(|n| {
                [format!("4:+1425555{n:04}"), format!("4:+1425555{n:04}"), format!("8:acs:{n}")]
                    .into_iter()
                    .enumerate()
                    .map(move |(k, target)| {
                        format!(
                            r#"{{"id":"e{n}-{k}","type":"Microsoft.Communication.AddParticipantFailed","time":"2026-11-24T01:30:{k:02}Z","data":{{"resultInformation":{{"code":400,"subCode":8522,"message":"callback {k}"}},"participant":{{"rawId":"{target}"}},"callConnectionId":"cc-{n}-cb","correlationId":"0ecaf828-e2f7-4553-8fcc-{n:012x}"}}}}"#
                        )
                    })
            })
            .collect();
        let events = format!("[{}]", events.join(","));
        std::fs::write(dir.path().join("c.json"), events).unwrap();
        let cat = Catalogue::load(&[], true).unwrap();
        let path = dir.path().to_str().unwrap();
        for (format, limit) in [
            ("csv", None),
            ("json", Some("7")),
            ("md", Some("1")),
            ("csv", Some("13")),
        ] {
            let mut argv = vec![
                "acs-triage",
                "triage",
                "8522",
                path,
                "--calls",
                "--format",
                format,
            ];
            argv.extend(limit.iter().flat_map(|l| ["--limit", l]));
            let Command::Triage(args) = Cli::parse_from(argv).command else {
                panic!("a triage command");
            };
            let settings = args.ingest.settings(&args.inputs).unwrap();
            let out = |limits| {
                let (focus, _, _) = read(&args, &settings, limits).unwrap();
                let dropped = focus.texts_dropped();
                let t = triage::build(focus, &cat, &History::default(), &Default::default());
                let bytes = render::triage::calls(&t, args.format, args.limit).unwrap();
                (String::from_utf8(bytes).unwrap(), dropped)
            };
            let (want, dropped) = out((usize::MAX, usize::MAX));
            assert!(!dropped);
            if limit.is_none() {
                assert!(want.contains("server-5-12-x") && want.contains("message 2 of call 5"));
                assert!(want.contains(",4:+xxxxxxx0057,"), "{want}");
            }
            for limits in [(usize::MAX, 0), (0, 0), (0, 5_000), (30, usize::MAX)] {
                let (got, dropped) = out(limits);
                assert_eq!(dropped, limits.1 < 10_000, "{limits:?}");
                assert_eq!(got, want, "{format} {limit:?} {limits:?}");
            }
        }
    }

    /// A focused callback record, which names no resource, is counted under the resource its
    /// call's other records name, and said to be; one of a call whose other records name none
    /// stays `(not named)`, and so does a focused record of another log that names none, as
    /// `by_resource.csv` counts them. Past the ids it holds, the calls listed are looked up in
    /// the second reading, and the others are said not to be.
    #[test]
    fn a_record_without_a_resource_is_counted_under_its_call_s() {
        let dir = tempfile::tempdir().unwrap();
        let callback = |n: u32| {
            format!(
                r#"{{"id":"e{n}","source":"s","type":"Microsoft.Communication.PlayFailed","data":{{"resultInformation":{{"code":400,"subCode":8522,"message":"m"}},"callConnectionId":"cc-{n}","correlationId":"0ecaf828-e2f7-4553-8fcc-{n:012x}"}},"time":"2026-11-24T01:{:02}:00Z","specversion":"1.0"}}"#,
                n % 60
            )
        };
        let line = |n: u32, resource: Option<&str>, focused: bool| {
            let (code, sub) = if focused { (400, 8522) } else { (200, 0) };
            let res = resource.map_or(String::new(), |r| {
                format!(r#""resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/{r}","#)
            });
            format!(
                r#"{{{res}"time":"2026-11-24T01:{:02}:00Z","operationName":"PlayPrompt","category":"CallAutomationOperational","resultSignature":{code},"correlationId":"0ecaf828-e2f7-4553-8fcc-{n:012x}","properties":{{"resultCode":{code},"resultSubcode":{sub},"callConnectionId":"cc-{n}"}}}}"#,
                n % 60
            )
        };
        // Calls 0..30: a focused callback record and a record of their resource (A or B);
        // 30..36: the callback record alone; 36: a focused record of its own resource;
        // 37..40: a focused operations record of no resource and one of A.
        let mut lines: Vec<String> = (0..30)
            .flat_map(|n| {
                let r = if n % 3 == 0 { "ACS-A" } else { "ACS-B" };
                [line(n, Some(r), false), callback(n)]
            })
            .collect();
        lines.extend((30..36).map(callback));
        lines.push(line(36, Some("ACS-A"), true));
        lines.extend((37..40).flat_map(|n| [line(n, Some("ACS-A"), false), line(n, None, true)]));
        std::fs::write(dir.path().join("a.json"), lines.join("\n")).unwrap();
        let (args, settings) = triage_of(dir.path());
        let cat = Catalogue::load(&[], true).unwrap();
        let split = |max_ids| {
            let (_, json) = shown(&args, &settings, &cat, max_ids);
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            (v["resources"].clone(), v["resources_not_named"].clone())
        };
        let row = |r: &str, n: u64, calls: u64, inferred: u64| serde_json::json!({"resource": r, "count": n, "calls": calls, "inferred": inferred});
        let (rows, not_named) = split(usize::MAX);
        let want = [
            row("acs-b", 20, 20, 20),
            row("acs-a", 11, 11, 10),
            row("(not named)", 9, 9, 0),
        ];
        assert_eq!(rows, serde_json::json!(want));
        assert_eq!(not_named["unknown"]["count"], 6, "{not_named}");
        let stays = &not_named["not_callback"];
        assert_eq!((&stays["count"], &stays["calls"]), (&3.into(), &3.into()));
        // Past the ids held: the 20 calls listed are looked up again, the others not.
        let (rows, not_named) = split(0);
        let total: u64 = (rows.as_array().unwrap().iter())
            .map(|r| r["count"].as_u64().unwrap())
            .sum();
        assert_eq!(total, 40, "{rows}");
        let inferred: u64 = (rows.as_array().unwrap().iter())
            .map(|r| r["inferred"].as_u64().unwrap())
            .sum();
        let skipped = not_named["not_looked_up"]["count"].as_u64().unwrap();
        let unknown = not_named["unknown"]["count"].as_u64().unwrap();
        assert!(skipped > 0 && inferred > 0, "{rows} {not_named}");
        assert_eq!(inferred + skipped + unknown, 36, "{rows} {not_named}");
        let stays = &not_named["not_callback"];
        assert_eq!((&stays["count"], &stays["calls"]), (&3.into(), &3.into()));
    }

    /// A callback record's call whose resource only a workspace media summary row names (it
    /// has no CallConnectionId column) is that resource's, in the first reading and, past the
    /// ids held, in the second one for the calls listed (rev63a F1: they stayed `(not named)`).
    #[test]
    fn a_callback_record_takes_the_resource_a_workspace_row_of_its_call_names() {
        let dir = tempfile::tempdir().unwrap();
        let corr = |n: u32| format!("0ecaf828-e2f7-4553-8fcc-{n:012x}");
        let rows: Vec<String> = (0..25)
            .map(|n| {
                let r = if n % 2 == 0 { "acs-a" } else { "acs-b" };
                format!(
                    r#"{{"TimeGenerated":"2026-11-24T01:{:02}:00Z","OperationName":"Play","ResultCode":200,"ResultSubcode":0,"CorrelationId":"{}","Type":"ACSCallAutomationMediaSummary","_ResourceId":"/s/{r}"}}"#,
                    n % 60,
                    corr(n)
                )
            })
            .collect();
        std::fs::write(dir.path().join("media.jsonl"), rows.join("\n")).unwrap();
        let events: Vec<serde_json::Value> = (0..25)
            .map(|n| {
                serde_json::json!({
                    "id": format!("e{n}"), "source": "s",
                    "type": "Microsoft.Communication.PlayFailed",
                    "data": {
                        "resultInformation": {"code": 404, "subCode": 8522, "message": "m"},
                        "callConnectionId": format!("cc-{n}"), "correlationId": corr(n),
                    },
                    "time": "2026-11-24T02:00:00Z", "specversion": "1.0",
                })
            })
            .collect();
        let events = serde_json::to_string(&events).unwrap();
        std::fs::write(dir.path().join("callbacks.json"), events).unwrap();
        let (args, settings) = triage_of(dir.path());
        let cat = Catalogue::load(&[], true).unwrap();
        let split = |max_ids| {
            let (_, json) = shown(&args, &settings, &cat, max_ids);
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            (v["resources"].clone(), v["resources_not_named"].clone())
        };
        let row = |r: &str, n: u64| serde_json::json!({"resource": r, "count": n, "calls": n, "inferred": n});
        let (rows, not_named) = split(usize::MAX);
        assert_eq!(
            rows,
            serde_json::json!([row("acs-a", 13), row("acs-b", 12)])
        );
        assert_eq!(not_named["unknown"]["count"], 0, "{not_named}");
        // Past the ids held (0), or past the calls held for a resource alone (10, no record
        // naming another id): the 20 calls listed are looked up again, the others not.
        for max_ids in [0, 10] {
            let (rows, not_named) = split(max_ids);
            let inferred: u64 = (rows.as_array().unwrap().iter())
                .map(|r| r["inferred"].as_u64().unwrap())
                .sum();
            let skipped = not_named["not_looked_up"]["count"].as_u64().unwrap();
            assert_eq!((inferred, skipped), (20, 5), "{rows} {not_named}");
            assert_eq!(not_named["unknown"]["count"], 0, "{not_named}");
        }
    }

    /// A file written between the readings, or one more or fewer, is named in a warning.
    #[test]
    fn inputs_changed_between_the_readings_are_warned_of() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        std::fs::write(&a, "{}").unwrap();
        std::fs::write(&b, "{}").unwrap();
        let (_, settings) = triage_of(dir.path());
        let then = ingest::regular_files(&settings).unwrap();
        assert_eq!(changed(&then, ingest::regular_files(&settings)), None);
        std::fs::write(&b, "{}\n{}").unwrap();
        let w = changed(&then, ingest::regular_files(&settings)).unwrap();
        assert!(
            w.starts_with(&format!("{}: changed while read", crate::text::path(&b))),
            "{w}"
        );
        let then = ingest::regular_files(&settings).unwrap();
        std::fs::write(dir.path().join("c.json"), "{}").unwrap();
        let w = changed(&then, ingest::regular_files(&settings)).unwrap();
        assert!(w.starts_with("the input files: changed while read"), "{w}");
        assert!(changed(&then, None).is_some());
    }
}
