//! Methods every object has (`object.__init__`, `__repr__`, `__eq__`...) and those of
//! exceptions, reachable from user code through `super()` and explicit base calls.

use crate::values::*;
use crate::vm::Vm;

use super::types::{add_methods, defer_methods, Types};

pub fn register(t: &Types) {
    add_methods(&t.object, &[
        ("__init__", object_init),
        ("__repr__", object_repr),
        ("__str__", object_str),
        ("__eq__", object_eq),
        ("__ne__", object_ne),
        ("__hash__", object_hash),
        ("__format__", object_format),
        ("__setattr__", object_setattr),
        ("__delattr__", object_delattr),
    ]);
    // `object.__new__(cls)`: a static method, as in CPython (`super().__new__(cls)`).
    let f = Builtin { name: "__new__".into(), func: object_dunder_new, bound: None, data: None, owner: Some(t.object.name.clone()) };
    t.object.dict.borrow_mut().insert("__new__".into(), Value::StaticMethod(std::rc::Rc::new(Value::Builtin(std::rc::Rc::new(f)))));
    // The others wait until first used (see `defer_methods`).
    let base = &t.exc[ExcKind::BaseException.index()];
    defer_methods(base, &t.object, |m| {
        m.add(&[("__init__", exception_init), ("with_traceback", exception_with_traceback), ("add_note", exception_add_note)])
    });
    defer_methods(&t.generator, &t.object, |m| {
        m.add(&[("send", gen_send), ("throw", gen_throw), ("close", gen_close), ("__next__", gen_next), ("__iter__", identity)])
    });
    defer_methods(&t.iterator, &t.object, |m| m.add(&[("__next__", iter_next), ("__iter__", identity)]));
    defer_methods(&t.property, &t.object, |m| {
        m.add(&[("setter", prop_setter), ("getter", prop_getter), ("deleter", prop_deleter)])
    });
    super::functions_for_types(t);
}

fn identity(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("__iter__")?;
    Ok(v)
}

fn gen_of(v: &Value) -> PyResult<std::rc::Rc<std::cell::RefCell<Generator>>> {
    match v {
        Value::Generator(g) => Ok(g.clone()),
        _ => Err(PyErr::type_error("descriptor requires a 'generator' object")),
    }
}

fn gen_step(vm: &mut Vm, g: &std::rc::Rc<std::cell::RefCell<Generator>>, sent: Value, throw: Option<PyErr>) -> PyResult<Value> {
    match vm.resume_generator(g, sent, throw)? {
        crate::vm::Delegated::Yielded(v) => Ok(v),
        crate::vm::Delegated::Done(v) => Err(if v.is_none() {
            PyErr::stop_iteration()
        } else {
            PyErr::with_args(ExcKind::StopIteration, vec![v])
        }),
    }
}

fn gen_send(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g, v] = args.exact("send")?;
    let g = gen_of(&g)?;
    gen_step(vm, &g, v, None)
}

fn gen_next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g] = args.exact("__next__")?;
    let g = gen_of(&g)?;
    gen_step(vm, &g, Value::None, None)
}

fn gen_throw(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() < 2 {
        return Err(PyErr::type_error(format!("throw expected at least 1 argument, got {}", args.pos.len().saturating_sub(1))));
    }
    let g = gen_of(&args.pos[0])?;
    let exc = match (&args.pos[1], args.pos.get(2)) {
        (Value::Class(_), Some(v)) if !v.is_none() => {
            let c = args.pos[1].clone();
            vm.call1(&c, v.clone())?
        }
        (v, _) => v.clone(),
    };
    let e = vm.make_exception(exc)?;
    gen_step(vm, &g, Value::None, Some(PyErr::object(e)))
}

fn gen_close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [g] = args.exact("close")?;
    let g = gen_of(&g)?;
    vm.close_generator(&g)?;
    Ok(Value::None)
}

fn iter_next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [it] = args.exact("__next__")?;
    match vm.next(&it)? {
        Some(v) => Ok(v),
        None => Err(PyErr::stop_iteration()),
    }
}

fn prop_with(args: Args, which: usize, fname: &str) -> PyResult<Value> {
    let [p, f] = args.exact(fname)?;
    let Value::Property(p) = p else { return Err(PyErr::type_error("descriptor requires a 'property' object")) };
    let mut parts = [p.fget.clone(), p.fset.clone(), p.fdel.clone()];
    parts[which] = Some(f);
    let [fget, fset, fdel] = parts;
    Ok(Value::Property(std::rc::Rc::new(Property { fget, fset, fdel, doc: p.doc.clone() })))
}

fn prop_getter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    prop_with(args, 0, "getter")
}

fn prop_setter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    prop_with(args, 1, "setter")
}

fn prop_deleter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    prop_with(args, 2, "deleter")
}

/// `object.__init__(self, *args)`: extra arguments are CPython's errors, unless a
/// user `__new__` took them.
fn object_init(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() > 1 || !args.kw.is_empty() {
        if let Some(Value::Instance(i)) = args.pos.first() {
            let own_init = i.class.lookup("__init__").is_some_and(|v| matches!(v, Value::Function(_)));
            if own_init {
                return Err(PyErr::type_error("object.__init__() takes exactly one argument (the instance to initialize)"));
            }
            if crate::vm::user_new(&i.class).is_none() && !i.class.is_exception && i.class.tag == TypeTag::Object {
                return Err(PyErr::type_error(format!("{}() takes no arguments", i.class.name)));
            }
        }
    }
    Ok(Value::None)
}

/// `object.__new__(cls, *args)`: a new instance of `cls` (for a subclass of a
/// builtin type, wrapping that type's value made from `args`), with CPython's
/// refusal of arguments that neither `__new__` nor `__init__` takes.
fn object_dunder_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let cls = match pos.next() {
        Some(Value::Class(c)) => c,
        Some(other) => {
            return Err(PyErr::type_error(format!("object.__new__(X): X is not a type object ({})", other.type_name())));
        }
        None => return Err(PyErr::type_error("object.__new__(): not enough arguments")),
    };
    let rest = Args { pos: pos.collect(), kw: args.kw };
    vm.new_instance(&cls, rest)
}

fn object_setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name, v] = args.exact("__setattr__")?;
    let name = written_name(vm, &obj, &name)?;
    match &obj {
        Value::Instance(i) => vm.object_setattr(&obj, i, &name, v)?,
        _ => vm.setattr(&obj, &name, v)?,
    }
    Ok(Value::None)
}

fn object_delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, name] = args.exact("__delattr__")?;
    let name = written_name(vm, &obj, &name)?;
    match &obj {
        Value::Instance(i) => vm.object_delattr(&obj, i, &name)?,
        _ => vm.delattr(&obj, &name)?,
    }
    Ok(Value::None)
}

/// The name an explicit `__setattr__`/`__delattr__` call (`object.__setattr__(o,
/// name, v)`, a namedtuple's) writes: a str, and allowed by the same rule as
/// attribute syntax, which such a call would otherwise go around.
pub(crate) fn written_name(vm: &Vm, obj: &Value, name: &Value) -> PyResult<std::rc::Rc<str>> {
    let Value::Str(s) = name else {
        return Err(PyErr::type_error(format!("attribute name must be string, not '{}'", name.type_name())));
    };
    vm.check_user_attr_write(obj, s.as_str())?;
    Ok(s.as_str().into())
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
    if !args.kw.is_empty() {
        let name = args.pos.first().map(|v| v.type_name()).unwrap_or_default();
        return Err(PyErr::type_error(format!("{name}() takes no keyword arguments")));
    }
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    if let Value::Instance(i) = &this {
        if let Some(e) = &i.exc {
            *e.args.borrow_mut() = tuple_ref(pos.collect());
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
