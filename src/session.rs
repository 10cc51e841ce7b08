//! A session: one interpreter whose globals persist between runs, as smolagents'
//! executor keeps variables between agent steps.
//!
//! Each `run` returns what the code printed (captured), the value of a final
//! expression statement, whether `final_answer(...)` was called, and the error if
//! one ended the run. State survives an exception: a later run sees what an earlier
//! one assigned before it failed.

use std::rc::Rc;
use std::time::Instant;

use crate::builtins::native;
use crate::compile;
use crate::policy::Policy;
use crate::syntax::{self, SyntaxError};
use crate::values::*;
use crate::vm::{Exit, Frame, Globals, Vm};

/// Why a run did not end normally.
#[derive(Debug, Clone)]
pub enum RunError {
    Syntax(SyntaxError),
    /// An uncaught exception (or a budget stop): the traceback text, whose last
    /// line is `Type: message`.
    Exception { type_name: String, message: String, traceback: String },
}

impl RunError {
    /// The `Type: message` line.
    pub fn last_line(&self) -> String {
        match self {
            RunError::Syntax(e) => crate::vm::format_exception_line(e.kind.name(), &e.message),
            RunError::Exception { type_name, message, .. } => crate::vm::format_exception_line(type_name, message),
        }
    }
}

#[derive(Debug)]
pub struct RunOutcome {
    pub output: String,
    /// The value of the last statement when it is an expression.
    pub value: Option<Value>,
    pub final_answer: Option<Value>,
    pub error: Option<RunError>,
}

pub struct Session {
    vm: Vm,
    globals: Rc<Globals>,
}

const FINAL_ANSWER: &str = "FinalAnswer";

fn final_answer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [answer] = args.bind("final_answer", ["answer"], 0, 1)?;
    vm.final_answer = Some(answer.unwrap_or(Value::None));
    Err(PyErr::terminal(FINAL_ANSWER, "final_answer() was called"))
}

impl Session {
    pub fn new(policy: Policy) -> Session {
        let vm = Vm::new(policy);
        let globals = Rc::new(Globals::default());
        globals.set_by_name("__name__", Value::str("__main__"));
        globals.set_by_name("final_answer", native("final_answer", final_answer));
        Session { vm, globals }
    }

    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// Binds a Python-visible global (a host function, a value).
    pub fn set_global(&mut self, name: &str, v: Value) {
        self.globals.set_by_name(name, v);
    }

    pub fn get_global(&self, name: &str) -> Option<Value> {
        self.globals.get_by_name(name)
    }

    /// Streams printed output to `f` as it is produced (it is captured as well).
    pub fn on_output(&mut self, f: impl FnMut(&str) + 'static) {
        self.vm.on_output = Some(Box::new(f));
    }

    pub fn run(&mut self, source: &str, filename: &str) -> RunOutcome {
        let vm = &mut self.vm;
        vm.out.clear();
        vm.last_value = None;
        vm.final_answer = None;
        vm.steps = 0;
        vm.started = Instant::now();
        vm.heap_baseline = crate::vm::memory::live_bytes().unwrap_or(0);
        vm.exc_info = None;
        vm.depth = 0;
        vm.native_depth = 0;
        vm.filename = filename.into();
        let done = |vm: &mut Vm, error| RunOutcome {
            output: std::mem::take(&mut vm.out),
            value: vm.last_value.take(),
            final_answer: vm.final_answer.take(),
            error,
        };
        let module = match syntax::parse(source) {
            Ok(m) => m,
            Err(e) => return done(vm, Some(RunError::Syntax(e))),
        };
        let code = {
            let mut table = self.globals.table.borrow_mut();
            match compile::compile_module(&module, source, filename, &mut table) {
                Ok(c) => c,
                Err(e) => {
                    drop(table);
                    return done(vm, Some(RunError::Syntax(e)));
                }
            }
        };
        drop(module);
        let frame = Box::new(Frame::new(code, self.globals.clone()));
        let (_frame, r) = vm.execute(frame, None);
        vm.frames.clear();
        let error = match r {
            Ok(Exit::Return(_)) | Ok(Exit::Yield(_)) => None,
            Err(e) => {
                if let exception::ErrRepr::Terminal(t) = e.repr() {
                    if t.type_name == FINAL_ANSWER {
                        None
                    } else {
                        Some(RunError::Exception {
                            type_name: t.type_name.to_owned(),
                            message: t.message.clone(),
                            traceback: crate::vm::format_exception_line(t.type_name, &t.message),
                        })
                    }
                } else {
                    let exc = vm.materialize(e);
                    let traceback = vm.format_traceback(&exc);
                    let message = vm.exception_message(&exc);
                    Some(RunError::Exception { type_name: exc.class.name.to_string(), message, traceback })
                }
            }
        };
        done(vm, error)
    }
}
