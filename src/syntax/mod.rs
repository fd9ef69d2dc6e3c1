//! The language front end: tolerant lexer, nom parser, AST with PowerShell's
//! class names, and parse errors with PowerShell's error ids.
//!
//! Architecture invariant: this module imports nothing else of the crate.

pub mod ast;
mod chars;
mod error;
mod expr;
pub mod lexer;
mod number;
mod parser;

pub use error::{ParseError, ParseErrorId, render_position};

use serde::Serialize;

/// A byte range `start..end` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The source text under the span (empty when out of range).
    pub fn slice<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// Parses a whole script. On failure, returns every error found (pwsh reports
/// several errors per file where it can recover).
pub fn parse(source: &str) -> Result<ast::ScriptBlockAst, Vec<ParseError>> {
    parser::Parser::new(source).parse_script()
}

/// True when `source` fails to parse only because more input is needed
/// (unterminated string, brace, here-string, parenthesis, trailing pipe).
pub fn is_incomplete(source: &str) -> bool {
    match parse(source) {
        Ok(_) => false,
        Err(errors) => errors.iter().any(|e| e.incomplete),
    }
}
