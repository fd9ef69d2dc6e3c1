//! The engine against a real Dovecot: every message copied byte for byte into the right
//! Maildir++ folder with its flags, keywords and INTERNALDATE, in every security mode and
//! admin-login format that Dovecot supports, and read back by a second Dovecot.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{Dovecot, SourceMsg, compare};
use exosh::engine::*;

fn server(port: u16, security: Security, accept: bool, authentication: Authentication) -> ServerSpec {
    ServerSpec { host: "127.0.0.1".into(), port, security, accept_untrusted_certificates: accept, authentication }
}

fn job(id: &str, server: ServerSpec, user: &str, password: &str, dest: &Path) -> JobSpec {
    JobSpec {
        job_id: id.into(),
        server,
        credentials: Credentials { user_name: user.into(), password: password.into(), user_root: None },
        destination: dest.to_path_buf(),
        exclude_folders: vec![],
        limits: Limits::default(),
        previous: vec![],
    }
}

fn run(engine: &Engine, batch: &str, max: usize, jobs: Vec<JobSpec>, sink: Arc<MemorySink>) -> BatchProgress {
    engine
        .start_batch(
            BatchSpec { batch_id: batch.into(), endpoint_id: "ep".into(), max_concurrent_migrations: max, jobs },
            sink,
        )
        .expect("start");
    assert!(engine.wait_batch(batch, Duration::from_secs(180)), "batch did not finish");
    engine.batch_progress(batch).expect("progress")
}

fn user<'a>(p: &'a BatchProgress, id: &str) -> &'a UserProgress {
    p.users.iter().find(|u| u.job_id == id).expect("user in batch")
}

/// Read the destination back through Dovecot: per folder, the multiset of
/// (size, flags, INTERNALDATE) must equal the source's.
fn verify_through_dovecot(port: u16, login: &str, src: &[SourceMsg], copied: impl Fn(&SourceMsg) -> bool) {
    use futures_util::StreamExt;
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let mut client = async_imap::Client::new(tcp);
        client.read_response().await.expect("greeting");
        let mut s = client.login(login, common::PASSWORD).await.map_err(|e| e.0).expect("login");
        let expected_folders: Vec<(&str, &str)> = vec![
            ("INBOX", "INBOX"),
            ("INBOX/Newsletters", "INBOX.Newsletters"),
            ("Sent", "Sent Items"),
            ("Drafts", "Drafts"),
            ("Trash", "Deleted Items"),
            ("Junk", "Junk Email"),
            ("Archive/2023", "Archive.2023"),
            ("Ünïcødé Café", "&ANw-n&AO8-c&APg-d&AOk- Caf&AOk-"),
            ("Receipts & Bills", "Receipts &- Bills"),
            ("Empty Folder", "Empty Folder"),
        ];
        for (src_folder, imap_name) in expected_folders {
            let mut want: Vec<(usize, Vec<String>, i64)> = src
                .iter()
                .filter(|m| m.folder == src_folder && copied(m))
                .map(|m| (m.bytes.len(), m.flags.clone(), m.internal_date))
                .collect();
            want.sort();
            let mb = s.examine(imap_name).await.unwrap_or_else(|e| panic!("EXAMINE {imap_name}: {e}"));
            let mut got = Vec::new();
            if mb.exists > 0 {
                let mut st = s.fetch("1:*", "(FLAGS INTERNALDATE RFC822.SIZE)").await.expect("fetch");
                while let Some(f) = st.next().await {
                    let f = f.expect("fetch item");
                    let mut flags: Vec<String> = f
                        .flags()
                        .filter_map(|fl| match fl {
                            async_imap::types::Flag::Recent => None,
                            async_imap::types::Flag::Custom(c) => Some(c.to_string()),
                            other => Some(format!("{other:?}")),
                        })
                        .map(|f| match f.as_str() {
                            "Seen" | "Answered" | "Flagged" | "Deleted" | "Draft" => format!("\\{f}"),
                            _ => f,
                        })
                        .collect();
                    flags.sort();
                    got.push((f.size.expect("size") as usize, flags, f.internal_date().expect("date").timestamp()));
                }
            }
            got.sort();
            assert_eq!(got, want, "folder {src_folder} as Dovecot serves it");
        }
        let _ = s.logout().await;
    });
}

#[test]
fn plain_copy_is_exact_and_a_second_dovecot_serves_it() {
    let mut src = Dovecot::new(&["user001"]);
    // 400 messages, one of 5 MB (fetched alone) and one of 36,700,161 bytes (over the
    // limit: skipped, never fetched)
    let msgs = common::generate(&src, "user001", 400, 1, &[5_000_000, 36_700_161]);
    src.start();
    let mut dst = Dovecot::new(&["dest001"]);
    let dest = dst.maildir("dest001");
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let p = run(
        &engine,
        "b1",
        10,
        vec![job("u1", server(src.port, Security::None, false, Authentication::Basic), "user001", "secret", &dest)],
        sink.clone(),
    );
    let u = user(&p, "u1");
    assert_eq!(u.state, UserState::Synced, "{:?}", u.error);
    assert_eq!(u.synced_items, 401);
    assert_eq!(u.skipped_items, 1);
    assert_eq!(u.total_items, 402);
    assert_eq!(u.percentage_complete(), 100);
    let big = &u.skipped[0];
    let big_len = msgs.last().map(|m| m.bytes.len() as u64).unwrap_or(0);
    assert!(big_len > MAX_MESSAGE_SIZE);
    assert_eq!((big.reason, big.folder.as_str(), big.size), (SkipReason::TooLarge, "Inbox", big_len));
    assert_eq!(big.subject, "Message 401 of user001");
    assert_eq!(big.sender, "Sender 401 <s401@example.com>");
    let bytes: u64 = msgs.iter().filter(|m| m.bytes.len() < 36_700_160).map(|m| m.bytes.len() as u64).sum();
    assert_eq!(u.bytes_transferred, bytes);
    let problems = compare(&msgs, &dest, |m| m.bytes.len() <= 36_700_160);
    assert!(problems.is_empty(), "{problems:#?}");
    // the sink saw the same figures, and a folder state per folder
    let s = sink.user("u1").expect("sink user");
    assert_eq!((s.synced_items, s.skipped_items, s.state), (401, 1, UserState::Synced));
    assert_eq!(s.folders.len(), 10);
    // Dovecot reads the flags, keywords and INTERNALDATEs we wrote
    dst.start();
    verify_through_dovecot(dst.port, "dest001", &msgs, |m| m.bytes.len() <= 36_700_160);
}

#[test]
fn every_security_mode_and_admin_login_with_failures_beside() {
    let names = ["user001", "user002", "user003", "user004", "user005", "user006"];
    let mut src = Dovecot::new(&names);
    let mut all = Vec::new();
    for (i, n) in names.iter().enumerate() {
        all.push(common::generate(&src, n, 60 + 10 * i, 10 + i as u64, &[]));
    }
    src.start();
    let dests = tempfile::tempdir().expect("tmp");
    let d = |i: usize| dests.path().join(format!("m{i}"));
    let basic = Authentication::Basic;
    let jobs = vec![
        // STARTTLS, user's own password, AUTHENTICATE PLAIN
        job("tls", server(src.port, Security::Tls, true, basic), "user001", "secret", &d(1)),
        // implicit TLS, Dovecot master user via LOGIN "user002*admin"
        job(
            "ssl-master",
            server(src.sport, Security::Ssl, true, Authentication::Ntlm),
            "user002*admin",
            "masterpw",
            &d(2),
        ),
        // plain, Dovecot SASL: AUTHENTICATE PLAIN authzid=user003 authcid=admin
        job("sasl", server(src.port, Security::None, false, basic), "user003*admin", "masterpw", &d(3)),
        // the lab's self-signed certificate (valid for 127.0.0.1) without
        // AcceptUntrustedCertificates: accepted, as Exchange Online does for IMAP
        job("untrusted", server(src.sport, Security::Ssl, false, basic), "user004", "secret", &d(4)),
        // wrong password
        job("badpw", server(src.port, Security::None, false, basic), "user005", "wrong", &d(5)),
        // nothing listens there
        job("closed", server(common::free_port(), Security::None, false, basic), "user006", "secret", &d(6)),
        // the same over STARTTLS (certificate refusals: tests/engine_tls.rs)
        job("tls-untrusted", server(src.port, Security::Tls, false, basic), "user006", "secret", &d(7)),
    ];
    // a refused connection is transient: retried twice, quickly, then the user fails
    let retry = exosh::engine::RetryPolicy { base: Duration::from_millis(10), max_retries: 2, ..Default::default() };
    let engine = Engine::new(EngineConfig { retry, ..EngineConfig::default() }).expect("engine");
    let sink = Arc::new(MemorySink::new());
    let p = run(&engine, "b2", 2, jobs, sink.clone());
    for (id, idx, dir) in
        [("tls", 0, 1), ("ssl-master", 1, 2), ("sasl", 2, 3), ("untrusted", 3, 4), ("tls-untrusted", 5, 7)]
    {
        let u = user(&p, id);
        assert_eq!(u.state, UserState::Synced, "{id}: {:?}", u.error);
        assert_eq!(u.synced_items as usize, all[idx].len(), "{id}");
        let problems = compare(&all[idx], &d(dir), |_| true);
        assert!(problems.is_empty(), "{id}: {problems:#?}");
    }
    let fail = |id: &str| {
        let u = user(&p, id);
        assert_eq!(u.state, UserState::Failed, "{id}");
        assert_eq!(u.synced_items, 0, "{id}");
        u.error.clone().expect("error")
    };
    let e = fail("badpw");
    assert_eq!(e.kind, ErrorKind::Logon);
    assert_eq!(
        e.message,
        "We had trouble signing in to this account. Confirm that you're using the correct user name and password."
    );
    let e = fail("closed");
    assert_eq!(e.kind, ErrorKind::ConnectionFailed);
    assert_eq!(e.message, "The connection to the server '127.0.0.1' could not be completed.");
    assert!(e.detail.contains("We were unable to reach your email provider."), "{}", e.detail);
    // the sink saw Queued, Syncing and the final state of every user, in that order
    let events = sink.events();
    for id in ["tls", "badpw"] {
        let states: Vec<UserState> = events
            .iter()
            .filter_map(|ev| match ev {
                Event::Status { job_id, state, .. } if job_id == id => Some(*state),
                _ => None,
            })
            .collect();
        let last = if id == "tls" { UserState::Synced } else { UserState::Failed };
        assert_eq!(states, vec![UserState::Queued, UserState::Syncing, last], "{id}");
    }
}

#[test]
fn courier_user_root_copies_only_that_users_tree() {
    // The admin account holds every user's folders below users/<name> (virtual shared
    // folders); the CSV names the admin and gives UserRoot /users/terry.
    let mut src = Dovecot::new(&["mailadmin"]);
    let folders = common::USER_ROOT_FOLDERS;
    let msgs = common::generate_in(&src, "mailadmin", folders, 120, 77, &[]);
    src.start();
    let dest = tempfile::tempdir().expect("tmp");
    let mut j = job(
        "terry",
        server(src.port, Security::None, false, Authentication::Basic),
        "mailadmin",
        "secret",
        dest.path(),
    );
    j.credentials.user_root = Some("/users/terry".into());
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    let p = run(&engine, "root", 1, vec![j], Arc::new(MemorySink::new()));
    let u = user(&p, "terry");
    assert_eq!(u.state, UserState::Synced, "{:?}", u.error);
    // terry's root is his Inbox, his Sent is Sent Items; ann's mail is not his
    let mapped = common::terry_view(&msgs);
    assert_eq!(u.synced_items as usize, mapped.len());
    let problems = compare(&mapped, dest.path(), |_| true);
    assert!(problems.is_empty(), "{problems:#?}");
}
