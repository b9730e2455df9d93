//! acs-triage: reads Azure Communication Services Call Automation log exports and reports
//! their result codes against Microsoft's error-code catalogue.
//!
//! The stages, in the order data flows:
//!
//! 1. [`ingest`]: find the input files, open them (gzip, UTF-16), detect each one's shape, cut
//!    it into blocks of whole records read in parallel, and hand every source record on.
//! 2. [`normalize`]: the field vocabulary of every shape; one source record's wanted fields
//!    become a [`record::Record`], a reject or a skip.
//! 3. [`aggregate`]: the sink that counts records by (code, subcode), operation and time
//!    bucket with the distinct calls behind each count, and keeps the rejects
//!    ([`aggregate::Focus`] for `triage`).
//! 4. `spikes`: the nightly history (one Parquet file a day) and the rate test of the
//!    report day.
//! 5. `catalogue`: Microsoft's pages, loaded; the lookup of a key and the `codes` query.
//! 6. `report`: the finished models, kept typed (the report, the triage), and the tables
//!    that every format writes.
//! 7. `render`: model to bytes, one file per format, each handed to `output` as it is
//!    rendered.
//! 8. `output`: the one place files are written; a report set is replaced as a set.
//!
//! Beneath them, shared by all: `record` (the record, rejects, skips), `time` (every time
//! parse and format), `text` (text made safe to show), [`config`] (validated settings and
//! the value types of flags). Beside them: `progress` (the bar on stderr), `kql` (the same
//! reports as KQL queries), [`exit_codes`]. At the top: [`cli`] (clap structs, converted to
//! settings) and `cmd` (one `run()` per subcommand, wiring only). Imports flow downwards: no
//! stage imports `cli` or `cmd`, and no two modules import each other (`.ci/run` checks both).

// A line to stderr is written with `say!`, which never panics.
#![cfg_attr(not(test), deny(clippy::print_stderr))]

/// `eprintln!` that never panics: a stderr that cannot be written (`2>/dev/full`, the closed
/// pipe of a logger that died) loses the line, not the run's work or its exit code.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

pub mod aggregate;
pub(crate) mod catalogue;
pub mod cli;
pub(crate) mod cmd;
pub mod config;
pub mod exit_codes;
pub mod ingest;
pub(crate) mod kql;
pub mod normalize;
pub(crate) mod output;
pub(crate) mod progress;
pub(crate) mod record;
pub(crate) mod render;
pub(crate) mod report;
pub(crate) mod spikes;
pub(crate) mod text;
pub(crate) mod time;

use exit_codes::Exit;

/// The environment variable that fixes glibc's trim threshold ([`fix_allocator_thresholds`]).
pub const TRIM_THRESHOLD_VAR: &str = "MALLOC_TRIM_THRESHOLD_";

/// glibc raises its mmap and trim thresholds each time a large block is freed (a hash table
/// that grew, a worker's tables merged), after which memory a worker thread frees stays
/// resident in its heap: on many threads that is a third of the peak (the 27,000-cell month
/// on 16 threads, a 400 MB file whose rows all fail on 8). Setting one threshold keeps both at
/// glibc's defaults, but only `mallopt` (which would need `unsafe` here) or the environment at
/// startup can set it. So the process executes itself again, once, with the variable set, as
/// the same process (same id, arguments and open files), unless the variable or
/// `GLIBC_TUNABLES` is already set, in which case the user's choice stands.
///
/// It executes `/proc/self/exe`, the very file it runs from (not a path that may have been
/// replaced or deleted since), and only when that file is this program: the kernel started it
/// through its program interpreter (the dynamic loader). Run through the loader itself
/// (`ld-linux.so program ...`, whatever name it is given), the file is the loader, which the
/// kernel started as the program. Nor in secure mode (setuid or setgid). Otherwise, or if it
/// cannot, it goes on as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn fix_allocator_thresholds() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(TRIM_THRESHOLD_VAR).is_some()
        || std::env::var_os("GLIBC_TUNABLES").is_some()
        || !std::fs::read("/proc/self/auxv").is_ok_and(|auxv| may_run_again(&auxv))
    {
        return;
    }
    let mut args = std::env::args_os();
    let mut again = std::process::Command::new("/proc/self/exe");
    if let Some(arg0) = args.next() {
        again.arg0(arg0);
    }
    // glibc's default: 128 KiB.
    again.args(args).env(TRIM_THRESHOLD_VAR, "131072");
    // Returns only if it failed.
    let _failed = again.exec();
}

/// Whether an auxiliary vector (`/proc/self/auxv`: pairs of native words, type and value) says
/// the program may run itself again: the kernel started it through a program interpreter
/// (`AT_BASE`, the interpreter's base, not 0; 0 when the program it started is the loader
/// itself, or a static one), and not in secure mode
/// (`AT_SECURE`: setuid or setgid), where a C library may drop the variable, and it would run
/// itself again and again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn may_run_again(auxv: &[u8]) -> bool {
    const AT_BASE: usize = 7;
    const AT_SECURE: usize = 23;
    const WORD: usize = std::mem::size_of::<usize>();
    let word = |b: &[u8]| b.try_into().map_or(0, usize::from_ne_bytes);
    let value = |ty: usize| {
        (auxv.chunks_exact(2 * WORD))
            .find(|pair| word(&pair[..WORD]) == ty)
            .map(|pair| word(&pair[WORD..]))
    };
    value(AT_BASE).is_some_and(|base| base != 0) && value(AT_SECURE) == Some(0)
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    #[test]
    fn runs_again_only_through_an_interpreter_and_not_in_secure_mode() {
        let auxv = |pairs: &[(usize, usize)]| -> Vec<u8> {
            let words = pairs.iter().flat_map(|&(t, v)| [t, v]);
            words.flat_map(usize::to_ne_bytes).collect()
        };
        let (base, secure, null) = (7, 23, 0);
        assert!(super::may_run_again(&auxv(&[
            (base, 0x7f00),
            (secure, 0),
            (null, 0)
        ])));
        assert!(!super::may_run_again(&auxv(&[
            (base, 0),
            (secure, 0),
            (null, 0)
        ])));
        assert!(!super::may_run_again(&auxv(&[(base, 0x7f00), (secure, 1)])));
        assert!(!super::may_run_again(&auxv(&[(secure, 0)])));
        assert!(!super::may_run_again(&[]));
        // This test binary was started through the loader, as a user's run is.
        assert!(super::may_run_again(
            &std::fs::read("/proc/self/auxv").unwrap()
        ));
    }
}

/// Elsewhere the allocator is left as it is.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn fix_allocator_thresholds() {}

/// Runs the parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Exit> {
    // Loaded only by the commands that read it: the others do not fail on a bad one.
    // `report` lists its catalogue's warnings with the run's, in the reports and on stderr.
    let report = matches!(cli.command, cli::Command::Report(_));
    let catalogue = || -> anyhow::Result<catalogue::Catalogue> {
        let mut c = catalogue::Catalogue::load(&cli.catalogue, !cli.no_builtin_catalogue)?;
        c.outcomes = catalogue::OutcomeRules::default()
            .with_overrides(&cli.outcomes.caller, &cli.outcomes.failure);
        for w in c.warnings.iter().filter(|_| !report) {
            say!("acs-triage: warning: {w}");
        }
        Ok(c)
    };
    // The commands that read inputs run on worker threads: too many asked for are capped, and
    // said once (not under report's --quiet).
    let quiet = match &cli.command {
        cli::Command::Report(a) => Some(a.quiet),
        cli::Command::Triage(_) => Some(false),
        _ => None,
    };
    if let Some(quiet) = quiet {
        if let Some(w) = ingest::cap_threads().filter(|_| !quiet) {
            say!("acs-triage: warning: {w}");
        }
    }
    match &cli.command {
        cli::Command::Codes(a) => cmd::codes::run(&catalogue()?, a),
        cli::Command::Report(a) => cmd::report::run(catalogue()?, a, &cli.files_read()),
        cli::Command::Triage(a) => cmd::triage::run(catalogue()?, a, &cli.files_read()),
        cli::Command::Kql(a) => cmd::kql::run(&catalogue()?, a),
        cli::Command::Config(a) => {
            // The settings shown are report's: its catalogue files (--catalogue over the
            // file's) are checked as report checks them, a missing one an error.
            if a.print {
                catalogue()?;
            }
            let given = (cli.catalogue.as_slice(), cli.no_builtin_catalogue);
            cmd::config::run(cli.config_file()?, a, given)
        }
        cli::Command::Completions(a) => cmd::shell::completions(a.shell),
        cli::Command::Man(a) => cmd::shell::man(a.page.as_deref()),
    }
}

/// An error as the one line the terminal shows: a path typed on the command line or a value
/// in a config file may hold escape sequences or bidi controls (`text::line`).
pub fn error_line(e: impl std::fmt::Display) -> String {
    text::line(&e.to_string())
}

/// A closed stdout pipe (`acs-triage codes | head`) is not an error.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
