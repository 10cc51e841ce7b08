//! Constructors of the builtin types: `int(...)`, `str(...)`, `list(...)`, ...

use std::cell::RefCell;
use std::rc::Rc;

use num_traits::{FromPrimitive, ToPrimitive};

use crate::values::numparse::{self, IntParse};
use crate::values::*;
use crate::vm::{to_bigint, Vm};

pub fn ctor_for(tag: TypeTag) -> Option<NativeFn> {
    Some(match tag {
        TypeTag::Object => object_new,
        TypeTag::Int => int_new,
        TypeTag::Bool => bool_new,
        TypeTag::Float => float_new,
        TypeTag::Str => str_new,
        TypeTag::Bytes => bytes_new,
        TypeTag::ByteArray => bytearray_new,
        TypeTag::List => list_new,
        TypeTag::Tuple => tuple_new,
        TypeTag::Dict => dict_new,
        TypeTag::Set => set_new,
        TypeTag::FrozenSet => frozenset_new,
        TypeTag::Range => range_new,
        TypeTag::Slice => slice_new,
        TypeTag::Type => type_new,
        TypeTag::Property => property_new,
        TypeTag::StaticMethod => staticmethod_new,
        TypeTag::ClassMethod => classmethod_new,
        TypeTag::Super => super_new,
        _ => return None,
    })
}

fn object_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.is_empty() {
        return Err(PyErr::type_error("object() takes no arguments"));
    }
    Ok(Value::Instance(Rc::new(Instance::new(vm.types.object.clone()))))
}

pub fn int_from(vm: &mut Vm, v: &Value, base: Option<u32>) -> PyResult<Value> {
    if let Some(b) = base {
        let s = match v {
            Value::Str(s) => s.as_str().to_owned(),
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            _ => return Err(PyErr::type_error("int() can't convert non-string with explicit base")),
        };
        return parse_int_value(&s, b);
    }
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => {
            if f.is_nan() {
                return Err(PyErr::value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(PyErr::overflow("cannot convert float infinity to integer"));
            }
            let t = f.trunc();
            if t.abs() < 9.0e18 {
                Ok(Value::Int(t as i64))
            } else {
                Ok(Value::from_bigint(num_bigint::BigInt::from_f64(t).unwrap_or_default()))
            }
        }
        Value::Str(s) => parse_int_value(s.as_str(), 10),
        Value::Bytes(b) => parse_int_value(&String::from_utf8_lossy(b), 10),
        // Native stdlib numbers (Fraction, Decimal) convert through their own dunders.
        Value::Native(_) => {
            for name in ["__int__", "__index__", "__trunc__"] {
                if let Some(m) = vm.special(v, name) {
                    let r = vm.call1(&m, v.clone())?;
                    return int_from(vm, &r, None);
                }
            }
            Err(PyErr::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                v.type_name()
            )))
        }
        Value::Instance(i) => {
            for name in ["__int__", "__index__", "__trunc__"] {
                if let Some(m) = i.class.lookup(name) {
                    let r = vm.call1(&m, v.clone())?;
                    return int_from(vm, &r, None);
                }
            }
            if let Some(base) = i.base.borrow().clone() {
                return int_from(vm, &base, None);
            }
            Err(PyErr::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                v.type_name()
            )))
        }
        _ => Err(PyErr::type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            v.type_name()
        ))),
    }
}

fn parse_int_value(s: &str, base: u32) -> PyResult<Value> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(PyErr::value_error(numparse::INT_BASE_ERROR));
    }
    match numparse::parse_int_limited(s, base, numparse::DEFAULT_MAX_STR_DIGITS) {
        Ok(IntParse::Small(i)) => Ok(Value::Int(i)),
        Ok(IntParse::Big(b)) => Ok(Value::from_bigint(b)),
        Err(numparse::IntParseError::TooManyDigits { limit, digits }) => {
            Err(PyErr::value_error(numparse::int_digit_limit_error(limit, digits)))
        }
        Err(numparse::IntParseError::BadBase) => Err(PyErr::value_error(numparse::INT_BASE_ERROR)),
        Err(numparse::IntParseError::Invalid) => Err(PyErr::value_error(numparse::int_parse_error(s, base))),
    }
}

fn int_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, base] = args.bind_c("int", ["x", "base"], 1, 0)?;
    let Some(x) = x else {
        return match base {
            Some(_) => Err(PyErr::type_error("int() missing string argument")),
            None => Ok(Value::Int(0)),
        };
    };
    let base = match base {
        Some(b) => Some(vm.index_of(&b)? as u32),
        None => None,
    };
    int_from(vm, &x, base)
}

fn bool_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("bool", ["x"], 1, 0)?;
    match x {
        Some(x) => Ok(Value::Bool(vm.truthy(&x)?)),
        None => Ok(Value::Bool(false)),
    }
}

pub fn float_from(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => b.to_f64().filter(|f| f.is_finite()).ok_or_else(|| PyErr::overflow("int too large to convert to float")),
        Value::Str(s) => numparse::parse_float(s.as_str()).ok_or_else(|| PyErr::value_error(numparse::float_parse_error(s.as_str()))),
        Value::Native(_) if vm.special(v, "__float__").is_some() => {
            let m = vm.special(v, "__float__").ok_or_else(|| PyErr::type_error("must be real number"))?;
            let r = vm.call1(&m, v.clone())?;
            float_from(vm, &r)
        }
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup("__float__") {
                let r = vm.call1(&m, v.clone())?;
                return float_from(vm, &r);
            }
            if let Some(m) = i.class.lookup("__index__") {
                let r = vm.call1(&m, v.clone())?;
                return float_from(vm, &r);
            }
            if let Some(base) = i.base.borrow().clone() {
                return float_from(vm, &base);
            }
            Err(PyErr::type_error(format!("float() argument must be a string or a real number, not '{}'", v.type_name())))
        }
        _ => Err(PyErr::type_error(format!("float() argument must be a string or a real number, not '{}'", v.type_name()))),
    }
}

fn float_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("float", ["x"], 1, 0)?;
    match x {
        Some(x) => Ok(Value::Float(float_from(vm, &x)?)),
        None => Ok(Value::Float(0.0)),
    }
}

fn str_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, encoding, errors] = args.bind_c("str", ["object", "encoding", "errors"], 0, 0)?;
    match (x, encoding.is_some() || errors.is_some()) {
        (None, _) => Ok(Value::str("")),
        (Some(x), true) => {
            // Argument Clinic converts `encoding` and `errors` before looking at `object`.
            for (name, v) in [("encoding", &encoding), ("errors", &errors)] {
                if let Some(v) = v {
                    if super::method_args::as_str(v).is_none() {
                        return Err(PyErr::type_error(format!("str() argument '{name}' must be str, not {}", v.type_name())));
                    }
                }
            }
            let data = match &x {
                Value::Bytes(b) => b.to_vec(),
                Value::ByteArray(b) => b.borrow().clone(),
                Value::Str(_) => return Err(PyErr::type_error("decoding str is not supported")),
                other => {
                    return Err(PyErr::type_error(format!(
                        "decoding to str: need a bytes-like object, {} found",
                        other.type_name()
                    )));
                }
            };
            let (codec, errors) = super::str_methods::codec_args("str", encoding, errors)?;
            Ok(Value::string(super::bytes_methods::decode(&data, codec, &errors)?))
        }
        (Some(x @ Value::Str(_)), false) => Ok(x),
        (Some(x), false) => Ok(Value::string(vm.str(&x)?)),
    }
}

/// `bytes(text, encoding[, errors])` and `bytearray(...)` alike.
fn encode_source(s: &PyStr, encoding: Option<Value>, errors: Option<Value>, fname: &str) -> PyResult<Vec<u8>> {
    let (codec, errors) = super::str_methods::codec_args(fname, encoding, errors)?;
    super::str_methods::encode(s.as_str(), codec, &errors)
}

pub fn bytes_from(vm: &mut Vm, x: &Value) -> PyResult<Vec<u8>> {
    match x {
        Value::Bytes(b) => Ok(b.to_vec()),
        Value::ByteArray(b) => Ok(b.borrow().clone()),
        Value::Int(n) => {
            if *n < 0 {
                return Err(PyErr::value_error("negative count"));
            }
            vm.check_alloc(*n as u128)?;
            Ok(vec![0; *n as usize])
        }
        Value::Str(_) => Err(PyErr::type_error("string argument without an encoding")),
        _ => {
            let items = vm.collect(x)?;
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                let i = vm.index_of(&it)?;
                if !(0..=255).contains(&i) {
                    return Err(PyErr::value_error("bytes must be in range(0, 256)"));
                }
                out.push(i as u8);
            }
            Ok(out)
        }
    }
}

fn bytes_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, encoding, errors] = args.bind_c("bytes", ["source", "encoding", "errors"], 0, 0)?;
    match (x, encoding) {
        (None, _) => Ok(Value::bytes([])),
        (Some(Value::Str(s)), Some(e)) => Ok(Value::bytes(encode_source(&s, Some(e), errors, "bytes")?)),
        (Some(x), _) => Ok(Value::bytes(bytes_from(vm, &x)?)),
    }
}

fn bytearray_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, encoding, errors] = args.bind_c("bytearray", ["source", "encoding", "errors"], 0, 0)?;
    let data = match (x, encoding) {
        (None, _) => Vec::new(),
        (Some(Value::Str(s)), Some(e)) => encode_source(&s, Some(e), errors, "bytearray")?,
        (Some(x), _) => bytes_from(vm, &x)?,
    };
    Ok(Value::ByteArray(Rc::new(RefCell::new(data))))
}

fn list_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("list", ["iterable"], 1, 0)?;
    match x {
        Some(x) => Ok(Value::list(vm.collect(&x)?)),
        None => Ok(Value::list(Vec::new())),
    }
}

fn tuple_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("tuple", ["iterable"], 1, 0)?;
    match x {
        Some(t @ Value::Tuple(_)) => Ok(t),
        Some(x) => Ok(Value::tuple(vm.collect(&x)?)),
        None => Ok(Value::empty_tuple()),
    }
}

pub fn dict_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = Rc::new(RefCell::new(PyDict::new()));
    dict_fill(vm, &d, args, "dict")?;
    Ok(Value::Dict(d))
}

/// `dict(...)`/`d.update(...)`: a mapping or iterable of pairs, then keywords.
pub fn dict_fill(vm: &mut Vm, d: &Rc<RefCell<PyDict>>, args: Args, fname: &str) -> PyResult<()> {
    if args.pos.len() > 1 {
        return Err(PyErr::type_error(format!("{fname} expected at most 1 argument, got {}", args.pos.len())));
    }
    if let Some(src) = args.pos.into_iter().next() {
        if vm.is_mapping(&src) || matches!(src, Value::Dict(_)) {
            vm.dict_update_from(d, &src, false)?;
        } else {
            let items = vm.collect(&src).map_err(|e| {
                if vm.err_is(&e, ExcKind::TypeError) {
                    PyErr::type_error(format!("'{}' object is not iterable", src.type_name()))
                } else {
                    e
                }
            })?;
            for (i, it) in items.into_iter().enumerate() {
                let pair = match vm.collect(&it) {
                    Ok(p) => p,
                    Err(_) => {
                        return Err(PyErr::type_error(format!(
                            "cannot convert dictionary update sequence element #{i} to a sequence"
                        )));
                    }
                };
                if pair.len() != 2 {
                    return Err(PyErr::value_error(format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        pair.len()
                    )));
                }
                let mut p = pair.into_iter();
                let (k, v) = (p.next().unwrap_or(Value::None), p.next().unwrap_or(Value::None));
                vm.dict_set(d, k, v)?;
            }
        }
    }
    for (k, v) in args.kw {
        vm.dict_set(d, Value::str(&k), v)?;
    }
    Ok(())
}

fn set_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("set", ["iterable"], 1, 0)?;
    // `set(x)` is `set_update_internal`: a set is merged, a dict pre-sizes the table.
    let s = match x {
        Some(x) => super::set_methods::new_set_from(vm, &x)?,
        None => PySet::new(),
    };
    Ok(Value::Set(Rc::new(RefCell::new(s))))
}

fn frozenset_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("frozenset", ["iterable"], 1, 0)?;
    let s = match x {
        Some(Value::FrozenSet(f)) => return Ok(Value::FrozenSet(f)),
        Some(x) => super::set_methods::new_set_from(vm, &x)?,
        None => PySet::new(),
    };
    Ok(Value::FrozenSet(Rc::new(s)))
}

fn range_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::Float(_) | Value::Str(_) | Value::None | Value::List(_) | Value::Tuple(_) => Err(PyErr::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))),
        Value::BigInt(b) => b.to_i64().ok_or_else(|| PyErr::overflow("Python int too large to convert to C ssize_t")),
        _ => vm.index_of(v),
    }
}

fn range_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("range")?;
    let n = args.pos.len();
    let p: Vec<i64> = {
        let mut out = Vec::new();
        for v in args.pos.iter() {
            out.push(range_arg(vm, v)?);
        }
        out
    };
    let (start, stop, step) = match n {
        1 => (0, p[0], 1),
        2 => (p[0], p[1], 1),
        3 => (p[0], p[1], p[2]),
        0 => return Err(PyErr::type_error("range expected at least 1 argument, got 0")),
        _ => return Err(PyErr::type_error(format!("range expected at most 3 arguments, got {n}"))),
    };
    if step == 0 {
        return Err(PyErr::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(Range { start, stop, step })))
}

fn slice_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("slice")?;
    let p: Vec<Value> = args.pos.into_iter().collect();
    let (start, stop, step) = match p.len() {
        1 => (Value::None, p[0].clone(), Value::None),
        2 => (p[0].clone(), p[1].clone(), Value::None),
        3 => (p[0].clone(), p[1].clone(), p[2].clone()),
        n => return Err(PyErr::type_error(format!("slice expected at least 1 argument, got {n}"))),
    };
    Ok(Value::Slice(Rc::new(Slice { start, stop, step })))
}

fn type_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.len() {
        1 if !args.kw.is_empty() => Err(PyErr::type_error("type() takes no keyword arguments")),
        1 => Ok(Value::Class(vm.type_of(&args.pos[0]))),
        // Building classes at run time from a namespace dict is refused: it is how
        // sandbox escapes assemble objects with chosen dunders.
        3 => Err(PyErr::type_error("garter does not support type() with three arguments; use a class statement")),
        _ => Err(PyErr::type_error("type() takes 1 or 3 arguments")),
    }
}

fn property_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [fget, fset, fdel, doc] = args.bind_c("property", ["fget", "fset", "fdel", "doc"], 0, 0)?;
    let some = |v: Option<Value>| v.filter(|x| !x.is_none());
    Ok(Value::Property(Rc::new(Property { fget: some(fget), fset: some(fset), fdel: some(fdel), doc: some(doc) })))
}

fn staticmethod_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [f] = args.exact("staticmethod")?;
    Ok(Value::StaticMethod(Rc::new(f)))
}

fn classmethod_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [f] = args.exact("classmethod")?;
    Ok(Value::ClassMethod(Rc::new(f)))
}

fn super_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("super")?;
    let p: Vec<Value> = args.pos.into_iter().collect();
    match p.as_slice() {
        [Value::Class(c), obj] => {
            let ok = match obj {
                Value::Class(oc) => oc.is_subclass(c),
                _ => vm.isinstance(obj, c),
            };
            if !ok {
                return Err(PyErr::type_error("super(type, obj): obj must be an instance or subtype of type"));
            }
            Ok(Value::Super(Rc::new(Super { class: c.clone(), obj: obj.clone() })))
        }
        [] => Err(PyErr::runtime_error("super(): no arguments")),
        _ => Err(PyErr::type_error("super() argument 1 must be a type")),
    }
}

pub fn to_i64_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    let _ = to_bigint(v);
    vm.index_of(v)
}
