//! The calls' SDKs: a record's SDK as one text (`type\tversion`), each text held once for
//! the calls it made, and the focused records counted by SDK, those that name no call too.

use std::borrow::Cow;
use std::sync::Arc;

use foldhash::HashMap;

use super::ids::Sdk;
use crate::record::Record;

/// A record's SDK as one id, `type\tversion`; empty, and made of nothing, when it names
/// neither (a media summary record).
pub fn sdk_text<'r>(rec: &'r Record<'_>) -> Cow<'r, str> {
    if rec.sdk_type.is_empty() && rec.sdk_version.is_empty() {
        Cow::Borrowed("")
    } else {
        Cow::Owned(format!("{}\t{}", rec.sdk_type, rec.sdk_version))
    }
}

/// The SDKs' texts, each held once for the calls it made, at most [`MAX_NO_CALL_SDKS`]; past
/// them (made-up texts), a call holds its own.
#[derive(Debug, Default)]
pub(super) struct Sdks(foldhash::HashSet<Arc<str>>);

impl Sdks {
    pub(super) fn id(&mut self, sdk: &str) -> Sdk {
        if let Some(t) = self.0.get(sdk) {
            return Some(Arc::clone(t));
        }
        let t: Arc<str> = sdk.into();
        if self.0.len() < MAX_NO_CALL_SDKS {
            self.0.insert(Arc::clone(&t));
        }
        Some(t)
    }
}

/// SDKs kept for the focused records that name no call: past them (made-up texts), which are
/// kept depends on the threads.
pub const MAX_NO_CALL_SDKS: usize = 1_000;

/// Counts a focused record that names no call under its SDK.
pub(super) fn count_no_call(sdks: &mut HashMap<Box<str>, u64>, sdk: &str, n: u64) {
    let sdk = match sdks.contains_key(sdk) || sdks.len() < MAX_NO_CALL_SDKS {
        true => sdk,
        false => "(other)\t(other)",
    };
    match sdks.get_mut(sdk) {
        Some(c) => *c += n,
        None => {
            sdks.insert(sdk.into(), n);
        }
    }
}

/// Counts `n` records of a call under its SDK (empty: none named).
pub(super) fn count_sdk(split: &mut (HashMap<String, u64>, u64), sdk: &str, n: u64) {
    if sdk.is_empty() {
        split.1 += n;
    } else if let Some(c) = split.0.get_mut(sdk) {
        *c += n;
    } else {
        split.0.insert(sdk.to_string(), n);
    }
}
