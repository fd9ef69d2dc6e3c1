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
