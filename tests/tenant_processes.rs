//! Two exosh processes on the same `$EXOSH_HOME` race to create the same
//! names: SQLite's file locks and UNIQUE constraints let exactly one win,
//! and the database stays intact. (The threads test in tenant_store.rs uses
//! two connections of one process; this one crosses process boundaries.)

use exosh::tenant::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HOME_ENV: &str = "EXOSH_TENANT_RACE_HOME";
const ROUND_ENV: &str = "EXOSH_TENANT_RACE_ROUND";

fn go_file(home: &Path, round: &str) -> PathBuf {
    home.join(format!("go-{round}"))
}

/// The racing child: waits for the start signal, then creates an endpoint,
/// a mailbox and a batch, and prints one line per result.
#[test]
fn race_child() {
    let (Some(home), Some(round)) = (std::env::var_os(HOME_ENV), std::env::var(ROUND_ENV).ok()) else { return };
    let home = PathBuf::from(home);
    let s = SqliteStore::open(&home).unwrap();
    println!("READY");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !go_file(&home, &round).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
    }
    let ep = s.new_endpoint(&NewImapEndpoint {
        name: format!("EP{round}"),
        remote_server: "imap.contoso.com".into(),
        port: Some(143),
        security: None,
        authentication: None,
        accept_untrusted_certificates: false,
        max_concurrent_migrations: None,
        max_concurrent_incremental_syncs: None,
    });
    println!("endpoint {}", ep.map(|_| "OK".to_string()).unwrap_or_else(|e| e.message));
    let mb = s.new_mailbox(&NewMailbox {
        name: format!("racer{round}"),
        microsoft_online_services_id: Some(format!("racer{round}@contoso.com")),
        ..Default::default()
    });
    println!("mailbox {}", mb.map(|_| "OK".to_string()).unwrap_or_else(|e| e.message));
    let b = s.new_batch(
        &NewBatch { name: format!("Race{round}"), source_endpoint: Some("Shared".into()), ..Default::default() },
        b"EmailAddress,UserName,Password\nterry@contoso.com,terry,pw\n",
        EngineState::Detached,
    );
    println!("batch {}", b.map(|_| "OK".to_string()).unwrap_or_else(|e| e.message));
}

fn spawn(home: &Path, round: usize) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["race_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(HOME_ENV, home)
        .env(ROUND_ENV, round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn two_processes_race_for_the_same_names() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    {
        let s = SqliteStore::open(&home).unwrap();
        s.new_accepted_domain(&NewAcceptedDomain {
            name: "contoso.com".into(),
            domain_name: "contoso.com".into(),
            domain_type: None,
        })
        .unwrap();
        s.new_mailbox(&NewMailbox {
            name: "terry".into(),
            microsoft_online_services_id: Some("terry@contoso.com".into()),
            ..Default::default()
        })
        .unwrap();
        s.new_endpoint(&NewImapEndpoint {
            name: "Shared".into(),
            remote_server: "imap.contoso.com".into(),
            port: None,
            security: None,
            authentication: None,
            accept_untrusted_certificates: false,
            max_concurrent_migrations: None,
            max_concurrent_incremental_syncs: None,
        })
        .unwrap();
    }
    for round in 0..3 {
        let mut children = [spawn(&home, round), spawn(&home, round)];
        // Both are connected before the start signal.
        let mut readers = Vec::new();
        for c in &mut children {
            use std::io::{BufRead, BufReader};
            let mut lines = BufReader::new(c.stdout.take().unwrap()).lines();
            loop {
                let l = lines.next().expect("child ended before READY").unwrap();
                if l.contains("READY") {
                    break;
                }
            }
            readers.push(lines);
        }
        std::fs::write(go_file(&home, &round.to_string()), b"go").unwrap();
        let mut out = Vec::new();
        for (c, lines) in children.iter_mut().zip(readers) {
            out.extend(
                lines
                    .map_while(Result::ok)
                    .filter(|l| !l.starts_with("test ") && !l.is_empty() && !l.starts_with("running")),
            );
            assert!(c.wait().unwrap().success());
        }
        let count =
            |prefix: &str, what: &str| out.iter().filter(|l| l.starts_with(prefix) && l.ends_with(what)).count();
        assert_eq!(count("endpoint ", "OK"), 1, "{out:?}");
        assert_eq!(
            count("endpoint ", &format!("A migration endpoint with the name \"EP{round}\" already exists.")),
            1,
            "{out:?}"
        );
        assert_eq!(count("mailbox ", "OK"), 1, "{out:?}");
        assert_eq!(count("mailbox ", "A user with this name already exists. Use a different name"), 1, "{out:?}");
        assert_eq!(count("batch ", "OK"), 1, "{out:?}");
        assert_eq!(count("batch ", "The migration batch already exists."), 1, "{out:?}");
        let s = SqliteStore::open(&home).unwrap();
        let b = s.get_batches(&BatchFilter { identity: Some(format!("Race{round}")), ..Default::default() }).unwrap();
        assert_eq!(b[0].counts.total, 1);
        s.remove_batch(&format!("Race{round}"), EngineState::Detached).unwrap();
    }
    let integrity: String = rusqlite::Connection::open(home.join("exosh.db"))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}
