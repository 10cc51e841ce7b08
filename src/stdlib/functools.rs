//! `functools`: reduce, partial, wraps/update_wrapper, lru_cache/cache, cmp_to_key,
//! total_ordering, with CPython 3.11's reprs, cache keys and messages. A cache's
//! state lives in a native object carried by the wrapper's methods (never in a
//! namespace Python code can read); no function's globals or code are ever exposed.

use std::cell::RefCell;
use std::rc::Rc;

use super::support::*;
use crate::syntax::ast::CmpOp;
use crate::values::*;
use crate::vm::Vm;

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    add_fns(
        &mut attrs,
        &[
            ("reduce", reduce),
            ("update_wrapper", update_wrapper),
            ("wraps", wraps),
            ("cmp_to_key", cmp_to_key),
            ("total_ordering", total_ordering),
        ],
    );
    let fields: Vec<String> = ["hits", "misses", "maxsize", "currsize"].iter().map(|s| s.to_string()).collect();
    let info = super::collections::make_namedtuple_class(vm, "CacheInfo", &fields, Vec::new(), "functools")?;
    let info = Value::Class(info);
    attrs.insert("lru_cache".into(), with_data("lru_cache", lru_cache, info.clone()));
    attrs.insert("cache".into(), with_data("cache", cache, info));
    let partial = super::helpers_c::c_type(new_class(
        vm,
        "partial",
        "functools",
        vec![],
        &[("__call__", partial_call), ("__repr__", partial_repr)],
        vec![("__new__", static_method("partial", "__new__", partial_new))],
    )?);
    attrs.insert("partial".into(), Value::Class(partial));
    let cached = new_class(
        vm,
        "cached_property",
        "functools",
        vec![],
        &[("__init__", cp_init), ("__set_name__", cp_set_name), ("__get__", cp_get)],
        vec![],
    )?;
    attrs.insert("cached_property".into(), Value::Class(cached));
    attrs.insert(
        "WRAPPER_ASSIGNMENTS".into(),
        Value::tuple(WRAPPER_ASSIGNMENTS.iter().map(|s| Value::str(s)).collect()),
    );
    attrs.insert("WRAPPER_UPDATES".into(), Value::tuple(vec![Value::str("__dict__")]));
    Ok(super::support::module("functools", attrs))
}

const WRAPPER_ASSIGNMENTS: &[&str] = &["__module__", "__name__", "__qualname__", "__doc__", "__annotations__"];

// ----- reduce -----

fn reduce(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("reduce")?;
    let n = args.pos.len();
    if !(2..=3).contains(&n) {
        return Err(PyErr::type_error(if n < 2 {
            format!("reduce expected at least 2 arguments, got {n}")
        } else {
            format!("reduce expected at most 3 arguments, got {n}")
        }));
    }
    let func = args.pos[0].clone();
    let it = vm.iter(&args.pos[1]).map_err(|e| {
        if vm.err_is(&e, ExcKind::TypeError) {
            PyErr::type_error("reduce() arg 2 must support iteration")
        } else {
            e
        }
    })?;
    let mut acc = args.pos.get(2).cloned();
    while let Some(v) = vm.next(&it)? {
        vm.tick()?;
        acc = Some(match acc {
            None => v,
            Some(a) => vm.call(&func, Args::new([a, v]))?,
        });
    }
    acc.ok_or_else(|| PyErr::type_error("reduce() of empty iterable with no initial value"))
}

// ----- cached_property -----

/// `cached_property(func)`: the function, and the attribute name `__set_name__` gives.
fn cp_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, func] = args.exact("__init__")?;
    let doc = match vm.getattr(&func, "__doc__") {
        Ok(d) => d,
        Err(_) => Value::None,
    };
    if let Value::Instance(i) = &this {
        let mut a = i.attrs.borrow_mut();
        a.insert("func".into(), func);
        a.insert("attrname".into(), Value::None);
        a.insert("__doc__".into(), doc);
    }
    Ok(Value::None)
}

fn cp_attrname(this: &Value) -> Value {
    match this {
        Value::Instance(i) => i.attrs.borrow().get("attrname").cloned().unwrap_or(Value::None),
        _ => Value::None,
    }
}

fn cp_set_name(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, _owner, name] = args.exact("__set_name__")?;
    let current = cp_attrname(&this);
    if current.is_none() {
        if let Value::Instance(i) = &this {
            i.attrs.borrow_mut().insert("attrname".into(), name);
        }
    } else if !vm.eq(&current, &name)? {
        return Err(PyErr::type_error(format!(
            "Cannot assign the same cached_property to two different names ({} and {}).",
            vm.repr(&current)?,
            vm.repr(&name)?
        )));
    }
    Ok(Value::None)
}

/// `__get__`: the value cached in the instance's `__dict__`, computed on first use.
/// (The instance's own attribute then shadows this non-data descriptor.)
fn cp_get(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, instance, _owner] = args.bind("__get__", ["self", "instance", "owner"], 0, 2)?;
    let (Some(this), Some(instance)) = (this, instance) else {
        return Err(PyErr::type_error("__get__ expected at least 2 arguments"));
    };
    if instance.is_none() {
        return Ok(this);
    }
    let name = match cp_attrname(&this) {
        Value::Str(s) => s,
        _ => return Err(PyErr::type_error("Cannot use cached_property instance without calling __set_name__ on it.")),
    };
    let Value::Instance(inst) = &instance else {
        return Err(PyErr::type_error(format!(
            "No '__dict__' attribute on {} instance to cache {} property.",
            vm.repr(&Value::str(&instance.type_name()))?,
            vm.repr(&Value::Str(name.clone()))?
        )));
    };
    if let Some(v) = inst.attrs.borrow().get(name.as_str()) {
        return Ok(v.clone());
    }
    let func = match &this {
        Value::Instance(i) => i.attrs.borrow().get("func").cloned().unwrap_or(Value::None),
        _ => Value::None,
    };
    let val = vm.call1(&func, instance.clone())?;
    inst.attrs.borrow_mut().insert(name.as_str().into(), val.clone());
    Ok(val)
}

// ----- partial -----

fn partial_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let cls = match pos.next() {
        Some(Value::Class(c)) => c,
        _ => return Err(PyErr::type_error("partial.__new__(X): X is not a type object")),
    };
    let Some(mut func) = pos.next() else {
        return Err(PyErr::type_error("type 'partial' takes at least one argument"));
    };
    if !crate::builtins::functions::is_callable(&func) {
        return Err(PyErr::type_error("the first argument must be callable"));
    }
    let mut pargs: Vec<Value> = Vec::new();
    let kw = Rc::new(RefCell::new(PyDict::new()));
    // A partial of a plain partial flattens into one, as CPython does.
    if let Value::Instance(i) = &func {
        if Rc::ptr_eq(&i.class, &cls) {
            let a = i.attrs.borrow();
            if let (Some(f), Some(Value::Tuple(t)), Some(Value::Dict(d))) = (a.get("func"), a.get("args"), a.get("keywords")) {
                pargs.extend(t.iter().cloned());
                *kw.borrow_mut() = d.borrow().clone();
                let f = f.clone();
                drop(a);
                func = f;
            }
        }
    }
    pargs.extend(pos);
    for (k, v) in args.kw {
        vm.dict_set(&kw, Value::str(&k), v)?;
    }
    let inst = Instance::new(cls);
    {
        let mut a = inst.attrs.borrow_mut();
        a.insert("func".into(), func);
        a.insert("args".into(), Value::tuple(pargs));
        a.insert("keywords".into(), Value::Dict(kw));
    }
    Ok(Value::Instance(Rc::new(inst)))
}

fn partial_parts(vm: &mut Vm, this: &Value) -> PyResult<(Value, Vec<Value>, Vec<(Value, Value)>)> {
    let func = vm.getattr(this, "func")?;
    let args = vm.getattr(this, "args")?;
    let args = vm.collect(&args)?;
    let kw = vm.getattr(this, "keywords")?;
    let kw = match dict_of(&kw) {
        Some(d) => dict_items(&d),
        None => Vec::new(),
    };
    Ok((func, args, kw))
}

fn partial_call(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let this = pos.next().unwrap_or(Value::None);
    let (func, mut pargs, kw) = partial_parts(vm, &this)?;
    pargs.extend(pos);
    let mut kws: Vec<(Rc<str>, Value)> = Vec::new();
    for (k, v) in kw {
        if let Value::Str(s) = &k {
            kws.push((Rc::from(s.as_str()), v));
        }
    }
    for (k, v) in args.kw {
        match kws.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v,
            None => kws.push((k, v)),
        }
    }
    vm.call(&func, Args { pos: pargs.into_iter().collect(), kw: kws })
}

fn partial_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this] = args.exact("__repr__")?;
    let id = this.identity();
    if vm.repr_stack.contains(&id) {
        return Ok(Value::str("..."));
    }
    let (func, pargs, kw) = partial_parts(vm, &this)?;
    vm.repr_stack.push(id);
    let r = (|| -> PyResult<Vec<String>> {
        let mut parts = vec![vm.repr(&func)?];
        for a in &pargs {
            parts.push(vm.repr(a)?);
        }
        for (k, v) in &kw {
            parts.push(format!("{}={}", vm.str(k)?, vm.repr(v)?));
        }
        Ok(parts)
    })();
    vm.repr_stack.pop();
    let parts = r?;
    let cls = vm.type_of(&this);
    let name = if &*cls.module == "functools" { format!("functools.{}", cls.name) } else { cls.name.to_string() };
    Ok(Value::string(format!("{name}({})", parts.join(", "))))
}

// ----- update_wrapper, wraps -----

fn copy_wrapper_attrs(vm: &mut Vm, wrapper: &Value, wrapped: &Value) -> PyResult<()> {
    for name in WRAPPER_ASSIGNMENTS {
        match vm.getattr(wrapped, name) {
            Ok(v) => vm.setattr(wrapper, name, v)?,
            Err(e) if vm.err_is(&e, ExcKind::AttributeError) => {}
            Err(e) => return Err(e),
        }
    }
    let own: Vec<(Rc<str>, Value)> = match wrapped {
        Value::Function(f) => f.attrs.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Value::Instance(i) => i.attrs.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    };
    for (k, v) in own {
        if WRAPPER_ASSIGNMENTS.contains(&&*k) {
            continue;
        }
        vm.setattr(wrapper, &k, v)?;
    }
    vm.setattr(wrapper, "__wrapped__", wrapped.clone())?;
    Ok(())
}

fn update_wrapper(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [wrapper, wrapped, _assigned, _updated] =
        args.bind("update_wrapper", ["wrapper", "wrapped", "assigned", "updated"], 0, 2)?;
    let (wrapper, wrapped) = (wrapper.unwrap_or(Value::None), wrapped.unwrap_or(Value::None));
    copy_wrapper_attrs(vm, &wrapper, &wrapped)?;
    Ok(wrapper)
}

fn wraps(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [wrapped, _assigned, _updated] = args.bind("wraps", ["wrapped", "assigned", "updated"], 0, 1)?;
    Ok(with_data("update_wrapper", wraps_apply, wrapped.unwrap_or(Value::None)))
}

fn wraps_apply(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [wrapped, wrapper] = args.exact("update_wrapper")?;
    copy_wrapper_attrs(vm, &wrapper, &wrapped)?;
    Ok(wrapper)
}

// ----- lru_cache, cache -----

struct Lru {
    func: Value,
    cache: Rc<RefCell<PyDict>>,
    hits: i64,
    misses: i64,
    maxsize: Option<usize>,
    typed: bool,
    kwd_mark: Value,
    info_class: Value,
}

fn lru_cache(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let info = pos.next().unwrap_or(Value::None);
    let rest = Args { pos: pos.collect(), kw: args.kw };
    let [maxsize, typed] = rest.bind("lru_cache", ["maxsize", "typed"], 0, 0)?;
    let typed_v = typed.unwrap_or(Value::Bool(false));
    let maxsize = maxsize.unwrap_or(Value::Int(128));
    match &maxsize {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let m = match &maxsize {
                Value::BigInt(_) => i64::MAX,
                other => vm.index_of(other)?,
            };
            let m = Value::Int(m.max(0));
            Ok(with_data("decorating_function", lru_decorate, Value::tuple(vec![m, typed_v, info])))
        }
        Value::None => Ok(with_data("decorating_function", lru_decorate, Value::tuple(vec![Value::None, typed_v, info]))),
        f if crate::builtins::functions::is_callable(f) && matches!(typed_v, Value::Bool(_)) => {
            let typed = vm.truthy(&typed_v)?;
            make_lru_wrapper(vm, f.clone(), Some(128), typed, info)
        }
        _ => Err(PyErr::type_error("Expected first argument to be an integer, a callable, or None")),
    }
}

fn cache(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [info, func] = args.exact("cache")?;
    make_lru_wrapper(vm, func, None, false, info)
}

fn lru_decorate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [conf, func] = args.exact("decorating_function")?;
    let Value::Tuple(conf) = conf else { return Err(PyErr::type_error("bad lru_cache state")) };
    let maxsize = conf.first().and_then(|m| m.as_int()).map(|m| m.max(0) as usize);
    let typed = match conf.get(1) {
        Some(t) => vm.truthy(t)?,
        None => false,
    };
    let info = conf.get(2).cloned().unwrap_or(Value::None);
    make_lru_wrapper(vm, func, maxsize, typed, info)
}

fn make_lru_wrapper(vm: &mut Vm, func: Value, maxsize: Option<usize>, typed: bool, info: Value) -> PyResult<Value> {
    if !crate::builtins::functions::is_callable(&func) {
        return Err(PyErr::type_error("the first argument must be callable"));
    }
    let state = Lru {
        func: func.clone(),
        cache: Rc::new(RefCell::new(PyDict::new())),
        hits: 0,
        misses: 0,
        maxsize,
        typed,
        kwd_mark: crate::builtins::native("kwd_mark", lru_cache_info),
        info_class: info,
    };
    let object = vm.types.object.clone();
    let state = Value::Native(Rc::new(NativeObject { class: object, data: RefCell::new(Box::new(state)) }));
    // One class per wrapper: its methods carry the cache state as their data.
    let mut attrs = Attrs::default();
    attrs.insert("__module__".into(), Value::str("functools"));
    for (name, f) in [
        ("__call__", lru_call as NativeFn),
        ("cache_info", lru_cache_info),
        ("cache_clear", lru_cache_clear),
        ("cache_parameters", lru_cache_parameters),
        ("__repr__", lru_repr),
    ] {
        attrs.insert(name.into(), with_data(name, f, state.clone()));
    }
    let cls = vm.new_class("_lru_cache_wrapper", "_lru_cache_wrapper", vec![], attrs)?;
    let wrapper = Value::Instance(Rc::new(Instance::new(cls)));
    copy_wrapper_attrs(vm, &wrapper, &func)?;
    Ok(wrapper)
}

fn with_lru<R>(state: &Value, f: impl FnOnce(&mut Lru) -> R) -> PyResult<R> {
    match state {
        Value::Native(n) => match n.data.borrow_mut().downcast_mut::<Lru>() {
            Some(l) => Ok(f(l)),
            None => Err(PyErr::type_error("bad lru_cache state")),
        },
        _ => Err(PyErr::type_error("bad lru_cache state")),
    }
}

/// CPython's `_make_key`: the args, then a marker and the keyword items, then the
/// types when `typed`; a lone int or str argument is its own key.
fn make_key(vm: &Vm, args: &[Value], kw: &[(Rc<str>, Value)], typed: bool, mark: &Value) -> Value {
    if kw.is_empty() && args.len() == 1 && matches!(args[0], Value::Int(_) | Value::BigInt(_) | Value::Str(_)) {
        return args[0].clone();
    }
    let mut key: Vec<Value> = args.to_vec();
    if !kw.is_empty() {
        key.push(mark.clone());
        for (k, v) in kw {
            key.push(Value::str(k));
            key.push(v.clone());
        }
    }
    if typed {
        for a in args {
            key.push(Value::Class(vm.type_of(a)));
        }
        for (_, v) in kw {
            key.push(Value::Class(vm.type_of(v)));
        }
    }
    Value::tuple(key)
}

fn lru_call(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let state = pos.next().unwrap_or(Value::None);
    let _this = pos.next();
    let call_args: Vec<Value> = pos.collect();
    let (func, cache, maxsize, typed, mark) =
        with_lru(&state, |l| (l.func.clone(), l.cache.clone(), l.maxsize, l.typed, l.kwd_mark.clone()))?;
    let call = |vm: &mut Vm, a: Vec<Value>, kw: Vec<(Rc<str>, Value)>| vm.call(&func, Args { pos: a.into_iter().collect(), kw });
    if maxsize == Some(0) {
        with_lru(&state, |l| l.misses += 1)?;
        return call(vm, call_args, args.kw);
    }
    let key = make_key(vm, &call_args, &args.kw, typed, &mark);
    if let Some(v) = vm.dict_get(&cache, &key)? {
        with_lru(&state, |l| l.hits += 1)?;
        if maxsize.is_some() {
            // Most recently used goes last.
            if let Some(v) = vm.dict_remove(&cache, &key)? {
                vm.dict_set(&cache, key, v)?;
            }
        }
        return Ok(v);
    }
    with_lru(&state, |l| l.misses += 1)?;
    let result = call(vm, call_args, args.kw)?;
    match maxsize {
        None => vm.dict_set(&cache, key, result.clone())?,
        Some(m) => {
            if vm.dict_get(&cache, &key)?.is_some() {
                // The call itself cached this key (recursion): keep that entry.
                return Ok(result);
            }
            if cache.borrow().len() >= m {
                let first = cache.borrow().first_pos();
                if let Some(p) = first {
                    cache.borrow_mut().remove_at(p);
                }
            }
            vm.dict_set(&cache, key, result.clone())?;
        }
    }
    Ok(result)
}

fn lru_cache_info(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let state = args.pos.first().cloned().unwrap_or(Value::None);
    let (hits, misses, maxsize, cache, info) =
        with_lru(&state, |l| (l.hits, l.misses, l.maxsize, l.cache.clone(), l.info_class.clone()))?;
    let cur = cache.borrow().len();
    let maxsize = maxsize.map(Value::from).unwrap_or(Value::None);
    vm.call(&info, Args::new([Value::Int(hits), Value::Int(misses), maxsize, Value::from(cur)]))
}

fn lru_cache_clear(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let state = args.pos.first().cloned().unwrap_or(Value::None);
    with_lru(&state, |l| {
        l.hits = 0;
        l.misses = 0;
        l.cache.borrow_mut().clear();
    })?;
    Ok(Value::None)
}

fn lru_cache_parameters(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let state = args.pos.first().cloned().unwrap_or(Value::None);
    let (maxsize, typed) = with_lru(&state, |l| (l.maxsize, l.typed))?;
    let mut d = PyDict::new();
    d.insert_simple(Value::str("maxsize"), maxsize.map(Value::from).unwrap_or(Value::None));
    d.insert_simple(Value::str("typed"), Value::Bool(typed));
    Ok(Value::dict(d))
}

fn lru_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let this = args.pos.get(1).cloned().unwrap_or(Value::None);
    Ok(Value::string(format!("<functools._lru_cache_wrapper object at 0x{:012x}>", this.identity())))
}

// ----- cmp_to_key -----

fn cmp_to_key(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [mycmp] = args.bind("cmp_to_key", ["mycmp"], 0, 1)?;
    let mycmp = mycmp.unwrap_or(Value::None);
    let mut attrs = Attrs::default();
    attrs.insert("__module__".into(), Value::str("functools"));
    attrs.insert("__init__".into(), method("KeyWrapper", "__init__", key_init));
    for (name, code) in [("__lt__", 0), ("__gt__", 1), ("__eq__", 2), ("__le__", 3), ("__ge__", 4), ("__ne__", 5)] {
        let data = Value::tuple(vec![mycmp.clone(), Value::Int(code)]);
        attrs.insert(name.into(), with_data(name, key_compare, data));
    }
    attrs.insert("__hash__".into(), Value::None);
    let cls = vm.new_class("KeyWrapper", "KeyWrapper", vec![], attrs)?;
    Ok(Value::Class(cls))
}

fn key_init(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [this, obj] = args.exact("KeyWrapper")?;
    if let Value::Instance(i) = &this {
        i.attrs.borrow_mut().insert("obj".into(), obj);
    }
    Ok(Value::None)
}

fn key_compare(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, a, b] = args.exact("__lt__")?;
    let Value::Tuple(d) = data else { return Ok(Value::NotImplemented) };
    let (cmp, code) = (d[0].clone(), d[1].as_int().unwrap_or(0));
    let get_obj = |v: &Value| match v {
        Value::Instance(i) => i.attrs.borrow().get("obj").cloned(),
        _ => None,
    };
    let (Some(x), Some(y)) = (get_obj(&a), get_obj(&b)) else {
        return Err(PyErr::type_error("other argument must be K instance"));
    };
    let r = vm.call(&cmp, Args::new([x, y]))?;
    let op = match code {
        0 => CmpOp::Lt,
        1 => CmpOp::Gt,
        2 => CmpOp::Eq,
        3 => CmpOp::LtE,
        4 => CmpOp::GtE,
        _ => CmpOp::NotEq,
    };
    Ok(Value::Bool(vm.compare_op(&r, &Value::Int(0), op)?))
}

// ----- total_ordering -----

const ORDER_OPS: [&str; 4] = ["__lt__", "__le__", "__gt__", "__ge__"];

fn total_ordering(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [cls] = args.exact("total_ordering")?;
    let Value::Class(c) = &cls else {
        return Err(PyErr::value_error("must define at least one ordering operation: < > <= >="));
    };
    // Defined somewhere along the MRO other than by `object` itself.
    let roots: Vec<&str> = ORDER_OPS
        .iter()
        .copied()
        .filter(|op| c.lookup_with_owner(op).is_some_and(|(owner, _)| !Rc::ptr_eq(&owner, &vm.types.object)))
        .collect();
    // CPython picks `max(roots)` by string order: __lt__ > __le__ > __gt__ > __ge__.
    let Some(root) = roots.iter().copied().max() else {
        return Err(PyErr::value_error("must define at least one ordering operation: < > <= >="));
    };
    for target in ORDER_OPS {
        if roots.contains(&target) || target == root {
            continue;
        }
        let data = Value::tuple(vec![Value::str(root), Value::str(target)]);
        vm.setattr(&cls, target, with_data(target, derived_op, data))?;
    }
    Ok(cls)
}

/// A comparison derived from `root`, exactly as functools.py's `_gt_from_lt` & co.
fn derived_op(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, a, b] = args.exact("__lt__")?;
    let Value::Tuple(d) = data else { return Ok(Value::NotImplemented) };
    let (Some(root), Some(target)) = (d[0].as_pystr().map(|s| s.as_str().to_owned()), d[1].as_pystr().map(|s| s.as_str().to_owned())) else {
        return Ok(Value::NotImplemented);
    };
    let m = vm.type_of(&a).lookup(&root).ok_or_else(|| PyErr::type_error("missing root comparison"))?;
    let r = vm.call(&m, Args::new([a.clone(), b.clone()]))?;
    if matches!(r, Value::NotImplemented) {
        return Ok(r);
    }
    let t = vm.truthy(&r)?;
    Ok(match (root.as_str(), target.as_str()) {
        // not op_result and self != other
        ("__lt__", "__gt__") | ("__gt__", "__lt__") => Value::Bool(!t && vm.ne(&a, &b)?),
        // op_result or self == other
        ("__lt__", "__le__") | ("__gt__", "__ge__") => {
            if t { r } else { Value::Bool(vm.eq(&a, &b)?) }
        }
        // not op_result
        ("__lt__", "__ge__") | ("__le__", "__gt__") | ("__gt__", "__le__") | ("__ge__", "__lt__") => Value::Bool(!t),
        // not op_result or self == other
        ("__le__", "__ge__") | ("__ge__", "__le__") => Value::Bool(!t || vm.eq(&a, &b)?),
        // op_result and self != other
        ("__le__", "__lt__") | ("__ge__", "__gt__") => {
            if !t { r } else { Value::Bool(vm.ne(&a, &b)?) }
        }
        _ => Value::NotImplemented,
    })
}
