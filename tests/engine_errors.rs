//! The engine's failure paths, limits, exclusions, stop, incremental passes and
//! Test-MigrationServerAvailability, against a real Dovecot.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::proxy::{FaultProxy, Faults};
use common::{Dovecot, compare};
use exosh::engine::*;

fn server(port: u16, security: Security, accept: bool) -> ServerSpec {
    ServerSpec {
        host: "127.0.0.1".into(),
        port,
        security,
        accept_untrusted_certificates: accept,
        authentication: Authentication::Basic,
    }
}

fn job(id: &str, port: u16, user: &str, dest: &Path) -> JobSpec {
    JobSpec {
        job_id: id.into(),
        server: server(port, Security::None, false),
        credentials: Credentials { user_name: user.into(), password: common::PASSWORD.into(), user_root: None },
        destination: dest.to_path_buf(),
        exclude_folders: vec![],
        limits: Limits::default(),
        previous: vec![],
    }
}

fn run(engine: &Engine, batch: &str, jobs: Vec<JobSpec>) -> (BatchProgress, Arc<MemorySink>) {
    let sink = Arc::new(MemorySink::new());
    engine
        .start_batch(
            BatchSpec { batch_id: batch.into(), endpoint_id: "ep".into(), max_concurrent_migrations: 4, jobs },
            sink.clone(),
        )
        .expect("start");
    assert!(engine.wait_batch(batch, Duration::from_secs(180)), "batch did not finish");
    (engine.batch_progress(batch).expect("progress"), sink)
}

fn user<'a>(p: &'a BatchProgress, id: &str) -> &'a UserProgress {
    p.users.iter().find(|u| u.job_id == id).expect("user")
}

#[test]
fn folder_refused_limits_and_exclusions_each_affect_only_their_user() {
    let mut src = Dovecot::new(&["user001", "user002", "user003"]);
    let m1 = common::generate(&src, "user001", 120, 21, &[]);
    let m2 = common::generate(&src, "user002", 100, 22, &[]);
    let m3 = common::generate(&src, "user003", 100, 23, &[]);
    // user001's "Receipts & Bills" cannot be opened by the server
    let broken = src.maildir("user001").join(".Receipts &- Bills");
    src.start();
    std::fs::set_permissions(&broken, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let dests = tempfile::tempdir().expect("tmp");
    let d = |n: &str| dests.path().join(n);
    let mut limited = job("limited", src.port, "user002", &d("2"));
    limited.limits = Limits { max_message_size: 4_000, max_items: 40 };
    let mut excluded = job("excluded", src.port, "user003", &d("3"));
    excluded.exclude_folders = vec!["Junk Email".into(), "Archive/*".into(), "receipts & bills".into()];
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let (p, _) = run(&engine, "e1", vec![job("broken", src.port, "user001", &d("1")), limited, excluded]);
    std::fs::set_permissions(&broken, std::fs::Permissions::from_mode(0o755)).expect("chmod back");

    // the refused folder fails the user with its name; every other folder is complete
    let u = user(&p, "broken");
    assert_eq!(u.state, UserState::Failed);
    let e = u.error.clone().expect("error");
    assert_eq!(e.kind, ErrorKind::Folder);
    assert!(e.message.contains("'Receipts & Bills'"), "{}", e.message);
    let problems = compare(&m1, &d("1"), |m| m.folder != "Receipts & Bills");
    assert!(problems.is_empty(), "{problems:#?}");

    // limits: too large first, then the item cap; every skipped item has a reason
    let u = user(&p, "limited");
    assert_eq!(u.state, UserState::Synced, "{:?}", u.error);
    let small: Vec<_> = m2.iter().filter(|m| m.bytes.len() <= 4_000).collect();
    let large = m2.len() - small.len();
    assert!(large > 0 && small.len() > 40, "corpus must exercise both limits");
    assert_eq!(u.synced_items, 40);
    assert_eq!(u.skipped_items as usize, m2.len() - 40);
    let too_large = u.skipped.iter().filter(|s| s.reason == SkipReason::TooLarge).count();
    assert_eq!(too_large, large);
    assert!(u.skipped.iter().all(|s| s.size > 0 && !s.folder.is_empty() && !s.subject.is_empty()));
    assert!(u.skipped.iter().filter(|s| s.reason == SkipReason::TooLarge).all(|s| s.size > 4_000));
    assert_eq!(common::read_maildir(&d("2")).len(), 40);

    // exclusions by Exchange name, by subtree and case-insensitively by source name
    let u = user(&p, "excluded");
    assert_eq!(u.state, UserState::Synced, "{:?}", u.error);
    let kept = |m: &common::SourceMsg| !matches!(m.folder.as_str(), "Junk" | "Archive/2023" | "Receipts & Bills");
    let problems = compare(&m3, &d("3"), kept);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(u.synced_items as usize, m3.iter().filter(|m| kept(m)).count());
    assert_eq!(u.total_items as usize, m3.iter().filter(|m| kept(m)).count());
}

#[test]
fn incremental_pass_copies_only_new_messages() {
    let mut src = Dovecot::new(&["user001"]);
    let mut msgs = common::generate(&src, "user001", 80, 31, &[]);
    src.start();
    let dests = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let (p, sink) = run(&engine, "i1", vec![job("u", src.port, "user001", dests.path())]);
    assert_eq!(user(&p, "u").synced_items, 80);
    let state_of = |sink: &MemorySink| -> Vec<FolderSyncState> {
        let u = sink.user("u").expect("user");
        u.folders
            .iter()
            .map(|(name, (v, h))| FolderSyncState {
                source_name: name.clone(),
                uid_validity: *v,
                highest_uid: *h,
                ..Default::default()
            })
            .collect()
    };
    // nothing new: nothing copied
    let mut again = job("u", src.port, "user001", dests.path());
    again.previous = state_of(&sink);
    let (p, _) = run(&engine, "i2", vec![again.clone()]);
    assert_eq!(user(&p, "u").state, UserState::Synced);
    assert_eq!(user(&p, "u").synced_items, 0);
    // two new messages arrive (delivered into new/, as an MDA does)
    for (i, folder) in [(0, ""), (1, ".Sent")] {
        let bytes = format!("Message-ID: <new{i}@exosh.test>\r\nSubject: new {i}\r\n\r\nhello {i}\r\n").into_bytes();
        let path = src.maildir("user001").join(folder).join("new").join(format!("1700000000.new{i}.gen"));
        std::fs::write(&path, &bytes).expect("deliver");
        let t = filetime::FileTime::from_unix_time(1_700_000_000 + i, 0);
        filetime::set_file_times(&path, t, t).expect("mtime");
        std::os::unix::fs::chown(&path, Some(8), Some(8)).ok();
        msgs.push(common::SourceMsg {
            folder: if i == 0 { "INBOX".into() } else { "Sent".into() },
            bytes,
            flags: vec![],
            internal_date: 1_700_000_000 + i,
        });
    }
    let (p, _) = run(&engine, "i3", vec![again]);
    assert_eq!(user(&p, "u").synced_items, 2);
    let problems = compare(&msgs, dests.path(), |_| true);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn stop_ends_running_and_queued_users_as_stopped_without_partial_files() {
    let mut src = Dovecot::new(&["user001", "user002"]);
    let m1 = common::generate(&src, "user001", 1500, 41, &[]);
    common::generate(&src, "user002", 10, 42, &[]);
    src.start();
    // the first user's link is slow (each chunk from the server waits 20 ms), so the stop
    // always lands in the middle of its copy, whatever the machine's speed or load
    let slow = FaultProxy::start(src.port, Faults { delay: Some(Duration::from_millis(20)), ..Default::default() });
    let dests = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let jobs = vec![
        job("first", slow.port, "user001", &dests.path().join("1")),
        job("second", src.port, "user002", &dests.path().join("2")),
    ];
    engine
        .start_batch(
            BatchSpec { batch_id: "s".into(), endpoint_id: "one".into(), max_concurrent_migrations: 1, jobs },
            sink.clone(),
        )
        .expect("start");
    // wait until the first user has committed something, then stop
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while engine.batch_progress("s").map(|p| p.users[0].synced_items).unwrap_or(0) == 0 {
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(engine.stop_batch("s"));
    assert!(engine.wait_batch("s", Duration::from_secs(60)));
    let p = engine.batch_progress("s").expect("progress");
    assert_eq!(p.users[1].state, UserState::Stopped, "the queued user never starts");
    assert!(common::read_maildir(&dests.path().join("2")).is_empty());
    let first = &p.users[0];
    assert_eq!(first.state, UserState::Stopped, "{:?}", first.error);
    // what the sink was told is exactly what is on disk, and all of it is intact
    let on_disk = common::read_maildir(&dests.path().join("1"));
    assert_eq!(on_disk.len() as u64, first.synced_items);
    assert!(first.synced_items < 1500);
    let sources: std::collections::HashSet<&[u8]> = m1.iter().map(|m| m.bytes.as_slice()).collect();
    assert!(on_disk.iter().all(|d| sources.contains(d.bytes.as_slice())));
    assert!(p.is_finished());
}

#[test]
fn server_availability_reports_success_and_exchange_failures() {
    let mut src = Dovecot::new(&["user001"]);
    src.start();
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let creds = |pw: &str| Credentials { user_name: "user001".into(), password: pw.into(), user_root: None };
    let ok = engine.test_server_availability(&server(src.port, Security::Tls, true), Some(&creds("secret")));
    assert_eq!(ok.result, AvailabilityResult::Success, "{}", ok.diagnostic);
    assert_eq!(ok.message, "");
    assert!(ok.diagnostic.contains("C: STARTTLS") && ok.diagnostic.contains("TLS established"), "{}", ok.diagnostic);
    assert!(ok.capabilities.iter().any(|c| c == "IMAP4REV1"));
    assert!(!ok.diagnostic.contains("secret"), "no password in the log");
    let anon = engine.test_server_availability(&server(src.sport, Security::Ssl, true), None);
    assert_eq!(anon.result, AvailabilityResult::Success, "{}", anon.diagnostic);

    let bad = engine.test_server_availability(&server(src.port, Security::None, false), Some(&creds("nope")));
    assert_eq!(bad.result, AvailabilityResult::Failed);
    assert_eq!(bad.message, exosh::engine::error::MSG_LOGON);
    // a self-signed certificate valid for the name is accepted without the switch, as
    // Exchange Online does for IMAP (the refusals are in tests/engine_tls.rs)
    let self_signed = engine.test_server_availability(&server(src.sport, Security::Ssl, false), None);
    assert_eq!(self_signed.result, AvailabilityResult::Success, "{}", self_signed.diagnostic);
    assert!(
        self_signed.diagnostic.contains("certificate issuer not trusted by this machine"),
        "{}",
        self_signed.diagnostic
    );
    let closed = engine.test_server_availability(&server(common::free_port(), Security::None, false), None);
    assert_eq!(closed.result, AvailabilityResult::Failed);
    assert_eq!(closed.message, "The connection to the server '127.0.0.1' could not be completed.");
    assert!(closed.diagnostic.contains("connect failed"), "{}", closed.diagnostic);
}
