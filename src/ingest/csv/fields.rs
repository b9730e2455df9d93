//! A CSV row split into its fields: [`split_row`] for the common case (valid UTF-8, each field
//! borrowed), one `csv_core` reader for the rows it does not take ([`OddRows`]), and the csv
//! crate's reader of a line or block ([`reader`]).

use csv::ReaderBuilder;

use super::super::stops::Stops;
use super::quotes::{line_end, quotes_balanced};

/// A CSV reader of one block: quoting as RFC 4180, rows of any width.
pub(super) fn reader(b: &[u8], delim: u8) -> csv::Reader<&[u8]> {
    ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .has_headers(false)
        .from_reader(b)
}

/// The rows [`split_row`] does not take (text in another encoding, quotes in odd places), read
/// by one `csv_core` reader kept for the block and reset for each row.
pub(super) struct OddRows {
    rdr: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
}

impl OddRows {
    pub(super) fn new(delim: u8) -> OddRows {
        OddRows {
            rdr: csv_core::ReaderBuilder::new().delimiter(delim).build(),
            out: vec![0; 1 << 12],
            ends: vec![0; 64],
            fields: 0,
        }
    }

    /// Reads the record at the start of `b`: whether there was one, and the bytes it took.
    pub(super) fn read(&mut self, b: &[u8]) -> (bool, usize) {
        use csv_core::ReadRecordResult as R;
        self.rdr.reset();
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let (res, i, o, e) =
                self.rdr
                    .read_record(&b[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            (nin, nout, nend) = (nin + i, nout + o, nend + e);
            match res {
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                // All of `b` taken: the next read, of nothing (the end to `csv_core`), ends the record.
                R::InputEmpty => {}
                R::Record => {
                    self.fields = nend;
                    return (true, nin);
                }
                R::End => return (false, nin),
            }
        }
    }

    /// The record at `b[p]` again, its line read with each lone CR a space, when the first
    /// reading ended at one: inside a line of a file whose lines end otherwise (a file of lone
    /// CRs is read as LFs), one is text. `None`, and the record as first read, when that does
    /// not read the line whole (the line is damaged as it is).
    #[inline(never)]
    pub(super) fn past_lone_cr(&mut self, b: &[u8], p: usize) -> Option<(bool, usize)> {
        let end = line_end(b, p);
        let line: Vec<u8> = (p..end)
            .map(|k| match b[k] {
                b'\r' if b.get(k + 1) != Some(&b'\n') => b' ',
                c => c,
            })
            .collect();
        if quotes_balanced(&line) {
            let (read, used) = self.read(&line);
            // To the line's end (its CRLF's CR, where the LF is taken after).
            if used == line.len() || line[used..] == *b"\n" {
                return Some((read, used));
            }
            self.read(&b[p..]);
        }
        None
    }

    pub(super) fn len(&self) -> usize {
        self.fields
    }

    pub(super) fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }
}

/// The fields of a row as [`split_row`] found them in a text, each borrowed from it, and those
/// quoted with `""` in them unescaped into strings of their own. Cleared, they free nothing:
/// the row's fields had been `Cow`s, each looked at for text to free at the next row.
pub(super) struct Fields<'t> {
    text: &'t str,
    /// Each field's text; one with `""` as it stands (quotes doubled), read from `owned`.
    cells: Vec<&'t str>,
    /// The fields with `""`, unescaped: (column, text).
    owned: Vec<(usize, String)>,
}

impl<'t> Fields<'t> {
    pub(super) fn new(text: &'t str, width: usize) -> Fields<'t> {
        Fields {
            text,
            cells: Vec::with_capacity(width),
            owned: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.cells.len()
    }

    /// Field `i`.
    #[inline]
    pub(super) fn get(&self, i: usize) -> &str {
        if self.owned.is_empty() {
            self.cells[i]
        } else {
            self.unescaped(i)
        }
    }

    #[cold]
    fn unescaped(&self, i: usize) -> &str {
        match self.owned.iter().find(|(k, _)| *k == i) {
            Some((_, text)) => text,
            None => self.cells[i],
        }
    }
}

/// The last of `cells`, a quoted field with `""` in it, unescaped into `owned`.
#[cold]
fn unescape(cells: &[&str], owned: &mut Vec<(usize, String)>) {
    let i = cells.len() - 1;
    owned.push((i, cells[i].replace("\"\"", "\"")));
}

/// Splits the row at byte `p` of the fields' text into `fields` as the csv crate would (RFC 4180
/// quoting, `""` in a quoted field, LF or CRLF ends); returns where the next row starts and the
/// newlines up to it. `None` for what this does not handle: a quote inside an unquoted field or
/// text after a closing quote, a lone CR, an empty line, a quoted field the text ends in.
///
/// The row's stop bytes (its delimiter, `"`, CR, LF) are taken one after another from the bits
/// of 64-byte windows ([`Stops`]): a field is the bytes between two of them, so an unquoted
/// field costs one bit's look, and a quoted one its quotes and the stops inside it.
pub(super) fn split_row(fields: &mut Fields<'_>, p: usize, delim: u8) -> Option<(usize, u64)> {
    // The text and the cells apart: pushing a cell had read the text's place and length from
    // `fields` again, and stored the cells' length, for each field.
    let text = fields.text;
    let b = text.as_bytes();
    let Fields { cells, owned, .. } = fields;
    cells.clear();
    if !owned.is_empty() {
        owned.clear();
    }
    if matches!(b.get(p), Some(b'\n' | b'\r')) {
        return None;
    }
    let mut stops = Stops::new(b, [delim, b'"', b'\n', b'\r'], p);
    let mut lines = 0;
    // Where the field being read starts.
    let mut start = p;
    loop {
        let Some(s) = stops.next() else {
            cells.push(&text[start..]);
            return Some((b.len(), lines));
        };
        let c = b[s];
        if c == delim {
            cells.push(&text[start..s]);
            start = s + 1;
            continue;
        }
        let after = match c {
            b'\n' => {
                cells.push(&text[start..s]);
                return Some((s + 1, lines + 1));
            }
            b'\r' => {
                cells.push(&text[start..s]);
                return (b.get(s + 1) == Some(&b'\n')).then_some((s + 2, lines + 1));
            }
            // A quote inside an unquoted field.
            _ if s != start => return None,
            // A quoted field: up to the quote that is not one of a `""`, past the stops inside.
            _ => {
                let mut escaped = false;
                let close = loop {
                    let q = stops.next()?;
                    match b[q] {
                        b'"' if b.get(q + 1) == Some(&b'"') => {
                            escaped = true;
                            // The second quote, the next stop.
                            stops.next();
                        }
                        b'"' => break q,
                        b'\n' => lines += 1,
                        _ => {}
                    }
                };
                cells.push(&text[s + 1..close]);
                if escaped {
                    unescape(cells, owned);
                }
                close + 1
            }
        };
        // After a closing quote: a delimiter (the next stop), a line end or the text's end.
        match b.get(after) {
            None => return Some((after, lines)),
            Some(&d) if d == delim => {
                stops.next();
                start = after + 1;
            }
            Some(b'\n') => return Some((after + 1, lines + 1)),
            Some(b'\r') if b.get(after + 1) == Some(&b'\n') => return Some((after + 2, lines + 1)),
            _ => return None,
        }
    }
}
