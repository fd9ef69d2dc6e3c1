//! Parse errors with PowerShell's error ids and messages, rendered as pwsh 7's
//! ConciseView renders them.

use super::Span;

/// PowerShell's parser error ids (ParserStrings resource names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ParseErrorId {
    MissingEndCurlyBrace,
    MissingEndParenthesisInExpression,
    MissingEndParenthesisInMethodCall,
    MissingEndSquareBracket,
    MissingEndParenthesisAfterStatement,
    MissingEndParenthesisInFunctionParameterList,
    MissingCloseBracketInAttribute,
    EmptyPipeElement,
    EmptyPipeChainElement,
    UnexpectedToken,
    MissingExpressionAfterOperator,
    MissingExpression,
    ExpectedExpression,
    TerminatorExpectedAtEndOfString,
    MissingArgument,
    ParameterRequiresArgument,
    RedirectionNotSupported,
    MissingOpenParenthesisInIfStatement,
    MissingEndParenthesisInIfStatement,
    IfStatementMissingCondition,
    MissingStatementBlock,
    MissingStatementBlockAfterElse,
    MissingStatementBlockForElseIf,
    MissingOpenParenthesisAfterKeyword,
    MissingEndParenthesisAfterForeach,
    MissingInInForeach,
    MissingVariableNameAfterForeach,
    MissingFoReachExpression,
    MissingWhileOrUntilInDoWhile,
    MissingEndParenthesisAfterPipelineInForeach,
    MissingCatchOrFinally,
    MissingFinallyStatementBlock,
    MissingCatchHandlerBlock,
    MissingTypename,
    MissingNameAfterKeyword,
    MissingFunctionBody,
    MissingEqualsInHashLiteral,
    MissingKeyInHashLiteral,
    MissingStatementAfterAssignment,
    MissingSwitchConditionExpression,
    MissingCurlyBraceInSwitchStatement,
    MissingSwitchStatementClause,
    MissingPropertyName,
    InvalidVariableReferenceWithDrive,
    InvalidVariableReference,
    IncompleteHereStringHeader,
    UnexpectedAttribute,
    MissingArrayIndexExpression,
    MissingEndParenthesisInSubexpression,
    InvalidLeftHandSide,
    AmpersandNotAllowed,
    ExpressionsMustBeFirstInPipeline,
}

impl ParseErrorId {
    /// The id as PowerShell spells it (FullyQualifiedErrorId).
    pub fn as_str(self) -> &'static str {
        use ParseErrorId::*;
        match self {
            MissingEndCurlyBrace => "MissingEndCurlyBrace",
            MissingEndParenthesisInExpression => "MissingEndParenthesisInExpression",
            MissingEndParenthesisInMethodCall => "MissingEndParenthesisInMethodCall",
            MissingEndSquareBracket => "MissingEndSquareBracket",
            MissingEndParenthesisAfterStatement => "MissingEndParenthesisAfterStatement",
            MissingEndParenthesisInFunctionParameterList => "MissingEndParenthesisInFunctionParameterList",
            MissingCloseBracketInAttribute => "MissingCloseBracketInAttribute",
            EmptyPipeElement => "EmptyPipeElement",
            EmptyPipeChainElement => "EmptyPipeChainElement",
            UnexpectedToken => "UnexpectedToken",
            MissingExpressionAfterOperator => "MissingExpressionAfterOperator",
            MissingExpression => "MissingExpression",
            ExpectedExpression => "ExpectedExpression",
            TerminatorExpectedAtEndOfString => "TerminatorExpectedAtEndOfString",
            MissingArgument => "MissingArgument",
            ParameterRequiresArgument => "ParameterRequiresArgument",
            RedirectionNotSupported => "RedirectionNotSupported",
            MissingOpenParenthesisInIfStatement => "MissingOpenParenthesisInIfStatement",
            MissingEndParenthesisInIfStatement => "MissingEndParenthesisInIfStatement",
            IfStatementMissingCondition => "IfStatementMissingCondition",
            MissingStatementBlock => "MissingStatementBlock",
            MissingStatementBlockAfterElse => "MissingStatementBlockAfterElse",
            MissingStatementBlockForElseIf => "MissingStatementBlockForElseIf",
            MissingOpenParenthesisAfterKeyword => "MissingOpenParenthesisAfterKeyword",
            MissingEndParenthesisAfterForeach => "MissingEndParenthesisAfterForeach",
            MissingInInForeach => "MissingInInForeach",
            MissingVariableNameAfterForeach => "MissingVariableNameAfterForeach",
            MissingFoReachExpression => "MissingForeachExpression",
            MissingWhileOrUntilInDoWhile => "MissingWhileOrUntilInDoWhile",
            MissingEndParenthesisAfterPipelineInForeach => "MissingEndParenthesisAfterPipelineInForeach",
            MissingCatchOrFinally => "MissingCatchOrFinally",
            MissingFinallyStatementBlock => "MissingFinallyStatementBlock",
            MissingCatchHandlerBlock => "MissingCatchHandlerBlock",
            MissingTypename => "MissingTypename",
            MissingNameAfterKeyword => "MissingNameAfterKeyword",
            MissingFunctionBody => "MissingFunctionBody",
            MissingEqualsInHashLiteral => "MissingEqualsInHashLiteral",
            MissingKeyInHashLiteral => "MissingKeyInHashLiteral",
            MissingStatementAfterAssignment => "ExpectedValueExpression",
            MissingSwitchConditionExpression => "MissingSwitchConditionExpression",
            MissingCurlyBraceInSwitchStatement => "MissingCurlyBraceInSwitchStatement",
            MissingSwitchStatementClause => "MissingSwitchStatementClause",
            MissingPropertyName => "MissingPropertyName",
            InvalidVariableReferenceWithDrive => "InvalidVariableReferenceWithDrive",
            InvalidVariableReference => "InvalidVariableReference",
            IncompleteHereStringHeader => "IncompleteHereStringHeader",
            UnexpectedAttribute => "UnexpectedAttribute",
            MissingArrayIndexExpression => "MissingArrayIndexExpression",
            MissingEndParenthesisInSubexpression => "MissingEndParenthesisInSubexpression",
            InvalidLeftHandSide => "InvalidLeftHandSide",
            AmpersandNotAllowed => "AmpersandNotAllowed",
            ExpressionsMustBeFirstInPipeline => "ExpressionsMustBeFirstInPipeline",
        }
    }
}

impl std::fmt::Display for ParseErrorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parse error with PowerShell's error id and a byte span.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParseError {
    pub id: ParseErrorId,
    pub span: Span,
    pub message: String,
    /// More input could complete the script (the REPL's `>> `).
    pub incomplete: bool,
    /// An extra line printed after the error (e.g. the placeholder hint), if any.
    pub hint: Option<String>,
}

impl ParseError {
    pub fn new(id: ParseErrorId, span: Span, message: impl Into<String>) -> ParseError {
        ParseError { id, span, message: message.into(), incomplete: false, hint: None }
    }

    /// Renders the error as pwsh 7's ConciseView prints parse errors of `pwsh -File`:
    /// `ParserError: file:line`, then the position block.
    pub fn render(&self, source: &str, file: Option<&str>) -> String {
        let (line_no, _, _) = line_col(source, self.span.start);
        let mut out = String::from("ParserError: ");
        match file {
            Some(f) => out.push_str(&format!("{f}:{line_no}\n")),
            None => out.push('\n'),
        }
        out.push_str(&render_position(source, self.span, &self.message));
        if let Some(h) = &self.hint {
            out.push_str(h);
            out.push('\n');
        }
        out
    }

    /// True when more input could complete the script (the REPL's `>> `).
    pub fn is_incomplete(&self) -> bool {
        self.incomplete
    }
}

/// 1-based line number, byte offset of the line start, byte offset of the line end.
fn line_col(source: &str, offset: usize) -> (usize, usize, usize) {
    let offset = floor_char(source, offset.min(source.len()));
    let before = &source[..offset];
    let line_no = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = source[offset..].find('\n').map(|i| offset + i).unwrap_or(source.len());
    (line_no, line_start, line_end)
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The console width pwsh assumes when it has no window (ConciseView's default).
const WINDOW_WIDTH: usize = 120;

/// ConciseView position block shared with runtime errors:
/// `"Line |\n   3 |  if ($a {\n     |         ~\n     | message\n"` — the line number
/// right-aligned in four columns, the source line, `~` under the span (on its first
/// line), and the message wrapped at 120 columns on word boundaries.
pub fn render_position(source: &str, span: Span, message: &str) -> String {
    let (line_no, line_start, line_end) = line_col(source, span.start);
    let num = line_no.to_string();
    let header_ws = " ".repeat(num.len().saturating_sub(4));
    let line_ws = " ".repeat(4usize.saturating_sub(num.len()));
    let mut out = format!("{header_ws}Line |\n");
    let text = source[line_start..line_end].trim_end_matches('\r');
    let text_expanded: String = text.replace('\t', " ");
    out.push_str(&format!("{line_ws}{num} |  {}\n", text_expanded.trim_end()));
    // Column in characters.
    let start = floor_char(source, span.start.min(source.len())).max(line_start);
    let col = source[line_start..start].chars().count();
    let end = span.end.min(line_end).max(start);
    let width = source.get(start..end).map(|s| s.chars().count()).unwrap_or(0).max(1);
    let prefix = format!("{header_ws}     | ");
    out.push_str(&format!("{prefix}{}{}\n", " ".repeat(col + 1), "~".repeat(width)));
    out.push_str(&wrap_message(&prefix, message));
    out
}

/// ConciseView's message wrapping: prefix + message, cut at the window width on
/// the last space, continuation lines repeat the prefix.
fn wrap_message(prefix: &str, message: &str) -> String {
    let message = message.replace("\r\n", " ").replace(['\n', '\t'], " ");
    let mut out = String::new();
    let mut rest = format!("{prefix}{message}");
    loop {
        if rest.chars().count() <= WINDOW_WIDTH {
            out.push_str(&rest);
            out.push('\n');
            return out;
        }
        let cut_byte = rest.char_indices().nth(WINDOW_WIDTH).map(|(i, _)| i).unwrap_or(rest.len());
        let cut = match rest[..cut_byte].rfind(' ') {
            Some(i) if i > prefix.len() => i,
            _ => cut_byte,
        };
        out.push_str(rest[..cut].trim_end());
        out.push('\n');
        let remaining = rest[cut..].trim().to_string();
        rest = format!("{prefix}{remaining}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_concise_view_shape() {
        let src = "$a = 1\n\nif ($a {\n}\n";
        let e = ParseError::new(
            ParseErrorId::MissingEndParenthesisInIfStatement,
            Span::new(15, 16),
            "Missing closing ')' after expression in 'if' statement.",
        );
        assert_eq!(
            e.render(src, Some("/path/x.ps1")),
            "ParserError: /path/x.ps1:3\nLine |\n   3 |  if ($a {\n     |         ~\n     | Missing closing ')' after expression in 'if' statement.\n"
        );
    }

    #[test]
    fn wraps_long_messages_at_120() {
        let msg = "word ".repeat(40);
        let out = wrap_message("     | ", msg.trim());
        assert!(out.lines().count() >= 2);
        assert!(out.lines().all(|l| l.chars().count() <= 120 && l.starts_with("     | ")));
    }
}
