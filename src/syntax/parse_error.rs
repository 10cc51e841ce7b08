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
    if let Some(Tok::Str(s)) = prev {
        if let StrTok::F {
            raw,
            start,
            end,
            quote,
        } = **s
        {
            if let Err(e) = super::fstring::parse_fstring(ctx, raw, start, end, quote) {
                return e;
            }
        }
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
        if matches!(head, Some(Tok::If | Tok::Elif | Tok::While)) && depth == 0
            || depth > 0 && !expects(expected, "=")
        {
            let msg = "invalid syntax. Maybe you meant '==' or ':=' instead of '='?";
            return SyntaxError::syntax(msg, here);
        }
    }

    // `print "x"`: CPython's legacy rule.
    if let (Some(Tok::Name(n)), Some(t)) = (prev, tok) {
        if (&**n == "print" || &**n == "exec")
            && idx >= 1
            && idx - 1 == start
            && starts_expression(t)
            && !matches!(t, Tok::Lpar)
        {
            let msg = format!("Missing parentheses in call to '{n}'. Did you mean {n}(...)?");
            return SyntaxError::syntax(msg, Span::new(toks[idx - 1].0, span.1));
        }
    }

    if expects(expected, "except") && expects(expected, "finally") && !expects(expected, "else") {
        return SyntaxError::syntax("expected 'except' or 'finally' block", here);
    }

    if expects(expected, "else") && !expects(expected, "elif") && !expects(expected, "except") {
        if let Some(i) = (start..idx).rev().find(|&i| matches!(toks[i].1, Tok::If)) {
            if i != start {
                return SyntaxError::syntax(
                    "expected 'else' after 'if' expression",
                    Span::new(toks[i].0, span.1),
                );
            }
        }
    }

    if let Some(h) = head {
        if is_compound_head(h)
            && depth == 0
            && expects(expected, ":")
            && matches!(tok, Some(Tok::Newline) | None)
        {
            return SyntaxError::syntax("expected ':'", here);
        }
        if is_compound_head(h)
            && depth == 0
            && expects(expected, ":")
            && matches!(tok, Some(t) if starts_expression(t))
            && !matches!(tok, Some(Tok::Lpar | Tok::Lsqb))
        {
            return SyntaxError::syntax("expected ':'", here);
        }
    }

    if depth > 0 {
        if let (Some(p), Some(t)) = (prev, tok) {
            let name_string = matches!(p, Tok::Name(_)) && matches!(t, Tok::Str(_));
            if ends_expression(p) && starts_expression(t) && !name_string {
                let at = toks[idx - 1].0;
                return SyntaxError::syntax(
                    "invalid syntax. Perhaps you forgot a comma?",
                    Span::new(at, span.1),
                );
            }
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
