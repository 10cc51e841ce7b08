//! `heapq`: CPython's exact sift algorithms (the list order is observable), with
//! `<` as the only comparison. The list is re-read after every comparison (user
//! `__lt__` may change it) and never borrowed across a call into Python.

use std::cell::RefCell;
use std::rc::Rc;

use super::support::*;
use crate::syntax::ast::CmpOp;
use crate::values::*;
use crate::vm::Vm;

pub fn module(_vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    add_fns(
        &mut attrs,
        &[
            ("heappush", heappush),
            ("heappop", heappop),
            ("heapify", heapify),
            ("heappushpop", heappushpop),
            ("heapreplace", heapreplace),
            ("nlargest", nlargest),
            ("nsmallest", nsmallest),
            ("merge", merge),
        ],
    );
    Ok(super::support::module("heapq", attrs))
}

type Heap = Rc<RefCell<Vec<Value>>>;

/// The list of a heap function's first argument; `which` is " 1" when the
/// function takes more than one (Argument Clinic numbers them then).
fn heap_arg(v: &Value, fname: &str, which: &str) -> PyResult<Heap> {
    let bad = || {
        let got: std::rc::Rc<str> = if matches!(v, Value::None) { "None".into() } else { v.type_name() };
        PyErr::type_error(format!("{fname}() argument{which} must be list, not {got}"))
    };
    match v {
        Value::List(l) => Ok(l.clone()),
        Value::Instance(i) => match &*i.base.borrow() {
            Some(Value::List(l)) => Ok(l.clone()),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn get(h: &Heap, i: usize) -> PyResult<Value> {
    h.borrow().get(i).cloned().ok_or_else(|| PyErr::runtime_error("list changed size during iteration"))
}

fn set(h: &Heap, i: usize, v: Value) -> PyResult<()> {
    match h.borrow_mut().get_mut(i) {
        Some(slot) => {
            *slot = v;
            Ok(())
        }
        None => Err(PyErr::runtime_error("list changed size during iteration")),
    }
}

/// `_siftdown(heap, startpos, pos)`: move heap[pos] up towards the root.
fn sift_down(vm: &mut Vm, h: &Heap, start: usize, mut pos: usize) -> PyResult<()> {
    let size = h.borrow().len();
    let newitem = get(h, pos)?;
    while pos > start {
        vm.tick()?;
        let parentpos = (pos - 1) >> 1;
        let parent = get(h, parentpos)?;
        let lt = vm.lt(&newitem, &parent)?;
        if h.borrow().len() != size {
            return Err(PyErr::runtime_error("list changed size during iteration"));
        }
        if lt {
            set(h, pos, parent)?;
            pos = parentpos;
            continue;
        }
        break;
    }
    set(h, pos, newitem)
}

/// `_siftup(heap, pos)`: move the smaller child up until a leaf, then sift down.
fn sift_up(vm: &mut Vm, h: &Heap, mut pos: usize) -> PyResult<()> {
    let end = h.borrow().len();
    let start = pos;
    let newitem = get(h, pos)?;
    let mut child = 2 * pos + 1;
    while child < end {
        vm.tick()?;
        let right = child + 1;
        if right < end {
            let (c, r) = (get(h, child)?, get(h, right)?);
            let lt = vm.lt(&c, &r)?;
            if h.borrow().len() != end {
                return Err(PyErr::runtime_error("list changed size during iteration"));
            }
            if !lt {
                child = right;
            }
        }
        let c = get(h, child)?;
        set(h, pos, c)?;
        pos = child;
        child = 2 * pos + 1;
    }
    set(h, pos, newitem)?;
    sift_down(vm, h, start, pos)
}

fn heappush(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [heap, item] = args.exact("heappush")?;
    let h = heap_arg(&heap, "heappush", " 1")?;
    h.borrow_mut().push(item);
    let n = h.borrow().len();
    sift_down(vm, &h, 0, n - 1)?;
    Ok(Value::None)
}

fn heappop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [heap] = args.exact("heappop")?;
    let h = heap_arg(&heap, "heappop", "")?;
    let last = h.borrow_mut().pop().ok_or_else(|| PyErr::index_error("index out of range"))?;
    if h.borrow().is_empty() {
        return Ok(last);
    }
    let top = get(&h, 0)?;
    set(&h, 0, last)?;
    sift_up(vm, &h, 0)?;
    Ok(top)
}

fn heapreplace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [heap, item] = args.exact("heapreplace")?;
    let h = heap_arg(&heap, "heapreplace", " 1")?;
    if h.borrow().is_empty() {
        return Err(PyErr::index_error("index out of range"));
    }
    let top = get(&h, 0)?;
    set(&h, 0, item)?;
    sift_up(vm, &h, 0)?;
    Ok(top)
}

fn heappushpop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [heap, item] = args.exact("heappushpop")?;
    let h = heap_arg(&heap, "heappushpop", " 1")?;
    if h.borrow().is_empty() {
        return Ok(item);
    }
    let top = get(&h, 0)?;
    if !vm.lt(&top, &item)? {
        return Ok(item);
    }
    if h.borrow().is_empty() {
        return Err(PyErr::index_error("index out of range"));
    }
    let top = get(&h, 0)?;
    set(&h, 0, item)?;
    sift_up(vm, &h, 0)?;
    Ok(top)
}

fn heapify(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [heap] = args.exact("heapify")?;
    let h = heap_arg(&heap, "heapify", "")?;
    let n = h.borrow().len();
    for i in (0..n / 2).rev() {
        sift_up(vm, &h, i)?;
    }
    Ok(Value::None)
}

/// `nsmallest`/`nlargest`: documented as equivalent to `sorted(...)[:n]`, which is
/// what they return (ties keep their input order in both).
fn n_best(vm: &mut Vm, args: Args, name: &str, largest: bool) -> PyResult<Value> {
    let [n, iterable, key] = args.bind(name, ["n", "iterable", "key"], 0, 2)?;
    let n = vm.index_of(&n.unwrap_or(Value::None))?;
    let mut items = vm.collect(&iterable.unwrap_or(Value::None))?;
    if n <= 0 {
        return Ok(Value::list(Vec::new()));
    }
    let key = key.filter(|k| !k.is_none());
    crate::builtins::functions::sort_values(vm, &mut items, key.as_ref(), largest)?;
    items.truncate(n as usize);
    Ok(Value::list(items))
}

fn nlargest(vm: &mut Vm, args: Args) -> PyResult<Value> {
    n_best(vm, args, "nlargest", true)
}

fn nsmallest(vm: &mut Vm, args: Args) -> PyResult<Value> {
    n_best(vm, args, "nsmallest", false)
}

/// `merge`: lazily yields the smallest head; ties go to the earlier iterable.
struct Merge {
    iters: Vec<Value>,
    heads: Vec<Option<(Value, Value)>>,
    key: Option<Value>,
    reverse: bool,
    started: bool,
}

impl Merge {
    fn fill(&mut self, vm: &mut Vm, i: usize) -> PyResult<()> {
        self.heads[i] = match vm.next(&self.iters[i])? {
            Some(v) => {
                let k = match &self.key {
                    Some(f) => vm.call1(f, v.clone())?,
                    None => v.clone(),
                };
                Some((k, v))
            }
            None => None,
        };
        Ok(())
    }
}

impl DynIterator for Merge {
    fn type_name(&self) -> &'static str {
        "generator"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if !self.started {
            self.started = true;
            for i in 0..self.iters.len() {
                self.fill(vm, i)?;
            }
        }
        let mut best: Option<usize> = None;
        for i in 0..self.heads.len() {
            let Some((k, _)) = &self.heads[i] else { continue };
            match best {
                None => best = Some(i),
                Some(b) => {
                    let bk = match &self.heads[b] {
                        Some((bk, _)) => bk.clone(),
                        None => continue,
                    };
                    let k = k.clone();
                    let better = if self.reverse {
                        vm.compare_op(&k, &bk, CmpOp::Gt)?
                    } else {
                        vm.lt(&k, &bk)?
                    };
                    if better {
                        best = Some(i);
                    }
                }
            }
        }
        let Some(b) = best else { return Ok(None) };
        let v = self.heads[b].take().map(|(_, v)| v);
        self.fill(vm, b)?;
        Ok(v)
    }
}

fn merge(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let key = take_kw(&mut args, "key").filter(|k| !k.is_none());
    let reverse = match take_kw(&mut args, "reverse") {
        Some(r) => vm.truthy(&r)?,
        None => false,
    };
    if let Some((k, _)) = args.kw.first() {
        return Err(PyErr::type_error(format!("merge() got an unexpected keyword argument '{k}'")));
    }
    let mut iters = Vec::new();
    for a in args.pos.iter() {
        iters.push(vm.iter(a)?);
    }
    let n = iters.len();
    Ok(dyn_iter(Merge { iters, heads: vec![None; n], key, reverse, started: false }))
}
