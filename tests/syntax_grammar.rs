//! grammar/ and the parser cannot drift apart: every `// G name` comment in
//! src/syntax names a production of grammar/powershell-subset.ebnf, every
//! production has an accept example, accept examples parse, reject examples fail
//! with the expected error id, position and incompleteness.

use exosh::syntax::parse;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn productions() -> BTreeSet<String> {
    let ebnf = std::fs::read_to_string(root().join("grammar/powershell-subset.ebnf")).unwrap();
    ebnf.lines()
        .filter_map(|l| {
            let (lhs, _) = l.split_once(" = ")?;
            let lhs = lhs.trim();
            (!lhs.is_empty() && lhs.chars().all(|c| c.is_ascii_lowercase() || c == '-')).then(|| lhs.to_string())
        })
        .collect()
}

fn g_names() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(root().join("src/syntax")).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        for l in text.lines() {
            if let Some(rest) = l.trim_start().strip_prefix("// G ") {
                out.insert(rest.trim().to_string());
            }
        }
    }
    out
}

fn ps1_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ps1"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_g_comment_names_an_ebnf_production() {
    let prods = productions();
    let names = g_names();
    assert!(names.len() > 60, "{names:?}");
    let missing: Vec<_> = names.difference(&prods).collect();
    assert!(missing.is_empty(), "// G names not in the EBNF: {missing:?}");
}

#[test]
fn every_implemented_production_has_an_accept_example() {
    let dir = root().join("grammar/examples/accept");
    let missing: Vec<_> = g_names().into_iter().filter(|n| !dir.join(format!("{n}.ps1")).exists()).collect();
    assert!(missing.is_empty(), "no accept example for: {missing:?}");
}

#[test]
fn accept_examples_parse() {
    let files = ps1_files(&root().join("grammar/examples/accept"));
    assert!(files.len() >= 60);
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let src = std::fs::read_to_string(f).unwrap();
            parse(&src).err().map(|e| format!("{}:\n{}", f.display(), e[0].render(&src, None)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

#[test]
fn reject_examples_fail_with_the_expected_error() {
    let files = ps1_files(&root().join("grammar/examples/reject"));
    assert!(files.len() >= 30);
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let header = src.lines().next().unwrap().strip_prefix("# expect: ").expect("header");
        let mut parts = header.split_whitespace();
        let id = parts.next().unwrap();
        let (line, col) = parts.next().unwrap().split_once(':').unwrap();
        let (line, col): (usize, usize) = (line.parse().unwrap(), col.parse().unwrap());
        let incomplete = parts.next() == Some("incomplete");
        match parse(&src) {
            Ok(_) => failures.push(format!("{}: parsed", f.display())),
            Err(errs) => {
                let e = &errs[0];
                let got = (e.id.as_str(), line_col(&src, e.span.start), e.incomplete);
                if got != (id, (line, col), incomplete) {
                    failures.push(format!(
                        "{}: expected {id} {line}:{col} incomplete={incomplete}, got {} {}:{} incomplete={} ({})",
                        f.display(),
                        got.0,
                        got.1.0,
                        got.1.1,
                        got.2,
                        e.message
                    ));
                }
                if exosh::syntax::is_incomplete(&src) != incomplete {
                    failures.push(format!("{}: is_incomplete() != {incomplete}", f.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn several_errors_are_all_reported() {
    let src = "1 2\nGet-X -A <placeholder>\n3 4\n";
    let errs = parse(src).unwrap_err();
    let ids: Vec<&str> = errs.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["UnexpectedToken", "RedirectionNotSupported", "UnexpectedToken"]);
    let out: String = errs.iter().map(|e| e.render(src, Some("/tmp/x.ps1"))).collect();
    assert_eq!(out.matches("ParserError: /tmp/x.ps1:").count(), 3);
    assert!(out.contains("The '<' operator is reserved for future use."));
    assert!(out.contains("<placeholder> looks like a placeholder"));
}
