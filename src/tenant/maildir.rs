//! The Maildir++ store of a mailbox: `$EXOSH_HOME/mailboxes/<address>/`.
//!
//! Layout as Dovecot reads it (`mail_location = maildir:<dir>`, default
//! Maildir++ layout, `.` as hierarchy separator): the root's `cur/new/tmp`
//! is the INBOX; every other folder is a directory `.<name>` (spaces kept as
//! they are, nested folders as `.Parent.Child`, non-ASCII names in modified
//! UTF-7), each with `cur/new/tmp` and an empty `maildirfolder` file.

use super::error::TenantResult;
use super::model::MailboxFolderStatistics;
use chrono::{DateTime, Utc};
use std::fs;
use std::path::{Path, PathBuf};

/// The folders created with every mailbox besides the Inbox (the root).
pub const DEFAULT_FOLDERS: [&str; 4] = ["Sent Items", "Deleted Items", "Drafts", "Junk Email"];

/// Well-known folder type of a top-level folder name.
pub fn folder_type(name: &str) -> &'static str {
    match name {
        "Inbox" => "Inbox",
        "Sent Items" => "SentItems",
        "Deleted Items" => "DeletedItems",
        "Drafts" => "Drafts",
        "Junk Email" => "JunkEmail",
        "Outbox" => "Outbox",
        "Archive" => "Archive",
        _ => "User Created",
    }
}

#[cfg(unix)]
fn mkdir(p: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match fs::DirBuilder::new().mode(0o700).create(p) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        r => r,
    }
}

#[cfg(not(unix))]
fn mkdir(p: &Path) -> std::io::Result<()> {
    match fs::create_dir(p) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        r => r,
    }
}

fn make_cur_new_tmp(p: &Path) -> std::io::Result<()> {
    mkdir(p)?;
    for sub in ["cur", "new", "tmp"] {
        mkdir(&p.join(sub))?;
    }
    Ok(())
}

/// Directory name of a folder path like `Projects/2024` → `.Projects.2024`.
pub fn folder_dir_name(path: &str) -> String {
    let parts: Vec<String> = path.split('/').map(encode_mutf7).collect();
    format!(".{}", parts.join("."))
}

/// Creates the Maildir++ tree of a mailbox (idempotent).
pub fn create(root: &Path) -> TenantResult<()> {
    if let Some(parent) = root.parent() {
        mkdir(parent)?;
    }
    make_cur_new_tmp(root)?;
    for f in DEFAULT_FOLDERS {
        let dir = root.join(folder_dir_name(f));
        make_cur_new_tmp(&dir)?;
        let marker = dir.join("maildirfolder");
        if !marker.exists() {
            fs::File::create(marker)?;
        }
    }
    Ok(())
}

/// Moves a removed mailbox's Maildir aside to `<home>/deleted-mailboxes/<id>`
/// (EXO soft-deletes mailboxes; the mail is kept, not destroyed).
pub fn soft_delete(root: &Path, graveyard: &Path, id: &str) -> TenantResult<()> {
    if !root.exists() {
        return Ok(());
    }
    mkdir(graveyard)?;
    fs::rename(root, graveyard.join(id))?;
    Ok(())
}

/// Modified UTF-7 (RFC 3501 §5.1.3) of a folder name, as Dovecot names
/// Maildir++ directories.
pub fn encode_mutf7(s: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        let enc = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
        out.push('&');
        out.push_str(&enc.replace('/', ","));
        out.push('-');
        pending.clear();
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Decodes modified UTF-7 (invalid input is returned unchanged).
pub fn decode_mutf7(s: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let Some(end) = after.find('-') else {
            return s.to_string();
        };
        let chunk = &after[..end];
        if chunk.is_empty() {
            out.push('&');
        } else {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(chunk.replace(',', "/")) else {
                return s.to_string();
            };
            let units: Vec<u16> =
                bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
            out.push_str(&String::from_utf16_lossy(&units));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The message size a Maildir file name records: `,W=` (the size with CRLF
/// line ends, what IMAP reports) before `,S=` (the size on disk), as Dovecot
/// writes them (`1700000000.M1P2.host,S=18,W=21:2,S`).
pub fn message_size(file_name: &str) -> Option<u64> {
    let base = file_name.split(':').next().unwrap_or(file_name);
    let field = |key: &str| base.split(',').find_map(|part| part.strip_prefix(key)).and_then(|v| v.parse::<u64>().ok());
    field("W=").or_else(|| field("S="))
}

#[derive(Default)]
struct Count {
    items: u64,
    bytes: u64,
    oldest: Option<DateTime<Utc>>,
    newest: Option<DateTime<Utc>>,
}

fn count_dir(dir: &Path) -> TenantResult<Count> {
    let mut c = Count::default();
    for sub in ["cur", "new"] {
        let d = dir.join(sub);
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        for e in entries {
            let e = e?;
            let name = e.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let md = e.metadata()?;
            if !md.is_file() {
                continue;
            }
            c.items += 1;
            c.bytes += message_size(&name.to_string_lossy()).unwrap_or(md.len());
            if let Ok(m) = md.modified() {
                let t: DateTime<Utc> = m.into();
                c.oldest = Some(c.oldest.map_or(t, |o| o.min(t)));
                c.newest = Some(c.newest.map_or(t, |o| o.max(t)));
            }
        }
    }
    Ok(c)
}

/// The folders of a Maildir++ tree as `(display path, dir)`, Inbox first,
/// then the others sorted by path.
pub fn folders(root: &Path) -> TenantResult<Vec<(String, PathBuf)>> {
    let mut out = vec![("Inbox".to_string(), root.to_path_buf())];
    let mut others = Vec::new();
    let entries = match fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix('.')
            && !rest.is_empty()
            && rest != "."
            && e.file_type()?.is_dir()
        {
            let mut parts: Vec<String> = rest.split('.').map(decode_mutf7).collect();
            // Dovecot keeps INBOX's children as `.INBOX.<name>`.
            if parts.first().is_some_and(|p| p.eq_ignore_ascii_case("INBOX")) {
                parts[0] = "Inbox".into();
            }
            let path = parts.join("/");
            others.push((path, e.path()));
        }
    }
    others.sort();
    out.extend(others);
    Ok(out)
}

/// Per-folder statistics of a mailbox (`Top of Information Store` first,
/// then Inbox and the other folders). `mailbox` is the mailbox name used in
/// the folder identities.
pub fn folder_statistics(root: &Path, mailbox: &str, with_dates: bool) -> TenantResult<Vec<MailboxFolderStatistics>> {
    let folders = folders(root)?;
    let mut counted = Vec::with_capacity(folders.len());
    for (path, dir) in &folders {
        counted.push((path.clone(), dir.clone(), count_dir(dir)?));
    }
    let created = fs::metadata(root).ok().and_then(|m| m.modified().ok()).map(DateTime::<Utc>::from);
    let total_items: u64 = counted.iter().map(|c| c.2.items).sum();
    let total_bytes: u64 = counted.iter().map(|c| c.2.bytes).sum();
    let mut out = vec![MailboxFolderStatistics {
        mailbox: mailbox.to_string(),
        name: "Top of Information Store".into(),
        folder_path: "/Top of Information Store".into(),
        folder_type: "Root".into(),
        folder_id: "LgAAAAAA-root".into(),
        items_in_folder: 0,
        folder_size: 0,
        items_in_folder_and_subfolders: total_items,
        folder_and_subfolder_size: total_bytes,
        oldest_item_received_date: None,
        newest_item_received_date: None,
        date: created,
    }];
    for (path, dir, c) in &counted {
        let prefix = format!("{path}/");
        let (mut sub_items, mut sub_bytes) = (c.items, c.bytes);
        for (p2, _, c2) in &counted {
            if p2.starts_with(&prefix) {
                sub_items += c2.items;
                sub_bytes += c2.bytes;
            }
        }
        let name = path.rsplit('/').next().unwrap_or(path).to_string();
        let top = path.split('/').next().unwrap_or(path);
        let ftype = if path.contains('/') { "User Created" } else { folder_type(top) };
        out.push(MailboxFolderStatistics {
            mailbox: mailbox.to_string(),
            name,
            folder_path: format!("/{path}"),
            folder_type: ftype.into(),
            folder_id: format!(
                "LgAAAAAA-{}",
                dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            ),
            items_in_folder: c.items,
            folder_size: c.bytes,
            items_in_folder_and_subfolders: sub_items,
            folder_and_subfolder_size: sub_bytes,
            oldest_item_received_date: if with_dates { c.oldest } else { None },
            newest_item_received_date: if with_dates { c.newest } else { None },
            date: fs::metadata(dir).ok().and_then(|m| m.modified().ok()).map(DateTime::<Utc>::from),
        });
    }
    Ok(out)
}

/// Is a folder in `-FolderScope <scope>`? A well-known scope takes the
/// folder and its subfolders; `Personal` takes user-created top-level
/// folders and their subfolders; `All` takes everything.
pub fn in_scope(f: &MailboxFolderStatistics, scope: super::types::ElcFolderType) -> bool {
    use super::types::{ElcFolderType, ExEnum};
    let top = f.folder_path.trim_start_matches('/').split('/').next().unwrap_or("");
    match scope {
        ElcFolderType::All => true,
        ElcFolderType::Personal => f.folder_type != "Root" && folder_type(top) == "User Created",
        s => f.folder_type != "Root" && folder_type(top) == s.name(),
    }
}

/// Totals of a mailbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// (items, bytes) in all folders, Deleted Items included (Exchange's
    /// ItemCount/TotalItemSize).
    pub live: (u64, u64),
    /// (items, bytes) in Recoverable Items (Exchange's DeletedItemCount /
    /// TotalDeletedItemSize): a Maildir has no dumpster, so always zero.
    pub deleted: (u64, u64),
    /// Newest item time.
    pub newest: Option<DateTime<Utc>>,
}

/// Totals of a mailbox (Get-MailboxStatistics).
pub fn totals(root: &Path) -> TenantResult<Totals> {
    let mut live = (0, 0);
    let deleted = (0, 0);
    let mut newest: Option<DateTime<Utc>> = None;
    for (_, dir) in folders(root)? {
        let c = count_dir(&dir)?;
        live.0 += c.items;
        live.1 += c.bytes;
        if let Some(n) = c.newest {
            newest = Some(newest.map_or(n, |o| o.max(n)));
        }
    }
    Ok(Totals { live, deleted, newest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_file_names() {
        assert_eq!(message_size("1.M1P2.host,S=18,W=21:2,S"), Some(21));
        assert_eq!(message_size("1.M1P2.host,S=18:2,"), Some(18));
        assert_eq!(message_size("1.M1P2.host:2,S"), None);
    }

    #[test]
    fn mutf7_round_trip() {
        assert_eq!(encode_mutf7("Sent Items"), "Sent Items");
        assert_eq!(encode_mutf7("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(decode_mutf7("Entw&APw-rfe"), "Entwürfe");
        assert_eq!(encode_mutf7("A&B"), "A&-B");
        assert_eq!(decode_mutf7("A&-B"), "A&B");
        assert_eq!(folder_dir_name("Projects/2024"), ".Projects.2024");
    }
}
