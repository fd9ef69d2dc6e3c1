//! End to end: the seed walkthrough (`shared/scenarios/seed-imap/run`) through this
//! build's `exosh` binary, against a real Dovecot that the script starts and stops.
//! The script checks the output, the statistics and every migrated message.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `shared/scenarios/seed-imap/run` beside the project root or one of its ancestors
/// (`../shared` from the main checkout, `../../shared` from a worktree).
fn seed_run() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .map(|a| a.join("shared/scenarios/seed-imap/run"))
        .find(|p| p.is_file())
        .expect("shared/scenarios/seed-imap/run not found beside the project")
}

#[test]
fn seed_imap_walkthrough_passes_end_to_end() {
    let out = Command::new(seed_run())
        .env("EXOSH", env!("CARGO_BIN_EXE_exosh"))
        .env_remove("EXOSH_ENGINE")
        .output()
        .expect("run seed-imap");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let fails: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(out.status.success() && fails.is_empty(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.starts_with("PASS batch Synced")), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("PASS tenant Maildirs match the source")), "{stdout}");
}
