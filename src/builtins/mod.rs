//! Builtin functions and the methods of builtin types, plus the formatting shared by
//! `format()`, `str.format`, f-strings and `%`.

pub mod bytes_methods;
pub mod constructors;
pub mod dict_methods;
pub mod format_spec;
pub mod functions;
pub mod list_methods;
pub mod method_args;
pub mod num_methods;
pub mod object_methods;
pub mod percent;
pub mod repr;
pub mod set_methods;
pub mod str_format;
pub mod str_methods;
pub mod types;
pub mod union_type;
pub mod unicode_tables;

use std::cell::RefCell;
use std::rc::Rc;

pub use types::{add_methods, native, Types};

use crate::values::*;

/// Builds the `builtins` namespace of a session, and registers the methods of the
/// builtin types on `types`.
pub fn make_builtins_module(types: &Types) -> Rc<Module> {
    object_methods::register(types);
    let mut m = Attrs::with_capacity_and_hasher(64 + ExcKind::ALL.len(), Default::default());
    functions::register(&mut m);
    let classes: &[(&str, &Rc<Class>)] = &[
        ("object", &types.object),
        ("type", &types.type_),
        ("int", &types.int),
        ("bool", &types.bool),
        ("float", &types.float),
        ("str", &types.str),
        ("bytes", &types.bytes),
        ("bytearray", &types.bytearray),
        ("list", &types.list),
        ("tuple", &types.tuple),
        ("dict", &types.dict),
        ("set", &types.set),
        ("frozenset", &types.frozenset),
        ("range", &types.range),
        ("slice", &types.slice),
        ("property", &types.property),
        ("staticmethod", &types.staticmethod),
        ("classmethod", &types.classmethod),
        ("super", &types.super_),
    ];
    // The classes' own names serve as keys: no allocation per name.
    for (name, c) in classes {
        debug_assert_eq!(*name, &*c.name);
        m.insert(c.name.clone(), Value::Class((*c).clone()));
    }
    for &k in ExcKind::ALL {
        let c = &types.exc[k.index()];
        m.insert(c.name.clone(), Value::Class(c.clone()));
    }
    m.insert("EnvironmentError".into(), Value::Class(types.exc[ExcKind::OSError.index()].clone()));
    m.insert("IOError".into(), Value::Class(types.exc[ExcKind::OSError.index()].clone()));
    m.insert("None".into(), Value::None);
    m.insert("Ellipsis".into(), Value::Ellipsis);
    m.insert("NotImplemented".into(), Value::NotImplemented);
    m.insert("__name__".into(), Value::str("__main__"));
    Rc::new(Module { name: "builtins".into(), attrs: RefCell::new(m) })
}

/// Methods of the builtin types, one file per type family.
pub(crate) fn functions_for_types(t: &Types) {
    str_methods::register(t);
    bytes_methods::register(t);
    list_methods::register(t);
    dict_methods::register(t);
    set_methods::register(t);
    num_methods::register(t);
    union_type::register(t);
}
