//! String semantics that differ between .NET and Rust: UTF-16 lengths and
//! indexes, `Substring`/`Remove`/`PadLeft` argument errors with .NET's
//! texts, `Trim` with character sets, `Split` with StringSplitOptions,
//! one-to-one case mapping, `TextInfo.ToTitleCase`, and PowerShell's
//! `-split` operator options.
//!
//! Indexes and lengths are in UTF-16 code units, as .NET reports them
//! (`"😀".Length` is 2). Spec: <https://learn.microsoft.com/dotnet/api/system.string>,
//! about_Split (<https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_split>).

use super::regex::{DotNetRegex, RegexError, RegexOptions, regex_escape};
use super::{DotNetError, ExceptionKind};

fn out_of_range(message: &str, param: &str) -> DotNetError {
    DotNetError::new(ExceptionKind::ArgumentOutOfRange, format!("{message} (Parameter '{param}')"))
}

/// PowerShell's wrapper text for an exception thrown by a .NET method:
/// `Exception calling "Substring" with "1" argument(s): "<message>"`.
pub fn method_exception_message(method: &str, arg_count: usize, inner: &DotNetError) -> String {
    format!("Exception calling \"{method}\" with \"{arg_count}\" argument(s): \"{}\"", inner.message)
}

/// `String.Length`: UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn from_utf16(v: &[u16]) -> String {
    String::from_utf16_lossy(v)
}

/// `Substring(start)` and `Substring(start, length)`.
pub fn substring(s: &str, start: i64, length: Option<i64>) -> Result<String, DotNetError> {
    let u = utf16(s);
    let len = u.len() as i64;
    let length = length.unwrap_or(len - start);
    if start < 0 {
        return Err(out_of_range("StartIndex cannot be less than zero.", "startIndex"));
    }
    if start > len {
        return Err(out_of_range("startIndex cannot be larger than length of string.", "startIndex"));
    }
    if length < 0 {
        return Err(out_of_range("Length cannot be less than zero.", "length"));
    }
    if start + length > len {
        return Err(out_of_range("Index and length must refer to a location within the string.", "length"));
    }
    Ok(from_utf16(&u[start as usize..(start + length) as usize]))
}

/// `Remove(start)` and `Remove(start, count)`.
pub fn remove(s: &str, start: i64, count: Option<i64>) -> Result<String, DotNetError> {
    let u = utf16(s);
    let len = u.len() as i64;
    if start < 0 {
        return Err(out_of_range("StartIndex cannot be less than zero.", "startIndex"));
    }
    let count = match count {
        None => {
            if start >= len {
                return Err(out_of_range("startIndex must be less than length of string.", "startIndex"));
            }
            len - start
        }
        Some(c) => {
            if c < 0 {
                return Err(out_of_range("Count cannot be less than zero.", "count"));
            }
            if start + c > len {
                return Err(out_of_range("Index and count must refer to a location within the string.", "count"));
            }
            c
        }
    };
    let mut out = u[..start as usize].to_vec();
    out.extend_from_slice(&u[(start + count) as usize..]);
    Ok(from_utf16(&out))
}

/// `Insert(start, value)`.
pub fn insert(s: &str, start: i64, value: &str) -> Result<String, DotNetError> {
    let u = utf16(s);
    if start < 0 || start > u.len() as i64 {
        return Err(out_of_range(
            "Index was out of range. Must be non-negative and less than or equal to the size of the collection.",
            "startIndex",
        ));
    }
    let mut out = u[..start as usize].to_vec();
    out.extend(value.encode_utf16());
    out.extend_from_slice(&u[start as usize..]);
    Ok(from_utf16(&out))
}

/// `PadLeft(totalWidth, ch)` (`left`) or `PadRight`.
pub fn pad(s: &str, total_width: i64, ch: char, left: bool) -> Result<String, DotNetError> {
    if total_width < 0 {
        return Err(out_of_range("Non-negative number required.", "totalWidth"));
    }
    let n = (total_width as usize).saturating_sub(utf16_len(s));
    let padding: String = std::iter::repeat_n(ch, n).collect();
    Ok(if left { padding + s } else { s.to_string() + &padding })
}

/// `IndexOf(value, startIndex)` (ordinal, or case-insensitive); -1 when
/// absent. Returns a UTF-16 index.
pub fn index_of(s: &str, value: &str, start: i64, ignore_case: bool) -> Result<i64, DotNetError> {
    let hay = if ignore_case { to_lower(s) } else { s.to_string() };
    let needle = if ignore_case { to_lower(value) } else { value.to_string() };
    let u = utf16(&hay);
    if start < 0 || start > u.len() as i64 {
        return Err(out_of_range(
            "Index was out of range. Must be non-negative and less than or equal to the size of the collection.",
            "startIndex",
        ));
    }
    let n = utf16(&needle);
    if n.is_empty() {
        return Ok(start);
    }
    let from = start as usize;
    Ok(u[from..].windows(n.len()).position(|w| w == n.as_slice()).map_or(-1, |p| (p + from) as i64))
}

/// `LastIndexOf(value)` (ordinal); -1 when absent.
pub fn last_index_of(s: &str, value: &str) -> i64 {
    let u = utf16(s);
    let n = utf16(value);
    if n.is_empty() {
        return (u.len() as i64 - 1).max(0);
    }
    u.windows(n.len()).rposition(|w| w == n.as_slice()).map_or(-1, |p| p as i64)
}

/// `Replace(old, new)`: ordinal and case-sensitive; `old` must not be empty.
pub fn replace(s: &str, old: &str, new: &str) -> Result<String, DotNetError> {
    if old.is_empty() {
        return Err(DotNetError::new(
            ExceptionKind::Argument,
            "String cannot be of zero length. (Parameter 'oldValue')",
        ));
    }
    Ok(s.replace(old, new))
}

/// `Trim()`, `Trim(chars)`: `start`/`end` choose TrimStart/TrimEnd. No
/// characters means white space (`char.IsWhiteSpace`).
pub fn trim(s: &str, chars: Option<&[char]>, start: bool, end: bool) -> String {
    let strip = |c: char| match chars {
        Some(set) if !set.is_empty() => set.contains(&c),
        _ => c.is_whitespace(),
    };
    let mut t = s;
    if start {
        t = t.trim_start_matches(strip);
    }
    if end {
        t = t.trim_end_matches(strip);
    }
    t.to_string()
}

/// `ToUpper()` / `ToUpperInvariant()`: one-to-one (`ß` stays `ß`).
pub fn to_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(x), None) => x,
                _ => c,
            }
        })
        .collect()
}

/// `ToLower()` / `ToLowerInvariant()`: one-to-one.
pub fn to_lower(s: &str) -> String {
    s.chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect()
}

/// `(Get-Culture).TextInfo.ToTitleCase(s)`: first letter of each word upper,
/// the rest lower, except words that are all upper case (acronyms).
pub fn to_title_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || (chars[i] == '\'' && i > start)) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let letters = word.chars().filter(|c| c.is_alphabetic());
        let all_upper = word.chars().any(char::is_alphabetic) && letters.clone().all(char::is_uppercase);
        if all_upper {
            out.push_str(&word);
        } else {
            let mut cs = word.chars();
            if let Some(f) = cs.next() {
                out.push_str(&to_upper(&f.to_string()));
                out.push_str(&to_lower(cs.as_str()));
            }
        }
    }
    out
}

/// System.StringSplitOptions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StringSplitOptions {
    pub remove_empty_entries: bool,
    pub trim_entries: bool,
}

/// `String.Split(separators, count, options)` with string separators (the
/// `Split(string)` overload PowerShell 7 picks for a string argument) or,
/// with `separators` empty, white space. `count` limits the pieces; the last
/// one keeps the rest.
pub fn split_strings(s: &str, separators: &[&str], count: Option<usize>, options: StringSplitOptions) -> Vec<String> {
    let max = count.unwrap_or(usize::MAX);
    if max == 0 {
        return Vec::new();
    }
    let seps: Vec<&str> = separators.iter().copied().filter(|x| !x.is_empty()).collect();
    // Find separator positions (first listed separator wins at a position).
    let mut pieces: Vec<&str> = Vec::new();
    let mut last = 0;
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() && pieces.len() + 1 < max {
        if !s.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let hit = if seps.is_empty() {
            s[i..].chars().next().filter(|c| c.is_whitespace()).map(char::len_utf8)
        } else {
            seps.iter().find(|sep| bytes[i..].starts_with(sep.as_bytes())).map(|sep| sep.len())
        };
        match hit {
            Some(l) => {
                let piece = &s[last..i];
                let kept = if options.trim_entries { piece.trim() } else { piece };
                if !(options.remove_empty_entries && kept.is_empty()) {
                    pieces.push(piece);
                }
                i += l;
                last = i;
            }
            None => i += 1,
        }
    }
    pieces.push(&s[last..]);
    pieces
        .into_iter()
        .map(|p| if options.trim_entries { p.trim() } else { p })
        .filter(|p| !(options.remove_empty_entries && p.is_empty()))
        .map(str::to_string)
        .collect()
}

/// `String.Split(char[] separators, ...)`: any of the characters separates.
pub fn split_chars(s: &str, separators: &[char], count: Option<usize>, options: StringSplitOptions) -> Vec<String> {
    let owned: Vec<String> = separators.iter().map(char::to_string).collect();
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    split_strings(s, &refs, count, options)
}

/// Options of PowerShell's `-split` operator (about_Split).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitOptions {
    pub simple_match: bool,
    pub ignore_case: bool,
    pub multiline: bool,
    pub singleline: bool,
    pub ignore_pattern_whitespace: bool,
}

impl SplitOptions {
    /// Parse the options argument (`"SimpleMatch"`, `"RegexMatch,Multiline"`,
    /// `"SimpleMatch, IgnoreCase"`), names case-insensitive. `ignore_case`
    /// is the operator's default (`-split` true, `-csplit` false).
    pub fn parse(text: &str, ignore_case: bool) -> Result<SplitOptions, DotNetError> {
        let mut o = SplitOptions { ignore_case, ..Default::default() };
        let mut regex_match = false;
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.to_ascii_lowercase().as_str() {
                "simplematch" => o.simple_match = true,
                "regexmatch" => regex_match = true,
                "ignorecase" => o.ignore_case = true,
                "cultureinvariant" | "explicitcapture" => {}
                "multiline" => o.multiline = true,
                "singleline" => o.singleline = true,
                "ignorepatternwhitespace" => o.ignore_pattern_whitespace = true,
                _ => {
                    return Err(DotNetError::new(
                        ExceptionKind::Argument,
                        format!(
                            "Cannot convert value \"{text}\" to type \"System.Management.Automation.SplitOptions\". Error: \"Unable to match the identifier name {name} to a valid enumerator name. Specify one of the following enumerator names and try again:\nSimpleMatch, RegexMatch, CultureInvariant, IgnorePatternWhitespace, Multiline, Singleline, IgnoreCase, ExplicitCapture\""
                        ),
                    ));
                }
            }
        }
        if o.simple_match && (regex_match || o.multiline || o.singleline || o.ignore_pattern_whitespace) {
            return Err(DotNetError::new(
                ExceptionKind::Argument,
                "Cannot use the RegexMatch option with SimpleMatch.",
            ));
        }
        Ok(o)
    }
}

/// PowerShell's binary `-split`: `input -split pattern, max, options`.
/// `max` 0 means all pieces; negative splits from the right.
pub fn split_operator(input: &str, pattern: &str, max: i32, options: SplitOptions) -> Result<Vec<String>, RegexError> {
    let pat = if options.simple_match { regex_escape(pattern) } else { pattern.to_string() };
    let re = DotNetRegex::new(
        &pat,
        RegexOptions {
            ignore_case: options.ignore_case,
            multiline: options.multiline,
            singleline: options.singleline,
            ignore_pattern_whitespace: options.ignore_pattern_whitespace,
        },
    )?;
    re.split(input, max)
}

/// Unary `-split "a b  c"`: split on runs of white space, dropping empty
/// pieces (so leading/trailing space gives nothing).
pub fn split_unary(input: &str) -> Vec<String> {
    input.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn substring_and_errors() {
        assert_eq!(substring("Hello", 1, None).unwrap(), "ello");
        assert_eq!(substring("Hello", 1, Some(3)).unwrap(), "ell");
        assert_eq!(substring("Hello", 5, None).unwrap(), "");
        let e = substring("Hello", 6, None).unwrap_err();
        assert_eq!(
            method_exception_message("Substring", 1, &e),
            "Exception calling \"Substring\" with \"1\" argument(s): \"startIndex cannot be larger than length of string. (Parameter 'startIndex')\""
        );
        assert_eq!(
            substring("Hello", -1, None).unwrap_err().message,
            "StartIndex cannot be less than zero. (Parameter 'startIndex')"
        );
        assert_eq!(
            substring("Hello", 2, Some(10)).unwrap_err().message,
            "Index and length must refer to a location within the string. (Parameter 'length')"
        );
        assert_eq!(
            substring("Hello", 2, Some(-1)).unwrap_err().message,
            "Length cannot be less than zero. (Parameter 'length')"
        );
        // UTF-16 indexes.
        assert_eq!(utf16_len("a😀b"), 4);
        assert_eq!(substring("a😀b", 3, None).unwrap(), "b");
    }

    #[test]
    fn remove_insert_pad_index() {
        assert_eq!(remove("Hello", 2, None).unwrap(), "He");
        assert_eq!(remove("Hello", 1, Some(2)).unwrap(), "Hlo");
        assert!(remove("Hello", 5, None).is_err());
        assert!(remove("Hello", 4, Some(2)).is_err());
        assert_eq!(insert("Hello", 5, "!").unwrap(), "Hello!");
        assert_eq!(pad("42", 5, '0', true).unwrap(), "00042");
        assert_eq!(pad("42", 5, ' ', false).unwrap(), "42   ");
        assert_eq!(pad("toolong", 3, ' ', true).unwrap(), "toolong");
        assert_eq!(
            pad("x", -1, ' ', true).unwrap_err().message,
            "Non-negative number required. (Parameter 'totalWidth')"
        );
        assert_eq!(index_of("Hello", "l", 0, false).unwrap(), 2);
        assert_eq!(index_of("Hello", "l", 3, false).unwrap(), 3);
        assert_eq!(index_of("Hello", "L", 0, false).unwrap(), -1);
        assert_eq!(index_of("Hello", "L", 0, true).unwrap(), 2);
        assert_eq!(index_of("Hello", "", 0, false).unwrap(), 0);
        assert!(index_of("Hello", "l", 6, false).is_err());
        assert_eq!(last_index_of("Hello", "l"), 3);
        assert!(replace("a", "", "b").is_err());
        assert_eq!(replace("aXbX", "X", "-").unwrap(), "a-b-");
    }

    #[test]
    fn trim_case_title() {
        assert_eq!(trim("  hi \t", None, true, true), "hi");
        assert_eq!(trim("xxhixx", Some(&['x']), true, true), "hi");
        assert_eq!(trim("xxhixx", Some(&['x']), true, false), "hixx");
        assert_eq!(trim("*-hi-*", Some(&['*', '-']), false, true), "*-hi");
        assert_eq!(to_upper("straße"), "STRAßE");
        assert_eq!(to_lower("ÀBC"), "àbc");
        // TextInfo.ToTitleCase doc example.
        assert_eq!(to_title_case("war and peace"), "War And Peace");
        assert_eq!(to_title_case("WAR AND PEACE"), "WAR AND PEACE");
        assert_eq!(to_title_case("wAr aNd pEaCe"), "War And Peace");
        assert_eq!(to_title_case("john o'neil-smith USA"), "John O'neil-Smith USA");
    }

    #[test]
    fn string_split() {
        let none = StringSplitOptions::default();
        let j = |v: Vec<String>| v.join("|");
        assert_eq!(j(split_strings("a,b,,c", &[","], None, none)), "a|b||c");
        assert_eq!(
            j(split_strings(
                "a,b,,c",
                &[","],
                None,
                StringSplitOptions { remove_empty_entries: true, trim_entries: false }
            )),
            "a|b|c"
        );
        assert_eq!(j(split_strings("a,b,c", &[","], Some(2), none)), "a|b,c");
        assert_eq!(j(split_strings("a,;b", &[",;"], None, none)), "a|b");
        assert_eq!(j(split_chars("a,b;c", &[',', ';'], None, none)), "a|b|c");
        assert_eq!(j(split_strings("a b\tc", &[], None, none)), "a|b|c");
        assert_eq!(
            j(split_strings(
                " a , b ",
                &[","],
                None,
                StringSplitOptions { remove_empty_entries: false, trim_entries: true }
            )),
            "a|b"
        );
        assert!(split_strings("abc", &[","], Some(0), none).is_empty());
    }

    // Conformance split-004, split-006 (SimpleMatch), split-008 (Multiline).
    #[test]
    fn split_operator_options() {
        let j = |v: Vec<String>| v.join("|");
        assert_eq!(split_unary(" a b  "), vec!["a", "b"]);
        let sm = SplitOptions::parse("SimpleMatch", true).unwrap();
        assert_eq!(j(split_operator("This.is.a.test", ".", 0, sm).unwrap()), "This|is|a|test");
        let ml = SplitOptions::parse("multiline", true).unwrap();
        assert_eq!(
            j(split_operator("1The first line.\n2The second line.\n3The third of three lines.", "^\\d", 0, ml)
                .unwrap()),
            "|The first line.\n|The second line.\n|The third of three lines."
        );
        let cs = SplitOptions::parse("", false).unwrap();
        assert_eq!(j(split_operator("aNbn", "N", 0, cs).unwrap()), "a|bn");
        assert!(SplitOptions::parse("SimpleMatch,Multiline", true).is_err());
        assert!(SplitOptions::parse("Bogus", true).is_err());
    }
}
