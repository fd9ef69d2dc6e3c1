//! The Courier UserRoot login against a real Courier IMAP server: the admin account holds
//! every user's folders under `INBOX.users.<name>`, the CSV names the admin and gives
//! `UserRoot /users/terry`, and only terry's tree is copied (his root as Inbox, his Sent as
//! Sent Items), byte for byte with its flags and dates.
//!
//! Debian's courier-imap conflicts with dovecot-imapd (both provide imap-server), so
//! tests/run-all installs only courier-base, courier-authdaemon and courier-authlib-userdb,
//! and this test unpacks courier-imap's .deb (`apt-get download`, `dpkg-deb -x`) into
//! `target/courier-imap`. Courier reads its configuration from /etc/courier and its
//! authdaemon socket from /run/courier/authdaemon: the test runs authdaemond and
//! couriertcpd in private mount and PID namespaces (`unshare --mount`, root) with both paths
//! bind-mounted from a temporary directory, so nothing outside the test changes.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{SourceMsg, compare};
use exosh::engine::*;

/// courier-imap's binaries, unpacked once into target/courier-imap.
fn courier_imap() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/courier-imap");
    let imapd = dir.join("usr/bin/imapd");
    if imapd.exists() {
        return dir;
    }
    let dl = tempfile::tempdir().expect("tmp");
    let ok = Command::new("apt-get").arg("download").arg("courier-imap").current_dir(dl.path()).status();
    assert!(ok.is_ok_and(|s| s.success()), "apt-get download courier-imap failed (tests/run-all installs apt)");
    let deb = std::fs::read_dir(dl.path())
        .expect("ls")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .expect("courier-imap .deb");
    let unpack = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&unpack);
    let ok = Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpack).status();
    assert!(ok.is_ok_and(|s| s.success()), "dpkg-deb -x failed");
    // another test process may have won the race: either copy is complete
    let _ = std::fs::rename(&unpack, &dir);
    assert!(imapd.exists(), "no imapd in the courier-imap package");
    dir
}

/// A Courier imapd on a loopback port, stopped (its whole process group) on drop.
struct Courier {
    port: u16,
    child: Child,
    _dir: tempfile::TempDir,
    maildir: PathBuf,
}

impl Courier {
    /// The account `mailadmin` / `secret`, its Maildir filled by `fill` before the start.
    fn start(fill: impl FnOnce(&Path) -> Vec<SourceMsg>) -> (Courier, Vec<SourceMsg>) {
        for tool in ["couriertcpd", "makeuserdb", "unshare", "openssl"] {
            assert!(
                Command::new("sh")
                    .arg("-c")
                    .arg(format!("command -v {tool} >/dev/null"))
                    .status()
                    .is_ok_and(|s| s.success()),
                "{tool} missing: run tests/run-all (it installs courier-base, courier-authdaemon, courier-authlib-userdb)"
            );
        }
        let bin = courier_imap();
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
        let maildir = d.join("home/Maildir");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("mkdir");
        }
        std::fs::create_dir_all(d.join("etc")).expect("mkdir");
        std::fs::create_dir_all(d.join("run")).expect("mkdir");
        let msgs = fill(&maildir);
        std::fs::write(
            d.join("etc/authdaemonrc"),
            "authmodulelist=\"authuserdb\"\nauthmodulelistorig=\"authuserdb\"\ndaemons=1\n\
             authdaemonvar=/run/courier/authdaemon\nDEBUG_LOGIN=0\nDEFAULTOPTIONS=\"\"\nLOGGEROPTS=\"\"\n",
        )
        .expect("authdaemonrc");
        let port = common::free_port();
        let script = format!(
            r#"set -e
D={d}
PW=$(openssl passwd -1 secret)
printf 'mailadmin\tuid=8|gid=8|home=%s|mail=%s|systempw=%s\n' "$D/home" "$D/home/Maildir" "$PW" > "$D/etc/userdb"
chmod 600 "$D/etc/userdb"
chown -R 8:8 "$D/home"
mount --bind "$D/etc" /etc/courier
mkdir -p /run/courier/authdaemon
mount --bind "$D/run" /run/courier/authdaemon
makeuserdb
/usr/lib/courier/courier-authlib/authdaemond &
export IMAP_CAPABILITY='IMAP4rev1 UIDPLUS CHILDREN NAMESPACE IDLE' IMAP_KEYWORDS=1
exec couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup {port} {bin}/usr/lib/courier/courier/imaplogin {bin}/usr/bin/imapd Maildir"#,
            d = d.display(),
            bin = bin.display(),
        );
        let child = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "bash", "-c", &script])
            .process_group(0)
            .spawn()
            .expect("start courier");
        let c = Courier { port, child, _dir: dir, maildir };
        // up when it greets
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                use std::io::Read;
                let mut b = [0u8; 64];
                s.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
                if (&s).read(&mut b).is_ok_and(|n| n > 0 && b.starts_with(b"* OK")) {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "courier did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        (c, msgs)
    }
}

impl Drop for Courier {
    fn drop(&mut self) {
        // Every process of the private mount namespace (unshare execs bash there, which
        // execs couriertcpd; authdaemond and the imapd children live there too and
        // authdaemond does not stay in our process group): kill them all by that namespace.
        let ns = |pid: &str| std::fs::read_link(format!("/proc/{pid}/ns/mnt")).ok();
        if let Some(mine) = ns(&self.child.id().to_string()) {
            for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Ok(pid) = name.parse::<i32>()
                    && ns(&name).as_ref() == Some(&mine)
                {
                    unsafe {
                        libc::kill(pid, libc::SIGKILL);
                    }
                }
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn courier_user_root_copies_only_that_users_tree_from_a_real_courier() {
    let folders = common::USER_ROOT_FOLDERS;
    let (courier, msgs) = Courier::start(|maildir| {
        let msgs = common::generate_at(maildir, "mailadmin", folders, 120, 77, &[]);
        // Courier keeps keywords in courierimapkeywords/, not as filename letters: drop the
        // letters (and the keywords from what the test expects); generated text has no bare CR
        for (f, _) in folders {
            let cur = maildir.join(format!(".{}", f.replace('/', "."))).join("cur");
            let _ = std::fs::remove_file(cur.parent().expect("folder").join("dovecot-keywords"));
            for e in std::fs::read_dir(&cur).expect("cur").flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if let Some((base, info)) = name.split_once(":2,") {
                    let upper: String = info.chars().filter(|c| c.is_ascii_uppercase()).collect();
                    let to = cur.join(format!("{base}:2,{upper}"));
                    // Courier stores lines ending in LF and sends CRLF: what IMAP clients see
                    // (and the test expects) is the CRLF text the generator made
                    let mtime = filetime::FileTime::from_last_modification_time(&e.metadata().expect("stat"));
                    let text = std::fs::read(e.path()).expect("read");
                    let lf: Vec<u8> = text.iter().copied().filter(|b| *b != b'\r').collect();
                    std::fs::remove_file(e.path()).expect("rm");
                    std::fs::write(&to, lf).expect("write");
                    filetime::set_file_mtime(&to, mtime).expect("mtime");
                }
            }
        }
        msgs.into_iter()
            .map(|mut m| {
                m.flags.retain(|f| f.starts_with('\\'));
                m
            })
            .collect()
    });
    assert!(courier.maildir.join(".users.terry/cur").exists());
    let dest = tempfile::tempdir().expect("tmp");
    let job = JobSpec {
        job_id: "terry".into(),
        server: ServerSpec {
            host: "127.0.0.1".into(),
            port: courier.port,
            security: Security::None,
            accept_untrusted_certificates: false,
            authentication: Authentication::Basic,
        },
        credentials: Credentials {
            user_name: "mailadmin".into(),
            password: "secret".into(),
            user_root: Some("/users/terry".into()),
        },
        destination: dest.path().to_path_buf(),
        exclude_folders: vec![],
        limits: Limits::default(),
        previous: vec![],
    };
    let engine = Engine::new(EngineConfig::default()).expect("engine");
    engine
        .start_batch(
            BatchSpec { batch_id: "c".into(), endpoint_id: "c".into(), max_concurrent_migrations: 1, jobs: vec![job] },
            Arc::new(MemorySink::new()),
        )
        .expect("start");
    assert!(engine.wait_batch("c", Duration::from_secs(120)), "batch did not finish");
    let p = engine.batch_progress("c").expect("progress");
    let u = &p.users[0];
    assert_eq!(u.state, UserState::Synced, "{:?}", u.error);
    // terry's root is his Inbox, his Sent is Sent Items; ann's mail is not his
    let mapped = common::terry_view(&msgs);
    assert!(mapped.len() < msgs.len(), "ann has mail that must stay behind");
    assert_eq!(u.synced_items as usize, mapped.len());
    let problems = compare(&mapped, dest.path(), |_| true);
    assert!(problems.is_empty(), "{problems:#?}");
}
