//! Tests of `aggregate/mod.rs`.

use super::interner::INLINE;
use super::*;
use crate::ingest::Kept;
use crate::normalize::Record;
use crate::record::At;
use std::borrow::Cow;
use std::sync::OnceLock;

#[test]
fn interner_numbers_strings_exactly() {
    let mut i = Interner::default();
    let long = "x".repeat(INLINE + 1);
    let words = [
        "",
        "a",
        "Play",
        "play",
        "6e0b95bb-cb07-4417-8bd1-059905ff58f4",
        "6e0b95bb-cb07-4417-8bd1-059905ff58f5",
        &long[1..],
        &long,
        "a\0",
    ];
    let ids: Vec<u32> = words.iter().map(|w| i.intern(w)).collect();
    assert_eq!(ids, (0..words.len() as u32).collect::<Vec<_>>());
    let again: Vec<u32> = words.iter().map(|w| i.intern(w)).collect();
    assert_eq!(again, ids);
    for (id, w) in ids.iter().zip(words) {
        assert_eq!(i.name(*id), w);
    }
}

/// A finished aggregate names operations, resources and prompt kinds by number only: the
/// tables that found their numbers while records were counted are let go.
#[test]
fn a_finished_aggregate_keeps_names_not_their_lookup() {
    let mut a = Aggregator::new(Window::default(), 3600);
    let long = "r".repeat(INLINE + 1);
    for (n, res) in ["acs-a", &long].into_iter().enumerate() {
        let mut r = rec("2026-11-24T19:10:00Z", 404, Some(8522), "c1");
        (r.operation, r.resource_id) = (format!("Op{n}").into(), res.to_string().into());
        r.prompt = "Prompt".into();
        a.record(&r);
    }
    a.done();
    let (ops, res, prompts) = (&a.operations, &a.resources, &a.prompts);
    assert_eq!((ops.len(), res.len(), prompts.len()), (2, 3, 2));
    assert_eq!(
        (ops.name(1), res.name(1), res.name(2)),
        ("Op1", "acs-a", &*long)
    );
    let held = [ops, res, prompts].map(|i| i.looked_up());
    assert_eq!(held, [0, 0, 0]);
}

/// A reject of line `line` of `a.jsonl`.
fn rej(line: u64) -> Reject {
    Reject::new("a.jsonl".into(), At::line(line), Reason::NotJson, "", "")
}

#[test]
fn kept_rejects_are_the_first_by_file_and_line_however_the_work_was_split() {
    let n = MAX_REJECT_ROWS as u64 + 50_000;
    let split = |odd_first: bool| {
        let mut a = Aggregator::new(Window::default(), 3600);
        let mut b = Aggregator::new(Window::default(), 3600);
        // One worker meets the lines last to first, the other in order.
        for line in (1..=n).rev().filter(|l| l % 2 == 1) {
            a.reject(rej(line));
        }
        for line in (1..=n).filter(|l| l % 2 == 0) {
            b.reject(rej(line));
        }
        if odd_first {
            a.merge(b);
            a
        } else {
            b.merge(a);
            b
        }
    };
    for mut agg in [split(true), split(false)] {
        assert!(agg.rejects_truncated());
        let lines: Vec<u64> = agg.take_rejects().iter().map(|r| r.line).collect();
        assert_eq!(lines, (1..=MAX_REJECT_ROWS as u64).collect::<Vec<_>>());
        assert_eq!(agg.rejected, n);
    }
}

/// Sinks sharing their rows keep the first rows in all, as merged sinks do; once as many are
/// kept as can be, a reject after the last one is only counted.
#[test]
fn sinks_sharing_rejects_keep_the_first_in_all() {
    let n = MAX_REJECT_ROWS as u64 * 2 + 100_000;
    let rows = RejectRows::default();
    let mut a = Aggregator::new(Window::default(), 3600).sharing_rejects(&rows);
    let mut b = Aggregator::new(Window::default(), 3600).sharing_rejects(&rows);
    for line in (1..=n).filter(|l| l % 2 == 1) {
        a.reject(rej(line));
    }
    assert_eq!(rows.count(), MAX_REJECT_ROWS);
    // The last kept is the odd line MAX_REJECT_ROWS * 2 - 1.
    let last = MAX_REJECT_ROWS as u64 * 2 - 1;
    assert!(a.past_kept("a.jsonl", last + 1, None));
    assert!(!a.past_kept("a.jsonl", last, None));
    // Without a record, a place sorts before the same line's records.
    assert!(a.past_kept("a.jsonl", last, Some(1)));
    assert!(a.past_kept("b.jsonl", 1, None) && !a.past_kept("Z.jsonl", 1, None));
    // `b` has not seen the rows full: it keeps its first, which then push out `a`'s last.
    assert!(!b.past_kept("a.jsonl", last + 1, None));
    for line in (1..=n).rev().filter(|l| l % 2 == 0) {
        b.reject(rej(line));
    }
    assert!(b.past_kept("a.jsonl", MAX_REJECT_ROWS as u64 + 1, None));
    a.merge(b);
    assert!(a.rejects_truncated());
    let lines: Vec<u64> = a.take_rejects().iter().map(|r| r.line).collect();
    assert_eq!(lines, (1..=MAX_REJECT_ROWS as u64).collect::<Vec<_>>());
    assert_eq!(a.rejected, n);
}

pub(super) fn rec(t: &str, code: u32, sub: Option<u32>, corr: &'static str) -> Record<'static> {
    Record {
        time: DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc),
        kind: Kind::MediaSummary,
        operation: Cow::Borrowed("Play"),
        result_type: Cow::Borrowed("Failed"),
        code,
        subcode: sub,
        message: Cow::Borrowed(""),
        correlation_id: Cow::Borrowed(corr),
        call_connection_id: Cow::Borrowed(""),
        operation_id: Cow::Borrowed(""),
        resource_id: Cow::Borrowed(""),
        sdk_type: Cow::Borrowed(""),
        sdk_version: Cow::Borrowed(""),
        prompt: Cow::Borrowed(""),
        server_call_id: Cow::Borrowed(""),
        sip: Default::default(),
        q850: Default::default(),
        target: "".into(),
        operation_context: "".into(),
    }
}

#[test]
fn a_series_costs_its_cells_not_its_span() {
    let h = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    };
    let t: Timeline = [((h(2001), (500, None)), 1), ((h(2099), (500, None)), 2)]
        .into_iter()
        .collect();
    let s = series(&t, 3600, (500, None), 48);
    assert!(s.len() <= 48, "{}", s.len());
    assert_eq!((s[0], *s.last().unwrap(), s.iter().sum::<u64>()), (1, 2, 3));
    // Up to 48 buckets: one cell each.
    let t: Timeline = [((0, (404, Some(1))), 5), ((3600 * 23, (404, Some(1))), 7)]
        .into_iter()
        .collect();
    assert_eq!(series(&t, 3600, (404, Some(1)), 48).len(), 24);
}

#[test]
fn counts_calls_buckets_and_window() {
    let w = Window {
        since: Some("2026-11-24T00:00:00Z".parse().unwrap()),
        until: Some("2026-11-25T00:00:00Z".parse().unwrap()),
    };
    let mut a = Aggregator::new(w, 3600);
    let mut b = Aggregator::new(w, 3600);
    a.record(&rec("2026-11-24T19:10:00Z", 404, Some(8522), "c1"));
    a.record(&rec("2026-11-24T19:50:00Z", 404, Some(8522), "c1"));
    b.record(&rec("2026-11-24T20:10:00Z", 404, Some(8522), "c2"));
    b.record(&rec("2026-11-25T00:00:00Z", 404, Some(8522), "c3"));
    b.record(&rec("2026-11-23T23:59:59Z", 404, Some(8522), "c3"));
    a.merge(b);
    a.done();
    assert_eq!((a.accepted, a.outside, a.read()), (3, 2, 5));
    let ks = &a.by_key[&(404, Some(8522))];
    assert_eq!((ks.count, ks.calls.len()), (3, 2));
    assert_eq!(ks.first.unwrap().to_rfc3339(), "2026-11-24T19:10:00+00:00");
    assert_eq!(ks.last.unwrap().to_rfc3339(), "2026-11-24T20:10:00+00:00");
    let h19 = DateTime::parse_from_rfc3339("2026-11-24T19:00:00Z")
        .unwrap()
        .timestamp();
    let timeline = a.timeline();
    assert_eq!(timeline.get(&(h19, (404, Some(8522)))), Some(&2));
    assert_eq!(timeline.len(), 2);
    a.bucket_secs = DAY;
    let h0 = h19 - 19 * 3600;
    assert_eq!(
        a.timeline().into_iter().collect::<Vec<_>>(),
        vec![((h0, (404, Some(8522))), 3)]
    );
}

#[test]
fn past_its_budget_of_cells_the_aggregator_takes_no_new_one() {
    let mut a = worker(&Spill::with_budget(2), 1);
    let t = "2026-11-24T10:00:00Z";
    // Two keys fill the budget (each past the share of one moves the cells to the spill);
    // records of those keys are still taken, a third key is not.
    for sub in 1..=2 {
        assert_eq!(a.record(&rec(t, 400, Some(sub), "c")), Kept::Counted);
    }
    assert_eq!(a.record(&rec(t, 400, Some(3), "c")), Kept::Full);
    assert_eq!(a.record(&rec(t, 400, Some(2), "d")), Kept::Counted);
    // A known key on a new day is a new cell too.
    assert_eq!(
        a.record(&rec("2026-11-25T10:00:00Z", 400, Some(1), "c")),
        Kept::Full
    );
    a.done();
    assert_eq!(a.accepted, 3);
    assert_eq!(a.by_key.len(), 2);
    assert_eq!(a.by_key[&(400, Some(2))].count, 2);
    assert_eq!(a.by_key[&(400, Some(2))].calls.len(), 2);
}

/// A worker moving its counts to the spill leaves the rows of its rejects where they are, in
/// the heap it shares (a file's own, or the run's), and the spill holds no copy of itself.
#[test]
fn a_move_to_the_spill_leaves_the_rejects_rows_in_place() {
    let (own, run) = (RejectRows::default(), RejectRows::default());
    let spill = Spill::with_budget(100);
    let mut sinks = [&own, &run].map(|rows| {
        let mut a = Aggregator::new(Window::default(), 3600)
            .sharing_rejects(rows)
            .sharing_cells(&spill);
        a.max_cells = 1;
        a
    });
    for (i, a) in sinks.iter_mut().enumerate() {
        a.reject(rej(i as u64 + 1));
        for sub in 1..=3 {
            a.record(&rec("2026-11-24T10:00:00Z", 400, Some(sub), "c"));
        }
    }
    assert_eq!((own.count(), run.count()), (1, 1));
    let [mut a, b] = sinks;
    a.merge(b);
    a.done();
    assert_eq!(a.accepted, 6);
    let lines: Vec<u64> = a.take_rejects().iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 2]);
    // The spill's sink does not hold the spill: dropped unmerged (a reading found wrong), a
    // spill leaves nothing behind.
    let spill = Spill::default();
    let mut a = worker(&spill, 1);
    for sub in 1..=3 {
        a.record(&rec("2026-11-24T10:00:00Z", 400, Some(sub), "c"));
    }
    let weak = std::sync::Arc::downgrade(&spill.0);
    drop((a, spill));
    assert!(weak.upgrade().is_none());
}

/// A key's day's hours are held in the day while they are one or two hours', then in a word
/// each up to six, then take 4 bytes each until one would pass `u32::MAX`; they count exactly
/// past it.
#[test]
fn a_day_s_hours_count_exactly_past_what_four_bytes_hold() {
    assert_eq!(std::mem::size_of::<Hours>(), 16);
    let mut h = Hours::default();
    h.add(3, u64::from(u32::MAX) - 1);
    h.add(3, 1);
    h.add(5, 0);
    assert!(matches!(h, Hours::One { hour: 3, .. }));
    h.add(23, 5);
    assert!(matches!(h, Hours::Two { .. }));
    h.add(3, 1);
    assert!(matches!(h, Hours::Wide(_)));
    h.add(0, 1 << 40);
    let mut want = [0u64; 24];
    (want[0], want[3], want[23]) = (1 << 40, 1 << 32, 5);
    assert_eq!(h.iter().collect::<Vec<_>>(), want);
    // Two hours in the day, then up to six in a word each, then 4 bytes an hour.
    let mut few = Hours::default();
    for (hour, n) in [(9, 1), (2, 4), (9, 2), (2, 1)] {
        few.add(hour, n);
    }
    let two = Hours::Two {
        hours: [9, 2],
        counts: [3, 5],
    };
    assert_eq!(format!("{few:?}"), format!("{two:?}"));
    let mut want = [0u64; 24];
    (want[2], want[9]) = (5, 3);
    for (i, hour) in [23, 0, 17, 5].into_iter().enumerate() {
        few.add(hour, 7);
        few.add(9, 1);
        (want[hour], want[9]) = (7, want[9] + 1);
        assert_eq!(few.iter().collect::<Vec<_>>(), want);
        assert!(matches!(few, Hours::Few { len, .. } if usize::from(len) == 3 + i));
    }
    few.add(12, 1);
    want[12] = 1;
    assert!(matches!(few, Hours::Narrow(_)));
    assert_eq!(few.iter().collect::<Vec<_>>(), want);
    // A count past what a word of `Few` holds for it: 4 bytes an hour.
    let mut near = Hours::default();
    for (hour, n) in [(1, 1), (2, 1), (3, (1 << 27) - 1)] {
        near.add(hour, n);
    }
    assert!(matches!(near, Hours::Few { len: 3, .. }));
    near.add(3, 1);
    assert!(matches!(near, Hours::Narrow(_)));
    let mut want = [0u64; 24];
    (want[1], want[2], want[3]) = (1, 1, 1 << 27);
    assert_eq!(near.iter().collect::<Vec<_>>(), want);
    let mut third = Hours::default();
    for (hour, n) in [(1, 1), (2, 1), (3, 1 << 27)] {
        third.add(hour, n);
    }
    assert!(matches!(third, Hours::Narrow(_)));
    assert_eq!(third.iter().collect::<Vec<_>>(), want);
    // A second hour past `u32::MAX` goes wide at once; one hour at it again, from two.
    let mut wide = Hours::default();
    wide.add(1, 1);
    wide.add(4, 1 << 32);
    assert!(matches!(wide, Hours::Wide(_)));
    let mut full = Hours::default();
    full.add(1, 1);
    full.add(4, u64::from(u32::MAX));
    full.add(4, 1);
    assert!(matches!(full, Hours::Wide(_)));
    let mut want = [0u64; 24];
    (want[1], want[4]) = (1, 1 << 32);
    assert_eq!(wide.iter().collect::<Vec<_>>(), want);
    assert_eq!(full.iter().collect::<Vec<_>>(), want);
    let mut big = Hours::default();
    big.add(7, 1 << 33);
    assert_eq!(big.iter().nth(7), Some(1 << 33));
    let mut late = Hours::default();
    late.add(22, 2);
    late.add(22, 1);
    assert!(matches!(late, Hours::One { hour: 22, count: 3 }));
    late.add(0, 1);
    let mut want = [0u64; 24];
    (want[0], want[22]) = (1, 3);
    assert_eq!(late.iter().collect::<Vec<_>>(), want);
}

/// A merge takes the larger sink's tables as they are and adds the smaller's to them, either
/// way round: the other way, both are whole at once (a run's first merge, into an empty sink,
/// copied everything). Each sink keeps what it is: its settings, share, spill and rejects.
#[test]
fn a_merge_adds_the_smaller_sink_to_the_larger_keeping_what_each_is() {
    let t = "2026-11-24T10:00:00Z";
    let spill = Spill::with_budget(100);
    let small = |rows: &RejectRows| {
        let mut a = worker(&spill, 10).sharing_rejects(rows);
        a.record(&rec(t, 400, Some(1), "a"));
        a.reject(rej(7));
        a
    };
    let large = || {
        let mut a = Aggregator::new(Window::default(), 60);
        a.keep_messages = false;
        for sub in 1..=5 {
            a.record(&rec(t, 500, Some(sub), "b"));
        }
        a.reject(rej(3));
        a
    };
    let name = |a: &Aggregator| a.operations.name(0).as_ptr();
    let rows = RejectRows::default();
    let mut into_small = small(&rows);
    let theirs = large();
    let held = name(&theirs);
    into_small.merge(theirs);
    // The larger's interned names are where they were: not copied.
    assert_eq!(name(&into_small), held);
    assert!(into_small.spill.is(&spill) && into_small.max_cells == 10);
    assert!(into_small.keep_messages && into_small.bucket_secs == 3600);
    assert_eq!(
        rows.count(),
        2,
        "the larger's reject joined the rows the small one shares"
    );
    let mut into_large = large();
    let held = name(&into_large);
    into_large.merge(small(&RejectRows::default()));
    assert_eq!(name(&into_large), held);
    let share = large().max_cells;
    assert!(!into_large.spill.is(&spill) && into_large.max_cells == share && share != 10);
    assert!(!into_large.keep_messages && into_large.bucket_secs == 60);
    for a in [&mut into_small, &mut into_large] {
        a.done();
        assert_eq!((a.accepted, a.by_key.len()), (6, 6));
        let lines: Vec<u64> = a.take_rejects().iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 7]);
    }
}

/// The run's budget holds for sinks merged below their shares, for sinks made once it is
/// spent, and for sinks kept apart (the parts of a file read by ranges).
#[test]
fn the_run_s_budget_holds_for_merged_late_and_kept_apart_sinks() {
    let t = "2026-11-24T10:00:00Z";
    let spill = Spill::with_budget(5);
    let sink = || worker(&spill, 4);
    // Two sinks of three cells each, each within its share: merged, the six move to the
    // spill, which spends the budget.
    let (mut a, mut b) = (sink(), sink());
    for sub in 1..=3 {
        assert_eq!(a.record(&rec(t, 400, Some(sub), "c")), Kept::Counted);
        assert_eq!(b.record(&rec(t, 400, Some(sub + 3), "c")), Kept::Counted);
    }
    a.merge(b);
    assert!(spill.left() == 0 && a.cells.is_empty());
    // A sink made now, and one kept apart, take the run's cells but no new one.
    let mut late = sink();
    let mut apart = sink();
    apart.keep_apart(&OnceLock::new());
    for s in [&mut late, &mut apart] {
        assert_eq!(s.record(&rec(t, 400, Some(7), "c")), Kept::Full);
        assert_eq!(s.record(&rec(t, 400, Some(2), "d")), Kept::Counted);
    }
    a.merge(late);
    a.merge(apart);
    a.done();
    assert_eq!((a.accepted, a.by_key.len()), (8, 6));
    assert_eq!(a.by_key[&(400, Some(2))].calls.len(), 2);
}

/// The sinks of a reading kept apart share one spill, whose cells count with the run's toward
/// the budget; dropped, the reading leaves nothing in the run's spill, and its cells are given
/// back (read again in another day/month order, its rows fall in other cells: counted on top,
/// they had 4 threads reject rows below the budget, review rev66b F1).
#[test]
fn the_sinks_of_a_reading_kept_apart_share_a_spill_within_the_run_s_budget() {
    let t = "2026-11-24T10:00:00Z";
    let spill = Spill::with_budget(12);
    let make = || worker(&spill, 2);
    let key = |sub: u32| rec(t, 400, Some(sub), "c");
    // The run's spill takes two cells (the third record finds the share full).
    let mut w = make();
    for sub in 1..=3 {
        assert_eq!(w.record(&key(sub)), Kept::Counted);
    }
    let apart = OnceLock::new();
    let (mut a, mut b) = (make(), make());
    a.keep_apart(&apart);
    b.keep_apart(&apart);
    // Eight cells move to the reading's spill: with the run's two, ten of twelve.
    for sub in 10..=14 {
        assert_eq!(a.record(&key(sub)), Kept::Counted);
    }
    for sub in 20..=24 {
        assert_eq!(b.record(&key(sub)), Kept::Counted);
    }
    assert!(spill.left() == 2 && b.run_left == 2);
    // Two more fill it: a new cell is then a reject, a cell of either spill is not.
    assert_eq!(b.record(&key(25)), Kept::Counted);
    assert_eq!(b.record(&key(26)), Kept::Full);
    assert_eq!(b.record(&key(10)), Kept::Counted);
    assert_eq!(b.record(&key(1)), Kept::Counted);
    // `a` learns it at its next batch or move: within its share, a cell is taken till then.
    assert_eq!(a.record(&key(27)), Kept::Counted);
    assert_eq!(a.record(&key(28)), Kept::Full);
    // Dropped (its sinks and what they share), the reading leaves the run's spill as it was,
    // and its cells uncounted.
    drop((a, b, apart));
    assert_eq!(spill.left(), 10);
    assert_eq!(w.record(&key(30)), Kept::Counted);
    w.done();
    assert_eq!((w.accepted, w.by_key.len()), (4, 4));
}

/// Readings kept apart at once count each other's cells toward the run's budget, each once.
#[test]
fn readings_kept_apart_at_once_count_each_other_s_cells() {
    let t = "2026-11-24T10:00:00Z";
    let spill = Spill::with_budget(6);
    let key = |sub: u32| rec(t, 400, Some(sub), "c");
    let make = |apart: &OnceLock<Spill>| {
        let mut a = worker(&spill, 2);
        a.keep_apart(apart);
        a
    };
    let (one, two) = (OnceLock::new(), OnceLock::new());
    let (mut a, mut b) = (make(&one), make(&two));
    // Two cells move to each reading's spill: four of six.
    for sub in 1..=3 {
        assert_eq!(a.record(&key(sub)), Kept::Counted);
        assert_eq!(b.record(&key(sub + 10)), Kept::Counted);
    }
    assert!(spill.left() > 0);
    // Two more of `a`'s spend the budget: a new cell of either reading is a reject.
    assert_eq!(a.record(&key(4)), Kept::Counted);
    assert_eq!(a.record(&key(5)), Kept::Full);
    assert_eq!(b.record(&key(14)), Kept::Counted);
    assert_eq!(b.record(&key(15)), Kept::Full);
    // A cell moved by the other reading, or by its own, is not new.
    assert_eq!(a.record(&key(11)), Kept::Counted);
    assert_eq!(a.record(&key(1)), Kept::Counted);
    drop((b, two));
    // `b`'s reading dropped, its four cells are given back; `a`'s, merged, count for good.
    assert_eq!(spill.left(), 2);
    let mut w = Aggregator::new(Window::default(), 3600).sharing_cells(&spill);
    w.merge(a);
    assert_eq!(spill.left(), 2);
    w.done();
    assert_eq!((w.accepted, w.by_key.len()), (6, 5));
}

/// What a sink counted, as sorted rows: by key (count, calls, first, last) and by day.
fn counted(a: &Aggregator) -> (Vec<String>, Vec<String>) {
    let mut keys: Vec<String> = (a.by_key.iter())
        .map(|(k, s)| {
            format!(
                "{k:?} {} {} {:?} {:?}",
                s.count,
                s.calls.len(),
                s.first,
                s.last
            )
        })
        .collect();
    let mut days: Vec<String> = (a.by_day.iter())
        .map(|(k, s)| {
            format!(
                "{k:?} {:?} {}",
                s.hours.iter().collect::<Vec<_>>(),
                s.calls.len()
            )
        })
        .collect();
    keys.sort();
    days.sort();
    (keys, days)
}

/// Workers that each meet every cell of a run, more than their share, move their counts to the
/// run's spill: nothing is rejected below the run's budget, whatever the number of workers, and
/// the counts are those of one sink.
#[test]
fn workers_past_their_share_of_cells_reject_nothing_below_the_run_s_budget() {
    let records: Vec<Record<'static>> = (0..400)
        .map(|i| {
            let t = format!("2026-11-{:02}T{:02}:00:00Z", 20 + i % 5, i % 24);
            let call = ["a", "b", "c", "d", "e", "f", "g"][i % 7];
            rec(&t, 400 + (i % 3) as u32, Some(8500 + (i % 4) as u32), call)
        })
        .collect();
    let mut one = Aggregator::new(Window::default(), 3600);
    for r in &records {
        assert_eq!(one.record(r), Kept::Counted);
    }
    one.done();
    for workers in [2, 3, 7] {
        // 60 cells, each worker's share 4 of them, the run's budget 60.
        let spill = Spill::with_budget(60);
        let mut sinks: Vec<Aggregator> = (0..workers).map(|_| worker(&spill, 4)).collect();
        // One kept apart (part of a reading that may be dropped) moves its counts to a spill
        // of its own, which its merge takes.
        sinks[0].keep_apart(&OnceLock::new());
        for (i, r) in records.iter().enumerate() {
            assert_eq!(sinks[i % workers].record(r), Kept::Counted, "{workers} {i}");
        }
        let mut all = sinks.pop().unwrap();
        for s in sinks {
            all.merge(s);
        }
        all.done();
        assert_eq!(all.accepted, 400);
        assert_eq!(counted(&all), counted(&one), "{workers}");
    }
    // A budget of 10 is spent (at the third move: of 4, 4, then the 2 left) before most cells
    // come: their records are rejects, and the cells taken are the budget's.
    let spill = Spill::with_budget(10);
    let mut a = worker(&spill, 4);
    let full = records.iter().filter(|r| a.record(r) == Kept::Full).count();
    a.done();
    assert!(full > 0);
    assert_eq!(a.accepted + full as u64, 400);
    let cells: usize = a.by_day.len();
    assert_eq!(cells, 10);
}

/// Workers whose shares fill all but a little of the run's budget take at most what was left
/// (or an eighth of their share) before they move again, not a share more each: past the
/// budget, the cells kept stay near it, whatever the threads. 3,000 records of distinct cells,
/// three workers of 320 cells each, a budget of 1,000.
#[test]
fn workers_take_what_the_budget_has_left_not_a_share_more() {
    let records: Vec<Record<'static>> = (0..3_000u32)
        .map(|i| rec("2026-11-24T10:00:00Z", 400, Some(i), "c"))
        .collect();
    let spill = Spill::with_budget(1_000);
    let mut sinks: Vec<Aggregator> = (0..3).map(|_| worker(&spill, 320)).collect();
    let mut full = 0;
    for (i, r) in records.iter().enumerate() {
        full += usize::from(sinks[i % 3].record(r) == Kept::Full);
    }
    let mut all = sinks.pop().unwrap();
    for s in sinks {
        all.merge(s);
    }
    all.done();
    let cells = all.by_key.len();
    assert_eq!(all.accepted as usize + full, 3_000);
    // The shares fill 960; each worker then takes what is left (40, or its next batch's
    // records before it learns it), not 320 more.
    assert!((1_000..=1_000 + 3 * BATCH).contains(&cells), "{cells}");
}

/// A worker's sink sharing `spill`, with a share of `share` cells.
fn worker(spill: &Spill, share: usize) -> Aggregator {
    let mut a = Aggregator::new(Window::default(), 3600).sharing_cells(spill);
    a.max_cells = share;
    a
}

/// The rows of `by_sdk` by name: (type, version, count), sorted.
fn sdk_rows(all: &Aggregator) -> Vec<(String, String, u64)> {
    let name = |id: u32| all.sdk_texts.name(id).to_string();
    let mut rows: Vec<_> = all
        .by_sdk
        .iter()
        .map(|(k, c)| (name(k.0), name(k.1), *c))
        .collect();
    rows.sort();
    rows
}

/// Asserts that `split` over 2, 3 and 5 workers, forward and reversed, gives `one`.
fn the_same_however_split<T: PartialEq>(one: &T, split: impl Fn(u32, bool) -> T) {
    for parts in [2, 3, 5] {
        for reversed in [false, true] {
            assert!(
                split(parts, reversed) == *one,
                "{parts} workers, reversed {reversed}"
            );
        }
    }
}

/// Records `record(0..n)` (in reverse when `reversed`) spread among `parts` workers, merged.
fn split_among<'a>(
    parts: u32,
    n: u32,
    reversed: bool,
    record: impl Fn(u32) -> Record<'a>,
) -> Aggregator {
    let mut workers: Vec<Aggregator> = (0..parts)
        .map(|_| Aggregator::new(Window::default(), 3600))
        .collect();
    for i in 0..n {
        let i = if reversed { n - 1 - i } else { i };
        workers[((i * 7919) % parts) as usize].record(&record(i));
    }
    let mut all = workers.pop().unwrap();
    while let Some(w) = workers.pop() {
        all.merge(w);
    }
    all
}

/// Diagnostic and SDK rows past their budgets: the rows kept, their counts and calls, and the
/// rows that count the others are the same however the records were split among workers and
/// merged (each worker used to keep the first it met, so the run kept up to a budget per
/// worker), and every record is counted once.
#[test]
fn rows_past_their_budgets_are_the_same_however_the_work_was_split() {
    let n = 3 * MAX_DIAGNOSTICS as u32;
    let ids: Vec<String> = (0..n)
        .map(|i| format!("6e0b95bb-cb07-4417-8bd1-{i:012}"))
        .collect();
    let record = |i: u32| {
        let mut r = rec("2026-11-24T01:00:00Z", 480, Some(560480), "");
        r.correlation_id = Cow::Owned(ids[i as usize].clone());
        // Each diagnostic text is met twice or more; SDK versions by the thousand.
        r.sip.code = Some(480);
        r.sip.message = Cow::Owned(format!("Temporarily Unavailable {}", i % (n / 2)));
        r.q850.message = Cow::Borrowed("No user responding");
        r.sdk_type = Cow::Borrowed(if i.is_multiple_of(2) {
            "java"
        } else {
            "dotnet"
        });
        r.sdk_version = Cow::Owned(format!("1.{}.0", i % (3 * MAX_SDKS as u32)));
        r
    };
    let split = |parts: u32, reversed: bool| {
        let mut all = split_among(parts, n, reversed, record);
        all.done();
        let mut diags: Vec<(String, u64, u64)> = all
            .diagnostics
            .iter()
            .map(|(k, d)| {
                let text = all.diagnostic_texts.name(k.3).to_string();
                (text, d.count, d.calls.len())
            })
            .collect();
        diags.sort();
        (diags, sdk_rows(&all))
    };
    let one = split(1, false);
    let (diags, sdks) = &one;
    assert_eq!(diags.len(), MAX_DIAGNOSTICS + 1);
    assert_eq!(diags.iter().map(|d| d.1).sum::<u64>(), n as u64);
    let other = diags.iter().find(|d| d.0 == OTHER_DIAGNOSTICS).unwrap();
    assert_eq!(other.1, n as u64 - 2 * MAX_DIAGNOSTICS as u64, "{other:?}");
    assert_eq!(other.1, other.2, "one call per record");
    // Kept rows count their records exactly: each text is met twice.
    assert!(diags
        .iter()
        .filter(|d| d.0 != OTHER_DIAGNOSTICS)
        .all(|d| d.1 == 2));
    assert_eq!(sdks.iter().filter(|s| s.1 != OTHER).count(), MAX_SDKS);
    assert_eq!(sdks.iter().filter(|s| s.1 == OTHER).count(), 2);
    assert_eq!(sdks.iter().map(|s| s.2).sum::<u64>(), n as u64);
    the_same_however_split(&one, split);
}

/// SDK types by the thousand, each in pairs past [`MAX_SDKS`]: the other versions of at most
/// [`MAX_OTHER_SDK_TYPES`] types have rows of their own, the rest one [`OTHER`] type, the same
/// however the work was split; and texts of types dropped are forgotten.
#[test]
fn sdk_types_past_their_budget_are_the_same_however_the_work_was_split() {
    let types = 20 * MAX_OTHER_SDK_TYPES as u32;
    let n = 4 * 3 * types;
    let record = |i: u32| {
        let mut r = rec("2026-11-24T01:00:00Z", 400, Some(8523), "");
        r.sdk_type = Cow::Owned(format!("type {}", i % types));
        r.sdk_version = Cow::Owned(format!("1.{}", i % 3));
        r
    };
    let split = |parts: u32, reversed: bool| {
        let mut all = split_among(parts, n, reversed, record);
        assert!(all.sdk_texts.len() <= 3 * (MAX_SDKS + MAX_OTHER_SDK_TYPES) + 1024);
        all.done();
        sdk_rows(&all)
    };
    let one = split(1, false);
    let pairs: Vec<_> = one.iter().filter(|s| s.1 != OTHER).collect();
    assert_eq!(pairs.len(), MAX_SDKS);
    assert!(pairs.iter().all(|s| s.2 == 4), "kept pairs count exactly");
    let others: Vec<_> = one.iter().filter(|s| s.1 == OTHER).collect();
    assert_eq!(others.len(), MAX_OTHER_SDK_TYPES + 1);
    let other_type = others.iter().find(|s| s.0 == OTHER).unwrap();
    let in_types: u64 = others.iter().filter(|s| s.0 != OTHER).map(|s| s.2).sum();
    assert_eq!(other_type.2 + in_types, (n - 4 * MAX_SDKS as u32) as u64);
    assert_eq!(one.iter().map(|s| s.2).sum::<u64>(), n as u64);
    the_same_however_split(&one, split);
}

/// Diagnostics met in falling rank, each dropping the last kept: the texts of the rows dropped
/// are forgotten (numbered afresh), so memory stays that of the rows kept.
#[test]
fn rows_met_in_falling_rank_leave_no_texts_behind() {
    let n = 12 * MAX_DIAGNOSTICS;
    let mut texts: Vec<(u64, String)> = (0..n)
        .map(|i| {
            let t = format!("Busy Here {i}");
            let r = texts::rank_of((
                480u32,
                Some(560480u32),
                Some(486u32),
                t.as_str(),
                None::<u32>,
                "",
            ));
            (r, t)
        })
        .collect();
    texts.sort_by(|a, b| b.cmp(a));
    let mut a = Aggregator::new(Window::default(), 3600);
    for (_, t) in &texts {
        let mut r = rec("2026-11-24T01:00:00Z", 480, Some(560480), "c");
        r.sip.code = Some(486);
        r.sip.message = Cow::Owned(t.clone());
        a.record(&r);
    }
    assert!(
        a.diagnostic_texts.len() <= 8 * MAX_DIAGNOSTICS + 1024,
        "{}",
        a.diagnostic_texts.len()
    );
    a.done();
    let mut kept: Vec<&str> = a
        .diagnostics
        .keys()
        .map(|k| a.diagnostic_texts.name(k.3))
        .filter(|t| *t != OTHER_DIAGNOSTICS)
        .collect();
    kept.sort();
    let mut lowest: Vec<&str> = texts[n - MAX_DIAGNOSTICS..]
        .iter()
        .map(|(_, t)| t.as_str())
        .collect();
    lowest.sort();
    assert_eq!(kept, lowest);

    // SDK versions the same way, each met with two keys: a version is kept or dropped whole,
    // so its share of failures stays true.
    let n = 12 * MAX_SDKS;
    let keys = [(200u32, Some(0u32)), (500, Some(8500))];
    let mut versions: Vec<(u64, String)> = (0..n)
        .map(|i| {
            let v = format!("1.{i}.0");
            (texts::rank_of(("java", v.as_str())), v)
        })
        .collect();
    versions.sort_by(|a, b| b.cmp(a));
    let mut a = Aggregator::new(Window::default(), 3600);
    for (_, v) in &versions {
        for key in keys {
            let mut r = rec("2026-11-24T01:00:00Z", key.0, key.1, "c");
            r.sdk_type = Cow::Borrowed("java");
            r.sdk_version = Cow::Owned(v.clone());
            a.record(&r);
        }
    }
    assert!(
        a.sdk_texts.len() <= 3 * (MAX_SDKS + 2) + 1024,
        "{}",
        a.sdk_texts.len()
    );
    a.done();
    let mut kept: BTreeMap<&str, Vec<Key>> = BTreeMap::new();
    for (k, count) in &a.by_sdk {
        let version = a.sdk_texts.name(k.1);
        if version == OTHER {
            assert_eq!(*count, (n - MAX_SDKS) as u64);
        } else {
            assert_eq!(*count, 1);
            kept.entry(version).or_default().push(k.2);
        }
    }
    assert!(kept.values().all(|k| k.len() == 2), "a version split");
    let mut lowest: Vec<&str> = versions[n - MAX_SDKS..]
        .iter()
        .map(|(_, v)| v.as_str())
        .collect();
    lowest.sort();
    assert_eq!(kept.keys().copied().collect::<Vec<_>>(), lowest);
    assert_eq!(a.by_sdk.values().sum::<u64>(), 2 * n as u64);
}

/// A call whose records name several CallConnectionIds shows the earliest record's, however the
/// records were split between workers and merged.
#[test]
fn a_call_shows_the_ids_of_its_earliest_record_whatever_the_split() {
    let named = |t: &str, cc: &'static str, server: &'static str, sub: u32| Record {
        call_connection_id: Cow::Borrowed(cc),
        server_call_id: Cow::Borrowed(server),
        ..rec(t, 400, Some(sub), "corr-1")
    };
    let records = [
        named("2026-11-24T01:00:05Z", "cc-a", "", 8522),
        named("2026-11-24T01:00:03Z", "cc-z", "srv-2", 8522),
        named("2026-11-24T01:00:03Z", "cc-b", "", 8522),
        named("2026-11-24T01:00:09Z", "", "srv-1", 8522),
        // Another subcode: only in the ids by CorrelationId.
        named("2026-11-24T01:00:01Z", "cc-0", "srv-0", 1),
    ];
    for split in 0..(1 << records.len()) {
        // Half the splits share their ids by CorrelationId, half merge them.
        let ids = SharedIds::default();
        let mut workers = [0, 1].map(|_| {
            let f = Focus::new(8522, None, Aggregator::new(Window::default(), 86_400));
            if split % 2 == 1 {
                f.sharing_ids(&ids)
            } else {
                f
            }
        });
        for (i, r) in records.iter().enumerate() {
            workers[(split >> i) & 1].record(r);
        }
        let [mut a, b] = workers;
        if split % 3 == 0 {
            a.merge(b);
        } else {
            let mut b = b;
            b.merge(a);
            a = b;
        }
        let call = a.calls.get("corr-1").unwrap();
        let ids = (call.call_connection_id.text(), call.server_call_id.text());
        assert_eq!(ids, ("cc-b".into(), "srv-2".into()), "split {split:b}");
        let known = a.ids.get("corr-1").unwrap();
        assert_eq!(
            (known.0.text(), known.1.text()),
            ("cc-0".into(), "srv-0".into())
        );
    }
}

/// A real SDK type named as the catch-all `(other)` is shown in its row, so it takes none of
/// the places of the types whose other versions have rows of their own.
#[test]
fn an_sdk_type_named_other_takes_no_place_of_the_types_kept() {
    let below_other = |t: &String| texts::rank_of(t.as_str()) > texts::rank_of(OTHER);
    let mut types: Vec<String> = (0..)
        .map(|i| format!("type {i}"))
        .filter(below_other)
        .take(3 * MAX_OTHER_SDK_TYPES)
        .collect();
    types.push(OTHER.to_string());
    let mut a = Aggregator::new(Window::default(), 3600);
    for ty in &types {
        for v in 0..10 {
            let mut r = rec("2026-11-24T01:00:00Z", 400, Some(8523), "");
            r.sdk_type = Cow::Borrowed(ty.as_str());
            r.sdk_version = Cow::Owned(format!("1.{v}"));
            a.record(&r);
        }
    }
    a.done();
    let rows = sdk_rows(&a);
    let of_types = rows.iter().filter(|s| s.1 == OTHER && s.0 != OTHER).count();
    assert_eq!(of_types, MAX_OTHER_SDK_TYPES);
    assert_eq!(
        rows.iter().map(|s| s.2).sum::<u64>(),
        10 * types.len() as u64
    );
}

/// A record timed in a leap second is earlier than one of the second after it.
#[test]
fn a_call_s_earliest_record_may_be_in_a_leap_second() {
    let named = |t: &str, cc: &'static str| Record {
        call_connection_id: Cow::Borrowed(cc),
        ..rec(t, 400, Some(8522), "corr-1")
    };
    let mut f = Focus::new(8522, None, Aggregator::new(Window::default(), 86_400));
    f.record(&named("2026-11-24T12:35:00.2Z", "aaa-later"));
    f.record(&named("2026-11-24T12:34:60.5Z", "zzz-earlier"));
    let call = f.calls.get("corr-1").unwrap();
    assert_eq!(call.call_connection_id.text(), "zzz-earlier");
}

/// Workers that move their messages to the run's spill past their share ([`message_share`]:
/// [`MESSAGE_SHARE`] bytes on one or two threads, an even share of twice it on more, 64 KiB at
/// least) copy no more than that between moves, and the run keeps the same messages, with the
/// same counts, as one sink that moved none: 2,000 keys of 10 messages of 600 bytes each, each
/// met twice, past both budgets.
#[test]
fn messages_past_a_worker_s_share_move_to_the_run_and_count_the_same() {
    let n: u32 = 40_000;
    let record = |i: u32| {
        let mut r = rec("2026-11-24T01:00:00Z", 400, Some(10_000 + i % 2_000), "");
        let text = format!("message {} of its key ", (i / 2_000) % 10);
        r.message = Cow::Owned(format!("{text:-<600}"));
        r
    };
    let shown = |a: &Aggregator| {
        let mut v: Vec<_> = a
            .by_key
            .iter()
            .map(|(k, s)| (*k, s.messages.clone(), s.other_messages))
            .collect();
        v.sort();
        v
    };
    let mut one = Aggregator::new(Window::default(), 3600);
    one.message_share = usize::MAX;
    for i in 0..n {
        one.record(&record(i));
    }
    one.done();
    let one = shown(&one);
    let kept: usize = one.iter().map(|(_, m, _)| m.len()).sum();
    assert!(kept * 600 > 2 * MESSAGE_SHARE && kept < 20_000, "{kept}");
    assert!(one.iter().all(|(_, m, _)| m.iter().all(|(_, n)| *n == 2)));
    let shares = [1, 2, 3, 16, 64, 128].map(message_share);
    let (of_3, of_16) = (2 * MESSAGE_SHARE / 3, 2 * MESSAGE_SHARE / 16);
    assert_eq!(
        shares,
        [
            MESSAGE_SHARE,
            MESSAGE_SHARE,
            of_3,
            of_16,
            64 << 10,
            64 << 10
        ]
    );
    for parts in [2, 3, 16] {
        let spill = Spill::default();
        let share = message_share(parts as usize);
        let mut workers: Vec<Aggregator> = (0..parts)
            .map(|_| Aggregator::new(Window::default(), 3600).sharing_cells(&spill))
            .collect();
        for i in 0..n {
            let w = &mut workers[(i * 7919 % parts) as usize];
            w.message_share = share;
            w.record(&record(i));
            assert!(w.messages.added() <= share);
        }
        assert!(spill.lock().is_some(), "nothing moved");
        let mut all = workers.pop().unwrap();
        while let Some(w) = workers.pop() {
            all.merge(w);
        }
        all.done();
        assert_eq!(shown(&all), one, "{parts} workers");
    }
}

/// A key's day holds its 24 hours in 4 bytes each, and a resource's day only its count and
/// calls (no table reads its hours): what grows with the keys, in an input of made-up codes by
/// the hundred thousand, takes less than half of what 8-byte hours took. The counts are the
/// records', by hour and by resource.
#[test]
fn a_key_s_day_holds_narrow_hours_and_a_resource_s_day_a_count() {
    fn value_size<K, V>(_: &HashMap<K, V>) -> usize {
        std::mem::size_of::<V>()
    }
    let mut a = Aggregator::new(Window::default(), 3600);
    assert!(value_size(&a.by_day) < 24 * 8, "hours of 8 bytes");
    assert!(
        value_size(&a.by_day_resource) < 24 * 4,
        "a resource's day with hours"
    );
    for (h, res) in [(1, "/R/A"), (1, "/R/A"), (5, "/R/B"), (23, "/R/A")] {
        let mut r = rec(&format!("2026-11-20T{h:02}:10:00Z"), 500, Some(8572), "c1");
        r.resource_id = Cow::Borrowed(res);
        assert_eq!(a.record(&r), Kept::Counted);
    }
    a.done();
    let day = a.by_day.values().next().unwrap();
    let hours: Vec<u64> = day.hours.iter().collect();
    assert_eq!((a.by_day.len(), day.count(), day.calls.len()), (1, 4, 1));
    assert_eq!((hours[1], hours[5], hours[23]), (2, 1, 1));
    let mut by_res: Vec<(&str, u64, u64)> = (a.by_day_resource.iter())
        .map(|(&(_, r, _), s)| (a.resources.name(r), s.count, s.calls.len()))
        .collect();
    by_res.sort();
    assert_eq!(by_res, [("a", 3, 1), ("b", 1, 1)]);
}

/// Each resource's keys by day, with their log kinds, and its records by day and log kind are
/// counted only when asked (the stored history, the spike test by resource read them); each
/// resource's records by day, what the volume test reads, always are, the same either way.
#[test]
fn a_resource_s_keys_by_day_are_counted_only_when_asked() {
    let run = |keep: bool| {
        let mut a = Aggregator::new(Window::default(), 3600).keeping_resource_days(keep);
        for (d, code, res, kind) in [
            (20, 500, "/R/A", Kind::MediaSummary),
            (20, 400, "/R/A", Kind::MediaSummary),
            (20, 500, "/R/A", Kind::Operations),
            (21, 500, "/R/B", Kind::MediaSummary),
            (21, 500, "", Kind::MediaSummary),
        ] {
            let mut r = rec(&format!("2026-11-{d}T01:10:00Z"), code, Some(8572), "c1");
            r.resource_id = Cow::Borrowed(res);
            r.kind = kind;
            assert_eq!(a.record(&r), Kept::Counted);
        }
        a.done();
        let days: Vec<(i64, String, u64)> = (a.by_day_of_resource.iter())
            .map(|(&(d, r), &(n, _))| (d, a.resources.name(r).to_string(), n))
            .collect();
        let mut keys: Vec<(i64, &str, Key, u8)> = (a.by_day_resource.iter())
            .map(|(&(d, r, key), s)| (d, a.resources.name(r), key, Kind::bits_of(&s.kind_counts)))
            .collect();
        keys.sort();
        let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
        let kinds: Vec<(i64, String, &str, u64)> = (a.by_day_resource_kind.iter())
            .map(|(&(d, r, k), &n)| (d, a.resources.name(r).to_string(), k, n))
            .collect();
        (days, keys, kinds)
    };
    let (kept, with_keys, with_kinds) = run(true);
    let (not_kept, without, without_kinds) = run(false);
    let d20 = 20_777;
    assert_eq!(
        kept,
        [(d20, "a".to_string(), 3), (d20 + 1, "b".to_string(), 1)]
    );
    let (media, ops) = (Kind::MediaSummary.bit(), Kind::Operations.bit());
    assert_eq!(
        with_keys,
        [
            format!("({d20}, \"a\", (400, Some(8572)), {media})"),
            format!("({d20}, \"a\", (500, Some(8572)), {})", media | ops),
            format!("({}, \"b\", (500, Some(8572)), {media})", d20 + 1),
        ]
    );
    assert_eq!(
        with_kinds,
        [
            (d20, "a".to_string(), "media_summary", 2),
            (d20, "a".to_string(), "operations", 1),
            (d20 + 1, "b".to_string(), "media_summary", 1),
        ]
    );
    assert!(without.is_empty() && without_kinds.is_empty());
    assert_eq!(kept, not_kept);
    // The setting stays with the sinks made from a sink, and with the one that takes another's
    // counts in a merge.
    let not = Aggregator::new(Window::default(), 3600).keeping_resource_days(false);
    assert!(!not.fresh().keep_resource_days);
    let (mut a, mut b) = (not.fresh(), Aggregator::new(Window::default(), 3600));
    a.trade_counts(&mut b);
    assert!(!a.keep_resource_days && b.keep_resource_days);
}

/// A cell holds its count, its calls and the place of its key's day, not 24 hours of its own:
/// each worker's table of tens of thousands of cells takes a third of what it took. The key's
/// day holds the hours and the first and last times (and so the span `--bucket auto` reads),
/// the same however the records were split among workers, and whichever sink took the other.
#[test]
fn a_cell_points_to_its_key_s_day_which_holds_the_hours() {
    assert!(size_of::<CellStats>() <= 48, "a cell with hours of its own");
    let recs: Vec<Record<'static>> = (0..120u32)
        .map(|i| {
            let t = format!(
                "2026-11-{:02}T{:02}:{:02}:00Z",
                20 + i % 5,
                (i * 7) % 24,
                i % 60
            );
            let mut r = rec(
                &t,
                500,
                Some(8572 + i % 2),
                ["c1", "c2", "c3"][i as usize % 3],
            );
            r.operation = Cow::Borrowed(["Play", "Recognize", "Transfer"][i as usize % 3]);
            r.resource_id = Cow::Borrowed(["/R/A", "/R/B", ""][i as usize / 2 % 3]);
            r
        })
        .collect();
    type Shown = (
        Vec<((i64, Key), Vec<u64>, u64)>,
        Vec<(Key, u64, u64, Time, Time)>,
        Vec<(OpKey, u64)>,
        Vec<((i64, u32, Key), u64)>,
        i64,
        Vec<((i64, String), (u64, Option<u32>))>,
    );
    let shown = |a: &Aggregator| -> Shown {
        let mut days: Vec<_> = (a.by_day.iter())
            .map(|(k, d)| (*k, d.hours.iter().collect(), d.calls.len()))
            .collect();
        let mut keys: Vec<_> = (a.by_key.iter())
            .map(|(k, s)| (*k, s.count, s.calls.len(), s.first, s.last))
            .collect();
        let mut ops: Vec<_> = a.by_op.iter().map(|(k, s)| (*k, s.count)).collect();
        let mut res: Vec<_> = (a.by_day_resource.iter())
            .map(|(&(d, r, k), s)| ((d, r, k), s.count))
            .collect();
        days.sort();
        keys.sort();
        ops.sort();
        res.sort();
        let of_res = (a.by_day_of_resource.iter())
            .map(|(&(d, r), &n)| ((d, a.resources.name(r).to_string()), n))
            .collect();
        (days, keys, ops, res, a.bucket_secs, of_res)
    };
    let mut one = Aggregator::new(Window::default(), 0);
    for r in &recs {
        one.record(r);
    }
    one.done();
    let want = shown(&one);
    // The hours counted from the records themselves.
    let mut hours: BTreeMap<(i64, Key), Vec<u64>> = BTreeMap::new();
    for r in &recs {
        let (t, key) = (r.time.timestamp(), (r.code, r.subcode));
        let day = hours.entry((t.div_euclid(DAY), key)).or_insert(vec![0; 24]);
        day[(t.rem_euclid(DAY) / 3600) as usize] += 1;
    }
    let got: Vec<_> = want.0.iter().map(|(k, h, _)| (*k, h.clone())).collect();
    assert_eq!(got, hours.into_iter().collect::<Vec<_>>());
    assert_eq!(want.0.len(), 10, "two keys on five days");
    let first = want.1.iter().filter_map(|k| k.3).min().unwrap();
    let last = want.1.iter().filter_map(|k| k.4).max().unwrap();
    assert_eq!(first.to_rfc3339(), "2026-11-20T00:00:00+00:00");
    assert_eq!(last.to_rfc3339(), "2026-11-24T23:29:00+00:00");
    assert_eq!(want.4, DAY, "a span of five days is bucketed by day");
    // Each resource's records on each day, and the second of the day of its last: where its
    // records stop.
    let mut of_res: BTreeMap<(i64, String), (u64, Option<u32>)> = BTreeMap::new();
    for r in recs.iter().filter(|r| !r.resource_id.is_empty()) {
        let t = r.time.timestamp();
        let name = r.resource_id.trim_start_matches("/R/").to_lowercase();
        let e = of_res.entry((t.div_euclid(DAY), name)).or_default();
        e.0 += 1;
        e.1 = e.1.max(Some(t.rem_euclid(DAY) as u32));
    }
    assert_eq!(want.5, of_res.into_iter().collect::<Vec<_>>());
    let after = recs.len() - 17;
    for small_first in [true, false] {
        // The workers meet the days in other orders (their places of a day differ), and
        // mostly cells of their own: `a` those of one operation and a few of the others'.
        let mut a = Aggregator::new(Window::default(), 0);
        let mut b = Aggregator::new(Window::default(), 0);
        for (i, r) in recs.iter().enumerate().rev() {
            if i < after && (i % 3 == 0 || i % 7 == 0) {
                a.record(r);
            }
        }
        for (i, r) in recs.iter().enumerate() {
            if i < after && !(i % 3 == 0 || i % 7 == 0) {
                b.record(r);
            }
        }
        let (mut into, from) = if small_first { (a, b) } else { (b, a) };
        into.merge(from);
        // Counted after the merge, into the places it made.
        for r in &recs[after..] {
            into.record(r);
        }
        into.done();
        assert_eq!(shown(&into), want, "small first: {small_first}");
    }
}

/// The budget of cells, and its even shares among 2, 4, 8 and 16 workers, fill a table of
/// cells to the last place before it would double: a worker's share of 15,625 cells (a budget
/// of 250,000 among 16) took 32,768 places, twice the 16,384 that 14,336 fill.
#[test]
fn the_budget_of_cells_and_its_even_shares_fill_their_tables() {
    for workers in [1, 2, 4, 8, 16] {
        let share = cell_share(workers);
        let mut cells: HashMap<Cell, CellStats> = HashMap::default();
        for i in 0..share {
            let cell = (i as i64, 0, Kind::MediaSummary, 400, None, 0, 0);
            cells.insert(cell, CellStats::new(0));
        }
        assert_eq!(cells.capacity(), share, "{workers} workers");
    }
}

/// A list read by [`popped`] gives its items last first, each once, and ends empty.
#[test]
fn a_popped_list_gives_its_items_last_first() {
    let got: Vec<u32> = popped((0..1000).collect()).collect();
    assert_eq!(got, (0..1000).rev().collect::<Vec<_>>());
    assert_eq!(popped(Vec::<u8>::new()).count(), 0);
}

/// A callback record names no resource: when `join_callbacks`, it counts under the resource
/// another record of its call names, whichever worker met which and in whichever order, each
/// record once (a call's two records in one cell, met by one worker or by two, are two); the
/// records of a call no other record of which names one, or of no call, stay of none.
#[test]
fn callback_records_count_under_their_call_s_resource() {
    let key = (408, Some(560408));
    let records = || -> Vec<Record<'static>> {
        let mut all = Vec::new();
        for (corr, op, res) in [
            ("c1", "AddParticipantFailed", ""),
            ("c1", "AddParticipantFailed", ""),
            ("c1", "PlayFailed", ""),
            ("c2", "AddParticipantFailed", ""),
            ("c3", "AddParticipantFailed", ""),
            ("c3", "AddParticipantFailed", ""),
            ("", "AddParticipantFailed", ""),
            ("c1", "Play", "/R/acs-prod"),
            ("c2", "Play", "/R/acs-stage"),
            ("c4", "Play", "/R/acs-prod"),
        ] {
            let mut r = rec("2026-12-03T01:10:00Z", key.0, key.1, corr);
            if res.is_empty() {
                r.kind = Kind::Callback;
            } else {
                (r.code, r.subcode) = (200, Some(0));
            }
            r.operation = Cow::Borrowed(op);
            r.resource_id = Cow::Borrowed(res);
            all.push(r);
        }
        all
    };
    let run = |parts: usize, reversed: bool, join: bool| {
        let mut workers: Vec<Aggregator> = (0..parts)
            .map(|_| Aggregator::new(Window::default(), 3600).joining_callbacks(join))
            .collect();
        let mut all = records();
        if reversed {
            all.reverse();
        }
        for (i, r) in all.iter().enumerate() {
            workers[(i * 7) % parts].record(r);
        }
        let mut a = workers.pop().unwrap();
        while let Some(w) = workers.pop() {
            a.merge(w);
        }
        a.done();
        let mut rows: Vec<(String, u64, u64)> = (a.by_resource.iter())
            .filter(|((_, k), _)| *k == key)
            .map(|(&(r, _), s)| (a.resources.name(r).to_string(), s.count, s.calls.len()))
            .collect();
        rows.sort();
        let mut joined: Vec<(String, u64)> = (a.joined.iter())
            .map(|(&r, &n)| (a.resources.name(r).to_string(), n))
            .collect();
        joined.sort();
        let mut night: Vec<(String, u64)> = (a.failures_by_day_resource.iter())
            .map(|(&(_, r, _), &n)| (a.resources.name(r).to_string(), n))
            .collect();
        night.sort();
        (rows, joined, night, a.callbacks_of_no_resource)
    };
    let s = |x: &str| x.to_string();
    let joined = (
        vec![(s(""), 3, 1), (s("acs-prod"), 3, 1), (s("acs-stage"), 1, 1)],
        vec![(s("acs-prod"), 3), (s("acs-stage"), 1)],
        vec![(s("acs-prod"), 3), (s("acs-stage"), 1)],
        7,
    );
    for parts in [1, 2, 3, 5] {
        for reversed in [false, true] {
            assert_eq!(
                run(parts, reversed, true),
                joined,
                "{parts} workers, reversed {reversed}"
            );
        }
    }
    // Not joined (triage joins its own): every callback record is of none.
    let (rows, joined, night, all) = run(2, false, false);
    assert_eq!(rows, vec![(s(""), 7, 3)]);
    assert!(joined.is_empty() && night.is_empty() && all == 0);
}

/// A key's callback records of a day are counted by target, with the day, whatever the split
/// among workers: one that more than half of them went to is named with its exact count.
#[test]
fn a_key_s_day_counts_its_callback_records_by_target() {
    let records: Vec<Record<'static>> = (0..40)
        .map(|i| {
            let mut r = rec(
                &format!("2026-11-20T{:02}:10:00Z", i % 24),
                408,
                Some(10004),
                "c1",
            );
            r.kind = Kind::Callback;
            r.target = match i % 4 {
                0 => format!(" 4:+1425555{:04}", 1000 + i).into(),
                _ => "4:+14255550100 ".into(),
            };
            r
        })
        .collect();
    let day = records[0].time.timestamp().div_euclid(DAY);
    let lead = |a: &Aggregator| {
        let s = &a.by_day[&(day, (408, Some(10004)))];
        (s.targets.lead(s.count())).map(|(t, n)| (t.to_string(), n, s.count()))
    };
    let mut one = Aggregator::new(Window::default(), 3600);
    for r in &records {
        one.record(r);
    }
    one.done();
    assert_eq!(lead(&one), Some(("4:+14255550100".to_string(), 30, 40)));
    // Split among workers (the first 4 distinct targets of a worker's records are kept): the
    // same, or none, never another count.
    for at in [1, 5, 13, 20, 39] {
        let (mut a, mut b) = (
            Aggregator::new(Window::default(), 3600),
            Aggregator::new(Window::default(), 3600),
        );
        for r in &records[..at] {
            a.record(r);
        }
        for r in &records[at..] {
            b.record(r);
        }
        a.merge(b);
        a.done();
        let got = lead(&a);
        assert!(got.is_none() || got == lead(&one), "split at {at}: {got:?}");
    }
}

/// Records of two resources' calls and the callback records of those calls (which name no
/// resource), with messages, SIP details and hours of their own; a call of acs-b's that one
/// record of acs-a names too; a callback record of a call no other record names.
fn two_resources() -> Vec<Record<'static>> {
    let mut all = Vec::new();
    let ids: Vec<&'static str> = (0..12)
        .map(|n| &*format!("0ecaf828-e2f7-4553-8fcc-{n:012x}").leak())
        .chain(["call-7", "{Braced-Id}"])
        .collect();
    for (n, &id) in ids.iter().enumerate() {
        let res = if n % 3 == 0 { "/R/ACS-B" } else { "/R/acs-a" };
        let hour = n % 5;
        let mut op = rec(&format!("2026-12-03T0{hour}:10:00Z"), 202, None, id);
        (op.kind, op.operation, op.resource_id) = (Kind::Operations, "Play".into(), res.into());
        all.push(op);
        for k in 0..=(n % 3) {
            let mut cb = rec(&format!("2026-12-03T0{hour}:2{k}:00Z"), 500, Some(8572), id);
            cb.kind = Kind::Callback;
            cb.operation = "PlayFailed".into();
            cb.message = if n % 2 == 0 {
                "Play failed."
            } else {
                "Shutdown."
            }
            .into();
            if n % 4 == 1 {
                cb.sip.code = Some(503);
                cb.sip.message = "Service Unavailable".into();
            }
            all.push(cb);
        }
        if n % 2 == 0 {
            let mut m = rec(&format!("2026-12-03T0{hour}:30:00Z"), 400, Some(8536), id);
            m.resource_id = res.into();
            all.push(m);
        }
    }
    // Call 3 (acs-b's) is named by an acs-a record too: it is acs-a's as the first by name.
    let mut also = rec("2026-12-03T03:40:00Z", 200, Some(0), ids[3]);
    also.resource_id = "/R/acs-a".into();
    all.push(also);
    let mut lone = rec("2026-12-03T04:50:00Z", 500, Some(8572), "c-none");
    (lone.kind, lone.operation) = (Kind::Callback, "PlayFailed".into());
    all.push(lone);
    all
}

/// What a run counted, as lines to compare: each key's records, calls, first and last times and
/// messages, its hours, its SIP rows, each resource's rows and those joined to it.
fn counted_lines(a: &Aggregator) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for (key, k) in &a.by_key {
        let m = (k.messages.iter()).map(|(t, n)| format!("{t}={n}"));
        let m: Vec<String> = m.collect();
        lines.push(format!(
            "key {key:?} {} {} {:?} {:?} {m:?} {}",
            k.count,
            k.calls.len(),
            k.first,
            k.last,
            k.other_messages
        ));
    }
    for ((day, key), d) in &a.by_day {
        let hours: Vec<u64> = d.hours.iter().collect();
        lines.push(format!("day {day} {key:?} {hours:?} {}", d.calls.len()));
    }
    for ((code, sub, sip, sip_m, q, q_m), d) in &a.diagnostics {
        let (sip_m, q_m) = (
            a.diagnostic_texts.name(*sip_m),
            a.diagnostic_texts.name(*q_m),
        );
        lines.push(format!(
            "sip {code} {sub:?} {sip:?} {sip_m} {q:?} {q_m} {} {}",
            d.count,
            d.calls.len()
        ));
    }
    for ((res, key), r) in &a.by_resource {
        let name = a.resources.name(*res);
        lines.push(format!(
            "resource {name} {key:?} {} {}",
            r.count,
            r.calls.len()
        ));
    }
    for (res, n) in &a.joined {
        lines.push(format!("joined {} {n}", a.resources.name(*res)));
    }
    lines.sort();
    lines
}

/// A `--resource` run whose calls were read first ([`ResourceCalls`]) counts the callback
/// records of its resources' calls, in every table, as a full run counts the records of those
/// calls alone (the call acs-a and acs-b both name is acs-a's, the first by name, in both: its
/// callback records are in `--resource acs-a`, not in `--resource acs-b`), whatever the split
/// among workers and the order read. Without the calls read first (standard input), it counts
/// none of them.
#[test]
fn a_resource_run_counts_its_calls_callback_records_as_a_full_run_does() {
    let all = two_resources();
    let sink =
        || (Aggregator::new(Window::default(), 3600).joining_callbacks(true)).keeping_silent(true);
    let run = |records: &[&Record<'static>], parts: usize, make: &dyn Fn() -> Aggregator| {
        let mut workers: Vec<Aggregator> = (0..parts).map(|_| make()).collect();
        for (i, r) in records.iter().enumerate() {
            workers[(i * 7) % parts].record(r);
        }
        let mut a = workers.pop().unwrap();
        while let Some(w) = workers.pop() {
            a.merge(w);
        }
        a.done();
        a
    };
    // Each call's resource: the first by name of those its records name.
    let mut first: HashMap<&str, String> = HashMap::default();
    for r in &all {
        if let (Some(id), Some(name)) = (r.call_id(), r.resource()) {
            let e = first.entry(id).or_insert_with(|| name.clone());
            if name < *e {
                *e = name;
            }
        }
    }
    let callbacks = all.iter().filter(|r| r.kind == Kind::Callback).count() as u64;
    for name in ["acs-a", "acs-b"] {
        // The full run of the resource's calls alone: the records that name it, and the
        // callback records of the calls whose resource it is.
        let alone: Vec<&Record<'static>> = (all.iter())
            .filter(|r| match r.resource() {
                Some(res) => res == name,
                None => r
                    .call_id()
                    .and_then(|id| first.get(id))
                    .is_some_and(|f| f == name),
            })
            .collect();
        let expected = counted_lines(&run(&alone, 1, &sink));
        assert!(expected
            .iter()
            .any(|l| l.starts_with(&format!("joined {name} "))));
        // Left out: the callback records of the other resource's calls, and the one of a call
        // no record of which names a resource.
        let left_out = callbacks - alone.iter().filter(|r| r.kind == Kind::Callback).count() as u64;
        assert_eq!(left_out, if name == "acs-a" { 4 + 1 } else { 24 });
        let keep = [glob::Pattern::new(name).unwrap()];
        for parts in [1, 2, 3] {
            for reversed in [false, true] {
                let mut records: Vec<&Record<'static>> = all.iter().collect();
                if reversed {
                    records.reverse();
                }
                let filter = || Aggregator::new(Window::default(), 3600).with_resources(&keep);
                let mut readers: Vec<ResourceCalls> =
                    (0..parts).map(|_| ResourceCalls::new(filter())).collect();
                for (i, r) in records.iter().enumerate() {
                    readers[(i * 5) % parts].record(r);
                }
                let mut calls = readers.pop().unwrap();
                while let Some(r) = readers.pop() {
                    calls.merge(r);
                }
                let calls = CallsOfResources::Read(Arc::new(calls.into_calls()), Vec::new());
                let filtered = || sink().with_resources(&keep).with_calls_of_resources(&calls);
                let a = run(&records, parts, &filtered);
                let at = format!("{name}, {parts} workers, reversed {reversed}");
                assert_eq!(counted_lines(&a), expected, "{at}");
                let outside = all.len() as u64 - alone.len() as u64;
                assert_eq!(
                    (a.accepted, a.outside),
                    (alone.len() as u64, outside),
                    "{at}"
                );
                assert_eq!(a.callbacks_left_out, left_out, "{at}");
                // Every Play has its PlayFailed event: the callback records left out end their
                // calls' Plays all the same (call 3's, acs-a's callbacks, ends acs-b's Play).
                let plays = (alone.iter())
                    .filter(|r| r.kind == Kind::Operations)
                    .count() as u64;
                let play = &a.silent_report.rows[0];
                assert_eq!(
                    (play.action, play.accepted, play.with_outcome),
                    ("Play", plays, plays),
                    "{at}"
                );
                assert!(a.keeps_calls_callbacks());
            }
        }
    }
    // Read once: every callback record is left out.
    let keep = [glob::Pattern::new("acs-a").unwrap()];
    let once = || {
        sink()
            .with_resources(&keep)
            .with_calls_of_resources(&CallsOfResources::Once)
    };
    let a = run(&all.iter().collect::<Vec<_>>(), 2, &once);
    assert!(!a.keeps_calls_callbacks());
    assert!(counted_lines(&a).iter().all(|l| !l.starts_with("joined")));
    assert_eq!(a.callbacks_left_out, callbacks);
}

/// A whole-id `--resource` pattern keeps a record whatever the id's ends: written without its
/// leading `/` (026f68f) or with a trailing one (rev68b F5: kept by its name, not by its id).
#[test]
fn a_whole_id_pattern_keeps_an_id_without_its_leading_or_with_a_trailing_slash() {
    for pattern in [
        "subscriptions/*/communicationservices/acs-a",
        "/subscriptions/*/communicationservices/acs-a/",
    ] {
        keeps_each_form(pattern);
    }
}

fn keeps_each_form(pattern: &str) {
    let keep = [crate::config::parse_resource(pattern).unwrap()];
    for id in [
        "/subscriptions/s/providers/microsoft.communication/communicationservices/acs-a",
        "SUBSCRIPTIONS/S/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-A",
        "/subscriptions/s/providers/microsoft.communication/communicationservices/acs-a/",
    ] {
        let mut a = Aggregator::new(Window::default(), 3600).with_resources(&keep);
        let mut r = rec("2026-11-20T01:10:00Z", 500, Some(8572), "c1");
        r.resource_id = Cow::Borrowed(id);
        assert_eq!(a.record(&r), Kept::Counted, "{pattern} {id}");
    }
}
