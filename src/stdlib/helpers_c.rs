//! Small helpers shared by the native modules random, datetime, time, statistics,
//! dataclasses, enum, typing, unicodedata and queue: building module objects, native
//! classes, native instances and module-defined exception classes.
//! Must never hand Python code anything but plain values.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use num_bigint::BigInt;

use crate::values::*;
use crate::vm::Vm;

pub fn module(name: &str, attrs: Attrs) -> Value {
    Value::Module(Rc::new(Module { name: name.into(), attrs: RefCell::new(attrs) }))
}

pub fn builtin(name: &str, func: NativeFn) -> Value {
    crate::builtins::native(name, func)
}

/// A native carrying `data` as its first argument (module functions bound to a
/// hidden instance, generated dataclass methods).
pub fn builtin_with(name: &str, func: NativeFn, data: Value) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func, bound: None, data: Some(data), owner: None }))
}

pub fn classmethod(name: &str, func: NativeFn) -> Value {
    Value::ClassMethod(Rc::new(builtin(name, func)))
}

pub fn staticmethod(name: &str, func: NativeFn) -> Value {
    Value::StaticMethod(Rc::new(builtin(name, func)))
}

pub fn property(name: &str, func: NativeFn) -> Value {
    Value::Property(Rc::new(Property { fget: Some(builtin(name, func)), fset: None, fdel: None, doc: None }))
}

/// A class defined by a native module: a "user" class to the machine (so that
/// calling it runs its `__new__` and `__init__`), reporting `module` as its module.
pub fn make_class(vm: &mut Vm, name: &str, module: &str, bases: Vec<Rc<Class>>, attrs: Attrs) -> PyResult<Rc<Class>> {
    let c = vm.new_class(name, name, bases, attrs)?;
    Ok(match Rc::try_unwrap(c) {
        Ok(c) => Rc::new(Class { module: module.into(), ..c }),
        Err(c) => c,
    })
}

/// Marks a class just made as one CPython implements in C (error messages then
/// say 'datetime.date'); call it before the class is shared.
pub fn c_type(c: Rc<Class>) -> Rc<Class> {
    match Rc::try_unwrap(c) {
        Ok(c) => Rc::new(Class { c_type: true, ..c }),
        Err(c) => c,
    }
}

pub fn methods(list: &[(&str, NativeFn)], owner: &str) -> Attrs {
    let mut a = Attrs::default();
    for (n, f) in list {
        a.insert(
            (*n).into(),
            Value::Builtin(Rc::new(Builtin { name: (*n).into(), func: *f, bound: None, data: None, owner: Some(owner.into()) })),
        );
    }
    a
}

/// An exception class of a module (`statistics.StatisticsError`...).
pub fn exc_class(vm: &mut Vm, name: &str, module: &str, base: ExcKind) -> PyResult<Rc<Class>> {
    let b = vm.exc_class(base);
    make_class(vm, name, module, vec![b], Attrs::default())
}

/// A raised instance of a module-defined exception class.
pub fn raise_cls(cls: &Rc<Class>, msg: impl Into<String>) -> PyErr {
    raise_cls_args(cls, vec![Value::string(msg.into())])
}

pub fn raise_cls_args(cls: &Rc<Class>, args: Vec<Value>) -> PyErr {
    let inst = Instance::new(cls.clone());
    if let Some(e) = &inst.exc {
        *e.args.borrow_mut() = crate::values::tuple_ref(args);
    }
    PyErr::object(Rc::new(inst))
}

pub fn new_native<T: 'static>(cls: &Rc<Class>, data: T) -> Value {
    Value::Native(Rc::new(NativeObject { class: cls.clone(), data: RefCell::new(Box::new(data)) }))
}

/// The data of a native object of type `T`, when `v` is one.
pub fn native_ref<T: 'static>(v: &Value) -> Option<RefMut<'_, T>> {
    match v {
        Value::Native(n) => RefMut::filter_map(n.data.borrow_mut(), |b| b.downcast_mut::<T>()).ok(),
        _ => None,
    }
}

/// A copy of the data of a native object of type `T`.
pub fn native_get<T: 'static + Clone>(v: &Value) -> Option<T> {
    match v {
        Value::Native(n) => n.data.try_borrow().ok().and_then(|b| b.downcast_ref::<T>().cloned()),
        _ => None,
    }
}

/// An integer argument (int, bool or `__index__`), as a big integer.
pub fn to_big(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    match v {
        Value::Int(i) => Ok(BigInt::from(*i)),
        Value::Bool(b) => Ok(BigInt::from(*b as i64)),
        Value::BigInt(b) => Ok((**b).clone()),
        Value::Instance(i) => {
            if let Some(base) = i.base.borrow().clone() {
                if matches!(base, Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) {
                    return to_big(vm, &base);
                }
            }
            Ok(BigInt::from(vm.index_of(v)?))
        }
        _ => Ok(BigInt::from(vm.index_of(v)?)),
    }
}

/// A real number argument as f64 (int, float, bool, int/float subclasses).
pub fn to_float(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    if let Some(f) = crate::vm::to_f64(v) {
        return Ok(f);
    }
    if let Value::Instance(i) = v {
        if let Some(base) = i.base.borrow().clone() {
            if let Some(f) = crate::vm::to_f64(&base) {
                return Ok(f);
            }
        }
    }
    if let Some(m) = vm.special(v, "__float__") {
        let r = vm.call1(&m, v.clone())?;
        if let Value::Float(f) = r {
            return Ok(f);
        }
    }
    Err(PyErr::type_error(format!("must be real number, not {}", v.type_name())))
}

pub fn kwarg(args: &mut Args, name: &str) -> Option<Value> {
    let pos = args.kw.iter().position(|(k, _)| &**k == name)?;
    Some(args.kw.remove(pos).1)
}

/// Binds arguments as CPython's `PyArg_ParseTupleAndKeywords` does, with its
/// wording: `fname` None is a format without `:name` (the datetime constructors),
/// which says "function" and "this function". `names[kwonly..]` are keyword-only
/// (`$` in the format); the first `required` are required.
pub fn parse_tuple_kw<const N: usize>(
    args: Args,
    fname: Option<&str>,
    names: [&str; N],
    required: usize,
    kwonly: usize,
) -> PyResult<[Option<Value>; N]> {
    let (f, paren) = match fname {
        Some(n) => (n, "()"),
        None => ("function", ""),
    };
    let nargs = args.pos.len();
    let nkw = args.kw.len();
    if nargs + nkw > N {
        return Err(PyErr::type_error(format!(
            "{f}{paren} takes at most {N} {}argument{} ({} given)",
            if nargs == 0 { "keyword " } else { "" },
            if N == 1 { "" } else { "s" },
            nargs + nkw
        )));
    }
    if nargs > kwonly {
        return Err(PyErr::type_error(if kwonly == 0 {
            format!("{f}{paren} takes no positional arguments")
        } else {
            format!(
                "{f}{paren} takes {} {kwonly} positional argument{} ({nargs} given)",
                if required < kwonly { "at most" } else { "exactly" },
                if kwonly == 1 { "" } else { "s" }
            )
        }));
    }
    let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
    let mut remaining = nkw;
    for i in 0..N {
        let v = if i < nargs {
            Some(args.pos[i].clone())
        } else if remaining > 0 {
            let found = args.kw.iter().find(|(k, _)| &**k == names[i]).map(|(_, v)| v.clone());
            if found.is_some() {
                remaining -= 1;
            }
            found
        } else {
            None
        };
        if v.is_some() {
            out[i] = v;
            continue;
        }
        if i < required {
            return Err(PyErr::type_error(format!("{f}{paren} missing required argument '{}' (pos {})", names[i], i + 1)));
        }
        if remaining == 0 {
            return Ok(out);
        }
    }
    if remaining > 0 {
        for (i, name) in names.iter().enumerate().take(nargs) {
            if args.kw.iter().any(|(k, _)| &**k == *name) {
                return Err(PyErr::type_error(format!(
                    "argument for {f}{paren} given by name ('{name}') and position ({})",
                    i + 1
                )));
            }
        }
        for (k, _) in &args.kw {
            if !names.contains(&&**k) {
                let (g, p) = match fname {
                    Some(n) => (n, "()"),
                    None => ("this function", ""),
                };
                return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for {g}{p}")));
            }
        }
    }
    Ok(out)
}
