//! Drives the REAL `exosh` binary in a pseudo-terminal (the evaluator behind the line
//! editor): a multi-line hashtable, Tab completion of cmdlets, parameters, enum values
//! and tenant names, history recall with Up, Ctrl-C stopping `while ($true) {}` while
//! the session (and its variables) stays, and Ctrl-D leaving.

use rexpect::session::PtySession;
use std::path::Path;
use std::process::Command;

const TIMEOUT_MS: u64 = 30_000;

fn exosh() -> &'static str {
    env!("CARGO_BIN_EXE_exosh")
}

/// Runs `exosh -Command text` on the tenant at `home` (no terminal).
fn command(home: &Path, text: &str) -> String {
    let out = Command::new(exosh())
        .args(["-NoProfile", "-NonInteractive", "-Command", text])
        .env("EXOSH_HOME", home)
        .env("NO_COLOR", "1")
        .current_dir(home)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.is_empty(), "setup failed: {err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn spawn(home: &Path, cwd: &Path) -> PtySession {
    // A fixed window; TERM=dumb so the editor does not wait for a cursor-position reply
    // that a bare pseudo-terminal never sends.
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("stty cols 200 rows 40; exec '{}' -NoProfile -NoLogo", exosh()));
    cmd.env("EXOSH_HOME", home).env("TERM", "dumb").env("NO_COLOR", "1").current_dir(cwd);
    rexpect::session::spawn_command(cmd, Some(TIMEOUT_MS)).unwrap()
}

/// Types `text` and makes sure the shell sees it now.
fn keys(p: &mut PtySession, text: &str) {
    p.send(text).unwrap();
    p.flush().unwrap();
}

#[test]
fn a_real_exosh_session_in_a_pseudo_terminal() {
    let home = tempfile::tempdir().unwrap();
    let csv = home.path().join("users.csv");
    std::fs::write(&csv, "EmailAddress,UserName,Password\nterrya@contoso.com,terry.adams,1091990\n").unwrap();
    command(
        home.path(),
        &format!(
            "New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null\n\
             New-Mailbox -Shared -Name terrya -PrimarySmtpAddress terrya@contoso.com | Out-Null\n\
             New-MigrationEndpoint -IMAP -Name ImapSource -RemoteServer imap.contoso.com -Security Ssl -SkipVerification | Out-Null\n\
             New-MigrationBatch -Name ZetaBatch -SourceEndpoint ImapSource -CSVData ([System.IO.File]::ReadAllBytes('{}')) | Out-Null\n",
            csv.display()
        ),
    );
    let cwd = std::fs::canonicalize(home.path()).unwrap();
    let prompt = format!("PS {}> ", cwd.display());
    let mut p = spawn(home.path(), &cwd);
    p.exp_string(&prompt).unwrap();

    // A multi-line hashtable: `>> ` asks for more, then the evaluator runs it as one input.
    p.send_line("$h = @{").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("  Name = 'zq' + 42").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("}").unwrap();
    p.exp_string(&prompt).unwrap();
    p.send_line("$h.Name + '!'").unwrap();
    p.exp_string("zq42!").unwrap();
    p.exp_string(&prompt).unwrap();

    // Tab completes a cmdlet name from the registry; Ctrl-C drops the line.
    keys(&mut p, "New-MigrationB");
    keys(&mut p, "\t");
    p.exp_string("New-MigrationBatch").unwrap();
    p.send_control('c').unwrap();
    p.exp_string(&prompt).unwrap();

    // A parameter, then its enum value, from the signature the binder uses.
    keys(&mut p, "New-MigrationEndpoint -Sec");
    keys(&mut p, "\t");
    p.exp_string("-Security").unwrap();
    keys(&mut p, " S");
    keys(&mut p, "\t");
    p.exp_string("Ssl").unwrap();
    p.send_control('c').unwrap();
    p.exp_string(&prompt).unwrap();

    // Tenant names after -Identity, read from the store at $EXOSH_HOME.
    keys(&mut p, "Get-MigrationBatch -Identity ");
    keys(&mut p, "\t");
    p.exp_string("ZetaBatch").unwrap();
    keys(&mut p, " | ForEach-Object { 'found ' + $_.Identity }\r");
    p.exp_string("found ZetaBatch").unwrap();
    p.exp_string(&prompt).unwrap();

    // Up recalls the previous input.
    p.send_line("'hist' + 'ory' + 7").unwrap();
    p.exp_string("history7").unwrap();
    p.exp_string(&prompt).unwrap();
    keys(&mut p, "\x1b[A");
    keys(&mut p, "\r");
    p.exp_string("history7").unwrap();
    p.exp_string(&prompt).unwrap();

    // Ctrl-C stops a running loop; the session and its variables stay.
    p.send_line("$n = 0; while ($true) { $n++ }").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    // (The prompt text also shows in the editor's repaint of the typed line, so the
    // next input's output is what proves the shell is back.)
    p.send_line("'alive ' + ($n -gt 0) + ' ' + $h.Name").unwrap();
    p.exp_string("alive True zq42").unwrap();
    p.exp_string(&prompt).unwrap();

    // Ctrl-C wakes Start-Sleep at once.
    let t = std::time::Instant::now();
    p.send_line("Start-Sleep -Seconds 60; 'not' + 'reached'").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    // (The prompt text also shows in the editor's repaint of the typed line, so the
    // next input's output is what proves the shell is back.)
    p.send_line("'mark' + 2").unwrap();
    let before = p.exp_string("mark2").unwrap();
    assert!(!before.contains("notreached"), "{before}");
    p.exp_string(&prompt).unwrap();
    assert!(t.elapsed() < std::time::Duration::from_secs(20), "{:?}", t.elapsed());

    // Ctrl-D leaves with exit code 0.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let status = format!("{:?}", p.process_mut().wait().unwrap());
    assert!(status.starts_with("Exited(") && status.ends_with(", 0)"), "{status}");

    // History is in $EXOSH_HOME/history.txt.
    let history = std::fs::read_to_string(home.path().join("history.txt")).unwrap();
    assert!(history.contains("'hist' + 'ory' + 7"), "{history}");
}

#[test]
fn ctrl_c_is_not_caught_by_try_catch() {
    let home = tempfile::tempdir().unwrap();
    let cwd = std::fs::canonicalize(home.path()).unwrap();
    let prompt = format!("PS {}> ", cwd.display());
    let mut p = spawn(home.path(), &cwd);
    p.exp_string(&prompt).unwrap();
    p.send_line("$i = 0; while ($true) { try { while ($true) { $i++ } } catch { 'cau' + 'ght' } }").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    // (The prompt text also shows in the editor's repaint of the typed line, so the
    // next input's output is what proves the shell is back.)
    p.send_line("'after ' + ($i -gt 0)").unwrap();
    let before = p.exp_string("after True").unwrap();
    assert!(!before.contains("caught"), "{before}");
    p.send_line("exit 5").unwrap();
    p.exp_eof().unwrap();
    let status = format!("{:?}", p.process_mut().wait().unwrap());
    assert!(status.ends_with(", 5)"), "{status}");
}

#[test]
fn the_profile_runs_unless_no_profile() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("profile.ps1"),
        "function Get-Greeting { 'hello from ' + 'profile' }\n$ProfileSeen = 'seen'\n",
    )
    .unwrap();
    let input = home.path().join("input.ps1");
    std::fs::write(&input, "Get-Greeting\n\"v=$ProfileSeen\"\n\"p=$(Split-Path -Leaf $PROFILE)\"\n").unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(exosh())
            .args(args)
            .env("EXOSH_HOME", home.path())
            .env("NO_COLOR", "1")
            .stdin(std::fs::File::open(&input).unwrap())
            .output()
            .unwrap();
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (out, err) = run(&[]);
    assert_eq!(out, "hello from profile\nv=seen\np=profile.ps1\n", "{err}");
    let (out, err) = run(&["-NoProfile"]);
    assert_eq!(out, "v=\np=profile.ps1\n");
    assert!(err.contains("Get-Greeting"), "{err}");
}

#[test]
fn get_help_renders_from_the_signatures() {
    let home = tempfile::tempdir().unwrap();
    let out = command(home.path(), "Get-Help Get-MigrationBatch -Online");
    assert_eq!(out, "https://learn.microsoft.com/powershell/module/exchangepowershell/get-migrationbatch\n");
    let out = command(home.path(), "Get-Help New-MigrationEndpoint -Parameter Secur*");
    assert!(out.contains("-Security <String>\n    Required?                    false\n"), "{out}");
    let out = command(home.path(), "Get-Help New-MigrationBatch -Examples");
    assert!(out.contains("-------------------------- Example 1 --------------------------"), "{out}");
    let out = command(home.path(), "Get-Help about_IMAP_Migration");
    assert!(out.contains("about_IMAP_Migration"), "{out}");
}
