//! printf-style `str % args` building blocks, as CPython 3.11's
//! `PyUnicode_Format`: parsing the format into pieces, and laying out one
//! conversion once the caller has converted its argument.
//!
//! Value-agnostic: the caller (the VM) walks the pieces, fetches arguments
//! from the tuple or mapping, calls `str()`/`repr()`/`ascii()`/`int()`/
//! `float()` on them and raises the exceptions; this file must never touch
//! interpreter values and never panic on any format string.
//!
//! CPython works left to right and raises the first problem it meets, so a
//! parse error is not returned up front: it is the last piece, after the
//! conversions that precede it (`'%s %' % ()` is "not enough arguments",
//! `'%s %' % (1,)` is "incomplete format").

use num_bigint::{BigInt, Sign};

use crate::builtins::format_spec::FormatError;
use crate::values::float_repr::{DtoaFlags, double_to_string};

/// `TypeError` when the tuple runs out.
pub const NOT_ENOUGH_ARGUMENTS: &str = "not enough arguments for format string";
/// `TypeError` when arguments are left over (or a non-tuple, non-mapping
/// argument is not consumed).
pub const NOT_ALL_CONVERTED: &str = "not all arguments converted during string formatting";
/// `TypeError` for `%(name)s` without a mapping.
pub const FORMAT_REQUIRES_MAPPING: &str = "format requires a mapping";
/// `TypeError` for a `*` width or precision that is not an int.
pub const STAR_WANTS_INT: &str = "* wants int";
/// `OverflowError` for `%c` of an int outside the code point range.
pub const CHAR_ARG_NOT_IN_RANGE: &str = "%c arg not in range(0x110000)";
/// `TypeError` for `%c` of anything but an int or a one-character str.
pub const CHAR_REQUIRES_INT_OR_CHAR: &str = "%c requires int or char";

/// `TypeError` for `%x`/`%o`/`%X` of a non-int (`%x format: an integer is
/// required, not float`).
#[must_use]
pub fn integer_required(conv: char, type_name: &str) -> String {
    format!("%{conv} format: an integer is required, not {type_name}")
}

/// `TypeError` for `%d`/`%i`/`%u`/`%e`... of a non-number (`%d format: a real
/// number is required, not str`).
#[must_use]
pub fn real_number_required(conv: char, type_name: &str) -> String {
    format!("%{conv} format: a real number is required, not {type_name}")
}

/// Widths and precisions above this are refused with a `MemoryError` (a
/// sandbox limit CPython does not have).
pub const PERCENT_SIZE_LIMIT: usize = 1 << 26;

/// A width or precision: digits in the format, or `*` (taken from the arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Fixed(usize),
    Star,
}

/// The flags `-`, `+`, space, `#`, `0`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools, reason = "one bool per printf flag")]
pub struct PercentFlags {
    /// `-`
    pub left: bool,
    /// `+`
    pub plus: bool,
    /// ` `
    pub space: bool,
    /// `#`
    pub alt: bool,
    /// `0`
    pub zero: bool,
}

/// One `%` conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PercentSpec {
    /// `%(key)s`
    pub key: Option<String>,
    pub flags: PercentFlags,
    pub width: Option<Width>,
    pub precision: Option<Width>,
    /// The conversion character, not yet checked (see [`check_conversion`]).
    pub conv: char,
    /// Code point index of `conv` in the format string, for the error message.
    pub index: usize,
}

impl PercentSpec {
    /// Applies a `*` width taken from the arguments: negative means `-`.
    pub fn apply_star_width(&mut self, width: i64) {
        if width < 0 {
            self.flags.left = true;
        }
        self.width = Some(Width::Fixed(
            usize::try_from(width.unsigned_abs()).unwrap_or(usize::MAX),
        ));
    }

    /// Applies a `*` precision taken from the arguments: negative means 0.
    pub fn apply_star_precision(&mut self, precision: i64) {
        self.precision = Some(Width::Fixed(
            usize::try_from(precision.max(0)).unwrap_or(usize::MAX),
        ));
    }

    fn width(&self) -> Option<usize> {
        match self.width {
            Some(Width::Fixed(w)) => Some(w),
            _ => None,
        }
    }

    fn precision(&self) -> Option<usize> {
        match self.precision {
            Some(Width::Fixed(p)) => Some(p),
            _ => None,
        }
    }

    /// `true` past [`PERCENT_SIZE_LIMIT`]: the caller raises `MemoryError`.
    #[must_use]
    pub fn too_large(&self) -> bool {
        self.width().unwrap_or(0) > PERCENT_SIZE_LIMIT
            || self.precision().unwrap_or(0) > PERCENT_SIZE_LIMIT
    }
}

/// A piece of a parsed `%` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PercentPiece {
    /// Text copied as is (`%%` already turned into `%`).
    Literal(String),
    /// A conversion: fetch its argument (after its `*` ones), convert, lay out.
    Conversion(PercentSpec),
    /// A `ValueError` met while parsing; always the last piece. Before
    /// raising it the caller does what CPython had done by then: look up
    /// `key` in the mapping (a `KeyError` wins) and fetch `stars` arguments
    /// for the `*`s already parsed (running out wins).
    Error {
        key: Option<String>,
        stars: usize,
        message: &'static str,
    },
}

/// Splits a `%` format into pieces, CPython's parser step by step.
#[must_use]
pub fn parse_percent(fmt: &str) -> Vec<PercentPiece> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        if c != '%' {
            literal.push(c);
            continue;
        }
        if chars.get(pos) == Some(&'%') {
            literal.push('%');
            pos += 1;
            continue;
        }
        if !literal.is_empty() {
            pieces.push(PercentPiece::Literal(std::mem::take(&mut literal)));
        }
        match parse_conversion(&chars, &mut pos) {
            Ok(spec) => pieces.push(PercentPiece::Conversion(spec)),
            Err(error) => {
                pieces.push(error);
                return pieces;
            }
        }
    }
    if !literal.is_empty() {
        pieces.push(PercentPiece::Literal(literal));
    }
    pieces
}

/// Reads `digits` as CPython does, failing with `message` past `limit`.
fn read_number(chars: &[char], pos: &mut usize, limit: usize) -> Option<usize> {
    let mut value: usize = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        value = value
            .checked_mul(10)?
            .checked_add(d as usize)
            .filter(|&v| v <= limit)?;
        *pos += 1;
    }
    Some(value)
}

/// Parses one conversion; `pos` is just past the `%`.
fn parse_conversion(chars: &[char], pos: &mut usize) -> Result<PercentSpec, PercentPiece> {
    let mut key = None;
    let mut stars = 0;
    let error = |key: &Option<String>, stars: usize, message: &'static str| PercentPiece::Error {
        key: key.clone(),
        stars,
        message,
    };
    if chars.get(*pos) == Some(&'(') {
        *pos += 1;
        let start = *pos;
        let mut depth = 1;
        while depth > 0 {
            match chars.get(*pos) {
                None => return Err(error(&None, 0, "incomplete format key")),
                Some(')') => depth -= 1,
                Some('(') => depth += 1,
                Some(_) => {}
            }
            *pos += 1;
        }
        key = Some(chars[start..*pos - 1].iter().collect::<String>());
    }
    let mut flags = PercentFlags::default();
    loop {
        match chars.get(*pos) {
            Some('-') => flags.left = true,
            Some('+') => flags.plus = true,
            Some(' ') => flags.space = true,
            Some('#') => flags.alt = true,
            Some('0') => flags.zero = true,
            _ => break,
        }
        *pos += 1;
    }
    let mut width = None;
    if chars.get(*pos) == Some(&'*') {
        width = Some(Width::Star);
        stars += 1;
        *pos += 1;
    } else if chars.get(*pos).is_some_and(char::is_ascii_digit) {
        let w = read_number(chars, pos, isize::MAX as usize)
            .ok_or_else(|| error(&key, stars, "width too big"))?;
        width = Some(Width::Fixed(w));
    }
    let mut precision = None;
    if chars.get(*pos) == Some(&'.') {
        *pos += 1;
        if chars.get(*pos) == Some(&'*') {
            precision = Some(Width::Star);
            stars += 1;
            *pos += 1;
        } else {
            let p = read_number(chars, pos, i32::MAX as usize)
                .ok_or_else(|| error(&key, stars, "precision too big"))?;
            precision = Some(Width::Fixed(p));
        }
    }
    if matches!(chars.get(*pos), Some('h' | 'l' | 'L')) {
        *pos += 1;
    }
    let Some(&conv) = chars.get(*pos) else {
        return Err(error(&key, stars, "incomplete format"));
    };
    let index = *pos;
    *pos += 1;
    Ok(PercentSpec {
        key,
        flags,
        width,
        precision,
        conv,
        index,
    })
}

/// After fetching the argument: `ValueError` for a conversion character
/// CPython does not know.
///
/// # Errors
/// "unsupported format character 'y' (0x79) at index 3".
pub fn check_conversion(spec: &PercentSpec) -> Result<(), String> {
    match spec.conv {
        's' | 'r' | 'a' | 'd' | 'i' | 'u' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G'
        | 'c' => Ok(()),
        c => {
            let shown = if (' '..='~').contains(&c) || c == '\u{1f}' {
                c
            } else {
                '?'
            };
            Err(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {}",
                c as u32, spec.index
            ))
        }
    }
}

fn check_size(spec: &PercentSpec) -> Result<(), FormatError> {
    if spec.too_large() {
        return Err(FormatError::memory());
    }
    Ok(())
}

/// CPython's `unicode_format_arg_output`: sign, `0x`/`0o` prefix, padding.
/// `numeric` is CPython's `arg->sign`: true for the number conversions.
fn output(body: &str, spec: &PercentSpec, numeric: bool) -> String {
    let flags = spec.flags;
    let fill = if numeric && flags.zero { '0' } else { ' ' };
    let chars: Vec<char> = body.chars().collect();
    let mut len = chars.len();
    if let Some(p) = spec
        .precision()
        .filter(|_| matches!(spec.conv, 's' | 'r' | 'a'))
    {
        len = len.min(p);
    }
    let mut start = 0;
    let mut sign = None;
    if numeric {
        match chars.first() {
            Some(&c @ ('-' | '+')) => {
                sign = Some(c);
                len -= 1;
                start = 1;
            }
            _ if flags.plus => sign = Some('+'),
            _ if flags.space => sign = Some(' '),
            _ => {}
        }
    }
    let mut width = spec.width().unwrap_or(0).max(len);
    let mut out = String::with_capacity(width + 1);
    if let Some(s) = sign {
        if fill != ' ' {
            out.push(s);
        }
        if width > len {
            width -= 1;
        }
    }
    let has_prefix =
        flags.alt && matches!(spec.conv, 'x' | 'X' | 'o') && chars.get(start) == Some(&'0');
    if has_prefix {
        if fill != ' ' {
            out.extend(&chars[start..start + 2]);
            start += 2;
        }
        width = width.saturating_sub(2);
        len = len.saturating_sub(2);
    }
    if width > len && !flags.left {
        out.extend(std::iter::repeat_n(fill, width - len));
        width = len;
    }
    if fill == ' ' {
        if let Some(s) = sign {
            out.push(s);
        }
        if has_prefix {
            out.extend(&chars[start..start + 2]);
            start += 2;
        }
    }
    out.extend(&chars[start..(start + len).min(chars.len())]);
    if width > len {
        out.extend(std::iter::repeat_n(' ', width - len));
    }
    out
}

/// `%d %i %u %o %x %X` of an int (the caller has already turned floats and
/// `__index__`/`__int__` objects into one).
///
/// # Errors
/// `MemoryError` past [`PERCENT_SIZE_LIMIT`].
pub fn percent_int(value: &BigInt, spec: &PercentSpec) -> Result<String, FormatError> {
    check_size(spec)?;
    let (radix, prefix) = match spec.conv {
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = value.magnitude().to_str_radix(radix);
    if spec.conv == 'X' {
        digits.make_ascii_uppercase();
    }
    if let Some(p) = spec.precision().filter(|&p| p > digits.len()) {
        digits.insert_str(0, &"0".repeat(p - digits.len()));
    }
    let sign = if value.sign() == Sign::Minus { "-" } else { "" };
    let prefix = if spec.flags.alt { prefix } else { "" };
    Ok(output(&format!("{sign}{prefix}{digits}"), spec, true))
}

/// `%e %E %f %F %g %G` of a float (default precision 6).
///
/// # Errors
/// `MemoryError` past [`PERCENT_SIZE_LIMIT`].
pub fn percent_float(value: f64, spec: &PercentSpec) -> Result<String, FormatError> {
    check_size(spec)?;
    let flags = DtoaFlags {
        alt: spec.flags.alt,
        ..DtoaFlags::default()
    };
    let body = double_to_string(value, spec.conv, spec.precision().unwrap_or(6), flags);
    Ok(output(&body, spec, true))
}

/// `%s %r %a` of the already converted text (precision truncates), and
/// `%c` of the one-character text (precision ignored).
///
/// # Errors
/// `MemoryError` past [`PERCENT_SIZE_LIMIT`].
pub fn percent_str(text: &str, spec: &PercentSpec) -> Result<String, FormatError> {
    check_size(spec)?;
    Ok(output(text, spec, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_of(fmt: &str) -> PercentSpec {
        match parse_percent(fmt).as_slice() {
            [PercentPiece::Conversion(spec)] => spec.clone(),
            other => panic!("{fmt:?} parsed to {other:?}"),
        }
    }

    fn int(fmt: &str, v: &str) -> String {
        percent_int(&v.parse().expect("decimal"), &spec_of(fmt)).expect("within the size limit")
    }

    #[test]
    fn pieces_split_text_and_conversions() {
        let pieces = parse_percent("a%%b%(x)-5.2fc%s");
        assert_eq!(pieces.len(), 4);
        assert_eq!(pieces[0], PercentPiece::Literal("a%b".into()));
        let PercentPiece::Conversion(spec) = &pieces[1] else {
            panic!("{pieces:?}")
        };
        assert_eq!(spec.key.as_deref(), Some("x"));
        assert!(spec.flags.left);
        assert_eq!(
            (spec.width, spec.precision, spec.conv, spec.index),
            (Some(Width::Fixed(5)), Some(Width::Fixed(2)), 'f', 12)
        );
        assert_eq!(pieces[2], PercentPiece::Literal("c".into()));
    }

    #[test]
    fn parse_errors_come_after_earlier_pieces() {
        let pieces = parse_percent("%s %");
        assert!(matches!(
            pieces.last(),
            Some(PercentPiece::Error {
                message: "incomplete format",
                stars: 0,
                ..
            })
        ));
        assert!(matches!(
            parse_percent("%(a").last(),
            Some(PercentPiece::Error {
                message: "incomplete format key",
                ..
            })
        ));
        assert!(matches!(
            parse_percent("%(a(b)c").last(),
            Some(PercentPiece::Error {
                message: "incomplete format key",
                ..
            })
        ));
        assert!(matches!(
            parse_percent("%*.*").last(),
            Some(PercentPiece::Error {
                message: "incomplete format",
                stars: 2,
                ..
            })
        ));
        assert!(matches!(
            parse_percent("%(k)5l").last(),
            Some(PercentPiece::Error {
                key: Some(_),
                message: "incomplete format",
                ..
            })
        ));
        assert!(matches!(
            parse_percent("%99999999999999999999d").last(),
            Some(PercentPiece::Error {
                message: "width too big",
                ..
            })
        ));
        assert!(matches!(
            parse_percent("%.2147483648f").last(),
            Some(PercentPiece::Error {
                message: "precision too big",
                ..
            })
        ));
        assert_eq!(spec_of("%(a(b))s").key.as_deref(), Some("a(b)"));
    }

    #[test]
    fn unsupported_characters_are_worded_as_cpython() {
        assert_eq!(
            check_conversion(&spec_of("%y")),
            Err("unsupported format character 'y' (0x79) at index 1".into())
        );
        assert_eq!(
            check_conversion(&spec_of("%5%")),
            Err("unsupported format character '%' (0x25) at index 2".into())
        );
        assert_eq!(
            check_conversion(&spec_of("%\u{1234}")),
            Err("unsupported format character '?' (0x1234) at index 1".into())
        );
        assert_eq!(
            check_conversion(&spec_of("%\n")),
            Err("unsupported format character '?' (0xa) at index 1".into())
        );
        assert_eq!(check_conversion(&spec_of("%ld")), Ok(()));
    }

    /// Outputs from CPython 3.11 for `%` with ints.
    #[test]
    fn ints_match_cpython() {
        let cases = [
            ("%#8o", "8", "    0o10"),
            ("%#-8o", "8", "0o10    "),
            ("%#08o", "-8", "-0o00010"),
            ("%#+08x", "8", "+0x00008"),
            ("%#08X", "255", "0X0000FF"),
            ("%#.5o", "8", "0o00010"),
            ("%#.5x", "-8", "-0x00008"),
            ("%+.3d", "5", "+005"),
            ("% d", "5", " 5"),
            ("% 05d", "-5", "-0005"),
            ("%-08d", "5", "5       "),
            ("%u", "-3", "-3"),
            ("%#x", "0", "0x0"),
            ("%#o", "0", "0o0"),
            ("%#5x", "-1", " -0x1"),
            ("%d", "1180591620717411303424", "1180591620717411303424"),
            ("%#X", "1180591620717411303424", "0X400000000000000000"),
            ("%x", "-255", "-ff"),
            ("%05d", "42", "00042"),
            ("%+5d", "42", "  +42"),
            ("%-+5d", "42", "+42  "),
            ("%i", "0", "0"),
            ("%3d", "12345", "12345"),
        ];
        for (fmt, v, want) in cases {
            assert_eq!(int(fmt, v), want, "{fmt:?} % {v}");
        }
    }

    /// Outputs from CPython 3.11 for `%` with floats.
    #[test]
    fn floats_match_cpython() {
        let cases: [(&str, f64, &str); 17] = [
            ("%5.1f", 2.25, "  2.2"),
            ("%e", 1e100, "1.000000e+100"),
            ("%#.0f", 1.0, "1."),
            ("%#g", 1.0, "1.00000"),
            ("%g", 1e-5, "1e-05"),
            ("%G", f64::INFINITY, "INF"),
            ("%+f", f64::NAN, "+nan"),
            ("%010.2e", -1.5, "-01.50e+00"),
            ("%-10f", 1.0, "1.000000  "),
            ("%f", 0.1, "0.100000"),
            ("%.3f", -0.0, "-0.000"),
            ("%08.3f", -1.5, "-001.500"),
            ("%05f", f64::NEG_INFINITY, "-0inf"),
            ("%.0f", 2.5, "2"),
            ("%g", 123_456_789.123, "1.23457e+08"),
            ("%.10g", 123_456_789.123, "123456789.1"),
            ("%E", 1e16, "1.000000E+16"),
        ];
        for (fmt, v, want) in cases {
            assert_eq!(
                percent_float(v, &spec_of(fmt)).expect("within the size limit"),
                want,
                "{fmt:?} % {v}"
            );
        }
    }

    /// Outputs from CPython 3.11 for `%s`, `%r`, `%c`.
    #[test]
    fn strings_match_cpython() {
        let cases = [
            ("%05s", "ab", "   ab"),
            ("%.1s", "abc", "a"),
            ("%5c", "A", "    A"),
            ("%-5c", "x", "x    "),
            ("%.0c", "A", "A"),
            ("%.3r", "'abc'", "'ab"),
            ("%+5s", "ab", "   ab"),
            ("%-6.2s", "h\u{e9}llo", "h\u{e9}    "),
            ("%s", "", ""),
        ];
        for (fmt, v, want) in cases {
            assert_eq!(
                percent_str(v, &spec_of(fmt)).expect("within the size limit"),
                want,
                "{fmt:?} % {v:?}"
            );
        }
    }

    #[test]
    fn stars_apply_like_cpython() {
        let mut spec = spec_of("%*d");
        spec.apply_star_width(-5);
        assert_eq!(
            percent_int(&BigInt::from(1), &spec).expect("within the size limit"),
            "1    "
        );
        let mut spec = spec_of("%.*f");
        spec.apply_star_precision(-3);
        assert_eq!(
            percent_float(1.5, &spec).expect("within the size limit"),
            "2"
        );
    }

    #[test]
    fn no_format_string_panics() {
        let alphabet: Vec<char> = "%()-+ #0123456789.*hlLdsrxXoeEfgGc%\u{1F600}"
            .chars()
            .collect();
        let mut seed: u64 = 7;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 59) as usize;
            let fmt: String = (0..len)
                .map(|i| {
                    alphabet
                        [((seed.rotate_left(i as u32 * 5) >> 3) % alphabet.len() as u64) as usize]
                })
                .collect();
            for piece in parse_percent(&fmt) {
                if let PercentPiece::Conversion(mut spec) = piece {
                    spec.apply_star_width(3);
                    spec.apply_star_precision(2);
                    if check_conversion(&spec).is_err() {
                        continue;
                    }
                    assert!(
                        !percent_float(f64::INFINITY, &spec)
                            .expect("within the size limit")
                            .is_empty()
                    );
                    let _ = percent_int(&BigInt::from(-42), &spec).expect("within the size limit");
                    let _ = percent_float(-0.0, &spec).expect("within the size limit");
                    let s = percent_str("x", &spec).expect("within the size limit");
                    assert!(s.chars().count() >= 1);
                    spec.width = Some(Width::Fixed(usize::MAX));
                    assert!(
                        percent_str("x", &spec).is_err(),
                        "a huge width is refused, not allocated"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// 12 flag sets × 4 widths × 3 precisions over `d x X o`, `e E f F g G`
    /// and `s`, with ints (big and negative), floats (inf, nan, -0.0, 1e16,
    /// 1e-5, ...) and strings: CPython 3.11's `format % value` for each.
    #[test]
    fn percent_matches_cpython_table() {
        let cases: &[(&str, &str, &str, &str)] = include!("testdata/percent.txt");
        let mut failures = Vec::new();
        for &(fmt, kind, value, want) in cases {
            let spec = match parse_percent(fmt).as_slice() {
                [PercentPiece::Conversion(spec)] => spec.clone(),
                other => panic!("{fmt:?} parsed to {other:?}"),
            };
            let got = match kind {
                "i" => percent_int(&value.parse().expect("decimal"), &spec)
                    .expect("within the size limit"),
                "f" => {
                    let bits =
                        u64::from_str_radix(value.trim_start_matches("0x"), 16).expect("hex bits");
                    percent_float(f64::from_bits(bits), &spec).expect("within the size limit")
                }
                _ => percent_str(value, &spec).expect("within the size limit"),
            };
            if got != want {
                failures.push(format!("{fmt:?} % {value}: got {got:?}, want {want:?}"));
            }
        }
        assert!(cases.len() > 5000);
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures[..failures.len().min(30)].join("\n")
        );
    }
}
