//! The real binary, run as a user would: on `samples/` (compared against the generator's ground
//! truth in `tests/fixtures/samples_expected.json`) and on small files written here. One module
//! per command or concern.

mod browser;
mod catalogue_rules;
mod codes;
mod codes_outcome;
mod common;
mod config;
mod input;
mod kql;
mod report;
mod resource;
mod spikes;
mod triage;
mod triage_catalogue;

use common::*;

#[test]
fn help_documents_exit_codes() {
    let out = bin().arg("--help").assert().success();
    insta::assert_snapshot!("help", stdout(&out));
    let out = bin().args(["report", "--help"]).assert().success();
    insta::assert_snapshot!("report_help", stdout(&out));
}

#[test]
fn completions_and_the_man_page_come_from_the_same_definition() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = bin().args(["completions", shell]).assert().success();
        let text = stdout(&out);
        for word in ["acs-triage", "report", "triage", "fail-on-spike"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
    }
    bin().args(["completions", "tcsh"]).assert().code(2);
    let out = bin().arg("man").assert().success();
    let page = stdout(&out);
    assert!(page.contains(".TH acs-triage 1"), "{page}");
    assert!(page.contains("report"), "{page}");
    // Every page the first names can be printed, with its options (none could: `man report`
    // was an error, and no option of a subcommand was in any page).
    for sub in [
        "codes",
        "report",
        "triage",
        "kql",
        "config",
        "completions",
        "man",
    ] {
        assert!(page.contains(&format!("acs\\-triage\\-{sub}(1)")), "{sub}");
        let out = bin().args(["man", sub]).assert().success();
        let page = stdout(&out);
        assert!(page.contains(&format!(".TH acs-triage-{sub} 1")), "{page}");
    }
    let out = bin().args(["man", "report"]).assert().success();
    assert!(stdout(&out).contains("\\fB\\-\\-since\\fR"));
    // Nor does it name a page that cannot be printed (it had named acs-triage-help(1)).
    assert!(!page.contains("acs\\-triage\\-help"), "{page}");
    bin().args(["man", "help"]).assert().code(2);
}

/// The process runs with glibc's trim threshold fixed (`acs_triage::fix_allocator_thresholds`):
/// it executes itself again with the variable set, as the same process, reading the same
/// standard input; a threshold the user set stands.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_process_runs_again_with_the_allocator_s_threshold_fixed_unless_the_user_set_one() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for (given, want) in [(None, "131072"), (Some("262144"), "262144")] {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Command::new(env!("CARGO_BIN_EXE_acs-triage"));
        c.current_dir(root())
            .args(["report", "-", "--out", dir.path().to_str().unwrap(), "-q"])
            .env_remove("GLIBC_TUNABLES")
            .env_remove(acs_triage::TRIM_THRESHOLD_VAR)
            .stdin(Stdio::piped());
        if let Some(v) = given {
            c.env(acs_triage::TRIM_THRESHOLD_VAR, v);
        }
        let mut child = c.spawn().unwrap();
        // The process waits for its input: its environment is read until it holds the
        // variable (set when it started again), or for at most a minute.
        let var = format!("{}=", acs_triage::TRIM_THRESHOLD_VAR);
        let environ = format!("/proc/{}/environ", child.id());
        let mut value = None;
        for _ in 0..600 {
            let env = std::fs::read(&environ).unwrap_or_default();
            value = env
                .split(|&b| b == 0)
                .find_map(|e| e.strip_prefix(var.as_bytes()))
                .map(|v| String::from_utf8_lossy(v).into_owned());
            if value.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(value.as_deref(), Some(want), "given {given:?}");
        let line = r#"{"time":"2026-11-24T01:00:00Z","properties":{"resultCode":404,"resultSubcode":8522}}"#;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{line}\n{line}").unwrap();
        drop(stdin);
        assert!(child.wait().unwrap().success());
        let rows = read_csv(&dir.path().join("by_code.csv"));
        assert_eq!(
            (rows[0]["code"].as_str(), rows[0]["count"].as_str()),
            ("404", "2")
        );
    }
}

/// Run through the dynamic loader, the process's file is the loader: it is not run again
/// (that would run the loader with the tool's arguments), and the tool works as ever, whatever
/// the loader is told the program's name is.
#[cfg(all(target_os = "linux", target_env = "gnu", target_arch = "x86_64"))]
#[test]
fn run_through_the_dynamic_loader_the_tool_is_not_run_again_as_the_loader() {
    const LOADER: &str = "/lib64/ld-linux-x86-64.so.2";
    for argv0 in [None, Some(LOADER), Some("ld-linux-x86-64.so.2")] {
        let mut c = std::process::Command::new(LOADER);
        if let Some(name) = argv0 {
            c.args(["--argv0", name]);
        }
        c.arg(env!("CARGO_BIN_EXE_acs-triage"));
        looks_up_8522(c);
    }
}

/// Runs `c codes 8522` without a threshold set, and checks it printed the code's row.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn looks_up_8522(mut c: std::process::Command) {
    let out = c
        .args(["codes", "8522"])
        .env_remove("GLIBC_TUNABLES")
        .env_remove(acs_triage::TRIM_THRESHOLD_VAR)
        .output()
        .unwrap();
    assert!(out.status.success(), "{c:?}: {out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("404/8522"));
}

/// A binary deleted before it starts again is not looked for by its old path (where another
/// file, `NAME (deleted)`, may be): it runs from the file it was started from, or goes on.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_deleted_binary_runs_no_other_file_in_its_place() {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("acs-triage");
    std::fs::copy(env!("CARGO_BIN_EXE_acs-triage"), &bin).unwrap();
    let impostor = dir.path().join("acs-triage (deleted)");
    std::fs::write(&impostor, "#!/bin/sh\nexit 42\n").unwrap();
    std::fs::set_permissions(&impostor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = std::fs::File::open(&bin).unwrap();
    std::fs::remove_file(&bin).unwrap();
    looks_up_8522(std::process::Command::new(format!(
        "/proc/self/fd/{}",
        file.as_raw_fd()
    )));
}

/// A stderr that cannot be written (`2>/dev/full`, the closed pipe of a logger that died)
/// loses its lines, not the exit code (rev54a §1: every command panicked, exit 101).
#[test]
fn a_stderr_that_cannot_be_written_keeps_the_exit_code() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for (args, code) in [
        (
            &["report", "samples/", "--out", out, "--max-bad", "0"][..],
            3,
        ),
        (&["report", "no/such.json", "--out", out], 1),
        (&["report", "samples/", "--out", out, "--bucket", "week"], 2),
        (&["codes", "99999"], 1),
    ] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_acs-triage"))
            .args(args)
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .stderr(full.try_clone().unwrap())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}
