//! The builtin classes of a session: `object`, `int`, `str`, ..., and the exception
//! hierarchy. Each session builds its own, so a program that changes one changes it
//! for itself only.

use std::rc::Rc;

use crate::values::*;

pub struct Types {
    pub object: Rc<Class>,
    pub type_: Rc<Class>,
    pub none_type: Rc<Class>,
    pub not_implemented_type: Rc<Class>,
    pub ellipsis: Rc<Class>,
    pub bool: Rc<Class>,
    pub int: Rc<Class>,
    pub float: Rc<Class>,
    pub str: Rc<Class>,
    pub bytes: Rc<Class>,
    pub bytearray: Rc<Class>,
    pub list: Rc<Class>,
    pub tuple: Rc<Class>,
    pub dict: Rc<Class>,
    pub set: Rc<Class>,
    pub frozenset: Rc<Class>,
    pub range: Rc<Class>,
    pub slice: Rc<Class>,
    pub function: Rc<Class>,
    pub builtin_function: Rc<Class>,
    pub method: Rc<Class>,
    pub generator: Rc<Class>,
    pub iterator: Rc<Class>,
    pub module: Rc<Class>,
    pub property: Rc<Class>,
    pub staticmethod: Rc<Class>,
    pub classmethod: Rc<Class>,
    pub super_: Rc<Class>,
    /// `types.UnionType` (`int | None`), see union_type.rs.
    pub union_type: Rc<Class>,
    /// Indexed by `ExcKind::index()`.
    pub exc: Vec<Rc<Class>>,
}

pub fn builtin_class(name: &str, tag: TypeTag, bases: Vec<Rc<Class>>) -> Rc<Class> {
    class_in("builtins".into(), name.into(), tag, bases, None)
}

/// A builtin class of module `module` (one name shared by all of a session's
/// builtin classes: a session builds about a hundred).
fn class_in(module: Rc<str>, name: Rc<str>, tag: TypeTag, bases: Vec<Rc<Class>>, exc_kind: Option<ExcKind>) -> Rc<Class> {
    let mut mro: Vec<Rc<Class>> = Vec::with_capacity(bases.first().map_or(0, |b| b.mro.len() + 1));
    for b in &bases {
        for c in b.mro_with_self() {
            if !mro.iter().any(|m| Rc::ptr_eq(m, &c)) {
                mro.push(c);
            }
        }
    }
    // `object` last.
    if let Some(pos) = mro.iter().position(|c| c.tag == TypeTag::Object && c.bases.is_empty()) {
        let o = mro.remove(pos);
        mro.push(o);
    }
    let is_exception = exc_kind.is_some() || tag == TypeTag::BaseException || bases.iter().any(|b| b.is_exception);
    Rc::new(Class {
        qualname: name.clone(),
        name,
        module,
        bases,
        mro,
        dict: ClassDict::new(Attrs::default()),
        tag,
        exc_kind,
        is_exception,
        is_user: false,
        c_type: false,
    })
}

impl Types {
    pub fn new() -> Types {
        let module: Rc<str> = "builtins".into();
        let object = class_in(module.clone(), "object".into(), TypeTag::Object, vec![], None);
        let mk = |name: &str, tag: TypeTag| class_in(module.clone(), name.into(), tag, vec![object.clone()], None);
        let int = mk("int", TypeTag::Int);
        let bool = class_in(module.clone(), "bool".into(), TypeTag::Bool, vec![int.clone()], None);
        let mut exc: Vec<Rc<Class>> = Vec::with_capacity(ExcKind::ALL.len());
        for &k in ExcKind::ALL {
            let bases = match k.parent() {
                None => vec![object.clone()],
                Some(p) => vec![exc[p.index()].clone()],
            };
            exc.push(class_in(module.clone(), k.name().into(), TypeTag::BaseException, bases, Some(k)));
        }
        Types {
            type_: mk("type", TypeTag::Type),
            none_type: mk("NoneType", TypeTag::NoneType),
            not_implemented_type: mk("NotImplementedType", TypeTag::NotImplementedType),
            ellipsis: mk("ellipsis", TypeTag::Ellipsis),
            float: mk("float", TypeTag::Float),
            str: mk("str", TypeTag::Str),
            bytes: mk("bytes", TypeTag::Bytes),
            bytearray: mk("bytearray", TypeTag::ByteArray),
            list: mk("list", TypeTag::List),
            tuple: mk("tuple", TypeTag::Tuple),
            dict: mk("dict", TypeTag::Dict),
            set: mk("set", TypeTag::Set),
            frozenset: mk("frozenset", TypeTag::FrozenSet),
            range: mk("range", TypeTag::Range),
            slice: mk("slice", TypeTag::Slice),
            function: mk("function", TypeTag::Function),
            builtin_function: mk("builtin_function_or_method", TypeTag::BuiltinFunction),
            method: mk("method", TypeTag::Method),
            generator: mk("generator", TypeTag::Generator),
            iterator: mk("iterator", TypeTag::Iterator),
            module: mk("module", TypeTag::Module),
            property: mk("property", TypeTag::Property),
            staticmethod: mk("staticmethod", TypeTag::StaticMethod),
            classmethod: mk("classmethod", TypeTag::ClassMethod),
            super_: mk("super", TypeTag::Super),
            union_type: c_type(class_in("types".into(), "UnionType".into(), TypeTag::Native, vec![object.clone()], None)),
            int,
            bool,
            object,
            exc,
        }
    }

    /// The constructor of a builtin class (`int(...)`, `list(...)`).
    pub fn ctor_of(&self, cls: &Rc<Class>) -> Option<NativeFn> {
        if cls.is_user || cls.exc_kind.is_some() {
            return None;
        }
        super::constructors::ctor_for(cls.tag)
    }
}

impl Default for Types {
    fn default() -> Types {
        Types::new()
    }
}

/// Adds native methods to a builtin class.
/// A class CPython implements in C outside builtins (its errors say 'types.UnionType').
fn c_type(c: Rc<Class>) -> Rc<Class> {
    match Rc::try_unwrap(c) {
        Ok(c) => Rc::new(Class { c_type: true, ..c }),
        Err(c) => c,
    }
}

pub fn add_methods(cls: &Rc<Class>, methods: &[(&str, NativeFn)]) {
    let mut d = cls.dict.borrow_mut();
    put_methods(&mut d, &cls.name, methods);
}

fn put_methods(d: &mut Attrs, owner: &Rc<str>, methods: &[(&str, NativeFn)]) {
    d.reserve(methods.len());
    for (name, f) in methods {
        let name: Rc<str> = (*name).into();
        d.insert(
            name.clone(),
            Value::Builtin(Rc::new(Builtin { name, func: *f, bound: None, data: None, owner: Some(owner.clone()) })),
        );
    }
}

/// A builtin class's namespace while its deferred methods are added to it.
pub struct MethodTable<'a> {
    pub attrs: &'a mut Attrs,
    /// The class's name, for the methods' `owner`.
    pub owner: Rc<str>,
    /// `object`, for tables that make classes of their own (the dict views).
    pub object: Rc<Class>,
}

impl MethodTable<'_> {
    /// Adds native methods, as `add_methods` does.
    pub fn add(&mut self, methods: &[(&str, NativeFn)]) {
        put_methods(self.attrs, &self.owner, methods);
    }

    pub fn insert(&mut self, name: &str, v: Value) {
        self.attrs.insert(name.into(), v);
    }
}

/// Has `fill` add the methods of `cls` when its namespace is first opened rather
/// than now (see `ClassDict`): most programs touch a few builtin types only. The
/// filler must build only what an eager registration would have built, in the same
/// order, so nothing can tell the difference.
pub fn defer_methods(cls: &Rc<Class>, object: &Rc<Class>, fill: fn(&mut MethodTable)) {
    // `object` itself is filled eagerly: its filler would hold it (a cycle).
    debug_assert!(!Rc::ptr_eq(cls, object));
    let owner = cls.name.clone();
    let object = object.clone();
    cls.dict.defer(Box::new(move |attrs| fill(&mut MethodTable { attrs, owner, object })));
}

/// A native function (no owner class).
pub fn native(name: &str, func: NativeFn) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func, bound: None, data: None, owner: None }))
}

/// `native` under a name the caller has already allocated (shared with a key).
pub fn native_named(name: Rc<str>, func: NativeFn) -> Value {
    Value::Builtin(Rc::new(Builtin { name, func, bound: None, data: None, owner: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_methods_appear_on_first_open_and_move_the_epoch() {
        let t = Types::new();
        let _builtins = super::super::make_builtins_module(&t);
        let before = class_epoch();
        // The first read builds the table, in registration order.
        let d = t.str.dict.borrow();
        assert!(class_epoch() > before);
        assert_eq!(d.get_index(0).map(|(k, _)| &**k), Some("capitalize"));
        assert!(matches!(d.get("maketrans"), Some(Value::StaticMethod(_))));
        match d.get("upper") {
            Some(Value::Builtin(b)) => assert_eq!(b.owner.as_deref(), Some("str")),
            _ => panic!("str.upper missing"),
        }
        drop(d);
        // Later reads are plain reads.
        let after = class_epoch();
        assert!(t.str.lookup("lower").is_some());
        assert_eq!(class_epoch(), after);
        // Subclass lookups reach deferred bases (bool -> int).
        assert!(t.bool.lookup("bit_length").is_some());
        assert!(t.exc[ExcKind::KeyError.index()].lookup("add_note").is_some());
    }

    #[test]
    fn a_second_deferral_runs_after_the_first() {
        let t = Types::new();
        defer_methods(&t.slice, &t.object, |m| m.insert("a", Value::Int(1)));
        defer_methods(&t.slice, &t.object, |m| m.insert("a", Value::Int(2)));
        assert!(matches!(t.slice.lookup("a"), Some(Value::Int(2))));
    }
}
