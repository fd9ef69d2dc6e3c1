//! The bridge between the tenant and the engine: an implementation of
//! [`tenant::MigrationEngine`](crate::tenant::MigrationEngine) over [`Engine`], and a
//! [`ProgressSink`] that persists every engine event through the [`TenantStore`].
//!
//! ```text
//! let tenant = engine::bridge::attach(Tenant::new(Arc::new(store)), store_home);
//! ```
//!
//! * Each migration user runs as its own engine batch (engine batch id = user GUID), so a
//!   user can be stopped or synced on its own; MaxConcurrentMigrations is the engine's
//!   per-endpoint semaphore (keyed by the endpoint GUID), shared by all batches.
//! * The engine calls the sink only after the reported messages are durable (fsync'ed
//!   and renamed into `cur/`). The sink first commits the folder sync state and the UID
//!   map rows into the bridge's own database (`<home>/engine-sync.db`, one transaction),
//!   then the user's statistics into the tenant store (one transaction). A crash between
//!   the two under-counts statistics at worst; it never makes the next pass copy twice.
//! * Leases (`lease` table of the same database): a process works on a user only while it
//!   holds the user's lease. Leases are renewed every few seconds and expire after
//!   [`LEASE_SECS`]; a lease whose process is gone (same host, `kill(pid, 0)` fails) is
//!   taken over at once. So a later exosh process on the same home resumes unfinished
//!   work, and two processes never work on the same user.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::availability::AvailabilityResult;
use super::error::{ErrorKind, MigrationError};
use super::scheduler::{Engine, EngineConfig};
use super::sink::{
    Event, MapQuery, MappedMessage, MessageIdentity, ProgressSink, SkippedItem, UserProgress as EngineUserProgress,
    UserState,
};
use super::spec::{Authentication, BatchSpec, Credentials, FolderSyncState, JobSpec, Limits, Security, ServerSpec};
use crate::tenant::{
    AuthenticationMethod, BatchProgress, IMAPSecurityMechanism, MigrationBatchStatus, MigrationEndpoint,
    MigrationEngine, MigrationUserStatus, SkippedItem as TenantSkippedItem, Tenant, TenantStore,
    TestMigrationServerAvailabilityOutcome, Unlimited, UserProgress, UserWork,
};

/// File name of the bridge's database in the tenant home.
pub const SYNC_DB_FILE: &str = "engine-sync.db";
/// A lease not renewed for this long is free.
pub const LEASE_SECS: i64 = 30;
/// How often held leases are renewed.
const RENEW_EVERY: Duration = Duration::from_secs(5);
/// How often running batches are checked for a stop or remove made by another process.
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// MaxConcurrentMigrations used for `Unlimited`.
const UNLIMITED_CONCURRENCY: usize = 1000;

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// True when process `pid` exists on this host.
fn pid_alive(pid: i64) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 only checks for the process's existence.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The bridge's own state: per-user folder sync state, UID map, cumulative totals, leases.
pub struct SyncDb {
    conn: Mutex<Connection>,
    owner: String,
    pid: i64,
}

/// Cumulative figures of one user over all passes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserTotals {
    pub synced_items: u64,
    pub bytes: u64,
}

impl SyncDb {
    /// Opens (creating when needed) `<home>/engine-sync.db`.
    pub fn open(home: &Path) -> Result<SyncDb, String> {
        std::fs::create_dir_all(home).map_err(|e| format!("{}: {e}", home.display()))?;
        let path = home.join(SYNC_DB_FILE);
        let conn = Connection::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(|e| e.to_string())?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS folder_state(
               user TEXT NOT NULL, source_name TEXT NOT NULL, uid_validity INTEGER NOT NULL,
               highest_uid INTEGER NOT NULL, highest_modseq INTEGER, maildir TEXT NOT NULL,
               PRIMARY KEY(user, source_name));
             CREATE TABLE IF NOT EXISTS uid_map(
               user TEXT NOT NULL, source_name TEXT NOT NULL, uid_validity INTEGER NOT NULL,
               uid INTEGER NOT NULL, file_name TEXT NOT NULL, size INTEGER NOT NULL,
               PRIMARY KEY(user, source_name, uid_validity, uid));
             CREATE TABLE IF NOT EXISTS user_totals(
               user TEXT PRIMARY KEY, synced_items INTEGER NOT NULL, bytes INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS user_start(user TEXT PRIMARY KEY, started INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS lease(
               user TEXT PRIMARY KEY, owner TEXT NOT NULL, pid INTEGER NOT NULL, expires INTEGER NOT NULL);",
        )
        .map_err(|e| e.to_string())?;
        migrate_uid_map(&conn)?;
        Ok(SyncDb { conn: Mutex::new(conn), owner: Uuid::new_v4().to_string(), pid: i64::from(std::process::id()) })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Connection>, String> {
        self.conn.lock().map_err(|_| "engine sync database lock poisoned".to_string())
    }

    /// This process's lease owner id.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Takes the lease of `user` when it is free, expired, held by a dead process, or ours.
    pub fn try_lease(&self, user: Uuid) -> Result<bool, String> {
        let mut c = self.lock()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
        let row: Option<(String, i64, i64)> = tx
            .query_row("SELECT owner, pid, expires FROM lease WHERE user = ?1", [user.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(|e| e.to_string())?;
        let now = now_ms();
        let free = match &row {
            None => true,
            Some((owner, pid, expires)) => owner == &self.owner || *expires < now || !pid_alive(*pid),
        };
        if free {
            tx.execute(
                "INSERT INTO lease(user, owner, pid, expires) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(user) DO UPDATE SET owner = ?2, pid = ?3, expires = ?4",
                params![user.to_string(), self.owner, self.pid, now + LEASE_SECS * 1000],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        Ok(free)
    }

    /// True when another live process holds an unexpired lease on `user`.
    pub fn leased_elsewhere(&self, user: Uuid) -> Result<bool, String> {
        let c = self.lock()?;
        let row: Option<(String, i64, i64)> = c
            .query_row("SELECT owner, pid, expires FROM lease WHERE user = ?1", [user.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(|e| e.to_string())?;
        Ok(matches!(row, Some((owner, pid, expires)) if owner != self.owner && expires >= now_ms() && pid_alive(pid)))
    }

    /// Lets go of a lease of ours.
    pub fn release(&self, user: Uuid) -> Result<(), String> {
        let c = self.lock()?;
        c.execute("DELETE FROM lease WHERE user = ?1 AND owner = ?2", params![user.to_string(), self.owner])
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Extends every lease this process holds.
    pub fn renew(&self) -> Result<(), String> {
        let c = self.lock()?;
        c.execute("UPDATE lease SET expires = ?2 WHERE owner = ?1", params![self.owner, now_ms() + LEASE_SECS * 1000])
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Folder states left by earlier passes (for the engine's incremental pass).
    pub fn folder_states(&self, user: Uuid) -> Result<Vec<FolderSyncState>, String> {
        let c = self.lock()?;
        let mut st = c
            .prepare(
                "SELECT source_name, uid_validity, highest_uid, highest_modseq, maildir FROM folder_state
                 WHERE user = ?1 ORDER BY source_name",
            )
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map([user.to_string()], |r| {
                Ok(FolderSyncState {
                    source_name: r.get(0)?,
                    uid_validity: u32::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                    highest_uid: u32::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    highest_modseq: r.get::<_, Option<i64>>(3)?.and_then(|m| u64::try_from(m).ok()),
                    maildir: r.get(4)?,
                })
            })
            .map_err(|e| e.to_string())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| e.to_string())?;
        Ok(rows)
    }

    /// Cumulative totals of a user.
    pub fn totals(&self, user: Uuid) -> Result<UserTotals, String> {
        let c = self.lock()?;
        let t = c
            .query_row("SELECT synced_items, bytes FROM user_totals WHERE user = ?1", [user.to_string()], |r| {
                Ok(UserTotals {
                    synced_items: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    bytes: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                })
            })
            .optional()
            .map_err(|e| e.to_string())?;
        Ok(t.unwrap_or_default())
    }

    /// Number of UID map rows of a user (messages copied, all passes).
    pub fn mapped_count(&self, user: Uuid) -> Result<u64, String> {
        let c = self.lock()?;
        let n: i64 = c
            .query_row("SELECT count(*) FROM uid_map WHERE user = ?1", [user.to_string()], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Commits one engine folder commit: folder state, UID map rows and totals, in one
    /// transaction. Returns the user's new totals.
    pub fn commit(&self, user: Uuid, commit: &super::sink::FolderCommit) -> Result<UserTotals, String> {
        let mut c = self.lock()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
        let u = user.to_string();
        let src = &commit.folder.source_name;
        let uidv = i64::from(commit.uid_validity);
        if let Some(old) = commit.renamed_from.as_ref().filter(|o| *o != src) {
            // the folder was renamed at the source: its state and rows follow it
            tx.execute(
                "UPDATE OR REPLACE folder_state SET source_name = ?3 WHERE user = ?1 AND source_name = ?2",
                params![u, old, src],
            )
            .map_err(|e| e.to_string())?;
            tx.execute(
                "UPDATE OR REPLACE uid_map SET source_name = ?3 WHERE user = ?1 AND source_name = ?2",
                params![u, old, src],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.execute(
            "INSERT INTO folder_state(user, source_name, uid_validity, highest_uid, highest_modseq, maildir)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(user, source_name) DO UPDATE SET uid_validity = ?3, highest_uid = ?4, highest_modseq = ?5, maildir = ?6",
            params![
                u,
                src,
                i64::from(commit.uid_validity),
                i64::from(commit.highest_uid),
                commit.highest_modseq.and_then(|m| i64::try_from(m).ok()),
                commit.folder.maildir
            ],
        )
        .map_err(|e| e.to_string())?;
        let mut added = 0u64;
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO uid_map(user, source_name, uid_validity, uid, file_name, size,
                       message_id, internal_date, header_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(|e| e.to_string())?;
            for item in &commit.copied {
                added += ins
                    .execute(params![
                        u,
                        src,
                        uidv,
                        i64::from(item.uid),
                        item.file_name,
                        i64::try_from(item.size).unwrap_or(i64::MAX),
                        item.identity.message_id,
                        item.identity.internal_date,
                        item.identity.header_hash,
                    ])
                    .map_err(|e| e.to_string())? as u64;
            }
            let mut upd = tx
                .prepare_cached(
                    "UPDATE uid_map SET file_name = ?5 WHERE user = ?1 AND source_name = ?2 AND uid_validity = ?3 AND uid = ?4",
                )
                .map_err(|e| e.to_string())?;
            for r in &commit.flags_updated {
                upd.execute(params![u, src, uidv, i64::from(r.uid), r.file_name]).map_err(|e| e.to_string())?;
            }
            // re-matched after a UIDVALIDITY change: the row moves to the new key
            let mut mv = tx
                .prepare_cached(
                    "UPDATE OR REPLACE uid_map SET uid_validity = ?5, uid = ?6, file_name = ?7
                     WHERE user = ?1 AND source_name = ?2 AND uid_validity = ?3 AND uid = ?4",
                )
                .map_err(|e| e.to_string())?;
            for r in &commit.rematched {
                mv.execute(params![
                    u,
                    src,
                    i64::from(r.old_uid_validity),
                    i64::from(r.old_uid),
                    uidv,
                    i64::from(r.uid),
                    r.file_name
                ])
                .map_err(|e| e.to_string())?;
            }
        }
        let bytes = i64::try_from(commit.bytes).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO user_totals(user, synced_items, bytes) VALUES (?1, ?2, ?3)
             ON CONFLICT(user) DO UPDATE SET synced_items = synced_items + ?2, bytes = bytes + ?3",
            params![u, i64::try_from(added).unwrap_or(i64::MAX), bytes],
        )
        .map_err(|e| e.to_string())?;
        let t = tx
            .query_row("SELECT synced_items, bytes FROM user_totals WHERE user = ?1", [&u], |r| {
                Ok(UserTotals {
                    synced_items: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    bytes: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                })
            })
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(t)
    }

    /// UID map rows of one folder (see [`ProgressSink::mapped`]).
    pub fn mapped(&self, user: Uuid, q: &MapQuery<'_>) -> Result<Vec<MappedMessage>, String> {
        let c = self.lock()?;
        let (op, v) = match q.uid_validity {
            Ok(v) => ("=", v),
            Err(v) => ("<>", v),
        };
        let mut st = c
            .prepare_cached(&format!(
                "SELECT uid_validity, uid, file_name, size, message_id, internal_date, header_hash FROM uid_map
                 WHERE user = ?1 AND source_name = ?2 AND uid_validity {op} ?3 AND uid BETWEEN ?4 AND ?5
                 ORDER BY uid_validity, uid"
            ))
            .map_err(|e| e.to_string())?;
        let rows = st
            .query_map(
                params![user.to_string(), q.source_name, i64::from(v), i64::from(q.uids.0), i64::from(q.uids.1)],
                |r| {
                    let hash: Option<String> = r.get(6)?;
                    let identity = hash.map(|header_hash| -> rusqlite::Result<MessageIdentity> {
                        Ok(MessageIdentity {
                            message_id: r.get(4)?,
                            internal_date: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
                            header_hash,
                        })
                    });
                    Ok(MappedMessage {
                        uid_validity: u32::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                        uid: u32::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                        file_name: r.get(2)?,
                        size: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                        identity: identity.transpose()?,
                    })
                },
            )
            .map_err(|e| e.to_string())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| e.to_string())?;
        Ok(rows)
    }

    /// When this user's first pass started (seconds since the epoch), recorded now if
    /// it wasn't yet.
    pub fn mark_started(&self, user: Uuid) -> Result<i64, String> {
        let c = self.lock()?;
        c.execute(
            "INSERT OR IGNORE INTO user_start(user, started) VALUES (?1, ?2)",
            params![user.to_string(), Utc::now().timestamp()],
        )
        .map_err(|e| e.to_string())?;
        c.query_row("SELECT started FROM user_start WHERE user = ?1", [user.to_string()], |r| r.get(0))
            .map_err(|e| e.to_string())
    }

    /// File names (without the `:2,` info) of every message recorded for a user.
    pub fn known_files(&self, user: Uuid) -> Result<HashSet<String>, String> {
        let c = self.lock()?;
        let mut st = c.prepare("SELECT file_name FROM uid_map WHERE user = ?1").map_err(|e| e.to_string())?;
        let rows = st
            .query_map([user.to_string()], |r| r.get::<_, String>(0))
            .map_err(|e| e.to_string())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| e.to_string())?;
        Ok(rows.into_iter().map(|f| file_base(&f).to_string()).collect())
    }

    /// Drops everything kept for these users (their batch was removed; the mail stays).
    pub fn forget_users(&self, users: &[Uuid]) -> Result<(), String> {
        let mut c = self.lock()?;
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| e.to_string())?;
        for u in users {
            let u = u.to_string();
            for table in ["folder_state", "uid_map", "user_totals", "user_start"] {
                tx.execute(&format!("DELETE FROM {table} WHERE user = ?1"), [&u]).map_err(|e| e.to_string())?;
            }
            tx.execute("DELETE FROM lease WHERE user = ?1 AND owner = ?2", params![u, self.owner])
                .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())
    }
}

/// A Maildir file name without its `:2,` info (flags may change, the base does not).
fn file_base(name: &str) -> &str {
    name.split_once(':').map_or(name, |(b, _)| b)
}

/// Schema version of the UID map part of `engine-sync.db` (`PRAGMA user_version`).
const UID_MAP_VERSION: i64 = 1;

/// Brings the UID map table to [`UID_MAP_VERSION`], once, under a write lock (two
/// processes opening the database at once migrate it once).
///
/// 1: `message_id`, `internal_date`, `header_hash` per row: what re-matching needs after a
///    folder's UIDVALIDITY changes (rows from before have NULLs; the engine reads their
///    files instead).
fn migrate_uid_map(conn: &Connection) -> Result<(), String> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if version >= UID_MAP_VERSION {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())?;
    let run = || -> rusqlite::Result<()> {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < 1 {
            conn.execute_batch(
                "ALTER TABLE uid_map ADD COLUMN message_id TEXT;
                 ALTER TABLE uid_map ADD COLUMN internal_date INTEGER;
                 ALTER TABLE uid_map ADD COLUMN header_hash TEXT;",
            )?;
        }
        conn.execute_batch(&format!("PRAGMA user_version = {UID_MAP_VERSION}"))
    };
    match run() {
        Ok(()) => conn.execute_batch("COMMIT").map_err(|e| e.to_string()),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e.to_string())
        }
    }
}

/// Removes the messages the engine made durable but the sync state never recorded
/// (the process died between the rename into `cur/` and the commit): files written by
/// exosh (`.exosh,` in the name) since `since` (seconds) that are not in `known`. Their
/// UIDs are above the recorded highest UID, so the next pass copies them again: removing
/// them is what keeps that from making duplicates. Mail from earlier batches (written
/// before `since`) and files of other tools are never touched. Half-written exosh files
/// left in `tmp/` go too. Returns how many went.
pub fn remove_unrecorded(root: &Path, known: &HashSet<String>, since: i64) -> std::io::Result<usize> {
    let mut dirs = vec![root.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(root) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with('.') && e.path().is_dir() {
                dirs.push(e.path());
            }
        }
    }
    let mut removed = 0;
    for d in dirs {
        for sub in ["cur", "new", "tmp"] {
            let Ok(rd) = std::fs::read_dir(d.join(sub)) else { continue };
            let mut any = false;
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.contains(".exosh,") {
                    continue;
                }
                let base = file_base(&name);
                let written = base.split('.').next().and_then(|t| t.parse::<i64>().ok()).unwrap_or(i64::MIN);
                // tmp/: never delivered, always garbage once no pass runs for this user.
                if sub == "tmp" || (written >= since && !known.contains(base)) {
                    std::fs::remove_file(e.path())?;
                    removed += 1;
                    any = true;
                }
            }
            if any {
                std::fs::File::open(d.join(sub))?.sync_all()?;
            }
        }
    }
    Ok(removed)
}

/// Maps an engine user state to the tenant's status (`incremental`: a pass after the
/// initial sync).
pub fn user_status(state: UserState, incremental: bool) -> MigrationUserStatus {
    match (state, incremental) {
        (UserState::Queued, _) => MigrationUserStatus::Queued,
        (UserState::Syncing, false) => MigrationUserStatus::Syncing,
        (UserState::Syncing, true) => MigrationUserStatus::IncrementalSyncing,
        (UserState::Synced, _) => MigrationUserStatus::Synced,
        (UserState::Stopped, _) => MigrationUserStatus::Stopped,
        (UserState::Failed, _) => MigrationUserStatus::Failed,
    }
}

/// Exchange's failure type for an engine error: the exception named first in the
/// detail, else one by kind.
pub fn failure_type(e: &MigrationError) -> String {
    let first = e.detail.lines().next().unwrap_or("");
    if let Some((name, _)) = first.split_once(':') {
        let short = name.rsplit('.').next().unwrap_or(name).trim();
        if short.ends_with("Exception") && !short.contains(' ') {
            return short.to_string();
        }
    }
    match e.kind {
        ErrorKind::ConnectionFailed | ErrorKind::Timeout | ErrorKind::Tls => "MigrationServerConnectionFailedException",
        ErrorKind::Logon => "MigrationLogonFailedException",
        ErrorKind::Folder | ErrorKind::Protocol => "MigrationTransientException",
        ErrorKind::Destination | ErrorKind::Sink => "MigrationPermanentException",
    }
    .to_string()
}

/// Maps an engine skipped item to the tenant's.
pub fn skipped_item(s: &SkippedItem) -> TenantSkippedItem {
    TenantSkippedItem {
        kind: s.reason.kind().to_string(),
        folder_name: s.folder.clone(),
        sender: (!s.sender.is_empty()).then(|| s.sender.clone()),
        recipient: None,
        subject: Some(s.subject.clone()),
        message_class: Some("IPM.Note".to_string()),
        message_size: i64::try_from(s.size).ok(),
        date_sent: None,
        date_received: s.date_received.and_then(|t| DateTime::<Utc>::from_timestamp(t, 0)),
        failure: Some(s.failure.clone()),
    }
}

/// Engine server settings from a tenant endpoint.
pub fn server_spec(ep: &MigrationEndpoint) -> ServerSpec {
    ServerSpec {
        host: ep.remote_server.clone(),
        port: ep.port,
        security: match ep.security {
            IMAPSecurityMechanism::Ssl => Security::Ssl,
            IMAPSecurityMechanism::Tls => Security::Tls,
            _ => Security::None,
        },
        accept_untrusted_certificates: ep.accept_untrusted_certificates,
        authentication: match ep.authentication {
            AuthenticationMethod::Ntlm => Authentication::Ntlm,
            _ => Authentication::Basic,
        },
    }
}

fn max_concurrent(ep: &MigrationEndpoint) -> usize {
    match ep.max_concurrent_migrations {
        Unlimited::Unlimited => UNLIMITED_CONCURRENCY,
        Unlimited::Value(n) => usize::try_from(n).unwrap_or(UNLIMITED_CONCURRENCY).max(1),
    }
}

fn max_incremental(ep: &MigrationEndpoint) -> usize {
    match ep.max_concurrent_incremental_syncs {
        Unlimited::Unlimited => UNLIMITED_CONCURRENCY,
        Unlimited::Value(n) => usize::try_from(n).unwrap_or(UNLIMITED_CONCURRENCY).max(1),
    }
}

/// The engine's concurrency key of an endpoint's passes: initial syncs (resumed ones too)
/// share the endpoint's MaxConcurrentMigrations, incremental passes (a user whose initial
/// sync completed: LastSuccessfulSyncTimestamp set) its MaxConcurrentIncrementalSyncs, across every batch of the endpoint
/// in this process. `Engine::concurrency(key)` tells how many run.
pub fn concurrency_key(endpoint: Uuid, incremental: bool) -> String {
    if incremental { format!("{endpoint}/incremental") } else { endpoint.to_string() }
}

/// Where notices of finished work go (the interactive shell prints them above the prompt).
type Notifier = Box<dyn Fn(&str) + Send + Sync>;
static NOTIFIER: Mutex<Option<Notifier>> = Mutex::new(None);
/// The batch statuses already told, so a batch is announced once per status it reaches.
static TOLD: Mutex<Vec<(Uuid, MigrationBatchStatus)>> = Mutex::new(Vec::new());

/// Sends the engine's notices (a user Synced or Failed, a batch reaching a final status) to
/// `f`, for the rest of the process. Without a notifier they are dropped: scripts poll.
pub fn set_notifier(f: impl Fn(&str) + Send + Sync + 'static) {
    if let Ok(mut n) = NOTIFIER.lock() {
        *n = Some(Box::new(f));
    }
}

fn notify(text: &str) {
    if let Ok(n) = NOTIFIER.lock()
        && let Some(f) = n.as_ref()
    {
        f(text);
    }
}

/// Persists the engine's events of one user through the tenant store.
struct StoreSink {
    store: Arc<dyn TenantStore>,
    db: Arc<SyncDb>,
    user: Uuid,
    /// For notices: the user's address.
    email: String,
    incremental: bool,
    pass: Mutex<EngineUserProgress>,
}

impl StoreSink {
    /// After a user's final status: tell the user's outcome.
    fn announce(&self, state: UserState, error: Option<&MigrationError>) {
        if NOTIFIER.lock().map(|n| n.is_none()).unwrap_or(true) {
            return;
        }
        match (state, error) {
            (UserState::Failed, Some(e)) => notify(&format!("{} Failed: {}", self.email, e.message)),
            (UserState::Synced, _) if !self.incremental => notify(&format!("{} Synced", self.email)),
            _ => {}
        }
    }
}

/// Tells a batch's final status once (settling may run more than once).
fn announce_batch(b: &crate::tenant::MigrationBatch) {
    use MigrationBatchStatus as S;
    if !matches!(b.status, S::Synced | S::SyncedWithErrors | S::Failed | S::Stopped | S::Completed) {
        return;
    }
    let Ok(mut told) = TOLD.lock() else { return };
    if told.iter().any(|(g, s)| *g == b.guid && *s == b.status) {
        return;
    }
    told.retain(|(g, _)| *g != b.guid);
    told.push((b.guid, b.status));
    drop(told);
    notify(&format!("Migration batch '{}' is {:?}", b.name, b.status));
}

impl ProgressSink for StoreSink {
    fn record(&self, event: &Event) -> Result<(), String> {
        let percentage = {
            let mut p = self.pass.lock().map_err(|_| "sink lock poisoned".to_string())?;
            p.apply(event);
            i32::from(p.percentage_complete())
        };
        let mut up = UserProgress { user_guid: self.user, ..Default::default() };
        match event {
            Event::Status { state, error, .. } => {
                up.status = Some(user_status(*state, self.incremental));
                match (state, error) {
                    (_, Some(e)) => up.error = Some(Some((failure_type(e), e.message.clone()))),
                    (UserState::Syncing | UserState::Synced, None) => up.error = Some(None),
                    _ => {}
                }
                if *state == UserState::Synced {
                    up.last_successful_sync = Some(Utc::now());
                    up.percentage_complete = Some(100);
                    let t = self.db.totals(self.user)?;
                    up.synced_item_count = Some(i64::try_from(t.synced_items).unwrap_or(i64::MAX));
                    up.bytes_transferred = Some(t.bytes);
                }
                if let Some(e) = error {
                    up.report.push(format!("{}: {}", e.message, e.detail));
                }
            }
            Event::Scanned { scan, .. } => {
                up.total_items_in_source = Some(i64::try_from(scan.total_items).unwrap_or(i64::MAX));
                up.estimated_total_transfer_count = Some(scan.total_items);
                up.estimated_total_transfer_size = Some(scan.total_bytes);
                up.percentage_complete = Some(percentage);
            }
            Event::Committed { commit, .. } => {
                // Sync state first: once this commits, no later pass copies these again.
                let t = self.db.commit(self.user, commit)?;
                up.synced_item_count = Some(i64::try_from(t.synced_items).unwrap_or(i64::MAX));
                up.bytes_transferred = Some(t.bytes);
                up.percentage_complete = Some(percentage);
                up.new_skipped_items = commit.skipped.iter().map(skipped_item).collect();
            }
        }
        self.store.record_user_progress(&up).map_err(|e| e.to_string())?;
        if let Event::Status { state: state @ (UserState::Synced | UserState::Failed), error, .. } = event {
            self.announce(*state, error.as_ref());
        }
        Ok(())
    }

    fn mapped(&self, query: &MapQuery<'_>) -> Result<Vec<MappedMessage>, String> {
        self.db.mapped(self.user, query)
    }
}

/// Which users of a batch a run takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    /// Users not in a final state (Queued, Syncing, Starting ...).
    Unfinished,
    /// The scheduled incremental sync: users that are Synced.
    Incremental,
    /// Every user that is not Stopped (sync now), or one user.
    All,
}

#[derive(Default)]
struct Running {
    /// Batch -> users this process runs now.
    users: HashMap<Uuid, HashSet<Uuid>>,
}

/// `tenant::MigrationEngine` over [`Engine`].
pub struct Bridge {
    engine: Engine,
    store: Arc<dyn TenantStore>,
    db: Arc<SyncDb>,
    running: Mutex<Running>,
    me: Weak<Bridge>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge").field("owner", &self.db.owner).finish_non_exhaustive()
    }
}

impl Bridge {
    /// A bridge over a new engine and the bridge database in `home`; renews its leases in
    /// a background thread while it lives.
    pub fn new(store: Arc<dyn TenantStore>, home: &Path, config: EngineConfig) -> Result<Arc<Bridge>, String> {
        let engine = Engine::new(config).map_err(|e| e.to_string())?;
        let db = Arc::new(SyncDb::open(home)?);
        let bridge =
            Arc::new_cyclic(|me| Bridge { engine, store, db, running: Mutex::new(Running::default()), me: me.clone() });
        let weak = Arc::downgrade(&bridge);
        std::thread::Builder::new()
            .name("exosh-lease".into())
            .spawn(move || {
                let mut last_renew = std::time::Instant::now();
                loop {
                    std::thread::sleep(WATCH_EVERY);
                    let Some(b) = weak.upgrade() else { break };
                    if last_renew.elapsed() >= RENEW_EVERY {
                        let _ = b.db.renew();
                        last_renew = std::time::Instant::now();
                    }
                    b.follow_other_processes();
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(bridge)
    }

    /// Another exosh process may have run Stop-/Remove-MigrationBatch on a batch this
    /// one runs: the store says so (Stopping / Removing), so stop the users here; the
    /// batch is settled when they end.
    fn follow_other_processes(&self) {
        let running: Vec<(Uuid, Vec<Uuid>)> = match self.running.lock() {
            Ok(r) => r.users.iter().map(|(b, u)| (*b, u.iter().copied().collect())).collect(),
            Err(_) => return,
        };
        for (batch, users) in running {
            let filter = crate::tenant::BatchFilter { identity: Some(batch.to_string()), ..Default::default() };
            let Ok(found) = self.store.get_batches(&filter) else { continue };
            let stop = found
                .first()
                .is_none_or(|b| matches!(b.status, MigrationBatchStatus::Stopping | MigrationBatchStatus::Removing));
            if stop {
                for u in users {
                    self.engine.stop_batch(&u.to_string());
                }
            }
        }
    }

    /// The bridge database.
    pub fn sync_db(&self) -> &SyncDb {
        &self.db
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs the incremental sync of every Synced / SyncedWithErrors batch every
    /// `interval` while the bridge lives (Exchange syncs IMAP batches every 24 hours until
    /// they are removed).
    pub fn schedule_incremental(&self, interval: Duration) {
        let me = self.me.clone();
        let _ = std::thread::Builder::new().name("exosh-incremental".into()).spawn(move || {
            loop {
                std::thread::sleep(interval);
                let Some(b) = me.upgrade() else { break };
                b.incremental_pass();
            }
        });
    }

    /// One scheduled incremental pass over the Synced batches (their Synced users).
    pub fn incremental_pass(&self) {
        let Ok(batches) = self.store.active_batches() else { return };
        for batch in batches {
            let Ok(work) = self.store.batch_work(batch) else { continue };
            if matches!(work.status, MigrationBatchStatus::Synced | MigrationBatchStatus::SyncedWithErrors) {
                self.run(batch, Pick::Incremental, None);
            }
        }
    }

    /// Resumes the unfinished work of `active_batches()` (issue 8): started batches run
    /// their unfinished users, a Stopping batch ends Stopped, a Removing batch is removed.
    pub fn resume(&self) {
        let Ok(batches) = self.store.active_batches() else { return };
        for b in batches {
            let Ok(work) = self.store.batch_work(b) else { continue };
            match work.status {
                MigrationBatchStatus::Stopping => self.finish_stop(b),
                MigrationBatchStatus::Removing => self.finish_remove(b),
                MigrationBatchStatus::Starting
                | MigrationBatchStatus::Syncing
                | MigrationBatchStatus::IncrementalSyncing => self.run(b, Pick::Unfinished, None),
                _ => {}
            }
        }
    }

    /// Users of `batch` that this process runs now.
    pub fn running_users(&self, batch: Uuid) -> Vec<Uuid> {
        self.running
            .lock()
            .map(|r| r.users.get(&batch).map(|s| s.iter().copied().collect()).unwrap_or_default())
            .unwrap_or_default()
    }

    /// Blocks until this process runs nothing of `batch`, or `timeout`; true if idle.
    pub fn wait_idle(&self, batch: Uuid, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if self.running_users(batch).is_empty() {
                return true;
            }
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn run(&self, batch: Uuid, pick: Pick, only: Option<Uuid>) {
        let Ok(work) = self.store.batch_work(batch) else { return };
        if let Some(at) = work.start_after
            && at > Utc::now()
        {
            let wait = (at - Utc::now()).to_std().unwrap_or_default();
            let me = self.me.clone();
            let _ = std::thread::Builder::new().name("exosh-start-after".into()).spawn(move || {
                std::thread::sleep(wait);
                if let Some(b) = me.upgrade() {
                    b.run(batch, pick, only);
                }
            });
            return;
        }
        let running_now: HashSet<Uuid> = self.running_users(batch).into_iter().collect();
        let server = server_spec(&work.endpoint);
        let mut jobs = Vec::new();
        for u in &work.users {
            if only.is_some_and(|o| o != u.user_guid) || running_now.contains(&u.user_guid) {
                continue;
            }
            let take = match pick {
                Pick::Unfinished => !matches!(
                    u.status,
                    MigrationUserStatus::Synced
                        | MigrationUserStatus::Failed
                        | MigrationUserStatus::Stopped
                        | MigrationUserStatus::Stopping
                        | MigrationUserStatus::IncrementalSynced
                        | MigrationUserStatus::Completed
                        | MigrationUserStatus::CompletedWithWarnings
                ),
                Pick::All => u.status != MigrationUserStatus::Stopped || only.is_some(),
                Pick::Incremental => {
                    matches!(u.status, MigrationUserStatus::Synced | MigrationUserStatus::IncrementalSynced)
                }
            } || u.sync_now;
            if !take {
                continue;
            }
            if !matches!(self.db.try_lease(u.user_guid), Ok(true)) {
                continue;
            }
            match self.job(&work.exclude_folders, &server, u) {
                Ok(job) => jobs.push(job),
                Err((t, m)) => {
                    let _ = self.store.record_user_progress(&UserProgress {
                        user_guid: u.user_guid,
                        status: Some(MigrationUserStatus::Failed),
                        error: Some(Some((t, m))),
                        ..Default::default()
                    });
                    let _ = self.db.release(u.user_guid);
                }
            }
        }
        if jobs.is_empty() {
            if running_now.is_empty() {
                self.settle(batch);
            }
            return;
        }
        if let Ok(mut r) = self.running.lock() {
            let set = r.users.entry(batch).or_default();
            for (j, _) in &jobs {
                set.insert(j.0);
            }
        }
        // users past their initial sync count against MaxConcurrentIncrementalSyncs
        let initial_done: HashSet<Uuid> =
            work.users.iter().filter(|u| u.last_successful_sync.is_some()).map(|u| u.user_guid).collect();
        let mut started = Vec::new();
        for ((user, incremental), job) in jobs {
            let after_initial = initial_done.contains(&user);
            let sink: Arc<dyn ProgressSink> = Arc::new(StoreSink {
                store: self.store.clone(),
                db: self.db.clone(),
                user,
                email: work
                    .users
                    .iter()
                    .find(|u| u.user_guid == user)
                    .map(|u| u.email_address.clone())
                    .unwrap_or_default(),
                incremental,
                pass: Mutex::new(EngineUserProgress::new(&job.job_id)),
            });
            let spec = BatchSpec {
                batch_id: user.to_string(),
                endpoint_id: concurrency_key(work.endpoint.guid, after_initial),
                max_concurrent_migrations: if after_initial {
                    max_incremental(&work.endpoint)
                } else {
                    max_concurrent(&work.endpoint)
                },
                jobs: vec![job],
            };
            match self.engine.start_batch(spec, sink) {
                Ok(()) => started.push(user),
                Err(_) => self.user_done(batch, user),
            }
        }
        let me = self.me.clone();
        let _ = std::thread::Builder::new().name("exosh-batch-watch".into()).spawn(move || {
            for user in started {
                let Some(b) = me.upgrade() else { return };
                while !b.engine.wait_batch(&user.to_string(), Duration::from_millis(200)) {}
                b.engine.forget_batch(&user.to_string());
                b.user_done(batch, user);
            }
        });
    }

    /// The engine job of a user, or the failure to record.
    #[allow(clippy::type_complexity)]
    fn job(
        &self,
        exclude: &[String],
        server: &ServerSpec,
        u: &UserWork,
    ) -> Result<((Uuid, bool), JobSpec), (String, String)> {
        let Some(dest) = u.maildir.clone() else {
            return Err((
                "MigrationRecipientNotFoundException".to_string(),
                format!("The mailbox for '{}' couldn't be found in the tenant.", u.email_address),
            ));
        };
        let perm = |e: String| ("MigrationPermanentException".to_string(), e);
        let since = self.db.mark_started(u.user_guid).map_err(perm)?;
        let known = self.db.known_files(u.user_guid).map_err(perm)?;
        let removed = remove_unrecorded(&dest, &known, since).map_err(|e| perm(format!("{}: {e}", dest.display())))?;
        if removed > 0 {
            let _ = self.store.record_user_progress(&UserProgress {
                user_guid: u.user_guid,
                report: vec![format!(
                    "Removed {removed} message(s) copied by an interrupted pass but never recorded; they are copied again."
                )],
                ..Default::default()
            });
        }
        let previous = self.db.folder_states(u.user_guid).map_err(perm)?;
        let incremental = !previous.is_empty();
        Ok((
            (u.user_guid, incremental),
            JobSpec {
                job_id: u.user_guid.to_string(),
                server: server.clone(),
                credentials: Credentials {
                    user_name: u.user_name.clone(),
                    password: u.password.clone(),
                    user_root: u.user_root.clone(),
                },
                destination: dest,
                exclude_folders: exclude.to_vec(),
                limits: Limits::default(),
                previous,
            },
        ))
    }

    /// A user's engine job ended: release the lease; when the batch has nothing left
    /// running here, settle it.
    fn user_done(&self, batch: Uuid, user: Uuid) {
        let _ = self.db.release(user);
        let empty = match self.running.lock() {
            Ok(mut r) => {
                let set = r.users.entry(batch).or_default();
                set.remove(&user);
                let e = set.is_empty();
                if e {
                    r.users.remove(&batch);
                }
                e
            }
            Err(_) => true,
        };
        if empty {
            self.settle(batch);
        }
    }

    /// Final batch status after its work here ended.
    fn settle(&self, batch: Uuid) {
        let Ok(work) = self.store.batch_work(batch) else { return };
        match work.status {
            MigrationBatchStatus::Stopping => self.finish_stop(batch),
            MigrationBatchStatus::Removing => self.finish_remove(batch),
            _ => {
                // Other processes still work on some users: they settle it.
                if work.users.iter().any(|u| matches!(self.db.leased_elsewhere(u.user_guid), Ok(true))) {
                    return;
                }
                let active = work.users.iter().any(|u| {
                    matches!(
                        u.status,
                        MigrationUserStatus::Queued
                            | MigrationUserStatus::Syncing
                            | MigrationUserStatus::IncrementalSyncing
                            | MigrationUserStatus::Starting
                    )
                });
                if active {
                    return;
                }
                if let Ok(b) = self.store.record_batch_progress(&BatchProgress {
                    batch_guid: batch,
                    status: None,
                    message: None,
                    initial_sync_done: true,
                    synced: true,
                }) {
                    announce_batch(&b);
                }
            }
        }
    }

    fn finish_stop(&self, batch: Uuid) {
        if !self.running_users(batch).is_empty() {
            return;
        }
        let Ok(work) = self.store.batch_work(batch) else { return };
        if work.users.iter().any(|u| matches!(self.db.leased_elsewhere(u.user_guid), Ok(true))) {
            return;
        }
        for u in &work.users {
            if matches!(
                u.status,
                MigrationUserStatus::Queued
                    | MigrationUserStatus::Syncing
                    | MigrationUserStatus::IncrementalSyncing
                    | MigrationUserStatus::Starting
                    | MigrationUserStatus::Stopping
            ) {
                let _ = self.store.record_user_progress(&UserProgress {
                    user_guid: u.user_guid,
                    status: Some(MigrationUserStatus::Stopped),
                    ..Default::default()
                });
            }
        }
        if let Ok(b) = self.store.record_batch_progress(&BatchProgress {
            batch_guid: batch,
            status: Some(MigrationBatchStatus::Stopped),
            ..Default::default()
        }) {
            announce_batch(&b);
        }
    }

    fn finish_remove(&self, batch: Uuid) {
        if !self.running_users(batch).is_empty() {
            return;
        }
        let Ok(work) = self.store.batch_work(batch) else { return };
        if work.users.iter().any(|u| matches!(self.db.leased_elsewhere(u.user_guid), Ok(true))) {
            return;
        }
        let users: Vec<Uuid> = work.users.iter().map(|u| u.user_guid).collect();
        let _ = self.db.forget_users(&users);
        let _ = self.store.finish_remove_batch(batch);
    }

    fn stop_users(&self, batch: Uuid, only: Option<Uuid>) -> bool {
        let users = self.running_users(batch);
        for u in &users {
            if only.is_none_or(|o| o == *u) {
                self.engine.stop_batch(&u.to_string());
            }
        }
        users.is_empty()
    }
}

impl Drop for Bridge {
    /// A process that exits lets go of its leases, so the next one resumes at once.
    fn drop(&mut self) {
        if let Ok(c) = self.db.lock() {
            let _ = c.execute("DELETE FROM lease WHERE owner = ?1", [&self.db.owner]);
        }
    }
}

impl MigrationEngine for Bridge {
    fn start_batch(&self, batch: Uuid) {
        self.run(batch, Pick::Unfinished, None);
    }

    fn stop_batch(&self, batch: Uuid) {
        if self.stop_users(batch, None) {
            self.finish_stop(batch);
        }
    }

    fn remove_batch(&self, batch: Uuid) {
        if self.stop_users(batch, None) {
            self.finish_remove(batch);
        }
    }

    fn sync_now(&self, batch: Uuid, user: Option<Uuid>) {
        self.run(batch, Pick::All, user);
    }

    fn stop_user(&self, batch: Uuid, user: Uuid) {
        if self.running_users(batch).contains(&user) {
            self.engine.stop_batch(&user.to_string());
            return;
        }
        // Not running here: unless another process runs it, it is stopped now.
        if !matches!(self.db.leased_elsewhere(user), Ok(true)) {
            let _ = self.store.record_user_progress(&UserProgress {
                user_guid: user,
                status: Some(MigrationUserStatus::Stopped),
                ..Default::default()
            });
        }
    }

    fn test_server(&self, endpoint: &MigrationEndpoint) -> TestMigrationServerAvailabilityOutcome {
        let o = self.engine.test_server_availability(&server_spec(endpoint), None);
        match o.result {
            AvailabilityResult::Success => TestMigrationServerAvailabilityOutcome::success(None),
            AvailabilityResult::Failed => TestMigrationServerAvailabilityOutcome::failed(
                o.message,
                format!("{}\n{}", o.error_detail, o.diagnostic),
                None,
            ),
        }
    }
}

/// Attaches a migration engine working over the tenant's store, with its state in
/// `home` (the tenant home, e.g. `SqliteStore::home()`), and resumes the unfinished work
/// of the store's active batches. Without an engine (the runtime can't start) the tenant
/// is returned unchanged.
///
/// `EXOSH_ENGINE=off` (or `0`, `detached`) leaves the tenant detached (tests of the
/// cmdlets' detached behaviour).
pub fn attach(tenant: Tenant, home: &Path) -> Tenant {
    if std::env::var("EXOSH_ENGINE").is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "off" | "0" | "detached"))
    {
        return tenant;
    }
    match attach_bridge(tenant.clone(), home) {
        Ok((t, _)) => t,
        Err(_) => tenant,
    }
}

/// [`attach`], also returning the bridge (tests, and callers that wait on it).
pub fn attach_bridge(tenant: Tenant, home: &Path) -> Result<(Tenant, Arc<Bridge>), String> {
    let config = EngineConfig {
        worker_threads: std::env::var("EXOSH_ENGINE_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(2),
        retry: super::scheduler::RetryPolicy::from_env(),
        ..EngineConfig::default()
    };
    let bridge = Bridge::new(tenant.store.clone(), home, config)?;
    let t = tenant.with_engine(bridge.clone());
    bridge.resume();
    bridge.schedule_incremental(sync_interval());
    Ok((t, bridge))
}

/// The interval of incremental syncs: `EXOSH_SYNC_INTERVAL` (seconds, for tests), else
/// 24 hours.
pub fn sync_interval() -> Duration {
    std::env::var("EXOSH_SYNC_INTERVAL")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(Duration::from_secs(24 * 3600), Duration::from_secs_f64)
}

/// The home of a store path (`<home>/exosh.db` → `<home>`).
pub fn home_of(db_file: &Path) -> PathBuf {
    db_file.parent().map(Path::to_path_buf).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sink::{CopiedItem, FolderCommit, FolderInfo, SkipReason};

    fn commit(uids: &[u32], highest: u32) -> FolderCommit {
        FolderCommit {
            folder: FolderInfo {
                source_name: "INBOX".into(),
                target_name: "Inbox".into(),
                maildir: String::new(),
                excluded: false,
            },
            uid_validity: 9,
            highest_uid: highest,
            highest_modseq: None,
            renamed_from: None,
            copied: uids
                .iter()
                .map(|u| CopiedItem {
                    uid: *u,
                    file_name: format!("f{u}"),
                    size: 10,
                    identity: MessageIdentity::default(),
                })
                .collect(),
            flags_updated: vec![],
            rematched: vec![],
            skipped: vec![],
            bytes: 10 * uids.len() as u64,
        }
    }

    #[test]
    fn sync_db_keeps_folder_state_and_counts_each_uid_once() {
        let d = tempfile::tempdir().unwrap();
        let db = SyncDb::open(d.path()).unwrap();
        let u = Uuid::new_v4();
        assert!(db.folder_states(u).unwrap().is_empty());
        let t = db.commit(u, &commit(&[1, 2, 3], 3)).unwrap();
        assert_eq!(t.synced_items, 3);
        // A replayed commit (crash after the store said so) adds no rows.
        let t = db.commit(u, &commit(&[3, 4], 4)).unwrap();
        assert_eq!(t.synced_items, 4);
        assert_eq!(db.mapped_count(u).unwrap(), 4);
        let s = db.folder_states(u).unwrap();
        assert_eq!(
            s,
            vec![FolderSyncState {
                source_name: "INBOX".into(),
                uid_validity: 9,
                highest_uid: 4,
                highest_modseq: None,
                maildir: String::new()
            }]
        );
        db.forget_users(&[u]).unwrap();
        assert_eq!(db.mapped_count(u).unwrap(), 0);
        assert_eq!(db.totals(u).unwrap(), UserTotals::default());
    }

    #[test]
    fn uid_map_rows_follow_flag_renames_rematches_and_folder_renames() {
        use crate::engine::sink::{Rematched, RenamedFile};
        let d = tempfile::tempdir().unwrap();
        let db = SyncDb::open(d.path()).unwrap();
        let u = Uuid::new_v4();
        let mut c = commit(&[1, 2], 2);
        c.highest_modseq = Some(40);
        c.copied[0].identity =
            MessageIdentity { message_id: Some("<a@b>".into()), internal_date: 7, header_hash: "h1".into() };
        db.commit(u, &c).unwrap();
        let q = |v: Result<u32, u32>, name: &'static str| MapQuery {
            job_id: "j",
            source_name: name,
            uid_validity: v,
            uids: (1, u32::MAX),
        };
        let rows = db.mapped(u, &q(Ok(9), "INBOX")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].identity.as_ref().and_then(|i| i.message_id.clone()).as_deref(), Some("<a@b>"));
        assert_eq!(rows[0].size, 10);
        // flags changed: the row takes the file's new name; totals do not move
        let mut f = commit(&[], 2);
        f.highest_modseq = Some(41);
        f.flags_updated = vec![RenamedFile { uid: 2, file_name: "f2:2,FS".into() }];
        let t = db.commit(u, &f).unwrap();
        assert_eq!(t.synced_items, 2);
        assert_eq!(db.mapped(u, &q(Ok(9), "INBOX")).unwrap()[1].file_name, "f2:2,FS");
        assert_eq!(db.folder_states(u).unwrap()[0].highest_modseq, Some(41));
        // UIDVALIDITY 9 -> 12: uid 1 re-matched as uid 5, uid 2 left under the old one
        let mut r = commit(&[], 0);
        r.uid_validity = 12;
        r.rematched = vec![Rematched { old_uid_validity: 9, old_uid: 1, uid: 5, file_name: "f1".into() }];
        db.commit(u, &r).unwrap();
        let now = db.mapped(u, &q(Ok(12), "INBOX")).unwrap();
        assert_eq!((now.len(), now[0].uid, now[0].uid_validity), (1, 5, 12));
        assert_eq!(now[0].identity.as_ref().map(|i| i.header_hash.as_str()), Some("h1"), "identity moves along");
        let old = db.mapped(u, &q(Err(12), "INBOX")).unwrap();
        assert_eq!(old.iter().map(|m| (m.uid_validity, m.uid)).collect::<Vec<_>>(), vec![(9, 2)]);
        assert_eq!(db.known_files(u).unwrap().len(), 2, "both files stay known");
        assert_eq!(db.totals(u).unwrap().synced_items, 2, "nothing counted twice");
        // the folder is renamed at the source
        let mut m = commit(&[], 0);
        m.uid_validity = 12;
        m.folder.source_name = "Renamed".into();
        m.folder.maildir = ".Renamed".into();
        m.renamed_from = Some("INBOX".into());
        db.commit(u, &m).unwrap();
        let states = db.folder_states(u).unwrap();
        assert_eq!(states.len(), 1);
        assert_eq!((states[0].source_name.as_str(), states[0].maildir.as_str()), ("Renamed", ".Renamed"));
        assert_eq!(db.mapped(u, &q(Ok(12), "Renamed")).unwrap().len(), 1);
        assert!(db.mapped(u, &q(Ok(12), "INBOX")).unwrap().is_empty());
    }

    #[test]
    fn a_database_of_the_first_schema_is_migrated_once() {
        let d = tempfile::tempdir().unwrap();
        {
            let c = Connection::open(d.path().join(SYNC_DB_FILE)).unwrap();
            c.execute_batch(
                "CREATE TABLE uid_map(
                   user TEXT NOT NULL, source_name TEXT NOT NULL, uid_validity INTEGER NOT NULL,
                   uid INTEGER NOT NULL, file_name TEXT NOT NULL, size INTEGER NOT NULL,
                   PRIMARY KEY(user, source_name, uid_validity, uid));
                 INSERT INTO uid_map VALUES ('u', 'INBOX', 3, 1, 'old:2,S', 99);",
            )
            .unwrap();
        }
        let db = SyncDb::open(d.path()).unwrap();
        let v: i64 = db.lock().unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, UID_MAP_VERSION);
        let rows: Vec<(String, Option<String>)> = db
            .lock()
            .unwrap()
            .prepare("SELECT file_name, header_hash FROM uid_map")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, vec![("old:2,S".to_string(), None)], "old rows kept, identity unknown");
        drop(db);
        SyncDb::open(d.path()).unwrap();
    }

    #[test]
    fn leases_exclude_other_live_owners_and_free_dead_ones() {
        let d = tempfile::tempdir().unwrap();
        let a = SyncDb::open(d.path()).unwrap();
        let b = SyncDb::open(d.path()).unwrap();
        let u = Uuid::new_v4();
        assert!(a.try_lease(u).unwrap());
        assert!(a.try_lease(u).unwrap(), "own lease is re-entrant");
        // Same pid here, so `b` sees a live holder with an unexpired lease.
        assert!(!b.try_lease(u).unwrap());
        assert!(b.leased_elsewhere(u).unwrap());
        a.release(u).unwrap();
        assert!(b.try_lease(u).unwrap());
        // A holder whose process is gone loses the lease at once.
        {
            let c = b.lock().unwrap();
            c.execute("UPDATE lease SET owner = 'ghost', pid = 2147483000 WHERE user = ?1", [u.to_string()]).unwrap();
        }
        assert!(!a.leased_elsewhere(u).unwrap());
        assert!(a.try_lease(u).unwrap());
        // An expired lease is free even if its process lives.
        {
            let c = a.lock().unwrap();
            c.execute("UPDATE lease SET owner = 'old', expires = 0 WHERE user = ?1", [u.to_string()]).unwrap();
        }
        assert!(b.try_lease(u).unwrap());
    }

    #[test]
    fn only_unrecorded_exosh_files_of_this_pass_are_removed() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for sub in ["cur", "new", "tmp", ".Sent Items/cur"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let files = [
            "cur/2000.M1P1Q1.exosh,S=10:2,S",            // recorded
            "cur/2000.M1P1Q2.exosh,S=10:2,",             // unrecorded: goes
            ".Sent Items/cur/2001.M1P1Q3.exosh,S=10:2,", // unrecorded: goes
            "cur/1000.M1P1Q4.exosh,S=10:2,",             // an earlier batch's: stays
            "cur/2000.M1P1Q5.otherhost:2,",              // another tool's: stays
            "tmp/1000.M1P1Q6.exosh,S=10",                // half-written: goes
        ];
        for f in files {
            std::fs::write(root.join(f), b"x").unwrap();
        }
        let known: HashSet<String> = ["2000.M1P1Q1.exosh,S=10".to_string()].into_iter().collect();
        assert_eq!(remove_unrecorded(root, &known, 1500).unwrap(), 3);
        let left: Vec<bool> = files.iter().map(|f| root.join(f).exists()).collect();
        assert_eq!(left, [true, false, false, true, true, false]);
    }

    #[test]
    fn mappings() {
        assert_eq!(user_status(UserState::Syncing, true), MigrationUserStatus::IncrementalSyncing);
        assert_eq!(user_status(UserState::Syncing, false), MigrationUserStatus::Syncing);
        assert_eq!(user_status(UserState::Failed, false), MigrationUserStatus::Failed);
        let e = MigrationError::connection("h", "refused");
        assert_eq!(failure_type(&e), "MigrationServerConnectionFailedException");
        let e = MigrationError::new(ErrorKind::Logon, "m", "no exception here");
        assert_eq!(failure_type(&e), "MigrationLogonFailedException");
        let s = SkippedItem {
            reason: SkipReason::TooLarge,
            folder: "Inbox".into(),
            uid: 4,
            subject: "big".into(),
            sender: String::new(),
            size: 40_000_000,
            date_received: Some(0),
            failure: "too big".into(),
        };
        let t = skipped_item(&s);
        assert_eq!(t.kind, "LargeItem");
        assert_eq!(t.sender, None);
        assert_eq!(t.message_size, Some(40_000_000));
    }
}
