//! `unicodedata`: name/lookup (unicode_names2), category (unicode-general-category),
//! normalize/is_normalized (unicode-normalization), decimal/digit/numeric, with
//! CPython's errors. Pure functions of their arguments.

use unicode_general_category::{get_general_category, GeneralCategory as G};
use unicode_normalization::UnicodeNormalization;

use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

pub fn module(_vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    for (n, f) in [
        ("name", name as NativeFn),
        ("lookup", lookup),
        ("category", category),
        ("normalize", normalize),
        ("is_normalized", is_normalized),
        ("decimal", decimal),
        ("digit", digit),
        ("numeric", numeric),
        ("combining", combining),
        ("mirrored", mirrored),
        ("east_asian_width", east_asian_width),
        ("bidirectional", bidirectional),
    ] {
        attrs.insert(n.into(), builtin(n, f));
    }
    attrs.insert("unidata_version".into(), Value::str("14.0.0"));
    Ok(super::helpers_c::module("unicodedata", attrs))
}

fn one_char(v: &Value, fname: &str) -> PyResult<char> {
    match v {
        Value::Str(s) if s.len_chars() == 1 => s.as_str().chars().next().ok_or_else(|| PyErr::type_error("empty")),
        Value::Str(s) => Err(PyErr::type_error(format!(
            "{fname}() argument must be a unicode character, not str{}",
            if s.len_chars() == 0 { "" } else { "" }
        ))),
        other => Err(PyErr::type_error(format!("{fname}() argument 1 must be a unicode character, not {}", other.type_name()))),
    }
}

fn char_and_default(args: Args, fname: &str) -> PyResult<(char, Option<Value>)> {
    if !args.kw.is_empty() {
        return Err(PyErr::type_error(format!("{fname}() takes no keyword arguments")));
    }
    if args.pos.is_empty() || args.pos.len() > 2 {
        return Err(PyErr::type_error(format!("{fname}() takes at most 2 arguments ({} given)", args.pos.len())));
    }
    let c = one_char(&args.pos[0], fname)?;
    Ok((c, args.pos.get(1).cloned()))
}

fn name(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, default) = char_and_default(args, "name")?;
    match unicode_names2::name(c) {
        Some(n) => Ok(Value::string(n.to_string())),
        None => default.ok_or_else(|| PyErr::value_error("no such name")),
    }
}

fn lookup(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [n] = args.exact("lookup")?;
    let s = match &n {
        Value::Str(s) => s.as_str().to_owned(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => return Err(PyErr::type_error(format!("lookup() argument must be str, not {}", other.type_name()))),
    };
    match unicode_names2::character(&s) {
        Some(c) => Ok(Value::string(c.to_string())),
        None => {
            let _ = vm;
            Err(PyErr::with_args(ExcKind::KeyError, vec![Value::string(format!("undefined character name '{s}'"))]))
        }
    }
}

pub fn category_of(c: char) -> &'static str {
    match get_general_category(c) {
        G::ClosePunctuation => "Pe",
        G::ConnectorPunctuation => "Pc",
        G::Control => "Cc",
        G::CurrencySymbol => "Sc",
        G::DashPunctuation => "Pd",
        G::DecimalNumber => "Nd",
        G::EnclosingMark => "Me",
        G::FinalPunctuation => "Pf",
        G::Format => "Cf",
        G::InitialPunctuation => "Pi",
        G::LetterNumber => "Nl",
        G::LineSeparator => "Zl",
        G::LowercaseLetter => "Ll",
        G::MathSymbol => "Sm",
        G::ModifierLetter => "Lm",
        G::ModifierSymbol => "Sk",
        G::NonspacingMark => "Mn",
        G::OpenPunctuation => "Ps",
        G::OtherLetter => "Lo",
        G::OtherNumber => "No",
        G::OtherPunctuation => "Po",
        G::OtherSymbol => "So",
        G::ParagraphSeparator => "Zp",
        G::PrivateUse => "Co",
        G::SpaceSeparator => "Zs",
        G::SpacingMark => "Mc",
        G::Surrogate => "Cs",
        G::TitlecaseLetter => "Lt",
        G::Unassigned => "Cn",
        G::UppercaseLetter => "Lu",
        _ => "Cn",
    }
}

fn category(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c] = args.exact("category")?;
    Ok(Value::str(category_of(one_char(&c, "category")?)))
}

fn form_and_str(args: Args, fname: &str) -> PyResult<(String, String)> {
    let [form, s] = args.exact(fname)?;
    let form = match &form {
        Value::Str(f) => f.as_str().to_owned(),
        other => return Err(PyErr::type_error(format!("{fname}() argument 1 must be str, not {}", other.type_name()))),
    };
    let s = match &s {
        Value::Str(x) => x.as_str().to_owned(),
        other => return Err(PyErr::type_error(format!("{fname}() argument 2 must be str, not {}", other.type_name()))),
    };
    Ok((form, s))
}

fn apply(form: &str, s: &str) -> PyResult<String> {
    Ok(match form {
        "NFC" => s.nfc().collect(),
        "NFD" => s.nfd().collect(),
        "NFKC" => s.nfkc().collect(),
        "NFKD" => s.nfkd().collect(),
        _ => return Err(PyErr::value_error("invalid normalization form")),
    })
}

fn normalize(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (form, s) = form_and_str(args, "normalize")?;
    vm.check_alloc(s.len() as u128 * 18)?;
    Ok(Value::string(apply(&form, &s)?))
}

fn is_normalized(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (form, s) = form_and_str(args, "is_normalized")?;
    Ok(Value::Bool(apply(&form, &s)? == s))
}

/// The decimal digit value of a character of category Nd: digits come in runs of
/// ten consecutive code points starting at zero.
fn decimal_value(c: char) -> Option<i64> {
    if get_general_category(c) != G::DecimalNumber {
        return None;
    }
    let mut start = c as u32;
    while start > 0 {
        match char::from_u32(start - 1) {
            Some(p) if get_general_category(p) == G::DecimalNumber => start -= 1,
            _ => break,
        }
    }
    Some(((c as u32 - start) % 10) as i64)
}

/// Digits that are not decimal (superscripts, circled digits...).
fn digit_value(c: char) -> Option<i64> {
    if let Some(d) = decimal_value(c) {
        return Some(d);
    }
    let u = c as u32;
    Some(match u {
        0xB2 => 2,
        0xB3 => 3,
        0xB9 => 1,
        0x2070 => 0,
        0x2074..=0x2079 => (u - 0x2070) as i64,
        0x2080..=0x2089 => (u - 0x2080) as i64,
        0x2460..=0x2468 => (u - 0x2460 + 1) as i64,
        0x2474..=0x247C => (u - 0x2474 + 1) as i64,
        0x2488..=0x2490 => (u - 0x2488 + 1) as i64,
        0x24EA => 0,
        0x24F5..=0x24FD => (u - 0x24F5 + 1) as i64,
        0x2776..=0x277E => (u - 0x2776 + 1) as i64,
        0x2780..=0x2788 => (u - 0x2780 + 1) as i64,
        0x278A..=0x2792 => (u - 0x278A + 1) as i64,
        _ => return None,
    })
}

fn numeric_value(c: char) -> Option<f64> {
    if let Some(d) = digit_value(c) {
        return Some(d as f64);
    }
    let u = c as u32;
    Some(match u {
        0xBC => 0.25,
        0xBD => 0.5,
        0xBE => 0.75,
        0x2150 => 1.0 / 7.0,
        0x2151 => 1.0 / 9.0,
        0x2152 => 0.1,
        0x2153 => 1.0 / 3.0,
        0x2154 => 2.0 / 3.0,
        0x2155 => 0.2,
        0x2156 => 0.4,
        0x2157 => 0.6,
        0x2158 => 0.8,
        0x2159 => 1.0 / 6.0,
        0x215A => 5.0 / 6.0,
        0x215B => 0.125,
        0x215C => 0.375,
        0x215D => 0.625,
        0x215E => 0.875,
        0x215F => 1.0,
        0x2189 => 0.0,
        0x2160..=0x216B => (u - 0x2160 + 1) as f64,
        0x2170..=0x217B => (u - 0x2170 + 1) as f64,
        0x216C | 0x217C => 50.0,
        0x216D | 0x217D => 100.0,
        0x216E | 0x217E => 500.0,
        0x216F | 0x217F => 1000.0,
        0x2469..=0x2473 => (u - 0x2469 + 10) as f64,
        0x247D..=0x2487 => (u - 0x247D + 10) as f64,
        0x2491..=0x249B => (u - 0x2491 + 10) as f64,
        0x24EB..=0x24F4 => (u - 0x24EB + 11) as f64,
        0x24FE => 10.0,
        0x277F | 0x2789 | 0x2793 => 10.0,
        0x3007 => 0.0,
        0x4E00 => 1.0,
        0x4E8C => 2.0,
        0x4E09 => 3.0,
        0x56DB => 4.0,
        0x4E94 => 5.0,
        0x516D => 6.0,
        0x4E03 => 7.0,
        0x516B => 8.0,
        0x4E5D => 9.0,
        0x5341 => 10.0,
        0x767E => 100.0,
        0x5343 => 1000.0,
        0x4E07 => 10000.0,
        0x5104 => 100000000.0,
        _ => return None,
    })
}

fn decimal(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, default) = char_and_default(args, "decimal")?;
    match decimal_value(c) {
        Some(d) => Ok(Value::Int(d)),
        None => default.ok_or_else(|| PyErr::value_error("not a decimal")),
    }
}

fn digit(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, default) = char_and_default(args, "digit")?;
    match digit_value(c) {
        Some(d) => Ok(Value::Int(d)),
        None => default.ok_or_else(|| PyErr::value_error("not a digit")),
    }
}

fn numeric(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, default) = char_and_default(args, "numeric")?;
    match numeric_value(c) {
        Some(d) => Ok(Value::Float(d)),
        None => default.ok_or_else(|| PyErr::value_error("not a numeric character")),
    }
}

fn combining(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c] = args.exact("combining")?;
    let c = one_char(&c, "combining")?;
    Ok(Value::Int(unicode_normalization::char::canonical_combining_class(c) as i64))
}

fn mirrored(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c] = args.exact("mirrored")?;
    let c = one_char(&c, "mirrored")?;
    Ok(Value::Int(matches!(c, '(' | ')' | '<' | '>' | '[' | ']' | '{' | '}' | '«' | '»') as i64))
}

fn east_asian_width(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c] = args.exact("east_asian_width")?;
    let c = one_char(&c, "east_asian_width")?;
    let u = c as u32;
    let w = if (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0x1F300..=0x1F64F).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u)
    {
        "W"
    } else if (0xFF01..=0xFF60).contains(&u) || (0xFFE0..=0xFFE6).contains(&u) {
        "F"
    } else if (0xFF61..=0xFFDC).contains(&u) {
        "H"
    } else if u < 0x7F && u >= 0x20 {
        "Na"
    } else {
        "N"
    };
    Ok(Value::str(w))
}

fn bidirectional(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c] = args.exact("bidirectional")?;
    let c = one_char(&c, "bidirectional")?;
    let cat = category_of(c);
    let b = match c {
        '0'..='9' => "EN",
        ' ' => "WS",
        '\n' | '\r' => "B",
        '\t' => "S",
        '+' | '-' => "ES",
        '#' | '$' | '%' => "ET",
        ',' | '.' | '/' | ':' => "CS",
        _ if cat.starts_with('L') => "L",
        _ if cat.starts_with('M') => "NSM",
        _ if cat == "Nd" => "EN",
        _ if cat == "Cc" => "BN",
        _ => "ON",
    };
    Ok(Value::str(b))
}
