//! The garter command line. `check` and the error rendering live in the library
//! (`garter::syntax::check_file`, `garter::syntax::render`) so that any front end
//! can call them; this file only parses arguments and sets the exit status.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "garter",
    about = "A sandboxed Python interpreter for code agents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse files and report syntax errors (exit 1 if any).
    Check { files: Vec<std::path::PathBuf> },
    /// Run a program (for now: parse it and report syntax errors).
    Run { file: std::path::PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files } => {
            let mut ok = true;
            for f in &files {
                if let Err(report) = garter::syntax::check_file(f) {
                    eprintln!("{report}");
                    ok = false;
                }
            }
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Run { file } => match garter::syntax::check_file(&file) {
            Ok(()) => ExitCode::SUCCESS,
            Err(report) => {
                eprintln!("{report}");
                ExitCode::from(1)
            }
        },
    }
}
