//! Portal "Export to CSV" files: header suffixes ` [UTC]` / ` [Local Time]`, RFC-4180 quoting,
//! CRLF, locale datetimes whose day/month order is inferred from the file's own values.

use std::io;

use std::borrow::Cow;

use csv::{ByteRecord, ReaderBuilder};

use super::blocks::{self, Blocks, Piece, Pool};
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
    let pool = Pool::default();
    let mut blocks = Blocks::new(input, pool.clone(), last_unquoted_newline);
    let Some(first) = blocks.next() else {
        return Ok(());
    };
    let Piece::Block {
        data,
        start: 0,
        len,
        first_line: 0,
        unterminated,
    } = first
    else {
        // The first block failed to read, or holds no whole row: report it.
        blocks::process(first, ctx, &pool, |_, _, _, _| {});
        return Ok(());
    };

    let mut rdr = reader(&data[..len]);
    let mut headers = ByteRecord::new();
    rdr.read_byte_record(&mut headers)
        .map_err(io::Error::other)?;
    let header_end = rdr.position().byte() as usize;
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

    // Look ahead, in the first block, for a value that tells the day/month order.
    let time_col = fields.iter().position(|f| *f == Some(Field::Time));
    if ctx.rules.order.is_none() {
        let mut seen_locale = false;
        let mut found = None;
        let mut rec = ByteRecord::new();
        for _ in 0..ORDER_LOOKAHEAD {
            if !rdr.read_byte_record(&mut rec).unwrap_or(false) {
                break;
            }
            if let Some(v) = time_col.and_then(|c| rec.get(c)) {
                let v = String::from_utf8_lossy(v);
                match order_evidence(&v) {
                    Some(DateOrder::Ymd) => {}
                    Some(o) => {
                        found = Some(o);
                        break;
                    }
                    None => seen_locale |= v.contains('/'),
                }
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
    drop(rdr);

    // Wanted columns only: (position, field).
    let wanted: Vec<(usize, Field)> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.map(|f| (i, f)))
        .collect();
    let row = Row {
        width: headers.len(),
        wanted: &wanted,
    };
    // Rows after the header, then every further block, parsed in parallel.
    let header_lines = blocks::newlines(&data[..header_end]);
    let rest = Piece::Block {
        data,
        start: header_end,
        len,
        first_line: header_lines,
        unterminated,
    };
    let body = |b: &[u8], first_line: u64, _: bool, c: &mut FileCtx<'_, S>| {
        rows(b, first_line + line_fix, &row, c);
    };
    super::in_parallel(
        std::iter::once(rest).chain(blocks),
        ctx,
        make,
        |piece, c| blocks::process(piece, c, &pool, body),
    );
    Ok(())
}

/// A CSV reader of one block: quoting as RFC 4180, rows of any width.
fn reader(b: &[u8]) -> csv::Reader<&[u8]> {
    ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(b)
}

/// The rows of one block, `first_line` lines into the file.
fn rows<S: Sink>(b: &[u8], first_line: u64, row: &Row<'_>, ctx: &mut FileCtx<'_, S>) {
    let mut rdr = reader(b);
    let mut rec = ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {
                let line = first_line + rec.position().map_or(1, |p| p.line());
                row.handle(line, rec.len(), |i| &rec[i], ctx);
            }
            Ok(false) => break,
            Err(e) => {
                let line = first_line + e.position().map_or(1, |p| p.line());
                ctx.reject(line, Reason::FieldCount, e.to_string(), String::new());
            }
        }
    }
}

/// The last newline outside quotes in a block that starts outside quotes. In RFC 4180 CSV a
/// quote only opens or closes a quoted field (`""` inside one is two), so a newline is
/// outside quotes when the quotes before it are even in number.
fn last_unquoted_newline(b: &[u8]) -> Option<(usize, u64)> {
    let count = |s: &[u8]| memchr::memchr_iter(b'"', s).count();
    let mut quotes = count(b);
    let mut end = b.len();
    loop {
        let p = memchr::memrchr(b'\n', &b[..end])?;
        quotes -= count(&b[p..end]);
        if quotes % 2 == 0 {
            return Some((p, blocks::newlines(&b[..=p])));
        }
        end = p;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_newlines_outside_quotes() {
        assert_eq!(last_unquoted_newline(b"a,b\nc,d\ne"), Some((7, 2)));
        assert_eq!(last_unquoted_newline(b"a,\"b\nc\"\nd,\"e\nf"), Some((7, 2)));
        assert_eq!(
            last_unquoted_newline(b"a,\"x\"\"\ny\"\n\"p\nq"),
            Some((9, 2))
        );
        assert_eq!(last_unquoted_newline(b"\"a\nb\nc"), None);
        assert_eq!(last_unquoted_newline(b"abc"), None);
    }
}
