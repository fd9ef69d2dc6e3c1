//! The language runtime: values, conversions, scopes, binder, evaluator,
//! pipeline, errors, and the cmdlet registry.
//!
//! Entry points for other modules:
//! - `eval::Interp` — an interpreter session (`Interp::new`, `run_source`).
//! - `command::{Cmdlet, Call, Sink, Registry}` and `signature::{Signature, Param}` —
//!   how cmdlets are declared and registered (see `crate::cmdlets`).
//! - `value::Value`, `convert`, `members` — PowerShell values and their members.

pub mod binder;
pub mod command;
pub mod convert;
pub mod dotnet;
pub mod error;
pub mod eval;
pub mod expr;
pub mod format;
pub mod function;
pub mod host;
pub mod members;
pub mod ops;
pub mod output;
pub mod pipeline;
pub mod redirect;
pub mod repl_host;
pub mod scope;
pub mod signature;
pub mod text;
pub mod types;
pub mod value;

pub use command::{Call, Cmdlet, Registry, Sink};
pub use error::{ErrorRecord, Exception, Flow, R};
pub use eval::Interp;
pub use signature::{Param, Signature};
pub use types::PsType;
pub use value::Value;
