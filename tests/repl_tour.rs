//! Replays the transcripts of docs/repl.md against the completer and the validator:
//! `<Tab>` applies the first candidate and the next prompt line must show the result,
//! `<Ctrl+Space>` lists every candidate on the next line, and input over several lines
//! must be incomplete (`>> `) until its last line.
//!
//! The tenant is the one of examples/repl_fake.rs until the runtime's completion source
//! is ready.

#[path = "../examples/repl_fake.rs"]
#[allow(dead_code)]
mod repl_fake;

use exosh::repl::{Validation, complete, validate};

const PROMPT: &str = "PS /tenant> ";

fn transcripts() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/repl.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```transcript") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(b), l) => b.push(l.to_string()),
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_tour_replays() {
    let source = repl_fake::Source::default();
    let blocks = transcripts();
    assert!(blocks.len() >= 5, "transcript blocks missing from docs/repl.md");
    let mut checked = 0;
    for block in &blocks {
        let mut i = 0;
        while i < block.len() {
            let line = &block[i];
            let input = line.strip_prefix(PROMPT).unwrap_or_else(|| panic!("not a prompt line: {line:?}"));
            if let Some(typed) = input.strip_suffix("<Tab>") {
                let expected = block[i + 1].strip_prefix(PROMPT).unwrap_or_else(|| panic!("no result after {line:?}"));
                let c = complete(typed, typed.len(), &source);
                assert_eq!(c.apply_first(typed).as_deref(), Some(expected), "Tab after {typed:?}: {:?}", c.values());
                i += 2;
            } else if let Some(typed) = input.strip_suffix("<Ctrl+Space>") {
                let expected = &block[i + 1];
                let c = complete(typed, typed.len(), &source);
                assert_eq!(&c.values().join("  "), expected, "Ctrl+Space after {typed:?}");
                i += 2;
            } else {
                let mut text = input.to_string();
                i += 1;
                while let Some(more) = block.get(i).and_then(|l| l.strip_prefix(">> ")) {
                    assert_eq!(validate(&text), Validation::Incomplete, "{text:?} should ask for more");
                    text.push('\n');
                    text.push_str(more);
                    i += 1;
                }
                assert_eq!(validate(&text), Validation::Complete, "{text:?} should be complete");
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} steps replayed");
}

#[test]
fn paths_complete_relative_to_the_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "EmailAddress,UserName,Password\n").unwrap();
    let source = repl_fake::Source::at(dir.path().to_str().unwrap());
    let line = "New-MigrationBatch -Name B -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('./us";
    let c = complete(line, line.len(), &source);
    assert_eq!(c.apply_first(line).unwrap(), format!("{}ers.csv", line));
    let c = complete("Import-Csv u", 12, &source);
    assert_eq!(c.values(), vec!["users.csv"]);
}
