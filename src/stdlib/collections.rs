//! `collections`: Counter, defaultdict, OrderedDict (dict subclasses), deque (a native
//! object), namedtuple (tuple subclasses built per call) and ChainMap, with CPython
//! 3.11's algorithms, orderings, reprs and messages. Must never hold a borrow of a
//! container across a call back into Python (user `__eq__`/`__hash__` may mutate it),
//! and never loop over user data without `vm.tick()`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::support::*;
use crate::syntax::ast::{BinOp, CmpOp};
use crate::values::*;
use crate::vm::Vm;

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    let dict = vm.types.dict.clone();
    let counter = new_class(
        vm,
        "Counter",
        "collections",
        vec![dict.clone()],
        &[
            ("__init__", counter_init),
            ("__missing__", counter_missing),
            ("__delitem__", counter_delitem),
            ("__repr__", counter_repr),
            ("__str__", counter_repr),
            ("__eq__", counter_eq),
            ("__ne__", counter_ne),
            ("__lt__", counter_lt),
            ("__le__", counter_le),
            ("__gt__", counter_gt),
            ("__ge__", counter_ge),
            ("__add__", counter_add),
            ("__sub__", counter_sub),
            ("__or__", counter_or),
            ("__and__", counter_and),
            ("__pos__", counter_pos),
            ("__neg__", counter_neg),
            ("__iadd__", counter_iadd),
            ("__isub__", counter_isub),
            ("__ior__", counter_ior),
            ("__iand__", counter_iand),
            ("most_common", counter_most_common),
            ("elements", counter_elements),
            ("update", counter_update),
            ("subtract", counter_subtract),
            ("total", counter_total),
            ("copy", counter_copy),
            ("__copy__", counter_copy),
        ],
        vec![("fromkeys", class_method("Counter", "fromkeys", counter_fromkeys))],
    )?;
    let defaultdict = super::helpers_c::c_type(new_class(
        vm,
        "defaultdict",
        "collections",
        vec![dict.clone()],
        &[
            ("__init__", dd_init),
            ("__missing__", dd_missing),
            ("__repr__", dd_repr),
            ("__str__", dd_repr),
            ("copy", dd_copy),
            ("__copy__", dd_copy),
        ],
        vec![],
    )?);
    let ordered = super::helpers_c::c_type(new_class(
        vm,
        "OrderedDict",
        "collections",
        vec![dict],
        &[
            ("__init__", od_init),
            ("__repr__", od_repr),
            ("__str__", od_repr),
            ("__eq__", od_eq),
            ("move_to_end", od_move_to_end),
            ("popitem", od_popitem),
            ("copy", od_copy),
            ("__copy__", od_copy),
        ],
        vec![],
    )?);
    let deque = super::helpers_c::c_type(new_class(
        vm,
        "deque",
        "collections",
        vec![],
        &[
            ("append", dq_append),
            ("appendleft", dq_appendleft),
            ("pop", dq_pop),
            ("popleft", dq_popleft),
            ("extend", dq_extend),
            ("extendleft", dq_extendleft),
            ("rotate", dq_rotate),
            ("clear", dq_clear),
            ("count", dq_count),
            ("index", dq_index),
            ("remove", dq_remove),
            ("reverse", dq_reverse),
            ("insert", dq_insert),
            ("copy", dq_copy),
            ("__copy__", dq_copy),
            ("__deepcopy__", dq_deepcopy),
            ("__len__", dq_len),
            ("__bool__", dq_bool),
            ("__getitem__", dq_getitem),
            ("__setitem__", dq_setitem),
            ("__delitem__", dq_delitem),
            ("__iter__", dq_iter),
            ("__reversed__", dq_reversed),
            ("__contains__", dq_contains),
            ("__repr__", dq_repr),
            ("__eq__", dq_eq),
            ("__ne__", dq_ne),
            ("__lt__", dq_lt),
            ("__le__", dq_le),
            ("__gt__", dq_gt),
            ("__ge__", dq_ge),
            ("__add__", dq_add),
            ("__iadd__", dq_iadd),
            ("__mul__", dq_mul),
        ],
        vec![
            ("__new__", static_method("deque", "__new__", dq_new)),
            ("maxlen", property("deque", "maxlen", dq_maxlen)),
            ("__hash__", Value::None),
        ],
    )?);
    let chainmap = new_class(
        vm,
        "ChainMap",
        "collections",
        vec![],
        &[
            ("__init__", cm_init),
            ("__getitem__", cm_getitem),
            ("__setitem__", cm_setitem),
            ("__delitem__", cm_delitem),
            ("__contains__", cm_contains),
            ("__len__", cm_len),
            ("__iter__", cm_iter),
            ("__bool__", cm_bool),
            ("__repr__", cm_repr),
            ("get", cm_get),
            ("keys", cm_keys),
            ("values", cm_values),
            ("items", cm_items),
            ("new_child", cm_new_child),
            ("copy", cm_copy),
            ("pop", cm_pop),
            ("clear", cm_clear),
        ],
        vec![("parents", property("ChainMap", "parents", cm_parents))],
    )?;
    attrs.insert("Counter".into(), Value::Class(counter));
    attrs.insert("defaultdict".into(), Value::Class(defaultdict));
    attrs.insert("OrderedDict".into(), Value::Class(ordered));
    attrs.insert("deque".into(), Value::Class(deque));
    attrs.insert("ChainMap".into(), Value::Class(chainmap));
    add_fns(&mut attrs, &[("namedtuple", namedtuple)]);
    Ok(super::support::module("collections", attrs))
}

// ----- shared helpers -----

/// The class named `name` among `v`'s class and its ancestors (the module class a
/// method belongs to, even when called on a user subclass).
fn module_class(vm: &Vm, v: &Value, name: &str) -> Option<Rc<Class>> {
    vm.type_of(v).mro_with_self().find(|c| &*c.name == name && &*c.module == "collections")
}

fn is_a(vm: &Vm, v: &Value, name: &str) -> bool {
    module_class(vm, v, name).is_some()
}

/// (key, value) pairs of any mapping.
fn mapping_items(vm: &mut Vm, m: &Value) -> PyResult<Vec<(Value, Value)>> {
    if let Some(d) = dict_of(m) {
        return Ok(dict_items(&d));
    }
    let tmp = Rc::new(RefCell::new(PyDict::new()));
    vm.dict_update_from(&tmp, m, false)?;
    Ok(dict_items(&tmp))
}

fn gt_zero(vm: &mut Vm, v: &Value) -> PyResult<bool> {
    vm.compare_op(v, &Value::Int(0), CmpOp::Gt)
}

fn lt_zero(vm: &mut Vm, v: &Value) -> PyResult<bool> {
    vm.compare_op(v, &Value::Int(0), CmpOp::Lt)
}

fn class_name(vm: &Vm, v: &Value) -> String {
    vm.type_of(v).name.to_string()
}

// ----- Counter -----

fn counter_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let src = pos.next();
    if pos.len() > 0 {
        return Err(PyErr::type_error(format!(
            "Counter.__init__() takes from 1 to 2 positional arguments but {} were given",
            pos.len() + 2
        )));
    }
    count_into(vm, &this, src, args.kw, false)?;
    Ok(Value::None)
}

fn counter_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let src = pos.next();
    if pos.len() > 0 {
        return Err(PyErr::type_error(format!(
            "Counter.update() takes from 1 to 2 positional arguments but {} were given",
            pos.len() + 2
        )));
    }
    count_into(vm, &this, src, args.kw, false)?;
    Ok(Value::None)
}

fn counter_subtract(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let src = pos.next();
    if pos.len() > 0 {
        return Err(PyErr::type_error(format!(
            "Counter.subtract() takes from 1 to 2 positional arguments but {} were given",
            pos.len() + 2
        )));
    }
    count_into(vm, &this, src, args.kw, true)?;
    Ok(Value::None)
}

/// `Counter.update` / `Counter.subtract`: mappings add (subtract) their counts,
/// other iterables count each element once.
fn count_into(vm: &mut Vm, this: &Value, src: Option<Value>, kw: Vec<(Rc<str>, Value)>, subtract: bool) -> PyResult<()> {
    let d = self_dict(this, "update")?;
    let op = if subtract { BinOp::Sub } else { BinOp::Add };
    if let Some(src) = src {
        if dict_of(&src).is_some() || vm.is_mapping(&src) {
            if !subtract && d.borrow().is_empty() && dict_of(&src).is_some() {
                // CPython: dict.update when self is empty (fast path, same result).
                vm.dict_update_from(&d, &src, false)?;
            } else {
                for (k, v) in mapping_items(vm, &src)? {
                    vm.tick()?;
                    let cur = vm.dict_get(&d, &k)?.unwrap_or(Value::Int(0));
                    let new = vm.binary_op(&cur, &v, op)?;
                    vm.dict_set(&d, k, new)?;
                }
            }
        } else {
            let it = vm.iter(&src)?;
            while let Some(k) = vm.next(&it)? {
                vm.tick()?;
                let cur = vm.dict_get(&d, &k)?.unwrap_or(Value::Int(0));
                let new = vm.binary_op(&cur, &Value::Int(1), op)?;
                vm.dict_set(&d, k, new)?;
            }
        }
    }
    for (k, v) in kw {
        let k = Value::str(&k);
        let cur = vm.dict_get(&d, &k)?.unwrap_or(Value::Int(0));
        let new = vm.binary_op(&cur, &v, op)?;
        vm.dict_set(&d, k, new)?;
    }
    Ok(())
}

fn counter_missing(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_this, _key] = args.exact("__missing__")?;
    Ok(Value::Int(0))
}

fn counter_delitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__delitem__")?;
    let d = self_dict(&this, "__delitem__")?;
    // Deleting a missing element is not an error for a Counter.
    vm.dict_remove(&d, &key)?;
    Ok(Value::None)
}

fn count_key(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [item] = args.exact("key")?;
    Ok(match &item {
        Value::Tuple(t) if t.len() == 2 => t[1].clone(),
        _ => Value::None,
    })
}

/// Items sorted by count, largest first, ties in insertion order (CPython's
/// `sorted(..., key=itemgetter(1), reverse=True)`).
fn most_common_items(vm: &mut Vm, d: &Rc<RefCell<PyDict>>) -> PyResult<Vec<Value>> {
    let mut items: Vec<Value> = dict_items(d).into_iter().map(|(k, v)| Value::tuple(vec![k, v])).collect();
    let key = crate::builtins::native("count", count_key);
    crate::builtins::functions::sort_values(vm, &mut items, Some(&key), true)?;
    Ok(items)
}

fn counter_most_common(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, n] = args.bind("most_common", ["self", "n"], 1, 1)?;
    let this = this.unwrap_or(Value::None);
    let d = self_dict(&this, "most_common")?;
    let mut items = most_common_items(vm, &d)?;
    if let Some(n) = n.filter(|n| !n.is_none()) {
        let n = vm.index_of(&n)?;
        items.truncate(n.max(0) as usize);
    }
    Ok(Value::list(items))
}

fn counter_elements(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("elements")?;
    let d = self_dict(&this, "elements")?;
    let mut out = Vec::new();
    for (k, c) in dict_items(&d) {
        let n = match &c {
            Value::Int(_) | Value::Bool(_) => vm.index_of(&c)?,
            Value::BigInt(_) => return Err(PyErr::overflow("Python int too large to convert to C ssize_t")),
            other => {
                return Err(PyErr::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    other.type_name()
                )))
            }
        };
        if n > 0 {
            vm.check_alloc((out.len() as u128 + n as u128) * 16)?;
            for _ in 0..n {
                vm.tick()?;
                out.push(k.clone());
            }
        }
    }
    vm.iter(&Value::list(out))
}

fn counter_total(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("total")?;
    let d = self_dict(&this, "total")?;
    let mut acc = Value::Int(0);
    for (_, v) in dict_items(&d) {
        vm.tick()?;
        acc = vm.binary_op(&acc, &v, BinOp::Add)?;
    }
    Ok(acc)
}

fn counter_copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("copy")?;
    let cls = vm.type_of(&this);
    vm.call(&Value::Class(cls), Args::new([this]))
}

fn counter_fromkeys(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Err(PyErr::new(ExcKind::NotImplementedError, "Counter.fromkeys() is undefined.  Use Counter(iterable) instead."))
}

fn counter_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let name = class_name(vm, &this);
    let d = self_dict(&this, "__repr__")?;
    if d.borrow().is_empty() {
        return Ok(Value::string(format!("{name}()")));
    }
    let shown = match most_common_items(vm, &d) {
        Ok(items) => {
            let out = Rc::new(RefCell::new(PyDict::new()));
            for it in items {
                if let Value::Tuple(t) = &it {
                    vm.dict_set(&out, t[0].clone(), t[1].clone())?;
                }
            }
            Value::Dict(out)
        }
        Err(e) if vm.err_is(&e, ExcKind::TypeError) => Value::Dict(Rc::new(RefCell::new(d.borrow().clone()))),
        Err(e) => return Err(e),
    };
    let inner = vm.repr(&shown)?;
    Ok(Value::string(format!("{name}({inner})")))
}

fn new_counter(vm: &mut Vm, like: &Value) -> PyResult<(Value, Rc<RefCell<PyDict>>)> {
    let cls = module_class(vm, like, "Counter").ok_or_else(|| PyErr::type_error("expected a Counter"))?;
    let c = vm.call(&Value::Class(cls), Args::default())?;
    let d = self_dict(&c, "Counter")?;
    Ok((c, d))
}

/// The two operands of a Counter operator, or `None` (NotImplemented).
fn counter_operands(vm: &Vm, args: Args, name: &str) -> PyResult<Option<(Value, Value)>> {
    let [a, b] = args.exact(name)?;
    if !is_a(vm, &a, "Counter") || !is_a(vm, &b, "Counter") {
        return Ok(None);
    }
    Ok(Some((a, b)))
}

/// `all(a[e] OP b[e] for c in (a, b) for e in c)`: Counter's rich comparisons
/// (3.10+), where a missing element counts as zero.
fn counter_all(vm: &mut Vm, a: &Value, b: &Value, op: CmpOp, name: &str) -> PyResult<bool> {
    for x in [a, b] {
        let d = self_dict(x, name)?;
        for (k, _) in dict_items(&d) {
            vm.tick()?;
            let (p, q) = (vm.getitem(a, &k)?, vm.getitem(b, &k)?);
            if !vm.compare_op(&p, &q, op)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn counter_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, "__eq__")? else { return Ok(Value::NotImplemented) };
    Ok(Value::Bool(counter_all(vm, &a, &b, CmpOp::Eq, "__eq__")?))
}

fn counter_ne(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, "__ne__")? else { return Ok(Value::NotImplemented) };
    Ok(Value::Bool(!counter_all(vm, &a, &b, CmpOp::Eq, "__ne__")?))
}

fn counter_le(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, "__le__")? else { return Ok(Value::NotImplemented) };
    Ok(Value::Bool(counter_all(vm, &a, &b, CmpOp::LtE, "__le__")?))
}

fn counter_ge(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, "__ge__")? else { return Ok(Value::NotImplemented) };
    Ok(Value::Bool(counter_all(vm, &a, &b, CmpOp::GtE, "__ge__")?))
}

/// `self <= other and self != other`, as collections/__init__.py.
fn counter_lt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, "__lt__")? else { return Ok(Value::NotImplemented) };
    let r = counter_all(vm, &a, &b, CmpOp::LtE, "__lt__")? && !counter_all(vm, &a, &b, CmpOp::Eq, "__lt__")?;
    Ok(Value::Bool(r))
}

fn counter_gt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, "__gt__")? else { return Ok(Value::NotImplemented) };
    let r = counter_all(vm, &a, &b, CmpOp::GtE, "__gt__")? && !counter_all(vm, &a, &b, CmpOp::Eq, "__gt__")?;
    Ok(Value::Bool(r))
}

#[derive(Clone, Copy)]
enum CounterOp {
    Add,
    Sub,
    Or,
    And,
}

fn counter_binary(vm: &mut Vm, args: Args, name: &str, op: CounterOp) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, name)? else { return Ok(Value::NotImplemented) };
    let (result, rd) = new_counter(vm, &a)?;
    let ad = self_dict(&a, name)?;
    let bd = self_dict(&b, name)?;
    for (k, count) in dict_items(&ad) {
        vm.tick()?;
        let other = vm.getitem(&b, &k)?;
        let new = match op {
            CounterOp::Add => vm.binary_op(&count, &other, BinOp::Add)?,
            CounterOp::Sub => vm.binary_op(&count, &other, BinOp::Sub)?,
            CounterOp::Or => {
                if vm.lt(&count, &other)? { other } else { count }
            }
            CounterOp::And => {
                if vm.lt(&count, &other)? { count } else { other }
            }
        };
        if gt_zero(vm, &new)? {
            vm.dict_set(&rd, k, new)?;
        }
    }
    if !matches!(op, CounterOp::And) {
        for (k, count) in dict_items(&bd) {
            vm.tick()?;
            if vm.dict_get(&ad, &k)?.is_some() {
                continue;
            }
            match op {
                CounterOp::Sub => {
                    if lt_zero(vm, &count)? {
                        let neg = vm.binary_op(&Value::Int(0), &count, BinOp::Sub)?;
                        vm.dict_set(&rd, k, neg)?;
                    }
                }
                _ => {
                    if gt_zero(vm, &count)? {
                        vm.dict_set(&rd, k, count)?;
                    }
                }
            }
        }
    }
    Ok(result)
}

fn counter_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_binary(vm, args, "__add__", CounterOp::Add)
}
fn counter_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_binary(vm, args, "__sub__", CounterOp::Sub)
}
fn counter_or(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_binary(vm, args, "__or__", CounterOp::Or)
}
fn counter_and(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_binary(vm, args, "__and__", CounterOp::And)
}

fn counter_unary(vm: &mut Vm, args: Args, neg: bool) -> PyResult<Value> {
    let [a] = args.exact(if neg { "__neg__" } else { "__pos__" })?;
    let (result, rd) = new_counter(vm, &a)?;
    let ad = self_dict(&a, "__pos__")?;
    for (k, count) in dict_items(&ad) {
        vm.tick()?;
        if neg {
            if lt_zero(vm, &count)? {
                let n = vm.binary_op(&Value::Int(0), &count, BinOp::Sub)?;
                vm.dict_set(&rd, k, n)?;
            }
        } else if gt_zero(vm, &count)? {
            vm.dict_set(&rd, k, count)?;
        }
    }
    Ok(result)
}

fn counter_pos(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_unary(vm, args, false)
}
fn counter_neg(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_unary(vm, args, true)
}

/// In-place operators update `self` then drop non-positive counts.
fn counter_inplace(vm: &mut Vm, args: Args, name: &str, op: CounterOp) -> PyResult<Value> {
    let Some((a, b)) = counter_operands(vm, args, name)? else { return Ok(Value::NotImplemented) };
    let ad = self_dict(&a, name)?;
    let bd = self_dict(&b, name)?;
    match op {
        CounterOp::Add | CounterOp::Sub => {
            let bop = if matches!(op, CounterOp::Add) { BinOp::Add } else { BinOp::Sub };
            for (k, count) in dict_items(&bd) {
                vm.tick()?;
                let cur = vm.getitem(&a, &k)?;
                let n = vm.binary_op(&cur, &count, bop)?;
                vm.setitem(&a, k, n)?;
            }
        }
        CounterOp::Or => {
            for (k, other) in dict_items(&bd) {
                vm.tick()?;
                let cur = vm.getitem(&a, &k)?;
                if vm.compare_op(&other, &cur, CmpOp::Gt)? {
                    vm.setitem(&a, k, other)?;
                }
            }
        }
        CounterOp::And => {
            for (k, count) in dict_items(&ad) {
                vm.tick()?;
                let other = vm.getitem(&b, &k)?;
                if vm.lt(&other, &count)? {
                    vm.setitem(&a, k, other)?;
                }
            }
        }
    }
    for (k, count) in dict_items(&ad) {
        if !gt_zero(vm, &count)? {
            vm.dict_remove(&ad, &k)?;
        }
    }
    Ok(a)
}

fn counter_iadd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_inplace(vm, args, "__iadd__", CounterOp::Add)
}
fn counter_isub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_inplace(vm, args, "__isub__", CounterOp::Sub)
}
fn counter_ior(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_inplace(vm, args, "__ior__", CounterOp::Or)
}
fn counter_iand(vm: &mut Vm, args: Args) -> PyResult<Value> {
    counter_inplace(vm, args, "__iand__", CounterOp::And)
}

// ----- defaultdict -----

fn dd_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let factory = pos.next().unwrap_or(Value::None);
    if !factory.is_none() && !crate::builtins::functions::is_callable(&factory) {
        return Err(PyErr::type_error("first argument must be callable or None"));
    }
    let d = self_dict(&this, "__init__")?;
    let rest = Args { pos: pos.collect(), kw: args.kw };
    crate::builtins::constructors::dict_fill(vm, &d, rest, "dict")?;
    if let Value::Instance(i) = &this {
        i.attrs.borrow_mut().insert("default_factory".into(), factory);
    }
    Ok(Value::None)
}

fn dd_factory(v: &Value) -> Value {
    match v {
        Value::Instance(i) => i.attrs.borrow().get("default_factory").cloned().unwrap_or(Value::None),
        _ => Value::None,
    }
}

fn dd_missing(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__missing__")?;
    let f = dd_factory(&this);
    if f.is_none() {
        return Err(PyErr::key_error(key));
    }
    let v = vm.call0(&f)?;
    vm.setitem(&this, key, v.clone())?;
    Ok(v)
}

fn dd_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let f = dd_factory(&this);
    let id = this.identity();
    let fr = if vm.repr_stack.contains(&id) {
        "...".to_owned()
    } else {
        vm.repr_stack.push(id);
        let r = vm.repr(&f);
        vm.repr_stack.pop();
        r?
    };
    let d = self_dict(&this, "__repr__")?;
    let dr = vm.repr(&Value::Dict(d))?;
    Ok(Value::string(format!("{}({fr}, {dr})", class_name(vm, &this))))
}

fn dd_copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("copy")?;
    let cls = vm.type_of(&this);
    let f = dd_factory(&this);
    vm.call(&Value::Class(cls), Args::new([f, this]))
}

// ----- OrderedDict -----

fn od_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let d = self_dict(&this, "__init__")?;
    let rest = Args { pos: pos.collect(), kw: args.kw };
    crate::builtins::constructors::dict_fill(vm, &d, rest, "OrderedDict")?;
    Ok(Value::None)
}

fn od_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let name = class_name(vm, &this);
    let d = self_dict(&this, "__repr__")?;
    if d.borrow().is_empty() {
        return Ok(Value::string(format!("{name}()")));
    }
    let id = this.identity();
    if vm.repr_stack.contains(&id) {
        return Ok(Value::str("..."));
    }
    let items: Vec<Value> = dict_items(&d).into_iter().map(|(k, v)| Value::tuple(vec![k, v])).collect();
    vm.repr_stack.push(id);
    let r = vm.repr(&Value::list(items));
    vm.repr_stack.pop();
    Ok(Value::string(format!("{name}({})", r?)))
}

fn od_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("__eq__")?;
    let (Some(x), Some(y)) = (dict_of(&a), dict_of(&b)) else { return Ok(Value::NotImplemented) };
    if !vm.eq(&Value::Dict(x.clone()), &Value::Dict(y.clone()))? {
        return Ok(Value::Bool(false));
    }
    if !is_a(vm, &b, "OrderedDict") {
        return Ok(Value::Bool(true));
    }
    let (kx, ky) = (dict_items(&x), dict_items(&y));
    for ((p, _), (q, _)) in kx.iter().zip(ky.iter()) {
        if !vm.eq(p, q)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn od_move_to_end(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key, last] = args.bind("move_to_end", ["self", "key", "last"], 1, 2)?;
    let this = this.unwrap_or(Value::None);
    let key = key.unwrap_or(Value::None);
    let last = match last {
        Some(l) => vm.truthy(&l)?,
        None => true,
    };
    let d = self_dict(&this, "move_to_end")?;
    let Some(v) = vm.dict_remove(&d, &key)? else { return Err(PyErr::key_error(key)) };
    if last {
        vm.dict_set(&d, key, v)?;
    } else {
        let old: Vec<(u64, Value, Value)> = d.borrow().iter().map(|e| (e.hash, e.key.clone(), e.value.clone())).collect();
        let h = vm.hash(&key)?;
        let mut nd = PyDict::with_capacity(old.len() + 1);
        nd.push_new(h, key, v);
        for (h, k, v) in old {
            nd.push_new(h, k, v);
        }
        *d.borrow_mut() = nd;
    }
    Ok(Value::None)
}

fn od_popitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, last] = args.bind("popitem", ["self", "last"], 1, 1)?;
    let this = this.unwrap_or(Value::None);
    let last = match last {
        Some(l) => vm.truthy(&l)?,
        None => true,
    };
    let d = self_dict(&this, "popitem")?;
    let pos = if last { d.borrow().last_pos() } else { d.borrow().first_pos() };
    let entry = pos.and_then(|p| d.borrow_mut().remove_at(p));
    match entry {
        Some(e) => Ok(Value::tuple(vec![e.key, e.value])),
        None => Err(PyErr::key_error(Value::str("dictionary is empty"))),
    }
}

fn od_copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("copy")?;
    let cls = vm.type_of(&this);
    vm.call(&Value::Class(cls), Args::new([this]))
}

// ----- deque -----

pub struct Deque {
    pub items: VecDeque<Value>,
    pub maxlen: Option<usize>,
    /// Bumped on every mutation, so iterators notice (as CPython's `state`).
    pub state: u64,
}

fn dq_obj(v: &Value) -> PyResult<Rc<NativeObject>> {
    match v {
        Value::Native(n) if n.data.borrow().is::<Deque>() => Ok(n.clone()),
        other => Err(PyErr::type_error(format!(
            "descriptor requires a 'collections.deque' object but received a '{}'",
            other.type_name()
        ))),
    }
}

/// Runs `f` on the deque's data (never across a call into Python).
fn with_dq<R>(n: &Rc<NativeObject>, f: impl FnOnce(&mut Deque) -> R) -> PyResult<R> {
    let mut b = n.data.borrow_mut();
    match b.downcast_mut::<Deque>() {
        Some(d) => Ok(f(d)),
        None => Err(PyErr::type_error("not a deque")),
    }
}

fn dq_snapshot(n: &Rc<NativeObject>) -> PyResult<Vec<Value>> {
    with_dq(n, |d| d.items.iter().cloned().collect())
}

/// A new deque of class `cls` holding `items`.
pub fn make_deque(cls: Rc<Class>, items: VecDeque<Value>, maxlen: Option<usize>) -> Value {
    Value::Native(Rc::new(NativeObject { class: cls, data: RefCell::new(Box::new(Deque { items, maxlen, state: 0 })) }))
}

fn dq_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let cls = match pos.next() {
        Some(Value::Class(c)) => c,
        _ => return Err(PyErr::type_error("deque.__new__(X): X is not a type object")),
    };
    let rest = Args { pos: pos.collect(), kw: args.kw };
    let [iterable, maxlen] = rest.bind("deque", ["iterable", "maxlen"], 0, 0)?;
    let maxlen = match maxlen {
        None | Some(Value::None) => None,
        Some(m) => {
            let m = match &m {
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => vm.index_of(&m)?,
                _ => return Err(PyErr::type_error("an integer is required")),
            };
            if m < 0 {
                return Err(PyErr::value_error("maxlen must be non-negative"));
            }
            Some(m as usize)
        }
    };
    let obj = make_deque(cls, VecDeque::new(), maxlen);
    if let Some(it) = iterable {
        let n = dq_obj(&obj)?;
        dq_extend_impl(vm, &n, &it, false)?;
    }
    Ok(obj)
}

fn push(d: &mut Deque, v: Value, left: bool) {
    if d.maxlen == Some(0) {
        return;
    }
    if left {
        if d.maxlen.is_some_and(|m| d.items.len() >= m) {
            d.items.pop_back();
        }
        d.items.push_front(v);
    } else {
        if d.maxlen.is_some_and(|m| d.items.len() >= m) {
            d.items.pop_front();
        }
        d.items.push_back(v);
    }
    d.state += 1;
}

fn dq_extend_impl(vm: &mut Vm, n: &Rc<NativeObject>, it: &Value, left: bool) -> PyResult<()> {
    let src = match it {
        Value::Native(m) if Rc::ptr_eq(m, n) => Value::list(dq_snapshot(n)?),
        other => other.clone(),
    };
    let iter = vm.iter(&src)?;
    while let Some(v) = vm.next(&iter)? {
        vm.tick()?;
        with_dq(n, |d| push(d, v, left))?;
    }
    Ok(())
}

fn dq_append(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, v] = args.exact("append")?;
    with_dq(&dq_obj(&this)?, |d| push(d, v, false))?;
    Ok(Value::None)
}

fn dq_appendleft(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, v] = args.exact("appendleft")?;
    with_dq(&dq_obj(&this)?, |d| push(d, v, true))?;
    Ok(Value::None)
}

fn dq_pop(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("pop")?;
    let r = with_dq(&dq_obj(&this)?, |d| {
        d.state += 1;
        d.items.pop_back()
    })?;
    r.ok_or_else(|| PyErr::index_error("pop from an empty deque"))
}

fn dq_popleft(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("popleft")?;
    let r = with_dq(&dq_obj(&this)?, |d| {
        d.state += 1;
        d.items.pop_front()
    })?;
    r.ok_or_else(|| PyErr::index_error("pop from an empty deque"))
}

fn dq_extend(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, it] = args.exact("extend")?;
    dq_extend_impl(vm, &dq_obj(&this)?, &it, false)?;
    Ok(Value::None)
}

fn dq_extendleft(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, it] = args.exact("extendleft")?;
    dq_extend_impl(vm, &dq_obj(&this)?, &it, true)?;
    Ok(Value::None)
}

fn dq_rotate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("rotate")?;
    if args.pos.len() > 2 {
        return Err(PyErr::type_error(format!("rotate expected at most 1 argument, got {}", args.pos.len() - 1)));
    }
    let this = args.pos[0].clone();
    let n = match args.pos.get(1) {
        Some(v) => vm.index_of(v)?,
        None => 1,
    };
    with_dq(&dq_obj(&this)?, |d| {
        let len = d.items.len() as i64;
        if len > 1 {
            let k = n.rem_euclid(len) as usize;
            d.items.rotate_right(k);
            d.state += 1;
        }
    })?;
    Ok(Value::None)
}

fn dq_clear(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("clear")?;
    with_dq(&dq_obj(&this)?, |d| {
        d.items.clear();
        d.state += 1;
    })?;
    Ok(Value::None)
}

fn dq_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, x] = args.exact("count")?;
    let n = dq_obj(&this)?;
    let mut c = 0i64;
    for v in dq_snapshot(&n)? {
        vm.tick()?;
        if v.is(&x) || vm.eq(&v, &x)? {
            c += 1;
        }
    }
    Ok(Value::Int(c))
}

fn dq_index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("index")?;
    if args.pos.len() < 2 || args.pos.len() > 4 {
        return Err(PyErr::type_error(format!(
            "index expected at least 1 argument, got {}",
            args.pos.len().saturating_sub(1)
        )));
    }
    let n = dq_obj(&args.pos[0])?;
    let x = args.pos[1].clone();
    let items = dq_snapshot(&n)?;
    let len = items.len() as i64;
    let norm = |i: i64| -> usize {
        let j = if i < 0 { i + len } else { i };
        j.clamp(0, len) as usize
    };
    let start = match args.pos.get(2) {
        Some(v) => norm(vm.index_of(v)?),
        None => 0,
    };
    let stop = match args.pos.get(3) {
        Some(v) => norm(vm.index_of(v)?),
        None => len as usize,
    };
    for (i, v) in items.iter().enumerate().take(stop).skip(start) {
        vm.tick()?;
        if v.is(&x) || vm.eq(v, &x)? {
            return Ok(Value::from(i));
        }
    }
    Err(PyErr::value_error(format!("{} is not in deque", vm.repr(&x)?)))
}

fn dq_remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, x] = args.exact("remove")?;
    let n = dq_obj(&this)?;
    let items = dq_snapshot(&n)?;
    for (i, v) in items.iter().enumerate() {
        vm.tick()?;
        if v.is(&x) || vm.eq(v, &x)? {
            with_dq(&n, |d| {
                if i < d.items.len() {
                    d.items.remove(i);
                }
                d.state += 1;
            })?;
            return Ok(Value::None);
        }
    }
    Err(PyErr::value_error(format!("{} is not in deque", vm.repr(&x)?)))
}

fn dq_reverse(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("reverse")?;
    with_dq(&dq_obj(&this)?, |d| {
        d.items.make_contiguous().reverse();
        d.state += 1;
    })?;
    Ok(Value::None)
}

fn dq_insert(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, i, x] = args.exact("insert")?;
    let i = vm.index_of(&i)?;
    let full = with_dq(&dq_obj(&this)?, |d| {
        if d.maxlen.is_some_and(|m| d.items.len() >= m) {
            return true;
        }
        let len = d.items.len() as i64;
        let j = if i < 0 { (i + len).max(0) } else { i.min(len) };
        d.items.insert(j as usize, x);
        d.state += 1;
        false
    })?;
    if full {
        return Err(PyErr::index_error("deque already at its maximum size"));
    }
    Ok(Value::None)
}

fn dq_copy(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("copy")?;
    let n = dq_obj(&this)?;
    let (items, maxlen) = with_dq(&n, |d| (d.items.clone(), d.maxlen))?;
    Ok(make_deque(n.class.clone(), items, maxlen))
}

fn dq_deepcopy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, memo] = args.exact("__deepcopy__")?;
    let n = dq_obj(&this)?;
    let maxlen = with_dq(&n, |d| d.maxlen)?;
    let mut items = VecDeque::new();
    for v in dq_snapshot(&n)? {
        items.push_back(super::copy::deep_value(vm, &v, &memo)?);
    }
    Ok(make_deque(n.class.clone(), items, maxlen))
}

fn dq_len(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__len__")?;
    let n = with_dq(&dq_obj(&this)?, |d| d.items.len())?;
    Ok(Value::from(n))
}

fn dq_bool(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__bool__")?;
    let n = with_dq(&dq_obj(&this)?, |d| d.items.len())?;
    Ok(Value::Bool(n > 0))
}

fn dq_maxlen(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("maxlen")?;
    let m = with_dq(&dq_obj(&this)?, |d| d.maxlen)?;
    Ok(m.map(Value::from).unwrap_or(Value::None))
}

fn dq_position(vm: &mut Vm, n: &Rc<NativeObject>, key: &Value) -> PyResult<usize> {
    if matches!(key, Value::Slice(_)) {
        return Err(PyErr::type_error("sequence index must be integer, not 'slice'"));
    }
    let len = with_dq(n, |d| d.items.len())?;
    let i = match key {
        Value::Int(_) | Value::Bool(_) | Value::Instance(_) => vm.index_of(key)?,
        Value::BigInt(_) => return Err(PyErr::index_error("cannot fit 'int' into an index-sized integer")),
        other => {
            return Err(PyErr::type_error(format!(
                "sequence index must be integer, not '{}'",
                other.type_name()
            )))
        }
    };
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        return Err(PyErr::index_error("deque index out of range"));
    }
    Ok(j as usize)
}

fn dq_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__getitem__")?;
    let n = dq_obj(&this)?;
    let i = dq_position(vm, &n, &key)?;
    with_dq(&n, |d| d.items.get(i).cloned().unwrap_or(Value::None))
}

fn dq_setitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key, v] = args.exact("__setitem__")?;
    let n = dq_obj(&this)?;
    let i = dq_position(vm, &n, &key)?;
    with_dq(&n, |d| {
        if let Some(slot) = d.items.get_mut(i) {
            *slot = v;
        }
    })?;
    Ok(Value::None)
}

fn dq_delitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__delitem__")?;
    let n = dq_obj(&this)?;
    let i = dq_position(vm, &n, &key)?;
    with_dq(&n, |d| {
        d.items.remove(i);
        d.state += 1;
    })?;
    Ok(Value::None)
}

struct DequeIter {
    deque: Rc<NativeObject>,
    index: usize,
    state: u64,
    reverse: bool,
}

impl DynIterator for DequeIter {
    fn type_name(&self) -> &'static str {
        if self.reverse { "_collections._deque_reverse_iterator" } else { "_collections._deque_iterator" }
    }

    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let (index, state, reverse) = (self.index, self.state, self.reverse);
        let r = with_dq(&self.deque, |d| {
            if d.state != state {
                return Err(PyErr::runtime_error("deque mutated during iteration"));
            }
            let len = d.items.len();
            if index >= len {
                return Ok(None);
            }
            let i = if reverse { len - 1 - index } else { index };
            Ok(d.items.get(i).cloned())
        })??;
        if r.is_some() {
            self.index += 1;
        }
        Ok(r)
    }
}

fn dq_iter_impl(this: &Value, reverse: bool) -> PyResult<Value> {
    let n = dq_obj(this)?;
    let state = with_dq(&n, |d| d.state)?;
    Ok(dyn_iter(DequeIter { deque: n, index: 0, state, reverse }))
}

fn dq_iter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__iter__")?;
    dq_iter_impl(&this, false)
}

fn dq_reversed(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__reversed__")?;
    dq_iter_impl(&this, true)
}

fn dq_contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, x] = args.exact("__contains__")?;
    for v in dq_snapshot(&dq_obj(&this)?)? {
        vm.tick()?;
        if v.is(&x) || vm.eq(&v, &x)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn dq_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let n = dq_obj(&this)?;
    let id = this.identity();
    if vm.repr_stack.contains(&id) {
        return Ok(Value::str("[...]"));
    }
    let (items, maxlen) = with_dq(&n, |d| (d.items.iter().cloned().collect::<Vec<_>>(), d.maxlen))?;
    vm.repr_stack.push(id);
    let r = vm.repr(&Value::list(items));
    vm.repr_stack.pop();
    let r = r?;
    let name = &n.class.name;
    Ok(Value::string(match maxlen {
        Some(m) => format!("{name}({r}, maxlen={m})"),
        None => format!("{name}({r})"),
    }))
}

fn dq_compare(vm: &mut Vm, args: Args, op: CmpOp) -> PyResult<Value> {
    let [a, b] = args.exact("__eq__")?;
    let (Ok(x), Ok(y)) = (dq_obj(&a), dq_obj(&b)) else { return Ok(Value::NotImplemented) };
    let (x, y) = (Value::tuple(dq_snapshot(&x)?), Value::tuple(dq_snapshot(&y)?));
    Ok(Value::Bool(vm.compare_op(&x, &y, op)?))
}

fn dq_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dq_compare(vm, args, CmpOp::Eq)
}
fn dq_ne(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dq_compare(vm, args, CmpOp::NotEq)
}
fn dq_lt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dq_compare(vm, args, CmpOp::Lt)
}
fn dq_le(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dq_compare(vm, args, CmpOp::LtE)
}
fn dq_gt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dq_compare(vm, args, CmpOp::Gt)
}
fn dq_ge(vm: &mut Vm, args: Args) -> PyResult<Value> {
    dq_compare(vm, args, CmpOp::GtE)
}

fn dq_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("__add__")?;
    let x = dq_obj(&a)?;
    let Ok(y) = dq_obj(&b) else {
        return Err(PyErr::type_error(format!(
            "can only concatenate deque (not \"{}\") to deque",
            b.type_name()
        )));
    };
    let (items, maxlen) = with_dq(&x, |d| (d.items.clone(), d.maxlen))?;
    let r = make_deque(x.class.clone(), items, maxlen);
    let rn = dq_obj(&r)?;
    dq_extend_impl(vm, &rn, &Value::list(dq_snapshot(&y)?), false)?;
    Ok(r)
}

fn dq_iadd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("__iadd__")?;
    dq_extend_impl(vm, &dq_obj(&a)?, &b, false)?;
    Ok(a)
}

fn dq_mul(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("__mul__")?;
    let x = dq_obj(&a)?;
    let k = match &b {
        Value::Int(_) | Value::Bool(_) => vm.index_of(&b)?,
        _ => return Ok(Value::NotImplemented),
    };
    let (items, maxlen) = with_dq(&x, |d| (d.items.clone(), d.maxlen))?;
    vm.check_alloc(items.len() as u128 * k.max(0) as u128 * 16)?;
    let r = make_deque(x.class.clone(), VecDeque::new(), maxlen);
    let rn = dq_obj(&r)?;
    for _ in 0..k.max(0) {
        vm.tick()?;
        with_dq(&rn, |d| {
            for v in items.iter() {
                push(d, v.clone(), false);
            }
        })?;
    }
    Ok(r)
}

// ----- namedtuple -----

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {}
        _ => return false,
    }
    cs.all(unicode_ident::is_xid_continue)
}

fn namedtuple(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [typename, field_names, rename, defaults, module] =
        args.bind("namedtuple", ["typename", "field_names", "rename", "defaults", "module"], 0, 2)?;
    let typename = typename.unwrap_or(Value::None);
    let typename = vm.str(&typename)?;
    let field_names = field_names.unwrap_or(Value::None);
    let mut fields: Vec<String> = match &field_names {
        Value::Str(s) => s.as_str().replace(',', " ").split_whitespace().map(str::to_owned).collect(),
        other => {
            let items = vm.collect(other)?;
            let mut out = Vec::new();
            for it in items {
                out.push(vm.str(&it)?);
            }
            out
        }
    };
    let rename = match rename {
        Some(r) => vm.truthy(&r)?,
        None => false,
    };
    if rename {
        let mut seen: Vec<String> = Vec::new();
        for (i, name) in fields.iter_mut().enumerate() {
            if !is_identifier(name) || KEYWORDS.contains(&name.as_str()) || name.starts_with('_') || seen.contains(name) {
                *name = format!("_{i}");
            }
            seen.push(name.clone());
        }
    }
    for name in std::iter::once(&typename).chain(fields.iter()) {
        if !is_identifier(name) {
            return Err(PyErr::value_error(format!(
                "Type names and field names must be valid identifiers: {}",
                vm.repr(&Value::str(name))?
            )));
        }
        if KEYWORDS.contains(&name.as_str()) {
            return Err(PyErr::value_error(format!(
                "Type names and field names cannot be a keyword: {}",
                vm.repr(&Value::str(name))?
            )));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for name in &fields {
        if name.starts_with('_') && !rename {
            return Err(PyErr::value_error(format!(
                "Field names cannot start with an underscore: {}",
                vm.repr(&Value::str(name))?
            )));
        }
        if seen.contains(&name.as_str()) {
            return Err(PyErr::value_error(format!(
                "Encountered duplicate field name: {}",
                vm.repr(&Value::str(name))?
            )));
        }
        seen.push(name);
    }
    let defaults = match defaults {
        None | Some(Value::None) => Vec::new(),
        Some(d) => vm.collect(&d)?,
    };
    if defaults.len() > fields.len() {
        return Err(PyErr::type_error("Got more default values than field names"));
    }
    let module = match module {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        _ => "__main__".to_owned(),
    };
    let cls = make_namedtuple_class(vm, &typename, &fields, defaults, &module)?;
    Ok(Value::Class(cls))
}

/// Builds a namedtuple class (also used by functools for `CacheInfo`).
pub fn make_namedtuple_class(
    vm: &mut Vm,
    typename: &str,
    fields: &[String],
    defaults: Vec<Value>,
    module: &str,
) -> PyResult<Rc<Class>> {
    let field_values: Vec<Value> = fields.iter().map(|f| Value::str(f)).collect();
    let mut fd = PyDict::new();
    let skip = fields.len() - defaults.len();
    for (f, d) in field_values.iter().skip(skip).zip(defaults) {
        fd.insert_simple(f.clone(), d);
    }
    let mut extra: Vec<(&str, Value)> = vec![
        ("__new__", static_method(typename, "__new__", nt_new)),
        ("_make", class_method(typename, "_make", nt_make)),
        ("_fields", Value::tuple(field_values.clone())),
        ("__match_args__", Value::tuple(field_values.clone())),
        ("_field_defaults", Value::dict(fd)),
        ("__slots__", Value::empty_tuple()),
        ("__doc__", Value::string(format!("{typename}({})", fields.join(", ")))),
    ];
    for (i, f) in fields.iter().enumerate() {
        let getter = with_data(f, nt_field, Value::from(i));
        extra.push((f.as_str(), Value::Property(Rc::new(Property { fget: Some(getter), fset: None, fdel: None, doc: None }))));
    }
    let tuple = vm.types.tuple.clone();
    new_class(
        vm,
        typename,
        module,
        vec![tuple],
        &[
            ("__repr__", nt_repr),
            ("__str__", nt_repr),
            ("_asdict", nt_asdict),
            ("_replace", nt_replace),
            ("__getnewargs__", nt_getnewargs),
            ("__setattr__", nt_setattr),
            ("__delattr__", nt_delattr),
        ],
        extra,
    )
}

/// What a write or deletion of `name` on a namedtuple instance meets, as CPython:
/// a field (a read-only `_tuplegetter`), no `__dict__` when every class from the
/// instance's down to the namedtuple has `__slots__`, or the ordinary path.
enum NtAttr {
    Field,
    NoDict,
    Plain(Rc<Instance>),
}

fn nt_attr_kind(vm: &Vm, this: &Value, name: &str) -> NtAttr {
    let Value::Instance(inst) = this else { return NtAttr::NoDict };
    let cls = vm.type_of(this);
    let is_nt = |c: &Rc<Class>| {
        matches!(c.dict.borrow().get("__setattr__"), Some(Value::Builtin(b)) if b.func as usize == nt_setattr as NativeFn as usize)
    };
    let owner = cls.mro_with_self().find(|c| c.dict.borrow().get(name).is_some());
    if let Some(o) = &owner {
        if is_nt(o) && matches!(o.dict.borrow().get(name), Some(Value::Property(_))) {
            return NtAttr::Field;
        }
        if matches!(o.dict.borrow().get(name), Some(Value::Property(_))) {
            return NtAttr::Plain(inst.clone());
        }
    }
    for c in cls.mro_with_self() {
        if is_nt(&c) {
            return NtAttr::NoDict;
        }
        if c.dict.borrow().get("__slots__").is_none() {
            break;
        }
    }
    NtAttr::Plain(inst.clone())
}

fn nt_setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, name, v] = args.exact("__setattr__")?;
    let n = crate::builtins::object_methods::written_name(vm, &this, &name)?;
    match nt_attr_kind(vm, &this, &n) {
        NtAttr::Field => Err(PyErr::attribute_error("can't set attribute")),
        NtAttr::NoDict => Err(PyErr::attribute_error(format!("'{}' object has no attribute '{n}'", this.type_name()))),
        NtAttr::Plain(inst) => {
            vm.object_setattr(&this, &inst, &n, v)?;
            Ok(Value::None)
        }
    }
}

fn nt_delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, name] = args.exact("__delattr__")?;
    let n = crate::builtins::object_methods::written_name(vm, &this, &name)?;
    match nt_attr_kind(vm, &this, &n) {
        NtAttr::Field => Err(PyErr::attribute_error("can't delete attribute")),
        NtAttr::NoDict => Err(PyErr::attribute_error(format!("'{}' object has no attribute '{n}'", this.type_name()))),
        NtAttr::Plain(inst) => {
            vm.object_delattr(&this, &inst, &n)?;
            Ok(Value::None)
        }
    }
}

fn nt_field(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [idx, this] = args.exact("field")?;
    let i = idx.as_int().unwrap_or(0) as usize;
    match tuple_of(&this) {
        Some(t) => t.get(i).cloned().ok_or_else(|| PyErr::index_error("tuple index out of range")),
        None => Err(PyErr::type_error(format!(
            "descriptor for index '{i}' for tuple subclasses doesn't apply to '{}' object",
            this.type_name()
        ))),
    }
}

fn nt_fields(cls: &Class) -> Vec<Rc<str>> {
    match cls.lookup("_fields") {
        Some(Value::Tuple(t)) => t.iter().filter_map(|v| v.as_pystr().map(|s| Rc::from(s.as_str()))).collect(),
        _ => Vec::new(),
    }
}

fn nt_instance(cls: &Rc<Class>, items: Vec<Value>) -> Value {
    let inst = Instance::new(cls.clone());
    *inst.base.borrow_mut() = Some(Value::tuple(items));
    Value::Instance(Rc::new(inst))
}

fn nt_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let cls = match pos.next() {
        Some(Value::Class(c)) => c,
        _ => return Err(PyErr::type_error("__new__(X): X is not a type object")),
    };
    let fields = nt_fields(&cls);
    let defaults = match cls.lookup("_field_defaults") {
        Some(Value::Dict(d)) => d.borrow().clone(),
        _ => PyDict::new(),
    };
    let fname = format!("{}.__new__", cls.name);
    let given: Vec<Value> = pos.collect();
    let n = fields.len();
    if given.len() > n {
        let ndef = defaults.len();
        let takes = if ndef > 0 {
            format!("from {} to {} positional arguments", n - ndef + 1, n + 1)
        } else {
            format!("{} positional argument{}", n + 1, if n == 0 { "" } else { "s" })
        };
        return Err(PyErr::type_error(format!(
            "{fname}() takes {takes} but {} {} given",
            given.len() + 1,
            if given.len() + 1 == 1 { "was" } else { "were" }
        )));
    }
    let mut slots: Vec<Option<Value>> = vec![None; n];
    for (slot, v) in slots.iter_mut().zip(given) {
        *slot = Some(v);
    }
    for (k, v) in args.kw {
        match fields.iter().position(|f| **f == *k) {
            Some(i) => {
                if slots[i].is_some() {
                    return Err(PyErr::type_error(format!("{fname}() got multiple values for argument '{k}'")));
                }
                slots[i] = Some(v);
            }
            None => return Err(PyErr::type_error(format!("{fname}() got an unexpected keyword argument '{k}'"))),
        }
    }
    let mut missing = Vec::new();
    let mut items = Vec::with_capacity(n);
    for (i, slot) in slots.into_iter().enumerate() {
        match slot {
            Some(v) => items.push(v),
            None => match defaults.get_str(&fields[i]) {
                Some(d) => items.push(d.clone()),
                None => {
                    missing.push(format!("'{}'", fields[i]));
                    items.push(Value::None);
                }
            },
        }
    }
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            _ => format!("{}, and {}", missing[..missing.len() - 1].join(", "), missing[missing.len() - 1]),
        };
        return Err(PyErr::type_error(format!(
            "{fname}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(nt_instance(&cls, items))
}

fn nt_make(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [cls, iterable] = args.exact("_make")?;
    let Value::Class(cls) = cls else { return Err(PyErr::type_error("_make() needs a class")) };
    let items = vm.collect(&iterable)?;
    let n = nt_fields(&cls).len();
    if items.len() != n {
        return Err(PyErr::type_error(format!("Expected {n} arguments, got {}", items.len())));
    }
    Ok(nt_instance(&cls, items))
}

fn nt_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let cls = vm.type_of(&this);
    let fields = nt_fields(&cls);
    let items = tuple_of(&this).unwrap_or_else(|| crate::values::tuple_ref(Vec::new()));
    let id = this.identity();
    if vm.repr_stack.contains(&id) {
        return Ok(Value::str("..."));
    }
    vm.repr_stack.push(id);
    let mut parts = Vec::new();
    let mut err = None;
    for (f, v) in fields.iter().zip(items.iter()) {
        match vm.repr(v) {
            Ok(r) => parts.push(format!("{f}={r}")),
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    vm.repr_stack.pop();
    if let Some(e) = err {
        return Err(e);
    }
    Ok(Value::string(format!("{}({})", cls.name, parts.join(", "))))
}

fn nt_asdict(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("_asdict")?;
    let cls = match &this {
        Value::Instance(i) => i.class.clone(),
        _ => return Err(PyErr::type_error("_asdict() needs a namedtuple")),
    };
    let fields = nt_fields(&cls);
    let items = tuple_of(&this).unwrap_or_else(|| crate::values::tuple_ref(Vec::new()));
    let mut d = PyDict::new();
    for (f, v) in fields.iter().zip(items.iter()) {
        d.insert_simple(Value::str(f), v.clone());
    }
    Ok(Value::dict(d))
}

fn nt_replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() != 1 {
        return Err(PyErr::type_error(format!(
            "_replace() takes 1 positional argument but {} were given",
            args.pos.len()
        )));
    }
    let this = args.pos[0].clone();
    let cls = vm.type_of(&this);
    let fields = nt_fields(&cls);
    let mut items = tuple_of(&this).map(|t| t.to_vec()).unwrap_or_default();
    let mut unknown = Vec::new();
    for (k, v) in args.kw {
        match fields.iter().position(|f| **f == *k) {
            Some(i) if i < items.len() => items[i] = v,
            _ => unknown.push(Value::str(&k)),
        }
    }
    if !unknown.is_empty() {
        return Err(PyErr::value_error(format!("Got unexpected field names: {}", vm.repr(&Value::list(unknown))?)));
    }
    Ok(nt_instance(&cls, items))
}

fn nt_getnewargs(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__getnewargs__")?;
    Ok(tuple_of(&this).map(Value::Tuple).unwrap_or_else(Value::empty_tuple))
}

// ----- ChainMap -----

fn cm_maps(vm: &mut Vm, this: &Value) -> PyResult<Vec<Value>> {
    let maps = vm.getattr(this, "maps")?;
    vm.collect(&maps)
}

fn cm_init(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("ChainMap")?;
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let mut maps: Vec<Value> = pos.collect();
    if maps.is_empty() {
        maps.push(Value::dict(PyDict::new()));
    }
    if let Value::Instance(i) = &this {
        i.attrs.borrow_mut().insert("maps".into(), Value::list(maps));
    }
    Ok(Value::None)
}

fn cm_lookup(vm: &mut Vm, this: &Value, key: &Value) -> PyResult<Option<Value>> {
    for m in cm_maps(vm, this)? {
        match vm.getitem(&m, key) {
            Ok(v) => return Ok(Some(v)),
            Err(e) if vm.err_is(&e, ExcKind::KeyError) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

fn cm_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__getitem__")?;
    match cm_lookup(vm, &this, &key)? {
        Some(v) => Ok(v),
        None => match vm.type_of(&this).lookup("__missing__") {
            Some(m) => vm.call(&m, Args::new([this, key])),
            None => Err(PyErr::key_error(key)),
        },
    }
}

fn cm_get(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key, default] = args.bind("get", ["self", "key", "default"], 3, 2)?;
    let (this, key) = (this.unwrap_or(Value::None), key.unwrap_or(Value::None));
    if cm_contains_impl(vm, &this, &key)? {
        return vm.getitem(&this, &key);
    }
    Ok(default.unwrap_or(Value::None))
}

fn cm_contains_impl(vm: &mut Vm, this: &Value, key: &Value) -> PyResult<bool> {
    for m in cm_maps(vm, this)? {
        if vm.contains(&m, key)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn cm_contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__contains__")?;
    Ok(Value::Bool(cm_contains_impl(vm, &this, &key)?))
}

fn cm_setitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key, v] = args.exact("__setitem__")?;
    let maps = cm_maps(vm, &this)?;
    let first = maps.first().cloned().ok_or_else(|| PyErr::index_error("list index out of range"))?;
    vm.setitem(&first, key, v)?;
    Ok(Value::None)
}

fn cm_delitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, key] = args.exact("__delitem__")?;
    let maps = cm_maps(vm, &this)?;
    let first = maps.first().cloned().ok_or_else(|| PyErr::index_error("list index out of range"))?;
    match vm.delitem(&first, &key) {
        Ok(()) => Ok(Value::None),
        Err(e) if vm.err_is(&e, ExcKind::KeyError) => {
            Err(PyErr::key_error(Value::string(format!("Key not found in the first mapping: {}", vm.repr(&key)?))))
        }
        Err(e) => Err(e),
    }
}

/// The keys of a ChainMap in CPython's order: later maps first, each key once.
fn cm_key_list(vm: &mut Vm, this: &Value) -> PyResult<Vec<Value>> {
    let d = Rc::new(RefCell::new(PyDict::new()));
    for m in cm_maps(vm, this)?.into_iter().rev() {
        for k in vm.collect(&m)? {
            vm.tick()?;
            vm.dict_set(&d, k, Value::None)?;
        }
    }
    let keys: Vec<Value> = d.borrow().keys().cloned().collect();
    Ok(keys)
}

fn cm_len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__len__")?;
    Ok(Value::from(cm_key_list(vm, &this)?.len()))
}

fn cm_iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__iter__")?;
    let keys = cm_key_list(vm, &this)?;
    vm.iter(&Value::list(keys))
}

fn cm_keys(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("keys")?;
    Ok(Value::list(cm_key_list(vm, &this)?))
}

fn cm_values(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("values")?;
    let mut out = Vec::new();
    for k in cm_key_list(vm, &this)? {
        out.push(vm.getitem(&this, &k)?);
    }
    Ok(Value::list(out))
}

fn cm_items(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("items")?;
    let mut out = Vec::new();
    for k in cm_key_list(vm, &this)? {
        let v = vm.getitem(&this, &k)?;
        out.push(Value::tuple(vec![k, v]));
    }
    Ok(Value::list(out))
}

fn cm_bool(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__bool__")?;
    for m in cm_maps(vm, &this)? {
        if vm.truthy(&m)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn cm_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let id = this.identity();
    if vm.repr_stack.contains(&id) {
        return Ok(Value::str("..."));
    }
    let maps = cm_maps(vm, &this)?;
    vm.repr_stack.push(id);
    let mut parts = Vec::new();
    let mut err = None;
    for m in &maps {
        match vm.repr(m) {
            Ok(r) => parts.push(r),
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    vm.repr_stack.pop();
    if let Some(e) = err {
        return Err(e);
    }
    Ok(Value::string(format!("{}({})", class_name(vm, &this), parts.join(", "))))
}

fn cm_new_child(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let m = pos.next().filter(|m| !m.is_none());
    let m = match m {
        None => {
            let mut d = PyDict::new();
            for (k, v) in args.kw {
                d.insert_simple(Value::str(&k), v);
            }
            Value::dict(d)
        }
        Some(m) => {
            if !args.kw.is_empty() {
                let upd = vm.getattr(&m, "update")?;
                vm.call(&upd, Args { pos: Default::default(), kw: args.kw })?;
            }
            m
        }
    };
    let mut maps = vec![m];
    maps.extend(cm_maps(vm, &this)?);
    let cls = vm.type_of(&this);
    vm.call(&Value::Class(cls), Args::new(maps))
}

fn cm_parents(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("parents")?;
    let maps = cm_maps(vm, &this)?;
    let cls = vm.type_of(&this);
    vm.call(&Value::Class(cls), Args::new(maps.into_iter().skip(1)))
}

fn cm_copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("copy")?;
    let mut maps = cm_maps(vm, &this)?;
    if let Some(first) = maps.first().cloned() {
        let c = vm.getattr(&first, "copy")?;
        maps[0] = vm.call0(&c)?;
    }
    let cls = vm.type_of(&this);
    vm.call(&Value::Class(cls), Args::new(maps))
}

fn cm_pop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let rest: Vec<Value> = pos.collect();
    let maps = cm_maps(vm, &this)?;
    let first = maps.first().cloned().ok_or_else(|| PyErr::index_error("list index out of range"))?;
    let pop = vm.getattr(&first, "pop")?;
    let key = rest.first().cloned().unwrap_or(Value::None);
    match vm.call(&pop, Args::new(rest)) {
        Err(e) if vm.err_is(&e, ExcKind::KeyError) => {
            Err(PyErr::key_error(Value::string(format!("Key not found in the first mapping: {}", vm.repr(&key)?))))
        }
        other => other,
    }
}

fn cm_clear(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("clear")?;
    let maps = cm_maps(vm, &this)?;
    if let Some(first) = maps.first() {
        let c = vm.getattr(first, "clear")?;
        vm.call0(&c)?;
    }
    Ok(Value::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("x"));
        assert!(is_identifier("_a1"));
        assert!(!is_identifier("1a"));
        assert!(!is_identifier("a-b"));
        assert!(!is_identifier(""));
    }
}
