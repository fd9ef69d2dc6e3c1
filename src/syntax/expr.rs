//! Expression mode: operators by precedence, primaries, postfix member access,
//! variables, strings (with expansions), here-strings, hashtables, types.

use super::ast::*;
use super::chars::*;
use super::parser::{Closer, PResult, Parser, STACK_GROW, STACK_RED_ZONE};
use super::{ParseError, ParseErrorId as Id, Span};

/// Backtick escape in double-quoted strings and bare words.
pub(super) fn escape_char(c: char) -> char {
    match c {
        '0' => '\0',
        'a' => '\u{07}',
        'b' => '\u{08}',
        'e' => '\u{1b}',
        'f' => '\u{0c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{0b}',
        c => c,
    }
}

const PREC_LOGICAL: u8 = 1;
const PREC_BITWISE: u8 = 2;
const PREC_COMPARISON: u8 = 3;
const PREC_ADD: u8 = 4;
const PREC_MULTIPLY: u8 = 5;
const PREC_FORMAT: u8 = 6;
const PREC_RANGE: u8 = 7;

/// A `-word` binary operator: kind and precedence.
fn dash_operator(word: &str) -> Option<(TokenKind, u8)> {
    use TokenKind::*;
    let w = word.to_ascii_lowercase();
    let k = match w.as_str() {
        "and" => (And, PREC_LOGICAL),
        "or" => (Or, PREC_LOGICAL),
        "xor" => (Xor, PREC_LOGICAL),
        "band" => (Band, PREC_BITWISE),
        "bor" => (Bor, PREC_BITWISE),
        "bxor" => (Bxor, PREC_BITWISE),
        "f" => (Format, PREC_FORMAT),
        "shl" => (Shl, PREC_COMPARISON),
        "shr" => (Shr, PREC_COMPARISON),
        "is" => (Is, PREC_COMPARISON),
        "isnot" => (IsNot, PREC_COMPARISON),
        "as" => (As, PREC_COMPARISON),
        "join" => (Join, PREC_COMPARISON),
        "split" => (Split, PREC_COMPARISON),
        "isplit" => (Isplit, PREC_COMPARISON),
        "csplit" => (Csplit, PREC_COMPARISON),
        "replace" | "ireplace" => (Ireplace, PREC_COMPARISON),
        "creplace" => (Creplace, PREC_COMPARISON),
        _ => {
            let (cs, base) = match w.as_bytes().first() {
                Some(b'c') if comparison(&w[1..]).is_some() => (true, &w[1..]),
                Some(b'i') if comparison(&w[1..]).is_some() => (false, &w[1..]),
                _ => (false, w.as_str()),
            };
            let (i, c) = comparison(base)?;
            (if cs { c } else { i }, PREC_COMPARISON)
        }
    };
    Some(k)
}

fn comparison(w: &str) -> Option<(TokenKind, TokenKind)> {
    use TokenKind::*;
    Some(match w {
        "eq" => (Ieq, Ceq),
        "ne" => (Ine, Cne),
        "ge" => (Ige, Cge),
        "gt" => (Igt, Cgt),
        "lt" => (Ilt, Clt),
        "le" => (Ile, Cle),
        "like" => (Ilike, Clike),
        "notlike" => (Inotlike, Cnotlike),
        "match" => (Imatch, Cmatch),
        "notmatch" => (Inotmatch, Cnotmatch),
        "contains" => (Icontains, Ccontains),
        "notcontains" => (Inotcontains, Cnotcontains),
        "in" => (Iin, Cin),
        "notin" => (Inotin, Cnotin),
        _ => return None,
    })
}

fn unary_dash_operator(word: &str) -> Option<TokenKind> {
    let w = word.to_ascii_lowercase();
    Some(match w.as_str() {
        "not" => TokenKind::Not,
        "bnot" => TokenKind::Bnot,
        "split" => TokenKind::Split,
        "isplit" => TokenKind::Isplit,
        "csplit" => TokenKind::Csplit,
        "join" => TokenKind::Join,
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    // G expression
    pub(super) fn expression(&mut self) -> PResult<ExpressionAst> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.ternary(true));
        self.leave();
        r
    }

    /// An expression in which `,` separates (method and attribute arguments).
    pub(super) fn expression_nocomma(&mut self) -> PResult<ExpressionAst> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.ternary(false));
        self.leave();
        r
    }

    // G ternary-expression
    fn ternary(&mut self, comma: bool) -> PResult<ExpressionAst> {
        let start = self.pos;
        let cond = self.coalesce(comma)?;
        let save = self.pos;
        self.skip_hspace();
        let spaced = self.pos > save;
        if self.peek() == Some('?')
            && self.peek2().is_some_and(|c| is_hspace(c) || is_newline(c) || (spaced && !matches!(c, '?' | '.' | '[')))
        {
            let q = self.pos;
            self.pos += 1;
            self.skip_nl();
            self.operand_required(q, "?")?;
            let if_true = self.ternary(comma)?;
            self.skip_nl();
            if self.peek() != Some(':') {
                let p = self.pos;
                return Err(self.err(Id::MissingExpression, p, p, "Missing ':' in ternary expression."));
            }
            let c = self.pos;
            self.pos += 1;
            self.skip_nl();
            self.operand_required(c, ":")?;
            let if_false = self.ternary(comma)?;
            return Ok(ExpressionAst::Ternary(TernaryExpressionAst {
                span: self.span_from(start),
                condition: Box::new(cond),
                if_true: Box::new(if_true),
                if_false: Box::new(if_false),
            }));
        }
        self.pos = save;
        Ok(cond)
    }

    // G null-coalescing-expression
    fn coalesce(&mut self, comma: bool) -> PResult<ExpressionAst> {
        let start = self.pos;
        let mut left = self.binary(PREC_LOGICAL, comma)?;
        loop {
            let save = self.pos;
            self.skip_hspace();
            if self.rest().starts_with("??") && !self.rest().starts_with("??=") {
                let op = self.pos;
                self.pos += 2;
                self.skip_nl();
                self.operand_required(op, "??")?;
                let right = self.binary(PREC_LOGICAL, comma)?;
                left = ExpressionAst::Binary(BinaryExpressionAst {
                    span: self.span_from(start),
                    left: Box::new(left),
                    operator: TokenKind::QuestionQuestion,
                    right: Box::new(right),
                    error_position: Span::new(op, op + 2),
                });
            } else {
                self.pos = save;
                return Ok(left);
            }
        }
    }

    /// Errors when no operand follows operator `op` at `op_pos`.
    fn operand_required(&self, op_pos: usize, op: &str) -> PResult<()> {
        if self.at_statement_end() || matches!(self.peek(), Some('|' | ']' | ',')) {
            let msg = format!("You must provide a value expression following the '{op}' operator.");
            let p = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingExpressionAfterOperator, op_pos, op_pos + op.len(), msg)
            } else {
                self.err(Id::MissingExpressionAfterOperator, p, self.token_text_at(p).0, msg)
            });
        }
        Ok(())
    }

    /// The binary operator at the cursor: kind, precedence, byte length.
    fn binary_operator(&self) -> Option<(TokenKind, u8, usize)> {
        let r = self.rest();
        let mut it = r.chars();
        let c = it.next()?;
        let d = it.next();
        use TokenKind::*;
        Some(match c {
            '+' if d != Some('=') && d != Some('+') => (Plus, PREC_ADD, 1),
            '*' if d != Some('=') => (Multiply, PREC_MULTIPLY, 1),
            '/' if d != Some('=') => (Divide, PREC_MULTIPLY, 1),
            '%' if d != Some('=') => (Rem, PREC_MULTIPLY, 1),
            '.' if d == Some('.') => (DotDot, PREC_RANGE, 2),
            c if is_dash(c) => {
                let cl = c.len_utf8();
                match d {
                    Some(d) if d.is_ascii_alphabetic() => {
                        let n = r[cl..].bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                        let (k, p) = dash_operator(&r[cl..cl + n])?;
                        (k, p, cl + n)
                    }
                    Some('=') => return None,
                    Some(d) if is_dash(d) => return None,
                    _ => (Minus, PREC_ADD, cl),
                }
            }
            _ => return None,
        })
    }

    // G logical-expression
    // G bitwise-expression
    // G comparison-expression
    // G additive-expression
    // G multiplicative-expression
    // G format-expression
    // G range-expression
    fn binary(&mut self, min_prec: u8, comma: bool) -> PResult<ExpressionAst> {
        let start = self.pos;
        let mut left = if comma { self.array_literal()? } else { self.unary()? };
        loop {
            let save = self.pos;
            self.skip_hspace();
            let Some((op, prec, len)) = self.binary_operator() else {
                if self.peek_is(is_dash) && self.peek2().is_some_and(|c| c.is_ascii_alphabetic()) {
                    return Err(self.unexpected_token(self.pos));
                }
                self.pos = save;
                return Ok(left);
            };
            if prec < min_prec {
                self.pos = save;
                return Ok(left);
            }
            let op_pos = self.pos;
            self.pos += len;
            let text = self.src[op_pos..op_pos + len].to_string();
            self.skip_nl();
            self.operand_required(op_pos, &text)?;
            let right = self.binary(prec + 1, comma)?;
            left = ExpressionAst::Binary(BinaryExpressionAst {
                span: self.span_from(start),
                left: Box::new(left),
                operator: op,
                right: Box::new(right),
                error_position: Span::new(op_pos, op_pos + len),
            });
        }
    }

    // G array-literal-expression
    fn array_literal(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        let first = self.unary()?;
        let save = self.pos;
        self.skip_hspace();
        if self.peek() != Some(',') {
            self.pos = save;
            return Ok(first);
        }
        let mut elements = vec![first];
        loop {
            let comma = self.pos;
            self.pos += 1;
            self.skip_nl();
            self.operand_required(comma, ",")?;
            elements.push(self.unary()?);
            let save = self.pos;
            self.skip_hspace();
            if self.peek() != Some(',') {
                self.pos = save;
                break;
            }
        }
        Ok(ExpressionAst::ArrayLiteral(ArrayLiteralAst { span: self.span_from(start), elements }))
    }

    // G unary-expression
    pub(super) fn unary(&mut self) -> PResult<ExpressionAst> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.unary_inner());
        self.leave();
        r
    }

    fn unary_prefix(&mut self, start: usize, kind: TokenKind, len: usize) -> PResult<ExpressionAst> {
        let text = self.src[start..start + len].to_string();
        self.pos += len;
        self.skip_hspace();
        if kind != TokenKind::Comma
            && kind != TokenKind::PlusPlus
            && kind != TokenKind::MinusMinus
            && matches!(self.peek(), Some('\n' | '\r'))
        {
            self.skip_nl();
        }
        self.operand_required(start, &text)?;
        let child = self.unary()?;
        Ok(ExpressionAst::Unary(UnaryExpressionAst {
            span: self.span_from(start),
            token_kind: kind,
            child: Box::new(child),
        }))
    }

    fn unary_inner(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err_incomplete(Id::ExpectedExpression, start, start, "An expression was expected."));
        };
        match c {
            '!' => self.unary_prefix(start, TokenKind::Exclaim, 1),
            ',' => self.unary_prefix(start, TokenKind::Comma, 1),
            '+' if self.peek2() == Some('+') => self.unary_prefix(start, TokenKind::PlusPlus, 2),
            '+' => self.unary_prefix(start, TokenKind::Plus, 1),
            c if is_dash(c) => {
                let cl = c.len_utf8();
                let after = &self.rest()[cl..];
                let d = after.chars().next();
                match d {
                    Some(d) if is_dash(d) => self.unary_prefix(start, TokenKind::MinusMinus, cl + d.len_utf8()),
                    Some(d)
                        if d.is_ascii_digit() || (d == '.' && after[1..].starts_with(|x: char| x.is_ascii_digit())) =>
                    {
                        match super::number::scan_number(after, true) {
                            Some((value, len)) => {
                                self.pos += cl + len;
                                let e = ExpressionAst::Constant(ConstantExpressionAst {
                                    span: self.span_from(start),
                                    value,
                                });
                                self.postfix(start, e)
                            }
                            None => self.unary_prefix(start, TokenKind::Minus, cl),
                        }
                    }
                    Some(d) if d.is_ascii_alphabetic() => {
                        let n = after.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                        match unary_dash_operator(&after[..n]) {
                            Some(k) => self.unary_prefix(start, k, cl + n),
                            None => Err(self.unexpected_token(start)),
                        }
                    }
                    _ => self.unary_prefix(start, TokenKind::Minus, cl),
                }
            }
            '[' => self.type_or_cast(start),
            _ => {
                let e = self.primary()?;
                Ok(e)
            }
        }
    }

    // G cast-expression
    fn type_or_cast(&mut self, start: usize) -> PResult<ExpressionAst> {
        let tstart = self.pos;
        self.pos += 1;
        self.skip_hspace();
        if !self.peek_is(|c| c.is_alphabetic() || c == '_') {
            let p = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingTypename, tstart, tstart + 1, "Missing type name after '['.")
            } else {
                self.err(Id::MissingTypename, p, p, "Missing type name after '['.")
            });
        }
        let type_name = self.type_name()?;
        self.skip_hspace();
        if self.peek() == Some('(') {
            let p = self.pos;
            return Err(self.err(
                Id::UnexpectedAttribute,
                tstart,
                p,
                format!("Unexpected attribute '{}'.", type_name.full_name()),
            ));
        }
        if !self.eat(']') {
            return Err(self.missing_bracket(tstart));
        }
        let tspan = self.span_from(tstart);
        // `[T]::Member` / `[T].Member`
        if self.rest().starts_with("::") || (self.peek() == Some('.') && self.peek2() != Some('.')) {
            let e = ExpressionAst::TypeExpression(TypeExpressionAst { span: tspan, type_name });
            return self.postfix(start, e);
        }
        let save = self.pos;
        self.skip_hspace();
        if self.starts_operand() {
            let child = self.unary()?;
            return Ok(ExpressionAst::Convert(ConvertExpressionAst {
                span: self.span_from(start),
                type_constraint: TypeConstraintAst { span: tspan, type_name },
                child: Box::new(child),
            }));
        }
        self.pos = save;
        let e = ExpressionAst::TypeExpression(TypeExpressionAst { span: tspan, type_name });
        self.postfix(start, e)
    }

    /// True when an operand (not an operator) starts at the cursor.
    fn starts_operand(&self) -> bool {
        let Some(c) = self.peek() else { return false };
        match c {
            '$' | '(' | '@' | '[' | '{' | '!' => true,
            c if is_quote(c) => true,
            c if c.is_ascii_digit() => true,
            '.' => self.peek2().is_some_and(|d| d.is_ascii_digit()),
            '+' => self.peek2() == Some('+'),
            c if is_dash(c) => {
                let after = &self.rest()[c.len_utf8()..];
                match after.chars().next() {
                    Some(d) if d.is_ascii_digit() || d == '$' || d == '(' => true,
                    Some(d) if is_dash(d) => true,
                    Some(d) if d.is_ascii_alphabetic() => {
                        let n = after.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                        unary_dash_operator(&after[..n]).is_some() && dash_operator(&after[..n]).is_none()
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    // G type-name
    pub(super) fn type_name(&mut self) -> PResult<TypeName> {
        self.enter()?;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_GROW, || self.type_name_inner());
        self.leave();
        r
    }

    fn type_name_inner(&mut self) -> PResult<TypeName> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '`' | '+' | '#') {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        if self.pos == start {
            let p = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingTypename, p, p, "Missing type name after '['.")
            } else {
                self.err(Id::MissingTypename, p, p, "Missing type name after '['.")
            });
        }
        let name = self.src[start..self.pos].to_string();
        let mut generic_arguments = Vec::new();
        let mut array_ranks = Vec::new();
        while self.peek() == Some('[') {
            let open = self.pos;
            self.pos += 1;
            self.skip_hspace();
            if matches!(self.peek(), Some(']' | ',')) {
                // G array-type-name
                let mut rank = 1;
                while self.eat(',') {
                    rank += 1;
                    self.skip_hspace();
                }
                if !self.eat(']') {
                    return Err(self.missing_bracket(open));
                }
                array_ranks.push(rank);
                continue;
            }
            if !generic_arguments.is_empty() || !array_ranks.is_empty() {
                self.pos = open;
                break;
            }
            // G generic-type-arguments
            loop {
                self.skip_hspace();
                let arg = if self.peek() == Some('[') {
                    let o = self.pos;
                    self.pos += 1;
                    self.skip_hspace();
                    let t = self.type_name()?;
                    self.skip_hspace();
                    if !self.eat(']') {
                        return Err(self.missing_bracket(o));
                    }
                    t
                } else {
                    self.type_name()?
                };
                generic_arguments.push(arg);
                self.skip_hspace();
                if self.eat(',') {
                    continue;
                }
                if self.eat(']') {
                    break;
                }
                return Err(self.missing_bracket(open));
            }
        }
        Ok(TypeName { span: self.span_from(start), name, generic_arguments, array_ranks })
    }

    // G primary-expression
    pub(super) fn primary(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        let v = self.value()?;
        self.postfix(start, v)
    }

    // G member-access
    // G element-access
    // G invocation-expression
    fn postfix(&mut self, start: usize, mut e: ExpressionAst) -> PResult<ExpressionAst> {
        loop {
            let r = self.rest();
            let (is_static, null_conditional, len) = if r.starts_with("::") {
                (true, false, 2)
            } else if r.starts_with("?.") {
                (false, true, 2)
            } else if r.starts_with('.') && !r.starts_with("..") {
                (false, false, 1)
            } else if r.starts_with('[') || r.starts_with("?[") {
                let nc = r.starts_with('?');
                let open = self.pos + usize::from(nc);
                self.pos = open + 1;
                self.skip_nl();
                if self.peek() == Some(']') {
                    let p = self.pos;
                    return Err(self.err(
                        Id::MissingArrayIndexExpression,
                        p,
                        p + 1,
                        "Array index expression is missing or not valid.",
                    ));
                }
                let index = self.expression()?;
                self.skip_nl();
                if !self.eat(']') {
                    let p = self.pos;
                    let msg = "Missing ']' after array index expression.";
                    return Err(if self.rest_is_blank() {
                        self.err_incomplete(Id::MissingEndSquareBracket, open, open + 1, msg)
                    } else {
                        self.err(Id::MissingEndSquareBracket, p, p, msg)
                    });
                }
                e = ExpressionAst::Index(IndexExpressionAst {
                    span: self.span_from(start),
                    target: Box::new(e),
                    index: Box::new(index),
                    null_conditional: nc,
                });
                continue;
            } else if r.starts_with("++") {
                self.pos += 2;
                e = ExpressionAst::Unary(UnaryExpressionAst {
                    span: self.span_from(start),
                    token_kind: TokenKind::PostfixPlusPlus,
                    child: Box::new(e),
                });
                continue;
            } else if r.starts_with("--") && !r[2..].starts_with(|c: char| c.is_alphanumeric()) {
                self.pos += 2;
                e = ExpressionAst::Unary(UnaryExpressionAst {
                    span: self.span_from(start),
                    token_kind: TokenKind::PostfixMinusMinus,
                    child: Box::new(e),
                });
                continue;
            } else {
                // `$x ++` / `$x --` with whitespace before the operator.
                let save = self.pos;
                self.skip_hspace();
                let r = self.rest();
                let kind = if r.starts_with("++") {
                    Some(TokenKind::PostfixPlusPlus)
                } else if r.starts_with("--") {
                    Some(TokenKind::PostfixMinusMinus)
                } else {
                    None
                };
                if let Some(kind) = kind
                    && r[2..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '$' | '(' | '_')))
                {
                    self.pos += 2;
                    e = ExpressionAst::Unary(UnaryExpressionAst {
                        span: self.span_from(start),
                        token_kind: kind,
                        child: Box::new(e),
                    });
                    continue;
                }
                self.pos = save;
                return Ok(e);
            };
            // After `.`: a member name must follow immediately.
            let after = r[len..].chars().next();
            let ok = after
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '(' || is_quote(c) || c == '{');
            if !ok {
                if is_static || null_conditional {
                    let p = self.pos + len;
                    return Err(self.err(
                        Id::MissingPropertyName,
                        p,
                        p,
                        "Missing property name after reference operator.",
                    ));
                }
                return Ok(e);
            }
            self.pos += len;
            let member = self.member_name()?;
            if self.peek() == Some('{') {
                // `.Where{ ... }`: a method call whose only argument is a script block.
                let arg = self.value()?;
                e = ExpressionAst::InvokeMember(InvokeMemberExpressionAst {
                    span: self.span_from(start),
                    expression: Box::new(e),
                    member: Box::new(member),
                    arguments: vec![arg],
                    is_static,
                    null_conditional,
                });
            } else if self.peek() == Some('(') {
                let open = self.pos;
                self.pos += 1;
                let arguments = self.method_arguments(open)?;
                e = ExpressionAst::InvokeMember(InvokeMemberExpressionAst {
                    span: self.span_from(start),
                    expression: Box::new(e),
                    member: Box::new(member),
                    arguments,
                    is_static,
                    null_conditional,
                });
            } else {
                e = ExpressionAst::Member(MemberExpressionAst {
                    span: self.span_from(start),
                    expression: Box::new(e),
                    member: Box::new(member),
                    is_static,
                    null_conditional,
                });
            }
        }
    }

    // G member-name
    fn member_name(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        match self.peek() {
            Some('$') => Ok(ExpressionAst::Variable(self.variable()?)),
            Some('(') | Some('{') => self.value(),
            Some(c) if is_quote(c) => self.value(),
            _ => {
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || c == '_' {
                        self.pos += c.len_utf8();
                    } else {
                        break;
                    }
                }
                Ok(ExpressionAst::StringConstant(StringConstantExpressionAst {
                    span: self.span_from(start),
                    value: self.src[start..self.pos].to_string(),
                    string_const_type: StringConstantType::BareWord,
                }))
            }
        }
    }

    // G argument-list
    fn method_arguments(&mut self, open: usize) -> PResult<Vec<ExpressionAst>> {
        let mut args = Vec::new();
        self.skip_nl();
        if self.eat(')') {
            return Ok(args);
        }
        loop {
            self.skip_nl();
            if self.at_eof() {
                return Err(self.err_incomplete(
                    Id::MissingEndParenthesisInMethodCall,
                    open,
                    open + 1,
                    "Missing ')' in method call.",
                ));
            }
            if matches!(self.peek(), Some(',' | ')')) {
                let p = self.pos;
                return Err(self.err(Id::MissingArgument, p, p, "Missing argument in parameter list."));
            }
            args.push(self.expression_nocomma()?);
            self.skip_nl();
            if self.eat(',') {
                continue;
            }
            if self.eat(')') {
                return Ok(args);
            }
            let p = self.pos;
            let msg = "Missing ')' in method call.";
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingEndParenthesisInMethodCall, open, open + 1, msg)
            } else {
                self.err(Id::MissingEndParenthesisInMethodCall, p, p, msg)
            });
        }
    }

    // G value
    pub(super) fn value(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err_incomplete(Id::ExpectedExpression, start, start, "An expression was expected."));
        };
        match c {
            '$' => {
                if self.peek2() == Some('(') {
                    // G sub-expression
                    return self.sub_expression();
                }
                let v = self.variable()?;
                Ok(self.wrap_using(v))
            }
            '@' => match self.peek2() {
                Some('(') => {
                    // G array-expression
                    self.pos += 2;
                    let block = self.block_until_paren(start, start + 2)?;
                    Ok(ExpressionAst::ArrayExpression(ArrayExpressionAst {
                        span: self.span_from(start),
                        sub_expression: block,
                    }))
                }
                Some('{') => self.hashtable(),
                Some(q) if is_quote(q) => self.here_string(),
                _ => Ok(ExpressionAst::Variable(self.variable()?)),
            },
            '(' => {
                // G parenthesized-expression
                self.pos += 1;
                self.skip_nl();
                if self.peek() == Some(')') || self.at_eof() {
                    let p = self.pos;
                    return Err(if self.rest_is_blank() {
                        self.err_incomplete(
                            Id::MissingEndParenthesisInExpression,
                            start,
                            start + 1,
                            "Missing closing ')' in expression.",
                        )
                    } else {
                        self.err(Id::ExpectedExpression, p, p + 1, "An expression was expected after '('.")
                    });
                }
                let pipeline = self.statement()?;
                self.skip_nl();
                if !self.eat(')') {
                    let p = self.pos;
                    let msg = "Missing closing ')' in expression.";
                    return Err(if self.rest_is_blank() {
                        self.err_incomplete(Id::MissingEndParenthesisInExpression, start, start + 1, msg)
                    } else {
                        self.err(Id::MissingEndParenthesisInExpression, p, self.token_text_at(p).0, msg)
                    });
                }
                Ok(ExpressionAst::Paren(ParenExpressionAst {
                    span: self.span_from(start),
                    pipeline: Box::new(pipeline),
                }))
            }
            '{' => {
                // G script-block-expression
                self.pos += 1;
                let body = self.script_block_body(start, Closer::Brace);
                if !self.eat('}') {
                    return Err(self.missing_curly(start));
                }
                let mut script_block = body;
                script_block.span = self.span_from(start);
                Ok(ExpressionAst::ScriptBlock(ScriptBlockExpressionAst { span: self.span_from(start), script_block }))
            }
            c if is_squote(c) => {
                let value = self.single_quoted_value()?;
                Ok(ExpressionAst::StringConstant(StringConstantExpressionAst {
                    span: self.span_from(start),
                    value,
                    string_const_type: StringConstantType::SingleQuoted,
                }))
            }
            c if is_dquote(c) => {
                let (parts, expanded) = self.double_quoted_parts()?;
                let span = self.span_from(start);
                let inner_end =
                    self.pos.saturating_sub(self.src[..self.pos].chars().next_back().map_or(0, char::len_utf8));
                let value_raw = self.src.get(start + c.len_utf8()..inner_end.max(start + c.len_utf8())).unwrap_or("");
                if expanded {
                    Ok(ExpressionAst::ExpandableString(ExpandableStringExpressionAst {
                        span,
                        value: value_raw.to_string(),
                        string_const_type: StringConstantType::DoubleQuoted,
                        parts,
                    }))
                } else {
                    let value = parts
                        .into_iter()
                        .map(|p| match p {
                            ExpandablePart::Literal(s) => s,
                            ExpandablePart::Expression(_) => String::new(),
                        })
                        .collect();
                    Ok(ExpressionAst::StringConstant(StringConstantExpressionAst {
                        span,
                        value,
                        string_const_type: StringConstantType::DoubleQuoted,
                    }))
                }
            }
            c if c.is_ascii_digit() || c == '.' => match super::number::scan_number(self.rest(), false) {
                Some((value, len)) => {
                    self.pos += len;
                    Ok(ExpressionAst::Constant(ConstantExpressionAst { span: self.span_from(start), value }))
                }
                None => Err(self.unexpected_token(start)),
            },
            '[' => self.type_or_cast(start),
            _ => {
                if self.at_statement_end() {
                    let p = self.pos;
                    return Err(self.err(Id::ExpectedExpression, p, p, "An expression was expected."));
                }
                Err(self.unexpected_token(start))
            }
        }
    }

    fn wrap_using(&self, v: VariableExpressionAst) -> ExpressionAst {
        if v.qualifier.as_deref().is_some_and(|q| q.eq_ignore_ascii_case("using")) {
            let span = v.span;
            return ExpressionAst::Using(UsingExpressionAst {
                span,
                sub_expression: Box::new(ExpressionAst::Variable(v)),
            });
        }
        ExpressionAst::Variable(v)
    }

    /// Statements up to `)` for `$( )` and `@( )`.
    fn block_until_paren(&mut self, start: usize, inner: usize) -> PResult<StatementBlockAst> {
        let statements = self.statement_list(Closer::Paren);
        if !self.eat(')') {
            let msg = "Missing closing ')' in subexpression.";
            let p = self.pos;
            return Err(if self.rest_is_blank() {
                self.err_incomplete(Id::MissingEndParenthesisInSubexpression, start, inner, msg)
            } else {
                self.err(Id::MissingEndParenthesisInSubexpression, p, p + 1, msg)
            });
        }
        Ok(StatementBlockAst { span: self.span_from(start), statements })
    }

    // G hash-literal-expression
    fn hashtable(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        self.pos += 2;
        let mut pairs = Vec::new();
        loop {
            self.skip_nl_semi();
            if self.eat('}') {
                break;
            }
            if self.at_eof() {
                return Err(self.err_incomplete(
                    Id::MissingEndCurlyBrace,
                    start,
                    start + 2,
                    "Missing closing '}' in statement block or type definition.",
                ));
            }
            // G key-expression
            let kstart = self.pos;
            let key = if self.peek_is(|c| c.is_alphabetic() || c == '_') {
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || c == '_' || is_dash(c) {
                        self.pos += c.len_utf8();
                    } else {
                        break;
                    }
                }
                ExpressionAst::StringConstant(StringConstantExpressionAst {
                    span: self.span_from(kstart),
                    value: self.src[kstart..self.pos].to_string(),
                    string_const_type: StringConstantType::BareWord,
                })
            } else {
                self.unary()?
            };
            self.skip_nl();
            if !self.eat('=') {
                let p = self.pos;
                let msg = "Missing '=' operator after key in hash literal.";
                return Err(if self.rest_is_blank() {
                    self.err_incomplete(Id::MissingEqualsInHashLiteral, p, p, msg)
                } else {
                    self.err(Id::MissingEqualsInHashLiteral, p, self.token_text_at(p).0, msg)
                });
            }
            self.skip_nl();
            if self.at_statement_end() {
                let p = self.pos;
                let msg = "Missing statement after '=' in hash literal.";
                return Err(if self.rest_is_blank() {
                    self.err_incomplete(Id::MissingStatementAfterAssignment, p, p, msg)
                } else {
                    self.err(Id::MissingStatementAfterAssignment, p, p, msg)
                });
            }
            let value = self.statement()?;
            pairs.push((key, value));
            self.skip_hspace();
            if !matches!(self.peek(), None | Some('\n' | '\r' | ';' | '}')) {
                let p = self.pos;
                return Err(self.err(
                    Id::MissingEndCurlyBrace,
                    p,
                    self.token_text_at(p).0,
                    "Missing closing '}' in statement block or type definition.",
                ));
            }
        }
        Ok(ExpressionAst::Hashtable(HashtableAst { span: self.span_from(start), key_value_pairs: pairs }))
    }

    // ----- variables -------------------------------------------------------------

    /// True when the `$` at the cursor starts a variable or sub-expression.
    pub(super) fn dollar_expands(&self) -> bool {
        match self.peek2() {
            Some(c) => is_var_char(c) || matches!(c, '{' | '(' | '$' | '^'),
            None => false,
        }
    }

    // G variable
    pub(super) fn variable(&mut self) -> PResult<VariableExpressionAst> {
        let start = self.pos;
        let splatted = self.peek() == Some('@');
        self.pos += 1;
        if self.peek() == Some('{') {
            // G braced-variable
            self.pos += 1;
            let mut name = String::new();
            loop {
                match self.bump() {
                    None => {
                        return Err(self.err_incomplete(
                            Id::InvalidVariableReference,
                            start,
                            start + 2,
                            "Missing '}' in variable reference.",
                        ));
                    }
                    Some('}') => break,
                    Some('`') => {
                        if let Some(c) = self.bump() {
                            name.push(c);
                        }
                    }
                    Some(c) => name.push(c),
                }
            }
            let (qualifier, short) = match name.find(':') {
                Some(i) if i > 0 => (Some(name[..i].to_string()), name[i + 1..].to_string()),
                _ => (None, name.clone()),
            };
            return Ok(VariableExpressionAst {
                span: self.span_from(start),
                user_path: name,
                qualifier,
                name: short,
                splatted,
                braced: true,
            });
        }
        let nstart = self.pos;
        match self.peek() {
            Some('$' | '^') => {
                self.pos += 1;
            }
            _ => {
                while let Some(c) = self.peek() {
                    if is_var_char(c) {
                        self.pos += c.len_utf8();
                    } else {
                        break;
                    }
                }
            }
        }
        if self.pos == nstart {
            let p = self.pos;
            return Err(self.err(
                Id::InvalidVariableReference,
                start,
                p,
                "Variable reference is not valid. '$' was not followed by a valid variable name character. Consider using ${} to delimit the name.",
            ));
        }
        let first = self.src[nstart..self.pos].to_string();
        let mut qualifier = None;
        let mut name = first.clone();
        if self.peek() == Some(':') && self.peek2() != Some(':') {
            let after = self.peek2();
            if after.is_some_and(is_var_char) {
                self.pos += 1;
                let s = self.pos;
                while let Some(c) = self.peek() {
                    if is_var_char(c) {
                        self.pos += c.len_utf8();
                    } else {
                        break;
                    }
                }
                qualifier = Some(first);
                name = self.src[s..self.pos].to_string();
            } else if after.is_none_or(|c| !matches!(c, '\\' | '/')) && !splatted {
                let p = self.pos;
                return Err(self.err(
                    Id::InvalidVariableReferenceWithDrive,
                    start,
                    p + 1,
                    "Variable reference is not valid. ':' was not followed by a valid variable name character. Consider using ${} to delimit the name.",
                ));
            }
        }
        let user_path = self.src[nstart..self.pos].to_string();
        Ok(VariableExpressionAst { span: self.span_from(start), user_path, qualifier, name, splatted, braced: false })
    }

    /// `$var`, `${var}` or `$( )` inside a string or bare word.
    pub(super) fn string_variable(&mut self) -> PResult<ExpressionAst> {
        if self.peek2() == Some('(') {
            return self.sub_expression();
        }
        let v = self.variable()?;
        Ok(self.wrap_using(v))
    }

    /// `$( ... )`, memoized by start offset: argument mode may rescan a token as a
    /// bare word, and nested sub-expressions must not be parsed twice per level.
    fn sub_expression(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        if let Some((e, end)) = self.subexpr_memo.get(&start) {
            self.pos = *end;
            return Ok(e.clone());
        }
        self.pos += 2;
        let block = self.block_until_paren(start, start + 2)?;
        let e = ExpressionAst::SubExpression(SubExpressionAst { span: self.span_from(start), sub_expression: block });
        self.subexpr_memo.insert(start, (e.clone(), self.pos));
        Ok(e)
    }

    // ----- strings -------------------------------------------------------------------

    fn unterminated(&self, start: usize, term: &str) -> Box<ParseError> {
        let line_end = self.src[start..].find(['\n', '\r']).map_or(self.src.len(), |i| start + i);
        self.err_incomplete(
            Id::TerminatorExpectedAtEndOfString,
            start,
            line_end,
            format!("The string is missing the terminator: {term}."),
        )
    }

    // G verbatim-string-literal
    pub(super) fn single_quoted_value(&mut self) -> PResult<String> {
        let start = self.pos;
        self.bump();
        let mut s = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(self.unterminated(start, "'"));
            };
            if is_squote(c) {
                if self.peek_is(is_squote) {
                    let d = self.bump().unwrap_or(c);
                    s.push(d);
                    continue;
                }
                return Ok(s);
            }
            s.push(c);
        }
    }

    // G expandable-string-literal
    pub(super) fn double_quoted_parts(&mut self) -> PResult<(Vec<ExpandablePart>, bool)> {
        let start = self.pos;
        self.bump();
        self.expandable_parts(start, None)
    }

    /// Literal text and expansions up to the closing `"` (or `end` for here-strings).
    fn expandable_parts(&mut self, start: usize, end: Option<usize>) -> PResult<(Vec<ExpandablePart>, bool)> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut expanded = false;
        loop {
            if let Some(e) = end
                && self.pos >= e
            {
                break;
            }
            let Some(c) = self.peek() else {
                return Err(self.unterminated(start, "\""));
            };
            if end.is_none() && is_dquote(c) {
                self.pos += c.len_utf8();
                if self.peek_is(is_dquote) {
                    let d = self.bump().unwrap_or(c);
                    lit.push(d);
                    continue;
                }
                break;
            }
            if c == '`' {
                self.pos += 1;
                let Some(e) = self.bump() else {
                    return Err(self.unterminated(start, "\""));
                };
                if e == 'u' && self.peek() == Some('{') {
                    let r = self.rest();
                    if let Some(close) = r.find('}')
                        && let Ok(n) = u32::from_str_radix(&r[1..close], 16)
                        && let Some(ch) = char::from_u32(n)
                    {
                        lit.push(ch);
                        self.pos += close + 1;
                        continue;
                    }
                }
                lit.push(escape_char(e));
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
            lit.push(c);
            self.pos += c.len_utf8();
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(ExpandablePart::Literal(lit));
        }
        Ok((parts, expanded))
    }

    // G expandable-here-string-literal
    // G verbatim-here-string-literal
    fn here_string(&mut self) -> PResult<ExpressionAst> {
        let start = self.pos;
        self.pos += 1;
        let q = self.bump().unwrap_or('"');
        let single = is_squote(q);
        self.skip_hspace_only();
        match self.peek() {
            Some('\r') => {
                self.pos += 1;
                self.eat('\n');
            }
            Some('\n') => self.pos += 1,
            None => return Err(self.unterminated(start, if single { "'@" } else { "\"@" })),
            Some(_) => {
                let p = self.pos;
                return Err(self.err(
                    Id::IncompleteHereStringHeader,
                    p,
                    self.token_text_at(p).0,
                    "No characters are allowed after a here-string header but before the end of the line.",
                ));
            }
        }
        let content_start = self.pos;
        // Find a line starting with the closing quote followed by `@`.
        let mut line = content_start;
        let (content_end, after) = loop {
            let r = &self.src[line..];
            let mut it = r.chars();
            if let Some(c) = it.next()
                && (if single { is_squote(c) } else { is_dquote(c) })
                && it.next() == Some('@')
            {
                let mut ce = line;
                if ce > content_start {
                    ce -= 1; // \n
                    if ce > content_start && self.src.as_bytes()[ce - 1] == b'\r' {
                        ce -= 1;
                    }
                }
                break (ce.max(content_start), line + c.len_utf8() + 1);
            }
            match r.find('\n') {
                Some(i) => line += i + 1,
                None => {
                    self.pos = self.src.len();
                    return Err(self.unterminated(start, if single { "'@" } else { "\"@" }));
                }
            }
        };
        let raw = self.src[content_start..content_end].to_string();
        if single {
            self.pos = after;
            return Ok(ExpressionAst::StringConstant(StringConstantExpressionAst {
                span: self.span_from(start),
                value: raw,
                string_const_type: StringConstantType::SingleQuotedHereString,
            }));
        }
        self.pos = content_start;
        let (parts, expanded) = self.expandable_parts(start, Some(content_end))?;
        self.pos = after;
        let span = self.span_from(start);
        if expanded {
            return Ok(ExpressionAst::ExpandableString(ExpandableStringExpressionAst {
                span,
                value: raw,
                string_const_type: StringConstantType::DoubleQuotedHereString,
                parts,
            }));
        }
        let value = parts
            .into_iter()
            .map(|p| match p {
                ExpandablePart::Literal(s) => s,
                ExpandablePart::Expression(_) => String::new(),
            })
            .collect();
        Ok(ExpressionAst::StringConstant(StringConstantExpressionAst {
            span,
            value,
            string_const_type: StringConstantType::DoubleQuotedHereString,
        }))
    }

    fn skip_hspace_only(&mut self) {
        while self.peek_is(is_hspace) {
            self.bump();
        }
    }
}
