//! Rendering of syntax errors for the terminal (replaced by the front end's own).
use super::{LineIndex, SyntaxError};

pub fn render(filename: &str, source: &str, e: &SyntaxError) -> String {
    let idx = LineIndex::new(source);
    let (line, col) = idx.line_col(e.span.start.min(source.len() as u32));
    let text = &source[idx.line_range(source, line)];
    format!(
        "  File \"{filename}\", line {line}\n    {}\n    {}^\n{}: {}\n",
        text.trim_end(),
        " ".repeat(col.saturating_sub(1)),
        e.kind.name(),
        e.message
    )
}
