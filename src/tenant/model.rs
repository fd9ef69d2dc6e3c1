//! Exchange's objects with their property names, types and order
//! (../shared/reference/objects.md §1–§9). Each implements [`TenantObject`]:
//! `.NET` type names (most derived first) and `properties()` in Exchange's
//! order. Passwords are never part of an object's properties (only masked as
//! [`PropValue::Secret`]) and never appear in `Debug` output.

use super::types::*;
use chrono::{DateTime, Utc};
use std::fmt;
use uuid::Uuid;

/// The behaviour every tenant object shares; the runtime wraps it into a
/// PowerShell object.
pub trait TenantObject {
    /// .NET type names, most derived first (for `PSObject.TypeNames`).
    fn type_names() -> &'static [&'static str]
    where
        Self: Sized;
    /// Same as [`TenantObject::type_names`], callable on a trait object.
    fn object_type_names(&self) -> &'static [&'static str];
    /// Properties in Exchange's order.
    fn properties(&self) -> Vec<(&'static str, PropValue)>;
    /// What the object's Identity displays as (batch name, endpoint name,
    /// user email, mailbox name ...); also its `ToString()` unless noted.
    fn identity(&self) -> String;
}

macro_rules! type_names {
    ($t:ty, [$($n:expr),+]) => {
        fn type_names() -> &'static [&'static str] {
            &[$($n),+, "System.Object"]
        }
        fn object_type_names(&self) -> &'static [&'static str] {
            <$t as TenantObject>::type_names()
        }
    };
}

fn id(type_name: &'static str, display: &str) -> PropValue {
    PropValue::Id { type_name, display: display.to_string() }
}

fn base(props: &mut Vec<(&'static str, PropValue)>, state: ObjectState) {
    props.push(("IsValid", PropValue::Bool(true)));
    props.push(("ObjectState", PropValue::enumv(state)));
}

/// Default EXO quota values (observed / documented defaults).
pub mod quotas {
    /// MaxSendSize: 35 MB.
    pub const MAX_SEND_SIZE: u64 = 36_700_160;
    /// MaxReceiveSize: 36 MB.
    pub const MAX_RECEIVE_SIZE: u64 = 37_748_736;
    /// ProhibitSendQuota: 99 GB.
    pub const PROHIBIT_SEND_QUOTA: u64 = 99 * 1024 * 1024 * 1024;
    /// ProhibitSendReceiveQuota: 100 GB.
    pub const PROHIBIT_SEND_RECEIVE_QUOTA: u64 = 100 * 1024 * 1024 * 1024;
    /// IssueWarningQuota: 98 GB.
    pub const ISSUE_WARNING_QUOTA: u64 = 98 * 1024 * 1024 * 1024;
    /// RecoverableItemsQuota: 30 GB.
    pub const RECOVERABLE_ITEMS_QUOTA: u64 = 30 * 1024 * 1024 * 1024;
    /// The database name the local tenant reports.
    pub const DATABASE: &str = "EXOSH-DB01";
}

// ---------------------------------------------------------------- AcceptedDomain

/// An accepted domain (Get-AcceptedDomain).
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptedDomain {
    /// Object GUID (also an identity form).
    pub guid: Uuid,
    /// Name (identity).
    pub name: String,
    /// The SMTP domain (`contoso.com`, or `*.contoso.com`).
    pub domain_name: String,
    /// Authoritative / InternalRelay / ExternalRelay.
    pub domain_type: AcceptedDomainType,
    /// Is this the default domain?
    pub default: bool,
    /// Creation time.
    pub when_created: DateTime<Utc>,
    /// Last change.
    pub when_changed: DateTime<Utc>,
}

impl AcceptedDomain {
    /// Does `domain` (lower-case or not) belong to this accepted domain?
    pub fn matches(&self, domain: &str) -> bool {
        let d = domain.to_ascii_lowercase();
        let own = self.domain_name.to_ascii_lowercase();
        if let Some(suffix) = own.strip_prefix("*.") {
            d == suffix || d.ends_with(&format!(".{suffix}"))
        } else {
            d == own
        }
    }
}

impl TenantObject for AcceptedDomain {
    type_names!(
        AcceptedDomain,
        [
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain",
            "Microsoft.Exchange.Data.Directory.ADConfigurationObject",
            "Microsoft.Exchange.Data.Directory.ADObject",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let ident = id("Microsoft.Exchange.Data.Directory.ADObjectId", &self.name);
        let mut p = vec![
            ("DomainName", PropValue::String(self.domain_name.clone())),
            ("CatchAllRecipient", PropValue::Null),
            ("DomainType", PropValue::enumv(self.domain_type)),
            ("MatchSubDomains", PropValue::Bool(self.domain_name.starts_with("*."))),
            ("AddressBookEnabled", PropValue::Bool(self.domain_type == AcceptedDomainType::Authoritative)),
            ("Default", PropValue::Bool(self.default)),
            ("EmailOnly", PropValue::Bool(false)),
            ("ExternallyManaged", PropValue::Bool(false)),
            ("AuthenticationType", PropValue::String("Managed".into())),
            ("PendingRemoval", PropValue::Bool(false)),
            ("PendingCompletion", PropValue::Bool(false)),
            ("InitialDomain", PropValue::Bool(false)),
            ("AdminDisplayName", PropValue::String(String::new())),
            ("Name", PropValue::String(self.name.clone())),
            ("Identity", ident.clone()),
            ("Guid", PropValue::Guid(self.guid)),
            ("WhenChanged", PropValue::DateTime(self.when_changed)),
            ("WhenCreated", PropValue::DateTime(self.when_created)),
            ("WhenChangedUTC", PropValue::DateTime(self.when_changed)),
            ("WhenCreatedUTC", PropValue::DateTime(self.when_created)),
            ("ExchangeObjectId", PropValue::Guid(self.guid)),
            ("Id", ident),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.name.clone()
    }
}

// ---------------------------------------------------------------- Mailbox

/// A user mailbox (Get-Mailbox / New-Mailbox). The password is not part of
/// the object.
#[derive(Clone, Debug, PartialEq)]
pub struct Mailbox {
    /// The user's object GUID (`Guid`).
    pub guid: Uuid,
    /// The mailbox GUID (`ExchangeGuid`).
    pub exchange_guid: Uuid,
    /// Name (unique; the Identity).
    pub name: String,
    /// Alias (mail nickname, unique).
    pub alias: String,
    /// Display name.
    pub display_name: String,
    /// Primary SMTP address.
    pub primary_smtp_address: String,
    /// User principal name / MicrosoftOnlineServicesID.
    pub user_principal_name: String,
    /// Given name.
    pub first_name: Option<String>,
    /// Surname.
    pub last_name: Option<String>,
    /// Recipient type details.
    pub recipient_type_details: RecipientTypeDetails,
    /// Creation time.
    pub when_created: DateTime<Utc>,
    /// Last change.
    pub when_changed: DateTime<Utc>,
}

impl TenantObject for Mailbox {
    type_names!(
        Mailbox,
        [
            "Microsoft.Exchange.Data.Directory.Management.Mailbox",
            "Microsoft.Exchange.Data.Directory.Management.MailEnabledOrgPerson",
            "Microsoft.Exchange.Data.Directory.Management.MailEnabledRecipient",
            "Microsoft.Exchange.Data.Directory.ADPresentationObject",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        use quotas::*;
        let b = |n| PropValue::Bytes(ByteQuantifiedSize::from_bytes(n));
        let ident = id("Microsoft.Exchange.Data.Directory.ADObjectId", &self.name);
        let mut p = vec![
            ("Database", PropValue::String(DATABASE.into())),
            ("ExchangeGuid", PropValue::Guid(self.exchange_guid)),
            ("ArchiveStatus", PropValue::String("None".into())),
            ("ProhibitSendQuota", b(PROHIBIT_SEND_QUOTA)),
            ("ProhibitSendReceiveQuota", b(PROHIBIT_SEND_RECEIVE_QUOTA)),
            ("RecoverableItemsQuota", b(RECOVERABLE_ITEMS_QUOTA)),
            ("IssueWarningQuota", b(ISSUE_WARNING_QUOTA)),
            ("MaxSendSize", b(MAX_SEND_SIZE)),
            ("MaxReceiveSize", b(MAX_RECEIVE_SIZE)),
            ("IsSoftDeletedByRemove", PropValue::Bool(false)),
            ("RecipientTypeDetails", PropValue::enumv(self.recipient_type_details)),
            ("UserPrincipalName", PropValue::String(self.user_principal_name.clone())),
            ("MicrosoftOnlineServicesID", PropValue::String(self.user_principal_name.clone())),
            ("WindowsLiveID", PropValue::String(self.user_principal_name.clone())),
            ("Alias", PropValue::String(self.alias.clone())),
            ("DisplayName", PropValue::String(self.display_name.clone())),
            (
                "EmailAddresses",
                PropValue::Multi(vec![PropValue::String(format!("SMTP:{}", self.primary_smtp_address))]),
            ),
            ("EmailAddressPolicyEnabled", PropValue::Bool(true)),
            ("PrimarySmtpAddress", PropValue::String(self.primary_smtp_address.clone())),
            ("RecipientType", PropValue::String("UserMailbox".into())),
            ("FirstName", PropValue::opt_str(self.first_name.as_deref())),
            ("LastName", PropValue::opt_str(self.last_name.as_deref())),
            ("Name", PropValue::String(self.name.clone())),
            ("Identity", ident.clone()),
            ("Guid", PropValue::Guid(self.guid)),
            ("ExternalDirectoryObjectId", PropValue::String(self.guid.to_string())),
            ("WhenChanged", PropValue::DateTime(self.when_changed)),
            ("WhenCreated", PropValue::DateTime(self.when_created)),
            ("WhenChangedUTC", PropValue::DateTime(self.when_changed)),
            ("WhenCreatedUTC", PropValue::DateTime(self.when_created)),
            ("ExchangeObjectId", PropValue::Guid(self.guid)),
            ("Id", ident),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.name.clone()
    }
}

// ---------------------------------------------------------------- MailboxStatistics

/// Get-MailboxStatistics output, computed from the Maildir.
#[derive(Clone, Debug, PartialEq)]
pub struct MailboxStatistics {
    /// Display name of the mailbox.
    pub display_name: String,
    /// ExchangeGuid of the mailbox.
    pub mailbox_guid: Uuid,
    /// Owner (user) GUID.
    pub owner_guid: Uuid,
    /// Items in all folders (Deleted Items included, as in Exchange).
    pub item_count: u64,
    /// Items in Recoverable Items (none in a Maildir).
    pub deleted_item_count: u64,
    /// Size of the counted items.
    pub total_item_size: u64,
    /// Size of Recoverable Items.
    pub total_deleted_item_size: u64,
    /// Newest file modification time in the Maildir, if any.
    pub last_modified: Option<DateTime<Utc>>,
}

impl TenantObject for MailboxStatistics {
    type_names!(
        MailboxStatistics,
        [
            "Microsoft.Exchange.Management.MapiTasks.Presentation.MailboxStatistics",
            "Microsoft.Exchange.Data.Mapi.MapiObject",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let mut p = vec![
            ("DisplayName", PropValue::String(self.display_name.clone())),
            ("MailboxGuid", PropValue::Guid(self.mailbox_guid)),
            ("DeletedItemCount", PropValue::ULong(self.deleted_item_count)),
            ("ItemCount", PropValue::ULong(self.item_count)),
            ("TotalDeletedItemSize", PropValue::Bytes(ByteQuantifiedSize::from_bytes(self.total_deleted_item_size))),
            ("TotalItemSize", PropValue::Bytes(ByteQuantifiedSize::from_bytes(self.total_item_size))),
            ("LastLogonTime", PropValue::Null),
            ("LastUserActionTime", PropValue::opt_date(self.last_modified)),
            ("StorageLimitStatus", PropValue::Null),
            ("DatabaseName", PropValue::String(quotas::DATABASE.into())),
            ("IsArchiveMailbox", PropValue::Bool(false)),
            ("MailboxTypeDetail", PropValue::String("UserMailbox".into())),
            ("OwnerADGuid", PropValue::Guid(self.owner_guid)),
            ("Identity", PropValue::Guid(self.mailbox_guid)),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.mailbox_guid.to_string()
    }
}

// ---------------------------------------------------------------- MailboxFolderStatistics

/// One folder of Get-MailboxFolderStatistics.
#[derive(Clone, Debug, PartialEq)]
pub struct MailboxFolderStatistics {
    /// Mailbox name (for the `<mailbox>\<path>` identity).
    pub mailbox: String,
    /// Folder name (`Inbox`, `Sent Items`, `Top of Information Store`).
    pub name: String,
    /// `/Inbox`, `/Sent Items`, `/Projects/2024`.
    pub folder_path: String,
    /// Well-known folder type or `User Created`/`Root`.
    pub folder_type: String,
    /// Stable id of the folder.
    pub folder_id: String,
    /// Items directly in the folder.
    pub items_in_folder: u64,
    /// Bytes directly in the folder.
    pub folder_size: u64,
    /// Items in the folder and below.
    pub items_in_folder_and_subfolders: u64,
    /// Bytes in the folder and below.
    pub folder_and_subfolder_size: u64,
    /// Oldest item date (by file mtime), when requested.
    pub oldest_item_received_date: Option<DateTime<Utc>>,
    /// Newest item date (by file mtime), when requested.
    pub newest_item_received_date: Option<DateTime<Utc>>,
    /// Creation time of the folder.
    pub date: Option<DateTime<Utc>>,
}

impl TenantObject for MailboxFolderStatistics {
    type_names!(
        MailboxFolderStatistics,
        [
            "Microsoft.Exchange.Management.Tasks.MailboxFolderConfiguration",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let bq = |n| PropValue::Bytes(ByteQuantifiedSize::from_bytes(n));
        let as_int = |n: u64| PropValue::Int(i32::try_from(n).unwrap_or(i32::MAX));
        let mut p = vec![
            ("Date", PropValue::opt_date(self.date)),
            ("Name", PropValue::String(self.name.clone())),
            ("FolderPath", PropValue::String(self.folder_path.clone())),
            ("FolderId", PropValue::String(self.folder_id.clone())),
            ("FolderType", PropValue::String(self.folder_type.clone())),
            ("ItemsInFolder", as_int(self.items_in_folder)),
            ("DeletedItemsInFolder", PropValue::Int(0)),
            ("FolderSize", bq(self.folder_size)),
            ("ItemsInFolderAndSubfolders", as_int(self.items_in_folder_and_subfolders)),
            ("DeletedItemsInFolderAndSubfolders", PropValue::Int(0)),
            ("FolderAndSubfolderSize", bq(self.folder_and_subfolder_size)),
            ("OldestItemReceivedDate", PropValue::opt_date(self.oldest_item_received_date)),
            ("NewestItemReceivedDate", PropValue::opt_date(self.newest_item_received_date)),
            ("OldestDeletedItemReceivedDate", PropValue::Null),
            ("NewestDeletedItemReceivedDate", PropValue::Null),
            ("OldestItemLastModifiedDate", PropValue::Null),
            ("NewestItemLastModifiedDate", PropValue::Null),
            ("OldestDeletedItemLastModifiedDate", PropValue::Null),
            ("NewestDeletedItemLastModifiedDate", PropValue::Null),
            ("ManagedFolder", PropValue::Null),
            ("DeletePolicy", PropValue::Null),
            ("ArchivePolicy", PropValue::Null),
            ("TopSubject", PropValue::Null),
            ("TopSubjectSize", bq(0)),
            ("TopSubjectCount", PropValue::Int(0)),
            ("TopSubjectClass", PropValue::Null),
            ("TopSubjectPath", PropValue::Null),
            ("TopSubjectReceivedTime", PropValue::Null),
            ("TopSubjectFrom", PropValue::Null),
            ("TopClientInfoForSubject", PropValue::Null),
            ("TopClientInfoCountForSubject", PropValue::Int(0)),
            ("SearchFolders", PropValue::Multi(vec![])),
            ("Identity", PropValue::String(self.identity())),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        format!("{}\\{}", self.mailbox, self.folder_path.trim_start_matches('/'))
    }
}

// ---------------------------------------------------------------- MigrationEndpoint

/// An IMAP migration endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationEndpoint {
    /// Endpoint GUID (identity form).
    pub guid: Uuid,
    /// Name (the Identity).
    pub name: String,
    /// `IMAP`.
    pub endpoint_type: MigrationType,
    /// IMAP server (FQDN or address).
    pub remote_server: String,
    /// TCP port.
    pub port: u16,
    /// None / Ssl / Tls.
    pub security: IMAPSecurityMechanism,
    /// Basic (default) / Ntlm ...
    pub authentication: AuthenticationMethod,
    /// Accept an untrusted TLS certificate.
    pub accept_untrusted_certificates: bool,
    /// Max concurrent initial syncs.
    pub max_concurrent_migrations: Unlimited<u32>,
    /// Max concurrent incremental syncs.
    pub max_concurrent_incremental_syncs: Unlimited<u32>,
    /// Users currently migrating through it (engine-reported).
    pub active_migration_count: Option<u32>,
    /// Users currently in incremental sync through it.
    pub active_incremental_sync_count: Option<u32>,
}

fn unl(u: Unlimited<u32>) -> PropValue {
    PropValue::Unlimited(u.value().map(u64::from))
}

impl TenantObject for MigrationEndpoint {
    type_names!(
        MigrationEndpoint,
        ["Microsoft.Exchange.Data.Storage.Management.MigrationEndpoint", "Microsoft.Exchange.Data.ConfigurableObject"]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let mut p = vec![
            ("Identity", id("Microsoft.Exchange.Data.Storage.Management.MigrationEndpointId", &self.name)),
            ("EndpointType", PropValue::enumv(self.endpoint_type)),
            ("MaxConcurrentMigrations", unl(self.max_concurrent_migrations)),
            ("MaxConcurrentIncrementalSyncs", unl(self.max_concurrent_incremental_syncs)),
            ("ActiveMigrationCount", self.active_migration_count.map_or(PropValue::Null, |v| PropValue::Int(v as i32))),
            (
                "ActiveIncrementalSyncCount",
                self.active_incremental_sync_count.map_or(PropValue::Null, |v| PropValue::Int(v as i32)),
            ),
            ("RemoteServer", PropValue::String(self.remote_server.clone())),
            ("Username", PropValue::Null),
            ("Port", PropValue::Int(i32::from(self.port))),
            ("Authentication", PropValue::enumv(self.authentication)),
            ("Security", PropValue::enumv(self.security)),
            ("AcceptUntrustedCertificates", PropValue::Bool(self.accept_untrusted_certificates)),
            ("RpcProxyServer", PropValue::Null),
            ("ExchangeServer", PropValue::Null),
            ("NspiServer", PropValue::Null),
            ("UseAutoDiscover", PropValue::Null),
            ("MailboxPermission", PropValue::enumv(MigrationMailboxPermission::Admin)),
            ("Guid", PropValue::Guid(self.guid)),
            ("IsRemote", PropValue::Bool(true)),
            ("SourceMailboxLegacyDN", PropValue::Null),
            ("PublicFolderDatabaseServerLegacyDN", PropValue::Null),
            ("DiagnosticInfo", PropValue::Null),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.name.clone()
    }
}

// ---------------------------------------------------------------- MigrationBatch

/// Counts of a batch's users by state (computed from the users).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchCounts {
    /// All users.
    pub total: u32,
    /// StatusSummary Active.
    pub active: u32,
    /// StatusSummary Stopped.
    pub stopped: u32,
    /// StatusSummary Synced.
    pub synced: u32,
    /// Completed.
    pub finalized: u32,
    /// StatusSummary Failed.
    pub failed: u32,
    /// Status Failed (initial sync).
    pub failed_initial: u32,
    /// Status IncrementalFailed.
    pub failed_incremental: u32,
    /// Status Queued.
    pub pending: u32,
}

impl BatchCounts {
    /// Adds one user of `status`.
    pub fn add(&mut self, status: MigrationUserStatus, n: u32) {
        self.total += n;
        match status.summary() {
            MigrationUserStatusSummary::Active => self.active += n,
            MigrationUserStatusSummary::Stopped => self.stopped += n,
            MigrationUserStatusSummary::Synced => self.synced += n,
            MigrationUserStatusSummary::Completed => self.finalized += n,
            MigrationUserStatusSummary::Failed => self.failed += n,
        }
        match status {
            MigrationUserStatus::Failed => self.failed_initial += n,
            MigrationUserStatus::IncrementalFailed => self.failed_incremental += n,
            MigrationUserStatus::Queued => self.pending += n,
            _ => {}
        }
    }
}

/// A migration batch.
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationBatch {
    /// BatchGuid.
    pub guid: Uuid,
    /// Name (the Identity).
    pub name: String,
    /// Status.
    pub status: MigrationBatchStatus,
    /// Counts by user state.
    pub counts: BatchCounts,
    /// Batch-level message (error text).
    pub message: Option<String>,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Start time.
    pub started: Option<DateTime<Utc>>,
    /// Initial sync end time.
    pub initial_sync: Option<DateTime<Utc>>,
    /// Last sync time.
    pub last_synced: Option<DateTime<Utc>>,
    /// Completion time.
    pub finalized: Option<DateTime<Utc>>,
    /// Creator (SubmittedByUser).
    pub submitted_by: String,
    /// Report recipients.
    pub notification_emails: Vec<String>,
    /// `-ExcludeFolders`.
    pub excluded_folders: Vec<String>,
    /// `-IncludeFolders`.
    pub included_folders: Vec<String>,
    /// IMAP.
    pub migration_type: MigrationType,
    /// `-AutoStart` was given.
    pub auto_start: bool,
    /// `-AutoComplete` was given.
    pub auto_complete: bool,
    /// `-AllowUnknownColumnsInCsv`.
    pub allow_unknown_columns: bool,
    /// Source endpoint name.
    pub source_endpoint: Option<String>,
    /// Source endpoint GUID.
    pub source_endpoint_guid: Option<Uuid>,
    /// `-StartAfter` (UTC).
    pub start_after: Option<DateTime<Utc>>,
    /// `-CompleteAfter` (UTC).
    pub complete_after: Option<DateTime<Utc>>,
    /// `-ReportInterval`.
    pub report_interval: Option<TimeSpan>,
    /// `-SkipReports`.
    pub skip_reports: bool,
    /// The batch report (with `-IncludeReport`).
    pub report: Option<Vec<ReportEntry>>,
}

impl MigrationBatch {
    /// Which actions the current status allows (MigrationBatchSupportedActions).
    pub fn supported_actions(&self) -> i64 {
        use super::status::*;
        use supported_actions::*;
        let mut v = SET;
        if can_start(self.status) {
            v |= START | APPEND;
        }
        if can_stop(self.status) {
            v |= STOP;
        }
        if can_remove(self.status) {
            v |= REMOVE;
        }
        if can_complete(self.status, self.migration_type) {
            v |= COMPLETE;
        }
        v
    }
}

impl TenantObject for MigrationBatch {
    type_names!(
        MigrationBatch,
        ["Microsoft.Exchange.Migration.MigrationBatch", "Microsoft.Exchange.Data.ConfigurableObject"]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let c = &self.counts;
        let int = |n: u32| PropValue::Int(n as i32);
        let d = PropValue::opt_date;
        let flags = if self.auto_complete { batch_flags::AUTO_COMPLETE } else { 0 };
        let initial_duration = match (self.started, self.initial_sync) {
            (Some(s), Some(i)) => PropValue::TimeSpan(TimeSpan::from_seconds((i - s).num_seconds().max(0))),
            _ => PropValue::Null,
        };
        let actions = self.supported_actions();
        let mut p = vec![
            ("Identity", id("Microsoft.Exchange.Migration.MigrationBatchId", &self.name)),
            ("Status", PropValue::enumv(self.status)),
            ("State", PropValue::enumv(self.status)),
            ("BatchGuid", PropValue::Guid(self.guid)),
            ("TotalCount", int(c.total)),
            ("ActiveCount", int(c.active)),
            ("StoppedCount", int(c.stopped)),
            ("SyncedCount", int(c.synced)),
            ("FinalizedCount", int(c.finalized)),
            ("FailedCount", int(c.failed)),
            ("FailedInitialSyncCount", int(c.failed_initial)),
            ("FailedIncrementalSyncCount", int(c.failed_incremental)),
            ("CompletedWithWarningCount", int(0)),
            ("PendingCount", int(c.pending)),
            ("ProvisionedCount", int(0)),
            ("ValidationWarningCount", int(0)),
            ("ValidationWarnings", PropValue::Multi(vec![])),
            ("Message", PropValue::String(self.message.clone().unwrap_or_default())),
            ("CreationDateTime", PropValue::DateTime(self.created)),
            ("CreationDateTimeUTC", PropValue::DateTime(self.created)),
            ("StartDateTime", d(self.started)),
            ("StartDateTimeUTC", d(self.started)),
            ("InitialSyncDateTime", d(self.initial_sync)),
            ("InitialSyncDateTimeUTC", d(self.initial_sync)),
            ("InitialSyncDuration", initial_duration),
            ("LastSyncedDateTime", d(self.last_synced)),
            ("LastSyncedDateTimeUTC", d(self.last_synced)),
            ("FinalizedDateTime", d(self.finalized)),
            ("FinalizedDateTimeUTC", d(self.finalized)),
            ("SubmittedByUser", PropValue::String(self.submitted_by.clone())),
            ("OwnerId", PropValue::String(self.submitted_by.clone())),
            ("OwnerExchangeObjectId", PropValue::Guid(Uuid::nil())),
            ("NotificationEmails", PropValue::strings(&self.notification_emails)),
            ("ExcludedFolders", PropValue::strings(&self.excluded_folders)),
            ("MigrationType", PropValue::enumv(self.migration_type)),
            ("BatchDirection", PropValue::enumv(MigrationBatchDirection::Onboarding)),
            ("Locale", PropValue::String("en-US".into())),
            ("Reports", PropValue::Multi(vec![])),
            ("IsProvisioning", PropValue::Bool(false)),
            (
                "BatchFlags",
                PropValue::Enum { type_name: batch_flags::TYPE_NAME, name: batch_flags::names(flags), value: flags },
            ),
            ("AutoRetryCount", PropValue::Null),
            ("CurrentRetryCount", int(0)),
            ("AllowUnknownColumnsInCsv", PropValue::Bool(self.allow_unknown_columns)),
            ("DiagnosticInfo", PropValue::Null),
            (
                "SupportedActions",
                PropValue::Enum {
                    type_name: supported_actions::TYPE_NAME,
                    name: supported_actions::names(actions),
                    value: actions,
                },
            ),
            (
                "SourceEndpoint",
                self.source_endpoint
                    .as_deref()
                    .map_or(PropValue::Null, |n| id("Microsoft.Exchange.Data.Storage.Management.MigrationEndpoint", n)),
            ),
            ("TargetEndpoint", PropValue::Null),
            ("SourcePublicFolderDatabase", PropValue::Null),
            ("TargetDatabases", PropValue::Multi(vec![])),
            ("TargetArchiveDatabases", PropValue::Multi(vec![])),
            ("BadItemLimit", PropValue::Unlimited(None)),
            ("LargeItemLimit", PropValue::Unlimited(None)),
            ("PrimaryOnly", PropValue::Bool(false)),
            ("ArchiveOnly", PropValue::Bool(false)),
            ("TargetDeliveryDomain", PropValue::Null),
            ("SkipSteps", PropValue::enumv(SkippableMigrationSteps::None)),
            ("Report", report_value(self.report.as_deref())),
            ("StartAfter", d(self.start_after)),
            ("StartAfterUTC", d(self.start_after)),
            ("CompleteAfter", d(self.complete_after)),
            ("CompleteAfterUTC", d(self.complete_after)),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.name.clone()
    }
}

// ---------------------------------------------------------------- Report

/// One line of a migration report (`-IncludeReport`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReportEntry {
    /// When it happened.
    pub time: DateTime<Utc>,
    /// The text.
    pub text: String,
}

fn report_value(report: Option<&[ReportEntry]>) -> PropValue {
    match report {
        None => PropValue::Null,
        Some(entries) => {
            let lines: Vec<PropValue> = entries
                .iter()
                .map(|e| PropValue::String(format!("{} {}", e.time.format("%m/%d/%Y %H:%M:%S"), e.text)))
                .collect();
            let display = entries
                .iter()
                .map(|e| format!("{} {}", e.time.format("%m/%d/%Y %H:%M:%S"), e.text))
                .collect::<Vec<_>>()
                .join("\n");
            PropValue::Object {
                type_names: vec!["Microsoft.Exchange.Migration.Report", "System.Object"],
                properties: vec![("Entries", PropValue::Multi(lines))],
                display,
            }
        }
    }
}

// ---------------------------------------------------------------- MigrationUser

/// A migration user (one CSV row of a batch). The CSV password is not part
/// of the object.
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationUser {
    /// Job-item GUID (`Guid`, also `ToString()`).
    pub guid: Uuid,
    /// Email address (the Identity).
    pub email_address: String,
    /// Batch name.
    pub batch: String,
    /// Batch GUID.
    pub batch_guid: Uuid,
    /// Target mailbox ExchangeGuid, when the mailbox exists.
    pub mailbox_guid: Option<Uuid>,
    /// Subscription/request GUID.
    pub request_guid: Uuid,
    /// Status.
    pub status: MigrationUserStatus,
    /// Items copied.
    pub synced_item_count: i64,
    /// Items skipped.
    pub skipped_item_count: i64,
    /// Last successful sync.
    pub last_successful_sync: Option<DateTime<Utc>>,
    /// Last time the engine looked at the subscription.
    pub last_subscription_check: Option<DateTime<Utc>>,
    /// Error text (ErrorSummary).
    pub error_summary: Option<String>,
}

impl MigrationUser {
    fn user_properties(&self) -> Vec<(&'static str, PropValue)> {
        vec![
            ("Identity", id("Microsoft.Exchange.Migration.MigrationUserId", &self.email_address)),
            ("Guid", PropValue::Guid(self.guid)),
            ("Identifier", PropValue::String(self.email_address.clone())),
            ("BatchId", id("Microsoft.Exchange.Migration.MigrationBatchId", &self.batch)),
            ("EmailAddress", PropValue::String(self.email_address.clone())),
            ("RecipientType", PropValue::enumv(MigrationUserRecipientType::Mailbox)),
            ("SkippedItemCount", PropValue::Long(self.skipped_item_count)),
            ("SyncedItemCount", PropValue::Long(self.synced_item_count)),
            ("MailboxGuid", self.mailbox_guid.map_or(PropValue::Guid(Uuid::nil()), PropValue::Guid)),
            ("MailboxLegacyDN", PropValue::Null),
            ("RequestGuid", PropValue::Guid(self.request_guid)),
            ("LastSuccessfulSyncTime", PropValue::opt_date(self.last_successful_sync)),
            ("Status", PropValue::enumv(self.status)),
            ("StatusSummary", PropValue::enumv(self.status.summary())),
            ("LastSubscriptionCheckTime", PropValue::opt_date(self.last_subscription_check)),
            ("ErrorSummary", PropValue::String(self.error_summary.clone().unwrap_or_default())),
            (
                "DataConsistencyScore",
                PropValue::String(if self.skipped_item_count > 0 { "Good" } else { "Perfect" }.into()),
            ),
            ("HasUnapprovedSkippedItems", PropValue::Bool(false)),
        ]
    }
}

impl TenantObject for MigrationUser {
    type_names!(
        MigrationUser,
        ["Microsoft.Exchange.Migration.MigrationUser", "Microsoft.Exchange.Data.ConfigurableObject"]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let mut p = self.user_properties();
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.email_address.clone()
    }
}

/// One skipped item of a user (MigrationUserSkippedItem).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SkippedItem {
    /// Kind of failure (e.g. `LargeItem`, `CorruptItem`).
    pub kind: String,
    /// Source folder.
    pub folder_name: String,
    /// Sender.
    pub sender: Option<String>,
    /// Recipient.
    pub recipient: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Message class (`IPM.Note`).
    pub message_class: Option<String>,
    /// Size in bytes.
    pub message_size: Option<i64>,
    /// Date sent.
    pub date_sent: Option<DateTime<Utc>>,
    /// Date received (INTERNALDATE).
    pub date_received: Option<DateTime<Utc>>,
    /// Reason text.
    pub failure: Option<String>,
}

impl SkippedItem {
    /// The nested-object value of this item.
    pub fn to_value(&self) -> PropValue {
        PropValue::Object {
            type_names: vec!["Microsoft.Exchange.Migration.MigrationUserSkippedItem", "System.Object"],
            properties: vec![
                ("Kind", PropValue::String(self.kind.clone())),
                ("FolderName", PropValue::String(self.folder_name.clone())),
                ("Sender", PropValue::opt_str(self.sender.as_deref())),
                ("Recipient", PropValue::opt_str(self.recipient.as_deref())),
                ("Subject", PropValue::opt_str(self.subject.as_deref())),
                ("MessageClass", PropValue::opt_str(self.message_class.as_deref())),
                (
                    "MessageSize",
                    self.message_size.map_or(PropValue::Null, |n| PropValue::Int(i32::try_from(n).unwrap_or(i32::MAX))),
                ),
                ("DateSent", PropValue::opt_date(self.date_sent)),
                ("DateReceived", PropValue::opt_date(self.date_received)),
                ("Failure", PropValue::opt_str(self.failure.as_deref())),
                ("ScoringClassifications", PropValue::Null),
            ],
            display: format!("{}: {}", self.folder_name, self.subject.as_deref().unwrap_or("")),
        }
    }
}

/// The last failure of a user (FailureRec, objects.md §4.2).
#[derive(Clone, Debug, PartialEq)]
pub struct FailureRec {
    /// When.
    pub timestamp: DateTime<Utc>,
    /// Exception type name, e.g. `MigrationPermanentException`.
    pub failure_type: String,
    /// Message.
    pub message: String,
    /// Work item (`InitialSync`, `IncrementalSync`).
    pub work_item: String,
}

impl FailureRec {
    /// The nested-object value.
    pub fn to_value(&self) -> PropValue {
        PropValue::Object {
            type_names: vec!["Microsoft.Exchange.MailboxReplicationService.FailureRec", "System.Object"],
            properties: vec![
                ("Timestamp", PropValue::DateTime(self.timestamp)),
                ("FailureType", PropValue::String(self.failure_type.clone())),
                ("FailureHash", PropValue::Null),
                ("FailureCode", PropValue::Int(-2146233088)),
                ("MapiLowLevelError", PropValue::Int(0)),
                ("FailureSide", PropValue::Null),
                ("FailureSideInt", PropValue::Int(0)),
                ("ExceptionTypes", PropValue::Multi(vec![PropValue::String("Migration".into())])),
                ("ExceptionTypesInt", PropValue::Multi(vec![])),
                ("WorkItem", PropValue::String(self.work_item.clone())),
                ("Message", PropValue::String(self.message.clone())),
            ],
            display: format!("{}: {}", self.failure_type, self.message),
        }
    }
}

/// Get-MigrationUserStatistics output: a user plus statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationUserStatistics {
    /// The user part.
    pub user: MigrationUser,
    /// Items counted in the source.
    pub total_items_in_source: Option<i64>,
    /// Time spent queued.
    pub total_queued_duration: Option<TimeSpan>,
    /// Time spent in progress.
    pub total_in_progress_duration: Option<TimeSpan>,
    /// Time spent synced.
    pub total_synced_duration: Option<TimeSpan>,
    /// Time spent stalled.
    pub total_stalled_duration: Option<TimeSpan>,
    /// Last failure.
    pub error: Option<FailureRec>,
    /// Estimated total size of the source.
    pub estimated_total_transfer_size: Option<u64>,
    /// Estimated total item count of the source.
    pub estimated_total_transfer_count: Option<u64>,
    /// Bytes copied (documented as empty for IMAP in EXO; filled when the
    /// engine reports it).
    pub bytes_transferred: Option<u64>,
    /// Percentage complete.
    pub percentage_complete: Option<i32>,
    /// Skipped items (only with `-IncludeSkippedItems`).
    pub skipped_items: Vec<SkippedItem>,
    /// Report (only with `-IncludeReport`).
    pub report: Option<Vec<ReportEntry>>,
}

impl TenantObject for MigrationUserStatistics {
    type_names!(
        MigrationUserStatistics,
        [
            "Microsoft.Exchange.Migration.MigrationUserStatistics",
            "Microsoft.Exchange.Migration.MigrationUser",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let mut p = self.user.user_properties();
        let ts = |t: Option<TimeSpan>| t.map_or(PropValue::Null, PropValue::TimeSpan);
        let bq = |b: Option<u64>| b.map_or(PropValue::Null, |b| PropValue::Bytes(ByteQuantifiedSize::from_bytes(b)));
        p.extend([
            ("TotalItemsInSourceMailboxCount", self.total_items_in_source.map_or(PropValue::Null, PropValue::Long)),
            ("TotalQueuedDuration", ts(self.total_queued_duration)),
            ("TotalInProgressDuration", ts(self.total_in_progress_duration)),
            ("TotalSyncedDuration", ts(self.total_synced_duration)),
            ("TotalStalledDuration", ts(self.total_stalled_duration)),
            ("Error", self.error.as_ref().map_or(PropValue::Null, FailureRec::to_value)),
            ("MigrationType", PropValue::enumv(MigrationType::IMAP)),
            ("EstimatedTotalTransferSize", bq(self.estimated_total_transfer_size)),
            (
                "EstimatedTotalTransferCount",
                self.estimated_total_transfer_count.map_or(PropValue::Null, PropValue::ULong),
            ),
            ("BytesTransferred", bq(self.bytes_transferred)),
            ("AverageBytesTransferredPerHour", PropValue::Null),
            ("CurrentBytesTransferredPerMinute", PropValue::Null),
            ("PercentageComplete", self.percentage_complete.map_or(PropValue::Null, PropValue::Int)),
            ("SkippedItems", PropValue::Multi(self.skipped_items.iter().map(SkippedItem::to_value).collect())),
            ("DiagnosticInfo", PropValue::Null),
            ("Report", report_value(self.report.as_deref())),
        ]);
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.user.email_address.clone()
    }
}

// ---------------------------------------------------------------- MigrationStatistics

/// Get-MigrationStatistics output.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MigrationStatistics {
    /// Counts over all users of all batches.
    pub counts: BatchCounts,
}

impl TenantObject for MigrationStatistics {
    type_names!(
        MigrationStatistics,
        ["Microsoft.Exchange.Migration.MigrationStatistics", "Microsoft.Exchange.Data.ConfigurableObject"]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let c = &self.counts;
        let int = |n: u32| PropValue::Int(n as i32);
        let mut p = vec![
            ("Identity", id("Microsoft.Exchange.Migration.MigrationStatisticsId", "MigrationStatistics")),
            ("TotalCount", int(c.total)),
            ("ActiveCount", int(c.active)),
            ("StoppedCount", int(c.stopped)),
            ("SyncedCount", int(c.synced)),
            ("FinalizedCount", int(c.finalized)),
            ("FailedCount", int(c.failed)),
            ("PendingCount", int(c.pending)),
            ("ProvisionedCount", int(0)),
            ("MigrationType", PropValue::enumv(MigrationType::IMAP)),
            ("DiagnosticInfo", PropValue::Null),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        "MigrationStatistics".into()
    }
}

// ---------------------------------------------------------------- MigrationConfig

/// Get-MigrationConfig output.
#[derive(Clone, Debug, PartialEq)]
pub struct MigrationConfig {
    /// Max batches (default 100).
    pub max_number_of_batches: u32,
    /// Max concurrent migrations (default Unlimited).
    pub max_concurrent_migrations: Unlimited<u32>,
    /// Features (default None).
    pub features: MigrationFeature,
    /// Can a new batch be submitted now?
    pub can_submit_new_batch: bool,
    /// Cutover supported (False).
    pub supports_cutover: bool,
}

impl Default for MigrationConfig {
    fn default() -> Self {
        MigrationConfig {
            max_number_of_batches: 100,
            max_concurrent_migrations: Unlimited::Unlimited,
            features: MigrationFeature::None,
            can_submit_new_batch: true,
            supports_cutover: false,
        }
    }
}

impl TenantObject for MigrationConfig {
    type_names!(
        MigrationConfig,
        ["Microsoft.Exchange.Migration.MigrationConfig", "Microsoft.Exchange.Data.ConfigurableObject"]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let mut p = vec![
            ("Identity", id("Microsoft.Exchange.Migration.MigrationConfigId", "MigrationConfig")),
            ("MaxNumberOfBatches", PropValue::Int(self.max_number_of_batches as i32)),
            ("MaxConcurrentMigrations", unl(self.max_concurrent_migrations)),
            ("Features", PropValue::enumv(self.features)),
            ("CanSubmitNewBatch", PropValue::Bool(self.can_submit_new_batch)),
            ("SupportsCutover", PropValue::Bool(self.supports_cutover)),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        format!("MaxNumberOfBatches: {}, Features: {}", self.max_number_of_batches, self.features)
    }
}

// ---------------------------------------------------------------- Test result

/// Test-MigrationServerAvailability result (TestMigrationServerAvailabilityOutcome).
#[derive(Clone, PartialEq)]
pub struct TestMigrationServerAvailabilityOutcome {
    /// Success / Failed / Warning.
    pub result: TestMigrationServerAvailabilityResult,
    /// Message (empty on success).
    pub message: String,
    /// Full exception chain on failure.
    pub error_detail: String,
    /// Endpoint name when `-Endpoint` was used.
    pub tested_endpoint: Option<String>,
}

impl fmt::Debug for TestMigrationServerAvailabilityOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestMigrationServerAvailabilityOutcome")
            .field("result", &self.result)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl TestMigrationServerAvailabilityOutcome {
    /// A success.
    pub fn success(tested_endpoint: Option<String>) -> Self {
        TestMigrationServerAvailabilityOutcome {
            result: TestMigrationServerAvailabilityResult::Success,
            message: String::new(),
            error_detail: String::new(),
            tested_endpoint,
        }
    }
    /// A failure with Exchange's message and the chain as error detail.
    pub fn failed(
        message: impl Into<String>,
        error_detail: impl Into<String>,
        tested_endpoint: Option<String>,
    ) -> Self {
        TestMigrationServerAvailabilityOutcome {
            result: TestMigrationServerAvailabilityResult::Failed,
            message: message.into(),
            error_detail: error_detail.into(),
            tested_endpoint,
        }
    }
}

impl TenantObject for TestMigrationServerAvailabilityOutcome {
    type_names!(
        TestMigrationServerAvailabilityOutcome,
        [
            "Microsoft.Exchange.Migration.TestMigrationServerAvailabilityOutcome",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    /// Order of the observed EXO output (objects.md §7); `ConnectionSettings`
    /// is only shown for Exchange types and left out here, as EXO does.
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        vec![
            ("Result", PropValue::enumv(self.result)),
            ("Message", PropValue::String(self.message.clone())),
            ("SupportsCutover", PropValue::Bool(false)),
            ("ErrorDetail", PropValue::String(self.error_detail.clone())),
            ("TestedEndpoint", PropValue::opt_str(self.tested_endpoint.as_deref())),
            ("IsValid", PropValue::Bool(true)),
            ("Identity", PropValue::Null),
            ("ObjectState", PropValue::enumv(ObjectState::New)),
        ]
    }
    /// `ToString()` is the Result value.
    fn identity(&self) -> String {
        self.result.to_string()
    }
}

// ---------------------------------------------------------------- Recipient / User views

/// Get-Recipient's view of a mailbox (ReducedRecipient).
#[derive(Clone, Debug, PartialEq)]
pub struct Recipient(pub Mailbox);

impl TenantObject for Recipient {
    type_names!(
        Recipient,
        [
            "Microsoft.Exchange.Data.Directory.Management.ReducedRecipient",
            "Microsoft.Exchange.Data.Directory.ADObject",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let m = &self.0;
        let ident = id("Microsoft.Exchange.Data.Directory.ADObjectId", &m.name);
        let mut p = vec![
            ("Alias", PropValue::String(m.alias.clone())),
            ("Database", PropValue::String(quotas::DATABASE.into())),
            ("DisplayName", PropValue::String(m.display_name.clone())),
            ("EmailAddresses", PropValue::Multi(vec![PropValue::String(format!("SMTP:{}", m.primary_smtp_address))])),
            ("ExchangeGuid", PropValue::Guid(m.exchange_guid)),
            ("ExternalDirectoryObjectId", PropValue::String(m.guid.to_string())),
            ("FirstName", PropValue::opt_str(m.first_name.as_deref())),
            ("LastName", PropValue::opt_str(m.last_name.as_deref())),
            ("PrimarySmtpAddress", PropValue::String(m.primary_smtp_address.clone())),
            ("RecipientType", PropValue::String("UserMailbox".into())),
            ("RecipientTypeDetails", PropValue::enumv(m.recipient_type_details)),
            ("WindowsLiveID", PropValue::String(m.user_principal_name.clone())),
            ("Name", PropValue::String(m.name.clone())),
            ("Identity", ident.clone()),
            ("Guid", PropValue::Guid(m.guid)),
            ("WhenChanged", PropValue::DateTime(m.when_changed)),
            ("WhenCreated", PropValue::DateTime(m.when_created)),
            ("WhenChangedUTC", PropValue::DateTime(m.when_changed)),
            ("WhenCreatedUTC", PropValue::DateTime(m.when_created)),
            ("ExchangeObjectId", PropValue::Guid(m.guid)),
            ("Id", ident),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.0.name.clone()
    }
}

/// Get-User's view of a mailbox's user account.
#[derive(Clone, Debug, PartialEq)]
pub struct User(pub Mailbox);

impl TenantObject for User {
    type_names!(
        User,
        [
            "Microsoft.Exchange.Data.Directory.Management.User",
            "Microsoft.Exchange.Data.Directory.Management.ADPresentationObject",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        let m = &self.0;
        let ident = id("Microsoft.Exchange.Data.Directory.ADObjectId", &m.name);
        let mut p = vec![
            ("AccountDisabled", PropValue::Bool(m.recipient_type_details == RecipientTypeDetails::SharedMailbox)),
            ("DisplayName", PropValue::String(m.display_name.clone())),
            ("FirstName", PropValue::String(m.first_name.clone().unwrap_or_default())),
            ("LastName", PropValue::String(m.last_name.clone().unwrap_or_default())),
            ("MicrosoftOnlineServicesID", PropValue::String(m.user_principal_name.clone())),
            ("UserPrincipalName", PropValue::String(m.user_principal_name.clone())),
            ("WindowsEmailAddress", PropValue::String(m.primary_smtp_address.clone())),
            ("RecipientType", PropValue::String("UserMailbox".into())),
            ("RecipientTypeDetails", PropValue::enumv(m.recipient_type_details)),
            ("ExternalDirectoryObjectId", PropValue::String(m.guid.to_string())),
            ("Name", PropValue::String(m.name.clone())),
            ("Identity", ident.clone()),
            ("Guid", PropValue::Guid(m.guid)),
            ("WhenChanged", PropValue::DateTime(m.when_changed)),
            ("WhenCreated", PropValue::DateTime(m.when_created)),
            ("WhenChangedUTC", PropValue::DateTime(m.when_changed)),
            ("WhenCreatedUTC", PropValue::DateTime(m.when_created)),
            ("ExchangeObjectId", PropValue::Guid(m.guid)),
            ("Id", ident),
        ];
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.0.name.clone()
    }
}

// ---------------------------------------------------------------- OrganizationConfig

/// Get-OrganizationConfig output: the organization's settings, defaults
/// merged with what Set-OrganizationConfig stored.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganizationConfig {
    /// Organization name (the default accepted domain, else `exosh.local`).
    pub name: String,
    /// Settings in display order (after Name/DisplayName, before Identity).
    pub settings: Vec<(String, PropValue)>,
}

/// The settings Get-OrganizationConfig shows by default, with EXO's defaults.
pub fn organization_defaults() -> Vec<(&'static str, PropValue)> {
    vec![
        ("IsDehydrated", PropValue::Bool(false)),
        ("OAuth2ClientProfileEnabled", PropValue::Bool(true)),
        ("SendFromAliasEnabled", PropValue::Bool(false)),
        ("AuditDisabled", PropValue::Bool(false)),
        ("MailTipsAllTipsEnabled", PropValue::Bool(true)),
        ("ActivityBasedAuthenticationTimeoutEnabled", PropValue::Bool(true)),
        ("PublicFoldersEnabled", PropValue::String("Local".into())),
        ("PublicFoldersLockedForMigration", PropValue::Bool(false)),
        ("PublicFolderMigrationComplete", PropValue::Bool(false)),
        ("RemotePublicFolderMailboxes", PropValue::Multi(vec![])),
        ("RootPublicFolderMailbox", PropValue::Null),
        ("DefaultPublicFolderIssueWarningQuota", PropValue::Unlimited(None)),
        ("DefaultPublicFolderProhibitPostQuota", PropValue::Unlimited(None)),
    ]
}

impl TenantObject for OrganizationConfig {
    type_names!(
        OrganizationConfig,
        [
            "Microsoft.Exchange.Data.Directory.Management.OrganizationConfig",
            "Microsoft.Exchange.Data.Directory.ADPresentationObject",
            "Microsoft.Exchange.Data.ConfigurableObject"
        ]
    );
    fn properties(&self) -> Vec<(&'static str, PropValue)> {
        // Setting names are leaked once per distinct name so the property
        // list can keep `&'static str` keys; the set of names is bounded by
        // the cmdlet's parameters.
        let mut p: Vec<(&'static str, PropValue)> =
            vec![("Name", PropValue::String(self.name.clone())), ("DisplayName", PropValue::String(self.name.clone()))];
        for (k, v) in &self.settings {
            p.push((static_name(k), v.clone()));
        }
        p.push(("Identity", id("Microsoft.Exchange.Data.Directory.ADObjectId", &self.name)));
        base(&mut p, ObjectState::Unchanged);
        p
    }
    fn identity(&self) -> String {
        self.name.clone()
    }
}

/// Interns a property name as `&'static str` (each distinct name is
/// allocated once for the life of the process).
fn static_name(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let set = NAMES.get_or_init(|| Mutex::new(HashSet::new()));
    let mut guard = set.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = guard.get(name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    guard.insert(leaked);
    leaked
}
