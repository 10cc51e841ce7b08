//! The machine: frames on an explicit stack, the instruction loop, budgets.
//!
//! Must never recurse in Rust for a Python-level call made by Python code, never
//! let a budget error be caught by Python code, and never hand the host anything
//! but plain values. Native code that calls back into Python (`sorted(key=...)`)
//! re-enters the loop through `call`, under its own depth cap.

mod attr;
mod call;
pub(crate) use call::user_new;
mod exc;
mod frame;
mod interp;
mod iter;
pub mod memory;
mod ops;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

pub use exc::format_exception_line;
pub use frame::{Block, Frame, Globals};
pub use interp::{Delegated, Exit};
pub use ops::{float_divmod, to_bigint, to_f64};
pub use attr::no_attribute;
pub use iter::not_iterable;

use crate::builtins::Types;
use crate::compile::Code;
use crate::policy::Policy;
use crate::values::exception::HostCall;
use crate::values::*;

/// Answers host calls synchronously when the machine cannot suspend (a host call
/// made from inside a native callback such as `map` or a generator).
pub type HostResolver = Rc<dyn Fn(&HostCall) -> PyResult<Value>>;

pub struct Vm {
    pub types: Types,
    pub builtins: Rc<Module>,
    /// The exception being handled (`sys.exc_info()`), for bare `raise` and `__context__`.
    pub exc_info: Option<Value>,
    pub policy: Policy,
    /// Python frames active (for RecursionError).
    pub depth: usize,
    /// Native re-entries into the loop active.
    pub native_depth: usize,
    pub steps: u64,
    pub started: Instant,
    /// Captured output of `print`.
    pub out: String,
    /// Called with each piece of output as it is produced, if set.
    pub on_output: Option<Box<dyn FnMut(&str)>>,
    pub modules: RefCell<Vec<(Rc<str>, Value)>>,
    pub last_value: Option<Value>,
    pub final_answer: Option<Value>,
    pub frames: Vec<Box<Frame>>,
    frame_pool: Vec<Box<Frame>>,
    pub filename: Rc<str>,
    /// Identities of containers being repr'd (for `[...]`).
    pub repr_stack: Vec<usize>,
    /// Heap bytes live when the current run started (see `memory`).
    pub heap_baseline: usize,
    pub host_resolver: Option<HostResolver>,
    pub host_calls: u64,
    /// True while a native called directly by the instruction loop runs (before it
    /// calls anything back): the only place where a host call may suspend.
    pub loop_call: bool,
    /// Native recursion through nested containers (comparison, hashing).
    pub nesting: usize,
    /// Set by the host (an agent's Ctrl-C) to stop the run: seen where the time
    /// budget is checked, and as uncatchable as it.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl Vm {
    pub fn new(policy: Policy) -> Vm {
        let types = Types::new();
        let builtins = crate::builtins::make_builtins_module(&types);
        Vm {
            types,
            builtins,
            exc_info: None,
            policy,
            depth: 0,
            native_depth: 0,
            steps: 0,
            started: Instant::now(),
            out: String::new(),
            on_output: None,
            modules: RefCell::new(Vec::new()),
            last_value: None,
            final_answer: None,
            frames: Vec::new(),
            frame_pool: Vec::new(),
            filename: "<string>".into(),
            repr_stack: Vec::new(),
            heap_baseline: 0,
            host_resolver: None,
            host_calls: 0,
            loop_call: false,
            nesting: 0,
            cancel: None,
        }
    }

    /// Counts one step and checks the step and time budgets.
    #[inline]
    pub fn tick(&mut self) -> PyResult<()> {
        self.steps += 1;
        if self.steps & 1023 == 0 || self.steps > self.policy.max_steps {
            return self.check_budgets();
        }
        Ok(())
    }

    #[cold]
    pub fn check_budgets(&mut self) -> PyResult<()> {
        if self.steps > self.policy.max_steps {
            return Err(PyErr::terminal(
                "RuntimeError",
                format!("step budget exceeded ({} steps)", self.policy.max_steps),
            ));
        }
        if self.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
            return Err(PyErr::terminal("KeyboardInterrupt", "the run was interrupted"));
        }
        if let Some(t) = self.policy.timeout {
            if self.started.elapsed() > t {
                return Err(PyErr::terminal("TimeoutError", format!("time budget exceeded ({:?})", t)));
            }
        }
        self.check_heap(0)
    }

    /// Compares the heap in use by this run (plus `extra` about to be allocated)
    /// with the memory budget.
    pub fn check_heap(&self, extra: u128) -> PyResult<()> {
        if let Some(live) = memory::live_bytes() {
            let used = live.saturating_sub(self.heap_baseline) as u128 + extra;
            if used > self.policy.max_memory as u128 {
                return Err(PyErr::terminal(
                    "MemoryError",
                    format!("memory budget exceeded ({} bytes)", self.policy.max_memory),
                ));
            }
        }
        Ok(())
    }

    /// Checks that an allocation of `bytes` more fits the memory budget.
    pub fn check_alloc(&self, bytes: u128) -> PyResult<()> {
        if bytes > self.policy.max_memory as u128 {
            return Err(PyErr::memory_error(format!(
                "allocation of {bytes} bytes exceeds the memory budget of {} bytes",
                self.policy.max_memory
            )));
        }
        // Between two tick checks (1,024 steps) a program could otherwise allocate
        // 1,024 unchecked pieces just under the threshold: keep it small (the heap
        // check is one atomic load).
        if bytes > 1 << 12 {
            self.check_heap(bytes)?;
        }
        Ok(())
    }

    /// Big integers are capped in size: beyond this, multiplication alone would take
    /// longer than any budget, and no agent needs such numbers.
    pub fn check_int_bits(&self, bits: u128) -> PyResult<()> {
        if bits > self.policy.max_int_bits as u128 {
            return Err(PyErr::memory_error(format!(
                "integer result of about {bits} bits exceeds garter's limit of {} bits",
                self.policy.max_int_bits
            )));
        }
        self.check_alloc(bits / 8)
    }

    pub fn write_out(&mut self, s: &str) -> PyResult<()> {
        if self.out.len() + s.len() > self.policy.max_output {
            return Err(PyErr::terminal(
                "RuntimeError",
                format!("output budget exceeded ({} bytes)", self.policy.max_output),
            ));
        }
        match &mut self.on_output {
            Some(cb) => cb(s),
            None => {}
        }
        self.out.push_str(s);
        Ok(())
    }

    pub(crate) fn alloc_frame(&mut self, code: Rc<Code>, globals: Rc<Globals>) -> Box<Frame> {
        match self.frame_pool.pop() {
            Some(mut f) => {
                let nlocals = code.varnames.len();
                f.locals.clear();
                f.locals.resize(nlocals, None);
                f.stack.clear();
                f.blocks.clear();
                f.cells.clear();
                for _ in 0..code.cellvars.len() {
                    f.cells.push(Rc::new(RefCell::new(None)));
                }
                f.ip = 0;
                f.code = code;
                f.globals = globals;
                f.namespace = None;
                f
            }
            None => Box::new(Frame::new(code, globals)),
        }
    }

    pub(crate) fn free_frame(&mut self, mut f: Box<Frame>) {
        if self.frame_pool.len() < 64 {
            f.stack.clear();
            f.locals.clear();
            f.cells.clear();
            f.namespace = None;
            self.frame_pool.push(f);
        }
    }

    /// The class of any value (`type(v)`).
    pub fn type_of(&self, v: &Value) -> Rc<Class> {
        let t = &self.types;
        match v {
            Value::None => t.none_type.clone(),
            Value::NotImplemented => t.not_implemented_type.clone(),
            Value::Ellipsis => t.ellipsis.clone(),
            Value::Bool(_) => t.bool.clone(),
            Value::Int(_) | Value::BigInt(_) => t.int.clone(),
            Value::Float(_) => t.float.clone(),
            Value::Str(_) => t.str.clone(),
            Value::Bytes(_) => t.bytes.clone(),
            Value::ByteArray(_) => t.bytearray.clone(),
            Value::List(_) => t.list.clone(),
            Value::Tuple(_) => t.tuple.clone(),
            Value::Dict(_) => t.dict.clone(),
            Value::Set(_) => t.set.clone(),
            Value::FrozenSet(_) => t.frozenset.clone(),
            Value::Range(_) => t.range.clone(),
            Value::Slice(_) => t.slice.clone(),
            Value::Function(_) => t.function.clone(),
            Value::Builtin(_) => t.builtin_function.clone(),
            Value::BoundMethod(_) => t.method.clone(),
            Value::Class(_) => t.type_.clone(),
            Value::Instance(i) => i.class.clone(),
            Value::Generator(_) => t.generator.clone(),
            Value::Iterator(_) => t.iterator.clone(),
            Value::Module(_) => t.module.clone(),
            Value::Property(_) => t.property.clone(),
            Value::StaticMethod(_) => t.staticmethod.clone(),
            Value::ClassMethod(_) => t.classmethod.clone(),
            Value::Super(_) => t.super_.clone(),
            Value::Native(n) => n.class.clone(),
        }
    }

    pub fn exc_class(&self, kind: ExcKind) -> Rc<Class> {
        self.types.exc[kind.index()].clone()
    }

    pub fn isinstance(&self, v: &Value, cls: &Rc<Class>) -> bool {
        let t = self.type_of(v);
        t.is_subclass(cls)
    }

    /// Calls the host function `name`: suspends the machine (returning to the host)
    /// when called from the instruction loop itself, or asks the synchronous resolver
    /// from inside native callbacks.
    pub fn call_host(&mut self, name: Rc<str>, args: Args) -> PyResult<Value> {
        if self.host_calls >= self.policy.max_host_calls {
            return Err(PyErr::terminal(
                "RuntimeError",
                format!("tool call budget exceeded ({} calls)", self.policy.max_host_calls),
            ));
        }
        self.host_calls += 1;
        let call = HostCall { name, args: args.pos.into_vec(), kwargs: args.kw, id: self.host_calls };
        if self.native_depth == 0 && self.loop_call {
            return Err(PyErr::suspend(call));
        }
        match self.host_resolver.clone() {
            Some(r) => r(&call),
            None => Err(PyErr::runtime_error(format!(
                "{}() was called from inside a native callback (map, sorted, a generator...), where this host cannot answer; call it from a plain loop",
                call.name
            ))),
        }
    }

    /// An imported module of this session (each session has its own copies).
    pub fn import(&mut self, name: &str) -> PyResult<Value> {
        if let Some((_, m)) = self.modules.borrow().iter().find(|(n, _)| &**n == name) {
            return Ok(m.clone());
        }
        if !self.policy.allows_import(name) {
            return Err(PyErr::new(
                ExcKind::ImportError,
                format!(
                    "import of '{name}' is not allowed; allowed modules: {}",
                    self.policy.allowed_imports().join(", ")
                ),
            ));
        }
        let m = match crate::stdlib::load(self, name)? {
            Some(m) => m,
            None => {
                return Err(PyErr::new(ExcKind::ModuleNotFoundError, format!("No module named '{name}'")));
            }
        };
        self.modules.borrow_mut().push((name.into(), m.clone()));
        Ok(m)
    }
}
