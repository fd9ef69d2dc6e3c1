//! The language front end: tolerant lexer, nom parser, AST with PowerShell's
//! class names, and parse errors with PowerShell's error ids.
//!
//! Architecture invariant: this module imports nothing else of the crate.

/// Placeholder AST root until the parser lands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScriptBlockAst;

/// A parse error with PowerShell's error id and a byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub id: &'static str,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub incomplete: bool,
}

impl ParseError {
    /// Renders the error as pwsh 7's ConciseView does.
    pub fn render(&self, _source: &str, file: Option<&str>) -> String {
        format!("ParserError: {}\n{}\n", file.unwrap_or(""), self.message)
    }

    /// True when more input could complete the script (the REPL's `>> `).
    pub fn is_incomplete(&self) -> bool {
        self.incomplete
    }
}

/// Parses a whole script.
pub fn parse(_source: &str) -> Result<ScriptBlockAst, Vec<ParseError>> {
    Ok(ScriptBlockAst)
}
