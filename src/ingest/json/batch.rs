//! A query API `$batch` response (`{"responses": [{"id": ..., "status": ..., "body": {...}}]}`):
//! each response's tables read, and the failed ones named.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::super::record_seed::Key;
use super::tables::TablesSeed;
use super::{api_error, Element};

/// `responses` of a query API batch (`$batch`): each one's `body` is a response of its own,
/// its `tables`, or an `error` (a query that failed: its records are missing). What went wrong
/// is said once for the batch: how many responses, and the first few.
pub(super) struct ResponsesSeed<'e, 'de> {
    pub(super) emit: &'e mut dyn FnMut(Element<'de>),
}

/// Failed responses a batch's warning names; the rest it counts.
const NAMED_FAILURES: usize = 3;

impl<'de> DeserializeSeed<'de> for ResponsesSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResponsesSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of responses")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let (mut named, mut failed) = (Vec::new(), 0u64);
        loop {
            let (mut problem, mut other) = (None, false);
            let seed = ObjectOr {
                visitor: ResponseSeed {
                    emit: &mut *self.emit,
                    problem: &mut problem,
                },
                other: &mut other,
            };
            if s.next_element_seed(seed)?.is_none() {
                break;
            }
            if other {
                problem = Some("a response that is not an object".into());
            }
            if let Some(p) = problem {
                failed += 1;
                if named.len() < NAMED_FAILURES {
                    named.push(p);
                }
            }
        }
        let why = match failed {
            0 => return Ok(()),
            1 => named.concat(),
            n => {
                let more = n - named.len() as u64;
                let more = if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                };
                format!("{n} responses failed: {}{more}", named.join("; "))
            }
        };
        (self.emit)(Element::Incomplete(why));
        Ok(())
    }
}

/// An object, read by `visitor`; any other value is passed over and `other` set.
struct ObjectOr<'o, V> {
    visitor: V,
    other: &'o mut bool,
}

impl<'de, V: Visitor<'de, Value = ()>> DeserializeSeed<'de> for ObjectOr<'_, V> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<V> ObjectOr<'_, V> {
    /// A value that is not an object: passed over, and said to be one.
    fn pass<E>(self) -> Result<(), E> {
        *self.other = true;
        Ok(())
    }
}

impl<'de, V: Visitor<'de, Value = ()>> Visitor<'de> for ObjectOr<'_, V> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.visitor.expecting(f)
    }
    fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<(), A::Error> {
        self.visitor.visit_map(m)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        self.pass()
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.pass()
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.pass()
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.pass()
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.pass()
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.pass()
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.pass()
    }
}

/// One response of a batch: `id`, `status`, `body`; what went wrong with it, if anything, in
/// `problem`.
struct ResponseSeed<'e, 'de, 'p> {
    emit: &'e mut dyn FnMut(Element<'de>),
    problem: &'p mut Option<String>,
}

impl<'de> Visitor<'de> for ResponseSeed<'_, 'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a response")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let (mut id, mut status, mut body) = (None, None, None);
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            if k.eq_ignore_ascii_case("body") {
                let (mut error, mut other) = (None, false);
                m.next_value_seed(ObjectOr {
                    visitor: BodySeed {
                        emit: &mut *self.emit,
                        error: &mut error,
                    },
                    other: &mut other,
                })?;
                body = Some(if other {
                    Body::Other
                } else {
                    Body::Object(error)
                });
            } else if k.eq_ignore_ascii_case("id") {
                id = Some(m.next_value::<serde_json::Value>()?);
            } else if k.eq_ignore_ascii_case("status") {
                status = Some(m.next_value::<serde_json::Value>()?);
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        // A status that is not 2xx is a failure whatever the body holds; none says nothing.
        let code = status.as_ref().and_then(|s| match s {
            serde_json::Value::String(t) => t.trim().parse::<u64>().ok(),
            v => v.as_u64(),
        });
        let failed = status.is_some() && !code.is_some_and(|c| (200..300).contains(&c));
        let problem = match body {
            Some(Body::Object(Some(e))) if !e.is_null() => Some(api_error(&e)),
            Some(Body::Other) => Some("its body is not an object".to_string()),
            None if failed => Some("it has no body".to_string()),
            _ if failed => Some("its body has no error".to_string()),
            _ => None,
        };
        if let Some(problem) = problem {
            let name = |v: Option<serde_json::Value>| match v {
                Some(serde_json::Value::String(s)) => crate::record::excerpt(&s, 40),
                Some(v) => crate::record::excerpt(&v.to_string(), 40),
                None => "?".into(),
            };
            *self.problem = Some(format!(
                "response {} (status {}): {problem}",
                name(id),
                name(status)
            ));
        }
        Ok(())
    }
}

/// What a batch response's `body` was: an object, with its `error` if it had one, or
/// anything else.
enum Body {
    Object(Option<serde_json::Value>),
    Other,
}

/// A batch response's `body` object: its `tables` read, its `error` kept.
struct BodySeed<'e, 'de, 'r> {
    emit: &'e mut dyn FnMut(Element<'de>),
    error: &'r mut Option<serde_json::Value>,
}

impl<'de> Visitor<'de> for BodySeed<'_, 'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a response body")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(Key(k)) = m.next_key::<Key<'de>>()? {
            if k.eq_ignore_ascii_case("tables") {
                m.next_value_seed(TablesSeed {
                    emit: &mut *self.emit,
                })?;
            } else if k.eq_ignore_ascii_case("error") {
                *self.error = Some(m.next_value::<serde_json::Value>()?);
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}
