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

use std::collections::btree_map::{BTreeMap, Entry};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use anyhow::{Context, Result};

use crate::config::{IngestSettings, ReportFormat};

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

/// Temporaries, and the directories a set's temporaries are written in, are named
/// `.acs-triage-*.tmp`.
const TEMP_PREFIX: &str = ".acs-triage-";
const TEMP_SUFFIX: &str = ".tmp";

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

/// A set's temporaries in one directory: a directory of their own in it, locked while the
/// set lives, and removed with what is left in it when the set is dropped. Each temporary is
/// closed once written, and synced on commit: a set of thousands of files (a backfill of the
/// history, a file a day) holds one descriptor per directory, not one per file, which would
/// pass the usual limit of 1,024.
struct Staging {
    dir: PathBuf,
    _lock: File,
    made: usize,
}

impl Staging {
    fn new(dir: &Path) -> Result<Staging> {
        removed_on_a_stop();
        let mut staged = staged();
        COMMITTED.store(false, Ordering::SeqCst);
        let made = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempdir_in(dir)
            .map_err(without_path)
            .with_context(|| {
                format!(
                    "cannot create a temporary directory in {}",
                    crate::text::path(dir)
                )
            })?
            .keep();
        let lock = match File::open(&made) {
            Ok(lock) => lock,
            Err(e) => {
                let _ = fs::remove_dir_all(&made);
                return Err(e).with_context(|| format!("cannot open {}", crate::text::path(&made)));
            }
        };
        staged.push(made.clone());
        // Held until the set is committed or dropped: the next run leaves a locked one alone.
        let _ = lock.try_lock();
        Ok(Staging {
            dir: made,
            _lock: lock,
            made: 0,
        })
    }

    /// A new file in it, `rw-r--r--`: outputs are for reading, like any other file.
    fn create(&mut self) -> std::io::Result<(PathBuf, File)> {
        let path = self.dir.join(self.made.to_string());
        self.made += 1;
        let _staged = staged();
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&path)?;
        Ok((path, file))
    }
}

impl Drop for Staging {
    /// Removes the directory with what is left in it (nothing, once committed).
    fn drop(&mut self) {
        let mut staged = staged();
        let _ = fs::remove_dir_all(&self.dir);
        staged.retain(|d| *d != self.dir);
    }
}

/// The directories of temporaries of the sets being written. Its lock is held wherever a
/// directory of temporaries is made, removed, or has a file made, opened or renamed in it, and
/// by a SIGINT or SIGTERM from when it takes it until the run ends: the run never finds its
/// temporaries gone, and a set being renamed into place is renamed whole first.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Whether the last set was put in place, and no set has been begun since: a SIGINT or SIGTERM
/// then lets the run end as it would have, with its own exit status, since it has nothing of
/// the run's to undo (it had exited 143 with the new set in place, where 130 and 143 say the
/// set before is). Set and read with [`STAGED`]'s lock held.
static COMMITTED: AtomicBool = AtomicBool::new(false);

/// The exit status the run is to end with once its set is in place ([`ends_with`]), or -1: a
/// second SIGINT or SIGTERM after the set is in place ends the run with it at once.
static STATUS: AtomicI32 = AtomicI32::new(-1);

/// Says the exit status the run is to end with once the set it is about to commit is in place:
/// a second SIGINT or SIGTERM that comes then (a run stuck writing its last lines to a pipe
/// nobody reads) ends the run with it, the new set being in place.
pub fn ends_with(status: u8) {
    STATUS.store(i32::from(status), Ordering::SeqCst);
}

fn staged() -> MutexGuard<'static, Vec<PathBuf>> {
    STAGED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// From the first set's temporaries on, a SIGINT or SIGTERM (Ctrl-C, a timeout, a service
/// stopped) removes the temporaries of the sets being written, then ends the run as the signal
/// would have (exit 130 or 143 in a shell): the old set stays as it was, as before, and no
/// temporaries are left behind for the next run to remove. Once the set is in place
/// ([`COMMITTED`]) the first is let pass: the run's last lines and its own exit status follow;
/// a second ends the run at once with that status ([`STATUS`]; 128 + the signal, as the
/// signal would, when the run said none), as one stuck writing its last lines had no way out
/// but SIGKILL.
fn removed_on_a_stop() {
    static WATCH: Once = Once::new();
    WATCH.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        // A signal the run was started to ignore (SIGINT in a job a script put in the
        // background, `nohup`) stays ignored.
        let stops: Vec<i32> = [SIGINT, SIGTERM]
            .into_iter()
            .filter(|&s| !ignored(s))
            .collect();
        let (told, registered) = std::sync::mpsc::sync_channel(1);
        // Registered in the thread that waits for them: with no thread to spare, a signal
        // ends the run as it did, and the next run removes the temporaries.
        let watch = std::thread::Builder::new().name("signals".into());
        let watching = watch.spawn(move || {
            let signals = signal_hook::iterator::Signals::new(stops);
            let _ = told.send(());
            let Ok(mut signals) = signals else {
                return;
            };
            let mut signals = signals.forever();
            let mut passed = false;
            let (signal, staged) = loop {
                let Some(signal) = signals.next() else {
                    return;
                };
                let staged = staged();
                if !COMMITTED.load(Ordering::SeqCst) {
                    break (signal, staged);
                }
                if passed {
                    let status = STATUS.load(Ordering::SeqCst);
                    if status >= 0 {
                        std::process::exit(status);
                    }
                    break (signal, staged);
                }
                passed = true;
            };
            for dir in staged.iter() {
                let _ = fs::remove_dir_all(dir);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        });
        if watching.is_ok() {
            let _ = registered.recv();
        }
    });
}

/// Whether the run was started with `signal` ignored, as `/proc/self/status` says (`SigIgn`, a
/// mask in hexadecimal whose bit `signal - 1` is the signal's).
fn ignored(signal: i32) -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mask = (status.lines())
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
        .unwrap_or(0);
    (1..=64).contains(&signal) && mask >> (signal - 1) & 1 == 1
}

enum Staged {
    /// Written to a temporary, synced and renamed into place on commit; or, `through` (a
    /// file with other hard links), copied into the file in place.
    Temp {
        path: PathBuf,
        target: PathBuf,
        temp: PathBuf,
        through: bool,
    },
    /// Written in place on commit.
    InPlace { path: PathBuf, bytes: Vec<u8> },
    /// Removed on commit (a report of an earlier run that this one does not write).
    Remove { path: PathBuf },
}

/// Files written together: staged, then committed all at once.
#[derive(Default)]
pub struct OutputSet {
    staged: Vec<Staged>,
    /// The directories of temporaries, by the directory each is in.
    staging: BTreeMap<PathBuf, Staging>,
    /// The file each path staged is ([`Identity`]), with that path.
    files: std::collections::HashMap<Identity, PathBuf>,
    /// The locks held until the set is committed or dropped ([`OutputSet::hold`]).
    held: Vec<File>,
}

/// The file in a store's directory (the history) whose lock a run holds from reading the
/// store to putting its set in place ([`OutputSet::hold`]).
pub const STORE_LOCK: &str = ".acs-triage.lock";

/// How long a run waits for another run's lock on a store before it gives up.
const STORE_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

impl OutputSet {
    pub fn new() -> OutputSet {
        OutputSet::default()
    }

    /// Locks the store in `dir` (the history, `what` in messages) for this run, creating the
    /// directory, until the set is committed or dropped: a run reads the store, decides what
    /// to keep of it and puts its own days in place under the lock, so that another run's day
    /// stored between its read and its rename (a complete day a partial one would replace)
    /// is read first. A lock held by another run is waited for, said once on stderr, for at
    /// most [`STORE_LOCK_WAIT`]; a filesystem without locks is used unlocked.
    pub fn hold(&mut self, dir: &Path, what: &str) -> Result<()> {
        fs::create_dir_all(dir).with_context(|| {
            format!("cannot create {what} directory {}", crate::text::path(dir))
        })?;
        let lock = dir.join(STORE_LOCK);
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o644)
            .open(&lock)
            .with_context(|| {
                format!(
                    "cannot write to {what} directory {}",
                    crate::text::path(dir)
                )
            })?;
        let mut said = false;
        let mut waited = std::time::Duration::ZERO;
        let step = std::time::Duration::from_millis(50);
        loop {
            match f.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) if waited < STORE_LOCK_WAIT => {
                    if !std::mem::replace(&mut said, true) {
                        crate::say!(
                            "acs-triage: waiting for another run that is using {what} {} (it holds {})",
                            crate::text::path(dir),
                            crate::text::path(&lock)
                        );
                    }
                    std::thread::sleep(step);
                    waited += step;
                }
                Err(fs::TryLockError::WouldBlock) => anyhow::bail!(
                    "{what} {} is held by another run (it holds {}) for over {} minutes: nothing was written; run again once it ends",
                    crate::text::path(dir),
                    crate::text::path(&lock),
                    STORE_LOCK_WAIT.as_secs() / 60
                ),
                // A filesystem that cannot lock (some network ones) is used unlocked, as the
                // directories are in [`OutputSet::commit`].
                Err(fs::TryLockError::Error(_)) => return Ok(()),
            }
        }
        self.held.push(f);
        Ok(())
    }

    /// Stages `bytes` for `path`.
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.add_with(path, |w| Ok(w.write_all(bytes)?))
    }

    /// Stages `bytes` for `path`, a file of the tool's own store (a day of the history), unless
    /// the regular file there holds them already: a file that would not change (a day re-read
    /// from archives it was stored from) is left as it is, with no temporary written, synced
    /// and renamed over it. A file of the store is replaced by rename even when it has other
    /// hard links: a snapshot backup made of hard links (`cp -al`, rsnapshot) keeps the day it
    /// took. Returns whether `bytes` were staged.
    pub fn add_stored(&mut self, path: &Path, bytes: &[u8]) -> Result<bool> {
        if holds(&target(path), bytes) {
            return Ok(false);
        }
        self.stage(path, Links::Replaced, |w| Ok(w.write_all(bytes)?))?;
        Ok(true)
    }

    /// Stages what `write` writes for `path`, as it writes it: a large report goes to its
    /// temporary without being held whole in memory first. A file with other hard links is
    /// written through, in place, on commit: every name of it reads the new file.
    pub fn add_with(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        self.stage(path, Links::WrittenThrough, write)
    }

    fn stage(
        &mut self,
        path: &Path,
        links: Links,
        write: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<()> {
        looped(path)?;
        let target = target(path);
        if target.is_dir() {
            anyhow::bail!(
                "cannot write {}: it is a directory",
                crate::text::path(path)
            );
        }
        if special(&target) {
            let mut bytes = Vec::new();
            write(&mut bytes)
                .with_context(|| format!("cannot write {}", crate::text::path(path)))?;
            self.staged.push(Staged::InPlace {
                path: path.to_path_buf(),
                bytes,
            });
            return Ok(());
        }
        // Two paths of the set that are one file (a page linked to the day of the history the
        // set writes) would leave one's bytes under both names: refused, whatever wrote them,
        // as [`checked_outputs`] refuses those it knows of before the run reads anything.
        if let Some(id) = identity(path) {
            if let Some(first) = self.files.get(&id) {
                anyhow::bail!(
                    "cannot write {}: it is {}, which the run writes too (one file by two names, a link of the other): make them two files",
                    crate::text::path(path),
                    crate::text::path(first)
                );
            }
            self.files.insert(id, path.to_path_buf());
        }
        let replaced = replaceable(path, &target)?;
        let dir = dir_of(&target);
        let staging = match self.staging.entry(dir.to_path_buf()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Staging::new(dir)?),
        };
        let (temp, file) = staging.create().with_context(|| {
            format!(
                "cannot create a temporary file in {}",
                crate::text::path(dir)
            )
        })?;
        if let Some(old) = &replaced {
            keep_owner_and_mode(&file, old)
                .with_context(|| format!("cannot write {}", crate::text::path(path)))?;
        }
        let mut out = BufWriter::new(&file);
        write(&mut out)
            .and_then(|()| Ok(out.flush()?))
            .with_context(|| format!("cannot write {}", crate::text::path(path)))?;
        let linked = replaced.is_some_and(|old| old.nlink() > 1);
        self.staged.push(Staged::Temp {
            path: path.to_path_buf(),
            target,
            temp,
            through: linked && links == Links::WrittenThrough,
        });
        Ok(())
    }

    /// Stages the removal of a report this run does not write (a table the input has nothing
    /// for), which would not belong to the new set: a regular file at `path` is removed.
    /// Through a symbolic link to a regular file, or into one with other hard links, `empty`
    /// (the report with nothing in it, a CSV file's header) is written instead: the names the
    /// user made stay, and none shows an earlier run's rows beside the new set.
    pub fn remove(&mut self, path: &Path, empty: &[u8]) -> Result<()> {
        let Ok(m) = fs::symlink_metadata(path) else {
            return Ok(());
        };
        if m.is_file() && m.nlink() == 1 {
            self.staged.push(Staged::Remove {
                path: path.to_path_buf(),
            });
        } else if fs::metadata(path).is_ok_and(|t| t.is_file()) {
            self.add(path, empty)?;
        }
        Ok(())
    }

    /// Puts every staged file in place: the devices and FIFOs written first, then the files
    /// renamed over. Nothing is replaced unless every file was staged and every device written.
    /// The directories written into are locked while it does, so that two runs into the same
    /// directories leave the whole set of one of them, never a mix.
    pub fn commit(self) -> Result<()> {
        // `_held`: the stores' locks, released once the set is in place.
        let OutputSet {
            staged: files,
            staging,
            held: _held,
            ..
        } = self;
        let temps: Vec<(&Path, &Path)> = (files.iter())
            .filter_map(|s| match s {
                Staged::Temp { path, temp, .. } => Some((temp.as_path(), path.as_path())),
                _ => None,
            })
            .collect();
        sync_files(&temps)?;
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter_map(|s| match s {
                Staged::Temp { target, .. } => Some(dir_of(target)),
                Staged::Remove { path } => Some(dir_of(path)),
                Staged::InPlace { .. } => None,
            })
            .map(|d| fs::canonicalize(d).unwrap_or_else(|_| d.to_path_buf()))
            .collect();
        // In one order, so that two runs cannot each hold what the other waits for.
        dirs.sort();
        dirs.dedup();
        let mut locks = Vec::new();
        for d in &dirs {
            // A directory that cannot be locked (another filesystem) is written unlocked.
            if let Ok(f) = File::open(d) {
                if f.lock().is_ok() {
                    locks.push(f);
                }
            }
        }
        // Devices and FIFOs first: their writes cannot be undone, but one that fails (a full
        // device) must leave the files of the set as they were. Then the files written through
        // in place, whose writes cannot be undone either; then the renames.
        let (in_place, rest): (Vec<_>, Vec<_>) =
            (files.into_iter()).partition(|s| matches!(s, Staged::InPlace { .. }));
        let (through, rest): (Vec<_>, Vec<_>) =
            (rest.into_iter()).partition(|s| matches!(s, Staged::Temp { through: true, .. }));
        let mut renaming = None;
        for s in in_place.into_iter().chain(through).chain(rest) {
            // From the first file on, a SIGINT or SIGTERM waits until the set is in place
            // (not while a device is written, which may wait on its reader).
            if !matches!(s, Staged::InPlace { .. }) && renaming.is_none() {
                renaming = Some(staged());
            }
            match s {
                Staged::Temp {
                    path,
                    target,
                    temp,
                    through: true,
                } => {
                    write_through(&temp, &target)
                        .with_context(|| format!("cannot write {}", crate::text::path(&path)))?;
                    let _ = fs::remove_file(&temp);
                }
                Staged::Temp {
                    path, target, temp, ..
                } => {
                    fs::rename(&temp, &target)
                        .with_context(|| format!("cannot write {}", crate::text::path(&path)))?;
                }
                Staged::InPlace { path, bytes } => {
                    let mut f: File = OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .with_context(|| format!("cannot write {}", crate::text::path(&path)))?;
                    f.write_all(&bytes)
                        .and_then(|()| f.flush())
                        .with_context(|| format!("cannot write {}", crate::text::path(&path)))?;
                }
                Staged::Remove { path } => {
                    fs::remove_file(&path)
                        .with_context(|| format!("cannot remove {}", crate::text::path(&path)))?;
                }
            }
        }
        // The set is in place (a set of devices alone has nothing to undo either).
        renaming.get_or_insert_with(staged);
        COMMITTED.store(true, Ordering::SeqCst);
        drop(renaming);
        // The renames and removals on disk too: once for each directory, not once a file.
        for d in &dirs {
            File::open(d)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot sync directory {}", crate::text::path(d)))?;
        }
        drop(staging);
        Ok(())
    }
}

/// Whether a file with other hard links is replaced by rename (the tool's own store) or
/// written through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Links {
    WrittenThrough,
    Replaced,
}

/// Copies the synced temporary `temp` into the regular file `target` in place, and syncs it:
/// the file keeps its inode, and with it every other name, its mode and its owner.
fn write_through(temp: &Path, target: &Path) -> std::io::Result<()> {
    let mut from = File::open(temp)?;
    let mut to = OpenOptions::new().write(true).truncate(true).open(target)?;
    std::io::copy(&mut from, &mut to)?;
    to.sync_all()
}

/// Syncs the files `(temporary, path it is for)` to disk, from several threads: a
/// filesystem's journal commits the syncs waiting together at once, where each sync after
/// another waits for a commit of its own.
fn sync_files(files: &[(&Path, &Path)]) -> Result<()> {
    /// Threads that wait on the disk, not on a core.
    const THREADS: usize = 8;
    let next = AtomicUsize::new(0);
    let sync = || -> Result<()> {
        while let Some(&(temp, path)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
            let file = {
                let _staged = staged();
                File::open(temp)
            };
            file.and_then(|f| f.sync_all())
                .with_context(|| format!("cannot write {}", crate::text::path(path)))?;
        }
        Ok(())
    };
    std::thread::scope(|s| {
        let threads: Vec<_> = (1..THREADS.min(files.len()))
            .map(|_| s.spawn(sync))
            .collect();
        let mine = sync();
        (threads.into_iter())
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .fold(mine, Result::and)
    })
}

/// Whether `path` is a regular file that holds `bytes`, exactly. Only a file of their length
/// is read (a device or a FIFO never: opening a FIFO would wait for a writer).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let len = bytes.len() as u64;
    if !fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == len) {
        return false;
    }
    let mut held = Vec::with_capacity(bytes.len());
    File::open(path)
        .and_then(|f| f.take(len + 1).read_to_end(&mut held))
        .is_ok_and(|_| held == bytes)
}

/// The regular file that writing `path` (whose bytes go to `target`) replaces, if any, once it
/// is known that the user may replace it. A file without write permission is refused, as `cp`
/// and a shell's `>` refuse it: one the user may not write, and, since root may write any file,
/// also one that no one may write (mode 0444), which someone made read-only to keep it.
fn replaceable(path: &Path, target: &Path) -> Result<Option<fs::Metadata>> {
    let Some(m) = fs::metadata(target).ok().filter(|m| m.is_file()) else {
        return Ok(None);
    };
    if m.mode() & 0o222 == 0 {
        anyhow::bail!(
            "cannot write {}: it is read-only (mode {:04o}); make it writable or remove it first",
            crate::text::path(path),
            m.mode() & 0o7777
        );
    }
    use rustix::fs::{accessat, Access, AtFlags, CWD};
    accessat(CWD, target, Access::WRITE_OK, AtFlags::EACCESS)
        .map_err(std::io::Error::from)
        .with_context(|| format!("cannot write {}", crate::text::path(path)))?;
    Ok(Some(m))
}

/// Gives the new file (a temporary, to be renamed over `old`) the permission bits of the file
/// it replaces, as `sed -i` and editors do: a report made private (a `rejects.csv` of raw
/// records at 0600) stays so. Its owner and group too, where the user may give them (root; or
/// the group, for a member of it).
fn keep_owner_and_mode(new: &File, old: &fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::fchown;
    if fchown(new, Some(old.uid()), Some(old.gid())).is_err() {
        let _ = fchown(new, None, Some(old.gid()));
    }
    // Set on the file itself: the umask, which the temporary's creation went through, does
    // not apply.
    new.set_permissions(PermissionsExt::from_mode(old.mode() & 0o777))
}

/// Makes sure the files at `paths` can be written before the run reads gigabytes: none is a
/// directory or a link into a directory that does not exist, a file there is one the user may
/// replace, and each directory they go in takes new files (checked once each), or it is a
/// device.
fn writable_files(paths: &[PathBuf]) -> Result<()> {
    let mut dirs = std::collections::BTreeSet::new();
    for p in paths {
        dirs.extend(writable_at(p)?);
    }
    for dir in dirs {
        writable_dir(&dir, "output directory")?;
    }
    Ok(())
}

/// Writes one file as [`OutputSet`] does.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut set = OutputSet::new();
    set.add(path, bytes)?;
    set.commit()
}

/// Removes the temporaries a killed run left in `dir`: those no live run holds locked.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = e.path();
        let Ok(kind) = e.file_type() else {
            continue;
        };
        // A directory of a set's temporaries, or a temporary of an earlier version's set.
        if !(kind.is_dir() || kind.is_file()) {
            continue;
        }
        if let Ok(f) = File::open(&path) {
            if f.try_lock().is_ok() {
                let _ = match kind.is_dir() {
                    true => fs::remove_dir_all(&path),
                    false => fs::remove_file(&path),
                };
            }
        }
    }
}

/// Makes sure `dir` exists and can be written, before the run reads gigabytes. `what` names
/// it in errors (`output directory`, `history directory`): the flag given a file is the one
/// to fix.
pub fn writable_dir(dir: &Path, what: &str) -> Result<()> {
    // create_dir_all's own error for a file there is "File exists", which says not what is wrong.
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("{what} {} is not a directory", crate::text::path(dir));
    }
    // A loop of links: not one to nothing (rev66a F6).
    let looped = Some(rustix::io::Errno::LOOP.raw_os_error());
    if fs::metadata(dir).is_err_and(|e| e.raw_os_error() == looped) {
        anyhow::bail!(
            "{what} {} is a loop of symbolic links (one leads back to another)",
            crate::text::path(dir)
        );
    }
    // A link to nothing: create_dir_all says "File exists" there too.
    if !dir.exists() && dir.is_symlink() {
        let to = fs::read_link(dir).map(|t| crate::text::path(&t));
        anyhow::bail!(
            "{what} {} is a symbolic link to {}, which does not exist",
            crate::text::path(dir),
            to.unwrap_or_else(|_| "nothing".into())
        );
    }
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {what} {}", crate::text::path(dir)))?;
    let probe = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(without_path)
        .with_context(|| format!("cannot write to {what} {}", crate::text::path(dir)))?;
    drop(probe);
    remove_stale_temporaries(dir);
    Ok(())
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

/// [`writable_files`]' checks of `path` itself; then the directory its temporary is made in,
/// which is to take new files (none for a device or a FIFO, written in place).
fn writable_at(path: &Path) -> Result<Option<PathBuf>> {
    looped(path)?;
    let target = target(path);
    // As the write would say, but now, not after reading the input.
    if target.is_dir() {
        anyhow::bail!(
            "cannot write {}: it is a directory",
            crate::text::path(path)
        );
    }
    // A FIFO is not opened to check it: its reader would take the close for the end.
    if fs::metadata(&target).is_ok_and(|m| m.file_type().is_fifo()) {
        return Ok(None);
    }
    if special(&target) {
        return OpenOptions::new()
            .write(true)
            .open(&target)
            .map(|_| None)
            .with_context(|| format!("cannot write {}", crate::text::path(path)));
    }
    let dir = dir_of(&target);
    if !dir.is_dir() {
        let why = if dir.exists() {
            format!("{} is not a directory", crate::text::path(dir))
        } else {
            format!("directory {} does not exist", crate::text::path(dir))
        };
        anyhow::bail!("cannot write {}: {why}", crate::text::path(path));
    }
    replaceable(path, &target)?;
    Ok(Some(dir.to_path_buf()))
}

/// A regular file's identity (device, inode), following links: `None` for anything else.
fn regular_id(path: &Path) -> Option<(u64, u64)> {
    let m = fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some((m.dev(), m.ino()))
}

/// Refuses to replace or remove a file named as one of the reports that is not one (an export
/// saved as `timeline.csv` in a folder that is both input and `--out`, a user's own
/// `by_sip.csv`, a `summary.md` or `report.html` linked to a file of anything else): it would
/// be lost, and a walk would have read it. An empty file holds nothing to lose. `triage
/// --out`, a name the user chose for its own page, is no page of `report`'s.
fn not_foreign(out: &Path, outputs: &[PathBuf], settings: &IngestSettings) -> Result<()> {
    for output in outputs {
        let name = output.file_name().and_then(|n| n.to_str());
        let report = name.is_some_and(|n| settings.report_starts.iter().any(|(r, _)| *r == n));
        let page = output != out && name.is_some_and(|n| REPORT_PAGES.contains(&n));
        let foreign = match fs::metadata(target(output)) {
            Ok(m) if m.is_file() && m.len() > 0 => {
                (report && !crate::ingest::is_report_file(output, &settings.report_starts))
                    || (page && !crate::ingest::is_own_page(output))
            }
            _ => false,
        };
        if foreign {
            let mut head = Vec::new();
            let _ = File::open(output).and_then(|f| f.take(80).read_to_end(&mut head));
            let first = String::from_utf8_lossy(&head);
            let first = first
                .trim_start_matches('\u{feff}')
                .lines()
                .next()
                .unwrap_or_default();
            anyhow::bail!(
                "--out {} would replace {}, which is not a report of this tool (it starts `{}`): move it, or write the reports elsewhere",
                crate::text::path(out),
                crate::text::path(output),
                crate::text::line(first)
            );
        }
    }
    Ok(())
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

/// Refuses two outputs that are one file: hard links of each other, a symbolic link to the
/// other, or two links to one file not there yet (see [`Identity`]). The set would write one's
/// bytes through the other (a `summary.md` linked to `by_code.csv` left `by_code.csv` holding
/// Markdown), or read one as a report of this tool that is not.
fn not_one_file(out: &Path, outputs: &[PathBuf]) -> Result<()> {
    let ids: Vec<(Identity, &Path)> = (outputs.iter())
        .filter_map(|p| identity(p).map(|id| (id, p.as_path())))
        .collect();
    for (i, (id, first)) in ids.iter().enumerate() {
        if let Some((_, second)) = ids[i + 1..].iter().find(|(o, _)| o == id) {
            anyhow::bail!(
                "--out {} would write {} and {}, which are one file (a hard link or a symbolic link of the other): make them two files, or write the reports elsewhere",
                crate::text::path(out),
                crate::text::path(first),
                crate::text::path(second)
            );
        }
    }
    Ok(())
}

/// What a run reads, which none of its outputs may be.
pub struct Reads<'a> {
    /// Its inputs, and how a walk of a directory among them goes.
    pub settings: &'a IngestSettings,
    /// The other files it reads, each with what it is (`a --catalogue file`, `the config
    /// file`).
    pub files: &'a [(PathBuf, &'a str)],
    /// Its `--history` directory, and what the run does with it (`which triage reads and never
    /// writes`).
    pub history: Option<(&'a Path, &'static str)>,
}

/// The one check of what a run writes, made before anything is read, for `report`'s files in
/// `--out OUT` and `triage --out OUT` alike: `outputs` (the paths OUT makes) are refused when
/// two of them are one file, when one is a file the run reads (an input, a catalogue or config
/// file, a day of the history), when one would replace a file of that name that is not what
/// this tool writes there, and when one cannot be written.
pub fn checked_outputs(out: &Path, outputs: &[PathBuf], reads: &Reads) -> Result<()> {
    not_one_file(out, outputs)?;
    not_read(out, outputs, reads.files)?;
    if let Some(history) = reads.history {
        not_in_history(out, outputs, history)?;
    }
    not_inputs(out, outputs, reads.settings)?;
    writable_files(outputs)
}

/// Refuses, before anything is read, to write `outputs` (the paths `--out OUT` makes) when one
/// of them is a file the run reads: named on the command line, or one a walk of the named
/// directories reads (which never takes the reports `report` writes, see `skip_files`). Files
/// are compared by device and inode, after following links, as they are written. The walk is
/// made only when an output exists already, as a regular file: there is nothing to lose else.
fn not_inputs(out: &Path, outputs: &[PathBuf], settings: &IngestSettings) -> Result<()> {
    let existing: Vec<((u64, u64), &Path)> = (outputs.iter())
        .filter_map(|p| regular_id(&target(p)).map(|id| (id, p.as_path())))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    let (mut named, mut dirs) = (Vec::new(), Vec::new());
    for p in settings.inputs.iter().filter(|p| p.as_os_str() != "-") {
        match fs::metadata(p) {
            Ok(m) if m.is_dir() => dirs.push(p.clone()),
            _ => named.push(p.clone()),
        }
    }
    if !dirs.is_empty() {
        // Standard input and the files named are not walked; a walk yields regular files only.
        let walk = IngestSettings {
            inputs: dirs,
            ..settings.clone()
        };
        let walked = crate::ingest::regular_files(&walk).unwrap_or_default();
        named.extend(walked.iter().map(|s| s.path().to_path_buf()));
    }
    for input in named {
        let Some(id) = regular_id(&input) else {
            continue;
        };
        if let Some((_, output)) = existing.iter().find(|(o, _)| *o == id) {
            return Err(replaces(out, output, &input, "an input"));
        }
    }
    not_foreign(out, outputs, settings)
}

/// Refuses, before anything is read, to write `outputs` (the paths `--out OUT` makes) over a
/// file the run reads besides its inputs: each of `read` with what it is (`a --catalogue
/// file`, `the config file`), compared by device and inode after following links, as
/// [`not_inputs`] compares inputs. Replaced, the next run would stop at its first line.
fn not_read(out: &Path, outputs: &[PathBuf], read: &[(PathBuf, &str)]) -> Result<()> {
    for output in outputs {
        let Some(id) = regular_id(&target(output)) else {
            continue;
        };
        if let Some((path, what)) = read.iter().find(|(p, _)| regular_id(p) == Some(id)) {
            return Err(replaces(out, output, path, what));
        }
    }
    Ok(())
}

/// The refusal of `--out OUT` whose `output` is the file `read` (by another name when the two
/// differ), which the run reads as `what` (`an input`, `the config file`).
fn replaces(out: &Path, output: &Path, read: &Path, what: &str) -> anyhow::Error {
    let through = match read == output {
        true => String::new(),
        false => format!(" (named {})", crate::text::path(read)),
    };
    match output == out {
        true => anyhow::anyhow!("--out {} is also {what}{through}", crate::text::path(out)),
        false => anyhow::anyhow!(
            "--out {} would replace {}, which is {what}{through}",
            crate::text::path(out),
            crate::text::path(output)
        ),
    }
}

/// Refuses, before anything is read, an output that is a file of the history directory
/// `history` (a `.parquet` file in it, which its loading reads or warns of, or one of them
/// under another name, a link or a hard link): `triage` reads the history and never writes it,
/// and `report` reads its days and writes the night's, whose file would then hold a page (a
/// `summary.md` linked to `hist/2026-11-24.parquet` had replaced that day). Another name in
/// it (`--out hist/notes.md`) is not the history's, and is written. `does`: what the run does
/// with the history (`which triage reads and never writes`).
fn not_in_history(out: &Path, outputs: &[PathBuf], (history, does): (&Path, &str)) -> Result<()> {
    let Ok(dir) = fs::metadata(history) else {
        return Ok(());
    };
    let is_day = |p: &Path| p.extension().is_some_and(|e| e == "parquet");
    let h = crate::text::path(history);
    // Read once, when an output is a regular file there.
    let mut days: Option<Vec<PathBuf>> = None;
    for output in outputs {
        let to = target(output);
        let parent = match to.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let inside = (fs::metadata(parent).ok())
            .is_some_and(|p| (p.dev(), p.ino()) == (dir.dev(), dir.ino()));
        if inside && is_day(&to) {
            match output == out {
                true => anyhow::bail!(
                    "--out {} is a file of the history directory {h}, {does}",
                    crate::text::path(out)
                ),
                false => anyhow::bail!(
                    "--out {} would write {}, which is a file of the history directory {h}, {does}",
                    crate::text::path(out),
                    crate::text::path(output)
                ),
            }
        }
        let Some(id) = regular_id(&to) else {
            continue;
        };
        let days = days.get_or_insert_with(|| {
            let files = fs::read_dir(history).into_iter().flatten().flatten();
            files.map(|e| e.path()).filter(|p| is_day(p)).collect()
        });
        if let Some(day) = days.iter().find(|p| regular_id(p) == Some(id)) {
            let day = crate::text::path(day);
            match output == out {
                true => anyhow::bail!(
                    "--out {} is also {day}, a file of the history directory {h}, {does}",
                    crate::text::path(out)
                ),
                false => anyhow::bail!(
                    "--out {} would replace {}, which is also {day}, a file of the history directory {h}, {does}",
                    crate::text::path(out),
                    crate::text::path(output)
                ),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
