//! `time`: the clock (time, monotonic, perf_counter), sleep within the wall-time
//! budget, and struct_time/gmtime/localtime/strftime/strptime with local time = UTC.
//! Reading the clock is the only host access this module may ever make.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::datetime::{ord2ymd, strftime, strptime_fields, ymd2ord, Date, Fields, DAY_NAMES, MONTH_NAMES};
use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

#[derive(Clone)]
struct StructTime([i64; 9]);

const FIELDS: [&str; 9] = ["tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst"];

fn origin() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

fn now() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(_) => 0.0,
    }
}

fn now_ns() -> i128 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(_) => 0,
    }
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let _ = origin();
    let mut cattrs = methods(
        &[("__repr__", st_repr), ("__getitem__", st_getitem), ("__len__", st_len), ("__iter__", st_iter), ("__eq__", st_eq)],
        "struct_time",
    );
    cattrs.insert("__new__".into(), staticmethod("__new__", st_new));
    cattrs.insert("__init__".into(), builtin("__init__", noop));
    for (i, n) in FIELDS.iter().enumerate() {
        let f: NativeFn = match i {
            0 => |_, a| field(a, 0),
            1 => |_, a| field(a, 1),
            2 => |_, a| field(a, 2),
            3 => |_, a| field(a, 3),
            4 => |_, a| field(a, 4),
            5 => |_, a| field(a, 5),
            6 => |_, a| field(a, 6),
            7 => |_, a| field(a, 7),
            _ => |_, a| field(a, 8),
        };
        cattrs.insert((*n).into(), property(n, f));
    }
    cattrs.insert("tm_zone".into(), property("tm_zone", |_, _| Ok(Value::str("UTC"))));
    cattrs.insert("tm_gmtoff".into(), property("tm_gmtoff", |_, _| Ok(Value::Int(0))));
    let st = make_class(vm, "struct_time", "time", vec![], cattrs)?;
    let list: &[(&str, NativeFn)] = &[
        ("time", t_time),
        ("time_ns", t_time_ns),
        ("monotonic", t_monotonic),
        ("monotonic_ns", t_monotonic_ns),
        ("perf_counter", t_monotonic),
        ("perf_counter_ns", t_monotonic_ns),
        ("process_time", t_monotonic),
        ("process_time_ns", t_monotonic_ns),
        ("thread_time", t_monotonic),
        ("sleep", t_sleep),
        ("gmtime", t_gmtime),
        ("localtime", t_gmtime),
        ("mktime", t_mktime),
        ("strftime", t_strftime),
        ("strptime", t_strptime),
        ("asctime", t_asctime),
        ("ctime", t_ctime),
    ];
    let mut attrs = Attrs::default();
    for (n, f) in list {
        attrs.insert((*n).into(), builtin(n, *f));
    }
    attrs.insert("struct_time".into(), Value::Class(st));
    attrs.insert("timezone".into(), Value::Int(0));
    attrs.insert("altzone".into(), Value::Int(0));
    attrs.insert("daylight".into(), Value::Int(0));
    attrs.insert("tzname".into(), Value::tuple(vec![Value::str("UTC"), Value::str("UTC")]));
    Ok(super::helpers_c::module("time", attrs))
}

fn noop(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn field(args: Args, i: usize) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let st = native_get::<StructTime>(&v).ok_or_else(|| PyErr::type_error("struct_time expected"))?;
    Ok(Value::Int(st.0[i]))
}

fn self_st(args: &Args) -> PyResult<StructTime> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    native_get::<StructTime>(&v).ok_or_else(|| PyErr::type_error("struct_time expected"))
}

fn st_tuple(st: &StructTime) -> Value {
    Value::tuple(st.0.iter().map(|x| Value::Int(*x)).collect())
}

fn st_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = (!args.pos.is_empty()).then(|| args.pos.remove(0)) else {
        return Err(PyErr::type_error("struct_time.__new__(X): X is not a type object"));
    };
    let [seq] = args.bind("struct_time", ["sequence"], 0, 1)?;
    let items = vm.collect(&seq.unwrap_or(Value::None))?;
    if items.len() < 9 || items.len() > 11 {
        return Err(PyErr::type_error(format!(
            "time.struct_time() takes an at least 9-sequence ({}-sequence given)",
            items.len()
        )));
    }
    let mut f = [0i64; 9];
    for (i, v) in items.iter().take(9).enumerate() {
        f[i] = vm.index_of(v)?;
    }
    Ok(new_native(&cls, StructTime(f)))
}

fn st_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let st = self_st(&args)?;
    let parts: Vec<String> = FIELDS.iter().zip(st.0.iter()).map(|(n, v)| format!("{n}={v}")).collect();
    Ok(Value::string(format!("time.struct_time({})", parts.join(", "))))
}

fn st_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let st = self_st(&args)?;
    let k = args.pos.get(1).cloned().unwrap_or(Value::None);
    vm.getitem(&st_tuple(&st), &k)
}

fn st_len(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(9))
}

fn st_iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let st = self_st(&args)?;
    vm.iter(&st_tuple(&st))
}

fn st_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let st = self_st(&args)?;
    let o = args.pos.get(1).cloned().unwrap_or(Value::None);
    let o = match native_get::<StructTime>(&o) {
        Some(x) => st_tuple(&x),
        None => o,
    };
    if !matches!(o, Value::Tuple(_)) {
        return Ok(Value::NotImplemented);
    }
    Ok(Value::Bool(vm.eq(&st_tuple(&st), &o)?))
}

fn t_time(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [] = args.exact("time")?;
    Ok(Value::Float(now()))
}

fn t_time_ns(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [] = args.exact("time_ns")?;
    Ok(Value::from_bigint(now_ns().into()))
}

fn t_monotonic(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Float(origin().elapsed().as_secs_f64()))
}

fn t_monotonic_ns(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::from_bigint((origin().elapsed().as_nanos() as i128).into()))
}

fn t_sleep(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [secs] = args.exact("sleep")?;
    let s = to_float(vm, &secs).map_err(|_| {
        PyErr::type_error(format!("'{}' object cannot be interpreted as an integer", secs.type_name()))
    })?;
    if s.is_nan() {
        return Err(PyErr::value_error("Invalid value NaN (not a number)"));
    }
    if s < 0.0 {
        return Err(PyErr::value_error("sleep length must be non-negative"));
    }
    let mut want = std::time::Duration::from_secs_f64(s.min(1e9));
    let mut over = false;
    if let Some(limit) = vm.policy.timeout {
        let left = limit.saturating_sub(vm.started.elapsed());
        if want >= left {
            want = left;
            over = true;
        }
    }
    if vm.cancel.is_some() {
        // A host that can interrupt the run is heard within a tenth of a second.
        let until = std::time::Instant::now() + want;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(std::time::Duration::from_millis(100)));
            vm.check_budgets()?;
        }
    } else {
        std::thread::sleep(want);
    }
    if over {
        // Past the deadline: the run ends with the budget error.
        std::thread::sleep(std::time::Duration::from_millis(1));
        vm.check_budgets()?;
    }
    Ok(Value::None)
}

fn struct_of(vm: &mut Vm, secs: i64) -> PyResult<Value> {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let ord = days + ymd2ord(1970, 1, 1);
    if ord < 1 || ord > ymd2ord(9999, 12, 31) {
        return Err(PyErr::overflow("timestamp out of range for platform time_t"));
    }
    let d = ord2ymd(ord);
    let f = [d.y, d.m, d.d, rem / 3600, rem / 60 % 60, rem % 60, d.weekday(), d.yday(), 0];
    let m = vm.import("time")?;
    let cls = match vm.getattr(&m, "struct_time")? {
        Value::Class(c) => c,
        _ => return Err(PyErr::runtime_error("time.struct_time was replaced")),
    };
    Ok(new_native(&cls, StructTime(f)))
}

fn t_gmtime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [secs] = args.bind("gmtime", ["seconds"], 1, 0)?;
    let s = match secs.filter(|v| !v.is_none()) {
        None => now().floor() as i64,
        Some(v) => to_float(vm, &v)?.floor() as i64,
    };
    struct_of(vm, s)
}

fn tuple_fields(vm: &mut Vm, v: &Value) -> PyResult<[i64; 9]> {
    if let Some(st) = native_get::<StructTime>(v) {
        return Ok(st.0);
    }
    let items = match v {
        Value::Tuple(_) => vm.collect(v)?,
        _ => return Err(PyErr::type_error("Tuple or struct_time argument required")),
    };
    if items.len() != 9 {
        return Err(PyErr::type_error("function takes exactly 9 arguments"));
    }
    let mut f = [0i64; 9];
    for (i, x) in items.iter().enumerate() {
        f[i] = vm.index_of(x)?;
    }
    Ok(f)
}

fn fields(f: &[i64; 9]) -> Fields {
    Fields {
        y: f[0],
        m: f[1].clamp(1, 12),
        d: f[2].clamp(1, 31),
        h: f[3],
        mi: f[4],
        s: f[5],
        us: 0,
        wday: f[6].rem_euclid(7),
        yday: f[7],
        offset: Some(0),
        tzname: Some("UTC".into()),
    }
}

fn t_mktime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [t] = args.exact("mktime")?;
    let f = tuple_fields(vm, &t)?;
    let days = ymd2ord(f[0], 1, 1) - ymd2ord(1970, 1, 1);
    let d = Date { y: f[0], m: 1, d: 1 };
    let _ = d;
    let mut total = days;
    for m in 1..f[1].clamp(1, 12) {
        total += super::datetime::days_in_month(f[0], m);
    }
    total += f[2] - 1;
    Ok(Value::Float((total * 86400 + f[3] * 3600 + f[4] * 60 + f[5]) as f64))
}

fn now_fields(vm: &mut Vm) -> PyResult<[i64; 9]> {
    let v = struct_of(vm, now().floor() as i64)?;
    tuple_fields(vm, &v)
}

fn t_strftime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [fmt, t] = args.bind("strftime", ["format", "tuple"], 2, 1)?;
    let fmt = match fmt {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(other) => return Err(PyErr::type_error(format!("strftime() argument 1 must be str, not {}", other.type_name()))),
        None => String::new(),
    };
    let f = match t {
        Some(t) => tuple_fields(vm, &t)?,
        None => now_fields(vm)?,
    };
    Ok(Value::string(strftime(&fmt, &fields(&f))))
}

fn t_strptime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [s, fmt] = args.bind("strptime", ["string", "format"], 2, 1)?;
    let s = match s {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        _ => return Err(PyErr::type_error("strptime() argument 0 must be str")),
    };
    let fmt = match fmt {
        Some(Value::Str(f)) => f.as_str().to_owned(),
        None => "%a %b %d %H:%M:%S %Y".to_owned(),
        _ => return Err(PyErr::type_error("strptime() argument 1 must be str")),
    };
    let (d, t, _) = strptime_fields(&s, &fmt)?;
    let secs = (d.ordinal() - ymd2ord(1970, 1, 1)) * 86400 + t.h * 3600 + t.mi * 60 + t.s;
    let v = struct_of(vm, secs)?;
    if let Some(mut st) = native_ref::<StructTime>(&v) {
        st.0[8] = -1;
    }
    Ok(v)
}

fn asctime_of(f: &[i64; 9]) -> String {
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        &DAY_NAMES[f[6].rem_euclid(7) as usize][..3],
        &MONTH_NAMES[(f[1].clamp(1, 12) - 1) as usize][..3],
        f[2],
        f[3],
        f[4],
        f[5],
        f[0]
    )
}

fn t_asctime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [t] = args.bind("asctime", ["t"], 1, 0)?;
    let f = match t {
        Some(t) => tuple_fields(vm, &t)?,
        None => now_fields(vm)?,
    };
    Ok(Value::string(asctime_of(&f)))
}

fn t_ctime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [secs] = args.bind("ctime", ["seconds"], 1, 0)?;
    let s = match secs.filter(|v| !v.is_none()) {
        None => now().floor() as i64,
        Some(v) => to_float(vm, &v)?.floor() as i64,
    };
    let v = struct_of(vm, s)?;
    let f = tuple_fields(vm, &v)?;
    Ok(Value::string(asctime_of(&f)))
}
