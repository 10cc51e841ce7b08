//! `garter agent`: the CodeAgent (or, with --tool-calling, the ToolCallingAgent)
//! from the command line, with tools from MCP servers (the same options and code
//! path as `garter run`), managed agents and planning; and `garter replay`, which
//! prints a run's steps from its JSON Lines log.
//!
//! The final answer alone on stdout; the run's steps on stderr, with everything
//! that comes from the model, the code or a tool made inert (escape sequences
//! removed, control characters shown escaped) so that none of it reaches the
//! terminal as a command. On a terminal, the code is highlighted after it was made
//! inert (our own colours only) and a spinner runs while the model works. Never
//! print or log an API key.
//!
//! Exit status: 0 with a final answer; 1 when the model API failed (after retries)
//! or the setup is wrong; 3 when the steps ran out (the model's fallback answer is
//! still printed on stdout); 130 when interrupted (Ctrl-C), the log kept.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;

use garter::Policy;
use garter::agent::highlight::{StreamShow, shown_code};
use garter::agent::inert::inert;
use garter::agent::{AgentConfig, AgentError, CodeAgent, Event, RunState};
use garter::models::{self, HttpConfig, KeySource};

#[derive(Args)]
pub struct AgentArgs {
    /// PROVIDER:NAME with PROVIDER one of openai, anthropic, hf, ollama.
    #[arg(long, default_value = "openai:gpt-4.1-mini")]
    model: String,
    /// An OpenAI-compatible (or Anthropic) server's base URL, e.g. http://127.0.0.1:8000/v1.
    #[arg(long)]
    base_url: Option<String>,
    /// The environment variable holding the API key (default: the provider's).
    #[arg(long, conflicts_with = "api_key_file")]
    api_key_env: Option<String>,
    /// A file holding the API key (surrounding whitespace ignored).
    #[arg(long, value_name = "FILE")]
    api_key_file: Option<PathBuf>,
    #[command(flatten)]
    mcp: crate::McpArgs,
    #[arg(long, default_value_t = 20)]
    max_steps: usize,
    /// Make a plan before the first step, and an updated plan every N steps.
    #[arg(long, value_name = "N")]
    planning_interval: Option<usize>,
    /// Use the model's native JSON tool calls instead of code (a ToolCallingAgent).
    #[arg(long)]
    tool_calling: bool,
    /// Add a team member NAME, an agent with the same model and tools, called
    /// from the code as NAME(task) (repeatable).
    #[arg(long = "managed-agent", value_name = "NAME:DESCRIPTION")]
    managed_agents: Vec<String>,
    /// A Python expression that must be true of the final answer, evaluated in
    /// the sandbox with `answer` bound to it (and the code's variables and tools
    /// at hand), e.g. `isinstance(answer, int) and answer > 0`. False or raising:
    /// the answer is refused, the model is told why and goes on (repeatable).
    #[arg(long = "final-answer-check", value_name = "PYTHON_EXPR")]
    final_answer_checks: Vec<String>,
    /// Text appended to the system prompt.
    #[arg(long)]
    instructions: Option<String>,
    /// Replaces the system prompt with this file ({{tools}}, {{authorized_imports}}, ... are filled in).
    #[arg(long)]
    prompt_file: Option<PathBuf>,
    /// Allow importing this module (repeatable); adds to the default allowlist.
    #[arg(long = "allow-import")]
    allow_import: Vec<String>,
    /// Write every step as JSON Lines to FILE while the run goes (see `garter replay`).
    #[arg(long)]
    log: Option<PathBuf>,
    /// Stream the model's answer (server-sent events).
    #[arg(long)]
    stream: bool,
    /// Retries on 429, 5xx and connection errors.
    #[arg(long, default_value_t = 4)]
    max_retries: u32,
    /// Seconds before a model request is abandoned.
    #[arg(long, default_value_t = 600.0)]
    request_timeout: f64,
    /// Wall-time budget of one step's code, in seconds.
    #[arg(long, default_value_t = 30.0)]
    code_timeout: f64,
    task: String,
}

/// Ctrl-C: the first sets `flag` (the run stops cleanly, the log is kept); a
/// second quits at once (the log is complete up to the last step: each line is
/// flushed as it is written).
fn install_ctrl_c(flag: Arc<AtomicBool>) {
    let _ = std::thread::Builder::new().name("ctrl-c".into()).spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(async move {
            let mut presses = 0;
            while tokio::signal::ctrl_c().await.is_ok() {
                presses += 1;
                if presses == 1 {
                    flag.store(true, Ordering::SeqCst);
                    eprintln!("\ngarter agent: interrupted: stopping the run (Ctrl-C again to quit at once)");
                } else {
                    eprintln!("garter agent: quit");
                    std::process::exit(130);
                }
            }
        });
    });
}

/// How stderr is written: colours on a terminal unless NO_COLOR is set (and not
/// empty); the spinner on a terminal only.
#[derive(Clone, Copy)]
struct Look {
    colour: bool,
    spin: bool,
}

impl Look {
    fn of_stderr() -> Look {
        let tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Look { colour: tty && !no_color, spin: tty }
    }
}

/// A one-line spinner on stderr while the model works: drawn by its own thread,
/// erased (under the same lock) before anything else is written, so it never
/// mixes with the run's lines. Shows only garter's own text.
#[derive(Clone)]
struct Spinner {
    state: Option<Arc<std::sync::Mutex<SpinState>>>,
}

struct SpinState {
    /// What is awaited, and since when; `None` when stopped.
    active: Option<(String, std::time::Instant)>,
    drawn: bool,
}

impl Spinner {
    fn new(enabled: bool) -> Spinner {
        if !enabled {
            return Spinner { state: None };
        }
        let state = Arc::new(std::sync::Mutex::new(SpinState { active: None, drawn: false }));
        let s = state.clone();
        let spawned = std::thread::Builder::new().name("spinner".into()).spawn(move || {
            const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let mut i = 0;
            loop {
                std::thread::sleep(Duration::from_millis(100));
                let Ok(mut st) = s.lock() else { return };
                if let Some((label, since)) = &st.active {
                    let line = format!("\r\u{1b}[2K{} {label} {:.1}s", FRAMES[i % FRAMES.len()], since.elapsed().as_secs_f64());
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(line.as_bytes());
                    let _ = err.flush();
                    st.drawn = true;
                    i += 1;
                }
            }
        });
        Spinner { state: spawned.ok().map(|_| state) }
    }

    fn start(&self, label: String) {
        if let Some(Ok(mut st)) = self.state.as_ref().map(|s| s.lock()) {
            st.active = Some((label, std::time::Instant::now()));
        }
    }

    /// Stops and erases the spinner; `write` runs under its lock.
    fn stop_then(&self, write: impl FnOnce()) {
        match self.state.as_ref().map(|s| s.lock()) {
            Some(Ok(mut st)) => {
                st.active = None;
                if st.drawn {
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(b"\r\x1b[2K");
                    let _ = err.flush();
                    st.drawn = false;
                }
                write();
            }
            _ => write(),
        }
    }
}

/// Writes the run's events on stderr; `prefix` marks a managed agent's lines.
/// Prints what a streamed answer still holds back (a code line without its newline).
fn flush_stream(show: &mut StreamShow, spinner: &Spinner) {
    let rest = show.finish();
    if !rest.is_empty() {
        spinner.stop_then(|| {
            let _ = write!(std::io::stderr().lock(), "{rest}");
        });
    }
}

fn printer(prefix: String, streaming: bool, look: Look, spinner: Spinner) -> impl FnMut(&Event<'_>) + 'static {
    let colour = look.colour;
    let head = move |s: &str| if colour { format!("\u{1b}[1;36m{s}\u{1b}[0m") } else { s.to_owned() };
    let quiet = move |s: &str| if colour { format!("\u{1b}[2m{s}\u{1b}[0m") } else { s.to_owned() };
    let mut show = StreamShow::new(colour);
    move |e: &Event<'_>| {
        let waiting = matches!(e, Event::StepStart(_) | Event::PlanStart(_));
        let text = match e {
            Event::StepStart(n) => head(&format!("━━ Step {n} ━━")),
            Event::PlanStart(n) => head(&format!("━━ Plan (before step {n}) ━━")),
            Event::Delta(d) => {
                if streaming {
                    // The text itself shows progress now.
                    let shown = show.push(d);
                    spinner.stop_then(|| {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "{shown}");
                        let _ = err.flush();
                    });
                }
                return;
            }
            Event::ModelDone { thought, code, usage, seconds } => {
                let mut t = String::new();
                if streaming {
                    flush_stream(&mut show, &spinner);
                    t.push('\n');
                } else {
                    if !thought.is_empty() {
                        t.push_str(&format!("Thought: {}\n", inert(thought)));
                    }
                    if let Some(c) = code {
                        t.push_str(&format!("Code:\n{}\n", shown_code(c, colour)));
                    }
                }
                let stats = match usage {
                    Some(u) => format!("[{seconds:.2}s, {} input + {} output tokens]", u.input_tokens, u.output_tokens),
                    None => format!("[{seconds:.2}s]"),
                };
                t.push_str(&quiet(&stats));
                t
            }
            Event::Plan(p) => {
                if streaming {
                    flush_stream(&mut show, &spinner);
                    return;
                }
                inert(p)
            }
            Event::ToolCall { name, arguments } => format!("Tool call: {}({})", inert(name), inert(&arguments.to_string())),
            Event::Observation(o) => format!("Observation:\n{}", inert(o)),
            Event::Error(m) => format!("Error:\n{}", inert(m)),
        };
        spinner.stop_then(|| {
            let mut err = std::io::stderr().lock();
            for line in text.lines() {
                let _ = writeln!(err, "{prefix}{line}");
            }
            if text.is_empty() {
                let _ = writeln!(err, "{}", prefix.trim_end());
            }
        });
        if waiting {
            spinner.start(format!("{}waiting for the model", prefix.trim_start()));
        }
    }
}

pub fn main(a: AgentArgs) -> ExitCode {
    let interrupt = Arc::new(AtomicBool::new(false));
    let http = HttpConfig {
        max_retries: a.max_retries,
        timeout: Duration::from_secs_f64(a.request_timeout.max(0.001)),
        stream: a.stream,
        cancel: Some(interrupt.clone()),
        ..HttpConfig::default()
    };
    let key = match (&a.api_key_file, &a.api_key_env) {
        (Some(f), _) => KeySource::File(f),
        (None, Some(v)) => KeySource::Env(v),
        (None, None) => KeySource::Default,
    };
    let make_model = || models::from_spec_with(&a.model, a.base_url.as_deref(), key, http.clone());
    let model = match make_model() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("garter agent: {e}");
            return ExitCode::from(1);
        }
    };
    let prompt_template = match &a.prompt_file {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("garter agent: cannot read {}: {e}", p.display());
                return ExitCode::from(1);
            }
        },
        None => None,
    };
    let mut managed = Vec::new();
    for spec in &a.managed_agents {
        match spec.split_once(':') {
            Some((n, d)) if !n.trim().is_empty() && !d.trim().is_empty() => managed.push((n.trim().to_owned(), d.trim().to_owned())),
            _ => {
                eprintln!("garter agent: --managed-agent wants NAME:DESCRIPTION, got '{spec}'");
                return ExitCode::from(1);
            }
        }
    }
    let mut policy = Policy::default();
    policy.imports.extend(a.allow_import.iter().cloned());
    policy.timeout = Some(Duration::from_secs_f64(a.code_timeout.max(0.001)));
    let config = || AgentConfig {
        max_steps: a.max_steps,
        instructions: a.instructions.clone(),
        prompt_template: prompt_template.clone(),
        tool_calling: a.tool_calling,
        planning_interval: a.planning_interval,
        ..AgentConfig::default()
    };
    let (host, tools) = match crate::connect_tools(&a.mcp, true) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("garter agent: {e}");
            return ExitCode::from(1);
        }
    };
    // Ctrl-C also cuts a tool call under way, not only the model's request and the code.
    #[cfg(feature = "mcp")]
    if let Some(h) = &host {
        h.cancel_on(interrupt.clone());
    }
    let look = Look::of_stderr();
    let spinner = Spinner::new(look.spin);
    let mut agent = CodeAgent::new(model, policy.clone(), config());
    for check in &a.final_answer_checks {
        if let Err(e) = agent.add_final_answer_check_expr(check) {
            eprintln!("garter agent: --final-answer-check: {e}");
            crate::close_tools(host);
            return ExitCode::from(1);
        }
    }
    for t in &tools {
        agent.add_tool(t.clone());
    }
    for (name, description) in &managed {
        let model = match make_model() {
            Ok(m) => m,
            Err(e) => {
                eprintln!("garter agent: {e}");
                crate::close_tools(host);
                return ExitCode::from(1);
            }
        };
        let mut member = CodeAgent::new(model, policy.clone(), config());
        for t in &tools {
            member.add_tool(t.clone());
        }
        member.set_interrupt(interrupt.clone());
        member.on_event(printer(format!("  [{}] ", inert(name)), a.stream, look, spinner.clone()));
        agent.add_managed_agent(name, description, member);
    }
    if let Some(p) = &a.log {
        if let Err(e) = agent.log_to(p) {
            eprintln!("garter agent: {e}");
            crate::close_tools(host);
            return ExitCode::from(1);
        }
    }
    agent.set_interrupt(interrupt.clone());
    agent.on_event(printer(String::new(), a.stream, look, spinner.clone()));
    install_ctrl_c(interrupt);
    let outcome = agent.run(&a.task);
    spinner.stop_then(|| {});
    drop(agent);
    crate::close_tools(host);
    match outcome {
        Ok(r) => {
            let tokens = r.token_usage.map(|u| format!(", {} tokens", u.total())).unwrap_or_default();
            eprintln!("━━ {} step(s) in {:.2}s{tokens} ━━", r.steps.len(), r.duration.as_secs_f64());
            println!("{}", r.answer);
            let _ = std::io::stdout().flush();
            if r.state == RunState::MaxStepsError {
                eprintln!("garter agent: no final_answer() within {} steps; the answer printed is the model's best guess", a.max_steps);
                return ExitCode::from(3);
            }
            ExitCode::SUCCESS
        }
        Err(e @ AgentError::Interrupted { .. }) => {
            let kept = a.log.as_ref().map(|p| format!("; the log is in {}", p.display())).unwrap_or_default();
            eprintln!("garter agent: {e}{kept}");
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("garter agent: {e}");
            ExitCode::from(1)
        }
    }
}

/// `garter replay FILE`: the run's steps, as the live run showed them, from its
/// log. A log cut short (a killed run) is printed up to its last whole line.
pub fn replay(path: &Path) -> ExitCode {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("garter replay: cannot read {}: {e}", path.display());
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut ended = false;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) if i + 1 == lines.len() => {
                let _ = writeln!(out, "(the last line is cut short: the run was stopped while writing it)");
                break;
            }
            Err(_) => {
                let _ = writeln!(out, "(line {} is not a JSON record; skipped)", i + 1);
                continue;
            }
        };
        let text = match v["agent"].as_str() {
            // A managed agent's record: shown as the live run showed it, marked
            // with its name; its run's end is not the run's end.
            Some(who) => {
                let prefix = format!("  [{}] ", inert(who));
                render_record(&v, &mut false).lines().map(|l| format!("{prefix}{l}\n")).collect()
            }
            None => render_record(&v, &mut ended),
        };
        let _ = out.write_all(text.as_bytes());
    }
    if !ended {
        let _ = writeln!(out, "━━ The log ends here: the run did not finish (it was killed, or is still going) ━━");
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

fn render_record(v: &serde_json::Value, ended: &mut bool) -> String {
    use serde_json::Value as J;
    let s = |j: &J| inert(j.as_str().unwrap_or(""));
    let mut t = String::new();
    match v["type"].as_str().unwrap_or("") {
        "run_start" => {
            let called = v["manager_step"].as_u64().map(|n| format!(", called in its manager's step {n}")).unwrap_or_default();
            t.push_str(&format!("Run of {} ({} agent, at most {} steps{called})\n", s(&v["model"]), s(&v["mode"]), v["max_steps"]));
            t.push_str(&format!("Task: {}\n", s(&v["task"])));
        }
        "step" => {
            let d = &v["data"];
            let n = &d["step"];
            match d["kind"].as_str().unwrap_or("") {
                "planning" => {
                    t.push_str(&format!("━━ Plan (before step {n}) ━━\n{}\n", s(&d["model_output"])));
                }
                "final_answer_request" => {
                    t.push_str(&format!("━━ Step {n}: the steps ran out; the model answers from memory ━━\n{}\n", s(&d["model_output"])));
                }
                _ => {
                    t.push_str(&format!("━━ Step {n} ━━\n"));
                    if d["thought"].as_str().is_some_and(|x| !x.is_empty()) {
                        t.push_str(&format!("Thought: {}\n", s(&d["thought"])));
                    }
                    if d["code"].is_string() {
                        t.push_str(&format!("Code:\n{}\n", s(&d["code"])));
                    }
                    for c in d["tool_calls"].as_array().into_iter().flatten() {
                        t.push_str(&format!("Tool call: {}({})\n", s(&c["name"]), inert(&c["arguments"].to_string())));
                    }
                    if d["observation"].as_str().is_some_and(|x| !x.is_empty()) {
                        t.push_str(&format!("Observation:\n{}\n", s(&d["observation"])));
                    }
                    if d["error"].is_string() {
                        t.push_str(&format!("Error:\n{}\n", s(&d["error"])));
                    }
                    if d["final_answer"].is_string() {
                        t.push_str(&format!("Final answer: {}\n", s(&d["final_answer"])));
                    }
                }
            }
            let secs = format!("model {:.2}s, code {:.2}s", d["model_seconds"].as_f64().unwrap_or(0.0), d["exec_seconds"].as_f64().unwrap_or(0.0));
            let tokens = match (d["usage"]["input_tokens"].as_u64(), d["usage"]["output_tokens"].as_u64()) {
                (Some(i), Some(o)) => format!(", {i} input + {o} output tokens"),
                _ => String::new(),
            };
            t.push_str(&format!("[{secs}{tokens}]\n"));
        }
        "run_end" => {
            *ended = true;
            let state = s(&v["state"]);
            let secs = v["duration_seconds"].as_f64().unwrap_or(0.0);
            let tokens = v["token_usage"].as_object().map(|u| {
                let n = u.get("input_tokens").and_then(J::as_u64).unwrap_or(0) + u.get("output_tokens").and_then(J::as_u64).unwrap_or(0);
                format!(", {n} tokens")
            });
            t.push_str(&format!("━━ Run ended: {state} in {secs:.2}s{} ━━\n", tokens.unwrap_or_default()));
            if v["answer"].is_string() {
                t.push_str(&format!("Final answer: {}\n", s(&v["answer"])));
            }
            if v["error"].is_string() {
                t.push_str(&format!("Error: {}\n", s(&v["error"])));
            }
        }
        other => t.push_str(&format!("(a record of unknown type '{}')\n", inert(other))),
    }
    t
}
