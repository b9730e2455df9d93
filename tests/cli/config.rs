//! The config file: `acs-triage.toml` or `--config FILE`, under the command line.

use crate::common::*;

#[test]
fn the_example_config_reproduces_the_quick_start_and_flags_override_it() {
    // The example's settings are the quick start's: samples/ into reports/.
    let print = bin()
        .args(["--config", "examples/acs-triage.toml", "config", "--print"])
        .assert()
        .success();
    let text = stdout(&print);
    assert!(text.contains("\ninputs = [\"samples/\"]\n"), "{text}");
    assert!(text.contains("\nout = \"reports/\"\n"), "{text}");
    // Run from the file alone but for --out (a flag wins): byte for byte the committed reports.
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["--config", "examples/acs-triage.toml", "report", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    for name in crate::report::OUTPUTS {
        let fresh = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(root().join("reports").join(name)).unwrap();
        assert!(fresh == committed, "{name} differs from reports/{name}");
    }
    // Another flag: only the CSV files.
    let csv_only = tempfile::tempdir().unwrap();
    bin()
        .args([
            "--config",
            "examples/acs-triage.toml",
            "report",
            "--format",
            "csv",
            "--out",
        ])
        .arg(csv_only.path())
        .assert()
        .success();
    assert!(csv_only.path().join("by_code.csv").exists());
    assert!(!csv_only.path().join("summary.md").exists());
}

#[test]
fn outcome_overrides_in_the_config_move_keys_between_classes() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "[outcomes]\ncaller = [\"404/8522\"]\nfailure = [\"8510\"]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    bin()
        .arg("--config")
        .arg(&cfg)
        .args(["report", "samples/", "--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .success();
    let codes = read_csv(&out.join("by_code.csv"));
    let class = |code: &str, sub: &str| {
        codes
            .iter()
            .find(|r| r["code"] == code && r["subcode"] == sub)
            .map(|r| r["outcome"].clone())
            .unwrap()
    };
    assert_eq!(class("404", "8522"), "caller");
    assert_eq!(class("400", "8510"), "failure");
    assert_eq!(class("400", "8532"), "caller");
}

#[test]
fn a_bad_config_is_one_line_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    for (text, want) in [
        (
            "out = \"o\"\nfomat = [\"csv\"]\n",
            ":2: unknown field `fomat`",
        ),
        ("out = 3\n", ":1: "),
        (
            "inputs = [\"samples/\"]\nout = \"o\"\nspike-p = 2\n",
            ":3: spike-p: \"2\" is not a p-value in (0, 1]",
        ),
        (
            "format = [\"csv\", \"pdf\"]\n",
            ":1: format: \"pdf\" is not one of csv, md, json, html",
        ),
        ("max-bad = \"lots\"\n", ":1: max-bad: "),
        ("[outcomes]\ncaller = [\"48x/1\"]\n", ":2: "),
        ("since = \"yesterday\"\n", ":1: since: "),
        (
            "volume-low-ratio = 0.4\n",
            ":1: volume-low-ratio: \"0.4\" is not a share of the expected records in (0.5, 1]",
        ),
        (
            "volume-low-ratio = \"0.9\"\n",
            ":1: volume-low-ratio: expected a number, found string",
        ),
        (
            "spike-min-count = 99999999999999999999\n",
            ":1: spike-min-count: 99999999999999999999 is too large a number",
        ),
        // Empty values the flags refuse (rev70a F3: `format = []` wrote rejects.csv alone, and
        // `out = ""`, `history = ""` wrote the reports and the day into the working directory).
        (
            "format = []\n",
            ":1: format: an empty list writes no report: give one or more of csv, md, json, html, or leave the key out for all four",
        ),
        (
            "out = \"\"\n",
            ":1: out: \"\" is an empty path: it names no directory",
        ),
        (
            "quiet = true\nhistory = \"\"\n",
            ":2: history: \"\" is an empty path: it names no directory",
        ),
        (
            "inputs = [\"samples/\", \"\"]\n",
            ":1: inputs: \"\" is an empty path: it names no file or directory",
        ),
        (
            "catalogue = \"\"\n",
            ":1: catalogue: \"\" is an empty path: it names no file or directory",
        ),
        // As the flag says it (rev70a F1).
        (
            "spike-min-count = -1\n",
            ":1: spike-min-count: \"-1\" is not a whole number of 0 or more",
        ),
        // The table's shape said in the file's words, and its key named (rev70a F1: serde's
        // `expected struct Outcomes`; `[[outcomes]]` named no key).
        (
            "outcomes = 5\n",
            ":1: outcomes: invalid type: integer `5`, expected a table of the lists caller and failure",
        ),
        // TOML's words for a value's type, not serde's (`sequence`, `map`, `path string`).
        (
            "history = []\n",
            ":1: history: invalid type: array, expected a path (a string)",
        ),
        (
            "[outcomes]\ncaller = \"404/8522\"\n",
            ":2: caller: invalid type: string \"404/8522\", expected an array",
        ),
        (
            "catalogue = { a = 1 }\n",
            ":1: catalogue: invalid type: table, expected a string or an array of strings",
        ),
        (
            "[[outcomes]]\ncaller = []\n",
            ":1: outcomes: an array of tables (a header in double brackets): write the table once",
        ),
    ] {
        let cfg = dir.path().join("bad.toml");
        std::fs::write(&cfg, text).unwrap();
        let a = bin()
            .arg("--config")
            .arg(&cfg)
            .args(["report", "samples/", "--out"])
            .arg(dir.path().join("out"))
            .assert()
            .code(2);
        let err = stderr(&a);
        assert_eq!(err.lines().count(), 1, "{text:?}: {err}");
        assert!(err.starts_with("acs-triage: config "), "{err}");
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains(want), "{text:?}: {err}");
        // `config --print` says the same, with the same exit code (it exited 1).
        let a = bin()
            .arg("--config")
            .arg(&cfg)
            .args(["config", "--print"])
            .assert()
            .code(2);
        assert!(stderr(&a).contains(want), "{text:?}: {}", stderr(&a));
        // Completion scripts and the man page come from the definitions, whatever the file.
        for cmd in [&["completions", "bash"][..], &["man"]] {
            bin().arg("--config").arg(&cfg).args(cmd).assert().success();
        }
    }
    // A file that is not UTF-8: the line and key of the first byte that is not, or that it is
    // UTF-16 (Windows PowerShell 5's `>`), not std's `stream did not contain valid UTF-8`.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("out = \"o\"\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for (bytes, want) in [
        (
            b"quiet = true\nout = \"\xff\"\n".to_vec(),
            ":2: out: a byte that is not UTF-8 (0xFF); a TOML file is UTF-8: save it as UTF-8",
        ),
        (
            utf16,
            ":1: the file is UTF-16 text; a TOML file is UTF-8: save it as UTF-8",
        ),
    ] {
        let cfg = dir.path().join("enc.toml");
        std::fs::write(&cfg, bytes).unwrap();
        let a = bin()
            .arg("--config")
            .arg(&cfg)
            .args(["config", "--print"])
            .assert()
            .code(2);
        let err = stderr(&a);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("acs-triage: config ") && err.contains(&format!("enc.toml{want}")),
            "{err}"
        );
    }
    // The key without a catalogue to read: refused as the flag is (it ran on no catalogue,
    // every key uncatalogued).
    let cfg = dir.path().join("nocat.toml");
    std::fs::write(&cfg, "no-builtin-catalogue = true\n").unwrap();
    bin()
        .arg("--config")
        .arg(&cfg)
        .args(["codes", "8522"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no-builtin-catalogue leaves no catalogue",
        ));
    // A missing --config file is an error too; without --config, no file is no config.
    bin()
        .arg("--config")
        .arg(dir.path().join("missing/acs-triage.toml"))
        .args(["codes", "8522"])
        .assert()
        .code(2);
    // report without inputs or --out, in the file or on the line: clap's usage error.
    bin()
        .args(["report"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("<INPUT>... --out <DIR>"));
}

/// `--local-tz` and `--local-offset` give one setting: either flag wins over the file's
/// `local-tz` or `local-offset` (a flag had been an error beside the other key in the file).
#[test]
fn a_time_zone_flag_wins_over_the_file_s_zone() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("local.csv");
    std::fs::write(
        &csv,
        "TimeGenerated [Local Time],CorrelationId,OperationName,ResultCode,ResultSubcode\n24/11/2026 01:00:00.000,c1,Play,500,8500\n",
    )
    .unwrap();
    let bucket = |config: &str, flags: &[&str]| {
        let toml = dir.path().join("zone.toml");
        std::fs::write(&toml, config).unwrap();
        let out = dir.path().join("out");
        bin()
            .arg("--config")
            .arg(&toml)
            .arg("report")
            .arg(&csv)
            .arg("--out")
            .arg(&out)
            .args(["--format", "csv", "--quiet"])
            .args(flags)
            .assert()
            .success();
        read_csv(&out.join("timeline.csv"))[0]["bucket"].clone()
    };
    let berlin = "local-tz = \"Europe/Berlin\"\n";
    let plus_two = "local-offset = \"+02:00\"\n";
    assert_eq!(bucket(berlin, &[]), "2026-11-24T00:00:00Z");
    assert_eq!(bucket(plus_two, &[]), "2026-11-23T23:00:00Z");
    assert_eq!(
        bucket(berlin, &["--local-offset", "+03:00"]),
        "2026-11-23T22:00:00Z"
    );
    assert_eq!(
        bucket(plus_two, &["--local-tz", "UTC"]),
        "2026-11-24T01:00:00Z"
    );
    // Both in the file is still an error.
    let toml = dir.path().join("both.toml");
    std::fs::write(&toml, format!("{berlin}{plus_two}")).unwrap();
    bin()
        .arg("--config")
        .arg(&toml)
        .arg("report")
        .arg(&csv)
        .args(["--out", dir.path().join("o2").to_str().unwrap()])
        .assert()
        .code(2);
}

/// `--catalogue` is global: `config --print` shows the files report would load, and a missing
/// one is the error report and codes make of it (it had printed `catalogue = []`, exit 0).
#[test]
fn config_print_shows_and_checks_the_catalogue_flag() {
    let a = bin()
        .args(["config", "--print", "--catalogue", "/no/such/file.csv"])
        .assert()
        .code(1);
    assert!(stderr(&a).contains("/no/such/file.csv"), "{}", stderr(&a));
    let page = "src/catalogue/pstn.md";
    let a = bin()
        .args(["config", "--print", "--catalogue", page])
        .assert()
        .success();
    let text = stdout(&a);
    assert!(
        text.contains(&format!("\ncatalogue = [\"{page}\"]\n")),
        "{text}"
    );
}

/// The example says it documents every key: each key `config --print` shows is in it, set or
/// commented out (`progress`, `quiet` and `day` had been missing).
#[test]
fn the_example_config_names_every_key() {
    let example = std::fs::read_to_string(root().join("examples/acs-triage.toml")).unwrap();
    let print = stdout(&bin().args(["config", "--print"]).assert().success());
    let keys = (print.lines())
        .map(|l| l.trim_start_matches("# ").trim_start())
        .filter_map(|l| {
            let set = l.split_once(" = ").map(|(k, _)| k);
            set.or_else(|| l.strip_suffix(": not set"))
                .map(str::to_string)
        })
        .collect::<Vec<_>>();
    assert!(keys.iter().any(|k| k == "day"), "{print}");
    for key in keys {
        let named = |l: &str| {
            l.trim_start_matches('#')
                .trim_start()
                .starts_with(&format!("{key} = "))
        };
        assert!(example.lines().any(named), "{key} is not in the example");
    }
}

/// `volume-low-ratio` of the file is the run's, as `--volume-low-ratio` is, in `report` (as
/// `config --print` shows) and in `kql volume`; the flag wins over the file.
#[test]
fn the_volume_low_ratio_of_the_file_is_the_run_s() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("low.toml");
    std::fs::write(&cfg, "volume-low-ratio = 0.9\n").unwrap();
    let print = |extra: &[&str]| {
        let mut a = bin();
        a.arg("--config").arg(&cfg).args(["config", "--print"]);
        stdout(&a.args(extra).assert().success())
    };
    assert!(
        print(&[]).contains("\nvolume-low-ratio = 0.9\n"),
        "{}",
        print(&[])
    );
    let default = stdout(&bin().args(["config", "--print"]).assert().success());
    assert!(default.contains("\nvolume-low-ratio = 0.8\n"), "{default}");
    let kql = |extra: &[&str]| {
        let mut a = bin();
        a.arg("--config").arg(&cfg).args(["kql", "volume"]);
        stdout(&a.args(extra).assert().success())
    };
    assert!(kql(&[]).contains("and ratio <= 0.9 and"), "{}", kql(&[]));
    let flag = kql(&["--volume-low-ratio", "0.75"]);
    assert!(flag.contains("and ratio <= 0.75 and"), "{flag}");
}

/// `since`, `until` and `day` take TOML dates and date-times as they take strings (rev52 §8:
/// "invalid type: map, expected a string"); a date-time without an offset is refused, named.
#[test]
fn times_in_the_config_may_be_toml_dates() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("dates.toml");
    std::fs::write(
        &cfg,
        "since = 2026-11-24\nuntil = 2026-11-25T06:00:00+01:00\nday = 2026-11-24\n",
    )
    .unwrap();
    let print = stdout(
        &bin()
            .arg("--config")
            .arg(&cfg)
            .args(["config", "--print"])
            .assert()
            .success(),
    );
    for line in [
        "since = \"2026-11-24T00:00:00.000Z\"",
        "until = \"2026-11-25T05:00:00.000Z\"",
        "day = \"2026-11-24\"",
    ] {
        assert!(print.lines().any(|l| l == line), "{line}\n{print}");
    }
    std::fs::write(&cfg, "since = 2026-11-24T10:00:00\n").unwrap();
    let a = bin()
        .arg("--config")
        .arg(&cfg)
        .args(["config", "--print"])
        .assert()
        .code(2);
    assert_eq!(
        stderr(&a),
        format!(
            "acs-triage: config {}:1: since: 2026-11-24T10:00:00 names no zone: write it with one, 2026-11-24T10:00:00Z for UTC\n",
            cfg.display()
        )
    );
}

/// Help and version that cannot be written (`--help >/dev/full`) exit 1 with the one line of
/// any command whose output cannot be written (clap's exit had passed it over: exit 0); a
/// closed pipe is no error.
#[test]
fn help_that_cannot_be_written_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    for args in [&["--help"][..], &["-V"], &["report", "--help"], &["help"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_acs-triage"))
            .args(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(
            err, "acs-triage: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
    bin().arg("--help").assert().success();
}

/// `--no-config` reads no file, not even `./acs-triage.toml`: an ad-hoc run in the nightly
/// job's directory takes none of its keys (rev61b F4: its `history` had been written by a run
/// that gave no `--history`, and no flag undoes a key). It cannot go with `--config`.
#[test]
fn no_config_skips_the_file_of_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("acs-triage.toml"),
        "quiet = true\nhistory = \"nightly-history\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut c = bin();
        c.current_dir(dir.path())
            .arg("report")
            .arg(root().join("samples"))
            .args(["--out", "adhoc", "--format", "csv"])
            .args(extra);
        c.assert().success()
    };
    let loud = stderr(&run(&["--no-config"]));
    assert!(!dir.path().join("nightly-history").exists());
    // Without it, the file is the run's: quiet (the SILENT line alone), its history written.
    let quiet = stderr(&run(&[]));
    assert!(dir.path().join("nightly-history").is_dir());
    assert!(
        quiet.lines().count() < loud.lines().count(),
        "{quiet}\n---\n{loud}"
    );
    // `config --print` shows the defaults under it.
    let print = |extra: &[&str]| {
        let mut c = bin();
        c.current_dir(dir.path())
            .args(["config", "--print"])
            .args(extra);
        stdout(&c.assert().success())
    };
    assert!(print(&[]).contains("\nhistory = \"nightly-history\"\n"));
    let bare = print(&["--no-config"]);
    assert!(bare.contains("\n# history: not set\n"), "{bare}");
    assert!(bare.contains("\nquiet = false\n"), "{bare}");
    // With --config: a usage error, one line.
    let a = bin()
        .args([
            "--no-config",
            "--config",
            "examples/acs-triage.toml",
            "codes",
            "8522",
        ])
        .assert()
        .code(2);
    assert_eq!(stderr(&a).lines().count(), 1, "{}", stderr(&a));
}

/// `--no-builtin-catalogue` takes the config file's `catalogue` as it takes `--catalogue`
/// (rev61b F8: clap's `requires` refused it before the file was read, exit 2); with no
/// catalogue file anywhere it is still refused, one line, exit 2.
#[test]
fn no_builtin_catalogue_takes_the_file_s_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ours.csv"),
        "code,subcode,description,mitigation\n500,8572,Play svc down,Retry later\n",
    )
    .unwrap();
    let cfg = dir.path().join("c.toml");
    let ours = dir.path().join("ours.csv");
    std::fs::write(&cfg, format!("catalogue = {:?}\n", ours.to_str().unwrap())).unwrap();
    let codes = |query: &str| {
        let mut c = bin();
        c.arg("--config").arg(&cfg).args([
            "codes",
            query,
            "--no-builtin-catalogue",
            "--format",
            "csv",
        ]);
        c.assert()
    };
    let text = stdout(&codes("500/8572").success());
    assert!(text.contains("Play svc down"), "{text}");
    // Only the file's: a built-in pair is not found (exit 1, as for any query that matches none).
    codes("8522").code(1);
    let a = bin()
        .args(["codes", "8522", "--no-builtin-catalogue"])
        .assert()
        .code(2);
    let err = stderr(&a);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no-builtin-catalogue leaves no catalogue"),
        "{err}"
    );
}

/// `kql spikes` and `kql volume` test the day before the config file's `until`, as `report`
/// under the file does and as `--until` makes them (rev61b F6: they tested yesterday); the
/// file's `since`, a window of days for report, is not theirs (not refused either).
#[test]
fn kql_spikes_and_volume_take_the_file_s_until() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "since = 2026-11-01\nuntil = 2026-11-25\n").unwrap();
    for report in ["spikes", "volume"] {
        let from_file = stdout(
            &bin()
                .arg("--config")
                .arg(&cfg)
                .args(["kql", report])
                .assert()
                .success(),
        );
        let flag = stdout(
            &bin()
                .args(["kql", report, "--until", "2026-11-25"])
                .assert()
                .success(),
        );
        let default = stdout(&bin().args(["kql", report]).assert().success());
        assert_eq!(from_file, flag, "{report}");
        assert_ne!(from_file, default, "{report}");
    }
}

/// A window the file's `since` or `until` leaves empty is said of the file, its line and key
/// (rev61b F12 (6): it named a `--since` the user did not type); flags alone as before.
#[test]
fn an_empty_window_of_the_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("w.toml");
    let out = dir.path().join("out");
    let said = |config: &str, cmd: &[&str]| {
        std::fs::write(&cfg, config).unwrap();
        let a = bin().arg("--config").arg(&cfg).args(cmd).assert().code(2);
        stderr(&a)
    };
    let report = ["report", "samples/", "--out", out.to_str().unwrap()];
    let from =
        |line: u32, rest: &str| format!("acs-triage: config {}:{line}: {rest}\n", cfg.display());
    assert_eq!(
        said("since = 2026-11-25\n", &[&report[..], &["--until", "2026-11-24"]].concat()),
        from(1, "since: 2026-11-25T00:00:00+00:00 is not before --until 2026-11-24T00:00:00+00:00: the window is empty")
    );
    assert_eq!(
        said("\nuntil = 2026-11-24\n", &["kql", "by-code", "--since", "2026-11-25"]),
        from(2, "until: 2026-11-24T00:00:00+00:00 is not after --since 2026-11-25T00:00:00+00:00: the window is empty")
    );
    assert_eq!(
        said("since = 2026-11-25\nuntil = 2026-11-24\n", &["triage", "8522", "samples/"]),
        from(1, "since: 2026-11-25T00:00:00+00:00 is not before until 2026-11-24T00:00:00+00:00: the window is empty")
    );
    // Both flags given: the file's window is not the run's.
    std::fs::write(&cfg, "since = 2026-11-25\nuntil = 2026-11-24\n").unwrap();
    bin()
        .arg("--config")
        .arg(&cfg)
        .args([
            "kql",
            "by-code",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-02",
        ])
        .assert()
        .success();
}

/// A `--day` that a window of the file's `since` or `until` leaves wholly out, or the file's
/// `day` that the flags' window leaves out, is said of the file, its line and key (rev61b
/// F12 (6): it named a `--since` the user did not type); flags alone as before.
#[test]
fn a_day_outside_a_window_of_the_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("d.toml");
    let out = dir.path().join("out");
    let said = |config: &str, cmd: &[&str]| {
        std::fs::write(&cfg, config).unwrap();
        let a = bin().arg("--config").arg(&cfg).args(cmd).assert().code(2);
        stderr(&a)
    };
    let report = ["report", "samples/", "--out", out.to_str().unwrap()];
    let from =
        |line: u32, rest: &str| format!("acs-triage: config {}:{line}: {rest}\n", cfg.display());
    assert_eq!(
        said("since = 2026-11-25\n", &[&report[..], &["--day", "2026-11-20"]].concat()),
        from(1, "since: --day 2026-11-20 is outside the window of since 2026-11-25T00:00:00+00:00: not one of its records is read")
    );
    assert_eq!(
        said("\nuntil = 2026-11-20\n", &["triage", "8522", "samples/", "--day", "2026-11-25"]),
        from(2, "until: --day 2026-11-25 is outside the window of until 2026-11-20T00:00:00+00:00: not one of its records is read")
    );
    assert_eq!(
        said("day = 2026-11-20\n", &[&report[..], &["--since", "2026-11-25"]].concat()),
        from(1, "day: 2026-11-20 is outside the window of --since 2026-11-25T00:00:00+00:00: not one of its records is read")
    );
    // The file's until leaves the day in, the flag's since leaves it out: the flag's, which
    // names no file's end (it had named the file's until as `--until 2026-11-28...`).
    let a = said(
        "until = 2026-11-28\n",
        &[
            &report[..],
            &["--day", "2026-11-20", "--since", "2026-11-21"],
        ]
        .concat(),
    );
    assert!(
        a.starts_with("acs-triage: --day 2026-11-20 is outside the window of --since 2026-11-21T00:00:00+00:00: not one of its records is read"),
        "{a}"
    );
}

/// An array left open is found wrong at a later line, where toml names that line's key (rev61b
/// F12 (5): `c.toml:2: out: missing comma between array elements`): the message names the
/// array's key and the line it opens on; an error on the array's own line is as before.
#[test]
fn an_array_left_open_is_said_of_its_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    let said = |config: &str| {
        std::fs::write(&cfg, config).unwrap();
        let a = bin()
            .arg("--config")
            .arg(&cfg)
            .arg("report")
            .assert()
            .code(2);
        stderr(&a)
    };
    let from =
        |line: u32, rest: &str| format!("acs-triage: config {}:{line}: {rest}\n", cfg.display());
    let comma = "missing comma between array elements, expected `,`";
    assert_eq!(
        said("inputs = [\"logs/\"\nout = \"r\"\n"),
        from(2, &format!("inputs (its array opens on line 1): {comma}"))
    );
    assert_eq!(
        said("out = \"r\"\ninputs = [\n  \"a\"\n  \"b\",\n]\n"),
        from(4, &format!("inputs (its array opens on line 2): {comma}"))
    );
    assert_eq!(
        said("inputs = [\"a\" \"b\"]\n"),
        from(1, &format!("inputs: {comma}"))
    );
}

/// `config --print` shows a config file's bidirectional and control characters inert, as TOML
/// escapes (`\u202E`), so that what it prints reads back to the same settings (rev63b: a
/// right-to-left override of a `resource` glob was echoed as it is, reordering the line on a
/// terminal); the file's own name, in the first comment, is one inert line.
#[test]
fn config_print_shows_a_file_s_bidi_and_controls_inert() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("night\n\u{1b}[2Jx.toml");
    std::fs::write(
        &cfg,
        "resource = [\"acs-\u{202e}exe.*\", \"a'\\\\b\\\"c\\u2028d\"]\n\
         inputs = [\"logs\\u001b]8;;x\\u0007/\", \"in\\u2066put\"]\n",
    )
    .unwrap();
    let print = |cfg: &std::path::Path| {
        let mut c = bin();
        c.arg("--config").arg(cfg).args(["config", "--print"]);
        stdout(&c.assert().success())
    };
    let text = print(&cfg);
    let raw: Vec<char> = (text.chars())
        .filter(|&c| (c.is_control() && c != '\n') || ('\u{2000}'..='\u{206f}').contains(&c))
        .collect();
    assert!(raw.is_empty(), "{raw:?} in\n{text}");
    assert!(
        text.contains("\nresource = [\"acs-\\u202Eexe.*\", \"a'\\\\b\\\"c\\u2028d\"]\n"),
        "{text}"
    );
    assert!(
        text.contains("\ninputs = [\"logs\\u001B]8;;x\\u0007/\", \"in\\u2066put\"]\n"),
        "{text}"
    );
    assert!(text.starts_with("# The settings `acs-triage report` runs with: "));
    // The file's name as every output names a file: its line break and ESC escaped.
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("night\\n\\u{1b}[2Jx.toml, then the defaults."),
        "{text}"
    );
    // Read back, the same settings.
    let again = dir.path().join("again.toml");
    std::fs::write(&again, &text).unwrap();
    let back = print(&again);
    assert_eq!(
        text.lines().skip(1).collect::<Vec<_>>(),
        back.lines().skip(1).collect::<Vec<_>>()
    );
}
