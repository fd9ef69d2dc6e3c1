//! The IMAP migration engine: copies mailboxes from an IMAP server into Maildir++ folders,
//! as Exchange Online's IMAP migration does. Knows no PowerShell (and imports neither
//! `syntax`, `runtime` nor `format`).
//!
//! How the tenant/cmdlet layer drives it:
//!
//! ```text
//! let engine = Engine::new(EngineConfig::default())?;            // once per process
//! engine.test_server_availability(&server, Some(&creds));        // Test-MigrationServerAvailability
//! engine.start_batch(BatchSpec { .. jobs: vec![JobSpec { .. }] }, sink)?;  // Start-MigrationBatch
//! engine.batch_progress("batch1");                                // Get-MigrationUser(Statistics) polling
//! engine.stop_batch("batch1");                                    // Stop-MigrationBatch
//! ```
//!
//! The caller implements [`ProgressSink`]: one `record(&Event)` call per commit point, made
//! only after the reported messages are durable, so each call can be one SQLite
//! transaction (status changes, source counts, and per folder the UID map rows, skipped
//! items and the folder's UIDVALIDITY / highest UID for the next incremental pass).
//! [`MemorySink`] keeps everything in memory.
//!
//! Incremental passes (`JobSpec::previous` = the folder states of earlier passes) also ask
//! the sink for UID map rows ([`ProgressSink::mapped`]): to find the file of a message
//! whose flags or keywords changed (CHANGEDSINCE with CONDSTORE, else a flag scan), to
//! never copy a UID twice, and to match messages again by content when a folder's
//! UIDVALIDITY changed. Folders renamed at the source are followed (by UIDVALIDITY);
//! folders STATUS shows unchanged are not opened. Deletions are not propagated.

pub mod availability;
pub mod bridge;
pub mod error;
pub mod folders;
pub mod login;
pub mod maildir;
pub mod mutf7;
pub mod net;
pub mod scheduler;
pub mod sink;
pub mod spec;
pub mod sync;

pub use availability::{AvailabilityOutcome, AvailabilityResult, test_server_availability};
pub use error::{ErrorKind, MigrationError};
pub use scheduler::{BatchProgress, Engine, EngineConfig, RetryPolicy};
pub use sink::{
    CopiedItem, Event, FolderCommit, FolderInfo, MapQuery, MappedMessage, MemorySink, MessageIdentity, ProgressSink,
    Rematched, RenamedFile, SkipReason, SkippedItem, SourceScan, UserProgress, UserState,
};
pub use spec::{
    Authentication, BatchSpec, Credentials, FolderSyncState, JobSpec, Limits, MAX_ITEMS, MAX_MESSAGE_SIZE, Security,
    ServerSpec,
};
pub use sync::Tuning;
