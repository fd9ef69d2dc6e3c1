//! Replays the transcripts of docs/repl.md against the REAL completion source: the
//! runtime's `ShellHost` over a real SQLite tenant holding the tour's objects
//! (IMAPEndpoint, IMAPBatch1, 'Pilot Batch', ann@, bob@ and chris@contoso.com) and the
//! variables `$batch` and `$batches` set by running PowerShell in the session.

use exosh::repl::{ReplHost, Validation, complete, validate};
use exosh::runtime::host::HostOptions;
use exosh::runtime::repl_host::ShellHost;
use exosh::tenant::{SqliteStore, Tenant};
use std::sync::Arc;

const PROMPT: &str = "PS /tenant> ";

fn transcripts() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/repl.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```transcript") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(b), l) => b.push(l.to_string()),
            (None, _) => {}
        }
    }
    blocks
}

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
    let source = host.completion_source();
    let source = source.as_ref();

    let blocks = transcripts();
    assert!(blocks.len() >= 5, "transcript blocks missing from docs/repl.md");
    let mut checked = 0;
    let mut failures = Vec::new();
    for block in &blocks {
        let mut i = 0;
        while i < block.len() {
            let line = &block[i];
            let input = line.strip_prefix(PROMPT).unwrap_or_else(|| panic!("not a prompt line: {line:?}"));
            if let Some(typed) = input.strip_suffix("<Tab>") {
                let expected = block[i + 1].strip_prefix(PROMPT).unwrap_or_else(|| panic!("no result after {line:?}"));
                let c = complete(typed, typed.len(), source);
                if c.apply_first(typed).as_deref() != Some(expected) {
                    failures.push(format!("Tab after {typed:?}: {:?}", c.values()));
                }
                i += 2;
            } else if let Some(typed) = input.strip_suffix("<Ctrl+Space>") {
                let expected = &block[i + 1];
                let c = complete(typed, typed.len(), source);
                if &c.values().join("  ") != expected {
                    failures.push(format!("Ctrl+Space after {typed:?}: {:?}", c.values()));
                }
                i += 2;
            } else {
                let mut text = input.to_string();
                i += 1;
                while let Some(more) = block.get(i).and_then(|l| l.strip_prefix(">> ")) {
                    assert_eq!(validate(&text), Validation::Incomplete, "{text:?} should ask for more");
                    text.push('\n');
                    text.push_str(more);
                    i += 1;
                }
                assert_eq!(validate(&text), Validation::Complete, "{text:?} should be complete");
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 15, "only {checked} steps replayed");
}
