//! What to do next ([`NextSteps`]): the commands and KQL queries that look further, written
//! as a shell takes them.

use super::*;

/// What to run next: the calls for a support ticket, and the same subcode in Log Analytics.
#[derive(Debug, Clone, Default)]
pub struct NextSteps {
    /// `acs-triage triage SUBCODE INPUT... --calls --format csv > calls-SUBCODE.csv`.
    pub calls: String,
    /// `acs-triage kql triage ...` and `acs-triage kql triage-calls ...`.
    pub kql: Vec<String>,
    /// The `--since` of the kql commands: the first of the four weeks to the input's (or
    /// history's) last day.
    pub since: Option<i64>,
    /// What the commands write in place of a name that cannot be shown ([`shell_word`]), or
    /// of the inputs a run without INPUT did not have, when so.
    pub unwritten: Option<String>,
    /// Why there are no calls to list, said in place of `calls`: the input holds no records
    /// of the key.
    pub no_calls: Option<String>,
}

/// Days the kql commands of the next steps look back, the last day included: the four weeks
/// the spike test reads.
pub const KQL_DAYS: i64 = 28;

/// The next steps of a triage of `subcode` (`--code` `code`) run on `inputs` read as `reading`
/// says and showing phone numbers as `numbers`, with the window `window` and `--resource` globs
/// `resources`, the last day known `last_day`: the command that lists its calls for a support
/// ticket, with the same records shown the same way (every flag that decides which records are
/// read and how their times are, the window's ends to the nanosecond, `--full-numbers` where
/// the run had it, and `--no-config`, so that a config file where it is run adds nothing: the
/// run's own settings are among those written out), and the kql commands of its series and
/// calls over the last [`KQL_DAYS`] days, with the same window's end, globs and `--no-config`
/// (Log Analytics' times are UTC: the reading flags are not theirs).
pub fn next_steps(
    (subcode, code): (u32, Option<u32>),
    (inputs, reading, numbers): (&[std::path::PathBuf], &crate::config::Reading, Numbers),
    window: &Window,
    resources: &[glob::Pattern],
    last_day: Option<i64>,
) -> NextSteps {
    // A name that cannot be written (a control character, a line break, a bidirectional
    // control, bytes that are not UTF-8) is written as a placeholder, and said so.
    let mut unwritten = Vec::new();
    let mut word = |text: Option<&str>, placeholder: &'static str| match text.and_then(shell_word) {
        Some(w) => w,
        None => {
            if !unwritten.contains(&placeholder) {
                unwritten.push(placeholder);
            }
            placeholder.to_string()
        }
    };
    let code_flag = code.map_or(String::new(), |c| format!(" --code {c}"));
    let mut calls = format!("acs-triage triage {subcode}{code_flag}");
    // Without INPUT there are no calls to list from: the command reads the exports the user
    // names in its place (rev65a F4: `INPUT` had been written with no line saying so).
    let no_input = inputs.is_empty();
    match inputs {
        [] => calls.push_str(" INPUT"),
        inputs => {
            for i in inputs {
                // A name that starts with `-` (`-rf.json`, given after `--`) would be read back
                // as a flag: `./-rf.json` is the same file, and no flag (rev66a F4). `-` alone
                // is standard input, as the run read it.
                let dashed =
                    i.as_os_str().as_encoded_bytes().starts_with(b"-") && i.as_os_str() != "-";
                let guarded = dashed.then(|| std::path::Path::new(".").join(i));
                let i = guarded.as_deref().unwrap_or(i);
                calls.push(' ');
                calls.push_str(&match i.to_str() {
                    Some(s) => word(Some(s), "INPUT"),
                    None => bytes_word(i),
                });
            }
        }
    }
    use clap::ValueEnum;
    let name = |v: Option<clap::builder::PossibleValue>| v.map(|p| p.get_name().to_string());
    let read_flags = [
        (
            "--input-format",
            name(reading.input_format.and_then(|f| f.to_possible_value())),
        ),
        (
            "--date-order",
            name(reading.date_order.and_then(|d| d.to_possible_value())),
        ),
        (
            match reading.local_offset {
                Some(crate::time::LocalZone::Tz(_)) => "--local-tz",
                _ => "--local-offset",
            },
            reading.local_offset.map(|z| z.to_string()),
        ),
    ];
    for (flag, value) in read_flags {
        if let Some(v) = value {
            let _ = write!(calls, " {flag} {}", word(Some(&v), "VALUE"));
        }
    }
    let mut filters = String::new();
    for (flag, t) in [("--since", window.since), ("--until", window.until)] {
        if let Some(t) = t {
            let _ = write!(filters, " {flag} {}", exact_time(t));
        }
    }
    for r in resources {
        let _ = write!(filters, " --resource {}", word(Some(r.as_str()), "GLOB"));
    }
    let full = match numbers {
        Numbers::Full => " --full-numbers",
        Numbers::Masked => "",
    };
    let _ = write!(
        calls,
        "{filters}{full}{NO_CONFIG} --calls --format csv > calls-{subcode}.csv"
    );
    let since = last_day.map(|d| d - (KQL_DAYS - 1));
    let since_flag = since.map_or(String::new(), |d| {
        format!(" --since {}", crate::time::day_text(d))
    });
    // The kql commands keep the window's end and the resources (their own --since is the
    // four weeks'), and read no config file either (its until, resource and bucket are theirs).
    let since_len = window
        .since
        .map_or(0, |t| format!(" --since {}", exact_time(t)).len());
    let kept = &filters[since_len..];
    // Without --until, the day after the last day known ends the 28 days, so that a query
    // run weeks later covers those days and no more (rev65a F4).
    let until_flag = match (window.until, last_day) {
        (None, Some(d)) => format!(" --until {}", crate::time::day_text(d + 1)),
        _ => String::new(),
    };
    let kql = [("triage", " --bucket day"), ("triage-calls", "")]
        .map(|(report, bucket)| {
            format!(
                "acs-triage kql {report} --subcode {subcode}{code_flag}{since_flag}{until_flag}{kept}{NO_CONFIG}{bucket}"
            )
        })
        .to_vec();
    let mut notes = Vec::new();
    if no_input {
        notes.push(
            "INPUT in the command stands in for the exports to read, which this run was not given (it shows the catalogue and history only): write their names in its place".to_string(),
        );
        unwritten.retain(|&p| p != "INPUT");
    }
    if !unwritten.is_empty() {
        notes.push(format!(
            "{} in the commands stands in for a name that cannot be shown here (it holds a control character, a line break, a bidirectional control or bytes that are not UTF-8): write the name in its place",
            unwritten.join(" or ")
        ));
    }
    let unwritten = (!notes.is_empty()).then(|| notes.join("; "));
    NextSteps {
        calls,
        kql,
        since,
        unwritten,
        no_calls: None,
    }
}

/// What each next-step command ends its selection with: a config file where it is run would
/// add its own (`resource`, `since`, `until`, how times are read).
const NO_CONFIG: &str = " --no-config";

/// A time as `--since` and `--until` read it back to the nanosecond: RFC 3339 in UTC, with as
/// many digits of the second as it has (`2026-11-24T00:10:00.0005Z` is not 00:10:00.000).
fn exact_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A path whose name is not UTF-8 as one word of a shell command: bash's `$'...'` with each
/// byte that is not printable ASCII as `\xFF`, so that the command runs on that file (and shows
/// its bytes as the other outputs do, [`crate::text::path`]); nothing in it is raw.
fn bytes_word(p: &std::path::Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut word = String::from("$'");
    for &b in p.as_os_str().as_bytes() {
        match b {
            b'\\' | b'\'' => {
                word.push('\\');
                word.push(char::from(b));
            }
            b' '..=b'~' => word.push(char::from(b)),
            _ => {
                let _ = write!(word, "\\x{b:02X}");
            }
        }
    }
    word.push('\'');
    word
}

/// A word as a POSIX shell reads it back: as it is when it holds nothing the shell would
/// change, else in single quotes; `None` when it holds what cannot be shown as it is (a
/// character [`crate::text::line`] changes: a control character, a line break, a
/// bidirectional control), which no quoting makes both inert and the same word.
fn shell_word(s: &str) -> Option<String> {
    if crate::text::line(s) != s {
        return None;
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    Some(match !s.is_empty() && s.chars().all(plain) {
        true => s.to_string(),
        false => format!("'{}'", s.replace('\'', "'\\''")),
    })
}
