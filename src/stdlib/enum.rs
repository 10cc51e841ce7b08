//! `enum`: Enum, IntEnum, StrEnum, Flag, IntFlag, auto and unique.
//! A class statement whose bases include an enum class is finished by
//! `finish_class` (called from `Vm::build_class`): its plain attributes become
//! member instances. The machine asks `class_members` to iterate, size and test
//! membership of an enum class. Flag classes follow 3.11: `|`, `&`, `^` and `~`
//! make (cached) pseudo-members named `A|B`, only single-bit members are
//! canonical, Flag is STRICT and IntFlag KEEPs unknown bits.
//! Must never expose anything but the user's values.

use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

use super::helpers_c::*;
use crate::syntax::ast::BinOp;
use crate::values::*;
use crate::vm::Vm;

/// Marks the enum base classes; a class with it in its MRO gets members.
const MARK: &str = "__garter_enum__";
const NAMES: &str = "_member_names_";
const MAP: &str = "_member_map_";
/// Marks Flag and IntFlag (and their subclasses).
const FLAG_MARK: &str = "__garter_flag__";
/// Flag classes: value -> member, pseudo-members included once made.
const V2M: &str = "_value2member_map_";

struct Auto;

/// `RED | GREEN` of two `auto()`s in a class body: CPython has resolved them to
/// ints by then; here the combination waits until `finish_class` knows them.
struct AutoExpr {
    op: BinOp,
    a: Value,
    b: Value,
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let base_methods: &[(&str, NativeFn)] = &[
        ("__repr__", enum_repr),
        ("__str__", enum_str),
        ("__format__", enum_format),
        ("__hash__", enum_hash),
        ("__reduce_ex__", enum_reduce),
    ];
    let mut a = methods(base_methods, "Enum");
    a.insert(MARK.into(), Value::Bool(true));
    a.insert("__new__".into(), staticmethod("__new__", enum_new));
    a.insert("__class_getitem__".into(), builtin("__class_getitem__", enum_getitem));
    a.insert("name".into(), property("name", enum_name));
    a.insert("value".into(), property("value", enum_value));
    a.insert("_name_".into(), property("_name_", enum_name));
    a.insert("_value_".into(), property("_value_", enum_value));
    a.insert(NAMES.into(), Value::list(vec![]));
    let enum_cls = make_class(vm, "Enum", "enum", vec![], a)?;
    let int_cls = vm.types.int.clone();
    let str_cls = vm.types.str.clone();
    let mut a = methods(&[("__repr__", enum_repr), ("__str__", int_str), ("__format__", int_format), ("__hash__", value_hash)], "IntEnum");
    a.insert(NAMES.into(), Value::list(vec![]));
    let int_enum = make_class(vm, "IntEnum", "enum", vec![int_cls.clone(), enum_cls.clone()], a)?;
    let mut a = methods(&[("__repr__", enum_repr), ("__str__", int_str), ("__format__", int_format), ("__hash__", value_hash)], "StrEnum");
    a.insert(NAMES.into(), Value::list(vec![]));
    let str_enum = make_class(vm, "StrEnum", "enum", vec![str_cls, enum_cls.clone()], a)?;
    let mut a = methods(FLAG_METHODS, "Flag");
    a.extend(methods(&[("__repr__", flag_repr), ("__str__", flag_str), ("__hash__", flag_hash)], "Flag"));
    a.insert(NAMES.into(), Value::list(vec![]));
    a.insert(FLAG_MARK.into(), Value::Bool(true));
    let flag = make_class(vm, "Flag", "enum", vec![enum_cls.clone()], a)?;
    // IntFlag carries Flag's operators itself, ahead of int's in its MRO (as
    // 3.11's EnumType copies them into every Flag class).
    let mut a = methods(FLAG_METHODS, "IntFlag");
    a.extend(methods(&[("__repr__", flag_repr), ("__str__", int_str), ("__format__", int_format), ("__hash__", value_hash)], "IntFlag"));
    a.insert(NAMES.into(), Value::list(vec![]));
    let int_flag = make_class(vm, "IntFlag", "enum", vec![int_cls, flag.clone()], a)?;
    let mut a = methods(
        &[
            ("__repr__", auto_repr),
            ("__or__", auto_or),
            ("__ror__", auto_ror),
            ("__and__", auto_and),
            ("__rand__", auto_rand),
            ("__xor__", auto_xor),
            ("__rxor__", auto_rxor),
        ],
        "auto",
    );
    a.insert("__new__".into(), staticmethod("__new__", auto_new));
    a.insert("__init__".into(), builtin("__init__", noop));
    let auto = make_class(vm, "auto", "enum", vec![], a)?;
    let mut attrs = Attrs::default();
    attrs.insert("Enum".into(), Value::Class(enum_cls));
    attrs.insert("IntEnum".into(), Value::Class(int_enum));
    attrs.insert("StrEnum".into(), Value::Class(str_enum));
    attrs.insert("Flag".into(), Value::Class(flag));
    attrs.insert("IntFlag".into(), Value::Class(int_flag));
    attrs.insert("auto".into(), Value::Class(auto));
    attrs.insert("unique".into(), builtin("unique", unique));
    Ok(super::helpers_c::module("enum", attrs))
}

fn noop(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn auto_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(Value::Class(c)) => Ok(new_native(c, Auto)),
        _ => Err(PyErr::type_error("auto.__new__(X): X is not a type object")),
    }
}

fn auto_repr(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::str("auto(_auto_null)"))
}

fn auto_combine(args: Args, op: BinOp, reflected: bool) -> PyResult<Value> {
    let (Some(me), Some(other)) = (args.pos.first(), args.pos.get(1)) else {
        return Err(PyErr::type_error("expected 1 argument"));
    };
    let Value::Native(n) = me else { return Ok(Value::NotImplemented) };
    let other_ok = matches!(other, Value::Int(_) | Value::BigInt(_) | Value::Bool(_))
        || matches!(other, Value::Native(o) if Rc::ptr_eq(&o.class, &n.class));
    if !other_ok {
        return Ok(Value::NotImplemented);
    }
    let (a, b) = if reflected { (other.clone(), me.clone()) } else { (me.clone(), other.clone()) };
    Ok(new_native(&n.class, AutoExpr { op, a, b }))
}

fn auto_or(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    auto_combine(args, BinOp::BitOr, false)
}

fn auto_ror(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    auto_combine(args, BinOp::BitOr, true)
}

fn auto_and(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    auto_combine(args, BinOp::BitAnd, false)
}

fn auto_rand(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    auto_combine(args, BinOp::BitAnd, true)
}

fn auto_xor(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    auto_combine(args, BinOp::BitXor, false)
}

fn auto_rxor(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    auto_combine(args, BinOp::BitXor, true)
}

/// The value of an `auto()` combination, from the autos resolved so far.
fn eval_auto(vm: &mut Vm, v: &Value, resolved: &[(Value, Value)]) -> PyResult<Value> {
    let Value::Native(n) = v else { return Ok(v.clone()) };
    if n.data.borrow().is::<Auto>() {
        return match resolved.iter().find(|(a, _)| a.is(v)) {
            Some((_, val)) => Ok(val.clone()),
            None => Err(PyErr::type_error("auto() used before its member was defined")),
        };
    }
    let parts = n.data.borrow().downcast_ref::<AutoExpr>().map(|e| (e.op, e.a.clone(), e.b.clone()));
    match parts {
        Some((op, a, b)) => {
            vm.tick()?;
            let a = eval_auto(vm, &a, resolved)?;
            let b = eval_auto(vm, &b, resolved)?;
            vm.binary_op(&a, &b, op)
        }
        None => Ok(v.clone()),
    }
}

pub fn is_enum_class(c: &Rc<Class>) -> bool {
    c.lookup(MARK).is_some()
}

/// The members of an enum class in definition order (aliases excluded), or `None`
/// for other classes.
pub fn class_members(c: &Rc<Class>) -> Option<Vec<Value>> {
    if !is_enum_class(c) {
        return None;
    }
    let names = match c.dict.borrow().get(NAMES) {
        Some(Value::List(l)) => l.borrow().clone(),
        _ => return Some(Vec::new()),
    };
    let map = c.dict.borrow().get(MAP).cloned();
    let Some(Value::Dict(map)) = map else { return Some(Vec::new()) };
    let m = map.borrow();
    Some(names.iter().filter_map(|n| if let Value::Str(s) = n { m.get_str(s.as_str()).cloned() } else { None }).collect())
}

/// `x in EnumClass`, as 3.11 answers it.
pub fn class_contains(vm: &mut Vm, c: &Rc<Class>, needle: &Value) -> PyResult<bool> {
    let is_member = match needle {
        Value::Instance(i) => is_enum_class(&i.class),
        _ => false,
    };
    if !is_member {
        return Err(PyErr::type_error(format!(
            "unsupported operand type(s) for 'in': '{}' and 'EnumType'",
            vm.type_of(needle).qualname
        )));
    }
    Ok(class_members(c).unwrap_or_default().iter().any(|m| m.is(needle)))
}

fn is_descriptor(v: &Value) -> bool {
    matches!(
        v,
        Value::Function(_) | Value::Builtin(_) | Value::Property(_) | Value::StaticMethod(_) | Value::ClassMethod(_) | Value::Class(_)
    )
}

/// Turns the plain attributes of a just-built enum class into members.
pub fn finish_class(vm: &mut Vm, cls: &Rc<Class>) -> PyResult<()> {
    for b in &cls.mro {
        if let Some(Value::List(l)) = b.dict.borrow().get(NAMES) {
            if !l.borrow().is_empty() {
                return Err(PyErr::type_error(format!("<enum '{}'> cannot extend <enum '{}'>", cls.name, b.name)));
            }
        }
    }
    let entries: Vec<(Rc<str>, Value)> = cls.dict.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut names: Vec<Value> = Vec::new();
    let mut members: Vec<(Value, Value)> = Vec::new();
    let mut map = PyDict::new();
    let mut last_auto: Option<Value> = None;
    let is_str_enum = cls.tag == TypeTag::Str;
    let is_flag = is_flag_class(cls);
    // The values of the names defined so far (Flag's auto() looks at their max).
    let mut seen: Vec<Value> = Vec::new();
    // Each auto() object and the value it was given.
    let mut resolved: Vec<(Value, Value)> = Vec::new();
    for (k, v) in entries {
        if k.starts_with('_') || is_descriptor(&v) {
            continue;
        }
        vm.tick()?;
        let value = if matches!(&v, Value::Native(n) if n.data.borrow().is::<Auto>()) {
            if is_str_enum {
                Value::string(k.to_lowercase())
            } else if is_flag {
                flag_next_value(vm, &seen)?
            } else {
                match &last_auto {
                    None => Value::Int(1),
                    Some(l) => vm.binary_op(l, &Value::Int(1), crate::syntax::ast::BinOp::Add)?,
                }
            }
        } else {
            eval_auto(vm, &v, &resolved)?
        };
        if matches!(&v, Value::Native(n) if n.data.borrow().is::<Auto>()) {
            resolved.push((v.clone(), value.clone()));
        }
        if matches!(value, Value::Int(_) | Value::BigInt(_)) {
            last_auto = Some(value.clone());
        }
        seen.push(value.clone());
        // An alias: a later name with the value of an earlier member.
        let mut alias = None;
        for (mv, m) in &members {
            if vm.eq(mv, &value)? {
                alias = Some(m.clone());
                break;
            }
        }
        let member = match alias {
            Some(m) => m,
            None => {
                let inst = Instance::new(cls.clone());
                inst.attrs.borrow_mut().insert("_name_".into(), Value::str(&k));
                inst.attrs.borrow_mut().insert("_value_".into(), value.clone());
                let base = match cls.tag {
                    TypeTag::Int => {
                        let ctor = vm.types.int.clone();
                        Some(vm.call1(&Value::Class(ctor), value.clone())?)
                    }
                    TypeTag::Str => {
                        let ctor = vm.types.str.clone();
                        Some(vm.call1(&Value::Class(ctor), value.clone())?)
                    }
                    TypeTag::Float => {
                        let ctor = vm.types.float.clone();
                        Some(vm.call1(&Value::Class(ctor), value.clone())?)
                    }
                    _ => None,
                };
                *inst.base.borrow_mut() = base;
                let m = Value::Instance(Rc::new(inst));
                // A user `__init__` gets the value's items (`A = (1, 2)` calls
                // `__init__(self, 1, 2)`), as EnumType does.
                if let Some(init @ Value::Function(_)) = cls.lookup("__init__") {
                    let mut a = Args::new([m.clone()]);
                    match &value {
                        Value::Tuple(t) => a.pos.extend(t.iter().cloned()),
                        other => a.pos.push(other.clone()),
                    }
                    vm.call(&init, a)?;
                }
                // A Flag's canonical members are its single bits; the others
                // (zero, multi-bit) are named members outside iteration.
                if !is_flag || int_of(&value).is_some_and(|v| is_single_bit(&v)) {
                    names.push(Value::str(&k));
                }
                members.push((value.clone(), m.clone()));
                m
            }
        };
        map.insert_simple(Value::str(&k), member.clone());
        cls.dict.borrow_mut().insert(k.clone(), member);
    }
    if is_flag {
        let v2m = Rc::new(std::cell::RefCell::new(PyDict::new()));
        for (v, m) in &members {
            if vm.dict_get(&v2m, v)?.is_none() {
                vm.dict_set(&v2m, v.clone(), m.clone())?;
            }
        }
        cls.dict.borrow_mut().insert(V2M.into(), Value::Dict(v2m));
    }
    let mut d = cls.dict.borrow_mut();
    d.insert(NAMES.into(), Value::list(names));
    d.insert("__members__".into(), Value::dict(map.clone_shallow()));
    d.insert(MAP.into(), Value::dict(map));
    Ok(())
}

trait CloneShallow {
    fn clone_shallow(&self) -> PyDict;
}

impl CloneShallow for PyDict {
    fn clone_shallow(&self) -> PyDict {
        let mut d = PyDict::new();
        for e in self.iter() {
            d.insert_simple(e.key.clone(), e.value.clone());
        }
        d
    }
}

fn member_parts(v: &Value) -> PyResult<(Rc<Class>, String, Value)> {
    match v {
        Value::Instance(i) => {
            let a = i.attrs.borrow();
            let name = match a.get("_name_") {
                Some(Value::Str(s)) => s.as_str().to_owned(),
                // A Flag pseudo-member without members (its own methods read the raw None).
                Some(Value::None) => "None".to_owned(),
                _ => return Err(PyErr::type_error("not an enum member")),
            };
            Ok((i.class.clone(), name, a.get("_value_").cloned().unwrap_or(Value::None)))
        }
        _ => Err(PyErr::type_error("not an enum member")),
    }
}

fn me(args: &Args) -> Value {
    args.pos.first().cloned().unwrap_or(Value::None)
}

fn enum_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, n, v) = member_parts(&me(&args))?;
    Ok(Value::string(format!("<{}.{n}: {}>", c.name, vm.repr(&v)?)))
}

fn enum_str(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, n, _) = member_parts(&me(&args))?;
    Ok(Value::string(format!("{}.{n}", c.name)))
}

fn enum_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let s = vm.str(&me(&args))?;
    let spec = args.pos.get(1).cloned().unwrap_or(Value::str(""));
    let spec = vm.str(&spec)?;
    Ok(Value::string(vm.format(&Value::string(s), &spec)?))
}

fn enum_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, n, _) = member_parts(&me(&args))?;
    Ok(Value::Int(vm.hash(&Value::string(n))? as i64))
}

fn enum_reduce(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Err(PyErr::type_error("cannot pickle enum members"))
}

fn enum_name(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    // Raw, so that a Flag pseudo-member's `None` name reads as None.
    match &me(&args) {
        Value::Instance(i) => match i.attrs.borrow().get("_name_") {
            Some(n) => Ok(n.clone()),
            None => Err(PyErr::type_error("not an enum member")),
        },
        _ => Err(PyErr::type_error("not an enum member")),
    }
}

fn enum_value(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, _, v) = member_parts(&me(&args))?;
    Ok(v)
}

/// str() and format() of IntEnum/StrEnum members are those of their value.
fn int_str(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, _, v) = member_parts(&me(&args))?;
    Ok(Value::string(vm.str(&v)?))
}

fn int_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, _, v) = member_parts(&me(&args))?;
    let spec = args.pos.get(1).cloned().unwrap_or(Value::str(""));
    let spec = vm.str(&spec)?;
    Ok(Value::string(vm.format(&v, &spec)?))
}

fn value_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, _, v) = member_parts(&me(&args))?;
    Ok(Value::Int(vm.hash(&v)? as i64))
}

/// `Color(1)`: the member with that value.
fn enum_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let names = match args.pos.len() {
        0..=2 => kwarg(&mut args, "names"),
        3 => args.pos.pop(),
        n => {
            return Err(PyErr::type_error(format!(
                "EnumType.__call__() takes from 2 to 3 positional arguments but {n} were given"
            )))
        }
    };
    if let Some(names) = names.filter(|n| !n.is_none()) {
        return functional(vm, args, names);
    }
    let mut it = args.pos.into_iter();
    let Some(Value::Class(cls)) = it.next() else {
        return Err(PyErr::type_error("Enum.__new__(X): X is not a type object"));
    };
    let Some(value) = it.next() else {
        return Err(PyErr::type_error(format!("{}() missing 1 required positional argument: 'value'", cls.name)));
    };
    let is_flag = is_flag_class(&cls);
    let members = if is_flag { all_members(&cls) } else { class_members(&cls).unwrap_or_default() };
    if members.is_empty() && cls.dict.borrow().get(MAP).is_none() {
        return Err(PyErr::type_error(format!("{}() takes no arguments", cls.name)));
    }
    if let Value::Instance(i) = &value {
        if Rc::ptr_eq(&i.class, &cls) {
            return Ok(value);
        }
    }
    if is_flag {
        let v2m = cls.dict.borrow().get(V2M).cloned();
        if let Some(Value::Dict(d)) = v2m {
            // An unhashable value falls through to the linear search, as in CPython.
            if let Ok(Some(m)) = vm.dict_get(&d, &value) {
                return Ok(m);
            }
        }
    }
    for m in &members {
        vm.tick()?;
        let (_, _, v) = member_parts(m)?;
        if vm.eq(&v, &value)? {
            return Ok(m.clone());
        }
    }
    if let Some(missing) = cls.lookup("_missing_") {
        let bound = match &missing {
            Value::ClassMethod(f) => (**f).clone(),
            other => other.clone(),
        };
        let r = vm.call(&bound, Args::new([Value::Class(cls.clone()), value.clone()]))?;
        if !r.is_none() {
            return Ok(r);
        }
    }
    if is_flag {
        return flag_missing(vm, &cls, &value);
    }
    Err(PyErr::value_error(format!("{} is not a valid {}", vm.repr(&value)?, cls.qualname)))
}

/// The functional API, `Enum('Animal', 'ANT BEE')`: a new enum class whose members
/// are named by a string (split at commas and spaces), names, (name, value) pairs
/// or a mapping; names alone get values as `_generate_next_value_` would give.
fn functional(vm: &mut Vm, mut args: Args, names: Value) -> PyResult<Value> {
    let module = kwarg(&mut args, "module");
    let qualname = kwarg(&mut args, "qualname");
    let mixin = kwarg(&mut args, "type");
    let start = kwarg(&mut args, "start").unwrap_or(Value::Int(1));
    if let Some((k, _)) = args.kw.first() {
        return Err(PyErr::type_error(format!("EnumType.__call__() got an unexpected keyword argument '{k}'")));
    }
    let mut it = args.pos.into_iter();
    let Some(Value::Class(cls)) = it.next() else {
        return Err(PyErr::type_error("Enum.__new__(X): X is not a type object"));
    };
    let Some(class_name) = it.next() else {
        return Err(PyErr::type_error("EnumType.__call__() missing 1 required positional argument: 'value'"));
    };
    let Value::Str(class_name) = class_name else {
        return Err(PyErr::type_error("type.__new__() argument 1 must be str"));
    };
    let mut pairs: Vec<(String, Option<Value>)> = Vec::new();
    let str_name = |v: &Value| -> PyResult<String> {
        match v {
            Value::Str(s) => Ok(s.as_str().to_owned()),
            other => Err(PyErr::type_error(format!("member name must be a string, not '{}'", other.type_name()))),
        }
    };
    if let Value::Str(s) = &names {
        for n in s.as_str().replace(',', " ").split_whitespace() {
            pairs.push((n.to_owned(), None));
        }
    } else if let Some(d) = super::support::dict_of(&names) {
        for (k, v) in dict_items_of(&d) {
            pairs.push((str_name(&k)?, Some(v)));
        }
    } else {
        let items = vm.collect(&names)?;
        let plain = matches!(items.first(), Some(Value::Str(_)));
        for item in items {
            vm.tick()?;
            if plain {
                pairs.push((str_name(&item)?, None));
            } else {
                let kv = vm.collect(&item)?;
                let [k, v] = <[Value; 2]>::try_from(kv)
                    .map_err(|_| PyErr::value_error("not enough values to unpack (expected 2)"))?;
                pairs.push((str_name(&k)?, Some(v)));
            }
        }
    }
    let is_flag = is_flag_class(&cls);
    let is_str = cls.tag == TypeTag::Str;
    let mut attrs = Attrs::default();
    let mut last: Vec<Value> = Vec::new();
    for (count, (name, value)) in pairs.into_iter().enumerate() {
        // Such names would be class internals, not members; the class body
        // route refuses to turn them into members too.
        if name.starts_with('_') {
            return Err(PyErr::value_error(format!("enum member names may not start with '_': {name:?}")));
        }
        let value = match value {
            Some(v) => v,
            None if is_str => Value::string(name.to_lowercase()),
            None if count == 0 => start.clone(),
            None if is_flag => {
                let mut max = last[0].clone();
                for v in &last[1..] {
                    if vm.lt(&max, v)? {
                        max = v.clone();
                    }
                }
                let Some(m) = int_of(&max) else {
                    return Err(PyErr::type_error(format!("invalid flag value {}", vm.repr(&max)?)));
                };
                Value::from_bigint(BigInt::one() << bit_length(&m))
            }
            None => vm.binary_op(&start, &Value::from(count), BinOp::Add)?,
        };
        last.push(value.clone());
        attrs.insert(name.as_str().into(), value);
    }
    let module = match module {
        Some(Value::Str(m)) => m.as_str().to_owned(),
        _ => "__main__".to_owned(),
    };
    attrs.insert("__module__".into(), Value::string(module.clone()));
    let qual = match qualname {
        Some(Value::Str(q)) => q.as_str().to_owned(),
        _ => class_name.as_str().to_owned(),
    };
    let mut bases = vec![cls.clone()];
    if let Some(Value::Class(m)) = mixin {
        bases.insert(0, m);
    }
    let c = vm.new_class(class_name.as_str(), &qual, bases, attrs)?;
    let c = match Rc::try_unwrap(c) {
        Ok(c) => Rc::new(Class { module: module.as_str().into(), ..c }),
        Err(c) => c,
    };
    finish_class(vm, &c)?;
    Ok(Value::Class(c))
}

fn dict_items_of(d: &Rc<std::cell::RefCell<PyDict>>) -> Vec<(Value, Value)> {
    d.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect()
}

/// `Color['RED']`
fn enum_getitem(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, key) = (args.pos.first().cloned().unwrap_or(Value::None), args.pos.get(1).cloned().unwrap_or(Value::None));
    let Value::Class(c) = &cls else { return Err(PyErr::type_error("enum class expected")) };
    let map = c.dict.borrow().get(MAP).cloned();
    if let (Some(Value::Dict(m)), Value::Str(k)) = (&map, &key) {
        if let Some(v) = m.borrow().get_str(k.as_str()) {
            return Ok(v.clone());
        }
    }
    Err(PyErr::key_error(key))
}

fn unique(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [cls] = args.exact("unique")?;
    let Value::Class(c) = &cls else { return Ok(cls) };
    let map = c.dict.borrow().get(MAP).cloned();
    if let Some(Value::Dict(m)) = map {
        let mut dups = Vec::new();
        for e in m.borrow().iter() {
            if let (Value::Str(k), Ok((_, n, _))) = (&e.key, member_parts(&e.value)) {
                if k.as_str() != n {
                    dups.push(format!("{} -> {n}", k.as_str()));
                }
            }
        }
        if !dups.is_empty() {
            return Err(PyErr::value_error(format!("duplicate values found in {}: {}", vm.repr(&cls)?, dups.join(", "))));
        }
    }
    Ok(cls)
}

// ----- Flag -----

const FLAG_METHODS: &[(&str, NativeFn)] = &[
    ("__or__", flag_or),
    ("__ror__", flag_or),
    ("__and__", flag_and),
    ("__rand__", flag_and),
    ("__xor__", flag_xor),
    ("__rxor__", flag_xor),
    ("__invert__", flag_invert),
    ("__contains__", flag_contains),
    ("__iter__", flag_iter),
    ("__len__", flag_len),
    ("__bool__", flag_bool),
];

pub fn is_flag_class(c: &Rc<Class>) -> bool {
    c.lookup(FLAG_MARK).is_some()
}

/// How `repr()` shows an enum class: `<flag 'Perm'>` or `<enum 'Color'>`.
pub fn class_repr(c: &Rc<Class>) -> String {
    let kind = if is_flag_class(c) { "flag" } else { "enum" };
    format!("<{kind} '{}'>", c.name)
}

fn int_of(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        Value::Instance(i) => i.base.borrow().as_ref().and_then(int_of),
        _ => None,
    }
}

fn is_single_bit(v: &BigInt) -> bool {
    v.is_positive() && (v & (v - BigInt::one())).is_zero()
}

/// `int.bit_length()`.
fn bit_length(v: &BigInt) -> u64 {
    v.magnitude().bits()
}

/// Flag's `_generate_next_value_`: 1 first, then the power of two above the
/// largest value so far.
fn flag_next_value(vm: &mut Vm, seen: &[Value]) -> PyResult<Value> {
    let Some(mut max) = seen.first().cloned() else { return Ok(Value::Int(1)) };
    for v in &seen[1..] {
        if vm.lt(&max, v)? {
            max = v.clone();
        }
    }
    let Some(m) = int_of(&max).filter(|_| !matches!(max, Value::Instance(_))) else {
        return Err(PyErr::type_error(format!("invalid flag value {}", vm.repr(&max)?)));
    };
    Ok(Value::from_bigint(BigInt::one() << bit_length(&m)))
}

/// Every member of a class by value, multi-bit and zero members included, in
/// definition order.
fn all_members(c: &Rc<Class>) -> Vec<Value> {
    let map = c.dict.borrow().get(MAP).cloned();
    let Some(Value::Dict(map)) = map else { return Vec::new() };
    let mut out: Vec<Value> = Vec::new();
    for e in map.borrow().iter() {
        if !out.iter().any(|m| m.is(&e.value)) {
            out.push(e.value.clone());
        }
    }
    out
}

fn member_value(v: &Value) -> Option<BigInt> {
    match v {
        Value::Instance(i) => i.attrs.borrow().get("_value_").and_then(int_of),
        _ => None,
    }
}

/// (flag_mask, singles_mask, all_bits) of a Flag class.
fn masks(c: &Rc<Class>) -> (BigInt, BigInt, BigInt) {
    let (mut flag, mut singles) = (BigInt::zero(), BigInt::zero());
    for m in all_members(c) {
        if let Some(v) = member_value(&m) {
            if is_single_bit(&v) {
                singles |= &v;
            }
            flag |= &v;
        }
    }
    let all = (BigInt::one() << bit_length(&flag)) - BigInt::one();
    (flag, singles, all)
}

/// enum's `bin()`: `0b0 0111`, sign-extended to `max_bits` digits.
fn enum_bin(num: &BigInt, max_bits: u64) -> String {
    let ceiling = BigInt::one() << bit_length(num);
    let s = if num.is_negative() {
        let v = (!num.clone()) ^ (&ceiling - BigInt::one());
        let v = v + &ceiling;
        if v.is_negative() { format!("-0b{:b}", -v) } else { format!("0b{:b}", v) }
    } else {
        format!("0b{:b}", num + &ceiling).replacen('1', "0", 1)
    };
    let (sign, digits) = s.split_at(3.min(s.len()));
    let mut digits = digits.to_owned();
    let max_bits = max_bits as usize;
    if digits.len() < max_bits {
        let fill: String = sign.chars().last().map(|c| c.to_string().repeat(max_bits)).unwrap_or_default();
        let full = fill + &digits;
        digits = full[full.len() - max_bits..].to_owned();
    }
    format!("{sign} {digits}")
}

/// `Flag._missing_`: the pseudo-member for a combination of bits.
fn flag_missing(vm: &mut Vm, cls: &Rc<Class>, value: &Value) -> PyResult<Value> {
    let Some(mut v) = int_of(value).filter(|_| !matches!(value, Value::Instance(_))) else {
        return Err(PyErr::value_error(format!("{} is not a valid {}", vm.repr(value)?, cls.qualname)));
    };
    let keep = cls.tag == TypeTag::Int;
    let (flag_mask, singles_mask, all_bits) = masks(cls);
    let not_all = -(&all_bits) - BigInt::one();
    if v < not_all || v > all_bits || !(&v & (&all_bits ^ &flag_mask)).is_zero() {
        if !keep {
            let max_bits = bit_length(&v).max(bit_length(&flag_mask));
            return Err(PyErr::value_error(format!(
                "{} invalid value {v}\n    given {}\n  allowed {}",
                class_repr(cls),
                enum_bin(&v, max_bits),
                enum_bin(&flag_mask, max_bits)
            )));
        }
        if v.is_negative() {
            let top = BigInt::one() << bit_length(&v);
            v = (&all_bits + BigInt::one()).max(top) + v;
        }
    }
    let mut neg_value = None;
    if v.is_negative() {
        neg_value = Some(v.clone());
        v = &all_bits + BigInt::one() + v;
    }
    let aliases = &v & !singles_mask.clone();
    let member_bits = &v & &singles_mask;
    let mut name: Option<String> = None;
    if !member_bits.is_zero() || !aliases.is_zero() {
        let mut members: Vec<(String, BigInt)> = Vec::new();
        let mut combined = BigInt::zero();
        for m in class_members(cls).unwrap_or_default() {
            if let (Some(mv), Ok((_, n, _))) = (member_value(&m), member_parts(&m))
                && !(&mv & &member_bits).is_zero()
            {
                combined |= &mv;
                members.push((n, mv));
            }
        }
        if !aliases.is_zero() {
            let value = &member_bits | &aliases;
            for m in all_members(cls) {
                if let (Some(mv), Ok((_, n, _))) = (member_value(&m), member_parts(&m))
                    && !members.iter().any(|(_, x)| *x == mv)
                    && !mv.is_zero()
                    && (&mv & &value) == mv
                {
                    combined |= &mv;
                    members.push((n, mv));
                }
            }
            v = value;
        }
        let unknown = &v ^ &combined;
        if !combined.is_zero() {
            let mut n = members.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join("|");
            if !unknown.is_zero() {
                if !keep {
                    return Err(PyErr::value_error(format!("{}: no members with value {unknown}", class_repr(cls))));
                }
                n.push_str(&format!("|{unknown}"));
            }
            name = Some(n);
        }
    }
    let value = Value::from_bigint(v);
    let inst = Instance::new(cls.clone());
    inst.attrs.borrow_mut().insert("_name_".into(), name.map_or(Value::None, Value::string));
    inst.attrs.borrow_mut().insert("_value_".into(), value.clone());
    if keep {
        *inst.base.borrow_mut() = Some(value.clone());
    }
    let mut member = Value::Instance(Rc::new(inst));
    let v2m = cls.dict.borrow().get(V2M).cloned();
    if let Some(Value::Dict(d)) = v2m {
        match vm.dict_get(&d, &value)? {
            Some(m) => member = m,
            None => vm.dict_set(&d, value, member.clone())?,
        }
        if let Some(n) = neg_value {
            vm.dict_set(&d, Value::from_bigint(n), member.clone())?;
        }
    }
    Ok(member)
}

/// The flag member and its value (`self` of a Flag method).
fn flag_self(args: &Args) -> PyResult<(Rc<Class>, BigInt)> {
    match args.pos.first() {
        Some(v @ Value::Instance(i)) => match member_value(v) {
            Some(n) => Ok((i.class.clone(), n)),
            None => Err(PyErr::type_error("not a flag member")),
        },
        _ => Err(PyErr::type_error("not a flag member")),
    }
}

/// `Flag.__or__`/`__and__`/`__xor__` (and their reflections): a member of the
/// same class, or an int for IntFlag; anything else is NotImplemented.
fn flag_binop(vm: &mut Vm, args: Args, op: BinOp) -> PyResult<Value> {
    let (cls, a) = flag_self(&args)?;
    let other = args.pos.get(1).cloned().unwrap_or(Value::None);
    let b = if vm.isinstance(&other, &cls) {
        member_value(&other)
    } else if cls.tag == TypeTag::Int && vm.isinstance(&other, &vm.types.int.clone()) {
        int_of(&other)
    } else {
        None
    };
    let Some(b) = b else { return Ok(Value::NotImplemented) };
    let r = match op {
        BinOp::BitOr => a | b,
        BinOp::BitAnd => a & b,
        _ => a ^ b,
    };
    enum_new(vm, Args::new([Value::Class(cls), Value::from_bigint(r)]))
}

fn flag_or(vm: &mut Vm, args: Args) -> PyResult<Value> {
    flag_binop(vm, args, BinOp::BitOr)
}

fn flag_and(vm: &mut Vm, args: Args) -> PyResult<Value> {
    flag_binop(vm, args, BinOp::BitAnd)
}

fn flag_xor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    flag_binop(vm, args, BinOp::BitXor)
}

/// `~flag`: the other canonical bits (STRICT); all other bits for IntFlag (KEEP).
fn flag_invert(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, v) = flag_self(&args)?;
    let r = if cls.tag == TypeTag::Int {
        !v
    } else {
        let (_, singles, _) = masks(&cls);
        singles & !v
    };
    enum_new(vm, Args::new([Value::Class(cls), Value::from_bigint(r)]))
}

fn flag_contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, v) = flag_self(&args)?;
    let other = args.pos.get(1).cloned().unwrap_or(Value::None);
    if !vm.isinstance(&other, &cls) {
        return Err(PyErr::type_error(format!(
            "unsupported operand type(s) for 'in': '{}' and '{}'",
            vm.type_of(&other).qualname,
            cls.qualname
        )));
    }
    let o = member_value(&other).unwrap_or_default();
    Ok(Value::Bool((&o & &v) == o))
}

/// The canonical members in a flag, in definition order.
fn flag_iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (cls, v) = flag_self(&args)?;
    let mut out = Vec::new();
    for m in class_members(&cls).unwrap_or_default() {
        if member_value(&m).is_some_and(|mv| !(&mv & &v).is_zero()) {
            out.push(m);
        }
    }
    vm.iter(&Value::list(out))
}

fn flag_len(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, v) = flag_self(&args)?;
    let ones: u64 = v.magnitude().to_u64_digits().iter().map(|d| d.count_ones() as u64).sum();
    Ok(Value::Int(ones as i64))
}

fn flag_bool(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, v) = flag_self(&args)?;
    Ok(Value::Bool(!v.is_zero()))
}

/// The raw `_name_` (None for a pseudo-member without members) and `_value_`.
fn flag_parts(args: &Args) -> PyResult<(Rc<Class>, Option<String>, Value)> {
    match args.pos.first() {
        Some(Value::Instance(i)) => {
            let a = i.attrs.borrow();
            let name = match a.get("_name_") {
                Some(Value::Str(s)) => Some(s.as_str().to_owned()),
                _ => None,
            };
            Ok((i.class.clone(), name, a.get("_value_").cloned().unwrap_or(Value::None)))
        }
        _ => Err(PyErr::type_error("not a flag member")),
    }
}

fn flag_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, n, v) = flag_parts(&args)?;
    let v = vm.repr(&v)?;
    Ok(Value::string(match n {
        Some(n) => format!("<{}.{n}: {v}>", c.name),
        None => format!("<{}: {v}>", c.name),
    }))
}

fn flag_str(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (c, n, v) = flag_parts(&args)?;
    Ok(Value::string(match n {
        Some(n) => format!("{}.{n}", c.name),
        None => format!("{}({})", c.name, vm.repr(&v)?),
    }))
}

/// `hash(self._name_)`, None for a nameless pseudo-member.
fn flag_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (_, n, _) = flag_parts(&args)?;
    let n = n.map_or(Value::None, Value::string);
    Ok(Value::Int(vm.hash(&n)? as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::stdlib::support::run_program as run;

    #[test]
    fn flag_combinations_print_as_3_11() {
        let out = run("from enum import Flag, auto\n\
            class Perm(Flag):\n    R = 4\n    W = 2\n    X = 1\n\
            rw = Perm.R | Perm.W\n\
            print(repr(rw), rw, list(rw), len(rw), Perm.X in rw, rw is Perm.W | Perm.R)\n\
            print(repr(~Perm.R), repr(Perm(0)), Perm(0), bool(Perm(0)), repr(rw ^ Perm.X))\n\
            class C(Flag):\n    A = auto()\n    B = auto()\n    AB = A | B\n\
            print(list(C), repr(C(3)))");
        assert_eq!(
            out,
            "<Perm.R|W: 6> Perm.R|W [<Perm.R: 4>, <Perm.W: 2>] 2 False True\n\
             <Perm.W|X: 3> <Perm: 0> Perm(0) False <Perm.R|W|X: 7>\n\
             [<C.A: 1>, <C.B: 2>] <C.AB: 3>\n"
        );
    }

    #[test]
    fn intflag_keeps_unknown_bits_and_strict_flag_refuses_them() {
        let out = run("from enum import Flag, IntFlag\n\
            class P(IntFlag):\n    R = 4\n    W = 2\n    X = 1\n\
            print(repr(P.R | 1), P.R | P.W, repr(P(15)), P.R + 1, P.R > 3)\n\
            class F(Flag):\n    A = 1\n    B = 2\n\
            try:\n    F(4)\nexcept ValueError as e:\n    print(e)");
        assert_eq!(
            out,
            "<P.R|X: 5> 6 <P.R|W|X|8: 15> 5 True\n<flag 'F'> invalid value 4\n    given 0b0 100\n  allowed 0b0 011\n"
        );
    }

    #[test]
    fn enum_bin_sign_extends_like_cpython() {
        assert_eq!(enum_bin(&BigInt::from(8), 4), "0b0 1000");
        assert_eq!(enum_bin(&BigInt::from(7), 4), "0b0 0111");
        assert_eq!(enum_bin(&BigInt::from(-9), 4), "0b1 0111");
    }
}
