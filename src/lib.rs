//! garter: a code agent runtime with a sandboxed Python interpreter of its own.
//!
//! Layers, each depending only on those above it in this list:
//! `syntax` (source to AST), `compile` (AST to code objects), `values`/`vm`/`builtins`
//! (the machine), `stdlib` (native modules). Everything here builds without async
//! dependencies so that the interpreter embeds anywhere.

#[cfg(feature = "agent")]
pub mod agent;
pub mod builtins;
pub mod compile;
#[cfg(feature = "agent")]
pub mod models;
pub mod policy;
pub mod session;
pub mod stdlib;
pub mod syntax;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod tools;
pub mod values;
pub mod vm;

pub use policy::Policy;
pub use session::{RunOutcome, Session};
