//! Methods every object has (`object.__init__`, `__repr__`, `__eq__`...) and those of
//! exceptions, reachable from user code through `super()` and explicit base calls.

use crate::values::*;
use crate::vm::Vm;

use super::types::{add_methods, Types};

pub fn register(t: &Types) {
    add_methods(&t.object, &[
        ("__init__", object_init),
        ("__repr__", object_repr),
        ("__str__", object_str),
        ("__eq__", object_eq),
        ("__ne__", object_ne),
        ("__hash__", object_hash),
        ("__format__", object_format),
    ]);
    let base = &t.exc[ExcKind::BaseException.index()];
    add_methods(base, &[("__init__", exception_init), ("with_traceback", exception_with_traceback), ("add_note", exception_add_note)]);
    super::functions_for_types(t);
}

fn object_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn object_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("__repr__")?;
    let s = match &v {
        Value::Instance(i) if i.exc.is_none() => {
            format!("<__main__.{} object at 0x{:012x}>", i.class.qualname, v.identity())
        }
        _ => vm.repr(&v)?,
    };
    Ok(Value::string(s))
}

fn object_str(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("__str__")?;
    Ok(Value::string(vm.repr(&v)?))
}

fn object_eq(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("__eq__")?;
    Ok(if a.is(&b) { Value::Bool(true) } else { Value::NotImplemented })
}

fn object_ne(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, b] = args.exact("__ne__")?;
    Ok(if a.is(&b) { Value::Bool(false) } else { Value::NotImplemented })
}

fn object_hash(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a] = args.exact("__hash__")?;
    Ok(Value::Int((a.identity() >> 4) as i64))
}

fn object_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [a, spec] = args.exact("__format__")?;
    match &spec {
        Value::Str(s) if s.as_str().is_empty() => Ok(Value::string(vm.str(&a)?)),
        _ => Err(PyErr::type_error(format!("unsupported format string passed to {}.__format__", a.type_name()))),
    }
}

fn exception_init(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    if let Value::Instance(i) = &this {
        if let Some(e) = &i.exc {
            *e.args.borrow_mut() = pos.collect::<Vec<_>>().into();
        }
    }
    Ok(Value::None)
}

fn exception_with_traceback(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, _tb] = args.exact("with_traceback")?;
    Ok(this)
}

fn exception_add_note(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, note] = args.exact("add_note")?;
    let notes = match vm.getattr(&this, "__notes__") {
        Ok(n) => n,
        Err(_) => {
            let l = Value::list(Vec::new());
            vm.setattr(&this, "__notes__", l.clone())?;
            l
        }
    };
    if let Value::List(l) = notes {
        l.borrow_mut().push(note);
    }
    Ok(Value::None)
}
