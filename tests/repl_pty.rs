//! Drives the interactive shell in a real pseudo-terminal: multi-line input, Tab
//! completion, history across sessions, Ctrl-C during a running pipeline, engine
//! notices above the prompt, Ctrl-D.
//!
//! The shell runs over the fake host of examples/repl_fake.rs, which can send engine
//! notices on demand; the line editor, validator, completer and signal handling under
//! test are the product's own (`exosh::repl::run`). tests/repl_exosh_pty.rs drives the
//! real `exosh` binary.

use rexpect::session::PtySession;
use std::path::{Path, PathBuf};
use std::process::Command;

const TIMEOUT_MS: u64 = 20_000;

// The fake shell of examples/repl_fake.rs, run by this very test binary in a child
// process (a test cannot depend on an example's binary without a nested cargo).
#[path = "../examples/repl_fake.rs"]
#[allow(dead_code)]
mod repl_fake;

const CHILD: &str = "EXOSH_REPL_FAKE_CHILD";

/// Not a test: the entry point of the child process the tests below start.
#[test]
fn child_process_entry() {
    if std::env::var_os(CHILD).is_some() {
        repl_fake::main();
    }
}

/// The command that starts the fake shell: this binary, running only `child_process_entry`.
fn fake_repl() -> PathBuf {
    std::env::current_exe().unwrap()
}

fn child_args() -> &'static str {
    "child_process_entry --exact --nocapture --test-threads=1 --quiet"
}

fn spawn(bin: &Path, home: &Path) -> PtySession {
    // A fixed window; TERM=dumb so the editor does not wait for a cursor-position reply
    // that a bare pseudo-terminal never sends.
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("stty cols 120 rows 40; exec '{}' {}", bin.display(), child_args()));
    cmd.env(CHILD, "1").env("EXOSH_HOME", home).env("TERM", "dumb").env("NO_COLOR", "1");
    rexpect::session::spawn_command(cmd, Some(TIMEOUT_MS)).unwrap()
}

/// Types `text` and makes sure the shell sees it now.
fn keys(p: &mut PtySession, text: &str) {
    p.send(text).unwrap();
    p.flush().unwrap();
}

#[test]
fn an_interactive_session_in_a_pseudo_terminal() {
    let bin = fake_repl();
    let home = tempfile::tempdir().unwrap();
    let mut p = spawn(&bin, home.path());
    p.exp_string("PS /tenant> ").unwrap();

    // A multi-line hashtable: the validator asks for more with `>> `, then runs it as one input.
    p.send_line("$h = @{").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("  Name = 'x'").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("}").unwrap();
    p.exp_string("ran: $h = @{<NL>  Name = 'x'<NL>}").unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // Tab completes a cmdlet name.
    keys(&mut p, "New-MigrationB");
    keys(&mut p, "\t");
    p.exp_string("New-MigrationBatch").unwrap();
    p.send_line("").unwrap();
    p.exp_string("ran: New-MigrationBatch").unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // A parameter, then its enum value.
    keys(&mut p, "New-MigrationEndpoint -Sec");
    keys(&mut p, "\t");
    p.exp_string("-Security").unwrap();
    keys(&mut p, " S");
    keys(&mut p, "\t");
    p.exp_string("Ssl").unwrap();
    p.send_line("").unwrap();
    p.exp_string("ran: New-MigrationEndpoint -Security Ssl").unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // Ctrl-Space lists the candidates; Ctrl-C drops the line.
    keys(&mut p, "New-MigrationEndpoint -Security ");
    keys(&mut p, "\0");
    p.exp_string("Tls").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // Ctrl-C stops the running pipeline; the shell stays.
    p.send_line("while ($true) {}").unwrap();
    p.exp_string("looping").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("stopped").unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // An engine notice prints above the prompt while a line is being edited.
    p.send_line("notify").unwrap();
    p.exp_string("ran: notify").unwrap();
    p.exp_string("PS /tenant> ").unwrap();
    keys(&mut p, "Get-Mig");
    p.exp_string("WARNING: The batch 'IMAPBatch1' is Synced.").unwrap();
    // The half-typed line survives the notice.
    keys(&mut p, "rationBatch\r");
    p.exp_string("ran: Get-MigrationBatch").unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // Up recalls the previous input.
    keys(&mut p, "\x1b[A");
    keys(&mut p, "\r");
    p.exp_string("ran: Get-MigrationBatch").unwrap();
    p.exp_string("PS /tenant> ").unwrap();

    // Ctrl-D leaves.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();

    // History is in $EXOSH_HOME/history.txt and a new session recalls it.
    let history = std::fs::read_to_string(home.path().join("history.txt")).unwrap();
    assert!(history.contains("New-MigrationEndpoint -Security Ssl"), "{history}");
    let mut p = spawn(&bin, home.path());
    p.exp_string("PS /tenant> ").unwrap();
    keys(&mut p, "\x1b[A");
    keys(&mut p, "\r");
    p.exp_string("ran: Get-MigrationBatch").unwrap();
    p.exp_string("PS /tenant> ").unwrap();
    // Ctrl-R searches the history; Enter takes the match, Enter runs it.
    p.send_control('r').unwrap();
    keys(&mut p, "Secur");
    p.exp_string("bck-i-search: Secur").unwrap();
    keys(&mut p, "\r");
    keys(&mut p, "\r");
    p.exp_string("ran: New-MigrationEndpoint -Security Ssl").unwrap();
    p.exp_string("PS /tenant> ").unwrap();
    p.send_line("exit 7").unwrap();
    p.exp_eof().unwrap();
    let status = p.process_mut().wait().unwrap();
    let status = format!("{status:?}");
    assert!(status.starts_with("Exited(") && status.ends_with(", 7)"), "{status}");
}

#[test]
fn piped_stdin_bypasses_the_line_editor() {
    let bin = fake_repl();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(&bin)
        .args(child_args().split(' '))
        .env(CHILD, "1")
        .env("EXOSH_HOME", home.path())
        .stdin(std::fs::File::open(write_script(home.path())).unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The test harness prints its own header before the shell's output.
    let stdout = stdout.lines().filter(|l| l.starts_with("ran: ")).collect::<Vec<_>>().join("\n") + "\n";
    assert_eq!(stdout, "ran: $h = @{<NL>  a = 1<NL>}\nran: Get-MigrationBatch |<NL>  Write-Output\n");
    assert_eq!(out.status.code(), Some(4));
    assert!(!home.path().join("history.txt").exists(), "piped input is not history");
}

fn write_script(dir: &Path) -> PathBuf {
    let path = dir.join("input.ps1");
    std::fs::write(&path, "$h = @{\n  a = 1\n}\nGet-MigrationBatch |\n  Write-Output\nexit 4\n").unwrap();
    path
}
