//! Python regular-expression syntax translated to fancy-regex syntax, with the
//! errors CPython's `re._parser` gives (message and code-point position).
//!
//! Pure text-to-text: no machine, no values. It must never panic on any pattern;
//! everything it does not understand is an error, never passed through blindly,
//! because the two dialects give different meanings to the same text (`[[]`,
//! `{`, `$`, `\Z`, octal escapes, verbose whitespace inside classes...).

/// CPython's flag values.
pub const IGNORECASE: i64 = 2;
pub const LOCALE: i64 = 4;
pub const MULTILINE: i64 = 8;
pub const DOTALL: i64 = 16;
pub const UNICODE: i64 = 32;
pub const VERBOSE: i64 = 64;
pub const DEBUG: i64 = 128;
pub const ASCII: i64 = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub msg: String,
    /// Code-point position in the pattern, when CPython reports one.
    pub pos: Option<usize>,
}

/// The translation of one pattern.
#[derive(Debug, Clone)]
pub struct Translated {
    /// fancy-regex text where Python's `$` (without MULTILINE) means "end of text".
    pub body_z: String,
    /// The same where `$` also matches before a final newline.
    pub body_nl: String,
    pub has_dollar: bool,
    /// Flags after inline flags are applied (UNICODE added unless ASCII).
    pub flags: i64,
    pub groups: usize,
    /// (name, group number) in definition order.
    pub names: Vec<(String, usize)>,
    /// For each group number (1-based, index 0 unused), its rank in closing order.
    pub close_rank: Vec<usize>,
    /// `(body_z, body_nl)` for a haystack that is all ASCII, when that differs: Unicode
    /// `\d`, `\w`, `\s` and their negations become ASCII classes there, which match the
    /// same on ASCII text and give the engine far smaller automata.
    pub ascii_bodies: Option<(String, String)>,
}

pub fn translate(pattern: &str, flags: i64) -> Result<Translated, SyntaxError> {
    let mut t = Tr::new(pattern, flags);
    t.run()?;
    let body_z = t.out.concat_with(false, false);
    let body_nl = t.out.concat_with(true, false);
    let ascii_bodies = t.out.has_alt.then(|| (t.out.concat_with(false, true), t.out.concat_with(true, true)));
    let mut flags = t.flags;
    if flags & ASCII == 0 {
        flags |= UNICODE;
    }
    let mut close_rank = vec![0; t.groups + 1];
    for (rank, g) in t.close_order.iter().enumerate() {
        if let Some(slot) = close_rank.get_mut(*g) {
            *slot = rank;
        }
    }
    Ok(Translated { body_z, body_nl, has_dollar: t.out.has_dollar, flags, groups: t.groups, names: t.names, close_rank, ascii_bodies })
}

/// Output pieces: text, and Python's `$` whose form depends on the haystack.
#[derive(Default)]
struct Out {
    parts: Vec<Piece>,
    has_dollar: bool,
    has_alt: bool,
}

enum Piece {
    Text(String),
    Dollar,
    /// Text for any haystack, and text for an all-ASCII haystack.
    Alt(String, String),
}

impl Out {
    fn push(&mut self, s: &str) {
        match self.parts.last_mut() {
            Some(Piece::Text(t)) => t.push_str(s),
            _ => self.parts.push(Piece::Text(s.to_owned())),
        }
    }

    fn push_alt(&mut self, any: &str, ascii: &str) {
        if any == ascii {
            return self.push(any);
        }
        self.has_alt = true;
        self.parts.push(Piece::Alt(any.to_owned(), ascii.to_owned()));
    }

    fn dollar(&mut self) {
        self.has_dollar = true;
        self.parts.push(Piece::Dollar);
    }

    fn concat_with(&self, nl: bool, ascii: bool) -> String {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Piece::Text(t) => s.push_str(t),
                Piece::Alt(t, _) if !ascii => s.push_str(t),
                Piece::Alt(_, t) => s.push_str(t),
                Piece::Dollar if nl => s.push_str(r"(?:\z|(?=\n\z))"),
                Piece::Dollar => s.push_str(r"\z"),
            }
        }
        s
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    /// Start, after `|` or `(`: a quantifier here has nothing to repeat.
    Empty,
    /// After an assertion (`^`, `\b`): not repeatable either.
    Assertion,
    Atom,
    Repeated,
}

struct Group {
    number: Option<usize>,
    open_pos: usize,
    verbose_before: bool,
}

struct Tr {
    p: Vec<char>,
    i: usize,
    out: Out,
    flags: i64,
    groups: usize,
    names: Vec<(String, usize)>,
    stack: Vec<Group>,
    open: Vec<usize>,
    close_order: Vec<usize>,
    state: State,
    /// Whether anything but global flags has been seen (they must come first).
    started: bool,
}

fn err<T>(msg: impl Into<String>, pos: usize) -> Result<T, SyntaxError> {
    Err(SyntaxError { msg: msg.into(), pos: Some(pos) })
}

fn lit_escape(c: char) -> String {
    if c.is_ascii_alphanumeric() || c == '_' || (!c.is_ascii() && !c.is_whitespace() && !c.is_control()) {
        c.to_string()
    } else {
        format!("\\x{{{:x}}}", c as u32)
    }
}

impl Tr {
    fn new(pattern: &str, flags: i64) -> Tr {
        Tr {
            p: pattern.chars().collect(),
            i: 0,
            out: Out::default(),
            flags,
            groups: 0,
            names: Vec::new(),
            stack: Vec::new(),
            open: Vec::new(),
            close_order: Vec::new(),
            state: State::Empty,
            started: false,
        }
    }

    fn verbose(&self) -> bool {
        self.flags & VERBOSE != 0
    }

    fn ascii(&self) -> bool {
        self.flags & ASCII != 0
    }

    fn peek(&self) -> Option<char> {
        self.p.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<char> {
        self.p.get(self.i + k).copied()
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        if self.flags & LOCALE != 0 {
            return Err(SyntaxError { msg: "cannot use LOCALE flag with a str pattern".into(), pos: None });
        }
        if self.flags & ASCII != 0 && self.flags & UNICODE != 0 {
            return Err(SyntaxError { msg: "ASCII and UNICODE flags are incompatible".into(), pos: None });
        }
        let mut prefix = String::new();
        // Global flags are applied once known, at the front.
        while let Some(c) = self.peek() {
            if self.verbose() {
                if c.is_whitespace() {
                    self.i += 1;
                    continue;
                }
                if c == '#' {
                    while let Some(c) = self.peek() {
                        self.i += 1;
                        if c == '\n' {
                            break;
                        }
                    }
                    continue;
                }
            }
            let start = self.i;
            self.i += 1;
            if c != '(' || self.peek() != Some('?') {
                self.started = true;
            }
            match c {
                '\\' => self.escape(start)?,
                '[' => self.class(start)?,
                '(' => self.open_group(start)?,
                ')' => self.close_group(start)?,
                '|' => {
                    self.out.push("|");
                    self.state = State::Empty;
                }
                '.' => self.atom("."),
                '^' => {
                    self.out.push(if self.flags & MULTILINE != 0 { "(?m:^)" } else { r"\A" });
                    self.state = State::Assertion;
                }
                '$' => {
                    if self.flags & MULTILINE != 0 {
                        self.out.push("(?m:$)");
                    } else {
                        self.out.dollar();
                    }
                    self.state = State::Assertion;
                }
                '*' | '+' | '?' => self.quantifier(start, c.to_string())?,
                '{' => match self.brace_quantifier()? {
                    Some(q) => self.quantifier(start, q)?,
                    None => {
                        self.i = start + 1;
                        self.atom(r"\{");
                    }
                },
                c => self.atom(&lit_escape(c)),
            }
        }
        if let Some(g) = self.stack.last() {
            return err("missing ), unterminated subpattern", g.open_pos);
        }
        if self.flags & IGNORECASE != 0 {
            prefix.push_str("(?i)");
        }
        if self.flags & DOTALL != 0 {
            prefix.push_str("(?s)");
        }
        if !prefix.is_empty() {
            self.out.parts.insert(0, Piece::Text(prefix));
        }
        Ok(())
    }

    fn atom(&mut self, s: &str) {
        self.out.push(s);
        self.state = State::Atom;
    }

    fn atom_alt(&mut self, any: &str, ascii: &str) {
        self.out.push_alt(any, ascii);
        self.state = State::Atom;
    }

    fn quantifier(&mut self, start: usize, q: String) -> Result<(), SyntaxError> {
        match self.state {
            State::Empty | State::Assertion => return err("nothing to repeat", start),
            State::Repeated => return err("multiple repeat", start),
            State::Atom => {}
        }
        self.out.push(&q);
        // A lazy `?` or a possessive `+` may follow once.
        if let Some(m @ ('?' | '+')) = self.peek() {
            self.i += 1;
            self.out.push(&m.to_string());
        }
        self.state = State::Repeated;
        Ok(())
    }

    /// After `{`: a repeat count, or None when the brace is a literal.
    fn brace_quantifier(&mut self) -> Result<Option<String>, SyntaxError> {
        let start = self.i - 1;
        let mut lo = String::new();
        let mut hi = String::new();
        let mut comma = false;
        loop {
            match self.peek() {
                Some(d) if d.is_ascii_digit() => {
                    if comma {
                        hi.push(d)
                    } else {
                        lo.push(d)
                    }
                }
                Some(',') if !comma => comma = true,
                Some('}') => {
                    self.i += 1;
                    break;
                }
                _ => return Ok(None),
            }
            self.i += 1;
        }
        let lo_n: u64 = if lo.is_empty() { 0 } else { lo.parse().unwrap_or(u64::MAX) };
        if !comma {
            if lo.is_empty() {
                return Ok(None);
            }
            if lo_n >= 4294967295 {
                return err("the repetition number is too large", start + 1);
            }
            return Ok(Some(format!("{{{lo_n}}}")));
        }
        if hi.is_empty() {
            return Ok(Some(format!("{{{lo_n},}}")));
        }
        let hi_n: u64 = hi.parse().unwrap_or(u64::MAX);
        if hi_n < lo_n {
            return err("min repeat greater than max repeat", start + 1);
        }
        if hi_n >= 4294967295 {
            return err("the repetition number is too large", start + 1);
        }
        Ok(Some(format!("{{{lo_n},{hi_n}}}")))
    }

    /// The class for `\d` and friends: (any haystack, all-ASCII haystack).
    fn digit_class(&self, c: char) -> Option<(&'static str, &'static str)> {
        let a = self.ascii();
        let same = |s| (s, s);
        Some(match c {
            'd' if a => same("[0-9]"),
            'D' if a => same("[^0-9]"),
            'w' if a => same("[0-9A-Za-z_]"),
            'W' if a => same("[^0-9A-Za-z_]"),
            's' if a => same(r"[\t\n\x0b\x0c\r ]"),
            'S' if a => same(r"[^\t\n\x0b\x0c\r ]"),
            'd' => (r"\d", "[0-9]"),
            'D' => (r"\D", "[^0-9]"),
            'w' => (r"\w", "[0-9A-Za-z_]"),
            'W' => (r"\W", "[^0-9A-Za-z_]"),
            's' => (r"[\s\x1c-\x1f]", r"[\t\n\x0b\x0c\r \x1c-\x1f]"),
            'S' => (r"[^\s\x1c-\x1f]", r"[^\t\n\x0b\x0c\r \x1c-\x1f]"),
            _ => return None,
        })
    }

    /// `\x..`, `\u....`, `\U........`, `\N{...}`, octal and single-letter escapes
    /// that stand for one character.
    fn char_escape(&mut self, start: usize, c: char, in_class: bool) -> Result<Option<char>, SyntaxError> {
        let hex = |t: &mut Tr, n: usize, letter: char| -> Result<char, SyntaxError> {
            let mut s = String::new();
            for _ in 0..n {
                match t.peek() {
                    Some(h) if h.is_ascii_hexdigit() => {
                        s.push(h);
                        t.i += 1;
                    }
                    _ => return err(format!("incomplete escape \\{letter}{s}"), start),
                }
            }
            let v = u32::from_str_radix(&s, 16).unwrap_or(u32::MAX);
            match char::from_u32(v) {
                Some(ch) => Ok(ch),
                None if (0xd800..0xe000).contains(&v) => Ok('\u{fffd}'),
                None => err(format!("bad escape \\{letter}{s}"), start),
            }
        };
        Ok(Some(match c {
            'a' => '\u{7}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            'b' if in_class => '\u{8}',
            'x' => hex(self, 2, 'x')?,
            'u' => hex(self, 4, 'u')?,
            'U' => hex(self, 8, 'U')?,
            'N' => {
                if self.peek() != Some('{') {
                    return err("missing {", self.i);
                }
                self.i += 1;
                let name_start = self.i;
                while let Some(ch) = self.peek() {
                    if ch == '}' {
                        break;
                    }
                    self.i += 1;
                }
                if self.peek() != Some('}') {
                    return err("missing }, unterminated name", name_start);
                }
                let name: String = self.p[name_start..self.i].iter().collect();
                self.i += 1;
                match unicode_names2::character(&name) {
                    Some(ch) if !name.is_empty() => ch,
                    _ => return err(format!("undefined character name '{name}'"), start),
                }
            }
            '0' => {
                let mut v = 0u32;
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ '0'..='7') => {
                            v = v * 8 + (d as u32 - '0' as u32);
                            self.i += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(v).unwrap_or('\0')
            }
            '1'..='7' if in_class => self.octal_rest(start, c)?,
            '1'..='9' if !in_class => {
                if let (Some(d1 @ '0'..='7'), Some(d2 @ '0'..='7')) = (self.peek(), self.at(1)) {
                    if c <= '7' {
                        self.i += 2;
                        let v = (c as u32 - 48) * 64 + (d1 as u32 - 48) * 8 + (d2 as u32 - 48);
                        if v > 0o377 {
                            return err(format!("octal escape value \\{c}{d1}{d2} outside of range 0-0o377"), start);
                        }
                        return Ok(char::from_u32(v));
                    }
                }
                return Ok(None);
            }
            _ => return Ok(None),
        }))
    }

    fn octal_rest(&mut self, start: usize, c: char) -> Result<char, SyntaxError> {
        let mut v = c as u32 - 48;
        let mut digits = c.to_string();
        for _ in 0..2 {
            match self.peek() {
                Some(d @ '0'..='7') => {
                    v = v * 8 + (d as u32 - 48);
                    digits.push(d);
                    self.i += 1;
                }
                _ => break,
            }
        }
        if v > 0o377 {
            return err(format!("octal escape value \\{digits} outside of range 0-0o377"), start);
        }
        Ok(char::from_u32(v).unwrap_or('\0'))
    }

    fn escape(&mut self, start: usize) -> Result<(), SyntaxError> {
        let Some(c) = self.peek() else {
            return err("bad escape (end of pattern)", start);
        };
        self.i += 1;
        match c {
            'A' => {
                self.out.push(r"\A");
                self.state = State::Assertion;
                return Ok(());
            }
            'Z' => {
                self.out.push(r"\z");
                self.state = State::Assertion;
                return Ok(());
            }
            'b' | 'B' => {
                self.out.push(if c == 'b' { r"\b" } else { r"\B" });
                self.state = State::Assertion;
                return Ok(());
            }
            _ => {}
        }
        if let Some((any, ascii)) = self.digit_class(c) {
            self.atom_alt(any, ascii);
            return Ok(());
        }
        if let Some(ch) = self.char_escape(start, c, false)? {
            self.atom(&lit_escape(ch));
            return Ok(());
        }
        if c.is_ascii_digit() {
            // A group reference: one or two digits.
            let mut n = c as usize - 48;
            if let Some(d) = self.peek().filter(char::is_ascii_digit) {
                n = n * 10 + (d as usize - 48);
                self.i += 1;
            }
            return self.backref(n, start);
        }
        if c.is_ascii_alphabetic() {
            return err(format!("bad escape \\{c}"), start);
        }
        self.atom(&lit_escape(c));
        Ok(())
    }

    fn backref(&mut self, n: usize, start: usize) -> Result<(), SyntaxError> {
        if n > self.groups || n == 0 {
            return err(format!("invalid group reference {n}"), start + 1);
        }
        if self.open.contains(&n) {
            return err("cannot refer to an open group", start);
        }
        self.atom(&format!("(?:\\{n})"));
        Ok(())
    }

    fn class(&mut self, start: usize) -> Result<(), SyntaxError> {
        // `s` for any haystack, `sa` for an all-ASCII one (see `Translated::ascii_bodies`).
        let mut s = String::from("[");
        if self.peek() == Some('^') {
            self.i += 1;
            s.push('^');
        }
        let mut sa = s.clone();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return err("unterminated character set", start);
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            let item_start = self.i;
            let lo = self.class_item()?;
            if self.peek() == Some('-') && self.at(1).is_some_and(|n| n != ']') {
                self.i += 1;
                let hi = self.class_item()?;
                match (lo, hi) {
                    (ClassItem::Char(a), ClassItem::Char(b)) => {
                        if b < a {
                            let text: String = self.p[item_start..self.i].iter().collect();
                            return err(format!("bad character range {text}"), item_start);
                        }
                        let r = format!("\\x{{{:x}}}-\\x{{{:x}}}", a as u32, b as u32);
                        s.push_str(&r);
                        sa.push_str(&r);
                    }
                    _ => {
                        let text: String = self.p[item_start..self.i].iter().collect();
                        return err(format!("bad character range {text}"), item_start);
                    }
                }
                continue;
            }
            match lo {
                ClassItem::Char(a) => {
                    let r = format!("\\x{{{:x}}}", a as u32);
                    s.push_str(&r);
                    sa.push_str(&r);
                }
                ClassItem::Set(set, ascii) => {
                    s.push_str(set);
                    sa.push_str(ascii);
                }
            }
        }
        if s == "[" {
            // `[]` cannot happen (a first `]` is literal); keep the engine's syntax valid anyway.
            s.push_str(r"\x{0}&&[^\x{0}]");
            sa.push_str(r"\x{0}&&[^\x{0}]");
        }
        s.push(']');
        sa.push(']');
        self.atom_alt(&s, &sa);
        Ok(())
    }

    fn class_item(&mut self) -> Result<ClassItem, SyntaxError> {
        let start = self.i;
        let Some(c) = self.peek() else {
            return err("unterminated character set", start);
        };
        self.i += 1;
        if c != '\\' {
            return Ok(ClassItem::Char(c));
        }
        let Some(e) = self.peek() else {
            return err("unterminated character set", start);
        };
        self.i += 1;
        // (any haystack, all-ASCII haystack): the second matches as the first on ASCII text.
        let set = match (e, self.ascii()) {
            ('d', true) => Some(("0-9", "0-9")),
            ('w', true) => Some(("0-9A-Za-z_", "0-9A-Za-z_")),
            ('s', true) => Some((r"\t\n\x0b\x0c\r ", r"\t\n\x0b\x0c\r ")),
            ('D', true) => Some(("[^0-9]", "[^0-9]")),
            ('W', true) => Some(("[^0-9A-Za-z_]", "[^0-9A-Za-z_]")),
            ('S', true) => Some((r"[^\t\n\x0b\x0c\r ]", r"[^\t\n\x0b\x0c\r ]")),
            ('d', false) => Some((r"\d", "0-9")),
            ('w', false) => Some((r"\w", "0-9A-Za-z_")),
            ('s', false) => Some((r"\s\x1c-\x1f", r"\t\n\x0b\x0c\r \x1c-\x1f")),
            ('D', false) => Some((r"\D", "[^0-9]")),
            ('W', false) => Some((r"\W", "[^0-9A-Za-z_]")),
            // Python's `\s` also has \x1c-\x1f, which Rust's `\S` would let through.
            ('S', false) => Some((r"[^\s\x1c-\x1f]", r"[^\t\n\x0b\x0c\r \x1c-\x1f]")),
            _ => None,
        };
        if let Some((set, ascii)) = set {
            return Ok(ClassItem::Set(set, ascii));
        }
        if let Some(ch) = self.char_escape(start, e, true)? {
            return Ok(ClassItem::Char(ch));
        }
        if e.is_ascii_alphanumeric() {
            return err(format!("bad escape \\{e}"), start);
        }
        Ok(ClassItem::Char(e))
    }

    fn group_name(&mut self, end: char) -> Result<String, SyntaxError> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c == end {
                break;
            }
            self.i += 1;
        }
        if self.peek() != Some(end) {
            return err(format!("missing {end}, unterminated name"), start);
        }
        let name: String = self.p[start..self.i].iter().collect();
        self.i += 1;
        if name.is_empty() {
            return err("missing group name", start);
        }
        if !is_identifier(&name) {
            return err(format!("bad character in group name '{name}'"), start);
        }
        Ok(name)
    }

    fn open_group(&mut self, start: usize) -> Result<(), SyntaxError> {
        let verbose_before = self.verbose();
        if self.peek() != Some('?') {
            self.groups += 1;
            let n = self.groups;
            self.push_group(Some(n), start, verbose_before, "(");
            return Ok(());
        }
        self.i += 1;
        let Some(c) = self.peek() else {
            return err("unexpected end of pattern", self.i);
        };
        self.i += 1;
        match c {
            ':' => self.push_group(None, start, verbose_before, "(?:"),
            '>' => self.push_group(None, start, verbose_before, "(?>"),
            '=' => self.push_group(None, start, verbose_before, "(?="),
            '!' => self.push_group(None, start, verbose_before, "(?!"),
            '<' => match self.peek() {
                Some('=') => {
                    self.i += 1;
                    self.push_group(None, start, verbose_before, "(?<=")
                }
                Some('!') => {
                    self.i += 1;
                    self.push_group(None, start, verbose_before, "(?<!")
                }
                Some(ch) => return err(format!("unknown extension ?<{ch}"), start + 1),
                None => return err("unexpected end of pattern", self.i),
            },
            'P' => match self.peek() {
                Some('<') => {
                    self.i += 1;
                    let name_pos = self.i;
                    let name = self.group_name('>')?;
                    if let Some((_, g)) = self.names.iter().find(|(n, _)| *n == name) {
                        return err(
                            format!("redefinition of group name '{name}' as group {}; was group {g}", self.groups + 1),
                            name_pos,
                        );
                    }
                    self.groups += 1;
                    let n = self.groups;
                    self.names.push((name, n));
                    self.push_group(Some(n), start, verbose_before, "(");
                }
                Some('=') => {
                    self.i += 1;
                    let name_pos = self.i;
                    let name = self.group_name(')')?;
                    let Some(&(_, g)) = self.names.iter().find(|(n, _)| *n == name) else {
                        return err(format!("unknown group name '{name}'"), name_pos);
                    };
                    if self.open.contains(&g) {
                        return err("cannot refer to an open group", name_pos);
                    }
                    self.atom(&format!("(?:\\{g})"));
                }
                Some(ch) => return err(format!("unknown extension ?P{ch}"), start + 1),
                None => return err("unexpected end of pattern", self.i),
            },
            '#' => {
                while let Some(ch) = self.peek() {
                    self.i += 1;
                    if ch == ')' {
                        return Ok(());
                    }
                }
                return err("missing ), unterminated comment", start);
            }
            '(' => {
                let name_pos = self.i;
                let name = {
                    let s = self.i;
                    while let Some(ch) = self.peek() {
                        if ch == ')' {
                            break;
                        }
                        self.i += 1;
                    }
                    if self.peek() != Some(')') {
                        return err("missing ), unterminated name", s);
                    }
                    let n: String = self.p[s..self.i].iter().collect();
                    self.i += 1;
                    n
                };
                let g = if let Ok(n) = name.parse::<usize>() {
                    if n == 0 {
                        return err("bad group number", name_pos);
                    }
                    n
                } else if let Some(&(_, g)) = self.names.iter().find(|(n, _)| *n == name) {
                    g
                } else if is_identifier(&name) {
                    return err(format!("unknown group name '{name}'"), name_pos);
                } else {
                    return err(format!("bad character in group name '{name}'"), name_pos);
                };
                if g > self.groups {
                    return err(format!("invalid group reference {g}"), name_pos);
                }
                self.push_group(None, start, verbose_before, &format!("(?({g})"));
            }
            c if "aiLmsux-".contains(c) => {
                self.i -= 1;
                return self.flag_group(start, verbose_before);
            }
            c => return err(format!("unknown extension ?{c}"), start + 1),
        }
        Ok(())
    }

    fn flag_group(&mut self, start: usize, verbose_before: bool) -> Result<(), SyntaxError> {
        let mut on = 0i64;
        let mut off = 0i64;
        let mut neg = false;
        loop {
            let Some(c) = self.peek() else {
                return err("missing -, : or )", self.i);
            };
            self.i += 1;
            let f = match c {
                'a' => ASCII,
                'i' => IGNORECASE,
                'L' => LOCALE,
                'm' => MULTILINE,
                's' => DOTALL,
                'u' => UNICODE,
                'x' => VERBOSE,
                '-' if !neg => {
                    neg = true;
                    continue;
                }
                ')' | ':' => {
                    if neg && off == 0 {
                        return err("missing flag", self.i - 1);
                    }
                    if c == ')' {
                        if neg {
                            return err("missing :", self.i - 1);
                        }
                        if self.started {
                            return err("global flags not at the start of the expression", start);
                        }
                        if on & LOCALE != 0 {
                            return err("bad inline flags: cannot use 'L' flag with a str pattern", self.i - 1);
                        }
                        self.flags |= on;
                        if self.flags & ASCII != 0 && self.flags & UNICODE != 0 {
                            return err("bad inline flags: flags 'a', 'u' and 'L' are incompatible", self.i - 1);
                        }
                        return Ok(());
                    }
                    self.started = true;
                    let mut spec = String::from("(?");
                    for (bit, ch) in [(IGNORECASE, 'i'), (MULTILINE, 'm'), (DOTALL, 's')] {
                        if on & bit != 0 {
                            spec.push(ch);
                        }
                    }
                    let mut offs = String::new();
                    for (bit, ch) in [(IGNORECASE, 'i'), (MULTILINE, 'm'), (DOTALL, 's')] {
                        if off & bit != 0 {
                            offs.push(ch);
                        }
                    }
                    if !offs.is_empty() {
                        spec.push('-');
                        spec.push_str(&offs);
                    }
                    if spec == "(?" {
                        spec.push(':');
                    } else {
                        spec.push(':');
                    }
                    self.push_group(None, start, verbose_before, &spec);
                    if on & VERBOSE != 0 {
                        self.flags |= VERBOSE;
                    }
                    if off & VERBOSE != 0 {
                        self.flags &= !VERBOSE;
                    }
                    return Ok(());
                }
                _ => {
                    return err(
                        if c.is_alphabetic() { "unknown flag" } else { "missing -, : or )" },
                        self.i - 1,
                    )
                }
            };
            if neg {
                if f & (ASCII | UNICODE | LOCALE) != 0 {
                    return err("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", self.i - 1);
                }
                off |= f;
            } else {
                on |= f;
            }
        }
    }

    fn push_group(&mut self, number: Option<usize>, open_pos: usize, verbose_before: bool, text: &str) {
        self.started = true;
        self.out.push(text);
        if let Some(n) = number {
            self.open.push(n);
        }
        self.stack.push(Group { number, open_pos, verbose_before });
        self.state = State::Empty;
    }

    fn close_group(&mut self, start: usize) -> Result<(), SyntaxError> {
        let Some(g) = self.stack.pop() else {
            return err("unbalanced parenthesis", start);
        };
        if let Some(n) = g.number {
            self.open.retain(|&o| o != n);
            self.close_order.push(n);
        }
        if g.verbose_before {
            self.flags |= VERBOSE;
        } else {
            self.flags &= !VERBOSE;
        }
        self.out.push(")");
        self.state = State::Atom;
        Ok(())
    }
}

enum ClassItem {
    Char(char),
    /// (any haystack, all-ASCII haystack).
    Set(&'static str, &'static str),
}

pub fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {}
        _ => return false,
    }
    cs.all(unicode_ident::is_xid_continue)
}

/// `re.escape`: CPython's `_special_chars_map`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_has_two_forms() {
        let t = translate("a$", 0).expect("valid");
        assert_eq!(t.body_z, r"a\z");
        assert!(t.body_nl.contains(r"(?=\n\z)"));
    }

    #[test]
    fn ascii_haystack_bodies_only_when_classes_differ() {
        let t = translate(r"(\d+) [\w.]\S", 0).expect("valid");
        let (z, _) = t.ascii_bodies.expect("has Unicode classes");
        assert_eq!(z, r"([0-9]+)\x{20}[0-9A-Za-z_\x{2e}][^\t\n\x0b\x0c\r \x1c-\x1f]");
        assert!(translate("ab+", 0).expect("valid").ascii_bodies.is_none());
        assert!(translate(r"\d", ASCII).expect("valid").ascii_bodies.is_none());
    }

    #[test]
    fn errors_name_cpython_positions() {
        assert_eq!(translate("*a", 0).unwrap_err().msg, "nothing to repeat");
        assert_eq!(translate("a(b", 0).unwrap_err().pos, Some(1));
        assert_eq!(translate("[a", 0).unwrap_err().msg, "unterminated character set");
        assert_eq!(translate(r"\q", 0).unwrap_err().msg, r"bad escape \q");
        assert_eq!(translate(r"(a)\2", 0).unwrap_err().msg, "invalid group reference 2");
    }

    #[test]
    fn named_groups_are_numbered() {
        let t = translate(r"(?P<y>\d+)-(?P=y)", 0).expect("valid");
        assert_eq!(t.groups, 1);
        assert_eq!(t.names, vec![("y".to_string(), 1)]);
        assert!(t.body_z.contains(r"(?:\1)"));
    }

    #[test]
    fn verbose_keeps_class_whitespace() {
        let t = translate("a b # c\n[ ]", VERBOSE).expect("valid");
        assert_eq!(t.body_z, r"ab[\x{20}]");
    }
}
