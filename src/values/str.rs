//! `str` storage: UTF-8 text with its length in code points, so that ASCII text
//! (almost all agent data) indexes and slices in O(1) while Python's code-point
//! semantics hold for everything else.

use std::cell::Cell;

#[derive(Debug)]
pub struct PyStr {
    s: Box<str>,
    chars: usize,
    /// Cached hash; 0 means not yet computed.
    hash: Cell<u64>,
}

impl PyStr {
    pub fn new(s: &str) -> PyStr {
        PyStr::from_string(s.to_owned())
    }

    pub fn from_string(s: String) -> PyStr {
        let chars = if s.is_ascii() { s.len() } else { s.chars().count() };
        PyStr { s: s.into_boxed_str(), chars, hash: Cell::new(0) }
    }

    pub fn as_str(&self) -> &str {
        &self.s
    }

    pub fn is_ascii(&self) -> bool {
        self.chars == self.s.len()
    }

    pub fn len_chars(&self) -> usize {
        self.chars
    }

    /// Byte offset of the code point at `idx` (`idx <= len_chars()`).
    pub fn byte_offset(&self, idx: usize) -> usize {
        if self.is_ascii() {
            return idx.min(self.s.len());
        }
        self.s.char_indices().nth(idx).map_or(self.s.len(), |(b, _)| b)
    }

    /// The code point at `idx` (`idx < len_chars()`).
    pub fn char_at(&self, idx: usize) -> Option<char> {
        if self.is_ascii() {
            return self.s.as_bytes().get(idx).map(|&b| b as char);
        }
        self.s.chars().nth(idx)
    }

    /// The substring of code points `[start, end)`.
    pub fn slice_chars(&self, start: usize, end: usize) -> &str {
        if start >= end {
            return "";
        }
        if self.is_ascii() {
            return &self.s[start.min(self.s.len())..end.min(self.s.len())];
        }
        let b0 = self.byte_offset(start);
        let b1 = b0 + self.s[b0..].char_indices().nth(end - start).map_or(self.s.len() - b0, |(b, _)| b);
        &self.s[b0..b1]
    }

    pub fn cached_hash(&self) -> Option<u64> {
        match self.hash.get() {
            0 => None,
            h => Some(h),
        }
    }

    pub fn set_cached_hash(&self, h: u64) {
        self.hash.set(if h == 0 { 1 } else { h });
    }
}

impl PartialEq for PyStr {
    fn eq(&self, other: &PyStr) -> bool {
        self.s == other.s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_by_code_point() {
        let s = PyStr::new("héllo wörld");
        assert_eq!(s.len_chars(), 11);
        assert_eq!(s.slice_chars(1, 4), "éll");
        assert_eq!(s.char_at(7), Some('ö'));
        assert_eq!(s.slice_chars(8, 100), "rld");
    }
}
