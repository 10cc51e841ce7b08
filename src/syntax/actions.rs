//! The grammar's actions: building AST nodes and the checks CPython's parser makes
//! while building them (assignment targets, parameter order, call arguments).
//!
//! Called from the generated parser on every reduction, so the common paths are
//! plain constructors. Nothing here may recurse deeper than the tree the layout
//! pass already bounded, nor panic on any input.

use std::cell::RefCell;
use std::rc::Rc;

use super::ast::*;
use super::error::SyntaxError;
use super::lexer::{Num, StrTok};

/// What the grammar's actions may consult or record besides the tokens.
pub struct Ctx<'src> {
    pub src: &'src str,
    /// Where `await` was written; the validate pass words the error by its context.
    pub awaits: RefCell<Vec<Span>>,
    /// How many f-string levels enclose the text being parsed.
    pub fstring_depth: usize,
    /// The depth bound used where the f-string being split stands; its fields'
    /// tokens count on from it.
    pub depth_base: std::cell::Cell<usize>,
}

/// The parser's error type; actions report `SyntaxError`s through its `User` case.
pub type PErr = lalrpop_util::ParseError<usize, super::lexer::Tok, SyntaxError>;
type R<T> = Result<T, PErr>;

pub fn user(error: SyntaxError) -> PErr {
    lalrpop_util::ParseError::User { error }
}

fn syn(msg: impl Into<String>, l: usize, r: usize) -> PErr {
    user(SyntaxError::syntax(msg, Span::new(l, r)))
}

fn syn_at(msg: impl Into<String>, span: Span) -> PErr {
    user(SyntaxError::syntax(msg, span))
}

pub fn expr(kind: ExprKind, l: usize, r: usize) -> Expr {
    Expr {
        kind,
        span: Span::new(l, r),
    }
}

pub fn stmt(kind: StmtKind, l: usize, r: usize) -> Stmt {
    Stmt {
        kind,
        span: Span::new(l, r),
    }
}

pub fn pat(kind: PatternKind, l: usize, r: usize) -> Pattern {
    Pattern {
        kind,
        span: Span::new(l, r),
    }
}

pub fn number(n: Num, l: usize, r: usize) -> Expr {
    let c = match n {
        Num::Int(v) => Constant::Int(v),
        Num::BigInt(v) => Constant::BigInt(v),
        Num::Float(v) => Constant::Float(v),
    };
    expr(ExprKind::Constant(c), l, r)
}

pub fn unary(op: UnaryOp, e: Expr, l: usize, r: usize) -> Expr {
    expr(
        ExprKind::UnaryOp {
            op,
            operand: Box::new(e),
        },
        l,
        r,
    )
}

pub fn binop(x: Expr, op: BinOp, y: Expr, l: usize, r: usize) -> Expr {
    expr(
        ExprKind::BinOp {
            left: Box::new(x),
            op,
            right: Box::new(y),
        },
        l,
        r,
    )
}

pub fn boolop(op: BoolOp, first: Expr, rest: Vec<Expr>, l: usize, r: usize) -> Expr {
    let mut values = Vec::with_capacity(rest.len() + 1);
    values.push(first);
    values.extend(rest);
    expr(ExprKind::BoolOp { op, values }, l, r)
}

pub fn compare(first: Expr, rest: Vec<(CmpOp, Expr)>, l: usize, r: usize) -> Expr {
    let (ops, comparators) = rest.into_iter().unzip();
    expr(
        ExprKind::Compare {
            left: Box::new(first),
            ops,
            comparators,
        },
        l,
        r,
    )
}

pub fn tuple(mut v: Vec<Expr>, e: Option<Expr>, l: usize, r: usize) -> Expr {
    if let Some(e) = e {
        v.push(e);
    }
    expr(ExprKind::Tuple(v), l, r)
}

pub fn await_expr(ctx: &Ctx, e: Expr, l: usize, r: usize) -> Expr {
    ctx.awaits.borrow_mut().push(Span::new(l, r));
    let _ = (l, r);
    e
}

/// `(x)`: the parentheses leave the expression as it is, except that a lone
/// starred expression is not allowed there.
pub fn paren(e: Expr, _l: usize, _r: usize) -> R<Expr> {
    if let ExprKind::Starred(_) = e.kind {
        return Err(syn_at("cannot use starred expression here", e.span));
    }
    Ok(e)
}

fn check_comp_elt(e: &Expr, what: &str) -> R<()> {
    if let ExprKind::Starred(_) = e.kind {
        return Err(syn_at(
            format!("iterable unpacking cannot be used in {what}"),
            e.span,
        ));
    }
    Ok(())
}

pub fn genexp(e: Expr, g: Vec<Comprehension>, l: usize, r: usize) -> R<Expr> {
    check_comp_elt(&e, "comprehension")?;
    Ok(expr(
        ExprKind::GeneratorExp {
            elt: Box::new(e),
            generators: g,
        },
        l,
        r,
    ))
}

pub fn listcomp(e: Expr, g: Vec<Comprehension>, l: usize, r: usize) -> R<Expr> {
    check_comp_elt(&e, "comprehension")?;
    Ok(expr(
        ExprKind::ListComp {
            elt: Box::new(e),
            generators: g,
        },
        l,
        r,
    ))
}

pub fn setcomp(e: Expr, g: Vec<Comprehension>, l: usize, r: usize) -> R<Expr> {
    check_comp_elt(&e, "comprehension")?;
    Ok(expr(
        ExprKind::SetComp {
            elt: Box::new(e),
            generators: g,
        },
        l,
        r,
    ))
}

pub fn dict(items: Vec<(Option<Expr>, Expr)>, l: usize, r: usize) -> Expr {
    let (keys, values) = items.into_iter().unzip();
    expr(ExprKind::Dict { keys, values }, l, r)
}

pub fn slice(lo: Option<Expr>, hi: Option<Expr>, st: Option<Expr>, l: usize, r: usize) -> Expr {
    expr(
        ExprKind::Slice {
            lower: lo.map(Box::new),
            upper: hi.map(Box::new),
            step: st.map(Box::new),
        },
        l,
        r,
    )
}

pub fn comprehension(target: Expr, iter: Expr, ifs: Vec<Expr>) -> R<Comprehension> {
    check_target(&target, TargetUse::For)?;
    Ok(Comprehension { target, iter, ifs })
}

pub fn named_expr(t: Expr, v: Expr, l: usize, r: usize) -> R<Expr> {
    match t.kind {
        ExprKind::Name(id) => Ok(expr(
            ExprKind::NamedExpr {
                target: id,
                value: Box::new(v),
            },
            l,
            r,
        )),
        ref other => Err(syn_at(
            format!(
                "cannot use assignment expressions with {}",
                expr_name(other)
            ),
            t.span,
        )),
    }
}

/// CPython's name for an expression kind in "cannot assign to ..." messages.
pub fn expr_name(k: &ExprKind) -> &'static str {
    match k {
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::Dict { .. } => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::JoinedStr(_) => "f-string expression",
        ExprKind::Constant(Constant::None) => "None",
        ExprKind::Constant(Constant::True) => "True",
        ExprKind::Constant(Constant::False) => "False",
        ExprKind::Constant(Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::NamedExpr { .. } => "named expression",
        ExprKind::Slice { .. } => "slice",
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum TargetUse {
    Assign,
    For,
    With,
    Del,
}

/// Checks an assignment target the way CPython's `invalid_*` rules word it. The
/// recursion follows nested tuples and lists only, which the depth bound limits.
pub fn check_target(t: &Expr, how: TargetUse) -> R<()> {
    match &t.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
        ExprKind::Starred(inner) if how != TargetUse::Del => check_target(inner, how),
        ExprKind::Tuple(v) | ExprKind::List(v) => {
            for e in v {
                check_target(e, how)?;
            }
            Ok(())
        }
        other => {
            let name = expr_name(other);
            let msg = match how {
                TargetUse::Del => format!("cannot delete {name}"),
                _ => format!("cannot assign to {name}"),
            };
            Err(syn_at(msg, t.span))
        }
    }
}

pub fn assign(first: Expr, rest: Vec<Expr>, l: usize, r: usize) -> R<Stmt> {
    let mut targets = Vec::with_capacity(rest.len());
    targets.push(first);
    targets.extend(rest);
    let value = targets.pop().ok_or_else(|| syn("invalid syntax", l, r))?;
    // CPython's `invalid_named_expression`: a single target that is an operand
    // (or the last element of a bare tuple) reads as a mistyped comparison.
    if let [only] = targets.as_slice() {
        let candidate = match &only.kind {
            ExprKind::Tuple(v) if v.first().is_some_and(|e| e.span.start == only.span.start) => {
                v.last()
            }
            ExprKind::Tuple(_) | ExprKind::List(_) => None,
            _ => Some(only),
        };
        if let Some(c) = candidate
            && looks_like_comparison_operand(&c.kind)
        {
            let msg = format!(
                "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                expr_name(&c.kind)
            );
            return Err(syn_at(msg, c.span));
        }
    }
    for t in &targets {
        check_target(t, TargetUse::Assign)?;
    }
    Ok(stmt(StmtKind::Assign { targets, value }, l, r))
}

/// An invalid target at CPython's `bitwise_or` level (not a comparison, `not`,
/// `and`/`or`, conditional or lambda, and not a singleton constant).
fn looks_like_comparison_operand(k: &ExprKind) -> bool {
    match k {
        ExprKind::Constant(Constant::None | Constant::True | Constant::False) => false,
        ExprKind::UnaryOp {
            op: UnaryOp::Not, ..
        } => false,
        ExprKind::Call { .. }
        | ExprKind::Constant(_)
        | ExprKind::BinOp { .. }
        | ExprKind::UnaryOp { .. }
        | ExprKind::JoinedStr(_)
        | ExprKind::Dict { .. }
        | ExprKind::Set(_)
        | ExprKind::ListComp { .. }
        | ExprKind::SetComp { .. }
        | ExprKind::DictComp { .. }
        | ExprKind::Yield(_)
        | ExprKind::YieldFrom(_) => true,
        _ => false,
    }
}

pub fn aug_assign(t: Expr, op: BinOp, v: Expr, l: usize, r: usize) -> R<Stmt> {
    match &t.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {}
        other => {
            return Err(syn_at(
                format!(
                    "'{}' is an illegal expression for augmented assignment",
                    expr_name(other)
                ),
                t.span,
            ));
        }
    }
    Ok(stmt(
        StmtKind::AugAssign {
            target: t,
            op,
            value: v,
        },
        l,
        r,
    ))
}

pub fn ann_assign(t: Expr, ann: Expr, v: Option<Expr>, l: usize, r: usize) -> R<Stmt> {
    let simple = match &t.kind {
        ExprKind::Name(_) => t.span.start as usize == l,
        ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => false,
        ExprKind::Tuple(_) => {
            return Err(syn_at(
                "only single target (not tuple) can be annotated",
                t.span,
            ));
        }
        ExprKind::List(_) => {
            return Err(syn_at(
                "only single target (not list) can be annotated",
                t.span,
            ));
        }
        _ => return Err(syn_at("illegal target for annotation", t.span)),
    };
    Ok(stmt(
        StmtKind::AnnAssign {
            target: t,
            annotation: ann,
            value: v,
            simple,
        },
        l,
        r,
    ))
}

pub fn del(t: (Vec<Expr>, bool), l: usize, r: usize) -> R<Stmt> {
    for e in &t.0 {
        check_target(e, TargetUse::Del)?;
    }
    Ok(stmt(StmtKind::Del(t.0), l, r))
}

pub fn for_stmt(
    t: Expr,
    it: Expr,
    b: Vec<Stmt>,
    e: Option<Vec<Stmt>>,
    l: usize,
    r: usize,
) -> R<Stmt> {
    check_target(&t, TargetUse::For)?;
    Ok(stmt(
        StmtKind::For {
            target: t,
            iter: it,
            body: b,
            orelse: e.unwrap_or_default(),
        },
        l,
        r,
    ))
}

pub fn with_item(e: Expr, t: Expr) -> R<WithItem> {
    check_target(&t, TargetUse::With)?;
    Ok(WithItem {
        context_expr: e,
        optional_vars: Some(t),
    })
}

/// Builds the `elif` chain from the right, without recursion.
pub fn if_stmt(
    test: Expr,
    body: Vec<Stmt>,
    elifs: Vec<(usize, Expr, Vec<Stmt>)>,
    orelse: Option<Vec<Stmt>>,
    l: usize,
    r: usize,
) -> Stmt {
    let mut tail = orelse.unwrap_or_default();
    for (el, t, b) in elifs.into_iter().rev() {
        tail = vec![stmt(
            StmtKind::If {
                test: t,
                body: b,
                orelse: tail,
            },
            el,
            r,
        )];
    }
    stmt(
        StmtKind::If {
            test,
            body,
            orelse: tail,
        },
        l,
        r,
    )
}

pub fn import_from(
    dots: Vec<usize>,
    module: Option<Ident>,
    names: Vec<Alias>,
    l: usize,
    r: usize,
) -> R<Stmt> {
    if !dots.is_empty() {
        return Err(syn("garter does not support relative imports", l, r));
    }
    let module = module.ok_or_else(|| syn("invalid syntax", l, r))?;
    Ok(stmt(StmtKind::ImportFrom { module, names }, l, r))
}

/// One parameter as written, before `arguments` sorts them into `Arguments`.
pub enum Param {
    Normal(Arg, Option<Expr>),
    /// `*` or `*args`, with the span of the star.
    Star(Option<Arg>, Span),
    /// `**kwargs`; the flag records a (forbidden) default.
    DoubleStar(Arg, bool, Span),
    Slash(Span),
}

pub fn arguments(params: Vec<Param>, lambda: bool) -> R<Arguments> {
    let mut a = Arguments::default();
    let mut seen_star = false;
    let mut seen_slash = false;
    let mut bare_star: Option<Span> = None;
    let mut seen_kwarg = false;
    let mut seen_default = false;
    for p in params {
        if seen_kwarg {
            let span = match &p {
                Param::Normal(arg, _) => arg.span,
                Param::Star(_, s) | Param::DoubleStar(_, _, s) | Param::Slash(s) => *s,
            };
            return Err(syn_at("arguments cannot follow var-keyword argument", span));
        }
        match p {
            Param::Normal(arg, default) => {
                if seen_star {
                    bare_star = None;
                    a.kwonly.push(arg);
                    a.kw_defaults.push(default);
                } else {
                    match default {
                        Some(d) => {
                            seen_default = true;
                            a.defaults.push(d);
                        }
                        None if seen_default => {
                            let _ = lambda;
                            return Err(syn_at(
                                "non-default argument follows default argument",
                                arg.span,
                            ));
                        }
                        None => {}
                    }
                    a.args.push(arg);
                }
            }
            Param::Star(arg, span) => {
                if seen_star {
                    return Err(syn_at("* argument may appear only once", span));
                }
                seen_star = true;
                match arg {
                    Some(arg) => a.vararg = Some(arg),
                    None => bare_star = Some(span),
                }
            }
            Param::DoubleStar(arg, has_default, span) => {
                if has_default {
                    return Err(syn_at(
                        "var-keyword argument cannot have default value",
                        span,
                    ));
                }
                if let Some(s) = bare_star.take() {
                    return Err(syn_at("named arguments must follow bare *", s));
                }
                seen_kwarg = true;
                a.kwarg = Some(arg);
            }
            Param::Slash(span) => {
                if seen_slash {
                    return Err(syn_at("/ may appear only once", span));
                }
                if seen_star {
                    return Err(syn_at("/ must be ahead of *", span));
                }
                if a.args.is_empty() {
                    return Err(syn_at("at least one argument must precede /", span));
                }
                seen_slash = true;
                a.posonly = std::mem::take(&mut a.args);
            }
        }
    }
    if let Some(s) = bare_star {
        return Err(syn_at("named arguments must follow bare *", s));
    }
    Ok(a)
}

pub fn lambda(params: Vec<Param>, body: Expr, l: usize, r: usize) -> R<Expr> {
    let args = arguments(params, true)?;
    Ok(expr(
        ExprKind::Lambda {
            args: Box::new(args),
            body: Box::new(body),
        },
        l,
        r,
    ))
}

pub fn func_def(
    name: Ident,
    params: Vec<Param>,
    returns: Option<Expr>,
    body: Vec<Stmt>,
    l: usize,
    m: usize,
    r: usize,
) -> R<Stmt> {
    let args = arguments(params, false)?;
    let def = FunctionDef {
        name,
        args,
        body,
        decorators: vec![],
        returns,
        span: Span::new(l, m),
    };
    Ok(stmt(StmtKind::FunctionDef(Box::new(def)), l, r))
}

pub fn class_def(
    name: Ident,
    args: Option<Vec<ArgItem>>,
    body: Vec<Stmt>,
    l: usize,
    m: usize,
    r: usize,
) -> R<Stmt> {
    let (bases, keywords) = match args {
        Some(items) => split_args(items)?,
        None => (vec![], vec![]),
    };
    let def = ClassDef {
        name,
        bases,
        keywords,
        body,
        decorators: vec![],
        span: Span::new(l, m),
    };
    Ok(stmt(StmtKind::ClassDef(Box::new(def)), l, r))
}

pub fn decorate(decorators: Vec<Expr>, mut s: Stmt, l: usize) -> Stmt {
    match &mut s.kind {
        StmtKind::FunctionDef(f) => f.decorators = decorators,
        StmtKind::ClassDef(c) => c.decorators = decorators,
        _ => {}
    }
    s.span.start = l as u32;
    s
}

/// One call argument as written.
pub enum ArgItem {
    Pos(Expr),
    /// An unparenthesised generator expression (`f(x for x in y)`).
    Gen(Expr),
    Star(Expr),
    Kw(Expr, Expr, Span),
    DoubleStar(Expr, Span),
}

/// `name=value` in a call: checked when it is reduced, before the call is, so an
/// unclosed call further on does not hide it (CPython reports it first too).
pub fn keyword_arg(name: Expr, value: Expr, l: usize, r: usize) -> R<ArgItem> {
    let span = Span::new(l, r);
    match name.kind {
        ExprKind::Name(_) => Ok(ArgItem::Kw(name, value, span)),
        ExprKind::Constant(Constant::True | Constant::False | Constant::None) => Err(syn_at(
            format!("cannot assign to {}", expr_name(&name.kind)),
            span,
        )),
        _ => Err(syn_at(
            "expression cannot contain assignment, perhaps you meant \"==\"?",
            span,
        )),
    }
}

fn split_args(items: Vec<ArgItem>) -> R<(Vec<Expr>, Vec<Keyword>)> {
    let n = items.len();
    let mut args = Vec::new();
    let mut keywords: Vec<Keyword> = Vec::new();
    let mut seen_kw = false;
    let mut seen_dstar = false;
    for item in items {
        match item {
            ArgItem::Pos(e) => {
                if seen_dstar {
                    return Err(syn_at(
                        "positional argument follows keyword argument unpacking",
                        e.span,
                    ));
                }
                if seen_kw {
                    return Err(syn_at(
                        "positional argument follows keyword argument",
                        e.span,
                    ));
                }
                args.push(e);
            }
            ArgItem::Gen(e) => {
                if n > 1 {
                    return Err(syn_at("Generator expression must be parenthesized", e.span));
                }
                args.push(e);
            }
            ArgItem::Star(e) => {
                if seen_dstar {
                    return Err(syn_at(
                        "iterable argument unpacking follows keyword argument unpacking",
                        e.span,
                    ));
                }
                args.push(e);
            }
            ArgItem::Kw(name, value, span) => {
                let ExprKind::Name(id) = &name.kind else {
                    let msg = match name.kind {
                        ExprKind::Constant(Constant::True | Constant::False | Constant::None) => {
                            format!("cannot assign to {}", expr_name(&name.kind))
                        }
                        _ => "expression cannot contain assignment, perhaps you meant \"==\"?"
                            .to_string(),
                    };
                    return Err(syn_at(msg, span));
                };
                if keywords.iter().any(|k| k.name.as_deref() == Some(&**id)) {
                    return Err(syn_at(format!("keyword argument repeated: {id}"), span));
                }
                seen_kw = true;
                keywords.push(Keyword {
                    name: Some(id.clone()),
                    value,
                    span,
                });
            }
            ArgItem::DoubleStar(value, span) => {
                seen_dstar = true;
                keywords.push(Keyword {
                    name: None,
                    value,
                    span,
                });
            }
        }
    }
    Ok((args, keywords))
}

pub fn call(func: Expr, items: Vec<ArgItem>, l: usize, r: usize) -> R<Expr> {
    let (args, keywords) = split_args(items)?;
    Ok(expr(
        ExprKind::Call {
            func: Box::new(func),
            args,
            keywords,
        },
        l,
        r,
    ))
}

/// Implicit concatenation of adjacent literals: all plain gives one `Str` (or
/// `Bytes`), any f-string among them gives one `JoinedStr`.
pub fn strings(ctx: &Ctx, parts: Vec<Box<StrTok>>, l: usize, r: usize) -> R<Expr> {
    let has_bytes = parts.iter().any(|p| matches!(**p, StrTok::Bytes(_)));
    let all_bytes = parts.iter().all(|p| matches!(**p, StrTok::Bytes(_)));
    if has_bytes && !all_bytes {
        return Err(syn("cannot mix bytes and nonbytes literals", l, r));
    }
    if all_bytes {
        let mut out = Vec::new();
        for p in parts {
            if let StrTok::Bytes(b) = *p {
                out.extend_from_slice(&b);
            }
        }
        return Ok(expr(
            ExprKind::Constant(Constant::Bytes(Rc::new(out.into_boxed_slice()))),
            l,
            r,
        ));
    }
    if !parts.iter().any(|p| matches!(**p, StrTok::F { .. })) {
        let mut out = String::new();
        for p in parts {
            if let StrTok::Str(s) = *p {
                if out.is_empty() {
                    out = s;
                } else {
                    out.push_str(&s);
                }
            }
        }
        return Ok(expr(ExprKind::Constant(Constant::Str(Rc::from(out))), l, r));
    }
    let mut joined: Vec<FStringPart> = Vec::new();
    for p in parts {
        match *p {
            StrTok::Str(s) => push_literal(&mut joined, &s),
            StrTok::F {
                raw,
                start,
                end,
                quote,
                depth,
            } => {
                ctx.depth_base.set(depth);
                let pieces =
                    super::fstring::parse_fstring(ctx, raw, start, end, quote).map_err(user)?;
                for piece in pieces {
                    match piece {
                        FStringPart::Literal(s) => push_literal(&mut joined, &s),
                        field => joined.push(field),
                    }
                }
            }
            StrTok::Bytes(_) => {}
        }
    }
    Ok(expr(ExprKind::JoinedStr(joined), l, r))
}

/// Appends text, merging with a preceding literal as CPython does.
pub fn push_literal(parts: &mut Vec<FStringPart>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(prev)) = parts.last_mut() {
        prev.push_str(s);
    } else {
        parts.push(FStringPart::Literal(s.to_string()));
    }
}

// ---------------------------------------------------------------- patterns

pub fn capture(n: Ident, l: usize, r: usize) -> Pattern {
    let name = if &*n == "_" { None } else { Some(n) };
    pat(
        PatternKind::MatchAs {
            pattern: None,
            name,
        },
        l,
        r,
    )
}

pub fn as_pattern(p: Pattern, n: Ident, nl: usize, l: usize, r: usize) -> R<Pattern> {
    if &*n == "_" {
        return Err(syn("cannot use '_' as a target", nl, r));
    }
    Ok(pat(
        PatternKind::MatchAs {
            pattern: Some(Box::new(p)),
            name: Some(n),
        },
        l,
        r,
    ))
}

pub fn or_pattern(first: Pattern, rest: Vec<Pattern>, l: usize, r: usize) -> Pattern {
    let mut v = Vec::with_capacity(rest.len() + 1);
    v.push(first);
    v.extend(rest);
    pat(PatternKind::MatchOr(v), l, r)
}

pub fn seq_pattern(mut v: Vec<Pattern>, e: Option<Pattern>, l: usize, r: usize) -> Pattern {
    if let Some(e) = e {
        v.push(e);
    }
    pat(PatternKind::MatchSequence(v), l, r)
}

pub fn mapping_pattern(items: Vec<(Option<Expr>, Pattern)>, l: usize, r: usize) -> R<Pattern> {
    let mut keys = Vec::new();
    let mut patterns = Vec::new();
    let mut rest = None;
    for (k, p) in items {
        if rest.is_some() {
            return Err(syn_at("invalid syntax", p.span));
        }
        match k {
            Some(k) => {
                keys.push(k);
                patterns.push(p);
            }
            None => {
                if let PatternKind::MatchAs { name, .. } = p.kind {
                    if name.as_deref() == Some("_") {
                        return Err(syn_at("invalid syntax", p.span));
                    }
                    rest = name;
                }
            }
        }
    }
    Ok(pat(
        PatternKind::MatchMapping {
            keys,
            patterns,
            rest,
        },
        l,
        r,
    ))
}

pub fn class_pattern(
    cls: Expr,
    args: Vec<(Option<Ident>, Pattern)>,
    l: usize,
    r: usize,
) -> R<Pattern> {
    let mut patterns = Vec::new();
    let mut kwd_attrs = Vec::new();
    let mut kwd_patterns = Vec::new();
    for (name, p) in args {
        match name {
            None => {
                if !kwd_attrs.is_empty() {
                    return Err(syn_at(
                        "positional patterns follow keyword patterns",
                        p.span,
                    ));
                }
                patterns.push(p);
            }
            Some(n) => {
                kwd_attrs.push(n);
                kwd_patterns.push(p);
            }
        }
    }
    Ok(pat(
        PatternKind::MatchClass {
            cls,
            patterns,
            kwd_attrs,
            kwd_patterns,
        },
        l,
        r,
    ))
}
