//! Default views of the Exchange object types (../shared/reference/objects.md),
//! plus pwsh's own views of Group-Object output, hashtable entries and
//! TimeSpan:
//! which shape Out-Default uses, the default table columns, and the property
//! order of Format-List (`RunspaceId` first for objects a cmdlet returns, as
//! in EXO sessions; the base properties `IsValid` and `ObjectState` last).
//!
//! `confirmed` tells whether the default shape and columns were seen in real
//! output ([O] in objects.md); the others are the best documented guess
//! (noted per view) and easy to change here, in one place.

use super::table::{Align, Column};

/// The shape Out-Default gives a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewShape {
    Table,
    List,
}

/// A column of a view's table: the property it shows, its header label,
/// alignment and declared width (`None`: sized from the values). In a view,
/// a column without an alignment is left-aligned whatever its values (pwsh
/// computes alignment from values only for tables built without a view):
/// Group-Object's `Name` shows `0` on the left, EXO's `TotalCount` shows
/// `1` on the left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewColumn {
    pub property: &'static str,
    pub label: &'static str,
    pub align: Align,
    pub width: Option<usize>,
}

const fn col(property: &'static str) -> ViewColumn {
    ViewColumn { property, label: property, align: Align::Undefined, width: None }
}

const fn labeled(property: &'static str, label: &'static str) -> ViewColumn {
    ViewColumn { property, label, align: Align::Undefined, width: None }
}

const fn fixed(property: &'static str, align: Align, width: usize) -> ViewColumn {
    ViewColumn { property, label: property, align, width: Some(width) }
}

const fn left(property: &'static str) -> ViewColumn {
    ViewColumn { property, label: property, align: Align::Left, width: None }
}

/// The default view of one Exchange type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    /// Full .NET type name (`Microsoft.Exchange.Migration.MigrationBatch`).
    pub type_name: &'static str,
    /// The cmdlets whose output has this type.
    pub cmdlets: &'static [&'static str],
    /// What Out-Default prints for it.
    pub shape: ViewShape,
    /// Default table columns (`Format-Table` without `-Property`); empty for
    /// types that only have a list view (pwsh then builds a table from the
    /// first properties, as for any object).
    pub table: &'static [ViewColumn],
    /// Properties in `Format-List` order.
    pub list: &'static [&'static str],
    /// Shape and columns seen in real EXO output.
    pub confirmed: bool,
    /// Where the view comes from.
    pub source: &'static str,
}

impl View {
    /// The type name without its namespace (`MigrationBatch`).
    pub fn short_name(&self) -> &'static str {
        self.type_name.rsplit('.').next().unwrap_or(self.type_name)
    }

    /// The table columns as [`Column`]s for the table writer.
    pub fn table_columns(&self) -> Vec<Column> {
        self.table.iter().map(|c| Column { header: c.label.to_owned(), align: c.align, width: c.width }).collect()
    }

    /// The cells of one table row, read through `get` (property name →
    /// display string; a missing property gives an empty cell).
    pub fn table_row(&self, get: impl Fn(&str) -> Option<String>) -> Vec<String> {
        self.table.iter().map(|c| get(c.property).unwrap_or_default()).collect()
    }

    /// The `Name : value` entries of one object in list order, read through
    /// `get`; properties the object lacks are left out.
    pub fn list_entries(&self, get: impl Fn(&str) -> Option<String>) -> Vec<super::ListEntry> {
        self.list.iter().filter_map(|p| get(p).map(|v| super::ListEntry::new(*p, v))).collect()
    }
}

const BATCH_LIST: &[&str] = &[
    "RunspaceId",
    "Identity",
    "Status",
    "State",
    "BatchGuid",
    "TotalCount",
    "ActiveCount",
    "StoppedCount",
    "SyncedCount",
    "FinalizedCount",
    "FailedCount",
    "FailedInitialSyncCount",
    "FailedIncrementalSyncCount",
    "CompletedWithWarningCount",
    "PendingCount",
    "ProvisionedCount",
    "ValidationWarningCount",
    "ValidationWarnings",
    "Message",
    "CreationDateTime",
    "CreationDateTimeUTC",
    "StartDateTime",
    "StartDateTimeUTC",
    "InitialSyncDateTime",
    "InitialSyncDateTimeUTC",
    "InitialSyncDuration",
    "LastSyncedDateTime",
    "LastSyncedDateTimeUTC",
    "FinalizedDateTime",
    "FinalizedDateTimeUTC",
    "SubmittedByUser",
    "OwnerId",
    "OwnerExchangeObjectId",
    "NotificationEmails",
    "ExcludedFolders",
    "MigrationType",
    "BatchDirection",
    "Locale",
    "Reports",
    "IsProvisioning",
    "BatchFlags",
    "AutoRetryCount",
    "CurrentRetryCount",
    "AllowUnknownColumnsInCsv",
    "DiagnosticInfo",
    "SupportedActions",
    "SourceEndpoint",
    "TargetEndpoint",
    "SourcePublicFolderDatabase",
    "TargetDatabases",
    "TargetArchiveDatabases",
    "BadItemLimit",
    "LargeItemLimit",
    "PrimaryOnly",
    "ArchiveOnly",
    "TargetDeliveryDomain",
    "SkipSteps",
    "Report",
    "StartAfter",
    "StartAfterUTC",
    "CompleteAfter",
    "CompleteAfterUTC",
    "DataConsistencyScore",
    "IsValid",
    "ObjectState",
];

const ENDPOINT_LIST: &[&str] = &[
    "RunspaceId",
    "Identity",
    "EndpointType",
    "MaxConcurrentMigrations",
    "MaxConcurrentIncrementalSyncs",
    "ActiveMigrationCount",
    "ActiveIncrementalSyncCount",
    "RemoteServer",
    "Username",
    "Port",
    "Authentication",
    "Security",
    "RpcProxyServer",
    "ExchangeServer",
    "NspiServer",
    "UseAutoDiscover",
    "MailboxPermission",
    "Guid",
    "IsRemote",
    "SourceMailboxLegacyDN",
    "PublicFolderDatabaseServerLegacyDN",
    "DiagnosticInfo",
    "IsValid",
    "ObjectState",
];

const USER_LIST: &[&str] = &[
    "RunspaceId",
    "Identity",
    "Guid",
    "Identifier",
    "BatchId",
    "EmailAddress",
    "RecipientType",
    "SkippedItemCount",
    "SyncedItemCount",
    "MailboxGuid",
    "MailboxLegacyDN",
    "RequestGuid",
    "LastSuccessfulSyncTime",
    "Status",
    "StatusSummary",
    "LastSubscriptionCheckTime",
    "ErrorSummary",
    "DataConsistencyScore",
    "HasUnapprovedSkippedItems",
    "IsValid",
    "ObjectState",
];

const USER_STATS_LIST: &[&str] = &[
    "RunspaceId",
    "Identity",
    "Guid",
    "Identifier",
    "BatchId",
    "EmailAddress",
    "RecipientType",
    "SkippedItemCount",
    "SyncedItemCount",
    "MailboxGuid",
    "MailboxLegacyDN",
    "RequestGuid",
    "LastSuccessfulSyncTime",
    "Status",
    "StatusSummary",
    "LastSubscriptionCheckTime",
    "TotalItemsInSourceMailboxCount",
    "TotalQueuedDuration",
    "TotalInProgressDuration",
    "TotalSyncedDuration",
    "TotalStalledDuration",
    "Error",
    "MigrationType",
    "EstimatedTotalTransferSize",
    "EstimatedTotalTransferCount",
    "BytesTransferred",
    "AverageBytesTransferredPerHour",
    "CurrentBytesTransferredPerMinute",
    "PercentageComplete",
    "SkippedItems",
    "DiagnosticInfo",
    "Report",
    "ErrorSummary",
    "DataConsistencyScore",
    "HasUnapprovedSkippedItems",
    "IsValid",
    "ObjectState",
];

const STATISTICS_LIST: &[&str] = &[
    "RunspaceId",
    "Identity",
    "TotalCount",
    "ActiveCount",
    "StoppedCount",
    "SyncedCount",
    "FinalizedCount",
    "FailedCount",
    "PendingCount",
    "ProvisionedCount",
    "MigrationType",
    "DiagnosticInfo",
    "IsValid",
    "ObjectState",
];

const CONFIG_LIST: &[&str] = &[
    "RunspaceId",
    "Identity",
    "MaxNumberOfBatches",
    "MaxConcurrentMigrations",
    "Features",
    "CanSubmitNewBatch",
    "SupportsCutover",
    "IsValid",
    "ObjectState",
];

const TEST_LIST: &[&str] = &[
    "RunspaceId",
    "Result",
    "Message",
    "SupportsCutover",
    "ErrorDetail",
    "TestedEndpoint",
    "IsValid",
    "Identity",
    "ObjectState",
];

const SKIPPED_ITEM_LIST: &[&str] = &[
    "Kind",
    "FolderName",
    "Sender",
    "Recipient",
    "Subject",
    "MessageClass",
    "MessageSize",
    "DateSent",
    "DateReceived",
    "Failure",
    "ScoringClassifications",
];

const FAILURE_LIST: &[&str] = &[
    "Timestamp",
    "FailureType",
    "FailureHash",
    "FailureCode",
    "MapiLowLevelError",
    "FailureSide",
    "FailureSideInt",
    "ExceptionTypes",
    "ExceptionTypesInt",
    "WorkItem",
    "Message",
];

const FOLDER_STATS_LIST: &[&str] = &[
    "RunspaceId",
    "Date",
    "Name",
    "FolderPath",
    "FolderId",
    "FolderType",
    "ItemsInFolder",
    "DeletedItemsInFolder",
    "FolderSize",
    "ItemsInFolderAndSubfolders",
    "DeletedItemsInFolderAndSubfolders",
    "FolderAndSubfolderSize",
    "OldestItemReceivedDate",
    "NewestItemReceivedDate",
    "OldestDeletedItemReceivedDate",
    "NewestDeletedItemReceivedDate",
    "OldestItemLastModifiedDate",
    "NewestItemLastModifiedDate",
    "OldestDeletedItemLastModifiedDate",
    "NewestDeletedItemLastModifiedDate",
    "ManagedFolder",
    "DeletePolicy",
    "ArchivePolicy",
    "TopSubject",
    "TopSubjectSize",
    "TopSubjectCount",
    "TopSubjectClass",
    "TopSubjectPath",
    "TopSubjectReceivedTime",
    "TopSubjectFrom",
    "TopClientInfoForSubject",
    "TopClientInfoCountForSubject",
    "SearchFolders",
    "Identity",
    "IsValid",
    "ObjectState",
];

const MAILBOX_STATS_LIST: &[&str] = &[
    "RunspaceId",
    "DisplayName",
    "ItemCount",
    "TotalItemSize",
    "LastLogonTime",
    "LastUserActionTime",
    "StorageLimitStatus",
    "Identity",
    "IsValid",
    "ObjectState",
];

const MAILBOX_LIST: &[&str] = &[
    "RunspaceId",
    "Name",
    "Alias",
    "DisplayName",
    "PrimarySmtpAddress",
    "EmailAddresses",
    "UserPrincipalName",
    "MicrosoftOnlineServicesID",
    "RecipientTypeDetails",
    "Database",
    "ExchangeGuid",
    "ExternalDirectoryObjectId",
    "Guid",
    "EmailAddressPolicyEnabled",
    "ProhibitSendQuota",
    "MaxSendSize",
    "MaxReceiveSize",
    "IsSoftDeletedByRemove",
    "DistinguishedName",
    "Identity",
    "IsValid",
    "ObjectState",
];

const ACCEPTED_DOMAIN_LIST: &[&str] =
    &["RunspaceId", "Name", "DomainName", "DomainType", "Default", "Identity", "IsValid", "ObjectState"];

static VIEWS: &[View] = &[
    View {
        type_name: "Microsoft.Exchange.Migration.MigrationBatch",
        cmdlets: &["Get-MigrationBatch", "New-MigrationBatch", "Set-MigrationBatch"],
        shape: ViewShape::Table,
        table: &[col("Identity"), col("Status"), labeled("MigrationType", "Type"), left("TotalCount")],
        list: BATCH_LIST,
        confirmed: true,
        source: "objects.md §0/§10: two Get-MigrationBatch screenshots (TotalCount left-aligned)",
    },
    View {
        type_name: "Microsoft.Exchange.Migration.MigrationUser",
        cmdlets: &["Get-MigrationUser", "Set-MigrationUser"],
        shape: ViewShape::Table,
        table: &[col("Identity"), col("BatchId"), col("Status")],
        list: USER_LIST,
        confirmed: true,
        source: "objects.md §0/§10: Get-MigrationUser screenshot",
    },
    View {
        type_name: "Microsoft.Exchange.Migration.MigrationUserStatistics",
        cmdlets: &["Get-MigrationUserStatistics"],
        shape: ViewShape::Table,
        table: &[col("Identity"), col("BatchId"), col("Status"), col("SyncedItemCount"), col("SkippedItemCount")],
        list: USER_STATS_LIST,
        confirmed: false,
        source: "unverified: EAC user list columns (Identity, Status, Items Synced, Items Skipped) with the Get-MigrationUser columns",
    },
    View {
        type_name: "Microsoft.Exchange.Data.Storage.Management.MigrationEndpoint",
        cmdlets: &["Get-MigrationEndpoint", "New-MigrationEndpoint", "Set-MigrationEndpoint"],
        shape: ViewShape::Table,
        table: &[col("Identity"), col("EndpointType"), col("RemoteServer")],
        list: ENDPOINT_LIST,
        confirmed: false,
        source: "unverified: identity, type and server, the properties the walkthrough checks",
    },
    View {
        type_name: "Microsoft.Exchange.Migration.MigrationStatistics",
        cmdlets: &["Get-MigrationStatistics"],
        shape: ViewShape::Table,
        table: &[col("Identity"), col("TotalCount"), col("SyncedCount"), col("FinalizedCount"), col("FailedCount")],
        list: STATISTICS_LIST,
        confirmed: false,
        source: "unverified: EAC 'Status for all batches' pane (Total, Synced, Finalized, Failed)",
    },
    View {
        type_name: "Microsoft.Exchange.Migration.MigrationConfig",
        cmdlets: &["Get-MigrationConfig", "Set-MigrationConfig"],
        shape: ViewShape::Table,
        table: &[col("Identity"), col("MaxNumberOfBatches"), col("Features")],
        list: CONFIG_LIST,
        confirmed: false,
        source: "unverified: the properties ToString() is built from, and Features (docs check it for PAW)",
    },
    View {
        type_name: "Microsoft.Exchange.Migration.TestMigrationServerAvailabilityOutcome",
        cmdlets: &["Test-MigrationServerAvailability"],
        shape: ViewShape::List,
        table: &[],
        list: TEST_LIST,
        confirmed: true,
        source: "objects.md §7: EXO success output (list, RunspaceId first, Identity empty near the end)",
    },
    View {
        type_name: "Microsoft.Exchange.Migration.MigrationUserSkippedItem",
        cmdlets: &[],
        shape: ViewShape::List,
        table: &[],
        list: SKIPPED_ITEM_LIST,
        confirmed: false,
        source: "unverified: nested in SkippedItems; pwsh's rule for a type without a view (more than 4 properties: list)",
    },
    View {
        type_name: "Microsoft.Exchange.MailboxReplicationService.FailureRec",
        cmdlets: &[],
        shape: ViewShape::List,
        table: &[],
        list: FAILURE_LIST,
        confirmed: true,
        source: "objects.md §4.2: observed failure record list",
    },
    View {
        type_name: "Microsoft.Exchange.Management.Tasks.MailboxFolderConfiguration",
        cmdlets: &["Get-MailboxFolderStatistics"],
        shape: ViewShape::Table,
        table: &[col("Name"), col("FolderPath"), col("ItemsInFolder"), col("FolderAndSubfolderSize")],
        list: FOLDER_STATS_LIST,
        confirmed: false,
        source: "unverified: folder name, path, item count, size",
    },
    View {
        type_name: "Microsoft.Exchange.Management.MapiTasks.Presentation.MailboxStatistics",
        cmdlets: &["Get-MailboxStatistics"],
        shape: ViewShape::Table,
        table: &[col("DisplayName"), col("ItemCount"), col("StorageLimitStatus"), col("LastLogonTime")],
        list: MAILBOX_STATS_LIST,
        confirmed: false,
        source: "unverified: the commonly used properties of objects.md §8",
    },
    View {
        type_name: "Microsoft.Exchange.Data.Directory.Management.Mailbox",
        cmdlets: &["Get-Mailbox", "New-Mailbox", "Set-Mailbox"],
        shape: ViewShape::Table,
        table: &[
            col("Name"),
            col("Alias"),
            col("Database"),
            col("ProhibitSendQuota"),
            col("ExternalDirectoryObjectId"),
        ],
        list: MAILBOX_LIST,
        confirmed: false,
        source: "unverified: EXO Get-Mailbox columns as remembered from public transcripts",
    },
    View {
        type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain",
        cmdlets: &["Get-AcceptedDomain", "New-AcceptedDomain", "Set-AcceptedDomain"],
        shape: ViewShape::Table,
        table: &[col("Name"), col("DomainName"), col("DomainType"), col("Default")],
        list: ACCEPTED_DOMAIN_LIST,
        confirmed: false,
        source: "unverified: name, domain and type (objects.md §8), and Default",
    },
    // pwsh's own views for objects the migration scripts print often
    // (PowerShellCore_format_ps1xml.cs, DotNetTypes_format_ps1xml.cs).
    View {
        type_name: "Microsoft.PowerShell.Commands.GroupInfo",
        cmdlets: &["Group-Object"],
        shape: ViewShape::Table,
        table: &[fixed("Count", Align::Right, 5), fixed("Name", Align::Undefined, 25), col("Group")],
        list: &["Name", "Count", "Group", "Values"],
        confirmed: true,
        source: "pwsh PowerShellCore_format_ps1xml.cs (Count right 5, Name 25, Group)",
    },
    View {
        type_name: "Microsoft.PowerShell.Commands.GroupInfoNoElement",
        cmdlets: &[],
        shape: ViewShape::Table,
        table: &[fixed("Count", Align::Right, 5), fixed("Name", Align::Undefined, 25)],
        list: &["Name", "Count", "Values"],
        confirmed: true,
        source: "pwsh PowerShellCore_format_ps1xml.cs (Group-Object -NoElement)",
    },
    View {
        type_name: "System.Collections.DictionaryEntry",
        cmdlets: &[],
        shape: ViewShape::Table,
        table: &[fixed("Name", Align::Undefined, 30), col("Value")],
        list: &["Name", "Value"],
        confirmed: true,
        source: "pwsh DotNetTypes_format_ps1xml.cs (hashtable entries: Name 30, Value)",
    },
    View {
        type_name: "System.TimeSpan",
        cmdlets: &["New-TimeSpan"],
        shape: ViewShape::List,
        table: &[col("Days"), col("Hours"), col("Minutes"), col("Seconds"), col("Milliseconds")],
        list: &[
            "Days",
            "Hours",
            "Minutes",
            "Seconds",
            "Milliseconds",
            "Ticks",
            "TotalDays",
            "TotalHours",
            "TotalMinutes",
            "TotalSeconds",
            "TotalMilliseconds",
        ],
        confirmed: true,
        source: "pwsh DotNetTypes_format_ps1xml.cs (list view first, so Out-Default prints a list)",
    },
];

/// Every view: the Exchange types, and pwsh's own views of the objects
/// scripts print beside them (Group-Object output, hashtable entries,
/// TimeSpan).
pub fn views() -> &'static [View] {
    VIEWS
}

/// The view of a type, by its full name, its name without namespace, or
/// its `Deserialized.` name (EXO remote objects); case-insensitive.
pub fn view_for(type_name: &str) -> Option<&'static View> {
    let name = type_name.trim();
    let name = strip_prefix_ci(name, "Deserialized.").unwrap_or(name);
    VIEWS.iter().find(|v| v.type_name.eq_ignore_ascii_case(name) || v.short_name().eq_ignore_ascii_case(name))
}

/// The view of the objects a cmdlet returns (`Get-MigrationBatch`).
pub fn view_for_cmdlet(cmdlet: &str) -> Option<&'static View> {
    VIEWS.iter().find(|v| v.cmdlets.iter().any(|c| c.eq_ignore_ascii_case(cmdlet)))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_full_short_and_deserialized_name() {
        let full = view_for("Microsoft.Exchange.Migration.MigrationBatch");
        assert!(full.is_some());
        assert_eq!(view_for("migrationbatch"), full);
        assert_eq!(view_for("Deserialized.Microsoft.Exchange.Migration.MigrationBatch"), full);
        assert_eq!(view_for("System.String"), None);
        assert_eq!(view_for_cmdlet("get-migrationuser").map(View::short_name), Some("MigrationUser"));
    }

    #[test]
    fn cmdlet_outputs_list_runspace_id_first_and_base_properties_last() {
        for v in views().iter().filter(|v| !v.cmdlets.is_empty() && v.type_name.starts_with("Microsoft.Exchange.")) {
            assert_eq!(v.list.first(), Some(&"RunspaceId"), "{}", v.type_name);
            assert_eq!(v.list.last(), Some(&"ObjectState"), "{}", v.type_name);
            assert!(v.list.contains(&"IsValid"), "{}", v.type_name);
        }
    }

    #[test]
    fn table_columns_are_list_properties_and_names_unique() {
        for v in views() {
            for c in v.table {
                assert!(v.list.contains(&c.property), "{} {}", v.type_name, c.property);
            }
            let mut seen = std::collections::HashSet::new();
            for p in v.list {
                assert!(seen.insert(*p), "{} lists {p} twice", v.type_name);
            }
            if v.shape == ViewShape::Table {
                assert!(!v.table.is_empty(), "{}", v.type_name);
            }
        }
        let mut names = std::collections::HashSet::new();
        for v in views() {
            assert!(names.insert(v.short_name()), "{}", v.type_name);
        }
    }

    #[test]
    fn batch_view_is_identity_status_type_totalcount() {
        let v = view_for("MigrationBatch").map(View::table_columns).unwrap_or_default();
        let headers: Vec<&str> = v.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, ["Identity", "Status", "Type", "TotalCount"]);
        assert_eq!(v[3].align, Align::Left);
    }
}
