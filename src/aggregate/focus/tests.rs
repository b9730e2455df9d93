//! Tests of `aggregate/focus.rs`: the sink itself, and the fixtures the tests of its parts
//! share.

use super::super::call_ids::Words;
use super::*;

pub(super) const IDS: [&str; 9] = [
    "00000000-0000-0000-0000-000000000000",
    "0ecaf828-e2f7-4553-8fcc-69d79561a0d1",
    "0ecaf828-e2f7-4553-8fcc-69d79561a0d2",
    "0ecaf828-e2f7-4553-8fcc-69d79561a0d",
    "9fffffff-ffff-ffff-ffff-ffffffffffff",
    "a0000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "0ECAF828-E2F7-4553-8FCC-69D79561A0D",
    "call-7",
];

/// A record of subcode 8522 of call `corr`, naming every id and a message, at second `s`.
pub(super) fn focused(corr: String, s: u32) -> Record<'static> {
    Record {
        time: format!("2026-11-24T01:00:{s:02}Z").parse().unwrap(),
        kind: crate::record::Kind::Operations,
        operation: "Play".into(),
        result_type: "".into(),
        code: 400,
        subcode: Some(8522),
        message: format!("message {s}").into(),
        correlation_id: corr.into(),
        call_connection_id: "0ecaf828-e2f7-4553-8fcc-69d79561a0d1".into(),
        operation_id: "".into(),
        resource_id: "".into(),
        sdk_type: "java".into(),
        sdk_version: "1.2.0".into(),
        prompt: "".into(),
        server_call_id: format!("{:-<150}", s).into(),
        sip: Default::default(),
        q850: Default::default(),
        target: "".into(),
        operation_context: "".into(),
    }
}

/// Without details (Markdown, JSON), a call holds its counts and ids in the list of the
/// table by call and nothing on the heap: 100,000 calls of two records take under 160
/// bytes each, in two workers merged (under 150 before a call kept the first resource by
/// name its records name, a pointer to a text the resource's calls share: rev67b F1).
/// They held about 700 (a boxed stats, its ServerCallId, SDK and message texts each on
/// the heap).
#[test]
fn calls_without_details_hold_nothing_past_their_place() {
    let listing = Listing {
        first: Some(20),
        details: false,
        sdks: true,
    };
    let worker =
        || Focus::new(8522, None, Aggregator::new(Default::default(), 3600)).listing(listing);
    let (mut a, mut b) = (worker(), worker());
    for n in 0..100_000u32 {
        let corr = format!("{n:08x}-e2f7-4553-8fcc-69d79561a0d1");
        let w = if n % 3 == 0 { &mut a } else { &mut b };
        w.record(&focused(corr.clone(), n % 60));
        b.record(&focused(corr, 59));
    }
    a.merge(b);
    let calls = &a.calls;
    assert_eq!(calls.len(), 100_000);
    let c = calls.get("00000007-e2f7-4553-8fcc-69d79561a0d1").unwrap();
    assert_eq!((c.count, c.sdk.text().as_ref()), (2, "java\t1.2.0"));
    assert!(c.details.is_none() && c.server_call_id.is_empty());
    // One text for the SDK of every call.
    let other = calls.get("00000008-e2f7-4553-8fcc-69d79561a0d1").unwrap();
    let texts = (c.sdk.id.as_ref().unwrap(), other.sdk.id.as_ref().unwrap());
    assert!(Arc::ptr_eq(texts.0, texts.1));
    let held = calls.guids.entries.capacity() * std::mem::size_of::<(Words, CallStats)>()
        + calls.guids.places.allocation_size();
    assert!(held < 160 * 100_000, "{held}");
    assert!(std::mem::size_of::<CallStats>() <= 120);
    // With details (CSV, --calls), the same calls hold them.
    let mut full = Focus::new(8522, None, Aggregator::new(Default::default(), 3600));
    full.record(&focused("corr-1".into(), 7));
    let c = full.calls.get("corr-1").unwrap();
    let d = c.details.as_ref().unwrap();
    assert_eq!(
        (d.codes.as_slice(), d.messages.len()),
        ([(400, Some(8522))].as_slice(), 1)
    );
    assert_eq!(c.server_call_id.text(), format!("{:-<150}", 7));
}

/// Past the budget of texts, the workers let their calls' texts go and take no more,
/// whichever passed it; merged, neither holds any. Within it, they keep them all.
#[test]
fn past_the_budget_of_texts_no_call_holds_any() {
    let corr = |n: u32| format!("{n:08x}-e2f7-4553-8fcc-69d79561a0d1");
    let held = |f: &Focus| {
        f.calls
            .guids
            .entries
            .iter()
            .map(|(_, c)| c.text_bytes())
            .sum()
    };
    for (budget, dropped) in [(usize::MAX, false), (20_000, true)] {
        let ids = SharedIds::limits(usize::MAX, budget);
        let worker =
            || Focus::new(8522, None, Aggregator::new(Default::default(), 3600)).sharing_ids(&ids);
        let (mut a, mut b) = (worker(), worker());
        for n in 0..1_000u32 {
            a.record(&focused(corr(n), n % 60));
            // Past it by one call's texts at most, until its next record.
            let most: usize = held(&a);
            assert!(!dropped || most <= 21_000, "{most}");
            // The other worker meets the budget spent at its first record.
            if n % 100 == 0 {
                b.record(&focused(corr(n + 5_000), 1));
            }
        }
        assert_eq!((a.texts_dropped(), b.texts_dropped()), (dropped, dropped));
        a.merge(b);
        assert_eq!(a.texts_dropped(), dropped);
        assert_eq!(a.calls.len(), 1_010);
        let c = a.calls.get(&corr(7)).unwrap();
        assert_eq!((c.details.is_some(), c.count), (!dropped, 1));
        assert_eq!(c.server_call_id.is_empty(), dropped);
        assert_eq!(held(&a) == 0, dropped);
    }
}

/// The calls listed are the first so many of every call in the order of their records,
/// then the latest, then by id as its text compares, GUIDs (an upper-case one as its
/// lower-case text) and other ids alike, however the work was split; the others' records
/// are counted by SDK.
#[test]
fn the_calls_listed_are_the_first_of_every_call_in_rank_order() {
    let id = |n: u32| match n % 4 {
        0 => format!("CALL-{n}"),
        1 => format!("{n:08X}-E2F7-4553-8FCC-69D79561A0D1"),
        _ => format!("{n:08x}-e2f7-4553-8fcc-69d79561a0d1"),
    };
    let feed = |first: Option<usize>| {
        let listing = Listing {
            first,
            details: true,
            sdks: true,
        };
        let worker =
            || Focus::new(8522, None, Aggregator::new(Default::default(), 3600)).listing(listing);
        let (mut a, mut b) = (worker(), worker());
        let mut want = Vec::new();
        for n in 0..300u32 {
            // 1 to 3 records, the last at one of 2 seconds: many ties but for the id.
            let records = 1 + n % 3;
            for k in 0..records {
                let w = if (n + k) % 2 == 0 { &mut a } else { &mut b };
                w.record(&focused(id(n), 10 * (n % 2) + k));
            }
            let shown = match n % 4 {
                1 => id(n).to_lowercase(),
                _ => id(n),
            };
            want.push((
                std::cmp::Reverse(records),
                std::cmp::Reverse(10 * (n % 2) + records - 1),
                shown,
            ));
        }
        a.merge(b);
        want.sort();
        let (listed, total) = a.listed();
        let got: Vec<String> = listed.into_iter().map(|(id, _)| id.into_string()).collect();
        let want: Vec<String> = want.into_iter().map(|w| w.2).collect();
        assert_eq!(total, 300);
        let (by, unnamed) = a.sdk_split();
        assert_eq!((by.get("java\t1.2.0").copied(), unnamed), (Some(600), 0));
        (got, want)
    };
    let (all, want) = feed(None);
    assert_eq!(all, want);
    for first in [0, 1, 7, 75, 299, 300, 1_000] {
        let (got, _) = feed(Some(first));
        assert_eq!(got, want[..first.min(300)], "{first}");
    }
}
