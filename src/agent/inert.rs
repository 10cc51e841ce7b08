//! Text from the model, the code or a tool, made inert for a terminal: ANSI
//! escape sequences (CSI, OSC, other ESC sequences) are removed whole, and any
//! other control or bidirectional-override character is shown escaped, so that
//! nothing the model or a tool writes can move the cursor, retitle the window,
//! hide text or reorder what the user reads. Pure text work.

/// `s` with escape sequences removed and other control characters shown as `\u{..}`.
/// Newline and tab are kept.
pub fn inert(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek().copied() {
                // CSI: parameters and intermediates, then one final byte in @..~.
                Some('[') => {
                    chars.next();
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \).
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    while let Some(d) = chars.next() {
                        if d == '\u{7}' {
                            break;
                        }
                        if d == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                // A two-character sequence (ESC c, ESC 7...).
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            // C1 CSI/OSC introducers, same treatment.
            '\u{9b}' => {
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn sequences_go_and_controls_show() {
        assert_eq!(inert("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(inert("\u{1b}]0;title\u{7}x"), "x");
        assert_eq!(inert("\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\"), "link");
        assert_eq!(inert("\u{1b}cz"), "z");
        assert_eq!(inert("tab\tnl\ncr\rbell\u{7}"), "tab\tnl\ncr\\u{d}bell\\u{7}");
        assert_eq!(inert("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(inert("trailing\u{1b}"), "trailing");
        assert!(!inert("\u{9b}2J\u{1b}[").contains('\u{1b}'));
    }
}
