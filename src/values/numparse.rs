//! placeholder; replaced below
/// Decimal value of a Unicode decimal digit (general category Nd), as
/// CPython's `Py_UNICODE_TODECIMAL`; `None` for anything else.
#[must_use]
pub fn decimal_value(c: char) -> Option<u32> {
    use unicode_general_category::{GeneralCategory, get_general_category};
    if c.is_ascii() {
        return c.to_digit(10);
    }
    if get_general_category(c) != GeneralCategory::DecimalNumber {
        return None;
    }
    // Unicode encodes decimal digits in runs of ten, 0 to 9, so the offset
    // from the start of the maximal Nd range gives the value.
    let mut start = c as u32;
    while let Some(prev) = start.checked_sub(1).and_then(char::from_u32) {
        if get_general_category(prev) != GeneralCategory::DecimalNumber {
            break;
        }
        start -= 1;
    }
    Some((c as u32 - start) % 10)
}
