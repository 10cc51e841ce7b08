//! The agent loop: ask the model for a thought and a code block, run the code in
//! one persistent `Session`, feed the observation back, until `final_answer(...)`
//! is called or the steps run out (then one last call asks for an answer). With
//! `tool_calling`, the same loop with the model's native JSON tool calls instead
//! of code (smolagents' ToolCallingAgent). Optional planning steps; tools (MCP or
//! host) and managed agents are opaque callables bound in the sandbox.
//!
//! Every step is kept in order and, with a log path, appended as a JSON line as
//! soon as it ends, so a killed run loses nothing. Never write an API key or any
//! environment content into the prompt, the log or the sandbox.

pub mod highlight;
pub mod inert;
mod log;
pub mod parse;
pub mod prompt;
mod tool_calling;

use std::cell::RefCell;
use std::fs::File;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::models::{GenerateOptions, Message, Model, ModelError, Role, TokenUsage, ToolCall, ToolSpec};
use crate::policy::Policy;
use crate::session::{RunError, Session};
use crate::tools::{CallError, Tool, ToolOutput};
use crate::values::{HostCall, PyErr, PyResult, Value};

pub struct AgentConfig {
    pub max_steps: usize,
    pub instructions: Option<String>,
    /// Python stubs (`def name(...) -> T: """doc"""`) of the tools: `add_tool` adds
    /// one per tool; the caller adds those of functions it binds itself.
    pub tool_stubs: Vec<String>,
    /// Observations longer than this keep their head and tail.
    pub max_observation_chars: usize,
    pub code_open: String,
    pub code_close: String,
    /// Replaces the built-in system prompt (same `{{...}}` placeholders).
    pub prompt_template: Option<String>,
    pub max_tokens: Option<u32>,
    /// Native tool calls instead of code (a ToolCallingAgent).
    pub tool_calling: bool,
    /// A plan before step 1, then an updated plan every N steps.
    pub planning_interval: Option<usize>,
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
            tool_calling: false,
            planning_interval: None,
        }
    }
}

/// One step of memory, as logged.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub step: usize,
    /// `action`; `planning` for a plan; `final_answer_request` for the call made
    /// when steps ran out.
    pub kind: &'static str,
    /// The messages sent for this step, beyond those of the step before (for
    /// `planning` and `final_answer_request`, their whole input, which is not the
    /// conversation's).
    pub new_messages: Vec<Message>,
    pub model_output: String,
    pub thought: String,
    pub code: Option<String>,
    /// The native tool calls of a ToolCallingAgent step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    pub observation: Option<String>,
    pub error: Option<String>,
    pub final_answer: Option<String>,
    pub usage: Option<TokenUsage>,
    pub model_seconds: f64,
    pub exec_seconds: f64,
    pub started_unix: f64,
}

impl Step {
    fn new(step: usize, kind: &'static str, new_messages: Vec<Message>, started_unix: f64) -> Step {
        Step {
            step,
            kind,
            new_messages,
            model_output: String::new(),
            thought: String::new(),
            code: None,
            tool_calls: Vec::new(),
            observation: None,
            error: None,
            final_answer: None,
            usage: None,
            model_seconds: 0.0,
            exec_seconds: 0.0,
            started_unix,
        }
    }
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
    /// The interrupt flag was set (Ctrl-C): the run stopped at `step`.
    Interrupted { step: usize },
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentError::Model { step, error } => write!(f, "step {step}: {error}"),
            AgentError::Log(m) => write!(f, "run log: {m}"),
            AgentError::Interrupted { step } => write!(f, "interrupted at step {step}"),
        }
    }
}

impl std::error::Error for AgentError {}

/// What the loop reports as it goes (the CLI prints these on stderr).
pub enum Event<'a> {
    StepStart(usize),
    /// A planning call starts (before the step of that number).
    PlanStart(usize),
    Delta(&'a str),
    ModelDone { thought: &'a str, code: Option<&'a str>, usage: Option<TokenUsage>, seconds: f64 },
    Plan(&'a str),
    /// A native tool call about to run (ToolCallingAgent).
    ToolCall { name: &'a str, arguments: &'a Json },
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
    /// Shared with managed agents, which write their records here too.
    log: log::SharedSink,
    interrupt: Option<Arc<AtomicBool>>,
    step_callbacks: Vec<Box<dyn FnMut(&Step)>>,
    final_answer_checks: Vec<FinalAnswerCheck>,
    /// Python expressions run in the sandbox with `answer` bound: each must be true.
    answer_exprs: Vec<String>,
    /// The last step's final answer as a Python value, for `answer_exprs`.
    answer_value: Option<Value>,
}

/// Accepts a final answer (`Ok`) or refuses it with a reason that is fed back to
/// the model, which then goes on (smolagents' `final_answer_checks`).
pub type FinalAnswerCheck = Box<dyn Fn(&str, &[Step]) -> Result<(), String>>;

impl CodeAgent {
    pub fn new(model: Box<dyn Model>, policy: Policy, config: AgentConfig) -> CodeAgent {
        CodeAgent {
            model,
            session: Session::new(policy.clone()),
            policy,
            config,
            host: None,
            observer: None,
            log: Rc::default(),
            interrupt: None,
            step_callbacks: Vec::new(),
            final_answer_checks: Vec::new(),
            answer_exprs: Vec::new(),
            answer_value: None,
        }
    }

    /// Called with each step (planning ones included) once it is complete and logged.
    pub fn on_step(&mut self, f: impl FnMut(&Step) + 'static) {
        self.step_callbacks.push(Box::new(f));
    }

    /// Every check must accept a final answer before the run ends with it.
    pub fn add_final_answer_check(&mut self, f: impl Fn(&str, &[Step]) -> Result<(), String> + 'static) {
        self.final_answer_checks.push(Box::new(f));
    }

    /// A check written in Python: `expr` is evaluated in the sandbox (its tools and
    /// variables at hand) with `answer` bound to the final answer (the value given
    /// to `final_answer`, a string in tool-calling mode); false or raising refuses
    /// the answer, and the model is told why. A syntax error is reported here.
    pub fn add_final_answer_check_expr(&mut self, expr: &str) -> Result<(), String> {
        crate::syntax::parse(expr).map_err(|e| format!("the check {expr:?} is not valid Python: {}", e.message))?;
        self.answer_exprs.push(expr.to_owned());
        Ok(())
    }

    /// Why the first failing expression check refuses `answer`, if one does.
    fn check_answer_exprs(&mut self, answer: Value) -> Option<String> {
        if self.answer_exprs.is_empty() {
            return None;
        }
        let saved = self.session.get_global("answer");
        let mut refused = None;
        for expr in self.answer_exprs.clone() {
            self.session.set_global("answer", answer.clone());
            let (mut out, _) = self.run_code(&expr, "<final answer check>");
            let why = match (out.error.take(), out.value.take()) {
                (Some(e), _) => Some(format!("the check `{expr}` raised {}", e.last_line())),
                (None, Some(v)) if self.session.vm().truthy(&v).unwrap_or(false) => None,
                (None, _) => Some(format!("the check `{expr}` is false for this answer")),
            };
            if why.is_some() {
                refused = why;
                break;
            }
        }
        // The code's own `answer`, if it had one, is left as it was.
        match saved {
            Some(v) => self.session.set_global("answer", v),
            None => {
                let _ = self.session.run("del answer", "<final answer check>");
            }
        }
        refused
    }

    /// Refuses the step's final answer: the run goes on, and the model reads why.
    fn refuse_answer(&mut self, step: &mut Step, messages: &mut Vec<Message>, answer: &str, why: &str) {
        let err = format!("The final answer {answer:?} was refused by a check: {why}");
        self.emit(Event::Error(&err));
        messages.push(Message::new(Role::User, retry_message(&err)));
        step.final_answer = None;
        step.error = Some(match step.error.take() {
            Some(e) => format!("{e}\n{err}"),
            None => err,
        });
    }

    fn finish_step(&mut self, step: Step, steps: &mut Vec<Step>) -> Result<(), AgentError> {
        self.write_log(&json!({"type": "step", "data": step}))?;
        for f in self.step_callbacks.iter_mut() {
            f(&step);
        }
        steps.push(step);
        Ok(())
    }

    /// The sandbox, to bind host functions (`bind_host_function`) or values.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Binds a tool (MCP or host) as a Python function of the sandbox and lists its
    /// stub in the prompt; returns the name it got. In tool-calling mode it is
    /// offered to the model as a native tool under that name.
    pub fn add_tool(&mut self, tool: Tool) -> String {
        let name = self.session.bind_tool(tool);
        if let Some(t) = self.session.tool_registry().tools().into_iter().find(|t| t.name == name) {
            self.config.tool_stubs.push(crate::tools::python_stub(&t));
        }
        name
    }

    /// Makes `agent` a team member: a function `name(task: str) -> str` in this
    /// agent's sandbox (an opaque callable, like every tool) that runs `agent` on
    /// the task and returns its final answer. Returns the bound name.
    /// Its run's records (steps included) go into this agent's log too, each with
    /// an `agent` field naming it.
    pub fn add_managed_agent(&mut self, name: &str, description: &str, agent: CodeAgent) -> String {
        agent.log.borrow_mut().set_upstream(self.log.clone(), name);
        let cell = Rc::new(RefCell::new(agent));
        let who = name.to_owned();
        let call = move |args: Json| -> Result<ToolOutput, CallError> {
            let Some(task) = args.get("task").and_then(Json::as_str) else {
                return Err(CallError::Tool(format!("{who}() wants its task as a string")));
            };
            let Ok(mut a) = cell.try_borrow_mut() else {
                return Err(CallError::Tool(format!("{who} is already working on a task")));
            };
            match a.run(&prompt::managed_task(&who, task)) {
                Ok(r) => Ok(ToolOutput::text(r.answer)),
                Err(e) => Err(CallError::Tool(format!("the managed agent {who} failed: {e}"))),
            }
        };
        let tool = Tool {
            name: name.to_owned(),
            description: prompt::managed_description(description),
            input_schema: json!({
                "type": "object",
                "properties": {"task": {"type": "string", "description": "The task, in detail, with all the context it needs."}},
                "required": ["task"],
            }),
            output_schema: None,
            server: None,
            call: Rc::new(call),
        };
        self.add_tool(tool)
    }

    /// Answers calls of functions bound with `Session::bind_host_function`.
    pub fn on_host_call(&mut self, f: HostHandler) {
        self.host = Some(f);
    }

    pub fn on_event(&mut self, f: impl FnMut(&Event<'_>) + 'static) {
        self.observer = Some(Box::new(f));
    }

    /// When `flag` becomes true (a Ctrl-C handler sets it) the run stops at the
    /// next step boundary, or at once during a model request when the model's
    /// `HttpConfig::cancel` is the same flag.
    /// The sandbox sees the flag too: a step's code stops where the machine
    /// checks its time budget, and the run ends at that step.
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.session.vm().cancel = Some(flag.clone());
        self.interrupt = Some(flag);
    }

    /// Appends each step to `path` as a JSON line while the run goes.
    pub fn log_to(&mut self, path: &Path) -> Result<(), AgentError> {
        let f = File::create(path).map_err(|e| AgentError::Log(format!("cannot create {}: {e}", path.display())))?;
        self.log.borrow_mut().set_file(f);
        Ok(())
    }

    pub fn system_prompt(&self) -> String {
        let imports = self.policy.allowed_imports();
        let default = if self.config.tool_calling { prompt::TOOL_CALLING_TEMPLATE } else { prompt::DEFAULT_TEMPLATE };
        prompt::render(
            self.config.prompt_template.as_deref().unwrap_or(default),
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
        self.log.borrow_mut().write(v).map_err(AgentError::Log)
    }

    fn check_interrupt(&self, step: usize) -> Result<(), AgentError> {
        match &self.interrupt {
            Some(f) if f.load(Ordering::SeqCst) => Err(AgentError::Interrupted { step }),
            _ => Ok(()),
        }
    }

    fn generate(
        &mut self,
        step: usize,
        messages: &[Message],
        stop: Vec<String>,
        tools: Vec<ToolSpec>,
    ) -> Result<(crate::models::Completion, f64), AgentError> {
        let options = GenerateOptions { stop, max_tokens: self.config.max_tokens, tools };
        let t = Instant::now();
        let mut observer = self.observer.take();
        let r = self.model.generate(messages, &options, &mut |d| {
            if let Some(o) = observer.as_mut() {
                o(&Event::Delta(d));
            }
        });
        self.observer = observer;
        let c = r.map_err(|error| match error {
            ModelError::Interrupted => AgentError::Interrupted { step },
            error => AgentError::Model { step, error },
        })?;
        self.check_interrupt(step)?;
        Ok((c, t.elapsed().as_secs_f64()))
    }

    fn code_stops(&self) -> Vec<String> {
        vec!["Observation:".into(), "Calling tools:".into(), self.config.code_close.clone()]
    }

    /// Runs the agent on `task`. Each call is a fresh conversation; the sandbox's
    /// variables persist across calls.
    pub fn run(&mut self, task: &str) -> Result<RunResult, AgentError> {
        let started = Instant::now();
        let r = self.run_inner(task, started);
        if let Err(e) = &r {
            let state = if matches!(e, AgentError::Interrupted { .. }) { "interrupted" } else { "error" };
            // Best effort: the log may be the thing that failed.
            let _ = self.write_log(&json!({"type": "run_end", "state": state, "error": e.to_string(), "duration_seconds": started.elapsed().as_secs_f64()}));
        }
        r
    }

    fn run_inner(&mut self, task: &str, started: Instant) -> Result<RunResult, AgentError> {
        let system = self.system_prompt();
        let mode = if self.config.tool_calling { "tool_calling" } else { "code" };
        self.write_log(&json!({"type": "run_start", "model": self.model.id(), "mode": mode, "task": task, "max_steps": self.config.max_steps, "planning_interval": self.config.planning_interval, "started_unix": unix_now()}))?;
        let mut messages = vec![Message::new(Role::System, system), Message::new(Role::User, format!("New task:\n{task}"))];
        let mut steps: Vec<Step> = Vec::new();
        let mut usage_total = Some(TokenUsage::default());
        let mut sent = 0;
        let mut answer = None;
        for n in 1..=self.config.max_steps {
            self.check_interrupt(n)?;
            if let Some(k) = self.config.planning_interval.filter(|k| *k > 0) {
                if n == 1 || (n - 1) % k == 0 {
                    let step = self.plan(n, task, &mut messages)?;
                    add_usage(&mut usage_total, step.usage);
                    self.finish_step(step, &mut steps)?;
                }
            }
            self.emit(Event::StepStart(n));
            self.log.borrow_mut().step = n;
            let new_messages = messages[sent..].to_vec();
            sent = messages.len();
            let mut step = Step::new(n, "action", new_messages, unix_now());
            if self.config.tool_calling {
                self.tool_calling_step(&mut step, &mut messages)?;
            } else {
                self.code_step(&mut step, &mut messages)?;
            }
            add_usage(&mut usage_total, step.usage);
            if self.check_interrupt(n).is_err() {
                // Stopped inside the step (its code, a tool): the step is kept as far as it got.
                step.error.get_or_insert_with(|| "interrupted".to_owned());
                self.finish_step(step, &mut steps)?;
                return Err(AgentError::Interrupted { step: n });
            }
            if let Some(a) = step.final_answer.clone() {
                let value = self.answer_value.take().unwrap_or_else(|| Value::string(a.clone()));
                let refused = match self.final_answer_checks.iter().find_map(|check| check(&a, &steps).err()) {
                    Some(why) => Some(why),
                    None => self.check_answer_exprs(value),
                };
                match refused {
                    None => answer = Some(a),
                    Some(why) => self.refuse_answer(&mut step, &mut messages, &a, &why),
                }
            }
            self.finish_step(step, &mut steps)?;
            if answer.is_some() {
                break;
            }
        }
        let state = if answer.is_some() { RunState::Success } else { RunState::MaxStepsError };
        let answer = match answer {
            Some(a) => a,
            None => {
                let n = steps.iter().filter(|s| s.kind == "action").count() + 1;
                self.check_interrupt(n)?;
                self.emit(Event::StepStart(n));
                let mut msgs = vec![Message::new(Role::System, prompt::FINAL_ANSWER_PRE)];
                msgs.extend(flatten_tool_messages(&messages[1..]));
                msgs.push(Message::new(Role::User, prompt::final_answer_post(task)));
                let mut step = Step::new(n, "final_answer_request", msgs.clone(), unix_now());
                let (c, model_seconds) = self.generate(n, &msgs, Vec::new(), Vec::new())?;
                add_usage(&mut usage_total, c.usage);
                let text = c.text.trim().to_owned();
                step.model_output = text.clone();
                step.error = Some(format!("Reached max steps ({}) without final_answer()", self.config.max_steps));
                step.final_answer = Some(text.clone());
                step.usage = c.usage;
                step.model_seconds = model_seconds;
                self.finish_step(step, &mut steps)?;
                text
            }
        };
        let duration = started.elapsed();
        self.write_log(&json!({"type": "run_end", "state": state, "answer": answer, "token_usage": usage_total, "duration_seconds": duration.as_secs_f64()}))?;
        Ok(RunResult { answer, state, steps, token_usage: usage_total, duration })
    }

    /// A planning step: the initial plan from the task alone, or an update from the
    /// history; the plan then joins the conversation as the model's message.
    fn plan(&mut self, n: usize, task: &str, messages: &mut Vec<Message>) -> Result<Step, AgentError> {
        self.emit(Event::PlanStart(n));
        let initial = n == 1;
        let mut tools = self.config.tool_stubs.clone();
        tools.push(prompt::FINAL_ANSWER_STUB.to_owned());
        let tools = tools.join("\n\n");
        let input = if initial {
            vec![Message::new(Role::User, prompt::initial_plan(task, &tools))]
        } else {
            let mut m = vec![Message::new(Role::System, prompt::update_plan_pre(task))];
            m.extend(flatten_tool_messages(&messages[1..]));
            m.push(Message::new(Role::User, prompt::update_plan_post(&tools, self.config.max_steps + 1 - n)));
            m
        };
        let mut step = Step::new(n, "planning", input.clone(), unix_now());
        let (c, model_seconds) = self.generate(n, &input, vec!["<end_plan>".into()], Vec::new())?;
        let plan = c.text.trim().to_owned();
        self.emit(Event::Plan(&plan));
        messages.push(Message::new(Role::Assistant, prompt::plan_message(&plan, task, initial)));
        messages.push(Message::new(Role::User, prompt::PLAN_PROCEED));
        step.model_output = plan;
        step.usage = c.usage;
        step.model_seconds = model_seconds;
        Ok(step)
    }

    /// One CodeAgent step: the model's thought and code, then the code's run.
    fn code_step(&mut self, step: &mut Step, messages: &mut Vec<Message>) -> Result<(), AgentError> {
        let n = step.step;
        let stops = self.code_stops();
        let (c, model_seconds) = self.generate(n, messages, stops, Vec::new())?;
        let mut output = c.text;
        let (open, close) = (self.config.code_open.clone(), self.config.code_close.clone());
        parse::close_open_block(&mut output, &open, &close);
        let thought = parse::thought(&output, &open);
        let code = parse::extract_code(&output, &open, &close);
        self.emit(Event::ModelDone { thought: &thought, code: code.as_deref(), usage: c.usage, seconds: model_seconds });
        messages.push(Message::new(Role::Assistant, output.clone()));
        step.model_output = output;
        step.thought = thought;
        step.code = code.clone();
        step.usage = c.usage;
        step.model_seconds = model_seconds;
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
                    // A final step that printed nothing has nothing to show.
                    if !(obs.is_empty() && fin.is_some()) {
                        self.emit(Event::Observation(&obs));
                    }
                    messages.push(Message::new(Role::User, format!("Observation:\n{obs}")));
                }
                step.observation = Some(obs);
                step.error = err;
                step.final_answer = fin;
            }
        }
        Ok(())
    }

    /// Runs code in the sandbox, answering its tool and host calls: the outcome
    /// and everything it printed.
    fn run_code(&mut self, code: &str, filename: &str) -> (crate::session::RunOutcome, String) {
        let registry = self.session.tool_registry();
        let tool_names = registry.names();
        let mut out = self.session.run(code, filename);
        let mut logs = std::mem::take(&mut out.output);
        while let Some(call) = out.suspended.take() {
            let r = if tool_names.iter().any(|t| **t == *call.name) {
                registry.dispatch(&call)
            } else {
                match self.host.as_mut() {
                    Some(h) => h(&call),
                    None => Err(PyErr::new(
                        crate::values::ExcKind::RuntimeError,
                        format!("{}() is not available in this agent", call.name),
                    )),
                }
            };
            out = self.session.resume(r);
            logs.push_str(&out.output);
        }
        (out, logs)
    }

    /// Runs one step's code: (observation, error, final answer as text).
    fn execute(&mut self, code: &str, n: usize) -> (String, Option<String>, Option<String>) {
        let (mut out, logs) = self.run_code(code, &format!("<step {n}>"));
        let limit = self.config.max_observation_chars;
        let mut obs = String::new();
        if !logs.is_empty() {
            obs.push_str("Execution logs:\n");
            obs.push_str(&truncate_middle(&logs, limit));
            if !obs.ends_with('\n') {
                obs.push('\n');
            }
        }
        self.answer_value = out.final_answer.clone();
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
            RunError::Budget { ref type_name, .. } if type_name == "KeyboardInterrupt" => {
                format!("Code execution was interrupted by the user: {}", e.last_line())
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

/// The conversation without native tool messages, for calls made without tools
/// (plans, the last-chance answer): tool calls and results become text, as
/// smolagents writes them.
fn flatten_tool_messages(messages: &[Message]) -> Vec<Message> {
    messages
        .iter()
        .map(|m| match m.role {
            Role::Tool => {
                let label = if m.is_error { "Error" } else { "Observation" };
                Message::new(Role::User, format!("Call id: {}\n{label}:\n{}", m.tool_call_id.as_deref().unwrap_or(""), m.content))
            }
            Role::Assistant if !m.tool_calls.is_empty() => {
                let calls: Vec<Json> =
                    m.tool_calls.iter().map(|c| json!({"id": c.id, "name": c.name, "arguments": c.arguments})).collect();
                let mut text = m.content.clone();
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&format!("Calling tools:\n{}", Json::Array(calls)));
                Message::new(Role::Assistant, text)
            }
            _ => m.clone(),
        })
        .collect()
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
    use crate::models::Completion;
    use std::collections::VecDeque;

    /// A scripted in-process model: replays its answers, records its inputs.
    struct Scripted {
        turns: RefCell<VecDeque<&'static str>>,
        seen: Rc<RefCell<Vec<Vec<Message>>>>,
    }

    impl Model for Scripted {
        fn generate(&self, m: &[Message], _: &GenerateOptions, _: &mut dyn FnMut(&str)) -> Result<Completion, ModelError> {
            self.seen.borrow_mut().push(m.to_vec());
            let text = self.turns.borrow_mut().pop_front().unwrap_or("no more turns").to_owned();
            Ok(Completion { text, usage: None, tool_calls: Vec::new() })
        }
        fn id(&self) -> String {
            "scripted:test".into()
        }
    }

    fn scripted(turns: &[&'static str]) -> (Box<dyn Model>, Rc<RefCell<Vec<Vec<Message>>>>) {
        let seen = Rc::new(RefCell::new(Vec::new()));
        (Box::new(Scripted { turns: RefCell::new(turns.iter().copied().collect()), seen: seen.clone() }), seen)
    }

    #[test]
    fn managed_agent_checks_and_callbacks_in_the_library() {
        let (m, seen) = scripted(&[
            "<code>print(len(helper(task='count')))\nfinal_answer('too short')</code>",
            "<code>final_answer('long enough now')</code>",
        ]);
        let (hm, hseen) = scripted(&["<code>final_answer('abc')</code>"]);
        let mut agent = CodeAgent::new(m, Policy::default(), AgentConfig::default());
        let helper = CodeAgent::new(hm, Policy::default(), AgentConfig::default());
        assert_eq!(agent.add_managed_agent("helper", "Counts", helper), "helper");
        agent.add_final_answer_check(|a, _| if a.len() > 10 { Ok(()) } else { Err("say more".into()) });
        let kinds = Rc::new(RefCell::new(Vec::new()));
        let k = kinds.clone();
        agent.on_step(move |s| k.borrow_mut().push((s.step, s.error.is_some())));
        let r = agent.run("t").map_err(|e| e.to_string());
        let r = r.as_ref().map(|r| (r.answer.as_str(), r.state));
        assert_eq!(r, Ok(("long enough now", RunState::Success)));
        assert_eq!(*kinds.borrow(), vec![(1, true), (2, false)]);
        assert!(hseen.borrow()[0][1].content.contains("count"));
        let second = &seen.borrow()[1];
        let fed: Vec<&str> = second.iter().map(|m| m.content.as_str()).collect();
        assert!(fed.iter().any(|c| c.contains("Execution logs:\n3")), "{fed:?}");
        assert!(fed.iter().any(|c| c.contains("refused by a check: say more")), "{fed:?}");
    }

    #[test]
    fn the_interrupt_flag_stops_code_and_sleep() {
        for code in ["while True:\n    try:\n        pass\n    except BaseException:\n        pass", "import time\ntime.sleep(20)"] {
            let (m, _) = scripted(&[]);
            let mut agent = CodeAgent::new(m, Policy::default(), AgentConfig::default());
            let flag = Arc::new(AtomicBool::new(false));
            agent.set_interrupt(flag.clone());
            let f = flag.clone();
            let t = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                f.store(true, Ordering::SeqCst);
            });
            let started = Instant::now();
            let (_, err, _) = agent.execute(code, 1);
            let _ = t.join();
            assert!(started.elapsed() < Duration::from_secs(2), "{code}: {:?}", started.elapsed());
            assert_eq!(err.as_deref(), Some("Code execution was interrupted by the user: KeyboardInterrupt: the run was interrupted"));
        }
    }

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
