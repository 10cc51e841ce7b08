//! `textwrap`: wrap, fill, shorten, dedent and indent, following CPython 3.11's
//! `TextWrapper` step by step (whitespace munging, the word-splitting regex,
//! `_wrap_chunks` with `max_lines` and the placeholder) so line breaks match.
//! Pure text; lengths are in code points, as in Python.

use std::cell::RefCell;
use std::rc::Rc;

use fancy_regex::Regex;

use crate::builtins::native;
use crate::values::numparse::is_space;
use crate::values::*;
use crate::vm::Vm;

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let _ = vm;
    let mut attrs = Attrs::default();
    let funcs: &[(&str, NativeFn)] =
        &[("wrap", wrap), ("fill", fill), ("shorten", shorten), ("dedent", dedent), ("indent", indent)];
    for (name, f) in funcs {
        attrs.insert((*name).into(), native(name, *f));
    }
    attrs.insert("__name__".into(), Value::str("textwrap"));
    Ok(Value::Module(Rc::new(Module { name: "textwrap".into(), attrs: RefCell::new(attrs) })))
}

struct Wrapper {
    width: i64,
    initial_indent: String,
    subsequent_indent: String,
    expand_tabs: bool,
    replace_whitespace: bool,
    fix_sentence_endings: bool,
    break_long_words: bool,
    drop_whitespace: bool,
    break_on_hyphens: bool,
    tabsize: i64,
    max_lines: Option<i64>,
    placeholder: String,
}

impl Wrapper {
    fn from_kwargs(vm: &mut Vm, width: Option<Value>, kw: Vec<(Rc<str>, Value)>, fname: &str) -> PyResult<Wrapper> {
        let mut w = Wrapper {
            width: 70,
            initial_indent: String::new(),
            subsequent_indent: String::new(),
            expand_tabs: true,
            replace_whitespace: true,
            fix_sentence_endings: false,
            break_long_words: true,
            drop_whitespace: true,
            break_on_hyphens: true,
            tabsize: 8,
            max_lines: None,
            placeholder: " [...]".into(),
        };
        if let Some(v) = width {
            w.width = vm.index_of(&v)?;
        }
        let text_of = |v: &Value, what: &str| -> PyResult<String> {
            match v {
                Value::Str(s) => Ok(s.as_str().to_owned()),
                other => Err(PyErr::type_error(format!("{what} must be str, not {}", other.type_name()))),
            }
        };
        for (k, v) in kw {
            match &*k {
                "width" => w.width = vm.index_of(&v)?,
                "initial_indent" => w.initial_indent = text_of(&v, "initial_indent")?,
                "subsequent_indent" => w.subsequent_indent = text_of(&v, "subsequent_indent")?,
                "expand_tabs" => w.expand_tabs = vm.truthy(&v)?,
                "replace_whitespace" => w.replace_whitespace = vm.truthy(&v)?,
                "fix_sentence_endings" => w.fix_sentence_endings = vm.truthy(&v)?,
                "break_long_words" => w.break_long_words = vm.truthy(&v)?,
                "drop_whitespace" => w.drop_whitespace = vm.truthy(&v)?,
                "break_on_hyphens" => w.break_on_hyphens = vm.truthy(&v)?,
                "tabsize" => w.tabsize = vm.index_of(&v)?,
                "max_lines" => w.max_lines = if v.is_none() { None } else { Some(vm.index_of(&v)?) },
                "placeholder" => w.placeholder = text_of(&v, "placeholder")?,
                _ => {
                    return Err(PyErr::type_error(format!(
                        "{fname}() got an unexpected keyword argument '{k}'"
                    )))
                }
            }
        }
        Ok(w)
    }

    fn munge(&self, text: &str) -> String {
        let t = if self.expand_tabs { expandtabs(text, self.tabsize) } else { text.to_owned() };
        if self.replace_whitespace {
            t.chars().map(|c| if "\t\n\u{b}\u{c}\r".contains(c) { ' ' } else { c }).collect()
        } else {
            t
        }
    }

    fn split(&self, text: &str) -> Vec<String> {
        let re = if self.break_on_hyphens { &*WORDSEP } else { &*WORDSEP_SIMPLE };
        let mut chunks = Vec::new();
        let mut last = 0;
        if let Some(re) = re {
            for m in re.find_iter(text) {
                let Ok(m) = m else { break };
                if m.start() > last {
                    chunks.push(text[last..m.start()].to_owned());
                }
                if m.end() > m.start() {
                    chunks.push(m.as_str().to_owned());
                }
                last = m.end();
            }
        }
        if last < text.len() {
            chunks.push(text[last..].to_owned());
        }
        chunks
    }

    fn fix_endings(&self, chunks: &mut [String]) {
        // `sentence_end_re`: a lowercase letter, optional punctuation quote, then [.!?] and a
        // following chunk of exactly one space becomes two.
        let mut i = 0;
        while i + 1 < chunks.len() {
            let ends_sentence = {
                let c = &chunks[i];
                let trimmed = c.strip_suffix(['"', '\'']).unwrap_or(c);
                let mut cs = trimmed.chars().rev();
                matches!(cs.next(), Some('.' | '!' | '?')) && cs.next().is_some_and(|p| p.is_ascii_lowercase())
            };
            if chunks[i + 1] == " " && ends_sentence {
                chunks[i + 1] = "  ".into();
                i += 2;
            } else {
                i += 1;
            }
        }
    }

    fn wrap(&self, vm: &mut Vm, text: &str) -> PyResult<Vec<String>> {
        let text = self.munge(text);
        let mut chunks = self.split(&text);
        if self.fix_sentence_endings {
            self.fix_endings(&mut chunks);
        }
        self.wrap_chunks(vm, chunks)
    }

    fn wrap_chunks(&self, vm: &mut Vm, mut chunks: Vec<String>) -> PyResult<Vec<String>> {
        let len = |s: &str| s.chars().count() as i64;
        let blank = |s: &str| s.chars().all(is_space);
        let mut lines: Vec<String> = Vec::new();
        if self.width <= 0 {
            return Err(PyErr::value_error(format!("invalid width {} (must be > 0)", self.width)));
        }
        if let Some(max) = self.max_lines {
            let indent = if max > 1 { &self.subsequent_indent } else { &self.initial_indent };
            if len(indent) + len(self.placeholder.trim_start_matches(is_space)) > self.width {
                return Err(PyErr::value_error("placeholder too large for max width"));
            }
        }
        chunks.reverse();
        while !chunks.is_empty() {
            vm.tick()?;
            let mut cur_line: Vec<String> = Vec::new();
            let mut cur_len: i64 = 0;
            let indent = if lines.is_empty() { &self.initial_indent } else { &self.subsequent_indent };
            let width = self.width - len(indent);
            if self.drop_whitespace && chunks.last().is_some_and(|c| blank(c)) && !lines.is_empty() {
                chunks.pop();
            }
            while let Some(c) = chunks.last() {
                let l = len(c);
                if cur_len + l <= width {
                    cur_len += l;
                    if let Some(c) = chunks.pop() {
                        cur_line.push(c);
                    }
                } else {
                    break;
                }
            }
            if chunks.last().is_some_and(|c| len(c) > width) {
                self.handle_long_word(&mut chunks, &mut cur_line, cur_len, width);
                cur_len = cur_line.iter().map(|c| len(c)).sum();
            }
            if self.drop_whitespace && cur_line.last().is_some_and(|c| blank(c)) {
                if let Some(c) = cur_line.pop() {
                    cur_len -= len(&c);
                }
            }
            if cur_line.is_empty() {
                continue;
            }
            let fits = match self.max_lines {
                None => true,
                Some(max) => {
                    (lines.len() as i64) + 1 < max
                        || ((chunks.is_empty()
                            || (self.drop_whitespace && chunks.len() == 1 && blank(&chunks[0])))
                            && cur_len <= width)
                }
            };
            if fits {
                lines.push(format!("{indent}{}", cur_line.concat()));
                continue;
            }
            let mut placed = false;
            while let Some(last) = cur_line.last() {
                if !blank(last) && cur_len + len(&self.placeholder) <= width {
                    cur_line.push(self.placeholder.clone());
                    lines.push(format!("{indent}{}", cur_line.concat()));
                    placed = true;
                    break;
                }
                cur_len -= len(last);
                cur_line.pop();
            }
            if !placed {
                if let Some(prev) = lines.last() {
                    let prev_line = prev.trim_end_matches(is_space).to_owned();
                    if len(&prev_line) + len(&self.placeholder) <= self.width {
                        if let Some(l) = lines.last_mut() {
                            *l = format!("{prev_line}{}", self.placeholder);
                        }
                        break;
                    }
                }
                lines.push(format!("{indent}{}", self.placeholder.trim_start_matches(is_space)));
            }
            break;
        }
        Ok(lines)
    }

    fn handle_long_word(&self, chunks: &mut [String], cur_line: &mut Vec<String>, cur_len: i64, width: i64) {
        let space_left = if width < 1 { 1 } else { width - cur_len };
        let Some(chunk) = chunks.last_mut() else { return };
        if self.break_long_words {
            let chars: Vec<char> = chunk.chars().collect();
            let mut end = space_left.max(0) as usize;
            if self.break_on_hyphens && chars.len() > end {
                if let Some(h) = chars[..end.min(chars.len())].iter().rposition(|&c| c == '-') {
                    if h > 0 && chars[..h].iter().any(|&c| c != '-') {
                        end = h + 1;
                    }
                }
            }
            let end = end.min(chars.len());
            cur_line.push(chars[..end].iter().collect());
            *chunk = chars[end..].iter().collect();
        } else if cur_line.is_empty() {
            cur_line.push(std::mem::take(chunk));
        }
    }
}

/// `textwrap.TextWrapper.wordsep_re` and `wordsep_simple_re`, verbatim semantics.
static WORDSEP: std::sync::LazyLock<Option<Regex>> = std::sync::LazyLock::new(|| {
    let ws = r"[\t\n\x0b\x0c\r ]";
    let nws = r"[^\t\n\x0b\x0c\r ]";
    let wp = r#"[\w!"'&.,?]"#;
    let lt = r"[^\d\W]";
    let pat = format!(
        r"({ws}+|(?<={wp})-{{2,}}(?=\w)|{nws}+?(?:-(?:(?<={lt}{{2}}-)|(?<={lt}-{lt}-))(?={lt}-?{lt})|(?={ws}|\z)|(?<={wp})(?=-{{2,}}\w)))"
    );
    Regex::new(&pat).ok()
});

static WORDSEP_SIMPLE: std::sync::LazyLock<Option<Regex>> =
    std::sync::LazyLock::new(|| Regex::new(r"([\t\n\x0b\x0c\r ]+)").ok());

fn expandtabs(s: &str, tabsize: i64) -> String {
    let mut out = String::new();
    let mut col: i64 = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                if tabsize > 0 {
                    let n = tabsize - col % tabsize;
                    for _ in 0..n {
                        out.push(' ');
                    }
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

fn text_arg(v: Option<Value>, fname: &str) -> PyResult<String> {
    match v {
        Some(Value::Str(s)) => Ok(s.as_str().to_owned()),
        Some(other) => Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute 'expandtabs'",
            other.type_name()
        ))),
        None => Err(PyErr::type_error(format!("{fname}() missing 1 required positional argument: 'text'"))),
    }
}

fn split_args(args: Args, fname: &str) -> PyResult<(Option<Value>, Option<Value>, Vec<(Rc<str>, Value)>)> {
    let mut pos = args.pos.into_iter();
    let text = pos.next();
    let width = pos.next();
    if pos.next().is_some() {
        return Err(PyErr::type_error(format!("{fname}() takes from 1 to 2 positional arguments but more were given")));
    }
    let mut kw = Vec::new();
    let mut text = text;
    for (k, v) in args.kw {
        if &*k == "text" && text.is_none() {
            text = Some(v);
        } else {
            kw.push((k, v));
        }
    }
    Ok((text, width, kw))
}

fn wrap(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (text, width, kw) = split_args(args, "wrap")?;
    let text = text_arg(text, "wrap")?;
    let w = Wrapper::from_kwargs(vm, width, kw, "wrap")?;
    let lines = w.wrap(vm, &text)?;
    Ok(Value::list(lines.into_iter().map(Value::string).collect()))
}

fn fill(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (text, width, kw) = split_args(args, "fill")?;
    let text = text_arg(text, "fill")?;
    let w = Wrapper::from_kwargs(vm, width, kw, "fill")?;
    Ok(Value::string(w.wrap(vm, &text)?.join("\n")))
}

fn shorten(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (text, width, kw) = split_args(args, "shorten")?;
    let text = text_arg(text, "shorten")?;
    let Some(width) = width.or_else(|| kw.iter().find(|(k, _)| &**k == "width").map(|(_, v)| v.clone())) else {
        return Err(PyErr::type_error("shorten() missing 1 required positional argument: 'width'"));
    };
    let kw: Vec<(Rc<str>, Value)> = kw.into_iter().filter(|(k, _)| &**k != "width").collect();
    let mut w = Wrapper::from_kwargs(vm, Some(width), kw, "shorten")?;
    w.max_lines = Some(1);
    let joined: Vec<&str> = text.split(is_space).filter(|s| !s.is_empty()).collect();
    Ok(Value::string(w.wrap(vm, &joined.join(" "))?.join("\n")))
}

fn dedent(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let _ = vm;
    let [text] = args.bind("dedent", ["text"], 0, 1)?;
    let text = text_arg(text, "dedent")?;
    // Lines of only blanks and tabs are emptied; the margin is the common prefix of
    // the others' leading blanks and tabs.
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| if !l.is_empty() && l.chars().all(|c| c == ' ' || c == '\t') { String::new() } else { l.to_owned() })
        .collect();
    let mut margin: Option<String> = None;
    for l in &lines {
        let ind: String = l.chars().take_while(|&c| c == ' ' || c == '\t').collect();
        if ind.len() == l.len() {
            continue;
        }
        margin = Some(match margin {
            None => ind,
            Some(m) if ind.starts_with(&m) => m,
            Some(m) if m.starts_with(&ind) => ind,
            Some(m) => m.chars().zip(ind.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect(),
        });
    }
    let margin = margin.unwrap_or_default();
    let out: Vec<&str> = lines.iter().map(|l| l.strip_prefix(margin.as_str()).unwrap_or(l)).collect();
    Ok(Value::string(out.join("\n")))
}

/// `str.splitlines(keepends=True)`.
fn splitlines_keep(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let is_break = matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        if !is_break {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' {
            if let Some(&(j, '\n')) = it.peek() {
                end = j + 1;
                it.next();
            }
        }
        out.push(&s[start..end]);
        start = end;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn indent(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [text, prefix, predicate] = args.bind("indent", ["text", "prefix", "predicate"], 0, 2)?;
    let text = match text {
        Some(Value::Str(s)) => s,
        Some(other) => {
            return Err(PyErr::attribute_error(format!("'{}' object has no attribute 'splitlines'", other.type_name())))
        }
        None => return Err(PyErr::type_error("indent() missing 2 required positional arguments: 'text' and 'prefix'")),
    };
    let prefix = match prefix {
        Some(Value::Str(s)) => s,
        Some(other) => {
            return Err(PyErr::type_error(format!(
                "can only concatenate str (not \"{}\") to str",
                other.type_name()
            )))
        }
        None => return Err(PyErr::type_error("indent() missing 1 required positional argument: 'prefix'")),
    };
    let predicate = predicate.filter(|p| !p.is_none());
    let mut out = String::new();
    for line in splitlines_keep(text.as_str()) {
        vm.tick()?;
        let keep = match &predicate {
            Some(p) => {
                let r = vm.call1(p, Value::str(line))?;
                vm.truthy(&r)?
            }
            None => !line.chars().all(is_space),
        };
        if keep {
            out.push_str(prefix.as_str());
        }
        out.push_str(line);
    }
    Ok(Value::string(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordsep_splits_hyphenated_words() {
        let w = Wrapper {
            width: 70,
            initial_indent: String::new(),
            subsequent_indent: String::new(),
            expand_tabs: true,
            replace_whitespace: true,
            fix_sentence_endings: false,
            break_long_words: true,
            drop_whitespace: true,
            break_on_hyphens: true,
            tabsize: 8,
            max_lines: None,
            placeholder: " [...]".into(),
        };
        assert_eq!(w.split("well-known  fact"), ["well-", "known", "  ", "fact"]);
    }

    #[test]
    fn splitlines_keeps_crlf_together() {
        assert_eq!(splitlines_keep("a\r\nb\nc"), ["a\r\n", "b\n", "c"]);
    }
}
