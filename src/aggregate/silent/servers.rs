//! The texts a call without an outcome shows that its number does not hold (its ServerCallId,
//! and its ids when they are not GUIDs), kept one after another in one buffer ([`Servers`])
//! only while the call waits for an outcome.

use super::call_actions::{CallActions, NO_SERVER};

/// The texts a listed call shows that its number does not hold: its ServerCallId, and its
/// CorrelationId and CallConnectionId when they are not GUIDs (a GUID's text is its number's;
/// another id is counted by a hash of its text); each empty for none.
pub(super) type Texts<'a> = [&'a str; 3];

/// An id that is not a GUID is kept to this many bytes (cut at a character's end, and `…`
/// added): a call waiting for an outcome holds no more of it whatever its length.
pub(super) const MAX_ID: usize = 256;

/// `id` as a call's [`Texts`] keeps it: cut past [`MAX_ID`] bytes.
pub(super) fn id_text(id: &str) -> std::borrow::Cow<'_, str> {
    if id.len() <= MAX_ID {
        return id.into();
    }
    let mut end = MAX_ID;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &id[..end]).into()
}

/// Each call's [`Texts`] one after another in one buffer, each text its length in two bytes
/// and then its bytes, named by the place of the first: a token costs its own bytes and two,
/// with no allocation or table entry of its own. Those let go stay until the buffer is made
/// anew without them, once they take more than half of it.
#[derive(Debug, Clone, Default)]
pub(super) struct Servers {
    pub(super) bytes: Vec<u8>,
    /// The bytes of those let go.
    gone: usize,
}

/// The buffer's bytes from which [`Servers`] is made anew once half of it is let go.
pub(super) const SERVERS_ANEW: usize = 1 << 20;

impl Servers {
    /// The text at byte `at`, and where the next one starts.
    fn one(&self, at: usize) -> (&str, usize) {
        let len = usize::from(u16::from_le_bytes([self.bytes[at], self.bytes[at + 1]]));
        let text = std::str::from_utf8(&self.bytes[at + 2..at + 2 + len]).unwrap_or_default();
        (text, at + 2 + len)
    }

    /// The texts of the call at place `at`.
    pub(super) fn texts(&self, at: u32) -> Texts<'_> {
        let (server, at) = self.one(at as usize);
        let (correlation, at) = self.one(at);
        let (connection, _) = self.one(at);
        [server, correlation, connection]
    }

    /// The ServerCallId at place `at`.
    #[cfg(test)]
    pub(super) fn text(&self, at: u32) -> &str {
        self.texts(at)[0]
    }

    /// Keeps `texts` as those of call `c` while it has an action accepted without an outcome:
    /// of each, the first in text order when its records name two (whatever worker read
    /// them), an empty one only when they name none. A text longer than 65,535 bytes is kept
    /// empty; past 4 GiB of them, none is kept.
    pub(super) fn keep(&mut self, c: &mut CallActions, texts: Texts<'_>) {
        if !c.pending() {
            return self.release(c);
        }
        if c.server != NO_SERVER {
            let kept = self.texts(c.server);
            // Which of `texts` come before the kept ones: an empty text never does.
            let new = std::array::from_fn::<bool, 3, _>(|i| {
                !texts[i].is_empty() && (kept[i].is_empty() || texts[i] < kept[i])
            });
            if new == [false; 3] {
                return;
            }
            let texts: [String; 3] =
                std::array::from_fn(|i| (if new[i] { texts[i] } else { kept[i] }).to_string());
            self.let_go(c);
            if let Some(at) = self.push(texts.each_ref().map(String::as_str)) {
                c.server = at;
            }
            return;
        }
        if let Some(at) = self.push(texts) {
            c.server = at;
        }
    }

    /// Appends `texts`, returning the place of the first; none past 4 GiB of them. A text
    /// longer than 65,535 bytes is kept empty.
    pub(super) fn push(&mut self, texts: Texts<'_>) -> Option<u32> {
        let at = u32::try_from(self.bytes.len()).ok()?;
        for text in texts {
            let (len, text) = match u16::try_from(text.len()) {
                Ok(len) => (len, text),
                Err(_) => (0, ""),
            };
            self.bytes.extend_from_slice(&len.to_le_bytes());
            self.bytes.extend_from_slice(text.as_bytes());
        }
        Some(at)
    }

    /// Lets the ServerCallId of call `c` go once each of its actions has its outcome.
    pub(super) fn release(&mut self, c: &mut CallActions) {
        if c.server != NO_SERVER && !c.pending() {
            self.let_go(c);
        }
    }

    fn let_go(&mut self, c: &mut CallActions) {
        self.gone += self
            .texts(c.server)
            .iter()
            .map(|t| 2 + t.len())
            .sum::<usize>();
        c.server = NO_SERVER;
    }

    /// Makes the buffer anew with the ServerCallIds of `calls` only, once those let go take
    /// more than half of it.
    pub(super) fn tidy(&mut self, calls: &mut [CallActions]) {
        if self.bytes.len() < SERVERS_ANEW || self.gone * 2 < self.bytes.len() {
            return;
        }
        let old = std::mem::take(self);
        self.bytes.reserve(old.bytes.len() - old.gone);
        for c in calls.iter_mut().filter(|c| c.server != NO_SERVER) {
            c.server = self.push(old.texts(c.server)).unwrap_or(NO_SERVER);
        }
    }
}
