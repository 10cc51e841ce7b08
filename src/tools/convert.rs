//! Values crossing between Python and tools as plain JSON data.
//!
//! Only dicts (str keys), lists, tuples, str, int, float, bool and None cross;
//! everything else is a TypeError worded as `json.dumps` words it. This module must
//! never hand a host object to the program or follow a cycle forever.

use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use serde_json::{Map, Number, Value as Json};

use crate::values::*;

/// Deeper nesting than this is refused rather than risking the native stack.
const MAX_DEPTH: usize = 500;

/// Python value to JSON, as `json.dumps(..., allow_nan=False)` would accept it.
pub fn to_json(v: &Value) -> PyResult<Json> {
    let mut seen = Vec::new();
    to_json_inner(v, &mut seen)
}

fn to_json_inner(v: &Value, seen: &mut Vec<usize>) -> PyResult<Json> {
    if seen.len() > MAX_DEPTH {
        return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded while encoding a JSON object"));
    }
    Ok(match v {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number((*i).into()),
        Value::BigInt(b) => match b.to_u64() {
            Some(u) => Json::Number(u.into()),
            None => return Err(PyErr::overflow("int too large to convert to JSON")),
        },
        Value::Float(f) => match Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => {
                return Err(PyErr::value_error(format!(
                    "Out of range float values are not JSON compliant: {}",
                    if f.is_nan() { "nan".to_owned() } else if *f > 0.0 { "inf".to_owned() } else { "-inf".to_owned() }
                )));
            }
        },
        Value::Str(s) => Json::String(s.as_str().to_owned()),
        Value::List(l) => {
            let id = Rc::as_ptr(l) as *const u8 as usize;
            enter(seen, id)?;
            let items: Vec<Value> = l.borrow().clone();
            let mut out = Vec::with_capacity(items.len());
            for x in &items {
                out.push(to_json_inner(x, seen)?);
            }
            seen.pop();
            Json::Array(out)
        }
        Value::Tuple(t) => {
            let id = t.as_ptr() as *const u8 as usize;
            enter(seen, id)?;
            let mut out = Vec::with_capacity(t.len());
            for x in t.iter() {
                out.push(to_json_inner(x, seen)?);
            }
            seen.pop();
            Json::Array(out)
        }
        Value::Dict(d) => {
            let id = Rc::as_ptr(d) as *const u8 as usize;
            enter(seen, id)?;
            let entries: Vec<(Value, Value)> = d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
            let mut out = Map::new();
            for (k, x) in &entries {
                let key = match k {
                    Value::Str(s) => s.as_str().to_owned(),
                    other => {
                        return Err(PyErr::type_error(format!(
                            "keys must be str for a tool argument, not {}",
                            other.type_name()
                        )));
                    }
                };
                out.insert(key, to_json_inner(x, seen)?);
            }
            seen.pop();
            Json::Object(out)
        }
        other => {
            return Err(PyErr::type_error(format!("Object of type {} is not JSON serializable", other.type_name())));
        }
    })
}

fn enter(seen: &mut Vec<usize>, id: usize) -> PyResult<()> {
    if seen.contains(&id) {
        return Err(PyErr::value_error("Circular reference detected"));
    }
    seen.push(id);
    Ok(())
}

/// JSON to a fresh Python value (objects become dicts in their order).
pub fn from_json(j: &Json) -> Value {
    match j {
        Json::Null => Value::None,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::from_bigint(BigInt::from(u))
            } else {
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(s) => Value::str(s),
        Json::Array(a) => Value::list(a.iter().map(from_json).collect()),
        Json::Object(o) => {
            let mut d = PyDict::with_capacity(o.len());
            for (k, x) in o {
                d.insert_simple(Value::str(k), from_json(x));
            }
            Value::dict(d)
        }
    }
}

/// The JSON type names a schema uses, for a Python value (for binding checks).
pub fn json_type_matches(v: &Value, ty: &str) -> bool {
    match ty {
        "string" => matches!(v, Value::Str(_)),
        "integer" => matches!(v, Value::Int(_) | Value::BigInt(_)),
        "number" => matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Float(_)),
        "boolean" => matches!(v, Value::Bool(_)),
        "array" => matches!(v, Value::List(_) | Value::Tuple(_)),
        "object" => matches!(v, Value::Dict(_)),
        "null" => matches!(v, Value::None),
        // Unknown type names (and "any") do not restrict.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_keeps_order_and_types() {
        let j = json!({"z": 1, "a": [1.5, "x", null, true], "big": 18446744073709551615u64});
        let v = from_json(&j);
        assert_eq!(to_json(&v).ok(), Some(j));
    }

    #[test]
    fn refuses_cycles_sets_and_nan() {
        let l = Value::list(vec![]);
        if let Value::List(inner) = &l {
            inner.borrow_mut().push(l.clone());
        }
        assert!(to_json(&l).is_err());
        if let Value::List(inner) = &l {
            inner.borrow_mut().clear();
        }
        assert!(to_json(&Value::Float(f64::NAN)).is_err());
        assert!(to_json(&Value::bytes(&b"x"[..])).is_err());
    }
}
