//! JSON output: tables as arrays of objects, keys in column order, numbers as numbers.

use serde_json::{Map, Number, Value};

use crate::report::table::{Cell, Table};

fn value(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => Value::from(*n),
        Cell::Float(f) => {
            Number::from_f64((f * 10_000.0).round() / 10_000.0).map_or(Value::Null, Value::Number)
        }
    }
}

/// A table as an array of row objects, keys in column order.
pub fn rows(t: &Table) -> Value {
    Value::Array(
        t.rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                for ((name, _), c) in t.columns.iter().zip(r) {
                    m.insert(name.to_string(), value(c));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

/// A value as pretty JSON text with a final newline, as every JSON file and stream is written.
pub fn pretty(v: &Value) -> serde_json::Result<Vec<u8>> {
    let mut s = serde_json::to_vec_pretty(v)?;
    s.push(b'\n');
    Ok(s)
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
