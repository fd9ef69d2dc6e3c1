//! The [`TenantStore`] trait: every operation the Exchange cmdlets perform on
//! the local tenant, validated, with Exchange's errors. The SQLite
//! implementation is [`super::sqlite::SqliteStore`]; a server database can
//! implement the same trait later.
//!
//! Each state-changing method runs in one transaction: it either applies
//! completely or leaves the store unchanged (and returns the error).

use super::csvdata::CsvUser;
use super::error::TenantResult;
use super::model::*;
use super::types::*;
use chrono::{DateTime, Utc};
use std::fmt;
use std::path::PathBuf;
use uuid::Uuid;

/// New-AcceptedDomain.
#[derive(Clone, Debug, Default)]
pub struct NewAcceptedDomain {
    /// `-Name`.
    pub name: String,
    /// `-DomainName`.
    pub domain_name: String,
    /// `-DomainType` (default Authoritative).
    pub domain_type: Option<AcceptedDomainType>,
}

/// Set-AcceptedDomain (only the given fields change).
#[derive(Clone, Debug, Default)]
pub struct SetAcceptedDomain {
    /// `-DomainType`.
    pub domain_type: Option<AcceptedDomainType>,
    /// `-MakeDefault`.
    pub make_default: bool,
    /// `-Name`.
    pub name: Option<String>,
}

/// New-Mailbox (MicrosoftOnlineServicesID set).
#[derive(Clone, Default)]
pub struct NewMailbox {
    /// `-Name` (mandatory, unique, ≤ 64).
    pub name: String,
    /// `-MicrosoftOnlineServicesID` (user@accepted-domain).
    pub microsoft_online_services_id: Option<String>,
    /// `-PrimarySmtpAddress`.
    pub primary_smtp_address: Option<String>,
    /// `-Alias` (default: the left part of the ID).
    pub alias: Option<String>,
    /// `-DisplayName` (default: Name).
    pub display_name: Option<String>,
    /// `-FirstName`.
    pub first_name: Option<String>,
    /// `-LastName`.
    pub last_name: Option<String>,
    /// `-Password` (plain text of the SecureString).
    pub password: Option<String>,
    /// `-Shared`.
    pub shared: bool,
}

impl fmt::Debug for NewMailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMailbox")
            .field("name", &self.name)
            .field("microsoft_online_services_id", &self.microsoft_online_services_id)
            .field("alias", &self.alias)
            .field("display_name", &self.display_name)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .finish_non_exhaustive()
    }
}

/// Set-Mailbox (the subset the tenant supports).
#[derive(Clone, Debug, Default)]
pub struct SetMailbox {
    /// `-DisplayName`.
    pub display_name: Option<String>,
    /// `-Name`.
    pub name: Option<String>,
    /// `-Alias`.
    pub alias: Option<String>,
}

/// New-MigrationEndpoint -IMAP.
#[derive(Clone, Debug)]
pub struct NewImapEndpoint {
    /// `-Name`.
    pub name: String,
    /// `-RemoteServer`.
    pub remote_server: String,
    /// `-Port` (default 993).
    pub port: Option<i64>,
    /// `-Security` (default: Ssl on 993, None otherwise — EAC's choice).
    pub security: Option<IMAPSecurityMechanism>,
    /// `-Authentication` (default Basic).
    pub authentication: Option<AuthenticationMethod>,
    /// `-AcceptUntrustedCertificates`.
    pub accept_untrusted_certificates: bool,
    /// `-MaxConcurrentMigrations` (default 100).
    pub max_concurrent_migrations: Option<Unlimited<u32>>,
    /// `-MaxConcurrentIncrementalSyncs` (default 20).
    pub max_concurrent_incremental_syncs: Option<Unlimited<u32>>,
}

/// Set-MigrationEndpoint (only the given fields change).
#[derive(Clone, Debug, Default)]
pub struct SetEndpoint {
    /// `-RemoteServer`.
    pub remote_server: Option<String>,
    /// `-Port`.
    pub port: Option<i64>,
    /// `-Security`.
    pub security: Option<IMAPSecurityMechanism>,
    /// `-Authentication`.
    pub authentication: Option<AuthenticationMethod>,
    /// `-AcceptUntrustedCertificates $true/$false`.
    pub accept_untrusted_certificates: Option<bool>,
    /// `-MaxConcurrentMigrations`.
    pub max_concurrent_migrations: Option<Unlimited<u32>>,
    /// `-MaxConcurrentIncrementalSyncs`.
    pub max_concurrent_incremental_syncs: Option<Unlimited<u32>>,
}

/// New-MigrationBatch (Onboarding set with an IMAP endpoint).
#[derive(Clone, Debug, Default)]
pub struct NewBatch {
    /// `-Name` (unique, ≤ 64).
    pub name: String,
    /// `-SourceEndpoint` (name or GUID; mandatory for IMAP).
    pub source_endpoint: Option<String>,
    /// `-AutoStart`.
    pub auto_start: bool,
    /// `-AutoComplete`.
    pub auto_complete: bool,
    /// `-AllowUnknownColumnsInCsv`.
    pub allow_unknown_columns: bool,
    /// `-ExcludeFolders`.
    pub exclude_folders: Vec<String>,
    /// `-IncludeFolders`.
    pub include_folders: Vec<String>,
    /// `-NotificationEmails`.
    pub notification_emails: Vec<String>,
    /// `-StartAfter` (UTC).
    pub start_after: Option<DateTime<Utc>>,
    /// `-CompleteAfter` (UTC).
    pub complete_after: Option<DateTime<Utc>>,
    /// `-ReportInterval`.
    pub report_interval: Option<TimeSpan>,
    /// `-SkipReports`.
    pub skip_reports: bool,
    /// Who submits it (SubmittedByUser), e.g. the connected admin.
    pub submitted_by: String,
}

/// Set-MigrationBatch (only the given fields change).
#[derive(Clone, Debug, Default)]
pub struct SetBatch {
    /// `-NotificationEmails` (replaces).
    pub notification_emails: Option<Vec<String>>,
    /// `-StartAfter`.
    pub start_after: Option<Option<DateTime<Utc>>>,
    /// `-CompleteAfter`.
    pub complete_after: Option<Option<DateTime<Utc>>>,
    /// `-AllowUnknownColumnsInCsv`.
    pub allow_unknown_columns: Option<bool>,
    /// `-ReportInterval`.
    pub report_interval: Option<TimeSpan>,
    /// `-SkipReports`.
    pub skip_reports: Option<bool>,
    /// `-CSVData` with `-AddUsers`: new rows are added, rows already in
    /// this batch are skipped.
    pub add_users_csv: Option<Vec<u8>>,
    /// `-SyncNow`: recorded for the engine.
    pub sync_now: bool,
    /// `-Update`: recorded for the engine.
    pub update: bool,
    /// `-ApproveSkippedItems`.
    pub approve_skipped_items: bool,
}

/// Filter of Get-MigrationBatch.
#[derive(Clone, Debug, Default)]
pub struct BatchFilter {
    /// `-Identity` (name or GUID).
    pub identity: Option<String>,
    /// `-Status`.
    pub status: Option<MigrationBatchStatus>,
    /// `-Endpoint` (name or GUID).
    pub endpoint: Option<String>,
    /// `-IncludeReport`.
    pub include_report: bool,
    /// `-ResultSize` (None = unlimited).
    pub result_size: Option<usize>,
}

/// Filter of Get-MigrationUser.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// `-Identity` (email or GUID).
    pub identity: Option<String>,
    /// `-BatchId` (name or GUID).
    pub batch: Option<String>,
    /// `-Status`.
    pub status: Option<MigrationUserStatus>,
    /// `-StatusSummary`.
    pub status_summary: Option<MigrationUserStatusSummary>,
    /// `-EmailAddress`.
    pub email_address: Option<String>,
    /// `-MailboxGuid`.
    pub mailbox_guid: Option<Uuid>,
}

/// Options of Get-MigrationUserStatistics.
#[derive(Clone, Debug, Default)]
pub struct UserStatisticsOptions {
    /// `-IncludeSkippedItems`.
    pub include_skipped_items: bool,
    /// `-LimitSkippedItemsTo`.
    pub limit_skipped_items_to: Option<usize>,
    /// `-IncludeReport`.
    pub include_report: bool,
}

/// Set-MigrationUser.
#[derive(Clone, Debug, Default)]
pub struct SetUser {
    /// `-StartAfter`.
    pub start_after: Option<Option<DateTime<Utc>>>,
    /// `-CompleteAfter`.
    pub complete_after: Option<Option<DateTime<Utc>>>,
    /// `-SyncNow`.
    pub sync_now: bool,
    /// `-ApproveSkippedItems`.
    pub approve_skipped_items: bool,
}

/// Set-MigrationConfig.
#[derive(Clone, Debug, Default)]
pub struct SetConfig {
    /// `-MaxNumberOfBatches`.
    pub max_number_of_batches: Option<u32>,
    /// `-MaxConcurrentMigrations`.
    pub max_concurrent_migrations: Option<Unlimited<u32>>,
    /// `-Features`.
    pub features: Option<MigrationFeature>,
}

/// Whether a migration engine is attached; decides whether transitions
/// that the engine finishes (Stopping → Stopped, Removing → gone) are left
/// in flight or completed at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineState {
    /// No engine: a started batch stays Syncing (nothing is copied), stop
    /// and remove complete at once.
    Detached,
    /// An engine runs the batches and reports back.
    Attached,
}

/// Everything the engine needs to run one user.
#[derive(Clone)]
pub struct UserWork {
    /// Migration user GUID (pass back in [`UserProgress`]).
    pub user_guid: Uuid,
    /// Target mailbox address.
    pub email_address: String,
    /// IMAP logon name (CSV UserName).
    pub user_name: String,
    /// IMAP password (CSV Password). Never log it.
    pub password: String,
    /// CSV UserRoot.
    pub user_root: Option<String>,
    /// Maildir++ root of the target mailbox (None: the mailbox no longer
    /// exists — the user must fail with Exchange's recipient message).
    pub maildir: Option<PathBuf>,
    /// Current status.
    pub status: MigrationUserStatus,
    /// Sync requested for this user (`Set-MigrationUser -SyncNow`).
    pub sync_now: bool,
    /// Last successful sync (None: the initial sync hasn't completed).
    pub last_successful_sync: Option<DateTime<Utc>>,
    /// Per-user `-StartAfter` (Set-MigrationUser), overriding the batch's.
    pub start_after: Option<DateTime<Utc>>,
}

impl fmt::Debug for UserWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserWork")
            .field("user_guid", &self.user_guid)
            .field("email_address", &self.email_address)
            .field("user_name", &self.user_name)
            .field("password", &"********")
            .field("user_root", &self.user_root)
            .field("maildir", &self.maildir)
            .field("status", &self.status)
            .finish()
    }
}

/// Everything the engine needs to run a batch.
#[derive(Clone, Debug)]
pub struct BatchWork {
    /// Batch GUID.
    pub batch_guid: Uuid,
    /// Batch name.
    pub batch_name: String,
    /// Batch status.
    pub status: MigrationBatchStatus,
    /// The IMAP endpoint's settings.
    pub endpoint: MigrationEndpoint,
    /// `-ExcludeFolders`.
    pub exclude_folders: Vec<String>,
    /// `-IncludeFolders`.
    pub include_folders: Vec<String>,
    /// `-StartAfter`.
    pub start_after: Option<DateTime<Utc>>,
    /// The users, in CSV order.
    pub users: Vec<UserWork>,
}

/// A progress report of the engine for one user, applied in one
/// transaction by [`TenantStore::record_user_progress`]. `None` fields keep
/// their stored value.
#[derive(Clone, Debug, Default)]
pub struct UserProgress {
    /// Which user.
    pub user_guid: Uuid,
    /// New status.
    pub status: Option<MigrationUserStatus>,
    /// Items copied so far (total, not a delta).
    pub synced_item_count: Option<i64>,
    /// Items counted in the source.
    pub total_items_in_source: Option<i64>,
    /// Bytes copied so far.
    pub bytes_transferred: Option<u64>,
    /// Estimated total size of the source mailbox.
    pub estimated_total_transfer_size: Option<u64>,
    /// Estimated total item count.
    pub estimated_total_transfer_count: Option<u64>,
    /// Percentage complete.
    pub percentage_complete: Option<i32>,
    /// New skipped items (appended).
    pub new_skipped_items: Vec<SkippedItem>,
    /// Error: `(failure type, message)`; `Some(None)` clears it.
    pub error: Option<Option<(String, String)>>,
    /// Set LastSuccessfulSyncTime.
    pub last_successful_sync: Option<DateTime<Utc>>,
    /// Report lines to append.
    pub report: Vec<String>,
}

/// A batch-level report of the engine.
#[derive(Clone, Debug, Default)]
pub struct BatchProgress {
    /// Which batch.
    pub batch_guid: Uuid,
    /// New status; `None` = settle from the users' states
    /// (Synced/SyncedWithErrors/Failed/Stopped) when none is active.
    pub status: Option<MigrationBatchStatus>,
    /// Batch message.
    pub message: Option<String>,
    /// Mark the initial sync as done now.
    pub initial_sync_done: bool,
    /// Mark a sync (initial or incremental) as done now.
    pub synced: bool,
}

/// The store of the local tenant. All methods take `&self` (implementations
/// synchronise internally) so one store can be shared by the shell and the
/// engine.
pub trait TenantStore: Send + Sync {
    // ---- accepted domains
    /// New-AcceptedDomain.
    fn new_accepted_domain(&self, p: &NewAcceptedDomain) -> TenantResult<AcceptedDomain>;
    /// Get-AcceptedDomain (`identity`: name, domain name or GUID; `None`: all).
    fn get_accepted_domains(&self, identity: Option<&str>) -> TenantResult<Vec<AcceptedDomain>>;
    /// Set-AcceptedDomain.
    fn set_accepted_domain(&self, identity: &str, p: &SetAcceptedDomain) -> TenantResult<AcceptedDomain>;
    /// Remove-AcceptedDomain (refused while mailboxes use it).
    fn remove_accepted_domain(&self, identity: &str) -> TenantResult<AcceptedDomain>;

    // ---- mailboxes
    /// New-Mailbox: validates, stores, creates the Maildir++ folder.
    fn new_mailbox(&self, p: &NewMailbox) -> TenantResult<Mailbox>;
    /// Get-Mailbox (any MailboxIdParameter form; `None`: all, by name).
    fn get_mailboxes(&self, identity: Option<&str>) -> TenantResult<Vec<Mailbox>>;
    /// Set-Mailbox.
    fn set_mailbox(&self, identity: &str, p: &SetMailbox) -> TenantResult<Mailbox>;
    /// Remove-Mailbox (the Maildir is moved aside, as a soft delete).
    fn remove_mailbox(&self, identity: &str) -> TenantResult<Mailbox>;
    /// Get-MailboxStatistics (computed from the Maildir).
    fn mailbox_statistics(&self, identity: &str) -> TenantResult<MailboxStatistics>;
    /// Get-MailboxFolderStatistics.
    fn mailbox_folder_statistics(&self, identity: &str, with_dates: bool)
    -> TenantResult<Vec<MailboxFolderStatistics>>;
    /// The Maildir++ root of a mailbox.
    fn maildir_path(&self, identity: &str) -> TenantResult<PathBuf>;

    // ---- endpoints
    /// New-MigrationEndpoint -IMAP (the reachability test is the caller's,
    /// through the engine, unless -SkipVerification).
    fn new_endpoint(&self, p: &NewImapEndpoint) -> TenantResult<MigrationEndpoint>;
    /// Get-MigrationEndpoint (`identity`: name or GUID; `type`: -Type).
    fn get_endpoints(
        &self,
        identity: Option<&str>,
        r#type: Option<MigrationType>,
    ) -> TenantResult<Vec<MigrationEndpoint>>;
    /// Set-MigrationEndpoint.
    fn set_endpoint(&self, identity: &str, p: &SetEndpoint) -> TenantResult<MigrationEndpoint>;
    /// Remove-MigrationEndpoint (refused while a batch uses it).
    fn remove_endpoint(&self, identity: &str) -> TenantResult<MigrationEndpoint>;

    // ---- batches
    /// New-MigrationBatch: validates the CSV against the tenant and creates
    /// the batch and all its users in one transaction. With `auto_start`
    /// the batch is started in the same transaction.
    fn new_batch(&self, p: &NewBatch, csv: &[u8], engine: EngineState) -> TenantResult<MigrationBatch>;
    /// New-MigrationBatch -WhatIf: every check of [`TenantStore::new_batch`]
    /// (CSV, mailboxes, other batches, name, limits), then a rollback. Returns
    /// the batch as it would have been created.
    fn validate_new_batch(&self, p: &NewBatch, csv: &[u8]) -> TenantResult<MigrationBatch>;
    /// Get-MigrationBatch.
    fn get_batches(&self, f: &BatchFilter) -> TenantResult<Vec<MigrationBatch>>;
    /// Set-MigrationBatch.
    fn set_batch(&self, identity: &str, p: &SetBatch) -> TenantResult<MigrationBatch>;
    /// Start-MigrationBatch: batch → Syncing, new/stopped/failed users →
    /// Queued. Returns the batch after the change.
    fn start_batch(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationBatch>;
    /// Stop-MigrationBatch: → Stopping (engine attached) or Stopped.
    fn stop_batch(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationBatch>;
    /// Complete-MigrationBatch (refused for IMAP batches).
    fn complete_batch(&self, identity: &str) -> TenantResult<MigrationBatch>;
    /// Remove-MigrationBatch: → Removing (engine attached; the engine calls
    /// [`TenantStore::finish_remove_batch`]) or deleted at once. Returns the
    /// batch as it was.
    fn remove_batch(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationBatch>;

    // ---- users
    /// Get-MigrationUser, one page: users with internal order key >
    /// `after`, at most `limit`; returns the page and the key of its last
    /// row. Use [`UserCursor`] to stream.
    fn get_users_page(&self, f: &UserFilter, after: i64, limit: usize) -> TenantResult<(Vec<MigrationUser>, i64)>;
    /// Set-MigrationUser.
    fn set_user(&self, identity: &str, p: &SetUser) -> TenantResult<MigrationUser>;
    /// Start-MigrationUser.
    fn start_user(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationUser>;
    /// Stop-MigrationUser.
    fn stop_user(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationUser>;
    /// Remove-MigrationUser.
    fn remove_user(&self, identity: &str) -> TenantResult<MigrationUser>;
    /// Get-MigrationUserStatistics.
    fn user_statistics(&self, identity: &str, o: &UserStatisticsOptions) -> TenantResult<MigrationUserStatistics>;
    /// Get-MigrationStatistics.
    fn migration_statistics(&self) -> TenantResult<MigrationStatistics>;
    /// Get-MigrationConfig.
    fn migration_config(&self) -> TenantResult<MigrationConfig>;
    /// Set-MigrationConfig.
    fn set_migration_config(&self, p: &SetConfig) -> TenantResult<MigrationConfig>;

    /// Get-OrganizationConfig.
    fn organization_config(&self) -> TenantResult<OrganizationConfig>;
    /// Set-OrganizationConfig: stores the given settings (Bool, Int, Long,
    /// String, Null, Unlimited, Bytes or Multi of strings) in one transaction.
    fn set_organization_config(&self, settings: &[(String, PropValue)]) -> TenantResult<OrganizationConfig>;

    // ---- engine side
    /// What the engine needs to run a batch (endpoint, users with
    /// credentials, Maildir paths, folder filters).
    fn batch_work(&self, batch: Uuid) -> TenantResult<BatchWork>;
    /// GUIDs of batches that should be running (Starting, Syncing,
    /// IncrementalSyncing, Synced, SyncedWithErrors, Stopping, Removing),
    /// for an engine that starts up.
    fn active_batches(&self) -> TenantResult<Vec<Uuid>>;
    /// Records one user's progress in one transaction.
    fn record_user_progress(&self, p: &UserProgress) -> TenantResult<()>;
    /// Records a batch-level change in one transaction.
    fn record_batch_progress(&self, p: &BatchProgress) -> TenantResult<MigrationBatch>;
    /// Deletes a batch left in Removing once the engine has let go of it.
    fn finish_remove_batch(&self, batch: Uuid) -> TenantResult<()>;
    /// Records how many users the engine is migrating through an endpoint
    /// (ActiveMigrationCount / ActiveIncrementalSyncCount).
    fn record_endpoint_activity(
        &self,
        endpoint: Uuid,
        active_migrations: u32,
        active_incremental_syncs: u32,
    ) -> TenantResult<()>;
}

/// Streams Get-MigrationUser results page by page, so the first row comes
/// at once even over 50,000 users and no lock is held between rows.
pub struct UserCursor<'a> {
    store: &'a dyn TenantStore,
    filter: UserFilter,
    after: i64,
    page: std::vec::IntoIter<MigrationUser>,
    done: bool,
    remaining: Option<usize>,
    page_size: usize,
}

impl<'a> UserCursor<'a> {
    /// A cursor over the users matching `filter`, at most `result_size`
    /// (None = unlimited).
    pub fn new(store: &'a dyn TenantStore, filter: UserFilter, result_size: Option<usize>) -> Self {
        UserCursor {
            store,
            filter,
            after: i64::MIN,
            page: Vec::new().into_iter(),
            done: false,
            remaining: result_size,
            page_size: 64,
        }
    }
}

impl Iterator for UserCursor<'_> {
    type Item = TenantResult<MigrationUser>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == Some(0) {
            return None;
        }
        if let Some(u) = self.page.next() {
            if let Some(r) = self.remaining.as_mut() {
                *r -= 1;
            }
            return Some(Ok(u));
        }
        if self.done {
            return None;
        }
        match self.store.get_users_page(&self.filter, self.after, self.page_size) {
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok((rows, last)) => {
                if rows.len() < self.page_size {
                    self.done = true;
                }
                self.after = last;
                // Later pages are bigger: the first row comes fast, the rest
                // in few round trips.
                self.page_size = (self.page_size * 4).min(4096);
                self.page = rows.into_iter();
                let u = self.page.next()?;
                if let Some(r) = self.remaining.as_mut() {
                    *r -= 1;
                }
                Some(Ok(u))
            }
        }
    }
}

/// Keeps `CsvUser` reachable from here for implementers.
pub type CsvRow = CsvUser;
