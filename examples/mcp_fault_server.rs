//! The misbehaving MCP server of tests/support/fault_server.rs over stdio, for
//! tests/mcp_faults.rs: `crash` makes this process exit mid-call, as a real stdio
//! server dying would. A test fixture only: it touches no files and no network.

#[path = "../tests/support/fault_server.rs"]
mod fault_server;

use std::sync::Arc;

use rmcp::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = fault_server::FaultServer::new(Arc::new(|| std::process::exit(3)));
    match server.serve(rmcp::transport::io::stdio()).await {
        Ok(running) => {
            let _ = running.waiting().await;
        }
        Err(e) => eprintln!("mcp_fault_server: {e}"),
    }
}
