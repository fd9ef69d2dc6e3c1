//! The destination: a Maildir++ mailbox as Dovecot lays it out.
//!
//! Each message is written to `tmp/`, its mtime set to INTERNALDATE, then (per group)
//! fdatasync'ed, renamed into `cur/` with its flags in the name (`:2,DFRS` + keyword
//! letters), and `cur/` is fsync'ed. Only then does the engine tell the sink.
//! Keywords are numbered in the folder's `dovecot-keywords` file (`0 $Forwarded`), and
//! letter `a` + n in the file name stands for keyword n (at most 26, as in Dovecot).

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use filetime::FileTime;
use sha1::{Digest, Sha1};

use super::sink::MessageIdentity;

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A message written to `tmp/` and not yet durable.
pub struct PendingFile {
    pub file: File,
    pub tmp_path: PathBuf,
    pub file_name: String,
    pub uid: u32,
    pub size: u64,
    pub identity: MessageIdentity,
}

/// One destination folder.
pub struct MaildirFolder {
    pub dir: PathBuf,
    keywords: Vec<String>,
    keywords_dirty: bool,
    /// Base name -> path of every message file, built on the first stale lookup.
    by_base: Option<HashMap<String, PathBuf>>,
    /// Files renamed since the last `sync_renames`.
    renamed: bool,
}

/// A Maildir file name without its `:2,` info (flags change, the base does not).
pub fn file_base(name: &str) -> &str {
    name.split_once(':').map_or(name, |(b, _)| b)
}

/// The `:2,...` info of a file name (`""` when it has none).
pub fn file_info(name: &str) -> &str {
    name.split_once(':').map_or("", |(_, i)| i)
}

/// The header block of a message: up to and including the first empty line (what
/// `BODY[HEADER]` returns), or all of it when there is no body.
pub fn header_block(bytes: &[u8]) -> &[u8] {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            if bytes.get(i + 1) == Some(&b'\n') {
                return &bytes[..i + 2];
            }
            if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                return &bytes[..i + 3];
            }
        }
        i += 1;
    }
    bytes
}

/// The value of the (first) Message-ID header of a header block, unfolded and trimmed.
pub fn message_id(header: &[u8]) -> Option<String> {
    let mut lines = header.split(|b| *b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() >= 11 && line[..11].eq_ignore_ascii_case(b"message-id:") {
            let mut value: Vec<u8> = line[11..].to_vec();
            while let Some(next) = lines.peek() {
                if next.first().is_some_and(|c| *c == b' ' || *c == b'\t') {
                    let n = next.strip_suffix(b"\r").unwrap_or(next);
                    value.push(b' ');
                    value.extend_from_slice(n);
                    lines.next();
                } else {
                    break;
                }
            }
            let v = String::from_utf8_lossy(&value).split_whitespace().collect::<Vec<_>>().join(" ");
            return (!v.is_empty()).then_some(v);
        }
    }
    None
}

/// SHA-1 (hex) of a header block.
pub fn header_hash(header: &[u8]) -> String {
    let digest = Sha1::digest(header);
    let mut s = String::with_capacity(40);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The identity of a message from its bytes and INTERNALDATE.
pub fn identity_of(bytes: &[u8], internal_date: i64) -> MessageIdentity {
    let header = header_block(bytes);
    MessageIdentity { message_id: message_id(header), internal_date, header_hash: header_hash(header) }
}

fn create_subdirs(dir: &Path) -> io::Result<()> {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    Ok(())
}

impl MaildirFolder {
    /// Open (creating as needed) `root/rel`; `rel` is `""` for Inbox or `.Name.Sub`.
    pub fn open(root: &Path, rel: &str) -> io::Result<MaildirFolder> {
        create_subdirs(root)?;
        let dir = if rel.is_empty() { root.to_path_buf() } else { root.join(rel) };
        create_subdirs(&dir)?;
        if !rel.is_empty() {
            let marker = dir.join("maildirfolder");
            if !marker.exists() {
                File::create(&marker)?;
            }
        }
        let mut keywords = Vec::new();
        if let Ok(mut f) = File::open(dir.join("dovecot-keywords")) {
            let mut text = String::new();
            f.read_to_string(&mut text)?;
            for line in text.lines() {
                if let Some((n, name)) = line.split_once(' ')
                    && let Ok(n) = n.parse::<usize>()
                    && n < 26
                {
                    if keywords.len() <= n {
                        keywords.resize(n + 1, String::new());
                    }
                    keywords[n] = name.to_string();
                }
            }
        }
        Ok(MaildirFolder { dir, keywords, keywords_dirty: false, by_base: None, renamed: false })
    }

    /// Where the file of a UID map row is now: `cur/<name>`, else the file with the same
    /// base name in `cur/` or `new/` (the row may be stale: renamed for new flags, then a
    /// crash before the row followed). `None` when no such file exists.
    pub fn locate(&mut self, row_name: &str) -> Option<PathBuf> {
        let direct = self.dir.join("cur").join(row_name);
        if direct.exists() {
            return Some(direct);
        }
        if self.by_base.is_none() {
            let mut index = HashMap::new();
            for sub in ["cur", "new"] {
                let Ok(rd) = fs::read_dir(self.dir.join(sub)) else { continue };
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    index.insert(file_base(&name).to_string(), e.path());
                }
            }
            self.by_base = Some(index);
        }
        let found = self.by_base.as_ref().and_then(|i| i.get(file_base(row_name)).cloned())?;
        // the index may be older than a rename made through it
        if found.exists() { Some(found) } else { None }
    }

    /// Rename the file of a UID map row to carry `flags` (standard flags and keyword
    /// letters; new keywords are numbered, so call `save_keywords` before `sync_renames`
    /// and before reporting). Returns the new name, `None` when the file is gone.
    /// The rename is atomic: the file has either name, never none.
    pub fn rename_flags(&mut self, row_name: &str, flags: &[String]) -> io::Result<Option<String>> {
        let new_name = format!("{}{}", file_base(row_name), self.info_suffix(flags));
        let Some(from) = self.locate(row_name) else { return Ok(None) };
        let to = self.dir.join("cur").join(&new_name);
        if from != to {
            fs::rename(&from, &to)?;
            self.renamed = true;
            if let Some(i) = self.by_base.as_mut() {
                i.insert(file_base(&new_name).to_string(), to);
            }
        }
        Ok(Some(new_name))
    }

    /// Make the renames durable (fsync `cur/` and `new/`).
    pub fn sync_renames(&mut self) -> io::Result<()> {
        if self.renamed {
            File::open(self.dir.join("cur"))?.sync_all()?;
            File::open(self.dir.join("new"))?.sync_all()?;
            self.renamed = false;
        }
        Ok(())
    }

    /// The identity and size of the file of a UID map row, read from the file (size from
    /// its length, INTERNALDATE from its mtime, Message-ID and header hash from its header).
    pub fn identity_of_file(&mut self, row_name: &str) -> Option<(MessageIdentity, u64)> {
        let path = self.locate(row_name)?;
        let meta = fs::metadata(&path).ok()?;
        let mtime = FileTime::from_last_modification_time(&meta).unix_seconds();
        let mut head = Vec::new();
        File::open(&path).ok()?.take(1 << 20).read_to_end(&mut head).ok()?;
        Some((identity_of(&head, mtime), meta.len()))
    }

    /// The `:2,` info that `flags` would give a file (assigns keyword letters as needed).
    pub fn info_for(&mut self, flags: &[String]) -> String {
        self.info_suffix(flags)
    }

    /// Letter for a keyword, assigning a new index when needed (None beyond 26).
    fn keyword_letter(&mut self, keyword: &str) -> Option<char> {
        let idx = match self.keywords.iter().position(|k| k == keyword) {
            Some(i) => i,
            None => {
                let free = self.keywords.iter().position(String::is_empty);
                let i = match free {
                    Some(i) => i,
                    None if self.keywords.len() < 26 => {
                        self.keywords.push(String::new());
                        self.keywords.len() - 1
                    }
                    None => return None,
                };
                self.keywords[i] = keyword.to_string();
                self.keywords_dirty = true;
                i
            }
        };
        u8::try_from(idx).ok().map(|i| char::from(b'a' + i))
    }

    /// The `:2,` info suffix for IMAP flags (system flags with backslash, keywords as is).
    pub fn info_suffix(&mut self, flags: &[String]) -> String {
        let mut letters: Vec<char> = Vec::new();
        for f in flags {
            let l = match f.to_ascii_lowercase().as_str() {
                "\\seen" => Some('S'),
                "\\answered" => Some('R'),
                "\\flagged" => Some('F'),
                "\\deleted" => Some('T'),
                "\\draft" => Some('D'),
                "\\recent" => None,
                _ if f.starts_with('\\') => None,
                _ => self.keyword_letter(f),
            };
            if let Some(l) = l
                && !letters.contains(&l)
            {
                letters.push(l);
            }
        }
        letters.sort_unstable();
        let mut s = String::from(":2,");
        s.extend(letters);
        s
    }

    /// Write `bytes` to `tmp/` with mtime = `internal_date` (seconds since the epoch).
    pub fn write_tmp(
        &mut self,
        uid: u32,
        bytes: &[u8],
        internal_date: i64,
        flags: &[String],
    ) -> io::Result<PendingFile> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let base = format!(
            "{}.M{}P{}Q{}.exosh,S={}",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            seq,
            bytes.len()
        );
        let file_name = format!("{base}{}", self.info_suffix(flags));
        let tmp_path = self.dir.join("tmp").join(&base);
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp_path)?;
        file.write_all(bytes)?;
        let t = FileTime::from_unix_time(internal_date, 0);
        filetime::set_file_handle_times(&file, Some(t), Some(t))?;
        let identity = identity_of(bytes, internal_date);
        Ok(PendingFile { file, tmp_path, file_name, uid, size: bytes.len() as u64, identity })
    }

    /// Persist `dovecot-keywords` if new keywords were assigned (atomically, fsync'ed).
    pub fn save_keywords(&mut self) -> io::Result<()> {
        if !self.keywords_dirty {
            return Ok(());
        }
        let mut text = String::new();
        for (i, k) in self.keywords.iter().enumerate() {
            if !k.is_empty() {
                text.push_str(&format!("{i} {k}\n"));
            }
        }
        let tmp = self.dir.join(format!("dovecot-keywords.exosh-{}", std::process::id()));
        let mut f = File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_data()?;
        fs::rename(&tmp, self.dir.join("dovecot-keywords"))?;
        self.keywords_dirty = false;
        Ok(())
    }
}

/// True when a Maildir++ folder directory holds no message file.
fn has_no_mail(dir: &Path) -> bool {
    ["cur", "new", "tmp"].iter().all(|sub| fs::read_dir(dir.join(sub)).map(|mut r| r.next().is_none()).unwrap_or(true))
}

/// Follow a folder renamed at the source: move the destination directory `root/old` to
/// `root/new` (one atomic rename, then the root is fsync'ed). Nothing to do when `old` is
/// gone (already moved: a crash before the sync state followed) or when the names are
/// the same. A `new` directory that holds no mail is replaced. Returns false when the
/// folder can't be moved (Inbox, or `new` already holds mail): the caller keeps `old`.
pub fn move_folder(root: &Path, old: &str, new: &str) -> io::Result<bool> {
    if old == new {
        return Ok(true);
    }
    if old.is_empty() || new.is_empty() {
        return Ok(false);
    }
    let from = root.join(old);
    let to = root.join(new);
    if !from.is_dir() {
        return Ok(true);
    }
    if to.exists() {
        if !has_no_mail(&to) {
            return Ok(false);
        }
        fs::remove_dir_all(&to)?;
    }
    fs::rename(&from, &to)?;
    File::open(root)?.sync_all()?;
    Ok(true)
}

/// Make a group durable: fdatasync each file, rename into `cur/`, fsync `cur/`.
/// Blocking; run it off the async threads.
pub fn commit_group(dir: &Path, pending: Vec<PendingFile>) -> io::Result<Vec<(u32, String, u64, MessageIdentity)>> {
    let mut done = Vec::with_capacity(pending.len());
    for p in &pending {
        p.file.sync_data()?;
    }
    let cur = dir.join("cur");
    for p in pending {
        fs::rename(&p.tmp_path, cur.join(&p.file_name))?;
        done.push((p.uid, p.file_name, p.size, p.identity));
    }
    File::open(&cur)?.sync_all()?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_flags_keywords_and_mtime() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let mut f = MaildirFolder::open(tmp.path(), ".Sent Items")?;
        let flags =
            vec!["\\Seen".to_string(), "$Label1".into(), "\\Answered".into(), "$Forwarded".into(), "\\Recent".into()];
        let p = f.write_tmp(5, b"Subject: x\r\n\r\nhi\r\n", 1_700_000_000, &flags)?;
        assert!(p.file_name.ends_with(",S=18:2,RSab"), "{}", p.file_name);
        f.save_keywords()?;
        let done = commit_group(&f.dir, vec![p])?;
        let path = f.dir.join("cur").join(&done[0].1);
        assert_eq!(fs::read(&path)?, b"Subject: x\r\n\r\nhi\r\n");
        let mtime = FileTime::from_last_modification_time(&fs::metadata(&path)?);
        assert_eq!(mtime.unix_seconds(), 1_700_000_000);
        assert_eq!(fs::read_to_string(f.dir.join("dovecot-keywords"))?, "0 $Label1\n1 $Forwarded\n");
        assert!(f.dir.join("maildirfolder").exists());
        assert_eq!(fs::read_dir(f.dir.join("tmp"))?.count(), 0);
        // reopening keeps the numbering
        let mut g = MaildirFolder::open(tmp.path(), ".Sent Items")?;
        assert_eq!(g.info_suffix(&["$Forwarded".to_string(), "\\Flagged".into(), "\\Draft".into()]), ":2,DFb");
        Ok(())
    }

    fn flags(f: &[&str]) -> Vec<String> {
        f.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flag_renames_survive_a_stale_row() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let mut f = MaildirFolder::open(tmp.path(), "")?;
        let p = f.write_tmp(1, b"Message-ID: <a@b>\r\n\r\nx\r\n", 1_700_000_000, &flags(&["\\Seen"]))?;
        let row = commit_group(&f.dir, vec![p])?.remove(0).1;
        assert!(row.ends_with(":2,S"));
        // flags change: the file is renamed, keywords get letters
        let new = f.rename_flags(&row, &flags(&["\\Flagged", "$Label1"]))?.expect("renamed");
        assert_eq!(file_base(&new), file_base(&row));
        assert!(new.ends_with(":2,Fa"), "{new}");
        f.save_keywords()?;
        f.sync_renames()?;
        // a crash kept the old name in the row: the file is found by its base name
        let mut g = MaildirFolder::open(tmp.path(), "")?;
        let again = g.rename_flags(&row, &flags(&["\\Seen", "$Label1"]))?.expect("found by base");
        assert!(again.ends_with(":2,Sa"), "{again}");
        let names: Vec<String> =
            fs::read_dir(g.dir.join("cur"))?.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec![again.clone()], "one file, never two, never none");
        // the identity read back from the file equals the one computed at copy time
        let (id, size) = g.identity_of_file(&row).expect("identity");
        assert_eq!(id, identity_of(b"Message-ID: <a@b>\r\n\r\nx\r\n", 1_700_000_000));
        assert_eq!(size, 24);
        // a file that is gone is reported as gone
        fs::remove_file(g.dir.join("cur").join(&again))?;
        let mut h = MaildirFolder::open(tmp.path(), "")?;
        assert_eq!(h.rename_flags(&row, &flags(&["\\Seen"]))?, None);
        Ok(())
    }

    #[test]
    fn identity_parts() {
        let m = b"Subject: x\r\nMessage-ID:\r\n  <folded@host>\r\n\r\nbody\r\n\r\nmore";
        assert_eq!(header_block(m), &m[..44]);
        assert_eq!(message_id(header_block(m)).as_deref(), Some("<folded@host>"));
        assert_eq!(message_id(b"message-id: <lf@x>\nA: b\n\n"), Some("<lf@x>".to_string()));
        assert_eq!(header_block(b"A: b\n\nbody"), b"A: b\n\n");
        assert_eq!(header_block(b"A: b\r\n"), b"A: b\r\n", "no body: all of it");
        assert_eq!(message_id(b"Subject: none\r\n\r\n"), None);
        assert_eq!(header_hash(b"").len(), 40);
    }

    #[test]
    fn folders_move_once_and_never_over_mail() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let root = tmp.path();
        let mut a = MaildirFolder::open(root, ".Old")?;
        let p = a.write_tmp(1, b"x\r\n", 0, &[])?;
        commit_group(&a.dir, vec![p])?;
        assert!(move_folder(root, ".Old", ".New")?);
        assert!(!root.join(".Old").exists());
        assert_eq!(fs::read_dir(root.join(".New/cur"))?.count(), 1);
        // done already (a crash before the state followed): nothing to do
        assert!(move_folder(root, ".Old", ".New")?);
        // an empty folder in the way is replaced; one with mail is not
        MaildirFolder::open(root, ".Empty")?;
        assert!(move_folder(root, ".New", ".Empty")?);
        assert_eq!(fs::read_dir(root.join(".Empty/cur"))?.count(), 1);
        let mut b = MaildirFolder::open(root, ".Full")?;
        let p = b.write_tmp(2, b"y\r\n", 0, &[])?;
        commit_group(&b.dir, vec![p])?;
        assert!(!move_folder(root, ".Empty", ".Full")?);
        assert!(root.join(".Empty/cur").is_dir());
        assert!(!move_folder(root, ".Empty", "")?, "never onto Inbox");
        Ok(())
    }
}
