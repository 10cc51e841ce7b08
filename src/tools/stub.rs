//! What the model reads about a tool: a Python stub generated from its schemas,
//! and the Python identifier a tool name becomes. Pure text; never calls a tool.

use serde_json::Value as Json;

use super::Tool;
use super::bind::params_of;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// `get-sum` -> `get_sum`, `2fa` -> `_2fa`, `class` -> `class_`, `` -> `_`.
pub fn sanitize_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c == '_' || unicode_ident::is_xid_continue(c) { c } else { '_' })
        .collect();
    match s.chars().next() {
        None => s.push('_'),
        Some(c) if !(c == '_' || unicode_ident::is_xid_start(c)) => s.insert(0, '_'),
        _ => {}
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// Python names for tools, in order: each sanitised; a name already taken (by an
/// earlier tool or in `reserved`) gets its server's name as a prefix, then a
/// number (`_2`, `_3`...) until it is free. The same input gives the same names.
pub fn assign_names(tools: &[(Option<&str>, &str)], reserved: &[&str]) -> Vec<String> {
    let mut taken: Vec<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::with_capacity(tools.len());
    for (server, name) in tools {
        let base = sanitize_name(name);
        let mut candidate = base.clone();
        if taken.contains(&candidate) {
            if let Some(server) = server {
                candidate = format!("{}_{}", sanitize_name(server).trim_end_matches('_'), base);
            }
        }
        let stem = candidate.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{stem}_{n}");
            n += 1;
        }
        taken.push(candidate.clone());
        out.push(candidate);
    }
    out
}

/// The Python annotation for a JSON Schema.
pub fn py_type(schema: &Json) -> String {
    let nullable = schema.get("nullable") == Some(&Json::Bool(true));
    let mut t = if let Some(options) = schema.get("enum").and_then(Json::as_array) {
        let lits: Vec<String> = options.iter().map(py_literal).collect();
        format!("Literal[{}]", lits.join(", "))
    } else if let Some(alts) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Json::as_array) {
        let mut parts: Vec<String> = Vec::new();
        for a in alts {
            let p = py_type(a);
            if !parts.contains(&p) {
                parts.push(p);
            }
        }
        if parts.is_empty() { "Any".to_owned() } else { parts.join(" | ") }
    } else {
        match schema.get("type") {
            Some(Json::String(t)) => one_type(t, schema),
            Some(Json::Array(ts)) => {
                let parts: Vec<String> = ts.iter().filter_map(Json::as_str).map(|t| one_type(t, schema)).collect();
                if parts.is_empty() { "Any".to_owned() } else { parts.join(" | ") }
            }
            _ => "Any".to_owned(),
        }
    };
    if nullable && !t.ends_with("None") {
        t.push_str(" | None");
    }
    t
}

fn one_type(t: &str, schema: &Json) -> String {
    match t {
        "string" => "str".into(),
        "integer" => "int".into(),
        "number" => "float".into(),
        "boolean" => "bool".into(),
        "null" => "None".into(),
        "object" => "dict".into(),
        "array" => match schema.get("items") {
            Some(items) if items.is_object() => format!("list[{}]", py_type(items)),
            _ => "list".into(),
        },
        _ => "Any".into(),
    }
}

/// A JSON value written as a Python literal (`null` -> `None`, `true` -> `True`).
pub fn py_literal(j: &Json) -> String {
    match j {
        Json::Null => "None".into(),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => py_str(s),
        Json::Array(a) => format!("[{}]", a.iter().map(py_literal).collect::<Vec<_>>().join(", ")),
        Json::Object(o) => {
            let items: Vec<String> = o.iter().map(|(k, v)| format!("{}: {}", py_str(k), py_literal(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// A str literal as Python's repr writes it (single quotes unless the text has one).
fn py_str(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// Text safe inside a `"""` docstring, each line after the first indented by `indent`.
fn doc_text(s: &str, indent: &str) -> String {
    let s = s.trim().replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let mut out = String::new();
    for (i, line) in s.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line.trim_end());
    }
    out
}

/// The stub the model reads: `def name(params) -> type:` and a docstring with the
/// description, each argument and the shape of a structured result.
pub fn python_stub(tool: &Tool) -> String {
    let (params, open) = params_of(&tool.input_schema);
    let mut sig = Vec::new();
    for p in &params {
        let ty = py_type(&p.schema);
        if p.required {
            sig.push(format!("{}: {ty}", p.name));
        } else {
            let default = match &p.default {
                Some(d) => py_literal(d),
                None => "None".to_owned(),
            };
            let ty = if p.default.is_none() && !ty.ends_with("None") && ty != "Any" { format!("{ty} | None") } else { ty };
            sig.push(format!("{}: {ty} = {default}", p.name));
        }
    }
    if open {
        sig.push("**kwargs: Any".to_owned());
    }
    let ret = if tool.output_schema.is_some() { "dict" } else { "str" };
    let mut s = format!("def {}({}) -> {ret}:\n    \"\"\"", tool.name, sig.join(", "));
    let desc = doc_text(&tool.description, "    ");
    s.push_str(if desc.is_empty() { "(no description)" } else { &desc });
    s.push('\n');
    let documented: Vec<_> = params.iter().collect();
    if !documented.is_empty() {
        s.push_str("\n    Args:\n");
        for p in documented {
            let d = p.schema.get("description").and_then(Json::as_str).unwrap_or("");
            let d = doc_text(d, "            ");
            if d.is_empty() {
                s.push_str(&format!("        {}\n", p.name));
            } else {
                s.push_str(&format!("        {}: {d}\n", p.name));
            }
        }
    }
    if let Some(out) = &tool.output_schema {
        if let Some(props) = out.get("properties").and_then(Json::as_object) {
            s.push_str("\n    Returns:\n        dict with keys:\n");
            for (k, ps) in props {
                let d = ps.get("description").and_then(Json::as_str).map(|d| format!(": {}", doc_text(d, "                "))).unwrap_or_default();
                s.push_str(&format!("            {k} ({}){d}\n", py_type(ps)));
            }
        }
    }
    s.push_str("    \"\"\"\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names() {
        assert_eq!(sanitize_name("get-sum"), "get_sum");
        assert_eq!(sanitize_name("2fa.check"), "_2fa_check");
        assert_eq!(sanitize_name("class"), "class_");
        let names = assign_names(&[(Some("a"), "echo"), (Some("b"), "echo"), (None, "echo"), (None, "print")], &["print"]);
        assert_eq!(names, ["echo", "b_echo", "echo_2", "print_2"]);
    }

    #[test]
    fn stub_text() {
        let t = Tool::host(
            "get_sum",
            "Returns the sum of two numbers",
            json!({"type": "object", "properties": {"a": {"type": "number", "description": "First number"}, "b": {"type": "number", "description": "Second number"}, "mode": {"type": "string", "enum": ["x", "y"], "default": "x"}, "tag": {"type": "string"}}, "required": ["a", "b"]}),
            |_| Ok(super::super::ToolOutput::text("")),
        );
        assert_eq!(
            python_stub(&t),
            "def get_sum(a: float, b: float, mode: Literal['x', 'y'] = 'x', tag: str | None = None) -> str:\n    \"\"\"Returns the sum of two numbers\n\n    Args:\n        a: First number\n        b: Second number\n        mode\n        tag\n    \"\"\"\n"
        );
    }
}
