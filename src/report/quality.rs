//! What the report's own tables say about the data: findings for its warnings.

use super::OperationRow;
use crate::aggregate::Key;
use crate::catalogue::{key_label, Outcome};
use crate::record::Kind;

/// Pairs of an event and a key named in the warning; `by_operation.csv` lists them all.
const MAX_NAMED: usize = 5;

/// The longest event name quoted, in characters: the name comes from the logs.
const MAX_NAME_CHARS: usize = 60;

/// Callback events that say their operation failed (`CreateCallFailed`, `PlayFailed`) but carry
/// a success code: counted as successes, as the catalogue classes their code, so a failure the
/// platform reports this way (a call the callee rejected, given as 200/5002) is in no failure
/// count. Said, with the events and keys, so that nobody reads the rates as complete.
pub fn failed_events_with_success_codes(ops: &[OperationRow]) -> Option<String> {
    let mut found: Vec<(&str, Key, u64)> = Vec::new();
    let failed_but_success = |r: &&OperationRow| {
        r.kind == Kind::Callback && r.outcome == Outcome::Success && r.operation.ends_with("Failed")
    };
    // The rows of one event and key differ only in their prompt kind.
    for r in ops.iter().filter(failed_but_success) {
        match found
            .iter_mut()
            .find(|f| f.0 == &*r.operation && f.1 == r.key)
        {
            Some(f) => f.2 += r.count,
            None => found.push((&r.operation, r.key, r.count)),
        }
    }
    if found.is_empty() {
        return None;
    }
    found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (a.0, a.1).cmp(&(b.0, b.1))));
    let total: u64 = found.iter().map(|f| f.2).sum();
    let mut named: Vec<String> = (found.iter().take(MAX_NAMED))
        .map(|(event, key, n)| {
            let records = if *n == 1 { "record" } else { "records" };
            format!(
                "{} {} ({n} {records})",
                name(event),
                key_label(key.0, key.1)
            )
        })
        .collect();
    if found.len() > MAX_NAMED {
        named.push(format!(
            "{} more in by_operation.csv",
            found.len() - MAX_NAMED
        ));
    }
    let said = if total == 1 {
        "1 record of a callback event named for a failure carries a success code, so it counts \
         as a success (the catalogue classes 2xx codes as successes) and is in no failure rate"
            .to_string()
    } else {
        format!(
            "{total} records of callback events named for a failure carry a success code, so \
             they count as successes (the catalogue classes 2xx codes as successes) and are in \
             no failure rate"
        )
    };
    Some(format!("{said}: {}", named.join(", ")))
}

/// An event's name as quoted: at most [`MAX_NAME_CHARS`] characters.
fn name(event: &str) -> String {
    match event.char_indices().nth(MAX_NAME_CHARS) {
        Some((at, _)) => format!("{}…", &event[..at]),
        None => event.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(operation: &str, kind: Kind, key: Key, outcome: Outcome, count: u64) -> OperationRow {
        OperationRow {
            operation: operation.into(),
            kind,
            key,
            prompt: "".into(),
            outcome,
            count,
            calls: count,
        }
    }

    #[test]
    fn failed_events_with_a_success_code_are_said_and_others_are_not() {
        let ops = vec![
            row(
                "CreateCallFailed",
                Kind::Callback,
                (200, Some(5002)),
                Outcome::Success,
                2,
            ),
            row(
                "PlayFailed",
                Kind::Callback,
                (200, Some(0)),
                Outcome::Success,
                1,
            ),
            row(
                "PlayFailed",
                Kind::Callback,
                (200, Some(0)),
                Outcome::Success,
                3,
            ),
            // A failure code, a success event, and an operations record: not said.
            row(
                "PlayFailed",
                Kind::Callback,
                (400, Some(8535)),
                Outcome::Failure,
                9,
            ),
            row(
                "CallDisconnected",
                Kind::Callback,
                (200, Some(5002)),
                Outcome::Success,
                7,
            ),
            row(
                "Failed",
                Kind::Operations,
                (200, Some(0)),
                Outcome::Success,
                5,
            ),
        ];
        assert_eq!(
            failed_events_with_success_codes(&ops).as_deref(),
            Some(
                "6 records of callback events named for a failure carry a success code, so they \
                 count as successes (the catalogue classes 2xx codes as successes) and are in no \
                 failure rate: PlayFailed 200/0 (4 records), CreateCallFailed 200/5002 (2 records)"
            )
        );
        assert_eq!(failed_events_with_success_codes(&ops[3..]), None);
    }

    #[test]
    fn one_record_is_said_in_the_singular() {
        let ops = [row(
            "CreateCallFailed",
            Kind::Callback,
            (200, Some(5002)),
            Outcome::Success,
            1,
        )];
        let w = failed_events_with_success_codes(&ops).unwrap();
        assert!(w.starts_with("1 record of a callback event named for a failure carries a success code, so it counts"), "{w}");
        assert!(w.ends_with(": CreateCallFailed 200/5002 (1 record)"), "{w}");
    }

    #[test]
    fn many_pairs_are_named_five_and_a_hostile_name_is_cut() {
        let long = "X".repeat(200) + "Failed";
        let mut ops: Vec<OperationRow> = (0..7)
            .map(|i| {
                row(
                    "AnswerFailed",
                    Kind::Callback,
                    (200, Some(i)),
                    Outcome::Success,
                    1,
                )
            })
            .collect();
        ops.push(row(
            &long,
            Kind::Callback,
            (201, None),
            Outcome::Success,
            10,
        ));
        let w = failed_events_with_success_codes(&ops).unwrap();
        assert!(w.starts_with("17 records"), "{w}");
        assert!(
            w.contains(&format!("{}… 201 (10 records)", "X".repeat(60))),
            "{w}"
        );
        assert!(
            w.contains("AnswerFailed 200/3 (1 record), 3 more in by_operation.csv"),
            "{w}"
        );
    }
}
