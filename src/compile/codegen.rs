//! Code generation: one code object per module, function, lambda, class body and
//! comprehension, with every name already resolved by `scope`.
//!
//! Control flow out of `try`/`with`/loops (`return`, `break`, `continue`) unwinds the
//! enclosing blocks at compile time, inlining `finally` bodies the way CPython does,
//! so the machine needs no "why are we leaving" state.

use std::collections::HashMap;
use std::rc::Rc;

use indexmap::IndexMap;

use super::code::{Code, CodeKind, Op, UnaryOpKind};
use super::scope::{mangle, node_key, Place, ScopeKind, ScopeTable};
use super::GlobalTable;
use crate::syntax::ast::*;
use crate::syntax::{LineIndex, SyntaxError};
use crate::values::Value;

pub fn compile(
    module: &Module,
    table: &ScopeTable,
    lines: &LineIndex,
    filename: &str,
    globals: &mut GlobalTable,
) -> Result<Rc<Code>, SyntaxError> {
    let mut c = Compiler { table, lines, filename: filename.into(), globals, units: Vec::new() };
    c.push_unit(0, CodeKind::Module, "<module>".into(), "<module>".into(), 1);
    let n = module.body.len();
    for (i, s) in module.body.iter().enumerate() {
        if i + 1 == n {
            if let StmtKind::Expr(e) = &s.kind {
                c.set_line(s.span);
                c.expr(e)?;
                c.emit(Op::SetResult);
                continue;
            }
        }
        c.stmt(s)?;
    }
    c.load_const(Value::None);
    c.emit(Op::Return);
    Ok(c.pop_unit())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Label(u32);

#[derive(Clone)]
enum FBlock<'a> {
    /// `for` loop: the iterator is on the stack.
    For { top: Label, brk: Label },
    While { top: Label, brk: Label },
    /// Inside a `try` with `finally`: the handler block is pushed.
    TryFinally { body: &'a [Stmt] },
    /// Inside a `try` body with `except` handlers: the handler block is pushed.
    TryExcept,
    /// Inside an except clause: prev_exc is on the stack, the cleanup block pushed.
    Handler { name: Option<Ident> },
    /// Inside the exceptional path of a `finally`: prev_exc, exc on the stack.
    FinallyHandler,
    /// Inside a `with` body: exit is on the stack, the handler block pushed.
    With,
    /// Inside a `match` case body before the subject is popped: never, kept simple.
    _Unused,
}

struct Unit<'a> {
    scope: usize,
    kind: CodeKind,
    name: Rc<str>,
    qualname: Rc<str>,
    first_line: u32,
    ops: Vec<Op>,
    lines: Vec<u32>,
    consts: Vec<Value>,
    const_strs: HashMap<Rc<str>, u32>,
    const_ints: HashMap<i64, u32>,
    names: IndexMap<Rc<str>, u32>,
    varnames: IndexMap<Rc<str>, u32>,
    cellvars: IndexMap<Rc<str>, u32>,
    freevars: IndexMap<Rc<str>, u32>,
    functions: Vec<Rc<Code>>,
    labels: Vec<u32>,
    /// The position the last label was bound to: the instruction emitted there is
    /// a jump target, so it is never fused into the one before it.
    label_at: usize,
    fblocks: Vec<FBlock<'a>>,
    line: u32,
    docstring: Option<Rc<str>>,
}

struct Compiler<'a, 'g> {
    table: &'a ScopeTable,
    lines: &'a LineIndex,
    filename: Rc<str>,
    globals: &'g mut GlobalTable,
    units: Vec<Unit<'a>>,
}

const UNBOUND_LABEL: u32 = u32::MAX;

impl<'a, 'g> Compiler<'a, 'g> {
    fn u(&mut self) -> &mut Unit<'a> {
        self.units.last_mut().expect("a unit is always being compiled")
    }

    fn ur(&self) -> &Unit<'a> {
        self.units.last().expect("a unit is always being compiled")
    }

    fn push_unit(&mut self, scope: usize, kind: CodeKind, name: Rc<str>, qualname: Rc<str>, line: u32) {
        let s = &self.table.scopes[scope];
        let mut varnames = IndexMap::new();
        let mut cellvars = IndexMap::new();
        let mut freevars = IndexMap::new();
        if kind != CodeKind::Module && kind != CodeKind::Class {
            for p in &s.params {
                let n = varnames.len() as u32;
                varnames.entry(p.clone()).or_insert(n);
            }
        }
        // Cells and free variables, in a stable order.
        let mut names: Vec<&Rc<str>> = s.places.keys().collect();
        names.sort();
        for n in names {
            match s.places[n] {
                Place::Cell => {
                    let i = cellvars.len() as u32;
                    cellvars.insert(n.clone(), i);
                }
                Place::Free => {
                    let i = freevars.len() as u32;
                    freevars.insert(n.clone(), i);
                }
                Place::Local => {
                    if kind != CodeKind::Module && kind != CodeKind::Class {
                        let i = varnames.len() as u32;
                        varnames.entry(n.clone()).or_insert(i);
                    }
                }
                _ => {}
            }
        }
        self.units.push(Unit {
            scope,
            kind,
            name,
            qualname,
            first_line: line,
            ops: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            const_strs: HashMap::new(),
            const_ints: HashMap::new(),
            names: IndexMap::new(),
            varnames,
            cellvars,
            freevars,
            functions: Vec::new(),
            labels: Vec::new(),
            label_at: usize::MAX,
            fblocks: Vec::new(),
            line,
            docstring: None,
        });
    }

    fn pop_unit(&mut self) -> Rc<Code> {
        let u = self.units.pop().expect("pop_unit follows push_unit");
        let scope = &self.table.scopes[u.scope];
        let mut ops = u.ops;
        for op in &mut ops {
            let patch = |t: &mut u32| {
                *t = u.labels[*t as usize];
                debug_assert_ne!(*t, UNBOUND_LABEL);
            };
            match op {
                Op::Jump(t)
                | Op::PopJumpIfFalse(t)
                | Op::PopJumpIfTrue(t)
                | Op::JumpIfFalseOrPop(t)
                | Op::JumpIfTrueOrPop(t)
                | Op::ForIter(t)
                | Op::ForIterStore(t, _)
                | Op::ForIterUnpack(t, _)
                | Op::CompareJumpIfFalse(_, t)
                | Op::CompareConstJumpIfFalse(_, _, t)
                | Op::SetupExcept(t)
                | Op::SetupCleanup(t) => patch(t),
                _ => {}
            }
        }
        let cell_params = u
            .cellvars
            .iter()
            .filter_map(|(n, &ci)| u.varnames.get(n).filter(|_| scope.params.contains(n)).map(|&vi| (ci, vi)))
            .collect();
        let (posonly, argcount, kwonly, varargs, varkw) = self.param_counts(u.scope);
        let nnames = u.names.len();
        Rc::new(Code {
            method_cache: (0..nnames).map(|_| std::cell::Cell::new(None)).collect(),
            attr_cache: (0..nnames).map(|_| std::cell::RefCell::new(None)).collect(),
            kind: u.kind,
            name: u.name,
            qualname: u.qualname,
            filename: self.filename.clone(),
            first_line: u.first_line,
            ops,
            lines: u.lines,
            consts: u.consts,
            names: u.names.into_keys().collect(),
            varnames: u.varnames.into_keys().collect(),
            cellvars: u.cellvars.into_keys().collect(),
            freevars: u.freevars.keys().cloned().collect(),
            cell_params,
            posonly,
            argcount,
            kwonly,
            varargs,
            varkw,
            is_generator: scope.is_generator && matches!(u.kind, CodeKind::Function | CodeKind::GeneratorExpression | CodeKind::Lambda),
            closure_source: Vec::new(),
            functions: u.functions,
            docstring: u.docstring,
        })
    }

    fn param_counts(&self, _scope: usize) -> (u32, u32, u32, bool, bool) {
        // Filled in by the caller that knows the `Arguments`; see `finish_function`.
        (0, 0, 0, false, false)
    }

    fn set_line(&mut self, span: Span) {
        let line = self.lines.line(span.start) as u32;
        self.u().line = line;
    }

    fn emit(&mut self, op: Op) -> usize {
        let u = self.u();
        // Fuse with the previous instruction when nothing jumps between the two and
        // both are on one line (a traceback names the same line either way).
        let n = u.ops.len();
        if n > 0 && u.label_at != n && u.lines[n - 1] == u.line {
            if let Some(fused) = super::code::fuse(u.ops[n - 1], op) {
                u.ops[n - 1] = fused;
                return n - 1;
            }
        }
        u.ops.push(op);
        u.lines.push(u.line);
        u.ops.len() - 1
    }

    fn new_label(&mut self) -> Label {
        let u = self.u();
        u.labels.push(UNBOUND_LABEL);
        Label(u.labels.len() as u32 - 1)
    }

    fn bind(&mut self, l: Label) {
        let u = self.u();
        u.labels[l.0 as usize] = u.ops.len() as u32;
        u.label_at = u.ops.len();
    }

    fn jump(&mut self, make: fn(u32) -> Op, l: Label) {
        self.emit(make(l.0));
    }

    fn const_index(&mut self, v: Value) -> u32 {
        let u = self.u();
        match &v {
            Value::Str(s) => {
                let key: Rc<str> = s.as_str().into();
                if let Some(&i) = u.const_strs.get(&key) {
                    return i;
                }
                let i = u.consts.len() as u32;
                u.const_strs.insert(key, i);
                u.consts.push(v);
                i
            }
            Value::Int(n) => {
                if let Some(&i) = u.const_ints.get(n) {
                    return i;
                }
                let i = u.consts.len() as u32;
                u.const_ints.insert(*n, i);
                u.consts.push(v);
                i
            }
            _ => {
                u.consts.push(v);
                u.consts.len() as u32 - 1
            }
        }
    }

    fn load_const(&mut self, v: Value) {
        let i = self.const_index(v);
        self.emit(Op::LoadConst(i));
    }

    fn name_index(&mut self, n: &Rc<str>) -> u32 {
        let u = self.u();
        let i = u.names.len() as u32;
        *u.names.entry(n.clone()).or_insert(i)
    }

    fn scope(&self) -> &'a super::scope::Scope {
        &self.table.scopes[self.ur().scope]
    }

    fn class_context(&self) -> Option<Rc<str>> {
        let s = self.scope();
        if s.kind == ScopeKind::Class { Some(s.name.clone()) } else { s.class_name.clone() }
    }

    fn mangled(&self, name: &Ident) -> Ident {
        mangle(self.class_context().as_deref(), name).unwrap_or_else(|| name.clone())
    }

    // ----- names -----

    fn load_name(&mut self, name: &Ident) {
        let name = self.mangled(name);
        let place = self.scope().place(&name);
        let kind = self.ur().kind;
        match place {
            Place::Local => {
                let i = self.ur().varnames[&name];
                self.emit(Op::LoadFast(i));
            }
            Place::Cell | Place::Free => {
                let i = self.cell_index(&name);
                if kind == CodeKind::Class {
                    let n = self.name_index(&name);
                    let _ = n;
                    self.emit(Op::LoadClassDeref(i));
                } else {
                    self.emit(Op::LoadDeref(i));
                }
            }
            Place::Global => {
                let slot = self.globals.slot(&name);
                self.emit(Op::LoadGlobal(slot));
            }
            Place::Name => {
                let slot = self.globals.slot(&name);
                let n = self.name_index(&name);
                let _ = slot;
                self.emit(Op::LoadName(n));
            }
        }
    }

    fn cell_index(&self, name: &str) -> u32 {
        let u = self.ur();
        if let Some(&i) = u.cellvars.get(name) {
            return i;
        }
        u.cellvars.len() as u32 + u.freevars.get(name).copied().unwrap_or(0)
    }

    fn store_name(&mut self, name: &Ident) {
        let name = self.mangled(name);
        let place = self.scope().place(&name);
        match place {
            Place::Local => {
                let i = self.ur().varnames[&name];
                self.emit(Op::StoreFast(i));
            }
            Place::Cell | Place::Free => {
                let i = self.cell_index(&name);
                self.emit(Op::StoreDeref(i));
            }
            Place::Global => {
                let slot = self.globals.slot(&name);
                self.emit(Op::StoreGlobal(slot));
            }
            Place::Name => {
                let n = self.name_index(&name);
                self.emit(Op::StoreName(n));
            }
        }
    }

    fn delete_name(&mut self, name: &Ident) {
        let name = self.mangled(name);
        let place = self.scope().place(&name);
        match place {
            Place::Local => {
                let i = self.ur().varnames[&name];
                self.emit(Op::DeleteFast(i));
            }
            Place::Cell | Place::Free => {
                let i = self.cell_index(&name);
                self.emit(Op::DeleteDeref(i));
            }
            Place::Global => {
                let slot = self.globals.slot(&name);
                self.emit(Op::DeleteGlobal(slot));
            }
            Place::Name => {
                let n = self.name_index(&name);
                self.emit(Op::DeleteName(n));
            }
        }
    }

    // ----- statements -----

    fn body(&mut self, body: &'a [Stmt]) -> Result<(), SyntaxError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> Result<(), SyntaxError> {
        self.set_line(s.span);
        match &s.kind {
            StmtKind::Expr(e) => {
                if let ExprKind::Constant(_) = e.kind {
                    return Ok(());
                }
                self.expr(e)?;
                self.emit(Op::Pop);
            }
            StmtKind::Assign { targets, value } => {
                // `a, b = b, a` (two or three names each side, no star): the values
                // are swapped on the stack instead of going through a tuple, as
                // CPython does.
                if let ([t], ExprKind::Tuple(vals)) = (&targets[..], &value.kind) {
                    if let ExprKind::Tuple(ts) | ExprKind::List(ts) = &t.kind {
                        let starred = |x: &Expr| matches!(x.kind, ExprKind::Starred(_));
                        let n = vals.len();
                        if (n == 2 || n == 3) && ts.len() == n && !vals.iter().any(starred) && !ts.iter().any(starred) {
                            for v in vals {
                                self.expr(v)?;
                            }
                            if n == 3 {
                                self.emit(Op::Rot3);
                            }
                            self.emit(Op::Rot2);
                            for t in ts {
                                self.store_target(t)?;
                            }
                            return Ok(());
                        }
                    }
                }
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store_target(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign { target, annotation, value, simple } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.store_target(target)?;
                }
                if *simple && self.ur().kind == CodeKind::Class {
                    if let ExprKind::Name(n) = &target.kind {
                        // `__annotations__[name] = annotation`, for dataclasses & co.
                        self.expr(annotation)?;
                        let ann: Ident = "__annotations__".into();
                        let i = self.name_index(&ann);
                        self.emit(Op::LoadName(i));
                        let key = self.mangled(n);
                        self.load_const(Value::str(&key));
                        self.emit(Op::StoreSubscr);
                    }
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete_target(t)?;
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break => self.break_continue(true, s.span)?,
            StmtKind::Continue => self.break_continue(false, s.span)?,
            StmtKind::Return(v) => {
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(Value::None),
                }
                self.unwind_for_return()?;
                self.emit(Op::Return);
            }
            StmtKind::Raise { exc, cause } => {
                let mut n = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    n = 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        n = 2;
                    }
                }
                self.emit(Op::Raise(n));
            }
            StmtKind::Assert { test, msg } => {
                let ok = self.new_label();
                self.expr(test)?;
                self.jump(Op::PopJumpIfTrue, ok);
                self.emit(Op::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Op::Call(1));
                }
                self.emit(Op::Raise(1));
                self.bind(ok);
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::If { test, body, orelse } => {
                let else_l = self.new_label();
                let end = self.new_label();
                self.cond_jump(test, false, else_l)?;
                self.body(body)?;
                if !orelse.is_empty() {
                    self.jump(Op::Jump, end);
                }
                self.bind(else_l);
                self.body(orelse)?;
                self.bind(end);
            }
            StmtKind::While { test, body, orelse } => {
                let top = self.new_label();
                let else_l = self.new_label();
                let brk = self.new_label();
                self.bind(top);
                self.cond_jump(test, false, else_l)?;
                self.u().fblocks.push(FBlock::While { top, brk });
                self.body(body)?;
                self.u().fblocks.pop();
                self.jump(Op::Jump, top);
                self.bind(else_l);
                self.body(orelse)?;
                self.bind(brk);
            }
            StmtKind::For { target, iter, body, orelse } => {
                let top = self.new_label();
                let exit = self.new_label();
                let brk = self.new_label();
                self.expr(iter)?;
                self.emit(Op::GetIter);
                self.bind(top);
                self.jump(Op::ForIter, exit);
                self.store_target(target)?;
                self.u().fblocks.push(FBlock::For { top, brk });
                self.body(body)?;
                self.u().fblocks.pop();
                self.set_line(s.span);
                self.jump(Op::Jump, top);
                self.bind(exit);
                self.body(orelse)?;
                self.bind(brk);
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)?;
                } else {
                    self.try_finally(body, handlers, orelse, finalbody)?;
                }
            }
            StmtKind::With { items, body } => self.with(items, body)?,
            StmtKind::FunctionDef(f) => self.function_def(f)?,
            StmtKind::ClassDef(c) => self.class_def(c)?,
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let n = self.name_index(&a.name);
                    match &a.asname {
                        Some(asn) => {
                            self.emit(Op::ImportName(n, 1));
                            self.store_name(asn);
                        }
                        None => {
                            self.emit(Op::ImportName(n, 0));
                            let top: Ident = a.name.split('.').next().unwrap_or(&a.name).into();
                            self.store_name(&top);
                        }
                    }
                }
            }
            StmtKind::ImportFrom { module, names } => {
                let m = self.name_index(module);
                self.emit(Op::ImportName(m, 1));
                for a in names {
                    if &*a.name == "*" {
                        self.emit(Op::ImportStar);
                        return Ok(());
                    }
                    let n = self.name_index(&a.name);
                    self.emit(Op::ImportFrom(n));
                    self.store_name(a.asname.as_ref().unwrap_or(&a.name));
                }
                self.emit(Op::Pop);
            }
            StmtKind::Match { subject, cases } => self.match_stmt(subject, cases)?,
        }
        Ok(())
    }

    fn aug_assign(&mut self, target: &'a Expr, op: BinOp, value: &'a Expr) -> Result<(), SyntaxError> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.load_name(n);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.store_name(n);
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let a = self.mangled(attr);
                let i = self.name_index(&a);
                self.emit(Op::LoadAttr(i));
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript { value: obj, slice } => {
                self.expr(obj)?;
                self.expr(slice)?;
                self.emit(Op::DupTwo);
                self.emit(Op::Subscr);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscr);
            }
            _ => return Err(SyntaxError::syntax("'expression' is an illegal expression for augmented assignment", target.span)),
        }
        Ok(())
    }

    fn store_target(&mut self, t: &'a Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Name(n) => self.store_name(n),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.mangled(attr);
                let i = self.name_index(&a);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Op::StoreSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let star = items.iter().position(|e| matches!(e.kind, ExprKind::Starred(_)));
                match star {
                    Some(si) => {
                        if items.iter().filter(|e| matches!(e.kind, ExprKind::Starred(_))).count() > 1 {
                            return Err(SyntaxError::syntax("multiple starred expressions in assignment", t.span));
                        }
                        self.emit(Op::UnpackEx(si as u32, (items.len() - si - 1) as u32));
                    }
                    None => {
                        self.emit(Op::UnpackSequence(items.len() as u32));
                    }
                }
                for it in items {
                    match &it.kind {
                        ExprKind::Starred(inner) => self.store_target(inner)?,
                        _ => self.store_target(it)?,
                    }
                }
            }
            ExprKind::Starred(_) => {
                return Err(SyntaxError::syntax("starred assignment target must be in a list or tuple", t.span));
            }
            _ => return Err(SyntaxError::syntax("cannot assign to expression", t.span)),
        }
        Ok(())
    }

    fn delete_target(&mut self, t: &'a Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Name(n) => self.delete_name(n),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.mangled(attr);
                let i = self.name_index(&a);
                self.emit(Op::DeleteAttr(i));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Op::DeleteSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete_target(i)?;
                }
            }
            _ => return Err(SyntaxError::syntax("cannot delete expression", t.span)),
        }
        Ok(())
    }

    /// Emits the code that leaves one block, keeping a return value on top if asked.
    fn unwind_block(&mut self, fb: &FBlock<'a>, keep_top: bool) -> Result<(), SyntaxError> {
        match fb {
            FBlock::For { .. } => {
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::Pop);
            }
            FBlock::While { .. } | FBlock::_Unused => {}
            FBlock::TryExcept => {
                self.emit(Op::PopBlock);
            }
            FBlock::TryFinally { body } => {
                self.emit(Op::PopBlock);
                let body: &'a [Stmt] = body;
                self.body(body)?;
            }
            FBlock::Handler { name } => {
                self.emit(Op::PopBlock);
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::PopExcept);
                if let Some(n) = name {
                    self.load_const(Value::None);
                    self.store_name(n);
                    self.delete_name(n);
                }
            }
            FBlock::FinallyHandler => {
                self.emit(Op::PopBlock);
                if keep_top {
                    self.emit(Op::Rot3);
                    self.emit(Op::Pop);
                } else {
                    self.emit(Op::Pop);
                }
                self.emit(Op::PopExcept);
            }
            FBlock::With => {
                self.emit(Op::PopBlock);
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::WithExitNormal);
            }
        }
        Ok(())
    }

    fn unwind_for_return(&mut self) -> Result<(), SyntaxError> {
        let blocks = self.u().fblocks.clone();
        for (i, fb) in blocks.iter().enumerate().rev() {
            // A `finally` body inlined here runs with only the outer blocks active.
            self.u().fblocks.truncate(i);
            self.unwind_block(fb, true)?;
        }
        self.u().fblocks = blocks;
        Ok(())
    }

    fn break_continue(&mut self, is_break: bool, span: Span) -> Result<(), SyntaxError> {
        let blocks = self.u().fblocks.clone();
        for (i, fb) in blocks.iter().enumerate().rev() {
            match fb {
                FBlock::For { top, brk } | FBlock::While { top, brk } => {
                    if is_break {
                        self.u().fblocks.truncate(i);
                        self.unwind_block(fb, false)?;
                        self.jump(Op::Jump, *brk);
                    } else {
                        self.jump(Op::Jump, *top);
                    }
                    self.u().fblocks = blocks;
                    return Ok(());
                }
                _ => {
                    self.u().fblocks.truncate(i);
                    self.unwind_block(fb, false)?;
                }
            }
        }
        self.u().fblocks = blocks;
        let msg = if is_break { "'break' outside loop" } else { "'continue' not properly in loop" };
        Err(SyntaxError::syntax(msg, span))
    }

    fn try_except(&mut self, body: &'a [Stmt], handlers: &'a [ExceptHandler], orelse: &'a [Stmt]) -> Result<(), SyntaxError> {
        let except_l = self.new_label();
        let end = self.new_label();
        self.jump(Op::SetupExcept, except_l);
        self.u().fblocks.push(FBlock::TryExcept);
        self.body(body)?;
        self.u().fblocks.pop();
        self.emit(Op::PopBlock);
        self.body(orelse)?;
        self.jump(Op::Jump, end);

        self.bind(except_l);
        let cleanup = self.new_label();
        self.emit(Op::PushExcInfo);
        self.jump(Op::SetupCleanup, cleanup);
        for h in handlers {
            if let Some(sp) = Some(h.span) {
                self.set_line(sp);
            }
            let next = self.new_label();
            if let Some(t) = &h.typ {
                self.expr(t)?;
                self.emit(Op::CheckExcMatch);
                self.jump(Op::PopJumpIfFalse, next);
            }
            match &h.name {
                Some(n) => self.store_name(n),
                None => {
                    self.emit(Op::Pop);
                }
            }
            self.u().fblocks.push(FBlock::Handler { name: h.name.clone() });
            self.body(&h.body)?;
            self.u().fblocks.pop();
            self.emit(Op::PopBlock);
            self.emit(Op::PopExcept);
            if let Some(n) = &h.name {
                self.load_const(Value::None);
                self.store_name(n);
                self.delete_name(n);
            }
            self.jump(Op::Jump, end);
            self.bind(next);
        }
        // No clause matched: the exception is still on top.
        self.emit(Op::Reraise);
        self.bind(cleanup);
        self.emit(Op::PopExceptReraise);
        self.bind(end);
        Ok(())
    }

    fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> Result<(), SyntaxError> {
        let fin_exc = self.new_label();
        let end = self.new_label();
        self.jump(Op::SetupExcept, fin_exc);
        self.u().fblocks.push(FBlock::TryFinally { body: finalbody });
        if handlers.is_empty() {
            self.body(body)?;
            self.body(orelse)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.u().fblocks.pop();
        self.emit(Op::PopBlock);
        self.body(finalbody)?;
        self.jump(Op::Jump, end);

        self.bind(fin_exc);
        let cleanup = self.new_label();
        self.emit(Op::PushExcInfo);
        self.jump(Op::SetupCleanup, cleanup);
        self.u().fblocks.push(FBlock::FinallyHandler);
        self.body(finalbody)?;
        self.u().fblocks.pop();
        self.emit(Op::PopBlock);
        self.emit(Op::PopExceptReraise);
        self.bind(cleanup);
        self.emit(Op::PopExceptReraise);
        self.bind(end);
        Ok(())
    }

    fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt]) -> Result<(), SyntaxError> {
        let Some((first, rest)) = items.split_first() else {
            return self.body(body);
        };
        let exc_l = self.new_label();
        let end = self.new_label();
        self.expr(&first.context_expr)?;
        self.emit(Op::BeforeWith);
        self.jump(Op::SetupCleanup, exc_l);
        match &first.optional_vars {
            Some(t) => self.store_target(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        self.u().fblocks.push(FBlock::With);
        self.with(rest, body)?;
        self.u().fblocks.pop();
        self.emit(Op::PopBlock);
        self.emit(Op::WithExitNormal);
        self.jump(Op::Jump, end);

        self.bind(exc_l);
        let cleanup = self.new_label();
        let suppress = self.new_label();
        self.emit(Op::PushExcInfo);
        self.jump(Op::SetupCleanup, cleanup);
        self.emit(Op::WithExceptStart);
        self.jump(Op::PopJumpIfTrue, suppress);
        self.emit(Op::PopBlock);
        self.emit(Op::PopExceptReraise);
        self.bind(suppress);
        self.emit(Op::PopBlock);
        self.emit(Op::Pop);
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.jump(Op::Jump, end);
        self.bind(cleanup);
        self.emit(Op::PopExceptReraise);
        self.bind(end);
        Ok(())
    }

    // ----- functions and classes -----

    fn function_def(&mut self, f: &'a FunctionDef) -> Result<(), SyntaxError> {
        for d in &f.decorators {
            self.expr(d)?;
        }
        let line = self.lines.line(f.span.start) as u32;
        let scope = self.table.by_node[&node_key(f)];
        let qualname = self.child_qualname(&f.name);
        self.make_function(&f.args, scope, f.name.clone(), qualname, line, CodeKind::Function, |c| {
            if let Some(Stmt { kind: StmtKind::Expr(Expr { kind: ExprKind::Constant(Constant::Str(s)), .. }), .. }) =
                f.body.first()
            {
                c.u().docstring = Some(s.clone());
            }
            c.body(&f.body)?;
            c.load_const(Value::None);
            c.emit(Op::Return);
            Ok(())
        })?;
        for _ in &f.decorators {
            self.emit(Op::Call(1));
        }
        self.store_name(&f.name);
        Ok(())
    }

    fn child_qualname(&self, name: &str) -> Rc<str> {
        let u = self.ur();
        match u.kind {
            CodeKind::Module => name.into(),
            CodeKind::Class => format!("{}.{name}", u.qualname).into(),
            _ => format!("{}.<locals>.{name}", u.qualname).into(),
        }
    }

    /// Pushes a new function object built from a child scope's code.
    fn make_function(
        &mut self,
        args: &'a Arguments,
        scope: usize,
        name: Rc<str>,
        qualname: Rc<str>,
        line: u32,
        kind: CodeKind,
        body: impl FnOnce(&mut Self) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        let mut flags = 0;
        if !args.defaults.is_empty() {
            for d in &args.defaults {
                self.expr(d)?;
            }
            self.emit(Op::BuildTuple(args.defaults.len() as u32));
            flags |= 1;
        }
        let kwd: Vec<(&Arg, &Expr)> =
            args.kwonly.iter().zip(&args.kw_defaults).filter_map(|(a, d)| d.as_ref().map(|d| (a, d))).collect();
        if !kwd.is_empty() {
            for (a, d) in &kwd {
                let n = self.mangled(&a.name);
                self.load_const(Value::str(&n));
                self.expr(d)?;
            }
            self.emit(Op::BuildMap(kwd.len() as u32));
            flags |= 2;
        }
        self.push_unit(scope, kind, name, qualname, line);
        body(self)?;
        let code = self.finish_code(args);
        let u = self.u();
        u.functions.push(code);
        let idx = u.functions.len() as u32 - 1;
        self.emit(Op::MakeFunction(idx, flags));
        Ok(())
    }

    /// Pops the current unit, fills in its signature and closure sources.
    fn finish_code(&mut self, args: &Arguments) -> Rc<Code> {
        let freevars: Vec<Rc<str>> = self.ur().freevars.keys().cloned().collect();
        let mut code = self.pop_unit();
        let closure_source: Vec<u32> = freevars.iter().map(|n| self.cell_index(n)).collect();
        let c = Rc::get_mut(&mut code).expect("a code object is not shared before it is finished");
        c.posonly = args.posonly.len() as u32;
        c.argcount = (args.posonly.len() + args.args.len()) as u32;
        c.kwonly = args.kwonly.len() as u32;
        c.varargs = args.vararg.is_some();
        c.varkw = args.kwarg.is_some();
        c.closure_source = closure_source;
        // Parameter order in locals: positional, kwonly, *args, **kwargs.
        let mut order: Vec<Rc<str>> = Vec::new();
        order.extend(args.posonly.iter().chain(&args.args).map(|a| a.name.clone()));
        order.extend(args.kwonly.iter().map(|a| a.name.clone()));
        order.extend(args.vararg.iter().map(|a| a.name.clone()));
        order.extend(args.kwarg.iter().map(|a| a.name.clone()));
        if c.kind != CodeKind::Comprehension && c.kind != CodeKind::GeneratorExpression {
            let class = self.class_context();
            let order: Vec<Rc<str>> = order.iter().map(|n| mangle(class.as_deref(), n).unwrap_or_else(|| n.clone())).collect();
            debug_assert!(order.iter().zip(&c.varnames).all(|(a, b)| a == b));
        }
        code
    }

    fn class_def(&mut self, c: &'a ClassDef) -> Result<(), SyntaxError> {
        for d in &c.decorators {
            self.expr(d)?;
        }
        let line = self.lines.line(c.span.start) as u32;
        let scope = self.table.by_node[&node_key(c)];
        let qualname = self.child_qualname(&c.name);
        for b in &c.bases {
            if let ExprKind::Starred(inner) = &b.kind {
                self.expr(inner)?;
                return Err(SyntaxError::syntax("garter does not support *bases in class definitions", b.span));
            }
            self.expr(b)?;
        }
        self.emit(Op::BuildTuple(c.bases.len() as u32));
        let kws: Vec<&Keyword> = c.keywords.iter().collect();
        for k in &kws {
            match &k.name {
                Some(n) => self.load_const(Value::str(n)),
                None => return Err(SyntaxError::syntax("garter does not support ** in class definitions", k.span)),
            }
            self.expr(&k.value)?;
        }
        self.emit(Op::BuildMap(kws.len() as u32));
        self.push_unit(scope, CodeKind::Class, c.name.clone(), qualname, line);
        if let Some(Stmt { kind: StmtKind::Expr(Expr { kind: ExprKind::Constant(Constant::Str(s)), .. }), .. }) =
            c.body.first()
        {
            self.u().docstring = Some(s.clone());
        }
        let has_annotations = c.body.iter().any(|s| matches!(s.kind, StmtKind::AnnAssign { simple: true, .. }));
        if has_annotations {
            self.emit(Op::BuildMap(0));
            let ann: Ident = "__annotations__".into();
            let i = self.name_index(&ann);
            self.emit(Op::StoreName(i));
        }
        self.body(&c.body)?;
        self.load_const(Value::None);
        self.emit(Op::Return);
        let code = self.finish_code(&Arguments::default());
        let u = self.u();
        u.functions.push(code);
        let idx = u.functions.len() as u32 - 1;
        self.emit(Op::BuildClass(idx));
        for _ in &c.decorators {
            self.emit(Op::Call(1));
        }
        self.store_name(&c.name);
        Ok(())
    }

    // ----- expressions -----

    /// Jumps to `target` when `e` is `jump_if`; falls through otherwise.
    fn cond_jump(&mut self, e: &'a Expr, jump_if: bool, target: Label) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::UnaryOp { op: UnaryOp::Not, operand } => return self.cond_jump(operand, !jump_if, target),
            ExprKind::BoolOp { op, values } => {
                let is_and = *op == BoolOp::And;
                // `a and b` jumps on false as soon as one is false.
                if is_and != jump_if {
                    for v in values {
                        self.cond_jump(v, jump_if, target)?;
                    }
                } else {
                    let skip = self.new_label();
                    let n = values.len();
                    for (i, v) in values.iter().enumerate() {
                        if i + 1 < n {
                            self.cond_jump(v, !jump_if, skip)?;
                        } else {
                            self.cond_jump(v, jump_if, target)?;
                        }
                    }
                    self.bind(skip);
                }
                return Ok(());
            }
            ExprKind::Compare { left, ops, comparators } if ops.len() == 1 && !jump_if => {
                self.expr(left)?;
                self.expr(&comparators[0])?;
                self.emit(Op::CompareJumpIfFalse(ops[0], target.0));
                return Ok(());
            }
            _ => {}
        }
        self.expr(e)?;
        if jump_if {
            self.jump(Op::PopJumpIfTrue, target);
        } else {
            self.jump(Op::PopJumpIfFalse, target);
        }
        Ok(())
    }

    fn expr(&mut self, e: &'a Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                let end = self.new_label();
                let n = values.len();
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < n {
                        match op {
                            BoolOp::And => self.jump(Op::JumpIfFalseOrPop, end),
                            BoolOp::Or => self.jump(Op::JumpIfTrueOrPop, end),
                        }
                    }
                }
                self.bind(end);
            }
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.emit(Op::Dup);
                self.store_name(target);
            }
            ExprKind::BinOp { left, op, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Op::Binary(*op));
            }
            ExprKind::UnaryOp { op, operand } => {
                if let (UnaryOp::USub, ExprKind::Constant(c)) = (op, &operand.kind) {
                    match c {
                        Constant::Int(i) if *i != i64::MIN => {
                            self.load_const(Value::Int(-*i));
                            return Ok(());
                        }
                        Constant::Float(f) => {
                            self.load_const(Value::Float(-*f));
                            return Ok(());
                        }
                        _ => {}
                    }
                }
                self.expr(operand)?;
                self.emit(Op::Unary(match op {
                    UnaryOp::Invert => UnaryOpKind::Invert,
                    UnaryOp::Not => UnaryOpKind::Not,
                    UnaryOp::UAdd => UnaryOpKind::Pos,
                    UnaryOp::USub => UnaryOpKind::Neg,
                }));
            }
            ExprKind::Lambda { args, body } => {
                let scope = self.table.by_node[&node_key(e)];
                let line = self.lines.line(e.span.start) as u32;
                let qualname = self.child_qualname("<lambda>");
                self.make_function(args, scope, "<lambda>".into(), qualname, line, CodeKind::Lambda, |c| {
                    c.expr(body)?;
                    c.emit(Op::Return);
                    Ok(())
                })?;
            }
            ExprKind::IfExp { test, body, orelse } => {
                let else_l = self.new_label();
                let end = self.new_label();
                self.cond_jump(test, false, else_l)?;
                self.expr(body)?;
                self.jump(Op::Jump, end);
                self.bind(else_l);
                self.expr(orelse)?;
                self.bind(end);
            }
            ExprKind::Dict { keys, values } => {
                if keys.iter().all(Option::is_some) {
                    for (k, v) in keys.iter().zip(values) {
                        if let Some(k) = k {
                            self.expr(k)?;
                        }
                        self.expr(v)?;
                    }
                    self.emit(Op::BuildMap(keys.len() as u32));
                } else {
                    self.emit(Op::BuildMap(0));
                    for (k, v) in keys.iter().zip(values) {
                        match k {
                            Some(k) => {
                                self.expr(k)?;
                                self.expr(v)?;
                                self.emit(Op::MapAdd(0));
                            }
                            None => {
                                self.expr(v)?;
                                self.emit(Op::DictUpdate(0));
                            }
                        }
                    }
                }
            }
            ExprKind::Set(items) => {
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.emit(Op::BuildSet(0));
                    for i in items {
                        if let ExprKind::Starred(inner) = &i.kind {
                            self.expr(inner)?;
                            self.emit(Op::SetUpdate(0));
                        } else {
                            self.expr(i)?;
                            self.emit(Op::SetAdd(0));
                        }
                    }
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    self.emit(Op::BuildSet(items.len() as u32));
                }
            }
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                let is_tuple = matches!(e.kind, ExprKind::Tuple(_));
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.emit(Op::BuildList(0));
                    for i in items {
                        if let ExprKind::Starred(inner) = &i.kind {
                            self.expr(inner)?;
                            self.emit(Op::ListExtend(0));
                        } else {
                            self.expr(i)?;
                            self.emit(Op::ListAppend(0));
                        }
                    }
                    if is_tuple {
                        self.emit(Op::ListToTuple);
                    }
                } else if is_tuple && !items.is_empty() && items.iter().all(|i| const_value(i).is_some()) {
                    let vals: Vec<Value> = items.iter().filter_map(const_value).collect();
                    self.load_const(Value::tuple(vals));
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    if is_tuple {
                        self.emit(Op::BuildTuple(items.len() as u32));
                    } else {
                        self.emit(Op::BuildList(items.len() as u32));
                    }
                }
            }
            ExprKind::ListComp { elt, generators } => {
                self.comprehension(e, CodeKind::Comprehension, "<listcomp>", generators, |c, depth| {
                    c.expr(elt)?;
                    c.emit(Op::ListAppend(depth));
                    Ok(())
                })?;
            }
            ExprKind::SetComp { elt, generators } => {
                self.comprehension(e, CodeKind::Comprehension, "<setcomp>", generators, |c, depth| {
                    c.expr(elt)?;
                    c.emit(Op::SetAdd(depth));
                    Ok(())
                })?;
            }
            ExprKind::DictComp { key, value, generators } => {
                self.comprehension(e, CodeKind::Comprehension, "<dictcomp>", generators, |c, depth| {
                    c.expr(key)?;
                    c.expr(value)?;
                    c.emit(Op::MapAdd(depth));
                    Ok(())
                })?;
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e, CodeKind::GeneratorExpression, "<genexpr>", generators, |c, _| {
                    c.expr(elt)?;
                    c.emit(Op::Yield);
                    c.emit(Op::Pop);
                    Ok(())
                })?;
            }
            ExprKind::Yield(v) => {
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(Value::None),
                }
                self.emit(Op::Yield);
            }
            ExprKind::YieldFrom(v) => {
                self.expr(v)?;
                self.emit(Op::GetYieldFromIter);
                self.load_const(Value::None);
                self.emit(Op::YieldFrom);
            }
            ExprKind::Compare { left, ops, comparators } => {
                self.expr(left)?;
                if ops.len() == 1 {
                    self.expr(&comparators[0])?;
                    self.emit(Op::Compare(ops[0]));
                } else {
                    let cleanup = self.new_label();
                    let end = self.new_label();
                    let n = ops.len();
                    for (i, (op, c)) in ops.iter().zip(comparators).enumerate() {
                        self.expr(c)?;
                        if i + 1 < n {
                            self.emit(Op::Dup);
                            self.emit(Op::Rot3);
                            self.emit(Op::Compare(*op));
                            self.jump(Op::JumpIfFalseOrPop, cleanup);
                        } else {
                            self.emit(Op::Compare(*op));
                        }
                    }
                    self.jump(Op::Jump, end);
                    self.bind(cleanup);
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.bind(end);
                }
            }
            ExprKind::Call { func, args, keywords } => self.call(e, func, args, keywords)?,
            ExprKind::JoinedStr(parts) => {
                let n = self.fstring_parts(parts)?;
                if n != 1 || !matches!(parts.first(), Some(FStringPart::Field { .. })) {
                    self.emit(Op::BuildString(n));
                }
            }
            ExprKind::Constant(c) => {
                let v = constant(c);
                self.load_const(v);
            }
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.mangled(attr);
                let i = self.name_index(&a);
                self.emit(Op::LoadAttr(i));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Op::Subscr);
            }
            ExprKind::Starred(_) => {
                return Err(SyntaxError::syntax("can't use starred expression here", e.span));
            }
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Slice { lower, upper, step } => {
                for p in [lower, upper] {
                    match p {
                        Some(x) => self.expr(x)?,
                        None => self.load_const(Value::None),
                    }
                }
                match step {
                    Some(s) => {
                        self.expr(s)?;
                        self.emit(Op::BuildSlice(3));
                    }
                    None => {
                        self.emit(Op::BuildSlice(2));
                    }
                }
            }
        }
        Ok(())
    }

    fn fstring_parts(&mut self, parts: &'a [FStringPart]) -> Result<u32, SyntaxError> {
        let mut n = 0;
        for p in parts {
            match p {
                FStringPart::Literal(s) => {
                    if s.is_empty() {
                        continue;
                    }
                    self.load_const(Value::str(s));
                }
                FStringPart::Field { value, conversion, format_spec } => {
                    self.expr(value)?;
                    let mut flag = match conversion {
                        Some('s') => 1,
                        Some('r') => 2,
                        Some('a') => 3,
                        _ => 0,
                    };
                    if let Some(spec) = format_spec {
                        let k = self.fstring_parts(spec)?;
                        if k != 1 {
                            self.emit(Op::BuildString(k));
                        }
                        flag |= 4;
                    }
                    self.emit(Op::FormatValue(flag));
                }
            }
            n += 1;
        }
        if n == 0 {
            self.load_const(Value::str(""));
            n = 1;
        }
        Ok(n)
    }

    fn call(&mut self, e: &Expr, func: &'a Expr, args: &'a [Expr], keywords: &'a [Keyword]) -> Result<(), SyntaxError> {
        let line_before = self.ur().line;
        let has_star = args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)));
        let has_dstar = keywords.iter().any(|k| k.name.is_none());
        // Zero-argument super() becomes super(__class__, <first argument>).
        if let ExprKind::Name(n) = &func.kind {
            if &**n == "super" && args.is_empty() && keywords.is_empty() && self.ur().freevars.contains_key("__class__") {
                self.load_name(n);
                let ci = self.cell_index("__class__");
                self.emit(Op::LoadDeref(ci));
                let scope = self.scope();
                match scope.params.first() {
                    Some(first) => {
                        let first = first.clone();
                        self.load_name(&first);
                    }
                    None => {
                        return Err(SyntaxError::syntax("super(): no arguments", e.span));
                    }
                }
                self.emit(Op::Call(2));
                return Ok(());
            }
        }
        if !has_star && !has_dstar {
            if let (ExprKind::Attribute { value, attr }, true) = (&func.kind, keywords.is_empty()) {
                self.expr(value)?;
                for a in args {
                    self.expr(a)?;
                }
                let a = self.mangled(attr);
                let i = self.name_index(&a);
                self.set_line(e.span);
                self.emit(Op::CallMethod(i, args.len() as u32));
                self.u().line = line_before;
                return Ok(());
            }
            self.expr(func)?;
            for a in args {
                self.expr(a)?;
            }
            self.set_line(e.span);
            if keywords.is_empty() {
                self.emit(Op::Call(args.len() as u32));
            } else {
                let mut names = Vec::new();
                for k in keywords {
                    self.expr(&k.value)?;
                    names.push(Value::str(k.name.as_deref().unwrap_or("")));
                }
                self.load_const(Value::tuple(names));
                self.emit(Op::CallKw((args.len() + keywords.len()) as u32));
            }
            self.u().line = line_before;
            return Ok(());
        }
        self.expr(func)?;
        self.emit(Op::BuildList(0));
        let sole_star = if args.len() == 1 { crate::compile::code::CALL_STAR } else { 0 };
        for a in args {
            if let ExprKind::Starred(inner) = &a.kind {
                self.expr(inner)?;
                self.emit(Op::ListExtend(sole_star));
            } else {
                self.expr(a)?;
                self.emit(Op::ListAppend(0));
            }
        }
        self.emit(Op::ListToTuple);
        if keywords.is_empty() {
            self.set_line(e.span);
            self.emit(Op::CallEx(0));
        } else {
            self.emit(Op::BuildMap(0));
            for k in keywords {
                match &k.name {
                    Some(n) => {
                        self.load_const(Value::str(n));
                        self.expr(&k.value)?;
                        self.emit(Op::MapAdd(0));
                    }
                    None => {
                        self.expr(&k.value)?;
                        self.emit(Op::DictMerge(0));
                    }
                }
            }
            self.set_line(e.span);
            self.emit(Op::CallEx(1));
        }
        self.u().line = line_before;
        Ok(())
    }

    fn comprehension(
        &mut self,
        node: &'a Expr,
        kind: CodeKind,
        name: &str,
        generators: &'a [Comprehension],
        elt: impl FnOnce(&mut Self, u32) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        let scope = self.table.by_node[&node_key(node)];
        let line = self.lines.line(node.span.start) as u32;
        let qualname = self.child_qualname(name);
        let first = generators.first().ok_or_else(|| SyntaxError::syntax("invalid syntax", node.span))?;
        self.push_unit(scope, kind, name.into(), qualname, line);
        self.u().line = line;
        match name {
            "<listcomp>" => {
                self.emit(Op::BuildList(0));
            }
            "<setcomp>" => {
                self.emit(Op::BuildSet(0));
            }
            "<dictcomp>" => {
                self.emit(Op::BuildMap(0));
            }
            _ => {}
        }
        let mut loops = Vec::new();
        for (i, g) in generators.iter().enumerate() {
            if i == 0 {
                self.emit(Op::LoadFast(0));
            } else {
                self.expr(&g.iter)?;
                self.emit(Op::GetIter);
            }
            let top = self.new_label();
            let exit = self.new_label();
            self.bind(top);
            self.jump(Op::ForIter, exit);
            self.store_target(&g.target)?;
            for cond in &g.ifs {
                self.cond_jump(cond, false, top)?;
            }
            loops.push((top, exit));
        }
        elt(self, generators.len() as u32)?;
        for (top, exit) in loops.into_iter().rev() {
            self.jump(Op::Jump, top);
            self.bind(exit);
        }
        if kind == CodeKind::GeneratorExpression {
            self.load_const(Value::None);
        }
        self.emit(Op::Return);
        let args = Arguments { args: vec![Arg { name: ".0".into(), annotation: None, span: node.span }], ..Default::default() };
        let code = self.finish_code(&args);
        let u = self.u();
        u.functions.push(code);
        let idx = u.functions.len() as u32 - 1;
        self.emit(Op::MakeFunction(idx, 0));
        self.expr(&first.iter)?;
        self.emit(Op::GetIter);
        self.emit(Op::Call(1));
        Ok(())
    }

    // ----- match -----

    fn match_stmt(&mut self, subject: &'a Expr, cases: &'a [MatchCase]) -> Result<(), SyntaxError> {
        self.expr(subject)?;
        let end = self.new_label();
        for case in cases {
            let next = self.new_label();
            self.set_line(case.pattern.span);
            self.emit(Op::Dup);
            self.pattern(&case.pattern)?;
            self.jump(Op::PopJumpIfFalse, next);
            if let Some(g) = &case.guard {
                self.cond_jump(g, false, next)?;
            }
            self.emit(Op::Pop);
            self.body(&case.body)?;
            self.jump(Op::Jump, end);
            self.bind(next);
        }
        self.emit(Op::Pop);
        self.bind(end);
        Ok(())
    }

    /// Consumes the value on top and pushes whether it matched, binding captures.
    fn pattern(&mut self, p: &'a Pattern) -> Result<(), SyntaxError> {
        match &p.kind {
            PatternKind::MatchValue(e) => {
                self.expr(e)?;
                self.emit(Op::Compare(CmpOp::Eq));
            }
            PatternKind::MatchSingleton(c) => {
                self.load_const(constant(c));
                self.emit(Op::Compare(CmpOp::Is));
            }
            PatternKind::MatchAs { pattern: None, name } => {
                match name {
                    Some(n) => self.store_name(n),
                    None => {
                        self.emit(Op::Pop);
                    }
                }
                self.load_const(Value::Bool(true));
            }
            PatternKind::MatchAs { pattern: Some(inner), name } => {
                let no = self.new_label();
                let end = self.new_label();
                self.emit(Op::Dup);
                self.pattern(inner)?;
                self.jump(Op::PopJumpIfFalse, no);
                match name {
                    Some(n) => self.store_name(n),
                    None => {
                        self.emit(Op::Pop);
                    }
                }
                self.load_const(Value::Bool(true));
                self.jump(Op::Jump, end);
                self.bind(no);
                self.emit(Op::Pop);
                self.load_const(Value::Bool(false));
                self.bind(end);
            }
            PatternKind::MatchOr(ps) => {
                let yes = self.new_label();
                let end = self.new_label();
                let n = ps.len();
                for (i, q) in ps.iter().enumerate() {
                    if i + 1 < n {
                        self.emit(Op::Dup);
                        self.pattern(q)?;
                        self.jump(Op::PopJumpIfTrue, yes);
                    } else {
                        self.pattern(q)?;
                        self.jump(Op::Jump, end);
                    }
                }
                self.bind(yes);
                self.emit(Op::Pop);
                self.load_const(Value::Bool(true));
                self.bind(end);
            }
            PatternKind::MatchStar(_) => {
                return Err(SyntaxError::syntax("can't use starred name here", p.span));
            }
            PatternKind::MatchSequence(ps) => {
                let fail = self.new_label();
                let end = self.new_label();
                self.emit(Op::MatchSequence);
                self.jump(Op::PopJumpIfFalse, fail);
                let star = ps.iter().position(|q| matches!(q.kind, PatternKind::MatchStar(_)));
                self.emit(Op::GetLen);
                match star {
                    Some(_) => {
                        self.load_const(Value::Int(ps.len() as i64 - 1));
                        self.emit(Op::Compare(CmpOp::GtE));
                    }
                    None => {
                        self.load_const(Value::Int(ps.len() as i64));
                        self.emit(Op::Compare(CmpOp::Eq));
                    }
                }
                self.jump(Op::PopJumpIfFalse, fail);
                let n = ps.len() as i64;
                for (i, q) in ps.iter().enumerate() {
                    let i = i as i64;
                    match (&q.kind, star) {
                        (PatternKind::MatchStar(name), Some(si)) => {
                            let Some(name) = name else { continue };
                            let after = n - si as i64 - 1;
                            self.emit(Op::Dup);
                            self.load_const(Value::Int(si as i64));
                            if after == 0 {
                                self.load_const(Value::None);
                            } else {
                                self.load_const(Value::Int(-after));
                            }
                            self.emit(Op::BuildSlice(2));
                            self.emit(Op::Subscr);
                            self.emit(Op::BuildList(0));
                            self.emit(Op::Rot2);
                            self.emit(Op::ListExtend(0));
                            self.store_name(name);
                        }
                        _ => {
                            if matches!(q.kind, PatternKind::MatchAs { pattern: None, name: None }) {
                                continue;
                            }
                            let idx = match star {
                                Some(si) if i > si as i64 => i - n,
                                _ => i,
                            };
                            self.emit(Op::Dup);
                            self.load_const(Value::Int(idx));
                            self.emit(Op::Subscr);
                            self.pattern(q)?;
                            self.jump(Op::PopJumpIfFalse, fail);
                        }
                    }
                }
                self.emit(Op::Pop);
                self.load_const(Value::Bool(true));
                self.jump(Op::Jump, end);
                self.bind(fail);
                self.emit(Op::Pop);
                self.load_const(Value::Bool(false));
                self.bind(end);
            }
            PatternKind::MatchMapping { keys, patterns, rest } => {
                let fail1 = self.new_label();
                let fail2 = self.new_label();
                let end = self.new_label();
                self.emit(Op::MatchMapping);
                self.jump(Op::PopJumpIfFalse, fail1);
                for k in keys {
                    self.expr(k)?;
                }
                self.emit(Op::BuildTuple(keys.len() as u32));
                self.emit(Op::MatchKeys);
                self.emit(Op::Dup);
                self.load_const(Value::None);
                self.emit(Op::Compare(CmpOp::Is));
                self.jump(Op::PopJumpIfTrue, fail2);
                for (i, q) in patterns.iter().enumerate() {
                    self.emit(Op::Dup);
                    self.load_const(Value::Int(i as i64));
                    self.emit(Op::Subscr);
                    self.pattern(q)?;
                    self.jump(Op::PopJumpIfFalse, fail2);
                }
                self.emit(Op::Pop);
                if let Some(r) = rest {
                    self.emit(Op::Dup);
                    for k in keys {
                        self.expr(k)?;
                    }
                    self.emit(Op::BuildTuple(keys.len() as u32));
                    self.emit(Op::CopyDictWithoutKeys);
                    self.store_name(r);
                }
                self.emit(Op::Pop);
                self.load_const(Value::Bool(true));
                self.jump(Op::Jump, end);
                self.bind(fail2);
                self.emit(Op::Pop);
                self.bind(fail1);
                self.emit(Op::Pop);
                self.load_const(Value::Bool(false));
                self.bind(end);
            }
            PatternKind::MatchClass { cls, patterns, kwd_attrs, kwd_patterns } => {
                let fail1 = self.new_label();
                let fail2 = self.new_label();
                let end = self.new_label();
                self.expr(cls)?;
                self.load_const(Value::tuple(kwd_attrs.iter().map(|a| Value::str(a)).collect()));
                self.emit(Op::MatchClass(patterns.len() as u32));
                self.emit(Op::Dup);
                self.load_const(Value::None);
                self.emit(Op::Compare(CmpOp::Is));
                self.jump(Op::PopJumpIfTrue, fail2);
                for (i, q) in patterns.iter().chain(kwd_patterns).enumerate() {
                    self.emit(Op::Dup);
                    self.load_const(Value::Int(i as i64));
                    self.emit(Op::Subscr);
                    self.pattern(q)?;
                    self.jump(Op::PopJumpIfFalse, fail2);
                }
                self.emit(Op::Pop);
                self.emit(Op::Pop);
                self.load_const(Value::Bool(true));
                self.jump(Op::Jump, end);
                self.bind(fail2);
                self.emit(Op::Pop);
                self.bind(fail1);
                self.emit(Op::Pop);
                self.load_const(Value::Bool(false));
                self.bind(end);
            }
        }
        Ok(())
    }
}

fn constant(c: &Constant) -> Value {
    match c {
        Constant::None => Value::None,
        Constant::True => Value::Bool(true),
        Constant::False => Value::Bool(false),
        Constant::Ellipsis => Value::Ellipsis,
        Constant::Int(i) => Value::Int(*i),
        Constant::BigInt(b) => Value::from_bigint((**b).clone()),
        Constant::Float(f) => Value::Float(*f),
        Constant::Str(s) => Value::str(s),
        Constant::Bytes(b) => Value::Bytes(b.clone()),
    }
}

fn const_value(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Constant(c) => Some(constant(c)),
        _ => None,
    }
}
