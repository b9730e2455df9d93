//! Tests of the report model.

use super::*;

#[test]
fn shares_round_to_four_decimals() {
    assert_eq!(share(1, 3), 0.3333);
    assert_eq!(share(2, 3), 0.6667);
    assert_eq!(share(0, 0), 0.0);
    // Ties go up, whatever the double's last bit (rev67b F2: 0.0001 and 0.0003).
    assert_eq!(
        [1, 3, 5, 7].map(|n| share(n, 20_000)),
        [0.0001, 0.0002, 0.0003, 0.0004]
    );
    assert_eq!(share(u64::MAX, u64::MAX), 1.0);
}

#[test]
fn the_model_counts_every_record_once() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    assert_eq!(
        (r.read, r.accepted, r.rejected, r.skipped),
        (149, 146, 2, 1)
    );
    // 404/8522 (22), 400/8510 (19), 503/560503 (2), 418/99999 and 487/0 are not successes;
    // 400/8510 and 487/0 are the callers' doing.
    assert_eq!(r.failures, 45);
    assert_eq!(r.needs_action, 25);
    assert_eq!(r.needs_action_rate(), share(25, 146));
    assert_eq!(r.failure_rate(), share(45, 146));
    assert_eq!(r.codes.iter().map(|c| c.count).sum::<u64>(), r.accepted);
    let keys: Vec<(u32, Option<u32>, u64)> = r
        .codes
        .iter()
        .map(|c| (c.code, c.subcode, c.count))
        .collect();
    // Most frequent first, then by key.
    assert_eq!(
        keys,
        vec![
            (200, Some(0), 101),
            (404, Some(8522), 22),
            (400, Some(8510), 19),
            (503, Some(560_503), 2),
            (418, Some(99_999), 1),
            (487, Some(0), 1),
        ]
    );
}

/// Rows of keys that one catalogue text describes share that text, not a copy each: keys by the
/// hundred thousand of one generic code hold it once. So do the rows of one operation its name.
#[test]
fn rows_share_the_catalogue_s_texts_and_the_operations_names() {
    use crate::ingest::Sink;
    let cat = fixture::catalogue();
    let mut agg = crate::aggregate::Aggregator::new(Default::default(), 86_400);
    for (n, sub) in [70_001, 70_002, 70_003].into_iter().enumerate() {
        let kind = crate::record::Kind::MediaSummary;
        agg.record(&fixture::record(1, n as i64, 400, Some(sub), kind, ""));
    }
    agg.done();
    let r = build(
        agg,
        &cat,
        Default::default(),
        Vec::new(),
        Default::default(),
        Vec::new(),
    );
    let generic = cat.lookup(400, Some(70_001));
    assert_eq!(r.codes.len(), 3);
    for c in &r.codes {
        assert_eq!(
            (&*c.description, &*c.source),
            (generic.description, generic.source)
        );
        let shared = |f: fn(&CodeRow) -> &Text| std::sync::Arc::ptr_eq(f(c), f(&r.codes[0]));
        assert!(shared(|c| &c.description) && shared(|c| &c.source));
        assert!(shared(|c| &c.mitigation) && shared(|c| &c.callback_event));
    }
    assert_eq!(r.operations.len(), 3);
    for o in &r.operations {
        assert_eq!((&*o.operation, &*o.prompt), ("Play", ""));
        let shared =
            |f: fn(&OperationRow) -> &Text| std::sync::Arc::ptr_eq(f(o), f(&r.operations[0]));
        assert!(shared(|o| &o.operation) && shared(|o| &o.prompt));
    }
}

#[test]
fn the_model_joins_the_catalogue() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    let row = |code, sub| {
        r.codes
            .iter()
            .find(|c| (c.code, c.subcode) == (code, sub))
            .unwrap()
    };
    let known = row(404, Some(8522));
    assert_eq!(known.matched, Match::Exact);
    assert_eq!(known.category, Category::Client);
    assert!(!known.description.is_empty());
    let unknown = row(418, Some(99_999));
    assert_eq!(unknown.matched, Match::None);
    let unc: Vec<_> = r.uncatalogued().collect();
    assert_eq!(unc.len(), 1);
    assert_eq!(unc[0].code, 418);
    // Messages are kept as the log wrote them: escaping is the renderers' job.
    assert!(unknown.messages[0].0.starts_with("<script>"));
    // Categories: every accepted record in one, success included.
    let cats: u64 = r.categories.iter().map(|c| c.count).sum();
    assert_eq!(cats, r.accepted);
    // Mitigations: failures only, most first, each key under one.
    assert_eq!(
        r.mitigations.iter().map(|m| m.count).sum::<u64>(),
        r.failures
    );
    assert!(r.mitigations.windows(2).all(|w| w[0].count >= w[1].count));
    assert_eq!(r.mitigations[0].keys[0], (404, Some(8522)));
    // Outcome classes: every accepted record in one.
    assert_eq!(r.outcomes.iter().map(|o| o.count).sum::<u64>(), r.accepted);
    assert_eq!(r.top_of(Outcome::Caller, 5)[0].code, 400);
    assert!(r
        .top_of(Outcome::Failure, 10)
        .iter()
        .all(|c| c.outcome == Outcome::Failure));
    // Top failures leave successes out.
    assert!(r.top_failures(10).iter().all(|c| c.category.is_failure()));
}

#[test]
fn the_model_keeps_diagnostics_rejects_and_spikes() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(
        (d.key, d.sip_code, d.q850_code, d.count),
        ((503, Some(560_503)), Some(503), Some(41), 2)
    );
    assert_eq!(r.reject_groups.len(), 2);
    assert_eq!(r.rejects.len(), 2);
    assert_eq!(r.rejects[1].record, Some(3));
    assert_eq!(r.skip_counts.iter().map(|(_, n)| n).sum::<u64>(), 1);
    // The day of fifteen 404/8522 after a week of one a day is flagged.
    assert_eq!(r.spikes.day, crate::time::parse_day("2026-11-24"));
    let flagged: Vec<(Key, Outcome)> = r
        .spike_rows
        .iter()
        .map(|s| (s.verdict.key, s.outcome))
        .collect();
    assert_eq!(flagged.len(), 2);
    assert!(flagged.contains(&((404, Some(8522)), Outcome::Failure)));
    assert!(flagged.contains(&((400, Some(8510)), Outcome::Caller)));
    assert!(r.spike_rows.iter().all(|s| s.category == Category::Client));
    // The timeline has one bucket a day per key seen that day.
    assert_eq!(r.timeline.values().sum::<u64>(), r.accepted);
}

#[test]
fn the_exit_code_follows_spikes_then_rejects() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    let none = MaxBad::Count(u64::MAX);
    assert_eq!(r.exit(FailOnSpike::Off, none), Exit::Success);
    assert_eq!(r.exit(FailOnSpike::Failure, none), Exit::SpikesFound);
    assert_eq!(
        r.exit(FailOnSpike::Off, MaxBad::Count(1)),
        Exit::TooManyRejects
    );
    assert_eq!(
        r.exit(FailOnSpike::All, MaxBad::Count(1)),
        Exit::SpikesFound
    );
    assert_eq!(r.exit(FailOnSpike::Off, MaxBad::Count(2)), Exit::Success);
    // Only a caller outcome spiked: --fail-on-spike pages for it with `all` only.
    let mut callers_only = r.clone();
    callers_only
        .spike_rows
        .retain(|s| s.outcome == Outcome::Caller);
    assert_eq!(callers_only.spike_rows.len(), 1);
    assert_eq!(callers_only.exit(FailOnSpike::Failure, none), Exit::Success);
    assert_eq!(callers_only.exit(FailOnSpike::All, none), Exit::SpikesFound);
}

#[test]
fn every_table_is_a_projection_of_the_model() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    assert_eq!(r.by_code().rows.len(), r.codes.len());
    assert_eq!(r.by_category().rows.len(), r.categories.len());
    assert_eq!(r.by_mitigation().rows.len(), r.mitigations.len());
    assert_eq!(r.rejects_table().rows.len(), r.rejects.len());
    assert_eq!(r.by_sip().rows.len(), r.diagnostics.len());
    assert_eq!(r.spikes_table().rows.len(), r.spike_rows.len());
    assert_eq!(r.timeline_table().rows.len(), r.timeline.len());
}

/// A spike over all records says where its records are when there is more than one place:
/// the resources with records of the key, those without (named when few), and the records
/// that name none; a key all of one resource, the only one, says nothing more.
#[test]
fn a_spike_sentence_gives_the_split_by_resource() {
    use crate::spikes::ResourceSplit;
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    let mut v = r.spike_rows[0].verdict.clone();
    let bare = spike_sentence(&v, &cat);
    assert!(!bare.contains("by resource"), "{bare}");
    let named = |n: &[(&str, u64)]| n.iter().map(|(a, b)| (a.to_string(), *b)).collect();
    let split = |counts: &[(&str, u64)], without: &[&str], without_count, not_named| {
        Some(ResourceSplit {
            counts: named(counts),
            more: (0, 0),
            not_named,
            without: without.iter().map(|s| s.to_string()).collect(),
            without_count,
        })
    };
    for (by_resource, said) in [
        (split(&[("acs-prod", 18)], &[], 0, 0), None),
        (
            split(&[("acs-prod", 18)], &["acs-stage"], 1, 0),
            Some("acs-prod 18, acs-stage 0"),
        ),
        (
            split(&[("acs-prod", 12), ("acs-stage", 4)], &[], 0, 2),
            Some("acs-prod 12, acs-stage 4, (not named) 2"),
        ),
        (
            split(&[("acs-prod", 18)], &["a", "b", "c", "d", "e"], 35, 0),
            Some("acs-prod 18, none on 35 other resources"),
        ),
    ] {
        v.by_resource = by_resource;
        let sentence = spike_sentence(&v, &cat);
        match said {
            Some(split) => assert_eq!(sentence, format!("{bare}; by resource: {split}")),
            None => assert_eq!(sentence, bare),
        }
    }
    v.by_resource = split(&[("a", 9), ("b", 5)], &[], 0, 0);
    v.by_resource.as_mut().unwrap().more = (3, 4);
    assert_eq!(
        resource_split_text(&v).as_deref(),
        Some("a 9, b 5, 4 on 3 more resources")
    );
}

/// Each resource's row names its failure-class key with the most records, and its
/// needs-action rate over its baseline days when the history holds them.
#[test]
fn a_resource_s_row_names_its_top_failure_and_its_usual_rate() {
    use crate::ingest::Sink;
    use crate::spikes::ResourceBaseline;
    let cat = fixture::catalogue();
    let mut agg = crate::aggregate::Aggregator::new(Default::default(), 86_400);
    let kind = crate::record::Kind::MediaSummary;
    for (n, (code, sub, res)) in [
        (500, 8572, "/x/acs-prod"),
        (500, 8572, "/x/acs-prod"),
        (404, 8522, "/x/acs-prod"),
        (400, 8510, "/x/acs-prod"),
        (400, 8510, "/x/acs-prod"),
        (400, 8510, "/x/acs-prod"),
        (200, 0, "/x/acs-stage"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut rec = fixture::record(1, n as i64, code, Some(sub), kind, "");
        rec.resource_id = std::borrow::Cow::Borrowed(res);
        agg.record(&rec);
    }
    agg.done();
    let mut spikes = crate::spikes::SpikeReport::default();
    let usual = ResourceBaseline {
        exposure: 200,
        keys: [
            ((500, Some(8572)), 3),
            ((400, Some(8510)), 40),
            ((200, Some(0)), 157),
        ]
        .into(),
    };
    spikes.resource_baselines = [("acs-prod".to_string(), usual)].into();
    let r = build(
        agg,
        &cat,
        Default::default(),
        Vec::new(),
        spikes,
        Vec::new(),
    );
    let rows: Vec<_> = (r.resources.iter())
        .map(|x| {
            (
                x.resource.as_str(),
                x.needs_action,
                x.top_failure,
                x.usual_needs_action_rate,
            )
        })
        .collect();
    // 400/8510 is the caller's: not the top failure, not in the usual rate.
    assert_eq!(
        rows,
        [
            (
                "acs-prod",
                3,
                Some(((500, Some(8572)), 2)),
                Some(share(3, 200))
            ),
            ("acs-stage", 0, None, None),
        ]
    );
    assert!(r.spikes.resource_baselines.is_empty());
}

/// By mitigation's tables by class hold the failure class's records apart from the callers':
/// a caller key without a mitigation is not counted as a failure without one, and each
/// table's shares are of its class. by_mitigation.csv keeps both classes in one table.
#[test]
fn mitigations_are_split_by_outcome_class() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    let class = |o: Outcome| r.outcomes.iter().find(|x| x.outcome == o).unwrap().count;
    for o in [Outcome::Failure, Outcome::Caller] {
        let rows: Vec<&MitigationRow> = (r.mitigations_by_class.iter())
            .filter(|m| m.outcome == Some(o))
            .collect();
        assert_eq!(rows.iter().map(|m| m.count).sum::<u64>(), class(o), "{o}");
        let keys = rows.iter().flat_map(|m| &m.keys);
        assert!(keys.clone().all(|k| cat.outcome(k.0, k.1) == o), "{o}");
        let t = r.mitigations_of(o);
        assert_eq!(t.rows.len(), rows.len());
        let shares: f64 = t
            .text_rows()
            .iter()
            .map(|c| c[2].parse::<f64>().unwrap())
            .sum();
        assert!((shares - 1.0).abs() < 1e-3, "{o}: {shares}");
    }
    // 400/8510 (19) and 487/0 (1) are the callers': 20 of the 45 failures.
    assert_eq!(class(Outcome::Caller), 20);
    // The failure class first, then the callers'.
    let order: Vec<_> = r.mitigations_by_class.iter().map(|m| m.outcome).collect();
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");
    assert_eq!(r.by_mitigation().rows.len(), r.mitigations.len());
    assert!(r.mitigations.iter().all(|m| m.outcome.is_none()));
}

/// A flagged key's split by resource is the night's own, with or without the history's days
/// by resource: its callback records count under the resource their call's other records
/// name, those of a call none of whose records names one under `(not named)`.
#[test]
fn a_night_s_split_counts_callback_records_under_their_call_s_resource() {
    use crate::aggregate::{Aggregator, Window};
    use crate::ingest::Sink;
    use crate::normalize::Kind;
    use std::borrow::Cow;
    let key = (408, Some(560_408));
    let split = |join: bool| {
        let mut agg = Aggregator::new(Window::default(), 86_400)
            .keeping_resource_days(false)
            .joining_callbacks(join);
        // The fixture's calls are `call-28-{n % 7}`: 1 and 8 are one call.
        for (n, code, kind, res) in [
            (1, 408, Kind::Callback, ""),
            (8, 408, Kind::Callback, ""),
            (1, 408, Kind::Callback, ""),
            (3, 408, Kind::Callback, ""),
            (1, 200, Kind::Operations, "/x/ACS-PROD"),
            (2, 200, Kind::Operations, "/x/acs-stage"),
        ] {
            let sub = if code == 200 { Some(0) } else { key.1 };
            let mut r = fixture::record(28, n, code, sub, kind, "timeout");
            r.resource_id = Cow::Borrowed(res);
            agg.record(&r);
        }
        agg.done();
        let day = fixture::record(28, 0, 200, None, Kind::Callback, "").time;
        crate::spikes::night_split(&agg, day.timestamp().div_euclid(86_400), key, 4)
    };
    let s = split(true).expect("a split");
    assert_eq!(s.counts, vec![("acs-prod".to_string(), 3)]);
    assert_eq!(
        (s.not_named, s.without.clone()),
        (1, vec!["acs-stage".to_string()])
    );
    assert!(split(false).is_none());
}

/// A flagged key's callback records left out of its test ("left out: callback, none on the
/// baseline days") are still in its split by resource, those of calls that name none too:
/// `(not named)` is of the night's records of every kind, as the named rows are, not the
/// test's count less them (rev63a F2: `by resource: acs-prod 119, acs-stage 37` beside a key
/// of 167 records, 11 of them of calls naming no resource, and no `(not named)`).
#[test]
fn a_night_s_split_keeps_the_not_named_records_of_a_kind_left_out_of_the_test() {
    use crate::aggregate::{Aggregator, Window};
    use crate::ingest::Sink;
    use crate::normalize::Kind;
    use std::borrow::Cow;
    let key = (408, Some(560_408));
    let mut agg = Aggregator::new(Window::default(), 86_400)
        .keeping_resource_days(false)
        .joining_callbacks(true);
    // The fixture's calls are `call-28-{n % 7}`: 1 and 8 are one call, 3 names no resource.
    for (n, code, kind, res) in [
        (1, 408, Kind::Callback, ""),
        (8, 408, Kind::Callback, ""),
        (3, 408, Kind::Callback, ""),
        (1, 408, Kind::MediaSummary, "/x/acs-prod"),
        (1, 200, Kind::Operations, "/x/ACS-PROD"),
    ] {
        let sub = if code == 200 { Some(0) } else { key.1 };
        let mut r = fixture::record(28, n, code, sub, kind, "timeout");
        r.resource_id = Cow::Borrowed(res);
        agg.record(&r);
    }
    agg.done();
    let day = fixture::record(28, 0, 200, None, Kind::Callback, "").time;
    // The test counted the media summary record alone: its callback kind was left out.
    let s = crate::spikes::night_split(&agg, day.timestamp().div_euclid(86_400), key, 1)
        .expect("a split");
    assert_eq!(s.counts, vec![("acs-prod".to_string(), 3)]);
    assert_eq!(s.not_named, 1);
}

/// A spike whose key lost a log kind from its count (one new on the report day) says so, as
/// triage's verdict does: its count is less than the night's tables show of the key (rev59a
/// F6: `20 vs 1.0` with 35 records of the key that night, and nothing said).
#[test]
fn a_spike_sentence_names_the_kinds_left_out_of_its_count() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    let mut v = r.spike_rows[0].verdict.clone();
    let bare = spike_sentence(&v, &cat);
    assert!(!bare.contains("left out"), "{bare}");
    v.left_out = vec!["callback, none on the baseline days".into()];
    assert_eq!(
        spike_sentence(&v, &cat),
        format!("{bare}; left out: callback, none on the baseline days")
    );
}

/// The pages name at most so many input files: those with rejected records or a warning of
/// their own first, then the others as room is left, in the order read; the rest are counted.
#[test]
fn the_input_files_named_are_those_of_note_then_the_first_others() {
    let cat = fixture::catalogue();
    let mut r = fixture::report(&cat);
    let file = |i: usize| crate::ingest::FileReport {
        path: format!("in/{i:03}.json"),
        shape: "json lines",
        accepted: 1,
        rejected: u64::from(i == 7),
        warned: i == 9,
        order_guessed: i == 8,
        ..Default::default()
    };
    r.inputs = (0..10).map(file).collect();
    let named = |t: &crate::report::table::Table| -> Vec<String> {
        t.rows.iter().map(|row| row[0].text()).collect()
    };
    let (t, more) = r.inputs_said(5);
    assert_eq!(
        named(&t),
        [
            "in/000.json",
            "in/001.json",
            "in/007.json",
            "in/008.json",
            "in/009.json"
        ]
    );
    assert_eq!(more, 5);
    assert_eq!(
        r.inputs_cut(more).unwrap(),
        "5 of 10 input files are named here, those with rejected records or warnings first; 5 more are not; all are in report.json."
    );
    let (t, more) = r.inputs_said(2);
    assert_eq!(named(&t), ["in/007.json", "in/008.json"]);
    assert_eq!(more, 8);
    let (t, more) = r.inputs_said(10);
    assert_eq!((t.rows.len(), more), (10, 0));
    assert_eq!(r.inputs_cut(more), None);
    r.json_not_written = true;
    assert!(r
        .inputs_cut(1)
        .unwrap()
        .ends_with("; report.json, which --format json writes, lists them all."));
}
