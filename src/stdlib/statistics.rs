//! `statistics`: CPython 3.11's algorithms, with its exact rational `_sum`/`_ss` (so
//! results round once, as CPython's do), StatisticsError and its messages.
//! Arithmetic that CPython does in Python on the data (`(a + b) / 2` in median,
//! the interpolation of quantiles) goes through the machine's operators.

use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::helpers_c::*;
use crate::syntax::ast::BinOp;
use crate::values::*;
use crate::vm::Vm;

/// An exact fraction, denominator > 0, in lowest terms.
#[derive(Clone, Debug)]
pub struct Frac {
    pub n: BigInt,
    pub d: BigInt,
}

impl Frac {
    pub fn new(n: BigInt, d: BigInt) -> Frac {
        let (n, d) = if d.is_negative() { (-n, -d) } else { (n, d) };
        let g = n.gcd(&d);
        if g.is_zero() || g.is_one() {
            return Frac { n, d };
        }
        Frac { n: n / &g, d: d / g }
    }
    pub fn zero() -> Frac {
        Frac { n: BigInt::zero(), d: BigInt::one() }
    }
    pub fn int(i: i64) -> Frac {
        Frac { n: BigInt::from(i), d: BigInt::one() }
    }
    pub fn add(&self, o: &Frac) -> Frac {
        if self.d == o.d {
            return Frac::new(&self.n + &o.n, self.d.clone());
        }
        Frac::new(&self.n * &o.d + &o.n * &self.d, &self.d * &o.d)
    }
    pub fn sub(&self, o: &Frac) -> Frac {
        Frac::new(&self.n * &o.d - &o.n * &self.d, &self.d * &o.d)
    }
    pub fn mul(&self, o: &Frac) -> Frac {
        Frac::new(&self.n * &o.n, &self.d * &o.d)
    }
    pub fn div(&self, o: &Frac) -> Frac {
        Frac::new(&self.n * &o.d, &self.d * &o.n)
    }
    pub fn to_f64(&self) -> f64 {
        ratio_to_f64(&self.n, &self.d)
    }
}

fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// n/d correctly rounded to the nearest float, ties to even (d > 0).
pub fn ratio_to_f64(n: &BigInt, d: &BigInt) -> f64 {
    if n.is_zero() {
        return 0.0;
    }
    let neg = n.is_negative();
    let a = n.abs();
    let b = d.abs();
    // Scale so the integer quotient has 55 or 56 bits.
    let shift: i64 = 55 - (a.bits() as i64 - b.bits() as i64);
    let (q, r) = if shift >= 0 { (&a << shift as usize).div_rem(&b) } else { a.div_rem(&(&b << (-shift) as usize)) };
    let sticky = !r.is_zero();
    let q = q.to_u64().unwrap_or(u64::MAX);
    let bits = 64 - q.leading_zeros() as i64;
    let exp = bits - 1 - shift;
    if exp > 1023 {
        return if neg { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let mut extra = bits - 53;
    if exp < -1022 {
        extra += -1022 - exp;
    }
    if extra >= 64 {
        return if neg { -0.0 } else { 0.0 };
    }
    let mut mant = q >> extra;
    let rem = q & ((1u64 << extra) - 1);
    let half = 1u64 << (extra - 1);
    if rem > half || (rem == half && (sticky || mant & 1 == 1)) {
        mant += 1;
    }
    let v = ldexp(mant as f64, extra - shift);
    if neg { -v } else { v }
}

pub fn float_frac(f: f64) -> Frac {
    let bits = f.to_bits();
    let neg = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, e) = if exp == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp - 1075) };
    let mut n = BigInt::from(mant);
    if neg {
        n = -n;
    }
    if e >= 0 {
        Frac::new(n << e as usize, BigInt::one())
    } else {
        Frac::new(n, BigInt::one() << (-e) as usize)
    }
}

#[derive(Clone)]
enum T {
    Int,
    Float,
    Other(Rc<Class>),
}

fn coerce(a: T, b: T, vm: &Vm) -> PyResult<T> {
    Ok(match (a, b) {
        (T::Int, x) | (x, T::Int) => x,
        (T::Float, T::Float) => T::Float,
        (T::Float, T::Other(_)) | (T::Other(_), T::Float) => T::Float,
        (T::Other(x), T::Other(y)) => {
            if x.is_subclass(&y) {
                T::Other(x)
            } else if y.is_subclass(&x) {
                T::Other(y)
            } else {
                let _ = vm;
                return Err(PyErr::type_error(format!("don't know how to coerce {} and {}", x.name, y.name)));
            }
        }
    })
}

/// One data point: its exact value (`None` for inf/nan) and its type.
fn exact(vm: &mut Vm, v: &Value) -> PyResult<(Option<Frac>, f64, T)> {
    match v {
        Value::Int(i) => Ok((Some(Frac::int(*i)), *i as f64, T::Int)),
        Value::Bool(b) => Ok((Some(Frac::int(*b as i64)), *b as i64 as f64, T::Int)),
        Value::BigInt(b) => Ok((Some(Frac { n: (**b).clone(), d: BigInt::one() }), b.to_f64().unwrap_or(f64::INFINITY), T::Int)),
        Value::Float(f) => {
            if f.is_finite() {
                Ok((Some(float_frac(*f)), *f, T::Float))
            } else {
                Ok((None, *f, T::Float))
            }
        }
        Value::Instance(i) if i.base.borrow().as_ref().is_some_and(|b| matches!(b, Value::Int(_) | Value::BigInt(_) | Value::Float(_))) => {
            let base = i.base.borrow().clone().unwrap_or(Value::None);
            exact(vm, &base)
        }
        _ => {
            let ratio = vm.getattr(v, "as_integer_ratio").map_err(|_| {
                PyErr::type_error(format!("can't convert type '{}' to numerator/denominator", v.type_name()))
            })?;
            let r = vm.call0(&ratio)?;
            let items = vm.collect(&r)?;
            if items.len() != 2 {
                return Err(PyErr::type_error("as_integer_ratio() must return a pair"));
            }
            let (n, d) = (to_big(vm, &items[0])?, to_big(vm, &items[1])?);
            let fr = Frac::new(n, d);
            let f = fr.to_f64();
            Ok((Some(fr), f, T::Other(vm.type_of(v))))
        }
    }
}

/// `_sum`: (type, exact total or the non-finite float, count).
fn sum(vm: &mut Vm, data: &[Value]) -> PyResult<(T, Result<Frac, f64>, usize)> {
    let mut t = T::Int;
    let mut total = Frac::zero();
    let mut special: Option<f64> = None;
    for v in data {
        vm.tick()?;
        let (fr, f, ty) = exact(vm, v)?;
        t = coerce(t, ty, vm)?;
        match fr {
            Some(fr) => total = total.add(&fr),
            None => special = Some(special.map_or(f, |s| s + f)),
        }
    }
    Ok((t, special.map_or(Ok(total), Err), data.len()))
}

fn convert(vm: &mut Vm, v: Result<Frac, f64>, t: &T) -> PyResult<Value> {
    let fr = match v {
        Err(f) => return Ok(Value::Float(f)),
        Ok(fr) => fr,
    };
    match t {
        T::Int if fr.d.is_one() => Ok(Value::from_bigint(fr.n)),
        T::Int | T::Float => Ok(Value::Float(fr.to_f64())),
        // `_convert`: `T(value)` fails for Decimal, which becomes
        // `T(value.numerator) / value.denominator` (rounded by the context).
        T::Other(c) if is_decimal(c) => {
            let cv = Value::Class(c.clone());
            let num = vm.call(&cv, Args::new([Value::from_bigint(fr.n)]))?;
            vm.binary_op(&num, &Value::from_bigint(fr.d), BinOp::Div)
        }
        T::Other(c) => {
            let c = Value::Class(c.clone());
            vm.call(&c, Args::new([Value::from_bigint(fr.n), Value::from_bigint(fr.d)]))
        }
    }
}

fn is_decimal(c: &Rc<Class>) -> bool {
    c.mro_with_self().any(|k| &*k.name == "Decimal" && &*k.module == "decimal")
}

/// `_decimal_sqrt_of_frac`: sqrt(n/m) as a Decimal of class `c`, correctly
/// rounded (the context's sqrt, then a step up or down when that is nearer).
fn decimal_sqrt_of_frac(vm: &mut Vm, c: &Rc<Class>, f: &Frac) -> PyResult<Value> {
    let cv = Value::Class(c.clone());
    let (mut n, mut m) = (f.n.clone(), f.d.clone());
    if !n.is_positive() {
        if n.is_zero() {
            return vm.call(&cv, Args::new([Value::str("0.0")]));
        }
        n = -n;
        m = -m;
    }
    let dn = vm.call(&cv, Args::new([Value::from_bigint(n.clone())]))?;
    let dm = vm.call(&cv, Args::new([Value::from_bigint(m.clone())]))?;
    let q = vm.binary_op(&dn, &dm, BinOp::Div)?;
    let sq = vm.getattr(&q, "sqrt")?;
    let root = vm.call0(&sq)?;
    let ratio = |vm: &mut Vm, d: &Value| -> PyResult<(BigInt, BigInt)> {
        let f = vm.getattr(d, "as_integer_ratio")?;
        let r = vm.call0(&f)?;
        let items = vm.collect(&r)?;
        match items.as_slice() {
            [a, b] => Ok((to_big(vm, a)?, to_big(vm, b)?)),
            _ => Err(PyErr::type_error("as_integer_ratio() must return a pair")),
        }
    };
    let (nr, dr) = ratio(vm, &root)?;
    let np_m = vm.getattr(&root, "next_plus")?;
    let plus = vm.call0(&np_m)?;
    let (np, dp) = ratio(vm, &plus)?;
    let four_n = BigInt::from(4) * &n;
    let lhs = &four_n * num_traits::pow(&dr * &dp, 2);
    let rhs = &m * num_traits::pow(&dr * &np + &dp * &nr, 2);
    if lhs > rhs {
        return Ok(plus);
    }
    let nm_m = vm.getattr(&root, "next_minus")?;
    let minus = vm.call0(&nm_m)?;
    let (nm, dm2) = ratio(vm, &minus)?;
    let lhs = &four_n * num_traits::pow(&dr * &dm2, 2);
    let rhs = &m * num_traits::pow(&dr * &nm + &dm2 * &nr, 2);
    if lhs < rhs {
        return Ok(minus);
    }
    Ok(root)
}

/// A class this module made at import (its per-session state).
fn module_attr(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let m = vm.modules.borrow().iter().find(|(n, _)| &**n == "statistics").map(|(_, m)| m.clone());
    if let Some(Value::Module(m)) = m
        && let Some(c @ Value::Class(_)) = m.attrs.borrow().get(name)
    {
        return Ok(c.clone());
    }
    Err(PyErr::runtime_error("statistics module state is missing"))
}

fn err_cls(vm: &mut Vm) -> PyResult<Rc<Class>> {
    match module_attr(vm, "StatisticsError")? {
        Value::Class(c) => Ok(c),
        _ => Err(PyErr::runtime_error("statistics module state is missing")),
    }
}

/// StatisticsError, for `normaldist`.
pub(super) fn statistics_error(vm: &mut Vm) -> PyResult<Rc<Class>> {
    err_cls(vm)
}

/// `statistics.mean(data)` or `stdev(data)`, for `NormalDist.from_samples`.
pub(super) fn call_native(vm: &mut Vm, name: &str, data: Value) -> PyResult<Value> {
    let f: NativeFn = if name == "mean" { mean } else { stdev };
    f(vm, Args::new([data]))
}

fn serr(vm: &mut Vm, msg: &str) -> PyErr {
    match err_cls(vm) {
        Ok(c) => raise_cls(&c, msg),
        Err(e) => e,
    }
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let err = exc_class(vm, "StatisticsError", "statistics", ExcKind::ValueError)?;
    let list: &[(&str, NativeFn)] = &[
        ("mean", mean),
        ("fmean", fmean),
        ("median", median),
        ("median_low", median_low),
        ("median_high", median_high),
        ("median_grouped", median_grouped),
        ("mode", mode),
        ("multimode", multimode),
        ("variance", variance),
        ("pvariance", pvariance),
        ("stdev", stdev),
        ("pstdev", pstdev),
        ("quantiles", quantiles),
        ("harmonic_mean", harmonic_mean),
        ("geometric_mean", geometric_mean),
        ("covariance", covariance),
        ("correlation", correlation),
        ("linear_regression", linear_regression),
    ];
    let mut attrs = Attrs::default();
    for (n, f) in list {
        attrs.insert((*n).into(), builtin(n, *f));
    }
    attrs.insert("StatisticsError".into(), Value::Class(err));
    let fields = vec!["slope".to_owned(), "intercept".to_owned()];
    let lr = super::collections::make_namedtuple_class(vm, "LinearRegression", &fields, Vec::new(), "statistics")?;
    attrs.insert("LinearRegression".into(), Value::Class(lr));
    attrs.insert("NormalDist".into(), Value::Class(super::normaldist::class(vm)?));
    Ok(super::helpers_c::module("statistics", attrs))
}

fn data_arg(vm: &mut Vm, args: Args, fname: &str) -> PyResult<Vec<Value>> {
    let [data] = args.bind(fname, ["data"], 0, 1)?;
    vm.collect(&data.unwrap_or(Value::None))
}

fn mean(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "mean")?;
    let (t, total, n) = sum(vm, &data)?;
    if n < 1 {
        return Err(serr(vm, "mean requires at least one data point"));
    }
    let v = total.map(|f| f.div(&Frac::int(n as i64))).map_err(|f| f / n as f64);
    convert(vm, v, &t)
}

/// math.fsum: the correctly rounded sum.
fn fsum(vm: &mut Vm, data: &[Value]) -> PyResult<f64> {
    let mut total = Frac::zero();
    let mut special: Option<f64> = None;
    let mut saw_nan = false;
    for v in data {
        vm.tick()?;
        let f = to_float(vm, v)?;
        if f.is_finite() {
            total = total.add(&float_frac(f));
        } else {
            saw_nan |= f.is_nan();
            special = Some(special.map_or(f, |s| s + f));
        }
    }
    if let Some(s) = special {
        if s.is_nan() && !saw_nan {
            return Err(PyErr::value_error("-inf + inf in fsum"));
        }
        return Ok(s);
    }
    let r = total.to_f64();
    if r.is_infinite() {
        return Err(PyErr::overflow("intermediate overflow in fsum"));
    }
    Ok(r)
}

fn fmean(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, weights] = args.bind("fmean", ["data", "weights"], 0, 1)?;
    let data = vm.collect(&data.unwrap_or(Value::None))?;
    match weights.filter(|w| !w.is_none()) {
        None => {
            let total = fsum(vm, &data)?;
            if data.is_empty() {
                return Err(serr(vm, "fmean requires at least one data point"));
            }
            Ok(Value::Float(total / data.len() as f64))
        }
        Some(w) => {
            let w = vm.collect(&w)?;
            let mut prods = Vec::with_capacity(data.len());
            for (x, y) in data.iter().zip(&w) {
                prods.push(vm.binary_op(x, y, BinOp::Mult)?);
            }
            let num = fsum(vm, &prods)?;
            if data.len() != w.len() {
                return Err(serr(vm, "data and weights must be the same length"));
            }
            let den = fsum(vm, &w)?;
            if den == 0.0 {
                return Err(serr(vm, "sum of weights must be non-zero"));
            }
            Ok(Value::Float(num / den))
        }
    }
}

fn sorted(vm: &mut Vm, data: Vec<Value>) -> PyResult<Vec<Value>> {
    let f = vm.builtins.attrs.borrow().get("sorted").cloned();
    let Some(f) = f else { return Err(PyErr::runtime_error("sorted is missing")) };
    let r = vm.call1(&f, Value::list(data))?;
    vm.collect(&r)
}

fn median(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "median")?;
    let data = sorted(vm, data)?;
    let n = data.len();
    if n == 0 {
        return Err(serr(vm, "no median for empty data"));
    }
    if n % 2 == 1 {
        return Ok(data[n / 2].clone());
    }
    let s = vm.binary_op(&data[n / 2 - 1], &data[n / 2], BinOp::Add)?;
    vm.binary_op(&s, &Value::Int(2), BinOp::Div)
}

fn median_low(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "median_low")?;
    let data = sorted(vm, data)?;
    let n = data.len();
    if n == 0 {
        return Err(serr(vm, "no median for empty data"));
    }
    Ok(if n % 2 == 1 { data[n / 2].clone() } else { data[n / 2 - 1].clone() })
}

fn median_high(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "median_high")?;
    let data = sorted(vm, data)?;
    let n = data.len();
    if n == 0 {
        return Err(serr(vm, "no median for empty data"));
    }
    Ok(data[n / 2].clone())
}

/// `float(v)`, through the builtin so that `__float__` and str parsing apply.
fn as_float(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    let f = vm.builtins.attrs.borrow().get("float").cloned();
    let Some(f) = f else { return Err(PyErr::runtime_error("float is missing")) };
    match vm.call1(&f, v.clone()) {
        Ok(Value::Float(x)) => Ok(x),
        Ok(_) => Err(PyErr::type_error("float() returned a non-float")),
        Err(e) if vm.err_is(&e, ExcKind::ValueError) => Err(PyErr::type_error("Value cannot be converted to a float")),
        Err(e) => Err(e),
    }
}

/// 3.11's median_grouped: the midpoint's class interval, interpolated.
fn median_grouped(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, interval] = args.bind("median_grouped", ["data", "interval"], 0, 1)?;
    let data = vm.collect(&data.unwrap_or(Value::None))?;
    let data = sorted(vm, data)?;
    let n = data.len();
    if n == 0 {
        return Err(serr(vm, "no median for empty data"));
    }
    let x = data[n / 2].clone();
    // bisect_left, then bisect_right from there.
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if vm.lt(&data[mid], &x)? {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let i = lo;
    hi = n;
    while lo < hi {
        let mid = (lo + hi) / 2;
        if vm.lt(&x, &data[mid])? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let j = lo;
    let interval = as_float(vm, &interval.unwrap_or(Value::Int(1)))?;
    let x = as_float(vm, &x)?;
    let l = x - interval / 2.0;
    Ok(Value::Float(l + interval * (n as f64 / 2.0 - i as f64) / (j - i) as f64))
}

/// (value, count) in first-seen order.
fn counts(vm: &mut Vm, data: &[Value]) -> PyResult<Vec<(Value, i64)>> {
    let d = Rc::new(std::cell::RefCell::new(PyDict::new()));
    let mut order: Vec<Value> = Vec::new();
    for v in data {
        vm.tick()?;
        match vm.dict_get(&d, v)? {
            Some(Value::Int(c)) => vm.dict_set(&d, v.clone(), Value::Int(c + 1))?,
            _ => {
                order.push(v.clone());
                vm.dict_set(&d, v.clone(), Value::Int(1))?;
            }
        }
    }
    let mut out = Vec::with_capacity(order.len());
    for k in order {
        let c = match vm.dict_get(&d, &k)? {
            Some(Value::Int(c)) => c,
            _ => 0,
        };
        out.push((k, c));
    }
    Ok(out)
}

fn mode(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "mode")?;
    let c = counts(vm, &data)?;
    let mut best: Option<(Value, i64)> = None;
    for (v, n) in c {
        if best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((v, n));
        }
    }
    match best {
        Some((v, _)) => Ok(v),
        None => Err(serr(vm, "no mode for empty data")),
    }
}

fn multimode(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "multimode")?;
    let c = counts(vm, &data)?;
    let max = c.iter().map(|(_, n)| *n).max().unwrap_or(0);
    Ok(Value::list(c.into_iter().filter(|(_, n)| *n == max).map(|(v, _)| v).collect()))
}

/// `_ss`: (type, exact sum of squared deviations or non-finite float, count).
fn ss(vm: &mut Vm, data: &[Value], c: Option<Value>) -> PyResult<(T, Result<Frac, f64>, usize)> {
    if let Some(c) = c.filter(|c| !c.is_none()) {
        let mut sq = Vec::with_capacity(data.len());
        for x in data {
            let d = vm.binary_op(x, &c, BinOp::Sub)?;
            sq.push(vm.binary_op(&d, &d, BinOp::Mult)?);
        }
        return sum(vm, &sq);
    }
    let mut t = T::Int;
    let (mut sx, mut sxx) = (Frac::zero(), Frac::zero());
    let mut special = None;
    for v in data {
        vm.tick()?;
        let (fr, f, ty) = exact(vm, v)?;
        t = coerce(t, ty, vm)?;
        match fr {
            Some(fr) => {
                sxx = sxx.add(&fr.mul(&fr));
                sx = sx.add(&fr);
            }
            None => special = Some(special.map_or(f, |s: f64| s + f)),
        }
    }
    let n = data.len();
    if let Some(s) = special {
        return Ok((t, Err(s), n));
    }
    if n == 0 {
        return Ok((t, Ok(Frac::zero()), 0));
    }
    let cnt = Frac::int(n as i64);
    let ssd = cnt.mul(&sxx).sub(&sx.mul(&sx)).div(&cnt);
    Ok((t, Ok(ssd), n))
}

fn var_args(vm: &mut Vm, args: Args, fname: &str, second: &str) -> PyResult<(Vec<Value>, Option<Value>)> {
    let [data, c] = args.bind(fname, ["data", second], 0, 1)?;
    Ok((vm.collect(&data.unwrap_or(Value::None))?, c))
}

fn variance(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, c) = var_args(vm, args, "variance", "xbar")?;
    let (t, ssd, n) = ss(vm, &data, c)?;
    if n < 2 {
        return Err(serr(vm, "variance requires at least two data points"));
    }
    let v = ssd.map(|s| s.div(&Frac::int(n as i64 - 1))).map_err(|_| f64::NAN);
    convert(vm, v, &t)
}

fn pvariance(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, c) = var_args(vm, args, "pvariance", "mu")?;
    let (t, ssd, n) = ss(vm, &data, c)?;
    if n < 1 {
        return Err(serr(vm, "pvariance requires at least one data point"));
    }
    let v = ssd.map(|s| s.div(&Frac::int(n as i64))).map_err(|_| f64::NAN);
    convert(vm, v, &t)
}

/// `_float_sqrt_of_frac`: sqrt(n/m) correctly rounded.
fn sqrt_frac(f: &Frac) -> f64 {
    let (n, m) = (&f.n, &f.d);
    if n.is_negative() {
        return f64::NAN;
    }
    let rto = |n: &BigInt, m: &BigInt| -> BigInt {
        let a = (n / m).sqrt();
        if &(&a * &a * m) != n { a | BigInt::one() } else { a }
    };
    let q = Integer::div_floor(&(n.bits() as i64 - m.bits() as i64 - 109), &2);
    if q >= 0 {
        let num = rto(n, &(m << (2 * q) as usize)) << q as usize;
        ratio_to_f64(&num, &BigInt::one())
    } else {
        let num = rto(&(n << (-2 * q) as usize), m);
        ratio_to_f64(&num, &(BigInt::one() << (-q) as usize))
    }
}

fn stdev(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, c) = var_args(vm, args, "stdev", "xbar")?;
    let (t, ssd, n) = ss(vm, &data, c)?;
    if n < 2 {
        return Err(serr(vm, "stdev requires at least two data points"));
    }
    if let (T::Other(c), Ok(s)) = (&t, &ssd) {
        if is_decimal(c) {
            return decimal_sqrt_of_frac(vm, c, &s.div(&Frac::int(n as i64 - 1)));
        }
    }
    Ok(Value::Float(match ssd {
        Ok(s) => sqrt_frac(&s.div(&Frac::int(n as i64 - 1))),
        Err(_) => f64::NAN,
    }))
}

fn pstdev(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, c) = var_args(vm, args, "pstdev", "mu")?;
    let (t, ssd, n) = ss(vm, &data, c)?;
    if n < 1 {
        return Err(serr(vm, "pstdev requires at least one data point"));
    }
    if let (T::Other(c), Ok(s)) = (&t, &ssd) {
        if is_decimal(c) {
            return decimal_sqrt_of_frac(vm, c, &s.div(&Frac::int(n as i64)));
        }
    }
    Ok(Value::Float(match ssd {
        Ok(s) => sqrt_frac(&s.div(&Frac::int(n as i64))),
        Err(_) => f64::NAN,
    }))
}

fn quantiles(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = kwarg(&mut args, "n");
    let method = kwarg(&mut args, "method");
    let data = data_arg(vm, args, "quantiles")?;
    let n = match n {
        Some(v) => vm.index_of(&v)?,
        None => 4,
    };
    if n < 1 {
        return Err(serr(vm, "n must be at least 1"));
    }
    let data = sorted(vm, data)?;
    let ld = data.len() as i64;
    if ld < 2 {
        return Err(serr(vm, "must have at least two data points"));
    }
    let method = match &method {
        None => "exclusive".to_owned(),
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(other) => {
            let r = vm.repr(other)?;
            return Err(PyErr::value_error(format!("Unknown method: {r}")));
        }
    };
    let mut out = Vec::new();
    let interp = |vm: &mut Vm, a: &Value, b: &Value, n: i64, delta: i64| -> PyResult<Value> {
        let x = vm.binary_op(a, &Value::Int(n - delta), BinOp::Mult)?;
        let y = vm.binary_op(b, &Value::Int(delta), BinOp::Mult)?;
        let s = vm.binary_op(&x, &y, BinOp::Add)?;
        vm.binary_op(&s, &Value::Int(n), BinOp::Div)
    };
    match method.as_str() {
        "inclusive" => {
            let m = ld - 1;
            for i in 1..n {
                let (j, delta) = (i * m).div_mod_floor(&n);
                let (a, b) = (&data[j as usize], &data[(j as usize + 1).min(data.len() - 1)]);
                out.push(interp(vm, a, b, n, delta)?);
            }
        }
        "exclusive" => {
            let m = ld + 1;
            for i in 1..n {
                let j = Integer::div_floor(&(i * m), &n).clamp(1, ld - 1);
                let delta = i * m - j * n;
                out.push(interp(vm, &data[j as usize - 1], &data[j as usize], n, delta)?);
            }
        }
        _ => return Err(PyErr::value_error(format!("Unknown method: {}", vm.repr(&Value::string(method.clone()))?))),
    }
    Ok(Value::list(out))
}

fn harmonic_mean(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, weights] = args.bind("harmonic_mean", ["data", "weights"], 0, 1)?;
    let data = vm.collect(&data.unwrap_or(Value::None))?;
    let errmsg = "harmonic mean does not support negative values";
    let n = data.len();
    if n < 1 {
        return Err(serr(vm, "harmonic_mean requires at least one data point"));
    }
    let weights = weights.filter(|w| !w.is_none());
    if n == 1 && weights.is_none() {
        let x = &data[0];
        let (fr, f, _) = exact(vm, x)?;
        let neg = fr.map(|f| f.n.is_negative()).unwrap_or(f < 0.0);
        if neg {
            return Err(serr(vm, errmsg));
        }
        return Ok(x.clone());
    }
    let (weights, sum_weights) = match weights {
        None => (vec![Value::Int(1); n], Ok(Frac::int(n as i64))),
        Some(w) => {
            let w = vm.collect(&w)?;
            if w.len() != n {
                return Err(serr(vm, "Number of weights does not match data size"));
            }
            for x in &w {
                if vm.lt(x, &Value::Int(0))? {
                    return Err(serr(vm, errmsg));
                }
            }
            let (_, s, _) = sum(vm, &w)?;
            (w, s)
        }
    };
    let mut terms = Vec::with_capacity(n);
    for (w, x) in weights.iter().zip(&data) {
        if vm.lt(x, &Value::Int(0))? {
            return Err(serr(vm, errmsg));
        }
        if !vm.truthy(w)? {
            terms.push(Value::Int(0));
            continue;
        }
        match vm.binary_op(w, x, BinOp::Div) {
            Ok(v) => terms.push(v),
            Err(e) if vm.err_is(&e, ExcKind::ZeroDivisionError) => return Ok(Value::Int(0)),
            Err(e) => return Err(e),
        }
    }
    let (t, total, _) = sum(vm, &terms)?;
    let total = match total {
        Ok(t) => t,
        Err(f) => return Ok(Value::Float(if f.is_infinite() { 0.0 } else { f })),
    };
    if !total.n.is_positive() {
        return Err(serr(vm, "Weighted sum must be positive"));
    }
    let v = sum_weights.map(|s| s.div(&total));
    convert(vm, v, &t)
}

fn geometric_mean(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let data = data_arg(vm, args, "geometric_mean")?;
    let mut logs = Vec::with_capacity(data.len());
    for x in &data {
        let f = to_float(vm, x)?;
        if f <= 0.0 || f.is_nan() {
            return Err(serr(vm, "geometric mean requires a non-empty dataset containing positive numbers"));
        }
        logs.push(Value::Float(f.ln()));
    }
    if logs.is_empty() {
        return Err(serr(vm, "geometric mean requires a non-empty dataset containing positive numbers"));
    }
    let total = fsum(vm, &logs)?;
    Ok(Value::Float((total / logs.len() as f64).exp()))
}

/// The checks shared by covariance, correlation and linear_regression, in
/// CPython's order: `len()` of both (so iterators are refused as in CPython),
/// equal lengths, then at least two points. `what` names the function in messages.
fn two_lists(vm: &mut Vm, args: Args, fname: &str, what: &str) -> PyResult<(Vec<Value>, Vec<Value>)> {
    let [x, y] = xy_args(args, fname)?;
    let n = vm.len(&x)?;
    if vm.len(&y)? != n {
        return Err(serr(vm, &format!("{what} requires that both inputs have same number of data points")));
    }
    if n < 2 {
        return Err(serr(vm, &format!("{what} requires at least two data points")));
    }
    Ok((vm.collect(&x)?, vm.collect(&y)?))
}

/// Binds `(x, y, /)` of a Python-level function, with the interpreter's messages.
fn xy_args(args: Args, fname: &str) -> PyResult<[Value; 2]> {
    if let Some((k, _)) = args.kw.first() {
        return Err(PyErr::type_error(if &**k == "x" || &**k == "y" {
            format!("{fname}() got some positional-only arguments passed as keyword arguments: '{k}'")
        } else {
            format!("{fname}() got an unexpected keyword argument '{k}'")
        }));
    }
    let n = args.pos.len();
    let mut it = args.pos.into_iter();
    match (it.next(), it.next()) {
        _ if n > 2 => Err(PyErr::type_error(format!("{fname}() takes 2 positional arguments but {n} were given"))),
        (Some(x), Some(y)) => Ok([x, y]),
        (Some(_), None) => Err(PyErr::type_error(format!("{fname}() missing 1 required positional argument: 'y'"))),
        _ => Err(PyErr::type_error(format!("{fname}() missing 2 required positional arguments: 'x' and 'y'"))),
    }
}

/// `fsum(f(a, b) for a, b in zip(xs, ys))` with `f` done by the machine's
/// operators, so mixed int/float/Fraction data behaves as in CPython.
fn fsum_of(vm: &mut Vm, xs: &[Value], ys: &[Value], f: &dyn Fn(&mut Vm, &Value, &Value) -> PyResult<Value>) -> PyResult<f64> {
    let mut terms = Vec::with_capacity(xs.len());
    for (a, b) in xs.iter().zip(ys) {
        vm.tick()?;
        terms.push(f(vm, a, b)?);
    }
    fsum(vm, &terms)
}

/// `(a - abar) * (b - bbar)`.
fn centred_product(vm: &mut Vm, a: &Value, abar: f64, b: &Value, bbar: f64) -> PyResult<Value> {
    let da = vm.binary_op(a, &Value::Float(abar), BinOp::Sub)?;
    let db = vm.binary_op(b, &Value::Float(bbar), BinOp::Sub)?;
    vm.binary_op(&da, &db, BinOp::Mult)
}

/// xbar, ybar and sxy of CPython's covariance family.
fn centred(vm: &mut Vm, x: &[Value], y: &[Value]) -> PyResult<(f64, f64, f64)> {
    let n = x.len() as f64;
    let xbar = fsum(vm, x)? / n;
    let ybar = fsum(vm, y)? / n;
    let sxy = fsum_of(vm, x, y, &|vm, a, b| centred_product(vm, a, xbar, b, ybar))?;
    Ok((xbar, ybar, sxy))
}

fn covariance(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_lists(vm, args, "covariance", "covariance")?;
    let (_, _, sxy) = centred(vm, &x, &y)?;
    Ok(Value::Float(sxy / (x.len() as f64 - 1.0)))
}

fn correlation(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_lists(vm, args, "correlation", "correlation")?;
    let (xbar, ybar, sxy) = centred(vm, &x, &y)?;
    let sxx = fsum_of(vm, &x, &x, &|vm, a, b| centred_product(vm, a, xbar, b, xbar))?;
    let syy = fsum_of(vm, &y, &y, &|vm, a, b| centred_product(vm, a, ybar, b, ybar))?;
    let den = (sxx * syy).sqrt();
    if den == 0.0 {
        return Err(serr(vm, "at least one of the inputs is constant"));
    }
    Ok(Value::Float(sxy / den))
}

fn linear_regression(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let proportional = kwarg(&mut args, "proportional");
    let (x, y) = two_lists(vm, args, "linear_regression", "linear regression")?;
    let proportional = match proportional {
        Some(p) => vm.truthy(&p)?,
        None => false,
    };
    let (slope_num, sxx, xbar, ybar) = if proportional {
        let sxy = fsum_of(vm, &x, &y, &|vm, a, b| vm.binary_op(a, b, BinOp::Mult))?;
        let sxx = fsum_of(vm, &x, &x, &|vm, a, b| vm.binary_op(a, b, BinOp::Mult))?;
        (sxy, sxx, 0.0, 0.0)
    } else {
        let (xbar, ybar, sxy) = centred(vm, &x, &y)?;
        let sxx = fsum_of(vm, &x, &x, &|vm, a, b| centred_product(vm, a, xbar, b, xbar))?;
        (sxy, sxx, xbar, ybar)
    };
    if sxx == 0.0 {
        return Err(serr(vm, "x is constant"));
    }
    let slope = slope_num / sxx;
    let intercept = if proportional { 0.0 } else { ybar - slope * xbar };
    let cls = module_attr(vm, "LinearRegression")?;
    vm.call(&cls, Args::new([Value::Float(slope), Value::Float(intercept)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stdlib::support::run_program as run;

    #[test]
    fn linear_regression_is_a_named_pair_with_cpython_digits() {
        let out = run("import statistics as st\n\
            r = st.linear_regression([0.1, 2.7, 3.3, 4.9, 5.05], [1.1, 0.2, 3.9, 4.4, 7.25])\n\
            s, i = r\n\
            print(r)\nprint(s == r.slope, i == r[1])\n\
            print(st.linear_regression([1, 2, 3], [2, 4, 6.5], proportional=True))");
        assert_eq!(
            out,
            "LinearRegression(slope=1.0878754171301446, intercept=-0.12208008898776379)\nTrue True\n\
             LinearRegression(slope=2.107142857142857, intercept=0.0)\n"
        );
    }

    #[test]
    fn covariance_family_errors_use_cpython_wording() {
        let out = run("import statistics as st\n\
            for f, a, b in [(st.covariance, [1], [2]), (st.correlation, [1, 2], [3]), (st.correlation, [1, 1], [1, 2]),\n\
                            (st.linear_regression, [2, 2], [1, 2])]:\n\
            \x20   try: f(a, b)\n\
            \x20   except st.StatisticsError as e: print(e)\n\
            print(st.covariance([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 1, 2, 3, 1, 2, 3]))");
        assert_eq!(
            out,
            "covariance requires at least two data points\n\
             correlation requires that both inputs have same number of data points\n\
             at least one of the inputs is constant\nx is constant\n0.75\n"
        );
    }

    #[test]
    fn ratio_rounding() {
        assert_eq!(ratio_to_f64(&BigInt::from(1), &BigInt::from(3)), 1.0 / 3.0);
        assert_eq!(ratio_to_f64(&BigInt::from(-7), &BigInt::from(2)), -3.5);
        assert_eq!(float_frac(0.1).to_f64(), 0.1);
        assert_eq!(float_frac(5e-324).to_f64(), 5e-324);
        assert_eq!(sqrt_frac(&Frac::int(4)), 2.0);
    }
}
