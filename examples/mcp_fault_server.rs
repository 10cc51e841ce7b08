//! The misbehaving MCP server of tests/support/fault_server.rs over stdio, for
//! tests/mcp_faults.rs: `crash` makes this process exit mid-call, as a real stdio
//! server dying would. A test fixture only: it touches no files and no network.

#[path = "../tests/support/fault_server.rs"]
mod fault_server;

use std::sync::Arc;

use rmcp::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let garbage = Arc::new(|| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b"this is not JSON-RPC\n{\"jsonrpc\": \"2.0\", \"id\": \"nobody\", \"result\": 7}\n");
        let _ = out.flush();
    });
    let server = fault_server::FaultServer::new(Arc::new(|| std::process::exit(3)), garbage);
    match server.serve(rmcp::transport::io::stdio()).await {
        Ok(running) => {
            let _ = running.waiting().await;
        }
        Err(e) => eprintln!("mcp_fault_server: {e}"),
    }
}
