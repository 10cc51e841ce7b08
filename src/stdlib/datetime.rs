//! `datetime`: date, time, datetime, timedelta, timezone as native objects with
//! CPython 3.11's arithmetic, normalisation, reprs, isoformat/fromisoformat and
//! strftime/strptime. Local time is UTC in the sandbox; reading the clock is the
//! only host access, and it must never be more than that.

use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive};

use super::helpers_c::*;
use crate::values::*;
use crate::vm::Vm;

use super::datetime_iso as iso;

pub const MINYEAR: i64 = 1;
pub const MAXYEAR: i64 = 9999;
const US_PER_DAY: i128 = 86_400_000_000;
const MAX_DELTA_DAYS: i64 = 999_999_999;

pub const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
pub const MONTH_NAMES: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delta {
    pub days: i64,
    pub secs: i64,
    pub us: i64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Date {
    pub y: i64,
    pub m: i64,
    pub d: i64,
}

#[derive(Clone)]
pub struct Time {
    pub h: i64,
    pub mi: i64,
    pub s: i64,
    pub us: i64,
    pub tz: Option<Value>,
    pub fold: i64,
}

#[derive(Clone)]
pub struct DateTime {
    pub date: Date,
    pub time: Time,
}

#[derive(Clone)]
pub struct Tz {
    /// Offset in microseconds.
    pub offset: i64,
    pub name: Option<String>,
}

#[derive(Clone)]
struct IsoCal(i64, i64, i64);

// ----- calendar arithmetic (Lib/datetime.py) -----

pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn days_in_month(y: i64, m: i64) -> i64 {
    const DIM: [i64; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if m == 2 && is_leap(y) { 29 } else { DIM[m.clamp(0, 12) as usize] }
}

fn days_before_month(y: i64, m: i64) -> i64 {
    let mut n = 0;
    for k in 1..m {
        n += days_in_month(y, k);
    }
    n
}

fn days_before_year(y: i64) -> i64 {
    let y = y - 1;
    y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
}

pub fn ymd2ord(y: i64, m: i64, d: i64) -> i64 {
    days_before_year(y) + days_before_month(y, m) + d
}

pub fn ord2ymd(n: i64) -> Date {
    let mut n = n - 1;
    let (n400, r) = n.div_mod_floor(&146097);
    n = r;
    let mut year = n400 * 400 + 1;
    let (n100, r) = n.div_mod_floor(&36524);
    n = r;
    let (n4, r) = n.div_mod_floor(&1461);
    n = r;
    let (n1, r) = n.div_mod_floor(&365);
    n = r;
    year += n100 * 100 + n4 * 4 + n1;
    if n1 == 4 || n100 == 4 {
        return Date { y: year - 1, m: 12, d: 31 };
    }
    let mut month = 1;
    while month < 12 && days_before_month(year, month + 1) <= n {
        month += 1;
    }
    Date { y: year, m: month, d: n - days_before_month(year, month) + 1 }
}

impl Date {
    pub fn ordinal(&self) -> i64 {
        ymd2ord(self.y, self.m, self.d)
    }
    /// Monday is 0.
    pub fn weekday(&self) -> i64 {
        (self.ordinal() + 6).rem_euclid(7)
    }
    pub fn yday(&self) -> i64 {
        days_before_month(self.y, self.m) + self.d
    }
}

fn iso_week1_monday(year: i64) -> i64 {
    let first = ymd2ord(year, 1, 1);
    let wd = (first + 6).rem_euclid(7);
    let mut m = first - wd;
    if wd > 3 {
        m += 7;
    }
    m
}

fn isocalendar(d: &Date) -> IsoCal {
    let mut year = d.y;
    let mut w1 = iso_week1_monday(year);
    let today = d.ordinal();
    let (mut week, mut day) = (today - w1).div_mod_floor(&7);
    if week < 0 {
        year -= 1;
        w1 = iso_week1_monday(year);
        let (a, b) = (today - w1).div_mod_floor(&7);
        week = a;
        day = b;
    } else if week >= 52 && today >= iso_week1_monday(year + 1) {
        year += 1;
        week = 0;
    }
    IsoCal(year, week + 1, day + 1)
}

impl Delta {
    pub fn total_us(&self) -> i128 {
        (self.days as i128 * 86400 + self.secs as i128) * 1_000_000 + self.us as i128
    }
    pub fn from_us(us: i128) -> PyResult<Delta> {
        let (days, rem) = us.div_mod_floor(&US_PER_DAY);
        if days.abs() > MAX_DELTA_DAYS as i128 {
            return Err(PyErr::overflow(format!("days={days}; must have magnitude <= {MAX_DELTA_DAYS}")));
        }
        Ok(Delta { days: days as i64, secs: (rem / 1_000_000) as i64, us: (rem % 1_000_000) as i64 })
    }
}

impl DateTime {
    /// Microseconds since 0001-01-01 00:00 (naive, ignoring the offset).
    fn local_us(&self) -> i128 {
        let t = &self.time;
        (self.date.ordinal() as i128 - 1) * US_PER_DAY
            + ((t.h * 3600 + t.mi * 60 + t.s) as i128) * 1_000_000
            + t.us as i128
    }
    fn from_local_us(us: i128, tz: Option<Value>, fold: i64) -> PyResult<DateTime> {
        let (days, rem) = us.div_mod_floor(&US_PER_DAY);
        let ord = days + 1;
        if ord < 1 || ord > ymd2ord(MAXYEAR, 12, 31) as i128 {
            return Err(PyErr::overflow("date value out of range"));
        }
        let date = ord2ymd(ord as i64);
        let secs = (rem / 1_000_000) as i64;
        Ok(DateTime {
            date,
            time: Time { h: secs / 3600, mi: secs / 60 % 60, s: secs % 60, us: (rem % 1_000_000) as i64, tz, fold },
        })
    }
    fn offset(&self) -> Option<i64> {
        self.time.tz.as_ref().and_then(tz_offset)
    }
    /// Microseconds since 0001-01-01 UTC, for aware datetimes.
    fn utc_us(&self) -> i128 {
        self.local_us() - self.offset().unwrap_or(0) as i128
    }
}

fn tz_offset(v: &Value) -> Option<i64> {
    native_get::<Tz>(v).map(|t| t.offset)
}

fn tz_name(v: &Value) -> Option<String> {
    native_get::<Tz>(v).map(|t| t.name.clone().unwrap_or_else(|| utc_name(t.offset)))
}

fn utc_name(off: i64) -> String {
    if off == 0 {
        return "UTC".into();
    }
    format!("UTC{}", fmt_offset(off, ":"))
}

/// `+HH:MM[:SS[.ffffff]]`
fn fmt_offset(off: i64, sep: &str) -> String {
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.abs();
    let (h, rem) = (a / 3_600_000_000, a % 3_600_000_000);
    let (m, rem) = (rem / 60_000_000, rem % 60_000_000);
    let (s, us) = (rem / 1_000_000, rem % 1_000_000);
    let mut out = format!("{sign}{h:02}{sep}{m:02}");
    if s != 0 || us != 0 {
        out.push_str(&format!("{sep}{s:02}"));
        if us != 0 {
            out.push_str(&format!(".{us:06}"));
        }
    }
    out
}

// ----- the classes of the module, found through the imported module -----

struct Classes {
    delta: Rc<Class>,
    date: Rc<Class>,
    datetime: Rc<Class>,
    time: Rc<Class>,
    timezone: Rc<Class>,
    iso: Rc<Class>,
}

fn classes(vm: &mut Vm) -> PyResult<Classes> {
    let m = vm.modules.borrow().iter().find(|(n, _)| &**n == "datetime").map(|(_, m)| m.clone());
    let Some(Value::Module(m)) = m else {
        return Err(PyErr::runtime_error("datetime module state is missing"));
    };
    let attrs = m.attrs.borrow();
    let get = |n: &str| -> PyResult<Rc<Class>> {
        match attrs.get(n) {
            Some(Value::Class(c)) => Ok(c.clone()),
            _ => Err(PyErr::runtime_error(format!("datetime.{n} was replaced"))),
        }
    };
    let iso = match attrs.get("_IsoCalendarDate") {
        Some(Value::Class(c)) => c.clone(),
        _ => get("date")?,
    };
    Ok(Classes {
        delta: get("timedelta")?,
        date: get("date")?,
        datetime: get("datetime")?,
        time: get("time")?,
        timezone: get("timezone")?,
        iso,
    })
}

fn mk_delta(vm: &mut Vm, d: Delta) -> PyResult<Value> {
    let c = classes(vm)?;
    Ok(new_native(&c.delta, d))
}

fn mk_date(vm: &mut Vm, d: Date) -> PyResult<Value> {
    let c = classes(vm)?;
    Ok(new_native(&c.date, d))
}


fn mk_time(vm: &mut Vm, t: Time) -> PyResult<Value> {
    let c = classes(vm)?;
    Ok(new_native(&c.time, t))
}

fn mk_tz(vm: &mut Vm, t: Tz) -> PyResult<Value> {
    let c = classes(vm)?;
    Ok(new_native(&c.timezone, t))
}

fn get_delta(v: &Value) -> Option<Delta> {
    native_get::<Delta>(v)
}

/// A date, or the date part of a datetime.
fn get_date(v: &Value) -> Option<Date> {
    native_get::<Date>(v).or_else(|| native_get::<DateTime>(v).map(|d| d.date))
}

fn get_dt(v: &Value) -> Option<DateTime> {
    native_get::<DateTime>(v)
}

fn get_time(v: &Value) -> Option<Time> {
    native_get::<Time>(v)
}

fn arg0(args: &Args, what: &str) -> PyResult<Value> {
    args.pos.first().cloned().ok_or_else(|| PyErr::type_error(format!("descriptor '{what}' needs an argument")))
}

fn self_date(args: &Args, what: &str) -> PyResult<Date> {
    get_date(&arg0(args, what)?).ok_or_else(|| PyErr::type_error(format!("descriptor '{what}' requires a 'datetime.date' object")))
}

fn self_dt(args: &Args, what: &str) -> PyResult<DateTime> {
    get_dt(&arg0(args, what)?)
        .ok_or_else(|| PyErr::type_error(format!("descriptor '{what}' requires a 'datetime.datetime' object")))
}

fn self_time(args: &Args, what: &str) -> PyResult<Time> {
    get_time(&arg0(args, what)?).ok_or_else(|| PyErr::type_error(format!("descriptor '{what}' requires a 'datetime.time' object")))
}

fn self_delta(args: &Args, what: &str) -> PyResult<Delta> {
    get_delta(&arg0(args, what)?)
        .ok_or_else(|| PyErr::type_error(format!("descriptor '{what}' requires a 'datetime.timedelta' object")))
}

fn int_arg(vm: &mut Vm, v: Option<Value>, default: i64) -> PyResult<i64> {
    match v {
        None => Ok(default),
        Some(Value::Float(_)) => Err(PyErr::type_error("'float' object cannot be interpreted as an integer")),
        Some(v) => vm.index_of(&v),
    }
}

fn check_date(y: i64, m: i64, d: i64) -> PyResult<Date> {
    if !(MINYEAR..=MAXYEAR).contains(&y) {
        return Err(PyErr::value_error(format!("year {y} is out of range")));
    }
    if !(1..=12).contains(&m) {
        return Err(PyErr::value_error("month must be in 1..12"));
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err(PyErr::value_error("day is out of range for month"));
    }
    Ok(Date { y, m, d })
}

fn check_time(h: i64, mi: i64, s: i64, us: i64, tz: Option<Value>, fold: i64) -> PyResult<Time> {
    if !(0..=23).contains(&h) {
        return Err(PyErr::value_error("hour must be in 0..23"));
    }
    if !(0..=59).contains(&mi) {
        return Err(PyErr::value_error("minute must be in 0..59"));
    }
    if !(0..=59).contains(&s) {
        return Err(PyErr::value_error("second must be in 0..59"));
    }
    if !(0..=999_999).contains(&us) {
        return Err(PyErr::value_error("microsecond must be in 0..999999"));
    }
    if !(0..=1).contains(&fold) {
        return Err(PyErr::value_error("fold must be either 0 or 1"));
    }
    if let Some(t) = &tz {
        if native_get::<Tz>(t).is_none() {
            return Err(PyErr::type_error(format!(
                "tzinfo argument must be None or of a tzinfo subclass, not type '{}'",
                t.type_name()
            )));
        }
    }
    Ok(Time { h, mi, s, us, tz, fold })
}

fn tz_arg(v: Option<Value>) -> Option<Value> {
    v.filter(|v| !v.is_none())
}

// ----- module -----

fn cls_attrs(list: &[(&str, NativeFn)], props: &[(&str, NativeFn)], cms: &[(&str, NativeFn)], owner: &str) -> Attrs {
    let mut a = methods(list, owner);
    for (n, f) in props {
        a.insert((*n).into(), property(n, *f));
    }
    for (n, f) in cms {
        a.insert((*n).into(), classmethod(n, *f));
    }
    a
}

pub fn module(vm: &mut Vm) -> PyResult<Value> {
    let cmp: &[(&str, NativeFn)] = &[
        ("__eq__", any_eq),
        ("__ne__", any_ne),
        ("__lt__", any_lt),
        ("__le__", any_le),
        ("__gt__", any_gt),
        ("__ge__", any_ge),
        ("__hash__", any_hash),
    ];
    // timedelta
    let mut list: Vec<(&str, NativeFn)> = vec![
        ("__new__", td_new),
        ("__repr__", td_repr),
        ("__str__", td_str),
        ("__add__", td_add),
        ("__radd__", td_add),
        ("__sub__", td_sub),
        ("__rsub__", td_rsub),
        ("__neg__", td_neg),
        ("__pos__", td_pos),
        ("__abs__", td_abs),
        ("__mul__", td_mul),
        ("__rmul__", td_mul),
        ("__truediv__", td_truediv),
        ("__floordiv__", td_floordiv),
        ("__mod__", td_mod),
        ("__divmod__", td_divmod),
        ("__bool__", td_bool),
        ("total_seconds", td_total_seconds),
    ];
    list.extend_from_slice(cmp);
    let mut a = cls_attrs(&list, &[("days", td_days), ("seconds", td_seconds), ("microseconds", td_microseconds)], &[], "timedelta");
    fix_new(&mut a, td_new);
    let delta = c_type(make_class(vm, "timedelta", "datetime", vec![], a)?);
    delta.dict.borrow_mut().insert("min".into(), new_native(&delta, Delta { days: -MAX_DELTA_DAYS, secs: 0, us: 0 }));
    delta.dict.borrow_mut().insert("max".into(), new_native(&delta, Delta { days: MAX_DELTA_DAYS, secs: 86399, us: 999_999 }));
    delta.dict.borrow_mut().insert("resolution".into(), new_native(&delta, Delta { days: 0, secs: 0, us: 1 }));

    // tzinfo / timezone
    let tzinfo = c_type(make_class(vm, "tzinfo", "datetime", vec![], methods(&[("__repr__", tz_repr)], "tzinfo"))?);
    let mut list: Vec<(&str, NativeFn)> = vec![
        ("__repr__", tz_repr),
        ("__str__", tz_str),
        ("utcoffset", tz_utcoffset),
        ("tzname", tz_tzname),
        ("dst", tz_dst),
        ("__eq__", tz_eq),
        ("__hash__", tz_hash),
    ];
    list.push(("__ne__", any_ne));
    let mut a = cls_attrs(&list, &[], &[], "timezone");
    fix_new(&mut a, tz_new);
    let timezone = c_type(make_class(vm, "timezone", "datetime", vec![tzinfo.clone()], a)?);
    let utc = new_native(&timezone, Tz { offset: 0, name: None });
    timezone.dict.borrow_mut().insert("utc".into(), utc.clone());
    timezone.dict.borrow_mut().insert("min".into(), new_native(&timezone, Tz { offset: -(86_400_000_000 - 60_000_000), name: None }));
    timezone.dict.borrow_mut().insert("max".into(), new_native(&timezone, Tz { offset: 86_400_000_000 - 60_000_000, name: None }));

    // date
    let mut list: Vec<(&str, NativeFn)> = vec![
        ("__repr__", date_repr),
        ("__str__", date_isoformat),
        ("__format__", any_format),
        ("__add__", date_add),
        ("__radd__", date_add),
        ("__sub__", date_sub),
        ("isoformat", date_isoformat),
        ("replace", date_replace),
        ("weekday", date_weekday),
        ("isoweekday", date_isoweekday),
        ("isocalendar", date_isocalendar),
        ("toordinal", date_toordinal),
        ("strftime", any_strftime),
        ("ctime", any_ctime),
        ("timetuple", any_timetuple),
    ];
    list.extend_from_slice(cmp);
    let mut a = cls_attrs(
        &list,
        &[("year", date_year), ("month", date_month), ("day", date_day)],
        &[("today", date_today), ("fromordinal", date_fromordinal), ("fromisoformat", date_fromisoformat), ("fromtimestamp", date_fromtimestamp), ("fromisocalendar", date_fromisocalendar)],
        "date",
    );
    fix_new(&mut a, date_new);
    let date = c_type(make_class(vm, "date", "datetime", vec![], a)?);
    date.dict.borrow_mut().insert("min".into(), new_native(&date, Date { y: 1, m: 1, d: 1 }));
    date.dict.borrow_mut().insert("max".into(), new_native(&date, Date { y: 9999, m: 12, d: 31 }));
    date.dict.borrow_mut().insert("resolution".into(), new_native(&delta, Delta { days: 1, secs: 0, us: 0 }));

    // time
    let mut list: Vec<(&str, NativeFn)> = vec![
        ("__repr__", time_repr),
        ("__str__", time_isoformat),
        ("__format__", any_format),
        ("__bool__", time_bool),
        ("isoformat", time_isoformat),
        ("replace", time_replace),
        ("strftime", any_strftime),
        ("utcoffset", any_utcoffset),
        ("tzname", any_tzname),
        ("dst", any_dst),
    ];
    list.extend_from_slice(cmp);
    let mut a = cls_attrs(
        &list,
        &[("hour", t_hour), ("minute", t_minute), ("second", t_second), ("microsecond", t_microsecond), ("tzinfo", t_tzinfo), ("fold", t_fold)],
        &[("fromisoformat", time_fromisoformat)],
        "time",
    );
    fix_new(&mut a, time_new);
    let time = c_type(make_class(vm, "time", "datetime", vec![], a)?);
    time.dict.borrow_mut().insert("min".into(), new_native(&time, Time { h: 0, mi: 0, s: 0, us: 0, tz: None, fold: 0 }));
    time.dict.borrow_mut().insert("max".into(), new_native(&time, Time { h: 23, mi: 59, s: 59, us: 999_999, tz: None, fold: 0 }));
    time.dict.borrow_mut().insert("resolution".into(), new_native(&delta, Delta { days: 0, secs: 0, us: 1 }));

    // datetime
    let mut list: Vec<(&str, NativeFn)> = vec![
        ("__repr__", dt_repr),
        ("__str__", dt_str),
        ("__format__", any_format),
        ("__add__", dt_add),
        ("__radd__", dt_add),
        ("__sub__", dt_sub),
        ("isoformat", dt_isoformat),
        ("replace", dt_replace),
        ("date", dt_date),
        ("time", dt_time),
        ("timetz", dt_timetz),
        ("timestamp", dt_timestamp),
        ("astimezone", dt_astimezone),
        ("utcoffset", any_utcoffset),
        ("tzname", any_tzname),
        ("dst", any_dst),
        ("utctimetuple", any_timetuple),
    ];
    list.extend_from_slice(cmp);
    let mut a = cls_attrs(
        &list,
        &[("hour", t_hour), ("minute", t_minute), ("second", t_second), ("microsecond", t_microsecond), ("tzinfo", t_tzinfo), ("fold", t_fold)],
        &[
            ("now", dt_now),
            ("utcnow", dt_utcnow),
            ("today", dt_today),
            ("fromtimestamp", dt_fromtimestamp),
            ("utcfromtimestamp", dt_utcfromtimestamp),
            ("combine", dt_combine),
            ("strptime", dt_strptime),
            ("fromisoformat", dt_fromisoformat),
            ("fromordinal", dt_fromordinal),
        ],
        "datetime",
    );
    fix_new(&mut a, dt_new);
    let datetime = c_type(make_class(vm, "datetime", "datetime", vec![date.clone()], a)?);
    let min_dt = DateTime { date: Date { y: 1, m: 1, d: 1 }, time: Time { h: 0, mi: 0, s: 0, us: 0, tz: None, fold: 0 } };
    let max_dt = DateTime { date: Date { y: 9999, m: 12, d: 31 }, time: Time { h: 23, mi: 59, s: 59, us: 999_999, tz: None, fold: 0 } };
    datetime.dict.borrow_mut().insert("min".into(), new_native(&datetime, min_dt));
    datetime.dict.borrow_mut().insert("max".into(), new_native(&datetime, max_dt));
    datetime.dict.borrow_mut().insert("resolution".into(), new_native(&delta, Delta { days: 0, secs: 0, us: 1 }));

    let iso_list: Vec<(&str, NativeFn)> = vec![
        ("__repr__", iso_repr),
        ("__iter__", iso_iter),
        ("__len__", iso_len),
        ("__getitem__", iso_getitem),
        ("__eq__", iso_eq),
        ("__hash__", iso_hash),
    ];
    let iso = make_class(vm, "IsoCalendarDate", "datetime", vec![], cls_attrs(&iso_list, &[("year", iso_year), ("week", iso_week), ("weekday", iso_weekday)], &[], "IsoCalendarDate"))?;

    let mut attrs = Attrs::default();
    attrs.insert("timedelta".into(), Value::Class(delta));
    attrs.insert("date".into(), Value::Class(date));
    attrs.insert("time".into(), Value::Class(time));
    attrs.insert("datetime".into(), Value::Class(datetime));
    attrs.insert("tzinfo".into(), Value::Class(tzinfo));
    attrs.insert("timezone".into(), Value::Class(timezone));
    attrs.insert("_IsoCalendarDate".into(), Value::Class(iso));
    attrs.insert("UTC".into(), utc);
    attrs.insert("MINYEAR".into(), Value::Int(MINYEAR));
    attrs.insert("MAXYEAR".into(), Value::Int(MAXYEAR));
    Ok(super::helpers_c::module("datetime", attrs))
}

/// `__new__` must be a static method so that calling the class runs it.
fn fix_new(a: &mut Attrs, f: NativeFn) {
    a.insert("__new__".into(), staticmethod("__new__", f));
    a.insert("__init__".into(), builtin("__init__", noop_init));
}

fn noop_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn cls_of(args: &mut Args) -> PyResult<Rc<Class>> {
    if args.pos.is_empty() {
        return Err(PyErr::type_error("__new__(): not enough arguments"));
    }
    match args.pos.remove(0) {
        Value::Class(c) => Ok(c),
        other => Err(PyErr::type_error(format!("__new__(X): X is not a type object ({})", other.type_name()))),
    }
}

// ----- timedelta -----

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

fn td_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_of(&mut args)?;
    let vals = args.bind(
        "timedelta",
        ["days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"],
        0,
        0,
    )?;
    const FACT: [i128; 7] = [US_PER_DAY, 1_000_000, 1, 1000, 60_000_000, 3_600_000_000, 7 * US_PER_DAY];
    let mut total: i128 = 0;
    let mut frac: f64 = 0.0;
    for (v, f) in vals.into_iter().zip(FACT) {
        let Some(v) = v else { continue };
        match &v {
            Value::Float(x) => {
                if !x.is_finite() {
                    return Err(PyErr::value_error("cannot convert float NaN to integer"));
                }
                let whole = x.trunc();
                if whole.abs() > 1e18 {
                    return Err(PyErr::overflow("normalized days too large to fit in a C int"));
                }
                total += whole as i128 * f;
                frac += (x - whole) * f as f64;
            }
            Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                let b = to_big(vm, &v)?;
                let i = b.to_i128().filter(|i| i.abs() < 1_000_000_000_000_000_000_000).ok_or_else(|| {
                    PyErr::overflow("Python int too large to convert to C int")
                })?;
                total += i * f;
            }
            other => {
                return Err(PyErr::type_error(format!(
                    "unsupported type for timedelta {} component: {}",
                    "days",
                    other.type_name()
                )));
            }
        }
    }
    total += round_half_even(frac) as i128;
    Ok(new_native(&cls, Delta::from_us(total)?))
}

fn td_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "__repr__")?;
    let mut parts = Vec::new();
    if d.days != 0 {
        parts.push(format!("days={}", d.days));
    }
    if d.secs != 0 {
        parts.push(format!("seconds={}", d.secs));
    }
    if d.us != 0 {
        parts.push(format!("microseconds={}", d.us));
    }
    if parts.is_empty() {
        parts.push("0".into());
    }
    Ok(Value::string(format!("datetime.timedelta({})", parts.join(", "))))
}

pub fn delta_str(d: &Delta) -> String {
    let (h, m, s) = (d.secs / 3600, d.secs / 60 % 60, d.secs % 60);
    let mut out = String::new();
    if d.days != 0 {
        out.push_str(&format!("{} day{}, ", d.days, if d.days.abs() != 1 { "s" } else { "" }));
    }
    out.push_str(&format!("{h}:{m:02}:{s:02}"));
    if d.us != 0 {
        out.push_str(&format!(".{:06}", d.us));
    }
    out
}

fn td_str(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "__str__")?;
    Ok(Value::string(delta_str(&d)))
}

fn two(args: &Args) -> (Value, Value) {
    (args.pos.first().cloned().unwrap_or(Value::None), args.pos.get(1).cloned().unwrap_or(Value::None))
}

fn td_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    match (get_delta(&a), get_delta(&b)) {
        (Some(x), Some(y)) => mk_delta(vm, Delta::from_us(x.total_us() + y.total_us())?),
        _ => Ok(Value::NotImplemented),
    }
}

fn td_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    match (get_delta(&a), get_delta(&b)) {
        (Some(x), Some(y)) => mk_delta(vm, Delta::from_us(x.total_us() - y.total_us())?),
        _ => Ok(Value::NotImplemented),
    }
}

fn td_rsub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    match (get_delta(&a), get_delta(&b)) {
        (Some(x), Some(y)) => mk_delta(vm, Delta::from_us(y.total_us() - x.total_us())?),
        _ => Ok(Value::NotImplemented),
    }
}

fn td_neg(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "__neg__")?;
    mk_delta(vm, Delta::from_us(-d.total_us())?)
}

fn td_pos(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "__pos__")?;
    mk_delta(vm, d)
}

fn td_abs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "__abs__")?;
    mk_delta(vm, Delta::from_us(d.total_us().abs())?)
}

fn td_bool(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "__bool__")?;
    Ok(Value::Bool(d.total_us() != 0))
}

fn td_days(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_delta(&args, "days")?.days))
}
fn td_seconds(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_delta(&args, "seconds")?.secs))
}
fn td_microseconds(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_delta(&args, "microseconds")?.us))
}

fn td_total_seconds(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_delta(&args, "total_seconds")?;
    Ok(Value::Float(d.total_us() as f64 / 1e6))
}

/// The exact ratio of a finite float.
fn float_ratio(f: f64) -> PyResult<(BigInt, BigInt)> {
    if !f.is_finite() {
        return Err(PyErr::value_error("cannot convert NaN or infinity to integer ratio"));
    }
    if f == 0.0 {
        return Ok((BigInt::from(0), BigInt::from(1)));
    }
    let bits = f.to_bits();
    let sign = if bits >> 63 == 1 { -1 } else { 1 };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = if exp == 0 { (bits & ((1 << 52) - 1)) << 1 } else { (bits & ((1 << 52) - 1)) | (1 << 52) };
    let e = exp - 1075;
    let mut num: BigInt = BigInt::from(mant) * BigInt::from(sign);
    let mut den = BigInt::from(1);
    if e > 0 {
        num <<= e as usize;
    } else {
        den <<= (-e) as usize;
    }
    let g = num.gcd(&den);
    Ok((num / &g, den / g))
}

/// Rounds num/den to the nearest integer, ties to even.
fn div_nearest(num: &BigInt, den: &BigInt) -> BigInt {
    let (q, r) = num.div_mod_floor(den);
    let twice: BigInt = &r * BigInt::from(2);
    let den_abs = den.abs();
    let twice_abs = if den.is_negative() { -twice } else { twice };
    if twice_abs > den_abs || (twice_abs == den_abs && q.is_odd()) {
        q + 1
    } else {
        q
    }
}

fn big_to_delta(b: BigInt) -> PyResult<Delta> {
    let i = b.to_i128().ok_or_else(|| PyErr::overflow("Python int too large to convert to C int"))?;
    Delta::from_us(i)
}

fn td_mul(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let Some(d) = get_delta(&a) else { return Ok(Value::NotImplemented) };
    let us = BigInt::from(d.total_us());
    match &b {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = to_big(vm, &b)?;
            mk_delta(vm, big_to_delta(us * n)?)
        }
        Value::Float(f) => {
            let (n, m) = float_ratio(*f)?;
            mk_delta(vm, big_to_delta(div_nearest(&(us * n), &m))?)
        }
        _ => Ok(Value::NotImplemented),
    }
}

fn td_truediv(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let Some(d) = get_delta(&a) else { return Ok(Value::NotImplemented) };
    let us = BigInt::from(d.total_us());
    if let Some(o) = get_delta(&b) {
        let ou = o.total_us();
        if ou == 0 {
            return Err(PyErr::zero_division("division by zero"));
        }
        return vm.binary_op(&Value::from_bigint(us), &Value::from_bigint(BigInt::from(ou)), crate::syntax::ast::BinOp::Div);
    }
    match &b {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = to_big(vm, &b)?;
            if n == BigInt::from(0) {
                return Err(PyErr::zero_division("integer division or modulo by zero"));
            }
            mk_delta(vm, big_to_delta(div_nearest(&us, &n))?)
        }
        Value::Float(f) => {
            let (n, m) = float_ratio(*f)?;
            if n == BigInt::from(0) {
                return Err(PyErr::zero_division("integer division or modulo by zero"));
            }
            mk_delta(vm, big_to_delta(div_nearest(&(us * m), &n))?)
        }
        _ => Ok(Value::NotImplemented),
    }
}

fn td_floordiv(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let Some(d) = get_delta(&a) else { return Ok(Value::NotImplemented) };
    let us = d.total_us();
    if let Some(o) = get_delta(&b) {
        let ou = o.total_us();
        if ou == 0 {
            return Err(PyErr::zero_division("integer division or modulo by zero"));
        }
        return Ok(Value::from_bigint(BigInt::from(Integer::div_floor(&us, &ou))));
    }
    match &b {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let n = to_big(vm, &b)?;
            if n == BigInt::from(0) {
                return Err(PyErr::zero_division("integer division or modulo by zero"));
            }
            mk_delta(vm, big_to_delta(BigInt::from(us).div_floor(&n))?)
        }
        _ => Ok(Value::NotImplemented),
    }
}

fn td_mod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    match (get_delta(&a), get_delta(&b)) {
        (Some(x), Some(y)) => {
            if y.total_us() == 0 {
                return Err(PyErr::zero_division("integer modulo by zero"));
            }
            mk_delta(vm, Delta::from_us(x.total_us().mod_floor(&y.total_us()))?)
        }
        _ => Ok(Value::NotImplemented),
    }
}

fn td_divmod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    match (get_delta(&a), get_delta(&b)) {
        (Some(x), Some(y)) => {
            if y.total_us() == 0 {
                return Err(PyErr::zero_division("integer division or modulo by zero"));
            }
            let (q, r) = x.total_us().div_mod_floor(&y.total_us());
            let r = mk_delta(vm, Delta::from_us(r)?)?;
            Ok(Value::tuple(vec![Value::from_bigint(BigInt::from(q)), r]))
        }
        _ => Ok(Value::NotImplemented),
    }
}

// ----- comparisons and hashing for all kinds -----

#[derive(PartialEq)]
enum Kind {
    Delta,
    Date,
    DateTime,
    Time,
}

fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::Native(n) => {
            let d = n.data.try_borrow().ok()?;
            if d.is::<Delta>() {
                Some(Kind::Delta)
            } else if d.is::<Date>() {
                Some(Kind::Date)
            } else if d.is::<DateTime>() {
                Some(Kind::DateTime)
            } else if d.is::<Time>() {
                Some(Kind::Time)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A sortable key of a value of a kind, or an error for naive/aware mixes.
fn cmp_key(v: &Value, k: &Kind) -> (i128, Option<i64>) {
    match k {
        Kind::Delta => (get_delta(v).map(|d| d.total_us()).unwrap_or(0), None),
        Kind::Date => (get_date(v).map(|d| d.ordinal() as i128).unwrap_or(0), None),
        Kind::DateTime => match get_dt(v) {
            Some(d) => match d.offset() {
                Some(o) => (d.utc_us(), Some(o)),
                None => (d.local_us(), None),
            },
            None => (0, None),
        },
        Kind::Time => match get_time(v) {
            Some(t) => {
                let off = t.tz.as_ref().and_then(tz_offset);
                let us = ((t.h * 3600 + t.mi * 60 + t.s) as i128) * 1_000_000 + t.us as i128 - off.unwrap_or(0) as i128;
                (us, off)
            }
            None => (0, None),
        },
    }
}

fn compare(args: &Args, op: &str) -> PyResult<Option<std::cmp::Ordering>> {
    let (a, b) = two(args);
    let (Some(ka), Some(kb)) = (kind(&a), kind(&b)) else { return Ok(None) };
    if ka != kb {
        if op == "==" || op == "!=" {
            return Ok(None);
        }
        // datetime against a plain date has its own message, whichever side it is on
        // (the datetime's reflected comparison runs first, being the subclass).
        if matches!((&ka, &kb), (Kind::DateTime, Kind::Date) | (Kind::Date, Kind::DateTime)) {
            return Err(PyErr::type_error("can't compare datetime.datetime to datetime.date"));
        }
        return Err(PyErr::type_error(format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            c_type_name(&a),
            c_type_name(&b)
        )));
    }
    let (x, ox) = cmp_key(&a, &ka);
    let (y, oy) = cmp_key(&b, &kb);
    if ox.is_some() != oy.is_some() {
        if op == "==" || op == "!=" {
            return Ok(Some(std::cmp::Ordering::Less));
        }
        let what = if ka == Kind::Time { "times" } else { "datetimes" };
        return Err(PyErr::type_error(format!("can't compare offset-naive and offset-aware {what}")));
    }
    Ok(Some(x.cmp(&y)))
}

/// The type's name as CPython's messages print it: `datetime.date` for the
/// module's own types (their C `tp_name`), the bare name for a subclass.
fn c_type_name(v: &Value) -> String {
    match v {
        Value::Native(n) if &*n.class.module == "datetime" => format!("datetime.{}", n.class.name),
        _ => v.type_name().to_string(),
    }
}

fn any_eq(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match compare(&args, "==")? {
        Some(o) => Value::Bool(o.is_eq()),
        None => Value::NotImplemented,
    })
}
fn any_ne(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match compare(&args, "!=")? {
        Some(o) => Value::Bool(!o.is_eq()),
        None => Value::NotImplemented,
    })
}
fn any_lt(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match compare(&args, "<")? {
        Some(o) => Value::Bool(o.is_lt()),
        None => Value::NotImplemented,
    })
}
fn any_le(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match compare(&args, "<=")? {
        Some(o) => Value::Bool(o.is_le()),
        None => Value::NotImplemented,
    })
}
fn any_gt(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match compare(&args, ">")? {
        Some(o) => Value::Bool(o.is_gt()),
        None => Value::NotImplemented,
    })
}
fn any_ge(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match compare(&args, ">=")? {
        Some(o) => Value::Bool(o.is_ge()),
        None => Value::NotImplemented,
    })
}

fn any_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = arg0(&args, "__hash__")?;
    let Some(k) = kind(&v) else { return Ok(Value::Int(0)) };
    let (key, _) = cmp_key(&v, &k);
    let tag = match k {
        Kind::Delta => 1,
        Kind::Date => 2,
        Kind::DateTime => 3,
        Kind::Time => 4,
    };
    let t = Value::tuple(vec![Value::Int(tag), Value::from_bigint(BigInt::from(key))]);
    let h = vm.hash(&t)?;
    Ok(Value::Int(h as i64))
}

// ----- timezone -----

fn tz_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_of(&mut args)?;
    let [offset, name] = args.bind("timezone", ["offset", "name"], 0, 1)?;
    let offset = offset.unwrap_or(Value::None);
    let Some(d) = get_delta(&offset) else {
        return Err(PyErr::type_error(format!(
            "timezone() argument 1 must be datetime.timedelta, not {}",
            offset.type_name()
        )));
    };
    let name = match name {
        None => None,
        Some(Value::Str(s)) => Some(s.as_str().to_owned()),
        Some(other) => {
            return Err(PyErr::type_error(format!("timezone() argument 2 must be str, not {}", other.type_name())));
        }
    };
    let us = d.total_us();
    if us.abs() >= US_PER_DAY {
        return Err(PyErr::value_error(format!(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
            vm.repr(&offset)?
        )));
    }
    Ok(new_native(&cls, Tz { offset: us as i64, name }))
}

fn self_tz(args: &Args) -> PyResult<Tz> {
    native_get::<Tz>(&arg0(args, "timezone")?).ok_or_else(|| PyErr::type_error("descriptor requires a 'datetime.timezone' object"))
}

fn tz_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Ok(t) = self_tz(&args) else {
        return Ok(Value::string("<datetime.tzinfo object>".to_string()));
    };
    if t.offset == 0 && t.name.is_none() {
        return Ok(Value::str("datetime.timezone.utc"));
    }
    let d = mk_delta(vm, Delta::from_us(t.offset as i128)?)?;
    let dr = vm.repr(&d)?;
    Ok(Value::string(match &t.name {
        Some(n) => format!("datetime.timezone({dr}, {})", vm.repr(&Value::str(n))?),
        None => format!("datetime.timezone({dr})"),
    }))
}

fn tz_str(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_tz(&args)?;
    Ok(Value::string(t.name.unwrap_or_else(|| utc_name(t.offset))))
}

fn tz_utcoffset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_tz(&args)?;
    mk_delta(vm, Delta::from_us(t.offset as i128)?)
}

fn tz_tzname(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_tz(&args)?;
    Ok(Value::string(t.name.unwrap_or_else(|| utc_name(t.offset))))
}

fn tz_dst(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn tz_eq(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    match (native_get::<Tz>(&a), native_get::<Tz>(&b)) {
        (Some(x), Some(y)) => Ok(Value::Bool(x.offset == y.offset)),
        _ => Ok(Value::NotImplemented),
    }
}

fn tz_hash(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_tz(&args)?;
    Ok(Value::Int(crate::values::hash::hash_i64(t.offset) as i64))
}

// ----- date -----

fn date_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_of(&mut args)?;
    let [y, m, d] = parse_tuple_kw(args, None, ["year", "month", "day"], 3, 3)?;
    let (y, m, d) = (int_arg(vm, y, 0)?, int_arg(vm, m, 0)?, int_arg(vm, d, 0)?);
    Ok(new_native(&cls, check_date(y, m, d)?))
}

fn date_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_date(&args, "__repr__")?;
    Ok(Value::string(format!("datetime.date({}, {}, {})", d.y, d.m, d.d)))
}

fn date_iso(d: &Date) -> String {
    format!("{:04}-{:02}-{:02}", d.y, d.m, d.d)
}

fn date_isoformat(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_date(&args, "isoformat")?;
    Ok(Value::string(date_iso(&d)))
}

fn date_year(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_date(&args, "year")?.y))
}
fn date_month(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_date(&args, "month")?.m))
}
fn date_day(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_date(&args, "day")?.d))
}

fn date_weekday(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_date(&args, "weekday")?.weekday()))
}
fn date_isoweekday(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_date(&args, "isoweekday")?.weekday() + 1))
}
fn date_toordinal(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_date(&args, "toordinal")?.ordinal()))
}

fn date_isocalendar(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_date(&args, "isocalendar")?;
    let c = classes(vm)?;
    Ok(new_native(&c.iso, isocalendar(&d)))
}

fn date_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let (Some(d), Some(td)) = (native_get::<Date>(&a), get_delta(&b)) else { return Ok(Value::NotImplemented) };
    let ord = d.ordinal() + td.days;
    if ord < 1 || ord > ymd2ord(MAXYEAR, 12, 31) {
        return Err(PyErr::overflow("date value out of range"));
    }
    mk_date(vm, ord2ymd(ord))
}

fn date_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let Some(d) = native_get::<Date>(&a) else { return Ok(Value::NotImplemented) };
    if let Some(td) = get_delta(&b) {
        let ord = d.ordinal() - td.days;
        if ord < 1 || ord > ymd2ord(MAXYEAR, 12, 31) {
            return Err(PyErr::overflow("date value out of range"));
        }
        return mk_date(vm, ord2ymd(ord));
    }
    if let Some(o) = native_get::<Date>(&b) {
        return mk_delta(vm, Delta { days: d.ordinal() - o.ordinal(), secs: 0, us: 0 });
    }
    Ok(Value::NotImplemented)
}

fn date_replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "replace")?;
    let d = self_date(&args, "replace")?;
    let mut a = args;
    a.pos.remove(0);
    let [y, m, dd] = parse_tuple_kw(a, Some("replace"), ["year", "month", "day"], 0, 3)?;
    let nd = check_date(int_arg(vm, y, d.y)?, int_arg(vm, m, d.m)?, int_arg(vm, dd, d.d)?)?;
    let cls = vm.type_of(&me);
    Ok(new_native(&cls, nd))
}

fn now_utc_us() -> i128 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_micros() as i128,
        Err(_) => 0,
    }
}

fn epoch_us() -> i128 {
    (ymd2ord(1970, 1, 1) as i128 - 1) * US_PER_DAY
}

fn date_today(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = match args.pos.first() {
        Some(Value::Class(c)) => c.clone(),
        _ => classes(vm)?.date,
    };
    let dt = DateTime::from_local_us(epoch_us() + now_utc_us(), None, 0)?;
    Ok(new_native(&cls, dt.date))
}

fn date_fromordinal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_c, n] = args.exact("fromordinal")?;
    let n = vm.index_of(&n)?;
    if n < 1 || n > ymd2ord(MAXYEAR, 12, 31) {
        return Err(PyErr::value_error(format!("ordinal must be >= 1")));
    }
    mk_date(vm, ord2ymd(n))
}

fn date_fromisocalendar(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_c, y, w, d] = args.exact("fromisocalendar")?;
    let (y, w, d) = (vm.index_of(&y)?, vm.index_of(&w)?, vm.index_of(&d)?);
    if !(MINYEAR..=MAXYEAR).contains(&y) {
        return Err(PyErr::value_error(format!("Year is out of range: {y}")));
    }
    let last_week = if isocalendar(&Date { y, m: 12, d: 28 }).1 == 53 { 53 } else { 52 };
    if w < 1 || w > last_week {
        return Err(PyErr::value_error(format!("Invalid week: {w}")));
    }
    if !(1..=7).contains(&d) {
        return Err(PyErr::value_error(format!("Invalid weekday: {d} (range is [1, 7])")));
    }
    let ord = iso_week1_monday(y) + (w - 1) * 7 + (d - 1);
    mk_date(vm, ord2ymd(ord))
}

fn date_fromtimestamp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_c, ts] = args.exact("fromtimestamp")?;
    let us = ts_to_us(vm, &ts)?;
    let dt = DateTime::from_local_us(epoch_us() + us, None, 0)?;
    mk_date(vm, dt.date)
}

fn ts_to_us(vm: &mut Vm, ts: &Value) -> PyResult<i128> {
    match ts {
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(PyErr::value_error("cannot convert float NaN to integer"));
            }
            let whole = f.floor();
            let frac = round_half_even((f - whole) * 1e6);
            Ok(whole as i128 * 1_000_000 + frac as i128)
        }
        _ => {
            let b = to_big(vm, ts)?;
            let i = b.to_i128().ok_or_else(|| PyErr::overflow("timestamp out of range for platform time_t"))?;
            Ok(i.saturating_mul(1_000_000))
        }
    }
}

fn date_fromisoformat(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [c, s] = args.exact("fromisoformat")?;
    let Value::Str(st) = &s else {
        return Err(PyErr::type_error("fromisoformat: argument must be str"));
    };
    let chars: Vec<char> = st.as_str().chars().collect();
    // CPython takes only the three lengths of YYYY-MM-DD, YYYYMMDD, YYYY-Www(-D).
    let ymd = match st.as_str().len() {
        7 | 8 | 10 => iso::parse_date(&chars, chars.len()),
        _ => None,
    };
    let Some((y, m, d)) = ymd else {
        return Err(PyErr::value_error(format!("Invalid isoformat string: {}", vm.repr(&s)?)));
    };
    let d = check_date(y, m, d)?;
    let cls = match c {
        Value::Class(c) => c,
        _ => classes(vm)?.date,
    };
    Ok(new_native(&cls, d))
}

/// The timezone of a parsed ISO offset, as `tzinfo_from_isoformat_results`: zero
/// seconds is UTC, and the offset must be under a day.
fn iso_tz(vm: &mut Vm, off: Option<(i64, i64)>) -> PyResult<Option<Value>> {
    let Some((secs, us)) = off else { return Ok(None) };
    let total = if secs == 0 { 0 } else { secs as i128 * 1_000_000 + us as i128 };
    if total.abs() >= US_PER_DAY {
        let d = mk_delta(vm, Delta::from_us(total)?)?;
        return Err(PyErr::value_error(format!(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
            vm.repr(&d)?
        )));
    }
    Ok(Some(mk_tz(vm, Tz { offset: total as i64, name: None })?))
}

// ----- time -----

fn time_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_of(&mut args)?;
    let [h, m, s, us, tz, fold] = parse_tuple_kw(args, None, ["hour", "minute", "second", "microsecond", "tzinfo", "fold"], 0, 5)?;
    let t = check_time(int_arg(vm, h, 0)?, int_arg(vm, m, 0)?, int_arg(vm, s, 0)?, int_arg(vm, us, 0)?, tz_arg(tz), int_arg(vm, fold, 0)?)?;
    Ok(new_native(&cls, t))
}

fn time_repr_parts(t: &Time) -> String {
    if t.us != 0 {
        format!("{}, {}, {}, {}", t.h, t.mi, t.s, t.us)
    } else if t.s != 0 {
        format!("{}, {}, {}", t.h, t.mi, t.s)
    } else {
        format!("{}, {}", t.h, t.mi)
    }
}

fn time_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_time(&args, "__repr__")?;
    let mut s = format!("datetime.time({}", time_repr_parts(&t));
    if t.fold != 0 {
        s.push_str(", fold=1");
    }
    if let Some(tz) = &t.tz {
        s.push_str(&format!(", tzinfo={}", vm.repr(tz)?));
    }
    s.push(')');
    Ok(Value::string(s))
}

fn time_iso(t: &Time, spec: &str) -> PyResult<String> {
    let mut s = match spec {
        "auto" => {
            if t.us != 0 {
                format!("{:02}:{:02}:{:02}.{:06}", t.h, t.mi, t.s, t.us)
            } else {
                format!("{:02}:{:02}:{:02}", t.h, t.mi, t.s)
            }
        }
        "hours" => format!("{:02}", t.h),
        "minutes" => format!("{:02}:{:02}", t.h, t.mi),
        "seconds" => format!("{:02}:{:02}:{:02}", t.h, t.mi, t.s),
        "milliseconds" => format!("{:02}:{:02}:{:02}.{:03}", t.h, t.mi, t.s, t.us / 1000),
        "microseconds" => format!("{:02}:{:02}:{:02}.{:06}", t.h, t.mi, t.s, t.us),
        _ => return Err(PyErr::value_error("Unknown timespec value")),
    };
    if let Some(off) = t.tz.as_ref().and_then(tz_offset) {
        s.push_str(&fmt_offset(off, ":"));
    }
    Ok(s)
}

fn str_arg(v: Option<Value>, default: &str) -> PyResult<String> {
    match v {
        None => Ok(default.to_owned()),
        Some(Value::Str(s)) => Ok(s.as_str().to_owned()),
        Some(other) => Err(PyErr::type_error(format!("argument must be str, not {}", other.type_name()))),
    }
}

fn time_isoformat(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_time(&args, "isoformat")?;
    let mut a = args;
    a.pos.remove(0);
    let [spec] = a.bind("isoformat", ["timespec"], 0, 0)?;
    Ok(Value::string(time_iso(&t, &str_arg(spec, "auto")?)?))
}

fn time_bool(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Bool(true))
}

fn time_replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "replace")?;
    let t = self_time(&args, "replace")?;
    let mut a = args;
    a.pos.remove(0);
    let [h, m, s, us, tz, fold] =
        parse_tuple_kw(a, Some("replace"), ["hour", "minute", "second", "microsecond", "tzinfo", "fold"], 0, 5)?;
    let tz = match tz {
        None => t.tz.clone(),
        Some(v) => tz_arg(Some(v)),
    };
    let nt = check_time(
        int_arg(vm, h, t.h)?,
        int_arg(vm, m, t.mi)?,
        int_arg(vm, s, t.s)?,
        int_arg(vm, us, t.us)?,
        tz,
        int_arg(vm, fold, t.fold)?,
    )?;
    let cls = vm.type_of(&me);
    Ok(new_native(&cls, nt))
}

/// The time part of a time or a datetime.
fn any_time(v: &Value) -> Option<Time> {
    get_time(v).or_else(|| get_dt(v).map(|d| d.time))
}

fn self_any_time(args: &Args, what: &str) -> PyResult<Time> {
    any_time(&arg0(args, what)?).ok_or_else(|| PyErr::type_error(format!("descriptor '{what}' requires a 'datetime.time' object")))
}

fn t_hour(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_any_time(&args, "hour")?.h))
}
fn t_minute(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_any_time(&args, "minute")?.mi))
}
fn t_second(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_any_time(&args, "second")?.s))
}
fn t_microsecond(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_any_time(&args, "microsecond")?.us))
}
fn t_fold(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_any_time(&args, "fold")?.fold))
}
fn t_tzinfo(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(self_any_time(&args, "tzinfo")?.tz.unwrap_or(Value::None))
}

fn any_utcoffset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_any_time(&args, "utcoffset")?;
    match t.tz.as_ref().and_then(tz_offset) {
        Some(o) => mk_delta(vm, Delta::from_us(o as i128)?),
        None => Ok(Value::None),
    }
}

fn any_tzname(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let t = self_any_time(&args, "tzname")?;
    Ok(t.tz.as_ref().and_then(tz_name).map(Value::string).unwrap_or(Value::None))
}

fn any_dst(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn time_fromisoformat(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let [_c, s] = args.exact("fromisoformat")?;
    let Value::Str(st) = &s else {
        return Err(PyErr::type_error("fromisoformat: argument must be str"));
    };
    let txt = st.as_str().strip_prefix('T').unwrap_or(st.as_str());
    let chars: Vec<char> = txt.chars().collect();
    let Some((h, mi, sec, us, off)) = iso::parse_time(&chars, 0) else {
        return Err(PyErr::value_error(format!("Invalid isoformat string: {}", vm.repr(&s)?)));
    };
    let tz = iso_tz(vm, off)?;
    let t = check_time(h, mi, sec, us, tz, 0)?;
    mk_time(vm, t)
}

// ----- datetime -----

fn dt_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_of(&mut args)?;
    let [y, mo, d, h, mi, s, us, tz, fold] = parse_tuple_kw(
        args,
        None,
        ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold"],
        3,
        8,
    )?;
    let date = check_date(int_arg(vm, y, 0)?, int_arg(vm, mo, 0)?, int_arg(vm, d, 0)?)?;
    let time = check_time(int_arg(vm, h, 0)?, int_arg(vm, mi, 0)?, int_arg(vm, s, 0)?, int_arg(vm, us, 0)?, tz_arg(tz), int_arg(vm, fold, 0)?)?;
    Ok(new_native(&cls, DateTime { date, time }))
}

fn dt_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "__repr__")?;
    let mut s = format!("datetime.datetime({}, {}, {}, {}", d.date.y, d.date.m, d.date.d, time_repr_parts(&d.time));
    if d.time.fold != 0 {
        s.push_str(", fold=1");
    }
    if let Some(tz) = &d.time.tz {
        s.push_str(&format!(", tzinfo={}", vm.repr(tz)?));
    }
    s.push(')');
    Ok(Value::string(s))
}

fn dt_iso(d: &DateTime, sep: &str, spec: &str) -> PyResult<String> {
    Ok(format!("{}{sep}{}", date_iso(&d.date), time_iso(&d.time, spec)?))
}

fn dt_str(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "__str__")?;
    Ok(Value::string(dt_iso(&d, " ", "auto")?))
}

fn dt_isoformat(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "isoformat")?;
    let mut a = args;
    a.pos.remove(0);
    let [sep, spec] = a.bind("isoformat", ["sep", "timespec"], 0, 0)?;
    let sep = str_arg(sep, "T")?;
    if sep.chars().count() != 1 {
        return Err(PyErr::type_error("isoformat() argument 1 must be a unicode character, not str"));
    }
    Ok(Value::string(dt_iso(&d, &sep, &str_arg(spec, "auto")?)?))
}

fn dt_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let (Some(d), Some(td)) = (get_dt(&a), get_delta(&b)) else { return Ok(Value::NotImplemented) };
    let r = DateTime::from_local_us(d.local_us() + td.total_us(), d.time.tz.clone(), 0)?;
    let cls = vm.type_of(&a);
    Ok(new_native(&cls, r))
}

fn dt_sub(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (a, b) = two(&args);
    let Some(d) = get_dt(&a) else { return Ok(Value::NotImplemented) };
    if let Some(td) = get_delta(&b) {
        let r = DateTime::from_local_us(d.local_us() - td.total_us(), d.time.tz.clone(), 0)?;
        let cls = vm.type_of(&a);
        return Ok(new_native(&cls, r));
    }
    if let Some(o) = get_dt(&b) {
        let (x, y) = match (d.offset(), o.offset()) {
            (None, None) => (d.local_us(), o.local_us()),
            (Some(_), Some(_)) => (d.utc_us(), o.utc_us()),
            _ => return Err(PyErr::type_error("can't subtract offset-naive and offset-aware datetimes")),
        };
        return mk_delta(vm, Delta::from_us(x - y)?);
    }
    Ok(Value::NotImplemented)
}

fn dt_replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "replace")?;
    let d = self_dt(&args, "replace")?;
    let mut a = args;
    a.pos.remove(0);
    let [y, mo, dd, h, mi, s, us, tz, fold] = parse_tuple_kw(
        a,
        Some("replace"),
        ["year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold"],
        0,
        8,
    )?;
    let date = check_date(int_arg(vm, y, d.date.y)?, int_arg(vm, mo, d.date.m)?, int_arg(vm, dd, d.date.d)?)?;
    let tz = match tz {
        None => d.time.tz.clone(),
        Some(v) => tz_arg(Some(v)),
    };
    let t = &d.time;
    let time = check_time(
        int_arg(vm, h, t.h)?,
        int_arg(vm, mi, t.mi)?,
        int_arg(vm, s, t.s)?,
        int_arg(vm, us, t.us)?,
        tz,
        int_arg(vm, fold, t.fold)?,
    )?;
    let cls = vm.type_of(&me);
    Ok(new_native(&cls, DateTime { date, time }))
}

fn dt_date(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "date")?;
    mk_date(vm, d.date)
}

fn dt_time(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "time")?;
    mk_time(vm, Time { tz: None, ..d.time })
}

fn dt_timetz(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "timetz")?;
    mk_time(vm, d.time)
}

fn dt_timestamp(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = self_dt(&args, "timestamp")?;
    // Naive datetimes are local time, and local time is UTC here.
    let us = d.utc_us() - epoch_us();
    Ok(Value::Float(us as f64 / 1e6))
}

fn dt_astimezone(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "astimezone")?;
    let d = self_dt(&args, "astimezone")?;
    let mut a = args;
    a.pos.remove(0);
    let [tz] = a.bind("astimezone", ["tz"], 0, 0)?;
    let tz = match tz_arg(tz) {
        Some(t) => {
            if native_get::<Tz>(&t).is_none() {
                return Err(PyErr::type_error(format!(
                    "astimezone() argument 1 must be datetime.tzinfo, not {}",
                    t.type_name()
                )));
            }
            t
        }
        None => mk_tz(vm, Tz { offset: 0, name: Some("UTC".into()) })?,
    };
    let off = tz_offset(&tz).unwrap_or(0);
    let r = DateTime::from_local_us(d.utc_us() + off as i128, Some(tz), 0)?;
    let cls = vm.type_of(&me);
    Ok(new_native(&cls, r))
}

fn cls_arg(vm: &mut Vm, args: &Args) -> PyResult<Rc<Class>> {
    match args.pos.first() {
        Some(Value::Class(c)) => Ok(c.clone()),
        _ => Ok(classes(vm)?.datetime),
    }
}

fn from_utc_us(vm: &mut Vm, cls: &Rc<Class>, utc: i128, tz: Option<Value>) -> PyResult<Value> {
    let off = tz.as_ref().and_then(tz_offset).unwrap_or(0) as i128;
    let d = DateTime::from_local_us(epoch_us() + utc + off, tz, 0)?;
    let _ = vm;
    Ok(new_native(cls, d))
}

fn dt_now(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    args.pos.remove(0);
    let [tz] = args.bind("now", ["tz"], 0, 0)?;
    from_utc_us(vm, &cls, now_utc_us(), tz_arg(tz))
}

fn dt_utcnow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    from_utc_us(vm, &cls, now_utc_us(), None)
}

fn dt_today(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    from_utc_us(vm, &cls, now_utc_us(), None)
}

fn dt_fromtimestamp(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    args.pos.remove(0);
    let [ts, tz] = args.bind("fromtimestamp", ["timestamp", "tz"], 0, 1)?;
    let us = ts_to_us(vm, &ts.unwrap_or(Value::None))?;
    from_utc_us(vm, &cls, us, tz_arg(tz))
}

fn dt_utcfromtimestamp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    let [_c, ts] = args.exact("utcfromtimestamp")?;
    let us = ts_to_us(vm, &ts)?;
    from_utc_us(vm, &cls, us, None)
}

fn dt_fromordinal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    let [_c, n] = args.exact("fromordinal")?;
    let n = vm.index_of(&n)?;
    if n < 1 || n > ymd2ord(MAXYEAR, 12, 31) {
        return Err(PyErr::value_error("ordinal must be >= 1"));
    }
    Ok(new_native(&cls, DateTime { date: ord2ymd(n), time: Time { h: 0, mi: 0, s: 0, us: 0, tz: None, fold: 0 } }))
}

fn dt_combine(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    args.pos.remove(0);
    let [d, t, tz] = args.bind("combine", ["date", "time", "tzinfo"], 0, 2)?;
    let (d, t) = (d.unwrap_or(Value::None), t.unwrap_or(Value::None));
    let Some(date) = get_date(&d) else {
        return Err(PyErr::type_error(format!("combine() argument 1 must be datetime.date, not {}", d.type_name())));
    };
    let Some(mut time) = get_time(&t) else {
        return Err(PyErr::type_error(format!("combine() argument 2 must be datetime.time, not {}", t.type_name())));
    };
    if let Some(tz) = tz {
        time.tz = tz_arg(Some(tz));
    }
    Ok(new_native(&cls, DateTime { date, time }))
}

fn dt_fromisoformat(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    let [_c, s] = args.exact("fromisoformat")?;
    let Value::Str(st) = &s else {
        return Err(PyErr::type_error("fromisoformat: argument must be str"));
    };
    let chars: Vec<char> = st.as_str().chars().collect();
    let Some(((y, m, d), (h, mi, sec, us, off))) = iso::parse_datetime(&chars) else {
        return Err(PyErr::value_error(format!("Invalid isoformat string: {}", vm.repr(&s)?)));
    };
    // CPython makes the timezone first, then checks the date and time fields.
    let tz = iso_tz(vm, off)?;
    let date = check_date(y, m, d)?;
    let time = check_time(h, mi, sec, us, tz, 0)?;
    Ok(new_native(&cls, DateTime { date, time }))
}

// ----- strftime -----

/// What strftime needs of a date/time.
pub struct Fields {
    pub y: i64,
    pub m: i64,
    pub d: i64,
    pub h: i64,
    pub mi: i64,
    pub s: i64,
    pub us: i64,
    /// Monday is 0.
    pub wday: i64,
    /// 1-based.
    pub yday: i64,
    pub offset: Option<i64>,
    pub tzname: Option<String>,
}

impl Fields {
    fn of(date: Date, t: &Time) -> Fields {
        Fields {
            y: date.y,
            m: date.m,
            d: date.d,
            h: t.h,
            mi: t.mi,
            s: t.s,
            us: t.us,
            wday: date.weekday(),
            yday: date.yday(),
            offset: t.tz.as_ref().and_then(tz_offset),
            tzname: t.tz.as_ref().and_then(tz_name),
        }
    }
}

/// C strftime as glibc does it, plus Python's %f, %z and %Z.
pub fn strftime(fmt: &str, f: &Fields) -> String {
    let mut out = String::new();
    let mut it = fmt.chars().peekable();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut pad: Option<char> = None;
        if let Some(&p) = it.peek() {
            if p == '-' || p == '_' || p == '0' {
                pad = Some(p);
                it.next();
            }
        }
        let Some(d) = it.next() else {
            out.push('%');
            break;
        };
        let num = |v: i64, w: usize, default_pad: char| -> String {
            match pad.unwrap_or(default_pad) {
                '-' => v.to_string(),
                '_' => format!("{v:>w$}"),
                _ => format!("{v:0w$}"),
            }
        };
        let h12 = if f.h % 12 == 0 { 12 } else { f.h % 12 };
        let sun_wday = (f.wday + 1) % 7;
        match d {
            'Y' => out.push_str(&num(f.y, 4, '0').to_string()),
            'y' => out.push_str(&num(f.y.rem_euclid(100), 2, '0')),
            'C' => out.push_str(&num(f.y / 100, 2, '0')),
            'm' => out.push_str(&num(f.m, 2, '0')),
            'd' => out.push_str(&num(f.d, 2, '0')),
            'e' => out.push_str(&num(f.d, 2, '_')),
            'H' => out.push_str(&num(f.h, 2, '0')),
            'k' => out.push_str(&num(f.h, 2, '_')),
            'I' => out.push_str(&num(h12, 2, '0')),
            'l' => out.push_str(&num(h12, 2, '_')),
            'M' => out.push_str(&num(f.mi, 2, '0')),
            'S' => out.push_str(&num(f.s, 2, '0')),
            'f' => out.push_str(&format!("{:06}", f.us)),
            'j' => out.push_str(&num(f.yday, 3, '0')),
            'a' => out.push_str(&DAY_NAMES[f.wday as usize % 7][..3]),
            'A' => out.push_str(DAY_NAMES[f.wday as usize % 7]),
            'b' | 'h' => out.push_str(&MONTH_NAMES[(f.m as usize + 11) % 12][..3]),
            'B' => out.push_str(MONTH_NAMES[(f.m as usize + 11) % 12]),
            'p' => out.push_str(if f.h < 12 { "AM" } else { "PM" }),
            'P' => out.push_str(if f.h < 12 { "am" } else { "pm" }),
            'w' => out.push_str(&sun_wday.to_string()),
            'u' => out.push_str(&(f.wday + 1).to_string()),
            'U' => out.push_str(&num((f.yday - 1 + 7 - sun_wday) / 7, 2, '0')),
            'W' => out.push_str(&num((f.yday - 1 + 7 - f.wday) / 7, 2, '0')),
            'G' | 'g' | 'V' => {
                let ic = isocalendar(&Date { y: f.y, m: f.m, d: f.d });
                match d {
                    'G' => out.push_str(&num(ic.0, 4, '0')),
                    'g' => out.push_str(&num(ic.0.rem_euclid(100), 2, '0')),
                    _ => out.push_str(&num(ic.1, 2, '0')),
                }
            }
            'z' => {
                if let Some(o) = f.offset {
                    out.push_str(&fmt_offset(o, ""));
                }
            }
            'Z' => {
                if let Some(n) = &f.tzname {
                    out.push_str(n);
                }
            }
            'c' => out.push_str(&format!(
                "{} {} {:>2} {:02}:{:02}:{:02} {}",
                &DAY_NAMES[f.wday as usize % 7][..3],
                &MONTH_NAMES[(f.m as usize + 11) % 12][..3],
                f.d,
                f.h,
                f.mi,
                f.s,
                f.y
            )),
            'x' => out.push_str(&format!("{:02}/{:02}/{:02}", f.m, f.d, f.y.rem_euclid(100))),
            'D' => out.push_str(&format!("{:02}/{:02}/{:02}", f.m, f.d, f.y.rem_euclid(100))),
            'X' | 'T' => out.push_str(&format!("{:02}:{:02}:{:02}", f.h, f.mi, f.s)),
            'R' => out.push_str(&format!("{:02}:{:02}", f.h, f.mi)),
            'r' => out.push_str(&format!("{:02}:{:02}:{:02} {}", h12, f.mi, f.s, if f.h < 12 { "AM" } else { "PM" })),
            'F' => out.push_str(&format!("{:04}-{:02}-{:02}", f.y, f.m, f.d)),
            's' => {
                let us = (ymd2ord(f.y, f.m, f.d) - ymd2ord(1970, 1, 1)) * 86400 + f.h * 3600 + f.mi * 60 + f.s;
                out.push_str(&us.to_string());
            }
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '%' => out.push('%'),
            other => {
                out.push('%');
                if let Some(p) = pad {
                    out.push(p);
                }
                out.push(other);
            }
        }
    }
    out
}

fn fields_of(v: &Value) -> Option<Fields> {
    if let Some(d) = get_dt(v) {
        return Some(Fields::of(d.date, &d.time));
    }
    if let Some(d) = native_get::<Date>(v) {
        return Some(Fields::of(d, &Time { h: 0, mi: 0, s: 0, us: 0, tz: None, fold: 0 }));
    }
    get_time(v).map(|t| Fields::of(Date { y: 1900, m: 1, d: 1 }, &t))
}

fn any_strftime(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "strftime")?;
    let fmt = match args.pos.get(1) {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(other) => return Err(PyErr::type_error(format!("strftime() argument 1 must be str, not {}", other.type_name()))),
        None => return Err(PyErr::type_error("strftime() missing required argument 'format' (pos 1)")),
    };
    let f = fields_of(&me).ok_or_else(|| PyErr::type_error("strftime requires a date or time"))?;
    Ok(Value::string(strftime(&fmt, &f)))
}

fn any_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "__format__")?;
    match args.pos.get(1) {
        Some(Value::Str(s)) if !s.as_str().is_empty() => {
            let f = fields_of(&me).ok_or_else(|| PyErr::type_error("strftime requires a date or time"))?;
            Ok(Value::string(strftime(s.as_str(), &f)))
        }
        Some(Value::Str(_)) => Ok(Value::string(vm.str(&me)?)),
        _ => Err(PyErr::type_error("__format__() argument 1 must be str")),
    }
}

fn any_ctime(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "ctime")?;
    let f = fields_of(&me).ok_or_else(|| PyErr::type_error("ctime requires a date"))?;
    Ok(Value::string(strftime("%c", &f)))
}

fn any_timetuple(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let me = arg0(&args, "timetuple")?;
    let f = fields_of(&me).ok_or_else(|| PyErr::type_error("timetuple requires a date"))?;
    let st = vm.import("time")?;
    let ctor = vm.getattr(&st, "struct_time")?;
    let t = Value::tuple(
        [f.y, f.m, f.d, f.h, f.mi, f.s, f.wday, f.yday, -1].iter().map(|x| Value::Int(*x)).collect(),
    );
    vm.call1(&ctor, t)
}

// ----- strptime -----

fn strptime_err(data: &str, fmt: &str) -> PyErr {
    PyErr::value_error(format!("time data {} does not match format {}", py_quote(data), py_quote(fmt)))
}

fn py_quote(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Parses `data` with `fmt` as Lib/_strptime.py does (for the common directives).
pub fn strptime_fields(data: &str, fmt: &str) -> PyResult<(Date, Time, Option<i64>)> {
    let d: Vec<char> = data.chars().collect();
    let mut pos = 0usize;
    let (mut year, mut month, mut day) = (1900i64, 1i64, 1i64);
    let (mut hour, mut minute, mut second, mut us) = (0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut yday: Option<i64> = None;
    let mut offset: Option<i64> = None;
    let mut have_hour12 = false;
    let mut it = fmt.chars().peekable();
    let err = || strptime_err(data, fmt);
    // A number of at most `max` digits within [lo, hi], longest that fits first.
    let number = |pos: &mut usize, max: usize, lo: i64, hi: i64| -> Option<i64> {
        let mut n = 0;
        while n < max && *pos + n < d.len() && d[*pos + n].is_ascii_digit() {
            n += 1;
        }
        while n > 0 {
            let s: String = d[*pos..*pos + n].iter().collect();
            if let Ok(v) = s.parse::<i64>() {
                if v >= lo && v <= hi {
                    *pos += n;
                    return Some(v);
                }
            }
            n -= 1;
        }
        None
    };
    let word = |pos: &mut usize, names: &[&str], abbrev: bool| -> Option<i64> {
        let rest: String = d[*pos..].iter().collect::<String>().to_lowercase();
        let mut best: Option<(usize, i64)> = None;
        for (i, n) in names.iter().enumerate() {
            let cand = if abbrev { n[..3].to_lowercase() } else { n.to_lowercase() };
            if rest.starts_with(&cand) && best.is_none_or(|(l, _)| cand.len() > l) {
                best = Some((cand.chars().count(), i as i64));
            }
        }
        let (l, i) = best?;
        *pos += l;
        Some(i)
    };
    while let Some(c) = it.next() {
        if c == '%' {
            let Some(dir) = it.next() else { return Err(PyErr::value_error("stray % in format ''")) };
            match dir {
                'Y' => {
                    let mut n = 0;
                    while n < 4 && pos + n < d.len() && d[pos + n].is_ascii_digit() {
                        n += 1;
                    }
                    if n != 4 {
                        return Err(err());
                    }
                    year = d[pos..pos + 4].iter().collect::<String>().parse().map_err(|_| err())?;
                    pos += 4;
                }
                'y' => {
                    let v = number(&mut pos, 2, 0, 99).ok_or_else(err)?;
                    year = if v <= 68 { 2000 + v } else { 1900 + v };
                }
                'm' => month = number(&mut pos, 2, 1, 12).ok_or_else(err)?,
                'd' | 'e' => {
                    if pos < d.len() && d[pos] == ' ' {
                        pos += 1;
                    }
                    day = number(&mut pos, 2, 1, 31).ok_or_else(err)?
                }
                'H' => hour = number(&mut pos, 2, 0, 23).ok_or_else(err)?,
                'I' => {
                    hour = number(&mut pos, 2, 1, 12).ok_or_else(err)?;
                    have_hour12 = true;
                }
                'M' => minute = number(&mut pos, 2, 0, 59).ok_or_else(err)?,
                'S' => second = number(&mut pos, 2, 0, 61).ok_or_else(err)?,
                'f' => {
                    let mut n = 0;
                    while n < 6 && pos + n < d.len() && d[pos + n].is_ascii_digit() {
                        n += 1;
                    }
                    if n == 0 {
                        return Err(err());
                    }
                    let s: String = d[pos..pos + n].iter().collect();
                    us = s.parse::<i64>().map_err(|_| err())? * 10i64.pow(6 - n as u32);
                    pos += n;
                }
                'j' => yday = Some(number(&mut pos, 3, 1, 366).ok_or_else(err)?),
                'b' | 'h' => month = word(&mut pos, &MONTH_NAMES, true).ok_or_else(err)? + 1,
                'B' => month = word(&mut pos, &MONTH_NAMES, false).ok_or_else(err)? + 1,
                'a' => {
                    word(&mut pos, &DAY_NAMES, true).ok_or_else(err)?;
                }
                'A' => {
                    word(&mut pos, &DAY_NAMES, false).ok_or_else(err)?;
                }
                'p' => {
                    let i = word(&mut pos, &["AM", "PM"], false).ok_or_else(err)?;
                    pm = Some(i == 1);
                }
                'w' => {
                    number(&mut pos, 1, 0, 6).ok_or_else(err)?;
                }
                'u' => {
                    number(&mut pos, 1, 1, 7).ok_or_else(err)?;
                }
                'U' | 'W' | 'V' => {
                    number(&mut pos, 2, 0, 53).ok_or_else(err)?;
                }
                'z' => {
                    if pos < d.len() && d[pos] == 'Z' {
                        pos += 1;
                        offset = Some(0);
                    } else {
                        if pos >= d.len() || (d[pos] != '+' && d[pos] != '-') {
                            return Err(err());
                        }
                        let sign = if d[pos] == '-' { -1 } else { 1 };
                        pos += 1;
                        let hh = number(&mut pos, 2, 0, 99).ok_or_else(err)?;
                        if pos < d.len() && d[pos] == ':' {
                            pos += 1;
                        }
                        let mm = number(&mut pos, 2, 0, 59).ok_or_else(err)?;
                        let mut ss = 0;
                        if pos < d.len() && (d[pos] == ':' || d[pos].is_ascii_digit()) {
                            if d[pos] == ':' {
                                pos += 1;
                            }
                            ss = number(&mut pos, 2, 0, 59).ok_or_else(err)?;
                        }
                        offset = Some(sign * ((hh * 60 + mm) * 60 + ss) * 1_000_000);
                    }
                }
                'Z' => {
                    let rest: String = d[pos..].iter().collect();
                    let up = rest.to_uppercase();
                    let mut found = false;
                    for n in ["UTC", "GMT"] {
                        if up.starts_with(n) {
                            pos += 3;
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Err(err());
                    }
                }
                '%' => {
                    if pos < d.len() && d[pos] == '%' {
                        pos += 1;
                    } else {
                        return Err(err());
                    }
                }
                other => {
                    return Err(PyErr::value_error(format!(
                        "'{other}' is a bad directive in format {}",
                        py_quote(&format!("%{other}"))
                    )));
                }
            }
        } else if c.is_whitespace() {
            // A run of whitespace in the format matches any whitespace (at least one... or none).
            while it.peek().is_some_and(|c| c.is_whitespace()) {
                it.next();
            }
            let start = pos;
            while pos < d.len() && d[pos].is_whitespace() {
                pos += 1;
            }
            if pos == start {
                return Err(err());
            }
        } else {
            if pos < d.len() && d[pos].to_lowercase().eq(c.to_lowercase()) {
                pos += 1;
            } else {
                return Err(err());
            }
        }
    }
    if pos < d.len() {
        let rest: String = d[pos..].iter().collect();
        return Err(PyErr::value_error(format!("unconverted data remains: {rest}")));
    }
    if have_hour12 {
        match pm {
            Some(true) if hour != 12 => hour += 12,
            Some(false) if hour == 12 => hour = 0,
            _ => {}
        }
    }
    if let Some(j) = yday {
        let ord = ymd2ord(year, 1, 1) + j - 1;
        let dd = ord2ymd(ord);
        month = dd.m;
        day = dd.d;
    }
    if second > 59 {
        second = 59;
    }
    let date = check_date(year, month, day)?;
    Ok((date, Time { h: hour, mi: minute, s: second, us, tz: None, fold: 0 }, offset))
}

fn dt_strptime(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = cls_arg(vm, &args)?;
    let [_c, data, fmt] = args.exact("strptime")?;
    let (Value::Str(ds), Value::Str(fs)) = (&data, &fmt) else {
        return Err(PyErr::type_error(format!("strptime() argument 1 must be str, not {}", data.type_name())));
    };
    let (date, mut time, off) = strptime_fields(ds.as_str(), fs.as_str())?;
    if let Some(o) = off {
        time.tz = Some(mk_tz(vm, Tz { offset: o, name: None })?);
    }
    Ok(new_native(&cls, DateTime { date, time }))
}

// ----- IsoCalendarDate -----

fn self_iso(args: &Args) -> PyResult<IsoCal> {
    native_get::<IsoCal>(&arg0(args, "IsoCalendarDate")?).ok_or_else(|| PyErr::type_error("IsoCalendarDate expected"))
}

fn iso_repr(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let c = self_iso(&args)?;
    Ok(Value::string(format!("datetime.IsoCalendarDate(year={}, week={}, weekday={})", c.0, c.1, c.2)))
}

fn iso_tuple(c: &IsoCal) -> Value {
    Value::tuple(vec![Value::Int(c.0), Value::Int(c.1), Value::Int(c.2)])
}

fn iso_iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let c = self_iso(&args)?;
    vm.iter(&iso_tuple(&c))
}

fn iso_len(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::Int(3))
}

fn iso_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let c = self_iso(&args)?;
    let k = args.pos.get(1).cloned().unwrap_or(Value::None);
    vm.getitem(&iso_tuple(&c), &k)
}

fn iso_eq(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let c = self_iso(&args)?;
    let other = args.pos.get(1).cloned().unwrap_or(Value::None);
    let o = match native_get::<IsoCal>(&other) {
        Some(o) => iso_tuple(&o),
        None => other,
    };
    if !matches!(o, Value::Tuple(_)) {
        return Ok(Value::NotImplemented);
    }
    Ok(Value::Bool(vm.eq(&iso_tuple(&c), &o)?))
}

fn iso_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let c = self_iso(&args)?;
    Ok(Value::Int(vm.hash(&iso_tuple(&c))? as i64))
}

fn iso_year(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_iso(&args)?.0))
}
fn iso_week(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_iso(&args)?.1))
}
fn iso_weekday(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(self_iso(&args)?.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_round_trip() {
        for n in [1, 59, 60, 365, 366, 730119, 738886, 3652059] {
            let d = ord2ymd(n);
            assert_eq!(d.ordinal(), n);
        }
        assert_eq!(ymd2ord(2024, 1, 1), 738886);
    }

    #[test]
    fn delta_strings() {
        assert_eq!(delta_str(&Delta::from_us(-3_600_000_000).unwrap_or(Delta { days: 0, secs: 0, us: 0 })), "-1 day, 23:00:00");
    }
}
