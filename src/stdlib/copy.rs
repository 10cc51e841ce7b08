//! `copy`: copy and deepcopy. Deep copies keep a memo (a Python dict keyed by
//! `id()`, as CPython's, so a user `__deepcopy__(memo)` can pass it on) so shared and
//! cyclic structures stay shared and cyclic. Nesting is capped so a deep structure
//! raises RecursionError instead of exhausting the native stack.

use std::cell::RefCell;
use std::rc::Rc;

use super::support::*;
use crate::values::*;
use crate::vm::Vm;

/// Deeper nesting than this raises RecursionError (CPython's limit is ~1000 frames,
/// each deepcopy level taking about two).
const MAX_DEPTH: usize = 400;

pub fn module(_vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    add_fns(&mut attrs, &[("copy", copy), ("deepcopy", deepcopy)]);
    attrs.insert("error".into(), Value::Class(_vm.exc_class(ExcKind::Exception)));
    Ok(super::support::module("copy", attrs))
}

fn is_atomic(v: &Value) -> bool {
    matches!(
        v,
        Value::None
            | Value::NotImplemented
            | Value::Ellipsis
            | Value::Bool(_)
            | Value::Int(_)
            | Value::BigInt(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Bytes(_)
            | Value::Range(_)
            | Value::Slice(_)
            | Value::Function(_)
            | Value::Builtin(_)
            | Value::Class(_)
            | Value::Property(_)
            | Value::FrozenSet(_)
            | Value::Module(_)
    )
}

/// A shallow copy of a builtin container value.
fn shallow_builtin(v: &Value) -> Option<Value> {
    Some(match v {
        Value::List(l) => Value::list(l.borrow().clone()),
        Value::Dict(d) => Value::Dict(Rc::new(RefCell::new(d.borrow().clone()))),
        Value::Set(s) => Value::Set(Rc::new(RefCell::new(s.borrow().clone()))),
        Value::ByteArray(b) => Value::ByteArray(Rc::new(RefCell::new(b.borrow().clone()))),
        Value::Tuple(_) => v.clone(),
        _ => return None,
    })
}

/// copy.py's functions are Python: a missing argument is worded as for one.
fn missing_x(fname: &str) -> PyErr {
    PyErr::type_error(format!("{fname}() missing 1 required positional argument: 'x'"))
}

pub fn copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x] = args.bind("copy", ["x"], 0, 0)?;
    let Some(x) = x else { return Err(missing_x("copy")) };
    copy_value(vm, &x)
}

pub fn copy_value(vm: &mut Vm, x: &Value) -> PyResult<Value> {
    if is_atomic(x) {
        return Ok(x.clone());
    }
    if let Some(v) = shallow_builtin(x) {
        return Ok(v);
    }
    if let Some(m) = vm.special(x, "__copy__") {
        return vm.call1(&m, x.clone());
    }
    match x {
        Value::Instance(i) if i.exc.is_none() => {
            let inst = Instance::new(i.class.clone());
            *inst.attrs.borrow_mut() = i.attrs.borrow().clone();
            let base = i.base.borrow().clone();
            *inst.base.borrow_mut() = base.as_ref().map(|b| shallow_builtin(b).unwrap_or_else(|| b.clone()));
            Ok(Value::Instance(Rc::new(inst)))
        }
        Value::Instance(_) | Value::Native(_) | Value::Iterator(_) => Ok(x.clone()),
        other => Err(PyErr::type_error(format!("cannot pickle '{}' object", other.type_name()))),
    }
}

pub fn deepcopy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [x, memo] = args.bind("deepcopy", ["x", "memo"], 0, 0)?;
    let Some(x) = x else { return Err(missing_x("deepcopy")) };
    let memo = match memo.and_then(|m| dict_of(&m)) {
        Some(d) => d,
        None => Rc::new(RefCell::new(PyDict::new())),
    };
    let mut keep = Vec::new();
    let r = deep(vm, &x, &memo, &mut keep, 0);
    r
}

fn memo_get(vm: &mut Vm, memo: &Rc<RefCell<PyDict>>, x: &Value) -> PyResult<Option<Value>> {
    vm.dict_get(memo, &Value::from(x.identity()))
}

fn memo_put(vm: &mut Vm, memo: &Rc<RefCell<PyDict>>, x: &Value, y: &Value, keep: &mut Vec<Value>) -> PyResult<()> {
    // Originals stay alive while the copy runs, so their ids cannot be reused.
    keep.push(x.clone());
    vm.dict_set(memo, Value::from(x.identity()), y.clone())
}

/// A deep copy of `x`, for callers in other modules (deque's `__deepcopy__`).
pub fn deep_value(vm: &mut Vm, x: &Value, memo: &Value) -> PyResult<Value> {
    let memo = dict_of(memo).unwrap_or_else(|| Rc::new(RefCell::new(PyDict::new())));
    let mut keep = Vec::new();
    deep(vm, x, &memo, &mut keep, 0)
}

fn deep(vm: &mut Vm, x: &Value, memo: &Rc<RefCell<PyDict>>, keep: &mut Vec<Value>, depth: usize) -> PyResult<Value> {
    if is_atomic(x) {
        return Ok(x.clone());
    }
    vm.tick()?;
    if depth > MAX_DEPTH {
        return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded while calling a Python object"));
    }
    if let Some(y) = memo_get(vm, memo, x)? {
        return Ok(y);
    }
    let d = depth + 1;
    match x {
        Value::List(l) => {
            let y = Rc::new(RefCell::new(Vec::new()));
            memo_put(vm, memo, x, &Value::List(y.clone()), keep)?;
            let items = l.borrow().clone();
            for it in items {
                let c = deep(vm, &it, memo, keep, d)?;
                y.borrow_mut().push(c);
            }
            Ok(Value::List(y))
        }
        Value::Tuple(t) => {
            let mut out = Vec::with_capacity(t.len());
            for it in t.iter() {
                out.push(deep(vm, it, memo, keep, d)?);
            }
            // A copy made while copying the items (a cycle through a list) wins.
            if let Some(y) = memo_get(vm, memo, x)? {
                return Ok(y);
            }
            let y = if out.iter().zip(t.iter()).all(|(a, b)| a.is(b)) { x.clone() } else { Value::tuple(out) };
            memo_put(vm, memo, x, &y, keep)?;
            Ok(y)
        }
        Value::Dict(src) => {
            let y = Rc::new(RefCell::new(PyDict::new()));
            memo_put(vm, memo, x, &Value::Dict(y.clone()), keep)?;
            deep_dict_into(vm, src, &y, memo, keep, d)?;
            Ok(Value::Dict(y))
        }
        Value::Set(s) => {
            let items = s.borrow().snapshot();
            let mut out = Vec::new();
            for it in items {
                out.push(deep(vm, &it, memo, keep, d)?);
            }
            let set = vm.make_set(out)?;
            let y = Value::Set(Rc::new(RefCell::new(set)));
            memo_put(vm, memo, x, &y, keep)?;
            Ok(y)
        }
        Value::ByteArray(b) => Ok(Value::ByteArray(Rc::new(RefCell::new(b.borrow().clone())))),
        Value::Instance(_) | Value::Native(_) => {
            if let Some(m) = vm.special(x, "__deepcopy__") {
                let y = vm.call(&m, Args::new([x.clone(), Value::Dict(memo.clone())]))?;
                memo_put(vm, memo, x, &y, keep)?;
                return Ok(y);
            }
            let Value::Instance(i) = x else {
                // Native objects without __deepcopy__ are immutable values (dates, matches).
                return Ok(x.clone());
            };
            if i.exc.is_some() {
                return Ok(x.clone());
            }
            let inst = Rc::new(Instance::new(i.class.clone()));
            let y = Value::Instance(inst.clone());
            memo_put(vm, memo, x, &y, keep)?;
            let base = i.base.borrow().clone();
            if let Some(b) = base {
                let nb = match &b {
                    Value::Dict(src) => {
                        let nd = Rc::new(RefCell::new(PyDict::new()));
                        deep_dict_into(vm, src, &nd, memo, keep, d)?;
                        Value::Dict(nd)
                    }
                    Value::List(l) => {
                        let items = l.borrow().clone();
                        let mut out = Vec::new();
                        for it in items {
                            out.push(deep(vm, &it, memo, keep, d)?);
                        }
                        Value::list(out)
                    }
                    Value::Tuple(t) => {
                        let mut out = Vec::new();
                        for it in t.iter() {
                            out.push(deep(vm, it, memo, keep, d)?);
                        }
                        Value::tuple(out)
                    }
                    other => deep(vm, other, memo, keep, d)?,
                };
                *inst.base.borrow_mut() = Some(nb);
            }
            let attrs: Vec<(Rc<str>, Value)> = i.attrs.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in attrs {
                let c = deep(vm, &v, memo, keep, d)?;
                inst.attrs.borrow_mut().insert(k, c);
            }
            Ok(y)
        }
        Value::Iterator(_) => Ok(x.clone()),
        other => Err(PyErr::type_error(format!("cannot pickle '{}' object", other.type_name()))),
    }
}

fn deep_dict_into(
    vm: &mut Vm,
    src: &Rc<RefCell<PyDict>>,
    dst: &Rc<RefCell<PyDict>>,
    memo: &Rc<RefCell<PyDict>>,
    keep: &mut Vec<Value>,
    depth: usize,
) -> PyResult<()> {
    for (k, v) in dict_items(src) {
        let k2 = deep(vm, &k, memo, keep, depth)?;
        let v2 = deep(vm, &v, memo, keep, depth)?;
        vm.dict_set(dst, k2, v2)?;
    }
    Ok(())
}
