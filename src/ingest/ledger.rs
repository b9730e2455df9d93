//! Line numbers of a file whose pieces are counted by the workers that parse them, in any
//! order: a piece's rejects are held until the lines before it are known.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{FileCtx, Sink};
use crate::record::{At, Reason, Reject, MAX_REJECT_ROWS};

/// Where a piece starts: the lines before it, or, for JSON Lines read by blocks and any file
/// read by ranges (whose readers do not count newlines: that would be a pass over every byte
/// in the one thread that reads), its place in the file's [`Ledger`], which knows the lines
/// before it once every piece before it is parsed.
#[derive(Clone)]
pub(super) enum Start {
    Line(u64),
    Seq(Arc<Ledger>, u64),
}

/// The lines of each piece of a file, as the workers count them (in any order), and so the
/// lines before each piece once the pieces before it are all counted.
#[derive(Default)]
pub(super) struct Ledger {
    counted: Mutex<Counted>,
    /// How many pieces know the lines before them, once piece 0 is counted (before, only
    /// piece 0 does, which [`Ledger::before`] knows without asking): a worker asks without
    /// taking the lock.
    known: AtomicU64,
    /// The lines before the first piece not counted yet: at most the lines before any piece
    /// still being parsed.
    least: AtomicU64,
}

#[derive(Default)]
struct Counted {
    /// At `k`, the lines before piece `k + 1`: for the pieces after piece 0 (which has none
    /// before it) up to the first one not yet counted.
    before: Vec<u64>,
    /// Lines of pieces counted while one before them is not.
    waiting: std::collections::BTreeMap<u64, u64>,
    /// At `k`, the rejects piece `k` has made so far, as it says every [`SAY_REJECTS`].
    rejects: Vec<u64>,
}

/// How often a piece says how many rejects it has made (and learns how many the pieces
/// before it have): a lock taken per this many, not per reject.
const SAY_REJECTS: u64 = 1024;

impl Ledger {
    /// Piece `seq` holds `lines` lines.
    pub(super) fn counted(&self, seq: u64, lines: u64) {
        let Ok(mut c) = self.counted.lock() else {
            return;
        };
        c.waiting.insert(seq, lines);
        loop {
            let next = c.before.len() as u64;
            let Some(n) = c.waiting.remove(&next) else {
                break;
            };
            let last = c.before.last().copied().unwrap_or(0);
            c.before.push(last + n);
            self.least.store(last + n, Ordering::Release);
            self.known.store(next + 2, Ordering::Release);
        }
    }

    /// The lines before piece `seq`, once known.
    pub(super) fn before(&self, seq: u64) -> Option<u64> {
        if seq == 0 {
            return Some(0);
        }
        if self.known.load(Ordering::Acquire) <= seq {
            return None;
        }
        let c = self.counted.lock().ok()?;
        c.before.get(seq as usize - 1).copied()
    }

    /// Piece `seq` says it has made `rejects` rejects so far, and learns how many the pieces
    /// before it have said they made: at most how many they make in all (every one of which
    /// comes before any of this piece's rejects that has a line).
    fn say_rejects(&self, seq: u64, rejects: u64) -> u64 {
        let Ok(mut c) = self.counted.lock() else {
            return 0;
        };
        let seq = seq as usize;
        if c.rejects.len() <= seq {
            c.rejects.resize(seq + 1, 0);
        }
        c.rejects[seq] = rejects;
        c.rejects[..seq].iter().sum()
    }

    /// At most the lines before any piece not yet counted.
    fn least(&self) -> u64 {
        self.least.load(Ordering::Acquire)
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
    // One reject, but maybe most of the file: said where the run's warnings are.
    let head = format!("{}: unreadable ({error}) from line ", ctx.name);
    ctx.warn_at_line(head, lines + 1, "; the rest of it does not count");
    ctx.counts.rejected += 1;
    let rej = Reject::new(
        ctx.name.clone(),
        At::line(lines + 1),
        Reason::Unreadable,
        &error.to_string(),
        "",
    );
    ctx.learn_start();
    if let Some(Placed::Reject(rej)) = ctx.parked.hold(Item::ReadError(rej)) {
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
            ctx.parked.open = Some(Open {
                ledger: ledger.clone(),
                seq,
                before: None,
            });
            ctx.parked.piece = Piece {
                before: ledger.say_rejects(seq, 0),
                ..Piece::default()
            };
            let lines = f(0, ctx);
            ctx.parked.open = None;
            ledger.say_rejects(seq, ctx.parked.piece.rejects);
            ledger.counted(seq, lines);
            ctx.release_parked();
        }
    }
}

/// Rejects (and warnings that name a line) held until the lines before their piece are known
/// (see [`Start::Seq`]).
#[derive(Default)]
pub(crate) struct Parked {
    /// The piece being parsed, when it started without knowing the lines before it.
    open: Option<Open>,
    /// The rejects held of the piece being parsed.
    piece: Piece,
    held: Vec<Held>,
}

/// The rejects of one piece: how many it made, how many it holds and the place of the last,
/// and how many the pieces before it had said they made when it last asked (at most how many
/// they make in all).
#[derive(Default)]
struct Piece {
    rejects: u64,
    held: usize,
    last: (u64, Option<u64>),
    before: u64,
    /// Whether a reject was held at or before the place of one held before it: the held are
    /// then not in order, and none is dropped for its rank (see [`Parked::prune`]).
    unsorted: bool,
}

/// What became of a reject given to [`Parked::hold_reject`].
pub(super) enum Holding {
    /// Held until its line is known.
    Held,
    /// Given back: its line is known.
    Given(Reject),
    /// Only to be counted: the rejects the pieces before it said they made, with those before
    /// it in its piece that are held, are as many as are kept in all (the first by file and
    /// line), so its row cannot be one of them.
    NotKept(Reason),
}

/// A piece parsed from its own start: its place in its file's ledger, and the lines before it
/// once the pieces before it are counted (a piece behind none still being parsed learns them
/// while it is parsed, and holds nothing from then on).
struct Open {
    ledger: Arc<Ledger>,
    seq: u64,
    before: Option<u64>,
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

impl Item {
    /// What was held, `before` lines into the file.
    fn placed(self, before: u64) -> Placed {
        let at = |line: u64| if line > 0 { line + before } else { 0 };
        match self {
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
    /// Whether the piece being parsed has just learnt the lines before it: what was held may
    /// now be placed.
    pub(super) fn learn(&mut self) -> bool {
        match &mut self.open {
            Some(o) if o.before.is_none() => {
                o.before = o.ledger.before(o.seq);
                o.before.is_some()
            }
            _ => false,
        }
    }

    /// At most the line in the file of a line counted in the piece being parsed (0: none).
    pub(super) fn least_line(&self, line: u64) -> u64 {
        match &self.open {
            _ if line == 0 => 0,
            None => line,
            Some(o) => line + o.before.unwrap_or_else(|| o.ledger.least()),
        }
    }

    /// Holds `item` when the piece being parsed does not know the lines before it; else gives
    /// it back placed.
    fn hold(&mut self, item: Item) -> Option<Placed> {
        match &self.open {
            None => Some(item.placed(0)),
            Some(Open {
                before: Some(b), ..
            }) => Some(item.placed(*b)),
            Some(Open { ledger, seq, .. }) => {
                let (ledger, seq) = (ledger.clone(), *seq);
                self.held.push(Held { ledger, seq, item });
                None
            }
        }
    }

    /// Counts a reject of the piece being parsed. Every [`SAY_REJECTS`], it says how many to the
    /// ledger and learns how many the pieces before it made: once those fill the kept rows,
    /// it holds none of its own that has a line, and drops those it holds past the rows left
    /// (see [`Parked::prune`]), giving `dropped` the reason of each.
    pub(super) fn count_reject(&mut self, dropped: impl FnMut(Reason)) {
        if let Some(o) = &self.open {
            self.piece.rejects += 1;
            if self.piece.rejects.is_multiple_of(SAY_REJECTS) {
                self.piece.before = o.ledger.say_rejects(o.seq, self.piece.rejects);
                self.prune(dropped);
            }
        }
    }

    /// Drops the rejects with a line that the piece being parsed holds past the first
    /// `MAX_REJECT_ROWS - before` it holds, when it held them in order: each has as many
    /// rejects before it in the file as are kept in all, so its row cannot be one of them.
    /// Without this, each piece kept what it held when the pieces before it had made few
    /// rejects, and on 16 threads a file whose rows all fail held over twice the kept rows.
    /// Dropped only when a quarter of what it holds (and at least [`SAY_REJECTS`]) is to go,
    /// so that a piece walks what it holds a few times at most.
    fn prune(&mut self, mut dropped: impl FnMut(Reason)) {
        let Some(o) = self.open.as_ref().filter(|o| o.before.is_none()) else {
            return;
        };
        let keep = (MAX_REJECT_ROWS as u64).saturating_sub(self.piece.before) as usize;
        let held = self.piece.held;
        if self.piece.unsorted || held < keep + (held / 4).max(SAY_REJECTS as usize) {
            return;
        }
        // The piece's rejects met so far, and those still held.
        let (mut seen, mut left) = (0, 0);
        self.held.retain(|h| {
            let Item::Reject(rej) = &h.item else {
                return true;
            };
            if h.seq != o.seq || !Arc::ptr_eq(&h.ledger, &o.ledger) {
                return true;
            }
            seen += 1;
            if rej.line > 0 && seen > keep {
                dropped(rej.reason);
                return false;
            }
            left += 1;
            true
        });
        self.piece.held = left;
    }

    /// Whether the piece being parsed holds what it meets.
    fn holding(&self) -> bool {
        self.open.as_ref().is_some_and(|o| o.before.is_none())
    }

    /// Holds `rej` when the piece being parsed does not know its first line; else gives it
    /// back, placed. A piece holds at most as many rejects as are kept in all, less those the
    /// pieces before it are known to have made: one whose rows all fail would otherwise hold
    /// them all, each worker one piece, until the pieces before are read.
    pub(super) fn hold_reject(&mut self, rej: Reject) -> Holding {
        let at = (rej.line, rej.record);
        // After as many rejects of the pieces before and of this one held before its place:
        // not among the first kept. A reject without a line (0) sorts first, and is always
        // held.
        if self.holding() {
            let (before, held) = (self.piece.before, self.piece.held as u64);
            let max = MAX_REJECT_ROWS as u64;
            if rej.line > 0 && (before >= max || before + held >= max && at > self.piece.last) {
                return Holding::NotKept(rej.reason);
            }
            self.piece.unsorted |= self.piece.held > 0 && at <= self.piece.last;
            self.piece.held += 1;
            self.piece.last = self.piece.last.max(at);
        }
        match self.hold(Item::Reject(rej)) {
            Some(Placed::Reject(rej)) => Holding::Given(rej),
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
            Some(Placed::Warning(w)) => Some(w),
            _ => None,
        }
    }

    /// Hands `place` what was held whose lines are now known, with them.
    pub(super) fn release(&mut self, mut place: impl FnMut(Placed)) {
        for h in std::mem::take(&mut self.held) {
            match h.ledger.before(h.seq) {
                Some(before) => place(h.item.placed(before)),
                None => self.held.push(h),
            }
        }
    }

    /// Everything held, when every piece of the file is counted.
    pub(super) fn all(self) -> impl Iterator<Item = Placed> {
        self.held.into_iter().map(|h| {
            let before = h.ledger.before(h.seq).unwrap_or(0);
            h.item.placed(before)
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

    /// Piece `seq` starting, as `from` starts it.
    fn starting(ledger: &Arc<Ledger>, seq: u64) -> Parked {
        Parked {
            open: open(ledger, seq),
            piece: Piece {
                before: ledger.say_rejects(seq, 0),
                ..Piece::default()
            },
            ..Default::default()
        }
    }

    fn open(ledger: &Arc<Ledger>, seq: u64) -> Option<Open> {
        Some(Open {
            ledger: ledger.clone(),
            seq,
            before: None,
        })
    }

    fn placed(parked: &mut Parked) -> Vec<Placed> {
        let mut out = Vec::new();
        parked.release(|p| out.push(p));
        out
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
        parked.open = open(&ledger, 1);
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
        parked.open = open(&ledger, 2);
        parked.piece = Piece::default();
        assert!(matches!(parked.hold_reject(rej(1, None)), Holding::Held));
        // Once the lines before the first held piece are known, its rejects are placed.
        ledger.counted(0, 10);
        let placed = placed(&mut parked);
        assert_eq!(placed.len(), MAX_REJECT_ROWS + 3);
        assert!(placed
            .iter()
            .any(|p| matches!(p, Placed::Reject(r) if r.line == 17)));
    }

    /// A piece that held its rejects in order drops those past the rows the pieces before it
    /// leave once they say how many they made (counting each by its reason), and keeps the
    /// first of them, and the one without a line.
    #[test]
    fn a_piece_drops_what_it_holds_past_the_rows_the_pieces_before_it_leave() {
        let ledger = Arc::new(Ledger::default());
        let max = MAX_REJECT_ROWS as u64;
        let mut parked = starting(&ledger, 1);
        let mut dropped = 0;
        let mut reject = |parked: &mut Parked, line: u64| {
            parked.count_reject(|_| dropped += 1);
            parked.hold_reject(rej(line, None))
        };
        // Piece 0 has said nothing: all 10,239 are held.
        for line in 0..10_239 {
            assert!(matches!(reject(&mut parked, line), Holding::Held));
        }
        assert_eq!(parked.piece.held, 10_239);
        // Piece 0 has made all but 4,000 of the kept rows: at the 10,240th reject, piece 1
        // learns it and keeps its first 4,000 (the one without a line among them).
        ledger.say_rejects(0, max - 4_000);
        assert!(matches!(reject(&mut parked, 10_239), Holding::NotKept(_)));
        assert_eq!(dropped, 10_239 - 4_000);
        assert_eq!(parked.piece.held, 4_000);
        parked.open = None;
        ledger.counted(0, 20_000);
        let lines: Vec<u64> = placed(&mut parked)
            .into_iter()
            .map(|p| match p {
                Placed::Reject(r) => r.line,
                Placed::Warning(w) => panic!("{w}"),
            })
            .collect();
        let want: Vec<u64> = std::iter::once(0).chain(20_001..20_000 + 4_000).collect();
        assert_eq!(lines, want);
    }

    /// Held out of order, none is dropped for its rank.
    #[test]
    fn a_piece_that_held_out_of_order_drops_nothing() {
        let ledger = Arc::new(Ledger::default());
        let max = MAX_REJECT_ROWS as u64;
        let mut parked = Parked {
            open: open(&ledger, 1),
            piece: Piece::default(),
            ..Default::default()
        };
        let mut dropped = 0;
        for line in (1..10_240).rev() {
            if line == 10_239 - 5_000 {
                ledger.say_rejects(0, max - 4_000);
            }
            parked.count_reject(|_| dropped += 1);
            assert!(matches!(parked.hold_reject(rej(line, None)), Holding::Held));
        }
        assert_eq!((dropped, parked.piece.held), (0, 10_239));
    }

    #[test]
    fn a_piece_holds_none_once_the_pieces_before_it_made_as_many_rejects_as_are_kept() {
        let ledger = Arc::new(Ledger::default());
        let max = MAX_REJECT_ROWS as u64;
        // Piece 0 has made all but 1,500 of the rejects kept; piece 1 none yet.
        assert_eq!(ledger.say_rejects(0, max - 1_500), 0);
        let mut parked = starting(&ledger, 2);
        let reject = |parked: &mut Parked, line: u64| {
            parked.count_reject(|_| {});
            parked.hold_reject(rej(line, None))
        };
        for line in 1..=1_500 {
            assert!(matches!(reject(&mut parked, line), Holding::Held));
        }
        assert!(matches!(reject(&mut parked, 1_501), Holding::NotKept(_)));
        // Not after every one held, or without a line: held.
        assert!(matches!(reject(&mut parked, 3), Holding::Held));
        assert!(matches!(reject(&mut parked, 0), Holding::Held));
        // Piece 1 has made 2,000: once piece 2 asks (at its 2,048th reject), every reject of
        // its own with a line is past the kept rows.
        ledger.say_rejects(1, 2_000);
        assert!(matches!(reject(&mut parked, 4), Holding::Held));
        for line in 1_502..1_502 + 2_047 - 1_504 {
            assert!(matches!(reject(&mut parked, line), Holding::NotKept(_)));
        }
        assert_eq!(parked.piece.rejects, 2_047);
        assert!(matches!(reject(&mut parked, 5), Holding::NotKept(_)));
        assert!(matches!(reject(&mut parked, 0), Holding::Held));
        // What piece 2 said is counted before piece 3.
        assert_eq!(ledger.say_rejects(3, 0), max - 1_500 + 2_000 + 2_048);
        assert_eq!(parked.piece.held, 1_504);
    }

    #[test]
    fn the_ledger_knows_a_piece_s_lines_once_those_before_it_are_counted() {
        let ledger = Ledger::default();
        assert_eq!(ledger.before(0), Some(0));
        ledger.counted(2, 5);
        ledger.counted(1, 7);
        assert_eq!((ledger.before(1), ledger.before(2)), (None, None));
        assert_eq!(ledger.least(), 0);
        ledger.counted(0, 10);
        assert_eq!(ledger.before(1), Some(10));
        assert_eq!(ledger.before(2), Some(17));
        assert_eq!(ledger.before(3), Some(22));
        assert_eq!((ledger.before(4), ledger.least()), (None, 22));
    }

    #[test]
    fn a_piece_that_learns_its_first_line_places_what_it_held_and_holds_no_more() {
        let ledger = Arc::new(Ledger::default());
        let mut parked = Parked {
            open: open(&ledger, 1),
            ..Default::default()
        };
        assert!(!parked.learn());
        assert!(matches!(parked.hold_reject(rej(3, None)), Holding::Held));
        assert_eq!(parked.least_line(3), 3);
        assert!(parked.hold_warning("line ".into(), 4, "!").is_none());
        // Piece 0 is counted while piece 1 is still parsed.
        ledger.counted(0, 10);
        assert!(parked.learn());
        assert!(!parked.learn(), "learnt once");
        let lines: Vec<String> = placed(&mut parked)
            .into_iter()
            .map(|p| match p {
                Placed::Reject(r) => r.line.to_string(),
                Placed::Warning(w) => w,
            })
            .collect();
        assert_eq!(lines, ["13", "line 14!"]);
        // From then on, given back placed, and nothing is held.
        assert!(matches!(parked.hold_reject(rej(5, None)), Holding::Given(r) if r.line == 15));
        assert!(matches!(parked.hold_reject(rej(0, None)), Holding::Given(r) if r.line == 0));
        assert_eq!(
            parked.hold_warning("line ".into(), 6, "").as_deref(),
            Some("line 16")
        );
        assert_eq!(parked.least_line(7), 17);
        assert!(placed(&mut parked).is_empty());
    }

    #[test]
    fn a_piece_s_least_line_counts_the_pieces_counted_before_it() {
        let ledger = Arc::new(Ledger::default());
        let mut parked = Parked::default();
        assert_eq!(parked.least_line(4), 4);
        parked.open = open(&ledger, 3);
        ledger.counted(0, 10);
        ledger.counted(2, 1000);
        // Piece 1 is not counted: piece 3 has at least piece 0's 10 lines before it.
        assert!(!parked.learn());
        assert_eq!(parked.least_line(4), 14);
        assert_eq!(parked.least_line(0), 0);
        ledger.counted(1, 5);
        assert_eq!(parked.least_line(4), 1019);
        assert!(parked.learn());
        assert_eq!(parked.least_line(4), 1019);
    }
}
