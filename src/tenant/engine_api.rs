//! The interface between the tenant and the migration engine (src/engine).
//!
//! The engine implements [`MigrationEngine`]; the tenant calls it after a
//! state change has been committed. The engine reads what it needs with
//! [`TenantStore::batch_work`] and reports back with
//! [`TenantStore::record_user_progress`] / [`TenantStore::record_batch_progress`]
//! (one transaction each) and [`TenantStore::finish_remove_batch`].
//!
//! Until an engine is attached, [`Tenant`] uses [`EngineState::Detached`]: a
//! started batch stays Syncing with its users Queued (nothing is copied, and
//! nothing pretends to be Synced); stop and remove complete at once.

use super::error::TenantResult;
use super::model::{MigrationBatch, MigrationEndpoint, MigrationUser, TestMigrationServerAvailabilityOutcome};
use super::store::{EngineState, NewBatch, TenantStore};
use std::sync::Arc;
use uuid::Uuid;

/// What the migration engine offers the tenant. Calls return quickly: the
/// work runs in the engine's own tasks.
pub trait MigrationEngine: Send + Sync {
    /// A batch was started (Start-MigrationBatch, -AutoStart, or a user of
    /// it was started): run its Queued users.
    fn start_batch(&self, batch: Uuid);
    /// A batch is Stopping: stop its users, then record them Stopped and the
    /// batch Stopped (`BatchProgress { status: Some(Stopped) }`).
    fn stop_batch(&self, batch: Uuid);
    /// A batch is Removing: stop all work, then call
    /// [`TenantStore::finish_remove_batch`].
    fn remove_batch(&self, batch: Uuid);
    /// Sync now (`Set-MigrationBatch -SyncNow`, `Set-MigrationUser -SyncNow`
    /// with `user` set).
    fn sync_now(&self, batch: Uuid, user: Option<Uuid>);
    /// One user was stopped (Stop-MigrationUser).
    fn stop_user(&self, batch: Uuid, user: Uuid);
    /// Test-MigrationServerAvailability for IMAP settings (also used by
    /// New-/Set-MigrationEndpoint without -SkipVerification).
    fn test_server(&self, endpoint: &MigrationEndpoint) -> TestMigrationServerAvailabilityOutcome;
}

/// The tenant as the cmdlets use it: the store plus, when attached, the
/// engine. State-changing calls that involve the engine go through here so
/// that the store's transition and the engine's notification stay together.
#[derive(Clone)]
pub struct Tenant {
    /// The store.
    pub store: Arc<dyn TenantStore>,
    /// The engine, when one is attached.
    pub engine: Option<Arc<dyn MigrationEngine>>,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant").field("engine_attached", &self.engine.is_some()).finish_non_exhaustive()
    }
}

impl Tenant {
    /// A tenant over `store` without an engine.
    pub fn new(store: Arc<dyn TenantStore>) -> Self {
        Tenant { store, engine: None }
    }

    /// Attaches the engine.
    pub fn with_engine(mut self, engine: Arc<dyn MigrationEngine>) -> Self {
        self.engine = Some(engine);
        self
    }

    /// Attached or not.
    pub fn engine_state(&self) -> EngineState {
        if self.engine.is_some() { EngineState::Attached } else { EngineState::Detached }
    }

    /// New-MigrationBatch (starts the engine on -AutoStart).
    pub fn new_batch(&self, p: &NewBatch, csv: &[u8]) -> TenantResult<MigrationBatch> {
        let b = self.store.new_batch(p, csv, self.engine_state())?;
        if p.auto_start
            && let Some(e) = &self.engine
        {
            e.start_batch(b.guid);
        }
        Ok(b)
    }

    /// Start-MigrationBatch.
    pub fn start_batch(&self, identity: &str) -> TenantResult<MigrationBatch> {
        let b = self.store.start_batch(identity, self.engine_state())?;
        if let Some(e) = &self.engine {
            e.start_batch(b.guid);
        }
        Ok(b)
    }

    /// Stop-MigrationBatch.
    pub fn stop_batch(&self, identity: &str) -> TenantResult<MigrationBatch> {
        let b = self.store.stop_batch(identity, self.engine_state())?;
        if let Some(e) = &self.engine {
            e.stop_batch(b.guid);
        }
        Ok(b)
    }

    /// Remove-MigrationBatch.
    pub fn remove_batch(&self, identity: &str) -> TenantResult<MigrationBatch> {
        let b = self.store.remove_batch(identity, self.engine_state())?;
        if let Some(e) = &self.engine {
            e.remove_batch(b.guid);
        }
        Ok(b)
    }

    /// Set-MigrationBatch -SyncNow (after `store.set_batch`).
    pub fn sync_batch_now(&self, batch: &MigrationBatch) {
        if let Some(e) = &self.engine {
            e.sync_now(batch.guid, None);
        }
    }

    /// Start-MigrationUser.
    pub fn start_user(&self, identity: &str) -> TenantResult<MigrationUser> {
        let u = self.store.start_user(identity, self.engine_state())?;
        if let Some(e) = &self.engine {
            e.start_batch(u.batch_guid);
        }
        Ok(u)
    }

    /// Stop-MigrationUser.
    pub fn stop_user(&self, identity: &str) -> TenantResult<MigrationUser> {
        let u = self.store.stop_user(identity, self.engine_state())?;
        if let Some(e) = &self.engine {
            e.stop_user(u.batch_guid, u.guid);
        }
        Ok(u)
    }

    /// Set-MigrationUser -SyncNow (after `store.set_user`).
    pub fn sync_user_now(&self, user: &MigrationUser) {
        if let Some(e) = &self.engine {
            e.sync_now(user.batch_guid, Some(user.guid));
        }
    }

    /// Test-MigrationServerAvailability: the engine's test, or — without an
    /// engine — an honest failure saying no network test is available.
    pub fn test_server(
        &self,
        endpoint: &MigrationEndpoint,
        tested_endpoint: Option<String>,
    ) -> TestMigrationServerAvailabilityOutcome {
        match &self.engine {
            Some(e) => {
                let mut r = e.test_server(endpoint);
                r.tested_endpoint = tested_endpoint;
                r
            }
            None => TestMigrationServerAvailabilityOutcome::failed(
                format!("The connection to the server '{}' could not be completed.", endpoint.remote_server),
                format!(
                    "Microsoft.Exchange.Migration.MigrationServerConnectionFailedException: The connection to the server '{}' could not be completed.\n ---> exosh: no migration engine is attached to this tenant, so the server can't be tested.",
                    endpoint.remote_server
                ),
                tested_endpoint,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::*;
    use std::sync::Mutex;

    /// A fake engine that records the calls and answers tests with Success.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl MigrationEngine for Recorder {
        fn start_batch(&self, batch: Uuid) {
            self.0.lock().unwrap().push(format!("start {batch}"));
        }
        fn stop_batch(&self, batch: Uuid) {
            self.0.lock().unwrap().push(format!("stop {batch}"));
        }
        fn remove_batch(&self, batch: Uuid) {
            self.0.lock().unwrap().push(format!("remove {batch}"));
        }
        fn sync_now(&self, batch: Uuid, user: Option<Uuid>) {
            self.0.lock().unwrap().push(format!("sync {batch} {user:?}"));
        }
        fn stop_user(&self, _batch: Uuid, user: Uuid) {
            self.0.lock().unwrap().push(format!("stopuser {user}"));
        }
        fn test_server(&self, _endpoint: &MigrationEndpoint) -> TestMigrationServerAvailabilityOutcome {
            TestMigrationServerAvailabilityOutcome::success(None)
        }
    }

    fn tenant(engine: Option<Arc<Recorder>>) -> (tempfile::TempDir, Tenant) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("home")).unwrap();
        store
            .new_accepted_domain(&NewAcceptedDomain {
                name: "contoso.com".into(),
                domain_name: "contoso.com".into(),
                domain_type: None,
            })
            .unwrap();
        store
            .new_mailbox(&NewMailbox {
                name: "terry".into(),
                microsoft_online_services_id: Some("terry@contoso.com".into()),
                ..Default::default()
            })
            .unwrap();
        store
            .new_endpoint(&NewImapEndpoint {
                name: "EP".into(),
                remote_server: "imap.contoso.com".into(),
                port: None,
                security: None,
                authentication: None,
                accept_untrusted_certificates: false,
                max_concurrent_migrations: None,
                max_concurrent_incremental_syncs: None,
            })
            .unwrap();
        let t = Tenant::new(Arc::new(store));
        let t = match engine {
            Some(e) => t.with_engine(e),
            None => t,
        };
        (dir, t)
    }

    const CSV: &[u8] = b"EmailAddress,UserName,Password\nterry@contoso.com,terry,pw\n";

    #[test]
    fn transitions_reach_the_engine_after_the_commit() {
        let rec = Arc::new(Recorder::default());
        let (_d, t) = tenant(Some(rec.clone()));
        assert_eq!(t.engine_state(), EngineState::Attached);
        let p =
            NewBatch { name: "B".into(), source_endpoint: Some("EP".into()), auto_start: true, ..Default::default() };
        let b = t.new_batch(&p, CSV).unwrap();
        assert_eq!(b.status, MigrationBatchStatus::Syncing);
        let stopping = t.stop_batch("B").unwrap();
        assert_eq!(stopping.status, MigrationBatchStatus::Stopping);
        // A failed transition does not reach the engine.
        assert!(t.start_batch("B").is_err());
        t.store
            .record_batch_progress(&BatchProgress {
                batch_guid: b.guid,
                status: Some(MigrationBatchStatus::Stopped),
                ..Default::default()
            })
            .unwrap();
        let removing = t.remove_batch("B").unwrap();
        assert_eq!(removing.guid, b.guid);
        let calls = rec.0.lock().unwrap().clone();
        assert_eq!(calls, [format!("start {}", b.guid), format!("stop {}", b.guid), format!("remove {}", b.guid)]);
        let ep = t.store.get_endpoints(Some("EP"), None).unwrap().remove(0);
        let r = t.test_server(&ep, Some("EP".into()));
        assert_eq!(r.result, TestMigrationServerAvailabilityResult::Success);
        assert_eq!(r.tested_endpoint.as_deref(), Some("EP"));
    }

    #[test]
    fn without_engine_started_batches_stay_syncing_and_tests_fail_honestly() {
        let (_d, t) = tenant(None);
        let p =
            NewBatch { name: "B".into(), source_endpoint: Some("EP".into()), auto_start: true, ..Default::default() };
        t.new_batch(&p, CSV).unwrap();
        let b = t.store.get_batches(&BatchFilter::default()).unwrap().remove(0);
        assert_eq!(b.status, MigrationBatchStatus::Syncing);
        assert_eq!(t.stop_batch("B").unwrap().status, MigrationBatchStatus::Stopped);
        t.remove_batch("B").unwrap();
        assert!(t.store.get_batches(&BatchFilter::default()).unwrap().is_empty());
        let ep = t.store.get_endpoints(Some("EP"), None).unwrap().remove(0);
        let r = t.test_server(&ep, None);
        assert_eq!(r.result, TestMigrationServerAvailabilityResult::Failed);
        assert_eq!(r.message, "The connection to the server 'imap.contoso.com' could not be completed.");
        let props = r.properties();
        let names: Vec<&str> = props.iter().map(|p| p.0).collect();
        assert_eq!(
            names,
            [
                "Result",
                "Message",
                "SupportsCutover",
                "ErrorDetail",
                "TestedEndpoint",
                "IsValid",
                "Identity",
                "ObjectState"
            ]
        );
    }
}
