//! Value types shared by every tenant object: [`PropValue`] (the plain,
//! PowerShell-free value of one property), [`ByteQuantifiedSize`],
//! [`Unlimited`], [`TimeSpan`] and Exchange's enumerations.

use chrono::{DateTime, Utc};
use std::fmt;
use uuid::Uuid;

/// Ticks (100 ns units) per second, as in .NET's `TimeSpan`.
pub const TICKS_PER_SECOND: i64 = 10_000_000;

/// A .NET `TimeSpan`, kept in ticks (100 ns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeSpan {
    /// 100-nanosecond ticks.
    pub ticks: i64,
}

impl TimeSpan {
    /// A span of whole seconds.
    pub fn from_seconds(seconds: i64) -> Self {
        TimeSpan { ticks: seconds.saturating_mul(TICKS_PER_SECOND) }
    }
    /// Whole seconds (truncated).
    pub fn seconds(self) -> i64 {
        self.ticks / TICKS_PER_SECOND
    }
}

impl fmt::Display for TimeSpan {
    /// .NET's constant format `[-][d.]hh:mm:ss[.fffffff]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.ticks < 0;
        let t = self.ticks.unsigned_abs();
        let frac = t % TICKS_PER_SECOND as u64;
        let secs = t / TICKS_PER_SECOND as u64;
        let (d, h, m, s) = (secs / 86_400, (secs / 3600) % 24, (secs / 60) % 60, secs % 60);
        if neg {
            write!(f, "-")?;
        }
        if d > 0 {
            write!(f, "{d}.")?;
        }
        write!(f, "{h:02}:{m:02}:{s:02}")?;
        if frac > 0 {
            write!(f, ".{frac:07}")?;
        }
        Ok(())
    }
}

/// The units `ByteQuantifiedSize` prints in (Exchange's quantifiers stop at TB).
const UNITS: [(&str, u64); 5] = [("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)];

/// Exchange's `ByteQuantifiedSize`: a byte count that prints as
/// `35 MB (36,700,160 bytes)` (objects.md §0): the largest unit (powers of
/// 1024) not above the value, at most 4 significant digits rounded half away
/// from zero as .NET does (1,088 bytes is `1.063 KB`), trailing zeros dropped,
/// then the exact byte count with thousands separators. The one implementation:
/// `format` re-exports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteQuantifiedSize {
    /// Size in bytes (`.ToBytes()`).
    pub bytes: u64,
}

impl ByteQuantifiedSize {
    /// From a byte count.
    pub const fn from_bytes(bytes: u64) -> Self {
        ByteQuantifiedSize { bytes }
    }
    pub const fn from_kb(kb: u64) -> Self {
        Self::from_bytes(kb.saturating_mul(1 << 10))
    }
    pub const fn from_mb(mb: u64) -> Self {
        Self::from_bytes(mb.saturating_mul(1 << 20))
    }
    pub const fn from_gb(gb: u64) -> Self {
        Self::from_bytes(gb.saturating_mul(1 << 30))
    }
    pub const fn from_tb(tb: u64) -> Self {
        Self::from_bytes(tb.saturating_mul(1 << 40))
    }
    /// `.ToBytes()`.
    pub const fn to_bytes(self) -> u64 {
        self.bytes
    }
    /// `.ToKB()`: whole kilobytes, rounded down (Exchange shifts right).
    pub const fn to_kb(self) -> u64 {
        self.bytes >> 10
    }
    /// `.ToMB()`.
    pub const fn to_mb(self) -> u64 {
        self.bytes >> 20
    }
    /// `.ToGB()`.
    pub const fn to_gb(self) -> u64 {
        self.bytes >> 30
    }
    /// `.ToTB()`.
    pub const fn to_tb(self) -> u64 {
        self.bytes >> 40
    }

    /// The `35 MB` part.
    pub fn short(self) -> String {
        let (unit, size) = UNITS.iter().copied().find(|&(_, size)| self.bytes >= size).unwrap_or(("B", 1));
        format!("{} {unit}", significant4(self.bytes, size))
    }

    /// Parses the forms admins type and Exchange prints: `35MB`, `35 MB`,
    /// `1.5 GB`, `36700160`, `36700160B`, `35 MB (36,700,160 bytes)`.
    /// Units are case-insensitive; a fractional value is rounded down to
    /// whole bytes.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if let (Some(open), true) = (t.find('('), t.ends_with("bytes)")) {
            let digits: String =
                t[open + 1..t.len() - "bytes)".len()].chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
            return digits.parse().ok().map(Self::from_bytes);
        }
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let unit = unit.trim().to_ascii_uppercase();
        let mult: u64 = match unit.as_str() {
            "" | "B" => 1,
            "KB" => 1 << 10,
            "MB" => 1 << 20,
            "GB" => 1 << 30,
            "TB" => 1 << 40,
            _ => return None,
        };
        if num.is_empty() {
            return None;
        }
        match num.split_once('.') {
            None => num.parse::<u64>().ok()?.checked_mul(mult).map(Self::from_bytes),
            Some((whole, frac)) => {
                let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
                if !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 12 {
                    return None;
                }
                let scale = 10u128.pow(frac.len() as u32);
                let frac_n: u128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
                let bytes = (whole as u128) * mult as u128 + frac_n * mult as u128 / scale;
                u64::try_from(bytes).ok().map(Self::from_bytes)
            }
        }
    }
}

/// `bytes / unit` with at most 4 significant digits, rounded half away from
/// zero in integer arithmetic (no binary floating point), trailing zeros dropped.
fn significant4(bytes: u64, unit: u64) -> String {
    let whole = bytes / unit;
    let digits = whole.to_string().len();
    let decimals = 4usize.saturating_sub(digits) as u32;
    let scale = 10u128.pow(decimals);
    let scaled = (bytes as u128 * scale * 2 + unit as u128) / (unit as u128 * 2);
    let int_part = scaled / scale;
    if decimals == 0 {
        return int_part.to_string();
    }
    let frac = format!("{:0width$}", scaled % scale, width = decimals as usize);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() { int_part.to_string() } else { format!("{int_part}.{frac}") }
}

/// `1234567` → `1,234,567` (en-US group separator).
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for ByteQuantifiedSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} bytes)", self.short(), group_thousands(self.bytes))
    }
}

/// Exchange's `Unlimited<T>`: a number or `Unlimited` (`None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unlimited<T> {
    /// No limit.
    Unlimited,
    /// A finite limit.
    Value(T),
}

impl<T: Copy> Unlimited<T> {
    /// The finite value, `None` for `Unlimited`.
    pub fn value(self) -> Option<T> {
        match self {
            Unlimited::Unlimited => None,
            Unlimited::Value(v) => Some(v),
        }
    }
    /// Is this the `Unlimited` value?
    pub fn is_unlimited(self) -> bool {
        matches!(self, Unlimited::Unlimited)
    }
}

impl<T: fmt::Display> fmt::Display for Unlimited<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unlimited::Unlimited => write!(f, "Unlimited"),
            Unlimited::Value(v) => write!(f, "{v}"),
        }
    }
}

impl Unlimited<u32> {
    /// Parses `unlimited` (any case) or a non-negative integer.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("unlimited") {
            Some(Unlimited::Unlimited)
        } else {
            t.parse().ok().map(Unlimited::Value)
        }
    }
}

/// The plain value of one property of a tenant object. The runtime wraps these
/// into PowerShell values; nothing here knows PowerShell.
#[derive(Clone, PartialEq)]
pub enum PropValue {
    /// `$null` / an empty optional.
    Null,
    /// `System.Boolean`.
    Bool(bool),
    /// `System.Int32`.
    Int(i32),
    /// `System.Int64`.
    Long(i64),
    /// `System.UInt64`.
    ULong(u64),
    /// `System.String` (also Fqdn, SmtpAddress, LocalizedString).
    String(String),
    /// `System.Guid`.
    Guid(Uuid),
    /// `System.DateTime` (UTC).
    DateTime(DateTime<Utc>),
    /// `System.TimeSpan` / `EnhancedTimeSpan`.
    TimeSpan(TimeSpan),
    /// An enum value: .NET type name, value name, numeric value.
    Enum {
        /// Full .NET type name, e.g. `Microsoft.Exchange.Migration.MigrationBatchStatus`.
        type_name: &'static str,
        /// The value's name (what `ToString()` returns; flags joined by `, `).
        name: String,
        /// Numeric value.
        value: i64,
    },
    /// `ByteQuantifiedSize`.
    Bytes(ByteQuantifiedSize),
    /// `Unlimited<int>`/`Unlimited<ulong>`: `None` = Unlimited.
    Unlimited(Option<u64>),
    /// A multi-valued property (`{a, b}`; empty prints `{}`).
    Multi(Vec<PropValue>),
    /// A secret (password): the runtime must print it masked, never the text.
    Secret(String),
    /// An identity object (MigrationBatchId, ADObjectId ...) whose
    /// `ToString()` is `display`.
    Id {
        /// .NET type name of the id.
        type_name: &'static str,
        /// What it displays as (batch name, endpoint name, email ...).
        display: String,
    },
    /// A nested object (FailureRec, MigrationUserSkippedItem, Report ...).
    Object {
        /// .NET type names, most derived first.
        type_names: Vec<&'static str>,
        /// Its properties, in order.
        properties: Vec<(&'static str, PropValue)>,
        /// Its `ToString()`.
        display: String,
    },
}

impl fmt::Debug for PropValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropValue::Null => write!(f, "Null"),
            PropValue::Bool(b) => write!(f, "Bool({b})"),
            PropValue::Int(i) => write!(f, "Int({i})"),
            PropValue::Long(i) => write!(f, "Long({i})"),
            PropValue::ULong(i) => write!(f, "ULong({i})"),
            PropValue::String(s) => write!(f, "String({s:?})"),
            PropValue::Guid(g) => write!(f, "Guid({g})"),
            PropValue::DateTime(d) => write!(f, "DateTime({d})"),
            PropValue::TimeSpan(t) => write!(f, "TimeSpan({t})"),
            PropValue::Enum { name, .. } => write!(f, "Enum({name})"),
            PropValue::Bytes(b) => write!(f, "Bytes({})", b.bytes),
            PropValue::Unlimited(u) => write!(f, "Unlimited({u:?})"),
            PropValue::Multi(v) => f.debug_list().entries(v).finish(),
            PropValue::Secret(_) => write!(f, "Secret(********)"),
            PropValue::Id { display, .. } => write!(f, "Id({display:?})"),
            PropValue::Object { display, .. } => write!(f, "Object({display:?})"),
        }
    }
}

impl PropValue {
    /// A string, or Null when `None`.
    pub fn opt_str(s: Option<&str>) -> PropValue {
        s.map_or(PropValue::Null, |s| PropValue::String(s.to_string()))
    }
    /// A date, or Null.
    pub fn opt_date(d: Option<DateTime<Utc>>) -> PropValue {
        d.map_or(PropValue::Null, PropValue::DateTime)
    }
    /// A list of strings.
    pub fn strings(v: &[String]) -> PropValue {
        PropValue::Multi(v.iter().map(|s| PropValue::String(s.clone())).collect())
    }
    /// An enum value.
    pub fn enumv<E: ExEnum>(e: E) -> PropValue {
        PropValue::Enum { type_name: E::TYPE_NAME, name: e.name().to_string(), value: e.value() }
    }
    /// An optional enum value.
    pub fn opt_enum<E: ExEnum>(e: Option<E>) -> PropValue {
        e.map_or(PropValue::Null, PropValue::enumv)
    }
    /// Text as `ToString()` would give it (secrets masked).
    pub fn display(&self) -> String {
        match self {
            PropValue::Null => String::new(),
            PropValue::Bool(true) => "True".into(),
            PropValue::Bool(false) => "False".into(),
            PropValue::Int(i) => i.to_string(),
            PropValue::Long(i) => i.to_string(),
            PropValue::ULong(i) => i.to_string(),
            PropValue::String(s) => s.clone(),
            PropValue::Guid(g) => g.to_string(),
            PropValue::DateTime(d) => d.format("%m/%d/%Y %H:%M:%S").to_string(),
            PropValue::TimeSpan(t) => t.to_string(),
            PropValue::Enum { name, .. } => name.clone(),
            PropValue::Bytes(b) => b.to_string(),
            PropValue::Unlimited(None) => "Unlimited".into(),
            PropValue::Unlimited(Some(v)) => v.to_string(),
            PropValue::Multi(v) => {
                let parts: Vec<String> = v.iter().map(|p| p.display()).collect();
                format!("{{{}}}", parts.join(", "))
            }
            PropValue::Secret(_) => "********".into(),
            PropValue::Id { display, .. } => display.clone(),
            PropValue::Object { display, .. } => display.clone(),
        }
    }
}

/// Common behaviour of Exchange enumerations.
pub trait ExEnum: Copy + Sized + 'static {
    /// Full .NET type name.
    const TYPE_NAME: &'static str;
    /// All values in declaration order.
    fn all() -> &'static [Self];
    /// The value's name.
    fn name(self) -> &'static str;
    /// The numeric value.
    fn value(self) -> i64;
    /// Case-insensitive parse of a name (or of the numeric value).
    fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::all().iter().copied().find(|e| e.name().eq_ignore_ascii_case(t)).or_else(|| {
            let n: i64 = t.parse().ok()?;
            Self::all().iter().copied().find(|e| e.value() == n)
        })
    }
    /// The names joined with `, ` (for "valid values are" messages).
    fn names() -> String {
        Self::all().iter().map(|e| e.name()).collect::<Vec<_>>().join(", ")
    }
}

macro_rules! ex_enum {
    ($(#[$m:meta])* $name:ident, $tn:expr, { $($(#[$vm:meta])* $v:ident = $n:expr),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl ExEnum for $name {
            const TYPE_NAME: &'static str = $tn;
            fn all() -> &'static [Self] { &[$($name::$v),+] }
            fn name(self) -> &'static str { match self { $($name::$v => stringify!($v)),+ } }
            fn value(self) -> i64 { match self { $($name::$v => $n),+ } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

ex_enum!(
    /// Status of a migration batch (objects.md §9.1), declaration order.
    MigrationBatchStatus, "Microsoft.Exchange.Migration.MigrationBatchStatus", {
    Created = 0, Syncing = 1, Stopping = 2, Stopped = 3, Completed = 4, Failed = 5,
    Removing = 6, Synced = 7, IncrementalSyncing = 8, Completing = 9,
    CompletedWithErrors = 10, SyncedWithErrors = 11, Corrupted = 12, Waiting = 13,
    Starting = 14,
});

ex_enum!(
    /// Status of a migration user (objects.md §9.2).
    MigrationUserStatus, "Microsoft.Exchange.Migration.MigrationUserStatus", {
    Queued = 0, Syncing = 1, Failed = 2, Synced = 3, IncrementalFailed = 4, Completing = 5,
    Completed = 6, CompletionFailed = 7, Corrupted = 8, Provisioning = 9,
    ProvisionUpdating = 10, CompletionSynced = 11, Validating = 12, IncrementalSyncing = 13,
    IncrementalSynced = 14, CompletedWithWarnings = 15, Stopped = 16, IncrementalStopped = 17,
    Starting = 18, Stopping = 19, Removing = 20,
});

ex_enum!(
    /// Summary of a user status (objects.md §9.3).
    MigrationUserStatusSummary, "Microsoft.Exchange.Migration.MigrationUserStatusSummary", {
    Active = 1, Failed = 2, Synced = 3, Completed = 4, Stopped = 5,
});

impl MigrationUserStatus {
    /// The Status → StatusSummary mapping of objects.md §9.3
    /// (`IncrementalSynced`, absent from the source table, maps to Synced).
    pub fn summary(self) -> MigrationUserStatusSummary {
        use MigrationUserStatus as S;
        use MigrationUserStatusSummary as M;
        match self {
            S::Validating
            | S::Provisioning
            | S::ProvisionUpdating
            | S::Queued
            | S::Syncing
            | S::Completing
            | S::Starting
            | S::Stopping
            | S::Removing => M::Active,
            S::Synced | S::IncrementalSyncing | S::CompletionSynced | S::IncrementalSynced => M::Synced,
            S::Completed => M::Completed,
            S::Failed | S::IncrementalFailed | S::CompletionFailed | S::CompletedWithWarnings | S::Corrupted => {
                M::Failed
            }
            S::Stopped | S::IncrementalStopped => M::Stopped,
        }
    }
}

ex_enum!(
    /// Migration type (objects.md §9.4).
    MigrationType, "Microsoft.Exchange.Data.Storage.Management.MigrationType", {
    None = 0, IMAP = 1, XO1 = 2, ExchangeOutlookAnywhere = 4, BulkProvisioning = 8,
    ExchangeRemoteMove = 16, ExchangeLocalMove = 32, PSTImport = 64, PublicFolder = 128,
});

ex_enum!(
    /// `-Security` of an IMAP endpoint.
    IMAPSecurityMechanism, "Microsoft.Exchange.Data.Storage.Management.IMAPSecurityMechanism", {
    None = 0, Ssl = 1, Tls = 2,
});

ex_enum!(
    /// `-Authentication` of an endpoint.
    AuthenticationMethod, "Microsoft.Exchange.Data.Directory.AuthenticationMethod", {
    Basic = 0, Digest = 1, Ntlm = 2, Fba = 3, WindowsIntegrated = 4, LiveIdFba = 5,
    LiveIdBasic = 6, WSSecurity = 7, Certificate = 8, NegoEx = 9, OAuth = 10, Adfs = 11,
    Kerberos = 12, Negotiate = 13, LiveIdNegotiate = 14, Misconfigured = 15,
});

ex_enum!(
    /// Accepted domain type.
    AcceptedDomainType, "Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomainType", {
    Authoritative = 0, ExternalRelay = 1, InternalRelay = 2,
});

ex_enum!(
    /// Direction of a batch.
    MigrationBatchDirection, "Microsoft.Exchange.Migration.MigrationBatchDirection", {
    Local = 1, Onboarding = 2, Offboarding = 4,
});

ex_enum!(
    /// Recipient type of a migration user.
    MigrationUserRecipientType, "Microsoft.Exchange.Migration.MigrationUserRecipientType", {
    Mailbox = 0, Contact = 1, Group = 2, PublicFolder = 3, Unsupported = 4, Mailuser = 5,
    MailboxOrMailuser = 6,
});

ex_enum!(
    /// Result of Test-MigrationServerAvailability.
    TestMigrationServerAvailabilityResult,
    "Microsoft.Exchange.Migration.TestMigrationServerAvailabilityResult", {
    Success = 0, Failed = 1, Warning = 2,
});

ex_enum!(
    /// `Features` of the migration config.
    MigrationFeature, "Microsoft.Exchange.Migration.MigrationFeature", {
    None = 0, MultiBatch = 1, Endpoints = 2, UpgradeBlock = 4, PAW = 8,
});

ex_enum!(
    /// Endpoint mailbox permission.
    MigrationMailboxPermission, "Microsoft.Exchange.Migration.MigrationMailboxPermission", {
    Admin = 0, FullAccess = 1,
});

ex_enum!(
    /// Skippable steps of a batch.
    SkippableMigrationSteps, "Microsoft.Exchange.Migration.SkippableMigrationSteps", {
    None = 0, SettingTargetAddress = 1,
});

ex_enum!(
    /// Recipient type details of a mailbox (the values the tenant creates).
    RecipientTypeDetails, "Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails", {
    UserMailbox = 1, SharedMailbox = 4, RoomMailbox = 16, EquipmentMailbox = 32,
});

ex_enum!(
    /// Object state of a presentation object.
    ObjectState, "Microsoft.Exchange.Data.ObjectState", {
    New = 0, Unchanged = 1, Changed = 2, Deleted = 3,
});

ex_enum!(
    /// Well-known folder type (`-FolderScope`, `FolderType`).
    ElcFolderType, "Microsoft.Exchange.Data.Directory.SystemConfiguration.ElcFolderType", {
    All = 0, Archive = 1, Calendar = 2, Contacts = 3, ConversationHistory = 4,
    DeletedItems = 5, Drafts = 6, Inbox = 7, JunkEmail = 8, Journal = 9,
    LegacyArchiveJournals = 10, ManagedCustomFolder = 11, NonIpmRoot = 12, Notes = 13,
    Outbox = 14, Personal = 15, RecoverableItems = 16, RssSubscriptions = 17, SentItems = 18,
    SyncIssues = 19, Tasks = 20,
});

/// `MigrationBatchSupportedActions` flags.
pub mod supported_actions {
    /// Start.
    pub const START: i64 = 1;
    /// Stop.
    pub const STOP: i64 = 2;
    /// Set.
    pub const SET: i64 = 4;
    /// Remove.
    pub const REMOVE: i64 = 8;
    /// Complete.
    pub const COMPLETE: i64 = 16;
    /// Append.
    pub const APPEND: i64 = 32;
    /// .NET type name.
    pub const TYPE_NAME: &str = "Microsoft.Exchange.Migration.MigrationBatchSupportedActions";

    /// `Start, Stop, Set` style text of a flags value.
    pub fn names(v: i64) -> String {
        let all = [
            (START, "Start"),
            (STOP, "Stop"),
            (SET, "Set"),
            (REMOVE, "Remove"),
            (COMPLETE, "Complete"),
            (APPEND, "Append"),
        ];
        let parts: Vec<&str> = all.iter().filter(|(f, _)| v & f != 0).map(|(_, n)| *n).collect();
        if parts.is_empty() { "None".into() } else { parts.join(", ") }
    }
}

/// `MigrationBatchFlags` flags.
pub mod batch_flags {
    /// AutoComplete.
    pub const AUTO_COMPLETE: i64 = 8;
    /// .NET type name.
    pub const TYPE_NAME: &str = "Microsoft.Exchange.Migration.MigrationBatchFlags";
    /// Text of a flags value.
    pub fn names(v: i64) -> String {
        let all = [
            (1, "DisallowExistingUsers"),
            (2, "ForceNewMigration"),
            (4, "UseAdvancedValidation"),
            (8, "AutoComplete"),
            (16, "AutoStop"),
            (32, "DisableOnCopy"),
            (64, "ReportInitial"),
        ];
        let parts: Vec<&str> = all.iter().filter(|(f, _)| v & f != 0).map(|(_, n)| *n).collect();
        if parts.is_empty() { "None".into() } else { parts.join(", ") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes_print_like_exchange() {
        let cases = [
            (36_700_160, "35 MB (36,700,160 bytes)"),
            (37_748_736, "36 MB (37,748,736 bytes)"),
            (884_736, "864 KB (884,736 bytes)"),
            (0, "0 B (0 bytes)"),
            (1_032_552_448, "984.7 MB (1,032,552,448 bytes)"),
            (6_512_255_010, "6.065 GB (6,512,255,010 bytes)"),
            (53_096, "51.85 KB (53,096 bytes)"),
            (30_551_458_399, "28.45 GB (30,551,458,399 bytes)"),
            (1_707, "1.667 KB (1,707 bytes)"),
            (1_023, "1023 B (1,023 bytes)"),
            // 1088 / 1024 = 1.0625 exactly: .NET rounds the tie away from zero.
            (1_088, "1.063 KB (1,088 bytes)"),
        ];
        for (b, s) in cases {
            assert_eq!(ByteQuantifiedSize::from_bytes(b).to_string(), s);
        }
    }

    #[test]
    fn byte_size_edges() {
        assert_eq!(ByteQuantifiedSize::from_bytes(1023).short(), "1023 B");
        assert_eq!(ByteQuantifiedSize::from_bytes(1024).short(), "1 KB");
        assert_eq!(ByteQuantifiedSize::from_bytes(1536).short(), "1.5 KB");
        assert_eq!(ByteQuantifiedSize::from_bytes(1_048_575).short(), "1024 KB");
        assert_eq!(ByteQuantifiedSize::from_tb(2048).short(), "2048 TB");
        assert_eq!(
            ByteQuantifiedSize::from_bytes(u64::MAX).to_string(),
            "16777216 TB (18,446,744,073,709,551,615 bytes)"
        );
    }

    #[test]
    fn byte_size_conversions_round_down() {
        let s = ByteQuantifiedSize::from_bytes(36_700_160);
        assert_eq!(s.to_bytes(), 36_700_160);
        assert_eq!(s.to_kb(), 35_840);
        assert_eq!(s.to_mb(), 35);
        assert_eq!(s.to_gb(), 0);
        assert_eq!(ByteQuantifiedSize::from_bytes(30_551_458_399).to_gb(), 28);
        assert_eq!(ByteQuantifiedSize::from_tb(3).to_tb(), 3);
        assert_eq!(ByteQuantifiedSize::from_mb(35), s);
    }

    #[test]
    fn byte_size_parse() {
        let b = ByteQuantifiedSize::from_bytes;
        assert_eq!(ByteQuantifiedSize::parse("35MB"), Some(b(36_700_160)));
        assert_eq!(ByteQuantifiedSize::parse("35 mb"), Some(b(36_700_160)));
        assert_eq!(ByteQuantifiedSize::parse("1.5 KB"), Some(b(1536)));
        assert_eq!(ByteQuantifiedSize::parse("42"), Some(b(42)));
        assert_eq!(ByteQuantifiedSize::parse("35 MB (36,700,160 bytes)"), Some(b(36_700_160)));
        assert_eq!(ByteQuantifiedSize::parse("35 XB"), None);
        assert_eq!(ByteQuantifiedSize::parse("MB"), None);
        assert_eq!(ByteQuantifiedSize::parse("99999999999999 TB"), None);
    }

    #[test]
    fn enums_parse_case_insensitively_and_keep_order() {
        assert_eq!(MigrationBatchStatus::parse("syncedwitherrors"), Some(MigrationBatchStatus::SyncedWithErrors));
        assert_eq!(IMAPSecurityMechanism::parse("ssl"), Some(IMAPSecurityMechanism::Ssl));
        assert_eq!(IMAPSecurityMechanism::parse("bogus"), None);
        assert_eq!(MigrationBatchStatus::all()[0], MigrationBatchStatus::Created);
        assert_eq!(MigrationBatchStatus::Starting.value(), 14);
    }

    #[test]
    fn status_summary_mapping() {
        assert_eq!(MigrationUserStatus::Queued.summary(), MigrationUserStatusSummary::Active);
        assert_eq!(MigrationUserStatus::CompletedWithWarnings.summary(), MigrationUserStatusSummary::Failed);
        assert_eq!(MigrationUserStatus::IncrementalStopped.summary(), MigrationUserStatusSummary::Stopped);
    }

    #[test]
    fn secrets_never_show() {
        let v = PropValue::Secret("hunter2".into());
        assert!(!format!("{v:?}").contains("hunter2"));
        assert!(!v.display().contains("hunter2"));
    }

    #[test]
    fn timespan_and_unlimited_text() {
        assert_eq!(TimeSpan::from_seconds(3661).to_string(), "01:01:01");
        assert_eq!(TimeSpan::from_seconds(90_000).to_string(), "1.01:00:00");
        assert_eq!(Unlimited::<u32>::parse("UNLIMITED"), Some(Unlimited::Unlimited));
        assert_eq!(Unlimited::<u32>::parse("50"), Some(Unlimited::Value(50)));
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
