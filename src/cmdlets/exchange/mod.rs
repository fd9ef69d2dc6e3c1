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
