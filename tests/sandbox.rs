//! Escapes and resource bombs that the sandbox must refuse, run through the real
//! binary. Each program must end with exit status 1 and an error line, without
//! printing anything it should not have reached, and within its budget.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Outcome {
    status: i32,
    stdout: String,
    last_line: String,
    elapsed: Duration,
}

fn run(args: &[&str], program: &str) -> Outcome {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_garter"))
        .arg("run")
        .args(args)
        .arg("-")
        .env("GARTER_TEST_SECRET", "canary-7f3a")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the garter binary starts");
    child.stdin.take().expect("stdin is piped").write_all(program.as_bytes()).expect("the program is written");
    let out = child.wait_with_output().expect("garter exits");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Outcome {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        last_line: stderr.lines().filter(|l| !l.trim().is_empty()).last().unwrap_or("").to_owned(),
        elapsed: start.elapsed(),
    }
}

fn assert_refused(program: &str, want_type: &str) {
    let o = run(&["--timeout", "5"], program);
    assert_eq!(o.status, 1, "not refused:\n{program}\nstdout: {}", o.stdout);
    assert!(o.last_line.starts_with(want_type), "{program}\nwanted {want_type}, got: {}", o.last_line);
    assert!(!o.stdout.contains("ESCAPED"), "{program}\nreached code it must not: {}", o.stdout);
    assert!(!o.stdout.contains("canary-7f3a"), "{program}\nleaked the environment");
}

#[test]
fn dunder_introspection_does_not_exist() {
    for attr in ["__class__", "__dict__", "__globals__", "__code__", "__closure__", "__subclasses__", "__bases__", "__mro__", "__builtins__", "__self__"] {
        assert_refused(&format!("def f(): pass\nx = getattr(f, '{attr}')\nprint('ESCAPED', x)"), "AttributeError");
        assert_refused(&format!("x = ().{attr}\nprint('ESCAPED', x)"), "AttributeError");
    }
}

#[test]
fn format_strings_cannot_reach_dunders() {
    assert_refused("def f(): pass\nprint('ESCAPED', '{0.__globals__}'.format(f))", "AttributeError");
    assert_refused("class A: pass\nprint('ESCAPED', f'{A().__class__}')", "AttributeError");
}

#[test]
fn generator_and_traceback_frames_do_not_exist() {
    assert_refused("def g():\n    yield 1\nprint('ESCAPED', g().gi_frame)", "AttributeError");
    assert_refused("try:\n    1/0\nexcept Exception as e:\n    print('ESCAPED', e.__traceback__.tb_frame)", "AttributeError");
}

#[test]
fn host_access_builtins_are_absent() {
    for name in ["eval", "exec", "compile", "open", "input", "__import__", "globals", "locals", "vars", "dir", "breakpoint", "help", "memoryview"] {
        assert_refused(&format!("f = {name}\nprint('ESCAPED')"), "NameError");
    }
}

#[test]
fn imports_outside_the_allowlist_are_refused() {
    for m in ["os", "sys", "subprocess", "socket", "importlib", "builtins", "ctypes", "pathlib"] {
        let o = run(&[], &format!("import {m}\nprint('ESCAPED')"));
        assert_eq!(o.status, 1);
        assert!(o.last_line.starts_with("ImportError") || o.last_line.starts_with("ModuleNotFoundError"), "{m}: {}", o.last_line);
        assert!(o.last_line.contains(m), "the error names the module: {}", o.last_line);
    }
}

#[test]
fn patching_dunders_is_refused() {
    assert_refused("class A:\n    def __init__(self): pass\ndelattr(A, '__init__')\nprint('ESCAPED')", "AttributeError");
    assert_refused("class A: pass\nA.__eq__ = lambda a, b: True\nprint('ESCAPED')", "AttributeError");
    assert_refused("X = type('X', (), {})\nprint('ESCAPED')", "TypeError");
    // `object.__setattr__` / `__delattr__` exist (frozen classes use them) and keep
    // the same rule as attribute syntax.
    assert_refused("class A: pass\na = A()\nobject.__setattr__(a, '__class__', int)\nprint('ESCAPED')", "AttributeError");
    assert_refused("class A: pass\nobject.__setattr__(A(), '__dict__', {})\nprint('ESCAPED')", "AttributeError");
    assert_refused("class A:\n    def __setattr__(self, k, v): super().__setattr__(k, v)\nA().__init__ = 1\nprint('ESCAPED')", "AttributeError");
    assert_refused("object.__delattr__(len, '__name__')\nobject.__delattr__(len, '__call__')\nprint('ESCAPED')", "AttributeError");
    assert_refused("from collections import namedtuple\nclass Q(namedtuple('P', 'x')): pass\nq = Q(1)\nQ.__setattr__(q, '__init__', 5)\nprint('ESCAPED')", "AttributeError");
    // `object.__new__` makes instances of user classes only.
    assert_refused("object.__new__(type)\nprint('ESCAPED')", "TypeError");
}

#[test]
fn step_budget_stops_python_and_native_loops() {
    for program in ["while True:\n    pass", "sum(iter(int, 1))", "def f():\n    while True:\n        yield 1\nall(f())"] {
        let o = run(&["--max-steps", "100000"], program);
        assert_eq!(o.status, 1, "{program}");
        assert!(o.last_line.contains("step budget"), "{program}: {}", o.last_line);
    }
}

#[test]
fn timeout_ends_a_run_promptly() {
    let o = run(&["--timeout", "1", "--max-steps", "100000000000"], "x = 0\nwhile True:\n    x += 1");
    assert_eq!(o.status, 1);
    assert!(o.last_line.starts_with("TimeoutError"), "{}", o.last_line);
    assert!(o.elapsed < Duration::from_millis(1500), "took {:?}", o.elapsed);
}

#[test]
fn huge_allocations_fail_before_allocating() {
    for program in ["'a' * 10**10", "[0] * 10**10", "10 ** 10 ** 10", "1 << 10**10", "list(range(10**11))", "b'x' * 10**11"] {
        let o = run(&["--max-memory", "100000000"], program);
        assert_eq!(o.status, 1, "{program}");
        assert!(o.last_line.starts_with("MemoryError"), "{program}: {}", o.last_line);
        assert!(o.elapsed < Duration::from_secs(3), "{program} took {:?}", o.elapsed);
    }
}

#[test]
fn memory_budget_counts_many_small_allocations() {
    let o = run(&["--max-memory", "50000000"], "x = []\nwhile True:\n    x += [[0] * 100]");
    assert_eq!(o.status, 1);
    assert!(o.last_line.starts_with("MemoryError"), "{}", o.last_line);
}

#[test]
fn deep_recursion_is_a_recursion_error_not_a_crash() {
    let o = run(&[], "def f(n):\n    return f(n + 1)\nf(0)");
    assert_eq!(o.status, 1);
    assert_eq!(o.last_line, "RecursionError: maximum recursion depth exceeded");
    let o = run(&[], "class A:\n    def __repr__(self):\n        return repr(self)\nrepr(A())");
    assert_eq!(o.status, 1);
    assert!(o.last_line.starts_with("RecursionError"), "{}", o.last_line);
}

#[test]
fn budget_errors_cannot_be_caught() {
    let o = run(&["--max-steps", "10000"], "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        print('caught')");
    assert_eq!(o.status, 1);
    assert!(!o.stdout.contains("caught"), "a budget error was caught");
}
