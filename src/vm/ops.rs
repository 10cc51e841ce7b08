//! Operators: arithmetic, comparisons, truth, equality and hashing, with CPython's
//! dispatch rules (reflected operands, `NotImplemented`) and error messages.
//!
//! Sizes of results are checked against the memory budget before computing them
//! (`10 ** 10 ** 10`, `'a' * 10 ** 10`, `1 << 10 ** 9`): never allocate first.

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use super::Vm;
use crate::compile::UnaryOpKind;
use crate::syntax::ast::{BinOp, CmpOp};
use crate::values::hash::{eq_simple, hash_simple, unhashable};
use crate::values::*;

pub fn to_bigint(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

pub fn to_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Float(f) => Some(*f),
        Value::BigInt(b) => Some(b.to_f64().unwrap_or(f64::INFINITY)),
        _ => None,
    }
}

fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

fn dunder(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mult => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMult => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
    }
}

pub fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut fd = div.floor();
        if div - fd > 0.5 {
            fd += 1.0;
        }
        fd
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// Integers above this size (in bits) make arithmetic slow enough to check the
/// deadline before each operation.
const BIG_OP_BITS: u64 = 1 << 16;

impl Vm {
    pub fn binary_op(&mut self, a: &Value, b: &Value, op: BinOp) -> PyResult<Value> {
        if let Some(r) = self.builtin_binary(a, b, op)? {
            return Ok(r);
        }
        let (name, rname, _) = dunder(op);
        match self.dunder_binary(a, b, name, rname)? {
            Some(v) => Ok(v),
            // `int | None`: type's own `__or__` (a union).
            None if op == BinOp::BitOr => match crate::builtins::union_type::union_or(self, a, b)? {
                Some(u) => Ok(u),
                None => Err(unsupported(a, b, op.symbol())),
            },
            None => Err(unsupported(a, b, op.symbol())),
        }
    }

    /// `a.__op__(b)`, then `b.__rop__(a)`; `None` when both decline.
    pub(crate) fn dunder_binary(&mut self, a: &Value, b: &Value, name: &str, rname: &str) -> PyResult<Option<Value>> {
        let a_is_user = matches!(a, Value::Instance(_) | Value::Native(_));
        let b_is_user = matches!(b, Value::Instance(_) | Value::Native(_));
        // A subclass on the right gets to go first.
        if b_is_user && a_is_user {
            let (ta, tb) = (self.type_of(a), self.type_of(b));
            if !Rc::ptr_eq(&ta, &tb) && tb.is_subclass(&ta) {
                if let Some(m) = self.special(b, rname) {
                    let r = self.call(&m, Args::new([b.clone(), a.clone()]))?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(Some(r));
                    }
                }
            }
        }
        if let Some(m) = self.special(a, name) {
            let r = self.call(&m, Args::new([a.clone(), b.clone()]))?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(Some(r));
            }
        } else if let (Value::Instance(i), false) = (a, binop_of(name) == BinOp::MatMult) {
            // Arithmetic only: comparisons (`__lt__`...) reach here too and are
            // answered on the wrapped value by `order` (IntEnum < int).
            if let Some(base) = i.base.borrow().clone() {
                // Both sides may wrap builtin values (IntEnum + IntEnum).
                let b2 = builtin_base_of(b);
                if let Some(r) = self.builtin_binary(&base, &b2, binop_of(name))? {
                    return Ok(Some(r));
                }
            }
        }
        if let Some(m) = self.special(b, rname) {
            let r = self.call(&m, Args::new([b.clone(), a.clone()]))?;
            if !matches!(r, Value::NotImplemented) {
                return Ok(Some(r));
            }
        } else if let Value::Instance(j) = b {
            // `1 + IntEnumMember`: the wrapped builtin value on the right.
            let op = binop_of(name);
            if op != BinOp::MatMult && !matches!(a, Value::Instance(_)) {
                if let Some(base) = j.base.borrow().clone() {
                    if let Some(r) = self.builtin_binary(a, &base, op)? {
                        return Ok(Some(r));
                    }
                }
            }
        }
        Ok(None)
    }

    pub fn inplace_op(&mut self, a: Value, b: Value, op: BinOp) -> PyResult<Value> {
        match (&a, op) {
            (Value::List(l), BinOp::Add) => {
                let items = self.collect(&b)?;
                l.borrow_mut().extend(items);
                return Ok(a);
            }
            (Value::List(l), BinOp::Mult) => {
                if !matches!(b, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Instance(_)) {
                    return Err(PyErr::type_error(format!("can't multiply sequence by non-int of type '{}'", b.type_name())));
                }
                let n = self.repeat_count(&b)? as usize;
                let cur = l.borrow().clone();
                self.check_alloc((cur.len() as u128) * (n as u128) * 16)?;
                let mut out = Vec::with_capacity(cur.len() * n);
                for _ in 0..n {
                    out.extend(cur.iter().cloned());
                }
                *l.borrow_mut() = out;
                return Ok(a);
            }
            (Value::Set(s), BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor)
                if matches!(b, Value::Set(_) | Value::FrozenSet(_)) =>
            {
                crate::builtins::set_methods::set_inplace(self, s, &b, op)?;
                return Ok(a);
            }
            (Value::ByteArray(x), BinOp::Add) if matches!(b, Value::Bytes(_) | Value::ByteArray(_)) => {
                let y = bytes_of(&b);
                self.check_alloc(x.borrow().len() as u128 + y.len() as u128)?;
                x.borrow_mut().extend_from_slice(&y);
                return Ok(a);
            }
            (Value::ByteArray(x), BinOp::Mult) if is_int(&b) => {
                let n = self.repeat_count(&b)?;
                let cur = x.borrow().clone();
                self.check_repeat(cur.len(), n, "repeated bytes are too long")?;
                *x.borrow_mut() = cur.repeat(n as usize);
                return Ok(a);
            }
            (Value::Dict(d), BinOp::BitOr) => {
                // `d |= x` is `d.update(x)`: a mapping or an iterable of pairs.
                crate::builtins::constructors::dict_fill(self, d, Args::new([b.clone()]), "update")?;
                return Ok(a);
            }
            (Value::Instance(_), _) => {
                let (name, rname, iname) = dunder(op);
                if let Some(m) = self.special(&a, iname) {
                    let r = self.call(&m, Args::new([a.clone(), b.clone()]))?;
                    if !matches!(r, Value::NotImplemented) {
                        return Ok(r);
                    }
                }
                if let Some(r) = self.dunder_binary(&a, &b, name, rname)? {
                    return Ok(r);
                }
                return Err(unsupported_inplace(&a, &b, op.symbol()));
            }
            _ => {}
        }
        match self.builtin_binary(&a, &b, op)? {
            Some(r) => Ok(r),
            None => {
                let (name, rname, _) = dunder(op);
                match self.dunder_binary(&a, &b, name, rname)? {
                    Some(r) => Ok(r),
                    None => Err(unsupported_inplace(&a, &b, op.symbol())),
                }
            }
        }
    }

    /// Operators on builtin values; `None` when the types do not support `op`.
    fn builtin_binary(&mut self, a: &Value, b: &Value, op: BinOp) -> PyResult<Option<Value>> {
        use Value::*;
        if is_int(a) && is_int(b) {
            // Ints have no `@`: the caller words the error (`@` or `@=`).
            if op == BinOp::MatMult {
                return Ok(Option::None);
            }
            return self.int_binary(a, b, op).map(Some);
        }
        if matches!(a, Float(_)) && (is_int(b) || matches!(b, Float(_))) || matches!(b, Float(_)) && is_int(a) {
            let (x, y) = (to_f64(a).unwrap_or(0.0), to_f64(b).unwrap_or(0.0));
            if matches!(a, BigInt(_)) && x.is_infinite() || matches!(b, BigInt(_)) && y.is_infinite() {
                return Err(PyErr::overflow("int too large to convert to float"));
            }
            return float_binary(x, y, op);
        }
        Ok(Some(match (a, b, op) {
            (Str(x), Str(y), BinOp::Add) => {
                self.check_alloc(x.as_str().len() as u128 + y.as_str().len() as u128)?;
                let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                s.push_str(x.as_str());
                s.push_str(y.as_str());
                Value::string(s)
            }
            (Str(x), _, BinOp::Mult) if is_int(b) => {
                let n = self.repeat_count(b)?;
                self.check_repeat(x.as_str().len(), n, "repeated string is too long")?;
                Value::string(x.as_str().repeat(n as usize))
            }
            (_, Str(_), BinOp::Mult) if is_int(a) => return self.builtin_binary(b, a, op),
            (Str(_), _, BinOp::Mod) => Value::string(self.percent_format(a, b)?),
            (Bytes(_) | ByteArray(_), Bytes(_) | ByteArray(_), BinOp::Add) => {
                let (x, y) = (bytes_of(a), bytes_of(b));
                self.check_alloc(x.len() as u128 + y.len() as u128)?;
                let mut v = Vec::with_capacity(x.len() + y.len());
                v.extend_from_slice(&x);
                v.extend_from_slice(&y);
                same_bytes_kind(a, v)
            }
            (ByteArray(x), _, BinOp::Mult) if is_int(b) => {
                let n = self.repeat_count(b)?;
                let x = x.borrow().clone();
                self.check_repeat(x.len(), n, "repeated bytes are too long")?;
                Value::ByteArray(Rc::new(RefCell::new(x.repeat(n as usize))))
            }
            (Bytes(x), _, BinOp::Mod) => Value::bytes(self.percent_format_bytes(x, b)?),
            (ByteArray(x), _, BinOp::Mod) => {
                let f = x.borrow().clone();
                Value::ByteArray(Rc::new(RefCell::new(self.percent_format_bytes(&f, b)?)))
            }
            (Bytes(x), _, BinOp::Mult) if is_int(b) => {
                let n = self.repeat_count(b)?;
                self.check_repeat(x.len(), n, "repeated bytes are too long")?;
                Value::bytes(x.repeat(n as usize))
            }
            (List(x), List(y), BinOp::Add) => {
                let mut v = x.borrow().clone();
                v.extend(y.borrow().iter().cloned());
                Value::list(v)
            }
            (List(x), _, BinOp::Mult) if is_int(b) => {
                let n = self.repeat_count(b)?;
                let x = x.borrow();
                self.check_alloc(x.len() as u128 * n * 16)?;
                let mut v = Vec::with_capacity(x.len() * n as usize);
                for _ in 0..n {
                    v.extend(x.iter().cloned());
                }
                Value::list(v)
            }
            (Tuple(x), Tuple(y), BinOp::Add) => {
                let mut v = x.to_vec();
                v.extend(y.iter().cloned());
                Value::tuple(v)
            }
            (Tuple(x), _, BinOp::Mult) if is_int(b) => {
                let n = self.repeat_count(b)?;
                self.check_alloc(x.len() as u128 * n * 16)?;
                let mut v = Vec::with_capacity(x.len() * n as usize);
                for _ in 0..n {
                    v.extend(x.iter().cloned());
                }
                Value::tuple(v)
            }
            (_, List(_) | Tuple(_) | Bytes(_) | ByteArray(_), BinOp::Mult) if is_int(a) => return self.builtin_binary(b, a, op),
            (Dict(x), Dict(y), BinOp::BitOr) => {
                let d = Rc::new(RefCell::new(x.borrow().clone()));
                self.dict_update_from(&d, &Dict(y.clone()), false)?;
                Value::Dict(d)
            }
            (Set(_) | FrozenSet(_), Set(_) | FrozenSet(_), BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) => {
                let r = self.set_binary(a, b, op)?;
                if matches!(a, FrozenSet(_)) {
                    match r {
                        Set(s) => FrozenSet(Rc::new(s.borrow().clone())),
                        other => other,
                    }
                } else {
                    r
                }
            }
            _ => return Ok(Option::None),
        }))
    }

    fn int_binary(&mut self, a: &Value, b: &Value, op: BinOp) -> PyResult<Value> {
        if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
            let small = match op {
                BinOp::Add => x.checked_add(y).map(Value::Int),
                BinOp::Sub => x.checked_sub(y).map(Value::Int),
                BinOp::Mult => x.checked_mul(y).map(Value::Int),
                BinOp::FloorDiv => {
                    if y == 0 {
                        return Err(PyErr::zero_division("integer division or modulo by zero"));
                    }
                    x.checked_div_euclid(y).map(|_| Value::Int(Integer::div_floor(&x, &y)))
                }
                BinOp::Mod => {
                    if y == 0 {
                        return Err(PyErr::zero_division("integer modulo by zero"));
                    }
                    x.checked_rem(y).map(|_| Value::Int(Integer::mod_floor(&x, &y)))
                }
                BinOp::Div => {
                    if y == 0 {
                        return Err(PyErr::zero_division("division by zero"));
                    }
                    if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                        return Ok(Value::Float(x as f64 / y as f64));
                    }
                    return int_true_div(&BigInt::from(x), &BigInt::from(y)).map(Value::Float);
                }
                BinOp::BitAnd => {
                    let r = x & y;
                    return Ok(if let (Value::Bool(_), Value::Bool(_)) = (a, b) { Value::Bool(r != 0) } else { Value::Int(r) });
                }
                BinOp::BitOr => {
                    let r = x | y;
                    return Ok(if let (Value::Bool(_), Value::Bool(_)) = (a, b) { Value::Bool(r != 0) } else { Value::Int(r) });
                }
                BinOp::BitXor => {
                    let r = x ^ y;
                    return Ok(if let (Value::Bool(_), Value::Bool(_)) = (a, b) { Value::Bool(r != 0) } else { Value::Int(r) });
                }
                BinOp::LShift => {
                    if y < 0 {
                        return Err(PyErr::value_error("negative shift count"));
                    }
                    // unsigned_abs: abs() of i64::MIN overflows (a panic with debug
                    // assertions, a wrong 0 without them: `-2**63 << 1`).
                    if y < 63 && (x.unsigned_abs() < (1u64 << (62 - y))) {
                        Some(Value::Int(x << y))
                    } else {
                        None
                    }
                }
                BinOp::RShift => {
                    if y < 0 {
                        return Err(PyErr::value_error("negative shift count"));
                    }
                    Some(Value::Int(if y >= 64 { if x < 0 { -1 } else { 0 } } else { x >> y }))
                }
                BinOp::Pow => {
                    if y < 0 {
                        if x == 0 {
                            return Err(PyErr::zero_division("0.0 cannot be raised to a negative power"));
                        }
                        return Ok(Value::Float((x as f64).powf(y as f64)));
                    }
                    u32::try_from(y).ok().and_then(|e| x.checked_pow(e)).map(Value::Int)
                }
                BinOp::MatMult => None,
            };
            if let Some(v) = small {
                return Ok(v);
            }
        }
        let x = to_bigint(a).expect("int_binary takes ints");
        let y = to_bigint(b).expect("int_binary takes ints");
        // Multiplying and dividing big numbers takes time superlinear in their size,
        // and a loop of such operations makes few steps: check the deadline before
        // each one, not only every 1,024 steps (cheap next to the operation).
        if x.bits().max(y.bits()) > BIG_OP_BITS {
            self.check_budgets()?;
        }
        Ok(match op {
            BinOp::Add => Value::from_bigint(x + y),
            BinOp::Sub => Value::from_bigint(x - y),
            BinOp::Mult => {
                self.check_int_bits((x.bits() + y.bits()) as u128)?;
                Value::from_bigint(x * y)
            }
            BinOp::FloorDiv => {
                if y.is_zero() {
                    return Err(PyErr::zero_division("integer division or modulo by zero"));
                }
                Value::from_bigint(x.div_floor(&y))
            }
            BinOp::Mod => {
                if y.is_zero() {
                    return Err(PyErr::zero_division("integer modulo by zero"));
                }
                Value::from_bigint(x.mod_floor(&y))
            }
            BinOp::Div => {
                if y.is_zero() {
                    return Err(PyErr::zero_division("division by zero"));
                }
                Value::Float(int_true_div(&x, &y)?)
            }
            BinOp::BitAnd => Value::from_bigint(x & y),
            BinOp::BitOr => Value::from_bigint(x | y),
            BinOp::BitXor => Value::from_bigint(x ^ y),
            BinOp::LShift => {
                if y.is_negative() {
                    return Err(PyErr::value_error("negative shift count"));
                }
                let s = y.to_u64().ok_or_else(|| PyErr::overflow("too many digits in integer"))?;
                self.check_int_bits((x.bits() + s) as u128)?;
                Value::from_bigint(x << s)
            }
            BinOp::RShift => {
                if y.is_negative() {
                    return Err(PyErr::value_error("negative shift count"));
                }
                let s = y.to_u64().unwrap_or(u64::MAX);
                if s >= x.bits() + 1 {
                    Value::Int(if x.is_negative() { -1 } else { 0 })
                } else {
                    Value::from_bigint(x >> s)
                }
            }
            BinOp::Pow => {
                if y.is_negative() {
                    let (xf, yf) = (x.to_f64().unwrap_or(f64::INFINITY), y.to_f64().unwrap_or(f64::NEG_INFINITY));
                    if x.is_zero() {
                        return Err(PyErr::zero_division("0.0 cannot be raised to a negative power"));
                    }
                    return Ok(Value::Float(xf.powf(yf)));
                }
                if x.is_zero() || x == BigInt::from(1) {
                    return Ok(Value::from_bigint(x));
                }
                if x == BigInt::from(-1) {
                    return Ok(Value::Int(if y.is_even() { 1 } else { -1 }));
                }
                let e = y.to_u64().ok_or_else(|| PyErr::memory_error("exponent too large"))?;
                let bits = x.bits() as u128 * e as u128;
                self.check_int_bits(bits)?;
                Value::from_bigint(self.bigint_pow(x, e)?)
            }
            BinOp::MatMult => return Err(unsupported(a, b, "@")),
        })
    }

    /// `x ** e` by squaring, checking the deadline between the big squarings so that
    /// one power cannot run past the time budget by more than one multiplication.
    fn bigint_pow(&mut self, x: BigInt, mut e: u64) -> PyResult<BigInt> {
        let mut base = x;
        let mut acc = BigInt::from(1);
        loop {
            if e & 1 == 1 {
                acc *= &base;
            }
            e >>= 1;
            if e == 0 {
                return Ok(acc);
            }
            if base.bits() > BIG_OP_BITS {
                self.check_budgets()?;
            }
            base = &base * &base;
        }
    }

    pub fn unary_op(&mut self, v: &Value, op: UnaryOpKind) -> PyResult<Value> {
        Ok(match (v, op) {
            (Value::Int(i), UnaryOpKind::Neg) => match i.checked_neg() {
                Some(r) => Value::Int(r),
                None => Value::from_bigint(-BigInt::from(*i)),
            },
            (Value::Bool(b), UnaryOpKind::Neg) => Value::Int(-(*b as i64)),
            (Value::BigInt(b), UnaryOpKind::Neg) => Value::from_bigint(-(**b).clone()),
            (Value::Float(f), UnaryOpKind::Neg) => Value::Float(-f),
            (Value::Int(_) | Value::BigInt(_) | Value::Float(_), UnaryOpKind::Pos) => v.clone(),
            (Value::Bool(b), UnaryOpKind::Pos) => Value::Int(*b as i64),
            (Value::Int(i), UnaryOpKind::Invert) => Value::Int(!i),
            (Value::Bool(b), UnaryOpKind::Invert) => Value::Int(!(*b as i64)),
            (Value::BigInt(b), UnaryOpKind::Invert) => Value::from_bigint(-(**b).clone() - 1),
            (Value::Instance(_) | Value::Native(_), _) => {
                let name = match op {
                    UnaryOpKind::Neg => "__neg__",
                    UnaryOpKind::Pos => "__pos__",
                    UnaryOpKind::Invert => "__invert__",
                    UnaryOpKind::Not => return Ok(Value::Bool(!self.truthy(v)?)),
                };
                match self.special(v, name) {
                    Some(m) => self.call1(&m, v.clone())?,
                    None => return Err(bad_unary(v, op)),
                }
            }
            (_, UnaryOpKind::Not) => Value::Bool(!self.truthy(v)?),
            _ => return Err(bad_unary(v, op)),
        })
    }

    pub fn truthy(&mut self, v: &Value) -> PyResult<bool> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::BigInt(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.as_str().is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::ByteArray(b) => !b.borrow().is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::Set(s) => !s.borrow().is_empty(),
            Value::FrozenSet(s) => !s.is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__bool__") {
                    let r = self.call1(&m, v.clone())?;
                    return match r {
                        Value::Bool(b) => Ok(b),
                        other => Err(PyErr::type_error(format!(
                            "__bool__ should return bool, returned {}",
                            other.type_name()
                        ))),
                    };
                }
                if let Some(m) = i.class.lookup("__len__") {
                    let r = self.call1(&m, v.clone())?;
                    return Ok(self.index_of(&r)? != 0);
                }
                if let Some(base) = i.base.borrow().clone() {
                    return self.truthy(&base);
                }
                true
            }
            Value::Native(n) => {
                if let Some(m) = n.class.lookup("__bool__") {
                    let r = self.call1(&m, v.clone())?;
                    return self.truthy(&r);
                }
                if let Some(m) = n.class.lookup("__len__") {
                    let r = self.call1(&m, v.clone())?;
                    return Ok(self.index_of(&r)? != 0);
                }
                true
            }
            _ => true,
        })
    }

    pub fn compare_op(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<bool> {
        match op {
            CmpOp::Eq => self.eq(a, b),
            CmpOp::NotEq => self.ne(a, b),
            CmpOp::Is => Ok(a.is(b)),
            CmpOp::IsNot => Ok(!a.is(b)),
            CmpOp::In => self.contains(b, a),
            CmpOp::NotIn => Ok(!self.contains(b, a)?),
            CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => self.order(a, b, op),
        }
    }

    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if let Some(r) = eq_simple(a, b) {
            return Ok(r);
        }
        match (a, b) {
            (Value::List(x), Value::List(y)) => {
                if Rc::ptr_eq(x, y) {
                    return Ok(true);
                }
                let (x, y) = (x.borrow().clone(), y.borrow().clone());
                self.seq_eq(&x, &y)
            }
            (Value::Tuple(x), Value::Tuple(y)) => {
                let (x, y) = (x.clone(), y.clone());
                self.seq_eq(&x, &y)
            }
            (Value::Dict(x), Value::Dict(y)) => {
                if Rc::ptr_eq(x, y) {
                    return Ok(true);
                }
                if x.borrow().len() != y.borrow().len() {
                    return Ok(false);
                }
                let items: Vec<(Value, Value)> = x.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
                for (k, v) in items {
                    match self.dict_get(y, &k)? {
                        Some(w) => {
                            if !v.is(&w) && !self.eq(&v, &w)? {
                                return Ok(false);
                            }
                        }
                        None => return Ok(false),
                    }
                }
                Ok(true)
            }
            (Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_)) => {
                let (x, y) = (self.set_items(a), self.set_items(b));
                if x.len() != y.len() {
                    return Ok(false);
                }
                for v in &x {
                    if !self.contains(b, v)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            _ => {
                if let Some(r) = self.dunder_binary(a, b, "__eq__", "__eq__")? {
                    return self.truthy(&r);
                }
                if let (Value::Instance(i), _) = (a, b) {
                    if let Some(base) = i.base.borrow().clone() {
                        return self.eq(&base, b);
                    }
                }
                if let (_, Value::Instance(i)) = (a, b) {
                    if let Some(base) = i.base.borrow().clone() {
                        return self.eq(a, &base);
                    }
                }
                Ok(a.is(b))
            }
        }
    }

    pub fn ne(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)) {
            if let Some(r) = self.dunder_binary(a, b, "__ne__", "__ne__")? {
                return self.truthy(&r);
            }
        }
        Ok(!self.eq(a, b)?)
    }

    /// Guards native recursion through nested containers (comparison, hashing), as
    /// CPython's recursion limit does: a 10^6-deep list compares to a RecursionError,
    /// never a native stack overflow.
    fn enter_nested(&mut self) -> PyResult<()> {
        if self.nesting >= self.policy.max_recursion {
            return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded in comparison"));
        }
        self.nesting += 1;
        Ok(())
    }

    fn seq_eq(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        self.enter_nested()?;
        let r = self.seq_eq_inner(x, y);
        self.nesting -= 1;
        r
    }

    fn seq_eq_inner(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (p, q) in x.iter().zip(y) {
            if !p.is(q) && !self.eq(p, q)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `<`, `<=`, `>`, `>=`.
    pub fn order(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<bool> {
        use std::cmp::Ordering;
        use Value::*;
        let ord: Option<Ordering> = match (a, b) {
            (Int(x), Int(y)) => Some(x.cmp(y)),
            _ if is_int(a) && is_int(b) => Some(to_bigint(a).cmp(&to_bigint(b))),
            (Float(_), _) | (_, Float(_)) if (is_int(a) || matches!(a, Float(_))) && (is_int(b) || matches!(b, Float(_))) => {
                let r = match (a, b) {
                    (Float(x), Float(y)) => x.partial_cmp(y),
                    (Float(x), _) => cmp_float_int(*x, b),
                    (_, Float(y)) => cmp_float_int(*y, a).map(Ordering::reverse),
                    _ => Option::None,
                };
                return Ok(match r {
                    Some(o) => ord_matches(o, op),
                    Option::None => false,
                });
            }
            (Str(x), Str(y)) => Some(x.as_str().cmp(y.as_str())),
            (Bytes(x), Bytes(y)) => Some(x.cmp(y)),
            (Bytes(_) | ByteArray(_), Bytes(_) | ByteArray(_)) => Some(bytes_of(a).cmp(&bytes_of(b))),
            (List(x), List(y)) => {
                let (x, y) = (x.borrow().clone(), y.borrow().clone());
                return self.seq_order(&x, &y, op);
            }
            (Tuple(x), Tuple(y)) => {
                let (x, y) = (x.clone(), y.clone());
                return self.seq_order(&x, &y, op);
            }
            (Set(_) | FrozenSet(_), Set(_) | FrozenSet(_)) => {
                let (x, y) = (self.set_items(a), self.set_items(b));
                let sub = |vm: &mut Vm, small: &[Value], big: &Value| -> PyResult<bool> {
                    for v in small {
                        if !vm.contains(big, v)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                };
                return Ok(match op {
                    CmpOp::LtE => sub(self, &x, b)?,
                    CmpOp::Lt => x.len() < y.len() && sub(self, &x, b)?,
                    CmpOp::GtE => sub(self, &y, a)?,
                    CmpOp::Gt => x.len() > y.len() && sub(self, &y, a)?,
                    _ => false,
                });
            }
            _ => Option::None,
        };
        if let Some(o) = ord {
            return Ok(ord_matches(o, op));
        }
        let (name, rname) = match op {
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::LtE => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            _ => ("__ge__", "__le__"),
        };
        if let Some(r) = self.dunder_binary(a, b, name, rname)? {
            return self.truthy(&r);
        }
        // An instance of a builtin subclass compares as its builtin value; when
        // that has no ordering either, the error names the subclass ('Counter').
        let unwrap = |v: &Value| match v {
            Instance(i) => i.base.borrow().clone(),
            _ => Option::None,
        };
        let (ba, bb) = (unwrap(a), unwrap(b));
        if ba.is_some() || bb.is_some() {
            let x = ba.unwrap_or_else(|| a.clone());
            let y = bb.unwrap_or_else(|| b.clone());
            if has_native_order(&x, &y) {
                return self.order(&x, &y, op);
            }
        }
        Err(PyErr::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        )))
    }

    fn seq_order(&mut self, x: &[Value], y: &[Value], op: CmpOp) -> PyResult<bool> {
        self.enter_nested()?;
        let r = self.seq_order_inner(x, y, op);
        self.nesting -= 1;
        r
    }

    fn seq_order_inner(&mut self, x: &[Value], y: &[Value], op: CmpOp) -> PyResult<bool> {
        for (p, q) in x.iter().zip(y) {
            if p.is(q) || self.eq(p, q)? {
                continue;
            }
            return self.order(p, q, op);
        }
        Ok(ord_matches(x.len().cmp(&y.len()), op))
    }

    pub fn lt(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => Ok(x < y),
            (Value::Str(x), Value::Str(y)) => Ok(x.as_str() < y.as_str()),
            (Value::Float(x), Value::Float(y)) => Ok(x < y),
            _ => self.order(a, b, CmpOp::Lt),
        }
    }

    pub fn hash(&mut self, v: &Value) -> PyResult<u64> {
        if let Some(r) = hash_simple(v) {
            return r;
        }
        match v {
            Value::Instance(i) => {
                // The first user class that defines __eq__ or __hash__ decides: defining
                // __eq__ alone makes instances unhashable, as in CPython.
                let decided = i.class.mro_with_self().take_while(|c| c.is_user).find_map(|c| {
                    let d = c.dict.borrow();
                    match (d.get("__hash__"), d.contains_key("__eq__")) {
                        (Some(h), _) => Some(Some(h.clone())),
                        (None, true) => Some(None),
                        (None, false) => None,
                    }
                });
                match decided {
                    Some(None) | Some(Some(Value::None)) => return Err(unhashable(v)),
                    Some(Some(m)) => {
                        let r = self.call1(&m, v.clone())?;
                        return match r {
                            Value::Int(n) => Ok(crate::values::hash::hash_i64(n)),
                            Value::BigInt(b) => Ok(crate::values::hash::hash_bigint(&b)),
                            Value::Bool(b) => Ok(b as u64),
                            _ => Err(PyErr::type_error("__hash__ method should return an integer")),
                        };
                    }
                    None => {}
                }
                if let Some(base) = i.base.borrow().clone() {
                    if !matches!(base, Value::List(_) | Value::Dict(_) | Value::Set(_)) {
                        return self.hash(&base);
                    }
                    return Err(unhashable(v));
                }
                Ok((v.identity() as u64) >> 4)
            }
            // Native stdlib objects (datetime...) hash by their own `__hash__`.
            Value::Native(n) => match n.class.lookup_with_owner("__hash__") {
                Some((owner, m)) if !Rc::ptr_eq(&owner, &self.types.object) => match self.call1(&m, v.clone())? {
                    Value::Int(h) => Ok(crate::values::hash::hash_i64(h)),
                    Value::BigInt(b) => Ok(crate::values::hash::hash_bigint(&b)),
                    Value::None => Err(unhashable(v)),
                    _ => Err(PyErr::type_error("__hash__ method should return an integer")),
                },
                _ => Ok((v.identity() as u64) >> 4),
            },
            Value::Tuple(items) => {
                self.enter_nested()?;
                let mut hs = Vec::with_capacity(items.len());
                for it in items.iter() {
                    match self.hash(it) {
                        Ok(h) => hs.push(h),
                        Err(e) => {
                            self.nesting -= 1;
                            return Err(e);
                        }
                    }
                }
                self.nesting -= 1;
                Ok(crate::values::hash::hash_tuple(hs.into_iter()))
            }
            _ => Ok((v.identity() as u64) >> 4),
        }
    }

    /// How many times `seq * v` repeats `seq` (negative is none): CPython's
    /// OverflowError for counts beyond a machine integer, whatever their sign.
    fn repeat_count(&mut self, v: &Value) -> PyResult<u128> {
        let overflow = || PyErr::new(ExcKind::OverflowError, "cannot fit 'int' into an index-sized integer");
        match v {
            Value::BigInt(_) => Err(overflow()),
            _ => match self.index_of(v) {
                Ok(n) => Ok(n.max(0) as u128),
                Err(e) if self.err_is(&e, ExcKind::IndexError) => Err(overflow()),
                Err(e) => Err(e),
            },
        }
    }

    /// `len` bytes repeated `n` times: CPython's OverflowError (`too_long`) past a
    /// machine size, then the memory budget.
    fn check_repeat(&self, len: usize, n: u128, too_long: &'static str) -> PyResult<()> {
        let total = len as u128 * n;
        if total > i64::MAX as u128 {
            return Err(PyErr::new(ExcKind::OverflowError, too_long));
        }
        self.check_alloc(total)
    }

    /// The integer value of `v` for indexing (`__index__`).
    pub fn index_of(&mut self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::BigInt(_) => Err(PyErr::new(
                ExcKind::IndexError,
                "cannot fit 'int' into an index-sized integer",
            )),
            Value::Instance(i) if i.class.lookup("__index__").is_some() => {
                let m = i.class.lookup("__index__").expect("checked just above");
                let r = self.call1(&m, v.clone())?;
                self.index_of(&r)
            }
            _ => Err(PyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))),
        }
    }
}

/// The builtin value an instance of a builtin-type subclass wraps, or the value itself.
fn builtin_base_of(v: &Value) -> Value {
    match v {
        Value::Instance(i) => i.base.borrow().clone().unwrap_or_else(|| v.clone()),
        _ => v.clone(),
    }
}

fn binop_of(name: &str) -> BinOp {
    match name {
        "__add__" => BinOp::Add,
        "__sub__" => BinOp::Sub,
        "__mul__" => BinOp::Mult,
        "__truediv__" => BinOp::Div,
        "__floordiv__" => BinOp::FloorDiv,
        "__mod__" => BinOp::Mod,
        "__pow__" => BinOp::Pow,
        "__or__" => BinOp::BitOr,
        "__and__" => BinOp::BitAnd,
        "__xor__" => BinOp::BitXor,
        "__lshift__" => BinOp::LShift,
        "__rshift__" => BinOp::RShift,
        _ => BinOp::MatMult,
    }
}

fn cmp_float_int(x: f64, i: &Value) -> Option<std::cmp::Ordering> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Less });
    }
    let b = to_bigint(i)?;
    let fl = x.floor();
    let fb = num_traits::FromPrimitive::from_f64(fl).map(|v: BigInt| v)?;
    match fb.cmp(&b) {
        std::cmp::Ordering::Equal => Some(if x > fl { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Equal }),
        o => Some(o),
    }
}

/// Whether `order` compares this pair of builtin values natively.
fn has_native_order(a: &Value, b: &Value) -> bool {
    use Value::*;
    let num = |v: &Value| is_int(v) || matches!(v, Float(_));
    matches!(
        (a, b),
        (Str(_), Str(_))
            | (Bytes(_) | ByteArray(_), Bytes(_) | ByteArray(_))
            | (List(_), List(_))
            | (Tuple(_), Tuple(_))
            | (Set(_) | FrozenSet(_), Set(_) | FrozenSet(_))
    ) || (num(a) && num(b))
}

fn ord_matches(o: std::cmp::Ordering, op: CmpOp) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Lt => o == Less,
        CmpOp::LtE => o != Greater,
        CmpOp::Gt => o == Greater,
        CmpOp::GtE => o != Less,
        CmpOp::Eq => o == Equal,
        _ => o != Equal,
    }
}

fn float_binary(x: f64, y: f64, op: BinOp) -> PyResult<Option<Value>> {
    Ok(Some(Value::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(PyErr::zero_division("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(PyErr::zero_division("float floor division by zero"));
            }
            float_divmod(x, y).0
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(PyErr::zero_division("float modulo"));
            }
            float_divmod(x, y).1
        }
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(PyErr::zero_division("0.0 cannot be raised to a negative power"));
            }
            if x < 0.0 && y.fract() != 0.0 {
                return Err(PyErr::value_error("garter does not support complex numbers (negative number raised to a fractional power)"));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(PyErr::new(ExcKind::OverflowError, "(34, 'Numerical result out of range')"));
            }
            r
        }
        _ => return Ok(None),
    })))
}

/// The bytes of a `bytes` or `bytearray` operand (empty for anything else).
fn bytes_of(v: &Value) -> std::borrow::Cow<'_, [u8]> {
    match v {
        Value::Bytes(b) => std::borrow::Cow::Borrowed(&b[..]),
        Value::ByteArray(b) => std::borrow::Cow::Owned(b.borrow().clone()),
        _ => std::borrow::Cow::Borrowed(&[]),
    }
}

/// A result of the kind of the left operand, as CPython's bytes operations give.
fn same_bytes_kind(like: &Value, v: Vec<u8>) -> Value {
    match like {
        Value::ByteArray(_) => Value::ByteArray(Rc::new(RefCell::new(v))),
        _ => Value::bytes(v),
    }
}

#[cold]
pub fn unsupported(a: &Value, b: &Value, sym: &str) -> PyErr {
    if sym == "+" {
        if let Value::Str(_) = a {
            return PyErr::type_error(format!("can only concatenate str (not \"{}\") to str", b.type_name()));
        }
        if let Value::List(_) = a {
            return PyErr::type_error(format!("can only concatenate list (not \"{}\") to list", b.type_name()));
        }
        if let Value::Tuple(_) = a {
            return PyErr::type_error(format!("can only concatenate tuple (not \"{}\") to tuple", b.type_name()));
        }
        if let Value::Bytes(_) | Value::ByteArray(_) = a {
            return PyErr::type_error(format!("can't concat {} to {}", b.type_name(), a.type_name()));
        }
    }
    if sym == "*" {
        // A sequence times anything else that did not answer: CPython tried the
        // sequence's repeat and names the other operand (the right one when both
        // are sequences).
        let seq = |v: &Value| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_) | Value::ByteArray(_));
        if seq(a) {
            return PyErr::type_error(format!("can't multiply sequence by non-int of type '{}'", b.type_name()));
        }
        if seq(b) {
            return PyErr::type_error(format!("can't multiply sequence by non-int of type '{}'", a.type_name()));
        }
    }
    if sym == "**" {
        return PyErr::type_error(format!(
            "unsupported operand type(s) for ** or pow(): '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ));
    }
    PyErr::type_error(format!("unsupported operand type(s) for {sym}: '{}' and '{}'", a.type_name(), b.type_name()))
}

#[cold]
fn unsupported_inplace(a: &Value, b: &Value, sym: &str) -> PyErr {
    match (a, sym) {
        (Value::Str(_) | Value::List(_) | Value::Tuple(_), "+" | "*") => unsupported(a, b, sym),
        (Value::Bytes(_) | Value::ByteArray(_), "*") => unsupported(a, b, sym),
        _ => PyErr::type_error(format!(
            "unsupported operand type(s) for {sym}=: '{}' and '{}'",
            a.type_name(),
            b.type_name()
        )),
    }
}

#[cold]
fn bad_unary(v: &Value, op: UnaryOpKind) -> PyErr {
    let sym = match op {
        UnaryOpKind::Neg => "-",
        UnaryOpKind::Pos => "+",
        UnaryOpKind::Invert => "~",
        UnaryOpKind::Not => "not",
    };
    PyErr::type_error(format!("bad operand type for unary {sym}: '{}'", v.type_name()))
}

/// `a / b` for ints, correctly rounded as CPython's `long_true_divide`: the
/// quotient is taken with 55 significant bits plus a sticky bit for the
/// remainder, so the one rounding to 53 bits is the right one. `b` is not zero.
fn int_true_div(a: &BigInt, b: &BigInt) -> PyResult<f64> {
    use num_bigint::Sign;
    let neg = (a.sign() == Sign::Minus) != (b.sign() == Sign::Minus);
    let (n, d) = (a.magnitude(), b.magnitude());
    if n.is_zero() {
        return Ok(if neg { -0.0 } else { 0.0 });
    }
    let shift = n.bits() as i64 - d.bits() as i64 - 55;
    let (num, den) = if shift >= 0 { (n.clone(), d << shift as u64) } else { (n << (-shift) as u64, d.clone()) };
    let (q, r) = num.div_rem(&den);
    // Both quotients below have at most 56 bits by construction.
    let mut q = q.to_u64().ok_or_else(too_large)?;
    if !r.is_zero() {
        q |= 1;
    }
    // q has 55 or 56 bits: its conversion rounds once, to nearest even.
    let m = q as f64;
    let exp = shift + 64 - q.leading_zeros() as i64; // the result is below 2**exp
    if exp > 1024 {
        return Err(too_large());
    }
    if exp < -1021 {
        // Subnormal: round to a multiple of 2**-1074 directly. The quotient in
        // units of 2**-1076 keeps two more bits; the remainder is the sticky bit.
        let (num, den) = (n << 1076u64, d.clone());
        let (q, r) = num.div_rem(&den);
        let q = q.to_u64().ok_or_else(too_large)?;
        let (units, rest) = (q >> 2, q & 3);
        let up = rest > 2 || (rest == 2 && (!r.is_zero() || units & 1 == 1));
        let units = units + up as u64;
        let v = units as f64 * f64::from_bits(1);
        return Ok(if neg { -v } else { v });
    }
    let mut r = m;
    let mut s = shift;
    while s > 0 {
        let k = s.min(1000);
        r *= 2f64.powi(k as i32);
        s -= k;
    }
    while s < 0 {
        let k = (-s).min(1000);
        r /= 2f64.powi(k as i32);
        s += k;
    }
    if r.is_infinite() {
        return Err(too_large());
    }
    Ok(if neg { -r } else { r })
}

fn too_large() -> PyErr {
    PyErr::overflow("integer division result too large for a float")
}
