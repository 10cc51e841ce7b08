//! Finding the code in a model answer: every `<open>...<close>` block (joined),
//! else markdown python/py fences, else the whole text when it parses as Python.
//! Pure text work: it never runs anything.

/// The code of `text`, or `None` when there is none.
pub fn extract_code(text: &str, open: &str, close: &str) -> Option<String> {
    let tagged: Vec<String> = blocks(text, open, close).iter().map(|b| b.trim_matches('\n').to_owned()).collect();
    if !tagged.is_empty() {
        return Some(tagged.join("\n\n"));
    }
    let mut fenced = Vec::new();
    for opener in ["```python", "```py"] {
        for b in blocks(text, opener, "```") {
            // "```python" also starts with "```py": keep what follows the word only
            // when it is the end of the fence's first line.
            if let Some(rest) = b.split_once('\n').filter(|(first, _)| first.trim().is_empty()).map(|(_, r)| r) {
                fenced.push(rest.trim_end_matches('\n').to_owned());
            }
        }
        if !fenced.is_empty() {
            break;
        }
    }
    if !fenced.is_empty() {
        return Some(fenced.join("\n\n"));
    }
    let t = text.trim();
    if !t.is_empty() && crate::syntax::parse(t).is_ok() {
        return Some(t.to_owned());
    }
    None
}

fn blocks(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        match after.find(close) {
            Some(j) => {
                out.push(after[..j].to_owned());
                rest = &after[j + close.len()..];
            }
            None => break,
        }
    }
    out
}

/// The thought: the text before the first code block, without a `Thought:` label.
pub fn thought(text: &str, open: &str) -> String {
    let head = text.split(open).next().unwrap_or(text);
    let head = head.split("```").next().unwrap_or(head).trim();
    head.strip_prefix("Thought:").unwrap_or(head).trim().to_owned()
}

/// Puts back a closing tag that a stop sequence removed, so the history shows
/// the model where it should stop.
pub fn close_open_block(text: &mut String, open: &str, close: &str) {
    if let Some(i) = text.rfind(open) {
        if !text[i..].contains(close) {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(close);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_fences_and_bare_code() {
        assert_eq!(extract_code("Thought: x\n<code>\na = 1\n</code>", "<code>", "</code>").as_deref(), Some("a = 1"));
        assert_eq!(
            extract_code("<code>a = 1</code> and <code>b = 2</code>", "<code>", "</code>").as_deref(),
            Some("a = 1\n\nb = 2")
        );
        assert_eq!(extract_code("ok\n```python\nprint(1)\n```\n", "<code>", "</code>").as_deref(), Some("print(1)"));
        assert_eq!(extract_code("ok\n```py\nprint(2)\n```", "<code>", "</code>").as_deref(), Some("print(2)"));
        assert_eq!(extract_code("print(3)", "<code>", "</code>").as_deref(), Some("print(3)"));
        assert_eq!(extract_code("I think the answer is 4.", "<code>", "</code>"), None);
    }

    #[test]
    fn thought_and_reclosing() {
        assert_eq!(thought("Thought: find it\n<code>x</code>", "<code>"), "find it");
        let mut t = "T\n<code>\nx = 1".to_owned();
        close_open_block(&mut t, "<code>", "</code>");
        assert_eq!(t, "T\n<code>\nx = 1\n</code>");
        let mut t = "<code>x</code>".to_owned();
        close_open_block(&mut t, "<code>", "</code>");
        assert_eq!(t, "<code>x</code>");
    }
}
