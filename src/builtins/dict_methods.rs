//! Methods of `dict`, and the `dict_keys`/`dict_values`/`dict_items` views.
//!
//! A view is a native object that holds the dict itself (never a copy), so it shows
//! later changes, as CPython's views do. The set operations of keys and items views
//! follow dictobject.c (`set(view)` then the matching set method), so their results
//! print in CPython's order. Nothing here may hold a borrow of a dict across a call
//! back into Python (`__eq__`, `__hash__`, `__missing__`).

use std::cell::RefCell;
use std::rc::Rc;

use super::list_methods::{base_of, descriptor_error, take_self};
use super::set_methods::{new_set_from, set_snapshot, update_internal};
use super::types::{add_methods, builtin_class, defer_methods, MethodTable, Types};
use crate::values::*;
use crate::vm::Vm;

pub fn register(t: &Types) {
    defer_methods(&t.dict, &t.object, fill);
}

fn fill(m: &mut MethodTable) {
    m.add(&[
        ("get", dict_get),
        ("setdefault", dict_setdefault),
        ("pop", dict_pop),
        ("popitem", dict_popitem),
        ("update", dict_update),
        ("clear", dict_clear),
        ("copy", dict_copy),
        ("__init__", dict_init),
        ("__getitem__", dict_getitem),
        ("__setitem__", dict_setitem),
        ("__delitem__", dict_delitem),
        ("__contains__", dict_contains),
        ("__iter__", dict_iter),
    ]);
    let fromkeys = super::types::native("fromkeys", dict_fromkeys);
    m.insert("fromkeys", Value::ClassMethod(Rc::new(fromkeys)));

    let view_class = |name: &str, set_like: bool| {
        let c = builtin_class(name, TypeTag::Native, vec![m.object.clone()]);
        add_methods(&c, &[
            ("__iter__", view_iter),
            ("__len__", view_len),
            ("__contains__", view_contains),
            ("__repr__", view_repr),
            ("__reversed__", view_reversed),
        ]);
        if set_like {
            add_methods(&c, &[
                ("__eq__", view_eq),
                ("__ne__", view_ne),
                ("__lt__", view_lt),
                ("__le__", view_le),
                ("__gt__", view_gt),
                ("__ge__", view_ge),
                ("__and__", view_and),
                ("__rand__", view_rand),
                ("__or__", view_or),
                ("__ror__", view_ror),
                ("__sub__", view_sub),
                ("__rsub__", view_rsub),
                ("__xor__", view_xor),
                ("__rxor__", view_rxor),
                ("isdisjoint", view_isdisjoint),
            ]);
        }
        c
    };
    // Each `keys`/`values`/`items` native carries its view class, so views made in
    // one session are of that session's classes.
    let views: [(&str, NativeFn, Rc<Class>); 3] = [
        ("keys", dict_keys, view_class("dict_keys", true)),
        ("values", dict_values, view_class("dict_values", false)),
        ("items", dict_items, view_class("dict_items", true)),
    ];
    for (name, func, cls) in views {
        let name: Rc<str> = name.into();
        m.attrs.insert(
            name.clone(),
            Value::Builtin(Rc::new(Builtin {
                name,
                func,
                bound: None,
                data: Some(Value::Class(cls)),
                owner: Some(m.owner.clone()),
            })),
        );
    }
}

// ----- receivers -----

fn dict_self(args: &mut Args, method: &str) -> PyResult<(Rc<RefCell<PyDict>>, Value)> {
    let me = take_self(args, "dict", method)?;
    if let Value::Dict(d) = &me {
        return Ok((d.clone(), me));
    }
    match base_of(&me) {
        Value::Dict(d) => Ok((d, me)),
        _ => Err(descriptor_error(method, "dict", &me)),
    }
}

/// Positional arguments only, between `min` and `max` of them (CPython's
/// `_PyArg_CheckPositional` wording).
fn positional(args: Args, qualname: &str, short: &str, min: usize, max: usize) -> PyResult<smallvec::SmallVec<[Value; 4]>> {
    args.no_kwargs(qualname)?;
    let n = args.pos.len();
    if n < min {
        let s = if min == 1 { "" } else { "s" };
        return Err(PyErr::type_error(format!("{short} expected at least {min} argument{s}, got {n}")));
    }
    if n > max {
        let s = if max == 1 { "" } else { "s" };
        return Err(PyErr::type_error(format!("{short} expected at most {max} argument{s}, got {n}")));
    }
    // The arguments' own small vector: `d.get(k)` is hot and should not allocate.
    Ok(args.pos)
}

// ----- dict -----

fn dict_get(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    // `d.get(k)` / `d.get(k, default)` on a plain dict, without re-packing the arguments.
    if args.kw.is_empty() && matches!(args.pos.len(), 2 | 3) {
        if let Value::Dict(d) = &args.pos[0] {
            let d = d.clone();
            return match vm.dict_get(&d, &args.pos[1])? {
                Some(v) => Ok(v),
                None => Ok(args.pos.get(2).cloned().unwrap_or(Value::None)),
            };
        }
    }
    let (d, _) = dict_self(&mut args, "get")?;
    let a = positional(args, "dict.get", "get", 1, 2)?;
    match vm.dict_get(&d, &a[0])? {
        Some(v) => Ok(v),
        None => Ok(a.get(1).cloned().unwrap_or(Value::None)),
    }
}

fn dict_setdefault(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "setdefault")?;
    let a = positional(args, "dict.setdefault", "setdefault", 1, 2)?;
    if let Some(v) = vm.dict_get(&d, &a[0])? {
        return Ok(v);
    }
    let v = a.get(1).cloned().unwrap_or(Value::None);
    vm.dict_set(&d, a[0].clone(), v.clone())?;
    Ok(v)
}

fn dict_pop(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "pop")?;
    let a = positional(args, "dict.pop", "pop", 1, 2)?;
    match vm.dict_remove(&d, &a[0])? {
        Some(v) => Ok(v),
        None => match a.get(1) {
            Some(default) => Ok(default.clone()),
            None => Err(PyErr::key_error(a[0].clone())),
        },
    }
}

fn dict_popitem(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "popitem")?;
    let [] = args.exact("dict.popitem")?;
    let mut dm = d.borrow_mut();
    let entry = dm.last_pos().and_then(|p| dm.remove_at(p));
    match entry {
        Some(e) => Ok(Value::tuple(vec![e.key, e.value])),
        None => Err(PyErr::key_error(Value::str("popitem(): dictionary is empty"))),
    }
}

fn dict_update(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "update")?;
    super::constructors::dict_fill(vm, &d, args, "update")?;
    Ok(Value::None)
}

fn dict_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "clear")?;
    let [] = args.exact("dict.clear")?;
    d.borrow_mut().clear();
    Ok(Value::None)
}

fn dict_copy(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "copy")?;
    let [] = args.exact("dict.copy")?;
    let copy = d.borrow().clone();
    Ok(Value::dict(copy))
}

fn dict_init(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "__init__")?;
    super::constructors::dict_fill(vm, &d, args, "dict")?;
    Ok(Value::None)
}

/// `dict.fromkeys(iterable, value=None)`, a classmethod: a subclass gets an
/// instance of itself, filled through its own `__setitem__`.
fn dict_fromkeys(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = take_self(&mut args, "dict", "fromkeys")?;
    let a = positional(args, "dict.fromkeys", "fromkeys", 1, 2)?;
    let value = a.get(1).cloned().unwrap_or(Value::None);
    let exact = matches!(&cls, Value::Class(c) if Rc::ptr_eq(c, &vm.types.dict));
    if exact {
        let d = Rc::new(RefCell::new(PyDict::new()));
        let it = vm.iter(&a[0])?;
        while let Some(k) = vm.next(&it)? {
            vm.tick()?;
            vm.dict_set(&d, k, value.clone())?;
        }
        return Ok(Value::Dict(d));
    }
    let obj = vm.call(&cls, Args::default())?;
    let it = vm.iter(&a[0])?;
    while let Some(k) = vm.next(&it)? {
        vm.tick()?;
        vm.setitem(&obj, k, value.clone())?;
    }
    Ok(obj)
}

/// `dict.__getitem__`, which is where a subclass's `__missing__` is consulted.
fn dict_getitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, me) = dict_self(&mut args, "__getitem__")?;
    let [k] = args.exact("dict.__getitem__")?;
    if let Some(v) = vm.dict_get(&d, &k)? {
        return Ok(v);
    }
    if let Value::Instance(i) = &me
        && let Some(missing) = i.class.lookup("__missing__")
    {
        return vm.call(&missing, Args::new([me.clone(), k]));
    }
    Err(PyErr::key_error(k))
}

fn dict_setitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "__setitem__")?;
    let [k, v] = args.exact("__setitem__")?;
    vm.dict_set(&d, k, v)?;
    Ok(Value::None)
}

fn dict_delitem(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "__delitem__")?;
    let [k] = args.exact("dict.__delitem__")?;
    match vm.dict_remove(&d, &k)? {
        Some(_) => Ok(Value::None),
        None => Err(PyErr::key_error(k)),
    }
}

fn dict_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "__contains__")?;
    let [k] = args.exact("dict.__contains__")?;
    Ok(Value::Bool(vm.dict_get(&d, &k)?.is_some()))
}

fn dict_iter(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _) = dict_self(&mut args, "__iter__")?;
    let [] = args.exact("dict.__iter__")?;
    vm.iter(&Value::Dict(d))
}

// ----- views -----

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ViewKind {
    Keys,
    Values,
    Items,
}

/// What a view object holds: the live dict and which view of it this is.
struct DictView {
    dict: Rc<RefCell<PyDict>>,
    kind: ViewKind,
}

fn make_view(mut args: Args, kind: ViewKind, method: &str) -> PyResult<Value> {
    // The native's data (the view class) comes first, then `self`.
    let cls = match args.pos.first() {
        Some(Value::Class(c)) => c.clone(),
        _ => return Err(PyErr::type_error(format!("dict.{method}() is missing its view type"))),
    };
    args.pos.remove(0);
    let (d, _) = dict_self(&mut args, method)?;
    let [] = args.exact(&format!("dict.{method}"))?;
    Ok(Value::Native(Rc::new(NativeObject {
        class: cls,
        data: RefCell::new(Box::new(DictView { dict: d, kind })),
    })))
}

fn dict_keys(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    make_view(args, ViewKind::Keys, "keys")
}

fn dict_values(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    make_view(args, ViewKind::Values, "values")
}

fn dict_items(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    make_view(args, ViewKind::Items, "items")
}

/// The dict and kind behind a view value.
fn view_parts(v: &Value) -> Option<(Rc<RefCell<PyDict>>, ViewKind)> {
    let Value::Native(n) = v else { return None };
    let data = n.data.borrow();
    let view = data.downcast_ref::<DictView>()?;
    Some((view.dict.clone(), view.kind))
}

fn is_set_like_view(v: &Value) -> bool {
    matches!(view_parts(v), Some((_, ViewKind::Keys | ViewKind::Items)))
}

fn view_self(args: &mut Args, method: &str) -> PyResult<(Rc<RefCell<PyDict>>, ViewKind, Value)> {
    let me = take_self(args, "dict_keys", method)?;
    match view_parts(&me) {
        Some((d, k)) => Ok((d, k, me)),
        None => Err(descriptor_error(method, "dict_keys", &me)),
    }
}

/// The view's current contents, in the dict's order.
fn view_items(d: &Rc<RefCell<PyDict>>, kind: ViewKind) -> Vec<Value> {
    let d = d.borrow();
    match kind {
        ViewKind::Keys => d.keys().cloned().collect(),
        ViewKind::Values => d.values().cloned().collect(),
        ViewKind::Items => d.iter().map(|e| Value::tuple(vec![e.key.clone(), e.value.clone()])).collect(),
    }
}

fn view_iter(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, kind, _) = view_self(&mut args, "__iter__")?;
    let len = d.borrow().len();
    let it = match kind {
        ViewKind::Keys => NativeIter::DictKeys { dict: d, index: 0, len, left: len },
        ViewKind::Values => NativeIter::DictValues { dict: d, index: 0, len, left: len },
        ViewKind::Items => NativeIter::DictItems { dict: d, index: 0, len, left: len },
    };
    Ok(Value::Iterator(Rc::new(RefCell::new(it))))
}

fn view_reversed(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, kind, _) = view_self(&mut args, "__reversed__")?;
    let items = view_items(&d, kind);
    let n = items.len();
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Reversed { seq: Value::list(items), index: n }))))
}

fn view_len(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, _, _) = view_self(&mut args, "__len__")?;
    let n = d.borrow().len();
    Ok(Value::from(n))
}

/// `x in view`: a key lookup, an item lookup plus value comparison, or a scan.
fn view_has(vm: &mut Vm, d: &Rc<RefCell<PyDict>>, kind: ViewKind, x: &Value) -> PyResult<bool> {
    match kind {
        ViewKind::Keys => Ok(vm.dict_get(d, x)?.is_some()),
        ViewKind::Items => {
            let Value::Tuple(t) = x else { return Ok(false) };
            if t.len() != 2 {
                return Ok(false);
            }
            match vm.dict_get(d, &t[0])? {
                Some(v) => Ok(v.is(&t[1]) || vm.eq(&v, &t[1])?),
                None => Ok(false),
            }
        }
        ViewKind::Values => {
            for v in view_items(d, kind) {
                vm.tick()?;
                if v.is(x) || vm.eq(&v, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

fn view_contains(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, kind, _) = view_self(&mut args, "__contains__")?;
    let [x] = args.exact("__contains__")?;
    Ok(Value::Bool(view_has(vm, &d, kind, &x)?))
}

fn view_repr(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, kind, me) = view_self(&mut args, "__repr__")?;
    let id = me.identity();
    let name = match kind {
        ViewKind::Keys => "dict_keys",
        ViewKind::Values => "dict_values",
        ViewKind::Items => "dict_items",
    };
    if vm.repr_stack.contains(&id) {
        return Ok(Value::string(format!("{name}(...)")));
    }
    vm.repr_stack.push(id);
    let r = vm.repr(&Value::list(view_items(&d, kind)));
    vm.repr_stack.pop();
    Ok(Value::string(format!("{name}({})", r?)))
}

/// Whether every element of view `a` is in `b` (`all_contained_in`).
fn all_contained_in(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    let it = vm.iter(a)?;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        if !vm.contains(b, &x)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `dictview_richcompare`: `None` is NotImplemented (the other side is neither a
/// set nor a set-like view).
fn view_compare(vm: &mut Vm, mut args: Args, op: &str) -> PyResult<Value> {
    let (d, _, me) = view_self(&mut args, op)?;
    let [other] = args.exact(op)?;
    let other_len = if let Some(s) = set_snapshot(&other) {
        s.len()
    } else if is_set_like_view(&other) {
        vm.len(&other)?
    } else {
        return Ok(Value::NotImplemented);
    };
    let len = d.borrow().len();
    let r = match op {
        "__eq__" | "__ne__" => {
            let eq = len == other_len && all_contained_in(vm, &me, &other)?;
            if op == "__eq__" { eq } else { !eq }
        }
        "__lt__" => len < other_len && all_contained_in(vm, &me, &other)?,
        "__le__" => len <= other_len && all_contained_in(vm, &me, &other)?,
        "__gt__" => len > other_len && all_contained_in(vm, &other, &me)?,
        _ => len >= other_len && all_contained_in(vm, &other, &me)?,
    };
    Ok(Value::Bool(r))
}

fn view_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_compare(vm, args, "__eq__")
}

fn view_ne(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_compare(vm, args, "__ne__")
}

fn view_lt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_compare(vm, args, "__lt__")
}

fn view_le(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_compare(vm, args, "__le__")
}

fn view_gt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_compare(vm, args, "__gt__")
}

fn view_ge(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_compare(vm, args, "__ge__")
}

/// `dictviews_to_set`: the keys view of an exact dict converts through the dict
/// (pre-sized, as `set(d)` is), any other operand by iteration.
fn to_set(vm: &mut Vm, v: &Value) -> PyResult<PySet> {
    match view_parts(v) {
        Some((d, ViewKind::Keys)) => new_set_from(vm, &Value::Dict(d)),
        _ => new_set_from(vm, v),
    }
}

fn set_value(s: PySet) -> Value {
    Value::Set(Rc::new(RefCell::new(s)))
}

/// Both operands of a binary view operator, left first, whichever side the view is.
fn binary_operands(mut args: Args, name: &str, reflected: bool) -> PyResult<(Value, Value)> {
    let me = take_self(&mut args, "dict_keys", name)?;
    let [other] = args.exact(name)?;
    Ok(if reflected { (other, me) } else { (me, other) })
}

/// `_PyDictView_Intersect`.
fn view_intersect(vm: &mut Vm, args: Args, reflected: bool) -> PyResult<Value> {
    let (a, b) = binary_operands(args, "__and__", reflected)?;
    let (mut view, mut other) = if is_set_like_view(&a) { (a, b) } else { (b, a) };
    let len_view = vm.len(&view)?;
    if let Value::Set(s) = &other
        && len_view <= s.borrow().len()
    {
        let m = vm.getattr(&other, "intersection")?;
        return vm.call(&m, Args::new([view]));
    }
    if is_set_like_view(&other) && vm.len(&other)? > len_view {
        std::mem::swap(&mut view, &mut other);
    }
    let Some((d, kind)) = view_parts(&view) else { return Ok(Value::NotImplemented) };
    let mut result = PySet::new();
    let it = vm.iter(&other)?;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        if view_has(vm, &d, kind, &x)? {
            vm.set_add(&mut result, x)?;
        }
    }
    Ok(set_value(result))
}

fn view_and(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_intersect(vm, args, false)
}

fn view_rand(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_intersect(vm, args, true)
}

fn view_union(vm: &mut Vm, args: Args, reflected: bool) -> PyResult<Value> {
    let (a, b) = binary_operands(args, "__or__", reflected)?;
    let mut result = to_set(vm, &a)?;
    update_internal(vm, &mut result, &b)?;
    Ok(set_value(result))
}

fn view_or(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_union(vm, args, false)
}

fn view_ror(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_union(vm, args, true)
}

fn view_difference(vm: &mut Vm, args: Args, reflected: bool) -> PyResult<Value> {
    let (a, b) = binary_operands(args, "__sub__", reflected)?;
    let result = set_value(to_set(vm, &a)?);
    let m = vm.getattr(&result, "difference_update")?;
    vm.call(&m, Args::new([b]))?;
    Ok(result)
}

fn view_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_difference(vm, args, false)
}

fn view_rsub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_difference(vm, args, true)
}

/// `dictitems_xor`: items of either dict whose key is missing from the other or
/// whose values differ.
fn items_xor(vm: &mut Vm, d1: &Rc<RefCell<PyDict>>, d2: &Rc<RefCell<PyDict>>) -> PyResult<Value> {
    let temp = Rc::new(RefCell::new(d1.borrow().clone()));
    let mut result = PySet::new();
    let pairs: Vec<(Value, Value)> = d2.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
    for (k, v2) in pairs {
        vm.tick()?;
        let to_delete = match vm.dict_get(&temp, &k)? {
            Some(v1) => v1.is(&v2) || vm.eq(&v1, &v2)?,
            None => false,
        };
        if to_delete {
            vm.dict_remove(&temp, &k)?;
        } else {
            vm.set_add(&mut result, Value::tuple(vec![k, v2]))?;
        }
    }
    let rest: Vec<Value> = view_items(&temp, ViewKind::Items);
    update_internal(vm, &mut result, &Value::list(rest))?;
    Ok(set_value(result))
}

fn view_symmetric(vm: &mut Vm, args: Args, reflected: bool) -> PyResult<Value> {
    let (a, b) = binary_operands(args, "__xor__", reflected)?;
    if let (Some((d1, ViewKind::Items)), Some((d2, ViewKind::Items))) = (view_parts(&a), view_parts(&b)) {
        return items_xor(vm, &d1, &d2);
    }
    let result = set_value(to_set(vm, &a)?);
    let m = vm.getattr(&result, "symmetric_difference_update")?;
    vm.call(&m, Args::new([b]))?;
    Ok(result)
}

fn view_xor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_symmetric(vm, args, false)
}

fn view_rxor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view_symmetric(vm, args, true)
}

/// `dictviews_isdisjoint`.
fn view_isdisjoint(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (d, kind, me) = view_self(&mut args, "isdisjoint")?;
    let [other] = args.exact("isdisjoint")?;
    if other.is(&me) {
        return Ok(Value::Bool(d.borrow().is_empty()));
    }
    // Only a set or set-like view has a cheap length and membership; then the
    // shorter side is walked and the longer one probed.
    let sized = set_snapshot(&other).is_some() || is_set_like_view(&other);
    if sized && vm.len(&other)? > d.borrow().len() {
        for x in view_items(&d, kind) {
            vm.tick()?;
            if vm.contains(&other, &x)? {
                return Ok(Value::Bool(false));
            }
        }
        return Ok(Value::Bool(true));
    }
    let it = vm.iter(&other)?;
    while let Some(x) = vm.next(&it)? {
        vm.tick()?;
        if view_has(vm, &d, kind, &x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}
