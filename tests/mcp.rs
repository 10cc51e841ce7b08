//! The real binary against a real MCP server nobody here wrote:
//! `@modelcontextprotocol/server-everything` (pinned; `.ci/run` installs it and sets
//! `GARTER_SERVER_EVERYTHING` to its `dist/index.js`), over stdio and over
//! streamable HTTP on loopback.
//!
//! The server gets an empty environment (its `get-env` tool returns it all), and
//! over HTTP a preload pins its listening socket to 127.0.0.1 (it has no host
//! option). In CI (CI=true) a missing server fails the tests; locally they skip.

#![cfg(feature = "mcp")]

#[path = "support/server_everything.rs"]
mod server_everything;

use std::process::{Command, Output, Stdio};

/// The environment of garter and of the servers it starts: PATH only, no secrets.
fn bare(cmd: &mut Command) -> &mut Command {
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default())
}

fn garter(args: &[&str], program: Option<&str>) -> Output {
    let dir = std::env::temp_dir().join(format!("garter-mcp-test-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_garter"));
    bare(&mut cmd).args(args);
    if let Some(src) = program {
        // One file per call: tests run in parallel and must not share a program.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let path = dir.join(format!("prog{}.py", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        std::fs::write(&path, src).expect("write the test program");
        cmd.arg(&path);
    }
    cmd.stdin(Stdio::null()).output().expect("run garter")
}

const PROGRAM: &str = r#"print(echo(message="hi"))
print(get_sum(2, 40))
print(get_sum(a=2, b=40))
print(get_sum(40, b=2))
w = get_structured_content(location="Chicago")
print(type(w).__name__, sorted(w))
try:
    get_sum(2)
except TypeError as e:
    print("TypeError:", e)
try:
    get_resource_reference(resourceType="Text", resourceId=0.5)
except ToolError as e:
    print("ToolError:", e)
n = 0
for i in range(10):
    n += len(echo(message=str(i)))
print(n, list(map(lambda m: echo(message=m), ["a", "b"])))
"#;

const EXPECTED: &str = "Echo: hi
The sum of 2 and 40 is 42.
The sum of 2 and 40 is 42.
The sum of 40 and 2 is 42.
dict ['conditions', 'humidity', 'temperature']
TypeError: get_sum() missing 1 required positional argument: 'b'
ToolError: Invalid resourceId: 0.5. Must be a finite positive integer.
70 ['Echo: a', 'Echo: b']
";

fn check(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "garter failed:\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stdout, EXPECTED, "stderr:\n{stderr}");
}

#[test]
fn stdio_server_tools_are_python_functions() {
    let Some(index) = server_everything::locate() else { return };
    let line = format!("node '{}' stdio", index.display());
    check(&garter(&["run", "--mcp-stdio", &line], Some(PROGRAM)));
}

#[test]
fn uncaught_tool_error_and_timeout_follow_the_run_contract() {
    let Some(index) = server_everything::locate() else { return };
    let line = format!("node '{}' stdio", index.display());
    let out = garter(&["run", "--mcp-stdio", &line], Some("get_resource_reference(resourceId=0.5)\n"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().last(), Some("ToolError: Invalid resourceId: 0.5. Must be a finite positive integer."));
    let prog = "try:\n    trigger_long_running_operation(duration=5, steps=1)\nexcept TimeoutError as e:\n    print(e)\nprint(echo(message='still here'))\n";
    let out = garter(&["run", "--tool-timeout", "0.5", "--mcp-stdio", &line], Some(prog));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "trigger_long_running_operation() timed out after 0.5 s\nEcho: still here\n"
    );
}

#[test]
fn tools_prints_stubs_from_a_config_file() {
    let Some(index) = server_everything::locate() else { return };
    let dir = std::env::temp_dir().join(format!("garter-mcp-cfg-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let cfg = dir.join("mcp.json");
    let doc = serde_json::json!({"mcpServers": {"everything": {"command": "node", "args": [index, "stdio"], "env": {}}}});
    std::fs::write(&cfg, doc.to_string()).expect("write the config");
    let out = garter(&["tools", "--mcp-config", &cfg.display().to_string()], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("def get_sum(a: float, b: float) -> str:\n    \"\"\"Returns the sum of two numbers\n\n    Args:\n        a: First number\n        b: Second number\n    \"\"\"\n"),
        "{stdout}"
    );
    assert!(stdout.contains("def get_structured_content(location: Literal['New York', 'Chicago', 'Los Angeles']) -> dict:"), "{stdout}");
}

#[test]
fn streamable_http_server_tools_are_python_functions() {
    let Some(index) = server_everything::locate() else { return };
    let srv = server_everything::start_http(&index);
    let url = format!("http://127.0.0.1:{}/mcp", srv.port);
    check(&garter(&["run", "--mcp", &url], Some(PROGRAM)));
}

#[test]
fn progress_of_a_long_tool_shows_on_stderr() {
    let Some(index) = server_everything::locate() else { return };
    let line = format!("node '{}' stdio", index.display());
    let out = garter(&["run", "--mcp-stdio", &line], Some("print(trigger_long_running_operation(duration=1, steps=3))\n"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Long running operation completed. Duration: 1 seconds, Steps: 3.\n");
    // rmcp delivers notifications on their own task: the last one, sent just
    // before the answer, may be handled after the run ended. The others come first.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = "progress: trigger_long_running_operation(): 1/3\nprogress: trigger_long_running_operation(): 2/3\nprogress: trigger_long_running_operation(): 3/3\n";
    assert!(stderr.len() >= 2 * all.len() / 3 && all.starts_with(&*stderr), "{stderr}");
}
