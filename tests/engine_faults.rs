//! Faults between the engine and a real Dovecot, injected by the test proxy
//! (tests/common/proxy.rs): a reset every 500 KB (mostly in the middle of a FETCH
//! literal), clean closes between responses, refused connections. Transient failures
//! are retried with backoff and resume from what was committed: the migration ends
//! Synced with every message exactly once, and the retries show in the user's report.
//! A permanent failure (bad password) is not retried. MaxConcurrentMigrations and
//! MaxConcurrentIncrementalSyncs bound the passes that run at once.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::proxy::{FaultProxy, Faults};
use common::{Dovecot, compare};
use exosh::engine::bridge::{self, Bridge};
use exosh::engine::*;
use exosh::tenant::*;

const WAIT: Duration = Duration::from_secs(240);

fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy { base: Duration::from_millis(20), cap: Duration::from_millis(200), max_retries, ..Default::default() }
}

fn attach(t: Tenant, home: &Path, retry: RetryPolicy) -> (Tenant, Arc<Bridge>) {
    let config = EngineConfig { retry, ..EngineConfig::default() };
    let b = Bridge::new(t.store.clone(), home, config).expect("bridge");
    (t.with_engine(b.clone()), b)
}

fn start_batch(t: &Tenant, name: &str, users: &[&str]) -> MigrationBatch {
    let mut csv = String::from("EmailAddress,UserName,Password\n");
    for u in users {
        csv.push_str(&format!("{u}@contoso.com,{u},{}\n", common::PASSWORD));
    }
    let p = NewBatch { name: name.into(), source_endpoint: Some("EP".into()), auto_start: true, ..Default::default() };
    t.new_batch(&p, csv.as_bytes()).expect("new batch")
}

fn batch(t: &Tenant, name: &str) -> MigrationBatch {
    t.store
        .get_batches(&BatchFilter { identity: Some(name.into()), ..Default::default() })
        .expect("get batch")
        .pop()
        .expect("batch exists")
}

fn wait_final(t: &Tenant, name: &str) -> MigrationBatch {
    let deadline = Instant::now() + WAIT;
    loop {
        let b = batch(t, name);
        if matches!(
            b.status,
            MigrationBatchStatus::Synced | MigrationBatchStatus::SyncedWithErrors | MigrationBatchStatus::Failed
        ) {
            return b;
        }
        assert!(Instant::now() < deadline, "batch {name} stuck in {:?}", b.status);
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stats(t: &Tenant, email: &str) -> MigrationUserStatistics {
    t.store
        .user_statistics(
            email,
            &UserStatisticsOptions { include_skipped_items: true, include_report: true, ..Default::default() },
        )
        .expect("stats")
}

fn report_text(s: &MigrationUserStatistics) -> String {
    format!("{:?}", s.report)
}

#[test]
fn a_reset_every_500_kb_mid_fetch_still_ends_synced_with_every_message_once() {
    let users = ["rita", "sam", "tess", "uma"];
    let mut src = Dovecot::new(&users);
    let mut all = Vec::new();
    for (i, u) in users.iter().enumerate() {
        // mixed sizes: 0.6-6.6 KB, plus messages of 40, 150 and 400 KB
        all.push(common::generate(&src, u, 400, 40 + i as u64, &[40_000, 150_000, 400_000]));
    }
    src.start();
    let total: usize = all.iter().flatten().map(|m| m.bytes.len()).sum();
    let proxy = FaultProxy::start(src.port, Faults { reset_every: Some(500_000), ..Default::default() });
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), proxy.port, &users, "EP", 4, Some(4));
    // the 400 KB messages get through only when no other connection is cut meanwhile:
    // allow many failures in a row
    let (t, b) = attach(t, home.path(), quick_retries(60));
    let created = start_batch(&t, "F1", &users);
    let done = wait_final(&t, "F1");
    assert!(b.wait_idle(created.guid, WAIT));
    let resets = proxy.stats().resets.load(std::sync::atomic::Ordering::SeqCst);
    println!("{total} bytes, {resets} resets by the proxy");
    assert!(resets >= total / 500_000 - 1, "{resets} resets for {total} bytes");
    let errors: Vec<_> =
        users.iter().map(|u| stats(&t, &format!("{u}@contoso.com")).user.error_summary.clone()).collect();
    assert_eq!(done.status, MigrationBatchStatus::Synced, "{errors:?}");
    let mut retried = 0;
    for (u, msgs) in users.iter().zip(&all) {
        let email = format!("{u}@contoso.com");
        let s = stats(&t, &email);
        assert_eq!(s.user.status, MigrationUserStatus::Synced, "{u}: {:?}", s.user.error_summary);
        assert_eq!(s.user.synced_item_count as usize, msgs.len(), "{u}");
        assert_eq!(s.user.skipped_item_count, 0, "{u}");
        let dir = t.store.maildir_path(&email).expect("maildir");
        let problems = compare(msgs, &dir, |_| true);
        assert!(problems.is_empty(), "{u}: {problems:#?}");
        let report = report_text(&s);
        let n = report.matches("The system will retry").count();
        if n > 0 {
            assert!(report.contains("Transient error "), "{report}");
        }
        retried += n;
    }
    // every reset cost some user one retry, and each one is in that user's report
    assert!(retried >= resets / 2 && retried > 0, "{retried} retries reported for {resets} resets");
    src.stop();
}

fn job(id: &str, port: u16, user: &str, password: &str, dest: &Path) -> JobSpec {
    JobSpec {
        job_id: id.into(),
        server: ServerSpec {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            accept_untrusted_certificates: false,
            authentication: Authentication::Basic,
        },
        credentials: Credentials { user_name: user.into(), password: password.into(), user_root: None },
        destination: dest.to_path_buf(),
        exclude_folders: vec![],
        limits: Limits::default(),
        previous: vec![],
    }
}

fn run_one(engine: &Engine, batch: &str, job: JobSpec) -> (exosh::engine::UserProgress, Vec<Event>) {
    let sink = Arc::new(MemorySink::new());
    engine
        .start_batch(
            BatchSpec {
                batch_id: batch.into(),
                endpoint_id: batch.into(),
                max_concurrent_migrations: 1,
                jobs: vec![job],
            },
            sink.clone(),
        )
        .expect("start");
    assert!(engine.wait_batch(batch, WAIT), "{batch} did not end");
    let p = engine.batch_progress(batch).expect("progress").users.remove(0);
    (p, sink.events())
}

fn retry_notices(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| {
            matches!(e, Event::Status { state: UserState::Syncing, error: Some(e), .. }
                if e.message.contains("The system will retry"))
        })
        .count()
}

#[test]
fn a_bad_password_fails_at_once_while_refused_and_cut_connections_are_retried() {
    let mut src = Dovecot::new(&["vera", "walt", "xena"]);
    let walt = common::generate(&src, "walt", 120, 51, &[]);
    let xena = common::generate(&src, "xena", 300, 52, &[90_000]);
    src.start();
    let dests = tempfile::tempdir().expect("dests");
    let engine = Engine::new(EngineConfig { retry: quick_retries(5), ..EngineConfig::default() }).expect("engine");

    // permanent: wrong password → Failed at the first attempt, no retry
    let (p, events) = run_one(&engine, "bad", job("bad", src.port, "vera", "wrong", &dests.path().join("v")));
    assert_eq!(p.state, UserState::Failed);
    let e = p.error.expect("error");
    assert_eq!(e.kind, ErrorKind::Logon);
    assert!(!e.is_transient());
    assert_eq!(e.message, exosh::engine::error::MSG_LOGON);
    assert_eq!(retry_notices(&events), 0);
    assert_eq!(engine.retries("bad"), 0);

    // transient: the first 3 connections are reset at once → retried, then Synced
    let refusing = FaultProxy::start(src.port, Faults { refuse_first: 3, ..Default::default() });
    let (p, events) =
        run_one(&engine, "refused", job("refused", refusing.port, "walt", "secret", &dests.path().join("w")));
    assert_eq!(p.state, UserState::Synced, "{:?}", p.error);
    assert_eq!(refusing.stats().refused.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert!(engine.retries("refused") >= 1);
    assert_eq!(retry_notices(&events), engine.retries("refused") as usize);
    assert!(compare(&walt, &dests.path().join("w"), |_| true).is_empty());

    // transient: clean closes (FIN) every 200 KB, between or inside responses: nothing
    // is taken for complete that wasn't
    let cutting = FaultProxy::start(src.port, Faults { truncate_every: Some(200_000), ..Default::default() });
    let (p, events) = run_one(&engine, "cut", job("cut", cutting.port, "xena", "secret", &dests.path().join("x")));
    assert_eq!(p.state, UserState::Synced, "{:?}", p.error);
    assert!(cutting.faults_injected() >= 3, "{}", cutting.faults_injected());
    assert!(retry_notices(&events) >= 1);
    let problems = compare(&xena, &dests.path().join("x"), |_| true);
    assert!(problems.is_empty(), "{problems:#?}");

    // transient: clean closes right after a FETCH response, which async-imap reports as
    // the normal end of the FETCH: the engine notices what didn't come
    let between = FaultProxy::start(
        src.port,
        Faults { truncate_every: Some(150_000), at_response_end: true, ..Default::default() },
    );
    let (p, events) =
        run_one(&engine, "between", job("between", between.port, "xena", "secret", &dests.path().join("b")));
    assert_eq!(p.state, UserState::Synced, "{:?}", p.error);
    assert!(between.faults_injected() >= 3, "{}", between.faults_injected());
    assert!(retry_notices(&events) >= 1);
    let problems = compare(&xena, &dests.path().join("b"), |_| true);
    if !problems.is_empty() {
        for e in &events {
            match e {
                Event::Committed { commit, .. } => println!(
                    "DEBUG commit {} v{} hi{} copied {:?} skipped {}",
                    commit.folder.source_name,
                    commit.uid_validity,
                    commit.highest_uid,
                    commit.copied.iter().map(|c| c.uid).collect::<Vec<_>>(),
                    commit.skipped.len()
                ),
                Event::Status { state, error, .. } => {
                    println!("DEBUG status {state:?} {:?}", error.as_ref().map(|e| &e.detail))
                }
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");

    // transient, but it never gets better: the user fails after the retries with the
    // last error's message
    let dead = FaultProxy::start(src.port, Faults { refuse_first: usize::MAX, ..Default::default() });
    let (p, events) = run_one(&engine, "dead", job("dead", dead.port, "walt", "secret", &dests.path().join("d")));
    assert_eq!(p.state, UserState::Failed);
    assert!(p.error.expect("error").is_transient());
    assert_eq!(retry_notices(&events), 5);
    assert_eq!(engine.retries("dead"), 5);
    src.stop();
}

#[test]
fn max_concurrent_migrations_and_incremental_syncs_bound_the_passes_of_an_endpoint() {
    let users = ["ann", "ben", "cat", "dan", "eve", "fay"];
    let mut src = Dovecot::new(&users);
    for (i, u) in users.iter().enumerate() {
        common::generate(&src, u, 30, 60 + i as u64, &[]);
    }
    src.start();
    // a slow link, so that passes overlap
    let proxy = FaultProxy::start(src.port, Faults { delay: Some(Duration::from_millis(15)), ..Default::default() });
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), proxy.port, &users, "EP", 3, Some(2));
    let (t, b) = attach(t, home.path(), quick_retries(3));
    let ep = t.store.get_endpoints(Some("EP"), None).expect("endpoints").remove(0).guid;
    // two batches on the same endpoint share its limits
    let b1 = start_batch(&t, "C1", &users[..3]);
    let b2 = start_batch(&t, "C2", &users[3..]);
    assert_eq!(wait_final(&t, "C1").status, MigrationBatchStatus::Synced);
    assert_eq!(wait_final(&t, "C2").status, MigrationBatchStatus::Synced);
    assert!(b.wait_idle(b1.guid, WAIT) && b.wait_idle(b2.guid, WAIT));
    let initial = bridge::concurrency_key(ep, false);
    let incremental = bridge::concurrency_key(ep, true);
    assert_eq!(b.engine().concurrency(&initial), (0, 3), "MaxConcurrentMigrations 3");
    assert_eq!(b.engine().concurrency(&incremental), (0, 0));
    // the scheduled incremental pass of every Synced batch: at most 2 at once
    b.incremental_pass();
    std::thread::sleep(Duration::from_millis(100));
    assert!(b.wait_idle(b1.guid, WAIT) && b.wait_idle(b2.guid, WAIT));
    assert_eq!(b.engine().concurrency(&incremental), (0, 2), "MaxConcurrentIncrementalSyncs 2");
    assert_eq!(b.engine().concurrency(&initial), (0, 3));
    for u in users {
        let s = stats(&t, &format!("{u}@contoso.com"));
        assert_eq!(s.user.status, MigrationUserStatus::Synced);
        assert_eq!(s.user.synced_item_count, 30);
    }
    src.stop();
}

/// Messages in `cur/` of a destination (tolerant of files moving while it counts).
fn cur_files(root: &Path) -> usize {
    let mut dirs = vec![root.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(root) {
        dirs.extend(rd.flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).map(|e| e.path()));
    }
    dirs.iter().filter_map(|d| std::fs::read_dir(d.join("cur")).ok()).map(|rd| rd.flatten().count()).sum()
}

#[test]
fn a_server_restart_mid_copy_is_retried_and_resumes_where_it_was() {
    let mut src = Dovecot::new(&["yves"]);
    let yves = common::generate(&src, "yves", 1500, 71, &[120_000, 300_000]);
    src.start();
    // a slow link, so that the restart lands mid-copy
    let proxy = FaultProxy::start(src.port, Faults { delay: Some(Duration::from_millis(20)), ..Default::default() });
    let dests = tempfile::tempdir().expect("dests");
    let dest = dests.path().join("y");
    let retry = RetryPolicy {
        base: Duration::from_millis(100),
        cap: Duration::from_secs(1),
        max_retries: 30,
        ..Default::default()
    };
    let engine = Engine::new(EngineConfig { retry, ..EngineConfig::default() }).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let spec = BatchSpec {
        batch_id: "restart".into(),
        endpoint_id: "restart".into(),
        max_concurrent_migrations: 1,
        jobs: vec![job("restart", proxy.port, "yves", "secret", &dest)],
    };
    engine.start_batch(spec, sink.clone()).expect("start");
    let deadline = Instant::now() + WAIT;
    while cur_files(&dest) < 200 {
        assert!(Instant::now() < deadline && engine.is_running("restart"), "the copy did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    let copied_at_stop = cur_files(&dest);
    // the server crashes (its sessions die) and comes back
    let t0 = Instant::now();
    let killed = src.kill_sessions();
    src.stop();
    println!("stopped after {:?}", t0.elapsed());
    std::thread::sleep(Duration::from_millis(500));
    src.start();
    println!("started after {:?}", t0.elapsed());
    assert!(engine.wait_batch("restart", WAIT));
    println!("synced after {:?}", t0.elapsed());

    let p = engine.batch_progress("restart").expect("progress").users.remove(0);
    println!(
        "restart after {copied_at_stop} messages ({killed} sessions killed), {} retries",
        engine.retries("restart")
    );
    assert!(killed >= 1);
    assert!(copied_at_stop < yves.len(), "the restart came too late to test anything");
    assert_eq!(p.state, UserState::Synced, "{:?}", p.error);
    assert!(engine.retries("restart") >= 1);
    assert_eq!(retry_notices(&sink.events()), engine.retries("restart") as usize);
    assert_eq!(p.synced_items as usize, yves.len());
    let problems = compare(&yves, &dest, |_| true);
    assert!(problems.is_empty(), "{problems:#?}");
    src.stop();
}

#[test]
fn no_unavailable_at_logon_is_retried_until_the_server_can_authenticate_again() {
    let mut src = Dovecot::new(&["zoe"]);
    let zoe = common::generate(&src, "zoe", 60, 81, &[]);
    src.start();
    // the user database can't be read for a while: Dovecot answers
    // "NO [UNAVAILABLE] Temporary authentication failure"
    use std::os::unix::fs::PermissionsExt;
    let users = src.path().join("users");
    let mode = std::fs::metadata(&users).expect("users").permissions();
    std::fs::set_permissions(&users, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let dests = tempfile::tempdir().expect("dests");
    let retry = RetryPolicy {
        base: Duration::from_millis(200),
        cap: Duration::from_millis(400),
        max_retries: 40,
        ..Default::default()
    };
    let engine = Engine::new(EngineConfig { retry, ..EngineConfig::default() }).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let spec = BatchSpec {
        batch_id: "unavailable".into(),
        endpoint_id: "unavailable".into(),
        max_concurrent_migrations: 1,
        jobs: vec![job("unavailable", src.port, "zoe", "secret", &dests.path().join("z"))],
    };
    engine.start_batch(spec, sink.clone()).expect("start");
    let deadline = Instant::now() + WAIT;
    while engine.retries("unavailable") < 2 {
        assert!(Instant::now() < deadline && engine.is_running("unavailable"), "not retried: {:?}", sink.events());
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::set_permissions(&users, mode).expect("chmod back");
    assert!(engine.wait_batch("unavailable", WAIT));
    let p = engine.batch_progress("unavailable").expect("progress").users.remove(0);
    assert_eq!(p.state, UserState::Synced, "{:?}", p.error);
    let first = sink
        .events()
        .into_iter()
        .find_map(|e| match e {
            Event::Status { state: UserState::Syncing, error: Some(e), .. } => Some(e),
            _ => None,
        })
        .expect("a retry notice");
    assert!(first.detail.contains("[UNAVAILABLE]"), "{first:?}");
    assert!(
        first.message.starts_with("Transient error AuthenticationErrorTransientException has occurred."),
        "{first:?}"
    );
    assert!(compare(&zoe, &dests.path().join("z"), |_| true).is_empty());
    src.stop();
}
