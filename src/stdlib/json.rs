//! `json`: `dumps` and `loads` with CPython 3.11's exact text, options and errors.
//!
//! The encoder mirrors `_json.c`'s `c_make_encoder` (separators, indent, key
//! conversion, circular-reference markers); the decoder is a recursive-descent
//! parser mirroring `_json.c`'s scanner, so error messages and positions (code
//! points, not bytes) match `json.JSONDecodeError` exactly. No file functions
//! (`dump`/`load`): sandboxed code has no files. Must never recurse without the
//! depth cap, and never panic on any input text.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use num_bigint::BigInt;

use crate::builtins::native;
use crate::values::float_repr::float_repr;
use crate::values::*;
use crate::vm::Vm;

/// Nesting deeper than this raises RecursionError, as CPython's recursion limit does.
const MAX_DEPTH: usize = 990;

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let value_error = vm.exc_class(ExcKind::ValueError);
    let mut cls_attrs = Attrs::default();
    cls_attrs.insert("__init__".into(), native("__init__", decode_error_init));
    let err_cls = make_class("JSONDecodeError", "json.decoder", vec![value_error], TypeTag::BaseException, cls_attrs);
    let err = Value::Class(err_cls);
    let mut attrs = Attrs::default();
    attrs.insert("dumps".into(), native("dumps", dumps));
    attrs.insert("loads".into(), with_data("loads", loads, err.clone()));
    attrs.insert("JSONDecodeError".into(), err);
    attrs.insert("__name__".into(), Value::str("json"));
    Ok(Value::Module(Rc::new(Module { name: "json".into(), attrs: RefCell::new(attrs) })))
}

/// A class of this module (not a user class: its attributes are fixed).
fn make_class(name: &str, module: &str, bases: Vec<Rc<Class>>, tag: TypeTag, dict: Attrs) -> Rc<Class> {
    let base = crate::builtins::types::builtin_class(name, tag, bases);
    Rc::new(Class {
        name: base.name.clone(),
        qualname: base.qualname.clone(),
        module: module.into(),
        bases: base.bases.clone(),
        mro: base.mro.clone(),
        dict: ClassDict::new(dict),
        tag,
        exc_kind: None,
        is_exception: base.is_exception,
        is_user: false,
        c_type: false,
    })
}

fn with_data(name: &str, func: NativeFn, data: Value) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func, bound: None, data: Some(data), owner: None }))
}

// ---------------------------------------------------------------- encoder

struct Encoder {
    indent: Option<String>,
    item_sep: String,
    key_sep: String,
    sort_keys: bool,
    skipkeys: bool,
    ensure_ascii: bool,
    allow_nan: bool,
    check_circular: bool,
    default: Option<Value>,
    markers: Vec<usize>,
    out: String,
}

fn dumps(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() != 1 {
        return Err(PyErr::type_error(if args.pos.is_empty() {
            "dumps() missing 1 required positional argument: 'obj'".to_string()
        } else {
            format!("dumps() takes 1 positional argument but {} were given", args.pos.len())
        }));
    }
    let obj = args.pos[0].clone();
    let mut enc = Encoder {
        indent: None,
        item_sep: ", ".into(),
        key_sep: ": ".into(),
        sort_keys: false,
        skipkeys: false,
        ensure_ascii: true,
        allow_nan: true,
        check_circular: true,
        default: None,
        markers: Vec::new(),
        out: String::new(),
    };
    let mut separators = None;
    for (k, v) in args.kw {
        match &*k {
            "skipkeys" => enc.skipkeys = vm.truthy(&v)?,
            "ensure_ascii" => enc.ensure_ascii = vm.truthy(&v)?,
            "check_circular" => enc.check_circular = vm.truthy(&v)?,
            "allow_nan" => enc.allow_nan = vm.truthy(&v)?,
            "sort_keys" => enc.sort_keys = vm.truthy(&v)?,
            "cls" => {
                if !v.is_none() {
                    return Err(PyErr::type_error("json.dumps(cls=...) is not supported in garter"));
                }
            }
            "indent" => {
                enc.indent = match &v {
                    Value::None => None,
                    Value::Str(s) => Some(s.as_str().to_owned()),
                    Value::Int(_) | Value::Bool(_) => {
                        let n = vm.index_of(&v)?;
                        vm.check_alloc(n.max(0) as u128)?;
                        Some(" ".repeat(n.max(0) as usize))
                    }
                    other => {
                        return Err(PyErr::type_error(format!(
                            "can't multiply sequence by non-int of type '{}'",
                            other.type_name()
                        )))
                    }
                }
            }
            "separators" => separators = Some(v),
            "default" => enc.default = if v.is_none() { None } else { Some(v) },
            _ => return Err(PyErr::type_error(format!("JSONEncoder.__init__() got an unexpected keyword argument '{k}'"))),
        }
    }
    if enc.indent.is_some() {
        enc.item_sep = ",".into();
    }
    if let Some(sep) = separators.filter(|s| !s.is_none()) {
        let parts = vm.collect(&sep)?;
        if parts.len() != 2 {
            return Err(PyErr::value_error(format!(
                "{} values to unpack (expected 2{})",
                if parts.len() > 2 { "too many" } else { "not enough" },
                if parts.len() > 2 { "".to_string() } else { format!(", got {}", parts.len()) }
            )));
        }
        for (i, p) in parts.iter().enumerate() {
            match p {
                Value::Str(s) => {
                    if i == 0 {
                        enc.item_sep = s.as_str().to_owned()
                    } else {
                        enc.key_sep = s.as_str().to_owned()
                    }
                }
                other => {
                    return Err(PyErr::type_error(format!(
                        "make_encoder() argument {} must be str, not {}",
                        if i == 0 { 6 } else { 5 },
                        other.type_name()
                    )))
                }
            }
        }
    }
    enc.encode(vm, &obj, 0)?;
    Ok(Value::string(enc.out))
}

/// What a value encodes as, seeing through subclasses of builtin types.
fn unwrap_base(v: &Value) -> Value {
    if let Value::Instance(i) = v {
        if let Some(b) = i.base.borrow().clone() {
            return b;
        }
    }
    v.clone()
}

impl Encoder {
    fn float_text(&self, f: f64) -> PyResult<String> {
        if f.is_finite() {
            return Ok(float_repr(f));
        }
        if !self.allow_nan {
            return Err(PyErr::value_error("Out of range float values are not JSON compliant"));
        }
        Ok(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_string())
    }

    fn newline(&mut self, depth: usize) {
        if let Some(ind) = &self.indent {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str(ind);
            }
        }
    }

    fn enter(&mut self, v: &Value, depth: usize) -> PyResult<Option<usize>> {
        if depth >= MAX_DEPTH {
            return Err(PyErr::new(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded while encoding a JSON object",
            ));
        }
        if !self.check_circular {
            return Ok(None);
        }
        let id = v.identity();
        if self.markers.contains(&id) {
            return Err(PyErr::value_error("Circular reference detected"));
        }
        self.markers.push(id);
        Ok(Some(id))
    }

    fn leave(&mut self, id: Option<usize>) {
        if id.is_some() {
            self.markers.pop();
        }
    }

    fn encode(&mut self, vm: &mut Vm, v: &Value, depth: usize) -> PyResult<()> {
        vm.tick()?;
        if self.out.len() & 0xffff == 0xffff {
            vm.check_alloc(self.out.len() as u128 * 2)?;
        }
        let inner = unwrap_base(v);
        match &inner {
            Value::None => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::BigInt(b) => {
                let s = vm.repr(&Value::BigInt(b.clone()))?;
                self.out.push_str(&s);
            }
            Value::Float(f) => {
                let s = self.float_text(*f)?;
                self.out.push_str(&s);
            }
            Value::Str(s) => encode_str(&mut self.out, s.as_str(), self.ensure_ascii),
            Value::List(_) | Value::Tuple(_) => {
                // By index, the length read each time, as `_json.c` walks a list (a
                // `default` hook may change it meanwhile).
                let item = |i: usize| match &inner {
                    Value::List(l) => l.borrow().get(i).cloned(),
                    Value::Tuple(t) => t.get(i).cloned(),
                    _ => None,
                };
                let Some(first) = item(0) else {
                    self.out.push_str("[]");
                    return Ok(());
                };
                let mark = self.enter(&inner, depth)?;
                self.out.push('[');
                self.newline(depth + 1);
                self.encode(vm, &first, depth + 1)?;
                let mut i = 1;
                while let Some(it) = item(i) {
                    self.out.push_str(&self.item_sep);
                    self.newline(depth + 1);
                    self.encode(vm, &it, depth + 1)?;
                    i += 1;
                }
                self.newline(depth);
                self.out.push(']');
                self.leave(mark);
            }
            Value::Dict(d) => {
                let mut items: Vec<(Value, Value)> =
                    d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
                if items.is_empty() {
                    self.out.push_str("{}");
                    return Ok(());
                }
                let mark = self.enter(&inner, depth)?;
                if self.sort_keys {
                    let mut tuples: Vec<Value> =
                        items.iter().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])).collect();
                    crate::builtins::functions::sort_values(vm, &mut tuples, None, false)?;
                    items = tuples
                        .iter()
                        .filter_map(|t| match t {
                            Value::Tuple(t) if t.len() == 2 => Some((t[0].clone(), t[1].clone())),
                            _ => None,
                        })
                        .collect();
                }
                self.out.push('{');
                self.newline(depth + 1);
                let mut first = true;
                for (k, val) in items.iter() {
                    let kb = unwrap_base(k);
                    if let Value::Str(s) = &kb {
                        if !first {
                            self.out.push_str(&self.item_sep);
                            self.newline(depth + 1);
                        }
                        first = false;
                        encode_str(&mut self.out, s.as_str(), self.ensure_ascii);
                        self.out.push_str(&self.key_sep);
                        self.encode(vm, val, depth + 1)?;
                        continue;
                    }
                    let key = match kb {
                        Value::Float(f) => self.float_text(f)?,
                        Value::Bool(true) => "true".into(),
                        Value::Bool(false) => "false".into(),
                        Value::None => "null".into(),
                        Value::Int(i) => i.to_string(),
                        b @ Value::BigInt(_) => vm.repr(&b)?,
                        _ if self.skipkeys => continue,
                        _ => {
                            return Err(PyErr::type_error(format!(
                                "keys must be str, int, float, bool or None, not {}",
                                k.type_name()
                            )))
                        }
                    };
                    if !first {
                        self.out.push_str(&self.item_sep);
                        self.newline(depth + 1);
                    }
                    first = false;
                    encode_str(&mut self.out, &key, self.ensure_ascii);
                    self.out.push_str(&self.key_sep);
                    self.encode(vm, val, depth + 1)?;
                }
                self.newline(depth);
                self.out.push('}');
                self.leave(mark);
            }
            _ => {
                let Some(default) = self.default.clone() else {
                    return Err(PyErr::type_error(format!(
                        "Object of type {} is not JSON serializable",
                        v.type_name()
                    )));
                };
                let mark = self.enter(v, depth)?;
                let replacement = vm.call1(&default, v.clone())?;
                self.encode(vm, &replacement, depth + 1)?;
                self.leave(mark);
            }
        }
        Ok(())
    }
}

/// A JSON string literal, escaped as `py_encode_basestring(_ascii)` does.
fn encode_str(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    // Runs of characters that need no escape are copied whole.
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\' && (b < 0x7f || !ensure_ascii);
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && plain(bytes[i]) {
        i += 1;
    }
    if i == bytes.len() {
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push_str(&s[..i]);
    for c in s[i..].chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ensure_ascii && (c as u32) > 0x7e => {
                let n = c as u32;
                if n >= 0x10000 {
                    let v = n - 0x10000;
                    let hi = 0xd800 | ((v >> 10) & 0x3ff);
                    let lo = 0xdc00 | (v & 0x3ff);
                    out.push_str(&format!("\\u{hi:04x}\\u{lo:04x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------- decoder

/// `JSONDecodeError(msg, doc, pos)` for subclasses built by user code.
fn decode_error_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, msg, doc, pos] = args.bind("JSONDecodeError.__init__", ["self", "msg", "doc", "pos"], 0, 4)?;
    let (Some(this), Some(msg), Some(doc), Some(pos)) = (this, msg, doc, pos) else {
        return Err(PyErr::type_error("JSONDecodeError.__init__() missing required arguments"));
    };
    if let Value::Instance(inst) = &this {
        let (Value::Str(m), Value::Str(d)) = (&msg, &doc) else {
            return Err(PyErr::type_error("JSONDecodeError() needs str msg and doc"));
        };
        let p = vm.index_of(&pos)?.max(0) as usize;
        fill_decode_error(inst, m.as_str(), d.as_str(), p);
    }
    Ok(Value::None)
}

fn fill_decode_error(inst: &Instance, msg: &str, doc: &str, pos: usize) {
    // `pos` is in code points; lineno/colno as `JSONDecodeError.__init__` computes them.
    let prefix: String = doc.chars().take(pos).collect();
    let lineno = prefix.matches('\n').count() + 1;
    let colno = match prefix.rfind('\n') {
        Some(b) => prefix[b + 1..].chars().count() + 1,
        None => pos + 1,
    };
    let full = format!("{msg}: line {lineno} column {colno} (char {pos})");
    if let Some(e) = &inst.exc {
        *e.args.borrow_mut() = crate::values::tuple_ref(vec![Value::string(full)]);
    }
    let mut a = inst.attrs.borrow_mut();
    a.insert("msg".into(), Value::str(msg));
    a.insert("doc".into(), Value::str(doc));
    a.insert("pos".into(), Value::from(pos));
    a.insert("lineno".into(), Value::from(lineno));
    a.insert("colno".into(), Value::from(colno));
}

struct Decoder<'a> {
    s: &'a str,
    b: &'a [u8],
    err_cls: Rc<Class>,
    object_hook: Option<Value>,
    object_pairs_hook: Option<Value>,
    parse_float: Option<Value>,
    parse_int: Option<Value>,
    parse_constant: Option<Value>,
    depth: usize,
    /// Object keys already made, so a key repeated across objects is one str
    /// (`_json.c`'s memo): one allocation, and its hash computed once.
    keys: FxHashMap<&'a str, Value>,
}

/// Why a scan stopped: a decode error at a byte offset, or any other error.
enum Fail {
    At(&'static str, usize),
    /// `StopIteration(idx)` of the scanner: "Expecting value" where the caller decides.
    NoValue(usize),
    Py(PyErr),
}

impl From<PyErr> for Fail {
    fn from(e: PyErr) -> Fail {
        Fail::Py(e)
    }
}

type Scan<T> = Result<T, Fail>;

fn loads(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let err = pos.next();
    let Some(Value::Class(err_cls)) = err else {
        return Err(PyErr::runtime_error("json.loads lost its module"));
    };
    let s = pos.next();
    if pos.next().is_some() {
        return Err(PyErr::type_error("loads() takes 1 positional argument but 2 were given"));
    }
    let mut dec_opts: [Option<Value>; 5] = Default::default();
    for (k, v) in args.kw {
        let slot = match &*k {
            "object_hook" => 0,
            "object_pairs_hook" => 1,
            "parse_float" => 2,
            "parse_int" => 3,
            "parse_constant" => 4,
            "cls" | "strict" => continue,
            "s" => {
                return Err(PyErr::type_error("loads() got some positional-only arguments passed as keyword arguments: 's'"))
            }
            _ => return Err(PyErr::type_error(format!("JSONDecoder.__init__() got an unexpected keyword argument '{k}'"))),
        };
        dec_opts[slot] = if v.is_none() { None } else { Some(v) };
    }
    let Some(s) = s else {
        return Err(PyErr::type_error("loads() missing 1 required positional argument: 's'"));
    };
    // The text is borrowed from a str argument, decoded only for bytes.
    let base = unwrap_base(&s);
    let owned: String;
    let text: &str = match &base {
        Value::Str(t) => {
            if t.as_str().starts_with('\u{feff}') {
                let inst = Instance::new(err_cls.clone());
                fill_decode_error(&inst, "Unexpected UTF-8 BOM (decode using utf-8-sig)", t.as_str(), 0);
                return Err(PyErr::object(Rc::new(inst)));
            }
            t.as_str()
        }
        Value::Bytes(b) => {
            owned = bytes_text(b)?;
            &owned
        }
        Value::ByteArray(b) => {
            owned = bytes_text(&b.borrow())?;
            &owned
        }
        other => {
            return Err(PyErr::type_error(format!(
                "the JSON object must be str, bytes or bytearray, not {}",
                other.type_name()
            )))
        }
    };
    let [object_hook, object_pairs_hook, parse_float, parse_int, parse_constant] = dec_opts;
    let mut d = Decoder {
        s: text,
        b: text.as_bytes(),
        keys: FxHashMap::default(),
        err_cls,
        object_hook,
        object_pairs_hook,
        parse_float,
        parse_int,
        parse_constant,
        depth: 0,
    };
    let r = d.decode(vm);
    match r {
        Ok(v) => Ok(v),
        Err(Fail::Py(e)) => Err(e),
        Err(Fail::At(msg, at)) => Err(d.error(msg, at)),
        Err(Fail::NoValue(at)) => Err(d.error("Expecting value", at)),
    }
}

/// `bytes` input: UTF-8 (with or without BOM), as `json.detect_encoding` sees ASCII-compatible text.
fn bytes_text(b: &[u8]) -> PyResult<String> {
    let b = b.strip_prefix(&[0xef, 0xbb, 0xbf][..]).unwrap_or(b);
    match std::str::from_utf8(b) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(PyErr::new(
            ExcKind::UnicodeDecodeError,
            format!(
                "'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid start byte",
                b.get(e.valid_up_to()).copied().unwrap_or(0),
                e.valid_up_to()
            ),
        )),
    }
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Decoder<'a> {
    fn error(&self, msg: &str, byte_pos: usize) -> PyErr {
        let at = byte_pos.min(self.s.len());
        let pos = if self.s.is_ascii() { at } else { self.s[..at].chars().count() };
        let inst = Instance::new(self.err_cls.clone());
        fill_decode_error(&inst, msg, self.s, pos);
        PyErr::object(Rc::new(inst))
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while i < self.b.len() && is_ws(self.b[i]) {
            i += 1;
        }
        i
    }

    fn decode(&mut self, vm: &mut Vm) -> Scan<Value> {
        let start = self.skip_ws(0);
        let (v, end) = self.scan_once(vm, start)?;
        let end = self.skip_ws(end);
        if end != self.b.len() {
            return Err(Fail::At("Extra data", end));
        }
        Ok(v)
    }

    fn scan_once(&mut self, vm: &mut Vm, idx: usize) -> Scan<(Value, usize)> {
        vm.tick()?;
        let b = self.b;
        let Some(&c) = b.get(idx) else {
            return Err(Fail::NoValue(idx));
        };
        let rest = &b[idx..];
        match c {
            b'"' => {
                let (s, end) = self.scan_string(idx + 1)?;
                let v = match s {
                    Cow::Borrowed(t) => Value::str(t),
                    Cow::Owned(t) => Value::string(t),
                };
                Ok((v, end))
            }
            b'{' => self.nested(vm, idx, true),
            b'[' => self.nested(vm, idx, false),
            b'n' if rest.starts_with(b"null") => Ok((Value::None, idx + 4)),
            b't' if rest.starts_with(b"true") => Ok((Value::Bool(true), idx + 4)),
            b'f' if rest.starts_with(b"false") => Ok((Value::Bool(false), idx + 5)),
            b'N' if rest.starts_with(b"NaN") => Ok((self.constant(vm, "NaN", f64::NAN)?, idx + 3)),
            b'I' if rest.starts_with(b"Infinity") => {
                Ok((self.constant(vm, "Infinity", f64::INFINITY)?, idx + 8))
            }
            b'-' if rest.starts_with(b"-Infinity") => {
                Ok((self.constant(vm, "-Infinity", f64::NEG_INFINITY)?, idx + 9))
            }
            b'-' | b'0'..=b'9' => self.scan_number(vm, idx),
            _ => Err(Fail::NoValue(idx)),
        }
    }

    fn nested(&mut self, vm: &mut Vm, idx: usize, object: bool) -> Scan<(Value, usize)> {
        if self.depth >= MAX_DEPTH {
            return Err(Fail::Py(PyErr::new(
                ExcKind::RecursionError,
                format!(
                    "maximum recursion depth exceeded while decoding a JSON {} from a unicode string",
                    if object { "object" } else { "array" }
                ),
            )));
        }
        self.depth += 1;
        let r = if object { self.scan_object(vm, idx + 1) } else { self.scan_array(vm, idx + 1) };
        self.depth -= 1;
        r
    }

    fn constant(&mut self, vm: &mut Vm, name: &str, v: f64) -> Scan<Value> {
        match &self.parse_constant {
            Some(f) => Ok(vm.call1(&f.clone(), Value::str(name))?),
            None => Ok(Value::Float(v)),
        }
    }

    fn scan_number(&mut self, vm: &mut Vm, idx: usize) -> Scan<(Value, usize)> {
        let b = self.b;
        let mut i = idx;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => return Err(Fail::NoValue(idx)),
        }
        let int_end = i;
        let mut is_float = false;
        if b.get(i) == Some(&b'.') && matches!(b.get(i + 1), Some(b'0'..=b'9')) {
            i += 2;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            is_float = true;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if matches!(b.get(j), Some(b'0'..=b'9')) {
                while matches!(b.get(j), Some(b'0'..=b'9')) {
                    j += 1;
                }
                i = j;
                is_float = true;
            }
        }
        let end = if is_float { i } else { int_end };
        let text = &self.s[idx..end];
        if is_float {
            if let Some(f) = &self.parse_float {
                return Ok((vm.call1(&f.clone(), Value::str(text))?, end));
            }
            let x: f64 = text.parse().unwrap_or(f64::NAN);
            return Ok((Value::Float(x), end));
        }
        if let Some(f) = &self.parse_int {
            return Ok((vm.call1(&f.clone(), Value::str(text))?, end));
        }
        let digits = text.trim_start_matches('-').len();
        if digits > 4300 {
            return Err(Fail::Py(PyErr::value_error(format!(
                "Exceeds the limit (4300 digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
            ))));
        }
        let v = match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => match text.parse::<BigInt>() {
                Ok(b) => Value::from_bigint(b),
                Err(_) => return Err(Fail::NoValue(idx)),
            },
        };
        Ok((v, end))
    }

    /// The string whose opening quote is just before `begin`; returns the end after the closing quote.
    /// Borrowed from the source when there is no escape.
    fn scan_string(&self, begin: usize) -> Scan<(Cow<'a, str>, usize)> {
        let b = self.b;
        let src: &'a str = self.s;
        let mut i = begin;
        while i < b.len() && b[i] != b'"' && b[i] != b'\\' && b[i] >= 0x20 {
            i += 1;
        }
        if b.get(i) == Some(&b'"') {
            return Ok((Cow::Borrowed(&src[begin..i]), i + 1));
        }
        let mut out = String::from(&src[begin..i]);
        loop {
            // A run of plain characters.
            let run_start = i;
            while i < b.len() && b[i] != b'"' && b[i] != b'\\' && b[i] >= 0x20 {
                i += 1;
            }
            out.push_str(&self.s[run_start..i]);
            let Some(&c) = b.get(i) else {
                return Err(Fail::At("Unterminated string starting at", begin - 1));
            };
            match c {
                b'"' => return Ok((Cow::Owned(out), i + 1)),
                b'\\' => {
                    let Some(&e) = b.get(i + 1) else {
                        return Err(Fail::At("Unterminated string starting at", begin - 1));
                    };
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4(i + 2).ok_or(Fail::At("Invalid \\uXXXX escape", i + 1))?;
                            let mut cp = hi;
                            let mut next = i + 6;
                            if (0xd800..0xdc00).contains(&hi)
                                && b.get(i + 6) == Some(&b'\\')
                                && b.get(i + 7) == Some(&b'u')
                            {
                                let lo = self.hex4(i + 8).ok_or(Fail::At("Invalid \\uXXXX escape", i + 7))?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    cp = 0x10000 + (((hi - 0xd800) << 10) | (lo - 0xdc00));
                                    next = i + 12;
                                }
                            }
                            // A lone surrogate has no UTF-8 form: it becomes U+FFFD.
                            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                            i = next;
                            continue;
                        }
                        _ => return Err(Fail::At("Invalid \\escape", i)),
                    }
                    i += 2;
                }
                _ => return Err(Fail::At("Invalid control character at", i)),
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.b.get(at..at + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16)?;
        }
        Some(v)
    }

    fn scan_object(&mut self, vm: &mut Vm, start: usize) -> Scan<(Value, usize)> {
        let b = self.b;
        // Without a pairs hook, entries go straight into the dict: JSON keys are
        // str, whose hashing and equality never call back into Python.
        let pairs_hook = self.object_pairs_hook.is_some();
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        let mut dict = PyDict::new();
        let mut idx = self.skip_ws(start);
        if b.get(idx) != Some(&b'}') {
            loop {
                if b.get(idx) != Some(&b'"') {
                    return Err(Fail::At("Expecting property name enclosed in double quotes", idx));
                }
                let (key, after) = self.scan_string(idx + 1)?;
                let key = match key {
                    Cow::Borrowed(k) => match self.keys.get(k) {
                        Some(v) => v.clone(),
                        None => {
                            let v = Value::str(k);
                            self.keys.insert(k, v.clone());
                            v
                        }
                    },
                    Cow::Owned(k) => Value::string(k),
                };
                idx = self.skip_ws(after);
                if b.get(idx) != Some(&b':') {
                    return Err(Fail::At("Expecting ':' delimiter", idx));
                }
                idx = self.skip_ws(idx + 1);
                let (val, after) = match self.scan_once(vm, idx) {
                    Err(Fail::NoValue(at)) => return Err(Fail::At("Expecting value", at)),
                    r => r?,
                };
                if pairs_hook {
                    pairs.push((key, val));
                } else {
                    if dict.len() & 0xfff == 0xfff {
                        vm.check_alloc(dict.len() as u128 * 48)?;
                    }
                    dict.insert_simple(key, val);
                }
                idx = self.skip_ws(after);
                match b.get(idx) {
                    Some(b'}') => break,
                    Some(b',') => idx = self.skip_ws(idx + 1),
                    _ => return Err(Fail::At("Expecting ',' delimiter", idx)),
                }
            }
        }
        let end = idx + 1;
        if let Some(h) = &self.object_pairs_hook {
            let list = Value::list(pairs.into_iter().map(|(k, v)| Value::tuple(vec![k, v])).collect());
            return Ok((vm.call1(&h.clone(), list)?, end));
        }
        let obj = Value::Dict(Rc::new(RefCell::new(dict)));
        if let Some(h) = &self.object_hook {
            return Ok((vm.call1(&h.clone(), obj)?, end));
        }
        Ok((obj, end))
    }

    fn scan_array(&mut self, vm: &mut Vm, start: usize) -> Scan<(Value, usize)> {
        let b = self.b;
        let mut items = Vec::new();
        let mut idx = self.skip_ws(start);
        if b.get(idx) != Some(&b']') {
            loop {
                let (val, after) = match self.scan_once(vm, idx) {
                    Err(Fail::NoValue(at)) => return Err(Fail::At("Expecting value", at)),
                    r => r?,
                };
                items.push(val);
                idx = self.skip_ws(after);
                match b.get(idx) {
                    Some(b']') => break,
                    Some(b',') => idx = self.skip_ws(idx + 1),
                    _ => return Err(Fail::At("Expecting ',' delimiter", idx)),
                }
            }
        }
        Ok((Value::list(items), idx + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::encode_str;

    #[test]
    fn ascii_escapes_use_surrogate_pairs_and_lowercase_hex() {
        let mut s = String::new();
        encode_str(&mut s, "é😀\x7f\u{2028}\"", true);
        assert_eq!(s, "\"\\u00e9\\ud83d\\ude00\\u007f\\u2028\\\"\"");
        let mut t = String::new();
        encode_str(&mut t, "é\t\x7f", false);
        assert_eq!(t, "\"é\\t\x7f\"");
    }
}
