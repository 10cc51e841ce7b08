//! Methods of `int` (and so `bool`), `float` and `range`, as CPython 3.11 has them.
//!
//! `float.hex`/`float.fromhex` and `as_integer_ratio` work on the IEEE bits, never
//! through decimal text, so they are exact; `fromhex` rounds half to even as
//! CPython does. Sizes that come from user input (`to_bytes(length)`, long hex
//! strings) are checked against the memory budget before anything is allocated.

use std::rc::Rc;

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

use super::list_methods::{base_of, descriptor_error, take_self};
use super::types::{defer_methods, native, Types};
use crate::values::*;
use crate::vm::{to_bigint, Vm};

pub fn register(t: &Types) {
    defer_methods(&t.int, &t.object, |m| {
        m.add(&[
            ("bit_length", int_bit_length),
            ("bit_count", int_bit_count),
            ("to_bytes", int_to_bytes),
            ("as_integer_ratio", int_as_integer_ratio),
            ("conjugate", int_conjugate),
        ]);
        m.insert("from_bytes", Value::ClassMethod(Rc::new(native("from_bytes", int_from_bytes))));
    });
    defer_methods(&t.float, &t.object, |m| {
        m.add(&[
            ("is_integer", float_is_integer),
            ("as_integer_ratio", float_as_integer_ratio),
            ("hex", float_hex),
            ("conjugate", float_conjugate),
        ]);
        m.insert("fromhex", Value::ClassMethod(Rc::new(native("fromhex", float_fromhex))));
    });
    defer_methods(&t.range, &t.object, |m| m.add(&[("count", range_count), ("index", range_index)]));
}

// ----- int -----

fn int_self(args: &mut Args, method: &str) -> PyResult<BigInt> {
    let me = take_self(args, "int", method)?;
    match base_of(&me) {
        v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) => {
            to_bigint(&v).ok_or_else(|| descriptor_error(method, "int", &me))
        }
        _ => Err(descriptor_error(method, "int", &me)),
    }
}

fn int_bit_length(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = int_self(&mut args, "bit_length")?;
    let [] = args.exact("int.bit_length")?;
    Ok(Value::from(n.bits() as usize))
}

fn int_bit_count(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = int_self(&mut args, "bit_count")?;
    let [] = args.exact("int.bit_count")?;
    Ok(Value::from(n.magnitude().count_ones() as usize))
}

fn int_as_integer_ratio(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = int_self(&mut args, "as_integer_ratio")?;
    let [] = args.exact("int.as_integer_ratio")?;
    Ok(Value::tuple(vec![Value::from_bigint(n), Value::Int(1)]))
}

fn int_conjugate(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = int_self(&mut args, "conjugate")?;
    let [] = args.exact("int.conjugate")?;
    Ok(Value::from_bigint(n))
}

/// `byteorder` of `to_bytes`/`from_bytes`: true for little-endian.
fn byteorder_arg(v: Option<Value>, fname: &str) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(Value::Str(s)) => match s.as_str() {
            "little" => Ok(true),
            "big" => Ok(false),
            _ => Err(PyErr::value_error("byteorder must be either 'little' or 'big'")),
        },
        Some(other) => Err(PyErr::type_error(format!(
            "{fname}() argument 'byteorder' must be str, not {}",
            other.type_name()
        ))),
    }
}

/// Splits `(x, byteorder, *, signed)` arguments, with CPython's complaint about a
/// third positional one.
fn bytes_signature(vm: &mut Vm, args: Args, fname: &str, first: &str) -> PyResult<(Option<Value>, bool, bool)> {
    if args.pos.len() > 2 {
        return Err(PyErr::type_error(format!(
            "{fname}() takes at most 2 positional arguments ({} given)",
            args.pos.len()
        )));
    }
    let mut signed = None;
    let mut kw = Vec::new();
    for (k, v) in args.kw {
        if &*k == "signed" {
            signed = Some(v);
        } else {
            kw.push((k, v));
        }
    }
    let rest = Args { pos: args.pos, kw };
    let [x, order] = rest.bind(fname, [first, "byteorder"], 0, 0)?;
    let little = byteorder_arg(order, fname)?;
    let signed = match signed {
        Some(v) => vm.truthy(&v)?,
        None => false,
    };
    Ok((x, little, signed))
}

fn int_to_bytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = int_self(&mut args, "to_bytes")?;
    let (length, little, signed) = bytes_signature(vm, args, "to_bytes", "length")?;
    let length = match length {
        Some(v) => vm.index_of(&v)?,
        None => 1,
    };
    if length < 0 {
        return Err(PyErr::value_error("length argument must be non-negative"));
    }
    if !signed && n.is_negative() {
        return Err(PyErr::overflow("can't convert negative int to unsigned"));
    }
    let mut be = if n.is_zero() {
        Vec::new()
    } else if signed {
        n.to_signed_bytes_be()
    } else {
        n.magnitude().to_bytes_be()
    };
    let length = length as usize;
    if be.len() > length {
        return Err(PyErr::overflow("int too big to convert"));
    }
    vm.check_alloc(length as u128)?;
    let fill = if n.is_negative() { 0xff } else { 0 };
    let mut out = vec![fill; length - be.len()];
    out.append(&mut be);
    if little {
        out.reverse();
    }
    Ok(Value::bytes(out))
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)`, a classmethod.
fn int_from_bytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = take_self(&mut args, "int", "from_bytes")?;
    let (x, little, signed) = bytes_signature(vm, args, "from_bytes", "bytes")?;
    let Some(x) = x else {
        return Err(PyErr::type_error("from_bytes() missing required argument 'bytes' (pos 1)"));
    };
    let mut data = match &x {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_) | Value::Str(_) | Value::None => {
            return Err(PyErr::type_error(format!("cannot convert '{}' object to bytes", x.type_name())));
        }
        _ => super::constructors::bytes_from(vm, &x)?,
    };
    if little {
        data.reverse();
    }
    let n = if signed { BigInt::from_signed_bytes_be(&data) } else { BigInt::from_bytes_be(Sign::Plus, &data) };
    let v = Value::from_bigint(n);
    match &cls {
        Value::Class(c) if Rc::ptr_eq(c, &vm.types.int) => Ok(v),
        _ => vm.call(&cls, Args::new([v])),
    }
}

// ----- float -----

fn float_self(args: &mut Args, method: &str) -> PyResult<f64> {
    let me = take_self(args, "float", method)?;
    match base_of(&me) {
        Value::Float(f) => Ok(f),
        _ => Err(descriptor_error(method, "float", &me)),
    }
}

fn float_is_integer(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let x = float_self(&mut args, "is_integer")?;
    let [] = args.exact("float.is_integer")?;
    Ok(Value::Bool(x.is_finite() && x.fract() == 0.0))
}

fn float_conjugate(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let x = float_self(&mut args, "conjugate")?;
    let [] = args.exact("float.conjugate")?;
    Ok(Value::Float(x))
}

/// `x == m * 2**e` exactly, with `m` an integer (zero for zero).
fn decompose(x: f64) -> (i64, i64) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | (1 << 52), exp - 1075) };
    (if x.is_sign_negative() { -m } else { m }, e)
}

fn float_as_integer_ratio(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let x = float_self(&mut args, "as_integer_ratio")?;
    let [] = args.exact("float.as_integer_ratio")?;
    if x.is_infinite() {
        return Err(PyErr::overflow("cannot convert Infinity to integer ratio"));
    }
    if x.is_nan() {
        return Err(PyErr::value_error("cannot convert NaN to integer ratio"));
    }
    let (m, e) = decompose(x);
    if m == 0 {
        return Ok(Value::tuple(vec![Value::Int(0), Value::Int(1)]));
    }
    let (num, den) = if e >= 0 {
        (BigInt::from(m) << (e as u64), BigInt::from(1))
    } else {
        let tz = (m.unsigned_abs().trailing_zeros() as i64).min(-e);
        (BigInt::from(m >> tz), BigInt::from(1) << ((-e - tz) as u64))
    };
    Ok(Value::tuple(vec![Value::from_bigint(num), Value::from_bigint(den)]))
}

/// `float.hex()`: one hex digit before the point, thirteen after, a binary
/// exponent; subnormals print as `0x0.<digits>p-1022`.
pub(crate) fn float_to_hex(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (lead, exp) = if biased == 0 { (0, -1022) } else { (1, biased - 1023) };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{sign}0x{lead}.{frac:013x}p{esign}{}", exp.abs())
}

fn float_hex(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let x = float_self(&mut args, "hex")?;
    let [] = args.exact("float.hex")?;
    Ok(Value::string(float_to_hex(x)))
}

#[cold]
fn invalid_hex() -> PyErr {
    PyErr::value_error("invalid hexadecimal floating-point string")
}

#[cold]
fn hex_too_large() -> PyErr {
    PyErr::overflow("hexadecimal value too large to represent as a float")
}

/// Parses `float.fromhex` input. `Err` carries the exception to raise.
pub(crate) fn parse_hex_float(s: &str) -> PyResult<f64> {
    let t = s.trim_matches(crate::values::numparse::is_space);
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(if neg { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    if lower == "nan" {
        return Ok(if neg { -f64::NAN } else { f64::NAN });
    }
    let b = lower.as_bytes();
    let mut i = if b.starts_with(b"0x") { 2 } else { 0 };
    let mut mantissa = BigInt::zero();
    let mut digits = 0usize;
    let mut frac_digits: i64 = 0;
    let mut seen_point = false;
    while i < b.len() {
        let c = b[i];
        if c == b'.' && !seen_point {
            seen_point = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            mantissa = (mantissa << 4u32) + d;
            digits += 1;
            if seen_point {
                frac_digits += 1;
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return Err(invalid_hex());
    }
    let mut exp: i64 = 0;
    if i < b.len() && b[i] == b'p' {
        i += 1;
        let eneg = match b.get(i) {
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
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            exp = exp.saturating_mul(10).saturating_add((b[i] - b'0') as i64);
            i += 1;
        }
        if i == start {
            return Err(invalid_hex());
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != b.len() {
        return Err(invalid_hex());
    }
    let exp = exp.saturating_sub(frac_digits.saturating_mul(4));
    let x = round_to_f64(&mantissa, exp)?;
    Ok(if neg { -x } else { x })
}

/// `m * 2**exp` rounded half to even to the nearest double; OverflowError past
/// the largest finite one.
fn round_to_f64(m: &BigInt, exp: i64) -> PyResult<f64> {
    if m.is_zero() {
        return Ok(0.0);
    }
    let len = m.bits() as i64;
    let top = exp.saturating_add(len - 1);
    if top > 1023 {
        return Err(hex_too_large());
    }
    if top < -1075 {
        return Ok(0.0);
    }
    let lsb = (top - 52).max(-1074);
    let shift = lsb - exp;
    let mut q: u64 = if shift <= 0 {
        (m << ((-shift) as u64)).to_u64().unwrap_or(0)
    } else {
        let q = (m >> (shift as u64)).to_u64().unwrap_or(0);
        let half = m.bit((shift - 1) as u64);
        let sticky = shift > 1 && (m.trailing_zeros().unwrap_or(0) as i64) < shift - 1;
        if half && (sticky || q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    let mut lsb = lsb;
    if q == 1u64 << 53 {
        q >>= 1;
        lsb += 1;
    }
    let r = if lsb >= -1022 {
        if lsb + 52 > 1023 {
            return Err(hex_too_large());
        }
        // `q` has at most 53 bits and 2**lsb is a normal double: the product is exact.
        (q as f64) * f64::from_bits(((lsb + 1023) as u64) << 52)
    } else {
        // Subnormal grid: scale to an integer count of 2**-1074 units first.
        (q as f64) * 2f64.powi((lsb + 1074) as i32) * f64::from_bits(1)
    };
    if r.is_infinite() {
        return Err(hex_too_large());
    }
    Ok(r)
}

/// `float.fromhex(string)`, a classmethod.
fn float_fromhex(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = take_self(&mut args, "float", "fromhex")?;
    let [s] = args.exact("float.fromhex")?;
    let Value::Str(s) = base_of(&s) else {
        return Err(PyErr::type_error("bad argument type for built-in operation"));
    };
    vm.check_alloc(s.as_str().len() as u128)?;
    let v = Value::Float(parse_hex_float(s.as_str())?);
    match &cls {
        Value::Class(c) if Rc::ptr_eq(c, &vm.types.float) => Ok(v),
        _ => vm.call(&cls, Args::new([v])),
    }
}

// ----- range -----

fn range_self(args: &mut Args, method: &str) -> PyResult<Rc<Range>> {
    let me = take_self(args, "range", method)?;
    match me {
        Value::Range(r) => Ok(r),
        _ => Err(descriptor_error(method, "range", &me)),
    }
}

/// The position of the integer `i` in `r`, if it is there.
fn range_position(r: &Range, i: i64) -> Option<i64> {
    let (i, start, stop, step) = (i as i128, r.start as i128, r.stop as i128, r.step as i128);
    let inside = if step > 0 { i >= start && i < stop } else { i <= start && i > stop };
    if inside && (i - start) % step == 0 {
        Some(((i - start) / step) as i64)
    } else {
        None
    }
}

fn range_count(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let r = range_self(&mut args, "count")?;
    let [x] = args.exact("range.count")?;
    match &x {
        Value::Int(i) => return Ok(Value::Int(range_position(&r, *i).is_some() as i64)),
        Value::Bool(b) => return Ok(Value::Int(range_position(&r, *b as i64).is_some() as i64)),
        Value::BigInt(_) => return Ok(Value::Int(0)),
        _ => {}
    }
    let mut n = 0i64;
    for k in 0..r.len() {
        vm.tick()?;
        if vm.eq(&Value::Int(r.get(k)), &x)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn range_index(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let r = range_self(&mut args, "index")?;
    let [x] = args.exact("range.index")?;
    let exact = match &x {
        Value::Int(i) => Some(Some(*i)),
        Value::Bool(b) => Some(Some(*b as i64)),
        Value::BigInt(_) => Some(None),
        _ => None,
    };
    if let Some(i) = exact {
        return match i.and_then(|i| range_position(&r, i)) {
            Some(p) => Ok(Value::Int(p)),
            None => Err(PyErr::value_error(format!("{} is not in range", vm.repr(&x)?))),
        };
    }
    for k in 0..r.len() {
        vm.tick()?;
        if vm.eq(&Value::Int(r.get(k)), &x)? {
            return Ok(Value::Int(k));
        }
    }
    Err(PyErr::value_error("sequence.index(x): x not in sequence"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_extremes() {
        for x in [0.5, 0.1, 2.5, 1e308, 5e-324, 2.2250738585072014e-308, -3.75, f64::MAX, f64::MIN_POSITIVE] {
            let h = float_to_hex(x);
            assert_eq!(parse_hex_float(&h).ok(), Some(x), "{h}");
        }
        assert_eq!(float_to_hex(5e-324), "0x0.0000000000001p-1022");
        assert_eq!(float_to_hex(0.1), "0x1.999999999999ap-4");
    }

    #[test]
    fn fromhex_rounds_half_to_even() {
        assert_eq!(parse_hex_float("0x1.00000000000008p0").ok(), Some(1.0));
        assert_eq!(parse_hex_float("0x1.00000000000018p0").ok(), Some(1.0000000000000004));
        assert_eq!(parse_hex_float("0x1.000000000000081p0").ok(), Some(1.0000000000000002));
        assert_eq!(parse_hex_float("0x1p-1075").ok(), Some(0.0));
        assert_eq!(parse_hex_float("0x1.8p-1074").ok(), Some(1e-323));
        assert_eq!(parse_hex_float("0x3p-1076").ok(), Some(5e-324));
        assert!(parse_hex_float("0x1.fffffffffffff8p1023").is_err());
        assert!(parse_hex_float("0x.p1").is_err());
        assert!(parse_hex_float("0x1p").is_err());
    }

    #[test]
    fn range_position_handles_negative_steps() {
        let r = Range { start: 10, stop: 0, step: -3 };
        assert_eq!(range_position(&r, 4), Some(2));
        assert_eq!(range_position(&r, 5), None);
        assert_eq!(range_position(&r, 0), None);
    }
}
