//! Attribute access. SECURITY-CRITICAL: this file decides what Python code can reach.
//!
//! The rule, in one place: an attribute read finds (1) an entry of a namespace that
//! holds only Python-level values (an instance's own attributes, the dicts of the
//! classes along its MRO, a module's attributes, a function's user-set attributes),
//! or (2) one of the computed attributes listed in `computed_attr` below. Nothing
//! else exists. The machine never stores code objects, frames, globals tables,
//! builtins modules, class lists or host handles in any namespace, so `__class__`,
//! `__dict__`, `__globals__`, `__code__`, `__closure__`, `__subclasses__`,
//! `__bases__`, `__mro__`, `gi_frame`, `tb_frame`, `f_back`, `__self__`,
//! `__builtins__`, `__loader__`, `__spec__` and their kind are AttributeErrors
//! however they are asked for: attribute syntax, getattr/hasattr, format strings,
//! operator.attrgetter, all of which come through `Vm::getattr`.

use std::rc::Rc;

use super::Vm;
use crate::values::*;

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// Dunder attributes Python code may assign: function metadata (decorators copy it)
/// and exception chaining. Writing any other dunder (`__init__` on a class,
/// `__class__`, `__dict__`...) from Python code is refused: code may *define* dunder
/// methods in a class body, never patch them in or out afterwards.
const WRITABLE_DUNDERS: &[&str] = &["__name__", "__qualname__", "__doc__", "__wrapped__", "__module__", "__cause__", "__context__", "__suppress_context__", "__traceback__", "__notes__"];

impl Vm {
    /// The check for attribute writes and deletions that Python code asks for
    /// (`obj.x = v`, `del obj.x`, `setattr`, `delattr`).
    pub fn check_user_attr_write(&self, obj: &Value, name: &str) -> PyResult<()> {
        if is_dunder(name) && !WRITABLE_DUNDERS.contains(&name) {
            return Err(PyErr::attribute_error(format!(
                "garter does not allow setting or deleting '{name}' on '{}' objects",
                obj.type_name()
            )));
        }
        Ok(())
    }
}

/// What `obj.name(...)` calls.
pub enum Method {
    /// A Python function to call with `obj` first.
    Python(Rc<Function>),
    /// A native method to call with `obj` first.
    Native(NativeFn),
    /// Any other callable, already bound.
    Value(Value),
}

impl Vm {
    pub fn getattr(&mut self, obj: &Value, name: &str) -> PyResult<Value> {
        match obj {
            Value::Instance(inst) => self.instance_getattr(obj, inst, name),
            Value::Class(cls) => self.class_getattr(cls, name),
            Value::Module(m) => {
                if let Some(v) = m.attrs.borrow().get(name) {
                    return Ok(v.clone());
                }
                if name == "__name__" {
                    return Ok(Value::str(&m.name));
                }
                Err(PyErr::attribute_error(format!("module '{}' has no attribute '{name}'", m.name)))
            }
            Value::Super(s) => self.super_getattr(s, name),
            _ => {
                if let Some(v) = self.computed_attr(obj, name)? {
                    return Ok(v);
                }
                let cls = self.type_of(obj);
                if let Some(v) = cls.lookup(name) {
                    return self.bind_class_attr(v, obj, &cls);
                }
                Err(no_attribute(obj, name))
            }
        }
    }

    /// Attributes computed from the machine's own fields: only plain metadata.
    fn computed_attr(&mut self, obj: &Value, name: &str) -> PyResult<Option<Value>> {
        Ok(Some(match (obj, name) {
            (Value::Function(f), "__name__") => Value::str(&f.name.borrow()),
            (Value::Function(f), "__qualname__") => Value::str(&f.qualname.borrow()),
            (Value::Function(_), "__module__") => Value::str("__main__"),
            (Value::Function(f), _) => match f.attrs.borrow().get(name) {
                Some(v) => v.clone(),
                None if name == "__doc__" => Value::None,
                None if name == "__defaults__" => {
                    if f.defaults.is_empty() { Value::None } else { Value::tuple(f.defaults.clone()) }
                }
                None => return Ok(None),
            },
            (Value::Builtin(b), "__name__") => Value::str(&b.name),
            (Value::Builtin(b), "__qualname__") => match &b.owner {
                Some(o) => Value::string(format!("{o}.{}", b.name)),
                None => Value::str(&b.name),
            },
            (Value::Builtin(_), "__doc__") => Value::None,
            (Value::BoundMethod(m), "__name__" | "__qualname__" | "__doc__") => return self.getattr(&m.func.clone(), name).map(Some),
            (Value::Int(_) | Value::Bool(_) | Value::BigInt(_), "real" | "numerator") => match obj {
                Value::Bool(b) => Value::Int(*b as i64),
                _ => obj.clone(),
            },
            (Value::Int(_) | Value::Bool(_) | Value::BigInt(_), "imag") => Value::Int(0),
            (Value::Int(_) | Value::Bool(_) | Value::BigInt(_), "denominator") => Value::Int(1),
            (Value::Float(f), "real") => Value::Float(*f),
            (Value::Float(_), "imag") => Value::Float(0.0),
            (Value::Slice(s), "start") => s.start.clone(),
            (Value::Slice(s), "stop") => s.stop.clone(),
            (Value::Slice(s), "step") => s.step.clone(),
            (Value::Range(r), "start") => Value::Int(r.start),
            (Value::Range(r), "stop") => Value::Int(r.stop),
            (Value::Range(r), "step") => Value::Int(r.step),
            (Value::Generator(g), "__name__") => Value::str(&g.borrow().name),
            (Value::Generator(g), "__qualname__") => Value::str(&g.borrow().qualname),
            (Value::Property(p), "fget") => p.fget.clone().unwrap_or(Value::None),
            (Value::Property(p), "fset") => p.fset.clone().unwrap_or(Value::None),
            (Value::Property(p), "fdel") => p.fdel.clone().unwrap_or(Value::None),
            (Value::Property(p), "__doc__") => p.doc.clone().unwrap_or(Value::None),
            (Value::StaticMethod(f) | Value::ClassMethod(f), "__func__") => (**f).clone(),
            _ => return Ok(None),
        }))
    }

    /// A value found in a class dict, as seen through an instance (or the class).
    pub(crate) fn bind_class_attr(&mut self, v: Value, obj: &Value, cls: &Rc<Class>) -> PyResult<Value> {
        Ok(match v {
            Value::Function(_) => Value::BoundMethod(Rc::new(BoundMethod { func: v, receiver: obj.clone() })),
            Value::Builtin(b) if b.bound.is_none() => Value::Builtin(Rc::new(Builtin {
                name: b.name.clone(),
                func: b.func,
                bound: Some(obj.clone()),
                data: b.data.clone(),
                owner: b.owner.clone(),
            })),
            Value::ClassMethod(f) => {
                Value::BoundMethod(Rc::new(BoundMethod { func: (*f).clone(), receiver: Value::Class(cls.clone()) }))
            }
            Value::StaticMethod(f) => (*f).clone(),
            Value::Property(p) => match &p.fget {
                Some(g) => {
                    let g = g.clone();
                    self.call1(&g, obj.clone())?
                }
                None => return Err(PyErr::attribute_error("unreadable attribute")),
            },
            Value::Instance(ref d) if d.class.is_user => match d.class.lookup("__get__") {
                Some(get) => self.call(&get, Args::new([v.clone(), obj.clone(), Value::Class(cls.clone())]))?,
                None => v,
            },
            other => other,
        })
    }

    /// What `obj.name` means for every instance of `cls`, as far as the machine's
    /// attribute caches need to know; the same rules as `instance_getattr`,
    /// `setattr` and `lookup_method` below, computed once per class and name.
    pub(crate) fn attr_cache_for(&self, cls: &Rc<Class>, name: &str) -> AttrCache {
        let epoch = class_epoch();
        let user_attr = cls.mro_with_self().take_while(|c| c.is_user).find_map(|c| c.dict.borrow().get(name).cloned());
        let plain_load = !cls
            .mro_with_self()
            .take_while(|c| c.is_user)
            .any(|c| matches!(c.dict.borrow().get(name), Some(Value::Property(_))));
        let descriptor = match &user_attr {
            Some(Value::Property(_)) => true,
            Some(Value::Instance(d)) => d.class.is_user && d.class.lookup("__set__").is_some(),
            _ => false,
        };
        let user_setattr = cls
            .mro_with_self()
            .take_while(|c| c.is_user)
            .find_map(|c| c.dict.borrow().get("__setattr__").cloned())
            .filter(native_or_python_override);
        let plain_store = !is_dunder(name) && !descriptor && user_setattr.is_none() && !cls.is_exception;
        let method = match cls.lookup(name) {
            Some(Value::Function(f)) => Some(f),
            _ => None,
        };
        AttrCache { class: Rc::downgrade(cls), epoch, plain_load, plain_store, method }
    }

    fn instance_getattr(&mut self, obj: &Value, inst: &Rc<Instance>, name: &str) -> PyResult<Value> {
        let cls = inst.class.clone();
        // The common case first: the instance's own attribute, unless a property of
        // the same name (only user classes define properties) takes precedence.
        if let Some(v) = inst.attrs.borrow().get(name) {
            let shadowed = cls
                .mro_with_self()
                .take_while(|c| c.is_user)
                .any(|c| matches!(c.dict.borrow().get(name), Some(Value::Property(_))));
            if !shadowed {
                return Ok(v.clone());
            }
        }
        let class_attr = cls.lookup(name);
        // Data descriptors (properties) win over the instance's own attributes.
        if let Some(Value::Property(_)) = &class_attr {
            return self.bind_class_attr(class_attr.expect("matched just above"), obj, &cls);
        }
        if let Some(v) = inst.attrs.borrow().get(name) {
            return Ok(v.clone());
        }
        if let Some(v) = class_attr {
            let through = match &v {
                Value::Builtin(_) => match inst.base.borrow().clone() {
                    // Methods of a builtin base act on the wrapped value.
                    Some(_) => obj.clone(),
                    None => obj.clone(),
                },
                _ => obj.clone(),
            };
            return self.bind_class_attr(v, &through, &cls);
        }
        if let Some(e) = &inst.exc {
            match name {
                "args" => return Ok(Value::Tuple(e.args.borrow().clone())),
                "__cause__" => return Ok(e.cause.borrow().clone().unwrap_or(Value::None)),
                "__context__" => return Ok(e.context.borrow().clone().unwrap_or(Value::None)),
                "__suppress_context__" => return Ok(Value::Bool(e.suppress_context.get())),
                "__traceback__" => return Ok(Value::None),
                "value" if i_is(&cls, self, ExcKind::StopIteration) => {
                    return Ok(e.args.borrow().first().cloned().unwrap_or(Value::None));
                }
                "code" if i_is(&cls, self, ExcKind::SystemExit) => {
                    return Ok(e.args.borrow().first().cloned().unwrap_or(Value::None));
                }
                "msg" if i_is(&cls, self, ExcKind::SyntaxError) => {
                    return Ok(e.args.borrow().first().cloned().unwrap_or(Value::None));
                }
                "name" if i_is(&cls, self, ExcKind::NameError) || i_is(&cls, self, ExcKind::ImportError) => {
                    return Ok(Value::None);
                }
                _ => {}
            }
        }
        if let Some(ga) = cls.lookup("__getattr__") {
            return self.call(&ga, Args::new([obj.clone(), Value::str(name)]));
        }
        Err(PyErr::attribute_error(format!("'{}' object has no attribute '{name}'", cls.tp_name())))
    }

    fn class_getattr(&mut self, cls: &Rc<Class>, name: &str) -> PyResult<Value> {
        if let Some(v) = cls.lookup(name) {
            return Ok(match v {
                Value::ClassMethod(f) => {
                    Value::BoundMethod(Rc::new(BoundMethod { func: (*f).clone(), receiver: Value::Class(cls.clone()) }))
                }
                Value::StaticMethod(f) => (*f).clone(),
                other => other,
            });
        }
        match name {
            "__name__" => return Ok(Value::str(&cls.name)),
            "__qualname__" => return Ok(Value::str(&cls.qualname)),
            // Classes a stdlib module built carry that module (`string.Formatter`).
            "__module__" => {
                let m = if !cls.module.is_empty() { &*cls.module } else if cls.is_user { "__main__" } else { "builtins" };
                return Ok(Value::str(m));
            }
            "__doc__" => return Ok(Value::None),
            _ => {}
        }
        Err(PyErr::attribute_error(format!("type object '{}' has no attribute '{name}'", cls.name)))
    }

    fn super_getattr(&mut self, s: &Rc<Super>, name: &str) -> PyResult<Value> {
        let start_cls = match &s.obj {
            Value::Class(c) => c.clone(),
            other => self.type_of(other),
        };
        let mut after = false;
        for c in start_cls.mro_with_self() {
            if after {
                if let Some(v) = c.dict.borrow().get(name).cloned() {
                    return match (&s.obj, v) {
                        (Value::Class(cl), Value::ClassMethod(f)) => Ok(Value::BoundMethod(Rc::new(BoundMethod {
                            func: (*f).clone(),
                            receiver: Value::Class(cl.clone()),
                        }))),
                        (Value::Class(_), Value::Function(f)) => Ok(Value::Function(f)),
                        (_, v) => self.bind_class_attr(v, &s.obj.clone(), &start_cls),
                    };
                }
            }
            if Rc::ptr_eq(&c, &s.class) {
                after = true;
            }
        }
        Err(PyErr::attribute_error(format!("'super' object has no attribute '{name}'")))
    }

    /// Finds what `obj.name(...)` would call, without allocating a bound method.
    pub(crate) fn lookup_method(&mut self, obj: &Value, name: &str) -> PyResult<Method> {
        match obj {
            Value::Instance(inst) => {
                if inst.attrs.borrow().contains_key(name) {
                    return Ok(Method::Value(self.getattr(obj, name)?));
                }
                match inst.class.lookup(name) {
                    Some(Value::Function(f)) => Ok(Method::Python(f)),
                    Some(Value::Builtin(b)) if b.bound.is_none() && b.data.is_none() => Ok(Method::Native(b.func)),
                    _ => Ok(Method::Value(self.getattr(obj, name)?)),
                }
            }
            Value::Module(_) | Value::Class(_) | Value::Super(_) => Ok(Method::Value(self.getattr(obj, name)?)),
            _ => {
                let cls = self.type_of(obj);
                let found = cls.dict.borrow().get(name).cloned();
                match found {
                    Some(Value::Builtin(b)) if b.bound.is_none() && b.data.is_none() => Ok(Method::Native(b.func)),
                    _ => Ok(Method::Value(self.getattr(obj, name)?)),
                }
            }
        }
    }

    pub fn setattr(&mut self, obj: &Value, name: &str, v: Value) -> PyResult<()> {
        match obj {
            Value::Instance(inst) => {
                // A `__setattr__` of the class takes every write (it may pass it on to
                // `object.__setattr__`, which is `object_setattr` below).
                let user_setattr = inst.class.mro_with_self().take_while(|c| c.is_user).find_map(|c| c.dict.borrow().get("__setattr__").cloned());
                if let Some(sa) = user_setattr.filter(native_or_python_override) {
                    self.call(&sa, Args::new([obj.clone(), Value::str(name), v]))?;
                    return Ok(());
                }
                self.object_setattr(obj, inst, name, v)
            }
            Value::Class(cls) if cls.is_user => {
                cls.dict.borrow_mut().insert(name.into(), v);
                Ok(())
            }
            Value::Class(cls) => Err(PyErr::type_error(format!(
                "cannot set '{name}' attribute of immutable type '{}'",
                cls.name
            ))),
            Value::Function(f) => {
                match name {
                    "__name__" => {
                        if let Value::Str(s) = &v {
                            *f.name.borrow_mut() = s.as_str().into();
                        }
                    }
                    "__qualname__" => {
                        if let Value::Str(s) = &v {
                            *f.qualname.borrow_mut() = s.as_str().into();
                        }
                    }
                    _ => {
                        f.attrs.borrow_mut().insert(name.into(), v);
                    }
                }
                Ok(())
            }
            Value::Module(m) => {
                m.attrs.borrow_mut().insert(name.into(), v);
                Ok(())
            }
            _ => {
                let cls = self.type_of(obj);
                if cls.lookup(name).is_some() {
                    Err(PyErr::attribute_error(format!(
                        "'{}' object attribute '{name}' is read-only",
                        obj.type_name()
                    )))
                } else {
                    Err(no_attribute(obj, name))
                }
            }
        }
    }

    /// `object.__setattr__`: a write to an instance past any `__setattr__` of its
    /// class; properties and descriptors (only user classes define them) still apply.
    pub fn object_setattr(&mut self, obj: &Value, inst: &Rc<Instance>, name: &str, v: Value) -> PyResult<()> {
        let cls = inst.class.clone();
        let user_attr = cls.mro_with_self().take_while(|c| c.is_user).find_map(|c| c.dict.borrow().get(name).cloned());
        match user_attr {
            Some(Value::Property(p)) => {
                return match &p.fset {
                    Some(s) => {
                        let s = s.clone();
                        self.call(&s, Args::new([obj.clone(), v]))?;
                        Ok(())
                    }
                    None => Err(PyErr::attribute_error(format!(
                        "property '{name}' of '{}' object has no setter",
                        cls.name
                    ))),
                };
            }
            Some(Value::Instance(d)) if d.class.is_user && d.class.lookup("__set__").is_some() => {
                let set = d.class.lookup("__set__").expect("checked just above");
                self.call(&set, Args::new([Value::Instance(d.clone()), obj.clone(), v]))?;
                return Ok(());
            }
            _ => {}
        }
        if let Some(e) = &inst.exc {
            match name {
                "__cause__" => {
                    *e.cause.borrow_mut() = if v.is_none() { None } else { Some(v) };
                    e.suppress_context.set(true);
                    return Ok(());
                }
                "__context__" => {
                    *e.context.borrow_mut() = if v.is_none() { None } else { Some(v) };
                    return Ok(());
                }
                "__suppress_context__" => {
                    e.suppress_context.set(self.truthy(&v)?);
                    return Ok(());
                }
                "args" => {
                    let items = self.collect(&v)?;
                    *e.args.borrow_mut() = tuple_ref(items);
                    return Ok(());
                }
                _ => {}
            }
        }
        inst.attrs.borrow_mut().insert(name.into(), v);
        Ok(())
    }

    /// `object.__delattr__`: a deletion past any `__delattr__` of the class.
    pub fn object_delattr(&mut self, obj: &Value, inst: &Rc<Instance>, name: &str) -> PyResult<()> {
        if let Some(Value::Property(p)) = inst.class.lookup(name) {
            return match &p.fdel {
                Some(d) => {
                    let d = d.clone();
                    self.call1(&d, obj.clone())?;
                    Ok(())
                }
                None => Err(PyErr::attribute_error(format!(
                    "property '{name}' of '{}' object has no deleter",
                    inst.class.name
                ))),
            };
        }
        if inst.attrs.borrow_mut().shift_remove(name).is_none() {
            return Err(PyErr::attribute_error(format!("'{}' object has no attribute '{name}'", inst.class.tp_name())));
        }
        Ok(())
    }

    pub fn delattr(&mut self, obj: &Value, name: &str) -> PyResult<()> {
        match obj {
            Value::Instance(inst) => {
                if let Some(da) = inst.class.lookup("__delattr__").filter(|f| native_or_python_override(f)) {
                    self.call(&da, Args::new([obj.clone(), Value::str(name)]))?;
                    return Ok(());
                }
                self.object_delattr(obj, inst, name)
            }
            Value::Class(cls) if cls.is_user => {
                if cls.dict.borrow_mut().shift_remove(name).is_none() {
                    return Err(PyErr::attribute_error(format!("type object '{}' has no attribute '{name}'", cls.name)));
                }
                Ok(())
            }
            Value::Function(f) => {
                f.attrs.borrow_mut().shift_remove(name);
                Ok(())
            }
            Value::Module(m) => {
                m.attrs.borrow_mut().shift_remove(name);
                Ok(())
            }
            _ => Err(no_attribute(obj, name)),
        }
    }

    pub fn hasattr(&mut self, obj: &Value, name: &str) -> PyResult<bool> {
        match self.getattr(obj, name) {
            Ok(_) => Ok(true),
            Err(e) if self.err_is(&e, ExcKind::AttributeError) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Looks up a special method on the type (never the instance), as CPython does
    /// for operators.
    pub fn special(&self, obj: &Value, name: &str) -> Option<Value> {
        match obj {
            Value::Instance(i) => i.class.lookup(name),
            Value::Native(n) => n.class.lookup(name),
            _ => None,
        }
    }
}

fn i_is(cls: &Rc<Class>, vm: &Vm, kind: ExcKind) -> bool {
    cls.is_subclass(&vm.exc_class(kind))
}

/// A `__setattr__`/`__delattr__` that overrides object's: Python code, or a native
/// one a stdlib module installed (frozen dataclasses).
fn native_or_python_override(f: &Value) -> bool {
    match f {
        Value::Function(_) => true,
        Value::Builtin(b) => b.owner.as_deref() != Some("object"),
        _ => false,
    }
}

#[cold]
pub fn no_attribute(obj: &Value, name: &str) -> PyErr {
    PyErr::attribute_error(format!("'{}' object has no attribute '{name}'", obj.type_name()))
}
