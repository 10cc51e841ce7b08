//! Frames and the session's global namespace.
//!
//! A frame is plain data (code, instruction pointer, value stack, locals, cells,
//! handler blocks): the machine keeps frames on an explicit stack, so a Python call
//! never recurses in Rust and a generator is just a frame put aside.

use std::cell::RefCell;
use std::rc::Rc;

use crate::compile::{Code, GlobalTable};
use crate::values::{Attrs, CellRef, Value};

/// The module namespace of a session: slots fixed at compile time.
#[derive(Default)]
pub struct Globals {
    pub table: RefCell<GlobalTable>,
    pub values: RefCell<Vec<Option<Value>>>,
    /// The builtin each unbound slot resolved to (builtins never change during a
    /// session, and a binding of the slot itself takes precedence): `len` and
    /// `range` are found by slot, not by name, after their first use.
    pub builtins_seen: RefCell<Vec<Option<Value>>>,
}

impl Globals {
    pub fn get(&self, slot: u32) -> Option<Value> {
        self.values.borrow().get(slot as usize).cloned().flatten()
    }

    pub fn set(&self, slot: u32, v: Value) {
        let mut vals = self.values.borrow_mut();
        let i = slot as usize;
        if vals.len() <= i {
            vals.resize(i + 1, None);
        }
        vals[i] = Some(v);
    }

    pub fn delete(&self, slot: u32) -> bool {
        let mut vals = self.values.borrow_mut();
        match vals.get_mut(slot as usize) {
            Some(v @ Some(_)) => {
                *v = None;
                true
            }
            _ => false,
        }
    }

    pub fn builtin_seen(&self, slot: u32) -> Option<Value> {
        self.builtins_seen.borrow().get(slot as usize).cloned().flatten()
    }

    pub fn remember_builtin(&self, slot: u32, v: Value) {
        let mut seen = self.builtins_seen.borrow_mut();
        let i = slot as usize;
        if seen.len() <= i {
            seen.resize(i + 1, None);
        }
        seen[i] = Some(v);
    }

    pub fn name(&self, slot: u32) -> Rc<str> {
        self.table.borrow().name(slot).cloned().unwrap_or_else(|| "?".into())
    }

    pub fn get_by_name(&self, name: &str) -> Option<Value> {
        let slot = self.table.borrow().get(name)?;
        self.get(slot)
    }

    pub fn set_by_name(&self, name: &str, v: Value) {
        let slot = self.table.borrow_mut().slot(&name.into());
        self.set(slot, v);
    }

    /// Every bound global, in slot order.
    pub fn bound(&self) -> Vec<(Rc<str>, Value)> {
        let table = self.table.borrow();
        let vals = self.values.borrow();
        table
            .iter()
            .filter_map(|(n, s)| vals.get(s as usize).cloned().flatten().map(|v| (n.clone(), v)))
            .collect()
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub handler: u32,
    pub depth: u32,
}

pub struct Frame {
    pub code: Rc<Code>,
    pub ip: usize,
    pub stack: Vec<Value>,
    pub locals: Vec<Option<Value>>,
    pub cells: Vec<CellRef>,
    pub blocks: Vec<Block>,
    pub globals: Rc<Globals>,
    /// Class bodies run with a namespace of their own.
    pub namespace: Option<Rc<RefCell<Attrs>>>,
}

impl Frame {
    pub fn new(code: Rc<Code>, globals: Rc<Globals>) -> Frame {
        let nlocals = code.varnames.len();
        let mut cells: Vec<CellRef> = Vec::with_capacity(code.cellvars.len() + code.freevars.len());
        for _ in 0..code.cellvars.len() {
            cells.push(Rc::new(RefCell::new(None)));
        }
        Frame {
            code,
            ip: 0,
            stack: Vec::with_capacity(8),
            locals: vec![None; nlocals],
            cells,
            blocks: Vec::new(),
            globals,
            namespace: None,
        }
    }

    pub fn line(&self) -> u32 {
        self.code.line_of(self.ip.saturating_sub(1))
    }
}
