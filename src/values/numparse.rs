//! Text to numbers and numbers to text the way CPython 3.11's `int(str, base)`,
//! `float(str)`, `bin`/`oct`/`hex` and `repr(str)` do, with their exact
//! error messages.
//!
//! Pure: no interpreter values, only `&str`, `i64`, `BigInt` and `f64`. It must
//! never panic on any input string, and never run a quadratic big-int
//! conversion on more digits than the caller's limit allows
//! ([`parse_int_limited`]).
//!
//! Unicode tables come from `unicode-general-category` (Unicode 16.0); CPython
//! 3.11 uses Unicode 14.0, so characters assigned in 15.0 and 16.0 (new digits,
//! new printable letters) are treated as assigned here where CPython treats them
//! as unassigned.

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use unicode_general_category::{GeneralCategory, get_general_category};

/// Decimal value of a Unicode decimal digit (general category Nd), as
/// CPython's `Py_UNICODE_TODECIMAL`; `None` for anything else.
#[must_use]
pub fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }
    if get_general_category(c) != GeneralCategory::DecimalNumber {
        return None;
    }
    // Unicode encodes decimal digits in runs of ten, 0 to 9, so the offset
    // from the start of the maximal Nd range gives the value.
    let mut start = c as u32;
    while let Some(prev) = start.checked_sub(1).and_then(char::from_u32) {
        if get_general_category(prev) != GeneralCategory::DecimalNumber {
            break;
        }
        start -= 1;
    }
    Some((c as u32 - start) % 10)
}

/// CPython's `str.isspace` for one character (`Py_UNICODE_ISSPACE`): Unicode
/// White_Space plus the ASCII separators U+001C..U+001F.
#[must_use]
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// CPython's `str.isprintable` for one character: not in categories Cc, Cf,
/// Cs, Co, Cn, Zl, Zp, Zs, except the space itself.
#[must_use]
pub fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return c.is_ascii_graphic();
    }
    !matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

fn push_fmt(out: &mut String, args: std::fmt::Arguments<'_>) {
    // Writing into a String cannot fail.
    let _ = std::fmt::Write::write_fmt(out, args);
}

/// CPython's `repr(str)`: single quotes unless the text has `'` and no `"`;
/// `\\`, `\n`, `\r`, `\t` and the quote escaped; other non-printables as
/// `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
///
/// ```
/// use garter::values::numparse::py_str_repr;
/// assert_eq!(py_str_repr("it's\n"), "\"it's\\n\"");
/// assert_eq!(py_str_repr("a\u{0}\u{85}\u{200b}"), "'a\\x00\\x85\\u200b'");
/// ```
#[must_use]
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => push_fmt(&mut out, format_args!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x1_0000 => push_fmt(&mut out, format_args!("\\u{:04x}", c as u32)),
            c => push_fmt(&mut out, format_args!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `ascii(obj)` from `repr(obj)`: every non-ASCII character escaped as
/// `\xhh`, `\uhhhh` or `\Uhhhhhhhh` (what `%a` and `ascii()` do).
///
/// ```
/// use garter::values::numparse::{ascii_escape, py_str_repr};
/// assert_eq!(ascii_escape(&py_str_repr("h\u{e9}\u{1F600}")), "'h\\xe9\\U0001f600'");
/// ```
#[must_use]
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        match c as u32 {
            0..0x80 => out.push(c),
            n @ 0x80..0x100 => push_fmt(&mut out, format_args!("\\x{n:02x}")),
            n @ 0x100..0x1_0000 => push_fmt(&mut out, format_args!("\\u{n:04x}")),
            n => push_fmt(&mut out, format_args!("\\U{n:08x}")),
        }
    }
    out
}

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`: Unicode spaces
/// become ' ', Unicode digits their ASCII digit; the first other non-ASCII
/// character becomes '?' and ends the text (it can only be an error).
fn to_ascii_number_text(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if (c as u32) < 127 {
            #[allow(clippy::cast_possible_truncation, reason = "ASCII")]
            out.push(c as u8);
        } else if is_space(c) {
            out.push(b' ');
        } else if let Some(d) = decimal_value(c) {
            #[allow(clippy::cast_possible_truncation, reason = "a digit value is below 10")]
            out.push(b'0' + d as u8);
        } else {
            out.push(b'?');
            break;
        }
    }
    out
}

/// C's `isspace` in the "C" locale, which CPython's parsers use after the
/// Unicode transform.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// An `int()` result: machine-sized when it fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntParse {
    Small(i64),
    Big(BigInt),
}

impl IntParse {
    #[must_use]
    pub fn into_bigint(self) -> BigInt {
        match self {
            IntParse::Small(v) => BigInt::from(v),
            IntParse::Big(v) => v,
        }
    }

    fn from_bigint(v: BigInt) -> Self {
        match v.to_i64() {
            Some(small) => IntParse::Small(small),
            None => IntParse::Big(v),
        }
    }
}

/// Why `int(str, base)` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntParseError {
    /// Not a literal of that base: [`int_parse_error`] words it.
    Invalid,
    /// More digits than `sys.get_int_max_str_digits()` allows in a
    /// non-power-of-two base: [`int_digit_limit_error`] words it.
    TooManyDigits { limit: usize, digits: usize },
    /// The base is not 0 or 2..=36: [`INT_BASE_ERROR`].
    BadBase,
}

/// CPython's message for a base outside 0 and 2..=36.
pub const INT_BASE_ERROR: &str = "int() base must be >= 2 and <= 36, or 0";

/// CPython's default `sys.get_int_max_str_digits()`.
pub const DEFAULT_MAX_STR_DIGITS: usize = 4300;

/// Below this many digits CPython never checks the limit.
const MAX_STR_DIGITS_THRESHOLD: usize = 640;

/// `int(s, base)` without the digit limit.
#[must_use]
pub fn parse_int(s: &str, base: u32) -> Option<IntParse> {
    parse_int_limited(s, base, 0).ok()
}

/// `int(s, base)` with CPython's `int_max_str_digits` limit (`0` = none).
///
/// # Errors
/// [`IntParseError`], one variant per CPython message.
pub fn parse_int_limited(
    s: &str,
    base: u32,
    max_str_digits: usize,
) -> Result<IntParse, IntParseError> {
    if base == 1 || base > 36 {
        return Err(IntParseError::BadBase);
    }
    // The common `int("200")`: plain ASCII digits that fit an i64 (18 always do).
    if base == 10 && !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) {
        let v = s.bytes().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'));
        return Ok(IntParse::Small(v));
    }
    let text = to_ascii_number_text(s);
    let mut p = 0;
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    while is_c_space(at(p)) {
        p += 1;
    }
    let mut negative = false;
    match at(p) {
        b'+' => p += 1,
        b'-' => {
            negative = true;
            p += 1;
        }
        _ => {}
    }
    let mut base = base;
    let mut error_if_nonzero = false;
    if base == 0 {
        base = match (at(p), at(p + 1).to_ascii_lowercase()) {
            (b'0', b'x') => 16,
            (b'0', b'o') => 8,
            (b'0', b'b') => 2,
            (b'0', _) => {
                // An old C-style octal literal: only zero is allowed.
                error_if_nonzero = true;
                10
            }
            _ => 10,
        };
    }
    let prefix = at(p + 1).to_ascii_lowercase();
    if at(p) == b'0'
        && ((base == 16 && prefix == b'x')
            || (base == 8 && prefix == b'o')
            || (base == 2 && prefix == b'b'))
    {
        p += 2;
        if at(p) == b'_' {
            p += 1;
        }
    }
    if at(p) == b'_' {
        return Err(IntParseError::Invalid);
    }
    let digit_of = |b: u8| -> Option<u32> { char::from(b).to_digit(36).filter(|&d| d < base) };
    let mut digits = Vec::new();
    let mut prev = 0u8;
    while let Some(b) = text.get(p).copied() {
        if b == b'_' {
            if prev == b'_' {
                return Err(IntParseError::Invalid);
            }
        } else if digit_of(b).is_some() {
            digits.push(b);
        } else {
            break;
        }
        prev = b;
        p += 1;
    }
    if prev == b'_' {
        return Err(IntParseError::Invalid);
    }
    if !base.is_power_of_two()
        && digits.len() > MAX_STR_DIGITS_THRESHOLD
        && max_str_digits > 0
        && digits.len() > max_str_digits
    {
        return Err(IntParseError::TooManyDigits {
            limit: max_str_digits,
            digits: digits.len(),
        });
    }
    if digits.is_empty() {
        return Err(IntParseError::Invalid);
    }
    let magnitude = BigInt::parse_bytes(&digits, base).ok_or(IntParseError::Invalid)?;
    if error_if_nonzero && magnitude != BigInt::ZERO {
        return Err(IntParseError::Invalid);
    }
    while is_c_space(at(p)) {
        p += 1;
    }
    if p != text.len() {
        return Err(IntParseError::Invalid);
    }
    Ok(IntParse::from_bigint(if negative {
        -magnitude
    } else {
        magnitude
    }))
}

/// CPython's `repr` of a str cut to 200 characters, as its `%.200R` does.
fn repr_200(s: &str) -> String {
    let r = py_str_repr(s);
    match r.char_indices().nth(200) {
        Some((cut, _)) => r[..cut].to_owned(),
        None => r,
    }
}

/// `invalid literal for int() with base 10: 'abc'` (the base as the caller
/// gave it, 0 included; the repr cut at 200 characters like CPython's).
#[must_use]
pub fn int_parse_error(s: &str, base: u32) -> String {
    format!(
        "invalid literal for int() with base {base}: {}",
        repr_200(s)
    )
}

/// The `ValueError` for a literal longer than `sys.get_int_max_str_digits()`.
#[must_use]
pub fn int_digit_limit_error(limit: usize, digits: usize) -> String {
    format!(
        "Exceeds the limit ({limit} digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
    )
}

/// `float(s)`: whitespace, sign, underscores between digits, `inf`,
/// `infinity`, `nan` in any case, `1e5`, `.5`, `5.`; out-of-range values
/// become `inf` or `0.0` like CPython.
#[must_use]
pub fn parse_float(s: &str) -> Option<f64> {
    let text = to_ascii_number_text(s);
    // Underscores: only between digits (CPython's _Py_string_to_number_with_underscores).
    let mut clean = Vec::with_capacity(text.len());
    let mut prev = 0u8;
    for &b in &text {
        if b == b'_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == b'_' && !b.is_ascii_digit() {
                return None;
            }
            clean.push(b);
        }
        prev = b;
    }
    if prev == b'_' {
        return None;
    }
    let mut start = 0;
    let mut end = clean.len();
    while start < end && is_c_space(clean[start]) {
        start += 1;
    }
    while end > start && is_c_space(clean[end - 1]) {
        end -= 1;
    }
    let body = &clean[start..end];
    let (negative, unsigned) = match body.first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let lower = unsigned.to_ascii_lowercase();
    let special = match lower.as_slice() {
        b"inf" | b"infinity" => Some(f64::INFINITY),
        b"nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if negative { -v } else { v });
    }
    if !is_decimal_literal(unsigned) {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    text.parse::<f64>().ok()
}

/// `digits [. digits] | . digits`, then optionally `e [sign] digits`.
fn is_decimal_literal(s: &[u8]) -> bool {
    let mut i = 0;
    let count_digits = |i: &mut usize| {
        let from = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    let mut mantissa = count_digits(&mut i);
    if s.get(i) == Some(&b'.') {
        i += 1;
        mantissa += count_digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if count_digits(&mut i) == 0 {
            return false;
        }
    }
    i == s.len()
}

/// `could not convert string to float: 'abc'` (the whole repr, uncut).
#[must_use]
pub fn float_parse_error(s: &str) -> String {
    format!("could not convert string to float: {}", py_str_repr(s))
}

/// `bin`/`oct`/`hex` (radix 2, 8, 16, with `0b`/`0o`/`0x`, sign first:
/// `-0b101`); any other radix in 2..=36 gives bare lowercase digits.
#[must_use]
pub fn int_to_str_radix(v: &BigInt, radix: u32) -> String {
    let radix = radix.clamp(2, 36);
    let prefix = match radix {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => "",
    };
    let sign = if v.sign() == num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    format!("{sign}{prefix}{}", v.magnitude().to_str_radix(radix))
}

/// [`int_to_str_radix`] for machine ints, without a big-int allocation.
#[must_use]
pub fn i64_to_str_radix(v: i64, radix: u32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let m = v.unsigned_abs();
    match radix {
        2 => format!("{sign}0b{m:b}"),
        8 => format!("{sign}0o{m:o}"),
        16 => format!("{sign}0x{m:x}"),
        10 => v.to_string(),
        _ => int_to_str_radix(&BigInt::from(v), radix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_result(s: &str, base: u32) -> Result<String, String> {
        match parse_int_limited(s, base, DEFAULT_MAX_STR_DIGITS) {
            Ok(IntParse::Small(v)) => Ok(v.to_string()),
            Ok(IntParse::Big(v)) => {
                assert!(v.to_i64().is_none(), "{s:?} fits i64 but came back Big");
                Ok(v.to_string())
            }
            Err(IntParseError::Invalid) => Err(int_parse_error(s, base)),
            Err(IntParseError::TooManyDigits { limit, digits }) => {
                Err(int_digit_limit_error(limit, digits))
            }
            Err(IntParseError::BadBase) => Err(INT_BASE_ERROR.to_owned()),
        }
    }

    /// `int(s, base)` results and messages from CPython 3.11: whitespace,
    /// signs, underscores, prefixes, base 0, Unicode digits, i64 edges.
    #[test]
    fn int_parse_matches_cpython() {
        let cases: &[(&str, u32, Result<&str, &str>)] = &[
            ("12", 10, Ok("12")),
            (" -12 ", 10, Ok("-12")),
            (
                "+_1",
                10,
                Err("invalid literal for int() with base 10: '+_1'"),
            ),
            ("1_000", 10, Ok("1000")),
            (
                "1__0",
                10,
                Err("invalid literal for int() with base 10: '1__0'"),
            ),
            (
                "1_",
                10,
                Err("invalid literal for int() with base 10: '1_'"),
            ),
            (
                "_1",
                10,
                Err("invalid literal for int() with base 10: '_1'"),
            ),
            ("0x1f", 16, Ok("31")),
            ("0x_1f", 16, Ok("31")),
            (
                "0x__1f",
                16,
                Err("invalid literal for int() with base 16: '0x__1f'"),
            ),
            ("0x1f", 0, Ok("31")),
            ("0X1F", 0, Ok("31")),
            (
                "010",
                0,
                Err("invalid literal for int() with base 0: '010'"),
            ),
            ("000", 0, Ok("0")),
            ("0_0", 0, Ok("0")),
            (
                "00_7",
                0,
                Err("invalid literal for int() with base 0: '00_7'"),
            ),
            ("0b101", 0, Ok("5")),
            ("0B101", 0, Ok("5")),
            ("0o17", 0, Ok("15")),
            ("0o17", 8, Ok("15")),
            ("0O17", 8, Ok("15")),
            ("0b1", 16, Ok("177")),
            ("z", 36, Ok("35")),
            ("Z", 36, Ok("35")),
            ("12", 2, Err("invalid literal for int() with base 2: '12'")),
            ("", 10, Err("invalid literal for int() with base 10: ''")),
            (" ", 10, Err("invalid literal for int() with base 10: ' '")),
            ("-", 10, Err("invalid literal for int() with base 10: '-'")),
            ("+", 10, Err("invalid literal for int() with base 10: '+'")),
            ("\u{661}\u{662}", 10, Ok("12")),
            ("\u{661}\u{662}", 16, Ok("18")),
            ("\u{a0}12\u{2003}", 10, Ok("12")),
            (
                "1\u{0}2",
                10,
                Err("invalid literal for int() with base 10: '1\\x002'"),
            ),
            (
                "12\u{1c}",
                10,
                Err("invalid literal for int() with base 10: '12\\x1c'"),
            ),
            (
                "0x",
                16,
                Err("invalid literal for int() with base 16: '0x'"),
            ),
            ("0x", 0, Err("invalid literal for int() with base 0: '0x'")),
            ("-0", 10, Ok("0")),
            ("9223372036854775807", 10, Ok("9223372036854775807")),
            ("9223372036854775808", 10, Ok("9223372036854775808")),
            ("-9223372036854775808", 10, Ok("-9223372036854775808")),
            ("-9223372036854775809", 10, Ok("-9223372036854775809")),
            (
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                10,
                Err(
                    "invalid literal for int() with base 10: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                ),
            ),
            (
                "it's",
                10,
                Err("invalid literal for int() with base 10: \"it's\""),
            ),
            (
                "0b_",
                0,
                Err("invalid literal for int() with base 0: '0b_'"),
            ),
            ("\u{661}_\u{662}", 10, Ok("12")),
            (
                "1 2",
                10,
                Err("invalid literal for int() with base 10: '1 2'"),
            ),
            ("0_", 0, Err("invalid literal for int() with base 0: '0_'")),
            ("ff", 16, Ok("255")),
            ("-FF", 16, Ok("-255")),
            (
                "0xg",
                16,
                Err("invalid literal for int() with base 16: '0xg'"),
            ),
            ("777", 8, Ok("511")),
            ("8", 8, Err("invalid literal for int() with base 8: '8'")),
            ("1010", 2, Ok("10")),
            ("0b1010", 2, Ok("10")),
            (
                "0b1010",
                10,
                Err("invalid literal for int() with base 10: '0b1010'"),
            ),
            ("\u{9}\u{a} 42\u{b}\u{c}\u{d}", 10, Ok("42")),
            ("42\u{85}", 10, Ok("42")),
            ("\u{3000}-7", 10, Ok("-7")),
            (
                "\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}\u{667}\u{668}\u{669}\u{660}\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}\u{667}\u{668}\u{669}\u{660}",
                10,
                Ok("12345678901234567890"),
            ),
            (
                "12x",
                10,
                Err("invalid literal for int() with base 10: '12x'"),
            ),
            (
                "12\u{e9}",
                10,
                Err("invalid literal for int() with base 10: '12\u{e9}'"),
            ),
            (
                "1e5",
                10,
                Err("invalid literal for int() with base 10: '1e5'"),
            ),
            (
                "1.0",
                10,
                Err("invalid literal for int() with base 10: '1.0'"),
            ),
            (
                "000000000000000000000000000000000000000000000000001",
                10,
                Ok("1"),
            ),
            (
                "999999999999999999999999999999999999999999999999999999999999",
                10,
                Ok("999999999999999999999999999999999999999999999999999999999999"),
            ),
            (
                "-7777777777777777777777777777777777777777",
                8,
                Ok("-1329227995784915872903807060280344575"),
            ),
            (
                "zz",
                35,
                Err("invalid literal for int() with base 35: 'zz'"),
            ),
            ("yy", 35, Ok("1224")),
            ("0x1F", 36, Ok("42819")),
            (
                "0b1",
                11,
                Err("invalid literal for int() with base 11: '0b1'"),
            ),
            ("0o7", 25, Ok("607")),
            ("+0x10", 0, Ok("16")),
            (
                "- 1",
                10,
                Err("invalid literal for int() with base 10: '- 1'"),
            ),
            (
                "--1",
                10,
                Err("invalid literal for int() with base 10: '--1'"),
            ),
            ("\u{1d7d9}\u{1d7da}", 10, Ok("12")),
            (
                "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                10,
                Ok("0"),
            ),
            (
                "0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_1",
                10,
                Ok("1"),
            ),
        ];
        for &(s, base, want) in cases {
            let want = want.map(str::to_owned).map_err(str::to_owned);
            assert_eq!(int_result(s, base), want, "int({s:?}, {base})");
        }
    }

    #[test]
    fn int_digit_limit_and_bases() {
        let long = "1".repeat(5000);
        assert_eq!(
            int_result(&long, 10),
            Err("Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit".to_owned())
        );
        assert!(
            int_result(&long, 16).is_ok(),
            "power-of-two bases have no limit"
        );
        assert!(parse_int(&long, 10).is_some(), "parse_int has no limit");
        assert_eq!(int_result("1", 1), Err(INT_BASE_ERROR.to_owned()));
        assert_eq!(int_result("1", 37), Err(INT_BASE_ERROR.to_owned()));
    }

    /// `float(s)` results (as bits) and messages from CPython 3.11.
    #[test]
    fn float_parse_matches_cpython() {
        let cases: &[(&str, Result<u64, &str>)] = &[
            ("1", Ok(0x3ff0000000000000)),
            ("1.5", Ok(0x3ff8000000000000)),
            (" 1.5 ", Ok(0x3ff8000000000000)),
            ("1_000.5", Ok(0x408f440000000000)),
            ("1__0", Err("could not convert string to float: '1__0'")),
            ("1_.5", Err("could not convert string to float: '1_.5'")),
            ("1._5", Err("could not convert string to float: '1._5'")),
            ("1e_5", Err("could not convert string to float: '1e_5'")),
            ("1e5_0", Ok(0x4a511b0ec57e649a)),
            ("_1", Err("could not convert string to float: '_1'")),
            ("1_", Err("could not convert string to float: '1_'")),
            (".5", Ok(0x3fe0000000000000)),
            ("5.", Ok(0x4014000000000000)),
            (".", Err("could not convert string to float: '.'")),
            ("e5", Err("could not convert string to float: 'e5'")),
            ("1e", Err("could not convert string to float: '1e'")),
            ("1e+", Err("could not convert string to float: '1e+'")),
            ("-inf", Ok(0xfff0000000000000)),
            ("+Infinity", Ok(0x7ff0000000000000)),
            ("nAn", Ok(0x7ff8000000000000)),
            ("-nan", Ok(0xfff8000000000000)),
            (
                "infinit",
                Err("could not convert string to float: 'infinit'"),
            ),
            ("inf_", Err("could not convert string to float: 'inf_'")),
            ("1e500", Ok(0x7ff0000000000000)),
            ("-1e-500", Ok(0x8000000000000000)),
            ("0x10", Err("could not convert string to float: '0x10'")),
            ("\u{661}.\u{662}", Ok(0x3ff3333333333333)),
            ("\u{a0}1.5\u{2003}", Ok(0x3ff8000000000000)),
            (
                "1.5\u{0}",
                Err("could not convert string to float: '1.5\\x00'"),
            ),
            ("", Err("could not convert string to float: ''")),
            ("  ", Err("could not convert string to float: '  '")),
            ("1 .5", Err("could not convert string to float: '1 .5'")),
            ("1.5e-3", Ok(0x3f589374bc6a7efa)),
            ("1E+05", Ok(0x40f86a0000000000)),
            ("+.5e-2", Ok(0x3f747ae147ae147b)),
            ("1,5", Err("could not convert string to float: '1,5'")),
            ("\u{ff11}\u{ff12}", Ok(0x4028000000000000)),
            (
                "12\u{1c}",
                Err("could not convert string to float: '12\\x1c'"),
            ),
            ("i_nf", Err("could not convert string to float: 'i_nf'")),
            ("0_0.0_0e0_0", Ok(0x0000000000000000)),
            ("1e-_5", Err("could not convert string to float: '1e-_5'")),
            ("1.5j", Err("could not convert string to float: '1.5j'")),
            ("0.1", Ok(0x3fb999999999999a)),
            ("123456789.123", Ok(0x419d6f34547df3b6)),
            ("1e16", Ok(0x4341c37937e08000)),
            ("1e-5", Ok(0x3ee4f8b588e368f1)),
            ("2.2250738585072014e-308", Ok(0x0010000000000000)),
            ("4.9e-324", Ok(0x0000000000000001)),
            ("2.4703282292062327e-324", Ok(0x0000000000000000)),
            ("2.4703282292062328e-324", Ok(0x0000000000000001)),
            ("1.7976931348623157e308", Ok(0x7fefffffffffffff)),
            ("1.7976931348623159e308", Ok(0x7ff0000000000000)),
            ("0.30000000000000004", Ok(0x3fd3333333333334)),
            ("9007199254740993", Ok(0x4340000000000000)),
            ("-0", Ok(0x8000000000000000)),
            ("-0.0", Ok(0x8000000000000000)),
            ("+0.0", Ok(0x0000000000000000)),
            ("inFINITY", Ok(0x7ff0000000000000)),
            ("-iNf", Ok(0xfff0000000000000)),
            ("nan ", Ok(0x7ff8000000000000)),
            ("  -nan", Ok(0xfff8000000000000)),
            ("1e+", Err("could not convert string to float: '1e+'")),
            ("1.e5", Ok(0x40f86a0000000000)),
            (".e5", Err("could not convert string to float: '.e5'")),
            ("1e5.5", Err("could not convert string to float: '1e5.5'")),
            ("--1", Err("could not convert string to float: '--1'")),
            ("+-1", Err("could not convert string to float: '+-1'")),
            (
                "12\u{e9}",
                Err("could not convert string to float: '12\u{e9}'"),
            ),
            (
                "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111.5",
                Ok(0x7ff0000000000000),
            ),
            (
                "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001e400",
                Ok(0x3fb999999999999a),
            ),
        ];
        for &(s, want) in cases {
            let got = parse_float(s).ok_or_else(|| float_parse_error(s));
            match (got, want) {
                (Ok(g), Ok(w)) => {
                    let w = f64::from_bits(w);
                    assert!(
                        (g.is_nan() && w.is_nan()) || g.to_bits() == w.to_bits(),
                        "float({s:?}) = {g:e}, want {w:e}"
                    );
                }
                (Err(g), Err(w)) => assert_eq!(g, w, "float({s:?})"),
                (g, w) => panic!("float({s:?}): got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn ascii_matches_cpython() {
        assert_eq!(
            ascii_escape(&py_str_repr("h\u{e9}llo \u{1F600} \u{200b} \u{7f} 'q'")),
            r#""h\xe9llo \U0001f600 \u200b \x7f 'q'""#
        );
    }

    #[test]
    fn negative_nan_keeps_its_sign_bit() {
        assert!(parse_float("-nan").is_some_and(|x| x.is_nan() && x.is_sign_negative()));
    }

    /// `repr(s)` from CPython 3.11: quote choice and every escape form.
    #[test]
    fn str_repr_matches_cpython() {
        let cases: &[(&str, &str)] = &[
            ("", "''"),
            ("a", "'a'"),
            ("it's", "\"it's\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("both ' and \"", "'both \\' and \"'"),
            ("back\\slash", "'back\\\\slash'"),
            ("\u{a}\u{d}\u{9}", "'\\n\\r\\t'"),
            ("\u{0}\u{1f}\u{7f}", "'\\x00\\x1f\\x7f'"),
            (
                "\u{80}\u{85}\u{a0}\u{ad}\u{ff}",
                "'\\x80\\x85\\xa0\\xad\u{ff}'",
            ),
            ("\u{e9}\u{65e5}\u{672c}", "'\u{e9}\u{65e5}\u{672c}'"),
            (
                "\u{200b}\u{2028}\u{2029}\u{3000}\u{feff}\u{e000}",
                "'\\u200b\\u2028\\u2029\\u3000\\ufeff\\ue000'",
            ),
            (
                "\u{1f600}\u{e0001}\u{10ffff}",
                "'\u{1f600}\\U000e0001\\U0010ffff'",
            ),
            ("\u{1d7ce}", "'\u{1d7ce}'"),
            ("\u{378}", "'\\u0378'"),
            ("tab\u{9}here", "'tab\\there'"),
        ];
        for &(s, want) in cases {
            assert_eq!(py_str_repr(s), want);
        }
    }

    /// `str.isprintable` on every code point against CPython 3.11's ranges.
    /// CPython uses Unicode 14.0 and the table here 16.0: the only differences
    /// allowed are code points unassigned in 14.0 that 16.0 assigned
    /// (printable here, not in CPython): Unicode 15.0, 15.1 and 16.0 added 10,301
    /// characters, and the differences must stay within that.
    #[test]
    fn printable_matches_cpython_except_newer_unicode() {
        let mut ranges = Vec::new();
        for line in include_str!("testdata/printable_ranges.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
        {
            let (a, b) = line.split_once(' ').expect("lines are `start end`");
            ranges.push((
                u32::from_str_radix(a, 16).expect("hex"),
                u32::from_str_radix(b, 16).expect("hex"),
            ));
        }
        let cpython = |c: u32| ranges.iter().any(|&(a, b)| a <= c && c <= b);
        let mut newer = 0;
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let (ours, theirs) = (is_printable(c), cpython(c as u32));
            if ours != theirs {
                assert!(
                    ours && !theirs,
                    "U+{:04X}: CPython says printable, we do not",
                    c as u32
                );
                newer += 1;
            }
        }
        assert!(newer <= 10_301, "{newer} differences");
    }

    #[test]
    fn decimal_digits_match_cpython_runs() {
        let starts = [
            0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
            0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
            0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50,
            0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450,
            0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0,
            0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140,
            0x1e2f0, 0x1e950, 0x1fbf0,
        ];
        for s in starts {
            for k in 0..10 {
                let c = char::from_u32(s + k).expect("digits are scalar values");
                assert_eq!(decimal_value(c), Some(k), "U+{:04X}", s + k);
            }
        }
        assert_eq!(decimal_value('a'), None);
        assert_eq!(
            decimal_value('\u{bc}'),
            None,
            "vulgar fraction one quarter is numeric, not decimal"
        );
        assert_eq!(
            decimal_value('\u{2460}'),
            None,
            "circled digits are No, not Nd"
        );
    }

    #[test]
    fn space_matches_cpython_isspace() {
        let cpython = [
            0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000,
            0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028,
            0x2029, 0x202f, 0x205f, 0x3000,
        ];
        let ours: Vec<u32> = (0..0x11_0000u32)
            .filter(|&c| char::from_u32(c).is_some_and(is_space))
            .collect();
        assert_eq!(ours, cpython);
    }

    /// `bin`, `oct`, `hex` from CPython 3.11, i64 and big.
    #[test]
    fn radix_strings_match_cpython() {
        let cases: &[(&str, &str, &str, &str)] = &[
            ("0", "0b0", "0o0", "0x0"),
            ("1", "0b1", "0o1", "0x1"),
            ("-1", "-0b1", "-0o1", "-0x1"),
            ("5", "0b101", "0o5", "0x5"),
            ("-5", "-0b101", "-0o5", "-0x5"),
            ("255", "0b11111111", "0o377", "0xff"),
            ("-255", "-0b11111111", "-0o377", "-0xff"),
            (
                "9223372036854775807",
                "0b111111111111111111111111111111111111111111111111111111111111111",
                "0o777777777777777777777",
                "0x7fffffffffffffff",
            ),
            (
                "-9223372036854775808",
                "-0b1000000000000000000000000000000000000000000000000000000000000000",
                "-0o1000000000000000000000",
                "-0x8000000000000000",
            ),
            (
                "18446744073709551616",
                "0b10000000000000000000000000000000000000000000000000000000000000000",
                "0o2000000000000000000000",
                "0x10000000000000000",
            ),
            (
                "-1267650600228229401496703205373",
                "-0b1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111101",
                "-0o1777777777777777777777777777777775",
                "-0xffffffffffffffffffffffffd",
            ),
        ];
        for &(v, b, o, h) in cases {
            let big: BigInt = v.parse().expect("decimal");
            assert_eq!(
                (
                    int_to_str_radix(&big, 2),
                    int_to_str_radix(&big, 8),
                    int_to_str_radix(&big, 16)
                ),
                (b.to_owned(), o.to_owned(), h.to_owned())
            );
            if let Ok(small) = v.parse::<i64>() {
                assert_eq!(
                    (
                        i64_to_str_radix(small, 2),
                        i64_to_str_radix(small, 8),
                        i64_to_str_radix(small, 16)
                    ),
                    (b.to_owned(), o.to_owned(), h.to_owned())
                );
            }
        }
    }

    #[test]
    fn parsers_never_panic_on_odd_text() {
        let pieces = [
            "0",
            "x",
            "_",
            " ",
            "-",
            "+",
            "e",
            ".",
            "\u{661}",
            "\u{0}",
            "b",
            "o",
            "\u{1F600}",
            "9",
            "inf",
            "\u{3000}",
        ];
        let mut seed: u64 = 12345;
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 60) as usize;
            let s: String = (0..len)
                .map(|i| pieces[((seed >> (i * 4)) & 15) as usize])
                .collect();
            for base in [0, 2, 8, 10, 16, 36] {
                if let Some(v) = parse_int(&s, base) {
                    assert!(!matches!(v, IntParse::Big(ref b) if b.to_i64().is_some()));
                }
            }
            if let Some(x) = parse_float(&s) {
                assert!(!s.trim().is_empty() || x.is_nan(), "{s:?}");
            }
        }
    }
}
