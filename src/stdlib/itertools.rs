//! `itertools`: every iterator lazy (a `DynIterator`), each produced item counted with
//! `vm.tick()` so endless ones (`count`, `cycle`, `repeat`) stop at the step budget.
//! Orders and messages follow CPython 3.11's C implementation. Must never hold a
//! borrow across a call back into Python, nor pre-allocate from a user-given size.

use std::cell::RefCell;
use std::rc::Rc;

use super::support::*;
use crate::syntax::ast::BinOp;
use crate::values::*;
use crate::vm::Vm;

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let mut attrs = Attrs::default();
    add_fns(
        &mut attrs,
        &[
            ("count", count),
            ("cycle", cycle),
            ("repeat", repeat),
            ("accumulate", accumulate),
            ("compress", compress),
            ("dropwhile", dropwhile),
            ("takewhile", takewhile),
            ("filterfalse", filterfalse),
            ("groupby", groupby),
            ("islice", islice),
            ("pairwise", pairwise),
            ("starmap", starmap),
            ("tee", tee),
            ("zip_longest", zip_longest),
            ("product", product),
            ("permutations", permutations),
            ("combinations", combinations),
            ("combinations_with_replacement", combinations_with_replacement),
        ],
    );
    // `chain` is a class so that `chain.from_iterable` exists.
    let chain = new_class(
        vm,
        "chain",
        "itertools",
        vec![],
        &[],
        vec![
            ("__new__", static_method("chain", "__new__", chain_new)),
            ("from_iterable", class_method("chain", "from_iterable", chain_from_iterable)),
        ],
    )?;
    attrs.insert("chain".into(), Value::Class(chain));
    Ok(super::support::module("itertools", attrs))
}

// ----- count, cycle, repeat -----

struct Count {
    cur: Value,
    step: Value,
}

impl DynIterator for Count {
    fn type_name(&self) -> &'static str {
        "itertools.count"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let v = self.cur.clone();
        self.cur = vm.binary_op(&v, &self.step, BinOp::Add)?;
        Ok(Some(v))
    }
}

fn is_number(vm: &Vm, v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) | Value::Float(_) => true,
        Value::Instance(_) | Value::Native(_) => {
            let _ = vm;
            vm.special(v, "__add__").is_some() || vm.special(v, "__index__").is_some()
        }
        _ => false,
    }
}

fn count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [start, step] = args.bind("count", ["start", "step"], 0, 0)?;
    let start = start.unwrap_or(Value::Int(0));
    let step = step.unwrap_or(Value::Int(1));
    if !is_number(vm, &start) || !is_number(vm, &step) {
        return Err(PyErr::type_error("a number is required"));
    }
    Ok(dyn_iter(Count { cur: start, step }))
}

struct Cycle {
    it: Option<Value>,
    saved: Vec<Value>,
    index: usize,
}

impl DynIterator for Cycle {
    fn type_name(&self) -> &'static str {
        "itertools.cycle"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if let Some(it) = self.it.clone() {
            match vm.next(&it)? {
                Some(v) => {
                    if self.saved.len() & 0xfff == 0xfff {
                        vm.check_alloc(self.saved.len() as u128 * 16)?;
                    }
                    self.saved.push(v.clone());
                    return Ok(Some(v));
                }
                None => self.it = None,
            }
        }
        if self.saved.is_empty() {
            return Ok(None);
        }
        let v = self.saved[self.index % self.saved.len()].clone();
        self.index = (self.index + 1) % self.saved.len();
        Ok(Some(v))
    }
}

fn cycle(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("cycle")?;
    let [iterable] = args.bind("cycle", ["iterable"], 1, 1)?;
    let iterable = iterable.unwrap_or(Value::None);
    let it = vm.iter(&iterable)?;
    Ok(dyn_iter(Cycle { it: Some(it), saved: Vec::new(), index: 0 }))
}

struct Repeat {
    obj: Value,
    remaining: Option<i64>,
}

impl DynIterator for Repeat {
    fn type_name(&self) -> &'static str {
        "itertools.repeat"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        match &mut self.remaining {
            Some(0) => Ok(None),
            Some(n) => {
                *n -= 1;
                Ok(Some(self.obj.clone()))
            }
            None => Ok(Some(self.obj.clone())),
        }
    }
}

fn repeat(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [obj, times] = args.bind("repeat", ["object", "times"], 0, 1)?;
    let remaining = match times {
        Some(t) => Some(vm.index_of(&t)?.max(0)),
        None => None,
    };
    Ok(dyn_iter(Repeat { obj: obj.unwrap_or(Value::None), remaining }))
}

// ----- accumulate, chain, compress, dropwhile, takewhile, filterfalse -----

struct Accumulate {
    it: Value,
    func: Option<Value>,
    total: Option<Value>,
    initial: Option<Value>,
}

impl DynIterator for Accumulate {
    fn type_name(&self) -> &'static str {
        "itertools.accumulate"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if let Some(init) = self.initial.take() {
            self.total = Some(init.clone());
            return Ok(Some(init));
        }
        let Some(v) = vm.next(&self.it)? else { return Ok(None) };
        let new = match self.total.take() {
            None => v,
            Some(t) => match &self.func {
                None => vm.binary_op(&t, &v, BinOp::Add)?,
                Some(f) => vm.call(f, Args::new([t, v]))?,
            },
        };
        self.total = Some(new.clone());
        Ok(Some(new))
    }
}

fn accumulate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [iterable, func, initial] = args.bind("accumulate", ["iterable", "func", "initial"], 0, 1)?;
    let it = vm.iter(&iterable.unwrap_or(Value::None))?;
    Ok(dyn_iter(Accumulate {
        it,
        func: func.filter(|f| !f.is_none()),
        total: None,
        initial: initial.filter(|i| !i.is_none()),
    }))
}

struct Chain {
    sources: Value,
    cur: Option<Value>,
}

impl DynIterator for Chain {
    fn type_name(&self) -> &'static str {
        "itertools.chain"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        loop {
            vm.tick()?;
            if let Some(cur) = self.cur.clone() {
                if let Some(v) = vm.next(&cur)? {
                    return Ok(Some(v));
                }
                self.cur = None;
            }
            match vm.next(&self.sources)? {
                Some(src) => self.cur = Some(vm.iter(&src)?),
                None => return Ok(None),
            }
        }
    }
}

fn chain_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.kw.is_empty() {
        return Err(PyErr::type_error("chain() takes no keyword arguments"));
    }
    let items: Vec<Value> = args.pos.into_iter().skip(1).collect();
    let sources = vm.iter(&Value::tuple(items))?;
    Ok(dyn_iter(Chain { sources, cur: None }))
}

fn chain_from_iterable(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_cls, iterable] = args.exact("from_iterable")?;
    let sources = vm.iter(&iterable)?;
    Ok(dyn_iter(Chain { sources, cur: None }))
}

struct Compress {
    data: Value,
    selectors: Value,
}

impl DynIterator for Compress {
    fn type_name(&self) -> &'static str {
        "itertools.compress"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        loop {
            vm.tick()?;
            let Some(d) = vm.next(&self.data)? else { return Ok(None) };
            let Some(s) = vm.next(&self.selectors)? else { return Ok(None) };
            if vm.truthy(&s)? {
                return Ok(Some(d));
            }
        }
    }
}

fn compress(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [data, selectors] = args.bind("compress", ["data", "selectors"], 0, 2)?;
    let data = vm.iter(&data.unwrap_or(Value::None))?;
    let selectors = vm.iter(&selectors.unwrap_or(Value::None))?;
    Ok(dyn_iter(Compress { data, selectors }))
}

struct DropWhile {
    pred: Value,
    it: Value,
    dropping: bool,
}

impl DynIterator for DropWhile {
    fn type_name(&self) -> &'static str {
        "itertools.dropwhile"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        loop {
            vm.tick()?;
            let Some(v) = vm.next(&self.it)? else { return Ok(None) };
            if !self.dropping {
                return Ok(Some(v));
            }
            let r = vm.call1(&self.pred, v.clone())?;
            if !vm.truthy(&r)? {
                self.dropping = false;
                return Ok(Some(v));
            }
        }
    }
}

fn dropwhile(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [pred, iterable] = args.exact("dropwhile")?;
    let it = vm.iter(&iterable)?;
    Ok(dyn_iter(DropWhile { pred, it, dropping: true }))
}

struct TakeWhile {
    pred: Value,
    it: Value,
    done: bool,
}

impl DynIterator for TakeWhile {
    fn type_name(&self) -> &'static str {
        "itertools.takewhile"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if self.done {
            return Ok(None);
        }
        let Some(v) = vm.next(&self.it)? else { return Ok(None) };
        let r = vm.call1(&self.pred, v.clone())?;
        if vm.truthy(&r)? {
            return Ok(Some(v));
        }
        self.done = true;
        Ok(None)
    }
}

fn takewhile(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [pred, iterable] = args.exact("takewhile")?;
    let it = vm.iter(&iterable)?;
    Ok(dyn_iter(TakeWhile { pred, it, done: false }))
}

fn filterfalse(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [func, iterable] = args.exact("filterfalse")?;
    let inner = vm.iter(&iterable)?;
    Ok(Value::Iterator(Rc::new(RefCell::new(NativeIter::Filter { func, inner, keep_true: false }))))
}

// ----- groupby -----

/// State shared by a groupby object and its groups: groups read from the same
/// underlying iterator, and a group is over once the groupby has moved on.
struct GroupState {
    it: Value,
    key: Option<Value>,
    tgtkey: Option<Value>,
    currkey: Option<Value>,
    currvalue: Option<Value>,
    /// Which group is current (`_grouper` objects compare with this).
    current: u64,
    next_id: u64,
}

type Shared = Rc<RefCell<GroupState>>;

/// One step of the underlying iterator; `false` at its end.
fn group_step(vm: &mut Vm, st: &Shared) -> PyResult<bool> {
    let (it, key) = {
        let s = st.borrow();
        (s.it.clone(), s.key.clone())
    };
    let Some(v) = vm.next(&it)? else { return Ok(false) };
    let k = match &key {
        Some(f) => vm.call1(f, v.clone())?,
        None => v.clone(),
    };
    let mut s = st.borrow_mut();
    s.currvalue = Some(v);
    s.currkey = Some(k);
    Ok(true)
}

struct GroupBy {
    st: Shared,
}

impl DynIterator for GroupBy {
    fn type_name(&self) -> &'static str {
        "itertools.groupby"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        self.st.borrow_mut().current = 0;
        loop {
            vm.tick()?;
            let (tgt, cur) = {
                let s = self.st.borrow();
                (s.tgtkey.clone(), s.currkey.clone())
            };
            match (tgt, cur) {
                (_, None) => {}
                (None, Some(_)) => break,
                (Some(t), Some(c)) => {
                    if !vm.eq(&t, &c)? {
                        break;
                    }
                }
            }
            if !group_step(vm, &self.st)? {
                return Ok(None);
            }
        }
        let mut s = self.st.borrow_mut();
        let key = s.currkey.clone().unwrap_or(Value::None);
        s.tgtkey = Some(key.clone());
        s.next_id += 1;
        let id = s.next_id;
        s.current = id;
        drop(s);
        let grouper = dyn_iter(Grouper { st: self.st.clone(), id, tgtkey: key.clone() });
        Ok(Some(Value::tuple(vec![key, grouper])))
    }
}

struct Grouper {
    st: Shared,
    id: u64,
    tgtkey: Value,
}

impl DynIterator for Grouper {
    fn type_name(&self) -> &'static str {
        "itertools._grouper"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if self.st.borrow().current != self.id {
            return Ok(None);
        }
        if self.st.borrow().currvalue.is_none() && !group_step(vm, &self.st)? {
            return Ok(None);
        }
        let cur = self.st.borrow().currkey.clone().unwrap_or(Value::None);
        if !vm.eq(&self.tgtkey, &cur)? {
            return Ok(None);
        }
        Ok(self.st.borrow_mut().currvalue.take())
    }
}

fn groupby(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [iterable, key] = args.bind("groupby", ["iterable", "key"], 0, 1)?;
    let it = vm.iter(&iterable.unwrap_or(Value::None))?;
    let st = GroupState {
        it,
        key: key.filter(|k| !k.is_none()),
        tgtkey: None,
        currkey: None,
        currvalue: None,
        current: 0,
        next_id: 0,
    };
    Ok(dyn_iter(GroupBy { st: Rc::new(RefCell::new(st)) }))
}

// ----- islice, pairwise, starmap -----

struct ISlice {
    it: Value,
    next: i64,
    stop: Option<i64>,
    step: i64,
    cnt: i64,
}

impl DynIterator for ISlice {
    fn type_name(&self) -> &'static str {
        "itertools.islice"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        if self.stop.is_some_and(|s| self.cnt >= s) {
            return Ok(None);
        }
        while self.cnt < self.next {
            vm.tick()?;
            if vm.next(&self.it)?.is_none() {
                self.stop = Some(self.cnt);
                return Ok(None);
            }
            self.cnt += 1;
        }
        if self.stop.is_some_and(|s| self.cnt >= s) {
            return Ok(None);
        }
        vm.tick()?;
        let Some(v) = vm.next(&self.it)? else {
            self.stop = Some(self.cnt);
            return Ok(None);
        };
        self.cnt += 1;
        let old = self.next;
        self.next = self.next.saturating_add(self.step);
        if self.next < old || self.stop.is_some_and(|s| self.next > s) {
            self.next = self.stop.unwrap_or(self.next);
        }
        Ok(Some(v))
    }
}

fn islice_arg(vm: &mut Vm, v: &Value, msg: &str) -> PyResult<Option<i64>> {
    match v {
        Value::None => Ok(None),
        Value::Int(_) | Value::Bool(_) | Value::Instance(_) => match vm.index_of(v) {
            Ok(i) if i >= 0 => Ok(Some(i)),
            _ => Err(PyErr::value_error(msg)),
        },
        Value::BigInt(b) if !num_traits::Signed::is_negative(&**b) => Ok(Some(i64::MAX)),
        _ => Err(PyErr::value_error(msg)),
    }
}

fn islice(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("islice")?;
    let n = args.pos.len();
    if !(2..=4).contains(&n) {
        return Err(PyErr::type_error(if n < 2 {
            format!("islice expected at least 2 arguments, got {n}")
        } else {
            format!("islice expected at most 4 arguments, got {n}")
        }));
    }
    let stop_msg = "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
    let idx_msg = "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
    let (start, stop, step) = if n == 2 {
        (0, islice_arg(vm, &args.pos[1], stop_msg)?, 1)
    } else {
        let start = islice_arg(vm, &args.pos[1], idx_msg)?.unwrap_or(0);
        let stop = islice_arg(vm, &args.pos[2], idx_msg)?;
        let step = match args.pos.get(3) {
            None | Some(Value::None) => 1,
            Some(s) => match islice_arg(vm, s, "Step for islice() must be a positive integer or None.") {
                Ok(Some(s)) if s > 0 => s,
                _ => return Err(PyErr::value_error("Step for islice() must be a positive integer or None.")),
            },
        };
        (start, stop, step)
    };
    let it = vm.iter(&args.pos[0])?;
    Ok(dyn_iter(ISlice { it, next: start, stop, step, cnt: 0 }))
}

struct Pairwise {
    it: Option<Value>,
    old: Option<Value>,
}

impl DynIterator for Pairwise {
    fn type_name(&self) -> &'static str {
        "itertools.pairwise"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let Some(it) = self.it.clone() else { return Ok(None) };
        let old = match self.old.take() {
            Some(o) => o,
            None => match vm.next(&it)? {
                Some(v) => v,
                None => {
                    self.it = None;
                    return Ok(None);
                }
            },
        };
        match vm.next(&it)? {
            Some(new) => {
                self.old = Some(new.clone());
                Ok(Some(Value::tuple(vec![old, new])))
            }
            None => {
                self.it = None;
                Ok(None)
            }
        }
    }
}

fn pairwise(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [iterable] = args.exact("pairwise")?;
    let it = vm.iter(&iterable)?;
    Ok(dyn_iter(Pairwise { it: Some(it), old: None }))
}

struct StarMap {
    func: Value,
    it: Value,
}

impl DynIterator for StarMap {
    fn type_name(&self) -> &'static str {
        "itertools.starmap"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let Some(v) = vm.next(&self.it)? else { return Ok(None) };
        // CPython's starmap takes any iterable item (PySequence_Tuple) and lets its error through.
        let a = vm.collect(&v)?;
        vm.call(&self.func, Args::new(a)).map(Some)
    }
}

fn starmap(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [func, iterable] = args.exact("starmap")?;
    let it = vm.iter(&iterable)?;
    Ok(dyn_iter(StarMap { func, it }))
}

// ----- tee -----

struct TeeData {
    it: Value,
    /// Items fetched but not yet read by every tee; `base` is the index of the first.
    buf: std::collections::VecDeque<Value>,
    base: usize,
    /// Read position of each tee (for trimming the buffer).
    positions: Vec<usize>,
}

struct Tee {
    data: Rc<RefCell<TeeData>>,
    slot: usize,
}

impl DynIterator for Tee {
    fn type_name(&self) -> &'static str {
        "itertools._tee"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let (pos, base, len, it) = {
            let d = self.data.borrow();
            (d.positions[self.slot], d.base, d.buf.len(), d.it.clone())
        };
        let v = if pos < base + len {
            self.data.borrow().buf.get(pos - base).cloned()
        } else {
            match vm.next(&it)? {
                Some(v) => {
                    let mut d = self.data.borrow_mut();
                    if d.buf.len() & 0xfff == 0xfff {
                        vm.check_alloc(d.buf.len() as u128 * 16)?;
                    }
                    d.buf.push_back(v.clone());
                    Some(v)
                }
                None => None,
            }
        };
        if v.is_some() {
            let mut d = self.data.borrow_mut();
            d.positions[self.slot] = pos + 1;
            let min = d.positions.iter().copied().min().unwrap_or(0);
            while d.base < min && !d.buf.is_empty() {
                d.buf.pop_front();
                d.base += 1;
            }
        }
        Ok(v)
    }
}

fn tee(vm: &mut Vm, args: Args) -> PyResult<Value> {
    args.no_kwargs("tee")?;
    if args.pos.is_empty() || args.pos.len() > 2 {
        return Err(PyErr::type_error(format!("tee expected at most 2 arguments, got {}", args.pos.len())));
    }
    let n = match args.pos.get(1) {
        Some(v) => vm.index_of(v)?,
        None => 2,
    };
    if n < 0 {
        return Err(PyErr::value_error("n must be >= 0"));
    }
    vm.check_alloc(n as u128 * 64)?;
    let it = vm.iter(&args.pos[0])?;
    let n = n as usize;
    let data = Rc::new(RefCell::new(TeeData { it, buf: Default::default(), base: 0, positions: vec![0; n] }));
    let tees: Vec<Value> = (0..n).map(|slot| dyn_iter(Tee { data: data.clone(), slot })).collect();
    Ok(Value::tuple(tees))
}

// ----- zip_longest -----

struct ZipLongest {
    iters: Vec<Option<Value>>,
    active: usize,
    fill: Value,
}

impl DynIterator for ZipLongest {
    fn type_name(&self) -> &'static str {
        "itertools.zip_longest"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if self.iters.is_empty() || self.active == 0 {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(self.iters.len());
        for i in 0..self.iters.len() {
            let v = match self.iters[i].clone() {
                None => self.fill.clone(),
                Some(it) => match vm.next(&it)? {
                    Some(v) => v,
                    None => {
                        self.iters[i] = None;
                        self.active -= 1;
                        if self.active == 0 {
                            return Ok(None);
                        }
                        self.fill.clone()
                    }
                },
            };
            out.push(v);
        }
        Ok(Some(Value::tuple(out)))
    }
}

fn zip_longest(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let fill = take_kw(&mut args, "fillvalue").unwrap_or(Value::None);
    if !args.kw.is_empty() {
        // CPython 3.11's itertoolsmodule.c words it without the name.
        return Err(PyErr::type_error("zip_longest() got an unexpected keyword argument"));
    }
    let mut iters = Vec::new();
    for a in args.pos.iter() {
        iters.push(Some(vm.iter(a)?));
    }
    let active = iters.len();
    Ok(dyn_iter(ZipLongest { iters, active, fill }))
}

// ----- combinatorics: pools are read eagerly (as CPython), results lazily -----

struct Product {
    pools: Vec<Vec<Value>>,
    indices: Vec<usize>,
    started: bool,
    done: bool,
}

impl DynIterator for Product {
    fn type_name(&self) -> &'static str {
        "itertools.product"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            if self.pools.iter().any(|p| p.is_empty()) {
                self.done = true;
                return Ok(None);
            }
        } else {
            // Advance the rightmost index that can move, resetting those after it.
            let mut i = self.pools.len();
            loop {
                if i == 0 {
                    self.done = true;
                    return Ok(None);
                }
                i -= 1;
                self.indices[i] += 1;
                if self.indices[i] < self.pools[i].len() {
                    break;
                }
                self.indices[i] = 0;
            }
        }
        let out: Vec<Value> = self.indices.iter().zip(&self.pools).map(|(&i, p)| p[i].clone()).collect();
        Ok(Some(Value::tuple(out)))
    }
}

fn product(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let rep = match take_kw(&mut args, "repeat") {
        Some(r) => vm.index_of(&r)?,
        None => 1,
    };
    if let Some((k, _)) = args.kw.first() {
        return Err(PyErr::type_error(format!("product() got an unexpected keyword argument '{k}'")));
    }
    if rep < 0 {
        return Err(PyErr::value_error("repeat argument cannot be negative"));
    }
    let mut base = Vec::new();
    for a in args.pos.iter() {
        base.push(vm.collect(a)?);
    }
    vm.check_alloc(base.len() as u128 * rep as u128 * 24)?;
    let mut pools = Vec::new();
    for _ in 0..rep {
        pools.extend(base.iter().cloned());
    }
    let n = pools.len();
    Ok(dyn_iter(Product { pools, indices: vec![0; n], started: false, done: false }))
}

struct Permutations {
    pool: Vec<Value>,
    r: usize,
    indices: Vec<usize>,
    cycles: Vec<usize>,
    started: bool,
    done: bool,
}

impl DynIterator for Permutations {
    fn type_name(&self) -> &'static str {
        "itertools.permutations"
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let (n, r) = (self.pool.len(), self.r);
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            if r > n {
                self.done = true;
                return Ok(None);
            }
        } else {
            if n == 0 {
                self.done = true;
                return Ok(None);
            }
            // CPython's algorithm (the itertools docs' rough equivalent).
            let mut i = r;
            loop {
                if i == 0 {
                    self.done = true;
                    return Ok(None);
                }
                i -= 1;
                self.cycles[i] -= 1;
                if self.cycles[i] == 0 {
                    let idx = self.indices.remove(i);
                    self.indices.push(idx);
                    self.cycles[i] = n - i;
                } else {
                    let j = self.cycles[i];
                    self.indices.swap(i, n - j);
                    break;
                }
            }
        }
        let out: Vec<Value> = self.indices[..r].iter().map(|&i| self.pool[i].clone()).collect();
        Ok(Some(Value::tuple(out)))
    }
}

fn permutations(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [iterable, r] = args.bind("permutations", ["iterable", "r"], 0, 1)?;
    let pool = vm.collect(&iterable.unwrap_or(Value::None))?;
    let n = pool.len();
    let r = match r.filter(|r| !r.is_none()) {
        Some(r) => {
            let r = match &r {
                Value::Int(_) | Value::Bool(_) => vm.index_of(&r)?,
                _ => return Err(PyErr::type_error("Expected int as r")),
            };
            if r < 0 {
                return Err(PyErr::value_error("r must be non-negative"));
            }
            r as usize
        }
        None => n,
    };
    let cycles = if r <= n { (0..r).map(|i| n - i).collect() } else { Vec::new() };
    Ok(dyn_iter(Permutations { indices: (0..n).collect(), cycles, pool, r, started: false, done: false }))
}

struct Combinations {
    pool: Vec<Value>,
    indices: Vec<usize>,
    started: bool,
    done: bool,
    with_replacement: bool,
}

impl DynIterator for Combinations {
    fn type_name(&self) -> &'static str {
        if self.with_replacement { "itertools.combinations_with_replacement" } else { "itertools.combinations" }
    }
    fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        vm.tick()?;
        let n = self.pool.len();
        let r = self.indices.len();
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            if (!self.with_replacement && r > n) || (self.with_replacement && n == 0 && r > 0) {
                self.done = true;
                return Ok(None);
            }
        } else if self.with_replacement {
            let mut i = r;
            loop {
                if i == 0 {
                    self.done = true;
                    return Ok(None);
                }
                i -= 1;
                if self.indices[i] != n - 1 {
                    break;
                }
            }
            let v = self.indices[i] + 1;
            for j in i..r {
                self.indices[j] = v;
            }
        } else {
            let mut i = r;
            loop {
                if i == 0 {
                    self.done = true;
                    return Ok(None);
                }
                i -= 1;
                if self.indices[i] != i + n - r {
                    break;
                }
            }
            self.indices[i] += 1;
            for j in i + 1..r {
                self.indices[j] = self.indices[j - 1] + 1;
            }
        }
        let out: Vec<Value> = self.indices.iter().map(|&i| self.pool[i].clone()).collect();
        Ok(Some(Value::tuple(out)))
    }
}

fn combinations_impl(vm: &mut Vm, args: Args, name: &str, with_replacement: bool) -> PyResult<Value> {
    let [iterable, r] = args.bind(name, ["iterable", "r"], 0, 2)?;
    let pool = vm.collect(&iterable.unwrap_or(Value::None))?;
    let r = vm.index_of(&r.unwrap_or(Value::None))?;
    if r < 0 {
        return Err(PyErr::value_error("r must be non-negative"));
    }
    let r = r as usize;
    if !with_replacement && r > pool.len() {
        return Ok(dyn_iter(Combinations { pool, indices: Vec::new(), started: true, done: true, with_replacement }));
    }
    vm.check_alloc(r as u128 * 8)?;
    let indices = if with_replacement { vec![0; r] } else { (0..r).collect() };
    Ok(dyn_iter(Combinations { pool, indices, started: false, done: false, with_replacement }))
}

fn combinations(vm: &mut Vm, args: Args) -> PyResult<Value> {
    combinations_impl(vm, args, "combinations", false)
}

fn combinations_with_replacement(vm: &mut Vm, args: Args) -> PyResult<Value> {
    combinations_impl(vm, args, "combinations_with_replacement", true)
}
