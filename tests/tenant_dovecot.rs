//! The Maildir++ tree of a new mailbox, read and written by a real Dovecot
//! (its `imap` binary in PREAUTH mode on stdin/stdout, as the `mail` user):
//! Dovecot sees exactly the folders Exchange creates (Inbox, Sent Items,
//! Deleted Items, Drafts, Junk Email), and the tenant's folder statistics
//! read the folders and messages Dovecot writes, including modified UTF-7
//! names.

use exosh::tenant::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const IMAP: &str = "/usr/lib/dovecot/imap";

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn chown_tree(p: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            chown_tree(&e.unwrap().path(), uid, gid);
        }
    }
}

fn id_of(flag: &str) -> u32 {
    let out = Command::new("id").args([flag, "mail"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().parse().unwrap()
}

/// Runs one IMAP session against the Maildir at `md` and returns the output.
fn imap_session(dir: &Path, md: &Path, commands: &str) -> String {
    let (uid, gid) = (id_of("-u"), id_of("-g"));
    let conf = dir.join("dovecot.conf");
    std::fs::write(
        &conf,
        format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = /dev/stderr\nmail_location = maildir:{m}\nfirst_valid_uid = {uid}\nssl = no\n\
             namespace inbox {{\n  inbox = yes\n  separator = /\n}}\n",
            d = dir.display(),
            m = md.display()
        ),
    )
    .unwrap();
    for sub in ["run", "state"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        chown_tree(&dir.join(sub), uid, gid);
    }
    chown_tree(md, uid, gid);
    let mut child = Command::new("setpriv")
        .args([&format!("--reuid={uid}"), &format!("--regid={gid}"), "--clear-groups", IMAP, "-c"])
        .arg(&conf)
        .env_clear()
        .env("USER", "terry")
        .env("HOME", dir)
        .env("MAIL", format!("maildir:{}", md.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("setpriv and Dovecot's imap binary are needed (imap-lab/dovecot.sh install)");
    child.stdin.take().unwrap().write_all(commands.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[cfg(unix)]
#[test]
fn dovecot_reads_and_writes_the_mailbox_maildir() {
    assert!(Path::new(IMAP).exists(), "Dovecot's imap binary is missing: run imap-lab/dovecot.sh install");
    let tmp = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&tmp.path().join("home")).unwrap();
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
    // The tenant home is private (0700, root); Dovecot gets a copy, as the
    // seed scenario serves the tenant's Maildirs.
    let dv = tmp.path().join("dovecot");
    std::fs::create_dir_all(&dv).unwrap();
    use std::os::unix::fs::PermissionsExt;
    for p in [tmp.path(), dv.as_path()] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let md = dv.join("Maildir");
    copy_tree(&s.maildir_path("terry").unwrap(), &md);

    let msg = "Subject: hi\r\n\r\nbody\r\n";
    let cmds = format!(
        "a LIST \"\" \"*\"\r\n\
         b CREATE \"Entw&APw-rfe\"\r\n\
         c CREATE \"A&-B/Sub\"\r\n\
         d APPEND \"Sent Items\" {{{n}+}}\r\n{msg}\r\n\
         e APPEND \"Entw&APw-rfe\" {{{n}+}}\r\n{msg}\r\n\
         f APPEND INBOX {{{n}+}}\r\n{msg}\r\n\
         g LOGOUT\r\n",
        n = msg.len()
    );
    let out = imap_session(&dv, &md, &cmds);
    let listed: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("* LIST"))
        .map(|l| l.rsplit(" \"/\" ").next().unwrap_or("").trim_matches('"'))
        .collect();
    let mut listed = listed;
    listed.sort();
    assert_eq!(listed, ["Deleted Items", "Drafts", "INBOX", "Junk Email", "Sent Items"], "{out}");
    for tag in ["b", "c", "d", "e", "f"] {
        assert!(out.lines().any(|l| l.starts_with(&format!("{tag} OK"))), "{tag} failed: {out}");
    }

    let stats = maildir::folder_statistics(&md, "terry", true).unwrap();
    let find = |path: &str| {
        stats.iter().find(|f| f.folder_path == path).unwrap_or_else(|| panic!("{path} missing: {stats:?}"))
    };
    assert_eq!(find("/Sent Items").items_in_folder, 1);
    assert_eq!(find("/Sent Items").folder_size, msg.len() as u64);
    assert_eq!(find("/Entwürfe").items_in_folder, 1);
    assert_eq!(find("/Entwürfe").folder_type, "User Created");
    assert_eq!(find("/A&B/Sub").items_in_folder, 0);
    assert_eq!(find("/Inbox").items_in_folder, 1);
    assert!(find("/Inbox").newest_item_received_date.is_some());
    assert_eq!(stats[0].items_in_folder_and_subfolders, 3);
    let totals = maildir::totals(&md).unwrap();
    assert_eq!(totals.live, (3, 3 * msg.len() as u64));
    // The tenant names a folder the way Dovecot does.
    assert!(md.join(maildir::folder_dir_name("Entwürfe")).is_dir());
    assert!(md.join(maildir::folder_dir_name("A&B/Sub")).is_dir());
}
