//! Budgets end a run at their limit, measured from outside: the wall time of a
//! `garter run --timeout 1` child (and of a library run with a 1 s budget) stays
//! within 10% of the limit whatever the program loops in (bytecode, a regex, a
//! sleep, big-int arithmetic, native iteration, a sort key, recursion), and the
//! child's peak RSS stays under `--max-memory` plus a measured constant for
//! programs that grow the heap in many small steps.
//!
//! Must never loosen the bounds to hide a slow check: an overshoot here is a bug in
//! the budget checks (src/vm/mod.rs, the native loops), not in the test.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One child at a time: the tests measure the child, not how it shares two cores
/// with its siblings.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// `struct rusage` of Linux (64-bit): two timevals, then fourteen longs, the first
/// of which is `ru_maxrss` in KiB.
#[repr(C)]
struct Rusage {
    utime: [i64; 2],
    stime: [i64; 2],
    maxrss: i64,
    rest: [i64; 13],
}

unsafe extern "C" {
    fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
}

struct Outcome {
    status: i32,
    last_line: String,
    elapsed: Duration,
    peak_rss_kib: i64,
}

/// Runs `program` under `garter run ARGS -` and reaps it with `wait4`, for the
/// peak RSS of that one child.
fn run(args: &[&str], program: &str) -> Outcome {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_garter"))
        .arg("run")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the garter binary starts");
    child.stdin.take().expect("stdin is piped").write_all(program.as_bytes()).expect("the program is written");
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let mut status = 0i32;
    let mut usage = Rusage { utime: [0; 2], stime: [0; 2], maxrss: 0, rest: [0; 13] };
    // SAFETY: the pid is our own unreaped child; both pointers are to live locals.
    let r = unsafe { wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(r, child.id() as i32, "wait4 reaps the child");
    let _ = out_reader.join();
    let stderr = err_reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr);
    // WIFEXITED / WEXITSTATUS, spelled out.
    let code = if status & 0x7f == 0 { (status >> 8) & 0xff } else { -1 };
    Outcome {
        status: code,
        last_line: stderr.lines().filter(|l| !l.trim().is_empty()).last().unwrap_or("").to_owned(),
        elapsed,
        peak_rss_kib: usage.maxrss,
    }
}

/// Programs that never end on their own, each stuck in a different kind of loop.
const ENDLESS: &[(&str, &str)] = &[
    ("bytecode loop", "while True: pass\n"),
    ("catastrophic regex", "import re\nwhile True:\n    re.match('(a+)+$', 'a'*40+'b')\n"),
    (
        "regex at its backtrack limit",
        "import re\nwhile True:\n    try:\n        re.match(r'(a|aa)+(?<=a)$', 'a'*40+'b')\n    except RuntimeError:\n        pass\n",
    ),
    ("sleep", "import time\ntime.sleep(100)\n"),
    ("big-int power", "while True:\n    x = 3**400000\n"),
    ("big-int division", "x = 3**330000\ny = x*x + 1\nwhile True:\n    z = divmod(y, x + 2)\n"),
    ("big-int modular power", "x = 3**100000\nprint(pow(x, x, x*x + 2))\n"),
    ("native sum", "import itertools\nsum(itertools.repeat(1))\n"),
    ("join of an endless generator", "def g():\n    while True:\n        yield 'a'\n''.join(g())\n"),
    ("sort with a slow key", "def k(x):\n    i = 0\n    while i < 10**9:\n        i += 1\n    return x\nsorted(range(10), key=k)\n"),
    ("deep recursion loop", "def f(n):\n    return 0 if n == 0 else f(n - 1) + 1\nwhile True:\n    f(900)\n"),
];

const TIME_MESSAGE: &str = "TimeoutError: time budget exceeded (1s)";

#[test]
fn time_budget_ends_cli_runs_within_ten_percent() {
    let mut failures = Vec::new();
    for (name, program) in ENDLESS {
        // The step budget is raised out of the way: the time budget is under test.
        let o = run(&["--timeout", "1", "--max-steps", "1000000000000"], program);
        eprintln!("{name}: {:?}", o.elapsed);
        if o.status != 1 || o.last_line != TIME_MESSAGE {
            failures.push(format!("{name}: exit {} with {:?}", o.status, o.last_line));
        }
        if o.elapsed < Duration::from_secs(1) || o.elapsed > Duration::from_millis(1100) {
            failures.push(format!("{name}: ended after {:?}", o.elapsed));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn time_budget_ends_library_runs_within_ten_percent() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // The library run wants the deep native stack that the binary gives it.
    let failures = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(|| {
            let mut failures = Vec::new();
            for (name, program) in ENDLESS {
                let policy = garter::Policy { timeout: Some(Duration::from_secs(1)), max_steps: 1_000_000_000_000, ..garter::Policy::default() };
                let mut session = garter::Session::new(policy);
                let start = Instant::now();
                let outcome = session.run(program, "<budget>");
                let elapsed = start.elapsed();
                eprintln!("library {name}: {elapsed:?}");
                match &outcome.error {
                    Some(e @ garter::session::RunError::Budget { .. }) if e.last_line() == TIME_MESSAGE => {}
                    other => failures.push(format!("{name}: ended with {other:?}")),
                }
                if elapsed < Duration::from_secs(1) || elapsed > Duration::from_millis(1100) {
                    failures.push(format!("{name}: ended after {elapsed:?}"));
                }
                std::mem::forget(session);
            }
            failures
        })
        .expect("a thread starts")
        .join()
        .unwrap_or_else(|_| vec!["the library run panicked".to_owned()]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Peak RSS allowed above the memory budget, in KiB: the binary and the
/// interpreter's baseline (a run of `pass` peaks at ~8 MiB), plus the budget
/// checks' own slack (the heap is compared every 1,024 steps and before each
/// allocation over 4 KiB, so at most ~1,024 steps of small allocations pass
/// unchecked), plus malloc's per-block overhead on the counted bytes.
const PEAK_SLACK_KIB: i64 = 16 * 1024;
const BUDGET: usize = 64 << 20;

/// Programs that grow the heap forever, a little at a time.
const GROWING: &[(&str, &str)] = &[
    ("list append", "a = []\nwhile True:\n    a.append(len(a))\n"),
    ("dict insert", "d = {}\ni = 0\nwhile True:\n    d[i] = str(i)\n    i += 1\n"),
    ("string concatenation", "s = ''\nwhile True:\n    s += 'abcdefgh' * 65536\n"),
    ("nested lists", "x = []\nwhile True:\n    x = [x, [1, 2, 3]]\n"),
    (
        "generator chain",
        "def gen(g):\n    yield from g\nkeep = []\ng = iter([])\nwhile True:\n    g = gen(g)\n    keep.append([0] * 10)\n",
    ),
    ("bytearray growth", "b = bytearray()\nwhile True:\n    b.extend(b'x' * 1000)\n"),
    ("[0]*n with growing n", "keep = []\nn = 1\nwhile True:\n    keep.append([0] * n)\n    n += 1000\n"),
    ("pieces under the pre-check", "keep = []\nwhile True:\n    keep.append([0] * 60000)\n"),
];

#[test]
fn memory_budget_bounds_peak_rss() {
    let baseline = run(&[], "pass\n");
    eprintln!("baseline peak: {} KiB", baseline.peak_rss_kib);
    let limit = (BUDGET / 1024) as i64 + PEAK_SLACK_KIB;
    let budget = BUDGET.to_string();
    let message = format!("MemoryError: memory budget exceeded ({BUDGET} bytes)");
    let mut failures = Vec::new();
    for (name, program) in GROWING {
        let o = run(&["--max-memory", &budget, "--timeout", "20"], program);
        eprintln!("{name}: peak {} KiB after {:?}: {}", o.peak_rss_kib, o.elapsed, o.last_line);
        if o.status != 1 || o.last_line != message {
            failures.push(format!("{name}: exit {} with {:?}", o.status, o.last_line));
        }
        if o.peak_rss_kib > limit {
            failures.push(format!("{name}: peak RSS {} KiB over {limit} KiB", o.peak_rss_kib));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
