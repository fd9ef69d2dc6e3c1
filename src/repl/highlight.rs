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
        for expected in [("foreach", Keyword), ("in", Keyword), ("1", Number), ("[string]", Type), ("\"a$i\"", String)]
        {
            assert!(c.contains(&expected), "{expected:?} not in {c:?}");
        }
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
