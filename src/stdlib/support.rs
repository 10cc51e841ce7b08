//! Helpers shared by the native stdlib modules: building modules, classes and
//! methods, unwrapping the builtin value behind a subclass instance, and wrapping
//! native iterators. Must never put anything but plain Python-level values into a
//! namespace (no code objects, frames or globals).

use std::cell::RefCell;
use std::rc::Rc;

use crate::values::*;
use crate::vm::Vm;

/// A module object named `name` holding `attrs`.
pub fn module(name: &str, attrs: Attrs) -> Value {
    Value::Module(Rc::new(Module { name: name.into(), attrs: RefCell::new(attrs) }))
}

/// Adds plain native functions to a module namespace.
pub fn add_fns(attrs: &mut Attrs, fns: &[(&str, NativeFn)]) {
    for (name, f) in fns {
        attrs.insert((*name).into(), crate::builtins::native(name, *f));
    }
}

/// A native method of class `owner`.
pub fn method(owner: &str, name: &str, f: NativeFn) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func: f, bound: None, data: None, owner: Some(owner.into()) }))
}

/// A native carrying `data`, which it receives as its first argument.
pub fn with_data(name: &str, f: NativeFn, data: Value) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func: f, bound: None, data: Some(data), owner: None }))
}

pub fn static_method(owner: &str, name: &str, f: NativeFn) -> Value {
    Value::StaticMethod(Rc::new(method(owner, name, f)))
}

pub fn class_method(owner: &str, name: &str, f: NativeFn) -> Value {
    Value::ClassMethod(Rc::new(method(owner, name, f)))
}

/// A read-only property computed by `f(self)`.
pub fn property(owner: &str, name: &str, f: NativeFn) -> Value {
    Value::Property(Rc::new(Property { fget: Some(method(owner, name, f)), fset: None, fdel: None, doc: None }))
}

/// A class of a stdlib module. It is built like a user class (so instances get a
/// builtin `base` when a base is dict/tuple/list, and Python code may subclass it),
/// but reports `module` as its module.
pub fn new_class(
    vm: &mut Vm,
    name: &str,
    module: &str,
    bases: Vec<Rc<Class>>,
    methods: &[(&str, NativeFn)],
    extra: Vec<(&str, Value)>,
) -> PyResult<Rc<Class>> {
    let mut attrs = Attrs::default();
    attrs.insert("__module__".into(), Value::str(module));
    for (n, f) in methods {
        attrs.insert((*n).into(), method(name, n, *f));
    }
    for (n, v) in extra {
        attrs.insert(n.into(), v);
    }
    let c = vm.new_class(name, name, bases, attrs)?;
    Ok(match Rc::try_unwrap(c) {
        Ok(c) => Rc::new(Class { module: module.into(), ..c }),
        Err(c) => c,
    })
}

/// The dict behind `v` (a dict, or an instance of a dict subclass).
pub fn dict_of(v: &Value) -> Option<Rc<RefCell<PyDict>>> {
    match v {
        Value::Dict(d) => Some(d.clone()),
        Value::Instance(i) => match &*i.base.borrow() {
            Some(Value::Dict(d)) => Some(d.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The tuple behind `v` (a tuple, or an instance of a tuple subclass).
pub fn tuple_of(v: &Value) -> Option<crate::values::TupleRef> {
    match v {
        Value::Tuple(t) => Some(t.clone()),
        Value::Instance(i) => match &*i.base.borrow() {
            Some(Value::Tuple(t)) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The dict of a method's `self`, or the TypeError CPython gives for a bad receiver.
pub fn self_dict(v: &Value, what: &str) -> PyResult<Rc<RefCell<PyDict>>> {
    dict_of(v).ok_or_else(|| {
        PyErr::type_error(format!("descriptor '{what}' requires a 'dict' object but received a '{}'", v.type_name()))
    })
}

/// A native iterator value.
pub fn dyn_iter(d: impl DynIterator + 'static) -> Value {
    Value::Iterator(Rc::new(RefCell::new(NativeIter::Dyn(Box::new(d)))))
}

/// Entries of a dict as (key, value) pairs, snapshot.
pub fn dict_items(d: &Rc<RefCell<PyDict>>) -> Vec<(Value, Value)> {
    d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect()
}

/// The class of `v` if `v` is an instance of a class named `name` (or a subclass of
/// the module class `cls`).
pub fn is_instance_of(vm: &Vm, v: &Value, cls: &Rc<Class>) -> bool {
    vm.isinstance(v, cls)
}

/// The module-level class `name` stored in module `m` (used by natives to find the
/// class they belong to when they only have the module).
pub fn class_attr(attrs: &Attrs, name: &str) -> Option<Rc<Class>> {
    match attrs.get(name) {
        Some(Value::Class(c)) => Some(c.clone()),
        _ => None,
    }
}

/// Rejects keyword arguments with CPython's wording.
pub fn no_kw(args: &Args, fname: &str) -> PyResult<()> {
    args.no_kwargs(fname)
}

/// A Python int argument as i64 (via `__index__`).
pub fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    vm.index_of(v)
}

/// Takes keyword `name` out of `args.kw`.
pub fn take_kw(args: &mut Args, name: &str) -> Option<Value> {
    let pos = args.kw.iter().position(|(k, _)| &**k == name)?;
    Some(args.kw.remove(pos).1)
}

/// For the modules' unit tests: the output of a program (and its error's last
/// line), run in a fresh session with the default policy.
#[cfg(test)]
pub fn run_program(src: &str) -> String {
    let mut s = crate::Session::new(crate::Policy::default());
    let r = s.run(src, "<test>");
    let mut out = r.output;
    if let Some(e) = r.error {
        out.push_str(&e.last_line());
    }
    out
}
