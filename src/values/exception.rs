//! Errors as the machine carries them: a Python exception, created lazily.
//!
//! Native code raises `PyErr::new(ExcKind::TypeError, "...")` without touching the
//! machine; the VM turns it into an exception object only when Python code can see
//! it. Budget errors are terminal: no `except` clause can catch them, so a
//! sandboxed program cannot swallow its own time or memory limit.

use std::rc::Rc;

use super::{Instance, Value};

pub type PyResult<T> = Result<T, PyErr>;

macro_rules! exc_kinds {
    ($($name:ident : $parent:ident),* $(,)?) => {
        /// CPython's builtin exception classes that garter provides.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ExcKind { BaseException, $($name),* }

        impl ExcKind {
            pub const ALL: &'static [ExcKind] = &[ExcKind::BaseException, $(ExcKind::$name),*];

            pub fn name(self) -> &'static str {
                match self {
                    ExcKind::BaseException => "BaseException",
                    $(ExcKind::$name => stringify!($name)),*
                }
            }

            pub fn parent(self) -> Option<ExcKind> {
                match self {
                    ExcKind::BaseException => None,
                    $(ExcKind::$name => Some(ExcKind::$parent)),*
                }
            }
        }
    };
}

// Parents come before children so the classes can be built in this order.
exc_kinds! {
    Exception: BaseException,
    GeneratorExit: BaseException,
    KeyboardInterrupt: BaseException,
    SystemExit: BaseException,
    ArithmeticError: Exception,
    FloatingPointError: ArithmeticError,
    OverflowError: ArithmeticError,
    ZeroDivisionError: ArithmeticError,
    AssertionError: Exception,
    AttributeError: Exception,
    BufferError: Exception,
    EOFError: Exception,
    ImportError: Exception,
    ModuleNotFoundError: ImportError,
    LookupError: Exception,
    IndexError: LookupError,
    KeyError: LookupError,
    MemoryError: Exception,
    NameError: Exception,
    UnboundLocalError: NameError,
    OSError: Exception,
    FileNotFoundError: OSError,
    PermissionError: OSError,
    TimeoutError: OSError,
    ReferenceError: Exception,
    RuntimeError: Exception,
    NotImplementedError: RuntimeError,
    RecursionError: RuntimeError,
    StopIteration: Exception,
    StopAsyncIteration: Exception,
    SyntaxError: Exception,
    IndentationError: SyntaxError,
    TabError: IndentationError,
    SystemError: Exception,
    TypeError: Exception,
    ValueError: Exception,
    UnicodeError: ValueError,
    UnicodeDecodeError: UnicodeError,
    UnicodeEncodeError: UnicodeError,
    Warning: Exception,
    UserWarning: Warning,
    DeprecationWarning: Warning,
    RuntimeWarning: Warning,
}

impl ExcKind {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_name(name: &str) -> Option<ExcKind> {
        ExcKind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// Why a run was stopped by its budget. Never catchable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminal {
    /// The exception type name shown on the error line (`TimeoutError`, `MemoryError`...).
    pub type_name: &'static str,
    pub message: String,
}

#[derive(Debug)]
pub struct PyErr(Box<ErrRepr>);

#[derive(Debug)]
pub enum ErrRepr {
    /// Not yet materialised: a builtin class and its args.
    New { kind: ExcKind, args: Vec<Value> },
    /// An exception instance (builtin or user class).
    Object(Rc<Instance>),
    Terminal(Terminal),
    /// The machine stopped at a call to the host; the frames stay as they are so the
    /// host can resume with a value or an exception.
    Suspend(Box<HostCall>),
}

/// A call of a host function that the machine hands to its host.
#[derive(Debug, Clone)]
pub struct HostCall {
    pub name: Rc<str>,
    pub args: Vec<Value>,
    pub kwargs: Vec<(Rc<str>, Value)>,
    /// Unique within a session.
    pub id: u64,
}

impl PyErr {
    #[cold]
    #[inline(never)]
    pub fn new(kind: ExcKind, msg: impl Into<String>) -> PyErr {
        PyErr(Box::new(ErrRepr::New { kind, args: vec![Value::string(msg.into())] }))
    }

    #[cold]
    #[inline(never)]
    pub fn with_args(kind: ExcKind, args: Vec<Value>) -> PyErr {
        PyErr(Box::new(ErrRepr::New { kind, args }))
    }

    #[cold]
    pub fn object(exc: Rc<Instance>) -> PyErr {
        PyErr(Box::new(ErrRepr::Object(exc)))
    }

    #[cold]
    pub fn terminal(type_name: &'static str, message: impl Into<String>) -> PyErr {
        PyErr(Box::new(ErrRepr::Terminal(Terminal { type_name, message: message.into() })))
    }

    #[cold]
    pub fn suspend(call: HostCall) -> PyErr {
        PyErr(Box::new(ErrRepr::Suspend(Box::new(call))))
    }

    pub fn is_suspend(&self) -> bool {
        matches!(*self.0, ErrRepr::Suspend(_))
    }

    pub fn repr(&self) -> &ErrRepr {
        &self.0
    }

    pub fn into_repr(self) -> ErrRepr {
        *self.0
    }

    pub fn is_terminal(&self) -> bool {
        matches!(*self.0, ErrRepr::Terminal(_))
    }

    /// The builtin kind if this error was raised natively and not yet materialised.
    pub fn kind(&self) -> Option<ExcKind> {
        match &*self.0 {
            ErrRepr::New { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub fn type_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::TypeError, msg)
    }

    pub fn value_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::ValueError, msg)
    }

    pub fn index_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::IndexError, msg)
    }

    pub fn key_error(key: Value) -> PyErr {
        PyErr::with_args(ExcKind::KeyError, vec![key])
    }

    pub fn attribute_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::AttributeError, msg)
    }

    pub fn zero_division(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::ZeroDivisionError, msg)
    }

    pub fn overflow(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::OverflowError, msg)
    }

    pub fn runtime_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::RuntimeError, msg)
    }

    pub fn stop_iteration() -> PyErr {
        PyErr::with_args(ExcKind::StopIteration, vec![])
    }

    pub fn memory_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::MemoryError, msg)
    }
}
