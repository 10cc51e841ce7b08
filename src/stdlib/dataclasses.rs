//! `dataclasses`: `@dataclass` generating `__init__`, `__repr__`, `__eq__`, ordering,
//! hashing and frozen assignment checks as natives stored in the class dict (each
//! carrying the field list as its `data`), plus field, fields, asdict, astuple,
//! replace, is_dataclass. Must never expose anything but the user's own values.

use std::rc::Rc;

use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

/// One field of a dataclass (also what `field(...)` returns before the class is processed).
#[derive(Clone)]
struct Field {
    name: String,
    type_: Value,
    default: Option<Value>,
    factory: Option<Value>,
    init: bool,
    repr: bool,
    compare: bool,
    hash: Option<Value>,
    kw_only: bool,
    /// `field(kw_only=...)` was given; otherwise the decorator's `kw_only` decides.
    kw_only_given: bool,
}

struct Missing;

#[derive(Clone, Copy)]
struct Opts {
    init: bool,
    repr: bool,
    eq: bool,
    order: bool,
    unsafe_hash: bool,
    frozen: bool,
    kw_only: bool,
}

fn state(vm: &mut Vm) -> PyResult<(Rc<Class>, Rc<Class>, Value)> {
    let m = vm.modules.borrow().iter().find(|(n, _)| &**n == "dataclasses").map(|(_, m)| m.clone());
    let Some(Value::Module(m)) = m else {
        return Err(PyErr::runtime_error("dataclasses module state is missing"));
    };
    let a = m.attrs.borrow();
    let (Some(Value::Class(f)), Some(Value::Class(e)), Some(missing)) = (a.get("Field"), a.get("FrozenInstanceError"), a.get("MISSING")) else {
        return Err(PyErr::runtime_error("dataclasses module state was replaced"));
    };
    Ok((f.clone(), e.clone(), missing.clone()))
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let mut fattrs = methods(&[("__repr__", field_repr)], "Field");
    for (n, f) in [
        ("name", f_name as NativeFn),
        ("type", f_type),
        ("default", f_default),
        ("default_factory", f_factory),
        ("init", f_init),
        ("repr", f_repr),
        ("compare", f_compare),
        ("hash", f_hash),
        ("kw_only", f_kw_only),
    ] {
        fattrs.insert(n.into(), property(n, f));
    }
    let field_cls = make_class(vm, "Field", "dataclasses", vec![], fattrs)?;
    let missing_cls = make_class(vm, "_MISSING_TYPE", "dataclasses", vec![], methods(&[("__repr__", missing_repr)], "_MISSING_TYPE"))?;
    let frozen = exc_class(vm, "FrozenInstanceError", "dataclasses", ExcKind::AttributeError)?;
    let mut attrs = Attrs::default();
    for (n, f) in [
        ("dataclass", dataclass as NativeFn),
        ("field", field),
        ("fields", fields),
        ("asdict", asdict),
        ("astuple", astuple),
        ("replace", replace),
        ("is_dataclass", is_dataclass),
    ] {
        attrs.insert(n.into(), builtin(n, f));
    }
    attrs.insert("Field".into(), Value::Class(field_cls));
    attrs.insert("MISSING".into(), new_native(&missing_cls, Missing));
    attrs.insert("FrozenInstanceError".into(), Value::Class(frozen));
    Ok(super::helpers_c::module("dataclasses", attrs))
}

fn missing_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let id = args.pos.first().map(|v| v.identity()).unwrap_or(0);
    Ok(Value::string(format!("<dataclasses._MISSING_TYPE object at 0x{id:012x}>")))
}

fn get_field(v: &Value) -> PyResult<Field> {
    native_get::<Field>(v).ok_or_else(|| PyErr::type_error("Field expected"))
}

fn self_field(args: &Args) -> PyResult<Field> {
    get_field(args.pos.first().unwrap_or(&Value::None))
}

fn or_missing(vm: &mut Vm, v: Option<Value>) -> PyResult<Value> {
    match v {
        Some(v) => Ok(v),
        None => Ok(state(vm)?.2),
    }
}

fn f_name(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::string(self_field(&args)?.name))
}
fn f_type(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(self_field(&args)?.type_)
}
fn f_default(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = self_field(&args)?;
    or_missing(vm, f.default)
}
fn f_factory(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = self_field(&args)?;
    or_missing(vm, f.factory)
}
fn f_init(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(self_field(&args)?.init))
}
fn f_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(self_field(&args)?.repr))
}
fn f_compare(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(self_field(&args)?.compare))
}
fn f_hash(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(self_field(&args)?.hash.unwrap_or(Value::None))
}
fn f_kw_only(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(self_field(&args)?.kw_only))
}

fn field_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = self_field(&args)?;
    let missing = state(vm)?.2;
    let d = f.default.clone().unwrap_or(missing.clone());
    let fac = f.factory.clone().unwrap_or(missing);
    let t = vm.repr(&f.type_)?;
    let (d, fac) = (vm.repr(&d)?, vm.repr(&fac)?);
    let h = match &f.hash {
        Some(h) => vm.repr(h)?,
        None => "None".into(),
    };
    let py = |b: bool| if b { "True" } else { "False" };
    Ok(Value::string(format!(
        "Field(name={},type={t},default={d},default_factory={fac},init={},repr={},hash={h},compare={},metadata=mappingproxy({{}}),kw_only={},_field_type=_FIELD)",
        vm.repr(&Value::str(&f.name))?,
        py(f.init),
        py(f.repr),
        py(f.compare),
        py(f.kw_only)
    )))
}

fn bool_kw(vm: &mut Vm, v: Option<Value>, default: bool) -> PyResult<bool> {
    match v {
        Some(v) => vm.truthy(&v),
        None => Ok(default),
    }
}

fn field(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.pos.is_empty() {
        return Err(PyErr::type_error(format!("field() takes 0 positional arguments but {} were given", args.pos.len())));
    }
    let [default, factory, init, repr, hash, compare, _metadata, kw_only] =
        args.bind("field", ["default", "default_factory", "init", "repr", "hash", "compare", "metadata", "kw_only"], 0, 0)?;
    let (fcls, _, missing) = state(vm)?;
    let default = default.filter(|v| !v.is(&missing));
    let factory = factory.filter(|v| !v.is(&missing));
    if default.is_some() && factory.is_some() {
        return Err(PyErr::value_error("cannot specify both default and default_factory"));
    }
    let f = Field {
        name: String::new(),
        type_: Value::None,
        default,
        factory,
        init: bool_kw(vm, init, true)?,
        repr: bool_kw(vm, repr, true)?,
        compare: bool_kw(vm, compare, true)?,
        hash: hash.filter(|h| !h.is_none()),
        kw_only_given: kw_only.as_ref().is_some_and(|k| !k.is(&missing)),
        kw_only: bool_kw(vm, kw_only.filter(|k| !k.is(&missing)), false)?,
    };
    Ok(new_native(&fcls, f))
}

fn dataclass(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut args = args;
    let cls = if args.pos.is_empty() { None } else { Some(args.pos.remove(0)) };
    let [init, repr, eq, order, unsafe_hash, frozen, _match_args, kw_only, _slots, _weakref] = args.bind(
        "dataclass",
        ["init", "repr", "eq", "order", "unsafe_hash", "frozen", "match_args", "kw_only", "slots", "weakref_slot"],
        0,
        0,
    )?;
    let opts = Opts {
        init: bool_kw(vm, init, true)?,
        repr: bool_kw(vm, repr, true)?,
        eq: bool_kw(vm, eq, true)?,
        order: bool_kw(vm, order, false)?,
        unsafe_hash: bool_kw(vm, unsafe_hash, false)?,
        frozen: bool_kw(vm, frozen, false)?,
        kw_only: bool_kw(vm, kw_only, false)?,
    };
    match cls {
        Some(Value::None) | None => {
            let data = Value::tuple(
                [opts.init, opts.repr, opts.eq, opts.order, opts.unsafe_hash, opts.frozen, opts.kw_only]
                    .iter()
                    .map(|b| Value::Bool(*b))
                    .collect(),
            );
            Ok(builtin_with("wrap", dataclass_wrap, data))
        }
        Some(c) => process(vm, c, opts),
    }
}

fn dataclass_wrap(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, cls] = args.exact("wrap")?;
    let Value::Tuple(t) = &data else { return Err(PyErr::type_error("bad dataclass options")) };
    let b = |i: usize| matches!(t.get(i), Some(Value::Bool(true)));
    let opts = Opts { init: b(0), repr: b(1), eq: b(2), order: b(3), unsafe_hash: b(4), frozen: b(5), kw_only: b(6) };
    process(vm, cls, opts)
}

fn class_fields(vm: &mut Vm, cls: &Rc<Class>) -> PyResult<Option<Vec<Field>>> {
    let Some(v) = cls.lookup("__dataclass_fields__") else { return Ok(None) };
    let Value::Dict(d) = v else { return Ok(None) };
    let vals: Vec<Value> = d.borrow().values().cloned().collect();
    let mut out = Vec::with_capacity(vals.len());
    for v in vals {
        vm.tick()?;
        out.push(get_field(&v)?);
    }
    Ok(Some(out))
}

fn is_mutable_default(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Dict(_) | Value::Set(_))
}

fn process(vm: &mut Vm, cls_v: Value, opts: Opts) -> PyResult<Value> {
    let Value::Class(cls) = &cls_v else {
        return Err(PyErr::type_error("dataclass() should be called on a class"));
    };
    let (fcls, frozen_err, _) = state(vm)?;
    // Fields of dataclass bases first, in MRO order from the most basic.
    let mut fields: Vec<Field> = Vec::new();
    for b in cls.mro.iter().rev() {
        if let Some(bf) = class_fields(vm, b)? {
            for f in bf {
                match fields.iter_mut().find(|x| x.name == f.name) {
                    Some(x) => *x = f,
                    None => fields.push(f),
                }
            }
        }
    }
    let ann = cls.dict.borrow().get("__annotations__").cloned();
    let mut own: Vec<(String, Value)> = Vec::new();
    if let Some(Value::Dict(d)) = &ann {
        for e in d.borrow().iter() {
            if let Value::Str(k) = &e.key {
                own.push((k.as_str().to_owned(), e.value.clone()));
            }
        }
    }
    for (name, type_) in own {
        if is_classvar(vm, &type_)? {
            continue;
        }
        let cur = cls.dict.borrow().get(name.as_str()).cloned();
        let mut f = match &cur {
            Some(v @ Value::Native(_)) if native_get::<Field>(v).is_some() => get_field(v)?,
            Some(v) => Field {
                name: String::new(),
                type_: Value::None,
                default: Some(v.clone()),
                factory: None,
                init: true,
                repr: true,
                compare: true,
                hash: None,
                kw_only: false,
                kw_only_given: false,
            },
            None => Field {
                name: String::new(),
                type_: Value::None,
                default: None,
                factory: None,
                init: true,
                repr: true,
                compare: true,
                hash: None,
                kw_only: false,
                kw_only_given: false,
            },
        };
        f.name = name.clone();
        f.type_ = type_;
        if opts.kw_only && !f.kw_only_given {
            f.kw_only = true;
        }
        if let Some(d) = &f.default {
            if is_mutable_default(d) {
                return Err(PyErr::value_error(format!(
                    "mutable default {} for field {name} is not allowed: use default_factory",
                    vm.repr(&Value::Class(vm.type_of(d)))?
                )));
            }
        }
        // The class attribute becomes the plain default (or goes away).
        match &f.default {
            Some(d) => {
                cls.dict.borrow_mut().insert(name.as_str().into(), d.clone());
            }
            None => {
                if cur.is_some() {
                    cls.dict.borrow_mut().shift_remove(name.as_str());
                }
            }
        }
        match fields.iter_mut().find(|x| x.name == f.name) {
            Some(x) => *x = f,
            None => fields.push(f),
        }
    }
    // Defaults must not precede non-defaults among __init__ parameters.
    let mut seen_default = false;
    for f in fields.iter().filter(|f| f.init && !f.kw_only) {
        if f.default.is_some() || f.factory.is_some() {
            seen_default = true;
        } else if seen_default {
            return Err(PyErr::type_error(format!("non-default argument '{}' follows default argument", f.name)));
        }
    }
    let mut fdict = PyDict::new();
    let mut fvals = Vec::with_capacity(fields.len());
    for f in &fields {
        let fv = new_native(&fcls, f.clone());
        fdict.insert_simple(Value::str(&f.name), fv.clone());
        fvals.push(fv);
    }
    let data = Value::tuple(fvals);
    let has_own = |n: &str| cls.dict.borrow().contains_key(n);
    let set = |n: &str, f: NativeFn| {
        cls.dict.borrow_mut().insert(n.into(), builtin_with(n, f, data.clone()));
    };
    cls.dict.borrow_mut().insert("__dataclass_fields__".into(), Value::dict(fdict));
    if opts.init && !has_own("__init__") {
        set("__init__", dc_init);
    }
    if opts.repr && !has_own("__repr__") {
        set("__repr__", dc_repr);
    }
    if opts.eq && !has_own("__eq__") {
        set("__eq__", dc_eq);
    }
    if opts.order {
        if !opts.eq {
            return Err(PyErr::value_error("eq must be true if order is true"));
        }
        for (n, f) in [("__lt__", dc_lt as NativeFn), ("__le__", dc_le), ("__gt__", dc_gt), ("__ge__", dc_ge)] {
            if has_own(n) {
                return Err(PyErr::type_error(format!(
                    "Cannot overwrite attribute {n} in class {}. Consider using functools.total_ordering",
                    cls.name
                )));
            }
            set(n, f);
        }
    }
    if opts.frozen {
        for n in ["__setattr__", "__delattr__"] {
            if has_own(n) {
                return Err(PyErr::type_error(format!("Cannot overwrite attribute {n} in class {}", cls.name)));
            }
        }
        let fd = Value::tuple(vec![data.clone(), Value::Class(frozen_err.clone())]);
        cls.dict.borrow_mut().insert("__setattr__".into(), builtin_with("__setattr__", dc_frozen_setattr, fd.clone()));
        cls.dict.borrow_mut().insert("__delattr__".into(), builtin_with("__delattr__", dc_frozen_delattr, fd));
    }
    let explicit_hash = cls.dict.borrow().get("__hash__").is_some_and(|h| !h.is_none());
    if opts.unsafe_hash || (opts.eq && opts.frozen) {
        if !explicit_hash || opts.unsafe_hash {
            set("__hash__", dc_hash);
        }
    } else if opts.eq && !explicit_hash {
        cls.dict.borrow_mut().insert("__hash__".into(), Value::None);
    }
    let names: Vec<Value> = fields.iter().filter(|f| f.init).map(|f| Value::str(&f.name)).collect();
    if !has_own("__match_args__") {
        cls.dict.borrow_mut().insert("__match_args__".into(), Value::tuple(names));
    }
    Ok(cls_v)
}

fn is_classvar(vm: &mut Vm, t: &Value) -> PyResult<bool> {
    let r = match t {
        Value::Str(s) => s.as_str().starts_with("ClassVar") || s.as_str().starts_with("typing.ClassVar"),
        Value::Native(_) => vm.repr(t)?.starts_with("typing.ClassVar"),
        _ => false,
    };
    Ok(r)
}

fn data_fields(data: &Value) -> PyResult<Vec<Field>> {
    let Value::Tuple(t) = data else { return Err(PyErr::type_error("bad dataclass data")) };
    t.iter().map(get_field).collect()
}

fn set_field(vm: &mut Vm, obj: &Value, name: &str, v: Value, frozen: bool) -> PyResult<()> {
    match obj {
        Value::Instance(i) if frozen => {
            i.attrs.borrow_mut().insert(name.into(), v);
            Ok(())
        }
        _ => vm.setattr(obj, name, v),
    }
}

fn dc_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let data = pos.next().unwrap_or(Value::None);
    let me = pos.next().unwrap_or(Value::None);
    let rest: Vec<Value> = pos.collect();
    let fields = data_fields(&data)?;
    let cls = vm.type_of(&me);
    let qn = format!("{}.__init__", cls.qualname);
    let frozen = cls.lookup("__setattr__").is_some_and(|v| matches!(&v, Value::Builtin(b) if b.name.as_ref() == "__setattr__" && b.data.is_some()));
    let params: Vec<&Field> = fields.iter().filter(|f| f.init).collect();
    let positional: Vec<&Field> = params.iter().copied().filter(|f| !f.kw_only).collect();
    if rest.len() > positional.len() {
        let ndef = positional.iter().filter(|f| f.default.is_some() || f.factory.is_some()).count();
        let total = positional.len() + 1;
        let takes = if ndef > 0 {
            format!("from {} to {total} positional arguments", total - ndef)
        } else {
            format!("{total} positional argument{}", if total == 1 { "" } else { "s" })
        };
        return Err(PyErr::type_error(format!("{qn}() takes {takes} but {} were given", rest.len() + 1)));
    }
    let mut vals: Vec<Option<Value>> = vec![None; params.len()];
    for (i, v) in rest.into_iter().enumerate() {
        let idx = params.iter().position(|p| std::ptr::eq(*p, positional[i])).unwrap_or(i);
        vals[idx] = Some(v);
    }
    for (k, v) in args.kw {
        match params.iter().position(|p| p.name == *k) {
            Some(i) => {
                if vals[i].is_some() {
                    return Err(PyErr::type_error(format!("{qn}() got multiple values for argument '{k}'")));
                }
                vals[i] = Some(v);
            }
            None => return Err(PyErr::type_error(format!("{qn}() got an unexpected keyword argument '{k}'"))),
        }
    }
    // Missing positional parameters are reported first, then keyword-only ones.
    for kw_only in [false, true] {
        let missing: Vec<String> = params
            .iter()
            .zip(&vals)
            .filter(|(p, v)| p.kw_only == kw_only && v.is_none() && p.default.is_none() && p.factory.is_none())
            .map(|(p, _)| format!("'{}'", p.name))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let n = missing.len();
        let list = match n {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            _ => format!("{}, and {}", missing[..n - 1].join(", "), missing[n - 1]),
        };
        return Err(PyErr::type_error(format!(
            "{qn}() missing {n} required {} argument{}: {list}",
            if kw_only { "keyword-only" } else { "positional" },
            if n == 1 { "" } else { "s" }
        )));
    }
    let mut vi = vals.into_iter();
    for f in &fields {
        let given = if f.init { vi.next().flatten() } else { None };
        let v = match given {
            Some(v) => v,
            None => match (&f.default, &f.factory) {
                (Some(d), _) => d.clone(),
                (None, Some(fac)) => vm.call0(fac)?,
                (None, None) => continue,
            },
        };
        set_field(vm, &me, &f.name, v, frozen)?;
    }
    if let Some(post) = cls.lookup("__post_init__") {
        vm.call1(&post, me.clone())?;
    }
    Ok(Value::None)
}

fn two(args: &Args) -> (Value, Value, Value) {
    let g = |i: usize| args.pos.get(i).cloned().unwrap_or(Value::None);
    (g(0), g(1), g(2))
}

fn dc_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, me, _) = two(&args);
    let fields = data_fields(&data)?;
    let cls = vm.type_of(&me);
    let id = me.identity();
    if vm.repr_stack.contains(&id) {
        return Ok(Value::str("..."));
    }
    vm.repr_stack.push(id);
    let mut parts = Vec::new();
    let mut result = Ok(());
    for f in fields.iter().filter(|f| f.repr) {
        let r = vm.getattr(&me, &f.name).and_then(|v| vm.repr(&v));
        match r {
            Ok(s) => parts.push(format!("{}={s}", f.name)),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    vm.repr_stack.retain(|x| *x != id);
    result?;
    Ok(Value::string(format!("{}({})", cls.qualname, parts.join(", "))))
}

fn values_of(vm: &mut Vm, me: &Value, fields: &[Field], pick: fn(&Field) -> bool) -> PyResult<Value> {
    let mut out = Vec::new();
    for f in fields.iter().filter(|f| pick(f)) {
        out.push(vm.getattr(me, &f.name)?);
    }
    Ok(Value::tuple(out))
}

fn same_class(vm: &Vm, a: &Value, b: &Value) -> bool {
    Rc::ptr_eq(&vm.type_of(a), &vm.type_of(b))
}

fn dc_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, a, b) = two(&args);
    if !same_class(vm, &a, &b) {
        return Ok(Value::NotImplemented);
    }
    if a.is(&b) {
        return Ok(Value::Bool(true));
    }
    let fields = data_fields(&data)?;
    let (x, y) = (values_of(vm, &a, &fields, |f| f.compare)?, values_of(vm, &b, &fields, |f| f.compare)?);
    Ok(Value::Bool(vm.eq(&x, &y)?))
}

fn order(vm: &mut Vm, args: Args, op: crate::syntax::ast::CmpOp) -> PyResult<Value> {
    let (data, a, b) = two(&args);
    if !same_class(vm, &a, &b) {
        return Ok(Value::NotImplemented);
    }
    let fields = data_fields(&data)?;
    let (x, y) = (values_of(vm, &a, &fields, |f| f.compare)?, values_of(vm, &b, &fields, |f| f.compare)?);
    Ok(Value::Bool(vm.compare_op(&x, &y, op)?))
}

fn dc_lt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    order(vm, args, crate::syntax::ast::CmpOp::Lt)
}
fn dc_le(vm: &mut Vm, args: Args) -> PyResult<Value> {
    order(vm, args, crate::syntax::ast::CmpOp::LtE)
}
fn dc_gt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    order(vm, args, crate::syntax::ast::CmpOp::Gt)
}
fn dc_ge(vm: &mut Vm, args: Args) -> PyResult<Value> {
    order(vm, args, crate::syntax::ast::CmpOp::GtE)
}

fn dc_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, me, _) = two(&args);
    let fields = data_fields(&data)?;
    let t = values_of(vm, &me, &fields, |f| match &f.hash {
        Some(Value::Bool(b)) => *b,
        _ => f.compare,
    })?;
    Ok(Value::Int(vm.hash(&t)? as i64))
}

fn frozen_parts(data: &Value) -> PyResult<(Vec<Field>, Rc<Class>)> {
    match data {
        Value::Tuple(t) if t.len() == 2 => match &t[1] {
            Value::Class(c) => Ok((data_fields(&t[0])?, c.clone())),
            _ => Err(PyErr::type_error("bad frozen data")),
        },
        _ => Err(PyErr::type_error("bad frozen data")),
    }
}

fn dc_frozen_setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, _me, name) = two(&args);
    let (_, exc) = frozen_parts(&data)?;
    let n = vm.repr(&name)?;
    Err(raise_cls(&exc, format!("cannot assign to field {n}")))
}

fn dc_frozen_delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (data, _me, name) = two(&args);
    let (_, exc) = frozen_parts(&data)?;
    let n = vm.repr(&name)?;
    Err(raise_cls(&exc, format!("cannot delete field {n}")))
}

fn dataclass_fields_of(vm: &mut Vm, v: &Value) -> PyResult<Option<Vec<Field>>> {
    let cls = match v {
        Value::Class(c) => c.clone(),
        other => vm.type_of(other),
    };
    class_fields(vm, &cls)
}

fn fields(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("fields")?;
    let cls = match &v {
        Value::Class(c) => c.clone(),
        other => vm.type_of(other),
    };
    let Some(Value::Dict(d)) = cls.lookup("__dataclass_fields__") else {
        return Err(PyErr::type_error("must be called with a dataclass type or instance"));
    };
    let vals: Vec<Value> = d.borrow().values().cloned().collect();
    Ok(Value::tuple(vals))
}

fn is_dataclass(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [v] = args.exact("is_dataclass")?;
    Ok(Value::Bool(dataclass_fields_of(vm, &v)?.is_some()))
}

fn convert(vm: &mut Vm, v: &Value, as_dict: bool, factory: &Option<Value>) -> PyResult<Value> {
    vm.tick()?;
    if !matches!(v, Value::Class(_)) {
        if let Some(fs) = dataclass_fields_of(vm, v)? {
            let mut items = Vec::new();
            for f in &fs {
                let x = vm.getattr(v, &f.name)?;
                items.push((f.name.clone(), convert(vm, &x, as_dict, factory)?));
            }
            if as_dict {
                if let Some(fac) = factory {
                    let pairs = items.into_iter().map(|(k, v)| Value::tuple(vec![Value::string(k), v])).collect();
                    return vm.call1(fac, Value::list(pairs));
                }
                let d = Value::dict(PyDict::new());
                for (k, x) in items {
                    vm.setitem(&d, Value::string(k), x)?;
                }
                return Ok(d);
            }
            return Ok(Value::tuple(items.into_iter().map(|(_, v)| v).collect()));
        }
    }
    Ok(match v {
        Value::List(l) => {
            let items = l.borrow().clone();
            let mut out = Vec::with_capacity(items.len());
            for x in &items {
                out.push(convert(vm, x, as_dict, factory)?);
            }
            Value::list(out)
        }
        Value::Tuple(t) => {
            let items = t.clone();
            let mut out = Vec::with_capacity(items.len());
            for x in items.iter() {
                out.push(convert(vm, x, as_dict, factory)?);
            }
            Value::tuple(out)
        }
        Value::Dict(d) => {
            let items: Vec<(Value, Value)> = d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect();
            let out = Value::dict(PyDict::new());
            for (k, x) in items {
                let k = convert(vm, &k, as_dict, factory)?;
                let x = convert(vm, &x, as_dict, factory)?;
                vm.setitem(&out, k, x)?;
            }
            out
        }
        other => other.clone(),
    })
}

fn asdict(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, factory] = args.bind("asdict", ["obj", "dict_factory"], 1, 1)?;
    let obj = obj.unwrap_or(Value::None);
    if matches!(obj, Value::Class(_)) || dataclass_fields_of(vm, &obj)?.is_none() {
        return Err(PyErr::type_error("asdict() should be called on dataclass instances"));
    }
    convert(vm, &obj, true, &factory)
}

fn astuple(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, _factory] = args.bind("astuple", ["obj", "tuple_factory"], 1, 1)?;
    let obj = obj.unwrap_or(Value::None);
    if matches!(obj, Value::Class(_)) || dataclass_fields_of(vm, &obj)?.is_none() {
        return Err(PyErr::type_error("astuple() should be called on dataclass instances"));
    }
    convert(vm, &obj, false, &None)
}

fn replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut args = args;
    if args.pos.len() != 1 {
        return Err(PyErr::type_error(format!("replace() takes 1 positional argument but {} were given", args.pos.len())));
    }
    let obj = args.pos.remove(0);
    let Some(fs) = dataclass_fields_of(vm, &obj)?.filter(|_| !matches!(obj, Value::Class(_))) else {
        return Err(PyErr::type_error("replace() should be called on dataclass instances"));
    };
    let mut kw: Vec<(Rc<str>, Value)> = Vec::new();
    for (k, _) in &args.kw {
        if let Some(f) = fs.iter().find(|f| f.name == **k) {
            if !f.init {
                return Err(PyErr::value_error(format!(
                    "field {} is declared with init=False, it cannot be specified with replace()",
                    f.name
                )));
            }
        }
    }
    for f in fs.iter().filter(|f| f.init) {
        if let Some((_, v)) = args.kw.iter().find(|(k, _)| **k == *f.name) {
            kw.push((f.name.as_str().into(), v.clone()));
        } else {
            kw.push((f.name.as_str().into(), vm.getattr(&obj, &f.name)?));
        }
    }
    for (k, v) in args.kw {
        if !kw.iter().any(|(n, _)| *n == k) {
            kw.push((k, v));
        }
    }
    let cls = Value::Class(vm.type_of(&obj));
    vm.call(&cls, Args { pos: Default::default(), kw })
}
