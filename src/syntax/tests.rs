//! Parser tests: AST shapes for each construct, f-strings, error wording, and the
//! nesting bound (deep input must be refused without exhausting a small stack).

use super::ast::*;
use super::{SyntaxErrorKind, parse};

fn expr(src: &str) -> ExprKind {
    let m = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e:?}"));
    match m.body.into_iter().next().map(|s| s.kind) {
        Some(StmtKind::Expr(e)) => e.kind,
        other => panic!("not an expression statement: {other:?}"),
    }
}

fn stmt(src: &str) -> StmtKind {
    let m = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e:?}"));
    m.body
        .into_iter()
        .next()
        .map(|s| s.kind)
        .expect("one statement")
}

fn error(src: &str) -> (SyntaxErrorKind, String, usize) {
    let e = parse(src).expect_err("a syntax error");
    let line = super::LineIndex::new(src).line(e.span.start);
    (e.kind, e.message, line)
}

fn msg(src: &str) -> String {
    error(src).1
}

fn s(v: &str) -> ExprKind {
    ExprKind::Constant(Constant::Str(v.into()))
}

fn lit(v: &str) -> FStringPart {
    FStringPart::Literal(v.into())
}

fn name_of(e: &Expr) -> &str {
    match &e.kind {
        ExprKind::Name(n) => n,
        other => panic!("not a name: {other:?}"),
    }
}

#[test]
fn adjacent_plain_strings_concatenate() {
    assert_eq!(expr("'a' \"b\" '''c'''"), s("abc"));
    assert_eq!(
        expr("b'a' b'b'"),
        ExprKind::Constant(Constant::Bytes(std::rc::Rc::new(b"ab".to_vec().into_boxed_slice())))
    );
    assert_eq!(
        msg("x = b'a' 'b'"),
        "cannot mix bytes and nonbytes literals"
    );
}

#[test]
fn fstring_mixed_with_plain_is_one_joinedstr() {
    let ExprKind::JoinedStr(parts) = expr("'a' f'{x}' 'b'") else {
        panic!()
    };
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], lit("a"));
    assert_eq!(parts[2], lit("b"));
}

#[test]
fn fstring_fields_with_conversion_and_nested_spec() {
    let ExprKind::JoinedStr(parts) = expr("f'{x!r:>{w}} {{}}'") else {
        panic!()
    };
    let FStringPart::Field {
        value,
        conversion,
        format_spec,
    } = &parts[0]
    else {
        panic!()
    };
    assert_eq!(name_of(value), "x");
    assert_eq!(*conversion, Some('r'));
    let spec = format_spec.as_ref().expect("a spec");
    assert_eq!(spec[0], lit(">"));
    assert!(matches!(&spec[1], FStringPart::Field { value, .. } if name_of(value) == "w"));
    assert_eq!(parts[1], lit(" {}"));
}

#[test]
fn fstring_self_documenting_keeps_text_as_written() {
    let ExprKind::JoinedStr(parts) = expr("f'{x = }'") else {
        panic!()
    };
    assert_eq!(parts[0], lit("x = "));
    assert!(matches!(
        &parts[1],
        FStringPart::Field {
            conversion: Some('r'),
            format_spec: None,
            ..
        }
    ));
    let ExprKind::JoinedStr(parts) = expr("f'{x=:.2f}'") else {
        panic!()
    };
    assert_eq!(parts[0], lit("x="));
    assert!(matches!(
        &parts[1],
        FStringPart::Field {
            conversion: None,
            format_spec: Some(_),
            ..
        }
    ));
    let ExprKind::JoinedStr(parts) = expr("f'{x=!s}'") else {
        panic!()
    };
    assert!(matches!(
        &parts[1],
        FStringPart::Field {
            conversion: Some('s'),
            ..
        }
    ));
}

#[test]
fn fstring_comparison_operators_are_not_self_documenting() {
    let ExprKind::JoinedStr(parts) = expr("f'{a == b}{a != b}{a <= b}'") else {
        panic!()
    };
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| matches!(p, FStringPart::Field { value, .. } if matches!(value.kind, ExprKind::Compare { .. }))));
}

#[test]
fn fstring_field_spans_point_into_the_source() {
    let src = "x = f'ab{name}'";
    let m = parse(src).unwrap();
    let StmtKind::Assign { value, .. } = &m.body[0].kind else {
        panic!()
    };
    let ExprKind::JoinedStr(parts) = &value.kind else {
        panic!()
    };
    let FStringPart::Field { value, .. } = &parts[1] else {
        panic!()
    };
    assert_eq!(
        &src[value.span.start as usize..value.span.end as usize],
        "name"
    );
}

#[test]
fn fstring_escapes_and_unicode_names_in_literal_parts() {
    let ExprKind::JoinedStr(parts) = expr("f'\\N{BULLET} {x}\\n'") else {
        panic!()
    };
    assert_eq!(parts[0], lit("• "));
    assert_eq!(parts[2], lit("\n"));
    let ExprKind::JoinedStr(parts) = expr("rf'\\n{x}'") else {
        panic!()
    };
    assert_eq!(parts[0], lit("\\n"));
}

#[test]
fn fstring_errors_are_worded_as_cpython() {
    assert_eq!(msg("f'{}'"), "f-string: empty expression not allowed");
    assert_eq!(msg("f'{x}}'"), "f-string: single '}' is not allowed");
    assert_eq!(msg("f'{x'"), "f-string: expecting '}'");
    assert_eq!(
        msg("f'{\"\\n\".join(x)}'"),
        "f-string expression part cannot include a backslash"
    );
    assert_eq!(
        msg("f'{x!z}'"),
        "f-string: invalid conversion character: expected 's', 'r', or 'a'"
    );
    assert_eq!(
        msg("print(f\"{row[\"name\"]}\")"),
        "f-string: unmatched '['"
    );
    assert_eq!(
        msg("f'{a b}'"),
        "f-string: invalid syntax. Perhaps you forgot a comma?"
    );
}

#[test]
fn fstrings_may_nest_with_other_quotes() {
    let ExprKind::JoinedStr(parts) = expr("f\"{f'{x}'}\"") else {
        panic!()
    };
    let FStringPart::Field { value, .. } = &parts[0] else {
        panic!()
    };
    assert!(matches!(value.kind, ExprKind::JoinedStr(_)));
}

#[test]
fn numbers_become_constants() {
    assert_eq!(expr("10"), ExprKind::Constant(Constant::Int(10)));
    assert!(
        matches!(expr("10**100 + 99999999999999999999"), ExprKind::BinOp { right, .. } if matches!(right.kind, ExprKind::Constant(Constant::BigInt(_))))
    );
}

#[test]
fn operator_precedence_follows_cpython_layers() {
    let ExprKind::BinOp {
        op: BinOp::Add,
        right,
        ..
    } = expr("1 + 2 * 3")
    else {
        panic!()
    };
    assert!(matches!(
        right.kind,
        ExprKind::BinOp {
            op: BinOp::Mult,
            ..
        }
    ));
    let ExprKind::UnaryOp {
        op: UnaryOp::USub,
        operand,
    } = expr("-2 ** 2")
    else {
        panic!()
    };
    assert!(matches!(
        operand.kind,
        ExprKind::BinOp { op: BinOp::Pow, .. }
    ));
    let ExprKind::BoolOp {
        op: BoolOp::Or,
        values,
    } = expr("a or b and not c or d")
    else {
        panic!()
    };
    assert_eq!(values.len(), 3);
    let ExprKind::Compare { ops, .. } = expr("a < b <= c not in d is not e") else {
        panic!()
    };
    assert_eq!(ops, [CmpOp::Lt, CmpOp::LtE, CmpOp::NotIn, CmpOp::IsNot]);
}

#[test]
fn conditional_lambda_and_walrus() {
    assert!(matches!(expr("a if b else c"), ExprKind::IfExp { .. }));
    let ExprKind::Lambda { args, .. } = expr("lambda x, y=1, *a, k, **kw: x") else {
        panic!()
    };
    assert_eq!(
        (args.args.len(), args.defaults.len(), args.kwonly.len()),
        (2, 1, 1)
    );
    assert!(args.vararg.is_some() && args.kwarg.is_some());
    assert!(matches!(expr("(n := 10)"), ExprKind::NamedExpr { .. }));
}

#[test]
fn displays_and_comprehensions() {
    assert!(matches!(expr("()"), ExprKind::Tuple(v) if v.is_empty()));
    assert!(matches!(expr("(1,)"), ExprKind::Tuple(v) if v.len() == 1));
    assert!(matches!(expr("(1)"), ExprKind::Constant(_)));
    assert!(matches!(expr("[1, *a, 2,]"), ExprKind::List(v) if v.len() == 3));
    assert!(matches!(expr("{1, 2}"), ExprKind::Set(v) if v.len() == 2));
    assert!(matches!(expr("{}"), ExprKind::Dict { .. }));
    let ExprKind::Dict { keys, .. } = expr("{'a': 1, **m}") else {
        panic!()
    };
    assert!(keys[0].is_some() && keys[1].is_none());
    let ExprKind::ListComp { generators, .. } = expr("[x for x in y if x if z for w in x]") else {
        panic!()
    };
    assert_eq!((generators.len(), generators[0].ifs.len()), (2, 2));
    assert!(matches!(
        expr("{k: v for k, v in d}"),
        ExprKind::DictComp { .. }
    ));
    assert!(matches!(expr("{x for x in y}"), ExprKind::SetComp { .. }));
    assert!(matches!(
        expr("(x for x in y)"),
        ExprKind::GeneratorExp { .. }
    ));
}

#[test]
fn calls_subscripts_and_slices() {
    let ExprKind::Call { args, keywords, .. } = expr("f(a, *b, c=1, **d)") else {
        panic!()
    };
    assert_eq!((args.len(), keywords.len()), (2, 2));
    let ExprKind::Call { args, .. } = expr("f(x for x in y)") else {
        panic!()
    };
    assert!(matches!(args[0].kind, ExprKind::GeneratorExp { .. }));
    let ExprKind::Subscript { slice, .. } = expr("a[1:2, ::3]") else {
        panic!()
    };
    let ExprKind::Tuple(v) = slice.kind else {
        panic!()
    };
    assert!(matches!(
        &v[1].kind,
        ExprKind::Slice {
            lower: None,
            upper: None,
            step: Some(_)
        }
    ));
    assert_eq!(
        msg("f(x for x in y, 1)"),
        "Generator expression must be parenthesized"
    );
}

#[test]
fn statements_of_every_kind_parse() {
    assert!(matches!(stmt("a = b = 1"), StmtKind::Assign { targets, .. } if targets.len() == 2));
    assert!(matches!(
        stmt("a += 1"),
        StmtKind::AugAssign { op: BinOp::Add, .. }
    ));
    assert!(matches!(
        stmt("x: int = 1"),
        StmtKind::AnnAssign { simple: true, .. }
    ));
    assert!(matches!(
        stmt("(x): int = 1"),
        StmtKind::AnnAssign { simple: false, .. }
    ));
    assert!(matches!(stmt("import a.b as c, d"), StmtKind::Import(v) if &*v[0].name == "a.b"));
    assert!(
        matches!(stmt("from a.b import (c as d, e,)"), StmtKind::ImportFrom { names, .. } if names.len() == 2)
    );
    assert!(
        matches!(stmt("from a import *"), StmtKind::ImportFrom { names, .. } if &*names[0].name == "*")
    );
    assert!(
        matches!(stmt("if a:\n  pass\nelif b:\n  pass\nelse:\n  pass\n"), StmtKind::If { orelse, .. } if matches!(orelse[0].kind, StmtKind::If { .. }))
    );
    assert!(
        matches!(stmt("try:\n  pass\nexcept E as e:\n  pass\nelse:\n  pass\nfinally:\n  pass\n"), StmtKind::Try { handlers, .. } if handlers.len() == 1)
    );
    assert!(
        matches!(stmt("with a as b, c:\n  pass\n"), StmtKind::With { items, .. } if items.len() == 2)
    );
    assert!(
        matches!(stmt("with (a as b, c as d,):\n  pass\n"), StmtKind::With { items, .. } if items.len() == 2)
    );
    assert!(
        matches!(stmt("with (a, b) as c:\n  pass\n"), StmtKind::With { items, .. } if items.len() == 1)
    );
    assert!(
        matches!(stmt("@d\nclass A(B, metaclass=M):\n  x = 1\n"), StmtKind::ClassDef(c) if c.decorators.len() == 1 && c.keywords.len() == 1)
    );
    assert!(
        matches!(stmt("def f(a, /, b, *, c=1) -> int:\n  return a\n"), StmtKind::FunctionDef(f) if f.args.posonly.len() == 1 && f.args.kwonly.len() == 1)
    );
    assert!(matches!(
        stmt("for a, *b in c:\n  break\nelse:\n  pass\n"),
        StmtKind::For { .. }
    ));
    assert!(matches!(stmt("global a, b"), StmtKind::Global(v) if v.len() == 2));
    assert!(matches!(stmt("del a[0], b.c"), StmtKind::Del(v) if v.len() == 2));
    assert!(matches!(
        stmt("def f():\n  x = yield\n  yield from y\n"),
        StmtKind::FunctionDef(_)
    ));
}

#[test]
fn match_statement_patterns() {
    let src = "match p:\n    case 0 | -1:\n        pass\n    case [a, *rest]:\n        pass\n    case {'k': v, **kw}:\n        pass\n    case Point(x=0, y=y) as pt:\n        pass\n    case Color.RED:\n        pass\n    case None:\n        pass\n    case (a, b) if a > b:\n        pass\n    case _:\n        pass\n";
    let StmtKind::Match { cases, .. } = stmt(src) else {
        panic!()
    };
    assert_eq!(cases.len(), 8);
    assert!(matches!(cases[0].pattern.kind, PatternKind::MatchOr(_)));
    assert!(
        matches!(&cases[1].pattern.kind, PatternKind::MatchSequence(v) if matches!(v[1].kind, PatternKind::MatchStar(Some(_))))
    );
    assert!(matches!(
        &cases[2].pattern.kind,
        PatternKind::MatchMapping { rest: Some(_), .. }
    ));
    assert!(matches!(
        &cases[3].pattern.kind,
        PatternKind::MatchAs {
            pattern: Some(_),
            ..
        }
    ));
    assert!(matches!(&cases[4].pattern.kind, PatternKind::MatchValue(_)));
    assert!(matches!(
        &cases[5].pattern.kind,
        PatternKind::MatchSingleton(Constant::None)
    ));
    assert!(cases[6].guard.is_some());
    assert!(matches!(
        &cases[7].pattern.kind,
        PatternKind::MatchAs {
            pattern: None,
            name: None
        }
    ));
}

#[test]
fn match_stays_a_name_elsewhere() {
    assert!(matches!(
        stmt("match = re.match(p, s)"),
        StmtKind::Assign { .. }
    ));
    assert!(matches!(stmt("match(x)"), StmtKind::Expr(_)));
    assert!(matches!(stmt("case = 1"), StmtKind::Assign { .. }));
}

#[test]
fn compile_time_errors_from_the_validate_pass() {
    assert_eq!(msg("break"), "'break' outside loop");
    assert_eq!(
        msg("while x:\n  def f():\n    continue\n"),
        "'continue' not properly in loop"
    );
    assert_eq!(msg("return 1"), "'return' outside function");
    assert_eq!(msg("yield 1"), "'yield' outside function");
    assert_eq!(msg("x = await f()"), "'await' outside function");
    assert_eq!(
        msg("def g():\n  await f()\n"),
        "'await' outside async function"
    );
    assert_eq!(
        msg("def f(a, b, a): pass"),
        "duplicate argument 'a' in function definition"
    );
    assert_eq!(
        msg("nonlocal x"),
        "nonlocal declaration not allowed at module level"
    );
    assert_eq!(
        msg("*a = b"),
        "starred assignment target must be in a list or tuple"
    );
    assert!(parse("def f():\n  while x:\n    break\n  return 1\n").is_ok());
}

#[test]
fn bad_targets_are_worded_as_cpython() {
    assert_eq!(
        msg("f() = 1"),
        "cannot assign to function call here. Maybe you meant '==' instead of '='?"
    );
    assert_eq!(
        msg("1 = x"),
        "cannot assign to literal here. Maybe you meant '==' instead of '='?"
    );
    assert_eq!(msg("None = 1"), "cannot assign to None");
    assert_eq!(
        msg("f() += 1"),
        "'function call' is an illegal expression for augmented assignment"
    );
    assert_eq!(msg("for f() in x: pass"), "cannot assign to function call");
    assert_eq!(msg("del f()"), "cannot delete function call");
    assert_eq!(
        msg("(self.x := 1)"),
        "cannot use assignment expressions with attribute"
    );
    assert_eq!(
        msg("f(a.b=1)"),
        "expression cannot contain assignment, perhaps you meant \"==\"?"
    );
}

#[test]
fn unsupported_syntax_says_so() {
    assert_eq!(
        msg("from . import x"),
        "garter does not support relative imports"
    );
    assert_eq!(
        msg("try:\n  pass\nexcept* E:\n  pass\n"),
        "garter does not support except*"
    );
    assert_eq!(
        msg("async def f(): pass"),
        "garter does not support async functions"
    );
    assert_eq!(msg("x = 1+2j"), "garter does not support complex numbers");
}

#[test]
fn parser_errors_never_show_lalrpop_lists() {
    for src in [
        "x = = 1",
        "def",
        "class A(",
        "if x:\nelse",
        ")",
        "lambda: return",
        "a b c",
        "[1, 2 3]",
        "for x in",
        "x = (1 +",
        "@\n",
    ] {
        let m = msg(src);
        assert!(
            !m.contains("expected one of") && !m.contains('"'),
            "{src:?}: {m}"
        );
    }
}

#[test]
fn layout_errors_have_cpython_kinds_and_lines() {
    assert_eq!(
        error("x = 1\n    y = 2\n"),
        (
            SyntaxErrorKind::IndentationError,
            "unexpected indent".into(),
            2
        )
    );
    assert_eq!(
        error("if x:\ny = 1\n"),
        (
            SyntaxErrorKind::IndentationError,
            "expected an indented block after 'if' statement on line 1".into(),
            2
        )
    );
    assert_eq!(
        error("def f():\n"),
        (
            SyntaxErrorKind::IndentationError,
            "expected an indented block after function definition on line 1".into(),
            2
        )
    );
    assert_eq!(
        error("try:\n  x\ny\n").1,
        "expected 'except' or 'finally' block"
    );
    assert_eq!(error("if x\n  y\n").1, "expected ':'");
    assert_eq!(
        error("print 'x'\n").1,
        "Missing parentheses in call to 'print'. Did you mean print(...)?"
    );
    assert_eq!(
        error("x = 'a' if b\n").1,
        "expected 'else' after 'if' expression"
    );
}

#[test]
fn a_leading_byte_order_mark_is_allowed() {
    assert!(parse("\u{FEFF}x = 1\nif x:\n    pass\n").is_ok());
    assert_eq!(
        msg("x = 1\n\u{FEFF}y = 2\n"),
        "invalid non-printable character U+FEFF"
    );
}

#[test]
fn null_bytes_are_refused() {
    assert_eq!(msg("x = 1\0"), "source code cannot contain null bytes");
}

/// Runs `f` on a thread with a small stack: deep input must not need a deep stack.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("the parse must not overflow the stack");
}

const LEVELS: usize = 1_000_000;

fn refused_shallowly(src: String) {
    on_small_stack(move || {
        let e = parse(&src).expect_err("too deep to accept");
        assert!(
            e.message == "too many nested parentheses"
                || e.message.starts_with("too many nested expressions"),
            "{}",
            e.message
        );
    });
}

#[test]
fn million_nested_brackets_are_refused() {
    refused_shallowly(format!("x = {}1{}", "(".repeat(LEVELS), ")".repeat(LEVELS)));
    refused_shallowly(format!("x = {}", "[".repeat(LEVELS)));
}

#[test]
fn million_term_operator_chain_is_refused() {
    refused_shallowly(format!("x = 1{}", "+1".repeat(LEVELS)));
    refused_shallowly(format!("x = 2{}", "**2".repeat(LEVELS)));
}

#[test]
fn million_unary_operators_are_refused() {
    refused_shallowly(format!("x = {}y", "not ".repeat(LEVELS)));
    refused_shallowly(format!("x = {}y", "- ".repeat(LEVELS)));
}

#[test]
fn million_trailers_are_refused() {
    refused_shallowly(format!("x = a{}", ".b".repeat(LEVELS)));
    refused_shallowly(format!("x = f{}", "()".repeat(LEVELS)));
    refused_shallowly(format!("x = a{}", "[0]".repeat(LEVELS)));
}

#[test]
fn million_nested_lambdas_and_conditionals_are_refused() {
    refused_shallowly(format!("x = {}1", "lambda: ".repeat(LEVELS)));
    refused_shallowly(format!("x = {}1", "lambda a, b: ".repeat(LEVELS)));
    refused_shallowly(format!("x = 1{}", " if a else 1".repeat(LEVELS)));
}

#[test]
fn million_elifs_are_refused() {
    refused_shallowly(format!(
        "if a:\n  pass\n{}",
        "elif a:\n  pass\n".repeat(LEVELS)
    ));
}

#[test]
fn million_nested_fstrings_or_indents_are_refused() {
    on_small_stack(|| {
        let src = (0..LEVELS)
            .map(|i| format!("{}if x:\n", " ".repeat(i % 150)))
            .collect::<String>();
        assert!(parse(&src).is_err());
    });
}

#[test]
fn fstring_fields_count_on_from_their_enclosing_depth() {
    // Each level alone is within the bound; stacked through f-strings they are not.
    let inner = format!("1{}", "+1".repeat(600));
    let src = format!("x = a{} + f'{{{inner}}}'\n", "+a".repeat(600));
    let e = parse(&src).expect_err("too deep in total");
    assert!(
        e.message.starts_with("too many nested expressions"),
        "{}",
        e.message
    );
    assert!(parse(&format!("x = f'{{{inner}}}'\n")).is_ok());
}

#[test]
fn realistic_depth_still_parses() {
    let src = format!("x = {}1{}\n", "(".repeat(150), ")".repeat(150));
    assert!(parse(&src).is_ok());
    let src = format!("x = 1{}\n", " + 1".repeat(300));
    assert!(parse(&src).is_ok());
}

#[test]
fn soft_keyword_edge_cases() {
    // A match statement whose subject is parenthesised, a tuple, or a call.
    assert!(matches!(
        stmt("match (x):\n    case 1: pass\n"),
        StmtKind::Match { .. }
    ));
    assert!(matches!(
        stmt("match x, y:\n    case (1, 2): pass\n"),
        StmtKind::Match { .. }
    ));
    assert!(matches!(
        stmt("match f(x):\n    case {'k': 1}: pass\n"),
        StmtKind::Match { .. }
    ));
    // `match` and `case` as ordinary names in every other position.
    assert!(parse("match: int = 1\ncase: str = 'a'\nmatch[0] = case\nmatch.group(1)\nfor match in x: pass\n").is_ok());
    assert!(parse("def match(case): return case\nclass case: pass\n").is_ok());
    // Inside a match block, a `case` line with an inline body.
    assert!(parse("match x:\n    case 1: y = 2\n    case _: y = 3\n").is_ok());
}

#[test]
fn tokenizer_errors_take_over_as_in_cpython() {
    // A later unterminated string wins over an earlier parse error.
    assert_eq!(
        msg("x = = 1\ny = 'abc\n"),
        "unterminated string literal (detected at line 2)"
    );
    // An unclosed bracket wins when the parser read past its line.
    assert_eq!(error("print(a b\nx = 1\n").1, "'(' was never closed");
    // ... but not when the error is found before.
    assert_eq!(
        error("foo(a, b c)\nx = (\n").1,
        "invalid syntax. Perhaps you forgot a comma?"
    );
    assert_eq!(error("class C(A:\n    pass\n").1, "invalid syntax");
    // Indentation errors do not take over.
    assert_eq!(error("  x = 1\ny = ]\n").1, "unexpected indent");
}

#[test]
fn hints_follow_cpython_rules() {
    assert_eq!(msg("def f(a b): pass"), "invalid syntax");
    assert_eq!(msg("x = [a for a in b c]"), "invalid syntax");
    assert_eq!(
        msg("x = [a for a b in c]"),
        "invalid syntax. Perhaps you forgot a comma?"
    );
    assert_eq!(
        msg("d = {'a': 1, 'b' 2}"),
        "':' expected after dictionary key"
    );
    assert_eq!(
        msg("if x.y = 1: pass"),
        "cannot assign to attribute here. Maybe you meant '==' instead of '='?"
    );
    assert_eq!(
        msg("if x = 1: pass"),
        "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"
    );
    assert_eq!(msg("x = [lambda: a=1]"), "invalid syntax");
    assert_eq!(msg("f() =\n"), "cannot assign to function call");
    assert_eq!(msg("def f(x) y = 1\n"), "expected ':'");
    assert_eq!(msg("def f x(): pass"), "expected '('");
    assert_eq!(
        msg("def f((a)): pass"),
        "Function parameters cannot be parenthesized"
    );
    assert_eq!(msg("for x in y z:\n  pass\n"), "invalid syntax");
}
