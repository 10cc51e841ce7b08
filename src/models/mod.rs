//! Model clients for the agent: OpenAI-compatible chat completions and Anthropic
//! Messages, over HTTP with retries, timeouts and server-sent-event streaming.
//!
//! The trait is blocking: each client owns a small current-thread tokio runtime and
//! blocks on it, so the agent loop and its `!Send` interpreter `Session` stay on one
//! thread. A client must never log, print or serialize its API key (see `ApiKey`).

mod anthropic;
mod http;
mod openai;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value as Json;

pub use anthropic::AnthropicModel;
pub use openai::OpenAiModel;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    /// A tool's result, answering one of the assistant's native tool calls.
    Tool,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
    /// The native tool calls of an assistant message (ToolCallingAgent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// For `Role::Tool`: the call this message answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// For `Role::Tool`: the tool failed and `content` is its error.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_error: bool,
}

impl Message {
    pub fn new(role: Role, content: impl Into<String>) -> Message {
        Message { role, content: content.into(), tool_calls: Vec::new(), tool_call_id: None, is_error: false }
    }

    /// The result of the tool call `id`.
    pub fn tool_result(id: &str, content: impl Into<String>, is_error: bool) -> Message {
        Message { tool_call_id: Some(id.to_owned()), is_error, ..Message::new(Role::Tool, content) }
    }
}

/// One native tool call of the model: `arguments` is the JSON object it sent
/// (or a JSON string holding the raw text when that was not valid JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: Json,
}

/// A tool offered to the model for native calls.
#[derive(Clone, Debug)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Json,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TokenUsage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl TokenUsage {
    pub fn total(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }
    pub fn add(&mut self, other: TokenUsage) {
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
    }
}

/// One model answer.
#[derive(Clone, Debug)]
pub struct Completion {
    pub text: String,
    /// `None` when the server reported no usage.
    pub usage: Option<TokenUsage>,
    /// Native tool calls, when tools were offered.
    pub tool_calls: Vec<ToolCall>,
}

#[derive(Clone, Debug, Default)]
pub struct GenerateOptions {
    pub stop: Vec<String>,
    pub max_tokens: Option<u32>,
    /// Tools the model must call from (native tool calling); empty for text.
    pub tools: Vec<ToolSpec>,
}

/// A failure to get an answer from the model, after retries where they apply.
#[derive(Debug)]
pub enum ModelError {
    /// 401/403: the key is wrong or missing.
    Auth { provider: String, model: String, status: u16, detail: String, key_env: Option<String> },
    /// 404: a wrong model name or a wrong base URL.
    NotFound { provider: String, model: String, url: String, detail: String },
    /// Any other HTTP error (retryable ones only after the retries ran out).
    Http { provider: String, model: String, status: u16, detail: String, attempts: u32 },
    /// The server could not be reached or the connection broke.
    Connection { provider: String, url: String, detail: String, attempts: u32 },
    Timeout { provider: String, url: String, seconds: f64, attempts: u32 },
    /// The server answered something that is not the API's shape.
    Protocol { provider: String, detail: String },
    Config(String),
    /// The user interrupted the run (Ctrl-C) while a request was under way.
    Interrupted,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Auth { provider, model, status, detail, key_env } => {
                write!(f, "{provider} refused the request for model '{model}' (HTTP {status}): the API key is wrong or missing")?;
                if let Some(k) = key_env {
                    write!(f, " (check {k})")?;
                }
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            ModelError::NotFound { provider, model, url, detail } => {
                write!(f, "{provider}: model '{model}' or endpoint {url} not found (HTTP 404)")?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            ModelError::Http { provider, model, status, detail, attempts } => {
                write!(f, "{provider} failed for model '{model}' with HTTP {status} after {attempts} attempt(s)")?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            ModelError::Connection { provider, url, detail, attempts } => {
                write!(f, "{provider}: cannot reach {url} after {attempts} attempt(s): {detail}")
            }
            ModelError::Timeout { provider, url, seconds, attempts } => {
                write!(f, "{provider}: no answer from {url} within {seconds}s after {attempts} attempt(s)")
            }
            ModelError::Protocol { provider, detail } => write!(f, "{provider}: unexpected answer: {detail}"),
            ModelError::Config(m) => f.write_str(m),
            ModelError::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for ModelError {}

/// A chat model. `on_delta` receives text as it streams (or once, whole, when the
/// client does not stream).
pub trait Model {
    fn generate(
        &self,
        messages: &[Message],
        options: &GenerateOptions,
        on_delta: &mut dyn FnMut(&str),
    ) -> Result<Completion, ModelError>;

    /// `provider:model`, for logs and messages.
    fn id(&self) -> String;
}

/// An API key: its `Debug` never shows it.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(s: String) -> ApiKey {
        ApiKey(s)
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Retries and timeouts shared by the HTTP clients.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Retries after the first attempt, on 429, 5xx and connection errors.
    pub max_retries: u32,
    /// The first backoff; it doubles each retry, with jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The whole request, streaming included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub stream: bool,
    /// Set (by a Ctrl-C handler) to abandon the request under way and any retry.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            max_retries: 4,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            timeout: Duration::from_secs(600),
            connect_timeout: Duration::from_secs(20),
            stream: false,
            cancel: None,
        }
    }
}

/// What `--model PROVIDER:NAME` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    OpenAi,
    Anthropic,
    HuggingFace,
    Ollama,
}

impl Provider {
    pub fn parse(s: &str) -> Option<Provider> {
        match s {
            "openai" => Some(Provider::OpenAi),
            "anthropic" => Some(Provider::Anthropic),
            "hf" | "huggingface" => Some(Provider::HuggingFace),
            "ollama" => Some(Provider::Ollama),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::HuggingFace => "hf",
            Provider::Ollama => "ollama",
        }
    }
    pub fn default_base_url(self) -> &'static str {
        match self {
            Provider::OpenAi => "https://api.openai.com/v1",
            Provider::Anthropic => "https://api.anthropic.com",
            Provider::HuggingFace => "https://router.huggingface.co/v1",
            Provider::Ollama => "http://localhost:11434/v1",
        }
    }
    pub fn default_key_env(self) -> &'static str {
        match self {
            Provider::OpenAi => "OPENAI_API_KEY",
            Provider::Anthropic => "ANTHROPIC_API_KEY",
            Provider::HuggingFace => "HF_TOKEN",
            Provider::Ollama => "OLLAMA_API_KEY",
        }
    }
}

/// Where the API key comes from.
#[derive(Clone, Copy, Debug)]
pub enum KeySource<'a> {
    /// The provider's usual variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, HF_TOKEN...).
    Default,
    /// A variable named by the user (`--api-key-env`).
    Env(&'a str),
    /// A file holding the key (`--api-key-file`); surrounding whitespace is ignored.
    File(&'a Path),
}

/// Builds a model from `provider:name`, an optional base URL and key variable.
/// A missing key is an error for a hosted provider at its default URL; a custom
/// base URL (a local server) may go without one.
pub fn from_spec(
    spec: &str,
    base_url: Option<&str>,
    key_env: Option<&str>,
    http: HttpConfig,
) -> Result<Box<dyn Model>, ModelError> {
    from_spec_with(spec, base_url, key_env.map_or(KeySource::Default, KeySource::Env), http)
}

/// `from_spec` with the key from any `KeySource`. The key is read here and kept
/// in an `ApiKey`: it never reaches a log, a message or the sandbox.
pub fn from_spec_with(
    spec: &str,
    base_url: Option<&str>,
    key_source: KeySource<'_>,
    http: HttpConfig,
) -> Result<Box<dyn Model>, ModelError> {
    let (prov, name) = spec.split_once(':').ok_or_else(|| {
        ModelError::Config(format!("--model wants PROVIDER:NAME (openai, anthropic, hf, ollama), got '{spec}'"))
    })?;
    let provider = Provider::parse(prov)
        .ok_or_else(|| ModelError::Config(format!("unknown provider '{prov}': use openai, anthropic, hf or ollama")))?;
    if name.is_empty() {
        return Err(ModelError::Config(format!("--model {spec}: the model name is empty")));
    }
    let (key, hint, explicit) = match key_source {
        KeySource::Default | KeySource::Env(_) => {
            let env_name = match key_source {
                KeySource::Env(v) => v,
                _ => provider.default_key_env(),
            };
            let key = std::env::var(env_name).ok().filter(|k| !k.is_empty()).map(ApiKey::new);
            (key, env_name.to_owned(), matches!(key_source, KeySource::Env(_)))
        }
        KeySource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ModelError::Config(format!("cannot read the API key file {}: {e}", path.display())))?;
            let k = text.trim();
            if k.is_empty() {
                return Err(ModelError::Config(format!("the API key file {} is empty", path.display())));
            }
            (Some(ApiKey::new(k.to_owned())), format!("the key in {}", path.display()), true)
        }
    };
    let needs_key = explicit || (base_url.is_none() && provider != Provider::Ollama);
    if key.is_none() && needs_key {
        return Err(ModelError::Config(format!(
            "{}: no API key: set {hint} (or point --base-url at a server that needs none)",
            provider.name()
        )));
    }
    let base = base_url.unwrap_or(provider.default_base_url()).trim_end_matches('/').to_owned();
    let model: Box<dyn Model> = match provider {
        Provider::Anthropic => Box::new(AnthropicModel::new(name, &base, key, Some(hint), http)?),
        p => Box::new(OpenAiModel::new(p.name(), name, &base, key, Some(hint), http)?),
    };
    Ok(model)
}

/// Cuts `text` at the first stop sequence: servers that ignore `stop` (or models
/// that do not support it) must not leak a hallucinated observation into the step.
pub fn truncate_at_stop(text: &mut String, stop: &[String]) {
    let cut = stop.iter().filter(|s| !s.is_empty()).filter_map(|s| text.find(s.as_str())).min();
    if let Some(i) = cut {
        text.truncate(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_sequences_cut_at_the_earliest() {
        let mut t = "a<code>x</code>\nObservation: b".to_owned();
        truncate_at_stop(&mut t, &["Observation:".into(), "</code>".into()]);
        assert_eq!(t, "a<code>x");
    }

    #[test]
    fn keys_never_show_in_debug() {
        let k = ApiKey::new("sk-secret".into());
        assert!(!format!("{k:?}").contains("secret"));
    }

    #[test]
    fn spec_errors_are_clear() {
        let e = from_spec("gpt", None, None, HttpConfig::default()).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("PROVIDER:NAME"));
        let e = from_spec("nope:x", None, None, HttpConfig::default()).err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("unknown provider"));
    }
}
