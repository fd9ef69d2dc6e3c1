//! insta snapshots of the AST of tricky inputs (spans removed: they are checked
//! by the example files and unit tests, and would make snapshots unreadable).

use exosh::syntax::parse;
use serde_json::Value;

fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.ends_with("span") && k != "error_position");
            m.values_mut().for_each(strip);
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The statements of the script (the common case has no param/named blocks).
fn shape(src: &str) -> Value {
    let ast = parse(src).unwrap_or_else(|e| panic!("{src:?}: {}", e[0].render(src, None)));
    let mut v = serde_json::to_value(&ast).unwrap();
    strip(&mut v);
    let simple = ast.param_block.is_none() && ast.begin_block.is_none() && ast.process_block.is_none();
    if simple && ast.end_block.as_ref().is_some_and(|b| b.unnamed) {
        return v["end_block"]["statements"].take();
    }
    v
}

const CASES: &[(&str, &str)] = &[
    // quoting
    ("single_quoted_doubled_quote", "'It''s here'"),
    ("double_quoted_expansion", "\"Hello $name, you have $($items.Count) items\""),
    ("double_quoted_escapes", "\"tab`there`nnew `\"q`\" `$notvar\""),
    ("double_quoted_doubled_quote", "\"say \"\"hi\"\"\""),
    ("braced_variable_in_string", "\"${user}_backup and ${env:TEMP}\""),
    ("env_and_scope_in_string", "\"$env:COMPUTERNAME $script:count $using:x\""),
    ("dollar_literal_in_string", "\"cost: 5$ and $ alone\""),
    ("curly_quotes", "Write-Host \u{201C}smart $x\u{201D} \u{2018}single\u{2019}"),
    ("here_string_double", "@\"\nLine $a\n  $(Get-Date)\n\"@"),
    ("here_string_single", "@'\nliteral $a\n'@"),
    ("nested_subexpressions", "\"a $(\"b $(1 + 2) c\") d\""),
    ("subexpression_with_pipeline", "\"Count: $(Get-Mailbox | Measure-Object | Select-Object -ExpandProperty Count)\""),
    // commands
    ("switch_false", "Get-Mailbox -Identity x -Confirm:$false"),
    ("param_colon_value_no_space", "Set-Thing -Size:10MB -Name:'x'"),
    ("bare_word_list", "Select-Object Identity, Status, TotalCount"),
    ("bare_word_list_no_space", "Format-Table Name,Status -AutoSize"),
    ("format_filedatetime", "Get-Date -Format FileDateTime"),
    ("path_arguments", "Export-Csv C:\\Temp\\x.csv -NoTypeInformation"),
    ("wildcard_argument", "Get-ChildItem *.ps1 -Recurse"),
    ("variable_path_argument", "Import-Csv $PSScriptRoot\\users.csv"),
    ("en_dash_parameters", "New-MigrationBatch \u{2013}Name b1 \u{2014}AutoStart"),
    ("splatting", "New-MigrationEndpoint @params -Verbose"),
    ("call_operator", "& $exe /quiet 'arg two'"),
    ("dot_source", ". .\\helpers.ps1"),
    ("call_scriptblock", "& { param($a) $a * 2 } 21"),
    ("static_call_as_argument", "Set-Content -Value ([System.IO.File]::ReadAllBytes(\"x\")) -Path y"),
    ("static_call_bare_argument", "Write-Output [System.IO.File]::ReadAllBytes(\"x\")"),
    ("number_arguments", "Start-Sleep -Seconds 5; Get-Random -Maximum 1kb -Minimum -3"),
    ("member_access_argument", "Write-Host $batch.Identity $users[0].Name"),
    ("redirect_merge", "Get-Thing 2>&1 | Out-File log.txt"),
    ("redirect_append_all", "Do-It *>> all.log; Other 2> $null"),
    (
        "pipeline_multiline",
        "Get-MigrationUser |\n  Where-Object { $_.Status -eq 'Failed' } |\n  Select-Object Identity",
    ),
    ("backtick_continuation", "New-MigrationBatch -Name b1 `\n  -SourceEndpoint e1 `\n  -AutoStart"),
    ("pipeline_chain", "Test-Path x && Write-Host ok || Write-Host no"),
    ("foreach_object_alias", "$list | % { $_ * 2 } | ? { $_ -gt 2 }"),
    ("foreach_object_member", "Get-Mailbox | ForEach-Object -MemberName Alias"),
    ("stop_parsing", "icacls x --% /grant Users:F"),
    // expressions
    ("hashtable_vs_scriptblock_vs_array", "$h = @{ a = 1 }; $s = { 1 }; $a = @(1)"),
    ("hashtable_multiline", "$p = @{\n  Name = 'b1'\n  Count = 3; Flag = $true\n  'quoted key' = @(1, 2)\n}"),
    ("calculated_property", "Select-Object @{n='Size';e={$_.TotalItemSize.Value}}, Name"),
    ("ordered_hashtable", "[ordered]@{ z = 1; a = 2 }"),
    ("casts_and_generics", "[System.Collections.Generic.List[string]]::new()"),
    ("array_types", "[string[]]$names = 'a', 'b'; [int[,]]$grid = $null"),
    ("static_property", "[DateTime]::Now.AddDays(-7)"),
    ("operators_precedence", "$a = 1 + 2 * 3 -eq 7 -and -not $false"),
    ("comparison_variants", "$x -ieq 'A' -or $x -ceq 'a' -or $x -notlike '*b*' -or $x -cmatch '^c'"),
    ("replace_split_join_format", "('a-b' -replace '-', '+') -split '\\+' -join ',' ; '{0:N2}' -f 3.14159"),
    ("unary_split_join", "-split 'a b'; -join ('a', 'b')"),
    ("is_as_in_contains", "$x -is [int]; $x -as [string]; 1 -in $list; $list -contains 2"),
    ("range_and_index", "(1..10)[2..4]; $a[-1]; $h['key']"),
    ("increment_decrement", "$i++; ++$i; $j--; --$j; $k += 5; $m ??= 'd'"),
    ("numbers", "0x1F; 1kb; 3000000000; 1.5e3; 2d; 7l; .5"),
    ("comma_unary", ",$x; ,(1, 2)"),
    ("ternary_and_coalesce", "$a = $b ? 'y' : 'n'; $c = $d ?? 'default'"),
    ("method_with_scriptblock", "$list.Where({ $_ -gt 1 }).ForEach{ $_ * 2 }"),
    ("assignment_from_if", "$v = if ($x) { 1 } else { 2 }"),
    ("multiple_assignment_targets", "$a, $b = 1, 2"),
    // statements
    ("if_elseif_else_multiline", "if ($a -gt 1) {\n  'big'\n}\nelseif ($a -eq 1) { 'one' }\nelse\n{\n  'small'\n}"),
    ("foreach_statement", "foreach ($u in $users) { $u.Name }"),
    (
        "labeled_loops",
        ":outer foreach ($a in 1..3) { foreach ($b in 1..3) { if ($b -eq 2) { continue outer }; break } }",
    ),
    ("for_loop", "for ($i = 0; $i -lt 10; $i++) { $i }"),
    ("while_do_loops", "while ($true) { break }; do { $x++ } while ($x -lt 3); do { $y++ } until ($y -ge 3)"),
    ("switch_flags", "switch -Regex -CaseSensitive ($s) { '^a' { 'A' } 'b' { 'B'; break } default { 'other' } }"),
    ("switch_wildcard_array", "switch -Wildcard ($files) { '*.ps1' { 'script' } { $_.Length -gt 5 } { 'long' } }"),
    (
        "try_catch_finally",
        "try { Get-Thing -ErrorAction Stop } catch [System.IO.IOException], [System.Net.WebException] { $_ } catch { throw } finally { 'done' }",
    ),
    ("trap_statement", "trap [Exception] { 'trapped'; continue }\nthrow 'x'"),
    ("return_exit_throw", "function f { return 1 }; exit 3; throw \"bad $x\""),
    ("function_with_params", "function Get-Sum($a, [int]$b = 2) { $a + $b }"),
    (
        "advanced_function",
        "function New-Thing {\n  [CmdletBinding(SupportsShouldProcess)]\n  param(\n    [Parameter(Mandatory, ValueFromPipeline=$true)]\n    [ValidateSet('a', 'b')]\n    [Alias('N')]\n    [string]$Name,\n    [switch]$Force\n  )\n  begin { $n = 0 }\n  process { $n++ }\n  end { $n }\n}",
    ),
    ("filter_definition", "filter Double { $_ * 2 }"),
    (
        "comment_based_help",
        "<#\n.SYNOPSIS\n  Does things.\n.EXAMPLE\n  Do-It -Now\n#>\nfunction Do-It { # line comment\n  'done' <# inline #> }",
    ),
    (
        "script_param_block",
        "#Requires -Version 5\n[CmdletBinding()]\nparam([string]$Path = \"$PSScriptRoot\\x.csv\")\nImport-Csv $Path",
    ),
    ("foreach_keyword_vs_cmdlet", "foreach ($x in $xs) { $x }\n$xs | foreach { $_ }\n$xs | ForEach-Object { $_ }"),
];

#[test]
fn ast_snapshots() {
    assert!(CASES.len() >= 60, "{}", CASES.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, src) in CASES {
            let mut v = serde_json::Map::new();
            v.insert("source".into(), Value::String(src.to_string()));
            v.insert("ast".into(), shape(src));
            insta::assert_yaml_snapshot!(*name, Value::Object(v));
        }
    });
}
