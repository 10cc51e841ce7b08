//! Calls: binding arguments to parameters with CPython's error messages, native
//! re-entry, instantiation, class creation, generators and context managers.

use std::cell::RefCell;
use std::rc::Rc;

use smallvec::SmallVec;

use super::frame::{Frame, Globals};
use super::interp::{Delegated, Exit};
use super::Vm;
use crate::compile::Code;
use crate::values::*;

impl Vm {
    /// Calls any callable from native code (re-entering the loop for Python code).
    pub fn call(&mut self, func: &Value, mut args: Args) -> PyResult<Value> {
        self.loop_call = false;
        match func {
            Value::Function(fun) => {
                let frame = self.bind_frame(fun, args.pos, args.kw)?;
                if fun.code.is_generator {
                    return Ok(self.make_generator(fun, frame));
                }
                self.run_nested(frame)
            }
            Value::Builtin(b) => {
                if let Some(s) = &b.bound {
                    args.pos.insert(0, s.clone());
                }
                if let Some(d) = &b.data {
                    // Natives with state get it as their first argument.
                    args.pos.insert(0, d.clone());
                }
                (b.func)(self, args)
            }
            Value::BoundMethod(m) => {
                args.pos.insert(0, m.receiver.clone());
                let f = m.func.clone();
                self.call(&f, args)
            }
            Value::Class(c) => {
                let c = c.clone();
                self.instantiate(&c, args)
            }
            Value::Instance(i) => match i.class.lookup("__call__") {
                Some(m) => {
                    args.pos.insert(0, func.clone());
                    self.call(&m, args)
                }
                None => Err(PyErr::not_callable(func)),
            },
            Value::StaticMethod(inner) => {
                let inner = (**inner).clone();
                self.call(&inner, args)
            }
            Value::Native(n) => match n.class.lookup("__call__") {
                Some(m) => {
                    args.pos.insert(0, func.clone());
                    self.call(&m, args)
                }
                None => Err(PyErr::not_callable(func)),
            },
            _ => Err(PyErr::not_callable(func)),
        }
    }

    pub fn call1(&mut self, func: &Value, a: Value) -> PyResult<Value> {
        self.call(func, Args::new([a]))
    }

    pub fn call0(&mut self, func: &Value) -> PyResult<Value> {
        self.call(func, Args::default())
    }

    /// Runs a frame to completion in a nested loop (native code calling Python).
    pub fn run_nested(&mut self, frame: Box<Frame>) -> PyResult<Value> {
        if self.native_depth >= self.policy.max_native_depth || self.depth >= self.policy.max_recursion {
            self.free_frame(frame);
            return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded"));
        }
        self.native_depth += 1;
        self.depth += 1;
        let (f, r) = self.execute(frame, None);
        self.depth -= 1;
        self.native_depth -= 1;
        self.free_frame(f);
        let r = r.map_err(|e| {
            if e.is_suspend() {
                // A nested loop cannot be suspended through the native code that runs it.
                PyErr::runtime_error("a host function was called from inside a native callback (map, sorted, ...) and the host answers only asynchronously")
            } else {
                e
            }
        });
        match r? {
            Exit::Return(v) => Ok(v),
            Exit::Yield(_) => Err(PyErr::runtime_error("yield outside a generator")),
        }
    }

    /// Builds the frame for a call of `fun`, binding arguments as CPython does.
    pub fn bind_frame(
        &mut self,
        fun: &Rc<Function>,
        pos: SmallVec<[Value; 4]>,
        kw: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Box<Frame>> {
        let code = fun.code.clone();
        let mut frame = self.alloc_frame(code.clone(), fun.globals.clone());
        let argc = code.argcount as usize;
        let npos = pos.len();
        if npos == argc && kw.is_empty() && !code.varargs && code.kwonly == 0 && !code.varkw {
            for (slot, v) in frame.locals.iter_mut().zip(pos) {
                *slot = Some(v);
            }
        } else if let Err(e) = self.bind_slow(fun, &code, &mut frame, pos, kw) {
            self.free_frame(frame);
            return Err(e);
        }
        for &(ci, vi) in &code.cell_params {
            let v = frame.locals[vi as usize].take();
            *frame.cells[ci as usize].borrow_mut() = v;
        }
        frame.cells.extend(fun.closure.iter().cloned());
        Ok(frame)
    }

    fn bind_slow(
        &mut self,
        fun: &Rc<Function>,
        code: &Code,
        frame: &mut Frame,
        pos: SmallVec<[Value; 4]>,
        kw: Vec<(Rc<str>, Value)>,
    ) -> PyResult<()> {
        let fname = fun.qualname.borrow().clone();
        let argc = code.argcount as usize;
        let kwonly = code.kwonly as usize;
        let npos = pos.len();
        let varargs_slot = argc + kwonly;
        let varkw_slot = varargs_slot + code.varargs as usize;
        let mut extra = Vec::new();
        for (i, v) in pos.into_iter().enumerate() {
            if i < argc {
                frame.locals[i] = Some(v);
            } else {
                extra.push(v);
            }
        }
        if !extra.is_empty() && !code.varargs {
            let ndef = fun.defaults.len();
            let kw_given = kw.iter().filter(|(k, _)| code.varnames[argc..argc + kwonly].iter().any(|n| n == k)).count();
            let takes = if ndef > 0 {
                format!("from {} to {} positional arguments", argc - ndef, argc)
            } else {
                format!("{argc} positional argument{}", if argc == 1 { "" } else { "s" })
            };
            let given = if kw_given > 0 {
                format!(
                    "{npos} positional argument{} (and {kw_given} keyword-only argument{}) were given",
                    if npos == 1 { "" } else { "s" },
                    if kw_given == 1 { "" } else { "s" }
                )
            } else {
                format!("{npos} {}", if npos == 1 { "was given" } else { "were given" })
            };
            return Err(PyErr::type_error(format!("{fname}() takes {takes} but {given}")));
        }
        if code.varargs {
            frame.locals[varargs_slot] = Some(Value::tuple(extra));
        }
        let mut kwdict = if code.varkw { Some(PyDict::new()) } else { None };
        let mut posonly_as_kw = Vec::new();
        for (k, v) in kw {
            let idx = code.varnames[..argc + kwonly].iter().position(|n| **n == *k);
            match idx {
                Some(i) if i >= code.posonly as usize => {
                    if frame.locals[i].is_some() {
                        return Err(PyErr::type_error(format!("{fname}() got multiple values for argument '{k}'")));
                    }
                    frame.locals[i] = Some(v);
                }
                _ => match &mut kwdict {
                    Some(d) => {
                        let key = Value::str(&k);
                        if d.get_simple(&key).is_some() {
                            return Err(PyErr::type_error(format!(
                                "{fname}() got multiple values for keyword argument '{k}'"
                            )));
                        }
                        d.insert_simple(key, v);
                    }
                    None => {
                        if idx.is_some() {
                            posonly_as_kw.push(k);
                            continue;
                        }
                        return Err(PyErr::type_error(format!("{fname}() got an unexpected keyword argument '{k}'")));
                    }
                },
            }
        }
        if !posonly_as_kw.is_empty() {
            let names: Vec<String> = posonly_as_kw.iter().map(|k| k.to_string()).collect();
            return Err(PyErr::type_error(format!(
                "{fname}() got some positional-only arguments passed as keyword arguments: '{}'",
                names.join(", ")
            )));
        }
        let ndef = fun.defaults.len();
        let first_default = argc - ndef.min(argc);
        let mut missing = Vec::new();
        for i in 0..argc {
            if frame.locals[i].is_none() {
                if i >= first_default {
                    frame.locals[i] = Some(fun.defaults[i - first_default].clone());
                } else {
                    missing.push(code.varnames[i].clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(missing_args(&fname, &missing, "positional"));
        }
        for j in 0..kwonly {
            let i = argc + j;
            if frame.locals[i].is_none() {
                match fun.kwdefaults.get(j).cloned().flatten() {
                    Some(d) => frame.locals[i] = Some(d),
                    None => missing.push(code.varnames[i].clone()),
                }
            }
        }
        if !missing.is_empty() {
            return Err(missing_args(&fname, &missing, "keyword-only"));
        }
        if let Some(d) = kwdict {
            frame.locals[varkw_slot] = Some(Value::dict(d));
        }
        Ok(())
    }

    /// `Cls(args)`: builtin constructors, `__new__` and `__init__`.
    pub fn instantiate(&mut self, cls: &Rc<Class>, args: Args) -> PyResult<Value> {
        if !cls.is_user {
            if let Some(ctor) = self.types.ctor_of(cls) {
                return ctor(self, args);
            }
            if cls.is_exception {
                // A module's exception class with its own native `__init__`
                // (json.JSONDecodeError(msg, doc, pos)) fills its attributes there.
                let own_init = cls.dict.borrow().get("__init__").cloned();
                if own_init.is_none() {
                    args.no_kwargs(&cls.name)?;
                }
                let inst = Instance::new(cls.clone());
                if let Some(e) = &inst.exc {
                    *e.args.borrow_mut() = tuple_ref(args.pos.to_vec());
                }
                let obj = Value::Instance(Rc::new(inst));
                if let Some(init @ Value::Builtin(_)) = own_init {
                    let mut a = args;
                    a.pos.insert(0, obj.clone());
                    self.call(&init, a)?;
                }
                return Ok(obj);
            }
            return Err(PyErr::type_error(format!("cannot create '{}' instances", cls.name)));
        }
        // User class.
        let obj = if let Some(new) = user_new(cls) {
            let mut a = Args { pos: args.pos.clone(), kw: args.kw.clone() };
            a.pos.insert(0, Value::Class(cls.clone()));
            let obj = self.call(&new, a)?;
            // An enum class's call is a member lookup (EnumType.__call__): the
            // member's `__init__` ran when the class was made, not again here.
            if !self.isinstance(&obj, cls) || crate::stdlib::r#enum::is_enum_class(cls) {
                return Ok(obj);
            }
            obj
        } else {
            self.blank_instance(cls, &args)?
        };
        match cls.lookup_with_owner("__init__") {
            Some((_, init @ Value::Function(_))) => {
                let mut a = args;
                a.pos.insert(0, obj.clone());
                let r = self.call(&init, a)?;
                if !r.is_none() {
                    return Err(PyErr::type_error(format!("__init__() should return None, not '{}'", r.type_name())));
                }
            }
            Some((_, init @ Value::Builtin(_))) => {
                let mut a = args;
                a.pos.insert(0, obj.clone());
                self.call(&init, a)?;
            }
            _ => {
                if user_new(cls).is_none() && (!args.pos.is_empty() || !args.kw.is_empty()) && cls.tag == TypeTag::Object {
                    return Err(PyErr::type_error(format!("{}() takes no arguments", cls.name)));
                }
            }
        }
        Ok(obj)
    }

    /// A new instance of user class `cls` before `__init__`: exception arguments
    /// recorded, and for a subclass of a builtin type the value it wraps.
    fn blank_instance(&mut self, cls: &Rc<Class>, args: &Args) -> PyResult<Value> {
        let inst = Instance::new(cls.clone());
        if let Some(e) = &inst.exc {
            *e.args.borrow_mut() = tuple_ref(args.pos.to_vec());
        }
        let base = self.builtin_base_value(cls, args)?;
        *inst.base.borrow_mut() = base;
        Ok(Value::Instance(Rc::new(inst)))
    }

    /// `object.__new__(cls, *args)`, as `super().__new__(cls, ...)` reaches it from a
    /// user `__new__`. Arguments go to the builtin base's constructor when there is
    /// one; for plain classes CPython refuses them unless only `__init__` is
    /// overridden.
    pub fn new_instance(&mut self, cls: &Rc<Class>, args: Args) -> PyResult<Value> {
        if !cls.is_user {
            if cls.tag == TypeTag::Object && cls.name.as_ref() == "object" {
                return self.instantiate(cls, args);
            }
            return Err(PyErr::type_error(format!("object.__new__({0}) is not safe, use {0}.__new__()", cls.name)));
        }
        if cls.tag == TypeTag::Object && !cls.is_exception && !args.is_empty() {
            if user_new(cls).is_some() {
                return Err(PyErr::type_error("object.__new__() takes exactly one argument (the type to instantiate)"));
            }
            if !cls.lookup("__init__").is_some_and(|v| matches!(v, Value::Function(_))) {
                return Err(PyErr::type_error(format!("{}() takes no arguments", cls.name)));
            }
        }
        self.blank_instance(cls, &args)
    }

    /// For subclasses of builtin types: the builtin value the instance wraps.
    fn builtin_base_value(&mut self, cls: &Rc<Class>, args: &Args) -> PyResult<Option<Value>> {
        let tag = cls.tag;
        Ok(match tag {
            TypeTag::Object | TypeTag::BaseException => None,
            TypeTag::List => Some(Value::list(Vec::new())),
            TypeTag::Dict => Some(Value::dict(PyDict::new())),
            TypeTag::Set => Some(Value::Set(Rc::new(RefCell::new(PySet::new())))),
            _ => {
                let base_cls = cls.mro_with_self().find(|c| !c.is_user);
                match base_cls.and_then(|c| self.types.ctor_of(&c)) {
                    Some(ctor) => {
                        let has_init = cls.lookup("__init__").is_some_and(|v| matches!(v, Value::Function(_)));
                        let a = if has_init && tag != TypeTag::Tuple && tag != TypeTag::Str && tag != TypeTag::Int && tag != TypeTag::Float {
                            Args::default()
                        } else {
                            Args { pos: args.pos.clone(), kw: args.kw.clone() }
                        };
                        Some(ctor(self, a)?)
                    }
                    None => None,
                }
            }
        })
    }

    /// Runs a class body and builds the class (C3 MRO, `__class__` cell, `__set_name__`).
    pub fn build_class(
        &mut self,
        body: Rc<Code>,
        globals: Rc<Globals>,
        closure: Vec<CellRef>,
        bases: Value,
        kwargs: Value,
    ) -> PyResult<Value> {
        let mut base_classes = Vec::new();
        if let Value::Tuple(t) = &bases {
            for b in t.iter() {
                match b {
                    Value::Class(c) => base_classes.push(c.clone()),
                    other => {
                        return Err(PyErr::type_error(format!(
                            "bases must be types, not {}",
                            other.type_name()
                        )));
                    }
                }
            }
        }
        if let Value::Dict(d) = &kwargs {
            for e in d.borrow().iter() {
                if let Value::Str(k) = &e.key {
                    if k.as_str() != "metaclass" {
                        return Err(PyErr::type_error(format!(
                            "garter does not support class keyword arguments ('{}')",
                            k.as_str()
                        )));
                    }
                }
            }
        }
        let ns = Rc::new(RefCell::new(Attrs::default()));
        ns.borrow_mut().insert("__module__".into(), Value::str("__main__"));
        ns.borrow_mut().insert("__qualname__".into(), Value::str(&body.qualname));
        if let Some(doc) = &body.docstring {
            ns.borrow_mut().insert("__doc__".into(), Value::str(doc));
        }
        let mut frame = self.alloc_frame(body.clone(), globals);
        frame.namespace = Some(ns.clone());
        let class_cell = body.cellvars.iter().position(|n| &**n == "__class__").map(|i| frame.cells[i].clone());
        frame.cells.extend(closure);
        self.run_nested(frame)?;
        let dict = std::mem::take(&mut *ns.borrow_mut());
        let cls = self.new_class(&body.name, &body.qualname, base_classes, dict)?;
        if crate::stdlib::r#enum::is_enum_class(&cls) {
            // Subclassing an Enum turns the body's plain attributes into members.
            crate::stdlib::r#enum::finish_class(self, &cls)?;
        }
        if let Some(cell) = class_cell {
            *cell.borrow_mut() = Some(Value::Class(cls.clone()));
        }
        // __set_name__ on descriptors defined in the body.
        let items: Vec<(Rc<str>, Value)> = cls.dict.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in items {
            if let Value::Instance(i) = &v {
                if let Some(m) = i.class.lookup("__set_name__") {
                    self.call(&m, Args::new([v.clone(), Value::Class(cls.clone()), Value::str(&k)]))?;
                }
            }
        }
        Ok(Value::Class(cls))
    }

    /// Creates a class object with a C3 linearisation of its bases.
    pub fn new_class(&mut self, name: &str, qualname: &str, bases: Vec<Rc<Class>>, dict: Attrs) -> PyResult<Rc<Class>> {
        let bases = if bases.is_empty() { vec![self.types.object.clone()] } else { bases };
        let mro = c3_mro(&bases).ok_or_else(|| {
            let names: Vec<&str> = bases.iter().map(|b| &*b.name).collect();
            PyErr::type_error(format!(
                "Cannot create a consistent method resolution order (MRO) for bases {}",
                names.join(", ")
            ))
        })?;
        let tag = mro.iter().map(|c| c.tag).find(|t| *t != TypeTag::Object).unwrap_or(TypeTag::Object);
        let is_exception = mro.iter().any(|c| c.is_exception);
        for b in &bases {
            if matches!(b.tag, TypeTag::Bool | TypeTag::Range | TypeTag::Slice | TypeTag::Function | TypeTag::Generator | TypeTag::NoneType) && !b.is_user {
                return Err(PyErr::type_error(format!("type '{}' is not an acceptable base type", b.name)));
            }
        }
        Ok(Rc::new(Class {
            name: name.into(),
            qualname: qualname.into(),
            module: "__main__".into(),
            bases,
            mro,
            dict: ClassDict::new(dict),
            tag,
            exc_kind: None,
            is_exception,
            is_user: true,
            c_type: false,
        }))
    }

    /// How CPython's call errors name a callable (`_PyObject_FunctionStr`):
    /// `__main__.f()`, `__main__.C.m()`, `len()`, `list.append()`, `dict()`.
    pub fn function_str(&mut self, func: &Value) -> String {
        match func {
            Value::Function(fun) => format!("__main__.{}()", fun.qualname.borrow()),
            Value::BoundMethod(m) => {
                let inner = m.func.clone();
                self.function_str(&inner)
            }
            Value::Builtin(b) => match &b.owner {
                Some(o) => format!("{o}.{}()", b.name),
                None => format!("{}()", b.name),
            },
            Value::Class(c) if &*c.module == "builtins" => format!("{}()", c.qualname),
            Value::Class(c) => format!("{}.{}()", c.module, c.qualname),
            other => self.str(other).unwrap_or_else(|_| format!("{}()", other.type_name())),
        }
    }

    /// `f(**a, **b)` with a key in both: CPython names the function in the error.
    pub(crate) fn prefix_multiple_values(&mut self, e: PyErr, func: &Value) -> PyErr {
        if let exception::ErrRepr::New { kind: ExcKind::TypeError, args } = e.repr() {
            if let Some(Value::Str(s)) = args.first() {
                if s.as_str().starts_with("got multiple values for keyword argument") {
                    let msg = format!("{} {}", self.function_str(func), s.as_str());
                    return PyErr::type_error(msg);
                }
            }
        }
        e
    }

    /// `with ctx as x`: returns (bound `__exit__`, result of `__enter__()`).
    pub fn enter_context(&mut self, ctx: &Value) -> PyResult<(Value, Value)> {
        let cls = self.type_of(ctx);
        let (Some(enter), Some(exit)) = (cls.lookup("__enter__"), cls.lookup("__exit__")) else {
            let msg = if cls.lookup("__enter__").is_some() {
                format!("'{}' object does not support the context manager protocol (missed __exit__ method)", cls.name)
            } else {
                format!("'{}' object does not support the context manager protocol", cls.name)
            };
            return Err(PyErr::type_error(msg));
        };
        let exit = Value::BoundMethod(Rc::new(BoundMethod { func: exit, receiver: ctx.clone() }));
        let res = self.call(&enter, Args::new([ctx.clone()]))?;
        Ok((exit, res))
    }

    /// One step of a generator: `send(value)` or `throw(exc)`.
    pub fn resume_generator(
        &mut self,
        g: &Rc<RefCell<Generator>>,
        sent: Value,
        throw: Option<PyErr>,
    ) -> PyResult<Delegated> {
        let frame = {
            let mut generator = g.try_borrow_mut().map_err(|_| PyErr::value_error("generator already executing"))?;
            match generator.state {
                GenState::Running => return Err(PyErr::value_error("generator already executing")),
                GenState::Done => {
                    return match throw {
                        Some(e) => Err(e),
                        None => Ok(Delegated::Done(Value::None)).and_then(|_| Err(PyErr::stop_iteration())),
                    };
                }
                GenState::Created => {
                    if throw.is_none() && !sent.is_none() {
                        return Err(PyErr::type_error("can't send non-None value to a just-started generator"));
                    }
                    if throw.is_some() {
                        generator.state = GenState::Done;
                        generator.frame = None;
                        return Err(throw.expect("checked just above"));
                    }
                }
                GenState::Suspended => {}
            }
            let mut frame = generator.frame.take().expect("a suspended generator keeps its frame");
            if generator.state == GenState::Suspended && throw.is_none() {
                frame.stack.push(sent);
            }
            generator.state = GenState::Running;
            frame
        };
        if self.native_depth >= self.policy.max_native_depth || self.depth >= self.policy.max_recursion {
            let mut generator = g.borrow_mut();
            generator.frame = Some(frame);
            generator.state = GenState::Suspended;
            return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded"));
        }
        self.native_depth += 1;
        self.depth += 1;
        let (frame, r) = self.execute(frame, throw);
        self.depth -= 1;
        self.native_depth -= 1;
        let mut generator = g.borrow_mut();
        match r {
            Ok(Exit::Yield(v)) => {
                generator.frame = Some(frame);
                generator.state = GenState::Suspended;
                Ok(Delegated::Yielded(v))
            }
            Ok(Exit::Return(v)) => {
                generator.state = GenState::Done;
                drop(generator);
                self.free_frame(frame);
                Ok(Delegated::Done(v))
            }
            Err(e) => {
                generator.state = GenState::Done;
                drop(generator);
                self.free_frame(frame);
                if self.err_is(&e, ExcKind::StopIteration) {
                    return Err(PyErr::runtime_error("generator raised StopIteration"));
                }
                Err(e)
            }
        }
    }

    /// `gen.close()`
    pub fn close_generator(&mut self, g: &Rc<RefCell<Generator>>) -> PyResult<()> {
        let state = g.borrow().state;
        match state {
            GenState::Created => {
                let mut generator = g.borrow_mut();
                generator.state = GenState::Done;
                generator.frame = None;
                Ok(())
            }
            GenState::Done => Ok(()),
            GenState::Running => Err(PyErr::value_error("generator already executing")),
            GenState::Suspended => {
                let exit = PyErr::with_args(ExcKind::GeneratorExit, vec![]);
                match self.resume_generator(g, Value::None, Some(exit)) {
                    Ok(Delegated::Yielded(_)) => Err(PyErr::runtime_error("generator ignored GeneratorExit")),
                    Ok(Delegated::Done(_)) => Ok(()),
                    Err(e) if self.err_is(&e, ExcKind::GeneratorExit) || self.err_is(&e, ExcKind::StopIteration) => Ok(()),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// One step of `yield from it` with `sent`.
    pub(crate) fn delegate(&mut self, it: &Value, sent: Value) -> PyResult<Delegated> {
        match it {
            Value::Generator(g) => match self.resume_generator(g, sent, None) {
                Err(e) if self.err_is(&e, ExcKind::StopIteration) => Ok(Delegated::Done(Value::None)),
                other => other,
            },
            _ => {
                if !sent.is_none() {
                    if let Ok(send) = self.getattr(it, "send") {
                        return match self.call1(&send, sent) {
                            Ok(v) => Ok(Delegated::Yielded(v)),
                            Err(e) => self.stop_iteration_value(e).map(Delegated::Done),
                        };
                    }
                }
                match self.next(it)? {
                    Some(v) => Ok(Delegated::Yielded(v)),
                    None => Ok(Delegated::Done(Value::None)),
                }
            }
        }
    }

    /// The value of a StopIteration, or the error itself if it is another one.
    pub fn stop_iteration_value(&mut self, e: PyErr) -> PyResult<Value> {
        if !self.err_is(&e, ExcKind::StopIteration) {
            return Err(e);
        }
        let exc = self.materialize(e);
        Ok(exc.exc_args().first().cloned().unwrap_or(Value::None))
    }
}

#[cold]
fn missing_args(fname: &str, missing: &[Rc<str>], kind: &str) -> PyErr {
    let quoted: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
    let list = match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        _ => format!("{}, and {}", quoted[..quoted.len() - 1].join(", "), quoted[quoted.len() - 1]),
    };
    let n = missing.len();
    PyErr::type_error(format!(
        "{fname}() missing {n} required {kind} argument{}: {list}",
        if n == 1 { "" } else { "s" }
    ))
}

/// C3 linearisation of `bases` (the MRO without the class itself).
fn c3_mro(bases: &[Rc<Class>]) -> Option<Vec<Rc<Class>>> {
    let mut seqs: Vec<Vec<Rc<Class>>> = bases.iter().map(|b| b.mro_with_self().collect()).collect();
    seqs.push(bases.to_vec());
    let mut out = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Some(out);
        }
        let mut found = None;
        for s in &seqs {
            let cand = &s[0];
            if !seqs.iter().any(|t| t[1..].iter().any(|c| Rc::ptr_eq(c, cand))) {
                found = Some(cand.clone());
                break;
            }
        }
        let c = found?;
        for s in &mut seqs {
            if Rc::ptr_eq(&s[0], &c) {
                s.remove(0);
            }
        }
        out.push(c);
    }
}

/// The `__new__` a user class defines (itself or through a user base), as the
/// function to call with the class first; `object.__new__` does not count.
pub(crate) fn user_new(cls: &Rc<Class>) -> Option<Value> {
    match cls.lookup("__new__")? {
        f @ Value::Function(_) => Some(f),
        Value::StaticMethod(f) if !matches!(&*f, Value::Builtin(b) if b.owner.as_deref() == Some("object")) => Some((*f).clone()),
        _ => None,
    }
}
