//! Syntax classes for the line being edited, from the tolerant scanner.

use super::scan::{Kind, scan};
use std::ops::Range;

/// How a piece of the line is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenClass {
    /// A command the source knows (cmdlet, alias, function) or a path to a script.
    CommandKnown,
    /// A word in command position that names nothing known (a typo, usually).
    CommandUnknown,
    Keyword,
    Parameter,
    String,
    Variable,
    Operator,
    Comment,
    Number,
    Type,
    Member,
    /// Bare-word arguments and hashtable keys.
    Argument,
    Punctuation,
}

/// Classifies every token of `line` (whitespace is left out). `is_known` says whether
/// a command name exists; paths (`./x.ps1`) count as known.
pub fn highlight(line: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<(Range<usize>, TokenClass)> {
    let mut out = Vec::new();
    for (range, class) in classify(line, is_known) {
        let text = line.get(range.clone()).unwrap_or("");
        if class == TokenClass::String && (text.starts_with(is_dquote) || text.starts_with("@\"")) {
            expandable(line, range, is_known, &mut out);
        } else {
            out.push((range, class));
        }
    }
    out
}

fn is_dquote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

/// A double-quoted string: `$name`, `${name}` and `$(...)` inside it are coloured as
/// code, the rest as string (PSReadLine does the same).
fn expandable(
    line: &str,
    range: Range<usize>,
    is_known: &dyn Fn(&str) -> bool,
    out: &mut Vec<(Range<usize>, TokenClass)>,
) {
    let text = &line[range.clone()];
    let base = range.start;
    let bytes = text.as_bytes();
    let mut piece = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => i += 2,
            b'$' if i + 1 < bytes.len() => {
                let start = i;
                let end = match bytes[i + 1] {
                    b'{' => text[i..].find('}').map_or(text.len(), |e| i + e + 1),
                    b'(' => {
                        let mut depth = 0usize;
                        let mut j = i + 1;
                        let mut end = text.len();
                        while j < bytes.len() {
                            match bytes[j] {
                                b'(' => depth += 1,
                                b')' => {
                                    depth -= 1;
                                    if depth == 0 {
                                        end = j + 1;
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            j += 1;
                        }
                        end
                    }
                    c if c.is_ascii_alphabetic() || c == b'_' || c == b':' => {
                        let mut j = i + 1;
                        while j < bytes.len()
                            && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b':')
                        {
                            j += 1;
                        }
                        j
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                if start > piece {
                    out.push((base + piece..base + start, TokenClass::String));
                }
                if bytes[start + 1] == b'(' {
                    // `$(` and `)` as punctuation, the inside as code.
                    out.push((base + start..base + start + 2, TokenClass::Punctuation));
                    let inner_end = if bytes.get(end - 1) == Some(&b')') && end > start + 2 { end - 1 } else { end };
                    let inner = &text[start + 2..inner_end];
                    for (r, c) in highlight(inner, is_known) {
                        out.push((base + start + 2 + r.start..base + start + 2 + r.end, c));
                    }
                    if inner_end < end {
                        out.push((base + inner_end..base + end, TokenClass::Punctuation));
                    }
                } else {
                    out.push((base + start..base + end, TokenClass::Variable));
                }
                piece = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    if piece < text.len() {
        out.push((base + piece..range.end, TokenClass::String));
    }
}

fn classify(line: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<(Range<usize>, TokenClass)> {
    scan(line)
        .into_iter()
        .map(|t| {
            let class = match t.kind {
                Kind::Command => {
                    let name = line.get(t.range.clone()).unwrap_or("");
                    if name.contains(['/', '\\']) || is_known(name) {
                        TokenClass::CommandKnown
                    } else {
                        TokenClass::CommandUnknown
                    }
                }
                Kind::Keyword => TokenClass::Keyword,
                Kind::Parameter => TokenClass::Parameter,
                Kind::Argument | Kind::Key => TokenClass::Argument,
                Kind::Variable => TokenClass::Variable,
                Kind::Str { .. } => TokenClass::String,
                Kind::Number => TokenClass::Number,
                Kind::Operator => TokenClass::Operator,
                Kind::Punct => TokenClass::Punctuation,
                Kind::Comment => TokenClass::Comment,
                Kind::Type => TokenClass::Type,
                Kind::Member => TokenClass::Member,
            };
            (t.range, class)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> bool {
        ["Get-MigrationBatch", "Format-List", "Where-Object", "gmb"].iter().any(|k| k.eq_ignore_ascii_case(name))
    }

    fn classes(line: &str) -> Vec<(&str, TokenClass)> {
        highlight(line, &known).into_iter().map(|(r, c)| (&line[r], c)).collect()
    }

    #[test]
    fn known_and_unknown_commands() {
        let c = classes("get-migrationbatch | Get-MigrationBach | ./run.ps1");
        assert_eq!(c[0], ("get-migrationbatch", TokenClass::CommandKnown));
        assert_eq!(c[2], ("Get-MigrationBach", TokenClass::CommandUnknown));
        assert_eq!(c[4], ("./run.ps1", TokenClass::CommandKnown));
    }

    #[test]
    fn every_class_on_one_line() {
        let line = "Get-MigrationBatch -Status Failed | Where-Object { $_.TotalCount -gt 10 } # all [int]'5' \"x\"";
        let c = classes(line);
        use TokenClass::*;
        for expected in [
            ("Get-MigrationBatch", CommandKnown),
            ("-Status", Parameter),
            ("Failed", Argument),
            ("|", Operator),
            ("{", Punctuation),
            ("$_", Variable),
            ("TotalCount", Member),
            ("-gt", Operator),
            ("10", Number),
            ("# all [int]'5' \"x\"", Comment),
        ] {
            assert!(c.contains(&expected), "{expected:?} not in {c:?}");
        }
        let c = classes("foreach ($i in 1..3) { [string]$i + \"a$i\" }");
        for expected in [("foreach", Keyword), ("in", Keyword), ("1", Number), ("[string]", Type), ("\"a", String)] {
            assert!(c.contains(&expected), "{expected:?} not in {c:?}");
        }
    }

    #[test]
    fn variables_and_subexpressions_inside_double_quotes() {
        use TokenClass::*;
        let c = classes("Write-Host \"Batch ${b}: $($b.Status) of $env:USER`$x\" '$no'");
        assert_eq!(
            c,
            vec![
                ("Write-Host", CommandUnknown),
                ("\"Batch ", String),
                ("${b}", Variable),
                (": ", String),
                ("$(", Punctuation),
                ("$b", Variable),
                (".", Punctuation),
                ("Status", Member),
                (")", Punctuation),
                (" of ", String),
                ("$env:USER", Variable),
                ("`$x\"", String),
                ("'$no'", String),
            ]
        );
        // Unterminated pieces still cover the line.
        let c = classes("\"a $(Get-MigrationBatch");
        assert_eq!(c.last(), Some(&("Get-MigrationBatch", CommandKnown)));
    }

    #[test]
    fn half_typed_input_still_highlights() {
        let c = classes("Get-MigrationBatch -Identity \"Batch");
        assert_eq!(c.last(), Some(&("\"Batch", TokenClass::String)));
        let c = classes("$x = @{ Name = 'a");
        assert_eq!(c.last(), Some(&("'a", TokenClass::String)));
    }

    #[test]
    fn ranges_are_in_order_and_inside_the_line() {
        let line = "Get-X -A:$true,2 `\n  -B @(1,2) > out.txt 2>&1; $y.Z().W";
        let spans = highlight(line, &known);
        let mut last = 0;
        for (r, _) in spans {
            assert!(r.start >= last && r.end <= line.len() && r.start < r.end, "{r:?}");
            last = r.end;
        }
    }
}
