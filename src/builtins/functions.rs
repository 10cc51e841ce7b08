//! The builtin functions (`print`, `len`, `sorted`, ...). Absent on purpose, so that
//! they are NameErrors: eval, exec, compile, open, input, __import__, globals, locals,
//! vars, dir, breakpoint, help, memoryview.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::format_spec;
use super::types::native_named;
use crate::syntax::ast::CmpOp;
use crate::values::numparse::{i64_to_str_radix, int_to_str_radix};
use crate::values::*;
use crate::vm::{to_bigint, Vm};

pub fn register(m: &mut Attrs) {
    let fns: &[(&str, NativeFn)] = &[
        ("print", print),
        ("len", len),
        ("abs", abs),
        ("all", all),
        ("any", any),
        ("ascii", ascii),
        ("bin", bin),
        ("oct", oct),
        ("hex", hex),
        ("callable", callable),
        ("chr", chr),
        ("ord", ord),
        ("divmod", divmod),
        ("enumerate", enumerate),
        ("filter", filter),
        ("format", format),
        ("getattr", getattr),
        ("setattr", setattr),
        ("delattr", delattr),
        ("hasattr", hasattr),
        ("hash", hash),
        ("id", id),
        ("isinstance", isinstance),
        ("issubclass", issubclass),
        ("iter", iter),
        ("next", next),
        ("map", map),
        ("max", max),
        ("min", min),
        ("pow", pow),
        ("repr", repr),
        ("reversed", reversed),
        ("round", round),
        ("sorted", sorted),
        ("sum", sum),
        ("zip", zip),
    ];
    m.reserve(fns.len());
    for (name, f) in fns {
        let name: Rc<str> = (*name).into();
        m.insert(name.clone(), native_named(name, *f));
    }
}

fn print(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut sep = " ".to_owned();
    let mut end = "\n".to_owned();
    for (k, v) in &args.kw {
        match (&**k, v) {
            ("sep", Value::Str(s)) => sep = s.as_str().to_owned(),
            ("end", Value::Str(s)) => end = s.as_str().to_owned(),
            ("sep" | "end", Value::None) => {}
            ("sep" | "end", other) => {
                return Err(PyErr::type_error(format!("{k} must be None or a string, not {}", other.type_name())));
            }
            ("flush", _) => {}
            ("file", _) => return Err(PyErr::type_error("print(): file= is not available in garter's sandbox")),
            _ => return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for print()"))),
        }
    }
    let mut out = String::new();
    for (i, v) in args.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(&vm.str(v)?);
    }
    out.push_str(&end);
    vm.write_out(&out)?;
    Ok(Value::None)
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("len")?;
    Ok(Value::from(vm.len(&v)?))
}

fn abs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("abs")?;
    Ok(match &v {
        Value::Int(i) => match i.checked_abs() {
            Some(a) => Value::Int(a),
            None => Value::from_bigint(BigInt::from(*i).abs()),
        },
        Value::Bool(b) => Value::Int(*b as i64),
        Value::BigInt(b) => Value::from_bigint(b.abs()),
        Value::Float(f) => Value::Float(f.abs()),
        _ => match vm.special(&v, "__abs__") {
            Some(m) => vm.call1(&m, v.clone())?,
            None => return Err(PyErr::type_error(format!("bad operand type for abs(): '{}'", v.type_name()))),
        },
    })
}

fn all(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("all")?;
    let it = vm.iter(&v)?;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        if !vm.truthy(&x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn any(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("any")?;
    let it = vm.iter(&v)?;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        if vm.truthy(&x)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn ascii(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("ascii")?;
    Ok(Value::string(vm.ascii(&v)?))
}

fn radix(vm: &mut Vm, v: &Value, r: u32) -> PyResult<Value> {
    Ok(Value::string(match v {
        Value::Int(i) => i64_to_str_radix(*i, r),
        Value::Bool(b) => i64_to_str_radix(*b as i64, r),
        Value::BigInt(b) => int_to_str_radix(b, r),
        _ => {
            let i = vm.index_of(v)?;
            i64_to_str_radix(i, r)
        }
    }))
}

fn bin(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("bin")?;
    radix(vm, &v, 2)
}

fn oct(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("oct")?;
    radix(vm, &v, 8)
}

fn hex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("hex")?;
    radix(vm, &v, 16)
}

pub fn is_callable(v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_) => true,
        Value::Instance(i) => i.class.lookup("__call__").is_some(),
        Value::Native(n) => n.class.lookup("__call__").is_some(),
        _ => false,
    }
}

fn callable(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("callable")?;
    Ok(Value::Bool(is_callable(&v)))
}

fn chr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("chr")?;
    let i = match &v {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        Value::Float(_) | Value::Str(_) => {
            return Err(PyErr::type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name())));
        }
        _ => vm.index_of(&v)?,
    };
    match u32::try_from(i).ok().filter(|&c| c <= 0x10ffff) {
        Some(c) => Ok(Value::string(char::from_u32(c).unwrap_or('\u{fffd}').to_string())),
        None => Err(PyErr::value_error("chr() arg not in range(0x110000)")),
    }
}

fn ord(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("ord")?;
    match &v {
        Value::Str(s) => {
            if s.len_chars() != 1 {
                return Err(PyErr::type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.len_chars()
                )));
            }
            Ok(Value::Int(s.char_at(0).map_or(0, |c| c as i64)))
        }
        Value::Bytes(b) if b.len() == 1 => Ok(Value::Int(b[0] as i64)),
        Value::Bytes(b) => Err(PyErr::type_error(format!(
            "ord() expected a character, but string of length {} found",
            b.len()
        ))),
        _ => Err(PyErr::type_error(format!(
            "ord() expected string of length 1, but {} found",
            v.type_name()
        ))),
    }
}

fn divmod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("divmod")?;
    if let (Some(_), Some(_)) = (to_bigint(&a), to_bigint(&b)) {
        let q = vm.binary_op(&a, &b, crate::syntax::ast::BinOp::FloorDiv)?;
        let r = vm.binary_op(&a, &b, crate::syntax::ast::BinOp::Mod)?;
        return Ok(Value::tuple(vec![q, r]));
    }
    if let (Some(x), Some(y)) = (crate::vm::to_f64(&a), crate::vm::to_f64(&b)) {
        if y == 0.0 {
            return Err(PyErr::zero_division("float divmod()"));
        }
        let (q, r) = crate::vm::float_divmod(x, y);
        return Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]));
    }
    if let Some(r) = vm.dunder_binary(&a, &b, "__divmod__", "__rdivmod__")? {
        return Ok(r);
    }
    Err(PyErr::type_error(format!(
        "unsupported operand type(s) for divmod(): '{}' and '{}'",
        a.type_name(),
        b.type_name()
    )))
}

fn enumerate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    // enumerate has its own argument parsing in CPython: no "(pos 1)" here.
    if args.pos.is_empty() && !args.kw.iter().any(|(k, _)| &**k == "iterable") {
        return Err(PyErr::type_error("enumerate() missing required argument 'iterable'"));
    }
    let [it, start] = args.bind_c("enumerate", ["iterable", "start"], 0, 1)?;
    let it = vm.iter(&it.unwrap_or(Value::None))?;
    let count = match start {
        Some(s @ (Value::Int(_) | Value::BigInt(_))) => s,
        Some(Value::Bool(b)) => Value::Int(b as i64),
        Some(other) => {
            return Err(PyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            )));
        }
        None => Value::Int(0),
    };
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Enumerate { inner: it, count }))))
}

fn filter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [f, it] = args.exact("filter")?;
    let inner = vm.iter(&it)?;
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Filter { func: f, inner, keep_true: true }))))
}

fn format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v, spec] = args.bind("format", ["value", "format_spec"], 2, 1)?;
    let v = v.unwrap_or(Value::None);
    let spec = match spec {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(other) => {
            return Err(PyErr::type_error(format!(
                "format() argument 2 must be str, not {}",
                other.type_name()
            )));
        }
        None => String::new(),
    };
    let _ = format_spec::FORMAT_SIZE_LIMIT;
    Ok(Value::string(vm.format(&v, &spec)?))
}

fn attr_name(v: &Value, fname: &str) -> PyResult<Rc<str>> {
    match v {
        Value::Str(s) => Ok(s.as_str().into()),
        other => Err(PyErr::type_error(format!(
            "{fname}(): attribute name must be string, not '{}'",
            other.type_name()
        ))),
    }
}

fn getattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("getattr")?;
    match args.pos.len() {
        0 | 1 => return Err(PyErr::type_error(format!("getattr expected at least 2 arguments, got {}", args.pos.len()))),
        n @ 4.. => return Err(PyErr::type_error(format!("getattr expected at most 3 arguments, got {n}"))),
        _ => {}
    }
    let name = attr_name(&args.pos[1], "getattr")?;
    match vm.getattr(&args.pos[0], &name) {
        Ok(v) => Ok(v),
        Err(e) if args.pos.len() == 3 && vm.err_is(&e, ExcKind::AttributeError) => Ok(args.pos[2].clone()),
        Err(e) => Err(e),
    }
}

fn setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, v] = args.exact("setattr")?;
    let name = attr_name(&name, "setattr")?;
    vm.check_user_attr_write(&obj, &name)?;
    vm.setattr(&obj, &name, v)?;
    Ok(Value::None)
}

fn delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = args.exact("delattr")?;
    let name = attr_name(&name, "delattr")?;
    vm.check_user_attr_write(&obj, &name)?;
    vm.delattr(&obj, &name)?;
    Ok(Value::None)
}

fn hasattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = args.exact("hasattr")?;
    let name = attr_name(&name, "hasattr")?;
    Ok(Value::Bool(vm.hasattr(&obj, &name)?))
}

fn hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("hash")?;
    Ok(Value::Int(vm.hash(&v)? as i64))
}

fn id(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("id")?;
    Ok(Value::from(v.identity()))
}

fn class_list(vm: &mut Vm, v: &Value, fname: &str) -> PyResult<Vec<Rc<Class>>> {
    match v {
        Value::Class(c) => Ok(vec![c.clone()]),
        Value::Tuple(t) => {
            let mut out = Vec::new();
            for x in t.iter() {
                out.extend(class_list(vm, x, fname)?);
            }
            Ok(out)
        }
        _ => match super::union_type::union_classes(vm, v) {
            Some(classes) => Ok(classes),
            None => Err(PyErr::type_error(format!("{fname}() arg 2 must be a type, a tuple of types, or a union"))),
        },
    }
}

fn isinstance(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v, cls] = args.exact("isinstance")?;
    let classes = class_list(vm, &cls, "isinstance")?;
    Ok(Value::Bool(classes.iter().any(|c| vm.isinstance(&v, c))))
}

fn issubclass(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v, cls] = args.exact("issubclass")?;
    let Value::Class(c) = &v else {
        return Err(PyErr::type_error("issubclass() arg 1 must be a class"));
    };
    let classes = class_list(vm, &cls, "issubclass")?;
    Ok(Value::Bool(classes.iter().any(|k| c.is_subclass(k))))
}

fn iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("iter")?;
    match args.pos.len() {
        1 => vm.iter(&args.pos[0]),
        2 => Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Callable {
            func: args.pos[0].clone(),
            sentinel: args.pos[1].clone(),
        })))),
        n => Err(PyErr::type_error(format!("iter expected at most 2 arguments, got {n}"))),
    }
}

fn next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("next")?;
    let it = args.pos.first().cloned().unwrap_or(Value::None);
    let is_iter = matches!(it, Value::Iterator(_) | Value::Generator(_)) || vm.special(&it, "__next__").is_some();
    if !is_iter {
        return Err(PyErr::type_error(format!("'{}' object is not an iterator", it.type_name())));
    }
    // Generators and __next__ keep their StopIteration value.
    let r = match &it {
        Value::Generator(g) => match vm.resume_generator(g, Value::None, None) {
            Ok(crate::vm::Delegated::Yielded(v)) => Ok(Some(v)),
            Ok(crate::vm::Delegated::Done(v)) => Err(if v.is_none() {
                PyErr::stop_iteration()
            } else {
                PyErr::with_args(ExcKind::StopIteration, vec![v])
            }),
            Err(e) => Err(e),
        },
        Value::Instance(_) => {
            let m = vm.special(&it, "__next__").expect("checked just above");
            vm.call1(&m, it.clone()).map(Some)
        }
        _ => vm.next(&it),
    };
    match r {
        Ok(Some(v)) => Ok(v),
        Ok(None) => match args.pos.get(1) {
            Some(d) => Ok(d.clone()),
            None => Err(PyErr::stop_iteration()),
        },
        Err(e) if args.pos.len() > 1 && vm.err_is(&e, ExcKind::StopIteration) => Ok(args.pos[1].clone()),
        Err(e) => Err(e),
    }
}

fn map(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("map")?;
    if args.pos.len() < 2 {
        return Err(PyErr::type_error("map() must have at least two arguments."));
    }
    let mut it = args.pos.into_iter();
    let func = it.next().unwrap_or(Value::None);
    let mut iters = Vec::new();
    for x in it {
        iters.push(vm.iter(&x)?);
    }
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Map { func, iters }))))
}

fn min_max(vm: &mut Vm, args: Args, is_max: bool) -> PyResult<Value> {
    let fname = if is_max { "max" } else { "min" };
    let mut key = None;
    let mut default = None;
    for (k, v) in args.kw {
        match &*k {
            "key" => key = Some(v).filter(|v| !v.is_none()),
            "default" => default = Some(v),
            _ => return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for {fname}()"))),
        }
    }
    let items = match args.pos.len() {
        0 => return Err(PyErr::type_error(format!("{fname} expected at least 1 argument, got 0"))),
        1 => vm.collect(&args.pos[0])?,
        _ => {
            if default.is_some() {
                return Err(PyErr::type_error(format!(
                    "Cannot specify a default for {fname}() with multiple positional arguments"
                )));
            }
            args.pos.into_iter().collect()
        }
    };
    let mut best: Option<(Value, Value)> = None;
    for it in items {
        let k = match &key {
            Some(f) => vm.call1(f, it.clone())?,
            None => it.clone(),
        };
        best = Some(match best {
            None => (k, it),
            Some((bk, bv)) => {
                let better = match simple_cmp(&k, &bk) {
                    Some(o) => o == if is_max { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Less },
                    None if is_max => vm.order(&k, &bk, CmpOp::Gt)?,
                    None => vm.order(&k, &bk, CmpOp::Lt)?,
                };
                if better { (k, it) } else { (bk, bv) }
            }
        });
    }
    match best {
        Some((_, v)) => Ok(v),
        None => default.ok_or_else(|| PyErr::value_error(format!("{fname}() arg is an empty sequence"))),
    }
}

fn max(vm: &mut Vm, args: Args) -> PyResult<Value> {
    min_max(vm, args, true)
}

fn min(vm: &mut Vm, args: Args) -> PyResult<Value> {
    min_max(vm, args, false)
}

fn pow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [base, exp, m] = args.bind_c("pow", ["base", "exp", "mod"], 0, 2)?;
    let (base, exp) = (base.unwrap_or(Value::None), exp.unwrap_or(Value::None));
    match m {
        None | Some(Value::None) => vm.binary_op(&base, &exp, crate::syntax::ast::BinOp::Pow),
        Some(m) => {
            // Native numbers (Decimal) take a three-argument `__pow__`.
            if let (Value::Native(_), Some(f)) = (&base, vm.special(&base, "__pow__")) {
                let r = vm.call(&f, Args::new([base.clone(), exp.clone(), m.clone()]))?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
            let (Some(b), Some(e), Some(md)) = (to_bigint(&base), to_bigint(&exp), to_bigint(&m)) else {
                return Err(PyErr::type_error("pow() 3rd argument not allowed unless all arguments are integers"));
            };
            if md.is_zero() {
                return Err(PyErr::value_error("pow() 3rd argument cannot be 0"));
            }
            let r = if e.is_negative() {
                // Modular inverse.
                let inv = modinv(&b, &md).ok_or_else(|| PyErr::value_error("base is not invertible for the given modulus"))?;
                modpow_checked(vm, &inv, &(-e), &md.abs())?
            } else {
                modpow_checked(vm, &b, &e, &md.abs())?
            };
            let mut r = num_integer::Integer::mod_floor(&r, &md);
            if md.is_negative() && !r.is_zero() && r.is_positive() {
                r += &md;
            }
            Ok(Value::from_bigint(r))
        }
    }
}

/// `b ** e % m` (m > 0, e >= 0) with the deadline checked as it goes: one modular
/// power of big numbers can take minutes. Small moduli use the library's modpow on
/// pieces of the exponent (a few thousand bits each, milliseconds); big ones square
/// and multiply here, because the library's Montgomery set-up alone takes seconds
/// for a modulus of 100,000 bits.
fn modpow_checked(vm: &mut Vm, b: &BigInt, e: &BigInt, m: &BigInt) -> PyResult<BigInt> {
    use num_traits::One;
    const SMALL_MODULUS_BITS: u64 = 1 << 12;
    let base = num_integer::Integer::mod_floor(b, m);
    let mut r = BigInt::one() % m;
    if m.bits() > SMALL_MODULUS_BITS {
        for i in (0..e.bits()).rev() {
            vm.check_budgets()?;
            r = &r * &r % m;
            if e.bit(i) {
                r = r * &base % m;
            }
        }
        return Ok(r);
    }
    let words = m.bits() / 64 + 1;
    let piece_bits = ((1u64 << 24) / (words * words)).max(64);
    if e.bits() <= piece_bits {
        return Ok(base.modpow(e, m));
    }
    let mut hi = e.bits();
    while hi > 0 {
        vm.check_budgets()?;
        let lo = hi.saturating_sub(piece_bits);
        let width = hi - lo;
        let mask = (BigInt::one() << width) - 1u32;
        let piece = (e >> lo) & mask;
        // r = r^(2^width) * base^piece (mod m): the next `width` bits of the exponent.
        r = r.modpow(&(BigInt::one() << width), m);
        r = (r * base.modpow(&piece, m)) % m;
        hi = lo;
    }
    Ok(r)
}

fn modinv(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let m = m.abs();
    let e = num_integer::Integer::extended_gcd(&num_integer::Integer::mod_floor(a, &m), &m);
    if e.gcd != BigInt::from(1) {
        return None;
    }
    Some(num_integer::Integer::mod_floor(&e.x, &m))
}

fn repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("repr")?;
    Ok(Value::string(vm.repr(&v)?))
}

fn reversed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("reversed")?;
    let [v] = args.bind("reversed", ["sequence"], 1, 1)?;
    let v = v.unwrap_or(Value::None);
    let n = match &v {
        Value::List(l) => l.borrow().len(),
        Value::Tuple(t) => t.len(),
        Value::Str(s) => s.len_chars(),
        Value::Range(r) => r.len() as usize,
        Value::Dict(d) => {
            let keys: Vec<Value> = d.borrow().keys().cloned().collect();
            let n = keys.len();
            return Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Reversed { seq: Value::list(keys), index: n }))));
        }
        Value::Instance(_) | Value::Native(_) => {
            if let Some(m) = vm.special(&v, "__reversed__") {
                return vm.call1(&m, v.clone());
            }
            if vm.special(&v, "__getitem__").is_some() && vm.special(&v, "__len__").is_some() {
                vm.len(&v)?
            } else if let Value::Instance(i) = &v {
                match i.base.borrow().clone() {
                    Some(b) => return reversed(vm, Args::new([b])),
                    None => return Err(PyErr::type_error(format!("'{}' object is not reversible", v.type_name()))),
                }
            } else {
                return Err(PyErr::type_error(format!("'{}' object is not reversible", v.type_name())));
            }
        }
        _ => return Err(PyErr::type_error(format!("'{}' object is not reversible", v.type_name()))),
    };
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Reversed { seq: v, index: n }))))
}

fn round(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v, nd] = args.bind_c("round", ["number", "ndigits"], 0, 1)?;
    let v = v.unwrap_or(Value::None);
    let nd = nd.filter(|n| !n.is_none());
    match &v {
        Value::Float(f) => match nd {
            None => {
                let r = format_spec::round_half_even_to_integral(*f);
                if r.is_nan() {
                    return Err(PyErr::value_error("cannot convert float NaN to integer"));
                }
                if r.is_infinite() {
                    return Err(PyErr::overflow("cannot convert float infinity to integer"));
                }
                super::constructors::int_from(vm, &Value::Float(r), None)
            }
            Some(n) => {
                let n = vm.index_of(&n)?;
                Ok(Value::Float(format_spec::round_half_even_float(*f, n).map_err(super::repr::fmt_err)?))
            }
        },
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => match nd {
            None => Ok(match v {
                Value::Bool(b) => Value::Int(b as i64),
                other => other,
            }),
            Some(n) => {
                let n = vm.index_of(&n)?;
                if n >= 0 {
                    return Ok(match v {
                        Value::Bool(b) => Value::Int(b as i64),
                        other => other,
                    });
                }
                let x = to_bigint(&v).expect("an int");
                let p = num_traits::pow::Pow::pow(BigInt::from(10), (-n).min(4000) as u64);
                let (q, r) = num_integer::Integer::div_mod_floor(&x, &p);
                let twice = &r * 2;
                let q = if twice > p || (twice == p && num_integer::Integer::is_odd(&q)) { q + 1 } else { q };
                Ok(Value::from_bigint(q * p))
            }
        },
        _ => match vm.special(&v, "__round__") {
            Some(m) => {
                let mut a = vec![v.clone()];
                if let Some(n) = nd {
                    a.push(n);
                }
                vm.call(&m, Args::new(a))
            }
            None => Err(PyErr::type_error(format!(
                "type {} doesn't define __round__ method",
                v.type_name()
            ))),
        },
    }
}

/// Stable merge sort with a fallible comparison (user `__lt__` may raise).
pub fn sort_values(vm: &mut Vm, items: &mut Vec<Value>, key: Option<&Value>, reverse: bool) -> PyResult<()> {
    let keys: Vec<Value> = match key {
        Some(f) => {
            let mut ks = Vec::with_capacity(items.len());
            for it in items.iter() {
                ks.push(vm.call1(f, it.clone())?);
            }
            ks
        }
        None => items.clone(),
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    if let Some(kind) = keys_totally_ordered(&keys) {
        // Every pair compares natively and consistently, so any stable sort gives
        // the order CPython's does; no comparison can raise or call back.
        use std::cmp::Ordering;
        fn go<T>(idx: &mut [usize], ks: &[T], reverse: bool, cmp: impl Fn(&T, &T) -> Ordering) {
            if reverse {
                idx.sort_by(|&a, &b| cmp(&ks[b], &ks[a]));
            } else {
                idx.sort_by(|&a, &b| cmp(&ks[a], &ks[b]));
            }
        }
        match kind {
            Some(KeyKind::Int) => {
                let ks: Vec<i64> = keys.iter().map(|k| k.as_int().unwrap_or(0)).collect();
                go(&mut idx, &ks, reverse, i64::cmp);
            }
            Some(KeyKind::Str) => {
                let ks: Vec<&str> = keys.iter().map(|k| k.as_pystr().map_or("", |s| s.as_str())).collect();
                go(&mut idx, &ks, reverse, |a, b| a.cmp(b));
            }
            _ => go(&mut idx, &keys, reverse, |a, b| simple_cmp(a, b).unwrap_or(Ordering::Equal)),
        }
        permute(items, idx);
        return Ok(());
    }
    let mut err: Option<PyErr> = None;
    // Reverse keeps stability by comparing reversed, as CPython does.
    let cmp = |vm: &mut Vm, a: usize, b: usize, err: &mut Option<PyErr>| -> bool {
        if err.is_some() {
            return false;
        }
        let (x, y) = if reverse { (&keys[b], &keys[a]) } else { (&keys[a], &keys[b]) };
        match vm.lt(x, y) {
            Ok(r) => r,
            Err(e) => {
                *err = Some(e);
                false
            }
        }
    };
    merge_sort(vm, &mut idx, &cmp, &mut err);
    if let Some(e) = err {
        return Err(e);
    }
    permute(items, idx);
    Ok(())
}

/// Reorders `items` so that position `k` holds the old `items[idx[k]]`.
fn permute(items: &mut Vec<Value>, idx: Vec<usize>) {
    let old = std::mem::take(items);
    let mut slots: Vec<Option<Value>> = old.into_iter().map(Some).collect();
    *items = idx.into_iter().map(|i| slots[i].take().unwrap_or(Value::None)).collect();
}

/// The kinds of key `simple_cmp` orders among themselves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Int,
    Str,
    Float,
}

fn key_kind(v: &Value) -> Option<KeyKind> {
    match v {
        Value::Int(_) => Some(KeyKind::Int),
        Value::Str(_) => Some(KeyKind::Str),
        Value::Float(f) if !f.is_nan() => Some(KeyKind::Float),
        _ => None,
    }
}

/// True when all keys are ints, or all strs, or all non-NaN floats, or all flat tuples
/// of those with the same kind at each position: then `simple_cmp` is a total order
/// on them and never gives up.
/// `Some(Some(kind))` when all keys are scalars of that kind, `Some(None)` for
/// tuples, `None` when the general path must sort.
fn keys_totally_ordered(keys: &[Value]) -> Option<Option<KeyKind>> {
    let Some(first) = keys.first() else { return Some(None) };
    if let Some(k) = key_kind(first) {
        return keys.iter().all(|v| key_kind(v) == Some(k)).then_some(Some(k));
    }
    let mut sig: Vec<KeyKind> = Vec::new();
    for v in keys {
        let Value::Tuple(t) = v else { return None };
        for (i, x) in t.iter().enumerate() {
            let k = key_kind(x)?;
            match sig.get(i) {
                Some(&s) if s != k => return None,
                Some(_) => {}
                None => sig.push(k),
            }
        }
    }
    Some(None)
}

/// `a` against `b` for ints, strs, non-NaN floats and tuples of them, as Python's
/// `<`/`==` order them; `None` for anything else (the caller asks the machine).
fn simple_cmp(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        // UTF-8 byte order is code point order.
        (Value::Str(x), Value::Str(y)) => Some(x.as_str().cmp(y.as_str())),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Tuple(x), Value::Tuple(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                if !matches!(p, Value::Int(_) | Value::Str(_) | Value::Float(_)) {
                    return None;
                }
                match simple_cmp(p, q)? {
                    std::cmp::Ordering::Equal => {}
                    o => return Some(o),
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

fn merge_sort(
    vm: &mut Vm,
    v: &mut Vec<usize>,
    less: &dyn Fn(&mut Vm, usize, usize, &mut Option<PyErr>) -> bool,
    err: &mut Option<PyErr>,
) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    // Insertion sort for small runs, then bottom-up merges.
    let run = 16;
    let mut start = 0;
    while start < n {
        let end = (start + run).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(vm, v[j], v[j - 1], err) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = run;
    let mut buf = vec![0usize; n];
    while width < n {
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let hi = (i + 2 * width).min(n);
            let (mut a, mut b, mut k) = (i, mid, i);
            while a < mid && b < hi {
                if less(vm, v[b], v[a], err) {
                    buf[k] = v[b];
                    b += 1;
                } else {
                    buf[k] = v[a];
                    a += 1;
                }
                k += 1;
            }
            while a < mid {
                buf[k] = v[a];
                a += 1;
                k += 1;
            }
            while b < hi {
                buf[k] = v[b];
                b += 1;
                k += 1;
            }
            i = hi;
        }
        std::mem::swap(v, &mut buf);
        width *= 2;
    }
}

fn sorted(vm: &mut Vm, args: Args) -> PyResult<Value> {
    // In CPython's order: the count, the list, then `list.sort`'s keywords.
    if args.pos.len() != 1 {
        return Err(PyErr::type_error(format!("sorted expected 1 argument, got {}", args.pos.len())));
    }
    let mut items = vm.collect(&args.pos[0])?;
    let mut key = None;
    let mut reverse = false;
    for (k, v) in &args.kw {
        match &**k {
            "key" => key = Some(v.clone()).filter(|v| !v.is_none()),
            "reverse" => reverse = vm.truthy(v)?,
            _ => return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for sort()"))),
        }
    }
    sort_values(vm, &mut items, key.as_ref(), reverse)?;
    Ok(Value::list(items))
}

fn sum(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it, start] = args.bind_c("sum", ["iterable", "start"], 1, 1)?;
    let mut acc = start.unwrap_or(Value::Int(0));
    if let Value::Str(_) = acc {
        return Err(PyErr::type_error("sum() can't sum strings [use ''.join(seq) instead]"));
    }
    let it = it.unwrap_or(Value::None);
    // A list or tuple is walked by index (as its iterator would: a list that an
    // `__add__` grows is seen growing) without an iterator object.
    if let Value::List(_) | Value::Tuple(_) = &it {
        let mut i = 0;
        loop {
            let x = match &it {
                Value::List(l) => l.borrow().get(i).map(Value::clone_inline),
                Value::Tuple(t) => t.get(i).map(Value::clone_inline),
                _ => None,
            };
            let Some(x) = x else { return Ok(acc) };
            i += 1;
            vm.tick()?;
            acc = sum_add(vm, acc, x)?;
        }
    }
    let it = vm.iter(&it)?;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        acc = sum_add(vm, acc, x)?;
    }
    Ok(acc)
}

/// One step of `sum`: small ints and floats added in place (3.11 adds floats
/// plainly, without 3.12's compensation), anything else through `+`.
#[inline(always)]
fn sum_add(vm: &mut Vm, acc: Value, x: Value) -> PyResult<Value> {
    Ok(match (&acc, &x) {
        (Value::Int(a), Value::Int(b)) if a.checked_add(*b).is_some() => Value::Int(a + b),
        (Value::Float(a), Value::Float(b)) => Value::Float(a + b),
        _ => vm.binary_op(&acc, &x, crate::syntax::ast::BinOp::Add)?,
    })
}

fn zip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut strict = false;
    for (k, v) in &args.kw {
        match &**k {
            "strict" => strict = vm.truthy(v)?,
            _ => return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for zip()"))),
        }
    }
    let mut iters = Vec::new();
    for (i, x) in args.pos.iter().enumerate() {
        match vm.iter(x) {
            Ok(it) => iters.push(it),
            Err(_) => {
                return Err(PyErr::type_error(format!(
                    "'{}' object is not iterable",
                    x.type_name()
                )))
                .map_err(|e| {
                    let _ = i;
                    e
                });
            }
        }
    }
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Zip { iters, strict }))))
}
