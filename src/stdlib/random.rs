//! `random`: CPython's Mersenne Twister (Modules/_randommodule.c) bit for bit, and
//! the algorithms of Lib/random.py on top of it, so seeded programs print exactly
//! what CPython prints. Must never read anything of the host but OS entropy for an
//! unseeded generator.

use std::collections::HashSet;
use std::rc::Rc;

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive};

use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

const N: usize = 624;
const M: usize = 397;

/// The generator state of one `Random` instance.
pub struct Mt {
    state: [u32; N],
    index: usize,
    gauss_next: Option<f64>,
}

impl Mt {
    fn new() -> Mt {
        let mut m = Mt { state: [0; N], index: N + 1, gauss_next: None };
        m.seed_os();
        m
    }

    fn init_genrand(&mut self, s: u32) {
        self.state[0] = s;
        for i in 1..N {
            let p = self.state[i - 1];
            self.state[i] = 1812433253u32.wrapping_mul(p ^ (p >> 30)).wrapping_add(i as u32);
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(19650218);
        let (mut i, mut j) = (1usize, 0usize);
        let mt = &mut self.state;
        let mut k = N.max(key.len());
        while k > 0 {
            let p = mt[i - 1];
            mt[i] = (mt[i] ^ (p ^ (p >> 30)).wrapping_mul(1664525)).wrapping_add(key[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
            k -= 1;
        }
        k = N - 1;
        while k > 0 {
            let p = mt[i - 1];
            mt[i] = (mt[i] ^ (p ^ (p >> 30)).wrapping_mul(1566083941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            k -= 1;
        }
        mt[0] = 0x8000_0000;
        self.index = N;
    }

    /// CPython's `random_seed` for an int: all bits of abs(n), 32 at a time.
    fn seed_big(&mut self, n: &BigInt) {
        let (_, digits) = n.abs().to_u32_digits();
        let key = if digits.is_empty() { vec![0u32] } else { digits };
        self.init_by_array(&key);
        self.gauss_next = None;
    }

    fn seed_os(&mut self) {
        // std's RandomState keys come from the OS entropy source.
        use std::hash::{BuildHasher, Hasher};
        let mut key = Vec::with_capacity(16);
        for i in 0..8u64 {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(i);
            if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
                h.write_u128(d.as_nanos());
            }
            let v = h.finish();
            key.push(v as u32);
            key.push((v >> 32) as u32);
        }
        self.init_by_array(&key);
        self.gauss_next = None;
    }

    fn genrand(&mut self) -> u32 {
        const MAG01: [u32; 2] = [0, 0x9908_b0df];
        if self.index >= N {
            let mt = &mut self.state;
            let mut kk = 0;
            while kk < N - M {
                let y = (mt[kk] & 0x8000_0000) | (mt[kk + 1] & 0x7fff_ffff);
                mt[kk] = mt[kk + M] ^ (y >> 1) ^ MAG01[(y & 1) as usize];
                kk += 1;
            }
            while kk < N - 1 {
                let y = (mt[kk] & 0x8000_0000) | (mt[kk + 1] & 0x7fff_ffff);
                mt[kk] = mt[kk + M - N] ^ (y >> 1) ^ MAG01[(y & 1) as usize];
                kk += 1;
            }
            let y = (mt[N - 1] & 0x8000_0000) | (mt[0] & 0x7fff_ffff);
            mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ MAG01[(y & 1) as usize];
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn random(&mut self) -> f64 {
        let a = (self.genrand() >> 5) as f64;
        let b = (self.genrand() >> 6) as f64;
        (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
    }

    /// getrandbits(k) for 0 < k <= 64.
    fn bits64(&mut self, k: u32) -> u64 {
        if k <= 32 {
            return (self.genrand() >> (32 - k)) as u64;
        }
        let lo = self.genrand() as u64;
        let hi = (self.genrand() >> (64 - k)) as u64;
        lo | (hi << 32)
    }

    fn bits_big(&mut self, k: u64) -> BigInt {
        if k <= 64 {
            return BigInt::from(if k == 0 { 0 } else { self.bits64(k as u32) });
        }
        let words = k.div_ceil(32) as usize;
        let mut out = Vec::with_capacity(words);
        let mut left = k;
        for _ in 0..words {
            let mut r = self.genrand();
            if left < 32 {
                r >>= 32 - left;
            }
            out.push(r);
            left = left.saturating_sub(32);
        }
        BigInt::from_slice(Sign::Plus, &out)
    }

    /// `_randbelow_with_getrandbits(n)` for 0 < n.
    fn below_u64(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = 64 - n.leading_zeros();
        let mut r = self.bits64(k);
        while r >= n {
            r = self.bits64(k);
        }
        r
    }

    fn below_big(&mut self, n: &BigInt) -> BigInt {
        if let Some(small) = n.to_u64() {
            return BigInt::from(self.below_u64(small));
        }
        let k = n.bits();
        let mut r = self.bits_big(k);
        while &r >= n {
            r = self.bits_big(k);
        }
        r
    }
}

fn rng(v: &Value) -> PyResult<std::cell::RefMut<'_, Mt>> {
    native_ref::<Mt>(v).ok_or_else(|| PyErr::type_error("descriptor requires a 'random.Random' object"))
}

/// Splits off `self` (or the hidden module instance carried as `data`).
fn this(args: &mut Args, fname: &str) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error(format!("{fname}() needs an argument")));
    }
    Ok(args.pos.remove(0))
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let list: &[(&str, NativeFn)] = &[
        ("seed", r_seed),
        ("random", r_random),
        ("getrandbits", r_getrandbits),
        ("randbytes", r_randbytes),
        ("randrange", r_randrange),
        ("randint", r_randint),
        ("choice", r_choice),
        ("choices", r_choices),
        ("shuffle", r_shuffle),
        ("sample", r_sample),
        ("uniform", r_uniform),
        ("triangular", r_triangular),
        ("gauss", r_gauss),
        ("normalvariate", r_normalvariate),
        ("lognormvariate", r_lognormvariate),
        ("expovariate", r_expovariate),
        ("gammavariate", r_gammavariate),
        ("betavariate", r_betavariate),
        ("paretovariate", r_paretovariate),
        ("weibullvariate", r_weibullvariate),
        ("vonmisesvariate", r_vonmisesvariate),
        ("getstate", r_getstate),
        ("setstate", r_setstate),
    ];
    let mut cattrs = methods(list, "Random");
    cattrs.insert("__new__".into(), staticmethod("__new__", r_new));
    cattrs.insert("__init__".into(), builtin("__init__", r_init));
    cattrs.insert("__repr__".into(), builtin("__repr__", r_repr));
    let cls = make_class(vm, "Random", "random", vec![], cattrs)?;
    let inst = new_native(&cls, Mt::new());
    let mut attrs = Attrs::default();
    for (name, f) in list {
        attrs.insert((*name).into(), builtin_with(name, *f, inst.clone()));
    }
    attrs.insert("Random".into(), Value::Class(cls));
    Ok(super::helpers_c::module("random", attrs))
}

fn r_new(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(Value::Class(c)) => Ok(new_native(c, Mt::new())),
        _ => Err(PyErr::type_error("Random.__new__(X): X is not a type object")),
    }
}

fn r_init(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "__init__")?;
    if args.pos.len() > 1 {
        return Err(PyErr::type_error(format!("Random() expected at most 1 argument, got {}", args.pos.len())));
    }
    let seed = args.pos.pop().unwrap_or(Value::None);
    do_seed(vm, &me, &seed)?;
    Ok(Value::None)
}

fn r_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let id = args.pos.first().map(|v| v.identity()).unwrap_or(0);
    Ok(Value::string(format!("<random.Random object at 0x{id:012x}>")))
}

fn do_seed(vm: &mut Vm, me: &Value, a: &Value) -> PyResult<()> {
    let n: Option<BigInt> = match a {
        Value::None => None,
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Some(to_big(vm, a)?),
        Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) => {
            use sha2::Digest;
            let mut bytes: Vec<u8> = match a {
                Value::Str(s) => s.as_str().as_bytes().to_vec(),
                Value::Bytes(b) => b.to_vec(),
                Value::ByteArray(b) => b.borrow().clone(),
                _ => Vec::new(),
            };
            let digest = sha2::Sha512::digest(&bytes);
            bytes.extend_from_slice(&digest);
            Some(BigInt::from_bytes_be(Sign::Plus, &bytes))
        }
        Value::Float(_) => {
            let h = vm.hash(a)?;
            Some(BigInt::from(h))
        }
        Value::Instance(i) if i.base.borrow().as_ref().is_some_and(|b| matches!(b, Value::Int(_) | Value::BigInt(_))) => {
            Some(to_big(vm, a)?)
        }
        _ => {
            return Err(PyErr::type_error(
                "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.",
            ));
        }
    };
    let mut r = rng(me)?;
    match n {
        Some(n) => r.seed_big(&n),
        None => r.seed_os(),
    }
    Ok(())
}

fn r_seed(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "seed")?;
    let [a, _version] = args.bind("seed", ["a", "version"], 0, 0)?;
    do_seed(vm, &me, &a.unwrap_or(Value::None))?;
    Ok(Value::None)
}

fn r_random(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "random")?;
    let [] = args.exact("random")?;
    let x = rng(&me)?.random();
    Ok(Value::Float(x))
}

fn r_getrandbits(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "getrandbits")?;
    let [k] = args.exact("getrandbits")?;
    let k = vm.index_of(&k)?;
    if k < 0 {
        return Err(PyErr::value_error("number of bits must be non-negative"));
    }
    vm.check_alloc(k as u128 / 8)?;
    let r = rng(&me)?.bits_big(k as u64);
    Ok(Value::from_bigint(r))
}

fn r_randbytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "randbytes")?;
    let [n] = args.exact("randbytes")?;
    let n = vm.index_of(&n)?;
    if n < 0 {
        return Err(PyErr::value_error("negative argument not allowed"));
    }
    vm.check_alloc(n as u128)?;
    let r = rng(&me)?.bits_big(n as u64 * 8);
    let (_, mut bytes) = r.to_bytes_le();
    bytes.resize(n as usize, 0);
    Ok(Value::bytes(bytes))
}

/// randrange's argument conversion: an index, or an integral float (deprecated).
fn rr_index(vm: &mut Vm, v: &Value, what: &str) -> PyResult<BigInt> {
    if let Value::Float(f) = v {
        if f.fract() == 0.0 && f.is_finite() {
            return Ok(num_bigint::BigInt::from(*f as i128));
        }
        return Err(PyErr::value_error(format!("non-integer {what} for randrange()")));
    }
    to_big(vm, v)
}

fn randrange_impl(vm: &mut Vm, me: &Value, start: &Value, stop: Option<&Value>, step: Option<&Value>) -> PyResult<Value> {
    let istart = rr_index(vm, start, "arg 1")?;
    let Some(stop) = stop.filter(|s| !s.is_none()) else {
        if step.is_some() {
            return Err(PyErr::type_error("Missing a non-None stop argument"));
        }
        if istart.is_positive() {
            return Ok(Value::from_bigint(rng(me)?.below_big(&istart)));
        }
        return Err(PyErr::value_error("empty range for randrange()"));
    };
    let istop = rr_index(vm, stop, "stop")?;
    let width = &istop - &istart;
    let istep = match step {
        Some(s) => rr_index(vm, s, "step")?,
        None => BigInt::from(1),
    };
    if istep == BigInt::from(1) {
        if width.is_positive() {
            let r = rng(me)?.below_big(&width);
            return Ok(Value::from_bigint(istart + r));
        }
        return Err(PyErr::value_error(format!("empty range for randrange() ({istart}, {istop}, {width})")));
    }
    let n = if istep.is_positive() {
        num_integer::Integer::div_floor(&(&width + &istep - 1), &istep)
    } else if istep.is_negative() {
        num_integer::Integer::div_floor(&(&width + &istep + 1), &istep)
    } else {
        return Err(PyErr::value_error("zero step for randrange()"));
    };
    if !n.is_positive() {
        return Err(PyErr::value_error("empty range for randrange()"));
    }
    let r = rng(me)?.below_big(&n);
    Ok(Value::from_bigint(istart + istep * r))
}

fn r_randrange(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "randrange")?;
    let [start, stop, step] = args.bind("randrange", ["start", "stop", "step"], 0, 1)?;
    let start = start.unwrap_or(Value::None);
    randrange_impl(vm, &me, &start, stop.as_ref(), step.as_ref())
}

fn r_randint(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "randint")?;
    let [a, b] = args.bind("randint", ["a", "b"], 0, 2)?;
    let (a, b) = (a.unwrap_or(Value::None), b.unwrap_or(Value::None));
    let b1 = vm.binary_op(&b, &Value::Int(1), crate::syntax::ast::BinOp::Add)?;
    randrange_impl(vm, &me, &a, Some(&b1), None)
}

fn below(me: &Value, n: usize) -> PyResult<usize> {
    Ok(rng(me)?.below_u64(n as u64) as usize)
}

fn r_choice(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "choice")?;
    let [seq] = args.bind("choice", ["seq"], 0, 1)?;
    let seq = seq.unwrap_or(Value::None);
    let n = vm.len(&seq)?;
    if n == 0 {
        return Err(PyErr::index_error("Cannot choose from an empty sequence"));
    }
    let i = below(&me, n)?;
    vm.getitem(&seq, &Value::from(i))
}

fn r_shuffle(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "shuffle")?;
    let [x] = args.bind("shuffle", ["x"], 0, 1)?;
    let x = x.unwrap_or(Value::None);
    let n = vm.len(&x)?;
    for i in (1..n).rev() {
        vm.tick()?;
        let j = below(&me, i + 1)?;
        if let Value::List(l) = &x {
            let mut l = l.borrow_mut();
            if i < l.len() && j < l.len() {
                l.swap(i, j);
                continue;
            }
        }
        let (vi, vj) = (vm.getitem(&x, &Value::from(i))?, vm.getitem(&x, &Value::from(j))?);
        vm.setitem(&x, Value::from(i), vj)?;
        vm.setitem(&x, Value::from(j), vi)?;
    }
    Ok(Value::None)
}

fn is_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Range(_) | Value::Bytes(_) | Value::ByteArray(_) => true,
        Value::Instance(i) => {
            i.base.borrow().as_ref().is_some_and(is_sequence)
                || (i.class.lookup("__getitem__").is_some() && i.class.lookup("__len__").is_some())
        }
        Value::Native(n) => n.class.lookup("__getitem__").is_some() && n.class.lookup("__len__").is_some(),
        _ => false,
    }
}

fn accumulate_ints(vm: &mut Vm, v: &Value) -> PyResult<Vec<Value>> {
    let items = vm.collect(v)?;
    let mut out = Vec::with_capacity(items.len());
    let mut acc: Option<Value> = None;
    for it in items {
        vm.tick()?;
        let next = match acc {
            None => it,
            Some(a) => vm.binary_op(&a, &it, crate::syntax::ast::BinOp::Add)?,
        };
        out.push(next.clone());
        acc = Some(next);
    }
    Ok(out)
}

fn bisect_right(vm: &mut Vm, a: &[Value], x: &Value, mut lo: usize, mut hi: usize) -> PyResult<usize> {
    while lo < hi {
        let mid = (lo + hi) / 2;
        if vm.lt(x, &a[mid])? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

fn r_sample(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "sample")?;
    let counts = kwarg(&mut args, "counts");
    let [population, k] = args.bind("sample", ["population", "k"], 0, 2)?;
    let population = population.unwrap_or(Value::None);
    let kv = k.unwrap_or(Value::None);
    if !is_sequence(&population) {
        return Err(PyErr::type_error("Population must be a sequence.  For dicts or sets, use sorted(d)."));
    }
    let n = vm.len(&population)?;
    if let Some(counts) = counts.filter(|c| !c.is_none()) {
        let mut cum = accumulate_ints(vm, &counts)?;
        if cum.len() != n {
            return Err(PyErr::value_error("The number of counts does not match the population"));
        }
        let total = cum.pop().unwrap_or(Value::Int(0));
        if !matches!(total, Value::Int(_) | Value::BigInt(_)) {
            return Err(PyErr::type_error("Counts must be integers"));
        }
        let total_n = vm.index_of(&total)?;
        if total_n <= 0 {
            return Err(PyErr::value_error("Total of counts must be greater than zero"));
        }
        let range = Value::Range(Rc::new(Range { start: 0, stop: total_n, step: 1 }));
        let sel = r_sample(vm, Args { pos: [me, range, kv].into_iter().collect(), kw: vec![] })?;
        let sel = vm.collect(&sel)?;
        let mut out = Vec::with_capacity(sel.len());
        let hi = cum.len();
        for s in sel {
            let i = bisect_right(vm, &cum, &s, 0, hi)?;
            out.push(vm.getitem(&population, &Value::from(i))?);
        }
        return Ok(Value::list(out));
    }
    let k = vm.index_of(&kv)?;
    if k < 0 || k as u128 > n as u128 {
        return Err(PyErr::value_error("Sample larger than population or is negative"));
    }
    let k = k as usize;
    vm.check_alloc(k as u128 * 16)?;
    let mut setsize = 21usize;
    if k > 5 {
        let l = ((k * 3) as f64).ln() / 4f64.ln();
        setsize += 4usize.pow(l.ceil() as u32);
    }
    let mut result = Vec::with_capacity(k);
    if n <= setsize {
        let mut pool = vm.collect(&population)?;
        for i in 0..k {
            vm.tick()?;
            let j = below(&me, n - i)?;
            result.push(pool[j].clone());
            pool[j] = pool[n - i - 1].clone();
        }
    } else {
        let mut selected = HashSet::new();
        for _ in 0..k {
            vm.tick()?;
            let mut j = below(&me, n)?;
            while selected.contains(&j) {
                vm.tick()?;
                j = below(&me, n)?;
            }
            selected.insert(j);
            result.push(vm.getitem(&population, &Value::from(j))?);
        }
    }
    Ok(Value::list(result))
}

fn r_choices(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "choices")?;
    let cum_weights = kwarg(&mut args, "cum_weights").filter(|v| !v.is_none());
    let k = kwarg(&mut args, "k");
    let [population, weights] = args.bind("choices", ["population", "weights"], 0, 1)?;
    let population = population.unwrap_or(Value::None);
    let weights = weights.filter(|v| !v.is_none());
    let k = match k {
        Some(k) => vm.index_of(&k)?.max(0) as usize,
        None => 1,
    };
    vm.check_alloc(k as u128 * 16)?;
    let n = vm.len(&population)?;
    let cum = match (cum_weights, weights) {
        (None, None) => {
            let nf = n as f64;
            let mut out = Vec::with_capacity(k);
            for _ in 0..k {
                vm.tick()?;
                let r = rng(&me)?.random();
                let i = (r * nf).floor() as usize;
                out.push(vm.getitem(&population, &Value::from(i))?);
            }
            return Ok(Value::list(out));
        }
        (None, Some(w)) => {
            if matches!(w, Value::Int(_)) && !vm.hasattr(&w, "__iter__")? {
                return Err(PyErr::type_error(format!(
                    "The number of choices must be a keyword argument: k={}",
                    vm.repr(&w)?
                )));
            }
            accumulate_ints(vm, &w)?
        }
        (Some(c), None) => vm.collect(&c)?,
        (Some(_), Some(_)) => return Err(PyErr::type_error("Cannot specify both weights and cumulative weights")),
    };
    if cum.len() != n {
        return Err(PyErr::value_error("The number of weights does not match the population"));
    }
    let last = cum.last().cloned().unwrap_or(Value::Int(0));
    let total = to_float(vm, &last)? + 0.0;
    if total <= 0.0 {
        return Err(PyErr::value_error("Total of weights must be greater than zero"));
    }
    if !total.is_finite() {
        return Err(PyErr::value_error("Total of weights must be finite"));
    }
    let hi = n - 1;
    let mut out = Vec::with_capacity(k);
    for _ in 0..k {
        vm.tick()?;
        let r = rng(&me)?.random();
        let i = bisect_right(vm, &cum, &Value::Float(r * total), 0, hi)?;
        out.push(vm.getitem(&population, &Value::from(i))?);
    }
    Ok(Value::list(out))
}

/// Float arguments with defaults, by position or keyword.
fn floats<const K: usize>(vm: &mut Vm, args: Args, fname: &str, names: [&str; K], defaults: [Option<f64>; K]) -> PyResult<[f64; K]> {
    let required = defaults.iter().take_while(|d| d.is_none()).count();
    let got = args.bind(fname, names, 0, required)?;
    let mut out = [0.0; K];
    for i in 0..K {
        out[i] = match &got[i] {
            Some(v) => to_float(vm, v)?,
            None => defaults[i].unwrap_or(0.0),
        };
    }
    Ok(out)
}

fn r_uniform(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "uniform")?;
    let [a, b] = floats(vm, args, "uniform", ["a", "b"], [None, None])?;
    let r = rng(&me)?.random();
    Ok(Value::Float(a + (b - a) * r))
}

fn r_triangular(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "triangular")?;
    let [low, high, mode] = args.bind("triangular", ["low", "high", "mode"], 0, 0)?;
    let mut low = match low {
        Some(v) => to_float(vm, &v)?,
        None => 0.0,
    };
    let mut high = match high {
        Some(v) => to_float(vm, &v)?,
        None => 1.0,
    };
    let mut u = rng(&me)?.random();
    let mut c = match mode.filter(|m| !m.is_none()) {
        None => 0.5,
        Some(m) => {
            let m = to_float(vm, &m)?;
            if high - low == 0.0 {
                return Ok(Value::Float(low));
            }
            (m - low) / (high - low)
        }
    };
    if u > c {
        u = 1.0 - u;
        c = 1.0 - c;
        std::mem::swap(&mut low, &mut high);
    }
    Ok(Value::Float(low + (high - low) * (u * c).sqrt()))
}

fn normal(me: &Value, mu: f64, sigma: f64) -> PyResult<f64> {
    let magic = 4.0 * (-0.5f64).exp() / 2.0f64.sqrt();
    let mut r = rng(me)?;
    loop {
        let u1 = r.random();
        let u2 = 1.0 - r.random();
        let z = magic * (u1 - 0.5) / u2;
        let zz = z * z / 4.0;
        if zz <= -u2.ln() {
            return Ok(mu + z * sigma);
        }
    }
}

fn r_normalvariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "normalvariate")?;
    let [mu, sigma] = floats(vm, args, "normalvariate", ["mu", "sigma"], [Some(0.0), Some(1.0)])?;
    Ok(Value::Float(normal(&me, mu, sigma)?))
}

fn r_lognormvariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "lognormvariate")?;
    let [mu, sigma] = floats(vm, args, "lognormvariate", ["mu", "sigma"], [None, None])?;
    Ok(Value::Float(normal(&me, mu, sigma)?.exp()))
}

fn r_gauss(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "gauss")?;
    let [mu, sigma] = floats(vm, args, "gauss", ["mu", "sigma"], [Some(0.0), Some(1.0)])?;
    let mut r = rng(&me)?;
    let z = match r.gauss_next.take() {
        Some(z) => z,
        None => {
            let x2pi = r.random() * std::f64::consts::TAU;
            let g2rad = (-2.0 * (1.0 - r.random()).ln()).sqrt();
            r.gauss_next = Some(x2pi.sin() * g2rad);
            x2pi.cos() * g2rad
        }
    };
    Ok(Value::Float(mu + z * sigma))
}

fn r_expovariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "expovariate")?;
    let [lambd] = floats(vm, args, "expovariate", ["lambd"], [Some(1.0)])?;
    let r = rng(&me)?.random();
    if lambd == 0.0 {
        return Err(PyErr::zero_division("float division by zero"));
    }
    Ok(Value::Float(-(1.0 - r).ln() / lambd))
}

fn gamma(me: &Value, alpha: f64, beta: f64) -> PyResult<f64> {
    if alpha <= 0.0 || beta <= 0.0 {
        return Err(PyErr::value_error("gammavariate: alpha and beta must be > 0.0"));
    }
    let mut r = rng(me)?;
    if alpha > 1.0 {
        let ainv = (2.0 * alpha - 1.0).sqrt();
        let bbb = alpha - 4.0f64.ln();
        let ccc = alpha + ainv;
        let sg = 1.0 + 4.5f64.ln();
        loop {
            let u1 = r.random();
            if !(1e-7 < u1 && u1 < 0.9999999) {
                continue;
            }
            let u2 = 1.0 - r.random();
            let v = (u1 / (1.0 - u1)).ln() / ainv;
            let x = alpha * v.exp();
            let z = u1 * u1 * u2;
            let rr = bbb + ccc * v - x;
            if rr + sg - 4.5 * z >= 0.0 || rr >= z.ln() {
                return Ok(x * beta);
            }
        }
    } else if alpha == 1.0 {
        Ok(-(1.0 - r.random()).ln() * beta)
    } else {
        let e = std::f64::consts::E;
        loop {
            let u = r.random();
            let b = (e + alpha) / e;
            let p = b * u;
            let x = if p <= 1.0 { p.powf(1.0 / alpha) } else { -((b - p) / alpha).ln() };
            let u1 = r.random();
            if p > 1.0 {
                if u1 <= x.powf(alpha - 1.0) {
                    return Ok(x * beta);
                }
            } else if u1 <= (-x).exp() {
                return Ok(x * beta);
            }
        }
    }
}

fn r_gammavariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "gammavariate")?;
    let [alpha, beta] = floats(vm, args, "gammavariate", ["alpha", "beta"], [None, None])?;
    Ok(Value::Float(gamma(&me, alpha, beta)?))
}

fn r_betavariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "betavariate")?;
    let [alpha, beta] = floats(vm, args, "betavariate", ["alpha", "beta"], [None, None])?;
    let y = gamma(&me, alpha, 1.0)?;
    if y != 0.0 {
        return Ok(Value::Float(y / (y + gamma(&me, beta, 1.0)?)));
    }
    Ok(Value::Float(0.0))
}

fn r_paretovariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "paretovariate")?;
    let [alpha] = floats(vm, args, "paretovariate", ["alpha"], [None])?;
    let u = 1.0 - rng(&me)?.random();
    Ok(Value::Float(u.powf(-1.0 / alpha)))
}

fn r_weibullvariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "weibullvariate")?;
    let [alpha, beta] = floats(vm, args, "weibullvariate", ["alpha", "beta"], [None, None])?;
    let u = 1.0 - rng(&me)?.random();
    Ok(Value::Float(alpha * (-u.ln()).powf(1.0 / beta)))
}

fn r_vonmisesvariate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "vonmisesvariate")?;
    let [mu, kappa] = floats(vm, args, "vonmisesvariate", ["mu", "kappa"], [None, None])?;
    let pi = std::f64::consts::PI;
    let mut r = rng(&me)?;
    if kappa <= 1e-6 {
        return Ok(Value::Float(std::f64::consts::TAU * r.random()));
    }
    let s = 0.5 / kappa;
    let rr = s + (1.0 + s * s).sqrt();
    let z = loop {
        let u1 = r.random();
        let z = (pi * u1).cos();
        let d = z / (rr + z);
        let u2 = r.random();
        if u2 < 1.0 - d * d || u2 <= (1.0 - d) * d.exp() {
            break z;
        }
    };
    let q = 1.0 / rr;
    let f = (q + z) / (1.0 + q * z);
    let u3 = r.random();
    let theta = if u3 > 0.5 { (mu + f.acos()).rem_euclid(std::f64::consts::TAU) } else { (mu - f.acos()).rem_euclid(std::f64::consts::TAU) };
    Ok(Value::Float(theta))
}

fn r_getstate(_vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "getstate")?;
    let r = rng(&me)?;
    let mut words: Vec<Value> = r.state.iter().map(|w| Value::Int(*w as i64)).collect();
    words.push(Value::Int(r.index as i64));
    let g = r.gauss_next.map(Value::Float).unwrap_or(Value::None);
    Ok(Value::tuple(vec![Value::Int(3), Value::tuple(words), g]))
}

fn r_setstate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let me = this(&mut args, "setstate")?;
    let [state] = args.exact("setstate")?;
    let parts = match &state {
        Value::Tuple(t) if t.len() == 3 => t.clone(),
        _ => return Err(PyErr::type_error("state vector must be a tuple")),
    };
    if !matches!(parts[0], Value::Int(3)) {
        return Err(PyErr::value_error(format!(
            "state with version {} passed to Random.setstate() of version 3",
            vm.repr(&parts[0])?
        )));
    }
    let words = match &parts[1] {
        Value::Tuple(t) if t.len() == N + 1 => t.clone(),
        Value::Tuple(_) => return Err(PyErr::value_error("state vector is the wrong size")),
        _ => return Err(PyErr::type_error("state vector must be a tuple")),
    };
    let mut st = [0u32; N];
    for (i, w) in words[..N].iter().enumerate() {
        let b = to_big(vm, w)?;
        st[i] = b.to_u32().ok_or_else(|| PyErr::overflow("Python int too large to convert to C unsigned long"))?;
    }
    let idx = vm.index_of(&words[N])?;
    if !(0..=N as i64).contains(&idx) {
        return Err(PyErr::value_error("invalid state"));
    }
    let gauss = match &parts[2] {
        Value::None => None,
        v => Some(to_float(vm, v)?),
    };
    let mut r = rng(&me)?;
    r.state = st;
    r.index = idx as usize;
    r.gauss_next = gauss;
    Ok(Value::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_42_matches_cpython() {
        let mut m = Mt { state: [0; N], index: N + 1, gauss_next: None };
        m.seed_big(&BigInt::from(42));
        assert_eq!(m.random(), 0.6394267984578837);
        assert_eq!(m.random(), 0.025010755222666936);
    }
}
