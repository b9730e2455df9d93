//! The checks made before a run reads its inputs: each output can be written, and none is an
//! input, a file the run reads (the config, the catalogue), a day of the history or another
//! tool's file the run would replace, nor two outputs one file.

use std::fs;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::IngestSettings;

use super::set::replaceable;
use super::staging::{remove_stale_temporaries, TEMP_PREFIX, TEMP_SUFFIX};
use super::{
    dir_of, identity, looped, regular_id, special, target, without_path, Identity, REPORT_PAGES,
};

/// Makes sure the files at `paths` can be written before the run reads gigabytes: none is a
/// directory or a link into a directory that does not exist, a file there is one the user may
/// replace, and each directory they go in takes new files (checked once each), or it is a
/// device.
pub(super) fn writable_files(paths: &[PathBuf]) -> Result<()> {
    let mut dirs = std::collections::BTreeSet::new();
    for p in paths {
        dirs.extend(writable_at(p)?);
    }
    for dir in dirs {
        writable_dir(&dir, "output directory")?;
    }
    Ok(())
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
