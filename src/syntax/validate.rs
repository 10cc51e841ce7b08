//! The errors CPython raises after parsing, at compile time, that need no scope
//! analysis: `break`/`continue` outside a loop, `return`/`yield`/`await` outside a
//! function, duplicate parameters, `nonlocal` at module level, misplaced starred
//! targets. The earliest error in the source wins, as CPython's single pass does.
//!
//! Recurses over the tree; the layout pass bounds its depth (lexer::MAX_DEPTH), so
//! this never runs out of stack. Must never panic.

use super::ast::*;
use super::error::SyntaxError;

#[derive(Clone, Copy)]
struct Scope {
    in_function: bool,
    in_loop: bool,
    at_module: bool,
}

struct Validator<'a> {
    first: Option<SyntaxError>,
    awaits: &'a [Span],
    /// Spans of function bodies (defs and lambdas), for wording `await` errors.
    functions: Vec<Span>,
}

impl Validator<'_> {
    fn report(&mut self, msg: impl Into<String>, span: Span) {
        let e = SyntaxError::syntax(msg, span);
        match &self.first {
            Some(f) if f.span.start <= span.start => {}
            _ => self.first = Some(e),
        }
    }

    /// A starred expression standing alone where a value is expected.
    fn no_star(&mut self, e: &Expr) {
        if let ExprKind::Starred(_) = e.kind {
            self.report("can't use starred expression here", e.span);
        }
    }

    fn body(&mut self, stmts: &[Stmt], scope: Scope) {
        for s in stmts {
            self.stmt(s, scope);
        }
    }

    fn args(&mut self, a: &Arguments, scope: Scope) {
        let mut seen: Vec<&str> = Vec::new();
        let all = a
            .posonly
            .iter()
            .chain(&a.args)
            .chain(&a.vararg)
            .chain(&a.kwonly)
            .chain(&a.kwarg);
        for arg in all {
            if seen.contains(&&*arg.name) {
                self.report(
                    format!("duplicate argument '{}' in function definition", arg.name),
                    arg.span,
                );
            }
            seen.push(&arg.name);
            if let Some(ann) = &arg.annotation {
                self.expr(ann, scope);
            }
        }
        for d in &a.defaults {
            self.expr(d, scope);
        }
        for d in a.kw_defaults.iter().flatten() {
            self.expr(d, scope);
        }
    }

    fn stmt(&mut self, s: &Stmt, scope: Scope) {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.no_star(e);
                self.expr(e, scope);
            }
            StmtKind::Assign { targets, value } => {
                self.no_star(value);
                for t in targets {
                    self.target(t);
                    self.expr(t, scope);
                }
                self.expr(value, scope);
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.no_star(value);
                self.expr(target, scope);
                self.expr(value, scope);
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                ..
            } => {
                self.expr(target, scope);
                self.expr(annotation, scope);
                if let Some(v) = value {
                    self.expr(v, scope);
                }
            }
            StmtKind::Del(v) => v.iter().for_each(|e| self.expr(e, scope)),
            StmtKind::ImportFrom { names, .. } => {
                if !scope.at_module && names.iter().any(|a| &*a.name == "*") {
                    self.report("import * only allowed at module level", s.span);
                }
            }
            StmtKind::Pass | StmtKind::Global(_) | StmtKind::Import(_) => {}
            StmtKind::Break => {
                if !scope.in_loop {
                    self.report("'break' outside loop", s.span);
                }
            }
            StmtKind::Continue => {
                if !scope.in_loop {
                    self.report("'continue' not properly in loop", s.span);
                }
            }
            StmtKind::Return(v) => {
                if !scope.in_function {
                    self.report("'return' outside function", s.span);
                }
                if let Some(v) = v {
                    self.no_star(v);
                    self.expr(v, scope);
                }
            }
            StmtKind::Raise { exc, cause } => {
                for e in exc.iter().chain(cause) {
                    self.expr(e, scope);
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test, scope);
                if let Some(m) = msg {
                    self.expr(m, scope);
                }
            }
            StmtKind::Nonlocal(names) => {
                if scope.at_module {
                    let span = names.first().map_or(s.span, |n| n.span);
                    self.report(
                        "nonlocal declaration not allowed at module level",
                        Span::new(s.span.start as usize, span.end as usize),
                    );
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test, scope);
                self.body(body, scope);
                self.body(orelse, scope);
            }
            StmtKind::While { test, body, orelse } => {
                self.expr(test, scope);
                self.body(
                    body,
                    Scope {
                        in_loop: true,
                        ..scope
                    },
                );
                self.body(orelse, scope);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.target(target);
                self.expr(target, scope);
                self.expr(iter, scope);
                self.body(
                    body,
                    Scope {
                        in_loop: true,
                        ..scope
                    },
                );
                self.body(orelse, scope);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.body(body, scope);
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t, scope);
                    }
                    self.body(&h.body, scope);
                }
                self.body(orelse, scope);
                self.body(finalbody, scope);
            }
            StmtKind::With { items, body } => {
                for i in items {
                    self.expr(&i.context_expr, scope);
                    if let Some(v) = &i.optional_vars {
                        self.expr(v, scope);
                    }
                }
                self.body(body, scope);
            }
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d, scope);
                }
                self.args(&f.args, scope);
                if let Some(r) = &f.returns {
                    self.expr(r, scope);
                }
                self.functions.push(s.span);
                self.body(
                    &f.body,
                    Scope {
                        in_function: true,
                        in_loop: false,
                        at_module: false,
                    },
                );
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d, scope);
                }
                for b in &c.bases {
                    self.expr(b, scope);
                }
                for k in &c.keywords {
                    self.expr(&k.value, scope);
                }
                self.body(
                    &c.body,
                    Scope {
                        in_function: false,
                        in_loop: false,
                        at_module: false,
                    },
                );
            }
            StmtKind::Match { subject, cases } => {
                self.expr(subject, scope);
                // An unguarded capture or wildcard before the last case.
                for c in cases.iter().take(cases.len().saturating_sub(1)) {
                    if let (
                        PatternKind::MatchAs {
                            pattern: None,
                            name,
                        },
                        None,
                    ) = (&c.pattern.kind, &c.guard)
                    {
                        let msg = match name {
                            Some(n) => {
                                format!("name capture '{n}' makes remaining patterns unreachable")
                            }
                            None => "wildcard makes remaining patterns unreachable".to_string(),
                        };
                        self.report(msg, c.pattern.span);
                    }
                }
                for c in cases {
                    if let Some(g) = &c.guard {
                        self.expr(g, scope);
                    }
                    self.body(&c.body, scope);
                }
            }
        }
    }

    /// Starred targets must sit in a tuple or list, once per level.
    fn target(&mut self, t: &Expr) {
        match &t.kind {
            ExprKind::Starred(_) => self.report(
                "starred assignment target must be in a list or tuple",
                t.span,
            ),
            ExprKind::Tuple(v) | ExprKind::List(v) => {
                let stars = v
                    .iter()
                    .filter(|e| matches!(e.kind, ExprKind::Starred(_)))
                    .count();
                if stars > 1 {
                    self.report("multiple starred expressions in assignment", t.span);
                }
                for e in v {
                    match &e.kind {
                        ExprKind::Starred(inner) => self.target_inner(inner),
                        _ => self.target(e),
                    }
                }
            }
            _ => {}
        }
    }

    fn target_inner(&mut self, t: &Expr) {
        if let ExprKind::Tuple(_) | ExprKind::List(_) = t.kind {
            self.target(t);
        }
    }

    fn exprs(&mut self, v: &[Expr], scope: Scope) {
        for e in v {
            self.expr(e, scope);
        }
    }

    fn comps(&mut self, g: &[Comprehension], scope: Scope) {
        for c in g {
            self.expr(&c.target, scope);
            self.expr(&c.iter, scope);
            self.exprs(&c.ifs, scope);
        }
    }

    fn expr(&mut self, e: &Expr, scope: Scope) {
        match &e.kind {
            ExprKind::BoolOp { values, .. } => self.exprs(values, scope),
            ExprKind::NamedExpr { value, .. } => self.expr(value, scope),
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left, scope);
                self.expr(right, scope);
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand, scope),
            ExprKind::Lambda { args, body } => {
                self.args(args, scope);
                self.functions.push(e.span);
                self.expr(
                    body,
                    Scope {
                        in_function: true,
                        in_loop: false,
                        at_module: false,
                    },
                );
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test, scope);
                self.expr(body, scope);
                self.expr(orelse, scope);
            }
            ExprKind::Dict { keys, values } => {
                for k in keys.iter().flatten() {
                    self.expr(k, scope);
                }
                self.exprs(values, scope);
            }
            ExprKind::Set(v) | ExprKind::List(v) | ExprKind::Tuple(v) => self.exprs(v, scope),
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                self.expr(elt, scope);
                self.comps(generators, scope);
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                self.expr(key, scope);
                self.expr(value, scope);
                self.comps(generators, scope);
            }
            ExprKind::Yield(v) => {
                if !scope.in_function {
                    self.report("'yield' outside function", e.span);
                }
                if let Some(v) = v {
                    self.expr(v, scope);
                }
            }
            ExprKind::YieldFrom(v) => {
                if !scope.in_function {
                    self.report("'yield' outside function", e.span);
                }
                self.expr(v, scope);
            }
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.expr(left, scope);
                self.exprs(comparators, scope);
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func, scope);
                self.exprs(args, scope);
                for k in keywords {
                    self.expr(&k.value, scope);
                }
            }
            ExprKind::JoinedStr(parts) => self.fparts(parts, scope),
            ExprKind::Constant(_) | ExprKind::Name(_) => {}
            ExprKind::Attribute { value, .. } => self.expr(value, scope),
            ExprKind::Subscript { value, slice } => {
                self.expr(value, scope);
                self.expr(slice, scope);
            }
            ExprKind::Starred(v) => self.expr(v, scope),
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x, scope);
                }
            }
        }
    }

    fn fparts(&mut self, parts: &[FStringPart], scope: Scope) {
        for p in parts {
            if let FStringPart::Field {
                value, format_spec, ..
            } = p
            {
                self.expr(value, scope);
                if let Some(spec) = format_spec {
                    self.fparts(spec, scope);
                }
            }
        }
    }
}

/// Checks a parsed module; `awaits` are the spans where `await` was written.
pub fn validate(module: &Module, awaits: &[Span]) -> Result<(), SyntaxError> {
    let mut v = Validator {
        first: None,
        awaits,
        functions: Vec::new(),
    };
    v.body(
        &module.body,
        Scope {
            in_function: false,
            in_loop: false,
            at_module: true,
        },
    );
    for &a in v.awaits {
        let inside = v
            .functions
            .iter()
            .any(|f| f.start <= a.start && a.end <= f.end);
        let msg = if inside {
            "'await' outside async function"
        } else {
            "'await' outside function"
        };
        v.report(msg, a);
    }
    match v.first {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
