//! `set`/`frozenset` storage, laid out as CPython's setobject.c lays it out.
//!
//! Iteration order of a set is the order of its hash table's slots, and programs print
//! sets (`{3, 1, 2}` shows `{1, 2, 3}`), so the probing sequence, the resize policy and
//! the reinsertion order are CPython 3.11's. Key comparison is the caller's (it may call
//! back into Python), as in `dict.rs`.

use super::Value;

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone, Debug)]
enum Slot {
    Empty,
    Dummy,
    Used { hash: u64, key: Value },
}

#[derive(Clone, Debug)]
pub struct PySet {
    table: Vec<Slot>,
    used: usize,
    fill: usize,
    /// Where `pop` starts looking (CPython's `so->finger`), so that successive
    /// pops walk the table instead of rescanning it, and pick what CPython picks.
    finger: usize,
}

impl Default for PySet {
    fn default() -> PySet {
        PySet::new()
    }
}

/// Where a probe for a key ended.
pub enum Probe {
    /// The key is at this slot.
    Found(usize),
    /// Not present; insert at this slot (`Empty` or the last `Dummy` seen).
    Vacant(usize),
}

impl PySet {
    pub fn new() -> PySet {
        PySet { table: vec![Slot::Empty; MINSIZE], used: 0, fill: 0, finger: 0 }
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// Probes for a key with `hash`; `eq` compares a stored key with the one sought.
    /// Returns `Err(())` from `eq` propagated as-is.
    pub fn probe<E>(&self, hash: u64, mut eq: impl FnMut(&Value) -> Result<bool, E>) -> Result<Probe, E> {
        let mask = self.mask();
        let mut i = (hash as usize) & mask;
        let mut perturb = hash;
        let mut freeslot: Option<usize> = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            let mut j = i;
            for _ in 0..=probes {
                match &self.table[j] {
                    Slot::Empty => return Ok(Probe::Vacant(freeslot.unwrap_or(j))),
                    Slot::Used { hash: h, key } => {
                        if *h == hash && eq(key)? {
                            return Ok(Probe::Found(j));
                        }
                    }
                    // CPython's `set_add_entry` keeps the *last* dummy on the probe
                    // path, not the first (`freeslot = entry;`).
                    Slot::Dummy => freeslot = Some(j),
                }
                j += 1;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }

    /// Stores a key at the slot a `Vacant` probe returned.
    pub fn insert_at(&mut self, slot: usize, hash: u64, key: Value) {
        let was_empty = matches!(self.table[slot], Slot::Empty);
        self.table[slot] = Slot::Used { hash, key };
        self.used += 1;
        if was_empty {
            self.fill += 1;
            if self.fill * 5 >= self.mask() * 3 {
                let min = if self.used > 50_000 { self.used * 2 } else { self.used * 4 };
                self.resize(min);
            }
        }
    }

    pub fn remove_at(&mut self, slot: usize) -> Option<Value> {
        match std::mem::replace(&mut self.table[slot], Slot::Dummy) {
            Slot::Used { key, .. } => {
                self.used -= 1;
                Some(key)
            }
            other => {
                self.table[slot] = other;
                None
            }
        }
    }

    /// Grows the table before merging `extra` more keys, as `set_merge` does.
    pub fn reserve_for_merge(&mut self, extra: usize) {
        if (self.fill + extra) * 5 >= self.mask() * 3 {
            self.resize((self.used + extra) * 2);
        }
    }

    /// `set_merge` into a table that has never held a key (`fill == 0`: a new set,
    /// `s.copy()`, `set(t)`, the left side of `s | t`). CPython copies `other`'s table
    /// slot for slot when the sizes match and it has no dummies, and otherwise
    /// reinserts in slot order; neither needs a key comparison. Returns false,
    /// changing nothing, when this table is not pristine (the caller then adds the
    /// keys one by one after `reserve_for_merge`).
    pub fn merge_into_pristine(&mut self, other: &PySet) -> bool {
        if self.fill != 0 {
            return false;
        }
        if other.used == 0 {
            return true;
        }
        self.reserve_for_merge(other.used);
        if self.table.len() == other.table.len() && other.fill == other.used {
            self.table.clone_from(&other.table);
        } else {
            for (hash, key) in other.entries() {
                insert_clean(&mut self.table, hash, key.clone());
            }
        }
        self.fill = other.used;
        self.used = other.used;
        true
    }

    /// After `difference_update`: when more than a quarter of the table is dummies,
    /// CPython rebuilds it (which can change the iteration order).
    pub fn shrink_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            let min = if self.used > 50_000 { self.used * 2 } else { self.used * 4 };
            self.resize(min);
        }
    }

    fn resize(&mut self, minused: usize) {
        let mut newsize = MINSIZE;
        while newsize <= minused {
            newsize <<= 1;
        }
        let old = std::mem::replace(&mut self.table, vec![Slot::Empty; newsize]);
        self.fill = self.used;
        let mask = newsize - 1;
        for slot in old {
            if let Slot::Used { hash, key } = slot {
                let mut i = (hash as usize) & mask;
                let mut perturb = hash;
                'probe: loop {
                    if matches!(self.table[i], Slot::Empty) {
                        self.table[i] = Slot::Used { hash, key };
                        break 'probe;
                    }
                    if i + LINEAR_PROBES <= mask {
                        for j in i + 1..=i + LINEAR_PROBES {
                            if matches!(self.table[j], Slot::Empty) {
                                self.table[j] = Slot::Used { hash, key };
                                break 'probe;
                            }
                        }
                    }
                    perturb >>= PERTURB_SHIFT;
                    i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
                }
            }
        }
    }

    pub fn clear(&mut self) {
        // `set_clear_internal` leaves the finger alone.
        let finger = self.finger;
        *self = PySet::new();
        self.finger = finger;
    }

    /// Keys in slot order (CPython's iteration order).
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.table.iter().filter_map(|s| match s {
            Slot::Used { key, .. } => Some(key),
            _ => None,
        })
    }

    pub fn entries(&self) -> impl Iterator<Item = (u64, &Value)> {
        self.table.iter().filter_map(|s| match s {
            Slot::Used { hash, key } => Some((*hash, key)),
            _ => None,
        })
    }

    pub fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.entries().map(|(h, _)| h)
    }

    /// Removes and returns an arbitrary key (`set.pop`): the first used slot from
    /// the finger on.
    pub fn pop_first(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !matches!(self.table[i], Slot::Used { .. }) {
            i = if i >= mask { 0 } else { i + 1 };
        }
        self.finger = i + 1;
        self.remove_at(i)
    }

    pub fn snapshot(&self) -> Vec<Value> {
        self.iter().cloned().collect()
    }
}

/// `set_insert_clean`: places a key known to be absent in a table with no dummies.
fn insert_clean(table: &mut [Slot], hash: u64, key: Value) {
    let mask = table.len() - 1;
    let mut i = (hash as usize) & mask;
    let mut perturb = hash;
    loop {
        if matches!(table[i], Slot::Empty) {
            table[i] = Slot::Used { hash, key };
            return;
        }
        if i + LINEAR_PROBES <= mask {
            for j in i + 1..=i + LINEAR_PROBES {
                if matches!(table[j], Slot::Empty) {
                    table[j] = Slot::Used { hash, key };
                    return;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
    }
}
