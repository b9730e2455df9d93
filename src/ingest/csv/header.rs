//! The header of a CSV file: where it is among the first lines (past Excel's `sep=` and
//! PowerShell's `#TYPE`), its delimiter, what each of its columns holds, and the rejects and
//! warnings it gives before the rows are read.

use std::io;
use std::sync::atomic::AtomicBool;

use csv::ByteRecord;

use super::super::blocks;
use super::super::json::Column;
use super::super::{FileCtx, Sink};
use super::fields::reader;
use super::quotes::{line_end, quotes_balanced};
use super::spoil;
use crate::normalize::{strip_header_suffix, Field, Reason};

/// A header name without the byte-order mark a file joined after another starts with.
pub(super) fn unmarked(name: &[u8]) -> &[u8] {
    name.strip_prefix("\u{feff}".as_bytes()).unwrap_or(name)
}

/// The header [`read`] found in the first block.
pub(super) struct HeaderRead {
    pub(super) delim: u8,
    /// Where the line after it starts.
    pub(super) end: usize,
    /// Its columns.
    pub(super) width: usize,
    pub(super) names: Names,
    /// Its names, sorted, when it names one known column only ([`Row::sorted`]).
    pub(super) sorted: Vec<Vec<u8>>,
}

/// Finds and reads the header in the first block `b`: the first line that names a known
/// column, among the first few. Blank lines and Excel's `sep=;` line before it cost nothing,
/// other text before it a reject a line; a header that names no known column is one reject
/// (not an export). `None` when the file, read in parts, is to be read again in blocks.
pub(super) fn read_header<S: Sink>(
    b: &[u8],
    spoiled: Option<&AtomicBool>,
    ctx: &mut FileCtx<'_, S>,
) -> io::Result<Option<HeaderRead>> {
    let head = find_header(b);
    for &(p, line) in &head.junk {
        let end = line_end(b, p);
        let text = String::from_utf8_lossy(b[p..end].trim_ascii()).into_owned();
        let why = "text before the CSV header".into();
        ctx.reject(line, Reason::NotARecord, why, text);
    }
    let (delim, start) = (head.delim, head.start);
    // A quote left open in the header must not take the rows after it.
    let end = line_end(b, start);
    let mut headers = ByteRecord::new();
    reader(&b[start..end], delim)
        .read_byte_record(&mut headers)
        .map_err(io::Error::other)?;
    let names = header_fields(&headers);
    let known = names.known();
    // Text that is not an export, or a quote left open before the rows, moves the cuts.
    if spoiled.is_some() && (!known || !quotes_balanced(&b[..end])) {
        spoil(spoiled);
        return Ok(None);
    }
    if !known {
        // Not an export (text, a binary file that detection took for CSV): its first line and
        // every row after it are rejects, not rows without a record's fields to skip.
        let text = String::from_utf8_lossy(b[start..end].trim_ascii());
        ctx.reject(
            blocks::newlines(&b[..start]) + 1,
            Reason::NotARecord,
            "not an export: its first line names no known column".into(),
            text.into_owned(),
        );
    } else if names.message.is_none()
        && !(names.fields.iter())
            .any(|f| matches!(f, Some(Field::ResultCode | Field::ResultSignature)))
    {
        // A cell of JSON (a custom table's dynamic column) may hold a record with its code.
        let w = format!(
            "{}: its header has no ResultCode or ResultSignature column: only rows that keep a record as JSON in a cell give one",
            ctx.name
        );
        ctx.warn(w);
    }
    // Two columns of one code (a column copied, exports joined side by side): the first is
    // read, and said, since the other may hold what was meant.
    for f in [
        Field::ResultCode,
        Field::ResultSubcode,
        Field::ResultSignature,
    ] {
        let cols: Vec<usize> = (names.fields.iter().enumerate())
            .filter(|(_, g)| **g == Some(f))
            .map(|(i, _)| i)
            .collect();
        if let [first, rest @ ..] = &cols[..] {
            if !rest.is_empty() {
                let name = |i: usize| crate::text::line(&String::from_utf8_lossy(&headers[i]));
                let others: Vec<String> = rest
                    .iter()
                    .map(|&i| format!("{} ({})", i + 1, name(i)))
                    .collect();
                ctx.warn(format!(
                    "{}: column {} ({}) and column {} name the same field: the first is read",
                    ctx.name,
                    first + 1,
                    name(*first),
                    others.join(", ")
                ));
            }
        }
    }
    if names.local {
        ctx.local_times = true;
        ctx.local_time_warning();
    }
    let sorted = if wanted_columns(&names.fields).len() + usize::from(names.message.is_some()) < 2 {
        let mut sorted: Vec<Vec<u8>> = headers.iter().map(|h| unmarked(h).to_vec()).collect();
        sorted.sort_unstable();
        sorted
    } else {
        Vec::new()
    };
    Ok(Some(HeaderRead {
        delim,
        end,
        width: headers.len(),
        names,
        sorted,
    }))
}

/// Where the header of a CSV file is and what comes before it.
pub(super) struct Header {
    /// Offset of the header line.
    start: usize,
    pub(super) delim: u8,
    /// Lines before it that are neither blank nor `sep=` nor PowerShell's `#TYPE`: (offset,
    /// line number).
    junk: Vec<(usize, u64)>,
}

/// Lines looked at, at most, for the header.
pub(in crate::ingest) const HEADER_LOOKAHEAD: usize = 10;

/// The header of the CSV text `b`: the first of its first lines that names a known column,
/// else its first line that is not blank. A `sep=X` line (Excel's delimiter hint) gives the
/// delimiter; a first `#TYPE ...` line (Windows PowerShell 5.1's `Export-Csv`) is passed over.
pub(super) fn find_header(b: &[u8]) -> Header {
    let mut sep = None;
    let mut junk = Vec::new();
    let mut first_text = None;
    let mut p = 0;
    for line in 1..=HEADER_LOOKAHEAD as u64 {
        if p >= b.len() {
            break;
        }
        let end = line_end(b, p);
        let text = b[p..end].trim_ascii();
        if let Some(d) = text.strip_prefix(b"sep=").filter(|d| d.len() == 1) {
            sep = Some(d[0]);
        } else if text.starts_with(b"#TYPE ") && first_text.is_none() {
            // Windows PowerShell 5.1's `Export-Csv` names the objects' type first.
        } else if !text.is_empty() {
            first_text.get_or_insert((p, junk.len()));
            let delim = sep.unwrap_or_else(|| delimiter(&b[p..]));
            let mut headers = ByteRecord::new();
            let names = reader(&b[p..end], delim)
                .read_byte_record(&mut headers)
                .is_ok_and(|_| header_fields(&headers).known());
            if names {
                return Header {
                    start: p,
                    delim,
                    junk,
                };
            }
            junk.push((p, line));
        }
        p = end;
    }
    // No line names a known column: the first with text is taken as the header.
    let (start, before) = first_text.unwrap_or((0, 0));
    junk.truncate(before);
    Header {
        start,
        delim: sep.unwrap_or_else(|| delimiter(&b[start..])),
        junk,
    }
}

/// The line of the first lines of the CSV text `b` that names a known column, when one does:
/// the header the reader finds ([`find_header`]); without one, every line of the file is a
/// reject.
pub(in crate::ingest) fn known_header(b: &[u8]) -> Option<&[u8]> {
    let head = find_header(b);
    let end = line_end(b, head.start);
    let mut headers = ByteRecord::new();
    reader(&b[head.start..end], head.delim)
        .read_byte_record(&mut headers)
        .is_ok_and(|_| header_fields(&headers).known())
        .then_some(&b[head.start..end])
}

/// Whether `line` is a CSV header that names two known columns or more: a CSV file's header,
/// not a banner, before lines of JSON (a small CSV with JSON Lines appended).
pub(in crate::ingest) fn is_header(line: &[u8]) -> bool {
    let mut headers = ByteRecord::new();
    let read = reader(line, delimiter(line)).read_byte_record(&mut headers);
    read.is_ok_and(|_| header_fields(&headers).fields.iter().flatten().count() >= 2)
}

/// What the columns of a header hold ([`header_fields`]).
pub(super) struct Names {
    /// The field of each column, `None` for the columns not read.
    pub(super) fields: Vec<Option<Field>>,
    /// Whether its time is a `[Local Time]` one.
    pub(super) local: bool,
    /// The column of a log line's text (`message` of Application Insights traces, `Message`
    /// of AppTraces), whose cell may be a record forwarded as JSON: then the row is that
    /// record, as in a JSON export of the same traces ([`super::super::json::forwarded_in`]).
    pub(super) message: Option<usize>,
    /// The column of a record's `properties` (the common schema's service fields, kept as
    /// JSON text), read as the JSON reader reads a record's ([`properties_into`]).
    pub(super) properties: Option<usize>,
}

impl Names {
    /// Whether the header names a column this reader reads.
    pub(super) fn known(&self) -> bool {
        self.message.is_some() || self.fields.iter().any(Option::is_some)
    }
}

/// What each header column holds: a field, a log line's text, or nothing read.
pub(super) fn header_fields(headers: &ByteRecord) -> Names {
    let mut names = Names {
        fields: Vec::with_capacity(headers.len()),
        local: false,
        message: None,
        properties: None,
    };
    for (i, h) in headers.iter().enumerate() {
        let h = String::from_utf8_lossy(h);
        let (name, is_local) = strip_header_suffix(&h);
        let field = match super::super::json::column(name) {
            Column::Field(Field::Time) if is_local == Some(true) => {
                names.local = true;
                Some(Field::LocalTime)
            }
            Column::Field(Field::OriginalTime) if is_local == Some(true) => {
                names.local = true;
                Some(Field::LocalOriginalTime)
            }
            Column::Field(f) => Some(f),
            Column::Message => {
                names.message.get_or_insert(i);
                None
            }
            Column::Properties => {
                names.properties.get_or_insert(i);
                None
            }
            Column::Other => None,
        };
        names.fields.push(field);
    }
    names
}

/// The wanted columns of a header's fields ([`header_fields`]): (position, field).
pub(super) fn wanted_columns(fields: &[Option<Field>]) -> Vec<(usize, Field)> {
    let columns = fields.iter().enumerate();
    columns.filter_map(|(i, f)| f.map(|f| (i, f))).collect()
}

/// The delimiter of a file, from its header line: commas, or semicolons (Excel in locales
/// whose decimal mark is a comma) or tabs when the header has more of those.
fn delimiter(b: &[u8]) -> u8 {
    let header = &b[..memchr::memchr(b'\n', b).unwrap_or(b.len())];
    let count = |d: u8| memchr::memchr_iter(d, header).count();
    let commas = count(b',');
    [b';', b'\t']
        .into_iter()
        .map(|d| (count(d), d))
        .filter(|&(n, _)| n > commas)
        .max()
        .map_or(b',', |(_, d)| d)
}
