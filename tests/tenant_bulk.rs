//! 50,000-row batches: one transaction, fast, streamed back; and a process
//! killed with SIGKILL in the middle of creating one leaves all or nothing.
//!
//! Setup writes the 50,000 target mailboxes straight into the database (one
//! transaction): creating 50,000 Maildir trees would measure the file system,
//! not the batch.

use exosh::tenant::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

const N: usize = 50_000;
const CHILD_ENV: &str = "EXOSH_TENANT_SIGKILL_CHILD_HOME";

fn setup(home: &Path, n: usize) {
    let s = SqliteStore::open(home).unwrap();
    s.new_accepted_domain(&NewAcceptedDomain {
        name: "contoso.com".into(),
        domain_name: "contoso.com".into(),
        domain_type: None,
    })
    .unwrap();
    s.new_endpoint(&NewImapEndpoint {
        name: "IMAPEndpoint".into(),
        remote_server: "imap.contoso.com".into(),
        port: None,
        security: None,
        authentication: None,
        accept_untrusted_certificates: false,
        max_concurrent_migrations: None,
        max_concurrent_incremental_syncs: None,
    })
    .unwrap();
    drop(s);
    let mut c = rusqlite::Connection::open(home.join("exosh.db")).unwrap();
    let tx = c.transaction().unwrap();
    let did: i64 = tx.query_row("SELECT id FROM accepted_domain", [], |r| r.get(0)).unwrap();
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO mailbox(guid, exchange_guid, name, alias, display_name, primary_smtp, upn, recipient_type, domain_id, created, changed) VALUES (?1, ?2, ?3, ?3, ?3, ?4, ?4, 1, ?5, 0, 0)",
            )
            .unwrap();
        for i in 0..n {
            let a = format!("user{i:05}@contoso.com");
            ins.execute(rusqlite::params![
                uuid::Uuid::new_v4().to_string(),
                uuid::Uuid::new_v4().to_string(),
                format!("user{i:05}"),
                a,
                did
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// CPU time of the calling thread (load on the machine doesn't change it).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn csv(n: usize) -> Vec<u8> {
    let mut s = String::from("EmailAddress,UserName,Password\n");
    for i in 0..n {
        s.push_str(&format!("user{i:05}@contoso.com,user{i:05},Pass-{i}\n"));
    }
    s.into_bytes()
}

fn params(name: &str) -> NewBatch {
    NewBatch { name: name.into(), source_endpoint: Some("IMAPEndpoint".into()), ..Default::default() }
}

#[test]
fn fifty_thousand_row_batch_is_one_fast_transaction_and_streams() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    setup(&home, N);
    let s = SqliteStore::open(&home).unwrap();
    let data = csv(N);
    assert!(data.len() < 10 * 1024 * 1024);

    // One bad row at the very end: nothing of the 49,999 good rows stays.
    let mut bad = data.clone();
    bad.extend_from_slice(b"");
    let mut bad_text = String::from_utf8(bad).unwrap();
    bad_text = bad_text.replace("user49999@contoso.com,user49999", "ghost@contoso.com,ghost");
    let e = s.new_batch(&params("Big"), bad_text.as_bytes(), EngineState::Detached).unwrap_err();
    assert_eq!(e.row, Some(N + 1));
    assert!(
        e.message.starts_with(&format!("Row {}: A recipient wasn't found for ghost@contoso.com", N + 1)),
        "{}",
        e.message
    );
    assert!(s.get_batches(&BatchFilter::default()).unwrap().is_empty());
    assert_eq!(UserCursor::new(&s, UserFilter::default(), None).count(), 0);

    let t = Instant::now();
    let parsed = exosh::tenant::csvdata::parse(&data, false).unwrap();
    eprintln!("parsing the {N}-row CSV alone: {:?}", t.elapsed());
    assert_eq!(parsed.len(), N);
    let t = Instant::now();
    let cpu = thread_cpu();
    let b = s.new_batch(&params("Big"), &data, EngineState::Detached).unwrap();
    let create = t.elapsed();
    let cpu = thread_cpu() - cpu;
    assert_eq!(b.counts.total as usize, N);
    eprintln!("new_batch with {N} CSV rows: {create:?} wall, {cpu:?} CPU");
    // The target (< 2 s in release) is measured here and reported in the notes,
    // never asserted: timing depends on the machine's load.

    // Get-MigrationUser streams: the first row comes at once.
    drop(s);
    let s = SqliteStore::open(&home).unwrap();
    let t = Instant::now();
    let mut cur = UserCursor::new(&s, UserFilter::default(), None);
    let first = cur.next().unwrap().unwrap();
    let first_row = t.elapsed();
    eprintln!("first Get-MigrationUser row over {N} users: {first_row:?}");
    assert_eq!(first.email_address, "user00000@contoso.com");
    let t = Instant::now();
    let rest = cur.count();
    eprintln!("all {N} users: {:?}", t.elapsed() + first_row);
    assert_eq!(rest + 1, N);
    // Filtered and limited cursors.
    let f = UserFilter { batch: Some("Big".into()), status: Some(MigrationUserStatus::Stopped), ..Default::default() };
    assert_eq!(UserCursor::new(&s, f, Some(1000)).count(), 1000);
    let t = Instant::now();
    let started = s.start_batch("Big", EngineState::Detached).unwrap();
    eprintln!("start_batch over {N} users: {:?}", t.elapsed());
    assert_eq!(started.counts.pending as usize, N);
    let t = Instant::now();
    s.remove_batch("Big", EngineState::Detached).unwrap_err();
    s.stop_batch("Big", EngineState::Detached).unwrap();
    s.remove_batch("Big", EngineState::Detached).unwrap();
    eprintln!("stop + remove over {N} users: {:?}", t.elapsed());
    assert_eq!(UserCursor::new(&s, UserFilter::default(), None).count(), 0);
}

/// The child process of the SIGKILL test: creates the batch and says when
/// it starts and ends. Does nothing unless started by the parent.
#[test]
fn sigkill_child_creates_a_batch() {
    let Some(home) = std::env::var_os(CHILD_ENV) else { return };
    let s = SqliteStore::open(Path::new(&home)).unwrap();
    let data = csv(N);
    println!("READY");
    let t = Instant::now();
    s.new_batch(&params("Killed"), &data, EngineState::Detached).unwrap();
    println!("DONE {}", t.elapsed().as_millis());
}

fn run_child(home: &Path, kill_after: Option<Duration>) -> Option<u128> {
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(exe)
        .args(["sigkill_child_creates_a_batch", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, home)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let l = lines.next().expect("child ended before READY").unwrap();
        if l.contains("READY") {
            break;
        }
    }
    match kill_after {
        Some(d) => {
            std::thread::sleep(d);
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            None
        }
        None => {
            let done = lines
                .map_while(Result::ok)
                .find_map(|l| l.split_once("DONE ").map(|(_, ms)| ms.trim().parse::<u128>().unwrap()));
            child.wait().unwrap();
            done
        }
    }
}

/// All or nothing after a kill: 0 batches and 0 users, or the whole batch.
fn outcome(home: &Path) -> &'static str {
    let s = SqliteStore::open(home).unwrap();
    let batches = s.get_batches(&BatchFilter::default()).unwrap();
    let users = UserCursor::new(&s, UserFilter::default(), None).count();
    let integrity: String = rusqlite::Connection::open(home.join("exosh.db"))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    match batches.len() {
        0 => {
            assert_eq!(users, 0, "users without a batch");
            "nothing"
        }
        1 => {
            assert_eq!(users, N, "a partial batch survived");
            assert_eq!(batches[0].counts.total as usize, N);
            s.remove_batch("Killed", EngineState::Detached).unwrap();
            "all"
        }
        n => panic!("{n} batches"),
    }
}

#[cfg(unix)]
#[test]
fn sigkill_during_new_batch_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    setup(&home, N);
    // A full run first, to learn how long the creation takes here.
    let full = run_child(&home, None).expect("the child finished");
    assert_eq!(outcome(&home), "all");
    let mut seen = Vec::new();
    for frac in [0.1, 0.5, 0.9, 1.5] {
        let after = Duration::from_millis(((full as f64) * frac) as u64);
        run_child(&home, Some(after));
        let o = outcome(&home);
        eprintln!("killed after {after:?} of {full} ms: {o}");
        seen.push(o);
    }
    // At least one kill landed before the commit (the early ones, unless
    // the machine was far slower during the measuring run).
    assert!(seen.contains(&"nothing"), "{seen:?}");
}
