//! What a run may do: the modules it may import and its budgets. A plain value,
//! set per run by the host (CLI flags, the library builder).

use std::time::Duration;

/// Modules importable by default: smolagents' list plus the pure modules garter implements.
pub const DEFAULT_IMPORTS: &[&str] = &[
    "collections",
    "datetime",
    "itertools",
    "math",
    "queue",
    "random",
    "re",
    "stat",
    "statistics",
    "time",
    "unicodedata",
    "json",
    "string",
    "functools",
    "operator",
    "copy",
    "dataclasses",
    "enum",
    "typing",
    "decimal",
    "fractions",
    "heapq",
    "bisect",
    "textwrap",
];

#[derive(Clone, Debug)]
pub struct Policy {
    pub max_steps: u64,
    pub timeout: Option<Duration>,
    pub max_memory: usize,
    pub max_output: usize,
    pub max_recursion: usize,
    /// Native code calling back into Python (sorted with key=, a user `__eq__`).
    pub max_native_depth: usize,
    /// The largest integer, in bits (about 315,000 decimal digits by default): one
    /// division of such numbers takes ~20 ms, so a time budget of a second is met
    /// within 10% even inside big-int arithmetic (at 4 M bits it took 0.3 s).
    pub max_int_bits: u64,
    /// Calls of host functions (tools) in one run.
    pub max_host_calls: u64,
    pub imports: Vec<String>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            max_steps: 100_000_000,
            timeout: Some(Duration::from_secs(30)),
            max_memory: 512 * 1024 * 1024,
            max_output: 16 * 1024 * 1024,
            max_recursion: 1000,
            max_native_depth: 200,
            max_int_bits: 1 << 20,
            max_host_calls: 1000,
            imports: DEFAULT_IMPORTS.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

impl Policy {
    pub fn allows_import(&self, name: &str) -> bool {
        let top = name.split('.').next().unwrap_or(name);
        self.imports.iter().any(|m| m == name || m == top)
    }

    pub fn allowed_imports(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.imports.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}
