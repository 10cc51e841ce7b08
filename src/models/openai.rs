//! OpenAI-compatible chat completions (`POST {base}/chat/completions`): OpenAI,
//! Hugging Face's router, Ollama, vLLM, llama.cpp, LiteLLM... Streaming uses
//! `stream_options.include_usage` so that token counts arrive in the last chunk.

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde_json::{Value as Json, json};

use super::http::Http;
use super::{ApiKey, Completion, GenerateOptions, HttpConfig, Message, Model, ModelError, TokenUsage, truncate_at_stop};

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

impl Model for OpenAiModel {
    fn generate(
        &self,
        messages: &[Message],
        options: &GenerateOptions,
        on_delta: &mut dyn FnMut(&str),
    ) -> Result<Completion, ModelError> {
        let http = &self.http.0;
        let msgs: Vec<Json> = messages.iter().map(|m| json!({"role": m.role.as_str(), "content": m.content})).collect();
        let mut body = json!({"model": self.model, "messages": msgs});
        if !options.stop.is_empty() && self.supports_stop() {
            // The API takes at most four.
            body["stop"] = json!(options.stop.iter().take(4).collect::<Vec<_>>());
        }
        if let Some(n) = options.max_tokens {
            body["max_tokens"] = json!(n);
        }
        let headers = self.headers()?;
        let (mut text, usage) = if http.cfg.stream {
            body["stream"] = json!(true);
            body["stream_options"] = json!({"include_usage": true});
            let mut text = String::new();
            let mut usage = None;
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
                if let Some(u) = usage_of(&v) {
                    usage = Some(u);
                }
                Ok(false)
            })?;
            (text, usage)
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
            (text, usage_of(&v))
        };
        truncate_at_stop(&mut text, &options.stop);
        Ok(Completion { text, usage })
    }

    fn id(&self) -> String {
        format!("{}:{}", self.http.0.provider, self.model)
    }
}
