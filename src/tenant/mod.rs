//! The local Exchange tenant: Exchange's object model and its durable store.
//!
//! This layer knows no PowerShell (it imports neither `syntax`, `runtime`
//! nor `format`): the cmdlets in `src/cmdlets/exchange` are thin adapters
//! that bind parameters, call a [`store::TenantStore`] method (or the
//! [`engine_api::Tenant`] facade for transitions the engine must hear
//! about) and wrap the returned objects.
//!
//! - [`types`]: [`types::PropValue`], [`types::ByteQuantifiedSize`],
//!   [`types::Unlimited`], [`types::TimeSpan`] and Exchange's enums.
//! - [`model`]: the objects (MigrationBatch ...) with
//!   [`model::TenantObject`]: `type_names()` and `properties()` in
//!   Exchange's order.
//! - [`store`]: the [`store::TenantStore`] trait, parameter structs, the
//!   engine's work and progress types, [`store::UserCursor`].
//! - [`sqlite`]: [`sqlite::SqliteStore`] at `$EXOSH_HOME/exosh.db`.
//! - [`csvdata`]: the `-CSVData` rules. [`maildir`]: Maildir++ folders and
//!   statistics. [`status`]: the status machine. [`error`]: errors with
//!   Exchange's messages.
//! - [`engine_api`]: the [`engine_api::MigrationEngine`] trait the engine
//!   implements, and the [`engine_api::Tenant`] facade.
//!
//! Typical use by a cmdlet (errors carry Exchange's message, a PowerShell
//! category and the .NET exception name; a failed call changed nothing):
//!
//! ```text
//! let store = Arc::new(SqliteStore::open_default()?);       // $EXOSH_HOME/exosh.db
//! let tenant = Tenant::new(store.clone());                  // .with_engine(engine) later
//! let ep = store.new_endpoint(&NewImapEndpoint { name, remote_server, port, .. })?;
//! let b = tenant.new_batch(&NewBatch { name, source_endpoint, auto_start, .. }, &csv_bytes)?;
//! for u in UserCursor::new(&*store, UserFilter { batch: Some(name), ..Default::default() }, Some(1000)) {
//!     let u = u?;                                           // streamed, page by page
//!     emit(u.object_type_names(), u.properties());
//! }
//! tenant.remove_batch("IMAPBatch1")?;                       // Removing (engine) or gone
//! ```
//!
//! The engine's side: [`TenantStore::batch_work`] (endpoint, users with
//! CSV credentials, Maildir paths, folder filters),
//! [`TenantStore::record_user_progress`], [`TenantStore::record_batch_progress`],
//! [`TenantStore::finish_remove_batch`], [`TenantStore::active_batches`],
//! [`TenantStore::record_endpoint_activity`].
//!
//! Invariants: names are unique by UNIQUE constraints (case-insensitive);
//! every change is one `BEGIN IMMEDIATE` transaction; passwords never appear
//! in `properties()`, `Debug` output or error messages; without an engine a
//! started batch stays Syncing (its users Queued) and is never shown Synced.

pub mod csvdata;
pub mod engine_api;
pub mod error;
pub mod maildir;
pub mod model;
pub mod sqlite;
pub mod status;
pub mod store;
pub mod types;

pub use engine_api::{MigrationEngine, Tenant};
pub use error::{ErrorCategory, TenantError, TenantResult};
pub use model::*;
pub use sqlite::{SqliteStore, default_home};
pub use store::*;
pub use types::*;
