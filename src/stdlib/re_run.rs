//! A fast path of `re` for the commonest patterns: one character class repeated
//! with a greedy `+` (`\d+`, `\w+`, `\S+`, `[a-z0-9_]+`, `.+`) on an all-ASCII
//! haystack. Such a match is a maximal run of bytes in the class, found by a scan
//! instead of a trip through the engine (whose fixed cost per search is many times
//! the scan's on short log lines).
//!
//! It must never change a result: `class_run` accepts only patterns it fully
//! understands and answers `None` for anything else (the engine then runs as
//! before), and the scan is used only when every haystack byte is ASCII, where a
//! class is exactly its set of bytes below 128.

use super::re_syntax::{ASCII, DOTALL, IGNORECASE, LOCALE, VERBOSE};

/// Bytes below 128 as bits.
pub type ByteSet = u128;

const ALL: ByteSet = u128::MAX;

fn range(lo: u8, hi: u8) -> ByteSet {
    (lo..=hi).fold(0, |s, b| s | (1u128 << b))
}

fn one(b: u8) -> ByteSet {
    1u128 << b
}

/// The ASCII part of `\d`, `\w`, `\s` and their negations, as Python matches them
/// on str (Unicode `\s` also holds U+001C..U+001F; with ASCII it does not).
fn escape_class(c: char, ascii_flag: bool) -> Option<ByteSet> {
    let digits = range(b'0', b'9');
    let word = digits | range(b'a', b'z') | range(b'A', b'Z') | one(b'_');
    let mut space = range(b'\t', b'\r') | one(b' ');
    if !ascii_flag {
        space |= range(0x1c, 0x1f);
    }
    Some(match c {
        'd' => digits,
        'D' => !digits,
        'w' => word,
        'W' => !word,
        's' => space,
        'S' => !space,
        _ => return None,
    })
}

/// A single character a class may hold literally: printable ASCII other than the
/// class's own syntax.
fn plain(c: char) -> Option<u8> {
    (c.is_ascii_graphic() || c == ' ')
        .then_some(c as u8)
        .filter(|b| !matches!(b, b'\\' | b'[' | b']'))
}

/// `\` followed by `c` inside a class, when it is one character.
fn escaped_char(c: char) -> Option<u8> {
    match c {
        'n' => Some(b'\n'),
        't' => Some(b'\t'),
        'r' => Some(b'\r'),
        'f' => Some(0x0c),
        'v' => Some(0x0b),
        c if c.is_ascii_punctuation() => Some(c as u8),
        _ => None,
    }
}

/// The byte set of `[...]` (the text after `[` up to and without `]`), or `None`
/// when it holds anything beyond literals, simple ranges and `\d`-style escapes.
fn bracket(body: &[char], ascii_flag: bool) -> Option<ByteSet> {
    let (negate, body) = match body.first() {
        Some('^') => (true, &body[1..]),
        _ => (false, body),
    };
    if body.is_empty() {
        return None;
    }
    let mut set: ByteSet = 0;
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c == '\\' {
            let e = *body.get(i + 1)?;
            if let Some(s) = escape_class(e, ascii_flag) {
                set |= s;
            } else {
                set |= one(escaped_char(e)?);
            }
            i += 2;
            continue;
        }
        let lo = plain(c)?;
        // `-` between two plain characters is a range; first or last it is itself.
        if body.get(i + 1) == Some(&'-') && i + 2 < body.len() {
            let hi = plain(body[i + 2])?;
            if body[i + 2] == '-' || lo > hi {
                return None;
            }
            set |= range(lo, hi);
            i += 3;
            continue;
        }
        // A `-` that is neither first nor last, and not a range: leave it to the engine.
        if c == '-' && i != 0 && i + 1 != body.len() {
            return None;
        }
        set |= one(lo);
        i += 1;
    }
    Some(if negate { !set } else { set })
}

/// The class of a pattern that is exactly one class with a greedy `+`.
pub fn class_run(pattern: &str, flags: i64) -> Option<ByteSet> {
    if flags & (IGNORECASE | VERBOSE | LOCALE) != 0 {
        return None;
    }
    let ascii_flag = flags & ASCII != 0;
    let chars: Vec<char> = pattern.chars().collect();
    let (&last, atom) = chars.split_last()?;
    if last != '+' {
        return None;
    }
    match atom {
        ['.'] if flags & DOTALL != 0 => Some(ALL),
        ['.'] => Some(!one(b'\n')),
        ['\\', e] => escape_class(*e, ascii_flag),
        ['[', body @ .., ']'] => {
            // A `]` inside means the class ended earlier: not one class.
            if body.contains(&']') || body.contains(&'[') {
                return None;
            }
            bracket(body, ascii_flag)
        }
        _ => None,
    }
}

fn has(set: ByteSet, b: u8) -> bool {
    b < 128 && set & (1u128 << b) != 0
}

/// The run's match in `hay` (all ASCII) from byte `start`: anywhere at or after it
/// (`anchored` false), or starting exactly there; `full` also needs it to reach the end.
pub fn find(set: ByteSet, hay: &[u8], start: usize, anchored: bool, full: bool) -> Option<(usize, usize)> {
    let rest = hay.get(start..)?;
    let s = if anchored {
        if !rest.first().is_some_and(|&b| has(set, b)) {
            return None;
        }
        start
    } else {
        start + rest.iter().position(|&b| has(set, b))?
    };
    let e = s + hay[s..].iter().position(|&b| !has(set, b)).unwrap_or(hay.len() - s);
    if full && e != hay.len() {
        return None;
    }
    Some((s, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(set: ByteSet) -> String {
        (0u8..128).filter(|&b| has(set, b)).map(char::from).collect()
    }

    #[test]
    fn accepts_single_class_plus_only() {
        assert_eq!(members(class_run(r"\d+", 0).unwrap()), "0123456789");
        assert_eq!(members(class_run(r"[a-c_]+", 0).unwrap()), "_abc");
        assert_eq!(members(class_run(r"[-a]+", 0).unwrap()), "-a");
        assert_eq!(members(class_run(r"[a-]+", 0).unwrap()), "-a");
        assert_eq!(members(class_run(r"[\d.]+", 0).unwrap()), ".0123456789");
        for p in [r"\d", r"\d+?", r"\d++", r"\d*", r"a+", r"[]a]+", r"[a]b]+", r"[[a]+", r"[z-a]+", r"[a-\d]+", r"[]+", r"\b+", r"(\d)+", r"[a-b-c]+", r"[\x41]+"] {
            assert_eq!(class_run(p, 0), None, "{p}");
        }
        assert_eq!(class_run(r"\d+", IGNORECASE), None);
        assert_eq!(class_run(r"\d+", VERBOSE), None);
    }

    #[test]
    fn spaces_follow_the_ascii_flag() {
        assert!(has(class_run(r"\s+", 0).unwrap(), 0x1c));
        assert!(!has(class_run(r"\s+", ASCII).unwrap(), 0x1c));
        assert!(has(class_run(r"\S+", ASCII).unwrap(), 0x1c));
        assert!(!has(class_run(r".+", 0).unwrap(), b'\n'));
        assert!(has(class_run(r".+", DOTALL).unwrap(), b'\n'));
        assert!(has(class_run(r"[^a]+", 0).unwrap(), b'\n'));
    }

    #[test]
    fn finds_maximal_runs() {
        let set = class_run(r"\d+", 0).unwrap();
        let h = b"ab12c345";
        assert_eq!(find(set, h, 0, false, false), Some((2, 4)));
        assert_eq!(find(set, h, 3, false, false), Some((3, 4)));
        assert_eq!(find(set, h, 4, false, false), Some((5, 8)));
        assert_eq!(find(set, h, 8, false, false), None);
        assert_eq!(find(set, h, 9, false, false), None);
        assert_eq!(find(set, h, 0, true, false), None);
        assert_eq!(find(set, h, 5, true, true), Some((5, 8)));
        assert_eq!(find(set, h, 2, true, true), None);
    }
}
