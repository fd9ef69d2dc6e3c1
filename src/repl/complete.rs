//! Tab completion: what to put in place of which part of the line.

use super::scan::{Kind, Tok, scan};
use super::{CompletionSource, ParamInfo};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What a suggestion completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    Command,
    Parameter,
    /// An enum or ValidateSet value.
    Value,
    /// A tenant name (endpoint, batch, mailbox, user).
    Identity,
    Variable,
    Member,
    Path,
    Operator,
    /// A type name inside `[...]`.
    Type,
}

/// One candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The text that replaces [`Completion::replace`].
    pub value: String,
    /// Help shown beside it (a parameter's type and help).
    pub description: Option<String>,
    pub kind: SuggestionKind,
}

/// The completer's answer: the byte range of the line to replace and the candidates
/// in the order Tab cycles through them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    pub replace: Range<usize>,
    pub suggestions: Vec<Suggestion>,
}

impl Completion {
    /// The values alone (for tests and the transcript).
    pub fn values(&self) -> Vec<&str> {
        self.suggestions.iter().map(|s| s.value.as_str()).collect()
    }

    /// `line` with the first suggestion applied (what one Tab shows).
    pub fn apply_first(&self, line: &str) -> Option<String> {
        let s = self.suggestions.first()?;
        let mut out = String::with_capacity(line.len() + s.value.len());
        out.push_str(line.get(..self.replace.start)?);
        out.push_str(&s.value);
        out.push_str(line.get(self.replace.end..)?);
        Some(out)
    }
}

const OPERATORS: &[&str] = &[
    "-and",
    "-as",
    "-band",
    "-bnot",
    "-bor",
    "-bxor",
    "-ceq",
    "-clike",
    "-cmatch",
    "-cne",
    "-contains",
    "-creplace",
    "-csplit",
    "-eq",
    "-f",
    "-ge",
    "-gt",
    "-ieq",
    "-ilike",
    "-imatch",
    "-in",
    "-ireplace",
    "-is",
    "-isnot",
    "-join",
    "-le",
    "-like",
    "-lt",
    "-match",
    "-ne",
    "-not",
    "-notcontains",
    "-notin",
    "-notlike",
    "-notmatch",
    "-or",
    "-replace",
    "-shl",
    "-shr",
    "-split",
    "-xor",
];

/// Parameters whose argument is a file path.
const PATH_PARAMETERS: &[&str] =
    &["Path", "LiteralPath", "FilePath", "CSVData", "OutFile", "Destination", "ScriptPath", "WorkingDirectory"];

/// Type accelerators and full type names scripts use most (the default of
/// [`CompletionSource::type_names`]).
pub(crate) const COMMON_TYPES: &[&str] = &[
    "array",
    "bool",
    "byte",
    "char",
    "datetime",
    "decimal",
    "double",
    "guid",
    "hashtable",
    "int",
    "long",
    "ordered",
    "pscredential",
    "pscustomobject",
    "psobject",
    "regex",
    "scriptblock",
    "securestring",
    "string",
    "switch",
    "timespan",
    "void",
    "xml",
    "System.Collections.ArrayList",
    "System.Collections.Generic.List",
    "System.Collections.Hashtable",
    "System.DateTime",
    "System.Environment",
    "System.Guid",
    "System.IO.Directory",
    "System.IO.File",
    "System.IO.Path",
    "System.Management.Automation.PSCredential",
    "System.Math",
    "System.Net.Dns",
    "System.Security.SecureString",
    "System.String",
    "System.Text.Encoding",
    "System.Text.RegularExpressions.Regex",
    "System.TimeSpan",
];

/// Parameters that take property names of the objects flowing in.
const PROPERTY_PARAMETERS: &[&str] = &["Property", "ExpandProperty", "GroupBy", "ExcludeProperty"];

/// At most this many tenant names are offered for one Tab (the first in order).
const MAX_IDENTITIES: usize = 1000;

/// At most this many paths are listed for one Tab.
const MAX_PATHS: usize = 500;

/// PowerShell's wildcard match (`*`, `?`, `[a-z]`), case-insensitive, on the whole text.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    wild(&p, &t)
}

fn wild(p: &[char], t: &[char]) -> bool {
    // Iterative matcher with backtracking on the last '*'.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('?') => {
                pi += 1;
                ti += 1;
                continue;
            }
            Some('[') => {
                if let Some((matched, len)) = class_match(&p[pi..], t[ti]) {
                    if matched {
                        pi += len;
                        ti += 1;
                        continue;
                    }
                } else if t[ti] == '[' {
                    pi += 1;
                    ti += 1;
                    continue;
                }
            }
            Some('`') if p.get(pi + 1) == Some(&t[ti]) => {
                pi += 2;
                ti += 1;
                continue;
            }
            Some(c) if *c == t[ti] => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// `[abc]`, `[a-z]` at the start of `p`: whether `c` is in it, and the class's length.
fn class_match(p: &[char], c: char) -> Option<(bool, usize)> {
    let end = p.iter().position(|x| *x == ']')?;
    let body = &p[1..end];
    let mut i = 0;
    let mut hit = false;
    while i < body.len() {
        if i + 2 < body.len() && body[i + 1] == '-' {
            if body[i] <= c && c <= body[i + 2] {
                hit = true;
            }
            i += 3;
        } else {
            if body[i] == c {
                hit = true;
            }
            i += 1;
        }
    }
    Some((hit, end + 1))
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

fn starts_with_ci(text: &str, prefix: &str) -> bool {
    if text.is_char_boundary(prefix.len().min(text.len()))
        && text.get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix))
    {
        return true;
    }
    if prefix.is_ascii() && text.is_ascii() {
        return false;
    }
    let mut t = text.chars().flat_map(char::to_lowercase);
    prefix.chars().flat_map(char::to_lowercase).all(|p| t.next() == Some(p))
}

/// Prefix match, or a wildcard match with an implied trailing `*` when the pattern has
/// one; case-insensitive. Built once per Tab, applied to every candidate.
enum Matcher {
    /// An ASCII prefix: a byte comparison per candidate.
    Ascii(Vec<u8>),
    Prefix(String),
    Wild(Vec<char>),
}

impl Matcher {
    fn new(pattern: &str) -> Matcher {
        if has_wildcard(pattern) {
            let mut p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
            if p.last() != Some(&'*') {
                p.push('*');
            }
            Matcher::Wild(p)
        } else if pattern.is_ascii() {
            Matcher::Ascii(pattern.as_bytes().to_ascii_lowercase())
        } else {
            Matcher::Prefix(pattern.to_string())
        }
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Matcher::Ascii(p) => {
                let t = text.as_bytes();
                t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p)
            }
            Matcher::Prefix(p) => starts_with_ci(text, p),
            Matcher::Wild(p) => {
                let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
                wild(p, &t)
            }
        }
    }
}

fn name_matches(pattern: &str, text: &str) -> bool {
    Matcher::new(pattern).matches(text)
}

/// The humps of a name part: `MigrationBatch` → `Migration`, `Batch`.
fn humps(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if i > start && c.is_uppercase() {
            out.push(&s[start..i]);
            start = i;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Pieces of a typed abbreviation: `MigB` → `Mig`, `B`; all lower case `mb` → `m`, `b`.
fn pieces(s: &str) -> Vec<String> {
    if s.chars().all(|c| !c.is_uppercase()) {
        return s.chars().map(|c| c.to_string()).collect();
    }
    humps(s).into_iter().map(str::to_string).collect()
}

/// Verb-Noun abbreviations: `Get-MigB` and `g-mb` both name Get-MigrationBatch. The
/// verb is a prefix of the verb; each piece of the noun starts the next hump of the noun.
fn abbreviation_matches(pattern: &str, name: &str) -> bool {
    let (Some((pv, pn)), Some((nv, nn))) = (pattern.split_once('-'), name.split_once('-')) else {
        return false;
    };
    if pn.is_empty() || !starts_with_ci(nv, pv) {
        return false;
    }
    let name_humps = humps(nn);
    let pieces = pieces(pn);
    if pieces.len() > name_humps.len() {
        return false;
    }
    pieces.iter().zip(&name_humps).all(|(p, h)| starts_with_ci(h, p))
}

/// Keeps the first `limit` names in case-insensitive order, sorted, without duplicates.
/// Linear in the number of names plus `limit log limit`: a tenant may have 20,000 users.
fn first_names(names: &mut Vec<&String>, limit: usize) {
    let mut keyed: Vec<(String, &String)> = names.iter().map(|n| (n.to_lowercase(), *n)).collect();
    if keyed.len() > limit {
        keyed.select_nth_unstable(limit);
        keyed.truncate(limit);
    }
    keyed.sort_unstable();
    keyed.dedup_by(|a, b| a.0 == b.0);
    *names = keyed.into_iter().map(|(_, n)| n).collect();
}

/// Sorts names case-insensitively and drops case-insensitive duplicates.
fn sort_names(names: &mut Vec<&String>) {
    names.sort_by_cached_key(|n| n.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
}

fn quote_if_needed(value: &str) -> String {
    let special = value.is_empty()
        || value.chars().any(|c| {
            c.is_whitespace() || matches!(c, '\'' | '"' | '$' | '`' | '(' | ')' | '{' | '}' | ';' | ',' | '|' | '&')
        })
        || value.starts_with(['@', '#', '-', '<', '>']);
    if special { format!("'{}'", value.replace('\'', "''")) } else { value.to_string() }
}

fn suggestion(value: String, kind: SuggestionKind, description: Option<String>) -> Suggestion {
    Suggestion { value, description, kind }
}

/// Completes `line` at byte offset `cursor`.
pub fn complete(line: &str, cursor: usize, src: &dyn CompletionSource) -> Completion {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let toks = scan(line);
    // The token under the cursor: it starts before the cursor and reaches it.
    let cur = toks.iter().position(|t| t.range.start < cursor && cursor <= t.range.end);
    let before = match cur {
        Some(i) => &toks[..i],
        None => {
            let n = toks.iter().take_while(|t| t.range.end <= cursor).count();
            &toks[..n]
        }
    };
    let ctx = Ctx { line, cursor, toks: &toks, src };
    match cur {
        Some(i) => ctx.at_token(i, before),
        None => ctx.at_gap(before),
    }
}

struct Ctx<'a> {
    line: &'a str,
    cursor: usize,
    toks: &'a [Tok],
    src: &'a dyn CompletionSource,
}

impl<'a> Ctx<'a> {
    fn text(&self, t: &Tok) -> &'a str {
        self.line.get(t.range.clone()).unwrap_or("")
    }

    fn empty(&self) -> Completion {
        Completion { replace: self.cursor..self.cursor, suggestions: Vec::new() }
    }

    fn at_token(&self, i: usize, before: &[Tok]) -> Completion {
        let t = &self.toks[i];
        let typed = self.line.get(t.range.start..self.cursor).unwrap_or("");
        match t.kind {
            Kind::Command => {
                if looks_like_path(typed) {
                    self.paths(t.range.clone(), typed)
                } else {
                    self.commands(t.range.clone(), typed)
                }
            }
            Kind::Parameter => match t.command {
                Some(c) => self.parameters(c, t.range.clone(), typed),
                None => self.empty(),
            },
            Kind::Variable => self.variables(t.range.clone(), typed),
            Kind::Type if !typed.contains(']') => {
                let start = t.range.start + 1;
                let end = if self.text(t).ends_with(']') { t.range.end - 1 } else { t.range.end };
                self.types(start..end.max(start), &typed[1..])
            }
            Kind::Member => {
                let dot = before.last().map_or(t.range.start, |d| d.range.start);
                self.members(dot, t.range.clone(), typed)
            }
            Kind::Punct if matches!(self.text(t), "." | "::") && t.range.end == self.cursor => {
                self.members(t.range.start, self.cursor..self.cursor, "")
            }
            Kind::Operator if typed.starts_with('-') && typed.len() > 1 || typed == "-" => {
                self.operators(t.range.clone(), typed)
            }
            Kind::Argument if typed == "-" => match t.command {
                Some(c) => self.parameters(c, t.range.clone(), typed),
                None => self.operators(t.range.clone(), typed),
            },
            Kind::Argument | Kind::Number | Kind::Str { .. } => match t.command {
                Some(c) => self.argument(c, Some(i), before),
                None if matches!(t.kind, Kind::Str { .. }) => self.path_in_string(t),
                None => self.empty(),
            },
            _ => self.empty(),
        }
    }

    /// The cursor is after whitespace (or at the start): what comes next?
    fn at_gap(&self, before: &[Tok]) -> Completion {
        let Some(prev) = before.last() else {
            return self.commands(self.cursor..self.cursor, "");
        };
        let prev_text = self.text(prev);
        let starts_command = matches!(prev.kind, Kind::Operator | Kind::Punct)
            && matches!(prev_text, "|" | ";" | "&&" | "||" | "(" | "{" | "$(" | "@(" | "&" | ".");
        if starts_command && !(prev.kind == Kind::Punct && prev_text == "." && prev.command.is_some()) {
            return self.commands(self.cursor..self.cursor, "");
        }
        let command = if prev.kind == Kind::Command {
            self.toks.iter().position(|t| std::ptr::eq(t, prev))
        } else {
            prev.command
        };
        match command {
            Some(c) => self.argument(c, None, before),
            None => self.empty(),
        }
    }

    fn commands(&self, replace: Range<usize>, typed: &str) -> Completion {
        let names = self.src.command_names();
        let m = Matcher::new(typed);
        let mut by_prefix: Vec<&String> = names.iter().filter(|n| m.matches(n)).collect();
        sort_names(&mut by_prefix);
        let mut by_abbreviation: Vec<&String> = if has_wildcard(typed) {
            Vec::new()
        } else {
            names.iter().filter(|n| !m.matches(n) && abbreviation_matches(typed, n)).collect()
        };
        sort_names(&mut by_abbreviation);
        let suggestions = by_prefix
            .into_iter()
            .chain(by_abbreviation)
            .map(|n| suggestion(n.clone(), SuggestionKind::Command, None))
            .collect();
        Completion { replace, suggestions }
    }

    fn parameters(&self, command: usize, replace: Range<usize>, typed: &str) -> Completion {
        let name = self.text(&self.toks[command]);
        let params = self.src.parameters(name);
        let typed_name = typed.trim_start_matches(['-', '\u{2013}', '\u{2014}']);
        let bound: Vec<String> = self
            .toks
            .iter()
            .filter(|t| t.kind == Kind::Parameter && t.command == Some(command) && t.range != replace)
            .filter_map(|t| resolve(&params, param_name(self.text(t))).map(|p| p.name.clone()))
            .collect();
        let matching = |p: &&ParamInfo| {
            name_matches(typed_name, &p.name)
                || p.aliases.iter().any(|a| !typed_name.is_empty() && name_matches(typed_name, a))
        };
        let describe = |p: &ParamInfo| {
            let ty = if p.type_name.is_empty() { String::new() } else { format!("[{}] ", p.type_name) };
            Some(format!("{ty}{}", p.help).trim().to_string()).filter(|d| !d.is_empty())
        };
        let mut out = Vec::new();
        for unbound_pass in [true, false] {
            for p in params.iter().filter(matching) {
                let is_bound = bound.iter().any(|b| b.eq_ignore_ascii_case(&p.name));
                if is_bound != unbound_pass
                    && !out.iter().any(|s: &Suggestion| s.value[1..].eq_ignore_ascii_case(&p.name))
                {
                    out.push(suggestion(format!("-{}", p.name), SuggestionKind::Parameter, describe(p)));
                }
            }
        }
        Completion { replace, suggestions: out }
    }

    /// Completes an argument of the command token at `command`; `cur` is the token
    /// under the cursor (None when the cursor is after whitespace).
    fn argument(&self, command: usize, cur: Option<usize>, before: &[Tok]) -> Completion {
        let name = self.text(&self.toks[command]);
        let params = self.src.parameters(name);
        let cur_tok = cur.map(|i| &self.toks[i]);
        // The value being typed, without an opening quote.
        let (replace, typed, quote) = match cur_tok {
            Some(t) => {
                let text = self.line.get(t.range.start..self.cursor).unwrap_or("");
                match text.chars().next() {
                    Some(q @ ('\'' | '"')) if matches!(t.kind, Kind::Str { .. }) => {
                        let closed = matches!(t.kind, Kind::Str { open: false }) && t.range.end > self.cursor;
                        let end = if closed { t.range.end - 1 } else { t.range.end };
                        (t.range.start + 1..end.max(t.range.start + 1), &text[1..], Some(q))
                    }
                    _ => (t.range.clone(), text, None),
                }
            }
            None => (self.cursor..self.cursor, "", None),
        };
        // The argument's parameter: the named one just before, or the positional one.
        let mine: Vec<&Tok> =
            before.iter().filter(|t| t.command == Some(command) && t.depth == self.toks[command].depth).collect();
        // Get-Help's topic: a command or an about_ topic.
        let after_param = mine.last().filter(|t| t.kind == Kind::Parameter).map(|t| param_name(self.text(t)));
        if ["Get-Help", "help", "man"].iter().any(|h| h.eq_ignore_ascii_case(name))
            && after_param.is_none_or(|p| p.eq_ignore_ascii_case("Name"))
            && positional_index(&mine, &params, |t| self.text(t)) == 0
            && quote.is_none()
        {
            let mut c = self.commands(replace.clone(), typed);
            let m = Matcher::new(typed);
            for topic in super::help::about_topics().into_iter().filter(|t| m.matches(t)) {
                c.suggestions.push(suggestion(topic.to_string(), SuggestionKind::Command, None));
            }
            return c;
        }
        let mut target: Option<&ParamInfo> = None;
        if let Some(last) = mine.last().filter(|t| t.kind == Kind::Parameter) {
            let pname = param_name(self.text(last));
            if let Some(p) = resolve(&params, pname).filter(|p| !p.is_switch || self.text(last).ends_with(':')) {
                target = Some(p);
            }
        }
        if target.is_none() {
            let position = positional_index(&mine, &params, |t| self.text(t));
            let bound: Vec<&str> =
                mine.iter().filter(|t| t.kind == Kind::Parameter).map(|t| param_name(self.text(t))).collect();
            target = params
                .iter()
                .filter(|p| !bound.iter().any(|b| resolve(&params, b).is_some_and(|r| r.name == p.name)))
                .filter(|p| p.position.is_some())
                .min_by_key(|p| p.position)
                .filter(|_| position == 0)
                .or_else(|| params.iter().find(|p| p.position == Some(position as u32)));
        }
        let mut suggestions = Vec::new();
        if let Some(p) = target {
            if p.type_name.eq_ignore_ascii_case("bool") || p.type_name.eq_ignore_ascii_case("Boolean") {
                for v in ["$true", "$false"] {
                    if starts_with_ci(v, typed) {
                        suggestions.push(suggestion(v.to_string(), SuggestionKind::Value, None));
                    }
                }
            }
            for v in &p.values {
                if name_matches(typed, v) {
                    suggestions.push(suggestion(quote_value(v, quote), SuggestionKind::Value, None));
                }
            }
            if suggestions.is_empty() && PROPERTY_PARAMETERS.iter().any(|n| n.eq_ignore_ascii_case(&p.name)) {
                // Property names of what flows in: the members of the pipeline before `|`.
                if let Some(upstream) = self.upstream_text(command) {
                    let m = Matcher::new(typed);
                    for member in self.src.members(upstream) {
                        if !member.ends_with('(') && m.matches(&member) {
                            suggestions.push(suggestion(member, SuggestionKind::Member, None));
                        }
                    }
                }
                return Completion { replace, suggestions };
            }
            if suggestions.is_empty() {
                let ids = self.src.identities(name, &p.name, typed);
                let m = Matcher::new(typed);
                let mut ids: Vec<&String> = ids.iter().filter(|v| m.matches(v)).collect();
                first_names(&mut ids, MAX_IDENTITIES);
                for v in ids {
                    suggestions.push(suggestion(quote_value(v, quote), SuggestionKind::Identity, None));
                }
            }
            let path_param = PATH_PARAMETERS.iter().any(|n| n.eq_ignore_ascii_case(&p.name));
            if suggestions.is_empty() && (path_param || looks_like_path(typed)) {
                return self.paths_with_quote(replace, typed, quote);
            }
            if !suggestions.is_empty() || !p.type_name.is_empty() && !path_param && p.position.is_none() {
                return Completion { replace, suggestions };
            }
        }
        // No parameter claims it: positional arguments fall back to file names, as in pwsh.
        self.paths_with_quote(replace, typed, quote)
    }

    /// The text of the pipeline that feeds the command token at `command`
    /// (`Get-MigrationBatch -Status Failed` in `Get-MigrationBatch -Status Failed | Format-List S`).
    fn upstream_text(&self, command: usize) -> Option<&'a str> {
        let depth = self.toks[command].depth;
        let pipe = command.checked_sub(1).map(|i| &self.toks[i]).filter(|t| self.text(t) == "|")?;
        let mut start = 0;
        for t in self.toks[..command - 1].iter().rev() {
            let text = self.text(t);
            if t.depth < depth || (t.depth == depth && matches!(text, ";" | "&&" | "||")) {
                start = t.range.end;
                break;
            }
        }
        let text = self.line.get(start..pipe.range.start)?;
        // A newline ends a statement unless a pipe or a backtick continues it.
        let mut from = 0;
        for (i, _) in text.match_indices('\n') {
            let head = text[..i].trim_end();
            if !(head.ends_with('|') || head.ends_with('`')) {
                from = i + 1;
            }
        }
        let text = text[from..].trim();
        let text = text.strip_prefix(['(', '{']).unwrap_or(text).trim();
        (!text.is_empty()).then_some(text)
    }

    fn path_in_string(&self, t: &Tok) -> Completion {
        let text = self.line.get(t.range.start..self.cursor).unwrap_or("");
        let quote = text.chars().next();
        let typed = text.get(1..).unwrap_or("");
        if !looks_like_path(typed) {
            return self.empty();
        }
        let end = if matches!(t.kind, Kind::Str { open: false }) && t.range.end > self.cursor {
            t.range.end - 1
        } else {
            t.range.end
        };
        self.paths_with_quote(t.range.start + 1..end, typed, quote)
    }

    fn variables(&self, replace: Range<usize>, typed: &str) -> Completion {
        let sigil = if typed.starts_with('@') { "@" } else { "$" };
        let name = typed.get(1..).unwrap_or("").trim_start_matches('{');
        let mut out = Vec::new();
        if let Some(env) = name.strip_prefix("env:").or_else(|| name.strip_prefix("Env:")) {
            let vars: Vec<String> = std::env::vars_os().filter_map(|(k, _)| k.into_string().ok()).collect();
            let m = Matcher::new(env);
            let mut vars: Vec<&String> = vars.iter().filter(|v| m.matches(v)).collect();
            sort_names(&mut vars);
            for v in vars {
                out.push(suggestion(format!("{sigil}env:{v}"), SuggestionKind::Variable, None));
            }
            return Completion { replace, suggestions: out };
        }
        let vars = self.src.variables();
        let m = Matcher::new(name);
        let mut vars: Vec<&String> = vars.iter().filter(|v| m.matches(v)).collect();
        sort_names(&mut vars);
        for v in vars {
            let text = if v.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':' || c == '?') {
                format!("{sigil}{v}")
            } else {
                format!("{sigil}{{{v}}}")
            };
            out.push(suggestion(text, SuggestionKind::Variable, None));
        }
        Completion { replace, suggestions: out }
    }

    /// Members of the expression that ends at `dot` (the `.` or `::`).
    fn members(&self, dot: usize, replace: Range<usize>, typed: &str) -> Completion {
        let expr = expression_before(self.line, dot);
        if expr.is_empty() {
            return self.empty();
        }
        let mut members = self.src.members(expr);
        members.dedup();
        let suggestions = members
            .into_iter()
            .filter(|m| name_matches(typed, m))
            .map(|m| suggestion(m, SuggestionKind::Member, None))
            .collect();
        Completion { replace, suggestions }
    }

    fn types(&self, replace: Range<usize>, typed: &str) -> Completion {
        let names = self.src.type_names();
        let m = Matcher::new(typed);
        let mut hits: Vec<&String> = names.iter().filter(|n| m.matches(n)).collect();
        sort_names(&mut hits);
        let suggestions = hits.into_iter().map(|n| suggestion(n.clone(), SuggestionKind::Type, None)).collect();
        Completion { replace, suggestions }
    }

    fn operators(&self, replace: Range<usize>, typed: &str) -> Completion {
        let suggestions = OPERATORS
            .iter()
            .filter(|o| starts_with_ci(o, typed))
            .map(|o| suggestion(o.to_string(), SuggestionKind::Operator, None))
            .collect();
        Completion { replace, suggestions }
    }

    fn paths(&self, replace: Range<usize>, typed: &str) -> Completion {
        self.paths_with_quote(replace, typed, None)
    }

    fn paths_with_quote(&self, replace: Range<usize>, typed: &str, quote: Option<char>) -> Completion {
        let suggestions = complete_paths(typed, Path::new(&self.src.location()))
            .into_iter()
            .map(|p| {
                let value = match quote {
                    Some(q) => quote_value(&p, Some(q)),
                    None => quote_if_needed(&p),
                };
                suggestion(value, SuggestionKind::Path, None)
            })
            .collect();
        Completion { replace, suggestions }
    }
}

/// A value typed inside quotes keeps them (doubling a single quote); a bare one gets
/// quotes when it needs them.
fn quote_value(v: &str, quote: Option<char>) -> String {
    match quote {
        Some('\'') => v.replace('\'', "''"),
        Some(_) => v.replace('`', "``").replace('"', "`\"").replace('$', "`$"),
        None => quote_if_needed(v),
    }
}

fn param_name(token: &str) -> &str {
    token.trim_start_matches(['-', '\u{2013}', '\u{2014}']).trim_end_matches(':')
}

/// The parameter a typed name binds to: exact name or alias, else a unique prefix.
fn resolve<'p>(params: &'p [ParamInfo], typed: &str) -> Option<&'p ParamInfo> {
    if let Some(p) = params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(typed) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(typed)))
    {
        return Some(p);
    }
    let mut hits = params.iter().filter(|p| starts_with_ci(&p.name, typed));
    let first = hits.next()?;
    if hits.next().is_none() { Some(first) } else { None }
}

/// How many positional arguments of the command come before the cursor.
fn positional_index<'t>(mine: &[&'t Tok], params: &[ParamInfo], text: impl Fn(&'t Tok) -> &'t str) -> usize {
    let mut n: usize = 0;
    let mut expecting_value = false;
    for t in mine {
        match t.kind {
            Kind::Parameter => {
                let name = text(t);
                expecting_value =
                    !name.ends_with(':') && resolve(params, param_name(name)).is_none_or(|p| !p.is_switch);
            }
            Kind::Argument | Kind::Number | Kind::Str { .. } | Kind::Variable => {
                if expecting_value {
                    expecting_value = false;
                } else {
                    n += 1;
                }
            }
            Kind::Punct if text(t) == "," => {
                // `a, b` is one array argument: undo the count of the element after it.
                n = n.saturating_sub(1);
            }
            _ => {}
        }
    }
    n
}

fn looks_like_path(text: &str) -> bool {
    text.starts_with(['.', '~', '/', '\\']) || text.contains(['/', '\\']) || text.get(1..2) == Some(":")
}

/// The text of the primary expression ending at byte `end` (`$b.Status` in `$b.Status.Len`).
fn expression_before(line: &str, end: usize) -> &str {
    let head = line.get(..end).unwrap_or("");
    let bytes = head.as_bytes();
    let mut i = bytes.len();
    let mut depth = 0i32;
    while i > 0 {
        let c = bytes[i - 1];
        match c {
            b')' | b']' => depth += 1,
            b'(' | b'[' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            b' ' | b'\t' | b'\n' | b'|' | b';' | b',' | b'=' | b'{' | b'}' | b'+' | b'!' if depth == 0 => break,
            _ => {}
        }
        i -= 1;
    }
    head.get(i..).unwrap_or("").trim()
}

/// File and folder names that complete `typed`, relative to `location`. Folders end
/// with `/`; what the user typed before the last separator is kept as typed.
pub(crate) fn complete_paths(typed: &str, location: &Path) -> Vec<String> {
    let split = typed.rfind(['/', '\\']).map(|i| i + 1).unwrap_or(0);
    let (dir_part, file_part) = typed.split_at(split);
    let dir: PathBuf = if dir_part.is_empty() {
        location.to_path_buf()
    } else if let Some(rest) = dir_part.strip_prefix('~') {
        match directories::BaseDirs::new() {
            Some(b) => b.home_dir().join(rest.trim_start_matches(['/', '\\'])),
            None => return Vec::new(),
        }
    } else {
        let p = Path::new(dir_part);
        if p.is_absolute() { p.to_path_buf() } else { location.join(p) }
    };
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let m = Matcher::new(file_part);
    let mut out: Vec<(String, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if name.starts_with('.') && !file_part.starts_with('.') {
                return None;
            }
            if !m.matches(&name) {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir()) || e.path().is_dir();
            Some((name, is_dir))
        })
        .take(MAX_PATHS)
        .collect();
    out.sort_by_cached_key(|(n, _)| n.to_lowercase());
    let sep = if dir_part.contains('\\') && !dir_part.contains('/') { '\\' } else { '/' };
    out.into_iter()
        .map(|(name, is_dir)| if is_dir { format!("{dir_part}{name}{sep}") } else { format!("{dir_part}{name}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fake::FakeSource;
    use super::*;

    fn at_end(line: &str) -> Completion {
        complete(line, line.len(), &FakeSource::new())
    }

    #[test]
    fn command_names_by_prefix_wildcard_and_abbreviation() {
        let c = at_end("Get-MigrationB");
        assert_eq!(c.values(), vec!["Get-MigrationBatch"]);
        assert_eq!(c.replace, 0..14);
        assert_eq!(at_end("get-migrationE").values(), vec!["Get-MigrationEndpoint"]);
        assert_eq!(at_end("*-MigrationBatch").values().len(), 7);
        assert_eq!(at_end("Get-*Stat").values(), vec!["Get-MigrationUserStatistics"]);
        assert_eq!(at_end("Get-MigB").values(), vec!["Get-MigrationBatch"]);
        assert_eq!(at_end("g-mus").values(), vec!["Get-MigrationUserStatistics"]);
        assert_eq!(at_end("New-MigrationB").values(), vec!["New-MigrationBatch"]);
        let c = at_end("Get-MigrationBatch | Sel");
        assert_eq!(c.values(), vec!["Select-Object"]);
        assert_eq!(c.replace, 21..24);
        assert!(at_end("Zork-").values().is_empty());
    }

    #[test]
    fn parameters_of_the_command_under_the_cursor_unbound_first() {
        let c = at_end("New-MigrationEndpoint -Sec");
        assert_eq!(c.values(), vec!["-Security"]);
        assert_eq!(
            c.suggestions[0].description.as_deref(),
            Some("[IMAPSecurityMechanism] Security of the IMAP connection")
        );
        let c = at_end("Get-MigrationBatch -Status Failed -");
        let v = c.values();
        assert_eq!(v.last(), Some(&"-Status"), "bound parameter last: {v:?}");
        assert_eq!(v[0], "-Identity");
        // The command is the one the parameter belongs to, inside parentheses too.
        let c = at_end("Get-MigrationUser -BatchId (Get-MigrationBatch -Sta");
        assert_eq!(c.values(), vec!["-Status"]);
        // Aliases match, the canonical name is offered.
        assert_eq!(at_end("Get-MigrationBatch -cf").values(), vec!["-Confirm"]);
    }

    #[test]
    fn enum_values_after_a_parameter() {
        let c = at_end("New-MigrationEndpoint -Security S");
        assert_eq!(c.values(), vec!["Ssl"]);
        assert_eq!(c.replace, 32..33);
        assert_eq!(at_end("New-MigrationEndpoint -Security ").values(), vec!["None", "Ssl", "Tls"]);
        assert_eq!(at_end("New-MigrationEndpoint -Security:t").values(), vec!["Tls"]);
        assert_eq!(at_end("Get-MigrationBatch -Status Sy").values(), vec!["Syncing", "Synced"]);
    }

    #[test]
    fn tenant_names_after_identity_parameters() {
        let c = at_end("Get-MigrationBatch -Identity ");
        assert_eq!(c.values(), vec!["'Batch One'", "IMAPBatch1", "IMAPBatch2"]);
        assert_eq!(at_end("Get-MigrationBatch -Identity IMAP").values(), vec!["IMAPBatch1", "IMAPBatch2"]);
        // Positional Identity.
        assert_eq!(at_end("Get-MigrationBatch IMAPB").values(), vec!["IMAPBatch1", "IMAPBatch2"]);
        assert_eq!(at_end("New-MigrationBatch -Name X -SourceEndpoint ").values(), vec!["IMAPEndpoint"]);
        assert_eq!(at_end("Get-MigrationUser -BatchId *2").values(), vec!["IMAPBatch2"]);
        // Inside quotes, the quotes stay the user's.
        let line = "Get-MigrationBatch -Identity 'Batch O";
        let c = at_end(line);
        assert_eq!(c.values(), vec!["Batch One"]);
        assert_eq!(c.apply_first(line).as_deref(), Some("Get-MigrationBatch -Identity 'Batch One"));
        assert_eq!(at_end("Get-MigrationUser -Identity ann").values(), vec!["ann@contoso.com"]);
    }

    #[test]
    fn variables_and_members() {
        assert_eq!(at_end("$ba").values(), vec!["$batch", "$batches"]);
        assert_eq!(at_end("Write-Output $b").values(), vec!["$batch", "$batches"]);
        assert_eq!(at_end("@spl").values(), vec!["@splat"]);
        let c = at_end("$batch.To");
        assert_eq!(c.values(), vec!["TotalCount"]);
        assert_eq!(c.replace, 7..9);
        assert_eq!(at_end("$batch.").values().len(), 4);
        assert_eq!(at_end("$batch.Status.").values(), vec!["Length", "ToString("]);
    }

    #[test]
    fn property_names_of_what_flows_in() {
        let c = at_end("Get-MigrationBatch -Status Failed | Format-List Identity, To");
        assert_eq!(c.values(), vec!["TotalCount"]);
        assert_eq!(at_end("Get-MigrationBatch | Select-Object -Property S").values(), vec!["Status", "SyncedCount"]);
        assert_eq!(at_end("$x = 1; Get-MigrationBatch |\n  Format-List -Property I").values(), vec!["Identity"]);
        // Nothing flows into the first command: no property names.
        assert!(at_end("Format-List I").values().is_empty());
    }

    #[test]
    fn get_help_topics_are_commands_and_about_topics() {
        assert_eq!(at_end("Get-Help Get-MigrationB").values(), vec!["Get-MigrationBatch"]);
        assert_eq!(at_end("help about_").values(), vec!["about_exosh", "about_IMAP_Migration"]);
        assert_eq!(at_end("Get-Help -Name about_i").values(), vec!["about_IMAP_Migration"]);
    }

    #[test]
    fn type_names_inside_brackets() {
        let line = "$list = [System.Collections.Ar";
        let c = at_end(line);
        assert_eq!(c.values(), vec!["System.Collections.ArrayList"]);
        assert_eq!(c.apply_first(line).as_deref(), Some("$list = [System.Collections.ArrayList"));
        let line = "[pscu]@{ a = 1 }";
        let c = complete(line, 5, &FakeSource::new());
        assert_eq!(c.apply_first(line).as_deref(), Some("[pscustomobject]@{ a = 1 }"));
        assert_eq!(at_end("[System.IO.F").values(), vec!["System.IO.File"]);
    }

    #[test]
    fn operators_in_expressions() {
        assert_eq!(at_end("$a -notl").values(), vec!["-notlike"]);
    }

    #[test]
    fn file_paths_for_path_parameters_and_positional_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("users.csv"), "x").unwrap();
        std::fs::write(dir.path().join("user list.csv"), "x").unwrap();
        std::fs::create_dir(dir.path().join("scripts")).unwrap();
        std::fs::write(dir.path().join("scripts").join("seed.ps1"), "x").unwrap();
        let src = FakeSource::new().at(dir.path().to_string_lossy().as_ref());
        let c = |line: &str| complete(line, line.len(), &src);
        assert_eq!(c("Import-Csv -Path users").values(), vec!["users.csv"]);
        assert_eq!(c("Import-Csv -Path u").values(), vec!["'user list.csv'", "users.csv"]);
        assert_eq!(c("Import-Csv ./sc").values(), vec!["./scripts/"]);
        assert_eq!(c("Import-Csv ./scripts/").values(), vec!["./scripts/seed.ps1"]);
        assert_eq!(c("./scripts/se").values(), vec!["./scripts/seed.ps1"]);
        let line = "New-MigrationBatch -CSVData ([System.IO.File]::ReadAllBytes(\"./users";
        assert_eq!(c(line).values(), vec!["./users.csv"]);
        assert_eq!(c("Get-Content \"./user l").values(), vec!["./user list.csv"]);
    }

    #[test]
    fn cursor_in_the_middle_replaces_the_whole_word() {
        let line = "Get-MigB | Format-List";
        let c = complete(line, 8, &FakeSource::new());
        assert_eq!(c.replace, 0..8);
        assert_eq!(c.apply_first(line).as_deref(), Some("Get-MigrationBatch | Format-List"));
        // Past the end or inside a UTF-8 character: clamped, no panic.
        let _ = complete("é", 1, &FakeSource::new());
        let _ = complete("x", 99, &FakeSource::new());
    }

    #[test]
    fn wildcards_follow_powershell() {
        assert!(wildcard_match("a*c", "abbbc"));
        assert!(wildcard_match("A?C", "abc"));
        assert!(wildcard_match("[a-c]x", "bx"));
        assert!(!wildcard_match("[a-c]x", "dx"));
        assert!(!wildcard_match("a*c", "abd"));
        assert!(wildcard_match("*", ""));
    }
}
