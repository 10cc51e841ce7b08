//! Scope analysis, as CPython's symtable does it.
//!
//! Decides for every name in every scope whether it is a fast local, a cell, a free
//! variable, a global or (in class bodies) a namespace lookup, so that the code
//! generator emits slot instructions and the machine never looks a local up by name.
//! Rules kept from CPython: an assignment anywhere in a function makes the name
//! local to the whole function; class bodies do not enclose their methods;
//! comprehensions are scopes of their own whose walrus targets bind in the enclosing
//! function; `__private` names are mangled inside classes.

use std::collections::HashMap;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::syntax::ast::*;
use crate::syntax::SyntaxError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
    Comprehension,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Flags {
    pub bound: bool,
    pub used: bool,
    pub param: bool,
    pub global: bool,
    pub nonlocal: bool,
    /// Bound by a walrus inside a nested comprehension.
    pub walrus: bool,
}

/// Where a name lives, once resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Local,
    Cell,
    Free,
    Global,
    /// Class body or module namespace lookup by name.
    Name,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: Rc<str>,
    pub symbols: IndexMap<Rc<str>, Flags>,
    pub params: Vec<Rc<str>>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub places: HashMap<Rc<str>, Place>,
    pub is_generator: bool,
    /// The class this scope's code is nested in (for name mangling).
    pub class_name: Option<Rc<str>>,
    /// A class body whose methods use `super()` or `__class__` gets a `__class__` cell.
    pub needs_class_cell: bool,
    pub line: u32,
}

impl Scope {
    pub fn place(&self, name: &str) -> Place {
        self.places.get(name).copied().unwrap_or(match self.kind {
            ScopeKind::Module => Place::Global,
            ScopeKind::Class => Place::Name,
            _ => Place::Global,
        })
    }
}

pub struct ScopeTable {
    pub scopes: Vec<Scope>,
    /// AST node address -> scope, for functions, lambdas, classes and comprehensions.
    pub by_node: HashMap<usize, usize>,
}

pub fn node_key<T>(node: &T) -> usize {
    node as *const T as usize
}

/// `__spam` inside class `Ham` becomes `_Ham__spam` (leading underscores of the class
/// name stripped; dunder names and dotted names untouched).
pub fn mangle(class_name: Option<&str>, name: &str) -> Option<Rc<str>> {
    let class = class_name?;
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return None;
    }
    let stripped = class.trim_start_matches('_');
    if stripped.is_empty() {
        return None;
    }
    Some(format!("_{stripped}{name}").into())
}

struct Builder<'a> {
    scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
    stack: Vec<usize>,
    _src: std::marker::PhantomData<&'a ()>,
}

pub fn analyze(module: &Module) -> Result<ScopeTable, SyntaxError> {
    let mut b = Builder { scopes: Vec::new(), by_node: HashMap::new(), stack: Vec::new(), _src: Default::default() };
    b.push(ScopeKind::Module, "<module>".into(), None, 1);
    for s in &module.body {
        b.stmt(s)?;
    }
    b.stack.pop();
    let mut table = ScopeTable { scopes: b.scopes, by_node: b.by_node };
    resolve(&mut table)?;
    Ok(table)
}

impl<'a> Builder<'a> {
    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().expect("the module scope is always on the stack");
        &mut self.scopes[i]
    }

    fn push(&mut self, kind: ScopeKind, name: Rc<str>, key: Option<usize>, line: u32) -> usize {
        let parent = self.stack.last().copied();
        let class_name = match parent {
            Some(p) if self.scopes[p].kind == ScopeKind::Class => Some(self.scopes[p].name.clone()),
            Some(p) => self.scopes[p].class_name.clone(),
            None => None,
        };
        let id = self.scopes.len();
        self.scopes.push(Scope {
            kind,
            name,
            symbols: IndexMap::new(),
            params: Vec::new(),
            parent,
            children: Vec::new(),
            places: HashMap::new(),
            is_generator: false,
            class_name,
            needs_class_cell: false,
            line,
        });
        if let Some(p) = parent {
            self.scopes[p].children.push(id);
        }
        if let Some(k) = key {
            self.by_node.insert(k, id);
        }
        self.stack.push(id);
        id
    }

    fn mangled(&mut self, name: &Ident) -> Ident {
        let scope = self.cur();
        let class = if scope.kind == ScopeKind::Class { Some(scope.name.clone()) } else { scope.class_name.clone() };
        mangle(class.as_deref(), name).unwrap_or_else(|| name.clone())
    }

    fn bind(&mut self, name: &Ident) {
        let n = self.mangled(name);
        self.cur().symbols.entry(n).or_default().bound = true;
    }

    fn use_name(&mut self, name: &Ident) {
        let n = self.mangled(name);
        self.cur().symbols.entry(n).or_default().used = true;
    }

    fn param(&mut self, name: &Ident) {
        let n = self.mangled(name);
        let s = self.cur();
        let f = s.symbols.entry(n.clone()).or_default();
        f.bound = true;
        f.param = true;
        s.params.push(n);
    }

    fn body(&mut self, body: &[Stmt]) -> Result<(), SyntaxError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e)?,
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value)?;
                if let ExprKind::Name(n) = &target.kind {
                    self.use_name(n);
                }
                self.target(target)?;
            }
            StmtKind::AnnAssign { target, annotation, value, .. } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.target(target)?;
                } else if let ExprKind::Name(n) = &target.kind {
                    // A bare annotation makes the name local (CPython does too).
                    if self.cur().kind == ScopeKind::Function {
                        self.bind(n);
                    }
                } else {
                    self.target_subexprs(target)?;
                }
                if self.cur().kind != ScopeKind::Function {
                    self.expr(annotation)?;
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e)?;
                }
                if let Some(c) = cause {
                    self.expr(c)?;
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                if let Some(m) = msg {
                    self.expr(m)?;
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    let kind = self.cur().kind;
                    let name = self.mangled(&n.id);
                    let f = self.cur().symbols.entry(name.clone()).or_default();
                    if f.param {
                        return Err(SyntaxError::syntax(format!("name '{}' is parameter and global", n.id), n.span));
                    }
                    if f.bound || f.used {
                        let what = if f.bound { "assigned to" } else { "used" };
                        return Err(SyntaxError::syntax(
                            format!("name '{}' is {what} before global declaration", n.id),
                            n.span,
                        ));
                    }
                    f.global = true;
                    let _ = kind;
                }
            }
            StmtKind::Nonlocal(names) => {
                for n in names {
                    if self.cur().kind == ScopeKind::Module {
                        return Err(SyntaxError::syntax("nonlocal declaration not allowed at module level", s.span));
                    }
                    let name = self.mangled(&n.id);
                    let f = self.cur().symbols.entry(name).or_default();
                    if f.param {
                        return Err(SyntaxError::syntax(format!("name '{}' is parameter and nonlocal", n.id), n.span));
                    }
                    if f.bound || f.used {
                        let what = if f.bound { "assigned to" } else { "used" };
                        return Err(SyntaxError::syntax(
                            format!("name '{}' is {what} before nonlocal declaration", n.id),
                            n.span,
                        ));
                    }
                    f.nonlocal = true;
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.body(body)?;
                self.body(orelse)?;
            }
            StmtKind::For { target, iter, body, orelse } => {
                self.expr(iter)?;
                self.target(target)?;
                self.body(body)?;
                self.body(orelse)?;
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                self.body(body)?;
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t)?;
                    }
                    if let Some(n) = &h.name {
                        self.bind(n);
                    }
                    self.body(&h.body)?;
                }
                self.body(orelse)?;
                self.body(finalbody)?;
            }
            StmtKind::With { items, body } => {
                for it in items {
                    self.expr(&it.context_expr)?;
                    if let Some(v) = &it.optional_vars {
                        self.target(v)?;
                    }
                }
                self.body(body)?;
            }
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d)?;
                }
                self.arguments_defaults(&f.args)?;
                for a in all_args(&f.args) {
                    if let Some(ann) = &a.annotation {
                        self.expr(ann)?;
                    }
                }
                if let Some(r) = &f.returns {
                    self.expr(r)?;
                }
                self.bind(&f.name);
                let line = 0;
                self.push(ScopeKind::Function, f.name.clone(), Some(node_key(&**f)), line);
                self.params(&f.args);
                self.body(&f.body)?;
                self.stack.pop();
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d)?;
                }
                for b in &c.bases {
                    self.expr(b)?;
                }
                for k in &c.keywords {
                    self.expr(&k.value)?;
                }
                self.bind(&c.name);
                self.push(ScopeKind::Class, c.name.clone(), Some(node_key(&**c)), 0);
                self.body(&c.body)?;
                self.stack.pop();
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let bound: Ident = match &a.asname {
                        Some(n) => n.clone(),
                        None => a.name.split('.').next().unwrap_or(&a.name).into(),
                    };
                    self.bind(&bound);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if &*a.name == "*" {
                        continue;
                    }
                    self.bind(a.asname.as_ref().unwrap_or(&a.name));
                }
            }
            StmtKind::Match { subject, cases } => {
                self.expr(subject)?;
                for c in cases {
                    self.pattern(&c.pattern)?;
                    if let Some(g) = &c.guard {
                        self.expr(g)?;
                    }
                    self.body(&c.body)?;
                }
            }
        }
        Ok(())
    }

    fn pattern(&mut self, p: &Pattern) -> Result<(), SyntaxError> {
        match &p.kind {
            PatternKind::MatchValue(e) => self.expr(e)?,
            PatternKind::MatchSingleton(_) => {}
            PatternKind::MatchSequence(ps) | PatternKind::MatchOr(ps) => {
                for q in ps {
                    self.pattern(q)?;
                }
            }
            PatternKind::MatchMapping { keys, patterns, rest } => {
                for k in keys {
                    self.expr(k)?;
                }
                for q in patterns {
                    self.pattern(q)?;
                }
                if let Some(r) = rest {
                    self.bind(r);
                }
            }
            PatternKind::MatchClass { cls, patterns, kwd_patterns, .. } => {
                self.expr(cls)?;
                for q in patterns.iter().chain(kwd_patterns) {
                    self.pattern(q)?;
                }
            }
            PatternKind::MatchStar(n) => {
                if let Some(n) = n {
                    self.bind(n);
                }
            }
            PatternKind::MatchAs { pattern, name } => {
                if let Some(q) = pattern {
                    self.pattern(q)?;
                }
                if let Some(n) = name {
                    self.bind(n);
                }
            }
        }
        Ok(())
    }

    fn params(&mut self, args: &Arguments) {
        for a in &args.posonly {
            self.param(&a.name);
        }
        for a in &args.args {
            self.param(&a.name);
        }
        for a in &args.kwonly {
            self.param(&a.name);
        }
        if let Some(a) = &args.vararg {
            self.param(&a.name);
        }
        if let Some(a) = &args.kwarg {
            self.param(&a.name);
        }
    }

    fn arguments_defaults(&mut self, args: &Arguments) -> Result<(), SyntaxError> {
        for d in &args.defaults {
            self.expr(d)?;
        }
        for d in args.kw_defaults.iter().flatten() {
            self.expr(d)?;
        }
        Ok(())
    }

    fn target(&mut self, t: &Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Name(n) => self.bind(n),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.target(i)?;
                }
            }
            ExprKind::Starred(inner) => self.target(inner)?,
            _ => self.target_subexprs(t)?,
        }
        Ok(())
    }

    fn target_subexprs(&mut self, t: &Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Attribute { value, .. } => self.expr(value),
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)
            }
            _ => self.expr(t),
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::BoolOp { values, .. } => {
                for v in values {
                    self.expr(v)?;
                }
            }
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.walrus_bind(target);
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)?;
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand)?,
            ExprKind::Lambda { args, body } => {
                self.arguments_defaults(args)?;
                self.push(ScopeKind::Function, "<lambda>".into(), Some(node_key(e)), 0);
                self.params(args);
                self.expr(body)?;
                self.stack.pop();
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)?;
            }
            ExprKind::Dict { keys, values } => {
                for k in keys.iter().flatten() {
                    self.expr(k)?;
                }
                for v in values {
                    self.expr(v)?;
                }
            }
            ExprKind::Set(items) | ExprKind::List(items) | ExprKind::Tuple(items) => {
                for i in items {
                    self.expr(i)?;
                }
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                let name = match &e.kind {
                    ExprKind::ListComp { .. } => "<listcomp>",
                    ExprKind::SetComp { .. } => "<setcomp>",
                    _ => "<genexpr>",
                };
                self.comprehension(e, name, generators, &[elt])?;
            }
            ExprKind::DictComp { key, value, generators } => {
                self.comprehension(e, "<dictcomp>", generators, &[key, value])?;
            }
            ExprKind::Yield(v) => {
                self.cur().is_generator = true;
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            ExprKind::YieldFrom(v) => {
                self.cur().is_generator = true;
                self.expr(v)?;
            }
            ExprKind::Compare { left, comparators, .. } => {
                self.expr(left)?;
                for c in comparators {
                    self.expr(c)?;
                }
            }
            ExprKind::Call { func, args, keywords } => {
                if let ExprKind::Name(n) = &func.kind {
                    if &**n == "super" && args.is_empty() && keywords.is_empty() {
                        self.use_super();
                    }
                }
                self.expr(func)?;
                for a in args {
                    self.expr(a)?;
                }
                for k in keywords {
                    self.expr(&k.value)?;
                }
            }
            ExprKind::JoinedStr(parts) => self.fstring(parts)?,
            ExprKind::Constant(_) => {}
            ExprKind::Attribute { value, .. } => self.expr(value)?,
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
            }
            ExprKind::Starred(v) => self.expr(v)?,
            ExprKind::Name(n) => {
                if &**n == "__class__" {
                    self.use_super();
                }
                self.use_name(n);
            }
            ExprKind::Slice { lower, upper, step } => {
                for p in [lower, upper, step].into_iter().flatten() {
                    self.expr(p)?;
                }
            }
        }
        Ok(())
    }

    fn fstring(&mut self, parts: &[FStringPart]) -> Result<(), SyntaxError> {
        for p in parts {
            if let FStringPart::Field { value, format_spec, .. } = p {
                self.expr(value)?;
                if let Some(spec) = format_spec {
                    self.fstring(spec)?;
                }
            }
        }
        Ok(())
    }

    /// Zero-argument `super()` and `__class__` need the implicit `__class__` cell of
    /// the nearest enclosing class, and the calling function's first argument.
    fn use_super(&mut self) {
        let Some(&fi) = self.stack.last() else { return };
        if self.scopes[fi].kind != ScopeKind::Function {
            return;
        }
        let mut i = self.scopes[fi].parent;
        while let Some(p) = i {
            if self.scopes[p].kind == ScopeKind::Class {
                self.scopes[p].needs_class_cell = true;
                self.scopes[fi].symbols.entry("__class__".into()).or_default().used = true;
                return;
            }
            i = self.scopes[p].parent;
        }
    }

    fn walrus_bind(&mut self, target: &Ident) {
        let name = self.mangled(target);
        // Bind in the nearest enclosing scope that is not a comprehension; the
        // comprehensions in between see it as free (or global at module level).
        let mut i = self.stack.len() - 1;
        while self.scopes[self.stack[i]].kind == ScopeKind::Comprehension && i > 0 {
            let s = &mut self.scopes[self.stack[i]];
            let f = s.symbols.entry(name.clone()).or_default();
            f.walrus = true;
            f.used = true;
            i -= 1;
        }
        let s = &mut self.scopes[self.stack[i]];
        s.symbols.entry(name).or_default().bound = true;
    }

    fn comprehension(
        &mut self,
        node: &Expr,
        name: &str,
        generators: &[Comprehension],
        elts: &[&Expr],
    ) -> Result<(), SyntaxError> {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.expr(&first.iter)?;
        }
        let id = self.push(ScopeKind::Comprehension, name.into(), Some(node_key(node)), 0);
        self.param(&".0".into());
        if name == "<genexpr>" {
            self.scopes[id].is_generator = true;
        }
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter)?;
            }
            self.target(&g.target)?;
            for c in &g.ifs {
                self.expr(c)?;
            }
        }
        for e in elts {
            self.expr(e)?;
        }
        self.stack.pop();
        Ok(())
    }
}

pub fn all_args(a: &Arguments) -> impl Iterator<Item = &Arg> {
    a.posonly.iter().chain(&a.args).chain(&a.vararg).chain(&a.kwonly).chain(&a.kwarg)
}

/// Second pass: decide places, propagate free variables and mark cells.
fn resolve(t: &mut ScopeTable) -> Result<(), SyntaxError> {
    let n = t.scopes.len();
    // Children are created after parents, so index order is a pre-order walk.
    for i in 0..n {
        let kind = t.scopes[i].kind;
        let names: Vec<(Rc<str>, Flags)> = t.scopes[i].symbols.iter().map(|(k, v)| (k.clone(), *v)).collect();
        for (name, f) in names {
            let place = match kind {
                ScopeKind::Module => Place::Global,
                ScopeKind::Class => {
                    if f.global {
                        Place::Global
                    } else if f.nonlocal {
                        find_enclosing(t, i, &name).ok_or_else(|| no_binding(&name))?;
                        Place::Free
                    } else if f.bound {
                        Place::Name
                    } else if find_enclosing(t, i, &name).is_some() {
                        Place::Free
                    } else {
                        Place::Name
                    }
                }
                ScopeKind::Function | ScopeKind::Comprehension => {
                    if f.global {
                        Place::Global
                    } else if f.nonlocal {
                        find_enclosing(t, i, &name).ok_or_else(|| no_binding(&name))?;
                        Place::Free
                    } else if &*name == "__class__" && !f.bound {
                        Place::Free
                    } else if f.walrus && kind == ScopeKind::Comprehension {
                        if find_enclosing(t, i, &name).is_some() { Place::Free } else { Place::Global }
                    } else if f.bound {
                        Place::Local
                    } else if find_enclosing(t, i, &name).is_some() {
                        Place::Free
                    } else {
                        Place::Global
                    }
                }
            };
            t.scopes[i].places.insert(name.clone(), place);
            if place == Place::Free {
                mark_cell(t, i, &name);
            }
        }
    }
    Ok(())
}

#[cold]
fn no_binding(name: &str) -> SyntaxError {
    SyntaxError::syntax(format!("no binding for nonlocal '{name}' found"), Span::default())
}

/// The nearest enclosing function scope (classes skipped) that binds `name` itself.
fn find_enclosing(t: &ScopeTable, from: usize, name: &str) -> Option<usize> {
    let mut i = t.scopes[from].parent;
    if name == "__class__" {
        while let Some(p) = i {
            if t.scopes[p].kind == ScopeKind::Class && t.scopes[p].needs_class_cell {
                return Some(p);
            }
            i = t.scopes[p].parent;
        }
        return None;
    }
    while let Some(p) = i {
        let s = &t.scopes[p];
        match s.kind {
            ScopeKind::Module => return None,
            ScopeKind::Class => {}
            ScopeKind::Function | ScopeKind::Comprehension => {
                if let Some(f) = s.symbols.get(name) {
                    if f.global {
                        return None;
                    }
                    if (f.bound && !f.walrus) || f.nonlocal {
                        return Some(p);
                    }
                    if f.walrus && s.kind == ScopeKind::Function {
                        return Some(p);
                    }
                }
            }
        }
        i = s.parent;
    }
    None
}

/// Makes `name` a cell where it is defined and free in every scope in between.
fn mark_cell(t: &mut ScopeTable, from: usize, name: &Rc<str>) {
    let Some(owner) = find_enclosing(t, from, name) else { return };
    let mut i = t.scopes[from].parent;
    while let Some(p) = i {
        if p == owner {
            break;
        }
        let s = &mut t.scopes[p];
        let bound_here = s.symbols.get(name).is_some_and(|f| f.bound);
        // A class body that binds the name itself keeps its own attribute; its
        // methods then cannot see the outer variable (a known divergence, rare).
        if !(s.kind == ScopeKind::Class && bound_here) {
            s.places.insert(name.clone(), Place::Free);
            s.symbols.entry(name.clone()).or_default().used = true;
        }
        i = t.scopes[p].parent;
    }
    let o = &mut t.scopes[owner];
    if &**name == "__class__" && o.kind == ScopeKind::Class {
        o.places.insert(name.clone(), Place::Cell);
        o.symbols.entry(name.clone()).or_default();
        return;
    }
    o.places.insert(name.clone(), Place::Cell);
}
