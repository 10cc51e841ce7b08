//! `@modelcontextprotocol/server-everything` for the integration tests: where it
//! is, and a running instance over streamable HTTP pinned to 127.0.0.1 (through
//! bench/loopback.cjs, the preload the MCP benchmark uses too: the server has no
//! host option and would listen on every interface). The server gets PATH only.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server's dist/index.js from `GARTER_SERVER_EVERYTHING` (set by .ci/run);
/// `None`, with a note, when it is not there, and a failure under `CI=true`.
pub fn locate() -> Option<PathBuf> {
    let found = std::env::var_os("GARTER_SERVER_EVERYTHING").map(PathBuf::from).filter(|p| p.is_file());
    if found.is_none() {
        let why = "server-everything not found: set GARTER_SERVER_EVERYTHING to its dist/index.js (.ci/run does)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}");
        }
        eprintln!("skipping: {why}");
    }
    found
}

/// A running server, killed when dropped.
pub struct HttpServer {
    child: Child,
    pub port: u16,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the server at `index` over streamable HTTP and waits until it listens.
pub fn start_http(index: &Path) -> HttpServer {
    let port = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port");
    let preload = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/loopback.cjs");
    let child = Command::new("node")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PORT", port.to_string())
        .arg("--require")
        .arg(&preload)
        .arg(index)
        .arg("streamableHttp")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start node");
    let server = HttpServer { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        assert!(Instant::now() < deadline, "server-everything did not listen on 127.0.0.1:{port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}
