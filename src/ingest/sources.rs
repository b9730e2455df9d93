//! Sources: the input files of a run, found by walking the named paths, each file once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::IngestSettings;

/// An input: a file, or standard input.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) path: Option<PathBuf>,
    pub(super) name: String,
    /// Why the walk could not reach it (an unreadable directory, a dangling link): read as a
    /// reject `unreadable`, never opened.
    pub(super) problem: Option<String>,
}

pub const WALKED_EXTENSIONS: [&str; 6] = ["json", "jsonl", "ndjson", "csv", "txt", "log"];

/// Extensions of exports that hold records this tool does not read: Event Hubs Capture's
/// Avro, a Log Analytics export job's Parquet, archives and spreadsheets.
const UNREAD_EXPORTS: [&str; 9] = [
    "avro", "parquet", "zip", "xlsx", "xls", "bz2", "xz", "zst", "7z",
];

/// Whether a walk passes over `p` as an export of a kind it does not read.
fn unread_export(p: &Path) -> bool {
    let ext = p.extension().map(|e| e.to_string_lossy());
    ext.is_some_and(|e| UNREAD_EXPORTS.iter().any(|u| e.eq_ignore_ascii_case(u)))
}

/// Whether a walk reads `p` by its name: a [`WALKED_EXTENSIONS`] one, or such a name rotated
/// ([`unrotated`]), either optionally `.gz` in any case (`PT1H.json.GZ`), and a gzip of one
/// rotated after it was compressed (`PT1H.json.gz.1`, `callbacks.log.gz.2`).
fn wanted_in_walk(p: &Path) -> bool {
    // A name that is not UTF-8 (`bad\xffname.jsonl`) is judged by its extension all the same.
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let walked = |name: &str| {
        Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| WALKED_EXTENSIONS.iter().any(|w| e.eq_ignore_ascii_case(w)))
    };
    let rotated_gzip = unrotated(&name).and_then(ungzipped);
    let name = ungzipped(&name).unwrap_or(&name);
    walked(name) || unrotated(name).is_some_and(walked) || rotated_gzip.is_some_and(walked)
}

/// `name` without its gzip suffix, in any case (`PT1H.json.GZ`), when it has one.
fn ungzipped(name: &str) -> Option<&str> {
    let n = name.len().checked_sub(3)?;
    (name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case(".gz")).then(|| &name[..n])
}

/// Whether `name` says gzip: `.gz` in any case, or before a rotation's suffix
/// (`PT1H.json.gz.1`). A file is read as gzip by its magic bytes whatever its name; this is
/// for what looks at a file by its name alone.
pub(super) fn gzip_name(name: &str) -> bool {
    ungzipped(name).is_some() || unrotated(name).and_then(ungzipped).is_some()
}

/// The name a log had before it was rotated, when `name` ends in a rotation's suffix: a
/// separator (`.`, `-` or `_`) and digits, dashes and underscores, starting with a digit.
/// logrotate's `callbacks.log.1` and `callbacks.log-20261125` (`dateext`), Python's
/// `RotatingFileHandler` (`app.log.2`) and `TimedRotatingFileHandler` (`app.log.2026-11-25`,
/// `app.log.2026-11-25_14`).
fn unrotated(name: &str) -> Option<&str> {
    let rotation = |c: char| c.is_ascii_digit() || c == '-' || c == '_';
    let rest = name.trim_end_matches(|c: char| rotation(c) || c == '.');
    let suffix = &name[rest.len()..];
    let stamp = suffix.trim_start_matches(['.', '-', '_']);
    let one_separator = suffix.len() - stamp.len() == 1;
    (one_separator
        && stamp.starts_with(|c: char| c.is_ascii_digit())
        && stamp.chars().all(rotation))
    .then_some(rest)
}

/// Whether a file a walk meets with no extension at all holds JSON: the blobs a Logic App
/// (or a script that copies blobs) writes are often named without `.json`, gzipped or not. Its
/// first byte, inflated when it is gzip, after blanks and a byte-order mark, is `{` or `[`; any
/// other file without an extension (README, LICENSE, a Makefile) is passed over, as files of
/// other extensions are.
fn extensionless_json(p: &Path) -> bool {
    use std::io::Read;
    const HEAD: u64 = 512;
    if p.extension().is_some() {
        return false;
    }
    let mut head = Vec::with_capacity(HEAD as usize);
    let Ok(file) = std::fs::File::open(p) else {
        return false;
    };
    let mut file = std::io::BufReader::new(file);
    let gzip = std::io::BufRead::fill_buf(&mut file).is_ok_and(|b| b.starts_with(&[0x1f, 0x8b]));
    let read = if gzip {
        flate2::read::GzDecoder::new(file)
            .take(HEAD)
            .read_to_end(&mut head)
    } else {
        file.take(HEAD).read_to_end(&mut head)
    };
    // A gzip member shorter than the head, or cut, still shows its first bytes.
    if read.is_err() && head.is_empty() {
        return false;
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    matches!(
        text.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// A file's identity on its device, whatever path reaches it (a link, a hard link, `..`).
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// Collects the files to read, each once: a file named twice, or reached again through a
/// symbolic link or another path, is read the first time only. Directories are walked with
/// `walkdir` (sorted, hidden entries skipped, links followed, loops detected), and only regular
/// files found there are read: a FIFO, socket or device in a directory is skipped with a
/// warning (one named on the command line is read). A walk does not take the files in `skip`
/// (the reports this run writes).
struct Collector<'s> {
    out: Vec<Source>,
    seen: HashSet<(u64, u64)>,
    skip: HashSet<(u64, u64)>,
    report_starts: &'s [(&'static str, &'static str)],
    /// The run's `--history` directory, whose Parquet files (its days) a walk passes over
    /// without a word.
    history: Option<(u64, u64)>,
    /// Reports of an earlier run met in a walk, passed over.
    reports: Vec<PathBuf>,
    warnings: Vec<String>,
    /// Regular files a walk passed over for their names, and the first of them.
    passed_over: (usize, Option<PathBuf>),
    /// Those of them named as exports this tool does not read ([`UNREAD_EXPORTS`]).
    unread_exports: (usize, Option<PathBuf>),
    /// The others (`notes.md`, `callbacks.log.bak`), but for the summary and page of an
    /// earlier run ([`is_own_page`]).
    other_names: (usize, Option<PathBuf>),
}

impl Collector<'_> {
    fn add(&mut self, p: &Path, meta: Option<&std::fs::Metadata>) {
        if meta.is_some_and(|m| !self.seen.insert(file_id(m))) {
            return;
        }
        self.out.push(Source {
            name: crate::text::path(p),
            path: Some(p.to_path_buf()),
            problem: None,
        });
    }

    fn unreachable(&mut self, p: &Path, why: String) {
        self.out.push(Source {
            name: crate::text::path(p),
            path: Some(p.to_path_buf()),
            problem: Some(why),
        });
    }

    fn walk(&mut self, dir: &Path) {
        let hidden = |e: &walkdir::DirEntry| {
            e.depth() > 0 && e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        };
        let walk = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !hidden(e));
        // The directory yielded last: the walk opens it next, and an error for its path then
        // means it could not be read.
        let mut last_dir: Option<PathBuf> = None;
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // A link back to a parent is walked once; an unreadable directory or a
                    // dangling link is a reject, and the walk goes on.
                    if e.loop_ancestor().is_some() {
                        continue;
                    }
                    let Some(p) = e.path().map(Path::to_path_buf) else {
                        continue;
                    };
                    let is_dir = last_dir.as_deref() == Some(p.as_path())
                        || std::fs::metadata(&p).is_ok_and(|m| m.is_dir());
                    if is_dir || wanted_in_walk(&p) {
                        let why = e
                            .io_error()
                            .map_or_else(|| e.to_string(), |io| io.to_string());
                        self.unreachable(&p, why);
                    }
                    continue;
                }
            };
            let ft = entry.file_type();
            if ft.is_dir() {
                last_dir = Some(entry.path().to_path_buf());
                continue;
            }
            let wanted =
                wanted_in_walk(entry.path()) || (ft.is_file() && extensionless_json(entry.path()));
            if !wanted {
                if ft.is_file() && !self.is_history_day(entry.path()) {
                    let count = |(n, first): &mut (usize, Option<PathBuf>)| {
                        *n += 1;
                        first.get_or_insert_with(|| entry.path().to_path_buf());
                    };
                    count(&mut self.passed_over);
                    if unread_export(entry.path()) {
                        count(&mut self.unread_exports);
                    } else if !is_own_page(entry.path()) && !is_document(entry.path()) {
                        count(&mut self.other_names);
                    }
                }
                continue;
            }
            let meta = entry.metadata().ok();
            if !ft.is_file() {
                self.warnings.push(format!(
                    "{}: skipped: not a regular file (a FIFO, socket or device is read only when named on the command line)",
                    crate::text::path(entry.path())
                ));
                continue;
            }
            if meta
                .as_ref()
                .is_some_and(|m| self.skip.contains(&file_id(m)))
            {
                continue;
            }
            if self.is_report(entry.path()) {
                self.reports.push(entry.path().to_path_buf());
                continue;
            }
            self.add(entry.path(), meta.as_ref());
        }
    }
}

impl Collector<'_> {
    /// Whether the file at `p` is named as one of the reports and reads as one, or starts as
    /// one of `triage`'s outputs, whatever its name (`triage --out logs/t.json` into the
    /// directory the next night reads).
    fn is_report(&self, p: &Path) -> bool {
        is_report_file(p, self.report_starts) || is_triage_output(p)
    }

    /// Whether `p` is a Parquet file of the run's `--history` directory: a day of the tool's
    /// own, which a walk of an input directory that holds the history meets every night.
    fn is_history_day(&self, p: &Path) -> bool {
        let parquet = p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        parquet
            && self.history.is_some_and(|h| {
                (p.parent().and_then(|d| std::fs::metadata(d).ok()))
                    .is_some_and(|m| file_id(&m) == h)
            })
    }

    /// One warning for the reports of earlier runs passed over.
    fn say_reports(&mut self) {
        let Some(first) = self.reports.first() else {
            return;
        };
        let more = match self.reports.len() - 1 {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        self.warnings.push(format!(
            "{}{more}: skipped: a report of an earlier run (its name and first line, or a triage's first line), not an export",
            crate::text::path(first)
        ));
    }
}

/// Whether the file at `p` is named as a document, not a log: a README, a LICENSE (or
/// LICENCE) or a Markdown file (`samples/README.md`, `notes.md`), which a walk passes over
/// without a word. Any other name it does not take may be a log (`callbacks.log.bak`), and is
/// said.
fn is_document(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let upper = name.to_ascii_uppercase();
    ["README", "LICENSE", "LICENCE"]
        .iter()
        .any(|d| upper.starts_with(d))
        || upper.ends_with(".MD")
}

/// How `report`'s summary and page start, which an earlier run wrote beside its CSV reports
/// (those are said as reports of an earlier run; these two are passed over without a word).
const OWN_PAGES: [(&str, &str); 2] = [
    ("summary.md", "# Call Automation triage report\n"),
    ("report.html", "<!doctype html>\n"),
];

/// Whether the file at `p` is an earlier run's `summary.md` or `report.html` ([`OWN_PAGES`]).
pub fn is_own_page(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some((_, start)) = OWN_PAGES.iter().find(|(n, _)| *n == name) else {
        return false;
    };
    head(p, start.len() as u64).is_some_and(|h| h == start.as_bytes())
}

/// The first `n` bytes of the regular file at `p` (fewer if it is shorter), or None when it
/// cannot be read or is no regular file: a FIFO or a device (an output written in place, a
/// link to `/dev/stdout`) is never opened, as opening a FIFO waits for a writer, which may be
/// this very run.
fn head(p: &Path, n: u64) -> Option<Vec<u8>> {
    if !std::fs::metadata(p).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut head = Vec::with_capacity(n as usize);
    let f = std::fs::File::open(p).ok()?;
    std::io::Read::read_to_end(&mut std::io::Read::take(f, n), &mut head).ok()?;
    Some(head)
}

/// How `triage`'s outputs start: its JSON document (pretty-printed, its subcode first), its
/// Markdown, and its `--calls` as Markdown, CSV and JSON. No export of Azure's starts so.
const TRIAGE_STARTS: [&str; 5] = [
    "{\n  \"subcode\": ",
    "# Triage: subcode ",
    "# Calls with subcode ",
    "correlation_id,call_connection_id,server_call_id,first_seen,last_seen,",
    "[\n  {\n    \"correlation_id\": ",
];

/// Whether the file at `p` starts as one of `triage`'s outputs ([`TRIAGE_STARTS`]).
fn is_triage_output(p: &Path) -> bool {
    head(p, 80).is_some_and(|head| TRIAGE_STARTS.iter().any(|s| head.starts_with(s.as_bytes())))
}

/// The top-level keys `report.json` has opened with, the first of its document.
const REPORT_JSON_FIRST_KEYS: [&str; 5] = ["volume", "spikes", "period", "catalogue", "records"];

/// Whether the file at `p` is named as one of the reports (`starts`: each name and how that
/// report starts) and reads as one: a CSV report's header starts with that report's first
/// column (an earlier release's may have other columns after it), `report.json` opens with one
/// of its keys, as serde_json pretty-prints it, and an empty file holds nothing to lose. A
/// portal export saved as `timeline.csv` starts with `TimeGenerated [UTC]`: it is no report.
pub fn is_report_file(p: &Path, starts: &[(&str, &str)]) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some((_, start)) = starts.iter().find(|(n, _)| *n == name) else {
        return false;
    };
    let Some(head) = head(p, 64) else {
        return false;
    };
    if head.is_empty() {
        return true;
    }
    match start.split_once(',') {
        Some((first, _)) => head.starts_with(format!("{first},").as_bytes()),
        None => REPORT_JSON_FIRST_KEYS
            .iter()
            .any(|k| head.starts_with(format!("{{\n  \"{k}\":").as_bytes())),
    }
}

/// The start of the warning of inputs in which no file to read was found: `report -q` says it
/// (it is why no day was tested, and a cron job's mail would hold nothing else).
pub const NO_INPUT_FILES: &str = "no input files found";

/// The files to read, and what the user should know about the walk.
pub(super) fn sources(settings: &IngestSettings) -> (Vec<Source>, Vec<String>) {
    let mut c = Collector {
        out: Vec::new(),
        seen: HashSet::new(),
        // An export saved under a report's name (a portal's timeline.csv) is read, not skipped.
        skip: (settings.skip_files.iter())
            .filter(|f| is_report_file(f, &settings.report_starts))
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| file_id(&m))
            .collect(),
        report_starts: &settings.report_starts,
        history: (settings.history.as_deref())
            .and_then(|h| std::fs::metadata(h).ok())
            .map(|m| file_id(&m)),
        reports: Vec::new(),
        warnings: Vec::new(),
        passed_over: (0, None),
        unread_exports: (0, None),
        other_names: (0, None),
    };
    let mut stdin = false;
    for p in &settings.inputs {
        if p.as_os_str() == "-" {
            // Standard input can be read once; `-` given twice means it once.
            if !std::mem::replace(&mut stdin, true) {
                c.out.push(Source {
                    path: None,
                    name: "<stdin>".into(),
                    problem: None,
                });
            }
            continue;
        }
        let meta = std::fs::metadata(p);
        match &meta {
            Ok(m) if m.is_dir() => c.walk(p),
            _ => c.add(p, meta.as_ref().ok()),
        }
    }
    c.say_reports();
    // Event Hubs Capture's Avro beside the JSON a diagnostic setting wrote, say: records not
    // read, which a run that read the rest would not otherwise mention.
    if let (false, (n, Some(first))) = (c.out.is_empty(), &c.unread_exports) {
        c.warnings.push(format!(
            "passed over {n} file{} of a kind this tool does not read (.{}), such as {}: export them as JSON or CSV, or name one to see why",
            if *n == 1 { "" } else { "s" },
            UNREAD_EXPORTS.join(", ."),
            crate::text::path(first)
        ));
    }
    // A rotated log the walk does not take (`callbacks.log.bak`), notes beside the exports:
    // said, so that no file is passed over without a word.
    if let (false, (n, Some(first))) = (c.out.is_empty(), &c.other_names) {
        let other = if c.unread_exports.0 > 0 { "other " } else { "" };
        let files = match n {
            1 => format!("1 {other}file whose name a directory walk does not take:"),
            n => format!("{n} {other}files whose names a directory walk does not take, such as"),
        };
        let (last, walked) = WALKED_EXTENSIONS.split_last().expect("extensions");
        c.warnings.push(format!(
            "passed over {files} {} (a walk reads .{} and .{last} files, rotated or not, gzipped or not; name a file to read it whatever its name)",
            crate::text::path(first),
            walked.join(", ."),
        ));
    }
    if c.out.is_empty() {
        // A folder of Parquet or Avro files, or of blobs named without an extension (Logic
        // Apps): said, not only that nothing was found.
        let passed = match &c.passed_over {
            (0, _) | (_, None) => String::new(),
            (1, Some(p)) => format!("; passed over 1 file, {}", crate::text::path(p)),
            (n, Some(p)) => format!("; passed over {n} files, such as {}", crate::text::path(p)),
        };
        c.warnings.push(format!(
            "{NO_INPUT_FILES} (directories are searched for .{} files, optionally rotated (.1, .2026-11-25) and optionally .gz, and for files without an extension that hold JSON; name a file to read it whatever its name){passed}",
            WALKED_EXTENSIONS.join(", .")
        ));
    }
    (c.out, c.warnings)
}

/// What a file read twice must still be the second time: where it is (device and inode),
/// its length and when it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    path: PathBuf,
    id: (u64, u64),
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A regular file's [`Stamp`]: `None` for anything else, or a path whose metadata cannot be
/// read.
pub(super) fn stamp(path: PathBuf) -> Option<Stamp> {
    let m = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
    Some(Stamp {
        id: file_id(&m),
        len: m.len(),
        modified: m.modified().ok(),
        path,
    })
}

/// What became of a file read once, between `then` (when its reading began) and `now` (when
/// it ended), said for a warning: `None` when it is as it was.
pub(super) fn changed_while_read(then: &Stamp, now: Option<&Stamp>) -> Option<String> {
    match now {
        Some(now) if now == then => None,
        Some(now) if now.id != then.id => Some("was replaced while it was read".into()),
        Some(now) if now.len < then.len => Some(format!(
            "shrank while it was read ({} bytes when its reading began, {} at its end)",
            then.len, now.len
        )),
        Some(now) if now.len > then.len => Some(format!(
            "grew while it was read ({} bytes when its reading began, {} at its end)",
            then.len, now.len
        )),
        Some(_) => Some("was written to while it was read".into()),
        None => Some("was removed while it was read".into()),
    }
}

/// What of the files `then` (read before) is not as it was among `now` (the same inputs'
/// files now, `None` when they are not all regular files any more): the first that changed, by
/// its path, or `the input files` when there are more or fewer; `None` when every one is as it
/// was.
pub fn changed_since(then: &[Stamp], now: Option<Vec<Stamp>>) -> Option<String> {
    let now = now.unwrap_or_default();
    match then.iter().zip(&now).find(|(a, b)| a != b) {
        Some((a, _)) => Some(crate::text::path(a.path())),
        None if then.len() == now.len() => None,
        None => Some("the input files".to_string()),
    }
}

/// The files the inputs name, when each can be read again: a regular file, not standard
/// input, a pipe or a device (nor a path whose metadata cannot be read: `None` then too). A
/// source the walk could not reach is left out (it gives no record).
pub fn regular_files(settings: &IngestSettings) -> Option<Vec<Stamp>> {
    let mut files = Vec::new();
    for s in sources(settings).0 {
        let path = s.path?;
        if s.problem.is_none() {
            files.push(stamp(path)?);
        }
    }
    Some(files)
}

/// Total size of the input files, for the progress bar (standard input counts as nothing).
pub fn total_bytes(settings: &IngestSettings) -> u64 {
    sources(settings)
        .0
        .iter()
        .filter_map(|s| s.path.as_ref()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_takes_log_files_only() {
        assert!(wanted_in_walk(Path::new("a/PT1H.json")));
        assert!(wanted_in_walk(Path::new("a/PT1H.json.gz")));
        assert!(wanted_in_walk(Path::new("a/export.CSV")));
        assert!(!wanted_in_walk(Path::new("a/README.md")));
        assert!(!wanted_in_walk(Path::new("a/gen.py")));
        // A name that is not UTF-8 (it had been passed over, its records lost without a word).
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"a/bad\xffname.jsonl");
        assert!(wanted_in_walk(Path::new(odd)));
    }

    /// rev64a F1: rotated logs and a gzip whose suffix is upper-case had been passed over
    /// without a word (a night's walk read the live `callbacks.log` only).
    #[test]
    fn a_walk_takes_rotated_logs_and_gzip_in_any_case() {
        for name in [
            "PT1H.json.GZ",
            "PT1H.json.Gz",
            "callbacks.log.1",
            "callbacks.log.2.gz",
            "callbacks.log.12.GZ",
            "callbacks.log-20261125",
            "callbacks.log-20261125.gz",
            "app.log.2026-11-25",
            "app.log.2026-11-25_14",
            "app.log.2026-11-25_14-05-00",
            "events.jsonl.3",
            // Rotated after it was compressed (they had been passed over, counted in the
            // warning, while `callbacks.log.2.gz` was read).
            "PT1H.json.gz.1",
            "x.jsonl.gz.2",
            "callbacks.log.gz.1",
            "callbacks.log.GZ.1",
            "callbacks.log.gz-20261125",
        ] {
            assert!(wanted_in_walk(Path::new(name)), "{name}");
        }
        for name in [
            "callbacks.log.bak",
            "callbacks.log.1.bak",
            "notes.md.1",
            "run.1",
            "2026-11-25",
            "app.log.-",
            "app.log..1",
            "app.log.1a",
            "notes.md.gz.1",
            "PT1H.json.gz.bak",
            "PT1H.gz.1",
        ] {
            assert!(!wanted_in_walk(Path::new(name)), "{name}");
        }
    }

    /// Every regular file a walk passes over beside those it reads is counted and named in one
    /// warning (rev64a F1: `callbacks.log.bak` had been dropped without a word); an earlier
    /// run's summary and page are not, nor documents (rev65a L8: a README, a LICENSE, notes.md).
    #[test]
    fn a_walk_says_how_many_files_it_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| std::fs::write(dir.path().join(name), text).unwrap();
        for name in [
            "callbacks.log",
            "callbacks.log.1",
            "callbacks.log.2.gz",
            "callbacks.log.gz.3",
        ] {
            write(name, b"{}\n");
        }
        write("callbacks.log.bak", b"{}\n");
        write("notes.md", b"# notes\n");
        write("calls.dump", b"{}\n");
        // Documents are passed over without a word (rev65a L8: the samples' README.md).
        write("README.md", b"# samples\n");
        write("README", b"read me\n");
        write("LICENSE.txt.bak", b"MIT\n");
        write("summary.md", b"# Call Automation triage report\n\n");
        write("report.html", b"<!doctype html>\n<html>");
        let settings = IngestSettings::of(vec![dir.path().to_path_buf()]);
        let (read, warnings) = sources(&settings);
        let names: Vec<&str> = read
            .iter()
            .map(|s| s.name.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "callbacks.log",
                "callbacks.log.1",
                "callbacks.log.2.gz",
                "callbacks.log.gz.3"
            ]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "passed over 2 files whose names a directory walk does not take, such as "
            ) && warnings[0].contains("callbacks.log.bak (a walk reads .json, "),
            "{warnings:?}"
        );
        // One file is named; beside an export of a kind not read, the others are "other".
        std::fs::remove_file(dir.path().join("calls.dump")).unwrap();
        write("capture.avro", b"Obj\x01");
        let (_, warnings) = sources(&settings);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[1].starts_with(
                "passed over 1 other file whose name a directory walk does not take: "
            ) && warnings[1].ends_with(
                "callbacks.log.bak (a walk reads .json, .jsonl, .ndjson, .csv, .txt and .log files, rotated or not, gzipped or not; name a file to read it whatever its name)"
            ),
            "{warnings:?}"
        );
    }

    /// A walk takes a file without an extension when it holds JSON (a Logic App's blob), and
    /// passes over the others without one, as it does files of other extensions.
    #[test]
    fn a_walk_takes_files_without_an_extension_that_hold_json() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &[u8]| std::fs::write(dir.path().join(name), text).unwrap();
        write("PT1H", b"\n  {\"time\": \"2026-11-24T00:00:00Z\"}\n");
        write("a1b2c3", b"\xEF\xBB\xBF[{\"x\": 1}]");
        write("README", b"# notes\n");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"{\"records\": []}").unwrap();
        write("blob-gz", &gz.finish().unwrap());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"name,count\n").unwrap();
        write("table-gz", &gz.finish().unwrap());
        write("empty", b"");
        write("notes.md", b"{ not read: an extension of its own }");
        let settings = IngestSettings::of(vec![dir.path().to_path_buf()]);
        let files = regular_files(&settings).unwrap();
        let names: Vec<String> = (files.iter())
            .map(|s| s.path().file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["PT1H", "a1b2c3", "blob-gz"]);
    }

    /// Files can be read again; standard input and a named pipe cannot.
    #[test]
    fn only_regular_files_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.csv"));
        std::fs::write(&a, "{}").unwrap();
        std::fs::write(&b, "x").unwrap();
        let named = IngestSettings::of(vec![dir.path().to_path_buf(), a.clone()]);
        let files = regular_files(&named).unwrap();
        assert_eq!(files.iter().map(Stamp::path).collect::<Vec<_>>(), [&a, &b]);
        // A file written since differs from its stamp.
        assert_eq!(regular_files(&named).unwrap(), files);
        std::fs::write(&b, "xy").unwrap();
        assert_ne!(regular_files(&named).unwrap(), files);
        assert!(regular_files(&IngestSettings::of(vec![a.clone(), "-".into()])).is_none());
        let fifo = dir.path().join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(regular_files(&IngestSettings::of(vec![a, fifo])).is_none());
        }
    }

    /// rev62a F5: a file cut as it was read had said nothing (two `truncated record` rejects at
    /// lines past its new end, exit 0).
    #[test]
    fn a_file_changed_while_read_is_said_how() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.jsonl");
        std::fs::write(&p, "0123456789").unwrap();
        let began = stamp(p.clone()).unwrap();
        let now = || stamp(p.clone());
        assert_eq!(changed_while_read(&began, now().as_ref()), None);
        let file = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
        file.set_len(4).unwrap();
        let said = changed_while_read(&began, now().as_ref()).unwrap();
        assert!(
            said.starts_with("shrank while it was read (10 bytes"),
            "{said}"
        );
        file.set_len(20).unwrap();
        let said = changed_while_read(&began, now().as_ref()).unwrap();
        assert!(
            said.starts_with("grew while it was read (10 bytes"),
            "{said}"
        );
        // The same length, written again later.
        file.set_len(10).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        file.set_modified(later).unwrap();
        let said = changed_while_read(&began, now().as_ref()).unwrap();
        assert_eq!(said, "was written to while it was read");
        let other = dir.path().join("y.jsonl");
        std::fs::write(&other, "0123456789").unwrap();
        std::fs::rename(&other, &p).unwrap();
        let said = changed_while_read(&began, now().as_ref()).unwrap();
        assert_eq!(said, "was replaced while it was read");
        std::fs::remove_file(&p).unwrap();
        let said = changed_while_read(&began, now().as_ref()).unwrap();
        assert_eq!(said, "was removed while it was read");
    }
}
