//! Exceptions: materialising native errors, matching `except` clauses, `raise`,
//! and the traceback text of an uncaught exception.

use std::rc::Rc;

use super::frame::Frame;
use super::Vm;
use crate::values::*;

impl Vm {
    /// Turns a native error into an exception object (budget errors stay terminal
    /// and must not reach here).
    pub fn materialize(&mut self, e: PyErr) -> Rc<Instance> {
        match e.into_repr() {
            exception::ErrRepr::New { kind, args } => self.new_exception(kind, args),
            exception::ErrRepr::Object(i) => i,
            exception::ErrRepr::Terminal(t) => {
                let kind = ExcKind::from_name(t.type_name).unwrap_or(ExcKind::RuntimeError);
                self.new_exception(kind, vec![Value::string(t.message)])
            }
            exception::ErrRepr::Suspend(c) => self.new_exception(
                ExcKind::RuntimeError,
                vec![Value::string(format!("the host did not answer the call of {}()", c.name))],
            ),
        }
    }

    pub fn new_exception(&mut self, kind: ExcKind, args: Vec<Value>) -> Rc<Instance> {
        let inst = Instance::new(self.exc_class(kind));
        if let Some(e) = &inst.exc {
            *e.args.borrow_mut() = tuple_ref(args);
        }
        Rc::new(inst)
    }

    /// Whether `e` is (a subclass of) the builtin exception `kind`.
    pub fn err_is(&self, e: &PyErr, kind: ExcKind) -> bool {
        match e.repr() {
            exception::ErrRepr::New { kind: k, .. } => {
                let mut cur = Some(*k);
                while let Some(c) = cur {
                    if c == kind {
                        return true;
                    }
                    cur = c.parent();
                }
                false
            }
            exception::ErrRepr::Object(i) => i.class.is_subclass(&self.exc_class(kind)),
            exception::ErrRepr::Terminal(_) | exception::ErrRepr::Suspend(_) => false,
        }
    }

    /// `except typ:` against the exception `exc`.
    pub fn exc_matches(&mut self, exc: &Value, typ: &Value) -> PyResult<bool> {
        match typ {
            Value::Class(c) => {
                if !c.is_exception {
                    return Err(PyErr::type_error(
                        "catching classes that do not inherit from BaseException is not allowed",
                    ));
                }
                Ok(self.isinstance(exc, c))
            }
            Value::Tuple(t) => {
                for x in t.iter() {
                    if self.exc_matches(exc, x)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(PyErr::type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            )),
        }
    }

    /// Makes an exception object from what `raise` was given.
    pub fn make_exception(&mut self, v: Value) -> PyResult<Rc<Instance>> {
        match &v {
            Value::Class(c) if c.is_exception => match self.call0(&v)? {
                Value::Instance(i) if i.exc.is_some() => Ok(i),
                _ => Err(PyErr::type_error("exceptions must derive from BaseException")),
            },
            Value::Instance(i) if i.exc.is_some() => Ok(i.clone()),
            _ => Err(PyErr::type_error("exceptions must derive from BaseException")),
        }
    }

    pub(crate) fn raise(&mut self, f: &mut Box<Frame>, n: u32) -> PyErr {
        match n {
            0 => match self.exc_info.clone() {
                Some(Value::Instance(i)) => PyErr::object(i),
                _ => PyErr::runtime_error("No active exception to reraise"),
            },
            1 => {
                let v = f.stack.pop().unwrap_or(Value::None);
                match self.make_exception(v) {
                    Ok(e) => PyErr::object(e),
                    Err(e) => e,
                }
            }
            _ => {
                let cause = f.stack.pop().unwrap_or(Value::None);
                let v = f.stack.pop().unwrap_or(Value::None);
                let exc = match self.make_exception(v) {
                    Ok(e) => e,
                    Err(e) => return e,
                };
                let cause = match cause {
                    Value::None => None,
                    c => match self.make_exception(c) {
                        Ok(c) => Some(Value::Instance(c)),
                        Err(_) => return PyErr::type_error("exception causes must derive from BaseException"),
                    },
                };
                if let Some(d) = &exc.exc {
                    *d.cause.borrow_mut() = cause;
                    d.suppress_context.set(true);
                }
                PyErr::object(exc)
            }
        }
    }

    pub(crate) fn reraise_value(&mut self, exc: Value) -> PyErr {
        match exc {
            Value::Instance(i) => PyErr::object(i),
            _ => PyErr::runtime_error("re-raise of a non-exception"),
        }
    }

    /// `str(exc)` as CPython prints it after `Type: `.
    pub fn exception_message(&mut self, exc: &Rc<Instance>) -> String {
        let v = Value::Instance(exc.clone());
        match self.str(&v) {
            Ok(s) => s,
            Err(_) => "<exception str() failed>".to_owned(),
        }
    }

    /// The full traceback text of an uncaught exception (chained ones first).
    pub fn format_traceback(&mut self, exc: &Rc<Instance>) -> String {
        let mut out = String::new();
        self.format_chain(exc, &mut out, 0);
        out
    }

    fn format_chain(&mut self, exc: &Rc<Instance>, out: &mut String, depth: usize) {
        if depth > 20 {
            return;
        }
        if let Some(d) = &exc.exc {
            let cause = d.cause.borrow().clone();
            let context = d.context.borrow().clone();
            if let Some(Value::Instance(c)) = cause {
                self.format_chain(&c, out, depth + 1);
                out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
            } else if let (Some(Value::Instance(c)), false) = (context, d.suppress_context.get()) {
                self.format_chain(&c, out, depth + 1);
                out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
            }
            let tb = d.traceback.borrow().clone();
            if !tb.is_empty() {
                out.push_str("Traceback (most recent call last):\n");
                for e in tb.iter().rev() {
                    out.push_str(&format!("  File \"{}\", line {}, in {}\n", e.filename, e.line, e.func));
                }
            }
        }
        let line = self.exception_line(exc);
        out.push_str(&line);
        out.push('\n');
    }

    /// `Type: message` (or just `Type`), the last line of a traceback.
    pub fn exception_line(&mut self, exc: &Rc<Instance>) -> String {
        let msg = self.exception_message(exc);
        format_exception_line(&exc.class.name, &msg)
    }
}

pub fn format_exception_line(type_name: &str, msg: &str) -> String {
    if msg.is_empty() {
        type_name.to_owned()
    } else {
        format!("{type_name}: {msg}")
    }
}
