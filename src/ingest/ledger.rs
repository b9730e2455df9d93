//! Line numbers of a file whose pieces are counted by the workers that parse them, in any
//! order: a piece's rejects are held until the lines before it are known.

use std::io;
use std::sync::{Arc, Mutex};

use super::{FileCtx, Sink};
use crate::record::{At, Reason, Reject, MAX_REJECT_ROWS};

/// Where a piece starts: the lines before it, or, for JSON Lines (whose reader does not count
/// newlines: that would be a pass over every byte in the one thread that reads), its place in
/// the file's [`Ledger`], which knows the lines before it once every piece before it is parsed.
#[derive(Clone)]
pub(super) enum Start {
    Line(u64),
    Seq(Arc<Ledger>, u64),
}

/// The lines of each piece of a file, as the workers count them (in any order), and so the
/// lines before each piece once the pieces before it are all counted.
pub(super) struct Ledger(Mutex<Counted>);

impl Default for Ledger {
    fn default() -> Ledger {
        Ledger(Mutex::new(Counted {
            before: vec![0],
            waiting: Default::default(),
        }))
    }
}

struct Counted {
    /// Lines before piece `k`, for the pieces up to the first one not yet counted.
    before: Vec<u64>,
    /// Lines of pieces counted while one before them is not.
    waiting: std::collections::BTreeMap<u64, u64>,
}

impl Ledger {
    /// Piece `seq` holds `lines` lines.
    pub(super) fn counted(&self, seq: u64, lines: u64) {
        let Ok(mut c) = self.0.lock() else { return };
        c.waiting.insert(seq, lines);
        loop {
            let next = c.before.len() as u64 - 1;
            let Some(n) = c.waiting.remove(&next) else {
                break;
            };
            let last = c.before[next as usize];
            c.before.push(last + n);
        }
    }

    /// The lines before piece `seq`, once known.
    pub(super) fn before(&self, seq: u64) -> Option<u64> {
        let c = self.0.lock().ok()?;
        c.before.get(seq as usize).copied()
    }
}

fn read_failed(lines_before: u64, error: &dyn std::fmt::Display) -> String {
    format!("read failed after line {lines_before}: {error}")
}

/// Rejects a read error that ended the input at `start`, saying the line it follows.
pub(super) fn read_error<S: Sink>(start: Start, error: &io::Error, ctx: &mut FileCtx<'_, S>) {
    from(start, ctx, |before, c| {
        read_error_after(before, error, c);
        0
    });
}

/// Rejects a read error `lines` lines into the piece being parsed (into the file, when the
/// piece knows its first line), saying the line it follows.
pub(super) fn read_error_after<S: Sink>(lines: u64, error: &io::Error, ctx: &mut FileCtx<'_, S>) {
    ctx.counts.rejected += 1;
    let rej = Reject::new(
        ctx.name.clone(),
        At::line(lines + 1),
        Reason::Unreadable,
        &error.to_string(),
        "",
    );
    if let Some(Item::ReadError(mut rej)) = ctx.parked.hold(Item::ReadError(rej)) {
        rej.set_detail(&read_failed(lines, error));
        ctx.sink.reject(rej);
    }
}

/// Runs `f` on a piece with the lines before it (0 when not known yet: the rejects it makes
/// are then held until they are), and counts the lines `f` says the piece holds.
pub(super) fn from<S: Sink>(
    start: Start,
    ctx: &mut FileCtx<'_, S>,
    f: impl FnOnce(u64, &mut FileCtx<'_, S>) -> u64,
) {
    match start {
        Start::Line(n) => {
            f(n, ctx);
        }
        Start::Seq(ledger, seq) => {
            ctx.parked.open = Some((ledger.clone(), seq));
            ctx.parked.piece = Piece::default();
            let lines = f(0, ctx);
            ctx.parked.open = None;
            ledger.counted(seq, lines);
            ctx.release_parked();
        }
    }
}

/// Rejects (and warnings that name a line) held until the lines before their piece are known
/// (see [`Start::Seq`]).
#[derive(Default)]
pub(crate) struct Parked {
    /// The piece being parsed, when the lines before it are not known yet.
    open: Option<(Arc<Ledger>, u64)>,
    /// The rejects held of the piece being parsed.
    piece: Piece,
    held: Vec<Held>,
}

/// The rejects held of one piece: how many, and the place of the last.
#[derive(Default)]
struct Piece {
    held: usize,
    last: (u64, Option<u64>),
}

/// What became of a reject given to [`Parked::hold_reject`].
pub(super) enum Holding {
    /// Held until its line is known.
    Held,
    /// Given back: its line is known.
    Given(Reject),
    /// Only to be counted: as many rejects before it in its piece are held as are kept in all
    /// (the first by file and line), so its row cannot be one of them.
    NotKept(Reason),
}

struct Held {
    ledger: Arc<Ledger>,
    seq: u64,
    /// Its line counted from the start of its piece.
    item: Item,
}

enum Item {
    Reject(Reject),
    /// A read error: its detail says the line before it.
    ReadError(Reject),
    /// A warning: the text before the line's number, the number, the text after it.
    Warning(String, u64, &'static str),
}

/// What was held, now that its line is known.
pub(crate) enum Placed {
    Reject(Reject),
    Warning(String),
}

impl Held {
    /// What was held, `before` lines into the file.
    fn placed(self, before: u64) -> Placed {
        let at = |line: u64| if line > 0 { line + before } else { 0 };
        match self.item {
            Item::Reject(mut rej) => {
                rej.line = at(rej.line);
                Placed::Reject(rej)
            }
            Item::ReadError(mut rej) => {
                rej.line = at(rej.line);
                let detail = read_failed(rej.line - 1, &rej.detail());
                rej.set_detail(&detail);
                Placed::Reject(rej)
            }
            Item::Warning(head, line, tail) => Placed::Warning(format!("{head}{}{tail}", at(line))),
        }
    }
}

impl Parked {
    /// Holds `item` when the piece being parsed does not know its first line; else gives it
    /// back.
    fn hold(&mut self, item: Item) -> Option<Item> {
        match &self.open {
            Some((ledger, seq)) => {
                let (ledger, seq) = (ledger.clone(), *seq);
                self.held.push(Held { ledger, seq, item });
                None
            }
            None => Some(item),
        }
    }

    /// Holds `rej` when the piece being parsed does not know its first line; else gives it
    /// back. A piece holds at most as many rejects as are kept in all: one whose rows all fail
    /// would otherwise hold them all, each worker one piece, until the pieces before are read.
    pub(super) fn hold_reject(&mut self, rej: Reject) -> Holding {
        if self.open.is_none() {
            return Holding::Given(rej);
        }
        let at = (rej.line, rej.record);
        // A later place in the same file, after as many held: not among the first kept. A
        // reject without a line (0) sorts first, and is always held.
        if self.piece.held >= MAX_REJECT_ROWS && rej.line > 0 && at > self.piece.last {
            return Holding::NotKept(rej.reason);
        }
        self.piece.held += 1;
        self.piece.last = self.piece.last.max(at);
        match self.hold(Item::Reject(rej)) {
            Some(Item::Reject(rej)) => Holding::Given(rej),
            _ => Holding::Held,
        }
    }

    /// Holds a warning about `line` (`head`, the line's number, `tail`) when the piece being
    /// parsed does not know its first line; else gives its text.
    pub(super) fn hold_warning(
        &mut self,
        head: String,
        line: u64,
        tail: &'static str,
    ) -> Option<String> {
        match self.hold(Item::Warning(head, line, tail)) {
            Some(Item::Warning(head, line, tail)) => Some(format!("{head}{line}{tail}")),
            _ => None,
        }
    }

    /// What was held whose lines are now known, with them.
    pub(super) fn ready(&mut self) -> Vec<Placed> {
        let mut out = Vec::new();
        for h in std::mem::take(&mut self.held) {
            match h.ledger.before(h.seq) {
                Some(before) => out.push(h.placed(before)),
                None => self.held.push(h),
            }
        }
        out
    }

    /// Everything held, when every piece of the file is counted.
    pub(super) fn all(self) -> impl Iterator<Item = Placed> {
        self.held.into_iter().map(|h| {
            let before = h.ledger.before(h.seq).unwrap_or(0);
            h.placed(before)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rej(line: u64, record: Option<u64>) -> Reject {
        Reject::new(
            "f.jsonl".into(),
            At { line, record },
            Reason::NotJson,
            "",
            "",
        )
    }

    #[test]
    fn a_piece_holds_no_more_rejects_than_are_kept() {
        let ledger = Arc::new(Ledger::default());
        let mut parked = Parked::default();
        // The first piece knows its lines: nothing is held.
        assert!(matches!(
            parked.hold_reject(rej(1, None)),
            Holding::Given(_)
        ));
        parked.open = Some((ledger.clone(), 1));
        for line in 1..=MAX_REJECT_ROWS as u64 {
            assert!(matches!(parked.hold_reject(rej(line, None)), Holding::Held));
        }
        // Later in the piece: counted only.
        let last = MAX_REJECT_ROWS as u64;
        for at in [(last + 1, None), (last, Some(1)), (last + 9, Some(3))] {
            let got = parked.hold_reject(rej(at.0, at.1));
            assert!(matches!(got, Holding::NotKept(Reason::NotJson)), "{at:?}");
        }
        // Not after every one held (a tie, an earlier line), or without a line: held.
        for at in [(last, None), (7, None), (0, None)] {
            assert!(
                matches!(parked.hold_reject(rej(at.0, at.1)), Holding::Held),
                "{at:?}"
            );
        }
        // A new piece holds its own.
        parked.open = Some((ledger.clone(), 2));
        parked.piece = Piece::default();
        assert!(matches!(parked.hold_reject(rej(1, None)), Holding::Held));
        // Once the lines before the first held piece are known, its rejects are placed.
        ledger.counted(0, 10);
        let placed = parked.ready();
        assert_eq!(placed.len(), MAX_REJECT_ROWS + 3);
        assert!(placed
            .iter()
            .any(|p| matches!(p, Placed::Reject(r) if r.line == 17)));
    }
}
