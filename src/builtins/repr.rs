//! `repr`, `str`, `ascii`, `format()` and `%`-formatting of every value: one
//! implementation of the format mini-language (`format_spec`) serves `format()`,
//! `str.format` and f-strings.

use std::rc::Rc;

use super::format_spec::{self, FormatError};
use super::percent::{self, PercentPiece, Width};
use crate::values::float_repr::float_repr;
use crate::values::numparse::{ascii_escape, py_str_repr};
use crate::values::*;
use crate::vm::Vm;

pub fn fmt_err(e: FormatError) -> PyErr {
    match e.kind {
        format_spec::ErrorKind::ValueError => PyErr::value_error(e.message),
        format_spec::ErrorKind::OverflowError => PyErr::overflow(e.message),
        format_spec::ErrorKind::MemoryError => PyErr::memory_error(e.message),
    }
}

pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { '"' } else { '\'' };
    let mut s = String::with_capacity(b.len() + 3);
    s.push('b');
    s.push(quote);
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            c if c as char == quote => {
                s.push('\\');
                s.push(c as char);
            }
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push(quote);
    s
}

/// `object`'s own `__repr__`/`__str__`/`__format__`: the default behaviour below,
/// which must not be dispatched to (it would come straight back here).
fn is_object_default(m: &Value) -> bool {
    matches!(m, Value::Builtin(b) if b.owner.as_deref() == Some("object"))
}

impl Vm {
    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        Ok(match v {
            Value::None => "None".into(),
            Value::NotImplemented => "NotImplemented".into(),
            Value::Ellipsis => "Ellipsis".into(),
            Value::Bool(b) => (if *b { "True" } else { "False" }).into(),
            Value::Int(i) => i.to_string(),
            Value::BigInt(b) => {
                let bits = b.bits();
                if bits > 4300 * 332 / 100 + 10 {
                    let digits = (bits as f64 * std::f64::consts::LOG10_2) as usize + 1;
                    if digits > 4300 {
                        return Err(PyErr::value_error(format!(
                            "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
                        )));
                    }
                }
                b.to_string()
            }
            Value::Float(f) => float_repr(*f),
            Value::Str(s) => py_str_repr(s.as_str()),
            Value::Bytes(b) => bytes_repr(b),
            Value::ByteArray(b) => format!("bytearray({})", bytes_repr(&b.borrow())),
            Value::List(l) => {
                let items = l.borrow().clone();
                self.repr_seq(v, "[", "]", &items, false)?
            }
            Value::Tuple(t) => {
                let items = t.to_vec();
                self.repr_seq(v, "(", ")", &items, items.len() == 1)?
            }
            Value::Dict(d) => {
                let id = v.identity();
                if self.repr_stack.contains(&id) {
                    return Ok("{...}".into());
                }
                self.repr_stack.push(id);
                let items: Vec<(Value, Value)> = d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
                let mut s = String::from("{");
                let mut r = Ok(());
                for (i, (k, val)) in items.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    match (self.repr(k), self.repr(val)) {
                        (Ok(a), Ok(b)) => {
                            s.push_str(&a);
                            s.push_str(": ");
                            s.push_str(&b);
                        }
                        (Err(e), _) | (_, Err(e)) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                self.repr_stack.pop();
                r?;
                s.push('}');
                s
            }
            Value::Set(s) => {
                let items = s.borrow().snapshot();
                if items.is_empty() {
                    "set()".into()
                } else {
                    self.repr_seq(v, "{", "}", &items, false)?
                }
            }
            Value::FrozenSet(s) => {
                let items = s.snapshot();
                if items.is_empty() {
                    "frozenset()".into()
                } else {
                    format!("frozenset({})", self.repr_seq(v, "{", "}", &items, false)?)
                }
            }
            Value::Range(r) => {
                if r.step == 1 {
                    format!("range({}, {})", r.start, r.stop)
                } else {
                    format!("range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
            Value::Slice(s) => {
                format!("slice({}, {}, {})", self.repr(&s.start)?, self.repr(&s.stop)?, self.repr(&s.step)?)
            }
            Value::Function(f) => format!("<function {} at 0x{:012x}>", f.qualname.borrow(), v.identity()),
            Value::Builtin(b) => match &b.bound {
                Some(obj) if !matches!(obj, Value::Module(_)) => format!(
                    "<built-in method {} of {} object at 0x{:012x}>",
                    b.name,
                    obj.type_name(),
                    obj.identity()
                ),
                _ => format!("<built-in function {}>", b.name),
            },
            Value::BoundMethod(m) => {
                let name = match &m.func {
                    Value::Function(f) => f.qualname.borrow().to_string(),
                    other => other.type_name().to_string(),
                };
                let recv = self.repr(&m.receiver)?;
                format!("<bound method {name} of {recv}>")
            }
            Value::Class(c) => {
                if crate::stdlib::r#enum::is_enum_class(c) {
                    crate::stdlib::r#enum::class_repr(c)
                } else if c.is_user {
                    // Stdlib classes built like user classes carry their own module.
                    format!("<class '{}.{}'>", c.module, c.qualname)
                } else if &*c.module == "builtins" {
                    format!("<class '{}'>", c.name)
                } else {
                    format!("<class '{}.{}'>", c.module, c.name)
                }
            }
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__repr__").filter(|m| !is_object_default(m)) {
                    let r = self.call1(&m, v.clone())?;
                    return match r {
                        Value::Str(s) => Ok(s.as_str().to_owned()),
                        other => Err(PyErr::type_error(format!(
                            "__repr__ returned non-string (type {})",
                            other.type_name()
                        ))),
                    };
                }
                if i.exc.is_some() {
                    let args = i.exc_args();
                    let inner = if args.len() == 1 {
                        self.repr(&args[0])?
                    } else {
                        let r = self.repr(&Value::Tuple(args.clone()))?;
                        if args.is_empty() { String::new() } else { r[1..r.len() - 1].to_owned() }
                    };
                    return Ok(format!("{}({inner})", i.class.name));
                }
                if let Some(base) = i.base.borrow().clone() {
                    return self.repr(&base);
                }
                format!("<__main__.{} object at 0x{:012x}>", i.class.qualname, v.identity())
            }
            Value::Generator(g) => format!("<generator object {} at 0x{:012x}>", g.borrow().qualname, v.identity()),
            Value::Iterator(it) => {
                let kind = it.borrow().type_name();
                match kind {
                    "dict_keyiterator" | "dict_valueiterator" | "dict_itemiterator" => {
                        format!("<{kind} object at 0x{:012x}>", v.identity())
                    }
                    _ => format!("<{kind} object at 0x{:012x}>", v.identity()),
                }
            }
            Value::Module(m) => format!("<module '{}' (built-in)>", m.name),
            Value::Property(_) => format!("<property object at 0x{:012x}>", v.identity()),
            Value::StaticMethod(_) => format!("<staticmethod object at 0x{:012x}>", v.identity()),
            Value::ClassMethod(_) => format!("<classmethod object at 0x{:012x}>", v.identity()),
            Value::Super(s) => format!("<super: <class '{}'>, <{} object>>", s.class.name, s.obj.type_name()),
            Value::Native(n) => match n.class.lookup("__repr__") {
                Some(m) => {
                    let r = self.call1(&m, v.clone())?;
                    self.str(&r)?
                }
                None => format!("<{} object at 0x{:012x}>", n.class.name, v.identity()),
            },
        })
    }

    fn repr_seq(&mut self, v: &Value, open: &str, close: &str, items: &[Value], trailing_comma: bool) -> PyResult<String> {
        let id = v.identity();
        if self.repr_stack.contains(&id) {
            return Ok(format!("{open}...{close}"));
        }
        if self.repr_stack.len() > 200 {
            return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded while getting the repr of an object"));
        }
        self.repr_stack.push(id);
        let mut s = String::from(open);
        let mut r = Ok(());
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            match self.repr(it) {
                Ok(x) => s.push_str(&x),
                Err(e) => {
                    r = Err(e);
                    break;
                }
            }
        }
        self.repr_stack.pop();
        r?;
        if trailing_comma {
            s.push(',');
        }
        s.push_str(close);
        Ok(s)
    }

    pub fn str(&mut self, v: &Value) -> PyResult<String> {
        match v {
            Value::Str(s) => Ok(s.as_str().to_owned()),
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__str__").filter(|m| !is_object_default(m)) {
                    let r = self.call1(&m, v.clone())?;
                    return match r {
                        Value::Str(s) => Ok(s.as_str().to_owned()),
                        other => Err(PyErr::type_error(format!(
                            "__str__ returned non-string (type {})",
                            other.type_name()
                        ))),
                    };
                }
                if i.exc.is_some() && i.class.lookup("__repr__").is_none_or(|_| true) {
                    if i.class.mro_with_self().take_while(|c| c.is_user).any(|c| c.dict.borrow().contains_key("__repr__")) {
                        return self.repr(v);
                    }
                    let args = i.exc_args();
                    let is_key_error = i.class.is_subclass(&self.exc_class(ExcKind::KeyError));
                    return match args.len() {
                        0 => Ok(String::new()),
                        1 if is_key_error => self.repr(&args[0]),
                        1 => self.str(&args[0]),
                        _ => self.repr(&Value::Tuple(args)),
                    };
                }
                if let Some(base) = i.base.borrow().clone() {
                    if i.class.lookup("__repr__").is_none_or(|r| matches!(r, Value::Builtin(_))) {
                        return self.str(&base);
                    }
                }
                self.repr(v)
            }
            Value::Native(n) => match n.class.lookup("__str__") {
                Some(m) => {
                    let r = self.call1(&m, v.clone())?;
                    self.str(&r)
                }
                None => self.repr(v),
            },
            _ => self.repr(v),
        }
    }

    pub fn ascii(&mut self, v: &Value) -> PyResult<String> {
        let r = self.repr(v)?;
        Ok(ascii_escape(&r))
    }

    /// `format(v, spec)`.
    pub fn format(&mut self, v: &Value, spec: &str) -> PyResult<String> {
        match v {
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__format__").filter(|m| !is_object_default(m)) {
                    let r = self.call(&m, Args::new([v.clone(), Value::str(spec)]))?;
                    return match r {
                        Value::Str(s) => Ok(s.as_str().to_owned()),
                        other => Err(PyErr::type_error(format!(
                            "__format__ must return a str, not {}",
                            other.type_name()
                        ))),
                    };
                }
                if let Some(base) = i.base.borrow().clone() {
                    if !spec.is_empty() {
                        return self.format(&base, spec);
                    }
                }
                if spec.is_empty() {
                    return self.str(v);
                }
                Err(PyErr::type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    i.class.name
                )))
            }
            _ if spec.is_empty() => self.str(v),
            Value::Int(i) => {
                let s = format_spec::parse_format_spec(spec, "int").map_err(fmt_err)?;
                format_spec::format_i64(*i, &s, "int").map_err(fmt_err)
            }
            Value::Bool(_) | Value::BigInt(_) => {
                let tn = v.builtin_type_name();
                let s = format_spec::parse_format_spec(spec, tn).map_err(fmt_err)?;
                let b = crate::vm::to_bigint(v).expect("an int");
                format_spec::format_int(&b, &s, tn).map_err(fmt_err)
            }
            Value::Float(f) => {
                let s = format_spec::parse_format_spec(spec, "float").map_err(fmt_err)?;
                format_spec::format_float(*f, &s, "float").map_err(fmt_err)
            }
            Value::Str(st) => {
                let s = format_spec::parse_format_spec(spec, "str").map_err(fmt_err)?;
                format_spec::format_str(st.as_str(), &s, "str").map_err(fmt_err)
            }
            Value::Native(n) => match n.class.lookup("__format__") {
                Some(m) => {
                    let r = self.call(&m, Args::new([v.clone(), Value::str(spec)]))?;
                    self.str(&r)
                }
                None => Err(PyErr::type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    n.class.name
                ))),
            },
            _ => Err(PyErr::type_error(format!(
                "unsupported format string passed to {}.__format__",
                v.type_name()
            ))),
        }
    }

    /// `fmt % args`.
    pub fn percent_format(&mut self, fmt: &Value, args: &Value) -> PyResult<String> {
        let Value::Str(f) = fmt else { return Err(PyErr::type_error("format requires a str")) };
        self.percent_core(f.as_str(), args, false)
    }

    /// `bytes % args` (and bytearray): the same machine over the format read as
    /// Latin-1, one char per byte, so widths and precisions count bytes; `%s`/`%b`
    /// take bytes-like objects, `%r`/`%a` give `ascii()`, `%c` one byte.
    pub fn percent_format_bytes(&mut self, fmt: &[u8], args: &Value) -> PyResult<Vec<u8>> {
        let text: String = fmt.iter().map(|&b| b as char).collect();
        let out = self.percent_core(&text, args, true)?;
        Ok(out.chars().map(|c| c as u32 as u8).collect())
    }

    fn percent_core(&mut self, f: &str, args: &Value, bytes: bool) -> PyResult<String> {
        let latin1 = |b: &[u8]| -> String { b.iter().map(|&x| x as char).collect() };
        // A `%(key)s` key: a str, or for bytes the bytes it was read from.
        let mapping_key = |k: &str| {
            if bytes { Value::bytes(k.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>()) } else { Value::str(k) }
        };
        let pieces = percent::parse_percent(f);
        let mapping = match args {
            Value::Dict(_) => true,
            Value::Instance(_) => self.is_mapping(args),
            _ => false,
        };
        let (items, is_tuple): (Vec<Value>, bool) = match args {
            Value::Tuple(t) => (t.to_vec(), true),
            other => (vec![other.clone()], false),
        };
        let mut next = 0usize;
        let mut out = String::new();
        let take = |vm: &mut Vm, next: &mut usize| -> PyResult<Value> {
            let _ = vm;
            if *next >= items.len() {
                return Err(PyErr::type_error(percent::NOT_ENOUGH_ARGUMENTS));
            }
            *next += 1;
            Ok(items[*next - 1].clone())
        };
        let mut used_mapping = false;
        for p in pieces {
            match p {
                PercentPiece::Literal(s) => out.push_str(&s),
                PercentPiece::Error { key, stars, message } => {
                    if let Some(k) = key {
                        if !mapping {
                            return Err(PyErr::type_error(percent::FORMAT_REQUIRES_MAPPING));
                        }
                        self.getitem(args, &mapping_key(&k))?;
                    }
                    for _ in 0..stars {
                        take(self, &mut next)?;
                    }
                    return Err(PyErr::value_error(message));
                }
                PercentPiece::Conversion(mut spec) => {
                    if spec.conv == '%' {
                        out.push('%');
                        continue;
                    }
                    if let Some(Width::Star) = spec.width {
                        let w = take(self, &mut next)?;
                        let w = match w {
                            Value::Int(i) => i,
                            _ => return Err(PyErr::type_error(percent::STAR_WANTS_INT)),
                        };
                        spec.apply_star_width(w);
                    }
                    if let Some(Width::Star) = spec.precision {
                        let w = take(self, &mut next)?;
                        let w = match w {
                            Value::Int(i) => i,
                            _ => return Err(PyErr::type_error(percent::STAR_WANTS_INT)),
                        };
                        spec.apply_star_precision(w);
                    }
                    let arg = match &spec.key {
                        Some(k) => {
                            if !mapping {
                                return Err(PyErr::type_error(percent::FORMAT_REQUIRES_MAPPING));
                            }
                            used_mapping = true;
                            self.getitem(args, &mapping_key(k))?
                        }
                        None => {
                            if mapping && !is_tuple {
                                used_mapping = true;
                                if next == 0 {
                                    next = 1;
                                    args.clone()
                                } else {
                                    take(self, &mut next)?
                                }
                            } else {
                                take(self, &mut next)?
                            }
                        }
                    };
                    if !(bytes && spec.conv == 'b') {
                        percent::check_conversion(&spec).map_err(PyErr::value_error)?;
                    }
                    // An int or float subclass (IntEnum, IntFlag members) formats as its value.
                    let num = match &arg {
                        Value::Instance(i) => i
                            .base
                            .borrow()
                            .clone()
                            .filter(|b| matches!(b, Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_))),
                        _ => None,
                    };
                    let num = num.as_ref().unwrap_or(&arg);
                    let s = match spec.conv {
                        's' | 'b' if bytes => {
                            let b = match super::bytes_methods::bytes_like(&arg) {
                                Some(b) => b,
                                None => {
                                    return Err(PyErr::type_error(format!(
                                        "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                                        arg.type_name()
                                    )))
                                }
                            };
                            percent::percent_str(&latin1(&b), &spec).map_err(fmt_err)?
                        }
                        'c' if bytes => {
                            let byte = match &arg {
                                Value::Bytes(b) if b.len() == 1 => b[0],
                                Value::ByteArray(b) if b.borrow().len() == 1 => b.borrow()[0],
                                Value::Int(i) => u8::try_from(*i).map_err(|_| PyErr::overflow("%c arg not in range(256)"))?,
                                Value::BigInt(_) => return Err(PyErr::overflow("%c arg not in range(256)")),
                                _ => return Err(PyErr::type_error("%c requires an integer in range(256) or a single byte")),
                            };
                            percent::percent_str(&latin1(&[byte]), &spec).map_err(fmt_err)?
                        }
                        's' => {
                            let s = self.str(&arg)?;
                            percent::percent_str(&s, &spec).map_err(fmt_err)?
                        }
                        // For bytes `%r` is `%a`: the repr made ASCII.
                        'r' if !bytes => {
                            let s = self.repr(&arg)?;
                            percent::percent_str(&s, &spec).map_err(fmt_err)?
                        }
                        'r' | 'a' => {
                            let s = self.ascii(&arg)?;
                            percent::percent_str(&s, &spec).map_err(fmt_err)?
                        }
                        'c' => match &arg {
                            Value::Str(s) if s.len_chars() == 1 => percent::percent_str(s.as_str(), &spec).map_err(fmt_err)?,
                            Value::Int(i) => {
                                let c = u32::try_from(*i).ok().and_then(char::from_u32).ok_or_else(|| PyErr::overflow(percent::CHAR_ARG_NOT_IN_RANGE))?;
                                percent::percent_str(&c.to_string(), &spec).map_err(fmt_err)?
                            }
                            _ => return Err(PyErr::type_error(percent::CHAR_REQUIRES_INT_OR_CHAR)),
                        },
                        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
                            let b = match num {
                                Value::Float(f) if matches!(spec.conv, 'd' | 'i' | 'u') => {
                                    if !f.is_finite() {
                                        return Err(PyErr::overflow("cannot convert float infinity to integer"));
                                    }
                                    num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default()
                                }
                                other => match crate::vm::to_bigint(other) {
                                    Some(b) => b,
                                    None => {
                                        if matches!(spec.conv, 'd' | 'i' | 'u') {
                                            return Err(PyErr::type_error(format!("%{} format: a real number is required, not {}", spec.conv, arg.type_name())));
                                        }
                                        return Err(PyErr::type_error(percent::integer_required(spec.conv, &arg.type_name())));
                                    }
                                },
                            };
                            percent::percent_int(&b, &spec).map_err(fmt_err)?
                        }
                        _ => {
                            let x = match crate::vm::to_f64(num) {
                                Some(x) => x,
                                None => return Err(PyErr::type_error(percent::real_number_required(spec.conv, &arg.type_name()))),
                            };
                            percent::percent_float(x, &spec).map_err(fmt_err)?
                        }
                    };
                    out.push_str(&s);
                }
            }
        }
        if next < items.len() && !used_mapping && !(mapping && !is_tuple) {
            return Err(PyErr::type_error(if bytes {
                "not all arguments converted during bytes formatting"
            } else {
                percent::NOT_ALL_CONVERTED
            }));
        }
        let _ = Rc::<str>::from("");
        Ok(out)
    }
}
