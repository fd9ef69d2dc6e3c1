//! `kill -9` of the exosh process in the middle of a migration, several times, each
//! followed by a new exosh process on the same `$EXOSH_HOME`: the new process resumes on
//! its own (leases of the dead process are free at once), and at the end every message
//! is in the tenant exactly once, with statistics that match.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Dovecot, compare};

fn exosh(home: &Path, script: &str) -> Child {
    let file = home.with_extension(format!("{}.ps1", script.len()));
    std::fs::write(&file, script).expect("script");
    Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-File"])
        .arg(&file)
        .env("EXOSH_HOME", home)
        .env_remove("EXOSH_ENGINE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn exosh")
}

/// Messages in `cur/` of every folder (tolerant of files moving while it counts).
fn files(root: &Path) -> usize {
    let mut dirs = vec![root.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(root) {
        dirs.extend(rd.flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).map(|e| e.path()));
    }
    dirs.iter().filter_map(|d| std::fs::read_dir(d.join("cur")).ok()).map(|rd| rd.flatten().count()).sum()
}

#[test]
fn kill_9_mid_migration_then_restart_never_duplicates_or_loses_mail() {
    let mut src = Dovecot::new(&["gina", "hank"]);
    let gina = common::generate(&src, "gina", 1500, 7, &[]);
    let hank = common::generate(&src, "hank", 1500, 8, &[]);
    src.start();
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("home");
    let csv = tmp.path().join("users.csv");
    std::fs::write(
        &csv,
        "EmailAddress,UserName,Password\ngina@contoso.com,gina,secret\nhank@contoso.com,hank,secret\n",
    )
    .expect("csv");
    let setup = format!(
        "$ErrorActionPreference = 'Stop'\n\
         $pw = ConvertTo-SecureString -String 'Tenant!Pass1' -AsPlainText -Force\n\
         New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null\n\
         New-Mailbox -Name gina -MicrosoftOnlineServicesID gina@contoso.com -Password $pw | Out-Null\n\
         New-Mailbox -Name hank -MicrosoftOnlineServicesID hank@contoso.com -Password $pw | Out-Null\n\
         New-MigrationEndpoint -IMAP -Name EP -RemoteServer 127.0.0.1 -Port {} -Security None -SkipVerification | Out-Null\n\
         New-MigrationBatch -Name K1 -SourceEndpoint EP -CSVData ([System.IO.File]::ReadAllBytes('{}')) -AutoStart | Out-Null\n\
         Start-Sleep -Seconds 300\n",
        src.port,
        csv.display()
    );
    let resume = "Get-MigrationBatch K1 | Out-Null\nStart-Sleep -Seconds 300\n";
    let gdir = home.join("mailboxes/gina@contoso.com");
    let hdir = home.join("mailboxes/hank@contoso.com");
    let mut kills = 0;
    for round in 0..4usize {
        let mut child = exosh(&home, if round == 0 { setup.as_str() } else { resume });
        let before = files(&gdir) + files(&hdir);
        let target = before + 250 + 150 * round;
        let deadline = Instant::now() + Duration::from_secs(60);
        while files(&gdir) + files(&hdir) < target.min(2990) && Instant::now() < deadline {
            if let Ok(Some(st)) = child.try_wait() {
                let out = child.wait_with_output().expect("output");
                panic!("exosh ended early ({st}): {}", String::from_utf8_lossy(&out.stderr));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().expect("kill -9");
        let _ = child.wait();
        kills += 1;
        if files(&gdir) + files(&hdir) >= 2990 {
            break;
        }
    }
    assert!(kills >= 1);
    // The last process lets it finish.
    let fin = "$d = (Get-Date).AddMinutes(3)\n\
               do { Start-Sleep -Milliseconds 200; $b = Get-MigrationBatch K1 } while ($b.Status -notin 'Synced','SyncedWithErrors','Failed' -and (Get-Date) -lt $d)\n\
               \"status $($b.Status)\"\n\
               foreach ($u in 'gina@contoso.com','hank@contoso.com') { $s = Get-MigrationUserStatistics $u; \"$u $($s.Status) $($s.SyncedItemCount)\" }\n";
    let out = exosh(&home, fin).wait_with_output().expect("final run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("status Synced"), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("gina@contoso.com Synced 1500"), "{text}");
    assert!(text.contains("hank@contoso.com Synced 1500"), "{text}");
    assert_eq!(files(&gdir), 1500, "gina: no duplicates, none lost");
    assert_eq!(files(&hdir), 1500, "hank: no duplicates, none lost");
    let p = compare(&gina, &gdir, |_| true);
    assert!(p.is_empty(), "{p:?}");
    assert!(compare(&hank, &hdir, |_| true).is_empty());
    src.stop();
}
