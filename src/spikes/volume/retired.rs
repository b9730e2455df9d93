//! `--retired`: the log kinds and resources taken out of the first volume scope, what that
//! scope is then named, and the warnings of globs that retire nothing.

use super::super::history::{DayAgg, History};
use super::baseline_days;

/// The `--retired` globs.
pub(super) struct Retired<'a>(pub(super) &'a [glob::Pattern]);

/// What the first scope of a volume test is, under `--retired`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum FirstScope {
    /// All records: nothing retired had records on the day or its baseline days (no glob
    /// given, or none that matched: a typo, a resource long gone).
    All,
    /// All records but those of the retired kinds, or of the retired resources.
    AllBut,
    /// All records: a retired kind and a retired resource both had records, which the history
    /// cannot tell apart (taking out both would take their shared records out twice).
    Both,
}

impl Retired<'_> {
    /// Whether a kind's or resource's name is retired (a glob matches it, in any case).
    pub(super) fn is(&self, name: &str) -> bool {
        self.0.iter().any(|p| p.matches(&name.to_lowercase()))
    }

    /// The records of a day's retired kinds. Streaming usage is skipped, not in a day's
    /// exposure: it is not taken out of it.
    pub(super) fn kinds_out(&self, a: &DayAgg) -> u64 {
        let each = (a.kinds.iter()).filter(|(k, _)| *k != "streaming" && self.is(k));
        each.map(|(_, n)| n).sum()
    }

    /// The records of a day's retired resources.
    pub(super) fn resources_out(&self, a: &DayAgg) -> u64 {
        let each = a.resources.iter().filter(|(r, _)| self.is(r));
        each.map(|(_, r)| r.exposure).sum()
    }

    /// The first scope of `day`'s test, from what the retired kinds and resources held on
    /// `day` and its baseline days: named by what was taken out, not by the globs given
    /// (rev70a F8: a glob that matched nothing named all records `all but retired`).
    pub(super) fn first_scope(&self, history: &History, day: i64) -> FirstScope {
        let days = tested_days(history, day);
        let kinds = days.iter().any(|a| self.kinds_out(a) > 0);
        let resources = days.iter().any(|a| self.resources_out(a) > 0);
        match (kinds, resources) {
            (true, true) => FirstScope::Both,
            (false, false) => FirstScope::All,
            _ => FirstScope::AllBut,
        }
    }
}

/// `day` and its baseline days that the history holds: those the volume test reads.
fn tested_days(history: &History, day: i64) -> Vec<&DayAgg> {
    (baseline_days(history, day).iter())
        .chain([&day])
        .filter_map(|d| history.days.get(d))
        .collect()
}

/// What `--retired` did to the volume test of `day`, said once: each glob that matches no log
/// kind and no resource of the day and its baseline days retires nothing (a typo,
/// `media-summary` for `media_summary`, would otherwise go on paging DROP and ZERO without a
/// word, as `--resource` says of a glob that keeps nothing; rev70a F8), and a retired kind and
/// a retired resource both with records leave the first scope `all`. The kinds are named, a
/// handful; the resources, which may be thousands, are not.
pub fn retired_warnings(
    history: &History,
    day: Option<i64>,
    retired: &[glob::Pattern],
) -> Vec<String> {
    let Some(day) = day.filter(|_| !retired.is_empty()) else {
        return Vec::new();
    };
    let days = tested_days(history, day);
    let kinds: std::collections::BTreeSet<&str> = (days.iter())
        .flat_map(|a| a.kinds.keys().map(String::as_str))
        .collect();
    let names = || {
        (days.iter())
            .flat_map(|a| a.resources.keys().map(String::as_str))
            .chain(kinds.iter().copied())
    };
    let kinds = match kinds.is_empty() {
        true => "none kept".to_string(),
        false => kinds.iter().copied().collect::<Vec<_>>().join(", "),
    };
    let mut said: Vec<String> = (retired.iter())
        .filter(|p| !names().any(|n| p.matches(&n.to_lowercase())))
        .map(|p| {
            format!(
                "--retired {}: no log kind or resource of {} or its baseline days matched it, so it retires nothing (kinds: {kinds})",
                p.as_str(),
                crate::time::day_text(day),
            )
        })
        .collect();
    if Retired(retired).first_scope(history, day) == FirstScope::Both {
        said.push("--retired names both a log kind and a resource with records: the history cannot tell their records apart, so the first volume scope stays `all`".into());
    }
    said
}
