//! The format mini-language shared by `format()`, `str.format` and f-strings,
//! for `int`, `float` and `str`, plus the float arithmetic whose results are
//! printed the same way (`round(x, n)`, `//`, `%`, `divmod`).
//!
//! A port of CPython 3.11's `Python/formatter_unicode.c`: every output
//! character and every error message follows it. Pure: it never sees the
//! interpreter's values, only `BigInt`, `f64` and `&str`. It must never
//! panic on any spec string, and never build a string larger than
//! [`FORMAT_SIZE_LIMIT`] characters (a sandbox limit CPython does not have).
//!
//! An empty spec is `str(value)` in CPython (so `format(True, "")` is
//! `'True'`): the caller handles it before parsing.

use std::borrow::Cow;

use num_bigint::{BigInt, Sign as BigSign};
use num_traits::{ToPrimitive, Zero};

use crate::values::float_repr::{DtoaFlags, double_to_string};
use crate::values::numparse::decimal_value;

/// Widths and precisions above this are refused with a `MemoryError`
/// rather than building a gigantic string inside the sandbox.
pub const FORMAT_SIZE_LIMIT: usize = 1 << 26;

/// Which Python exception a formatting error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    ValueError,
    OverflowError,
    MemoryError,
}

/// A formatting failure: the exception type and CPython's exact message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub kind: ErrorKind,
    pub message: String,
}

impl FormatError {
    #[cold]
    #[inline(never)]
    pub fn value(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::ValueError,
            message: message.into(),
        }
    }
    #[cold]
    #[inline(never)]
    pub fn overflow(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::OverflowError,
            message: message.into(),
        }
    }
    #[cold]
    #[inline(never)]
    pub fn memory() -> Self {
        Self {
            kind: ErrorKind::MemoryError,
            message: String::new(),
        }
    }
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// `<`
    Left,
    /// `>`
    Right,
    /// `^`
    Center,
    /// `=`: padding between the sign and the digits.
    AfterSign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// `-` given explicitly (the default behaviour, but strings reject it).
    Minus,
    /// `+`
    Plus,
    /// ` `
    Space,
}

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one bool per flag of the mini-language"
)]
pub struct FormatSpec {
    /// The fill character; `'0'` when the `0` flag was given without a fill.
    pub fill: char,
    /// The alignment as written; `None` lets each type pick its default.
    pub align: Option<Align>,
    pub sign: Option<Sign>,
    /// `z`: coerce negative zero (floats only).
    pub z: bool,
    /// `#`
    pub alternate: bool,
    /// The `0` flag was given (and no explicit fill).
    pub zero: bool,
    pub width: Option<usize>,
    /// `,` or `_`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// The presentation type, `None` when omitted.
    pub ty: Option<char>,
}

fn align_of(c: char) -> Option<Align> {
    match c {
        '<' => Some(Align::Left),
        '>' => Some(Align::Right),
        '^' => Some(Align::Center),
        '=' => Some(Align::AfterSign),
        _ => None,
    }
}

/// CPython's `get_integer`: Unicode decimal digits, overflow past `isize::MAX`
/// is an error. Returns the value and how many characters it used.
fn get_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, FormatError> {
    let start = *pos;
    let mut acc: usize = 0;
    while let Some(d) = chars.get(*pos).copied().and_then(decimal_value) {
        acc = acc
            .checked_mul(10)
            .and_then(|a| a.checked_add(d as usize))
            .filter(|&a| isize::try_from(a).is_ok())
            .ok_or_else(|| FormatError::value("Too many decimal digits in format string"))?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(acc))
}

/// Parses a format spec. `type_name` is the Python type of the value being
/// formatted, for the "Invalid format specifier" message.
///
/// The check that grouping fits the presentation type needs the type's
/// default presentation and is done by `format_int`/`format_float`/`format_str`,
/// which is still before any other error CPython would give.
///
/// # Errors
/// CPython's `ValueError` messages for malformed specs.
pub fn parse_format_spec(spec: &str, type_name: &str) -> Result<FormatSpec, FormatError> {
    // Specs are short: kept inline, so an f-string's `{x:02d}` allocates nothing here.
    let chars: smallvec::SmallVec<[char; 16]> = spec.chars().collect();
    let mut out = FormatSpec {
        fill: ' ',
        align: None,
        sign: None,
        z: false,
        alternate: false,
        zero: false,
        width: None,
        grouping: None,
        precision: None,
        ty: None,
    };
    let mut pos = 0;
    let mut fill_specified = false;
    if let Some(a) = chars.get(1).copied().and_then(align_of) {
        out.fill = chars[0];
        out.align = Some(a);
        fill_specified = true;
        pos = 2;
    } else if let Some(a) = chars.first().copied().and_then(align_of) {
        out.align = Some(a);
        pos = 1;
    }
    match chars.get(pos) {
        Some('+') => out.sign = Some(Sign::Plus),
        Some('-') => out.sign = Some(Sign::Minus),
        Some(' ') => out.sign = Some(Sign::Space),
        _ => {}
    }
    if out.sign.is_some() {
        pos += 1;
    }
    if chars.get(pos) == Some(&'z') {
        out.z = true;
        pos += 1;
    }
    if chars.get(pos) == Some(&'#') {
        out.alternate = true;
        pos += 1;
    }
    if !fill_specified && chars.get(pos) == Some(&'0') {
        out.fill = '0';
        out.zero = true;
        pos += 1;
    }
    out.width = get_integer(&chars, &mut pos)?;
    if chars.get(pos) == Some(&',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if chars.get(pos) == Some(&'_') {
        if out.grouping.is_some() {
            return Err(FormatError::value("Cannot specify both ',' and '_'."));
        }
        out.grouping = Some('_');
        pos += 1;
    }
    if chars.get(pos) == Some(&',') && out.grouping == Some('_') {
        return Err(FormatError::value("Cannot specify both ',' and '_'."));
    }
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        out.precision = get_integer(&chars, &mut pos)?;
        if out.precision.is_none() {
            return Err(FormatError::value("Format specifier missing precision"));
        }
    }
    match chars.len() - pos.min(chars.len()) {
        0 => {}
        1 => out.ty = Some(chars[pos]),
        _ => {
            return Err(FormatError::value(format!(
                "Invalid format specifier '{spec}' for object of type '{type_name}'"
            )));
        }
    }
    Ok(out)
}

/// A presentation type as CPython's messages print it: the character when
/// printable ASCII, else `\x` and its code in hex.
fn code_repr(c: char) -> String {
    if (33..128).contains(&(c as u32)) {
        c.to_string()
    } else {
        format!("\\x{:x}", c as u32)
    }
}

#[cold]
fn unknown_code(ty: char, type_name: &str) -> FormatError {
    FormatError::value(format!(
        "Unknown format code '{}' for object of type '{type_name}'",
        code_repr(ty)
    ))
}

/// The grouping/type compatibility check at the end of CPython's parser.
/// Returns the digit group size and separator to use.
fn grouping_for(spec: &FormatSpec, ty: Option<char>) -> Result<Option<(usize, char)>, FormatError> {
    let Some(sep) = spec.grouping else {
        return Ok(None);
    };
    match ty {
        None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => Ok(Some((3, sep))),
        Some('b' | 'o' | 'x' | 'X') if sep == '_' => Ok(Some((4, sep))),
        Some(t) => Err(FormatError::value(format!(
            "Cannot specify '{sep}' with '{}'.",
            code_repr(t)
        ))),
    }
}

fn check_size(spec: &FormatSpec) -> Result<(), FormatError> {
    if spec.width.unwrap_or(0) > FORMAT_SIZE_LIMIT
        || spec.precision.unwrap_or(0) > FORMAT_SIZE_LIMIT
    {
        return Err(FormatError::memory());
    }
    Ok(())
}

fn push_n(out: &mut String, c: char, n: usize) {
    for _ in 0..n {
        out.push(c);
    }
}

/// CPython's `_PyUnicode_InsertThousandsGrouping`: the digits with separators,
/// left-padded with zeros (also grouped) up to `min_width` characters.
fn group_digits(digits: &str, min_width: i64, grouping: Option<(usize, char)>) -> String {
    if grouping.is_none() {
        // No separators: the digits left-padded with zeros (the loop below, done directly).
        let n = digits.chars().count();
        let zeros = usize::try_from(min_width).unwrap_or(0).saturating_sub(n);
        let mut g = String::with_capacity(zeros + digits.len());
        push_n(&mut g, '0', zeros);
        g.push_str(digits);
        return g;
    }
    let digits: Vec<char> = digits.chars().collect();
    let mut min_width = min_width.max(0);
    let mut remaining = digits.len() as i64;
    // Groups are produced right to left, then reversed.
    let mut groups: Vec<String> = Vec::new();
    let mut end = digits.len();
    let mut take = |len: i64, remaining: i64, groups: &mut Vec<String>| {
        let n_zeros = (len - remaining).max(0);
        let n_chars = remaining.min(len).max(0) as usize;
        let mut g = String::new();
        push_n(&mut g, '0', n_zeros as usize);
        g.extend(&digits[end - n_chars..end]);
        end -= n_chars;
        groups.push(g);
        n_chars as i64
    };
    let mut broken = false;
    if let Some((size, _)) = grouping {
        let size = size as i64;
        loop {
            let len = size.min(remaining.max(min_width).max(1));
            remaining -= take(len, remaining, &mut groups);
            min_width -= len;
            if remaining <= 0 && min_width <= 0 {
                broken = true;
                break;
            }
            min_width -= 1;
        }
    }
    if !broken {
        let len = remaining.max(min_width).max(1);
        take(len, remaining, &mut groups);
    }
    groups.reverse();
    let sep = grouping.map_or(String::new(), |(_, c)| c.to_string());
    groups.join(&sep)
}

/// What `fill_number` lays out: `[sign][prefix][digits][.][remainder]`.
struct NumberParts<'a> {
    negative: bool,
    prefix: &'a str,
    digits: &'a str,
    decimal: bool,
    remainder: &'a str,
}

/// CPython's `calc_number_widths` + `fill_number`.
fn layout_number(
    parts: &NumberParts<'_>,
    spec: &FormatSpec,
    grouping: Option<(usize, char)>,
    upper: bool,
) -> String {
    let align = spec.align.unwrap_or(if spec.zero {
        Align::AfterSign
    } else {
        Align::Right
    });
    let sign = match (spec.sign, parts.negative) {
        (_, true) => Some('-'),
        (Some(Sign::Plus), false) => Some('+'),
        (Some(Sign::Space), false) => Some(' '),
        _ => None,
    };
    let count = |s: &str| s.chars().count() as i64;
    let width = spec.width.map_or(-1, |w| w as i64);
    let non_digit = i64::from(sign.is_some())
        + count(parts.prefix)
        + i64::from(parts.decimal)
        + count(parts.remainder);
    let min_width = if spec.fill == '0' && align == Align::AfterSign {
        width - non_digit
    } else {
        0
    };
    // Without separators the digits are copied as they are, after `zeros` zeros.
    let (zeros, grouped) = if parts.digits.is_empty() {
        (0, Cow::Borrowed(""))
    } else if grouping.is_none() && !upper {
        let n = count(parts.digits);
        (usize::try_from(min_width - n).unwrap_or(0), Cow::Borrowed(parts.digits))
    } else {
        let mut g = group_digits(parts.digits, min_width, grouping);
        if upper {
            g = g.to_ascii_uppercase();
        }
        (0, Cow::Owned(g))
    };
    let padding = (width - non_digit - zeros as i64 - count(&grouped)).max(0) as usize;
    let (left, middle, right) = match align {
        Align::Left => (0, 0, padding),
        Align::Center => (padding / 2, 0, padding - padding / 2),
        Align::AfterSign => (0, padding, 0),
        Align::Right => (padding, 0, 0),
    };
    // The exact size, so that the str made of it keeps this buffer as it is.
    let mut out = String::with_capacity(
        (left + middle + right) * spec.fill.len_utf8()
            + sign.map_or(0, char::len_utf8)
            + parts.prefix.len()
            + zeros
            + grouped.len()
            + usize::from(parts.decimal)
            + parts.remainder.len(),
    );
    push_n(&mut out, spec.fill, left);
    if let Some(s) = sign {
        out.push(s);
    }
    if upper {
        out.push_str(&parts.prefix.to_ascii_uppercase());
    } else {
        out.push_str(parts.prefix);
    }
    push_n(&mut out, spec.fill, middle);
    push_n(&mut out, '0', zeros);
    out.push_str(&grouped);
    if parts.decimal {
        out.push('.');
    }
    out.push_str(parts.remainder);
    push_n(&mut out, spec.fill, right);
    out
}

/// `format(int, spec)` for an already parsed spec. `type_name` is `int`,
/// `bool` or a subclass name, for messages.
///
/// # Errors
/// CPython's `ValueError`s for specs that do not apply to ints, the
/// `OverflowError`s of `c` and of the float conversions, `MemoryError` past
/// [`FORMAT_SIZE_LIMIT`].
pub fn format_int(
    value: &BigInt,
    spec: &FormatSpec,
    type_name: &str,
) -> Result<String, FormatError> {
    format_int_arg(IntArg::Big(value), spec, type_name)
}

/// An int to format: machine-sized ones take no `BigInt` on the way.
#[derive(Clone, Copy)]
enum IntArg<'a> {
    Small(i64),
    Big(&'a BigInt),
}

/// The digits of `m` in `radix` (2 to 16), lowercase, as `BigUint::to_str_radix` gives
/// them, written at the end of `buf`.
fn u64_digits(buf: &mut [u8; 64], mut m: u64, radix: u32) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b"0123456789abcdef"[(m % u64::from(radix)) as usize];
        m /= u64::from(radix);
        if m == 0 {
            break;
        }
    }
    // ASCII digits only, so this cannot fail.
    std::str::from_utf8(&buf[i..]).unwrap_or("")
}

fn format_int_arg(value: IntArg<'_>, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    let ty = spec.ty.unwrap_or('d');
    let grouping = grouping_for(spec, Some(ty))?;
    match ty {
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => {}
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            let f = match value {
                IntArg::Small(v) => int_to_f64(&BigInt::from(v))?,
                IntArg::Big(b) => int_to_f64(b)?,
            };
            return format_float(f, spec, type_name);
        }
        other => return Err(unknown_code(other, type_name)),
    }
    check_size(spec)?;
    if spec.precision.is_some() {
        return Err(FormatError::value(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.z {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    if ty == 'c' {
        if spec.sign.is_some() {
            return Err(FormatError::value(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if spec.alternate {
            return Err(FormatError::value(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        let code = match value {
            IntArg::Small(v) => Some(v),
            IntArg::Big(b) => b.to_i64(),
        };
        let code = code
            .ok_or_else(|| FormatError::overflow("Python int too large to convert to C long"))?;
        let ch = u32::try_from(code)
            .ok()
            .filter(|&c| c < 0x11_0000)
            .ok_or_else(|| FormatError::overflow("%c arg not in range(0x110000)"))?;
        // Lone surrogates cannot live in a Rust string; U+FFFD stands in.
        let ch = char::from_u32(ch).unwrap_or('\u{fffd}').to_string();
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            decimal: false,
            remainder: &ch,
        };
        return Ok(layout_number(&parts, spec, None, false));
    }
    let (radix, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' | 'X' => (16, "0x"),
        _ => (10, ""),
    };
    let mut buf = [0u8; 64];
    let (digits, negative) = match value {
        IntArg::Small(v) => (Cow::Borrowed(u64_digits(&mut buf, v.unsigned_abs(), radix)), v < 0),
        IntArg::Big(b) => (Cow::Owned(b.magnitude().to_str_radix(radix)), b.sign() == BigSign::Minus),
    };
    let parts = NumberParts {
        negative,
        prefix: if spec.alternate { prefix } else { "" },
        digits: &digits,
        decimal: false,
        remainder: "",
    };
    // 'n' groups by the current locale, which is always "C" here: none.
    let grouping = if ty == 'n' { None } else { grouping };
    Ok(layout_number(&parts, spec, grouping, ty == 'X'))
}

/// `format(i64, spec)`; the same as [`format_int`] on the equal `BigInt`.
///
/// # Errors
/// As [`format_int`].
pub fn format_i64(value: i64, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    format_int_arg(IntArg::Small(value), spec, type_name)
}

/// Python's `float(int)`: correctly rounded, `OverflowError` past the float range.
///
/// # Errors
/// "int too large to convert to float".
pub fn int_to_f64(value: &BigInt) -> Result<f64, FormatError> {
    let too_large = || FormatError::overflow("int too large to convert to float");
    if value.bits() > 1024 {
        return Err(too_large());
    }
    if let Some(small) = value.to_i64().filter(|s| s.unsigned_abs() < (1 << 53)) {
        #[allow(clippy::cast_precision_loss, reason = "exact below 2**53")]
        return Ok(small as f64);
    }
    // Rust's decimal parser rounds correctly (ties to even), as PyLong_AsDouble does.
    let x: f64 = value.to_string().parse().map_err(|_| too_large())?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(too_large())
    }
}

/// `format(float, spec)` for an already parsed spec.
///
/// # Errors
/// CPython's `ValueError`s, `MemoryError` past [`FORMAT_SIZE_LIMIT`].
pub fn format_float(value: f64, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    let grouping = grouping_for(spec, spec.ty)?;
    match spec.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => {}
        Some(other) => return Err(unknown_code(other, type_name)),
    }
    check_size(spec)?;
    if spec.precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err(FormatError::value("precision too big"));
    }
    let mut flags = DtoaFlags {
        alt: spec.alternate,
        no_neg_0: spec.z,
        ..DtoaFlags::default()
    };
    let mut default_precision = 6;
    let mut code = spec.ty.unwrap_or('r');
    if spec.ty.is_none() {
        flags.add_dot_0 = true;
        default_precision = 0;
    }
    if code == 'n' {
        code = 'g';
    }
    let mut value = value;
    let add_pct = code == '%';
    if add_pct {
        code = 'f';
        value *= 100.0;
    }
    let precision = match spec.precision {
        Some(p) => {
            if code == 'r' {
                code = 'g';
            }
            p
        }
        None => default_precision,
    };
    let mut text = double_to_string(value, code, precision, flags);
    if add_pct {
        text.push('%');
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let int_end = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (digits, rest) = body.split_at(int_end);
    let (decimal, remainder) = match rest.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let parts = NumberParts {
        negative,
        prefix: "",
        digits,
        decimal,
        remainder,
    };
    let grouping = if spec.ty == Some('n') { None } else { grouping };
    Ok(layout_number(&parts, spec, grouping, false))
}

/// `format(str, spec)` for an already parsed spec.
///
/// # Errors
/// CPython's `ValueError`s for number-only options, `MemoryError` past
/// [`FORMAT_SIZE_LIMIT`].
pub fn format_str(value: &str, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    let ty = spec.ty.unwrap_or('s');
    grouping_for(spec, Some(ty))?;
    if ty != 's' {
        return Err(unknown_code(ty, type_name));
    }
    check_size(spec)?;
    match spec.sign {
        Some(Sign::Space) => {
            return Err(FormatError::value(
                "Space not allowed in string format specifier",
            ));
        }
        Some(_) => {
            return Err(FormatError::value(
                "Sign not allowed in string format specifier",
            ));
        }
        None => {}
    }
    if spec.z {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if spec.alternate {
        return Err(FormatError::value(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if spec.align == Some(Align::AfterSign) {
        return Err(FormatError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let mut len = value.chars().count();
    let body = match spec.precision {
        Some(p) if p < len => {
            len = p;
            let cut = value.char_indices().nth(p).map_or(value.len(), |(i, _)| i);
            &value[..cut]
        }
        _ => value,
    };
    let padding = spec.width.unwrap_or(0).saturating_sub(len);
    let (left, right) = match spec.align.unwrap_or(Align::Left) {
        Align::Right => (padding, 0),
        Align::Center => (padding / 2, padding - padding / 2),
        _ => (0, padding),
    };
    let mut out = String::with_capacity(body.len() + padding);
    push_n(&mut out, spec.fill, left);
    out.push_str(body);
    push_n(&mut out, spec.fill, right);
    Ok(out)
}

/// Python's `round(x, ndigits)` for a float: the exact binary value rounded
/// half-to-even at the decimal place, as CPython's `double_round`.
///
/// # Errors
/// `OverflowError` "rounded value too large to represent".
pub fn round_half_even_float(x: f64, ndigits: i64) -> Result<f64, FormatError> {
    // CPython's NDIGITS_MAX and NDIGITS_MIN for IEEE doubles.
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    if ndigits >= 0 {
        let n = usize::try_from(ndigits).unwrap_or(0);
        let text = format!("{x:.n$}");
        // Rounding never leaves the float range when rounding at or right of the point.
        let rounded: f64 = text.parse().unwrap_or(x);
        // "-0.00" parses to -0.0 and "0.00" to 0.0: the sign of x is kept as CPython does.
        return Ok(rounded);
    }
    let scale = BigInt::from(10u32).pow(u32::try_from(-ndigits).unwrap_or(0));
    let truncated = BigInt::from_f64_exact(x.trunc().abs());
    let has_fraction = x.fract() != 0.0;
    let (mut quotient, rem) = (&truncated / &scale, &truncated % &scale);
    let twice = &rem * 2u32;
    let round_up = match twice.cmp(&scale) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => has_fraction || (&quotient % 2u32) == BigInt::from(1u32),
        std::cmp::Ordering::Less => false,
    };
    if round_up {
        quotient += 1u32;
    }
    let result = quotient * scale;
    let magnitude: f64 = result.to_string().parse().unwrap_or(f64::INFINITY);
    if magnitude.is_infinite() {
        return Err(FormatError::overflow(
            "rounded value too large to represent",
        ));
    }
    Ok(magnitude.copysign(x))
}

/// Integer-valued floats to exact big ints.
trait FromF64Exact {
    fn from_f64_exact(x: f64) -> BigInt;
}

impl FromF64Exact for BigInt {
    fn from_f64_exact(x: f64) -> BigInt {
        num_traits::FromPrimitive::from_f64(x).unwrap_or_else(BigInt::zero)
    }
}

/// `round(x)` with no digits: the nearest integral float, ties to even.
#[must_use]
pub fn round_half_even_to_integral(x: f64) -> f64 {
    x.round_ties_even()
}

/// Python's `divmod(a, b)` on floats, CPython's `float_divmod`.
/// The caller raises `ZeroDivisionError` for `b == 0`.
#[must_use]
pub fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0_f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0_f64.copysign(a / b)
    };
    (floordiv, m)
}

/// Python's `a // b` on floats. The caller raises `ZeroDivisionError` for `b == 0`.
#[must_use]
pub fn float_floordiv(a: f64, b: f64) -> f64 {
    float_divmod(a, b).0
}

/// Python's `a % b` on floats, CPython's `float_rem`: the result takes the
/// sign of `b`. The caller raises `ZeroDivisionError` for `b == 0`.
#[must_use]
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) { m + b } else { m }
    } else {
        0.0_f64.copysign(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::float_repr::float_repr;

    fn run(kind: &str, value: &str, spec: &str) -> Result<String, FormatError> {
        if kind == "f" && spec.is_empty() {
            let bits = u64::from_str_radix(value, 16).expect("float bits are hex");
            return Ok(float_repr(f64::from_bits(bits)));
        }
        let type_name = match kind {
            "i" => "int",
            "f" => "float",
            _ => "str",
        };
        let parsed = parse_format_spec(spec, type_name)?;
        match kind {
            "i" => format_int(
                &value.parse::<BigInt>().expect("table ints are decimal"),
                &parsed,
                type_name,
            ),
            "f" => {
                let bits = u64::from_str_radix(value, 16).expect("float bits are hex");
                format_float(f64::from_bits(bits), &parsed, type_name)
            }
            _ => format_str(value, &parsed, type_name),
        }
    }

    /// 6,400 `format(value, spec)` results and errors from CPython 3.11 for
    /// ints (small, negative, huge), floats (0.1, 1e16, 1e-5, inf, nan, -0.0,
    /// ties, random) and strings over ~100 specs each.
    #[test]
    fn format_matches_cpython_table() {
        let table = include_str!("testdata/format_spec.txt");
        let mut failures = Vec::new();
        let mut checked = 0;
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.splitn(6, '\t').collect();
            let (kind, value, spec, outcome) = (fields[0], fields[1], fields[2], fields[3]);
            let got = run(kind, value, spec);
            let ok = match (outcome, &got) {
                ("=", Ok(s)) => s == fields[4],
                ("!", Err(e)) => {
                    let kind_name = match e.kind {
                        ErrorKind::ValueError => "ValueError",
                        ErrorKind::OverflowError => "OverflowError",
                        ErrorKind::MemoryError => "MemoryError",
                    };
                    kind_name == fields[4] && e.message == fields[5]
                }
                _ => false,
            };
            if !ok {
                failures.push(format!("{line}\n    got {got:?}"));
            }
            checked += 1;
        }
        assert!(checked > 6000);
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }
    fn same(got: f64, want_bits: u64) -> bool {
        let want = f64::from_bits(want_bits);
        (got.is_nan() && want.is_nan()) || got.to_bits() == want_bits
    }

    /// `round(x, n)` from CPython 3.11, including ties, negative digits,
    /// the extreme-digit shortcuts and the overflow of `round(1.79e308, -308)`.
    #[test]
    fn round_matches_cpython() {
        let cases: &[(u64, i64, Option<u64>)] = &[
            (0x0000000000000000, 0, Some(0x0000000000000000)),
            (0x0000000000000000, 1, Some(0x0000000000000000)),
            (0x0000000000000000, 2, Some(0x0000000000000000)),
            (0x0000000000000000, 3, Some(0x0000000000000000)),
            (0x0000000000000000, -1, Some(0x0000000000000000)),
            (0x0000000000000000, -2, Some(0x0000000000000000)),
            (0x0000000000000000, -3, Some(0x0000000000000000)),
            (0x0000000000000000, 10, Some(0x0000000000000000)),
            (0x0000000000000000, -308, Some(0x0000000000000000)),
            (0x0000000000000000, -309, Some(0x0000000000000000)),
            (0x0000000000000000, 323, Some(0x0000000000000000)),
            (0x0000000000000000, 324, Some(0x0000000000000000)),
            (0x0000000000000000, -5, Some(0x0000000000000000)),
            (0x8000000000000000, 0, Some(0x8000000000000000)),
            (0x8000000000000000, 1, Some(0x8000000000000000)),
            (0x8000000000000000, 2, Some(0x8000000000000000)),
            (0x8000000000000000, 3, Some(0x8000000000000000)),
            (0x8000000000000000, -1, Some(0x8000000000000000)),
            (0x8000000000000000, -2, Some(0x8000000000000000)),
            (0x8000000000000000, -3, Some(0x8000000000000000)),
            (0x8000000000000000, 10, Some(0x8000000000000000)),
            (0x8000000000000000, -308, Some(0x8000000000000000)),
            (0x8000000000000000, -309, Some(0x8000000000000000)),
            (0x8000000000000000, 323, Some(0x8000000000000000)),
            (0x8000000000000000, 324, Some(0x8000000000000000)),
            (0x8000000000000000, -5, Some(0x8000000000000000)),
            (0x3fe0000000000000, 0, Some(0x0000000000000000)),
            (0x3fe0000000000000, 1, Some(0x3fe0000000000000)),
            (0x3fe0000000000000, 2, Some(0x3fe0000000000000)),
            (0x3fe0000000000000, 3, Some(0x3fe0000000000000)),
            (0x3fe0000000000000, -1, Some(0x0000000000000000)),
            (0x3fe0000000000000, -2, Some(0x0000000000000000)),
            (0x3fe0000000000000, -3, Some(0x0000000000000000)),
            (0x3fe0000000000000, 10, Some(0x3fe0000000000000)),
            (0x3fe0000000000000, -308, Some(0x0000000000000000)),
            (0x3fe0000000000000, -309, Some(0x0000000000000000)),
            (0x3fe0000000000000, 323, Some(0x3fe0000000000000)),
            (0x3fe0000000000000, 324, Some(0x3fe0000000000000)),
            (0x3fe0000000000000, -5, Some(0x0000000000000000)),
            (0x3ff8000000000000, 0, Some(0x4000000000000000)),
            (0x3ff8000000000000, 1, Some(0x3ff8000000000000)),
            (0x3ff8000000000000, 2, Some(0x3ff8000000000000)),
            (0x3ff8000000000000, 3, Some(0x3ff8000000000000)),
            (0x3ff8000000000000, -1, Some(0x0000000000000000)),
            (0x3ff8000000000000, -2, Some(0x0000000000000000)),
            (0x3ff8000000000000, -3, Some(0x0000000000000000)),
            (0x3ff8000000000000, 10, Some(0x3ff8000000000000)),
            (0x3ff8000000000000, -308, Some(0x0000000000000000)),
            (0x3ff8000000000000, -309, Some(0x0000000000000000)),
            (0x3ff8000000000000, 323, Some(0x3ff8000000000000)),
            (0x3ff8000000000000, 324, Some(0x3ff8000000000000)),
            (0x3ff8000000000000, -5, Some(0x0000000000000000)),
            (0x4004000000000000, 0, Some(0x4000000000000000)),
            (0x4004000000000000, 1, Some(0x4004000000000000)),
            (0x4004000000000000, 2, Some(0x4004000000000000)),
            (0x4004000000000000, 3, Some(0x4004000000000000)),
            (0x4004000000000000, -1, Some(0x0000000000000000)),
            (0x4004000000000000, -2, Some(0x0000000000000000)),
            (0x4004000000000000, -3, Some(0x0000000000000000)),
            (0x4004000000000000, 10, Some(0x4004000000000000)),
            (0x4004000000000000, -308, Some(0x0000000000000000)),
            (0x4004000000000000, -309, Some(0x0000000000000000)),
            (0x4004000000000000, 323, Some(0x4004000000000000)),
            (0x4004000000000000, 324, Some(0x4004000000000000)),
            (0x4004000000000000, -5, Some(0x0000000000000000)),
            (0xc004000000000000, 0, Some(0xc000000000000000)),
            (0xc004000000000000, 1, Some(0xc004000000000000)),
            (0xc004000000000000, 2, Some(0xc004000000000000)),
            (0xc004000000000000, 3, Some(0xc004000000000000)),
            (0xc004000000000000, -1, Some(0x8000000000000000)),
            (0xc004000000000000, -2, Some(0x8000000000000000)),
            (0xc004000000000000, -3, Some(0x8000000000000000)),
            (0xc004000000000000, 10, Some(0xc004000000000000)),
            (0xc004000000000000, -308, Some(0x8000000000000000)),
            (0xc004000000000000, -309, Some(0x8000000000000000)),
            (0xc004000000000000, 323, Some(0xc004000000000000)),
            (0xc004000000000000, 324, Some(0xc004000000000000)),
            (0xc004000000000000, -5, Some(0x8000000000000000)),
            (0x4005666666666666, 0, Some(0x4008000000000000)),
            (0x4005666666666666, 1, Some(0x400599999999999a)),
            (0x4005666666666666, 2, Some(0x40055c28f5c28f5c)),
            (0x4005666666666666, 3, Some(0x4005666666666666)),
            (0x4005666666666666, -1, Some(0x0000000000000000)),
            (0x4005666666666666, -2, Some(0x0000000000000000)),
            (0x4005666666666666, -3, Some(0x0000000000000000)),
            (0x4005666666666666, 10, Some(0x4005666666666666)),
            (0x4005666666666666, -308, Some(0x0000000000000000)),
            (0x4005666666666666, -309, Some(0x0000000000000000)),
            (0x4005666666666666, 323, Some(0x4005666666666666)),
            (0x4005666666666666, 324, Some(0x4005666666666666)),
            (0x4005666666666666, -5, Some(0x0000000000000000)),
            (0x3fc0000000000000, 0, Some(0x0000000000000000)),
            (0x3fc0000000000000, 1, Some(0x3fb999999999999a)),
            (0x3fc0000000000000, 2, Some(0x3fbeb851eb851eb8)),
            (0x3fc0000000000000, 3, Some(0x3fc0000000000000)),
            (0x3fc0000000000000, -1, Some(0x0000000000000000)),
            (0x3fc0000000000000, -2, Some(0x0000000000000000)),
            (0x3fc0000000000000, -3, Some(0x0000000000000000)),
            (0x3fc0000000000000, 10, Some(0x3fc0000000000000)),
            (0x3fc0000000000000, -308, Some(0x0000000000000000)),
            (0x3fc0000000000000, -309, Some(0x0000000000000000)),
            (0x3fc0000000000000, 323, Some(0x3fc0000000000000)),
            (0x3fc0000000000000, 324, Some(0x3fc0000000000000)),
            (0x3fc0000000000000, -5, Some(0x0000000000000000)),
            (0x3fd8000000000000, 0, Some(0x0000000000000000)),
            (0x3fd8000000000000, 1, Some(0x3fd999999999999a)),
            (0x3fd8000000000000, 2, Some(0x3fd851eb851eb852)),
            (0x3fd8000000000000, 3, Some(0x3fd8000000000000)),
            (0x3fd8000000000000, -1, Some(0x0000000000000000)),
            (0x3fd8000000000000, -2, Some(0x0000000000000000)),
            (0x3fd8000000000000, -3, Some(0x0000000000000000)),
            (0x3fd8000000000000, 10, Some(0x3fd8000000000000)),
            (0x3fd8000000000000, -308, Some(0x0000000000000000)),
            (0x3fd8000000000000, -309, Some(0x0000000000000000)),
            (0x3fd8000000000000, 323, Some(0x3fd8000000000000)),
            (0x3fd8000000000000, 324, Some(0x3fd8000000000000)),
            (0x3fd8000000000000, -5, Some(0x0000000000000000)),
            (0x402e000000000000, 0, Some(0x402e000000000000)),
            (0x402e000000000000, 1, Some(0x402e000000000000)),
            (0x402e000000000000, 2, Some(0x402e000000000000)),
            (0x402e000000000000, 3, Some(0x402e000000000000)),
            (0x402e000000000000, -1, Some(0x4034000000000000)),
            (0x402e000000000000, -2, Some(0x0000000000000000)),
            (0x402e000000000000, -3, Some(0x0000000000000000)),
            (0x402e000000000000, 10, Some(0x402e000000000000)),
            (0x402e000000000000, -308, Some(0x0000000000000000)),
            (0x402e000000000000, -309, Some(0x0000000000000000)),
            (0x402e000000000000, 323, Some(0x402e000000000000)),
            (0x402e000000000000, 324, Some(0x402e000000000000)),
            (0x402e000000000000, -5, Some(0x0000000000000000)),
            (0x4039000000000000, 0, Some(0x4039000000000000)),
            (0x4039000000000000, 1, Some(0x4039000000000000)),
            (0x4039000000000000, 2, Some(0x4039000000000000)),
            (0x4039000000000000, 3, Some(0x4039000000000000)),
            (0x4039000000000000, -1, Some(0x4034000000000000)),
            (0x4039000000000000, -2, Some(0x0000000000000000)),
            (0x4039000000000000, -3, Some(0x0000000000000000)),
            (0x4039000000000000, 10, Some(0x4039000000000000)),
            (0x4039000000000000, -308, Some(0x0000000000000000)),
            (0x4039000000000000, -309, Some(0x0000000000000000)),
            (0x4039000000000000, 323, Some(0x4039000000000000)),
            (0x4039000000000000, 324, Some(0x4039000000000000)),
            (0x4039000000000000, -5, Some(0x0000000000000000)),
            (0x4039000010c6f7a1, 0, Some(0x4039000000000000)),
            (0x4039000010c6f7a1, 1, Some(0x4039000000000000)),
            (0x4039000010c6f7a1, 2, Some(0x4039000000000000)),
            (0x4039000010c6f7a1, 3, Some(0x4039000000000000)),
            (0x4039000010c6f7a1, -1, Some(0x403e000000000000)),
            (0x4039000010c6f7a1, -2, Some(0x0000000000000000)),
            (0x4039000010c6f7a1, -3, Some(0x0000000000000000)),
            (0x4039000010c6f7a1, 10, Some(0x4039000010c6f7a1)),
            (0x4039000010c6f7a1, -308, Some(0x0000000000000000)),
            (0x4039000010c6f7a1, -309, Some(0x0000000000000000)),
            (0x4039000010c6f7a1, 323, Some(0x4039000010c6f7a1)),
            (0x4039000010c6f7a1, 324, Some(0x4039000010c6f7a1)),
            (0x4039000010c6f7a1, -5, Some(0x0000000000000000)),
            (0xbfd999999999999a, 0, Some(0x8000000000000000)),
            (0xbfd999999999999a, 1, Some(0xbfd999999999999a)),
            (0xbfd999999999999a, 2, Some(0xbfd999999999999a)),
            (0xbfd999999999999a, 3, Some(0xbfd999999999999a)),
            (0xbfd999999999999a, -1, Some(0x8000000000000000)),
            (0xbfd999999999999a, -2, Some(0x8000000000000000)),
            (0xbfd999999999999a, -3, Some(0x8000000000000000)),
            (0xbfd999999999999a, 10, Some(0xbfd999999999999a)),
            (0xbfd999999999999a, -308, Some(0x8000000000000000)),
            (0xbfd999999999999a, -309, Some(0x8000000000000000)),
            (0xbfd999999999999a, 323, Some(0xbfd999999999999a)),
            (0xbfd999999999999a, 324, Some(0xbfd999999999999a)),
            (0xbfd999999999999a, -5, Some(0x8000000000000000)),
            (0x40934a456d5cfaad, 0, Some(0x40934c0000000000)),
            (0x40934a456d5cfaad, 1, Some(0x40934a6666666666)),
            (0x40934a456d5cfaad, 2, Some(0x40934a47ae147ae1)),
            (0x40934a456d5cfaad, 3, Some(0x40934a45a1cac083)),
            (0x40934a456d5cfaad, -1, Some(0x4093380000000000)),
            (0x40934a456d5cfaad, -2, Some(0x4092c00000000000)),
            (0x40934a456d5cfaad, -3, Some(0x408f400000000000)),
            (0x40934a456d5cfaad, 10, Some(0x40934a456d5cfaad)),
            (0x40934a456d5cfaad, -308, Some(0x0000000000000000)),
            (0x40934a456d5cfaad, -309, Some(0x0000000000000000)),
            (0x40934a456d5cfaad, 323, Some(0x40934a456d5cfaad)),
            (0x40934a456d5cfaad, 324, Some(0x40934a456d5cfaad)),
            (0x40934a456d5cfaad, -5, Some(0x0000000000000000)),
            (0xc0934a456d5cfaad, 0, Some(0xc0934c0000000000)),
            (0xc0934a456d5cfaad, 1, Some(0xc0934a6666666666)),
            (0xc0934a456d5cfaad, 2, Some(0xc0934a47ae147ae1)),
            (0xc0934a456d5cfaad, 3, Some(0xc0934a45a1cac083)),
            (0xc0934a456d5cfaad, -1, Some(0xc093380000000000)),
            (0xc0934a456d5cfaad, -2, Some(0xc092c00000000000)),
            (0xc0934a456d5cfaad, -3, Some(0xc08f400000000000)),
            (0xc0934a456d5cfaad, 10, Some(0xc0934a456d5cfaad)),
            (0xc0934a456d5cfaad, -308, Some(0x8000000000000000)),
            (0xc0934a456d5cfaad, -309, Some(0x8000000000000000)),
            (0xc0934a456d5cfaad, 323, Some(0xc0934a456d5cfaad)),
            (0xc0934a456d5cfaad, 324, Some(0xc0934a456d5cfaad)),
            (0xc0934a456d5cfaad, -5, Some(0x8000000000000000)),
            (0x7e37e43c8800759c, 0, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, 1, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, 2, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, 3, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, -1, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, -2, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, -3, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, 10, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, -308, Some(0x0000000000000000)),
            (0x7e37e43c8800759c, -309, Some(0x0000000000000000)),
            (0x7e37e43c8800759c, 323, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, 324, Some(0x7e37e43c8800759c)),
            (0x7e37e43c8800759c, -5, Some(0x7e37e43c8800759c)),
            (0x7fefffffffffffff, 0, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, 1, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, 2, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, 3, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, -1, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, -2, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, -3, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, 10, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, -308, None),
            (0x7fefffffffffffff, -309, Some(0x0000000000000000)),
            (0x7fefffffffffffff, 323, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, 324, Some(0x7fefffffffffffff)),
            (0x7fefffffffffffff, -5, Some(0x7fefffffffffffff)),
            (0x0000000000000001, 0, Some(0x0000000000000000)),
            (0x0000000000000001, 1, Some(0x0000000000000000)),
            (0x0000000000000001, 2, Some(0x0000000000000000)),
            (0x0000000000000001, 3, Some(0x0000000000000000)),
            (0x0000000000000001, -1, Some(0x0000000000000000)),
            (0x0000000000000001, -2, Some(0x0000000000000000)),
            (0x0000000000000001, -3, Some(0x0000000000000000)),
            (0x0000000000000001, 10, Some(0x0000000000000000)),
            (0x0000000000000001, -308, Some(0x0000000000000000)),
            (0x0000000000000001, -309, Some(0x0000000000000000)),
            (0x0000000000000001, 323, Some(0x0000000000000000)),
            (0x0000000000000001, 324, Some(0x0000000000000001)),
            (0x0000000000000001, -5, Some(0x0000000000000000)),
            (0x3fb999999999999a, 0, Some(0x0000000000000000)),
            (0x3fb999999999999a, 1, Some(0x3fb999999999999a)),
            (0x3fb999999999999a, 2, Some(0x3fb999999999999a)),
            (0x3fb999999999999a, 3, Some(0x3fb999999999999a)),
            (0x3fb999999999999a, -1, Some(0x0000000000000000)),
            (0x3fb999999999999a, -2, Some(0x0000000000000000)),
            (0x3fb999999999999a, -3, Some(0x0000000000000000)),
            (0x3fb999999999999a, 10, Some(0x3fb999999999999a)),
            (0x3fb999999999999a, -308, Some(0x0000000000000000)),
            (0x3fb999999999999a, -309, Some(0x0000000000000000)),
            (0x3fb999999999999a, 323, Some(0x3fb999999999999a)),
            (0x3fb999999999999a, 324, Some(0x3fb999999999999a)),
            (0x3fb999999999999a, -5, Some(0x0000000000000000)),
            (0x40fe240c9fbe76c9, 0, Some(0x40fe241000000000)),
            (0x40fe240c9fbe76c9, 1, Some(0x40fe240ccccccccd)),
            (0x40fe240c9fbe76c9, 2, Some(0x40fe240ca3d70a3d)),
            (0x40fe240c9fbe76c9, 3, Some(0x40fe240c9fbe76c9)),
            (0x40fe240c9fbe76c9, -1, Some(0x40fe244000000000)),
            (0x40fe240c9fbe76c9, -2, Some(0x40fe26c000000000)),
            (0x40fe240c9fbe76c9, -3, Some(0x40fe078000000000)),
            (0x40fe240c9fbe76c9, 10, Some(0x40fe240c9fbe76c9)),
            (0x40fe240c9fbe76c9, -308, Some(0x0000000000000000)),
            (0x40fe240c9fbe76c9, -309, Some(0x0000000000000000)),
            (0x40fe240c9fbe76c9, 323, Some(0x40fe240c9fbe76c9)),
            (0x40fe240c9fbe76c9, 324, Some(0x40fe240c9fbe76c9)),
            (0x40fe240c9fbe76c9, -5, Some(0x40f86a0000000000)),
            (0x7ff0000000000000, 0, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, 1, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, 2, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, 3, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, -1, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, -2, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, -3, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, 10, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, -308, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, -309, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, 323, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, 324, Some(0x7ff0000000000000)),
            (0x7ff0000000000000, -5, Some(0x7ff0000000000000)),
            (0x7ff8000000000000, 0, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, 1, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, 2, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, 3, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, -1, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, -2, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, -3, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, 10, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, -308, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, -309, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, 323, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, 324, Some(0x7ff8000000000000)),
            (0x7ff8000000000000, -5, Some(0x7ff8000000000000)),
            (0xc0b478b51bfa65d2, 0, Some(0xc0b4790000000000)),
            (0xc0b478b51bfa65d2, 1, Some(0xc0b478b333333333)),
            (0xc0b478b51bfa65d2, 2, Some(0xc0b478b5c28f5c29)),
            (0xc0b478b51bfa65d2, 3, Some(0xc0b478b4fdf3b646)),
            (0xc0b478b51bfa65d2, -1, Some(0xc0b4780000000000)),
            (0xc0b478b51bfa65d2, -2, Some(0xc0b4500000000000)),
            (0xc0b478b51bfa65d2, -3, Some(0xc0b3880000000000)),
            (0xc0b478b51bfa65d2, 10, Some(0xc0b478b51bfa65f0)),
            (0xc0b478b51bfa65d2, -308, Some(0x8000000000000000)),
            (0xc0b478b51bfa65d2, -309, Some(0x8000000000000000)),
            (0xc0b478b51bfa65d2, 323, Some(0xc0b478b51bfa65d2)),
            (0xc0b478b51bfa65d2, 324, Some(0xc0b478b51bfa65d2)),
            (0xc0b478b51bfa65d2, -5, Some(0x8000000000000000)),
            (0x408ba4ad117074b0, 0, Some(0x408ba80000000000)),
            (0x408ba4ad117074b0, 1, Some(0x408ba4cccccccccd)),
            (0x408ba4ad117074b0, 2, Some(0x408ba4a3d70a3d71)),
            (0x408ba4ad117074b0, 3, Some(0x408ba4ae147ae148)),
            (0x408ba4ad117074b0, -1, Some(0x408b800000000000)),
            (0x408ba4ad117074b0, -2, Some(0x408c200000000000)),
            (0x408ba4ad117074b0, -3, Some(0x408f400000000000)),
            (0x408ba4ad117074b0, 10, Some(0x408ba4ad11707363)),
            (0x408ba4ad117074b0, -308, Some(0x0000000000000000)),
            (0x408ba4ad117074b0, -309, Some(0x0000000000000000)),
            (0x408ba4ad117074b0, 323, Some(0x408ba4ad117074b0)),
            (0x408ba4ad117074b0, 324, Some(0x408ba4ad117074b0)),
            (0x408ba4ad117074b0, -5, Some(0x0000000000000000)),
            (0xc0a451cb183446a8, 0, Some(0xc0a4520000000000)),
            (0xc0a451cb183446a8, 1, Some(0xc0a451cccccccccd)),
            (0xc0a451cb183446a8, 2, Some(0xc0a451cccccccccd)),
            (0xc0a451cb183446a8, 3, Some(0xc0a451cb43958106)),
            (0xc0a451cb183446a8, -1, Some(0xc0a4500000000000)),
            (0xc0a451cb183446a8, -2, Some(0xc0a4500000000000)),
            (0xc0a451cb183446a8, -3, Some(0xc0a7700000000000)),
            (0xc0a451cb183446a8, 10, Some(0xc0a451cb18344687)),
            (0xc0a451cb183446a8, -308, Some(0x8000000000000000)),
            (0xc0a451cb183446a8, -309, Some(0x8000000000000000)),
            (0xc0a451cb183446a8, 323, Some(0xc0a451cb183446a8)),
            (0xc0a451cb183446a8, 324, Some(0xc0a451cb183446a8)),
            (0xc0a451cb183446a8, -5, Some(0x8000000000000000)),
            (0x40a03ccd31fa4484, 0, Some(0x40a03c0000000000)),
            (0x40a03ccd31fa4484, 1, Some(0x40a03ccccccccccd)),
            (0x40a03ccd31fa4484, 2, Some(0x40a03ccccccccccd)),
            (0x40a03ccd31fa4484, 3, Some(0x40a03ccd4fdf3b64)),
            (0x40a03ccd31fa4484, -1, Some(0x40a0400000000000)),
            (0x40a03ccd31fa4484, -2, Some(0x40a0680000000000)),
            (0x40a03ccd31fa4484, -3, Some(0x409f400000000000)),
            (0x40a03ccd31fa4484, 10, Some(0x40a03ccd31fa449c)),
            (0x40a03ccd31fa4484, -308, Some(0x0000000000000000)),
            (0x40a03ccd31fa4484, -309, Some(0x0000000000000000)),
            (0x40a03ccd31fa4484, 323, Some(0x40a03ccd31fa4484)),
            (0x40a03ccd31fa4484, 324, Some(0x40a03ccd31fa4484)),
            (0x40a03ccd31fa4484, -5, Some(0x0000000000000000)),
            (0x40a3a4cfea0042a8, 0, Some(0x40a3a40000000000)),
            (0x40a3a4cfea0042a8, 1, Some(0x40a3a4cccccccccd)),
            (0x40a3a4cfea0042a8, 2, Some(0x40a3a4d1eb851eb8)),
            (0x40a3a4cfea0042a8, 3, Some(0x40a3a4cfdf3b645a)),
            (0x40a3a4cfea0042a8, -1, Some(0x40a39c0000000000)),
            (0x40a3a4cfea0042a8, -2, Some(0x40a3880000000000)),
            (0x40a3a4cfea0042a8, -3, Some(0x40a7700000000000)),
            (0x40a3a4cfea0042a8, 10, Some(0x40a3a4cfea0042d4)),
            (0x40a3a4cfea0042a8, -308, Some(0x0000000000000000)),
            (0x40a3a4cfea0042a8, -309, Some(0x0000000000000000)),
            (0x40a3a4cfea0042a8, 323, Some(0x40a3a4cfea0042a8)),
            (0x40a3a4cfea0042a8, 324, Some(0x40a3a4cfea0042a8)),
            (0x40a3a4cfea0042a8, -5, Some(0x0000000000000000)),
            (0xc0c0f8b61ecf0027, 0, Some(0xc0c0f88000000000)),
            (0xc0c0f8b61ecf0027, 1, Some(0xc0c0f8b333333333)),
            (0xc0c0f8b61ecf0027, 2, Some(0xc0c0f8b5c28f5c29)),
            (0xc0c0f8b61ecf0027, 3, Some(0xc0c0f8b624dd2f1b)),
            (0xc0c0f8b61ecf0027, -1, Some(0xc0c0f90000000000)),
            (0xc0c0f8b61ecf0027, -2, Some(0xc0c0fe0000000000)),
            (0xc0c0f8b61ecf0027, -3, Some(0xc0c1940000000000)),
            (0xc0c0f8b61ecf0027, 10, Some(0xc0c0f8b61ecf0012)),
            (0xc0c0f8b61ecf0027, -308, Some(0x8000000000000000)),
            (0xc0c0f8b61ecf0027, -309, Some(0x8000000000000000)),
            (0xc0c0f8b61ecf0027, 323, Some(0xc0c0f8b61ecf0027)),
            (0xc0c0f8b61ecf0027, 324, Some(0xc0c0f8b61ecf0027)),
            (0xc0c0f8b61ecf0027, -5, Some(0x8000000000000000)),
        ];
        for &(x, n, want) in cases {
            let got = round_half_even_float(f64::from_bits(x), n);
            match (got, want) {
                (Ok(g), Some(w)) => assert!(
                    same(g, w),
                    "round({}, {n}) = {g:e}, want {:e}",
                    f64::from_bits(x),
                    f64::from_bits(w)
                ),
                (Err(e), None) => assert_eq!(e.message, "rounded value too large to represent"),
                (g, w) => panic!("round({}, {n}): got {g:?}, want {w:?}", f64::from_bits(x)),
            }
        }
    }

    #[test]
    fn round_to_integral_ties_to_even() {
        assert_eq!(round_half_even_to_integral(2.5), 2.0);
        assert_eq!(round_half_even_to_integral(-3.5), -4.0);
        assert_eq!(round_half_even_to_integral(0.5).to_bits(), 0.0f64.to_bits());
    }

    /// `divmod`, `//` and `%` on floats from CPython 3.11: signs of zero
    /// results, infinities, NaN, tiny and huge operands.
    #[test]
    fn float_divmod_matches_cpython() {
        let cases: &[(u64, u64, u64, u64, u64)] = &[
            (
                0x401c000000000000,
                0x401c000000000000,
                0x3ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x401c000000000000,
                0xc01c000000000000,
                0xbff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x401c000000000000,
                0x3ff8000000000000,
                0x4010000000000000,
                0x3ff0000000000000,
                0x3ff0000000000000,
            ),
            (
                0x401c000000000000,
                0xbff8000000000000,
                0xc014000000000000,
                0xbfe0000000000000,
                0xbfe0000000000000,
            ),
            (
                0x401c000000000000,
                0x3fb999999999999a,
                0x4051400000000000,
                0x3fb999999999997e,
                0x3fb999999999997e,
            ),
            (
                0x401c000000000000,
                0x7e37e43c8800759c,
                0x0000000000000000,
                0x401c000000000000,
                0x401c000000000000,
            ),
            (
                0x401c000000000000,
                0x81a56e1fc2f8f359,
                0xfe64e7b4f70066e8,
                0x819f1b5280fd3d4a,
                0x819f1b5280fd3d4a,
            ),
            (
                0x401c000000000000,
                0x7ff0000000000000,
                0x0000000000000000,
                0x401c000000000000,
                0x401c000000000000,
            ),
            (
                0x401c000000000000,
                0xfff0000000000000,
                0xbff0000000000000,
                0xfff0000000000000,
                0xfff0000000000000,
            ),
            (
                0x401c000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x401c000000000000,
                0x4008000000000000,
                0x4000000000000000,
                0x3ff0000000000000,
                0x3ff0000000000000,
            ),
            (
                0x401c000000000000,
                0xc008000000000000,
                0xc008000000000000,
                0xc000000000000000,
                0xc000000000000000,
            ),
            (
                0x401c000000000000,
                0x4341c37937e08000,
                0x0000000000000000,
                0x401c000000000000,
                0x401c000000000000,
            ),
            (
                0xc01c000000000000,
                0x401c000000000000,
                0xbff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0xc01c000000000000,
                0xc01c000000000000,
                0x3ff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0xc01c000000000000,
                0x3ff8000000000000,
                0xc014000000000000,
                0x3fe0000000000000,
                0x3fe0000000000000,
            ),
            (
                0xc01c000000000000,
                0xbff8000000000000,
                0x4010000000000000,
                0xbff0000000000000,
                0xbff0000000000000,
            ),
            (
                0xc01c000000000000,
                0x3fb999999999999a,
                0xc051800000000000,
                0x3cbc000000000000,
                0x3cbc000000000000,
            ),
            (
                0xc01c000000000000,
                0x7e37e43c8800759c,
                0xbff0000000000000,
                0x7e37e43c8800759c,
                0x7e37e43c8800759c,
            ),
            (
                0xc01c000000000000,
                0x81a56e1fc2f8f359,
                0x7e64e7b4f70066e8,
                0x818781da09e952d0,
                0x818781da09e952d0,
            ),
            (
                0xc01c000000000000,
                0x7ff0000000000000,
                0xbff0000000000000,
                0x7ff0000000000000,
                0x7ff0000000000000,
            ),
            (
                0xc01c000000000000,
                0xfff0000000000000,
                0x0000000000000000,
                0xc01c000000000000,
                0xc01c000000000000,
            ),
            (
                0xc01c000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0xc01c000000000000,
                0x4008000000000000,
                0xc008000000000000,
                0x4000000000000000,
                0x4000000000000000,
            ),
            (
                0xc01c000000000000,
                0xc008000000000000,
                0x4000000000000000,
                0xbff0000000000000,
                0xbff0000000000000,
            ),
            (
                0xc01c000000000000,
                0x4341c37937e08000,
                0xbff0000000000000,
                0x4341c37937e07ffc,
                0x4341c37937e07ffc,
            ),
            (
                0x0000000000000000,
                0x401c000000000000,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x0000000000000000,
                0xc01c000000000000,
                0x8000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x0000000000000000,
                0x3ff8000000000000,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x0000000000000000,
                0xbff8000000000000,
                0x8000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x0000000000000000,
                0x3fb999999999999a,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x0000000000000000,
                0x7e37e43c8800759c,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x0000000000000000,
                0x81a56e1fc2f8f359,
                0x8000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x0000000000000000,
                0x7ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x0000000000000000,
                0xfff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x0000000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x0000000000000000,
                0x4008000000000000,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x0000000000000000,
                0xc008000000000000,
                0x8000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x0000000000000000,
                0x4341c37937e08000,
                0x0000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0x401c000000000000,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0xc01c000000000000,
                0x0000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x8000000000000000,
                0x3ff8000000000000,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0xbff8000000000000,
                0x0000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x8000000000000000,
                0x3fb999999999999a,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0x7e37e43c8800759c,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0x81a56e1fc2f8f359,
                0x0000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x8000000000000000,
                0x7ff0000000000000,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0xfff0000000000000,
                0x0000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x8000000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x8000000000000000,
                0x4008000000000000,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x8000000000000000,
                0xc008000000000000,
                0x0000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x8000000000000000,
                0x4341c37937e08000,
                0x8000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x3ff8000000000000,
                0x401c000000000000,
                0x0000000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0x3ff8000000000000,
                0xc01c000000000000,
                0xbff0000000000000,
                0xc016000000000000,
                0xc016000000000000,
            ),
            (
                0x3ff8000000000000,
                0x3ff8000000000000,
                0x3ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x3ff8000000000000,
                0xbff8000000000000,
                0xbff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x3ff8000000000000,
                0x3fb999999999999a,
                0x402c000000000000,
                0x3fb9999999999994,
                0x3fb9999999999994,
            ),
            (
                0x3ff8000000000000,
                0x7e37e43c8800759c,
                0x0000000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0x3ff8000000000000,
                0x81a56e1fc2f8f359,
                0xfe41eb2d66005835,
                0x819c188cde9cee32,
                0x819c188cde9cee32,
            ),
            (
                0x3ff8000000000000,
                0x7ff0000000000000,
                0x0000000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0x3ff8000000000000,
                0xfff0000000000000,
                0xbff0000000000000,
                0xfff0000000000000,
                0xfff0000000000000,
            ),
            (
                0x3ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x3ff8000000000000,
                0x4008000000000000,
                0x0000000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0x3ff8000000000000,
                0xc008000000000000,
                0xbff0000000000000,
                0xbff8000000000000,
                0xbff8000000000000,
            ),
            (
                0x3ff8000000000000,
                0x4341c37937e08000,
                0x0000000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0xbff8000000000000,
                0x401c000000000000,
                0xbff0000000000000,
                0x4016000000000000,
                0x4016000000000000,
            ),
            (
                0xbff8000000000000,
                0xc01c000000000000,
                0x0000000000000000,
                0xbff8000000000000,
                0xbff8000000000000,
            ),
            (
                0xbff8000000000000,
                0x3ff8000000000000,
                0xbff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0xbff8000000000000,
                0xbff8000000000000,
                0x3ff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0xbff8000000000000,
                0x3fb999999999999a,
                0xc02e000000000000,
                0x3c98000000000000,
                0x3c98000000000000,
            ),
            (
                0xbff8000000000000,
                0x7e37e43c8800759c,
                0xbff0000000000000,
                0x7e37e43c8800759c,
                0x7e37e43c8800759c,
            ),
            (
                0xbff8000000000000,
                0x81a56e1fc2f8f359,
                0x7e41eb2d66005835,
                0x818d87654ea9f100,
                0x818d87654ea9f100,
            ),
            (
                0xbff8000000000000,
                0x7ff0000000000000,
                0xbff0000000000000,
                0x7ff0000000000000,
                0x7ff0000000000000,
            ),
            (
                0xbff8000000000000,
                0xfff0000000000000,
                0x0000000000000000,
                0xbff8000000000000,
                0xbff8000000000000,
            ),
            (
                0xbff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0xbff8000000000000,
                0x4008000000000000,
                0xbff0000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0xbff8000000000000,
                0xc008000000000000,
                0x0000000000000000,
                0xbff8000000000000,
                0xbff8000000000000,
            ),
            (
                0xbff8000000000000,
                0x4341c37937e08000,
                0xbff0000000000000,
                0x4341c37937e07fff,
                0x4341c37937e07fff,
            ),
            (
                0x3fb999999999999a,
                0x401c000000000000,
                0x0000000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x3fb999999999999a,
                0xc01c000000000000,
                0xbff0000000000000,
                0xc01b99999999999a,
                0xc01b99999999999a,
            ),
            (
                0x3fb999999999999a,
                0x3ff8000000000000,
                0x0000000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x3fb999999999999a,
                0xbff8000000000000,
                0xbff0000000000000,
                0xbff6666666666666,
                0xbff6666666666666,
            ),
            (
                0x3fb999999999999a,
                0x3fb999999999999a,
                0x3ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x3fb999999999999a,
                0x7e37e43c8800759c,
                0x0000000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x3fb999999999999a,
                0x81a56e1fc2f8f359,
                0xfe031cfd3999f7b0,
                0x81a2877e1ad25d81,
                0x81a2877e1ad25d81,
            ),
            (
                0x3fb999999999999a,
                0x7ff0000000000000,
                0x0000000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x3fb999999999999a,
                0xfff0000000000000,
                0xbff0000000000000,
                0xfff0000000000000,
                0xfff0000000000000,
            ),
            (
                0x3fb999999999999a,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x3fb999999999999a,
                0x4008000000000000,
                0x0000000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x3fb999999999999a,
                0xc008000000000000,
                0xbff0000000000000,
                0xc007333333333333,
                0xc007333333333333,
            ),
            (
                0x3fb999999999999a,
                0x4341c37937e08000,
                0x0000000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x7e37e43c8800759c,
                0x401c000000000000,
                0x7e0b4dfc092518b2,
                0x3ff0000000000000,
                0x3ff0000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0xc01c000000000000,
                0xfe0b4dfc092518b2,
                0xc018000000000000,
                0xc018000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0x3ff8000000000000,
                0x7e2fdafb60009cd0,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0xbff8000000000000,
                0xfe2fdafb60009cd0,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0x3fb999999999999a,
                0x7e6ddd4baa009303,
                0x3f1d66e81bc37800,
                0x3f1d66e81bc37800,
            ),
            (
                0x7e37e43c8800759c,
                0x7e37e43c8800759c,
                0x3ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0x81a56e1fc2f8f359,
                0xfff0000000000000,
                0x8195e51cdefa4716,
                0x8195e51cdefa4716,
            ),
            (
                0x7e37e43c8800759c,
                0x7ff0000000000000,
                0x0000000000000000,
                0x7e37e43c8800759c,
                0x7e37e43c8800759c,
            ),
            (
                0x7e37e43c8800759c,
                0xfff0000000000000,
                0xbff0000000000000,
                0xfff0000000000000,
                0xfff0000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0x4008000000000000,
                0x7e1fdafb60009cd0,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0xc008000000000000,
                0xfe1fdafb60009cd0,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x7e37e43c8800759c,
                0x4341c37937e08000,
                0x7ae585041b2c477f,
                0x4338641954ca0000,
                0x4338641954ca0000,
            ),
            (
                0x81a56e1fc2f8f359,
                0x401c000000000000,
                0xbff0000000000000,
                0x401c000000000000,
                0x401c000000000000,
            ),
            (
                0x81a56e1fc2f8f359,
                0xc01c000000000000,
                0x0000000000000000,
                0x81a56e1fc2f8f359,
                0x81a56e1fc2f8f359,
            ),
            (
                0x81a56e1fc2f8f359,
                0x3ff8000000000000,
                0xbff0000000000000,
                0x3ff8000000000000,
                0x3ff8000000000000,
            ),
            (
                0x81a56e1fc2f8f359,
                0xbff8000000000000,
                0x0000000000000000,
                0x81a56e1fc2f8f359,
                0x81a56e1fc2f8f359,
            ),
            (
                0x81a56e1fc2f8f359,
                0x3fb999999999999a,
                0xbff0000000000000,
                0x3fb999999999999a,
                0x3fb999999999999a,
            ),
            (
                0x81a56e1fc2f8f359,
                0x7e37e43c8800759c,
                0xbff0000000000000,
                0x7e37e43c8800759c,
                0x7e37e43c8800759c,
            ),
            (
                0x81a56e1fc2f8f359,
                0x81a56e1fc2f8f359,
                0x3ff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x81a56e1fc2f8f359,
                0x7ff0000000000000,
                0xbff0000000000000,
                0x7ff0000000000000,
                0x7ff0000000000000,
            ),
            (
                0x81a56e1fc2f8f359,
                0xfff0000000000000,
                0x0000000000000000,
                0x81a56e1fc2f8f359,
                0x81a56e1fc2f8f359,
            ),
            (
                0x81a56e1fc2f8f359,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x81a56e1fc2f8f359,
                0x4008000000000000,
                0xbff0000000000000,
                0x4008000000000000,
                0x4008000000000000,
            ),
            (
                0x81a56e1fc2f8f359,
                0xc008000000000000,
                0x0000000000000000,
                0x81a56e1fc2f8f359,
                0x81a56e1fc2f8f359,
            ),
            (
                0x81a56e1fc2f8f359,
                0x4341c37937e08000,
                0xbff0000000000000,
                0x4341c37937e08000,
                0x4341c37937e08000,
            ),
            (
                0x7ff0000000000000,
                0x401c000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0xc01c000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x3ff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0xbff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x3fb999999999999a,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x7e37e43c8800759c,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x81a56e1fc2f8f359,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x7ff0000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0xfff0000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x4008000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0xc008000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff0000000000000,
                0x4341c37937e08000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x401c000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0xc01c000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x3ff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0xbff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x3fb999999999999a,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x7e37e43c8800759c,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x81a56e1fc2f8f359,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x7ff0000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0xfff0000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x4008000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0xc008000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0xfff0000000000000,
                0x4341c37937e08000,
                0xfff8000000000000,
                0xfff8000000000000,
                0xfff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x401c000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0xc01c000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x3ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0xbff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x3fb999999999999a,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x7e37e43c8800759c,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x81a56e1fc2f8f359,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x7ff0000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0xfff0000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x4008000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0xc008000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x7ff8000000000000,
                0x4341c37937e08000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x4008000000000000,
                0x401c000000000000,
                0x0000000000000000,
                0x4008000000000000,
                0x4008000000000000,
            ),
            (
                0x4008000000000000,
                0xc01c000000000000,
                0xbff0000000000000,
                0xc010000000000000,
                0xc010000000000000,
            ),
            (
                0x4008000000000000,
                0x3ff8000000000000,
                0x4000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x4008000000000000,
                0xbff8000000000000,
                0xc000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x4008000000000000,
                0x3fb999999999999a,
                0x403d000000000000,
                0x3fb999999999998e,
                0x3fb999999999998e,
            ),
            (
                0x4008000000000000,
                0x7e37e43c8800759c,
                0x0000000000000000,
                0x4008000000000000,
                0x4008000000000000,
            ),
            (
                0x4008000000000000,
                0x81a56e1fc2f8f359,
                0xfe51eb2d66005835,
                0x818aa9b46e8feb64,
                0x818aa9b46e8feb64,
            ),
            (
                0x4008000000000000,
                0x7ff0000000000000,
                0x0000000000000000,
                0x4008000000000000,
                0x4008000000000000,
            ),
            (
                0x4008000000000000,
                0xfff0000000000000,
                0xbff0000000000000,
                0xfff0000000000000,
                0xfff0000000000000,
            ),
            (
                0x4008000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x4008000000000000,
                0x4008000000000000,
                0x3ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0x4008000000000000,
                0xc008000000000000,
                0xbff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0x4008000000000000,
                0x4341c37937e08000,
                0x0000000000000000,
                0x4008000000000000,
                0x4008000000000000,
            ),
            (
                0xc008000000000000,
                0x401c000000000000,
                0xbff0000000000000,
                0x4010000000000000,
                0x4010000000000000,
            ),
            (
                0xc008000000000000,
                0xc01c000000000000,
                0x0000000000000000,
                0xc008000000000000,
                0xc008000000000000,
            ),
            (
                0xc008000000000000,
                0x3ff8000000000000,
                0xc000000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0xc008000000000000,
                0xbff8000000000000,
                0x4000000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0xc008000000000000,
                0x3fb999999999999a,
                0xc03e000000000000,
                0x3ca8000000000000,
                0x3ca8000000000000,
            ),
            (
                0xc008000000000000,
                0x7e37e43c8800759c,
                0xbff0000000000000,
                0x7e37e43c8800759c,
                0x7e37e43c8800759c,
            ),
            (
                0xc008000000000000,
                0x81a56e1fc2f8f359,
                0x7e51eb2d66005835,
                0x819d87654ea9f100,
                0x819d87654ea9f100,
            ),
            (
                0xc008000000000000,
                0x7ff0000000000000,
                0xbff0000000000000,
                0x7ff0000000000000,
                0x7ff0000000000000,
            ),
            (
                0xc008000000000000,
                0xfff0000000000000,
                0x0000000000000000,
                0xc008000000000000,
                0xc008000000000000,
            ),
            (
                0xc008000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0xc008000000000000,
                0x4008000000000000,
                0xbff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
            (
                0xc008000000000000,
                0xc008000000000000,
                0x3ff0000000000000,
                0x8000000000000000,
                0x8000000000000000,
            ),
            (
                0xc008000000000000,
                0x4341c37937e08000,
                0xbff0000000000000,
                0x4341c37937e07ffe,
                0x4341c37937e07ffe,
            ),
            (
                0x4341c37937e08000,
                0x401c000000000000,
                0x43144d1cd2252490,
                0x4010000000000000,
                0x4010000000000000,
            ),
            (
                0x4341c37937e08000,
                0xc01c000000000000,
                0xc3144d1cd2252494,
                0xc008000000000000,
                0xc008000000000000,
            ),
            (
                0x4341c37937e08000,
                0x3ff8000000000000,
                0x4337af4c4a80aaab,
                0x3ff0000000000000,
                0x3ff0000000000000,
            ),
            (
                0x4341c37937e08000,
                0xbff8000000000000,
                0xc337af4c4a80aaac,
                0xbfe0000000000000,
                0xbfe0000000000000,
            ),
            (
                0x4341c37937e08000,
                0x3fb999999999999a,
                0x4376345785d8a000,
                0x3fa6fb9fb52b3338,
                0x3fa6fb9fb52b3338,
            ),
            (
                0x4341c37937e08000,
                0x7e37e43c8800759c,
                0x0000000000000000,
                0x4341c37937e08000,
                0x4341c37937e08000,
            ),
            (
                0x4341c37937e08000,
                0x81a56e1fc2f8f359,
                0xfff0000000000000,
                0x81971c90bbd44c40,
                0x81971c90bbd44c40,
            ),
            (
                0x4341c37937e08000,
                0x7ff0000000000000,
                0x0000000000000000,
                0x4341c37937e08000,
                0x4341c37937e08000,
            ),
            (
                0x4341c37937e08000,
                0xfff0000000000000,
                0xbff0000000000000,
                0xfff0000000000000,
                0xfff0000000000000,
            ),
            (
                0x4341c37937e08000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
                0x7ff8000000000000,
            ),
            (
                0x4341c37937e08000,
                0x4008000000000000,
                0x4327af4c4a80aaaa,
                0x3ff0000000000000,
                0x3ff0000000000000,
            ),
            (
                0x4341c37937e08000,
                0xc008000000000000,
                0xc327af4c4a80aaae,
                0xc000000000000000,
                0xc000000000000000,
            ),
            (
                0x4341c37937e08000,
                0x4341c37937e08000,
                0x3ff0000000000000,
                0x0000000000000000,
                0x0000000000000000,
            ),
        ];
        for &(a, b, q, m, rem) in cases {
            let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
            let (gq, gm) = float_divmod(fa, fb);
            assert!(
                same(gq, q) && same(gm, m),
                "divmod({fa:e}, {fb:e}) = ({gq:e}, {gm:e})"
            );
            assert!(same(float_floordiv(fa, fb), q), "{fa:e} // {fb:e}");
            assert!(same(float_mod(fa, fb), rem), "{fa:e} % {fb:e}");
        }
    }

    /// Random-ish specs over every formatter: errors are fine, panics are not,
    /// and a success for an int never has fewer characters than the width.
    #[test]
    fn no_spec_panics() {
        let alphabet: Vec<char> = "<>=^+- z#0123456789,_.%bcdeEfFgGnosxX*\u{661}\u{1F600}"
            .chars()
            .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let big: BigInt = "-123456789012345678901234567890".parse().expect("literal");
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 9) as usize;
            let spec: String = (0..len)
                .map(|i| alphabet[((seed >> (i * 6)) % alphabet.len() as u64) as usize])
                .collect();
            for type_name in ["int", "float", "str"] {
                let Ok(parsed) = parse_format_spec(&spec, type_name) else {
                    continue;
                };
                if let Ok(s) = format_int(&big, &parsed, "int") {
                    assert!(s.chars().count() >= parsed.width.unwrap_or(0), "{spec:?}");
                }
                let _ = format_int(&BigInt::from(65), &parsed, "int");
                let _ = format_float(-0.0, &parsed, "float");
                let _ = format_float(f64::NAN, &parsed, "float");
                let _ = format_float(1e300, &parsed, "float");
                let _ = format_str("h\u{e9}llo", &parsed, "str");
            }
        }
    }

    /// Precisions far past the 17 significant digits a double has: CPython
    /// pads with the exact binary value's digits, then zeros.
    #[test]
    fn huge_precisions_match_cpython() {
        let fmt = |x: f64, spec: &str| {
            format_float(
                x,
                &parse_format_spec(spec, "float").expect("valid"),
                "float",
            )
            .expect("formats")
        };
        assert_eq!(fmt(1.5, ".100000f").len(), 100_002);
        assert_eq!(fmt(1.5, ".30e"), "1.500000000000000000000000000000e+00");
        assert_eq!(fmt(1e-300, ".1000g").len(), 756);
        assert!(fmt(5e-324, ".1000g").ends_with("65625e-324"));
    }

    #[test]
    fn unicode_digits_count_as_width() {
        let spec =
            parse_format_spec("\u{661}\u{662}d", "int").expect("Arabic-Indic digits are decimal");
        assert_eq!(spec.width, Some(12));
        assert_eq!(format_i64(1, &spec, "int").as_deref(), Ok("           1"));
    }

    #[test]
    fn huge_width_is_a_memory_error_not_an_allocation() {
        let spec = parse_format_spec("999999999999", "int").expect("fits in isize");
        assert_eq!(
            format_i64(1, &spec, "int").map_err(|e| e.kind),
            Err(ErrorKind::MemoryError)
        );
    }

    #[test]
    fn int_to_float_overflow_is_an_overflow_error() {
        let spec = parse_format_spec("e", "int").expect("valid");
        let huge = BigInt::from(1) << 1030usize;
        let err = format_int(&huge, &spec, "int").expect_err("2**1030 is past the float range");
        assert_eq!(
            (err.kind, err.message.as_str()),
            (
                ErrorKind::OverflowError,
                "int too large to convert to float"
            )
        );
        let near = (BigInt::from(1) << 1024usize) - (BigInt::from(1) << 970usize);
        assert!(
            int_to_f64(&near).is_err(),
            "2**1024 - 2**970 rounds up to infinity"
        );
        assert!(int_to_f64(&(near - 1)).is_ok());
    }
}
