//! The destination: a Maildir++ mailbox as Dovecot lays it out.
//!
//! Each message is written to `tmp/`, its mtime set to INTERNALDATE, then (per group)
//! fdatasync'ed, renamed into `cur/` with its flags in the name (`:2,DFRS` + keyword
//! letters), and `cur/` is fsync'ed. Only then does the engine tell the sink.
//! Keywords are numbered in the folder's `dovecot-keywords` file (`0 $Forwarded`), and
//! letter `a` + n in the file name stands for keyword n (at most 26, as in Dovecot).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use filetime::FileTime;

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A message written to `tmp/` and not yet durable.
pub struct PendingFile {
    pub file: File,
    pub tmp_path: PathBuf,
    pub file_name: String,
    pub uid: u32,
    pub size: u64,
}

/// One destination folder.
pub struct MaildirFolder {
    pub dir: PathBuf,
    keywords: Vec<String>,
    keywords_dirty: bool,
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
        Ok(MaildirFolder { dir, keywords, keywords_dirty: false })
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
        Ok(PendingFile { file, tmp_path, file_name, uid, size: bytes.len() as u64 })
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

/// Make a group durable: fdatasync each file, rename into `cur/`, fsync `cur/`.
/// Blocking; run it off the async threads.
pub fn commit_group(dir: &Path, pending: Vec<PendingFile>) -> io::Result<Vec<(u32, String, u64)>> {
    let mut done = Vec::with_capacity(pending.len());
    for p in &pending {
        p.file.sync_data()?;
    }
    let cur = dir.join("cur");
    for p in pending {
        fs::rename(&p.tmp_path, cur.join(&p.file_name))?;
        done.push((p.uid, p.file_name, p.size));
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
}
