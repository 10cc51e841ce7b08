//! Python values: the `Value` handle and the object kinds behind it.
//!
//! A `Value` is 16 bytes (checked below) and cheap to clone: immediates (None, bool, small int, float)
//! inline, everything else behind an `Rc`. Values never hold anything of the host:
//! no file, no handle, no pointer a sandboxed program could turn into host access.
//! The interpreter is single-threaded per session, hence `Rc`/`RefCell`.

pub mod dict;
pub mod exception;
pub mod float_repr;
pub mod hash;
pub mod numparse;
pub mod object;
pub mod set;
pub mod str;

use std::cell::RefCell;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

pub use dict::PyDict;
pub use exception::{ExcKind, HostCall, PyErr, PyResult};
pub use object::*;
pub use set::PySet;
pub use str::PyStr;

/// A Python value.
///
/// `repr(u64)`: the tag takes a whole word, so every payload (the `bool` too) sits
/// at offset 8 and a copy is two word moves. With a one-byte tag the `bool` lands
/// at offset 1 and copies split into overlapping pieces that stall on store
/// forwarding (see benches/experiments/value_layout.rs).
#[repr(u64)]
pub enum Value {
    None,
    NotImplemented,
    Ellipsis,
    Bool(bool),
    Int(i64),
    /// Invariant: never fits in an i64 (see `Value::from_bigint`).
    BigInt(Rc<BigInt>),
    Float(f64),
    Str(Rc<PyStr>),
    /// Thin pointers (`Rc<Box<[_]>>`, `TupleRef`; not `Rc<[_]>`) keep a `Value` at 16 bytes.
    Bytes(Rc<Box<[u8]>>),
    ByteArray(Rc<RefCell<Vec<u8>>>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(TupleRef),
    Dict(Rc<RefCell<PyDict>>),
    Set(Rc<RefCell<PySet>>),
    FrozenSet(Rc<PySet>),
    Range(Rc<Range>),
    Slice(Rc<Slice>),
    Function(Rc<Function>),
    Builtin(Rc<Builtin>),
    BoundMethod(Rc<BoundMethod>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Generator(Rc<RefCell<Generator>>),
    Iterator(Rc<RefCell<NativeIter>>),
    Module(Rc<Module>),
    Property(Rc<Property>),
    StaticMethod(Rc<Value>),
    ClassMethod(Rc<Value>),
    Super(Rc<Super>),
    /// A native object of a stdlib module (a match object, a deque, a datetime...).
    Native(Rc<NativeObject>),
}

// Every value moved through the machine is two words: keep it so.
// Cloning is the commonest operation of the machine (every local read): the
// immediates copy inline, only the reference-counted kinds take the call.
impl Clone for Value {
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Int(i) => Value::Int(*i),
            Value::Float(x) => Value::Float(*x),
            Value::Bool(b) => Value::Bool(*b),
            Value::None => Value::None,
            _ => self.clone_counted(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_counted(&self) -> Value {
        self.clone_inline()
    }

    /// `clone` with every arm inline, for the machine's hottest loads (locals,
    /// constants, list items): the outlined `clone_counted` returns through a
    /// temporary written as two words and reloaded as one 16-byte move, which
    /// stalls on store forwarding (fib_recursive ~20% faster inlined). Every
    /// counted arm is the same increment, so the match folds to a few instructions.
    #[inline(always)]
    pub fn clone_inline(&self) -> Value {
        match self {
            Value::None => Value::None,
            Value::NotImplemented => Value::NotImplemented,
            Value::Ellipsis => Value::Ellipsis,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(x) => Value::Float(*x),
            Value::BigInt(x) => Value::BigInt(Rc::clone(x)),
            Value::Str(x) => Value::Str(Rc::clone(x)),
            Value::Bytes(x) => Value::Bytes(Rc::clone(x)),
            Value::ByteArray(x) => Value::ByteArray(Rc::clone(x)),
            Value::List(x) => Value::List(Rc::clone(x)),
            Value::Tuple(x) => Value::Tuple(Rc::clone(x)),
            Value::Dict(x) => Value::Dict(Rc::clone(x)),
            Value::Set(x) => Value::Set(Rc::clone(x)),
            Value::FrozenSet(x) => Value::FrozenSet(Rc::clone(x)),
            Value::Range(x) => Value::Range(Rc::clone(x)),
            Value::Slice(x) => Value::Slice(Rc::clone(x)),
            Value::Function(x) => Value::Function(Rc::clone(x)),
            Value::Builtin(x) => Value::Builtin(Rc::clone(x)),
            Value::BoundMethod(x) => Value::BoundMethod(Rc::clone(x)),
            Value::Class(x) => Value::Class(Rc::clone(x)),
            Value::Instance(x) => Value::Instance(Rc::clone(x)),
            Value::Generator(x) => Value::Generator(Rc::clone(x)),
            Value::Iterator(x) => Value::Iterator(Rc::clone(x)),
            Value::Module(x) => Value::Module(Rc::clone(x)),
            Value::Property(x) => Value::Property(Rc::clone(x)),
            Value::StaticMethod(x) => Value::StaticMethod(Rc::clone(x)),
            Value::ClassMethod(x) => Value::ClassMethod(Rc::clone(x)),
            Value::Super(x) => Value::Super(Rc::clone(x)),
            Value::Native(x) => Value::Native(Rc::clone(x)),
        }
    }

    /// A small number for the values whose class is a builtin (immutable) type
    /// fixed by the variant, 0 for the rest (instances, classes, modules, natives).
    #[inline(always)]
    pub fn builtin_kind(&self) -> u8 {
        match self {
            Value::Str(_) => 1,
            Value::List(_) => 2,
            Value::Dict(_) => 3,
            Value::Tuple(_) => 4,
            Value::Int(_) => 5,
            Value::Float(_) => 6,
            Value::Set(_) => 7,
            Value::FrozenSet(_) => 8,
            Value::Bytes(_) => 9,
            Value::ByteArray(_) => 10,
            _ => 0,
        }
    }

    /// True for the values that own nothing (no reference count to drop).
    #[inline(always)]
    pub fn is_immediate(&self) -> bool {
        matches!(self, Value::None | Value::NotImplemented | Value::Ellipsis | Value::Bool(_) | Value::Int(_) | Value::Float(_))
    }

    /// Drops a value without a call into the drop glue when it owns nothing: the
    /// loop discards many ints and bools.
    #[inline(always)]
    pub fn discard(self) {
        if self.is_immediate() {
            std::mem::forget(self);
        } else {
            drop(self);
        }
    }
}

/// What a tuple value points at.
/// A tuple's items live inside its reference-counted box up to three of them
/// (pairs and triples are most tuples: zip, enumerate, dict items, sort keys,
/// multiple returns), so building one is a single allocation; longer ones keep
/// their items on the heap. The pointer stays thin: `Value` is 16 bytes.
pub type TupleItems = smallvec::SmallVec<[Value; 3]>;
pub type TupleRef = Rc<TupleItems>;

pub fn tuple_ref(items: Vec<Value>) -> TupleRef {
    Rc::new(TupleItems::from_vec(items))
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::new(PyStr::new(s)))
    }

    pub fn string(s: String) -> Value {
        Value::Str(Rc::new(PyStr::from_string(s)))
    }

    pub fn from_bigint(b: BigInt) -> Value {
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(Rc::new(b)),
        }
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(tuple_ref(items))
    }

    pub fn bytes(b: impl Into<Box<[u8]>>) -> Value {
        Value::Bytes(Rc::new(b.into()))
    }

    pub fn empty_tuple() -> Value {
        Value::Tuple(Rc::new(TupleItems::new()))
    }

    pub fn dict(d: PyDict) -> Value {
        Value::Dict(Rc::new(RefCell::new(d)))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Identity (`is`), as CPython would answer it for the values where identity is
    /// observable. Small ints and interned-like constants compare by value.
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (NotImplemented, NotImplemented) | (Ellipsis, Ellipsis) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (BigInt(a), BigInt(b)) => Rc::ptr_eq(a, b),
            (Str(a), Str(b)) => Rc::ptr_eq(a, b) || (a.len_chars() <= 1 && a.as_str() == b.as_str()),
            (Bytes(a), Bytes(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (ByteArray(a), ByteArray(b)) => Rc::ptr_eq(a, b),
            (List(a), List(b)) => Rc::ptr_eq(a, b),
            (Tuple(a), Tuple(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (Dict(a), Dict(b)) => Rc::ptr_eq(a, b),
            (Set(a), Set(b)) => Rc::ptr_eq(a, b),
            (FrozenSet(a), FrozenSet(b)) => Rc::ptr_eq(a, b),
            (Range(a), Range(b)) => Rc::ptr_eq(a, b),
            (Slice(a), Slice(b)) => Rc::ptr_eq(a, b),
            (Function(a), Function(b)) => Rc::ptr_eq(a, b),
            (Builtin(a), Builtin(b)) => Rc::ptr_eq(a, b),
            (BoundMethod(a), BoundMethod(b)) => Rc::ptr_eq(a, b),
            (Class(a), Class(b)) => Rc::ptr_eq(a, b),
            (Instance(a), Instance(b)) => Rc::ptr_eq(a, b),
            (Generator(a), Generator(b)) => Rc::ptr_eq(a, b),
            (Iterator(a), Iterator(b)) => Rc::ptr_eq(a, b),
            (Module(a), Module(b)) => Rc::ptr_eq(a, b),
            (Property(a), Property(b)) => Rc::ptr_eq(a, b),
            (StaticMethod(a), StaticMethod(b)) => Rc::ptr_eq(a, b),
            (ClassMethod(a), ClassMethod(b)) => Rc::ptr_eq(a, b),
            (Super(a), Super(b)) => Rc::ptr_eq(a, b),
            (Native(a), Native(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// A number unique among live objects (for `id()`); never a memory address
    /// of the host process in a form that reveals anything: it is the address
    /// mixed with a per-process key.
    pub fn identity(&self) -> usize {
        use Value::*;
        let p: usize = match self {
            None => 1,
            NotImplemented => 2,
            Ellipsis => 3,
            Bool(b) => 4 + *b as usize,
            Int(i) => return (*i as usize).wrapping_mul(2).wrapping_add(1) ^ id_key(),
            Float(f) => return (f.to_bits() as usize).wrapping_mul(2).wrapping_add(1) ^ id_key(),
            BigInt(a) => Rc::as_ptr(a) as *const u8 as usize,
            Str(a) => Rc::as_ptr(a) as *const u8 as usize,
            Bytes(a) => Rc::as_ptr(a) as *const u8 as usize,
            ByteArray(a) => Rc::as_ptr(a) as *const u8 as usize,
            List(a) => Rc::as_ptr(a) as *const u8 as usize,
            Tuple(a) => Rc::as_ptr(a) as *const u8 as usize,
            Dict(a) => Rc::as_ptr(a) as *const u8 as usize,
            Set(a) => Rc::as_ptr(a) as *const u8 as usize,
            FrozenSet(a) => Rc::as_ptr(a) as *const u8 as usize,
            Range(a) => Rc::as_ptr(a) as *const u8 as usize,
            Slice(a) => Rc::as_ptr(a) as *const u8 as usize,
            Function(a) => Rc::as_ptr(a) as *const u8 as usize,
            Builtin(a) => Rc::as_ptr(a) as *const u8 as usize,
            BoundMethod(a) => Rc::as_ptr(a) as *const u8 as usize,
            Class(a) => Rc::as_ptr(a) as *const u8 as usize,
            Instance(a) => Rc::as_ptr(a) as *const u8 as usize,
            Generator(a) => Rc::as_ptr(a) as *const u8 as usize,
            Iterator(a) => Rc::as_ptr(a) as *const u8 as usize,
            Module(a) => Rc::as_ptr(a) as *const u8 as usize,
            Property(a) => Rc::as_ptr(a) as *const u8 as usize,
            StaticMethod(a) => Rc::as_ptr(a) as *const u8 as usize,
            ClassMethod(a) => Rc::as_ptr(a) as *const u8 as usize,
            Super(a) => Rc::as_ptr(a) as *const u8 as usize,
            Native(a) => Rc::as_ptr(a) as *const u8 as usize,
        };
        (p >> 3) ^ id_key()
    }

    /// The Python type name, as in error messages (`'NoneType'`, `'int'`, ...).
    /// For instances, the class name.
    pub fn type_name(&self) -> Rc<str> {
        match self {
            Value::Instance(i) => i.class.tp_name(),
            Value::Native(n) => n.type_name(),
            _ => self.builtin_type_name().into(),
        }
    }

    pub fn builtin_type_name(&self) -> &'static str {
        use Value::*;
        match self {
            None => "NoneType",
            NotImplemented => "NotImplementedType",
            Ellipsis => "ellipsis",
            Bool(_) => "bool",
            Int(_) | BigInt(_) => "int",
            Float(_) => "float",
            Str(_) => "str",
            Bytes(_) => "bytes",
            ByteArray(_) => "bytearray",
            List(_) => "list",
            Tuple(_) => "tuple",
            Dict(_) => "dict",
            Set(_) => "set",
            FrozenSet(_) => "frozenset",
            Range(_) => "range",
            Slice(_) => "slice",
            Function(_) => "function",
            Builtin(b) => {
                if b.bound.is_some() {
                    "builtin_function_or_method"
                } else {
                    "builtin_function_or_method"
                }
            }
            BoundMethod(_) => "method",
            Class(_) => "type",
            Instance(_) => "object",
            Generator(_) => "generator",
            Iterator(it) => it.borrow().type_name(),
            Module(_) => "module",
            Property(_) => "property",
            StaticMethod(_) => "staticmethod",
            ClassMethod(_) => "classmethod",
            Super(_) => "super",
            Native(_) => "object",
        }
    }

    /// Rough size in bytes of what this value keeps alive by itself, for the memory
    /// budget's pre-checks (not a precise accounting).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }

    pub fn as_pystr(&self) -> Option<&Rc<PyStr>> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

fn id_key() -> usize {
    // A fixed odd key is enough: the point is that `id()` is not a usable address,
    // not that it is secret.
    0x5bd1_e995
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<usize> for Value {
    fn from(i: usize) -> Value {
        match i64::try_from(i) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::from_bigint(BigInt::from(i)),
        }
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::BigInt(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{:?}", s.as_str()),
            Value::List(l) => f.debug_list().entries(l.borrow().iter()).finish(),
            Value::Tuple(t) => f.debug_tuple("").field(&t).finish(),
            other => write!(f, "<{}>", other.builtin_type_name()),
        }
    }
}
