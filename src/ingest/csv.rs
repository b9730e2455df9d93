//! Portal "Export to CSV" files: header suffixes ` [UTC]` / ` [Local Time]`, RFC-4180 quoting,
//! CRLF, locale datetimes whose day/month order is inferred from the file's own values.

use std::io;

use std::borrow::Cow;

use csv::{ByteRecord, ReaderBuilder};

use super::{FileCtx, Input, Sink};
use crate::config::IngestSettings;
use crate::normalize::{
    key_role, order_evidence, strip_header_suffix, Context, DateOrder, Field, KeyRole, Raw, Reason,
    Val,
};

/// Rows looked at, at most, to infer the day/month order before reading on.
const ORDER_LOOKAHEAD: usize = 10_000;

pub(super) fn read<S: Sink, M: Fn() -> S + Sync>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
    make: &M,
    settings: &IngestSettings,
    crlf: bool,
    warnings: &mut Vec<String>,
) -> io::Result<()> {
    // The csv crate ends a CRLF record at the CR, so a record's recorded start line is the line
    // before it; physical lines are what a user opens the file at.
    let line_fix = u64::from(crlf);
    let mut rdr = ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let headers = rdr.byte_headers().map_err(io::Error::other)?.clone();
    let mut local = false;
    let fields: Vec<Option<Field>> = headers
        .iter()
        .map(|h| {
            let h = String::from_utf8_lossy(h);
            let (name, is_local) = strip_header_suffix(&h);
            match key_role(Context::Record, name) {
                KeyRole::Field(f) => {
                    if f == Field::Time && is_local == Some(true) {
                        local = true;
                    }
                    Some(f)
                }
                _ => None,
            }
        })
        .collect();
    if local {
        match settings.local_offset {
            Some(off) => {
                ctx.rules.local_offset = Some(off);
                warnings.push(format!(
                    "{}: times are [Local Time] without an offset; read at {off} as given by --local-offset",
                    ctx.name
                ));
            }
            None => warnings.push(format!(
                "{}: times are [Local Time] without an offset; read as UTC (pass --local-offset +HH:MM to correct)",
                ctx.name
            )),
        }
    }
    let time_col = fields.iter().position(|f| *f == Some(Field::Time));

    // Look ahead for a value that tells the day/month order.
    let mut pending: Vec<ByteRecord> = Vec::new();
    if ctx.rules.order.is_none() {
        let mut seen_locale = false;
        let mut found = None;
        while pending.len() < ORDER_LOOKAHEAD {
            let mut rec = ByteRecord::new();
            if !rdr.read_byte_record(&mut rec).map_err(io::Error::other)? {
                break;
            }
            if let Some(v) = time_col.and_then(|c| rec.get(c)) {
                let v = String::from_utf8_lossy(v);
                match order_evidence(&v) {
                    Some(DateOrder::Ymd) => {}
                    Some(o) => found = Some(o),
                    None => seen_locale |= v.contains('/'),
                }
            }
            pending.push(rec);
            if found.is_some() {
                break;
            }
        }
        if found.is_none() && seen_locale {
            warnings.push(format!(
                "{}: cannot tell the day/month order of its dates; read them month-first (pass --date-order)",
                ctx.name
            ));
        }
        ctx.rules.order = Some(found.unwrap_or(DateOrder::Mdy));
    }

    let width = headers.len();
    // Wanted columns only: (position, field).
    let wanted: Vec<(usize, Field)> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.map(|f| (i, f)))
        .collect();
    let row = Row {
        width,
        wanted: &wanted,
    };
    for rec in &pending {
        let line = rec.position().map_or(0, |p| p.line() + line_fix);
        row.handle(line, rec.len(), |i| &rec[i], ctx);
    }
    drop(pending);

    // Rows are read in order and handled in parallel batches.
    let mut failed = None;
    let batches = std::iter::from_fn(|| {
        if failed.is_some() {
            return None;
        }
        let mut batch = Batch::default();
        let mut rec = ByteRecord::new();
        while batch.rows.len() < BATCH_ROWS {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => {
                    let line = rec.position().map_or(0, |p| p.line() + line_fix);
                    batch.push(&rec, line);
                }
                Ok(false) => break,
                Err(e) => match e.kind() {
                    csv::ErrorKind::Io(_) => {
                        failed = Some(e.to_string());
                        break;
                    }
                    _ => {
                        let line = e.position().map_or(0, |p| p.line() + line_fix);
                        batch.bad.push((line, e.to_string()));
                    }
                },
            }
        }
        (!batch.rows.is_empty() || !batch.bad.is_empty()).then_some(batch)
    });
    super::in_parallel(batches, ctx, make, |batch, c| {
        for &(line, first, n) in &batch.rows {
            row.handle(line, n, |i| batch.field(first + i), c);
        }
        for (line, why) in batch.bad {
            c.reject(line, Reason::FieldCount, why, String::new());
        }
    });
    match failed {
        Some(e) => Err(io::Error::other(e)),
        None => Ok(()),
    }
}

/// Rows read per batch handed to a worker.
const BATCH_ROWS: usize = 8192;

/// Rows in one flat buffer: a few allocations per batch, not per row.
#[derive(Default)]
struct Batch {
    data: Vec<u8>,
    /// End offset of each field in `data`.
    ends: Vec<usize>,
    /// (line, first field, number of fields) of each row.
    rows: Vec<(u64, usize, usize)>,
    /// Rows the CSV reader could not split, with line and reason.
    bad: Vec<(u64, String)>,
}

impl Batch {
    fn push(&mut self, rec: &ByteRecord, line: u64) {
        self.rows.push((line, self.ends.len(), rec.len()));
        for f in rec {
            self.data.extend_from_slice(f);
            self.ends.push(self.data.len());
        }
    }

    fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.data[start..self.ends[i]]
    }
}

/// How one row becomes a record.
#[derive(Clone, Copy)]
struct Row<'w> {
    width: usize,
    wanted: &'w [(usize, Field)],
}

impl Row<'_> {
    /// One row of `n` fields, `field(i)` giving each.
    fn handle<'r, S: Sink>(
        &self,
        line: u64,
        n: usize,
        field: impl Fn(usize) -> &'r [u8],
        ctx: &mut FileCtx<'_, S>,
    ) {
        let text = || {
            (0..n)
                .map(|i| String::from_utf8_lossy(field(i)).into_owned())
                .collect::<Vec<_>>()
                .join(",")
        };
        if n != self.width {
            ctx.reject(
                line,
                Reason::FieldCount,
                format!("{n} fields for {} columns", self.width),
                text(),
            );
            return;
        }
        // A wholly blank row is not a record.
        if (0..n).all(|i| field(i).trim_ascii().is_empty()) {
            return;
        }
        let mut raw = Raw::default();
        for &(i, f) in self.wanted {
            let v = field(i);
            let v = match std::str::from_utf8(v) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(v),
            };
            raw.set(f, Val::Str(v));
        }
        ctx.emit(&raw, line, text);
    }
}
