//! Interpreter throughput on small programs that stress one thing each (calls,
//! integer loops, attribute access, containers, strings). `cargo bench --bench vm`.
//! Figures vary with the machine; compare runs on the same machine, and use
//! ../shared/bench/compare.py for ratios against CPython.

use std::time::Instant;

use garter::{Policy, Session};

const PROGRAMS: &[(&str, &str)] = &[
    ("calls: fib(24)", "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib(24)"),
    ("int loop: 1M iterations", "def f():\n    t = 0\n    i = 0\n    while i < 1000000:\n        t += i % 7\n        i += 1\n    return t\nf()"),
    ("attributes: 200k method calls", "class P:\n    def __init__(self):\n        self.x = 0\n    def inc(self):\n        self.x += 1\np = P()\nfor _ in range(200000):\n    p.inc()"),
    ("containers: dict and list building", "d = {}\nfor i in range(100000):\n    d[i % 1000] = d.get(i % 1000, 0) + 1\nl = [v * 2 for v in d.values()]\nsorted(l)"),
    ("strings: f-strings and joins", "parts = []\nfor i in range(50000):\n    parts.append(f'{i}:{i * 2}')\n','.join(parts)"),
];

fn main() {
    for (name, src) in PROGRAMS {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let mut s = Session::new(Policy::default());
            let t = Instant::now();
            let r = s.run(src, "<bench>");
            let dt = t.elapsed().as_secs_f64();
            if let Some(e) = r.error {
                println!("{name:<40} error: {}", e.last_line());
                best = f64::NAN;
                break;
            }
            best = best.min(dt);
        }
        println!("{name:<40} {:>8.2} ms (best of 5)", best * 1000.0);
    }
}
