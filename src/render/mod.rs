//! Render: pure functions from finished tables (polars DataFrames) and the report to bytes, one
//! file per output format. Writing them out, atomically, is [`write_atomic`]'s job alone.

pub mod charts;
pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod report_json;
pub mod summary;
pub mod text;
pub mod triage;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::{AnyValue, DataFrame};

/// A cell as text: empty for null, floats with 4 decimals.
pub fn cell(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(f) => format!("{f:.4}"),
        AnyValue::Float32(f) => format!("{f:.4}"),
        other => other.to_string(),
    }
}

/// The rows of a table as text cells.
pub fn text_rows(df: &DataFrame) -> Vec<Vec<String>> {
    (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| c.get(i).map(|v| cell(&v)).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// The column names of a table.
pub fn headers(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// crash never leaves a half-written report.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // Reports are for reading: rw-r--r-- like any other file, not the temp file's rw-------.
    let mut tmp = tempfile::Builder::new()
        .prefix(".acs-triage-")
        .suffix(".tmp")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// A text sparkline of counts; long series are summed into at most `MAX_SPARK` cells.
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    const MAX_SPARK: usize = 48;
    let per = values.len().div_ceil(MAX_SPARK).max(1);
    let cells: Vec<u64> = values.chunks(per).map(|c| c.iter().sum()).collect();
    let max = cells.iter().copied().max().unwrap_or(0);
    cells
        .iter()
        .map(|&v| {
            if max == 0 {
                BARS[0]
            } else {
                BARS[((v * 7).div_ceil(max)) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_the_maximum() {
        assert_eq!(sparkline(&[0, 1, 7, 14]), "▁▂▅█");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&vec![1; 96]).chars().count(), 48);
    }
}
