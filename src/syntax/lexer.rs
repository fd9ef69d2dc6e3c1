//! Tolerant tokenizer for highlighting: never fails, and its tokens cover the
//! source exactly (contiguous, in order), so half-typed input still colours.
//! It is deliberately simpler than the parser: it only classifies.

use super::Span;
use super::chars::*;

/// What a token is, coarse enough for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenClass {
    Comment,
    Keyword,
    Variable,
    String,
    Number,
    Parameter,
    Operator,
    Punctuation,
    Type,
    Word,
    Whitespace,
    Newline,
    Unknown,
}

/// A token: its class and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub class: TokenClass,
    pub span: Span,
}

const KEYWORDS: &[&str] = &[
    "begin",
    "break",
    "catch",
    "class",
    "continue",
    "data",
    "define",
    "do",
    "dynamicparam",
    "else",
    "elseif",
    "end",
    "enum",
    "exit",
    "filter",
    "finally",
    "for",
    "foreach",
    "from",
    "function",
    "if",
    "in",
    "param",
    "process",
    "return",
    "switch",
    "throw",
    "trap",
    "try",
    "until",
    "using",
    "var",
    "while",
    "workflow",
];

const DASH_OPERATORS: &[&str] = &[
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "like",
    "notlike",
    "match",
    "notmatch",
    "contains",
    "notcontains",
    "in",
    "notin",
    "replace",
    "split",
    "join",
    "is",
    "isnot",
    "as",
    "and",
    "or",
    "xor",
    "not",
    "band",
    "bor",
    "bxor",
    "bnot",
    "shl",
    "shr",
    "f",
    "ieq",
    "ine",
    "igt",
    "ige",
    "ilt",
    "ile",
    "ilike",
    "inotlike",
    "imatch",
    "inotmatch",
    "icontains",
    "inotcontains",
    "iin",
    "inotin",
    "ireplace",
    "isplit",
    "ceq",
    "cne",
    "cgt",
    "cge",
    "clt",
    "cle",
    "clike",
    "cnotlike",
    "cmatch",
    "cnotmatch",
    "ccontains",
    "cnotcontains",
    "cin",
    "cnotin",
    "creplace",
    "csplit",
];

/// Splits `source` into tokens covering it entirely. Never fails.
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut pos = 0;
    // True where a word would be a command name (start of a statement or after `|`).
    let mut command_position = true;
    while pos < source.len() {
        let rest = &source[pos..];
        let Some(c) = rest.chars().next() else { break };
        let (class, len) = scan(rest, c, command_position);
        let len = len.max(c.len_utf8()).min(rest.len());
        // Keep on char boundaries.
        let mut end = pos + len;
        while end < source.len() && !source.is_char_boundary(end) {
            end += 1;
        }
        out.push(Token { class, span: Span::new(pos, end) });
        match class {
            TokenClass::Whitespace | TokenClass::Comment => {}
            TokenClass::Newline => command_position = true,
            TokenClass::Punctuation | TokenClass::Operator => {
                let t = &source[pos..end];
                command_position = matches!(t, "|" | ";" | "{" | "(" | "&&" | "||" | "&" | "=" | "}");
            }
            TokenClass::Keyword => command_position = true,
            _ => command_position = false,
        }
        pos = end;
    }
    out
}

fn take_while(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices().find(|(_, c)| !f(*c)).map_or(s.len(), |(i, _)| i)
}

fn scan(rest: &str, c: char, command_position: bool) -> (TokenClass, usize) {
    let next = rest[c.len_utf8()..].chars().next();
    match c {
        '\n' => (TokenClass::Newline, 1),
        '\r' => (TokenClass::Newline, if rest.starts_with("\r\n") { 2 } else { 1 }),
        c if is_hspace(c) => (TokenClass::Whitespace, take_while(rest, is_hspace)),
        '`' => (TokenClass::Whitespace, rest.chars().take(2).map(char::len_utf8).sum()),
        '#' => (TokenClass::Comment, take_while(rest, |c| !is_newline(c))),
        '<' if next == Some('#') => (TokenClass::Comment, rest.find("#>").map_or(rest.len(), |i| i + 2)),
        '$' | '@' if next == Some('{') && c == '$' => {
            (TokenClass::Variable, rest.find('}').map_or(rest.len(), |i| i + 1))
        }
        '@' if next.is_some_and(is_quote) => (TokenClass::String, here_string_len(rest)),
        '$' | '@' if next.is_some_and(|n| is_var_char(n) || (c == '$' && matches!(n, '$' | '^'))) => {
            let body = &rest[1..];
            let mut n = take_while(body, is_var_char);
            if n == 0 {
                n = next.map_or(0, char::len_utf8);
            } else if body[n..].starts_with(':') && body[n + 1..].starts_with(is_var_char) {
                n += 1 + take_while(&body[n + 1..], is_var_char);
            }
            (TokenClass::Variable, 1 + n)
        }
        c if is_squote(c) => (TokenClass::String, quoted_len(rest, is_squote)),
        c if is_dquote(c) => (TokenClass::String, quoted_len(rest, is_dquote)),
        c if c.is_ascii_digit() => {
            let n = take_while(rest, |c| c.is_ascii_alphanumeric() || c == '.');
            let n = if rest[..n].contains("..") { rest.find("..").unwrap_or(n) } else { n };
            (TokenClass::Number, n)
        }
        c if is_dash(c) && next.is_some_and(|n| n.is_alphabetic()) => {
            let body = &rest[c.len_utf8()..];
            let n = take_while(body, |c| c.is_alphanumeric() || c == '_');
            let word = body[..n].to_ascii_lowercase();
            let class =
                if DASH_OPERATORS.contains(&word.as_str()) { TokenClass::Operator } else { TokenClass::Parameter };
            let colon = usize::from(class == TokenClass::Parameter && body[n..].starts_with(':'));
            (class, c.len_utf8() + n + colon)
        }
        '[' if next.is_some_and(|n| n.is_alphabetic()) => {
            let n = take_while(&rest[1..], |c| c.is_alphanumeric() || matches!(c, '.' | '_' | '[' | ',' | '`'));
            let n = 1 + n;
            if rest[n..].starts_with(']') { (TokenClass::Type, n + 1) } else { (TokenClass::Punctuation, 1) }
        }
        '{' | '}' | '(' | ')' | '[' | ']' | ';' | ',' => (TokenClass::Punctuation, 1),
        '|' | '&' => (TokenClass::Operator, if next == Some(c) { 2 } else { 1 }),
        '=' | '+' | '*' | '/' | '%' | '!' | '>' | '<' | '?' | ':' | '.' => {
            let n = take_while(rest, |c| {
                matches!(c, '=' | '+' | '*' | '/' | '%' | '!' | '>' | '<' | '?' | ':' | '.' | '&')
            });
            (TokenClass::Operator, n.min(3))
        }
        c if is_dash(c) => (TokenClass::Operator, c.len_utf8() + usize::from(next == Some('=') || next == Some('-'))),
        _ => {
            let n = take_while(rest, |c| !ends_generic(c) && !is_quote(c) && c != '$' && c != '`');
            let n = n.max(c.len_utf8());
            let word = &rest[..n];
            let lower = word.to_ascii_lowercase();
            let class = if KEYWORDS.contains(&lower.as_str()) {
                TokenClass::Keyword
            } else if command_position
                || word.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\\' | '/' | ':' | '*'))
            {
                TokenClass::Word
            } else {
                TokenClass::Unknown
            };
            (class, n)
        }
    }
}

fn quoted_len(rest: &str, is_q: fn(char) -> bool) -> usize {
    let mut it = rest.char_indices();
    it.next();
    let mut escaped = false;
    let double = !is_q('\'');
    let mut prev_quote_at = None;
    for (i, c) in it {
        if escaped {
            escaped = false;
            continue;
        }
        if double && c == '`' {
            escaped = true;
            continue;
        }
        if is_q(c) {
            // A doubled quote is an escaped quote.
            if prev_quote_at == Some(i) {
                prev_quote_at = None;
                continue;
            }
            let after = i + c.len_utf8();
            if rest[after..].starts_with(is_q) {
                prev_quote_at = Some(after);
                continue;
            }
            return after;
        }
    }
    rest.len()
}

fn here_string_len(rest: &str) -> usize {
    let q = rest[1..].chars().next().unwrap_or('"');
    let single = is_squote(q);
    let mut line_start = rest.find('\n').map_or(rest.len(), |i| i + 1);
    while line_start < rest.len() {
        let line = &rest[line_start..];
        let mut cs = line.chars();
        if let (Some(a), Some('@')) = (cs.next(), cs.next())
            && (if single { is_squote(a) } else { is_dquote(a) })
        {
            return line_start + a.len_utf8() + 1;
        }
        line_start += line.find('\n').map_or(line.len(), |i| i + 1);
    }
    rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(s: &str) -> Vec<(TokenClass, &str)> {
        tokenize(s)
            .into_iter()
            .filter(|t| t.class != TokenClass::Whitespace)
            .map(|t| (t.class, t.span.slice(s)))
            .collect()
    }

    #[test]
    fn classifies_a_command_line() {
        use TokenClass::*;
        assert_eq!(
            classes("Get-Mailbox -Identity $u | Where-Object { $_.Size -gt 1kb } # done"),
            vec![
                (Word, "Get-Mailbox"),
                (Parameter, "-Identity"),
                (Variable, "$u"),
                (Operator, "|"),
                (Word, "Where-Object"),
                (Punctuation, "{"),
                (Variable, "$_"),
                (Operator, "."),
                (Word, "Size"),
                (Operator, "-gt"),
                (Number, "1kb"),
                (Punctuation, "}"),
                (Comment, "# done"),
            ]
        );
    }

    #[test]
    fn tolerates_half_typed_input_and_covers_it() {
        for s in ["'unterminated", "@\"\nhere", "${braced", "[System.IO", "if ($a -eq", "<# open", "\u{201C}x", "`"] {
            let toks = tokenize(s);
            let mut pos = 0;
            for t in &toks {
                assert_eq!(t.span.start, pos, "{s:?}");
                pos = t.span.end;
            }
            assert_eq!(pos, s.len(), "{s:?}");
        }
        assert_eq!(classes("if ($x) { 'a' } else { \"b\" }")[0], (TokenClass::Keyword, "if"));
        assert_eq!(classes("[int]$x")[0], (TokenClass::Type, "[int]"));
    }
}
