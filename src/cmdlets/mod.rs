//! Cmdlets: `core/` (the PowerShell utility cmdlets) and `exchange/` (the
//! Exchange Online cmdlets over the local tenant). Each cmdlet is declared
//! once with a `Signature` and registered here.

pub mod core;
pub mod exchange;

use crate::runtime::command::Registry;

/// Registers every built-in cmdlet.
pub fn register_all(r: &mut Registry) {
    core::register(r);
    exchange::register(r);
}
