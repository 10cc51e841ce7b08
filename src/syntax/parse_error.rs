//! Turns the parser's failures into the messages CPython 3.11 gives for them.
//!
//! lalrpop only knows the token where it stopped and what it expected there; the
//! token stream around that point says which statement it was in and what came
//! before. Must never show lalrpop's "expected one of ..." list, and never panic.

use lalrpop_util::ParseError;

use super::actions::Ctx;
use super::ast::Span;
use super::error::{LineIndex, SyntaxError, SyntaxErrorKind};
use super::lexer::{Spanned, StrTok, Tok};

type Error = ParseError<usize, Tok, SyntaxError>;

pub fn map(e: Error, ctx: &Ctx, toks: &[Spanned]) -> SyntaxError {
    match e {
        ParseError::User { error } => error,
        ParseError::InvalidToken { location } => invalid(location, location),
        ParseError::ExtraToken { token } => invalid(token.0, token.2),
        ParseError::UnrecognizedEof { location, expected } => {
            let idx = toks.len();
            unrecognized(ctx, toks, idx, (location, location), &expected)
        }
        ParseError::UnrecognizedToken { token, expected } => {
            let idx = find_index(toks, &token).unwrap_or(toks.len());
            unrecognized(ctx, toks, idx, (token.0, token.2), &expected)
        }
    }
}

fn invalid(l: usize, r: usize) -> SyntaxError {
    SyntaxError::syntax("invalid syntax", Span::new(l, r))
}

fn find_index(toks: &[Spanned], token: &Spanned) -> Option<usize> {
    let i = toks.partition_point(|t| t.0 < token.0);
    (i..toks.len())
        .take_while(|&j| toks[j].0 == token.0)
        .find(|&j| toks[j].1 == token.1 && toks[j].2 == token.2)
}

fn expects(expected: &[String], what: &str) -> bool {
    expected.iter().any(|e| e.trim_matches('"') == what)
}

/// Index of the first token of the logical line holding token `idx`.
fn line_start(toks: &[Spanned], idx: usize) -> usize {
    let mut i = idx.min(toks.len());
    while i > 0 && !matches!(toks[i - 1].1, Tok::Newline | Tok::Indent | Tok::Dedent) {
        i -= 1;
    }
    i
}

fn header_name(t: &Tok) -> Option<&'static str> {
    Some(match t {
        Tok::If => "'if' statement",
        Tok::Elif => "'elif' statement",
        Tok::Else => "'else' statement",
        Tok::While => "'while' statement",
        Tok::For => "'for' statement",
        Tok::Try => "'try' statement",
        Tok::Except => "'except' statement",
        Tok::Finally => "'finally' statement",
        Tok::With => "'with' statement",
        Tok::Def => "function definition",
        Tok::Class => "class definition",
        Tok::Match => "'match' statement",
        Tok::Case => "'case' statement",
        _ => return None,
    })
}

fn is_compound_head(t: &Tok) -> bool {
    header_name(t).is_some()
}

fn ends_expression(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Name(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::Rpar
            | Tok::Rsqb
            | Tok::Rbrace
            | Tok::True
            | Tok::False
            | Tok::None
            | Tok::Ellipsis
    )
}

fn starts_expression(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Name(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::Lpar
            | Tok::Lsqb
            | Tok::Lbrace
            | Tok::True
            | Tok::False
            | Tok::None
            | Tok::Ellipsis
            | Tok::Not
            | Tok::Lambda
            | Tok::Tilde
            | Tok::Await
    )
}

/// Bracket depth just before token `idx` within its logical line.
fn bracket_depth(toks: &[Spanned], from: usize, idx: usize) -> i32 {
    let mut d = 0;
    for t in &toks[from..idx.min(toks.len())] {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => d += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => d -= 1,
            _ => {}
        }
    }
    d
}

fn unrecognized(
    ctx: &Ctx,
    toks: &[Spanned],
    idx: usize,
    span: (usize, usize),
    expected: &[String],
) -> SyntaxError {
    let lines = LineIndex::new(ctx.src);
    let here = Span::new(span.0, span.1);
    let tok = toks.get(idx).map(|t| &t.1);
    let prev = if idx > 0 {
        toks.get(idx - 1).map(|t| &t.1)
    } else {
        None
    };

    // An f-string just before the stop may be the real culprit (a reused quote
    // ends the literal early): CPython reports the f-string's own error.
    if let Some(Tok::Str(s)) = prev
        && let StrTok::F {
            raw,
            start,
            end,
            quote,
            depth,
        } = **s
        && let Err(e) = {
            ctx.depth_base.set(depth);
            super::fstring::parse_fstring(ctx, raw, start, end, quote)
        }
    {
        return e;
    }

    if matches!(tok, Some(Tok::Indent)) {
        return SyntaxError::new(SyntaxErrorKind::IndentationError, "unexpected indent", here);
    }

    if expects(expected, "INDENT") {
        // The block after a header's ':' is missing.
        let head = line_start(toks, idx.saturating_sub(1));
        let mut h = head;
        // Decorators and `elif`/`else` keep their own head token.
        while h < idx && matches!(toks[h].1, Tok::At) {
            h += 1;
        }
        if let Some(name) = toks.get(h).and_then(|t| header_name(&t.1)) {
            let line = lines.line(toks[h].0 as u32);
            let msg = format!("expected an indented block after {name} on line {line}");
            return SyntaxError::new(SyntaxErrorKind::IndentationError, msg, here);
        }
        return SyntaxError::new(
            SyntaxErrorKind::IndentationError,
            "expected an indented block",
            here,
        );
    }

    let start = line_start(toks, idx);
    let head = toks.get(start).map(|t| &t.1);
    let depth = bracket_depth(toks, start, idx) + i32::from(ctx.fstring_depth > 0);

    if let Some(Tok::Equal) = tok {
        let in_condition = matches!(head, Some(Tok::If | Tok::Elif | Tok::While)) && depth == 0;
        if (in_condition || depth > 0 && !expects(expected, "="))
            && let Some(e) = misplaced_equal(toks, idx, here)
        {
            return e;
        }
    }

    if matches!(head, Some(Tok::Import | Tok::From))
        && depth == 0
        && matches!(prev, Some(Tok::Comma))
        && matches!(tok, Some(Tok::Newline))
    {
        return SyntaxError::syntax(
            "trailing comma not allowed without surrounding parentheses",
            here,
        );
    }

    // `f() =` with nothing after the `=`.
    if matches!(tok, Some(Tok::Newline))
        && matches!(prev, Some(Tok::Equal))
        && let Some(what) = target_name(toks, idx - 1).filter(|w| *w != "name")
    {
        let at = toks[idx - 2].0;
        return SyntaxError::syntax(format!("cannot assign to {what}"), Span::new(at, span.1));
    }

    // A def header must end in ':' whatever follows it.
    let header_open = !toks[start..idx.min(toks.len())]
        .iter()
        .any(|t| matches!(t.1, Tok::Colon));
    if matches!(head, Some(Tok::Def)) && depth == 0 && header_open && expects(expected, ":") {
        return SyntaxError::syntax("expected ':'", here);
    }

    // `def f((a, b)):`
    if matches!(tok, Some(Tok::Lpar))
        && matches!(prev, Some(Tok::Lpar | Tok::Comma))
        && innermost_bracket(toks, start, idx).params
    {
        let mut j = idx + 1;
        while matches!(toks.get(j).map(|t| &t.1), Some(Tok::Name(_) | Tok::Comma)) {
            j += 1;
        }
        if j > idx + 1 && matches!(toks.get(j).map(|t| &t.1), Some(Tok::Rpar)) {
            let end = toks[j].2;
            return SyntaxError::syntax(
                "Function parameters cannot be parenthesized",
                Span::new(span.0, end),
            );
        }
    }

    // `def name` must be followed by its parameters.
    if idx >= 2 && matches!(toks[idx - 2].1, Tok::Def) && matches!(prev, Some(Tok::Name(_))) {
        return SyntaxError::syntax("expected '('", here);
    }

    // `print "x"`: CPython's legacy rule.
    if let (Some(Tok::Name(n)), Some(t)) = (prev, tok)
        && (&**n == "print" || &**n == "exec")
        && idx >= 1
        && idx - 1 == start
        && starts_expression(t)
        && !matches!(t, Tok::Lpar)
    {
        let msg = format!("Missing parentheses in call to '{n}'. Did you mean {n}(...)?");
        return SyntaxError::syntax(msg, Span::new(toks[idx - 1].0, span.1));
    }

    if expects(expected, "except") && expects(expected, "finally") && !expects(expected, "else") {
        return SyntaxError::syntax("expected 'except' or 'finally' block", here);
    }

    if expects(expected, "else")
        && !expects(expected, "elif")
        && !expects(expected, "except")
        && let Some(i) = (start..idx).rev().find(|&i| matches!(toks[i].1, Tok::If))
        && i != start
    {
        return SyntaxError::syntax(
            "expected 'else' after 'if' expression",
            Span::new(toks[i].0, span.1),
        );
    }

    if let Some(h) = head
        && is_compound_head(h)
        && depth == 0
        && expects(expected, ":")
        && matches!(tok, Some(Tok::Newline) | None)
    {
        return SyntaxError::syntax("expected ':'", here);
    }

    if depth > 0
        && let (Some(p), Some(t)) = (prev, tok)
    {
        let name_string = matches!(p, Tok::Name(_)) && matches!(t, Tok::Str(_));
        let level = innermost_bracket(toks, start, idx);
        if ends_expression(p)
            && starts_expression(t)
            && !name_string
            && !level.params
            && !level.comprehension
        {
            let at = toks[idx - 1].0;
            if level.dict_without_colon {
                return SyntaxError::syntax(
                    "':' expected after dictionary key",
                    Span::new(at, span.1),
                );
            }
            return SyntaxError::syntax(
                "invalid syntax. Perhaps you forgot a comma?",
                Span::new(at, span.1),
            );
        }
    }

    match tok {
        Some(Tok::Newline) | None if idx > 0 => {
            // CPython points at the end of the line, which is on the line of the
            // last real token.
            let t = &toks[idx - 1];
            SyntaxError::syntax("invalid syntax", Span::new(t.0, t.2))
        }
        _ => invalid(here.start as usize, here.end as usize),
    }
}

/// What the innermost open bracket before token `idx` holds.
struct Level {
    /// The parameter list of a `def`.
    params: bool,
    /// A comprehension (`for` at this level).
    comprehension: bool,
    /// A dict display whose current item has no `:` yet.
    dict_without_colon: bool,
}

fn innermost_bracket(toks: &[Spanned], from: usize, idx: usize) -> Level {
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate().take(idx.min(toks.len())).skip(from) {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => stack.push(i),
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                stack.pop();
            }
            _ => {}
        }
    }
    let mut level = Level {
        params: false,
        comprehension: false,
        dict_without_colon: false,
    };
    let Some(&open) = stack.last() else {
        return level;
    };
    level.params = open >= 2 && matches!(toks[open - 2].1, Tok::Def);
    let mut depth = 0;
    let mut saw_colon = false;
    let mut item_colon = false;
    let mut saw_for = false;
    for t in &toks[open + 1..idx.min(toks.len())] {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth -= 1,
            Tok::For if depth == 0 => saw_for = true,
            Tok::In if depth == 0 && saw_for => level.comprehension = true,
            Tok::Colon if depth == 0 => {
                saw_colon = true;
                item_colon = true;
            }
            Tok::Comma if depth == 0 => item_colon = false,
            _ => {}
        }
    }
    level.dict_without_colon = matches!(toks[open].1, Tok::Lbrace) && saw_colon && !item_colon;
    level
}

/// `=` where an expression was expected: CPython's `invalid_named_expression`.
fn misplaced_equal(toks: &[Spanned], idx: usize, here: Span) -> Option<SyntaxError> {
    let next = toks.get(idx + 1).map(|t| &t.1)?;
    if matches!(next, Tok::Equal | Tok::ColonEqual)
        || !starts_expression(next) && !matches!(next, Tok::Minus | Tok::Plus)
    {
        return None;
    }
    let mut depth = 0;
    for t in toks[..idx].iter().rev() {
        match t.1 {
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar if depth == 0 => break,
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => depth -= 1,
            Tok::Comma | Tok::Newline | Tok::Indent | Tok::Dedent if depth == 0 => break,
            Tok::Lambda | Tok::Equal if depth == 0 => return None,
            _ => {}
        }
    }
    let what = target_name(toks, idx)?;
    let left_start = toks[idx - 1].0;
    if what == "name" {
        let msg = "invalid syntax. Maybe you meant '==' or ':=' instead of '='?";
        return Some(SyntaxError::syntax(msg, here));
    }
    let msg = format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?");
    Some(SyntaxError::syntax(
        msg,
        Span::new(left_start, here.end as usize),
    ))
}

/// What the expression ending just before token `idx` is, in CPython's words,
/// when that can be told from its last tokens.
fn target_name(toks: &[Spanned], idx: usize) -> Option<&'static str> {
    let prev = &toks.get(idx.checked_sub(1)?)?.1;
    let before = idx.checked_sub(2).and_then(|i| toks.get(i)).map(|t| &t.1);
    let what = match prev {
        Tok::Name(_) if matches!(before, Some(Tok::Dot)) => "attribute",
        Tok::Name(_) => "name",
        Tok::Number(_) | Tok::Str(_) => "literal",
        Tok::Rpar => {
            let open = matching_open(toks, idx - 1)?;
            let callee = open.checked_sub(1).map(|i| &toks[i].1);
            if matches!(callee, Some(Tok::Name(_) | Tok::Rpar | Tok::Rsqb)) {
                "function call"
            } else {
                return None;
            }
        }
        Tok::Rsqb => {
            let open = matching_open(toks, idx - 1)?;
            let value = open.checked_sub(1).map(|i| &toks[i].1);
            if matches!(value, Some(Tok::Name(_) | Tok::Rpar | Tok::Rsqb)) {
                "subscript"
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some(what)
}

fn matching_open(toks: &[Spanned], close: usize) -> Option<usize> {
    let mut depth = 0;
    for i in (0..=close).rev() {
        match toks[i].1 {
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// How far CPython's parser would have read when it gave up at token `idx`: its
/// error rules parse the expression that starts there and peek one token past it.
/// An unclosed bracket on an earlier line than that point takes over the error.
pub fn reach(toks: &[Spanned], idx: usize, src_len: usize) -> usize {
    let Some(first) = toks.get(idx) else {
        return src_len;
    };
    if !starts_expression(&first.1) {
        return first.0;
    }
    let mut i = idx;
    loop {
        let Some(t) = toks.get(i) else { return src_len };
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                // Inside a bracket the parser stops at the first spot where two
                // expressions meet (the comma hint), unless a name meets a string.
                let mut depth = 0;
                let mut j = i;
                // A bracket whose first token cannot start an item fails there.
                if let Some(u) = toks.get(i + 1) {
                    let closes = matches!(
                        u.1,
                        Tok::Rpar
                            | Tok::Rsqb
                            | Tok::Rbrace
                            | Tok::Star
                            | Tok::DoubleStar
                            | Tok::Minus
                            | Tok::Plus
                    );
                    if !starts_expression(&u.1) && !closes {
                        return u.0;
                    }
                }
                loop {
                    let Some(u) = toks.get(j) else { return src_len };
                    match u.1 {
                        Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
                        Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    if let Some(v) = toks.get(j + 1) {
                        let name_string = matches!(u.1, Tok::Name(_)) && matches!(v.1, Tok::Str(_));
                        if ends_expression(&u.1) && starts_expression(&v.1) && !name_string && j > i
                        {
                            return reach(toks, j + 1, src_len);
                        }
                    }
                    j += 1;
                }
                i = j + 1;
            }
            Tok::Name(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::True
            | Tok::False
            | Tok::None
            | Tok::Ellipsis => i += 1,
            Tok::Dot => i += 1,
            Tok::Not | Tok::Tilde | Tok::Await | Tok::Lambda if i == idx => i += 1,
            _ => return t.0,
        }
        // Trailers continue the primary; anything else is the peeked token.
        match toks.get(i).map(|t| &t.1) {
            Some(Tok::Lpar | Tok::Lsqb | Tok::Dot | Tok::Str(_)) => {}
            Some(_) => return toks[i].0,
            None => return src_len,
        }
    }
}
