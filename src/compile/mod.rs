//! AST to code objects: scope analysis, slot resolution, bytecode.
//!
//! Must never leave a name to be looked up by string at run time where CPython
//! resolves it statically (locals, cells, free variables). Globals resolve to slots
//! of the session's global table, so that code compiled in a later agent step sees
//! the variables of earlier steps.

pub mod code;
mod codegen;
pub mod scope;

use std::rc::Rc;

use indexmap::IndexMap;

pub use code::{Code, CodeKind, Op, UnaryOpKind};

use crate::syntax::{ast, LineIndex, SyntaxError};

/// Global names of a session, each with a fixed slot.
#[derive(Default, Debug)]
pub struct GlobalTable {
    names: IndexMap<Rc<str>, u32>,
}

impl GlobalTable {
    pub fn slot(&mut self, name: &Rc<str>) -> u32 {
        let n = self.names.len() as u32;
        *self.names.entry(name.clone()).or_insert(n)
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.names.get(name).copied()
    }

    pub fn name(&self, slot: u32) -> Option<&Rc<str>> {
        self.names.get_index(slot as usize).map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Rc<str>, u32)> {
        self.names.iter().map(|(k, v)| (k, *v))
    }
}

/// Compiles a parsed module into its code object.
pub fn compile_module(
    module: &ast::Module,
    source: &str,
    filename: &str,
    globals: &mut GlobalTable,
) -> Result<Rc<Code>, SyntaxError> {
    let table = scope::analyze(module)?;
    let lines = LineIndex::new(source);
    codegen::compile(module, &table, &lines, filename, globals)
}
