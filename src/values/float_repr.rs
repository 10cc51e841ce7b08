//! Float to text exactly as CPython 3.11 writes it: `repr(float)` and the
//! `PyOS_double_to_string` core that `format()`, `str.format`, f-strings and
//! `%`-formatting share.
//!
//! Pure and value-agnostic: it knows nothing of the interpreter's objects.
//! It must never panic on any input (any `f64`, any precision) and never
//! allocate more than the caller's precision asks for.
//!
//! Digits come from `ryu` (shortest round-trip) and from Rust's exact
//! formatter (`{:.*e}` / `{:.*}`, correctly rounded, ties to even on the exact
//! binary value, as David Gay's dtoa that CPython uses); the layout rules are
//! a port of CPython's `format_float_short` in `Python/pystrtod.c`.

/// Decimal digits of a finite, non-negative float, as dtoa returns them:
/// the value is `0.DIGITS × 10^decpt`, trailing zeros stripped.
/// Zero is `("0", 1)`. A value that rounds to nothing in fixed mode gives
/// `("", -ndigits)` like dtoa's "no digits" case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalDigits {
    pub digits: String,
    pub decpt: i64,
}

/// Which digits dtoa should produce (its `mode` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigitMode {
    /// Shortest string that round-trips (mode 0).
    Shortest,
    /// This many significant digits, at least 1 (mode 2).
    Significant(usize),
    /// This many digits after the decimal point (mode 3).
    Fixed(usize),
}

/// `repr(x)` / `str(x)` for a Python float.
///
/// ```
/// use garter::values::float_repr::float_repr;
/// assert_eq!(float_repr(1e16), "1e+16");
/// assert_eq!(float_repr(0.1), "0.1");
/// assert_eq!(float_repr(-0.0), "-0.0");
/// ```
#[must_use]
pub fn float_repr(x: f64) -> String {
    double_to_string(
        x,
        'r',
        0,
        DtoaFlags {
            add_dot_0: true,
            ..DtoaFlags::default()
        },
    )
}

/// Flags of `PyOS_double_to_string` (`Py_DTSF_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "mirrors CPython's flag word one to one"
)]
pub struct DtoaFlags {
    /// `Py_DTSF_SIGN`: always write a sign.
    pub sign: bool,
    /// `Py_DTSF_ADD_DOT_0`: integral results get `.0`.
    pub add_dot_0: bool,
    /// `Py_DTSF_ALT`: `#` alternate form (keep the point, keep trailing zeros in `g`).
    pub alt: bool,
    /// `Py_DTSF_NO_NEG_0`: the `z` option, `-0.00` becomes `0.00`.
    pub no_neg_0: bool,
}

/// Shortest round-trip digits of a finite non-negative float, via ryu.
fn shortest_digits(x: f64) -> DecimalDigits {
    if x == 0.0 {
        return DecimalDigits {
            digits: "0".to_owned(),
            decpt: 1,
        };
    }
    let mut buf = ryu::Buffer::new();
    digits_from_text(buf.format_finite(x))
}

/// Reads `I.FeK` / `I.F` / `IeK` (as ryu and Rust's formatter print) into
/// dtoa's digits-and-point form.
fn digits_from_text(text: &str) -> DecimalDigits {
    let text = text.trim_start_matches('-');
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = int_part.chars().chain(frac_part.chars()).collect();
    // value = DIGITS × 10^(exp - len(frac)), i.e. 0.DIGITS × 10^(exp + len(int))
    let mut decpt = exp + int_part.len() as i64;
    let leading = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..leading);
    decpt -= leading as i64;
    let kept = digits.trim_end_matches('0').len();
    digits.truncate(kept);
    DecimalDigits { digits, decpt }
}

/// More significant digits than any double's exact decimal expansion has (767).
const EXACT_SIGNIFICANT_DIGITS: usize = 800;
/// More fraction digits than any double's exact decimal expansion has (1074).
const EXACT_FRACTION_DIGITS: usize = 1100;

/// dtoa for a finite, non-negative float.
#[must_use]
pub fn decimal_digits(x: f64, mode: DigitMode) -> DecimalDigits {
    let x = x.abs();
    if x == 0.0 {
        return DecimalDigits {
            digits: "0".to_owned(),
            decpt: 1,
        };
    }
    match mode {
        DigitMode::Shortest => shortest_digits(x),
        DigitMode::Significant(n) => {
            // Rust's formatter panics past a precision of 65535. A double's
            // exact decimal value has at most 767 significant digits, so
            // asking for more only adds the zeros that are stripped anyway.
            let n = n.clamp(1, EXACT_SIGNIFICANT_DIGITS);
            digits_from_text(&format!("{:.*e}", n - 1, x))
        }
        DigitMode::Fixed(n) => {
            // At most 1074 digits after the point are ever non-zero.
            let capped = n.min(EXACT_FRACTION_DIGITS);
            let d = digits_from_text(&format!("{x:.capped$}"));
            if d.digits.is_empty() {
                DecimalDigits {
                    digits: String::new(),
                    decpt: -(n as i64),
                }
            } else {
                d
            }
        }
    }
}

/// Port of CPython's `PyOS_double_to_string(val, format_code, precision, flags)`.
///
/// `format_code` is one of `e E f F g G r`; anything else is treated as `r`.
/// `precision` is ignored for `r`. Infinities are `inf`/`INF`, NaNs `nan`/`NAN`
/// (never signed).
#[must_use]
pub fn double_to_string(x: f64, format_code: char, precision: usize, flags: DtoaFlags) -> String {
    let upper = matches!(format_code, 'E' | 'F' | 'G');
    let code = match format_code.to_ascii_lowercase() {
        c @ ('e' | 'f' | 'g') => c,
        _ => 'r',
    };
    let mut precision = precision;
    let mode = match code {
        'e' => {
            precision = precision.saturating_add(1);
            DigitMode::Significant(precision)
        }
        'f' => DigitMode::Fixed(precision),
        'g' => {
            if precision == 0 {
                precision = 1;
            }
            DigitMode::Significant(precision)
        }
        _ => DigitMode::Shortest,
    };

    let mut out = String::new();
    if x.is_nan() {
        if flags.sign {
            out.push('+');
        }
        out.push_str(if upper { "NAN" } else { "nan" });
        return out;
    }
    let mut negative = x.is_sign_negative();
    if x.is_infinite() {
        if negative {
            out.push('-');
        } else if flags.sign {
            out.push('+');
        }
        out.push_str(if upper { "INF" } else { "inf" });
        return out;
    }

    let DecimalDigits { digits, decpt } = decimal_digits(x, mode);
    if flags.no_neg_0 && negative && (digits.is_empty() || digits == "0") {
        negative = false;
    }
    let digits_len = digits.len() as i64;
    let precision = i64::try_from(precision).unwrap_or(i64::MAX / 4);
    let mut decpt = decpt;
    let mut use_exp = false;
    let mut vdigits_end = digits_len;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt.saturating_add(precision),
        'g' => {
            let limit = if flags.add_dot_0 {
                precision - 1
            } else {
                precision
            };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alt {
                vdigits_end = precision;
            }
        }
        _ => {
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    if !use_exp && flags.add_dot_0 {
        vdigits_end = vdigits_end.max(decpt + 1);
    } else {
        vdigits_end = vdigits_end.max(decpt);
    }

    let zeros = |out: &mut String, n: i64| {
        for _ in 0..n.max(0) {
            out.push('0');
        }
    };
    if negative {
        out.push('-');
    } else if flags.sign {
        out.push('+');
    }
    if decpt <= 0 {
        zeros(&mut out, decpt - vdigits_start);
        out.push('.');
        zeros(&mut out, -decpt);
    } else {
        zeros(&mut out, -vdigits_start);
    }
    if 0 < decpt && decpt <= digits_len {
        let split = usize::try_from(decpt)
            .unwrap_or(digits.len())
            .min(digits.len());
        out.push_str(&digits[..split]);
        out.push('.');
        out.push_str(&digits[split..]);
    } else {
        out.push_str(&digits);
    }
    if digits_len < decpt {
        zeros(&mut out, decpt - digits_len);
        out.push('.');
        zeros(&mut out, vdigits_end - decpt);
    } else {
        zeros(&mut out, vdigits_end - digits_len);
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_cpython_on_landmarks() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (9_999_999_999_999_998.0, "9999999999999998.0"),
            (1e-5, "1e-05"),
            (1e-4, "0.0001"),
            (0.00012345, "0.00012345"),
            (1.5e-7, "1.5e-07"),
            (123_456_789.123, "123456789.123"),
            (1e100, "1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (2e16 + 8.0, "2.000000000000001e+16"),
            (123.456, "123.456"),
            (1e22, "1e+22"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (0.5, "0.5"),
            (100.0, "100.0"),
            (1234.5e-10, "1.2345e-07"),
        ];
        for &(x, want) in cases {
            assert_eq!(float_repr(x), want, "repr of {x:e}");
        }
    }

    #[test]
    fn precisions_past_rusts_formatter_limit_do_not_panic() {
        let f = double_to_string(5e-324, 'f', 100_000, DtoaFlags::default());
        assert_eq!(f.len(), 100_002);
        assert!(f.starts_with("0.000") && f[2..].contains("494065645841246544"));
        let e = double_to_string(0.1, 'e', 70_000, DtoaFlags::default());
        assert!(e.starts_with("1.000000000000000055511151231257827") && e.ends_with("0e-01"));
        assert_eq!(e.len(), 70_006);
        let g = double_to_string(
            0.1,
            'g',
            70_000,
            DtoaFlags {
                alt: true,
                ..DtoaFlags::default()
            },
        );
        assert_eq!(g.len(), 70_002);
    }

    #[test]
    fn digits_modes_follow_dtoa() {
        assert_eq!(
            decimal_digits(0.001, DigitMode::Fixed(1)),
            DecimalDigits {
                digits: String::new(),
                decpt: -1
            }
        );
        assert_eq!(
            decimal_digits(9.99, DigitMode::Significant(2)),
            DecimalDigits {
                digits: "1".into(),
                decpt: 2
            }
        );
        assert_eq!(
            decimal_digits(123.456, DigitMode::Shortest),
            DecimalDigits {
                digits: "123456".into(),
                decpt: 3
            }
        );
    }
}

#[cfg(test)]
mod bulk_tests {
    use super::float_repr;

    /// 3,300 floats (random bit patterns, random magnitudes, decade landmarks)
    /// with the `repr` CPython 3.11 gave them.
    #[test]
    fn repr_matches_cpython_table() {
        let table = include_str!("testdata/float_repr.txt");
        let mut checked = 0;
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let (bits, want) = line.split_once(' ').expect("table lines are `bits repr`");
            let bits = u64::from_str_radix(bits, 16).expect("table bits are hex");
            assert_eq!(float_repr(f64::from_bits(bits)), want, "bits {bits:016x}");
            checked += 1;
        }
        assert!(checked > 3000);
    }
}
