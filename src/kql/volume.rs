//! `kql volume`: each scope's records of the report day (all, each log kind, each resource)
//! against the same weekday of the previous weeks, with `--retired` taken out as `report` does.

use std::fmt::Write;

use super::{datetime, glob_regex, real, string, KqlOptions};
use crate::spikes::{Thresholds, BASELINE_WEEKS, MIN_BASELINE_DAYS};

pub(super) fn volume(o: &KqlOptions, q: &mut String) {
    let day = match o.until {
        Some(u) => format!("startofday({} - 1d)", datetime(u)),
        None => "startofday(now()) - 1d".to_string(),
    };
    let test = volume_test(&o.thresholds, o.volume_low_ratio);
    let _ = write!(
        q,
        "let D = {day};\n\
         let Days = Records\n\
         | where TimeGenerated >= D - {weeks}d * 14 and TimeGenerated < D + 1d\n\
         | extend day = startofday(TimeGenerated);\n\
         let Scoped = union (Days | extend scope = \"all\"), (Days | extend scope = strcat(\"kind \", ['kind'])), (Days | where isnotempty(resource) | extend scope = strcat(\"resource \", resource));\n\
         {per_day}\
         // D and each of its baseline days, each with the same weekday of its previous weeks that has records.\n\
         let Targets = range i from 0 to {weeks} step 1 | extend target = D - i * 7d | project target;\n\
         let Weeks = Targets | extend one = 1\n\
         | join kind=inner (range w from 1 to {weeks} step 1 | extend one = 1) on one\n\
         | extend b = target - w * 7d\n\
         | join kind=inner (Days | summarize by day | project b = day) on b\n\
         | project target, b;\n\
         // A scope's baseline is the days it had records: a day without (an outage) is left out.\n\
         // A baseline day that was a DROP of the scope (a holiday), against its own previous weeks, is left out too.\n\
         let Dropped = PerDay\n\
         | join kind=inner (Targets | where target < D | project day = target) on day\n\
         | project target = day, scope, x = n\n\
         | join kind=inner (Weeks | join kind=inner (PerDay | project b = day, scope, n) on b | summarize y = sum(n), present = count() by target, scope) on target, scope\n\
         {test}\
         | where status == \"DROP\"\n\
         | project b = target, scope;\n\
         let Before = Weeks | where target == D\n\
         | join kind=inner (PerDay | project b = day, scope, n) on b\n\
         | join kind=leftanti Dropped on b, scope\n\
         | summarize y = sum(n), present = count() by scope;\n\
         let Today = PerDay | where day == D | project scope, x = n;\n\
         let Scopes = union (Before | project scope), (Today | project scope){first} | summarize by scope;\n\
         Scopes\n\
         | join kind=leftouter Before on scope\n\
         | join kind=leftouter Today on scope\n\
         {test}\
         {mark_retired}\
         | extend day = format_datetime(D, \"yyyy-MM-dd\"), ['count'] = x\n\
         // Without a baseline there is nothing to expect.\n\
         | extend tested = status != \"insufficient_history\"\n\
         | extend expected = iff(tested, round(expected, 4), real(null)), ratio = iff(tested, round(ratio, 4), real(null)), p_value = iff(tested, p_value, real(null))\n\
         | order by scope asc\n\
         | project day, scope, ['count'], expected, ratio, p_value, status\n",
        weeks = BASELINE_WEEKS,
        per_day = per_day(&o.retired),
        // `all but retired` is a scope whether or not any record is left in it, as in `report`
        // (`all` when nothing was taken out of it).
        first = match o.retired.is_empty() {
            true => "",
            false => ", (Raw | take 1 | project scope = iff(Both, \"all\", \"all but retired\"))",
        },
        mark_retired = mark_retired(&o.retired),
    );
}

/// The volume verdict on columns x (the day's records of a scope), y (its baseline days') and
/// present (how many baseline days); `low` at most `low_ratio` of the expected.
fn volume_test(th: &Thresholds, low_ratio: f64) -> String {
    format!(
        "| extend x = coalesce(x, 0), y = coalesce(y, 0), present = coalesce(present, 0), k = todouble(present)\n\
         | extend expected = iff(k == 0, 0.0, y / k)\n\
         | extend ratio = x / max_of(expected, 0.5)\n\
         | extend n = todouble(x + y), p0 = 1.0 / (k + 1.0)\n\
         | extend mu = n * p0, sd = sqrt(n * p0 * (1.0 - p0))\n\
         // P(X <= x) is the upper tail of -z, P(X >= x) above the expected that of z: Abramowitz-Stegun 7.1.26 for erfc.\n\
         | extend z = iff(sd == 0, iff(x < mu, 40.0, -40.0), iff(x > expected, (x - 0.5 - mu) / sd, -(x + 0.5 - mu) / sd))\n\
         | extend t = 1.0 / (1.0 + 0.3275911 * abs(z) / sqrt(2.0))\n\
         | extend half_erfc = 0.5 * t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * exp(-(z * z) / 2.0)\n\
         // Exact where Kusto's beta_cdf is (shapes up to 10,000), as report's volume.csv: P(X >= x) = beta_cdf(p0, x, y+1) above the\n\
         // expected, P(X <= x) = P(Binomial(n, 1-p0) >= y) = beta_cdf(1-p0, y, x+1) at or below it (1 when y is 0); past that, the normal approximation.\n\
         | extend p_value = case(k == 0, 1.0,\n\
                                 x > expected and x <= 10000 and y + 1 <= 10000, beta_cdf(p0, todouble(x), todouble(y + 1)),\n\
                                 x <= expected and y == 0, 1.0,\n\
                                 x <= expected and y <= 10000 and x + 1 <= 10000, beta_cdf(1.0 - p0, todouble(y), todouble(x + 1)),\n\
                                 iff(z >= 0, half_erfc, 1.0 - half_erfc))\n\
         | extend status = case(present < {min_days}, \"insufficient_history\",\n\
                                x == 0, \"ZERO\",\n\
                                p_value < {p} and x <= expected / 2.0 and expected >= {min_expected}, \"DROP\",\n\
                                p_value < {p} and ratio <= {low_ratio} and expected >= {min_expected}, \"low\",\n\
                                p_value < {p} and ratio >= {rise_ratio} and expected >= {min_expected}, \"rise\",\n\
                                \"normal\")\n",
        min_days = MIN_BASELINE_DAYS,
        p = real(th.p_value),
        min_expected = real(crate::spikes::volume::MIN_EXPECTED),
        low_ratio = real(low_ratio),
        rise_ratio = real(crate::spikes::volume::RISE_RATIO),
    )
}

/// `--retired` globs as one condition on a scope's `name` (its kind or resource).
fn retired_names(globs: &[glob::Pattern]) -> String {
    let any = globs.iter().filter_map(|p| {
        let re = string(&glob_regex(p.as_str())?);
        Some(format!("name matches regex {re}"))
    });
    let any = any.collect::<Vec<_>>().join(" or ");
    // Globs that match nothing name no scope.
    if any.is_empty() {
        "false".into()
    } else {
        any
    }
}

/// The records of each scope by day. With `--retired`, the first scope is `all but retired`:
/// all records less those of retired kinds and resources, a day without any left out.
fn per_day(globs: &[glob::Pattern]) -> String {
    if globs.is_empty() {
        return "let PerDay = Scoped | summarize n = count() by scope, day;\n".into();
    }
    format!(
        "let Raw = Scoped | summarize n = count() by scope, day | extend name = tolower(substring(scope, indexof(scope, \" \") + 1)), dim = substring(scope, 0, indexof(scope, \" \"));\n\
         // A retired kind and a retired resource with records on the day or its baseline days: their records cannot be told apart in report's history, and the first scope stays `all`; so it does when no retired kind or resource has any (nothing is taken out).\n\
         let Both = toscalar(Raw | where scope != \"all\" and dayofweek(day) == dayofweek(D) and day >= D - {weeks}d * 7 and ({names}) | summarize by dim | count) != 1;\n\
         let Gone = Raw | where scope != \"all\" and ({names}) | summarize gone = sum(n) by day;\n\
         let PerDay = union (Raw | where scope != \"all\" | project scope, day, n), (Raw | where scope == \"all\" | join kind=leftouter Gone on day | project scope = iff(Both, \"all\", \"all but retired\"), day, n = iff(Both, n, n - coalesce(gone, 0)) | where n > 0);\n",
        names = retired_names(globs),
        weeks = BASELINE_WEEKS,
    )
}

/// The line that marks a flagged resource or kind of `--retired` as `retired`, or nothing.
fn mark_retired(globs: &[glob::Pattern]) -> String {
    if globs.is_empty() {
        return String::new();
    }
    format!(
        "// Out of service (--retired): shown, not flagged.\n\
         | extend name = tolower(substring(scope, indexof(scope, \" \") + 1))\n\
         | extend status = iff(scope !in (\"all\", \"all but retired\") and status in (\"ZERO\", \"DROP\", \"low\") and ({}), \"retired\", status)\n",
        retired_names(globs)
    )
}
