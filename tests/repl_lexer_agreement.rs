//! The REPL's mode-aware scanner (highlighting, completion context) and the syntax
//! layer's tolerant lexer must agree on what is a string, a comment, a variable, a
//! number and a type literal, or the colours would contradict the parser.

use exosh::repl::{ScanKind, scan};
use exosh::syntax::lexer::{TokenClass, tokenize};

const LINES: &[&str] = &[
    "Get-MigrationBatch -Identity 'IMAPBatch1' | Format-List Identity,Status # the batch",
    "$b = Get-MigrationBatch; if ($b.TotalCount -gt 10) { Write-Host \"big $($b.Identity)\" }",
    "New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -Port 993 -Security Ssl",
    "[int]$x = 5 + 0x1F; $y = [System.IO.File]::ReadAllBytes('C:\\users.csv')",
    "$h = @{ Name = 'x'; Count = 2 }; @(1, 2, 3) | ForEach-Object { $_ * 2 }",
    "<# block #> Get-X -Size 10MB -Flag:$false > out.txt",
    "foreach ($u in $users) { Set-MigrationUser -Identity $u.Email -Confirm:$false }",
    "Write-Host \"it's $env:USERNAME\" 'single''quote'",
];

fn spans_of(line: &str, mine: impl Fn(ScanKind) -> bool, theirs: TokenClass) -> (Vec<String>, Vec<String>) {
    let a: Vec<String> = scan(line).into_iter().filter(|t| mine(t.kind)).map(|t| line[t.range].to_string()).collect();
    let b: Vec<String> = tokenize(line)
        .into_iter()
        .filter(|t| t.class == theirs)
        .map(|t| line[t.span.start..t.span.end].to_string())
        .collect();
    (a, b)
}

#[test]
fn scanner_and_lexer_agree() {
    for line in LINES {
        for (name, mine, theirs) in [
            ("strings", (|k| matches!(k, ScanKind::Str { .. })) as fn(ScanKind) -> bool, TokenClass::String),
            ("comments", |k| k == ScanKind::Comment, TokenClass::Comment),
            ("variables", |k| k == ScanKind::Variable, TokenClass::Variable),
            ("types", |k| k == ScanKind::Type, TokenClass::Type),
            ("numbers", |k| k == ScanKind::Number, TokenClass::Number),
            ("keywords", |k| k == ScanKind::Keyword, TokenClass::Keyword),
            ("parameters", |k| k == ScanKind::Parameter, TokenClass::Parameter),
        ] {
            let (a, b) = spans_of(line, mine, theirs);
            assert_eq!(a, b, "{name} in {line:?}");
        }
    }
}
