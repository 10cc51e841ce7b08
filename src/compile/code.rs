//! Code objects and the instruction set.
//!
//! The machine is a stack machine with a CPython-3.11-like instruction set. A stack
//! bytecode was chosen over a register IR because Python's evaluation order (left to
//! right, with side effects everywhere) maps onto it one to one, which keeps the
//! compiler small and its correctness easy to check against CPython's `dis` output;
//! the costs a stack machine adds are paid back by resolving every name to a slot at
//! compile time and by fusing the hottest pairs (`CallMethod`, `ForIter` with its
//! store or unpacking, compare-and-jump, operations on a constant, two local
//! loads; see `fuse`). Instructions are a plain Rust enum (12 bytes): decoding
//! is a `match`, with no byte fiddling. Exception handlers are a block stack in the
//! frame (`SetupExcept`/`PopBlock`, as CPython 3.10 had) rather than 3.11's static
//! exception table: it needs no static stack-depth analysis in the compiler, and
//! entering a `try` costs one push.

use std::cell::Cell;
use std::rc::Rc;

use crate::syntax::ast::{BinOp, CmpOp};
use crate::values::{AttrCache, NativeFn, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOpKind {
    Neg,
    Pos,
    Invert,
    Not,
}

/// Flag of `ListExtend` for the sole `*x` of a call: a non-iterable `x` is then
/// "f() argument after * must be an iterable", as CPython's CALL_FUNCTION_EX says.
pub const CALL_STAR: u32 = 1 << 31;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Nop,
    Pop,
    /// Duplicate TOS.
    Dup,
    /// Duplicate the top two (a b -> a b a b).
    DupTwo,
    /// Swap the top two.
    Rot2,
    /// a b c -> c a b
    Rot3,
    /// a b c d -> d a b c
    Rot4,
    LoadConst(u32),
    LoadFast(u32),
    StoreFast(u32),
    DeleteFast(u32),
    /// Cells: `cellvars` first, then `freevars`.
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    /// In a class body: the class namespace first, then the enclosing cell.
    LoadClassDeref(u32),
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// Class bodies (namespace dict) with fallback to globals and builtins.
    LoadName(u32),
    StoreName(u32),
    DeleteName(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    DeleteAttr(u32),
    /// `obj.name(args...)` without creating a bound method: stack obj, args.
    CallMethod(u32, u32),
    Subscr,
    StoreSubscr,
    DeleteSubscr,
    Binary(BinOp),
    Inplace(BinOp),
    Unary(UnaryOpKind),
    Compare(CmpOp),
    Jump(u32),
    /// Compare the top two and jump when the result is false (a fused
    /// `Compare` + `PopJumpIfFalse`, the shape of every loop and `if` test).
    CompareJumpIfFalse(CmpOp, u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    JumpIfFalseOrPop(u32),
    JumpIfTrueOrPop(u32),
    GetIter,
    /// Push the next item, or pop the iterator and jump when it is exhausted.
    ForIter(u32),
    /// stack: func, args... (positional only)
    Call(u32),
    /// stack: func, args..., kwnames tuple (const); argc counts all args.
    CallKw(u32),
    /// stack: func, args tuple, kwargs dict (or None when the flag is 0).
    CallEx(u32),
    Return,
    BuildTuple(u32),
    BuildList(u32),
    BuildSet(u32),
    /// stack: k1 v1 ... kn vn
    BuildMap(u32),
    /// Concatenate n strings (f-strings).
    BuildString(u32),
    /// 2 or 3 values.
    BuildSlice(u32),
    /// Append TOS to the list at stack[-1 - n] (comprehensions).
    ListAppend(u32),
    SetAdd(u32),
    /// stack: ..., key, value
    MapAdd(u32),
    /// Extend the list at stack[-1 - n] with the iterable TOS. `n` may carry
    /// `CALL_STAR`: the list is the arguments of `f(*x)` (the error names `f`).
    ListExtend(u32),
    SetUpdate(u32),
    DictUpdate(u32),
    /// As `DictUpdate`, for `**` in calls: duplicate keys are a TypeError.
    DictMerge(u32),
    ListToTuple,
    UnpackSequence(u32),
    /// `a, *b, c = ...`: (count before the star, count after).
    UnpackEx(u32, u32),
    /// conversion: 0 none, 1 str, 2 repr, 3 ascii; +4 when a format spec is on the stack.
    FormatValue(u32),
    /// Index into the code's `functions`; flags: 1 defaults tuple, 2 kwdefaults tuple
    /// (one entry per kwonly parameter, `None` for no default is a sentinel), 4 annotations.
    MakeFunction(u32, u32),
    /// stack: bases tuple, kwargs dict; builds a class from `functions[i]`, its body.
    BuildClass(u32),
    /// Push a handler block: an exception unwinds the value stack to its depth now,
    /// pushes the exception and jumps to the target.
    SetupExcept(u32),
    /// As `SetupExcept`, with the depth one below the current top (the top item, the
    /// handled exception or a with-statement's `__enter__` result, is not kept).
    SetupCleanup(u32),
    PopBlock,
    /// 0: bare re-raise of the handled exception; 1: raise TOS; 2: raise TOS1 from TOS.
    Raise(u32),
    /// Re-raise TOS (an exception object) keeping its traceback.
    Reraise,
    /// exc -> prev_exc, exc; the handled exception becomes exc.
    PushExcInfo,
    /// prev_exc -> (restores the handled exception)
    PopExcept,
    /// prev_exc, exc -> re-raise exc after restoring prev_exc as the handled exception.
    PopExceptReraise,
    /// exc, type -> exc, bool
    CheckExcMatch,
    /// ctx -> exit, enter_result
    BeforeWith,
    /// exit -> (calls exit(None, None, None))
    WithExitNormal,
    /// exit, prev, exc -> exit, prev, exc, result of exit(type, exc, tb)
    WithExceptStart,
    /// Suspend: yield TOS; on resume push the sent value.
    Yield,
    /// iter, value -> delegate one step of `yield from`.
    YieldFrom,
    /// TOS -> iter(TOS), generators pass through.
    GetYieldFromIter,
    /// `import a.b`: pushes the top module (or the named one when flag 1: `import a.b as c`).
    ImportName(u32, u32),
    /// module -> module, attr
    ImportFrom(u32),
    /// module -> (binds every public name into the current namespace)
    ImportStar,
    LoadAssertionError,
    /// The value of an expression statement at module level (the session's result).
    SetResult,
    // --- match statements ---
    /// subject -> subject, len
    GetLen,
    /// subject -> subject, bool
    MatchMapping,
    MatchSequence,
    /// subject, keys tuple -> subject, keys, values tuple or None
    MatchKeys,
    /// subject, cls, kwnames tuple -> attrs tuple or None (n positional sub-patterns)
    MatchClass(u32),
    /// Copy the item n deep onto the top (1 = TOS).
    Copy(u32),
    /// stack: ..., a -> ..., a (checks TOS is a dict, removes the given keys: **rest)
    CopyDictWithoutKeys,
    // --- fused pairs (made by `Compiler::emit` from two adjacent instructions on
    // one line with no jump target between them; see `fuse`) ---
    /// `LoadConst(k)` + `Binary(op)`: TOS op consts[k].
    BinaryConst(BinOp, u32),
    /// `LoadConst(k)` + `Inplace(op)`.
    InplaceConst(BinOp, u32),
    /// `LoadConst(k)` + `Subscr`: TOS[consts[k]].
    SubscrConst(u32),
    /// `LoadConst(k)` + `Compare(op)`.
    CompareConst(CmpOp, u32),
    /// `LoadConst(k)` + `CompareJumpIfFalse(op, target)`.
    CompareConstJumpIfFalse(CmpOp, u32, u32),
    /// `LoadFast(a)` + `LoadFast(b)`.
    LoadFastLoadFast(u32, u32),
    /// `StoreFast(a)` + `LoadFast(b)`.
    StoreFastLoadFast(u32, u32),
    /// `ForIter(target)` + `StoreFast(slot)`: the item goes straight to the local.
    ForIterStore(u32, u32),
    /// `ForIter(target)` + `UnpackSequence(n)`: the items of zip, enumerate and
    /// dict.items() go onto the stack without building the tuple.
    ForIterUnpack(u32, u32),
}

// Instructions stay three words: the loop copies one per step.
const _: () = assert!(std::mem::size_of::<Op>() <= 12);

/// The fused instruction doing `prev` then `next`, if there is one.
pub fn fuse(prev: Op, next: Op) -> Option<Op> {
    Some(match (prev, next) {
        (Op::LoadConst(k), Op::Binary(op)) => Op::BinaryConst(op, k),
        (Op::LoadConst(k), Op::Inplace(op)) => Op::InplaceConst(op, k),
        (Op::LoadConst(k), Op::Subscr) => Op::SubscrConst(k),
        (Op::LoadConst(k), Op::Compare(op)) => Op::CompareConst(op, k),
        (Op::LoadConst(k), Op::CompareJumpIfFalse(op, t)) => Op::CompareConstJumpIfFalse(op, k, t),
        (Op::LoadFast(a), Op::LoadFast(b)) => Op::LoadFastLoadFast(a, b),
        (Op::StoreFast(a), Op::LoadFast(b)) => Op::StoreFastLoadFast(a, b),
        (Op::ForIter(t), Op::StoreFast(s)) => Op::ForIterStore(t, s),
        (Op::ForIter(t), Op::UnpackSequence(n)) => Op::ForIterUnpack(t, n),
        _ => return None,
    })
}

/// What kind of scope a code object runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Function,
    Lambda,
    Class,
    Comprehension,
    GeneratorExpression,
}

#[derive(Debug)]
pub struct Code {
    pub kind: CodeKind,
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub filename: Rc<str>,
    pub first_line: u32,
    pub ops: Vec<Op>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub consts: Vec<Value>,
    /// Attribute, global-fallback and import names.
    pub names: Vec<Rc<str>>,
    /// Local slots: parameters first, in binding order.
    pub varnames: Vec<Rc<str>>,
    pub cellvars: Vec<Rc<str>>,
    pub freevars: Vec<Rc<str>>,
    /// For each cellvar that is also a parameter: the parameter's local slot.
    pub cell_params: Vec<(u32, u32)>,
    pub posonly: u32,
    /// Positional parameters, positional-only included.
    pub argcount: u32,
    pub kwonly: u32,
    pub varargs: bool,
    pub varkw: bool,
    pub is_generator: bool,
    /// For each free variable: the index of the cell in the defining frame's cells.
    pub closure_source: Vec<u32>,
    pub functions: Vec<Rc<Code>>,
    pub docstring: Option<Rc<str>>,
    /// One entry per name: the native method last found under that name for a
    /// receiver of a builtin type (keyed by `Value::builtin_kind`). The builtin
    /// types are immutable, so an entry never goes stale within a session, and a
    /// code object belongs to one session.
    pub method_cache: Box<[Cell<Option<(u8, NativeFn)>>]>,
    /// One entry per name: what `obj.name` was for instances of the last class seen.
    pub attr_cache: Box<[std::cell::RefCell<Option<AttrCache>>]>,
}

impl Code {
    pub fn line_of(&self, ip: usize) -> u32 {
        self.lines.get(ip).copied().unwrap_or(self.first_line)
    }

    pub fn nparams(&self) -> usize {
        (self.argcount + self.kwonly + self.varargs as u32 + self.varkw as u32) as usize
    }
}
