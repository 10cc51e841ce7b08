//! `string`: the character-class constants, `capwords` and `Template`
//! (`substitute`/`safe_substitute` with CPython's placeholder rules and errors).
//! Pure text functions; a mapping is read through `vm.getitem` only, so user
//! mappings work and nothing else of the machine is reachable.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::native;
use crate::values::numparse::is_space;
use crate::values::*;
use crate::vm::Vm;

const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";
const PUNCT: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const WHITESPACE: &str = " \t\n\r\u{b}\u{c}";

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    let letters = format!("{LOWER}{UPPER}");
    attrs.insert("ascii_lowercase".into(), Value::str(LOWER));
    attrs.insert("ascii_uppercase".into(), Value::str(UPPER));
    attrs.insert("ascii_letters".into(), Value::str(&letters));
    attrs.insert("digits".into(), Value::str(DIGITS));
    attrs.insert("hexdigits".into(), Value::str("0123456789abcdefABCDEF"));
    attrs.insert("octdigits".into(), Value::str("01234567"));
    attrs.insert("punctuation".into(), Value::str(PUNCT));
    attrs.insert("whitespace".into(), Value::str(WHITESPACE));
    attrs.insert("printable".into(), Value::string(format!("{DIGITS}{letters}{PUNCT}{WHITESPACE}")));
    attrs.insert("capwords".into(), native("capwords", capwords));
    let mut t = Attrs::default();
    t.insert("__init__".into(), native("__init__", template_init));
    t.insert("substitute".into(), native("substitute", template_substitute));
    t.insert("safe_substitute".into(), native("safe_substitute", template_safe_substitute));
    t.insert("delimiter".into(), Value::str("$"));
    let cls = vm.new_class("Template", "Template", vec![], t)?;
    attrs.insert("Template".into(), Value::Class(cls));
    attrs.insert("__name__".into(), Value::str("string"));
    Ok(Value::Module(Rc::new(Module { name: "string".into(), attrs: RefCell::new(attrs) })))
}

/// `str.capitalize`: the first character upper-cased, the rest lower-cased.
fn capitalize(w: &str) -> String {
    let mut cs = w.chars();
    match cs.next() {
        Some(f) => {
            let mut s: String = f.to_uppercase().collect();
            s.push_str(&cs.as_str().to_lowercase());
            s
        }
        None => String::new(),
    }
}

fn capwords(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let _ = vm;
    let [s, sep] = args.bind("capwords", ["s", "sep"], 0, 1)?;
    let s = match s {
        Some(Value::Str(s)) => s,
        Some(other) => {
            return Err(PyErr::attribute_error(format!("'{}' object has no attribute 'split'", other.type_name())))
        }
        None => return Err(PyErr::type_error("capwords() missing 1 required positional argument: 's'")),
    };
    let out = match sep {
        None | Some(Value::None) => {
            let words: Vec<String> = s.as_str().split(is_space).filter(|w| !w.is_empty()).map(capitalize).collect();
            words.join(" ")
        }
        Some(Value::Str(sep)) => {
            if sep.as_str().is_empty() {
                return Err(PyErr::value_error("empty separator"));
            }
            let words: Vec<String> = s.as_str().split(sep.as_str()).map(capitalize).collect();
            words.join(sep.as_str())
        }
        Some(other) => {
            return Err(PyErr::type_error(format!("must be str or None, not {}", other.type_name())))
        }
    };
    Ok(Value::string(out))
}

fn template_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, template] = args.exact("__init__")?;
    vm.setattr(&this, "template", template)?;
    Ok(Value::None)
}

fn template_substitute(vm: &mut Vm, args: Args) -> PyResult<Value> {
    substitute(vm, args, false)
}

fn template_safe_substitute(vm: &mut Vm, args: Args) -> PyResult<Value> {
    substitute(vm, args, true)
}

enum Piece<'a> {
    Text(&'a str),
    Named { name: &'a str, whole: &'a str },
    Invalid(usize),
}

/// Splits a template at its placeholders (`$$`, `$name`, `${name}`, a bad `$`).
fn parse<'a>(t: &'a str, delim: &'a str) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut last = 0;
    let mut i = 0;
    let b = t.as_bytes();
    let is_start = |c: u8| c == b'_' || c.is_ascii_alphabetic();
    let is_cont = |c: u8| c == b'_' || c.is_ascii_alphanumeric();
    while i < t.len() {
        if delim.is_empty() || !t[i..].starts_with(delim) {
            i += t[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        out.push(Piece::Text(&t[last..i]));
        let after = i + delim.len();
        if t[after..].starts_with(delim) {
            out.push(Piece::Text(delim));
            i = after + delim.len();
        } else if b.get(after).is_some_and(|&c| is_start(c)) {
            let mut j = after + 1;
            while b.get(j).is_some_and(|&c| is_cont(c)) {
                j += 1;
            }
            out.push(Piece::Named { name: &t[after..j], whole: &t[i..j] });
            i = j;
        } else if b.get(after) == Some(&b'{') && b.get(after + 1).is_some_and(|&c| is_start(c)) {
            let mut j = after + 2;
            while b.get(j).is_some_and(|&c| is_cont(c)) {
                j += 1;
            }
            if b.get(j) == Some(&b'}') {
                out.push(Piece::Named { name: &t[after + 1..j], whole: &t[i..j + 1] });
                i = j + 1;
            } else {
                out.push(Piece::Invalid(after));
                i = after;
            }
        } else {
            out.push(Piece::Invalid(after));
            i = after;
        }
        last = i;
    }
    out.push(Piece::Text(&t[last..]));
    out
}

fn substitute(vm: &mut Vm, args: Args, safe: bool) -> PyResult<Value> {
    let fname = if safe { "safe_substitute" } else { "substitute" };
    let mut pos = args.pos.into_iter();
    let Some(this) = pos.next() else {
        return Err(PyErr::type_error(format!("{fname}() missing 1 required positional argument: 'self'")));
    };
    let mapping = pos.next();
    if pos.next().is_some() {
        return Err(PyErr::type_error("Too many positional arguments"));
    }
    let kws = if args.kw.is_empty() {
        None
    } else {
        let d = Rc::new(RefCell::new(PyDict::new()));
        for (k, v) in args.kw {
            vm.dict_set(&d, Value::str(&k), v)?;
        }
        Some(Value::Dict(d))
    };
    let template = match vm.getattr(&this, "template")? {
        Value::Str(s) => s,
        other => return Err(PyErr::type_error(format!("expected string, got {}", other.type_name()))),
    };
    let delim = match vm.getattr(&this, "delimiter")? {
        Value::Str(s) => s.as_str().to_owned(),
        _ => "$".to_owned(),
    };
    let text = template.as_str();
    let mut out = String::new();
    for piece in parse(text, &delim) {
        vm.tick()?;
        match piece {
            Piece::Text(s) => out.push_str(s),
            Piece::Named { name, whole } => {
                let key = Value::str(name);
                let mut found = None;
                let mut last_err = None;
                for m in [kws.as_ref(), mapping.as_ref()].into_iter().flatten() {
                    match vm.getitem(m, &key) {
                        Ok(v) => {
                            found = Some(v);
                            break;
                        }
                        Err(e) if vm.err_is(&e, ExcKind::KeyError) => last_err = Some(e),
                        Err(e) => return Err(e),
                    }
                }
                match found {
                    Some(v) => out.push_str(&vm.str(&v)?),
                    None if safe => out.push_str(whole),
                    None => return Err(last_err.unwrap_or_else(|| PyErr::key_error(key))),
                }
            }
            Piece::Invalid(at) => {
                if safe {
                    out.push_str(&delim);
                    continue;
                }
                let before = &text[..at];
                let i = before.chars().count();
                let (lineno, colno) = match before.rfind(['\n', '\r']) {
                    _ if i == 0 => (1, 1),
                    None => (1, i),
                    Some(b) => {
                        let lines = before.matches('\n').count() + 1;
                        (lines, i - before[..=b].chars().count())
                    }
                };
                return Err(PyErr::value_error(format!("Invalid placeholder in string: line {lineno}, col {colno}")));
            }
        }
    }
    Ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_pieces() {
        let p = parse("$a ${b} $$ $", "$");
        let names: Vec<&str> = p
            .iter()
            .filter_map(|x| match x {
                Piece::Named { name, .. } => Some(*name),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(matches!(p.iter().rev().nth(1), Some(Piece::Invalid(12))));
    }
}
