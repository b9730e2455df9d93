//! Tests of `aggregate/mod.rs`.

use super::*;
use std::borrow::Cow;

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

/// A reject of line `line` of `a.jsonl`.
fn rej(line: u64) -> Reject {
    Reject {
        file: "a.jsonl".into(),
        line,
        record: None,
        reason: Reason::NotJson,
        detail: String::new(),
        excerpt: String::new(),
    }
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

fn rec(t: &str, code: u32, sub: Option<u32>, corr: &'static str) -> Record<'static> {
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
    let mut t = BTreeMap::new();
    t.insert((h(2001), (500, None)), 1);
    t.insert((h(2099), (500, None)), 2);
    let s = series(&t, 3600, (500, None), 48);
    assert!(s.len() <= 48, "{}", s.len());
    assert_eq!((s[0], *s.last().unwrap(), s.iter().sum::<u64>()), (1, 2, 3));
    // Up to 48 buckets: one cell each.
    let mut t = BTreeMap::new();
    t.insert((0, (404, Some(1))), 5);
    t.insert((3600 * 23, (404, Some(1))), 7);
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
    assert_eq!(timeline[&(h19, (404, Some(8522)))], 2);
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
    let mut a = Aggregator::new(Window::default(), 3600);
    a.max_cells = 3;
    let t = "2026-11-24T10:00:00Z";
    // Three keys fill the budget; records of those keys are still taken, a fourth key is not.
    for sub in 1..=3 {
        assert_eq!(a.record(&rec(t, 400, Some(sub), "c")), Kept::Counted);
    }
    assert_eq!(a.record(&rec(t, 400, Some(4), "c")), Kept::Full);
    assert_eq!(a.record(&rec(t, 400, Some(2), "d")), Kept::Counted);
    // A known key on a new day is a new cell too.
    assert_eq!(
        a.record(&rec("2026-11-25T10:00:00Z", 400, Some(1), "c")),
        Kept::Full
    );
    a.done();
    assert_eq!(a.accepted, 4);
    assert_eq!(a.by_key.len(), 3);
    assert_eq!(a.by_key[&(400, Some(2))].count, 2);
}
