//! MCP servers as tool providers (feature `mcp`): connects to stdio and streamable
//! HTTP servers with rmcp, lists their tools and turns each into a core `Tool`
//! whose call blocks on this module's tokio runtime.
//!
//! The interpreter stays synchronous and single-threaded; only this module touches
//! async code. It must never pass the program anything but plain data, never let a
//! server's failure crash or hang the program (errors become `ToolError`, slow
//! calls `TimeoutError`), and never mix a child's stderr into the program's output.

pub mod config;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once, OnceLock};
use std::time::Duration;

use base64::Engine;
use rmcp::ClientHandler;
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction, Implementation,
    ProgressNotificationParam, ProtocolVersion,
};
use rmcp::service::{NotificationContext, Peer, RequestContext, RoleClient, RunningService, ServiceExt};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess, streamable_http_client::StreamableHttpClientTransportConfig};
use serde_json::Value as Json;

pub use config::{ServerSpec, Transport, parse_config, parse_stdio_command};

use crate::tools::{CallError, Content, Tool, ToolOutput, assign_names};

/// Per-call timeout when none is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Connected servers. Dropping it (or `shutdown`) closes the sessions and reaps
/// stdio children.
pub struct McpHost {
    rt: Arc<tokio::runtime::Runtime>,
    conns: Vec<Arc<Conn>>,
    origins: Vec<ToolOrigin>,
    /// Set once by `cancel_on`; every tool call watches it.
    cancel: Arc<OnceLock<Arc<AtomicBool>>>,
}

/// How many times one host reconnects to one server before it stops trying.
const MAX_RECONNECTS: usize = 3;

/// One server's session. When it has closed (the server died or restarted, or
/// sent something that ended the transport), the call that saw it close fails
/// and a later call connects afresh, at most `MAX_RECONNECTS` times.
struct Conn {
    spec: ServerSpec,
    client: Client,
    service: std::sync::Mutex<Option<RunningService<RoleClient, Client>>>,
    reconnects: std::sync::atomic::AtomicUsize,
}

impl Conn {
    async fn peer(&self) -> Result<Peer<RoleClient>, String> {
        use std::sync::atomic::Ordering;
        let live = self.service.lock().ok().and_then(|s| s.as_ref().map(|s| s.peer().clone()));
        if let Some(p) = live.filter(|p| !p.is_transport_closed()) {
            return Ok(p);
        }
        if self.reconnects.fetch_add(1, Ordering::Relaxed) >= MAX_RECONNECTS {
            return Err(format!("the connection to MCP server '{}' is closed", self.spec.name));
        }
        // The old session is dropped first: for stdio that reaps the dead child.
        let old = self.service.lock().ok().and_then(|mut s| s.take());
        drop(old);
        let fresh = tokio::time::timeout(Duration::from_secs(10), connect_one(&self.spec, self.client.clone()))
            .await
            .map_err(|_| format!("MCP server '{}': no answer to initialize within 10 s", self.spec.name))
            .and_then(|r| r)
            .map_err(|e| format!("the connection to MCP server '{}' is closed and reconnecting failed ({e})", self.spec.name))?;
        let p = fresh.peer().clone();
        if let Ok(mut s) = self.service.lock() {
            *s = Some(fresh);
        }
        Ok(p)
    }
}

/// Where a bound tool comes from: its server and its MCP name, for `garter tools`
/// to show renames (`get-sum` -> `get_sum`) and collisions.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOrigin {
    pub server: String,
    pub mcp_name: String,
    pub python_name: String,
}

/// Receives one progress line (already made inert: no control characters).
pub type ProgressFn = Arc<dyn Fn(&str) + Send + Sync>;

/// The client side of one session: answers the server's notifications.
#[derive(Clone)]
pub struct Client {
    config: ClientConfig,
    /// The Python name of the call in flight or last made (calls are one at a time), for progress lines.
    current: Arc<std::sync::Mutex<Option<String>>>,
    progress: Option<ProgressFn>,
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        self.config.clone()
    }

    /// Nobody is at hand to fill in a form during a run: a form whose every
    /// required field has a default is accepted with the defaults (SEP-1034);
    /// any other request (a required field without one, a URL to visit) is declined.
    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, rmcp::ErrorData> {
        let j = serde_json::to_value(&request).unwrap_or(Json::Null);
        Ok(match elicitation_defaults(&j) {
            Some(content) => {
                let mut r = ElicitResult::new(ElicitationAction::Accept);
                r.content = Some(content);
                r
            }
            None => ElicitResult::new(ElicitationAction::Decline),
        })
    }

    async fn on_progress(&self, p: ProgressNotificationParam, _context: NotificationContext<RoleClient>) {
        let Some(report) = &self.progress else { return };
        let name = self.current.lock().ok().and_then(|c| c.clone());
        // A notification before any call has nobody to report to.
        if let Some(name) = name {
            report(&progress_line(&name, &p));
        }
    }
}

/// The defaults of a form elicitation's schema as its answer, or None when a
/// required field has no default or the request is not a form.
pub fn elicitation_defaults(request: &Json) -> Option<Json> {
    if request.get("mode").and_then(Json::as_str).is_some_and(|m| m != "form") {
        return None;
    }
    let schema = request.get("requestedSchema")?;
    let mut out = serde_json::Map::new();
    if let Some(props) = schema.get("properties").and_then(Json::as_object) {
        for (k, p) in props {
            if let Some(d) = p.get("default") {
                out.insert(k.clone(), d.clone());
            }
        }
    }
    let required = schema.get("required").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default();
    if required.iter().filter_map(Json::as_str).any(|r| !out.contains_key(r)) {
        return None;
    }
    Some(Json::Object(out))
}

/// `get_data(): 2/5 Loading` with anything a terminal would interpret removed: the
/// server's text reaches the user's terminal, so it must stay inert.
pub fn progress_line(call: &str, p: &ProgressNotificationParam) -> String {
    let num = |x: f64| if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") };
    let mut line = format!("{call}(): {}", num(p.progress));
    if let Some(t) = p.total {
        line.push('/');
        line.push_str(&num(t));
    }
    if let Some(m) = p.message.as_deref().filter(|m| !m.trim().is_empty()) {
        line.push(' ');
        line.push_str(m.trim());
    }
    inert(&line, 300)
}

/// Drops control characters (C0, DEL, C1: escape sequences, bells, carriage returns)
/// and bidirectional overrides, and cuts the text at `max` characters.
pub fn inert(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    for (n, c) in s
        .chars()
        .filter(|&c| !(c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')))
        .enumerate()
    {
        if n == max {
            out.push_str("...");
            break;
        }
        out.push(c);
    }
    out
}

fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Ignored if another provider was installed first: any provider will do.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn client_config() -> ClientConfig {
    // Form elicitation only, answered with the form's defaults (see create_elicitation).
    let caps: ClientCapabilities = serde_json::from_value(serde_json::json!({"elicitation": {"form": {}}})).unwrap_or_default();
    ClientConfig::new(caps, Implementation::new("garter", env!("CARGO_PKG_VERSION")))
        .with_protocol_version(ProtocolVersion::V_2025_11_25)
}

async fn connect_one(spec: &ServerSpec, client: Client) -> Result<RunningService<RoleClient, Client>, String> {
    let who = &spec.name;
    match &spec.transport {
        Transport::Stdio { command, args, env, cwd } => {
            let mut cmd = tokio::process::Command::new(command);
            cmd.args(args).envs(env.iter().map(|(k, v)| (k, v)));
            if let Some(dir) = cwd {
                cmd.current_dir(dir);
            }
            // The child's stderr is its log, not the program's output.
            let (transport, _) = TokioChildProcess::builder(cmd)
                .stderr(std::process::Stdio::null())
                .spawn()
                .map_err(|e| format!("MCP server '{who}': cannot start {command}: {e}"))?;
            client.serve(transport).await.map_err(|e| format!("MCP server '{who}': {e}"))
        }
        Transport::Http { url, bearer_token_env, headers } => {
            let mut cfg = StreamableHttpClientTransportConfig::with_uri(url.as_str());
            // rmcp's default retries a dropped response stream forever, which turns a
            // dead server into a hang until the call's timeout: a few quick retries
            // (still enough to resume a stream the server closed on purpose), then
            // the call fails.
            let mut backoff = rmcp::transport::common::client_side_sse::ExponentialBackoff::default();
            backoff.max_times = Some(3);
            backoff.base_duration = Duration::from_millis(250);
            backoff.max_delay = Some(Duration::from_secs(2));
            cfg.retry_config = Arc::new(backoff);
            if let Some(var) = bearer_token_env {
                let token = std::env::var(var)
                    .map_err(|_| format!("MCP server '{who}': the environment variable {var} (its bearer token) is not set"))?;
                cfg = cfg.auth_header(token);
            }
            if !headers.is_empty() {
                let mut map = std::collections::HashMap::new();
                for (k, v) in headers {
                    let name = http::HeaderName::from_bytes(k.as_bytes())
                        .map_err(|e| format!("MCP server '{who}': bad header name {k:?}: {e}"))?;
                    let value = http::HeaderValue::from_str(v).map_err(|e| format!("MCP server '{who}': bad value for header {k}: {e}"))?;
                    map.insert(name, value);
                }
                cfg = cfg.custom_headers(map);
            }
            let transport = StreamableHttpClientTransport::from_config(cfg);
            client.serve(transport).await.map_err(|e| format!("MCP server '{who}' ({url}): {e}"))
        }
    }
}

impl McpHost {
    /// Connects to every server and returns the tools of all of them, named
    /// predictably (see `assign_names`: a later server's duplicate gets its
    /// server's name as a prefix).
    pub fn connect(specs: &[ServerSpec], timeout: Duration) -> Result<(McpHost, Vec<Tool>), String> {
        McpHost::connect_with_progress(specs, timeout, None)
    }

    /// As `connect`, with `progress` receiving a line for each progress
    /// notification of a call in flight (the CLI prints them on stderr).
    pub fn connect_with_progress(
        specs: &[ServerSpec],
        timeout: Duration,
        progress: Option<ProgressFn>,
    ) -> Result<(McpHost, Vec<Tool>), String> {
        install_crypto();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the MCP runtime: {e}"))?;
        let rt = Arc::new(rt);
        let mut host = McpHost { rt: rt.clone(), conns: Vec::new(), origins: Vec::new(), cancel: Arc::new(OnceLock::new()) };
        let mut listed = Vec::new();
        for spec in specs {
            let current = Arc::new(std::sync::Mutex::new(None));
            let client = Client { config: client_config(), current: current.clone(), progress: progress.clone() };
            let (service, tools) = rt.block_on(async {
                let service = tokio::time::timeout(Duration::from_secs(30), connect_one(spec, client.clone()))
                    .await
                    .map_err(|_| format!("MCP server '{}': no answer to initialize within 30 s", spec.name))??;
                let tools = service.list_all_tools().await.map_err(|e| format!("MCP server '{}': tools/list failed: {e}", spec.name))?;
                Ok::<_, String>((service, tools))
            })?;
            let conn = Arc::new(Conn {
                spec: spec.clone(),
                client,
                service: std::sync::Mutex::new(Some(service)),
                reconnects: std::sync::atomic::AtomicUsize::new(0),
            });
            host.conns.push(conn.clone());
            for t in tools {
                listed.push((spec.name.clone(), conn.clone(), current.clone(), t));
            }
        }
        let keys: Vec<(Option<&str>, &str)> = listed.iter().map(|(s, _, _, t)| (Some(s.as_str()), &*t.name)).collect();
        let names = assign_names(&keys, &["final_answer", "ToolError", "print"]);
        let mut tools = Vec::new();
        for ((server, conn, current, t), name) in listed.into_iter().zip(names) {
            host.origins.push(ToolOrigin { server: server.clone(), mcp_name: t.name.to_string(), python_name: name.clone() });
            tools.push(make_tool(rt.clone(), conn, current, host.cancel.clone(), server, name, t, timeout));
        }
        Ok((host, tools))
    }

    /// Makes tool calls under way give up when `flag` is set (the CLI's Ctrl-C):
    /// the call's future is dropped, which cancels it on the server, and the run
    /// stops with `KeyboardInterrupt`. Only the first flag given counts.
    pub fn cancel_on(&self, flag: Arc<AtomicBool>) {
        let _ = self.cancel.set(flag);
    }

    /// Each bound tool's server and MCP name, in binding order.
    pub fn origins(&self) -> &[ToolOrigin] {
        &self.origins
    }

    /// Closes every session (stdio children are asked to exit, then killed).
    pub fn shutdown(mut self) {
        let services: Vec<_> = std::mem::take(&mut self.conns).iter().filter_map(|c| c.service.lock().ok().and_then(|mut s| s.take())).collect();
        self.rt.block_on(async {
            for mut s in services {
                // A session whose transport already ended has nobody to say goodbye to.
                if s.peer().is_transport_closed() {
                    continue;
                }
                let _ = tokio::time::timeout(Duration::from_secs(3), s.close()).await;
            }
        });
    }
}

fn make_tool(
    rt: Arc<tokio::runtime::Runtime>,
    conn: Arc<Conn>,
    current: Arc<std::sync::Mutex<Option<String>>>,
    cancel: Arc<OnceLock<Arc<AtomicBool>>>,
    server: String,
    name: String,
    t: rmcp::model::Tool,
    timeout: Duration,
) -> Tool {
    let remote = t.name.to_string();
    let input_schema = Json::Object((*t.input_schema).clone());
    let output_schema = t.output_schema.as_ref().map(|o| Json::Object((**o).clone()));
    let description = t.description.as_deref().unwrap_or("").to_owned();
    let call_name = name.clone();
    let server_name = server.clone();
    let call = move |args: Json| -> Result<ToolOutput, CallError> {
        let args = match args {
            Json::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        let params = CallToolRequestParams::new(remote.clone()).with_arguments(args);
        let conn = conn.clone();
        if let Ok(mut c) = current.lock() {
            *c = Some(call_name.clone());
        }
        let flag = cancel.get().cloned();
        if flag.as_ref().is_some_and(|f| f.load(Ordering::SeqCst)) {
            return Err(CallError::Interrupted);
        }
        // Dropping the call future (at the timeout, or when the cancel flag is
        // set) makes rmcp cancel it on the server.
        let r = rt.block_on(async move {
            let call = tokio::time::timeout(timeout, async move {
                match conn.peer().await {
                    Ok(peer) => peer.call_tool(params).await.map_err(Ok),
                    Err(why) => Err(Err(why)),
                }
            });
            let Some(flag) = flag else { return Some(call.await) };
            let watch = async {
                while !flag.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            };
            tokio::select! {
                r = call => Some(r),
                _ = watch => None,
            }
        });
        let Some(r) = r else { return Err(CallError::Interrupted) };
        // `current` keeps this call's name: rmcp hands notifications to the
        // handler on their own task, so the last ones can land after the answer.
        match r {
            Err(_) => Err(CallError::Timeout(format!("{call_name}() timed out after {} s", fmt_secs(timeout)))),
            Ok(Err(Ok(e))) => Err(service_error(&call_name, &server_name, e)),
            Ok(Err(Err(why))) => Err(CallError::Tool(format!("{call_name}(): {why}"))),
            Ok(Ok(res)) => Ok(convert_result(res)),
        }
    };
    Tool { name, description, input_schema, output_schema, server: Some(server), call: std::rc::Rc::new(call) }
}

/// A failed call as the program reads it: the server's own text for a protocol
/// error, a plain sentence (not rmcp's type names) when the connection failed.
fn service_error(call: &str, server: &str, e: rmcp::ServiceError) -> CallError {
    use rmcp::ServiceError as E;
    match e {
        E::McpError(d) => CallError::Tool(format!("{call}(): {}", d.message)),
        E::Timeout { timeout } => CallError::Timeout(format!("{call}() timed out after {} s", fmt_secs(timeout))),
        E::TransportClosed => CallError::Tool(format!("{call}(): the connection to MCP server '{server}' is closed")),
        E::TransportSend(err) => {
            // The innermost cause says what happened ("Connection refused"); the
            // outer layers only name rmcp's and reqwest's types.
            let mut cause: &dyn std::error::Error = &err;
            while let Some(next) = cause.source() {
                cause = next;
            }
            CallError::Tool(format!("{call}(): cannot reach MCP server '{server}': {cause}"))
        }
        E::UnexpectedResponse => CallError::Tool(format!("{call}(): MCP server '{server}' sent an unexpected response")),
        E::Cancelled { reason } => {
            CallError::Tool(format!("{call}(): MCP server '{server}' cancelled the call: {}", reason.as_deref().unwrap_or("no reason given")))
        }
        other => CallError::Tool(format!("{call}(): MCP server '{server}': {other}")),
    }
}

fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{}", s as u64) } else { format!("{s}") }
}

/// rmcp's result to the core's: blocks go through their JSON form, which is stable
/// across rmcp's non-exhaustive content types.
fn convert_result(res: rmcp::model::CallToolResult) -> ToolOutput {
    let mut content = Vec::with_capacity(res.content.len());
    for block in &res.content {
        let j = serde_json::to_value(block).unwrap_or(Json::Null);
        content.push(content_of(j));
    }
    ToolOutput { content, structured: res.structured_content, is_error: res.is_error.unwrap_or(false) }
}

fn content_of(j: Json) -> Content {
    let s = |v: &Json, k: &str| v.get(k).and_then(Json::as_str).map(str::to_owned);
    match j.get("type").and_then(Json::as_str) {
        Some("text") => Content::Text(s(&j, "text").unwrap_or_default()),
        Some(kind @ ("image" | "audio")) => {
            let data = s(&j, "data").unwrap_or_default();
            match base64::engine::general_purpose::STANDARD.decode(data.as_bytes()) {
                Ok(data) => {
                    let mime_type = s(&j, "mimeType").unwrap_or_default();
                    if kind == "image" { Content::Image { mime_type, data } } else { Content::Audio { mime_type, data } }
                }
                Err(_) => Content::Other(j),
            }
        }
        Some("resource") => {
            let r = j.get("resource").cloned().unwrap_or(Json::Null);
            Content::Resource { uri: s(&r, "uri").unwrap_or_default(), mime_type: s(&r, "mimeType"), text: s(&r, "text") }
        }
        Some("resource_link") => Content::Resource { uri: s(&j, "uri").unwrap_or_default(), mime_type: s(&j, "mimeType"), text: None },
        _ => Content::Other(j),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn elicitation_is_answered_with_defaults_only_when_they_cover_it() {
        let form = json!({"mode": "form", "message": "m", "requestedSchema": {"type": "object",
            "properties": {"name": {"type": "string", "default": "John"}, "age": {"type": "integer", "default": 30}, "note": {"type": "string"}},
            "required": ["name"]}});
        assert_eq!(elicitation_defaults(&form), Some(json!({"name": "John", "age": 30})));
        let missing = json!({"message": "m", "requestedSchema": {"properties": {"name": {"type": "string"}}, "required": ["name"]}});
        assert_eq!(elicitation_defaults(&missing), None);
        assert_eq!(elicitation_defaults(&json!({"mode": "url", "url": "http://x", "requestedSchema": {}})), None);
    }

    #[test]
    fn progress_lines_are_inert() {
        let p: ProgressNotificationParam =
            serde_json::from_value(json!({"progressToken": 1, "progress": 2.0, "total": 5, "message": "a\u{1b}[2Jb\r\u{202e}c\u{7}"})).unwrap_or_else(|_| ProgressNotificationParam::new(rmcp::model::ProgressToken(rmcp::model::NumberOrString::Number(1)), 0.0));
        assert_eq!(progress_line("f", &p), "f(): 2/5 a[2Jbc");
        assert_eq!(inert(&"x".repeat(10), 4), "xxxx...");
    }
}
