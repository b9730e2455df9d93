//! [`OutputSet`]: a set of files written as one, each to a temporary, and renamed (or written
//! through, for a file with other hard links) over the old only once every file of the set is
//! written and synced.

use std::collections::btree_map::{BTreeMap, Entry};
use std::fs;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use super::staging::{staged, Staging, COMMITTED};
use super::{dir_of, identity, looped, special, target, Identity};

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
    pub(super) staging: BTreeMap<PathBuf, Staging>,
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
pub(super) fn replaceable(path: &Path, target: &Path) -> Result<Option<fs::Metadata>> {
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
