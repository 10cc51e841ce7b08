//! `string`: the character-class constants, `capwords`, `Template`
//! (`substitute`/`safe_substitute` with CPython's placeholder rules and errors)
//! and `Formatter` (CPython's Python class, method for method, so subclasses can
//! override any step). Pure text functions; a mapping is read through
//! `vm.getitem` only, so user mappings work and nothing else of the machine is
//! reachable. SECURITY: a Formatter field name chooses attributes to read
//! (`{0.__globals__}`); they are read only through `Vm::getattr`, the sandbox's
//! one attribute rule, exactly as `str.format` reads them.

use std::cell::RefCell;
use std::rc::Rc;

use crate::builtins::native;
use crate::builtins::str_format::{apply_step, parse_markup, split_field_name, FieldKey};
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
    let cls = super::helpers_c::make_class(vm, "Template", "string", vec![], t)?;
    attrs.insert("Template".into(), Value::Class(cls));
    let mut f = Attrs::default();
    let methods: &[(&str, NativeFn)] = &[
        ("format", formatter_format),
        ("vformat", formatter_vformat),
        ("parse", formatter_parse),
        ("get_field", formatter_get_field),
        ("get_value", formatter_get_value),
        ("check_unused_args", formatter_check_unused_args),
        ("format_field", formatter_format_field),
        ("convert_field", formatter_convert_field),
    ];
    for (n, func) in methods {
        f.insert((*n).into(), native(n, *func));
    }
    let cls = super::helpers_c::make_class(vm, "Formatter", "string", vec![], f)?;
    attrs.insert("Formatter".into(), Value::Class(cls));
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

// ----- Formatter -----

/// `Formatter.method(self, ...)` arguments: positional only, exactly `names`,
/// with the messages CPython gives for its Python-level methods.
fn method_args<const N: usize>(args: Args, method: &str, names: [&str; N]) -> PyResult<[Value; N]> {
    if let Some((k, _)) = args.kw.first() {
        return Err(PyErr::type_error(format!("Formatter.{method}() got an unexpected keyword argument '{k}'")));
    }
    let n = args.pos.len();
    if n > N {
        return Err(PyErr::type_error(format!(
            "Formatter.{method}() takes {N} positional arguments but {n} were given"
        )));
    }
    if n < N {
        let missing: Vec<String> = names[n..].iter().map(|s| format!("'{s}'")).collect();
        let list = match missing.len() {
            1 => missing[0].clone(),
            k => format!("{} and {}", missing[..k - 1].join(", "), missing[k - 1]),
        };
        let plural = if missing.len() == 1 { "argument" } else { "arguments" };
        return Err(PyErr::type_error(format!(
            "Formatter.{method}() missing {} required positional {plural}: {list}",
            missing.len()
        )));
    }
    let mut it = args.pos.into_iter();
    Ok(std::array::from_fn(|_| it.next().unwrap_or(Value::None)))
}

/// Calls `self.name(*args)`, so that a subclass's override runs.
fn call_method(vm: &mut Vm, this: &Value, name: &str, args: Vec<Value>) -> PyResult<Value> {
    let m = vm.getattr(this, name)?;
    vm.call(&m, Args::new(args))
}

/// Unpacks an iterable into exactly `n` values, with CPython's messages.
fn unpack(vm: &mut Vm, v: &Value, n: usize) -> PyResult<Vec<Value>> {
    let items = vm.collect(v)?;
    if items.len() < n {
        return Err(PyErr::value_error(format!("not enough values to unpack (expected {n}, got {})", items.len())));
    }
    if items.len() > n {
        return Err(PyErr::value_error(format!("too many values to unpack (expected {n})")));
    }
    Ok(items)
}

/// `format(self, format_string, /, *args, **kwargs)`
fn formatter_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Args { pos, kw } = args;
    if pos.len() < 2 {
        let msg = if pos.is_empty() {
            "Formatter.format() missing 2 required positional arguments: 'self' and 'format_string'"
        } else {
            "Formatter.format() missing 1 required positional argument: 'format_string'"
        };
        return Err(PyErr::type_error(msg));
    }
    let mut it = pos.into_iter();
    let this = it.next().unwrap_or(Value::None);
    let fmt = it.next().unwrap_or(Value::None);
    let rest = Value::tuple(it.collect());
    let mut d = PyDict::new();
    for (k, v) in kw {
        d.insert_simple(Value::str(&k), v);
    }
    call_method(vm, &this, "vformat", vec![fmt, rest, Value::dict(d)])
}

fn formatter_vformat(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, fmt, fargs, kwargs] = method_args(args, "vformat", ["self", "format_string", "args", "kwargs"])?;
    let used = Value::Set(Rc::new(RefCell::new(PySet::new())));
    let ctx = FormatCall { this: &this, args: &fargs, kwargs: &kwargs, used: &used };
    let (result, _) = vformat_rec(vm, &ctx, &fmt, 2, AutoIndex::Next(0))?;
    call_method(vm, &this, "check_unused_args", vec![used.clone(), fargs.clone(), kwargs.clone()])?;
    Ok(Value::string(result))
}

/// `auto_arg_index` of CPython's `_vformat`: the next automatic number, or
/// `False` once a field was numbered by hand.
#[derive(Clone, Copy)]
enum AutoIndex {
    Next(usize),
    Manual,
}

struct FormatCall<'a> {
    this: &'a Value,
    args: &'a Value,
    kwargs: &'a Value,
    used: &'a Value,
}

const SWITCH: &str = "cannot switch from manual field specification to automatic field numbering";

/// CPython's `Formatter._vformat`, every step through the overridable methods.
fn vformat_rec(vm: &mut Vm, ctx: &FormatCall<'_>, fmt: &Value, depth: i32, mut auto: AutoIndex) -> PyResult<(String, AutoIndex)> {
    if depth < 0 {
        return Err(PyErr::value_error("Max string recursion exceeded"));
    }
    let mut result: Vec<Value> = Vec::new();
    let pieces = call_method(vm, ctx.this, "parse", vec![fmt.clone()])?;
    let it = vm.iter(&pieces)?;
    while let Some(piece) = vm.next(&it)? {
        vm.tick()?;
        let parts = unpack(vm, &piece, 4)?;
        let (literal, field_name, spec, conversion) = (&parts[0], &parts[1], &parts[2], &parts[3]);
        if vm.truthy(literal)? {
            result.push(literal.clone());
        }
        if field_name.is_none() {
            continue;
        }
        let mut field_name = field_name.clone();
        if vm.eq(&field_name, &Value::str(""))? {
            let AutoIndex::Next(n) = auto else { return Err(PyErr::value_error(SWITCH)) };
            field_name = Value::string(n.to_string());
            auto = AutoIndex::Next(n + 1);
        } else {
            let isdigit = call_method(vm, &field_name, "isdigit", vec![])?;
            if vm.truthy(&isdigit)? {
                if matches!(auto, AutoIndex::Next(n) if n > 0) {
                    return Err(PyErr::value_error(SWITCH));
                }
                auto = AutoIndex::Manual;
            }
        }
        let got = call_method(vm, ctx.this, "get_field", vec![field_name, ctx.args.clone(), ctx.kwargs.clone()])?;
        let got = unpack(vm, &got, 2)?;
        if let Value::Set(s) = ctx.used {
            let mut set = std::mem::take(&mut *s.borrow_mut());
            let r = vm.set_add(&mut set, got[1].clone());
            *s.borrow_mut() = set;
            r?;
        }
        let obj = call_method(vm, ctx.this, "convert_field", vec![got[0].clone(), conversion.clone()])?;
        let (spec, next) = vformat_rec(vm, ctx, spec, depth - 1, auto)?;
        auto = next;
        result.push(call_method(vm, ctx.this, "format_field", vec![obj, Value::string(spec)])?);
    }
    // `''.join(result)`
    let mut out = String::new();
    for (i, v) in result.iter().enumerate() {
        match v {
            Value::Str(s) => out.push_str(s.as_str()),
            Value::Instance(inst) if matches!(&*inst.base.borrow(), Some(Value::Str(_))) => {
                if let Some(Value::Str(s)) = &*inst.base.borrow() {
                    out.push_str(s.as_str());
                }
            }
            other => {
                return Err(PyErr::type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    other.type_name()
                )))
            }
        }
        vm.check_alloc(out.len() as u128)?;
    }
    Ok((out, auto))
}

/// `parse(format_string)`: an iterator of (literal_text, field_name,
/// format_spec, conversion), raising a markup error only when it is reached.
fn formatter_parse(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let _ = vm;
    let [_, fmt] = method_args(args, "parse", ["self", "format_string"])?;
    let Value::Str(fmt) = &fmt else {
        return Err(PyErr::type_error(format!("expected str, got {}", fmt.type_name())));
    };
    let (pieces, err) = parse_markup(fmt.as_str());
    let items = pieces
        .into_iter()
        .map(|p| match p.field {
            None => Value::tuple(vec![Value::string(p.literal), Value::None, Value::None, Value::None]),
            Some((name, conv, spec)) => Value::tuple(vec![
                Value::string(p.literal),
                Value::string(name),
                Value::string(spec),
                conv.map_or(Value::None, |c| Value::string(c.to_string())),
            ]),
        })
        .collect();
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Dyn(Box::new(MarkupIter { items, index: 0, err }))))))
}

struct MarkupIter {
    items: Vec<Value>,
    index: usize,
    err: Option<PyErr>,
}

impl DynIterator for MarkupIter {
    fn type_name(&self) -> &'static str {
        "formatteriterator"
    }
    fn next(&mut self, _vm: &mut Vm) -> PyResult<Option<Value>> {
        if let Some(v) = self.items.get(self.index) {
            self.index += 1;
            return Ok(Some(v.clone()));
        }
        match self.err.take() {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }
}

/// `get_field(field_name, args, kwargs)` -> (obj, first part).
fn formatter_get_field(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, name, fargs, kwargs] = method_args(args, "get_field", ["self", "field_name", "args", "kwargs"])?;
    let Value::Str(name) = &name else {
        return Err(PyErr::type_error(format!("expected str, got {}", name.type_name())));
    };
    let (first, steps, bad_step) = split_field_name(name.as_str())?;
    let first = match first {
        FieldKey::Index(n) => Value::from(n),
        FieldKey::Name(s) => Value::string(s),
    };
    let mut obj = call_method(vm, &this, "get_value", vec![first.clone(), fargs, kwargs])?;
    for step in &steps {
        vm.tick()?;
        obj = apply_step(vm, &obj, step)?;
    }
    if let Some(e) = bad_step {
        return Err(e);
    }
    Ok(Value::tuple(vec![obj, first]))
}

/// `get_value(key, args, kwargs)`: `args[key]` for an int key, else `kwargs[key]`.
fn formatter_get_value(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_, key, fargs, kwargs] = method_args(args, "get_value", ["self", "key", "args", "kwargs"])?;
    let int_cls = vm.types.int.clone();
    if vm.isinstance(&key, &int_cls) {
        vm.getitem(&fargs, &key)
    } else {
        vm.getitem(&kwargs, &key)
    }
}

fn formatter_check_unused_args(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let _ = vm;
    method_args(args, "check_unused_args", ["self", "used_args", "args", "kwargs"])?;
    Ok(Value::None)
}

/// `format_field(value, format_spec)`: the builtin `format`.
fn formatter_format_field(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_, value, spec] = method_args(args, "format_field", ["self", "value", "format_spec"])?;
    let f = vm.builtins.attrs.borrow().get("format").cloned();
    let Some(f) = f else { return Err(PyErr::runtime_error("format is missing")) };
    vm.call(&f, Args::new([value, spec]))
}

fn formatter_convert_field(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_, value, conversion] = method_args(args, "convert_field", ["self", "value", "conversion"])?;
    let conv = match &conversion {
        Value::None => return Ok(value),
        Value::Str(s) => s.as_str().to_owned(),
        _ => String::new(),
    };
    match conv.as_str() {
        "s" => Ok(Value::string(vm.str(&value)?)),
        "r" => Ok(Value::string(vm.repr(&value)?)),
        "a" => Ok(Value::string(vm.ascii(&value)?)),
        _ => Err(PyErr::value_error(format!("Unknown conversion specifier {}", vm.str(&conversion)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stdlib::support::run_program as run;

    #[test]
    fn formatter_overrides_are_called() {
        let out = run("import string\n\
            class D(string.Formatter):\n\
            \x20   def get_value(self, key, args, kwargs):\n\
            \x20       return kwargs.get(key, '?') if isinstance(key, str) else args[key]\n\
            \x20   def format_field(self, v, spec):\n\
            \x20       return '[' + format(v, spec) + ']'\n\
            print(D().format('{a}-{0:>3}-{b!r}', 7, b='x'))\n\
            print(list(string.Formatter().parse('a{{b{0!s:>{w}}')))");
        assert_eq!(out, "[?]-[  7]-['x']\n[('a{', None, None, None), ('b', '0', '>{w}', 's')]\n");
    }

    #[test]
    fn formatter_field_names_obey_the_attribute_rule() {
        // Exactly what str.format answers for the same fields in the sandbox.
        let probe = "import string\ndef f(): pass\n\
            for fmt, arg in [('{0.__class__}', 1), ('{0.__globals__}', f), ('{0.__class__.__mro__}', 1)]:\n\
            \x20   for render in (lambda: string.Formatter().format(fmt, arg), lambda: fmt.format(arg)):\n\
            \x20       try: print(render())\n\
            \x20       except AttributeError as e: print('refused:', e)";
        assert_eq!(
            run(probe),
            "refused: 'int' object has no attribute '__class__'\n\
             refused: 'int' object has no attribute '__class__'\n\
             refused: 'function' object has no attribute '__globals__'\n\
             refused: 'function' object has no attribute '__globals__'\n\
             refused: 'int' object has no attribute '__class__'\n\
             refused: 'int' object has no attribute '__class__'\n"
        );
    }

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
