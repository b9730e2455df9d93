//! The PSTN page's SBC rule: a subcode starting with 560 (an outbound call) or 540 (an inbound
//! one) and ending in a final SIP code is the response the user's SBC gave, its descriptions
//! made once and indexed by subcode.

use super::Catalogue;

/// The prefixes of the PSTN page's rule and the call each names.
const SBC_PREFIXES: [(u32, &str); 2] = [(560, "an outbound call"), (540, "an inbound call")];

/// The SIP response codes the rule reads from a subcode's last three digits: the final ones
/// (a 1xx is provisional, never the response a call ended with).
const SIP_CODES: std::ops::RangeInclusive<u32> = 200..=699;

/// What the SBC rule says of a subcode of `prefix` whose last three digits are `sip`.
fn sbc_description(prefix: u32, call: &str, sip: &str) -> String {
    format!(
        "A subcode starting with {prefix}: {call} whose final response code the user's/operator's SBC generated; the SIP response code from the SBC was {sip}."
    )
}

/// What the SBC rule advises.
pub const SBC_MITIGATION: &str = "Start troubleshooting the call by checking your SBC logs: the SBC generated the response code, not the Microsoft service.";

/// The SBC rule for the KQL queries: (prefix, description before the SIP code, after it) of
/// each prefix, and the SIP codes it reads.
pub fn sbc_rule_parts() -> (Vec<(u32, String, String)>, std::ops::RangeInclusive<u32>) {
    const MARK: &str = "\u{0}";
    let parts = (SBC_PREFIXES.iter())
        .map(|&(prefix, call)| {
            let d = sbc_description(prefix, call, MARK);
            let (before, after) = d.split_once(MARK).unwrap_or((&d, ""));
            (prefix, before.to_string(), after.to_string())
        })
        .collect();
    (parts, SIP_CODES)
}

/// The SBC rule's descriptions, one per prefix and SIP code, in the order of [`SBC_PREFIXES`]
/// and [`SIP_CODES`].
fn sbc_descriptions() -> Vec<String> {
    (SBC_PREFIXES.iter())
        .flat_map(|&(prefix, call)| {
            SIP_CODES.map(move |sip| sbc_description(prefix, call, &sip.to_string()))
        })
        .collect()
}

/// The index of a subcode's description: 560xxx or 540xxx with xxx a SIP code.
fn sbc_index(subcode: u32) -> Option<usize> {
    let (prefix, sip) = (subcode / 1000, subcode % 1000);
    let p = SBC_PREFIXES.iter().position(|(x, _)| *x == prefix)?;
    let sips = (SIP_CODES.end() - SIP_CODES.start() + 1) as usize;
    SIP_CODES
        .contains(&sip)
        .then(|| p * sips + (sip - SIP_CODES.start()) as usize)
}

impl Catalogue {
    /// What the PSTN page's rule says of a subcode starting with 560 or 540 (then a SIP code,
    /// 200 to 699): (description, mitigation, source), when a page loaded gives the rule.
    pub fn sbc_rule(&self, subcode: u32) -> Option<(&str, &str, &str)> {
        let source = self.sbc_rule?;
        let i = sbc_index(subcode)?;
        let d = &self.sbc_texts.get_or_init(sbc_descriptions)[i];
        Some((d, SBC_MITIGATION, self.label(source)))
    }

    /// The SBC rule as a listing of the catalogue gives it, one entry per prefix rather than
    /// one per SIP code: (prefix, what it says of every subcode of the prefix, mitigation,
    /// source), when a page loaded gives the rule.
    pub fn sbc_rule_prefixes(&self) -> Vec<(u32, String, &str, &str)> {
        let Some(source) = self.sbc_rule else {
            return Vec::new();
        };
        let sip = format!(
            "the subcode's last three digits ({} to {})",
            SIP_CODES.start(),
            SIP_CODES.end()
        );
        (SBC_PREFIXES.iter())
            .map(|&(prefix, call)| {
                let d = sbc_description(prefix, call, &sip);
                (prefix, d, SBC_MITIGATION, self.label(source))
            })
            .collect()
    }
}
