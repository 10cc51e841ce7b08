//! The binary against an in-process rmcp server whose tools misbehave
//! (tests/support/fault_server.rs), over streamable HTTP on 127.0.0.1: a slow
//! call times out as TimeoutError and is cancelled on the server, a server dying
//! mid-call is a ToolError for that call (no hang, no crash), `isError` is a
//! ToolError with the server's text, a huge result is bounded, a paged tool list
//! is read to its end, and awkward schemas and names bind predictably.
//!
//! The server sits behind a small TCP relay so that "the server died" can be
//! played exactly: the relay cuts every connection and refuses new ones.

#![cfg(feature = "mcp")]

#[path = "support/fault_server.rs"]
mod fault_server;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fault_server::FaultServer;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

struct Fixture {
    url: String,
    server: FaultServer,
    _rt: tokio::runtime::Runtime,
}

const NORMAL: u8 = 0;
const DEAD: u8 = 1;
const GARBAGE: u8 = 2;

/// Forwards loopback connections to `upstream` while `mode` is NORMAL. When it
/// changes, every open connection is cut; then new ones are closed at once (DEAD)
/// or answered with an HTTP response whose body is not JSON-RPC (GARBAGE).
async fn relay(front: TcpListener, upstream: std::net::SocketAddr, mode: watch::Receiver<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    loop {
        let Ok((mut client, _)) = front.accept().await else { return };
        let now = *mode.borrow();
        if now == DEAD {
            drop(client);
            continue;
        }
        if now == GARBAGE {
            tokio::spawn(async move {
                let mut buf = [0u8; 65536];
                let _ = client.read(&mut buf).await;
                let body = "data: {this is not json\n\n";
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                let _ = client.write_all(head.as_bytes()).await;
                let _ = client.write_all(body.as_bytes()).await;
            });
            continue;
        }
        let mut mode = mode.clone();
        tokio::spawn(async move {
            let Ok(mut up) = TcpStream::connect(upstream).await else { return };
            tokio::select! {
                _ = tokio::io::copy_bidirectional(&mut client, &mut up) => {}
                _ = mode.wait_for(|m| *m != NORMAL) => {}
            }
        });
    }
}

fn start() -> Fixture {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let (mode_tx, mode_rx) = watch::channel(NORMAL);
    let mode_tx = Arc::new(mode_tx);
    let (m1, m2) = (mode_tx.clone(), mode_tx);
    let server = FaultServer::new(
        Arc::new(move || {
            let _ = m1.send(DEAD);
        }),
        // `garbage` answers normally; just after, the server turns to nonsense.
        Arc::new(move || {
            let m2 = m2.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = m2.send(GARBAGE);
            });
        }),
    );
    let handler = server.clone();
    let url = rt.block_on(async move {
        let mut config = StreamableHttpServerConfig::default();
        config.sse_keep_alive = None;
        let service = StreamableHttpService::new(move || Ok(handler.clone()), Arc::new(LocalSessionManager::default()), config);
        let router = axum::Router::new().nest_service("/mcp", service);
        let back = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let back_addr = back.local_addr().expect("its address");
        tokio::spawn(async move {
            let _ = axum::serve(back, router).await;
        });
        let front = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let front_addr = front.local_addr().expect("its address");
        tokio::spawn(relay(front, back_addr, mode_rx));
        format!("http://{front_addr}/mcp")
    });
    Fixture { url, server, _rt: rt }
}

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
    took: Duration,
}

/// Runs garter with PATH only in its environment, killed (and the test failed)
/// after `limit`: a hang is a failure, not a stuck test.
fn garter(args: &[&str], program: Option<&str>, limit: Duration) -> Run {
    let dir = std::env::temp_dir().join(format!("garter-mcp-faults-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_garter"));
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).args(args);
    if let Some(src) = program {
        let path = dir.join("prog.py");
        std::fs::write(&path, src).expect("write the program");
        cmd.arg(&path);
    }
    let out_path: PathBuf = dir.join("out");
    let err_path: PathBuf = dir.join("err");
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"));
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start garter");
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for garter") {
            break status.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("garter hung for {limit:?}; stderr so far:\n{}", std::fs::read_to_string(&err_path).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    Run { stdout, stderr, code, took }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn wait_for_log(server: &FaultServer, what: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if server.seen().iter().any(|l| l.starts_with(what)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn mcp(f: &Fixture) -> Vec<String> {
    vec!["--mcp".to_owned(), f.url.clone()]
}

fn run_prog(server: &[String], extra: &[&str], prog: &str) -> Run {
    let mut args: Vec<&str> = vec!["run"];
    args.extend(extra);
    args.extend(server.iter().map(String::as_str));
    garter(&args, Some(prog), Duration::from_secs(30))
}

#[test]
fn a_slow_call_times_out_and_is_cancelled_on_the_server() {
    let f = start();
    let prog = "try:\n    slow(5)\nexcept TimeoutError as e:\n    print(type(e).__name__, e)\nprint(progress(steps=1))\n";
    let r = run_prog(&mcp(&f), &["--tool-timeout", "0.5"], prog);
    assert_eq!((r.stdout.as_str(), r.code), ("TimeoutError slow() timed out after 0.5 s\n1 steps done\n", Some(0)), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(4), "took {:?}", r.took);
    // The call's future was dropped at the timeout: rmcp sent notifications/cancelled
    // and the server's handler saw its cancellation token fire.
    assert!(wait_for_log(&f.server, "notification cancelled"), "{:?}", f.server.seen());
    assert!(wait_for_log(&f.server, "cancelled slow"), "{:?}", f.server.seen());
}

#[test]
fn an_error_result_is_a_tool_error_with_the_servers_text() {
    let f = start();
    let r = run_prog(&mcp(&f), &[], "try:\n    fail()\nexcept ToolError as e:\n    print(repr(e), isinstance(e, Exception))\nfail()\n");
    assert_eq!(r.stdout, "ToolError('the disk is on fire') True\n");
    assert_eq!(r.code, Some(1));
    assert_eq!(r.stderr.lines().last(), Some("ToolError: the disk is on fire"), "{}", r.stderr);
}

const AFTER_CRASH: &str = "try:\n    crash()\nexcept ToolError as e:\n    print('crash:', e)\ntry:\n    fail()\nexcept ToolError as e:\n    print('then:', e)\nprint('still running')\n";

#[test]
fn a_server_dying_mid_call_over_http_is_a_tool_error_for_that_call() {
    let f = start();
    // A generous timeout: the ToolError must come from the dropped connection.
    let r = run_prog(&mcp(&f), &["--tool-timeout", "20"], AFTER_CRASH);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    // Which words depend on when the connection went: mid-stream ("is closed")
    // or at the next request ("cannot reach"). Both name the server.
    let dead = |l: &str, prefix: &str| {
        l.strip_prefix(prefix).is_some_and(|rest| {
            rest.starts_with("the connection to MCP server 'http' is closed") || rest.starts_with("cannot reach MCP server 'http'")
        })
    };
    assert!(dead(lines[0], "crash: crash(): "), "{}", r.stdout);
    assert!(dead(lines[1], "then: fail(): "), "{}", r.stdout);
    assert_eq!(lines[2], "still running");
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// examples/mcp_fault_server (built by `cargo test` with the other examples).
fn stdio_server() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?.join("examples");
    let path = dir.join(format!("mcp_fault_server{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        return Some(path);
    }
    let why = format!("{} not built (plain `cargo test` builds it; `--test mcp_faults` alone does not)", path.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    eprintln!("skipping: {why}");
    None
}

#[test]
fn a_stdio_server_exiting_mid_call_is_a_tool_error_for_that_call() {
    let Some(bin) = stdio_server() else { return };
    let line = format!("'{}'", bin.display());
    let r = run_prog(&["--mcp-stdio".to_owned(), line], &["--tool-timeout", "20"], AFTER_CRASH);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    assert_eq!(
        r.stdout,
        // The next call starts the server again.
        "crash: crash(): the connection to MCP server 'stdio' is closed\nthen: the disk is on fire\nstill running\n"
    );
}

#[test]
fn huge_results_are_bounded() {
    let f = start();
    // Below rmcp's 16 MiB message limit a result arrives whole; above it the
    // message is refused and the call is a ToolError, not a crash or a hang.
    // rmcp ends the session on such a message; the next call opens a new one.
    let prog = "print(len(huge(size=1_000_000)))\ntry:\n    huge(size=20_000_000)\nexcept ToolError as e:\n    print('ToolError:', e)\nprint(len(huge(size=10)))\n";
    let r = run_prog(&mcp(&f), &["--tool-timeout", "20"], prog);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "1000000\nToolError: huge(): the connection to MCP server 'http' is closed\n10\n");
    // Under a small memory budget the big result is stopped by the budget.
    let r = run_prog(&mcp(&f), &["--max-memory", "4000000"], "x = huge(size=3_000_000)\ny = x + x\n");
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.lines().last().is_some_and(|l| l.starts_with("MemoryError")), "{}", r.stderr);
}

#[test]
fn a_paged_tool_list_is_read_to_its_end() {
    let f = start();
    let r = garter(&["tools", "--mcp", &f.url], None, Duration::from_secs(30));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout.matches("\ndef ").count() + usize::from(r.stdout.starts_with("def ")), fault_server::tools().len(), "{}", r.stdout);
    let lists: Vec<String> = f.server.seen().into_iter().filter(|l| l.starts_with("list")).collect();
    assert_eq!(lists, ["list -", "list 4", "list 8", "list 12"]);
}

#[test]
fn odd_schemas_bind_like_python_functions() {
    let f = start();
    let prog = r#"print(no_props(q=1, r=[2]))
print(nullable(None), nullable('a', y=None, z='b'))
print(choose('fast'), choose(3, level='hi'))
print(nested({'x': 1, 'y': 2.5}, tags=['a']))
for call in [lambda: nullable(1), lambda: nullable(), lambda: no_props(1), lambda: nested(5), lambda: slow(seconds='a'), lambda: get_sum(1, 2)]:
    try:
        call()
    except TypeError as e:
        print('TypeError:', e)
"#;
    let r = run_prog(&mcp(&f), &[], prog);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "{'tool': 'no-props', 'args': {'q': 1, 'r': [2]}}
{'tool': 'nullable', 'args': {'x': None}} {'tool': 'nullable', 'args': {'x': 'a', 'y': None, 'z': 'b'}}
{'tool': 'choose', 'args': {'mode': 'fast'}} {'tool': 'choose', 'args': {'mode': 3, 'level': 'hi'}}
{'tool': 'nested', 'args': {'point': {'x': 1, 'y': 2.5}, 'tags': ['a']}}
TypeError: nullable() argument 'x' must be str | None, not int
TypeError: nullable() missing 1 required positional argument: 'x'
TypeError: no_props() takes 0 positional arguments but 1 was given
TypeError: nested() argument 'point' must be dict, not int
TypeError: slow() argument 'seconds' must be float, not str
TypeError: get_sum() takes from 0 to 1 positional arguments but 2 were given
"
    );
}

#[test]
fn progress_notifications_are_inert_lines_on_stderr() {
    let f = start();
    let r = run_prog(&mcp(&f), &[], "print(progress(steps=3))\n");
    assert_eq!((r.stdout.as_str(), r.code), ("3 steps done\n", Some(0)), "{}", r.stderr);
    // The server's message carries an escape sequence and a bell: both are dropped.
    assert_eq!(r.stderr, "progress: progress(): 1/3 step 1[31m red\nprogress: progress(): 2/3 step 2[31m red\nprogress: progress(): 3/3 step 3[31m red\n");
}

#[test]
fn tools_shows_renames_and_collisions() {
    let f = start();
    let r = garter(&["tools", "--mcp", &f.url], None, Duration::from_secs(30));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for expected in [
        "# server 'http'\ndef slow(seconds: float) -> str:",
        "# server 'http', MCP name 'no-props'\ndef no_props(**kwargs: Any) -> str:",
        "# server 'http', MCP name 'get-sum'\ndef get_sum(a: float | None = None) -> str:",
        "# server 'http', MCP name 'get.sum' ('get_sum' is taken)\ndef http_get_sum(a: float | None = None) -> str:",
        "# server 'http', MCP name 'get_sum' ('get_sum' is taken)\ndef http_get_sum_2(a: float | None = None) -> str:",
        "# server 'http', MCP name 'class'\ndef class_() -> str:",
        "# server 'http', MCP name '2fa'\ndef _2fa() -> str:",
        "# server 'http', MCP name 'print' ('print' is taken)\ndef http_print() -> str:",
    ] {
        assert!(r.stdout.contains(expected), "missing {expected:?} in\n{}", r.stdout);
    }
    // Two servers with the same tools: the first keeps the names, the second's
    // get a prefix of its server's name, the same way every time.
    let g = start();
    let r = garter(&["tools", "--mcp", &f.url, "--mcp", &g.url], None, Duration::from_secs(30));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("# server 'http1'\ndef slow(seconds: float) -> str:"), "{}", r.stdout);
    assert!(r.stdout.contains("# server 'http2', MCP name 'slow' ('slow' is taken)\ndef http2_slow(seconds: float) -> str:"), "{}", r.stdout);
    let again = garter(&["tools", "--mcp", &f.url, "--mcp", &g.url], None, Duration::from_secs(30));
    assert_eq!(r.stdout, again.stdout);
    // The program sees the same names.
    let prog = "print(slow(0), http2_slow(0), http2_get_sum(a=1)['tool'])\n";
    let r = run_prog(&["--mcp".into(), f.url.clone(), "--mcp".into(), g.url.clone()], &[], prog);
    assert_eq!(r.stdout, "slept 0 slept 0 get-sum\n", "{}", r.stderr);
}

#[test]
fn tools_cannot_be_inspected_or_rebound_behind_the_program() {
    let f = start();
    let prog = r#"print(type(fail).__name__, repr(fail))
for attr in ['__self__', '__dict__', '__closure__', '__code__', '__globals__', '__module__', '__wrapped__', 'data', 'func']:
    try:
        getattr(fail, attr)
        print(attr, 'visible')
    except AttributeError as e:
        print('AttributeError:', e)
try:
    fail.x = 1
except AttributeError as e:
    print('AttributeError:', e)
def use():
    return fail()
fail = lambda: 'rebound'
print(fail(), use())
del fail
try:
    fail()
except NameError as e:
    print('NameError:', e)
try:
    print(globals()['nested']({'x': 1, 'y': 2})['tool'])
except NameError as e:
    print('NameError:', e)
print(progress(steps=0))
"#;
    let r = run_prog(&mcp(&f), &[], prog);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let no = |a: &str| format!("AttributeError: 'builtin_function_or_method' object has no attribute '{a}'\n");
    let mut expected = "builtin_function_or_method <built-in function fail>\n".to_owned();
    for a in ["__self__", "__dict__", "__closure__", "__code__", "__globals__", "__module__", "__wrapped__", "data", "func", "x"] {
        expected.push_str(&no(a));
    }
    // Rebinding the name changes that binding only, as in Python: the function
    // that reads the global sees the new value, and the tool is never called.
    expected.push_str("rebound rebound\nNameError: name 'fail' is not defined\nNameError: name 'globals' is not defined\n0 steps done\n");
    assert_eq!(r.stdout, expected);
    assert!(f.server.seen().iter().all(|l| l != "call fail"), "{:?}", f.server.seen());
}

const AFTER_GARBAGE: &str = "import time\ntry:\n    print(garbage())\n    time.sleep(0.3)\nexcept ToolError as e:\n    print('garbage:', e)\nexcept TimeoutError as e:\n    print('timeout:', e)\ntry:\n    fail()\nexcept ToolError as e:\n    print('then:', e)\nexcept TimeoutError as e:\n    print('timeout:', e)\nprint('still running')\n";

#[test]
fn a_server_answering_garbage_is_a_tool_error_or_ignored_never_a_hang() {
    let f = start();
    // Over HTTP the answer to fail() is an event stream of nonsense: the call fails.
    let r = run_prog(&mcp(&f), &["--tool-timeout", "20"], AFTER_GARBAGE);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    assert_eq!(r.stdout, "nonsense follows\nthen: fail(): the connection to MCP server 'http' is closed\nstill running\n");
    // Over stdio, a line that is not JSON-RPC and an answer to no request are
    // skipped: the session goes on.
    let Some(bin) = stdio_server() else { return };
    let line = format!("'{}'", bin.display());
    let r = run_prog(&["--mcp-stdio".to_owned(), line], &["--tool-timeout", "20"], AFTER_GARBAGE);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "nonsense follows\nthen: the disk is on fire\nstill running\n");
}
