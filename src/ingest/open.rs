//! Opening an input: gzip by its magic bytes, UTF-16 by its byte-order mark, and the framing
//! (JSON Lines, one JSON document, CSV) detected from the content.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, Read};

use indicatif::ProgressBar;

use super::elements::Member;
use super::ranges::read_full_at;
use super::sources::Source;
use super::{FileCtx, Input, Sink, MAX_RECORD_BYTES};
use crate::config::InputFormat;
use crate::normalize::{key_role_bytes, Context, KeyRole};
use crate::time::DateOrder;

/// How an opened input's bytes come to its reader.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Coding {
    /// As the file or stream holds them.
    Plain,
    /// Inflated from gzip.
    Gzip,
    /// Transcoded from UTF-16.
    Utf16,
}

/// Opens a source, decompressing gzip and transcoding UTF-16 to UTF-8 when its first bytes
/// say so (gzip first); and which it did. The progress bar counts the bytes of the file
/// itself, before either.
pub(super) fn open(src: &Source, progress: Option<&ProgressBar>) -> io::Result<(Input, Coding)> {
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
    if let Some(kind) = archive(head) {
        return Err(not_read(kind, false));
    }
    let gzip = head.starts_with(GZIP);
    if let Some(e) = not_an_export(head).filter(|_| !gzip) {
        return Err(e);
    }
    let r: Input = if gzip {
        Box::new(BufReader::with_capacity(1 << 20, Members::new(r)))
    } else {
        Box::new(r)
    };
    // Windows PowerShell 5 writes `>` redirections as UTF-16 with a BOM.
    let mut r = BufReader::with_capacity(1 << 16, r);
    let head = io::BufRead::fill_buf(&mut r)?;
    // What a gzip file holds is told as a file's own bytes are: an archive or another gzip
    // inside it is one reject that names it, not a reject for each of its "lines".
    if gzip {
        if head.starts_with(GZIP) {
            let e = "gzip inside gzip (gzipped twice), which is not read: gunzip it once first";
            return Err(io::Error::other(e));
        }
        if let Some(kind) = archive(head) {
            return Err(not_read(kind, true));
        }
        if let Some(e) = not_an_export(head) {
            return Err(e);
        }
    }
    let bom = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    let unmarked = if bom { None } else { utf16_unmarked(head) };
    let utf16 = bom || unmarked.is_some();
    let r: Input = if utf16 {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(unmarked)
                .strip_bom(true)
                .build(r),
        )
    } else {
        Box::new(r)
    };
    let coding = match (gzip, utf16) {
        (true, _) => Coding::Gzip,
        (false, true) => Coding::Utf16,
        (false, false) => Coding::Plain,
    };
    Ok((r, coding))
}

/// gzip's magic bytes.
const GZIP: &[u8] = &[0x1f, 0x8b];

/// Why a compressed file or an archive of `kind` ([`archive`]) is not read, `gzipped` or not.
fn not_read(kind: &str, gzipped: bool) -> io::Error {
    let what = if kind.ends_with(" file") {
        "export it as JSON or CSV first"
    } else {
        "extract it first"
    };
    io::Error::other(match gzipped {
        false => format!("{kind}, which is not read (only gzip is): {what}"),
        true => format!("{kind} inside gzip, which is not read (only gzip is): {what}"),
    })
}

/// The text of a gzip file: its members one after the other, and zero bytes after the last
/// passed over as `gzip -d` passes them over (a copy padded to a block). Other bytes after the
/// last member (junk appended) end it with an error that says how many they are: flate2's
/// reader of members had said `unexpected end of file`, or `invalid gzip header`.
struct Members {
    /// The member being read; `None` once they are all read.
    member: Option<flate2::bufread::GzDecoder<BufReader<Input>>>,
}

impl Members {
    fn new(r: BufReader<Input>) -> Members {
        Members {
            member: Some(flate2::bufread::GzDecoder::new(r)),
        }
    }
}

impl Read for Members {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended, its trailer checked: what comes after it.
            let mut r = self.member.take().expect("a member").into_inner();
            match io::BufRead::fill_buf(&mut r)?.first() {
                None => return Ok(0),
                // Another member (one whose header is not gzip's is an error of its own).
                Some(0x1f) => self.member = Some(flate2::bufread::GzDecoder::new(r)),
                Some(_) => {
                    let (len, zeros) = rest_of(&mut r)?;
                    if zeros {
                        return Ok(0);
                    }
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{len} bytes after the last gzip member are not gzip"),
                    ));
                }
            }
        }
    }
}

/// How many bytes are left in `r` (read to its end), and whether they are all zero.
fn rest_of(r: &mut impl Read) -> io::Result<(u64, bool)> {
    let mut b = [0u8; 1 << 12];
    let (mut len, mut zeros) = (0, true);
    loop {
        match r.read(&mut b) {
            Ok(0) => return Ok((len, zeros)),
            Ok(n) => {
                len += n as u64;
                zeros &= b[..n].iter().all(|&c| c == 0);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// UTF-16 without a byte-order mark (a tool that writes `Unicode` bare): its first bytes, at
/// least 16, are ASCII text with a NUL after (little-endian) or before (big-endian) each
/// character. It had been read as bytes, two rejects a line.
fn utf16_unmarked(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let b = &head[..head.len().min(256) & !1];
    let pairs = || b.chunks_exact(2);
    let text = |c: u8| c.is_ascii() && c != 0;
    if b.len() < 16 {
        None
    } else if pairs().all(|p| text(p[0]) && p[1] == 0) {
        Some(encoding_rs::UTF_16LE)
    } else if pairs().all(|p| p[0] == 0 && text(p[1])) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

pub(super) const PREFIX_BYTES: u64 = 1 << 20;

/// Bytes read first from an input that is not read by ranges. They nearly always tell all that
/// its first [`PREFIX_BYTES`] would (see [`tells_as_much`]), and each file in flight holds
/// them until its blocks have read past them: on 32 threads, 256 files of 4 MiB held a
/// megabyte each.
pub(super) const FIRST_PREFIX_BYTES: u64 = 64 << 10;

/// Whether `prefix`, the first bytes of an input that goes on past them (its byte-order mark
/// dropped), tells what its first [`PREFIX_BYTES`] would: its framing (`detect` reads the
/// first [`DETECT_LINES`] lines that are not blank, so they are whole in it, unless `given`),
/// whether its lines end with a lone CR (they hold a newline), and its date order (`json_dates`
/// reads more only for a JSON export of the portal's grid, unless `order_known`). A JSON
/// document's reader takes the same path whatever its reads return (see `document::read`),
/// but a read error within its first [`PREFIX_BYTES`] comes after them: only a `regular` file
/// read as it is (not inflated, transcoded or piped) reads less first.
pub(super) fn tells_as_much(
    prefix: &[u8],
    given: Option<InputFormat>,
    order_known: bool,
    regular: bool,
) -> bool {
    let p = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let whole_lines = p
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| l.ends_with(b"\n") && !l.trim_ascii().is_empty())
        .take(DETECT_LINES)
        .count();
    if memchr::memchr(b'\n', prefix).is_none() || (given.is_none() && whole_lines < DETECT_LINES) {
        return false;
    }
    match given.unwrap_or_else(|| detect(prefix)) {
        // Given, or told by its header. Else the first line that starts as JSON may lie past
        // the prefix, after lines of text (each a reject, as they would be of CSV).
        InputFormat::Csv => given.is_some() || csv_header_first(p),
        InputFormat::Json => regular && (order_known || !portal(prefix)),
        InputFormat::Jsonl => order_known || !portal(prefix),
    }
}

/// Why a file whose first bytes are markup (XML, HTML) or a command's text output (`az -o
/// yaml`, `Format-List`), which hold no export, is not read.
fn not_an_export(head: &[u8]) -> Option<io::Error> {
    if let Some(kind) = markup(head) {
        return Some(io::Error::other(format!(
            "{kind}, which is not read: export it as JSON or CSV first"
        )));
    }
    text_output(head).map(io::Error::other)
}

/// A regular file of at least `min` bytes whose first bytes are neither gzip's nor UTF-16's
/// (read as it is, so it can be read at any offset), and its size. Nothing else is opened: a
/// FIFO opened to look at it would wait for a writer.
pub(super) fn large_plain(src: &Source, min: u64) -> io::Result<Option<(File, u64)>> {
    let Some(path) = src.path.as_deref().filter(|_| src.problem.is_none()) else {
        return Ok(None);
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() >= min => {}
        _ => return Ok(None),
    }
    let file = File::open(path)?;
    let size = file.metadata()?.len();
    // Enough for what opening it refuses (see `open`): a large XML file or table of text had
    // been read by ranges as CSV, every line a reject.
    let mut head = vec![0u8; TEXT_HEAD];
    let n = read_full_at(&file, &mut head, 0)?;
    let head = &head[..n];
    let encoded = [GZIP, b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|m| head.starts_with(m))
        || archive(head).is_some()
        || markup(head).is_some()
        || text_output(head).is_some();
    Ok((!encoded && size >= min).then_some((file, size)))
}

/// The kind of a compressed file or archive other than gzip, from its first bytes: each of
/// its lines would be a reject of its own, saying nothing of why.
fn archive(head: &[u8]) -> Option<&'static str> {
    const KINDS: [(&[u8], &str); 8] = [
        (b"PK\x03\x04", "a zip archive"),
        // What a Log Analytics export job writes, and Event Hubs Capture.
        (b"PAR1", "a Parquet file"),
        (b"Obj\x01", "an Avro file"),
        (b"\x28\xB5\x2F\xFD", "zstd-compressed"),
        (b"\xFD7zXZ\x00", "xz-compressed"),
        (b"BZh", "bzip2-compressed"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"\x04\x22\x4D\x18", "lz4-compressed"),
    ];
    let (_, kind) = KINDS.iter().find(|(magic, _)| head.starts_with(magic))?;
    // bzip2's magic is text: a block size digit follows it.
    (!kind.starts_with("bzip2") || head.get(3).is_some_and(|c| (b'1'..=b'9').contains(c)))
        .then_some(kind)
}

/// The first `n` bytes of `head` as text: UTF-8 (its byte-order mark dropped), or the low
/// bytes of UTF-16 with a byte-order mark (as Windows PowerShell 5.1 writes), which are the
/// text where it is ASCII.
fn head_text(head: &[u8], n: usize) -> Cow<'_, [u8]> {
    let head = &head[..head.len().min(n)];
    match head {
        [0xFF, 0xFE, rest @ ..] => rest.iter().step_by(2).copied().collect(),
        [0xFE, 0xFF, rest @ ..] => rest.iter().skip(1).step_by(2).copied().collect(),
        _ => Cow::Borrowed(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)),
    }
}

/// The kind of a markup file, from its first bytes (UTF-8, or UTF-16 with a byte-order mark, as
/// Windows PowerShell 5.1 writes): each of its lines would be a reject of its own, saying
/// nothing of why.
fn markup(head: &[u8]) -> Option<&'static str> {
    // Enough for blanks and the longest mark, in UTF-16 too: not a copy of the whole head.
    let text = head_text(head, 256);
    let t = text.trim_ascii_start();
    let starts = |p: &[u8]| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if starts(b"<?xml") || starts(b"<objs") {
        Some("an XML file (PowerShell's Export-Clixml writes one)")
    } else if starts(b"<!doctype html") || starts(b"<html") {
        Some("an HTML page (a download that failed?)")
    } else {
        None
    }
}

/// Bytes of a file's head that [`text_output`] looks at, at most.
const TEXT_HEAD: usize = 8 << 10;

/// Lines that are not blank that [`text_output`] looks at, at most.
const TEXT_LINES: usize = 12;

/// What a file holds, and how to export it instead, when it is a command's text output that
/// holds no records, from its first lines (UTF-8, or UTF-16 with a byte-order mark): `az ...
/// -o yaml`, `-o table` (or PowerShell's `Format-Table`) or `-o tsv`, which writes no header,
/// or PowerShell's `Format-List` redirected to a file. Each of its lines would be a reject of
/// its own, saying nothing of why (25 rows of YAML had been 452 rejects). Not a file whose
/// first line starts as JSON or is a CSV header, which is read.
fn text_output(head: &[u8]) -> Option<&'static str> {
    let text = head_text(head, TEXT_HEAD);
    // Whole lines only, unless the head is the whole file.
    let whole = match text.len() < TEXT_HEAD / 2 || text.ends_with(b"\n") {
        true => &text[..],
        false => &text[..memchr::memrchr(b'\n', &text).map_or(0, |p| p + 1)],
    };
    let lines: Vec<&[u8]> = (whole.split(|&b| b == b'\n'))
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.trim_ascii().is_empty())
        .take(TEXT_LINES)
        .collect();
    let first = lines.first()?;
    // A CSV header below a banner underlined with dashes is CSV.
    if matches!(first.trim_ascii_start()[0], b'{' | b'[')
        || lines.iter().any(|l| super::csv::is_header(l))
    {
        return None;
    }
    if yaml_list(&lines) {
        Some("YAML (what az writes with -o yaml), which is not read: run the command with -o json")
    } else if text_table(&lines) {
        Some("a table of text (what az writes with -o table, or PowerShell's Format-Table), which is not read: run az with -o json, or pipe the rows to Export-Csv or ConvertTo-Json in PowerShell")
    } else if format_list(&lines) {
        Some("PowerShell's Format-List text (rows written to a file with > or Out-File), which is not read: pipe the rows to Export-Csv or ConvertTo-Json instead")
    } else if headless_tsv(&lines) {
        Some("tab-separated values without a header (what az writes with -o tsv), which is not read: run the command with -o json")
    } else {
        None
    }
}

/// A YAML list of mappings, as `az ... -o yaml` writes a query's rows: `- Key: value`, then
/// `  Key: value` for the row's other columns.
fn yaml_list(lines: &[&[u8]]) -> bool {
    // `Key:` followed by a value or nothing.
    let key = |l: &[u8]| {
        let Some(c) = memchr::memchr(b':', l) else {
            return false;
        };
        let name = &l[..c];
        !name.is_empty()
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b"_-.@$".contains(&b))
            && matches!(l.get(c + 1), None | Some(b' '))
    };
    let entry = |l: &[u8]| {
        l.strip_prefix(b"- ")
            .or(l.strip_prefix(b"  "))
            .is_some_and(key)
    };
    let first = lines[0].strip_prefix(b"- ").is_some_and(key);
    first
        && lines.len() >= 2
        && entry(lines[1])
        && lines.iter().filter(|l| entry(l)).count() * 4 >= lines.len() * 3
}

/// A table of text (`az ... -o table`, PowerShell's `Format-Table`): a line of column names,
/// then under each a run of dashes that starts where the name does.
fn text_table(lines: &[&[u8]]) -> bool {
    let [names, rule, ..] = lines else {
        return false;
    };
    let dashes = memchr::memmem::find(rule, b"--").is_some();
    if !dashes || !rule.iter().all(|&b| b == b'-' || b == b' ') {
        return false;
    }
    // Where each run of dashes starts: a name starts there too.
    let starts = (0..rule.len()).filter(|&i| rule[i] == b'-' && (i == 0 || rule[i - 1] == b' '));
    let named =
        |i: usize| names.get(i).is_some_and(|&b| b != b' ') && (i == 0 || names[i - 1] == b' ');
    starts.into_iter().all(named)
}

/// PowerShell's `Format-List`: `Name : value` lines, the names padded to one width, so that
/// their colons line up.
fn format_list(lines: &[&[u8]]) -> bool {
    // Where the ` : ` (or a final ` :`) of a line is.
    let colon = |l: &[u8]| {
        let c = memchr::memchr(b':', l)?;
        let padded = c >= 2 && l[c - 1] == b' ' && !l[..c].trim_ascii().is_empty();
        (padded && matches!(l.get(c + 1), None | Some(b' ')) && l[0] != b' ').then_some(c)
    };
    let Some(c) = colon(lines[0]) else {
        return false;
    };
    lines.iter().filter(|l| colon(l) == Some(c)).count() >= 3
}

/// Tab-separated values without a header (`az ... -o tsv`): a first line of three fields or
/// more, one of them a time (so not a header), and the lines after it as many.
fn headless_tsv(lines: &[&[u8]]) -> bool {
    let tabs = |l: &[u8]| memchr::memchr_iter(b'\t', l).count();
    let n = tabs(lines[0]);
    let time = |f: &[u8]| {
        f.len() >= 16
            && f[..4].iter().all(u8::is_ascii_digit)
            && f[4] == b'-'
            && f[7] == b'-'
            && matches!(f[10], b'T' | b' ')
            && f[13] == b':'
    };
    n >= 2 && lines.iter().all(|l| tabs(l) == n) && lines[0].split(|&b| b == b'\t').any(time)
}

/// Up to [`PREFIX_BYTES`] from the start of `file`, without moving its position.
pub(super) fn prefix_at(file: &File) -> io::Result<Vec<u8>> {
    let mut prefix = vec![0; PREFIX_BYTES as usize];
    let n = read_full_at(file, &mut prefix, 0)?;
    prefix.truncate(n);
    to_first_line_end(&mut prefix, |b, n| {
        let at = b.len();
        b.resize(at + n, 0);
        let got = read_full_at(file, &mut b[at..], at as u64);
        b.truncate(at + *got.as_ref().unwrap_or(&0));
        got
    })?;
    Ok(prefix)
}

/// When a prefix of [`PREFIX_BYTES`] holds no newline and starts as JSON (`{` or `[`, after a
/// byte-order mark and blanks), its first line is read on to its end, as long as a record may
/// be, and [`FIRST_PREFIX_BYTES`] past it: a first line of JSON Lines longer than the prefix
/// (an Event Grid batch of a megabyte) had been taken for one document, and a damaged line
/// after it had ended the reading. So is one that holds no CR either (not the lines of an old
/// Mac file, which end with lone CRs), up to [`MAX_RECORD_BYTES`]: a first line of NULs (a
/// blob's padding) or other bytes over a megabyte had made JSON Lines after it CSV, every
/// record a reject. `more(prefix, n)`
/// appends the next `n` bytes of the input, fewer when it ends, and says how many.
pub(super) fn to_first_line_end(
    prefix: &mut Vec<u8>,
    mut more: impl FnMut(&mut Vec<u8>, usize) -> io::Result<usize>,
) -> io::Result<()> {
    let p = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let first = p.iter().find(|c| !c.is_ascii_whitespace());
    let json = matches!(first, Some(b'{' | b'['));
    if (prefix.len() as u64) < PREFIX_BYTES
        || memchr::memchr(b'\n', prefix).is_some()
        || !json && memchr::memchr(b'\r', prefix).is_some()
    {
        return Ok(());
    }
    // A first line that is not JSON is read on as far as a line of JSON Lines may be: past
    // that, its reader skips the line as too large and detection reads text (CSV, every line
    // a reject).
    let cap = if json {
        MAX_RECORD_BYTES
    } else {
        MAX_RECORD_BYTES - 1
    };
    while prefix.len() <= cap {
        let at = prefix.len();
        let want = PREFIX_BYTES as usize;
        if more(prefix, want)? < want {
            return Ok(());
        }
        if memchr::memchr(b'\n', &prefix[at..]).is_some() {
            // Past it, the next lines, which tell JSON Lines from a document.
            more(prefix, FIRST_PREFIX_BYTES as usize)?;
            return Ok(());
        }
    }
    Ok(())
}

/// Bytes compared at each end of two files of one length ([`copies`]).
const COPY_ENDS: usize = 1 << 16;

/// Files that look like copies of one another (a night's export downloaded twice into two
/// folders): the same length, and the same first and last 64 KiB. Both are read and counted,
/// as the user asked, but the doubled night is said: stored in a history, it would inflate
/// the baselines of four weeks. Each copy's name, with what is said of it.
pub(super) fn copies(sources: &[Source]) -> Vec<(String, String)> {
    let sizes: Vec<Option<u64>> = (sources.iter())
        .map(|s| Some(std::fs::metadata(s.path.as_ref()?).ok()?.len()))
        .collect();
    let mut by_len: std::collections::HashMap<u64, Vec<&Source>> = Default::default();
    for (s, len) in sources.iter().zip(&sizes) {
        if let Some(len) = len.filter(|&l| l > 0) {
            by_len.entry(len).or_default().push(s);
        }
    }
    let ends = |s: &Source, len: u64| -> Option<Vec<u8>> {
        let file = std::fs::File::open(s.path.as_ref()?).ok()?;
        let n = COPY_ENDS.min(len as usize);
        let mut b = vec![0; 2 * n];
        let head = read_full_at(&file, &mut b[..n], 0).ok()?;
        let tail = read_full_at(&file, &mut b[n..], len - n as u64).ok()?;
        (head == n && tail == n).then_some(b)
    };
    let mut said = Vec::new();
    let mut lens: Vec<_> = by_len.into_iter().filter(|(_, v)| v.len() > 1).collect();
    lens.sort_by_key(|(len, _)| *len);
    for (len, files) in lens {
        // Each file's ends by a 128-bit digest, not their 128 KiB, found in a table, not
        // compared with every file before it: 100,000 files of one length had taken minutes.
        let mut firsts: std::collections::HashMap<(u64, u64), &Source> = Default::default();
        for f in files {
            let Some(b) = ends(f, len) else { continue };
            match firsts.entry(digest(&b)) {
                std::collections::hash_map::Entry::Occupied(first) => said.push((
                    f.name.clone(),
                    format!(
                        "{}: the same length and the same first and last 64 KiB as {}: the same export twice? Both are counted",
                        f.name,
                        first.get().name
                    ),
                )),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(f);
                }
            }
        }
    }
    said.extend(recoded_copies(sources, &sizes));
    said
}

/// How a file holds its text: as it is, after a byte-order mark, or gzipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Packing {
    Plain,
    Bom,
    Gzip,
}

/// Copies that [`copies`] cannot see by their bytes: one gzipped and one not (`gunzip -k`
/// leaves both), or one after a byte-order mark (a copy re-saved by an editor). They are told
/// by the length of their text (mod 2^32 when gzipped: the gzip trailer's) and a digest of its
/// first 64 KiB, inflated when gzipped. Only files with a gzip or BOM counterpart in length are
/// opened, so a folder of plain files costs nothing more.
/// How a file holds its text, the text's length (mod 2^32) and the digest of its first 64 KiB.
type TextKey = (Packing, u64, (u64, u64));

fn recoded_copies(sources: &[Source], lens: &[Option<u64>]) -> Vec<(String, String)> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let mod32 = |l: u64| l & 0xFFFF_FFFF;
    // The gzipped files: the length of their text, from the trailer.
    let gz_len = |s: &Source, len: u64| -> Option<u64> {
        let file = std::fs::File::open(s.path.as_ref()?).ok()?;
        let (mut magic, mut trailer) = ([0; 2], [0; 4]);
        read_full_at(&file, &mut magic, 0).ok()?;
        (magic == [0x1f, 0x8b] && len >= 18).then_some(())?;
        read_full_at(&file, &mut trailer, len - 4).ok()?;
        Some(u64::from(u32::from_le_bytes(trailer)))
    };
    let texts: Vec<Option<u64>> = (sources.iter().zip(lens))
        .map(|(s, len)| match len {
            Some(l) if super::sources::gzip_name(&s.name) => gz_len(s, *l),
            _ => None,
        })
        .collect();
    let gz_texts: std::collections::HashSet<u64> = texts.iter().flatten().copied().collect();
    let plain: std::collections::HashSet<u64> = lens.iter().flatten().copied().collect();
    // A file is looked at when it is gzipped, or another's text may be its own with or
    // without a BOM.
    let candidate = |len: u64, gz: Option<u64>| {
        gz.is_some()
            || plain.contains(&(len + 3))
            || (len >= 3 && plain.contains(&(len - 3)))
            || gz_texts.contains(&mod32(len))
            || (len >= 3 && gz_texts.contains(&mod32(len - 3)))
    };
    // A file's packing, the length of its text (mod 2^32) and the digest of its first 64 KiB.
    let key = |s: &Source, len: u64, gz: Option<u64>| -> Option<TextKey> {
        let file = std::fs::File::open(s.path.as_ref()?).ok()?;
        let mut head = Vec::with_capacity(COPY_ENDS + BOM.len());
        let limit = (COPY_ENDS + BOM.len()) as u64;
        let (mut coding, mut text_len) = match gz {
            Some(t) => {
                let inflate = flate2::read::MultiGzDecoder::new(file);
                std::io::Read::read_to_end(&mut std::io::Read::take(inflate, limit), &mut head)
                    .ok()?;
                (Packing::Gzip, t)
            }
            None => {
                std::io::Read::read_to_end(&mut std::io::Read::take(file, limit), &mut head)
                    .ok()?;
                (Packing::Plain, len)
            }
        };
        if head.starts_with(BOM) {
            head.drain(..BOM.len());
            text_len = text_len.wrapping_sub(3);
            if coding == Packing::Plain {
                coding = Packing::Bom;
            }
        }
        head.truncate(COPY_ENDS);
        Some((coding, mod32(text_len), digest(&head)))
    };
    // The first file of each text: its length and digest, to its packing and source.
    let mut firsts = std::collections::HashMap::<_, (Packing, &Source)>::new();
    let mut said = Vec::new();
    for ((s, len), gz) in sources.iter().zip(lens).zip(&texts) {
        let Some(len) = *len else { continue };
        if len == 0 || !candidate(len, *gz) {
            continue;
        }
        let Some((coding, text_len, d)) = key(s, len, *gz) else {
            continue;
        };
        match firsts.entry((text_len, d)) {
            std::collections::hash_map::Entry::Occupied(first) if first.get().0 != coding => {
                said.push((
                    s.name.clone(),
                    format!(
                        "{}: the same text as {}, one of them gzipped or after a byte-order mark (its length and first 64 KiB): the same export twice? Both are counted",
                        s.name,
                        first.get().1.name
                    ),
                ))
            }
            std::collections::hash_map::Entry::Occupied(_) => {}
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((coding, s));
            }
        }
    }
    said
}

/// Two 64-bit SipHashes of `b` under different keys: equal for different bytes one time in
/// 2^128.
fn digest(b: &[u8]) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let hash = |salt: u8| {
        let mut h = std::hash::DefaultHasher::new();
        salt.hash(&mut h);
        b.hash(&mut h);
        h.finish()
    };
    (hash(0), hash(1))
}

/// Lines that are not blank that [`detect`] reads, at most, from the first that starts as JSON
/// (after the lines of text before JSON Lines, however many the prefix holds).
const DETECT_LINES: usize = 9;

/// Whether a line (trimmed, not blank) starts as a JSON value of JSON Lines: an object or array,
/// or `null`, `true` or `false` whole (what `jq` prints for a value a record lacks), which a line
/// of text or a CSV row does not read as.
fn starts_as_json(l: &[u8]) -> bool {
    matches!(l[0], b'{' | b'[') || matches!(l, b"null" | b"true" | b"false")
}

/// The framing of a file, from its first bytes.
pub(super) fn detect(prefix: &[u8]) -> InputFormat {
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
    // A first line that is not JSON and that [`to_first_line_end`] read on to the cap without
    // finding its end: whatever the file, its reader rejects it as too large, once, and reads
    // on after it; as JSON Lines, the records after it count (as CSV, whose header it would
    // be, every line after it had been a reject). Its bytes past the cap are never held.
    if !json_first && p.len() >= MAX_RECORD_BYTES && memchr::memchr(b'\n', p).is_none() {
        return InputFormat::Jsonl;
    }
    // A first line longer than a record may be, and longer than [`to_first_line_end`] reads,
    // that is a record (its first member a record's field, `{"time": ...`): a line of JSON
    // Lines, whatever follows it. Its reader rejects it as too large, once, and reads on: the
    // records after it count. Taken for a document, it had ended the reading (the records
    // after it lost and not counted as read), or, under 6 MiB, been accepted (rev71a F1).
    if json_first && first_line.len() > MAX_RECORD_BYTES && record_first(first_line) {
        return InputFormat::Jsonl;
    }
    // A whole line longer than a record may be is a document on one line (its array is read
    // in parallel), not a line of JSON Lines.
    if json_first && first_line.len() <= MAX_RECORD_BYTES && parses(first_line) {
        return InputFormat::Jsonl;
    }
    // A log line whose prefix starts with `[` (`[2025-03-04T10:11:12Z] INFO Received callback:
    // [...]`): not JSON, but JSON after a prefix of text, as the lines of a callback endpoint's
    // log are; taken for CSV, that log is told by its lines (`lines::prefixed_log`). Only a
    // line that ends in the prefix: a document longer than it is cut anywhere.
    if first_line[0] == b'['
        && memchr::memchr(b'\n', p).is_some()
        && !parses(first_line)
        && super::lines::carries_after_prefix(first_line)
    {
        return InputFormat::Csv;
    }
    // Most of the lines after the first are whole JSON values on their own: in a document
    // spread over lines, only the last element of an array can be one (the others end in a
    // comma), and the lines around it are brackets and keys.
    // Records, or callback batches (an array of events per line).
    let whole = |lines: &[&[u8]]| {
        lines
            .iter()
            .filter(|l| starts_as_json(l) && parses(l))
            .count()
    };
    let mostly_whole = |lines: &[&[u8]]| {
        let n = whole(lines);
        n >= 2 && n * 4 >= lines.len() * 3
    };
    if json_first {
        // JSON Lines when the first line is a whole value on its own. A first line that
        // opens a value (`{`, `[`, `{"records": [`) starts a document spread over lines (or a
        // minified one longer than the prefix); any other broken first line is a damaged
        // record of JSON Lines when the next lines are whole.
        let next: Vec<&[u8]> = lines.take(DETECT_LINES - 1).collect();
        let opens = matches!(first_line.last(), Some(b'{' | b'[' | b','));
        return if mostly_whole(&next) || (!opens && whole(&next) >= 1) {
            InputFormat::Jsonl
        } else {
            InputFormat::Json
        };
    }
    // Lines of text (a banner, a traceback, a cut record) before JSON Lines: a bad record
    // each, however many the prefix holds (past 64 lines they had made the file CSV, and each
    // record a reject). The lines from the first that starts as JSON tell. Not past a CSV
    // header among the first lines of text, where the CSV reader looks for one (a small CSV
    // with JSON Lines appended is CSV); a CSV row never starts as JSON (its quotes would be
    // doubled).
    let mut lines = std::iter::once(first_line).chain(lines).peekable();
    let mut text = 0;
    let json = loop {
        match lines.next() {
            Some(l) if starts_as_json(l) => break l,
            Some(l) if text < super::csv::HEADER_LOOKAHEAD && super::csv::is_header(l) => {
                // Unless no row follows it, JSON Lines do (a header left above records
                // written as JSON): the records count, the header and the text are a reject
                // each (they had all been rejects, as rows that were not CSV).
                let after: Vec<&[u8]> = lines.by_ref().take(DETECT_LINES - 1).collect();
                let json = after.first().is_some_and(|l| starts_as_json(l));
                return match json && mostly_whole(&after) {
                    true => InputFormat::Jsonl,
                    false => InputFormat::Csv,
                };
            }
            // A callback endpoint's log whose bodies are objects logged indented after a
            // prefix (`      Received callback: {` then `  "id": ...`): its documents open
            // on lines of text (an array's open on a line that starts as JSON, `  {`).
            Some(l)
                if l.ends_with(b"{")
                    && super::structure::opens_after_prefix(l).is_some()
                    && lines.peek().is_some_and(|n| n[0] == b'"') =>
            {
                return InputFormat::Json
            }
            // Or whose bodies are arrays logged an element a line after a prefix (`...
            // Received callback: [` then `  {"id": ...},`): the lines after its `[` are no
            // whole values (each ends in a comma) and none opens a document, so the log had
            // been read as CSV, every line a reject.
            Some(l)
                if l.ends_with(b"[")
                    && super::structure::opens_after_prefix(l).is_some()
                    && lines
                        .peek()
                        .is_some_and(|n| matches!(n[0], b'{' | b'[') && n.ends_with(b",")) =>
            {
                return InputFormat::Json
            }
            Some(_) => text += 1,
            None => return InputFormat::Csv,
        }
    };
    let from: Vec<&[u8]> = std::iter::once(json)
        .chain(lines.take(DETECT_LINES - 2))
        .collect();
    // JSON Lines when most of them are whole values, or every one is (a single record after a
    // banner: it had been read as a log's line, the banner skipped; as CSV before that, the
    // record a reject).
    if mostly_whole(&from) || whole(&from) == from.len() {
        return InputFormat::Jsonl;
    }
    // Or a document spread over lines (`az ... 2>&1` puts a `WARNING: ...` line above the
    // array): the text before it is a reject, as between documents.
    // Its opener may share its line with the first member (`{  "TimeGenerated": "...",`, as
    // Microsoft's docs print their samples): the file had been read as CSV, every line a
    // reject (rev69a F2).
    let next = from.get(1).and_then(|l| l.first());
    if matches!(json.last(), Some(b'{' | b'['))
        || opens_with_member(json) && matches!(next, Some(b'"' | b'}' | b']'))
    {
        InputFormat::Json
    } else {
        InputFormat::Csv
    }
}

/// Whether `l` opens an object whose first member is a record's field (`{"time": ...`,
/// `{"TimeGenerated": ...`): a record, where a document's head opens with a key of its layout
/// (`{"records": [`, `{"tables": [`, a `$batch`'s `{"responses": [`, pandas' `{"columns":`).
fn record_first(l: &[u8]) -> bool {
    let Some(rest) = l.strip_prefix(b"{") else {
        return false;
    };
    match super::elements::member(rest, true) {
        Member::Value(key, _) => !matches!(key_role_bytes(Context::Record, key), KeyRole::Ignore),
        _ => false,
    }
}

/// Whether a line opens an object (in an array, `[{`, or not) and holds its first member
/// after the `{`: a key, a colon and a whole value, then a comma or nothing, or a key whose
/// value opens on the line (`{ "properties": {`).
fn opens_with_member(l: &[u8]) -> bool {
    let l = l.strip_prefix(b"[").map_or(l, <[u8]>::trim_ascii_start);
    let Some(rest) = l.strip_prefix(b"{").map(<[u8]>::trim_ascii) else {
        return false;
    };
    if rest.first() != Some(&b'"') {
        return false;
    }
    let rest = rest.strip_suffix(b",").unwrap_or(rest);
    let close: &[u8] = match rest.last() {
        Some(b'{') => b"}}",
        Some(b'[') => b"]}",
        _ => b"}",
    };
    let object = [b"{", rest, close].concat();
    serde_json::from_slice::<serde::de::IgnoredAny>(&object).is_ok()
}

/// A callback endpoint's first logged body, found past the first megabyte of its log by
/// [`body_further`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Later {
    /// Logged indented over the lines after its prefix: the log is read as a JSON document.
    Indented,
    /// Logged on one line after its prefix: the log is read line by line.
    OneLine,
}

/// Bytes read at a time by [`body_further`].
const FURTHER_CHUNK: usize = 1 << 20;

/// The first body a callback endpoint logged, looked for past what detection reads, in a file
/// detection took for CSV but whose first lines name no known column and whose first
/// megabyte holds no body (the app's other lines, health probes, before the night's first
/// call): a line that opens a body after a prefix with a line of JSON after it, or a line that
/// carries one after a prefix; `None` when the file holds none. `input`: the file from its
/// start, read again and streamed (a line longer than a record is passed over, never held).
pub(super) fn body_further(mut input: impl Read) -> io::Result<Option<Later>> {
    let mut buf: Vec<u8> = Vec::with_capacity(FURTHER_CHUNK);
    // The line before opened a body after a prefix; the line being read is past the cap.
    let (mut opened, mut passing) = (false, false);
    let look = |line: &[u8], opened: &mut bool| {
        let t = line.trim_ascii();
        if t.is_empty() {
            return None;
        }
        if std::mem::take(opened) && matches!(t[0], b'{' | b'[' | b'"' | b']' | b'}') {
            return Some(Later::Indented);
        }
        *opened = super::structure::opens_after_prefix(t).is_some();
        super::lines::carries_after_prefix(t).then_some(Later::OneLine)
    };
    loop {
        let len = buf.len();
        buf.resize(len + FURTHER_CHUNK, 0);
        let got = loop {
            match input.read(&mut buf[len..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        buf.truncate(len + got);
        let mut at = 0;
        while let Some(p) = memchr::memchr(b'\n', &buf[at..]) {
            let line = &buf[at..at + p];
            at += p + 1;
            if std::mem::take(&mut passing) {
                continue;
            }
            if let Some(later) = look(line, &mut opened) {
                return Ok(Some(later));
            }
        }
        buf.drain(..at);
        if got == 0 {
            return Ok(look(&buf, &mut opened).filter(|_| !passing));
        }
        if buf.len() > MAX_RECORD_BYTES {
            buf.clear();
            passing = true;
        }
    }
}

/// Whether one of the first lines of `p` that are not blank, as many as the CSV reader looks
/// through for its header, is a CSV header, with as many whole lines after it as [`detect`]
/// reads to tell rows from JSON Lines.
fn csv_header_first(p: &[u8]) -> bool {
    let mut lines = p
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty());
    let header = (lines.by_ref().take(super::csv::HEADER_LOOKAHEAD))
        .any(|l| super::csv::is_header(l.trim_ascii()));
    let after = lines.filter(|l| l.ends_with(b"\n")).take(DETECT_LINES - 1);
    header && after.count() == DETECT_LINES - 1
}

/// For JSON exports of the portal's grid (`"TimeGenerated [UTC]": "5/24/2023, 7:57:40.480 PM"`):
/// the day/month order of the file, from its first values that tell it, as for portal CSV.
pub(super) fn json_dates<S: Sink>(prefix: &[u8], ctx: &mut FileCtx<'_, S>) {
    if ctx.rules.order.is_some() || !portal(prefix) {
        return;
    }
    // The dates the values that do not tell the order are given month-first, and day-first:
    // the first three distinct, as for CSV (rev65a F2).
    let (mut dates, mut more) = (Vec::new(), false);
    let seen = |v: &str| {
        let read = |o| crate::time::parse_locale(v, o).map(|t| t.date());
        if let (Some(mdy), Some(dmy)) = (read(DateOrder::Mdy), read(DateOrder::Dmy)) {
            if !dates.contains(&(mdy, dmy)) {
                match dates.len() < 3 {
                    true => dates.push((mdy, dmy)),
                    false => more = true,
                }
            }
        }
    };
    match crate::time::infer_order(prefix, seen) {
        (Some(order), _) => ctx.rules.order = Some(order),
        (None, true) => {
            ctx.rules.order = Some(DateOrder::Mdy);
            ctx.rules.guessed = true;
            let w = match super::csv::dates_said(&dates, more) {
                said if said.is_empty() => format!(
                    "{}: cannot tell the day/month order of its dates; read them month-first (pass --date-order)",
                    ctx.name
                ),
                said => format!(
                    "{}: cannot tell the day/month order of its dates; read them month-first{said}",
                    ctx.name
                ),
            };
            ctx.order_guessed(w);
        }
        (None, false) => {}
    }
}

/// Whether the first 4 KiB of `prefix` name a column of the portal's grid as a JSON key.
fn portal(prefix: &[u8]) -> bool {
    let head = &prefix[..prefix.len().min(4096)];
    memchr::memmem::find(head, b" [UTC]\"").is_some()
        || memchr::memmem::find(head, b" [Local Time]\"").is_some()
}

pub(super) fn shape_name(f: InputFormat) -> &'static str {
    match f {
        InputFormat::Jsonl => "json lines",
        InputFormat::Json => "json document",
        InputFormat::Csv => "csv",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An export beside its gzipped copy (`gunzip -k`), or beside a copy after a byte-order
    /// mark, is said as given twice (rev54a §10: 279 records of 93 were counted, unsaid); a
    /// file of the same length with other text is not.
    #[test]
    fn copies_gzipped_or_after_a_bom_are_said() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let text: String = (0..5_000)
            .map(|i| {
                format!(
                    "{{\"time\":\"2026-11-24T01:00:00Z\",\"resultCode\":{}}}\n",
                    400 + i % 7
                )
            })
            .collect();
        let file = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            Source {
                path: Some(p),
                name: name.into(),
                problem: None,
            }
        };
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        let other = text.replacen("401", "402", 1);
        let sources = [
            file("PT1H.json", text.as_bytes()),
            file("PT1H.json.gz", &gz.finish().unwrap()),
            file("bom.json", &[b"\xEF\xBB\xBF", text.as_bytes()].concat()),
            file("other.json", other.as_bytes()),
            file(
                "other-bom.json",
                &[b"\xEF\xBB\xBF", other.as_bytes()].concat(),
            ),
        ];
        let said = copies(&sources);
        assert_eq!(said.len(), 3, "{said:#?}");
        for (copy, of) in [
            ("PT1H.json.gz", "PT1H.json"),
            ("bom.json", "PT1H.json"),
            ("other-bom.json", "other.json"),
        ] {
            assert!(
                said.iter().any(|(name, w)| name == copy
                    && w.starts_with(&format!("{copy}: the same text as {of}, "))),
                "{copy}: {said:#?}"
            );
        }
        // A gzip rotated after it was compressed, or whose suffix is upper-case, is told by
        // its name as `.gz` is (both had been taken for plain files, their copy not said).
        for name in ["PT1H.json.gz.1", "PT1H.json.GZ"] {
            let gz = std::fs::read(sources[1].path.as_ref().unwrap()).unwrap();
            let pair = [sources[0].clone(), file(name, &gz)];
            let said = copies(&pair);
            assert_eq!(said.len(), 1, "{name}: {said:#?}");
            assert!(said[0].0 == name);
            assert!(said[0]
                .1
                .starts_with(&format!("{name}: the same text as PT1H.json, ")));
        }
        // Plain files alone are not opened for it.
        assert!(recoded_copies(&sources[3..4], &[Some(other.len() as u64)]).is_empty());
    }

    /// Compressed files and archives other than gzip are told by their first bytes (each of
    /// their lines was a `not an export` reject of its own); text that starts like one is not.
    #[test]
    fn archives_other_than_gzip_are_told_by_their_first_bytes() {
        for (head, kind) in [
            (&b"PK\x03\x04\x14\x00"[..], Some("a zip archive")),
            (b"\x28\xB5\x2F\xFD\x04", Some("zstd-compressed")),
            (b"\xFD7zXZ\x00\x00", Some("xz-compressed")),
            (b"BZh91AY&SY", Some("bzip2-compressed")),
            (b"BZh is a word", None),
            (b"7z\xBC\xAF\x27\x1C", Some("a 7-Zip archive")),
            (b"\x1f\x8b\x08", None),
            (b"{\"time\":1}", None),
            (b"PK", None),
            (b"PAR1\x15\x04", Some("a Parquet file")),
            (b"Obj\x01\x04\x14avro", Some("an Avro file")),
        ] {
            assert_eq!(archive(head), kind, "{head:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("logs.zip");
        std::fs::write(&p, b"PK\x03\x04\x14\x00\x00\x00\x08\x00\n\nmore\n").unwrap();
        let src = Source {
            path: Some(p),
            name: "logs.zip".into(),
            problem: None,
        };
        let e = open(&src, None).err().expect("not read");
        assert!(
            e.to_string()
                .starts_with("a zip archive, which is not read"),
            "{e}"
        );
    }

    #[test]
    fn a_short_prefix_tells_as_much_as_a_megabyte_or_asks_for_more() {
        let short = FIRST_PREFIX_BYTES as usize;
        // A line of text, four records of 20 KB, then CSV-like lines: in 64 KiB the lines
        // after the first are mostly whole records, in a megabyte they are not.
        let record = format!("{{\"m\":\"{}\"}}\n", "x".repeat(20_000));
        let mut text = format!("Export\n{}", record.repeat(4)).into_bytes();
        text.extend_from_slice(&b"a,b\n".repeat(300_000));
        assert_eq!(detect(&text[..short]), InputFormat::Jsonl);
        assert_eq!(detect(&text[..PREFIX_BYTES as usize]), InputFormat::Csv);
        assert!(!tells_as_much(&text[..short], None, false, true));
        assert!(tells_as_much(
            &text[..short],
            Some(InputFormat::Csv),
            false,
            true
        ));
        // Portal CSV: nine lines are whole, whatever its header says.
        let csv = format!(
            "\u{feff}TimeGenerated [UTC],ResultCode\r\n{}",
            "\"5/24/2023, 7:57:40.480 PM\",400\r\n".repeat(3000)
        );
        assert!(tells_as_much(&csv.as_bytes()[..short], None, false, true));
        let eight = "\"5/24/2023, 7:57:40.480 PM\",400\r\n".repeat(7);
        let few = format!(
            "TimeGenerated [UTC],ResultCode\r\n{eight}{}",
            "x".repeat(short)
        );
        assert!(!tells_as_much(&few.as_bytes()[..short], None, false, true));
        // A JSON export of the portal's grid, as JSON Lines, reads on for its date order,
        // unless it is given.
        let grid = "{\"TimeGenerated [UTC]\": \"1/2/2023 10:00:00\"}\n".repeat(3000);
        assert_eq!(detect(grid.as_bytes()), InputFormat::Jsonl);
        assert!(!tells_as_much(&grid.as_bytes()[..short], None, false, true));
        assert!(tells_as_much(&grid.as_bytes()[..short], None, true, true));
        assert!(tells_as_much(
            &grid.as_bytes()[..short],
            Some(InputFormat::Jsonl),
            true,
            true
        ));
        // A JSON document in a regular file read as it is (a records document, a top-level
        // array, a query API response, one whose rows start past 64 KiB); not through gzip,
        // UTF-16 or a pipe, where a read error in its first megabyte comes after it.
        let line = "{\"time\": \"2026-11-24T10:00:00Z\", \"resultCode\": 400},\n";
        let records = format!("\n  {{\"records\": [\n{}", line.repeat(3000));
        let array = format!("[\n{}", line.repeat(3000));
        let rows = format!(
            "{{\"tables\": [{{\"name\": \"x\", \"columns\": [{{\"name\": \"a\"}}],\n\"rows\": [\n{}",
            "[1],\n".repeat(20_000)
        );
        let late = format!(
            "{{\"tables\": [{{\"name\": \"x\",\n{}",
            "\"pad\": 1,\n".repeat(9000)
        );
        for doc in [&records, &array, &rows, &late] {
            let p = &doc.as_bytes()[..short];
            assert_eq!(detect(p), InputFormat::Json);
            assert!(tells_as_much(p, None, false, true));
            assert!(!tells_as_much(p, None, false, false));
        }
        // One of the portal's grid reads on for its date order, unless it is given.
        let portal = format!(
            "[\n{}",
            "{\"TimeGenerated [UTC]\": \"1/2/2023 10:00:00\"},\n".repeat(3000)
        );
        let p = &portal.as_bytes()[..short];
        assert!(!tells_as_much(p, Some(InputFormat::Json), false, true));
        assert!(tells_as_much(p, Some(InputFormat::Json), true, true));
        // Lines that end with a lone CR: no newline in it.
        let mac = "TimeGenerated,ResultCode\r2026-11-24T10:00:00Z,400\r".repeat(3000);
        assert!(!tells_as_much(
            &mac.as_bytes()[..short],
            Some(InputFormat::Csv),
            true,
            true
        ));
    }

    /// A first line longer than the prefix is read on to its end when it starts as JSON, or
    /// holds no CR (NULs, a binary blob), as far as a line of JSON Lines may be: 1 MiB of NULs
    /// before JSON Lines had made the file CSV, every record a reject. Not the lines of an old
    /// Mac file (lone CRs), nor a first line over the cap.
    #[test]
    fn a_first_line_longer_than_the_prefix_is_read_to_its_end() {
        let rec = "{\"a\":2}\n".repeat(20);
        let read_on = |first: Vec<u8>| {
            let mut whole = first;
            whole.push(b'\n');
            whole.extend_from_slice(rec.as_bytes());
            let mut prefix = whole[..PREFIX_BYTES as usize].to_vec();
            let mut at = prefix.len();
            to_first_line_end(&mut prefix, |b, n| {
                let k = n.min(whole.len() - at);
                b.extend_from_slice(&whole[at..at + k]);
                at += k;
                Ok(k)
            })
            .unwrap();
            prefix
        };
        for n in [PREFIX_BYTES as usize, 3 << 20, MAX_RECORD_BYTES - 2] {
            let prefix = read_on(vec![0; n]);
            assert!(prefix.ends_with(rec.as_bytes()), "{n}");
            assert_eq!(detect(&prefix), InputFormat::Jsonl, "{n}");
        }
        let over = read_on(vec![0; MAX_RECORD_BYTES + 10]);
        assert!(memchr::memchr(b'\n', &over).is_none());
        let mac = read_on(b"TimeGenerated,ResultCode\r".repeat(60_000));
        assert_eq!(mac.len(), PREFIX_BYTES as usize);
    }

    /// Lines of text before JSON Lines longer than the short prefix: it does not tell, the
    /// megabyte does (the text had made the file CSV). A CSV header tells at once.
    #[test]
    fn text_past_the_short_prefix_before_json_lines_asks_for_more() {
        let short = FIRST_PREFIX_BYTES as usize;
        let t = "Traceback (most recent call last): line\n".repeat(short / 30)
            + &"{\"a\":2}\n".repeat(100);
        assert_eq!(detect(&t.as_bytes()[..short]), InputFormat::Csv);
        assert!(!tells_as_much(&t.as_bytes()[..short], None, false, true));
        assert_eq!(detect(t.as_bytes()), InputFormat::Jsonl);
        let csv = "TimeGenerated,ResultCode\n".to_string() + &"x,1\n".repeat(short);
        assert!(tells_as_much(&csv.as_bytes()[..short], None, false, true));
    }

    /// PowerShell's Export-Clixml (UTF-8 with a BOM, or UTF-16 as Windows PowerShell 5.1
    /// writes it) and an HTML page are one `unreadable` reject that names them (a real-shapes
    /// review: a Clixml file of 25 records had been 652 rejects, one a line).
    #[test]
    fn markup_is_told_by_its_first_bytes() {
        let clixml =
            "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";
        let utf16: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain(clixml.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let xml = Some("an XML file (PowerShell's Export-Clixml writes one)");
        assert_eq!(markup(format!("\u{feff}{clixml}").as_bytes()), xml);
        assert_eq!(markup(&utf16), xml);
        assert_eq!(markup(b"  <?xml version=\"1.0\"?>"), xml);
        assert_eq!(
            markup(b"<!DOCTYPE html><html>"),
            Some("an HTML page (a download that failed?)")
        );
        for text in [&b"{\"a\": \"<html>\"}"[..], b"TimeGenerated,<x>", b"[", b""] {
            assert_eq!(markup(text), None, "{text:?}");
        }
    }

    /// The framing of a first line over the cap that is not JSON (read on to the cap without
    /// its end) is JSON Lines, whose reader rejects it once and reads on (it had been CSV,
    /// every line a reject).
    #[test]
    fn a_first_line_over_the_cap_that_is_not_json_is_json_lines() {
        let mut long = vec![0; MAX_RECORD_BYTES];
        assert_eq!(detect(&long), InputFormat::Jsonl);
        long.truncate(MAX_RECORD_BYTES - 1);
        assert_eq!(detect(&long), InputFormat::Csv);
    }

    /// A CSV header with JSON Lines right after it is JSON Lines (it had been CSV, every line a
    /// reject); with rows after it, CSV.
    #[test]
    fn json_lines_right_after_a_csv_header_are_json_lines() {
        let rec = "{\"a\":2}\n".repeat(8);
        let header = "TimeGenerated,OperationName,ResultCode\n";
        for text in [0, 2, 9] {
            let t = "Export\n".repeat(text) + header + &rec;
            assert_eq!(detect(t.as_bytes()), InputFormat::Jsonl, "{text}");
        }
        let t = header.to_string() + "2026-11-24T10:00:00Z,Play,400\n" + &rec;
        assert_eq!(detect(t.as_bytes()), InputFormat::Csv);
    }

    /// What is read is never taken for a command's text output: each sample (every shape read),
    /// a banner underlined with dashes above a CSV header, tab-separated rows under a header,
    /// lines of `key: value` that do not line up. What is one is named.
    #[test]
    fn text_outputs_are_told_from_exports() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut stack = vec![root];
        let mut seen = 0;
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.to_string_lossy().ends_with(".md") {
                    let b = std::fs::read(&p).unwrap();
                    assert_eq!(text_output(&b[..b.len().min(1 << 16)]), None, "{p:?}");
                    seen += 1;
                }
            }
        }
        assert!(seen > 20);
        for text in [
            &b"Export of 24 Nov\n----------------\nTimeGenerated,ResultCode\n2026-11-24T10:00:00Z,400\n"[..],
            b"TimeGenerated\tResultCode\tOperationName\n2026-11-24T10:00:00Z\t400\tPlay\n",
            b"Note: x\nSee: the docs\nTime: 2026-11-24\n",
            b"- a list\n- of notes\n",
        ] {
            assert_eq!(text_output(text), None, "{:?}", String::from_utf8_lossy(text));
        }
        let said = |t: &[u8], what: &str| text_output(t).is_some_and(|s| s.contains(what));
        assert!(said(
            b"- TimeGenerated: '2026-11-24T10:00:00Z'\n  ResultCode: '400'\n",
            "-o yaml"
        ));
        assert!(said(
            b"\nName    Value\n----    -----\nx       1\n",
            "Format-Table"
        ));
        assert!(said(b"Time : 1\nCode : 400\nName : x\n", "Format-List"));
        assert!(said(
            b"2026-11-24T10:00:00Z\t400\tPlay\n2026-11-24T11:00:00Z\t500\tPlay\n",
            "-o tsv"
        ));
    }

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
        // So is a line of text before them, and before one line (a CSV row never starts as
        // JSON: its quotes would be doubled).
        assert_eq!(
            detect(b"Export of 2026-11-24\n{\"a\":2}\n{\"a\":3}\n"),
            InputFormat::Jsonl
        );
        assert_eq!(detect(b"a,b\n{\"a\":2}\n"), InputFormat::Jsonl);
        // Several lines of text before them too, however few records follow.
        let rec = "{\"a\":2}\n";
        for text in [4, 9, 64] {
            let head = "some text\n".repeat(text);
            for records in [2, 5, 100] {
                let t = head.clone() + &rec.repeat(records);
                assert_eq!(detect(t.as_bytes()), InputFormat::Jsonl, "{text} {records}");
            }
        }
        // Not past a CSV's rows.
        let csv = "a,b\n".to_string() + &"1,\"{\"\"a\"\":2}\"\n".repeat(20);
        assert_eq!(detect(csv.as_bytes()), InputFormat::Csv);
        // However many lines of text come first (a traceback): past 64, they had made it CSV.
        for text in [66, 70, 5_000] {
            let t = "some text\n".repeat(text) + &rec.repeat(100);
            assert_eq!(detect(t.as_bytes()), InputFormat::Jsonl, "{text}");
        }
        // Nor past a CSV header below a few lines of text, as the CSV reader finds it, with
        // more rows than the lines of text above JSON Lines had been.
        let t = "Export\nof 2026-11-24\n\nTimeGenerated,OperationName,ResultCode\n".to_string()
            + &"2026-11-24T10:00:00Z,Play,400\n".repeat(100)
            + &rec.repeat(5);
        assert_eq!(detect(t.as_bytes()), InputFormat::Csv);
        // Lines of `null` (what `jq` prints for a value a record lacks) are lines of JSON
        // Lines, not text: they had made one record after them CSV, and a reject.
        assert_eq!(detect(b"null\nnull\n{\"a\":2}\n"), InputFormat::Jsonl);
        assert_eq!(detect(b"null\n{\"a\":2}\n"), InputFormat::Jsonl);
        // A document spread over lines after a line of text (`az ... 2>&1`).
        assert_eq!(
            detect(b"WARNING: This command is in preview.\n[\n  {\n    \"a\": 1\n  }\n]\n"),
            InputFormat::Json
        );
        // Its opener sharing its line with the first member, as Microsoft's docs print their
        // samples (rev69a F2: read as CSV, every line a reject): an object, in an array, a
        // member whose value opens on the line.
        for doc in [
            "\"properties\"\n{  \"TimeGenerated\": \"2023-05-09T15:58:30.100Z\",\n    \"Level\": \"Informational\"\n}\n",
            "Media summary row:\n[{ \"a\": 1,\n  \"b\": 2 }]\n",
            "Row:\n{ \"properties\": {\n  \"b\": 2 } }\n",
        ] {
            assert_eq!(detect(doc.as_bytes()), InputFormat::Json, "{doc}");
        }
        // Not a line that holds no member after its `{`.
        assert_eq!(detect(b"Note:\n{ a: 1,\n\"b\": 2\n}\n"), InputFormat::Csv);
        // Nor past a CSV header and a few rows, with JSON Lines after them.
        let header = "TimeGenerated,OperationName,ResultCode\n";
        for head in [header.to_string(), "sep=,\n".to_string() + header] {
            let t = head + &"2026-11-24T10:00:00Z,Play,400\n".repeat(5) + &rec.repeat(5);
            assert_eq!(detect(t.as_bytes()), InputFormat::Csv, "{t}");
        }
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
}
