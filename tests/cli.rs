//! The command line as a user meets it: the real binary, real files.

use std::process::Command;

fn exosh() -> Command {
    Command::new(env!("CARGO_BIN_EXE_exosh"))
}

#[test]
fn version_and_help() {
    let out = exosh().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("exosh "));
    let out = exosh().arg("-HELP").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("-NonInteractive"));
}

#[test]
fn bad_flags_and_missing_scripts_exit_64() {
    let out = exosh().arg("-Bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    let out = exosh().args(["-NoProfile", "-File", "/nonexistent/x.ps1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not recognized as the name of a script file"));
}

#[test]
fn check_accepts_a_good_script_and_rejects_a_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.ps1");
    std::fs::write(&good, "Get-MigrationBatch | Format-List Identity, Status\n").unwrap();
    let out = exosh().arg("--check").arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let bad = dir.path().join("bad.ps1");
    std::fs::write(&bad, "Test-MigrationServerAvailability -IMAP -RemoteServer <FQDN of IMAP server> -Port 993\n")
        .unwrap();
    let out = exosh().arg("--check").arg(&good).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ParserError: "), "{err}");
    assert!(err.contains("The '<' operator is reserved for future use."), "{err}");
}

#[test]
fn check_reports_a_missing_file() {
    let out = exosh().args(["--check", "/nonexistent/x.ps1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Out-GridView has no window here: it prints a table after a warning, and `-PassThru` /
/// `-OutputMode` pass the selection on (corpus scripts 007, 049 and 053 pipe into it).
#[test]
fn out_gridview_prints_a_table_and_passes_the_selection_on() {
    let script = r#"
$rows = [pscustomobject]@{Identity='a@contoso.com';Status='Synced'}, [pscustomobject]@{Identity='b@contoso.com';Status='Failed'}
$picked = $rows | Out-GridView -Title 'Users' -PassThru
"picked $($picked.Count)"
$one = $rows | ogv -OutputMode Single
"single $($one.Identity)"
$none = $rows | Out-GridView
"none $($null -eq $none)"
"#;
    let out = exosh().args(["-NoProfile", "-NonInteractive", "-Command", script]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let table = "Identity      Status\n--------      ------\na@contoso.com Synced\nb@contoso.com Failed";
    assert_eq!(stdout.matches(table).count(), 3, "{stdout}");
    assert!(stdout.contains("picked 2\n"), "{stdout}");
    assert!(stdout.contains("single a@contoso.com\n"), "{stdout}");
    assert!(stdout.contains("none True\n"), "{stdout}");
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("WARNING: Out-GridView 'Users': exosh has no grid window"), "{all}");
}
