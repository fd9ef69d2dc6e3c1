//! The recursive-descent parser: script blocks, statements, pipelines and
//! commands (argument mode). Expressions, strings and types are in `expr.rs`.
//!
//! Each rule function carries its production of the PowerShell language
//! specification (chapter 15) as a `// G name` comment; grammar/ lists them.

use super::ast::*;
use super::chars::*;
use super::{ParseError, ParseErrorId as Id, Span};

pub(super) type PResult<T> = Result<T, Box<ParseError>>;

/// Nesting limit: deeper input is rejected instead of overflowing the stack.
const MAX_DEPTH: u32 = 1000;
/// Stack growth for deep nesting (stacker): keep this much free, grow by that much.
pub(super) const STACK_RED_ZONE: usize = 256 * 1024;
pub(super) const STACK_GROW: usize = 2 * 1024 * 1024;

/// What closes the statement list being parsed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Closer {
    Eof,
    Brace,
    Paren,
}

pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    pub(super) pos: usize,
    pub(super) errors: Vec<ParseError>,
    pub(super) depth: u32,
    pub(super) subexpr_memo: std::collections::HashMap<usize, (ExpressionAst, usize)>,
}

const KEYWORDS: &[&str] = &[
    "if", "switch", "foreach", "for", "while", "do", "break", "continue", "return", "exit", "throw", "try", "trap",
    "function", "filter", "workflow",
];

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str) -> Parser<'a> {
        Parser { src, pos: 0, errors: Vec::new(), depth: 0, subexpr_memo: Default::default() }
    }

    // ----- cursor helpers -------------------------------------------------

    #[inline]
    pub(super) fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    #[inline]
    pub(super) fn peek2(&self) -> Option<char> {
        let mut it = self.rest().chars();
        it.next();
        it.next()
    }

    #[inline]
    pub(super) fn peek_is(&self, f: impl Fn(char) -> bool) -> bool {
        self.peek().is_some_and(f)
    }

    #[inline]
    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    #[inline]
    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// True when only whitespace and comments remain (more input could follow).
    pub(super) fn rest_is_blank(&self) -> bool {
        let mut p = Parser::new(self.src);
        p.pos = self.pos;
        p.skip_nl();
        p.at_eof()
    }

    #[inline]
    pub(super) fn at_eof(&self) -> bool {
        self.pos >= self.src.len()
    }

    pub(super) fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.pos)
    }

    pub(super) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(Id::UnexpectedToken, self.pos, self.pos, "The script is nested too deeply."));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(super) fn err(&self, id: Id, start: usize, end: usize, msg: impl Into<String>) -> Box<ParseError> {
        Box::new(ParseError::new(id, Span::new(start, end.max(start)), msg))
    }

    /// An error at end of input: marked incomplete.
    pub(super) fn err_incomplete(&self, id: Id, start: usize, end: usize, msg: impl Into<String>) -> Box<ParseError> {
        let mut e = self.err(id, start, end, msg);
        e.incomplete = true;
        e
    }

    /// The text of the token at `pos` for "Unexpected token '{0}'" messages.
    pub(super) fn token_text_at(&self, pos: usize) -> (usize, &'a str) {
        let s = self.src.get(pos..).unwrap_or("");
        let mut end = 0;
        let mut chars = s.char_indices();
        if let Some((_, c)) = chars.next() {
            end = c.len_utf8();
            if is_quote(c) {
                for (i, d) in chars {
                    end = i + d.len_utf8();
                    if is_newline(d) {
                        end = i;
                        break;
                    }
                    if d == c {
                        break;
                    }
                }
            } else if c.is_alphanumeric() || c == '_' || c == '$' || is_dash(c) {
                for (i, d) in chars {
                    if ends_generic(d) || (d == '.' && c != '$') {
                        break;
                    }
                    end = i + d.len_utf8();
                }
            }
        }
        (pos + end, &s[..end])
    }

    pub(super) fn unexpected_token(&self, pos: usize) -> Box<ParseError> {
        let (end, text) = self.token_text_at(pos);
        self.err(Id::UnexpectedToken, pos, end, format!("Unexpected token '{text}' in expression or statement."))
    }

    /// Skips spaces, tabs, comments and backtick line continuations (not newlines).
    pub(super) fn skip_hspace(&mut self) {
        loop {
            let Some(c) = self.peek() else { return };
            if is_hspace(c) {
                self.pos += c.len_utf8();
            } else if c == '#' {
                let r = self.rest();
                let n = r.find(['\n', '\r']).unwrap_or(r.len());
                self.pos += n;
            } else if c == '<' && self.peek2() == Some('#') {
                self.block_comment();
            } else if c == '`' {
                let r = self.rest();
                if r.starts_with("`\r\n") {
                    self.pos += 3;
                } else if r.starts_with("`\n") || r.starts_with("`\r") {
                    self.pos += 2;
                } else if r.len() == 1 {
                    // A backtick at end of input continues onto nothing.
                    self.pos += 1;
                } else {
                    return;
                }
            } else {
                return;
            }
        }
    }

    // G delimited-comment
    fn block_comment(&mut self) {
        let start = self.pos;
        let r = &self.rest()[2..];
        match r.find("#>") {
            Some(i) => self.pos += 2 + i + 2,
            None => {
                self.pos = self.src.len();
                let e = self.err_incomplete(
                    Id::TerminatorExpectedAtEndOfString,
                    start,
                    start + 2,
                    "Missing the terminator '#>' for the comment block.",
                );
                self.errors.push(*e);
            }
        }
    }

    /// Skips whitespace, comments and newlines.
    pub(super) fn skip_nl(&mut self) {
        loop {
            self.skip_hspace();
            match self.peek() {
                Some('\n' | '\r') => self.pos += 1,
                _ => return,
            }
        }
    }

    /// Skips whitespace, comments, newlines and `;`.
    pub(super) fn skip_nl_semi(&mut self) {
        loop {
            self.skip_nl();
            if !self.eat(';') {
                return;
            }
        }
    }

    /// True at a statement end: EOF, newline, `;`, `}` or `)`.
    pub(super) fn at_statement_end(&self) -> bool {
        matches!(self.peek(), None | Some('\n' | '\r' | ';' | '}' | ')'))
    }

    /// The keyword at the cursor, if the word there is one (case-insensitive).
    pub(super) fn peek_keyword(&self) -> Option<&'static str> {
        let r = self.rest();
        let n = r.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        if n == 0 || n > 8 {
            return None;
        }
        if let Some(c) = r[n..].chars().next()
            && !ends_keyword(c)
            && !is_quote(c)
            && c != '$'
        {
            return None;
        }
        let w = &r[..n];
        KEYWORDS.iter().copied().find(|k| k.eq_ignore_ascii_case(w))
    }

    /// True when the word at the cursor is `word` followed by a keyword boundary.
    pub(super) fn at_word(&self, word: &str) -> bool {
        let r = self.rest();
        if r.len() < word.len() || !r.is_char_boundary(word.len()) || !r[..word.len()].eq_ignore_ascii_case(word) {
            return false;
        }
        match r[word.len()..].chars().next() {
            None => true,
            Some(c) => ends_keyword(c) || c == '$' || c == '[' || is_quote(c),
        }
    }

    // ----- script blocks -----------------------------------------------------

    /// Parses the whole source.
    pub(super) fn parse_script(mut self) -> Result<ScriptBlockAst, Vec<ParseError>> {
        let sb = self.script_block_body(0, Closer::Eof);
        if !self.at_eof() {
            let e = self.unexpected_token(self.pos);
            self.errors.push(*e);
        }
        if self.errors.is_empty() { Ok(sb) } else { Err(self.errors) }
    }

    // G script-block
    pub(super) fn script_block_body(&mut self, start: usize, closer: Closer) -> ScriptBlockAst {
        self.skip_nl_semi();
        let param_block = self.try_param_block();
        self.skip_nl_semi();
        let mut sb = ScriptBlockAst {
            span: Span::new(start, start),
            param_block,
            begin_block: None,
            process_block: None,
            end_block: None,
            dynamic_param_block: None,
        };
        if self.at_named_block() {
            // G named-block-list
            loop {
                self.skip_nl_semi();
                if self.at_eof() || self.at_closer(closer) {
                    break;
                }
                if !self.at_named_block() {
                    let e = self.unexpected_token(self.pos);
                    self.errors.push(*e);
                    self.recover();
                    continue;
                }
                let bstart = self.pos;
                let n = self.rest().bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                let word = self.rest()[..n].to_ascii_lowercase();
                self.pos += n;
                self.skip_nl();
                let kind = match word.as_str() {
                    "begin" => BlockKind::Begin,
                    "process" => BlockKind::Process,
                    "end" => BlockKind::End,
                    _ => BlockKind::DynamicParam,
                };
                let block = match self.statement_block() {
                    Ok(b) => b,
                    Err(e) => {
                        self.errors.push(*e);
                        break;
                    }
                };
                let nb = NamedBlockAst {
                    span: self.span_from(bstart),
                    block_kind: kind,
                    unnamed: false,
                    statements: block.statements,
                };
                match kind {
                    BlockKind::Begin => sb.begin_block = Some(nb),
                    BlockKind::Process => sb.process_block = Some(nb),
                    BlockKind::End => sb.end_block = Some(nb),
                    BlockKind::DynamicParam => sb.dynamic_param_block = Some(nb),
                }
            }
        } else {
            let bstart = self.pos;
            let statements = self.statement_list(closer);
            sb.end_block = Some(NamedBlockAst {
                span: self.span_from(bstart),
                block_kind: BlockKind::End,
                unnamed: true,
                statements,
            });
        }
        sb.span = self.span_from(start);
        sb
    }

    fn at_closer(&self, closer: Closer) -> bool {
        match closer {
            Closer::Eof => false,
            Closer::Brace => self.peek() == Some('}'),
            Closer::Paren => self.peek() == Some(')'),
        }
    }

    fn at_named_block(&self) -> bool {
        let r = self.rest();
        let n = r.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let w = &r[..n];
        if !["begin", "process", "end", "dynamicparam"].iter().any(|k| k.eq_ignore_ascii_case(w)) {
            return false;
        }
        let mut p = Parser::new(self.src);
        p.pos = self.pos + n;
        p.skip_nl();
        p.peek() == Some('{')
    }

    // G param-block
    fn try_param_block(&mut self) -> Option<ParamBlockAst> {
        let save = self.pos;
        let start = self.pos;
        let mut attributes = Vec::new();
        while self.peek() == Some('[') {
            match self.attribute_or_type() {
                Ok(AttributeBaseAst::Attribute(a)) => attributes.push(a),
                _ => {
                    self.pos = save;
                    return None;
                }
            }
            self.skip_nl();
        }
        if !self.at_word("param") {
            self.pos = save;
            return None;
        }
        self.pos += 5;
        self.skip_nl();
        if self.peek() != Some('(') {
            self.pos = save;
            return None;
        }
        let open = self.pos;
        self.pos += 1;
        match self.parameter_list(open, ')') {
            Ok(parameters) => Some(ParamBlockAst { span: self.span_from(start), attributes, parameters }),
            Err(e) => {
                self.errors.push(*e);
                Some(ParamBlockAst { span: self.span_from(start), attributes, parameters: Vec::new() })
            }
        }
    }

    // G parameter-list
    pub(super) fn parameter_list(&mut self, open: usize, close: char) -> PResult<Vec<ParameterAst>> {
        let mut params = Vec::new();
        loop {
            self.skip_nl();
            if self.eat(close) {
                return Ok(params);
            }
            if self.at_eof() {
                return Err(self.err_incomplete(
                    Id::MissingEndParenthesisInFunctionParameterList,
                    open,
                    open + 1,
                    "Missing ')' in function parameter list.",
                ));
            }
            params.push(self.parameter()?);
            self.skip_nl();
            if self.eat(',') {
                continue;
            }
            if self.peek() != Some(close) {
                if self.at_eof() {
                    continue;
                }
                return Err(self.err(
                    Id::MissingEndParenthesisInFunctionParameterList,
                    self.pos,
                    self.pos,
                    "Missing ')' in function parameter list.",
                ));
            }
        }
    }

    // G parameter
    fn parameter(&mut self) -> PResult<ParameterAst> {
        let start = self.pos;
        let mut attributes = Vec::new();
        while self.peek() == Some('[') {
            attributes.push(self.attribute_or_type()?);
            self.skip_nl();
        }
        if self.peek() != Some('$') {
            return Err(self.err(
                Id::InvalidVariableReference,
                self.pos,
                self.token_text_at(self.pos).0,
                "Missing variable name in parameter declaration.",
            ));
        }
        let name = self.variable()?;
        self.skip_nl();
        let mut default_value = None;
        if self.peek() == Some('=') {
            let op = self.pos;
            self.pos += 1;
            self.skip_nl();
            if self.at_eof() || matches!(self.peek(), Some(')' | ',')) {
                return Err(self.err(
                    Id::MissingExpressionAfterOperator,
                    op,
                    op + 1,
                    "You must provide a value expression following the '=' operator.",
                ));
            }
            default_value = Some(self.expression_nocomma()?);
        }
        Ok(ParameterAst { span: self.span_from(start), attributes, name, default_value })
    }

    // G attribute
    pub(super) fn attribute_or_type(&mut self) -> PResult<AttributeBaseAst> {
        let start = self.pos;
        self.pos += 1; // [
        self.skip_hspace();
        let type_name = self.type_name()?;
        self.skip_hspace();
        if self.peek() == Some('(') {
            let open = self.pos;
            self.pos += 1;
            let mut positional_arguments = Vec::new();
            let mut named_arguments = Vec::new();
            // G attribute-arguments
            loop {
                self.skip_nl();
                if self.eat(')') {
                    break;
                }
                if self.at_eof() {
                    return Err(self.err_incomplete(
                        Id::MissingEndParenthesisInExpression,
                        open,
                        open + 1,
                        "Missing closing ')' in expression.",
                    ));
                }
                let astart = self.pos;
                let r = self.rest();
                let n = r.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
                let mut named = false;
                if n > 0 && r.as_bytes()[0].is_ascii_alphabetic() {
                    let name = r[..n].to_string();
                    let save = self.pos;
                    self.pos += n;
                    self.skip_nl();
                    if self.peek() == Some('=') {
                        self.pos += 1;
                        self.skip_nl();
                        let argument = self.expression_nocomma()?;
                        named_arguments.push(NamedAttributeArgumentAst {
                            span: self.span_from(astart),
                            argument_name: name,
                            argument,
                            expression_omitted: false,
                        });
                        named = true;
                    } else if matches!(self.peek(), Some(',' | ')')) {
                        let span = Span::new(astart, astart + n);
                        named_arguments.push(NamedAttributeArgumentAst {
                            span,
                            argument_name: name,
                            argument: ExpressionAst::Variable(VariableExpressionAst {
                                span,
                                user_path: "true".into(),
                                qualifier: None,
                                name: "true".into(),
                                splatted: false,
                                braced: false,
                            }),
                            expression_omitted: true,
                        });
                        named = true;
                    } else {
                        self.pos = save;
                    }
                }
                if !named {
                    positional_arguments.push(self.expression_nocomma()?);
                }
                self.skip_nl();
                if self.eat(',') {
                    continue;
                }
                if self.eat(')') {
                    break;
                }
                if self.at_eof() {
                    continue;
                }
                return Err(self.err(
                    Id::MissingEndParenthesisInExpression,
                    self.pos,
                    self.pos,
                    "Missing closing ')' in expression.",
                ));
            }
            self.skip_hspace();
            if !self.eat(']') {
                return Err(self.missing_bracket(start));
            }
            return Ok(AttributeBaseAst::Attribute(AttributeAst {
                span: self.span_from(start),
                type_name,
                positional_arguments,
                named_arguments,
            }));
        }
        if !self.eat(']') {
            return Err(self.missing_bracket(start));
        }
        Ok(AttributeBaseAst::TypeConstraint(TypeConstraintAst { span: self.span_from(start), type_name }))
    }

    pub(super) fn missing_bracket(&self, start: usize) -> Box<ParseError> {
        if self.rest_is_blank() {
            self.err_incomplete(Id::MissingEndSquareBracket, start, start + 1, "Missing ] at end of type token.")
        } else {
            self.err(Id::MissingEndSquareBracket, self.pos, self.pos, "Missing ] at end of attribute or type literal.")
        }
    }

    // ----- statements ----------------------------------------------------------

    // G statement-list
    pub(super) fn statement_list(&mut self, closer: Closer) -> Vec<StatementAst> {
        let mut out = Vec::new();
        loop {
            self.skip_nl_semi();
            let Some(c) = self.peek() else { break };
            if self.at_closer(closer) {
                break;
            }
            if c == '}' || c == ')' {
                if closer == Closer::Eof {
                    let e = self.unexpected_token(self.pos);
                    self.errors.push(*e);
                    self.pos += 1;
                    continue;
                }
                // A mismatched closer ends this list; the caller reports it.
                break;
            }
            let before = self.pos;
            match self.statement() {
                Ok(s) => {
                    // Statements that end in a block need no terminator:
                    // `if ($false) { } "hi"` is two statements (pwsh's grammar).
                    let needs_terminator = matches!(
                        s,
                        StatementAst::Pipeline(_)
                            | StatementAst::PipelineChain(_)
                            | StatementAst::Assignment(_)
                            | StatementAst::Break(_)
                            | StatementAst::Continue(_)
                            | StatementAst::Return(_)
                            | StatementAst::Exit(_)
                            | StatementAst::Throw(_)
                    );
                    out.push(s);
                    self.skip_hspace();
                    if needs_terminator && !self.at_statement_end() {
                        let e = self.unexpected_token(self.pos);
                        self.errors.push(*e);
                        self.recover();
                    }
                }
                Err(e) => {
                    let incomplete = e.incomplete;
                    self.errors.push(*e);
                    if incomplete {
                        self.pos = self.src.len();
                        break;
                    }
                    self.recover();
                }
            }
            if self.pos == before {
                self.bump();
            }
        }
        out
    }

    /// Error recovery: skip to the end of the line.
    fn recover(&mut self) {
        let r = self.rest();
        let n = r.find(['\n', '\r']).unwrap_or(r.len());
        self.pos += n;
    }

    // G statement
    pub(super) fn statement(&mut self) -> PResult<StatementAst> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.statement_inner());
        self.leave();
        r
    }

    fn statement_inner(&mut self) -> PResult<StatementAst> {
        let start = self.pos;
        // G label
        let mut label = None;
        if self.peek() == Some(':') && self.peek2().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.pos += 1;
            let n = self.rest().chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
            label = Some(self.rest()[..n].to_string());
            self.pos += n;
            self.skip_hspace();
            match self.peek_keyword() {
                Some("foreach" | "for" | "while" | "do" | "switch") => {}
                _ => return Err(self.unexpected_token(self.pos)),
            }
        }
        if let Some(kw) = self.peek_keyword() {
            let kw_end = self.pos + kw.len();
            match kw {
                "if" => return self.if_statement(start),
                "switch" => return self.switch_statement(start, label),
                "foreach" => return self.foreach_statement(start, label),
                "for" => return self.for_statement(start, label),
                "while" => return self.while_statement(start, label),
                "do" => return self.do_statement(start, label),
                "break" | "continue" => {
                    self.pos = kw_end;
                    self.skip_hspace();
                    let lbl = if self.at_statement_end() || self.peek() == Some('|') {
                        None
                    } else if self.peek() == Some('$') {
                        Some(Box::new(self.unary()?))
                    } else {
                        Some(Box::new(self.generic_token()?))
                    };
                    let span = self.span_from(start);
                    return Ok(if kw == "break" {
                        StatementAst::Break(BreakStatementAst { span, label: lbl })
                    } else {
                        StatementAst::Continue(ContinueStatementAst { span, label: lbl })
                    });
                }
                "return" | "exit" | "throw" => {
                    self.pos = kw_end;
                    self.skip_hspace();
                    let pipeline = if self.at_statement_end() { None } else { Some(Box::new(self.pipeline_chain()?)) };
                    let span = self.span_from(start);
                    return Ok(match kw {
                        "return" => StatementAst::Return(ReturnStatementAst { span, pipeline }),
                        "exit" => StatementAst::Exit(ExitStatementAst { span, pipeline }),
                        _ => StatementAst::Throw(ThrowStatementAst { span, pipeline }),
                    });
                }
                "try" => return self.try_statement(start),
                "trap" => return self.trap_statement(start),
                _ => return self.function_statement(start, kw),
            }
        }
        self.pipeline_chain()
    }

    // G statement-block
    pub(super) fn statement_block(&mut self) -> PResult<StatementBlockAst> {
        let start = self.pos;
        if self.peek() != Some('{') {
            if self.at_eof() {
                return Err(self.err_incomplete(
                    Id::MissingStatementBlock,
                    self.pos,
                    self.pos,
                    "Missing statement block.",
                ));
            }
            return Err(self.err(Id::MissingStatementBlock, self.pos, self.pos, "Missing statement block."));
        }
        self.pos += 1;
        let statements = self.statement_list(Closer::Brace);
        if !self.eat('}') {
            return Err(self.missing_curly(start));
        }
        Ok(StatementBlockAst { span: self.span_from(start), statements })
    }

    pub(super) fn missing_curly(&self, open: usize) -> Box<ParseError> {
        let msg = "Missing closing '}' in statement block or type definition.";
        if self.at_eof() {
            self.err_incomplete(Id::MissingEndCurlyBrace, open, open + 1, msg)
        } else {
            self.err(Id::MissingEndCurlyBrace, open, open + 1, msg)
        }
    }

    /// `( pipeline )` after if/while/switch/...; `what` names the statement.
    fn paren_condition(&mut self, kw_start: usize, kw: &str) -> PResult<StatementAst> {
        self.skip_nl();
        if self.peek() != Some('(') {
            let (id, msg) = if kw == "if" {
                (Id::MissingOpenParenthesisInIfStatement, "Missing '(' after 'if' in if statement.".to_string())
            } else {
                (Id::MissingOpenParenthesisAfterKeyword, format!("Missing opening '(' after keyword '{kw}'."))
            };
            let end = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(id, kw_start, end, msg)
            } else {
                self.err(id, end, end, msg)
            });
        }
        let open = self.pos;
        self.pos += 1;
        self.skip_nl();
        if self.peek() == Some(')') || self.at_eof() {
            let msg = format!("Missing condition in {kw} statement after '{kw} ('.");
            let (p, at_eof) = (self.pos, self.at_eof());
            return Err(if at_eof {
                self.err_incomplete(Id::IfStatementMissingCondition, open, p, msg)
            } else {
                self.err(Id::IfStatementMissingCondition, p, p + 1, msg)
            });
        }
        let cond = self.pipeline_chain()?;
        self.skip_nl();
        if !self.eat(')') {
            let msg = format!("Missing closing ')' after expression in '{kw}' statement.");
            let id = if kw == "if" {
                Id::MissingEndParenthesisInIfStatement
            } else {
                Id::MissingEndParenthesisAfterStatement
            };
            let p = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(id, open, open + 1, msg)
            } else {
                let end = self.token_text_at(p).0;
                self.err(id, p, end, msg)
            });
        }
        Ok(cond)
    }

    fn block_after(&mut self, what: &str) -> PResult<StatementBlockAst> {
        self.skip_nl();
        if self.peek() != Some('{') {
            let msg = format!("Missing statement block after {what}.");
            let p = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingStatementBlock, p, p, msg)
            } else {
                self.err(Id::MissingStatementBlock, p, self.token_text_at(p).0, msg)
            });
        }
        self.statement_block()
    }

    // G if-statement
    fn if_statement(&mut self, start: usize) -> PResult<StatementAst> {
        let mut kw_start = self.pos;
        self.pos += 2;
        let mut clauses = Vec::new();
        let mut else_clause = None;
        let mut kw = "if";
        loop {
            let condition = self.paren_condition(kw_start, kw)?;
            let body = self.block_after(&format!("{kw} ( condition )"))?;
            clauses.push(IfClause { condition, body });
            let save = self.pos;
            self.skip_nl();
            if self.at_word("elseif") {
                kw_start = self.pos;
                self.pos += 6;
                kw = "elseif";
                continue;
            }
            if self.at_word("else") {
                self.pos += 4;
                self.skip_nl();
                if self.peek() != Some('{') {
                    let p = self.pos;
                    let msg = "Missing statement block after 'else' keyword.";
                    return Err(if self.rest_is_blank() {
                        self.err_incomplete(Id::MissingStatementBlockAfterElse, p, p, msg)
                    } else {
                        self.err(Id::MissingStatementBlockAfterElse, p, p, msg)
                    });
                }
                else_clause = Some(self.statement_block()?);
                break;
            }
            self.pos = save;
            break;
        }
        Ok(StatementAst::If(IfStatementAst { span: self.span_from(start), clauses, else_clause }))
    }

    // G switch-statement
    fn switch_statement(&mut self, start: usize, label: Option<String>) -> PResult<StatementAst> {
        let kw_start = self.pos;
        self.pos += 6;
        let mut flags = SwitchFlags::default();
        // G switch-parameters
        loop {
            self.skip_hspace();
            if !self.peek_is(is_dash) {
                break;
            }
            let p = self.pos;
            self.bump();
            let n = self.rest().bytes().take_while(|b| b.is_ascii_alphabetic()).count();
            let w = self.rest()[..n].to_ascii_lowercase();
            self.pos += n;
            match w.as_str() {
                "regex" => flags.regex = true,
                "wildcard" => flags.wildcard = true,
                "exact" => flags.exact = true,
                "casesensitive" => flags.case_sensitive = true,
                "file" => flags.file = true,
                "parallel" => flags.parallel = true,
                _ => {
                    let e = self.pos;
                    return Err(self.err(
                        Id::UnexpectedToken,
                        p,
                        e,
                        format!("Unexpected token '{}' in expression or statement.", &self.src[p..e]),
                    ));
                }
            }
        }
        self.skip_nl();
        let condition = if flags.file && self.peek() != Some('(') {
            let s = self.pos;
            let e = self.command_argument()?;
            StatementAst::Pipeline(PipelineAst {
                span: self.span_from(s),
                pipeline_elements: vec![CommandBaseAst::Expression(CommandExpressionAst {
                    span: self.span_from(s),
                    expression: e,
                    redirections: Vec::new(),
                })],
                background: false,
            })
        } else {
            self.paren_condition(kw_start, "switch")?
        };
        self.skip_nl();
        if self.peek() != Some('{') {
            let p = self.pos;
            let msg = "Missing '{' in switch statement.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingCurlyBraceInSwitchStatement, p, p, msg)
            } else {
                self.err(Id::MissingCurlyBraceInSwitchStatement, p, p, msg)
            });
        }
        let open = self.pos;
        self.pos += 1;
        let mut clauses = Vec::new();
        let mut default = None;
        // G switch-clauses
        loop {
            self.skip_nl_semi();
            if self.eat('}') {
                break;
            }
            if self.at_eof() {
                return Err(self.missing_curly(open));
            }
            if self.at_word("default") {
                let save = self.pos;
                self.pos += 7;
                self.skip_nl();
                if self.peek() == Some('{') {
                    default = Some(self.statement_block()?);
                    continue;
                }
                self.pos = save;
            }
            // G switch-clause-condition
            let pattern = self.command_argument()?;
            let body = self.block_after("switch clause")?;
            clauses.push(SwitchClause { pattern, body });
        }
        Ok(StatementAst::Switch(SwitchStatementAst {
            span: self.span_from(start),
            label,
            flags,
            condition: Box::new(condition),
            clauses,
            default,
        }))
    }

    // G foreach-statement
    fn foreach_statement(&mut self, start: usize, label: Option<String>) -> PResult<StatementAst> {
        self.pos += 7;
        self.skip_hspace();
        if self.peek_is(is_dash) {
            // -parallel (PowerShell workflows): accepted and ignored.
            self.bump();
            let n = self.rest().bytes().take_while(|b| b.is_ascii_alphabetic()).count();
            self.pos += n;
        }
        self.skip_nl();
        if !self.eat('(') {
            let p = self.pos;
            let msg = "Missing opening '(' after keyword 'foreach'.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingOpenParenthesisAfterKeyword, p, p, msg)
            } else {
                self.err(Id::MissingOpenParenthesisAfterKeyword, p, p, msg)
            });
        }
        let open = self.pos - 1;
        self.skip_nl();
        if self.peek() != Some('$') {
            let p = self.pos;
            return Err(self.err(Id::MissingVariableNameAfterForeach, p, p, "Missing variable name after foreach."));
        }
        let variable = self.variable()?;
        self.skip_nl();
        if !self.at_word("in") {
            let p = self.pos;
            return Err(self.err(Id::MissingInInForeach, p, p, "Missing 'in' after variable in foreach loop."));
        }
        self.pos += 2;
        self.skip_nl();
        if self.peek() == Some(')') || self.at_eof() {
            let p = self.pos;
            return Err(self.err(
                Id::MissingFoReachExpression,
                p,
                p,
                "Missing foreach loop pipeline expression after 'in'.",
            ));
        }
        let condition = self.pipeline_chain()?;
        self.skip_nl();
        if !self.eat(')') {
            let p = self.pos;
            let msg = "Missing closing ')' after expression in 'foreach' statement.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingEndParenthesisAfterForeach, open, open + 1, msg)
            } else {
                self.err(Id::MissingEndParenthesisAfterForeach, p, p, msg)
            });
        }
        let body = self.block_after("foreach ( condition )")?;
        Ok(StatementAst::ForEach(ForEachStatementAst {
            span: self.span_from(start),
            label,
            variable,
            condition: Box::new(condition),
            body,
        }))
    }

    // G for-statement
    fn for_statement(&mut self, start: usize, label: Option<String>) -> PResult<StatementAst> {
        self.pos += 3;
        self.skip_nl();
        if !self.eat('(') {
            let p = self.pos;
            return Err(self.err(
                Id::MissingOpenParenthesisAfterKeyword,
                p,
                p,
                "Missing opening '(' after keyword 'for'.",
            ));
        }
        let open = self.pos - 1;
        let mut parts: [Option<Box<StatementAst>>; 3] = [None, None, None];
        for (i, part) in parts.iter_mut().enumerate() {
            self.skip_hspace();
            while matches!(self.peek(), Some('\n' | '\r')) {
                self.pos += 1;
                self.skip_hspace();
            }
            if !matches!(self.peek(), Some(';' | ')')) && !self.at_eof() {
                *part = Some(Box::new(self.pipeline_chain()?));
            }
            self.skip_hspace();
            // A `;` or a newline separates the parts.
            if i < 2 && !self.eat(';') {
                self.skip_nl();
            }
        }
        self.skip_nl();
        if !self.eat(')') {
            let p = self.pos;
            let msg = "Missing closing ')' after expression in 'for' statement.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingEndParenthesisAfterStatement, open, open + 1, msg)
            } else {
                self.err(Id::MissingEndParenthesisAfterStatement, p, p, msg)
            });
        }
        let body = self.block_after("for ( condition )")?;
        let [initializer, condition, iterator] = parts;
        Ok(StatementAst::For(ForStatementAst {
            span: self.span_from(start),
            label,
            initializer,
            condition,
            iterator,
            body,
        }))
    }

    // G while-statement
    fn while_statement(&mut self, start: usize, label: Option<String>) -> PResult<StatementAst> {
        let kw = self.pos;
        self.pos += 5;
        let condition = self.paren_condition(kw, "while")?;
        let body = self.block_after("while ( condition )")?;
        Ok(StatementAst::While(WhileStatementAst {
            span: self.span_from(start),
            label,
            condition: Box::new(condition),
            body,
        }))
    }

    // G do-statement
    fn do_statement(&mut self, start: usize, label: Option<String>) -> PResult<StatementAst> {
        self.pos += 2;
        let body = self.block_after("do")?;
        self.skip_nl();
        let kw = self.pos;
        let until = if self.at_word("while") {
            self.pos += 5;
            false
        } else if self.at_word("until") {
            self.pos += 5;
            true
        } else {
            let p = self.pos;
            let msg = "Missing while or until keyword in do loop.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingWhileOrUntilInDoWhile, p, p, msg)
            } else {
                self.err(Id::MissingWhileOrUntilInDoWhile, p, p, msg)
            });
        };
        let condition = Box::new(self.paren_condition(kw, if until { "until" } else { "while" })?);
        let span = self.span_from(start);
        Ok(if until {
            StatementAst::DoUntil(DoUntilStatementAst { span, label, condition, body })
        } else {
            StatementAst::DoWhile(DoWhileStatementAst { span, label, condition, body })
        })
    }

    // G try-statement
    fn try_statement(&mut self, start: usize) -> PResult<StatementAst> {
        self.pos += 3;
        let body = self.block_after("try")?;
        let mut catch_clauses = Vec::new();
        let mut finally = None;
        loop {
            let save = self.pos;
            self.skip_nl();
            if self.at_word("catch") {
                // G catch-clause
                let cstart = self.pos;
                self.pos += 5;
                let mut catch_types = Vec::new();
                loop {
                    self.skip_nl();
                    if self.peek() != Some('[') {
                        break;
                    }
                    let tstart = self.pos;
                    self.pos += 1;
                    self.skip_hspace();
                    let type_name = self.type_name()?;
                    self.skip_hspace();
                    if !self.eat(']') {
                        return Err(self.missing_bracket(tstart));
                    }
                    catch_types.push(TypeConstraintAst { span: self.span_from(tstart), type_name });
                    self.skip_nl();
                    if !self.eat(',') {
                        break;
                    }
                }
                let body = self.block_after("catch")?;
                catch_clauses.push(CatchClauseAst { span: self.span_from(cstart), catch_types, body });
                continue;
            }
            if self.at_word("finally") {
                // G finally-clause
                self.pos += 7;
                finally = Some(self.block_after("finally")?);
                break;
            }
            self.pos = save;
            break;
        }
        if catch_clauses.is_empty() && finally.is_none() {
            let p = self.pos;
            let msg = "The Try statement is missing its Catch or Finally block.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingCatchOrFinally, p, p, msg)
            } else {
                self.err(Id::MissingCatchOrFinally, p, p, msg)
            });
        }
        Ok(StatementAst::Try(TryStatementAst { span: self.span_from(start), body, catch_clauses, finally }))
    }

    // G trap-statement
    fn trap_statement(&mut self, start: usize) -> PResult<StatementAst> {
        self.pos += 4;
        self.skip_nl();
        let mut trap_type = None;
        if self.peek() == Some('[') {
            let tstart = self.pos;
            self.pos += 1;
            self.skip_hspace();
            let type_name = self.type_name()?;
            self.skip_hspace();
            if !self.eat(']') {
                return Err(self.missing_bracket(tstart));
            }
            trap_type = Some(TypeConstraintAst { span: self.span_from(tstart), type_name });
        }
        let body = self.block_after("trap")?;
        Ok(StatementAst::Trap(TrapStatementAst { span: self.span_from(start), trap_type, body }))
    }

    // G function-statement
    fn function_statement(&mut self, start: usize, kw: &str) -> PResult<StatementAst> {
        self.pos += kw.len();
        self.skip_hspace();
        let name_start = self.pos;
        while let Some(c) = self.peek() {
            if ends_generic(c) || c == '`' {
                break;
            }
            self.pos += c.len_utf8();
        }
        if self.pos == name_start {
            let p = self.pos;
            let msg = format!("Missing name after {kw} keyword.");
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingNameAfterKeyword, p, p, msg)
            } else {
                self.err(Id::MissingNameAfterKeyword, p, p, msg)
            });
        }
        let name = self.src[name_start..self.pos].to_string();
        let name_span = self.span_from(name_start);
        self.skip_nl();
        let mut parameters = Vec::new();
        if self.peek() == Some('(') {
            let open = self.pos;
            self.pos += 1;
            parameters = self.parameter_list(open, ')')?;
            self.skip_nl();
        }
        if self.peek() != Some('{') {
            let p = self.pos;
            let msg = "Missing function body in function declaration.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingFunctionBody, p, p, msg)
            } else {
                self.err(Id::MissingFunctionBody, p, p, msg)
            });
        }
        let open = self.pos;
        self.pos += 1;
        let mut body = self.script_block_body(open, Closer::Brace);
        if !self.eat('}') {
            return Err(self.missing_curly(open));
        }
        body.span = self.span_from(open);
        Ok(StatementAst::FunctionDefinition(FunctionDefinitionAst {
            span: self.span_from(start),
            is_filter: kw.eq_ignore_ascii_case("filter"),
            name,
            name_span,
            parameters,
            body,
        }))
    }

    // ----- pipelines and commands ---------------------------------------------

    // G pipeline-chain
    pub(super) fn pipeline_chain(&mut self) -> PResult<StatementAst> {
        let start = self.pos;
        let mut left = self.pipeline()?;
        loop {
            let save = self.pos;
            self.skip_hspace();
            let r = self.rest();
            let operator = if r.starts_with("&&") {
                ChainOperator::AndAnd
            } else if r.starts_with("||") {
                ChainOperator::OrOr
            } else {
                self.pos = save;
                break;
            };
            let op = self.pos;
            self.pos += 2;
            self.skip_nl();
            if self.at_statement_end() || matches!(self.peek(), Some('|' | '&')) {
                let msg = format!("Missing expression after '{}' in pipeline chain.", &self.src[op..op + 2]);
                return Err(if self.rest_is_blank() {
                    self.err_incomplete(Id::EmptyPipeChainElement, op, op + 2, msg)
                } else {
                    self.err(Id::EmptyPipeChainElement, op, op + 2, msg)
                });
            }
            let rhs = match self.pipeline()? {
                StatementAst::Pipeline(p) => p,
                other => {
                    // An assignment cannot be chained: pwsh reports the operator.
                    let s = other.span();
                    return Err(self.err(
                        Id::UnexpectedToken,
                        s.start,
                        s.end,
                        "Assignment statements are not allowed in pipeline chains.",
                    ));
                }
            };
            left = StatementAst::PipelineChain(PipelineChainAst {
                span: self.span_from(start),
                lhs: Box::new(left),
                rhs,
                operator,
                background: false,
            });
        }
        // Background operator `&` at the end of a pipeline.
        let save = self.pos;
        self.skip_hspace();
        if self.peek() == Some('&') && self.peek2() != Some('&') {
            self.pos += 1;
            match &mut left {
                StatementAst::Pipeline(p) => {
                    p.background = true;
                    p.span = self.span_from(start);
                }
                StatementAst::PipelineChain(p) => {
                    p.background = true;
                    p.span = self.span_from(start);
                }
                _ => self.pos = save,
            }
        } else {
            self.pos = save;
        }
        Ok(left)
    }

    /// True when the element at the cursor is an expression rather than a command.
    fn starts_expression(&self) -> bool {
        let Some(c) = self.peek() else { return false };
        match c {
            '$' | '(' | '[' | '{' | '!' | ',' => true,
            '@' => matches!(self.peek2(), Some('(' | '{')) || self.peek2().is_some_and(is_quote),
            c if is_quote(c) => true,
            '0'..='9' => self.number_token_len(self.pos, false).is_some(),
            '.' => self.peek2().is_some_and(|d| d.is_ascii_digit()) && self.number_token_len(self.pos, false).is_some(),
            '+' => {
                let d = self.peek2();
                d == Some('+') || d.is_some_and(|d| d.is_ascii_digit() || d == '$' || d == '(')
            }
            c if is_dash(c) => {
                let after = &self.rest()[c.len_utf8()..];
                let d = after.chars().next();
                match d {
                    Some(d) if d.is_ascii_digit() || d == '.' => self.number_token_len(self.pos, false).is_some(),
                    Some(d) if is_dash(d) => after[d.len_utf8()..].starts_with('$'),
                    Some('$' | '(') => true,
                    Some(d) if d.is_ascii_alphabetic() => {
                        let n = after.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                        let w = &after[..n];
                        ["not", "bnot", "split", "join", "isplit", "csplit"].iter().any(|k| k.eq_ignore_ascii_case(w))
                            && after[n..].chars().next().is_none_or(|e| !e.is_alphanumeric() && e != '-')
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Length of a number token at `pos` that ends at an argument boundary.
    /// `strict` (argument mode): only an argument boundary may follow; otherwise
    /// (statement start) any operator character may follow, as in `1..10` or `5+3`.
    pub(super) fn number_token_len(&self, pos: usize, strict: bool) -> Option<usize> {
        let s = self.src.get(pos..)?;
        let (neg, off) = match s.chars().next() {
            Some(c) if is_dash(c) => (true, c.len_utf8()),
            _ => (false, 0),
        };
        let (_, len) = super::number::scan_number(&s[off..], neg)?;
        let after = s[off + len..].chars().next();
        match after {
            None => Some(off + len),
            Some(c) if ends_argument(c) => Some(off + len),
            Some(_) if strict => None,
            Some(c) if c == '.' && s[off + len..].starts_with("..") => Some(off + len),
            Some(c)
                if !c.is_alphanumeric() && c != '_' && c != '.' && c != '\\' && c != ':' && c != '$' && c != '`' =>
            {
                Some(off + len)
            }
            _ => None,
        }
    }

    // G pipeline
    fn pipeline(&mut self) -> PResult<StatementAst> {
        let start = self.pos;
        let mut elements = Vec::new();
        if self.starts_expression() {
            let expr = self.expression()?;
            let save = self.pos;
            self.skip_hspace();
            if let Some((op, len)) = self.assignment_operator() {
                let op_start = self.pos;
                self.pos += len;
                let error_position = self.span_from(op_start);
                self.skip_nl();
                if self.at_statement_end() || self.peek() == Some('|') {
                    let msg = format!("You must provide a value expression following the '{}' operator.", op.text());
                    let p = self.pos;
                    return Err(if self.rest_is_blank() {
                        self.err_incomplete(Id::MissingStatementAfterAssignment, op_start, op_start + len, msg)
                    } else {
                        self.err(Id::MissingStatementAfterAssignment, p, p, msg)
                    });
                }
                let right = self.statement()?;
                return Ok(StatementAst::Assignment(AssignmentStatementAst {
                    span: self.span_from(start),
                    left: expr,
                    operator: op,
                    right: Box::new(right),
                    error_position,
                }));
            }
            self.pos = save;
            let redirections = self.redirections()?;
            elements.push(CommandBaseAst::Expression(CommandExpressionAst {
                span: self.span_from(start),
                expression: expr,
                redirections,
            }));
        } else {
            elements.push(CommandBaseAst::Command(self.command()?));
        }
        loop {
            let save = self.pos;
            self.skip_hspace();
            if self.peek() == Some('|') && self.peek2() != Some('|') {
                let bar = self.pos;
                self.pos += 1;
                self.skip_nl();
                if self.at_eof() {
                    return Err(self.err_incomplete(
                        Id::EmptyPipeElement,
                        bar,
                        bar + 1,
                        "An empty pipe element is not allowed.",
                    ));
                }
                if self.at_statement_end() || self.peek() == Some('|') {
                    return Err(self.err(Id::EmptyPipeElement, bar, bar + 1, "An empty pipe element is not allowed."));
                }
                let estart = self.pos;
                if self.starts_expression()
                    && !matches!(self.peek(), Some('{'))
                    && !(self.peek() == Some('.') || self.peek() == Some('&'))
                {
                    // pwsh: only the first element may be an expression.
                    let expr = self.expression()?;
                    let s = Span::new(estart, self.pos);
                    let _ = expr;
                    return Err(self.err(
                        Id::ExpressionsMustBeFirstInPipeline,
                        s.start,
                        s.end,
                        "Expressions are only allowed as the first element of a pipeline.",
                    ));
                }
                elements.push(CommandBaseAst::Command(self.command()?));
            } else {
                self.pos = save;
                break;
            }
        }
        Ok(StatementAst::Pipeline(PipelineAst {
            span: self.span_from(start),
            pipeline_elements: elements,
            background: false,
        }))
    }

    // G assignment-operator
    fn assignment_operator(&self) -> Option<(TokenKind, usize)> {
        let r = self.rest();
        let mut it = r.chars();
        let c = it.next()?;
        let d = it.next();
        Some(match (c, d) {
            ('=', _) => (TokenKind::Equals, 1),
            ('+', Some('=')) => (TokenKind::PlusEquals, 2),
            (c, Some('=')) if is_dash(c) => (TokenKind::MinusEquals, c.len_utf8() + 1),
            ('*', Some('=')) => (TokenKind::MultiplyEquals, 2),
            ('/', Some('=')) => (TokenKind::DivideEquals, 2),
            ('%', Some('=')) => (TokenKind::RemainderEquals, 2),
            ('?', Some('?')) if r.starts_with("??=") => (TokenKind::QuestionQuestionEquals, 3),
            _ => return None,
        })
    }

    /// Redirections after an expression or command element.
    fn redirections(&mut self) -> PResult<Vec<RedirectionAst>> {
        let mut out = Vec::new();
        loop {
            let save = self.pos;
            self.skip_hspace();
            if self.redirection_len().is_some() {
                out.push(self.redirection()?);
            } else if self.peek() == Some('<') {
                return Err(self.reserved_lt());
            } else {
                self.pos = save;
                return Ok(out);
            }
        }
    }

    /// The length of the redirection operator at the cursor, if any.
    pub(super) fn redirection_len(&self) -> Option<usize> {
        let b = self.rest().as_bytes();
        let mut i = 0;
        if matches!(b.first(), Some(b'1'..=b'6' | b'*')) {
            i = 1;
        }
        if b.get(i) != Some(&b'>') {
            return None;
        }
        i += 1;
        if b.get(i) == Some(&b'>') {
            i += 1;
        } else if b.get(i) == Some(&b'&') && matches!(b.get(i + 1), Some(b'1' | b'2')) {
            i += 2;
        }
        Some(i)
    }

    // G redirection
    fn redirection(&mut self) -> PResult<RedirectionAst> {
        let start = self.pos;
        let len = self.redirection_len().unwrap_or(1);
        let text = &self.src[start..start + len];
        let b = text.as_bytes();
        let stream = |c: u8| match c {
            b'*' => RedirectionStream::All,
            b'2' => RedirectionStream::Error,
            b'3' => RedirectionStream::Warning,
            b'4' => RedirectionStream::Verbose,
            b'5' => RedirectionStream::Debug,
            b'6' => RedirectionStream::Information,
            _ => RedirectionStream::Output,
        };
        let from_stream = if b[0] == b'>' { RedirectionStream::Output } else { stream(b[0]) };
        self.pos += len;
        if text.contains('&') {
            let to_stream = stream(b[b.len() - 1]);
            return Ok(RedirectionAst::Merging(MergingRedirectionAst {
                span: self.span_from(start),
                from_stream,
                to_stream,
            }));
        }
        let append = text.ends_with(">>");
        self.skip_hspace();
        if self.at_statement_end() || matches!(self.peek(), Some('|' | '&')) {
            let msg = "Missing file specification after redirection operator.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingExpression, start, start + len, msg)
            } else {
                self.err(Id::MissingExpression, start, start + len, msg)
            });
        }
        let location = self.command_argument()?;
        Ok(RedirectionAst::File(FileRedirectionAst { span: self.span_from(start), from_stream, append, location }))
    }

    /// pwsh's error for `<`, with a hint when it looks like a documentation placeholder.
    pub(super) fn reserved_lt(&self) -> Box<ParseError> {
        let p = self.pos;
        let mut e = self.err(Id::RedirectionNotSupported, p, p + 1, "The '<' operator is reserved for future use.");
        let r = self.rest();
        let line = &r[..r.find(['\n', '\r']).unwrap_or(r.len())];
        if let Some(close) = line.find('>')
            && close > 1
        {
            let placeholder = &line[..=close];
            e.hint = Some(format!(
                "Hint: {placeholder} looks like a placeholder from documentation; replace it with a real value."
            ));
        }
        e
    }

    fn at_command_end(&self) -> bool {
        matches!(self.peek(), None | Some('\n' | '\r' | ';' | ')' | '}' | '|' | '&'))
    }

    // G command
    fn command(&mut self) -> PResult<CommandAst> {
        let start = self.pos;
        let mut invocation_operator = None;
        let mut elements = Vec::new();
        let mut redirections = Vec::new();
        if self.peek() == Some('&') && self.peek2() != Some('&') {
            invocation_operator = Some(InvocationOperator::Ampersand);
            self.pos += 1;
            self.skip_hspace();
        } else if self.peek() == Some('.')
            && self.peek2().is_some_and(|c| is_hspace(c) || matches!(c, '$' | '{' | '(') || is_quote(c))
        {
            invocation_operator = Some(InvocationOperator::Dot);
            self.pos += 1;
            self.skip_hspace();
        }
        // G command-name
        if invocation_operator.is_some() {
            if self.at_command_end() {
                let p = self.pos;
                let msg = "Missing expression after '&' or '.' in the command.";
                return Err(if self.rest_is_blank() {
                    self.err_incomplete(Id::MissingExpression, start, p, msg)
                } else {
                    self.err(Id::MissingExpression, p, p, msg)
                });
            }
            elements.push(CommandElementAst::Expression(self.command_argument()?));
        } else if self.peek() == Some('<') {
            return Err(self.reserved_lt());
        } else {
            elements.push(CommandElementAst::Expression(self.generic_token()?));
        }
        // G command-elements
        loop {
            self.skip_hspace();
            if self.at_command_end() {
                break;
            }
            let c = self.peek().unwrap_or(' ');
            if self.redirection_len().is_some() {
                redirections.push(self.redirection()?);
                continue;
            }
            if c == '<' {
                return Err(self.reserved_lt());
            }
            if is_dash(c) {
                let after = &self.rest()[c.len_utf8()..];
                if after.starts_with("-%") {
                    // G verbatim-command-argument
                    // `--%`: the rest of the line, verbatim.
                    let s = self.pos;
                    let r = self.rest();
                    let n = r.find(['\n', '\r']).unwrap_or(r.len());
                    self.pos += n;
                    elements.push(CommandElementAst::Expression(ExpressionAst::StringConstant(
                        StringConstantExpressionAst {
                            span: self.span_from(s),
                            value: self.src[s..self.pos].to_string(),
                            string_const_type: StringConstantType::BareWord,
                        },
                    )));
                    continue;
                }
                let d = after.chars().next();
                if d.is_some_and(|d| d.is_alphabetic() || d == '_' || d == '?') {
                    elements.push(CommandElementAst::Parameter(self.command_parameter()?));
                    continue;
                }
            }
            elements.push(CommandElementAst::Expression(self.command_argument_list()?));
        }
        Ok(CommandAst { span: self.span_from(start), command_elements: elements, invocation_operator, redirections })
    }

    // G command-parameter
    fn command_parameter(&mut self) -> PResult<CommandParameterAst> {
        let start = self.pos;
        self.bump();
        let name_start = self.pos;
        while let Some(c) = self.peek() {
            if ends_generic(c) || c == ':' || is_quote(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        let parameter_name = self.src[name_start..self.pos].to_string();
        let mut argument = None;
        if self.peek() == Some(':') {
            self.pos += 1;
            let parameter_span = self.span_from(start);
            self.skip_hspace();
            if self.at_command_end() {
                let msg = format!("Parameter '-{parameter_name}' requires an argument.");
                return Err(if self.rest_is_blank() {
                    self.err_incomplete(Id::ParameterRequiresArgument, start, parameter_span.end, msg)
                } else {
                    self.err(Id::ParameterRequiresArgument, start, parameter_span.end, msg)
                });
            }
            argument = Some(Box::new(self.command_argument_list()?));
            return Ok(CommandParameterAst { span: self.span_from(start), parameter_name, argument, parameter_span });
        }
        let parameter_span = self.span_from(start);
        Ok(CommandParameterAst { span: parameter_span, parameter_name, argument, parameter_span })
    }

    // G command-argument-list
    fn command_argument_list(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        let first = self.command_argument()?;
        let save = self.pos;
        self.skip_hspace();
        if self.peek() != Some(',') {
            self.pos = save;
            return Ok(first);
        }
        let mut elements = vec![first];
        while self.peek() == Some(',') {
            let comma = self.pos;
            self.pos += 1;
            self.skip_nl();
            if self.at_command_end() {
                let msg = "Missing argument in parameter list.";
                return Err(if self.rest_is_blank() {
                    self.err_incomplete(Id::MissingArgument, comma, comma + 1, msg)
                } else {
                    self.err(Id::MissingArgument, comma, comma + 1, msg)
                });
            }
            elements.push(self.command_argument()?);
            let save = self.pos;
            self.skip_hspace();
            if self.peek() != Some(',') {
                self.pos = save;
            }
        }
        Ok(ExpressionAst::ArrayLiteral(ArrayLiteralAst { span: self.span_from(start), elements }))
    }

    // G command-argument
    pub(super) fn command_argument(&mut self) -> PResult<ExpressionAst> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.command_argument_inner());
        self.leave();
        r
    }

    fn command_argument_inner(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err_incomplete(Id::MissingArgument, start, start, "Missing argument."));
        };
        if c == '<' {
            return Err(self.reserved_lt());
        }
        let expr_like = match c {
            '$' => true,
            '@' => matches!(self.peek2(), Some('(' | '{')) || self.peek2().is_some_and(is_quote),
            '(' | '{' => true,
            c if is_quote(c) => true,
            _ => false,
        };
        if c == '@' && self.peek2().is_some_and(|d| d.is_alphanumeric() || d == '_' || d == '{') && !expr_like {
            // G splatting
            let v = self.variable()?;
            if self.peek().is_none_or(ends_argument) {
                return Ok(ExpressionAst::Variable(v));
            }
            self.pos = start;
            return self.generic_token();
        }
        if expr_like {
            let e = self.primary()?;
            if self.peek().is_none_or(|d| ends_argument(d) || d == '(' || d == '{') || !matches!(c, '$') {
                if matches!(c, '$') || self.peek().is_none_or(ends_argument) {
                    return Ok(e);
                }
                if is_quote(c) {
                    // 'a'b: pwsh makes one argument; keep the quoted part and the rest as a bare word.
                    return self.generic_token_from(start);
                }
                return Ok(e);
            }
            // `$dir\file.txt`: a bare word with expansions.
            self.pos = start;
            return self.generic_token();
        }
        if (c.is_ascii_digit() || is_dash(c) || c == '.' || c == '+')
            && let Some(len) = self.number_token_len(start, true)
        {
            {
                let neg = is_dash(c);
                let off = if neg { c.len_utf8() } else { 0 };
                if let Some((value, _)) = super::number::scan_number(&self.src[start + off..], neg) {
                    self.pos = start + len;
                    return Ok(ExpressionAst::Constant(ConstantExpressionAst { span: self.span_from(start), value }));
                }
            }
        }
        self.generic_token()
    }

    // G generic-token
    pub(super) fn generic_token(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        self.generic_token_from(start)
    }

    fn generic_token_from(&mut self, start: usize) -> PResult<ExpressionAst> {
        self.pos = start;
        let mut parts: Vec<ExpandablePart> = Vec::new();
        let mut lit = String::new();
        let mut expanded = false;
        while let Some(c) = self.peek() {
            if ends_generic(c) {
                break;
            }
            if c == '`' {
                self.pos += 1;
                match self.bump() {
                    None => break,
                    Some(e) => lit.push(super::expr::escape_char(e)),
                }
                continue;
            }
            if c == '$' && self.dollar_expands() {
                if !lit.is_empty() {
                    parts.push(ExpandablePart::Literal(std::mem::take(&mut lit)));
                }
                parts.push(ExpandablePart::Expression(self.string_variable()?));
                expanded = true;
                continue;
            }
            if is_squote(c) {
                let s = self.single_quoted_value()?;
                lit.push_str(&s);
                continue;
            }
            if is_dquote(c) {
                let (ps, had) = self.double_quoted_parts()?;
                for p in ps {
                    match p {
                        ExpandablePart::Literal(s) => lit.push_str(&s),
                        e => {
                            if !lit.is_empty() {
                                parts.push(ExpandablePart::Literal(std::mem::take(&mut lit)));
                            }
                            parts.push(e);
                        }
                    }
                }
                expanded |= had;
                continue;
            }
            lit.push(c);
            self.pos += c.len_utf8();
        }
        if self.pos == start {
            return Err(self.unexpected_token(start));
        }
        let span = self.span_from(start);
        if expanded {
            if !lit.is_empty() {
                parts.push(ExpandablePart::Literal(lit));
            }
            return Ok(ExpressionAst::ExpandableString(ExpandableStringExpressionAst {
                span,
                value: self.src[start..self.pos].to_string(),
                string_const_type: StringConstantType::BareWord,
                parts,
            }));
        }
        Ok(ExpressionAst::StringConstant(StringConstantExpressionAst {
            span,
            value: lit,
            string_const_type: StringConstantType::BareWord,
        }))
    }
}
