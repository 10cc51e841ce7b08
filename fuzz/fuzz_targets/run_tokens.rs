//! Builds programs from a vocabulary of Python tokens (each input byte picks one),
//! so that most inputs parse and the fuzzer reaches deep into the compiler and the
//! machine; runs them under tight budgets. Any panic or crash is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

use garter::{Policy, Session};

const VOCAB: &[&str] = &[
    "\n", "\n    ", "\n        ", " ", "x", "y", "f", "g", "C", "self", "i", "(", ")", "[", "]", "{", "}", ":", ",", ".",
    "=", "+", "-", "*", "/", "//", "%", "**", "<", ">", "==", "!=", "<=", "in", "not", "and", "or", "is", "0", "1",
    "2", "-1", "10**9", "1.5", "'a'", "'{}'", "f'{x}'", "b'z'", "None", "True", "False", "def ", "class ", "return ",
    "yield ", "yield from ", "lambda ", "if ", "elif ", "else", "for ", "while ", "break", "continue", "try", "except",
    "finally", "raise ", "with ", "as ", "del ", "global ", "nonlocal ", "pass", "assert ", "import math", "from ",
    "match ", "case ", "_", "*x", "**x", "x[1:2]", "len(", "range(", "list(", "dict(", "set(", "str(", "int(",
    "print(", "sorted(", "sum(", "isinstance(", "super().", "__init__", "__eq__", "__hash__", "__repr__",
    "__iter__", "__next__", "__getitem__", "__len__", "__enter__", "__exit__", ".append(", ".pop(", ".join(",
    ".format(", ".split(", ".items()", ".get(", "Exception", "ValueError", "StopIteration", "x if y else 0",
    "[i for i in range(3)]", "{i: i for i in x}", "(i for i in x)", ":=", "@f\n", "async ", "await ",
    "object.", "__new__", "__setattr__", "__delattr__", "bytearray(", "b'%s%d' % ", "2**70", "setattr(", "x.y",
];

fuzz_target!(|data: &[u8]| {
    let mut source = String::new();
    for &b in data.iter().take(400) {
        source.push_str(VOCAB[b as usize % VOCAB.len()]);
    }
    let mut p = Policy::default();
    p.max_steps = 20_000;
    p.timeout = Some(std::time::Duration::from_secs(2));
    p.max_memory = 64 * 1024 * 1024;
    p.max_recursion = 200;
    p.max_native_depth = 40;
    p.max_output = 1 << 20;
    let mut s = Session::new(p);
    let _ = s.run(&source, "fuzz.py");
});
