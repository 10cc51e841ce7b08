//! Renders a syntax error for people and models, and the `check` entry points.
//!
//! The layout is CPython's (`File "NAME", line N`, the source line, carets) and the
//! last line is always exactly `SyntaxError: message` (or IndentationError/TabError),
//! which tools and the conformance scripts match on. `SyntaxDiagnostic` offers the
//! same error as a miette `Diagnostic` for a binary that renders with `fancy`.
//! Must never panic, whatever span the error carries.

use super::error::{LineIndex, SyntaxError};

/// The report for one error: header, source line with carets, then the message.
pub fn render(filename: &str, source: &str, err: &SyntaxError) -> String {
    let index = LineIndex::new(source);
    let start = (err.span.start as usize).min(source.len());
    let start = floor_char_boundary(source, start);
    let line = index.line(start as u32);
    let range = index.line_range(source, line);
    let mut out = format!("  File \"{filename}\", line {line}\n");
    let text = source.get(range.clone()).unwrap_or("");
    let trimmed = text.trim_start();
    if !trimmed.trim_end().is_empty() {
        let indent = text.len() - trimmed.len();
        out.push_str("    ");
        out.push_str(trimmed.trim_end());
        out.push('\n');
        let col = start.saturating_sub(range.start).saturating_sub(indent);
        let before = trimmed.get(..col.min(trimmed.len())).unwrap_or("");
        let end = (err.span.end as usize).clamp(start, range.end.max(start));
        let width = source
            .get(start..end)
            .map_or(1, |s| s.chars().count())
            .max(1);
        out.push_str("    ");
        out.push_str(&" ".repeat(before.chars().count()));
        out.push_str(&"^".repeat(width));
        out.push('\n');
    }
    out.push_str(err.kind.name());
    out.push_str(": ");
    out.push_str(&err.message);
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Parses `source`; on a syntax error returns the rendered report.
pub fn check_source(filename: &str, source: &str) -> Result<(), String> {
    match super::parse(source) {
        Ok(_) => Ok(()),
        Err(e) => Err(render(filename, source, &e)),
    }
}

/// Reads and parses a file as CPython would: bytes that are not UTF-8 are an error
/// worded as CPython's tokenizer words it. Returns the rendered report on failure.
pub fn check_file(path: &std::path::Path) -> Result<(), String> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| format!("garter: can't open file '{name}': {e}"))?;
    let source = decode_source(&name, &bytes)?;
    check_source(&name, &source)
}

/// Source bytes to text: UTF-8 (with an optional BOM) or CPython's error.
pub fn decode_source(name: &str, bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let byte = bytes.get(at).copied().unwrap_or(0);
            Err(format!(
                "  File \"{name}\", line {line}\nSyntaxError: Non-UTF-8 code starting with '\\x{byte:02x}' in file {name} on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details"
            ))
        }
    }
}

/// A syntax error with its source, for miette's report handlers.
#[derive(Debug)]
pub struct SyntaxDiagnostic {
    pub error: SyntaxError,
    pub src: miette::NamedSource<String>,
}

impl std::fmt::Display for SyntaxDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error.kind.name(), self.error.message)
    }
}

impl std::error::Error for SyntaxDiagnostic {}

impl miette::Diagnostic for SyntaxDiagnostic {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let s = self.error.span;
        let len = (s.end.saturating_sub(s.start)) as usize;
        Some(Box::new(std::iter::once(miette::LabeledSpan::new(
            Some("here".into()),
            s.start as usize,
            len,
        ))))
    }
}
