//! Source text to syntax tree: the lexer, its layout pass, f-strings and the grammar.
//!
//! Knows nothing of evaluation. Must never panic or overflow the native stack on any
//! input: arbitrary bytes from a fuzzer or a model come here first.

pub mod actions;
pub mod ast;
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

type Item = Result<Spanned, SyntaxError>;

fn run_parser(
    ctx: &Ctx,
    tokens: &Tokens,
    prefix: Option<Spanned>,
) -> Result<ast::Module, SyntaxError> {
    let stream = prefix
        .into_iter()
        .chain(tokens.tokens.iter().cloned())
        .map(Ok)
        .chain(tokens.error.clone().map(Err::<Spanned, SyntaxError>))
        .collect::<Vec<Item>>();
    grammar::TopParser::new()
        .parse(ctx, stream)
        .map_err(|e| parse_error::map(e, ctx, &tokens.tokens))
}

/// Parses one module of Python source.
pub fn parse(source: &str) -> Result<ast::Module, SyntaxError> {
    if let Some(p) = source.find('\0') {
        return Err(SyntaxError::syntax(
            "source code cannot contain null bytes",
            ast::Span::new(p, p),
        ));
    }
    let tokens = lexer::tokenize(source, 0..source.len(), false);
    let ctx = Ctx {
        src: source,
        awaits: RefCell::new(Vec::new()),
        fstring_depth: 0,
    };
    let module = run_parser(&ctx, &tokens, None)?;
    validate::validate(&module, &ctx.awaits.borrow())?;
    Ok(module)
}

/// Parses `ctx.src[start..end]`, the expression of an f-string field, as if it
/// were in parentheses; spans stay offsets into the whole module.
pub(crate) fn parse_field(ctx: &Ctx, start: usize, end: usize) -> Result<ast::Module, SyntaxError> {
    let tokens = lexer::tokenize(ctx.src, start..end, true);
    let inner = Ctx {
        src: ctx.src,
        awaits: RefCell::new(Vec::new()),
        fstring_depth: ctx.fstring_depth + 1,
    };
    let module = run_parser(&inner, &tokens, Some((start, Tok::FieldStart, start)))?;
    ctx.awaits.borrow_mut().extend(inner.awaits.into_inner());
    Ok(module)
}

#[cfg(test)]
mod tests;
