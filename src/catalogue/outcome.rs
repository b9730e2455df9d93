//! Outcome classes: what needs action. Every (code, subcode) key is a `success` (a 2xx code, or
//! 0), a `caller` outcome (the caller or the callee drove it: a timeout waiting for input, busy,
//! no answer, declined), or a `failure` (everything else: the application's or the platform's).
//! The caller keys ship in `outcomes.toml`, acs-triage's judgement rather than Microsoft's;
//! `[outcomes]` in the config file adds caller keys and names failure keys, which win.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use super::Category;

/// The class of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Success,
    Caller,
    Failure,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Success, Outcome::Caller, Outcome::Failure];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Caller => "caller",
            Outcome::Failure => "failure",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key of the outcome lists: `CODE/SUBCODE`, a `SUBCODE` under any code, or `CODE/` for a
/// code without a subcode (an operations log's key, which the reports write as `500`; `500`
/// alone is a subcode, as in `8510`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySpec {
    Pair(u32, u32),
    Subcode(u32),
    Code(u32),
}

impl KeySpec {
    pub fn matches(self, code: u32, subcode: Option<u32>) -> bool {
        match self {
            KeySpec::Pair(c, s) => code == c && subcode == Some(s),
            KeySpec::Subcode(s) => subcode == Some(s),
            KeySpec::Code(c) => code == c && subcode.is_none(),
        }
    }
}

impl FromStr for KeySpec {
    type Err = String;

    fn from_str(s: &str) -> Result<KeySpec, String> {
        let number = |t: &str| t.trim().parse::<u32>().ok();
        let bad = || {
            format!("{s:?} is not a key: give CODE/SUBCODE (486/560486), a SUBCODE (8510) or CODE/ (500/, a code without a subcode)")
        };
        match s.split_once('/') {
            Some((c, sub)) if sub.trim().is_empty() => number(c).map(KeySpec::Code).ok_or_else(bad),
            Some((c, sub)) => Ok(KeySpec::Pair(
                number(c).ok_or_else(bad)?,
                number(sub).ok_or_else(bad)?,
            )),
            None => number(s).map(KeySpec::Subcode).ok_or_else(bad),
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySpec::Pair(c, s) => write!(f, "{c}/{s}"),
            KeySpec::Subcode(s) => write!(f, "{s}"),
            KeySpec::Code(c) => write!(f, "{c}/"),
        }
    }
}

impl<'de> Deserialize<'de> for KeySpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeySpec, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The shipped list of caller keys.
pub const SHIPPED_OUTCOMES: &str = include_str!("outcomes.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Shipped {
    caller: Vec<CallerKey>,
}

/// One caller key and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallerKey {
    pub key: KeySpec,
    pub reason: String,
}

/// Which keys are whose: the shipped caller keys, with the config's additions and failures.
#[derive(Debug, Clone)]
pub struct OutcomeRules {
    /// Caller keys: the config's additions first, then the shipped ones.
    pub caller: Vec<CallerKey>,
    /// Keys the config says are failures: they win over any caller key.
    pub failure: Vec<KeySpec>,
}

impl Default for OutcomeRules {
    fn default() -> OutcomeRules {
        let shipped: Shipped = toml::from_str(SHIPPED_OUTCOMES)
            .unwrap_or_else(|e| unreachable!("the shipped outcomes.toml parses (tested): {e}"));
        OutcomeRules {
            caller: shipped.caller,
            failure: Vec::new(),
        }
    }
}

impl OutcomeRules {
    /// The shipped rules with the config's caller keys added and failure keys taken out.
    pub fn with_overrides(mut self, caller: &[KeySpec], failure: &[KeySpec]) -> OutcomeRules {
        let added = caller.iter().map(|&key| CallerKey {
            key,
            reason: "named a caller outcome in the config file".into(),
        });
        self.caller.splice(0..0, added);
        self.failure.extend_from_slice(failure);
        self
    }

    /// The class of a key.
    pub fn of(&self, code: u32, subcode: Option<u32>) -> Outcome {
        if !Category::of(code).is_failure() {
            Outcome::Success
        } else if self.failure.iter().any(|k| k.matches(code, subcode)) {
            Outcome::Failure
        } else if self.caller.iter().any(|c| c.key.matches(code, subcode)) {
            Outcome::Caller
        } else {
            Outcome::Failure
        }
    }

    /// The class of a subcode named without its code (a generic subcode's entry), under a
    /// failure code: a caller key of the subcode alone, unless the config names it a failure.
    pub fn of_subcode(&self, subcode: u32) -> Outcome {
        let alone = |k: &KeySpec| *k == KeySpec::Subcode(subcode);
        if self.failure.iter().any(alone) {
            Outcome::Failure
        } else if self.caller.iter().any(|c| alone(&c.key)) {
            Outcome::Caller
        } else {
            Outcome::Failure
        }
    }

    /// Why a caller key is one.
    pub fn reason(&self, code: u32, subcode: Option<u32>) -> Option<&str> {
        (self.of(code, subcode) == Outcome::Caller)
            .then(|| self.caller.iter().find(|c| c.key.matches(code, subcode)))
            .flatten()
            .map(|c| c.reason.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_caller_keys_hold_what_the_issue_asks() {
        let r = OutcomeRules::default();
        for (code, sub) in [
            (400, 8510),
            (400, 8532),
            (400, 8547),
            (400, 8563),
            (400, 8509),
            (400, 8534),
            (400, 8538),
            (400, 8542),
            (480, 560_480),
            (486, 560_486),
            (486, 540_486),
            (487, 540_487),
            (487, 560_487),
            (603, 560_603),
            (603, 0),
        ] {
            assert_eq!(r.of(code, Some(sub)), Outcome::Caller, "{code}/{sub}");
            assert!(r.reason(code, Some(sub)).is_some());
        }
        assert_eq!(r.of(404, Some(8522)), Outcome::Failure);
        assert_eq!(r.of(500, None), Outcome::Failure);
        assert_eq!(r.of(200, Some(8510)), Outcome::Success);
        assert_eq!(r.of(0, Some(560_000)), Outcome::Success);
        // A subcode alone is a caller key under any code.
        assert_eq!(r.of(408, Some(8510)), Outcome::Caller);
    }

    #[test]
    fn overrides_add_callers_and_failures_win() {
        let caller: Vec<KeySpec> = ["404/8522", "7"]
            .iter()
            .map(|k| k.parse().unwrap())
            .collect();
        let failure: Vec<KeySpec> = ["8510", "603/0"]
            .iter()
            .map(|k| k.parse().unwrap())
            .collect();
        let r = OutcomeRules::default().with_overrides(&caller, &failure);
        assert_eq!(r.of(404, Some(8522)), Outcome::Caller);
        assert_eq!(r.of(496, Some(7)), Outcome::Caller);
        assert_eq!(r.of(400, Some(8510)), Outcome::Failure);
        assert_eq!(r.of(603, Some(0)), Outcome::Failure);
        assert_eq!(r.of(603, Some(560_603)), Outcome::Caller);
        assert!(r.reason(400, Some(8510)).is_none());
    }

    #[test]
    fn keys_parse_with_or_without_their_code() {
        assert_eq!("486/560486".parse(), Ok(KeySpec::Pair(486, 560_486)));
        // A code without a subcode: an operations log's key (`500` in the reports).
        assert_eq!("500/".parse(), Ok(KeySpec::Code(500)));
        assert_eq!(KeySpec::Code(500).to_string(), "500/");
        let rules = OutcomeRules::default().with_overrides(&[KeySpec::Code(429)], &[]);
        assert_eq!(rules.of(429, None), Outcome::Caller);
        assert_eq!(rules.of(429, Some(0)), Outcome::Failure);
        assert_eq!(rules.of(500, Some(429)), Outcome::Failure);
        assert_eq!(" 8510 ".parse(), Ok(KeySpec::Subcode(8510)));
        assert!("48x/1".parse::<KeySpec>().is_err());
        assert!("".parse::<KeySpec>().is_err());
    }
}
