//! The methods of `str`, as CPython 3.11 has them: the same results, the same
//! errors in the same words. Indices are code points; case mappings are Unicode's
//! full mappings (`'ß'.upper() == 'SS'`), with CPython's own tables where Rust's
//! `char` methods differ (see `unicode_tables`).
//!
//! Must never panic on any text or argument, and must check the memory budget
//! before building a result that can be much larger than its inputs (padding,
//! `replace`, `join`, `expandtabs`).

use std::rc::Rc;

use unicode_general_category::{GeneralCategory as Gc, get_general_category};

use super::method_args::{Style, adjust_indices, as_str, bind, self_str};
use super::types::{defer_methods, native, MethodTable, Types};
use super::unicode_tables::{CASEFOLD, DIGIT_NOT_DECIMAL, NUMERIC_OUTSIDE_N, TITLECASE};
use crate::values::numparse::{decimal_value, is_printable, is_space};
use crate::values::*;
use crate::vm::Vm;

pub fn register(t: &Types) {
    defer_methods(&t.str, &t.object, fill);
}

fn fill(m: &mut MethodTable) {
    m.add(
        &[
            ("capitalize", str_capitalize),
            ("casefold", str_casefold),
            ("center", str_center),
            ("count", str_count),
            ("encode", str_encode),
            ("endswith", str_endswith),
            ("expandtabs", str_expandtabs),
            ("find", str_find),
            ("format", super::str_format::str_format),
            ("format_map", super::str_format::str_format_map),
            ("index", str_index),
            ("isalnum", str_isalnum),
            ("isalpha", str_isalpha),
            ("isascii", str_isascii),
            ("isdecimal", str_isdecimal),
            ("isdigit", str_isdigit),
            ("isidentifier", str_isidentifier),
            ("islower", str_islower),
            ("isnumeric", str_isnumeric),
            ("isprintable", str_isprintable),
            ("isspace", str_isspace),
            ("istitle", str_istitle),
            ("isupper", str_isupper),
            ("join", str_join),
            ("ljust", str_ljust),
            ("lower", str_lower),
            ("lstrip", str_lstrip),
            ("partition", str_partition),
            ("removeprefix", str_removeprefix),
            ("removesuffix", str_removesuffix),
            ("replace", str_replace),
            ("rfind", str_rfind),
            ("rindex", str_rindex),
            ("rjust", str_rjust),
            ("rpartition", str_rpartition),
            ("rsplit", str_rsplit),
            ("rstrip", str_rstrip),
            ("split", str_split),
            ("splitlines", str_splitlines),
            ("startswith", str_startswith),
            ("strip", str_strip),
            ("swapcase", str_swapcase),
            ("title", str_title),
            ("translate", str_translate),
            ("upper", str_upper),
            ("zfill", str_zfill),
        ],
    );
    // `str.maketrans` is a static method: callable on the class and on any string
    // alike, never receiving the string.
    m.insert("maketrans", Value::StaticMethod(Rc::new(native("maketrans", str_maketrans))));
}

// ---------------------------------------------------------------------------
// Character properties, as CPython's unicodeobject.c / unicodectype.c define them.

fn is_title_char(c: char) -> bool {
    !c.is_ascii() && get_general_category(c) == Gc::TitlecaseLetter
}

/// CPython's `_PyUnicode_IsCased`.
fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_title_char(c)
}

/// Unicode's Case_Ignorable: Mn, Me, Cf, Lm, Sk, and the Word_Break classes
/// MidLetter, MidNumLet and Single_Quote.
fn is_case_ignorable(c: char) -> bool {
    if matches!(
        c,
        '\'' | '.'
            | ':'
            | '^'
            | '`'
            | '\u{a8}'
            | '\u{ad}'
            | '\u{af}'
            | '\u{b4}'
            | '\u{b7}'
            | '\u{b8}'
            | '\u{387}'
            | '\u{55f}'
            | '\u{5f4}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{2027}'
            | '\u{fe13}'
            | '\u{fe52}'
            | '\u{fe55}'
            | '\u{ff07}'
            | '\u{ff0e}'
            | '\u{ff1a}'
    ) {
        return true;
    }
    if c.is_ascii() {
        return false;
    }
    matches!(
        get_general_category(c),
        Gc::NonspacingMark
            | Gc::EnclosingMark
            | Gc::Format
            | Gc::ModifierLetter
            | Gc::ModifierSymbol
    )
}

fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        get_general_category(c),
        Gc::UppercaseLetter
            | Gc::LowercaseLetter
            | Gc::TitlecaseLetter
            | Gc::ModifierLetter
            | Gc::OtherLetter
    )
}

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    let c = c as u32;
    ranges
        .binary_search_by(|&(a, b)| {
            if b < c {
                std::cmp::Ordering::Less
            } else if a > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn is_decimal(c: char) -> bool {
    decimal_value(c).is_some()
}

fn is_digit(c: char) -> bool {
    is_decimal(c) || (!c.is_ascii() && in_ranges(c, DIGIT_NOT_DECIMAL))
}

fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    matches!(
        get_general_category(c),
        Gc::DecimalNumber | Gc::LetterNumber | Gc::OtherNumber
    ) || in_ranges(c, NUMERIC_OUTSIDE_N)
}

fn table_lookup(table: &'static [(u32, &'static str)], c: char) -> Option<&'static str> {
    table
        .binary_search_by_key(&(c as u32), |&(k, _)| k)
        .ok()
        .map(|i| table[i].1)
}

fn push_title(out: &mut String, c: char) {
    match table_lookup(TITLECASE, c) {
        Some(t) => out.push_str(t),
        None => out.extend(c.to_uppercase()),
    }
}

/// Lowercase of `chars[i]`, with the final-sigma rule CPython applies
/// (`handle_capital_sigma`): `Σ` ending a cased word becomes `ς`.
fn push_lower_at(out: &mut String, chars: &[char], i: usize) {
    let c = chars[i];
    if c != '\u{3a3}' {
        out.extend(c.to_lowercase());
        return;
    }
    let before = chars[..i].iter().rev().find(|c| !is_case_ignorable(**c));
    let mut final_sigma = before.is_some_and(|c| is_cased(*c));
    if final_sigma {
        let after = chars[i + 1..].iter().find(|c| !is_case_ignorable(**c));
        final_sigma = after.is_none_or(|c| !is_cased(*c));
    }
    out.push(if final_sigma { '\u{3c2}' } else { '\u{3c3}' });
}

// ---------------------------------------------------------------------------
// Shared argument handling.

fn new_str(s: String) -> PyResult<Value> {
    Ok(Value::string(s))
}

/// A `start`/`end` argument: None or anything with `__index__`.
fn slice_index(vm: &mut Vm, v: Option<Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::BigInt(b)) => Ok(Some(if b.sign() == num_bigint::Sign::Minus {
            i64::MIN
        } else {
            i64::MAX
        })),
        Some(v @ (Value::Int(_) | Value::Bool(_))) => Ok(v.as_int()),
        Some(v) => match &v {
            Value::Instance(i) if i.class.lookup("__index__").is_some() => {
                vm.index_of(&v).map(Some)
            }
            _ => Err(PyErr::type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        },
    }
}

/// An integer argument (widths, counts), as `__index__`; big ints saturate, as
/// CPython's `Py_ssize_t` conversion would refuse them with an OverflowError.
fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::BigInt(_) => Err(PyErr::overflow(
            "Python int too large to convert to C ssize_t",
        )),
        Value::Float(_) => Err(PyErr::type_error(
            "'float' object cannot be interpreted as an integer",
        )),
        _ => vm.index_of(v),
    }
}

fn str_arg(v: &Value) -> PyResult<Rc<PyStr>> {
    as_str(v).ok_or_else(|| PyErr::type_error(format!("must be str, not {}", v.type_name())))
}

/// Number of code points in `s[..byte]`.
fn chars_before(s: &str, byte: usize, ascii: bool) -> usize {
    if ascii {
        byte
    } else {
        s[..byte].chars().count()
    }
}

/// The searchable window `[start, end)` of `s` in code points, or None when a
/// needle of `needle_len` code points cannot fit in it (CPython's early exit).
fn window(start: i64, end: i64, needle_len: usize) -> Option<(usize, usize)> {
    if end - start < needle_len as i64 {
        return None;
    }
    Some((start as usize, end as usize))
}

fn search_args(vm: &mut Vm, args: Args, name: &str) -> PyResult<(Rc<PyStr>, Rc<PyStr>, i64, i64)> {
    let (this, [sub, start, end]) = bind(
        args,
        "str",
        name,
        Style::GetArgs,
        ["sub", "start", "end"],
        1,
    )?;
    let s = self_str(&this, name)?;
    let sub = str_arg(sub.as_ref().unwrap_or(&Value::None))?;
    let start = slice_index(vm, start)?;
    let end = slice_index(vm, end)?;
    let (a, b) = adjust_indices(start, end, s.len_chars());
    Ok((s, sub, a, b))
}

/// `find`/`rfind` in code points.
fn find_in(s: &PyStr, sub: &PyStr, start: i64, end: i64, reverse: bool) -> Option<usize> {
    let (a, b) = window(start, end, sub.len_chars())?;
    let (b0, b1) = (s.byte_offset(a), s.byte_offset(b));
    let hay = &s.as_str()[b0..b1];
    let found = if reverse {
        hay.rfind(sub.as_str())
    } else {
        hay.find(sub.as_str())
    }?;
    Some(a + chars_before(hay, found, s.is_ascii()))
}

// ---------------------------------------------------------------------------
// Case.

fn str_upper(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "str", "upper", Style::Clinic, [], 0)?;
    let s = self_str(&this, "upper")?;
    new_str(s.as_str().to_uppercase())
}

fn str_lower(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "str", "lower", Style::Clinic, [], 0)?;
    let s = self_str(&this, "lower")?;
    new_str(s.as_str().to_lowercase())
}

fn str_casefold(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "str", "casefold", Style::Clinic, [], 0)?;
    let s = self_str(&this, "casefold")?;
    new_str(casefold(s.as_str()))
}

pub fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match table_lookup(CASEFOLD, c) {
            Some(f) => out.push_str(f),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn str_swapcase(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "str", "swapcase", Style::Clinic, [], 0)?;
    let s = self_str(&this, "swapcase")?;
    let chars: Vec<char> = s.as_str().chars().collect();
    let mut out = String::with_capacity(s.as_str().len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            push_lower_at(&mut out, &chars, i);
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    new_str(out)
}

pub fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if prev_cased {
            push_lower_at(&mut out, &chars, i);
        } else {
            push_title(&mut out, c);
        }
        prev_cased = is_cased(c);
    }
    out
}

fn str_title(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "str", "title", Style::Clinic, [], 0)?;
    let s = self_str(&this, "title")?;
    new_str(title(s.as_str()))
}

pub fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..chars.len() {
        if i == 0 {
            push_title(&mut out, chars[0]);
        } else {
            push_lower_at(&mut out, &chars, i);
        }
    }
    out
}

fn str_capitalize(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, []) = bind(args, "str", "capitalize", Style::Clinic, [], 0)?;
    let s = self_str(&this, "capitalize")?;
    new_str(capitalize(s.as_str()))
}

// ---------------------------------------------------------------------------
// Predicates.

fn predicate(args: Args, name: &str, f: impl Fn(&str) -> bool) -> PyResult<Value> {
    let (this, []) = bind(args, "str", name, Style::Clinic, [], 0)?;
    let s = self_str(&this, name)?;
    Ok(Value::Bool(f(s.as_str())))
}

fn all_nonempty(s: &str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

fn str_isalnum(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isalnum", |s| {
        all_nonempty(s, |c| is_alpha(c) || is_numeric(c) || is_digit(c))
    })
}

fn str_isalpha(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isalpha", |s| all_nonempty(s, is_alpha))
}

fn str_isascii(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isascii", str::is_ascii)
}

fn str_isdecimal(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isdecimal", |s| all_nonempty(s, is_decimal))
}

fn str_isdigit(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isdigit", |s| all_nonempty(s, is_digit))
}

fn str_isnumeric(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isnumeric", |s| all_nonempty(s, is_numeric))
}

fn str_isspace(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isspace", |s| all_nonempty(s, is_space))
}

fn str_isprintable(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isprintable", |s| s.chars().all(is_printable))
}

pub fn is_identifier(s: &str) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {
            it.all(unicode_ident::is_xid_continue)
        }
        _ => false,
    }
}

fn str_isidentifier(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isidentifier", is_identifier)
}

fn str_islower(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "islower", |s| {
        let mut cased = false;
        for c in s.chars() {
            if c.is_uppercase() || is_title_char(c) {
                return false;
            }
            cased |= c.is_lowercase();
        }
        cased
    })
}

fn str_isupper(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "isupper", |s| {
        let mut cased = false;
        for c in s.chars() {
            if c.is_lowercase() || is_title_char(c) {
                return false;
            }
            cased |= c.is_uppercase();
        }
        cased
    })
}

fn str_istitle(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    predicate(args, "istitle", |s| {
        let (mut cased, mut prev_cased) = (false, false);
        for c in s.chars() {
            if c.is_uppercase() || is_title_char(c) {
                if prev_cased {
                    return false;
                }
                prev_cased = true;
                cased = true;
            } else if c.is_lowercase() {
                if !prev_cased {
                    return false;
                }
                prev_cased = true;
                cased = true;
            } else {
                prev_cased = false;
            }
        }
        cased
    })
}

// ---------------------------------------------------------------------------
// Searching.

fn str_find(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "find")?;
    Ok(find_in(&s, &sub, a, b, false).map_or(Value::Int(-1), Value::from))
}

fn str_rfind(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "rfind")?;
    Ok(find_in(&s, &sub, a, b, true).map_or(Value::Int(-1), Value::from))
}

fn str_index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "index")?;
    find_in(&s, &sub, a, b, false)
        .map(Value::from)
        .ok_or_else(|| PyErr::value_error("substring not found"))
}

fn str_rindex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "rindex")?;
    find_in(&s, &sub, a, b, true)
        .map(Value::from)
        .ok_or_else(|| PyErr::value_error("substring not found"))
}

fn str_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "count")?;
    let Some((a, b)) = window(a, b, sub.len_chars()) else {
        return Ok(Value::Int(0));
    };
    if sub.len_chars() == 0 {
        return Ok(Value::from(b - a + 1));
    }
    let hay = &s.as_str()[s.byte_offset(a)..s.byte_offset(b)];
    Ok(Value::from(hay.matches(sub.as_str()).count()))
}

fn affix_match(vm: &mut Vm, args: Args, name: &str, at_end: bool) -> PyResult<Value> {
    let (this, [prefix, start, end]) = bind(
        args,
        "str",
        name,
        Style::GetArgs,
        ["prefix", "start", "end"],
        1,
    )?;
    let s = self_str(&this, name)?;
    let prefix = prefix.unwrap_or(Value::None);
    let start = slice_index(vm, start)?;
    let end = slice_index(vm, end)?;
    let (a, b) = adjust_indices(start, end, s.len_chars());
    let matches = |sub: &PyStr| -> bool {
        let n = sub.len_chars() as i64;
        if b - n < a {
            return false;
        }
        let (a, b) = (a as usize, b as usize);
        let hay = &s.as_str()[s.byte_offset(a)..s.byte_offset(b)];
        if at_end {
            hay.ends_with(sub.as_str())
        } else {
            hay.starts_with(sub.as_str())
        }
    };
    if let Value::Tuple(items) = &prefix {
        for item in items.iter() {
            let sub = as_str(item).ok_or_else(|| {
                PyErr::type_error(format!(
                    "tuple for {name} must only contain str, not {}",
                    item.type_name()
                ))
            })?;
            if matches(&sub) {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    let sub = as_str(&prefix).ok_or_else(|| {
        PyErr::type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            prefix.type_name()
        ))
    })?;
    Ok(Value::Bool(matches(&sub)))
}

fn str_startswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    affix_match(vm, args, "startswith", false)
}

fn str_endswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    affix_match(vm, args, "endswith", true)
}

// ---------------------------------------------------------------------------
// Splitting and joining.

/// `str.split()` without a separator: runs of whitespace, at most `max` splits.
pub fn split_whitespace(s: &str, max: usize, space: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut splits = 0;
    loop {
        rest = rest.trim_start_matches(&space);
        if rest.is_empty() {
            break;
        }
        if splits == max {
            out.push(rest);
            break;
        }
        let end = rest.find(&space).unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = &rest[end..];
        splits += 1;
    }
    out
}

/// `str.rsplit()` without a separator, in left-to-right order.
pub fn rsplit_whitespace(s: &str, max: usize, space: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut splits = 0;
    loop {
        rest = rest.trim_end_matches(&space);
        if rest.is_empty() {
            break;
        }
        if splits == max {
            out.push(rest);
            break;
        }
        let start = rest.rfind(&space).map_or(0, |i| {
            i + rest[i..].chars().next().map_or(1, char::len_utf8)
        });
        out.push(&rest[start..]);
        rest = &rest[..start];
        splits += 1;
    }
    out.reverse();
    out
}

fn split_args(
    vm: &mut Vm,
    args: Args,
    name: &str,
) -> PyResult<(Rc<PyStr>, Option<Rc<PyStr>>, usize)> {
    let (this, [sep, maxsplit]) = bind(args, "str", name, Style::Keywords, ["sep", "maxsplit"], 0)?;
    let s = self_str(&this, name)?;
    let sep = match sep {
        None | Some(Value::None) => None,
        Some(v) => Some(as_str(&v).ok_or_else(|| {
            PyErr::type_error(format!("must be str or None, not {}", v.type_name()))
        })?),
    };
    let max = match maxsplit {
        None => -1,
        Some(v) => int_arg(vm, &v)?,
    };
    let max = if max < 0 { usize::MAX } else { max as usize };
    if sep.as_ref().is_some_and(|s| s.as_str().is_empty()) {
        return Err(PyErr::value_error("empty separator"));
    }
    Ok((s, sep, max))
}

fn str_list(parts: Vec<&str>) -> Value {
    Value::list(parts.into_iter().map(Value::str).collect())
}

fn str_split(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sep, max) = split_args(vm, args, "split")?;
    let s = s.as_str();
    Ok(match sep {
        None => str_list(split_whitespace(s, max, is_space)),
        // A one-byte separator is searched as a char (memchr), not through the substring searcher.
        Some(sep) if sep.as_str().len() == 1 => {
            str_list(s.splitn(max.saturating_add(1), char::from(sep.as_str().as_bytes()[0])).collect())
        }
        Some(sep) => str_list(s.splitn(max.saturating_add(1), sep.as_str()).collect()),
    })
}

fn str_rsplit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sep, max) = split_args(vm, args, "rsplit")?;
    let s = s.as_str();
    Ok(match sep {
        None => str_list(rsplit_whitespace(s, max, is_space)),
        Some(sep) => {
            let mut parts: Vec<&str> = s.rsplitn(max.saturating_add(1), sep.as_str()).collect();
            parts.reverse();
            str_list(parts)
        }
    })
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{b}'
            | '\u{c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn keepends_arg(vm: &mut Vm, v: Option<Value>) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(v) => Ok(int_arg(vm, &v)? != 0),
    }
}

/// `splitlines`: lines without (or with) their ending, any of Unicode's breaks.
pub fn split_lines(s: &str, keepends: bool, brk: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if !brk(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' && it.peek().is_some_and(|&(_, n)| n == '\n') {
            it.next();
            end += 1;
        }
        out.push(&s[start..if keepends { end } else { i }]);
        start = end;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn str_splitlines(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [keepends]) = bind(args, "str", "splitlines", Style::Keywords, ["keepends"], 0)?;
    let s = self_str(&this, "splitlines")?;
    let keep = keepends_arg(vm, keepends)?;
    Ok(str_list(split_lines(s.as_str(), keep, is_line_break)))
}

fn partition(args: Args, name: &str, reverse: bool) -> PyResult<Value> {
    let (this, [sep]) = bind(args, "str", name, Style::Clinic, ["sep"], 1)?;
    let s = self_str(&this, name)?;
    let sep = str_arg(sep.as_ref().unwrap_or(&Value::None))?;
    if sep.as_str().is_empty() {
        return Err(PyErr::value_error("empty separator"));
    }
    let (text, sepv) = (s.as_str(), sep.as_str());
    let found = if reverse {
        text.rfind(sepv)
    } else {
        text.find(sepv)
    };
    let parts = match found {
        Some(i) => [
            Value::str(&text[..i]),
            Value::Str(sep.clone()),
            Value::str(&text[i + sepv.len()..]),
        ],
        None if reverse => [Value::str(""), Value::str(""), Value::Str(s.clone())],
        None => [Value::Str(s.clone()), Value::str(""), Value::str("")],
    };
    Ok(Value::tuple(parts.to_vec()))
}

fn str_partition(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    partition(args, "partition", false)
}

fn str_rpartition(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    partition(args, "rpartition", true)
}

fn str_join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [iterable]) = bind(args, "str", "join", Style::Clinic, ["iterable"], 1)?;
    let sep = self_str(&this, "join")?;
    let iterable = iterable.unwrap_or(Value::None);
    let items = match &iterable {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        other => match vm.collect(other) {
            Ok(v) => v,
            Err(e) if vm.err_is(&e, ExcKind::TypeError) && vm.iter(other).is_err() => {
                return Err(PyErr::type_error("can only join an iterable"));
            }
            Err(e) => return Err(e),
        },
    };
    let mut parts = Vec::with_capacity(items.len());
    let mut total: u128 = 0;
    for (i, item) in items.iter().enumerate() {
        let s = as_str(item).ok_or_else(|| {
            PyErr::type_error(format!(
                "sequence item {i}: expected str instance, {} found",
                item.type_name()
            ))
        })?;
        total += s.as_str().len() as u128 + sep.as_str().len() as u128;
        parts.push(s);
    }
    vm.check_alloc(total)?;
    let mut out = String::with_capacity(total as usize);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep.as_str());
        }
        out.push_str(p.as_str());
    }
    new_str(out)
}

// ---------------------------------------------------------------------------
// Stripping, padding, replacing.

fn strip(args: Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    let (this, [chars]) = bind(args, "str", name, Style::Range, ["chars"], 0)?;
    let s = self_str(&this, name)?;
    let text = s.as_str();
    let out = match chars {
        None | Some(Value::None) => {
            let t = if left {
                text.trim_start_matches(is_space)
            } else {
                text
            };
            if right {
                t.trim_end_matches(is_space)
            } else {
                t
            }
        }
        Some(v) => {
            let set = as_str(&v)
                .ok_or_else(|| PyErr::type_error(format!("{name} arg must be None or str")))?;
            let set: Vec<char> = set.as_str().chars().collect();
            let t = if left {
                text.trim_start_matches(set.as_slice())
            } else {
                text
            };
            if right {
                t.trim_end_matches(set.as_slice())
            } else {
                t
            }
        }
    };
    if out.len() == text.len() {
        return Ok(Value::Str(s.clone()));
    }
    Ok(Value::str(out))
}

fn str_strip(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip(args, "strip", true, true)
}

fn str_lstrip(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip(args, "lstrip", true, false)
}

fn str_rstrip(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip(args, "rstrip", false, true)
}

fn remove_affix(args: Args, name: &str, suffix: bool) -> PyResult<Value> {
    let (this, [affix]) = bind(args, "str", name, Style::Clinic, ["affix"], 1)?;
    let s = self_str(&this, name)?;
    let affix = affix.unwrap_or(Value::None);
    let a = as_str(&affix).ok_or_else(|| {
        PyErr::type_error(format!(
            "{name}() argument must be str, not {}",
            affix.type_name()
        ))
    })?;
    let out = if suffix {
        s.as_str().strip_suffix(a.as_str())
    } else {
        s.as_str().strip_prefix(a.as_str())
    };
    Ok(match out {
        Some(rest) if !a.as_str().is_empty() => Value::str(rest),
        _ => Value::Str(s.clone()),
    })
}

fn str_removeprefix(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    remove_affix(args, "removeprefix", false)
}

fn str_removesuffix(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    remove_affix(args, "removesuffix", true)
}

/// Padding for `center`, `ljust`, `rjust`: `(width, fillchar)`.
fn pad_args(vm: &mut Vm, args: Args, name: &str) -> PyResult<(Rc<PyStr>, usize, char)> {
    let (this, [width, fill]) = bind(args, "str", name, Style::Range, ["width", "fillchar"], 1)?;
    let s = self_str(&this, name)?;
    let width = int_arg(vm, width.as_ref().unwrap_or(&Value::None))?;
    let fill = match fill {
        None => ' ',
        Some(v) => {
            let f = as_str(&v).ok_or_else(|| {
                PyErr::type_error(format!(
                    "The fill character must be a unicode character, not {}",
                    v.type_name()
                ))
            })?;
            let mut it = f.as_str().chars();
            match (it.next(), it.next()) {
                (Some(c), None) => c,
                _ => {
                    return Err(PyErr::type_error(
                        "The fill character must be exactly one character long",
                    ));
                }
            }
        }
    };
    let width = usize::try_from(width).unwrap_or(0);
    if width > s.len_chars() {
        vm.check_alloc(width as u128 * fill.len_utf8() as u128 + s.as_str().len() as u128)?;
    }
    Ok((s, width, fill))
}

fn padded(s: &Rc<PyStr>, left: usize, right: usize, fill: char) -> Value {
    if left == 0 && right == 0 {
        return Value::Str(s.clone());
    }
    let mut out = String::with_capacity(s.as_str().len() + (left + right) * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s.as_str());
    out.extend(std::iter::repeat_n(fill, right));
    Value::string(out)
}

fn str_center(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, width, fill) = pad_args(vm, args, "center")?;
    let marg = width.saturating_sub(s.len_chars());
    // CPython's rounding: the odd column goes left when the width is odd.
    let left = marg / 2 + (marg & width & 1);
    Ok(padded(&s, left, marg - left, fill))
}

fn str_ljust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, width, fill) = pad_args(vm, args, "ljust")?;
    Ok(padded(&s, 0, width.saturating_sub(s.len_chars()), fill))
}

fn str_rjust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, width, fill) = pad_args(vm, args, "rjust")?;
    Ok(padded(&s, width.saturating_sub(s.len_chars()), 0, fill))
}

fn str_zfill(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [width]) = bind(args, "str", "zfill", Style::Clinic, ["width"], 1)?;
    let s = self_str(&this, "zfill")?;
    let width = int_arg(vm, width.as_ref().unwrap_or(&Value::None))?;
    let width = usize::try_from(width).unwrap_or(0);
    if width <= s.len_chars() {
        return Ok(Value::Str(s.clone()));
    }
    vm.check_alloc(width as u128 + s.as_str().len() as u128)?;
    let fill = width - s.len_chars();
    let text = s.as_str();
    let mut out = String::with_capacity(width + text.len());
    let rest = match text.chars().next() {
        Some(c @ ('+' | '-')) => {
            out.push(c);
            &text[1..]
        }
        _ => text,
    };
    out.extend(std::iter::repeat_n('0', fill));
    out.push_str(rest);
    new_str(out)
}

fn str_expandtabs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [tabsize]) = bind(args, "str", "expandtabs", Style::Keywords, ["tabsize"], 0)?;
    let s = self_str(&this, "expandtabs")?;
    let tab = match tabsize {
        None => 8,
        Some(v) => int_arg(vm, &v)?,
    };
    let tab = usize::try_from(tab).unwrap_or(0);
    let text = s.as_str();
    if !text.contains('\t') {
        return Ok(Value::Str(s.clone()));
    }
    let tabs = text.matches('\t').count();
    vm.check_alloc(tabs as u128 * tab as u128 + text.len() as u128)?;
    let mut out = String::with_capacity(text.len());
    let mut col = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                if tab > 0 {
                    let n = tab - col % tab;
                    out.extend(std::iter::repeat_n(' ', n));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    new_str(out)
}

fn str_replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [old, new, count]) = bind(
        args,
        "str",
        "replace",
        Style::Range,
        ["old", "new", "count"],
        2,
    )?;
    let s = self_str(&this, "replace")?;
    let arg = |v: Option<Value>, n: usize| -> PyResult<Rc<PyStr>> {
        let v = v.unwrap_or(Value::None);
        as_str(&v).ok_or_else(|| {
            PyErr::type_error(format!(
                "replace() argument {n} must be str, not {}",
                v.type_name()
            ))
        })
    };
    let old = arg(old, 1)?;
    let new = arg(new, 2)?;
    let count = match count {
        None => -1,
        Some(v) => int_arg(vm, &v)?,
    };
    let max = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    let text = s.as_str();
    if max == 0 {
        return Ok(Value::Str(s.clone()));
    }
    if old.as_str().is_empty() {
        // An empty pattern matches before every code point and at the end.
        let n = (s.len_chars() + 1).min(max);
        vm.check_alloc(text.len() as u128 + n as u128 * new.as_str().len() as u128)?;
        let mut out = String::with_capacity(text.len() + n * new.as_str().len());
        let mut done = 0;
        for c in text.chars() {
            if done < n {
                out.push_str(new.as_str());
                done += 1;
            }
            out.push(c);
        }
        if done < n {
            out.push_str(new.as_str());
        }
        return new_str(out);
    }
    // One ASCII byte (`s.replace(',', '')`, the usual case) needs no substring
    // searcher: setting one up costs more than scanning a short string.
    let n = match old.as_str().as_bytes() {
        [b] if b.is_ascii() => text.bytes().filter(|c| c == b).take(max).count(),
        _ => text.matches(old.as_str()).take(max).count(),
    };
    if n == 0 {
        return Ok(Value::Str(s.clone()));
    }
    let grow = new.as_str().len().saturating_sub(old.as_str().len());
    vm.check_alloc(text.len() as u128 + n as u128 * grow as u128)?;
    new_str(text.replacen(old.as_str(), new.as_str(), n))
}

// ---------------------------------------------------------------------------
// Translation.

fn str_maketrans(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("maketrans")?;
    let n = args.pos.len();
    if n == 0 || n > 3 {
        return Err(PyErr::type_error(if n == 0 {
            "maketrans() takes at least 1 argument (0 given)".to_owned()
        } else {
            format!("maketrans() takes at most 3 arguments ({n} given)")
        }));
    }
    let mut pos = args.pos.into_iter();
    let x = pos.next().unwrap_or(Value::None);
    let y = pos.next();
    let z = pos.next();
    let out = Rc::new(std::cell::RefCell::new(PyDict::new()));
    match y {
        None => {
            let Value::Dict(d) = &x else {
                return Err(PyErr::type_error(
                    "if you give only one argument to maketrans it must be a dict",
                ));
            };
            let entries: Vec<(Value, Value)> = d
                .borrow()
                .iter()
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect();
            for (k, v) in entries {
                let key = match &k {
                    Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => k.clone(),
                    other => match as_str(other) {
                        Some(s) if s.len_chars() == 1 => {
                            Value::Int(s.as_str().chars().next().map_or(0, |c| c as i64))
                        }
                        Some(_) => {
                            return Err(PyErr::value_error(
                                "string keys in translate table must be of length 1",
                            ));
                        }
                        None => {
                            return Err(PyErr::type_error(
                                "keys in translate table must be strings or integers",
                            ));
                        }
                    },
                };
                vm.dict_set(&out, key, v)?;
            }
        }
        Some(y) => {
            let xs = as_str(&x).ok_or_else(|| {
                PyErr::type_error(format!(
                    "maketrans() argument 1 must be str, not {}",
                    x.type_name()
                ))
            })?;
            let ys = as_str(&y).ok_or_else(|| {
                PyErr::type_error(format!(
                    "maketrans() argument 2 must be str, not {}",
                    y.type_name()
                ))
            })?;
            if xs.len_chars() != ys.len_chars() {
                return Err(PyErr::value_error(
                    "the first two maketrans arguments must have equal length",
                ));
            }
            for (a, b) in xs.as_str().chars().zip(ys.as_str().chars()) {
                vm.dict_set(&out, Value::Int(a as i64), Value::Int(b as i64))?;
            }
            if let Some(z) = z {
                let zs = as_str(&z).ok_or_else(|| {
                    PyErr::type_error(format!(
                        "maketrans() argument 3 must be str, not {}",
                        z.type_name()
                    ))
                })?;
                for c in zs.as_str().chars() {
                    vm.dict_set(&out, Value::Int(c as i64), Value::None)?;
                }
            }
        }
    }
    Ok(Value::Dict(out))
}

fn str_translate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [table]) = bind(args, "str", "translate", Style::Clinic, ["table"], 1)?;
    let s = self_str(&this, "translate")?;
    let table = table.unwrap_or(Value::None);
    let mut out = String::with_capacity(s.as_str().len());
    for c in s.as_str().chars() {
        vm.tick()?;
        let mapped = match &table {
            Value::Dict(d) => {
                let d = d.clone();
                vm.dict_get(&d, &Value::Int(c as i64))?
            }
            other => match vm.getitem(other, &Value::Int(c as i64)) {
                Ok(v) => Some(v),
                Err(e) if vm.err_is(&e, ExcKind::LookupError) => None,
                Err(e) => return Err(e),
            },
        };
        match mapped {
            None => out.push(c),
            Some(Value::None) => {}
            Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => {
                let ch = v
                    .as_int()
                    .and_then(|i| u32::try_from(i).ok())
                    .and_then(char::from_u32);
                match ch {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(PyErr::value_error(
                            "character mapping must be in range(0x110000)",
                        ));
                    }
                }
            }
            Some(v) => match as_str(&v) {
                Some(t) => {
                    vm.check_alloc(out.len() as u128 + t.as_str().len() as u128)?;
                    out.push_str(t.as_str());
                }
                None => {
                    return Err(PyErr::type_error(
                        "character mapping must return integer, None or str",
                    ));
                }
            },
        }
    }
    new_str(out)
}

// ---------------------------------------------------------------------------
// Encoding.

/// Byte order of a UTF-16/UTF-32 codec: `Bom` writes a byte-order mark (and
/// little-endian, as CPython does on this platform) and honours one when decoding.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Order {
    Bom,
    Le,
    Be,
}

/// The codecs garter knows, by CPython's normalised names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Codec {
    Utf8,
    Ascii,
    Latin1,
    Utf16(Order),
    Utf32(Order),
}

impl Codec {
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "latin-1",
            Codec::Utf16(Order::Bom) => "utf-16",
            Codec::Utf16(Order::Le) => "utf-16-le",
            Codec::Utf16(Order::Be) => "utf-16-be",
            Codec::Utf32(Order::Bom) => "utf-32",
            Codec::Utf32(Order::Le) => "utf-32-le",
            Codec::Utf32(Order::Be) => "utf-32-be",
        }
    }

    /// The codec for an encoding name, as `codecs.lookup` normalises it.
    pub fn lookup(name: &str) -> PyResult<Codec> {
        let norm: String = name
            .trim()
            .chars()
            .map(|c| {
                if c == '-' || c == ' ' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Ok(match norm.as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "cp65001" | "utf8_ucs2" | "utf8_ucs4" => Codec::Utf8,
            "ascii" | "us_ascii" | "646" | "ansi_x3.4_1968" | "us" | "iso646_us" | "cp367"
            | "csascii" => Codec::Ascii,
            "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "8859"
            | "cp819" | "iso_ir_100" | "iso_8859_1:1987" | "csisolatin1" => Codec::Latin1,
            "utf_16" | "utf16" | "u16" => Codec::Utf16(Order::Bom),
            "utf_16_le" | "utf_16le" | "unicodelittleunmarked" => Codec::Utf16(Order::Le),
            "utf_16_be" | "utf_16be" | "unicodebigunmarked" => Codec::Utf16(Order::Be),
            "utf_32" | "utf32" | "u32" => Codec::Utf32(Order::Bom),
            "utf_32_le" | "utf_32le" => Codec::Utf32(Order::Le),
            "utf_32_be" | "utf_32be" => Codec::Utf32(Order::Be),
            _ => {
                return Err(PyErr::new(
                    ExcKind::LookupError,
                    format!("unknown encoding: {name}"),
                ));
            }
        })
    }

    fn limit(self) -> u32 {
        match self {
            Codec::Ascii => 0x80,
            Codec::Latin1 => 0x100,
            _ => 0x11_0000,
        }
    }
}

fn encode_wide(s: &str, unit: usize, order: Order) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * unit + unit);
    let be = order == Order::Be;
    let mut put = |u: u32| {
        if unit == 2 {
            let u = u as u16;
            out.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        } else {
            out.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
    };
    if order == Order::Bom {
        put(0xfeff);
    }
    for c in s.chars() {
        if unit == 2 {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                put(u32::from(*u));
            }
        } else {
            put(c as u32);
        }
    }
    out
}

/// `\xe9`, `\u20ac`, `\U0001f600`: how CPython names a character in codec errors
/// and `backslashreplace`.
pub fn escape_code_point(c: u32) -> String {
    if c < 0x100 {
        format!("\\x{c:02x}")
    } else if c < 0x1_0000 {
        format!("\\u{c:04x}")
    } else {
        format!("\\U{c:08x}")
    }
}

pub fn encode(s: &str, codec: Codec, errors: &str) -> PyResult<Vec<u8>> {
    match codec {
        Codec::Utf8 => return Ok(s.as_bytes().to_vec()),
        Codec::Utf16(order) => return Ok(encode_wide(s, 2, order)),
        Codec::Utf32(order) => return Ok(encode_wide(s, 4, order)),
        Codec::Ascii | Codec::Latin1 => {}
    }
    let limit = codec.limit();
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i] as u32;
        if c < limit {
            out.push(c as u8);
            i += 1;
            continue;
        }
        let end = chars[i..]
            .iter()
            .position(|&c| (c as u32) < limit)
            .map_or(chars.len(), |n| i + n);
        match errors {
            "strict" => {
                let what = if end - i == 1 {
                    format!("character '{}' in position {i}", escape_code_point(c))
                } else {
                    format!("characters in position {i}-{}", end - 1)
                };
                return Err(PyErr::new(
                    ExcKind::UnicodeEncodeError,
                    format!(
                        "'{}' codec can't encode {what}: ordinal not in range({limit})",
                        codec.name()
                    ),
                ));
            }
            "ignore" => {}
            "replace" => out.extend(std::iter::repeat_n(b'?', end - i)),
            "backslashreplace" => {
                for &c in &chars[i..end] {
                    out.extend(escape_code_point(c as u32).bytes());
                }
            }
            "xmlcharrefreplace" => {
                for &c in &chars[i..end] {
                    out.extend(format!("&#{};", c as u32).bytes());
                }
            }
            other => {
                return Err(PyErr::new(
                    ExcKind::LookupError,
                    format!("unknown error handler name '{other}'"),
                ));
            }
        }
        i = end;
    }
    Ok(out)
}

/// The `encoding`/`errors` arguments of `encode`/`decode`.
pub fn codec_args(
    name: &str,
    encoding: Option<Value>,
    errors: Option<Value>,
) -> PyResult<(Codec, String)> {
    let codec = match encoding {
        None => Codec::Utf8,
        Some(v) => match as_str(&v) {
            Some(e) => Codec::lookup(e.as_str())?,
            None => {
                return Err(PyErr::type_error(format!(
                    "{name}() argument 'encoding' must be str, not {}",
                    v.type_name()
                )));
            }
        },
    };
    let errors = match errors {
        None => "strict".to_owned(),
        Some(v) => match as_str(&v) {
            Some(e) => e.as_str().to_owned(),
            None => {
                return Err(PyErr::type_error(format!(
                    "{name}() argument 'errors' must be str, not {}",
                    v.type_name()
                )));
            }
        },
    };
    Ok((codec, errors))
}

fn str_encode(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [encoding, errors]) = bind(
        args,
        "str",
        "encode",
        Style::Keywords,
        ["encoding", "errors"],
        0,
    )?;
    let s = self_str(&this, "encode")?;
    let (codec, errors) = codec_args("encode", encoding, errors)?;
    vm.check_alloc(s.as_str().len() as u128 * 10)?;
    Ok(Value::bytes(encode(s.as_str(), codec, &errors)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_mappings_follow_cpython() {
        assert_eq!("ß".to_uppercase(), "SS");
        assert_eq!(title("hello wORLD o'neil"), "Hello World O'Neil");
        assert_eq!(title("ǆemal ßtraße"), "ǅemal Sstraße");
        assert_eq!(capitalize("hELLO ΣΑΣ"), "Hello σας");
        assert_eq!(casefold("Straße ﬁ"), "strasse fi");
    }

    #[test]
    fn whitespace_split_keeps_trailing_rest() {
        assert_eq!(
            split_whitespace("  a b  c  ", 1, is_space),
            vec!["a", "b  c  "]
        );
        assert_eq!(
            rsplit_whitespace("  a b  c  ", 1, is_space),
            vec!["  a b", "c"]
        );
        assert_eq!(
            split_whitespace(" \u{3000}a\u{85}b ", usize::MAX, is_space),
            vec!["a", "b"]
        );
        assert!(split_whitespace("   ", usize::MAX, is_space).is_empty());
    }

    #[test]
    fn splitlines_on_every_boundary() {
        assert_eq!(
            split_lines("a\r\nb\rc\x0bd\u{2028}e\n", false, is_line_break),
            vec!["a", "b", "c", "d", "e"]
        );
        assert_eq!(
            split_lines("a\r\nb\n\n", true, is_line_break),
            vec!["a\r\n", "b\n", "\n"]
        );
    }

    #[test]
    fn identifiers_and_digits() {
        assert!(is_identifier("_x1"));
        assert!(is_identifier("été"));
        assert!(!is_identifier("1x"));
        assert!(is_digit('²') && !is_decimal('²'));
        assert!(is_numeric('½') && is_numeric('一') && !is_numeric('a'));
    }

    #[test]
    fn encode_errors_name_the_run() {
        let e = encode("aéé", Codec::Ascii, "strict")
            .err()
            .map(|e| format!("{e:?}"));
        assert!(
            e.is_some_and(|m| m.contains("characters in position 1-2: ordinal not in range(128)"))
        );
        assert_eq!(
            encode("aé€", Codec::Latin1, "replace").ok(),
            Some(b"a\xe9?".to_vec())
        );
        assert_eq!(
            encode("é", Codec::Ascii, "xmlcharrefreplace").ok(),
            Some(b"&#233;".to_vec())
        );
    }
}
