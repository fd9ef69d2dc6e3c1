//! Runs the runtime's conformance cases (tests/conformance/*.jsonl, the
//! format of ../shared/conformance/cases.jsonl plus an optional `exit_code`)
//! through the real exosh binary, as `exosh -NoProfile -NonInteractive -File`.

use std::path::Path;
use std::process::Command;

fn norm(s: &str) -> String {
    s.split('\n').map(|l| l.trim_end_matches([' ', '\t'])).collect::<Vec<_>>().join("\n")
}

#[test]
fn runtime_conformance_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/conformance exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    let mut failures = Vec::new();
    let mut count = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable cases");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let case: serde_json::Value = serde_json::from_str(line).expect("valid JSON case");
            let id = case["id"].as_str().expect("id");
            let script = case["script"].as_str().expect("script");
            let want = case["stdout"].as_str().expect("stdout");
            let work = tmp.path().join(id);
            std::fs::create_dir_all(&work).expect("case dir");
            let path = work.join(format!("{id}.ps1"));
            std::fs::write(&path, script).expect("write script");
            let out = Command::new(env!("CARGO_BIN_EXE_exosh"))
                .args(["-NoProfile", "-NonInteractive", "-File"])
                .arg(&path)
                .current_dir(&work)
                .env("TZ", "UTC")
                .env("EXOSH_HOME", &home)
                .env("COLUMNS", "120")
                .env("TERM", "dumb")
                .output()
                .expect("exosh runs");
            count += 1;
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let good = if case["compare"] == "rstrip" { norm(&stdout) == norm(want) } else { stdout == want };
            if !good {
                failures.push(format!("{id}: stdout\n--- want\n{want}--- got\n{stdout}--- stderr\n{stderr}"));
                continue;
            }
            for s in case["stderr_contains"].as_array().into_iter().flatten() {
                let s = s.as_str().unwrap_or_default();
                if !stderr.contains(s) {
                    failures.push(format!("{id}: stderr lacks {s:?}; was:\n{stderr}"));
                }
            }
            if let Some(code) = case.get("exit_code").and_then(|c| c.as_i64())
                && out.status.code() != Some(code as i32)
            {
                failures.push(format!("{id}: exit code {:?}, want {code}", out.status.code()));
            }
        }
    }
    assert!(count >= 80, "expected at least 80 cases, found {count}");
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n\n"));
}
