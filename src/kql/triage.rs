//! `kql triage` and `kql triage-calls`: one subcode's counts by bucket and its calls, as
//! `triage`'s timeline and `triage --calls` give them.

use std::fmt::Write;

use super::{bucket_expr, rfc3339, KqlOptions, KqlReport};

/// Whether a report is one subcode's, `triage`'s (`--subcode`).
pub fn triage_report(report: KqlReport) -> bool {
    matches!(report, KqlReport::Triage | KqlReport::TriageCalls)
}

/// The first line of a triage query: the command that made it and what it returns.
pub(super) fn triage_head(report: KqlReport, (subcode, code): (u32, Option<u32>), q: &mut String) {
    let code = code.map_or(String::new(), |c| format!(" --code {c}"));
    let what = match report {
        KqlReport::TriageCalls => format!(
            "the calls of `acs-triage triage {subcode}{code} --calls --format csv`, with the ids the table has"
        ),
        _ => format!(
            "the counts by bucket and key of the timeline of `acs-triage triage {subcode}{code}`"
        ),
    };
    let _ = writeln!(
        q,
        "// acs-triage kql {} --subcode {subcode}{code}: {what}.",
        report.name()
    );
}

/// The records of the subcode (and code) a triage query looks into.
fn focused(o: &KqlOptions, q: &mut String) {
    let (subcode, code) = o.focus.unwrap_or_default();
    let code = code.map_or(String::new(), |c| format!(" and code == {c}"));
    let _ = writeln!(
        q,
        "let Focused = Records | where subcode == {subcode}{code};"
    );
}

/// One subcode's records by bucket and key, the buckets that hold some: `triage`'s timeline
/// without its empty buckets.
pub(super) fn triage_series(o: &KqlOptions, q: &mut String) {
    let bin = bucket_expr(o, q);
    focused(o, q);
    let _ = write!(
        q,
        "// The buckets with records only: triage's timeline shows the empty ones as 0.\n\
         Focused\n\
         | extend start = {bin}\n\
         | summarize ['count'] = count() by start, code, subcode\n\
         | order by start asc, code asc, subcode asc\n\
         | extend bucket = {}\n\
         | project bucket, code, subcode, ['count']\n",
        rfc3339("start", false)
    );
}

/// One subcode's calls, most records first, then the latest: the ids the table has (the
/// CorrelationId; no CallConnectionId in the media summary), times, counts and keys.
pub(super) fn triage_calls(o: &KqlOptions, q: &mut String) {
    focused(o, q);
    let _ = write!(
        q,
        "// codes: the call's keys in order, through a sortable prefix of fixed width.\n\
         Focused\n\
         | where isnotempty(call)\n\
         | summarize n = count(), earliest = min(TimeGenerated), latest = max(TimeGenerated) by call, code, subcode\n\
         | extend sortable = strcat(tostring(10000000000 + code), \"|\", tostring(code), \"/\", tostring(subcode))\n\
         | summarize ['count'] = sum(n), first_time = min(earliest), last_time = max(latest), sortables = make_list(sortable) by call\n\
         | extend codes = replace_regex(strcat_array(array_sort_asc(sortables), \" \"), @\"[0-9]+\\|\", \"\")\n\
         | order by ['count'] desc, last_time desc, call asc\n\
         | extend correlation_id = call, first_seen = {}, last_seen = {}\n\
         | project correlation_id, first_seen, last_seen, ['count'], codes\n",
        rfc3339("first_time", true),
        rfc3339("last_time", true)
    );
}
