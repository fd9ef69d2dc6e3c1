//! The parser against real scripts: ../shared/corpus (pwsh's verdict in INDEX.tsv),
//! every conformance case and the seed-imap walkthrough.

use exosh::syntax::{ParseErrorId, parse};
use std::path::PathBuf;

fn shared() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for cand in [root.join("../shared"), root.join("../../shared")] {
        if cand.join("corpus/INDEX.tsv").exists() {
            return cand;
        }
    }
    panic!("../shared (corpus, conformance) not found next to the repository");
}

fn read(p: &PathBuf) -> String {
    exosh::cli::decode_script(&std::fs::read(p).unwrap())
}

#[test]
fn corpus_matches_pwsh_verdicts() {
    let dir = shared().join("corpus");
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = header.iter().position(|h| *h == "pwsh parses").unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        let file = cols[0];
        let accepts = cols[col] == "yes";
        let src = read(&dir.join(file));
        match (accepts, parse(&src)) {
            (true, Ok(_)) => {}
            (true, Err(errs)) => failures.push(format!("{file}: {}", errs[0].render(&src, Some(file)))),
            (false, Ok(_)) => failures.push(format!("{file}: accepted, pwsh rejects it")),
            (false, Err(errs)) => {
                if !errs.iter().any(|e| e.id == ParseErrorId::RedirectionNotSupported) {
                    failures.push(format!("{file}: rejected without RedirectionNotSupported: {:?}", errs[0].id));
                }
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 66);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn jsonl_scripts(path: PathBuf) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["id"].as_str().unwrap().to_string(), v["script"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn every_conformance_case_parses() {
    let cases = jsonl_scripts(shared().join("conformance/cases.jsonl"));
    assert!(cases.len() >= 160);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(id, script)| parse(script).err().map(|e| format!("{id}: {}", e[0].render(script, Some(id)))))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn seed_walkthrough_parses() {
    let p = shared().join("scenarios/seed-imap/seed.ps1");
    let src = read(&p);
    let ast = parse(&src).unwrap_or_else(|e| panic!("{}", e[0].render(&src, Some("seed.ps1"))));
    assert!(!ast.end_statements().is_empty());
}
