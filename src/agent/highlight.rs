//! Python syntax highlighting for the agent's stderr on a terminal, over garter's
//! own lexer tokens: keywords, strings, numbers, constants, comments and the names
//! `def` and `class` introduce get ANSI colours; everything else is the source
//! byte for byte. Feed it text already made inert (`inert::inert`): it adds its
//! own colour sequences only and must never pass the model's escapes through.
//! Source the lexer stops on is shown plain from there on.

use crate::syntax::lexer::{self, Tok};

const KEYWORD: &str = "\u{1b}[1;35m";
const CONSTANT: &str = "\u{1b}[36m";
const NUMBER: &str = "\u{1b}[36m";
const STRING: &str = "\u{1b}[32m";
const COMMENT: &str = "\u{1b}[2m";
const DEFINED: &str = "\u{1b}[1;33m";
const BUILTIN: &str = "\u{1b}[34m";
const RESET: &str = "\u{1b}[0m";

/// Builtins worth picking out in agent code.
const BUILTINS: &[&str] = &[
    "final_answer", "print", "len", "range", "enumerate", "zip", "sorted", "reversed", "min", "max", "sum", "abs", "round",
    "isinstance", "str", "int", "float", "bool", "list", "dict", "set", "tuple", "map", "filter", "any", "all", "repr",
];

/// A step's code as stderr shows it: inert, and highlighted when `colour`
/// (without colour, exactly `inert(code)`).
pub fn shown_code(code: &str, colour: bool) -> String {
    let text = super::inert::inert(code);
    if colour { highlight(&text) } else { text }
}

/// `code` (inert text) with ANSI colours.
pub fn highlight(code: &str) -> String {
    let toks = lexer::tokenize(code, 0..code.len(), false);
    let mut out = String::with_capacity(code.len() * 2);
    let mut at = 0;
    let mut after_def = false;
    for (start, tok, end) in &toks.tokens {
        let (start, end) = (*start, *end);
        // Layout tokens (indent, dedent) are empty or inside text already shown.
        if start < at || end <= start || end > code.len() || !code.is_char_boundary(start) || !code.is_char_boundary(end) {
            continue;
        }
        gap(&mut out, &code[at..start]);
        let text = &code[start..end];
        let colour = match tok {
            Tok::Str(_) => Some(STRING),
            Tok::Number(_) => Some(NUMBER),
            Tok::True | Tok::False | Tok::None | Tok::Ellipsis => Some(CONSTANT),
            Tok::Name(_) if after_def => Some(DEFINED),
            Tok::Name(n) if BUILTINS.contains(&&**n) => Some(BUILTIN),
            t if is_keyword(t) => Some(KEYWORD),
            _ => None,
        };
        after_def = matches!(tok, Tok::Def | Tok::Class);
        match colour {
            Some(c) => paint(&mut out, text, c),
            None => out.push_str(text),
        }
        at = end;
    }
    // After the last token: trailing comments and space, or what the lexer stopped on.
    if toks.error.is_none() {
        gap(&mut out, &code[at..]);
    } else {
        out.push_str(&code[at..]);
    }
    out
}

/// Text between tokens: spaces, line continuations and comments (a `#` outside a
/// token always starts one, to the end of its line).
fn gap(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(['\n', '\r']).map_or(rest.len(), |j| i + j);
        paint(out, &rest[i..end], COMMENT);
        rest = &rest[end..];
    }
    out.push_str(rest);
}

/// `text` in `colour`, closed at each line end so that a prefix written before a
/// line (a managed agent's `[name]`) is never coloured.
fn paint(out: &mut String, text: &str, colour: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.is_empty() {
            out.push_str(colour);
            out.push_str(line);
            out.push_str(RESET);
        }
    }
}

fn is_keyword(t: &Tok) -> bool {
    use Tok::*;
    matches!(
        t,
        And | As | Assert | Async | Await | Break | Class | Continue | Def | Del | Elif | Else | Except | Finally | For | From
            | Global | If | Import | In | Is | Lambda | Nonlocal | Not | Or | Pass | Raise | Return | Try | While | With | Yield
            | Match | Case
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn tokens_get_colours() {
        let code = "def f(x):  # doubles\n    return x * 2 if x is not None else 'no'\nfinal_answer(f(21), True)";
        let h = highlight(code);
        assert_eq!(strip(&h), code, "the text is the source, byte for byte");
        for want in [
            "\u{1b}[1;35mdef\u{1b}[0m \u{1b}[1;33mf\u{1b}[0m(x):  \u{1b}[2m# doubles\u{1b}[0m\n",
            "\u{1b}[1;35mreturn\u{1b}[0m x * \u{1b}[36m2\u{1b}[0m \u{1b}[1;35mif\u{1b}[0m x \u{1b}[1;35mis\u{1b}[0m \u{1b}[1;35mnot\u{1b}[0m \u{1b}[36mNone\u{1b}[0m",
            "\u{1b}[32m'no'\u{1b}[0m",
            "\u{1b}[34mfinal_answer\u{1b}[0m(f(\u{1b}[36m21\u{1b}[0m), \u{1b}[36mTrue\u{1b}[0m)",
        ] {
            assert!(h.contains(want), "{want:?} in {h:?}");
        }
    }

    #[test]
    fn lines_are_closed_and_bad_source_is_kept() {
        // A triple-quoted string across lines: each line coloured on its own.
        let h = highlight("s = '''a\nb'''\n");
        assert_eq!(h, "s = \u{1b}[32m'''a\u{1b}[0m\n\u{1b}[32mb'''\u{1b}[0m\n");
        for code in ["x = (1,\n", "print('open", "if x:\nprint(1)", "a $ b # c", "x = 1\n\t\n  # end", "", "\\\n", "f'{x!r:>{w}}' # c"] {
            assert_eq!(strip(&highlight(code)), code);
        }
    }

    #[test]
    fn the_plain_path_is_todays() {
        // Without colour the printer shows `inert(code)` as before; with it, the
        // highlighted text carries no escape but its own colours.
        let code = "print('\u{1b}[2Jx')\u{1b}]0;t\u{7}";
        let inert = crate::agent::inert::inert(code);
        assert_eq!(inert, "print('x')");
        assert_eq!(shown_code(code, false), inert);
        let h = shown_code(code, true);
        assert_eq!(h, highlight(&inert));
        assert_eq!(strip(&h), inert);
        assert!(!h.contains("[2J") && !h.contains(']'));
    }
}
