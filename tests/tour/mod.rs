//! The replay of docs/repl.md's transcripts, shared by the tour tests over the fake
//! completion source (tests/repl_tour.rs) and over the real shell
//! (tests/repl_tour_exosh.rs): `<Tab>` applies the first candidate and the next prompt
//! line must show the result, `<Ctrl+Space>` lists every candidate on the next line, and
//! input over several lines must be incomplete (`>> `) until its last line.

use exosh::repl::{CompletionSource, Validation, complete, validate};

pub const PROMPT: &str = "PS /tenant> ";

/// The ```transcript blocks of docs/repl.md, line by line.
pub fn transcripts() -> Vec<Vec<String>> {
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

/// Replays every transcript against `source`; panics when the tour is missing or too
/// short, or when any step differs from what the document shows (all differences listed).
pub fn replay(source: &dyn CompletionSource) {
    let blocks = transcripts();
    assert!(blocks.len() >= 5, "transcript blocks missing from docs/repl.md");
    let mut checked = 0;
    let mut failures = Vec::new();
    for block in &blocks {
        let mut i = 0;
        while i < block.len() {
            let line = &block[i];
            let input = line.strip_prefix(PROMPT).unwrap_or_else(|| panic!("not a prompt line: {line:?}"));
            if let Some(typed) = input.strip_suffix("<Tab>") {
                let expected = block[i + 1].strip_prefix(PROMPT).unwrap_or_else(|| panic!("no result after {line:?}"));
                let c = complete(typed, typed.len(), source);
                if c.apply_first(typed).as_deref() != Some(expected) {
                    failures.push(format!("Tab after {typed:?}: {:?}", c.values()));
                }
                i += 2;
            } else if let Some(typed) = input.strip_suffix("<Ctrl+Space>") {
                let expected = &block[i + 1];
                let c = complete(typed, typed.len(), source);
                if &c.values().join("  ") != expected {
                    failures.push(format!("Ctrl+Space after {typed:?}: {:?}", c.values()));
                }
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
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 15, "only {checked} steps replayed");
}
