//! Methods of `set` and `frozenset`, and the set algebra the operators share.
//!
//! Programs print sets, and a set prints in its table's slot order, so every result
//! here is built the way CPython 3.11's setobject.c builds it: `union` copies self
//! then merges the others, `intersection` walks the smaller set, `difference` picks
//! between filtering and copy-then-discard by size, `symmetric_difference` starts
//! from the other operand. Changing an algorithm here changes printed output.
//!
//! A set being changed is taken out of its `RefCell` for the duration (and always
//! put back), so a user `__eq__`/`__hash__` that touches it finds it empty instead
//! of hitting a held borrow: this file must never hold a borrow across a call.

use std::cell::RefCell;
use std::rc::Rc;

use super::list_methods::{base_of, descriptor_error, take_self};
use super::types::{defer_methods, Types};
use crate::syntax::ast::BinOp;
use crate::values::*;
use crate::vm::Vm;

pub fn register(t: &Types) {
    defer_methods(&t.set, &t.object, |m| m.add(SET));
    defer_methods(&t.frozenset, &t.object, |m| m.add(FROZENSET));
}

const SET: &[(&str, NativeFn)] = &[
        ("add", set_add),
        ("remove", set_remove),
        ("discard", set_discard),
        ("pop", set_pop),
        ("clear", set_clear),
        ("copy", set_copy),
        ("update", set_update),
        ("union", set_union),
        ("intersection", set_intersection),
        ("intersection_update", set_intersection_update),
        ("difference", set_difference),
        ("difference_update", set_difference_update),
        ("symmetric_difference", set_symmetric_difference),
        ("symmetric_difference_update", set_symmetric_difference_update),
        ("issubset", set_issubset),
        ("issuperset", set_issuperset),
        ("isdisjoint", set_isdisjoint),
        ("__init__", set_init),
        ("__ior__", set_ior),
        ("__iand__", set_iand),
        ("__isub__", set_isub),
        ("__ixor__", set_ixor),
];

const FROZENSET: &[(&str, NativeFn)] = &[
        ("copy", frozenset_copy),
        ("union", frozenset_union),
        ("intersection", frozenset_intersection),
        ("difference", frozenset_difference),
        ("symmetric_difference", frozenset_symmetric_difference),
        ("issubset", frozenset_issubset),
        ("issuperset", frozenset_issuperset),
        ("isdisjoint", frozenset_isdisjoint),
];

// ----- the algorithms of setobject.c, on owned tables -----

/// How CPython classifies the other operand of a set operation.
enum Operand {
    /// A set or frozenset (subclasses included): a snapshot of its table.
    Set(PySet),
    /// An exact dict: its keys, walked with the table pre-sized.
    Dict(Rc<RefCell<PyDict>>),
    /// Anything else: iterated.
    Iterable(Value),
}

fn operand(v: &Value) -> Operand {
    match base_of(v) {
        Value::Set(s) => Operand::Set(s.borrow().clone()),
        Value::FrozenSet(s) => Operand::Set((*s).clone()),
        Value::Dict(d) if matches!(v, Value::Dict(_)) => Operand::Dict(d),
        _ => Operand::Iterable(v.clone()),
    }
}

/// A snapshot of the table behind a set-like value, if it is one.
pub(crate) fn set_snapshot(v: &Value) -> Option<PySet> {
    match base_of(v) {
        Value::Set(s) => Some(s.borrow().clone()),
        Value::FrozenSet(s) => Some((*s).clone()),
        _ => None,
    }
}

fn contains(vm: &mut Vm, s: &PySet, k: &Value) -> PyResult<bool> {
    Ok(vm.set_find(s, k)?.is_some())
}

/// `set_discard_entry`: true when the key was there.
fn discard(vm: &mut Vm, s: &mut PySet, k: &Value) -> PyResult<bool> {
    match vm.set_find(s, k)? {
        Some(slot) => Ok(s.remove_at(slot).is_some()),
        None => Ok(false),
    }
}

/// `set_merge`.
fn merge(vm: &mut Vm, so: &mut PySet, other: &PySet) -> PyResult<()> {
    if other.is_empty() || so.merge_into_pristine(other) {
        return Ok(());
    }
    so.reserve_for_merge(other.len());
    for k in other.iter() {
        vm.tick()?;
        vm.set_add(so, k.clone())?;
    }
    Ok(())
}

/// `set_update_internal`: adds every key of `other` (the caller has ruled out
/// `other` being `so` itself).
pub(crate) fn update_internal(vm: &mut Vm, so: &mut PySet, other: &Value) -> PyResult<()> {
    match operand(other) {
        Operand::Set(o) => merge(vm, so, &o),
        Operand::Dict(d) => {
            let keys: Vec<Value> = d.borrow().keys().cloned().collect();
            so.reserve_for_merge(keys.len());
            for k in keys {
                vm.tick()?;
                vm.set_add(so, k)?;
            }
            Ok(())
        }
        Operand::Iterable(v) => {
            let it = vm.iter(&v)?;
            while let Some(k) = vm.next(&it)? {
                vm.tick()?;
                vm.set_add(so, k)?;
            }
            Ok(())
        }
    }
}

/// `make_new_set(type, iterable)`.
pub(crate) fn new_set_from(vm: &mut Vm, other: &Value) -> PyResult<PySet> {
    let mut s = PySet::new();
    update_internal(vm, &mut s, other)?;
    Ok(s)
}

fn copy_of(so: &PySet) -> PySet {
    let mut s = PySet::new();
    s.merge_into_pristine(so);
    s
}

/// `set_intersection`.
fn intersection(vm: &mut Vm, so: &PySet, other: &Value, other_is_so: bool) -> PyResult<PySet> {
    if other_is_so {
        return Ok(copy_of(so));
    }
    let mut result = PySet::new();
    match operand(other) {
        Operand::Set(o) => {
            let (walk, probe) = if o.len() > so.len() { (so, &o) } else { (&o, so) };
            for k in walk.iter() {
                vm.tick()?;
                if contains(vm, probe, k)? {
                    vm.set_add(&mut result, k.clone())?;
                }
            }
        }
        Operand::Dict(_) | Operand::Iterable(_) => {
            let it = vm.iter(other)?;
            while let Some(k) = vm.next(&it)? {
                vm.tick()?;
                if contains(vm, so, &k)? {
                    vm.set_add(&mut result, k)?;
                    // CPython stops once every key of `so` was found.
                    if result.len() >= so.len() {
                        break;
                    }
                }
            }
        }
    }
    Ok(result)
}

/// `set_difference_update_internal`.
fn difference_update_internal(vm: &mut Vm, so: &mut PySet, other: &Value, other_is_so: bool) -> PyResult<()> {
    if other_is_so {
        so.clear();
        return Ok(());
    }
    match operand(other) {
        Operand::Set(o) => {
            let o = if (o.len() >> 3) > so.len() {
                intersection(vm, so, &Value::FrozenSet(Rc::new(o)), false)?
            } else {
                o
            };
            for k in o.iter() {
                vm.tick()?;
                discard(vm, so, k)?;
            }
        }
        Operand::Dict(_) | Operand::Iterable(_) => {
            let it = vm.iter(other)?;
            while let Some(k) = vm.next(&it)? {
                vm.tick()?;
                discard(vm, so, &k)?;
            }
        }
    }
    so.shrink_dummies();
    Ok(())
}

/// `set_difference`.
fn difference(vm: &mut Vm, so: &PySet, other: &Value, other_is_so: bool) -> PyResult<PySet> {
    let op = operand(other);
    let other_len = match &op {
        Operand::Set(o) => o.len(),
        Operand::Dict(d) => d.borrow().len(),
        Operand::Iterable(_) => usize::MAX,
    };
    if other_len == usize::MAX || other_is_so || (so.len() >> 2) > other_len {
        let mut r = copy_of(so);
        difference_update_internal(vm, &mut r, other, other_is_so)?;
        return Ok(r);
    }
    let mut result = PySet::new();
    for k in so.iter() {
        vm.tick()?;
        let present = match &op {
            Operand::Set(o) => contains(vm, o, k)?,
            Operand::Dict(d) => vm.dict_get(d, k)?.is_some(),
            Operand::Iterable(_) => false,
        };
        if !present {
            vm.set_add(&mut result, k.clone())?;
        }
    }
    Ok(result)
}

/// `set_symmetric_difference_update` (the caller handles `other is so`).
fn symmetric_difference_update(vm: &mut Vm, so: &mut PySet, other: &Value) -> PyResult<()> {
    let keys: Vec<Value> = match operand(other) {
        Operand::Dict(d) => d.borrow().keys().cloned().collect(),
        Operand::Set(o) => o.snapshot(),
        Operand::Iterable(v) => new_set_from(vm, &v)?.snapshot(),
    };
    for k in keys {
        vm.tick()?;
        if !discard(vm, so, &k)? {
            vm.set_add(so, k)?;
        }
    }
    Ok(())
}

/// `set_symmetric_difference`: a new set from `other`, then `so`'s keys toggled in.
fn symmetric_difference(vm: &mut Vm, so: &PySet, other: &Value) -> PyResult<PySet> {
    let mut result = new_set_from(vm, other)?;
    symmetric_difference_update(vm, &mut result, &Value::FrozenSet(Rc::new(so.clone())))?;
    Ok(result)
}

fn issubset(vm: &mut Vm, so: &PySet, other: &Value) -> PyResult<bool> {
    let o = match set_snapshot(other) {
        Some(o) => o,
        None => new_set_from(vm, other)?,
    };
    if so.len() > o.len() {
        return Ok(false);
    }
    for k in so.iter() {
        vm.tick()?;
        if !contains(vm, &o, k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn issuperset(vm: &mut Vm, so: &PySet, other: &Value) -> PyResult<bool> {
    if let Some(o) = set_snapshot(other) {
        return issubset(vm, &o, &Value::FrozenSet(Rc::new(so.clone())));
    }
    let it = vm.iter(other)?;
    while let Some(k) = vm.next(&it)? {
        vm.tick()?;
        if !contains(vm, so, &k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn isdisjoint(vm: &mut Vm, so: &PySet, other: &Value, other_is_so: bool) -> PyResult<bool> {
    if other_is_so {
        return Ok(so.is_empty());
    }
    if let Some(o) = set_snapshot(other) {
        let (walk, probe) = if o.len() > so.len() { (so, &o) } else { (&o, so) };
        for k in walk.iter() {
            vm.tick()?;
            if contains(vm, probe, k)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    let it = vm.iter(other)?;
    while let Some(k) = vm.next(&it)? {
        vm.tick()?;
        if contains(vm, so, &k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

// ----- the operators, for the machine -----

/// `a | b`, `a & b`, `a - b`, `a ^ b` with both operands sets or frozensets; the
/// result has the left operand's kind.
pub(crate) fn set_binary(vm: &mut Vm, a: &Value, b: &Value, op: BinOp) -> PyResult<Value> {
    let frozen = matches!(base_of(a), Value::FrozenSet(_));
    let so = set_snapshot(a).unwrap_or_default();
    let same = same_set(a, b);
    let r = match op {
        BinOp::BitOr => {
            let mut r = copy_of(&so);
            if !same {
                update_internal(vm, &mut r, b)?;
            }
            r
        }
        BinOp::BitAnd => intersection(vm, &so, b, same)?,
        BinOp::Sub => difference(vm, &so, b, same)?,
        _ => symmetric_difference(vm, &so, b)?,
    };
    Ok(wrap(r, frozen))
}

/// `s |= t` and friends on a set, in place, as CPython's `set_ior`... do.
pub(crate) fn set_inplace(vm: &mut Vm, s: &Rc<RefCell<PySet>>, b: &Value, op: BinOp) -> PyResult<()> {
    let same = match base_of(b) {
        Value::Set(o) => Rc::ptr_eq(s, &o),
        _ => false,
    };
    with_set(vm, s, |vm, so| match op {
        BinOp::BitOr => {
            if !same {
                update_internal(vm, so, b)?;
            }
            Ok(())
        }
        BinOp::BitAnd => {
            *so = intersection(vm, so, b, same)?;
            Ok(())
        }
        BinOp::Sub => difference_update_internal(vm, so, b, same),
        _ => {
            if same {
                so.clear();
                Ok(())
            } else {
                symmetric_difference_update(vm, so, b)
            }
        }
    })
}

// ----- receivers and results -----

fn wrap(s: PySet, frozen: bool) -> Value {
    if frozen {
        Value::FrozenSet(Rc::new(s))
    } else {
        Value::Set(Rc::new(RefCell::new(s)))
    }
}

/// True when `a` and `b` are the same set object (`s.update(s)`).
fn same_set(a: &Value, b: &Value) -> bool {
    a.is(b) || base_of(a).is(&base_of(b))
}

/// Runs `f` on the set's table taken out of its cell, and puts it back however
/// `f` ends.
fn with_set<R>(vm: &mut Vm, s: &Rc<RefCell<PySet>>, f: impl FnOnce(&mut Vm, &mut PySet) -> PyResult<R>) -> PyResult<R> {
    let mut table = std::mem::take(&mut *s.borrow_mut());
    let r = f(vm, &mut table);
    *s.borrow_mut() = table;
    r
}

/// `self` of a `set` method: the set itself and the receiver as given.
fn mut_self(args: &mut Args, method: &str) -> PyResult<(Rc<RefCell<PySet>>, Value)> {
    let me = take_self(args, "set", method)?;
    match base_of(&me) {
        Value::Set(s) => Ok((s, me)),
        _ => Err(descriptor_error(method, "set", &me)),
    }
}

/// `self` of a method both kinds share: a snapshot of the table, and the receiver.
fn any_self(args: &mut Args, owner: &str, method: &str) -> PyResult<(PySet, Value)> {
    let me = take_self(args, owner, method)?;
    let ok = matches!((owner, base_of(&me)), ("set", Value::Set(_)) | ("frozenset", Value::FrozenSet(_)));
    if !ok {
        return Err(descriptor_error(method, owner, &me));
    }
    Ok((set_snapshot(&me).unwrap_or_default(), me))
}

/// A set passed as a key to `remove`/`discard` stands for the equal frozenset.
fn key_arg(k: Value) -> Value {
    match k {
        Value::Set(s) => Value::FrozenSet(Rc::new(s.borrow().clone())),
        other => other,
    }
}

fn positional(args: &Args, fname: &str) -> PyResult<()> {
    args.no_kwargs(fname)
}

// ----- set only -----

fn set_add(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = mut_self(&mut args, "add")?;
    let [k] = args.exact("set.add")?;
    with_set(vm, &s, |vm, t| vm.set_add(t, k))?;
    Ok(Value::None)
}

fn set_remove(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = mut_self(&mut args, "remove")?;
    let [k] = args.exact("set.remove")?;
    let probe = key_arg(k.clone());
    if with_set(vm, &s, |vm, t| discard(vm, t, &probe))? {
        Ok(Value::None)
    } else {
        Err(PyErr::key_error(k))
    }
}

fn set_discard(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = mut_self(&mut args, "discard")?;
    let [k] = args.exact("set.discard")?;
    let probe = key_arg(k);
    with_set(vm, &s, |vm, t| discard(vm, t, &probe))?;
    Ok(Value::None)
}

fn set_pop(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = mut_self(&mut args, "pop")?;
    let [] = args.exact("set.pop")?;
    let v = s.borrow_mut().pop_first();
    v.ok_or_else(|| PyErr::key_error(Value::str("pop from an empty set")))
}

fn set_clear(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = mut_self(&mut args, "clear")?;
    let [] = args.exact("set.clear")?;
    s.borrow_mut().clear();
    Ok(Value::None)
}

fn set_update(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, me) = mut_self(&mut args, "update")?;
    positional(&args, "set.update")?;
    for other in args.pos {
        if same_set(&me, &other) {
            continue;
        }
        with_set(vm, &s, |vm, t| update_internal(vm, t, &other))?;
    }
    Ok(Value::None)
}

fn set_intersection_update(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, me) = mut_self(&mut args, "intersection_update")?;
    positional(&args, "set.intersection_update")?;
    let r = intersection_multi(vm, s.borrow().clone(), &me, &args.pos)?;
    *s.borrow_mut() = r;
    Ok(Value::None)
}

fn set_difference_update(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, me) = mut_self(&mut args, "difference_update")?;
    positional(&args, "set.difference_update")?;
    for other in args.pos {
        let same = same_set(&me, &other);
        with_set(vm, &s, |vm, t| difference_update_internal(vm, t, &other, same))?;
    }
    Ok(Value::None)
}

fn set_symmetric_difference_update(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, me) = mut_self(&mut args, "symmetric_difference_update")?;
    let [other] = args.exact("set.symmetric_difference_update")?;
    if same_set(&me, &other) {
        s.borrow_mut().clear();
        return Ok(Value::None);
    }
    with_set(vm, &s, |vm, t| symmetric_difference_update(vm, t, &other))?;
    Ok(Value::None)
}

fn set_init(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let (s, _) = mut_self(&mut args, "__init__")?;
    if !args.kw.is_empty() {
        return Err(PyErr::type_error("set() takes no keyword arguments"));
    }
    if args.pos.len() > 1 {
        return Err(PyErr::type_error(format!("set expected at most 1 argument, got {}", args.pos.len())));
    }
    s.borrow_mut().clear();
    if let Some(it) = args.pos.first() {
        let fresh = new_set_from(vm, it)?;
        *s.borrow_mut() = fresh;
    }
    Ok(Value::None)
}

fn inplace(vm: &mut Vm, mut args: Args, name: &str, op: BinOp) -> PyResult<Value> {
    let (s, me) = mut_self(&mut args, name)?;
    let [other] = args.exact(name)?;
    if set_snapshot(&other).is_none() {
        return Ok(Value::NotImplemented);
    }
    set_inplace(vm, &s, &other, op)?;
    Ok(me)
}

fn set_ior(vm: &mut Vm, args: Args) -> PyResult<Value> {
    inplace(vm, args, "__ior__", BinOp::BitOr)
}

fn set_iand(vm: &mut Vm, args: Args) -> PyResult<Value> {
    inplace(vm, args, "__iand__", BinOp::BitAnd)
}

fn set_isub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    inplace(vm, args, "__isub__", BinOp::Sub)
}

fn set_ixor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    inplace(vm, args, "__ixor__", BinOp::BitXor)
}

// ----- shared by set and frozenset -----

fn intersection_multi(vm: &mut Vm, so: PySet, me: &Value, others: &[Value]) -> PyResult<PySet> {
    if others.is_empty() {
        return Ok(copy_of(&so));
    }
    let mut result = so;
    for (i, other) in others.iter().enumerate() {
        // Only the first round compares against the receiver itself.
        let same = i == 0 && same_set(me, other);
        result = intersection(vm, &result, other, same)?;
    }
    Ok(result)
}

fn copy_impl(mut args: Args, owner: &str) -> PyResult<Value> {
    let (so, me) = any_self(&mut args, owner, "copy")?;
    let [] = args.exact(&format!("{owner}.copy"))?;
    if owner == "frozenset" && matches!(me, Value::FrozenSet(_)) {
        return Ok(me);
    }
    Ok(wrap(copy_of(&so), owner == "frozenset"))
}

fn union_impl(vm: &mut Vm, mut args: Args, owner: &str) -> PyResult<Value> {
    let (so, me) = any_self(&mut args, owner, "union")?;
    positional(&args, &format!("{owner}.union"))?;
    let mut r = copy_of(&so);
    for other in &args.pos {
        if same_set(&me, other) {
            continue;
        }
        update_internal(vm, &mut r, other)?;
    }
    Ok(wrap(r, owner == "frozenset"))
}

fn intersection_impl(vm: &mut Vm, mut args: Args, owner: &str) -> PyResult<Value> {
    let (so, me) = any_self(&mut args, owner, "intersection")?;
    positional(&args, &format!("{owner}.intersection"))?;
    let r = intersection_multi(vm, so, &me, &args.pos)?;
    Ok(wrap(r, owner == "frozenset"))
}

fn difference_impl(vm: &mut Vm, mut args: Args, owner: &str) -> PyResult<Value> {
    let (so, me) = any_self(&mut args, owner, "difference")?;
    positional(&args, &format!("{owner}.difference"))?;
    let mut others = args.pos.into_iter();
    let r = match others.next() {
        None => copy_of(&so),
        Some(first) => {
            let same = same_set(&me, &first);
            let mut r = difference(vm, &so, &first, same)?;
            for other in others {
                difference_update_internal(vm, &mut r, &other, false)?;
            }
            r
        }
    };
    Ok(wrap(r, owner == "frozenset"))
}

fn symmetric_difference_impl(vm: &mut Vm, mut args: Args, owner: &str) -> PyResult<Value> {
    let (so, me) = any_self(&mut args, owner, "symmetric_difference")?;
    let [other] = args.exact(&format!("{owner}.symmetric_difference"))?;
    let r = if same_set(&me, &other) { PySet::new() } else { symmetric_difference(vm, &so, &other)? };
    Ok(wrap(r, owner == "frozenset"))
}

fn predicate_impl(vm: &mut Vm, mut args: Args, owner: &str, method: &str) -> PyResult<Value> {
    let (so, me) = any_self(&mut args, owner, method)?;
    let [other] = args.exact(&format!("{owner}.{method}"))?;
    let same = same_set(&me, &other);
    Ok(Value::Bool(match method {
        "issubset" => same || issubset(vm, &so, &other)?,
        "issuperset" => same || issuperset(vm, &so, &other)?,
        _ => isdisjoint(vm, &so, &other, same)?,
    }))
}

fn set_copy(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    copy_impl(args, "set")
}

fn frozenset_copy(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    copy_impl(args, "frozenset")
}

fn set_union(vm: &mut Vm, args: Args) -> PyResult<Value> {
    union_impl(vm, args, "set")
}

fn frozenset_union(vm: &mut Vm, args: Args) -> PyResult<Value> {
    union_impl(vm, args, "frozenset")
}

fn set_intersection(vm: &mut Vm, args: Args) -> PyResult<Value> {
    intersection_impl(vm, args, "set")
}

fn frozenset_intersection(vm: &mut Vm, args: Args) -> PyResult<Value> {
    intersection_impl(vm, args, "frozenset")
}

fn set_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    difference_impl(vm, args, "set")
}

fn frozenset_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    difference_impl(vm, args, "frozenset")
}

fn set_symmetric_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    symmetric_difference_impl(vm, args, "set")
}

fn frozenset_symmetric_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    symmetric_difference_impl(vm, args, "frozenset")
}

fn set_issubset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate_impl(vm, args, "set", "issubset")
}

fn frozenset_issubset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate_impl(vm, args, "frozenset", "issubset")
}

fn set_issuperset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate_impl(vm, args, "set", "issuperset")
}

fn frozenset_issuperset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate_impl(vm, args, "frozenset", "issuperset")
}

fn set_isdisjoint(vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate_impl(vm, args, "set", "isdisjoint")
}

fn frozenset_isdisjoint(vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate_impl(vm, args, "frozenset", "isdisjoint")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::set::Probe;

    // Small ints hash to themselves, so these tables can be built without a machine.
    fn add(s: &mut PySet, i: i64) {
        if let Ok(Probe::Vacant(slot)) = s.probe(i as u64, |k| Ok::<bool, ()>(k.as_int() == Some(i))) {
            s.insert_at(slot, i as u64, Value::Int(i));
        }
    }

    fn remove(s: &mut PySet, i: i64) {
        if let Ok(Probe::Found(slot)) = s.probe(i as u64, |k| Ok::<bool, ()>(k.as_int() == Some(i))) {
            s.remove_at(slot);
        }
    }

    fn order(s: &PySet) -> Vec<i64> {
        s.iter().filter_map(Value::as_int).collect()
    }

    #[test]
    fn add_reuses_the_last_dummy_on_the_probe_path() {
        let mut s = PySet::new();
        for i in [64, 270, 576, 1, 1024, 32, 691, 0, 57, 56, 768] {
            add(&mut s, i);
        }
        assert_eq!(order(&s), [64, 1, 576, 1024, 32, 0, 768, 270, 691, 56, 57]);
        remove(&mut s, 32);
        remove(&mut s, 576);
        add(&mut s, 2050);
        // CPython 3.11 prints {64, 1, 1024, 2050, 0, 768, 270, 691, 56, 57}.
        assert_eq!(order(&s), [64, 1, 1024, 2050, 0, 768, 270, 691, 56, 57]);
    }

    #[test]
    fn merge_into_an_empty_set_presizes_like_set_merge() {
        // `{2048, 2, 428, 696, 595, -2}` is a frozenset constant merged into a new
        // set in CPython: the copy has a 16-slot table, the constant a 32-slot one.
        let mut f = PySet::new();
        for i in [2048, 2, 428, 696, 595] {
            add(&mut f, i);
        }
        if let Ok(Probe::Vacant(slot)) = f.probe((-2i64) as u64, |_| Ok::<bool, ()>(false)) {
            f.insert_at(slot, (-2i64) as u64, Value::Int(-2));
        }
        let mut s = PySet::new();
        assert!(s.merge_into_pristine(&f));
        assert_eq!(order(&s), [2048, 2, 595, 696, 428, -2]);
    }

    #[test]
    fn pop_continues_from_the_finger() {
        let mut s = PySet::new();
        for i in [1, 2, 3] {
            add(&mut s, i);
        }
        assert_eq!(s.pop_first().and_then(|v| v.as_int()), Some(1));
        add(&mut s, 0);
        // The finger is past slot 1, so slot 0's new key waits its turn.
        assert_eq!(s.pop_first().and_then(|v| v.as_int()), Some(2));
    }
}
