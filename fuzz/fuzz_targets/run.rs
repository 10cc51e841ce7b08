//! Runs arbitrary bytes as a program under tight budgets: the machine may raise any
//! Python exception, but must never panic, crash, hang past its budget or overflow
//! the native stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

use garter::{Policy, Session};

fn policy() -> Policy {
    let mut p = Policy::default();
    p.max_steps = 20_000;
    p.timeout = Some(std::time::Duration::from_secs(2));
    p.max_memory = 64 * 1024 * 1024;
    p.max_recursion = 200;
    p.max_native_depth = 40;
    p.max_output = 1 << 20;
    p
}

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data).into_owned();
    let mut s = Session::new(policy());
    let _ = s.run(&source, "fuzz.py");
});
