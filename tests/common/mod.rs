//! Test helpers for the engine: a throw-away Dovecot on free loopback ports, a
//! deterministic source-mailbox generator, and a reader for the destination Maildir++.
//! Needs only Dovecot (dovecot-imapd) and openssl installed; nothing under /etc is used.
#![allow(dead_code)]

pub mod proxy;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;

pub const PASSWORD: &str = "secret";
pub const MASTER: &str = "admin";
pub const MASTER_PASSWORD: &str = "masterpw";

/// A free TCP port on 127.0.0.1 (nothing listens there once this returns).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn mail_ids() -> (u32, u32) {
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    if uid == 0 { (8, 8) } else { (uid, unsafe { libc::getgid() }) }
}

fn chown_tree(path: &Path) {
    let (uid, gid) = mail_ids();
    let _ = std::os::unix::fs::chown(path, Some(uid), Some(gid));
    if path.is_dir() {
        for e in fs::read_dir(path).expect("read_dir").flatten() {
            chown_tree(&e.path());
        }
    }
}

/// A Dovecot instance in a temporary directory; stopped on drop.
pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub sport: u16,
    started: bool,
}

impl Dovecot {
    /// Prepare (not start) an instance with users `names` (password `secret`) and the
    /// master user `admin`/`masterpw`.
    pub fn new(names: &[&str]) -> Dovecot {
        let dir = tempfile::Builder::new().prefix("exosh-dovecot-").tempdir().expect("tempdir");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        let d = Dovecot { dir, port: free_port(), sport: free_port(), started: false };
        for sub in ["run", "state", "ssl", "mail", "log"] {
            fs::create_dir_all(d.path().join(sub)).expect("mkdir");
        }
        fs::set_permissions(d.path().join("run"), fs::Permissions::from_mode(0o755)).expect("chmod");
        fs::set_permissions(d.path().join("mail"), fs::Permissions::from_mode(0o755)).expect("chmod");
        let mut users = String::new();
        for n in names {
            users.push_str(&format!("{n}:{{PLAIN}}{PASSWORD}::::::\n"));
        }
        fs::write(d.path().join("users"), users).expect("users");
        fs::write(d.path().join("masters"), format!("{MASTER}:{{PLAIN}}{MASTER_PASSWORD}\n")).expect("masters");
        let ok = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=127.0.0.1"])
            .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            .arg("-keyout")
            .arg(d.path().join("ssl/key.pem"))
            .arg("-out")
            .arg(d.path().join("ssl/cert.pem"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("openssl");
        assert!(ok.success(), "openssl failed");
        d
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The Maildir of a user.
    pub fn maildir(&self, user: &str) -> PathBuf {
        self.path().join("mail").join(user).join("Maildir")
    }

    fn write_conf(&self) {
        let dir = self.path().display().to_string();
        let (uid, gid) = mail_ids();
        // SAFETY: getuid has no preconditions.
        let root = unsafe { libc::getuid() } == 0;
        let users_extra = if root {
            String::new()
        } else {
            let name = std::env::var("USER").unwrap_or_else(|_| "nobody".into());
            format!("default_internal_user = {name}\ndefault_login_user = {name}\ndefault_internal_group = {name}\n")
        };
        let conf = format!(
            r#"instance_name = exosh-test-{port}
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/log/dovecot.log
info_log_path = {dir}/log/dovecot.log
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes
{users_extra}
ssl = yes
ssl_cert = <{dir}/ssl/cert.pem
ssl_key = <{dir}/ssl/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/masters
  master = yes
  result_success = continue
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users
  default_fields = uid={uid} gid={gid} home={dir}/mail/%u
}}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
namespace inbox {{
  inbox = yes
  separator = .
  prefix =
  mailbox Drafts {{
    special_use = \Drafts
  }}
  mailbox Sent {{
    special_use = \Sent
  }}
  mailbox Trash {{
    special_use = \Trash
  }}
  mailbox Junk {{
    special_use = \Junk
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {sport}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service doveadm {{
  inet_listener {{
    port = 0
  }}
}}
"#,
            port = self.port,
            sport = self.sport,
        );
        fs::write(self.path().join("dovecot.conf"), conf).expect("conf");
    }

    /// Start the server and wait until both ports accept connections.
    pub fn start(&mut self) {
        chown_tree(&self.path().join("mail"));
        self.write_conf();
        // The daemon keeps inherited descriptors: give it files, not our pipes.
        let err = fs::File::create(self.path().join("log/start.err")).expect("log");
        let status = Command::new("dovecot")
            .arg("-c")
            .arg(self.path().join("dovecot.conf"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(err)
            .status()
            .expect("dovecot on PATH (apt-get install dovecot-imapd)");
        assert!(
            status.success(),
            "dovecot did not start: {}",
            fs::read_to_string(self.path().join("log/start.err")).unwrap_or_default()
        );
        self.started = true;
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [self.port, self.sport] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "dovecot did not listen on {port}: {}", self.log());
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.path().join("log/dovecot.log")).unwrap_or_default()
    }

    fn master_pid(&self) -> Option<i32> {
        fs::read_to_string(self.path().join("run/master.pid")).ok()?.trim().parse().ok()
    }

    /// Kills (SIGKILL) this instance's `imap` session processes, as a crash of the server
    /// would; returns how many. (Dovecot's own shutdown lets busy sessions finish.)
    pub fn kill_sessions(&self) -> usize {
        let Some(master) = self.master_pid() else { return 0 };
        let mut killed = 0;
        for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
            let stat = fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid ...
            let Some((comm, rest)) = stat.split_once(") ") else { continue };
            let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse::<i32>().ok());
            if ppid == Some(master) && comm.ends_with("(imap") {
                // SAFETY: a child of this instance's master, checked just above.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                killed += 1;
            }
        }
        killed
    }

    pub fn stop(&mut self) {
        if !self.started {
            return;
        }
        self.started = false;
        let Some(pid) = self.master_pid() else { return };
        // SAFETY: signalling the pid this instance wrote; we check it still is dovecot.
        let cmdline = fs::read_to_string(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if !cmdline.contains("dovecot") {
            return;
        }
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if Path::new(&format!("/proc/{pid}")).exists() {
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// modified UTF-7 (independent of the product's implementation).
pub fn mutf7(s: &str) -> String {
    let mut out = String::new();
    let mut run: Vec<u16> = Vec::new();
    let flush = |out: &mut String, run: &mut Vec<u16>| {
        if !run.is_empty() {
            let bytes: Vec<u8> = run.iter().flat_map(|u| u.to_be_bytes()).collect();
            let b = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes).replace('/', ",");
            out.push('&');
            out.push_str(&b);
            out.push('-');
            run.clear();
        }
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut out, &mut run);
            if c == '&' { out.push_str("&-") } else { out.push(c) }
        } else {
            let mut buf = [0u16; 2];
            run.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut out, &mut run);
    out
}

/// A generated source message.
#[derive(Clone, Debug)]
pub struct SourceMsg {
    /// Folder, `/` separated, UTF-8 (`INBOX`, `Archive/2023`).
    pub folder: String,
    pub bytes: Vec<u8>,
    /// System flags (`\Seen` ...) and keywords, sorted.
    pub flags: Vec<String>,
    pub internal_date: i64,
}

/// The folders of the generated mailboxes and their weight.
pub const FOLDERS: &[(&str, u32)] = &[
    ("INBOX", 30),
    ("INBOX/Newsletters", 4),
    ("Sent", 12),
    ("Drafts", 2),
    ("Trash", 3),
    ("Junk", 3),
    ("Archive/2023", 6),
    ("Ünïcødé Café", 4),
    ("Receipts & Bills", 4),
    ("Empty Folder", 0),
];

pub const KEYWORDS: &[&str] = &["$Forwarded", "$Label1"];

/// Where each generated folder must land (Maildir++ dir under the destination root).
pub fn expected_dir(folder: &str) -> String {
    match folder {
        "INBOX" => String::new(),
        "INBOX/Newsletters" => ".INBOX.Newsletters".into(),
        "Sent" => ".Sent Items".into(),
        "Trash" => ".Deleted Items".into(),
        "Junk" => ".Junk Email".into(),
        "Drafts" => ".Drafts".into(),
        other => format!(".{}", other.split('/').map(mutf7).collect::<Vec<_>>().join(".")),
    }
}

fn folder_dir(root: &Path, folder: &str) -> PathBuf {
    if folder == "INBOX" {
        root.to_path_buf()
    } else {
        root.join(format!(".{}", folder.split('/').map(mutf7).collect::<Vec<_>>().join(".")))
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &["the", "migration", "of", "mail", "Exchange", "café", "report", "budget", "and", "to", "IMAP"];

/// Write `n` messages (plus `extra` messages of the given sizes into INBOX) into the
/// user's Maildir, as Dovecot would store them. Call before `start`.
pub fn generate(dovecot: &Dovecot, user: &str, n: usize, seed: u64, extra_sizes: &[usize]) -> Vec<SourceMsg> {
    generate_in(dovecot, user, FOLDERS, n, seed, extra_sizes)
}

/// `generate` with your own folders (`/` separated, weights); extra messages go to the
/// first folder.
pub fn generate_in(
    dovecot: &Dovecot,
    user: &str,
    folders: &[(&str, u32)],
    n: usize,
    seed: u64,
    extra_sizes: &[usize],
) -> Vec<SourceMsg> {
    generate_at(&dovecot.maildir(user), user, folders, n, seed, extra_sizes)
}

/// `generate_in` into any Maildir++ root (`.` separated folders), e.g. another server's.
pub fn generate_at(
    root: &Path,
    user: &str,
    folders: &[(&str, u32)],
    n: usize,
    seed: u64,
    extra_sizes: &[usize],
) -> Vec<SourceMsg> {
    let root = root.to_path_buf();
    for (f, _) in folders {
        let d = folder_dir(&root, f);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(d.join(sub)).expect("mkdir");
        }
        if *f != "INBOX" {
            fs::write(d.join("maildirfolder"), b"").expect("marker");
        }
        fs::write(d.join("dovecot-keywords"), "0 $Forwarded\n1 $Label1\n").expect("keywords");
    }
    let total_weight: u32 = folders.iter().map(|f| f.1).sum();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = Vec::new();
    let count = n + extra_sizes.len();
    for i in 0..count {
        let folder = if i >= n {
            folders[0].0
        } else {
            let mut pick = rng.below(u64::from(total_weight)) as u32;
            let mut chosen = folders[0].0;
            for (f, w) in folders {
                if pick < *w {
                    chosen = f;
                    break;
                }
                pick -= w;
            }
            chosen
        };
        let date = 1_600_000_000 + rng.below(100_000_000) as i64;
        let target = if i >= n { extra_sizes[i - n] } else { 600 + rng.below(6000) as usize };
        let subject =
            if i % 7 == 0 { "=?UTF-8?B?Q2Fmw6kgbWVudQ==?=".to_string() } else { format!("Message {i} of {user}") };
        let mut msg = format!(
            "Return-Path: <s{i}@example.com>\r\nMessage-ID: <{user}.{i}.{seed}@exosh.test>\r\nDate: Tue, 1 Dec 2020 10:00:00 +0000\r\nFrom: Sender {i} <s{i}@example.com>\r\nTo: {user}@contoso.com\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        )
        .into_bytes();
        let mut line = String::new();
        while msg.len() < target {
            line.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            line.push(' ');
            if line.len() > 70 {
                msg.extend_from_slice(line.trim_end().as_bytes());
                msg.extend_from_slice(b"\r\n");
                line.clear();
            }
        }
        msg.extend_from_slice(b"-- \r\nend\r\n");
        let mut flags: Vec<String> = Vec::new();
        let mut letters = String::new();
        for (flag, letter, p) in [
            ("\\Draft", 'D', 5),
            ("\\Flagged", 'F', 15),
            ("\\Answered", 'R', 25),
            ("\\Seen", 'S', 70),
            ("\\Deleted", 'T', 3),
        ] {
            if rng.below(100) < p {
                flags.push(flag.to_string());
                letters.push(letter);
            }
        }
        for (k, letter) in KEYWORDS.iter().zip(['a', 'b']) {
            if rng.below(100) < 15 {
                flags.push(k.to_string());
                letters.push(letter);
            }
        }
        flags.sort();
        let name = format!("{date}.M{i}P1.gen,S={}:2,{letters}", msg.len());
        let path = folder_dir(&root, folder).join("cur").join(name);
        fs::write(&path, &msg).expect("write msg");
        let t = filetime::FileTime::from_unix_time(date, 0);
        filetime::set_file_times(&path, t, t).expect("mtime");
        out.push(SourceMsg { folder: folder.to_string(), bytes: msg, flags, internal_date: date });
    }
    out
}

/// A message found in the destination Maildir++.
#[derive(Clone, Debug)]
pub struct DestMsg {
    pub dir: String,
    pub file: PathBuf,
    pub bytes: Vec<u8>,
    pub flags: Vec<String>,
    pub mtime: i64,
}

/// Read every message of a destination Maildir++ (root and `.Folder` dirs).
pub fn read_maildir(root: &Path) -> Vec<DestMsg> {
    let mut dirs = vec![(String::new(), root.to_path_buf())];
    if let Ok(rd) = fs::read_dir(root) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') && e.path().is_dir() {
                dirs.push((name, e.path()));
            }
        }
    }
    let mut out = Vec::new();
    for (rel, dir) in dirs {
        let keywords: HashMap<char, String> = fs::read_to_string(dir.join("dovecot-keywords"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (n, k) = l.split_once(' ')?;
                let n: u8 = n.parse().ok()?;
                Some((char::from(b'a' + n), k.to_string()))
            })
            .collect();
        for sub in ["cur", "new"] {
            let Ok(rd) = fs::read_dir(dir.join(sub)) else { continue };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let info = name.split_once(":2,").map(|x| x.1).unwrap_or("");
                let mut flags: Vec<String> = info
                    .chars()
                    .filter_map(|c| match c {
                        'D' => Some("\\Draft".to_string()),
                        'F' => Some("\\Flagged".to_string()),
                        'R' => Some("\\Answered".to_string()),
                        'S' => Some("\\Seen".to_string()),
                        'T' => Some("\\Deleted".to_string()),
                        c if c.is_ascii_lowercase() => Some(keywords.get(&c).cloned().unwrap_or(format!("?{c}"))),
                        _ => None,
                    })
                    .collect();
                flags.sort();
                let meta = fs::metadata(e.path()).expect("meta");
                let mtime = filetime::FileTime::from_last_modification_time(&meta).unix_seconds();
                out.push(DestMsg {
                    dir: rel.clone(),
                    file: e.path(),
                    bytes: fs::read(e.path()).expect("read"),
                    flags,
                    mtime,
                });
            }
        }
    }
    out
}

/// Compare source and destination message by message: every source message whose
/// folder is not in `skip_folders` and that `expect_copied` accepts must be in its
/// expected folder with the same bytes, flags, keywords and mtime; nothing else may be
/// there. Returns a list of problems (empty = identical).
pub fn compare(src: &[SourceMsg], dest_root: &Path, expect_copied: impl Fn(&SourceMsg) -> bool) -> Vec<String> {
    let dest = read_maildir(dest_root);
    let mut by_bytes: HashMap<&[u8], Vec<&DestMsg>> = HashMap::new();
    for d in &dest {
        by_bytes.entry(d.bytes.as_slice()).or_default().push(d);
    }
    let mut problems = Vec::new();
    let mut matched = 0;
    for s in src {
        let found = by_bytes.get(s.bytes.as_slice()).cloned().unwrap_or_default();
        if !expect_copied(s) {
            if !found.is_empty() {
                problems.push(format!("{} in {}: copied but should have been skipped", s.bytes.len(), s.folder));
            }
            continue;
        }
        match found.as_slice() {
            [] => problems.push(format!("missing: {} bytes in {}", s.bytes.len(), s.folder)),
            [d] => {
                matched += 1;
                if d.dir != expected_dir(&s.folder) {
                    problems.push(format!("{} is in {:?}, expected {:?}", s.folder, d.dir, expected_dir(&s.folder)));
                }
                if d.flags != s.flags {
                    problems.push(format!("flags {:?} != {:?} ({})", d.flags, s.flags, d.file.display()));
                }
                if d.mtime != s.internal_date {
                    problems.push(format!("mtime {} != {} ({})", d.mtime, s.internal_date, d.file.display()));
                }
            }
            many => problems.push(format!("duplicated {} times: {}", many.len(), s.folder)),
        }
    }
    if dest.len() != matched {
        problems.push(format!("{} files in the destination, {} expected", dest.len(), matched));
    }
    for d in ["", ".Sent Items"] {
        let tmp = dest_root.join(d).join("tmp");
        if fs::read_dir(&tmp).map(|r| r.count()).unwrap_or(0) != 0 {
            problems.push(format!("{} not empty", tmp.display()));
        }
    }
    let _ = std::io::stdout().flush();
    problems
}

/// A tenant in `home` (a real SQLite store): the accepted domain contoso.com, a mailbox
/// `<user>@contoso.com` per user, and an IMAP endpoint `endpoint` on 127.0.0.1:`port`
/// (Security None) with the given MaxConcurrentMigrations / MaxConcurrentIncrementalSyncs.
pub fn tenant(
    home: &Path,
    port: u16,
    users: &[&str],
    endpoint: &str,
    max: u32,
    max_incremental: Option<u32>,
) -> exosh::tenant::Tenant {
    use exosh::tenant::*;
    let store = SqliteStore::open(home).expect("store");
    store
        .new_accepted_domain(&NewAcceptedDomain {
            name: "contoso.com".into(),
            domain_name: "contoso.com".into(),
            domain_type: None,
        })
        .expect("domain");
    for u in users {
        store
            .new_mailbox(&NewMailbox {
                name: (*u).into(),
                microsoft_online_services_id: Some(format!("{u}@contoso.com")),
                ..Default::default()
            })
            .expect("mailbox");
    }
    store
        .new_endpoint(&NewImapEndpoint {
            name: endpoint.into(),
            remote_server: "127.0.0.1".into(),
            port: Some(i64::from(port)),
            security: Some(IMAPSecurityMechanism::None),
            authentication: None,
            accept_untrusted_certificates: false,
            max_concurrent_migrations: Some(Unlimited::Value(max)),
            max_concurrent_incremental_syncs: max_incremental.map(Unlimited::Value),
        })
        .expect("endpoint");
    Tenant::new(std::sync::Arc::new(store))
}

/// The admin account of the UserRoot tests (Courier's layout): every user's folders below
/// `users/<name>`; the CSV gives UserRoot `/users/terry`.
pub const USER_ROOT_FOLDERS: &[(&str, u32)] =
    &[("users/terry", 5), ("users/terry/Sent", 3), ("users/terry/Projects", 2), ("users/ann", 4)];

/// What a UserRoot `/users/terry` migration must produce from the admin's messages: terry's
/// root as his Inbox, his Sent as Sent Items (compare maps `Sent`), his Projects as is;
/// ann's mail is not his.
pub fn terry_view(msgs: &[SourceMsg]) -> Vec<SourceMsg> {
    msgs.iter()
        .filter(|m| m.folder != "users/ann")
        .map(|m| {
            let folder = match m.folder.as_str() {
                "users/terry" => "INBOX",
                "users/terry/Sent" => "Sent",
                _ => "Projects",
            };
            SourceMsg { folder: folder.into(), ..m.clone() }
        })
        .collect()
}
