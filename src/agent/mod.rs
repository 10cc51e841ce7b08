//! The CodeAgent loop: ask the model for a thought and a code block, run the code
//! in one persistent `Session`, feed the observation back, until `final_answer(...)`
//! is called or the steps run out (then one last call asks for an answer).
//!
//! Every step is kept in order and, with a log path, appended as a JSON line as
//! soon as it ends, so a killed run loses nothing. Never write an API key or any
//! environment content into the prompt, the log or the sandbox.

pub mod parse;
pub mod prompt;

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::json;

use crate::models::{GenerateOptions, Message, Model, ModelError, Role, TokenUsage};
use crate::policy::Policy;
use crate::session::{RunError, Session};
use crate::values::{HostCall, PyErr, PyResult, Value};

pub struct AgentConfig {
    pub max_steps: usize,
    pub instructions: Option<String>,
    /// Python stubs (`def name(...) -> T: """doc"""`) of the tools bound by the caller.
    pub tool_stubs: Vec<String>,
    /// Observations longer than this keep their head and tail.
    pub max_observation_chars: usize,
    pub code_open: String,
    pub code_close: String,
    /// Replaces the built-in system prompt (same `{{...}}` placeholders).
    pub prompt_template: Option<String>,
    pub max_tokens: Option<u32>,
}

impl Default for AgentConfig {
    fn default() -> AgentConfig {
        AgentConfig {
            max_steps: 20,
            instructions: None,
            tool_stubs: Vec::new(),
            max_observation_chars: 20_000,
            code_open: "<code>".into(),
            code_close: "</code>".into(),
            prompt_template: None,
            max_tokens: None,
        }
    }
}

/// One step of memory, as logged.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub step: usize,
    /// `action`, or `final_answer_request` for the call made when steps ran out.
    pub kind: &'static str,
    /// The messages sent for this step, beyond those of the step before (the
    /// full input is the concatenation of all steps' `new_messages`).
    pub new_messages: Vec<Message>,
    pub model_output: String,
    pub thought: String,
    pub code: Option<String>,
    pub observation: Option<String>,
    pub error: Option<String>,
    pub final_answer: Option<String>,
    pub usage: Option<TokenUsage>,
    pub model_seconds: f64,
    pub exec_seconds: f64,
    pub started_unix: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Success,
    MaxStepsError,
}

#[derive(Debug)]
pub struct RunResult {
    pub answer: String,
    pub state: RunState,
    pub steps: Vec<Step>,
    /// `None` when some call reported no usage.
    pub token_usage: Option<TokenUsage>,
    pub duration: Duration,
}

#[derive(Debug)]
pub enum AgentError {
    Model { step: usize, error: ModelError },
    Log(String),
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentError::Model { step, error } => write!(f, "step {step}: {error}"),
            AgentError::Log(m) => write!(f, "run log: {m}"),
        }
    }
}

impl std::error::Error for AgentError {}

/// What the loop reports as it goes (the CLI prints these on stderr).
pub enum Event<'a> {
    StepStart(usize),
    Delta(&'a str),
    ModelDone { thought: &'a str, code: Option<&'a str>, usage: Option<TokenUsage>, seconds: f64 },
    Observation(&'a str),
    Error(&'a str),
}

pub type HostHandler = Box<dyn FnMut(&HostCall) -> PyResult<Value>>;

pub struct CodeAgent {
    model: Box<dyn Model>,
    session: Session,
    policy: Policy,
    pub config: AgentConfig,
    host: Option<HostHandler>,
    observer: Option<Box<dyn FnMut(&Event<'_>)>>,
    log: Option<File>,
}

impl CodeAgent {
    pub fn new(model: Box<dyn Model>, policy: Policy, config: AgentConfig) -> CodeAgent {
        CodeAgent {
            model,
            session: Session::new(policy.clone()),
            policy,
            config,
            host: None,
            observer: None,
            log: None,
        }
    }

    /// The sandbox, to bind host functions (`bind_host_function`) or values.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Answers calls of functions bound with `Session::bind_host_function`.
    pub fn on_host_call(&mut self, f: HostHandler) {
        self.host = Some(f);
    }

    pub fn on_event(&mut self, f: impl FnMut(&Event<'_>) + 'static) {
        self.observer = Some(Box::new(f));
    }

    /// Appends each step to `path` as a JSON line while the run goes.
    pub fn log_to(&mut self, path: &Path) -> Result<(), AgentError> {
        let f = File::create(path).map_err(|e| AgentError::Log(format!("cannot create {}: {e}", path.display())))?;
        self.log = Some(f);
        Ok(())
    }

    pub fn system_prompt(&self) -> String {
        let imports = self.policy.allowed_imports();
        prompt::render(
            self.config.prompt_template.as_deref().unwrap_or(prompt::DEFAULT_TEMPLATE),
            &prompt::PromptParts {
                code_open: &self.config.code_open,
                code_close: &self.config.code_close,
                tool_stubs: &self.config.tool_stubs,
                imports: &imports,
                instructions: self.config.instructions.as_deref(),
            },
        )
    }

    fn emit(&mut self, e: Event<'_>) {
        if let Some(o) = self.observer.as_mut() {
            o(&e);
        }
    }

    fn write_log(&mut self, v: &serde_json::Value) -> Result<(), AgentError> {
        if let Some(f) = self.log.as_mut() {
            let mut line = v.to_string();
            line.push('\n');
            f.write_all(line.as_bytes()).and_then(|_| f.flush()).map_err(|e| AgentError::Log(e.to_string()))?;
        }
        Ok(())
    }

    fn generate(&mut self, step: usize, messages: &[Message]) -> Result<(crate::models::Completion, f64), AgentError> {
        let options = GenerateOptions {
            stop: vec!["Observation:".into(), "Calling tools:".into(), self.config.code_close.clone()],
            max_tokens: self.config.max_tokens,
        };
        let t = Instant::now();
        let mut observer = self.observer.take();
        let r = self.model.generate(messages, &options, &mut |d| {
            if let Some(o) = observer.as_mut() {
                o(&Event::Delta(d));
            }
        });
        self.observer = observer;
        let c = r.map_err(|error| AgentError::Model { step, error })?;
        Ok((c, t.elapsed().as_secs_f64()))
    }

    pub fn run(&mut self, task: &str) -> Result<RunResult, AgentError> {
        let started = Instant::now();
        let system = self.system_prompt();
        self.write_log(&json!({"type": "run_start", "model": self.model.id(), "task": task, "max_steps": self.config.max_steps, "started_unix": unix_now()}))?;
        let mut messages = vec![Message::new(Role::System, system), Message::new(Role::User, format!("New task:\n{task}"))];
        let mut steps: Vec<Step> = Vec::new();
        let mut usage_total = Some(TokenUsage::default());
        let mut sent = 0;
        let mut answer = None;
        for n in 1..=self.config.max_steps {
            self.emit(Event::StepStart(n));
            let started_unix = unix_now();
            let new_messages = messages[sent..].to_vec();
            sent = messages.len();
            let (c, model_seconds) = self.generate(n, &messages)?;
            add_usage(&mut usage_total, c.usage);
            let mut output = c.text;
            let (open, close) = (self.config.code_open.clone(), self.config.code_close.clone());
            parse::close_open_block(&mut output, &open, &close);
            let thought = parse::thought(&output, &open);
            let code = parse::extract_code(&output, &open, &close);
            self.emit(Event::ModelDone { thought: &thought, code: code.as_deref(), usage: c.usage, seconds: model_seconds });
            messages.push(Message::new(Role::Assistant, output.clone()));
            let mut step = Step {
                step: n,
                kind: "action",
                new_messages,
                model_output: output.clone(),
                thought,
                code: code.clone(),
                observation: None,
                error: None,
                final_answer: None,
                usage: c.usage,
                model_seconds,
                exec_seconds: 0.0,
                started_unix,
            };
            match code {
                None => {
                    let err = format!(
                        "Your answer has no code block. Write a Thought, then your code between {open} and {close}, for example:\nThought: I will print the value.\n{open}\nprint(x)\n{close}\nTo give the answer, call final_answer(answer) in the code."
                    );
                    self.emit(Event::Error(&err));
                    messages.push(Message::new(Role::User, retry_message(&err)));
                    step.error = Some(err);
                }
                Some(code) => {
                    let t = Instant::now();
                    let (obs, err, fin) = self.execute(&code, n);
                    step.exec_seconds = t.elapsed().as_secs_f64();
                    if let Some(e) = &err {
                        self.emit(Event::Error(e));
                        let mut text = String::new();
                        if !obs.is_empty() {
                            text.push_str(&obs);
                            text.push('\n');
                        }
                        text.push_str(&retry_message(e));
                        messages.push(Message::new(Role::User, text));
                    } else {
                        self.emit(Event::Observation(&obs));
                        messages.push(Message::new(Role::User, format!("Observation:\n{obs}")));
                    }
                    step.observation = Some(obs);
                    step.error = err;
                    step.final_answer = fin.clone();
                    if fin.is_some() {
                        answer = fin;
                    }
                }
            }
            self.write_log(&json!({"type": "step", "data": step}))?;
            steps.push(step);
            if answer.is_some() {
                break;
            }
        }
        let state = if answer.is_some() { RunState::Success } else { RunState::MaxStepsError };
        let answer = match answer {
            Some(a) => a,
            None => {
                let n = steps.len() + 1;
                self.emit(Event::StepStart(n));
                let mut msgs = vec![Message::new(Role::System, prompt::FINAL_ANSWER_PRE)];
                msgs.extend(messages.iter().skip(1).cloned());
                msgs.push(Message::new(Role::User, prompt::final_answer_post(task)));
                let started_unix = unix_now();
                let (c, model_seconds) = self.generate(n, &msgs)?;
                add_usage(&mut usage_total, c.usage);
                let text = c.text.trim().to_owned();
                let step = Step {
                    step: n,
                    kind: "final_answer_request",
                    new_messages: msgs,
                    model_output: text.clone(),
                    thought: String::new(),
                    code: None,
                    observation: None,
                    error: Some(format!("Reached max steps ({}) without final_answer()", self.config.max_steps)),
                    final_answer: Some(text.clone()),
                    usage: c.usage,
                    model_seconds,
                    exec_seconds: 0.0,
                    started_unix,
                };
                self.write_log(&json!({"type": "step", "data": step}))?;
                steps.push(step);
                text
            }
        };
        let duration = started.elapsed();
        self.write_log(&json!({"type": "run_end", "state": state, "answer": answer, "token_usage": usage_total, "duration_seconds": duration.as_secs_f64()}))?;
        Ok(RunResult { answer, state, steps, token_usage: usage_total, duration })
    }

    /// Runs one step's code: (observation, error, final answer as text).
    fn execute(&mut self, code: &str, n: usize) -> (String, Option<String>, Option<String>) {
        let filename = format!("<step {n}>");
        let mut out = self.session.run(code, &filename);
        let mut logs = std::mem::take(&mut out.output);
        while let Some(call) = out.suspended.take() {
            let r = match self.host.as_mut() {
                Some(h) => h(&call),
                None => Err(PyErr::new(
                    crate::values::ExcKind::RuntimeError,
                    format!("{}() is not available in this agent", call.name),
                )),
            };
            out = self.session.resume(r);
            logs.push_str(&out.output);
        }
        let limit = self.config.max_observation_chars;
        let mut obs = String::new();
        if !logs.is_empty() {
            obs.push_str("Execution logs:\n");
            obs.push_str(&truncate_middle(&logs, limit));
            if !obs.ends_with('\n') {
                obs.push('\n');
            }
        }
        let fin = out.final_answer.take().map(|v| self.text_of(&v));
        if out.error.is_none() && fin.is_none() {
            match out.value.take() {
                Some(v) if !matches!(v, Value::None) => {
                    let s = self.repr_of(&v);
                    obs.push_str("Last output from code snippet:\n");
                    obs.push_str(&truncate_middle(&s, limit));
                }
                _ if obs.is_empty() => obs.push_str("(the code printed nothing and its last line has no value)"),
                _ => {}
            }
        }
        let err = out.error.map(|e| match e {
            RunError::Syntax(_) => format!("Code parsing failed: {}", e.last_line()),
            RunError::Exception { traceback, .. } => {
                format!("Code execution failed:\n{}", truncate_middle(traceback.trim_end(), limit))
            }
            RunError::Budget { .. } => format!("Code execution was stopped by the sandbox: {}", e.last_line()),
        });
        (obs.trim_end().to_owned(), err, fin)
    }

    fn text_of(&mut self, v: &Value) -> String {
        match v {
            Value::Str(s) => s.as_str().to_owned(),
            _ => self.session.vm().str(v).unwrap_or_else(|_| "<unprintable answer>".into()),
        }
    }

    fn repr_of(&mut self, v: &Value) -> String {
        self.session.vm().repr(v).unwrap_or_else(|_| "<unprintable value>".into())
    }
}

fn add_usage(total: &mut Option<TokenUsage>, u: Option<TokenUsage>) {
    match (total.as_mut(), u) {
        (Some(t), Some(u)) => t.add(u),
        _ => *total = None,
    }
}

fn retry_message(err: &str) -> String {
    format!(
        "Error:\n{err}\nNow let's retry: take care not to repeat previous errors! If you have retried several times, try a completely different approach."
    )
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// Keeps the head and the tail of a long text, saying how much was cut.
pub fn truncate_middle(s: &str, limit: usize) -> String {
    let n = s.chars().count();
    if n <= limit {
        return s.to_owned();
    }
    let half = limit / 2;
    let head: String = s.chars().take(half).collect();
    let tail: String = s.chars().skip(n - half).collect();
    format!("{head}\n..._This content has been truncated to stay below {limit} characters ({} cut)_...\n{tail}", n - 2 * half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_head_and_tail() {
        let s: String = "a".repeat(50) + &"b".repeat(50);
        let t = truncate_middle(&s, 10);
        assert!(t.starts_with("aaaaa\n"));
        assert!(t.ends_with("\nbbbbb"));
        assert!(t.contains("90 cut"));
        assert_eq!(truncate_middle("short", 10), "short");
    }
}
