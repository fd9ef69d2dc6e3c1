//! Exchange cmdlets outside the product give a clear "not emulated" error
//! (not "not recognized"), catchable like any command error; unknown names
//! keep PowerShell's "not recognized" error.

use std::process::Command;

#[test]
fn out_of_scope_exchange_cmdlets_say_not_emulated() {
    let home = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            "Get-MoveRequest; try { New-MoveRequest -Identity x -ErrorAction Stop } catch { 'caught ' + $_.FullyQualifiedErrorId }; Get-PublicFolder; Set-HostedContentFilterPolicy -Identity Default; Get-NoSuchThing",
        ])
        .env("EXOSH_HOME", home.path())
        .output()
        .expect("exosh runs");
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(out.contains("caught CommandNotEmulated"), "{out}");
    assert!(
        err.contains("'Get-MoveRequest' is an Exchange cmdlet that is not emulated by exosh: move and sync requests"),
        "{err}"
    );
    assert!(
        err.contains("'Get-PublicFolder' is an Exchange cmdlet that is not emulated by exosh: public folders"),
        "{err}"
    );
    assert!(
        err.contains("'Set-HostedContentFilterPolicy' is an Exchange cmdlet that is not emulated by exosh: policies"),
        "{err}"
    );
    assert!(err.contains("The term 'Get-NoSuchThing' is not recognized"), "{err}");
    assert!(!err.contains("The term 'Get-MoveRequest' is not recognized"), "{err}");
}

#[test]
fn get_command_lists_the_exchange_cmdlets_but_not_the_families_outside() {
    let home = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-Command", "Get-Command | ForEach-Object Name"])
        .env("EXOSH_HOME", home.path())
        .output()
        .expect("exosh runs");
    let names: Vec<String> = String::from_utf8_lossy(&o.stdout).lines().map(|l| l.trim().to_string()).collect();
    for n in [
        "New-MigrationBatch",
        "Get-MigrationUserStatistics",
        "Connect-ExchangeOnline",
        "Get-EXOMailbox",
        "New-PSSession",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing from Get-Command");
    }
    for n in &names {
        assert!(exosh::cmdlets::exchange::not_emulated(n).is_none(), "{n} is outside the product but listed");
    }
}
