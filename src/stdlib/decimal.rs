//! `decimal`: arbitrary-precision decimal arithmetic with CPython 3.11's results
//! (the General Decimal Arithmetic spec as Lib/_pydecimal.py implements it, with
//! the C module's signals, reprs and error arguments). The current context lives in
//! a per-session state object reachable from the module's classes, never in global
//! Rust state. Must never panic on any input and never allocate unbounded numbers
//! without a MemoryError.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

// ----- numbers -----

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Fin,
    Inf,
    NaN,
    SNaN,
}

/// sign * coeff * 10**exp, or a special value (NaN payload in `coeff`).
#[derive(Clone, Debug)]
pub struct Dec {
    pub neg: bool,
    pub coeff: BigInt,
    pub exp: i64,
    pub kind: Kind,
}

impl Dec {
    fn fin(neg: bool, coeff: BigInt, exp: i64) -> Dec {
        Dec { neg, coeff, exp, kind: Kind::Fin }
    }
    fn inf(neg: bool) -> Dec {
        Dec { neg, coeff: BigInt::zero(), exp: 0, kind: Kind::Inf }
    }
    fn nan() -> Dec {
        Dec { neg: false, coeff: BigInt::zero(), exp: 0, kind: Kind::NaN }
    }
    fn zero(neg: bool, exp: i64) -> Dec {
        Dec::fin(neg, BigInt::zero(), exp)
    }
    fn from_int(i: &BigInt) -> Dec {
        Dec::fin(i.is_negative(), i.abs(), 0)
    }
    fn special(&self) -> bool {
        self.kind != Kind::Fin
    }
    fn is_nan(&self) -> bool {
        matches!(self.kind, Kind::NaN | Kind::SNaN)
    }
    fn is_zero(&self) -> bool {
        self.kind == Kind::Fin && self.coeff.is_zero()
    }
    fn digits(&self) -> i64 {
        ndigits(&self.coeff)
    }
    fn adjusted(&self) -> i64 {
        if self.special() {
            0
        } else {
            self.exp + self.digits() - 1
        }
    }
    /// 0 for finite, 1 for +inf, -1 for -inf (`_isinfinity`).
    fn inf_sign(&self) -> i32 {
        match (self.kind, self.neg) {
            (Kind::Inf, false) => 1,
            (Kind::Inf, true) => -1,
            _ => 0,
        }
    }
    fn is_integer(&self) -> bool {
        if self.special() {
            return false;
        }
        if self.exp >= 0 || self.coeff.is_zero() {
            return true;
        }
        let k = (-self.exp) as u64;
        k < ndigits(&self.coeff) as u64 && (&self.coeff % pow10_small(k)).is_zero()
    }
    fn copy_abs(&self) -> Dec {
        Dec { neg: false, ..self.clone() }
    }
    fn copy_neg(&self) -> Dec {
        Dec { neg: !self.neg, ..self.clone() }
    }
}

fn ndigits(c: &BigInt) -> i64 {
    if c.is_zero() {
        return 1;
    }
    // Estimate from the bit length, then correct by one comparison.
    let bits = c.bits();
    if bits < 64 {
        let v = c.to_u64().unwrap_or(0);
        return v.to_string().len() as i64;
    }
    c.magnitude().to_str_radix(10).len() as i64
}

/// Powers of ten beyond this many digits are refused (a MemoryError), so a huge
/// exponent or precision cannot exhaust the host.
const MAX_DIGITS: u64 = 20_000_000;

fn pow10_small(n: u64) -> BigInt {
    num_traits::pow(BigInt::from(10), n.min(MAX_DIGITS) as usize)
}

fn pow10(n: i64) -> PyResult<BigInt> {
    if n < 0 || n as u64 > MAX_DIGITS {
        return Err(PyErr::new(ExcKind::MemoryError, ""));
    }
    Ok(num_traits::pow(BigInt::from(10), n as usize))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rounding {
    Up,
    Down,
    Ceiling,
    Floor,
    HalfUp,
    HalfDown,
    HalfEven,
    R05Up,
}

const ROUNDINGS: [(&str, Rounding); 8] = [
    ("ROUND_UP", Rounding::Up),
    ("ROUND_DOWN", Rounding::Down),
    ("ROUND_CEILING", Rounding::Ceiling),
    ("ROUND_FLOOR", Rounding::Floor),
    ("ROUND_HALF_UP", Rounding::HalfUp),
    ("ROUND_HALF_DOWN", Rounding::HalfDown),
    ("ROUND_HALF_EVEN", Rounding::HalfEven),
    ("ROUND_05UP", Rounding::R05Up),
];

fn rounding_name(r: Rounding) -> &'static str {
    ROUNDINGS.iter().find(|(_, x)| *x == r).map(|(n, _)| *n).unwrap_or("ROUND_HALF_EVEN")
}

fn rounding_from(v: &Value) -> PyResult<Rounding> {
    if let Value::Str(s) = v {
        if let Some((_, r)) = ROUNDINGS.iter().find(|(n, _)| *n == s.as_str()) {
            return Ok(*r);
        }
    }
    Err(PyErr::type_error(
        "valid values for rounding are:\n  [ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_DOWN,\n   ROUND_HALF_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN,\n   ROUND_05UP]",
    ))
}

/// The rounding decision for dropping the low `drop` digits of `coeff`: the kept
/// part and 1 (increment), -1 (inexact, truncate) or 0 (exact).
fn round_split(neg: bool, coeff: &BigInt, drop: i64, r: Rounding) -> PyResult<(BigInt, i32)> {
    if drop <= 0 {
        return Ok((coeff.clone(), 0));
    }
    let p = pow10(drop)?;
    let (kept, rem) = coeff.div_rem(&p);
    let zeros = rem.is_zero();
    let down = if zeros { 0 } else { -1 };
    let half = || -> Ordering { (&rem * 2u32).cmp(&p) };
    let half_up = |h: Ordering| match h {
        Ordering::Less => down,
        _ => 1,
    };
    let last_even = (&kept % 10u32).is_even();
    let last05 = {
        let d = (&kept % 10u32).to_u32().unwrap_or(1);
        d == 0 || d == 5
    };
    let changed = match r {
        Rounding::Down => down,
        Rounding::Up => -down,
        Rounding::HalfUp => half_up(half()),
        Rounding::HalfDown => match half() {
            Ordering::Equal => -1,
            h => half_up(h),
        },
        Rounding::HalfEven => match half() {
            Ordering::Equal if last_even => -1,
            h => half_up(h),
        },
        Rounding::Ceiling => {
            if neg {
                down
            } else {
                -down
            }
        }
        Rounding::Floor => {
            if !neg {
                down
            } else {
                -down
            }
        }
        Rounding::R05Up => {
            if !last05 {
                down
            } else {
                -down
            }
        }
    };
    Ok((kept, changed))
}

// ----- status and context -----

const S_CONV: u16 = 1;
const S_DIV_IMPOSSIBLE: u16 = 2;
const S_DIV_UNDEFINED: u16 = 4;
const S_INVALID_CTX: u16 = 8;
const S_INVALID: u16 = 16;
const S_FLOAT: u16 = 32;
const S_DIV_ZERO: u16 = 64;
const S_OVERFLOW: u16 = 128;
const S_UNDERFLOW: u16 = 256;
const S_SUBNORMAL: u16 = 512;
const S_INEXACT: u16 = 1024;
const S_ROUNDED: u16 = 2048;
const S_CLAMPED: u16 = 4096;
const S_INVALID_ALL: u16 = S_CONV | S_DIV_IMPOSSIBLE | S_DIV_UNDEFINED | S_INVALID_CTX | S_INVALID;

/// Signal classes in the C module's order (flags dicts, reprs, which one is raised).
const SIGNALS: [&str; 9] =
    ["InvalidOperation", "FloatOperation", "DivisionByZero", "Overflow", "Underflow", "Subnormal", "Inexact", "Rounded", "Clamped"];
const SIGNAL_BITS: [u16; 9] =
    [S_INVALID_ALL, S_FLOAT, S_DIV_ZERO, S_OVERFLOW, S_UNDERFLOW, S_SUBNORMAL, S_INEXACT, S_ROUNDED, S_CLAMPED];

#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    pub prec: i64,
    pub rounding: Rounding,
    pub emin: i64,
    pub emax: i64,
    pub capitals: bool,
    pub clamp: bool,
}

impl Ctx {
    fn etiny(&self) -> i64 {
        self.emin - self.prec + 1
    }
    fn etop(&self) -> i64 {
        self.emax - self.prec + 1
    }
}

const DEFAULT_CTX: Ctx =
    Ctx { prec: 28, rounding: Rounding::HalfEven, emin: -999_999, emax: 999_999, capitals: true, clamp: false };
const MAX_PREC: i64 = 999_999_999_999_999_999;
const MIN_EMIN: i64 = -999_999_999_999_999_999;

/// The per-session state: the module's classes and the current context.
pub struct Shared {
    dec_cls: Rc<Class>,
    ctx_cls: Rc<Class>,
    sigdict_cls: Rc<Class>,
    manager_cls: Rc<Class>,
    tuple_cls: Rc<Class>,
    signals: Vec<Rc<Class>>,
    /// ConversionSyntax, DivisionImpossible, DivisionUndefined, InvalidContext.
    conds: Vec<Rc<Class>>,
    current: RefCell<Value>,
    templates: RefCell<Vec<Value>>,
}

const STATE_KEY: &str = "<decimal state>";

#[derive(Clone)]
struct StateRef(Rc<Shared>);

fn state_from_class(c: &Rc<Class>) -> Option<Rc<Shared>> {
    let v = c.lookup(STATE_KEY)?;
    native_get::<StateRef>(&v).map(|s| s.0)
}

fn state_of(vm: &Vm, v: &Value) -> PyResult<Rc<Shared>> {
    let cls = vm.type_of(v);
    state_from_class(&cls).ok_or_else(|| PyErr::type_error("decimal state missing"))
}

fn state_from_data(args: &mut Args) -> PyResult<Rc<Shared>> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error("decimal state missing"));
    }
    let v = args.pos.remove(0);
    native_get::<StateRef>(&v).map(|s| s.0).ok_or_else(|| PyErr::type_error("decimal state missing"))
}

/// The flags or traps of a context: one bit per signal, in SIGNALS order.
#[derive(Clone, Copy)]
struct SigDict(u16);

fn inst_attr(ctx: &Value, name: &str) -> Option<Value> {
    match ctx {
        Value::Instance(i) => i.attrs.borrow().get(name).cloned(),
        _ => None,
    }
}

fn set_inst_attr(ctx: &Value, name: &str, v: Value) {
    if let Value::Instance(i) = ctx {
        i.attrs.borrow_mut().insert(name.into(), v);
    }
}

fn int_attr(ctx: &Value, name: &str, dflt: i64) -> i64 {
    match inst_attr(ctx, name) {
        Some(Value::Int(i)) => i,
        _ => dflt,
    }
}

fn read_ctx(ctx: &Value) -> Ctx {
    Ctx {
        prec: int_attr(ctx, "_prec", 28),
        rounding: inst_attr(ctx, "_rounding").and_then(|r| rounding_from(&r).ok()).unwrap_or(Rounding::HalfEven),
        emin: int_attr(ctx, "_Emin", DEFAULT_CTX.emin),
        emax: int_attr(ctx, "_Emax", DEFAULT_CTX.emax),
        capitals: int_attr(ctx, "_capitals", 1) != 0,
        clamp: int_attr(ctx, "_clamp", 0) != 0,
    }
}

fn sig_bits(ctx: &Value, name: &str) -> u16 {
    inst_attr(ctx, name).and_then(|v| native_get::<SigDict>(&v)).map(|s| s.0).unwrap_or(0)
}

fn set_sig_bits(ctx: &Value, name: &str, bits: u16) {
    if let Some(v) = inst_attr(ctx, name) {
        if let Some(mut s) = native_ref::<SigDict>(&v) {
            s.0 = bits;
        }
    }
}

fn signal_index_bits(status: u16) -> u16 {
    let mut out = 0;
    for (i, b) in SIGNAL_BITS.iter().enumerate() {
        if status & b != 0 {
            out |= 1 << i;
        }
    }
    out
}

/// Records `status` in the context's flags and raises the first trapped signal,
/// with the list of trapped conditions as its argument (as the C module does).
fn finish(sh: &Shared, ctx: &Value, status: u16) -> PyResult<()> {
    if status == 0 {
        return Ok(());
    }
    let sig = signal_index_bits(status);
    let flags = sig_bits(ctx, "_flags");
    set_sig_bits(ctx, "_flags", flags | sig);
    let traps = sig_bits(ctx, "_traps");
    let trapped = sig & traps;
    if trapped == 0 {
        return Ok(());
    }
    let first = (0..9).find(|i| trapped & (1 << i) != 0).unwrap_or(0);
    let mut list = Vec::new();
    if trapped & 1 != 0 {
        if status & S_INVALID != 0 {
            list.push(Value::Class(sh.signals[0].clone()));
        }
        for (i, b) in [S_CONV, S_DIV_IMPOSSIBLE, S_DIV_UNDEFINED, S_INVALID_CTX].iter().enumerate() {
            if status & b != 0 {
                list.push(Value::Class(sh.conds[i].clone()));
            }
        }
    }
    for i in 1..9 {
        if trapped & (1 << i) != 0 {
            list.push(Value::Class(sh.signals[i].clone()));
        }
    }
    Err(raise_cls_args(&sh.signals[first], vec![Value::list(list)]))
}

fn cur(sh: &Shared) -> (Value, Ctx) {
    let v = sh.current.borrow().clone();
    let c = read_ctx(&v);
    (v, c)
}

// ----- the arithmetic (Lib/_pydecimal.py) -----

/// Whether two finite-or-infinite values are numerically equal (`new_self != self`
/// in `next_plus`; the exponents there differ by at most the precision).
fn same_value(a: &Dec, b: &Dec) -> bool {
    if a.kind != b.kind {
        return false;
    }
    if a.kind == Kind::Inf {
        return a.neg == b.neg;
    }
    if a.is_zero() || b.is_zero() {
        return a.is_zero() && b.is_zero();
    }
    if a.neg != b.neg {
        return false;
    }
    let e = a.exp.min(b.exp);
    let (da, db) = ((a.exp - e) as u64, (b.exp - e) as u64);
    if da > MAX_DIGITS || db > MAX_DIGITS {
        return false;
    }
    &a.coeff * pow10_small(da) == &b.coeff * pow10_small(db)
}

struct Op<'a> {
    c: &'a Ctx,
    st: u16,
}

impl Op<'_> {
    fn invalid(&mut self, bit: u16) -> Dec {
        self.st |= bit;
        Dec::nan()
    }

    fn fix_nan(&self, d: &Dec) -> Dec {
        let max = self.c.prec - self.c.clamp as i64;
        if d.digits() > max && !d.coeff.is_zero() {
            let p = pow10_small(max.max(0) as u64);
            return Dec { coeff: &d.coeff % p, ..d.clone() };
        }
        d.clone()
    }

    fn check_nans(&mut self, a: &Dec, b: Option<&Dec>) -> Option<Dec> {
        let bk = b.map(|b| b.kind);
        if a.kind == Kind::SNaN {
            self.st |= S_INVALID;
            return Some(self.fix_nan(&Dec { kind: Kind::NaN, ..a.clone() }));
        }
        if let (Some(b), Some(Kind::SNaN)) = (b, bk) {
            self.st |= S_INVALID;
            return Some(self.fix_nan(&Dec { kind: Kind::NaN, ..b.clone() }));
        }
        if a.kind == Kind::NaN {
            return Some(self.fix_nan(a));
        }
        if let (Some(b), Some(Kind::NaN)) = (b, bk) {
            return Some(self.fix_nan(b));
        }
        None
    }

    fn overflow(&mut self, neg: bool) -> PyResult<Dec> {
        self.st |= S_OVERFLOW | S_INEXACT | S_ROUNDED;
        let c = self.c;
        let to_inf = match c.rounding {
            Rounding::HalfUp | Rounding::HalfEven | Rounding::HalfDown | Rounding::Up => true,
            Rounding::Ceiling => !neg,
            Rounding::Floor => neg,
            _ => false,
        };
        if to_inf {
            return Ok(Dec::inf(neg));
        }
        Ok(Dec::fin(neg, pow10(c.prec)? - 1, c.etop()))
    }

    /// `_fix`: round to the context's precision and exponent limits.
    fn fix(&mut self, d: Dec) -> PyResult<Dec> {
        if d.special() {
            if d.is_nan() {
                return Ok(self.fix_nan(&d));
            }
            return Ok(d);
        }
        let c = *self.c;
        let etiny = c.etiny();
        let etop = c.etop();
        if d.coeff.is_zero() {
            let exp_max = if c.clamp { etop } else { c.emax };
            let new_exp = d.exp.max(etiny).min(exp_max);
            if new_exp != d.exp {
                self.st |= S_CLAMPED;
                return Ok(Dec::zero(d.neg, new_exp));
            }
            return Ok(d);
        }
        let len = d.digits();
        let mut exp_min = len + d.exp - c.prec;
        if exp_min > etop {
            return self.overflow(d.neg);
        }
        let subnormal = exp_min < etiny;
        if subnormal {
            exp_min = etiny;
        }
        if d.exp < exp_min {
            let mut digits = len + d.exp - exp_min;
            let mut work = d.clone();
            if digits < 0 {
                work = Dec::fin(d.neg, BigInt::one(), exp_min - 1);
                digits = 0;
            }
            let wlen = work.digits();
            let (mut coeff, changed) = round_split(work.neg, &work.coeff, wlen - digits, c.rounding)?;
            if changed > 0 {
                coeff += 1;
                if ndigits(&coeff) > c.prec {
                    coeff /= 10;
                    exp_min += 1;
                }
            }
            let ans = if exp_min > etop { self.overflow(d.neg)? } else { Dec::fin(d.neg, coeff, exp_min) };
            if changed != 0 && subnormal {
                self.st |= S_UNDERFLOW;
            }
            if subnormal {
                self.st |= S_SUBNORMAL;
            }
            if changed != 0 {
                self.st |= S_INEXACT;
            }
            self.st |= S_ROUNDED;
            if ans.is_zero() {
                self.st |= S_CLAMPED;
            }
            return Ok(ans);
        }
        if subnormal {
            self.st |= S_SUBNORMAL;
        }
        if c.clamp && d.exp > etop {
            self.st |= S_CLAMPED;
            let pad = pow10(d.exp - etop)?;
            return Ok(Dec::fin(d.neg, d.coeff * pad, etop));
        }
        Ok(d)
    }

    /// `_rescale`: the same value at exponent `exp`, rounded (no flags).
    fn rescale(&self, d: &Dec, exp: i64, r: Rounding) -> PyResult<Dec> {
        if d.special() {
            return Ok(d.clone());
        }
        if d.coeff.is_zero() {
            return Ok(Dec::zero(d.neg, exp));
        }
        if d.exp >= exp {
            return Ok(Dec::fin(d.neg, &d.coeff * pow10(d.exp - exp)?, exp));
        }
        let mut digits = d.digits() + d.exp - exp;
        let mut work = d.clone();
        if digits < 0 {
            work = Dec::fin(d.neg, BigInt::one(), exp - 1);
            digits = 0;
        }
        let (mut coeff, changed) = round_split(work.neg, &work.coeff, work.digits() - digits, r)?;
        if changed == 1 {
            coeff += 1;
        }
        Ok(Dec::fin(d.neg, coeff, exp))
    }

    /// `_round`: round to `places` significant digits.
    fn round_places(&self, d: &Dec, places: i64, r: Rounding) -> PyResult<Dec> {
        if d.special() || d.coeff.is_zero() {
            return Ok(d.clone());
        }
        let ans = self.rescale(d, d.adjusted() + 1 - places, r)?;
        if ans.adjusted() != d.adjusted() {
            return self.rescale(&ans, ans.adjusted() + 1 - places, r);
        }
        Ok(ans)
    }

    fn add(&mut self, a: &Dec, b: &Dec) -> PyResult<Dec> {
        if a.special() || b.special() {
            if let Some(n) = self.check_nans(a, Some(b)) {
                return Ok(n);
            }
            if a.kind == Kind::Inf {
                if a.neg != b.neg && b.kind == Kind::Inf {
                    return Ok(self.invalid(S_INVALID));
                }
                return Ok(a.clone());
            }
            return Ok(b.clone());
        }
        let mut exp = a.exp.min(b.exp);
        let negzero = self.c.rounding == Rounding::Floor && a.neg != b.neg;
        if a.coeff.is_zero() && b.coeff.is_zero() {
            let neg = (a.neg && b.neg) || negzero;
            return self.fix(Dec::zero(neg, exp));
        }
        if a.coeff.is_zero() {
            exp = exp.max(b.exp - self.c.prec - 1);
            let r = self.rescale(b, exp, self.c.rounding)?;
            return self.fix(r);
        }
        if b.coeff.is_zero() {
            exp = exp.max(a.exp - self.c.prec - 1);
            let r = self.rescale(a, exp, self.c.rounding)?;
            return self.fix(r);
        }
        // `_normalize`: an operand far below the other's last digit shrinks to a
        // sticky 1, which rounds identically.
        let (mut x, mut y) = (a.clone(), b.clone());
        {
            let (tmp, other) = if x.exp < y.exp { (&mut y, &mut x) } else { (&mut x, &mut y) };
            let tmp_len = tmp.digits();
            let other_len = other.digits();
            let e = tmp.exp + (-1i64).min(tmp_len - self.c.prec - 2);
            if other_len + other.exp - 1 < e {
                other.coeff = BigInt::one();
                other.exp = e;
            }
            tmp.coeff = &tmp.coeff * pow10(tmp.exp - other.exp)?;
            tmp.exp = other.exp;
        }
        let sx = if x.neg { -x.coeff.clone() } else { x.coeff.clone() };
        let sy = if y.neg { -y.coeff.clone() } else { y.coeff.clone() };
        let s = sx + sy;
        if s.is_zero() {
            return self.fix(Dec::zero(negzero, exp));
        }
        let r = Dec::fin(s.is_negative(), s.abs(), x.exp);
        self.fix(r)
    }

    fn mul(&mut self, a: &Dec, b: &Dec) -> PyResult<Dec> {
        let neg = a.neg ^ b.neg;
        if a.special() || b.special() {
            if let Some(n) = self.check_nans(a, Some(b)) {
                return Ok(n);
            }
            if a.kind == Kind::Inf {
                if b.is_zero() {
                    return Ok(self.invalid(S_INVALID));
                }
                return Ok(Dec::inf(neg));
            }
            if a.is_zero() {
                return Ok(self.invalid(S_INVALID));
            }
            return Ok(Dec::inf(neg));
        }
        let exp = a.exp + b.exp;
        self.fix(Dec::fin(neg, &a.coeff * &b.coeff, exp))
    }

    fn div(&mut self, a: &Dec, b: &Dec) -> PyResult<Dec> {
        let neg = a.neg ^ b.neg;
        if a.special() || b.special() {
            if let Some(n) = self.check_nans(a, Some(b)) {
                return Ok(n);
            }
            if a.kind == Kind::Inf && b.kind == Kind::Inf {
                return Ok(self.invalid(S_INVALID));
            }
            if a.kind == Kind::Inf {
                return Ok(Dec::inf(neg));
            }
            self.st |= S_CLAMPED;
            return Ok(Dec::zero(neg, self.c.etiny()));
        }
        if b.coeff.is_zero() {
            if a.coeff.is_zero() {
                return Ok(self.invalid(S_DIV_UNDEFINED));
            }
            self.st |= S_DIV_ZERO;
            return Ok(Dec::inf(neg));
        }
        let (coeff, exp) = if a.coeff.is_zero() {
            (BigInt::zero(), a.exp - b.exp)
        } else {
            let shift = b.digits() - a.digits() + self.c.prec + 1;
            let mut exp = a.exp - b.exp - shift;
            let (mut q, r) = if shift >= 0 {
                (&a.coeff * pow10(shift)?).div_rem(&b.coeff)
            } else {
                a.coeff.div_rem(&(&b.coeff * pow10(-shift)?))
            };
            if !r.is_zero() {
                if (&q % 5u32).is_zero() {
                    q += 1;
                }
            } else {
                let ideal = a.exp - b.exp;
                while exp < ideal && (&q % 10u32).is_zero() {
                    q /= 10;
                    exp += 1;
                }
            }
            (q, exp)
        };
        self.fix(Dec::fin(neg, coeff, exp))
    }

    /// `_divide`: the integer quotient and remainder (both unrounded).
    fn divide_int(&mut self, a: &Dec, b: &Dec) -> PyResult<(Dec, Dec)> {
        let neg = a.neg ^ b.neg;
        let ideal = if b.kind == Kind::Inf { a.exp } else { a.exp.min(b.exp) };
        let expdiff = a.adjusted() - b.adjusted();
        if a.coeff.is_zero() || b.kind == Kind::Inf || expdiff <= -2 {
            return Ok((Dec::zero(neg, 0), self.rescale(a, ideal, self.c.rounding)?));
        }
        if expdiff <= self.c.prec {
            let (mut x, mut y) = (a.coeff.clone(), b.coeff.clone());
            if a.exp >= b.exp {
                x *= pow10(a.exp - b.exp)?;
            } else {
                y *= pow10(b.exp - a.exp)?;
            }
            let (q, r) = x.div_rem(&y);
            if q < pow10(self.c.prec)? {
                return Ok((Dec::fin(neg, q, 0), Dec::fin(a.neg, r, ideal)));
            }
        }
        let n = self.invalid(S_DIV_IMPOSSIBLE);
        Ok((n.clone(), n))
    }

    fn divmod(&mut self, a: &Dec, b: &Dec) -> PyResult<(Dec, Dec)> {
        if let Some(n) = self.check_nans(a, Some(b)) {
            return Ok((n.clone(), n));
        }
        let neg = a.neg ^ b.neg;
        if a.kind == Kind::Inf {
            if b.kind == Kind::Inf {
                let n = self.invalid(S_INVALID);
                return Ok((n.clone(), n));
            }
            let r = self.invalid(S_INVALID);
            return Ok((Dec::inf(neg), r));
        }
        if b.is_zero() {
            if a.is_zero() {
                let n = self.invalid(S_DIV_UNDEFINED);
                return Ok((n.clone(), n));
            }
            self.st |= S_DIV_ZERO;
            let r = self.invalid(S_INVALID);
            return Ok((Dec::inf(neg), r));
        }
        let (q, r) = self.divide_int(a, b)?;
        let r = self.fix(r)?;
        Ok((q, r))
    }

    fn modulo(&mut self, a: &Dec, b: &Dec) -> PyResult<Dec> {
        if let Some(n) = self.check_nans(a, Some(b)) {
            return Ok(n);
        }
        if a.kind == Kind::Inf {
            return Ok(self.invalid(S_INVALID));
        }
        if b.is_zero() {
            return Ok(if a.is_zero() { self.invalid(S_DIV_UNDEFINED) } else { self.invalid(S_INVALID) });
        }
        let (_, r) = self.divide_int(a, b)?;
        self.fix(r)
    }

    fn floordiv(&mut self, a: &Dec, b: &Dec) -> PyResult<Dec> {
        if let Some(n) = self.check_nans(a, Some(b)) {
            return Ok(n);
        }
        if a.kind == Kind::Inf {
            if b.kind == Kind::Inf {
                return Ok(self.invalid(S_INVALID));
            }
            return Ok(Dec::inf(a.neg ^ b.neg));
        }
        if b.is_zero() {
            if a.is_zero() {
                return Ok(self.invalid(S_DIV_UNDEFINED));
            }
            self.st |= S_DIV_ZERO;
            return Ok(Dec::inf(a.neg ^ b.neg));
        }
        Ok(self.divide_int(a, b)?.0)
    }

    fn plus(&mut self, a: &Dec, negate: bool, absolute: bool) -> PyResult<Dec> {
        if let Some(n) = self.check_nans(a, None) {
            return Ok(n);
        }
        let mut d = a.clone();
        if absolute {
            d.neg = false;
        } else if negate {
            d.neg = !d.neg;
        }
        if d.is_zero() && self.c.rounding != Rounding::Floor {
            d.neg = false;
        }
        self.fix(d)
    }

    /// `next_plus` (`up`) / `next_minus`: the neighbour toward +/- infinity, as
    /// _pydecimal: round toward it with flags ignored; when that leaves the value
    /// as it was, add (subtract) a unit below the smallest exponent.
    fn next_toward(&mut self, a: &Dec, up: bool) -> PyResult<Dec> {
        if let Some(n) = self.check_nans(a, None) {
            return Ok(n);
        }
        let mut c2 = *self.c;
        if a.kind == Kind::Inf {
            if a.neg != up {
                return Ok(a.clone());
            }
            return Ok(Dec::fin(up, pow10(c2.prec)? - 1, c2.etop()));
        }
        c2.rounding = if up { Rounding::Ceiling } else { Rounding::Floor };
        let mut o = Op { c: &c2, st: 0 };
        let new = o.fix(a.clone())?;
        if !same_value(&new, a) {
            return Ok(new);
        }
        let tiny = Dec::fin(!up, BigInt::one(), c2.etiny() - 1);
        let mut o = Op { c: &c2, st: 0 };
        o.add(a, &tiny)
    }

    fn sqrt(&mut self, a: &Dec) -> PyResult<Dec> {
        if a.special() {
            if let Some(n) = self.check_nans(a, None) {
                return Ok(n);
            }
            if !a.neg {
                return Ok(a.clone());
            }
        }
        if a.is_zero() {
            let d = Dec::zero(a.neg, a.exp.div_euclid(2));
            return self.fix(d);
        }
        if a.neg {
            return Ok(self.invalid(S_INVALID));
        }
        let prec = self.c.prec + 1;
        let mut e = a.exp >> 1;
        let len = a.digits();
        let (mut c, l) = if a.exp & 1 != 0 { (&a.coeff * 10u32, (len >> 1) + 1) } else { (a.coeff.clone(), (len + 1) >> 1) };
        let shift = prec - l;
        let mut exact;
        if shift >= 0 {
            c *= pow10(2 * shift)?;
            exact = true;
        } else {
            let (q, r) = c.div_rem(&pow10(-2 * shift)?);
            c = q;
            exact = r.is_zero();
        }
        e -= shift;
        let mut n = c.sqrt();
        exact = exact && &n * &n == c;
        if exact {
            if shift >= 0 {
                n /= pow10(shift)?;
            } else {
                n *= pow10(-shift)?;
            }
            e += shift;
        } else if (&n % 5u32).is_zero() {
            n += 1;
        }
        let c2 = Ctx { rounding: Rounding::HalfEven, ..*self.c };
        let mut sub = Op { c: &c2, st: 0 };
        let r = sub.fix(Dec::fin(false, n, e))?;
        self.st |= sub.st;
        Ok(r)
    }

    fn quantize(&mut self, a: &Dec, q: &Dec, r: Rounding) -> PyResult<Dec> {
        if a.special() || q.special() {
            if let Some(n) = self.check_nans(a, Some(q)) {
                return Ok(n);
            }
            if q.kind == Kind::Inf && a.kind == Kind::Inf {
                return Ok(a.clone());
            }
            return Ok(self.invalid(S_INVALID));
        }
        let c = *self.c;
        if !(c.etiny() <= q.exp && q.exp <= c.emax) {
            return Ok(self.invalid(S_INVALID));
        }
        if a.coeff.is_zero() {
            return self.fix(Dec::zero(a.neg, q.exp));
        }
        let adj = a.adjusted();
        if adj > c.emax || adj - q.exp + 1 > c.prec {
            return Ok(self.invalid(S_INVALID));
        }
        let ans = self.rescale(a, q.exp, r)?;
        if ans.adjusted() > c.emax || ans.digits() > c.prec {
            return Ok(self.invalid(S_INVALID));
        }
        if !ans.coeff.is_zero() && ans.adjusted() < c.emin {
            self.st |= S_SUBNORMAL;
        }
        if ans.exp > a.exp {
            if cmp_fin(&ans, a) != Ordering::Equal {
                self.st |= S_INEXACT;
            }
            self.st |= S_ROUNDED;
        }
        self.fix(ans)
    }

    fn normalize(&mut self, a: &Dec) -> PyResult<Dec> {
        if let Some(n) = self.check_nans(a, None) {
            return Ok(n);
        }
        let dup = self.fix(a.clone())?;
        if dup.kind == Kind::Inf {
            return Ok(dup);
        }
        if dup.coeff.is_zero() {
            return Ok(Dec::zero(dup.neg, 0));
        }
        let exp_max = if self.c.clamp { self.c.etop() } else { self.c.emax };
        let (mut coeff, mut exp) = (dup.coeff.clone(), dup.exp);
        while exp < exp_max && (&coeff % 10u32).is_zero() {
            coeff /= 10;
            exp += 1;
        }
        Ok(Dec::fin(dup.neg, coeff, exp))
    }

    fn to_integral(&mut self, a: &Dec, r: Rounding, exact: bool) -> PyResult<Dec> {
        if a.special() {
            if let Some(n) = self.check_nans(a, None) {
                return Ok(n);
            }
            return Ok(a.clone());
        }
        if a.exp >= 0 {
            return Ok(a.clone());
        }
        let ans = self.rescale(a, 0, r)?;
        if exact {
            if a.coeff.is_zero() {
                return Ok(Dec::zero(a.neg, 0));
            }
            if cmp_fin(&ans, a) != Ordering::Equal {
                self.st |= S_INEXACT;
            }
            self.st |= S_ROUNDED;
        }
        Ok(ans)
    }

    /// Integer powers exactly (then rounded); other powers through exp(y*ln(x))
    /// with guard digits.
    fn power(&mut self, a: &Dec, b: &Dec) -> PyResult<Dec> {
        if let Some(n) = self.check_nans(a, Some(b)) {
            return Ok(n);
        }
        if b.is_zero() {
            if a.is_zero() {
                return Ok(self.invalid(S_INVALID));
            }
            return self.fix(Dec::fin(false, BigInt::one(), 0));
        }
        let b_int = b.is_integer();
        let odd = b_int && {
            let i = dec_to_int_trunc(b).unwrap_or_default();
            i.is_odd()
        };
        let result_neg = a.neg && odd;
        if a.neg && !a.is_zero() && !b_int {
            return Ok(self.invalid(S_INVALID));
        }
        if a.neg && a.kind == Kind::Inf && !b_int {
            return Ok(self.invalid(S_INVALID));
        }
        if a.is_zero() {
            return Ok(if b.neg { Dec::inf(result_neg) } else { Dec::zero(result_neg, 0) });
        }
        if a.kind == Kind::Inf {
            return Ok(if b.neg { Dec::zero(result_neg, 0) } else { Dec::inf(result_neg) });
        }
        if b.kind == Kind::Inf {
            // |a| < 1, == 1 or > 1 decides.
            let one = Dec::fin(false, BigInt::one(), 0);
            let c = cmp_fin(&a.copy_abs(), &one);
            if c == Ordering::Equal {
                self.st |= S_INEXACT | S_ROUNDED;
                return self.fix(Dec::fin(false, pow10(self.c.prec - 1)?, 1 - self.c.prec));
            }
            let big = (c == Ordering::Greater) != b.neg;
            return Ok(if big { Dec::inf(false) } else { Dec::zero(false, 0) });
        }
        if b_int {
            let y = dec_to_int_trunc(b).unwrap_or_default();
            let ay = y.abs();
            let est = (a.digits() as f64) * ay.to_f64().unwrap_or(f64::INFINITY);
            let adj_est = (a.adjusted() as f64 + 1.0) * ay.to_f64().unwrap_or(f64::INFINITY);
            if adj_est.abs() > (self.c.emax as f64) * 4.0 + 100.0 {
                // Certainly out of range: overflow or underflow to zero.
                let grows = (a.adjusted() >= 0) != y.is_negative();
                if grows {
                    return self.overflow(result_neg);
                }
                self.st |= S_UNDERFLOW | S_SUBNORMAL | S_INEXACT | S_ROUNDED | S_CLAMPED;
                return Ok(Dec::zero(result_neg, self.c.etiny()));
            }
            if est <= 200_000.0 {
                let e = ay.to_usize().unwrap_or(0);
                let coeff = num_traits::pow(a.coeff.clone(), e);
                let exp = a.exp.checked_mul(e as i64).ok_or_else(|| PyErr::overflow("exponent too large"))?;
                let p = Dec::fin(result_neg, coeff, exp);
                if !y.is_negative() {
                    return self.fix(p);
                }
                return self.div(&Dec::fin(false, BigInt::one(), 0), &p);
            }
        }
        self.power_general(a, b, result_neg)
    }

    fn power_general(&mut self, a: &Dec, b: &Dec, neg: bool) -> PyResult<Dec> {
        // exp(b * ln|a|) at the context precision plus guard digits.
        let guard = 10 + (a.adjusted().abs().max(b.adjusted().abs()) as f64).log10().max(0.0) as i64 * 2;
        let wp = self.c.prec + guard;
        let x = Frac10::from_dec(&a.copy_abs());
        let l = ln_fixed(&x, wp + 5)?;
        let by = Frac10::from_dec(&b.copy_abs());
        let mut t = l.mul(&by, wp + 5);
        if b.neg {
            t.n = -t.n;
        }
        let r = exp_fixed(&t, wp, self.c)?;
        let Some(r) = r else {
            return if t.n.is_positive() { self.overflow(neg) } else {
                self.st |= S_UNDERFLOW | S_SUBNORMAL | S_INEXACT | S_ROUNDED | S_CLAMPED;
                Ok(Dec::zero(neg, self.c.etiny()))
            };
        };
        let mut d = r;
        d.neg = neg;
        // The result is inexact: make the last guard digit sticky.
        if (&d.coeff % 10u32).is_zero() {
            d.coeff += 1;
        }
        self.st |= S_INEXACT | S_ROUNDED;
        self.fix(d)
    }
}

/// A fixed-point value n / 10**scale for the transcendental helpers.
#[derive(Clone, Debug)]
struct Frac10 {
    n: BigInt,
    scale: i64,
}

impl Frac10 {
    fn from_dec(d: &Dec) -> Frac10 {
        let n = if d.neg { -d.coeff.clone() } else { d.coeff.clone() };
        if d.exp >= 0 {
            Frac10 { n: n * pow10_small(d.exp as u64), scale: 0 }
        } else {
            Frac10 { n, scale: -d.exp }
        }
    }
    fn rescale(&self, scale: i64) -> Frac10 {
        if scale >= self.scale {
            Frac10 { n: &self.n * pow10_small((scale - self.scale) as u64), scale }
        } else {
            Frac10 { n: &self.n / pow10_small((self.scale - scale) as u64), scale }
        }
    }
    fn mul(&self, o: &Frac10, scale: i64) -> Frac10 {
        Frac10 { n: &self.n * &o.n, scale: self.scale + o.scale }.rescale(scale)
    }
}

/// ln(x) for x > 0 as a fixed-point number with `wp` fractional digits.
fn ln_fixed(x: &Frac10, wp: i64) -> PyResult<Frac10> {
    if wp > 10_000 {
        return Err(PyErr::new(ExcKind::MemoryError, ""));
    }
    let w = wp + 10;
    // x = m * 10**k with m in [0.1, 1): ln x = ln m + k ln 10.
    let digits = ndigits(&x.n);
    let k = digits - x.scale;
    let m = Frac10 { n: x.n.clone(), scale: digits }.rescale(w);
    let ln_m = ln_near_one(&m, w);
    let ln10 = ln_near_one(&Frac10 { n: BigInt::from(10), scale: 0 }.rescale(w), w);
    let r = Frac10 { n: ln_m.n + ln10.n * BigInt::from(k), scale: w };
    Ok(r.rescale(wp))
}

/// ln(m) by repeated square roots then the atanh series; m > 0, scale w.
fn ln_near_one(m: &Frac10, w: i64) -> Frac10 {
    let one = pow10_small(w as u64);
    let mut y = m.n.clone();
    let mut roots = 0u32;
    // Take square roots until |y - 1| < 10**-3.
    let thresh = &one / 1000;
    while (&y - &one).abs() > thresh && roots < 200 {
        y = (&y * &one).sqrt();
        roots += 1;
    }
    // ln y = 2 atanh((y-1)/(y+1)).
    let z = ((&y - &one) * &one) / (&y + &one);
    let z2 = (&z * &z) / &one;
    let mut term = z.clone();
    let mut sum = z.clone();
    let mut k = 1u32;
    while !term.is_zero() && k < 100_000 {
        term = (&term * &z2) / &one;
        k += 2;
        sum += &term / k;
    }
    let r = sum * 2 * (BigInt::one() << roots as usize);
    Frac10 { n: r, scale: w }
}

/// exp(t) as a Dec with about `wp` significant digits; None when far out of range.
fn exp_fixed(t: &Frac10, wp: i64, c: &Ctx) -> PyResult<Option<Dec>> {
    // exp(t) = 10**k * exp(t - k ln 10).
    let w = wp + 10;
    let ln10 = ln_near_one(&Frac10 { n: BigInt::from(10), scale: 0 }.rescale(w), w);
    let tt = t.rescale(w);
    let k = tt.n.div_floor(&ln10.n);
    let kk = k.to_i64().unwrap_or(i64::MAX);
    if kk.abs() > c.emax.abs().max(c.emin.abs()) * 2 + c.prec + 10 {
        return Ok(None);
    }
    let rem = &tt.n - &k * &ln10.n; // in [0, ln 10)
    let one = pow10_small(w as u64);
    // exp(rem) by halving: exp(r) = exp(r / 2**s)**(2**s).
    let s = 12u32;
    let r = &rem >> s as usize;
    let mut term = one.clone();
    let mut sum = one.clone();
    let mut i = 1u32;
    while !term.is_zero() && i < 100_000 {
        term = (&term * &r) / (&one * i);
        sum += &term;
        i += 1;
    }
    for _ in 0..s {
        sum = (&sum * &sum) / &one;
    }
    // value = sum / 10**w * 10**k
    Ok(Some(Dec::fin(false, sum, kk - w)))
}

fn dec_to_int_trunc(d: &Dec) -> Option<BigInt> {
    if d.special() {
        return None;
    }
    let v = if d.exp >= 0 {
        if d.exp as u64 > MAX_DIGITS {
            return None;
        }
        &d.coeff * pow10_small(d.exp as u64)
    } else {
        let k = -d.exp;
        if k > d.digits() {
            BigInt::zero()
        } else {
            &d.coeff / pow10_small(k as u64)
        }
    };
    Some(if d.neg { -v } else { v })
}

/// Comparison of two finite or infinite values (`_cmp`), NaNs excluded.
fn cmp_fin(a: &Dec, b: &Dec) -> Ordering {
    if a.special() || b.special() {
        return a.inf_sign().cmp(&b.inf_sign());
    }
    let (az, bz) = (a.coeff.is_zero(), b.coeff.is_zero());
    if az && bz {
        return Ordering::Equal;
    }
    if az {
        return if b.neg { Ordering::Greater } else { Ordering::Less };
    }
    if bz {
        return if a.neg { Ordering::Less } else { Ordering::Greater };
    }
    if a.neg != b.neg {
        return if a.neg { Ordering::Less } else { Ordering::Greater };
    }
    let (aa, ba) = (a.adjusted(), b.adjusted());
    let mag = if aa != ba {
        aa.cmp(&ba)
    } else {
        let (x, y) = if a.exp >= b.exp {
            (&a.coeff * pow10_small((a.exp - b.exp) as u64), b.coeff.clone())
        } else {
            (a.coeff.clone(), &b.coeff * pow10_small((b.exp - a.exp) as u64))
        };
        x.cmp(&y)
    };
    if a.neg {
        mag.reverse()
    } else {
        mag
    }
}

// ----- text -----

fn parse_decimal(text: &str) -> Option<Dec> {
    let t: String = text.trim().chars().filter(|c| *c != '_').collect();
    let mut digits_ascii = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_ascii() {
            digits_ascii.push(c);
        } else if let Some(d) = unicode_digit(c) {
            digits_ascii.push((b'0' + d) as char);
        } else {
            return None;
        }
    }
    let s = digits_ascii.to_ascii_lowercase();
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    if body == "inf" || body == "infinity" {
        return Some(Dec::inf(neg));
    }
    for (pre, kind) in [("snan", Kind::SNaN), ("nan", Kind::NaN)] {
        if let Some(diag) = body.strip_prefix(pre) {
            if !diag.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let payload = if diag.is_empty() { BigInt::zero() } else { diag.parse::<BigInt>().ok()? };
            return Some(Dec { neg, coeff: payload, exp: 0, kind });
        }
    }
    let (mant, exp) = match body.find('e') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (ip, fp) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if ip.is_empty() && fp.is_empty() {
        return None;
    }
    if !ip.bytes().all(|c| c.is_ascii_digit()) || !fp.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut e: i64 = 0;
    if let Some(es) = exp {
        let (eneg, ed) = match es.as_bytes().first() {
            Some(b'-') => (true, &es[1..]),
            Some(b'+') => (false, &es[1..]),
            _ => (false, es),
        };
        if ed.is_empty() || !ed.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: BigInt = ed.parse().ok()?;
        let v = v.to_i64().filter(|v| *v < i64::MAX / 4)?;
        e = if eneg { -v } else { v };
    }
    let all = format!("{ip}{fp}");
    let coeff: BigInt = all.parse().ok()?;
    Some(Dec::fin(neg, coeff, e - fp.len() as i64))
}

fn unicode_digit(c: char) -> Option<u8> {
    // Decimal digits of the common scripts (Unicode Nd blocks start at a zero).
    const ZEROS: [u32; 12] =
        [0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xE50, 0xFF10];
    let u = c as u32;
    ZEROS.iter().find(|z| u >= **z && u < **z + 10).map(|z| (u - z) as u8)
}

/// `to-sci-string` (or `to-eng-string` when `eng`).
fn to_sci(d: &Dec, eng: bool, capitals: bool) -> String {
    let sign = if d.neg { "-" } else { "" };
    match d.kind {
        Kind::Inf => return format!("{sign}Infinity"),
        Kind::NaN | Kind::SNaN => {
            let p = if d.coeff.is_zero() { String::new() } else { d.coeff.to_string() };
            let n = if d.kind == Kind::NaN { "NaN" } else { "sNaN" };
            return format!("{sign}{n}{p}");
        }
        Kind::Fin => {}
    }
    let int = d.coeff.to_string();
    let len = int.len() as i64;
    let leftdigits = d.exp + len;
    let dotplace = if d.exp <= 0 && leftdigits > -6 {
        leftdigits
    } else if !eng {
        1
    } else if d.coeff.is_zero() {
        (leftdigits + 1).rem_euclid(3) - 1
    } else {
        (leftdigits - 1).rem_euclid(3) + 1
    };
    let (ip, fp) = if dotplace <= 0 {
        ("0".to_string(), format!(".{}{}", "0".repeat((-dotplace) as usize), int))
    } else if dotplace >= len {
        (format!("{int}{}", "0".repeat((dotplace - len) as usize)), String::new())
    } else {
        (int[..dotplace as usize].to_string(), format!(".{}", &int[dotplace as usize..]))
    };
    let exp = if leftdigits == dotplace {
        String::new()
    } else {
        format!("{}{:+}", if capitals { "E" } else { "e" }, leftdigits - dotplace)
    };
    format!("{sign}{ip}{fp}{exp}")
}

// ----- values -----

fn dec_of(v: &Value) -> Option<Dec> {
    native_get::<Dec>(v)
}

fn int_value(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => crate::vm::to_bigint(v),
        Value::Instance(i) => match i.base.borrow().clone() {
            Some(b @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => crate::vm::to_bigint(&b),
            _ => None,
        },
        _ => None,
    }
}

/// `_convert_other`: Decimals and ints.
fn operand(v: &Value) -> Option<Dec> {
    dec_of(v).or_else(|| int_value(v).map(|i| Dec::from_int(&i)))
}

fn mk(sh: &Shared, d: Dec) -> Value {
    new_native(&sh.dec_cls, d)
}

fn self_dec(vm: &Vm, args: &Args, name: &str) -> PyResult<(Dec, Rc<Shared>)> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    match dec_of(&v) {
        Some(d) => Ok((d, state_of(vm, &v)?)),
        None => Err(PyErr::type_error(format!(
            "descriptor '{name}' for 'decimal.Decimal' objects doesn't apply to a '{}' object",
            v.type_name()
        ))),
    }
}

fn from_float(f: f64) -> Dec {
    if f.is_nan() {
        return Dec { neg: f.is_sign_negative(), ..Dec::nan() };
    }
    if f.is_infinite() {
        return Dec::inf(f < 0.0);
    }
    let neg = f.is_sign_negative();
    let Ok((n, d)) = super::fractions::float_ratio(f.abs()) else { return Dec::nan() };
    // d is a power of two 2**k: n / 2**k = n * 5**k / 10**k.
    let k = d.bits() as i64 - 1;
    let coeff = n * num_traits::pow(BigInt::from(5), k as usize);
    Dec::fin(neg, coeff, -k)
}

/// A Decimal from any accepted constructor argument (exact, unrounded).
fn convert_any(vm: &mut Vm, sh: &Shared, v: &Value, ctx: &Value) -> PyResult<Dec> {
    if let Some(d) = dec_of(v) {
        return Ok(d);
    }
    if let Some(i) = int_value(v) {
        return Ok(Dec::from_int(&i));
    }
    match v {
        Value::Float(f) => {
            finish(sh, ctx, S_FLOAT)?;
            Ok(from_float(*f))
        }
        Value::Str(s) => match parse_decimal(s.as_str()) {
            Some(d) => Ok(d),
            None => {
                finish(sh, ctx, S_CONV)?;
                Ok(Dec::nan())
            }
        },
        Value::Tuple(_) | Value::List(_) => from_tuple(vm, v),
        _ => Err(PyErr::type_error(format!("conversion from {} to Decimal is not supported", v.type_name()))),
    }
}

fn from_tuple(vm: &mut Vm, v: &Value) -> PyResult<Dec> {
    let items = vm.collect(v)?;
    if items.len() != 3 {
        return Err(PyErr::value_error("argument must be a sequence of length 3"));
    }
    let neg = match &items[0] {
        Value::Int(0) | Value::Bool(false) => false,
        Value::Int(1) | Value::Bool(true) => true,
        _ => return Err(PyErr::value_error("sign must be an integer with the value 0 or 1")),
    };
    let digits = vm.collect(&items[1])?;
    let mut coeff = BigInt::zero();
    for d in &digits {
        vm.tick()?;
        match d {
            Value::Int(x) if (0..=9).contains(x) => coeff = coeff * 10u32 + *x as u32,
            _ => return Err(PyErr::value_error("coefficient must be a tuple of digits")),
        }
    }
    match &items[2] {
        Value::Int(e) => Ok(Dec::fin(neg, coeff, *e)),
        Value::Str(s) => {
            let kind = match s.as_str() {
                "F" => Kind::Inf,
                "n" => Kind::NaN,
                "N" => Kind::SNaN,
                _ => return Err(PyErr::value_error("string argument in the third position must be 'F', 'n' or 'N'")),
            };
            Ok(Dec { neg, coeff: if kind == Kind::Inf { BigInt::zero() } else { coeff }, exp: 0, kind })
        }
        _ => Err(PyErr::value_error("exponent must be an integer")),
    }
}

fn dec_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error("Decimal.__new__(): not enough arguments"));
    }
    let cls = match args.pos.remove(0) {
        Value::Class(c) => c,
        other => return Err(PyErr::type_error(format!("Decimal.__new__(X): X is not a type object ({})", other.type_name()))),
    };
    let sh = state_from_class(&cls).ok_or_else(|| PyErr::type_error("decimal state missing"))?;
    let [value, context] = args.bind("Decimal", ["value", "context"], 0, 0)?;
    let value = value.unwrap_or(Value::str("0"));
    let ctx = match context {
        Some(c) if !c.is_none() => c,
        _ => sh.current.borrow().clone(),
    };
    let d = convert_any(vm, &sh, &value, &ctx)?;
    Ok(new_native(&cls, d))
}

fn module_attr() -> Attrs {
    let mut a = Attrs::default();
    a.insert("__module__".into(), Value::str("decimal"));
    a
}

fn noop_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

// ----- Decimal methods -----

/// Which type error CPython gives for an unsupported operand: the C type is
/// named `decimal.Decimal`.
fn unsupported(a: &Value, b: &Value, sym: &str, reflected: bool) -> PyResult<Value> {
    if matches!(b, Value::Instance(_) | Value::Native(_)) && dec_of(b).is_none() {
        return Ok(Value::NotImplemented);
    }
    let _ = a;
    let (l, r) = if reflected { (b.type_name().to_string(), "decimal.Decimal".to_string()) } else { ("decimal.Decimal".to_string(), b.type_name().to_string()) };
    Err(PyErr::type_error(format!("unsupported operand type(s) for {sym}: '{l}' and '{r}'")))
}

#[derive(Clone, Copy)]
enum Bin {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    DivMod,
    Pow,
}

fn bin_sym(b: Bin) -> &'static str {
    match b {
        Bin::Add => "+",
        Bin::Sub => "-",
        Bin::Mul => "*",
        Bin::Div => "/",
        Bin::FloorDiv => "//",
        Bin::Mod => "%",
        Bin::DivMod => "divmod()",
        Bin::Pow => "** or pow()",
    }
}

fn apply(sh: &Shared, ctx: &Value, c: &Ctx, x: &Dec, y: &Dec, op: Bin) -> PyResult<Value> {
    let mut o = Op { c, st: 0 };
    let r = match op {
        Bin::Add => o.add(x, y)?,
        Bin::Sub => o.add(x, &y.copy_neg())?,
        Bin::Mul => o.mul(x, y)?,
        Bin::Div => o.div(x, y)?,
        Bin::FloorDiv => o.floordiv(x, y)?,
        Bin::Mod => o.modulo(x, y)?,
        Bin::Pow => o.power(x, y)?,
        Bin::DivMod => {
            let (q, r) = o.divmod(x, y)?;
            finish(sh, ctx, o.st)?;
            return Ok(Value::tuple(vec![mk(sh, q), mk(sh, r)]));
        }
    };
    finish(sh, ctx, o.st)?;
    Ok(mk(sh, r))
}

fn binary(vm: &mut Vm, args: &Args, op: Bin, reflected: bool) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, args, "__add__")?;
    let bv = args.pos.get(1).cloned().unwrap_or(Value::None);
    if matches!(op, Bin::Pow) && args.pos.len() > 2 && !args.pos[2].is_none() {
        return pow3(vm, &sh, &a, &bv, &args.pos[2]);
    }
    let Some(b) = operand(&bv) else {
        return unsupported(&args.pos[0], &bv, bin_sym(op), reflected);
    };
    let (ctx, c) = cur(&sh);
    let (x, y) = if reflected { (b, a) } else { (a, b) };
    apply(&sh, &ctx, &c, &x, &y, op)
}

fn pow3(vm: &mut Vm, sh: &Shared, a: &Dec, b: &Value, m: &Value) -> PyResult<Value> {
    let (Some(b), Some(m)) = (operand(b), operand(m)) else {
        return Ok(Value::NotImplemented);
    };
    let (ctx, _) = cur(sh);
    let (Some(x), Some(y), Some(z)) = (dec_to_int_trunc(a), dec_to_int_trunc(&b), dec_to_int_trunc(&m)) else {
        finish(sh, &ctx, S_INVALID)?;
        return Ok(mk(sh, Dec::nan()));
    };
    if !a.is_integer() || !b.is_integer() || !m.is_integer() || y.is_negative() || z.is_zero() {
        finish(sh, &ctx, S_INVALID)?;
        return Ok(mk(sh, Dec::nan()));
    }
    vm.tick()?;
    let r = x.modpow(&y, &z.abs());
    let r = if x.is_negative() && y.is_odd() && !r.is_zero() { r - z.abs() } else { r };
    Ok(mk(sh, Dec::from_int(&r)))
}

/// Bitwise operators: the C type defines none, so they fail naming `decimal.Decimal`.
macro_rules! dec_no_binops {
    ($($f:ident, $r:ident, $sym:expr;)*) => {$(
        fn $f(_vm: &mut Vm, args: Args) -> PyResult<Value> {
            let b = args.pos.get(1).cloned().unwrap_or(Value::None);
            unsupported(&Value::None, &b, $sym, false)
        }
        fn $r(_vm: &mut Vm, args: Args) -> PyResult<Value> {
            let b = args.pos.get(1).cloned().unwrap_or(Value::None);
            unsupported(&Value::None, &b, $sym, true)
        }
    )*};
}

dec_no_binops! {
    d_lshift, d_rlshift, "<<";
    d_rshift, d_rrshift, ">>";
    d_and, d_rand, "&";
    d_or, d_ror, "|";
    d_xor, d_rxor, "^";
    d_matmul, d_rmatmul, "@";
}

fn d_invert(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Err(PyErr::type_error("bad operand type for unary ~: 'decimal.Decimal'"))
}

macro_rules! dec_binops {
    ($($f:ident, $r:ident, $op:expr;)*) => {$(
        fn $f(vm: &mut Vm, args: Args) -> PyResult<Value> {
            binary(vm, &args, $op, false)
        }
        fn $r(vm: &mut Vm, args: Args) -> PyResult<Value> {
            binary(vm, &args, $op, true)
        }
    )*};
}

dec_binops! {
    d_add, d_radd, Bin::Add;
    d_sub, d_rsub, Bin::Sub;
    d_mul, d_rmul, Bin::Mul;
    d_div, d_rdiv, Bin::Div;
    d_floordiv, d_rfloordiv, Bin::FloorDiv;
    d_mod, d_rmod, Bin::Mod;
    d_divmod, d_rdivmod, Bin::DivMod;
    d_pow, d_rpow, Bin::Pow;
}

/// The optional `context` argument of a method (None: the current one).
fn ctx_arg(sh: &Shared, v: Option<Value>) -> PyResult<(Value, Ctx)> {
    match v {
        Some(c) if !c.is_none() => {
            if let Value::Instance(i) = &c {
                if Rc::ptr_eq(&i.class, &sh.ctx_cls) || i.class.is_subclass(&sh.ctx_cls) {
                    let cc = read_ctx(&c);
                    return Ok((c, cc));
                }
            }
            Err(PyErr::type_error(format!("optional argument must be a context")))
        }
        _ => Ok(cur(sh)),
    }
}

fn rest(args: &Args) -> Args {
    Args { pos: args.pos.iter().skip(1).cloned().collect(), kw: args.kw.clone() }
}

fn unary(vm: &mut Vm, args: Args, name: &str, f: fn(&mut Op, &Dec) -> PyResult<Dec>) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, name)?;
    let [context] = rest(&args).bind(name, ["context"], 0, 0)?;
    let (ctx, c) = ctx_arg(&sh, context)?;
    let mut o = Op { c: &c, st: 0 };
    let r = f(&mut o, &a)?;
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, r))
}

fn d_neg(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "__neg__", |o, a| o.plus(a, true, false))
}
fn d_pos(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "__pos__", |o, a| o.plus(a, false, false))
}
fn d_abs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "__abs__", |o, a| o.plus(a, false, true))
}
fn d_next_plus(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "next_plus", |o, a| o.next_toward(a, true))
}
fn d_next_minus(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "next_minus", |o, a| o.next_toward(a, false))
}
fn d_sqrt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "sqrt", |o, a| o.sqrt(a))
}
fn d_normalize(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "normalize", |o, a| o.normalize(a))
}
fn d_exp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "exp", |o, a| {
        if let Some(n) = o.check_nans(a, None) {
            return Ok(n);
        }
        match a.kind {
            Kind::Inf => return Ok(if a.neg { Dec::zero(false, 0) } else { a.clone() }),
            _ if a.is_zero() => return Ok(Dec::fin(false, BigInt::one(), 0)),
            _ => {}
        }
        let wp = o.c.prec + 12;
        let t = Frac10::from_dec(a);
        if a.adjusted() > 20 {
            return if a.neg { Ok(Dec::zero(false, o.c.etiny())) } else { o.overflow(false) };
        }
        match exp_fixed(&t.rescale(wp + a.adjusted().max(0) + 5), wp, o.c)? {
            Some(mut d) => {
                if (&d.coeff % 10u32).is_zero() {
                    d.coeff += 1;
                }
                o.st |= S_INEXACT | S_ROUNDED;
                o.fix(d)
            }
            None => {
                if a.neg {
                    o.st |= S_UNDERFLOW | S_SUBNORMAL | S_INEXACT | S_ROUNDED | S_CLAMPED;
                    Ok(Dec::zero(false, o.c.etiny()))
                } else {
                    o.overflow(false)
                }
            }
        }
    })
}

fn log_common(o: &mut Op, a: &Dec, base10: bool) -> PyResult<Dec> {
    if let Some(n) = o.check_nans(a, None) {
        return Ok(n);
    }
    if a.is_zero() {
        return Ok(Dec::inf(true));
    }
    if a.neg {
        return Ok(o.invalid(S_INVALID));
    }
    if a.kind == Kind::Inf {
        return Ok(a.clone());
    }
    if base10 {
        // Exact powers of ten give exact integers.
        let mut c = a.coeff.clone();
        let mut e = a.exp;
        while (&c % 10u32).is_zero() {
            c /= 10;
            e += 1;
        }
        if c.is_one() {
            return o.fix(Dec::from_int(&BigInt::from(e)));
        }
    } else if a.coeff.is_one() && a.exp == 0 {
        return Ok(Dec::zero(false, 0));
    }
    let wp = o.c.prec + 12 + ndigits(&BigInt::from(a.adjusted().abs()));
    let mut l = ln_fixed(&Frac10::from_dec(a), wp + 5)?;
    if base10 {
        let ln10 = ln_fixed(&Frac10 { n: BigInt::from(10), scale: 0 }, wp + 5)?;
        l = Frac10 { n: (&l.n * pow10_small((wp + 5) as u64)) / &ln10.n, scale: wp + 5 };
    }
    let mut d = Dec::fin(l.n.is_negative(), l.n.abs(), -l.scale);
    if (&d.coeff % 10u32).is_zero() {
        d.coeff += 1;
    }
    o.st |= S_INEXACT | S_ROUNDED;
    o.fix(d)
}

fn d_ln(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "ln", |o, a| log_common(o, a, false))
}
fn d_log10(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, args, "log10", |o, a| log_common(o, a, true))
}

fn d_copy_abs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "copy_abs")?;
    Ok(mk(&sh, a.copy_abs()))
}

fn d_copy_negate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "copy_negate")?;
    Ok(mk(&sh, a.copy_neg()))
}

fn d_copy_sign(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "copy_sign")?;
    let b = arg_dec(&args, 1, "copy_sign")?;
    Ok(mk(&sh, Dec { neg: b.neg, ..a }))
}

fn arg_dec(args: &Args, i: usize, _name: &str) -> PyResult<Dec> {
    let v = args.pos.get(i).cloned().unwrap_or(Value::None);
    operand(&v).ok_or_else(|| PyErr::type_error(format!("conversion from {} to Decimal is not supported", v.type_name())))
}

fn d_quantize(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "quantize")?;
    let [exp, rounding, context] = rest(&args).bind("quantize", ["exp", "rounding", "context"], 0, 1)?;
    let expv = exp.unwrap_or(Value::None);
    let q = operand(&expv)
        .ok_or_else(|| PyErr::type_error(format!("conversion from {} to Decimal is not supported", expv.type_name())))?;
    let (ctx, c) = ctx_arg(&sh, context)?;
    let r = match rounding {
        Some(r) if !r.is_none() => rounding_from(&r)?,
        _ => c.rounding,
    };
    let mut o = Op { c: &c, st: 0 };
    let res = o.quantize(&a, &q, r)?;
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, res))
}

fn to_integral_impl(vm: &mut Vm, args: Args, name: &str, exact: bool) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, name)?;
    let [rounding, context] = rest(&args).bind(name, ["rounding", "context"], 0, 0)?;
    let (ctx, c) = ctx_arg(&sh, context)?;
    let r = match rounding {
        Some(r) if !r.is_none() => rounding_from(&r)?,
        _ => c.rounding,
    };
    let mut o = Op { c: &c, st: 0 };
    let res = o.to_integral(&a, r, exact)?;
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, res))
}

fn d_to_integral_value(vm: &mut Vm, args: Args) -> PyResult<Value> {
    to_integral_impl(vm, args, "to_integral_value", false)
}
fn d_to_integral_exact(vm: &mut Vm, args: Args) -> PyResult<Value> {
    to_integral_impl(vm, args, "to_integral_exact", true)
}

fn d_scaleb(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "scaleb")?;
    let [other, context] = rest(&args).bind("scaleb", ["other", "context"], 1, 1)?;
    let ov = other.unwrap_or(Value::None);
    let b = operand(&ov).ok_or_else(|| PyErr::type_error(format!("conversion from {} to Decimal is not supported", ov.type_name())))?;
    let (ctx, c) = ctx_arg(&sh, context)?;
    let mut o = Op { c: &c, st: 0 };
    let res = (|| -> PyResult<Dec> {
        if let Some(n) = o.check_nans(&a, Some(&b)) {
            return Ok(n);
        }
        if b.special() || b.exp != 0 {
            return Ok(o.invalid(S_INVALID));
        }
        let lim = 2 * (c.emax + c.prec);
        let n = dec_to_int_trunc(&b).and_then(|n| n.to_i64()).filter(|n| n.abs() <= lim);
        let Some(n) = n else { return Ok(o.invalid(S_INVALID)) };
        if a.kind == Kind::Inf {
            return Ok(a.clone());
        }
        o.fix(Dec { exp: a.exp + n, ..a.clone() })
    })()?;
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, res))
}

fn compare_total(a: &Dec, b: &Dec) -> Ordering {
    let key = |d: &Dec| match d.kind {
        Kind::Fin => 1,
        Kind::Inf => 2,
        Kind::SNaN => 3,
        Kind::NaN => 4,
    };
    if a.neg != b.neg {
        return if a.neg { Ordering::Less } else { Ordering::Greater };
    }
    let o = if key(a) != key(b) {
        key(a).cmp(&key(b))
    } else if a.is_nan() {
        a.coeff.cmp(&b.coeff)
    } else {
        match cmp_fin(&a.copy_abs(), &b.copy_abs()) {
            Ordering::Equal => a.exp.cmp(&b.exp),
            x => x,
        }
    };
    if a.neg {
        o.reverse()
    } else {
        o
    }
}

fn d_compare(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "compare")?;
    let b = arg_dec(&args, 1, "compare")?;
    let (ctx, c) = cur(&sh);
    let mut o = Op { c: &c, st: 0 };
    let r = match o.check_nans(&a, Some(&b)) {
        Some(n) => n,
        None => match cmp_fin(&a, &b) {
            Ordering::Less => Dec::fin(true, BigInt::one(), 0),
            Ordering::Equal => Dec::zero(false, 0),
            Ordering::Greater => Dec::fin(false, BigInt::one(), 0),
        },
    };
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, r))
}

fn d_compare_total(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "compare_total")?;
    let b = arg_dec(&args, 1, "compare_total")?;
    Ok(mk(
        &sh,
        match compare_total(&a, &b) {
            Ordering::Less => Dec::fin(true, BigInt::one(), 0),
            Ordering::Equal => Dec::zero(false, 0),
            Ordering::Greater => Dec::fin(false, BigInt::one(), 0),
        },
    ))
}

fn minmax(vm: &mut Vm, args: Args, want_max: bool, mag: bool) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "max")?;
    let b = arg_dec(&args, 1, "max")?;
    let (ctx, c) = cur(&sh);
    let mut o = Op { c: &c, st: 0 };
    let r = if a.is_nan() || b.is_nan() {
        // A single quiet NaN loses to a number.
        if a.kind == Kind::NaN && !b.is_nan() {
            b.clone()
        } else if b.kind == Kind::NaN && !a.is_nan() {
            a.clone()
        } else {
            o.check_nans(&a, Some(&b)).unwrap_or_else(Dec::nan)
        }
    } else {
        let mut ord = if mag { cmp_fin(&a.copy_abs(), &b.copy_abs()) } else { cmp_fin(&a, &b) };
        if ord == Ordering::Equal {
            ord = compare_total(&a, &b);
        }
        let pick_a = if want_max { ord != Ordering::Less } else { ord != Ordering::Greater };
        if pick_a {
            a.clone()
        } else {
            b.clone()
        }
    };
    let r = o.fix(r)?;
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, r))
}

fn d_max(vm: &mut Vm, args: Args) -> PyResult<Value> {
    minmax(vm, args, true, false)
}
fn d_min(vm: &mut Vm, args: Args) -> PyResult<Value> {
    minmax(vm, args, false, false)
}
fn d_max_mag(vm: &mut Vm, args: Args) -> PyResult<Value> {
    minmax(vm, args, true, true)
}
fn d_min_mag(vm: &mut Vm, args: Args) -> PyResult<Value> {
    minmax(vm, args, false, true)
}

fn d_fma(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "fma")?;
    let b = arg_dec(&args, 1, "fma")?;
    let cc = arg_dec(&args, 2, "fma")?;
    let (ctx, c) = cur(&sh);
    let big = Ctx { prec: MAX_PREC.min(a.digits() + b.digits() + 2), emax: i64::MAX / 4, emin: i64::MIN / 4, ..c };
    let mut o1 = Op { c: &big, st: 0 };
    let p = o1.mul(&a, &b)?;
    let mut o = Op { c: &c, st: o1.st & S_INVALID_ALL };
    let r = o.add(&p, &cc)?;
    finish(&sh, &ctx, o.st)?;
    Ok(mk(&sh, r))
}

fn pred(vm: &mut Vm, args: Args, f: fn(&Dec, &Ctx) -> bool) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "is_")?;
    let (_, c) = cur(&sh);
    Ok(Value::Bool(f(&a, &c)))
}

fn d_is_nan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.is_nan())
}
fn d_is_qnan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.kind == Kind::NaN)
}
fn d_is_snan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.kind == Kind::SNaN)
}
fn d_is_infinite(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.kind == Kind::Inf)
}
fn d_is_finite(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.kind == Kind::Fin)
}
fn d_is_zero(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.is_zero())
}
fn d_is_signed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, _| a.neg)
}
fn d_is_normal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, c| a.kind == Kind::Fin && !a.is_zero() && a.adjusted() >= c.emin)
}
fn d_is_subnormal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |a, c| a.kind == Kind::Fin && !a.is_zero() && a.adjusted() < c.emin)
}
fn d_is_canonical(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pred(vm, args, |_, _| true)
}

fn d_adjusted(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_dec(vm, &args, "adjusted")?;
    Ok(Value::Int(a.adjusted()))
}

fn d_as_tuple(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "as_tuple")?;
    let digits: Vec<Value> = if a.kind == Kind::Inf {
        vec![Value::Int(0)]
    } else if a.is_nan() && a.coeff.is_zero() {
        vec![]
    } else {
        a.coeff.to_string().bytes().map(|b| Value::Int((b - b'0') as i64)).collect()
    };
    let exp = match a.kind {
        Kind::Fin => Value::Int(a.exp),
        Kind::Inf => Value::str("F"),
        Kind::NaN => Value::str("n"),
        Kind::SNaN => Value::str("N"),
    };
    let cls = Value::Class(sh.tuple_cls.clone());
    vm.call(&cls, Args::new([Value::Int(a.neg as i64), Value::tuple(digits), exp]))
}

fn d_as_integer_ratio(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_dec(vm, &args, "as_integer_ratio")?;
    match a.kind {
        Kind::Inf => return Err(PyErr::overflow("cannot convert Infinity to integer ratio")),
        Kind::NaN | Kind::SNaN => return Err(PyErr::value_error("cannot convert NaN to integer ratio")),
        Kind::Fin => {}
    }
    let s = if a.neg { -a.coeff.clone() } else { a.coeff.clone() };
    let (n, d) = if a.exp >= 0 {
        vm.check_alloc((a.exp as u128) / 2 + 16)?;
        (s * pow10(a.exp)?, BigInt::one())
    } else {
        let d = pow10(-a.exp)?;
        let g = s.gcd(&d);
        if g.is_zero() {
            (BigInt::zero(), BigInt::one())
        } else {
            (&s / &g, &d / &g)
        }
    };
    Ok(Value::tuple(vec![Value::from_bigint(n), Value::from_bigint(d)]))
}

fn d_int(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_dec(vm, &args, "__int__")?;
    match a.kind {
        Kind::NaN | Kind::SNaN => Err(PyErr::value_error("cannot convert NaN to integer")),
        Kind::Inf => Err(PyErr::overflow("cannot convert infinity to integer")),
        Kind::Fin => {
            if a.exp > 0 {
                vm.check_alloc((a.exp as u128) / 2 + 16)?;
            }
            dec_to_int_trunc(&a).map(Value::from_bigint).ok_or_else(|| PyErr::new(ExcKind::MemoryError, ""))
        }
    }
}

fn int_rounded(vm: &mut Vm, args: &Args, name: &str, r: Rounding) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, args, name)?;
    match a.kind {
        Kind::NaN | Kind::SNaN => return Err(PyErr::value_error("cannot round a NaN")),
        Kind::Inf => return Err(PyErr::overflow("cannot round an infinity")),
        Kind::Fin => {}
    }
    let (_, c) = cur(&sh);
    let o = Op { c: &c, st: 0 };
    let d = o.rescale(&a, 0, r)?;
    if d.exp > 0 {
        vm.check_alloc((d.exp as u128) / 2 + 16)?;
    }
    dec_to_int_trunc(&d).map(Value::from_bigint).ok_or_else(|| PyErr::new(ExcKind::MemoryError, ""))
}

fn d_floor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    int_rounded(vm, &args, "__floor__", Rounding::Floor)
}
fn d_ceil(vm: &mut Vm, args: Args) -> PyResult<Value> {
    int_rounded(vm, &args, "__ceil__", Rounding::Ceiling)
}

fn d_round(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.get(1) {
        None | Some(Value::None) => int_rounded(vm, &args, "__round__", Rounding::HalfEven),
        Some(n) => {
            let (a, sh) = self_dec(vm, &args, "__round__")?;
            let Some(n) = int_value(n) else {
                return Err(PyErr::type_error("optional arg must be an integer"));
            };
            let n = n.to_i64().ok_or_else(|| PyErr::overflow("Python int too large to convert to C ssize_t"))?;
            let q = Dec::fin(false, BigInt::one(), n.checked_neg().unwrap_or(i64::MAX));
            let (ctx, c) = cur(&sh);
            let mut o = Op { c: &c, st: 0 };
            let res = o.quantize(&a, &q, c.rounding)?;
            finish(&sh, &ctx, o.st)?;
            Ok(mk(&sh, res))
        }
    }
}

fn d_float(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_dec(vm, &args, "__float__")?;
    let s = match a.kind {
        Kind::SNaN => return Err(PyErr::value_error("cannot convert signaling NaN to float")),
        Kind::NaN => {
            if a.neg {
                "-nan".to_string()
            } else {
                "nan".to_string()
            }
        }
        _ => to_sci(&a, false, true),
    };
    Ok(Value::Float(crate::values::numparse::parse_float(&s).unwrap_or(f64::NAN)))
}

fn d_bool(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_dec(vm, &args, "__bool__")?;
    Ok(Value::Bool(!a.is_zero()))
}

fn d_str(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "__str__")?;
    let (_, c) = cur(&sh);
    Ok(Value::string(to_sci(&a, false, c.capitals)))
}

fn d_to_eng_string(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "to_eng_string")?;
    let (_, c) = cur(&sh);
    Ok(Value::string(to_sci(&a, true, c.capitals)))
}

fn d_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "__repr__")?;
    let (_, c) = cur(&sh);
    Ok(Value::string(format!("Decimal('{}')", to_sci(&a, false, c.capitals))))
}

fn d_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, _) = self_dec(vm, &args, "__hash__")?;
    match a.kind {
        Kind::SNaN => return Err(PyErr::type_error("Cannot hash a signaling NaN value")),
        Kind::NaN => {
            let id = args.pos.first().map(|v| v.identity()).unwrap_or(0);
            return Ok(Value::Int((id >> 4) as i64));
        }
        Kind::Inf => return Ok(Value::Int(if a.neg { -314_159 } else { 314_159 })),
        Kind::Fin => {}
    }
    let m = BigInt::from(crate::values::hash::MODULUS);
    let exp_hash = if a.exp >= 0 {
        BigInt::from(10).modpow(&BigInt::from(a.exp), &m)
    } else {
        let inv10 = BigInt::from(10).modpow(&(&m - 2), &m);
        inv10.modpow(&BigInt::from(-a.exp), &m)
    };
    let h = (&a.coeff * exp_hash) % &m;
    let h = h.to_i64().unwrap_or(0);
    let r = if a.neg { -h } else { h };
    Ok(Value::Int(if r == -1 { -2 } else { r }))
}

/// A comparison operand: Decimal, int, float (exact, FloatOperation), Fraction.
enum CmpOperand {
    D(Dec),
    Frac(BigInt, BigInt),
}

fn cmp_operand(sh: &Shared, ctx: &Value, v: &Value, ordering: bool) -> PyResult<Option<CmpOperand>> {
    if let Some(d) = operand(v) {
        return Ok(Some(CmpOperand::D(d)));
    }
    if let Value::Float(f) = v {
        // Equality only sets the flag; ordering comparisons may trap.
        if ordering {
            finish(sh, ctx, S_FLOAT)?;
        } else {
            let flags = sig_bits(ctx, "_flags");
            set_sig_bits(ctx, "_flags", flags | 2);
        }
        return Ok(Some(CmpOperand::D(from_float(*f))));
    }
    if let Some(f) = super::fractions::frac_of(v) {
        return Ok(Some(CmpOperand::Frac(f.n, f.d)));
    }
    Ok(None)
}

/// Ordering of `a` against the operand, None when a NaN is involved.
fn order(a: &Dec, b: &CmpOperand) -> Option<Ordering> {
    match b {
        CmpOperand::D(b) => {
            if a.is_nan() || b.is_nan() {
                return None;
            }
            Some(cmp_fin(a, b))
        }
        CmpOperand::Frac(n, d) => {
            if a.is_nan() {
                return None;
            }
            if a.special() {
                return Some(a.inf_sign().cmp(&0));
            }
            // a * d against n, exactly.
            let ad = Dec::fin(a.neg, &a.coeff * d, a.exp);
            Some(cmp_fin(&ad, &Dec::from_int(n)))
        }
    }
}

fn d_eq_impl(vm: &mut Vm, args: &Args) -> PyResult<Option<bool>> {
    let (a, sh) = self_dec(vm, args, "__eq__")?;
    let (ctx, _) = cur(&sh);
    let bv = args.pos.get(1).cloned().unwrap_or(Value::None);
    let Some(b) = cmp_operand(&sh, &ctx, &bv, false)? else { return Ok(None) };
    if a.kind == Kind::SNaN || matches!(&b, CmpOperand::D(d) if d.kind == Kind::SNaN) {
        finish(&sh, &ctx, S_INVALID)?;
    }
    Ok(Some(order(&a, &b) == Some(Ordering::Equal)))
}

fn d_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(d_eq_impl(vm, &args)?.map(Value::Bool).unwrap_or(Value::NotImplemented))
}

fn d_ne(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(d_eq_impl(vm, &args)?.map(|b| Value::Bool(!b)).unwrap_or(Value::NotImplemented))
}

fn d_cmp(vm: &mut Vm, args: &Args, name: &str, test: fn(Ordering) -> bool) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, args, name)?;
    let (ctx, _) = cur(&sh);
    let bv = args.pos.get(1).cloned().unwrap_or(Value::None);
    let Some(b) = cmp_operand(&sh, &ctx, &bv, true)? else { return Ok(Value::NotImplemented) };
    match order(&a, &b) {
        Some(o) => Ok(Value::Bool(test(o))),
        None => {
            finish(&sh, &ctx, S_INVALID)?;
            Ok(Value::Bool(false))
        }
    }
}

fn d_lt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    d_cmp(vm, &args, "__lt__", |o| o == Ordering::Less)
}
fn d_le(vm: &mut Vm, args: Args) -> PyResult<Value> {
    d_cmp(vm, &args, "__le__", |o| o != Ordering::Greater)
}
fn d_gt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    d_cmp(vm, &args, "__gt__", |o| o == Ordering::Greater)
}
fn d_ge(vm: &mut Vm, args: Args) -> PyResult<Value> {
    d_cmp(vm, &args, "__ge__", |o| o != Ordering::Less)
}

fn d_copy(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos.first().cloned().unwrap_or(Value::None))
}

fn d_reduce(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "__reduce__")?;
    let cls = vm.type_of(&args.pos[0]);
    let _ = sh;
    Ok(Value::tuple(vec![Value::Class(cls), Value::tuple(vec![Value::string(to_sci(&a, false, true))])]))
}

fn d_real(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos.first().cloned().unwrap_or(Value::None))
}

fn d_imag(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, sh) = self_dec(vm, &args, "imag")?;
    Ok(mk(&sh, Dec::zero(false, 0)))
}

fn d_from_float(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = match args.pos.first() {
        Some(Value::Class(c)) => c.clone(),
        _ => return Err(PyErr::type_error("from_float needs the Decimal class")),
    };
    let sh = state_from_class(&cls).ok_or_else(|| PyErr::type_error("decimal state missing"))?;
    let v = args.pos.get(1).cloned().unwrap_or(Value::None);
    let d = match &v {
        Value::Float(f) => from_float(*f),
        _ => match int_value(&v) {
            Some(i) => Dec::from_int(&i),
            None => {
                return Err(PyErr::type_error(format!("argument must be int or float")));
            }
        },
    };
    let _ = sh;
    if Rc::ptr_eq(&cls, &state_from_class(&cls).map(|s| s.dec_cls.clone()).unwrap_or(cls.clone())) {
        return Ok(new_native(&cls, d));
    }
    // A subclass is called with the Decimal, as CPython does.
    let base = state_from_class(&cls).map(|s| mk(&s, d.clone())).unwrap_or(Value::None);
    vm.call(&Value::Class(cls), Args::new([base]))
}

fn d_number_class(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "number_class")?;
    let (_, c) = cur(&sh);
    let s = match a.kind {
        Kind::SNaN => "sNaN",
        Kind::NaN => "NaN",
        Kind::Inf => {
            if a.neg {
                "-Infinity"
            } else {
                "+Infinity"
            }
        }
        Kind::Fin if a.is_zero() => {
            if a.neg {
                "-Zero"
            } else {
                "+Zero"
            }
        }
        Kind::Fin if a.adjusted() < c.emin => {
            if a.neg {
                "-Subnormal"
            } else {
                "+Subnormal"
            }
        }
        Kind::Fin => {
            if a.neg {
                "-Normal"
            } else {
                "+Normal"
            }
        }
    };
    Ok(Value::str(s))
}

// ----- __format__ (Lib/_pydecimal.py's __format__) -----

struct Spec {
    fill: char,
    align: char,
    sign: char,
    no_neg_0: bool,
    alt: bool,
    zeropad: bool,
    width: usize,
    sep: &'static str,
    prec: Option<i64>,
    ty: Option<char>,
}

fn parse_spec(spec: &str) -> Option<Spec> {
    let ch: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut fill = None;
    let mut align = None;
    let is_align = |c: char| matches!(c, '<' | '>' | '=' | '^');
    if ch.len() >= 2 && is_align(ch[1]) {
        fill = Some(ch[0]);
        align = Some(ch[1]);
        i = 2;
    } else if !ch.is_empty() && is_align(ch[0]) {
        align = Some(ch[0]);
        i = 1;
    }
    let mut sign = '-';
    if i < ch.len() && matches!(ch[i], '+' | '-' | ' ') {
        sign = ch[i];
        i += 1;
    }
    let mut no_neg_0 = false;
    if i < ch.len() && ch[i] == 'z' {
        no_neg_0 = true;
        i += 1;
    }
    // The C module accepts neither '#' nor '_' (they raise ValueError).
    let alt = false;
    if i < ch.len() && ch[i] == '#' {
        return None;
    }
    let mut zeropad = false;
    if i < ch.len() && ch[i] == '0' {
        zeropad = true;
        i += 1;
    }
    let mut w = String::new();
    while i < ch.len() && ch[i].is_ascii_digit() {
        w.push(ch[i]);
        i += 1;
    }
    let mut sep = "";
    if i < ch.len() && ch[i] == ',' {
        sep = ",";
        i += 1;
    }
    let mut prec = None;
    if i < ch.len() && ch[i] == '.' {
        i += 1;
        let mut p = String::new();
        while i < ch.len() && ch[i].is_ascii_digit() {
            p.push(ch[i]);
            i += 1;
        }
        prec = Some(p.parse::<i64>().ok()?);
    }
    let mut ty = None;
    if i < ch.len() {
        if !"eEfFgGn%".contains(ch[i]) {
            return None;
        }
        ty = Some(ch[i]);
        i += 1;
    }
    if i != ch.len() {
        return None;
    }
    let fill_c = fill.unwrap_or(if zeropad { '0' } else { ' ' });
    let align_c = align.unwrap_or(if zeropad { '=' } else { '>' });
    let width = w.parse::<usize>().unwrap_or(0);
    if ty == Some('n') {
        ty = Some('g');
    }
    if matches!(ty, Some('g' | 'G')) && prec == Some(0) {
        prec = Some(1);
    }
    Some(Spec { fill: fill_c, align: align_c, sign, no_neg_0, alt, zeropad, width, sep, prec, ty })
}

fn fmt_sign(neg: bool, s: &Spec) -> &'static str {
    if neg {
        "-"
    } else {
        match s.sign {
            '+' => "+",
            ' ' => " ",
            _ => "",
        }
    }
}

fn fmt_align(sign: &str, body: &str, s: &Spec) -> String {
    let len = sign.chars().count() + body.chars().count();
    let pad: String = std::iter::repeat(s.fill).take(s.width.saturating_sub(len)).collect();
    match s.align {
        '<' => format!("{sign}{body}{pad}"),
        '=' => format!("{sign}{pad}{body}"),
        '^' => {
            let half = pad.chars().count() / 2;
            let (l, r): (String, String) = (pad.chars().take(half).collect(), pad.chars().skip(half).collect());
            format!("{l}{sign}{body}{r}")
        }
        _ => format!("{pad}{sign}{body}"),
    }
}

fn insert_seps(digits: &str, sep: &str, min_width: i64) -> String {
    let mut min_width = min_width;
    if sep.is_empty() {
        let l = (digits.len() as i64).max(min_width).max(1) as usize;
        return format!("{}{}", "0".repeat(l - digits.len().min(l)), digits);
    }
    let mut groups: Vec<String> = Vec::new();
    let mut d = digits.to_string();
    loop {
        let l = (d.len() as i64).max(min_width).max(1).min(3) as usize;
        let take = d.len().min(l);
        let g = format!("{}{}", "0".repeat(l - take), &d[d.len() - take..]);
        groups.push(g);
        d.truncate(d.len() - take);
        min_width -= l as i64;
        if d.is_empty() && min_width <= 0 {
            break;
        }
        min_width -= sep.len() as i64;
    }
    groups.reverse();
    groups.join(sep)
}

fn format_dec(o: &Op, d: &Dec, spec: &str) -> PyResult<String> {
    let s = parse_spec(spec).ok_or_else(|| PyErr::value_error("invalid format string"))?;
    if d.special() {
        let mut s = s;
        if s.zeropad {
            // Zero padding does not apply to Infinity and NaN.
            s.fill = ' ';
            s.align = '>';
        }
        let sign = fmt_sign(d.neg, &s);
        let mut body = to_sci(&d.copy_abs(), false, true);
        if s.ty == Some('%') {
            body.push('%');
        }
        return Ok(fmt_align(sign, &body, &s));
    }
    let ty = s.ty.unwrap_or(if o.c.capitals { 'G' } else { 'g' });
    let mut d = d.clone();
    if ty == '%' {
        d.exp += 2;
    }
    let r = o.c.rounding;
    if let Some(p) = s.prec {
        match ty {
            'e' | 'E' => d = o.round_places(&d, p + 1, r)?,
            'f' | 'F' | '%' => d = o.rescale(&d, -p, r)?,
            'g' | 'G' if d.digits() > p => d = o.round_places(&d, p, r)?,
            _ => {}
        }
    }
    if d.is_zero() && d.exp > 0 && matches!(ty, 'f' | 'F' | '%') {
        d = o.rescale(&d, 0, r)?;
    }
    let neg = if d.is_zero() && s.no_neg_0 { false } else { d.neg };
    let int = d.coeff.to_string();
    let len = int.len() as i64;
    let leftdigits = d.exp + len;
    let dotplace = match ty {
        'e' | 'E' => {
            if d.is_zero() && s.prec.is_some() {
                1 - s.prec.unwrap_or(0)
            } else {
                1
            }
        }
        'f' | 'F' | '%' => leftdigits,
        _ => {
            if d.exp <= 0 && leftdigits > -6 {
                leftdigits
            } else {
                1
            }
        }
    };
    let (ip, mut fp) = if dotplace < 0 {
        ("0".to_string(), format!("{}{}", "0".repeat((-dotplace) as usize), int))
    } else if dotplace > len {
        (format!("{int}{}", "0".repeat((dotplace - len) as usize)), String::new())
    } else {
        let ip = &int[..dotplace as usize];
        (if ip.is_empty() { "0".to_string() } else { ip.to_string() }, int[dotplace as usize..].to_string())
    };
    let exp = leftdigits - dotplace;
    let sign = fmt_sign(neg, &s);
    if !fp.is_empty() || s.alt {
        fp = format!(".{fp}");
    }
    if exp != 0 || matches!(ty, 'e' | 'E') {
        let e = match ty {
            'E' | 'G' => 'E',
            _ => 'e',
        };
        fp.push_str(&format!("{e}{exp:+}"));
    }
    if ty == '%' {
        fp.push('%');
    }
    let min_width = if s.zeropad { s.width as i64 - fp.len() as i64 - sign.len() as i64 } else { 0 };
    let ip = insert_seps(&ip, s.sep, min_width);
    Ok(fmt_align(sign, &format!("{ip}{fp}"), &s))
}

fn d_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, sh) = self_dec(vm, &args, "__format__")?;
    let spec = match args.pos.get(1) {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(other) => return Err(PyErr::type_error(format!("format spec must be str, not {}", other.type_name()))),
        None => String::new(),
    };
    let (_, c) = cur(&sh);
    let o = Op { c: &c, st: 0 };
    Ok(Value::string(format_dec(&o, &a, &spec)?))
}

// ----- contexts -----

fn new_sigdict(sh_cls: &Rc<Class>, bits: u16) -> Value {
    new_native(sh_cls, SigDict(bits))
}

fn make_context(sh: &Shared, c: &Ctx, flags: u16, traps: u16) -> Value {
    let inst = Instance::new(sh.ctx_cls.clone());
    {
        let mut a = inst.attrs.borrow_mut();
        a.insert("_prec".into(), Value::Int(c.prec));
        a.insert("_rounding".into(), Value::str(rounding_name(c.rounding)));
        a.insert("_Emin".into(), Value::Int(c.emin));
        a.insert("_Emax".into(), Value::Int(c.emax));
        a.insert("_capitals".into(), Value::Int(c.capitals as i64));
        a.insert("_clamp".into(), Value::Int(c.clamp as i64));
        a.insert("_flags".into(), new_sigdict(&sh.sigdict_cls, flags));
        a.insert("_traps".into(), new_sigdict(&sh.sigdict_cls, traps));
    }
    Value::Instance(Rc::new(inst))
}

fn ctx_state(vm: &Vm, v: &Value) -> PyResult<Rc<Shared>> {
    match v {
        Value::Instance(i) => state_from_class(&i.class).ok_or_else(|| PyErr::type_error("not a decimal context")),
        _ => state_of(vm, v),
    }
}

fn copy_context(sh: &Shared, v: &Value) -> Value {
    let c = read_ctx(v);
    make_context(sh, &c, sig_bits(v, "_flags"), sig_bits(v, "_traps"))
}

const DEFAULT_TRAPS: u16 = 1 | 4 | 8;

fn signal_bits_from(vm: &mut Vm, sh: &Shared, v: &Value) -> PyResult<u16> {
    if let Some(s) = native_get::<SigDict>(v) {
        return Ok(s.0);
    }
    let mut bits = 0;
    if let Value::Dict(d) = v {
        let items: Vec<(Value, Value)> = d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
        for (k, val) in items {
            let i = signal_index(sh, &k)?;
            if vm.truthy(&val)? {
                bits |= 1 << i;
            }
        }
        return Ok(bits);
    }
    for k in vm.collect(v)? {
        bits |= 1 << signal_index(sh, &k)?;
    }
    Ok(bits)
}

fn signal_index(sh: &Shared, k: &Value) -> PyResult<usize> {
    if let Value::Class(c) = k {
        if let Some(i) = sh.signals.iter().position(|s| Rc::ptr_eq(s, c)) {
            return Ok(i);
        }
    }
    Err(PyErr::key_error(Value::str("invalid signal dict")))
}

fn apply_ctx_kwargs(vm: &mut Vm, sh: &Shared, ctx: &Value, kw: &[(Rc<str>, Value)], fname: &str) -> PyResult<()> {
    for (k, v) in kw {
        match &**k {
            "prec" | "rounding" | "Emin" | "Emax" | "capitals" | "clamp" => {
                if !v.is_none() {
                    set_field(vm, ctx, k, v)?;
                }
            }
            "flags" | "traps" => {
                if !v.is_none() {
                    let bits = signal_bits_from(vm, sh, v)?;
                    set_sig_bits(ctx, if &**k == "flags" { "_flags" } else { "_traps" }, bits);
                }
            }
            other if fname == "Context" => {
                return Err(PyErr::type_error(format!("'{other}' is an invalid keyword argument for this function")))
            }
            other => return Err(PyErr::type_error(format!("{fname}() got an unexpected keyword argument '{other}'"))),
        }
    }
    Ok(())
}

fn set_field(vm: &mut Vm, ctx: &Value, name: &str, v: &Value) -> PyResult<()> {
    let int = |vm: &mut Vm, v: &Value| -> PyResult<i64> {
        match int_value(v) {
            Some(i) => i.to_i64().ok_or_else(|| PyErr::overflow("Python int too large to convert to C ssize_t")),
            None => {
                let _ = vm;
                Err(PyErr::type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name())))
            }
        }
    };
    match name {
        "prec" => {
            let p = int(vm, v)?;
            if !(1..=MAX_PREC).contains(&p) {
                return Err(PyErr::value_error("valid range for prec is [1, MAX_PREC]"));
            }
            set_inst_attr(ctx, "_prec", Value::Int(p));
        }
        "rounding" => {
            let r = rounding_from(v)?;
            set_inst_attr(ctx, "_rounding", Value::str(rounding_name(r)));
        }
        "Emin" => {
            let e = int(vm, v)?;
            if !(MIN_EMIN..=0).contains(&e) {
                return Err(PyErr::value_error("valid range for Emin is [MIN_EMIN, 0]"));
            }
            set_inst_attr(ctx, "_Emin", Value::Int(e));
        }
        "Emax" => {
            let e = int(vm, v)?;
            if !(0..=MAX_PREC).contains(&e) {
                return Err(PyErr::value_error("valid range for Emax is [0, MAX_EMAX]"));
            }
            set_inst_attr(ctx, "_Emax", Value::Int(e));
        }
        "capitals" | "clamp" => {
            let e = int(vm, v)?;
            if !(0..=1).contains(&e) {
                return Err(PyErr::value_error(format!("valid values for {name} are 0 or 1")));
            }
            set_inst_attr(ctx, if name == "capitals" { "_capitals" } else { "_clamp" }, Value::Int(e));
        }
        _ => {}
    }
    Ok(())
}

fn ctx_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error("Context.__new__(): not enough arguments"));
    }
    let cls = match args.pos.remove(0) {
        Value::Class(c) => c,
        _ => return Err(PyErr::type_error("Context.__new__(X): X is not a type object")),
    };
    let sh = state_from_class(&cls).ok_or_else(|| PyErr::type_error("decimal state missing"))?;
    const NAMES: [&str; 8] = ["prec", "rounding", "Emin", "Emax", "capitals", "clamp", "flags", "traps"];
    if args.pos.len() > 8 {
        return Err(PyErr::type_error(format!("Context() takes at most 8 arguments ({} given)", args.pos.len())));
    }
    let mut kw: Vec<(Rc<str>, Value)> = args.pos.iter().enumerate().map(|(i, v)| (Rc::from(NAMES[i]), v.clone())).collect();
    kw.extend(args.kw.iter().cloned());
    let inst = Instance::new(cls.clone());
    let ctx = Value::Instance(Rc::new(inst));
    let base = make_context(&sh, &DEFAULT_CTX, 0, DEFAULT_TRAPS);
    if let (Value::Instance(dst), Value::Instance(src)) = (&ctx, &base) {
        *dst.attrs.borrow_mut() = src.attrs.borrow().clone();
    }
    apply_ctx_kwargs(vm, &sh, &ctx, &kw, "Context")?;
    Ok(ctx)
}

fn self_ctx(vm: &Vm, args: &Args) -> PyResult<(Value, Rc<Shared>)> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let sh = ctx_state(vm, &v)?;
    if !matches!(&v, Value::Instance(i) if i.class.is_subclass(&sh.ctx_cls)) {
        return Err(PyErr::type_error("descriptor requires a 'decimal.Context' object"));
    }
    Ok((v, sh))
}

fn sig_list(bits: u16) -> String {
    // libmpdec's flag-bit order, which the C module's repr follows.
    const ORDER: [usize; 9] = [8, 0, 2, 6, 1, 3, 7, 5, 4];
    let names: Vec<&str> = ORDER.iter().filter(|i| bits & (1 << **i) != 0).map(|i| SIGNALS[*i]).collect();
    format!("[{}]", names.join(", "))
}

fn ctx_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    let c = read_ctx(&v);
    Ok(Value::string(format!(
        "Context(prec={}, rounding={}, Emin={}, Emax={}, capitals={}, clamp={}, flags={}, traps={})",
        c.prec,
        rounding_name(c.rounding),
        c.emin,
        c.emax,
        c.capitals as i64,
        c.clamp as i64,
        sig_list(sig_bits(&v, "_flags")),
        sig_list(sig_bits(&v, "_traps"))
    )))
}

fn ctx_copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, sh) = self_ctx(vm, &args)?;
    Ok(copy_context(&sh, &v))
}

fn ctx_clear_flags(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    set_sig_bits(&v, "_flags", 0);
    Ok(Value::None)
}

fn ctx_clear_traps(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    set_sig_bits(&v, "_traps", 0);
    Ok(Value::None)
}

fn ctx_etiny(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    Ok(Value::Int(read_ctx(&v).etiny()))
}

fn ctx_etop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    Ok(Value::Int(read_ctx(&v).etop()))
}

fn ctx_create_decimal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, sh) = self_ctx(vm, &args)?;
    let num = args.pos.get(1).cloned().unwrap_or(Value::str("0"));
    let d = convert_any(vm, &sh, &num, &v)?;
    let c = read_ctx(&v);
    let mut o = Op { c: &c, st: 0 };
    let r = o.fix(d)?;
    finish(&sh, &v, o.st)?;
    Ok(mk(&sh, r))
}

/// `ctx.add(a, b)` and friends: the Decimal method run with this context current.
fn ctx_method(vm: &mut Vm, args: Args, method: &str, nargs: usize) -> PyResult<Value> {
    let (v, sh) = self_ctx(vm, &args)?;
    let mut operands = Vec::new();
    for i in 0..nargs {
        let x = args.pos.get(i + 1).cloned().unwrap_or(Value::None);
        let d = operand(&x).ok_or_else(|| PyErr::type_error(format!("conversion from {} to Decimal is not supported", x.type_name())))?;
        operands.push(mk(&sh, d));
    }
    let saved = std::mem::replace(&mut *sh.current.borrow_mut(), v);
    let r = (|| -> PyResult<Value> {
        let first = operands.first().cloned().unwrap_or(Value::None);
        let rest: Vec<Value> = operands.iter().skip(1).cloned().chain(args.pos.iter().skip(1 + nargs).cloned()).collect();
        match method {
            "+" | "-" | "*" | "/" | "//" | "%" | "**" | "divmod" => {
                let op = match method {
                    "+" => Bin::Add,
                    "-" => Bin::Sub,
                    "*" => Bin::Mul,
                    "/" => Bin::Div,
                    "//" => Bin::FloorDiv,
                    "%" => Bin::Mod,
                    "**" => Bin::Pow,
                    _ => Bin::DivMod,
                };
                let mut a = vec![first];
                a.extend(rest);
                binary(vm, &Args::new(a), op, false)
            }
            _ => {
                let m = vm.getattr(&first, method)?;
                vm.call(&m, Args { pos: rest.into_iter().collect(), kw: args.kw.clone() })
            }
        }
    })();
    *sh.current.borrow_mut() = saved;
    r
}

macro_rules! ctx_methods {
    ($($f:ident, $m:expr, $n:expr;)*) => {$(
        fn $f(vm: &mut Vm, args: Args) -> PyResult<Value> {
            ctx_method(vm, args, $m, $n)
        }
    )*};
}

ctx_methods! {
    c_add, "+", 2;
    c_subtract, "-", 2;
    c_multiply, "*", 2;
    c_divide, "/", 2;
    c_divide_int, "//", 2;
    c_remainder, "%", 2;
    c_divmod, "divmod", 2;
    c_power, "**", 2;
    c_sqrt, "sqrt", 1;
    c_abs, "__abs__", 1;
    c_plus, "__pos__", 1;
    c_minus, "__neg__", 1;
    c_quantize, "quantize", 1;
    c_normalize, "normalize", 1;
    c_compare, "compare", 2;
    c_max, "max", 2;
    c_min, "min", 2;
    c_exp, "exp", 1;
    c_ln, "ln", 1;
    c_log10, "log10", 1;
    c_to_integral_value, "to_integral_value", 1;
    c_to_integral_exact, "to_integral_exact", 1;
    c_scaleb, "scaleb", 1;
    c_fma, "fma", 1;
    c_is_zero, "is_zero", 1;
    c_is_nan, "is_nan", 1;
    c_is_signed, "is_signed", 1;
    c_to_sci_string, "__str__", 1;
    c_to_eng_string, "to_eng_string", 1;
}

macro_rules! ctx_props {
    ($($get:ident, $set:ident, $field:expr, $key:expr;)*) => {$(
        fn $get(vm: &mut Vm, args: Args) -> PyResult<Value> {
            let (v, _) = self_ctx(vm, &args)?;
            Ok(inst_attr(&v, $key).unwrap_or(Value::None))
        }
        fn $set(vm: &mut Vm, args: Args) -> PyResult<Value> {
            let (v, _) = self_ctx(vm, &args)?;
            let x = args.pos.get(1).cloned().unwrap_or(Value::None);
            set_field(vm, &v, $field, &x)?;
            Ok(Value::None)
        }
    )*};
}

ctx_props! {
    cp_prec, cs_prec, "prec", "_prec";
    cp_rounding, cs_rounding, "rounding", "_rounding";
    cp_emin, cs_emin, "Emin", "_Emin";
    cp_emax, cs_emax, "Emax", "_Emax";
    cp_capitals, cs_capitals, "capitals", "_capitals";
    cp_clamp, cs_clamp, "clamp", "_clamp";
}

fn cp_flags(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    Ok(inst_attr(&v, "_flags").unwrap_or(Value::None))
}
fn cp_traps(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, _) = self_ctx(vm, &args)?;
    Ok(inst_attr(&v, "_traps").unwrap_or(Value::None))
}
fn cs_flags(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, sh) = self_ctx(vm, &args)?;
    let x = args.pos.get(1).cloned().unwrap_or(Value::None);
    let bits = signal_bits_from(vm, &sh, &x)?;
    set_sig_bits(&v, "_flags", bits);
    Ok(Value::None)
}
fn cs_traps(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (v, sh) = self_ctx(vm, &args)?;
    let x = args.pos.get(1).cloned().unwrap_or(Value::None);
    let bits = signal_bits_from(vm, &sh, &x)?;
    set_sig_bits(&v, "_traps", bits);
    Ok(Value::None)
}

// ----- signal dicts -----

fn sd_self(vm: &Vm, args: &Args) -> PyResult<(u16, Rc<Shared>)> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let bits = native_get::<SigDict>(&v).ok_or_else(|| PyErr::type_error("not a signal dict"))?;
    Ok((bits.0, state_of(vm, &v)?))
}

fn sd_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, sh) = sd_self(vm, &args)?;
    let k = args.pos.get(1).cloned().unwrap_or(Value::None);
    let i = signal_index(&sh, &k).map_err(|_| PyErr::key_error(k.clone()))?;
    Ok(Value::Bool(bits & (1 << i) != 0))
}

fn sd_setitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, sh) = sd_self(vm, &args)?;
    let k = args.pos.get(1).cloned().unwrap_or(Value::None);
    let i = signal_index(&sh, &k).map_err(|_| PyErr::key_error(k.clone()))?;
    let on = vm.truthy(args.pos.get(2).unwrap_or(&Value::None))?;
    if let Some(mut s) = native_ref::<SigDict>(&args.pos[0]) {
        if on {
            s.0 |= 1 << i;
        } else {
            s.0 &= !(1 << i);
        }
    }
    Ok(Value::None)
}

fn sd_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, _) = sd_self(vm, &args)?;
    let parts: Vec<String> = (0..9)
        .map(|i| format!("<class 'decimal.{}'>:{}", SIGNALS[i], if bits & (1 << i) != 0 { "True" } else { "False" }))
        .collect();
    Ok(Value::string(format!("{{{}}}", parts.join(", "))))
}

fn sd_keys(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, sh) = sd_self(vm, &args)?;
    Ok(Value::list(sh.signals.iter().map(|c| Value::Class(c.clone())).collect()))
}

fn sd_values(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, _) = sd_self(vm, &args)?;
    Ok(Value::list((0..9).map(|i| Value::Bool(bits & (1 << i) != 0)).collect()))
}

fn sd_items(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, sh) = sd_self(vm, &args)?;
    Ok(Value::list(
        (0..9).map(|i| Value::tuple(vec![Value::Class(sh.signals[i].clone()), Value::Bool(bits & (1 << i) != 0)])).collect(),
    ))
}

fn sd_iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let keys = sd_keys(vm, args)?;
    vm.iter(&keys)
}

fn sd_len(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(9))
}

fn sd_contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, sh) = sd_self(vm, &args)?;
    let k = args.pos.get(1).cloned().unwrap_or(Value::None);
    Ok(Value::Bool(signal_index(&sh, &k).is_ok()))
}

fn sd_copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, sh) = sd_self(vm, &args)?;
    let d = PyDict::new();
    let dv = Value::dict(d);
    for i in 0..9 {
        vm.setitem(&dv, Value::Class(sh.signals[i].clone()), Value::Bool(bits & (1 << i) != 0))?;
    }
    Ok(dv)
}

fn sd_get(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, sh) = sd_self(vm, &args)?;
    let k = args.pos.get(1).cloned().unwrap_or(Value::None);
    match signal_index(&sh, &k) {
        Ok(i) => Ok(Value::Bool(bits & (1 << i) != 0)),
        Err(_) => Ok(args.pos.get(2).cloned().unwrap_or(Value::None)),
    }
}

fn sd_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (bits, _) = sd_self(vm, &args)?;
    let o = args.pos.get(1).cloned().unwrap_or(Value::None);
    match native_get::<SigDict>(&o) {
        Some(s) => Ok(Value::Bool(s.0 == bits)),
        None => Ok(Value::NotImplemented),
    }
}

// ----- module functions -----

fn getcontext(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let sh = state_from_data(&mut args)?;
    args.no_kwargs("getcontext")?;
    if !args.pos.is_empty() {
        return Err(PyErr::type_error(format!("getcontext() takes no arguments ({} given)", args.pos.len())));
    }
    let v = sh.current.borrow().clone();
    Ok(v)
}

fn setcontext(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let sh = state_from_data(&mut args)?;
    let [c] = args.exact("setcontext")?;
    if !matches!(&c, Value::Instance(i) if i.class.is_subclass(&sh.ctx_cls)) {
        return Err(PyErr::type_error(format!("argument must be a context")));
    }
    let _ = vm;
    // The templates are copied, as the C module does.
    let is_template = sh.templates.borrow().iter().any(|t| t.is(&c));
    let c = if is_template { copy_context(&sh, &c) } else { c };
    *sh.current.borrow_mut() = c;
    Ok(Value::None)
}

#[derive(Clone)]
struct Manager {
    new: Value,
    saved: Option<Value>,
}

fn localcontext(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let sh = state_from_data(&mut args)?;
    let mut ctx_arg_v = None;
    if let Some(p) = args.pos.first() {
        ctx_arg_v = Some(p.clone());
    }
    if let Some(i) = args.kw.iter().position(|(k, _)| &**k == "ctx") {
        ctx_arg_v = Some(args.kw.remove(i).1);
    }
    let base = match ctx_arg_v {
        Some(c) if !c.is_none() => {
            if !matches!(&c, Value::Instance(i) if i.class.is_subclass(&sh.ctx_cls)) {
                return Err(PyErr::type_error("optional argument must be a context"));
            }
            c
        }
        _ => sh.current.borrow().clone(),
    };
    let new = copy_context(&sh, &base);
    apply_ctx_kwargs(vm, &sh, &new, &args.kw, "localcontext")?;
    Ok(new_native(&sh.manager_cls, Manager { new, saved: None }))
}

fn mgr_enter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let sh = state_of(vm, &v)?;
    let mut m = native_ref::<Manager>(&v).ok_or_else(|| PyErr::type_error("not a context manager"))?;
    let prev = std::mem::replace(&mut *sh.current.borrow_mut(), m.new.clone());
    m.saved = Some(prev);
    Ok(m.new.clone())
}

fn mgr_exit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let sh = state_of(vm, &v)?;
    let saved = native_ref::<Manager>(&v).and_then(|mut m| m.saved.take());
    if let Some(s) = saved {
        *sh.current.borrow_mut() = s;
    }
    Ok(Value::Bool(false))
}

// ----- module -----

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    // Signals and conditions, with the C module's bases.
    let arith = vm.exc_class(ExcKind::ArithmeticError);
    let zde = vm.exc_class(ExcKind::ZeroDivisionError);
    let te = vm.exc_class(ExcKind::TypeError);
    let mk_exc = |vm: &mut Vm, name: &str, bases: Vec<Rc<Class>>| make_class(vm, name, "decimal", bases, module_attr());
    let base = mk_exc(vm, "DecimalException", vec![arith])?;
    let clamped = mk_exc(vm, "Clamped", vec![base.clone()])?;
    let invalid = mk_exc(vm, "InvalidOperation", vec![base.clone()])?;
    let conv = mk_exc(vm, "ConversionSyntax", vec![invalid.clone()])?;
    let divzero = mk_exc(vm, "DivisionByZero", vec![base.clone(), zde.clone()])?;
    let divimp = mk_exc(vm, "DivisionImpossible", vec![invalid.clone()])?;
    let divundef = mk_exc(vm, "DivisionUndefined", vec![invalid.clone(), zde])?;
    let inexact = mk_exc(vm, "Inexact", vec![base.clone()])?;
    let invctx = mk_exc(vm, "InvalidContext", vec![invalid.clone()])?;
    let rounded = mk_exc(vm, "Rounded", vec![base.clone()])?;
    let subnormal = mk_exc(vm, "Subnormal", vec![base.clone()])?;
    let overflow = mk_exc(vm, "Overflow", vec![inexact.clone(), rounded.clone()])?;
    let underflow = mk_exc(vm, "Underflow", vec![inexact.clone(), rounded.clone(), subnormal.clone()])?;
    let floatop = mk_exc(vm, "FloatOperation", vec![base.clone(), te])?;
    let signals = vec![
        invalid.clone(),
        floatop.clone(),
        divzero.clone(),
        overflow.clone(),
        underflow.clone(),
        subnormal.clone(),
        inexact.clone(),
        rounded.clone(),
        clamped.clone(),
    ];
    let conds = vec![conv.clone(), divimp.clone(), divundef.clone(), invctx.clone()];

    let holder_cls = make_class(vm, "_DecimalState", "decimal", vec![], Attrs::default())?;

    let dec_methods: &[(&str, NativeFn)] = &[
        ("__repr__", d_repr),
        ("__str__", d_str),
        ("__format__", d_format),
        ("__add__", d_add),
        ("__radd__", d_radd),
        ("__sub__", d_sub),
        ("__rsub__", d_rsub),
        ("__mul__", d_mul),
        ("__rmul__", d_rmul),
        ("__truediv__", d_div),
        ("__rtruediv__", d_rdiv),
        ("__floordiv__", d_floordiv),
        ("__rfloordiv__", d_rfloordiv),
        ("__mod__", d_mod),
        ("__rmod__", d_rmod),
        ("__divmod__", d_divmod),
        ("__rdivmod__", d_rdivmod),
        ("__pow__", d_pow),
        ("__rpow__", d_rpow),
        ("__lshift__", d_lshift),
        ("__rlshift__", d_rlshift),
        ("__rshift__", d_rshift),
        ("__rrshift__", d_rrshift),
        ("__and__", d_and),
        ("__rand__", d_rand),
        ("__or__", d_or),
        ("__ror__", d_ror),
        ("__xor__", d_xor),
        ("__rxor__", d_rxor),
        ("__matmul__", d_matmul),
        ("__rmatmul__", d_rmatmul),
        ("__invert__", d_invert),
        ("__neg__", d_neg),
        ("__pos__", d_pos),
        ("__abs__", d_abs),
        ("__bool__", d_bool),
        ("__int__", d_int),
        ("__trunc__", d_int),
        ("__floor__", d_floor),
        ("__ceil__", d_ceil),
        ("__round__", d_round),
        ("__float__", d_float),
        ("__hash__", d_hash),
        ("__eq__", d_eq),
        ("__ne__", d_ne),
        ("__lt__", d_lt),
        ("__le__", d_le),
        ("__gt__", d_gt),
        ("__ge__", d_ge),
        ("__copy__", d_copy),
        ("__deepcopy__", d_copy),
        ("__reduce__", d_reduce),
        ("sqrt", d_sqrt),
        ("next_plus", d_next_plus),
        ("next_minus", d_next_minus),
        ("exp", d_exp),
        ("ln", d_ln),
        ("log10", d_log10),
        ("quantize", d_quantize),
        ("normalize", d_normalize),
        ("reduce", d_normalize),
        ("scaleb", d_scaleb),
        ("to_integral", d_to_integral_value),
        ("to_integral_value", d_to_integral_value),
        ("to_integral_exact", d_to_integral_exact),
        ("compare", d_compare),
        ("compare_total", d_compare_total),
        ("max", d_max),
        ("min", d_min),
        ("max_mag", d_max_mag),
        ("min_mag", d_min_mag),
        ("fma", d_fma),
        ("copy_abs", d_copy_abs),
        ("copy_negate", d_copy_negate),
        ("copy_sign", d_copy_sign),
        ("is_nan", d_is_nan),
        ("is_qnan", d_is_qnan),
        ("is_snan", d_is_snan),
        ("is_infinite", d_is_infinite),
        ("is_finite", d_is_finite),
        ("is_zero", d_is_zero),
        ("is_signed", d_is_signed),
        ("is_normal", d_is_normal),
        ("is_subnormal", d_is_subnormal),
        ("is_canonical", d_is_canonical),
        ("adjusted", d_adjusted),
        ("as_tuple", d_as_tuple),
        ("as_integer_ratio", d_as_integer_ratio),
        ("to_eng_string", d_to_eng_string),
        ("number_class", d_number_class),
        ("conjugate", d_copy),
        ("canonical", d_copy),
    ];
    let mut a = methods(dec_methods, "Decimal");
    a.insert("real".into(), property("real", d_real));
    a.insert("imag".into(), property("imag", d_imag));
    a.insert("from_float".into(), classmethod("from_float", d_from_float));
    a.insert("__new__".into(), staticmethod("__new__", dec_new));
    a.insert("__init__".into(), builtin("__init__", noop_init));
    a.insert("__module__".into(), Value::str("decimal"));
    let dec_cls = c_type(make_class(vm, "Decimal", "decimal", vec![], a)?);

    let ctx_list: &[(&str, NativeFn)] = &[
        ("__repr__", ctx_repr),
        ("copy", ctx_copy),
        ("__copy__", ctx_copy),
        ("clear_flags", ctx_clear_flags),
        ("clear_traps", ctx_clear_traps),
        ("Etiny", ctx_etiny),
        ("Etop", ctx_etop),
        ("create_decimal", ctx_create_decimal),
        ("create_decimal_from_float", ctx_create_decimal),
        ("add", c_add),
        ("subtract", c_subtract),
        ("multiply", c_multiply),
        ("divide", c_divide),
        ("divide_int", c_divide_int),
        ("remainder", c_remainder),
        ("divmod", c_divmod),
        ("power", c_power),
        ("sqrt", c_sqrt),
        ("abs", c_abs),
        ("plus", c_plus),
        ("minus", c_minus),
        ("quantize", c_quantize),
        ("normalize", c_normalize),
        ("compare", c_compare),
        ("max", c_max),
        ("min", c_min),
        ("exp", c_exp),
        ("ln", c_ln),
        ("log10", c_log10),
        ("to_integral_value", c_to_integral_value),
        ("to_integral_exact", c_to_integral_exact),
        ("to_integral", c_to_integral_value),
        ("scaleb", c_scaleb),
        ("fma", c_fma),
        ("is_zero", c_is_zero),
        ("is_nan", c_is_nan),
        ("is_signed", c_is_signed),
        ("to_sci_string", c_to_sci_string),
        ("to_eng_string", c_to_eng_string),
    ];
    let mut ca = methods(ctx_list, "Context");
    let props: &[(&str, NativeFn, NativeFn)] = &[
        ("prec", cp_prec, cs_prec),
        ("rounding", cp_rounding, cs_rounding),
        ("Emin", cp_emin, cs_emin),
        ("Emax", cp_emax, cs_emax),
        ("capitals", cp_capitals, cs_capitals),
        ("clamp", cp_clamp, cs_clamp),
        ("flags", cp_flags, cs_flags),
        ("traps", cp_traps, cs_traps),
    ];
    for (n, g, s) in props {
        ca.insert(
            (*n).into(),
            Value::Property(Rc::new(Property { fget: Some(builtin(n, *g)), fset: Some(builtin(n, *s)), fdel: None, doc: None })),
        );
    }
    ca.insert("__new__".into(), staticmethod("__new__", ctx_new));
    ca.insert("__init__".into(), builtin("__init__", noop_init));
    ca.insert("__module__".into(), Value::str("decimal"));
    let ctx_cls = make_class(vm, "Context", "decimal", vec![], ca)?;

    let sd_list: &[(&str, NativeFn)] = &[
        ("__getitem__", sd_getitem),
        ("__setitem__", sd_setitem),
        ("__repr__", sd_repr),
        ("__iter__", sd_iter),
        ("__len__", sd_len),
        ("__contains__", sd_contains),
        ("__eq__", sd_eq),
        ("keys", sd_keys),
        ("values", sd_values),
        ("items", sd_items),
        ("copy", sd_copy),
        ("get", sd_get),
    ];
    let sigdict_cls = make_class(vm, "SignalDict", "decimal", vec![], methods(sd_list, "SignalDict"))?;
    let manager_cls = make_class(
        vm,
        "ContextManager",
        "decimal",
        vec![],
        methods(&[("__enter__", mgr_enter), ("__exit__", mgr_exit)], "ContextManager"),
    )?;
    let fields: Vec<String> = ["sign", "digits", "exponent"].iter().map(|s| s.to_string()).collect();
    let tuple_cls = super::collections::make_namedtuple_class(vm, "DecimalTuple", &fields, vec![], "decimal")?;

    let sh = Rc::new(Shared {
        dec_cls: dec_cls.clone(),
        ctx_cls: ctx_cls.clone(),
        sigdict_cls: sigdict_cls.clone(),
        manager_cls: manager_cls.clone(),
        tuple_cls: tuple_cls.clone(),
        signals,
        conds,
        current: RefCell::new(Value::None),
        templates: RefCell::new(Vec::new()),
    });
    let holder = new_native(&holder_cls, StateRef(sh.clone()));
    for c in [&dec_cls, &ctx_cls, &sigdict_cls, &manager_cls] {
        c.dict.borrow_mut().insert(STATE_KEY.into(), holder.clone());
    }
    let default = make_context(&sh, &DEFAULT_CTX, 0, DEFAULT_TRAPS);
    let basic = make_context(
        &sh,
        &Ctx { prec: 9, rounding: Rounding::HalfUp, ..DEFAULT_CTX },
        0,
        1 | 4 | 8 | 16 | 256,
    );
    let extended = make_context(&sh, &Ctx { prec: 9, ..DEFAULT_CTX }, 0, 0);
    *sh.current.borrow_mut() = copy_context(&sh, &default);
    *sh.templates.borrow_mut() = vec![default.clone(), basic.clone(), extended.clone()];

    let mut attrs = Attrs::default();
    attrs.insert("Decimal".into(), Value::Class(dec_cls));
    attrs.insert("Context".into(), Value::Class(ctx_cls));
    attrs.insert("DecimalTuple".into(), Value::Class(tuple_cls));
    attrs.insert("DefaultContext".into(), default);
    attrs.insert("BasicContext".into(), basic);
    attrs.insert("ExtendedContext".into(), extended);
    for (name, c) in [
        ("DecimalException", base),
        ("Clamped", clamped),
        ("InvalidOperation", invalid),
        ("ConversionSyntax", conv),
        ("DivisionByZero", divzero),
        ("DivisionImpossible", divimp),
        ("DivisionUndefined", divundef),
        ("Inexact", inexact),
        ("InvalidContext", invctx),
        ("Rounded", rounded),
        ("Subnormal", subnormal),
        ("Overflow", overflow),
        ("Underflow", underflow),
        ("FloatOperation", floatop),
    ] {
        attrs.insert(name.into(), Value::Class(c));
    }
    for (n, _) in ROUNDINGS {
        attrs.insert(n.into(), Value::str(n));
    }
    let holder_v = holder;
    attrs.insert("getcontext".into(), builtin_with("getcontext", getcontext, holder_v.clone()));
    attrs.insert("setcontext".into(), builtin_with("setcontext", setcontext, holder_v.clone()));
    attrs.insert("localcontext".into(), builtin_with("localcontext", localcontext, holder_v));
    attrs.insert("MAX_PREC".into(), Value::Int(MAX_PREC));
    attrs.insert("MAX_EMAX".into(), Value::Int(MAX_PREC));
    attrs.insert("MIN_EMIN".into(), Value::Int(MIN_EMIN));
    attrs.insert("MIN_ETINY".into(), Value::Int(MIN_EMIN - (MAX_PREC - 1)));
    attrs.insert("HAVE_THREADS".into(), Value::Bool(true));
    attrs.insert("HAVE_CONTEXTVAR".into(), Value::Bool(true));
    attrs.insert("__version__".into(), Value::str("1.70"));
    attrs.insert("__libmpdec_version__".into(), Value::str("2.5.1"));
    Ok(super::helpers_c::module("decimal", attrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        parse_decimal(s).unwrap_or_else(Dec::nan)
    }

    #[test]
    fn sci_strings() {
        assert_eq!(to_sci(&d("1e3"), false, true), "1E+3");
        assert_eq!(to_sci(&d("-0.00"), false, true), "-0.00");
        assert_eq!(to_sci(&d("0.0000001"), false, true), "1E-7");
        assert_eq!(to_sci(&d("123.456"), false, true), "123.456");
        assert_eq!(to_sci(&d("nan12"), false, true), "NaN12");
    }

    #[test]
    fn division_rounds() {
        let c = DEFAULT_CTX;
        let mut o = Op { c: &c, st: 0 };
        let r = o.div(&d("1"), &d("3")).unwrap_or_else(|_| Dec::nan());
        assert_eq!(to_sci(&r, false, true), "0.3333333333333333333333333333");
        let r = o.div(&d("10"), &d("4")).unwrap_or_else(|_| Dec::nan());
        assert_eq!(to_sci(&r, false, true), "2.5");
    }
}
