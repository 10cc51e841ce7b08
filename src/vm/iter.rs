//! Iteration, subscripts, containment, and the dict/set operations that need the
//! machine (keys whose `__eq__`/`__hash__` are Python code).

use std::cell::RefCell;
use std::rc::Rc;

use smallvec::SmallVec;

use super::interp::Delegated;
use super::Vm;
use crate::syntax::ast::BinOp;
use crate::values::hash::eq_simple;
use crate::values::*;

impl Vm {
    pub fn iter(&mut self, v: &Value) -> PyResult<Value> {
        let it = match v {
            Value::List(_) | Value::Tuple(_) | Value::Bytes(_) | Value::ByteArray(_) => {
                NativeIter::Seq { seq: v.clone(), index: 0 }
            }
            Value::Str(s) => NativeIter::Str { s: s.clone(), byte: 0 },
            Value::Range(r) => NativeIter::Range { next: r.start, stop: r.stop, step: r.step },
            Value::Dict(d) => {
                let len = d.borrow().len();
                NativeIter::DictKeys { dict: d.clone(), index: 0, len, left: len }
            }
            Value::Set(s) => {
                let items: Rc<[Value]> = s.borrow().snapshot().into();
                NativeIter::Set { len: items.len(), items, index: 0, set: Some(s.clone()) }
            }
            Value::FrozenSet(s) => {
                let items: Rc<[Value]> = s.snapshot().into();
                NativeIter::Set { len: items.len(), items, index: 0, set: None }
            }
            Value::Iterator(_) | Value::Generator(_) => return Ok(v.clone()),
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__iter__") {
                    let r = self.call1(&m, v.clone())?;
                    if !self.is_iterator(&r) {
                        return Err(PyErr::type_error(format!(
                            "iter() returned non-iterator of type '{}'",
                            r.type_name()
                        )));
                    }
                    return Ok(r);
                }
                if i.class.lookup("__getitem__").is_some() {
                    NativeIter::GetItem { obj: v.clone(), index: 0 }
                } else if let Some(base) = i.base.borrow().clone() {
                    return self.iter(&base);
                } else {
                    return Err(not_iterable(v));
                }
            }
            Value::Native(n) => {
                if let Some(m) = n.class.lookup("__iter__") {
                    return self.call1(&m, v.clone());
                }
                return Err(not_iterable(v));
            }
            // `for c in Color`: an enum class iterates over its members.
            Value::Class(c) => match crate::stdlib::r#enum::class_members(c) {
                Some(members) => NativeIter::Seq { seq: Value::list(members), index: 0 },
                None => return Err(not_iterable(v)),
            },
            _ => return Err(not_iterable(v)),
        };
        Ok(Value::Iterator(Rc::new(RefCell::new(it))))
    }

    fn is_iterator(&self, v: &Value) -> bool {
        match v {
            Value::Iterator(_) | Value::Generator(_) => true,
            Value::Instance(i) => i.class.lookup("__next__").is_some(),
            Value::Native(n) => n.class.lookup("__next__").is_some(),
            _ => false,
        }
    }

    /// The next item of an iterator, `None` at the end.
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it {
            Value::Iterator(i) => self.iter_next_native(i),
            Value::Generator(g) => match self.resume_generator(g, Value::None, None) {
                Ok(Delegated::Yielded(v)) => Ok(Some(v)),
                Ok(Delegated::Done(_)) => Ok(None),
                Err(e) if self.err_is(&e, ExcKind::StopIteration) => Ok(None),
                Err(e) => Err(e),
            },
            Value::Instance(_) | Value::Native(_) => match self.special(it, "__next__") {
                Some(m) => match self.call1(&m, it.clone()) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if self.err_is(&e, ExcKind::StopIteration) => Ok(None),
                    Err(e) => Err(e),
                },
                None => Err(PyErr::type_error(format!("'{}' object is not an iterator", it.type_name()))),
            },
            _ => Err(PyErr::type_error(format!("'{}' object is not an iterator", it.type_name()))),
        }
    }

    /// The next item of a native iterator. The iterators over built-in containers
    /// (which never call back into Python) are stepped right here under one borrow;
    /// the composite ones (enumerate, zip, map...) go to `iter_next_slow`.
    #[inline(always)]
    pub(crate) fn iter_next_native(&mut self, it: &Rc<RefCell<NativeIter>>) -> PyResult<Option<Value>> {
        match it.try_borrow_mut() {
            Ok(mut g) => {
                if let Some(r) = step_simple(&mut g) {
                    return r;
                }
            }
            Err(_) => return Err(already_executing()),
        }
        self.iter_next_slow(it)
    }

    /// `for a, b in it`: the next item of a native iterator unpacked onto `stack`
    /// (last item deepest, as `UnpackSequence` leaves them) without building its
    /// tuple, for zip, enumerate and dict.items() over built-in containers.
    /// `Some(Ok(false))` when exhausted; `None` when the general path must run
    /// (nothing was consumed then).
    pub(crate) fn unpack_next_native(
        &mut self,
        it: &Rc<RefCell<NativeIter>>,
        stack: &mut Vec<Value>,
        n: usize,
    ) -> Option<PyResult<bool>> {
        let mut g = it.try_borrow_mut().ok()?;
        match &mut *g {
            NativeIter::Zip { iters, strict: false } if iters.len() == n && n > 0 && iters.iter().all(inner_is_simple) => {
                let base = stack.len();
                for x in iters.iter() {
                    let r = match step_inner_simple(x) {
                        Some(Ok(Some(v))) => {
                            stack.push(v);
                            continue;
                        }
                        Some(Ok(None)) => Ok(false),
                        Some(Err(e)) => Err(e),
                        None => Err(already_executing()),
                    };
                    stack.truncate(base);
                    return Some(r);
                }
                stack[base..].reverse();
                Some(Ok(true))
            }
            NativeIter::Enumerate { inner, count: Value::Int(c) } if n == 2 && *c < i64::MAX => {
                Some(match step_inner_simple(inner)? {
                    Ok(Some(v)) => {
                        stack.push(v);
                        stack.push(Value::Int(*c));
                        *c += 1;
                        Ok(true)
                    }
                    Ok(None) => Ok(false),
                    Err(e) => Err(e),
                })
            }
            NativeIter::DictItems { dict, index, len, left } if n == 2 => Some(
                dict_advance(dict, index, len, left, |e| {
                    stack.push(e.value.clone());
                    stack.push(e.key.clone());
                })
                .map(|r| r.is_some()),
            ),
            _ => None,
        }
    }

    /// `UnpackSequence(n)`: the items of `v` onto `stack`, last deepest. A tuple
    /// nobody else holds gives its items up without copies.
    pub(crate) fn unpack_onto(&mut self, stack: &mut Vec<Value>, v: Value, n: usize) -> PyResult<()> {
        match v {
            Value::Tuple(t) if t.len() == n => {
                match Rc::try_unwrap(t) {
                    Ok(items) => stack.extend(items.into_vec().into_iter().rev()),
                    Err(t) => stack.extend(t.iter().rev().cloned()),
                }
                Ok(())
            }
            Value::List(ref l) if l.borrow().len() == n => {
                stack.extend(l.borrow().iter().rev().cloned());
                Ok(())
            }
            v => {
                let items = self.unpack(&v, n, None)?;
                stack.extend(items.into_iter().rev());
                Ok(())
            }
        }
    }

    #[inline(never)]
    fn iter_next_slow(&mut self, it: &Rc<RefCell<NativeIter>>) -> PyResult<Option<Value>> {
        let mut guard = it.try_borrow_mut().map_err(|_| already_executing())?;
        let r = match &mut *guard {
            k if is_simple_kind(k) => return step_simple(k).unwrap_or(Ok(None)),
            NativeIter::Reversed { seq, index } => {
                if *index == 0 {
                    None
                } else {
                    *index -= 1;
                    match seq {
                        Value::List(l) => l.borrow().get(*index).cloned(),
                        Value::Tuple(t) => t.get(*index).cloned(),
                        Value::Str(s) => s.char_at(*index).map(|c| Value::string(c.to_string())),
                        Value::Range(r) => Some(Value::Int(r.get(*index as i64))),
                        other => {
                            let other = other.clone();
                            let i = *index;
                            drop(guard);
                            return self.getitem(&other, &Value::from(i)).map(Some);
                        }
                    }
                }
            }
            NativeIter::Enumerate { inner, count } => {
                // An inner iterator over a built-in container cannot call back into
                // Python, so it is stepped while this one stays borrowed.
                if let Some(r) = step_inner_simple(inner) {
                    return match r? {
                        Some(v) => {
                            let c = match count {
                                Value::Int(c) if *c < i64::MAX => {
                                    let c0 = *c;
                                    *count = Value::Int(c0 + 1);
                                    Value::Int(c0)
                                }
                                _ => {
                                    let c = count.clone();
                                    drop(guard);
                                    let next = self.binary_op(&c, &Value::Int(1), BinOp::Add)?;
                                    if let NativeIter::Enumerate { count, .. } = &mut *it.borrow_mut() {
                                        *count = next;
                                    }
                                    c
                                }
                            };
                            Ok(Some(Value::tuple(vec![c, v])))
                        }
                        None => Ok(None),
                    };
                }
                let inner = inner.clone();
                let c = count.clone();
                drop(guard);
                let n = self.next(&inner)?;
                return match n {
                    Some(v) => {
                        let next = self.binary_op(&c, &Value::Int(1), BinOp::Add)?;
                        if let NativeIter::Enumerate { count, .. } = &mut *it.borrow_mut() {
                            *count = next;
                        }
                        Ok(Some(Value::tuple(vec![c, v])))
                    }
                    None => Ok(None),
                };
            }
            NativeIter::Zip { iters, strict } => {
                if !*strict && !iters.is_empty() && iters.iter().all(inner_is_simple) {
                    // All inner iterators are over built-in containers: no callback.
                    let mut out = Vec::with_capacity(iters.len());
                    for x in iters.iter() {
                        match step_inner_simple(x) {
                            Some(r) => match r? {
                                Some(v) => out.push(v),
                                None => return Ok(None),
                            },
                            None => return Err(already_executing()),
                        }
                    }
                    return Ok(Some(Value::tuple(out)));
                }
                // Taken out (not cloned: that allocated per item) while the inner
                // iterators run, which may call back into Python; put back below.
                let iters = std::mem::take(iters);
                let strict = *strict;
                drop(guard);
                let r = self.zip_step(&iters, strict);
                if let NativeIter::Zip { iters: slot, .. } = &mut *it.borrow_mut() {
                    *slot = iters;
                }
                return r;
            }
            NativeIter::Map { func, iters } => {
                let func = func.clone();
                let iters = std::mem::take(iters);
                drop(guard);
                let mut args = smallvec::SmallVec::<[Value; 4]>::new();
                let mut done = false;
                for x in &iters {
                    match self.next(x) {
                        Ok(Some(v)) => args.push(v),
                        Ok(None) => {
                            done = true;
                            break;
                        }
                        Err(e) => {
                            if let NativeIter::Map { iters: slot, .. } = &mut *it.borrow_mut() {
                                *slot = iters;
                            }
                            return Err(e);
                        }
                    }
                }
                if let NativeIter::Map { iters: slot, .. } = &mut *it.borrow_mut() {
                    *slot = iters;
                }
                if done {
                    return Ok(None);
                }
                return self.call(&func, Args { pos: args, kw: Vec::new() }).map(Some);
            }
            NativeIter::Filter { func, inner, keep_true } => {
                let (func, inner, keep) = (func.clone(), inner.clone(), *keep_true);
                drop(guard);
                loop {
                    self.tick()?;
                    match self.next(&inner)? {
                        Some(v) => {
                            let t = if func.is_none() { self.truthy(&v)? } else {
                                let r = self.call1(&func, v.clone())?;
                                self.truthy(&r)?
                            };
                            if t == keep {
                                return Ok(Some(v));
                            }
                        }
                        None => return Ok(None),
                    }
                }
            }
            NativeIter::Callable { func, sentinel } => {
                let (func, sentinel) = (func.clone(), sentinel.clone());
                drop(guard);
                let v = self.call0(&func)?;
                if self.eq(&v, &sentinel)? {
                    *it.borrow_mut() = NativeIter::Exhausted;
                    return Ok(None);
                }
                return Ok(Some(v));
            }
            NativeIter::GetItem { obj, index } => {
                let (obj, i) = (obj.clone(), *index);
                *index += 1;
                drop(guard);
                return match self.getitem(&obj, &Value::Int(i)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if self.err_is(&e, ExcKind::IndexError) || self.err_is(&e, ExcKind::StopIteration) => Ok(None),
                    Err(e) => Err(e),
                };
            }
            NativeIter::Dyn(_) => {
                // Dyn iterators may call back into Python; take it out while running.
                let mut d = std::mem::replace(&mut *guard, NativeIter::Exhausted);
                drop(guard);
                let r = match &mut d {
                    NativeIter::Dyn(inner) => inner.next(self),
                    _ => Ok(None),
                };
                *it.borrow_mut() = d;
                return r;
            }
            _ => None,
        };
        Ok(r)
    }

    /// One item of `zip(*iters)`, with `strict=True`'s length checks.
    fn zip_step(&mut self, iters: &[Value], strict: bool) -> PyResult<Option<Value>> {
        let mut out = Vec::with_capacity(iters.len());
        for (i, x) in iters.iter().enumerate() {
            match self.next(x)? {
                Some(v) => out.push(v),
                None => {
                    if strict {
                        if i > 0 {
                            let s = if i == 1 { " " } else { "s 1-" };
                            return Err(PyErr::value_error(format!(
                                "zip() argument {} is shorter than argument{s}{}",
                                i + 1,
                                i
                            )));
                        }
                        for (j, y) in iters.iter().enumerate().skip(1) {
                            if self.next(y)?.is_some() {
                                let s = if j == 1 { " " } else { "s 1-" };
                                return Err(PyErr::value_error(format!(
                                    "zip() argument {} is longer than argument{s}{}",
                                    j + 1,
                                    j
                                )));
                            }
                        }
                    }
                    return Ok(None);
                }
            }
        }
        if iters.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Value::tuple(out)));
    }

    /// Every item of an iterable (budgeted: one step per item).
    pub fn collect(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        match v {
            Value::List(l) => return Ok(l.borrow().clone()),
            Value::Tuple(t) => return Ok(t.to_vec()),
            Value::Range(r) => {
                let n = r.len();
                self.check_alloc(n as u128 * 16)?;
                self.steps += n as u64 / 8;
                self.check_budgets()?;
                return Ok((0..n).map(|i| Value::Int(r.get(i))).collect());
            }
            _ => {}
        }
        let it = self.iter(v)?;
        let mut out = Vec::new();
        while let Some(x) = self.next(&it)? {
            self.tick()?;
            if out.len() & 0xffff == 0xffff {
                self.check_alloc(out.len() as u128 * 16)?;
            }
            out.push(x);
        }
        Ok(out)
    }

    pub fn len(&mut self, v: &Value) -> PyResult<usize> {
        Ok(match v {
            Value::Str(s) => s.len_chars(),
            Value::Bytes(b) => b.len(),
            Value::ByteArray(b) => b.borrow().len(),
            Value::List(l) => l.borrow().len(),
            Value::Tuple(t) => t.len(),
            Value::Dict(d) => d.borrow().len(),
            Value::Set(s) => s.borrow().len(),
            Value::FrozenSet(s) => s.len(),
            Value::Range(r) => r.len() as usize,
            Value::Class(c) if crate::stdlib::r#enum::is_enum_class(c) => {
                crate::stdlib::r#enum::class_members(c).map(|m| m.len()).unwrap_or(0)
            }
            Value::Instance(_) | Value::Native(_) => {
                if let Some(m) = self.special(v, "__len__") {
                    let r = self.call1(&m, v.clone())?;
                    let n = self.index_of(&r)?;
                    if n < 0 {
                        return Err(PyErr::value_error("__len__() should return >= 0"));
                    }
                    return Ok(n as usize);
                }
                if let Value::Instance(i) = v {
                    if let Some(base) = i.base.borrow().clone() {
                        return self.len(&base);
                    }
                }
                return Err(PyErr::type_error(format!("object of type '{}' has no len()", v.type_name())));
            }
            _ => return Err(PyErr::type_error(format!("object of type '{}' has no len()", v.type_name()))),
        })
    }

    /// Normalises a possibly negative index into `0..len`.
    pub fn seq_index(&mut self, key: &Value, len: usize, what: &str) -> PyResult<usize> {
        let i = match key {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            // A range's items are machine integers, so any big index is outside it.
            Value::BigInt(_) if what == "range object" => return Err(PyErr::index_error("range object index out of range")),
            Value::BigInt(_) => return Err(PyErr::index_error("cannot fit 'int' into an index-sized integer")),
            Value::Instance(_) => self.index_of(key)?,
            _ => {
                // `what` names the IndexError; the TypeError names the type as CPython does.
                return Err(PyErr::type_error(match what {
                    "string" => format!("string indices must be integers, not '{}'", key.type_name()),
                    _ => format!(
                        "{} indices must be integers or slices, not {}",
                        match what {
                            "index" => "byte",
                            "range object" => "range",
                            "list assignment" => "list",
                            w => w,
                        },
                        key.type_name()
                    ),
                }));
            }
        };
        let n = len as i64;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            // `what` is "index" for bytes, whose message is plain "index out of range".
            return Err(PyErr::index_error(match what {
                "index" => "index out of range".to_owned(),
                _ => format!("{what} index out of range"),
            }));
        }
        Ok(j as usize)
    }

    /// `slice.indices(len)`: (start, stop, step) clamped as CPython does.
    pub fn slice_indices(&mut self, s: &Slice, len: usize) -> PyResult<(i64, i64, i64)> {
        let step = match &s.step {
            Value::None => 1,
            v => self.slice_int(v)?,
        };
        if step == 0 {
            return Err(PyErr::value_error("slice step cannot be zero"));
        }
        let n = len as i64;
        let (lo, hi) = if step < 0 { (-1, n - 1) } else { (0, n) };
        let clamp = |v: i64| -> i64 {
            if v < 0 {
                (v + n).max(lo)
            } else {
                v.min(hi)
            }
        };
        let start = match &s.start {
            Value::None => if step < 0 { hi } else { lo },
            v => clamp(self.slice_int(v)?),
        };
        let stop = match &s.stop {
            Value::None => if step < 0 { lo } else { hi },
            v => clamp(self.slice_int(v)?),
        };
        Ok((start, stop, step))
    }

    fn slice_int(&mut self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::BigInt(b) => Ok(if num_traits::Signed::is_negative(&**b) { i64::MIN / 2 } else { i64::MAX / 2 }),
            Value::Instance(_) => self.index_of(v),
            _ => Err(PyErr::type_error(
                "slice indices must be integers or None or have an __index__ method",
            )),
        }
    }

    pub fn slice_positions(&mut self, s: &Slice, len: usize) -> PyResult<Vec<usize>> {
        let (start, stop, step) = self.slice_indices(s, len)?;
        let mut out = Vec::new();
        let mut i = start;
        if step > 0 {
            while i < stop {
                out.push(i as usize);
                i += step;
            }
        } else {
            while i > stop {
                out.push(i as usize);
                i += step;
            }
        }
        Ok(out)
    }

    pub fn getitem(&mut self, obj: &Value, key: &Value) -> PyResult<Value> {
        match (obj, key) {
            (Value::List(l), Value::Int(i)) => {
                let l = l.borrow();
                let n = l.len() as i64;
                let j = if *i < 0 { i + n } else { *i };
                if j < 0 || j >= n {
                    return Err(PyErr::index_error("list index out of range"));
                }
                return Ok(l[j as usize].clone());
            }
            (Value::Dict(d), _) => {
                return match self.dict_get(d, key)? {
                    Some(v) => Ok(v),
                    None => Err(PyErr::key_error(key.clone())),
                };
            }
            _ => {}
        }
        match obj {
            Value::List(l) => match key {
                Value::Slice(s) if plain_slice(s) => {
                    // Int/None bounds call nothing back: slice the list in place.
                    let len = l.borrow().len();
                    let (start, stop, step) = self.slice_indices(s, len)?;
                    let l = l.borrow();
                    if step == 1 {
                        let (a, b) = (start.max(0) as usize, stop.max(start).max(0) as usize);
                        return Ok(Value::list(l.get(a..b.min(l.len())).map(<[Value]>::to_vec).unwrap_or_default()));
                    }
                    let pos = stepped_positions(start, stop, step);
                    Ok(Value::list(pos.map(|i| l[i].clone()).collect()))
                }
                Value::Slice(s) => {
                    let items = l.borrow().clone();
                    let pos = self.slice_positions(s, items.len())?;
                    Ok(Value::list(pos.into_iter().map(|i| items[i].clone()).collect()))
                }
                _ => {
                    let n = l.borrow().len();
                    let i = self.seq_index(key, n, "list")?;
                    Ok(l.borrow()[i].clone())
                }
            },
            Value::Tuple(t) => match key {
                Value::Slice(s) if plain_slice(s) => {
                    let (start, stop, step) = self.slice_indices(s, t.len())?;
                    if step == 1 {
                        let (a, b) = (start.max(0) as usize, stop.max(start).max(0) as usize);
                        return Ok(Value::tuple(t.get(a..b.min(t.len())).map(<[Value]>::to_vec).unwrap_or_default()));
                    }
                    Ok(Value::tuple(stepped_positions(start, stop, step).map(|i| t[i].clone()).collect()))
                }
                Value::Slice(s) => {
                    let pos = self.slice_positions(s, t.len())?;
                    Ok(Value::tuple(pos.into_iter().map(|i| t[i].clone()).collect()))
                }
                _ => {
                    let i = self.seq_index(key, t.len(), "tuple")?;
                    Ok(t[i].clone())
                }
            },
            Value::Str(s) => match key {
                Value::Slice(sl) => {
                    let (start, stop, step) = self.slice_indices(sl, s.len_chars())?;
                    if step == 1 {
                        return Ok(Value::str(s.slice_chars(start.max(0) as usize, stop.max(0) as usize)));
                    }
                    let pos = self.slice_positions(sl, s.len_chars())?;
                    let chars: Vec<char> = s.as_str().chars().collect();
                    Ok(Value::string(pos.into_iter().map(|i| chars[i]).collect()))
                }
                _ => {
                    let i = self.seq_index(key, s.len_chars(), "string")?;
                    let c = s.char_at(i).unwrap_or(' ');
                    Ok(Value::string(c.to_string()))
                }
            },
            Value::Bytes(b) => match key {
                Value::Slice(sl) => {
                    let pos = self.slice_positions(sl, b.len())?;
                    Ok(Value::bytes(pos.into_iter().map(|i| b[i]).collect::<Vec<u8>>()))
                }
                _ => {
                    let i = self.seq_index(key, b.len(), "index")?;
                    Ok(Value::Int(b[i] as i64))
                }
            },
            Value::ByteArray(b) => match key {
                Value::Slice(sl) => {
                    let data = b.borrow().clone();
                    let pos = self.slice_positions(sl, data.len())?;
                    Ok(Value::ByteArray(Rc::new(RefCell::new(pos.into_iter().map(|i| data[i]).collect()))))
                }
                _ => {
                    let n = b.borrow().len();
                    let i = self.seq_index(key, n, "bytearray")?;
                    Ok(Value::Int(b.borrow()[i] as i64))
                }
            },
            Value::Range(r) => match key {
                Value::Slice(sl) => {
                    let (start, stop, step) = self.slice_indices(sl, r.len() as usize)?;
                    Ok(Value::Range(Rc::new(Range {
                        start: r.get(start),
                        stop: r.get(stop),
                        step: r.step * step,
                    })))
                }
                _ => {
                    let i = self.seq_index(key, r.len() as usize, "range object")?;
                    Ok(Value::Int(r.get(i as i64)))
                }
            },
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__getitem__") {
                    return self.call(&m, Args::new([obj.clone(), key.clone()]));
                }
                if let Some(base) = i.base.borrow().clone() {
                    let r = self.getitem(&base, key);
                    if let (Err(e), Some(missing)) = (&r, i.class.lookup("__missing__")) {
                        if self.err_is(e, ExcKind::KeyError) {
                            return self.call(&missing, Args::new([obj.clone(), key.clone()]));
                        }
                    }
                    return r;
                }
                Err(not_subscriptable(obj))
            }
            Value::Native(n) => match n.class.lookup("__getitem__") {
                Some(m) => self.call(&m, Args::new([obj.clone(), key.clone()])),
                None => Err(not_subscriptable(obj)),
            },
            Value::Class(c) => match c.lookup("__class_getitem__") {
                Some(m) => self.call(&m, Args::new([obj.clone(), key.clone()])),
                // `list[int]` in annotations: keep the class.
                None if !c.is_user => Ok(obj.clone()),
                None => Err(PyErr::type_error(format!("type '{}' is not subscriptable", c.name))),
            },
            _ => Err(not_subscriptable(obj)),
        }
    }

    pub fn setitem(&mut self, obj: &Value, key: Value, v: Value) -> PyResult<()> {
        match obj {
            Value::List(l) => match &key {
                Value::Slice(s) => {
                    // CPython's wording for a value that is not iterable (asking a
                    // built-in value has no side effects; instances are asked once,
                    // by `collect`).
                    if !matches!(v, Value::Instance(_) | Value::Native(_)) && self.iter(&v).is_err() {
                        let extended = !matches!(&s.step, Value::None | Value::Int(1));
                        return Err(PyErr::type_error(if extended {
                            "must assign iterable to extended slice"
                        } else {
                            "can only assign an iterable"
                        }));
                    }
                    let items = self.collect(&v)?;
                    let len = l.borrow().len();
                    let (start, stop, step) = self.slice_indices(s, len)?;
                    if step == 1 {
                        let stop = stop.max(start);
                        l.borrow_mut().splice(start as usize..stop as usize, items);
                        return Ok(());
                    }
                    let pos = self.slice_positions(s, len)?;
                    if pos.len() != items.len() {
                        return Err(PyErr::value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {}",
                            items.len(),
                            pos.len()
                        )));
                    }
                    let mut l = l.borrow_mut();
                    for (p, it) in pos.into_iter().zip(items) {
                        l[p] = it;
                    }
                    Ok(())
                }
                _ => {
                    let n = l.borrow().len();
                    let i = self.seq_index(&key, n, "list assignment")?;
                    l.borrow_mut()[i] = v;
                    Ok(())
                }
            },
            Value::Dict(d) => self.dict_set(d, key, v),
            Value::ByteArray(b) => {
                let n = b.borrow().len();
                let i = self.seq_index(&key, n, "bytearray")?;
                let x = self.index_of(&v)?;
                if !(0..=255).contains(&x) {
                    return Err(PyErr::value_error("byte must be in range(0, 256)"));
                }
                b.borrow_mut()[i] = x as u8;
                Ok(())
            }
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__setitem__") {
                    self.call(&m, Args::new([obj.clone(), key, v]))?;
                    return Ok(());
                }
                if let Some(base) = i.base.borrow().clone() {
                    return self.setitem(&base, key, v);
                }
                Err(no_item_assignment(obj))
            }
            Value::Native(n) => match n.class.lookup("__setitem__") {
                Some(m) => {
                    self.call(&m, Args::new([obj.clone(), key, v]))?;
                    Ok(())
                }
                None => Err(no_item_assignment(obj)),
            },
            _ => Err(no_item_assignment(obj)),
        }
    }

    pub fn delitem(&mut self, obj: &Value, key: &Value) -> PyResult<()> {
        match obj {
            Value::List(l) => match key {
                Value::Slice(s) => {
                    let len = l.borrow().len();
                    let mut pos = self.slice_positions(s, len)?;
                    pos.sort_unstable();
                    let mut l = l.borrow_mut();
                    for p in pos.into_iter().rev() {
                        l.remove(p);
                    }
                    Ok(())
                }
                _ => {
                    let n = l.borrow().len();
                    let i = self.seq_index(key, n, "list assignment")?;
                    l.borrow_mut().remove(i);
                    Ok(())
                }
            },
            Value::Dict(d) => match self.dict_remove(d, key)? {
                Some(_) => Ok(()),
                None => Err(PyErr::key_error(key.clone())),
            },
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__delitem__") {
                    self.call(&m, Args::new([obj.clone(), key.clone()]))?;
                    return Ok(());
                }
                if let Some(base) = i.base.borrow().clone() {
                    return self.delitem(&base, key);
                }
                Err(PyErr::type_error(format!("'{}' object doesn't support item deletion", obj.type_name())))
            }
            Value::Native(n) => match n.class.lookup("__delitem__") {
                Some(m) => {
                    self.call(&m, Args::new([obj.clone(), key.clone()]))?;
                    Ok(())
                }
                None => Err(PyErr::type_error(format!("'{}' object doesn't support item deletion", obj.type_name()))),
            },
            _ => Err(PyErr::type_error(format!("'{}' object doesn't support item deletion", obj.type_name()))),
        }
    }

    /// `needle in container`
    pub fn contains(&mut self, container: &Value, needle: &Value) -> PyResult<bool> {
        match container {
            Value::Str(s) => match needle {
                Value::Str(n) => Ok(s.as_str().contains(n.as_str())),
                _ => Err(PyErr::type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    needle.type_name()
                ))),
            },
            Value::Bytes(b) => crate::builtins::bytes_methods::contains(self, b, needle),
            Value::ByteArray(b) => {
                // A copy: the needle's `__index__` may change the bytearray.
                let hay = b.borrow().clone();
                crate::builtins::bytes_methods::contains(self, &hay, needle)
            }
            Value::List(_) | Value::Tuple(_) => {
                // Compared natively while no item needs Python's `__eq__`; from the
                // first one that does, on a copy (the callback may mutate the list).
                let start = {
                    let l;
                    let items: &[Value] = match container {
                        Value::List(x) => {
                            l = x.borrow();
                            &l
                        }
                        Value::Tuple(t) => t,
                        _ => &[],
                    };
                    let mut start = None;
                    for (i, it) in items.iter().enumerate() {
                        match eq_simple(it, needle) {
                            Some(true) => return Ok(true),
                            // `is` first, as CPython: a NaN is in a list holding it.
                            Some(false) if it.is(needle) => return Ok(true),
                            Some(false) => {}
                            None => {
                                start = Some(i);
                                break;
                            }
                        }
                    }
                    match start {
                        Some(i) => i,
                        None => return Ok(false),
                    }
                };
                let items = match container {
                    Value::List(l) => l.borrow().get(start..).map(<[Value]>::to_vec).unwrap_or_default(),
                    Value::Tuple(t) => t[start..].to_vec(),
                    _ => Vec::new(),
                };
                for it in &items {
                    if it.is(needle) || self.eq(it, needle)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Dict(d) => {
                let h = self.hash(needle)?;
                Ok(self.dict_find(d, needle, h)?.is_some())
            }
            Value::Set(s) => {
                if let Some(r) = set_contains_simple(&s.borrow(), needle) {
                    return r;
                }
                let s = s.borrow().clone();
                self.set_contains(&s, needle)
            }
            Value::FrozenSet(s) => {
                if let Some(r) = set_contains_simple(s, needle) {
                    return r;
                }
                let s = s.clone();
                self.set_contains(&s, needle)
            }
            Value::Range(r) => match needle {
                Value::Int(i) => {
                    let i = *i;
                    Ok(if r.step > 0 {
                        i >= r.start && i < r.stop && (i - r.start) % r.step == 0
                    } else {
                        i <= r.start && i > r.stop && (r.start - i) % (-r.step) == 0
                    })
                }
                Value::Bool(b) => self.contains(container, &Value::Int(*b as i64)),
                _ => {
                    let items = self.collect(container)?;
                    for it in &items {
                        if self.eq(it, needle)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
            },
            Value::Instance(i) => {
                if let Some(m) = i.class.lookup("__contains__") {
                    let r = self.call(&m, Args::new([container.clone(), needle.clone()]))?;
                    return self.truthy(&r);
                }
                if let Some(base) = i.base.borrow().clone() {
                    return self.contains(&base, needle);
                }
                self.contains_by_iter(container, needle)
            }
            Value::Native(n) => {
                if let Some(m) = n.class.lookup("__contains__") {
                    let r = self.call(&m, Args::new([container.clone(), needle.clone()]))?;
                    return self.truthy(&r);
                }
                self.contains_by_iter(container, needle)
            }
            Value::Iterator(_) | Value::Generator(_) => self.contains_by_iter(container, needle),
            Value::Class(c) if crate::stdlib::r#enum::is_enum_class(c) => {
                let c = c.clone();
                crate::stdlib::r#enum::class_contains(self, &c, needle)
            }
            _ => Err(PyErr::type_error(format!(
                "argument of type '{}' is not iterable",
                container.type_name()
            ))),
        }
    }

    fn contains_by_iter(&mut self, container: &Value, needle: &Value) -> PyResult<bool> {
        let it = self.iter(container)?;
        while let Some(v) = self.next(&it)? {
            self.tick()?;
            if v.is(needle) || self.eq(&v, needle)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    // ----- dicts -----

    /// Position of `key` in `d`, calling back into Python for keys that need it.
    #[inline]
    fn dict_find(&mut self, d: &Rc<RefCell<PyDict>>, key: &Value, hash: u64) -> PyResult<Option<usize>> {
        // The commonest key: a str, compared by pointer first, then by text.
        if let Value::Str(ks) = key {
            let mut needs_vm = false;
            let found = d.borrow().find(hash, |k| match k {
                Value::Str(s) => Rc::ptr_eq(s, ks) || s.as_str() == ks.as_str(),
                Value::Instance(_) | Value::Native(_) => {
                    needs_vm = true;
                    false
                }
                _ => false,
            });
            if found.is_some() || !needs_vm {
                return Ok(found);
            }
            return self.dict_find_slow(d, key, hash);
        }
        self.dict_find_slow(d, key, hash)
    }

    #[inline(never)]
    fn dict_find_slow(&mut self, d: &Rc<RefCell<PyDict>>, key: &Value, hash: u64) -> PyResult<Option<usize>> {
        let mut needs_vm = false;
        let found = d.borrow().find(hash, |k| match eq_simple(k, key) {
            Some(r) => r,
            None => {
                needs_vm = true;
                false
            }
        });
        if found.is_some() || !needs_vm {
            return Ok(found);
        }
        let cands = d.borrow().candidates(hash);
        for pos in cands {
            let k = match d.borrow().entry(pos) {
                Some(e) => e.key.clone(),
                None => continue,
            };
            if k.is(key) || self.eq(&k, key)? {
                return Ok(Some(pos));
            }
        }
        Ok(None)
    }

    pub fn dict_get(&mut self, d: &Rc<RefCell<PyDict>>, key: &Value) -> PyResult<Option<Value>> {
        let h = self.hash(key)?;
        let pos = self.dict_find(d, key, h)?;
        Ok(pos.and_then(|p| d.borrow().entry(p).map(|e| e.value.clone())))
    }

    pub fn dict_set(&mut self, d: &Rc<RefCell<PyDict>>, key: Value, v: Value) -> PyResult<()> {
        let h = self.hash(&key)?;
        match self.dict_find(d, &key, h)? {
            Some(p) => {
                if let Some(slot) = d.borrow_mut().value_at_mut(p) {
                    *slot = v;
                }
            }
            None => {
                let n = d.borrow().len();
                if n & 0xfff == 0xfff {
                    self.check_alloc(n as u128 * 48)?;
                }
                d.borrow_mut().push_new(h, key, v);
            }
        }
        Ok(())
    }

    pub fn dict_remove(&mut self, d: &Rc<RefCell<PyDict>>, key: &Value) -> PyResult<Option<Value>> {
        let h = self.hash(key)?;
        match self.dict_find(d, key, h)? {
            Some(p) => Ok(d.borrow_mut().remove_at(p).map(|e| e.value)),
            None => Ok(None),
        }
    }

    /// `d.update(m)` / `{**m}`; with `merge`, duplicate keys are an error (`f(**m)`).
    pub fn dict_update_from(&mut self, d: &Rc<RefCell<PyDict>>, m: &Value, merge: bool) -> PyResult<()> {
        let pairs: Vec<(Value, Value)> = match m {
            Value::Dict(src) => src.borrow().iter().map(|e| (e.key.clone(), e.value.clone())).collect(),
            Value::Instance(i) if i.base.borrow().as_ref().is_some_and(|b| matches!(b, Value::Dict(_))) && i.class.lookup("keys").is_none_or(|k| matches!(k, Value::Builtin(_))) => {
                let base = i.base.borrow().clone().expect("checked just above");
                return self.dict_update_from(d, &base, merge);
            }
            _ => {
                let keys_fn = self.getattr(m, "keys").map_err(|_| {
                    PyErr::type_error(format!("'{}' object is not a mapping", m.type_name()))
                })?;
                let keys = self.call0(&keys_fn)?;
                let keys = self.collect(&keys)?;
                let mut out = Vec::new();
                for k in keys {
                    let v = self.getitem(m, &k)?;
                    out.push((k, v));
                }
                out
            }
        };
        for (k, v) in pairs {
            if merge && self.dict_get(d, &k)?.is_some() {
                let name = match &k {
                    Value::Str(s) => s.as_str().to_owned(),
                    _ => String::new(),
                };
                return Err(PyErr::type_error(format!("got multiple values for keyword argument '{name}'")));
            }
            self.dict_set(d, k, v)?;
        }
        Ok(())
    }

    // ----- sets -----

    pub fn set_add(&mut self, s: &mut PySet, v: Value) -> PyResult<()> {
        let h = self.hash(&v)?;
        let probe = s.probe(h, |k| match eq_simple(k, &v) {
            Some(r) => Ok(r),
            None => Err(()),
        });
        let probe = match probe {
            Ok(p) => p,
            Err(()) => {
                let snapshot = s.clone();
                let mut err = None;
                let p = snapshot.probe(h, |k| {
                    if err.is_some() {
                        return Ok::<bool, ()>(false);
                    }
                    match self.eq(k, &v) {
                        Ok(b) => Ok(b),
                        Err(e) => {
                            err = Some(e);
                            Ok(false)
                        }
                    }
                });
                if let Some(e) = err {
                    return Err(e);
                }
                p.unwrap_or(set::Probe::Found(0))
            }
        };
        if let set::Probe::Vacant(slot) = probe {
            s.insert_at(slot, h, v);
        }
        Ok(())
    }

    pub fn set_find(&mut self, s: &PySet, v: &Value) -> PyResult<Option<usize>> {
        let h = self.hash(v)?;
        let mut err = None;
        let p = s.probe(h, |k| {
            if err.is_some() {
                return Ok::<bool, ()>(false);
            }
            match eq_simple(k, v) {
                Some(r) => Ok(r),
                None => match self.eq(k, v) {
                    Ok(b) => Ok(b),
                    Err(e) => {
                        err = Some(e);
                        Ok(false)
                    }
                },
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        Ok(match p {
            Ok(set::Probe::Found(slot)) => Some(slot),
            _ => None,
        })
    }

    pub fn set_contains(&mut self, s: &PySet, v: &Value) -> PyResult<bool> {
        match v {
            Value::Set(inner) => {
                let fs = Value::FrozenSet(Rc::new(inner.borrow().clone()));
                Ok(self.set_find(s, &fs)?.is_some())
            }
            _ => Ok(self.set_find(s, v)?.is_some()),
        }
    }

    pub fn set_items(&self, v: &Value) -> Vec<Value> {
        match v {
            Value::Set(s) => s.borrow().snapshot(),
            Value::FrozenSet(s) => s.snapshot(),
            _ => Vec::new(),
        }
    }

    pub fn make_set(&mut self, items: impl IntoIterator<Item = Value>) -> PyResult<PySet> {
        let mut s = PySet::new();
        for v in items {
            self.set_add(&mut s, v)?;
        }
        Ok(s)
    }

    /// Set operators; the algorithms (and so the result's iteration order) are
    /// setobject.c's, kept with the set methods.
    pub(crate) fn set_binary(&mut self, a: &Value, b: &Value, op: BinOp) -> PyResult<Value> {
        crate::builtins::set_methods::set_binary(self, a, b, op)
    }

    // ----- unpacking and match support -----

    /// Items for `a, b = v` (`after = None`) or `a, *b, c = v` (`n` before the star).
    /// A small vector: `a, b = pair` is the common case and should not allocate.
    pub fn unpack(&mut self, v: &Value, n: usize, after: Option<usize>) -> PyResult<SmallVec<[Value; 4]>> {
        if after.is_none() {
            // Exact-length tuples and lists: straight copies, no intermediate vector.
            match v {
                Value::Tuple(t) if t.len() == n => return Ok(t.iter().cloned().collect()),
                Value::List(l) if l.borrow().len() == n => return Ok(l.borrow().iter().cloned().collect()),
                _ => {}
            }
        }
        let items = match v {
            Value::Tuple(t) => t.to_vec(),
            Value::List(l) => l.borrow().clone(),
            _ => {
                if self.iter(v).is_err() {
                    return Err(PyErr::type_error(format!(
                        "cannot unpack non-iterable {} object",
                        v.type_name()
                    )));
                }
                if after.is_none() {
                    // Stop after one too many, as CPython does (infinite iterators).
                    let it = self.iter(v)?;
                    let mut out = Vec::new();
                    while let Some(x) = self.next(&it)? {
                        out.push(x);
                        if out.len() > n {
                            return Err(PyErr::value_error(format!("too many values to unpack (expected {n})")));
                        }
                    }
                    out
                } else {
                    self.collect(v)?
                }
            }
        };
        match after {
            None => {
                if items.len() != n {
                    if items.len() > n {
                        return Err(PyErr::value_error(format!("too many values to unpack (expected {n})")));
                    }
                    return Err(PyErr::value_error(format!(
                        "not enough values to unpack (expected {n}, got {})",
                        items.len()
                    )));
                }
                Ok(items.into())
            }
            Some(after) => {
                if items.len() < n + after {
                    return Err(PyErr::value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        n + after,
                        items.len()
                    )));
                }
                let mut out = SmallVec::with_capacity(n + after + 1);
                out.extend(items[..n].iter().cloned());
                out.push(Value::list(items[n..items.len() - after].to_vec()));
                out.extend(items[items.len() - after..].iter().cloned());
                Ok(out)
            }
        }
    }

    pub(crate) fn is_mapping(&self, v: &Value) -> bool {
        match v {
            Value::Dict(_) => true,
            Value::Instance(i) => matches!(&*i.base.borrow(), Some(Value::Dict(_))) || i.class.lookup("keys").is_some() && i.class.lookup("__getitem__").is_some(),
            _ => false,
        }
    }

    pub(crate) fn is_match_sequence(&self, v: &Value) -> bool {
        match v {
            Value::List(_) | Value::Tuple(_) | Value::Range(_) => true,
            Value::Instance(i) => matches!(&*i.base.borrow(), Some(Value::List(_) | Value::Tuple(_))),
            Value::Native(n) => &*n.class.name == "deque",
            _ => false,
        }
    }

    pub(crate) fn match_keys(&mut self, subject: &Value, keys: &Value) -> PyResult<Value> {
        let Value::Tuple(keys) = keys else { return Ok(Value::None) };
        let mut out = Vec::new();
        for k in keys.iter() {
            let got = match subject {
                Value::Dict(d) => self.dict_get(d, k)?,
                _ => match self.getitem(subject, k) {
                    Ok(v) => Some(v),
                    Err(e) if self.err_is(&e, ExcKind::KeyError) => None,
                    Err(e) => return Err(e),
                },
            };
            match got {
                Some(v) => out.push(v),
                None => return Ok(Value::None),
            }
        }
        Ok(Value::tuple(out))
    }

    pub(crate) fn copy_dict_without(&mut self, m: &Value, keys: &Value) -> PyResult<Value> {
        let d = Rc::new(RefCell::new(PyDict::new()));
        self.dict_update_from(&d, m, false)?;
        if let Value::Tuple(keys) = keys {
            for k in keys.iter() {
                self.dict_remove(&d, k)?;
            }
        }
        Ok(Value::Dict(d))
    }

    pub(crate) fn match_class(&mut self, subject: &Value, cls: &Value, npos: usize, names: &Value) -> PyResult<Value> {
        let Value::Class(c) = cls else {
            return Err(PyErr::type_error("called match pattern must be a class"));
        };
        if !self.isinstance(subject, c) {
            return Ok(Value::None);
        }
        let mut out = Vec::new();
        if npos > 0 {
            let self_match = !c.is_user
                && matches!(c.tag, TypeTag::Int | TypeTag::Float | TypeTag::Str | TypeTag::Bool | TypeTag::List | TypeTag::Tuple | TypeTag::Dict | TypeTag::Set | TypeTag::FrozenSet | TypeTag::Bytes | TypeTag::ByteArray);
            if self_match {
                if npos > 1 {
                    return Err(PyErr::type_error(format!(
                        "{}() accepts 1 positional sub-pattern ({npos} given)",
                        c.name
                    )));
                }
                out.push(subject.clone());
            } else {
                let args = match c.lookup("__match_args__") {
                    Some(Value::Tuple(t)) => t.to_vec(),
                    Some(Value::List(l)) => l.borrow().clone(),
                    _ => Vec::new(),
                };
                if npos > args.len() {
                    return Err(PyErr::type_error(format!(
                        "{}() accepts {} positional sub-pattern{} ({npos} given)",
                        c.name,
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    )));
                }
                for a in &args[..npos] {
                    let Value::Str(name) = a else { return Ok(Value::None) };
                    match self.getattr(subject, name.as_str()) {
                        Ok(v) => out.push(v),
                        Err(e) if self.err_is(&e, ExcKind::AttributeError) => return Ok(Value::None),
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        if let Value::Tuple(names) = names {
            for n in names.iter() {
                let Value::Str(name) = n else { continue };
                match self.getattr(subject, name.as_str()) {
                    Ok(v) => out.push(v),
                    Err(e) if self.err_is(&e, ExcKind::AttributeError) => return Ok(Value::None),
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(Value::tuple(out))
    }
}

fn dict_step(dict: &Rc<RefCell<PyDict>>, index: &mut usize, len: &mut usize, left: &mut usize, kind: u8) -> PyResult<Option<Value>> {
    dict_advance(dict, index, len, left, |e| match kind {
        0 => e.key.clone(),
        1 => e.value.clone(),
        _ => Value::tuple(vec![e.key.clone(), e.value.clone()]),
    })
}

/// One step of a dict iterator: `take` of the next entry, or CPython's errors when
/// the dict changed size since the iterator was made, or kept its size but has more
/// entries ahead than it had (keys deleted and others added); then it stays broken.
#[inline(always)]
fn dict_advance<R>(
    dict: &Rc<RefCell<PyDict>>,
    index: &mut usize,
    len: &mut usize,
    left: &mut usize,
    take: impl FnOnce(&crate::values::dict::Entry) -> R,
) -> PyResult<Option<R>> {
    if *left == usize::MAX {
        return Ok(None);
    }
    let d = dict.borrow();
    if d.len() != *len {
        *len = usize::MAX;
        return Err(PyErr::runtime_error("dictionary changed size during iteration"));
    }
    match d.next_from(*index) {
        None => Ok(None),
        Some(_) if *left == 0 => {
            // CPython drops the dict here: the iterator is exhausted from now on
            // (`left` can never be this high otherwise).
            *left = usize::MAX;
            Err(PyErr::runtime_error("dictionary keys changed during iteration"))
        }
        Some((pos, e)) => {
            *index = pos + 1;
            *left -= 1;
            Ok(Some(take(e)))
        }
    }
}

/// One step of an iterator over a built-in container (list, tuple, str, bytes,
/// range, dict views, set): `None` for the kinds that may call back into Python.
#[inline(always)]
fn step_simple(it: &mut NativeIter) -> Option<PyResult<Option<Value>>> {
    Some(Ok(match it {
        NativeIter::Seq { seq, index } => {
            let v = match seq {
                Value::List(l) => l.borrow().get(*index).map(Value::clone_inline),
                Value::Tuple(t) => t.get(*index).map(Value::clone_inline),
                Value::Bytes(b) => b.get(*index).map(|&x| Value::Int(x as i64)),
                Value::ByteArray(b) => b.borrow().get(*index).map(|&x| Value::Int(x as i64)),
                _ => None,
            };
            *index += 1;
            v
        }
        NativeIter::Range { next, stop, step } => {
            if (*step > 0 && *next < *stop) || (*step < 0 && *next > *stop) {
                let v = *next;
                *next = next.saturating_add(*step);
                if *next == v {
                    *next = *stop;
                }
                Some(Value::Int(v))
            } else {
                None
            }
        }
        NativeIter::Str { s, byte } => {
            let rest = &s.as_str()[*byte..];
            match rest.chars().next() {
                Some(c) => {
                    *byte += c.len_utf8();
                    let mut buf = [0u8; 4];
                    Some(Value::str(c.encode_utf8(&mut buf)))
                }
                None => None,
            }
        }
        NativeIter::DictKeys { dict, index, len, left } => return Some(dict_step(dict, index, len, left, 0)),
        NativeIter::DictValues { dict, index, len, left } => return Some(dict_step(dict, index, len, left, 1)),
        NativeIter::DictItems { dict, index, len, left } => return Some(dict_step(dict, index, len, left, 2)),
        NativeIter::Set { items, index, set, len } => {
            if let Some(s) = set {
                if s.borrow().len() != *len {
                    return Some(Err(PyErr::runtime_error("Set changed size during iteration")));
                }
            }
            let v = items.get(*index).cloned();
            *index += 1;
            v
        }
        NativeIter::Exhausted => None,
        _ => return None,
    }))
}

fn is_simple_kind(it: &NativeIter) -> bool {
    matches!(
        it,
        NativeIter::Seq { .. }
            | NativeIter::Range { .. }
            | NativeIter::Str { .. }
            | NativeIter::DictKeys { .. }
            | NativeIter::DictValues { .. }
            | NativeIter::DictItems { .. }
            | NativeIter::Set { .. }
            | NativeIter::Exhausted
    )
}

fn inner_is_simple(v: &Value) -> bool {
    match v {
        Value::Iterator(i) => i.try_borrow().is_ok_and(|g| is_simple_kind(&g)),
        _ => false,
    }
}

/// `step_simple` on an inner iterator value, `None` if it is not a simple one (or
/// is busy: the caller's general path then reports that).
#[inline]
fn step_inner_simple(v: &Value) -> Option<PyResult<Option<Value>>> {
    match v {
        Value::Iterator(i) => step_simple(&mut *i.try_borrow_mut().ok()?),
        _ => None,
    }
}

/// `needle in s` without callbacks: `None` when the needle (or a colliding key)
/// needs Python's `__hash__`/`__eq__`, or is a set (looked up as a frozenset).
#[inline]
fn set_contains_simple(s: &PySet, needle: &Value) -> Option<PyResult<bool>> {
    if matches!(needle, Value::Set(_)) {
        return None;
    }
    let h = match crate::values::hash::hash_simple(needle)? {
        Ok(h) => h,
        Err(e) => return Some(Err(e)),
    };
    match s.probe(h, |k| eq_simple(k, needle).ok_or(())) {
        Ok(set::Probe::Found(_)) => Some(Ok(true)),
        Ok(set::Probe::Vacant(_)) => Some(Ok(false)),
        Err(()) => None,
    }
}

/// A slice whose bounds are ints or None: computing its indices calls nothing back.
fn plain_slice(s: &Slice) -> bool {
    [&s.start, &s.stop, &s.step].iter().all(|v| matches!(v, Value::None | Value::Int(_)))
}

/// The positions of a clamped slice with `step != 1` (as `slice_positions`).
fn stepped_positions(start: i64, stop: i64, step: i64) -> impl Iterator<Item = usize> {
    let n = if step > 0 {
        if stop > start { (stop - start - 1) / step + 1 } else { 0 }
    } else if start > stop {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    (0..n).map(move |k| (start + k * step) as usize)
}

#[cold]
fn already_executing() -> PyErr {
    PyErr::value_error("generator already executing")
}

/// Whether `iter(v)` has a way to iterate `v` (it may still fail inside `__iter__`).
pub fn has_iter(v: &Value) -> bool {
    match v {
        Value::List(_)
        | Value::Tuple(_)
        | Value::Bytes(_)
        | Value::ByteArray(_)
        | Value::Str(_)
        | Value::Range(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::FrozenSet(_)
        | Value::Iterator(_)
        | Value::Generator(_) => true,
        Value::Instance(i) => {
            i.class.lookup("__iter__").is_some()
                || i.class.lookup("__getitem__").is_some()
                || i.base.borrow().as_ref().is_some_and(has_iter)
        }
        Value::Native(n) => n.class.lookup("__iter__").is_some(),
        Value::Class(c) => crate::stdlib::r#enum::class_members(c).is_some(),
        _ => false,
    }
}

#[cold]
pub fn not_iterable(v: &Value) -> PyErr {
    PyErr::type_error(format!("'{}' object is not iterable", v.type_name()))
}

#[cold]
fn not_subscriptable(v: &Value) -> PyErr {
    PyErr::type_error(format!("'{}' object is not subscriptable", v.type_name()))
}

#[cold]
fn no_item_assignment(v: &Value) -> PyErr {
    PyErr::type_error(format!("'{}' object does not support item assignment", v.type_name()))
}
