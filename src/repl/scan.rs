//! A tolerant, mode-aware scanner of the line being edited.
//!
//! The highlighter and the completer need more than token kinds: they need to know
//! which word is a command name (PowerShell's argument mode versus expression mode),
//! which command an argument belongs to, and where a half-typed string or member
//! starts. This scanner never fails and covers every byte of the line except
//! whitespace. It is not the parser: whether input is complete is asked of
//! `crate::syntax`.

use std::ops::Range;

/// What a scanned token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A word in command position (element 0 of a command).
    Command,
    Keyword,
    /// `-Name` in argument mode.
    Parameter,
    /// A bare word argument in argument mode.
    Argument,
    Variable,
    /// A string literal; `open` when its closing quote is missing.
    Str {
        open: bool,
    },
    Number,
    /// Operators: `|`, `;`, `=`, `-eq`, `&&`, redirections ...
    Operator,
    /// Brackets, braces, parentheses, `,`, `.` and `::` before members.
    Punct,
    Comment,
    /// `[TypeName]` in expression mode (also attributes).
    Type,
    /// A member name after `.` or `::`.
    Member,
    /// A hashtable key.
    Key,
}

/// One token: kind, byte range, the index (in the token vector) of the command
/// token whose argument it is, and its nesting depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub kind: Kind,
    pub range: Range<usize>,
    pub command: Option<usize>,
    pub depth: usize,
}

const KEYWORDS: &[&str] = &[
    "if",
    "elseif",
    "else",
    "foreach",
    "for",
    "while",
    "do",
    "until",
    "switch",
    "function",
    "filter",
    "param",
    "begin",
    "process",
    "end",
    "return",
    "break",
    "continue",
    "exit",
    "throw",
    "try",
    "catch",
    "finally",
    "trap",
    "data",
    "dynamicparam",
    "class",
    "enum",
    "using",
    "in",
];

/// True when `word` is a PowerShell keyword (case-insensitive).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The next word is a command name (start of a pipeline element).
    CommandStart,
    /// Arguments of the command token at this index.
    Args(usize),
    /// Expression mode.
    Expr,
    /// Hashtable key position.
    Key,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// `(`, `$(`, `@(`, `{`: a new statement list inside; on close, back to `outer`.
    Group(Mode),
    /// `@{`: hashtable keys; on close, back to `outer`.
    Hash(Mode),
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2015}')
}

fn is_squote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

fn is_dquote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

fn is_var_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '?' || c == ':'
}

/// Characters that end a bare word in argument mode.
fn ends_arg_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, ';' | '|' | '(' | ')' | '{' | '}' | ',' | '&') || is_squote(c) || is_dquote(c)
}

/// True when `text` reads as a PowerShell number literal (`12`, `0x1F`, `1.5`, `10MB`, `5l`).
pub fn looks_numeric(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    let t = t.strip_prefix('-').unwrap_or(&t);
    if let Some(hex) = t.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit() || c == 'l');
    }
    let mut body = t;
    for suffix in ["kb", "mb", "gb", "tb", "pb"] {
        if let Some(b) = body.strip_suffix(suffix) {
            body = b;
            break;
        }
    }
    let body = body.strip_suffix(['l', 'd', 'u', 'y', 'n', 's']).unwrap_or(body);
    let mut digits = 0;
    let mut dots = 0;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            'e' if digits > 0 => {
                if chars.peek().is_some_and(|c| *c == '+' || *c == '-') {
                    chars.next();
                }
            }
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    toks: Vec<Tok>,
    stack: Vec<Frame>,
    mode: Mode,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn command_of_mode(&self) -> Option<usize> {
        match self.mode {
            Mode::Args(i) => Some(i),
            _ => None,
        }
    }

    fn push(&mut self, kind: Kind, start: usize) {
        let command = self.command_of_mode();
        self.toks.push(Tok { kind, range: start..self.pos, command, depth: self.stack.len() });
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn open(&mut self, frame: Frame, start: usize) {
        self.push(Kind::Punct, start);
        self.stack.push(frame);
        self.mode = match frame {
            Frame::Group(_) => Mode::CommandStart,
            Frame::Hash(_) => Mode::Key,
        };
    }

    fn close(&mut self, start: usize) {
        let outer = match self.stack.pop() {
            Some(Frame::Group(m)) | Some(Frame::Hash(m)) => m,
            None => Mode::Expr,
        };
        // A closed group is a value: what follows continues the outer mode.
        self.mode = match outer {
            Mode::CommandStart => Mode::Expr,
            m => m,
        };
        let command = self.command_of_mode();
        self.toks.push(Tok { kind: Kind::Punct, range: start..self.pos, command, depth: self.stack.len() });
    }

    /// Reads a string starting at the current quote; returns whether it is open.
    fn string(&mut self) -> bool {
        let Some(q) = self.peek() else { return true };
        let single = is_squote(q);
        self.bump();
        loop {
            let Some(c) = self.peek() else { return true };
            self.bump();
            if !single && c == '`' {
                self.bump();
                continue;
            }
            let closes = if single { is_squote(c) } else { is_dquote(c) };
            if closes {
                // A doubled quote is an escaped quote.
                let again = self.peek().is_some_and(|n| if single { is_squote(n) } else { is_dquote(n) });
                if again {
                    self.bump();
                    continue;
                }
                return false;
            }
        }
    }

    /// `@"` or `@'` followed by a line end: a here-string up to `"@` at a line start.
    fn here_string(&mut self) -> bool {
        let quote = self.peek_at(1).unwrap_or('"');
        let close = if is_squote(quote) { "\n'@" } else { "\n\"@" };
        match self.rest().find(close) {
            Some(i) => {
                self.pos += i + close.len();
                false
            }
            None => {
                self.pos = self.src.len();
                true
            }
        }
    }

    fn variable(&mut self) {
        // at '$' or '@'
        self.bump();
        if self.peek() == Some('{') {
            match self.rest().find('}') {
                Some(i) => self.pos += i + 1,
                None => self.pos = self.src.len(),
            }
            return;
        }
        if let Some(c @ ('$' | '^' | '?' | '_')) = self.peek() {
            self.bump();
            if c == '_' {
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.bump();
                }
            }
            return;
        }
        while let Some(c) = self.peek() {
            if !is_var_char(c) {
                break;
            }
            // `$a::b` is a static member access, not a scope.
            if c == ':' && self.peek_at(1) == Some(':') {
                break;
            }
            self.bump();
        }
    }

    fn type_literal(&mut self) {
        // at '[': up to the matching ']'
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.bump();
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                '\n' => return,
                _ => {}
            }
        }
    }

    fn word(&mut self, stop: fn(char) -> bool) {
        while let Some(c) = self.peek() {
            if stop(c) {
                break;
            }
            if c == '`' {
                self.bump();
            }
            self.bump();
        }
    }

    /// Members after `.`/`::`: `.Name`, `.Name(`.
    fn member_after_dot(&mut self) -> bool {
        let r = self.rest();
        let (dot_len, next) = if let Some(after) = r.strip_prefix("::") {
            (2, after.chars().next())
        } else if let Some(after) = r.strip_prefix('.').filter(|a| !a.starts_with('.')) {
            (1, after.chars().next())
        } else {
            return false;
        };
        let prev_is_value = self.toks.last().is_some_and(|t| {
            t.range.end == self.pos
                && matches!(t.kind, Kind::Variable | Kind::Member | Kind::Type | Kind::Str { open: false })
                || (t.range.end == self.pos && t.kind == Kind::Punct && matches!(&self.src[t.range.clone()], ")" | "]"))
        });
        if !prev_is_value {
            return false;
        }
        let start = self.pos;
        self.pos += dot_len;
        self.push(Kind::Punct, start);
        if next.is_some_and(|c| c.is_alphabetic() || c == '_') {
            let s = self.pos;
            while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                self.bump();
            }
            self.push(Kind::Member, s);
        }
        true
    }

    fn statement_end(&mut self) {
        self.mode = match self.stack.last() {
            Some(Frame::Hash(_)) => Mode::Key,
            _ => Mode::CommandStart,
        };
    }

    fn run(mut self) -> Vec<Tok> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c == '\n' || c == '\r' {
                self.bump();
                // A line ending in a pipe or a backtick continues the statement.
                let continued = self.toks.last().is_some_and(|t| &self.src[t.range.clone()] == "|");
                if !continued {
                    self.statement_end();
                }
                continue;
            }
            if c.is_whitespace() {
                self.bump();
                continue;
            }
            if c == '`' {
                self.bump();
                self.bump();
                continue;
            }
            if c == '#' {
                self.word(|c| c == '\n');
                self.push(Kind::Comment, start);
                continue;
            }
            if self.rest().starts_with("<#") {
                match self.rest().find("#>") {
                    Some(i) => self.pos += i + 2,
                    None => self.pos = self.src.len(),
                }
                self.push(Kind::Comment, start);
                continue;
            }
            if self.member_after_dot() {
                continue;
            }
            // Here-strings.
            if c == '@'
                && self.peek_at(1).is_some_and(|q| is_squote(q) || is_dquote(q))
                && self.rest()[1..].chars().skip(1).take_while(|c| *c != '\n').all(char::is_whitespace)
                && self.rest().contains('\n')
            {
                let open = self.here_string();
                self.push(Kind::Str { open }, start);
                self.after_value();
                continue;
            }
            if is_squote(c) || is_dquote(c) {
                let open = self.string();
                if self.mode == Mode::CommandStart {
                    self.mode = Mode::Expr;
                }
                self.push(Kind::Str { open }, start);
                self.after_value();
                continue;
            }
            // Groups.
            if self.rest().starts_with("$(") || self.rest().starts_with("@(") {
                self.pos += 2;
                let outer = if self.mode == Mode::CommandStart { Mode::Expr } else { self.mode };
                self.open(Frame::Group(outer), start);
                continue;
            }
            if self.rest().starts_with("@{") {
                self.pos += 2;
                let outer = if self.mode == Mode::CommandStart { Mode::Expr } else { self.mode };
                self.open(Frame::Hash(outer), start);
                continue;
            }
            if c == '(' || c == '{' {
                self.bump();
                let outer = match self.mode {
                    Mode::CommandStart | Mode::Key => Mode::Expr,
                    m => m,
                };
                self.open(Frame::Group(outer), start);
                continue;
            }
            if c == ')' || c == '}' {
                self.bump();
                self.close(start);
                continue;
            }
            if c == '$' || (c == '@' && self.peek_at(1).is_some_and(|n| n.is_alphanumeric() || n == '_')) {
                self.variable();
                if self.mode == Mode::CommandStart {
                    self.mode = Mode::Expr;
                }
                self.push(Kind::Variable, start);
                continue;
            }
            // Statement and pipeline separators.
            if c == ';' {
                self.bump();
                self.push(Kind::Operator, start);
                self.statement_end();
                continue;
            }
            if self.rest().starts_with("&&") || self.rest().starts_with("||") {
                self.pos += 2;
                self.push(Kind::Operator, start);
                self.mode = Mode::CommandStart;
                continue;
            }
            if c == '|' {
                self.bump();
                self.push(Kind::Operator, start);
                self.mode = Mode::CommandStart;
                continue;
            }
            match self.mode {
                Mode::CommandStart => self.command_start(c, start),
                Mode::Args(_) => self.argument(c, start),
                Mode::Expr => self.expression(c, start),
                Mode::Key => self.key(c, start),
            }
        }
        self.toks
    }

    /// After a value in command position (a string, a variable), the statement is an expression.
    fn after_value(&mut self) {
        if self.mode == Mode::CommandStart {
            self.mode = Mode::Expr;
        }
    }

    fn command_start(&mut self, c: char, start: usize) {
        if c == '&' || (c == '.' && self.peek_at(1).is_some_and(|n| n == ' ' || n == '\t')) {
            self.bump();
            self.push(Kind::Operator, start);
            return;
        }
        if c == '[' || c.is_ascii_digit() || c == '!' || c == '+' || c == ',' {
            self.mode = Mode::Expr;
            self.expression(c, start);
            return;
        }
        if is_dash(c) {
            self.mode = Mode::Expr;
            self.expression(c, start);
            return;
        }
        self.word(ends_arg_word);
        if self.pos == start {
            self.bump();
            self.push(Kind::Punct, start);
            return;
        }
        let text = &self.src[start..self.pos];
        if is_keyword(text) {
            self.push(Kind::Keyword, start);
            let lower = text.to_ascii_lowercase();
            self.mode = match lower.as_str() {
                "function" | "filter" => Mode::Expr,
                "return" | "throw" | "exit" => Mode::CommandStart,
                _ => Mode::Expr,
            };
            if lower == "function" || lower == "filter" {
                // The function's name.
                while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
                    self.bump();
                }
                let s = self.pos;
                self.word(|c| c.is_whitespace() || c == '{' || c == '(');
                if self.pos > s {
                    self.push(Kind::Command, s);
                }
            }
            return;
        }
        if looks_numeric(text) {
            self.mode = Mode::Expr;
            self.push(Kind::Number, start);
            return;
        }
        let index = self.toks.len();
        self.push(Kind::Command, start);
        self.mode = Mode::Args(index);
    }

    fn argument(&mut self, c: char, start: usize) {
        if is_dash(c) && self.peek_at(1).is_some_and(|n| n.is_alphabetic() || n == '?' || n == '_') {
            self.bump();
            self.word(|c| ends_arg_word(c) || c == ':');
            if self.peek() == Some(':') {
                self.bump();
            }
            self.push(Kind::Parameter, start);
            return;
        }
        if self.rest().starts_with("--%") {
            self.pos = self.src.len();
            self.push(Kind::Argument, start);
            return;
        }
        if c == ',' {
            self.bump();
            self.push(Kind::Punct, start);
            return;
        }
        // Redirections: > >> 2> 2>&1 *>
        if c == '>' || (matches!(c, '1'..='6' | '*') && self.peek_at(1) == Some('>')) {
            self.bump();
            while self.peek().is_some_and(|c| c == '>' || c == '&' || c.is_ascii_digit()) {
                self.bump();
            }
            self.push(Kind::Operator, start);
            return;
        }
        if c == '&' {
            self.bump();
            self.push(Kind::Operator, start);
            self.mode = Mode::CommandStart;
            return;
        }
        self.word(ends_arg_word);
        if self.pos == start {
            self.bump();
        }
        let kind = if looks_numeric(&self.src[start..self.pos]) { Kind::Number } else { Kind::Argument };
        self.push(kind, start);
    }

    fn expression(&mut self, c: char, start: usize) {
        if c == '[' {
            if self.peek_at(1).is_some_and(|n| n.is_alphabetic()) {
                self.type_literal();
                self.push(Kind::Type, start);
            } else {
                self.bump();
                self.push(Kind::Punct, start);
            }
            return;
        }
        if c == ']' || c == ',' {
            self.bump();
            self.push(Kind::Punct, start);
            return;
        }
        if is_dash(c) && self.peek_at(1).is_some_and(|n| n.is_alphabetic()) {
            self.bump();
            self.word(|c| !c.is_alphanumeric());
            self.push(Kind::Operator, start);
            return;
        }
        if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|n| n.is_ascii_digit())) {
            self.word(|c| !(c.is_alphanumeric() || c == '.'));
            // `1..5`: give the range dots back.
            if let Some(i) = self.src[start..self.pos].find("..") {
                self.pos = start + i;
            }
            self.push(Kind::Number, start);
            return;
        }
        if c.is_alphabetic() || c == '_' {
            self.word(|c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'));
            let text = &self.src[start..self.pos];
            let kind = if is_keyword(text) { Kind::Keyword } else { Kind::Argument };
            self.push(kind, start);
            return;
        }
        // Operator characters.
        self.bump();
        while self.peek().is_some_and(|n| matches!(n, '=' | '+' | '-' | '.' | '>' | '*' | '/' | '%' | '!' | '?')) {
            if is_dash(c) && self.peek().is_some_and(|n| n.is_ascii_digit()) {
                break;
            }
            self.bump();
        }
        self.push(Kind::Operator, start);
    }

    fn key(&mut self, c: char, start: usize) {
        if c == '=' {
            self.bump();
            self.push(Kind::Operator, start);
            self.mode = Mode::CommandStart;
            return;
        }
        if c == '[' {
            self.expression(c, start);
            return;
        }
        self.word(|c| c.is_whitespace() || matches!(c, '=' | ';' | '}'));
        if self.pos == start {
            self.bump();
            self.push(Kind::Punct, start);
            return;
        }
        self.push(Kind::Key, start);
    }
}

/// Scans `line` into tokens. Never fails; whitespace is not a token.
pub fn scan(line: &str) -> Vec<Tok> {
    Scanner { src: line, pos: 0, toks: Vec::new(), stack: Vec::new(), mode: Mode::CommandStart }.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(String, Kind)> {
        scan(line).into_iter().map(|t| (line[t.range].to_string(), t.kind)).collect()
    }

    #[test]
    fn command_parameters_and_arguments() {
        let k = kinds("Get-MigrationBatch -Identity 'b1' -Status Syncing | Format-List Identity");
        assert_eq!(
            k,
            vec![
                ("Get-MigrationBatch".into(), Kind::Command),
                ("-Identity".into(), Kind::Parameter),
                ("'b1'".into(), Kind::Str { open: false }),
                ("-Status".into(), Kind::Parameter),
                ("Syncing".into(), Kind::Argument),
                ("|".into(), Kind::Operator),
                ("Format-List".into(), Kind::Command),
                ("Identity".into(), Kind::Argument),
            ]
        );
    }

    #[test]
    fn arguments_know_their_command() {
        let toks = scan("Get-A -X 1; Set-B -Y (Get-C -Z) -W");
        let names: Vec<_> = toks.iter().filter(|t| t.kind == Kind::Command).map(|t| t.range.clone()).collect();
        assert_eq!(names.len(), 3);
        let w = toks.last().map(|t| t.command);
        let set_b = toks.iter().position(|t| t.kind == Kind::Command && t.range.start == 12);
        assert_eq!(w, Some(set_b));
        let z = toks.iter().find(|t| t.kind == Kind::Parameter && t.range.start == 28).map(|t| t.command);
        let get_c = toks.iter().position(|t| t.kind == Kind::Command && t.range.start == 22);
        assert_eq!(z, Some(get_c));
    }

    #[test]
    fn expressions_keywords_types_members() {
        let k = kinds("if ($b.Status -eq 'Synced') { [int]$x = 5 }");
        assert!(k.contains(&("if".into(), Kind::Keyword)));
        assert!(k.contains(&("$b".into(), Kind::Variable)));
        assert!(k.contains(&("Status".into(), Kind::Member)));
        assert!(k.contains(&("-eq".into(), Kind::Operator)));
        assert!(k.contains(&("[int]".into(), Kind::Type)));
        assert!(k.contains(&("5".into(), Kind::Number)));
        assert!(!k.iter().any(|(_, kind)| *kind == Kind::Command));
    }

    #[test]
    fn open_strings_comments_hashtables() {
        assert_eq!(kinds("Write-Host \"abc")[1], ("\"abc".into(), Kind::Str { open: true }));
        assert_eq!(kinds("# note")[0].1, Kind::Comment);
        let k = kinds("$h = @{ Name = 'x'; Count = 2 }");
        assert!(k.contains(&("Name".into(), Kind::Key)));
        assert!(k.contains(&("Count".into(), Kind::Key)));
        assert!(k.contains(&("2".into(), Kind::Number)));
        let k = kinds("$s = @'\nline\n'@\nGet-X");
        assert_eq!(k[2].1, Kind::Str { open: false });
        assert_eq!(k[3], ("Get-X".into(), Kind::Command));
    }

    #[test]
    fn never_fails_on_odd_input() {
        for line in ["", "\"", "$", "@", "-", "[", "]]]", "}{)(", "`", "$(", "@{", "a.b.", "Get-X -", "1..", "--%"] {
            let toks = scan(line);
            for t in toks {
                assert!(t.range.end <= line.len() && t.range.start <= t.range.end, "{line:?}");
            }
        }
    }
}
