//! Anthropic Messages (`POST {base}/v1/messages`): the system prompt goes apart,
//! roles must alternate (consecutive messages of one role are merged), and
//! `max_tokens` is required. Streaming reads `content_block_delta` events.

use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value as Json, json};

use super::http::Http;
use super::{ApiKey, Completion, GenerateOptions, HttpConfig, Message, Model, ModelError, Role, TokenUsage, ToolCall, truncate_at_stop};

pub struct AnthropicModel {
    model: String,
    url: String,
    key: Option<ApiKey>,
    http: Http,
}

impl std::fmt::Debug for AnthropicModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnthropicModel").field("model", &self.model).field("url", &self.url).finish()
    }
}

const DEFAULT_MAX_TOKENS: u32 = 8192;

impl AnthropicModel {
    pub fn new(
        model: &str,
        base_url: &str,
        key: Option<ApiKey>,
        key_env: Option<String>,
        cfg: HttpConfig,
    ) -> Result<AnthropicModel, ModelError> {
        let base = base_url.trim_end_matches('/');
        let url = if base.ends_with("/messages") {
            base.to_owned()
        } else if base.ends_with("/v1") {
            format!("{base}/messages")
        } else {
            format!("{base}/v1/messages")
        };
        Ok(AnthropicModel { model: model.into(), url, key, http: Http::new("anthropic", model, key_env, cfg)? })
    }
}

/// The system text and the alternating user/assistant turns. Tool results are
/// user turns of `tool_result` blocks, tool calls `tool_use` blocks of the
/// assistant turn; a turn of text only stays a plain string.
fn split_messages(messages: &[Message]) -> (String, Vec<Json>) {
    let mut system = String::new();
    let mut turns: Vec<(Role, Vec<Json>)> = Vec::new();
    for m in messages {
        if m.role == Role::System {
            if !system.is_empty() {
                system.push_str("\n\n");
            }
            system.push_str(&m.content);
            continue;
        }
        let mut blocks = Vec::new();
        let role = match m.role {
            Role::Tool => {
                let id = m.tool_call_id.as_deref().unwrap_or("");
                blocks.push(json!({"type": "tool_result", "tool_use_id": id, "content": m.content, "is_error": m.is_error}));
                Role::User
            }
            r => {
                // The API rejects empty text blocks.
                if !m.content.is_empty() || m.tool_calls.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    let input = if c.arguments.is_object() { c.arguments.clone() } else { json!({}) };
                    blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name, "input": input}));
                }
                r
            }
        };
        match turns.last_mut() {
            Some((r, b)) if *r == role => b.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    let turns = turns
        .into_iter()
        .map(|(r, blocks)| {
            let all_text = blocks.iter().all(|b| b["type"] == "text");
            let content = if all_text {
                let texts: Vec<&str> = blocks.iter().filter_map(|b| b["text"].as_str()).collect();
                json!(texts.join("\n\n"))
            } else {
                Json::Array(blocks)
            };
            json!({"role": r.as_str(), "content": content})
        })
        .collect();
    (system, turns)
}

fn tool_use_of(b: &Json) -> Option<ToolCall> {
    if b.get("type").and_then(Json::as_str) != Some("tool_use") {
        return None;
    }
    Some(ToolCall {
        id: b.get("id").and_then(Json::as_str).unwrap_or("").to_owned(),
        name: b.get("name").and_then(Json::as_str)?.to_owned(),
        arguments: b.get("input").cloned().unwrap_or_else(|| json!({})),
    })
}

impl Model for AnthropicModel {
    fn generate(
        &self,
        messages: &[Message],
        options: &GenerateOptions,
        on_delta: &mut dyn FnMut(&str),
    ) -> Result<Completion, ModelError> {
        let (system, turns) = split_messages(messages);
        let mut body = json!({
            "model": self.model,
            "max_tokens": options.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": turns,
        });
        if !system.is_empty() {
            body["system"] = json!(system);
        }
        if !options.tools.is_empty() {
            let tools: Vec<Json> = options
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
                .collect();
            body["tools"] = json!(tools);
            body["tool_choice"] = json!({"type": "any"});
        }
        // The API rejects whitespace-only stop sequences.
        let stop: Vec<&String> = options.stop.iter().filter(|s| !s.trim().is_empty()).collect();
        if !stop.is_empty() {
            body["stop_sequences"] = json!(stop);
        }
        let mut headers = HeaderMap::new();
        headers.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
        if let Some(k) = &self.key {
            let mut v = HeaderValue::from_str(k.expose())
                .map_err(|_| ModelError::Config("the API key holds characters not allowed in a header".into()))?;
            v.set_sensitive(true);
            headers.insert("x-api-key", v);
        }
        let http = &self.http;
        let (mut text, usage, tool_calls) = if http.cfg.stream {
            body["stream"] = json!(true);
            let mut text = String::new();
            // Tool-use blocks by content index: (id, name, input JSON text).
            let mut calls: Vec<(usize, String, String, String)> = Vec::new();
            let mut usage = TokenUsage::default();
            let mut saw_usage = false;
            http.post_sse(&self.url, &headers, &body, &mut |event, data| {
                let v: Json = serde_json::from_str(data).map_err(|e| ModelError::Protocol {
                    provider: "anthropic".into(),
                    detail: format!("a stream event is not JSON: {e}"),
                })?;
                let kind = event.or_else(|| v.get("type").and_then(Json::as_str)).unwrap_or("");
                match kind {
                    "message_start" => {
                        if let Some(n) = v.pointer("/message/usage/input_tokens").and_then(Json::as_u64) {
                            usage.input_tokens = n;
                            saw_usage = true;
                        }
                    }
                    "content_block_start" => {
                        if let Some(c) = v.get("content_block").and_then(tool_use_of) {
                            let i = v.get("index").and_then(Json::as_u64).unwrap_or(0) as usize;
                            calls.push((i, c.id, c.name, String::new()));
                        }
                    }
                    "content_block_delta" => {
                        if let Some(d) = v.pointer("/delta/text").and_then(Json::as_str) {
                            text.push_str(d);
                            on_delta(d);
                        }
                        if let Some(p) = v.pointer("/delta/partial_json").and_then(Json::as_str) {
                            let i = v.get("index").and_then(Json::as_u64).unwrap_or(0) as usize;
                            if let Some(c) = calls.iter_mut().rev().find(|c| c.0 == i) {
                                c.3.push_str(p);
                            }
                        }
                    }
                    "message_delta" => {
                        if let Some(n) = v.pointer("/usage/output_tokens").and_then(Json::as_u64) {
                            usage.output_tokens = n;
                            saw_usage = true;
                        }
                    }
                    "message_stop" => return Ok(true),
                    "error" => {
                        let detail = v.pointer("/error/message").and_then(Json::as_str).unwrap_or("stream error");
                        return Err(ModelError::Protocol { provider: "anthropic".into(), detail: detail.to_owned() });
                    }
                    _ => {}
                }
                Ok(false)
            })?;
            let calls = calls
                .into_iter()
                .map(|(_, id, name, input)| ToolCall { id, name, arguments: super::openai::parse_arguments(&input) })
                .collect();
            (text, saw_usage.then_some(usage), calls)
        } else {
            let v = http.post_json(&self.url, &headers, &body)?;
            let Some(blocks) = v.get("content").and_then(Json::as_array) else {
                return Err(ModelError::Protocol {
                    provider: "anthropic".into(),
                    detail: format!("no content in {}", super::http::clip(&v.to_string(), 200)),
                });
            };
            let text: String = blocks
                .iter()
                .filter(|b| b.get("type").and_then(Json::as_str) == Some("text"))
                .filter_map(|b| b.get("text").and_then(Json::as_str))
                .collect();
            on_delta(&text);
            let usage = v.get("usage").map(|u| TokenUsage {
                input_tokens: u.get("input_tokens").and_then(Json::as_u64).unwrap_or(0),
                output_tokens: u.get("output_tokens").and_then(Json::as_u64).unwrap_or(0),
            });
            let calls = blocks.iter().filter_map(tool_use_of).collect();
            (text, usage, calls)
        };
        truncate_at_stop(&mut text, &options.stop);
        Ok(Completion { text, usage, tool_calls })
    }

    fn id(&self) -> String {
        format!("anthropic:{}", self.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_apart_and_same_roles_merged() {
        let (sys, turns) = split_messages(&[
            Message::new(Role::System, "S"),
            Message::new(Role::User, "a"),
            Message::new(Role::User, "b"),
            Message::new(Role::Assistant, "c"),
        ]);
        assert_eq!(sys, "S");
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0]["content"], "a\n\nb");
    }

    #[test]
    fn tool_calls_and_results_become_blocks() {
        let mut call = Message::new(Role::Assistant, "");
        call.tool_calls.push(ToolCall { id: "t1".into(), name: "get_sum".into(), arguments: json!({"a": 1}) });
        let (_, turns) = split_messages(&[
            Message::new(Role::User, "task"),
            call,
            Message::tool_result("t1", "3", false),
            Message::tool_result("t2", "boom", true),
        ]);
        assert_eq!(turns.len(), 3);
        assert_eq!(turns[1]["content"][0]["type"], "tool_use");
        assert_eq!(turns[1]["content"].as_array().map(Vec::len), Some(1));
        assert_eq!(turns[2]["role"], "user");
        assert_eq!(turns[2]["content"][1]["tool_use_id"], "t2");
        assert_eq!(turns[2]["content"][1]["is_error"], true);
    }
}
