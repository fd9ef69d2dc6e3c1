//! exosh: a shell that speaks PowerShell and emulates Exchange Online's
//! migration cmdlets on a local tenant with a real IMAP migration engine.
//!
//! The crate is layered; see ARCHITECTURE.md for the rooms and their walls.
#![deny(clippy::unwrap_used)]

pub mod cli;
pub mod cmdlets;
pub mod engine;
pub mod format;
pub mod repl;
pub mod runtime;
pub mod syntax;
pub mod tenant;
