//! Methods of `list` and `tuple`, with CPython 3.11's argument checks and messages.
//!
//! Every method also accepts an instance of a user subclass (`class Stack(list)`)
//! and acts on the list it wraps. No method may hold a `RefCell` borrow of the list
//! across a call back into Python (`__eq__`, a sort key): user code may touch the
//! list meanwhile, and a held borrow would turn that into a panic.

use std::cell::RefCell;
use std::rc::Rc;

use super::types::{defer_methods, Types};
use crate::values::*;
use crate::vm::Vm;

pub fn register(t: &Types) {
    defer_methods(&t.list, &t.object, |m| m.add(LIST));
    defer_methods(&t.tuple, &t.object, |m| m.add(&[("count", tuple_count), ("index", tuple_index)]));
}

const LIST: &[(&str, NativeFn)] = &[
        ("append", list_append),
        ("extend", list_extend),
        ("insert", list_insert),
        ("remove", list_remove),
        ("pop", list_pop),
        ("clear", list_clear),
        ("copy", list_copy),
        ("count", list_count),
        ("index", list_index),
        ("reverse", list_reverse),
        ("sort", list_sort),
        ("__init__", list_init),
        ("__getitem__", list_getitem),
        ("__setitem__", list_setitem),
        ("__delitem__", list_delitem),
        ("__iter__", list_iter),
];

/// Takes `self` off the front of a method's arguments, with CPython's complaint
/// when a method is called unbound without one (`list.append()`).
pub(crate) fn take_self(args: &mut Args, owner: &str, method: &str) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error(format!("unbound method {owner}.{method}() needs an argument")));
    }
    Ok(args.pos.remove(0))
}

/// `list.append(5, 1)`: a method of one type called on a value of another.
#[cold]
pub(crate) fn descriptor_error(method: &str, owner: &str, got: &Value) -> PyErr {
    PyErr::type_error(format!(
        "descriptor '{method}' for '{owner}' objects doesn't apply to a '{}' object",
        got.type_name()
    ))
}

/// The builtin value a method receiver stands for: itself, or the value a
/// subclass instance wraps.
pub(crate) fn base_of(v: &Value) -> Value {
    match v {
        Value::Instance(i) => match &*i.base.borrow() {
            Some(b) => b.clone(),
            None => v.clone(),
        },
        _ => v.clone(),
    }
}

fn list_self(args: &mut Args, method: &str) -> PyResult<Rc<RefCell<Vec<Value>>>> {
    let me = take_self(args, "list", method)?;
    if let Value::List(l) = me {
        return Ok(l);
    }
    match base_of(&me) {
        Value::List(l) => Ok(l),
        _ => Err(descriptor_error(method, "list", &me)),
    }
}

fn tuple_self(args: &mut Args, method: &str) -> PyResult<TupleRef> {
    let me = take_self(args, "tuple", method)?;
    match base_of(&me) {
        Value::Tuple(t) => Ok(t),
        _ => Err(descriptor_error(method, "tuple", &me)),
    }
}

/// An index argument of `pop`/`insert` (`__index__`; too big is an OverflowError).
fn ssize_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::BigInt(_) => Err(PyErr::overflow("Python int too large to convert to C ssize_t")),
        _ => vm.index_of(v),
    }
}

/// A start/stop bound of `index`, clamped as `_PyEval_SliceIndexNotNone` clamps.
pub(crate) fn slice_bound(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    use num_traits::Signed;
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(b) => Ok(if b.is_negative() { i64::MIN } else { i64::MAX }),
        Value::Instance(_) | Value::Native(_) if vm.special(v, "__index__").is_some() => {
            let r = vm.index_of(v);
            match r {
                Ok(i) => Ok(i),
                Err(e) if vm.err_is(&e, ExcKind::IndexError) => Ok(i64::MAX),
                Err(e) => Err(e),
            }
        }
        _ => Err(PyErr::type_error("slice indices must be integers or have an __index__ method")),
    }
}

/// Normalises `index(x, start, stop)` bounds against a length, as CPython does.
pub(crate) fn search_range(vm: &mut Vm, start: Option<&Value>, stop: Option<&Value>, len: usize) -> PyResult<(usize, usize)> {
    let len = len as i64;
    let norm = |i: i64| -> usize {
        if i < 0 {
            (i.saturating_add(len)).max(0) as usize
        } else {
            i as usize
        }
    };
    let a = match start {
        Some(v) => norm(slice_bound(vm, v)?),
        None => 0,
    };
    let b = match stop {
        Some(v) => norm(slice_bound(vm, v)?),
        None => usize::MAX,
    };
    Ok((a, b))
}

fn list_append(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    // `xs.append(x)` on a plain list: the commonest method call of all.
    if args.kw.is_empty() && args.pos.len() == 2 && matches!(args.pos[0], Value::List(_)) {
        if let (Some(x), Some(Value::List(l))) = (args.pos.pop(), args.pos.first()) {
            l.borrow_mut().push(x);
        }
        return Ok(Value::None);
    }
    list_append_general(args)
}

fn list_append_general(mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "append")?;
    let [x] = args.exact("list.append")?;
    l.borrow_mut().push(x);
    Ok(Value::None)
}

fn list_extend(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "extend")?;
    let [it] = args.exact("list.extend")?;
    let items = vm.collect(&it)?;
    vm.check_alloc((l.borrow().len() + items.len()) as u128 * 16)?;
    l.borrow_mut().extend(items);
    Ok(Value::None)
}

fn list_insert(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "insert")?;
    let [i, x] = args.exact("insert")?;
    let i = ssize_arg(vm, &i)?;
    let mut v = l.borrow_mut();
    let n = v.len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
    v.insert(at as usize, x);
    Ok(Value::None)
}

fn list_remove(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "remove")?;
    let [x] = args.exact("list.remove")?;
    let mut i = 0;
    loop {
        vm.tick()?;
        let item = match l.borrow().get(i) {
            Some(v) => v.clone(),
            None => break,
        };
        if item.is(&x) || vm.eq(&item, &x)? {
            let mut v = l.borrow_mut();
            if i < v.len() {
                v.remove(i);
            }
            return Ok(Value::None);
        }
        i += 1;
    }
    Err(PyErr::value_error("list.remove(x): x not in list"))
}

fn list_pop(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "pop")?;
    args.no_kwargs("list.pop")?;
    if args.pos.len() > 1 {
        return Err(PyErr::type_error(format!("pop expected at most 1 argument, got {}", args.pos.len())));
    }
    let i = match args.pos.first() {
        Some(v) => ssize_arg(vm, v)?,
        None => -1,
    };
    let mut v = l.borrow_mut();
    if v.is_empty() {
        return Err(PyErr::index_error("pop from empty list"));
    }
    let n = v.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(PyErr::index_error("pop index out of range"));
    }
    Ok(v.remove(j as usize))
}

fn list_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "clear")?;
    let [] = args.exact("list.clear")?;
    l.borrow_mut().clear();
    Ok(Value::None)
}

fn list_copy(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "copy")?;
    let [] = args.exact("list.copy")?;
    let items = l.borrow().clone();
    Ok(Value::list(items))
}

/// Counts items equal to `x` in a sequence read live by position.
fn count_in(vm: &mut Vm, get: &dyn Fn(usize) -> Option<Value>, x: &Value) -> PyResult<usize> {
    let mut n = 0;
    let mut i = 0;
    while let Some(item) = get(i) {
        vm.tick()?;
        if item.is(x) || vm.eq(&item, x)? {
            n += 1;
        }
        i += 1;
    }
    Ok(n)
}

fn find_in(vm: &mut Vm, get: &dyn Fn(usize) -> Option<Value>, x: &Value, start: usize, stop: usize) -> PyResult<Option<usize>> {
    let mut i = start;
    while i < stop {
        let Some(item) = get(i) else { break };
        vm.tick()?;
        if item.is(x) || vm.eq(&item, x)? {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

fn index_args(args: Args, fname: &str) -> PyResult<Vec<Value>> {
    args.no_kwargs(fname)?;
    match args.pos.len() {
        0 => Err(PyErr::type_error("index expected at least 1 argument, got 0")),
        1..=3 => Ok(args.pos.into_iter().collect()),
        n => Err(PyErr::type_error(format!("index expected at most 3 arguments, got {n}"))),
    }
}

fn list_count(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "count")?;
    let [x] = args.exact("list.count")?;
    let get = |i: usize| l.borrow().get(i).cloned();
    Ok(Value::from(count_in(vm, &get, &x)?))
}

fn list_index(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "index")?;
    let a = index_args(args, "list.index")?;
    let len = l.borrow().len();
    let (start, stop) = search_range(vm, a.get(1), a.get(2), len)?;
    let get = |i: usize| l.borrow().get(i).cloned();
    match find_in(vm, &get, &a[0], start, stop)? {
        Some(i) => Ok(Value::from(i)),
        None => Err(PyErr::value_error(format!("{} is not in list", vm.repr(&a[0])?))),
    }
}

fn list_reverse(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "reverse")?;
    let [] = args.exact("list.reverse")?;
    l.borrow_mut().reverse();
    Ok(Value::None)
}

fn list_sort(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "sort")?;
    if !args.pos.is_empty() {
        return Err(PyErr::type_error("sort() takes no positional arguments"));
    }
    let mut key = None;
    let mut reverse = false;
    for (k, v) in args.kw {
        match &*k {
            "key" => key = Some(v).filter(|v| !v.is_none()),
            "reverse" => {
                reverse = match v {
                    Value::Bool(b) => b,
                    Value::Int(i) => i != 0,
                    Value::Float(_) => {
                        return Err(PyErr::type_error("'float' object cannot be interpreted as an integer"));
                    }
                    other => {
                        use num_traits::Zero;
                        match &other {
                            Value::BigInt(b) => !b.is_zero(),
                            _ => vm.index_of(&other)? != 0,
                        }
                    }
                }
            }
            _ => return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for sort()"))),
        }
    }
    // As CPython does, the list is empty while it sorts, so a key function or
    // `__lt__` that changes it is caught instead of seeing a half-sorted list.
    let mut items = std::mem::take(&mut *l.borrow_mut());
    let r = super::functions::sort_values(vm, &mut items, key.as_ref(), reverse);
    let modified = !l.borrow().is_empty();
    *l.borrow_mut() = items;
    r?;
    if modified {
        return Err(PyErr::value_error("list modified during sort"));
    }
    Ok(Value::None)
}

fn list_init(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "__init__")?;
    if !args.kw.is_empty() {
        return Err(PyErr::type_error("list() takes no keyword arguments"));
    }
    if args.pos.len() > 1 {
        return Err(PyErr::type_error(format!("list expected at most 1 argument, got {}", args.pos.len())));
    }
    l.borrow_mut().clear();
    if let Some(it) = args.pos.first() {
        let items = vm.collect(it)?;
        l.borrow_mut().extend(items);
    }
    Ok(Value::None)
}

fn list_getitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "__getitem__")?;
    let [k] = args.exact("list.__getitem__")?;
    vm.getitem(&Value::List(l), &k)
}

fn list_setitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "__setitem__")?;
    let [k, v] = args.exact("__setitem__")?;
    vm.setitem(&Value::List(l), k, v)?;
    Ok(Value::None)
}

fn list_delitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "__delitem__")?;
    let [k] = args.exact("list.__delitem__")?;
    vm.delitem(&Value::List(l), &k)?;
    Ok(Value::None)
}

fn list_iter(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let l = list_self(&mut args, "__iter__")?;
    let [] = args.exact("list.__iter__")?;
    vm.iter(&Value::List(l))
}

fn tuple_count(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let t = tuple_self(&mut args, "count")?;
    let [x] = args.exact("tuple.count")?;
    let get = |i: usize| t.get(i).cloned();
    Ok(Value::from(count_in(vm, &get, &x)?))
}

fn tuple_index(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let t = tuple_self(&mut args, "index")?;
    let a = index_args(args, "tuple.index")?;
    let (start, stop) = search_range(vm, a.get(1), a.get(2), t.len())?;
    let get = |i: usize| t.get(i).cloned();
    match find_in(vm, &get, &a[0], start, stop)? {
        Some(i) => Ok(Value::from(i)),
        None => Err(PyErr::value_error("tuple.index(x): x not in tuple")),
    }
}
