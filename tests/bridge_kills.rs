//! 20 `kill -9`s of the real exosh binary at random moments of a 4-user, 4,000-message
//! migration (mixed sizes, up to 2 MB), each followed by a new exosh process on the same
//! `$EXOSH_HOME` that resumes on its own. At the end every destination folder equals
//! the source: no message missing, none twice (by bytes and by Message-ID), flags and
//! dates equal, statistics right, and both SQLite files pass `PRAGMA integrity_check`.
//!
//! The second test runs the same through the fault proxy, which resets a connection
//! every 500 KB the engine receives (the binary retries with short waits:
//! `EXOSH_RETRY_BASE_MS` ...), and checks that the retries are in the users' reports.
//!
//! The moments come from a seeded RNG: the seed is printed, and `EXOSH_KILL_SEED=<n>`
//! replays a run.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::proxy::{FaultProxy, Faults};
use common::{Dovecot, compare};

const USERS: [&str; 4] = ["kim", "lou", "max", "ned"];
const PER_USER: usize = 1000;
const KILLS: usize = 20;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}

fn exosh(home: &Path, name: &str, script: &str) -> Child {
    let file = home.with_file_name(format!("{name}.ps1"));
    std::fs::write(&file, script).expect("script");
    Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-File"])
        .arg(&file)
        .env("EXOSH_HOME", home)
        .env("EXOSH_RETRY_BASE_MS", "20")
        .env("EXOSH_RETRY_CAP_MS", "200")
        .env("EXOSH_RETRY_MAX", "60")
        .env_remove("EXOSH_ENGINE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn exosh")
}

/// Messages in `cur/` of every folder of every user (tolerant of files moving).
fn files(home: &Path) -> usize {
    let mut n = 0;
    for u in USERS {
        let root = home.join(format!("mailboxes/{u}@contoso.com"));
        let mut dirs = vec![root.clone()];
        if let Ok(rd) = std::fs::read_dir(&root) {
            dirs.extend(rd.flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).map(|e| e.path()));
        }
        n += dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d.join("cur")).ok())
            .map(|rd| rd.flatten().count())
            .sum::<usize>();
    }
    n
}

fn message_id(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines().take_while(|l| !l.is_empty()).find_map(|l| l.strip_prefix("Message-ID:").map(|v| v.trim().to_string()))
}

fn integrity(path: &Path) -> String {
    let c = rusqlite::Connection::open(path).expect("open db");
    c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).expect("integrity_check")
}

#[test]
fn twenty_kill_9s_at_random_moments_then_every_folder_equals_the_source() {
    kills(None);
}

#[test]
fn twenty_kill_9s_through_a_proxy_that_resets_every_500_kb() {
    kills(Some(500_000));
}

/// The test, with the engine talking to Dovecot directly or through the fault proxy.
fn kills(reset_every: Option<u64>) {
    let seed = std::env::var("EXOSH_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
    }) | 1;
    println!("EXOSH_KILL_SEED={seed}");
    let mut rng = Rng(seed);

    let mut src = Dovecot::new(&USERS);
    let mut all = Vec::new();
    for (i, u) in USERS.iter().enumerate() {
        // 0.6-6.6 KB messages, and one each of 50 KB, 300 KB and 2 MB
        // (through the proxy no message may be larger than the distance between resets)
        let big: &[usize] =
            if reset_every.is_some() { &[50_000, 150_000, 300_000] } else { &[50_000, 300_000, 2_000_000] };
        all.push(common::generate(&src, u, PER_USER - 3, 90 + i as u64, big));
    }
    src.start();
    let proxy = reset_every.map(|n| FaultProxy::start(src.port, Faults { reset_every: Some(n), ..Default::default() }));
    let port = proxy.as_ref().map_or(src.port, |p| p.port);
    let tmp = tempfile::tempdir().expect("tmp");
    let home = tmp.path().join("home");
    let csv = tmp.path().join("users.csv");
    let mut rows = String::from("EmailAddress,UserName,Password\n");
    let mut setup = String::from(
        "$ErrorActionPreference = 'Stop'\n\
         $pw = ConvertTo-SecureString -String 'Tenant!Pass1' -AsPlainText -Force\n\
         New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null\n",
    );
    for u in USERS {
        rows.push_str(&format!("{u}@contoso.com,{u},{}\n", common::PASSWORD));
        setup.push_str(&format!(
            "New-Mailbox -Name {u} -MicrosoftOnlineServicesID {u}@contoso.com -Password $pw | Out-Null\n"
        ));
    }
    std::fs::write(&csv, rows).expect("csv");
    setup.push_str(&format!(
        "New-MigrationEndpoint -IMAP -Name EP -RemoteServer 127.0.0.1 -Port {} -Security None -SkipVerification | Out-Null\n\
         New-MigrationBatch -Name K20 -SourceEndpoint EP -CSVData ([System.IO.File]::ReadAllBytes('{}')) -AutoStart | Out-Null\n\
         Start-Sleep -Seconds 600\n",
        port,
        csv.display()
    ));
    let resume = "Get-MigrationBatch K20 | Out-Null\nStart-Sleep -Seconds 600\n";
    let total = USERS.len() * PER_USER;

    let started = Instant::now();
    let mut kills = Vec::new();
    for round in 0..KILLS {
        let mut child = exosh(&home, &format!("r{round}"), if round == 0 { setup.as_str() } else { resume });
        if round == 0 {
            // the batch exists and copies before the first kill
            let deadline = Instant::now() + Duration::from_secs(60);
            while files(&home) == 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        // a random moment: after up to 150 more messages or 20-1500 ms, whichever is first
        // (so 20 kills fit in the 4,000 messages and some land before copying resumes)
        let before = files(&home);
        let more = rng.range(0, 150) as usize;
        let wait = Duration::from_millis(rng.range(20, 1500));
        let t0 = Instant::now();
        while files(&home) < before + more && t0.elapsed() < wait {
            if let Ok(Some(st)) = child.try_wait() {
                let out = child.wait_with_output().expect("output");
                panic!("exosh ended early ({st}): {}", String::from_utf8_lossy(&out.stderr));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().expect("kill -9");
        let _ = child.wait();
        let now = files(&home);
        kills.push((t0.elapsed().as_millis(), now));
        assert!(now < total + 10, "the migration ran past the end before kill {round}: {now} files");
    }
    println!("{} kills (ms after start, files in cur/ after it): {kills:?}", kills.len());
    println!("kill phase: {:.1} s", started.elapsed().as_secs_f64());

    // the last process lets it finish
    let fin = "$d = (Get-Date).AddMinutes(4)\n\
               do { Start-Sleep -Milliseconds 200; $b = Get-MigrationBatch K20 } while ($b.Status -notin 'Synced','SyncedWithErrors','Failed' -and (Get-Date) -lt $d)\n\
               \"status $($b.Status)\"\n\
               Get-MigrationUser -BatchId K20 | ForEach-Object { $s = Get-MigrationUserStatistics $_.Identity; \"$($_.Identity) $($s.Status) $($s.SyncedItemCount)\" }\n";
    let out = exosh(&home, "final", fin).wait_with_output().expect("final run");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    println!("total: {:.1} s", started.elapsed().as_secs_f64());
    assert!(text.contains("status Synced"), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for (u, msgs) in USERS.iter().zip(&all) {
        assert!(text.contains(&format!("{u}@contoso.com Synced {PER_USER}")), "{u}: {text}");
        let dir = home.join(format!("mailboxes/{u}@contoso.com"));
        let problems = compare(msgs, &dir, |_| true);
        assert!(problems.is_empty(), "{u} (seed {seed}): {problems:#?}");
        let dest = common::read_maildir(&dir);
        assert_eq!(dest.len(), PER_USER, "{u} (seed {seed})");
        let ids: HashSet<String> = dest.iter().filter_map(|m| message_id(&m.bytes)).collect();
        assert_eq!(ids.len(), PER_USER, "{u}: every Message-ID once (seed {seed})");
        let src_ids: HashSet<String> = msgs.iter().filter_map(|m| message_id(&m.bytes)).collect();
        assert_eq!(ids, src_ids, "{u} (seed {seed})");
    }
    if let Some(p) = &proxy {
        let resets = p.stats().resets.load(std::sync::atomic::Ordering::SeqCst);
        println!("{resets} resets by the proxy");
        assert!(resets > 0);
        let out = exosh(&home, "report", "Get-MigrationUser -BatchId K20 | ForEach-Object { (Get-MigrationUserStatistics $_.Identity -IncludeReport).Report.Entries } | ForEach-Object { \"$_\" }\n")
            .wait_with_output()
            .expect("report run");
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(report.contains("The system will retry"), "{report}");
    }
    assert_eq!(integrity(&home.join("exosh.db")), "ok");
    assert_eq!(integrity(&home.join("engine-sync.db")), "ok");
    src.stop();
}
