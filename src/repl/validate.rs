//! Whether the input typed so far is complete, asked of the real parser.

/// The validator's answer: run the input, or show `>> ` and read another line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    Complete,
    Incomplete,
}

/// Complete unless the parser says more input could finish it (open brace, parenthesis,
/// string or here-string, a pipe or a backtick at the end of the line). Input with a
/// real syntax error is complete: running it shows the error, as pwsh does.
pub fn validate(input: &str) -> Validation {
    // A line continued with a backtick: the parser sees a script that ends in an
    // escape, which pwsh also treats as incomplete interactively.
    if input.trim_end_matches([' ', '\t']).ends_with('`') && !input.ends_with("``") {
        return Validation::Incomplete;
    }
    if crate::syntax::is_incomplete(input) { Validation::Incomplete } else { Validation::Complete }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_inputs_ask_for_more() {
        for input in [
            "if ($a) {",
            "$h = @{",
            "$h = @{\n  a = 1",
            "Get-MigrationBatch |",
            "Get-MigrationBatch `",
            "Write-Host \"abc",
            "Write-Host 'abc",
            "$s = @'\nline",
            "$s = @\"\nline",
            "foreach ($b in $batches) {\n  $b.Identity",
            "(1 +",
            "function f {",
        ] {
            assert_eq!(validate(input), Validation::Incomplete, "{input:?}");
        }
    }

    #[test]
    fn complete_inputs_run() {
        for input in [
            "Get-MigrationBatch",
            "$h = @{\n  a = 1\n}",
            "if ($a) { 1 } else { 2 }",
            "Get-MigrationBatch |\n  Format-List",
            "$s = @'\nline\n'@",
            "Write-Host 'it''s'",
            "",
            // A real error is not incomplete: running it reports it.
            "Get-X -Name )",
        ] {
            assert_eq!(validate(input), Validation::Complete, "{input:?}");
        }
    }
}
