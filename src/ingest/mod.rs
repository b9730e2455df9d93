//! Ingest: find the input files, open them (gzip is detected by its magic bytes), detect each
//! one's shape from its content, and stream normalized records to a [`Sink`] as they are read.
//!
//! The shapes of `docs/export-formats.md` differ in two ways: the framing (one JSON value per
//! line, one JSON document, or a CSV table) and the record's own layout (common schema with
//! `properties`, flat PascalCase, all-string CLI rows, CloudEvents). The framing has a file
//! each here (`lines.rs`, `document.rs`, `csv.rs`); the layouts are all read by the fast
//! scanner of `scan.rs` where it can, else by the serde visitors of `json.rs`, and by the
//! field rules of `normalize.rs`.
//!
//! Files are read in parallel, and so are the blocks of one large file (`blocks.rs`): JSON
//! Lines cut at newlines, CSV at newlines outside quotes, a JSON array between elements. Each
//! worker feeds its own sink and the sinks are merged at the end.

mod blocks;
mod csv;
mod document;
pub mod json;
mod lines;
mod scan;
mod structure;

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::config::{IngestSettings, InputFormat};
use crate::normalize::{self, Outcome, Raw, TimeRules};
pub use crate::record::Reject;
use crate::record::{excerpt, Reason, Record, SkipReason};

/// Largest record accepted, in bytes: a longer line is rejected, not buffered.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// Where records go. One sink per worker; the sinks are merged at the end.
pub trait Sink: Send + Sized {
    fn record(&mut self, rec: &Record<'_>);
    fn reject(&mut self, rej: Reject);
    /// A record without an outcome by design (streaming usage, a lifecycle event).
    fn skip(&mut self, reason: SkipReason);
    fn merge(&mut self, other: Self);
    /// Called once on the merged sink when every input is read.
    fn done(&mut self) {}
}

/// What one input file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub path: String,
    /// `json lines`, `json document`, `csv`, or `unreadable`.
    pub shape: &'static str,
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
}

/// What the whole ingest gave, besides the records.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
    /// Things the user should know but that are not errors (guessed date order, local times).
    pub warnings: Vec<String>,
}

/// One file being read: its name, how to read times, and its counters.
pub(crate) struct FileCtx<'s, S> {
    pub name: Arc<str>,
    pub rules: TimeRules,
    pub sink: &'s mut S,
    pub counts: Counts,
    /// What the user should know about the file, each once (see [`IngestReport::warnings`]).
    pub warnings: Vec<String>,
    /// A `[Local Time]` record was met (and said once).
    pub local_times: bool,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub accepted: u64,
    pub rejected: u64,
    pub skipped: u64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.accepted += o.accepted;
        self.rejected += o.rejected;
        self.skipped += o.skipped;
    }
}

impl<S: Sink> FileCtx<'_, S> {
    /// Normalizes one source record and hands it on.
    pub fn emit(&mut self, raw: &Raw<'_>, line: u64, context: impl FnOnce() -> String) {
        if !self.local_times && raw.has_local_time() {
            self.local_times = true;
            self.local_time_warning();
        }
        match normalize::normalize(raw, &self.rules) {
            Outcome::Record(r) => {
                self.counts.accepted += 1;
                self.sink.record(&r);
            }
            Outcome::Skip(reason) => {
                self.counts.skipped += 1;
                self.sink.skip(reason);
            }
            Outcome::Reject(reason, detail) => self.reject(line, reason, detail, context()),
        }
    }

    /// Says how `[Local Time]` values, which carry no offset, are read.
    pub fn local_time_warning(&mut self) {
        let w = match self.rules.local_offset {
            Some(off) => format!(
                "{}: times are [Local Time] without an offset; read at {off} as given by --local-offset",
                self.name
            ),
            None => format!(
                "{}: times are [Local Time] without an offset; read as UTC (pass --local-offset +HH:MM to correct)",
                self.name
            ),
        };
        self.warn(w);
    }

    /// Adds a warning, unless the file already has the same one.
    pub fn warn(&mut self, w: String) {
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// The input says its result is incomplete: one warning per file.
    pub fn incomplete(&mut self, why: &str) {
        let w = format!(
            "{}: the export says its result is incomplete, so counts may be short: {why}",
            self.name
        );
        self.warn(w);
    }

    pub fn reject(&mut self, line: u64, reason: Reason, detail: String, excerpt_text: String) {
        self.counts.rejected += 1;
        self.sink.reject(Reject {
            file: self.name.clone(),
            line,
            reason,
            detail,
            excerpt: excerpt(&excerpt_text, 120),
        });
    }
}

/// Hands the pieces of one file (blocks, batches) to one worker per thread, each with its own
/// sink, and merges them into `ctx`. One sink per thread, whatever the number of pieces, keeps
/// memory flat however large the file.
pub(crate) fn in_parallel<T, I, S, M, W>(pieces: I, ctx: &mut FileCtx<'_, S>, make: &M, work: W)
where
    I: Iterator<Item = T> + Send,
    S: Sink,
    M: Fn() -> S + Sync,
    W: Fn(T, &mut FileCtx<'_, S>) + Sync,
{
    let pieces = std::sync::Mutex::new(pieces);
    let next = || pieces.lock().ok().and_then(|mut p| p.next());
    let name = ctx.name.clone();
    let rules = ctx.rules;
    let parts: Vec<(S, Counts, Vec<String>)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .map(|_| {
            let mut sink = make();
            let mut c = FileCtx {
                name: name.clone(),
                rules,
                sink: &mut sink,
                counts: Counts::default(),
                warnings: Vec::new(),
                local_times: false,
            };
            while let Some(piece) = next() {
                work(piece, &mut c);
            }
            let (counts, warnings) = (c.counts, c.warnings);
            (sink, counts, warnings)
        })
        .collect();
    for (sink, counts, warnings) in parts {
        ctx.sink.merge(sink);
        ctx.counts.add(counts);
        for w in warnings {
            ctx.warn(w);
        }
    }
}

/// An input: a file, or standard input.
#[derive(Debug, Clone)]
struct Source {
    path: Option<PathBuf>,
    name: String,
    /// Why the walk could not reach it (an unreadable directory, a dangling link): read as a
    /// reject `unreadable`, never opened.
    problem: Option<String>,
}

pub const WALKED_EXTENSIONS: [&str; 6] = ["json", "jsonl", "ndjson", "csv", "txt", "log"];

fn wanted_in_walk(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let name = name.strip_suffix(".gz").unwrap_or(name);
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WALKED_EXTENSIONS.iter().any(|w| e.eq_ignore_ascii_case(w)))
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
struct Collector {
    out: Vec<Source>,
    seen: HashSet<(u64, u64)>,
    skip: HashSet<(u64, u64)>,
    warnings: Vec<String>,
}

impl Collector {
    fn add(&mut self, p: &Path, meta: Option<&std::fs::Metadata>) {
        if meta.is_some_and(|m| !self.seen.insert(file_id(m))) {
            return;
        }
        self.out.push(Source {
            name: p.display().to_string(),
            path: Some(p.to_path_buf()),
            problem: None,
        });
    }

    fn unreachable(&mut self, p: &Path, why: String) {
        self.out.push(Source {
            name: p.display().to_string(),
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
            if !wanted_in_walk(entry.path()) {
                continue;
            }
            let meta = entry.metadata().ok();
            if !ft.is_file() {
                self.warnings.push(format!(
                    "{}: skipped: not a regular file (a FIFO, socket or device is read only when named on the command line)",
                    entry.path().display()
                ));
                continue;
            }
            if meta
                .as_ref()
                .is_some_and(|m| self.skip.contains(&file_id(m)))
            {
                continue;
            }
            self.add(entry.path(), meta.as_ref());
        }
    }
}

/// The files to read, and what the user should know about the walk.
fn sources(settings: &IngestSettings) -> (Vec<Source>, Vec<String>) {
    let mut c = Collector {
        out: Vec::new(),
        seen: HashSet::new(),
        skip: settings
            .skip_files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| file_id(&m))
            .collect(),
        warnings: Vec::new(),
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
    (c.out, c.warnings)
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

type Input = Box<dyn Read + Send>;

/// Opens a source, decompressing gzip and transcoding UTF-16 to UTF-8 when its first bytes
/// say so. The progress bar counts the bytes of the file itself, before either.
fn open(src: &Source, progress: Option<&ProgressBar>) -> io::Result<Input> {
    if let Some(why) = &src.problem {
        return Err(io::Error::other(why.clone()));
    }
    let raw: Input = match (&src.path, progress) {
        (Some(p), Some(bar)) => Box::new(bar.wrap_read(File::open(p)?)),
        (Some(p), None) => Box::new(File::open(p)?),
        (None, _) => Box::new(io::stdin()),
    };
    let mut r = BufReader::with_capacity(1 << 16, raw);
    let head = io::BufRead::fill_buf(&mut r)?;
    let r: Input = if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(r),
        ))
    } else {
        Box::new(r)
    };
    // Windows PowerShell 5 writes `>` redirections as UTF-16 with a BOM.
    let mut r = BufReader::with_capacity(1 << 16, r);
    let head = io::BufRead::fill_buf(&mut r)?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        Ok(Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .strip_bom(true)
                .build(r),
        ))
    } else {
        Ok(Box::new(r))
    }
}

const PREFIX_BYTES: u64 = 1 << 20;

/// A reader that fails once with a stored error.
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// The framing of a file, from its first bytes.
fn detect(prefix: &[u8]) -> InputFormat {
    let p = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let mut lines = p
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .filter(|l| !l.is_empty());
    let Some(first_line) = lines.next() else {
        return InputFormat::Jsonl;
    };
    let parses = |l: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok();
    let json_first = matches!(first_line[0], b'{' | b'[');
    if json_first && parses(first_line) {
        return InputFormat::Jsonl;
    }
    // Most of the lines after the first are whole JSON objects on their own: in a document
    // spread over lines, only the last element of an array can be one (the others end in a
    // comma), and the lines around it are brackets and keys.
    let next: Vec<&[u8]> = lines.take(8).collect();
    // Records, or callback batches (an array of events per line).
    let whole = next
        .iter()
        .filter(|l| (l.starts_with(b"{") || l.starts_with(b"[")) && parses(l))
        .count();
    let mostly_whole = whole >= 2 && whole * 4 >= next.len() * 3;
    if json_first {
        // JSON Lines when the first line is a whole value on its own. A first line that
        // opens a value (`{`, `[`, `{"records": [`) starts a document spread over lines (or a
        // minified one longer than the prefix); any other broken first line is a damaged
        // record of JSON Lines when the next lines are whole.
        let opens = matches!(first_line.last(), Some(b'{' | b'[' | b','));
        if mostly_whole || (!opens && whole >= 1) {
            InputFormat::Jsonl
        } else {
            InputFormat::Json
        }
    } else if mostly_whole {
        // A line of text (a banner, a cut record) before JSON Lines: it is one bad record.
        InputFormat::Jsonl
    } else {
        InputFormat::Csv
    }
}

/// For JSON exports of the portal's grid (`"TimeGenerated [UTC]": "5/24/2023, 7:57:40.480 PM"`):
/// the day/month order of the file, from its first values that tell it, as for portal CSV.
fn json_dates<S: Sink>(prefix: &[u8], ctx: &mut FileCtx<'_, S>) {
    let head = &prefix[..prefix.len().min(4096)];
    let portal = memchr::memmem::find(head, b" [UTC]\"").is_some()
        || memchr::memmem::find(head, b" [Local Time]\"").is_some();
    if ctx.rules.order.is_some() || !portal {
        return;
    }
    match crate::time::infer_order(prefix) {
        (Some(order), _) => ctx.rules.order = Some(order),
        (None, true) => {
            ctx.rules.order = Some(crate::time::DateOrder::Mdy);
            let w = format!(
                "{}: cannot tell the day/month order of its dates; read them month-first (pass --date-order)",
                ctx.name
            );
            ctx.warn(w);
        }
        (None, false) => {}
    }
}

fn shape_name(f: InputFormat) -> &'static str {
    match f {
        InputFormat::Jsonl => "json lines",
        InputFormat::Json => "json document",
        InputFormat::Csv => "csv",
    }
}

/// Reads one source into `sink`. Never fails: an unreadable file is a reject.
fn read_source<S: Sink, M: Fn() -> S + Sync>(
    src: &Source,
    settings: &IngestSettings,
    progress: Option<&ProgressBar>,
    sink: &mut S,
    make: &M,
    warnings: &mut Vec<String>,
) -> FileReport {
    let name: Arc<str> = Arc::from(src.name.as_str());
    let mut ctx = FileCtx {
        name: name.clone(),
        rules: TimeRules {
            order: settings.date_order,
            local_offset: settings.local_offset,
        },
        sink,
        counts: Counts::default(),
        warnings: Vec::new(),
        local_times: false,
    };
    let mut shape = "unreadable";
    let result = (|| -> io::Result<()> {
        let input = open(src, progress)?;
        let mut prefix = Vec::with_capacity(PREFIX_BYTES as usize);
        let mut input = input;
        // A read error in the prefix (a corrupt gzip) is reported after the records before it.
        let prefix_error = (&mut input)
            .take(PREFIX_BYTES)
            .read_to_end(&mut prefix)
            .err();
        let input: Input = match prefix_error {
            Some(e) => Box::new(FailOnce(Some(e))),
            None => input,
        };
        // Excel and Windows tools put a UTF-8 BOM before CSV and JSON alike.
        if prefix.starts_with(b"\xEF\xBB\xBF") {
            prefix.drain(..3);
        }
        let format = settings.input_format.unwrap_or_else(|| detect(&prefix));
        shape = shape_name(format);
        if format != InputFormat::Csv {
            json_dates(&prefix, &mut ctx);
        }
        let cr_only =
            memchr::memchr(b'\n', &prefix).is_none() && memchr::memchr(b'\r', &prefix).is_some();
        let whole: Input = Box::new(Cursor::new(prefix).chain(input));
        match format {
            InputFormat::Jsonl => lines::read(whole, &mut ctx, make),
            InputFormat::Json => document::read(whole, &mut ctx, make),
            InputFormat::Csv => {
                let whole: Input = if cr_only {
                    Box::new(csv::CrAsLf(whole))
                } else {
                    whole
                };
                csv::read(whole, &mut ctx, make, warnings)
            }
        }
    })();
    if let Err(e) = result {
        ctx.reject(0, Reason::Unreadable, e.to_string(), String::new());
    }
    warnings.append(&mut ctx.warnings);
    FileReport {
        path: src.name.clone(),
        shape,
        accepted: ctx.counts.accepted,
        rejected: ctx.counts.rejected,
        skipped: ctx.counts.skipped,
    }
}

/// Reads every input into sinks made by `make`, in parallel, and merges them into one.
pub fn ingest<S: Sink, M: Fn() -> S + Sync>(
    settings: &IngestSettings,
    progress: Option<&ProgressBar>,
    make: M,
) -> Result<(S, IngestReport)> {
    let (srcs, walk_warnings) = sources(settings);
    // Files are read in parallel, each into the sink of the worker that reads it, and the
    // workers' sinks merged as they finish: a sink per file kept to the end would make memory
    // grow with the number of files.
    let (mut total, mut files) = srcs
        .par_iter()
        .enumerate()
        .fold(
            || (make(), Vec::new()),
            |(mut sink, mut files), (i, src)| {
                let mut warnings = Vec::new();
                let fr = read_source(src, settings, progress, &mut sink, &make, &mut warnings);
                files.push((i, fr, warnings));
                (sink, files)
            },
        )
        .reduce(
            || (make(), Vec::new()),
            |(mut a, mut files), (b, more)| {
                a.merge(b);
                files.extend(more);
                (a, files)
            },
        );
    blocks::release_buffers();
    files.sort_by_key(|(i, _, _)| *i);
    let mut report = IngestReport {
        warnings: walk_warnings,
        ..IngestReport::default()
    };
    for (_, fr, warnings) in files {
        report.files.push(fr);
        report.warnings.extend(warnings);
    }
    total.done();
    Ok((total, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_framing_from_content() {
        assert_eq!(detect(b"{\"a\":1}\n{\"a\":2}\n"), InputFormat::Jsonl);
        assert_eq!(detect(b"\n\n[{\"a\":1}]\n"), InputFormat::Jsonl);
        assert_eq!(
            detect(b"{\n  \"records\": [\n  {\"a\": 1}\n]}\n"),
            InputFormat::Json
        );
        assert_eq!(detect(b"[\n  {\n \"a\": \"1\"\n}\n]"), InputFormat::Json);
        assert_eq!(
            detect(b"\xEF\xBB\xBFTimeGenerated [UTC],ResultCode\r\n"),
            InputFormat::Csv
        );
        // A truncated first line followed by good lines is still JSON Lines.
        assert_eq!(detect(b"{\"a\":\n{\"a\":2}\n"), InputFormat::Jsonl);
        assert_eq!(
            detect(b"{\"a\":1,\n{\"a\":2}\n{\"a\":3}\n"),
            InputFormat::Jsonl
        );
        // So is a line of text before them; text before one line is CSV.
        assert_eq!(
            detect(b"Export of 2026-11-24\n{\"a\":2}\n{\"a\":3}\n"),
            InputFormat::Jsonl
        );
        assert_eq!(detect(b"a,b\n{\"a\":2}\n"), InputFormat::Csv);
        // Callback batches, one array per line, after a banner line.
        assert_eq!(
            detect(b"Partition 0, offset 21474836480, enqueued 2026-11-24T10:00:03Z\n[{\"a\":2}]\n[{\"a\":3}]\n"),
            InputFormat::Jsonl
        );
        // A pretty-printed array whose elements are one line each is still one document.
        assert_eq!(
            detect(b"[\n{\"a\":1},\n{\"a\":2},\n{\"a\":3}\n]\n"),
            InputFormat::Json
        );
        assert_eq!(detect(b"[\n{\"a\":1},\n{\"a\":2}\n]\n"), InputFormat::Json);
        // And so are documents one after another, each with one record.
        let doc = "{\n\"records\": [\n{\"a\":1}\n]\n}\n";
        assert_eq!(detect(doc.repeat(3).as_bytes()), InputFormat::Json);
    }

    #[test]
    fn walk_takes_log_files_only() {
        assert!(wanted_in_walk(Path::new("a/PT1H.json")));
        assert!(wanted_in_walk(Path::new("a/PT1H.json.gz")));
        assert!(wanted_in_walk(Path::new("a/export.CSV")));
        assert!(!wanted_in_walk(Path::new("a/README.md")));
        assert!(!wanted_in_walk(Path::new("a/gen.py")));
    }
}

#[cfg(test)]
mod tests_shapes;

#[cfg(test)]
mod tests_mutation;
