//! The one table model every renderer reads: named columns that say what they hold (a number,
//! text from the logs, catalogue text, markup the tool writes), and rows of cells. The CSV
//! writer (polars), Markdown, HTML and JSON all render the same [`Table`].

/// What a column holds, which decides how each format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// A number (or none): right-aligned, written as a number in JSON.
    Number,
    /// Text from the logs, or anything else untrusted: escaped for the format.
    Text,
    /// Catalogue descriptions and mitigations: links kept, lines broken (`; ` in CSV).
    Catalogue,
    /// Markup the tool writes itself, in the format being written: as is. Sparklines in
    /// Markdown; in HTML, the page's own `<code>` and line breaks around text it escaped.
    Markup,
    /// A yes/no.
    Bool,
    /// A list of items separated by spaces (a mitigation's codes): escaped as text, and past
    /// the cap cut after an item, saying how many were left out (`… and 3120 more`).
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    /// Written with 4 decimals.
    Float(f64),
    /// Written with every digit: a p-value, which a reader compares with a threshold far
    /// below 0.0001. CSV, Markdown and HTML write the shortest text that reads back as the
    /// same value ([`Cell::text`]); JSON writes the number.
    Exact(f64),
    Bool(bool),
    Text(String),
}

impl Cell {
    /// The cell as text: empty for none, floats with 4 decimals, an exact float as JSON
    /// writes it (the shortest text that reads back as the same value: plain decimals from
    /// 1e-5 on, `0.9895238707734317`, scientific below, `3.999876896226794e-15`), which
    /// `float()`, a CSV reader and a spreadsheet read as a number; empty when not finite.
    pub fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) => format!("{f:.4}"),
            Cell::Exact(f) => {
                serde_json::Number::from_f64(*f).map_or(String::new(), |n| n.to_string())
            }
            Cell::Bool(b) => b.to_string(),
            Cell::Text(s) => s.clone(),
        }
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Int(n as i64)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Int(i64::from(n))
    }
}

impl From<f64> for Cell {
    fn from(f: f64) -> Cell {
        Cell::Float(f)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Null, Into::into)
    }
}

/// A column's name: most are the tool's own words, some are made at run time (the triage
/// timeline's, a key each).
pub type Name = std::borrow::Cow<'static, str>;

/// Named columns and rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub columns: Vec<(Name, Col)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: &[(&'static str, Col)]) -> Table {
        Table {
            columns: columns.iter().map(|&(n, c)| (Name::from(n), c)).collect(),
            rows: Vec::new(),
        }
    }

    /// A table of `columns`, a row of each of `items` as `row` makes it.
    pub fn of<T>(
        columns: &[(&'static str, Col)],
        items: impl IntoIterator<Item = T>,
        row: impl FnMut(T) -> Vec<Cell>,
    ) -> Table {
        let mut t = Table::new(columns);
        t.rows = items.into_iter().map(row).collect();
        debug_assert!(t.rows.iter().all(|r| r.len() == columns.len()));
        t
    }

    /// Adds a row, one cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    #[cfg(test)]
    pub fn height(&self) -> usize {
        self.rows.len()
    }

    pub fn headers(&self) -> Vec<String> {
        self.columns.iter().map(|(n, _)| n.to_string()).collect()
    }

    /// The rows as text, cell by cell.
    #[cfg(test)]
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect()
    }
}

/// A row of cells from values of any cell type: `row![count, share, "text"]`.
#[macro_export]
macro_rules! row {
    ($($v:expr),* $(,)?) => {
        vec![$($crate::report::table::Cell::from($v)),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_the_reports_write_them() {
        let mut t = Table::new(&[("a", Col::Number), ("b", Col::Number), ("c", Col::Text)]);
        t.push(crate::row![5u64, 0.5f64, "x"]);
        t.push(crate::row![None::<u32>, 1.0f64 / 3.0, String::from("y")]);
        assert_eq!(t.text_rows(), [["5", "0.5000", "x"], ["", "0.3333", "y"]]);
        assert_eq!(t.headers(), ["a", "b", "c"]);
        assert_eq!(t.height(), 2);
    }

    /// An exact float's text reads back as the same number, in the form a reader expects of
    /// it (not Rust's `{:e}`, `9.895238707734317e-1` for 0.99).
    #[test]
    fn exact_floats_are_written_with_every_digit() {
        for (p, text) in [
            (0.9895238707734317, "0.9895238707734317"),
            (1.0, "1.0"),
            (0.0005140391514410512, "0.0005140391514410512"),
            (3.999876896226794e-15, "3.999876896226794e-15"),
        ] {
            let cell = Cell::Exact(p).text();
            assert_eq!(cell, text);
            assert_eq!(cell.parse::<f64>().unwrap(), p);
        }
        assert_eq!(Cell::Exact(f64::NAN).text(), "");
    }
}
