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
    /// A budget stopped the run (steps, time, memory, output, tool calls): not an
    /// error of the program, and never catchable by it.
    Budget { type_name: String, message: String },
}

impl RunError {
    /// The `Type: message` line.
    pub fn last_line(&self) -> String {
        match self {
            RunError::Syntax(e) => crate::vm::format_exception_line(e.kind.name(), &e.message),
            RunError::Exception { type_name, message, .. } | RunError::Budget { type_name, message } => {
                crate::vm::format_exception_line(type_name, message)
            }
        }
    }
}

#[derive(Debug)]
pub struct RunOutcome {
    /// Set when the run stopped at a call of a host function: answer it with
    /// `Session::resume`. Output so far is in `output`.
    pub suspended: Option<HostCall>,
    pub output: String,
    /// The value of the last statement when it is an expression.
    pub value: Option<Value>,
    pub final_answer: Option<Value>,
    pub error: Option<RunError>,
}

pub struct Session {
    vm: Vm,
    globals: Rc<Globals>,
    /// The frame a suspended run stopped in (its callers are on the machine's stack).
    suspended: Option<Box<Frame>>,
    /// Tools bound with `bind_tool` (src/tools), shared with the host resolver.
    pub(crate) tools: Rc<crate::tools::Registry>,
}

const FINAL_ANSWER: &str = "FinalAnswer";

fn final_answer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [answer] = args.bind("final_answer", ["answer"], 0, 1)?;
    vm.final_answer = Some(answer.unwrap_or(Value::None));
    Err(PyErr::terminal(FINAL_ANSWER, "final_answer() was called"))
}

impl Session {
    pub fn new(policy: Policy) -> Session {
        let mut vm = Vm::new(policy);
        let globals = Rc::new(Globals::default());
        let tools = crate::tools::Registry::install(&mut vm, &globals);
        globals.set_by_name("__name__", Value::str("__main__"));
        globals.set_by_name("final_answer", native("final_answer", final_answer));
        Session { vm, globals, suspended: None, tools }
    }

    /// Binds `name` as a Python function that calls the host: a run that calls it
    /// stops with `RunOutcome::suspended` set, and `resume` continues it.
    pub fn bind_host_function(&mut self, name: &str) {
        let f = Value::Builtin(Rc::new(Builtin {
            name: name.into(),
            func: host_function,
            bound: None,
            data: Some(Value::str(name)),
            owner: None,
        }));
        self.globals.set_by_name(name, f);
    }

    /// Answers host calls made where the machine cannot suspend (inside `map`, a
    /// generator, a `sorted` key...).
    pub fn set_host_resolver(&mut self, r: crate::vm::HostResolver) {
        self.vm.host_resolver = Some(r);
    }

    pub fn is_suspended(&self) -> bool {
        self.suspended.is_some()
    }

    /// Continues a suspended run with the host call's result or error.
    pub fn resume(&mut self, result: Result<Value, PyErr>) -> RunOutcome {
        let Some(mut frame) = self.suspended.take() else {
            return RunOutcome {
                suspended: None,
                output: String::new(),
                value: None,
                final_answer: None,
                error: Some(RunError::Exception {
                    type_name: "RuntimeError".into(),
                    message: "resume() called on a session that is not suspended".into(),
                    traceback: "RuntimeError: resume() called on a session that is not suspended\n".into(),
                }),
            };
        };
        self.vm.out.clear();
        let pending = match result {
            Ok(v) => {
                frame.stack.push(v);
                None
            }
            Err(e) => Some(e),
        };
        let (frame, r) = self.vm.execute_resumed(frame, pending);
        self.finish(frame, r)
    }

    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// A flag another thread may set to stop the running code: the run ends as
    /// the budgets end it (`KeyboardInterrupt`, which no `except` can catch) at the
    /// next budget check, within about a thousand steps. The flag stays set until
    /// the host clears it; later runs stop at once while it is.
    pub fn set_cancel(&mut self, flag: std::sync::Arc<std::sync::atomic::AtomicBool>) {
        self.vm.cancel = Some(flag);
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
        vm.nesting = 0;
        vm.filename = filename.into();
        vm.host_calls = 0;
        vm.frames.clear();
        self.suspended = None;
        let done = |vm: &mut Vm, error| RunOutcome {
            suspended: None,
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
        let (frame, r) = vm.execute(frame, None);
        self.finish(frame, r)
    }

    fn finish(&mut self, frame: Box<Frame>, r: PyResult<Exit>) -> RunOutcome {
        let vm = &mut self.vm;
        let mut suspended = None;
        let error = match r {
            Ok(Exit::Return(_)) | Ok(Exit::Yield(_)) => None,
            Err(e) => match e.into_repr() {
                exception::ErrRepr::Suspend(call) => {
                    suspended = Some(*call);
                    None
                }
                exception::ErrRepr::Terminal(t) if t.type_name == FINAL_ANSWER => None,
                exception::ErrRepr::Terminal(t) => {
                    Some(RunError::Budget { type_name: t.type_name.to_owned(), message: t.message })
                }
                other => {
                    let exc = match other {
                        exception::ErrRepr::Object(i) => i,
                        exception::ErrRepr::New { kind, args } => vm.new_exception(kind, args),
                        _ => unreachable!("terminal and suspend errors are handled above"),
                    };
                    let traceback = vm.format_traceback(&exc);
                    let message = vm.exception_message(&exc);
                    Some(RunError::Exception { type_name: exc.class.name.to_string(), message, traceback })
                }
            },
        };
        if suspended.is_some() {
            self.suspended = Some(frame);
        } else {
            vm.frames.clear();
        }
        RunOutcome {
            suspended,
            output: std::mem::take(&mut vm.out),
            value: vm.last_value.take(),
            final_answer: vm.final_answer.take(),
            error,
        }
    }
}

fn host_function(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    // `data` (the function's name) comes first; see `Vm::call`.
    let name = match args.pos.first() {
        Some(Value::Str(s)) => Rc::<str>::from(s.as_str()),
        _ => "host".into(),
    };
    args.pos.remove(0);
    vm.call_host(name, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(Policy::default())
    }

    #[test]
    fn globals_survive_between_runs_and_after_errors() {
        let mut s = session();
        let r = s.run("x = 41\nprint('a')", "<step1>");
        assert_eq!(r.output, "a\n");
        assert!(r.error.is_none());
        let r = s.run("y = x + 1\nraise ValueError('boom')", "<step2>");
        assert_eq!(r.error.as_ref().map(RunError::last_line).as_deref(), Some("ValueError: boom"));
        let r = s.run("y * 2", "<step3>");
        assert!(matches!(r.value, Some(Value::Int(84))));
    }

    #[test]
    fn budgets_are_a_distinct_error_kind_and_stop_at_their_limit() {
        let mut p = Policy::default();
        p.max_steps = 1000;
        let mut s = Session::new(p);
        let r = s.run("n = 0\nwhile True:\n    n += 1", "<steps>");
        assert!(matches!(r.error, Some(RunError::Budget { .. })), "{:?}", r.error);
        // One step per loop iteration: the loop ran exactly up to the limit.
        match s.get_global("n") {
            Some(Value::Int(n)) => assert!((1000..=1001).contains(&n), "ran {n} iterations"),
            other => panic!("n is {other:?}"),
        }
        let r = s.run("raise ValueError('x')", "<err>");
        assert!(matches!(r.error, Some(RunError::Exception { .. })));
    }

    #[test]
    fn a_cancel_flag_set_from_another_thread_stops_an_endless_loop() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let mut s = session();
        let flag = Arc::new(AtomicBool::new(false));
        s.set_cancel(flag.clone());
        let setter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            flag.store(true, Ordering::SeqCst);
        });
        let prog = "n = 0\ntry:\n    while True:\n        n += 1\nexcept BaseException:\n    n = -1";
        let r = s.run(prog, "<cancel>");
        let _ = setter.join();
        assert!(matches!(r.error, Some(RunError::Budget { .. })), "{:?}", r.error);
        assert_eq!(r.error.as_ref().map(RunError::last_line).as_deref().map(|l| l.starts_with("KeyboardInterrupt")), Some(true));
        // Not caught by the `except BaseException`: n counted, never reset.
        assert!(matches!(s.get_global("n"), Some(Value::Int(n)) if n > 0));
    }

    #[test]
    fn attribute_caches_follow_changes_to_classes() {
        // The loop caches what `obj.name` means per class; every change to a class
        // (a property or method added later, an instance attribute shadowing a
        // method, a subclass) must be seen at once.
        let mut s = session();
        let prog = r#"
class A:
    def __init__(self):
        self.x = 1
    def m(self):
        return 'A.m'
a = A()
out = []
for i in range(4):
    out.append((a.x, a.m()))
    if i == 0:
        A.x = property(lambda self: 'prop')
    if i == 1:
        A.m = lambda self: 'new m'
    if i == 2:
        a.m = lambda: 'inst m'
class B(A):
    def __init__(self):
        pass
    def m(self):
        return 'B.m'
b = B()
out.append((b.x, b.m()))
for i in range(2):
    a.y = i
    out.append(a.y)
    if i == 0:
        A.y = property(lambda self: 'py', lambda self, v: None)
print(out)
"#;
        let r = s.run(prog, "<caches>");
        assert!(r.error.is_none(), "{:?}", r.error.as_ref().map(RunError::last_line));
        assert_eq!(
            r.output,
            "[(1, 'A.m'), ('prop', 'A.m'), ('prop', 'new m'), ('prop', 'inst m'), ('prop', 'B.m'), 0, 'py']\n"
        );
    }

    #[test]
    fn final_answer_ends_the_run_with_its_value() {
        let mut s = session();
        let r = s.run("print('before')\nfinal_answer([1, 2])\nprint('after')", "<fa>");
        assert_eq!(r.output, "before\n");
        assert!(r.error.is_none());
        match r.final_answer {
            Some(Value::List(l)) => assert_eq!(l.borrow().len(), 2),
            other => panic!("final answer was {other:?}"),
        }
    }

    #[test]
    fn host_call_suspends_and_resumes_with_a_value() {
        let mut s = session();
        s.bind_host_function("get_sum");
        let r = s.run("total = 0\nfor i in range(2):\n    total += get_sum(i, b=40)\nprint(total)", "<tool>");
        let call = r.suspended.expect("the first call suspends the run");
        assert_eq!(&*call.name, "get_sum");
        assert!(matches!(call.args.as_slice(), [Value::Int(0)]));
        assert_eq!(&*call.kwargs[0].0, "b");
        let r = s.resume(Ok(Value::Int(40)));
        let call = r.suspended.expect("the second iteration calls again");
        assert!(matches!(call.args.as_slice(), [Value::Int(1)]));
        let r = s.resume(Ok(Value::Int(41)));
        assert!(r.suspended.is_none());
        assert!(r.error.is_none(), "{:?}", r.error);
        assert_eq!(r.output, "81\n");
    }

    #[test]
    fn host_call_resumed_with_an_exception_is_catchable() {
        let mut s = session();
        s.bind_host_function("fetch");
        let r = s.run("try:\n    fetch('x')\nexcept ValueError as e:\n    print('caught', e)", "<tool>");
        assert!(r.suspended.is_some());
        let r = s.resume(Err(PyErr::value_error("no such page")));
        assert_eq!(r.output, "caught no such page\n");
        assert!(r.error.is_none());
    }

    #[test]
    fn host_call_inside_native_callback_uses_the_resolver() {
        let mut s = session();
        s.bind_host_function("double");
        let r = s.run("print(list(map(double, [1, 2])))", "<tool>");
        assert_eq!(r.error.as_ref().map(|e| e.last_line().starts_with("RuntimeError")), Some(true));
        s.set_host_resolver(Rc::new(|call: &HostCall| match call.args.first() {
            Some(Value::Int(i)) => Ok(Value::Int(i * 2)),
            _ => Err(PyErr::type_error("want an int")),
        }));
        let r = s.run("print(list(map(double, [1, 2])))", "<tool>");
        assert_eq!(r.output, "[2, 4]\n");
    }
}
