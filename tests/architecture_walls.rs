//! The walls between the rooms of src/ (ARCHITECTURE.md, "Architecture Invariants"),
//! checked by reading every `use`/path of each module's files.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::<module>` a room's code names (in `use` lines or inline paths),
/// with the file and line where it does.
fn crate_refs(room: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(room);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut refs = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                let after = &rest[i + "crate::".len()..];
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                refs.push((name, format!("{}:{}", f.display(), n + 1)));
                rest = after;
            }
        }
    }
    refs
}

fn assert_walls(room: &str, forbidden: &[&str]) {
    let bad: Vec<_> = crate_refs(room).into_iter().filter(|(m, _)| forbidden.contains(&m.as_str())).collect();
    assert!(bad.is_empty(), "src/{room} reaches through its wall: {bad:?}");
}

#[test]
fn syntax_imports_nothing_of_the_crate() {
    let refs = crate_refs("syntax");
    let outside: Vec<_> = refs.into_iter().filter(|(m, _)| m != "syntax").collect();
    assert!(outside.is_empty(), "src/syntax must import nothing else of the crate: {outside:?}");
}

#[test]
fn engine_knows_no_powershell() {
    assert_walls("engine", &["syntax", "runtime", "format", "cmdlets", "repl", "cli"]);
}

#[test]
fn tenant_knows_no_powershell_and_no_engine() {
    assert_walls("tenant", &["syntax", "runtime", "format", "cmdlets", "repl", "cli", "engine"]);
}

#[test]
fn format_does_not_reach_into_exchange_or_the_engine() {
    assert_walls("format", &["engine", "cmdlets", "repl", "cli"]);
}

#[test]
fn the_wall_checker_sees_crate_paths() {
    // The checker itself must find references, or every wall test above passes vacuously.
    // src/cli.rs calls into the runtime and the parser.
    let refs = crate_refs("");
    assert!(
        refs.iter().any(|(m, f)| m == "syntax" && f.contains("cli.rs")),
        "no crate::syntax path found in src/cli.rs"
    );
    assert!(
        refs.iter().any(|(m, f)| m == "runtime" && f.contains("cli.rs")),
        "no crate::runtime path found in src/cli.rs"
    );
}
