//! OpenAI-compatible chat completions (`POST {base}/chat/completions`): OpenAI,
//! Hugging Face's router, Ollama, vLLM, llama.cpp, LiteLLM... Streaming uses
//! `stream_options.include_usage` so that token counts arrive in the last chunk.

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde_json::{Value as Json, json};

use super::http::Http;
use super::{ApiKey, Completion, GenerateOptions, HttpConfig, Message, Model, ModelError, Role, TokenUsage, ToolCall, truncate_at_stop};

#[derive(Debug)]
pub struct OpenAiModel {
    model: String,
    url: String,
    key: Option<ApiKey>,
    http: HttpWrap,
}

/// `Http` holds a runtime, which has no useful `Debug`.
struct HttpWrap(Http);

impl std::fmt::Debug for HttpWrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Http")
    }
}

impl OpenAiModel {
    pub fn new(
        provider: &str,
        model: &str,
        base_url: &str,
        key: Option<ApiKey>,
        key_env: Option<String>,
        cfg: HttpConfig,
    ) -> Result<OpenAiModel, ModelError> {
        let base = base_url.trim_end_matches('/');
        let url = if base.ends_with("/chat/completions") { base.to_owned() } else { format!("{base}/chat/completions") };
        Ok(OpenAiModel { model: model.into(), url, key, http: HttpWrap(Http::new(provider, model, key_env, cfg)?) })
    }

    /// Reasoning models that reject `stop`: the client truncates instead.
    fn supports_stop(&self) -> bool {
        let m = self.model.rsplit('/').next().unwrap_or(&self.model);
        !(m.starts_with("o3") || m.starts_with("o4") || m.starts_with("gpt-5") || m.starts_with("grok"))
    }

    fn headers(&self) -> Result<HeaderMap, ModelError> {
        let mut h = HeaderMap::new();
        if let Some(k) = &self.key {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", k.expose()))
                .map_err(|_| ModelError::Config("the API key holds characters not allowed in a header".into()))?;
            v.set_sensitive(true);
            h.insert(AUTHORIZATION, v);
        }
        Ok(h)
    }
}

fn usage_of(v: &Json) -> Option<TokenUsage> {
    let u = v.get("usage").filter(|u| u.is_object())?;
    Some(TokenUsage {
        input_tokens: u.get("prompt_tokens").and_then(Json::as_u64).unwrap_or(0),
        output_tokens: u.get("completion_tokens").and_then(Json::as_u64).unwrap_or(0),
    })
}

/// One message in the API's shape: tool results as `tool` messages, an
/// assistant's tool calls with their arguments as a JSON string.
fn message_json(m: &Message) -> Json {
    match m.role {
        Role::Tool => json!({"role": "tool", "tool_call_id": m.tool_call_id.as_deref().unwrap_or(""), "content": m.content}),
        Role::Assistant if !m.tool_calls.is_empty() => {
            let calls: Vec<Json> = m
                .tool_calls
                .iter()
                .map(|c| {
                    let args = match &c.arguments {
                        Json::String(raw) => raw.clone(),
                        other => other.to_string(),
                    };
                    json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": args}})
                })
                .collect();
            let content = if m.content.is_empty() { Json::Null } else { json!(m.content) };
            json!({"role": "assistant", "content": content, "tool_calls": calls})
        }
        r => json!({"role": r.as_str(), "content": m.content}),
    }
}

/// The arguments text of a call as JSON (an empty text is no arguments); text
/// that is not JSON is kept as a string for the agent to report.
pub(crate) fn parse_arguments(raw: &str) -> Json {
    if raw.trim().is_empty() {
        return json!({});
    }
    serde_json::from_str(raw).unwrap_or_else(|_| Json::String(raw.to_owned()))
}

fn tool_calls_of(message: &Json) -> Vec<ToolCall> {
    let Some(calls) = message.get("tool_calls").and_then(Json::as_array) else { return Vec::new() };
    calls
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let f = c.get("function")?;
            let name = f.get("name").and_then(Json::as_str)?.to_owned();
            let arguments = match f.get("arguments") {
                Some(Json::String(raw)) => parse_arguments(raw),
                Some(v) if v.is_object() => v.clone(),
                _ => json!({}),
            };
            let id = c.get("id").and_then(Json::as_str).map(str::to_owned).unwrap_or_else(|| format!("call_{i}"));
            Some(ToolCall { id, name, arguments })
        })
        .collect()
}

impl Model for OpenAiModel {
    fn generate(
        &self,
        messages: &[Message],
        options: &GenerateOptions,
        on_delta: &mut dyn FnMut(&str),
    ) -> Result<Completion, ModelError> {
        let http = &self.http.0;
        let msgs: Vec<Json> = messages.iter().map(message_json).collect();
        let mut body = json!({"model": self.model, "messages": msgs});
        if !options.tools.is_empty() {
            let tools: Vec<Json> = options
                .tools
                .iter()
                .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}))
                .collect();
            body["tools"] = json!(tools);
            body["tool_choice"] = json!("required");
        }
        if !options.stop.is_empty() && self.supports_stop() {
            // The API takes at most four.
            body["stop"] = json!(options.stop.iter().take(4).collect::<Vec<_>>());
        }
        if let Some(n) = options.max_tokens {
            body["max_tokens"] = json!(n);
        }
        let headers = self.headers()?;
        let (mut text, usage, tool_calls) = if http.cfg.stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
            let mut text = String::new();
            let mut usage = None;
            // Streamed tool calls arrive in pieces keyed by index: (id, name, arguments text).
            let mut calls: Vec<(String, String, String)> = Vec::new();
            http.post_sse(&self.url, &headers, &body, &mut |_event, data| {
                if data.trim() == "[DONE]" {
                    return Ok(true);
                }
                let v: Json = serde_json::from_str(data).map_err(|e| ModelError::Protocol {
                    provider: http.provider.clone(),
                    detail: format!("a stream chunk is not JSON: {e}"),
                })?;
                if let Some(err) = v.get("error") {
                    return Err(ModelError::Protocol { provider: http.provider.clone(), detail: err.to_string() });
                }
                if let Some(d) = v.pointer("/choices/0/delta/content").and_then(Json::as_str) {
                    text.push_str(d);
                    on_delta(d);
                }
                if let Some(parts) = v.pointer("/choices/0/delta/tool_calls").and_then(Json::as_array) {
                    for p in parts {
                        let i = p.get("index").and_then(Json::as_u64).unwrap_or(0).min(255) as usize;
                        while calls.len() <= i {
                            calls.push(Default::default());
                        }
                        let c = &mut calls[i];
                        if let Some(id) = p.get("id").and_then(Json::as_str) {
                            c.0 = id.to_owned();
                        }
                        if let Some(n) = p.pointer("/function/name").and_then(Json::as_str) {
                            c.1.push_str(n);
                        }
                        if let Some(a) = p.pointer("/function/arguments").and_then(Json::as_str) {
                            c.2.push_str(a);
                        }
                    }
                }
                if let Some(u) = usage_of(&v) {
                    usage = Some(u);
                }
                Ok(false)
            })?;
            let calls = calls
                .into_iter()
                .enumerate()
                .filter(|(_, c)| !c.1.is_empty())
                .map(|(i, (id, name, args))| ToolCall {
                    id: if id.is_empty() { format!("call_{i}") } else { id },
                    name,
                    arguments: parse_arguments(&args),
                })
                .collect();
            (text, usage, calls)
        } else {
            let v = http.post_json(&self.url, &headers, &body)?;
            let text = match v.pointer("/choices/0/message/content") {
                Some(Json::String(s)) => s.clone(),
                Some(Json::Null) | None if v.pointer("/choices/0/message").is_some() => String::new(),
                _ => {
                    return Err(ModelError::Protocol {
                        provider: http.provider.clone(),
                        detail: format!("no choices[0].message in {}", super::http::clip(&v.to_string(), 200)),
                    });
                }
            };
            on_delta(&text);
            let calls = v.pointer("/choices/0/message").map(tool_calls_of).unwrap_or_default();
            (text, usage_of(&v), calls)
        };
        truncate_at_stop(&mut text, &options.stop);
        Ok(Completion { text, usage, tool_calls })
    }

    fn id(&self) -> String {
        format!("{}:{}", self.http.0.provider, self.model)
    }
}
