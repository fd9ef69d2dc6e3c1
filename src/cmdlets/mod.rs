//! Cmdlets: `core/` (the PowerShell utility cmdlets) and, later, `exchange/`.
//! Each cmdlet is declared once with a `Signature` and registered here.

pub mod core;

use crate::runtime::command::Registry;

/// Registers every built-in cmdlet.
pub fn register_all(r: &mut Registry) {
    core::register(r);
}
