//! The silent-failure section of `summary.md` ([`Report::silent_lines`] and its tables).

use std::fmt::Write;

use crate::render::markdown::{escape, table};
use crate::report::Report;

/// Calls without an outcome that summary.md and report.html show; silent_calls.csv has more.
pub const SHOWN_CALLS: usize = 10;

/// The sentence that introduces the calls shown, when there are any.
pub fn calls_head(r: &Report) -> Option<String> {
    let shown = r.silent.calls.len().min(SHOWN_CALLS);
    (shown > 0).then(|| {
        format!(
            "The earliest {shown} of {} calls, by their last accepted action ({}{} lists {}):",
            r.silent.calls_total,
            r.csv_file("silent_calls.csv"),
            if r.csv_not_written { "," } else { "" },
            r.silent.calls.len()
        )
    })
}

/// `## Silent failures` of summary.md, when the run looked for them and the input accepted an
/// action it tests.
pub fn markdown(s: &mut String, r: &Report) {
    let lines = r.silent_lines();
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Silent failures\n");
    for l in &lines {
        let _ = writeln!(s, "{}\n", escape(l));
    }
    if r.silent.without_outcome() > 0 {
        let _ = writeln!(s, "{}", table(&r.silent_table()));
    }
    if let Some(head) = calls_head(r) {
        let _ = writeln!(
            s,
            "{}\n\n{}",
            escape(&head),
            table(&r.silent_calls_table(SHOWN_CALLS))
        );
    }
}
