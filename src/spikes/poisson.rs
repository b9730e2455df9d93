//! The exact conditional test for two Poisson rates on counts alone: the bar a key must clear
//! (its thresholds), the statuses it gives, and its p-values as the outputs write them.

use statrs::distribution::{Binomial, DiscreteCDF};

/// The bar a key must clear to be flagged; each is a command-line option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub p_value: f64,
    pub min_count: u64,
    pub min_ratio: f64,
    pub min_excess: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            p_value: 0.001,
            min_count: 10,
            min_ratio: 2.0,
            min_excess: 5.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Significantly above its baseline.
    Spike,
    /// Absent from the whole baseline and frequent today.
    New,
    /// Tested, not flagged.
    Normal,
    /// Fewer than three usable baseline days.
    InsufficientHistory,
    /// Successes are never flagged.
    Success,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Spike => "SPIKE",
            Status::New => "NEW",
            Status::Normal => "normal",
            Status::InsufficientHistory => "insufficient_history",
            Status::Success => "success",
        }
    }

    pub fn flagged(self) -> bool {
        matches!(self, Status::Spike | Status::New)
    }
}

/// The smallest p-value kept as computed: below it a tail underflows (to a denormal such as
/// `5e-324`, or to 0) and its digits mean nothing, so it is 0 in every output that writes the
/// number (spikes.csv, volume.csv, report.json) and `p<1e-300` where people read it.
pub const P_FLOOR: f64 = 1e-300;

/// A p-value as the outputs hold it: 0 below [`P_FLOOR`].
pub fn floored(p: f64) -> f64 {
    if p < P_FLOOR {
        0.0
    } else {
        p
    }
}

/// P(Binomial(n, p0) ≥ x), 0 below [`P_FLOOR`].
pub fn upper_tail(x: u64, n: u64, p0: f64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    if x > n {
        return 0.0;
    }
    match Binomial::new(p0, n) {
        Ok(b) => floored(b.sf(x - 1)),
        Err(_) => 1.0,
    }
}

/// The test on counts alone: returns (expected, ratio, p, status).
pub fn test_counts(x: u64, e1: u64, y: u64, e2: u64, th: &Thresholds) -> (f64, f64, f64, Status) {
    let expected = if e2 == 0 {
        0.0
    } else {
        y as f64 * e1 as f64 / e2 as f64
    };
    let ratio = x as f64 / expected.max(0.5);
    let p0 = if e1 + e2 == 0 {
        1.0
    } else {
        e1 as f64 / (e1 + e2) as f64
    };
    let p = upper_tail(x, x + y, p0);
    // A key with no record on the day is never flagged, whatever the minimum count: with
    // `--spike-min-count 0`, a key absent from a baseline day would be NEW there, and each
    // baseline day left out as flagged, so a new key would never be tested.
    let min_count = th.min_count.max(1);
    let status = if y == 0 && x >= min_count {
        Status::New
    } else if p < th.p_value
        && x >= min_count
        && ratio >= th.min_ratio
        && x as f64 - expected >= th.min_excess
    {
        Status::Spike
    } else {
        Status::Normal
    };
    (expected, ratio, p, status)
}

/// `p=` and p for people ([`format_p`]); a p that underflows (a DROP of thousands of records
/// computes 0) is `p<1e-300`, not `p=0e0`.
pub fn p_text(p: f64) -> String {
    if p < P_FLOOR {
        "p<1e-300".to_string()
    } else {
        format!("p={}", format_p(p))
    }
}

/// p formatted for people: two significant digits below 0.01 (`3e-8`, `4.2e-9`, `0.0015`),
/// three decimals above, and never rounded up onto the power of ten above it (0.0009998 is
/// `9.998e-4`, not `1e-3`): with one digit, 0.00149 would read `0.001`, a p at the default bar,
/// beside a key that is not flagged.
pub fn format_p(p: f64) -> String {
    if p >= 0.01 {
        return format!("{p:.3}");
    }
    let decade = 10f64.powf(p.log10().ceil());
    let mut s = String::new();
    for digits in 1..=6 {
        s = match p < 0.001 {
            true => format!("{p:.digits$e}").replacen(".0e", "e", 1),
            false => format!("{p:.prec$}", prec = digits + 3),
        };
        if s.parse::<f64>()
            .is_ok_and(|shown| shown < decade || p >= decade)
        {
            break;
        }
    }
    s
}
