//! What the engine reports, and to whom: the `ProgressSink` the caller implements.
//!
//! Every call is a commit point: the engine calls the sink only after the data it reports
//! is durable on disk (message files fsync'ed and renamed into `cur/`, directory fsync'ed),
//! so a caller that persists each call in one SQLite transaction never records a message
//! that a crash could lose. A sink error fails the user (the engine stops copying for that
//! user), so a failed transaction never leaves copied-but-unrecorded work behind silently.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use super::error::MigrationError;
use super::spec::FolderSyncState;

/// Per-user state, in Exchange's MigrationUser status vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserState {
    /// Waiting for a slot under the endpoint's MaxConcurrentMigrations.
    Queued,
    /// Copying.
    Syncing,
    /// Finished a pass (possibly with skipped items).
    Synced,
    /// Stopped by `Engine::stop_batch`.
    Stopped,
    /// Failed; the error carries Exchange's message.
    Failed,
}

impl UserState {
    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Queued => "Queued",
            UserState::Syncing => "Syncing",
            UserState::Synced => "Synced",
            UserState::Stopped => "Stopped",
            UserState::Failed => "Failed",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, UserState::Synced | UserState::Stopped | UserState::Failed)
    }
}

/// Why an item was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SkipReason {
    /// Larger than `Limits::max_message_size`.
    TooLarge,
    /// Beyond `Limits::max_items` in this mailbox.
    TooManyItems,
    /// The server did not return the message (expunged meanwhile, or NO for it).
    Unavailable,
}

impl SkipReason {
    /// Exchange's skipped-item `Kind`.
    pub fn kind(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "LargeItem",
            SkipReason::TooManyItems => "TooManyItems",
            SkipReason::Unavailable => "MissingItem",
        }
    }

    /// Text for the skipped item's `Failure`.
    pub fn failure(self, size: u64, limit: u64) -> String {
        match self {
            SkipReason::TooLarge => {
                format!("The message is {size} bytes, larger than the maximum message size of {limit} bytes.")
            }
            SkipReason::TooManyItems => {
                format!("The mailbox has more than {limit} items; this item wasn't migrated.")
            }
            SkipReason::Unavailable => "The IMAP server didn't return this message.".to_string(),
        }
    }
}

/// One skipped item (MigrationUserSkippedItem).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedItem {
    pub reason: SkipReason,
    /// Exchange folder name (`Inbox`, `Sent Items`, `Projects/Q3`).
    pub folder: String,
    pub uid: u32,
    pub subject: String,
    pub sender: String,
    pub size: u64,
    /// INTERNALDATE (seconds since the epoch), when known.
    pub date_received: Option<i64>,
    pub failure: String,
}

/// What identifies a message when UIDs can no longer be trusted (after a UIDVALIDITY
/// change): Message-ID, RFC822.SIZE and INTERNALDATE, and a hash of the header block for
/// messages without a unique Message-ID.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageIdentity {
    /// The Message-ID header's value (trimmed), when the message has one.
    pub message_id: Option<String>,
    /// INTERNALDATE, seconds since the epoch.
    pub internal_date: i64,
    /// SHA-1 (hex) of the header block, blank line included (what `BODY[HEADER]` returns).
    pub header_hash: String,
}

/// One message made durable in the destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopiedItem {
    pub uid: u32,
    /// File name inside the folder's `cur/` (flags suffix included).
    pub file_name: String,
    pub size: u64,
    pub identity: MessageIdentity,
}

/// A destination file renamed because its message's flags or keywords changed at the
/// source (the UID map row takes the new name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenamedFile {
    pub uid: u32,
    /// The new file name inside `cur/`.
    pub file_name: String,
}

/// A destination message matched again after the folder's UIDVALIDITY changed: its UID
/// map row moves from the old UIDVALIDITY/UID to the new ones (nothing is copied).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rematched {
    pub old_uid_validity: u32,
    pub old_uid: u32,
    pub uid: u32,
    /// File name inside `cur/` (flags suffix included, as now on disk).
    pub file_name: String,
}

/// A UID map row as the caller keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedMessage {
    pub uid_validity: u32,
    pub uid: u32,
    pub file_name: String,
    pub size: u64,
    /// `None` for rows recorded before identities were kept (the file is read instead).
    pub identity: Option<MessageIdentity>,
}

/// Which UID map rows of one folder the engine asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapQuery<'a> {
    pub job_id: &'a str,
    /// Source folder name (raw).
    pub source_name: &'a str,
    /// `Ok(v)`: rows under UIDVALIDITY `v`; `Err(v)`: rows under any UIDVALIDITY but `v`.
    pub uid_validity: Result<u32, u32>,
    /// Lowest and highest UID wanted (inclusive).
    pub uids: (u32, u32),
}

/// A source folder as the engine sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderInfo {
    /// Raw name on the server (modified UTF-7, server delimiter).
    pub source_name: String,
    /// Exchange name, `/` separated (`Inbox`, `Sent Items`, `Archive/2023`).
    pub target_name: String,
    /// Maildir++ directory relative to the destination root (`""` for Inbox).
    pub maildir: String,
    pub excluded: bool,
}

/// Folder-level sync state after a commit (what an incremental pass needs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderCommit {
    pub folder: FolderInfo,
    pub uid_validity: u32,
    /// Highest UID copied or skipped so far; the next pass fetches UIDs above it.
    pub highest_uid: u32,
    pub highest_modseq: Option<u64>,
    /// The folder was renamed at the source: its old raw name (the caller moves the
    /// folder's sync state and UID map rows to the new name).
    pub renamed_from: Option<String>,
    /// Source UID -> destination file (the UID map rows to insert).
    pub copied: Vec<CopiedItem>,
    /// Files renamed for new flags/keywords (the UID map rows to update).
    pub flags_updated: Vec<RenamedFile>,
    /// Rows to move to the folder's new UIDVALIDITY.
    pub rematched: Vec<Rematched>,
    pub skipped: Vec<SkippedItem>,
    /// Bytes of the copied messages.
    pub bytes: u64,
}

/// Totals counted in the source before copying starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceScan {
    pub folders: Vec<FolderInfo>,
    /// TotalItemsInSourceMailboxCount (items in folders that are not excluded).
    pub total_items: u64,
    /// EstimatedTotalTransferSize in bytes.
    pub total_bytes: u64,
    /// Folders that did not change since the last pass (not opened in this one): their
    /// state stays as it was. No commit is made for them; listed so that a caller that
    /// keeps only the last pass's figures still has every folder's state.
    pub unchanged: Vec<FolderSyncState>,
}

/// One call to the sink = one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Status change. `error` is set with `Failed` (and for non-fatal folder errors
    /// reported with the final state).
    Status { job_id: String, state: UserState, error: Option<MigrationError> },
    /// Source counted (sent once per pass, after LIST and before copying).
    Scanned { job_id: String, scan: SourceScan },
    /// Messages of one folder made durable, with the folder's new sync state.
    Committed { job_id: String, commit: FolderCommit },
}

impl Event {
    pub fn job_id(&self) -> &str {
        match self {
            Event::Status { job_id, .. } | Event::Scanned { job_id, .. } | Event::Committed { job_id, .. } => job_id,
        }
    }
}

/// Implemented by the caller (the tenant store). Called from engine threads.
pub trait ProgressSink: Send + Sync {
    /// Persist one event. An `Err` fails the user with the given text.
    fn record(&self, event: &Event) -> Result<(), String>;

    /// UID map rows recorded by earlier commits (sorted by UID validity, then UID). The
    /// engine asks for them on incremental passes: to find the file of a message whose
    /// flags changed, to skip UIDs that are already copied, and to re-match messages
    /// after a UIDVALIDITY change. A sink that keeps no UID map returns none (flag changes
    /// then can't be carried, and a UIDVALIDITY change copies the folder again).
    fn mapped(&self, query: &MapQuery<'_>) -> Result<Vec<MappedMessage>, String> {
        let _ = query;
        Ok(Vec::new())
    }
}

/// Accumulated per-user figures (what Get-MigrationUserStatistics shows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserProgress {
    pub job_id: String,
    pub state: UserState,
    pub error: Option<MigrationError>,
    pub total_items: u64,
    pub total_bytes: u64,
    pub synced_items: u64,
    pub skipped_items: u64,
    pub bytes_transferred: u64,
    pub skipped: Vec<SkippedItem>,
    /// Messages whose destination file was renamed for new flags or keywords.
    pub flags_updated: u64,
    /// Messages matched again (not copied) after a UIDVALIDITY change.
    pub rematched: u64,
    /// Per source folder: (uid_validity, highest_uid).
    pub folders: HashMap<String, (u32, u32)>,
    /// Per source folder: the state the next incremental pass starts from.
    pub folder_states: HashMap<String, FolderSyncState>,
    /// Source folder -> destination Maildir++ dir.
    pub folder_dirs: HashMap<String, String>,
}

impl UserProgress {
    pub fn new(job_id: &str) -> Self {
        UserProgress {
            job_id: job_id.to_string(),
            state: UserState::Queued,
            error: None,
            total_items: 0,
            total_bytes: 0,
            synced_items: 0,
            skipped_items: 0,
            bytes_transferred: 0,
            skipped: Vec::new(),
            flags_updated: 0,
            rematched: 0,
            folders: HashMap::new(),
            folder_states: HashMap::new(),
            folder_dirs: HashMap::new(),
        }
    }

    /// PercentageComplete: synced + skipped over the source count (100 when Synced).
    pub fn percentage_complete(&self) -> u8 {
        if self.state == UserState::Synced {
            return 100;
        }
        if self.total_items == 0 {
            return 0;
        }
        let done = (self.synced_items + self.skipped_items).min(self.total_items);
        u8::try_from(done * 100 / self.total_items).unwrap_or(100).min(99)
    }

    /// The folder states for the next pass (`JobSpec::previous`).
    pub fn previous(&self) -> Vec<FolderSyncState> {
        let mut v: Vec<FolderSyncState> = self.folder_states.values().cloned().collect();
        v.sort_by(|a, b| a.source_name.cmp(&b.source_name));
        v
    }

    /// Fold one event into the figures.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Status { state, error, .. } => {
                self.state = *state;
                if error.is_some() {
                    self.error = error.clone();
                } else if *state == UserState::Syncing {
                    self.error = None;
                }
            }
            Event::Scanned { scan, .. } => {
                self.total_items = scan.total_items;
                self.total_bytes = scan.total_bytes;
                for f in &scan.folders {
                    self.folder_dirs.insert(f.source_name.clone(), f.maildir.clone());
                }
                for f in &scan.unchanged {
                    self.folders.insert(f.source_name.clone(), (f.uid_validity, f.highest_uid));
                    self.folder_states.insert(f.source_name.clone(), f.clone());
                }
            }
            Event::Committed { commit, .. } => {
                self.synced_items += commit.copied.len() as u64;
                self.skipped_items += commit.skipped.len() as u64;
                self.bytes_transferred += commit.bytes;
                self.skipped.extend(commit.skipped.iter().cloned());
                self.flags_updated += commit.flags_updated.len() as u64;
                self.rematched += commit.rematched.len() as u64;
                if let Some(old) = &commit.renamed_from {
                    self.folders.remove(old);
                    self.folder_states.remove(old);
                }
                self.folders.insert(commit.folder.source_name.clone(), (commit.uid_validity, commit.highest_uid));
                self.folder_states.insert(
                    commit.folder.source_name.clone(),
                    FolderSyncState {
                        source_name: commit.folder.source_name.clone(),
                        uid_validity: commit.uid_validity,
                        highest_uid: commit.highest_uid,
                        highest_modseq: commit.highest_modseq,
                        maildir: commit.folder.maildir.clone(),
                    },
                );
            }
        }
    }
}

/// UID map rows of one job's folder under one UIDVALIDITY: UID -> row.
type FolderMap = std::collections::BTreeMap<u32, MappedMessage>;

/// A sink that keeps everything in memory (tests, and callers that only poll the engine),
/// UID map included.
#[derive(Default)]
pub struct MemorySink {
    events: Mutex<Vec<Event>>,
    users: Mutex<HashMap<String, UserProgress>>,
    /// (job, source folder) -> UIDVALIDITY -> rows.
    maps: Mutex<HashMap<(String, String), std::collections::BTreeMap<u32, FolderMap>>>,
    /// Keep a copy of every event (`events()`); off for long benchmarks.
    pub keep_events: bool,
    /// Fail every `record` for this job id (to test sink failures).
    pub fail_job: Option<String>,
    /// Directory of destination mailboxes, for tests that look up files.
    pub root: Option<PathBuf>,
}

impl MemorySink {
    pub fn new() -> Self {
        MemorySink { keep_events: true, ..Self::default() }
    }

    /// A sink that keeps figures and the UID map but no copy of each event (long runs).
    pub fn without_events() -> Self {
        MemorySink { keep_events: false, ..Self::default() }
    }

    /// A sink that refuses every event of `job_id` (to test sink failures).
    pub fn failing_for(job_id: &str) -> Self {
        MemorySink { fail_job: Some(job_id.to_string()), ..Self::new() }
    }

    /// Number of UID map rows of a job (all folders and UIDVALIDITYs).
    pub fn mapped_count(&self, job_id: &str) -> usize {
        self.maps
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|((j, _), _)| j == job_id)
                    .map(|(_, v)| v.values().map(|f| f.len()).sum::<usize>())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn apply_map(&self, job_id: &str, commit: &FolderCommit) {
        let Ok(mut maps) = self.maps.lock() else { return };
        let src = commit.folder.source_name.clone();
        if let Some(old) = &commit.renamed_from
            && let Some(v) = maps.remove(&(job_id.to_string(), old.clone()))
        {
            maps.entry((job_id.to_string(), src.clone())).or_default().extend(v);
        }
        let folder = maps.entry((job_id.to_string(), src)).or_default();
        for r in &commit.rematched {
            let row = folder.get_mut(&r.old_uid_validity).and_then(|m| m.remove(&r.old_uid));
            let (size, identity) = row.map(|m| (m.size, m.identity)).unwrap_or((0, None));
            folder.entry(commit.uid_validity).or_default().insert(
                r.uid,
                MappedMessage {
                    uid_validity: commit.uid_validity,
                    uid: r.uid,
                    file_name: r.file_name.clone(),
                    size,
                    identity,
                },
            );
        }
        let current = folder.entry(commit.uid_validity).or_default();
        for c in &commit.copied {
            current.entry(c.uid).or_insert_with(|| MappedMessage {
                uid_validity: commit.uid_validity,
                uid: c.uid,
                file_name: c.file_name.clone(),
                size: c.size,
                identity: Some(c.identity.clone()),
            });
        }
        for f in &commit.flags_updated {
            if let Some(m) = current.get_mut(&f.uid) {
                m.file_name = f.file_name.clone();
            }
        }
    }

    /// All events so far, in order.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Figures for one user.
    pub fn user(&self, job_id: &str) -> Option<UserProgress> {
        self.users.lock().ok().and_then(|u| u.get(job_id).cloned())
    }
}

impl ProgressSink for MemorySink {
    fn record(&self, event: &Event) -> Result<(), String> {
        if self.fail_job.as_deref() == Some(event.job_id()) {
            return Err("sink refused".to_string());
        }
        if let Ok(mut users) = self.users.lock() {
            users.entry(event.job_id().to_string()).or_insert_with(|| UserProgress::new(event.job_id())).apply(event);
        }
        if let Event::Committed { job_id, commit } = event {
            self.apply_map(job_id, commit);
        }
        if self.keep_events
            && let Ok(mut events) = self.events.lock()
        {
            events.push(event.clone());
        }
        Ok(())
    }

    fn mapped(&self, q: &MapQuery<'_>) -> Result<Vec<MappedMessage>, String> {
        let maps = self.maps.lock().map_err(|_| "sink lock poisoned".to_string())?;
        let Some(folder) = maps.get(&(q.job_id.to_string(), q.source_name.to_string())) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (v, rows) in folder {
            let wanted = match q.uid_validity {
                Ok(x) => *v == x,
                Err(x) => *v != x,
            };
            if wanted {
                out.extend(rows.range(q.uids.0..=q.uids.1).map(|(_, m)| m.clone()));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentage_counts_synced_and_skipped() {
        let mut p = UserProgress::new("u");
        p.total_items = 200;
        p.synced_items = 99;
        p.skipped_items = 1;
        p.state = UserState::Syncing;
        assert_eq!(p.percentage_complete(), 50);
        p.synced_items = 199;
        assert_eq!(p.percentage_complete(), 99);
        p.state = UserState::Synced;
        assert_eq!(p.percentage_complete(), 100);
    }

    #[test]
    fn memory_sink_folds_commits() {
        let sink = MemorySink::new();
        let folder = FolderInfo {
            source_name: "INBOX".into(),
            target_name: "Inbox".into(),
            maildir: String::new(),
            excluded: false,
        };
        let commit = FolderCommit {
            folder,
            uid_validity: 7,
            highest_uid: 12,
            highest_modseq: None,
            renamed_from: None,
            copied: vec![CopiedItem { uid: 12, file_name: "x".into(), size: 10, identity: MessageIdentity::default() }],
            flags_updated: vec![],
            rematched: vec![],
            skipped: vec![],
            bytes: 10,
        };
        sink.record(&Event::Committed { job_id: "a".into(), commit }).ok();
        let u = sink.user("a").map(|u| (u.synced_items, u.bytes_transferred, u.folders["INBOX"]));
        assert_eq!(u, Some((1, 10, (7, 12))));
    }
}
