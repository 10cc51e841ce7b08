//! A flat dump of a syntax tree in CPython's `ast` vocabulary and field order, so
//! that a tree can be diffed against `ast.parse` (see tests/ast_vs_cpython.py) and
//! read when debugging. Strings and floats are written as hex to compare exactly.
//! Recursion is bounded by the parser's depth limit; must never panic.

use std::fmt::Write;

use super::ast::*;

pub fn dump_module(m: &Module) -> String {
    let mut d = Dumper { out: String::new() };
    d.w("Module");
    d.stmts(&m.body);
    d.out
}

struct Dumper {
    out: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

impl Dumper {
    fn w(&mut self, s: &str) {
        if !self.out.is_empty() {
            self.out.push(' ');
        }
        self.out.push_str(s);
    }

    fn none(&mut self) {
        self.w("None");
    }

    fn ident(&mut self, s: &str) {
        self.w(&format!("id:{s}"));
    }

    fn opt_ident(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.ident(s),
            None => self.none(),
        }
    }

    fn list<T>(&mut self, v: &[T], f: impl Fn(&mut Self, &T)) {
        self.w("[");
        for x in v {
            f(self, x);
        }
        self.w("]");
    }

    fn stmts(&mut self, v: &[Stmt]) {
        self.list(v, |d, s| d.stmt(s));
    }

    fn exprs(&mut self, v: &[Expr]) {
        self.list(v, |d, e| d.expr(e));
    }

    fn opt(&mut self, e: Option<&Expr>) {
        match e {
            Some(e) => self.expr(e),
            None => self.none(),
        }
    }

    fn constant(&mut self, c: &Constant) {
        let s = match c {
            Constant::None => "None".to_string(),
            Constant::True => "True".to_string(),
            Constant::False => "False".to_string(),
            Constant::Ellipsis => "Ellipsis".to_string(),
            Constant::Int(i) => format!("i:{i}"),
            Constant::BigInt(i) => format!("i:{i}"),
            Constant::Float(f) => format!("f:{:016x}", f.to_bits()),
            Constant::Str(s) => format!("s:{}", hex(s.as_bytes())),
            Constant::Bytes(b) => format!("b:{}", hex(b)),
        };
        self.w(&s);
    }

    fn arg(&mut self, a: &Arg) {
        self.w("arg");
        self.ident(&a.name);
        self.opt(a.annotation.as_ref());
    }

    fn arguments(&mut self, a: &Arguments) {
        self.w("arguments");
        self.list(&a.posonly, |d, x| d.arg(x));
        self.list(&a.args, |d, x| d.arg(x));
        match &a.vararg {
            Some(x) => self.arg(x),
            None => self.none(),
        }
        self.list(&a.kwonly, |d, x| d.arg(x));
        self.list(&a.kw_defaults, |d, x| d.opt(x.as_ref()));
        match &a.kwarg {
            Some(x) => self.arg(x),
            None => self.none(),
        }
        self.exprs(&a.defaults);
    }

    fn keyword(&mut self, k: &Keyword) {
        self.w("keyword");
        self.opt_ident(k.name.as_deref());
        self.expr(&k.value);
    }

    fn alias(&mut self, a: &Alias) {
        self.w("alias");
        self.ident(&a.name);
        self.opt_ident(a.asname.as_deref());
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.w("Expr");
                self.expr(e);
            }
            StmtKind::Assign { targets, value } => {
                self.w("Assign");
                self.exprs(targets);
                self.expr(value);
            }
            StmtKind::AugAssign { target, op, value } => {
                self.w("AugAssign");
                self.expr(target);
                self.w(binop_name(*op));
                self.expr(value);
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => {
                self.w("AnnAssign");
                self.expr(target);
                self.expr(annotation);
                self.opt(value.as_ref());
                self.w(if *simple { "i:1" } else { "i:0" });
            }
            StmtKind::Del(v) => {
                self.w("Delete");
                self.exprs(v);
            }
            StmtKind::Pass => self.w("Pass"),
            StmtKind::Break => self.w("Break"),
            StmtKind::Continue => self.w("Continue"),
            StmtKind::Return(v) => {
                self.w("Return");
                self.opt(v.as_ref());
            }
            StmtKind::Raise { exc, cause } => {
                self.w("Raise");
                self.opt(exc.as_ref());
                self.opt(cause.as_ref());
            }
            StmtKind::Assert { test, msg } => {
                self.w("Assert");
                self.expr(test);
                self.opt(msg.as_ref());
            }
            StmtKind::Global(v) | StmtKind::Nonlocal(v) => {
                self.w(if matches!(s.kind, StmtKind::Global(_)) {
                    "Global"
                } else {
                    "Nonlocal"
                });
                self.list(v, |d, n| d.ident(&n.id));
            }
            StmtKind::If { test, body, orelse } => {
                self.w("If");
                self.expr(test);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::While { test, body, orelse } => {
                self.w("While");
                self.expr(test);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.w("For");
                self.expr(target);
                self.expr(iter);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.w("Try");
                self.stmts(body);
                self.list(handlers, |d, h| {
                    d.w("ExceptHandler");
                    d.opt(h.typ.as_ref());
                    d.opt_ident(h.name.as_deref());
                    d.stmts(&h.body);
                });
                self.stmts(orelse);
                self.stmts(finalbody);
            }
            StmtKind::With { items, body } => {
                self.w("With");
                self.list(items, |d, i| {
                    d.w("withitem");
                    d.expr(&i.context_expr);
                    d.opt(i.optional_vars.as_ref());
                });
                self.stmts(body);
            }
            StmtKind::FunctionDef(f) => {
                self.w("FunctionDef");
                self.ident(&f.name);
                self.arguments(&f.args);
                self.stmts(&f.body);
                self.exprs(&f.decorators);
                self.opt(f.returns.as_ref());
            }
            StmtKind::ClassDef(c) => {
                self.w("ClassDef");
                self.ident(&c.name);
                self.exprs(&c.bases);
                self.list(&c.keywords, |d, k| d.keyword(k));
                self.stmts(&c.body);
                self.exprs(&c.decorators);
            }
            StmtKind::Import(v) => {
                self.w("Import");
                self.list(v, |d, a| d.alias(a));
            }
            StmtKind::ImportFrom { module, names } => {
                self.w("ImportFrom");
                self.ident(module);
                self.list(names, |d, a| d.alias(a));
            }
            StmtKind::Match { subject, cases } => {
                self.w("Match");
                self.expr(subject);
                self.list(cases, |d, c| {
                    d.w("match_case");
                    d.pattern(&c.pattern);
                    d.opt(c.guard.as_ref());
                    d.stmts(&c.body);
                });
            }
        }
    }

    fn pattern(&mut self, p: &Pattern) {
        match &p.kind {
            PatternKind::MatchValue(e) => {
                self.w("MatchValue");
                self.expr(e);
            }
            PatternKind::MatchSingleton(c) => {
                self.w("MatchSingleton");
                self.constant(c);
            }
            PatternKind::MatchSequence(v) => {
                self.w("MatchSequence");
                self.list(v, |d, p| d.pattern(p));
            }
            PatternKind::MatchMapping {
                keys,
                patterns,
                rest,
            } => {
                self.w("MatchMapping");
                self.exprs(keys);
                self.list(patterns, |d, p| d.pattern(p));
                self.opt_ident(rest.as_deref());
            }
            PatternKind::MatchClass {
                cls,
                patterns,
                kwd_attrs,
                kwd_patterns,
            } => {
                self.w("MatchClass");
                self.expr(cls);
                self.list(patterns, |d, p| d.pattern(p));
                self.list(kwd_attrs, |d, a| d.ident(a));
                self.list(kwd_patterns, |d, p| d.pattern(p));
            }
            PatternKind::MatchStar(n) => {
                self.w("MatchStar");
                self.opt_ident(n.as_deref());
            }
            PatternKind::MatchAs { pattern, name } => {
                self.w("MatchAs");
                match pattern {
                    Some(p) => self.pattern(p),
                    None => self.none(),
                }
                self.opt_ident(name.as_deref());
            }
            PatternKind::MatchOr(v) => {
                self.w("MatchOr");
                self.list(v, |d, p| d.pattern(p));
            }
        }
    }

    fn fparts(&mut self, parts: &[FStringPart]) {
        self.w("JoinedStr");
        self.list(parts, |d, p| match p {
            FStringPart::Literal(s) => {
                d.w("Constant");
                d.constant(&Constant::Str(s.as_str().into()));
            }
            FStringPart::Field {
                value,
                conversion,
                format_spec,
            } => {
                d.w("FormattedValue");
                d.expr(value);
                d.w(&format!("i:{}", conversion.map_or(-1, |c| c as i64)));
                match format_spec {
                    Some(spec) => d.fparts(spec),
                    None => d.none(),
                }
            }
        });
    }

    fn comps(&mut self, g: &[Comprehension]) {
        self.list(g, |d, c| {
            d.w("comprehension");
            d.expr(&c.target);
            d.expr(&c.iter);
            d.exprs(&c.ifs);
        });
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                self.w("BoolOp");
                self.w(if *op == BoolOp::And { "And" } else { "Or" });
                self.exprs(values);
            }
            ExprKind::NamedExpr { target, value } => {
                self.w("NamedExpr Name");
                self.ident(target);
                self.expr(value);
            }
            ExprKind::BinOp { left, op, right } => {
                self.w("BinOp");
                self.expr(left);
                self.w(binop_name(*op));
                self.expr(right);
            }
            ExprKind::UnaryOp { op, operand } => {
                self.w("UnaryOp");
                self.w(match op {
                    UnaryOp::Invert => "Invert",
                    UnaryOp::Not => "Not",
                    UnaryOp::UAdd => "UAdd",
                    UnaryOp::USub => "USub",
                });
                self.expr(operand);
            }
            ExprKind::Lambda { args, body } => {
                self.w("Lambda");
                self.arguments(args);
                self.expr(body);
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.w("IfExp");
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Dict { keys, values } => {
                self.w("Dict");
                self.list(keys, |d, k| d.opt(k.as_ref()));
                self.exprs(values);
            }
            ExprKind::Set(v) => {
                self.w("Set");
                self.exprs(v);
            }
            ExprKind::ListComp { elt, generators } => {
                self.w("ListComp");
                self.expr(elt);
                self.comps(generators);
            }
            ExprKind::SetComp { elt, generators } => {
                self.w("SetComp");
                self.expr(elt);
                self.comps(generators);
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                self.w("DictComp");
                self.expr(key);
                self.expr(value);
                self.comps(generators);
            }
            ExprKind::GeneratorExp { elt, generators } => {
                self.w("GeneratorExp");
                self.expr(elt);
                self.comps(generators);
            }
            ExprKind::Yield(v) => {
                self.w("Yield");
                self.opt(v.as_deref());
            }
            ExprKind::YieldFrom(v) => {
                self.w("YieldFrom");
                self.expr(v);
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                self.w("Compare");
                self.expr(left);
                self.list(ops, |d, o| {
                    d.w(match o {
                        CmpOp::Eq => "Eq",
                        CmpOp::NotEq => "NotEq",
                        CmpOp::Lt => "Lt",
                        CmpOp::LtE => "LtE",
                        CmpOp::Gt => "Gt",
                        CmpOp::GtE => "GtE",
                        CmpOp::Is => "Is",
                        CmpOp::IsNot => "IsNot",
                        CmpOp::In => "In",
                        CmpOp::NotIn => "NotIn",
                    })
                });
                self.exprs(comparators);
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.w("Call");
                self.expr(func);
                self.exprs(args);
                self.list(keywords, |d, k| d.keyword(k));
            }
            ExprKind::JoinedStr(parts) => self.fparts(parts),
            ExprKind::Constant(c) => {
                self.w("Constant");
                self.constant(c);
            }
            ExprKind::Attribute { value, attr } => {
                self.w("Attribute");
                self.expr(value);
                self.ident(attr);
            }
            ExprKind::Subscript { value, slice } => {
                self.w("Subscript");
                self.expr(value);
                self.expr(slice);
            }
            ExprKind::Starred(v) => {
                self.w("Starred");
                self.expr(v);
            }
            ExprKind::Name(n) => {
                self.w("Name");
                self.ident(n);
            }
            ExprKind::List(v) => {
                self.w("List");
                self.exprs(v);
            }
            ExprKind::Tuple(v) => {
                self.w("Tuple");
                self.exprs(v);
            }
            ExprKind::Slice { lower, upper, step } => {
                self.w("Slice");
                self.opt(lower.as_deref());
                self.opt(upper.as_deref());
                self.opt(step.as_deref());
            }
        }
    }
}

fn binop_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "Add",
        BinOp::Sub => "Sub",
        BinOp::Mult => "Mult",
        BinOp::MatMult => "MatMult",
        BinOp::Div => "Div",
        BinOp::Mod => "Mod",
        BinOp::Pow => "Pow",
        BinOp::LShift => "LShift",
        BinOp::RShift => "RShift",
        BinOp::BitOr => "BitOr",
        BinOp::BitXor => "BitXor",
        BinOp::BitAnd => "BitAnd",
        BinOp::FloorDiv => "FloorDiv",
    }
}
