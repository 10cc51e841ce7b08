//! The ISO 8601 readers of `date/time/datetime.fromisoformat`, mirroring CPython
//! 3.11's `_datetimemodule.c` (`parse_isoformat_date`, `parse_hh_mm_ss_ff`,
//! `parse_isoformat_time`, `_find_isoformat_datetime_separator`) step by step, so
//! the same strings are accepted, including its quirks (`"20240230"` is a valid
//! time: HH MM SS and then fraction digits without a dot). Pure text to numbers:
//! range checks (`month must be in 1..12`) are the caller's, as in CPython, where
//! they come from the constructors. Must never panic on any text.

/// `(year, month, day)` before range checks, or None for "Invalid isoformat string".
pub type Ymd = (i64, i64, i64);

/// Hour, minute, second, microsecond, and the offset as (seconds, microseconds)
/// with the sign applied to both, when the text has one.
pub type Hms = (i64, i64, i64, i64, Option<(i64, i64)>);

/// The code point at `i`, or NUL past the end (the C code reads its terminator).
fn at(s: &[char], i: usize) -> char {
    s.get(i).copied().unwrap_or('\0')
}

/// `n` ASCII digits from `p`, as `parse_digits`.
fn digits(s: &[char], p: usize, n: usize) -> Option<(i64, usize)> {
    let mut v = 0i64;
    for k in 0..n {
        // `to_digit(10)` takes ASCII digits only, as the C code's `is_digit`.
        let d = at(s, p + k).to_digit(10)?;
        v = v * 10 + d as i64;
    }
    Some((v, p + n))
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// `parse_isoformat_date` over the first `len` code points (the ISO week forms
/// check `len`; the others read fixed widths).
pub fn parse_date(s: &[char], len: usize) -> Option<Ymd> {
    let (year, mut p) = digits(s, 0, 4)?;
    let sep = at(s, p) == '-';
    if sep {
        p += 1;
    }
    if at(s, p) == 'W' {
        p += 1;
        let (week, q) = digits(s, p, 2)?;
        p = q;
        let day = if p < len {
            if sep {
                if at(s, p) != '-' {
                    return None;
                }
                p += 1;
            }
            digits(s, p, 1)?.0
        } else {
            1
        };
        return iso_to_ymd(year, week, day);
    }
    let (month, q) = digits(s, p, 2)?;
    p = q;
    if sep {
        if at(s, p) != '-' {
            return None;
        }
        p += 1;
    }
    let (day, _) = digits(s, p, 2)?;
    Some((year, month, day))
}

/// `iso_to_ymd`: week 53 only in years that have one; day 1..7.
fn iso_to_ymd(year: i64, week: i64, day: i64) -> Option<Ymd> {
    if week <= 0 || week >= 53 {
        let mut out_of_range = true;
        if week == 53 {
            let first_weekday = (super::datetime::ymd2ord(year, 1, 1) + 6) % 7;
            if first_weekday == 3 || (first_weekday == 2 && is_leap(year)) {
                out_of_range = false;
            }
        }
        if out_of_range {
            return None;
        }
    }
    if !(1..=7).contains(&day) {
        return None;
    }
    // The Monday of ISO week 1 is the one on or before January 4th.
    let jan4 = super::datetime::ymd2ord(year, 1, 4);
    let week1_monday = jan4 - (jan4 + 6) % 7;
    let d = super::datetime::ord2ymd(week1_monday + (week - 1) * 7 + (day - 1));
    Some((d.y, d.m, d.d))
}

/// `parse_hh_mm_ss_ff` over `s[from..end]`: Err for a malformed field, Ok(more)
/// where `more` says text remains after the fields (the C code's return 1).
fn parse_hms(s: &[char], from: usize, end: usize) -> Result<((i64, i64, i64, i64), bool), ()> {
    let mut vals = [0i64; 3];
    let mut p = from;
    let mut has_sep = true;
    for (i, slot) in vals.iter_mut().enumerate() {
        let (v, q) = digits(s, p, 2).ok_or(())?;
        *slot = v;
        p = q;
        let c = at(s, p);
        p += 1;
        if i == 0 {
            has_sep = c == ':';
        }
        if p >= end {
            return Ok(((vals[0], vals[1], vals[2], 0), c != '\0'));
        } else if has_sep && c == ':' {
            continue;
        } else if c == '.' || c == ',' {
            break;
        } else if !has_sep {
            p -= 1;
        } else {
            return Err(());
        }
    }
    let remains = end.saturating_sub(p);
    let to_parse = remains.min(6);
    let (mut us, q) = digits(s, p, to_parse).ok_or(())?;
    // Text remains here (the loop returned at the end), so `to_parse` >= 1.
    if (1..6).contains(&to_parse) {
        us *= 10i64.pow((6 - to_parse) as u32);
    }
    let mut p = q;
    while at(s, p).is_ascii_digit() {
        p += 1;
    }
    Ok(((vals[0], vals[1], vals[2], us), at(s, p) != '\0'))
}

/// `parse_isoformat_time` of `s[from..]` (the whole rest of the text).
pub fn parse_time(s: &[char], from: usize) -> Option<Hms> {
    let end = s.len();
    let mut tz = from;
    loop {
        if matches!(at(s, tz), 'Z' | '+' | '-') {
            break;
        }
        tz += 1;
        if tz >= end {
            break;
        }
    }
    let ((h, mi, sec, us), more) = parse_hms(s, from, tz).ok()?;
    if tz >= end {
        return if more { None } else { Some((h, mi, sec, us, None)) };
    }
    if at(s, tz) == 'Z' {
        return if tz + 1 != end { None } else { Some((h, mi, sec, us, Some((0, 0)))) };
    }
    let sign = if at(s, tz) == '-' { -1 } else { 1 };
    let ((th, tm, ts, tus), more) = parse_hms(s, tz + 1, end).ok()?;
    if more {
        return None;
    }
    Some((h, mi, sec, us, Some((sign * (th * 3600 + tm * 60 + ts), sign * tus))))
}

/// `_find_isoformat_datetime_separator`: where the date part ends.
pub fn datetime_separator(s: &[char]) -> Option<usize> {
    let len = s.len();
    if len == 7 {
        return Some(7);
    }
    if at(s, 4) == '-' {
        if at(s, 5) == 'W' {
            if len < 8 {
                return None;
            }
            if len > 8 && at(s, 8) == '-' {
                if len == 9 {
                    return None;
                }
                if len > 10 && at(s, 10).is_ascii_digit() {
                    return Some(8);
                }
                return Some(10);
            }
            return Some(8);
        }
        return Some(10);
    }
    if at(s, 4) == 'W' {
        let mut idx = 7;
        while idx < len && at(s, idx).is_ascii_digit() {
            idx += 1;
        }
        if idx < 9 {
            return Some(idx);
        }
        return Some(if idx % 2 == 0 { 7 } else { 8 });
    }
    Some(8)
}

/// `datetime.fromisoformat`'s reading: the date, then after one separator
/// character of any kind, the time.
pub fn parse_datetime(s: &[char]) -> Option<(Ymd, Hms)> {
    let sep = datetime_separator(s)?;
    let ymd = parse_date(s, sep)?;
    let hms = if s.len() > sep { parse_time(s, sep + 1)? } else { (0, 0, 0, 0, None) };
    Some((ymd, hms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn time_quirks_match_cpython() {
        assert_eq!(parse_time(&c("20240230"), 0), Some((20, 24, 2, 300000, None)));
        assert_eq!(parse_time(&c("2024-02-30"), 0), None);
        assert_eq!(parse_time(&c("10:00+05"), 0), Some((10, 0, 0, 0, Some((18000, 0)))));
        assert_eq!(parse_time(&c("10:00:00.1234567"), 0), Some((10, 0, 0, 123456, None)));
        assert_eq!(parse_time(&c("10:0"), 0), None);
        assert_eq!(parse_time(&c("10:00Z "), 0), None);
        assert_eq!(parse_time(&c("25:00"), 0), Some((25, 0, 0, 0, None)));
    }

    #[test]
    fn dates_and_weeks() {
        assert_eq!(parse_date(&c("2024-02-30"), 10), Some((2024, 2, 30)));
        assert_eq!(parse_date(&c("2024W011"), 8), Some((2024, 1, 1)));
        assert_eq!(parse_date(&c("2024-W53"), 8), None);
        assert_eq!(parse_date(&c("2020-W53"), 8), Some((2020, 12, 28)));
        assert_eq!(parse_date(&c("2024-W01-8"), 10), None);
        assert_eq!(parse_datetime(&c("2024-02-28T10")), Some(((2024, 2, 28), (10, 0, 0, 0, None))));
        assert_eq!(parse_datetime(&c("2024-02")), None);
    }
}
