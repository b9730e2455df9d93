//! `kql spikes`: the spike test of `report` on the report day, its flagged baseline days left
//! out through the chain as `report` leaves them out (unrolled, one `let` a week).

use std::fmt::Write;

use super::catalogue::DESCRIBE;
use super::{datetime, real, KqlOptions, CATEGORY};
use crate::spikes::{Thresholds, BASELINE_WEEKS, MIN_BASELINE_DAYS};

/// The exact test on columns x (today), y (baseline), e1, e2 (their records) and k (usable
/// baseline days): P(Binomial(x+y, e1/(e1+e2)) >= x) = beta_cdf(e1/(e1+e2), x, y+1), as the CLI's
/// spikes.csv computes it. Kusto's beta_cdf gives NaN past shape parameters of 10,000: beyond,
/// the normal approximation (with continuity correction) stands in.
fn spike_test(th: &Thresholds) -> String {
    format!(
        "| extend expected = iff(e2 == 0, 0.0, y * e1 / e2)\n\
         | extend ratio = x / max_of(expected, 0.5), excess = x - expected\n\
         | extend p0 = iff(e1 + e2 == 0, 1.0, e1 / (e1 + e2)), n = todouble(x + y)\n\
         | extend mu = n * p0, sd = sqrt(n * p0 * (1.0 - p0))\n\
         | extend z = iff(sd == 0, iff(x > mu, 40.0, -40.0), (x - 0.5 - mu) / sd)\n\
         | extend t = 1.0 / (1.0 + 0.3275911 * abs(z) / sqrt(2.0))\n\
         | extend half_erfc = 0.5 * t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * exp(-(z * z) / 2.0)\n\
         | extend p_value = case(x == 0 or p0 >= 1.0, 1.0,\n\
                                 x <= 10000 and y + 1 <= 10000, beta_cdf(p0, todouble(x), todouble(y + 1)),\n\
                                 iff(z >= 0, half_erfc, 1.0 - half_erfc))\n\
         | extend status = case(k < {min_days}, \"insufficient_history\",\n\
                                y == 0 and x >= {min_count}, \"NEW\",\n\
                                p_value < {p} and x >= {min_count} and ratio >= {ratio} and excess >= {excess}, \"SPIKE\",\n\
                                \"normal\")\n",
        min_days = MIN_BASELINE_DAYS,
        min_count = th.min_count,
        p = real(th.p_value),
        ratio = real(th.min_ratio),
        excess = real(th.min_excess),
    )
}

/// How many weeks before the report day `kql spikes` reads: the chain of flagged baseline days
/// is followed within them, as `report` follows it through its history.
pub(super) const CHAIN_WEEKS: i64 = 3 * BASELINE_WEEKS;

pub(super) fn spikes(o: &KqlOptions, outcome: &str, q: &mut String) {
    let day = match o.until {
        Some(u) => format!("startofday({} - 1d)", datetime(u)),
        None => "startofday(now()) - 1d".to_string(),
    };
    let test = spike_test(&o.thresholds);
    // The deepest baseline day that can be tested: one with MIN_BASELINE_DAYS of its own
    // baseline days within the weeks read. Older days are never flagged (too little history).
    let levels = CHAIN_WEEKS - MIN_BASELINE_DAYS as i64;
    let _ = write!(
        q,
        "let D = {day};\n\
         let Days = Records\n\
         | where TimeGenerated >= D - {chain}d * 7 and TimeGenerated < D + 1d\n\
         | extend day = startofday(TimeGenerated), key = iff(isnull(subcode), tostring(code), strcat(tostring(code), \"/\", tostring(subcode)));\n\
         let All = Days | summarize e = count() by day;\n\
         // Each key is measured against the records of the log kinds its records are of on D, on D and on\n\
         // each day tested: a kind with no record on the day tested or on all its baseline days is left out\n\
         // of both sides (every record counts when none is left), as in the CLI.\n\
         let Exposure = Days | summarize e = count() by day, lk = ['kind'];\n\
         let KindDays = Days | where day == D | summarize by key, lk = ['kind']\n\
         | join kind=inner Exposure on lk\n\
         | project day, key, lk, e;\n\
         let Counts = materialize(Days | summarize c = count() by day, key, code, subcode);\n\
         // A kind new on D (none on the baseline days) is left out of the key's count on D too.\n\
         let KindCounts = Days | where day == D | summarize kc = count() by key, lk = ['kind'];\n\
         // D and each baseline day of the chain, each with the same weekday of its previous weeks.\n\
         let Targets = range i from 0 to {levels} step 1 | extend target = D - i * 7d | project target;\n\
         let Weeks = materialize(Targets | extend one = 1\n\
         | join kind=inner (range w from 1 to {weeks} step 1 | extend one = 1) on one\n\
         | extend b = target - w * 7d\n\
         | join kind=inner (All | project b = day, eb = e) on b\n\
         | project target, b, eb);\n\
         // The records of each key's kinds on each day tested (e) and on each of its baseline days (ek).\n\
         let KindWeeks = materialize(Weeks\n\
         | join kind=inner (KindDays | project b = day, key, lk, ek = e) on b\n\
         | join kind=leftouter (KindDays | project target = day, key, lk, e) on target, key, lk\n\
         | project target, b, key, lk, e = coalesce(e, 0), ek);\n\
         // The keys flagged on each baseline day of the chain, oldest first, each against its own previous\n\
         // weeks with the days the key was flagged on left out (F1 is D's first baseline day, F2 the one\n\
         // before, ...): unrolled, one let a week, as Kusto has no recursion.\n",
        chain = CHAIN_WEEKS,
        weeks = BASELINE_WEEKS,
    );
    for level in (1..=levels).rev() {
        let target = format!("D - {}d", 7 * level);
        let flagged: Vec<String> = (level + 1..=(level + BASELINE_WEEKS).min(levels))
            .map(|l| format!("F{l}"))
            .collect();
        let left_out = match flagged.is_empty() {
            true => String::new(),
            false => format!(
                "| join kind=leftanti (union {}) on b, key\n",
                flagged.join(", ")
            ),
        };
        let _ = write!(
            q,
            "let F{level} = materialize(Counts\n\
             | where day == {target}\n\
             | project target = day, key, code, subcode, x = c\n\
             | join kind=leftouter (All | project target = day, e1a = e) on target\n\
             | join kind=leftouter (Counts | where day == {target} | project key | extend one = 1\n\
             | join kind=inner (Weeks | where target == {target} | extend one = 1) on one\n\
             {left_out}\
             | join kind=leftouter (Counts | project b = day, key, cb = c) on b, key\n\
             | summarize k = count(), e2a = sum(eb), y = sum(coalesce(cb, 0)) by key) on key\n\
             | join kind=leftouter (KindWeeks | where target == {target}\n\
             {left_out}\
             | summarize e = max(e), ek = sum(ek) by key, lk\n\
             | summarize e1k = sumif(e, e > 0 and ek > 0), e2k = sumif(ek, e > 0 and ek > 0) by key) on key\n\
             | extend own = coalesce(e2k, 0) > 0\n\
             | extend y = coalesce(y, 0), k = coalesce(k, 0), e1 = todouble(iff(own, e1k, e1a)), e2 = todouble(iff(own, e2k, coalesce(e2a, 0))), category = {CATEGORY}\n\
             | where category != \"success\"\n\
             {test}\
             | where status in (\"SPIKE\", \"NEW\")\n\
             | project b = target, key);\n"
        );
    }
    let flagged: Vec<String> = (1..=BASELINE_WEEKS.min(levels))
        .map(|l| format!("F{l}"))
        .collect();
    let _ = write!(
        q,
        "// The keys flagged on D's baseline days: left out of D's baseline.\n\
         let Flagged = union {flagged};\n\
         let E1 = toscalar(All | where day == D | summarize sum(e));\n\
         let Today = Counts | where day == D | project key, code, subcode, x = c;\n\
         let Usable = Today | extend one = 1\n\
         | join kind=inner (Weeks | where target == D | extend one = 1) on one\n\
         | join kind=leftanti Flagged on b, key\n\
         | join kind=leftouter (Counts | project b = day, key, cb = c) on b, key\n\
         | summarize k = count(), e2a = sum(eb), y = sum(coalesce(cb, 0)) by key;\n\
         let Own = KindWeeks | where target == D\n\
         | join kind=leftanti Flagged on b, key\n\
         | summarize e = max(e), ek = sum(ek) by key, lk\n\
         | join kind=leftouter KindCounts on key, lk\n\
         | summarize e1k = sumif(e, e > 0 and ek > 0), e2k = sumif(ek, e > 0 and ek > 0), x1k = sumif(kc, e > 0 and ek > 0) by key;\n\
         Today\n\
         | join kind=leftouter Usable on key\n\
         | join kind=leftouter Own on key\n\
         | extend own = coalesce(e2k, 0) > 0\n\
         | extend x = iff(own, x1k, x), y = coalesce(y, 0), k = coalesce(k, 0), e1 = todouble(iff(own, e1k, E1)), e2 = todouble(iff(own, e2k, coalesce(e2a, 0))), category = {CATEGORY}\n\
         | where category != \"success\"\n\
         {test}\
         | where status in (\"SPIKE\", \"NEW\")\n\
         | extend outcome = {outcome}\n\
         {DESCRIBE}\
         | extend day = format_datetime(D, \"yyyy-MM-dd\"), ['count'] = x, expected = round(expected, 4), ratio = round(ratio, 4)\n\
         | order by p_value asc, excess desc, code asc, subcode asc nulls first\n\
         | project day, code, subcode, category, outcome, description, mitigation, ['count'], expected, ratio, p_value, status\n",
        flagged = flagged.join(", "),
    );
}
