//! `math`: CPython 3.11's math module, with its error rules ("math domain error"
//! for a NaN out of a non-NaN input, "math range error" for an overflow), exact
//! `fsum` (Shewchuk, as `mathmodule.c`), `hypot`/`dist` with CPython's
//! correctly-rounded vector norm, and integer functions on big ints. Big results
//! (`factorial`, `comb`, `perm`) are checked against the memory budget before
//! they are computed, and their loops count steps.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

use crate::builtins::native;
use crate::syntax::ast::BinOp;
use crate::values::*;
use crate::vm::Vm;

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let _ = vm;
    let mut attrs = Attrs::default();
    let funcs: &[(&str, NativeFn)] = &[
        ("floor", floor),
        ("ceil", ceil),
        ("trunc", trunc),
        ("sqrt", sqrt),
        ("isqrt", isqrt),
        ("exp", exp),
        ("exp2", exp2),
        ("expm1", expm1),
        ("log", log),
        ("log2", log2),
        ("log10", log10),
        ("log1p", log1p),
        ("pow", pow),
        ("fabs", fabs),
        ("fmod", fmod),
        ("modf", modf),
        ("frexp", frexp),
        ("ldexp", ldexp),
        ("copysign", copysign),
        ("remainder", remainder),
        ("hypot", hypot),
        ("dist", dist),
        ("gcd", gcd),
        ("lcm", lcm),
        ("factorial", factorial),
        ("comb", comb),
        ("perm", perm),
        ("prod", prod),
        ("fsum", fsum),
        ("isclose", isclose),
        ("isfinite", isfinite),
        ("isinf", isinf),
        ("isnan", isnan),
        ("sin", sin),
        ("cos", cos),
        ("tan", tan),
        ("asin", asin),
        ("acos", acos),
        ("atan", atan),
        ("atan2", atan2),
        ("sinh", sinh),
        ("cosh", cosh),
        ("tanh", tanh),
        ("asinh", asinh),
        ("acosh", acosh),
        ("atanh", atanh),
        ("degrees", degrees),
        ("radians", radians),
        ("cbrt", cbrt),
        ("nextafter", nextafter),
        ("ulp", ulp),
    ];
    for (name, f) in funcs {
        attrs.insert((*name).into(), native(name, *f));
    }
    attrs.insert("pi".into(), Value::Float(std::f64::consts::PI));
    attrs.insert("e".into(), Value::Float(std::f64::consts::E));
    attrs.insert("tau".into(), Value::Float(std::f64::consts::TAU));
    attrs.insert("inf".into(), Value::Float(f64::INFINITY));
    attrs.insert("nan".into(), Value::Float(f64::NAN));
    attrs.insert("__name__".into(), Value::str("math"));
    Ok(Value::Module(Rc::new(Module { name: "math".into(), attrs: RefCell::new(attrs) })))
}

fn domain() -> PyErr {
    PyErr::value_error("math domain error")
}

fn range() -> PyErr {
    PyErr::overflow("math range error")
}

/// `PyFloat_AsDouble`: floats, ints, `__float__`, `__index__`.
fn to_float(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => match b.to_f64() {
            Some(f) if f.is_finite() => Ok(f),
            _ => Err(PyErr::overflow("int too large to convert to float")),
        },
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup("__float__") {
                let r = vm.call1(&m, v.clone())?;
                return match r {
                    Value::Float(f) => Ok(f),
                    other => Err(PyErr::type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        i.class.name,
                        other.type_name()
                    ))),
                };
            }
            if i.class.lookup("__index__").is_some() {
                let n = vm.index_of(v)?;
                return Ok(n as f64);
            }
            if let Some(b) = i.base.borrow().clone() {
                if matches!(b, Value::Float(_) | Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) {
                    return to_float(vm, &b);
                }
            }
            Err(PyErr::type_error(format!("must be real number, not {}", v.type_name())))
        }
        // Native numbers (Fraction, Decimal) convert through `__float__`.
        Value::Native(_) if vm.special(v, "__float__").is_some() => {
            let m = vm.special(v, "__float__").ok_or_else(|| PyErr::type_error("must be real number"))?;
            match vm.call1(&m, v.clone())? {
                Value::Float(f) => Ok(f),
                other => Err(PyErr::type_error(format!("must be real number, not {}", other.type_name()))),
            }
        }
        _ => Err(PyErr::type_error(format!("must be real number, not {}", v.type_name()))),
    }
}

/// `__index__` as a big int (the integer functions take any size).
fn to_int(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    match v {
        Value::Int(i) => Ok(BigInt::from(*i)),
        Value::Bool(b) => Ok(BigInt::from(*b as i64)),
        Value::BigInt(b) => Ok((**b).clone()),
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup("__index__") {
                let r = vm.call1(&m, v.clone())?;
                return to_int(vm, &r);
            }
            if let Some(b @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_))) = i.base.borrow().clone() {
                return to_int(vm, &b);
            }
            Err(not_integer(v))
        }
        _ => Err(not_integer(v)),
    }
}

fn not_integer(v: &Value) -> PyErr {
    PyErr::type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name()))
}

fn float_to_int(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(PyErr::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(PyErr::overflow("cannot convert float infinity to integer"));
    }
    if f.abs() < 9.0e18 {
        return Ok(Value::Int(f as i64));
    }
    match BigInt::from_f64(f) {
        Some(b) => Ok(Value::from_bigint(b)),
        None => Err(PyErr::overflow("cannot convert float infinity to integer")),
    }
}

fn one_arg(args: Args, name: &str) -> PyResult<Value> {
    let [x] = args.exact(name)?;
    Ok(x)
}

fn two_args(args: Args, name: &str) -> PyResult<(Value, Value)> {
    if !args.kw.is_empty() {
        return Err(PyErr::type_error(format!("{name}() takes no keyword arguments")));
    }
    if args.pos.len() != 2 {
        return Err(PyErr::type_error(format!("{name} expected 2 arguments, got {}", args.pos.len())));
    }
    let mut it = args.pos.into_iter();
    let a = it.next().unwrap_or(Value::None);
    let b = it.next().unwrap_or(Value::None);
    Ok((a, b))
}

/// `math_1`: a NaN out of a non-NaN input is a domain error; an infinity out of a
/// finite input is a range error when the function can overflow, else a domain error.
fn math_1(vm: &mut Vm, args: Args, name: &str, f: fn(f64) -> f64, can_overflow: bool) -> PyResult<Value> {
    let x = one_arg(args, name)?;
    let x = to_float(vm, &x)?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow { range() } else { domain() });
    }
    Ok(Value::Float(r))
}

fn rounding(vm: &mut Vm, args: Args, name: &str, dunder: &str, f: fn(f64) -> f64) -> PyResult<Value> {
    let x = one_arg(args, name)?;
    match &x {
        Value::Int(_) | Value::BigInt(_) => return Ok(x),
        Value::Bool(b) => return Ok(Value::Int(*b as i64)),
        Value::Float(v) => return float_to_int(f(*v)),
        Value::Native(_) => {
            if let Some(m) = vm.special(&x, dunder) {
                return vm.call1(&m, x.clone());
            }
        }
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup(dunder) {
                return vm.call1(&m, x.clone());
            }
            if dunder == "__trunc__" {
                if let Some(b) = i.base.borrow().clone() {
                    return rounding(vm, Args::new([b]), name, dunder, f);
                }
            }
        }
        _ => {}
    }
    if dunder == "__trunc__" {
        return Err(PyErr::type_error(format!("type {} doesn't define __trunc__ method", x.type_name())));
    }
    let v = to_float(vm, &x)?;
    float_to_int(f(v))
}

fn floor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    rounding(vm, args, "floor", "__floor__", f64::floor)
}

fn ceil(vm: &mut Vm, args: Args) -> PyResult<Value> {
    rounding(vm, args, "ceil", "__ceil__", f64::ceil)
}

fn trunc(vm: &mut Vm, args: Args) -> PyResult<Value> {
    rounding(vm, args, "trunc", "__trunc__", f64::trunc)
}

fn sqrt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "sqrt", f64::sqrt, false)
}

fn exp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "exp", f64::exp, true)
}

fn exp2(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "exp2", f64::exp2, true)
}

fn expm1(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "expm1", f64::exp_m1, true)
}

fn log1p(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "log1p")?;
    let x = to_float(vm, &x)?;
    if x <= -1.0 {
        return Err(domain());
    }
    Ok(Value::Float(x.ln_1p()))
}

fn fabs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "fabs", f64::abs, false)
}

fn cbrt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "cbrt", f64::cbrt, false)
}

fn sin(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "sin", f64::sin, false)
}

fn cos(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "cos", f64::cos, false)
}

fn tan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "tan", f64::tan, false)
}

fn asin(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "asin", f64::asin, false)
}

fn acos(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "acos", f64::acos, false)
}

fn atan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "atan", f64::atan, false)
}

fn sinh(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "sinh", f64::sinh, true)
}

fn cosh(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "cosh", f64::cosh, true)
}

fn tanh(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "tanh", f64::tanh, false)
}

fn asinh(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "asinh", f64::asinh, false)
}

fn acosh(vm: &mut Vm, args: Args) -> PyResult<Value> {
    math_1(vm, args, "acosh", f64::acosh, false)
}

fn atanh(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "atanh")?;
    let x = to_float(vm, &x)?;
    if x.abs() >= 1.0 {
        return Err(domain());
    }
    Ok(Value::Float(x.atanh()))
}

fn degrees(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "degrees")?;
    let x = to_float(vm, &x)?;
    Ok(Value::Float(x * (180.0 / std::f64::consts::PI)))
}

fn radians(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "radians")?;
    let x = to_float(vm, &x)?;
    Ok(Value::Float(x * (std::f64::consts::PI / 180.0)))
}

fn atan2(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (y, x) = two_args(args, "atan2")?;
    let (y, x) = (to_float(vm, &y)?, to_float(vm, &x)?);
    Ok(Value::Float(y.atan2(x)))
}

fn isqrt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = one_arg(args, "isqrt")?;
    let n = to_int(vm, &n)?;
    if n.is_negative() {
        return Err(PyErr::value_error("isqrt() argument must be nonnegative"));
    }
    Ok(Value::from_bigint(n.sqrt()))
}

/// `loghelper`: ints too big for a float still have a logarithm.
fn log_of(vm: &mut Vm, x: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if let Value::BigInt(b) = x {
        if !b.is_positive() {
            return Err(domain());
        }
        if b.to_f64().is_none_or(|v| v.is_infinite()) {
            let bits = b.bits();
            let shift = bits.saturating_sub(60);
            let top = (&**b >> shift).to_f64().unwrap_or(1.0);
            let m = top / 2f64.powi(60);
            let e = (shift + 60) as f64;
            return Ok(f(m) + f(2.0) * e);
        }
    }
    let v = to_float(vm, x)?;
    if v.is_nan() {
        return Ok(v);
    }
    if v <= 0.0 {
        return Err(domain());
    }
    Ok(f(v))
}

fn log(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("log")?;
    let n = args.pos.len();
    if n == 0 || n > 2 {
        return Err(PyErr::type_error(format!(
            "log expected {} argument{}, got {n}",
            if n == 0 { "at least 1" } else { "at most 2" },
            if n == 0 { "" } else { "s" }
        )));
    }
    let num = log_of(vm, &args.pos[0], f64::ln)?;
    if n == 2 {
        let den = log_of(vm, &args.pos[1], f64::ln)?;
        if den == 0.0 {
            return Err(PyErr::zero_division("float division by zero"));
        }
        return Ok(Value::Float(num / den));
    }
    Ok(Value::Float(num))
}

fn log2(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "log2")?;
    Ok(Value::Float(log_of(vm, &x, f64::log2)?))
}

fn log10(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "log10")?;
    Ok(Value::Float(log_of(vm, &x, f64::log10)?))
}

fn pow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_args(args, "pow")?;
    let (x, y) = (to_float(vm, &x)?, to_float(vm, &y)?);
    // C99 Annex F special cases, as `math_pow` lists them.
    if !x.is_finite() || !y.is_finite() {
        let r = if x.is_nan() {
            if y == 0.0 { 1.0 } else { x }
        } else if y.is_nan() {
            if x == 1.0 { 1.0 } else { y }
        } else {
            x.powf(y)
        };
        return Ok(Value::Float(r));
    }
    if x == 0.0 && y < 0.0 {
        return Err(domain());
    }
    if x < 0.0 && y.fract() != 0.0 {
        return Err(domain());
    }
    let r = x.powf(y);
    if r.is_infinite() {
        return Err(range());
    }
    Ok(Value::Float(r))
}

fn fmod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_args(args, "fmod")?;
    let (x, y) = (to_float(vm, &x)?, to_float(vm, &y)?);
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain());
    }
    Ok(Value::Float(r))
}

fn remainder(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_args(args, "remainder")?;
    let (x, y) = (to_float(vm, &x)?, to_float(vm, &y)?);
    if x.is_nan() || y.is_nan() {
        return Ok(Value::Float(f64::NAN));
    }
    if x.is_infinite() || y == 0.0 {
        return Err(domain());
    }
    if y.is_infinite() {
        return Ok(Value::Float(x));
    }
    // `m_remainder`: exact, with ties to even.
    let absx = x.abs();
    let absy = y.abs();
    let m = absx % absy;
    let c = absy - m;
    let r = if m < c {
        m
    } else if m > c {
        -c
    } else {
        // Half-way: choose the even multiple.
        m - 2.0 * ((0.5 * (absx - m)) % absy)
    };
    Ok(Value::Float(1.0f64.copysign(x) * r))
}

fn modf(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "modf")?;
    let x = to_float(vm, &x)?;
    if x.is_infinite() {
        return Ok(Value::tuple(vec![Value::Float(0.0f64.copysign(x)), Value::Float(x)]));
    }
    let i = x.trunc();
    let f = (x - i).copysign(x);
    Ok(Value::tuple(vec![Value::Float(f), Value::Float(i)]))
}

fn frexp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "frexp")?;
    let x = to_float(vm, &x)?;
    let (m, e) = frexp_f(x);
    Ok(Value::tuple(vec![Value::Float(m), Value::Int(e as i64)]))
}

fn frexp_f(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp_f(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, e)
}

fn ldexp_f(x: f64, e: i64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = e.clamp(-2200, 2200) as i32;
    // Multiply in steps so that neither factor overflows or underflows early.
    let mut r = x;
    let mut left = e;
    while left > 1000 {
        r *= 2f64.powi(1000);
        left -= 1000;
    }
    while left < -1000 {
        r *= 2f64.powi(-1000);
        left += 1000;
    }
    r * 2f64.powi(left)
}

fn ldexp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, i) = two_args(args, "ldexp")?;
    let x = to_float(vm, &x)?;
    let e = match &i {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Instance(_) => to_int(vm, &i)?,
        _ => return Err(PyErr::type_error("Expected an int as second argument to ldexp.")),
    };
    let e = e.to_i64().unwrap_or(if e.is_negative() { i64::MIN } else { i64::MAX });
    let r = ldexp_f(x, e);
    if r.is_infinite() && x.is_finite() {
        return Err(range());
    }
    Ok(Value::Float(r))
}

fn copysign(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_args(args, "copysign")?;
    let (x, y) = (to_float(vm, &x)?, to_float(vm, &y)?);
    Ok(Value::Float(x.copysign(y)))
}

fn nextafter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_args(args, "nextafter")?;
    let (x, y) = (to_float(vm, &x)?, to_float(vm, &y)?);
    Ok(Value::Float(next_after(x, y)))
}

fn next_after(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return f64::from_bits(1).copysign(y);
    }
    let bits = x.to_bits();
    let up = (y > x) == (x > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

fn ulp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "ulp")?;
    let x = to_float(vm, &x)?.abs();
    if x.is_nan() || x.is_infinite() {
        return Ok(Value::Float(x));
    }
    let x2 = next_after(x, f64::INFINITY);
    if x2.is_infinite() {
        let x0 = next_after(x, 0.0);
        return Ok(Value::Float(x - x0));
    }
    Ok(Value::Float(x2 - x))
}

// ------------------------------------------------------------ vector norms

fn dl_mul(x: f64, y: f64) -> (f64, f64) {
    let z = x * y;
    (z, x.mul_add(y, -z))
}

fn dl_fast_sum(a: f64, b: f64) -> (f64, f64) {
    let x = a + b;
    let z = x - a;
    (x, b - z)
}

/// `vector_norm` of mathmodule.c (3.11): a correctly rounded Euclidean norm.
fn vector_norm(vec: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let (_, max_e) = frexp_f(max);
    if max_e < -1023 {
        for v in vec.iter_mut() {
            *v /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(vec, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = ldexp_f(1.0, -(max_e as i64));
    let mut csum = 1.0;
    let mut frac1 = 0.0;
    let mut frac2 = 0.0;
    for &v in vec.iter() {
        let x = v * scale;
        let (hi, lo) = dl_mul(x, x);
        let (shi, slo) = dl_fast_sum(csum, hi);
        csum = shi;
        frac1 += lo;
        frac2 += slo;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let (phi, plo) = dl_mul(-h, h);
    let (shi, slo) = dl_fast_sum(csum, phi);
    csum = shi;
    frac1 += plo;
    frac2 += slo;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

fn hypot(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("hypot")?;
    let mut v = Vec::with_capacity(args.pos.len());
    let mut max = 0.0f64;
    let mut nan = false;
    for a in args.pos.iter() {
        vm.tick()?;
        let x = to_float(vm, a)?.abs();
        nan |= x.is_nan();
        if x > max {
            max = x;
        }
        v.push(x);
    }
    Ok(Value::Float(vector_norm(&mut v, max, nan)))
}

fn dist(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (p, q) = two_args(args, "dist")?;
    let is_seq = |v: &Value| matches!(v, Value::Tuple(_) | Value::List(_));
    if !is_seq(&p) || !is_seq(&q) {
        let bad = if is_seq(&p) { &q } else { &p };
        return Err(PyErr::type_error(format!(
            "dist(): argument {} must be tuple, not {}",
            if is_seq(&p) { 2 } else { 1 },
            bad.type_name()
        )));
    }
    let p = vm.collect(&p)?;
    let q = vm.collect(&q)?;
    if p.len() != q.len() {
        return Err(PyErr::value_error("both points must have the same number of dimensions"));
    }
    let mut v = Vec::with_capacity(p.len());
    let mut max = 0.0f64;
    let mut nan = false;
    for (a, b) in p.iter().zip(q.iter()) {
        vm.tick()?;
        let x = (to_float(vm, a)? - to_float(vm, b)?).abs();
        nan |= x.is_nan();
        if x > max {
            max = x;
        }
        v.push(x);
    }
    Ok(Value::Float(vector_norm(&mut v, max, nan)))
}

// ------------------------------------------------------------ integers

fn gcd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("gcd")?;
    let mut g = BigInt::zero();
    for a in args.pos.iter() {
        vm.tick()?;
        let n = to_int(vm, a)?;
        g = g.gcd(&n);
    }
    Ok(Value::from_bigint(g))
}

fn lcm(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("lcm")?;
    let mut l = BigInt::one();
    for a in args.pos.iter() {
        vm.tick()?;
        let n = to_int(vm, a)?;
        if l.is_zero() {
            continue;
        }
        if n.is_zero() {
            l = BigInt::zero();
            continue;
        }
        vm.check_alloc(((l.bits() + n.bits()) / 8) as u128)?;
        l = l.lcm(&n);
    }
    Ok(Value::from_bigint(l.abs()))
}

/// Estimated bits of n! (Stirling), to refuse results past the memory budget.
fn factorial_bits(n: f64) -> f64 {
    if n < 2.0 {
        return 1.0;
    }
    n * n.log2() - n * std::f64::consts::LOG2_E + 1.0
}

/// The product lo * (lo+1) * ... * hi, split in halves so big products stay fast.
fn range_product(vm: &mut Vm, lo: u64, hi: u64) -> PyResult<BigInt> {
    if lo > hi {
        return Ok(BigInt::one());
    }
    if hi - lo < 16 {
        let mut r = BigInt::one();
        for k in lo..=hi {
            r *= k;
        }
        vm.tick()?;
        return Ok(r);
    }
    let mid = lo + (hi - lo) / 2;
    let a = range_product(vm, lo, mid)?;
    let b = range_product(vm, mid + 1, hi)?;
    Ok(a * b)
}

fn factorial(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "factorial")?;
    if let Value::Float(_) = x {
        return Err(not_integer(&x));
    }
    let n = to_int(vm, &x)?;
    if n.is_negative() {
        return Err(PyErr::value_error("factorial() not defined for negative values"));
    }
    let Some(n) = n.to_u64() else {
        return Err(PyErr::overflow("factorial() argument should not exceed 9223372036854775807"));
    };
    vm.check_alloc((factorial_bits(n as f64) / 8.0) as u128)?;
    Ok(Value::from_bigint(range_product(vm, 2, n)?))
}

fn nonneg(vm: &mut Vm, v: &Value, what: &str) -> PyResult<BigInt> {
    let n = to_int(vm, v)?;
    if n.is_negative() {
        return Err(PyErr::value_error(format!("{what} must be a non-negative integer")));
    }
    Ok(n)
}

fn comb(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (n, k) = two_args(args, "comb")?;
    let n = nonneg(vm, &n, "n")?;
    let k = nonneg(vm, &k, "k")?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = std::cmp::min(k.clone(), &n - &k);
    let Some(k) = k.to_u64() else {
        return Err(PyErr::overflow(format!("min(n - k, k) must not exceed {}", i64::MAX)));
    };
    let nbits = n.bits() as f64;
    vm.check_alloc((nbits * k as f64 / 8.0) as u128)?;
    let mut r = BigInt::one();
    for i in 0..k {
        vm.tick()?;
        r = r * (&n - i) / (i + 1);
    }
    Ok(Value::from_bigint(r))
}

fn perm(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("perm")?;
    let nargs = args.pos.len();
    if nargs == 0 || nargs > 2 {
        return Err(PyErr::type_error(format!(
            "perm expected {} argument{}, got {nargs}",
            if nargs == 0 { "at least 1" } else { "at most 2" },
            if nargs == 0 { "" } else { "s" }
        )));
    }
    let n = nonneg(vm, &args.pos[0], "n")?;
    let k = match args.pos.get(1) {
        Some(k) if !k.is_none() => nonneg(vm, k, "k")?,
        _ => n.clone(),
    };
    if k > n {
        return Ok(Value::Int(0));
    }
    let Some(k) = k.to_u64() else {
        return Err(PyErr::overflow(format!("k must not exceed {}", i64::MAX)));
    };
    vm.check_alloc((n.bits() as f64 * k as f64 / 8.0) as u128)?;
    let mut r = BigInt::one();
    for i in 0..k {
        if i & 15 == 0 {
            vm.tick()?;
        }
        r *= &n - i;
    }
    Ok(Value::from_bigint(r))
}

fn prod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut start = Value::Int(1);
    for (k, v) in args.kw.iter() {
        if &**k == "start" {
            start = v.clone();
        } else {
            return Err(PyErr::type_error(format!("prod() got an unexpected keyword argument '{k}'")));
        }
    }
    if args.pos.len() != 1 {
        return Err(PyErr::type_error(format!(
            "prod() takes exactly 1 positional argument ({} given)",
            args.pos.len()
        )));
    }
    let it = vm.iter(&args.pos[0])?;
    let mut acc = start;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        acc = vm.binary_op(&acc, &x, BinOp::Mult)?;
    }
    Ok(acc)
}

fn fsum(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "fsum")?;
    let it = vm.iter(&x)?;
    let mut p: Vec<f64> = Vec::new();
    let mut special = 0.0f64;
    let mut inf_sum = 0.0f64;
    while let Some(item) = vm.next(&it)? {
        vm.tick()?;
        let mut x = to_float(vm, &item)?;
        let xsave = x;
        let mut i = 0;
        for j in 0..p.len() {
            let mut y = p[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let yr = hi - x;
            let lo = y - yr;
            if lo != 0.0 {
                p[i] = lo;
                i += 1;
            }
            x = hi;
        }
        p.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                if xsave.is_finite() {
                    return Err(PyErr::overflow("intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special += xsave;
                p.clear();
            } else {
                p.push(x);
            }
        }
    }
    if special != 0.0 {
        if inf_sum.is_nan() {
            return Err(PyErr::value_error("-inf + inf in fsum"));
        }
        return Ok(Value::Float(special));
    }
    let mut hi = 0.0;
    let mut n = p.len();
    if n > 0 {
        n -= 1;
        hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(Value::Float(hi))
}

fn isclose(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() > 2 {
        return Err(PyErr::type_error(format!(
            "isclose() takes exactly 2 positional arguments ({} given)",
            args.pos.len()
        )));
    }
    let [a, b, rel_tol, abs_tol] = args.bind("isclose", ["a", "b", "rel_tol", "abs_tol"], 2, 2)?;
    let a = to_float(vm, &a.unwrap_or(Value::None))?;
    let b = to_float(vm, &b.unwrap_or(Value::None))?;
    let rel = match rel_tol {
        Some(v) => to_float(vm, &v)?,
        None => 1e-9,
    };
    let abs = match abs_tol {
        Some(v) => to_float(vm, &v)?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return Err(PyErr::value_error("tolerances must be non-negative"));
    }
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(diff <= (rel * b).abs() || diff <= (rel * a).abs() || diff <= abs))
}

fn isfinite(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "isfinite")?;
    Ok(Value::Bool(to_float(vm, &x)?.is_finite()))
}

fn isinf(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "isinf")?;
    Ok(Value::Bool(to_float(vm, &x)?.is_infinite()))
}

fn isnan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(args, "isnan")?;
    Ok(Value::Bool(to_float(vm, &x)?.is_nan()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_norm_matches_cpython_digits() {
        let mut v = vec![1.1, 2.2, 3.3];
        assert_eq!(vector_norm(&mut v, 3.3, false), 4.115823125451335);
        let mut w = vec![3.0, 4.0];
        assert_eq!(vector_norm(&mut w, 4.0, false), 5.0);
    }

    #[test]
    fn frexp_and_ldexp_round_trip() {
        assert_eq!(frexp_f(8.0), (0.5, 4));
        assert_eq!(ldexp_f(0.5, 4), 8.0);
        assert_eq!(frexp_f(-3.0), (-0.75, 2));
    }
}
