//! `enum`: Enum, IntEnum, StrEnum, Flag/IntFlag (as plain enums), auto and unique.
//! A class statement whose bases include an enum class is finished by
//! `finish_class` (called from `Vm::build_class`): its plain attributes become
//! member instances. The machine asks `class_members` to iterate, size and test
//! membership of an enum class. Must never expose anything but the user's values.

use std::rc::Rc;

use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

/// Marks the enum base classes; a class with it in its MRO gets members.
const MARK: &str = "__garter_enum__";
const NAMES: &str = "_member_names_";
const MAP: &str = "_member_map_";

struct Auto;

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
    let mut a = Attrs::default();
    a.insert(NAMES.into(), Value::list(vec![]));
    let flag = make_class(vm, "Flag", "enum", vec![enum_cls.clone()], a)?;
    let mut a = methods(&[("__repr__", enum_repr), ("__str__", int_str), ("__format__", int_format), ("__hash__", value_hash)], "IntFlag");
    a.insert(NAMES.into(), Value::list(vec![]));
    let int_flag = make_class(vm, "IntFlag", "enum", vec![int_cls, flag.clone()], a)?;
    let mut a = methods(&[("__repr__", auto_repr)], "auto");
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
    for (k, v) in entries {
        if k.starts_with('_') || is_descriptor(&v) {
            continue;
        }
        vm.tick()?;
        let value = if matches!(&v, Value::Native(n) if n.data.borrow().is::<Auto>()) {
            if is_str_enum {
                Value::string(k.to_lowercase())
            } else {
                match &last_auto {
                    None => Value::Int(1),
                    Some(l) => vm.binary_op(l, &Value::Int(1), crate::syntax::ast::BinOp::Add)?,
                }
            }
        } else {
            v.clone()
        };
        if matches!(value, Value::Int(_) | Value::BigInt(_)) {
            last_auto = Some(value.clone());
        }
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
                names.push(Value::str(&k));
                members.push((value.clone(), m.clone()));
                m
            }
        };
        map.insert_simple(Value::str(&k), member.clone());
        cls.dict.borrow_mut().insert(k.clone(), member);
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
    let (_, n, _) = member_parts(&me(&args))?;
    Ok(Value::string(n))
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
fn enum_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut it = args.pos.into_iter();
    let Some(Value::Class(cls)) = it.next() else {
        return Err(PyErr::type_error("Enum.__new__(X): X is not a type object"));
    };
    let Some(value) = it.next() else {
        return Err(PyErr::type_error(format!("{}() missing 1 required positional argument: 'value'", cls.name)));
    };
    let members = class_members(&cls).unwrap_or_default();
    if members.is_empty() && cls.dict.borrow().get(MAP).is_none() {
        return Err(PyErr::type_error(format!("{}() takes no arguments", cls.name)));
    }
    if let Value::Instance(i) = &value {
        if Rc::ptr_eq(&i.class, &cls) {
            return Ok(value);
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
    Err(PyErr::value_error(format!("{} is not a valid {}", vm.repr(&value)?, cls.qualname)))
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
