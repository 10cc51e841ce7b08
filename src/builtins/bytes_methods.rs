//! The methods of `bytes` and `bytearray`, as CPython 3.11 has them: the same
//! results, errors and wording. A method returns the type of its receiver
//! (`bytearray.upper()` is a bytearray); the mutating methods exist on
//! `bytearray` only. Character classes are ASCII, as in CPython.
//!
//! Must never panic on any data or argument, and must check the memory budget
//! before building a result that can be much larger than its inputs.

use std::cell::RefCell;
use std::rc::Rc;

use super::method_args::{Style, adjust_indices, as_str, bind};
use super::str_methods::{Codec, Order, codec_args, escape_code_point};
use super::types::{defer_methods, native, MethodTable, Types};
use crate::values::*;
use crate::vm::Vm;

pub fn register(t: &Types) {
    defer_methods(&t.bytes, &t.object, |m| {
        m.add(SHARED);
        class_functions(m);
    });
    defer_methods(&t.bytearray, &t.object, |m| {
        m.add(SHARED);
        m.add(BYTEARRAY);
        class_functions(m);
    });
}

/// `fromhex` and `maketrans`, on both classes.
fn class_functions(m: &mut MethodTable) {
    m.insert("fromhex", Value::ClassMethod(Rc::new(native("fromhex", b_fromhex))));
    m.insert("maketrans", Value::StaticMethod(Rc::new(native("maketrans", b_maketrans))));
}

/// The methods of bytes and bytearray alike.
const SHARED: &[(&str, NativeFn)] = &[
        ("capitalize", b_capitalize),
        ("center", b_center),
        ("count", b_count),
        ("decode", b_decode),
        ("endswith", b_endswith),
        ("expandtabs", b_expandtabs),
        ("find", b_find),
        ("hex", b_hex),
        ("index", b_index),
        ("isalnum", b_isalnum),
        ("isalpha", b_isalpha),
        ("isascii", b_isascii),
        ("isdigit", b_isdigit),
        ("islower", b_islower),
        ("isspace", b_isspace),
        ("istitle", b_istitle),
        ("isupper", b_isupper),
        ("join", b_join),
        ("ljust", b_ljust),
        ("lower", b_lower),
        ("lstrip", b_lstrip),
        ("partition", b_partition),
        ("removeprefix", b_removeprefix),
        ("removesuffix", b_removesuffix),
        ("replace", b_replace),
        ("rfind", b_rfind),
        ("rindex", b_rindex),
        ("rjust", b_rjust),
        ("rpartition", b_rpartition),
        ("rsplit", b_rsplit),
        ("rstrip", b_rstrip),
        ("split", b_split),
        ("splitlines", b_splitlines),
        ("startswith", b_startswith),
        ("strip", b_strip),
        ("swapcase", b_swapcase),
        ("title", b_title),
        ("translate", b_translate),
        ("upper", b_upper),
        ("zfill", b_zfill),
];

const BYTEARRAY: &[(&str, NativeFn)] = &[
    ("append", ba_append),
    ("extend", ba_extend),
    ("pop", ba_pop),
    ("insert", ba_insert),
    ("remove", ba_remove),
    ("clear", ba_clear),
    ("copy", ba_copy),
    ("reverse", ba_reverse),
];

// ---------------------------------------------------------------------------
// Receivers and arguments.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bytes,
    ByteArray,
}

/// The class name for error messages, from the receiver (`bytes.upper()` /
/// `bytearray.upper()`).
fn ty(args: &Args) -> &'static str {
    match args.pos.first().map(unwrap_base) {
        Some(Value::ByteArray(_)) => "bytearray",
        _ => "bytes",
    }
}

fn unwrap_base(v: &Value) -> Value {
    match v {
        Value::Instance(i) => i.base.borrow().clone().unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

/// `self` of a method, as its kind and a copy of its bytes.
fn this_bytes(v: &Value, name: &str, ty: &str) -> PyResult<(Kind, Vec<u8>)> {
    match unwrap_base(v) {
        Value::Bytes(b) => Ok((Kind::Bytes, b.to_vec())),
        Value::ByteArray(b) => Ok((Kind::ByteArray, b.borrow().clone())),
        _ => Err(PyErr::type_error(format!(
            "descriptor '{name}' for '{ty}' objects doesn't apply to a '{}' object",
            v.type_name()
        ))),
    }
}

fn make(kind: Kind, data: Vec<u8>) -> Value {
    match kind {
        Kind::Bytes => Value::bytes(data),
        Kind::ByteArray => Value::ByteArray(Rc::new(RefCell::new(data))),
    }
}

/// A bytes-like argument (bytes or bytearray).
pub(crate) fn bytes_like(v: &Value) -> Option<Vec<u8>> {
    match unwrap_base(v) {
        Value::Bytes(b) => Some(b.to_vec()),
        Value::ByteArray(b) => Some(b.borrow().clone()),
        _ => None,
    }
}

fn need_bytes(v: &Value) -> PyResult<Vec<u8>> {
    bytes_like(v).ok_or_else(|| not_bytes_like(v))
}

fn not_bytes_like(v: &Value) -> PyErr {
    PyErr::type_error(format!("a bytes-like object is required, not '{}'", v.type_name()))
}

fn byte_value(vm: &mut Vm, v: &Value) -> PyResult<u8> {
    // A big int is out of range as any other (not an index-size overflow).
    let i = match v {
        Value::BigInt(_) => -1,
        _ => vm.index_of(v)?,
    };
    u8::try_from(i).map_err(|_| PyErr::value_error("byte must be in range(0, 256)"))
}

/// `needle in hay` for bytes and bytearray: a bytes-like substring or one byte
/// as an int (0-255, `__index__` accepted), as CPython's `bytes.__contains__`.
pub(crate) fn contains(vm: &mut Vm, hay: &[u8], needle: &Value) -> PyResult<bool> {
    if let Some(sub) = bytes_like(needle) {
        return Ok(find_sub(hay, &sub).is_some());
    }
    match needle {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Ok(hay.contains(&byte_value(vm, needle)?)),
        Value::Instance(i) if i.class.lookup("__index__").is_some() => Ok(hay.contains(&byte_value(vm, needle)?)),
        _ => Err(not_bytes_like(needle)),
    }
}

/// The needle of `find`/`count`/`index`: bytes-like or one byte as an int.
fn needle(vm: &mut Vm, v: &Value) -> PyResult<Vec<u8>> {
    if let Some(b) = bytes_like(v) {
        return Ok(b);
    }
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Ok(vec![byte_value(vm, v)?]),
        Value::Instance(i) if i.class.lookup("__index__").is_some() => Ok(vec![byte_value(vm, v)?]),
        _ => Err(PyErr::type_error(format!(
            "argument should be integer or bytes-like object, not '{}'",
            v.type_name()
        ))),
    }
}

fn slice_index(vm: &mut Vm, v: Option<Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::BigInt(b)) => Ok(Some(if b.sign() == num_bigint::Sign::Minus {
            i64::MIN
        } else {
            i64::MAX
        })),
        Some(v @ (Value::Int(_) | Value::Bool(_))) => Ok(v.as_int()),
        Some(v) => match &v {
            Value::Instance(i) if i.class.lookup("__index__").is_some() => {
                vm.index_of(&v).map(Some)
            }
            _ => Err(PyErr::type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        },
    }
}

fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::BigInt(_) => Err(PyErr::overflow(
            "Python int too large to convert to C ssize_t",
        )),
        _ => vm.index_of(v),
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

fn find_sub(hay: &[u8], sub: &[u8]) -> Option<usize> {
    if sub.is_empty() {
        return Some(0);
    }
    hay.windows(sub.len()).position(|w| w == sub)
}

fn rfind_sub(hay: &[u8], sub: &[u8]) -> Option<usize> {
    if sub.is_empty() {
        return Some(hay.len());
    }
    hay.windows(sub.len()).rposition(|w| w == sub)
}

/// Non-overlapping occurrences of `sub` (not empty), left to right.
fn occurrences(hay: &[u8], sub: &[u8], max: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < max && i + sub.len() <= hay.len() {
        match find_sub(&hay[i..], sub) {
            Some(p) => {
                out.push(i + p);
                i += p + sub.len();
            }
            None => break,
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Searching.

fn search(vm: &mut Vm, args: Args, name: &str) -> PyResult<(Vec<u8>, Vec<u8>, i64, i64)> {
    let t = ty(&args);
    let (this, [sub, start, end]) =
        bind(args, t, name, Style::GetArgs, ["sub", "start", "end"], 1)?;
    let (_, data) = this_bytes(&this, name, t)?;
    let sub = needle(vm, sub.as_ref().unwrap_or(&Value::None))?;
    let start = slice_index(vm, start)?;
    let end = slice_index(vm, end)?;
    let (a, b) = adjust_indices(start, end, data.len());
    Ok((data, sub, a, b))
}

fn find_in(data: &[u8], sub: &[u8], a: i64, b: i64, reverse: bool) -> Option<usize> {
    if b - a < sub.len() as i64 {
        return None;
    }
    let (a, b) = (a as usize, b as usize);
    let hay = &data[a..b];
    let p = if reverse {
        rfind_sub(hay, sub)
    } else {
        find_sub(hay, sub)
    }?;
    Some(a + p)
}

fn b_find(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (d, s, a, b) = search(vm, args, "find")?;
    Ok(find_in(&d, &s, a, b, false).map_or(Value::Int(-1), Value::from))
}

fn b_rfind(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (d, s, a, b) = search(vm, args, "rfind")?;
    Ok(find_in(&d, &s, a, b, true).map_or(Value::Int(-1), Value::from))
}

fn b_index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (d, s, a, b) = search(vm, args, "index")?;
    find_in(&d, &s, a, b, false)
        .map(Value::from)
        .ok_or_else(|| PyErr::value_error("subsection not found"))
}

fn b_rindex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (d, s, a, b) = search(vm, args, "rindex")?;
    find_in(&d, &s, a, b, true)
        .map(Value::from)
        .ok_or_else(|| PyErr::value_error("subsection not found"))
}

fn b_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (d, s, a, b) = search(vm, args, "count")?;
    if b - a < s.len() as i64 {
        return Ok(Value::Int(0));
    }
    let (a, b) = (a as usize, b as usize);
    if s.is_empty() {
        return Ok(Value::from(b - a + 1));
    }
    Ok(Value::from(occurrences(&d[a..b], &s, usize::MAX).len()))
}

fn affix(vm: &mut Vm, args: Args, name: &str, at_end: bool) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [prefix, start, end]) =
        bind(args, t, name, Style::GetArgs, ["prefix", "start", "end"], 1)?;
    let (_, data) = this_bytes(&this, name, t)?;
    let prefix = prefix.unwrap_or(Value::None);
    let start = slice_index(vm, start)?;
    let end = slice_index(vm, end)?;
    let (a, b) = adjust_indices(start, end, data.len());
    let matches = |sub: &[u8]| -> bool {
        if b - (sub.len() as i64) < a {
            return false;
        }
        let hay = &data[a as usize..b as usize];
        if at_end {
            hay.ends_with(sub)
        } else {
            hay.starts_with(sub)
        }
    };
    if let Value::Tuple(items) = &prefix {
        for item in items.iter() {
            let sub = bytes_like(item).ok_or_else(|| {
                PyErr::type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    item.type_name()
                ))
            })?;
            if matches(&sub) {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    let sub = bytes_like(&prefix).ok_or_else(|| {
        PyErr::type_error(format!(
            "{name} first arg must be bytes or a tuple of bytes, not {}",
            prefix.type_name()
        ))
    })?;
    Ok(Value::Bool(matches(&sub)))
}

fn b_startswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    affix(vm, args, "startswith", false)
}

fn b_endswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    affix(vm, args, "endswith", true)
}

// ---------------------------------------------------------------------------
// Case and classes (ASCII only).

fn map_bytes(args: Args, name: &str, f: impl Fn(&[u8]) -> Vec<u8>) -> PyResult<Value> {
    let t = ty(&args);
    let (this, []) = bind(args, t, name, Style::Clinic, [], 0)?;
    let (kind, data) = this_bytes(&this, name, t)?;
    Ok(make(kind, f(&data)))
}

fn b_upper(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    map_bytes(args, "upper", <[u8]>::to_ascii_uppercase)
}

fn b_lower(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    map_bytes(args, "lower", <[u8]>::to_ascii_lowercase)
}

fn b_swapcase(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    map_bytes(args, "swapcase", |d| {
        d.iter()
            .map(|&c| {
                if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect()
    })
}

fn b_title(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    map_bytes(args, "title", |d| {
        let mut prev_cased = false;
        d.iter()
            .map(|&c| {
                let out = if prev_cased {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                };
                prev_cased = c.is_ascii_alphabetic();
                out
            })
            .collect()
    })
}

fn b_capitalize(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    map_bytes(args, "capitalize", |d| {
        d.iter()
            .enumerate()
            .map(|(i, &c)| {
                if i == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    })
}

fn test_bytes(args: Args, name: &str, f: impl Fn(&[u8]) -> bool) -> PyResult<Value> {
    let t = ty(&args);
    let (this, []) = bind(args, t, name, Style::Clinic, [], 0)?;
    let (_, data) = this_bytes(&this, name, t)?;
    Ok(Value::Bool(f(&data)))
}

fn b_isalnum(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "isalnum", |d| {
        !d.is_empty() && d.iter().all(u8::is_ascii_alphanumeric)
    })
}

fn b_isalpha(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "isalpha", |d| {
        !d.is_empty() && d.iter().all(u8::is_ascii_alphabetic)
    })
}

fn b_isascii(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "isascii", <[u8]>::is_ascii)
}

fn b_isdigit(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "isdigit", |d| {
        !d.is_empty() && d.iter().all(u8::is_ascii_digit)
    })
}

fn b_isspace(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "isspace", |d| {
        !d.is_empty() && d.iter().all(|&c| is_space(c))
    })
}

fn b_islower(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "islower", |d| {
        d.iter().any(u8::is_ascii_lowercase) && !d.iter().any(u8::is_ascii_uppercase)
    })
}

fn b_isupper(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "isupper", |d| {
        d.iter().any(u8::is_ascii_uppercase) && !d.iter().any(u8::is_ascii_lowercase)
    })
}

fn b_istitle(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    test_bytes(args, "istitle", |d| {
        let (mut cased, mut prev) = (false, false);
        for &c in d {
            if c.is_ascii_uppercase() {
                if prev {
                    return false;
                }
                prev = true;
                cased = true;
            } else if c.is_ascii_lowercase() {
                if !prev {
                    return false;
                }
                prev = true;
                cased = true;
            } else {
                prev = false;
            }
        }
        cased
    })
}

// ---------------------------------------------------------------------------
// Splitting, joining, stripping, padding, replacing.

/// A split call: receiver kind, its bytes, the separator (None: whitespace), max splits.
type SplitCall = (Kind, Vec<u8>, Option<Vec<u8>>, usize);

fn split_args(vm: &mut Vm, args: Args, name: &str) -> PyResult<SplitCall> {
    let t = ty(&args);
    let (this, [sep, maxsplit]) = bind(args, t, name, Style::Keywords, ["sep", "maxsplit"], 0)?;
    let (kind, data) = this_bytes(&this, name, t)?;
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(v) => Some(need_bytes(&v)?),
    };
    let max = match maxsplit {
        None => -1,
        Some(v) => int_arg(vm, &v)?,
    };
    if sep.as_ref().is_some_and(Vec::is_empty) {
        return Err(PyErr::value_error("empty separator"));
    }
    Ok((
        kind,
        data,
        sep,
        if max < 0 { usize::MAX } else { max as usize },
    ))
}

fn parts_list(kind: Kind, parts: Vec<&[u8]>) -> Value {
    Value::list(parts.into_iter().map(|p| make(kind, p.to_vec())).collect())
}

fn b_split(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (kind, data, sep, max) = split_args(vm, args, "split")?;
    let mut parts: Vec<&[u8]> = Vec::new();
    match sep {
        None => {
            let mut i = 0;
            while i < data.len() {
                while i < data.len() && is_space(data[i]) {
                    i += 1;
                }
                if i == data.len() {
                    break;
                }
                if parts.len() == max {
                    parts.push(&data[i..]);
                    break;
                }
                let j = i;
                while i < data.len() && !is_space(data[i]) {
                    i += 1;
                }
                parts.push(&data[j..i]);
            }
        }
        Some(sep) => {
            let mut i = 0;
            for p in occurrences(&data, &sep, max) {
                parts.push(&data[i..p]);
                i = p + sep.len();
            }
            parts.push(&data[i..]);
        }
    }
    Ok(parts_list(kind, parts))
}

fn b_rsplit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (kind, data, sep, max) = split_args(vm, args, "rsplit")?;
    let mut parts: Vec<&[u8]> = Vec::new();
    match sep {
        None => {
            let mut end = data.len();
            while end > 0 {
                while end > 0 && is_space(data[end - 1]) {
                    end -= 1;
                }
                if end == 0 {
                    break;
                }
                if parts.len() == max {
                    parts.push(&data[..end]);
                    break;
                }
                let j = end;
                while end > 0 && !is_space(data[end - 1]) {
                    end -= 1;
                }
                parts.push(&data[end..j]);
            }
        }
        Some(sep) => {
            let mut end = data.len();
            while parts.len() < max {
                match rfind_sub(&data[..end], &sep) {
                    Some(p) if end >= sep.len() => {
                        parts.push(&data[p + sep.len()..end]);
                        end = p;
                    }
                    _ => break,
                }
            }
            parts.push(&data[..end]);
        }
    }
    parts.reverse();
    Ok(parts_list(kind, parts))
}

fn b_splitlines(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [keepends]) = bind(args, t, "splitlines", Style::Keywords, ["keepends"], 0)?;
    let (kind, data) = this_bytes(&this, "splitlines", t)?;
    let keep = match keepends {
        None => false,
        Some(v) => int_arg(vm, &v)? != 0,
    };
    let mut parts: Vec<&[u8]> = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < data.len() {
        let c = data[i];
        if c == b'\n' || c == b'\r' {
            let mut end = i + 1;
            if c == b'\r' && data.get(i + 1) == Some(&b'\n') {
                end += 1;
            }
            parts.push(&data[start..if keep { end } else { i }]);
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        parts.push(&data[start..]);
    }
    Ok(parts_list(kind, parts))
}

fn b_partition_impl(args: Args, name: &str, reverse: bool) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [sep]) = bind(args, t, name, Style::Clinic, ["sep"], 1)?;
    let (kind, data) = this_bytes(&this, name, t)?;
    let sep = need_bytes(sep.as_ref().unwrap_or(&Value::None))?;
    if sep.is_empty() {
        return Err(PyErr::value_error("empty separator"));
    }
    let found = if reverse {
        rfind_sub(&data, &sep)
    } else {
        find_sub(&data, &sep)
    };
    let parts = match found {
        Some(i) => vec![
            data[..i].to_vec(),
            sep.clone(),
            data[i + sep.len()..].to_vec(),
        ],
        None if reverse => vec![Vec::new(), Vec::new(), data],
        None => vec![data, Vec::new(), Vec::new()],
    };
    Ok(Value::tuple(
        parts.into_iter().map(|p| make(kind, p)).collect(),
    ))
}

fn b_partition(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_partition_impl(args, "partition", false)
}

fn b_rpartition(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_partition_impl(args, "rpartition", true)
}

fn b_join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [iterable]) = bind(args, t, "join", Style::Clinic, ["iterable_of_bytes"], 1)?;
    let (kind, sep) = this_bytes(&this, "join", t)?;
    let items = vm.collect(iterable.as_ref().unwrap_or(&Value::None))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let b = bytes_like(item).ok_or_else(|| {
            PyErr::type_error(format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                item.type_name()
            ))
        })?;
        vm.check_alloc(out.len() as u128 + b.len() as u128 + sep.len() as u128)?;
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        out.extend_from_slice(&b);
    }
    Ok(make(kind, out))
}

fn b_strip_impl(args: Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [chars]) = bind(args, t, name, Style::Range, ["bytes"], 0)?;
    let (kind, data) = this_bytes(&this, name, t)?;
    let set = match chars {
        None | Some(Value::None) => None,
        Some(v) => Some(need_bytes(&v)?),
    };
    let strip = |c: u8| match &set {
        None => is_space(c),
        Some(s) => s.contains(&c),
    };
    let mut a = 0;
    let mut b = data.len();
    if left {
        while a < b && strip(data[a]) {
            a += 1;
        }
    }
    if right {
        while b > a && strip(data[b - 1]) {
            b -= 1;
        }
    }
    Ok(make(kind, data[a..b].to_vec()))
}

fn b_strip(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_strip_impl(args, "strip", true, true)
}

fn b_lstrip(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_strip_impl(args, "lstrip", true, false)
}

fn b_rstrip(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_strip_impl(args, "rstrip", false, true)
}

fn b_remove_affix(args: Args, name: &str, suffix: bool) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [a]) = bind(args, t, name, Style::Clinic, ["prefix"], 1)?;
    let (kind, data) = this_bytes(&this, name, t)?;
    let a = need_bytes(a.as_ref().unwrap_or(&Value::None))?;
    let out = if suffix {
        data.strip_suffix(a.as_slice())
    } else {
        data.strip_prefix(a.as_slice())
    };
    let out = out.map(<[u8]>::to_vec).unwrap_or_else(|| data.clone());
    Ok(make(kind, out))
}

fn b_removeprefix(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_remove_affix(args, "removeprefix", false)
}

fn b_removesuffix(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    b_remove_affix(args, "removesuffix", true)
}

fn pad(vm: &mut Vm, args: Args, name: &str) -> PyResult<(Kind, Vec<u8>, usize, u8)> {
    let t = ty(&args);
    let (this, [width, fill]) = bind(args, t, name, Style::Range, ["width", "fillchar"], 1)?;
    let (kind, data) = this_bytes(&this, name, t)?;
    let width = int_arg(vm, width.as_ref().unwrap_or(&Value::None))?;
    let fill = match fill {
        None => b' ',
        Some(v) => match bytes_like(&v) {
            Some(b) if b.len() == 1 => b[0],
            _ => {
                return Err(PyErr::type_error(format!(
                    "{name}() argument 2 must be a byte string of length 1, not {}",
                    v.type_name()
                )));
            }
        },
    };
    let width = usize::try_from(width).unwrap_or(0);
    vm.check_alloc(width as u128)?;
    Ok((kind, data, width, fill))
}

fn padded(kind: Kind, data: &[u8], left: usize, right: usize, fill: u8) -> Value {
    let mut out = Vec::with_capacity(data.len() + left + right);
    out.resize(left, fill);
    out.extend_from_slice(data);
    out.resize(out.len() + right, fill);
    make(kind, out)
}

fn b_center(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (kind, data, width, fill) = pad(vm, args, "center")?;
    let marg = width.saturating_sub(data.len());
    let left = marg / 2 + (marg & width & 1);
    Ok(padded(kind, &data, left, marg - left, fill))
}

fn b_ljust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (kind, data, width, fill) = pad(vm, args, "ljust")?;
    let n = width.saturating_sub(data.len());
    Ok(padded(kind, &data, 0, n, fill))
}

fn b_rjust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (kind, data, width, fill) = pad(vm, args, "rjust")?;
    let n = width.saturating_sub(data.len());
    Ok(padded(kind, &data, n, 0, fill))
}

fn b_zfill(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [width]) = bind(args, t, "zfill", Style::Clinic, ["width"], 1)?;
    let (kind, data) = this_bytes(&this, "zfill", t)?;
    let width = usize::try_from(int_arg(vm, width.as_ref().unwrap_or(&Value::None))?).unwrap_or(0);
    if width <= data.len() {
        return Ok(make(kind, data));
    }
    vm.check_alloc(width as u128)?;
    let fill = width - data.len();
    let (sign, rest) = match data.first() {
        Some(&c @ (b'+' | b'-')) => (Some(c), &data[1..]),
        _ => (None, &data[..]),
    };
    let mut out = Vec::with_capacity(width);
    out.extend(sign);
    out.resize(out.len() + fill, b'0');
    out.extend_from_slice(rest);
    Ok(make(kind, out))
}

fn b_expandtabs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [tabsize]) = bind(args, t, "expandtabs", Style::Keywords, ["tabsize"], 0)?;
    let (kind, data) = this_bytes(&this, "expandtabs", t)?;
    let tab = match tabsize {
        None => 8,
        Some(v) => int_arg(vm, &v)?,
    };
    let tab = usize::try_from(tab).unwrap_or(0);
    let tabs = data.iter().filter(|&&c| c == b'\t').count();
    vm.check_alloc(tabs as u128 * tab as u128 + data.len() as u128)?;
    let mut out = Vec::with_capacity(data.len());
    let mut col = 0;
    for &c in &data {
        match c {
            b'\t' => {
                if tab > 0 {
                    let n = tab - col % tab;
                    out.resize(out.len() + n, b' ');
                    col += n;
                }
            }
            b'\n' | b'\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(make(kind, out))
}

fn b_replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [old, new, count]) =
        bind(args, t, "replace", Style::Range, ["old", "new", "count"], 2)?;
    let (kind, data) = this_bytes(&this, "replace", t)?;
    let old = need_bytes(old.as_ref().unwrap_or(&Value::None))?;
    let new = need_bytes(new.as_ref().unwrap_or(&Value::None))?;
    let count = match count {
        None => -1,
        Some(v) => int_arg(vm, &v)?,
    };
    let max = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    if old.is_empty() {
        let n = (data.len() + 1).min(max);
        vm.check_alloc(data.len() as u128 + n as u128 * new.len() as u128)?;
        let mut out = Vec::new();
        for (i, &c) in data.iter().enumerate() {
            if i < n {
                out.extend_from_slice(&new);
            }
            out.push(c);
        }
        if n > data.len() {
            out.extend_from_slice(&new);
        }
        return Ok(make(kind, out));
    }
    let hits = occurrences(&data, &old, max);
    vm.check_alloc(data.len() as u128 + hits.len() as u128 * new.len() as u128)?;
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    for p in hits {
        out.extend_from_slice(&data[i..p]);
        out.extend_from_slice(&new);
        i = p + old.len();
    }
    out.extend_from_slice(&data[i..]);
    Ok(make(kind, out))
}

fn b_maketrans(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [from, to] = args.exact("maketrans")?;
    let from = need_bytes(&from)?;
    let to = need_bytes(&to)?;
    if from.len() != to.len() {
        return Err(PyErr::value_error(
            "maketrans arguments must have same length",
        ));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (a, b) in from.iter().zip(to.iter()) {
        table[*a as usize] = *b;
    }
    Ok(Value::bytes(table))
}

fn b_translate(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [table, delete]) = bind(
        args,
        t,
        "translate",
        Style::Keywords,
        ["table", "delete"],
        1,
    )?;
    let (kind, data) = this_bytes(&this, "translate", t)?;
    let table = match table {
        None | Some(Value::None) => None,
        Some(v) => {
            let b = need_bytes(&v)?;
            if b.len() != 256 {
                return Err(PyErr::value_error(
                    "translation table must be 256 characters long",
                ));
            }
            Some(b)
        }
    };
    let delete = match delete {
        None => Vec::new(),
        Some(v) => need_bytes(&v)?,
    };
    let out = data
        .iter()
        .filter(|c| !delete.contains(c))
        .map(|&c| table.as_ref().map_or(c, |t| t[c as usize]))
        .collect();
    Ok(make(kind, out))
}

// ---------------------------------------------------------------------------
// Text conversion.

/// What a decoder does with the bad bytes `data[start..end]`, per the `errors`
/// handler: raise CPython's UnicodeDecodeError, or substitute.
fn decode_error(
    out: &mut String,
    errors: &str,
    codec: &str,
    data: &[u8],
    (start, end): (usize, usize),
    reason: &str,
) -> PyResult<()> {
    match errors {
        "strict" => {
            let what = if end - start == 1 {
                format!("byte 0x{:02x} in position {start}", data[start])
            } else {
                format!("bytes in position {start}-{}", end - 1)
            };
            Err(PyErr::new(
                ExcKind::UnicodeDecodeError,
                format!("'{codec}' codec can't decode {what}: {reason}"),
            ))
        }
        "replace" => {
            out.push('\u{fffd}');
            Ok(())
        }
        "ignore" => Ok(()),
        "backslashreplace" => {
            for &b in &data[start..end] {
                out.push_str(&escape_code_point(u32::from(b)));
            }
            Ok(())
        }
        other => Err(PyErr::new(
            ExcKind::LookupError,
            format!("unknown error handler name '{other}'"),
        )),
    }
}

/// CPython's decoders: for UTF-8 each invalid stretch is the maximal prefix of
/// a valid sequence, with CPython's three reasons; UTF-16/32 as `codecs` does.
pub fn decode(data: &[u8], codec: Codec, errors: &str) -> PyResult<String> {
    match codec {
        Codec::Utf16(order) => return decode_wide(data, 2, order, errors),
        Codec::Utf32(order) => return decode_wide(data, 4, order, errors),
        Codec::Latin1 => return Ok(data.iter().map(|&b| b as char).collect()),
        Codec::Utf8 | Codec::Ascii => {}
    }
    let mut out = String::with_capacity(data.len());
    let mut pos = 0;
    while pos < data.len() {
        let rest = &data[pos..];
        let (good, bad, reason) = if codec == Codec::Utf8 {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    match e.error_len() {
                        None => (good, rest.len() - good, "unexpected end of data"),
                        Some(n) => {
                            let start = rest[good];
                            let invalid_start = (0x80..=0xc1).contains(&start) || start >= 0xf5;
                            let reason = if invalid_start {
                                "invalid start byte"
                            } else {
                                "invalid continuation byte"
                            };
                            (good, n, reason)
                        }
                    }
                }
            }
        } else {
            match rest.iter().position(|&b| b >= 0x80) {
                None => (rest.len(), 0, ""),
                Some(p) => (p, 1, "ordinal not in range(128)"),
            }
        };
        // The bytes before `good` are valid in either codec, so plain ASCII or UTF-8.
        out.push_str(&String::from_utf8_lossy(&rest[..good]));
        if bad == 0 {
            break;
        }
        let start = pos + good;
        decode_error(
            &mut out,
            errors,
            codec.name(),
            data,
            (start, start + bad),
            reason,
        )?;
        pos = start + bad;
    }
    Ok(out)
}

/// UTF-16 (`unit` 2) and UTF-32 (`unit` 4). Errors name the byte order actually
/// used (`'utf-16-le' codec ...`), as CPython's do.
fn decode_wide(data: &[u8], unit: usize, order: Order, errors: &str) -> PyResult<String> {
    let mut pos = 0;
    let mut be = order == Order::Be;
    if order == Order::Bom {
        let (le_bom, be_bom): (&[u8], &[u8]) = if unit == 2 {
            (b"\xff\xfe", b"\xfe\xff")
        } else {
            (b"\xff\xfe\0\0", b"\0\0\xfe\xff")
        };
        if data.starts_with(le_bom) {
            pos = unit;
        } else if data.starts_with(be_bom) {
            pos = unit;
            be = true;
        }
    }
    let name = match (unit, be) {
        (2, false) => "utf-16-le",
        (2, true) => "utf-16-be",
        (_, false) => "utf-32-le",
        (_, true) => "utf-32-be",
    };
    let read = |p: usize| -> u32 {
        let b = &data[p..p + unit];
        match (unit, be) {
            (2, false) => u32::from(u16::from_le_bytes([b[0], b[1]])),
            (2, true) => u32::from(u16::from_be_bytes([b[0], b[1]])),
            (_, false) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            (_, true) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        }
    };
    let mut out = String::with_capacity(data.len() / unit);
    let n = data.len();
    while pos < n {
        if n - pos < unit {
            decode_error(&mut out, errors, name, data, (pos, n), "truncated data")?;
            break;
        }
        let u = read(pos);
        if unit == 4 {
            match char::from_u32(u) {
                Some(c) => out.push(c),
                None if u > 0x10_ffff => {
                    decode_error(
                        &mut out,
                        errors,
                        name,
                        data,
                        (pos, pos + 4),
                        "code point not in range(0x110000)",
                    )?;
                }
                None => decode_error(
                    &mut out,
                    errors,
                    name,
                    data,
                    (pos, pos + 4),
                    "code point in surrogate code point range(0xd800, 0xe000)",
                )?,
            }
            pos += 4;
            continue;
        }
        match u {
            0xd800..=0xdbff => {
                if n - pos < 4 {
                    decode_error(
                        &mut out,
                        errors,
                        name,
                        data,
                        (pos, n),
                        "unexpected end of data",
                    )?;
                    break;
                }
                let v = read(pos + 2);
                if (0xdc00..=0xdfff).contains(&v) {
                    let c = 0x1_0000 + ((u - 0xd800) << 10) + (v - 0xdc00);
                    out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                    pos += 4;
                } else {
                    decode_error(
                        &mut out,
                        errors,
                        name,
                        data,
                        (pos, pos + 2),
                        "illegal UTF-16 surrogate",
                    )?;
                    pos += 2;
                }
            }
            0xdc00..=0xdfff => {
                decode_error(
                    &mut out,
                    errors,
                    name,
                    data,
                    (pos, pos + 2),
                    "illegal encoding",
                )?;
                pos += 2;
            }
            _ => {
                out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
                pos += 2;
            }
        }
    }
    Ok(out)
}

fn b_decode(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [encoding, errors]) = bind(
        args,
        t,
        "decode",
        Style::Keywords,
        ["encoding", "errors"],
        0,
    )?;
    let (_, data) = this_bytes(&this, "decode", t)?;
    let (codec, errors) = codec_args("decode", encoding, errors)?;
    vm.check_alloc(data.len() as u128 * 3)?;
    Ok(Value::string(decode(&data, codec, &errors)?))
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn b_hex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = ty(&args);
    let (this, [sep, per]) = bind(args, t, "hex", Style::Keywords, ["sep", "bytes_per_sep"], 0)?;
    let (_, data) = this_bytes(&this, "hex", t)?;
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(v) => {
            let s: Vec<u8> = match (as_str(&v), bytes_like(&v)) {
                (Some(s), _) => {
                    if s.len_chars() != 1 {
                        return Err(PyErr::value_error("sep must be length 1."));
                    }
                    if !s.is_ascii() {
                        return Err(PyErr::value_error("sep must be ASCII."));
                    }
                    s.as_str().as_bytes().to_vec()
                }
                (None, Some(b)) => b,
                // CPython measures the separator before checking its type.
                (None, None) => {
                    return Err(PyErr::type_error(match &v {
                        Value::Int(_)
                        | Value::Bool(_)
                        | Value::BigInt(_)
                        | Value::Float(_)
                        | Value::None => {
                            format!("object of type '{}' has no len()", v.type_name())
                        }
                        _ => "sep must be str or bytes.".to_owned(),
                    }));
                }
            };
            if s.len() != 1 {
                return Err(PyErr::value_error("sep must be length 1."));
            }
            if !s[0].is_ascii() {
                return Err(PyErr::value_error("sep must be ASCII."));
            }
            Some(s[0])
        }
    };
    let per = match per {
        None => 1,
        Some(v) => int_arg(vm, &v)?,
    };
    vm.check_alloc(data.len() as u128 * 3)?;
    let mut out = String::with_capacity(data.len() * 3);
    let group = per.unsigned_abs() as usize;
    let n = data.len();
    for (i, &b) in data.iter().enumerate() {
        if let Some(s) = sep.filter(|_| i > 0 && group > 0) {
            // Groups count from the right for a positive size, from the left otherwise.
            let boundary = if per > 0 {
                (n - i) % group == 0
            } else {
                i % group == 0
            };
            if boundary {
                out.push(s as char);
            }
        }
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    Ok(Value::string(out))
}

fn b_fromhex(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [cls, s] = args.exact("fromhex")?;
    let text = as_str(&s).ok_or_else(|| {
        PyErr::type_error(format!(
            "fromhex() argument must be str, not {}",
            s.type_name()
        ))
    })?;
    let b = text.as_str().as_bytes();
    let mut out = Vec::with_capacity(b.len() / 2);
    let mut i = 0;
    let bad = |i: usize| {
        // The position is in code points, as CPython counts it.
        let pos = text.as_str()[..i].chars().count();
        PyErr::value_error(format!(
            "non-hexadecimal number found in fromhex() arg at position {pos}"
        ))
    };
    while i < b.len() {
        if b[i].is_ascii_whitespace() || b[i] == b'\x0b' {
            i += 1;
            continue;
        }
        let hi = (b[i] as char)
            .to_digit(16)
            .filter(|_| b[i].is_ascii())
            .ok_or_else(|| bad(i))?;
        let lo = b
            .get(i + 1)
            .and_then(|&c| (c as char).to_digit(16).filter(|_| c.is_ascii()))
            .ok_or_else(|| bad(i + 1))?;
        out.push((hi * 16 + lo) as u8);
        i += 2;
    }
    let kind = match &cls {
        Value::Class(c) if c.mro_with_self().any(|k| k.tag == TypeTag::ByteArray) => {
            Kind::ByteArray
        }
        _ => Kind::Bytes,
    };
    Ok(make(kind, out))
}

// ---------------------------------------------------------------------------
// bytearray's mutators.

fn this_array(v: &Value, name: &str) -> PyResult<Rc<RefCell<Vec<u8>>>> {
    match unwrap_base(v) {
        Value::ByteArray(b) => Ok(b),
        _ => Err(PyErr::type_error(format!(
            "descriptor '{name}' for 'bytearray' objects doesn't apply to a '{}' object",
            v.type_name()
        ))),
    }
}

fn ba_append(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [x]) = bind(args, "bytearray", "append", Style::Clinic, ["item"], 1)?;
    let a = this_array(&this, "append")?;
    let b = byte_value(vm, x.as_ref().unwrap_or(&Value::None))?;
    vm.check_alloc(a.borrow().len() as u128 + 1)?;
    a.borrow_mut().push(b);
    Ok(Value::None)
}

fn ba_extend(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [x]) = bind(
        args,
        "bytearray",
        "extend",
        Style::Clinic,
        ["iterable_of_ints"],
        1,
    )?;
    let a = this_array(&this, "extend")?;
    let x = x.unwrap_or(Value::None);
    let data = match bytes_like(&x) {
        Some(b) => b,
        None => {
            if matches!(
                x,
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_) | Value::None
            ) {
                return Err(PyErr::type_error(format!(
                    "can't extend bytearray with {}",
                    x.type_name()
                )));
            }
            let items = vm.collect(&x)?;
            let mut out = Vec::with_capacity(items.len());
            for it in &items {
                out.push(byte_value(vm, it)?);
            }
            out
        }
    };
    vm.check_alloc(a.borrow().len() as u128 + data.len() as u128)?;
    a.borrow_mut().extend_from_slice(&data);
    Ok(Value::None)
}

fn ba_pop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [i]) = bind(args, "bytearray", "pop", Style::Range, ["index"], 0)?;
    let a = this_array(&this, "pop")?;
    let i = match i {
        None => -1,
        Some(v) => int_arg(vm, &v)?,
    };
    let mut a = a.borrow_mut();
    if a.is_empty() {
        return Err(PyErr::index_error("pop from empty bytearray"));
    }
    let n = a.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if !(0..n).contains(&j) {
        return Err(PyErr::index_error("pop index out of range"));
    }
    Ok(Value::Int(i64::from(a.remove(j as usize))))
}

fn ba_insert(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [i, x]) = bind(
        args,
        "bytearray",
        "insert",
        Style::Range,
        ["index", "item"],
        2,
    )?;
    let a = this_array(&this, "insert")?;
    let i = int_arg(vm, i.as_ref().unwrap_or(&Value::None))?;
    let b = byte_value(vm, x.as_ref().unwrap_or(&Value::None))?;
    let mut a = a.borrow_mut();
    let n = a.len() as i64;
    let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
    a.insert(j as usize, b);
    Ok(Value::None)
}

fn ba_remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [x]) = bind(args, "bytearray", "remove", Style::Clinic, ["value"], 1)?;
    let a = this_array(&this, "remove")?;
    let b = byte_value(vm, x.as_ref().unwrap_or(&Value::None))?;
    let mut a = a.borrow_mut();
    match a.iter().position(|&c| c == b) {
        Some(p) => {
            a.remove(p);
            Ok(Value::None)
        }
        None => Err(PyErr::value_error("value not found in bytearray")),
    }
}

fn ba_clear(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "bytearray", "clear", Style::Clinic, [], 0)?;
    this_array(&this, "clear")?.borrow_mut().clear();
    Ok(Value::None)
}

fn ba_copy(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "bytearray", "copy", Style::Clinic, [], 0)?;
    let data = this_array(&this, "copy")?.borrow().clone();
    Ok(make(Kind::ByteArray, data))
}

fn ba_reverse(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "bytearray", "reverse", Style::Clinic, [], 0)?;
    this_array(&this, "reverse")?.borrow_mut().reverse();
    Ok(Value::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_err(b: &[u8]) -> String {
        match decode(b, Codec::Utf8, "strict") {
            Ok(_) => String::new(),
            Err(e) => format!("{e:?}"),
        }
    }

    #[test]
    fn utf8_errors_use_cpython_reasons() {
        assert!(
            decode_err(b"\xff")
                .contains("can't decode byte 0xff in position 0: invalid start byte")
        );
        assert!(
            decode_err(b"a\xe6\x97x").contains("bytes in position 1-2: invalid continuation byte")
        );
        assert!(decode_err(b"\xe6\x97").contains("bytes in position 0-1: unexpected end of data"));
        assert!(
            decode_err(b"\xed\xa0\x80")
                .contains("byte 0xed in position 0: invalid continuation byte")
        );
        assert_eq!(
            decode(b"\xe0\x80x", Codec::Utf8, "replace").ok().as_deref(),
            Some("\u{fffd}\u{fffd}x")
        );
        assert_eq!(
            decode(b"a\xffb", Codec::Utf8, "backslashreplace")
                .ok()
                .as_deref(),
            Some("a\\xffb")
        );
        assert_eq!(
            decode(b"caf\xe9", Codec::Latin1, "strict").ok().as_deref(),
            Some("café")
        );
    }

    #[test]
    fn occurrences_do_not_overlap() {
        assert_eq!(occurrences(b"aaaa", b"aa", usize::MAX), vec![0, 2]);
        assert_eq!(occurrences(b"abcabc", b"bc", 1), vec![1]);
    }
}
