//! `operator`: the operators as functions, and itemgetter / attrgetter /
//! methodcaller. Attribute access goes through `vm.getattr` only, so names the
//! machine refuses (`__class__`, `__globals__`...) stay unreachable here too.

use super::support::*;
use crate::compile::code::UnaryOpKind;
use crate::syntax::ast::{BinOp, CmpOp};
use crate::values::*;
use crate::vm::Vm;

pub fn module(_vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    let fns: &[(&str, NativeFn)] = &[
        ("add", add),
        ("sub", sub),
        ("mul", mul),
        ("matmul", matmul),
        ("truediv", truediv),
        ("floordiv", floordiv),
        ("mod", mod_),
        ("pow", pow),
        ("lshift", lshift),
        ("rshift", rshift),
        ("and_", and_),
        ("or_", or_),
        ("xor", xor),
        ("neg", neg),
        ("pos", pos),
        ("abs", abs),
        ("inv", invert),
        ("invert", invert),
        ("not_", not_),
        ("truth", truth),
        ("eq", eq),
        ("ne", ne),
        ("lt", lt),
        ("le", le),
        ("gt", gt),
        ("ge", ge),
        ("is_", is_),
        ("is_not", is_not),
        ("contains", contains),
        ("getitem", getitem),
        ("setitem", setitem),
        ("delitem", delitem),
        ("concat", concat),
        ("countOf", count_of),
        ("indexOf", index_of),
        ("index", index),
        ("length_hint", length_hint),
        ("iadd", iadd),
        ("isub", isub),
        ("imul", imul),
        ("itemgetter", itemgetter),
        ("attrgetter", attrgetter),
        ("methodcaller", methodcaller),
    ];
    add_fns(&mut attrs, fns);
    for (alias, name) in [("__add__", "add"), ("__sub__", "sub"), ("__mul__", "mul"), ("__getitem__", "getitem")] {
        if let Some(v) = attrs.get(name).cloned() {
            attrs.insert(alias.into(), v);
        }
    }
    Ok(super::support::module("operator", attrs))
}

fn bin(vm: &mut Vm, args: Args, name: &str, op: BinOp) -> PyResult<Value> {
    let [a, b] = args.exact(name)?;
    vm.binary_op(&a, &b, op)
}

fn add(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "add", BinOp::Add)
}
fn sub(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "sub", BinOp::Sub)
}
fn mul(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "mul", BinOp::Mult)
}
fn matmul(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "matmul", BinOp::MatMult)
}
fn truediv(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "truediv", BinOp::Div)
}
fn floordiv(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "floordiv", BinOp::FloorDiv)
}
fn mod_(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "mod", BinOp::Mod)
}
fn pow(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "pow", BinOp::Pow)
}
fn lshift(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "lshift", BinOp::LShift)
}
fn rshift(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "rshift", BinOp::RShift)
}
fn and_(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "and_", BinOp::BitAnd)
}
fn or_(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "or_", BinOp::BitOr)
}
fn xor(vm: &mut Vm, a: Args) -> PyResult<Value> {
    bin(vm, a, "xor", BinOp::BitXor)
}

fn inplace(vm: &mut Vm, args: Args, name: &str, op: BinOp) -> PyResult<Value> {
    let [a, b] = args.exact(name)?;
    vm.inplace_op(a, b, op)
}
fn iadd(vm: &mut Vm, a: Args) -> PyResult<Value> {
    inplace(vm, a, "iadd", BinOp::Add)
}
fn isub(vm: &mut Vm, a: Args) -> PyResult<Value> {
    inplace(vm, a, "isub", BinOp::Sub)
}
fn imul(vm: &mut Vm, a: Args) -> PyResult<Value> {
    inplace(vm, a, "imul", BinOp::Mult)
}

fn unary(vm: &mut Vm, args: Args, name: &str, op: UnaryOpKind) -> PyResult<Value> {
    let [a] = args.exact(name)?;
    vm.unary_op(&a, op)
}
fn neg(vm: &mut Vm, a: Args) -> PyResult<Value> {
    unary(vm, a, "neg", UnaryOpKind::Neg)
}
fn pos(vm: &mut Vm, a: Args) -> PyResult<Value> {
    unary(vm, a, "pos", UnaryOpKind::Pos)
}
fn invert(vm: &mut Vm, a: Args) -> PyResult<Value> {
    unary(vm, a, "invert", UnaryOpKind::Invert)
}
fn not_(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [v] = a.exact("not_")?;
    Ok(Value::Bool(!vm.truthy(&v)?))
}
fn truth(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [v] = a.exact("truth")?;
    Ok(Value::Bool(vm.truthy(&v)?))
}

fn abs(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [v] = a.exact("abs")?;
    let f = vm.getattr(&Value::Module(vm.builtins.clone()), "abs")?;
    vm.call1(&f, v)
}

fn index(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [v] = a.exact("index")?;
    match &v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        _ => Ok(Value::Int(vm.index_of(&v)?)),
    }
}

/// Rich comparisons return whatever the operand's method returned in CPython; the
/// machine answers them as booleans, which is what every builtin type returns.
fn cmp(vm: &mut Vm, args: Args, name: &str, op: CmpOp) -> PyResult<Value> {
    let [a, b] = args.exact(name)?;
    Ok(Value::Bool(vm.compare_op(&a, &b, op)?))
}
fn eq(vm: &mut Vm, a: Args) -> PyResult<Value> {
    cmp(vm, a, "eq", CmpOp::Eq)
}
fn ne(vm: &mut Vm, a: Args) -> PyResult<Value> {
    cmp(vm, a, "ne", CmpOp::NotEq)
}
fn lt(vm: &mut Vm, a: Args) -> PyResult<Value> {
    cmp(vm, a, "lt", CmpOp::Lt)
}
fn le(vm: &mut Vm, a: Args) -> PyResult<Value> {
    cmp(vm, a, "le", CmpOp::LtE)
}
fn gt(vm: &mut Vm, a: Args) -> PyResult<Value> {
    cmp(vm, a, "gt", CmpOp::Gt)
}
fn ge(vm: &mut Vm, a: Args) -> PyResult<Value> {
    cmp(vm, a, "ge", CmpOp::GtE)
}
fn is_(_vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, y] = a.exact("is_")?;
    Ok(Value::Bool(x.is(&y)))
}
fn is_not(_vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, y] = a.exact("is_not")?;
    Ok(Value::Bool(!x.is(&y)))
}
fn contains(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, y] = a.exact("contains")?;
    Ok(Value::Bool(vm.contains(&x, &y)?))
}
fn getitem(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, y] = a.exact("getitem")?;
    vm.getitem(&x, &y)
}
fn setitem(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, k, v] = a.exact("setitem")?;
    vm.setitem(&x, k, v)?;
    Ok(Value::None)
}
fn delitem(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, k] = a.exact("delitem")?;
    vm.delitem(&x, &k)?;
    Ok(Value::None)
}

fn is_sequence(vm: &Vm, v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) | Value::Range(_) => true,
        Value::Instance(_) | Value::Native(_) => vm.special(v, "__getitem__").is_some() || matches!(v, Value::Instance(i) if i.base.borrow().is_some()),
        _ => false,
    }
}

fn concat(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [x, y] = a.exact("concat")?;
    if !is_sequence(vm, &x) {
        return Err(PyErr::type_error(format!("'{}' object can't be concatenated", x.type_name())));
    }
    vm.binary_op(&x, &y, BinOp::Add)
}

fn count_of(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [seq, x] = a.exact("countOf")?;
    let it = vm.iter(&seq)?;
    let mut n = 0i64;
    while let Some(v) = vm.next(&it)? {
        vm.tick()?;
        if v.is(&x) || vm.eq(&v, &x)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn index_of(vm: &mut Vm, a: Args) -> PyResult<Value> {
    let [seq, x] = a.exact("indexOf")?;
    let it = vm.iter(&seq)?;
    let mut i = 0i64;
    while let Some(v) = vm.next(&it)? {
        vm.tick()?;
        if v.is(&x) || vm.eq(&v, &x)? {
            return Ok(Value::Int(i));
        }
        i += 1;
    }
    Err(PyErr::value_error("sequence.index(x): x not in sequence"))
}

fn length_hint(vm: &mut Vm, a: Args) -> PyResult<Value> {
    if a.pos.is_empty() || a.pos.len() > 2 {
        return Err(PyErr::type_error("length_hint expected 1 or 2 arguments"));
    }
    match vm.len(&a.pos[0]) {
        Ok(n) => Ok(Value::from(n)),
        Err(e) if vm.err_is(&e, ExcKind::TypeError) => Ok(a.pos.get(1).cloned().unwrap_or(Value::Int(0))),
        Err(e) => Err(e),
    }
}

// ----- itemgetter, attrgetter, methodcaller: natives carrying their arguments -----

fn itemgetter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("itemgetter")?;
    if args.pos.is_empty() {
        return Err(PyErr::type_error("itemgetter expected 1 argument, got 0"));
    }
    Ok(with_data("itemgetter", itemgetter_call, Value::tuple(args.pos.into_vec())))
}

fn itemgetter_call(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let items = pos.next().unwrap_or(Value::None);
    let rest: Vec<Value> = pos.collect();
    if !args.kw.is_empty() {
        return Err(PyErr::type_error("itemgetter() takes no keyword arguments"));
    }
    if rest.len() != 1 {
        return Err(PyErr::type_error(format!("itemgetter expected 1 argument, got {}", rest.len())));
    }
    let obj = &rest[0];
    let Value::Tuple(items) = items else { return Ok(Value::None) };
    if items.len() == 1 {
        return vm.getitem(obj, &items[0]);
    }
    let mut out = Vec::with_capacity(items.len());
    for k in items.iter() {
        out.push(vm.getitem(obj, k)?);
    }
    Ok(Value::tuple(out))
}

fn attrgetter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("attrgetter")?;
    if args.pos.is_empty() {
        return Err(PyErr::type_error("attrgetter expected 1 argument, got 0"));
    }
    for a in args.pos.iter() {
        if !matches!(a, Value::Str(_)) {
            return Err(PyErr::type_error("attribute name must be a string"));
        }
    }
    Ok(with_data("attrgetter", attrgetter_call, Value::tuple(args.pos.into_vec())))
}

/// `a.b.c` one name at a time, each through `vm.getattr` (the one attribute rule).
fn dotted(vm: &mut Vm, obj: &Value, path: &str) -> PyResult<Value> {
    let mut cur = obj.clone();
    for part in path.split('.') {
        cur = vm.getattr(&cur, part)?;
    }
    Ok(cur)
}

fn attrgetter_call(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let names = pos.next().unwrap_or(Value::None);
    let rest: Vec<Value> = pos.collect();
    if !args.kw.is_empty() {
        return Err(PyErr::type_error("attrgetter() takes no keyword arguments"));
    }
    if rest.len() != 1 {
        return Err(PyErr::type_error(format!("attrgetter expected 1 argument, got {}", rest.len())));
    }
    let Value::Tuple(names) = names else { return Ok(Value::None) };
    let mut out = Vec::with_capacity(names.len());
    for n in names.iter() {
        let Value::Str(s) = n else { continue };
        out.push(dotted(vm, &rest[0], s.as_str())?);
    }
    if out.len() == 1 {
        return Ok(out.pop().unwrap_or(Value::None));
    }
    Ok(Value::tuple(out))
}

fn methodcaller(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let name = match pos.next() {
        Some(n @ Value::Str(_)) => n,
        Some(_) => return Err(PyErr::type_error("method name must be a string")),
        None => return Err(PyErr::type_error("methodcaller needs at least one argument, the method name")),
    };
    let call_args = Value::tuple(pos.collect());
    let mut kw = PyDict::new();
    for (k, v) in args.kw {
        kw.insert_simple(Value::str(&k), v);
    }
    let data = Value::tuple(vec![name, call_args, Value::dict(kw)]);
    Ok(with_data("methodcaller", methodcaller_call, data))
}

fn methodcaller_call(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let data = pos.next().unwrap_or(Value::None);
    let rest: Vec<Value> = pos.collect();
    if rest.len() != 1 || !args.kw.is_empty() {
        return Err(PyErr::type_error(format!("methodcaller expected 1 argument, got {}", rest.len())));
    }
    let Value::Tuple(parts) = data else { return Ok(Value::None) };
    let (Some(Value::Str(name)), Some(Value::Tuple(cargs)), Some(Value::Dict(kw))) = (parts.first(), parts.get(1), parts.get(2)) else {
        return Ok(Value::None);
    };
    let m = vm.getattr(&rest[0], name.as_str())?;
    let kw: Vec<(std::rc::Rc<str>, Value)> = dict_items(kw)
        .into_iter()
        .filter_map(|(k, v)| k.as_pystr().map(|s| (std::rc::Rc::from(s.as_str()), v)))
        .collect();
    vm.call(&m, Args { pos: cargs.iter().cloned().collect(), kw })
}
