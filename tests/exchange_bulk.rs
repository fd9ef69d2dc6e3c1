//! 50,000 users through the cmdlets (the real binary): New-MigrationBatch
//! with a 50,000-row CSV (also killed with SIGKILL in the middle), then
//! Get-MigrationUser streaming its first row.
//!
//! The 50,000 target mailboxes are written straight into the database in
//! one transaction (creating 50,000 Maildir trees would measure the file
//! system, not the cmdlets). Bounds are for debug builds on a shared
//! machine; the figures are printed (`--nocapture`) for the report.

use exosh::tenant::*;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const N: usize = 50_000;

fn setup(home: &Path) {
    let s = SqliteStore::open(home).expect("open");
    s.new_accepted_domain(&NewAcceptedDomain {
        name: "contoso.com".into(),
        domain_name: "contoso.com".into(),
        domain_type: None,
    })
    .expect("domain");
    drop(s);
    let mut c = rusqlite::Connection::open(home.join("exosh.db")).expect("db");
    let tx = c.transaction().expect("tx");
    let did: i64 = tx.query_row("SELECT id FROM accepted_domain", [], |r| r.get(0)).expect("domain id");
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO mailbox(guid, exchange_guid, name, alias, display_name, primary_smtp, upn, recipient_type, domain_id, created, changed) VALUES (?1, ?2, ?3, ?3, ?3, ?4, ?4, 1, ?5, 0, 0)",
            )
            .expect("prepare");
        for i in 0..N {
            let a = format!("user{i:05}@contoso.com");
            ins.execute(rusqlite::params![
                uuid::Uuid::new_v4().to_string(),
                uuid::Uuid::new_v4().to_string(),
                format!("user{i:05}"),
                a,
                did
            ])
            .expect("insert");
        }
    }
    tx.commit().expect("commit");
    let mut csv = String::from("EmailAddress,UserName,Password\n");
    for i in 0..N {
        csv.push_str(&format!("user{i:05}@contoso.com,user{i:05},Pass-{i}\n"));
    }
    std::fs::write(home.join("users.csv"), csv).expect("csv");
}

fn exosh(home: &Path, script: &str) -> (String, String, f64) {
    let t = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-Command", script])
        .env("EXOSH_HOME", home)
        .output()
        .expect("exosh runs");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned(), ms)
}

#[test]
fn fifty_thousand_users_through_the_cmdlets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path();
    setup(home);
    let (_, err, _) =
        exosh(home, "New-MigrationEndpoint -IMAP -Name E -RemoteServer imap.contoso.com -SkipVerification | Out-Null");
    assert_eq!(err, "");
    let (_, _, baseline) = exosh(home, "$null = Get-MigrationEndpoint E");
    let csv = home.join("users.csv").display().to_string();
    // SIGKILL in the middle of New-MigrationBatch: the next process sees the
    // whole batch or none of it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args([
            "-NoProfile",
            "-NonInteractive",
            "-Command",
            &format!("New-MigrationBatch -Name Killed -SourceEndpoint E -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) | Out-Null"),
        ])
        .env("EXOSH_HOME", home)
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let _ = child.kill();
    let _ = child.wait();
    let (out, err, _) = exosh(
        home,
        "\"batches $(@(Get-MigrationBatch).Count) users $(@(Get-MigrationUser -ResultSize Unlimited).Count)\"",
    );
    assert_eq!(err, "");
    let whole = out.contains(&format!("batches 1 users {N}"));
    assert!(whole || out.contains("batches 0 users 0"), "half a batch after SIGKILL: {out}");
    eprintln!(
        "exchange_bulk: after SIGKILL at 1.5 s the store holds {}",
        if whole { "the whole batch" } else { "no batch" }
    );
    if whole {
        let (_, err, _) = exosh(home, "Remove-MigrationBatch Killed -Confirm:$false");
        assert_eq!(err, "");
    }
    let (out, err, batch_ms) = exosh(
        home,
        &format!(
            "$b = New-MigrationBatch -Name Big -SourceEndpoint E -CSVData ([System.IO.File]::ReadAllBytes('{csv}'))\n\"total $($b.TotalCount)\""
        ),
    );
    assert_eq!(err, "");
    assert!(out.contains(&format!("total {N}")), "{out}");
    let (out, err, users_ms) = exosh(
        home,
        "$t0 = [DateTime]::UtcNow; $first = $null; $n = 0\n\
         Get-MigrationUser -ResultSize Unlimited | ForEach-Object { if ($null -eq $first) { $first = ([DateTime]::UtcNow - $t0).TotalMilliseconds }; $n++ }\n\
         \"first $first\"; \"count $n\"",
    );
    assert_eq!(err, "");
    assert!(out.contains(&format!("count {N}")), "{out}");
    // The default -ResultSize is 1000, with Exchange's warning.
    let (out2, err2, _) = exosh(home, "\"default $(@(Get-MigrationUser).Count)\"");
    assert!(out2.contains("default 1000"), "{out2}");
    assert!(
        format!("{out2}{err2}").contains("WARNING: By default only the first 1000 items are returned."),
        "{out2}{err2}"
    );
    let first: f64 =
        out.lines().find_map(|l| l.strip_prefix("first ")).and_then(|v| v.trim().parse().ok()).expect("first-row time");
    eprintln!(
        "exchange_bulk: process baseline {baseline:.0} ms; New-MigrationBatch {N} rows (whole process) {batch_ms:.0} ms; Get-MigrationUser first row {first:.1} ms, all {N} rows (whole process) {users_ms:.0} ms"
    );
    // Debug build on a shared 2-core machine: generous bounds that still
    // catch a non-streaming or per-row-transaction implementation.
    assert!(first < 500.0, "first row after {first} ms");
    assert!(batch_ms < 30_000.0, "batch took {batch_ms} ms");
}
