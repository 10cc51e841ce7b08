//! `garter agent`: the CodeAgent from the command line. The final answer alone on
//! stdout; the run's steps on stderr, with any control characters from the model
//! or the code neutralised so that none reach the terminal.
//!
//! Exit status: 0 with a final answer; 1 when the model API failed (after retries)
//! or the setup is wrong; 3 when the steps ran out (the model's fallback answer is
//! still printed on stdout).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use garter::Policy;
use garter::agent::{AgentConfig, CodeAgent, Event, RunState};
use garter::models::{self, HttpConfig};

#[derive(Args)]
pub struct AgentArgs {
    /// PROVIDER:NAME with PROVIDER one of openai, anthropic, hf, ollama.
    #[arg(long, default_value = "openai:gpt-4.1-mini")]
    model: String,
    /// An OpenAI-compatible (or Anthropic) server's base URL, e.g. http://127.0.0.1:8000/v1.
    #[arg(long)]
    base_url: Option<String>,
    /// The environment variable holding the API key (default: the provider's).
    #[arg(long)]
    api_key_env: Option<String>,
    #[arg(long, default_value_t = 20)]
    max_steps: usize,
    /// Text appended to the system prompt.
    #[arg(long)]
    instructions: Option<String>,
    /// Replaces the system prompt with this file ({{tools}}, {{authorized_imports}}, ... are filled in).
    #[arg(long)]
    prompt_file: Option<PathBuf>,
    /// Allow importing this module (repeatable); adds to the default allowlist.
    #[arg(long = "allow-import")]
    allow_import: Vec<String>,
    /// Write every step as JSON Lines to FILE while the run goes.
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

/// Model and program text made inert for a terminal: control characters other
/// than newline and tab are shown escaped.
fn inert(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

pub fn main(a: AgentArgs) -> ExitCode {
    let http = HttpConfig {
        max_retries: a.max_retries,
        timeout: Duration::from_secs_f64(a.request_timeout.max(0.001)),
        stream: a.stream,
        ..HttpConfig::default()
    };
    let model = match models::from_spec(&a.model, a.base_url.as_deref(), a.api_key_env.as_deref(), http) {
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
    let mut policy = Policy::default();
    policy.imports.extend(a.allow_import);
    policy.timeout = Some(Duration::from_secs_f64(a.code_timeout.max(0.001)));
    let config = AgentConfig { max_steps: a.max_steps, instructions: a.instructions, prompt_template, ..AgentConfig::default() };
    let mut agent = CodeAgent::new(model, policy, config);
    if let Some(p) = &a.log {
        if let Err(e) = agent.log_to(p) {
            eprintln!("garter agent: {e}");
            return ExitCode::from(1);
        }
    }
    let streaming = a.stream;
    agent.on_event(move |e| {
        let mut err = std::io::stderr().lock();
        let _ = match e {
            Event::StepStart(n) => writeln!(err, "━━ Step {n} ━━"),
            Event::Delta(d) if streaming => write!(err, "{}", inert(d)),
            Event::Delta(_) => Ok(()),
            Event::ModelDone { thought, code, usage, seconds } => {
                if streaming {
                    let _ = writeln!(err);
                } else {
                    if !thought.is_empty() {
                        let _ = writeln!(err, "Thought: {}", inert(thought));
                    }
                    if let Some(c) = code {
                        let _ = writeln!(err, "Code:\n{}", inert(c));
                    }
                }
                match usage {
                    Some(u) => writeln!(err, "[{seconds:.2}s, {} input + {} output tokens]", u.input_tokens, u.output_tokens),
                    None => writeln!(err, "[{seconds:.2}s]"),
                }
            }
            Event::Observation(o) => writeln!(err, "Observation:\n{}", inert(o)),
            Event::Error(m) => writeln!(err, "Error:\n{}", inert(m)),
        };
    });
    match agent.run(&a.task) {
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
        Err(e) => {
            eprintln!("garter agent: {e}");
            ExitCode::from(1)
        }
    }
}
