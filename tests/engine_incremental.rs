//! Incremental passes against a real Dovecot: after an initial sync the source changes the
//! way users change it (new mail, flag and keyword changes, deletions, a folder renamed, a
//! folder created, a UIDVALIDITY reset), and the next pass must leave the destination
//! equal to the source message by message (bytes, folder, flags, keywords, INTERNALDATE),
//! with deleted messages kept (Exchange does not propagate deletions), nothing duplicated
//! and nothing downloaded again but the new messages.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{Dovecot, SourceMsg, compare};
use exosh::engine::*;
use futures_util::StreamExt;

fn job(id: &str, port: u16, user: &str, dest: &Path, previous: Vec<FolderSyncState>) -> JobSpec {
    JobSpec {
        job_id: id.into(),
        server: ServerSpec {
            host: "127.0.0.1".into(),
            port,
            security: Security::None,
            accept_untrusted_certificates: false,
            authentication: Authentication::Basic,
        },
        credentials: Credentials { user_name: user.into(), password: common::PASSWORD.into(), user_root: None },
        destination: dest.to_path_buf(),
        exclude_folders: vec![],
        limits: Limits::default(),
        previous,
    }
}

fn run(engine: &Engine, batch: &str, jobs: Vec<JobSpec>, sink: Arc<dyn ProgressSink>) -> BatchProgress {
    engine
        .start_batch(
            BatchSpec { batch_id: batch.into(), endpoint_id: "ep".into(), max_concurrent_migrations: 4, jobs },
            sink,
        )
        .expect("start");
    assert!(engine.wait_batch(batch, Duration::from_secs(300)), "batch did not finish");
    engine.batch_progress(batch).expect("progress")
}

fn user<'a>(p: &'a BatchProgress, id: &str) -> &'a UserProgress {
    p.users.iter().find(|u| u.job_id == id).expect("user in batch")
}

/// The IMAP name of a generated folder on the test Dovecot (separator `.`, no prefix).
fn imap_name(folder: &str) -> String {
    if folder == "INBOX" {
        return folder.to_string();
    }
    folder.split('/').map(common::mutf7).collect::<Vec<_>>().join(".")
}

fn message_id(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.lines().find_map(|l| l.strip_prefix("Message-ID: ").map(|v| v.trim().to_string())).unwrap_or_default()
}

type Session = async_imap::Session<tokio::net::TcpStream>;

async fn connect(port: u16, login: &str) -> Session {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.expect("greeting");
    client.login(login, common::PASSWORD).await.map_err(|e| e.0).expect("login")
}

/// Message-ID -> UID of every message of a folder (SELECTed).
async fn uids_by_message_id(s: &mut Session, folder: &str) -> HashMap<String, u32> {
    let mb = s.select(imap_name(folder)).await.expect("select");
    let mut out = HashMap::new();
    if mb.exists == 0 {
        return out;
    }
    let mut st = s.uid_fetch("1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])").await.expect("fetch");
    while let Some(f) = st.next().await {
        let f = f.expect("fetch item");
        if let (Some(uid), Some(h)) = (f.uid, f.header()) {
            out.insert(message_id(h), uid);
        }
    }
    out
}

fn flag_list(flags: &[String]) -> String {
    format!("({})", flags.join(" "))
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// What `mutate` did.
#[derive(Debug, Default)]
struct Mutated {
    appended: usize,
    appended_bytes: u64,
    flag_changes: usize,
    deleted: usize,
}

/// What users do between two passes (a Rust port of imap-lab/mutate-source, over IMAP):
/// APPEND `new` messages to INBOX; change the flags of `flags` existing messages (toggle
/// \Seen, add \Flagged and $Label1, and on every third one also drop \Answered and
/// $Forwarded); mark `delete` others \Deleted and UID EXPUNGE them. `msgs` follows: new
/// messages are added, flags updated; deleted messages stay (a migration that does not
/// propagate deletions keeps them, with the flags they had).
fn mutate(
    port: u16,
    login: &str,
    msgs: &mut Vec<SourceMsg>,
    new: usize,
    flags: usize,
    delete: usize,
    seed: u64,
) -> Mutated {
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), mutate_async(port, login, msgs, new, flags, delete, seed))
            .await
            .expect("mutate timed out")
    })
}

async fn mutate_async(
    port: u16,
    login: &str,
    msgs: &mut Vec<SourceMsg>,
    new: usize,
    flags: usize,
    delete: usize,
    seed: u64,
) -> Mutated {
    {
        let mut s = connect(port, login).await;
        let mut done = Mutated::default();
        for i in 0..new {
            let date = 1_704_103_200 + (i % 60) as i64; // 2024-01-01 10:00:ss UTC
            let bytes = format!(
                "Message-ID: <new.{login}.{seed}.{i}@exosh.test>\r\nFrom: New <new@example.com>\r\nSubject: new {i}\r\n\r\nnew message {i} for {login}\r\n{}\r\n",
                "x".repeat(100 * i)
            )
            .into_bytes();
            let mut fl: Vec<String> = if i % 2 == 0 { vec!["\\Seen".into()] } else { vec![] };
            if i % 5 == 0 {
                fl.push("$Label1".into());
            }
            fl.sort();
            let idate = format!("\"01-Jan-2024 10:00:{:02} +0000\"", i % 60);
            s.append("INBOX", Some(&flag_list(&fl)), Some(&idate), &bytes).await.expect("append");
            done.appended += 1;
            done.appended_bytes += bytes.len() as u64;
            msgs.push(SourceMsg { folder: "INBOX".into(), bytes, flags: fl, internal_date: date });
        }
        // pick distinct existing (pre-mutation) messages
        let existing = msgs.len() - new;
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < (flags + delete).min(existing) {
            let i = rng.below(existing);
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        let (to_flag, to_delete) = picked.split_at(flags.min(picked.len()));
        let mut by_folder: HashMap<String, Vec<(usize, bool)>> = HashMap::new();
        for &i in to_flag {
            by_folder.entry(msgs[i].folder.clone()).or_default().push((i, false));
        }
        for &i in to_delete {
            by_folder.entry(msgs[i].folder.clone()).or_default().push((i, true));
        }
        let mut folders: Vec<String> = by_folder.keys().cloned().collect();
        folders.sort();
        for folder in folders {
            let uids = uids_by_message_id(&mut s, &folder).await;
            let mut expunge = Vec::new();
            for &(i, delete) in &by_folder[&folder] {
                let uid = *uids.get(&message_id(&msgs[i].bytes)).expect("message at the source");
                if delete {
                    expunge.push(uid);
                    continue;
                }
                let mut f: Vec<String> = msgs[i].flags.clone();
                if let Some(p) = f.iter().position(|x| x == "\\Seen") {
                    f.remove(p);
                } else {
                    f.push("\\Seen".into());
                }
                for add in ["\\Flagged", "$Label1"] {
                    if !f.iter().any(|x| x == add) {
                        f.push(add.into());
                    }
                }
                if done.flag_changes % 3 == 0 {
                    f.retain(|x| x != "\\Answered" && x != "$Forwarded");
                }
                f.sort();
                let mut st =
                    s.uid_store(uid.to_string(), format!("FLAGS.SILENT {}", flag_list(&f))).await.expect("store");
                while st.next().await.is_some() {}
                drop(st);
                msgs[i].flags = f;
                done.flag_changes += 1;
            }
            if !expunge.is_empty() {
                let set = expunge.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
                let mut st = s.uid_store(&set, "+FLAGS.SILENT (\\Deleted)").await.expect("store deleted");
                while st.next().await.is_some() {}
                drop(st);
                let st = s.uid_expunge(&set).await.expect("uid expunge");
                let gone: Vec<_> = st.collect().await;
                assert_eq!(gone.len(), expunge.len(), "expunged");
                done.deleted += expunge.len();
            }
        }
        let _ = s.logout().await;
        done
    }
}

/// The UIDVALIDITY of a folder as the server reports it.
fn uid_validity(port: u16, login: &str, folder: &str) -> u32 {
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let mut s = connect(port, login).await;
        let mb = s.examine(imap_name(folder)).await.expect("examine");
        let _ = s.logout().await;
        mb.uid_validity.expect("UIDVALIDITY")
    })
}

/// Initial sync of `users` (n messages each), then mutate (20 new, 50 flag changes, 10
/// deletions) and one incremental pass; returns what the checks need.
fn initial_then_mutated_pass(condstore: bool) {
    let users = ["user001", "user002", "user003"];
    let mut src = Dovecot::new(&users);
    let mut models: Vec<Vec<SourceMsg>> =
        users.iter().enumerate().map(|(k, u)| common::generate(&src, u, 300, 60 + k as u64, &[])).collect();
    src.start();
    let dests = tempfile::tempdir().expect("tmp");
    let mut config = EngineConfig::default();
    config.tuning.condstore = condstore;
    config.tuning.flag_chunk = 64; // several chunks per folder
    let engine = Engine::new(config).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let jobs = |sink: &MemorySink| -> Vec<JobSpec> {
        users
            .iter()
            .map(|u| job(u, src.port, u, &dests.path().join(u), sink.user(u).map(|p| p.previous()).unwrap_or_default()))
            .collect()
    };
    let p = run(&engine, "initial", jobs(&sink), sink.clone());
    for (k, u) in users.iter().enumerate() {
        assert_eq!(user(&p, u).state, UserState::Synced, "{:?}", user(&p, u).error);
        assert_eq!(user(&p, u).synced_items, 300);
        let problems = compare(&models[k], &dests.path().join(u), |_| true);
        assert!(problems.is_empty(), "initial {u}: {problems:#?}");
    }
    // a pass with no change copies and renames nothing
    let p = run(&engine, "quiet", jobs(&sink), sink.clone());
    for u in users {
        let up = user(&p, u);
        assert_eq!((up.state, up.synced_items, up.flags_updated, up.bytes_transferred), (UserState::Synced, 0, 0, 0));
        // the pass's own figures still name every folder's state (unchanged ones included)
        assert_eq!(up.previous(), sink.user(u).expect("user").previous());
    }
    let mut done = Vec::new();
    for (k, u) in users.iter().enumerate() {
        let m = mutate(src.port, u, &mut models[k], 20, 50, 10, 7 + k as u64);
        assert_eq!((m.appended, m.flag_changes, m.deleted), (20, 50, 10));
        done.push(m);
    }
    let p = run(&engine, "incremental", jobs(&sink), sink.clone());
    for (k, u) in users.iter().enumerate() {
        let up = user(&p, u);
        assert_eq!(up.state, UserState::Synced, "{:?}", up.error);
        // nothing downloaded again: exactly the 20 new messages and their bytes
        assert_eq!(up.synced_items, 20, "{u}");
        assert_eq!(up.bytes_transferred, done[k].appended_bytes, "{u}");
        assert_eq!(up.flags_updated, 50, "{u}: every changed message renamed once");
        assert_eq!(up.rematched, 0);
        // the deleted messages stay in the destination with the flags they had
        let problems = compare(&models[k], &dests.path().join(u), |_| true);
        assert!(problems.is_empty(), "incremental {u}: {problems:#?}");
        assert_eq!(common::read_maildir(&dests.path().join(u)).len(), 320, "{u}: 300 + 20 new, 10 deleted kept");
        assert_eq!(sink.mapped_count(u), 320);
    }
    // HIGHESTMODSEQ is kept when CONDSTORE is used (the next pass asks CHANGEDSINCE)
    for u in users {
        let states = sink.user(u).expect("user").previous();
        assert!(!states.is_empty());
        assert!(states.iter().all(|s| s.highest_modseq.is_some() == condstore), "{states:?}");
    }
    // and the next pass has nothing left to do
    let p = run(&engine, "after", jobs(&sink), sink.clone());
    for u in users {
        let up = user(&p, u);
        assert_eq!((up.synced_items, up.flags_updated, up.bytes_transferred), (0, 0, 0), "{u}");
    }
}

#[test]
fn condstore_pass_carries_new_mail_and_flag_changes_and_keeps_deleted_mail() {
    initial_then_mutated_pass(true);
}

#[test]
fn flag_scan_without_condstore_gives_the_same_result() {
    initial_then_mutated_pass(false);
}

/// Remove what makes Dovecot remember a folder's UIDs (its uidlist and indexes): on the
/// next start it assigns a new UIDVALIDITY and new UIDs to the same messages.
fn reset_uid_validity(src: &mut Dovecot, user: &str, folder_dir: &str) {
    src.stop();
    let root = src.maildir(user);
    let dir = if folder_dir.is_empty() { root.clone() } else { root.join(folder_dir) };
    for e in std::fs::read_dir(&dir).expect("folder").flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n == "dovecot-uidlist" || n.starts_with("dovecot.index") {
            std::fs::remove_file(e.path()).expect("remove index");
        }
    }
    for e in std::fs::read_dir(&root).expect("root").flatten() {
        if e.file_name().to_string_lossy().starts_with("dovecot.list.index") {
            std::fs::remove_file(e.path()).expect("remove list index");
        }
    }
    src.start();
}

/// Put a message straight into a source folder's `cur/` (before Dovecot starts).
fn deliver(src: &Dovecot, user: &str, folder: &str, name: &str, bytes: &[u8], date: i64, flags: &str) -> SourceMsg {
    let root = src.maildir(user);
    let dir = if folder == "INBOX" { root } else { root.join(format!(".{}", imap_name(folder))) };
    let path = dir.join("cur").join(format!("{date}.{name}.gen,S={}:2,{flags}", bytes.len()));
    std::fs::write(&path, bytes).expect("deliver");
    let t = filetime::FileTime::from_unix_time(date, 0);
    filetime::set_file_times(&path, t, t).expect("mtime");
    let mut fl: Vec<String> = flags
        .chars()
        .map(|c| match c {
            'S' => "\\Seen".to_string(),
            'F' => "\\Flagged".to_string(),
            other => panic!("flag letter {other}"),
        })
        .collect();
    fl.sort();
    SourceMsg { folder: folder.into(), bytes: bytes.to_vec(), flags: fl, internal_date: date }
}

#[test]
fn uidvalidity_reset_rematches_by_content_without_copying_again() {
    let mut src = Dovecot::new(&["user001"]);
    let mut msgs = common::generate(&src, "user001", 250, 77, &[]);
    // hard cases for matching: two messages with the same Message-ID, size and date that
    // differ in a header; two without a Message-ID and of the same size
    let date = 1_650_000_000;
    msgs.push(deliver(
        &src,
        "user001",
        "INBOX",
        "dupA",
        b"Message-ID: <same@x>\r\nSubject: AAAA\r\n\r\nbody\r\n",
        date,
        "S",
    ));
    msgs.push(deliver(
        &src,
        "user001",
        "INBOX",
        "dupB",
        b"Message-ID: <same@x>\r\nSubject: BBBB\r\n\r\nbody\r\n",
        date,
        "",
    ));
    msgs.push(deliver(&src, "user001", "INBOX", "noid1", b"Subject: no id one\r\n\r\nbody\r\n", date, "F"));
    msgs.push(deliver(&src, "user001", "INBOX", "noid2", b"Subject: no id two\r\n\r\nbody\r\n", date, ""));
    src.start();
    let dest = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let p = run(&engine, "first", vec![job("u", src.port, "user001", dest.path(), vec![])], sink.clone());
    assert_eq!(user(&p, "u").synced_items, 254);
    assert!(compare(&msgs, dest.path(), |_| true).is_empty());
    let inbox_count = msgs.iter().filter(|m| m.folder == "INBOX").count();

    // flags change and mail arrives, then INBOX loses its UIDs
    let m = mutate(src.port, "user001", &mut msgs, 5, 30, 0, 11);
    let before = uid_validity(src.port, "user001", "INBOX");
    reset_uid_validity(&mut src, "user001", "");
    let after = uid_validity(src.port, "user001", "INBOX");
    assert_ne!(before, after, "Dovecot assigned a new UIDVALIDITY");

    let previous = sink.user("u").expect("u").previous();
    let p = run(&engine, "second", vec![job("u", src.port, "user001", dest.path(), previous)], sink.clone());
    let up = user(&p, "u");
    assert_eq!(up.state, UserState::Synced, "{:?}", up.error);
    assert_eq!(up.rematched as usize, inbox_count, "every INBOX message found again by content");
    assert_eq!(up.synced_items, 5, "only the new messages copied");
    assert_eq!(up.bytes_transferred, m.appended_bytes);
    let problems = compare(&msgs, dest.path(), |_| true);
    assert!(problems.is_empty(), "after the reset: {problems:#?}");
    assert_eq!(sink.mapped_count("u"), 259);

    // the pass after that is quiet, under the new UIDVALIDITY
    let previous = sink.user("u").expect("u").previous();
    assert!(previous.iter().any(|s| s.source_name == "INBOX" && s.uid_validity == after));
    let p = run(&engine, "third", vec![job("u", src.port, "user001", dest.path(), previous)], sink.clone());
    let up = user(&p, "u");
    assert_eq!((up.synced_items, up.rematched, up.flags_updated), (0, 0, 0));
}

#[test]
fn new_and_renamed_folders_are_followed_not_copied_again() {
    let mut src = Dovecot::new(&["user001"]);
    let mut msgs = common::generate(&src, "user001", 200, 91, &[]);
    src.start();
    let dest = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let sink = Arc::new(MemorySink::new());
    run(&engine, "first", vec![job("u", src.port, "user001", dest.path(), vec![])], sink.clone());
    assert!(compare(&msgs, dest.path(), |_| true).is_empty());
    let renamed = msgs.iter().filter(|m| m.folder == "Receipts & Bills").count();
    assert!(renamed > 0);

    // RENAME keeps the folder's UIDVALIDITY; a new folder gets three messages
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let added = rt.block_on(async {
        let mut s = connect(src.port, "user001").await;
        s.rename(imap_name("Receipts & Bills"), "Bills 2024").await.expect("rename");
        s.create("Projects").await.expect("create");
        // a new folder takes the old name: it must not be mistaken for the renamed one
        s.create(imap_name("Receipts & Bills")).await.expect("create under the old name");
        let mut added = Vec::new();
        let bytes = b"Message-ID: <r@exosh.test>\r\nSubject: receipt\r\n\r\nnew receipt\r\n".to_vec();
        s.append(imap_name("Receipts & Bills"), Some("()"), Some("\"03-Feb-2024 08:00:00 +0000\""), &bytes)
            .await
            .expect("append");
        added.push(SourceMsg { folder: "Receipts & Bills".into(), bytes, flags: vec![], internal_date: 1_706_947_200 });
        for i in 0..3 {
            let bytes =
                format!("Message-ID: <p{i}@exosh.test>\r\nSubject: project {i}\r\n\r\nplan {i}\r\n").into_bytes();
            s.append("Projects", Some("(\\Seen)"), Some("\"02-Feb-2024 08:00:00 +0000\""), &bytes)
                .await
                .expect("append");
            added.push(SourceMsg {
                folder: "Projects".into(),
                bytes,
                flags: vec!["\\Seen".into()],
                internal_date: 1_706_860_800,
            });
        }
        let _ = s.logout().await;
        added
    });
    for m in msgs.iter_mut().filter(|m| m.folder == "Receipts & Bills") {
        m.folder = "Bills 2024".into();
    }
    msgs.extend(added);

    let previous = sink.user("u").expect("u").previous();
    let p = run(&engine, "second", vec![job("u", src.port, "user001", dest.path(), previous)], sink.clone());
    let up = user(&p, "u");
    assert_eq!(up.state, UserState::Synced, "{:?}", up.error);
    assert_eq!(up.synced_items, 4, "the new folders' messages only; the renamed folder is moved, not copied");
    assert_eq!(std::fs::read_dir(dest.path().join(".Receipts &- Bills/cur")).expect("cur").count(), 1);
    assert!(dest.path().join(".Bills 2024/cur").is_dir());
    let problems = compare(&msgs, dest.path(), |_| true);
    assert!(problems.is_empty(), "{problems:#?}");
    let states = sink.user("u").expect("u").previous();
    assert!(states.iter().any(|s| s.source_name == "Bills 2024" && s.maildir == ".Bills 2024"));
    assert!(states.iter().any(|s| s.source_name == "Receipts &- Bills" && s.highest_uid == 1), "a new folder");
    assert_eq!(sink.mapped_count("u"), 204);
}

mod tenant_path {
    //! The same through the tenant: the bridge's sink and its SQLite UID map
    //! (`engine-sync.db`), and a second process (a new bridge on the same home) for the
    //! pass after a UIDVALIDITY reset.
    use super::*;
    use exosh::engine::bridge;
    use exosh::tenant::*;

    const WAIT: Duration = Duration::from_secs(120);

    fn batch(t: &Tenant) -> MigrationBatch {
        t.store
            .get_batches(&BatchFilter { identity: Some("B1".into()), ..Default::default() })
            .expect("get batch")
            .pop()
            .expect("batch exists")
    }

    fn wait_synced(t: &Tenant) -> MigrationBatch {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let b = batch(t);
            if matches!(b.status, MigrationBatchStatus::Synced | MigrationBatchStatus::SyncedWithErrors) {
                return b;
            }
            assert!(std::time::Instant::now() < deadline, "batch stuck in {:?}", b.status);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stats(t: &Tenant) -> MigrationUserStatistics {
        t.store.user_statistics("ann@contoso.com", &UserStatisticsOptions::default()).expect("stats")
    }

    #[test]
    fn flags_new_mail_and_a_uidvalidity_reset_through_the_tenant_and_a_second_process() {
        let mut src = Dovecot::new(&["ann"]);
        let mut msgs = common::generate(&src, "ann", 240, 5, &[]);
        src.start();
        let home = tempfile::tempdir().expect("home");
        let t = common::tenant(home.path(), src.port, &["ann"], "IMAPEndpoint", 2, None);
        let dir = t.store.maildir_path("ann@contoso.com").expect("maildir");
        let first_bytes: u64 = msgs.iter().map(|m| m.bytes.len() as u64).sum();
        let mut expected_bytes = first_bytes;
        {
            let (t, b) = bridge::attach_bridge(t.clone(), home.path()).expect("attach");
            let p = NewBatch {
                name: "B1".into(),
                source_endpoint: Some("IMAPEndpoint".into()),
                auto_start: true,
                ..Default::default()
            };
            let created =
                t.new_batch(&p, b"EmailAddress,UserName,Password\nann@contoso.com,ann,secret\n").expect("batch");
            wait_synced(&t);
            assert!(b.wait_idle(created.guid, WAIT));
            assert_eq!(stats(&t).user.synced_item_count, 240);

            let m = mutate(src.port, "ann", &mut msgs, 20, 50, 10, 3);
            t.sync_batch_now(&batch(&t));
            assert!(b.wait_idle(created.guid, WAIT));
            wait_synced(&t);
            let s = stats(&t);
            assert_eq!(s.user.synced_item_count, 260, "the 20 new messages only");
            expected_bytes += m.appended_bytes;
            assert_eq!(s.bytes_transferred, Some(expected_bytes), "nothing downloaded twice");
            let problems = compare(&msgs, &dir, |_| true);
            assert!(problems.is_empty(), "after mutate: {problems:#?}");
            assert_eq!(b.sync_db().mapped_count(s.user.guid).expect("rows"), 260);
        }
        // INBOX renumbered; more mail and flag changes; a new process carries on
        let m = mutate(src.port, "ann", &mut msgs, 4, 25, 0, 4);
        let before = uid_validity(src.port, "ann", "INBOX");
        reset_uid_validity(&mut src, "ann", "");
        assert_ne!(before, uid_validity(src.port, "ann", "INBOX"));
        let (t, b) = bridge::attach_bridge(t, home.path()).expect("attach again");
        let guid = batch(&t).guid;
        t.sync_batch_now(&batch(&t));
        assert!(b.wait_idle(guid, WAIT));
        wait_synced(&t);
        let s = stats(&t);
        assert_eq!(s.user.synced_item_count, 264, "INBOX re-matched, only the 4 new messages copied");
        assert_eq!(s.bytes_transferred, Some(expected_bytes + m.appended_bytes), "re-matched, not downloaded");
        let problems = compare(&msgs, &dir, |_| true);
        assert!(problems.is_empty(), "after the reset: {problems:#?}");
        assert_eq!(b.sync_db().mapped_count(s.user.guid).expect("rows"), 264);
    }
}

/// A sink that dies (refuses the commit) right after the first flag renames reach it, as
/// a process killed between renaming files and committing their rows would.
struct DiesAfterRenames(Arc<MemorySink>);

impl ProgressSink for DiesAfterRenames {
    fn record(&self, event: &Event) -> Result<(), String> {
        if let Event::Committed { commit, .. } = event
            && !commit.flags_updated.is_empty()
        {
            return Err("killed".into());
        }
        self.0.record(event)
    }

    fn mapped(&self, query: &MapQuery<'_>) -> Result<Vec<MappedMessage>, String> {
        self.0.mapped(query)
    }
}

#[test]
fn files_renamed_before_a_crash_are_found_by_base_name_on_the_next_pass() {
    let mut src = Dovecot::new(&["user001"]);
    let mut msgs = common::generate(&src, "user001", 200, 13, &[]);
    src.start();
    let dest = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let sink = Arc::new(MemorySink::new());
    run(&engine, "first", vec![job("u", src.port, "user001", dest.path(), vec![])], sink.clone());
    mutate(src.port, "user001", &mut msgs, 0, 40, 0, 5);
    // the pass renames files, then "dies" before their rows are committed
    let previous = sink.user("u").expect("u").previous();
    let dying = Arc::new(DiesAfterRenames(sink.clone()));
    let p = run(&engine, "dies", vec![job("u", src.port, "user001", dest.path(), previous)], dying);
    assert_eq!(user(&p, "u").state, UserState::Failed);
    assert_eq!(common::read_maildir(dest.path()).len(), 200, "renames never lose or add a file");
    let inbox = |sink: &MemorySink| -> (Vec<String>, Vec<String>) {
        let mut on_disk: Vec<String> = common::read_maildir(dest.path())
            .iter()
            .filter(|m| m.dir.is_empty())
            .filter_map(|m| m.file.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        let q = MapQuery { job_id: "u", source_name: "INBOX", uid_validity: Err(0), uids: (1, u32::MAX) };
        let mut rows: Vec<String> = sink.mapped(&q).expect("rows").into_iter().map(|m| m.file_name).collect();
        on_disk.sort();
        rows.sort();
        (rows, on_disk)
    };
    let (rows, on_disk) = inbox(&sink);
    assert_ne!(rows, on_disk, "some INBOX rows are stale");
    // the rows still name the old files; the next pass finds them by base name
    let previous = sink.user("u").expect("u").previous();
    let p = run(&engine, "again", vec![job("u", src.port, "user001", dest.path(), previous)], sink.clone());
    let up = user(&p, "u");
    assert_eq!(up.state, UserState::Synced, "{:?}", up.error);
    assert_eq!(up.synced_items, 0);
    assert_eq!(up.flags_updated, 40, "every stale row brought up to date");
    let problems = compare(&msgs, dest.path(), |_| true);
    assert!(problems.is_empty(), "{problems:#?}");
    // and the rows now name the files on disk
    let (rows, on_disk) = inbox(&sink);
    assert_eq!(rows, on_disk);
}
