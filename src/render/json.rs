//! JSON output: tables as arrays of objects, numbers as numbers.

use polars::prelude::{AnyValue, DataFrame};
use serde_json::{Map, Number, Value};

fn value(v: &AnyValue<'_>) -> Value {
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::String(s) => Value::String(s.to_string()),
        AnyValue::StringOwned(s) => Value::String(s.to_string()),
        AnyValue::UInt32(n) => Value::from(*n),
        AnyValue::UInt64(n) => Value::from(*n),
        AnyValue::Int32(n) => Value::from(*n),
        AnyValue::Int64(n) => Value::from(*n),
        AnyValue::Float64(f) => {
            Number::from_f64((f * 10_000.0).round() / 10_000.0).map_or(Value::Null, Value::Number)
        }
        other => Value::String(other.to_string()),
    }
}

/// A table as an array of row objects, keys in column order.
pub fn rows(df: &DataFrame) -> Value {
    let names = super::headers(df);
    Value::Array(
        (0..df.height())
            .map(|i| {
                let mut m = Map::new();
                for (name, col) in names.iter().zip(df.columns()) {
                    let v = col.get(i).map(|v| value(&v)).unwrap_or(Value::Null);
                    m.insert(name.clone(), v);
                }
                Value::Object(m)
            })
            .collect(),
    )
}
