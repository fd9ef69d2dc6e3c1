//! Replays the transcripts of docs/repl.md against the REAL completion source: the
//! runtime's `ShellHost` over a real SQLite tenant holding the tour's objects
//! (IMAPEndpoint, IMAPBatch1, 'Pilot Batch', ann@, bob@ and chris@contoso.com) and the
//! variables `$batch` and `$batches` set by running PowerShell in the session.

mod tour;

use exosh::repl::ReplHost;
use exosh::runtime::host::HostOptions;
use exosh::runtime::repl_host::ShellHost;
use exosh::tenant::{SqliteStore, Tenant};
use std::sync::Arc;

#[test]
fn the_tour_replays_against_the_real_shell() {
    let home = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(home.path()).unwrap());
    exosh::cmdlets::exchange::common::attach_tenant(Tenant::new(store.clone()));
    let mut host = ShellHost::new(&HostOptions::default());
    host.set_tenant_store(store);
    let csv1 = home.path().join("b1.csv");
    let csv2 = home.path().join("b2.csv");
    std::fs::write(&csv1, "EmailAddress,UserName,Password\nann@contoso.com,ann,1\nbob@contoso.com,bob,2\n").unwrap();
    std::fs::write(&csv2, "EmailAddress,UserName,Password\nchris@contoso.com,chris,3\n").unwrap();
    let setup = format!(
        "New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null\n\
         'ann', 'bob', 'chris' | ForEach-Object {{ New-Mailbox -Shared -Name $_ -PrimarySmtpAddress \"$_@contoso.com\" | Out-Null }}\n\
         New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -Port 993 -Security Ssl -SkipVerification | Out-Null\n\
         New-MigrationBatch -Name IMAPBatch1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{}')) | Out-Null\n\
         New-MigrationBatch -Name 'Pilot Batch' -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{}')) | Out-Null\n\
         $batch = Get-MigrationBatch IMAPBatch1\n\
         $batches = Get-MigrationBatch\n\
         $global:setupOk = $batches.Count\n",
        csv1.display(),
        csv2.display()
    );
    host.execute(&setup);
    let ok = host.interp.global.lookup("setupOk").map(|v| exosh::runtime::convert::to_string(&v));
    assert_eq!(ok.as_deref(), Some("2"), "tenant setup failed");
    tour::replay(host.completion_source().as_ref());
}
