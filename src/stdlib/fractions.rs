//! `fractions`: the Fraction type as a native object, following CPython 3.11's
//! Lib/fractions.py step for step (normalisation, operator fallbacks to float,
//! hashing, rounding, limit_denominator). It holds plain big integers only and must
//! never panic on any input: every failure is the Python exception CPython raises.

use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::helpers_c::*;
use crate::syntax::ast::BinOp;
use crate::values::*;
use crate::vm::Vm;

/// A fraction in lowest terms with a positive denominator (unless built with
/// `normalize = false`, which callers only do when it already is).
#[derive(Clone, Debug, PartialEq)]
pub struct Frac {
    pub n: BigInt,
    pub d: BigInt,
}

impl Frac {
    pub fn new(n: BigInt, d: BigInt) -> PyResult<Frac> {
        if d.is_zero() {
            return Err(PyErr::zero_division(format!("Fraction({n}, 0)")));
        }
        let mut g = n.gcd(&d);
        if d.is_negative() {
            g = -g;
        }
        if g.is_zero() {
            return Ok(Frac { n, d });
        }
        Ok(Frac { n: &n / &g, d: &d / &g })
    }
    fn int(n: BigInt) -> Frac {
        Frac { n, d: BigInt::one() }
    }
}

/// The exact ratio of a finite float, in lowest terms (`float.as_integer_ratio`).
pub fn float_ratio(f: f64) -> PyResult<(BigInt, BigInt)> {
    if f.is_nan() {
        return Err(PyErr::value_error("cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(PyErr::overflow("cannot convert Infinity to integer ratio"));
    }
    if f == 0.0 {
        return Ok((BigInt::zero(), BigInt::one()));
    }
    let bits = f.to_bits();
    let neg = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut mant, mut e) = if exp == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp - 1075) };
    while mant & 1 == 0 && e < 0 {
        mant >>= 1;
        e += 1;
    }
    let mut n = BigInt::from(mant);
    let mut d = BigInt::one();
    if e >= 0 {
        n <<= e as usize;
    } else {
        d <<= (-e) as usize;
    }
    if neg {
        n = -n;
    }
    Ok((n, d))
}

/// The Fraction behind `v`, if it is one.
pub fn frac_of(v: &Value) -> Option<Frac> {
    native_get::<Frac>(v)
}

/// `v` as an exact rational when it is an int or a Fraction (numbers.Rational).
fn rational(v: &Value) -> Option<Frac> {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => crate::vm::to_bigint(v).map(Frac::int),
        Value::Instance(i) => {
            let base = i.base.borrow().clone();
            match base {
                Some(b @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => rational(&b),
                _ => None,
            }
        }
        _ => frac_of(v),
    }
}

/// The plain `Fraction` class (results of arithmetic are never of a subclass).
fn fraction_class(v: &Value) -> Option<Rc<Class>> {
    let Value::Native(n) = v else { return None };
    n.class.mro_with_self().find(|c| &*c.name == "Fraction" && &*c.module == "fractions")
}

fn mk(cls: &Rc<Class>, f: Frac) -> Value {
    new_native(cls, f)
}

fn self_frac(args: &Args, name: &str) -> PyResult<(Frac, Rc<Class>)> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    match (frac_of(&v), fraction_class(&v)) {
        (Some(f), Some(c)) => Ok((f, c)),
        _ => Err(PyErr::type_error(format!(
            "descriptor '{name}' requires a 'Fraction' object but received a '{}'",
            v.type_name()
        ))),
    }
}

fn other(args: &Args) -> Value {
    args.pos.get(1).cloned().unwrap_or(Value::None)
}

fn big(v: BigInt) -> Value {
    Value::from_bigint(v)
}

fn frac_to_float(vm: &mut Vm, f: &Frac) -> PyResult<f64> {
    match vm.binary_op(&big(f.n.clone()), &big(f.d.clone()), BinOp::Div)? {
        Value::Float(x) => Ok(x),
        _ => Ok(f.n.to_f64().unwrap_or(f64::NAN) / f.d.to_f64().unwrap_or(f64::NAN)),
    }
}

// ----- construction -----

fn digits_us(s: &[u8], i: &mut usize) -> Option<String> {
    // `\d+(_\d+)*`: digit groups joined by single underscores.
    let start = *i;
    let mut out = String::new();
    loop {
        let g = *i;
        while *i < s.len() && s[*i].is_ascii_digit() {
            out.push(s[*i] as char);
            *i += 1;
        }
        if *i == g {
            // An underscore must be followed by a digit: undo it.
            if g > start {
                *i = g - 1;
            }
            break;
        }
        if *i + 1 < s.len() && s[*i] == b'_' && s[*i + 1].is_ascii_digit() {
            *i += 1;
            continue;
        }
        break;
    }
    if out.is_empty() {
        *i = start;
        None
    } else {
        Some(out)
    }
}

fn parse_big(d: &str) -> BigInt {
    d.parse::<BigInt>().unwrap_or_default()
}

/// `_RATIONAL_FORMAT` of Lib/fractions.py, by hand.
fn parse_fraction(text: &str) -> Option<Frac> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let s = t.as_bytes();
    let mut i = 0;
    let neg = match s.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let look = s.get(i).is_some_and(|c| c.is_ascii_digit())
        || (s.get(i) == Some(&b'.') && s.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
    if !look {
        return None;
    }
    let num = digits_us(s, &mut i).map(|d| parse_big(&d)).unwrap_or_default();
    let (mut n, mut d) = (num, BigInt::one());
    if s.get(i) == Some(&b'/') {
        i += 1;
        let den = digits_us(s, &mut i)?;
        d = parse_big(&den);
    } else {
        if s.get(i) == Some(&b'.') {
            i += 1;
            if let Some(dec) = digits_us(s, &mut i) {
                let scale = num_traits::pow(BigInt::from(10), dec.len());
                n = n * &scale + parse_big(&dec);
                d *= scale;
            }
        }
        if matches!(s.get(i), Some(b'e' | b'E')) {
            let save = i;
            i += 1;
            let eneg = match s.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            match digits_us(s, &mut i) {
                Some(e) => {
                    let e: usize = e.parse().ok().filter(|e| *e <= 100_000)?;
                    let p = num_traits::pow(BigInt::from(10), e);
                    if eneg {
                        d *= p;
                    } else {
                        n *= p;
                    }
                }
                None => i = save,
            }
        }
    }
    if i != s.len() {
        return None;
    }
    if neg {
        n = -n;
    }
    Frac::new(n, d).ok()
}

fn frac_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error("Fraction.__new__(): not enough arguments"));
    }
    let cls = match args.pos.remove(0) {
        Value::Class(c) => c,
        other => return Err(PyErr::type_error(format!("Fraction.__new__(X): X is not a type object ({})", other.type_name()))),
    };
    let [num, den] = args.bind("Fraction", ["numerator", "denominator"], 0, 0)?;
    let num = num.unwrap_or(Value::Int(0));
    let f = match den {
        None | Some(Value::None) => {
            if let Some(r) = rational(&num) {
                r
            } else {
                match &num {
                    Value::Float(x) => {
                        let (n, d) = float_ratio(*x)?;
                        Frac { n, d }
                    }
                    Value::Str(s) => match parse_fraction(s.as_str()) {
                        Some(f) => f,
                        None => {
                            let r = vm.repr(&num)?;
                            return Err(PyErr::value_error(format!("Invalid literal for Fraction: {r}")));
                        }
                    },
                    _ if is_decimal(&num) => {
                        let r = vm.getattr(&num, "as_integer_ratio")?;
                        let t = vm.call0(&r)?;
                        ratio_pair(vm, &t)?
                    }
                    _ => return Err(PyErr::type_error("argument should be a string or a Rational instance")),
                }
            }
        }
        Some(den) => match (rational(&num), rational(&den)) {
            (Some(a), Some(b)) => Frac::new(a.n * b.d, b.n * a.d)?,
            _ => return Err(PyErr::type_error("both arguments should be Rational instances")),
        },
    };
    Ok(mk(&cls, f))
}

fn is_decimal(v: &Value) -> bool {
    matches!(v, Value::Native(n) if &*n.class.name == "Decimal")
}

fn ratio_pair(vm: &mut Vm, t: &Value) -> PyResult<Frac> {
    let items = vm.collect(t)?;
    match (items.first(), items.get(1)) {
        (Some(a), Some(b)) => Frac::new(to_big(vm, a)?, to_big(vm, b)?),
        _ => Err(PyErr::type_error("as_integer_ratio() must return a pair")),
    }
}

fn cls_arg(args: &Args) -> PyResult<Rc<Class>> {
    match args.pos.first() {
        Some(Value::Class(c)) => Ok(c.clone()),
        _ => Err(PyErr::type_error("descriptor requires the Fraction class")),
    }
}

fn frac_from_float(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(&args)?;
    let f = other(&args);
    match &f {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => Ok(mk(&cls, Frac::int(to_big(vm, &f)?))),
        Value::Float(x) => {
            let (n, d) = float_ratio(*x)?;
            Ok(mk(&cls, Frac { n, d }))
        }
        _ => {
            let r = vm.repr(&f)?;
            Err(PyErr::type_error(format!("{}.from_float() only takes floats, not {r} ({})", cls.name, f.type_name())))
        }
    }
}

fn frac_from_decimal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(&args)?;
    let f = other(&args);
    match &f {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => Ok(mk(&cls, Frac::int(to_big(vm, &f)?))),
        _ if is_decimal(&f) => {
            let r = vm.getattr(&f, "as_integer_ratio")?;
            let t = vm.call0(&r)?;
            Ok(mk(&cls, ratio_pair(vm, &t)?))
        }
        _ => {
            let r = vm.repr(&f)?;
            Err(PyErr::type_error(format!("{}.from_decimal() only takes Decimals, not {r} ({})", cls.name, f.type_name())))
        }
    }
}

// ----- arithmetic -----

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    DivMod,
}

impl Op {
    fn binop(self) -> Option<BinOp> {
        Some(match self {
            Op::Add => BinOp::Add,
            Op::Sub => BinOp::Sub,
            Op::Mul => BinOp::Mult,
            Op::Div => BinOp::Div,
            Op::FloorDiv => BinOp::FloorDiv,
            Op::Mod => BinOp::Mod,
            Op::DivMod => return None,
        })
    }
}

fn int_zero_div(op: Op) -> PyErr {
    match op {
        Op::Mod => PyErr::zero_division("integer modulo by zero"),
        _ => PyErr::zero_division("integer division or modulo by zero"),
    }
}

/// The monomorphic operations (`_add`, `_sub`... of Lib/fractions.py).
fn exact(cls: &Rc<Class>, a: &Frac, b: &Frac, op: Op) -> PyResult<Value> {
    Ok(match op {
        Op::Add => mk(cls, Frac::new(&a.n * &b.d + &b.n * &a.d, &a.d * &b.d)?),
        Op::Sub => mk(cls, Frac::new(&a.n * &b.d - &b.n * &a.d, &a.d * &b.d)?),
        Op::Mul => mk(cls, Frac::new(&a.n * &b.n, &a.d * &b.d)?),
        Op::Div => {
            if b.n.is_zero() {
                // The message shows the numerator after `_div`'s gcd reductions.
                let g1 = a.n.gcd(&b.n);
                let na = if g1 > BigInt::one() { &a.n / &g1 } else { a.n.clone() };
                let g2 = b.d.gcd(&a.d);
                let db = if g2 > BigInt::one() { &b.d / &g2 } else { b.d.clone() };
                return Err(PyErr::zero_division(format!("Fraction({}, 0)", na * db)));
            }
            mk(cls, Frac::new(&a.n * &b.d, &b.n * &a.d)?)
        }
        Op::FloorDiv | Op::Mod | Op::DivMod => {
            let den = &a.d * &b.n;
            if den.is_zero() {
                return Err(int_zero_div(op));
            }
            let (q, r) = (&a.n * &b.d).div_mod_floor(&den);
            match op {
                Op::FloorDiv => big(q),
                Op::Mod => mk(cls, Frac::new(r, &a.d * &b.d)?),
                _ => Value::tuple(vec![big(q), mk(cls, Frac::new(r, &a.d * &b.d)?)]),
            }
        }
    })
}

fn float_op(vm: &mut Vm, a: f64, b: &Value, op: Op, reflected: bool) -> PyResult<Value> {
    let av = Value::Float(a);
    let (x, y) = if reflected { (b.clone(), av) } else { (av, b.clone()) };
    match op.binop() {
        Some(o) => vm.binary_op(&x, &y, o),
        None => {
            let dm = crate::builtins::native("divmod", divmod_floats);
            vm.call(&dm, Args::new([x, y]))
        }
    }
}

fn divmod_floats(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, y] = args.exact("divmod")?;
    let q = vm.binary_op(&x, &y, BinOp::FloorDiv)?;
    let r = vm.binary_op(&x, &y, BinOp::Mod)?;
    Ok(Value::tuple(vec![q, r]))
}

/// `_operator_fallbacks`: exact with rationals, float arithmetic with floats,
/// NotImplemented otherwise.
fn binary(vm: &mut Vm, args: &Args, op: Op, reflected: bool, name: &str) -> PyResult<Value> {
    let (a, cls) = self_frac(args, name)?;
    let b = other(args);
    if let Some(bf) = rational(&b) {
        return if reflected { exact(&cls, &bf, &a, op) } else { exact(&cls, &a, &bf, op) };
    }
    if matches!(b, Value::Float(_)) {
        let af = frac_to_float(vm, &a)?;
        return float_op(vm, af, &b, op, reflected);
    }
    Ok(Value::NotImplemented)
}

macro_rules! binops {
    ($($f:ident, $r:ident, $op:expr, $name:expr, $rname:expr;)*) => {$(
        fn $f(vm: &mut Vm, args: Args) -> PyResult<Value> {
            binary(vm, &args, $op, false, $name)
        }
        fn $r(vm: &mut Vm, args: Args) -> PyResult<Value> {
            binary(vm, &args, $op, true, $rname)
        }
    )*};
}

binops! {
    f_add, f_radd, Op::Add, "__add__", "__radd__";
    f_sub, f_rsub, Op::Sub, "__sub__", "__rsub__";
    f_mul, f_rmul, Op::Mul, "__mul__", "__rmul__";
    f_div, f_rdiv, Op::Div, "__truediv__", "__rtruediv__";
    f_floordiv, f_rfloordiv, Op::FloorDiv, "__floordiv__", "__rfloordiv__";
    f_mod, f_rmod, Op::Mod, "__mod__", "__rmod__";
    f_divmod, f_rdivmod, Op::DivMod, "__divmod__", "__rdivmod__";
}

fn frac_pow_int(cls: &Rc<Class>, a: &Frac, p: &BigInt, vm: &mut Vm) -> PyResult<Value> {
    let e = p.abs().to_u64().filter(|e| *e <= 10_000_000).ok_or_else(|| PyErr::overflow("exponent too large"))?;
    let bits = (a.n.bits().max(a.d.bits()) as u128) * e as u128;
    vm.check_alloc(bits / 8 + 16)?;
    let e = e as usize;
    if !p.is_negative() {
        return Ok(mk(cls, Frac { n: num_traits::pow(a.n.clone(), e), d: num_traits::pow(a.d.clone(), e) }));
    }
    let (n, d) = if a.n.is_negative() {
        (num_traits::pow(-a.d.clone(), e), num_traits::pow(-a.n.clone(), e))
    } else {
        (num_traits::pow(a.d.clone(), e), num_traits::pow(a.n.clone(), e))
    };
    if d.is_zero() {
        return Err(PyErr::zero_division(format!("Fraction({n}, 0)")));
    }
    Ok(mk(cls, Frac { n, d }))
}

fn f_pow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "__pow__")?;
    if args.pos.len() > 2 && !matches!(args.pos[2], Value::None) {
        return Ok(Value::NotImplemented);
    }
    let b = other(&args);
    if let Some(bf) = rational(&b) {
        if bf.d.is_one() {
            return frac_pow_int(&cls, &a, &bf.n, vm);
        }
        let x = frac_to_float(vm, &a)?;
        let y = frac_to_float(vm, &bf)?;
        return vm.binary_op(&Value::Float(x), &Value::Float(y), BinOp::Pow);
    }
    let x = frac_to_float(vm, &a)?;
    vm.binary_op(&Value::Float(x), &b, BinOp::Pow)
}

fn f_rpow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (b, cls) = self_frac(&args, "__rpow__")?;
    let a = other(&args);
    if b.d.is_one() && !b.n.is_negative() {
        return vm.binary_op(&a, &big(b.n.clone()), BinOp::Pow);
    }
    if let Some(af) = rational(&a) {
        let base = mk(&cls, af);
        return vm.binary_op(&base, &mk(&cls, b), BinOp::Pow);
    }
    if b.d.is_one() {
        return vm.binary_op(&a, &big(b.n.clone()), BinOp::Pow);
    }
    let y = frac_to_float(vm, &b)?;
    vm.binary_op(&a, &Value::Float(y), BinOp::Pow)
}

fn f_pos(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "__pos__")?;
    Ok(mk(&cls, a))
}

fn f_neg(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "__neg__")?;
    Ok(mk(&cls, Frac { n: -a.n, d: a.d }))
}

fn f_abs(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "__abs__")?;
    Ok(mk(&cls, Frac { n: a.n.abs(), d: a.d }))
}

fn f_bool(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__bool__")?;
    Ok(Value::Bool(!a.n.is_zero()))
}

fn trunc(a: &Frac) -> BigInt {
    if a.n.is_negative() {
        -((-&a.n).div_floor(&a.d))
    } else {
        a.n.div_floor(&a.d)
    }
}

fn f_trunc(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__trunc__")?;
    Ok(big(trunc(&a)))
}

fn f_floor(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__floor__")?;
    Ok(big(a.n.div_floor(&a.d)))
}

fn f_ceil(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__ceil__")?;
    Ok(big(-((-&a.n).div_floor(&a.d))))
}

fn f_float(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__float__")?;
    Ok(Value::Float(frac_to_float(vm, &a)?))
}

/// Round half to even of an exact fraction, as an integer.
pub fn round_half_even(a: &Frac) -> BigInt {
    let (fl, rem) = a.n.div_mod_floor(&a.d);
    let twice: BigInt = rem * 2;
    match twice.cmp(&a.d) {
        std::cmp::Ordering::Less => fl,
        std::cmp::Ordering::Greater => fl + 1,
        std::cmp::Ordering::Equal => {
            if fl.is_even() {
                fl
            } else {
                fl + 1
            }
        }
    }
}

fn f_round(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "__round__")?;
    let nd = match args.pos.get(1) {
        None | Some(Value::None) => return Ok(big(round_half_even(&a))),
        Some(v) => vm.index_of(v)?,
    };
    if nd.unsigned_abs() > 100_000 {
        return Err(PyErr::overflow("ndigits too large"));
    }
    let shift = num_traits::pow(BigInt::from(10), nd.unsigned_abs() as usize);
    if nd > 0 {
        let r = round_half_even(&Frac { n: &a.n * &shift, d: a.d.clone() });
        Ok(mk(&cls, Frac::new(r, shift)?))
    } else {
        let r = round_half_even(&Frac { n: a.n.clone(), d: &a.d * &shift });
        Ok(mk(&cls, Frac::int(r * shift)))
    }
}

/// CPython's `Fraction.__hash__`: equal to the hash of an equal int or float.
pub fn frac_hash(a: &Frac) -> i64 {
    let m = BigInt::from(crate::values::hash::MODULUS);
    let h = if (&a.d % &m).is_zero() {
        BigInt::from(314_159)
    } else {
        // Fermat: d^(M-2) is the inverse of d modulo the prime M.
        let dinv = a.d.modpow(&(&m - 2), &m);
        (a.n.abs() % &m) * dinv % &m
    };
    let r = if a.n.is_negative() { -h } else { h };
    let r = r.to_i64().unwrap_or(0);
    if r == -1 {
        -2
    } else {
        r
    }
}

fn f_hash(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__hash__")?;
    Ok(Value::Int(frac_hash(&a)))
}

#[derive(Clone, Copy)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

fn cmp_holds(c: Cmp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match c {
        Cmp::Lt => o == Less,
        Cmp::Le => o != Greater,
        Cmp::Gt => o == Greater,
        Cmp::Ge => o != Less,
    }
}

fn frac_cmp(a: &Frac, b: &Frac) -> std::cmp::Ordering {
    (&a.n * &b.d).cmp(&(&b.n * &a.d))
}

fn richcmp(args: &Args, c: Cmp, name: &str) -> PyResult<Value> {
    let (a, _) = self_frac(args, name)?;
    let b = other(args);
    if let Some(bf) = rational(&b) {
        return Ok(Value::Bool(cmp_holds(c, frac_cmp(&a, &bf))));
    }
    if let Value::Float(x) = b {
        if !x.is_finite() {
            // NaN compares false; infinities by sign (`op(0.0, b)`).
            if x.is_nan() {
                return Ok(Value::Bool(false));
            }
            let o = 0.0f64.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal);
            return Ok(Value::Bool(cmp_holds(c, o)));
        }
        let (n, d) = float_ratio(x)?;
        return Ok(Value::Bool(cmp_holds(c, frac_cmp(&a, &Frac { n, d }))));
    }
    Ok(Value::NotImplemented)
}

fn f_lt(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    richcmp(&args, Cmp::Lt, "__lt__")
}
fn f_le(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    richcmp(&args, Cmp::Le, "__le__")
}
fn f_gt(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    richcmp(&args, Cmp::Gt, "__gt__")
}
fn f_ge(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    richcmp(&args, Cmp::Ge, "__ge__")
}

fn eq_value(args: &Args) -> PyResult<Option<bool>> {
    let (a, _) = self_frac(args, "__eq__")?;
    let b = other(args);
    if let Some(bf) = rational(&b) {
        return Ok(Some(a == bf));
    }
    if let Value::Float(x) = b {
        if !x.is_finite() {
            return Ok(Some(false));
        }
        let (n, d) = float_ratio(x)?;
        return Ok(Some(a == Frac { n, d }));
    }
    Ok(None)
}

fn f_eq(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(eq_value(&args)?.map(Value::Bool).unwrap_or(Value::NotImplemented))
}

fn f_ne(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(eq_value(&args)?.map(|b| Value::Bool(!b)).unwrap_or(Value::NotImplemented))
}

// ----- other methods -----

fn f_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let (a, _) = self_frac(&args, "__repr__")?;
    let name = match &v {
        Value::Native(n) => n.class.name.to_string(),
        _ => "Fraction".into(),
    };
    Ok(Value::string(format!("{name}({}, {})", a.n, a.d)))
}

fn f_str(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "__str__")?;
    Ok(Value::string(if a.d.is_one() { a.n.to_string() } else { format!("{}/{}", a.n, a.d) }))
}

fn f_numerator(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "numerator")?;
    Ok(big(a.n))
}

fn f_denominator(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "denominator")?;
    Ok(big(a.d))
}

fn f_real(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "real")?;
    Ok(mk(&cls, a))
}

fn f_imag(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(0))
}

fn f_ratio(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_frac(&args, "as_integer_ratio")?;
    Ok(Value::tuple(vec![big(a.n), big(a.d)]))
}

fn f_copy(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos.first().cloned().unwrap_or(Value::None))
}

fn f_reduce(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let (a, cls) = self_frac(&args, "__reduce__")?;
    let _ = v;
    let s = if a.d.is_one() { a.n.to_string() } else { format!("{}/{}", a.n, a.d) };
    Ok(Value::tuple(vec![Value::Class(cls), Value::tuple(vec![Value::string(s)])]))
}

fn limit(a: &Frac, max_d: &BigInt) -> PyResult<Frac> {
    if *max_d < BigInt::one() {
        return Err(PyErr::value_error("max_denominator should be at least 1"));
    }
    if a.d <= *max_d {
        return Ok(a.clone());
    }
    let (mut p0, mut q0, mut p1, mut q1) = (BigInt::zero(), BigInt::one(), BigInt::one(), BigInt::zero());
    let (mut n, mut d) = (a.n.clone(), a.d.clone());
    loop {
        let q = n.div_floor(&d);
        let q2 = &q0 + &q * &q1;
        if q2 > *max_d {
            break;
        }
        let np1 = &p0 + &q * &p1;
        p0 = std::mem::replace(&mut p1, np1);
        q0 = std::mem::replace(&mut q1, q2);
        let nd = &n - &q * &d;
        n = std::mem::replace(&mut d, nd);
    }
    let k = (max_d - &q0).div_floor(&q1);
    let bound1 = Frac::new(&p0 + &k * &p1, &q0 + &k * &q1)?;
    let bound2 = Frac::new(p1, q1)?;
    let dist = |b: &Frac| Frac::new((&b.n * &a.d - &a.n * &b.d).abs(), &b.d * &a.d);
    if frac_cmp(&dist(&bound2)?, &dist(&bound1)?) != std::cmp::Ordering::Greater {
        Ok(bound2)
    } else {
        Ok(bound1)
    }
}

fn f_limit_denominator(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, cls) = self_frac(&args, "limit_denominator")?;
    let rest = Args { pos: args.pos.iter().skip(1).cloned().collect(), kw: args.kw.clone() };
    let [m] = rest.bind("limit_denominator", ["max_denominator"], 0, 0)?;
    let m = match m {
        Some(v) => to_big(vm, &v)?,
        None => BigInt::from(1_000_000),
    };
    Ok(mk(&cls, limit(&a, &m)?))
}

fn f_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    match args.pos.get(1) {
        Some(Value::Str(s)) if s.as_str().is_empty() => Ok(Value::string(vm.str(&v)?)),
        _ => Err(PyErr::type_error("unsupported format string passed to Fraction.__format__")),
    }
}

fn noop_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let list: &[(&str, NativeFn)] = &[
        ("__repr__", f_repr),
        ("__str__", f_str),
        ("__format__", f_format),
        ("__add__", f_add),
        ("__radd__", f_radd),
        ("__sub__", f_sub),
        ("__rsub__", f_rsub),
        ("__mul__", f_mul),
        ("__rmul__", f_rmul),
        ("__truediv__", f_div),
        ("__rtruediv__", f_rdiv),
        ("__floordiv__", f_floordiv),
        ("__rfloordiv__", f_rfloordiv),
        ("__mod__", f_mod),
        ("__rmod__", f_rmod),
        ("__divmod__", f_divmod),
        ("__rdivmod__", f_rdivmod),
        ("__pow__", f_pow),
        ("__rpow__", f_rpow),
        ("__pos__", f_pos),
        ("__neg__", f_neg),
        ("__abs__", f_abs),
        ("__bool__", f_bool),
        ("__trunc__", f_trunc),
        ("__int__", f_trunc),
        ("__floor__", f_floor),
        ("__ceil__", f_ceil),
        ("__float__", f_float),
        ("__round__", f_round),
        ("__hash__", f_hash),
        ("__eq__", f_eq),
        ("__ne__", f_ne),
        ("__lt__", f_lt),
        ("__le__", f_le),
        ("__gt__", f_gt),
        ("__ge__", f_ge),
        ("__copy__", f_copy),
        ("__deepcopy__", f_copy),
        ("__reduce__", f_reduce),
        ("as_integer_ratio", f_ratio),
        ("limit_denominator", f_limit_denominator),
        ("conjugate", f_pos),
    ];
    let mut a = methods(list, "Fraction");
    for (n, f) in [("numerator", f_numerator as NativeFn), ("denominator", f_denominator), ("real", f_real), ("imag", f_imag)] {
        a.insert(n.into(), property(n, f));
    }
    a.insert("from_float".into(), classmethod("from_float", frac_from_float));
    a.insert("from_decimal".into(), classmethod("from_decimal", frac_from_decimal));
    a.insert("__new__".into(), staticmethod("__new__", frac_new));
    a.insert("__init__".into(), builtin("__init__", noop_init));
    a.insert("__module__".into(), Value::str("fractions"));
    let cls = make_class(vm, "Fraction", "fractions", vec![], a)?;
    let mut attrs = Attrs::default();
    attrs.insert("Fraction".into(), Value::Class(cls));
    Ok(super::helpers_c::module("fractions", attrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(n: i64, d: i64) -> Frac {
        Frac::new(BigInt::from(n), BigInt::from(d)).unwrap_or(Frac { n: BigInt::zero(), d: BigInt::one() })
    }

    #[test]
    fn parse_forms() {
        assert_eq!(parse_fraction(" -1.5e3 "), Some(fr(-1500, 1)));
        assert_eq!(parse_fraction("3/4"), Some(fr(3, 4)));
        assert_eq!(parse_fraction(".125"), Some(fr(1, 8)));
        assert_eq!(parse_fraction("1_000"), Some(fr(1000, 1)));
        assert_eq!(parse_fraction("1."), Some(fr(1, 1)));
        assert_eq!(parse_fraction("3 /4"), None);
        assert_eq!(parse_fraction("1__0"), None);
        assert_eq!(parse_fraction("."), None);
    }

    #[test]
    fn hashes_match_ints() {
        assert_eq!(frac_hash(&fr(5, 1)), 5);
        assert_eq!(frac_hash(&fr(-1, 1)), -2);
        assert_eq!(frac_hash(&fr(1, 2)), 1152921504606846976);
    }

    #[test]
    fn limits() {
        let (n, d) = float_ratio(0.1).unwrap_or_default();
        let f = limit(&Frac { n, d }, &BigInt::from(100)).unwrap_or(fr(0, 1));
        assert_eq!(f, fr(1, 10));
    }
}
