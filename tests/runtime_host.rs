//! Host entry points through the real binary: -File with arguments bound to
//! param(), -Command exit codes, ConciseView errors with file and line, and
//! the plain stdin REPL with continuation lines.

use std::io::Write;
use std::process::{Command, Stdio};

fn exosh() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_exosh"));
    c.env("TZ", "UTC");
    c
}

#[test]
fn file_arguments_bind_to_param_block() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.ps1");
    std::fs::write(&p, "param($Name, [int]$Count = 1, [switch]$Loud)\n\"$Name $($Count + 1) $Loud\"\n").unwrap();
    let out = exosh().args(["-NoProfile", "-File"]).arg(&p).args(["-Name", "x", "5", "-Loud"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x 6 True\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn command_exit_codes() {
    let out = exosh().args(["-NoProfile", "-Command", "exit 5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let out = exosh().args(["-NoProfile", "-Command", "Write-Error 'bad'"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "-Command: a failed last statement exits 1");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Write-Error: bad"));
    let out = exosh().args(["-NoProfile", "-Command", "'ok'"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ok\n");
}

#[test]
fn uncaught_throw_reports_file_line_and_caret() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.ps1");
    std::fs::write(&p, "'first'\n\nthrow \"it broke\"\n'never'\n").unwrap();
    let out = exosh().args(["-NoProfile", "-NonInteractive", "-File"]).arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains(&format!("Exception: {}:3", p.display())), "{err}");
    assert!(err.contains("Line |"), "{err}");
    assert!(err.contains("   3 |  throw \"it broke\""), "{err}");
    assert!(err.contains("~~~~~"), "{err}");
    assert!(err.contains("| it broke"), "{err}");
}

#[test]
fn parse_errors_stop_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.ps1");
    std::fs::write(&p, "'would print'\nif ($a {\n").unwrap();
    let out = exosh().args(["-NoProfile", "-File"]).arg(&p).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ParserError"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn stdin_repl_runs_lines_and_continues_incomplete_input() {
    let mut child = exosh()
        .args(["-NoProfile", "-NoLogo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"$x = 20\nif ($true) {\n  $x + 22\n}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "42\n");
}

#[test]
fn drive_letters_need_a_mapping() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "Name\nann\n").unwrap();
    let root = dir.path().display().to_string();
    let script = format!(
        "try {{ Import-Csv Q:\\users.csv }} catch {{ 'no mapping' }}\nNew-PSDrive -Name Q -PSProvider FileSystem -Root '{root}' | Out-Null\n(Import-Csv Q:\\users.csv).Name\n[System.IO.File]::ReadAllText('Q:\\users.csv').Length"
    );
    let out = exosh().args(["-NoProfile", "-Command", &script]).current_dir(dir.path()).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no mapping\nann\n9\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
