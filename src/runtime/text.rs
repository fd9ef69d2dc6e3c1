//! Regex, wildcard and split helpers used by operators and cmdlets, with a
//! cache of compiled patterns. Pattern dialect translation (.NET → Rust) is
//! delegated to `dotnet` where available.

use super::error::{ErrorRecord, Exception, Flow, R};
use super::eval::Interp;
use super::value::*;
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static CACHE: RefCell<HashMap<(String, bool, bool), Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// Translates .NET regex syntax the `regex` crate lacks.
fn translate(pattern: &str) -> String {
    // (?'name'...) → (?P<name>...); \Z → \z-ish; the rest passes through.
    let mut out = String::with_capacity(pattern.len());
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            match n {
                'Z' => out.push_str(r"(?:\n?\z)"),
                _ => {
                    out.push(c);
                    out.push(n);
                }
            }
            i += 2;
            continue;
        }
        if c == '(' && i + 2 < chars.len() && chars[i + 1] == '?' && chars[i + 2] == '\'' {
            out.push_str("(?P<");
            i += 3;
            while i < chars.len() && chars[i] != '\'' {
                out.push(chars[i]);
                i += 1;
            }
            out.push('>');
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Compiles (cached) a .NET pattern.
pub fn regex(pattern: &str, case_sensitive: bool, multiline: bool) -> R<Rc<Regex>> {
    let key = (pattern.to_string(), case_sensitive, multiline);
    if let Some(r) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(r);
    }
    let mut flags = String::new();
    if !case_sensitive {
        flags.push('i');
    }
    if multiline {
        flags.push('m');
    }
    let translated = translate(pattern);
    let full = if flags.is_empty() { translated } else { format!("(?{flags}){translated}") };
    let re = Regex::new(&full).map_err(|e| {
        Flow::error(ErrorRecord::new(
            Exception::new(
                "System.ArgumentException",
                format!("Invalid pattern '{pattern}' at offset 0. {}", first_line(&e.to_string())),
            ),
            "InvalidRegularExpression",
            "InvalidArgument",
            Value::str(pattern),
        ))
    })?;
    let re = Rc::new(re);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 1000 {
            c.clear();
        }
        c.insert(key, re.clone());
    });
    Ok(re)
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or("").trim().to_string()
}

/// `$Matches` for a successful match.
pub fn matches_table(re: &Regex, caps: &regex::Captures) -> Value {
    let mut h = Hashtable::new(false);
    // pwsh lists groups by descending number; named groups by name.
    let names: Vec<Option<&str>> = re.capture_names().collect();
    for (i, name) in names.iter().enumerate().rev() {
        if let Some(m) = caps.get(i) {
            let key = match name {
                Some(n) => Value::str(n),
                None => Value::Int(i as i32),
            };
            h.insert(key, Value::str(m.as_str()));
        }
    }
    Value::hashtable(h)
}

/// Matches text against a pattern and sets `$Matches` on success.
pub fn regex_match_set(cx: &mut Interp, text: &str, pattern: &str, cs: bool) -> R<bool> {
    let re = regex(pattern, cs, false)?;
    match re.captures(text) {
        Some(caps) => {
            let m = matches_table(&re, &caps);
            cx.current.set("Matches", m);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// `-like` wildcard match.
pub fn wildcard_match(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    let p: Vec<char> =
        if case_sensitive { pattern.chars().collect() } else { pattern.to_lowercase().chars().collect() };
    let t: Vec<char> = if case_sensitive { text.chars().collect() } else { text.to_lowercase().chars().collect() };
    wild(&p, &t)
}

fn wild(p: &[char], t: &[char]) -> bool {
    // Iterative matcher with backtracking on the last '*'.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => {
                    if let Some((ok, next)) = class(p, pi, t[ti])
                        && ok
                    {
                        pi = next;
                        ti += 1;
                        continue;
                    }
                }
                '`' if pi + 1 < p.len() => {
                    if p[pi + 1] == t[ti] {
                        pi += 2;
                        ti += 1;
                        continue;
                    }
                }
                c => {
                    if c == t[ti] {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
            }
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
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let mut ok = false;
    while i < p.len() && p[i] != ']' {
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                ok = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                ok = true;
            }
            i += 1;
        }
    }
    if i < p.len() { Some((ok, i + 1)) } else { None }
}

/// True when a string has wildcard characters.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Translates a .NET replacement string (`$1`, `${name}`, `$$`, `$0`, `$&`) for the regex crate.
pub fn translate_replacement(rep: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = rep.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if n == '$' {
                out.push_str("$$");
                i += 2;
                continue;
            }
            if n == '&' {
                out.push_str("${0}");
                i += 2;
                continue;
            }
            if n.is_ascii_digit() {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let num: String = chars[i + 1..j].iter().collect();
                out.push_str(&format!("${{{num}}}"));
                i = j;
                continue;
            }
            if n == '{'
                && let Some(end) = chars[i + 2..].iter().position(|x| *x == '}')
            {
                let name: String = chars[i + 2..i + 2 + end].iter().collect();
                out.push_str(&format!("${{{name}}}"));
                i = i + 3 + end;
                continue;
            }
            out.push_str("$$");
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("Hello*", "hello world", false));
        assert!(!wildcard_match("Hello*", "hello world", true));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(wildcard_match("[a-c]x", "bx", false));
        assert!(wildcard_match("*alias*", "about_Aliases", false));
    }

    #[test]
    fn replacement() {
        assert_eq!(translate_replacement("$1-${name}$$"), "${1}-${name}$$");
    }
}
