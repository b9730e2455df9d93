//! The config file under the command line: what a flag does not say, the file may. A value
//! is taken from the file only where the flag was not given (clap's value source), and is
//! checked by the flag's own parser, its errors naming the file, line and key.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, ValueEnum};
use toml::Value;

use super::{Cli, CliError, Command, IngestArgs, ReportArgs, SpikeArgs, ThresholdArgs, WindowArgs};
use crate::config::file::{self, number, scalar, time_text, At, ConfigError, FileConfig, Loaded};
use crate::config::{self as settings, Bucket, FailOnSpike, MaxBad, SpikesBy};

impl Cli {
    /// The command line of this process, with the config file under it, checked.
    pub fn parse_all() -> Result<Cli, CliError> {
        Cli::parse_all_from(std::env::args_os())
    }

    /// `args` (the program's name first), with the config file under them, checked.
    pub fn parse_all_from<I, T>(args: I) -> Result<Cli, CliError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        // Completion scripts and the man page come from the definitions alone: a broken
        // config file must not keep them from being installed.
        if matches!(cli.command, Command::Completions(_) | Command::Man(_)) {
            return Ok(cli);
        }
        if let Some(loaded) = cli.config_file()? {
            merge(&mut cli, &matches, &loaded)?;
        }
        cli.require()?;
        cli.validate()?;
        Ok(cli)
    }

    /// The config file of this command line: `--config FILE`, else `./acs-triage.toml` when it
    /// exists; none under `--no-config`.
    pub fn config_file(&self) -> Result<Option<Loaded>, ConfigError> {
        match self.no_config {
            true => Ok(None),
            false => file::load(self.config.as_deref()),
        }
    }

    /// The files the run reads besides its inputs, each with what it is, that no output may
    /// replace: the `--catalogue` files (or the config file's) and the config file.
    pub fn files_read(&self) -> Vec<(PathBuf, &'static str)> {
        let mut files: Vec<(PathBuf, &'static str)> = (self.catalogue.iter())
            .map(|p| (p.clone(), "a --catalogue file"))
            .collect();
        if !self.no_config {
            files.extend(file::path(self.config.as_deref()).map(|p| (p, "the config file")));
        }
        files
    }

    /// What `report` cannot go without, from the flags or the file.
    fn require(&self) -> Result<(), clap::Error> {
        let Command::Report(a) = &self.command else {
            return Ok(());
        };
        let mut missing = Vec::new();
        if a.inputs.is_empty() {
            missing.push("<INPUT>...");
        }
        if a.out.is_none() {
            missing.push("--out <DIR>");
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(super::usage_error(
            Some("report"),
            ErrorKind::MissingRequiredArgument,
            format!(
                "the following required arguments were not provided (on the command line or in the config file): {}",
                missing.join(" ")
            ),
        ))
    }
}

/// `acs-triage report` as the config file and the defaults alone would run it.
pub fn effective_report(loaded: Option<&Loaded>) -> Result<Cli, CliError> {
    let matches = Cli::command().try_get_matches_from(["acs-triage", "report"])?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let Some(l) = loaded {
        merge(&mut cli, &matches, l)?;
    }
    Ok(cli)
}

/// The settings of `report` in `cli` as a config file that gives them, key by key.
pub fn settings_toml(cli: &Cli, source: &str) -> String {
    let Command::Report(a) = &cli.command else {
        return String::new();
    };
    let mut lines = vec![
        format!("# The settings `acs-triage report` runs with: {source}, then the defaults."),
        format!("# Flags on the command line win over them.\n"),
    ];
    for (key, value) in report_settings(cli, a) {
        lines.push(match value {
            Some(v) => format!("{key} = {}", toml_text(&v)),
            None => format!("# {key}: not set"),
        });
    }
    let keys = |v: &[crate::catalogue::KeySpec]| {
        toml_text(&Value::Array(
            v.iter().map(|k| Value::from(k.to_string())).collect(),
        ))
    };
    lines.push(String::new());
    lines.push("[outcomes]".into());
    lines.push(format!("caller = {}", keys(&cli.outcomes.caller)));
    lines.push(format!("failure = {}", keys(&cli.outcomes.failure)));
    lines.join("\n") + "\n"
}

/// A setting's value as TOML that reads back to it, its strings basic strings in which each
/// control and each [`crate::text::hostile`] character is an escape (`\u202E`): a config
/// file's right-to-left override or ESC is shown inert, as every other output shows it, where
/// the TOML writer gave a right-to-left override as it is.
fn toml_text(v: &Value) -> String {
    match v {
        Value::String(s) => toml_string(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(toml_text).collect();
            format!("[{}]", items.join(", "))
        }
        v => v.to_string(),
    }
}

/// A TOML basic string of `s` ([`toml_text`]).
fn toml_string(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || crate::text::hostile(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Each top-level key of the config file with the value `report` runs with (`a`, and the
/// catalogue's of `cli`), in the order `config --print` lists them; `None` where the setting
/// has no value.
fn report_settings(cli: &Cli, a: &ReportArgs) -> Vec<(&'static str, Option<Value>)> {
    let (window, ingest, spikes) = (&a.window, &a.ingest, &a.spikes);
    let th = &spikes.thresholds;
    let time = |t: chrono::DateTime<chrono::Utc>| Value::from(crate::time::rfc3339(t));
    vec![
        ("inputs", (!a.inputs.is_empty()).then(|| paths(&a.inputs))),
        ("out", a.out.as_deref().map(path)),
        (
            "format",
            Some(Value::Array(a.format.iter().map(name).collect())),
        ),
        ("since", window.since.map(time)),
        ("until", window.until.map(time)),
        ("bucket", Some(name(&a.bucket))),
        ("resource", Some(globs(&window.resource))),
        ("max-bad", Some(max_bad_text(a.max_bad))),
        ("progress", Some(name(&a.progress))),
        ("quiet", Some(Value::from(a.quiet))),
        ("fail-on-spike", Some(name(&a.fail_on_spike))),
        ("spikes-by", Some(name(&a.spikes_by))),
        ("retired", Some(globs(&a.retired))),
        ("volume-low-ratio", Some(Value::from(a.volume_low_ratio))),
        ("input-format", ingest.input_format.as_ref().map(name)),
        ("date-order", ingest.date_order.as_ref().map(name)),
        (
            "local-offset",
            ingest.local_offset.map(|o| Value::from(o.to_string())),
        ),
        ("local-tz", ingest.local_tz.map(|tz| Value::from(tz.name()))),
        ("history", spikes.history.as_deref().map(path)),
        (
            "day",
            spikes.day.map(|d| Value::from(crate::time::day_text(d))),
        ),
        ("spike-p", Some(Value::from(th.spike_p))),
        (
            "spike-min-count",
            i64::try_from(th.spike_min_count).ok().map(Value::from),
        ),
        ("spike-min-ratio", Some(Value::from(th.spike_min_ratio))),
        ("spike-min-excess", Some(Value::from(th.spike_min_excess))),
        ("catalogue", Some(paths(&cli.catalogue))),
        (
            "no-builtin-catalogue",
            Some(Value::from(cli.no_builtin_catalogue)),
        ),
    ]
}

/// A path as a TOML string: as it is when it is UTF-8, so that it reads back to the same path
/// (its control characters are [`toml_text`]'s escapes); else as every output names it.
fn path(p: &Path) -> Value {
    Value::from(
        p.to_str()
            .map_or_else(|| crate::text::path(p), str::to_string),
    )
}

/// Paths as a TOML array of strings.
fn paths(v: &[PathBuf]) -> Value {
    Value::Array(v.iter().map(|p| path(p)).collect())
}

/// Resource globs as a TOML array of their patterns.
fn globs(v: &[glob::Pattern]) -> Value {
    Value::Array(v.iter().map(|p| Value::from(p.as_str())).collect())
}

/// A `ValueEnum` setting by the name its flag takes.
fn name<T: ValueEnum>(v: &T) -> Value {
    Value::from(
        v.to_possible_value()
            .map_or(String::new(), |p| p.get_name().to_string()),
    )
}

/// `--max-bad` as its flag takes it: a count, or a share as a percentage.
fn max_bad_text(m: MaxBad) -> Value {
    Value::from(match m {
        MaxBad::Count(n) => n.to_string(),
        MaxBad::Share(s) => format!("{}%", s * 100.0),
    })
}

/// Whether the argument `id` was given on the command line.
fn given(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id) == Some(ValueSource::CommandLine)
}

/// A value of a `ValueEnum` flag, as clap would take it.
fn value_enum<T: ValueEnum>(s: &String) -> Result<T, String> {
    T::from_str(s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        format!("{s:?} is not one of {}", names.join(", "))
    })
}

fn merge(cli: &mut Cli, matches: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    let c = &l.config;
    if !given(matches, "catalogue") {
        if let Some(v) = &c.catalogue {
            cli.catalogue = v.clone();
        }
    }
    if !given(matches, "no_builtin_catalogue") {
        if let Some(b) = c.no_builtin_catalogue {
            cli.no_builtin_catalogue = b;
        }
    }
    if let Some(o) = &c.outcomes {
        cli.outcomes = o.clone();
    }
    match &mut cli.command {
        Command::Report(a) => {
            let m = matches
                .subcommand_matches("report")
                .expect("report's matches");
            report(a, m, l)?;
        }
        Command::Triage(a) => {
            let m = matches
                .subcommand_matches("triage")
                .expect("triage's matches");
            ingest(&mut a.ingest, m, l)?;
            window(&mut a.window, m, l)?;
            spikes(&mut a.spikes, m, l)?;
            day_in_window(m, l, a.spikes.day, a.window.since, a.window.until)?;
            spikes_by(&mut a.spikes_by, m, l)?;
            max_bad(&mut a.max_bad, m, l)?;
            bucket(&mut a.bucket, m, l)?;
        }
        Command::Kql(a) => {
            let m = matches.subcommand_matches("kql").expect("kql's matches");
            thresholds(&mut a.thresholds, m, l)?;
            bucket(&mut a.bucket, m, l)?;
            // The spike and volume queries test the day before `until`, as `report` under the
            // same file does; a `since` of the file (a window of days for report) is not theirs.
            let day_test = matches!(
                a.report,
                crate::kql::KqlReport::Spikes | crate::kql::KqlReport::Volume
            );
            if let (false, false, Some(v)) = (day_test, given(m, "since"), &c.since) {
                a.since = Some(time_bound(l, "since", v)?);
            }
            if let (false, Some(v)) = (given(m, "until"), &c.until) {
                a.until = Some(time_bound(l, "until", v)?);
            }
            empty_window(m, l, a.since, a.until)?;
            if let (false, Some(v)) = (given(m, "resource"), &c.resource) {
                a.resource = l.parse("resource", v, |v| resources(v))?;
            }
            if let (false, true, Some(v)) = (given(m, "retired"), day_test, &c.retired) {
                a.retired = l.parse("retired", v, |v| resources(v))?;
            }
            volume_low_ratio(&mut a.volume_low_ratio, m, l)?;
        }
        Command::Codes(_) | Command::Config(_) | Command::Completions(_) | Command::Man(_) => {}
    }
    Ok(())
}

fn report(a: &mut ReportArgs, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    let c: &FileConfig = &l.config;
    if let (false, Some(v)) = (given(m, "inputs"), &c.inputs) {
        a.inputs = v.clone();
    }
    if let (false, Some(v)) = (given(m, "out"), &c.out) {
        a.out = Some(v.clone());
    }
    if let (false, Some(v)) = (given(m, "format"), &c.format) {
        a.format = l.parse("format", v, |list| list.iter().map(value_enum).collect())?;
    }
    bucket(&mut a.bucket, m, l)?;
    window(&mut a.window, m, l)?;
    max_bad(&mut a.max_bad, m, l)?;
    if let (false, Some(v)) = (given(m, "progress"), &c.progress) {
        a.progress = l.parse("progress", v, value_enum)?;
    }
    if let (false, Some(q)) = (given(m, "quiet"), c.quiet) {
        a.quiet = q;
    }
    if let (false, Some(v)) = (given(m, "fail_on_spike"), &c.fail_on_spike) {
        a.fail_on_spike = l.parse("fail-on-spike", v, |v| match v {
            Value::Boolean(true) => Ok(FailOnSpike::Failure),
            Value::Boolean(false) => Ok(FailOnSpike::Off),
            v => value_enum(&scalar(v)?),
        })?;
    }
    spikes_by(&mut a.spikes_by, m, l)?;
    if let (false, Some(v)) = (given(m, "retired"), &c.retired) {
        a.retired = l.parse("retired", v, |v| resources(v))?;
    }
    volume_low_ratio(&mut a.volume_low_ratio, m, l)?;
    ingest(&mut a.ingest, m, l)?;
    spikes(&mut a.spikes, m, l)?;
    day_in_window(m, l, a.spikes.day, a.window.since, a.window.until)
}

fn window(a: &mut WindowArgs, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    let c = &l.config;
    if let (false, Some(v)) = (given(m, "since"), &c.since) {
        a.since = Some(time_bound(l, "since", v)?);
    }
    if let (false, Some(v)) = (given(m, "until"), &c.until) {
        a.until = Some(time_bound(l, "until", v)?);
    }
    if let (false, Some(v)) = (given(m, "resource"), &c.resource) {
        a.resource = l.parse("resource", v, |v| resources(v))?;
    }
    empty_window(m, l, a.since, a.until)
}

/// A window left empty by the file's `since` or `until` (beside a flag or the other key),
/// named by the file, line and key, as a bad value of the file is: `Cli::validate` would name
/// a `--since` the user did not type. One of flags alone is `Cli::validate`'s.
fn empty_window(
    m: &ArgMatches,
    l: &Loaded,
    since: Option<chrono::DateTime<chrono::Utc>>,
    until: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), ConfigError> {
    let (Some(s), Some(u)) = (since, until) else {
        return Ok(());
    };
    let c = &l.config;
    let from_file = |id: &str| !given(m, id);
    let at = match (&c.since, &c.until) {
        (Some(v), _) if from_file("since") => ("since", v.span()),
        (_, Some(v)) if from_file("until") => ("until", v.span()),
        _ => return Ok(()),
    };
    if s < u {
        return Ok(());
    }
    // The other end as it was given: a flag, or the file's other key.
    let other = |key: &str| match from_file(key) {
        true => key.to_string(),
        false => format!("--{key}"),
    };
    let why = match at.0 {
        "since" => format!(
            "{} is not before {} {}",
            s.to_rfc3339(),
            other("until"),
            u.to_rfc3339()
        ),
        _ => format!(
            "{} is not after {} {}",
            u.to_rfc3339(),
            other("since"),
            s.to_rfc3339()
        ),
    };
    Err(l.error(at.0, at.1, &format!("{why}: the window is empty")))
}

/// A day (`--day` or the file's `day`) that the window of `since` and `until` leaves wholly out,
/// when the file gave one of the three, named by the file, line and key, as [`empty_window`]
/// names an empty window: `Cli::validate` would name a flag the user did not type (`--day
/// 2026-11-20 is outside the window of --since ...` of the file's `since`). The file's `day` is
/// named first, then the file's end that leaves the day out. Flags alone are
/// `Cli::validate`'s. The window is said by the ends that leave the day out.
fn day_in_window(
    m: &ArgMatches,
    l: &Loaded,
    day: Option<i64>,
    since: Option<chrono::DateTime<chrono::Utc>>,
    until: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), ConfigError> {
    let Some(d) = day.filter(|&d| super::outside_window(d, since, until)) else {
        return Ok(());
    };
    let c = &l.config;
    let from_file = |id: &str| !given(m, id);
    // Whether `since` or `until` alone leaves the day out.
    let leaves_out = |key: &str| match key {
        "since" => super::outside_window(d, since, None),
        _ => super::outside_window(d, None, until),
    };
    let at = match (&c.day, &c.since, &c.until) {
        (Some(v), _, _) if from_file("day") => ("day", v.span()),
        (_, Some(v), _) if from_file("since") && leaves_out("since") => ("since", v.span()),
        (_, _, Some(v)) if from_file("until") && leaves_out("until") => ("until", v.span()),
        _ => return Ok(()),
    };
    // Each as it was given: a flag, or a key of the file.
    let named = |key: &str| match from_file(key) {
        true => key.to_string(),
        false => format!("--{key}"),
    };
    // The ends that leave the day out.
    let bound = |key: &str, t: Option<chrono::DateTime<chrono::Utc>>| {
        t.filter(|_| leaves_out(key))
            .map(|t| format!(" {} {}", named(key), t.to_rfc3339()))
    };
    // The file's `day` is the key the line names already.
    let day_named = match at.0 {
        "day" => String::new(),
        _ => named("day") + " ",
    };
    let why = format!(
        "{day_named}{} is outside the window of{}{}: not one of its records is read",
        crate::time::day_text(d),
        bound("since", since).unwrap_or_default(),
        bound("until", until).unwrap_or_default()
    );
    Err(l.error(at.0, at.1, &why))
}

/// The time of `since` or `until` in the file, as --since and --until take it.
fn time_bound(
    l: &Loaded,
    key: &str,
    v: &At<Value>,
) -> Result<chrono::DateTime<chrono::Utc>, ConfigError> {
    l.parse(key, v, |v| crate::time::parse_time_bound(&time_text(v)?))
}

/// `bucket` of the file, where --bucket was not given.
/// `spikes-by`: `report` and `triage` test the same way, so that triage's verdict is the page's.
fn spikes_by(a: &mut SpikesBy, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    if let (false, Some(v)) = (given(m, "spikes_by"), &l.config.spikes_by) {
        *a = l.parse("spikes-by", v, value_enum)?;
    }
    Ok(())
}

fn bucket(a: &mut Bucket, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    if let (false, Some(v)) = (given(m, "bucket"), &l.config.bucket) {
        *a = l.parse("bucket", v, value_enum)?;
    }
    Ok(())
}

/// `volume-low-ratio` of the file, where --volume-low-ratio was not given: `report` and
/// `kql volume` list the same scopes as low.
fn volume_low_ratio(a: &mut f64, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    if let (false, Some(v)) = (given(m, "volume_low_ratio"), &l.config.volume_low_ratio) {
        *a = l.parse("volume-low-ratio", v, |v| {
            settings::parse_low_ratio(&number(v)?)
        })?;
    }
    Ok(())
}

/// `max-bad` of the file, where --max-bad was not given.
fn max_bad(a: &mut MaxBad, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    if let (false, Some(v)) = (given(m, "max_bad"), &l.config.max_bad) {
        *a = l.parse("max-bad", v, |v| settings::parse_max_bad(&scalar(v)?))?;
    }
    Ok(())
}

/// A list of resource globs (`resource`, `retired`).
fn resources(list: &[String]) -> Result<Vec<glob::Pattern>, String> {
    list.iter().map(|s| settings::parse_resource(s)).collect()
}

fn ingest(a: &mut IngestArgs, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    let c = &l.config;
    if let (false, Some(v)) = (given(m, "input_format"), &c.input_format) {
        a.input_format = Some(l.parse("input-format", v, value_enum)?);
    }
    if let (false, Some(v)) = (given(m, "date_order"), &c.date_order) {
        a.date_order = Some(l.parse("date-order", v, value_enum)?);
    }
    // The two give one setting, the local time's zone: either flag wins over both keys.
    let zone_given = given(m, "local_offset") || given(m, "local_tz");
    if let (false, Some(v)) = (zone_given, &c.local_offset) {
        a.local_offset = Some(l.parse("local-offset", v, |s| settings::parse_offset(s))?);
    }
    if let (false, Some(v)) = (zone_given, &c.local_tz) {
        a.local_tz = Some(l.parse("local-tz", v, |s| settings::parse_tz(s))?);
    }
    if a.local_tz.is_some() && a.local_offset.is_some() {
        let at = c.local_tz.as_ref().map_or(0..0, |v| v.span());
        return Err(l.error(
            "local-tz",
            at,
            "give --local-tz or --local-offset, not both",
        ));
    }
    Ok(())
}

fn spikes(a: &mut SpikeArgs, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    let c = &l.config;
    if let (false, Some(v)) = (given(m, "history"), &c.history) {
        a.history = Some(v.clone());
    }
    if let (false, Some(v)) = (given(m, "day"), &c.day) {
        a.day = Some(l.parse("day", v, |v| settings::parse_day(&time_text(v)?))?);
    }
    thresholds(&mut a.thresholds, m, l)
}

fn thresholds(a: &mut ThresholdArgs, m: &ArgMatches, l: &Loaded) -> Result<(), ConfigError> {
    let c = &l.config;
    if let (false, Some(v)) = (given(m, "spike_p"), &c.spike_p) {
        a.spike_p = l.parse("spike-p", v, |v| settings::parse_p(&number(v)?))?;
    }
    if let (false, Some(v)) = (given(m, "spike_min_count"), &c.spike_min_count) {
        a.spike_min_count = l.parse("spike-min-count", v, |v| match v {
            Value::Integer(n) => settings::parse_count(&n.to_string()),
            v => Err(format!("expected a whole number, found {}", v.type_str())),
        })?;
    }
    if let (false, Some(v)) = (given(m, "spike_min_ratio"), &c.spike_min_ratio) {
        a.spike_min_ratio =
            l.parse("spike-min-ratio", v, |v| settings::parse_ratio(&number(v)?))?;
    }
    if let (false, Some(v)) = (given(m, "spike_min_excess"), &c.spike_min_excess) {
        a.spike_min_excess = l.parse("spike-min-excess", v, |v| {
            settings::parse_excess(&number(v)?)
        })?;
    }
    Ok(())
}
