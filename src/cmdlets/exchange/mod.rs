//! The Exchange Online cmdlets over the local tenant (`crate::tenant`).
//!
//! Each cmdlet is a `Signature` (from ../shared/reference/cmdlets.md: the
//! parameter sets and IMAP-relevant parameters; on-prem-only parameters are
//! left out so the binder rejects them with its standard error) and a
//! function that binds the tenant's parameter structs, calls the store (or
//! the [`Tenant`] facade for engine transitions) and writes the objects.
//!
//! - [`convert`]: tenant objects → PowerShell objects.
//! - [`common`]: the tenant of this process, errors, identities, ShouldProcess.
//! - one file per family: `domain`, `mailbox`, `endpoint`, `batch`, `user`,
//!   `config`, `connection`, `exo` (REST cmdlets), `unsupported`
//!   (families outside the product).

pub mod batch;
pub mod common;
pub mod config;
pub mod connection;
pub mod convert;
pub mod docs;
pub mod domain;
pub mod endpoint;
pub mod exo;
pub mod mailbox;
pub mod unsupported;
pub mod user;

pub use common::{attach_tenant, current_tenant};
pub use unsupported::not_emulated;

use crate::runtime::command::Registry;
use crate::tenant::Tenant;

/// Registers every Exchange cmdlet.
pub fn register(r: &mut Registry) {
    domain::register(r);
    mailbox::register(r);
    endpoint::register(r);
    batch::register(r);
    user::register(r);
    config::register(r);
    connection::register(r);
    exo::register(r);
}

/// Keeps the facade type in the public API of this module.
pub type TenantHandle = Tenant;

#[cfg(test)]
mod engine_tests {
    //! The cmdlets with an engine attached (a recording fake: unit test).
    use super::attach_tenant;
    use crate::runtime::eval::{Interp, InterpOptions};
    use crate::tenant::*;
    use std::sync::{Arc, Mutex};
    use uuid::Uuid;

    #[derive(Default)]
    struct Recorder {
        calls: Mutex<Vec<String>>,
    }

    impl MigrationEngine for Recorder {
        fn start_batch(&self, _b: Uuid) {
            self.push("start");
        }
        fn stop_batch(&self, _b: Uuid) {
            self.push("stop");
        }
        fn remove_batch(&self, _b: Uuid) {
            self.push("remove");
        }
        fn sync_now(&self, _b: Uuid, _u: Option<Uuid>) {
            self.push("sync");
        }
        fn stop_user(&self, _b: Uuid, _u: Uuid) {
            self.push("stop_user");
        }
        fn test_server(&self, e: &MigrationEndpoint) -> TestMigrationServerAvailabilityOutcome {
            self.push(&format!("test {}:{}", e.remote_server, e.port));
            TestMigrationServerAvailabilityOutcome::success(None)
        }
    }

    impl Recorder {
        fn push(&self, s: &str) {
            if let Ok(mut v) = self.calls.lock() {
                v.push(s.to_string());
            }
        }
        fn calls(&self) -> Vec<String> {
            self.calls.lock().map(|v| v.clone()).unwrap_or_default()
        }
    }

    #[test]
    fn transitions_and_tests_reach_the_attached_engine() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(SqliteStore::open(dir.path()).expect("store"));
        let engine = Arc::new(Recorder::default());
        attach_tenant(Tenant::new(store.clone()).with_engine(engine.clone()));
        let csv = dir.path().join("u.csv");
        std::fs::write(&csv, "EmailAddress,UserName,Password\nterrya@contoso.com,terry,pw\n").expect("csv");
        // Kept open to options the runtime may add.
        #[allow(clippy::needless_update)]
        let mut it = Interp::new(InterpOptions { non_interactive: true, ..Default::default() });
        let script = format!(
            "New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null\n\
             New-Mailbox -Shared -Name terrya -PrimarySmtpAddress terrya@contoso.com | Out-Null\n\
             $t = Test-MigrationServerAvailability -IMAP -RemoteServer imap.contoso.com -Port 143\n\
             New-MigrationEndpoint -IMAP -Name E -RemoteServer imap.contoso.com -Port 993 | Out-Null\n\
             New-MigrationBatch -Name B -SourceEndpoint E -CSVData ([System.IO.File]::ReadAllBytes('{}')) -AutoStart | Out-Null\n\
             Set-MigrationBatch B -SyncNow\n\
             Stop-MigrationBatch B\n",
            csv.display()
        );
        let _ = it.run_source(&script, None, Vec::new());
        assert_eq!(
            engine.calls(),
            vec!["test imap.contoso.com:143", "test imap.contoso.com:993", "start", "sync", "stop"]
        );
        // Verification passed, so the endpoint exists; the batch is Stopping
        // until the engine reports it stopped.
        assert_eq!(store.get_endpoints(Some("E"), None).expect("endpoint").len(), 1);
        let b = store.get_batches(&BatchFilter { identity: Some("B".into()), ..Default::default() }).expect("batch");
        assert_eq!(b[0].status, MigrationBatchStatus::Stopping);
    }
}
