//! The Exchange cmdlets through the real binary against a temporary
//! `$EXOSH_HOME` (a real SQLite file and real Maildirs): the walkthrough's
//! objects, documented errors with the store left unchanged, -WhatIf /
//! -Confirm, on-prem-only parameters, the connection boilerplate and the
//! REST cmdlets.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    out: String,
    err: String,
}

/// Runs a script file with `exosh -NoProfile [-NonInteractive] -File`.
fn run_with(home: &Path, script: &str, interactive_stdin: Option<&str>) -> Run {
    let file = home.join(format!("script-{}.ps1", uuid_like()));
    std::fs::write(&file, script).expect("write script");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_exosh"));
    cmd.arg("-NoProfile");
    if interactive_stdin.is_none() {
        cmd.arg("-NonInteractive");
    }
    cmd.arg("-File")
        .arg(&file)
        .env("EXOSH_HOME", home)
        .env("EXOSH_ENGINE", "off")
        .env("TZ", "UTC")
        .env("COLUMNS", "120");
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn exosh");
    if let Some(input) = interactive_stdin {
        child.stdin.as_mut().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    let o = child.wait_with_output().expect("exosh runs");
    Run { out: String::from_utf8_lossy(&o.stdout).into_owned(), err: String::from_utf8_lossy(&o.stderr).into_owned() }
}

fn run(home: &Path, script: &str) -> Run {
    run_with(home, script, None)
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

/// A tenant with contoso.com, two mailboxes, an endpoint and a CSV file.
fn tenant() -> (tempfile::TempDir, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let csv = home.path().join("users.csv");
    std::fs::write(
        &csv,
        "EmailAddress,UserName,Password\nterrya@contoso.com,terry.adams,1091990\nannb@contoso.com,ann.beebe,2111991\n",
    )
    .expect("csv");
    let r = run(
        home.path(),
        "New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null\n\
         New-Mailbox -Shared -Name terrya -PrimarySmtpAddress terrya@contoso.com | Out-Null\n\
         New-Mailbox -Shared -Name annb -PrimarySmtpAddress annb@contoso.com | Out-Null\n\
         New-Mailbox -Shared -Name paulc -PrimarySmtpAddress paulc@contoso.com | Out-Null\n\
         New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -Port 993 -Security Ssl -MaxConcurrentMigrations 50 -MaxConcurrentIncrementalSyncs 25 -SkipVerification | Out-Null\n",
    );
    assert_eq!(r.err, "", "setup failed");
    (home, csv.display().to_string())
}

/// A compact view of the tenant: counts of every kind of object.
const SNAPSHOT: &str = "'STATE ' + @(Get-AcceptedDomain).Count + ' ' + @(Get-Mailbox).Count + ' ' + @(Get-MigrationEndpoint).Count + ' ' + @(Get-MigrationBatch).Count + ' ' + @(Get-MigrationUser).Count + ' ' + ((Get-MigrationBatch | ForEach-Object { \"$($_.Identity)=$($_.Status)\" }) -join ',')\n";

fn state(home: &Path) -> String {
    let r = run(home, SNAPSHOT);
    r.out.lines().find(|l| l.starts_with("STATE ")).unwrap_or("").to_string()
}

#[test]
fn walkthrough_objects_read_back_by_identity() {
    let (home, csv) = tenant();
    let r = run(
        home.path(),
        &format!(
            "$e = Get-MigrationEndpoint IMAPEndpoint\n\
             \"endpoint $($e.EndpointType) $($e.RemoteServer) $($e.Port) $($e.Security) $($e.MaxConcurrentMigrations) $($e.MaxConcurrentIncrementalSyncs)\"\n\
             $b = New-MigrationBatch -Name IMAPBatch1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) -AutoStart\n\
             \"batch $($b.Identity) $($b.Status) $($b.TotalCount) $($b.MigrationType)\"\n\
             \"synced? $($b.Status -eq 'Synced') syncing? $($b.Status -eq 'Syncing')\"\n\
             $again = Get-MigrationBatch -Identity $b.Identity\n\
             \"again $($again.BatchGuid -eq $b.BatchGuid) $($again.PSObject.TypeNames[0])\"\n\
             $byGuid = Get-MigrationBatch -Identity $b.BatchGuid\n\
             \"guid $($byGuid.Identity)\"\n\
             Get-MigrationUser -BatchId IMAPBatch1 | ForEach-Object {{ \"user $($_.Identity) $($_.BatchId) $($_.Status)\" }}\n\
             Get-MigrationUser | Get-MigrationUserStatistics | ForEach-Object {{ \"stats $($_.Identity) synced=$($_.SyncedItemCount) skipped=$($_.SkippedItemCount)\" }}\n\
             $s = Get-MailboxStatistics terrya\n\
             \"size $($s.TotalItemSize) $($s.TotalItemSize.ToBytes()) $($s.TotalItemSize.Value.ToMB())\"\n\
             $m = Get-Mailbox terrya@contoso.com\n\
             \"mailbox $($m.Identity) $($m.PrimarySmtpAddress) $($m.MaxSendSize) $($m.MaxSendSize.ToMB())\"\n\
             \"runspace $($m.PSObject.Properties.Name[0])\"\n"
        ),
    );
    assert_eq!(r.err, "");
    let out = r.out;
    assert!(out.contains("endpoint IMAP imap.contoso.com 993 Ssl 50 25"), "{out}");
    assert!(out.contains("batch IMAPBatch1 Syncing 2 IMAP"), "{out}");
    assert!(out.contains("synced? False syncing? True"), "{out}");
    assert!(out.contains("again True Microsoft.Exchange.Migration.MigrationBatch"), "{out}");
    assert!(out.contains("guid IMAPBatch1"), "{out}");
    assert!(out.contains("user terrya@contoso.com IMAPBatch1 Queued"), "{out}");
    assert!(out.contains("user annb@contoso.com IMAPBatch1 Queued"), "{out}");
    assert!(out.contains("stats terrya@contoso.com synced=0 skipped=0"), "{out}");
    assert!(out.contains("size 0 B (0 bytes) 0 0"), "{out}");
    assert!(out.contains("mailbox terrya terrya@contoso.com 35 MB (36,700,160 bytes) 35"), "{out}");
    assert!(out.contains("runspace RunspaceId"), "{out}");
}

#[test]
fn the_network_test_is_honest_without_an_engine() {
    let (home, _) = tenant();
    let before = state(home.path());
    let r = run(
        home.path(),
        "$t = Test-MigrationServerAvailability -IMAP -RemoteServer imap.example.test -Port 143 -Security Tls\n\
         \"result $($t.Result) $($t.Result -eq 'Success')\"\n\
         $t.Message\n\
         New-MigrationEndpoint -IMAP -Name Unverified -RemoteServer imap.example.test -Port 143\n\
         $t2 = Test-MigrationServerAvailability -Endpoint IMAPEndpoint\n\
         \"tested $($t2.TestedEndpoint) $($t2.Result)\"\n",
    );
    assert!(r.out.contains("result Failed False"), "{}", r.out);
    assert!(r.out.contains("The connection to the server 'imap.example.test' could not be completed."), "{}", r.out);
    assert!(r.out.contains("tested IMAPEndpoint Failed"), "{}", r.out);
    assert!(r.err.contains("New-MigrationEndpoint: "), "{}", r.err);
    assert!(r.err.contains("could not be completed"), "{}", r.err);
    assert_eq!(state(home.path()), before, "a failed verification must not create the endpoint");
}

/// Each documented error: the message (Exchange's), and the store unchanged.
#[test]
fn documented_errors_leave_the_store_unchanged() {
    let (home, csv) = tenant();
    let dir = home.path();
    let ok = run(
        dir,
        &format!(
            "New-MigrationBatch -Name B1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) | Out-Null"
        ),
    );
    assert_eq!(ok.err, "");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("csv");
        p.display().to_string()
    };
    let empty = write("empty.csv", "");
    let missing = write("missing.csv", "EmailAddress,UserName\npaulc@contoso.com,paul\n");
    let columns = write("columns.csv", "EmailAddress,UserName,Password\npaulc@contoso.com,paul\n");
    let unknown_col = write("unknown.csv", "EmailAddress,UserName,Password,Colour\npaulc@contoso.com,paul,pw,red\n");
    let dup =
        write("dup.csv", "EmailAddress,UserName,Password\npaulc@contoso.com,paul,pw\npaulc@contoso.com,paul,pw\n");
    let nobody = write("nobody.csv", "EmailAddress,UserName,Password\nghost@contoso.com,ghost,pw\n");
    let cases: Vec<(String, &str)> = vec![
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{empty}'))"), "Upload file can't be empty"),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{missing}'))"), "Column \"Password\" is missing from the CSV file."),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{columns}'))"), "has the wrong number of columns"),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{unknown_col}'))"), "Colour"),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{dup}'))"), "paulc@contoso.com"),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{nobody}'))"), "A recipient wasn't found for ghost@contoso.com on the target."),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}'))"), "terrya@contoso.com"),
        (format!("New-MigrationBatch -Name B1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}'))"), "The migration batch already exists."),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint NoSuchEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}'))"), "NoSuchEndpoint"),
        (format!("New-MigrationBatch -Name B2 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) -ContentFilter \"Received -gt '8/23/2020'\""), "The ContentFilter parameter is not emulated by exosh"),
        ("Get-MigrationBatch -Identity NoSuchBatch".into(), "The migration batch \"NoSuchBatch\" couldn't be found."),
        ("Start-MigrationBatch -Identity NoSuchBatch".into(), "couldn't be found"),
        ("Remove-MigrationBatch -Identity NoSuchBatch -Confirm:$false".into(), "couldn't be found"),
        ("Get-MigrationUser -Identity ghost@contoso.com".into(), "ghost@contoso.com"),
        ("Get-MigrationUserStatistics -Identity ghost@contoso.com".into(), "ghost@contoso.com"),
        ("Complete-MigrationBatch -Identity B1".into(), "B1"),
        ("Stop-MigrationBatch -Identity B1".into(), "B1"),
        ("New-AcceptedDomain -Name contoso.com -DomainName contoso.com".into(), "contoso.com"),
        ("New-Mailbox -Shared -Name terrya -PrimarySmtpAddress terrya@contoso.com".into(), "terrya"),
        ("New-Mailbox -Shared -Name x1 -PrimarySmtpAddress x1@fabrikam.com".into(), "accepted domain"),
        ("New-MigrationEndpoint -IMAP -Name E2 -RemoteServer imap.contoso.com -MaxConcurrentMigrations 5 -MaxConcurrentIncrementalSyncs 10 -SkipVerification".into(), "MaxConcurrentIncrementalSyncs"),
        ("New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -SkipVerification".into(), "IMAPEndpoint"),
        ("Remove-MigrationEndpoint -Identity IMAPEndpoint -Confirm:$false".into(), "IMAPEndpoint"),
        ("Remove-AcceptedDomain -Identity contoso.com -Confirm:$false".into(), "contoso.com"),
        ("Get-Mailbox -Identity nobody".into(), "couldn't be found"),
        ("New-MigrationEndpoint -IMAP -Name E3 -RemoteServer imap.contoso.com -Security Bogus -SkipVerification".into(), "Cannot bind parameter 'Security'. Cannot convert value \"Bogus\" to type"),
    ];
    let before = state(dir);
    assert!(before.contains("B1=Created"), "{before}");
    for (script, message) in cases {
        let r = run(dir, &script);
        let cmd = script.split_whitespace().next().unwrap_or("");
        assert!(r.err.contains(&format!("{cmd}: ")), "{script}: no error from the cmdlet: {}", r.err);
        assert!(r.err.contains(message), "{script}: expected {message:?} in {}", r.err);
        assert_eq!(state(dir), before, "{script} changed the store");
    }
    // Illegal transition: start twice, then remove while syncing.
    let r = run(dir, "Start-MigrationBatch -Identity B1\n");
    assert_eq!(r.err, "");
    let started = state(dir);
    assert!(started.contains("B1=Syncing"), "{started}");
    for script in [
        "Start-MigrationBatch -Identity B1",
        "Remove-MigrationBatch -Identity B1 -Confirm:$false",
        "Complete-MigrationBatch B1",
    ] {
        let r = run(dir, script);
        assert!(r.err.contains("B1"), "{script}: {}", r.err);
        assert_eq!(state(dir), started, "{script} changed the store");
    }
    // The error record carries Exchange's category and exception.
    let r = run(
        dir,
        "try { Get-MigrationBatch NoSuchBatch -ErrorAction Stop } catch { \"$($_.CategoryInfo.Category)|$($_.FullyQualifiedErrorId)|$($_.CategoryInfo.Reason)\" }",
    );
    assert!(r.out.contains("ObjectNotFound|[FailureCategory=Cmdlet-MigrationBatchNotFoundException]"), "{}", r.out);
    assert!(
        r.out.contains(",Microsoft.Exchange.Management.GetMigrationBatch|MigrationBatchNotFoundException"),
        "{}",
        r.out
    );
}

#[test]
fn whatif_and_confirm_as_pwsh() {
    let (home, csv) = tenant();
    let dir = home.path();
    run(
        dir,
        &format!(
            "New-MigrationBatch -Name B1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) | Out-Null"
        ),
    );
    let before = state(dir);
    let r = run(
        dir,
        "Remove-MigrationBatch -Identity B1 -WhatIf\nNew-AcceptedDomain -Name fabrikam.com -DomainName fabrikam.com -WhatIf\n",
    );
    assert_eq!(
        r.out,
        "What if: Performing the operation \"Remove-MigrationBatch\" on target \"B1\".\nWhat if: Performing the operation \"New-AcceptedDomain\" on target \"fabrikam.com\".\n"
    );
    assert_eq!(state(dir), before);
    // Remove-* prompts by default: an error under -NonInteractive.
    let r = run(dir, "Remove-MigrationBatch -Identity B1\n");
    assert!(
        r.err.contains("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available."),
        "{}",
        r.err
    );
    assert_eq!(state(dir), before);
    // Answering No keeps the batch; the prompt is pwsh's.
    let r = run_with(dir, "Remove-MigrationBatch -Identity B1\n", Some("n\n"));
    assert!(r.out.contains("Confirm\nAre you sure you want to perform this action?\nPerforming the operation \"Remove-MigrationBatch\" on target \"B1\".\n[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is \"Y\"): "), "{}", r.out);
    assert_eq!(state(dir), before);
    // -Confirm on a New-* cmdlet asks too; Yes creates.
    let r = run_with(
        dir,
        "New-AcceptedDomain -Name fabrikam.com -DomainName fabrikam.com -Confirm | Out-Null\n",
        Some("y\n"),
    );
    assert!(r.out.contains("on target \"fabrikam.com\""), "{}", r.out);
    assert!(state(dir).starts_with("STATE 2 "), "{}", state(dir));
    // $ConfirmPreference = 'Medium' makes New-* ask; 'None' silences Remove-*.
    let r = run(dir, "$ConfirmPreference = 'Medium'\nNew-AcceptedDomain -Name x.com -DomainName x.com\n");
    assert!(r.err.contains("PowerShell is in NonInteractive mode."), "{}", r.err);
    let r = run(
        dir,
        "$ConfirmPreference = 'None'\nRemove-AcceptedDomain fabrikam.com\nNew-AcceptedDomain -Name fabrikam.com -DomainName fabrikam.com | Out-Null\n",
    );
    assert_eq!(r.err, "");
    assert!(state(dir).starts_with("STATE 2 "), "{}", state(dir));
    // Yes removes; -Confirm:$false skips the prompt.
    let r = run_with(dir, "Remove-MigrationBatch -Identity B1\n", Some("y\n"));
    assert_eq!(r.err, "");
    assert!(state(dir).contains(" 0 0 "), "{}", state(dir));
    let r = run(dir, "Remove-AcceptedDomain fabrikam.com -Confirm:$false\n");
    assert_eq!(r.err, "");
    assert!(state(dir).starts_with("STATE 1 "), "{}", state(dir));
}

#[test]
fn on_prem_only_parameters_are_unknown() {
    let (home, csv) = tenant();
    for script in [
        format!(
            "New-MigrationBatch -Name B9 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) -BadItemLimit 10"
        ),
        "Set-MigrationUser -Identity laura@contoso.com -LargeItemLimit 15".to_string(),
        "Get-MigrationBatch -DomainController dc1.contoso.com".to_string(),
        "Remove-MigrationBatch -Identity B9 -Force".to_string(),
        "New-Mailbox -Name x -UserPrincipalName x@contoso.com".to_string(),
    ] {
        let r = run(home.path(), &script);
        assert!(r.err.contains("A parameter cannot be found that matches parameter name"), "{script}: {}", r.err);
    }
    assert!(state(home.path()).contains(" 0 0 "));
}

#[test]
fn connection_boilerplate_maps_to_the_local_tenant() {
    let (home, _) = tenant();
    let r = run(
        home.path(),
        "Connect-ExchangeOnline -UserPrincipalName admin@contoso.onmicrosoft.com -ShowBanner:$false\n\
         $c = Get-ConnectionInformation\n\
         \"conn $($c.State) $($c.TokenStatus) $($c.UserPrincipalName)\"\n\
         Connect-ExchangeOnline -AppId 1234 -CertificateThumbprint ABCD -Organization contoso.onmicrosoft.com -ShowBanner:$false\n\
         Connect-EXOPSSession -UserPrincipalName admin@contoso.com\n\
         $s = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri https://outlook.office365.com/powershell-liveid/ -Authentication Basic -AllowRedirection\n\
         \"session $($s.ComputerName) $($s.State) $($s.ConfigurationName)\"\n\
         Import-PSSession $s -DisableNameChecking -AllowClobber | Out-Null\n\
         \"sessions $(@(Get-PSSession).Count)\"\n\
         Remove-PSSession $s\n\
         \"sessions $(@(Get-PSSession).Count)\"\n\
         \"mailboxes $(@(Get-Mailbox).Count)\"\n\
         Disconnect-ExchangeOnline -Confirm:$false\n\
         \"after $(@(Get-ConnectionInformation).Count)\"\n\
         New-PSSession -ConfigurationName Microsoft.PowerShell -ComputerName server1\n",
    );
    assert!(r.out.contains("conn Connected Active admin@contoso.onmicrosoft.com"), "{}", r.out);
    assert!(r.out.contains("session outlook.office365.com Opened Microsoft.Exchange"), "{}", r.out);
    assert!(r.out.contains("sessions 1\n"), "{}", r.out);
    assert!(r.out.contains("sessions 0\n"), "{}", r.out);
    assert!(r.out.contains("mailboxes 3"), "{}", r.out);
    assert!(r.out.contains("after 0"), "{}", r.out);
    assert!(r.err.contains("only Exchange sessions"), "{}", r.err);
    let banner = run(home.path(), "Connect-ExchangeOnline -UserPrincipalName a@contoso.com");
    assert!(banner.out.contains("connected to the local Exchange tenant"), "{}", banner.out);
}

#[test]
fn rest_cmdlets_return_the_minimum_property_set() {
    let (home, _) = tenant();
    let r = run(
        home.path(),
        "$m = Get-EXOMailbox -Identity terrya\n\
         \"min $($m.PSObject.Properties.Name.Count) $($m.PrimarySmtpAddress) [$($m.MaxSendSize)]\"\n\
         $a = Get-EXOMailbox -Identity terrya -PropertySets All\n\
         \"all $($a.PSObject.Properties.Name.Count -gt $m.PSObject.Properties.Name.Count) $($a.MaxSendSize)\"\n\
         $p = Get-EXOMailbox -Identity terrya -Properties MaxSendSize\n\
         \"props $($p.MaxSendSize)\"\n\
         $s = Get-EXOMailboxStatistics -Identity terrya\n\
         \"stats $($s.ItemCount) $($s.TotalItemSize) $($s.PSObject.TypeNames[0]) $($m.PSObject.TypeNames[0])\"\n\
         \"count $(@(Get-EXOMailbox -ResultSize Unlimited).Count) $(@(Get-EXORecipient).Count)\"\n",
    );
    assert_eq!(r.err, "");
    assert!(r.out.contains("terrya@contoso.com []"), "{}", r.out);
    assert!(r.out.contains("all True 35 MB (36,700,160 bytes)"), "{}", r.out);
    assert!(r.out.contains("props 35 MB (36,700,160 bytes)"), "{}", r.out);
    assert!(
        r.out.contains("stats 0 0 B (0 bytes) Microsoft.Exchange.Management.RestApiClient.ExoMailboxStatistics Microsoft.Exchange.Management.RestApiClient.ExoMailbox"),
        "{}",
        r.out
    );
    assert!(r.out.contains("count 3 3"), "{}", r.out);
}

#[test]
fn users_batches_and_config_cmdlets() {
    let (home, csv) = tenant();
    let dir = home.path();
    let more = dir.join("more.csv");
    let more_s = more.display().to_string();
    std::fs::write(&more, "EmailAddress,UserName,Password\npaulc@contoso.com,paul.cannon,3281986\n").expect("csv");
    let r = run(
        dir,
        &format!(
            "New-MigrationBatch -Name B1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) -ExcludeFolders 'Deleted Items','Junk Email' -NotificationEmails admin@contoso.com | Out-Null\n\
             $b = Get-MigrationBatch B1\n\
             \"excluded $($b.ExcludedFolders -join '|') $($b.NotificationEmails)\"\n\
             Set-MigrationBatch -Identity B1 -AddUsers -CSVData ([System.IO.File]::ReadAllBytes('{more_s}'))\n\
             \"total $((Get-MigrationBatch B1).TotalCount)\"\n\
             Start-MigrationBatch B1\n\
             \"syncing $(@(Get-MigrationBatch -Status Syncing).Count) $(@(Get-MigrationBatch -Status Stopped).Count)\"\n\
             Stop-MigrationBatch\n\
             \"stopped $((Get-MigrationBatch B1).Status)\"\n\
             Set-MigrationBatch -Identity B1 -CompleteAfter '09/01/2030 5:00 PM'\n\
             \"complete after $((Get-MigrationBatch B1).CompleteAfterUTC.Year) $((Get-MigrationBatch B1).CompleteAfterUTC.Hour)\"\n\
             Set-MigrationBatch -Identity B1 -CompleteAfter $null\n\
             \"cleared [$((Get-MigrationBatch B1).CompleteAfter)]\"\n\
             Remove-MigrationUser -Identity paulc@contoso.com -Confirm:$false\n\
             \"users $(@(Get-MigrationUser -BatchId B1).Count)\"\n\
             \"endpoint batches $(@(Get-MigrationBatch -Endpoint IMAPEndpoint).Count)\"\n\
             $st = Get-MigrationStatistics\n\
             \"stats $($st.TotalCount)\"\n\
             $cfg = Get-MigrationConfig\n\
             \"config $($cfg.MaxNumberOfBatches) $($cfg.CanSubmitNewBatch)\"\n\
             Get-MigrationBatch B1 | Remove-MigrationBatch -Confirm:$false\n\
             \"left $(@(Get-MigrationBatch).Count) $(@(Get-MigrationUser).Count)\"\n\
             \"org $((Get-OrganizationConfig).Name)\"\n\
             \"folders $(@(Get-MailboxFolderStatistics terrya).Count) $((Get-MailboxFolderStatistics terrya -FolderScope Inbox).FolderType)\"\n"
        ),
    );
    assert_eq!(r.err, "");
    let out = r.out;
    assert!(out.contains("excluded Deleted Items|Junk Email admin@contoso.com"), "{out}");
    assert!(out.contains("total 3"), "{out}");
    assert!(out.contains("syncing 1 0"), "{out}");
    assert!(out.contains("stopped Stopped"), "{out}");
    assert!(out.contains("complete after 2030 17"), "{out}");
    assert!(out.contains("cleared []"), "{out}");
    assert!(out.contains("users 2"), "{out}");
    assert!(out.contains("endpoint batches 1"), "{out}");
    assert!(out.contains("config 100 True"), "{out}");
    assert!(out.contains("left 0 0"), "{out}");
    assert!(out.contains("org contoso.com"), "{out}");
    assert!(out.contains("folders "), "{out}");
}

#[test]
fn exchange_online_parameters_outside_imap_bind_and_say_so() {
    let (home, csv) = tenant();
    let dir = home.path();
    let before = state(dir);
    for (script, message) in [
        (
            "New-MigrationEndpoint -ExchangeRemoteMove -Name x -Autodiscover -EmailAddress a@contoso.com -Credentials $null".to_string(),
            "ExchangeRemoteMoveAutodiscover migration endpoints are not emulated by exosh",
        ),
        (
            "New-MigrationEndpoint -Gmail -Name g -ServiceAccountKeyFileData $null -EmailAddress a@contoso.com".to_string(),
            "Gmail migration endpoints are not emulated by exosh",
        ),
        (
            "Test-MigrationServerAvailability -ExchangeRemoteMove -RemoteServer mrs.contoso.com -Credentials $null".to_string(),
            "ExchangeRemoteMove migration endpoints are not emulated by exosh",
        ),
        ("Set-Mailbox -Identity terrya -Type Regular".to_string(), "The Type parameter of Set-Mailbox is not emulated by exosh"),
    ] {
        let r = run(dir, &script);
        assert!(r.err.contains(message), "{script}: {}", r.err);
        assert_eq!(state(dir), before, "{script}");
    }
    // Remote-move settings on an IMAP batch: a warning, then the batch.
    let r = run(
        dir,
        &format!(
            "$b = New-MigrationBatch -Name B5 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('{csv}')) -TargetDeliveryDomain contoso.mail.onmicrosoft.com\n\"made $($b.Identity)\"\n\"pf $(@(Get-Mailbox -PublicFolder).Count)\""
        ),
    );
    assert!(r.out.contains("made B5"), "{}", r.out);
    assert!(r.out.contains("pf 0"), "{}", r.out);
    assert!(
        format!("{}{}", r.out, r.err)
            .contains("WARNING: The TargetDeliveryDomain parameter applies to remote move migrations"),
        "{}{}",
        r.out,
        r.err
    );
}
