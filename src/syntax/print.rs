//! AST printer: turns an AST back into PowerShell source that parses to the same
//! AST (spans aside). Used by the round-trip property test and usable for
//! `ScriptBlock.ToString()` of synthesized blocks (for parsed script blocks
//! prefer slicing the original source with the node's span).

use super::ast::*;

/// Prints a whole script block (without braces).
pub fn print_script(sb: &ScriptBlockAst) -> String {
    let mut p = Printer { out: String::new() };
    p.script_body(sb);
    p.out
}

/// Prints one statement.
pub fn print_statement(s: &StatementAst) -> String {
    let mut p = Printer { out: String::new() };
    p.statement(s);
    p.out
}

/// Prints one expression (expression mode).
pub fn print_expression(e: &ExpressionAst) -> String {
    let mut p = Printer { out: String::new() };
    p.expr(e);
    p.out
}

struct Printer {
    out: String,
}

fn constant_text(v: &ConstantValue) -> String {
    match v {
        ConstantValue::Int32(n) => n.to_string(),
        ConstantValue::Int64(n) => {
            if i32::try_from(*n).is_ok() {
                format!("{n}l")
            } else {
                n.to_string()
            }
        }
        ConstantValue::Double(f) => {
            let s = format!("{f:?}");
            if s.contains(['.', 'e', 'E']) { s } else { format!("{s}.0") }
        }
        ConstantValue::Decimal(s) => format!("{s}d"),
        ConstantValue::Byte(n) => format!("{n}uy"),
        ConstantValue::SByte(n) => format!("{n}y"),
        ConstantValue::Int16(n) => format!("{n}s"),
        ConstantValue::UInt16(n) => format!("{n}us"),
        ConstantValue::UInt32(n) => format!("{n}u"),
        ConstantValue::UInt64(n) => format!("{n}ul"),
        ConstantValue::BigInteger(s) => format!("{s}n"),
    }
}

fn escape_double(s: &str, here: bool) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '`' => o.push_str("``"),
            '$' => o.push_str("`$"),
            '\0' => o.push_str("`0"),
            '\u{07}' => o.push_str("`a"),
            '\u{08}' => o.push_str("`b"),
            '\u{1b}' => o.push_str("`e"),
            '\u{0c}' => o.push_str("`f"),
            '\u{0b}' => o.push_str("`v"),
            '\n' if !here => o.push_str("`n"),
            '\r' if !here => o.push_str("`r"),
            '\t' => o.push_str("`t"),
            c if !here && super::chars::is_dquote(c) => {
                o.push('`');
                o.push(c);
            }
            c => o.push(c),
        }
    }
    o
}

fn bare_word(s: &str) -> String {
    let o = bare_word_escaped(s);
    if o.is_empty() {
        return "''".into();
    }
    // A bare word that would scan as a number (it came from `` `1 `` or `'5'x`):
    // an empty quoted string glued to it keeps it a word (`` `0 `` would be NUL).
    if s.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && super::number::scan_number(s, false).is_some_and(|(_, n)| n == s.len())
    {
        return format!("{o}''");
    }
    o
}

fn bare_word_escaped(s: &str) -> String {
    escape_word(s, true)
}

fn escape_word(s: &str, at_start: bool) -> String {
    use super::chars::*;
    let mut o = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let special = ends_generic(c)
            || is_quote(c)
            || matches!(c, '`' | '$' | '\n' | '\r' | '\t')
            || (at_start && i == 0 && (is_dash(c) || matches!(c, '.' | '+' | '@' | '#' | '[' | '!' | ',')));
        if special {
            o.push('`');
            match c {
                '\n' => o.push('n'),
                '\r' => o.push('r'),
                '\t' => o.push('t'),
                c => o.push(c),
            }
        } else {
            o.push(c);
        }
    }
    o
}

fn stream_prefix(s: RedirectionStream) -> &'static str {
    match s {
        RedirectionStream::All => "*",
        RedirectionStream::Output => "1",
        RedirectionStream::Error => "2",
        RedirectionStream::Warning => "3",
        RedirectionStream::Verbose => "4",
        RedirectionStream::Debug => "5",
        RedirectionStream::Information => "6",
    }
}

impl Printer {
    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn script_body(&mut self, sb: &ScriptBlockAst) {
        if let Some(pb) = &sb.param_block {
            for a in &pb.attributes {
                self.attribute(a);
                self.w("\n");
            }
            self.w("param(");
            self.parameters(&pb.parameters);
            self.w(")\n");
        }
        let named = [
            ("dynamicparam", &sb.dynamic_param_block),
            ("begin", &sb.begin_block),
            ("process", &sb.process_block),
            ("end", &sb.end_block),
        ];
        for (kw, b) in named {
            if let Some(b) = b {
                if b.unnamed {
                    self.statements(&b.statements);
                } else {
                    self.w(kw);
                    self.w(" {\n");
                    self.statements(&b.statements);
                    self.w("}\n");
                }
            }
        }
    }

    fn statements(&mut self, ss: &[StatementAst]) {
        for s in ss {
            self.statement(s);
            self.w("\n");
        }
    }

    fn block(&mut self, b: &StatementBlockAst) {
        self.w("{\n");
        self.statements(&b.statements);
        self.w("}");
    }

    fn parameters(&mut self, ps: &[ParameterAst]) {
        for (i, p) in ps.iter().enumerate() {
            if i > 0 {
                self.w(", ");
            }
            for a in &p.attributes {
                match a {
                    AttributeBaseAst::Attribute(a) => self.attribute(a),
                    AttributeBaseAst::TypeConstraint(t) => self.type_constraint(t),
                }
            }
            self.variable(&p.name);
            if let Some(d) = &p.default_value {
                self.w(" = ");
                self.expr(d);
            }
        }
    }

    fn attribute(&mut self, a: &AttributeAst) {
        self.w("[");
        self.w(&a.type_name.full_name());
        self.w("(");
        let mut first = true;
        for e in &a.positional_arguments {
            if !first {
                self.w(", ");
            }
            first = false;
            self.expr(e);
        }
        for n in &a.named_arguments {
            if !first {
                self.w(", ");
            }
            first = false;
            self.w(&n.argument_name);
            if !n.expression_omitted {
                self.w(" = ");
                self.expr(&n.argument);
            }
        }
        self.w(")]");
    }

    fn type_constraint(&mut self, t: &TypeConstraintAst) {
        self.w("[");
        self.w(&t.type_name.full_name());
        self.w("]");
    }

    fn label(&mut self, l: &Option<String>) {
        if let Some(l) = l {
            self.w(":");
            self.w(l);
            self.w(" ");
        }
    }

    fn statement(&mut self, s: &StatementAst) {
        match s {
            StatementAst::Pipeline(p) => self.pipeline(p),
            StatementAst::PipelineChain(c) => {
                self.statement(&c.lhs);
                self.w(match c.operator {
                    ChainOperator::AndAnd => " && ",
                    ChainOperator::OrOr => " || ",
                });
                self.pipeline(&c.rhs);
                if c.background {
                    self.w(" &");
                }
            }
            StatementAst::Assignment(a) => {
                self.expr(&a.left);
                self.w(" ");
                self.w(a.operator.text());
                self.w(" ");
                self.statement(&a.right);
            }
            StatementAst::If(i) => {
                for (n, c) in i.clauses.iter().enumerate() {
                    self.w(if n == 0 { "if (" } else { " elseif (" });
                    self.statement(&c.condition);
                    self.w(") ");
                    self.block(&c.body);
                }
                if let Some(e) = &i.else_clause {
                    self.w(" else ");
                    self.block(e);
                }
            }
            StatementAst::Switch(s) => {
                self.label(&s.label);
                self.w("switch");
                let f = s.flags;
                for (on, name) in [
                    (f.regex, " -regex"),
                    (f.wildcard, " -wildcard"),
                    (f.exact, " -exact"),
                    (f.case_sensitive, " -casesensitive"),
                    (f.file, " -file"),
                    (f.parallel, " -parallel"),
                ] {
                    if on {
                        self.w(name);
                    }
                }
                self.w(" (");
                self.statement(&s.condition);
                self.w(") {\n");
                for c in &s.clauses {
                    self.arg(&c.pattern);
                    self.w(" ");
                    self.block(&c.body);
                    self.w("\n");
                }
                if let Some(d) = &s.default {
                    self.w("default ");
                    self.block(d);
                    self.w("\n");
                }
                self.w("}");
            }
            StatementAst::ForEach(f) => {
                self.label(&f.label);
                self.w("foreach (");
                self.variable(&f.variable);
                self.w(" in ");
                self.statement(&f.condition);
                self.w(") ");
                self.block(&f.body);
            }
            StatementAst::For(f) => {
                self.label(&f.label);
                self.w("for (");
                if let Some(s) = &f.initializer {
                    self.statement(s);
                }
                self.w("; ");
                if let Some(s) = &f.condition {
                    self.statement(s);
                }
                self.w("; ");
                if let Some(s) = &f.iterator {
                    self.statement(s);
                }
                self.w(") ");
                self.block(&f.body);
            }
            StatementAst::While(w) => {
                self.label(&w.label);
                self.w("while (");
                self.statement(&w.condition);
                self.w(") ");
                self.block(&w.body);
            }
            StatementAst::DoWhile(d) => {
                self.label(&d.label);
                self.w("do ");
                self.block(&d.body);
                self.w(" while (");
                self.statement(&d.condition);
                self.w(")");
            }
            StatementAst::DoUntil(d) => {
                self.label(&d.label);
                self.w("do ");
                self.block(&d.body);
                self.w(" until (");
                self.statement(&d.condition);
                self.w(")");
            }
            StatementAst::Break(b) => {
                self.w("break");
                if let Some(l) = &b.label {
                    self.w(" ");
                    self.arg(l);
                }
            }
            StatementAst::Continue(b) => {
                self.w("continue");
                if let Some(l) = &b.label {
                    self.w(" ");
                    self.arg(l);
                }
            }
            StatementAst::Return(r) => self.keyword_pipeline("return", &r.pipeline),
            StatementAst::Exit(r) => self.keyword_pipeline("exit", &r.pipeline),
            StatementAst::Throw(r) => self.keyword_pipeline("throw", &r.pipeline),
            StatementAst::Try(t) => {
                self.w("try ");
                self.block(&t.body);
                for c in &t.catch_clauses {
                    self.w(" catch ");
                    for (i, ty) in c.catch_types.iter().enumerate() {
                        if i > 0 {
                            self.w(", ");
                        }
                        self.type_constraint(ty);
                    }
                    if !c.catch_types.is_empty() {
                        self.w(" ");
                    }
                    self.block(&c.body);
                }
                if let Some(f) = &t.finally {
                    self.w(" finally ");
                    self.block(f);
                }
            }
            StatementAst::Trap(t) => {
                self.w("trap ");
                if let Some(ty) = &t.trap_type {
                    self.type_constraint(ty);
                    self.w(" ");
                }
                self.block(&t.body);
            }
            StatementAst::FunctionDefinition(f) => {
                self.w(if f.is_filter { "filter " } else { "function " });
                self.w(&f.name);
                if !f.parameters.is_empty() {
                    self.w("(");
                    self.parameters(&f.parameters);
                    self.w(")");
                }
                self.w(" {\n");
                self.script_body(&f.body);
                self.w("}");
            }
        }
    }

    fn keyword_pipeline(&mut self, kw: &str, p: &Option<Box<StatementAst>>) {
        self.w(kw);
        if let Some(p) = p {
            self.w(" ");
            self.statement(p);
        }
    }

    fn pipeline(&mut self, p: &PipelineAst) {
        for (i, e) in p.pipeline_elements.iter().enumerate() {
            if i > 0 {
                self.w(" | ");
            }
            match e {
                CommandBaseAst::Command(c) => self.command(c),
                CommandBaseAst::Expression(e) => {
                    self.expr(&e.expression);
                    self.redirections(&e.redirections);
                }
            }
        }
        if p.background {
            self.w(" &");
        }
    }

    fn redirections(&mut self, rs: &[RedirectionAst]) {
        for r in rs {
            self.w(" ");
            match r {
                RedirectionAst::File(f) => {
                    self.w(stream_prefix(f.from_stream));
                    self.w(if f.append { ">> " } else { "> " });
                    self.arg(&f.location);
                }
                RedirectionAst::Merging(m) => {
                    self.w(stream_prefix(m.from_stream));
                    self.w(">&");
                    self.w(stream_prefix(m.to_stream));
                }
            }
        }
    }

    fn command(&mut self, c: &CommandAst) {
        match c.invocation_operator {
            Some(InvocationOperator::Ampersand) => self.w("& "),
            Some(InvocationOperator::Dot) => self.w(". "),
            None => {}
        }
        for (i, e) in c.command_elements.iter().enumerate() {
            if i > 0 {
                self.w(" ");
            }
            match e {
                CommandElementAst::Parameter(p) => {
                    self.w("-");
                    self.w(&p.parameter_name);
                    if let Some(a) = &p.argument {
                        self.w(":");
                        self.arg(a);
                    }
                }
                CommandElementAst::Expression(ExpressionAst::StringConstant(s))
                    if i == 0
                        && c.invocation_operator.is_none()
                        && s.string_const_type == StringConstantType::BareWord =>
                {
                    // A command name must not look like a number at statement start.
                    let w = bare_word_escaped(&s.value);
                    let mut chars = s.value.chars();
                    match (chars.next(), chars.next()) {
                        (Some('1'..='9'), _) => {
                            self.w("`");
                            self.w(&w);
                        }
                        // `0x..`: escape the second character instead (`0 would be NUL).
                        (Some('0'), Some(c2)) if super::expr::escape_char(c2) == c2 && c2 != '`' => {
                            self.w("0`");
                            self.w(&escape_word(&s.value[1..], false));
                        }
                        _ => self.w(&w),
                    }
                }
                CommandElementAst::Expression(e) => self.arg(e),
            }
        }
        self.redirections(&c.redirections);
    }

    /// An expression in argument mode.
    fn arg(&mut self, e: &ExpressionAst) {
        match e {
            ExpressionAst::StringConstant(s) if s.string_const_type == StringConstantType::BareWord => {
                self.w(&bare_word(&s.value));
            }
            ExpressionAst::ArrayLiteral(a) => {
                for (i, x) in a.elements.iter().enumerate() {
                    if i > 0 {
                        self.w(",");
                    }
                    self.arg(x);
                }
            }
            e => self.expr(e),
        }
    }

    fn variable(&mut self, v: &VariableExpressionAst) {
        self.w(if v.splatted { "@" } else { "$" });
        if v.braced {
            self.w("{");
            for c in v.user_path.chars() {
                if c == '}' || c == '`' {
                    self.out.push('`');
                }
                self.out.push(c);
            }
            self.w("}");
        } else {
            self.w(&v.user_path);
        }
    }

    fn expr(&mut self, e: &ExpressionAst) {
        match e {
            ExpressionAst::Binary(b) => {
                self.expr(&b.left);
                if b.operator == TokenKind::DotDot {
                    self.w("..");
                } else {
                    self.w(" ");
                    self.w(b.operator.text());
                    self.w(" ");
                }
                self.expr(&b.right);
            }
            ExpressionAst::Unary(u) => match u.token_kind {
                TokenKind::PostfixPlusPlus | TokenKind::PostfixMinusMinus => {
                    self.expr(&u.child);
                    self.w(u.token_kind.text());
                }
                k => {
                    let child = print_expression(&u.child);
                    let text = k.text();
                    self.w(text);
                    let first = child.chars().next().unwrap_or(' ');
                    // `-5` would lex as a number and `--x`/`++x` as increments; `+5` is
                    // fine (a unary plus) and `+ 5` would start a command at statement start.
                    let needs_space = text.starts_with('-') && text.len() > 2
                        || (matches!(k, TokenKind::Minus | TokenKind::MinusMinus)
                            && (first.is_ascii_digit()
                                || matches!(first, '.' | '-' | '+')
                                || super::chars::is_dash(first)))
                        || (matches!(k, TokenKind::Plus | TokenKind::PlusPlus)
                            && (matches!(first, '-' | '+') || super::chars::is_dash(first)));
                    if needs_space {
                        self.w(" ");
                    }
                    self.w(&child);
                }
            },
            ExpressionAst::Ternary(t) => {
                self.expr(&t.condition);
                self.w(" ? ");
                self.expr(&t.if_true);
                self.w(" : ");
                self.expr(&t.if_false);
            }
            ExpressionAst::Convert(c) => {
                self.type_constraint(&c.type_constraint);
                self.expr(&c.child);
            }
            ExpressionAst::TypeExpression(t) => {
                self.w("[");
                self.w(&t.type_name.full_name());
                self.w("]");
            }
            ExpressionAst::Constant(c) => self.w(&constant_text(&c.value)),
            ExpressionAst::StringConstant(s) => match s.string_const_type {
                StringConstantType::BareWord => self.w(&bare_word(&s.value)),
                StringConstantType::SingleQuoted => {
                    self.w("'");
                    for c in s.value.chars() {
                        self.out.push(c);
                        if super::chars::is_squote(c) {
                            self.out.push(c);
                        }
                    }
                    self.w("'");
                }
                StringConstantType::DoubleQuoted => {
                    self.w("\"");
                    self.w(&escape_double(&s.value, false));
                    self.w("\"");
                }
                StringConstantType::SingleQuotedHereString => {
                    self.w("@'\n");
                    self.w(&s.value);
                    self.w("\n'@");
                }
                StringConstantType::DoubleQuotedHereString => {
                    self.w("@\"\n");
                    self.w(&escape_double(&s.value, true));
                    self.w("\n\"@");
                }
            },
            ExpressionAst::ExpandableString(s) => match s.string_const_type {
                StringConstantType::DoubleQuotedHereString => {
                    self.w("@\"\n");
                    self.w(&s.value);
                    self.w("\n\"@");
                }
                StringConstantType::BareWord => self.w(&s.value),
                _ => {
                    self.w("\"");
                    self.w(&s.value);
                    self.w("\"");
                }
            },
            ExpressionAst::Variable(v) => self.variable(v),
            ExpressionAst::Member(m) => {
                self.expr(&m.expression);
                self.w(if m.is_static {
                    "::"
                } else if m.null_conditional {
                    "?."
                } else {
                    "."
                });
                self.member(&m.member);
            }
            ExpressionAst::InvokeMember(m) => {
                self.expr(&m.expression);
                self.w(if m.is_static {
                    "::"
                } else if m.null_conditional {
                    "?."
                } else {
                    "."
                });
                self.member(&m.member);
                self.w("(");
                for (i, a) in m.arguments.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.expr(a);
                }
                self.w(")");
            }
            ExpressionAst::Index(i) => {
                self.expr(&i.target);
                self.w(if i.null_conditional { "?[" } else { "[" });
                self.expr(&i.index);
                self.w("]");
            }
            ExpressionAst::ArrayLiteral(a) => {
                for (i, x) in a.elements.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.expr(x);
                }
            }
            ExpressionAst::ArrayExpression(a) => {
                self.w("@(");
                self.inline_statements(&a.sub_expression.statements);
                self.w(")");
            }
            ExpressionAst::SubExpression(a) => {
                self.w("$(");
                self.inline_statements(&a.sub_expression.statements);
                self.w(")");
            }
            ExpressionAst::Paren(p) => {
                self.w("(");
                self.statement(&p.pipeline);
                self.w(")");
            }
            ExpressionAst::Hashtable(h) => {
                self.w("@{");
                for (i, (k, v)) in h.key_value_pairs.iter().enumerate() {
                    if i > 0 {
                        self.w("; ");
                    }
                    match k {
                        ExpressionAst::StringConstant(s) if s.string_const_type == StringConstantType::BareWord => {
                            self.w(&s.value)
                        }
                        k => self.expr(k),
                    }
                    self.w(" = ");
                    self.statement(v);
                }
                self.w("}");
            }
            ExpressionAst::ScriptBlock(s) => {
                self.w("{\n");
                self.script_body(&s.script_block);
                self.w("}");
            }
            ExpressionAst::Using(u) => self.expr(&u.sub_expression),
        }
    }

    fn inline_statements(&mut self, ss: &[StatementAst]) {
        for (i, s) in ss.iter().enumerate() {
            if i > 0 {
                self.w("\n");
            }
            self.statement(s);
        }
    }

    fn member(&mut self, m: &ExpressionAst) {
        match m {
            ExpressionAst::StringConstant(s) if s.string_const_type == StringConstantType::BareWord => self.w(&s.value),
            m => self.expr(m),
        }
    }
}
