//! The instruction loop.
//!
//! One loop runs a frame and every Python frame it calls: a call swaps the current
//! frame for the callee's and keeps the caller on `Vm::frames`, a return swaps back.
//! Nothing here recurses in Rust except native code calling back into Python
//! (`Vm::call`), which is capped by `Policy::max_native_depth`.

use std::cell::RefCell;
use std::rc::Rc;

use super::frame::{Block, Frame};
use super::Vm;
use crate::compile::{CodeKind, Op, UnaryOpKind};
use crate::syntax::ast::{BinOp, CmpOp};
use crate::values::*;

/// How a frame run by `execute` ended.
pub enum Exit {
    Return(Value),
    Yield(Value),
}

macro_rules! pop {
    ($f:expr) => {
        $f.stack.pop().expect("the compiler balances the value stack")
    };
}

macro_rules! top {
    ($f:expr) => {
        $f.stack.last().expect("the compiler balances the value stack")
    };
}

impl Vm {
    /// Runs `frame` until it returns or yields, with an exception to raise in it first
    /// if `pending` is set (generator `throw`).
    pub fn execute(&mut self, f: Box<Frame>, pending: Option<PyErr>) -> (Box<Frame>, PyResult<Exit>) {
        let base = self.frames.len();
        self.execute_above(f, pending, base)
    }

    /// Continues a run stopped at a host call: `f` is the frame that made the call
    /// and the frames below it on `self.frames` are its callers, all part of the
    /// same top-level run, so returns and exceptions must reach them (base 0).
    pub fn execute_resumed(&mut self, f: Box<Frame>, pending: Option<PyErr>) -> (Box<Frame>, PyResult<Exit>) {
        self.execute_above(f, pending, 0)
    }

    fn execute_above(&mut self, mut f: Box<Frame>, pending: Option<PyErr>, base: usize) -> (Box<Frame>, PyResult<Exit>) {
        if let Some(e) = pending {
            if let Err(e) = self.unwind(&mut f, base, e) {
                return (f, Err(e));
            }
        }
        loop {
            match self.run(&mut f, base) {
                Ok(exit) => return (f, Ok(exit)),
                // A host call: keep every frame as it is, to be resumed.
                Err(e) if e.is_suspend() => return (f, Err(e)),
                Err(e) => {
                    if let Err(e) = self.unwind(&mut f, base, e) {
                        return (f, Err(e));
                    }
                }
            }
        }
    }

    /// Finds a handler for `err` in the current frame or its callers above `base`.
    fn unwind(&mut self, f: &mut Box<Frame>, base: usize, err: PyErr) -> PyResult<()> {
        if err.is_terminal() {
            while self.frames.len() > base {
                self.pop_frame(f);
            }
            return Err(err);
        }
        let exc = self.materialize(err);
        if let Some(cur) = &self.exc_info {
            if let (Some(data), Value::Instance(c)) = (&exc.exc, cur) {
                if !Rc::ptr_eq(c, &exc) && data.context.borrow().is_none() {
                    *data.context.borrow_mut() = Some(cur.clone());
                }
            }
        }
        loop {
            if let Some(b) = f.blocks.pop() {
                f.stack.truncate(b.depth as usize);
                f.stack.push(Value::Instance(exc));
                f.ip = b.handler as usize;
                return Ok(());
            }
            self.add_traceback(&exc, f);
            if self.frames.len() == base {
                return Err(PyErr::object(exc));
            }
            self.pop_frame(f);
        }
    }

    fn pop_frame(&mut self, f: &mut Box<Frame>) {
        let caller = self.frames.pop().expect("pop_frame is called above the base only");
        let done = std::mem::replace(f, caller);
        self.free_frame(done);
        self.depth -= 1;
    }

    fn add_traceback(&self, exc: &Rc<Instance>, f: &Frame) {
        if let Some(data) = &exc.exc {
            let mut tb = data.traceback.borrow_mut();
            if tb.len() < 200 {
                tb.push(TraceEntry { func: f.code.name.clone(), line: f.line(), filename: f.code.filename.clone() });
            }
        }
    }

    fn run(&mut self, f: &mut Box<Frame>, base: usize) -> PyResult<Exit> {
        let mut code = f.code.clone();
        loop {
            let op = code.ops[f.ip];
            f.ip += 1;
            match op {
                Op::Nop => {}
                Op::Pop => {
                    if let Some(v) = f.stack.pop() {
                        v.discard();
                    }
                }
                Op::Dup => {
                    let v = top!(f).clone();
                    f.stack.push(v);
                }
                Op::DupTwo => {
                    let n = f.stack.len();
                    let a = f.stack[n - 2].clone();
                    let b = f.stack[n - 1].clone();
                    f.stack.push(a);
                    f.stack.push(b);
                }
                Op::Rot2 => {
                    let n = f.stack.len();
                    f.stack.swap(n - 1, n - 2);
                }
                Op::Rot3 => {
                    let v = pop!(f);
                    let n = f.stack.len();
                    f.stack.insert(n - 2, v);
                }
                Op::Rot4 => {
                    let v = pop!(f);
                    let n = f.stack.len();
                    f.stack.insert(n - 3, v);
                }
                Op::Copy(n) => {
                    let v = f.stack[f.stack.len() - n as usize].clone();
                    f.stack.push(v);
                }
                Op::LoadConst(i) => f.stack.push(code.consts[i as usize].clone_inline()),
                Op::BinaryConst(op, k) => {
                    let b = &code.consts[k as usize];
                    let n = f.stack.len();
                    if let Some(r) = arith_fast(&f.stack[n - 1], b, op) {
                        // The operand was an immediate: nothing to drop.
                        std::mem::replace(&mut f.stack[n - 1], r).discard();
                        continue;
                    }
                    let a = pop!(f);
                    let r = self.binary_op(&a, b, op)?;
                    f.stack.push(r);
                }
                Op::InplaceConst(op, k) => {
                    let b = &code.consts[k as usize];
                    let n = f.stack.len();
                    if let Some(r) = arith_fast(&f.stack[n - 1], b, op) {
                        std::mem::replace(&mut f.stack[n - 1], r).discard();
                        continue;
                    }
                    let a = pop!(f);
                    let r = self.inplace_op(a, b.clone(), op)?;
                    f.stack.push(r);
                }
                Op::SubscrConst(k) => {
                    let key = &code.consts[k as usize];
                    let obj = pop!(f);
                    if let Some(v) = list_item(&obj, key) {
                        f.stack.push(v);
                        continue;
                    }
                    let v = self.getitem(&obj, key)?;
                    f.stack.push(v);
                }
                Op::CompareConst(op, k) => {
                    let b = &code.consts[k as usize];
                    let a = pop!(f);
                    let r = self.compare_fast(&a, b, op)?;
                    a.discard();
                    f.stack.push(Value::Bool(r));
                }
                Op::CompareConstJumpIfFalse(op, k, t) => {
                    let b = &code.consts[k as usize];
                    let a = pop!(f);
                    let r = self.compare_fast(&a, b, op)?;
                    a.discard();
                    if !r {
                        f.ip = t as usize;
                    }
                }
                Op::LoadFastLoadFast(a, b) => {
                    load_local(f, &code, a)?;
                    load_local(f, &code, b)?;
                }
                Op::StoreFastLoadFast(a, b) => {
                    let v = pop!(f);
                    store_local(f, a, v);
                    load_local(f, &code, b)?;
                }
                Op::LoadFast(i) => load_local(f, &code, i)?,
                Op::StoreFast(i) => {
                    let v = pop!(f);
                    store_local(f, i, v);
                }
                Op::DeleteFast(i) => {
                    if f.locals[i as usize].take().is_none() {
                        return Err(unbound_local(&code.varnames[i as usize]));
                    }
                }
                Op::LoadDeref(i) => {
                    let v = f.cells[i as usize].borrow().clone();
                    match v {
                        Some(v) => f.stack.push(v),
                        None => return Err(unbound_cell(&code, i)),
                    }
                }
                Op::LoadClassDeref(i) => {
                    let name = cell_name(&code, i);
                    let from_ns = f.namespace.as_ref().and_then(|ns| ns.borrow().get(&*name).cloned());
                    match from_ns {
                        Some(v) => f.stack.push(v),
                        None => {
                            let v = f.cells[i as usize].borrow().clone();
                            match v {
                                Some(v) => f.stack.push(v),
                                None => return Err(unbound_cell(&code, i)),
                            }
                        }
                    }
                }
                Op::StoreDeref(i) => {
                    let v = pop!(f);
                    *f.cells[i as usize].borrow_mut() = Some(v);
                }
                Op::DeleteDeref(i) => {
                    if f.cells[i as usize].borrow_mut().take().is_none() {
                        return Err(unbound_cell(&code, i));
                    }
                }
                Op::LoadGlobal(slot) => {
                    let v = match f.globals.get(slot) {
                        Some(v) => v,
                        None => match f.globals.builtin_seen(slot) {
                            Some(v) => v,
                            None => {
                                let name = f.globals.name(slot);
                                let v = self.load_builtin(&name)?;
                                f.globals.remember_builtin(slot, v.clone());
                                v
                            }
                        },
                    };
                    f.stack.push(v);
                }
                Op::StoreGlobal(slot) => {
                    let v = pop!(f);
                    f.globals.set(slot, v);
                }
                Op::DeleteGlobal(slot) => {
                    if !f.globals.delete(slot) {
                        let name = f.globals.name(slot);
                        return Err(name_error(&name));
                    }
                }
                Op::LoadName(n) => {
                    let name = &code.names[n as usize];
                    let from_ns = f.namespace.as_ref().and_then(|ns| ns.borrow().get(&**name).cloned());
                    let v = match from_ns {
                        Some(v) => v,
                        None => match f.globals.get_by_name(name) {
                            Some(v) => v,
                            None => self.load_builtin(name)?,
                        },
                    };
                    f.stack.push(v);
                }
                Op::StoreName(n) => {
                    let v = pop!(f);
                    let name = code.names[n as usize].clone();
                    match &f.namespace {
                        Some(ns) => {
                            ns.borrow_mut().insert(name, v);
                        }
                        None => f.globals.set_by_name(&name, v),
                    }
                }
                Op::DeleteName(n) => {
                    let name = code.names[n as usize].clone();
                    let removed = match &f.namespace {
                        Some(ns) => ns.borrow_mut().shift_remove(&*name).is_some(),
                        None => {
                            let slot = f.globals.table.borrow().get(&name);
                            slot.is_some_and(|s| f.globals.delete(s))
                        }
                    };
                    if !removed {
                        return Err(name_error(&name));
                    }
                }
                Op::LoadAttr(n) => {
                    let obj = pop!(f);
                    if let Value::Instance(inst) = &obj {
                        if let Some(v) = self.cached_instance_load(&code, n, inst) {
                            f.stack.push(v);
                            continue;
                        }
                    }
                    let v = self.getattr(&obj, &code.names[n as usize])?;
                    f.stack.push(v);
                }
                Op::StoreAttr(n) => {
                    let obj = pop!(f);
                    let v = pop!(f);
                    let name = &code.names[n as usize];
                    if let Value::Instance(inst) = &obj {
                        if self.attr_cache_entry(&code, n, inst).plain_store {
                            let old = {
                                let mut attrs = inst.attrs.borrow_mut();
                                match attrs.get_mut(&**name) {
                                    Some(slot) => Some(std::mem::replace(slot, v)),
                                    None => {
                                        attrs.insert(name.clone(), v);
                                        None
                                    }
                                }
                            };
                            drop(old);
                            continue;
                        }
                    }
                    self.check_user_attr_write(&obj, name)?;
                    self.setattr(&obj, name, v)?;
                }
                Op::DeleteAttr(n) => {
                    let obj = pop!(f);
                    let name = &code.names[n as usize];
                    self.check_user_attr_write(&obj, name)?;
                    self.delattr(&obj, name)?;
                }
                Op::CallMethod(n, argc) => {
                    self.tick()?;
                    let argc = argc as usize;
                    let obj_idx = f.stack.len() - argc - 1;
                    if let Value::Instance(inst) = &f.stack[obj_idx] {
                        let method = self.attr_cache_entry(&code, n, inst).method.clone();
                        if let Some(func) = method.filter(|_| !inst.attrs.borrow().contains_key(&*code.names[n as usize])) {
                            if self.enter_simple_call(f, &func, obj_idx) {
                                code = f.code.clone();
                                continue;
                            }
                            let pos = take_args(&mut f.stack, obj_idx);
                            if let Some(v) = self.push_call(f, &func, pos, Vec::new())? {
                                f.stack.push(v);
                            } else {
                                code = f.code.clone();
                            }
                            continue;
                        }
                    }
                    let kind = f.stack[obj_idx].builtin_kind();
                    if kind != 0 {
                        if let Some((k, func)) = code.method_cache[n as usize].get() {
                            if k == kind {
                                let pos = take_args(&mut f.stack, obj_idx);
                                let r = func(self, Args { pos, kw: Vec::new() })?;
                                f.stack.push(r);
                                continue;
                            }
                        }
                    }
                    let name = &code.names[n as usize];
                    match self.lookup_method(&f.stack[obj_idx], name)? {
                        super::attr::Method::Python(func) => {
                            if self.enter_simple_call(f, &func, obj_idx) {
                                code = f.code.clone();
                                continue;
                            }
                            let pos = take_args(&mut f.stack, obj_idx);
                            if let Some(v) = self.push_call(f, &func, pos, Vec::new())? {
                                f.stack.push(v);
                            } else {
                                code = f.code.clone();
                            }
                        }
                        super::attr::Method::Native(func) => {
                            if kind != 0 {
                                code.method_cache[n as usize].set(Some((kind, func)));
                            }
                            let pos = take_args(&mut f.stack, obj_idx);
                            let r = func(self, Args { pos, kw: Vec::new() })?;
                            f.stack.push(r);
                        }
                        super::attr::Method::Value(callable) => {
                            let pos = take_args(&mut f.stack, obj_idx + 1);
                            f.stack.pop();
                            if let Some(v) = self.call_value_in_loop(f, callable, pos, Vec::new())? {
                                f.stack.push(v);
                            } else {
                                code = f.code.clone();
                            }
                        }
                    }
                }
                Op::Subscr => {
                    let key = pop!(f);
                    let obj = pop!(f);
                    if let Some(v) = list_item(&obj, &key) {
                        f.stack.push(v);
                        continue;
                    }
                    let v = self.getitem(&obj, &key)?;
                    f.stack.push(v);
                }
                Op::StoreSubscr => {
                    let key = pop!(f);
                    let obj = pop!(f);
                    let v = pop!(f);
                    if let (Value::List(l), Value::Int(i)) = (&obj, &key) {
                        let mut l = l.borrow_mut();
                        let n = l.len() as i64;
                        let j = if *i < 0 { i + n } else { *i };
                        if j >= 0 && j < n {
                            l[j as usize] = v;
                            continue;
                        }
                    }
                    self.setitem(&obj, key, v)?;
                }
                Op::DeleteSubscr => {
                    let key = pop!(f);
                    let obj = pop!(f);
                    self.delitem(&obj, &key)?;
                }
                Op::Binary(op) => {
                    if arith_in_place(&mut f.stack, op) {
                        continue;
                    }
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.binary_op(&a, &b, op)?;
                    f.stack.push(r);
                }
                Op::Inplace(op) => {
                    // Numbers are immutable: their in-place operators are the binary ones.
                    if arith_in_place(&mut f.stack, op) {
                        continue;
                    }
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.inplace_op(a, b, op)?;
                    f.stack.push(r);
                }
                Op::Unary(u) => {
                    let v = pop!(f);
                    let r = match u {
                        UnaryOpKind::Not => Value::Bool(!self.truthy(&v)?),
                        _ => self.unary_op(&v, u)?,
                    };
                    f.stack.push(r);
                }
                Op::Compare(op) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.compare_fast(&a, &b, op)?;
                    a.discard();
                    b.discard();
                    f.stack.push(Value::Bool(r));
                }
                Op::Jump(t) => {
                    if (t as usize) < f.ip {
                        self.tick()?;
                    }
                    f.ip = t as usize;
                }
                Op::CompareJumpIfFalse(op, t) => {
                    let b = pop!(f);
                    let a = pop!(f);
                    let r = self.compare_fast(&a, &b, op)?;
                    a.discard();
                    b.discard();
                    if !r {
                        f.ip = t as usize;
                    }
                }
                Op::PopJumpIfFalse(t) => {
                    let v = pop!(f);
                    let b = match v {
                        Value::Bool(b) => b,
                        Value::Int(i) => i != 0,
                        _ => self.truthy(&v)?,
                    };
                    v.discard();
                    if !b {
                        f.ip = t as usize;
                    }
                }
                Op::PopJumpIfTrue(t) => {
                    let v = pop!(f);
                    let b = match v {
                        Value::Bool(b) => b,
                        Value::Int(i) => i != 0,
                        _ => self.truthy(&v)?,
                    };
                    v.discard();
                    if b {
                        f.ip = t as usize;
                    }
                }
                Op::JumpIfFalseOrPop(t) => {
                    if !self.truthy(top!(f))? {
                        f.ip = t as usize;
                    } else {
                        f.stack.pop();
                    }
                }
                Op::JumpIfTrueOrPop(t) => {
                    if self.truthy(top!(f))? {
                        f.ip = t as usize;
                    } else {
                        f.stack.pop();
                    }
                }
                Op::GetIter => {
                    let v = pop!(f);
                    let it = self.iter(&v)?;
                    f.stack.push(it);
                }
                Op::ForIter(t) => {
                    self.tick()?;
                    let next = self.next_of(top!(f))?;
                    match next {
                        Some(v) => f.stack.push(v),
                        None => {
                            f.stack.pop();
                            f.ip = t as usize;
                        }
                    }
                }
                Op::ForIterStore(t, slot) => {
                    self.tick()?;
                    let next = self.next_of(top!(f))?;
                    match next {
                        Some(v) => store_local(f, slot, v),
                        None => {
                            f.stack.pop();
                            f.ip = t as usize;
                        }
                    }
                }
                Op::ForIterUnpack(t, n) => {
                    self.tick()?;
                    let n = n as usize;
                    let next = match top!(f) {
                        Value::Iterator(it) => {
                            let it = it.clone();
                            match self.unpack_next_native(&it, &mut f.stack, n) {
                                Some(Ok(true)) => continue,
                                Some(Ok(false)) => None,
                                Some(Err(e)) => return Err(e),
                                None => self.iter_next_native(&it)?,
                            }
                        }
                        other => {
                            let other = other.clone();
                            self.next(&other)?
                        }
                    };
                    match next {
                        Some(v) => self.unpack_onto(&mut f.stack, v, n)?,
                        None => {
                            f.stack.pop();
                            f.ip = t as usize;
                        }
                    }
                }
                Op::Call(argc) => {
                    self.tick()?;
                    let func_idx = f.stack.len() - argc as usize - 1;
                    // Fast path: a plain Python function called with exactly its
                    // positional parameters: move the arguments straight into its locals.
                    if let Value::Function(fun) = &f.stack[func_idx] {
                        let fun = fun.clone();
                        if self.enter_simple_call(f, &fun, func_idx + 1) {
                            // The callee is current now: drop the function from the caller's stack.
                            let caller = self.frames.last_mut().expect("enter_simple_call pushed the caller");
                            caller.stack.truncate(func_idx);
                            code = f.code.clone();
                            continue;
                        }
                    }
                    let func = std::mem::replace(&mut f.stack[func_idx], Value::None);
                    let pos = take_args(&mut f.stack, func_idx + 1);
                    f.stack.pop();
                    if let Some(v) = self.call_value_in_loop(f, func, pos, Vec::new())? {
                        f.stack.push(v);
                    } else {
                        code = f.code.clone();
                    }
                }
                Op::CallKw(argc) => {
                    self.tick()?;
                    let names = pop!(f);
                    let Value::Tuple(names) = names else { unreachable!("CallKw names are a const tuple") };
                    let nkw = names.len();
                    let func_idx = f.stack.len() - argc as usize - 1;
                    let kwvals: Vec<Value> = f.stack.drain(f.stack.len() - nkw..).collect();
                    let pos = take_args(&mut f.stack, func_idx + 1);
                    let func = pop!(f);
                    let kw: Vec<(Rc<str>, Value)> = names
                        .iter()
                        .zip(kwvals)
                        .map(|(n, v)| (n.as_pystr().map(|s| Rc::from(s.as_str())).unwrap_or_else(|| "".into()), v))
                        .collect();
                    if let Some(v) = self.call_value_in_loop(f, func, pos, kw)? {
                        f.stack.push(v);
                    } else {
                        code = f.code.clone();
                    }
                }
                Op::CallEx(flag) => {
                    self.tick()?;
                    let kwargs = if flag & 1 != 0 { Some(pop!(f)) } else { None };
                    let args = pop!(f);
                    let func = pop!(f);
                    let pos: smallvec::SmallVec<[Value; 4]> = match &args {
                        Value::Tuple(t) => t.iter().cloned().collect(),
                        _ => smallvec::SmallVec::new(),
                    };
                    let mut kw = Vec::new();
                    if let Some(Value::Dict(d)) = kwargs {
                        for e in d.borrow().iter() {
                            match &e.key {
                                Value::Str(s) => kw.push((Rc::from(s.as_str()), e.value.clone())),
                                _ => return Err(PyErr::type_error("keywords must be strings")),
                            }
                        }
                    }
                    if let Some(v) = self.call_value_in_loop(f, func, pos, kw)? {
                        f.stack.push(v);
                    } else {
                        code = f.code.clone();
                    }
                }
                Op::Return => {
                    let v = pop!(f);
                    if self.frames.len() == base {
                        return Ok(Exit::Return(v));
                    }
                    self.pop_frame(f);
                    f.stack.push(v);
                    code = f.code.clone();
                }
                Op::Yield => {
                    let v = pop!(f);
                    return Ok(Exit::Yield(v));
                }
                Op::YieldFrom => {
                    let sent = pop!(f);
                    let it = top!(f).clone();
                    match self.delegate(&it, sent)? {
                        Delegated::Yielded(v) => {
                            // Resume at this instruction with the sent value pushed.
                            f.ip -= 1;
                            return Ok(Exit::Yield(v));
                        }
                        Delegated::Done(v) => {
                            f.stack.pop();
                            f.stack.push(v);
                        }
                    }
                }
                Op::GetYieldFromIter => {
                    let v = pop!(f);
                    let it = match v {
                        Value::Generator(_) => v,
                        _ => self.iter(&v)?,
                    };
                    f.stack.push(it);
                }
                Op::BuildTuple(n) => {
                    let items: Vec<Value> = f.stack.drain(f.stack.len() - n as usize..).collect();
                    f.stack.push(Value::tuple(items));
                }
                Op::BuildList(n) => {
                    let items: Vec<Value> = f.stack.drain(f.stack.len() - n as usize..).collect();
                    f.stack.push(Value::list(items));
                }
                Op::BuildSet(n) => {
                    let items: Vec<Value> = f.stack.drain(f.stack.len() - n as usize..).collect();
                    let mut s = PySet::new();
                    for it in items {
                        self.set_add(&mut s, it)?;
                    }
                    f.stack.push(Value::Set(Rc::new(RefCell::new(s))));
                }
                Op::BuildMap(n) => {
                    let items: Vec<Value> = f.stack.drain(f.stack.len() - 2 * n as usize..).collect();
                    let d = Rc::new(RefCell::new(PyDict::with_capacity(n as usize)));
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        self.dict_set(&d, k, v)?;
                    }
                    f.stack.push(Value::Dict(d));
                }
                Op::BuildString(n) => {
                    // Joined in place, into a string of the exact size (no regrowth, no shrink).
                    let start = f.stack.len() - n as usize;
                    let piece = |v: &Value| match v {
                        Value::Str(p) => p.as_str().len(),
                        _ => 0,
                    };
                    let mut s = String::with_capacity(f.stack[start..].iter().map(piece).sum());
                    for it in &f.stack[start..] {
                        if let Value::Str(p) = it {
                            s.push_str(p.as_str());
                        }
                    }
                    f.stack.truncate(start);
                    f.stack.push(Value::string(s));
                }
                Op::BuildSlice(n) => {
                    let step = if n == 3 { pop!(f) } else { Value::None };
                    let stop = pop!(f);
                    let start = pop!(f);
                    f.stack.push(Value::Slice(Rc::new(Slice { start, stop, step })));
                }
                Op::ListAppend(d) => {
                    let v = pop!(f);
                    let idx = f.stack.len() - 1 - d as usize;
                    match &f.stack[idx] {
                        Value::List(l) => l.borrow_mut().push(v),
                        _ => unreachable!("ListAppend targets a list"),
                    }
                }
                Op::SetAdd(d) => {
                    let v = pop!(f);
                    let idx = f.stack.len() - 1 - d as usize;
                    let Value::Set(s) = f.stack[idx].clone() else { unreachable!("SetAdd targets a set") };
                    let mut tmp = std::mem::take(&mut *s.borrow_mut());
                    let r = self.set_add(&mut tmp, v);
                    *s.borrow_mut() = tmp;
                    r?;
                }
                Op::MapAdd(d) => {
                    let v = pop!(f);
                    let k = pop!(f);
                    let idx = f.stack.len() - 1 - d as usize;
                    let Value::Dict(dict) = f.stack[idx].clone() else { unreachable!("MapAdd targets a dict") };
                    self.dict_set(&dict, k, v)?;
                }
                Op::ListExtend(d) => {
                    let it = pop!(f);
                    let call_star = d & crate::compile::code::CALL_STAR != 0;
                    let d = d & !crate::compile::code::CALL_STAR;
                    if !super::iter::has_iter(&it) {
                        let what = if call_star {
                            let func = f.stack[f.stack.len() - 2].clone();
                            format!("{} argument", self.function_str(&func))
                        } else {
                            "Value".to_owned()
                        };
                        return Err(PyErr::type_error(format!("{what} after * must be an iterable, not {}", it.type_name())));
                    }
                    let items = self.collect(&it)?;
                    let idx = f.stack.len() - 1 - d as usize;
                    match &f.stack[idx] {
                        Value::List(l) => l.borrow_mut().extend(items),
                        _ => unreachable!("ListExtend targets a list"),
                    }
                }
                Op::SetUpdate(d) => {
                    let it = pop!(f);
                    let idx = f.stack.len() - 1 - d as usize;
                    let Value::Set(s) = f.stack[idx].clone() else { unreachable!("SetUpdate targets a set") };
                    // `_PySet_Update`: merging a set keeps CPython's table layout.
                    let mut tmp = std::mem::take(&mut *s.borrow_mut());
                    let r = crate::builtins::set_methods::update_internal(self, &mut tmp, &it);
                    *s.borrow_mut() = tmp;
                    r?;
                }
                Op::DictUpdate(d) | Op::DictMerge(d) => {
                    let m = pop!(f);
                    let idx = f.stack.len() - 1 - d as usize;
                    let Value::Dict(dict) = f.stack[idx].clone() else { unreachable!("DictUpdate targets a dict") };
                    let is_merge = matches!(op, Op::DictMerge(_));
                    if is_merge {
                        // `f(**m)`: the call's errors name `f` (the stack holds f, args, kwargs).
                        let func = f.stack[idx - 2].clone();
                        if !matches!(m, Value::Dict(_)) && !self.hasattr(&m, "keys")? {
                            let fname = self.function_str(&func);
                            return Err(PyErr::type_error(format!(
                                "{fname} argument after ** must be a mapping, not {}",
                                m.type_name()
                            )));
                        }
                        if let Err(e) = self.dict_update_from(&dict, &m, true) {
                            return Err(self.prefix_multiple_values(e, &func));
                        }
                    } else {
                        self.dict_update_from(&dict, &m, false)?;
                    }
                }
                Op::ListToTuple => {
                    let v = pop!(f);
                    let Value::List(l) = v else { unreachable!("ListToTuple takes a list") };
                    let items = std::mem::take(&mut *l.borrow_mut());
                    f.stack.push(Value::tuple(items));
                }
                Op::UnpackSequence(n) => {
                    let v = pop!(f);
                    self.unpack_onto(&mut f.stack, v, n as usize)?;
                }
                Op::UnpackEx(before, after) => {
                    let v = pop!(f);
                    let items = self.unpack(&v, before as usize, Some(after as usize))?;
                    f.stack.extend(items.into_iter().rev());
                }
                Op::FormatValue(flag) => {
                    let spec = if flag & 4 != 0 { Some(pop!(f)) } else { None };
                    let v = pop!(f);
                    let v = match flag & 3 {
                        1 => Value::string(self.str(&v)?),
                        2 => Value::string(self.repr(&v)?),
                        3 => Value::string(self.ascii(&v)?),
                        _ => v,
                    };
                    let spec_str = match &spec {
                        Some(Value::Str(s)) => s.as_str(),
                        _ => "",
                    };
                    let s = match (&v, spec_str.is_empty()) {
                        (Value::Str(_), true) => v,
                        _ => Value::string(self.format(&v, spec_str)?),
                    };
                    f.stack.push(s);
                }
                Op::MakeFunction(idx, flags) => {
                    let child = code.functions[idx as usize].clone();
                    let kwdefaults_map = if flags & 2 != 0 { Some(pop!(f)) } else { None };
                    let defaults = if flags & 1 != 0 {
                        match pop!(f) {
                            Value::Tuple(t) => t.to_vec(),
                            _ => Vec::new(),
                        }
                    } else {
                        Vec::new()
                    };
                    let mut kwdefaults = vec![None; child.kwonly as usize];
                    if let Some(Value::Dict(m)) = kwdefaults_map {
                        let kwnames = &child.varnames[child.argcount as usize..(child.argcount + child.kwonly) as usize];
                        for (i, n) in kwnames.iter().enumerate() {
                            kwdefaults[i] = m.borrow().get_str(n).cloned();
                        }
                    }
                    let closure: Box<[CellRef]> =
                        child.closure_source.iter().map(|&i| f.cells[i as usize].clone()).collect();
                    let mut attrs = Attrs::default();
                    if let Some(doc) = &child.docstring {
                        attrs.insert("__doc__".into(), Value::str(doc));
                    }
                    let func = Function {
                        name: RefCell::new(child.name.clone()),
                        qualname: RefCell::new(child.qualname.clone()),
                        code: child,
                        globals: f.globals.clone(),
                        defaults,
                        kwdefaults,
                        closure,
                        attrs: RefCell::new(attrs),
                    };
                    f.stack.push(Value::Function(Rc::new(func)));
                }
                Op::BuildClass(idx) => {
                    let kwargs = pop!(f);
                    let bases = pop!(f);
                    let body = code.functions[idx as usize].clone();
                    let closure: Vec<CellRef> = body.closure_source.iter().map(|&i| f.cells[i as usize].clone()).collect();
                    let cls = self.build_class(body, f.globals.clone(), closure, bases, kwargs)?;
                    f.stack.push(cls);
                }
                Op::SetupExcept(t) => {
                    let depth = f.stack.len() as u32;
                    f.blocks.push(Block { handler: t, depth });
                }
                Op::SetupCleanup(t) => {
                    let depth = f.stack.len() as u32 - 1;
                    f.blocks.push(Block { handler: t, depth });
                }
                Op::PopBlock => {
                    f.blocks.pop();
                }
                Op::Raise(n) => return Err(self.raise(f, n)),
                Op::Reraise => {
                    let exc = pop!(f);
                    return Err(self.reraise_value(exc));
                }
                Op::PushExcInfo => {
                    let exc = pop!(f);
                    let prev = self.exc_info.take().unwrap_or(Value::None);
                    f.stack.push(prev);
                    f.stack.push(exc.clone());
                    self.exc_info = Some(exc);
                }
                Op::PopExcept => {
                    let prev = pop!(f);
                    self.exc_info = if prev.is_none() { None } else { Some(prev) };
                }
                Op::PopExceptReraise => {
                    let exc = pop!(f);
                    let prev = pop!(f);
                    self.exc_info = if prev.is_none() { None } else { Some(prev) };
                    return Err(self.reraise_value(exc));
                }
                Op::CheckExcMatch => {
                    let typ = pop!(f);
                    let m = self.exc_matches(top!(f), &typ)?;
                    f.stack.push(Value::Bool(m));
                }
                Op::BeforeWith => {
                    let ctx = pop!(f);
                    let (exit, res) = self.enter_context(&ctx)?;
                    f.stack.push(exit);
                    f.stack.push(res);
                }
                Op::WithExitNormal => {
                    let exit = pop!(f);
                    self.call(&exit, Args::new([Value::None, Value::None, Value::None]))?;
                }
                Op::WithExceptStart => {
                    let n = f.stack.len();
                    let exit = f.stack[n - 3].clone();
                    let exc = f.stack[n - 1].clone();
                    let typ = Value::Class(self.type_of(&exc));
                    let r = self.call(&exit, Args::new([typ, exc, Value::None]))?;
                    let b = self.truthy(&r)?;
                    f.stack.push(Value::Bool(b));
                }
                Op::ImportName(n, flag) => {
                    let name = code.names[n as usize].clone();
                    let m = if flag == 0 {
                        let top = name.split('.').next().unwrap_or(&name).to_owned();
                        self.import(&name)?;
                        self.import(&top)?
                    } else {
                        self.import(&name)?
                    };
                    f.stack.push(m);
                }
                Op::ImportFrom(n) => {
                    let name = &code.names[n as usize];
                    let m = top!(f).clone();
                    let v = match self.getattr(&m, name) {
                        Ok(v) => v,
                        Err(_) => {
                            let mname = match &m {
                                Value::Module(md) => md.name.clone(),
                                _ => "?".into(),
                            };
                            return Err(PyErr::new(
                                ExcKind::ImportError,
                                format!("cannot import name '{name}' from '{mname}' (unknown location)"),
                            ));
                        }
                    };
                    f.stack.push(v);
                }
                Op::ImportStar => {
                    let m = pop!(f);
                    if let Value::Module(md) = &m {
                        let items: Vec<(Rc<str>, Value)> = md
                            .attrs
                            .borrow()
                            .iter()
                            .filter(|(k, _)| !k.starts_with('_'))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        for (k, v) in items {
                            match &f.namespace {
                                Some(ns) => {
                                    ns.borrow_mut().insert(k, v);
                                }
                                None => f.globals.set_by_name(&k, v),
                            }
                        }
                    }
                }
                Op::LoadAssertionError => {
                    f.stack.push(Value::Class(self.exc_class(ExcKind::AssertionError)));
                }
                Op::SetResult => {
                    let v = pop!(f);
                    self.last_value = Some(v);
                }
                Op::GetLen => {
                    let n = self.len(top!(f))?;
                    f.stack.push(Value::from(n));
                }
                Op::MatchMapping => {
                    let b = self.is_mapping(top!(f));
                    f.stack.push(Value::Bool(b));
                }
                Op::MatchSequence => {
                    let b = self.is_match_sequence(top!(f));
                    f.stack.push(Value::Bool(b));
                }
                Op::MatchKeys => {
                    let keys = pop!(f);
                    let r = self.match_keys(top!(f), &keys)?;
                    f.stack.push(r);
                }
                Op::MatchClass(npos) => {
                    let names = pop!(f);
                    let cls = pop!(f);
                    let r = self.match_class(top!(f), &cls, npos as usize, &names)?;
                    f.stack.push(r);
                }
                Op::CopyDictWithoutKeys => {
                    let keys = pop!(f);
                    let m = pop!(f);
                    let r = self.copy_dict_without(&m, &keys)?;
                    f.stack.push(r);
                }
            }
        }
    }

    /// The attribute cache entry of `code`'s name `n` for `inst`'s class, refilled
    /// when it belongs to another class or the class epoch has moved.
    #[inline]
    fn attr_cache_entry<'c>(&self, code: &'c crate::compile::Code, n: u32, inst: &Rc<Instance>) -> std::cell::Ref<'c, AttrCache> {
        let slot = &code.attr_cache[n as usize];
        let fresh = matches!(&*slot.borrow(), Some(e) if e.fits(&inst.class));
        if !fresh {
            let e = self.attr_cache_for(&inst.class, &code.names[n as usize]);
            *slot.borrow_mut() = Some(e);
        }
        std::cell::Ref::map(slot.borrow(), |e| e.as_ref().expect("filled just above"))
    }

    /// `inst.name` from the instance's own attributes when the cache says nothing
    /// in the class takes precedence; `None` sends the read down the general path.
    #[inline]
    fn cached_instance_load(&self, code: &crate::compile::Code, n: u32, inst: &Rc<Instance>) -> Option<Value> {
        if !self.attr_cache_entry(code, n, inst).plain_load {
            return None;
        }
        inst.attrs.borrow().get(&*code.names[n as usize]).cloned()
    }

    /// Calls `func` from the loop: a Python function gets a new frame on the explicit
    /// stack (returns `None`, the loop continues in the callee); anything else is
    /// called natively and its result returned.
    fn call_value_in_loop(
        &mut self,
        f: &mut Box<Frame>,
        func: Value,
        pos: smallvec::SmallVec<[Value; 4]>,
        kw: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Option<Value>> {
        match &func {
            Value::Function(fun) => self.push_call(f, fun, pos, kw),
            Value::BoundMethod(m) => {
                if let Value::Function(fun) = &m.func {
                    let mut p: smallvec::SmallVec<[Value; 4]> = smallvec::SmallVec::with_capacity(pos.len() + 1);
                    p.push(m.receiver.clone());
                    p.extend(pos);
                    self.push_call(f, fun, p, kw)
                } else {
                    let mut p: smallvec::SmallVec<[Value; 4]> = smallvec::SmallVec::new();
                    p.push(m.receiver.clone());
                    p.extend(pos);
                    self.call(&m.func, Args { pos: p, kw }).map(Some)
                }
            }
            Value::Builtin(b) => {
                let mut args = Args { pos, kw };
                if let Some(s) = &b.bound {
                    args.pos.insert(0, s.clone());
                }
                if let Some(d) = &b.data {
                    args.pos.insert(0, d.clone());
                }
                // Only a host function called right here may suspend the machine.
                self.loop_call = true;
                let r = (b.func)(self, args);
                self.loop_call = false;
                r.map(Some)
            }
            _ => self.call(&func, Args { pos, kw }).map(Some),
        }
    }

    /// The fast call: a plain Python function (no defaults needed, no `*args`,
    /// `**kwargs`, keyword-only parameters or cell parameters, not a generator) whose
    /// arguments are exactly `f.stack[first_arg..]`: they move straight into the
    /// callee's locals and the callee becomes the current frame. Returns false, with
    /// nothing changed, when the call needs the general path.
    #[inline]
    fn enter_simple_call(&mut self, f: &mut Box<Frame>, fun: &Rc<Function>, first_arg: usize) -> bool {
        let c = &fun.code;
        let argc = f.stack.len() - first_arg;
        if c.argcount as usize != argc
            || c.varargs
            || c.varkw
            || c.kwonly != 0
            || c.is_generator
            || !c.cell_params.is_empty()
            || self.depth >= self.policy.max_recursion
        {
            return false;
        }
        let mut frame = match self.frame_pool.pop() {
            // A pooled frame comes back emptied by `free_frame`: only the code, the
            // globals and the locals need setting.
            Some(mut fr) => {
                fr.ip = 0;
                fr.blocks.clear();
                fr.code = fun.code.clone();
                if !Rc::ptr_eq(&fr.globals, &fun.globals) {
                    fr.globals = fun.globals.clone();
                }
                fr
            }
            None => {
                let mut fr = Box::new(Frame::new(fun.code.clone(), fun.globals.clone()));
                fr.locals.clear();
                fr.cells.clear();
                fr
            }
        };
        // The arguments are the top `argc` items: popped last first straight into
        // their slots (a `drain` would move the stack's tail and check its range).
        frame.locals.resize(c.varnames.len(), None);
        for slot in frame.locals[..argc].iter_mut().rev() {
            *slot = f.stack.pop();
        }
        if !c.cellvars.is_empty() || !fun.closure.is_empty() {
            for _ in 0..c.cellvars.len() {
                frame.cells.push(Rc::new(RefCell::new(None)));
            }
            frame.cells.extend(fun.closure.iter().cloned());
        }
        self.depth += 1;
        let caller = std::mem::replace(f, frame);
        self.frames.push(caller);
        true
    }

    /// Pushes a frame for a Python function call, or returns the generator object.
    fn push_call(
        &mut self,
        f: &mut Box<Frame>,
        fun: &Rc<Function>,
        pos: smallvec::SmallVec<[Value; 4]>,
        kw: Vec<(Rc<str>, Value)>,
    ) -> PyResult<Option<Value>> {
        let frame = self.bind_frame(fun, pos, kw)?;
        if fun.code.is_generator {
            return Ok(Some(self.make_generator(fun, frame)));
        }
        if self.depth >= self.policy.max_recursion {
            self.free_frame(frame);
            return Err(PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded"));
        }
        self.depth += 1;
        let caller = std::mem::replace(f, frame);
        self.frames.push(caller);
        Ok(None)
    }

    pub(crate) fn make_generator(&mut self, fun: &Rc<Function>, frame: Box<Frame>) -> Value {
        let _ = CodeKind::GeneratorExpression;
        Value::Generator(Rc::new(RefCell::new(Generator {
            frame: Some(frame),
            state: GenState::Created,
            name: fun.name.borrow().clone(),
            qualname: fun.qualname.borrow().clone(),
        })))
    }

    /// The next item of the iterator `it` (a `for` loop's), `None` at its end.
    #[inline(always)]
    fn next_of(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it {
            Value::Iterator(i) => self.iter_next_native(i),
            other => self.next(other),
        }
    }

    /// `a op b` for the comparison instructions: small ints and floats without
    /// dispatch, the rest through `compare_op`.
    #[inline(always)]
    fn compare_fast(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<bool> {
        match number_compare(a, b, op) {
            Some(r) => Ok(r),
            None => self.compare_op(a, b, op),
        }
    }

    fn load_builtin(&self, name: &str) -> PyResult<Value> {
        match self.builtins.attrs.borrow().get(name) {
            Some(v) => Ok(v.clone()),
            None => Err(name_error(name)),
        }
    }
}

/// Arithmetic on small ints and floats that needs no dispatch; `None` sends the
/// operands to the general path (overflow into big ints, errors, other types).
#[inline(always)]
fn arith_fast(a: &Value, b: &Value, op: BinOp) -> Option<Value> {
    match (a, b, op) {
        (Value::Int(x), Value::Int(y), BinOp::Add) => x.checked_add(*y).map(Value::Int),
        (Value::Int(x), Value::Int(y), BinOp::Sub) => x.checked_sub(*y).map(Value::Int),
        (Value::Int(x), Value::Int(y), BinOp::Mult) => x.checked_mul(*y).map(Value::Int),
        (Value::Int(x), Value::Int(y), BinOp::Mod) if *y > 0 && *x >= 0 => Some(Value::Int(x % y)),
        (Value::Int(x), Value::Int(y), BinOp::FloorDiv) if *y > 0 && *x >= 0 => Some(Value::Int(x / y)),
        (Value::Float(x), Value::Float(y), _) => float_op(*x, *y, op),
        // Mixed int and float: CPython converts the int (exactly, below 2**53) and
        // does the float operation; bigger ints take the general path.
        (Value::Int(i), Value::Float(y), _) if exact_f64(*i) => float_op(*i as f64, *y, op),
        (Value::Float(x), Value::Int(i), _) if exact_f64(*i) => float_op(*x, *i as f64, op),
        // int / int below 2**53: both convert exactly, and one IEEE division is
        // correctly rounded, as CPython's true division is.
        (Value::Int(x), Value::Int(y), BinOp::Div) if *y != 0 && exact_f64(*x) && exact_f64(*y) => {
            Some(Value::Float(*x as f64 / *y as f64))
        }
        _ => None,
    }
}

#[inline(always)]
fn exact_f64(i: i64) -> bool {
    i.unsigned_abs() <= 1 << 53
}

#[inline(always)]
fn float_op(x: f64, y: f64, op: BinOp) -> Option<Value> {
    match op {
        BinOp::Add => Some(Value::Float(x + y)),
        BinOp::Sub => Some(Value::Float(x - y)),
        BinOp::Mult => Some(Value::Float(x * y)),
        BinOp::Div if y != 0.0 => Some(Value::Float(x / y)),
        _ => None,
    }
}

/// Moves `stack[from..]` out as the positional arguments of a call. (The generic
/// `collect` from a `Drain` into a `SmallVec` costs a call and a loop with bounds
/// checks: this was a tenth of a method-heavy program's time.)
#[inline(always)]
fn take_args(stack: &mut Vec<Value>, from: usize) -> smallvec::SmallVec<[Value; 4]> {
    let mut out = smallvec::SmallVec::new();
    match stack.len() - from {
        0 => {}
        1 => out.push(pop1(stack)),
        2 => {
            let b = pop1(stack);
            let a = pop1(stack);
            out.push(a);
            out.push(b);
        }
        3 => {
            let c = pop1(stack);
            let b = pop1(stack);
            let a = pop1(stack);
            out.push(a);
            out.push(b);
            out.push(c);
        }
        _ => out.extend(stack.drain(from..)),
    }
    out
}

#[inline(always)]
fn pop1(stack: &mut Vec<Value>) -> Value {
    stack.pop().expect("the compiler balances the value stack")
}

/// Pushes local `i`, or raises UnboundLocalError.
#[inline(always)]
fn load_local(f: &mut Frame, code: &crate::compile::Code, i: u32) -> PyResult<()> {
    match &f.locals[i as usize] {
        Some(v) => {
            let v = v.clone_inline();
            f.stack.push(v);
            Ok(())
        }
        None => Err(unbound_local(&code.varnames[i as usize])),
    }
}

#[inline(always)]
fn store_local(f: &mut Frame, i: u32, v: Value) {
    if let Some(old) = f.locals[i as usize].replace(v) {
        old.discard();
    }
}

/// `l[i]` for a list and an in-range int, the rest to `getitem`.
#[inline(always)]
fn list_item(obj: &Value, key: &Value) -> Option<Value> {
    let (Value::List(l), Value::Int(i)) = (obj, key) else { return None };
    let l = l.borrow();
    let n = l.len() as i64;
    let j = if *i < 0 { i + n } else { *i };
    (j >= 0 && j < n).then(|| l[j as usize].clone_inline())
}

/// `arith_fast` on the top two stack values, replacing them with the result;
/// false, with the stack unchanged, when the general path is needed.
#[inline(always)]
fn arith_in_place(stack: &mut Vec<Value>, op: BinOp) -> bool {
    let n = stack.len();
    debug_assert!(n >= 2, "the compiler balances the value stack");
    let Some(r) = arith_fast(&stack[n - 2], &stack[n - 1], op) else { return false };
    // Both operands are immediates (`arith_fast` only answers for ints and floats).
    if let Some(b) = stack.pop() {
        b.discard();
    }
    std::mem::replace(&mut stack[n - 2], r).discard();
    true
}

/// Comparison of two small ints or two floats (`is` on ints compares values, as
/// `Value::is` does).
#[inline(always)]
fn number_compare(a: &Value, b: &Value, op: CmpOp) -> Option<bool> {
    let (x, y) = match (a, b) {
        (Value::Int(x), Value::Int(y)) => (x, y),
        (Value::Float(x), Value::Float(y)) => return float_compare(*x, *y, op),
        _ => return None,
    };
    Some(match op {
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        CmpOp::Eq | CmpOp::Is => x == y,
        CmpOp::NotEq | CmpOp::IsNot => x != y,
        CmpOp::In | CmpOp::NotIn => return None,
    })
}

/// Two floats compared as IEEE does (NaN unequal to everything), as CPython.
/// `is` between floats is identity there, which values cannot show: general path.
#[inline(always)]
fn float_compare(x: f64, y: f64, op: CmpOp) -> Option<bool> {
    Some(match op {
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        CmpOp::Eq => x == y,
        CmpOp::NotEq => x != y,
        _ => return None,
    })
}

pub enum Delegated {
    Yielded(Value),
    Done(Value),
}

#[cold]
pub fn name_error(name: &str) -> PyErr {
    PyErr::new(ExcKind::NameError, format!("name '{name}' is not defined"))
}

#[cold]
fn unbound_local(name: &str) -> PyErr {
    PyErr::new(
        ExcKind::UnboundLocalError,
        format!("cannot access local variable '{name}' where it is not associated with a value"),
    )
}

fn cell_name(code: &crate::compile::Code, i: u32) -> Rc<str> {
    let i = i as usize;
    if i < code.cellvars.len() {
        code.cellvars[i].clone()
    } else {
        code.freevars.get(i - code.cellvars.len()).cloned().unwrap_or_else(|| "?".into())
    }
}

#[cold]
fn unbound_cell(code: &crate::compile::Code, i: u32) -> PyErr {
    let name = cell_name(code, i);
    if (i as usize) < code.cellvars.len() {
        unbound_local(&name)
    } else {
        PyErr::new(
            ExcKind::NameError,
            format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
        )
    }
}
