//! The first part of ../shared/scenarios/seed-imap/seed.ps1 (Steps 1, 2, 4
//! and the batch creation of Step 5) through the binary, with
//! -SkipVerification for the endpoint: without a migration engine the
//! server test answers Failed (honestly) and the started batch stays
//! Syncing with its users Queued. The output is what the walkthrough prints.

use std::process::Command;

const SEED_PART: &str = r#"param(
    [string]$RemoteServer = $env:IMAP_HOST,
    [int]$Port = $env:IMAP_PORT,
    [string]$Security = $env:IMAP_SECURITY,
    [string]$CsvPath = $env:IMAP_CSV,
    [string]$Domain = 'contoso.com'
)
$ErrorActionPreference = 'Stop'

# Step 1: the IMAP email domain becomes an accepted domain.
New-AcceptedDomain -Name $Domain -DomainName $Domain -DomainType Authoritative | Out-Null

# Step 2: a mailbox for every user in the migration file.
$users = Import-Csv -Path $CsvPath
foreach ($u in $users) {
    $alias = $u.EmailAddress.Split('@')[0]
    $pw = ConvertTo-SecureString -String 'Tenant!Pass1' -AsPlainText -Force
    New-Mailbox -Name $alias -MicrosoftOnlineServicesID $u.EmailAddress -Password $pw | Out-Null
}
Write-Host "Mailboxes: $(@(Get-Mailbox).Count)"

# Step 4: test the server, create the endpoint, look at it.
$test = Test-MigrationServerAvailability -IMAP -RemoteServer $RemoteServer -Port $Port -Security $Security
$test | Format-List Result
New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer $RemoteServer -Port $Port `
    -Security $Security -MaxConcurrentMigrations 50 -MaxConcurrentIncrementalSyncs 25 -SkipVerification | Out-Null
Get-MigrationEndpoint IMAPEndpoint | Format-List EndpointType,RemoteServer,Port,Security,Max*

# Step 5, up to the wait: create and start the batch.
New-MigrationBatch -Name IMAPBatch1 -SourceEndpoint IMAPEndpoint `
    -CSVData ([System.IO.File]::ReadAllBytes($CsvPath)) -AutoStart | Out-Null
Get-MigrationBatch -Identity IMAPBatch1 | Format-List Status
Get-MigrationUser -BatchId IMAPBatch1 | Sort-Object Identity | Format-Table Identity, Status -AutoSize
"#;

const EXPECTED: &str = "Mailboxes: 3

Result : Failed


EndpointType                  : IMAP
RemoteServer                  : 127.0.0.1
Port                          : 1143
Security                      : None
MaxConcurrentMigrations       : 50
MaxConcurrentIncrementalSyncs : 25


Status : Syncing


Identity            Status
--------            ------
user001@contoso.com Queued
user002@contoso.com Queued
user003@contoso.com Queued

";

#[test]
fn seed_walkthrough_until_step_5() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("users.csv");
    std::fs::write(
        &csv,
        "EmailAddress,UserName,Password\nuser001@contoso.com,user001,secret\nuser002@contoso.com,user002,secret\nuser003@contoso.com,user003,secret\n",
    )
    .expect("csv");
    let script = dir.path().join("seed-part.ps1");
    std::fs::write(&script, SEED_PART).expect("script");
    let o = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-File"])
        .arg(&script)
        .env("EXOSH_HOME", dir.path().join("home"))
        .env("EXOSH_ENGINE", "off")
        .env("IMAP_HOST", "127.0.0.1")
        .env("IMAP_PORT", "1143")
        .env("IMAP_SECURITY", "None")
        .env("IMAP_CSV", &csv)
        .env("TZ", "UTC")
        .env("COLUMNS", "120")
        .output()
        .expect("exosh runs");
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err, "");
    assert!(o.status.success());
    assert_eq!(out, EXPECTED);
    // The mailboxes exist as Maildir++ folders.
    for u in ["user001", "user002", "user003"] {
        let md = dir.path().join("home/mailboxes").join(format!("{u}@contoso.com"));
        assert!(md.join("cur").is_dir() && md.join(".Sent Items").is_dir(), "{} missing", md.display());
    }
}
