//! `dict` storage: insertion-ordered entries plus a hash index.
//!
//! The table only stores hashes and entry positions; comparing keys is the caller's
//! business, because comparing two instances may call back into Python (`__eq__`).
//! `find` takes the comparison as a closure for the common case where no callback is
//! needed, and `candidates` lists positions with a matching hash for the rest.

use hashbrown::HashTable;
use smallvec::SmallVec;

use super::Value;

#[derive(Clone, Debug)]
pub struct Entry {
    pub hash: u64,
    pub key: Value,
    pub value: Value,
}

#[derive(Clone, Default)]
pub struct PyDict {
    entries: Vec<Option<Entry>>,
    index: HashTable<usize>,
    len: usize,
}

impl std::fmt::Debug for PyDict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter().map(|e| (&e.key, &e.value))).finish()
    }
}

impl PyDict {
    pub fn new() -> PyDict {
        PyDict::default()
    }

    pub fn with_capacity(n: usize) -> PyDict {
        PyDict { entries: Vec::with_capacity(n), index: HashTable::with_capacity(n), len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Position of the entry whose key satisfies `eq`, among those with `hash`.
    pub fn find(&self, hash: u64, mut eq: impl FnMut(&Value) -> bool) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(hash, |&i| entries[i].as_ref().is_some_and(|e| e.hash == hash && eq(&e.key)))
            .copied()
    }

    /// Positions of entries with this hash, for comparisons that call back into Python.
    pub fn candidates(&self, hash: u64) -> SmallVec<[usize; 2]> {
        self.index
            .iter_hash(hash)
            .copied()
            .filter(|&i| self.entries[i].as_ref().is_some_and(|e| e.hash == hash))
            .collect()
    }

    pub fn entry(&self, pos: usize) -> Option<&Entry> {
        self.entries.get(pos).and_then(Option::as_ref)
    }

    pub fn value_at_mut(&mut self, pos: usize) -> Option<&mut Value> {
        self.entries.get_mut(pos).and_then(Option::as_mut).map(|e| &mut e.value)
    }

    /// Appends a key the caller has checked is absent.
    pub fn push_new(&mut self, hash: u64, key: Value, value: Value) {
        let pos = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.index.insert_unique(hash, pos, |&i| entries[i].as_ref().map_or(0, |e| e.hash));
        self.len += 1;
    }

    pub fn remove_at(&mut self, pos: usize) -> Option<Entry> {
        let e = self.entries.get_mut(pos)?.take()?;
        if let Ok(slot) = self.index.find_entry(e.hash, |&i| i == pos) {
            slot.remove();
        }
        self.len -= 1;
        if self.len == 0 {
            self.entries.clear();
            self.index.clear();
        } else if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        Some(e)
    }

    fn compact(&mut self) {
        self.entries.retain(Option::is_some);
        self.index.clear();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(e) = e {
                let h = e.hash;
                self.index.insert_unique(h, i, |_| 0);
            }
        }
        // `insert_unique` with a dummy hasher never rehashes here: capacity was kept.
    }

    /// The last entry, for `popitem`.
    pub fn last_pos(&self) -> Option<usize> {
        self.entries.iter().rposition(Option::is_some)
    }

    pub fn first_pos(&self) -> Option<usize> {
        self.entries.iter().position(Option::is_some)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.len = 0;
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.iter().map(|e| &e.key)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.iter().map(|e| &e.value)
    }

    /// Raw positions, holes included, for iterators that walk by index.
    pub fn raw_len(&self) -> usize {
        self.entries.len()
    }

    /// The next live entry at or after `pos`.
    pub fn next_from(&self, mut pos: usize) -> Option<(usize, &Entry)> {
        while pos < self.entries.len() {
            if let Some(e) = &self.entries[pos] {
                return Some((pos, e));
            }
            pos += 1;
        }
        None
    }

    /// Moves the entry at `pos` to the end (`OrderedDict.move_to_end`).
    pub fn move_to_end(&mut self, pos: usize) {
        if let Some(e) = self.remove_at(pos) {
            self.push_new(e.hash, e.key, e.value);
        }
    }

    /// Inserts or replaces with native key equality only; for keys that never need
    /// a callback (strings, ints): the builder paths of stdlib modules use this.
    pub fn insert_simple(&mut self, key: Value, value: Value) {
        let hash = match super::hash::hash_simple(&key) {
            Some(Ok(h)) => h,
            _ => key.identity() as u64,
        };
        match self.find(hash, |k| super::hash::eq_simple(k, &key).unwrap_or_else(|| k.is(&key))) {
            Some(pos) => {
                if let Some(v) = self.value_at_mut(pos) {
                    *v = value;
                }
            }
            None => self.push_new(hash, key, value),
        }
    }

    /// Lookup with native key equality only (see `insert_simple`).
    pub fn get_simple(&self, key: &Value) -> Option<&Value> {
        let hash = match super::hash::hash_simple(key) {
            Some(Ok(h)) => h,
            _ => key.identity() as u64,
        };
        let pos = self.find(hash, |k| super::hash::eq_simple(k, key).unwrap_or_else(|| k.is(key)))?;
        self.entry(pos).map(|e| &e.value)
    }

    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.get_simple(&Value::str(key))
    }
}
