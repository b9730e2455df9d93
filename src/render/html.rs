//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network) that opens
//! from disk or a mail attachment. Every text from the logs is escaped, with its control and
//! bidi characters replaced and its length capped; a Content-Security-Policy forbids scripts and
//! fetches besides.

use std::fmt::Write;
use std::io;

use anyhow::Result;

use crate::catalogue::{Catalogue, Outcome, NO_MITIGATION};
use crate::render::markup::escape;
use crate::render::{charts, keys_cut, next_link, MOST_KEYS, PART_ROWS};
use crate::report::table::{Cell, Col, Table};
use crate::report::tables::{excerpt_text, in_parts, Parts};
use crate::report::{spike_sentence_with_target, CodeRow, Report};
use crate::row;
use crate::time::{day_text, rfc3339};

mod page;

use page::{table, Page};

/// Escapes catalogue text and turns its Markdown links to https pages into clickable links, and
/// its line breaks (the pages' `<br/>`) into `<br>`.
pub fn linkify(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(l) = next_link(rest) {
        out.push_str(&escape(&rest[..l.open]));
        if l.url.starts_with("https://") {
            let _ = write!(out, "<a href=\"{}\">{}</a>", escape(l.url), escape(l.text));
        } else {
            out.push_str(&escape(&rest[l.open..l.end]));
        }
        rest = &rest[l.end..];
    }
    out.push_str(&escape(rest));
    out.replace('\n', "<br>")
}
/// `t` with its column `name` shown as code: each cell escaped inside `<code>`.
fn code_column(mut t: Table, name: &str) -> Table {
    if let Some(i) = t.columns.iter().position(|(n, _)| *n == name) {
        let list = t.columns[i].1 == Col::List;
        t.columns[i].1 = Col::Markup;
        for r in &mut t.rows {
            let text = r[i].text();
            let text = match list {
                true => super::cut_list(&text, super::MAX_TEXT),
                false => text.as_str().into(),
            };
            r[i] = format!("<code>{}</code>", escape(&text)).into();
        }
    }
    t
}

/// The failures-over-time chart's data, bar by bar: the bars that hold any record.
fn time_table(r: &Report) -> Table {
    let mut t = Table::new(&[
        ("bucket", Col::Text),
        ("client", Col::Number),
        ("server", Col::Number),
        ("global", Col::Number),
        ("unknown", Col::Number),
    ]);
    let Some(b) = charts::bars(r) else {
        return t;
    };
    for i in (0..b.stacks.len()).filter(|&i| b.seen[i]) {
        let mut row = row![crate::time::bucket_start(b.first + i as i64 * b.width)];
        row.extend(b.stacks[i].map(Cell::from));
        t.push(row);
    }
    t
}

/// The keys of the `top` rows of an outcome class that another page reads otherwise
/// ([`crate::render::summary::other_readings`]), as a paragraph and a list.
fn other_readings(s: &mut Page, r: &Report, cat: &Catalogue, outcome: Outcome, top: usize) {
    let lines = crate::render::summary::other_readings(r, cat, outcome, top);
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "<p>{}</p>\n<ul>",
        escape(crate::render::summary::OTHER_READINGS)
    );
    for o in lines {
        let _ = write!(s, "<li>{}: “{}”", escape(&o.key), linkify(&o.description));
        if !o.mitigation.is_empty() {
            let _ = write!(s, " Mitigation: “{}”", linkify(&o.mitigation));
        }
        s.push_str("</li>\n");
    }
    s.push_str("</ul>\n");
}

/// The top-keys chart's data: the most frequent failure keys, with their description.
fn top_keys_table(r: &Report) -> Table {
    let columns = [
        ("code/subcode", Col::Text),
        // Escaped, its links not made anchors, as this table has always shown it.
        ("description", Col::Text),
        ("count", Col::Number),
    ];
    let top = r.top_of(Outcome::Failure, crate::render::summary::TOP);
    Table::of(&columns, top, |c| row![c.label(), &*c.description, c.count])
}

/// The [`MOST_KEYS`] most frequent keys with the messages the logs gave them, in parts of at
/// most `rows` rows.
fn codes_table(r: &Report, rows: usize) -> Parts<'_> {
    const COLUMNS: &[(&str, Col)] = &[
        ("code/subcode", Col::Text),
        ("category", Col::Text),
        ("match", Col::Text),
        ("description", Col::Catalogue),
        ("messages in the logs", Col::Markup),
        ("count", Col::Number),
        ("calls", Col::Number),
    ];
    in_parts(COLUMNS, r.codes.iter().take(MOST_KEYS), rows, |c| {
        row![
            c.label(),
            c.category.as_str(),
            c.matched.as_str(),
            &*c.description,
            messages(c),
            c.count,
            c.calls,
        ]
    })
}

/// A key's messages, a line each with its count, and how many records' were not kept.
fn messages(c: &CodeRow) -> String {
    let mut msgs: Vec<String> = (c.messages.iter())
        .map(|(m, n)| format!("{} ({n})", escape(m)))
        .collect();
    if c.other_messages > 0 {
        msgs.push(format!(
            "<i>+ {} records of messages not kept (too many distinct)</i>",
            c.other_messages
        ));
    }
    msgs.join("<br>")
}

/// by_sip.csv under the page's headers; the codes are identifiers, not amounts, and stay
/// left-aligned.
fn sip_table(r: &Report) -> Table {
    let mut t = r.by_sip();
    t.columns = Table::new(&[
        ("code", Col::Text),
        ("subcode", Col::Text),
        ("SIP code", Col::Text),
        ("SIP message", Col::Text),
        ("Q.850 code", Col::Text),
        ("Q.850 message", Col::Text),
        ("count", Col::Number),
        ("calls", Col::Number),
    ])
    .columns;
    t
}

/// A chart with its caption and its data, which `data` writes (a table).
fn figure(
    s: &mut Page,
    svg: &str,
    caption: &str,
    data: impl FnOnce(&mut Page) -> io::Result<()>,
) -> io::Result<()> {
    if svg.is_empty() {
        let _ = writeln!(s, "<p>{}: no failures to chart.</p>", escape(caption));
        return Ok(());
    }
    let _ = write!(
        s,
        "<figure>\n{svg}\n<figcaption>{}</figcaption>\n<details><summary>Chart data</summary>\n",
        escape(caption)
    );
    data(s)?;
    s.push_str("</details>\n</figure>\n");
    Ok(())
}

const STYLE: &str = r#"
:root { --ink: #222; --muted: #666; --line: #ddd; --bg: #fafafa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; padding: 1rem 1.25rem 3rem; max-width: 1100px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: .5rem 0 .25rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; }
.period { color: var(--muted); margin: 0 0 1rem; }
.lead { margin: 0 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .6rem .8rem; background: var(--bg); }
.card .value { font-size: 1.5rem; font-weight: 600; }
.card .label { color: var(--muted); font-size: .85rem; }
.spike { border-left: 4px solid #c02b2b; padding: .25rem .9rem; margin: .75rem 0; background: #fff5f5; }
.spike svg { max-width: 420px; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .9rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: .85em; overflow-wrap: anywhere; }
a { color: #0b5cad; }
details { margin: .25rem 0 1rem; }
@media (max-width: 600px) { body { padding: .5rem; } .card .value { font-size: 1.2rem; } }
@media print {
  body { max-width: none; padding: 0; }
  figure, .spike, table { break-inside: avoid; }
  details > *:not(summary) { display: block; }
  a { color: inherit; text-decoration: underline; }
  .scroll { overflow: visible; }
}
"#;

fn card(value: &str, label: &str) -> String {
    format!(
        "<div class=\"card\"><div class=\"value\">{}</div><div class=\"label\">{}</div></div>",
        escape(value),
        escape(label)
    )
}

/// The data quality section: skipped and rejected records, uncatalogued codes, warnings and
/// the input files.
fn data_quality(s: &mut Page, r: &Report) -> io::Result<()> {
    s.push_str("<section id=\"data-quality\">\n<h2>Data quality</h2>\n");
    if !r.skip_counts.is_empty() {
        s.push_str("<h3>Skipped records</h3>\n<p>Records with no outcome by design, not counted as rejects:</p>\n<ul>\n");
        for (reason, n) in &r.skip_counts {
            let _ = writeln!(s, "<li>{}: {n}</li>", escape(reason.label()));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("<h3>Rejected records</h3>\n");
    if r.reject_groups.is_empty() {
        s.push_str("<p>None.</p>\n");
    } else {
        let rejects = r.reject_groups_table(
            ("first examples", Col::Markup),
            |e| {
                format!(
                    "<code>{}</code> {}",
                    escape(&e.place()),
                    escape(&excerpt_text(e))
                )
            },
            "<br>",
        );
        table(s, [rejects])?;
    }
    s.push_str("<h3>Uncatalogued codes</h3>\n");
    if r.uncatalogued().next().is_none() {
        s.push_str("<p>None: every code seen other than success is in the catalogue (its pages list failures).</p>\n");
    } else {
        table(s, r.uncatalogued_parts(PART_ROWS, MOST_KEYS))?;
        if let Some(note) = keys_cut(r.uncatalogued().count(), "uncatalogued keys") {
            let _ = writeln!(s, "<p>{}</p>", escape(&note));
        }
    }
    if !r.warnings.is_empty() {
        s.push_str("<h3>Warnings</h3>\n<ul>\n");
        for w in &r.warnings {
            let _ = writeln!(s, "<li>{}</li>", escape(w));
        }
        s.push_str("</ul>\n");
    }
    let _ = writeln!(
        s,
        "<details><summary>Input files ({})</summary>",
        r.inputs.len()
    );
    let (inputs, more) = r.inputs_said(crate::render::MOST_FILES);
    table(s, [code_column(inputs, "file")])?;
    if let Some(note) = r.inputs_cut(more) {
        let _ = writeln!(s, "<p>{}</p>", escape(&note));
    }
    s.push_str("</details>\n");
    s.push_str("</section>\n");
    Ok(())
}

/// Writes the page for `r` to `out` as it is rendered.
pub fn write(r: &Report, cat: &Catalogue, out: &mut dyn io::Write) -> Result<()> {
    let s = &mut Page {
        buf: String::new(),
        out,
    };
    header(s, r);
    // The volume test first: a night without records has no failure to spike.
    volume_section(s, r)?;
    // Spikes come first when there are any.
    spikes_section(s, r, cat)?;
    silent_section(s, r)?;

    // Charts.
    s.push_str("<section id=\"over-time\">\n<h2>Failures over time</h2>\n");
    figure(
        s,
        &charts::failures_over_time(r)?,
        // As the failure rate counts them, not the failure class (rev65a L3).
        "Failures per bucket, stacked by category: every record of a code other than success, caller outcomes included, as the failure rate counts them.",
        |s| table(s, [time_table(r)]),
    )?;
    s.push_str("</section>\n");
    s.spill()?;

    s.push_str("<section id=\"top-keys\">\n<h2>Top failing keys</h2>\n");
    figure(
        s,
        &charts::top_keys(r, crate::render::summary::TOP)?,
        "The most frequent failure-class (code, subcode) keys, with the catalogue's description.",
        |s| table(s, [top_keys_table(r)]),
    )?;
    use crate::render::summary::{cut_note, TOP, TOP_CALLER};
    if let Some(note) = cut_note(r, Outcome::Failure, TOP) {
        let _ = writeln!(s, "<p>{}</p>", escape(&note));
    }
    other_readings(s, r, cat, Outcome::Failure, TOP);
    let callers = r.callers_table(cat, TOP_CALLER);
    if !callers.rows.is_empty() {
        s.push_str("<h3>Caller outcomes</h3>\n<p>Driven by the caller or callee, not by the application: counted apart from the failures.</p>\n");
        table(s, [callers])?;
        if let Some(note) = cut_note(r, Outcome::Caller, TOP_CALLER) {
            let _ = writeln!(s, "<p>{}</p>", escape(&note));
        }
        other_readings(s, r, cat, Outcome::Caller, TOP_CALLER);
    }
    s.push_str("</section>\n");
    s.spill()?;

    resources_section(s, r)?;

    s.push_str("<section id=\"outcomes\">\n<h2>By outcome</h2>\n");
    table(s, [r.by_outcome()])?;
    s.push_str("</section>\n");
    s.spill()?;

    s.push_str("<section id=\"categories\">\n<h2>Category split</h2>\n");
    figure(
        s,
        &charts::category_split(r)?,
        "All accepted records by category.",
        |s| table(s, [r.by_category()]),
    )?;
    s.push_str("</section>\n");
    s.spill()?;

    // Tables.
    s.push_str("<section id=\"by-mitigation\">\n<h2>By mitigation</h2>\n");
    for (outcome, caption) in crate::render::summary::MITIGATION_CLASSES {
        let t = r.mitigations_of(outcome);
        match (outcome, t.rows.is_empty()) {
            (Outcome::Failure, true) => s.push_str("<p>No failure-class records.</p>\n"),
            (_, true) => {}
            (_, false) => {
                let _ = writeln!(s, "<p>{}</p>", escape(caption));
                table(s, [code_column(t, "codes")])?;
            }
        }
    }
    s.push_str("</section>\n");
    s.spill()?;

    s.push_str("<section id=\"by-code\">\n<h2>By code</h2>\n");
    table(s, codes_table(r, PART_ROWS))?;
    if let Some(note) = keys_cut(r.codes.len(), "keys") {
        let _ = writeln!(s, "<p>{}</p>", escape(&note));
    }
    s.push_str("</section>\n");
    s.spill()?;

    if !r.diagnostics.is_empty() {
        s.push_str("<section id=\"sip\">\n<h2>SIP and Q.850 diagnostics</h2>\n");
        s.push_str("<p>What the SBC or carrier said, in the callback events that carry it.</p>\n");
        table(s, [sip_table(r)])?;
        s.push_str("</section>\n");
        s.spill()?;
    }

    data_quality(s, r)?;
    let _ = write!(
        s,
        "</main>\n<footer><p class=\"period\">Catalogue: {}. Generated by acs-triage {}.</p></footer>\n</body>\n</html>\n",
        escape(&r.catalogue.join("; ")),
        env!("CARGO_PKG_VERSION")
    );
    Ok(s.finish()?)
}

/// The page up to its main part: the head, and the header with the period, the lead line and
/// the headline numbers.
fn header(s: &mut Page, r: &Report) {
    let period = match (r.first, r.last) {
        (Some(a), Some(b)) => format!("{} to {}", rfc3339(a), rfc3339(b)),
        _ => "no records".into(),
    };
    let _ = write!(
        s,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>Call Automation triage report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>Call Automation triage report</h1>\n<p class=\"period\">{}</p>\n<p class=\"lead\"><strong>{}</strong></p>\n",
        escape(&period),
        escape(&crate::render::summary::needs_action_line(r))
    );
    s.push_str("<section class=\"cards\" aria-label=\"Headline numbers\">\n");
    s.push_str(&card(&r.read.to_string(), "records read"));
    s.push_str(&card(&r.accepted.to_string(), "accepted"));
    let rate = |x| crate::render::summary::rate(r, x);
    s.push_str(&card(&rate(r.needs_action_rate()), "needs action"));
    s.push_str(&card(&r.needs_action.to_string(), "failure-class records"));
    s.push_str(&card(&rate(r.failure_rate()), "all but success"));
    s.push_str(&card(&r.rejected.to_string(), "rejected"));
    s.push_str(&card(&r.skipped.to_string(), "skipped (no outcome)"));
    s.push_str("\n</section>\n</header>\n<main>\n");
}

/// The volume test's verdict, when there is one to say, each scope flagged a line.
fn volume_section(s: &mut Page, r: &Report) -> io::Result<()> {
    let (head, flagged, more) = crate::render::summary::volume_lines(r);
    if !head.is_empty() {
        s.push_str("<section id=\"volume\">\n<h2>Volume</h2>\n");
        let _ = writeln!(s, "<p>{}</p>", escape(&head));
        for f in &flagged {
            let (status, rest) = f.split_once(' ').unwrap_or((f, ""));
            let _ = writeln!(
                s,
                "<div class=\"spike\"><p><strong>{}</strong> {}</p></div>",
                escape(status),
                escape(rest)
            );
        }
        if let Some(line) = crate::render::summary::scopes_cut(r, more) {
            let _ = writeln!(s, "<p>{}</p>", escape(&line));
        }
        for line in &r.spikes.volume_untested {
            let _ = writeln!(s, "<p>{}</p>", escape(line));
        }
        if let Some(left_out) = &r.spikes.baseline_left_out {
            let _ = writeln!(s, "<p>{}.</p>", escape(left_out));
        }
        if let Some(copied) = crate::render::summary::copied_line(r) {
            let _ = writeln!(s, "<p>{}</p>", escape(&copied));
        }
        s.push_str("</section>\n");
        s.spill()?;
    }
    Ok(())
}

/// Each resource's records and what needs action in it, when there are two or more (the
/// table of summary.md).
fn resources_section(s: &mut Page, r: &Report) -> io::Result<()> {
    use crate::render::summary::{joined_note, resources_cut_note, resources_table, usual_note};
    let Some(t) = resources_table(r) else {
        return Ok(());
    };
    s.push_str("<section id=\"by-resource\">\n<h2>By resource</h2>\n");
    table(s, [t])?;
    let notes = [joined_note(r), usual_note(r), resources_cut_note(r)];
    for note in notes.into_iter().flatten() {
        let _ = writeln!(s, "<p>{}</p>", escape(&note));
    }
    s.push_str("</section>\n");
    s.spill()
}

/// The flagged keys, each with its mitigation and its chart, or why there are none.
fn spikes_section(s: &mut Page, r: &Report, cat: &Catalogue) -> Result<()> {
    let sp = &r.spikes;
    s.push_str("<section id=\"spikes\">\n<h2>Spikes</h2>\n");
    if r.spike_rows.is_empty() {
        let text = sp.note.clone().unwrap_or_else(|| {
            format!("No spikes on {}.", sp.day.map(day_text).unwrap_or_default())
        });
        let _ = writeln!(s, "<p>{}</p>", escape(&text));
    }
    if let Some(line) = crate::render::summary::new_below_min_line(r, cat) {
        let _ = writeln!(s, "<p>{}</p>", escape(&line));
    }
    let apart = crate::render::summary::untested_apart_line(r);
    for line in apart.iter().chain(&sp.untested_why) {
        let _ = writeln!(s, "<p>{}</p>", escape(line));
    }
    let (said, more) = r.spikes_said();
    for (i, row) in said.into_iter().enumerate() {
        let v = &row.verdict;
        let m = cat.lookup(v.key.0, v.key.1).mitigation;
        let _ = write!(
            s,
            "<div class=\"spike\">\n<p><strong>{}</strong> ({}) {}</p>\n<p>Mitigation: {}</p>\n",
            v.status.as_str(),
            row.outcome.as_str(),
            escape(&spike_sentence_with_target(v, cat)),
            m.map(linkify).unwrap_or_else(|| {
                let code = |c: &str| format!("<code>{}</code>", escape(c));
                let step = crate::render::summary::no_mitigation_step(r, row, code);
                format!("{NO_MITIGATION}{}", step.unwrap_or_default())
            })
        );
        let svg = charts::spike(v, i)?;
        let _ = write!(
            s,
            "<figure>\n{svg}\n<figcaption>{} on the day (red) and on the same weekday of the previous weeks; the line is the count expected for the day's volume.</figcaption>\n</figure>\n</div>\n",
            escape(&crate::catalogue::key_label(v.key.0, v.key.1))
        );
        s.spill()?;
    }
    if let Some(line) = crate::render::summary::spikes_cut(r, more) {
        let _ = writeln!(s, "<p>{}</p>", escape(&line));
    }
    s.push_str("</section>\n");
    s.spill()?;
    Ok(())
}

/// The silent-failure test: what it says, its table when an action had no outcome, and the
/// earliest calls without one.
fn silent_section(s: &mut Page, r: &Report) -> io::Result<()> {
    let lines = r.silent_lines();
    if lines.is_empty() {
        return Ok(());
    }
    s.push_str("<section id=\"silent\">\n<h2>Silent failures</h2>\n");
    for l in &lines {
        let _ = writeln!(s, "<p>{}</p>", escape(l));
    }
    if r.silent.without_outcome() > 0 {
        table(s, [r.silent_table()])?;
    }
    if let Some(head) = crate::render::silent::calls_head(r) {
        let _ = writeln!(s, "<p>{}</p>", escape(&head));
        table(
            s,
            [r.silent_calls_table(crate::render::silent::SHOWN_CALLS)],
        )?;
    }
    s.push_str("</section>\n");
    s.spill()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert(1)</script> & \"x\" 'y'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
    }

    #[test]
    fn controls_and_bidi_overrides_are_replaced_and_long_text_cut() {
        assert_eq!(
            escape("a\x1b[2Jb\x07\0 invoice_\u{202E}fdp.exe \u{2066}x\u{2069}"),
            "a\u{FFFD}[2Jb\u{FFFD}\u{FFFD} invoice_\u{FFFD}fdp.exe \u{FFFD}x\u{FFFD}"
        );
        // Line breaks and tabs are whitespace in HTML: kept.
        assert_eq!(escape("a\r\n\tb"), "a\r\n\tb");
        let e = escape(&format!("<{}", "a".repeat(200_000)));
        assert!(e.starts_with("&lt;aaa"));
        // The characters kept ("<" written as 4) and how many were left out, within the cap.
        let (kept, left) = e.rsplit_once("a… and ").unwrap();
        let left: usize = left
            .strip_suffix(" more characters")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(kept.chars().count() + 1 - 3 + left, 200_001);
        assert_eq!(e.chars().count(), crate::render::MAX_TEXT + 3);
        // Catalogue text is escaped the same way around its links.
        assert_eq!(
            linkify("\u{202E}[x](https://learn.microsoft.com/a)"),
            "\u{FFFD}<a href=\"https://learn.microsoft.com/a\">x</a>"
        );
    }

    /// Records the size of each write.
    #[derive(Default)]
    struct Writes(Vec<usize>);

    impl io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The page's tables of keys show the [`MOST_KEYS`] most frequent and say how many more
    /// by_code.csv and report.json hold (rev62a: 200,000 made-up keys made a page of 53 MB,
    /// which no mail takes as an attachment).
    #[test]
    fn the_tables_of_keys_show_the_most_frequent_and_say_how_many_more() {
        let cat = crate::report::fixture::catalogue();
        let mut r = crate::report::fixture::report(&cat);
        let mut model = (r.codes.iter().find(|c| c.category.is_failure()))
            .unwrap()
            .clone();
        model.matched = crate::catalogue::Match::None;
        let n = MOST_KEYS + 5;
        r.codes = (0..n)
            .map(|i| CodeRow {
                subcode: Some(900_000 + i as u32),
                count: (2 * n - i) as u64,
                ..model.clone()
            })
            .collect();
        let mut page = Vec::new();
        write(&r, &cat, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        let label = |i: usize| format!(">{}/{}<", model.code, 900_000 + i);
        // In By code and in Uncatalogued codes (the first in Top failing keys too): the most
        // frequent only.
        assert_eq!(page.matches(&label(0)).count(), 3);
        assert_eq!(page.matches(&label(MOST_KEYS - 1)).count(), 2);
        assert!(!page.contains(&label(MOST_KEYS)));
        for what in ["keys", "uncatalogued keys"] {
            let note = format!(
                "<p>The {MOST_KEYS} most frequent of {n} {what}; 5 more, and all of them, are in by_code.csv and report.json.</p>"
            );
            assert!(page.contains(&note), "{note}");
        }
        // A report of fewer keys says nothing of a cut.
        r.codes.truncate(MOST_KEYS);
        let mut page = Vec::new();
        write(&r, &cat, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(!page.contains("more, and all of them"), "{page}");
    }

    #[test]
    fn a_long_table_goes_out_in_chunks_not_whole() {
        let mut writes = Writes::default();
        let page = &mut Page {
            buf: String::new(),
            out: &mut writes,
        };
        let mut t = Table::new(&[("text", Col::Text), ("n", Col::Number)]);
        for _ in 0..10_000 {
            t.push(row!["x".repeat(1000), 1u64]);
        }
        table(page, [t]).unwrap();
        page.finish().unwrap();
        let total: usize = writes.0.iter().sum();
        assert!(total > 10_000_000, "{total}");
        // Each write is a chunk and at most one row more.
        assert!(writes.0.len() > 100, "{}", writes.0.len());
        assert!(writes.0.iter().all(|&n| n < Page::CHUNK + 2_000));
    }

    /// Headers and kinds come from the table, a number column is right-aligned by its kind,
    /// each cell is written as its column's kind says, and a table made in parts is one table.
    #[test]
    fn columns_are_written_by_what_they_hold() {
        let columns = [
            ("text", Col::Text),
            ("n", Col::Number),
            ("mitigation", Col::Catalogue),
            ("own", Col::Markup),
        ];
        let part = |n: u64| {
            let mitigation = "See [docs](https://learn.microsoft.com/x).";
            Table::of(&columns, [n], |n| row!["<b>", n, mitigation, "<i>x</i>"])
        };
        let mut out = Vec::new();
        {
            let page = &mut Page {
                buf: String::new(),
                out: &mut out,
            };
            table(page, [part(7), part(8)]).unwrap();
            page.finish().unwrap();
        }
        let row = |n: u64| {
            format!(
                "<tr><td>&lt;b&gt;</td><td class=\"num\">{n}</td><td>See <a href=\"https://learn.microsoft.com/x\">docs</a>.</td><td><i>x</i></td></tr>\n"
            )
        };
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "<div class=\"scroll\"><table>\n<thead><tr><th>text</th><th class=\"num\">n</th><th>mitigation</th><th>own</th></tr></thead>\n<tbody>\n{}{}</tbody></table></div>\n",
                row(7),
                row(8)
            )
        );
    }

    #[test]
    fn links_become_anchors_and_nothing_else_does() {
        assert_eq!(
            linkify("See [this page](https://learn.microsoft.com/a#b) <b>now</b>"),
            "See <a href=\"https://learn.microsoft.com/a#b\">this page</a> &lt;b&gt;now&lt;/b&gt;"
        );
        assert_eq!(
            linkify("[x](javascript:alert(1))"),
            "[x](javascript:alert(1))"
        );
        assert_eq!(linkify("no [links] here"), "no [links] here");
    }
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    #[test]
    fn report_html() {
        let cat = fixture::catalogue();
        let mut page = Vec::new();
        super::write(&fixture::report(&cat), &cat, &mut page).unwrap();
        insta::assert_snapshot!(String::from_utf8(page).unwrap());
    }
}
