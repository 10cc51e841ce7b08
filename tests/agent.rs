//! `garter agent` end to end, through the real binary, against a SCRIPTED STAND-IN
//! FOR AN LLM API on loopback (no model API is reachable from the test machines).
//! The stand-in speaks OpenAI chat completions and Anthropic Messages (plain JSON
//! and server-sent events), replays scripted model turns in order, and records
//! every request garter sent so the tests can check the conversation.
#![cfg(feature = "agent")]

#[path = "support/server_everything.rs"]
mod server_everything;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// One scripted answer of the stand-in.
#[derive(Clone)]
enum Turn {
    Text(&'static str),
    /// An HTTP error status, with `Retry-After: 0` so the test does not wait.
    Status(u16),
    /// A 429 whose `Retry-After` is an HTTP date this many seconds ahead.
    RetryAt(u64),
    /// Native tool calls: (tool name, arguments as JSON text), with no text.
    Calls(Vec<(&'static str, &'static str)>),
    /// A model that does not answer within any test's patience.
    Hang,
    /// A text answer after this many milliseconds.
    Slow(u64, &'static str),
}

#[derive(Default)]
struct Script {
    turns: VecDeque<Turn>,
    /// Repeated once the script is used up.
    fallback: Option<Turn>,
    requests: Vec<(HeaderMap, Value)>,
}

type Shared = Arc<Mutex<Script>>;

/// The stand-in LLM API server, alive while the runtime lives.
struct StandInLlm {
    _rt: tokio::runtime::Runtime,
    port: u16,
    script: Shared,
}

impl StandInLlm {
    fn start(turns: Vec<Turn>, fallback: Option<Turn>) -> StandInLlm {
        let script: Shared = Arc::new(Mutex::new(Script { turns: turns.into(), fallback, requests: Vec::new() }));
        let rt = tokio::runtime::Runtime::new().expect("a runtime for the stand-in");
        let app = Router::new()
            .route("/v1/chat/completions", post(openai))
            .route("/v1/messages", post(anthropic))
            .with_state(script.clone());
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        rt.spawn(async move { axum::serve(listener, app).await });
        StandInLlm { _rt: rt, port, script }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    fn requests(&self) -> Vec<(HeaderMap, Value)> {
        self.script.lock().expect("script lock").requests.clone()
    }
}

/// The next scripted turn and the number of the request (from 1).
fn next_turn(s: &Shared, headers: HeaderMap, body: Value) -> (Turn, usize) {
    let mut s = s.lock().expect("script lock");
    s.requests.push((headers, body));
    let t = s.turns.pop_front().or_else(|| s.fallback.clone());
    (t.unwrap_or(Turn::Status(500)), s.requests.len())
}

/// An IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) for a Unix time.
fn http_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(m - 1) as usize];
    format!("{wd}, {d:02} {mon} {y} {:02}:{:02}:{:02} GMT", secs / 3600, secs / 60 % 60, secs % 60)
}

fn retry_at(secs: u64) -> Response {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (StatusCode::TOO_MANY_REQUESTS, [("retry-after", http_date(now + secs))], r#"{"error":{"message":"slow down"}}"#).into_response()
}

async fn hang() -> Response {
    tokio::time::sleep(Duration::from_secs(120)).await;
    status(500)
}

fn halves(t: &str) -> (&str, &str) {
    let mut i = t.len() / 2;
    while !t.is_char_boundary(i) {
        i += 1;
    }
    t.split_at(i)
}

fn status(code: u16) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, [("retry-after", "0")], json!({"error": {"message": format!("scripted {}", code.as_u16())}}).to_string())
        .into_response()
}

fn sse(events: Vec<(Option<&str>, String)>) -> Response {
    let mut body = String::new();
    for (ev, data) in events {
        if let Some(e) = ev {
            body.push_str(&format!("event: {e}\n"));
        }
        body.push_str(&format!("data: {data}\n\n"));
    }
    ([("content-type", "text/event-stream")], body).into_response()
}

async fn openai(State(s): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let stream = body["stream"] == json!(true);
    let (turn, n) = next_turn(&s, headers, body);
    let turn = match turn {
        Turn::Slow(ms, t) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Turn::Text(t)
        }
        t => t,
    };
    match turn {
        Turn::Status(c) => status(c),
        Turn::RetryAt(secs) => retry_at(secs),
        Turn::Hang => hang().await,
        Turn::Slow(..) => status(500),
        Turn::Calls(calls) if stream => {
            let mut events = Vec::new();
            for (i, (name, args)) in calls.iter().enumerate() {
                let id = format!("call_{n}_{i}");
                let (a, b) = halves(args);
                events.push((None, json!({"choices": [{"delta": {"tool_calls": [{"index": i, "id": id, "type": "function", "function": {"name": name, "arguments": ""}}]}}]}).to_string()));
                for piece in [a, b] {
                    events.push((None, json!({"choices": [{"delta": {"tool_calls": [{"index": i, "function": {"arguments": piece}}]}}]}).to_string()));
                }
            }
            events.push((None, json!({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5}}).to_string()));
            events.push((None, "[DONE]".to_owned()));
            sse(events)
        }
        Turn::Calls(calls) => {
            let calls: Vec<Value> = calls
                .iter()
                .enumerate()
                .map(|(i, (name, args))| json!({"id": format!("call_{n}_{i}"), "type": "function", "function": {"name": name, "arguments": args}}))
                .collect();
            axum::Json(json!({
                "choices": [{"message": {"role": "assistant", "content": null, "tool_calls": calls}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5}
            }))
            .into_response()
        }
        Turn::Text(t) if stream => {
            let (a, b) = halves(t);
            sse(vec![
                (None, json!({"choices": [{"delta": {"content": a}}]}).to_string()),
                (None, json!({"choices": [{"delta": {"content": b}}]}).to_string()),
                (None, json!({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5}}).to_string()),
                (None, "[DONE]".to_owned()),
            ])
        }
        Turn::Text(t) => axum::Json(json!({
            "choices": [{"message": {"role": "assistant", "content": t}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5}
        }))
        .into_response(),
    }
}

async fn anthropic(State(s): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let stream = body["stream"] == json!(true);
    let (turn, n) = next_turn(&s, headers, body);
    let turn = match turn {
        Turn::Slow(ms, t) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Turn::Text(t)
        }
        t => t,
    };
    match turn {
        Turn::Status(c) => status(c),
        Turn::RetryAt(secs) => retry_at(secs),
        Turn::Hang => hang().await,
        Turn::Slow(..) => status(500),
        Turn::Calls(calls) if stream => {
            let mut events = vec![(Some("message_start"), json!({"type": "message_start", "message": {"usage": {"input_tokens": 12}}}).to_string())];
            for (i, (name, args)) in calls.iter().enumerate() {
                let block = json!({"type": "tool_use", "id": format!("toolu_{n}_{i}"), "name": name, "input": {}});
                events.push((Some("content_block_start"), json!({"type": "content_block_start", "index": i, "content_block": block}).to_string()));
                let (a, b) = halves(args);
                for piece in [a, b] {
                    let delta = json!({"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": piece}});
                    events.push((Some("content_block_delta"), delta.to_string()));
                }
                events.push((Some("content_block_stop"), json!({"type": "content_block_stop", "index": i}).to_string()));
            }
            events.push((Some("message_delta"), json!({"type": "message_delta", "usage": {"output_tokens": 7}}).to_string()));
            events.push((Some("message_stop"), json!({"type": "message_stop"}).to_string()));
            sse(events)
        }
        Turn::Calls(calls) => {
            let blocks: Vec<Value> = calls
                .iter()
                .enumerate()
                .map(|(i, (name, args))| {
                    let input: Value = serde_json::from_str(args).unwrap_or(json!({}));
                    json!({"type": "tool_use", "id": format!("toolu_{n}_{i}"), "name": name, "input": input})
                })
                .collect();
            axum::Json(json!({"content": blocks, "stop_reason": "tool_use", "usage": {"input_tokens": 12, "output_tokens": 7}})).into_response()
        }
        Turn::Text(t) if stream => {
            let (a, b) = halves(t);
            sse(vec![
                (Some("message_start"), json!({"type": "message_start", "message": {"usage": {"input_tokens": 12}}}).to_string()),
                (Some("content_block_delta"), json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": a}}).to_string()),
                (Some("content_block_delta"), json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": b}}).to_string()),
                (Some("message_delta"), json!({"type": "message_delta", "usage": {"output_tokens": 7}}).to_string()),
                (Some("message_stop"), json!({"type": "message_stop"}).to_string()),
            ])
        }
        Turn::Text(t) => axum::Json(json!({
            "content": [{"type": "text", "text": t}],
            "usage": {"input_tokens": 12, "output_tokens": 7}
        }))
        .into_response(),
    }
}

fn garter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_garter"))
        .arg("agent")
        .args(args)
        .env("GARTER_TEST_KEY", "sk-test-secret")
        .output()
        .expect("run garter")
}

fn messages(req: &Value) -> Vec<(String, String)> {
    req["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| (m["role"].as_str().unwrap_or("").to_owned(), m["content"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

const STEP1: &str = "Thought: I compute x first.\n<code>\nx = 6 * 7\nprint('x is', x)\n</code>";
const STEP2: &str = "Thought: x is known, I answer.\n<code>\nfinal_answer(f'The answer is {x}')\n</code>";

#[test]
fn openai_two_step_run_carries_the_observation() {
    let llm = StandInLlm::start(vec![Turn::Text(STEP1), Turn::Text(STEP2)], None);
    let dir = std::env::temp_dir().join(format!("garter-agent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("run.jsonl");
    let out = garter(&[
        "--model", "openai:scripted-model", "--base-url", &llm.base(), "--api-key-env", "GARTER_TEST_KEY",
        "--log", log.to_str().unwrap_or("run.jsonl"), "compute six times seven",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "The answer is 42\n", "stderr: {stderr}");
    assert!(out.status.success());
    assert!(stderr.contains("x is 42"), "{stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].0.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer sk-test-secret"));
    assert_eq!(reqs[0].1["model"], "scripted-model");
    let first = messages(&reqs[0].1);
    assert_eq!(first[0].0, "system");
    assert!(first[0].1.contains("final_answer"));
    assert_eq!(first[1], ("user".to_owned(), "New task:\ncompute six times seven".to_owned()));
    let second = messages(&reqs[1].1);
    assert_eq!(second.len(), 4);
    assert_eq!(second[2].0, "assistant");
    assert!(second[2].1.contains("x = 6 * 7") && second[2].1.ends_with("</code>"));
    assert_eq!(second[3].0, "user");
    assert!(second[3].1.contains("Observation:") && second[3].1.contains("x is 42"), "{}", second[3].1);
    let text = std::fs::read_to_string(&log).expect("the run log");
    assert!(!text.contains("sk-test-secret"));
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["type"], "run_start");
    assert_eq!(lines[1]["data"]["code"], "x = 6 * 7\nprint('x is', x)");
    assert_eq!(lines[2]["data"]["final_answer"], "The answer is 42");
    assert_eq!(lines[3]["state"], "success");
    assert_eq!(lines[3]["token_usage"]["input_tokens"], 20);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn anthropic_streaming_two_step_run() {
    let llm = StandInLlm::start(vec![Turn::Text(STEP1), Turn::Text(STEP2)], None);
    let out = garter(&[
        "--model", "anthropic:scripted-claude", "--base-url", &llm.base(), "--api-key-env", "GARTER_TEST_KEY",
        "--stream", "compute six times seven",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "The answer is 42\n", "stderr: {stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].0.get("x-api-key").and_then(|v| v.to_str().ok()), Some("sk-test-secret"));
    assert!(reqs[0].1["system"].as_str().unwrap_or("").contains("Thought"));
    assert!(reqs[0].1["max_tokens"].as_u64().is_some());
    let second = messages(&reqs[1].1);
    assert_eq!(second.len(), 3, "system apart: user, assistant, user");
    assert!(second[2].1.contains("x is 42"));
}

#[test]
fn an_error_is_fed_back_and_corrected_code_runs() {
    let llm = StandInLlm::start(
        vec![
            Turn::Text("Thought: divide.\n<code>\nn = 10\ny = n / 0\n</code>"),
            Turn::Text("Thought: oops, n is still there.\n```python\nfinal_answer(n // 2)\n```"),
        ],
        None,
    );
    let out = garter(&["--model", "openai:m", "--base-url", &llm.base(), "halve ten"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "5\n", "{}", String::from_utf8_lossy(&out.stderr));
    let reqs = llm.requests();
    let second = messages(&reqs[1].1);
    let obs = &second[3].1;
    assert!(obs.contains("ZeroDivisionError: division by zero"), "{obs}");
    assert!(obs.contains("line 2"), "{obs}");
}

#[test]
fn a_429_is_retried_then_succeeds() {
    let llm = StandInLlm::start(vec![Turn::Status(429), Turn::Text("<code>final_answer('ok')</code>")], None);
    let out = garter(&["--model", "openai:m", "--base-url", &llm.base(), "say ok"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n", "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success());
    assert_eq!(llm.requests().len(), 2);
}

#[test]
fn a_500_storm_ends_in_a_clear_failure() {
    let llm = StandInLlm::start(vec![], Some(Turn::Status(500)));
    let out = garter(&["--model", "openai:m", "--base-url", &llm.base(), "--max-retries", "2", "anything"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("HTTP 500") && stderr.contains("3 attempt"), "{stderr}");
    assert_eq!(llm.requests().len(), 3);
}

#[test]
fn a_401_names_the_provider_and_model() {
    let llm = StandInLlm::start(vec![Turn::Status(401)], None);
    let out = garter(&["--model", "anthropic:claude-x", "--base-url", &llm.base(), "--api-key-env", "GARTER_TEST_KEY", "t"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("anthropic") && stderr.contains("claude-x") && stderr.contains("401"), "{stderr}");
    assert!(stderr.contains("GARTER_TEST_KEY") && !stderr.contains("sk-test-secret"));
    assert_eq!(llm.requests().len(), 1, "a 401 is not retried");
}

#[test]
fn max_steps_reached_asks_for_a_final_answer() {
    let llm = StandInLlm::start(
        vec![
            Turn::Text("<code>print('still thinking')</code>"),
            Turn::Text("<code>print('still thinking')</code>"),
            Turn::Text("My best guess is 3."),
        ],
        None,
    );
    let out = garter(&["--model", "openai:m", "--base-url", &llm.base(), "--max-steps", "2", "guess"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "My best guess is 3.\n");
    assert_eq!(out.status.code(), Some(3));
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 3);
    let last = messages(&reqs[2].1);
    assert!(last[0].1.contains("got stuck"));
    assert!(last.last().map(|m| m.1.contains("guess")).unwrap_or(false));
}

// ---- The helpers below run garter with a bare environment (PATH and a fake key
// only), so that any MCP server it starts sees no secret.

fn bare_garter() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_garter"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GARTER_TEST_KEY", "sk-test-secret")
        .stdin(Stdio::null());
    cmd
}

fn run_bare(args: &[&str]) -> Output {
    bare_garter().args(args).output().expect("run garter")
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("garter-agent-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn log_records(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

/// server-everything (the real MCP server of tests/mcp.rs), located as there.
const MCP_STEP1: &str = "Thought: I add with the tool.\n<code>\ns = get_sum(2, 40)\nprint(s)\n</code>";
const MCP_STEP2: &str = "Thought: Now I echo it.\n<code>\nprint(echo(message='got ' + s))\n</code>";
const MCP_STEP3: &str = "Thought: Done.\n<code>\nfinal_answer(s)\n</code>";

/// The acceptance scenario: a multi-step run whose code calls MCP tools, with
/// the scripted stand-in as the model.
fn mcp_acceptance(model: &str, mcp_args: &[&str], stream: bool) {
    let llm = StandInLlm::start(vec![Turn::Text(MCP_STEP1), Turn::Text(MCP_STEP2), Turn::Text(MCP_STEP3)], None);
    let base = llm.base();
    let mut args = vec!["agent", "--model", model, "--base-url", &base];
    args.extend_from_slice(mcp_args);
    if stream {
        args.push("--stream");
    }
    args.push("add two and forty, then echo it");
    let out = run_bare(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "The sum of 2 and 40 is 42.\n", "stderr: {stderr}");
    assert!(out.status.success(), "{stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 3);
    // The system prompt lists the MCP tools as Python stubs.
    let system = match reqs[0].1["system"].as_str() {
        Some(s) => s.to_owned(),
        None => messages(&reqs[0].1)[0].1.clone(),
    };
    assert!(system.contains("def get_sum(") && system.contains("def echo("), "{system}");
    // Each request after the first carries the previous step's observation last.
    let last_user = |i: usize| {
        let m = messages(&reqs[i].1);
        let (role, text) = m.last().cloned().unwrap_or_default();
        assert_eq!(role, "user");
        text
    };
    let o1 = last_user(1);
    assert!(o1.contains("Observation:") && o1.contains("The sum of 2 and 40 is 42."), "{o1}");
    let o2 = last_user(2);
    assert!(o2.contains("Echo: got The sum of 2 and 40 is 42."), "{o2}");
}

#[test]
fn openai_run_calls_mcp_tools_over_http() {
    let Some(index) = server_everything::locate() else { return };
    let srv = server_everything::start_http(&index);
    let url = format!("http://127.0.0.1:{}/mcp", srv.port);
    mcp_acceptance("openai:scripted-model", &["--mcp", &url], false);
}

#[test]
fn anthropic_run_calls_mcp_tools_over_http() {
    let Some(index) = server_everything::locate() else { return };
    let srv = server_everything::start_http(&index);
    let url = format!("http://127.0.0.1:{}/mcp", srv.port);
    mcp_acceptance("anthropic:scripted-claude", &["--mcp", &url, "--api-key-env", "GARTER_TEST_KEY"], true);
}

#[test]
fn mcp_stdio_and_config_servers_work_for_the_agent() {
    let Some(index) = server_everything::locate() else { return };
    let cmdline = format!("node {}", index.display());
    mcp_acceptance("openai:scripted-model", &["--mcp-stdio", &cmdline], false);
    let config = temp_dir("mcp-config").join("servers.json");
    let text = json!({"mcpServers": {"everything": {"command": "node", "args": [index.display().to_string()]}}});
    std::fs::write(&config, text.to_string()).expect("write the config");
    mcp_acceptance("openai:scripted-model", &["--mcp-config", config.to_str().unwrap_or("")], false);
}

/// The tool-calling agent's request `i`: (its messages, its tools' names).
fn tool_names(req: &Value) -> Vec<String> {
    req["tools"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["function"]["name"].as_str().or_else(|| t["name"].as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn tool_calling_agent_openai_with_mcp_tools() {
    let Some(index) = server_everything::locate() else { return };
    let srv = server_everything::start_http(&index);
    let url = format!("http://127.0.0.1:{}/mcp", srv.port);
    let llm = StandInLlm::start(
        vec![
            Turn::Calls(vec![("get_sum", r#"{"a": 2, "b": 40}"#)]),
            Turn::Calls(vec![("get_sum", r#"{"a": 2}"#)]),
            Turn::Calls(vec![("final_answer", r#"{"answer": "42"}"#)]),
        ],
        None,
    );
    let out = run_bare(&["agent", "--tool-calling", "--model", "openai:scripted-model", "--base-url", &llm.base(), "--mcp", &url, "add 2 and 40"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n", "stderr: {stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 3);
    let names = tool_names(&reqs[0].1);
    assert!(names.contains(&"get_sum".to_owned()) && names.contains(&"final_answer".to_owned()), "{names:?}");
    assert_eq!(reqs[0].1["tool_choice"], "required");
    // Request 2: the assistant's call, then the tool's result answering it by id.
    let m = reqs[1].1["messages"].as_array().cloned().unwrap_or_default();
    let call = &m[m.len() - 2];
    assert_eq!(call["role"], "assistant");
    assert_eq!(call["tool_calls"][0]["function"]["name"], "get_sum");
    let result = &m[m.len() - 1];
    assert_eq!(result["role"], "tool");
    assert_eq!(result["tool_call_id"], call["tool_calls"][0]["id"]);
    assert_eq!(result["content"], "The sum of 2 and 40 is 42.");
    // Request 3: the failed call's error came back as its result.
    let m = reqs[2].1["messages"].as_array().cloned().unwrap_or_default();
    let err = m.last().map(|r| r["content"].as_str().unwrap_or("").to_owned()).unwrap_or_default();
    assert!(err.starts_with("Error:") && err.contains("missing required argument") && err.contains('b'), "{err}");
}

#[test]
fn tool_calling_agent_anthropic_streaming_feeds_errors_back() {
    let llm = StandInLlm::start(
        vec![
            Turn::Calls(vec![("no_such_tool", r#"{"x": 1}"#)]),
            Turn::Text("I know it."),
            Turn::Calls(vec![("final_answer", r#"{"answer": "done"}"#)]),
        ],
        None,
    );
    let out = run_bare(&[
        "agent", "--tool-calling", "--stream", "--model", "anthropic:scripted-claude", "--base-url", &llm.base(), "--api-key-env",
        "GARTER_TEST_KEY", "do it",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "done\n", "stderr: {stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].1["tool_choice"]["type"], "any");
    assert_eq!(tool_names(&reqs[0].1), vec!["final_answer".to_owned()]);
    let turns = reqs[1].1["messages"].as_array().cloned().unwrap_or_default();
    let call = &turns[turns.len() - 2];
    assert_eq!(call["role"], "assistant");
    assert_eq!(call["content"][0]["type"], "tool_use");
    assert_eq!(call["content"][0]["input"], json!({"x": 1}));
    let result = &turns[turns.len() - 1]["content"][0];
    assert_eq!(result["type"], "tool_result");
    assert_eq!(result["tool_use_id"], call["content"][0]["id"]);
    assert_eq!(result["is_error"], true);
    assert!(result["content"].as_str().unwrap_or("").contains("there is no tool 'no_such_tool'"), "{result}");
    // A text-only answer is an error fed back too.
    let turns = reqs[2].1["messages"].as_array().cloned().unwrap_or_default();
    let last = turns.last().map(|t| t["content"].to_string()).unwrap_or_default();
    assert!(last.contains("calls no tool"), "{last}");
}

#[test]
fn a_managed_agent_is_a_function_returning_its_answer() {
    let llm = StandInLlm::start(
        vec![
            // The manager delegates...
            Turn::Text("Thought: ask the helper.\n<code>\nr = helper(task='compute 6*7')\nprint('helper said', r, type(helper).__name__)\n</code>"),
            // ...the helper (same model, same stand-in) answers in its own run...
            Turn::Text("Thought: easy.\n<code>\nfinal_answer(str(6 * 7))\n</code>"),
            // ...and the manager uses the answer.
            Turn::Text("<code>final_answer('manager got ' + r)</code>"),
        ],
        None,
    );
    let out = run_bare(&[
        "agent", "--model", "openai:m", "--base-url", &llm.base(), "--managed-agent", "helper:Computes arithmetic", "compute via helper",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "manager got 42\n", "stderr: {stderr}");
    assert!(stderr.contains("  [helper] "), "{stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 3);
    let manager = messages(&reqs[0].1);
    assert!(manager[0].1.contains("def helper(task: str) -> str:") && manager[0].1.contains("Computes arithmetic"), "{}", manager[0].1);
    let helper = messages(&reqs[1].1);
    assert_eq!(helper.len(), 2, "the helper starts its own conversation");
    assert!(helper[1].1.contains("You're a helpful agent named 'helper'") && helper[1].1.contains("compute 6*7"), "{}", helper[1].1);
    let back = messages(&reqs[2].1);
    assert!(back[3].1.contains("helper said 42 builtin_function_or_method"), "{}", back[3].1);
}

#[test]
fn planning_makes_a_plan_then_updates_it() {
    let llm = StandInLlm::start(
        vec![
            Turn::Text("## 1. Facts survey\nnone\n## 2. Plan\n1. compute\n2. answer\n<end_plan>\nignored"),
            Turn::Text("<code>x = 6 * 7\nprint(x)</code>"),
            Turn::Text("<code>print(x + 0)</code>"),
            Turn::Text("## 2. Plan\n1. answer now\n<end_plan>"),
            Turn::Text("<code>final_answer(x)</code>"),
        ],
        None,
    );
    let log = temp_dir("plan").join("run.jsonl");
    let out = run_bare(&[
        "agent", "--model", "openai:m", "--base-url", &llm.base(), "--planning-interval", "2", "--max-steps", "4", "--log",
        log.to_str().unwrap_or(""), "six times seven",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n", "stderr: {stderr}");
    assert!(stderr.contains("Plan (before step 1)") && stderr.contains("Plan (before step 3)"), "{stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 5);
    let plan1 = messages(&reqs[0].1);
    assert_eq!(plan1.len(), 1);
    assert!(plan1[0].1.contains("Facts survey") && plan1[0].1.contains("six times seven"));
    assert!(reqs[0].1["stop"].as_array().is_some_and(|s| s.contains(&json!("<end_plan>"))));
    let step1 = messages(&reqs[1].1);
    assert_eq!(step1[2].0, "assistant");
    assert!(step1[2].1.contains("1. compute") && !step1[2].1.contains("ignored"), "{}", step1[2].1);
    assert_eq!(step1[3], ("user".to_owned(), "Now proceed and carry out this plan.".to_owned()));
    let update = messages(&reqs[3].1);
    assert_eq!(update[0].0, "system");
    assert!(update[0].1.contains("six times seven"));
    assert!(update.last().is_some_and(|m| m.1.contains("You have 2 steps left")), "{:?}", update.last());
    assert!(update.iter().any(|m| m.1.contains("Observation:") && m.1.contains("42")));
    let step3 = messages(&reqs[4].1);
    assert!(step3.iter().any(|m| m.0 == "assistant" && m.1.contains("updated plan") && m.1.contains("1. answer now")));
    let kinds: Vec<String> =
        log_records(&log).iter().filter(|r| r["type"] == "step").map(|r| r["data"]["kind"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(kinds, ["planning", "action", "action", "planning", "action"]);
}

/// Starts `garter agent` with a log and waits until `steps` steps are logged.
fn start_logged_run(llm: &StandInLlm, log: &Path, steps: usize) -> Child {
    let mut child = bare_garter()
        .args(["agent", "--model", "openai:m", "--base-url", &llm.base(), "--log", log.to_str().unwrap_or(""), "compute"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start garter");
    let deadline = Instant::now() + Duration::from_secs(60);
    while log_records(log).iter().filter(|r| r["type"] == "step").count() < steps {
        if Instant::now() > deadline || matches!(child.try_wait(), Ok(Some(_))) {
            let _ = child.kill();
            panic!("the run did not log {steps} step(s): {:?}", std::fs::read_to_string(log));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // The next request is now on its way to the hanging stand-in.
    while llm.requests().len() < steps + 1 {
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// Sends SIGINT (Ctrl-C) to `child` and waits for it: its output, once it has
/// exited 130, and how long it took from the signal.
fn ctrl_c(child: Child) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("run kill");
    assert!(sent.success());
    let out = child.wait_with_output().expect("wait for garter");
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    (out, took)
}

fn replay(log: &Path) -> String {
    let out = run_bare(&["replay", log.to_str().unwrap_or("")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_killed_run_keeps_its_log_and_replays() {
    let llm = StandInLlm::start(vec![Turn::Text(STEP1), Turn::Hang], None);
    let log = temp_dir("kill").join("run.jsonl");
    let mut child = start_logged_run(&llm, &log, 1);
    child.kill().expect("kill garter");
    let _ = child.wait();
    let text = replay(&log);
    assert!(text.contains("Task: compute"), "{text}");
    assert!(text.contains("━━ Step 1 ━━") && text.contains("x = 6 * 7") && text.contains("x is 42"), "{text}");
    assert!(text.contains("The log ends here: the run did not finish"), "{text}");
    // A line cut in the middle of its writing is reported, the rest still shown.
    let mut cut = std::fs::read_to_string(&log).expect("the log");
    cut.push_str(r#"{"type": "step", "data": {"step": 2, "thou"#);
    std::fs::write(&log, cut).expect("write");
    let text = replay(&log);
    assert!(text.contains("x is 42") && text.contains("the last line is cut short"), "{text}");
}

#[test]
fn ctrl_c_stops_the_run_cleanly_and_keeps_the_log() {
    let llm = StandInLlm::start(vec![Turn::Text(STEP1), Turn::Hang], None);
    let log = temp_dir("sigint").join("run.jsonl");
    let child = start_logged_run(&llm, &log, 1);
    let (out, took) = ctrl_c(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(10), "the hanging request was abandoned");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("interrupted"), "{stderr}");
    let records = log_records(&log);
    let last = records.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "run_end");
    assert_eq!(last["state"], "interrupted");
    assert!(replay(&log).contains("Run ended: interrupted"));
}

#[test]
fn escape_sequences_from_the_model_and_the_code_never_reach_stderr() {
    let llm = StandInLlm::start(
        vec![Turn::Text(
            "Thought: \u{1b}[31mred\u{1b}]0;pwned\u{7} text\n<code>\nprint('\\x1b[2Jcleared\\x07')\nfinal_answer('done\\x1b[0m')\n</code>",
        )],
        None,
    );
    let log = temp_dir("esc").join("run.jsonl");
    let out = run_bare(&["agent", "--model", "openai:m", "--base-url", &llm.base(), "--log", log.to_str().unwrap_or(""), "t"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07), "{stderr:?}");
    assert!(stderr.contains("red") && stderr.contains("cleared"), "{stderr}");
    let replayed = run_bare(&["replay", log.to_str().unwrap_or("")]);
    assert!(!replayed.stdout.contains(&0x1b), "replay is inert too");
}

#[test]
fn the_key_can_come_from_a_file() {
    let llm = StandInLlm::start(vec![Turn::Text("<code>final_answer('ok')</code>")], None);
    let key = temp_dir("keyfile").join("key.txt");
    std::fs::write(&key, "  sk-file-secret\n").expect("write the key");
    let out = run_bare(&["agent", "--model", "anthropic:c", "--base-url", &llm.base(), "--api-key-file", key.to_str().unwrap_or(""), "t"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n", "{}", String::from_utf8_lossy(&out.stderr));
    let reqs = llm.requests();
    assert_eq!(reqs[0].0.get("x-api-key").and_then(|v| v.to_str().ok()), Some("sk-file-secret"));
    // A missing file is a clear setup error.
    let out = run_bare(&["agent", "--model", "openai:m", "--api-key-file", "/nonexistent/key", "t"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the API key file /nonexistent/key"));
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let llm = StandInLlm::start(vec![Turn::RetryAt(3), Turn::Text("<code>final_answer('ok')</code>")], None);
    let started = Instant::now();
    let out = run_bare(&["agent", "--model", "openai:m", "--base-url", &llm.base(), "t"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n", "{}", String::from_utf8_lossy(&out.stderr));
    // The first backoff without the header is 0.5 to 1.5 s: waiting 2 s or more
    // means the date was read (it is 3 s ahead, to the second).
    assert!(started.elapsed() >= Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(llm.requests().len(), 2);
}

#[test]
fn ctrl_c_stops_an_endless_loop_in_the_code() {
    let llm = StandInLlm::start(
        vec![Turn::Text(STEP1), Turn::Text("Thought: spin.\n<code>\ntry:\n    while True:\n        pass\nexcept BaseException:\n    print('caught')\n</code>")],
        Some(Turn::Text("<code>final_answer('too late')</code>")),
    );
    let log = temp_dir("sigint-loop").join("run.jsonl");
    let child = start_logged_run(&llm, &log, 1);
    // Request 2 has been answered once a third cannot come: give the loop time to start.
    std::thread::sleep(Duration::from_millis(500));
    let (out, took) = ctrl_c(child);
    assert!(took < Duration::from_secs(2), "the loop stopped at once: {took:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(llm.requests().len(), 2, "no request after the interrupt");
    let records = log_records(&log);
    let steps: Vec<&Value> = records.iter().filter(|r| r["type"] == "step").collect();
    assert_eq!(steps.len(), 2, "{records:?}");
    assert!(steps[1]["data"]["code"].as_str().is_some_and(|c| c.contains("while True")));
    assert!(steps[1]["data"]["error"].as_str().is_some_and(|e| e.contains("interrupted")), "{:?}", steps[1]);
    assert!(!steps[1]["data"]["observation"].as_str().unwrap_or("").contains("caught"), "no except can catch the interrupt: {:?}", steps[1]);
    let last = records.last().cloned().unwrap_or_default();
    assert_eq!(last["state"], "interrupted");
    assert!(last["error"].as_str().is_some_and(|e| e.contains("step 2")), "{last}");
}

#[test]
fn ctrl_c_cuts_a_tool_call_under_way() {
    let Some(index) = server_everything::locate() else { return };
    let llm = StandInLlm::start(
        vec![Turn::Text("Thought: wait for the slow tool.\n<code>\nprint(trigger_long_running_operation(duration=30, steps=30))\n</code>")],
        Some(Turn::Text("<code>final_answer('too late')</code>")),
    );
    let log = temp_dir("sigint-tool").join("run.jsonl");
    let cmdline = format!("node {}", index.display());
    let mut child = bare_garter()
        .args(["agent", "--model", "openai:m", "--base-url", &llm.base(), "--mcp-stdio", &cmdline, "--log", log.to_str().unwrap_or(""), "wait"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start garter");
    // The first answer is in; the tool reports progress once a second once it runs.
    let deadline = Instant::now() + Duration::from_secs(60);
    while llm.requests().is_empty() {
        assert!(Instant::now() < deadline && matches!(child.try_wait(), Ok(None)), "no request reached the stand-in");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let (out, took) = ctrl_c(child);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(took < Duration::from_secs(5), "the 30 s call was cut: {took:?}");
    assert!(stderr.contains("progress: trigger_long_running_operation()"), "the call was under way: {stderr}");
    assert_eq!(llm.requests().len(), 1, "no request after the interrupt");
    let records = log_records(&log);
    let step = records.iter().find(|r| r["type"] == "step").cloned().unwrap_or_default();
    assert!(step["data"]["error"].as_str().is_some_and(|e| e.contains("interrupted")), "{step}");
    let last = records.last().cloned().unwrap_or_default();
    assert_eq!(last["state"], "interrupted");
}

#[test]
fn a_managed_agents_steps_are_in_the_managers_log() {
    let llm = StandInLlm::start(
        vec![
            Turn::Text("Thought: delegate.\n<code>\nr = helper(task='compute 6*7')\nprint('helper said', r)\n</code>"),
            Turn::Text("Thought: first a look.\n<code>\nprint('helping')\n</code>"),
            Turn::Text("<code>final_answer(str(6 * 7))</code>"),
            Turn::Text("<code>final_answer('manager got ' + r)</code>"),
        ],
        None,
    );
    let log = temp_dir("team-log").join("run.jsonl");
    let out = run_bare(&[
        "agent", "--model", "openai:m", "--base-url", &llm.base(), "--managed-agent", "helper:Computes arithmetic", "--log",
        log.to_str().unwrap_or(""), "compute via helper",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "manager got 42\n", "stderr: {stderr}");
    let records = log_records(&log);
    let shape: Vec<(String, String, u64)> = records
        .iter()
        .map(|r| {
            let who = r["agent"].as_str().unwrap_or("-").to_owned();
            (who, r["type"].as_str().unwrap_or("").to_owned(), r["data"]["step"].as_u64().unwrap_or(0))
        })
        .collect();
    let want: Vec<(String, String, u64)> = [
        ("-", "run_start", 0),
        ("helper", "run_start", 0),
        ("helper", "step", 1),
        ("helper", "step", 2),
        ("helper", "run_end", 0),
        ("-", "step", 1),
        ("-", "step", 2),
        ("-", "run_end", 0),
    ]
    .iter()
    .map(|(a, t, n)| (a.to_string(), t.to_string(), *n))
    .collect();
    assert_eq!(shape, want);
    assert!(records[1]["task"].as_str().is_some_and(|t| t.contains("compute 6*7")));
    assert_eq!(records[1]["manager_step"], 1);
    assert_eq!(records[3]["data"]["final_answer"], "42");
    let text = replay(&log);
    assert!(text.contains("  [helper] Run of openai:m (code agent, at most 20 steps, called in its manager's step 1)"), "{text}");
    assert!(text.contains("  [helper] ━━ Step 1 ━━") && text.contains("  [helper] helping"), "{text}");
    assert!(text.contains("  [helper] Final answer: 42") && text.contains("Final answer: manager got 42"), "{text}");
    assert!(!text.contains("The log ends here"), "{text}");
}

#[test]
fn a_final_answer_check_refuses_then_accepts() {
    let llm = StandInLlm::start(
        vec![
            Turn::Text("<code>final_answer('forty-two')</code>"),
            Turn::Text("<code>try:\n    answer\nexcept NameError:\n    print('no answer here')\nanswer = 'mine'\nfinal_answer(41)</code>"),
            Turn::Text("<code>print(answer)</code>"),
            Turn::Text("<code>final_answer(42)</code>"),
        ],
        None,
    );
    let log = temp_dir("answer-check").join("run.jsonl");
    let out = run_bare(&[
        "agent", "--model", "openai:m", "--base-url", &llm.base(), "--log", log.to_str().unwrap_or(""), "--final-answer-check",
        "answer % 2 == 0", "--final-answer-check", "answer > 40", "six times seven",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n", "stderr: {stderr}");
    let reqs = llm.requests();
    assert_eq!(reqs.len(), 4);
    // The string raised in the check (str % int): refused with the error.
    let second = messages(&reqs[1].1);
    let fed = &second.last().map(|m| m.1.clone()).unwrap_or_default();
    assert!(fed.contains("refused by a check: the check `answer % 2 == 0` raised TypeError: not all arguments converted during string formatting"), "{fed}");
    // 41 is odd: refused as false; the check's `answer` did not stay behind, and
    // the code's own is left alone.
    let third = messages(&reqs[2].1);
    let fed = &third.last().map(|m| m.1.clone()).unwrap_or_default();
    assert!(third.iter().any(|m| m.1.contains("no answer here")), "{third:?}");
    assert!(messages(&reqs[3].1).last().is_some_and(|m| m.1.contains("Execution logs:\nmine")), "{:?}", messages(&reqs[3].1));
    assert!(fed.contains("The final answer \"41\" was refused by a check: the check `answer % 2 == 0` is false for this answer"), "{fed}");
    let steps: Vec<Value> = log_records(&log).into_iter().filter(|r| r["type"] == "step").collect();
    assert_eq!(steps.len(), 4);
    assert!(steps[0]["data"]["final_answer"].is_null() && steps[0]["data"]["error"].as_str().is_some_and(|e| e.contains("refused")));
    assert_eq!(steps[3]["data"]["final_answer"], "42");
    // A check that is not Python is a setup error.
    let out = run_bare(&["agent", "--model", "openai:m", "--base-url", &llm.base(), "--final-answer-check", "answer ==", "t"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--final-answer-check: the check \"answer ==\" is not valid Python"));
}

/// `garter agent ARGS` with stderr on a terminal (util-linux `script` gives it a
/// pseudo-terminal): what the terminal received, stdout and stderr together.
fn on_a_terminal(args: &[&str], no_color: bool) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping: no `script` to make a pseudo-terminal");
        return None;
    }
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let mut line = quote(env!("CARGO_BIN_EXE_garter"));
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    let mut cmd = Command::new("script");
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).env("TERM", "xterm").stdin(Stdio::null());
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.args(["-qefc", &line, "/dev/null"]).output().expect("run script");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn on_a_terminal_the_code_is_highlighted_and_a_spinner_waits_for_the_model() {
    const SLOW: &str = "Thought: add.\n<code>\nx = 1 + 2  # add\nfinal_answer(x)\n</code>";
    let llm = StandInLlm::start(vec![Turn::Slow(600, SLOW)], None);
    let Some(text) = on_a_terminal(&["agent", "--model", "openai:m", "--base-url", &llm.base(), "t"], false) else { return };
    assert!(text.contains("\u{1b}[34mfinal_answer\u{1b}[0m(x)") && text.contains("\u{1b}[2m# add\u{1b}[0m"), "{text:?}");
    assert!(text.contains("waiting for the model") && text.contains("\r\u{1b}[2K"), "{text:?}");
    // The spinner is erased before the lines that follow it.
    let erased = text.rfind("\r\u{1b}[2K").unwrap_or(0);
    assert!(text[erased..].contains("Thought: add.") && !text[erased..].contains("waiting"), "{text:?}");
    assert!(text.ends_with("3\r\n"), "{text:?}");
    // NO_COLOR: no colours, the spinner still.
    let llm = StandInLlm::start(vec![Turn::Slow(600, SLOW)], None);
    let Some(text) = on_a_terminal(&["agent", "--model", "openai:m", "--base-url", &llm.base(), "t"], true) else { return };
    assert!(text.contains("x = 1 + 2  # add\r\nfinal_answer(x)") && !text.contains("[34m") && !text.contains("[1;36m"), "{text:?}");
    assert!(text.contains("waiting for the model"), "{text:?}");
    // --stream: the code's lines are highlighted as they arrive (the answer comes in two halves).
    let llm = StandInLlm::start(vec![Turn::Text(SLOW)], None);
    let Some(text) = on_a_terminal(&["agent", "--stream", "--model", "openai:m", "--base-url", &llm.base(), "t"], false) else { return };
    assert!(text.contains("Thought: add.\r\n<code>\r\nx = \u{1b}[36m1\u{1b}[0m + \u{1b}[36m2\u{1b}[0m  \u{1b}[2m# add\u{1b}[0m\r\n"), "{text:?}");
    assert!(text.contains("\u{1b}[34mfinal_answer\u{1b}[0m(x)\r\n</code>"), "{text:?}");
}
