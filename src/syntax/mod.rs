//! The language front end: tolerant lexer, nom parser, AST with PowerShell's
//! class names, and parse errors with PowerShell's error ids.
//!
//! Architecture invariant: this module imports nothing else of the crate.
//!
//! API for the other layers:
//! - [`parse`] a whole script into an [`ast::ScriptBlockAst`] (or every error found);
//! - [`is_incomplete`] for the REPL's `>> ` continuation prompt;
//! - [`lexer::tokenize`] never fails, for highlighting half-typed input;
//! - [`ParseError::render`] / [`render_position`] print pwsh 7's ConciseView;
//! - [`print::print_script`] prints an AST back to source that reparses to the
//!   same AST (spans aside); for parsed script blocks, slice the original source
//!   with the node's [`Span`] instead (`span.slice(source)`, braces included).
//!
//! The parser is modal like PowerShell's tokenizer: commands are read in
//! argument mode (bare words, `-Name:value`, comma lists) and everything else in
//! expression mode. Lexical pieces (numbers) use nom; the rules are recursive
//! descent functions over `&str` byte offsets, each marked with its grammar
//! production (`// G name`, see grammar/powershell-subset.ebnf).

pub mod ast;
mod chars;
mod error;
mod expr;
pub mod lexer;
mod number;
mod parser;
pub mod print;

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
    // A line ending in a backtick continues on the next line (pwsh shows `>>`).
    if source.trim_end_matches(['\r', '\n']).ends_with('`') && !source.trim_end_matches(['\r', '\n']).ends_with("``") {
        return true;
    }
    match parse(source) {
        Ok(_) => false,
        // Like pwsh's IncompleteInput: the first error is the one at the point
        // where input ran out; an earlier real error cannot be fixed by typing on.
        Err(errors) => errors.first().is_some_and(|e| e.incomplete),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_input_for_the_repl() {
        for s in [
            "if ($x) {",
            "'abc",
            "\"abc",
            "@\"\nabc",
            "Get-X |",
            "Get-X `",
            "Get-X `\n",
            "(1 +",
            "$x = ",
            "foreach ($a in $b)",
            "function f {",
            "try { 1 }",
            "@{ a = 1",
            "$(1",
        ] {
            assert!(is_incomplete(s), "{s:?} should be incomplete");
        }
        for s in ["", "Get-X", "if ($x) { 1 }", "1 2", "1 2\nif ($x) {", "Get-X -A <b>", "'a'"] {
            assert!(!is_incomplete(s), "{s:?} should be complete or wrong");
        }
    }

    #[test]
    fn spans_slice_the_source() {
        let src = "$sb = { Get-Date }";
        let ast = parse(src).unwrap_or_else(|_| panic!("parse"));
        let ast::StatementAst::Assignment(a) = &ast.end_statements()[0] else { panic!("assignment") };
        let ast::StatementAst::Pipeline(p) = a.right.as_ref() else { panic!("pipeline") };
        assert_eq!(p.pipeline_elements[0].span().slice(src), "{ Get-Date }");
        assert_eq!(a.left.span().slice(src), "$sb");
    }
}
