//! The focused callback records by a text they name, as the triage lists them ([`Named`]):
//! the most frequent first, with the records of the others and of none.

use super::*;

/// The focused callback records by a text they name ([`ByText`]), as the views show it.
#[derive(Debug, Clone, Default)]
pub struct Named {
    /// (text, records), most records first, then by the text as the records give it: the
    /// first [`TOP_NAMED`].
    pub rows: Vec<(String, u64)>,
    /// The distinct texts counted, and the records of those past [`TOP_NAMED`].
    pub distinct: usize,
    pub past_top: u64,
    /// Records of texts past those a worker counts ([`crate::aggregate::MAX_NAMED`]).
    pub others: u64,
    /// Records that name none.
    pub none: u64,
}

impl Named {
    /// The rows of `by`, the texts shown as `show` gives them (two texts shown alike stay two
    /// rows).
    pub(super) fn of(by: &ByText, show: impl Fn(&str) -> String) -> Named {
        let mut all: Vec<(&str, u64)> = by.counts.iter().map(|(t, n)| (&**t, *n)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        Named {
            rows: (all.iter().take(TOP_NAMED))
                .map(|(t, n)| (show(t), *n))
                .collect(),
            distinct: all.len(),
            past_top: all.iter().skip(TOP_NAMED).map(|(_, n)| n).sum(),
            others: by.others,
            none: by.none,
        }
    }

    /// The callback records counted.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum::<u64>() + self.past_top + self.others + self.none
    }

    /// The rows, and a last one of the records that name none (`none_label`), with a header.
    pub fn table(&self, header: &'static str, none_label: &str) -> Table {
        let mut t = Table::of(
            &[(header, Col::Text), ("count", Col::Number)],
            &self.rows,
            |(text, n)| row![text.as_str(), *n],
        );
        if self.none > 0 {
            t.push(row![none_label, self.none]);
        }
        t
    }

    /// `120 of 120 callback records to one target: 4:+xxxxxxx0199`: the first row's share of
    /// the records, and what the others are; `None` without a row. When no two records go to
    /// one (of two or more), no one is the lead: `6 callback records, no two to one target (6
    /// targets)`.
    pub fn lead(&self, what: &str) -> Option<String> {
        let (text, n) = self.rows.first()?;
        let total = self.total();
        let spread = *n == 1 && self.distinct > 1;
        let mut line = match spread {
            true => format!(
                "{total} callback records, no two to one {what} ({} {what}s)",
                self.distinct
            ),
            false => format!("{n} of {total} callback records to one {what}: {text}"),
        };
        let others = total - n - self.none;
        let more = self.distinct - 1;
        if !spread && (more > 0 || self.others > 0) {
            let s = if more == 1 { "" } else { "s" };
            let _ = write!(line, "; {others} to {more} other {what}{s}");
            if self.others > 0 {
                let _ = write!(
                    line,
                    " ({} of them past the {} counted)",
                    self.others,
                    crate::aggregate::MAX_NAMED
                );
            }
        }
        if self.none > 0 {
            let _ = write!(line, "; {} name none", self.none);
        }
        Some(line)
    }
}
