//! Character classes of PowerShell's tokenizer, including the characters pwsh
//! accepts from pasted documents (en-dash, em-dash, horizontal bar as `-`; curly
//! quotes as quotes).

/// `-`, en-dash, em-dash, horizontal bar.
#[inline]
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2015}')
}

/// `'` and the curly single quotes.
#[inline]
pub fn is_squote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// `"` and the curly double quotes.
#[inline]
pub fn is_dquote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

#[inline]
pub fn is_quote(c: char) -> bool {
    is_squote(c) || is_dquote(c)
}

/// Horizontal whitespace (not newlines).
#[inline]
pub fn is_hspace(c: char) -> bool {
    match c {
        ' ' | '\t' | '\u{000B}' | '\u{000C}' => true,
        '\n' | '\r' => false,
        c if (c as u32) < 128 => false,
        '\u{00A0}' | '\u{0085}' | '\u{FEFF}' => true,
        c => c.is_whitespace(),
    }
}

#[inline]
pub fn is_newline(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// A character of a simple variable name (`$name`).
#[inline]
pub fn is_var_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '?'
}

/// Characters that end a generic token (bare word) in argument mode.
#[inline]
pub fn ends_generic(c: char) -> bool {
    is_hspace(c) || is_newline(c) || matches!(c, '{' | '}' | '(' | ')' | ';' | ',' | '|' | '&' | '<' | '>')
}

/// Characters that end a command argument such as `$x` or `10` in argument mode;
/// anything else after it makes the argument a longer bare word.
#[inline]
pub fn ends_argument(c: char) -> bool {
    is_hspace(c) || is_newline(c) || matches!(c, ';' | ',' | ')' | '}' | '|' | '&' | '<' | '>' | '(' | '{')
}

/// Characters that may end a keyword (`if(`, `foreach (`, `else{`).
#[inline]
pub fn ends_keyword(c: char) -> bool {
    is_hspace(c) || is_newline(c) || matches!(c, '(' | ')' | '{' | '}' | ';' | '|' | '&')
}
