//! The batch and user status machine (objects.md §9.1–§9.3, cmdlets.md
//! Start/Stop/Complete/Remove-MigrationBatch) and its error messages.
//!
//! ```text
//! Created ──Start──► Syncing ──(engine)──► Synced / SyncedWithErrors / Failed
//!    ▲                 │ Stop                    │ Stop          │ Start (retry)
//!    │                 ▼                         ▼               ▼
//!    └──────────── Stopped ◄──(engine)── Stopping             Syncing
//! Remove: from any state that is not running ─► Removing ─► (gone)
//! Complete: not for IMAP batches (an IMAP migration ends with Remove).
//! ```

use super::error::TenantError;
use super::types::{MigrationBatchStatus as B, MigrationType, MigrationUserStatus as U};

/// Batch states in which work is running or a transition is in flight.
pub fn is_running(s: B) -> bool {
    matches!(s, B::Starting | B::Syncing | B::IncrementalSyncing | B::Stopping | B::Completing | B::Removing)
}

/// Start-MigrationBatch is allowed: a created, stopped or failed batch, or a
/// synced one with failures to retry (EXO: "can be run at any time to retry
/// failed users", but not while a transition is running).
pub fn can_start(s: B) -> bool {
    matches!(
        s,
        B::Created | B::Stopped | B::Failed | B::SyncedWithErrors | B::CompletedWithErrors | B::Synced | B::Waiting
    )
}

/// Stop-MigrationBatch is allowed: users are still migrating or waiting.
pub fn can_stop(s: B) -> bool {
    matches!(s, B::Starting | B::Syncing | B::IncrementalSyncing | B::Synced | B::SyncedWithErrors | B::Waiting)
}

/// Remove-MigrationBatch is allowed: the batch is not running.
pub fn can_remove(s: B) -> bool {
    !is_running(s)
}

/// Complete-MigrationBatch is allowed: a synced batch of a type that is
/// finalized (never IMAP).
pub fn can_complete(s: B, t: MigrationType) -> bool {
    t != MigrationType::IMAP && matches!(s, B::Synced | B::SyncedWithErrors)
}

/// Set-MigrationBatch is allowed unless the batch is being removed or completed.
pub fn can_set(s: B) -> bool {
    !matches!(s, B::Removing | B::Completing | B::Completed)
}

const EXC: &str = "MigrationBatchCannotBeChangedException";

/// Error for Start on a batch in `s`.
pub fn start_error(name: &str, s: B) -> TenantError {
    TenantError::invalid_op(
        EXC,
        format!(
            "The migration batch \"{name}\" can't be started because its status is {s}. A batch can be started when it's Created, Stopped, Failed, Synced, SyncedWithErrors or CompletedWithErrors."
        ),
    )
}

/// Error for Stop on a batch in `s`.
pub fn stop_error(name: &str, s: B) -> TenantError {
    TenantError::invalid_op(
        EXC,
        format!(
            "The migration batch \"{name}\" can't be stopped because its status is {s}. Only a batch with users that are still migrating or waiting can be stopped."
        ),
    )
}

/// Error for Remove on a batch in `s`.
pub fn remove_error(name: &str, s: B) -> TenantError {
    TenantError::invalid_op(
        EXC,
        format!(
            "The migration batch \"{name}\" can't be removed because its status is {s}. Stop the batch or wait until it has finished before you remove it."
        ),
    )
}

/// Error for Complete on a batch.
pub fn complete_error(name: &str, s: B, t: MigrationType) -> TenantError {
    if t == MigrationType::IMAP {
        TenantError::invalid_op(
            EXC,
            format!(
                "The migration batch \"{name}\" is an IMAP migration batch and can't be completed. IMAP migrations aren't finalized: once the mailboxes are synced and mail is routed to the new mailboxes, remove the batch with Remove-MigrationBatch."
            ),
        )
    } else {
        TenantError::invalid_op(
            EXC,
            format!(
                "The migration batch \"{name}\" can't be completed because its status is {s}. Only a Synced or SyncedWithErrors batch can be completed."
            ),
        )
    }
}

/// Error for Set on a batch in `s`.
pub fn set_error(name: &str, s: B) -> TenantError {
    TenantError::invalid_op(EXC, format!("The migration batch \"{name}\" can't be changed because its status is {s}."))
}

/// Users a Start-MigrationBatch (re)queues: new, stopped and failed users.
pub fn user_startable(s: U) -> bool {
    matches!(s, U::Stopped | U::IncrementalStopped | U::Failed | U::IncrementalFailed | U::Corrupted | U::Validating)
}

/// Users a Stop-MigrationBatch stops: queued and migrating users.
pub fn user_stoppable(s: U) -> bool {
    matches!(s, U::Queued | U::Starting | U::Syncing | U::IncrementalSyncing | U::Synced | U::IncrementalSynced)
}

/// A user that the engine is working on right now.
pub fn user_running(s: U) -> bool {
    matches!(s, U::Starting | U::Syncing | U::IncrementalSyncing | U::Stopping | U::Completing | U::Removing)
}

/// The batch status once no user is active any more (initial sync done):
/// all synced → Synced; some failed → SyncedWithErrors; all failed → Failed;
/// all stopped → Stopped.
pub fn settled_status(c: &super::model::BatchCounts) -> Option<B> {
    if c.active > 0 {
        return None;
    }
    if c.total == 0 {
        return Some(B::Synced);
    }
    if c.failed == c.total {
        Some(B::Failed)
    } else if c.stopped == c.total {
        Some(B::Stopped)
    } else if c.finalized == c.total {
        Some(B::Completed)
    } else if c.failed > 0 {
        Some(B::SyncedWithErrors)
    } else {
        Some(B::Synced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_batches_cannot_be_removed_or_started() {
        for s in [B::Syncing, B::Starting, B::Stopping, B::Completing, B::Removing] {
            assert!(!can_remove(s), "{s}");
            assert!(!can_start(s), "{s}");
        }
        assert!(can_remove(B::Synced));
        assert!(can_start(B::Created));
        assert!(can_stop(B::Syncing));
        assert!(!can_stop(B::Created));
        assert!(!can_complete(B::Synced, MigrationType::IMAP));
        assert!(can_complete(B::Synced, MigrationType::ExchangeRemoteMove));
    }
}
