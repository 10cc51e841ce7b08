//! The MCP conformance suite's client scenarios (`@modelcontextprotocol/conformance`,
//! pinned, on Node 22; `.ci/run` installs both and sets GARTER_CONFORMANCE to the
//! suite's dist/index.js and GARTER_NODE22 to the node binary). The client under
//! test is tests/mcp_conformance/client.sh: `garter run --mcp URL` with a Python
//! program per scenario. The suite's servers listen on loopback only.
//! In CI (CI=true) a missing suite fails the test; locally it is skipped.

#![cfg(feature = "mcp")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn suite() -> Option<(PathBuf, PathBuf)> {
    let file = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_file());
    match (file("GARTER_CONFORMANCE"), file("GARTER_NODE22")) {
        (Some(index), Some(node)) => Some((index, node)),
        _ => {
            let why = "MCP conformance suite not found: set GARTER_CONFORMANCE to its dist/index.js and GARTER_NODE22 to a Node 22 binary (.ci/run does)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{why}");
            }
            eprintln!("skipping: {why}");
            None
        }
    }
}

fn scenario(index: &Path, node: &Path, name: &str) {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_conformance");
    let work = std::env::temp_dir().join(format!("garter-conformance-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&work).expect("a temp dir");
    let node_dir = node.parent().map(Path::to_path_buf).unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(node_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())))
        .expect("a PATH");
    // No secrets reach the suite or the client: PATH, HOME (a temp dir) and the binary only.
    let out = Command::new(node)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &work)
        .env("GARTER", env!("CARGO_BIN_EXE_garter"))
        .current_dir(&work)
        .arg(index)
        .args(["client", "--command"])
        .arg(here.join("client.sh"))
        .args(["--scenario", name])
        .stdin(Stdio::null())
        .output()
        .expect("run the conformance suite");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&work);
    // The summary goes to stdout, the verdict line to stderr.
    let all = format!("{stdout}{stderr}");
    assert!(
        out.status.success() && all.contains("OVERALL: PASSED") && all.contains(" 0 failed, 0 warnings"),
        "scenario {name} failed:\n{stdout}\n{stderr}"
    );
}

#[test]
fn conformance_client_scenarios() {
    let Some((index, node)) = suite() else { return };
    for name in ["initialize", "tools_call", "sse-retry", "elicitation-sep1034-client-defaults"] {
        scenario(&index, &node, name);
    }
}
