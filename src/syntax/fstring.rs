//! f-strings: splits the body of one f-string literal into literal parts and
//! replacement fields, and parses each field's expression with the module grammar.
//!
//! Follows CPython 3.11's rules and wording (no backslash in a field, `{}` is empty,
//! single `}`, expecting `}`). Works on byte offsets into the module source and only
//! ever slices at ASCII delimiters it found itself, so it cannot split a character;
//! it must never panic on any input (a fuzzer found such panics in an earlier one).

use super::actions::{Ctx, push_literal};
use super::ast::{Expr, FStringPart, Span, StmtKind};
use super::error::SyntaxError;
use super::lexer::decode_str;

/// CPython refuses format specs nested deeper than this (`{x:{y:{z}}}`).
const MAX_SPEC_NESTING: usize = 2;

fn ferr(msg: impl Into<String>, at: usize) -> SyntaxError {
    SyntaxError::syntax(msg, Span::new(at, at + 1))
}

/// Parses the body `src[start..end]` of an f-string into its parts.
pub fn parse_fstring(
    ctx: &Ctx,
    raw: bool,
    start: usize,
    end: usize,
    quote: &str,
) -> Result<Vec<FStringPart>, SyntaxError> {
    let _ = quote;
    if ctx.fstring_depth > 4 {
        return Err(ferr("f-string: expressions nested too deeply", start));
    }
    let mut parts = Vec::new();
    let mut pos = start;
    parse_parts(ctx, raw, &mut pos, end, 0, &mut parts)?;
    Ok(parts)
}

/// Scans literal text and fields until `end`, or (in a format spec, `level > 0`)
/// until the `}` that closes the enclosing field, which is left at `*pos`.
fn parse_parts(
    ctx: &Ctx,
    raw: bool,
    pos: &mut usize,
    end: usize,
    level: usize,
    parts: &mut Vec<FStringPart>,
) -> Result<(), SyntaxError> {
    let src = ctx.src;
    let b = src.as_bytes();
    let mut lit_start = *pos;
    let mut i = *pos;
    let flush = |parts: &mut Vec<FStringPart>, from: usize, to: usize| -> Result<(), SyntaxError> {
        if from < to {
            let text = &src[from..to];
            let decoded =
                decode_str(text, raw).map_err(|m| SyntaxError::syntax(m, Span::new(from, to)))?;
            push_literal(parts, &decoded);
        }
        Ok(())
    };
    while i < end {
        let c = b[i];
        if c == b'\\' && !raw {
            // An escape: skip it whole so that `\N{...}` and `\{` are not fields.
            if b.get(i + 1) == Some(&b'N') && b.get(i + 2) == Some(&b'{') {
                let mut j = i + 3;
                while j < end && b[j] != b'}' {
                    j += 1;
                }
                i = (j + 1).min(end);
            } else {
                i += 1;
                if i < end && b[i] != b'{' && b[i] != b'}' {
                    i += src[i..].chars().next().map_or(1, char::len_utf8);
                }
            }
            continue;
        }
        if c == b'{' {
            if level == 0 && b.get(i + 1) == Some(&b'{') && i + 1 < end {
                flush(parts, lit_start, i + 1)?;
                i += 2;
                lit_start = i;
                continue;
            }
            if level >= MAX_SPEC_NESTING {
                return Err(ferr("f-string: expressions nested too deeply", i));
            }
            flush(parts, lit_start, i)?;
            i = parse_field(ctx, raw, i + 1, end, level, parts)?;
            lit_start = i;
            continue;
        }
        if c == b'}' {
            if level > 0 {
                flush(parts, lit_start, i)?;
                *pos = i;
                return Ok(());
            }
            if b.get(i + 1) == Some(&b'}') && i + 1 < end {
                flush(parts, lit_start, i + 1)?;
                i += 2;
                lit_start = i;
                continue;
            }
            return Err(ferr("f-string: single '}' is not allowed", i));
        }
        i += 1;
    }
    if level > 0 {
        return Err(ferr("f-string: expecting '}'", end.saturating_sub(1)));
    }
    flush(parts, lit_start, end)?;
    *pos = end;
    Ok(())
}

/// Parses one field starting just after its `{`; returns the offset after its `}`.
fn parse_field(
    ctx: &Ctx,
    raw: bool,
    expr_start: usize,
    end: usize,
    level: usize,
    parts: &mut Vec<FStringPart>,
) -> Result<usize, SyntaxError> {
    let src = ctx.src;
    let b = src.as_bytes();
    let mut i = expr_start;
    let mut brackets: Vec<u8> = Vec::new();
    let mut in_quote: Option<(u8, bool)> = None;
    let mut self_doc_end = None;
    while i < end {
        let c = b[i];
        if c == b'\\' {
            return Err(ferr(
                "f-string expression part cannot include a backslash",
                i,
            ));
        }
        if let Some((q, triple)) = in_quote {
            if c == q {
                if !triple {
                    in_quote = None;
                } else if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                    in_quote = None;
                    i += 2;
                }
            }
            i += 1;
            continue;
        }
        match c {
            b'\'' | b'"' => {
                let triple = i + 2 < end && b[i + 1] == c && b[i + 2] == c;
                in_quote = Some((c, triple));
                i += if triple { 3 } else { 1 };
                continue;
            }
            b'[' | b'(' | b'{' => {
                if brackets.len() >= 200 {
                    return Err(ferr("f-string: too many nested parenthesis", i));
                }
                brackets.push(c);
            }
            b']' | b')' | b'}' if !brackets.is_empty() => {
                let open = brackets.pop().unwrap_or(b'(');
                let want = match open {
                    b'[' => b']',
                    b'(' => b')',
                    _ => b'}',
                };
                if c != want {
                    return Err(ferr(
                        format!(
                            "f-string: closing parenthesis '{}' does not match opening parenthesis '{}'",
                            c as char, open as char
                        ),
                        i,
                    ));
                }
            }
            b']' | b')' => {
                return Err(ferr(format!("f-string: unmatched '{}'", c as char), i));
            }
            b'#' => return Err(ferr("f-string expression part cannot include '#'", i)),
            _ if brackets.is_empty() => {
                let next = b.get(i + 1).copied();
                let stop = match c {
                    b'}' | b':' => true,
                    b'!' => next != Some(b'='),
                    b'=' => {
                        let prev = if i > expr_start { b[i - 1] } else { 0 };
                        next != Some(b'=') && !matches!(prev, b'=' | b'!' | b'<' | b'>')
                    }
                    _ => false,
                };
                if stop {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if in_quote.is_some() {
        return Err(ferr(
            "f-string: unterminated string",
            i.min(end.saturating_sub(1)),
        ));
    }
    if let Some(open) = brackets.last() {
        return Err(ferr(
            format!("f-string: unmatched '{}'", *open as char),
            i.min(end.saturating_sub(1)),
        ));
    }
    if i >= end {
        return Err(ferr("f-string: expecting '}'", end.saturating_sub(1)));
    }
    let expr_end = i;
    if src[expr_start..expr_end].trim().is_empty() {
        let msg = match b[i] {
            b'=' => "f-string: expression required before '='",
            b'!' => "f-string: expression required before '!'",
            b':' => "f-string: expression required before ':'",
            _ => "f-string: empty expression not allowed",
        };
        return Err(ferr(msg, expr_start.saturating_sub(1)));
    }
    let value = parse_field_expr(ctx, expr_start, expr_end)?;
    if b[i] == b'=' {
        i += 1;
        while i < end && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0C') {
            i += 1;
        }
        self_doc_end = Some(i);
    }
    if let Some(doc_end) = self_doc_end {
        let mut text = String::new();
        for ch in src[expr_start..doc_end].chars() {
            if ch != '\r' {
                text.push(ch);
            }
        }
        push_literal(parts, &text);
    }
    let mut conversion = None;
    if i < end && b[i] == b'!' {
        i += 1;
        let conv = src[i..end].chars().next();
        match conv {
            Some(ch @ ('r' | 's' | 'a')) => {
                conversion = Some(ch);
                i += 1;
            }
            _ => {
                return Err(ferr(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    i,
                ));
            }
        }
        if i >= end || !(b[i] == b':' || b[i] == b'}') {
            return Err(ferr(
                "f-string: expecting '}'",
                i.min(end.saturating_sub(1)),
            ));
        }
    }
    let mut format_spec = None;
    if i < end && b[i] == b':' {
        let mut spec = Vec::new();
        let mut p = i + 1;
        parse_parts(ctx, raw, &mut p, end, level + 1, &mut spec)?;
        i = p;
        format_spec = Some(spec);
    }
    if i >= end || b[i] != b'}' {
        return Err(ferr(
            "f-string: expecting '}'",
            i.min(end.saturating_sub(1)),
        ));
    }
    if self_doc_end.is_some() && conversion.is_none() && format_spec.is_none() {
        conversion = Some('r');
    }
    parts.push(FStringPart::Field {
        value: Box::new(value),
        conversion,
        format_spec,
    });
    Ok(i + 1)
}

/// Parses `src[start..end]` as one expression, as if it were in parentheses.
fn parse_field_expr(ctx: &Ctx, start: usize, end: usize) -> Result<Expr, SyntaxError> {
    let module = super::parse_field(ctx, start, end)?;
    let stmt = module.body.into_iter().next();
    match stmt.map(|s| s.kind) {
        Some(StmtKind::Expr(e)) => Ok(e),
        _ => Err(ferr("f-string: invalid syntax", start)),
    }
}
