//! The `garter` command line: `run` a program in the sandbox, `check` its syntax.
//!
//! `garter run` follows the contract of ../shared/conformance/README.md: the
//! program's output on stdout, exit 0 at its end, exit 1 on an uncaught exception
//! with `Type: message` as the last line of stderr, never any other status.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use garter::session::RunError;
use garter::vm::memory::CountingAllocator;

#[global_allocator]
static HEAP: CountingAllocator = CountingAllocator;
use garter::{Policy, Session};

#[derive(Parser)]
#[command(name = "garter", version, about = "A code agent runtime with a sandboxed Python interpreter")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a Python program in the sandbox.
    Run {
        /// Step budget (calls and loop iterations).
        #[arg(long)]
        max_steps: Option<u64>,
        /// Wall-time budget in seconds.
        #[arg(long)]
        timeout: Option<f64>,
        /// Memory budget in bytes.
        #[arg(long)]
        max_memory: Option<usize>,
        /// Allow importing this module (repeatable); adds to the default allowlist.
        #[arg(long = "allow-import")]
        allow_import: Vec<String>,
        /// The program, or - for standard input.
        file: PathBuf,
    },
    /// Parse files without running them: exit 0 when every file parses.
    Check { files: Vec<PathBuf> },
    /// Solve a task with a model writing code run in the sandbox (a CodeAgent).
    #[cfg(feature = "agent")]
    Agent(agent_cli::AgentArgs),
}

#[cfg(feature = "agent")]
mod agent_cli;

fn read_source(path: &PathBuf) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(s);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("garter: can't open file '{}': {e}", path.display()))?;
    garter::syntax::report::decode_source(&path.display().to_string(), &bytes)
}

fn render_syntax_error(filename: &str, source: &str, e: &garter::syntax::SyntaxError) -> String {
    garter::syntax::report::render(filename, source, e)
}

fn run(policy: Policy, path: PathBuf) -> ExitCode {
    let source = match read_source(&path) {
        Ok(s) => s,
        Err(report) => {
            eprintln!("{report}");
            return ExitCode::from(1);
        }
    };
    let filename = if path.as_os_str() == "-" { "<stdin>".to_owned() } else { path.display().to_string() };
    let mut session = Session::new(policy);
    session.on_output(|s| {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(s.as_bytes());
    });
    let outcome = session.run(&source, &filename);
    let _ = std::io::stdout().flush();
    match outcome.error {
        None => ExitCode::SUCCESS,
        Some(RunError::Syntax(e)) => {
            eprint!("{}", render_syntax_error(&filename, &source, &e));
            ExitCode::from(1)
        }
        Some(e @ RunError::Budget { .. }) => {
            eprintln!("{}", e.last_line());
            ExitCode::from(1)
        }
        Some(RunError::Exception { traceback, .. }) => {
            eprint!("{traceback}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    garter::vm::memory::mark_installed();
    let cli = Cli::parse();
    match cli.command {
        Command::Run { max_steps, timeout, max_memory, allow_import, file } => {
            let mut policy = Policy::default();
            if let Some(n) = max_steps {
                policy.max_steps = n;
            }
            if let Some(t) = timeout {
                policy.timeout = Some(Duration::from_secs_f64(t.max(0.0)));
            }
            if let Some(m) = max_memory {
                policy.max_memory = m;
            }
            policy.imports.extend(allow_import);
            // Deep Python recursion re-enters the loop through native calls; give the
            // interpreter a stack that its own depth caps can never exhaust.
            let handle = std::thread::Builder::new()
                .stack_size(1 << 30)
                .spawn(move || run(policy, file));
            match handle.map(|h| h.join()) {
                Ok(Ok(code)) => code,
                _ => {
                    eprintln!("RuntimeError: the interpreter failed internally");
                    ExitCode::from(1)
                }
            }
        }
        #[cfg(feature = "agent")]
        Command::Agent(args) => {
            // The interpreter wants a deep native stack, as for `run`.
            let handle = std::thread::Builder::new().stack_size(1 << 30).spawn(move || agent_cli::main(args));
            match handle.map(|h| h.join()) {
                Ok(Ok(code)) => code,
                _ => {
                    eprintln!("garter agent: internal failure");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { files } => {
            let mut ok = true;
            for f in files {
                if let Err(report) = garter::syntax::report::check_file(&f) {
                    ok = false;
                    eprintln!("{report}");
                }
            }
            if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
    }
}
