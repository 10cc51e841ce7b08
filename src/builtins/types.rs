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
    /// Indexed by `ExcKind::index()`.
    pub exc: Vec<Rc<Class>>,
}

pub fn builtin_class(name: &str, tag: TypeTag, bases: Vec<Rc<Class>>) -> Rc<Class> {
    let mut mro: Vec<Rc<Class>> = Vec::new();
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
    let is_exception = tag == TypeTag::BaseException || bases.iter().any(|b| b.is_exception);
    Rc::new(Class {
        name: name.into(),
        qualname: name.into(),
        module: "builtins".into(),
        bases,
        mro,
        dict: ClassDict::new(Attrs::default()),
        tag,
        exc_kind: None,
        is_exception,
        is_user: false,
    })
}

impl Types {
    pub fn new() -> Types {
        let object = builtin_class("object", TypeTag::Object, vec![]);
        let mk = |name: &str, tag: TypeTag| builtin_class(name, tag, vec![object.clone()]);
        let int = mk("int", TypeTag::Int);
        let bool = builtin_class("bool", TypeTag::Bool, vec![int.clone()]);
        let mut exc: Vec<Rc<Class>> = Vec::new();
        for &k in ExcKind::ALL {
            let bases = match k.parent() {
                None => vec![object.clone()],
                Some(p) => vec![exc[p.index()].clone()],
            };
            let c = builtin_class(k.name(), TypeTag::BaseException, bases);
            let c = Rc::new(Class {
                name: c.name.clone(),
                qualname: c.qualname.clone(),
                module: c.module.clone(),
                bases: c.bases.clone(),
                mro: c.mro.clone(),
                dict: ClassDict::new(Attrs::default()),
                tag: TypeTag::BaseException,
                exc_kind: Some(k),
                is_exception: true,
                is_user: false,
            });
            exc.push(c);
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
pub fn add_methods(cls: &Rc<Class>, methods: &[(&str, NativeFn)]) {
    let mut d = cls.dict.borrow_mut();
    for (name, f) in methods {
        d.insert(
            (*name).into(),
            Value::Builtin(Rc::new(Builtin {
                name: (*name).into(),
                func: *f,
                bound: None,
                data: None,
                owner: Some(cls.name.clone()),
            })),
        );
    }
}

pub fn native(name: &str, func: NativeFn) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.into(), func, bound: None, data: None, owner: None }))
}
