//! The spike verdicts of the focused keys against the stored history, and what they could
//! not test.

use super::*;

/// The spike verdicts of the day, each with its explanation, or a note of why there are none.
/// The verdict covers the focused keys seen on the day, or the one key asked for: over all
/// records, or, by resource, in each resource that has them, with the numbers `report`'s
/// spikes.csv gives that resource's key.
pub(super) fn verdicts(
    focus: &Focus,
    history: &History,
    asked: &Asked,
    numbers: Numbers,
) -> (Vec<(Verdict, String)>, Option<String>) {
    let th = asked.thresholds;
    let names = match asked.by_resource {
        true => history.resources(),
        false => Vec::new(),
    };
    let mut verdicts: Vec<(Verdict, String)> = match (asked.day, names.is_empty()) {
        (None, _) => Vec::new(),
        (Some(day), true) => tested(focus, history, day, th, None, numbers),
        (Some(day), false) => (names.iter())
            .flat_map(|name| {
                let h = history.for_resource(name);
                tested(focus, &h, day, th, Some(name), numbers)
            })
            .collect(),
    };
    // Each key's flagged resources first, most significant first, as spikes.csv orders them.
    verdicts.sort_by(|(a, _), (b, _)| {
        (a.key.cmp(&b.key))
            .then(b.status.flagged().cmp(&a.status.flagged()))
            .then(a.p_value.total_cmp(&b.p_value))
            .then(a.resource.cmp(&b.resource))
    });
    let title = match focus.code {
        Some(c) => format!("{c}/{}", focus.subcode),
        None => format!("subcode {}", focus.subcode),
    };
    let verdict_note = match (asked.day, verdicts.is_empty()) {
        (None, _) => Some(
            "No spike verdict: no complete UTC day in the input or history (pass --day)"
                .to_string(),
        ),
        (Some(d), true) => Some(format!(
            "No spike verdict: no records of {title} on {}",
            crate::time::day_text(d)
        )),
        // Said beside a verdict that was tested: "not tested" is not read as the page's answer.
        (Some(d), false) => (verdicts.iter())
            .any(|(v, _)| v.status != spikes::Status::InsufficientHistory)
            .then(|| scope_note(history, d, asked.by_resource, names.is_empty()))
            .flatten(),
    };
    (verdicts, verdict_note)
}

/// The verdicts of the focused keys of `day` in `history` (a resource's, named `resource`):
/// those the day holds, or the one key asked for when it holds none. A resource's keys are
/// those it has on the day, as `report` tests them. A key flagged over all records names the
/// target more than half of its records of the day went to, as `report`'s spike line does
/// (`; 480 of 500 records to 4:+xxxxxxx0100`), counted as `report` counts it and shown as
/// `numbers` says.
fn tested(
    focus: &Focus,
    history: &History,
    day: i64,
    th: Thresholds,
    resource: Option<&String>,
    numbers: Numbers,
) -> Vec<(Verdict, String)> {
    let mut keys: Vec<Key> = (history.days.get(&day).into_iter())
        .flat_map(|d| d.keys.keys().filter(|k| focus.matches(k.0, k.1)).copied())
        .collect();
    keys.sort();
    if let (true, None, Some(c)) = (keys.is_empty(), resource, focus.code) {
        keys.push((c, Some(focus.subcode)));
    }
    let mut tester = spikes::Tester::new(history, th);
    (keys.into_iter())
        .map(|k| {
            let mut v = tester.verdict(day, k);
            v.resource = resource.cloned();
            if resource.is_none() && v.status.flagged() {
                v.target = spikes::night_target(&focus.all, v.day, v.key);
            }
            let why = spikes::explain(&v, history, &th);
            match super::super::target_said_as(&v, |t| numbers.show(t)) {
                Some(target) => (v, format!("{why}; {target}")),
                None => (v, why),
            }
        })
        .collect()
}

/// Which records a verdict of `day` is over, when that is not plain: all resources together
/// where the day's records name more than one (the page may be of one, `--spikes-by
/// resource`), or all records where a test by resource found no record that names one.
fn scope_note(history: &History, day: i64, by_resource: bool, none: bool) -> Option<String> {
    if by_resource && none {
        return Some(
            "No spike test by resource: no record names its resource; tested over all records."
                .to_string(),
        );
    }
    let names: Vec<&String> = (history.days.get(&day).into_iter())
        .flat_map(|d| d.resources.keys())
        .collect();
    (!by_resource && names.len() > 1).then(|| {
        let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
        format!(
            "The verdict is over all records together, those of the {} resources {} among them; --spikes-by resource tests each resource against its own history, as report --spikes-by resource does.",
            names.len(),
            names.join(", ")
        )
    })
}
