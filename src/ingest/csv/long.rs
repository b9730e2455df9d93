//! The blocks of a CSV file read in order, with a row whose quoted field stays open for a whole
//! block followed here to where it ends, a chunk at a time, never held whole.
//!
//! A block is cut at its last newline outside quotes; a whole block ([`BLOCK`], the cap on a
//! record) without one ends after its first line (see `last_row_end_by`). That is right for a
//! quote left open in a damaged row when the next line is a row again, and was a reject per
//! line for the rest: a message over the cap that spans lines (5 million lines of one field,
//! 5 million rejects), or the lines of a file cut inside a quoted field. Such a row is read on
//! here, with the quotes counted and each line it takes in tested as the rows of a block are
//! ([`super::swallow::swallows_next_row`]'s two tests), up to the first of:
//! - a newline outside quotes: the field closed, and the row is one `record too large` reject
//!   (as a field over the cap without newlines is); reading goes on after it;
//! - a line that is the next row (it starts as the row does and reads as one, or it is the
//!   row's second line and reads as a record): the quote was left open, and the row is one
//!   `unclosed quote` reject, whatever the lines it took in before that one; reading goes on at
//!   that line;
//! - the end of the input (a file cut short inside the field, or a stray quote with no row
//!   after it that the tests know): one `unclosed quote` reject, and a warning that says how
//!   many lines the field took in, so that the rest of the file is not lost without a word.
//!
//! So a field that never closes costs one reject, whatever it takes in, and the rows after it
//! count from the first line that reads as the next row.
//!
//! A row whose first line is itself over the cap (a whole block without a newline) is read to
//! that line's newline, its quotes followed as the csv crate reads them ([`Quoting`]): outside
//! a quoted field there, it is one `record too large` reject, and reading goes on after it; a
//! field still open is followed on as above, and closing (`...AAAA\nmore text",400,...`) the
//! row is still one `record too large` reject (it had been two, rev66b F4: the line skipped to
//! its newline, and the field's end read as a row, a `wrong field count` or `unclosed quote`).
//! One that takes in no line after it (the next is a row, or the input ends) is `record too
//! large` too.

use std::io::{self, Read};

use super::super::blocks::{self, ArrayAt, Blocks, Piece, Prefixed, Rest, BLOCK};
use super::super::ledger::Start;
use super::super::{FileCtx, Sink, MAX_RECORD_BYTES};
use super::cut::row_end_cut;
use super::row::Row;
use super::swallow::{is_a_record, row_like, ROW_START};
use crate::normalize::Reason;
use crate::time::TimeRules;

/// Bytes read at a time while a row is followed.
const CHUNK: usize = 64 << 10;

/// What [`CsvBlocks`] hands on: a piece of the file, or a row whose quote never closes.
pub(super) enum Item {
    Piece(Piece),
    /// The row at `line` (1-based), whose quote does not close before `until`; `head` its first
    /// line (a part of it).
    Unclosed {
        line: u64,
        head: Vec<u8>,
        until: Until,
    },
}

/// Where a quote left open stops taking in lines.
pub(super) enum Until {
    /// At the next row, this line.
    Row(u64),
    /// At the end of the input, after this many lines.
    End(u64),
}

/// How a row followed past a whole block ends.
enum End {
    /// A newline outside quotes.
    Closed,
    /// A line that is the next row.
    Row,
    /// The end of the input, inside the field.
    Input,
}

/// The blocks of a CSV file after its header, the rows of the file being read by `row`.
pub(super) struct CsvBlocks<'r> {
    /// `None` once a followed row ran to the end of the input.
    blocks: Option<Blocks>,
    /// The lines before what `blocks` reads (past the rows followed).
    before: u64,
    row: Row<'r>,
    rules: TimeRules,
}

impl<'r> CsvBlocks<'r> {
    pub(super) fn new(blocks: Blocks, row: Row<'r>, rules: TimeRules) -> Self {
        CsvBlocks {
            blocks: Some(blocks.leave_long_lines()),
            before: 0,
            row,
            rules,
        }
    }

    /// Follows the row that starts with the line `first` (a whole block had no newline outside
    /// quotes after it) through `rest`, the input after that line, `quoting` the state of its
    /// quotes there; reading goes on where it ends. With `in_first`, `rest` is the row's first
    /// line itself and the input after it (a line over the cap, of which `first` is the start):
    /// it is read to its newline, which ends the row unless a quoted field is open there (and so
    /// does the end of the input in it). Returns how it ends and the lines after the first that
    /// it took.
    fn follow(
        &mut self,
        first: &[u8],
        mut rest: Rest,
        mut quoting: Quoting,
        mut in_first: bool,
    ) -> io::Result<(End, u64)> {
        let start: Option<&[u8; ROW_START]> =
            first.get(..ROW_START).and_then(|s| s.try_into().ok());
        // Whether a line is the next row: the two tests of `swallows_next_row`.
        let (row, rules) = (self.row, self.rules);
        let next_row = |l: &[u8], second: bool| {
            start.is_some_and(|s| l.starts_with(s) && row_like(l, row.delim, row.width, row.crlf))
                || second && is_a_record(l, &row, &rules)
        };
        let mut buf = vec![0; CHUNK];
        // The line being read, as long as it may be the next row (it is the second, or starts as
        // the row does) and may be a row (no longer than a record).
        let mut line = Vec::new();
        let mut keep = !in_first;
        // Bytes of the line being read are past.
        let mut in_line = false;
        let mut lines = 0;
        loop {
            let n = loop {
                match rest.read(&mut buf) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if n == 0 {
                // The input ends, maybe inside a last line without a newline.
                let end = if in_line && keep && next_row(&line, lines == 0) {
                    self.resume(line, Vec::new(), rest);
                    End::Row
                } else if in_first || !quoting.open() {
                    self.resume(Vec::new(), Vec::new(), rest);
                    End::Closed
                } else {
                    self.blocks = None;
                    End::Input
                };
                return Ok((end, lines));
            }
            let mut p = 0;
            while p < n {
                let nl = memchr::memchr(b'\n', &buf[p..n]);
                let end = nl.map_or(n, |k| p + k + 1);
                let seg = &buf[p..end];
                in_line = true;
                if keep {
                    line.extend_from_slice(seg);
                    let may_start = |s: &[u8; ROW_START]| match line.len() < ROW_START {
                        true => s.starts_with(&line),
                        false => line.starts_with(s),
                    };
                    keep = line.len() <= MAX_RECORD_BYTES
                        && (lines == 0 || start.is_some_and(may_start));
                    if !keep {
                        line = Vec::new();
                    }
                }
                if nl.is_none() {
                    quoting.read(seg);
                    p = end;
                    continue;
                }
                // A whole line, that starts inside the field (or the first, over the cap).
                if keep && next_row(&line, lines == 0) {
                    self.resume(line, buf[end..n].to_vec(), rest);
                    return Ok((End::Row, lines));
                }
                quoting.read(seg);
                lines += u64::from(!in_first);
                in_first = false;
                if !quoting.open() {
                    self.resume(Vec::new(), buf[end..n].to_vec(), rest);
                    return Ok((End::Closed, lines));
                }
                line.clear();
                keep = true;
                in_line = false;
                p = end;
            }
        }
    }

    /// Goes on with blocks of `line`, `read` (the bytes read past it) and what is left of
    /// `rest`.
    fn resume(&mut self, mut line: Vec<u8>, read: Vec<u8>, rest: Rest) {
        let (left, input) = rest.into_inner();
        line.extend_from_slice(&read);
        let at = left.position() as usize;
        line.extend_from_slice(&left.get_ref()[at.min(left.get_ref().len())..]);
        let r = Prefixed::new(line, 0, input);
        self.blocks = Some(Blocks::prefixed(r, row_end_cut(self.row.delim)).leave_long_lines());
    }
}

/// Whether a block `b`, with `pending` bytes read past its cut, ends after the first line of a
/// row whose quoted field stays open for a whole block: the block and what was read past it
/// are a whole block, it holds one line, and that line ends inside a quoted field as the csv
/// crate reads it (a cut elsewhere is outside one); the state of its quotes if so. Looked at
/// in that order: a block of rows is told by its first newline.
fn open_past_a_block(b: &[u8], pending: usize, delim: u8) -> Option<Quoting> {
    let one_line = b.len() + pending == BLOCK
        && b.len() > 1
        && memchr::memchr(b'\n', &b[..b.len() - 1]).is_none();
    if !one_line {
        return None;
    }
    let mut quoting = Quoting::new(delim);
    quoting.read(b);
    quoting.open().then_some(quoting)
}

/// Where the quotes read so far of a row leave it, read as the csv crate reads them (the rule
/// of `last_row_end_by`, where blocks are cut): a quote that starts a field (at a line's start
/// or after a delimiter) opens it, one inside a quoted field closes it unless doubled (`""`),
/// and any other quote is text (`a 5" screen`, `"a"b"`). Read a part at a time: a `""` or a
/// quote's line start may straddle two parts.
#[derive(Clone, Copy)]
pub(super) struct Quoting {
    delim: u8,
    /// Inside a quoted field.
    inside: bool,
    /// Inside one, the last byte read is a quote: it closes the field unless the next is one.
    quote_last: bool,
    /// The last byte read (a newline before the row's first).
    last: u8,
}

impl Quoting {
    /// At a row's start.
    pub(super) fn new(delim: u8) -> Quoting {
        Quoting {
            delim,
            inside: false,
            quote_last: false,
            last: b'\n',
        }
    }

    /// Reads the next bytes of the row.
    pub(super) fn read(&mut self, b: &[u8]) {
        let Some(&last) = b.last() else {
            return;
        };
        let mut i = 0;
        if self.quote_last {
            self.quote_last = false;
            match b[0] {
                b'"' => i = 1,
                _ => self.inside = false,
            }
        }
        while let Some(q) = memchr::memchr(b'"', &b[i..]).map(|k| i + k) {
            i = q + 1;
            if self.inside {
                match b.get(q + 1) {
                    None => self.quote_last = true,
                    Some(b'"') => i = q + 2,
                    Some(_) => self.inside = false,
                }
            } else {
                let before = if q == 0 { self.last } else { b[q - 1] };
                self.inside = before == self.delim || before == b'\n';
            }
        }
        self.last = last;
    }

    /// Whether the bytes read end inside a quoted field.
    pub(super) fn open(&self) -> bool {
        self.inside && !self.quote_last
    }

    /// As a number, odd when [`Quoting::open`]; 0 at a row's start.
    fn state(self) -> u64 {
        u64::from(self.open())
            | u64::from(self.inside) << 1
            | u64::from(self.quote_last) << 2
            | 1 << 3
            | u64::from(self.last) << 8
    }

    /// Of [`Quoting::state`]'s number.
    fn of_state(delim: u8, state: u64) -> Quoting {
        match state {
            0 => Quoting::new(delim),
            s => Quoting {
                delim,
                inside: s & 2 != 0,
                quote_last: s & 4 != 0,
                last: (s >> 8) as u8,
            },
        }
    }
}

/// How the ranges follow the quotes of a line over the cap in a file whose delimiter is
/// `delim` (`ranges::Framing::long_line`): as [`Quoting`] does, for the three delimiters a
/// header is read by; for another (`sep=|`), such a line is taken for open, and the file read
/// in order.
pub(super) fn line_quotes(delim: u8) -> fn(u64, &[u8]) -> u64 {
    fn follow<const DELIM: u8>(state: u64, b: &[u8]) -> u64 {
        let mut quoting = Quoting::of_state(DELIM, state);
        quoting.read(b);
        quoting.state()
    }
    match delim {
        b',' => follow::<b','>,
        b';' => follow::<b';'>,
        b'\t' => follow::<b'\t'>,
        _ => |_, _| 1,
    }
}

/// A piece read `by` lines into the file from where its blocks started.
fn shifted(mut piece: Piece, by: u64) -> Piece {
    let (Piece::Block { first_line: at, .. }
    | Piece::TooLarge { line: at, .. }
    | Piece::Long { line: at, .. }
    | Piece::Damaged { line: at, .. }
    | Piece::Error { line: at, .. }) = &mut piece;
    if let Start::Line(n) = at {
        *n += by;
    }
    piece
}

impl blocks::Ordered for CsvBlocks<'_> {
    /// Whether the input is read to its end, nothing left over.
    fn finished(&self) -> bool {
        self.blocks.as_ref().is_none_or(Blocks::finished)
    }
}

impl Iterator for CsvBlocks<'_> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let blocks = self.blocks.as_mut()?;
        let piece = shifted(blocks.next()?, self.before);
        let pending = blocks.pending().len();
        let open = match &piece {
            Piece::Block {
                data, start, len, ..
            } => open_past_a_block(&data[*start..*len], pending, self.row.delim),
            _ => None,
        };
        match (piece, open) {
            (
                Piece::Block {
                    data,
                    start,
                    len,
                    first_line: Start::Line(n),
                    ..
                },
                Some(quoting),
            ) => {
                let item = self.past_a_block(Followed::Open(&data[start..len], quoting), n);
                blocks::give_buffer(data);
                Some(item)
            }
            (
                Piece::Long {
                    line: Start::Line(n),
                    head,
                },
                _,
            ) => Some(self.past_a_block(Followed::Long(&head), n)),
            (piece, _) => Some(Item::Piece(piece)),
        }
    }
}

/// The first line of a row followed past a whole block ([`CsvBlocks::past_a_block`]).
enum Followed<'a> {
    /// Read whole, a quoted field open at its end, in this state.
    Open(&'a [u8], Quoting),
    /// Over the cap, this its start: the blocks' rest starts with it.
    Long(&'a [u8]),
}

impl CsvBlocks<'_> {
    /// The row whose first line, `n` lines into the file, is `first`, followed to its end
    /// ([`CsvBlocks::follow`]): one reject. A line over the cap that no quote keeps open past
    /// its newline, or that takes in no line after it, is one `record too large` reject.
    fn past_a_block(&mut self, first: Followed<'_>, n: u64) -> Item {
        let rest = self.blocks.take().expect("being read").rest();
        let (first, followed, long) = match first {
            Followed::Open(first, quoting) => {
                (first, self.follow(first, rest, quoting, false), false)
            }
            Followed::Long(head) => {
                let quoting = Quoting::new(self.row.delim);
                (head, self.follow(head, rest, quoting, true), true)
            }
        };
        let head = first[..first.len().min(1024)].to_vec();
        self.before = n + 1;
        let too_large = Item::Piece(Piece::TooLarge {
            line: Start::Line(n),
            head: head.clone(),
        });
        match followed {
            Ok((End::Closed, lines)) => {
                self.before += lines;
                too_large
            }
            Ok((End::Row | End::Input, 0)) if long => too_large,
            Ok((End::Row, lines)) => {
                self.before += lines;
                let until = Until::Row(self.before + 1);
                Item::Unclosed {
                    line: n + 1,
                    head,
                    until,
                }
            }
            Ok((End::Input, lines)) => Item::Unclosed {
                line: n + 1,
                head,
                until: Until::End(lines),
            },
            Err(error) => {
                self.blocks = None;
                Item::Piece(Piece::Error {
                    line: Start::Line(n),
                    error,
                })
            }
        }
    }
}

/// Hands an item to `body` (a piece: see [`blocks::process`]), or rejects a row whose quote
/// never closes.
pub(super) fn process<S: Sink>(
    item: Item,
    ctx: &mut FileCtx<'_, S>,
    body: impl FnOnce(&[u8], u64, bool, ArrayAt, &mut FileCtx<'_, S>) -> u64,
) {
    let (line, head, until) = match item {
        Item::Piece(piece) => return blocks::process(piece, ctx, body),
        Item::Unclosed { line, head, until } => (line, head, until),
    };
    let text = String::from_utf8_lossy(head.trim_ascii_end()).into_owned();
    let why = match until {
        Until::Row(next) if next == line + 1 => {
            "a quoted field does not close before the next row".to_string()
        }
        Until::Row(next) => {
            format!("a quoted field does not close before the next row, at line {next}")
        }
        Until::End(lines) => {
            let w = format!(
                "{}: a quoted field opened at line {line} does not close before the end of the file (cut short?): the {lines} lines after it are part of that one reject",
                ctx.name
            );
            ctx.warn(w);
            "a quoted field does not close before the end of the file".to_string()
        }
    };
    ctx.reject(line, Reason::UnclosedQuote, why, text);
}
