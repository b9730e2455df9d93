//! Tests of the report model.

use super::*;

#[test]
fn shares_round_to_four_decimals() {
    assert_eq!(share(1, 3), 0.3333);
    assert_eq!(share(2, 3), 0.6667);
    assert_eq!(share(0, 0), 0.0);
}

#[test]
fn the_model_counts_every_record_once() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    assert_eq!(
        (r.read, r.accepted, r.rejected, r.skipped),
        (127, 124, 2, 1)
    );
    // 404/8522 (19), 503/560503 (2), 418/99999 and 487/0 are failures; 200/0 is not.
    assert_eq!(r.failures, 23);
    assert_eq!(r.failure_rate(), share(23, 124));
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
            (404, Some(8522), 19),
            (503, Some(560_503), 2),
            (418, Some(99_999), 1),
            (487, Some(0), 1),
        ]
    );
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
    assert_eq!(r.uncatalogued().len(), 1);
    assert_eq!(r.uncatalogued()[0].code, 418);
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
    assert_eq!(r.spikes.flagged.len(), 1);
    assert_eq!(r.spikes.flagged[0].key, (404, Some(8522)));
    assert_eq!(r.spike_rows.len(), 1);
    assert_eq!(r.spike_rows[0].category, Category::Client);
    // The timeline has one bucket a day per key seen that day.
    assert_eq!(r.timeline.values().sum::<u64>(), r.accepted);
}

#[test]
fn the_exit_code_follows_spikes_then_rejects() {
    let cat = fixture::catalogue();
    let r = fixture::report(&cat);
    let none = MaxBad::Count(u64::MAX);
    assert_eq!(r.exit(false, none), Exit::Success);
    assert_eq!(r.exit(true, none), Exit::SpikesFound);
    assert_eq!(r.exit(false, MaxBad::Count(1)), Exit::TooManyRejects);
    assert_eq!(r.exit(true, MaxBad::Count(1)), Exit::SpikesFound);
    assert_eq!(r.exit(false, MaxBad::Count(2)), Exit::Success);
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
    assert_eq!(r.spikes_table().rows.len(), r.spikes.flagged.len());
    assert_eq!(r.timeline_table().rows.len(), r.timeline.len());
}
