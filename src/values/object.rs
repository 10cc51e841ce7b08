//! The object kinds behind `Value`: functions, classes, instances, iterators, modules.
//!
//! None of these may hold a host resource. Attributes that would let sandboxed code
//! reach the machine's internals (code objects, frames, globals) live in Rust fields
//! that no attribute lookup exposes: see `vm/attr.rs` for the one rule that decides
//! what Python code can read.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use indexmap::IndexMap;
use smallvec::SmallVec;

use super::{ExcKind, PyErr, PyResult, Value};
use crate::compile::Code;
use crate::vm::{Frame, Globals, Vm};

pub type FxBuild = std::hash::BuildHasherDefault<rustc_hash::FxHasher>;
/// An attribute namespace (instance `__dict__`, class body, module).
pub type Attrs = IndexMap<Rc<str>, Value, FxBuild>;
/// A closure cell; `None` while the variable is unbound.
pub type CellRef = Rc<RefCell<Option<Value>>>;

/// Arguments of a call to native code. `pos` holds `self` first for methods.
#[derive(Default, Debug)]
pub struct Args {
    pub pos: SmallVec<[Value; 4]>,
    pub kw: Vec<(Rc<str>, Value)>,
}

pub type NativeFn = fn(&mut Vm, Args) -> PyResult<Value>;

impl Args {
    pub fn new(pos: impl IntoIterator<Item = Value>) -> Args {
        Args { pos: pos.into_iter().collect(), kw: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.is_empty() && self.kw.is_empty()
    }

    /// Binds arguments to a native signature with CPython's wording for mistakes.
    ///
    /// `names` lists every parameter in order; the first `posonly` of them are
    /// positional-only, the rest may also be passed by keyword; the first `required`
    /// must be given. Returns one slot per name. Unknown keywords are worded as for
    /// a Python function (`f() got an unexpected keyword argument 'k'`), which is
    /// what CPython's stdlib modules written in Python say; see `bind_c`.
    pub fn bind<const N: usize>(
        self,
        fname: &str,
        names: [&str; N],
        posonly: usize,
        required: usize,
    ) -> PyResult<[Option<Value>; N]> {
        self.bind_as(fname, names, posonly, required, false)
    }

    /// `bind` for what CPython implements in C with Argument Clinic (`int`, `str`,
    /// `round`, `sum`...): `'k' is an invalid keyword argument for f()`, and more
    /// arguments in all than parameters is `f() takes at most N arguments (M given)`.
    pub fn bind_c<const N: usize>(
        self,
        fname: &str,
        names: [&str; N],
        posonly: usize,
        required: usize,
    ) -> PyResult<[Option<Value>; N]> {
        self.bind_as(fname, names, posonly, required, true)
    }

    fn bind_as<const N: usize>(
        self,
        fname: &str,
        names: [&str; N],
        posonly: usize,
        required: usize,
        clinic: bool,
    ) -> PyResult<[Option<Value>; N]> {
        let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
        let npos = self.pos.len();
        if posonly >= N && (npos > N || npos < required) {
            // No keywords taken: CPython checks the count alone (`_PyArg_CheckPositional`).
            return Err(positional_count(fname, N, required, npos));
        }
        if clinic && npos + self.kw.len() > N {
            return Err(PyErr::type_error(format!(
                "{fname}() takes at most {N} argument{} ({} given)",
                if N == 1 { "" } else { "s" },
                npos + self.kw.len()
            )));
        }
        if npos > N {
            return Err(too_many_positional(fname, N, required, npos));
        }
        for (slot, v) in out.iter_mut().zip(self.pos) {
            *slot = Some(v);
        }
        if !self.kw.is_empty() && posonly >= N {
            return Err(PyErr::type_error(format!("{fname}() takes no keyword arguments")));
        }
        for (k, v) in self.kw {
            match names.iter().position(|n| **n == *k) {
                Some(i) if i >= posonly => {
                    if out[i].is_some() {
                        return Err(PyErr::type_error(format!(
                            "argument for {fname}() given by name ('{k}') and position ({})",
                            i + 1
                        )));
                    }
                    out[i] = Some(v);
                }
                _ if clinic => return Err(PyErr::type_error(format!("'{k}' is an invalid keyword argument for {fname}()"))),
                _ => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got an unexpected keyword argument '{k}'"
                    )));
                }
            }
        }
        for (i, slot) in out.iter().enumerate().take(required) {
            if slot.is_none() {
                if i < posonly && clinic {
                    return Err(PyErr::type_error(format!(
                        "{fname}() takes at least {required} positional argument{} ({npos} given)",
                        if required == 1 { "" } else { "s" }
                    )));
                }
                if i < posonly || posonly >= N {
                    return Err(too_few_positional(fname, N, required, npos));
                }
                return Err(PyErr::type_error(format!(
                    "{fname}() missing required argument '{}' (pos {})",
                    names[i],
                    i + 1
                )));
            }
        }
        Ok(out)
    }

    /// For natives that take only positional arguments: checks the count.
    pub fn exact<const N: usize>(mut self, fname: &str) -> PyResult<[Value; N]> {
        if !self.kw.is_empty() {
            return Err(PyErr::type_error(format!("{fname}() takes no keyword arguments")));
        }
        let n = self.pos.len();
        if n != N {
            return Err(match N {
                0 => PyErr::type_error(format!("{fname}() takes no arguments ({n} given)")),
                1 => PyErr::type_error(format!("{fname}() takes exactly one argument ({n} given)")),
                _ => PyErr::type_error(format!("{fname} expected {N} arguments, got {n}")),
            });
        }
        // Taken by index where the caller built them, leaving immediates behind:
        // moving the small vector out copies it whole, and a wide copy of freshly
        // written arguments stalls on store forwarding.
        let pos = &mut self.pos;
        Ok(std::array::from_fn(|i| std::mem::replace(&mut pos[i], Value::None)))
    }

    pub fn no_kwargs(&self, fname: &str) -> PyResult<()> {
        if self.kw.is_empty() {
            Ok(())
        } else {
            Err(PyErr::type_error(format!("{fname}() takes no keyword arguments")))
        }
    }
}

/// `_PyArg_CheckPositional`'s wording: `format expected at most 2 arguments, got 3`.
#[cold]
fn positional_count(fname: &str, max: usize, min: usize, given: usize) -> PyErr {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    PyErr::type_error(if min == max {
        format!("{fname} expected {max} argument{}, got {given}", plural(max))
    } else if given > max {
        format!("{fname} expected at most {max} argument{}, got {given}", plural(max))
    } else {
        format!("{fname} expected at least {min} argument{}, got {given}", plural(min))
    })
}

#[cold]
fn too_many_positional(fname: &str, max: usize, min: usize, given: usize) -> PyErr {
    if min == max {
        PyErr::type_error(format!(
            "{fname}() takes exactly {max} argument{} ({given} given)",
            if max == 1 { "" } else { "s" }
        ))
    } else {
        PyErr::type_error(format!("{fname}() takes at most {max} argument{} ({given} given)", if max == 1 { "" } else { "s" }))
    }
}

#[cold]
fn too_few_positional(fname: &str, max: usize, min: usize, given: usize) -> PyErr {
    if min == max {
        PyErr::type_error(format!(
            "{fname}() takes exactly {max} argument{} ({given} given)",
            if max == 1 { "" } else { "s" }
        ))
    } else {
        PyErr::type_error(format!(
            "{fname}() takes at least {min} argument{} ({given} given)",
            if min == 1 { "" } else { "s" }
        ))
    }
}

/// `range(start, stop, step)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Range {
    pub fn len(&self) -> i64 {
        let (lo, hi, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 && lo < hi {
            (hi - lo - 1) / step + 1
        } else if step < 0 && lo > hi {
            (lo - hi - 1) / (-step) + 1
        } else {
            0
        };
        n.min(i64::MAX as i128) as i64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

/// `slice(start, stop, step)`; fields are arbitrary values, as in CPython.
#[derive(Debug)]
pub struct Slice {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

/// A Python function: code plus the environment it closes over.
pub struct Function {
    pub code: Rc<Code>,
    pub globals: Rc<Globals>,
    pub name: RefCell<Rc<str>>,
    pub qualname: RefCell<Rc<str>>,
    /// Defaults of the last positional parameters.
    pub defaults: Vec<Value>,
    /// One per keyword-only parameter.
    pub kwdefaults: Vec<Option<Value>>,
    pub closure: Box<[CellRef]>,
    /// Attributes user code set on the function (`wrapper.calls = 0`), `__doc__`...
    pub attrs: RefCell<Attrs>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<function {}>", self.qualname.borrow())
    }
}

/// A function implemented in Rust, possibly bound to its receiver.
pub struct Builtin {
    pub name: Rc<str>,
    pub func: NativeFn,
    /// `self` for a bound method of a builtin type (`"a b".split`).
    pub bound: Option<Value>,
    /// State carried by natives that need it (`functools.partial` parts, a module's
    /// own object...). Never host data.
    pub data: Option<Value>,
    /// The class whose method this is, when it is one (for `repr` and errors).
    pub owner: Option<Rc<str>>,
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<built-in function {}>", self.name)
    }
}

/// A Python function bound to an instance (`obj.method`).
#[derive(Debug)]
pub struct BoundMethod {
    pub func: Value,
    pub receiver: Value,
}

/// Which builtin type a class is, or derives its instance layout from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeTag {
    Object,
    NoneType,
    NotImplementedType,
    Ellipsis,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    ByteArray,
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    Range,
    Slice,
    Function,
    BuiltinFunction,
    Method,
    Type,
    Generator,
    Iterator,
    Module,
    Property,
    StaticMethod,
    ClassMethod,
    Super,
    BaseException,
    /// A native stdlib type (deque, match object, datetime...).
    Native,
}

thread_local! {
    static CLASS_EPOCH: Cell<u64> = const { Cell::new(0) };
}

/// The number of times any class dict has been opened for writing on this thread.
/// The machine's attribute caches (`AttrCache`) are valid only while it is unchanged.
#[inline(always)]
pub fn class_epoch() -> u64 {
    CLASS_EPOCH.with(|e| e.get())
}

/// Fills a builtin class's namespace when it is first opened (see
/// `builtins::types::defer_methods`).
pub type LazyFill = Box<dyn FnOnce(&mut Attrs)>;

/// A class's namespace. Every write goes through `borrow_mut`, which moves the class
/// epoch on, so a cache keyed by the epoch can never see a stale class.
///
/// A builtin class may have its methods deferred: building every method table of
/// every builtin type up front costs more than a short program's whole run, so the
/// table is built the first time anything opens the namespace (a read or a write),
/// which is before anything can observe it.
pub struct ClassDict {
    attrs: RefCell<Attrs>,
    /// True while `fill` is waiting: one flag test on every open.
    deferred: Cell<bool>,
    fill: Cell<Option<LazyFill>>,
}

impl ClassDict {
    pub fn new(attrs: Attrs) -> ClassDict {
        ClassDict { attrs: RefCell::new(attrs), deferred: Cell::new(false), fill: Cell::new(None) }
    }

    /// Has `fill` add to this namespace when it is first opened (after any filler
    /// already waiting).
    pub fn defer(&self, fill: LazyFill) {
        let fill = match self.fill.take() {
            Some(first) => Box::new(move |a: &mut Attrs| {
                first(a);
                fill(a)
            }),
            None => fill,
        };
        self.fill.set(Some(fill));
        self.deferred.set(true);
    }

    #[inline(always)]
    pub fn borrow(&self) -> std::cell::Ref<'_, Attrs> {
        if self.deferred.get() {
            self.fill_now();
        }
        self.attrs.borrow()
    }

    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, Attrs> {
        if self.deferred.get() {
            self.fill_now();
        }
        CLASS_EPOCH.with(|e| e.set(e.get() + 1));
        self.attrs.borrow_mut()
    }

    #[cold]
    #[inline(never)]
    fn fill_now(&self) {
        self.deferred.set(false);
        if let Some(fill) = self.fill.take() {
            CLASS_EPOCH.with(|e| e.set(e.get() + 1));
            fill(&mut self.attrs.borrow_mut());
        }
    }
}

/// What the machine remembers about `obj.name` for instances of one class, per
/// name of a code object (see `Code::attr_cache`). It holds the class weakly: the
/// allocation stays put, so the pointer comparison cannot be fooled by a new class
/// at the same address.
pub struct AttrCache {
    pub class: std::rc::Weak<Class>,
    pub epoch: u64,
    /// No user class along the MRO defines the name as a property: an instance's
    /// own attribute of that name is the answer to a read.
    pub plain_load: bool,
    /// A write can go straight into the instance's attributes: the name is no
    /// dunder, no user class defines it as a property or descriptor, the class has
    /// no `__setattr__` of its own and is no exception class.
    pub plain_store: bool,
    /// The name is a Python function along the MRO: `obj.name(...)` calls it with
    /// `obj` first when the instance has no attribute of that name.
    pub method: Option<Rc<Function>>,
}

impl std::fmt::Debug for AttrCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AttrCache(epoch {})", self.epoch)
    }
}

impl AttrCache {
    #[inline(always)]
    pub fn fits(&self, cls: &Rc<Class>) -> bool {
        self.epoch == class_epoch() && std::ptr::eq(self.class.as_ptr(), Rc::as_ptr(cls))
    }
}

/// A class: builtin types, builtin exceptions and user classes alike.
pub struct Class {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub module: Rc<str>,
    pub bases: Vec<Rc<Class>>,
    /// The method resolution order without the class itself (it would be a cycle).
    pub mro: Vec<Rc<Class>>,
    pub dict: ClassDict,
    /// The builtin type whose instance layout this class has.
    pub tag: TypeTag,
    /// Set for the builtin exception classes themselves.
    pub exc_kind: Option<ExcKind>,
    /// True when `BaseException` is among the ancestors (or is this class).
    pub is_exception: bool,
    /// True for classes defined by Python code (their attributes may be set).
    pub is_user: bool,
    /// CPython implements this class in C, so its error messages name it by its
    /// `tp_name`, `module.name` ('datetime.date'); `__name__` stays the plain name.
    pub c_type: bool,
}

impl std::fmt::Debug for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<class '{}'>", self.name)
    }
}

impl Class {
    /// The name CPython's error messages use for this class (its `tp_name`).
    pub fn tp_name(&self) -> Rc<str> {
        if self.c_type {
            format!("{}.{}", self.module, self.name).into()
        } else {
            self.name.clone()
        }
    }

    /// Looks `name` up along the MRO (the class first).
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.dict.borrow().get(name) {
            return Some(v.clone());
        }
        for c in &self.mro {
            if let Some(v) = c.dict.borrow().get(name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// The class that defines `name` along the MRO, with the value.
    pub fn lookup_with_owner(self: &Rc<Class>, name: &str) -> Option<(Rc<Class>, Value)> {
        if let Some(v) = self.dict.borrow().get(name) {
            return Some((self.clone(), v.clone()));
        }
        for c in &self.mro {
            if let Some(v) = c.dict.borrow().get(name) {
                return Some((c.clone(), v.clone()));
            }
        }
        None
    }

    pub fn is_subclass(self: &Rc<Class>, other: &Rc<Class>) -> bool {
        Rc::ptr_eq(self, other) || self.mro.iter().any(|c| Rc::ptr_eq(c, other))
    }

    /// Self then the MRO.
    pub fn mro_with_self(self: &Rc<Class>) -> impl Iterator<Item = Rc<Class>> + '_ {
        std::iter::once(self.clone()).chain(self.mro.iter().cloned())
    }
}

/// An exception's state.
#[derive(Default)]
pub struct ExcData {
    pub args: RefCell<super::TupleRef>,
    pub cause: RefCell<Option<Value>>,
    pub context: RefCell<Option<Value>>,
    pub suppress_context: Cell<bool>,
    /// (function name, line) entries, innermost last, as the exception unwound.
    pub traceback: RefCell<Vec<TraceEntry>>,
}

#[derive(Clone, Debug)]
pub struct TraceEntry {
    pub func: Rc<str>,
    pub line: u32,
    pub filename: Rc<str>,
}

/// An instance of a class (including exceptions and subclasses of builtin types).
pub struct Instance {
    pub class: Rc<Class>,
    pub attrs: RefCell<Attrs>,
    /// For exception instances.
    pub exc: Option<Box<ExcData>>,
    /// For instances of subclasses of builtin types: the builtin value itself
    /// (a list for `class Stack(list)`).
    pub base: RefCell<Option<Value>>,
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} object>", self.class.name)
    }
}

impl Instance {
    pub fn new(class: Rc<Class>) -> Instance {
        let exc = class.is_exception.then(|| Box::new(ExcData::default()));
        Instance { class, attrs: RefCell::new(Attrs::default()), exc, base: RefCell::new(None) }
    }

    pub fn exc_args(&self) -> super::TupleRef {
        match &self.exc {
            Some(e) => e.args.borrow().clone(),
            None => super::tuple_ref(Vec::new()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    Created,
    Suspended,
    Running,
    Done,
}

/// A generator: a suspended frame.
pub struct Generator {
    pub frame: Option<Box<Frame>>,
    pub state: GenState,
    pub name: Rc<str>,
    pub qualname: Rc<str>,
}

/// Native iterators (list_iterator, zip, map, ...).
pub enum NativeIter {
    Seq { seq: Value, index: usize },
    Str { s: Rc<super::PyStr>, byte: usize },
    Range { next: i64, stop: i64, step: i64 },
    /// Dict views iterate over an entry index with CPython's checks: `len` is the
    /// size when the iterator was made, `left` how many entries it may still yield.
    DictKeys { dict: Rc<RefCell<super::PyDict>>, index: usize, len: usize, left: usize },
    DictValues { dict: Rc<RefCell<super::PyDict>>, index: usize, len: usize, left: usize },
    DictItems { dict: Rc<RefCell<super::PyDict>>, index: usize, len: usize, left: usize },
    Set { items: Rc<[Value]>, index: usize, set: Option<Rc<RefCell<super::PySet>>>, len: usize },
    Reversed { seq: Value, index: usize },
    Enumerate { inner: Value, count: Value },
    Zip { iters: Vec<Value>, strict: bool },
    Map { func: Value, iters: Vec<Value> },
    Filter { func: Value, inner: Value, keep_true: bool },
    /// `iter(callable, sentinel)`
    Callable { func: Value, sentinel: Value },
    /// An iterator over a sequence via `__getitem__`.
    GetItem { obj: Value, index: i64 },
    /// Stdlib iterators (itertools and friends) implemented in Rust.
    Dyn(Box<dyn DynIterator>),
    Exhausted,
}

impl NativeIter {
    pub fn type_name(&self) -> &'static str {
        match self {
            NativeIter::Seq { seq, .. } => match seq {
                Value::Tuple(_) => "tuple_iterator",
                Value::Bytes(_) | Value::ByteArray(_) => "bytes_iterator",
                _ => "list_iterator",
            },
            NativeIter::Str { .. } => "str_ascii_iterator",
            NativeIter::Range { .. } => "range_iterator",
            NativeIter::DictKeys { .. } => "dict_keyiterator",
            NativeIter::DictValues { .. } => "dict_valueiterator",
            NativeIter::DictItems { .. } => "dict_itemiterator",
            NativeIter::Set { .. } => "set_iterator",
            NativeIter::Reversed { .. } => "list_reverseiterator",
            NativeIter::Enumerate { .. } => "enumerate",
            NativeIter::Zip { .. } => "zip",
            NativeIter::Map { .. } => "map",
            NativeIter::Filter { keep_true: true, .. } => "filter",
            NativeIter::Filter { .. } => "itertools.filterfalse",
            NativeIter::Callable { .. } => "callable_iterator",
            NativeIter::GetItem { .. } => "iterator",
            NativeIter::Dyn(d) => d.type_name(),
            NativeIter::Exhausted => "iterator",
        }
    }
}

/// An iterator implemented natively by a stdlib module.
pub trait DynIterator {
    fn type_name(&self) -> &'static str;
    /// The next item, `None` when exhausted. May call back into the machine.
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>>;
}

/// A module: a namespace. Stdlib modules are built natively.
pub struct Module {
    pub name: Rc<str>,
    pub attrs: RefCell<Attrs>,
}

pub struct Property {
    pub fget: Option<Value>,
    pub fset: Option<Value>,
    pub fdel: Option<Value>,
    pub doc: Option<Value>,
}

/// `super()` bound to a class and an object.
pub struct Super {
    pub class: Rc<Class>,
    pub obj: Value,
}

/// An object of a native stdlib type. Its class holds its methods.
pub struct NativeObject {
    pub class: Rc<Class>,
    pub data: RefCell<Box<dyn Any>>,
}

impl NativeObject {
    pub fn type_name(&self) -> Rc<str> {
        self.class.tp_name()
    }
}

impl PyErr {
    /// `TypeError: 'x' object is not callable` and friends need the type name only.
    pub fn not_callable(v: &Value) -> PyErr {
        PyErr::type_error(format!("'{}' object is not callable", v.type_name()))
    }
}
