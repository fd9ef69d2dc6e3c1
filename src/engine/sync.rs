//! One user's pass: log on, list folders, copy every folder into the Maildir++.
//!
//! Several connections per mailbox work on a queue of folders (one folder per connection
//! at a time). Within a folder: EXAMINE, one `UID FETCH n:* (UID RFC822.SIZE)` to learn
//! sizes (too-large messages are skipped before their bodies are fetched), then
//! `UID FETCH <set> (UID FLAGS INTERNALDATE BODY.PEEK[])` in large UID sets whose
//! responses stream in without a round trip per message. Messages go to `tmp/` as they
//! arrive; every group is made durable off the async threads while the next group is
//! fetched, and the sink hears about a group only after that.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;

use super::error::{ErrorKind, MigrationError};
use super::folders::{self, FolderPlan, ListEntry};
use super::login::{AdminFormat, user_root_components};
use super::maildir::{self, MaildirFolder, PendingFile};
use super::net::{self, IO_TIMEOUT, ImapSession, ProtocolLog};
use super::sink::{
    CopiedItem, Event, FolderCommit, FolderInfo, MapQuery, MappedMessage, MessageIdentity, ProgressSink, Rematched,
    RenamedFile, SkipReason, SkippedItem, SourceScan, UserState,
};
use super::spec::JobSpec;

/// Messages above this size are fetched one at a time (engine-wide).
const BIG_MESSAGE: u64 = 4 << 20;
static BIG_GATE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Tuning knobs of a pass.
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    /// IMAP connections per mailbox (folders are spread over them).
    pub connections_per_mailbox: usize,
    /// Messages per durable group (one fsync round + one sink call).
    pub group_messages: usize,
    /// Bytes per durable group.
    pub group_bytes: u64,
    /// UIDs per FETCH command.
    pub fetch_uids: usize,
    /// Declared bytes per FETCH command.
    pub fetch_bytes: u64,
    /// Groups being fsync'ed at once per connection (reports stay in order).
    pub flushes_in_flight: usize,
    /// Use CONDSTORE (HIGHESTMODSEQ, CHANGEDSINCE) when the server offers it; off, every
    /// incremental pass scans all flags (as with a server without CONDSTORE).
    pub condstore: bool,
    /// Messages per flag-comparison chunk on incremental passes.
    pub flag_chunk: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            connections_per_mailbox: 3,
            group_messages: 256,
            group_bytes: 16 << 20,
            fetch_uids: 1000,
            fetch_bytes: 64 << 20,
            flushes_in_flight: 2,
            condstore: true,
            flag_chunk: 1000,
        }
    }
}

/// Everything a pass needs.
pub(crate) struct JobCtx {
    pub spec: JobSpec,
    pub sink: Arc<dyn ProgressSink>,
    pub stop: Arc<AtomicBool>,
    pub tuning: Tuning,
}

/// Shared among the connections of one pass.
struct PassState {
    queue: Mutex<VecDeque<FolderPlan>>,
    items_taken: AtomicU64,
    fatal: Mutex<Option<MigrationError>>,
    folder_errors: Mutex<Vec<MigrationError>>,
    abort: AtomicBool,
}

fn record(ctx: &JobCtx, event: Event) -> Result<(), MigrationError> {
    ctx.sink.record(&event).map_err(MigrationError::sink)
}

/// Compress sorted UIDs to an IMAP set (`1:5,7,9:12`).
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

async fn open_session(ctx: &JobCtx, log: &mut ProtocolLog) -> Result<(ImapSession, net::Caps), MigrationError> {
    let (client, caps) = net::connect(&ctx.spec.server, log).await?;
    let mut session = net::login(client, &caps, &ctx.spec.server, &ctx.spec.credentials, log).await?;
    let caps = net::after_login(&mut session, log).await;
    Ok((session, caps))
}

fn imap_err(host: &str, e: async_imap::error::Error) -> MigrationError {
    MigrationError::protocol(host, e.to_string())
}

async fn with_timeout<T>(host: &str, fut: impl std::future::Future<Output = T>) -> Result<T, MigrationError> {
    tokio::time::timeout(IO_TIMEOUT, fut).await.map_err(|_| MigrationError::timeout(host, IO_TIMEOUT.as_secs()))
}

/// Run one pass for one user; reports through the sink and returns the final state.
pub(crate) async fn run_job(ctx: Arc<JobCtx>) -> (UserState, Option<MigrationError>) {
    let result = run_job_inner(&ctx).await;
    let (state, error) = match result {
        Ok(state) => (state, None),
        Err(e) => (UserState::Failed, Some(e)),
    };
    let (state, error) =
        match record(&ctx, Event::Status { job_id: ctx.spec.job_id.clone(), state, error: error.clone() }) {
            Ok(()) => (state, error),
            Err(e) => (UserState::Failed, Some(e)),
        };
    (state, error)
}

async fn run_job_inner(ctx: &Arc<JobCtx>) -> Result<UserState, MigrationError> {
    let host = ctx.spec.server.host.clone();
    record(ctx, Event::Status { job_id: ctx.spec.job_id.clone(), state: UserState::Syncing, error: None })?;
    let mut log = ProtocolLog::default();
    let (mut session, caps) = open_session(ctx, &mut log).await?;

    // folders
    let mut entries = Vec::new();
    {
        let mut list = with_timeout(&host, session.list(Some(""), Some("*"))).await?.map_err(|e| imap_err(&host, e))?;
        while let Some(item) = with_timeout(&host, list.next()).await? {
            let name = item.map_err(|e| imap_err(&host, e))?;
            entries.push(ListEntry {
                name: name.name().to_string(),
                delimiter: name.delimiter().map(str::to_string),
                attributes: name.attributes().iter().map(|a| attr_string(a).to_lowercase()).collect(),
            });
        }
    }
    // the LIST answer also ends quietly at EOF: a checked NOOP tells a complete one
    with_timeout(&host, session.run_command_and_check_ok("NOOP")).await?.map_err(|e| imap_err(&host, e))?;
    let format = AdminFormat::detect(&ctx.spec.credentials);
    let root = match &format {
        AdminFormat::UserRoot { root } => {
            let delim = entries.iter().find_map(|e| e.delimiter.clone()).unwrap_or_else(|| "/".into());
            let comps: Vec<String> = user_root_components(root)
                .iter()
                .flat_map(|c| c.split(delim.as_str()).map(super::mutf7::decode).collect::<Vec<_>>())
                .collect();
            Some(comps)
        }
        _ => None,
    };
    let prefix = folders::guess_prefix(&entries);
    let mut plans = folders::plan_folders(&entries, &prefix, root.as_deref(), &ctx.spec.exclude_folders);

    // count the source; learn UIDVALIDITYs to follow folders renamed at the source
    let mut scan = SourceScan { folders: plans.iter().map(|p| p.info.clone()).collect(), ..Default::default() };
    let mut validities: Vec<Option<u32>> = vec![None; plans.len()];
    // with CONDSTORE, STATUS tells which folders did not change at all since the last pass
    let condstore = ctx.tuning.condstore && caps.has("CONDSTORE");
    let items = if condstore { "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)" } else { "(MESSAGES UIDVALIDITY)" };
    let mut statuses: Vec<Option<(Option<u32>, Option<u64>)>> = vec![None; plans.len()];
    for (k, p) in plans.iter().enumerate().filter(|(_, p)| !p.info.excluded) {
        if let Ok(Ok(mb)) = tokio::time::timeout(IO_TIMEOUT, session.status(&p.info.source_name, items)).await {
            scan.total_items += u64::from(mb.exists);
            validities[k] = mb.uid_validity;
            statuses[k] = Some((mb.uid_next, mb.highest_modseq));
        }
    }
    folders::attach_previous(&mut plans, &ctx.spec.previous, &validities);
    follow_renames(ctx, &mut plans).await?;
    scan.folders = plans.iter().map(|p| p.info.clone()).collect();

    // A folder whose UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ are those the last pass left
    // has no new message and no flag change: it is not even opened.
    let unchanged = |k: usize, p: &FolderPlan| -> bool {
        let (Some(prev), Some((Some(next), Some(modseq)))) = (&p.previous, statuses[k]) else { return false };
        condstore
            && validities[k] == Some(prev.uid_validity)
            && prev.highest_modseq == Some(modseq)
            && next <= prev.highest_uid.saturating_add(1)
    };
    let mut work: VecDeque<FolderPlan> = VecDeque::with_capacity(plans.len());
    for (k, p) in plans.into_iter().enumerate() {
        if p.info.excluded {
            continue;
        }
        if unchanged(k, &p) {
            if let Some(mut prev) = p.previous {
                prev.source_name = p.info.source_name;
                prev.maildir = p.info.maildir;
                scan.unchanged.push(prev);
            }
        } else {
            work.push_back(p);
        }
    }
    record(ctx, Event::Scanned { job_id: ctx.spec.job_id.clone(), scan })?;
    let n_conns = ctx.tuning.connections_per_mailbox.max(1).min(work.len().max(1));
    let state = Arc::new(PassState {
        queue: Mutex::new(work),
        items_taken: AtomicU64::new(0),
        fatal: Mutex::new(None),
        folder_errors: Mutex::new(Vec::new()),
        abort: AtomicBool::new(false),
    });
    let mut workers = Vec::new();
    for _ in 1..n_conns {
        let ctx = ctx.clone();
        let state = state.clone();
        workers.push(tokio::spawn(async move {
            let mut log = ProtocolLog::default();
            match open_session(&ctx, &mut log).await {
                Ok((session, _)) => worker(ctx, state, session).await,
                Err(_) => { /* the other connections carry on */ }
            }
        }));
    }
    worker(ctx.clone(), state.clone(), session).await;
    for w in workers {
        let _ = w.await;
    }
    if let Some(e) = state.fatal.lock().ok().and_then(|mut f| f.take()) {
        return Err(e);
    }
    if ctx.stop.load(Ordering::SeqCst) {
        return Ok(UserState::Stopped);
    }
    if let Some(e) = state.folder_errors.lock().ok().and_then(|f| f.first().cloned()) {
        return Err(e);
    }
    Ok(UserState::Synced)
}

fn attr_string(a: &async_imap::types::NameAttribute<'_>) -> String {
    use async_imap::types::NameAttribute as A;
    match a {
        A::NoInferiors => "\\NoInferiors".into(),
        A::NoSelect => "\\NoSelect".into(),
        A::Marked => "\\Marked".into(),
        A::Unmarked => "\\Unmarked".into(),
        A::All => "\\All".into(),
        A::Archive => "\\Archive".into(),
        A::Drafts => "\\Drafts".into(),
        A::Flagged => "\\Flagged".into(),
        A::Junk => "\\Junk".into(),
        A::Sent => "\\Sent".into(),
        A::Trash => "\\Trash".into(),
        A::Extension(s) => s.to_string(),
        other => format!("{other:?}"),
    }
}

async fn worker(ctx: Arc<JobCtx>, state: Arc<PassState>, mut session: ImapSession) {
    loop {
        if state.abort.load(Ordering::SeqCst) || ctx.stop.load(Ordering::SeqCst) {
            break;
        }
        let next = state.queue.lock().ok().and_then(|mut q| q.pop_front());
        let Some(folder) = next else { break };
        match sync_folder(&ctx, &state, &mut session, &folder).await {
            Ok(()) => {}
            Err(e) if e.kind == ErrorKind::Folder => {
                if let Ok(mut f) = state.folder_errors.lock() {
                    f.push(e);
                }
            }
            Err(e) => {
                // a permanent error wins over a transient one: the pass must not be
                // retried over a failure that left files behind
                if let Ok(mut f) = state.fatal.lock()
                    && f.as_ref().is_none_or(|first| first.is_transient() && !e.is_transient())
                {
                    *f = Some(e);
                }
                state.abort.store(true, Ordering::SeqCst);
                return;
            }
        }
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), session.logout()).await;
}

fn flag_strings(fetch: &async_imap::types::Fetch) -> Vec<String> {
    use async_imap::types::Flag;
    fetch
        .flags()
        .map(|f| match f {
            Flag::Seen => "\\Seen".to_string(),
            Flag::Answered => "\\Answered".to_string(),
            Flag::Flagged => "\\Flagged".to_string(),
            Flag::Deleted => "\\Deleted".to_string(),
            Flag::Draft => "\\Draft".to_string(),
            Flag::Recent => "\\Recent".to_string(),
            Flag::MayCreate => "\\*".to_string(),
            Flag::Custom(c) => c.to_string(),
        })
        .collect()
}

/// A group being made durable in the background.
type Flush = tokio::task::JoinHandle<Result<(), MigrationError>>;

async fn finish(flush: Option<Flush>) -> Result<(), MigrationError> {
    match flush {
        None => Ok(()),
        Some(h) => h.await.map_err(|e| MigrationError::destination(e.to_string()))?,
    }
}

/// Groups being made durable in the background: several fsync'ed at once (so the
/// connection keeps reading while the disk commits), reported to the sink strictly in
/// order (each group waits for its predecessor's report before its own).
struct FlushChain {
    inflight: VecDeque<Flush>,
    last_done: Option<std::sync::mpsc::Receiver<bool>>,
    max_inflight: usize,
}

impl FlushChain {
    fn new(max_inflight: usize) -> Self {
        FlushChain { inflight: VecDeque::new(), last_done: None, max_inflight: max_inflight.max(1) }
    }

    async fn push(
        &mut self,
        ctx: &Arc<JobCtx>,
        mdf: &MaildirFolder,
        pending: Vec<PendingFile>,
        commit: FolderCommit,
    ) -> Result<(), MigrationError> {
        while self.inflight.len() >= self.max_inflight {
            finish(self.inflight.pop_front()).await?;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let prev = self.last_done.replace(rx);
        self.inflight.push_back(spawn_flush(ctx, mdf, pending, commit, prev, tx));
        Ok(())
    }

    async fn drain(&mut self) -> Result<(), MigrationError> {
        while let Some(h) = self.inflight.pop_front() {
            finish(Some(h)).await?;
        }
        Ok(())
    }
}

async fn sync_folder(
    ctx: &Arc<JobCtx>,
    state: &PassState,
    session: &mut ImapSession,
    folder: &FolderPlan,
) -> Result<(), MigrationError> {
    let host = ctx.spec.server.host.as_str();
    let info = &folder.info;
    let mb = match with_timeout(host, session.examine(&info.source_name)).await? {
        Ok(mb) => mb,
        Err(async_imap::error::Error::No(text)) | Err(async_imap::error::Error::Bad(text)) => {
            return Err(MigrationError::folder(&info.target_name, text));
        }
        Err(e) => return Err(imap_err(host, e)),
    };
    // async-imap answers an EXAMINE cut short by EOF with an empty mailbox: without the
    // UIDVALIDITY every IMAP4rev1 server sends, nothing may be recorded for the folder
    let Some(uid_validity) = mb.uid_validity else {
        return Err(MigrationError::protocol(host, format!("EXAMINE of '{}' got no UIDVALIDITY", info.source_name)));
    };
    let modseq_now = if ctx.tuning.condstore { mb.highest_modseq } else { None };
    let previous = folder.previous.clone();
    let root = ctx.spec.destination.clone();

    let rel = info.maildir.clone();
    let r = root.clone();
    let mut mdf = tokio::task::spawn_blocking(move || MaildirFolder::open(&r, &rel))
        .await
        .map_err(|e| MigrationError::destination(e.to_string()))?
        .map_err(|e| MigrationError::destination(e.to_string()))?;

    let prev = match &previous {
        None => 0,
        Some(p) if p.uid_validity == uid_validity => {
            // same UIDVALIDITY: carry flag and keyword changes of the messages copied before
            let done = sync_flags(ctx, session, info, &mut mdf, p, uid_validity, modseq_now, mb.exists).await?;
            if !done {
                return Ok(()); // stopped
            }
            p.highest_uid
        }
        Some(_) => {
            // new UIDVALIDITY: match the messages again by content, copy only the rest
            rematch(ctx, session, info, &mut mdf, uid_validity, modseq_now, mb.exists).await?;
            0
        }
    };

    let base_commit = |highest_uid: u32| empty_commit(info, uid_validity, highest_uid, modseq_now);

    // sizes of the UIDs above the highest seen (none when UIDNEXT says there are none)
    let mut metas: Vec<(u32, u64)> = Vec::new();
    let maybe_new = mb.uid_next.is_none_or(|next| next > prev.saturating_add(1));
    if mb.exists > 0 && maybe_new {
        let mut stream = with_timeout(host, session.uid_fetch(format!("{}:*", prev + 1), "(UID RFC822.SIZE)"))
            .await?
            .map_err(|e| imap_err(host, e))?;
        while let Some(item) = with_timeout(host, stream.next()).await? {
            let f = item.map_err(|e| imap_err(host, e))?;
            if let (Some(uid), Some(size)) = (f.uid, f.size)
                && uid > prev
            {
                metas.push((uid, u64::from(size)));
            }
        }
    }
    metas.sort_unstable();
    metas.dedup_by_key(|m| m.0);
    listing_complete(host, session, prev, &metas, &mb).await?;
    let seen_upto = metas.last().map(|m| m.0).unwrap_or(prev).max(prev);
    // UIDs that already have a UID map row (re-matched, or committed by a pass that
    // died before its folder state moved on) are never copied again
    if let (Some(first), Some(last)) = (metas.first(), metas.last()) {
        let q = MapQuery {
            job_id: &ctx.spec.job_id,
            source_name: &info.source_name,
            uid_validity: Ok(uid_validity),
            uids: (first.0, last.0),
        };
        let mapped: HashSet<u32> = ctx.sink.mapped(&q).map_err(MigrationError::sink)?.iter().map(|m| m.uid).collect();
        if !mapped.is_empty() {
            metas.retain(|m| !mapped.contains(&m.0));
        }
    }

    let limits = ctx.spec.limits;
    let mut to_copy: Vec<(u32, u64)> = Vec::with_capacity(metas.len());
    let mut skips: Vec<(u32, u64, SkipReason)> = Vec::new();
    for &(uid, size) in &metas {
        if size > limits.max_message_size {
            skips.push((uid, size, SkipReason::TooLarge));
        } else if state.items_taken.fetch_add(1, Ordering::SeqCst) >= limits.max_items {
            skips.push((uid, size, SkipReason::TooManyItems));
        } else {
            to_copy.push((uid, size));
        }
    }
    let mut skipped_items = describe_skips(ctx, session, info, &skips).await?;
    skipped_items.sort_by_key(|s| s.uid);
    let mut skipped_items: VecDeque<SkippedItem> = skipped_items.into();

    let mut flushes = FlushChain::new(ctx.tuning.flushes_in_flight);
    let mut pending: Vec<PendingFile> = Vec::new();
    let mut pending_bytes = 0u64;
    let mut stopped = false;
    // highest UID handed to a flush (everything up to it is copied or skipped)
    let mut flushed_upto = prev;
    let tuning = ctx.tuning;
    let mut chunk_start = 0;
    // A transient failure mid-copy: the complete messages already received are still
    // committed below, so the retry fetches only what is left.
    let mut failure: Option<MigrationError> = None;
    'chunks: while chunk_start < to_copy.len() && !stopped {
        // Large messages travel alone, one at a time across the whole engine, so that at
        // most one of them is in memory at once (peak RSS stays bounded).
        let big = to_copy[chunk_start].1 > BIG_MESSAGE;
        let mut chunk_end = chunk_start;
        let mut declared = 0u64;
        if big {
            chunk_end += 1;
        } else {
            while chunk_end < to_copy.len()
                && chunk_end - chunk_start < tuning.fetch_uids
                && to_copy[chunk_end].1 <= BIG_MESSAGE
                && (declared == 0 || declared + to_copy[chunk_end].1 <= tuning.fetch_bytes)
            {
                declared += to_copy[chunk_end].1;
                chunk_end += 1;
            }
        }
        let uids: Vec<u32> = to_copy[chunk_start..chunk_end].iter().map(|m| m.0).collect();
        chunk_start = chunk_end;
        let _gate = if big { BIG_GATE.acquire().await.ok() } else { None };
        let fetch = session.uid_fetch(uid_set(&uids), "(UID FLAGS INTERNALDATE BODY.PEEK[])");
        let mut stream = match with_timeout(host, fetch).await.and_then(|r| r.map_err(|e| imap_err(host, e))) {
            Ok(s) => s,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let mut delivered: Vec<u32> = Vec::with_capacity(uids.len());
        loop {
            let f = match with_timeout(host, stream.next()).await {
                Ok(Some(Ok(f))) => f,
                Ok(None) => break,
                Ok(Some(Err(e))) => {
                    failure = Some(imap_err(host, e));
                    break 'chunks;
                }
                Err(e) => {
                    failure = Some(e);
                    break 'chunks;
                }
            };
            let (Some(uid), Some(body)) = (f.uid, f.body()) else { continue };
            delivered.push(uid);
            let flags = flag_strings(&f);
            let date = f.internal_date().map(|d| d.timestamp()).unwrap_or_else(|| chrono::Utc::now().timestamp());
            let p = mdf.write_tmp(uid, body, date, &flags).map_err(|e| MigrationError::destination(e.to_string()))?;
            pending_bytes += p.size;
            pending.push(p);
            if pending.len() >= tuning.group_messages || pending_bytes >= tuning.group_bytes {
                mdf.save_keywords().map_err(|e| MigrationError::destination(e.to_string()))?;
                let upto = pending.last().map(|p| p.uid).unwrap_or(prev);
                let mut commit = base_commit(upto);
                while skipped_items.front().is_some_and(|s| s.uid < upto) {
                    if let Some(s) = skipped_items.pop_front() {
                        commit.skipped.push(s);
                    }
                }
                flushes.push(ctx, &mdf, std::mem::take(&mut pending), commit).await?;
                flushed_upto = upto;
                pending_bytes = 0;
            }
            if ctx.stop.load(Ordering::SeqCst) {
                stopped = true;
                break;
            }
        }
        drop(stream);
        if !stopped {
            // async-imap ends a FETCH stream quietly on a tagged NO/BAD or on EOF between
            // responses (BYE): never take a short answer for a complete one.
            let requested = &to_copy[chunk_start - uids.len()..chunk_start];
            let (holes, cut) = missing_uids(ctx, session, info, requested, &delivered).await;
            skipped_items.extend(holes);
            skipped_items.make_contiguous().sort_by_key(|s| s.uid);
            if let Some(e) = cut {
                failure = Some(e);
                break;
            }
        }
    }
    if let Some(e) = failure {
        mdf.save_keywords().map_err(|e| MigrationError::destination(e.to_string()))?;
        let upto = pending.last().map(|p| p.uid).unwrap_or(flushed_upto).max(flushed_upto);
        let mut commit = base_commit(upto);
        while skipped_items.front().is_some_and(|s| s.uid <= upto) {
            if let Some(s) = skipped_items.pop_front() {
                commit.skipped.push(s);
            }
        }
        flushes.push(ctx, &mdf, pending, commit).await?;
        flushes.drain().await?;
        return Err(e);
    }
    mdf.save_keywords().map_err(|e| MigrationError::destination(e.to_string()))?;
    let last_uid =
        if stopped { pending.last().map(|p| p.uid).unwrap_or(flushed_upto).max(flushed_upto) } else { seen_upto };
    let mut commit = base_commit(last_uid);
    while skipped_items.front().is_some_and(|s| s.uid <= last_uid) {
        if let Some(s) = skipped_items.pop_front() {
            commit.skipped.push(s);
        }
    }
    flushes.push(ctx, &mdf, pending, commit).await?;
    flushes.drain().await
}

/// Folders renamed at the source: each destination directory follows (one atomic rename;
/// after a crash the old directory is gone and nothing is left to do), and one commit
/// moves the folder's sync state and UID map rows to the new name. Done for all folders
/// before any is copied, so a new folder that takes an old name never mixes with the
/// renamed one. A folder that can't be moved keeps its old directory.
async fn follow_renames(ctx: &Arc<JobCtx>, plans: &mut [FolderPlan]) -> Result<(), MigrationError> {
    for plan in plans.iter_mut() {
        let (Some(old_name), Some(p)) = (plan.renamed_from.clone(), plan.previous.clone()) else { continue };
        let (r, old, new) = (ctx.spec.destination.clone(), p.maildir.clone(), plan.info.maildir.clone());
        let moved = tokio::task::spawn_blocking(move || maildir::move_folder(&r, &old, &new))
            .await
            .map_err(|e| MigrationError::destination(e.to_string()))?
            .map_err(|e| MigrationError::destination(e.to_string()))?;
        if !moved {
            plan.info.maildir = p.maildir.clone();
        }
        let mut c = empty_commit(&plan.info, p.uid_validity, p.highest_uid, p.highest_modseq);
        c.renamed_from = Some(old_name);
        record(ctx, Event::Committed { job_id: ctx.spec.job_id.clone(), commit: c })?;
    }
    Ok(())
}

fn empty_commit(info: &FolderInfo, uid_validity: u32, highest_uid: u32, highest_modseq: Option<u64>) -> FolderCommit {
    FolderCommit {
        folder: info.clone(),
        uid_validity,
        highest_uid,
        highest_modseq,
        renamed_from: None,
        copied: Vec::new(),
        flags_updated: Vec::new(),
        rematched: Vec::new(),
        skipped: Vec::new(),
        bytes: 0,
    }
}

/// Brings the destination files of one chunk of (UID, source flags) in line: the UID map
/// rows of the chunk's UID range are read, every file whose flags/keywords differ is
/// renamed (keywords numbered and `dovecot-keywords` saved first, renames fsync'ed after).
/// Returns the renames, to be reported in one commit.
fn apply_flag_chunk(
    ctx: &JobCtx,
    info: &FolderInfo,
    mdf: &mut MaildirFolder,
    uid_validity: u32,
    chunk: &mut Vec<(u32, Vec<String>)>,
) -> Result<Vec<RenamedFile>, MigrationError> {
    if chunk.is_empty() {
        return Ok(Vec::new());
    }
    chunk.sort_unstable_by_key(|c| c.0);
    let lo = chunk.first().map_or(0, |c| c.0);
    let hi = chunk.last().map_or(0, |c| c.0);
    let q = MapQuery {
        job_id: &ctx.spec.job_id,
        source_name: &info.source_name,
        uid_validity: Ok(uid_validity),
        uids: (lo, hi),
    };
    let rows = ctx.sink.mapped(&q).map_err(MigrationError::sink)?;
    let by_uid: HashMap<u32, &MappedMessage> = rows.iter().map(|r| (r.uid, r)).collect();
    // 1. what each changed file must be called (new keywords get their letters here)
    let mut changes: Vec<(u32, &str, Vec<String>)> = Vec::new();
    for (uid, flags) in chunk.drain(..) {
        let Some(row) = by_uid.get(&uid) else { continue };
        let want = mdf.info_for(&flags);
        if want.strip_prefix(':') != Some(maildir::file_info(&row.file_name)) {
            changes.push((uid, row.file_name.as_str(), flags));
        }
    }
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let dest = |e: std::io::Error| MigrationError::destination(e.to_string());
    mdf.save_keywords().map_err(dest)?;
    // 2. atomic renames, then one fsync of the directory; the rows follow in the commit
    let mut renamed = Vec::with_capacity(changes.len());
    for (uid, name, flags) in changes {
        if let Some(file_name) = mdf.rename_flags(name, &flags).map_err(dest)? {
            renamed.push(RenamedFile { uid, file_name });
        }
    }
    mdf.sync_renames().map_err(dest)?;
    Ok(renamed)
}

/// Flag and keyword changes on an incremental pass (same UIDVALIDITY): with CONDSTORE only
/// the messages changed since the stored HIGHESTMODSEQ (`UID FETCH 1:* (UID FLAGS)
/// (CHANGEDSINCE n)`, nothing at all when HIGHESTMODSEQ did not move), else every
/// message's flags, compared with the flags in the destination file names. Streams in
/// chunks; nothing is downloaded but flags. The new HIGHESTMODSEQ is committed only with
/// the last chunk, so a crash or stop before that sees the same changes again. Returns
/// false when stopped.
#[allow(clippy::too_many_arguments)]
async fn sync_flags(
    ctx: &Arc<JobCtx>,
    session: &mut ImapSession,
    info: &FolderInfo,
    mdf: &mut MaildirFolder,
    prev: &super::spec::FolderSyncState,
    uid_validity: u32,
    modseq_now: Option<u64>,
    exists: u32,
) -> Result<bool, MigrationError> {
    let host = ctx.spec.server.host.as_str();
    let modifier = match (prev.highest_modseq, modseq_now) {
        (Some(old), Some(now)) if now == old => None,
        (Some(old), Some(now)) if now > old => Some(format!(" (CHANGEDSINCE {old})")),
        _ => Some(String::new()),
    };
    let commit_renames = |renamed: Vec<RenamedFile>, modseq: Option<u64>| -> Result<(), MigrationError> {
        let mut c = empty_commit(info, uid_validity, prev.highest_uid, modseq);
        c.flags_updated = renamed;
        record(ctx, Event::Committed { job_id: ctx.spec.job_id.clone(), commit: c })
    };
    let Some(modifier) = modifier.filter(|_| exists > 0) else {
        if prev.highest_modseq != modseq_now {
            commit_renames(Vec::new(), modseq_now)?;
        }
        return Ok(true);
    };
    let chunk_size = ctx.tuning.flag_chunk.max(1);
    let mut chunk: Vec<(u32, Vec<String>)> = Vec::with_capacity(chunk_size.min(4096));
    let mut stopped = false;
    {
        let mut stream = with_timeout(host, session.uid_fetch("1:*", format!("(UID FLAGS){modifier}")))
            .await?
            .map_err(|e| imap_err(host, e))?;
        while let Some(item) = with_timeout(host, stream.next()).await? {
            let f = item.map_err(|e| imap_err(host, e))?;
            let Some(uid) = f.uid else { continue };
            chunk.push((uid, flag_strings(&f)));
            if chunk.len() >= chunk_size {
                let renamed = apply_flag_chunk(ctx, info, mdf, uid_validity, &mut chunk)?;
                if !renamed.is_empty() {
                    commit_renames(renamed, prev.highest_modseq)?;
                }
            }
            if ctx.stop.load(Ordering::SeqCst) {
                stopped = true;
                break;
            }
        }
    }
    let renamed = apply_flag_chunk(ctx, info, mdf, uid_validity, &mut chunk)?;
    if stopped {
        if !renamed.is_empty() {
            commit_renames(renamed, prev.highest_modseq)?;
        }
        return Ok(false);
    }
    if !renamed.is_empty() || prev.highest_modseq != modseq_now {
        commit_renames(renamed, modseq_now)?;
    }
    Ok(true)
}

/// A source message as re-matching sees it.
struct SourceIdentity {
    uid: u32,
    size: u64,
    date: i64,
    message_id: Option<String>,
    flags: Vec<String>,
    header_hash: Option<String>,
}

/// The folder's UIDVALIDITY changed: the source UIDs mean nothing any more. Match the
/// source messages to the destination files recorded under the old UIDVALIDITY by
/// content identity: Message-ID + RFC822.SIZE + INTERNALDATE, or, where the Message-ID is
/// missing or not unique, a hash of the header block (+ size + date; `BODY.PEEK[HEADER]`
/// is fetched for those messages only). Matched files get the source's flags and their
/// rows move to the new UIDVALIDITY, all in one commit (so a crash leaves either the old
/// map or the new one); the unmatched messages are copied afterwards by the caller.
#[allow(clippy::too_many_arguments)]
async fn rematch(
    ctx: &Arc<JobCtx>,
    session: &mut ImapSession,
    info: &FolderInfo,
    mdf: &mut MaildirFolder,
    uid_validity: u32,
    modseq_now: Option<u64>,
    exists: u32,
) -> Result<(), MigrationError> {
    let host = ctx.spec.server.host.as_str();
    let q = MapQuery {
        job_id: &ctx.spec.job_id,
        source_name: &info.source_name,
        uid_validity: Err(uid_validity),
        uids: (1, u32::MAX),
    };
    let rows = ctx.sink.mapped(&q).map_err(MigrationError::sink)?;
    let mut commit = empty_commit(info, uid_validity, 0, modseq_now);
    if rows.is_empty() || exists == 0 {
        // nothing recorded to match (or nothing left at the source): copy as new
        return record(ctx, Event::Committed { job_id: ctx.spec.job_id.clone(), commit });
    }
    // destination side: stored identities, else read from the files
    struct Dest {
        row: MappedMessage,
        id: MessageIdentity,
        size: u64,
    }
    let mut dest: Vec<Dest> = Vec::with_capacity(rows.len());
    for row in rows {
        let known = row.identity.clone().filter(|i| !i.header_hash.is_empty()).map(|i| (i, row.size));
        if let Some((id, size)) = known.or_else(|| mdf.identity_of_file(&row.file_name)) {
            dest.push(Dest { row, id, size });
        }
    }
    // source side
    let mut src: Vec<SourceIdentity> = Vec::with_capacity(exists as usize);
    {
        let mut stream = with_timeout(
            host,
            session.uid_fetch("1:*", "(UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"),
        )
        .await?
        .map_err(|e| imap_err(host, e))?;
        while let Some(item) = with_timeout(host, stream.next()).await? {
            let f = item.map_err(|e| imap_err(host, e))?;
            let (Some(uid), Some(size)) = (f.uid, f.size) else { continue };
            src.push(SourceIdentity {
                uid,
                size: u64::from(size),
                date: f.internal_date().map(|d| d.timestamp()).unwrap_or(0),
                message_id: f.header().and_then(maildir::message_id),
                flags: flag_strings(&f),
                header_hash: None,
            });
        }
    }
    src.sort_unstable_by_key(|s| s.uid);
    src.dedup_by_key(|s| s.uid);
    type Key = (String, u64, i64);
    let mut count_src: HashMap<Key, usize> = HashMap::new();
    for s in &src {
        if let Some(m) = &s.message_id {
            *count_src.entry((m.clone(), s.size, s.date)).or_default() += 1;
        }
    }
    let mut by_id: HashMap<Key, Vec<usize>> = HashMap::new();
    let mut by_hash: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, d) in dest.iter().enumerate().rev() {
        if let Some(m) = &d.id.message_id {
            by_id.entry((m.clone(), d.size, d.id.internal_date)).or_default().push(i);
        }
        by_hash.entry((d.id.header_hash.clone(), d.size, d.id.internal_date)).or_default().push(i);
    }
    let size_dates: HashSet<(u64, i64)> = by_hash.keys().map(|k| (k.1, k.2)).collect();
    // which source messages need their header hash
    let needs_hash = |s: &SourceIdentity| match &s.message_id {
        None => size_dates.contains(&(s.size, s.date)),
        Some(m) => {
            let k = (m.clone(), s.size, s.date);
            let in_dest = by_id.get(&k).map_or(0, Vec::len);
            in_dest >= 1 && (in_dest > 1 || count_src.get(&k).copied().unwrap_or(0) > 1)
        }
    };
    let hash_uids: Vec<u32> = src.iter().filter(|s| needs_hash(s)).map(|s| s.uid).collect();
    for chunk in hash_uids.chunks(500) {
        let mut stream = with_timeout(host, session.uid_fetch(uid_set(chunk), "(UID BODY.PEEK[HEADER])"))
            .await?
            .map_err(|e| imap_err(host, e))?;
        while let Some(item) = with_timeout(host, stream.next()).await? {
            let f = item.map_err(|e| imap_err(host, e))?;
            let (Some(uid), Some(h)) = (f.uid, f.header()) else { continue };
            if let Ok(i) = src.binary_search_by_key(&uid, |s| s.uid) {
                src[i].header_hash = Some(maildir::header_hash(h));
            }
        }
    }
    // pair them, one destination file per source message
    let mut used = vec![false; dest.len()];
    let take = |list: Option<&mut Vec<usize>>, used: &mut Vec<bool>| -> Option<usize> {
        let list = list?;
        while let Some(i) = list.pop() {
            if !used[i] {
                used[i] = true;
                return Some(i);
            }
        }
        None
    };
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (si, s) in src.iter().enumerate() {
        let found = match (&s.header_hash, &s.message_id) {
            (Some(h), _) => take(by_hash.get_mut(&(h.clone(), s.size, s.date)), &mut used),
            (None, Some(m)) => take(by_id.get_mut(&(m.clone(), s.size, s.date)), &mut used),
            (None, None) => None,
        };
        if let Some(di) = found {
            pairs.push((si, di));
        }
    }
    // flags of the matched files, then the one commit that moves their rows
    let mut wants: Vec<(usize, usize, String)> = Vec::with_capacity(pairs.len());
    for (si, di) in pairs {
        let want = mdf.info_for(&src[si].flags);
        wants.push((si, di, want));
    }
    let dest_err = |e: std::io::Error| MigrationError::destination(e.to_string());
    mdf.save_keywords().map_err(dest_err)?;
    for (si, di, want) in wants {
        let d = &dest[di];
        let file_name = if want.strip_prefix(':') == Some(maildir::file_info(&d.row.file_name)) {
            Some(d.row.file_name.clone())
        } else {
            mdf.rename_flags(&d.row.file_name, &src[si].flags).map_err(dest_err)?
        };
        let Some(file_name) = file_name else { continue };
        commit.rematched.push(Rematched {
            old_uid_validity: d.row.uid_validity,
            old_uid: d.row.uid,
            uid: src[si].uid,
            file_name,
        });
    }
    mdf.sync_renames().map_err(dest_err)?;
    record(ctx, Event::Committed { job_id: ctx.spec.job_id.clone(), commit })
}

fn spawn_flush(
    ctx: &Arc<JobCtx>,
    mdf: &MaildirFolder,
    pending: Vec<PendingFile>,
    mut commit: FolderCommit,
    prev: Option<std::sync::mpsc::Receiver<bool>>,
    done_tx: std::sync::mpsc::Sender<bool>,
) -> Flush {
    let dir = mdf.dir.clone();
    let ctx = ctx.clone();
    tokio::task::spawn_blocking(move || {
        let durable = maildir::commit_group(&dir, pending);
        // the predecessor has reported (true) or failed (false / gone)
        let prev_ok = prev.map(|r| r.recv().unwrap_or(false)).unwrap_or(true);
        let result = match durable {
            Err(e) => Err(MigrationError::destination(e.to_string())),
            Ok(_) if !prev_ok => Err(MigrationError::destination("an earlier group of messages couldn't be saved")),
            Ok(done) => {
                for (uid, file_name, size, identity) in done {
                    commit.bytes += size;
                    commit.copied.push(CopiedItem { uid, file_name, size, identity });
                }
                record(&ctx, Event::Committed { job_id: ctx.spec.job_id.clone(), commit })
            }
        };
        let _ = done_tx.send(result.is_ok());
        result
    })
}

/// The size listing (`UID FETCH prev+1:* (UID RFC822.SIZE)`) ends quietly on a tagged NO
/// or a closed connection too: when it looks short (fewer messages than EXISTS on a first
/// pass, or none up to UIDNEXT - 1), ask UID SEARCH, and a NOOP whose tagged OK is
/// checked (async-imap's SEARCH and `noop()` also take EOF for the end of the answer).
async fn listing_complete(
    host: &str,
    session: &mut ImapSession,
    prev: u32,
    metas: &[(u32, u64)],
    mb: &async_imap::types::Mailbox,
) -> Result<(), MigrationError> {
    let listed_last = metas.last().map_or(prev, |m| m.0).max(prev);
    let expected_last = mb.uid_next.map_or(0, |n| n.saturating_sub(1));
    let short = prev == 0 && metas.len() < mb.exists as usize;
    if mb.exists == 0 || (!short && listed_last >= expected_last) {
        return Ok(());
    }
    let found = with_timeout(host, session.uid_search(format!("UID {}:*", listed_last.saturating_add(1))))
        .await?
        .map_err(|e| imap_err(host, e))?;
    with_timeout(host, session.run_command_and_check_ok("NOOP")).await?.map_err(|e| imap_err(host, e))?;
    let unlisted = found.iter().filter(|u| **u > listed_last).count();
    if unlisted > 0 {
        return Err(MigrationError::protocol(
            host,
            format!("The server's list of messages ended early; {unlisted} message(s) not listed."),
        ));
    }
    Ok(())
}

/// After a FETCH of `requested` returned only `delivered` (in UID order): the messages
/// the server refused in the middle of the set, below the last delivered UID (skipped
/// items with their reason; nothing for messages expunged meanwhile), and a transient
/// error when the connection is gone or the answer was cut short (a message above the
/// last delivered UID missing), so the retry resumes after the last delivered message.
async fn missing_uids(
    ctx: &JobCtx,
    session: &mut ImapSession,
    info: &super::sink::FolderInfo,
    requested: &[(u32, u64)],
    delivered: &[u32],
) -> (Vec<SkippedItem>, Option<MigrationError>) {
    let last = delivered.iter().copied().max().unwrap_or(0);
    match refused_uids(ctx, session, info, requested, delivered).await {
        Err(e) => {
            // nothing is known of the holes: keep them as skipped, with the reason
            let holes: Vec<(u32, u64, SkipReason)> = requested
                .iter()
                .filter(|(u, _)| *u < last && !delivered.contains(u))
                .map(|&(u, size)| (u, size, SkipReason::Unavailable))
                .collect();
            (plain_skips(ctx, info, &holes), Some(e))
        }
        Ok(refused) => {
            let (holes, tail): (Vec<_>, Vec<_>) = refused.into_iter().partition(|(u, _, _)| *u < last);
            let cut = (!tail.is_empty()).then(|| {
                MigrationError::protocol(
                    ctx.spec.server.host.as_str(),
                    format!(
                        "The server ended the FETCH of '{}' early (NO, BYE or a closed connection); {} message(s) not received.",
                        info.target_name,
                        tail.len()
                    ),
                )
            });
            match describe_skips(ctx, session, info, &holes).await {
                Ok(items) => (items, cut),
                Err(e) => (plain_skips(ctx, info, &holes), cut.or(Some(e))),
            }
        }
    }
}

/// Skipped items without header details.
fn plain_skips(ctx: &JobCtx, info: &super::sink::FolderInfo, skips: &[(u32, u64, SkipReason)]) -> Vec<SkippedItem> {
    let limits = ctx.spec.limits;
    skips
        .iter()
        .map(|&(uid, size, reason)| SkippedItem {
            reason,
            folder: info.target_name.clone(),
            uid,
            subject: String::new(),
            sender: String::new(),
            size,
            date_received: None,
            failure: reason
                .failure(size, if reason == SkipReason::TooLarge { limits.max_message_size } else { limits.max_items }),
        })
        .collect()
}

/// The UIDs of `requested` not in `delivered` that still exist at the source, checking
/// first that the connection is alive.
async fn refused_uids(
    ctx: &JobCtx,
    session: &mut ImapSession,
    info: &super::sink::FolderInfo,
    requested: &[(u32, u64)],
    delivered: &[u32],
) -> Result<Vec<(u32, u64, SkipReason)>, MigrationError> {
    let host = ctx.spec.server.host.as_str();
    let got: std::collections::HashSet<u32> = delivered.iter().copied().collect();
    let missing: Vec<(u32, u64)> = requested.iter().copied().filter(|(u, _)| !got.contains(u)).collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let lost = |what: &str| {
        MigrationError::protocol(
            host,
            format!(
                "The server ended the FETCH of '{}' early ({what}); {} message(s) not received.",
                info.target_name,
                missing.len()
            ),
        )
    };
    // (async-imap's `noop()` takes EOF for the end of the answer: check the tagged OK)
    with_timeout(host, session.run_command_and_check_ok("NOOP")).await?.map_err(|e| lost(&e.to_string()))?;
    // which of them still exist
    let set: Vec<u32> = missing.iter().map(|m| m.0).collect();
    let mut exists = std::collections::HashSet::new();
    {
        let mut stream =
            with_timeout(host, session.uid_fetch(uid_set(&set), "(UID)")).await?.map_err(|e| imap_err(host, e))?;
        while let Some(item) = with_timeout(host, stream.next()).await? {
            if let Some(uid) = item.map_err(|e| imap_err(host, e))?.uid {
                exists.insert(uid);
            }
        }
    }
    with_timeout(host, session.run_command_and_check_ok("NOOP")).await?.map_err(|e| lost(&e.to_string()))?;
    Ok(missing
        .iter()
        .filter(|(u, _)| exists.contains(u))
        .map(|&(u, size)| (u, size, SkipReason::Unavailable))
        .collect())
}

/// Fetch headers of skipped messages for their subject and sender.
async fn describe_skips(
    ctx: &JobCtx,
    session: &mut ImapSession,
    info: &super::sink::FolderInfo,
    skips: &[(u32, u64, SkipReason)],
) -> Result<Vec<SkippedItem>, MigrationError> {
    let host = ctx.spec.server.host.as_str();
    let mut items = plain_skips(ctx, info, skips);
    if items.is_empty() {
        return Ok(items);
    }
    let uids: Vec<u32> = items.iter().map(|s| s.uid).collect();
    for chunk in uids.chunks(500) {
        let mut stream = with_timeout(host, session.uid_fetch(uid_set(chunk), "(UID INTERNALDATE BODY.PEEK[HEADER])"))
            .await?
            .map_err(|e| imap_err(host, e))?;
        while let Some(item) = with_timeout(host, stream.next()).await? {
            let f = item.map_err(|e| imap_err(host, e))?;
            let Some(uid) = f.uid else { continue };
            if let Some(s) = items.iter_mut().find(|s| s.uid == uid) {
                s.date_received = f.internal_date().map(|d| d.timestamp());
                if let Some(h) = f.header() {
                    let (subject, sender) = header_summary(h);
                    s.subject = subject;
                    s.sender = sender;
                }
            }
        }
    }
    Ok(items)
}

/// Subject and From of a header block (decoded by mail-parser).
pub fn header_summary(header: &[u8]) -> (String, String) {
    let Some(msg) = mail_parser::MessageParser::default().parse_headers(header) else {
        return (String::new(), String::new());
    };
    let subject = msg.subject().unwrap_or("").to_string();
    let sender = msg
        .from()
        .and_then(|a| a.first())
        .map(|a| match (a.name(), a.address()) {
            (Some(n), Some(addr)) => format!("{n} <{addr}>"),
            (None, Some(addr)) => addr.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .unwrap_or_default();
    (subject, sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compressed() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8, 10]), "1:3,5,7:8,10");
        assert_eq!(uid_set(&[42]), "42");
        assert_eq!(uid_set(&[]), "");
    }

    #[test]
    fn header_summary_decodes_subject() {
        let h = b"From: Ann Beebe <ann@contoso.com>\r\nSubject: =?UTF-8?B?Q2Fmw6k=?= report\r\n\r\n";
        assert_eq!(header_summary(h), ("Café report".to_string(), "Ann Beebe <ann@contoso.com>".to_string()));
    }
}
