//! `re`: CPython 3.11's regular expressions on top of fancy-regex.
//!
//! Patterns are translated by `re_syntax` (Python dialect to fancy-regex dialect);
//! this file gives `Pattern` and `Match` objects and the module functions their
//! CPython behaviour: code-point positions (the engine works in bytes), the 3.7+
//! rules for empty matches, `sub` templates, `split` with groups. Matching must
//! end: the engine's backtrack limit is set, and the budgets are checked between
//! matches, so a catastrophic pattern stops with an error instead of hanging.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use fancy_regex::{Regex, RegexBuilder, RegexInput};

use super::re_run;
use super::re_syntax::{self, Translated};
use crate::builtins::native;
use crate::values::numparse::py_str_repr;
use crate::values::*;
use crate::vm::Vm;

/// Backtracking steps one match may take before it is refused. The engine cannot
/// be interrupted, so this bounds how far one match can run past the deadline:
/// a million steps is ~50 ms (2 M took up to 0.15 s, past 10% of a 1 s budget).
const BACKTRACK_LIMIT: usize = 1_000_000;
/// Compiled patterns kept per thread, as `re._cache` keeps them (`_MAXCACHE`).
const MAX_CACHE: usize = 512;

/// A compiled pattern: pure data, shareable between sessions.
struct Compiled {
    pattern: String,
    flags: i64,
    tr: Translated,
    /// Engine programs by variant: bit 0 fullmatch, bit 1 `$` before a final newline,
    /// bit 2 non-empty matches only, bit 3 the all-ASCII-haystack text. Built on first use.
    variants: RefCell<[Option<Rc<Regex>>; 16]>,
    /// The byte class when the pattern is one class with `+` (see `re_run`).
    run: Option<re_run::ByteSet>,
}

thread_local! {
    static CACHE: RefCell<HashMap<(String, i64), Rc<Compiled>>> = RefCell::new(HashMap::new());
}

/// The classes of a session's `re` module.
struct Classes {
    pattern: Rc<Class>,
    match_: Rc<Class>,
    error: Rc<Class>,
}

struct PatternData {
    c: Rc<Compiled>,
    cls: Rc<Classes>,
}

struct MatchData {
    string: Value,
    text: Rc<PyStr>,
    pattern: Value,
    c: Rc<Compiled>,
    /// Per group: code-point span and byte span.
    spans: Vec<Option<((usize, usize), (usize, usize))>>,
    pos: usize,
    endpos: usize,
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let exc = vm.exc_class(ExcKind::Exception);
    let mut error_attrs = Attrs::default();
    error_attrs.insert("__init__".into(), crate::builtins::native("__init__", error_init));
    let error = make_class("error", vec![exc], TypeTag::BaseException, error_attrs);
    let pattern = super::helpers_c::c_type(make_class("Pattern", vec![vm.types.object.clone()], TypeTag::Native, pattern_methods()));
    let match_ = super::helpers_c::c_type(make_class("Match", vec![vm.types.object.clone()], TypeTag::Native, match_methods()));
    let classes = Rc::new(Classes { pattern: pattern.clone(), match_: match_.clone(), error: error.clone() });
    let holder = Value::Native(Rc::new(NativeObject {
        class: pattern.clone(),
        data: RefCell::new(Box::new(classes) as Box<dyn Any>),
    }));
    let mut attrs = Attrs::default();
    let funcs: &[(&str, NativeFn)] = &[
        ("compile", re_compile),
        ("search", re_search),
        ("match", re_match),
        ("fullmatch", re_fullmatch),
        ("findall", re_findall),
        ("finditer", re_finditer),
        ("sub", re_sub),
        ("subn", re_subn),
        ("split", re_split),
    ];
    for (name, f) in funcs {
        attrs.insert((*name).into(), with_data(name, *f, holder.clone()));
    }
    attrs.insert("escape".into(), native("escape", re_escape));
    attrs.insert("purge".into(), native("purge", re_purge));
    attrs.insert("error".into(), Value::Class(error));
    attrs.insert("Pattern".into(), Value::Class(pattern));
    attrs.insert("Match".into(), Value::Class(match_));
    let flags: &[(&str, i64)] = &[
        ("I", re_syntax::IGNORECASE),
        ("IGNORECASE", re_syntax::IGNORECASE),
        ("L", re_syntax::LOCALE),
        ("LOCALE", re_syntax::LOCALE),
        ("M", re_syntax::MULTILINE),
        ("MULTILINE", re_syntax::MULTILINE),
        ("S", re_syntax::DOTALL),
        ("DOTALL", re_syntax::DOTALL),
        ("U", re_syntax::UNICODE),
        ("UNICODE", re_syntax::UNICODE),
        ("X", re_syntax::VERBOSE),
        ("VERBOSE", re_syntax::VERBOSE),
        ("A", re_syntax::ASCII),
        ("ASCII", re_syntax::ASCII),
        ("DEBUG", re_syntax::DEBUG),
        ("NOFLAG", 0),
    ];
    for (name, v) in flags {
        attrs.insert((*name).into(), Value::Int(*v));
    }
    attrs.insert("__name__".into(), Value::str("re"));
    Ok(Value::Module(Rc::new(Module { name: "re".into(), attrs: RefCell::new(attrs) })))
}

fn make_class(name: &str, bases: Vec<Rc<Class>>, tag: TypeTag, dict: Attrs) -> Rc<Class> {
    let base = crate::builtins::types::builtin_class(name, tag, bases);
    Rc::new(Class {
        name: base.name.clone(),
        qualname: base.qualname.clone(),
        module: "re".into(),
        bases: base.bases.clone(),
        mro: base.mro.clone(),
        dict: ClassDict::new(dict),
        tag,
        exc_kind: None,
        is_exception: base.is_exception,
        is_user: false,
        c_type: false,
    })
}

fn with_data(name: &str, func: NativeFn, data: Value) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func, bound: None, data: Some(data), owner: None }))
}

fn property(name: &str, f: NativeFn) -> Value {
    Value::Property(Rc::new(Property { fget: Some(native(name, f)), fset: None, fdel: None, doc: None }))
}

fn method(owner: &str, name: &str, f: NativeFn) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func: f, bound: None, data: None, owner: Some(owner.into()) }))
}

fn pattern_methods() -> Attrs {
    let mut a = Attrs::default();
    let ms: &[(&str, NativeFn)] = &[
        ("search", p_search),
        ("match", p_match),
        ("fullmatch", p_fullmatch),
        ("findall", p_findall),
        ("finditer", p_finditer),
        ("sub", p_sub),
        ("subn", p_subn),
        ("split", p_split),
        ("__repr__", p_repr),
        ("__eq__", p_eq),
        ("__hash__", p_hash),
    ];
    for (n, f) in ms {
        a.insert((*n).into(), method("Pattern", n, *f));
    }
    let ps: &[(&str, NativeFn)] =
        &[("pattern", p_pattern), ("flags", p_flags), ("groups", p_groups), ("groupindex", p_groupindex)];
    for (n, f) in ps {
        a.insert((*n).into(), property(n, *f));
    }
    a
}

fn match_methods() -> Attrs {
    let mut a = Attrs::default();
    let ms: &[(&str, NativeFn)] = &[
        ("group", m_group),
        ("__getitem__", m_getitem),
        ("groups", m_groups),
        ("groupdict", m_groupdict),
        ("start", m_start),
        ("end", m_end),
        ("span", m_span),
        ("expand", m_expand),
        ("__repr__", m_repr),
        ("__bool__", m_bool),
    ];
    for (n, f) in ms {
        a.insert((*n).into(), method("Match", n, *f));
    }
    let ps: &[(&str, NativeFn)] = &[
        ("string", m_string),
        ("re", m_re),
        ("pos", m_pos),
        ("endpos", m_endpos),
        ("lastindex", m_lastindex),
        ("lastgroup", m_lastgroup),
        ("regs", m_regs),
    ];
    for (n, f) in ps {
        a.insert((*n).into(), property(n, *f));
    }
    a
}

// ---------------------------------------------------------------- compiling

fn re_error(cls: &Classes, msg: &str, pattern: &str, pos: Option<usize>) -> PyErr {
    let inst = Instance::new(cls.error.clone());
    fill_error(&inst, Value::str(msg), Some(pattern), pos);
    PyErr::object(Rc::new(inst))
}

/// `re.error.__init__(msg, pattern=None, pos=None)`: the message gains the
/// position (and line and column when the pattern has several lines).
fn fill_error(inst: &Instance, msg: Value, pattern: Option<&str>, pos: Option<usize>) {
    let text = match &msg {
        Value::Str(s) => s.as_str().to_owned(),
        _ => String::new(),
    };
    let mut where_ = None;
    let full = match (pattern, pos) {
        (Some(pattern), Some(p)) => {
            let before: String = pattern.chars().take(p).collect();
            let line = before.matches('\n').count() + 1;
            let col = match before.rfind('\n') {
                Some(b) => before[b + 1..].chars().count() + 1,
                None => p + 1,
            };
            where_ = Some((line, col));
            if pattern.contains('\n') {
                Value::string(format!("{text} at position {p} (line {line}, column {col})"))
            } else {
                Value::string(format!("{text} at position {p}"))
            }
        }
        _ => msg.clone(),
    };
    if let Some(e) = &inst.exc {
        *e.args.borrow_mut() = crate::values::tuple_ref(vec![full]);
    }
    let mut a = inst.attrs.borrow_mut();
    a.insert("msg".into(), msg);
    a.insert("pattern".into(), pattern.map_or(Value::None, Value::str));
    a.insert("pos".into(), pos.map_or(Value::None, Value::from));
    a.insert("lineno".into(), where_.map_or(Value::None, |w| Value::from(w.0)));
    a.insert("colno".into(), where_.map_or(Value::None, |w| Value::from(w.1)));
}

fn error_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, msg, pattern, pos] = args.bind("error.__init__", ["self", "msg", "pattern", "pos"], 0, 2)?;
    let (Some(Value::Instance(inst)), Some(msg)) = (this, msg) else {
        return Err(PyErr::type_error("error.__init__() missing 1 required positional argument: 'msg'"));
    };
    let pattern = pattern.filter(|p| !p.is_none());
    let pos = match pos.filter(|p| !p.is_none()) {
        Some(p) => Some(vm.index_of(&p)?.max(0) as usize),
        None => None,
    };
    let pat = match &pattern {
        Some(Value::Str(s)) => Some(s.as_str().to_owned()),
        _ => None,
    };
    fill_error(&inst, msg, pat.as_deref(), if pat.is_some() { pos } else { None });
    Ok(Value::None)
}

fn compile_text(cls: &Classes, pattern: &str, flags: i64) -> PyResult<Rc<Compiled>> {
    let key = (pattern.to_owned(), flags);
    if let Some(c) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(c);
    }
    let tr = re_syntax::translate(pattern, flags).map_err(|e| re_error(cls, &e.msg, pattern, e.pos))?;
    let run = re_run::class_run(pattern, tr.flags);
    let c = Rc::new(Compiled { pattern: pattern.to_owned(), flags: tr.flags, tr, variants: RefCell::new(Default::default()), run });
    // Build the common program now, so that engine-level errors show at compile time.
    regex_for(cls, &c, 0)?;
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= MAX_CACHE {
            cache.clear();
        }
        cache.insert(key, c.clone());
    });
    Ok(c)
}

fn regex_for(cls: &Classes, c: &Compiled, variant: usize) -> PyResult<Option<Rc<Regex>>> {
    if let Some(r) = &c.variants.borrow()[variant] {
        return Ok(Some(r.clone()));
    }
    let body = match (&c.tr.ascii_bodies, variant & 8 != 0) {
        (Some((z, nl)), true) => {
            if variant & 2 != 0 {
                nl
            } else {
                z
            }
        }
        _ => {
            if variant & 2 != 0 {
                &c.tr.body_nl
            } else {
                &c.tr.body_z
            }
        }
    };
    let text = if variant & 1 != 0 { format!("(?:{body})\\z") } else { body.clone() };
    let mut b = RegexBuilder::new(&text);
    b.backtrack_limit(BACKTRACK_LIMIT);
    b.delegate_size_limit(8 << 20);
    if variant & 4 != 0 {
        b.find_not_empty(true);
    }
    let r = match b.build() {
        Ok(r) => Rc::new(r),
        Err(fancy_regex::Error::CompileError(e)) if matches!(*e, fancy_regex::CompileError::PatternCanNeverMatch) => {
            return Ok(None)
        }
        Err(e) => return Err(re_error(cls, &engine_message(&e), &c.pattern, None)),
    };
    c.variants.borrow_mut()[variant] = Some(r.clone());
    Ok(Some(r))
}

fn engine_message(e: &fancy_regex::Error) -> String {
    match e {
        fancy_regex::Error::CompileError(ce) => match **ce {
            fancy_regex::CompileError::LookBehindNotConst => "look-behind requires fixed-width pattern".into(),
            _ => format!("pattern not supported by garter's regex engine: {e}"),
        },
        _ => format!("pattern not supported by garter's regex engine: {e}"),
    }
}

fn classes_of(data: &Value) -> PyResult<Rc<Classes>> {
    if let Value::Native(n) = data {
        if let Some(c) = n.data.borrow().downcast_ref::<Rc<Classes>>() {
            return Ok(c.clone());
        }
        if let Some(p) = n.data.borrow().downcast_ref::<Rc<PatternData>>() {
            return Ok(p.cls.clone());
        }
    }
    Err(PyErr::type_error("re: internal state missing"))
}

fn pattern_data(v: &Value) -> Option<Rc<PatternData>> {
    match v {
        Value::Native(n) => n.data.borrow().downcast_ref::<Rc<PatternData>>().cloned(),
        _ => None,
    }
}

fn match_data(v: &Value) -> PyResult<Rc<MatchData>> {
    if let Value::Native(n) = v {
        if let Some(m) = n.data.borrow().downcast_ref::<Rc<MatchData>>() {
            return Ok(m.clone());
        }
    }
    Err(PyErr::type_error(format!("descriptor requires a 're.Match' object but received a '{}'", v.type_name())))
}

fn flags_arg(vm: &mut Vm, v: Option<Value>) -> PyResult<i64> {
    match v {
        None => Ok(0),
        Some(v) => vm.index_of(&v),
    }
}

/// The pattern object for `pattern` (a str or a Pattern) and flags.
fn get_pattern(vm: &mut Vm, cls: &Rc<Classes>, pattern: &Value, flags: i64) -> PyResult<Value> {
    if pattern_data(pattern).is_some() {
        if flags != 0 {
            return Err(PyErr::value_error("cannot process flags argument with a compiled pattern"));
        }
        return Ok(pattern.clone());
    }
    let text = match pattern {
        Value::Str(s) => s.clone(),
        Value::Instance(i) => match i.base.borrow().clone() {
            Some(Value::Str(s)) => s,
            _ => return Err(first_arg_error(pattern)),
        },
        Value::Bytes(_) | Value::ByteArray(_) => {
            return Err(PyErr::type_error("garter's re supports str patterns only, not bytes"))
        }
        _ => return Err(first_arg_error(pattern)),
    };
    vm.tick()?;
    let c = compile_text(cls, text.as_str(), flags)?;
    let data: Rc<PatternData> = Rc::new(PatternData { c, cls: cls.clone() });
    Ok(Value::Native(Rc::new(NativeObject { class: cls.pattern.clone(), data: RefCell::new(Box::new(data)) })))
}

fn first_arg_error(_v: &Value) -> PyErr {
    PyErr::type_error("first argument must be string or compiled pattern")
}

// ---------------------------------------------------------------- matching

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Search,
    Match,
    Full,
}

/// The subject of a match: the text, and code-point/byte conversions for it.
struct Subject {
    value: Value,
    text: Rc<PyStr>,
    /// Byte offset of `endpos`: the engine sees the text up to here.
    end_b: usize,
    pos: usize,
    endpos: usize,
    ascii: bool,
    /// Last conversion (byte, char), so converting increasing offsets stays linear.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl Subject {
    fn new(vm: &mut Vm, v: &Value, pos: Option<Value>, endpos: Option<Value>) -> PyResult<Subject> {
        let text = match v {
            Value::Str(s) => s.clone(),
            Value::Instance(i) => match i.base.borrow().clone() {
                Some(Value::Str(s)) => s,
                _ => return Err(PyErr::type_error(format!("expected string or bytes-like object, got '{}'", v.type_name()))),
            },
            Value::Bytes(_) | Value::ByteArray(_) => {
                return Err(PyErr::type_error("cannot use a string pattern on a bytes-like object"))
            }
            _ => return Err(PyErr::type_error(format!("expected string or bytes-like object, got '{}'", v.type_name()))),
        };
        let n = text.len_chars() as i64;
        let clamp = |x: i64| -> usize { x.clamp(0, n) as usize };
        let pos = match pos {
            Some(p) => clamp(vm.index_of(&p)?),
            None => 0,
        };
        let endpos = match endpos {
            Some(p) => clamp(vm.index_of(&p)?),
            None => n as usize,
        };
        let end_b = text.byte_offset(endpos);
        let ascii = text.is_ascii();
        Ok(Subject { value: v.clone(), text, end_b, pos, endpos, ascii, cursor: std::cell::Cell::new((0, 0)) })
    }

    fn hay(&self) -> &str {
        let s = self.text.as_str();
        &s[..self.end_b.min(s.len())]
    }

    fn to_char(&self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        let s = self.text.as_str();
        let (cb, cc) = self.cursor.get();
        let (from_b, from_c) = if b >= cb { (cb, cc) } else { (0, 0) };
        let c = from_c + s.get(from_b..b).map_or(0, |t| t.chars().count());
        self.cursor.set((b, c));
        c
    }

    fn to_byte(&self, c: usize) -> usize {
        if self.ascii {
            return c;
        }
        self.text.byte_offset(c)
    }

    /// Byte offset just after the character starting at byte `b`.
    fn next_char(&self, b: usize) -> usize {
        let s = self.hay();
        match s.get(b..).and_then(|t| t.chars().next()) {
            Some(ch) => b + ch.len_utf8(),
            None => b + 1,
        }
    }
}

/// Byte spans of group 0 and (when asked for) the other groups. One buffer is
/// refilled match after match.
type Spans = Vec<Option<(usize, usize)>>;

/// Whether the caller needs the groups' spans, or only the whole match's.
#[derive(Clone, Copy, PartialEq)]
enum Need {
    Whole,
    Groups,
}

/// Runs one search; on a match, `out` holds its spans and the result is true.
#[allow(clippy::too_many_arguments)]
fn run_engine(
    cls: &Classes,
    c: &Compiled,
    sub: &Subject,
    start_b: usize,
    mode: Mode,
    not_empty: bool,
    need: Need,
    out: &mut Spans,
) -> PyResult<bool> {
    out.clear();
    let hay = sub.hay();
    if start_b > hay.len() {
        return Ok(false);
    }
    if let (Some(set), true) = (c.run, sub.ascii) {
        // The run never matches empty, so `not_empty` changes nothing; it has no groups.
        return Ok(match re_run::find(set, hay.as_bytes(), start_b, mode != Mode::Search, mode == Mode::Full) {
            Some(span) => {
                out.push(Some(span));
                true
            }
            None => false,
        });
    }
    let mut variant = 0;
    if mode == Mode::Full {
        variant |= 1;
    }
    if c.tr.has_dollar && hay.ends_with('\n') {
        variant |= 2;
    }
    if not_empty {
        variant |= 4;
    }
    if sub.ascii && c.tr.ascii_bodies.is_some() {
        variant |= 8;
    }
    let Some(re) = regex_for(cls, c, variant)? else {
        return Ok(false);
    };
    let input = RegexInput::new(hay).from_pos(start_b).anchored(mode != Mode::Search);
    if need == Need::Whole || c.tr.groups == 0 {
        // The cheaper search: no capture slots to allocate and fill.
        return match re.find_input(input) {
            Ok(Some(m)) => {
                out.push(Some((m.start(), m.end())));
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(engine_failure(e)),
        };
    }
    match re.captures_input(input) {
        Ok(None) => Ok(false),
        Ok(Some(caps)) => {
            let n = c.tr.groups + 1;
            out.extend((0..n).map(|i| caps.get(i).map(|m| (m.start(), m.end()))));
            Ok(true)
        }
        Err(e) => Err(engine_failure(e)),
    }
}

fn engine_failure(e: fancy_regex::Error) -> PyErr {
    match e {
        fancy_regex::Error::RuntimeError(fancy_regex::RuntimeError::BacktrackLimitExceeded) => PyErr::runtime_error(
            "regular expression backtracking limit exceeded: the pattern backtracks catastrophically on this text",
        ),
        e => PyErr::runtime_error(format!("regular expression failed: {e}")),
    }
}

/// The next match at or after byte `start_b`; with `must_advance`, an empty match
/// exactly at `start_b` is not allowed (CPython's rule after an empty match).
/// The callers count each match with `vm.tick()`, which checks the time budget every
/// 1024 steps; one match itself is bounded by the backtrack limit.
fn next_match(cls: &Classes, c: &Compiled, sub: &Subject, start_b: usize, must_advance: bool, need: Need, out: &mut Spans) -> PyResult<bool> {
    if !run_engine(cls, c, sub, start_b, Mode::Search, false, need, out)? {
        return Ok(false);
    }
    let whole = out[0].unwrap_or((start_b, start_b));
    if !(must_advance && whole == (start_b, start_b)) {
        return Ok(true);
    }
    if run_engine(cls, c, sub, start_b, Mode::Match, true, need, out)? {
        return Ok(true);
    }
    if start_b >= sub.hay().len() {
        return Ok(false);
    }
    run_engine(cls, c, sub, sub.next_char(start_b), Mode::Search, false, need, out)
}

/// A match that failed (at the backtrack limit) has just spent a long time: the
/// time budget is checked before its error is raised, so a loop catching it cannot
/// run 1024 such matches between two clock reads.
fn over_budget(vm: &mut Vm, r: PyResult<bool>) -> PyResult<bool> {
    if r.is_err() {
        vm.check_budgets()?;
    }
    r
}

fn make_match(pat: &Value, pd: &PatternData, sub: &Subject, spans: &[Option<(usize, usize)>]) -> Value {
    let spans = spans
        .iter()
        .map(|s| s.map(|(a, b)| ((sub.to_char(a), sub.to_char(b)), (a, b))))
        .collect();
    let data: Rc<MatchData> = Rc::new(MatchData {
        string: sub.value.clone(),
        text: sub.text.clone(),
        pattern: pat.clone(),
        c: pd.c.clone(),
        spans,
        pos: sub.pos,
        endpos: sub.endpos,
    });
    Value::Native(Rc::new(NativeObject { class: pd.cls.match_.clone(), data: RefCell::new(Box::new(data)) }))
}

fn do_match(vm: &mut Vm, pat: &Value, string: &Value, pos: Option<Value>, endpos: Option<Value>, mode: Mode) -> PyResult<Value> {
    let pd = pattern_data(pat).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))?;
    let sub = Subject::new(vm, string, pos, endpos)?;
    if sub.pos > sub.endpos {
        return Ok(Value::None);
    }
    vm.tick()?;
    let start_b = sub.to_byte(sub.pos);
    let mut spans = Spans::new();
    if over_budget(vm, run_engine(&pd.cls, &pd.c, &sub, start_b, mode, false, Need::Groups, &mut spans))? {
        Ok(make_match(pat, &pd, &sub, &spans))
    } else {
        Ok(Value::None)
    }
}

/// Every match, in order, with CPython's empty-match rules.
fn all_matches(
    vm: &mut Vm,
    pd: &PatternData,
    sub: &Subject,
    limit: usize,
    need: Need,
    mut each: impl FnMut(&mut Vm, &[Option<(usize, usize)>]) -> PyResult<()>,
) -> PyResult<()> {
    if sub.pos > sub.endpos {
        return Ok(());
    }
    let mut at = sub.to_byte(sub.pos);
    let mut must_advance = false;
    let mut n = 0;
    let mut spans = Spans::new();
    while limit == 0 || n < limit {
        vm.tick()?;
        if !over_budget(vm, next_match(&pd.cls, &pd.c, sub, at, must_advance, need, &mut spans))? {
            break;
        }
        let (s, e) = spans[0].unwrap_or((at, at));
        each(vm, &spans)?;
        n += 1;
        must_advance = s == e;
        at = e;
        if at > sub.hay().len() {
            break;
        }
    }
    Ok(())
}

fn group_value(sub: &Subject, span: Option<(usize, usize)>, default: &Value) -> Value {
    match span {
        Some((a, b)) => Value::str(sub.text.as_str().get(a..b).unwrap_or("")),
        None => default.clone(),
    }
}

fn do_findall(vm: &mut Vm, pat: &Value, string: &Value, pos: Option<Value>, endpos: Option<Value>) -> PyResult<Value> {
    let pd = pattern_data(pat).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))?;
    let sub = Subject::new(vm, string, pos, endpos)?;
    // Most findalls find a few items: room for them up front instead of regrowing.
    let mut out = Vec::with_capacity(8);
    let groups = pd.c.tr.groups;
    let empty = Value::str("");
    all_matches(vm, &pd, &sub, 0, Need::Groups, |vm, spans| {
        if out.len() & 0xfff == 0xfff {
            vm.check_alloc(out.len() as u128 * 32)?;
        }
        let item = match groups {
            0 => group_value(&sub, spans[0], &empty),
            1 => group_value(&sub, spans[1], &empty),
            _ => Value::tuple((1..=groups).map(|g| group_value(&sub, spans[g], &empty)).collect()),
        };
        out.push(item);
        Ok(())
    })?;
    Ok(Value::list(out))
}

struct FindIter {
    pat: Value,
    pd: Rc<PatternData>,
    sub: Subject,
    at: usize,
    must_advance: bool,
    done: bool,
    spans: Spans,
}

impl DynIterator for FindIter {
    fn type_name(&self) -> &'static str {
        "callable_iterator"
    }

    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        if self.done || self.sub.pos > self.sub.endpos || self.at > self.sub.hay().len() {
            self.done = true;
            return Ok(None);
        }
        vm.tick()?;
        let mut spans = std::mem::take(&mut self.spans);
        if !over_budget(vm, next_match(&self.pd.cls, &self.pd.c, &self.sub, self.at, self.must_advance, Need::Groups, &mut spans))? {
            self.done = true;
            return Ok(None);
        }
        let (s, e) = spans[0].unwrap_or((self.at, self.at));
        self.must_advance = s == e;
        self.at = e;
        let m = make_match(&self.pat, &self.pd, &self.sub, &spans);
        self.spans = spans;
        Ok(Some(m))
    }
}

fn do_finditer(vm: &mut Vm, pat: &Value, string: &Value, pos: Option<Value>, endpos: Option<Value>) -> PyResult<Value> {
    let pd = pattern_data(pat).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))?;
    let sub = Subject::new(vm, string, pos, endpos)?;
    let at = sub.to_byte(sub.pos);
    let it = FindIter { pat: pat.clone(), pd, sub, at, must_advance: false, done: false, spans: Spans::new() };
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Dyn(Box::new(it))))))
}

fn do_split(vm: &mut Vm, pat: &Value, string: &Value, maxsplit: i64) -> PyResult<Value> {
    let pd = pattern_data(pat).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))?;
    let sub = Subject::new(vm, string, None, None)?;
    let mut out = Vec::new();
    if maxsplit < 0 {
        out.push(Value::str(sub.text.as_str()));
        return Ok(Value::list(out));
    }
    let mut last = 0usize;
    let groups = pd.c.tr.groups;
    all_matches(vm, &pd, &sub, maxsplit as usize, Need::Groups, |vm, spans| {
        let (s, e) = spans[0].unwrap_or((last, last));
        if out.len() & 0xfff == 0xfff {
            vm.check_alloc(out.len() as u128 * 32)?;
        }
        out.push(Value::str(sub.text.as_str().get(last..s).unwrap_or("")));
        for g in 1..=groups {
            out.push(group_value(&sub, spans[g], &Value::None));
        }
        last = e;
        Ok(())
    })?;
    out.push(Value::str(sub.text.as_str().get(last..).unwrap_or("")));
    Ok(Value::list(out))
}

// ---------------------------------------------------------------- templates

enum TPiece {
    Lit(String),
    Group(usize),
}

/// `re._parser.parse_template`: literal text and group references.
fn parse_template(cls: &Classes, c: &Compiled, tpl: &str) -> PyResult<Vec<TPiece>> {
    let chars: Vec<char> = tpl.chars().collect();
    let mut out: Vec<TPiece> = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let fail = |msg: String, pos: usize| re_error(cls, &msg, tpl, Some(pos));
    while i < chars.len() {
        let ch = chars[i];
        if ch != '\\' {
            lit.push(ch);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&e) = chars.get(i) else {
            return Err(fail("bad escape (end of pattern)".into(), start));
        };
        i += 1;
        let mut group: Option<usize> = None;
        match e {
            'g' => {
                if chars.get(i) != Some(&'<') {
                    return Err(fail("missing <".into(), i));
                }
                i += 1;
                let name_start = i;
                while i < chars.len() && chars[i] != '>' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(fail("missing >, unterminated name".into(), name_start));
                }
                let name: String = chars[name_start..i].iter().collect();
                i += 1;
                if name.is_empty() {
                    return Err(fail("missing group name".into(), name_start));
                }
                let g = if name.chars().all(|d| d.is_ascii_digit()) {
                    let n: usize = name.parse().unwrap_or(usize::MAX);
                    if n > c.tr.groups {
                        return Err(fail(format!("invalid group reference {name}"), name_start));
                    }
                    n
                } else if !re_syntax::is_identifier(&name) {
                    return Err(fail(format!("bad character in group name '{name}'"), name_start));
                } else {
                    match c.tr.names.iter().find(|(n, _)| *n == name) {
                        Some((_, g)) => *g,
                        None => {
                            return Err(PyErr::index_error(format!("unknown group name '{name}'")));
                        }
                    }
                };
                group = Some(g);
            }
            '0' => {
                let mut v = 0u32;
                for _ in 0..2 {
                    match chars.get(i) {
                        Some(d @ '0'..='7') => {
                            v = v * 8 + (*d as u32 - 48);
                            i += 1;
                        }
                        _ => break,
                    }
                }
                lit.push(char::from_u32(v).unwrap_or('\0'));
            }
            '1'..='9' => {
                let mut n = e as usize - 48;
                if let Some(d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
                    let d = *d;
                    if e <= '7' && d <= '7' && chars.get(i + 1).is_some_and(|x| ('0'..='7').contains(x)) {
                        let d2 = chars[i + 1];
                        let v = (e as u32 - 48) * 64 + (d as u32 - 48) * 8 + (d2 as u32 - 48);
                        if v > 0o377 {
                            return Err(fail(format!("octal escape value \\{e}{d}{d2} outside of range 0-0o377"), start));
                        }
                        lit.push(char::from_u32(v).unwrap_or('\0'));
                        i += 2;
                        continue;
                    }
                    n = n * 10 + (d as usize - 48);
                    i += 1;
                }
                if n > c.tr.groups {
                    return Err(fail(format!("invalid group reference {n}"), start + 1));
                }
                group = Some(n);
            }
            'a' => lit.push('\u{7}'),
            'b' => lit.push('\u{8}'),
            'f' => lit.push('\u{c}'),
            'n' => lit.push('\n'),
            'r' => lit.push('\r'),
            't' => lit.push('\t'),
            'v' => lit.push('\u{b}'),
            '\\' => lit.push('\\'),
            e if e.is_ascii_alphabetic() => return Err(fail(format!("bad escape \\{e}"), start)),
            e => {
                lit.push('\\');
                lit.push(e);
            }
        }
        if let Some(g) = group {
            if !lit.is_empty() {
                out.push(TPiece::Lit(std::mem::take(&mut lit)));
            }
            out.push(TPiece::Group(g));
        }
    }
    if !lit.is_empty() {
        out.push(TPiece::Lit(lit));
    }
    Ok(out)
}

fn expand_template(pieces: &[TPiece], text: &str, spans: &[Option<(usize, usize)>], out: &mut String) {
    for p in pieces {
        match p {
            TPiece::Lit(s) => out.push_str(s),
            TPiece::Group(g) => {
                if let Some(Some((a, b))) = spans.get(*g) {
                    out.push_str(text.get(*a..*b).unwrap_or(""));
                }
            }
        }
    }
}

fn do_sub(vm: &mut Vm, pat: &Value, repl: &Value, string: &Value, count: i64) -> PyResult<(Value, usize)> {
    let pd = pattern_data(pat).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))?;
    let sub = Subject::new(vm, string, None, None)?;
    let template = match repl {
        Value::Str(s) => Some(parse_template(&pd.cls, &pd.c, s.as_str())?),
        _ if crate::builtins::functions::is_callable(repl) => None,
        // A bytes literal is one of the joined pieces as it is: it fails the join
        // (below) when there was a match, and `sub` of no match returns the text.
        Value::Bytes(_) => None,
        // CPython's template tokenizer decodes a non-str as latin-1 bytes.
        _ => {
            return Err(PyErr::type_error(format!(
                "decoding to str: need a bytes-like object, {} found",
                repl.type_name()
            )))
        }
    };
    // `_sre` joins a list of pieces after the last match: what a callable
    // returns that is not a str fails there, as "sequence item N" of that list
    // (non-empty text between matches and each non-None result are items).
    let mut pieces = 0usize;
    let mut bad: Option<(usize, Rc<str>)> = None;
    let mut out = String::new();
    let mut last = 0usize;
    let mut n = 0usize;
    if count < 0 {
        return Ok((Value::str(sub.text.as_str()), 0));
    }
    let text = sub.text.clone();
    // A template without group references needs only where each match is.
    let need = match &template {
        Some(t) if !t.iter().any(|p| matches!(p, TPiece::Group(_))) => Need::Whole,
        _ => Need::Groups,
    };
    all_matches(vm, &pd, &sub, count as usize, need, |vm, spans| {
        let (s, e) = spans[0].unwrap_or((last, last));
        if s > last {
            pieces += 1;
        }
        out.push_str(text.as_str().get(last..s).unwrap_or(""));
        match &template {
            Some(t) => expand_template(t, text.as_str(), spans, &mut out),
            None if matches!(repl, Value::Bytes(_)) => {
                if bad.is_none() {
                    bad = Some((pieces, repl.type_name()));
                }
                pieces += 1;
            }
            None => {
                let m = make_match(pat, &pd, &sub, spans);
                match vm.call1(repl, m)? {
                    Value::None => {}
                    Value::Str(r) => {
                        pieces += 1;
                        out.push_str(r.as_str());
                    }
                    Value::Instance(i) if matches!(*i.base.borrow(), Some(Value::Str(_))) => {
                        pieces += 1;
                        if let Some(Value::Str(r)) = &*i.base.borrow() {
                            out.push_str(r.as_str());
                        }
                    }
                    other => {
                        if bad.is_none() {
                            bad = Some((pieces, other.type_name()));
                        }
                        pieces += 1;
                    }
                }
            }
        }
        vm.check_alloc(out.len() as u128)?;
        last = e;
        n += 1;
        Ok(())
    })?;
    if let Some((i, t)) = bad {
        return Err(PyErr::type_error(format!("sequence item {i}: expected str instance, {t} found")));
    }
    out.push_str(text.as_str().get(last..).unwrap_or(""));
    Ok((Value::string(out), n))
}

// ---------------------------------------------------------------- module functions

/// Binds (data, args...) for module functions: returns the classes and the bound slots.
fn module_args<const N: usize>(
    args: Args,
    fname: &str,
    names: [&str; N],
    required: usize,
) -> PyResult<(Rc<Classes>, [Option<Value>; N])> {
    let mut args = args;
    if args.pos.is_empty() {
        return Err(PyErr::type_error("re: internal state missing"));
    }
    let data = args.pos.remove(0);
    let cls = classes_of(&data)?;
    let slots = args.bind(fname, names, 0, required)?;
    Ok((cls, slots))
}

fn re_compile(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, [pattern, flags]) = module_args(args, "compile", ["pattern", "flags"], 1)?;
    let flags = flags_arg(vm, flags)?;
    get_pattern(vm, &cls, &pattern.unwrap_or(Value::None), flags)
}

fn module_match(vm: &mut Vm, args: Args, fname: &str, mode: Mode) -> PyResult<Value> {
    let (cls, [pattern, string, flags]) = module_args(args, fname, ["pattern", "string", "flags"], 2)?;
    let flags = flags_arg(vm, flags)?;
    let p = get_pattern(vm, &cls, &pattern.unwrap_or(Value::None), flags)?;
    do_match(vm, &p, &string.unwrap_or(Value::None), None, None, mode)
}

fn re_search(vm: &mut Vm, args: Args) -> PyResult<Value> {
    module_match(vm, args, "search", Mode::Search)
}

fn re_match(vm: &mut Vm, args: Args) -> PyResult<Value> {
    module_match(vm, args, "match", Mode::Match)
}

fn re_fullmatch(vm: &mut Vm, args: Args) -> PyResult<Value> {
    module_match(vm, args, "fullmatch", Mode::Full)
}

fn re_findall(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, [pattern, string, flags]) = module_args(args, "findall", ["pattern", "string", "flags"], 2)?;
    let flags = flags_arg(vm, flags)?;
    let p = get_pattern(vm, &cls, &pattern.unwrap_or(Value::None), flags)?;
    do_findall(vm, &p, &string.unwrap_or(Value::None), None, None)
}

fn re_finditer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, [pattern, string, flags]) = module_args(args, "finditer", ["pattern", "string", "flags"], 2)?;
    let flags = flags_arg(vm, flags)?;
    let p = get_pattern(vm, &cls, &pattern.unwrap_or(Value::None), flags)?;
    do_finditer(vm, &p, &string.unwrap_or(Value::None), None, None)
}

fn re_sub_common(vm: &mut Vm, args: Args, fname: &str) -> PyResult<(Value, usize)> {
    let (cls, [pattern, repl, string, count, flags]) =
        module_args(args, fname, ["pattern", "repl", "string", "count", "flags"], 3)?;
    let flags = flags_arg(vm, flags)?;
    let count = flags_arg(vm, count)?;
    let p = get_pattern(vm, &cls, &pattern.unwrap_or(Value::None), flags)?;
    do_sub(vm, &p, &repl.unwrap_or(Value::None), &string.unwrap_or(Value::None), count)
}

fn re_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(re_sub_common(vm, args, "sub")?.0)
}

fn re_subn(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, n) = re_sub_common(vm, args, "subn")?;
    Ok(Value::tuple(vec![s, Value::from(n)]))
}

fn re_split(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, [pattern, string, maxsplit, flags]) =
        module_args(args, "split", ["pattern", "string", "maxsplit", "flags"], 2)?;
    let flags = flags_arg(vm, flags)?;
    let maxsplit = flags_arg(vm, maxsplit)?;
    let p = get_pattern(vm, &cls, &pattern.unwrap_or(Value::None), flags)?;
    do_split(vm, &p, &string.unwrap_or(Value::None), maxsplit)
}

fn re_escape(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let _ = vm;
    let [p] = args.bind("escape", ["pattern"], 0, 1)?;
    match p {
        Some(Value::Str(s)) => Ok(Value::string(re_syntax::escape(s.as_str()))),
        Some(other) => Err(PyErr::type_error(format!("expected str instance, {} found", other.type_name()))),
        None => Err(PyErr::type_error("escape() missing required argument 'pattern' (pos 1)")),
    }
}

fn re_purge(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [] = args.exact("purge")?;
    CACHE.with(|c| c.borrow_mut().clear());
    Ok(Value::None)
}

// ---------------------------------------------------------------- Pattern methods

fn self_and<const N: usize>(args: Args, fname: &str, names: [&str; N], required: usize) -> PyResult<(Value, [Option<Value>; N])> {
    let mut args = args;
    if args.pos.is_empty() {
        return Err(PyErr::type_error(format!("descriptor '{fname}' of 're.Pattern' object needs an argument")));
    }
    let this = args.pos.remove(0);
    if pattern_data(&this).is_none() {
        return Err(PyErr::type_error(format!(
            "descriptor '{fname}' for 're.Pattern' objects doesn't apply to a '{}' object",
            this.type_name()
        )));
    }
    Ok((this, args.bind(fname, names, 0, required)?))
}

fn p_match_common(vm: &mut Vm, args: Args, fname: &str, mode: Mode) -> PyResult<Value> {
    let (this, [string, pos, endpos]) = self_and(args, fname, ["string", "pos", "endpos"], 1)?;
    do_match(vm, &this, &string.unwrap_or(Value::None), pos, endpos, mode)
}

fn p_search(vm: &mut Vm, args: Args) -> PyResult<Value> {
    p_match_common(vm, args, "search", Mode::Search)
}

fn p_match(vm: &mut Vm, args: Args) -> PyResult<Value> {
    p_match_common(vm, args, "match", Mode::Match)
}

fn p_fullmatch(vm: &mut Vm, args: Args) -> PyResult<Value> {
    p_match_common(vm, args, "fullmatch", Mode::Full)
}

fn p_findall(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [string, pos, endpos]) = self_and(args, "findall", ["string", "pos", "endpos"], 1)?;
    do_findall(vm, &this, &string.unwrap_or(Value::None), pos, endpos)
}

fn p_finditer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [string, pos, endpos]) = self_and(args, "finditer", ["string", "pos", "endpos"], 1)?;
    do_finditer(vm, &this, &string.unwrap_or(Value::None), pos, endpos)
}

fn p_sub_common(vm: &mut Vm, args: Args, fname: &str) -> PyResult<(Value, usize)> {
    let (this, [repl, string, count]) = self_and(args, fname, ["repl", "string", "count"], 2)?;
    let count = flags_arg(vm, count)?;
    do_sub(vm, &this, &repl.unwrap_or(Value::None), &string.unwrap_or(Value::None), count)
}

fn p_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(p_sub_common(vm, args, "sub")?.0)
}

fn p_subn(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, n) = p_sub_common(vm, args, "subn")?;
    Ok(Value::tuple(vec![s, Value::from(n)]))
}

fn p_split(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (this, [string, maxsplit]) = self_and(args, "split", ["string", "maxsplit"], 1)?;
    let maxsplit = flags_arg(vm, maxsplit)?;
    do_split(vm, &this, &string.unwrap_or(Value::None), maxsplit)
}

fn the_pattern(args: &Args) -> PyResult<Rc<PatternData>> {
    args.pos.first().and_then(pattern_data).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))
}

fn flags_repr(flags: i64) -> String {
    let names = [
        (re_syntax::IGNORECASE, "re.IGNORECASE"),
        (re_syntax::LOCALE, "re.LOCALE"),
        (re_syntax::MULTILINE, "re.MULTILINE"),
        (re_syntax::DOTALL, "re.DOTALL"),
        (re_syntax::VERBOSE, "re.VERBOSE"),
        (re_syntax::DEBUG, "re.DEBUG"),
        (re_syntax::ASCII, "re.ASCII"),
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut rest = flags;
    for (bit, name) in names {
        if flags & bit != 0 {
            parts.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        parts.push(format!("0x{rest:x}"));
    }
    parts.join("|")
}

fn p_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let pd = the_pattern(&args)?;
    let mut r = py_str_repr(&pd.c.pattern);
    if r.chars().count() > 200 {
        r = r.chars().take(200).collect();
    }
    let shown = pd.c.flags & !re_syntax::UNICODE;
    Ok(Value::string(if shown == 0 {
        format!("re.compile({r})")
    } else {
        format!("re.compile({r}, {})", flags_repr(shown))
    }))
}

fn p_eq(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let pd = the_pattern(&args)?;
    Ok(match args.pos.get(1).and_then(pattern_data) {
        Some(o) => Value::Bool(o.c.pattern == pd.c.pattern && o.c.flags == pd.c.flags),
        None => Value::NotImplemented,
    })
}

fn p_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let pd = the_pattern(&args)?;
    let h = vm.hash(&Value::str(&pd.c.pattern))?;
    Ok(Value::Int((h as i64) ^ pd.c.flags))
}

fn p_pattern(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::str(&the_pattern(&args)?.c.pattern))
}

fn p_flags(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(the_pattern(&args)?.c.flags))
}

fn p_groups(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::from(the_pattern(&args)?.c.tr.groups))
}

fn p_groupindex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let pd = the_pattern(&args)?;
    let d = Rc::new(RefCell::new(PyDict::new()));
    for (name, g) in &pd.c.tr.names {
        vm.dict_set(&d, Value::str(name), Value::from(*g))?;
    }
    Ok(Value::Dict(d))
}

// ---------------------------------------------------------------- Match methods

fn the_match(args: &Args) -> PyResult<Rc<MatchData>> {
    match args.pos.first() {
        Some(v) => match_data(v),
        None => Err(PyErr::type_error("expected a re.Match")),
    }
}

impl MatchData {
    fn group_index(&self, vm: &mut Vm, g: &Value) -> PyResult<usize> {
        let n = match g {
            Value::Str(s) => match self.c.tr.names.iter().find(|(n, _)| n == s.as_str()) {
                Some((_, i)) => return Ok(*i),
                None => return Err(PyErr::index_error("no such group")),
            },
            Value::Int(_) | Value::Bool(_) => vm.index_of(g)?,
            Value::Instance(_) => match vm.index_of(g) {
                Ok(i) => i,
                Err(_) => return Err(PyErr::index_error("no such group")),
            },
            _ => return Err(PyErr::index_error("no such group")),
        };
        if n < 0 || n as usize > self.c.tr.groups {
            return Err(PyErr::index_error("no such group"));
        }
        Ok(n as usize)
    }

    fn text_of(&self, g: usize, default: &Value) -> Value {
        match self.spans.get(g).copied().flatten() {
            Some((_, (a, b))) => Value::str(self.text.as_str().get(a..b).unwrap_or("")),
            None => default.clone(),
        }
    }

    fn span_of(&self, g: usize) -> (i64, i64) {
        match self.spans.get(g).copied().flatten() {
            Some(((a, b), _)) => (a as i64, b as i64),
            None => (-1, -1),
        }
    }

    fn lastindex(&self) -> Option<usize> {
        // The group that closed last: the latest end, and among those the one whose
        // `)` comes last in the pattern (an outer group closes after its inner ones).
        let mut best: Option<((usize, usize), usize)> = None;
        for g in 1..self.spans.len() {
            if let Some(((_, end), _)) = self.spans[g] {
                let key = (end, self.c.tr.close_rank.get(g).copied().unwrap_or(0));
                if best.is_none_or(|(k, _)| key > k) {
                    best = Some((key, g));
                }
            }
        }
        best.map(|(_, g)| g)
    }
}

fn m_group(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("group")?;
    let md = the_match(&args)?;
    let gs = &args.pos[1..];
    if gs.is_empty() {
        return Ok(md.text_of(0, &Value::None));
    }
    if gs.len() == 1 {
        let g = md.group_index(vm, &gs[0])?;
        return Ok(md.text_of(g, &Value::None));
    }
    let mut out = Vec::with_capacity(gs.len());
    for g in gs {
        let i = md.group_index(vm, g)?;
        out.push(md.text_of(i, &Value::None));
    }
    Ok(Value::tuple(out))
}

fn m_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let md = the_match(&args)?;
    let g = args.pos.get(1).cloned().unwrap_or(Value::None);
    let i = md.group_index(vm, &g)?;
    Ok(md.text_of(i, &Value::None))
}

fn m_groups(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut args = args;
    let this = if args.pos.is_empty() { Value::None } else { args.pos.remove(0) };
    let [default] = args.bind("groups", ["default"], 0, 0)?;
    let md = match_data(&this)?;
    let default = default.unwrap_or(Value::None);
    Ok(Value::tuple((1..=md.c.tr.groups).map(|g| md.text_of(g, &default)).collect()))
}

fn m_groupdict(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut args = args;
    let this = if args.pos.is_empty() { Value::None } else { args.pos.remove(0) };
    let [default] = args.bind("groupdict", ["default"], 0, 0)?;
    let md = match_data(&this)?;
    let default = default.unwrap_or(Value::None);
    let d = Rc::new(RefCell::new(PyDict::new()));
    for (name, g) in &md.c.tr.names {
        vm.dict_set(&d, Value::str(name), md.text_of(*g, &default))?;
    }
    Ok(Value::Dict(d))
}

fn span_arg(vm: &mut Vm, args: &Args, fname: &str) -> PyResult<(i64, i64)> {
    if args.pos.len() > 2 {
        return Err(PyErr::type_error(format!("{fname} expected at most 1 argument, got {}", args.pos.len() - 1)));
    }
    let md = the_match(args)?;
    let g = match args.pos.get(1) {
        Some(g) => md.group_index(vm, g)?,
        None => 0,
    };
    Ok(md.span_of(g))
}

fn m_start(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(span_arg(vm, &args, "start")?.0))
}

fn m_end(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(span_arg(vm, &args, "end")?.1))
}

fn m_span(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = span_arg(vm, &args, "span")?;
    Ok(Value::tuple(vec![Value::Int(a), Value::Int(b)]))
}

fn m_expand(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let md = the_match(&args)?;
    let pd = pattern_data(&md.pattern).ok_or_else(|| PyErr::type_error("expected a re.Pattern"))?;
    let tpl = match args.pos.get(1) {
        Some(Value::Str(s)) => s.clone(),
        Some(other) => return Err(PyErr::type_error(format!("expected str instance, {} found", other.type_name()))),
        None => return Err(PyErr::type_error("expand() missing required argument 'template' (pos 1)")),
    };
    let pieces = parse_template(&pd.cls, &md.c, tpl.as_str())?;
    let spans: Vec<Option<(usize, usize)>> = md.spans.iter().map(|s| s.map(|(_, b)| b)).collect();
    let mut out = String::new();
    expand_template(&pieces, md.text.as_str(), &spans, &mut out);
    Ok(Value::string(out))
}

fn m_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let md = the_match(&args)?;
    let (a, b) = md.span_of(0);
    let g = md.text_of(0, &Value::None);
    let r = vm.repr(&g)?;
    Ok(Value::string(format!("<re.Match object; span=({a}, {b}), match={r}>")))
}

fn m_bool(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    the_match(&args)?;
    Ok(Value::Bool(true))
}

fn m_string(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(the_match(&args)?.string.clone())
}

fn m_re(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(the_match(&args)?.pattern.clone())
}

fn m_pos(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::from(the_match(&args)?.pos))
}

fn m_endpos(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::from(the_match(&args)?.endpos))
}

fn m_lastindex(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(the_match(&args)?.lastindex().map_or(Value::None, Value::from))
}

fn m_lastgroup(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let md = the_match(&args)?;
    Ok(match md.lastindex() {
        Some(g) => match md.c.tr.names.iter().find(|(_, i)| *i == g) {
            Some((n, _)) => Value::str(n),
            None => Value::None,
        },
        None => Value::None,
    })
}

fn m_regs(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let md = the_match(&args)?;
    Ok(Value::tuple(
        (0..=md.c.tr.groups)
            .map(|g| {
                let (a, b) = md.span_of(g);
                Value::tuple(vec![Value::Int(a), Value::Int(b)])
            })
            .collect(),
    ))
}
