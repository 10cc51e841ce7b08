//! `types.UnionType`: what `int | None` makes (PEP 604), so that class-body and
//! dataclass annotations such as `x: int | None = None` evaluate as in CPython,
//! and `isinstance(v, int | str)` works. Holds only classes (and `NoneType`);
//! never exposes them through attributes (`__args__` is a dunder, refused).

use std::rc::Rc;

use crate::values::*;
use crate::vm::Vm;

use super::types::Types;

/// The members of a union, in first-seen order, without repeats.
#[derive(Clone)]
struct Union {
    args: Vec<Rc<Class>>,
}

pub fn register(t: &Types) {
    super::add_methods(
        &t.union_type,
        &[("__repr__", union_repr), ("__eq__", union_eq), ("__hash__", union_hash), ("__or__", union_or_method), ("__ror__", union_ror_method)],
    );
}

/// The classes a union operand stands for (`None` is `NoneType`), or `None` when
/// the operand cannot be in a union.
fn members(vm: &Vm, v: &Value) -> Option<Vec<Rc<Class>>> {
    match v {
        Value::Class(c) => Some(vec![c.clone()]),
        Value::None => Some(vec![vm.types.none_type.clone()]),
        Value::Native(n) if Rc::ptr_eq(&n.class, &vm.types.union_type) => {
            n.data.try_borrow().ok().and_then(|d| d.downcast_ref::<Union>().map(|u| u.args.clone()))
        }
        _ => None,
    }
}

/// `a | b` on types, after both operands' own `__or__`/`__ror__` declined:
/// `None` when either operand is not a type, None or a union.
pub fn union_or(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<Option<Value>> {
    let (Some(x), Some(y)) = (members(vm, a), members(vm, b)) else { return Ok(None) };
    let mut args: Vec<Rc<Class>> = Vec::with_capacity(x.len() + y.len());
    for c in x.into_iter().chain(y) {
        if !args.iter().any(|k| Rc::ptr_eq(k, &c)) {
            args.push(c);
        }
    }
    if args.len() == 1 {
        // `int | int` is `int` itself.
        return Ok(Some(Value::Class(args.remove(0))));
    }
    let cls = vm.types.union_type.clone();
    Ok(Some(Value::Native(Rc::new(NativeObject { class: cls, data: std::cell::RefCell::new(Box::new(Union { args })) }))))
}

/// The classes `isinstance(v, union)` tests, when `v` is a union.
pub fn union_classes(vm: &Vm, v: &Value) -> Option<Vec<Rc<Class>>> {
    match v {
        Value::Native(n) if Rc::ptr_eq(&n.class, &vm.types.union_type) => members(vm, v),
        _ => None,
    }
}

fn self_union(vm: &Vm, args: &Args) -> PyResult<Vec<Rc<Class>>> {
    args.pos.first().and_then(|v| union_classes(vm, v)).ok_or_else(|| PyErr::type_error("descriptor requires a 'types.UnionType' object"))
}

fn union_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let items = self_union(vm, &args)?;
    let parts: Vec<String> = items
        .iter()
        .map(|c| {
            if Rc::ptr_eq(c, &vm.types.none_type) {
                "None".to_owned()
            } else if &*c.module == "builtins" {
                c.qualname.to_string()
            } else {
                format!("{}.{}", c.module, c.qualname)
            }
        })
        .collect();
    Ok(Value::string(parts.join(" | ")))
}

/// Unions are equal when they hold the same classes, in any order.
fn union_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let a = self_union(vm, &args)?;
    let Some(b) = args.pos.get(1).and_then(|v| union_classes(vm, v)) else { return Ok(Value::NotImplemented) };
    let within = |x: &[Rc<Class>], y: &[Rc<Class>]| x.iter().all(|c| y.iter().any(|k| Rc::ptr_eq(c, k)));
    Ok(Value::Bool(within(&a, &b) && within(&b, &a)))
}

fn union_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let items = self_union(vm, &args)?;
    // Order-independent, as CPython hashes a frozenset of the members.
    let mut h: u64 = 0x5A17;
    for c in &items {
        h ^= vm.hash(&Value::Class(c.clone()))?;
    }
    let h = h as i64;
    Ok(Value::Int(if h == -1 { -2 } else { h }))
}

fn union_or_method(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = (args.pos.first().cloned().unwrap_or(Value::None), args.pos.get(1).cloned().unwrap_or(Value::None));
    Ok(union_or(vm, &a, &b)?.unwrap_or(Value::NotImplemented))
}

fn union_ror_method(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = (args.pos.first().cloned().unwrap_or(Value::None), args.pos.get(1).cloned().unwrap_or(Value::None));
    Ok(union_or(vm, &b, &a)?.unwrap_or(Value::NotImplemented))
}
