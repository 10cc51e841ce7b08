//! Binding a Python call (`f(2, b=40)`) to a tool's JSON Schema, as CPython binds a
//! call to a `def`: positionals in parameter order (required ones first, then the
//! optional ones, each group in the schema's property order), keywords by name,
//! CPython's TypeError wording. It never calls the tool: it only builds the
//! arguments object or the error.

use serde_json::{Map, Value as Json};

use super::convert::{json_type_matches, to_json};
use crate::values::*;

/// One parameter of a tool, derived from its input schema.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub schema: Json,
    pub required: bool,
    pub default: Option<Json>,
}

/// The parameters in binding order, and whether unknown keywords are accepted
/// (a schema without `properties` describes no parameters but forbids nothing).
pub fn params_of(schema: &Json) -> (Vec<Param>, bool) {
    let props = schema.get("properties").and_then(Json::as_object);
    let required: Vec<&str> =
        schema.get("required").and_then(Json::as_array).map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
    let mut req = Vec::new();
    let mut opt = Vec::new();
    if let Some(props) = props {
        for (name, s) in props {
            let p = Param {
                name: name.clone(),
                schema: s.clone(),
                required: required.contains(&name.as_str()),
                default: s.get("default").cloned(),
            };
            if p.required { req.push(p) } else { opt.push(p) }
        }
    }
    // A required name without a property: still a parameter, of any type.
    for r in &required {
        if !req.iter().any(|p| p.name == *r) {
            req.push(Param { name: (*r).to_owned(), schema: Json::Object(Map::new()), required: true, default: None });
        }
    }
    let open = props.is_none() && schema.get("additionalProperties") != Some(&Json::Bool(false));
    req.extend(opt);
    (req, open)
}

/// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`: CPython's list of missing names.
fn name_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// Builds the `arguments` object of a call of tool `fname` from the Python call.
pub fn bind_args(fname: &str, schema: &Json, args: &[Value], kwargs: &[(std::rc::Rc<str>, Value)]) -> PyResult<Map<String, Json>> {
    let (params, open) = params_of(schema);
    let mut slots: Vec<Option<Value>> = vec![None; params.len()];
    if args.len() > params.len() {
        let n_req = params.iter().filter(|p| p.required).count();
        let total = params.len();
        let takes = if n_req == total {
            format!("{total} positional argument{}", if total == 1 { "" } else { "s" })
        } else {
            format!("from {n_req} to {total} positional arguments")
        };
        let given = args.len();
        return Err(PyErr::type_error(format!(
            "{fname}() takes {takes} but {given} {} given",
            if given == 1 { "was" } else { "were" }
        )));
    }
    for (i, a) in args.iter().enumerate() {
        slots[i] = Some(a.clone());
    }
    let mut extra = Map::new();
    for (k, v) in kwargs {
        match params.iter().position(|p| p.name == **k) {
            Some(i) => {
                if slots[i].is_some() {
                    return Err(PyErr::type_error(format!("{fname}() got multiple values for argument '{k}'")));
                }
                slots[i] = Some(v.clone());
            }
            None if open => {
                extra.insert(k.to_string(), to_json(v)?);
            }
            None => return Err(PyErr::type_error(format!("{fname}() got an unexpected keyword argument '{k}'"))),
        }
    }
    let missing: Vec<&str> =
        params.iter().zip(&slots).filter(|(p, s)| p.required && s.is_none()).map(|(p, _)| p.name.as_str()).collect();
    if !missing.is_empty() {
        return Err(PyErr::type_error(format!(
            "{fname}() missing {} required positional argument{}: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            name_list(&missing)
        )));
    }
    let mut out = Map::new();
    for (p, slot) in params.iter().zip(slots) {
        let Some(v) = slot else { continue };
        // None for an optional parameter that cannot be null means "not given": the
        // stub shows such parameters as `= None`, and the server applies its default.
        if v.is_none() && !p.required && !accepts(&p.schema, &Value::None) {
            continue;
        }
        check(fname, &p.name, &p.schema, &v)?;
        out.insert(p.name.clone(), to_json(&v)?);
    }
    out.extend(extra);
    Ok(out)
}

/// Whether `v` fits the (shallow) schema: type, nullable, anyOf/oneOf, enum.
fn accepts(schema: &Json, v: &Value) -> bool {
    if v.is_none() && schema.get("nullable") == Some(&Json::Bool(true)) {
        return true;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = schema.get(key).and_then(Json::as_array) {
            if !alts.iter().any(|s| accepts(s, v)) {
                return false;
            }
        }
    }
    match schema.get("type") {
        Some(Json::String(t)) => {
            if !json_type_matches(v, t) {
                return false;
            }
        }
        Some(Json::Array(ts)) => {
            if !ts.iter().filter_map(Json::as_str).any(|t| json_type_matches(v, t)) {
                return false;
            }
        }
        _ => {}
    }
    if let (Some(items), Value::List(l)) = (schema.get("items"), v) {
        if !l.borrow().iter().all(|x| accepts(items, x)) {
            return false;
        }
    }
    true
}

/// The Python spelling of a schema's expected type, for error messages.
pub fn expected_name(schema: &Json) -> String {
    super::stub::py_type(schema)
}

fn check(fname: &str, pname: &str, schema: &Json, v: &Value) -> PyResult<()> {
    if !accepts(schema, v) {
        return Err(PyErr::type_error(format!(
            "{fname}() argument '{pname}' must be {}, not {}",
            expected_name(schema),
            v.type_name()
        )));
    }
    if let Some(options) = schema.get("enum").and_then(Json::as_array) {
        let j = to_json(v)?;
        if !options.contains(&j) {
            let shown: Vec<String> = options.iter().map(super::stub::py_literal).collect();
            return Err(PyErr::value_error(format!(
                "{fname}() argument '{pname}' must be one of {}, not {}",
                shown.join(", "),
                super::stub::py_literal(&j)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(r: PyResult<Map<String, Json>>) -> String {
        match r {
            Err(e) => match e.repr() {
                exception::ErrRepr::New { args, .. } => match args.first() {
                    Some(Value::Str(s)) => s.as_str().to_owned(),
                    _ => String::new(),
                },
                _ => String::new(),
            },
            Ok(m) => format!("ok {}", Json::Object(m)),
        }
    }

    fn sum_schema() -> Json {
        json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}, "round": {"type": "boolean", "default": false}}, "required": ["a", "b"]})
    }

    #[test]
    fn binds_like_cpython() {
        let s = sum_schema();
        let k = |n: &str, v: Value| (std::rc::Rc::<str>::from(n), v);
        assert_eq!(msg(bind_args("get_sum", &s, &[Value::Int(2), Value::Int(40)], &[])), r#"ok {"a":2,"b":40}"#);
        assert_eq!(msg(bind_args("get_sum", &s, &[], &[k("b", Value::Int(1)), k("a", Value::Int(2))])), r#"ok {"a":2,"b":1}"#);
        assert_eq!(msg(bind_args("get_sum", &s, &[Value::Int(2)], &[])), "get_sum() missing 1 required positional argument: 'b'");
        assert_eq!(msg(bind_args("get_sum", &s, &[], &[])), "get_sum() missing 2 required positional arguments: 'a' and 'b'");
        assert_eq!(
            msg(bind_args("get_sum", &s, &[Value::Int(1), Value::Int(2), Value::Bool(true), Value::Int(4)], &[])),
            "get_sum() takes from 2 to 3 positional arguments but 4 were given"
        );
        assert_eq!(msg(bind_args("get_sum", &s, &[Value::Int(1)], &[k("c", Value::None)])), "get_sum() got an unexpected keyword argument 'c'");
        assert_eq!(msg(bind_args("get_sum", &s, &[Value::Int(1)], &[k("a", Value::None)])), "get_sum() got multiple values for argument 'a'");
        assert_eq!(msg(bind_args("get_sum", &s, &[Value::str("x"), Value::Int(1)], &[])), "get_sum() argument 'a' must be float, not str");
        assert_eq!(msg(bind_args("get_sum", &s, &[Value::Int(1), Value::Int(2), Value::None], &[])), r#"ok {"a":1,"b":2}"#);
    }

    #[test]
    fn enums_nullable_and_open_schemas() {
        let s = json!({"properties": {"loc": {"type": "string", "enum": ["NYC", "LA"]}, "n": {"type": ["integer", "null"]}}, "required": ["loc"]});
        assert_eq!(msg(bind_args("f", &s, &[Value::str("SF")], &[])), "f() argument 'loc' must be one of 'NYC', 'LA', not 'SF'");
        assert_eq!(msg(bind_args("f", &s, &[Value::str("LA"), Value::None], &[])), r#"ok {"loc":"LA","n":null}"#);
        let open = json!({"type": "object"});
        assert_eq!(msg(bind_args("g", &open, &[], &[(std::rc::Rc::from("x"), Value::Int(1))])), r#"ok {"x":1}"#);
        assert_eq!(msg(bind_args("g", &open, &[Value::Int(1)], &[])), "g() takes 0 positional arguments but 1 was given");
    }
}
