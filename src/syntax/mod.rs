//! The language front end: tolerant lexer, nom parser, AST with PowerShell's
//! class names, and parse errors with PowerShell's error ids.
//!
//! Architecture invariant: this module imports nothing else of the crate.

pub mod ast;
mod error;
pub mod lexer;

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

/// Parses a whole script.
pub fn parse(source: &str) -> Result<ast::ScriptBlockAst, Vec<ParseError>> {
    let span = Span::new(0, source.len());
    Ok(ast::ScriptBlockAst {
        span,
        param_block: None,
        begin_block: None,
        process_block: None,
        end_block: Some(ast::NamedBlockAst {
            span,
            block_kind: ast::BlockKind::End,
            unnamed: true,
            statements: Vec::new(),
        }),
        dynamic_param_block: None,
    })
}

/// True when `source` fails to parse only because more input is needed
/// (unterminated string, brace, here-string, parenthesis, trailing pipe).
pub fn is_incomplete(source: &str) -> bool {
    match parse(source) {
        Ok(_) => false,
        Err(errors) => errors.iter().any(|e| e.incomplete),
    }
}
