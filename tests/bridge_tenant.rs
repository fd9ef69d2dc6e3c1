//! The engine attached to a real SQLite tenant, against a real Dovecot started here:
//! a batch created through the tenant API runs to Synced with Exchange's statistics,
//! a wrong password fails one user while the others finish, a second pass copies only
//! new mail, stop and remove end as documented, and a later process resumes the work.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Dovecot, compare};
use exosh::engine::bridge;
use exosh::tenant::*;

const WAIT: Duration = Duration::from_secs(120);

fn csv(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut s = String::from("EmailAddress,UserName,Password\n");
    for (email, user, pw) in rows {
        s.push_str(&format!("{email},{user},{pw}\n"));
    }
    s.into_bytes()
}

fn batch(t: &Tenant, name: &str) -> MigrationBatch {
    t.store
        .get_batches(&BatchFilter { identity: Some(name.into()), ..Default::default() })
        .expect("get batch")
        .pop()
        .expect("batch exists")
}

/// Polls Get-MigrationBatch until the status is one of `want`.
fn wait_status(t: &Tenant, name: &str, want: &[MigrationBatchStatus]) -> MigrationBatch {
    let deadline = Instant::now() + WAIT;
    loop {
        let b = batch(t, name);
        if want.contains(&b.status) {
            return b;
        }
        assert!(Instant::now() < deadline, "batch {name} stuck in {:?}", b.status);
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stats(t: &Tenant, email: &str) -> MigrationUserStatistics {
    t.store
        .user_statistics(email, &UserStatisticsOptions { include_skipped_items: true, ..Default::default() })
        .expect("stats")
}

fn new_batch(t: &Tenant, name: &str, rows: &[(&str, &str, &str)], auto_start: bool) -> MigrationBatch {
    let p =
        NewBatch { name: name.into(), source_endpoint: Some("IMAPEndpoint".into()), auto_start, ..Default::default() };
    t.new_batch(&p, &csv(rows)).expect("new batch")
}

/// Drops one new message into a source folder's `new/` (Dovecot picks it up on SELECT).
fn deliver(src: &Dovecot, user: &str, n: u32) -> Vec<u8> {
    let dir = src.maildir(user).join("new");
    let body = format!(
        "From: New <new@example.com>\r\nTo: {user}@example.com\r\nSubject: New message {n}\r\nMessage-ID: <new{n}.{user}@example.com>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nHello {n}\r\n"
    );
    let path = dir.join(format!("1790000000.new{n}.host"));
    std::fs::write(&path, body.as_bytes()).expect("deliver");
    if let Ok(m) = std::fs::metadata(&dir) {
        let _ = std::os::unix::fs::chown(&path, Some(m.uid()), Some(m.gid()));
    }
    body.into_bytes()
}

fn count_files(root: &Path) -> usize {
    common::read_maildir(root).len()
}

#[test]
fn batch_syncs_with_statistics_a_bad_password_fails_alone_and_a_second_pass_copies_only_new_mail() {
    let mut src = Dovecot::new(&["alice", "bob", "carol"]);
    let alice = common::generate(&src, "alice", 150, 1, &[36_700_161]);
    let bob = common::generate(&src, "bob", 90, 2, &[]);
    common::generate(&src, "carol", 10, 3, &[]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), src.port, &["alice", "bob", "carol"], "IMAPEndpoint", 2, None);
    let (t, b) = bridge::attach_bridge(t, home.path()).expect("attach");
    let rows = [
        ("alice@contoso.com", "alice", common::PASSWORD),
        ("bob@contoso.com", "bob", common::PASSWORD),
        ("carol@contoso.com", "carol", "wrong-password"),
    ];
    let created = new_batch(&t, "B1", &rows, true);
    let done = wait_status(&t, "B1", &[MigrationBatchStatus::SyncedWithErrors, MigrationBatchStatus::Synced]);
    assert_eq!(done.status, MigrationBatchStatus::SyncedWithErrors, "one user failed");
    assert!(b.wait_idle(created.guid, WAIT));
    assert_eq!((done.counts.total, done.counts.synced, done.counts.failed), (3, 2, 1));

    let a = stats(&t, "alice@contoso.com");
    assert_eq!(a.user.status, MigrationUserStatus::Synced);
    assert_eq!(a.user.synced_item_count, 150);
    assert_eq!(a.user.skipped_item_count, 1);
    let a_bytes: u64 = alice.iter().filter(|m| m.bytes.len() <= 36_700_160).map(|m| m.bytes.len() as u64).sum();
    assert_eq!(a.bytes_transferred, Some(a_bytes));
    assert_eq!(a.total_items_in_source, Some(151));
    assert_eq!(a.percentage_complete, Some(100));
    assert_eq!(a.skipped_items.len(), 1);
    assert_eq!(a.skipped_items[0].kind, "LargeItem");
    assert_eq!(a.skipped_items[0].folder_name, "Inbox");
    assert!(a.user.last_successful_sync.is_some());

    let alice_dir = t.store.maildir_path("alice@contoso.com").expect("maildir");
    let problems = compare(&alice, &alice_dir, |m| m.bytes.len() <= 36_700_160);
    assert!(problems.is_empty(), "{problems:?}");
    let bob_dir = t.store.maildir_path("bob@contoso.com").expect("maildir");
    assert!(compare(&bob, &bob_dir, |_| true).is_empty());
    assert_eq!(stats(&t, "bob@contoso.com").user.synced_item_count, 90);

    let c = stats(&t, "carol@contoso.com");
    assert_eq!(c.user.status, MigrationUserStatus::Failed);
    let summary = c.user.error_summary.clone().unwrap_or_default();
    assert!(summary.contains("trouble signing in"), "{summary}");
    let carol_dir = t.store.maildir_path("carol@contoso.com").expect("maildir");
    assert_eq!(count_files(&carol_dir), 0);

    // Incremental: two new messages for alice; sync now copies only those.
    deliver(&src, "alice", 1);
    deliver(&src, "alice", 2);
    let before = count_files(&alice_dir);
    t.sync_batch_now(&batch(&t, "B1"));
    assert!(b.wait_idle(created.guid, WAIT));
    let done = wait_status(&t, "B1", &[MigrationBatchStatus::SyncedWithErrors, MigrationBatchStatus::Synced]);
    assert_eq!(done.counts.synced, 2);
    assert_eq!(count_files(&alice_dir), before + 2, "only the new messages");
    let a = stats(&t, "alice@contoso.com");
    assert_eq!(a.user.synced_item_count, 152);
    assert_eq!(a.user.status, MigrationUserStatus::Synced);
    assert_eq!(stats(&t, "bob@contoso.com").user.synced_item_count, 90);
    assert_eq!(count_files(&bob_dir), bob.len());
    // One more pass with nothing new copies nothing.
    t.sync_batch_now(&batch(&t, "B1"));
    assert!(b.wait_idle(created.guid, WAIT));
    assert_eq!(count_files(&alice_dir), before + 2);

    // Remove: the batch goes, the mail stays.
    t.remove_batch("B1").expect("remove");
    let deadline = Instant::now() + WAIT;
    while !t.store.get_batches(&BatchFilter::default()).expect("batches").is_empty() {
        assert!(Instant::now() < deadline, "batch not removed");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(count_files(&alice_dir), before + 2);
    assert_eq!(b.sync_db().mapped_count(a.user.guid).expect("map"), 0);
    src.stop();
}

#[test]
fn stop_ends_stopped_and_a_later_process_resumes_without_duplicates() {
    let mut src = Dovecot::new(&["dave", "erin"]);
    let dave = common::generate(&src, "dave", 600, 4, &[]);
    let erin = common::generate(&src, "erin", 300, 5, &[]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), src.port, &["dave", "erin"], "IMAPEndpoint", 2, None);
    let rows = [("dave@contoso.com", "dave", common::PASSWORD), ("erin@contoso.com", "erin", common::PASSWORD)];
    {
        let (t, b) = bridge::attach_bridge(t.clone(), home.path()).expect("attach");
        let created = new_batch(&t, "S1", &rows, true);
        // Let it copy a little, then stop.
        let deadline = Instant::now() + WAIT;
        while stats(&t, "dave@contoso.com").user.synced_item_count == 0 {
            assert!(Instant::now() < deadline, "nothing copied");
            std::thread::sleep(Duration::from_millis(5));
        }
        let stopping = t.stop_batch("S1").expect("stop");
        assert!(
            matches!(stopping.status, MigrationBatchStatus::Stopping | MigrationBatchStatus::Stopped),
            "{:?}",
            stopping.status
        );
        let stopped = wait_status(&t, "S1", &[MigrationBatchStatus::Stopped]);
        assert_eq!(stopped.counts.stopped + stopped.counts.synced, 2);
        assert!(b.wait_idle(created.guid, WAIT));
        // What the store counts is exactly what is on disk.
        let dir = t.store.maildir_path("dave@contoso.com").expect("maildir");
        assert_eq!(stats(&t, "dave@contoso.com").user.synced_item_count as usize, count_files(&dir));
        drop(b);
    }
    // A process without the engine starts the batch (Syncing, users Queued) and exits
    // before any work; a later process on the same home resumes it on attach.
    let plain = Tenant::new(t.store.clone());
    assert_eq!(plain.start_batch("S1").expect("start").status, MigrationBatchStatus::Syncing);
    let (t2, b2) = bridge::attach_bridge(plain, home.path()).expect("attach again");
    let done = wait_status(&t2, "S1", &[MigrationBatchStatus::Synced]);
    assert!(b2.wait_idle(done.guid, WAIT));
    let dave_dir = t2.store.maildir_path("dave@contoso.com").expect("maildir");
    let erin_dir = t2.store.maildir_path("erin@contoso.com").expect("maildir");
    let p = compare(&dave, &dave_dir, |_| true);
    assert!(p.is_empty(), "{p:?}");
    assert!(compare(&erin, &erin_dir, |_| true).is_empty());
    assert_eq!(count_files(&dave_dir), 600, "no duplicates");
    assert_eq!(stats(&t2, "dave@contoso.com").user.synced_item_count, 600);
    assert_eq!(stats(&t2, "erin@contoso.com").user.synced_item_count, 300);
    src.stop();
}

#[test]
fn messages_written_but_never_recorded_are_not_duplicated_on_the_next_pass() {
    let mut src = Dovecot::new(&["frank"]);
    let frank = common::generate(&src, "frank", 120, 6, &[]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), src.port, &["frank"], "IMAPEndpoint", 2, None);
    let (t, b) = bridge::attach_bridge(t, home.path()).expect("attach");
    let created = new_batch(&t, "C1", &[("frank@contoso.com", "frank", common::PASSWORD)], true);
    wait_status(&t, "C1", &[MigrationBatchStatus::Synced]);
    assert!(b.wait_idle(created.guid, WAIT));
    let dir = t.store.maildir_path("frank@contoso.com").expect("maildir");
    assert_eq!(count_files(&dir), 120);
    let user = stats(&t, "frank@contoso.com").user.guid.to_string();

    // Roll the sync state back as if the process died after the last five INBOX
    // messages were renamed into cur/ but before their commit.
    {
        let db = rusqlite::Connection::open(home.path().join(bridge::SYNC_DB_FILE)).expect("db");
        let uids: Vec<i64> = db
            .prepare("SELECT uid FROM uid_map WHERE user = ?1 AND source_name = 'INBOX' ORDER BY uid DESC LIMIT 5")
            .expect("prepare")
            .query_map([&user], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(uids.len(), 5);
        let lowest = uids.iter().min().copied().unwrap_or(1);
        db.execute(
            "DELETE FROM uid_map WHERE user = ?1 AND source_name = 'INBOX' AND uid >= ?2",
            rusqlite::params![user, lowest],
        )
        .expect("delete");
        db.execute(
            "UPDATE folder_state SET highest_uid = ?2 WHERE user = ?1 AND source_name = 'INBOX'",
            rusqlite::params![user, lowest - 1],
        )
        .expect("rewind");
        db.execute("UPDATE user_totals SET synced_items = synced_items - 5 WHERE user = ?1", [&user]).expect("totals");
    }
    t.sync_batch_now(&batch(&t, "C1"));
    assert!(b.wait_idle(created.guid, WAIT));
    wait_status(&t, "C1", &[MigrationBatchStatus::Synced]);
    assert_eq!(count_files(&dir), 120, "no duplicates");
    let p = compare(&frank, &dir, |_| true);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(stats(&t, "frank@contoso.com").user.synced_item_count, 120);
    src.stop();
}

#[test]
fn scheduled_incremental_syncs_pick_up_new_mail_without_a_command() {
    let mut src = Dovecot::new(&["ivan"]);
    let ivan = common::generate(&src, "ivan", 40, 9, &[]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), src.port, &["ivan"], "IMAPEndpoint", 2, None);
    let (t, b) = bridge::attach_bridge(t, home.path()).expect("attach");
    let created = new_batch(&t, "I1", &[("ivan@contoso.com", "ivan", common::PASSWORD)], true);
    wait_status(&t, "I1", &[MigrationBatchStatus::Synced]);
    assert!(b.wait_idle(created.guid, WAIT));
    let dir = t.store.maildir_path("ivan@contoso.com").expect("maildir");
    assert_eq!(count_files(&dir), ivan.len());
    let first_sync = stats(&t, "ivan@contoso.com").user.last_successful_sync;
    deliver(&src, "ivan", 1);
    deliver(&src, "ivan", 2);
    deliver(&src, "ivan", 3);
    b.schedule_incremental(Duration::from_millis(300));
    let deadline = Instant::now() + WAIT;
    while stats(&t, "ivan@contoso.com").user.synced_item_count < 43 {
        assert!(Instant::now() < deadline, "no incremental pass ran");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(b.wait_idle(created.guid, WAIT));
    // Several passes ran by now; still each message once.
    std::thread::sleep(Duration::from_millis(700));
    // The scheduler starts a pass every 300 ms: read the figures between two passes
    // (idle before and after the reads), not while one is starting.
    let deadline = Instant::now() + WAIT;
    let (s, batch_status) = loop {
        assert!(b.wait_idle(created.guid, WAIT));
        let s = stats(&t, "ivan@contoso.com");
        let batch_status = batch(&t, "I1").status;
        if b.running_users(created.guid).is_empty()
            && s.user.status == MigrationUserStatus::Synced
            && batch_status == MigrationBatchStatus::Synced
        {
            break (s, batch_status);
        }
        assert!(Instant::now() < deadline, "never idle and Synced: {:?} / {batch_status:?}", s.user.status);
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(count_files(&dir), ivan.len() + 3);
    assert_eq!(s.user.synced_item_count, 43);
    assert!(s.user.last_successful_sync > first_sync);
    assert_eq!(batch_status, MigrationBatchStatus::Synced);
    src.stop();
}

#[test]
fn test_server_really_connects_and_reports_exchanges_message() {
    let mut src = Dovecot::new(&["judy"]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), src.port, &["judy"], "IMAPEndpoint", 2, None);
    let (t, _b) = bridge::attach_bridge(t, home.path()).expect("attach");
    let ep = t.store.get_endpoints(Some("IMAPEndpoint"), None).expect("endpoints").remove(0);
    let ok = t.test_server(&ep, Some("IMAPEndpoint".into()));
    assert_eq!(ok.result, TestMigrationServerAvailabilityResult::Success, "{}", ok.error_detail);
    assert_eq!(ok.tested_endpoint.as_deref(), Some("IMAPEndpoint"));
    let mut closed = ep.clone();
    closed.port = common::free_port();
    let bad = t.test_server(&closed, None);
    assert_eq!(bad.result, TestMigrationServerAvailabilityResult::Failed);
    assert_eq!(bad.message, "The connection to the server '127.0.0.1' could not be completed.");
    assert!(bad.error_detail.contains("MigrationServerConnectionFailedException"), "{}", bad.error_detail);
    // The lab's self-signed certificate is valid for 127.0.0.1: accepted with or without
    // -AcceptUntrustedCertificates, as Exchange Online does for IMAP (refusals of wrong
    // names, dates and signatures: tests/engine_tls.rs).
    let mut tls = ep.clone();
    tls.security = IMAPSecurityMechanism::Tls;
    let r = t.test_server(&tls, None);
    assert_eq!(r.result, TestMigrationServerAvailabilityResult::Success, "{}", r.error_detail);
    tls.accept_untrusted_certificates = true;
    let r = t.test_server(&tls, None);
    assert_eq!(r.result, TestMigrationServerAvailabilityResult::Success, "{}", r.error_detail);
    src.stop();
}

#[test]
fn a_stop_made_by_another_process_reaches_the_one_that_runs_the_batch() {
    let mut src = Dovecot::new(&["kate"]);
    // Enough mail that the copy cannot finish before the runner's next look for stops
    // made elsewhere (once a second), however fast the machine: the stop must land mid-copy.
    common::generate(&src, "kate", 30_000, 10, &[]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let t = common::tenant(home.path(), src.port, &["kate"], "IMAPEndpoint", 2, None);
    // Two engines on one home, as two exosh processes would have.
    let (runner, a) = bridge::attach_bridge(t.clone(), home.path()).expect("attach a");
    let (other, b) = bridge::attach_bridge(Tenant::new(t.store.clone()), home.path()).expect("attach b");
    assert_ne!(a.sync_db().owner(), b.sync_db().owner());
    let created = new_batch(&runner, "X1", &[("kate@contoso.com", "kate", common::PASSWORD)], true);
    let deadline = Instant::now() + WAIT;
    while stats(&other, "kate@contoso.com").user.synced_item_count == 0 {
        assert!(Instant::now() < deadline, "nothing copied");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The other process cannot take the user while the runner holds its lease.
    assert!(b.running_users(created.guid).is_empty());
    other.stop_batch("X1").expect("stop");
    let stopped = wait_status(&other, "X1", &[MigrationBatchStatus::Stopped]);
    assert!(a.wait_idle(created.guid, WAIT));
    assert_eq!(stopped.counts.stopped, 1);
    let s = stats(&other, "kate@contoso.com");
    assert_eq!(s.user.status, MigrationUserStatus::Stopped);
    assert!(s.user.synced_item_count < 30_000, "stopped before the end");
    let dir = other.store.maildir_path("kate@contoso.com").expect("maildir");
    assert_eq!(count_files(&dir), s.user.synced_item_count as usize, "the message in flight was finished and counted");
    src.stop();
}

/// The engine's notices (what the interactive shell prints above the prompt): each user's
/// outcome, and the batch once when it settles.
#[test]
fn notices_tell_each_users_outcome_and_the_settled_batch_once() {
    let mut src = Dovecot::new(&["nora", "olaf"]);
    common::generate(&src, "nora", 30, 21, &[]);
    common::generate(&src, "olaf", 10, 22, &[]);
    src.start();
    let home = tempfile::tempdir().expect("home");
    let heard: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let h = heard.clone();
    // other tests of this binary run batches too: keep only this batch's users and name
    bridge::set_notifier(move |text| {
        if text.contains("nora@") || text.contains("olaf@") || text.contains("'N1'") {
            h.lock().unwrap().push(text.to_string());
        }
    });
    let t = common::tenant(home.path(), src.port, &["nora", "olaf"], "IMAPEndpoint", 2, None);
    let (t, b) = bridge::attach_bridge(t, home.path()).expect("attach");
    let rows = [("nora@contoso.com", "nora", common::PASSWORD), ("olaf@contoso.com", "olaf", "wrong-password")];
    let created = new_batch(&t, "N1", &rows, true);
    let settled = wait_status(&t, "N1", &[MigrationBatchStatus::SyncedWithErrors, MigrationBatchStatus::Failed]);
    assert!(b.wait_idle(created.guid, WAIT));
    let heard = heard.lock().unwrap().clone();
    assert!(heard.contains(&"nora@contoso.com Synced".to_string()), "{heard:?}");
    assert!(
        heard.iter().any(|n| n.starts_with("olaf@contoso.com Failed: ") && !n.contains("wrong-password")),
        "{heard:?}"
    );
    let batch_notices: Vec<&String> = heard.iter().filter(|n| n.starts_with("Migration batch 'N1' is ")).collect();
    assert_eq!(batch_notices, [&format!("Migration batch 'N1' is {:?}", settled.status)], "{heard:?}");
    src.stop();
}
