//! Exchange views: the verbatim sample outputs of objects.md (§4.2, §7, §10)
//! must come out byte for byte (lines compared without trailing blanks where
//! the transcription cannot show them), and every view is snapshotted as a
//! table and a list with realistic objects.

use std::collections::HashMap;

use exosh::format::{
    ByteQuantifiedSize, Column, FORMAT_ENUMERATION_LIMIT, ListEntry, TableSpec, View, ViewShape, format_enumeration,
    render_list, render_table, view_for, views,
};

type Obj = HashMap<&'static str, String>;

fn obj(pairs: &[(&'static str, &str)]) -> Obj {
    pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

fn view(name: &str) -> &'static View {
    match view_for(name) {
        Some(v) => v,
        None => panic!("no view for {name}"),
    }
}

/// The view's default table over some objects. View columns keep their own
/// alignment (left when the view states none), whatever the values.
fn table_of(v: &View, objects: &[Obj]) -> String {
    let rows: Vec<Vec<String>> = objects.iter().map(|o| v.table_row(|p| o.get(p).cloned())).collect();
    render_table(&TableSpec::new(v.table_columns()).with_rows(rows))
}

/// The view's list over some objects.
fn list_of(v: &View, objects: &[Obj]) -> String {
    let entries: Vec<Vec<ListEntry>> = objects.iter().map(|o| v.list_entries(|p| o.get(p).cloned())).collect();
    render_list(&entries)
}

/// Format-List with chosen properties.
fn list_props(o: &Obj, props: &[&'static str]) -> String {
    let entries = props.iter().map(|p| ListEntry::new(*p, o.get(p).cloned().unwrap_or_default())).collect();
    render_list(&[entries])
}

fn rstrip(s: &str) -> String {
    s.split('\n').map(str::trim_end).collect::<Vec<_>>().join("\n")
}

#[test]
fn sample_get_migrationbatch_table() {
    let v = view("MigrationBatch");
    let lpf1 =
        obj(&[("Identity", "LPF1"), ("Status", "Synced"), ("MigrationType", "PublicFolder"), ("TotalCount", "1")]);
    assert_eq!(
        table_of(v, &[lpf1]),
        "\nIdentity Status Type         TotalCount\n-------- ------ ----         ----------\nLPF1     Synced PublicFolder 1\n\n"
    );
    let mpf = obj(&[("Identity", "MPF"), ("Status", "Failed"), ("MigrationType", "PublicFolder"), ("TotalCount", "1")]);
    assert!(table_of(v, &[mpf]).contains("\nMPF      Failed PublicFolder 1\n"));
}

#[test]
fn sample_get_migrationuser_table() {
    let v = view("MigrationUser");
    let users: Vec<Obj> = (1..=14)
        .map(|i| {
            obj(&[("Identity", &format!("Mailbox{i}")), ("BatchId", "PublicFolderMigration"), ("Status", "Synced")])
        })
        .collect();
    let out = table_of(v, &users);
    assert!(out.starts_with(
        "\nIdentity  BatchId               Status\n--------  -------               ------\nMailbox1  PublicFolderMigration Synced\nMailbox2  PublicFolderMigration Synced\n"
    ));
    assert!(out.contains("\nMailbox10 PublicFolderMigration Synced\n"));
    assert_eq!(out.lines().count(), 1 + 2 + 14 + 1);
}

#[test]
fn sample_wildcard_property_table() {
    let t = TableSpec::new(vec![Column::new("LastSyncedDateTime"), Column::new("LastSyncedDateTimeUTC")])
        .with_rows(vec![vec!["06-12-2021 18:34:49".to_string(), "06-12-2021 18:34:49".to_string()]]);
    assert_eq!(
        render_table(&t),
        "\nLastSyncedDateTime  LastSyncedDateTimeUTC\n------------------  ---------------------\n06-12-2021 18:34:49 06-12-2021 18:34:49\n\n"
    );
}

#[test]
fn sample_skipped_items_not_requested() {
    let empty: [&str; 0] = [];
    let o =
        obj(&[("SkippedItemCount", "182"), ("SkippedItems", &format_enumeration(&empty, FORMAT_ENUMERATION_LIMIT))]);
    assert_eq!(
        list_props(&o, &["SkippedItemCount", "SkippedItems"]),
        "\nSkippedItemCount : 182\nSkippedItems     : {}\n\n"
    );
}

#[test]
fn sample_test_migrationserveravailability_success() {
    let v = view("Deserialized.Microsoft.Exchange.Migration.TestMigrationServerAvailabilityOutcome");
    assert_eq!(v.shape, ViewShape::List);
    let o = obj(&[
        ("RunspaceId", "e232df39-xxxx-xxxx-b774-284561d610c0"),
        ("Result", "Success"),
        ("Message", ""),
        ("SupportsCutover", "False"),
        ("ErrorDetail", ""),
        ("TestedEndpoint", "ModernPF"),
        ("IsValid", "True"),
        ("Identity", ""),
        ("ObjectState", "New"),
    ]);
    let expected = "
RunspaceId      : e232df39-xxxx-xxxx-b774-284561d610c0
Result          : Success
Message         :
SupportsCutover : False
ErrorDetail     :
TestedEndpoint  : ModernPF
IsValid         : True
Identity        :
ObjectState     : New

";
    let out = list_of(v, &[o]);
    assert_eq!(rstrip(&out), expected);
    // pwsh keeps the blank after the colon of an empty value
    assert!(out.contains("\nMessage         : \n"));
}

#[test]
fn sample_test_migrationserveravailability_failure_wraps_at_120() {
    // The transcript breaks before `forbidden` with 16 cells still free on
    // that line, so the inner message carries its own line break there;
    // every other break is pwsh's word wrap at 120 - 18 = 102 cells.
    let detail = "Microsoft.Exchange.Migration.MigrationServerConnectionFailedException: The connection to the server 'owa.domain.com' could not be completed.\n \
---> Microsoft.Exchange.MailboxReplicationService.MRSRemoteTransientException: The call to 'https://owa.domain.com/EWS/mrsproxy.svc' failed. Error details: The HTTP request was\nforbidden with client authentication scheme 'Negotiate'..\n \
---> Microsoft.Exchange.MailboxReplicationService.MRSRemotePermanentException: The HTTP request was forbidden with client authentication scheme 'Negotiate'.\n\
OriginalFailureType: MessageSecurityException, WellKnownException: MRSRemote None MRSRemote\n\
Remote stack trace:";
    let o = obj(&[
        ("Result", "Failed"),
        ("Message", "The connection to the server 'owa.domain.com' could not be completed."),
        ("SupportsCutover", "False"),
        ("ErrorDetail", detail),
    ]);
    let expected = "
Result          : Failed
Message         : The connection to the server 'owa.domain.com' could not be completed.
SupportsCutover : False
ErrorDetail     : Microsoft.Exchange.Migration.MigrationServerConnectionFailedException: The connection to the server
                  'owa.domain.com' could not be completed.
                   ---> Microsoft.Exchange.MailboxReplicationService.MRSRemoteTransientException: The call to
                  'https://owa.domain.com/EWS/mrsproxy.svc' failed. Error details: The HTTP request was
                  forbidden with client authentication scheme 'Negotiate'..
                   ---> Microsoft.Exchange.MailboxReplicationService.MRSRemotePermanentException: The HTTP request was
                  forbidden with client authentication scheme 'Negotiate'.
                  OriginalFailureType: MessageSecurityException, WellKnownException: MRSRemote None MRSRemote
                  Remote stack trace:

";
    let out = list_props(&o, &["Result", "Message", "SupportsCutover", "ErrorDetail"]);
    assert_eq!(rstrip(&out), expected);
    assert!(out.lines().all(|l| l.chars().count() <= 120));
}

#[test]
fn sample_failure_record_list() {
    let v = view("FailureRec");
    let o = obj(&[
        ("Timestamp", "1/5/2021 1:33:09 PM"),
        ("FailureType", "ErrorFoldersRestoredDuringMigrationPermanentException"),
        ("FailureHash", "5df0"),
        ("FailureCode", "-2146233088"),
        ("MapiLowLevelError", "0"),
        ("FailureSide", ""),
        ("FailureSideInt", "0"),
        ("ExceptionTypes", &format_enumeration(&["MRS", "MRSPermanent", "Exchange"], 4)),
        ("ExceptionTypesInt", &format_enumeration(&["10", "12", "1"], 4)),
        ("WorkItem", "IncrementalSync"),
        (
            "Message",
            "Some folders were restored during migration, content of these folders won't be migrated. To continue migration remove these folders or copy content to new folder.",
        ),
    ]);
    let expected = "
Timestamp         : 1/5/2021 1:33:09 PM
FailureType       : ErrorFoldersRestoredDuringMigrationPermanentException
FailureHash       : 5df0
FailureCode       : -2146233088
MapiLowLevelError : 0
FailureSide       :
FailureSideInt    : 0
ExceptionTypes    : {MRS, MRSPermanent, Exchange}
ExceptionTypesInt : {10, 12, 1}
WorkItem          : IncrementalSync
Message           : Some folders were restored during migration, content of these folders won't be migrated. To
                    continue migration remove these folders or copy content to new folder.

";
    assert_eq!(rstrip(&list_of(v, &[o])), expected);
}

#[test]
fn walkthrough_endpoint_list_matches_the_scenario_checks() {
    let o = obj(&[
        ("EndpointType", "IMAP"),
        ("RemoteServer", "127.0.0.1"),
        ("Port", "10143"),
        ("Security", "Tls"),
        ("MaxConcurrentMigrations", "50"),
        ("MaxConcurrentIncrementalSyncs", "25"),
    ]);
    let out = list_props(
        &o,
        &[
            "EndpointType",
            "RemoteServer",
            "Port",
            "Security",
            "MaxConcurrentMigrations",
            "MaxConcurrentIncrementalSyncs",
        ],
    );
    assert_eq!(
        out,
        "
EndpointType                  : IMAP
RemoteServer                  : 127.0.0.1
Port                          : 10143
Security                      : Tls
MaxConcurrentMigrations       : 50
MaxConcurrentIncrementalSyncs : 25

"
    );
}

/// Realistic objects for every view (what a freshly synced IMAP tenant shows).
fn samples(v: &View) -> Vec<Obj> {
    let size = |b: u64| ByteQuantifiedSize::from_bytes(b).to_string();
    match v.short_name() {
        "MigrationBatch" => vec![
            obj(&[
                ("RunspaceId", "5b1c2a47-1f0e-4a51-9a52-0d4c86f3e1a2"),
                ("Identity", "IMAPBatch1"),
                ("Status", "Synced"),
                ("State", "Active"),
                ("BatchGuid", "0f8e6c1d-2b3a-4c5d-8e9f-a0b1c2d3e4f5"),
                ("TotalCount", "3"),
                ("ActiveCount", "0"),
                ("SyncedCount", "3"),
                ("FailedCount", "0"),
                ("ValidationWarnings", "{}"),
                ("Message", ""),
                ("CreationDateTime", "11/29/2026 4:02:11 PM"),
                ("LastSyncedDateTime", "11/29/2026 4:05:37 PM"),
                ("SubmittedByUser", "admin@contoso.onmicrosoft.com"),
                ("NotificationEmails", "{admin@contoso.onmicrosoft.com}"),
                ("ExcludedFolders", "{}"),
                ("MigrationType", "IMAP"),
                ("BatchDirection", "Onboarding"),
                ("SourceEndpoint", "IMAPEndpoint"),
                ("TargetEndpoint", ""),
                ("BadItemLimit", "Unlimited"),
                ("LargeItemLimit", "Unlimited"),
                ("IsValid", "True"),
                ("ObjectState", "Unchanged"),
            ]),
            obj(&[
                ("Identity", "IMAPBatch2-Long-Name-For-Sales"),
                ("Status", "Syncing"),
                ("MigrationType", "IMAP"),
                ("TotalCount", "120"),
            ]),
        ],
        "MigrationUser" => vec![
            obj(&[
                ("RunspaceId", "5b1c2a47-1f0e-4a51-9a52-0d4c86f3e1a2"),
                ("Identity", "terrya@contoso.edu"),
                ("Guid", "9d3f7d8e-5a0b-4b6c-9e1d-2f3a4b5c6d7e"),
                ("BatchId", "IMAPBatch1"),
                ("EmailAddress", "terrya@contoso.edu"),
                ("RecipientType", "Mailbox"),
                ("SkippedItemCount", "0"),
                ("SyncedItemCount", "1842"),
                ("Status", "Synced"),
                ("StatusSummary", "Synced"),
                ("IsValid", "True"),
                ("ObjectState", "Unchanged"),
            ]),
            obj(&[("Identity", "annb@contoso.edu"), ("BatchId", "IMAPBatch1"), ("Status", "Failed")]),
        ],
        "MigrationUserStatistics" => vec![obj(&[
            ("RunspaceId", "5b1c2a47-1f0e-4a51-9a52-0d4c86f3e1a2"),
            ("Identity", "terrya@contoso.edu"),
            ("BatchId", "IMAPBatch1"),
            ("Status", "Synced"),
            ("SyncedItemCount", "1842"),
            ("SkippedItemCount", "2"),
            ("TotalItemsInSourceMailboxCount", "1844"),
            ("EstimatedTotalTransferSize", &size(30_551_458_399)),
            ("EstimatedTotalTransferCount", "1844"),
            ("BytesTransferred", ""),
            ("PercentageComplete", "100"),
            ("SkippedItems", "{}"),
            ("IsValid", "True"),
            ("ObjectState", "Unchanged"),
        ])],
        "MigrationEndpoint" => vec![obj(&[
            ("RunspaceId", "5b1c2a47-1f0e-4a51-9a52-0d4c86f3e1a2"),
            ("Identity", "IMAPEndpoint"),
            ("EndpointType", "IMAP"),
            ("MaxConcurrentMigrations", "50"),
            ("MaxConcurrentIncrementalSyncs", "25"),
            ("RemoteServer", "imap.contoso.edu"),
            ("Port", "993"),
            ("Authentication", "Basic"),
            ("Security", "Ssl"),
            ("Guid", "4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d"),
            ("IsRemote", "True"),
            ("IsValid", "True"),
            ("ObjectState", "Unchanged"),
        ])],
        "MigrationStatistics" => vec![obj(&[
            ("Identity", "contoso.onmicrosoft.com"),
            ("TotalCount", "3"),
            ("SyncedCount", "2"),
            ("FinalizedCount", "0"),
            ("FailedCount", "1"),
            ("MigrationType", "IMAP"),
            ("IsValid", "True"),
            ("ObjectState", "Unchanged"),
        ])],
        "MigrationConfig" => vec![obj(&[
            ("Identity", "contoso.onmicrosoft.com"),
            ("MaxNumberOfBatches", "100"),
            ("MaxConcurrentMigrations", "Unlimited"),
            ("Features", "MultiBatch, PAW"),
            ("CanSubmitNewBatch", "True"),
            ("SupportsCutover", "False"),
            ("IsValid", "True"),
            ("ObjectState", "Unchanged"),
        ])],
        "TestMigrationServerAvailabilityOutcome" => vec![obj(&[
            ("RunspaceId", "5b1c2a47-1f0e-4a51-9a52-0d4c86f3e1a2"),
            ("Result", "Failed"),
            ("Message", "The connection to the server 'mail.contoso.com' could not be completed."),
            ("SupportsCutover", "False"),
            (
                "ErrorDetail",
                "Microsoft.Exchange.Migration.MigrationServerConnectionFailedException: The connection to the server 'mail.contoso.com' could not be completed.\nMicrosoft.Exchange.Connections.Common.SslStreamFailureException: TLS negotiation failed.",
            ),
            ("TestedEndpoint", ""),
            ("IsValid", "True"),
            ("Identity", ""),
            ("ObjectState", "New"),
        ])],
        "MigrationUserSkippedItem" => vec![obj(&[
            ("Kind", "LargeItem"),
            ("FolderName", "Inbox"),
            ("Sender", "paulc@contoso.edu"),
            ("Recipient", "terrya@contoso.edu"),
            ("Subject", "Scans of the 2025 archive"),
            ("MessageClass", "IPM.Note"),
            ("MessageSize", "41943040"),
            ("DateSent", "3/2/2025 9:14:00 AM"),
            ("DateReceived", "3/2/2025 9:14:05 AM"),
            ("Failure", "The message is larger than 35 MB (36,700,160 bytes)."),
        ])],
        "FailureRec" => vec![obj(&[
            ("Timestamp", "11/29/2026 4:03:00 PM"),
            ("FailureType", "ImapAuthenticationException"),
            ("FailureCode", "-2146233088"),
            ("ExceptionTypes", "{Imap, Permanent}"),
            ("WorkItem", "InitialSync"),
            (
                "Message",
                "We had trouble signing in to this account. Confirm that you're using the correct user name and password.",
            ),
        ])],
        "MailboxFolderConfiguration" => vec![
            obj(&[
                ("Name", "Inbox"),
                ("FolderPath", "/Inbox"),
                ("ItemsInFolder", "1204"),
                ("FolderAndSubfolderSize", &size(884_736)),
                ("Identity", "terrya\\Inbox"),
            ]),
            obj(&[
                ("Name", "Sent Items"),
                ("FolderPath", "/Sent Items"),
                ("ItemsInFolder", "38"),
                ("FolderAndSubfolderSize", &size(53_096)),
                ("Identity", "terrya\\Sent Items"),
            ]),
        ],
        "MailboxStatistics" => vec![obj(&[
            ("DisplayName", "Terry Adams"),
            ("ItemCount", "1842"),
            ("TotalItemSize", &size(1_032_552_448)),
            ("StorageLimitStatus", ""),
            ("LastLogonTime", ""),
        ])],
        "Mailbox" => vec![obj(&[
            ("RunspaceId", "5b1c2a47-1f0e-4a51-9a52-0d4c86f3e1a2"),
            ("Name", "terrya"),
            ("Alias", "terrya"),
            ("DisplayName", "terrya"),
            ("PrimarySmtpAddress", "terrya@contoso.edu"),
            ("EmailAddresses", "{SMTP:terrya@contoso.edu, smtp:terrya@contoso.onmicrosoft.com}"),
            ("MicrosoftOnlineServicesID", "terrya@contoso.edu"),
            ("RecipientTypeDetails", "UserMailbox"),
            ("Database", "EURPR01DG001-db042"),
            ("ProhibitSendQuota", &size(106_300_440_576)),
            ("ExternalDirectoryObjectId", "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"),
            ("MaxSendSize", &size(36_700_160)),
            ("MaxReceiveSize", &size(37_748_736)),
            ("IsValid", "True"),
            ("ObjectState", "Unchanged"),
        ])],
        "AcceptedDomain" => vec![obj(&[
            ("Name", "contoso.edu"),
            ("DomainName", "contoso.edu"),
            ("DomainType", "Authoritative"),
            ("Default", "False"),
            ("IsValid", "True"),
            ("ObjectState", "Unchanged"),
        ])],
        "GroupInfo" => vec![
            obj(&[
                ("Count", "2"),
                ("Name", "Synced"),
                ("Group", "{terrya@contoso.edu, paulc@contoso.edu}"),
                ("Values", "{Synced}"),
            ]),
            obj(&[("Count", "1"), ("Name", "Failed"), ("Group", "{annb@contoso.edu}"), ("Values", "{Failed}")]),
        ],
        "GroupInfoNoElement" => vec![
            obj(&[("Count", "2"), ("Name", "Synced"), ("Values", "{Synced}")]),
            obj(&[("Count", "1"), ("Name", "Failed"), ("Values", "{Failed}")]),
        ],
        "DictionaryEntry" => vec![
            obj(&[("Name", "EmailAddress"), ("Value", "terrya@contoso.edu")]),
            obj(&[("Name", "UserName"), ("Value", "terry.adams")]),
        ],
        "TimeSpan" => vec![obj(&[
            ("Days", "0"),
            ("Hours", "1"),
            ("Minutes", "2"),
            ("Seconds", "3"),
            ("Milliseconds", "0"),
            ("Ticks", "37230000000"),
            ("TotalDays", "0.0430902777777778"),
            ("TotalHours", "1.03416666666667"),
            ("TotalMinutes", "62.05"),
            ("TotalSeconds", "3723"),
            ("TotalMilliseconds", "3723000"),
        ])],
        other => panic!("no sample objects for {other}: add some"),
    }
}

#[test]
fn every_view_has_samples_and_snapshots() {
    for v in views() {
        let objects = samples(v);
        let mut text = format!("type: {}\nshape: {:?}\nconfirmed: {}\n", v.type_name, v.shape, v.confirmed);
        if !v.table.is_empty() {
            text.push_str("--- table\n");
            text.push_str(&table_of(v, &objects));
        }
        text.push_str("--- list\n");
        text.push_str(&list_of(v, &objects));
        insta::assert_snapshot!(format!("view_{}", v.short_name()), text);
    }
}

#[test]
fn conformance_group_and_hashtable_views() {
    // group-003: 1..20 | Group-Object -Property {$_ % 2}
    let evens: Vec<String> = (1..=10).map(|i| (i * 2).to_string()).collect();
    let odds: Vec<String> = (0..10).map(|i| (i * 2 + 1).to_string()).collect();
    let groups = [
        obj(&[("Count", "10"), ("Name", "0"), ("Group", &format_enumeration(&evens, 4))]),
        obj(&[("Count", "10"), ("Name", "1"), ("Group", &format_enumeration(&odds, 4))]),
    ];
    assert_eq!(
        table_of(view("Microsoft.PowerShell.Commands.GroupInfo"), &groups),
        "\nCount Name                      Group\n----- ----                      -----\n   10 0                         {2, 4, 6, 8…}\n   10 1                         {1, 3, 5, 7…}\n\n"
    );
    // group-002: ... | Group-Object -Property weight -NoElement
    let counts = [
        obj(&[("Count", "1"), ("Name", "1")]),
        obj(&[("Count", "1"), ("Name", "3")]),
        obj(&[("Count", "2"), ("Name", "7")]),
    ];
    assert_eq!(
        table_of(view("GroupInfoNoElement"), &counts),
        "\nCount Name\n----- ----\n    1 1\n    1 3\n    2 7\n\n"
    );
    // hash-005: a hashtable prints its entries with the DictionaryEntry view
    let items: Vec<String> = (0..=255).map(|i: i32| i.to_string()).collect();
    let entry = [obj(&[("Name", "array"), ("Value", &format_enumeration(&items, 4))])];
    assert_eq!(
        table_of(view("System.Collections.DictionaryEntry"), &entry),
        "\nName                           Value\n----                           -----\narray                          {0, 1, 2, 3…}\n\n"
    );
}
