//! `bisect`: binary search and insertion with CPython's exact probe sequence
//! (`(lo + hi) // 2`, `<` only), `lo`/`hi`/`key=`. Items are read with `vm.getitem`
//! each probe, so any sequence works and nothing is borrowed across a comparison.

use super::support::*;
use crate::values::*;
use crate::vm::Vm;

pub fn module(_vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    add_fns(
        &mut attrs,
        &[
            ("bisect", bisect_right),
            ("bisect_right", bisect_right),
            ("bisect_left", bisect_left),
            ("insort", insort_right),
            ("insort_right", insort_right),
            ("insort_left", insort_left),
        ],
    );
    Ok(super::support::module("bisect", attrs))
}

struct Params {
    a: Value,
    x: Value,
    lo: i64,
    hi: Option<i64>,
    key: Option<Value>,
}

fn params(vm: &mut Vm, args: Args, name: &str) -> PyResult<Params> {
    let [a, x, lo, hi, key] = args.bind(name, ["a", "x", "lo", "hi", "key"], 0, 2)?;
    let lo = match lo {
        Some(v) => vm.index_of(&v)?,
        None => 0,
    };
    if lo < 0 {
        return Err(PyErr::value_error("lo must be non-negative"));
    }
    let hi = match hi {
        None | Some(Value::None) => None,
        Some(v) => Some(vm.index_of(&v)?),
    };
    Ok(Params {
        a: a.unwrap_or(Value::None),
        x: x.unwrap_or(Value::None),
        lo,
        hi,
        key: key.filter(|k| !k.is_none()),
    })
}

/// The insertion point for `x` (already keyed) in `a[lo:hi]`.
fn search(vm: &mut Vm, a: &Value, x: &Value, mut lo: i64, hi: Option<i64>, key: &Option<Value>, right: bool) -> PyResult<i64> {
    let mut hi = match hi {
        Some(h) => h,
        None => vm.len(a)? as i64,
    };
    while lo < hi {
        vm.tick()?;
        let mid = lo + (hi - lo) / 2;
        let mut item = vm.getitem(a, &Value::Int(mid))?;
        if let Some(k) = key {
            item = vm.call1(k, item)?;
        }
        if right {
            if vm.lt(x, &item)? {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        } else if vm.lt(&item, x)? {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

fn bisect_right(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = params(vm, args, "bisect_right")?;
    Ok(Value::Int(search(vm, &p.a, &p.x, p.lo, p.hi, &p.key, true)?))
}

fn bisect_left(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = params(vm, args, "bisect_left")?;
    Ok(Value::Int(search(vm, &p.a, &p.x, p.lo, p.hi, &p.key, false)?))
}

fn insort(vm: &mut Vm, args: Args, name: &str, right: bool) -> PyResult<Value> {
    let p = params(vm, args, name)?;
    let kx = match &p.key {
        Some(k) => vm.call1(k, p.x.clone())?,
        None => p.x.clone(),
    };
    let i = search(vm, &p.a, &kx, p.lo, p.hi, &p.key, right)?;
    match &p.a {
        Value::List(l) => {
            let mut l = l.borrow_mut();
            let i = (i.max(0) as usize).min(l.len());
            l.insert(i, p.x);
        }
        other => {
            let m = vm.getattr(other, "insert")?;
            vm.call(&m, Args::new([Value::Int(i), p.x]))?;
        }
    }
    Ok(Value::None)
}

fn insort_right(vm: &mut Vm, args: Args) -> PyResult<Value> {
    insort(vm, args, "insort_right", true)
}

fn insort_left(vm: &mut Vm, args: Args) -> PyResult<Value> {
    insort(vm, args, "insort_left", false)
}
