//! CSV output through polars' CsvWriter. Text that comes from logs is untrusted: a cell that
//! a spreadsheet would run as a formula is neutralized (OWASP CSV injection advice).

use std::borrow::Cow;

use anyhow::Result;
use polars::prelude::*;

/// Prefixes a quote to text a spreadsheet would read as a formula.
pub fn neutralize(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// The table as CSV bytes. Only text columns are neutralized; numbers are written as numbers,
/// floats with 4 decimals.
pub fn render(df: &DataFrame) -> Result<Vec<u8>> {
    let mut df = df.clone();
    let text_cols: Vec<String> = df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::String)
        .map(|c| c.name().to_string())
        .collect();
    for name in text_cols {
        // Empty text is written as an empty field, like a missing value.
        let safe: StringChunked = df
            .column(&name)?
            .str()?
            .iter()
            .map(|v| {
                v.filter(|s| !s.is_empty())
                    .map(|s| neutralize(s).into_owned())
            })
            .collect();
        df.with_column(safe.with_name(name.as_str().into()).into_column())?;
    }
    let mut out = Vec::new();
    CsvWriter::new(&mut out)
        .include_header(true)
        .with_float_precision(Some(4))
        .finish(&mut df)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_numbers_are_not() {
        let df = df!(
            "message" => ["=HYPERLINK(\"http://x\")", "+cmd", "-1", "@SUM(A1)", "\tx", "plain, \"quoted\"", ""],
            "count" => [1u64, 2, 3, 4, 5, 6, 7],
            "share" => [0.5f64, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 1.0]
        )
        .unwrap();
        let text = String::from_utf8(render(&df).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "message,count,share");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\",1,0.5000");
        assert_eq!(lines[2], "'+cmd,2,0.2500");
        assert_eq!(lines[3], "'-1,3,0.1250");
        assert_eq!(lines[4], "'@SUM(A1),4,0.0625");
        assert_eq!(lines[5], "'\tx,5,0.0312");
        assert_eq!(lines[6], "\"plain, \"\"quoted\"\"\",6,0.0156");
        assert_eq!(lines[7], ",7,1.0000");
    }
}
