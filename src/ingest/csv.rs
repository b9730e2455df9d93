//! Portal "Export to CSV" files: header suffixes ` [UTC]` / ` [Local Time]`, RFC-4180 quoting,
//! CRLF, locale datetimes whose day/month order is inferred from the file's own values.

use std::io;

use csv::{ByteRecord, ReaderBuilder};

use super::{FileCtx, Input, Sink};
use crate::config::IngestSettings;
use crate::normalize::{
    key_role, order_evidence, strip_header_suffix, Context, DateOrder, Field, KeyRole, Raw, Reason,
    Val,
};

/// Rows looked at, at most, to infer the day/month order before reading on.
const ORDER_LOOKAHEAD: usize = 10_000;

fn row_text(rec: &ByteRecord) -> String {
    rec.iter()
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn read<S: Sink>(
    input: Input,
    ctx: &mut FileCtx<'_, S>,
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
    let handle = |rec: &ByteRecord, ctx: &mut FileCtx<'_, S>| {
        let line = rec.position().map_or(0, |p| p.line() + line_fix);
        if rec.len() != width {
            ctx.reject(
                line,
                Reason::FieldCount,
                format!("{} fields for {} columns", rec.len(), width),
                row_text(rec),
            );
            return;
        }
        let mut raw = Raw::default();
        for (f, v) in fields.iter().zip(rec.iter()) {
            if let Some(f) = f {
                raw.set(*f, Val::Str(String::from_utf8_lossy(v)));
            }
        }
        // A wholly blank row is not a record.
        if rec.iter().all(|v| v.trim_ascii().is_empty()) {
            return;
        }
        ctx.emit(raw, line, || row_text(rec));
    };
    for rec in &pending {
        handle(rec, ctx);
    }
    drop(pending);
    let mut rec = ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => handle(&rec, ctx),
            Ok(false) => break,
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(_) => return Err(io::Error::other(e.to_string())),
                _ => {
                    let line = e.position().map_or(0, |p| p.line() + line_fix);
                    ctx.reject(line, Reason::FieldCount, e.to_string(), String::new());
                }
            },
        }
    }
    Ok(())
}
