//! JSON output: tables as arrays of objects, keys in column order, numbers as numbers.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use crate::report::table::{Cell, Table};

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => s.serialize_unit(),
            Cell::Bool(b) => s.serialize_bool(*b),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Int(n) => s.serialize_i64(*n),
            Cell::Float(f) if f.is_finite() => s.serialize_f64((f * 10_000.0).round() / 10_000.0),
            Cell::Float(_) => s.serialize_unit(),
            Cell::Exact(f) if f.is_finite() => s.serialize_f64(*f),
            Cell::Exact(_) => s.serialize_unit(),
        }
    }
}

/// A table as an array of row objects, keys in column order, written row by row as it is
/// serialized: a table of many rows costs no tree of values.
pub struct Rows<'a>(pub &'a Table);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.rows.len()))?;
        elements(&mut seq, self.0)?;
        seq.end()
    }
}

/// The rows of `t` as elements of `seq`, each an object, keys in column order: a table made
/// in parts is one array of them all.
pub fn elements<S: SerializeSeq>(seq: &mut S, t: &Table) -> Result<(), S::Error> {
    for r in &t.rows {
        seq.serialize_element(&Row(&t.columns, r))?;
    }
    Ok(())
}

struct Row<'a>(
    &'a [(crate::report::table::Name, crate::report::table::Col)],
    &'a [Cell],
);

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.1.len()))?;
        for ((name, _), c) in self.0.iter().zip(self.1) {
            m.serialize_entry(name, c)?;
        }
        m.end()
    }
}

/// A table as a JSON value: an array of row objects, keys in column order.
pub fn rows(t: &Table) -> Value {
    serde_json::to_value(Rows(t)).unwrap_or(Value::Null)
}

/// A value as pretty JSON text with a final newline, as every JSON file and stream is written.
pub fn pretty<T: Serialize + ?Sized>(v: &T) -> serde_json::Result<Vec<u8>> {
    let mut s = serde_json::to_vec_pretty(v)?;
    s.push(b'\n');
    Ok(s)
}

/// As [`pretty`], into `w`.
pub fn write_pretty<T: Serialize + ?Sized>(v: &T, w: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    w.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod snapshots {
    use crate::report::fixture;

    #[test]
    fn json_rows() {
        let cat = fixture::catalogue();
        let v = super::rows(&fixture::report(&cat).by_operation());
        insta::assert_snapshot!(String::from_utf8(super::pretty(&v).unwrap()).unwrap());
    }
}
