//! `str.format` and `str.format_map`: CPython's markup parser
//! (Objects/stringlib/unicode_format.h) step for step, so that the same format
//! strings fail with the same errors at the same point.
//!
//! SECURITY: a field like `{0.__globals__}` reads attributes chosen by the
//! format string, so every `.name` goes through `Vm::getattr` (the sandbox's one
//! attribute rule) and every `[key]` through `Vm::getitem`; this file must never
//! read an attribute any other way.

use super::method_args::self_str;
use crate::values::numparse::decimal_value;
use crate::values::*;
use crate::vm::Vm;

/// `str.format(*args, **kwargs)`.
pub fn str_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Args { mut pos, kw } = args;
    if pos.is_empty() {
        return Err(PyErr::type_error(
            "unbound method str.format() needs an argument",
        ));
    }
    let this = pos.remove(0);
    let fmt = self_str(&this, "format")?;
    let kwargs = if kw.is_empty() {
        None
    } else {
        let mut d = PyDict::new();
        for (k, v) in kw {
            d.insert_simple(Value::str(&k), v);
        }
        Some(Value::dict(d))
    };
    let mut ctx = Context {
        args: Some(&pos),
        kwargs: kwargs.as_ref(),
        auto: Auto::Init,
        next: 0,
    };
    Ok(Value::string(build(vm, fmt.as_str(), &mut ctx, 2)?))
}

/// `str.format_map(mapping)`: names looked up with `mapping[name]`, so a dict
/// subclass's `__missing__` applies; positional fields are refused.
pub fn str_format_map(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [mapping]) = super::method_args::bind(
        args,
        "str",
        "format_map",
        super::method_args::Style::Clinic,
        ["mapping"],
        1,
    )?;
    let fmt = self_str(&this, "format_map")?;
    let mapping = mapping.unwrap_or(Value::None);
    let mut ctx = Context {
        args: None,
        kwargs: Some(&mapping),
        auto: Auto::Init,
        next: 0,
    };
    Ok(Value::string(build(vm, fmt.as_str(), &mut ctx, 2)?))
}

/// Whether fields are numbered automatically (`{}`) or by hand (`{0}`); a
/// format string must not mix the two.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auto {
    Init,
    Numbered,
    Manual,
}

struct Context<'a> {
    /// None for `format_map`.
    args: Option<&'a [Value]>,
    kwargs: Option<&'a Value>,
    auto: Auto,
    next: usize,
}

fn value_error(msg: &str) -> PyErr {
    PyErr::value_error(msg)
}

/// One replacement field: `{name!conv:spec}`.
struct Field<'a> {
    name: &'a str,
    conversion: Option<char>,
    spec: &'a str,
    spec_has_fields: bool,
}

/// Renders `fmt`; `depth` counts the nesting of fields inside format specs.
fn build(vm: &mut Vm, fmt: &str, ctx: &mut Context<'_>, depth: u32) -> PyResult<String> {
    if depth == 0 {
        return Err(value_error("Max string recursion exceeded"));
    }
    let b = fmt.as_bytes();
    let mut out = String::with_capacity(fmt.len());
    let mut i = 0;
    while i < b.len() {
        // Literal text up to the first brace; every delimiter is ASCII, so byte
        // positions found here are always character boundaries.
        let start = i;
        while i < b.len() && b[i] != b'{' && b[i] != b'}' {
            i += 1;
        }
        out.push_str(&fmt[start..i]);
        if i == b.len() {
            break;
        }
        let c = b[i];
        i += 1;
        if i < b.len() && b[i] == c {
            out.push(c as char);
            i += 1;
            continue;
        }
        if c == b'}' {
            return Err(value_error("Single '}' encountered in format string"));
        }
        if i == b.len() {
            return Err(value_error("Single '{' encountered in format string"));
        }
        let field = parse_field(fmt, &mut i)?;
        render_field(vm, &field, ctx, depth, &mut out)?;
        vm.check_alloc(out.len() as u128)?;
    }
    Ok(out)
}

/// Parses a field starting just after its `{`; leaves `i` after its `}`.
fn parse_field<'a>(fmt: &'a str, i: &mut usize) -> PyResult<Field<'a>> {
    let b = fmt.as_bytes();
    let name_start = *i;
    let mut c = 0u8;
    // Where the name ends: before its delimiter, or at the end of the string (then
    // the last byte read may be inside a multi-byte character).
    let mut name_end = b.len();
    while *i < b.len() {
        c = b[*i];
        *i += 1;
        match c {
            b'{' => return Err(value_error("unexpected '{' in field name")),
            b'[' => {
                while *i < b.len() && b[*i] != b']' {
                    *i += 1;
                }
            }
            b'}' | b':' | b'!' => {
                name_end = *i - 1;
                break;
            }
            _ => {}
        }
    }
    let name = &fmt[name_start..name_end];
    let mut field = Field {
        name,
        conversion: None,
        spec: "",
        spec_has_fields: false,
    };
    if c == b'!' || c == b':' {
        if c == b'!' {
            if *i >= b.len() {
                return Err(value_error(
                    "end of string while looking for conversion specifier",
                ));
            }
            let conv = fmt[*i..].chars().next().unwrap_or('\0');
            field.conversion = Some(conv);
            *i += conv.len_utf8();
            if *i < b.len() {
                let next = b[*i];
                *i += 1;
                if next == b'}' {
                    return Ok(field);
                }
                if next != b':' {
                    return Err(value_error("expected ':' after conversion specifier"));
                }
            }
        }
        let spec_start = *i;
        let mut count = 1;
        while *i < b.len() {
            let c = b[*i];
            *i += 1;
            match c {
                b'{' => {
                    field.spec_has_fields = true;
                    count += 1;
                }
                b'}' => {
                    count -= 1;
                    if count == 0 {
                        field.spec = &fmt[spec_start..*i - 1];
                        return Ok(field);
                    }
                }
                _ => {}
            }
        }
        return Err(value_error("unmatched '{' in format spec"));
    }
    if c != b'}' || name_end == b.len() {
        return Err(value_error("expected '}' before end of string"));
    }
    Ok(field)
}

/// CPython's `get_integer`: the value of an all-decimal-digits name (any
/// Unicode decimal digits), or None.
fn get_integer(s: &str) -> PyResult<Option<usize>> {
    if s.is_empty() {
        return Ok(None);
    }
    let mut n: usize = 0;
    for c in s.chars() {
        let Some(d) = decimal_value(c) else {
            return Ok(None);
        };
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|n| *n <= isize::MAX as usize)
            .ok_or_else(|| value_error("Too many decimal digits in format string"))?;
    }
    Ok(Some(n))
}

fn render_field(
    vm: &mut Vm,
    field: &Field<'_>,
    ctx: &mut Context<'_>,
    depth: u32,
    out: &mut String,
) -> PyResult<()> {
    let mut obj = field_object(vm, field.name, ctx)?;
    if let Some(conv) = field.conversion {
        let s = match conv {
            'r' => vm.repr(&obj)?,
            's' => vm.str(&obj)?,
            'a' => vm.ascii(&obj)?,
            c if (c as u32) > 32 && (c as u32) < 127 => {
                return Err(value_error(&format!("Unknown conversion specifier {c}")));
            }
            c => {
                return Err(value_error(&format!(
                    "Unknown conversion specifier \\x{:x}",
                    c as u32
                )));
            }
        };
        obj = Value::string(s);
    }
    let text = if field.spec_has_fields {
        let spec = build(vm, field.spec, ctx, depth - 1)?;
        vm.format(&obj, &spec)?
    } else {
        vm.format(&obj, field.spec)?
    };
    out.push_str(&text);
    Ok(())
}

/// The object a field name designates: an argument, then `.attr` and `[key]`
/// steps applied one at a time (a later malformed step fails only after the
/// earlier ones ran, as in CPython).
fn field_object(vm: &mut Vm, name: &str, ctx: &mut Context<'_>) -> PyResult<Value> {
    let (first, steps, bad_step) = split_field_name(name)?;
    let empty = matches!(&first, FieldKey::Name(n) if n.is_empty());
    let index = match &first {
        FieldKey::Index(n) => Some(*n),
        FieldKey::Name(_) => None,
    };
    let index = if empty || index.is_some() {
        if ctx.auto == Auto::Init {
            ctx.auto = if empty { Auto::Numbered } else { Auto::Manual };
        }
        match (ctx.auto, empty) {
            (Auto::Manual, true) => {
                return Err(value_error(
                    "cannot switch from manual field specification to automatic field numbering",
                ));
            }
            (Auto::Numbered, false) => {
                return Err(value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            _ => {}
        }
        if empty {
            let n = ctx.next;
            ctx.next += 1;
            Some(n)
        } else {
            index
        }
    } else {
        None
    };
    let mut obj = match index {
        None => {
            let key = first.to_value();
            match ctx.kwargs {
                None => return Err(PyErr::key_error(key)),
                Some(kw) => {
                    let kw = kw.clone();
                    vm.getitem(&kw, &key)?
                }
            }
        }
        Some(n) => match ctx.args {
            None => return Err(value_error("Format string contains positional fields")),
            Some(args) => match args.get(n) {
                Some(v) => v.clone(),
                None => {
                    return Err(PyErr::index_error(format!(
                        "Replacement index {n} out of range for positional args tuple"
                    )));
                }
            },
        },
    };
    for step in &steps {
        obj = apply_step(vm, &obj, step)?;
    }
    match bad_step {
        Some(e) => Err(e),
        None => Ok(obj),
    }
}

/// One `.attr` or `[key]` step. SECURITY: attributes only through `Vm::getattr`.
pub fn apply_step(vm: &mut Vm, obj: &Value, step: &FieldStep) -> PyResult<Value> {
    match step {
        FieldStep::Attr(a) => vm.getattr(obj, a),
        FieldStep::Item(k) => vm.getitem(obj, &k.to_value()),
    }
}

/// The first part of a field name, or a `[key]`: an integer when it is all
/// decimal digits, else text.
pub enum FieldKey {
    Index(usize),
    Name(String),
}

impl FieldKey {
    pub fn to_value(&self) -> Value {
        match self {
            FieldKey::Index(n) => Value::from(*n),
            FieldKey::Name(s) => Value::str(s),
        }
    }
}

pub enum FieldStep {
    Attr(String),
    Item(FieldKey),
}

/// `_string.formatter_field_name_split`: the first part, the well-formed
/// `.attr`/`[key]` steps, and the error of the first malformed step (CPython
/// parses the steps lazily, so that error comes only after the earlier steps ran).
pub fn split_field_name(name: &str) -> PyResult<(FieldKey, Vec<FieldStep>, Option<PyErr>)> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let first = &name[..first_end];
    let first = match get_integer(first)? {
        Some(n) => FieldKey::Index(n),
        None => FieldKey::Name(first.to_owned()),
    };
    let rest = &name.as_bytes()[first_end..];
    let mut steps = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let c = rest[i];
        i += 1;
        let start = i;
        match c {
            b'.' => {
                while i < rest.len() && rest[i] != b'.' && rest[i] != b'[' {
                    i += 1;
                }
                let attr = &name[first_end + start..first_end + i];
                if attr.is_empty() {
                    return Ok((first, steps, Some(value_error("Empty attribute in format string"))));
                }
                steps.push(FieldStep::Attr(attr.to_owned()));
            }
            b'[' => {
                while i < rest.len() && rest[i] != b']' {
                    i += 1;
                }
                if i == rest.len() {
                    return Ok((first, steps, Some(value_error("Missing ']' in format string"))));
                }
                let key = &name[first_end + start..first_end + i];
                i += 1;
                if key.is_empty() {
                    return Ok((first, steps, Some(value_error("Empty attribute in format string"))));
                }
                let key = match get_integer(key) {
                    Ok(Some(n)) => FieldKey::Index(n),
                    Ok(None) => FieldKey::Name(key.to_owned()),
                    Err(e) => return Ok((first, steps, Some(e))),
                };
                steps.push(FieldStep::Item(key));
            }
            _ => {
                let e = value_error("Only '.' or '[' may follow ']' in format field specifier");
                return Ok((first, steps, Some(e)));
            }
        }
    }
    Ok((first, steps, None))
}

/// One item of `string.Formatter.parse`: literal text, then maybe a field
/// (name, conversion, spec).
pub struct MarkupPiece {
    pub literal: String,
    pub field: Option<(String, Option<char>, String)>,
}

/// CPython's MarkupIterator, as `string.Formatter.parse` sees it: a doubled
/// brace ends a literal piece (keeping one brace), a field ends the literal
/// before it. Returns the pieces before the first error, then that error (the
/// iterator raises it only when reached).
pub fn parse_markup(fmt: &str) -> (Vec<MarkupPiece>, Option<PyErr>) {
    let b = fmt.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i] != b'{' && b[i] != b'}' {
            i += 1;
        }
        if i == b.len() {
            out.push(MarkupPiece { literal: fmt[start..].to_owned(), field: None });
            break;
        }
        let c = b[i];
        i += 1;
        if i < b.len() && b[i] == c {
            // An escaped brace: the literal keeps one, no field follows.
            out.push(MarkupPiece { literal: fmt[start..i].to_owned(), field: None });
            i += 1;
            continue;
        }
        if c == b'}' {
            return (out, Some(value_error("Single '}' encountered in format string")));
        }
        if i == b.len() {
            return (out, Some(value_error("Single '{' encountered in format string")));
        }
        let literal = fmt[start..i - 1].to_owned();
        match parse_field(fmt, &mut i) {
            Ok(f) => out.push(MarkupPiece {
                literal,
                field: Some((f.name.to_owned(), f.conversion, f.spec.to_owned())),
            }),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_parsing_splits_name_conversion_and_spec() {
        let s = "0.x!r:>{w}}tail";
        let mut i = 0;
        let f = parse_field(s, &mut i).ok();
        let f = f.as_ref();
        assert_eq!(f.map(|f| f.name), Some("0.x"));
        assert_eq!(f.and_then(|f| f.conversion), Some('r'));
        assert_eq!(f.map(|f| f.spec), Some(">{w}"));
        assert_eq!(f.map(|f| f.spec_has_fields), Some(true));
        assert_eq!(&s[i..], "tail");
    }

    #[test]
    fn an_unterminated_field_ending_in_a_wide_char_is_an_error() {
        // The fuzzer's find: the name was sliced one byte before the end, inside 'é'.
        for s in ["é", "0.é", "x[é]é"] {
            let mut i = 0;
            assert!(parse_field(s, &mut i).is_err(), "{s}");
        }
        let (_, err) = parse_markup("{} + {} = {é");
        assert!(err.is_some());
    }

    #[test]
    fn markup_pieces_split_at_escaped_braces_and_fields() {
        let (p, err) = parse_markup("a{{b}}c{0!r:>5}d");
        assert!(err.is_none());
        let lits: Vec<&str> = p.iter().map(|m| m.literal.as_str()).collect();
        assert_eq!(lits, ["a{", "b}", "c", "d"]);
        let f = p[2].field.as_ref().map(|(n, c, s)| (n.as_str(), *c, s.as_str()));
        assert_eq!(f, Some(("0", Some('r'), ">5")));
        let (p, err) = parse_markup("x{}y}");
        assert_eq!(p.len(), 1);
        assert!(err.is_some());
    }

    #[test]
    fn field_names_split_into_steps_with_a_late_error() {
        let r = split_field_name("0.a[2][k].");
        let Ok((first, steps, err)) = r else { panic!("split failed") };
        assert!(matches!(first, FieldKey::Index(0)));
        assert_eq!(steps.len(), 3);
        assert!(matches!(&steps[1], FieldStep::Item(FieldKey::Index(2))));
        assert!(matches!(&steps[2], FieldStep::Item(FieldKey::Name(k)) if k == "k"));
        assert!(err.is_some());
    }

    #[test]
    fn integers_in_field_names_accept_unicode_digits() {
        assert_eq!(get_integer("12").ok().flatten(), Some(12));
        assert_eq!(get_integer("\u{663}").ok().flatten(), Some(3));
        assert_eq!(get_integer("-1").ok().flatten(), None);
        assert!(get_integer("99999999999999999999999").is_err());
    }
}
