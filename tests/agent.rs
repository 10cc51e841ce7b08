//! `garter agent` end to end, through the real binary, against a SCRIPTED STAND-IN
//! FOR AN LLM API on loopback (no model API is reachable from the test machines).
//! The stand-in speaks OpenAI chat completions and Anthropic Messages (plain JSON
//! and server-sent events), replays scripted model turns in order, and records
//! every request garter sent so the tests can check the conversation.
#![cfg(feature = "agent")]

use std::collections::VecDeque;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

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

fn next_turn(s: &Shared, headers: HeaderMap, body: Value) -> Turn {
    let mut s = s.lock().expect("script lock");
    s.requests.push((headers, body));
    let t = s.turns.pop_front().or_else(|| s.fallback.clone());
    t.unwrap_or(Turn::Status(500))
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
    match next_turn(&s, headers, body) {
        Turn::Status(c) => status(c),
        Turn::Text(t) if stream => {
            let (a, b) = t.split_at(t.len() / 2);
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
    match next_turn(&s, headers, body) {
        Turn::Status(c) => status(c),
        Turn::Text(t) if stream => {
            let (a, b) = t.split_at(t.len() / 2);
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
