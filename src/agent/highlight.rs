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

/// Streamed model text (`--stream`) as stderr shows it. Text outside code blocks
/// goes out as it arrives; inside a block opened by a line `<code>` or ```` ```py ````
/// (and closed by `</code>` or ```` ``` ````) each line goes out when it is complete,
/// highlighted over the block so far (the first line of a string that spans lines
/// goes out before its end is known, so plain; the lines after it are coloured).
/// Without colour, each delta is exactly `inert(delta)`, as before.
pub struct StreamShow {
    colour: bool,
    /// The current line, and how much of it has been shown.
    line: String,
    shown: usize,
    /// Inside a code block: its closing line and the code so far.
    block: Option<(&'static str, String)>,
}

impl StreamShow {
    pub fn new(colour: bool) -> StreamShow {
        StreamShow { colour, line: String::new(), shown: 0, block: None }
    }

    /// What to print for one streamed delta.
    pub fn push(&mut self, delta: &str) -> String {
        let text = super::inert::inert(delta);
        if !self.colour {
            return text;
        }
        let mut out = String::new();
        for piece in text.split_inclusive('\n') {
            self.line.push_str(piece);
            if self.line.ends_with('\n') {
                self.end_line(&mut out);
            } else if self.block.is_none() {
                out.push_str(&self.line[self.shown..]);
                self.shown = self.line.len();
            }
        }
        out
    }

    /// What is left to print when the answer is complete; ready for the next one.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        if !self.line.is_empty() {
            self.end_line(&mut out);
        }
        self.block = None;
        out
    }

    fn end_line(&mut self, out: &mut String) {
        let line = std::mem::take(&mut self.line);
        let shown = std::mem::replace(&mut self.shown, 0);
        let bare = line.trim();
        match &mut self.block {
            Some((closer, _)) if bare == *closer => {
                self.block = None;
                out.push_str(&line[shown..]);
            }
            Some((_, code)) => {
                code.push_str(&line);
                let lit = highlight(code.trim_end_matches('\n'));
                out.push_str(lit.rsplit('\n').next().unwrap_or(""));
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => {
                out.push_str(&line[shown..]);
                if bare == "<code>" {
                    self.block = Some(("</code>", String::new()));
                } else if bare == "```py" || bare == "```python" {
                    self.block = Some(("```", String::new()));
                }
            }
        }
    }
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

    fn streamed(colour: bool, deltas: &[&str]) -> String {
        let mut show = StreamShow::new(colour);
        let mut out: String = deltas.iter().map(|d| show.push(d)).collect();
        out.push_str(&show.finish());
        out
    }

    #[test]
    fn streamed_code_is_highlighted_line_by_line() {
        let answer = "Thought: two\nlines.\n<code>\ns = \"\"\"a\nb\"\"\"  # doc\nfinal_answer(s)\n</code>\nafter";
        let whole = streamed(true, &[answer]);
        // Any split of the stream shows the same text.
        for cut in 1..answer.len() {
            if answer.is_char_boundary(cut) {
                assert_eq!(streamed(true, &[&answer[..cut], &answer[cut..]]), whole, "cut at {cut}");
            }
        }
        let chars: Vec<String> = answer.chars().map(String::from).collect();
        let refs: Vec<&str> = chars.iter().map(String::as_str).collect();
        assert_eq!(streamed(true, &refs), whole);
        assert_eq!(strip(&whole), answer, "only colours are added");
        assert!(whole.starts_with("Thought: two\nlines.\n<code>\n"), "text outside the block is plain: {whole:?}");
        assert!(whole.contains("s = \"\"\"a\n\u{1b}[32mb\"\"\"\u{1b}[0m  \u{1b}[2m# doc\u{1b}[0m\n"), "a string over two lines: {whole:?}");
        assert!(whole.contains("\u{1b}[34mfinal_answer\u{1b}[0m(s)\n</code>\nafter"), "{whole:?}");
    }

    #[test]
    fn streamed_text_outside_code_goes_out_at_once() {
        let mut show = StreamShow::new(true);
        assert_eq!(show.push("Thou"), "Thou");
        assert_eq!(show.push("ght\n```py\nx = 1"), "ght\n```py\n", "a code line waits for its end");
        assert_eq!(show.push("\n```\nok"), "x = \u{1b}[36m1\u{1b}[0m\n```\nok");
        assert_eq!(show.finish(), "");
        // Without colour: inert deltas, byte for byte.
        let mut plain = StreamShow::new(false);
        assert_eq!(plain.push("<code>\nx\u{1b}[2J = 1"), "<code>\nx = 1");
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
