//! The modules sandboxed code may import, each implemented natively in Rust (one
//! file per module). No module is written in Python: a module in Python would carry
//! internals to escape through. `load` builds a fresh module object per session.

mod helpers_c;
pub mod dataclasses;
pub mod datetime;
pub mod r#enum;
pub mod queue;
pub mod random;
pub mod statistics;
pub mod time;
pub mod typing;
pub mod unicodedata;

use crate::values::*;
use crate::vm::Vm;

/// The module named `name`, or `None` when garter has no such module.
pub fn load(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "random" => random::module(vm)?,
        "datetime" => datetime::module(vm)?,
        "time" => time::module(vm)?,
        "dataclasses" => dataclasses::module(vm)?,
        "enum" => r#enum::module(vm)?,
        "statistics" => statistics::module(vm)?,
        "typing" => typing::module(vm)?,
        "unicodedata" => unicodedata::module(vm)?,
        "queue" => queue::module(vm)?,
        _ => return Ok(None),
    }))
}
