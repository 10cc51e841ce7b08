//! Python's hash functions, bit for bit where the result is observable.
//!
//! Ints, floats and tuples hash exactly as CPython 3.11 does, because set iteration
//! order (`print({3, 1, 2})`) depends on it. Strings and bytes use a fast hash of our
//! own: CPython randomises theirs, so no program can depend on them.

use std::hash::Hasher;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::ToPrimitive;

use super::{PyErr, PyResult, Value};

pub const MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314_159;

fn fix(h: i64) -> u64 {
    (if h == -1 { -2 } else { h }) as u64
}

#[inline]
pub fn hash_i64(i: i64) -> u64 {
    let m = MODULUS as i64;
    // Almost every int is below the modulus and is its own hash: no division.
    if (0..m).contains(&i) {
        return i as u64;
    }
    let r = if i >= 0 { i % m } else { -((-(i as i128) % m as i128) as i64) };
    fix(r)
}

pub fn hash_bigint(b: &BigInt) -> u64 {
    let m = BigInt::from(MODULUS);
    let r = b.magnitude().mod_floor(m.magnitude()).to_i64().unwrap_or(0);
    fix(if b.sign() == Sign::Minus { -r } else { r })
}

fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(v * f64::powi(2.0, 64));
        return (m, e - 64);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, e)
}

pub fn hash_f64(v: f64) -> u64 {
    if !v.is_finite() {
        if v.is_infinite() {
            return (if v > 0.0 { HASH_INF } else { -HASH_INF }) as u64;
        }
        return 0;
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (HASH_BITS - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let bits = HASH_BITS as i32;
    let e = if e >= 0 { e % bits } else { bits - 1 - ((-1 - e) % bits) } as u32;
    x = ((x << e) & MODULUS) | (x >> (HASH_BITS - e));
    let x = (x as i64).wrapping_mul(sign);
    fix(x)
}

pub fn hash_str(s: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(s.as_bytes());
    h.write_u8(0xff);
    fix(h.finish() as i64)
}

pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(b);
    h.write_u8(0xfe);
    fix(h.finish() as i64)
}

const TP1: u64 = 11_400_714_785_074_694_791;
const TP2: u64 = 14_029_467_366_897_019_727;
const TP5: u64 = 2_870_177_450_012_600_261;

#[inline]
fn tuple_lane(acc: u64, lane: u64) -> u64 {
    acc.wrapping_add(lane.wrapping_mul(TP2)).rotate_left(31).wrapping_mul(TP1)
}

#[inline]
fn tuple_finish(acc: u64, len: usize) -> u64 {
    let acc = acc.wrapping_add(len as u64 ^ (TP5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc
}

/// CPython's tuple hash (xxHash-based, 3.8+) over already-hashed items.
pub fn hash_tuple(hashes: impl ExactSizeIterator<Item = u64>) -> u64 {
    let len = hashes.len();
    tuple_finish(hashes.fold(TP5, tuple_lane), len)
}

/// CPython's frozenset hash over the entries' hashes.
pub fn hash_frozenset(hashes: impl Iterator<Item = u64>, len: usize) -> u64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167)
    }
    let mut hash: u64 = 0;
    for h in hashes {
        hash ^= shuffle(h);
    }
    hash ^= (len as u64 + 1).wrapping_mul(1_927_868_237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907_133_923);
    if hash == u64::MAX {
        hash = 590_923_713;
    }
    hash
}

/// The hash of a value that needs no call back into Python, or `None` when the value
/// (or something inside it) is an instance whose class may define `__hash__`.
pub fn hash_simple(v: &Value) -> Option<PyResult<u64>> {
    Some(Ok(match v {
        Value::None => 0x5f3e_1234,
        Value::Bool(b) => *b as u64,
        Value::Int(i) => hash_i64(*i),
        Value::BigInt(b) => hash_bigint(b),
        Value::Float(f) => hash_f64(*f),
        Value::Str(s) => match s.cached_hash() {
            Some(h) => h,
            None => {
                let h = hash_str(s.as_str());
                s.set_cached_hash(h);
                h
            }
        },
        Value::Bytes(b) => hash_bytes(b),
        Value::Tuple(items) => {
            // Folded as the items are hashed: no vector of hashes per tuple.
            let mut acc = TP5;
            for it in items.iter() {
                match hash_simple(it)? {
                    Ok(h) => acc = tuple_lane(acc, h),
                    Err(e) => return Some(Err(e)),
                }
            }
            tuple_finish(acc, items.len())
        }
        Value::FrozenSet(s) => hash_frozenset(s.hashes(), s.len()),
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_) => {
            return Some(Err(unhashable(v)));
        }
        Value::Slice(_) => return Some(Err(unhashable(v))),
        Value::Instance(_) | Value::Native(_) => return None,
        Value::Range(r) => hash_tuple([hash_i64(r.len()), hash_i64(r.start), hash_i64(r.step)].into_iter()),
        other => (other.identity() as u64) >> 1,
    }))
}

#[cold]
pub fn unhashable(v: &Value) -> PyErr {
    PyErr::type_error(format!("unhashable type: '{}'", v.type_name()))
}

/// Equality that needs no call back into Python; `None` when an instance is involved.
pub fn eq_simple(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => x == y,
        (Str(x), Str(y)) => Rc_ptr_eq_or(x, y),
        (Int(x), Float(y)) | (Float(y), Int(x)) => int_eq_float(*x, *y),
        (Float(x), Float(y)) => x == y,
        (Bool(x), Bool(y)) => x == y,
        (Bool(x), Int(y)) | (Int(y), Bool(x)) => *x as i64 == *y,
        (Bool(x), Float(y)) | (Float(y), Bool(x)) => (*x as i64 as f64) == *y,
        (BigInt(x), BigInt(y)) => x == y,
        (BigInt(_), Int(_) | Bool(_)) | (Int(_) | Bool(_), BigInt(_)) => false,
        (BigInt(x), Float(y)) | (Float(y), BigInt(x)) => {
            y.is_finite() && y.fract() == 0.0 && bigint_eq_float(x, *y)
        }
        (None, None) => true,
        (Bytes(x), Bytes(y)) => x == y,
        (Bytes(x), ByteArray(y)) | (ByteArray(y), Bytes(x)) => ***x == *y.borrow(),
        (ByteArray(x), ByteArray(y)) => *x.borrow() == *y.borrow(),
        (Tuple(x), Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if p.is(q) {
                    continue;
                }
                if !eq_simple(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        (Instance(_) | Native(_), _) | (_, Instance(_) | Native(_)) => return Option::None,
        (List(_), List(_)) | (Dict(_), Dict(_)) | (Set(_) | FrozenSet(_), Set(_) | FrozenSet(_)) => {
            return Option::None;
        }
        (Range(x), Range(y)) => {
            let (lx, ly) = (x.len(), y.len());
            lx == ly && (lx == 0 || (x.start == y.start && (lx == 1 || x.step == y.step)))
        }
        _ => a.is(b),
    })
}

#[allow(non_snake_case)]
fn Rc_ptr_eq_or(x: &std::rc::Rc<super::PyStr>, y: &std::rc::Rc<super::PyStr>) -> bool {
    std::rc::Rc::ptr_eq(x, y) || x.as_str() == y.as_str()
}

pub fn int_eq_float(i: i64, f: f64) -> bool {
    if !f.is_finite() || f.fract() != 0.0 {
        return false;
    }
    if f.abs() < 9.0e15 {
        return i as f64 == f;
    }
    (i as i128) == (f as i128) && f >= -9.3e18 && f <= 9.3e18
}

pub fn bigint_eq_float(b: &BigInt, f: f64) -> bool {
    use num_traits::FromPrimitive;
    match BigInt::from_f64(f) {
        Some(x) => &x == b,
        Option::None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_cpython() {
        assert_eq!(hash_i64(-1) as i64, -2);
        assert_eq!(hash_i64(1), 1);
        assert_eq!(hash_i64(MODULUS as i64), 0);
        assert_eq!(hash_f64(1.0), 1);
        assert_eq!(hash_f64(0.5) as i64, 1_152_921_504_606_846_976);
        assert_eq!(hash_f64(-2.5) as i64, -1_152_921_504_606_846_978);
        assert_eq!(hash_f64(1e100) as i64, 1_822_893_315_824_342_674);
        // hash((1, 2)) in CPython 3.11
        assert_eq!(hash_tuple([1u64, 2].into_iter()) as i64, -3_550_055_125_485_641_917);
        assert_eq!(hash_tuple([].into_iter()) as i64, 5_740_354_900_026_072_187);
        assert_eq!(hash_i64(MODULUS as i64 - 1), MODULUS - 1);
        assert_eq!(hash_i64(i64::MAX), 3);
        assert_eq!(hash_i64(-(MODULUS as i64)), 0);
        // hash((1, 2)) again, through the folding path of `hash_simple`.
        let t = Value::tuple(vec![Value::Int(1), Value::Int(2)]);
        assert_eq!(hash_simple(&t).and_then(Result::ok).map(|h| h as i64), Some(-3_550_055_125_485_641_917));
    }
}
