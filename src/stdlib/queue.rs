//! `queue`: Queue (FIFO), LifoQueue, PriorityQueue (a binary heap ordered as heapq
//! orders) and SimpleQueue, without threads: a blocking get on an empty queue (or a
//! put on a full one) cannot ever be satisfied, so it waits out its timeout within
//! the time budget and raises queue.Empty / queue.Full instead of hanging.

use std::collections::VecDeque;


use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Fifo,
    Lifo,
    Priority,
}

struct Q {
    kind: Kind,
    items: VecDeque<Value>,
    maxsize: i64,
    unfinished: i64,
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let empty = exc_class(vm, "Empty", "queue", ExcKind::Exception)?;
    let full = exc_class(vm, "Full", "queue", ExcKind::Exception)?;
    let list: &[(&str, NativeFn)] = &[
        ("put", q_put),
        ("put_nowait", q_put_nowait),
        ("get", q_get),
        ("get_nowait", q_get_nowait),
        ("qsize", q_qsize),
        ("empty", q_empty),
        ("full", q_full),
        ("task_done", q_task_done),
        ("join", q_join),
        ("__repr__", q_repr),
    ];
    let mut attrs = Attrs::default();
    for (name, new) in [("Queue", q_new_fifo as NativeFn), ("LifoQueue", q_new_lifo), ("PriorityQueue", q_new_priority), ("SimpleQueue", q_new_fifo)] {
        let mut a = methods(list, name);
        a.insert("__new__".into(), staticmethod("__new__", new));
        a.insert("__init__".into(), builtin("__init__", noop));
        let c = make_class(vm, name, "queue", vec![], a)?;
        attrs.insert(name.into(), Value::Class(c));
    }
    attrs.insert("Empty".into(), Value::Class(empty));
    attrs.insert("Full".into(), Value::Class(full));
    Ok(super::helpers_c::module("queue", attrs))
}

fn noop(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn new_q(vm: &mut Vm, args: Args, kind: Kind) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let Some(Value::Class(cls)) = pos.next() else { return Err(PyErr::type_error("Queue.__new__(X): X is not a type object")) };
    let rest = Args { pos: pos.collect(), kw: args.kw };
    let [maxsize] = rest.bind("Queue", ["maxsize"], 0, 0)?;
    let maxsize = match maxsize {
        Some(v) => vm.index_of(&v)?,
        None => 0,
    };
    Ok(new_native(&cls, Q { kind, items: VecDeque::new(), maxsize, unfinished: 0 }))
}

fn q_new_fifo(vm: &mut Vm, args: Args) -> PyResult<Value> {
    new_q(vm, args, Kind::Fifo)
}
fn q_new_lifo(vm: &mut Vm, args: Args) -> PyResult<Value> {
    new_q(vm, args, Kind::Lifo)
}
fn q_new_priority(vm: &mut Vm, args: Args) -> PyResult<Value> {
    new_q(vm, args, Kind::Priority)
}

fn exc(vm: &mut Vm, name: &str) -> PyErr {
    let m = vm.modules.borrow().iter().find(|(n, _)| &**n == "queue").map(|(_, m)| m.clone());
    if let Some(Value::Module(m)) = m {
        if let Some(Value::Class(c)) = m.attrs.borrow().get(name) {
            return raise_cls_args(c, vec![]);
        }
    }
    PyErr::runtime_error("queue module state is missing")
}

fn q_of(v: &Value) -> PyResult<std::cell::RefMut<'_, Q>> {
    native_ref::<Q>(v).ok_or_else(|| PyErr::type_error("descriptor requires a 'queue.Queue' object"))
}

fn me(args: &mut Args) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error("method needs an argument"));
    }
    Ok(args.pos.remove(0))
}

/// Waits out a timeout (the queue can never change meanwhile), within the budget.
fn wait(vm: &mut Vm, block: bool, timeout: &Option<Value>) -> PyResult<()> {
    if !block {
        return Ok(());
    }
    if let Some(t) = timeout.as_ref().filter(|t| !t.is_none()) {
        let secs = to_float(vm, t)?;
        if secs < 0.0 {
            return Err(PyErr::value_error("'timeout' must be a non-negative number"));
        }
        let mut d = std::time::Duration::from_secs_f64(secs.min(1e6));
        if let Some(limit) = vm.policy.timeout {
            d = d.min(limit.saturating_sub(vm.started.elapsed()));
        }
        std::thread::sleep(d);
        vm.check_budgets()?;
    }
    Ok(())
}

fn push(vm: &mut Vm, q: &Value, item: Value) -> PyResult<()> {
    let kind = q_of(q)?.kind;
    if kind != Kind::Priority {
        let mut qq = q_of(q)?;
        qq.items.push_back(item);
        qq.unfinished += 1;
        return Ok(());
    }
    // heapq.heappush: sift the new item up.
    let mut items: Vec<Value> = std::mem::take(&mut q_of(q)?.items).into();
    items.push(item);
    let mut pos = items.len() - 1;
    let r = (|| -> PyResult<()> {
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if vm.lt(&items[pos], &items[parent])? {
                items.swap(pos, parent);
                pos = parent;
            } else {
                break;
            }
        }
        Ok(())
    })();
    let mut qq = q_of(q)?;
    qq.items = items.into();
    qq.unfinished += 1;
    r
}

fn pop(vm: &mut Vm, q: &Value) -> PyResult<Value> {
    let kind = q_of(q)?.kind;
    match kind {
        Kind::Fifo => Ok(q_of(q)?.items.pop_front().unwrap_or(Value::None)),
        Kind::Lifo => Ok(q_of(q)?.items.pop_back().unwrap_or(Value::None)),
        Kind::Priority => {
            let mut items: Vec<Value> = std::mem::take(&mut q_of(q)?.items).into();
            let last = items.pop().unwrap_or(Value::None);
            if items.is_empty() {
                return Ok(last);
            }
            let top = std::mem::replace(&mut items[0], last);
            // heapq's _siftup: move the smaller child up until a leaf, then sift down.
            let r = (|| -> PyResult<()> {
                let end = items.len();
                let mut pos = 0;
                let mut child = 1;
                while child < end {
                    let right = child + 1;
                    if right < end && !vm.lt(&items[child], &items[right])? {
                        child = right;
                    }
                    items.swap(pos, child);
                    pos = child;
                    child = 2 * pos + 1;
                }
                while pos > 0 {
                    let parent = (pos - 1) / 2;
                    if vm.lt(&items[pos], &items[parent])? {
                        items.swap(pos, parent);
                        pos = parent;
                    } else {
                        break;
                    }
                }
                Ok(())
            })();
            q_of(q)?.items = items.into();
            r?;
            Ok(top)
        }
    }
}

fn q_put(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let [item, block, timeout] = args.bind("put", ["item", "block", "timeout"], 0, 1)?;
    let block = match block {
        Some(b) => vm.truthy(&b)?,
        None => true,
    };
    let is_full = {
        let qq = q_of(&q)?;
        qq.maxsize > 0 && qq.items.len() as i64 >= qq.maxsize
    };
    if is_full {
        wait(vm, block, &timeout)?;
        return Err(exc(vm, "Full"));
    }
    vm.check_alloc(16)?;
    push(vm, &q, item.unwrap_or(Value::None))?;
    Ok(Value::None)
}

fn q_put_nowait(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let [item] = args.exact("put_nowait")?;
    q_put(vm, Args { pos: [q, item, Value::Bool(false)].into_iter().collect(), kw: vec![] })
}

fn q_get(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let [block, timeout] = args.bind("get", ["block", "timeout"], 0, 0)?;
    let block = match block {
        Some(b) => vm.truthy(&b)?,
        None => true,
    };
    if q_of(&q)?.items.is_empty() {
        wait(vm, block, &timeout)?;
        return Err(exc(vm, "Empty"));
    }
    pop(vm, &q)
}

fn q_get_nowait(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let [] = args.exact("get_nowait")?;
    q_get(vm, Args { pos: [q, Value::Bool(false)].into_iter().collect(), kw: vec![] })
}

fn q_qsize(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    Ok(Value::from(q_of(&q)?.items.len()))
}

fn q_empty(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    Ok(Value::Bool(q_of(&q)?.items.is_empty()))
}

fn q_full(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let qq = q_of(&q)?;
    Ok(Value::Bool(qq.maxsize > 0 && qq.items.len() as i64 >= qq.maxsize))
}

fn q_task_done(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let mut qq = q_of(&q)?;
    if qq.unfinished <= 0 {
        return Err(PyErr::value_error("task_done() called too many times"));
    }
    qq.unfinished -= 1;
    Ok(Value::None)
}

fn q_join(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn q_repr(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let q = me(&mut args)?;
    let cls = vm.type_of(&q);
    Ok(Value::string(format!("<queue.{} object at 0x{:012x}>", cls.name, q.identity())))
}

