//! A set's temporaries: the directory of them each output directory gets while a set lives
//! (locked, removed with what is left in it), the record of them a SIGINT or SIGTERM removes
//! before the run ends, and the removal of those a killed run left.

use std::fs;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use anyhow::{Context, Result};

use super::without_path;

/// Temporaries, and the directories a set's temporaries are written in, are named
/// `.acs-triage-*.tmp`.
pub(super) const TEMP_PREFIX: &str = ".acs-triage-";
pub(super) const TEMP_SUFFIX: &str = ".tmp";

/// A set's temporaries in one directory: a directory of their own in it, locked while the
/// set lives, and removed with what is left in it when the set is dropped. Each temporary is
/// closed once written, and synced on commit: a set of thousands of files (a backfill of the
/// history, a file a day) holds one descriptor per directory, not one per file, which would
/// pass the usual limit of 1,024.
pub(super) struct Staging {
    pub(super) dir: PathBuf,
    _lock: File,
    made: usize,
}

impl Staging {
    pub(super) fn new(dir: &Path) -> Result<Staging> {
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
    pub(super) fn create(&mut self) -> std::io::Result<(PathBuf, File)> {
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
pub(super) static COMMITTED: AtomicBool = AtomicBool::new(false);

/// The exit status the run is to end with once its set is in place ([`ends_with`]), or -1: a
/// second SIGINT or SIGTERM after the set is in place ends the run with it at once.
static STATUS: AtomicI32 = AtomicI32::new(-1);

/// Says the exit status the run is to end with once the set it is about to commit is in place:
/// a second SIGINT or SIGTERM that comes then (a run stuck writing its last lines to a pipe
/// nobody reads) ends the run with it, the new set being in place.
pub fn ends_with(status: u8) {
    STATUS.store(i32::from(status), Ordering::SeqCst);
}

pub(super) fn staged() -> MutexGuard<'static, Vec<PathBuf>> {
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
pub(super) fn ignored(signal: i32) -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mask = (status.lines())
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
        .unwrap_or(0);
    (1..=64).contains(&signal) && mask >> (signal - 1) & 1 == 1
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
