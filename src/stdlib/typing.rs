//! `typing`: harmless placeholders for the names agent code imports, subscriptable
//! (`List[int]`) and usable in annotations; `cast`, `TypeVar`, `NewType`, `Generic`,
//! `Protocol`, `TypedDict` (which makes plain dicts). Nothing here checks types.



use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

/// A special form (`typing.List`) or its subscription (`typing.List[int]`).
#[derive(Clone)]
struct Form {
    name: String,
    args: Option<Vec<Value>>,
}

#[derive(Clone)]
struct TypeVar {
    name: String,
}

const FORMS: &[&str] = &[
    "Any", "Optional", "Union", "List", "Dict", "Tuple", "Set", "FrozenSet", "Callable", "Iterable", "Iterator",
    "Sequence", "Mapping", "MutableMapping", "MutableSequence", "MutableSet", "AbstractSet", "Type", "Literal",
    "Final", "ClassVar", "Annotated", "NoReturn", "Never", "Self", "Awaitable", "Coroutine", "AsyncIterator",
    "AsyncIterable", "Generator", "AsyncGenerator", "Hashable", "Sized", "Collection", "Container", "Reversible",
    "DefaultDict", "OrderedDict", "Counter", "Deque", "ChainMap", "Pattern", "Match", "IO", "TextIO", "BinaryIO",
    "SupportsInt", "SupportsFloat", "SupportsAbs", "SupportsIndex", "SupportsRound", "SupportsBytes",
    "SupportsComplex", "TypeAlias", "Concatenate", "TypeGuard", "LiteralString", "Required", "NotRequired",
    "Unpack", "ByteString", "KeysView", "ItemsView", "ValuesView", "ContextManager", "AsyncContextManager",
    "MappingView",
];

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let form_cls = make_class(
        vm,
        "_SpecialForm",
        "typing",
        vec![],
        methods(
            &[("__repr__", form_repr), ("__getitem__", form_getitem), ("__or__", form_or), ("__ror__", form_ror), ("__call__", form_call), ("__eq__", form_eq), ("__hash__", form_hash)],
            "_SpecialForm",
        ),
    )?;
    let mut tv = methods(&[("__repr__", tv_repr), ("__or__", form_or), ("__ror__", form_ror)], "TypeVar");
    tv.insert("__new__".into(), staticmethod("__new__", tv_new));
    tv.insert("__init__".into(), builtin("__init__", noop));
    tv.insert("__name__".into(), property("__name__", tv_name));
    let tv_cls = make_class(vm, "TypeVar", "typing", vec![], tv)?;
    let mut attrs = Attrs::default();
    for n in FORMS {
        attrs.insert((*n).into(), new_native(&form_cls, Form { name: (*n).to_owned(), args: None }));
    }
    let mut g = Attrs::default();
    g.insert("__class_getitem__".into(), builtin("__class_getitem__", class_getitem_self));
    let generic = make_class(vm, "Generic", "typing", vec![], g.clone())?;
    let protocol = make_class(vm, "Protocol", "typing", vec![], g.clone())?;
    let named_tuple = make_class(vm, "NamedTuple", "typing", vec![], g)?;
    let mut td = Attrs::default();
    td.insert("__new__".into(), staticmethod("__new__", typed_dict_new));
    let dict_cls = vm.types.dict.clone();
    let typed_dict = make_class(vm, "TypedDict", "typing", vec![dict_cls], td)?;
    attrs.insert("Generic".into(), Value::Class(generic));
    attrs.insert("Protocol".into(), Value::Class(protocol));
    attrs.insert("NamedTuple".into(), Value::Class(named_tuple));
    attrs.insert("TypedDict".into(), Value::Class(typed_dict));
    attrs.insert("TypeVar".into(), Value::Class(tv_cls.clone()));
    attrs.insert("ParamSpec".into(), Value::Class(tv_cls.clone()));
    attrs.insert("TypeVarTuple".into(), Value::Class(tv_cls.clone()));
    attrs.insert("AnyStr".into(), new_native(&tv_cls, TypeVar { name: "AnyStr".into() }));
    attrs.insert("Text".into(), Value::Class(vm.types.str.clone()));
    attrs.insert("TYPE_CHECKING".into(), Value::Bool(false));
    for (n, f) in [
        ("cast", cast as NativeFn),
        ("overload", identity),
        ("final", identity),
        ("no_type_check", identity),
        ("runtime_checkable", identity),
        ("reveal_type", identity),
        ("assert_never", identity),
        ("assert_type", first_arg),
        ("get_type_hints", get_type_hints),
        ("get_origin", get_origin),
        ("get_args", get_args),
        ("NewType", new_type),
        ("dataclass_transform", dataclass_transform),
    ] {
        attrs.insert(n.into(), builtin(n, f));
    }
    Ok(super::helpers_c::module("typing", attrs))
}

fn noop(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn me(args: &Args) -> Value {
    args.pos.first().cloned().unwrap_or(Value::None)
}

fn self_form(args: &Args) -> PyResult<Form> {
    native_get::<Form>(&me(args)).ok_or_else(|| PyErr::type_error("typing form expected"))
}

/// How typing shows a type argument: `int`, `str`, `None`, `typing.List[int]`...
fn arg_repr(vm: &mut Vm, v: &Value) -> PyResult<String> {
    match v {
        Value::Class(c) if &*c.module == "builtins" => Ok(c.qualname.to_string()),
        Value::Class(c) => Ok(format!("{}.{}", c.module, c.qualname)),
        Value::None => Ok("None".into()),
        Value::Ellipsis => Ok("...".into()),
        Value::List(l) => {
            let items = l.borrow().clone();
            let mut parts = Vec::new();
            for i in &items {
                parts.push(arg_repr(vm, i)?);
            }
            Ok(format!("[{}]", parts.join(", ")))
        }
        other => vm.repr(other),
    }
}

fn form_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = self_form(&args)?;
    let mut s = format!("typing.{}", f.name);
    if let Some(a) = &f.args {
        let mut parts = Vec::new();
        for x in a {
            parts.push(arg_repr(vm, x)?);
        }
        s.push_str(&format!("[{}]", parts.join(", ")));
    }
    Ok(Value::string(s))
}

fn form_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = self_form(&args)?;
    let key = args.pos.get(1).cloned().unwrap_or(Value::None);
    let items = match &key {
        Value::Tuple(t) => t.to_vec(),
        other => vec![other.clone()],
    };
    let cls = vm.type_of(&me(&args));
    Ok(new_native(&cls, Form { name: f.name, args: Some(items) }))
}

fn union_of(vm: &mut Vm, a: Value, b: Value) -> PyResult<Value> {
    let m = vm.import("typing")?;
    let u = vm.getattr(&m, "Union")?;
    let cls = vm.type_of(&u);
    Ok(new_native(&cls, Form { name: "Union".into(), args: Some(vec![a, b]) }))
}

fn form_or(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = (me(&args), args.pos.get(1).cloned().unwrap_or(Value::None));
    union_of(vm, a, b)
}

fn form_ror(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = (me(&args), args.pos.get(1).cloned().unwrap_or(Value::None));
    union_of(vm, b, a)
}

fn form_call(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = self_form(&args)?;
    Err(PyErr::type_error(format!("Cannot instantiate typing.{}", f.name)))
}

fn form_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let a = self_form(&args)?;
    let Some(b) = args.pos.get(1).and_then(native_get::<Form>) else { return Ok(Value::NotImplemented) };
    if a.name != b.name {
        return Ok(Value::Bool(false));
    }
    let (x, y) = (Value::tuple(a.args.unwrap_or_default()), Value::tuple(b.args.unwrap_or_default()));
    Ok(Value::Bool(vm.eq(&x, &y)?))
}

fn form_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let a = self_form(&args)?;
    Ok(Value::Int(vm.hash(&Value::string(a.name))? as i64))
}

fn tv_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut it = args.pos.into_iter();
    let Some(Value::Class(cls)) = it.next() else { return Err(PyErr::type_error("TypeVar.__new__(X): X is not a type object")) };
    match it.next() {
        Some(Value::Str(s)) => Ok(new_native(&cls, TypeVar { name: s.as_str().to_owned() })),
        _ => Err(PyErr::type_error("TypeVar name must be a string")),
    }
}

fn tv_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = native_get::<TypeVar>(&me(&args)).ok_or_else(|| PyErr::type_error("TypeVar expected"))?;
    Ok(Value::string(format!("~{}", t.name)))
}

fn tv_name(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = native_get::<TypeVar>(&me(&args)).ok_or_else(|| PyErr::type_error("TypeVar expected"))?;
    Ok(Value::string(t.name))
}

fn class_getitem_self(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(me(&args))
}

/// `Movie(name=...)` for a TypedDict subclass makes a plain dict.
fn typed_dict_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos: Vec<Value> = args.pos.into_iter().skip(1).collect();
    if matches!(pos.first(), Some(Value::Str(_))) {
        // The functional form `TypedDict('Movie', {...})`: a callable making dicts.
        pos.clear();
        let m = vm.import("typing")?;
        return vm.getattr(&m, "TypedDict");
    }
    let d = Value::Class(vm.types.dict.clone());
    vm.call(&d, Args { pos: pos.into_iter().collect(), kw: args.kw })
}

fn cast(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_t, v] = args.bind("cast", ["typ", "val"], 0, 2)?;
    Ok(v.unwrap_or(Value::None))
}

fn identity(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(me(&args))
}

fn first_arg(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(me(&args))
}

fn get_type_hints(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let o = me(&args);
    match vm.getattr(&o, "__annotations__") {
        Ok(Value::Dict(d)) => {
            let mut out = PyDict::new();
            for e in d.borrow().iter() {
                out.insert_simple(e.key.clone(), e.value.clone());
            }
            Ok(Value::dict(out))
        }
        _ => Ok(Value::dict(PyDict::new())),
    }
}

fn get_origin(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let o = me(&args);
    Ok(match native_get::<Form>(&o) {
        Some(f) if f.args.is_some() => {
            let cls = match &o {
                Value::Native(n) => n.class.clone(),
                _ => return Ok(Value::None),
            };
            new_native(&cls, Form { name: f.name, args: None })
        }
        _ => Value::None,
    })
}

fn get_args(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let o = me(&args);
    Ok(match native_get::<Form>(&o) {
        Some(Form { args: Some(a), .. }) => Value::tuple(a),
        _ => Value::empty_tuple(),
    })
}

fn new_type_call(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos.get(1).cloned().unwrap_or(Value::None))
}

fn new_type(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [name, tp] = args.bind("NewType", ["name", "tp"], 0, 2)?;
    let n = match &name {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        _ => "NewType".into(),
    };
    Ok(builtin_with(&n, new_type_call, tp.unwrap_or(Value::None)))
}

fn dataclass_transform(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(builtin("decorator", identity))
}

