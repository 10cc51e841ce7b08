//! Source text to syntax tree: the lexer, its layout pass, f-strings and the grammar.
//!
//! Knows nothing of evaluation. Must never panic or overflow the native stack on any
//! input: arbitrary bytes from a fuzzer or a model come here first.

pub mod actions;
pub mod ast;
pub mod dump;
pub mod error;
pub mod fstring;
pub mod lexer;
mod parse_error;
pub mod report;
pub mod validate;

use std::cell::RefCell;

pub use error::{LineIndex, SyntaxError, SyntaxErrorKind};
pub use report::{check_file, check_source, render};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused)]
    grammar,
    "/python.rs"
);

use actions::Ctx;
use lexer::{Spanned, Tok, Tokens};

fn run_parser(
    ctx: &Ctx,
    tokens: &Tokens,
    prefix: Option<Spanned>,
) -> Result<ast::Module, SyntaxError> {
    let stream = prefix
        .into_iter()
        .chain(tokens.tokens.iter().cloned())
        .map(Ok)
        .chain(tokens.error.clone().map(Err::<Spanned, SyntaxError>));
    let parsed = grammar::TopParser::new().parse(ctx, stream);
    parsed.map_err(|e| {
        let stopped_at_lex_error = matches!(&e, lalrpop_util::ParseError::User { error } if Some(error) == tokens.error.as_ref());
        // How far the parser read: CPython compares an unclosed bracket's line with it.
        let reached = match &e {
            lalrpop_util::ParseError::UnrecognizedToken { token, .. } | lalrpop_util::ParseError::ExtraToken { token } => {
                let idx = tokens.tokens.partition_point(|t| t.0 < token.0);
                let idx = (idx..tokens.tokens.len()).find(|&i| tokens.tokens[i].1 == token.1).unwrap_or(idx);
                parse_error::reach(&tokens.tokens, idx, ctx.src.len())
            }
            lalrpop_util::ParseError::User { error } => error.span.start as usize,
            _ => ctx.src.len(),
        };
        let err = parse_error::map(e, ctx, &tokens.tokens);
        match &tokens.error {
            Some(lex) if !stopped_at_lex_error => prefer_tokenizer_error(ctx.src, err, lex, reached),
            _ => err,
        }
    })
}

/// CPython, after a parse error, tokenizes the rest of the file and reports a
/// tokenizer error found there instead (an unclosed bracket only if it opened on
/// an earlier line than the parse error). Indentation errors do not take over.
fn prefer_tokenizer_error(
    src: &str,
    parse_err: SyntaxError,
    lex: &SyntaxError,
    reached: usize,
) -> SyntaxError {
    let quiet = lex.kind != SyntaxErrorKind::SyntaxError
        || lex.message.starts_with("too many nested expressions")
        || lex.message == "unexpected character after line continuation character";
    if quiet || parse_err.message == "unexpected indent" {
        return parse_err;
    }
    // An unclosed bracket takes over only if the parser read past its line.
    if lex.message.ends_with("was never closed") {
        let index = LineIndex::new(src);
        if index.line(lex.span.start) >= index.line(reached.min(src.len()) as u32) {
            return parse_err;
        }
    }
    lex.clone()
}

/// Parses one module of Python source.
pub fn parse(source: &str) -> Result<ast::Module, SyntaxError> {
    if let Some(p) = source.find('\0') {
        return Err(SyntaxError::syntax(
            "source code cannot contain null bytes",
            ast::Span::new(p, p),
        ));
    }
    // A UTF-8 byte order mark is allowed at the very start, as in CPython.
    let start = if source.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let tokens = lexer::tokenize(source, start..source.len(), false);
    let ctx = Ctx {
        src: source,
        awaits: RefCell::new(Vec::new()),
        fstring_depth: 0,
        depth_base: std::cell::Cell::new(0),
    };
    let module = run_parser(&ctx, &tokens, None)?;
    validate::validate(&module, &ctx.awaits.borrow())?;
    Ok(module)
}

/// Parses `ctx.src[start..end]`, the expression of an f-string field, as if it
/// were in parentheses; spans stay offsets into the whole module.
pub(crate) fn parse_field(ctx: &Ctx, start: usize, end: usize) -> Result<ast::Module, SyntaxError> {
    let tokens = lexer::tokenize_at(ctx.src, start..end, true, ctx.depth_base.get());
    let inner = Ctx {
        src: ctx.src,
        awaits: RefCell::new(Vec::new()),
        fstring_depth: ctx.fstring_depth + 1,
        depth_base: std::cell::Cell::new(0),
    };
    // Parser errors in a field say "f-string: ..."; tokenizer errors stay as they are.
    let module =
        run_parser(&inner, &tokens, Some((start, Tok::FieldStart, start))).map_err(|mut e| {
            if Some(&e) != tokens.error.as_ref() && !e.message.starts_with("f-string") {
                e.message = format!("f-string: {}", e.message);
            }
            e
        })?;
    ctx.awaits.borrow_mut().extend(inner.awaits.into_inner());
    Ok(module)
}

#[cfg(test)]
mod tests;
