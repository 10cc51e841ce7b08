//! Source text to tokens: a logos token enum and the layout pass around it.
//!
//! logos finds the raw tokens (names, numbers, strings, operators, physical newlines);
//! the layout pass keeps the indent stack and the bracket stack and emits NEWLINE,
//! INDENT and DEDENT the way CPython's tokenizer does, decides the soft keywords
//! `match`/`case`, and bounds how deep a tree the parser can be asked to build.
//! It must never panic on any input and never build an unbounded nesting: every
//! error is a `SyntaxError` worded as CPython 3.11 words it.

use std::rc::Rc;

use logos::Logos;
use num_bigint::BigInt;

use super::ast::Span;
use super::error::{SyntaxError, SyntaxErrorKind};

/// CPython's tokenizer refuses more nested brackets than this.
pub const MAX_BRACKETS: usize = 200;
/// CPython's tokenizer refuses more indentation levels than this.
pub const MAX_INDENT: usize = 100;
/// The deepest tree a statement may build, counted conservatively from its tokens
/// (see `DepthGauge`). Later passes recurse over the tree, so this bounds their stack.
pub const MAX_DEPTH: usize = 1000;

/// A string literal token, already decoded unless it is an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum StrTok {
    Str(String),
    Bytes(Vec<u8>),
    /// An f-string: the body between the quotes, decoded later by `fstring.rs`.
    F {
        raw: bool,
        /// Offset of the body in the source.
        start: usize,
        end: usize,
        /// The quote that closes it (`'`, `"`, `'''`, `"""`), which the body may not reuse.
        quote: &'static str,
        /// The depth bound already used where the literal stands; its fields
        /// start from it so that nesting f-strings cannot escape `MAX_DEPTH`.
        depth: usize,
    },
}

/// Errors logos reports from callbacks; positions are given by the token span unless
/// the error carries its own.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum LexError {
    #[default]
    Invalid,
    /// A message at the token's span.
    Msg(String),
    /// A message at a given span.
    At(String, Span),
}

#[derive(Logos, Clone, Debug, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\x0C]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip r"\\(\r\n|\r|\n)")]
pub enum Tok {
    #[regex(r"\r\n|\r|\n")]
    PhysicalNewline,
    #[regex(r"\\")]
    Backslash,

    #[regex(r"[A-Za-z_\u{80}-\u{10FFFF}][A-Za-z0-9_\u{80}-\u{10FFFF}]*", lex_name)]
    Name(Rc<str>),
    #[regex(r"[0-9]", lex_number)]
    #[regex(r"\.[0-9]", lex_number)]
    Number(Num),
    #[regex(r#"([rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?['"]"#, lex_string)]
    Str(Box<StrTok>),

    // Keywords.
    #[token("False")]
    False,
    #[token("None")]
    None,
    #[token("True")]
    True,
    #[token("and")]
    And,
    #[token("as")]
    As,
    #[token("assert")]
    Assert,
    #[token("async")]
    Async,
    #[token("await")]
    Await,
    #[token("break")]
    Break,
    #[token("class")]
    Class,
    #[token("continue")]
    Continue,
    #[token("def")]
    Def,
    #[token("del")]
    Del,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("except")]
    Except,
    #[token("finally")]
    Finally,
    #[token("for")]
    For,
    #[token("from")]
    From,
    #[token("global")]
    Global,
    #[token("if")]
    If,
    #[token("import")]
    Import,
    #[token("in")]
    In,
    #[token("is")]
    Is,
    #[token("lambda")]
    Lambda,
    #[token("nonlocal")]
    Nonlocal,
    #[token("not")]
    Not,
    #[token("or")]
    Or,
    #[token("pass")]
    Pass,
    #[token("raise")]
    Raise,
    #[token("return")]
    Return,
    #[token("try")]
    Try,
    #[token("while")]
    While,
    #[token("with")]
    With,
    #[token("yield")]
    Yield,

    // Operators and delimiters.
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    DoubleStar,
    #[token("/")]
    Slash,
    #[token("//")]
    DoubleSlash,
    #[token("%")]
    Percent,
    #[token("@")]
    At,
    #[token("<<")]
    LShift,
    #[token(">>")]
    RShift,
    #[token("&")]
    Amper,
    #[token("|")]
    Vbar,
    #[token("^")]
    Circumflex,
    #[token("~")]
    Tilde,
    #[token(":=")]
    ColonEqual,
    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    #[token("<=")]
    LessEqual,
    #[token(">=")]
    GreaterEqual,
    #[token("==")]
    EqEqual,
    #[token("!=")]
    NotEqual,
    #[token("(")]
    Lpar,
    #[token(")")]
    Rpar,
    #[token("[")]
    Lsqb,
    #[token("]")]
    Rsqb,
    #[token("{")]
    Lbrace,
    #[token("}")]
    Rbrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token(";")]
    Semi,
    #[token("=")]
    Equal,
    #[token("->")]
    Rarrow,
    #[token("+=")]
    PlusEqual,
    #[token("-=")]
    MinEqual,
    #[token("*=")]
    StarEqual,
    #[token("/=")]
    SlashEqual,
    #[token("//=")]
    DoubleSlashEqual,
    #[token("%=")]
    PercentEqual,
    #[token("@=")]
    AtEqual,
    #[token("&=")]
    AmperEqual,
    #[token("|=")]
    VbarEqual,
    #[token("^=")]
    CircumflexEqual,
    #[token(">>=")]
    RShiftEqual,
    #[token("<<=")]
    LShiftEqual,
    #[token("**=")]
    DoubleStarEqual,
    #[token("!")]
    Exclamation,

    // Made by the layout pass, never by logos.
    Newline,
    Indent,
    Dedent,
    /// The soft keyword `match` at the head of a match statement.
    Match,
    /// The soft keyword `case` at the head of a case block.
    Case,
    /// The `(` of `with (a as b, c):`, the parenthesised form of with items.
    WithLpar,
    /// Injected first token: what follows is one f-string field expression.
    FieldStart,
}

/// A numeric literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    Int(i64),
    BigInt(Box<BigInt>),
    Float(f64),
}

fn lex_name(lex: &mut logos::Lexer<Tok>) -> Result<Rc<str>, LexError> {
    let text = lex.slice();
    let start = lex.span().start;
    for (i, c) in text.char_indices() {
        let ok = if i == 0 {
            c == '_' || unicode_ident::is_xid_start(c)
        } else {
            unicode_ident::is_xid_continue(c)
        };
        if !ok {
            let at = Span::new(start + i, start + i + c.len_utf8());
            return Err(LexError::At(invalid_character(c), at));
        }
    }
    Ok(Rc::from(text))
}

/// CPython's wording for a character that cannot start or continue a token.
pub fn invalid_character(c: char) -> String {
    if is_printable(c) {
        format!("invalid character '{c}' (U+{:04X})", c as u32)
    } else {
        format!("invalid non-printable character U+{:04X}", c as u32)
    }
}

/// An approximation of `str.isprintable` good enough for error messages: controls,
/// separators and the common format characters are not printable.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32, 0xAD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x2064 | 0xFEFF | 0xE000..=0xF8FF))
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && unicode_ident::is_xid_continue(c))
}

/// Scans a number starting at the token start; the regex matched only its first
/// character(s), so this finds the end and bumps the lexer past it.
fn lex_number(lex: &mut logos::Lexer<Tok>) -> Result<Num, LexError> {
    let start = lex.span().start;
    let src = lex.source();
    let (num, end) = scan_number(src, start)?;
    let matched = lex.span().end;
    if end > matched {
        lex.bump(end - matched);
    }
    Ok(num)
}

fn number_error(msg: &str, src: &str, at: usize) -> LexError {
    let len = src[at..].chars().next().map_or(0, char::len_utf8);
    LexError::At(msg.to_string(), Span::new(at, at + len))
}

/// Digits of `radix` with single underscores between them; returns the end offset.
fn scan_digits(b: &[u8], mut i: usize, radix: u32) -> usize {
    while i < b.len() {
        let c = b[i];
        let digit = |j: usize| b.get(j).is_some_and(|d| (*d as char).is_digit(radix));
        let underscore_between_digits = c == b'_' && i > 0 && digit(i - 1) && digit(i + 1);
        if !(digit(i) || underscore_between_digits) {
            break;
        }
        i += 1;
    }
    i
}

/// Keywords that CPython 3.11 still accepts glued to a number (`1if x else y`).
fn keyword_may_follow_number(rest: &str) -> bool {
    ["and", "else", "for", "if", "in", "is", "not", "or"]
        .iter()
        .any(|k| rest.starts_with(k) && !rest[k.len()..].chars().next().is_some_and(is_ident_char))
}

pub fn scan_number(src: &str, start: usize) -> Result<(Num, usize), LexError> {
    let b = src.as_bytes();
    let mut i = start;
    let check_end = |i: usize, kind: &str| -> Result<(), LexError> {
        let rest = &src[i..];
        match rest.chars().next() {
            Some(c) if is_ident_char(c) && !keyword_may_follow_number(rest) => {
                if matches!(c, 'j' | 'J') && kind == "decimal" {
                    return Err(number_error(
                        "garter does not support complex numbers",
                        src,
                        i,
                    ));
                }
                Err(number_error(&format!("invalid {kind} literal"), src, i))
            }
            _ => Ok(()),
        }
    };
    if b[i] == b'0'
        && i + 1 < b.len()
        && matches!(b[i + 1], b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
    {
        let (radix, kind) = match b[i + 1] {
            b'x' | b'X' => (16, "hexadecimal"),
            b'o' | b'O' => (8, "octal"),
            _ => (2, "binary"),
        };
        i += 2;
        if i < b.len() && b[i] == b'_' {
            i += 1;
        }
        let digits_start = i;
        let end = scan_digits(b, i, radix);
        if end < b.len() && b[end].is_ascii_digit() {
            let msg = format!("invalid digit '{}' in {kind} literal", b[end] as char);
            return Err(number_error(&msg, src, end));
        }
        if end == digits_start {
            return Err(number_error(&format!("invalid {kind} literal"), src, end));
        }
        if end < b.len() && (b[end] as char).is_ascii_digit() {
            return Err(number_error(
                &format!("invalid digit '{}' in {kind} literal", b[end] as char),
                src,
                end,
            ));
        }
        check_end(end, kind)?;
        let digits: String = src[digits_start..end]
            .chars()
            .filter(|&c| c != '_')
            .collect();
        let num = match i64::from_str_radix(&digits, radix) {
            Ok(v) => Num::Int(v),
            Err(_) => match BigInt::parse_bytes(digits.as_bytes(), radix) {
                Some(v) => Num::BigInt(Box::new(v)),
                None => return Err(number_error(&format!("invalid {kind} literal"), src, start)),
            },
        };
        return Ok((num, end));
    }
    let int_end = scan_digits(b, i, 10);
    i = int_end;
    let mut is_float = false;
    if i < b.len() && b[i] == b'_' {
        return Err(number_error("invalid decimal literal", src, i));
    }
    if i < b.len() && b[i] == b'.' {
        is_float = true;
        i += 1;
        if i < b.len() && b[i].is_ascii_digit() {
            i = scan_digits(b, i, 10);
        }
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        let mut j = i + 1;
        if j < b.len() && matches!(b[j], b'+' | b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            is_float = true;
            i = scan_digits(b, j, 10);
        } else {
            return Err(number_error("invalid decimal literal", src, i));
        }
    }
    if i < b.len() && matches!(b[i], b'j' | b'J') {
        return Err(number_error(
            "garter does not support complex numbers",
            src,
            start,
        ));
    }
    check_end(i, "decimal")?;
    let text: String = src[start..i].chars().filter(|&c| c != '_').collect();
    if is_float {
        let v: f64 = text
            .parse()
            .map_err(|_| number_error("invalid decimal literal", src, start))?;
        return Ok((Num::Float(v), i));
    }
    if text.len() > 1 && text.starts_with('0') && text.bytes().any(|c| c != b'0') {
        return Err(LexError::At(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".into(),
            Span::new(start, int_end),
        ));
    }
    let num = match text.parse::<i64>() {
        Ok(v) => Num::Int(v),
        Err(_) => match BigInt::parse_bytes(text.as_bytes(), 10) {
            Some(v) => Num::BigInt(Box::new(v)),
            None => return Err(number_error("invalid decimal literal", src, start)),
        },
    };
    Ok((num, i))
}

fn line_of(src: &str, offset: usize) -> usize {
    super::error::LineIndex::new(src).line(offset as u32)
}

/// Scans a string literal whose prefix and opening quote the regex matched.
fn lex_string(lex: &mut logos::Lexer<Tok>) -> Result<Box<StrTok>, LexError> {
    let span = lex.span();
    let src = lex.source();
    let (tok, end) = scan_string(src, span.start, span.end)?;
    lex.bump(end - span.end);
    Ok(Box::new(tok))
}

/// `start` is the literal's first byte (its prefix), `after_quote` just past the
/// first quote character. Returns the token and its end offset.
pub fn scan_string(
    src: &str,
    start: usize,
    after_quote: usize,
) -> Result<(StrTok, usize), LexError> {
    let b = src.as_bytes();
    let q = b[after_quote - 1];
    let prefix = src[start..after_quote - 1].to_ascii_lowercase();
    let raw = prefix.contains('r');
    let bytes = prefix.contains('b');
    let fstr = prefix.contains('f');
    let triple = b.len() >= after_quote + 2 && b[after_quote] == q && b[after_quote + 1] == q;
    let body_start = if triple { after_quote + 2 } else { after_quote };
    let mut i = body_start;
    let body_end;
    loop {
        if i >= b.len() {
            let msg = if triple {
                format!(
                    "unterminated triple-quoted string literal (detected at line {})",
                    line_of(src, src.len().saturating_sub(1))
                )
            } else {
                format!(
                    "unterminated string literal (detected at line {})",
                    line_of(src, i)
                )
            };
            return Err(LexError::At(msg, Span::new(start, start)));
        }
        let c = b[i];
        if c == b'\\' {
            i += 1;
            if i < b.len() && b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            if i < b.len() {
                i += 1;
            }
            continue;
        }
        if !triple && (c == b'\n' || c == b'\r') {
            let msg = format!(
                "unterminated string literal (detected at line {})",
                line_of(src, start)
            );
            return Err(LexError::At(msg, Span::new(start, start)));
        }
        if c == q {
            if !triple {
                body_end = i;
                i += 1;
                break;
            }
            if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                body_end = i;
                i += 3;
                break;
            }
        }
        i += 1;
    }
    let body = &src[body_start..body_end];
    if fstr {
        let quote = match (q, triple) {
            (b'\'', false) => "'",
            (b'\'', true) => "'''",
            (_, false) => "\"",
            (_, true) => "\"\"\"",
        };
        return Ok((
            StrTok::F {
                raw,
                start: body_start,
                end: body_end,
                quote,
                depth: 0,
            },
            i,
        ));
    }
    if bytes {
        if let Some(c) = body.chars().find(|c| !c.is_ascii()) {
            let _ = c;
            return Err(LexError::At(
                "bytes can only contain ASCII literal characters".into(),
                Span::new(start, i),
            ));
        }
        let v = decode_bytes(body, raw).map_err(|m| LexError::At(m, Span::new(start, i)))?;
        return Ok((StrTok::Bytes(v), i));
    }
    let s = decode_str(body, raw).map_err(|m| LexError::At(m, Span::new(start, i)))?;
    Ok((StrTok::Str(s), i))
}

/// Universal newlines: CPython reads source with `\r\n` and `\r` turned into `\n`.
fn push_newline_normalised(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
}

fn unicode_error(kind: &str, from: usize, to: usize, what: &str) -> String {
    format!(
        "(unicode error) 'unicodeescape' codec can't decode bytes in position {from}-{to}: {what}{kind}"
    )
}

/// Decodes the escapes of a `str` literal body, keeping unknown escapes verbatim
/// as CPython does. `raw` bodies only get their newlines normalised.
pub fn decode_str(body: &str, raw: bool) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    if raw || !body.contains('\\') {
        push_newline_normalised(&mut out, body);
        return Ok(out);
    }
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (pos, c) = chars[k];
        if c == '\r' {
            out.push('\n');
            if chars.get(k + 1).map(|x| x.1) == Some('\n') {
                k += 1;
            }
            k += 1;
            continue;
        }
        if c != '\\' {
            out.push(c);
            k += 1;
            continue;
        }
        let Some(&(_, e)) = chars.get(k + 1) else {
            out.push('\\');
            k += 1;
            continue;
        };
        k += 2;
        match e {
            '\n' => {}
            '\r' => {
                if chars.get(k).map(|x| x.1) == Some('\n') {
                    k += 1;
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0C'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0B'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3 {
                    match chars.get(k).and_then(|x| x.1.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            k += 1;
                            n += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v: u32 = 0;
                for j in 0..n {
                    match chars.get(k + j).and_then(|x| x.1.to_digit(16)) {
                        Some(d) => v = v * 16 + d,
                        None => {
                            let what = match e {
                                'x' => "truncated \\xXX escape",
                                'u' => "truncated \\uXXXX escape",
                                _ => "truncated \\UXXXXXXXX escape",
                            };
                            return Err(unicode_error("", pos, pos + 1 + j, what));
                        }
                    }
                }
                k += n;
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    // A lone surrogate is a valid Python str but not a Rust one: it
                    // becomes U+FFFD (a documented divergence).
                    None if (0xD800..=0xDFFF).contains(&v) => out.push('\u{FFFD}'),
                    None => {
                        return Err(unicode_error(
                            "",
                            pos,
                            pos + 1 + n,
                            "illegal Unicode character",
                        ));
                    }
                }
            }
            'N' => {
                if chars.get(k).map(|x| x.1) != Some('{') {
                    return Err(unicode_error(
                        "",
                        pos,
                        pos + 1,
                        "malformed \\N character escape",
                    ));
                }
                let name_start = k + 1;
                let mut j = name_start;
                while j < chars.len() && chars[j].1 != '}' {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(unicode_error(
                        "",
                        pos,
                        pos + 1,
                        "malformed \\N character escape",
                    ));
                }
                let name: String = chars[name_start..j].iter().map(|x| x.1).collect();
                // Only letters, digits, spaces and inner hyphens can name a character;
                // unicode_names2 panics (debug) on a leading hyphen, so filter first.
                let plausible = name.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
                match plausible
                    .then(|| unicode_names2::character(&name))
                    .flatten()
                {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(unicode_error(
                            "",
                            pos,
                            pos + 3 + name.len(),
                            "unknown Unicode character name",
                        ));
                    }
                }
                k = j + 1;
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Decodes a bytes literal body (already checked to be ASCII).
pub fn decode_bytes(body: &str, raw: bool) -> Result<Vec<u8>, String> {
    let b = body.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut k = 0;
    while k < b.len() {
        let c = b[k];
        if c == b'\r' {
            out.push(b'\n');
            if b.get(k + 1) == Some(&b'\n') {
                k += 1;
            }
            k += 1;
            continue;
        }
        if raw || c != b'\\' || k + 1 >= b.len() {
            out.push(c);
            k += 1;
            continue;
        }
        let e = b[k + 1];
        k += 2;
        match e {
            b'\n' => {}
            b'\r' => {
                if b.get(k) == Some(&b'\n') {
                    k += 1;
                }
            }
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                let mut n = 1;
                while n < 3 && k < b.len() && (b'0'..=b'7').contains(&b[k]) {
                    v = v * 8 + u32::from(b[k] - b'0');
                    k += 1;
                    n += 1;
                }
                out.push((v & 0xFF) as u8);
            }
            b'x' => {
                let hex = |x: Option<&u8>| x.and_then(|c| (*c as char).to_digit(16));
                match (hex(b.get(k)), hex(b.get(k + 1))) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        k += 2;
                    }
                    _ => {
                        return Err(format!(
                            "(value error) invalid \\x escape at position {}",
                            k - 2
                        ));
                    }
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// A token with its byte span.
pub type Spanned = (usize, Tok, usize);

/// Counts, for each statement, an upper bound of the depth of the tree its tokens
/// can build: every token that can add a level (an operator, a keyword, a bracket)
/// counts one at its bracket level, a comma starts a new sibling, and a bracket's
/// contents start from the count at its opening. Flat data (`[-1, -1, ...]`) stays
/// shallow; operator chains (`1+1+...`), `not not ...`, `a.b.c...`, `f()()...` and
/// lambda chains are caught before the parser builds them.
struct DepthGauge {
    /// Per open bracket level: (depth at its opening, count in the current sibling,
    /// lambdas whose parameter list is still open).
    levels: Vec<(usize, usize, usize)>,
    base: usize,
}

impl DepthGauge {
    fn reset(&mut self, base: usize) {
        self.levels.clear();
        self.levels.push((base, 0, 0));
        self.base = base;
    }

    fn current(&self) -> usize {
        self.levels.last().map_or(self.base, |l| l.0 + l.1)
    }

    /// Feeds one token; returns false when the bound exceeds `MAX_DEPTH`.
    fn feed(&mut self, tok: &Tok, depth0: bool) -> bool {
        let Some(top) = self.levels.last_mut() else {
            return true;
        };
        match tok {
            Tok::Name(_)
            | Tok::Number(_)
            | Tok::Str(_)
            | Tok::True
            | Tok::False
            | Tok::None
            | Tok::Ellipsis => {}
            Tok::Comma => {
                if top.2 == 0 {
                    top.1 = 0;
                }
            }
            Tok::Semi | Tok::Equal if depth0 => top.1 = 0,
            Tok::Colon if top.2 > 0 => {
                top.2 -= 1;
                top.1 += 1;
            }
            Tok::Lambda => {
                top.2 += 1;
                top.1 += 1;
            }
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => {
                top.1 += 2;
                let at = top.0 + top.1;
                self.levels.push((at, 0, 0));
            }
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                if self.levels.len() > 1 {
                    self.levels.pop();
                }
            }
            _ => top.1 += 1,
        }
        self.current() <= MAX_DEPTH
    }
}

/// CPython's two columns for the indentation before `pos`: tabs to 8 and tabs to 1.
fn measure_indent(src: &str, pos: usize) -> (usize, usize) {
    let line_start = src[..pos].rfind(['\n', '\r']).map_or(0, |p| p + 1);
    let (mut col, mut altcol) = (0usize, 0usize);
    for ch in src[line_start..pos].chars() {
        match ch {
            ' ' => {
                col += 1;
                altcol += 1;
            }
            '\t' => {
                col = (col / 8 + 1) * 8;
                altcol += 1;
            }
            '\x0C' => {
                col = 0;
                altcol = 0;
            }
            _ => {}
        }
    }
    (col, altcol)
}

/// The error a dedent to `col` would raise, if any.
fn bad_dedent(
    indents: &[IndentLevel],
    col: usize,
    altcol: usize,
    at: usize,
) -> Option<SyntaxError> {
    let top = indents.last()?;
    if col >= top.col {
        return None;
    }
    let level = indents.iter().rev().find(|l| l.col <= col)?;
    if level.col != col {
        let msg = "unindent does not match any outer indentation level";
        return Some(SyntaxError::new(
            SyntaxErrorKind::IndentationError,
            msg,
            Span::new(at, at),
        ));
    }
    if level.altcol != altcol {
        let msg = "inconsistent use of tabs and spaces in indentation";
        return Some(SyntaxError::new(
            SyntaxErrorKind::TabError,
            msg,
            Span::new(at, at),
        ));
    }
    None
}

/// One entry of the indent stack: CPython's column with tabs to 8 and with tabs to 1
/// (comparing both is how it finds inconsistent tabs), and the `elif` chain length
/// at this level, which nests `If` nodes.
#[derive(Clone, Copy)]
struct IndentLevel {
    col: usize,
    altcol: usize,
    elifs: usize,
}

/// The tokens of a module (or of an f-string field), or the first error.
pub struct Tokens {
    pub tokens: Vec<Spanned>,
    /// The error that stopped the lexer, if any: the parser sees the tokens before
    /// it first, so an earlier syntax error wins, as in CPython.
    pub error: Option<SyntaxError>,
}

fn err(msg: impl Into<String>, span: Span) -> SyntaxError {
    SyntaxError::syntax(msg, span)
}

fn bracket_char(t: &Tok) -> char {
    match t {
        Tok::Lpar | Tok::WithLpar | Tok::Rpar => '(',
        Tok::Lsqb | Tok::Rsqb => '[',
        _ => '{',
    }
}

fn closer_char(t: &Tok) -> char {
    match t {
        Tok::Rpar => ')',
        Tok::Rsqb => ']',
        _ => '}',
    }
}

/// Lexes a whole module. `base` is added to every offset (for f-string fields,
/// which are lexed from a slice of the module); `in_brackets` lexes as if inside
/// parentheses, so newlines are not tokens.
pub fn tokenize(full: &str, range: std::ops::Range<usize>, in_brackets: bool) -> Tokens {
    tokenize_at(full, range, in_brackets, 0)
}

/// `tokenize`, counting depth from `base_depth` (an f-string field's enclosing depth).
pub fn tokenize_at(
    full: &str,
    range: std::ops::Range<usize>,
    in_brackets: bool,
    base_depth: usize,
) -> Tokens {
    let src = &full[range.clone()];
    let base = range.start;
    let mut out: Vec<Spanned> = Vec::new();
    let mut error = None;
    let mut brackets: Vec<(Tok, usize)> = Vec::new();
    let mut indents = vec![IndentLevel {
        col: 0,
        altcol: 0,
        elifs: 0,
    }];
    let mut at_line_start = !in_brackets;
    let mut gauge = DepthGauge {
        levels: Vec::new(),
        base: 0,
    };
    gauge.reset(base_depth);
    let mut lex = Tok::lexer(src);
    let bracket_base = usize::from(in_brackets);
    while let Some(item) = lex.next() {
        let span = lex.span();
        let (s, e) = (span.start + base, span.end + base);
        let tok = match item {
            Ok(t) => t,
            Err(le) => {
                // CPython measures a line's indentation before lexing its first token.
                if at_line_start {
                    let (col, altcol) = measure_indent(src, span.start);
                    if let Some(e) = bad_dedent(&indents, col, altcol, s) {
                        error = Some(e);
                        break;
                    }
                }
                error = Some(match le {
                    LexError::At(m, sp) => err(
                        m,
                        Span::new(sp.start as usize + base, sp.end as usize + base),
                    ),
                    LexError::Msg(m) => err(m, Span::new(s, e)),
                    LexError::Invalid => {
                        let c = src[span.start..].chars().next().unwrap_or('?');
                        if c == '$' || c == '?' || c == '`' {
                            err("invalid syntax", Span::new(s, e))
                        } else {
                            err(invalid_character(c), Span::new(s, e))
                        }
                    }
                });
                break;
            }
        };
        let tok = match tok {
            Tok::Str(mut st) if matches!(*st, StrTok::F { .. }) => {
                if let StrTok::F { depth, .. } = &mut *st {
                    *depth = gauge.current() + 1;
                }
                if let StrTok::F { start, end, .. } = &mut *st {
                    *start += base;
                    *end += base;
                }
                Tok::Str(st)
            }
            other => other,
        };
        match tok {
            Tok::PhysicalNewline => {
                if brackets.is_empty() && !at_line_start && !in_brackets {
                    out.push((s, Tok::Newline, e));
                    at_line_start = true;
                    let base_depth: usize = indents.iter().map(|l| 2 + l.elifs).sum();
                    gauge.reset(base_depth);
                }
                continue;
            }
            Tok::Backslash => {
                let msg = if span.end == src.len() {
                    "unexpected EOF while parsing"
                } else {
                    "unexpected character after line continuation character"
                };
                error = Some(err(msg, Span::new(s, e)));
                break;
            }
            Tok::Async => {
                let rest = src[span.end..].trim_start();
                let what = if rest.starts_with("for") {
                    "garter does not support async for"
                } else if rest.starts_with("with") {
                    "garter does not support async with"
                } else {
                    "garter does not support async functions"
                };
                error = Some(err(what, Span::new(s, e)));
                break;
            }
            _ => {}
        }
        if at_line_start {
            at_line_start = false;
            let (col, altcol) = measure_indent(src, span.start);
            let top = indents.last().copied().unwrap_or(IndentLevel {
                col: 0,
                altcol: 0,
                elifs: 0,
            });
            let tab_error = || {
                SyntaxError::new(
                    SyntaxErrorKind::TabError,
                    "inconsistent use of tabs and spaces in indentation",
                    Span::new(s, s),
                )
            };
            if col == top.col {
                if altcol != top.altcol {
                    error = Some(tab_error());
                    break;
                }
            } else if col > top.col {
                if altcol <= top.altcol {
                    error = Some(tab_error());
                    break;
                }
                if indents.len() >= MAX_INDENT {
                    error = Some(SyntaxError::new(
                        SyntaxErrorKind::IndentationError,
                        "too many levels of indentation",
                        Span::new(s, s),
                    ));
                    break;
                }
                indents.push(IndentLevel {
                    col,
                    altcol,
                    elifs: 0,
                });
                out.push((s, Tok::Indent, s));
            } else {
                // On a bad dedent CPython's tokenizer yields the error, not DEDENTs.
                let before = out.len();
                while indents.len() > 1 && col < indents.last().map_or(0, |l| l.col) {
                    indents.pop();
                    out.push((s, Tok::Dedent, s));
                }
                let top = indents.last().copied().unwrap_or(IndentLevel {
                    col: 0,
                    altcol: 0,
                    elifs: 0,
                });
                if col != top.col {
                    out.truncate(before);
                    error = Some(SyntaxError::new(
                        SyntaxErrorKind::IndentationError,
                        "unindent does not match any outer indentation level",
                        Span::new(s, s),
                    ));
                    break;
                }
                if altcol != top.altcol {
                    error = Some(tab_error());
                    break;
                }
            }
            if let Some(level) = indents.last_mut() {
                match tok {
                    Tok::Elif => level.elifs += 1,
                    Tok::Else => {}
                    _ => level.elifs = 0,
                }
            }
            let base_depth: usize = indents.iter().map(|l| 2 + l.elifs).sum();
            gauge.reset(base_depth);
        }
        match tok {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                if brackets.len() + bracket_base >= MAX_BRACKETS {
                    error = Some(err("too many nested parentheses", Span::new(s, e)));
                    break;
                }
                brackets.push((tok.clone(), s));
            }
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                let close = closer_char(&tok);
                match brackets.pop() {
                    None => {
                        error = Some(err(format!("unmatched '{close}'"), Span::new(s, e)));
                        break;
                    }
                    Some((open, at)) => {
                        let open_c = bracket_char(&open);
                        if open_c != bracket_char(&tok) {
                            let line_index = super::error::LineIndex::new(full);
                            let open_line = line_index.line(at as u32);
                            let here = line_index.line(s as u32);
                            let msg = if open_line == here {
                                format!(
                                    "closing parenthesis '{close}' does not match opening parenthesis '{open_c}'"
                                )
                            } else {
                                format!(
                                    "closing parenthesis '{close}' does not match opening parenthesis '{open_c}' on line {open_line}"
                                )
                            };
                            error = Some(err(msg, Span::new(s, e)));
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
        if !gauge.feed(&tok, brackets.is_empty()) {
            error = Some(err(
                format!("too many nested expressions: garter allows at most {MAX_DEPTH} levels"),
                Span::new(s, e),
            ));
            break;
        }
        out.push((s, tok, e));
    }
    if error.is_none()
        && let Some((open, at)) = brackets.last()
        && !in_brackets
    {
        error = Some(err(
            format!("'{}' was never closed", bracket_char(open)),
            Span::new(*at, *at + 1),
        ));
    }
    if error.is_none() && !in_brackets {
        let end = full.len().max(base);
        let end = end.min(range.end);
        if !at_line_start {
            out.push((end, Tok::Newline, end));
        }
        while indents.len() > 1 {
            indents.pop();
            out.push((end, Tok::Dedent, end));
        }
    }
    mark_soft_keywords(&mut out);
    Tokens { tokens: out, error }
}

/// Decides the soft keywords and the parenthesised `with` form, which need to see a
/// whole logical line (the parser's one token of lookahead cannot).
fn mark_soft_keywords(toks: &mut [Spanned]) {
    let mut line_start = true;
    let mut i = 0;
    while i < toks.len() {
        let starts = line_start;
        line_start = matches!(toks[i].1, Tok::Newline | Tok::Indent | Tok::Dedent);
        if matches!(toks[i].1, Tok::With)
            && let Some((_, Tok::Lpar, _)) = toks.get(i + 1)
            && let Some(close) = matching_close(toks, i + 1)
            && matches!(toks.get(close + 1), Some((_, Tok::Colon, _)))
        {
            toks[i + 1].1 = Tok::WithLpar;
        }
        if !starts {
            i += 1;
            continue;
        }
        let name = match &toks[i].1 {
            Tok::Name(n) if &**n == "match" || &**n == "case" => n.clone(),
            _ => {
                i += 1;
                continue;
            }
        };
        let next_ok = match toks.get(i + 1).map(|t| &t.1) {
            None => false,
            Some(t) => !matches!(
                t,
                Tok::Colon
                    | Tok::Equal
                    | Tok::Dot
                    | Tok::Comma
                    | Tok::Rpar
                    | Tok::Rsqb
                    | Tok::Rbrace
                    | Tok::Newline
                    | Tok::Semi
                    | Tok::PlusEqual
                    | Tok::MinEqual
                    | Tok::StarEqual
                    | Tok::SlashEqual
                    | Tok::DoubleSlashEqual
                    | Tok::PercentEqual
                    | Tok::AtEqual
                    | Tok::AmperEqual
                    | Tok::VbarEqual
                    | Tok::CircumflexEqual
                    | Tok::RShiftEqual
                    | Tok::LShiftEqual
                    | Tok::DoubleStarEqual
                    | Tok::ColonEqual
                    | Tok::EqEqual
                    | Tok::NotEqual
                    | Tok::In
                    | Tok::Is
                    | Tok::And
                    | Tok::Or
                    | Tok::If
                    | Tok::For
            ),
        };
        if !next_ok {
            i += 1;
            continue;
        }
        // Find the logical line's end and whether a ':' sits at bracket depth 0.
        let mut depth = 0i32;
        let mut j = i + 1;
        let mut first_colon = None;
        let mut last_is_colon = false;
        while j < toks.len() {
            match toks[j].1 {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => depth += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth -= 1,
                Tok::Newline => break,
                Tok::Colon if depth == 0 && first_colon.is_none() => first_colon = Some(j),
                _ => {}
            }
            last_is_colon = matches!(toks[j].1, Tok::Colon) && depth == 0;
            j += 1;
        }
        let is_kw = if &*name == "match" {
            last_is_colon
        } else {
            first_colon.is_some()
        };
        if is_kw {
            toks[i].1 = if &*name == "match" {
                Tok::Match
            } else {
                Tok::Case
            };
        }
        i += 1;
    }
}

fn matching_close(toks: &[Spanned], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::WithLpar => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            Tok::Newline => return None,
            _ => {}
        }
    }
    None
}

/// One token per line, `line:col KIND`, for golden files and debugging.
pub fn dump(source: &str) -> String {
    let toks = tokenize(source, 0..source.len(), false);
    let index = super::error::LineIndex::new(source);
    let mut out = String::new();
    for (s, t, _) in &toks.tokens {
        let (line, col) = index.line_col(*s as u32);
        let text = match t {
            Tok::Name(n) => format!("Name({n})"),
            Tok::Number(n) => format!("{n:?}"),
            Tok::Str(s) => format!("{s:?}"),
            other => format!("{other:?}"),
        };
        out.push_str(&format!("{line}:{col} {text}\n"));
    }
    if let Some(e) = toks.error {
        let (line, col) = index.line_col(e.span.start);
        out.push_str(&format!(
            "{line}:{col} error {}: {}\n",
            e.kind.name(),
            e.message
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        let t = tokenize(src, 0..src.len(), false);
        assert!(t.error.is_none(), "unexpected error {:?}", t.error);
        t.tokens
            .iter()
            .map(|(_, t, _)| match t {
                Tok::Name(n) => n.to_string(),
                Tok::Newline => "NL".into(),
                Tok::Indent => "IN".into(),
                Tok::Dedent => "DE".into(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn lex_error(src: &str) -> SyntaxError {
        tokenize(src, 0..src.len(), false).error.expect("an error")
    }

    fn num(src: &str) -> Num {
        match tokenize(src, 0..src.len(), false).tokens.into_iter().next() {
            Some((_, Tok::Number(n), _)) => n,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn string(src: &str) -> StrTok {
        match tokenize(src, 0..src.len(), false).tokens.into_iter().next() {
            Some((_, Tok::Str(s), _)) => *s,
            other => panic!("not a string: {other:?}"),
        }
    }

    #[test]
    fn integers_in_every_base() {
        assert_eq!(num("42"), Num::Int(42));
        assert_eq!(num("1_000_000"), Num::Int(1_000_000));
        assert_eq!(num("0x_ff"), Num::Int(255));
        assert_eq!(num("0XFF"), Num::Int(255));
        assert_eq!(num("0o17"), Num::Int(15));
        assert_eq!(num("0b1010"), Num::Int(10));
        assert_eq!(num("00"), Num::Int(0));
        assert_eq!(num("0_0"), Num::Int(0));
    }

    #[test]
    fn big_integers_become_bigint() {
        let Num::BigInt(v) = num("123456789012345678901234567890") else {
            panic!()
        };
        assert_eq!(v.to_string(), "123456789012345678901234567890");
        let Num::BigInt(v) = num("0xffffffffffffffffffff") else {
            panic!()
        };
        assert_eq!(v.to_string(), "1208925819614629174706175");
        assert_eq!(num("9223372036854775807"), Num::Int(i64::MAX));
    }

    #[test]
    fn floats_in_every_form() {
        assert_eq!(num("1."), Num::Float(1.0));
        assert_eq!(num(".5"), Num::Float(0.5));
        assert_eq!(num("1e-3"), Num::Float(0.001));
        assert_eq!(num("1E+3"), Num::Float(1000.0));
        assert_eq!(num("1_0.2_5"), Num::Float(10.25));
        assert_eq!(num("09.5"), Num::Float(9.5));
        assert_eq!(num("1e1_0"), Num::Float(1e10));
    }

    #[test]
    fn bad_numbers_are_worded_as_cpython() {
        assert_eq!(lex_error("2nd = 1").message, "invalid decimal literal");
        assert_eq!(
            lex_error("x = 012").message,
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
        );
        assert_eq!(
            lex_error("x = 1j").message,
            "garter does not support complex numbers"
        );
        assert_eq!(
            lex_error("x = 1.5J").message,
            "garter does not support complex numbers"
        );
        assert_eq!(lex_error("x = 0x").message, "invalid hexadecimal literal");
        assert_eq!(
            lex_error("x = 0b12").message,
            "invalid digit '2' in binary literal"
        );
        assert_eq!(lex_error("x = 1__0").message, "invalid decimal literal");
        assert_eq!(lex_error("x = 1_").message, "invalid decimal literal");
    }

    #[test]
    fn keywords_glued_to_numbers_still_lex() {
        assert_eq!(
            kinds("1if x else 2"),
            ["Number(Int(1))", "If", "x", "Else", "Number(Int(2))", "NL"]
        );
    }

    #[test]
    fn string_prefixes_and_quotes() {
        assert_eq!(string("'a'"), StrTok::Str("a".into()));
        assert_eq!(string("\"a\""), StrTok::Str("a".into()));
        assert_eq!(string("'''a\nb'''"), StrTok::Str("a\nb".into()));
        assert_eq!(string("\"\"\"a\"b\"\"\""), StrTok::Str("a\"b".into()));
        assert_eq!(string("u'x'"), StrTok::Str("x".into()));
        assert_eq!(string("r'\\n'"), StrTok::Str("\\n".into()));
        assert_eq!(string("R'\\n'"), StrTok::Str("\\n".into()));
        assert_eq!(string("b'\\n'"), StrTok::Bytes(b"\n".to_vec()));
        assert_eq!(string("rb'\\n'"), StrTok::Bytes(b"\\n".to_vec()));
        assert_eq!(string("Br'\\n'"), StrTok::Bytes(b"\\n".to_vec()));
        assert!(matches!(string("f'x'"), StrTok::F { raw: false, .. }));
        assert!(matches!(string("rF'x'"), StrTok::F { raw: true, .. }));
        assert!(matches!(string("Fr'x'"), StrTok::F { raw: true, .. }));
    }

    #[test]
    fn escapes_as_cpython_decodes_them() {
        assert_eq!(
            decode_str(r#"\n\t\r\a\b\f\v\\\'\""#, false).unwrap(),
            "\n\t\r\x07\x08\x0C\x0B\\'\""
        );
        assert_eq!(decode_str(r"\x41\101\0\7", false).unwrap(), "AA\0\x07");
        assert_eq!(decode_str(r"\u00e9\U0001F600", false).unwrap(), "é😀");
        assert_eq!(decode_str(r"\uDC80", false).unwrap(), "\u{FFFD}");
        assert_eq!(
            decode_str(r"\N{BULLET}\N{LATIN SMALL LETTER A}", false).unwrap(),
            "•a"
        );
        assert_eq!(decode_str(r"\d\w\ ", false).unwrap(), r"\d\w\ ");
        assert_eq!(decode_str("a\\\nb", false).unwrap(), "ab");
        assert_eq!(decode_str("a\r\nb\rc", false).unwrap(), "a\nb\nc");
        assert!(
            decode_str(r"\x4", false)
                .unwrap_err()
                .contains("truncated \\xXX escape")
        );
        // Found by the fuzzer: a leading hyphen made unicode_names2 overflow.
        for bad in [r"\N{-ULLET}", r"\N{}", r"\N{A\u{e9}}"] {
            assert!(
                decode_str(bad, false)
                    .unwrap_err()
                    .contains("unknown Unicode character name"),
                "{bad}"
            );
        }
        assert!(
            decode_str(r"\N{NO SUCH NAME}", false)
                .unwrap_err()
                .contains("unknown Unicode character name")
        );
        assert_eq!(
            decode_bytes(r"\x41\101\u0041\d", false).unwrap(),
            b"AA\\u0041\\d".to_vec()
        );
    }

    #[test]
    fn bytes_must_be_ascii() {
        assert_eq!(
            lex_error("b'caf\u{e9}'").message,
            "bytes can only contain ASCII literal characters"
        );
    }

    #[test]
    fn unterminated_strings_report_their_start_line() {
        let e = lex_error("x = 1\ny = 'abc\nz = 2\n");
        assert_eq!(
            e.message,
            "unterminated string literal (detected at line 2)"
        );
        let e = lex_error("x = '''abc\n\n\n");
        assert_eq!(
            e.message,
            "unterminated triple-quoted string literal (detected at line 3)"
        );
    }

    #[test]
    fn indentation_makes_indent_and_dedent() {
        let k = kinds("if x:\n    y\n    z\nw\n");
        assert_eq!(
            k,
            [
                "If", "x", "Colon", "NL", "IN", "y", "NL", "z", "NL", "DE", "w", "NL"
            ]
        );
    }

    #[test]
    fn blank_and_comment_lines_do_not_count() {
        let k = kinds("if x:\n\n  # c\n        # deeper comment\n    y\n\n# end\n");
        assert_eq!(k, ["If", "x", "Colon", "NL", "IN", "y", "NL", "DE"]);
    }

    #[test]
    fn brackets_and_backslashes_join_lines() {
        assert_eq!(
            kinds("x = (1,\n  2)\n"),
            [
                "x",
                "Equal",
                "Lpar",
                "Number(Int(1))",
                "Comma",
                "Number(Int(2))",
                "Rpar",
                "NL"
            ]
        );
        assert_eq!(
            kinds("x = 1 + \\\n  2\n"),
            [
                "x",
                "Equal",
                "Number(Int(1))",
                "Plus",
                "Number(Int(2))",
                "NL"
            ]
        );
    }

    #[test]
    fn every_line_ending_works() {
        let want = ["if", "x", "Colon", "NL", "IN", "y", "NL", "DE"].map(|s| {
            if s == "if" {
                "If".to_string()
            } else {
                s.to_string()
            }
        });
        assert_eq!(kinds("if x:\r\n  y\r\n"), want);
        assert_eq!(kinds("if x:\r  y\r"), want);
        assert_eq!(kinds("if x:\n  y"), want);
    }

    #[test]
    fn final_dedents_close_every_block() {
        assert_eq!(
            kinds("if a:\n if b:\n  c"),
            [
                "If", "a", "Colon", "NL", "IN", "If", "b", "Colon", "NL", "IN", "c", "NL", "DE",
                "DE"
            ]
        );
    }

    #[test]
    fn tabs_and_spaces_compare_as_in_cpython() {
        let e = lex_error("if x:\n    if y:\n\treturn 1\n");
        assert_eq!(
            (e.kind, e.message.as_str()),
            (
                SyntaxErrorKind::TabError,
                "inconsistent use of tabs and spaces in indentation"
            )
        );
        // A tab alone and eight spaces alone are each consistent.
        assert!(tokenize("if x:\n\ty\n", 0..9, false).error.is_none());
        assert!(tokenize("if x:\n        y\n", 0..16, false).error.is_none());
    }

    #[test]
    fn unindent_must_match_an_outer_level() {
        let e = lex_error("if x:\n    y\n  z\n");
        assert_eq!(e.kind, SyntaxErrorKind::IndentationError);
        assert_eq!(
            e.message,
            "unindent does not match any outer indentation level"
        );
    }

    #[test]
    fn brackets_must_match() {
        assert_eq!(
            lex_error("x = (1]\n").message,
            "closing parenthesis ']' does not match opening parenthesis '('"
        );
        assert_eq!(
            lex_error("x = (1,\n]\n").message,
            "closing parenthesis ']' does not match opening parenthesis '(' on line 1"
        );
        assert_eq!(lex_error("x = 1)\n").message, "unmatched ')'");
        assert_eq!(lex_error("x = [1,\n").message, "'[' was never closed");
    }

    #[test]
    fn names_are_unicode_identifiers() {
        assert_eq!(kinds("café = ñ"), ["café", "Equal", "ñ", "NL"]);
        assert_eq!(
            lex_error("x = “a”").message,
            "invalid character '“' (U+201C)"
        );
        assert_eq!(
            lex_error("x =\u{a0}1").message,
            "invalid non-printable character U+00A0"
        );
        assert_eq!(
            lex_error("x = a…b").message,
            "invalid character '…' (U+2026)"
        );
    }

    #[test]
    fn match_and_case_are_keywords_only_as_statement_heads() {
        let k = kinds("match x:\n    case 1:\n        pass\n");
        assert_eq!(&k[..2], ["Match", "x"]);
        assert_eq!(k[5], "Case");
        assert_eq!(kinds("match = 1\n")[0], "match");
        assert_eq!(kinds("match(x)\n")[0], "match");
        assert_eq!(kinds("match.x = 1\n")[0], "match");
        assert_eq!(kinds("case = 2\n")[0], "case");
        assert_eq!(kinds("print(match, case)\n")[2], "match");
    }

    #[test]
    fn parenthesised_with_items_get_their_own_token() {
        assert_eq!(kinds("with (a as b, c):\n  pass\n")[1], "WithLpar");
        assert_eq!(kinds("with (a, b) as c:\n  pass\n")[1], "Lpar");
    }

    #[test]
    fn too_many_brackets_is_refused() {
        let src = format!("x = {}1{}", "(".repeat(250), ")".repeat(250));
        assert_eq!(lex_error(&src).message, "too many nested parentheses");
        let ok = format!("x = {}1{}", "(".repeat(150), ")".repeat(150));
        assert!(tokenize(&ok, 0..ok.len(), false).error.is_none());
    }

    #[test]
    fn flat_data_is_not_deep() {
        let src = format!("x = [{}]\n", "-1, ".repeat(100_000));
        assert!(tokenize(&src, 0..src.len(), false).error.is_none());
    }

    #[test]
    fn async_is_refused_by_name() {
        assert_eq!(
            lex_error("async def f(): pass").message,
            "garter does not support async functions"
        );
        assert_eq!(
            lex_error("async for x in y: pass").message,
            "garter does not support async for"
        );
    }
}
