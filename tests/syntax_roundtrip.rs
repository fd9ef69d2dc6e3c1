//! print(parse(x)) reparses to the same AST (spans aside), on every corpus
//! script and conformance case, and on generated inputs (proptest).

use exosh::syntax::{parse, print::print_script};
use serde_json::Value;
use std::path::PathBuf;

fn shared() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for cand in [root.join("../shared"), root.join("../../shared")] {
        if cand.join("corpus/INDEX.tsv").exists() {
            return cand;
        }
    }
    panic!("../shared not found");
}

/// The AST as JSON without spans (and without names derived from positions).
fn shape(src: &str) -> Option<Value> {
    let ast = parse(src).ok()?;
    let mut v = serde_json::to_value(&ast).unwrap();
    strip(&mut v);
    Some(v)
}

fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.ends_with("span") && k != "error_position");
            for x in m.values_mut() {
                strip(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

fn roundtrip(name: &str, src: &str) -> Result<(), String> {
    let Some(before) = shape(src) else { return Ok(()) };
    let ast = parse(src).unwrap();
    let printed = print_script(&ast);
    match shape(&printed) {
        None => Err(format!("{name}: printed text does not parse:\n{printed}\n{:?}", parse(&printed).err())),
        Some(after) if after != before => Err(format!("{name}: AST changed after printing:\n{printed}")),
        Some(_) => Ok(()),
    }
}

#[test]
fn corpus_and_cases_roundtrip() {
    let mut failures = Vec::new();
    let dir = shared().join("corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let mut n = 0;
    for f in files.iter().filter(|p| p.extension().is_some_and(|e| e == "ps1")) {
        let src = exosh::cli::decode_script(&std::fs::read(f).unwrap());
        if let Err(e) = roundtrip(&f.display().to_string(), &src) {
            failures.push(e);
        }
        n += 1;
    }
    for line in std::fs::read_to_string(shared().join("conformance/cases.jsonl")).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        if let Err(e) = roundtrip(id, v["script"].as_str().unwrap()) {
            failures.push(e);
        }
        n += 1;
    }
    assert!(n > 200);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n---\n"));
}

#[test]
fn roundtrip_detects_changes() {
    // The comparison is not vacuous: different programs have different shapes.
    assert_ne!(shape("$a + 1"), shape("$a - 1"));
    assert_ne!(shape("Get-Foo -A:$false"), shape("Get-Foo -A $false"));
    let printed = print_script(&parse("if ($x -eq 1) { 'a' } else { \"b$y\" }").unwrap());
    assert!(printed.contains("-eq"), "{printed}");
    assert_eq!(shape(&printed), shape("if ($x -eq 1) { 'a' } else { \"b$y\" }"));
}

#[test]
fn tricky_snippets_roundtrip() {
    let snippets = [
        "15e3d",
        "3.72y",
        "2.5l",
        "10u",
        "0xFFuy",
        "1Nkb",
        "(0`xFFFFFFFFFFFFFFFF).GetType().Name",
        "(1lkb).GetType().Name",
        "(5..8) -join ','",
        "0xFFFFFFFF",
        "-5",
        "- 5",
        "-(5)",
        "$a--",
        "$x ++",
        "`1 > ..10",
        "Write-Host 2$.0",
        "echo '5'x",
        "+0",
        "Get-X `1 `0x `.5",
        "$a = + 5",
        "$a = - -5",
    ];
    let failures: Vec<String> = snippets.iter().filter_map(|s| roundtrip(s, s).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn block_statements_need_no_terminator() {
    // pwsh: `if ($false) { } "hi"` is two statements; a pipeline needs `;` or a newline.
    let ast = parse("if ($false) { } \"hi\"").unwrap();
    assert_eq!(ast.end_statements().len(), 2);
    let ast = parse("function f { 1 } f").unwrap();
    assert_eq!(ast.end_statements().len(), 2);
    assert!(parse("Get-Date \"x\" )").is_err());
}

#[test]
fn dates_and_versions_in_argument_mode_are_bare_words() {
    use exosh::syntax::ast::*;
    // `Get-Date 2024-03-19` passes the string, not 2024 followed by -03-19 (conformance str-019, date-002).
    for (src, word) in [
        ("Get-Date 2024-03-19", "2024-03-19"),
        ("Get-Date -Date 0030-01-01T01:02:03.0004z", "0030-01-01T01:02:03.0004z"),
        ("ping 10.0.0.1", "10.0.0.1"),
        ("Write-Host 1+1", "1+1"),
    ] {
        let ast = parse(src).unwrap();
        let StatementAst::Pipeline(p) = &ast.end_statements()[0] else { panic!("{src}") };
        let CommandBaseAst::Command(c) = &p.pipeline_elements[0] else { panic!("{src}") };
        let last = c.command_elements.last().unwrap();
        let CommandElementAst::Expression(ExpressionAst::StringConstant(s)) = last else { panic!("{src}: {last:?}") };
        assert_eq!(s.value, word);
    }
    // ... while a number followed by a boundary stays a number.
    let ast = parse("Start-Sleep 5").unwrap();
    let StatementAst::Pipeline(p) = &ast.end_statements()[0] else { panic!() };
    let CommandBaseAst::Command(c) = &p.pipeline_elements[0] else { panic!() };
    assert!(matches!(
        &c.command_elements[1],
        CommandElementAst::Expression(ExpressionAst::Constant(ConstantExpressionAst {
            value: ConstantValue::Int32(5),
            ..
        }))
    ));
}
