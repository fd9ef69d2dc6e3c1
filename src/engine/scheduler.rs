//! The `Engine` handle: a tokio runtime on background threads, a scheduler that honours
//! MaxConcurrentMigrations per endpoint across batches, retries of transient failures
//! with exponential backoff, stop, and progress queries.
//! All methods are synchronous (the PowerShell side polls).
//!
//! Retries: a user's pass that fails with a transient error
//! ([`MigrationError::is_transient`]) is not reported as failed. The engine waits
//! (exponential backoff with jitter, [`RetryPolicy`]), removes the half-written files of
//! the pass from the destination's `tmp/`, and runs the pass again on new connections from
//! the folder states committed so far, so only the UIDs not yet committed are fetched.
//! Each retry is reported as a `Syncing` status whose error reads as Exchange's report
//! line (`Transient error ... has occurred. The system will retry (n/max)`). When the
//! retries or their time run out (failures in a row: an attempt that committed messages
//! starts the count again), the user fails with the last error's message.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::availability::{self, AvailabilityOutcome};
use super::error::MigrationError;
use super::sink::{Event, ProgressSink, UserProgress, UserState};
use super::spec::{BatchSpec, Credentials, FolderSyncState, ServerSpec};
use super::sync::{self, JobCtx, Tuning};

/// How transient failures of a user's pass are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait before the first retry; each later wait doubles, up to `cap`.
    pub base: Duration,
    /// Longest wait between two attempts.
    pub cap: Duration,
    /// Retries after the first attempt (0: fail at the first transient error).
    pub max_retries: u32,
    /// No retry starts once this much time has passed since the first attempt.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    /// 1 s, 2 s, 4 s ... capped at 5 minutes, at most 10 retries within 1 hour.
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
            max_retries: 10,
            max_total: Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// The defaults, overridden by `EXOSH_RETRY_BASE_MS`, `EXOSH_RETRY_CAP_MS`,
    /// `EXOSH_RETRY_MAX` and `EXOSH_RETRY_TOTAL_SECS` (tests make the waits short).
    pub fn from_env() -> RetryPolicy {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        let d = RetryPolicy::default();
        RetryPolicy {
            base: num("EXOSH_RETRY_BASE_MS").map_or(d.base, Duration::from_millis),
            cap: num("EXOSH_RETRY_CAP_MS").map_or(d.cap, Duration::from_millis),
            max_retries: num("EXOSH_RETRY_MAX").and_then(|n| u32::try_from(n).ok()).unwrap_or(d.max_retries),
            max_total: num("EXOSH_RETRY_TOTAL_SECS").map_or(d.max_total, Duration::from_secs),
        }
    }

    /// The wait before retry `n` (1-based): `base * 2^(n-1)` capped at `cap`, of which
    /// the upper half is jitter (`jitter` in 0..1), so retries of many users spread out.
    pub fn delay(&self, n: u32, jitter: f64) -> Duration {
        let exp = self.base.saturating_mul(1u32 << n.saturating_sub(1).min(20)).min(self.cap);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        exp / 2 + exp.mul_f64(jitter) / 2
    }
}

/// A random number in 0..1 (jitter; no quality needed).
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Engine settings.
#[derive(Clone, Copy, Debug)]
pub struct EngineConfig {
    /// Threads of the tokio runtime.
    pub worker_threads: usize,
    pub tuning: Tuning,
    pub retry: RetryPolicy,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { worker_threads: 2, tuning: Tuning::default(), retry: RetryPolicy::default() }
    }
}

/// A batch's live figures.
#[derive(Clone, Debug)]
pub struct BatchProgress {
    pub batch_id: String,
    /// In job order.
    pub users: Vec<UserProgress>,
}

impl BatchProgress {
    pub fn count(&self, state: UserState) -> usize {
        self.users.iter().filter(|u| u.state == state).count()
    }

    /// Every user reached Synced, Stopped or Failed.
    pub fn is_finished(&self) -> bool {
        self.users.iter().all(|u| u.state.is_final())
    }
}

struct BatchEntry {
    stop: Arc<AtomicBool>,
    users: Arc<Mutex<Vec<UserProgress>>>,
    running: Arc<AtomicUsize>,
    retries: Arc<AtomicU32>,
}

/// Passes running under one concurrency key (an endpoint, or its incremental syncs).
#[derive(Default)]
struct Slots {
    semaphore: Option<Arc<Semaphore>>,
    max: usize,
    active: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// Counts a running pass under its key while it lives.
struct ActiveGuard(Arc<AtomicUsize>);

impl ActiveGuard {
    fn new(active: &Arc<AtomicUsize>, peak: &AtomicUsize) -> ActiveGuard {
        let now = active.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        ActiveGuard(active.clone())
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Wraps a pass's sink: remembers the folder states the pass commits (where a retry
/// resumes), and holds back the pass's final `Failed` status when its error is
/// transient (the retry loop decides whether it retries or reports it).
struct RetrySink {
    inner: Arc<dyn ProgressSink>,
    /// The folder states committed so far (what a retry starts from), folded as the
    /// caller's sink folds them (`UserProgress::apply` / `previous`).
    folders: Mutex<UserProgress>,
    held: Mutex<Option<MigrationError>>,
    /// The pass committed at least one message.
    progressed: AtomicBool,
}

impl RetrySink {
    fn new(inner: Arc<dyn ProgressSink>, job_id: &str, previous: &[FolderSyncState]) -> RetrySink {
        let mut p = UserProgress::new(job_id);
        for f in previous {
            p.folder_states.insert(f.source_name.clone(), f.clone());
        }
        RetrySink { inner, folders: Mutex::new(p), held: Mutex::new(None), progressed: AtomicBool::new(false) }
    }

    /// The `JobSpec::previous` of the next attempt.
    fn previous(&self) -> Option<Vec<FolderSyncState>> {
        self.folders.lock().ok().map(|p| p.previous())
    }
}

impl ProgressSink for RetrySink {
    fn record(&self, event: &Event) -> Result<(), String> {
        if let Event::Status { state: UserState::Failed, error: Some(e), .. } = event
            && e.is_transient()
        {
            if let Ok(mut h) = self.held.lock() {
                *h = Some(e.clone());
            }
            return Ok(());
        }
        self.inner.record(event)?;
        if let Event::Committed { commit, .. } = event
            && !commit.copied.is_empty()
        {
            self.progressed.store(true, Ordering::SeqCst);
        }
        if matches!(event, Event::Committed { .. } | Event::Scanned { .. })
            && let Ok(mut folders) = self.folders.lock()
        {
            folders.apply(event);
        }
        Ok(())
    }

    fn mapped(&self, query: &super::sink::MapQuery<'_>) -> Result<Vec<super::sink::MappedMessage>, String> {
        self.inner.mapped(query)
    }
}

/// Removes the files exosh left in `tmp/` of the mailbox at `root` and its folders (a
/// pass that failed part way; nothing else writes there while the user's pass is off).
pub fn remove_tmp_files(root: &Path) -> usize {
    let mut dirs = vec![root.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(root) {
        dirs.extend(rd.flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).map(|e| e.path()));
    }
    let mut removed = 0;
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d.join("tmp")) else { continue };
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().contains(".exosh,") && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// One user's pass, run again after transient failures (see the module docs).
/// `n` counts the failures in a row: an attempt that committed messages before failing
/// starts the count (and the time limit) again, so a long migration over a flaky link
/// goes on as long as it makes progress.
async fn run_with_retries(ctx: Arc<JobCtx>, policy: RetryPolicy, retries: Arc<AtomicU32>) {
    let mut first = Instant::now();
    let mut spec = ctx.spec.clone();
    let mut n = 0u32;
    loop {
        let sink = Arc::new(RetrySink::new(ctx.sink.clone(), &spec.job_id, &spec.previous));
        let attempt =
            Arc::new(JobCtx { spec: spec.clone(), sink: sink.clone(), stop: ctx.stop.clone(), tuning: ctx.tuning });
        let _ = sync::run_job(attempt).await;
        let Some(error) = sink.held.lock().ok().and_then(|mut h| h.take()) else { return };
        if sink.progressed.load(Ordering::SeqCst) {
            n = 0;
            first = Instant::now();
        }
        if n >= policy.max_retries || first.elapsed() >= policy.max_total {
            let _ = ctx.sink.record(&Event::Status {
                job_id: spec.job_id.clone(),
                state: UserState::Failed,
                error: Some(error),
            });
            return;
        }
        n += 1;
        retries.fetch_add(1, Ordering::SeqCst);
        let wait = policy.delay(n, jitter());
        let _ = ctx.sink.record(&Event::Status {
            job_id: spec.job_id.clone(),
            state: UserState::Syncing,
            error: Some(MigrationError::new(
                error.kind,
                format!(
                    "Transient error {} has occurred. The system will retry ({n}/{}) in {:.1} s",
                    error.exception_name(),
                    policy.max_retries,
                    wait.as_secs_f64()
                ),
                format!("{}\n{}", error.message, error.detail),
            )),
        });
        let until = Instant::now() + wait;
        while Instant::now() < until && !ctx.stop.load(Ordering::SeqCst) {
            tokio::time::sleep((until - Instant::now()).min(Duration::from_millis(100))).await;
        }
        let dest = spec.destination.clone();
        let _ = tokio::task::spawn_blocking(move || remove_tmp_files(&dest)).await;
        if ctx.stop.load(Ordering::SeqCst) {
            let _ =
                ctx.sink.record(&Event::Status { job_id: spec.job_id.clone(), state: UserState::Stopped, error: None });
            return;
        }
        if let Some(previous) = sink.previous() {
            spec.previous = previous;
        }
    }
}

/// Records into the engine's own progress table, then forwards to the caller's sink.
struct TrackingSink {
    inner: Arc<dyn ProgressSink>,
    users: Arc<Mutex<Vec<UserProgress>>>,
}

impl ProgressSink for TrackingSink {
    fn record(&self, event: &Event) -> Result<(), String> {
        let result = self.inner.record(event);
        let shown = match (&result, event) {
            (Ok(()), _) => Some(event.clone()),
            // the caller could not save a status: still show the user as failed here
            (Err(e), Event::Status { job_id, .. }) => Some(Event::Status {
                job_id: job_id.clone(),
                state: UserState::Failed,
                error: Some(MigrationError::sink(e.clone())),
            }),
            (Err(_), _) => None,
        };
        if let Some(shown) = shown
            && let Ok(mut users) = self.users.lock()
            && let Some(u) = users.iter_mut().find(|u| u.job_id == shown.job_id())
        {
            u.apply(&shown);
        }
        result
    }

    fn mapped(&self, query: &super::sink::MapQuery<'_>) -> Result<Vec<super::sink::MappedMessage>, String> {
        self.inner.mapped(query)
    }
}

/// The migration engine.
pub struct Engine {
    rt: tokio::runtime::Runtime,
    config: EngineConfig,
    endpoints: Mutex<HashMap<String, Slots>>,
    batches: Mutex<HashMap<String, BatchEntry>>,
}

impl Engine {
    /// Start the runtime (background threads named `exosh-engine`).
    pub fn new(config: EngineConfig) -> std::io::Result<Engine> {
        raise_fd_limit();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.worker_threads.max(1))
            .thread_name("exosh-engine")
            .enable_all()
            .build()?;
        Ok(Engine { rt, config, endpoints: Mutex::new(HashMap::new()), batches: Mutex::new(HashMap::new()) })
    }

    /// The semaphore of a concurrency key and its active/peak counters. A larger `max`
    /// than before adds slots; a smaller one takes effect when the process restarts.
    #[allow(clippy::type_complexity)]
    fn endpoint_slots(&self, endpoint_id: &str, max: usize) -> (Arc<Semaphore>, Arc<AtomicUsize>, Arc<AtomicUsize>) {
        let max = max.max(1);
        let Ok(mut eps) = self.endpoints.lock() else {
            return (Arc::new(Semaphore::new(max)), Arc::default(), Arc::default());
        };
        let entry = eps.entry(endpoint_id.to_string()).or_default();
        let semaphore = match &entry.semaphore {
            Some(s) => {
                if max > entry.max {
                    s.add_permits(max - entry.max);
                    entry.max = max;
                }
                s.clone()
            }
            None => {
                let s = Arc::new(Semaphore::new(max));
                entry.semaphore = Some(s.clone());
                entry.max = max;
                s
            }
        };
        (semaphore, entry.active.clone(), entry.peak.clone())
    }

    /// Passes running now under a concurrency key (`BatchSpec::endpoint_id`), and the
    /// most that ever ran at once in this process.
    pub fn concurrency(&self, endpoint_id: &str) -> (usize, usize) {
        self.endpoints
            .lock()
            .ok()
            .and_then(|e| e.get(endpoint_id).map(|s| (s.active.load(Ordering::SeqCst), s.peak.load(Ordering::SeqCst))))
            .unwrap_or((0, 0))
    }

    /// Retries after transient failures in the batch's last run (0 if unknown).
    pub fn retries(&self, batch_id: &str) -> u32 {
        self.batches.lock().ok().and_then(|b| b.get(batch_id).map(|e| e.retries.load(Ordering::SeqCst))).unwrap_or(0)
    }

    /// Queue every job of the batch; each runs when its endpoint has a free slot.
    /// Fails when a batch with this id is still running.
    pub fn start_batch(&self, batch: BatchSpec, sink: Arc<dyn ProgressSink>) -> Result<(), String> {
        let Ok(mut batches) = self.batches.lock() else {
            return Err("engine state poisoned".to_string());
        };
        if let Some(b) = batches.get(&batch.batch_id)
            && b.running.load(Ordering::SeqCst) > 0
        {
            return Err(format!("batch '{}' is already running", batch.batch_id));
        }
        let (semaphore, active, peak) = self.endpoint_slots(&batch.endpoint_id, batch.max_concurrent_migrations);
        let retries = Arc::new(AtomicU32::new(0));
        let users = Arc::new(Mutex::new(batch.jobs.iter().map(|j| UserProgress::new(&j.job_id)).collect::<Vec<_>>()));
        let stop = Arc::new(AtomicBool::new(false));
        let running = Arc::new(AtomicUsize::new(batch.jobs.len()));
        let tracking: Arc<dyn ProgressSink> = Arc::new(TrackingSink { inner: sink, users: users.clone() });
        let mut ctxs = Vec::with_capacity(batch.jobs.len());
        for job in batch.jobs {
            let _ =
                tracking.record(&Event::Status { job_id: job.job_id.clone(), state: UserState::Queued, error: None });
            ctxs.push(Arc::new(JobCtx {
                spec: job,
                sink: tracking.clone(),
                stop: stop.clone(),
                tuning: self.config.tuning,
            }));
        }
        // Users start in the batch's order (the CSV's): one dispatcher takes the endpoint's
        // slots in turn, so a later user never overtakes an earlier one that is queued.
        let (running_d, retries_d, policy) = (running.clone(), retries.clone(), self.config.retry);
        self.rt.spawn(async move {
            for ctx in ctxs {
                let permit = semaphore.clone().acquire_owned().await;
                let running = running_d.clone();
                let (active, peak, retries) = (active.clone(), peak.clone(), retries_d.clone());
                tokio::spawn(async move {
                    let _active = ActiveGuard::new(&active, &peak);
                    if ctx.stop.load(Ordering::SeqCst) {
                        let _ = ctx.sink.record(&Event::Status {
                            job_id: ctx.spec.job_id.clone(),
                            state: UserState::Stopped,
                            error: None,
                        });
                    } else {
                        run_with_retries(ctx, policy, retries).await;
                    }
                    drop(_active);
                    drop(permit);
                    running.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        batches.insert(batch.batch_id, BatchEntry { stop, users, running, retries });
        Ok(())
    }

    /// Ask a batch to stop: each user finishes the message in flight, commits, and ends
    /// Stopped; queued users end Stopped without starting. False if the batch is unknown.
    pub fn stop_batch(&self, batch_id: &str) -> bool {
        match self.batches.lock().ok().and_then(|b| b.get(batch_id).map(|e| e.stop.clone())) {
            Some(stop) => {
                stop.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Live figures of a batch (None if unknown).
    pub fn batch_progress(&self, batch_id: &str) -> Option<BatchProgress> {
        let batches = self.batches.lock().ok()?;
        let entry = batches.get(batch_id)?;
        let users = entry.users.lock().ok()?.clone();
        Some(BatchProgress { batch_id: batch_id.to_string(), users })
    }

    /// True while any job of the batch has not ended.
    pub fn is_running(&self, batch_id: &str) -> bool {
        self.batches
            .lock()
            .ok()
            .and_then(|b| b.get(batch_id).map(|e| e.running.load(Ordering::SeqCst) > 0))
            .unwrap_or(false)
    }

    /// Block until the batch's jobs have all ended or `timeout` passes; true if ended.
    pub fn wait_batch(&self, batch_id: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if !self.is_running(batch_id) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Forget a finished batch (its progress table); false while it still runs.
    pub fn forget_batch(&self, batch_id: &str) -> bool {
        if self.is_running(batch_id) {
            return false;
        }
        self.batches.lock().map(|mut b| b.remove(batch_id).is_some()).unwrap_or(false)
    }

    /// Test-MigrationServerAvailability (blocking).
    pub fn test_server_availability(
        &self,
        server: &ServerSpec,
        credentials: Option<&Credentials>,
    ) -> AvailabilityOutcome {
        self.rt.block_on(availability::test_server_availability(server, credentials))
    }

    /// The runtime, for callers that want to run their own async work next to the jobs.
    pub fn handle(&self) -> tokio::runtime::Handle {
        self.rt.handle().clone()
    }
}

/// Many connections and open group files: lift the soft descriptor limit to the hard one.
fn raise_fd_limit() {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read/write the struct we pass.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::spec::{Authentication, Credentials, JobSpec, Limits, Security};

    #[test]
    fn a_sink_that_refuses_fails_the_user_and_the_batch_ends() {
        let retry = RetryPolicy { base: Duration::from_millis(5), max_retries: 3, ..RetryPolicy::default() };
        let engine = Engine::new(EngineConfig { retry, ..EngineConfig::default() }).expect("engine");
        let server = ServerSpec {
            host: "127.0.0.1".into(),
            port: 9,
            security: Security::None,
            accept_untrusted_certificates: false,
            authentication: Authentication::Basic,
        };
        let job = |id: &str| JobSpec {
            job_id: id.into(),
            server: server.clone(),
            credentials: Credentials { user_name: "u".into(), password: "p".into(), user_root: None },
            destination: std::env::temp_dir().join("exosh-never-written"),
            exclude_folders: vec![],
            limits: Limits::default(),
            previous: vec![],
        };
        let sink = Arc::new(crate::engine::sink::MemorySink::failing_for("bad"));
        let batch = BatchSpec {
            batch_id: "b".into(),
            endpoint_id: "e".into(),
            max_concurrent_migrations: 1,
            jobs: vec![job("bad"), job("good")],
        };
        engine.start_batch(batch, sink.clone()).expect("start");
        assert!(engine.wait_batch("b", Duration::from_secs(30)));
        let p = engine.batch_progress("b").expect("progress");
        assert!(p.is_finished());
        assert_eq!(p.users[0].state, UserState::Failed);
        assert_eq!(p.users[0].error.as_ref().map(|e| e.kind), Some(crate::engine::ErrorKind::Sink));
        // the other user ran (and failed on its own: nothing listens on port 9)
        assert_eq!(p.users[1].state, UserState::Failed);
        assert_eq!(p.users[1].error.as_ref().map(|e| e.kind), Some(crate::engine::ErrorKind::ConnectionFailed));
        assert!(sink.user("bad").is_none(), "the refusing sink stored nothing");
        // the refused connection was transient: retried 3 times, each retry reported
        assert_eq!(engine.retries("b"), 3);
        let notices = sink
            .events()
            .iter()
            .filter(|e| {
                matches!(e, Event::Status { state: UserState::Syncing, error: Some(e), .. }
                    if e.message.starts_with("Transient error MigrationServerConnectionFailedException has occurred. The system will retry ("))
            })
            .count();
        assert_eq!(notices, 3);
        assert_eq!(engine.concurrency("e"), (0, 1));
        assert!(
            engine
                .start_batch(
                    BatchSpec {
                        batch_id: "b".into(),
                        endpoint_id: "e".into(),
                        max_concurrent_migrations: 1,
                        jobs: vec![]
                    },
                    sink
                )
                .is_ok()
        );
    }
}

#[cfg(test)]
mod retry_tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
        let p = RetryPolicy { base: Duration::from_secs(1), cap: Duration::from_secs(10), ..RetryPolicy::default() };
        assert_eq!(p.delay(1, 1.0), Duration::from_secs(1));
        assert_eq!(p.delay(1, 0.0), Duration::from_millis(500));
        assert_eq!(p.delay(3, 1.0), Duration::from_secs(4));
        assert_eq!(p.delay(30, 1.0), Duration::from_secs(10));
        assert_eq!(p.delay(30, f64::NAN), Duration::from_secs(5));
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }

    #[test]
    fn tmp_files_of_exosh_only_are_removed() {
        let d = tempfile::tempdir().expect("tmp");
        for sub in ["tmp", ".Sent Items/tmp", "cur"] {
            std::fs::create_dir_all(d.path().join(sub)).expect("dir");
        }
        let files =
            ["tmp/1.M1P1Q1.exosh,S=3", ".Sent Items/tmp/1.M1P1Q2.exosh,S=3", "tmp/other", "cur/1.M1P1Q3.exosh,S=3:2,"];
        for f in files {
            std::fs::write(d.path().join(f), b"abc").expect("write");
        }
        assert_eq!(remove_tmp_files(d.path()), 2);
        let left: Vec<bool> = files.iter().map(|f| d.path().join(f).exists()).collect();
        assert_eq!(left, [false, false, true, true]);
    }
}
