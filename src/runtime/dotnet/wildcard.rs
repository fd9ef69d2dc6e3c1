//! PowerShell wildcard patterns (`-like`, `-notlike`, `Where-Object -Like`,
//! parameter wildcards such as `Get-MigrationBatch -Identity Batch*`).
//!
//! Spec: about_Wildcards (<https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_wildcards>)
//! and System.Management.Automation.WildcardPattern: `*` any run of
//! characters, `?` exactly one, `[abc]` one of a set, `[a-z]` a range, and the
//! backtick escapes the next character. The whole string must match. A `[`
//! without its `]` makes the pattern invalid.

use std::fmt;

/// WildcardPatternException.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardError {
    pub message: String,
}

impl fmt::Display for WildcardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WildcardError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    One,
    Star,
    /// Characters and inclusive ranges.
    Set(Vec<(char, char)>),
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardPattern {
    toks: Vec<Tok>,
    ignore_case: bool,
    /// Fast path when the pattern is a plain `lit`, `lit*`, `*lit` or `*lit*`.
    simple: Option<(bool, String, bool)>,
}

fn fold(c: char) -> char {
    // Simple case folding, enough for the invariant-culture comparisons
    // PowerShell does here.
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

impl WildcardPattern {
    /// Compile `pattern`; `ignore_case` is PowerShell's default for `-like`.
    pub fn new(pattern: &str, ignore_case: bool) -> Result<WildcardPattern, WildcardError> {
        let bad =
            || WildcardError { message: format!("The specified wildcard character pattern is not valid: {pattern}") };
        let norm = |c: char| if ignore_case { fold(c) } else { c };
        let chars: Vec<char> = pattern.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '`' if i + 1 < chars.len() => {
                    toks.push(Tok::Lit(norm(chars[i + 1])));
                    i += 2;
                }
                '*' => {
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                    i += 1;
                }
                '?' => {
                    toks.push(Tok::One);
                    i += 1;
                }
                '[' => {
                    let mut set: Vec<(char, char)> = Vec::new();
                    let mut k = i + 1;
                    let mut closed = false;
                    while k < chars.len() {
                        let mut ch = chars[k];
                        if ch == ']' {
                            closed = true;
                            break;
                        }
                        if ch == '`' && k + 1 < chars.len() {
                            k += 1;
                            ch = chars[k];
                        }
                        // Range a-b (the '-' must sit between two characters).
                        if chars.get(k + 1) == Some(&'-')
                            && let Some(&hi) = chars.get(k + 2)
                            && hi != ']'
                        {
                            let (hi, skip) = if hi == '`' { (*chars.get(k + 3).ok_or_else(bad)?, 4) } else { (hi, 3) };
                            set.push((norm(ch), norm(hi)));
                            k += skip;
                            continue;
                        }
                        set.push((norm(ch), norm(ch)));
                        k += 1;
                    }
                    if !closed || set.is_empty() {
                        return Err(bad());
                    }
                    toks.push(Tok::Set(set));
                    i = k + 1;
                }
                _ => {
                    toks.push(Tok::Lit(norm(c)));
                    i += 1;
                }
            }
        }
        let simple = Self::simple_form(&toks);
        Ok(WildcardPattern { toks, ignore_case, simple })
    }

    fn simple_form(toks: &[Tok]) -> Option<(bool, String, bool)> {
        let lead = toks.first() == Some(&Tok::Star);
        let trail = toks.len() > 1 && toks.last() == Some(&Tok::Star);
        let inner = &toks[usize::from(lead)..toks.len() - usize::from(trail)];
        let mut lit = String::new();
        for t in inner {
            match t {
                Tok::Lit(c) => lit.push(*c),
                _ => return None,
            }
        }
        Some((lead, lit, trail))
    }

    /// Does the whole of `input` match?
    pub fn is_match(&self, input: &str) -> bool {
        if let Some((lead, lit, trail)) = &self.simple {
            let folded;
            let s = if self.ignore_case {
                folded = input.chars().map(fold).collect::<String>();
                folded.as_str()
            } else {
                input
            };
            return match (lead, trail) {
                (false, false) => s == lit,
                (false, true) => s.starts_with(lit.as_str()),
                (true, false) => s.ends_with(lit.as_str()),
                (true, true) => s.contains(lit.as_str()),
            };
        }
        let s: Vec<char> = if self.ignore_case { input.chars().map(fold).collect() } else { input.chars().collect() };
        // Greedy match with backtracking to the last star.
        let (mut p, mut i) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while i < s.len() {
            let ok = match self.toks.get(p) {
                Some(Tok::Lit(c)) => *c == s[i],
                Some(Tok::One) => true,
                Some(Tok::Set(set)) => set.iter().any(|&(lo, hi)| lo <= s[i] && s[i] <= hi),
                Some(Tok::Star) => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                None => false,
            };
            if ok {
                p += 1;
                i += 1;
            } else if let Some((sp, si)) = star {
                p = sp + 1;
                i = si + 1;
                star = Some((sp, si + 1));
            } else {
                return false;
            }
        }
        self.toks[p..].iter().all(|t| *t == Tok::Star)
    }

    /// `WildcardPattern.Escape`: backtick before `*`, `?`, `[`, `]` and `` ` ``.
    pub fn escape(s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        for c in s.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '`') {
                out.push('`');
            }
            out.push(c);
        }
        out
    }

    /// `WildcardPattern.Unescape`: drop the backticks `escape` adds.
    pub fn unescape(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len());
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '`'
                && let Some(&n) = chars.get(i + 1)
                && matches!(n, '*' | '?' | '[' | ']' | '`')
            {
                out.push(n);
                i += 2;
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        out
    }

    /// `WildcardPattern.ContainsWildcardCharacters`: an unescaped `*`, `?`, `[` or `]`.
    pub fn contains_wildcard(s: &str) -> bool {
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '`' => {
                    chars.next();
                }
                '*' | '?' | '[' | ']' => return true,
                _ => {}
            }
        }
        false
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn like(s: &str, p: &str) -> bool {
        WildcardPattern::new(p, true).unwrap().is_match(s)
    }
    fn clike(s: &str, p: &str) -> bool {
        WildcardPattern::new(p, false).unwrap().is_match(s)
    }

    // about_Wildcards and about_Comparison_Operators examples; like-002.
    #[test]
    fn documented_examples() {
        assert!(like("about_Aliases", "*alias*"));
        assert!(!like("about_Arithmetic_Operators", "*alias*"));
        assert!(like("PowerShell", "*shell"));
        assert!(like("PowerShell", "Power*"));
        assert!(!clike("PowerShell", "*shell"));
        assert!(like("book", "b?ok"));
        assert!(!like("bok", "b?ok"));
        assert!(like("book", "[bc]ook"));
        assert!(like("cook", "[a-c]ook"));
        assert!(!like("nook", "[a-c]ook"));
        assert!(like("Batch1", "batch[0-9]"));
        assert!(like("a*b", "a`*b"));
        assert!(!like("axb", "a`*b"));
        assert!(like("[x]", "`[x`]"));
        assert!(like("", "*"));
        assert!(!like("", "?"));
        assert!(like("abc", "abc"));
        assert!(!like("abcd", "abc"));
        assert!(like("mississippi", "*ss*ss*"));
        assert!(like("mississippi", "m*i*p?i"));
        assert!(!like("mississippi", "m*x*"));
        assert!(like("ABC", "a*C"));
        assert!(like("file-1.txt", "file-[1-3].*"));
    }

    #[test]
    fn invalid_and_helpers() {
        let e = WildcardPattern::new("[abc", true).unwrap_err();
        assert_eq!(e.message, "The specified wildcard character pattern is not valid: [abc");
        assert!(WildcardPattern::new("a[]", true).is_err());
        assert_eq!(WildcardPattern::escape("a*b?[c]`"), "a`*b`?`[c`]``");
        assert_eq!(WildcardPattern::unescape("a`*b`?`[c`]``"), "a*b?[c]`");
        assert!(WildcardPattern::contains_wildcard("Batch*"));
        assert!(!WildcardPattern::contains_wildcard("Batch`*"));
        assert!(!WildcardPattern::contains_wildcard("plain"));
        let s = "we*ird?[name]";
        assert!(clike(s, &WildcardPattern::escape(s)));
    }
}
