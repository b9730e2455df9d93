//! One JSON document spread over many lines: a `{"records": [...]}` blob, a query API response,
//! or a JSON array (az CLI output, a callback batch). It is streamed element by element; a
//! syntax error ends the document with one reject, and every record before it still counts.

use std::io::{self, BufReader};

use serde::de::DeserializeSeed;

use super::json::{Element, TopSeed};
use super::lines::short_message;
use super::{FileCtx, Input, Sink};
use crate::normalize::Reason;

pub(super) fn read<S: Sink>(input: Input, ctx: &mut FileCtx<'_, S>) -> io::Result<()> {
    let mut not_records = Vec::new();
    let result = {
        let mut emit = |e: Element<'_>| match e {
            Element::Record(raw, i) => ctx.emit(&raw, i, || format!("record {i} of the document")),
            Element::NotRecord(i, why) => not_records.push((i, why)),
        };
        let mut de =
            serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, input));
        TopSeed { emit: &mut emit }
            .deserialize(&mut de)
            .and_then(|()| de.end())
    };
    for (i, why) in not_records {
        ctx.reject(
            i,
            Reason::NotARecord,
            format!("record index {i}: {why}"),
            String::new(),
        );
    }
    if let Err(e) = result {
        if e.is_io() {
            return Err(io::Error::other(short_message(&e)));
        }
        let detail = format!(
            "{} at line {} column {}; records before it were read",
            short_message(&e),
            e.line(),
            e.column()
        );
        ctx.reject(e.line() as u64, Reason::BadDocument, detail, String::new());
    }
    Ok(())
}
