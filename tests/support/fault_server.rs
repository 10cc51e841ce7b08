//! An MCP server built on rmcp's server side whose tools misbehave on purpose: a
//! slow tool (for the per-call timeout and its cancellation), a crash mid-call, an
//! `isError` result, a huge result, progress notifications, a tool list served in
//! pages, and schemas and names that are awkward to bind in Python.
//!
//! Shared by tests/mcp_faults.rs (over streamable HTTP, in-process) and
//! examples/mcp_fault_server.rs (over stdio). It is a test fixture: it must only
//! ever listen on loopback, and it reads nothing from its environment.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelledNotificationParam, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value as Json, json};

/// Tools per tools/list page: small, so the list takes several pages.
pub const PAGE: usize = 4;

#[derive(Clone)]
pub struct FaultServer {
    /// What the server saw, in order: `call NAME`, `cancelled NAME` (the call's
    /// token fired), `notification cancelled REASON`, `list CURSOR`.
    pub log: Arc<Mutex<Vec<String>>>,
    /// What `crash` does: exit the process (stdio) or cut the connections (HTTP).
    pub on_crash: Arc<dyn Fn() + Send + Sync>,
    /// What `garbage` does before it answers: write lines that are not the
    /// answer to anything (stdio), or answer every later HTTP request with nonsense.
    pub on_garbage: Arc<dyn Fn() + Send + Sync>,
}

impl FaultServer {
    pub fn new(on_crash: Arc<dyn Fn() + Send + Sync>, on_garbage: Arc<dyn Fn() + Send + Sync>) -> FaultServer {
        FaultServer { log: Arc::new(Mutex::new(Vec::new())), on_crash, on_garbage }
    }

    fn note(&self, s: String) {
        if let Ok(mut l) = self.log.lock() {
            l.push(s);
        }
    }

    pub fn seen(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

fn schema(j: Json) -> Arc<rmcp::model::JsonObject> {
    match j {
        Json::Object(m) => Arc::new(m),
        _ => Arc::new(Default::default()),
    }
}

/// Every tool, in list order.
pub fn tools() -> Vec<Tool> {
    let num = |d: &str| json!({"type": "number", "description": d});
    vec![
        Tool::new("slow", "Sleeps for `seconds`, then answers", schema(json!({"type": "object", "properties": {"seconds": num("How long")}, "required": ["seconds"]}))),
        Tool::new("crash", "The server dies during this call", schema(json!({"type": "object", "properties": {}}))),
        Tool::new("garbage", "The server answers nonsense", schema(json!({"type": "object", "properties": {}}))),
        Tool::new("fail", "Always reports an error", schema(json!({"type": "object", "properties": {}}))),
        Tool::new("huge", "Answers `size` bytes of text", schema(json!({"type": "object", "properties": {"size": {"type": "integer"}}, "required": ["size"]}))),
        Tool::new("progress", "Sends `steps` progress notifications", schema(json!({"type": "object", "properties": {"steps": {"type": "integer", "default": 3}}}))),
        // Odd schemas: each answers its arguments as structured content.
        Tool::new("no-props", "A schema without properties", schema(json!({"type": "object"}))),
        Tool::new(
            "nullable",
            "anyOf and nullable",
            schema(json!({"type": "object", "properties": {
                "x": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "y": {"type": "integer", "nullable": true},
                "z": {"type": ["string", "null"], "default": null}}, "required": ["x"]})),
        ),
        Tool::new(
            "choose",
            "Enums",
            schema(json!({"type": "object", "properties": {
                "mode": {"enum": ["fast", "slow", 3]},
                "level": {"type": "string", "enum": ["lo", "hi"], "default": "lo"}}, "required": ["mode"]})),
        ),
        Tool::new(
            "nested",
            "Nested objects and arrays",
            schema(json!({"type": "object", "properties": {
                "point": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}, "required": ["x", "y"]},
                "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["point"]})),
        ),
        // Names that are not identifiers, and that collide once made identifiers.
        Tool::new("get-sum", "dash", schema(json!({"type": "object", "properties": {"a": {"type": "number"}}}))),
        Tool::new("get.sum", "dot", schema(json!({"type": "object", "properties": {"a": {"type": "number"}}}))),
        Tool::new("get_sum", "underscore", schema(json!({"type": "object", "properties": {"a": {"type": "number"}}}))),
        Tool::new("class", "a keyword", schema(json!({"type": "object", "properties": {}}))),
        Tool::new("2fa", "a leading digit", schema(json!({"type": "object", "properties": {}}))),
        Tool::new("print", "a builtin the session keeps", schema(json!({"type": "object", "properties": {}}))),
    ]
}

impl ServerHandler for FaultServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let cursor = request.and_then(|r| r.cursor);
        self.note(format!("list {}", cursor.as_deref().unwrap_or("-")));
        let start: usize = match cursor.as_deref().map(str::parse) {
            None => 0,
            Some(Ok(n)) => n,
            Some(Err(_)) => return Err(ErrorData::invalid_params("bad cursor", None)),
        };
        let all = tools();
        let end = (start + PAGE).min(all.len());
        let mut page = ListToolsResult::with_all_items(all.get(start..end).map(<[Tool]>::to_vec).unwrap_or_default());
        if end < all.len() {
            page.next_cursor = Some(end.to_string());
        }
        Ok(page)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        self.note(format!("call {name}"));
        let args = request.arguments.unwrap_or_default();
        let text = |s: String| Ok(CallToolResult::success(vec![ContentBlock::text(s)]).into());
        match name.as_str() {
            "slow" => {
                let secs = args.get("seconds").and_then(Json::as_f64).unwrap_or(1.0);
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs_f64(secs)) => text(format!("slept {secs}")),
                    _ = context.ct.cancelled() => {
                        self.note("cancelled slow".into());
                        text("cancelled".into())
                    }
                }
            }
            "crash" => {
                (self.on_crash)();
                std::future::pending::<()>().await;
                text("unreachable".into())
            }
            "garbage" => {
                (self.on_garbage)();
                text("nonsense follows".into())
            }
            "fail" => Ok(CallToolResult::error(vec![ContentBlock::text("the disk is on fire")]).into()),
            "huge" => {
                let n = args.get("size").and_then(Json::as_u64).unwrap_or(0) as usize;
                text("x".repeat(n))
            }
            "progress" => {
                let steps = args.get("steps").and_then(Json::as_u64).unwrap_or(3);
                if let Some(token) = context.meta.get_progress_token() {
                    for i in 1..=steps {
                        let p = ProgressNotificationParam::new(token.clone(), i as f64)
                            .with_total(steps as f64)
                            .with_message(format!("step {i}\x1b[31m red\x07"));
                        let _ = context.peer.notify_progress(p).await;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                text(format!("{steps} steps done"))
            }
            _ if tools().iter().any(|t| t.name == name) => {
                Ok(CallToolResult::structured(json!({"tool": name, "args": Json::Object(args)})).into())
            }
            _ => Err(ErrorData::invalid_params(format!("no tool {name}"), None)),
        }
    }

    async fn on_cancelled(&self, notification: CancelledNotificationParam, _context: NotificationContext<RoleServer>) {
        self.note(format!("notification cancelled {}", notification.reason.unwrap_or_default()));
    }
}
