//! .NET regular expressions for PowerShell (`-match`, `-replace`, `-split`,
//! `switch -Regex`, `[regex]`, Select-String), on top of the `fancy-regex`
//! crate so lookaround, backreferences and atomic groups work as in .NET.
//!
//! Spec: <https://learn.microsoft.com/dotnet/standard/base-types/regular-expression-language-quick-reference>,
//! <https://learn.microsoft.com/dotnet/standard/base-types/substitutions-in-regular-expressions>,
//! <https://learn.microsoft.com/dotnet/api/system.text.regularexpressions.regex.split>,
//! <https://learn.microsoft.com/dotnet/api/system.text.regularexpressions.regex.escape>.
//!
//! [`translate_regex`] rewrites the .NET dialect into fancy-regex syntax:
//! `(?<n>..)`/`(?'n'..)` named groups, `$` and `\Z` (end or before a final
//! newline), `[a-z-[aeiou]]` class subtraction, literal `{`, `[` inside
//! classes, `\e`, `\cX`, `\u0041`, octal `\012`, `(?#comments)`, `\<`/`\>` as
//! literals. Constructs with no equivalent (balancing groups, `(?n)`, numbered
//! named groups) give a [`RegexError`] that says so. [`DotNetRegex`] numbers
//! groups the .NET way (unnamed groups first, then named groups) for
//! `$Matches`, `$1` substitutions and `-split` captures.

use std::fmt;

/// A pattern that .NET or exosh rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub message: String,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RegexError {}

fn invalid(pattern: &str, offset: usize, reason: &str) -> RegexError {
    RegexError { message: format!("Invalid pattern '{pattern}' at offset {offset}. {reason}") }
}

fn unsupported(construct: &str) -> RegexError {
    RegexError { message: format!("The regular expression construct '{construct}' is not supported by exosh.") }
}

/// `RegexOptions` that PowerShell passes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RegexOptions {
    pub ignore_case: bool,
    pub multiline: bool,
    pub singleline: bool,
    pub ignore_pattern_whitespace: bool,
}

impl RegexOptions {
    /// Case-insensitive, PowerShell's default for `-match`/`-replace`/`-split`.
    pub const IGNORE_CASE: RegexOptions =
        RegexOptions { ignore_case: true, multiline: false, singleline: false, ignore_pattern_whitespace: false };
}

/// The capture groups of a pattern in order of their opening parenthesis:
/// `None` for unnamed, `Some(name)` for named.
fn scan_groups(p: &[char], extended: bool) -> Vec<Option<String>> {
    let mut groups = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < p.len() {
        match p[i] {
            '\\' => i += 2,
            '#' if extended && !in_class => {
                while i < p.len() && p[i] != '\n' {
                    i += 1;
                }
            }
            '[' if !in_class => {
                in_class = true;
                i += 1;
                if p.get(i) == Some(&'^') {
                    i += 1;
                }
                if p.get(i) == Some(&']') {
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                i += 1;
            }
            '(' if !in_class => {
                if p.get(i + 1) == Some(&'?') {
                    let q = p.get(i + 2).copied();
                    let q2 = p.get(i + 3).copied();
                    let close = match (q, q2) {
                        (Some('<'), Some(c)) if c != '=' && c != '!' => Some('>'),
                        (Some('\''), _) => Some('\''),
                        (Some('P'), Some('<')) => Some('>'),
                        _ => None,
                    };
                    if let Some(close) = close {
                        let start = if q == Some('P') { i + 4 } else { i + 3 };
                        let mut k = start;
                        while k < p.len() && p[k] != close {
                            k += 1;
                        }
                        groups.push(Some(p[start..k.min(p.len())].iter().collect()));
                    }
                } else {
                    groups.push(None);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    groups
}

/// Group table: for each .NET group number (index), its name and fancy-regex index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// .NET group number (0 is the whole match).
    pub number: usize,
    /// The group's name; unnamed groups are named by their number.
    pub name: String,
    /// Index in the translated (fancy-regex) pattern.
    rust_index: usize,
}

fn dotnet_groups(scanned: &[Option<String>]) -> Vec<GroupInfo> {
    let mut out = vec![GroupInfo { number: 0, name: "0".to_string(), rust_index: 0 }];
    for (i, g) in scanned.iter().enumerate() {
        if g.is_none() {
            let n = out.len();
            out.push(GroupInfo { number: n, name: n.to_string(), rust_index: i + 1 });
        }
    }
    for (i, g) in scanned.iter().enumerate() {
        if let Some(name) = g {
            let n = out.len();
            out.push(GroupInfo { number: n, name: name.clone(), rust_index: i + 1 });
        }
    }
    out
}

fn is_quantifier(p: &[char], i: usize) -> bool {
    // {n}, {n,}, {n,m}
    let mut k = i + 1;
    let digits = |k: &mut usize| {
        let s = *k;
        while *k < p.len() && p[*k].is_ascii_digit() {
            *k += 1;
        }
        *k > s
    };
    if !digits(&mut k) {
        return false;
    }
    if p.get(k) == Some(&',') {
        k += 1;
        digits(&mut k);
    }
    p.get(k) == Some(&'}')
}

struct Translator<'a> {
    p: Vec<char>,
    src: &'a str,
    out: String,
    multiline: bool,
    /// IgnorePatternWhitespace: `#` starts a comment to the end of the line.
    extended: bool,
    /// .NET group number -> fancy-regex index.
    number_map: Vec<usize>,
}

impl Translator<'_> {
    fn hex(&mut self, i: &mut usize, len: usize, what: char) -> Result<(), RegexError> {
        let s: String = self.p.iter().skip(*i).take(len).collect();
        if s.len() != len || !s.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(invalid(self.src, *i, "Insufficient hex digits."));
        }
        let _ = what;
        self.out.push_str(&format!("\\x{{{s}}}"));
        *i += len;
        Ok(())
    }

    /// Translate an escape at p[i] == '\\'; returns the next index.
    fn escape(&mut self, mut i: usize, in_class: bool) -> Result<usize, RegexError> {
        let Some(&c) = self.p.get(i + 1) else {
            return Err(invalid(self.src, i + 1, "Illegal \\\\ at end of pattern."));
        };
        i += 2;
        match c {
            'A' | 'z' | 'G' if !in_class => self.out.push_str(&format!("\\{c}")),
            'Z' if !in_class => self.out.push_str("(?=\\n?\\z)"),
            'b' if in_class => self.out.push_str("\\x08"),
            'b' | 'B' | 'd' | 'D' | 'w' | 'W' | 's' | 'S' | 't' | 'n' | 'r' | 'f' | 'v' | 'a' => {
                self.out.push('\\');
                self.out.push(c);
            }
            'e' => self.out.push_str("\\x1B"),
            'p' | 'P' => {
                self.out.push('\\');
                self.out.push(c);
                if self.p.get(i) == Some(&'{') {
                    while i < self.p.len() {
                        let ch = self.p[i];
                        self.out.push(ch);
                        i += 1;
                        if ch == '}' {
                            break;
                        }
                    }
                } else {
                    return Err(invalid(self.src, i, "Malformed \\p{X} character escape."));
                }
            }
            'x' => self.hex(&mut i, 2, 'x')?,
            'u' => self.hex(&mut i, 4, 'u')?,
            'c' => {
                let Some(&l) = self.p.get(i) else {
                    return Err(invalid(self.src, i, "Missing control character."));
                };
                if !l.is_ascii_alphabetic() {
                    return Err(invalid(self.src, i, "Unrecognized control character."));
                }
                self.out.push_str(&format!("\\x{:02X}", (l.to_ascii_uppercase() as u8) - b'@'));
                i += 1;
            }
            '0' => {
                // Octal: \0 then up to two more octal digits.
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 2 && i < self.p.len() && ('0'..='7').contains(&self.p[i]) {
                    v = v * 8 + self.p[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                self.out.push_str(&format!("\\x{{{v:X}}}"));
            }
            '1'..='9' if !in_class => {
                let start = i - 1;
                let mut k = i;
                while k < self.p.len() && self.p[k].is_ascii_digit() {
                    k += 1;
                }
                let num: usize = self.p[start..k].iter().collect::<String>().parse().unwrap_or(usize::MAX);
                match self.number_map.get(num) {
                    Some(&idx) if num > 0 => {
                        self.out.push_str(&format!("\\{idx}"));
                        i = k;
                    }
                    _ => {
                        return Err(invalid(self.src, k, &format!("Reference to undefined group number {num}.")));
                    }
                }
            }
            'k' if !in_class => {
                let open = self.p.get(i).copied();
                let close = match open {
                    Some('<') => '>',
                    Some('\'') => '\'',
                    _ => return Err(invalid(self.src, i, "Malformed \\k<...> named back reference.")),
                };
                let mut k = i + 1;
                while k < self.p.len() && self.p[k] != close {
                    k += 1;
                }
                let name: String = self.p[i + 1..k.min(self.p.len())].iter().collect();
                if let Ok(num) = name.parse::<usize>() {
                    match self.number_map.get(num) {
                        Some(&idx) => self.out.push_str(&format!("\\{idx}")),
                        None => {
                            return Err(invalid(self.src, k, &format!("Reference to undefined group number {num}.")));
                        }
                    }
                } else {
                    self.out.push_str(&format!("\\k<{name}>"));
                }
                i = k + 1;
            }
            '<' | '>' => self.out.push(c),
            c if c.is_ascii_alphanumeric() || c == '_' => {
                return Err(invalid(self.src, i, &format!("Unrecognized escape sequence \\{c}.")));
            }
            c => {
                self.out.push('\\');
                self.out.push(c);
            }
        }
        Ok(i)
    }

    /// Translate a class starting at p[i] == '['; returns the next index.
    fn class(&mut self, mut i: usize) -> Result<usize, RegexError> {
        let start = i;
        self.out.push('[');
        i += 1;
        if self.p.get(i) == Some(&'^') {
            self.out.push('^');
            i += 1;
        }
        if self.p.get(i) == Some(&']') {
            self.out.push_str("\\]");
            i += 1;
        }
        loop {
            let Some(&c) = self.p.get(i) else {
                return Err(invalid(self.src, start, "Unterminated [] set."));
            };
            match c {
                ']' => {
                    self.out.push(']');
                    return Ok(i + 1);
                }
                '\\' => i = self.escape(i, true)?,
                '-' if self.p.get(i + 1) == Some(&'[') => {
                    // Subtraction: [a-z-[aeiou]] -> [a-z--[aeiou]]
                    self.out.push_str("--");
                    i = self.class(i + 1)?;
                    if self.p.get(i) != Some(&']') {
                        return Err(invalid(
                            self.src,
                            i,
                            "A subtraction must be the last element in a character class.",
                        ));
                    }
                }
                '[' | '&' | '~' => {
                    self.out.push('\\');
                    self.out.push(c);
                    i += 1;
                }
                _ => {
                    self.out.push(c);
                    i += 1;
                }
            }
        }
    }

    fn run(&mut self) -> Result<(), RegexError> {
        let mut i = 0;
        let mut depth: i32 = 0;
        while i < self.p.len() {
            let c = self.p[i];
            match c {
                '\\' => i = self.escape(i, false)?,
                '[' => i = self.class(i)?,
                '(' => {
                    depth += 1;
                    if self.p.get(i + 1) != Some(&'?') {
                        self.out.push('(');
                        i += 1;
                        continue;
                    }
                    let rest: String = self.p[i + 2..].iter().take(2).collect();
                    let r0 = rest.chars().next();
                    let r1 = rest.chars().nth(1);
                    match (r0, r1) {
                        (Some('#'), _) => {
                            // (?#comment)
                            depth -= 1;
                            let mut k = i + 3;
                            while k < self.p.len() && self.p[k] != ')' {
                                k += 1;
                            }
                            if k >= self.p.len() {
                                return Err(invalid(self.src, k, "Unterminated (?#...) comment."));
                            }
                            i = k + 1;
                        }
                        (Some('<'), Some('=' | '!')) | (Some('=' | '!' | '>' | ':'), _) => {
                            self.out.push_str("(?");
                            i += 2;
                        }
                        (Some('<' | '\''), _) => {
                            let close = if r0 == Some('<') { '>' } else { '\'' };
                            let mut k = i + 3;
                            while k < self.p.len() && self.p[k] != close {
                                k += 1;
                            }
                            if k >= self.p.len() {
                                return Err(invalid(
                                    self.src,
                                    k,
                                    "Invalid group name: Group names must begin with a word character.",
                                ));
                            }
                            let name: String = self.p[i + 3..k].iter().collect();
                            if name.contains('-') {
                                return Err(unsupported(&format!("(?<{name}>...) balancing group")));
                            }
                            if name.is_empty()
                                || name.chars().next().is_some_and(|c| c.is_ascii_digit())
                                || !name.chars().all(|c| c.is_alphanumeric() || c == '_')
                            {
                                return Err(unsupported(&format!("(?<{name}>...) group name")));
                            }
                            self.out.push_str(&format!("(?P<{name}>"));
                            i = k + 1;
                        }
                        (Some('('), _) => {
                            // Conditional (?(...)yes|no): pass through.
                            self.out.push_str("(?");
                            i += 2;
                        }
                        _ => {
                            // Inline options (?imsx-imsx) or (?imsx:...)
                            let mut k = i + 2;
                            let mut flags = String::new();
                            let mut on = true;
                            while k < self.p.len() && self.p[k] != ')' && self.p[k] != ':' {
                                let f = self.p[k];
                                match f {
                                    '-' => on = false,
                                    'i' | 's' | 'x' => {}
                                    'm' => {
                                        if on {
                                            self.multiline = true;
                                        }
                                    }
                                    'n' => return Err(unsupported("(?n) explicit capture")),
                                    _ => {
                                        return Err(invalid(self.src, k, "Unrecognized grouping construct."));
                                    }
                                }
                                flags.push(f);
                                k += 1;
                            }
                            if k >= self.p.len() {
                                return Err(invalid(self.src, k, "Not enough )'s."));
                            }
                            if self.p[k] == ')' {
                                depth -= 1;
                            }
                            self.out.push_str("(?");
                            self.out.push_str(&flags);
                            self.out.push(self.p[k]);
                            i = k + 1;
                        }
                    }
                }
                ')' => {
                    depth -= 1;
                    if depth < 0 {
                        return Err(invalid(self.src, i + 1, "Too many )'s."));
                    }
                    self.out.push(')');
                    i += 1;
                }
                '{' => {
                    if is_quantifier(&self.p, i) {
                        self.out.push('{');
                    } else {
                        self.out.push_str("\\{");
                    }
                    i += 1;
                }
                '}' => {
                    // Closing a quantifier we copied, or a literal.
                    let in_quant = self.out.rfind('{').is_some_and(|o| {
                        !self.out[..o].ends_with('\\')
                            && self.out[o + 1..].chars().all(|c| c.is_ascii_digit() || c == ',')
                    });
                    self.out.push_str(if in_quant { "}" } else { "\\}" });
                    i += 1;
                }
                '$' => {
                    self.out.push_str(if self.multiline { "$" } else { "(?=\\n?\\z)" });
                    i += 1;
                }
                '#' if self.extended => {
                    // A comment: copied as is, never interpreted.
                    while i < self.p.len() && self.p[i] != '\n' {
                        self.out.push(self.p[i]);
                        i += 1;
                    }
                }
                _ => {
                    self.out.push(c);
                    i += 1;
                }
            }
        }
        if depth > 0 {
            return Err(invalid(self.src, self.p.len(), "Not enough )'s."));
        }
        Ok(())
    }
}

/// Rewrite a .NET pattern into fancy-regex syntax. `multiline` says whether
/// RegexOptions.Multiline is on (it changes what `$` means).
pub fn translate_regex_with(pattern: &str, multiline: bool) -> Result<String, RegexError> {
    Ok(translate(pattern, multiline, false)?.0)
}

/// Is inline option `flag` switched on somewhere (`(?x)`, `(?ix:...)`)?
fn has_inline_flag(pattern: &str, flag: char) -> bool {
    let mut rest = pattern;
    while let Some(i) = rest.find("(?") {
        let after = &rest[i + 2..];
        let flags: String = after.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if flags.contains(flag) && flags.chars().all(|c| "imnsx".contains(c)) {
            return true;
        }
        rest = after;
    }
    false
}

/// Rewrite a .NET pattern (no options) into fancy-regex syntax.
pub fn translate_regex(pattern: &str) -> Result<String, RegexError> {
    translate_regex_with(pattern, false)
}

fn translate(pattern: &str, multiline: bool, extended: bool) -> Result<(String, Vec<GroupInfo>), RegexError> {
    let extended = extended || has_inline_flag(pattern, 'x');
    let p: Vec<char> = pattern.chars().collect();
    let scanned = scan_groups(&p, extended);
    let groups = dotnet_groups(&scanned);
    let mut number_map = vec![0usize; groups.len()];
    for g in &groups {
        number_map[g.number] = g.rust_index;
    }
    // Duplicate names are legal in .NET (they share one group) but not here.
    let mut names: Vec<&String> = scanned.iter().flatten().collect();
    names.sort();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return Err(unsupported("duplicate group name"));
    }
    // A (?m) anywhere makes `$` multiline for the whole pattern.
    let multiline = multiline || has_inline_flag(pattern, 'm');
    let mut t =
        Translator { p, src: pattern, out: String::with_capacity(pattern.len() + 8), multiline, extended, number_map };
    t.run()?;
    Ok((t.out, groups))
}

/// `[regex]::Escape`: escapes `\ * + ? | { [ ( ) ^ $ . #` and white space.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\\' | '*' | '+' | '?' | '|' | '{' | '[' | '(' | ')' | '^' | '$' | '.' | '#' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            _ => out.push(c),
        }
    }
    out
}

/// One group of a match, numbered and named the .NET way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMatch {
    pub number: usize,
    pub name: String,
    /// Byte range in the input; None when the group did not participate.
    pub range: Option<(usize, usize)>,
}

/// A match with all its groups (group 0 first, then .NET numbering).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexMatch {
    pub groups: Vec<GroupMatch>,
}

impl RegexMatch {
    /// Byte range of the whole match.
    pub fn range(&self) -> (usize, usize) {
        self.groups.first().and_then(|g| g.range).unwrap_or((0, 0))
    }
    /// Text of group `number` in `input`, if it participated.
    pub fn group_text<'a>(&self, input: &'a str, number: usize) -> Option<&'a str> {
        let (s, e) = self.groups.get(number)?.range?;
        input.get(s..e)
    }
    /// Text of the whole match.
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        let (s, e) = self.range();
        input.get(s..e).unwrap_or("")
    }
}

/// Index in UTF-16 code units of byte offset `byte` (what .NET's
/// `Match.Index` reports).
pub fn utf16_index(s: &str, byte: usize) -> usize {
    s.get(..byte).map(|p| p.encode_utf16().count()).unwrap_or(0)
}

/// A compiled .NET-dialect regex.
#[derive(Debug, Clone)]
pub struct DotNetRegex {
    re: fancy_regex::Regex,
    groups: Vec<GroupInfo>,
    pattern: String,
}

fn runtime_error(e: fancy_regex::Error) -> RegexError {
    RegexError { message: format!("The regular expression could not be evaluated: {e}") }
}

impl DotNetRegex {
    /// Compile `pattern` with `options`.
    pub fn new(pattern: &str, options: RegexOptions) -> Result<DotNetRegex, RegexError> {
        let (translated, groups) = translate(pattern, options.multiline, options.ignore_pattern_whitespace)?;
        let re = fancy_regex::RegexBuilder::new(&translated)
            .case_insensitive(options.ignore_case)
            .multi_line(options.multiline)
            .dot_matches_new_line(options.singleline)
            .ignore_whitespace(options.ignore_pattern_whitespace)
            .build()
            .map_err(|e| RegexError { message: format!("Invalid pattern '{pattern}': {e}") })?;
        Ok(DotNetRegex { re, groups, pattern: pattern.to_string() })
    }

    /// The .NET pattern text.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Groups in .NET order (0 first): numbers and names.
    pub fn groups(&self) -> &[GroupInfo] {
        &self.groups
    }

    /// .NET group number of a name (`"2"` or `"user"`).
    pub fn group_number(&self, name: &str) -> Option<usize> {
        self.groups.iter().find(|g| g.name == name).map(|g| g.number)
    }

    pub fn is_match(&self, input: &str) -> Result<bool, RegexError> {
        self.re.is_match(input).map_err(runtime_error)
    }

    fn to_match(&self, caps: &fancy_regex::Captures<'_, str>) -> RegexMatch {
        RegexMatch {
            groups: self
                .groups
                .iter()
                .map(|g| GroupMatch {
                    number: g.number,
                    name: g.name.clone(),
                    range: caps.get(g.rust_index).map(|m| (m.start(), m.end())),
                })
                .collect(),
        }
    }

    /// The first match (`-match`, `[regex]::Match`).
    pub fn first_match(&self, input: &str) -> Result<Option<RegexMatch>, RegexError> {
        Ok(self.re.captures(input).map_err(runtime_error)?.map(|c| self.to_match(&c)))
    }

    /// All non-overlapping matches left to right (`[regex]::Matches`).
    pub fn matches(&self, input: &str) -> Result<Vec<RegexMatch>, RegexError> {
        let mut out = Vec::new();
        for caps in self.re.captures_iter(input) {
            out.push(self.to_match(&caps.map_err(runtime_error)?));
        }
        Ok(out)
    }

    /// `Regex.Replace(input, replacement)` with .NET substitutions
    /// (`$1`, `${name}`, `$$`, `$&`, `` $` ``, `$'`, `$+`, `$_`).
    pub fn replace(&self, input: &str, replacement: &str) -> Result<String, RegexError> {
        let parts = parse_replacement(replacement, self);
        self.replace_with(input, |m| {
            let mut s = String::new();
            expand_replacement(&parts, m, input, &mut s);
            s
        })
    }

    /// Replace every match with what `f` returns (`-replace` with a script block).
    pub fn replace_with(&self, input: &str, mut f: impl FnMut(&RegexMatch) -> String) -> Result<String, RegexError> {
        let mut out = String::with_capacity(input.len());
        let mut last = 0;
        for m in self.matches(input)? {
            let (s, e) = m.range();
            out.push_str(input.get(last..s).unwrap_or(""));
            out.push_str(&f(&m));
            last = e;
        }
        out.push_str(input.get(last..).unwrap_or(""));
        Ok(out)
    }

    /// PowerShell's `-split` with a regex: at most `max` pieces (0 = all;
    /// negative = split from the right, as RegexOptions.RightToLeft does);
    /// captured groups are kept in the result, as `Regex.Split` does.
    pub fn split(&self, input: &str, max: i32) -> Result<Vec<String>, RegexError> {
        let mut all = self.matches(input)?;
        if max == 1 || max == -1 {
            return Ok(vec![input.to_string()]);
        }
        let limit = max.unsigned_abs() as usize;
        if limit > 1 && all.len() > limit - 1 {
            if max > 0 {
                all.truncate(limit - 1);
            } else {
                all.drain(..all.len() - (limit - 1));
            }
        }
        let mut out = Vec::with_capacity(all.len() * 2 + 1);
        let mut last = 0;
        for m in &all {
            let (s, e) = m.range();
            out.push(input.get(last..s).unwrap_or("").to_string());
            for g in m.groups.iter().skip(1) {
                if let Some((gs, ge)) = g.range {
                    out.push(input.get(gs..ge).unwrap_or("").to_string());
                }
            }
            last = e;
        }
        out.push(input.get(last..).unwrap_or("").to_string());
        Ok(out)
    }
}

thread_local! {
    static CACHE: std::cell::RefCell<std::collections::HashMap<(String, RegexOptions), std::sync::Arc<DotNetRegex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Entries kept per thread before the cache starts over.
const CACHE_CAPACITY: usize = 256;

impl DotNetRegex {
    /// A compiled regex from a per-thread cache, as .NET's Regex cache
    /// serves `-match` in a loop: the pattern is translated and compiled once.
    pub fn cached(pattern: &str, options: RegexOptions) -> Result<std::sync::Arc<DotNetRegex>, RegexError> {
        let key = (pattern.to_string(), options);
        if let Some(hit) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
            return Ok(hit);
        }
        let re = std::sync::Arc::new(DotNetRegex::new(pattern, options)?);
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= CACHE_CAPACITY {
                c.clear();
            }
            c.insert(key, re.clone());
        });
        Ok(re)
    }
}

/// A piece of a parsed replacement string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ReplPart {
    Text(String),
    Group(usize),
    WholeMatch,
    Before,
    After,
    LastGroup,
    Input,
}

fn parse_replacement(r: &str, re: &DotNetRegex) -> Vec<ReplPart> {
    let c: Vec<char> = r.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let flush = |text: &mut String, parts: &mut Vec<ReplPart>| {
        if !text.is_empty() {
            parts.push(ReplPart::Text(std::mem::take(text)));
        }
    };
    while i < c.len() {
        if c[i] != '$' || i + 1 >= c.len() {
            text.push(c[i]);
            i += 1;
            continue;
        }
        let n = c[i + 1];
        let special = match n {
            '$' => {
                text.push('$');
                i += 2;
                continue;
            }
            '&' => Some(ReplPart::WholeMatch),
            '`' => Some(ReplPart::Before),
            '\'' => Some(ReplPart::After),
            '+' => Some(ReplPart::LastGroup),
            '_' => Some(ReplPart::Input),
            _ => None,
        };
        if let Some(p) = special {
            flush(&mut text, &mut parts);
            parts.push(p);
            i += 2;
            continue;
        }
        if n.is_ascii_digit() {
            let mut k = i + 1;
            while k < c.len() && c[k].is_ascii_digit() {
                k += 1;
            }
            let num: Option<usize> = c[i + 1..k].iter().collect::<String>().parse().ok();
            if let Some(num) = num.filter(|&n| n < re.groups.len()) {
                flush(&mut text, &mut parts);
                parts.push(ReplPart::Group(num));
                i = k;
                continue;
            }
        } else if n == '{'
            && let Some(close) = c[i + 2..].iter().position(|&x| x == '}')
        {
            let name: String = c[i + 2..i + 2 + close].iter().collect();
            if let Some(num) = re.group_number(&name) {
                flush(&mut text, &mut parts);
                parts.push(ReplPart::Group(num));
                i += 3 + close;
                continue;
            }
        }
        text.push('$');
        i += 1;
    }
    flush(&mut text, &mut parts);
    parts
}

fn expand_replacement(parts: &[ReplPart], m: &RegexMatch, input: &str, out: &mut String) {
    let (s, e) = m.range();
    for p in parts {
        match p {
            ReplPart::Text(t) => out.push_str(t),
            ReplPart::Group(n) => out.push_str(m.group_text(input, *n).unwrap_or("")),
            ReplPart::WholeMatch => out.push_str(input.get(s..e).unwrap_or("")),
            ReplPart::Before => out.push_str(input.get(..s).unwrap_or("")),
            ReplPart::After => out.push_str(input.get(e..).unwrap_or("")),
            ReplPart::LastGroup => {
                let last = m.groups.len().saturating_sub(1);
                if last > 0 {
                    out.push_str(m.group_text(input, last).unwrap_or(""));
                } else {
                    out.push_str(input.get(s..e).unwrap_or(""));
                }
            }
            ReplPart::Input => out.push_str(input),
        }
    }
}

/// Translate a .NET replacement string into fancy-regex's `$`-syntax for
/// the pattern's translated group numbers (for callers that use the crate
/// directly). `$$` stays `$$`; `$&` becomes `${0}`; `` $` ``, `$'`, `$+`
/// and `$_` have no equivalent and are reported.
pub fn translate_replacement(replacement: &str, re: &DotNetRegex) -> Result<String, RegexError> {
    let mut out = String::new();
    for p in parse_replacement(replacement, re) {
        match p {
            ReplPart::Text(t) => out.push_str(&t.replace('$', "$$")),
            ReplPart::Group(n) => {
                let idx = re.groups.get(n).map_or(0, |g| g.rust_index);
                out.push_str(&format!("${{{idx}}}"));
            }
            ReplPart::WholeMatch => out.push_str("${0}"),
            ReplPart::Before => return Err(unsupported("$` substitution")),
            ReplPart::After => return Err(unsupported("$' substitution")),
            ReplPart::LastGroup => return Err(unsupported("$+ substitution")),
            ReplPart::Input => return Err(unsupported("$_ substitution")),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ci(p: &str) -> DotNetRegex {
        DotNetRegex::new(p, RegexOptions::IGNORE_CASE).unwrap()
    }
    fn cs(p: &str) -> DotNetRegex {
        DotNetRegex::new(p, RegexOptions::default()).unwrap()
    }

    #[test]
    fn translation() {
        assert_eq!(translate_regex("(?<n>a)(?'m'b)").unwrap(), "(?P<n>a)(?P<m>b)");
        assert_eq!(translate_regex("a$").unwrap(), "a(?=\\n?\\z)");
        assert_eq!(translate_regex_with("a$", true).unwrap(), "a$");
        assert_eq!(translate_regex("[a-z-[aeiou]]").unwrap(), "[a-z--[aeiou]]");
        assert_eq!(translate_regex("{foo}").unwrap(), "\\{foo\\}");
        assert_eq!(translate_regex("a{2,3}").unwrap(), "a{2,3}");
        assert_eq!(translate_regex("[[:alpha:]]").unwrap(), "[\\[:alpha:]]");
        assert_eq!(translate_regex("\\e\\cA\\u0041\\012").unwrap(), "\\x1B\\x01\\x{0041}\\x{A}");
        assert_eq!(translate_regex("a(?#note)b").unwrap(), "ab");
        assert_eq!(translate_regex("\\<b\\>").unwrap(), "<b>");
        assert_eq!(translate_regex("[\\b]").unwrap(), "[\\x08]");
    }

    // Patterns used by the admin scripts in ../shared/corpus.
    #[test]
    fn corpus_patterns() {
        assert!(ci("^Batch\\d{2}$").is_match("batch07").unwrap());
        assert!(!ci("^Batch\\d{2}$").is_match("Batch7").unwrap());
        let re = ci("\\(([\\d,\\.]+) bytes\\)");
        let s = "1.5 GB (1,610,612,736 bytes)";
        assert_eq!(re.first_match(s).unwrap().unwrap().group_text(s, 1), Some("1,610,612,736"));
        assert_eq!(ci("[,\\.]").replace("1,610.5", "").unwrap(), "16105");
        assert_eq!(ci("\\s+").replace("a  b\tc", " ").unwrap(), "a b c");
        assert_eq!(ci("\\\\[^\\\\]*(?:\\\\)?$").replace("C:\\dir\\file.csv", "").unwrap(), "C:\\dir");
        assert!(ci("(\\.csv)").is_match("users.CSV").unwrap());
    }

    // Conformance sw-004, and escaped punctuation that .NET accepts.
    #[test]
    fn escaped_punctuation() {
        assert!(ci("^ftp\\://.*$").is_match("ftp://x").unwrap());
        assert!(ci("^(http[s]?)\\://.*$").is_match("https://bing.com").unwrap());
        assert!(!ci("^\\w+@\\w+\\.com|edu|org$").is_match("https://bing.com").unwrap());
        for c in ['/', '-', '"', '\'', '@', '%', '=', '!', ',', ';', '&', '~', '`', ':', '<', '>', ' ', '#'] {
            let p = format!("a\\{c}b");
            let re = DotNetRegex::new(&p, RegexOptions::default()).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert!(re.is_match(&format!("a{c}b")).unwrap(), "{p}");
        }
        // Word characters cannot be escaped in .NET (IsBoundaryWordChar).
        assert!(translate_regex("a\\_b").is_err());
    }

    #[test]
    fn extended_mode_comments() {
        let o = RegexOptions { ignore_pattern_whitespace: true, ..Default::default() };
        let re = DotNetRegex::new("(\\d+) # a number (with parens\n - (\\w+)", o).unwrap();
        let m = re.first_match("42-ab").unwrap().unwrap();
        assert_eq!(m.group_text("42-ab", 2), Some("ab"));
        assert!(DotNetRegex::new("(?x) a b # c (", RegexOptions::default()).unwrap().is_match("ab").unwrap());
        assert!(has_inline_flag("(?im)x", 'm'));
        assert!(!has_inline_flag("(?<m>x)", 'm'));
    }

    #[test]
    fn translation_errors() {
        assert!(translate_regex("(?<a-b>x)").unwrap_err().message.contains("not supported"));
        assert!(translate_regex("(?n)x").unwrap_err().message.contains("not supported"));
        assert_eq!(translate_regex("(").unwrap_err().message, "Invalid pattern '(' at offset 1. Not enough )'s.");
        assert_eq!(translate_regex(")").unwrap_err().message, "Invalid pattern ')' at offset 1. Too many )'s.");
        assert!(translate_regex("\\q").unwrap_err().message.contains("Unrecognized escape sequence \\q."));
        assert!(translate_regex("[abc").is_err());
        assert!(translate_regex("(a)\\2").is_err());
        assert!(DotNetRegex::new("a**", RegexOptions::default()).is_err());
    }

    // Conformance match-001, match-002, fmt-007.
    #[test]
    fn conformance_match() {
        let s = "The last logged on user was CONTOSO\\jsmith";
        let re = ci("was (?<domain>.+)\\\\(?<user>.+)");
        let m = re.first_match(s).unwrap().unwrap();
        assert_eq!(m.text(s), "was CONTOSO\\jsmith");
        assert_eq!(m.group_text(s, re.group_number("domain").unwrap()), Some("CONTOSO"));
        assert_eq!(m.group_text(s, re.group_number("user").unwrap()), Some("jsmith"));
        let re = ci("(.+was )(.+)");
        let m = re.first_match(s).unwrap().unwrap();
        assert_eq!(m.group_text(s, 1), Some("The last logged on user was "));
        assert_eq!(m.group_text(s, 2), Some("CONTOSO\\jsmith"));
        assert!(ci("^(red|green|blue)$").is_match("green").unwrap());
        assert!(ci("^(red|green|blue)$").is_match("GREEN").unwrap());
        assert!(!cs("^(red|green|blue)$").is_match("GREEN").unwrap());
    }

    #[test]
    fn dotnet_group_numbering_and_lookaround() {
        // .NET numbers unnamed groups before named ones.
        let re = cs("(?<n>a)(b)");
        let m = re.first_match("ab").unwrap().unwrap();
        assert_eq!(m.groups[1].name, "1");
        assert_eq!(m.group_text("ab", 1), Some("b"));
        assert_eq!(m.groups[2].name, "n");
        assert_eq!(m.group_text("ab", 2), Some("a"));
        assert!(cs("foo(?=bar)").is_match("foobar").unwrap());
        assert!(!cs("(?<!x)foo").is_match("xfoo").unwrap());
        assert!(cs("(\\w)\\1").is_match("hello").unwrap());
        assert!(cs("(?<c>\\w)\\k<c>").is_match("hello").unwrap());
        assert!(cs("abc$").is_match("abc\n").unwrap());
        assert!(!cs("abc$").is_match("abc\n\n").unwrap());
        assert!(cs("abc\\Z").is_match("abc\n").unwrap());
        assert!(!cs("abc\\z").is_match("abc\n").unwrap());
    }

    // Conformance repl-001, repl-002, repl-003, repl-005.
    #[test]
    fn conformance_replace() {
        assert_eq!(ci("Get").replace("Get-Process", "Stop").unwrap(), "Stop-Process");
        assert_eq!(ci("\\.gif$").replace("image.gif", ".jpg").unwrap(), "image.jpg");
        assert_eq!(ci("B").replace("book", "C").unwrap(), "Cook");
        assert_eq!(cs("B").replace("book", "C").unwrap(), "book");
        assert_eq!(ci("Point").replace("PowerPoint", "").unwrap(), "Power");
        assert_eq!(
            ci(".*\\.(\\w+)$").replace("domain.example", "Tld of '$0' is - '$1'").unwrap(),
            "Tld of 'domain.example' is - 'example'"
        );
        assert_eq!(ci(".*\\.(?<tld>\\w+)$").replace("domain.example", "${tld}").unwrap(), "example");
        let re = ci("\\b[A-C]+");
        assert_eq!(re.replace_with("ID ABC123", |m| "X".repeat(m.text("ID ABC123").len())).unwrap(), "ID XXX123");
        assert_eq!(ci("ATX").replace("ATX-SQL-01", "LAX").unwrap(), "LAX-SQL-01");
    }

    // substitutions-in-regular-expressions.md
    #[test]
    fn substitutions() {
        let s = "aa1bb2cc3";
        assert_eq!(cs("\\d").replace(s, "$$").unwrap(), "aa$bb$cc$");
        assert_eq!(cs("\\d").replace(s, "[$&]").unwrap(), "aa[1]bb[2]cc[3]");
        assert_eq!(cs("b+").replace("aabbcc", "$`").unwrap(), "aaaacc");
        assert_eq!(cs("b+").replace("aabbcc", "$'").unwrap(), "aacccc");
        assert_eq!(cs("b+").replace("aabbcc", "$_").unwrap(), "aaaabbcccc");
        assert_eq!(cs("(a)(b)?").replace("a", "<$+>").unwrap(), "<>");
        // $10 with one group is literal text; ${x} for a missing group too.
        assert_eq!(cs("(a)").replace("a", "$10").unwrap(), "$10");
        assert_eq!(cs("(a)").replace("a", "${x}").unwrap(), "${x}");
        assert_eq!(cs("(a)").replace("a", "$1$").unwrap(), "a$");
        let re = cs("(?<n>a)(b)");
        assert_eq!(translate_replacement("$1-${n}-$$", &re).unwrap(), "${2}-${1}-$$");
    }

    // Conformance split-001, split-002, split-005, split-006, split-008.
    #[test]
    fn conformance_split() {
        let j = |v: Vec<String>| v.join("|");
        assert_eq!(j(ci(" ").split("a b c d", 0).unwrap()), "a|b|c|d");
        assert_eq!(j(ci(" ").split("a b c d", 2).unwrap()), "a|b c d");
        assert_eq!(j(ci(" ").split("a b c d", -2).unwrap()), "a b c|d");
        assert_eq!(j(ci(" ").split("a b c d", -1).unwrap()), "a b c d");
        let c = "Mercury,Venus,Earth,Mars,Jupiter,Saturn,Uranus,Neptune";
        assert_eq!(j(ci(",").split(c, 5).unwrap()), "Mercury|Venus|Earth|Mars|Jupiter,Saturn,Uranus,Neptune");
        assert_eq!(j(ci(",").split(c, -5).unwrap()), "Mercury,Venus,Earth,Mars|Jupiter|Saturn|Uranus|Neptune");
        assert_eq!(
            j(ci("(-)").split("Chocolate-Vanilla-Strawberry-Blueberry", 3).unwrap()),
            "Chocolate|-|Vanilla|-|Strawberry-Blueberry"
        );
        assert_eq!(j(ci("er").split(c, 0).unwrap()), "M|cury,Venus,Earth,Mars,Jupit|,Saturn,Uranus,Neptune");
        assert_eq!(j(cs("N").split(c, 0).unwrap()), "Mercury,Venus,Earth,Mars,Jupiter,Saturn,Uranus,|eptune");
        assert_eq!(j(ci("\\.").split("This.is.a.test", 0).unwrap()), "This|is|a|test");
        assert_eq!(j(ci(&regex_escape(".")).split("This.is.a.test", 0).unwrap()), "This|is|a|test");
        let ml = DotNetRegex::new("^\\d", RegexOptions { multiline: true, ignore_case: true, ..Default::default() })
            .unwrap();
        assert_eq!(
            j(ml.split("1The first line.\n2The second line.", 0).unwrap()),
            "|The first line.\n|The second line."
        );
        assert_eq!(j(cs("").split("abc", 0).unwrap()), "|a|b|c|");
    }

    // Regex.Escape docs.
    #[test]
    fn escape() {
        assert_eq!(
            regex_escape("a.b*c (d) [e] {f} $^|?+#\\"),
            "a\\.b\\*c\\ \\(d\\)\\ \\[e]\\ \\{f}\\ \\$\\^\\|\\?\\+\\#\\\\"
        );
        assert_eq!(regex_escape("\t\n"), "\\t\\n");
        let s = "C:\\Temp\\file (1).txt";
        assert!(cs(&regex_escape(s)).is_match(s).unwrap());
    }

    #[test]
    fn cache_returns_the_same_compiled_regex() {
        let a = DotNetRegex::cached("a+b", RegexOptions::IGNORE_CASE).unwrap();
        let b = DotNetRegex::cached("a+b", RegexOptions::IGNORE_CASE).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        let c = DotNetRegex::cached("a+b", RegexOptions::default()).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&a, &c));
        assert!(a.is_match("AAB").unwrap() && !c.is_match("AAB").unwrap());
        assert!(DotNetRegex::cached("(", RegexOptions::default()).is_err());
    }

    #[test]
    fn utf16_indexes() {
        let s = "h\u{e9}llo \u{1F600} x";
        let m = cs("x").first_match(s).unwrap().unwrap();
        assert_eq!(utf16_index(s, m.range().0), 9);
    }
}
