//! The modules sandboxed code may import, each implemented natively in Rust (one
//! file per module). No module is written in Python: a module in Python would carry
//! internals to escape through. `load` builds a fresh module object per session.

pub mod bisect;
pub mod collections;
pub mod copy;
pub mod functools;
pub mod heapq;
pub mod itertools;
pub mod operator;
pub mod support;
mod json;
mod math;
mod re;
mod re_syntax;
mod re_run;
mod normaldist;
mod string;
mod textwrap;
mod helpers_c;
pub mod dataclasses;
pub mod datetime;
mod datetime_iso;
pub mod r#enum;
pub mod queue;
pub mod random;
pub mod statistics;
pub mod time;
pub mod typing;
pub mod unicodedata;
pub mod fractions;
pub mod decimal;

use crate::values::*;
use crate::vm::Vm;

/// The module named `name`, or `None` when garter has no such module.
pub fn load(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "collections" => collections::module(vm)?,
        "itertools" => itertools::module(vm)?,
        "functools" => functools::module(vm)?,
        "operator" => operator::module(vm)?,
        "copy" => copy::module(vm)?,
        "heapq" => heapq::module(vm)?,
        "bisect" => bisect::module(vm)?,
        "json" => json::module(vm)?,
        "re" => re::module(vm)?,
        "math" => math::module(vm)?,
        "string" => string::module(vm)?,
        "textwrap" => textwrap::module(vm)?,
        "random" => random::module(vm)?,
        "datetime" => datetime::module(vm)?,
        "time" => time::module(vm)?,
        "dataclasses" => dataclasses::module(vm)?,
        "enum" => r#enum::module(vm)?,
        "statistics" => statistics::module(vm)?,
        "typing" => typing::module(vm)?,
        "unicodedata" => unicodedata::module(vm)?,
        "queue" => queue::module(vm)?,
        "fractions" => fractions::module(vm)?,
        "decimal" => decimal::module(vm)?,
        _ => return Ok(None),
    }))
}
