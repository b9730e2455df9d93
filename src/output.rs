//! Writing outputs: the one place files are written, so that a report set is replaced as a
//! set and nothing the user named is ever replaced by something else.
//!
//! - A regular file (or a new one) is written to a temporary in its own directory's directory
//!   of temporaries for the set, synced, and renamed over the old one only when every file of
//!   the set was written and synced: a failure before that (a full disk, a file that cannot be
//!   replaced) leaves the old set untouched. The directories renamed into are synced once
//!   renamed, so that the new set is on disk when the run ends.
//! - A symbolic link is followed: its target is replaced, and the link stays a link.
//! - A regular file with other hard links (a published copy) is written through too: once
//!   the set's temporaries are written and synced, its temporary's bytes are copied into it in
//!   place, so that every name of it reads the new file. The history's days are the tool's own
//!   store, replaced by rename as hard-link snapshot backups (`cp -al`) rely on.
//! - A path that exists and is not a regular file (`/dev/stdout`, `/dev/null`, a FIFO) is
//!   written in place, never replaced.
//! - Each directory of temporaries holds an exclusive lock while it lives; the next run in the
//!   same directory removes the temporaries whose run was killed (unlocked), and leaves those
//!   of a run still going. A SIGINT or SIGTERM removes the run's own before it ends the run.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::ReportFormat;

mod checks;
mod set;
mod staging;

pub use checks::{checked_outputs, writable_dir, Reads};
pub use set::OutputSet;
pub use staging::ends_with;

/// The files `report` writes into `--out`, besides `summary.md` and `report.html` (a run never
/// reads them back as input), and how each starts (a CSV file its header): a file of that name
/// that starts so, met in the walk of an input directory, is a report an earlier run wrote
/// there (into another `--out` under it), not an export.
pub const REPORT_STARTS: [(&str, &str); 15] = [
    ("rejects.csv", "file,line,record,reason,excerpt\n"),
    ("by_category.csv", "category,count,share,calls\n"),
    ("by_outcome.csv", "outcome,count,share,calls\n"),
    ("by_mitigation.csv", "mitigation,count,share,calls,codes\n"),
    (
        "by_code.csv",
        "code,subcode,category,outcome,match,source,callback_event,description,mitigation,count,share,calls,first_seen,last_seen\n",
    ),
    (
        "by_operation.csv",
        "operation,kind,code,subcode,category,outcome,prompt,count,calls\n",
    ),
    ("timeline.csv", "bucket,code,subcode,category,count\n"),
    (
        "spikes.csv",
        "day,code,subcode,category,outcome,description,mitigation,count,expected,ratio,p_value,status\n",
    ),
    ("volume.csv", "day,scope,count,expected,ratio,p_value,status\n"),
    (
        "by_sip.csv",
        "code,subcode,sip_code,sip_message,q850_code,q850_message,count,calls\n",
    ),
    (
        "by_resource.csv",
        "resource,count,failures,needs_action,calls,needs_action_rate,inferred\n",
    ),
    (
        "by_sdk.csv",
        "sdk_type,sdk_version,count,failures,needs_action,needs_action_rate\n",
    ),
    (
        "silent.csv",
        "action,outcomes_from,accepted,with_outcome,without_outcome,share,calls,late,untested,status\n",
    ),
    (
        "silent_calls.csv",
        "correlation_id,call_connection_id,server_call_id,resource,last_accepted,without_outcome\n",
    ),
    ("report.json", "{\n  \"volume\": ["),
];

/// The names of [`REPORT_STARTS`].
pub fn report_files() -> impl Iterator<Item = &'static str> {
    REPORT_STARTS.iter().map(|&(name, _)| name)
}

/// The files of `format` that `report` writes into its directory (besides `rejects.csv`,
/// which every format writes).
pub fn format_files(format: ReportFormat) -> Vec<&'static str> {
    match format {
        ReportFormat::Csv => report_files()
            .filter(|name| name.ends_with(".csv") && *name != "rejects.csv")
            .collect(),
        ReportFormat::Md => vec!["summary.md"],
        ReportFormat::Html => vec!["report.html"],
        ReportFormat::Json => vec!["report.json"],
    }
}

/// The files `report` writes, or removes, in `--out` for `formats`: `rejects.csv` always, and
/// each format's own (every CSV file for `csv`, of which `by_sip.csv`, `by_resource.csv` and
/// `by_sdk.csv` are removed when the input has nothing for them).
pub fn report_outputs(formats: &[ReportFormat]) -> Vec<&'static str> {
    let mut names = vec!["rejects.csv"];
    names.extend(formats.iter().flat_map(|&f| format_files(f)));
    names
}

/// The pages `report` writes into `--out` besides [`REPORT_STARTS`]' files.
const REPORT_PAGES: [&str; 2] = ["summary.md", "report.html"];

/// Where a path's bytes go: its final target, following symbolic links.
fn target(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        // A link to a pipe (`/dev/fd/63` of a process substitution) has no path to follow.
        Ok(m) if m.file_type().is_symlink() && special(path) => path.to_path_buf(),
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or_else(|_| {
            // A dangling link, or a chain of links whose last one is: write where the last
            // points, as a shell's `>` does, keeping every link. A loop (no end in 40 links,
            // as the kernel counts) is the path itself, which [`looped`] refuses.
            let mut at = path.to_path_buf();
            for _ in 0..40 {
                if !fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
                    return at;
                }
                let Ok(to) = fs::read_link(&at) else {
                    return at;
                };
                at = match at.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            path.to_path_buf()
        }),
        _ => path.to_path_buf(),
    }
}

/// Refuses a path that is a symbolic link in a loop (one leads back to another): written,
/// the user's link would be replaced by a regular file.
fn looped(path: &Path) -> Result<()> {
    let looped = Some(rustix::io::Errno::LOOP.raw_os_error());
    if fs::metadata(path).is_err_and(|e| e.raw_os_error() == looped) {
        anyhow::bail!(
            "cannot write {}: it is a symbolic link in a loop (one leads back to another)",
            crate::text::path(path)
        );
    }
    Ok(())
}

/// The directory a file at `path` is in: `.` for a bare name (`--out today.md`), whose
/// parent is empty, which no call opens.
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Whether a path exists and is something other than a regular file (a device, a FIFO).
fn special(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes one file as [`OutputSet`] does.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut set = OutputSet::new();
    set.add(path, bytes)?;
    set.commit()
}

/// The tempfile crate's error without the path it appends (`Permission denied (os error 13) at
/// path "o/.acs-triage-xq6qv6.tmp"`, rev70a F1): the message names the directory, and the
/// temporary's name, which never exists, would read as a file to look for.
fn without_path(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((why, _)) if e.raw_os_error().is_none() => std::io::Error::new(e.kind(), why),
        _ => e,
    }
}

/// A regular file's identity (device, inode), following links: `None` for anything else.
fn regular_id(path: &Path) -> Option<(u64, u64)> {
    let m = fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some((m.dev(), m.ino()))
}

/// What an output is once written, to tell two outputs that are one file: an existing regular
/// file's identity (device, inode), after following links; for one not there yet, where its
/// links lead (the canonical directory and the file name), as two links to one missing file
/// would both write it. `None` for anything else (a device, a FIFO, a loop of links).
#[derive(PartialEq, Eq, Hash)]
enum Identity {
    File(u64, u64),
    Missing(PathBuf),
}

fn identity(path: &Path) -> Option<Identity> {
    if let Some((dev, ino)) = regular_id(&target(path)) {
        return Some(Identity::File(dev, ino));
    }
    let mut at = path.to_path_buf();
    // A dangling link's `target` is where it points, which may be a link again.
    for _ in 0..40 {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => at = target(&at),
            Ok(_) => return None,
            Err(_) => {
                let dir = fs::canonicalize(dir_of(&at)).ok()?;
                return Some(Identity::Missing(dir.join(at.file_name()?)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::fs::File;
    use std::os::unix::fs::PermissionsExt;

    use super::checks::writable_files;
    use super::staging::{ignored, remove_stale_temporaries, TEMP_PREFIX};
    use super::*;

    #[test]
    fn a_set_is_replaced_as_a_set() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        fs::write(&a, "old a").unwrap();
        fs::write(&b, "old b").unwrap();
        // The second file cannot be staged (its directory is gone): nothing is replaced.
        let mut set = OutputSet::new();
        set.add(&a, b"new a").unwrap();
        assert!(set.add(&dir.path().join("missing/b.csv"), b"x").is_err());
        drop(set);
        assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
        let mut set = OutputSet::new();
        set.add(&a, b"new a").unwrap();
        set.add(&b, b"new b").unwrap();
        set.commit().unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(fs::read_to_string(&b).unwrap(), "new b");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no temporaries left");
    }

    /// A file replaced keeps its permission bits, whatever the umask (a 0600 file does not
    /// come back 0644); one without write permission is refused and left as it was.
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_read_only_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().mode() & 0o7777;
        for m in [0o600, 0o640, 0o666] {
            let p = dir.path().join(format!("{m:o}.csv"));
            fs::write(&p, "old").unwrap();
            fs::set_permissions(&p, PermissionsExt::from_mode(m)).unwrap();
            write_file(&p, b"new").unwrap();
            assert_eq!(fs::read_to_string(&p).unwrap(), "new");
            assert_eq!(mode(&p), m, "{m:o}");
        }
        // Through a link, the target's mode.
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(dir.path().join("600.csv"), &link).unwrap();
        write_file(&link, b"again").unwrap();
        assert_eq!(mode(&dir.path().join("600.csv")), 0o600);
        // Read-only: refused before the write (writable_files) and at it, as root too.
        let ro = dir.path().join("ro.md");
        fs::write(&ro, "old").unwrap();
        fs::set_permissions(&ro, PermissionsExt::from_mode(0o444)).unwrap();
        let want = format!(
            "cannot write {}: it is read-only (mode 0444); make it writable or remove it first",
            crate::text::path(&ro)
        );
        assert_eq!(
            format!(
                "{:#}",
                writable_files(std::slice::from_ref(&ro)).unwrap_err()
            ),
            want
        );
        assert_eq!(format!("{:#}", write_file(&ro, b"new").unwrap_err()), want);
        assert_eq!(fs::read_to_string(&ro).unwrap(), "old");
        assert_eq!(mode(&ro), 0o444);
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 5, "no temporaries left");
    }

    /// A chain of links whose last one points to a missing file is written where it points,
    /// every link kept, as a shell's `>` does; a link in a loop is refused, before and at the
    /// write, and stays a link (rev70a F7: each was replaced by a regular file).
    #[test]
    fn a_chain_of_links_to_a_missing_file_is_written_through_and_a_loop_refused() {
        let dir = tempfile::tempdir().unwrap();
        let is_link = |p: &Path| fs::symlink_metadata(p).unwrap().file_type().is_symlink();
        let (first, b) = (dir.path().join("summary.md"), dir.path().join("b"));
        std::os::unix::fs::symlink("b", &first).unwrap();
        std::os::unix::fs::symlink("published.md", &b).unwrap();
        writable_files(std::slice::from_ref(&first)).unwrap();
        write_file(&first, b"new").unwrap();
        assert!(is_link(&first) && is_link(&b));
        assert_eq!(fs::read(dir.path().join("published.md")).unwrap(), b"new");
        let (one, two) = (dir.path().join("one.md"), dir.path().join("two.md"));
        std::os::unix::fs::symlink("one.md", &one).unwrap();
        std::os::unix::fs::symlink("c", &two).unwrap();
        std::os::unix::fs::symlink("two.md", dir.path().join("c")).unwrap();
        for p in [&one, &two] {
            let want = format!(
                "cannot write {}: it is a symbolic link in a loop (one leads back to another)",
                crate::text::path(p)
            );
            let e = writable_files(std::slice::from_ref(p)).unwrap_err();
            assert_eq!(format!("{e:#}"), want);
            assert_eq!(format!("{:#}", write_file(p, b"new").unwrap_err()), want);
            assert!(is_link(p));
        }
        assert!(is_link(&dir.path().join("c")));
    }

    #[test]
    fn links_are_followed_and_devices_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        let link = dir.path().join("link.md");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        // /dev/null stays a device.
        write_file(Path::new("/dev/null"), b"nothing").unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
    }

    /// Two paths of one set that are one file are refused at the second, whoever staged them:
    /// a page linked to the day of the history the set writes (there or not yet), or hard
    /// linked to it, had left the day holding the page (rev66a F1). Nothing is written.
    #[test]
    fn a_set_refuses_two_paths_that_are_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let day = dir.path().join("2026-11-24.parquet");
        let page = dir.path().join("summary.md");
        std::os::unix::fs::symlink(&day, &page).unwrap();
        let twice = |day_there: bool| {
            let mut set = OutputSet::new();
            set.add_stored(&day, b"PAR1 day").unwrap();
            let e = set.add(&page, b"# page").unwrap_err();
            assert_eq!(
                format!("{e:#}"),
                format!(
                    "cannot write {}: it is {}, which the run writes too (one file by two names, a link of the other): make them two files",
                    crate::text::path(&page),
                    crate::text::path(&day)
                )
            );
            drop(set);
            assert_eq!(day.exists(), day_there);
        };
        twice(false);
        fs::write(&day, "old").unwrap();
        twice(true);
        fs::remove_file(&page).unwrap();
        fs::hard_link(&day, &page).unwrap();
        twice(true);
        assert_eq!(fs::read_to_string(&day).unwrap(), "old");
        // Two names of two files are two files.
        fs::remove_file(&page).unwrap();
        let mut set = OutputSet::new();
        set.add_stored(&day, b"PAR1 day").unwrap();
        set.add(&page, b"# page").unwrap();
        set.commit().unwrap();
        assert_eq!(fs::read_to_string(&day).unwrap(), "PAR1 day");
    }

    /// An output directory that is a loop of symbolic links is said to be one (it had been
    /// "a symbolic link to loop2, which does not exist", loop2 being there: rev66a F6).
    #[test]
    fn an_output_directory_in_a_loop_of_links_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("loop1"), dir.path().join("loop2"));
        std::os::unix::fs::symlink(&two, &one).unwrap();
        std::os::unix::fs::symlink(&one, &two).unwrap();
        let e = writable_dir(&one, "output directory").unwrap_err();
        assert_eq!(
            format!("{e:#}"),
            format!(
                "output directory {} is a loop of symbolic links (one leads back to another)",
                crate::text::path(&one)
            )
        );
    }

    /// A file with another hard link is written through (both names read the new bytes, its
    /// mode stays), as is a table not written this time (its header alone); a file of the
    /// tool's store is replaced by rename, and the other name keeps what it held.
    #[test]
    fn a_hard_linked_file_is_written_through_unless_it_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let name = |n: &str| dir.path().join(n);
        for n in ["report.md", "stale.csv", "day.parquet"] {
            fs::write(name(n), "old").unwrap();
            fs::hard_link(name(n), name(&format!("published-{n}"))).unwrap();
        }
        fs::set_permissions(name("report.md"), PermissionsExt::from_mode(0o600)).unwrap();
        let mut set = OutputSet::new();
        set.add(&name("report.md"), b"new report").unwrap();
        set.remove(&name("stale.csv"), b"header\n").unwrap();
        assert!(set.add_stored(&name("day.parquet"), b"new day").unwrap());
        set.commit().unwrap();
        let read = |n: &str| fs::read_to_string(name(n)).unwrap();
        assert_eq!(read("report.md"), "new report");
        assert_eq!(read("published-report.md"), "new report");
        assert_eq!(fs::metadata(name("report.md")).unwrap().nlink(), 2);
        assert_eq!(
            fs::metadata(name("report.md")).unwrap().mode() & 0o777,
            0o600
        );
        assert_eq!(read("stale.csv"), "header\n");
        assert_eq!(read("published-stale.csv"), "header\n");
        assert_eq!(read("day.parquet"), "new day");
        assert_eq!(read("published-day.parquet"), "old");
        assert_eq!(fs::metadata(name("day.parquet")).unwrap().nlink(), 1);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            6,
            "no temporaries left"
        );
    }

    /// A device that fails its write (a full one) leaves the set's files as they were: none is
    /// renamed over, nor a stale file removed, before the device is written.
    #[test]
    fn a_device_that_cannot_be_written_replaces_nothing() {
        assert!(
            Path::new("/dev/full").exists(),
            "a Linux machine has /dev/full"
        );
        let dir = tempfile::tempdir().unwrap();
        let (a, stale, full) = (
            dir.path().join("a.csv"),
            dir.path().join("stale.csv"),
            dir.path().join("report.json"),
        );
        fs::write(&a, "old a").unwrap();
        fs::write(&stale, "old").unwrap();
        std::os::unix::fs::symlink("/dev/full", &full).unwrap();
        let mut set = OutputSet::new();
        set.add(&a, b"new a").unwrap();
        set.remove(&stale, b"").unwrap();
        set.add(&full, b"{}").unwrap();
        assert!(set.commit().is_err());
        assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
        assert!(stale.exists());
    }

    /// Each report starts as [`REPORT_STARTS`] says: the bundled run's reports (which a test
    /// keeps as the quick start writes them) hold all thirteen.
    #[test]
    fn the_reports_start_as_their_starts_say() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
        for (name, start) in REPORT_STARTS {
            let text = fs::read_to_string(dir.join(name)).unwrap();
            assert!(
                text.starts_with(start),
                "{name}: {:?}",
                &text[..80.min(text.len())]
            );
        }
    }

    #[test]
    fn temporaries_of_a_killed_run_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".acs-triage-stale.tmp");
        fs::write(&stale, "x").unwrap();
        let live = dir.path().join(".acs-triage-live.tmp");
        let held = File::create(&live).unwrap();
        held.lock().unwrap();
        // A set's directory of temporaries: kept while its set lives, removed once it was
        // left (its run killed).
        let mut set = OutputSet::new();
        set.add(&dir.path().join("a.csv"), b"new a").unwrap();
        let (staging, _) = set.staging.first_key_value().unwrap();
        assert_eq!(staging, dir.path());
        let made = set.staging[dir.path()].dir.clone();
        assert!(made.join("0").exists());
        let left = dir.path().join(".acs-triage-left.tmp");
        fs::create_dir(&left).unwrap();
        fs::write(left.join("0"), "half").unwrap();
        remove_stale_temporaries(dir.path());
        assert!(!stale.exists());
        assert!(live.exists());
        assert!(made.join("0").exists());
        assert!(!left.exists());
        drop(held);
        remove_stale_temporaries(dir.path());
        assert!(!live.exists());
        set.commit().unwrap();
        assert!(!made.exists());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    /// SIGPIPE, which Rust's runtime ignores, is read as ignored; SIGTERM is not.
    #[test]
    fn an_ignored_signal_is_told() {
        assert!(ignored(13));
        assert!(!ignored(15));
        assert!(!ignored(0) && !ignored(65));
    }

    /// A set of more files than a process may hold open at once (a backfill of the history,
    /// a file a day) is written: each temporary is closed once written (other tests of this
    /// process may open a few files meanwhile, not 150).
    #[test]
    fn a_set_of_thousands_of_files_holds_no_descriptor_for_each() {
        let dir = tempfile::tempdir().unwrap();
        let open = || fs::read_dir("/proc/self/fd").unwrap().count();
        let before = open();
        let mut set = OutputSet::new();
        for i in 0..300 {
            set.add(&dir.path().join(format!("{i}.parquet")), b"day")
                .unwrap();
        }
        assert!(
            open() < before + 150,
            "{} descriptors open",
            open() - before
        );
        set.commit().unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 300);
        assert_eq!(fs::read(dir.path().join("299.parquet")).unwrap(), b"day");
    }

    /// The tempfile crate's error names its temporary (`... at path "o/.acs-triage-xq6qv6.tmp"`),
    /// which never exists: said without it (rev70a F1), the OS's words kept.
    #[test]
    fn a_temporary_that_cannot_be_made_is_said_without_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let e = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(&missing)
            .unwrap_err();
        assert!(e.to_string().contains(" at path "), "{e}");
        let e = without_path(e);
        assert_eq!(e.to_string(), "No such file or directory (os error 2)");
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    }
}
