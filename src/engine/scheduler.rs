//! The `Engine` handle: a tokio runtime on background threads, a scheduler that honours
//! MaxConcurrentMigrations per endpoint across batches, stop, and progress queries.
//! All methods are synchronous (the PowerShell side polls).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::availability::{self, AvailabilityOutcome};
use super::error::MigrationError;
use super::sink::{Event, ProgressSink, UserProgress, UserState};
use super::spec::{BatchSpec, Credentials, ServerSpec};
use super::sync::{self, JobCtx, Tuning};

/// Engine settings.
#[derive(Clone, Copy, Debug)]
pub struct EngineConfig {
    /// Threads of the tokio runtime.
    pub worker_threads: usize,
    pub tuning: Tuning,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig { worker_threads: 2, tuning: Tuning::default() }
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
    endpoints: Mutex<HashMap<String, (Arc<Semaphore>, usize)>>,
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

    fn endpoint_semaphore(&self, endpoint_id: &str, max: usize) -> Arc<Semaphore> {
        let max = max.max(1);
        let Ok(mut eps) = self.endpoints.lock() else {
            return Arc::new(Semaphore::new(max));
        };
        let entry = eps.entry(endpoint_id.to_string()).or_insert_with(|| (Arc::new(Semaphore::new(max)), max));
        if max > entry.1 {
            entry.0.add_permits(max - entry.1);
            entry.1 = max;
        }
        entry.0.clone()
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
        let semaphore = self.endpoint_semaphore(&batch.endpoint_id, batch.max_concurrent_migrations);
        let users = Arc::new(Mutex::new(batch.jobs.iter().map(|j| UserProgress::new(&j.job_id)).collect::<Vec<_>>()));
        let stop = Arc::new(AtomicBool::new(false));
        let running = Arc::new(AtomicUsize::new(batch.jobs.len()));
        let tracking: Arc<dyn ProgressSink> = Arc::new(TrackingSink { inner: sink, users: users.clone() });
        for job in batch.jobs {
            let _ =
                tracking.record(&Event::Status { job_id: job.job_id.clone(), state: UserState::Queued, error: None });
            let ctx =
                Arc::new(JobCtx { spec: job, sink: tracking.clone(), stop: stop.clone(), tuning: self.config.tuning });
            let semaphore = semaphore.clone();
            let running = running.clone();
            self.rt.spawn(async move {
                let permit = semaphore.acquire_owned().await;
                if ctx.stop.load(Ordering::SeqCst) {
                    let _ = ctx.sink.record(&Event::Status {
                        job_id: ctx.spec.job_id.clone(),
                        state: UserState::Stopped,
                        error: None,
                    });
                } else {
                    let _ = sync::run_job(ctx).await;
                }
                drop(permit);
                running.fetch_sub(1, Ordering::SeqCst);
            });
        }
        batches.insert(batch.batch_id, BatchEntry { stop, users, running });
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
        let engine = Engine::new(EngineConfig::default()).expect("engine");
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
