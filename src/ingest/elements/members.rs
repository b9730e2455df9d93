//! An object that wraps records under keys of its own (`{"Results": [...]}`), read member by
//! member ([`member`]), and whether the head of an object is one ([`wrapper_head`]).

use super::super::structure::{string_end, value_end};
use super::tokens::{expect, skip_space};
use crate::normalize::{key_role_bytes, Context, KeyRole};

/// The next member of an object that wraps records under keys of its own, read member by
/// member when it is larger than a record (see `document::wrapped`): `b` is the input after
/// the object's `{` (`first`) or after a member's value.
pub(in crate::ingest) enum Member<'b> {
    /// A member whose value is an array of objects or arrays: its key, and the bytes to past
    /// the array's `[`.
    Array(&'b [u8], usize),
    /// Any other member: its key, and the bytes up to its value.
    Value(&'b [u8], usize),
    /// The object's `}`: the bytes to past it.
    Close(usize),
    /// Neither (a lost comma or colon, a key cut off by the end of `b`): the bytes up to where
    /// it broke.
    Bad(usize),
}

pub(in crate::ingest) fn member(b: &[u8], first: bool) -> Member<'_> {
    let Some(at) = skip_space(b, 0) else {
        return Member::Bad(b.len());
    };
    if b[at] == b'}' {
        return Member::Close(at + 1);
    }
    let mut i = at;
    if !first {
        if b[at] != b',' {
            return Member::Bad(at);
        }
        i += 1;
    }
    let parsed = (|| {
        i = skip_space(b, i)?;
        (b[i] == b'"').then_some(())?;
        let end = string_end(b, i + 1)?;
        let k = &b[i + 1..end - 1];
        i = end;
        expect(b, &mut i, b':')?;
        Some((k, skip_space(b, i)?))
    })();
    let Some((key, v)) = parsed else {
        return Member::Bad(at);
    };
    let opens = |j: usize| matches!(skip_space(b, j).map(|j| b[j]), Some(b'{' | b'['));
    if b[v] == b'[' && opens(v + 1) {
        Member::Array(key, v + 1)
    } else {
        Member::Value(key, v)
    }
}

/// Whether `b`, the head of an object larger than a record, wraps records under keys of its
/// own (`{"Results": [...]}`, `{"entries": [...]}`, `{"IncomingCall": [], "PlayFailed": [...]}`):
/// its members up to its first array of objects or arrays, all in `b`, are named by none of a
/// record's fields nor of another layout's keys (`records`, `tables`, `body`, ...; the array
/// may be `data`'s), as an
/// object read whole proves that it holds none of a record's fields before its members are
/// read as documents (see `document::wrapper`).
pub(in crate::ingest) fn wrapper_head(b: &[u8]) -> bool {
    let Some(mut i) = skip_space(b, 0).filter(|&i| b[i] == b'{').map(|i| i + 1) else {
        return false;
    };
    let mut first = true;
    loop {
        match member(&b[i..], first) {
            // `{"data": [...]}` (a REST API's or an exporter's page) is a wrapper, as its
            // array of objects shows: no record or other layout has one under `data` (an
            // event's `data` is an object, a pandas frame's comes after its `columns` or
            // `schema`).
            Member::Array(key, _) => {
                return !names_a_field(key) || key.eq_ignore_ascii_case(b"data")
            }
            Member::Value(key, to) => {
                if names_a_field(key) {
                    return false;
                }
                let Some(end) = value_end(b, i + to) else {
                    return false;
                };
                i = end;
            }
            Member::Close(_) | Member::Bad(_) => return false,
        }
        first = false;
    }
}

/// Whether an object's key is a record's field, or a key that makes it another layout than a
/// wrapper (see `json::TopSeed`).
fn names_a_field(key: &[u8]) -> bool {
    const LAYOUT: [&[u8]; 13] = [
        b"records",
        b"value",
        b"body",
        b"tables",
        b"partialtables",
        b"frametype",
        b"error",
        b"partialerror",
        b"columns",
        b"schema",
        b"data",
        b"message",
        b"responses",
    ];
    LAYOUT.iter().any(|k| key.eq_ignore_ascii_case(k))
        || !matches!(key_role_bytes(Context::Record, key), KeyRole::Ignore)
}
