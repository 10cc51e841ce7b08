//! Argument binding for the methods of `str`, `bytes` and `bytearray`, with the
//! wording CPython 3.11 uses for each family of signatures (its methods were
//! converted to Argument Clinic at different times, so four wordings coexist).
//! Pure checking: it never calls into Python code.

use crate::values::*;

/// Which of CPython's argument-error wordings a method uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    /// `str.upper() takes no arguments (1 given)`,
    /// `str.join() takes exactly one argument (0 given)`.
    Clinic,
    /// `center expected at most 2 arguments, got 3`; keywords refused as
    /// `str.center() takes no keyword arguments`.
    Range,
    /// `find() takes at most 3 arguments (4 given)`; keywords refused as
    /// `str.find() takes no keyword arguments`.
    GetArgs,
    /// Keywords accepted: `split() takes at most 2 arguments (3 given)`,
    /// `'x' is an invalid keyword argument for split()`.
    Keywords,
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Splits `self` off a method call (`ty.name(self, ...)`) and binds the other
/// arguments to `names`, of which the first `required` must be given.
pub fn bind<const N: usize>(
    mut args: Args,
    ty: &str,
    name: &str,
    style: Style,
    names: [&str; N],
    required: usize,
) -> PyResult<(Value, [Option<Value>; N])> {
    // `args` is worked on where the caller built it: items are taken out by
    // index, never by moving the vectors (a whole-struct copy of freshly written
    // arguments stalls on store forwarding, and was most of this function's time).
    let total = args.pos.len();
    if total == 0 {
        return Err(PyErr::type_error(format!(
            "unbound method {ty}.{name}() needs an argument"
        )));
    }
    let n = total - 1;
    if !args.kw.is_empty() {
        match style {
            Style::Clinic | Style::Range => {
                return Err(PyErr::type_error(format!(
                    "{ty}.{name}() takes no keyword arguments"
                )));
            }
            Style::GetArgs => {
                // CPython names the type when the method is called on the object
                // or the class (`s.find(x, start=0)`, the usual form) and not when
                // a bound method object is called (LIMITATIONS.md).
                return Err(PyErr::type_error(format!(
                    "{ty}.{name}() takes no keyword arguments"
                )));
            }
            Style::Keywords => {}
        }
    }
    if style == Style::Keywords && !args.kw.is_empty() && n + args.kw.len() > N {
        // CPython counts keywords with the positionals first (and says "keyword"
        // when there are no positionals, bpo-31229).
        let kwd = if n == 0 { "keyword " } else { "" };
        return Err(PyErr::type_error(format!(
            "{name}() takes at most {N} {kwd}argument{} ({} given)",
            plural(N),
            n + args.kw.len()
        )));
    }
    let too_many = n > N;
    let too_few = n < required && (style != Style::Keywords || args.kw.is_empty());
    if too_many || too_few {
        return Err(arity_error(style, ty, name, N, required, n, too_many));
    }
    let this = std::mem::replace(&mut args.pos[0], Value::None);
    let pos = &mut args.pos;
    let mut out: [Option<Value>; N] =
        std::array::from_fn(|i| if i < n { Some(std::mem::replace(&mut pos[i + 1], Value::None)) } else { None });
    if !args.kw.is_empty() {
        for (k, v) in std::mem::take(&mut args.kw) {
            match names.iter().position(|x| **x == *k) {
                Some(i) if out[i].is_some() => {
                    return Err(PyErr::type_error(format!(
                        "argument for {name}() given by name ('{k}') and position ({})",
                        i + 1
                    )));
                }
                Some(i) => out[i] = Some(v),
                None => {
                    return Err(PyErr::type_error(format!(
                        "'{k}' is an invalid keyword argument for {name}()"
                    )));
                }
            }
        }
    }
    if let Some(i) = out.iter().take(required).position(Option::is_none) {
        return Err(missing(name, names[i], i));
    }
    Ok((this, out))
}

#[cold]
fn arity_error(style: Style, ty: &str, name: &str, max: usize, required: usize, n: usize, too_many: bool) -> PyErr {
    PyErr::type_error(match style {
        Style::Clinic if max == 0 => format!("{ty}.{name}() takes no arguments ({n} given)"),
        Style::Clinic => format!("{ty}.{name}() takes exactly one argument ({n} given)"),
        Style::Range if required == max => {
            format!("{name} expected {max} argument{}, got {n}", plural(max))
        }
        Style::Range if too_many => {
            format!("{name} expected at most {max} argument{}, got {n}", plural(max))
        }
        Style::Range => format!(
            "{name} expected at least {required} argument{}, got {n}",
            plural(required)
        ),
        _ if too_many => format!(
            "{name}() takes at most {max} argument{} ({n} given)",
            plural(max)
        ),
        _ => format!(
            "{name}() takes at least {required} argument{} ({n} given)",
            plural(required)
        ),
    })
}

#[cold]
fn missing(name: &str, param: &str, i: usize) -> PyErr {
    PyErr::type_error(format!("{name}() missing required argument '{param}' (pos {})", i + 1))
}

/// A value that is a `str` (or an instance of a `str` subclass), as its text.
pub fn as_str(v: &Value) -> Option<std::rc::Rc<PyStr>> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Instance(i) => match &*i.base.borrow() {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `self` of a `str` method, or CPython's complaint about calling the method
/// through the class on something else (`str.upper(5)`).
pub fn self_str(v: &Value, name: &str) -> PyResult<std::rc::Rc<PyStr>> {
    as_str(v).ok_or_else(|| {
        PyErr::type_error(format!(
            "descriptor '{name}' for 'str' objects doesn't apply to a '{}' object",
            v.type_name()
        ))
    })
}

/// CPython's clamping of `start`/`end` for `find`, `count`, `startswith`...:
/// negative counts from the end, then clipped to `[0, len]` (start may stay
/// past `len`, which makes the window empty).
pub fn adjust_indices(start: Option<i64>, end: Option<i64>, len: usize) -> (i64, i64) {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let mut s = start.unwrap_or(0);
    let mut e = end.unwrap_or(len);
    if e > len {
        e = len;
    } else if e < 0 {
        e = (e + len).max(0);
    }
    if s < 0 {
        s = (s + len).max(0);
    }
    (s, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::exception::ErrRepr;

    fn call(pos: Vec<Value>) -> Args {
        Args::new(pos)
    }

    fn message<T>(r: PyResult<T>) -> String {
        match r.err().map(PyErr::into_repr) {
            Some(ErrRepr::New { args, .. }) => match args.first() {
                Some(Value::Str(s)) => s.as_str().to_owned(),
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    #[test]
    fn wording_per_style() {
        let a = || call(vec![Value::str("a"), Value::Int(1)]);
        assert_eq!(
            message(bind(a(), "str", "upper", Style::Clinic, [], 0)),
            "str.upper() takes no arguments (1 given)"
        );
        let none = || call(vec![Value::str("a")]);
        assert_eq!(
            message(bind(
                none(),
                "str",
                "center",
                Style::Range,
                ["width", "fillchar"],
                1
            )),
            "center expected at least 1 argument, got 0"
        );
        assert_eq!(
            message(bind(
                none(),
                "str",
                "find",
                Style::GetArgs,
                ["sub", "start", "end"],
                1
            )),
            "find() takes at least 1 argument (0 given)"
        );
        assert_eq!(
            message(bind(none(), "str", "join", Style::Clinic, ["iterable"], 1)),
            "str.join() takes exactly one argument (0 given)"
        );
    }

    #[test]
    fn indices_clamp_like_slices() {
        assert_eq!(adjust_indices(None, None, 5), (0, 5));
        assert_eq!(adjust_indices(Some(-2), Some(-1), 5), (3, 4));
        assert_eq!(adjust_indices(Some(-9), Some(99), 5), (0, 5));
        assert_eq!(adjust_indices(Some(7), None, 5), (7, 5));
    }
}
