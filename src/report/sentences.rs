//! The sentences the text reports say of a key and of a spike: its description as a phrase,
//! where its records are, the one target most of them name.

use super::*;

/// A key's catalogue description inside a sentence: on one line, and without the full stop a
/// count would follow (`... callee.: 309`).
pub fn description_in_sentence(cat: &Catalogue, key: crate::aggregate::Key) -> String {
    let description = crate::catalogue::one_line(cat.lookup(key.0, key.1).description);
    description.trim_end_matches('.').to_string()
}

/// Where a flagged key's records of the day are, by resource (`acs-prod 24, acs-stage 6`),
/// when there is more than one place to tell apart: the day names more than one resource, or
/// some of the key's records name none. The resources without a record of the key are named
/// with 0 when they are few (`acs-prod 30, acs-stage 0`).
pub fn resource_split_text(v: &Verdict) -> Option<String> {
    let s = v.by_resource.as_ref().filter(|s| s.worth_saying())?;
    let mut parts: Vec<String> = (s.counts.iter()).map(|(n, c)| format!("{n} {c}")).collect();
    if s.more.0 > 0 {
        parts.push(format!("{} on {} more resources", s.more.1, s.more.0));
    }
    if s.not_named > 0 {
        parts.push(format!("{NOT_NAMED} {}", s.not_named));
    }
    if s.without_count == s.without.len() {
        parts.extend(s.without.iter().map(|n| format!("{n} 0")));
    } else {
        parts.push(format!("none on {} other resources", s.without_count));
    }
    Some(parts.join(", "))
}

/// The target more than half of a flagged key's records of the day went to, with their count
/// (`480 of 500 records to 4:+xxxxxxx0100`): its phone number masked as triage's By target
/// masks it (`report` has no `--full-numbers`). Text from the logs, which each output escapes
/// as its own: a renderer that makes links of a sentence's text adds it after.
pub fn target_said(v: &Verdict) -> Option<String> {
    target_said_as(v, crate::text::mask_numbers)
}

/// [`target_said`], the target shown as `show` gives it (`triage --full-numbers` whole).
pub fn target_said_as(v: &Verdict, show: impl Fn(&str) -> String) -> Option<String> {
    let t = v.target.as_ref()?;
    Some(format!(
        "{} of {} records to {}",
        t.count,
        t.of,
        show(&t.target)
    ))
}

/// The one-sentence account of a flagged key, for people, with its target
/// ([`target_said`]) when one took most of its records.
pub fn spike_sentence_with_target(v: &Verdict, cat: &Catalogue) -> String {
    let sentence = spike_sentence(v, cat);
    match target_said(v) {
        Some(t) => format!("{sentence}; {t}"),
        None => sentence,
    }
}

/// The one-sentence account of a flagged key, for people.
pub fn spike_sentence(v: &Verdict, cat: &Catalogue) -> String {
    let sentence = verdict_sentence(v, cat);
    match resource_split_text(v) {
        Some(split) => format!("{sentence}; by resource: {split}"),
        None => sentence,
    }
}

/// What the test found of a flagged key.
fn verdict_sentence(v: &Verdict, cat: &Catalogue) -> String {
    let description = description_in_sentence(cat, v.key);
    let label = match &v.resource {
        Some(r) => format!("{r}: {}", key_label(v.key.0, v.key.1)),
        None => key_label(v.key.0, v.key.1),
    };
    match v.status {
        crate::spikes::Status::New => format!(
            "{label} {description}: {} on {}, never seen on the same weekday of the previous {} weeks (NEW)",
            v.count,
            day_text(v.day),
            crate::spikes::BASELINE_WEEKS
        ),
        // A log kind left out of the key's count (new on the report day, say) is named: the
        // count is then less than the night's tables show of the key.
        _ => format!(
            "{label} {description}: {} vs {:.1} expected (same weekday, previous {} weeks), {:.1}×, {}{}",
            v.count,
            v.expected,
            crate::spikes::BASELINE_WEEKS,
            v.ratio,
            p_text(v.p_value),
            match v.left_out.as_slice() {
                [] => String::new(),
                kinds => format!("; left out: {}", kinds.join("; ")),
            }
        ),
    }
}
