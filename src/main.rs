//! The `garter` command line: `run` a program in the sandbox (with tools from MCP
//! servers), `tools` to print the tools' stubs, `check` a program's syntax.
//!
//! `garter run` follows the contract of ../shared/conformance/README.md: the
//! program's output on stdout, exit 0 at its end, exit 1 on an uncaught exception
//! with `Type: message` as the last line of stderr, never any other status.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

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
        #[command(flatten)]
        mcp: McpArgs,
        /// The program, or - for standard input.
        file: PathBuf,
    },
    /// Print the Python stubs of every tool of the configured MCP servers.
    Tools {
        #[command(flatten)]
        mcp: McpArgs,
    },
    /// Parse files without running them: exit 0 when every file parses.
    Check { files: Vec<PathBuf> },
    /// Solve a task with a model writing code run in the sandbox (a CodeAgent).
    #[cfg(feature = "agent")]
    Agent(agent_cli::AgentArgs),
    /// Print the steps of an agent run from its JSON Lines log (`garter agent --log FILE`).
    #[cfg(feature = "agent")]
    Replay { file: PathBuf },
}

#[cfg(feature = "agent")]
mod agent_cli;
/// Where tools come from (MCP servers); the same options on every command that runs code.
#[derive(Args, Clone, Default)]
struct McpArgs {
    /// A streamable HTTP MCP server (repeatable).
    #[arg(long = "mcp", value_name = "URL")]
    urls: Vec<String>,
    /// A stdio MCP server: its command line, split like a shell would (repeatable).
    #[arg(long = "mcp-stdio", value_name = "COMMAND ARG...")]
    stdio: Vec<String>,
    /// A JSON file of servers in the `mcpServers` format of Claude Desktop (repeatable).
    #[arg(long = "mcp-config", value_name = "FILE")]
    configs: Vec<PathBuf>,
    /// Environment variable holding a bearer token for the --mcp servers.
    #[arg(long = "mcp-token-env", value_name = "VAR")]
    token_env: Option<String>,
    /// Seconds one tool call may take before it raises TimeoutError (default 60).
    #[arg(long = "tool-timeout", value_name = "SECS")]
    tool_timeout: Option<f64>,
}

impl McpArgs {
    fn is_empty(&self) -> bool {
        self.urls.is_empty() && self.stdio.is_empty() && self.configs.is_empty()
    }
}

/// Connected tool servers; closed when dropped at the end of a command.
#[cfg(feature = "mcp")]
type ToolHost = Option<garter::mcp::McpHost>;
#[cfg(not(feature = "mcp"))]
type ToolHost = Option<()>;

#[cfg(feature = "mcp")]
fn connect_tools(a: &McpArgs, progress: bool) -> Result<(ToolHost, Vec<garter::tools::Tool>), String> {
    use garter::mcp::{ServerSpec, Transport};
    if a.is_empty() {
        return Ok((None, Vec::new()));
    }
    let mut specs = Vec::new();
    for path in &a.configs {
        let text = std::fs::read_to_string(path).map_err(|e| format!("can't open MCP config '{}': {e}", path.display()))?;
        specs.extend(garter::mcp::parse_config(&text).map_err(|e| format!("MCP config '{}': {e}", path.display()))?);
    }
    let numbered = |kind: &str, i: usize, n: usize| if n == 1 { kind.to_owned() } else { format!("{kind}{}", i + 1) };
    for (i, line) in a.stdio.iter().enumerate() {
        let (command, args) = garter::mcp::parse_stdio_command(line)?;
        specs.push(ServerSpec {
            name: numbered("stdio", i, a.stdio.len()),
            transport: Transport::Stdio { command, args, env: Vec::new(), cwd: None },
        });
    }
    for (i, url) in a.urls.iter().enumerate() {
        specs.push(ServerSpec {
            name: numbered("http", i, a.urls.len()),
            transport: Transport::Http { url: url.clone(), bearer_token_env: a.token_env.clone(), headers: Vec::new() },
        });
    }
    let timeout = match a.tool_timeout {
        Some(t) if t.is_finite() && t > 0.0 => Duration::from_secs_f64(t),
        Some(_) => return Err("--tool-timeout must be a positive number of seconds".into()),
        None => garter::mcp::DEFAULT_TIMEOUT,
    };
    // Long tools report progress: one inert line each on stderr, apart from the
    // program's own output on stdout.
    let progress: Option<garter::mcp::ProgressFn> = progress.then(|| {
        std::sync::Arc::new(|line: &str| {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "progress: {line}");
        }) as garter::mcp::ProgressFn
    });
    let (host, tools) = garter::mcp::McpHost::connect_with_progress(&specs, timeout, progress)?;
    Ok((Some(host), tools))
}

#[cfg(not(feature = "mcp"))]
fn connect_tools(a: &McpArgs, _progress: bool) -> Result<(ToolHost, Vec<garter::tools::Tool>), String> {
    if a.is_empty() { Ok((None, Vec::new())) } else { Err("this garter was built without MCP support (feature `mcp`)".into()) }
}

fn close_tools(host: ToolHost) {
    #[cfg(feature = "mcp")]
    if let Some(h) = host {
        h.shutdown();
    }
    #[cfg(not(feature = "mcp"))]
    let _ = host;
}

fn tools_command(a: McpArgs) -> ExitCode {
    match connect_tools(&a, false) {
        Ok((host, tools)) => {
            let stubs: Vec<String> = tools.iter().map(|t| format!("{}{}", origin_comment(&host, &t.name), garter::tools::python_stub(t))).collect();
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(stubs.join("\n").as_bytes());
            let _ = out.flush();
            close_tools(host);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("garter: {e}");
            ExitCode::from(1)
        }
    }
}

/// `# server 'http', MCP name 'get.sum' ('get_sum' is taken)`: where a stub's tool
/// comes from, and why its Python name differs from its MCP name, as a comment
/// line so that the output stays Python.
#[cfg(feature = "mcp")]
fn origin_comment(host: &ToolHost, python_name: &str) -> String {
    let Some(o) = host.as_ref().and_then(|h| h.origins().iter().find(|o| o.python_name == python_name)) else {
        return String::new();
    };
    let quote = |s: &str| garter::tools::stub::py_literal(&serde_json::Value::String(s.to_owned()));
    let mut line = format!("# server {}", quote(&o.server));
    if o.mcp_name != o.python_name {
        line.push_str(&format!(", MCP name {}", quote(&o.mcp_name)));
        let plain = garter::tools::sanitize_name(&o.mcp_name);
        if plain != o.python_name {
            line.push_str(&format!(" ({} is taken)", quote(&plain)));
        }
    }
    garter::mcp::inert(&line, 500) + "\n"
}

#[cfg(not(feature = "mcp"))]
fn origin_comment(_host: &ToolHost, _python_name: &str) -> String {
    String::new()
}

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

fn run(policy: Policy, path: PathBuf, mcp: McpArgs) -> ExitCode {
    let source = match read_source(&path) {
        Ok(s) => s,
        Err(report) => {
            eprintln!("{report}");
            return ExitCode::from(1);
        }
    };
    let filename = if path.as_os_str() == "-" { "<stdin>".to_owned() } else { path.display().to_string() };
    let (host, tools) = match connect_tools(&mcp, true) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("garter: {e}");
            return ExitCode::from(1);
        }
    };
    let mut session = Session::new(policy);
    for t in tools {
        session.bind_tool(t);
    }
    session.on_output(|s| {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(s.as_bytes());
    });
    let outcome = garter::tools::run_with_tools(&mut session, &source, &filename);
    let _ = std::io::stdout().flush();
    // The process ends now: the OS takes the heap back at once. Dropping the session
    // would walk every value (seconds for a heap at its budget, and native stack
    // as deep as the deepest structure, which counts against the memory budget).
    std::mem::forget(session);
    close_tools(host);
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

/// `garter run FILE` with no option is by far the commonest command line, and
/// building clap's whole command tree (every subcommand and option, help texts)
/// costs about as much as starting the interpreter: that one shape is recognised
/// here, and means exactly what clap would make of it. Anything else goes to clap.
fn plain_run() -> Option<Command> {
    let mut args = std::env::args_os().skip(1);
    let (cmd, file, rest) = (args.next()?, args.next()?, args.next());
    // An empty FILE is an error of clap's; "-" is stdin, any other dash an option.
    let is_option = file.as_encoded_bytes().first() == Some(&b'-') && file != "-";
    if cmd != "run" || file.is_empty() || is_option || rest.is_some() {
        return None;
    }
    Some(Command::Run {
        max_steps: None,
        timeout: None,
        max_memory: None,
        allow_import: Vec::new(),
        mcp: McpArgs::default(),
        file: PathBuf::from(file),
    })
}

/// Native stack for the interpreter: deep Python recursion re-enters the loop
/// through native calls (a `__repr__` inside `repr`, a `key=` inside `sorted`), and
/// the parser recurses on nesting; the machine's own depth caps are sized so that
/// this stack is never exhausted.
const DEEP_STACK: usize = 1 << 30;

/// Runs `f` on a fresh `DEEP_STACK`-byte stack on this same thread, `None` if it
/// panicked (the panic hook has printed the message). A switched stack rather than
/// a spawned thread: a thread costs a clone, a futex wait and a second malloc
/// arena, a fifth of an empty program's start-up.
fn on_deep_stack<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stacker::grow(DEEP_STACK, f))).ok()
}

fn main() -> ExitCode {
    garter::vm::memory::mark_installed();
    let command = match plain_run() {
        Some(c) => c,
        None => Cli::parse().command,
    };
    match command {
        Command::Run { max_steps, timeout, max_memory, allow_import, mcp, file } => {
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
            match on_deep_stack(move || run(policy, file, mcp)) {
                Some(code) => code,
                None => {
                    eprintln!("RuntimeError: the interpreter failed internally");
                    ExitCode::from(1)
                }
            }
        }
        #[cfg(feature = "agent")]
        Command::Agent(args) => {
            // The interpreter wants a deep native stack, as for `run`.
            match on_deep_stack(move || agent_cli::main(args)) {
                Some(code) => code,
                None => {
                    eprintln!("garter agent: internal failure");
                    ExitCode::from(1)
                }
            }
        }
        #[cfg(feature = "agent")]
        Command::Replay { file } => agent_cli::replay(&file),
        Command::Tools { mcp } => tools_command(mcp),
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
