//! [`SqliteStore`]: the tenant in `$EXOSH_HOME/exosh.db` (WAL, busy timeout,
//! foreign keys, `user_version` migrations). Names are unique through UNIQUE
//! constraints (two processes cannot both win); every change is one
//! `BEGIN IMMEDIATE` transaction. The home directory is created 0700 and the
//! database files are 0600 (CSV passwords live there).

use super::csvdata::{self, CsvUser};
use super::error::{ErrorCategory, TenantError, TenantResult};
use super::maildir;
use super::model::*;
use super::status;
use super::store::*;
use super::types::*;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use uuid::Uuid;

/// Name of the database file in the home directory.
pub const DB_FILE: &str = "exosh.db";
/// The server name used in Exchange's "couldn't be found on '...'" messages.
pub const SERVER_NAME: &str = "exosh.local";

/// The schema, one entry per `user_version` step.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE accepted_domain(
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  domain_name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  domain_type INTEGER NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  changed INTEGER NOT NULL);
CREATE TABLE mailbox(
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  exchange_guid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  alias TEXT NOT NULL COLLATE NOCASE UNIQUE,
  display_name TEXT NOT NULL,
  primary_smtp TEXT NOT NULL COLLATE NOCASE UNIQUE,
  upn TEXT NOT NULL COLLATE NOCASE UNIQUE,
  first_name TEXT,
  last_name TEXT,
  recipient_type INTEGER NOT NULL,
  domain_id INTEGER NOT NULL REFERENCES accepted_domain(id) ON DELETE RESTRICT,
  password TEXT,
  created INTEGER NOT NULL,
  changed INTEGER NOT NULL);
CREATE INDEX mailbox_domain ON mailbox(domain_id);
CREATE TABLE endpoint(
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  endpoint_type INTEGER NOT NULL,
  remote_server TEXT NOT NULL,
  port INTEGER NOT NULL,
  security INTEGER NOT NULL,
  authentication INTEGER NOT NULL,
  accept_untrusted INTEGER NOT NULL,
  max_migrations INTEGER,
  max_incremental INTEGER,
  active_migrations INTEGER,
  active_incremental INTEGER,
  created INTEGER NOT NULL);
CREATE TABLE batch(
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  status INTEGER NOT NULL,
  migration_type INTEGER NOT NULL,
  endpoint_id INTEGER REFERENCES endpoint(id) ON DELETE RESTRICT,
  auto_start INTEGER NOT NULL,
  auto_complete INTEGER NOT NULL,
  allow_unknown INTEGER NOT NULL,
  exclude_folders TEXT NOT NULL,
  include_folders TEXT NOT NULL,
  notification_emails TEXT NOT NULL,
  start_after INTEGER,
  complete_after INTEGER,
  report_interval INTEGER,
  skip_reports INTEGER NOT NULL,
  message TEXT,
  submitted_by TEXT NOT NULL,
  created INTEGER NOT NULL,
  started INTEGER,
  initial_sync INTEGER,
  last_synced INTEGER,
  finalized INTEGER,
  sync_now INTEGER NOT NULL DEFAULT 0,
  update_requested INTEGER NOT NULL DEFAULT 0);
CREATE INDEX batch_endpoint ON batch(endpoint_id);
CREATE TABLE migration_user(
  id INTEGER PRIMARY KEY,
  guid TEXT NOT NULL UNIQUE,
  batch_id INTEGER NOT NULL REFERENCES batch(id) ON DELETE CASCADE,
  email TEXT NOT NULL COLLATE NOCASE UNIQUE,
  user_name TEXT NOT NULL,
  password TEXT NOT NULL,
  user_root TEXT,
  csv_row INTEGER NOT NULL,
  request_guid TEXT NOT NULL,
  status INTEGER NOT NULL,
  synced_items INTEGER NOT NULL DEFAULT 0,
  skipped_items INTEGER NOT NULL DEFAULT 0,
  total_in_source INTEGER,
  bytes_transferred INTEGER,
  est_size INTEGER,
  est_count INTEGER,
  percentage INTEGER,
  error_type TEXT,
  error_message TEXT,
  error_time INTEGER,
  last_successful_sync INTEGER,
  last_check INTEGER,
  start_after INTEGER,
  complete_after INTEGER,
  sync_now INTEGER NOT NULL DEFAULT 0,
  status_since INTEGER NOT NULL,
  queued_ms INTEGER NOT NULL DEFAULT 0,
  in_progress_ms INTEGER NOT NULL DEFAULT 0,
  synced_ms INTEGER NOT NULL DEFAULT 0,
  stalled_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX user_batch ON migration_user(batch_id, id);
CREATE INDEX user_status ON migration_user(status, id);
CREATE TABLE skipped_item(
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES migration_user(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  folder TEXT NOT NULL,
  sender TEXT,
  recipient TEXT,
  subject TEXT,
  message_class TEXT,
  size INTEGER,
  date_sent INTEGER,
  date_received INTEGER,
  failure TEXT);
CREATE INDEX skipped_user ON skipped_item(user_id, id);
CREATE TABLE report_entry(
  id INTEGER PRIMARY KEY,
  batch_id INTEGER REFERENCES batch(id) ON DELETE CASCADE,
  user_id INTEGER REFERENCES migration_user(id) ON DELETE CASCADE,
  time INTEGER NOT NULL,
  text TEXT NOT NULL);
CREATE INDEX report_user ON report_entry(user_id, id);
CREATE INDEX report_batch ON report_entry(batch_id, id);
CREATE TABLE config(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"#];

/// The tenant home: `$EXOSH_HOME` when set and not empty, else the platform
/// data directory (`~/.local/share/exosh` on Linux).
pub fn default_home() -> Option<PathBuf> {
    match std::env::var_os("EXOSH_HOME") {
        Some(h) if !h.is_empty() => Some(PathBuf::from(h)),
        _ => directories::ProjectDirs::from("", "", "exosh").map(|d| d.data_dir().to_path_buf()),
    }
}

fn now() -> DateTime<Utc> {
    Utc::now()
}
fn ms(d: DateTime<Utc>) -> i64 {
    d.timestamp_millis()
}
fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}
fn opt_dt(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.map(from_ms)
}
fn parse_guid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap_or_default()
}
fn enum_of<E: ExEnum>(v: i64, default: E) -> E {
    E::all().iter().copied().find(|e| e.value() == v).unwrap_or(default)
}
fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}
fn from_json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}
fn unl_to_sql(u: Unlimited<u32>) -> Option<i64> {
    u.value().map(i64::from)
}
fn unl_from_sql(v: Option<i64>) -> Unlimited<u32> {
    match v {
        None => Unlimited::Unlimited,
        Some(n) => Unlimited::Value(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// Which duration bucket a status counts towards: 0 queued, 1 in
/// progress, 2 synced, 3 stalled (failed, stopped ...).
fn duration_bucket(s: MigrationUserStatus) -> usize {
    use MigrationUserStatus as U;
    match s {
        U::Queued => 0,
        U::Syncing | U::IncrementalSyncing | U::Starting | U::Completing => 1,
        U::Synced | U::IncrementalSynced | U::CompletionSynced => 2,
        _ => 3,
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

fn is_fk_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

// ---------------------------------------------------------------- messages

fn batch_not_found(id: &str) -> TenantError {
    TenantError::not_found(
        "MigrationBatchNotFoundException",
        format!("The migration batch \"{id}\" couldn't be found."),
    )
}
fn endpoint_not_found(id: &str) -> TenantError {
    TenantError::not_found(
        "MigrationEndpointNotFoundException",
        format!("The migration endpoint \"{id}\" couldn't be found."),
    )
}
fn user_not_found(id: &str) -> TenantError {
    TenantError::not_found("MigrationUserNotFoundException", format!("The migration user \"{id}\" couldn't be found."))
}
fn object_not_found(id: &str) -> TenantError {
    TenantError::not_found(
        "ManagementObjectNotFoundException",
        format!("The operation couldn't be performed because object '{id}' couldn't be found on '{SERVER_NAME}'."),
    )
}
fn ambiguous(id: &str) -> TenantError {
    TenantError::invalid(
        "ManagementObjectAmbiguousException",
        format!("The operation couldn't be performed because '{id}' matches multiple entries."),
    )
}
fn batch_exists() -> TenantError {
    TenantError::exists("MigrationBatchDuplicateException", "The migration batch already exists.")
}
fn endpoint_exists(name: &str) -> TenantError {
    TenantError::exists(
        "MigrationEndpointDuplicateException",
        format!("A migration endpoint with the name \"{name}\" already exists."),
    )
}
fn mailbox_name_exists() -> TenantError {
    TenantError::exists("ADObjectAlreadyExistsException", "A user with this name already exists. Use a different name")
}
fn proxy_in_use(address: &str, owner: &str) -> TenantError {
    TenantError::exists(
        "ProxyAddressExistsException",
        format!(
            "The proxy address \"SMTP:{address}\" is already being used by the proxy addresses or LegacyExchangeDN of \"{owner}\". Please choose another proxy address."
        ),
    )
}
fn not_accepted_domain() -> TenantError {
    TenantError::invalid(
        "NotAcceptedDomainException",
        "You can't use the domain because it's not an accepted domain for your organization.",
    )
}
fn recipient_not_found(row: usize, email: &str) -> TenantError {
    TenantError::csv(
        Some(row),
        format!(
            "Row {row}: A recipient wasn't found for {email} on the target. Create a recipient of the appropriate type for this migration on the target and try again."
        ),
    )
}
fn user_in_other_batch(row: usize, email: &str, batch: &str) -> TenantError {
    TenantError::csv(
        Some(row),
        format!(
            "Row {row}: The user \"{email}\" already exists in the migration batch \"{batch}\". A user can belong to only one batch; remove the user from that batch or from the CSV file and try again."
        ),
    )
}

fn check_name(kind: &str, name: &str, max: usize) -> TenantResult<()> {
    if name.trim().is_empty() {
        return Err(TenantError::invalid("ParameterBindingException", format!("The {kind} name can't be empty.")));
    }
    if name.chars().count() > max {
        return Err(TenantError::invalid(
            "DataValidationException",
            format!(
                "The length of the {kind} name \"{name}\" is {}, which exceeds the maximum of {max} characters.",
                name.chars().count()
            ),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(TenantError::invalid(
            "DataValidationException",
            format!("The {kind} name contains control characters, which aren't allowed."),
        ));
    }
    Ok(())
}

fn check_host(host: &str) -> TenantResult<()> {
    let ok = host.parse::<std::net::IpAddr>().is_ok() || csvdata::is_domain_name(host);
    if ok {
        Ok(())
    } else {
        Err(TenantError::invalid(
            "FormatException",
            format!("The value \"{host}\" isn't a valid fully qualified domain name (FQDN)."),
        ))
    }
}

fn check_port(port: i64) -> TenantResult<u16> {
    match u16::try_from(port) {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(TenantError::invalid(
            "ArgumentOutOfRangeException",
            format!("The port number {port} isn't valid. Specify a port between 1 and 65535."),
        )),
    }
}

/// Highest MaxConcurrentMigrations per endpoint (support KB: 300 per
/// endpoint type).
pub const MAX_CONCURRENT_MIGRATIONS_LIMIT: u32 = 300;

fn check_limits(m: Unlimited<u32>, i: Unlimited<u32>) -> TenantResult<()> {
    for (name, v) in [("MaxConcurrentMigrations", m), ("MaxConcurrentIncrementalSyncs", i)] {
        if let Unlimited::Value(n) = v
            && (n == 0 || n > MAX_CONCURRENT_MIGRATIONS_LIMIT)
        {
            return Err(TenantError::invalid(
                "ArgumentOutOfRangeException",
                format!(
                    "The value of {name} ({n}) isn't valid. Specify a value between 1 and {MAX_CONCURRENT_MIGRATIONS_LIMIT}."
                ),
            ));
        }
    }
    let too_many = match (m, i) {
        (Unlimited::Unlimited, _) => false,
        (Unlimited::Value(_), Unlimited::Unlimited) => true,
        (Unlimited::Value(a), Unlimited::Value(b)) => b > a,
    };
    if too_many {
        return Err(TenantError::invalid(
            "MigrationMaxConcurrentIncrementalSyncsVerificationFailedException",
            format!(
                "The value of MaxConcurrentIncrementalSyncs ({i}) can't be greater than the value of MaxConcurrentMigrations ({m})."
            ),
        ));
    }
    Ok(())
}

/// `incremental`, lowered to `migrations` when it is higher.
fn clamp_incremental(incremental: Unlimited<u32>, migrations: Unlimited<u32>) -> Unlimited<u32> {
    match (incremental, migrations) {
        (_, Unlimited::Unlimited) => incremental,
        (Unlimited::Unlimited, m) => m,
        (Unlimited::Value(i), Unlimited::Value(m)) => Unlimited::Value(i.min(m)),
    }
}

fn check_auth(a: AuthenticationMethod) -> TenantResult<()> {
    if matches!(a, AuthenticationMethod::Basic | AuthenticationMethod::Ntlm) {
        Ok(())
    } else {
        Err(TenantError::invalid(
            "MigrationInvalidArgumentException",
            format!("The authentication method {a} isn't supported for IMAP endpoints. Use Basic or Ntlm."),
        ))
    }
}

fn check_domain_name(d: &str) -> TenantResult<()> {
    let bare = d.strip_prefix("*.").unwrap_or(d);
    if d.len() > 256 || bare.contains('*') || !csvdata::is_domain_name(bare) {
        return Err(TenantError::invalid("FormatException", format!("\"{d}\" is not a valid SMTP domain.")));
    }
    Ok(())
}

fn check_alias(a: &str) -> TenantResult<()> {
    let ok_char = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    if a.is_empty()
        || a.len() > 64
        || !a.chars().all(ok_char)
        || a.starts_with('.')
        || a.ends_with('.')
        || a.contains("..")
    {
        return Err(TenantError::invalid(
            "DataValidationException",
            format!(
                "The alias \"{a}\" isn't valid. An alias can contain letters, digits and the characters !#$%&'*+-/=?^_`{{|}}~ and periods (not at the start or end), up to 64 characters."
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- the store

/// The SQLite tenant store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    home: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("home", &self.home).finish_non_exhaustive()
    }
}

#[cfg(unix)]
fn secure_dir(p: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if p.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(p)
}
#[cfg(not(unix))]
fn secure_dir(p: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(p)
}

#[cfg(unix)]
fn secure_file(p: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(p)?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))
}
#[cfg(not(unix))]
fn secure_file(_p: &Path) -> std::io::Result<()> {
    Ok(())
}

struct BatchRow {
    id: i64,
    name: String,
    status: MigrationBatchStatus,
    migration_type: MigrationType,
    endpoint_id: Option<i64>,
    allow_unknown: bool,
}

const BATCH_COLS: &str = "b.id, b.guid, b.name, b.status, b.migration_type, b.endpoint_id, b.auto_start, b.auto_complete, b.allow_unknown, b.exclude_folders, b.include_folders, b.notification_emails, b.start_after, b.complete_after, b.report_interval, b.skip_reports, b.message, b.submitted_by, b.created, b.started, b.initial_sync, b.last_synced, b.finalized, e.name, e.guid";

const USER_COLS: &str = "u.id, u.guid, u.email, b.name, b.guid, m.exchange_guid, u.request_guid, u.status, u.synced_items, u.skipped_items, u.last_successful_sync, u.last_check, u.error_message";

const ENDPOINT_COLS: &str = "guid, name, endpoint_type, remote_server, port, security, authentication, accept_untrusted, max_migrations, max_incremental, active_migrations, active_incremental";

fn row_to_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, MigrationUser)> {
    Ok((
        r.get(0)?,
        MigrationUser {
            guid: parse_guid(&r.get::<_, String>(1)?),
            email_address: r.get(2)?,
            batch: r.get(3)?,
            batch_guid: parse_guid(&r.get::<_, String>(4)?),
            mailbox_guid: r.get::<_, Option<String>>(5)?.map(|s| parse_guid(&s)),
            request_guid: parse_guid(&r.get::<_, String>(6)?),
            status: enum_of(r.get(7)?, MigrationUserStatus::Queued),
            synced_item_count: r.get(8)?,
            skipped_item_count: r.get(9)?,
            last_successful_sync: opt_dt(r.get(10)?),
            last_subscription_check: opt_dt(r.get(11)?),
            error_summary: r.get(12)?,
        },
    ))
}

fn row_to_endpoint(r: &rusqlite::Row<'_>) -> rusqlite::Result<MigrationEndpoint> {
    Ok(MigrationEndpoint {
        guid: parse_guid(&r.get::<_, String>(0)?),
        name: r.get(1)?,
        endpoint_type: enum_of(r.get(2)?, MigrationType::IMAP),
        remote_server: r.get(3)?,
        port: u16::try_from(r.get::<_, i64>(4)?).unwrap_or(993),
        security: enum_of(r.get(5)?, IMAPSecurityMechanism::Ssl),
        authentication: enum_of(r.get(6)?, AuthenticationMethod::Basic),
        accept_untrusted_certificates: r.get(7)?,
        max_concurrent_migrations: unl_from_sql(r.get(8)?),
        max_concurrent_incremental_syncs: unl_from_sql(r.get(9)?),
        active_migration_count: r.get::<_, Option<i64>>(10)?.map(|v| v as u32),
        active_incremental_sync_count: r.get::<_, Option<i64>>(11)?.map(|v| v as u32),
    })
}

fn row_to_mailbox(r: &rusqlite::Row<'_>) -> rusqlite::Result<Mailbox> {
    Ok(Mailbox {
        guid: parse_guid(&r.get::<_, String>(0)?),
        exchange_guid: parse_guid(&r.get::<_, String>(1)?),
        name: r.get(2)?,
        alias: r.get(3)?,
        display_name: r.get(4)?,
        primary_smtp_address: r.get(5)?,
        user_principal_name: r.get(6)?,
        first_name: r.get(7)?,
        last_name: r.get(8)?,
        recipient_type_details: enum_of(r.get(9)?, RecipientTypeDetails::UserMailbox),
        when_created: from_ms(r.get(10)?),
        when_changed: from_ms(r.get(11)?),
    })
}
const MAILBOX_COLS: &str = "guid, exchange_guid, name, alias, display_name, primary_smtp, upn, first_name, last_name, recipient_type, created, changed";

fn row_to_domain(r: &rusqlite::Row<'_>) -> rusqlite::Result<AcceptedDomain> {
    Ok(AcceptedDomain {
        guid: parse_guid(&r.get::<_, String>(0)?),
        name: r.get(1)?,
        domain_name: r.get(2)?,
        domain_type: enum_of(r.get(3)?, AcceptedDomainType::Authoritative),
        default: r.get(4)?,
        when_created: from_ms(r.get(5)?),
        when_changed: from_ms(r.get(6)?),
    })
}
const DOMAIN_COLS: &str = "guid, name, domain_name, domain_type, is_default, created, changed";

impl SqliteStore {
    /// Opens (creating when needed) the tenant at `home` (`home/exosh.db`),
    /// applying pending schema migrations.
    pub fn open(home: &Path) -> TenantResult<Self> {
        secure_dir(home)?;
        let db = home.join(DB_FILE);
        secure_file(&db)?;
        let conn = Connection::open(&db)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A 50,000-user batch is one transaction: a larger page cache keeps
        // it from spilling to the WAL half-way.
        conn.pragma_update(None, "cache_size", -65_536)?;
        let store = SqliteStore { conn: Mutex::new(conn), home: home.to_path_buf() };
        store.migrate()?;
        for suffix in ["-wal", "-shm"] {
            let p = home.join(format!("{DB_FILE}{suffix}"));
            if p.exists() {
                secure_file(&p)?;
            }
        }
        Ok(store)
    }

    /// Opens the tenant at [`default_home`].
    pub fn open_default() -> TenantResult<Self> {
        let home =
            default_home().ok_or_else(|| TenantError::storage("No home directory for the tenant: set EXOSH_HOME."))?;
        Self::open(&home)
    }

    /// The tenant home directory.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> TenantResult<i64> {
        Ok(self.lock().query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn migrate(&self) -> TenantResult<()> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let v: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let target = MIGRATIONS.len() as i64;
        if v > target {
            return Err(TenantError::storage(format!(
                "The tenant database has schema version {v}, newer than this exosh understands ({target})."
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(v as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction; commits on `Ok` when
    /// `commit`, else rolls back (validation only).
    fn run<T>(&self, commit: bool, f: impl FnOnce(&Transaction<'_>) -> TenantResult<T>) -> TenantResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let v = f(&tx)?;
        if commit {
            tx.commit()?;
        }
        Ok(v)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction, committing on `Ok`.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> TenantResult<T>) -> TenantResult<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }

    /// The Maildir++ root of a primary SMTP address.
    pub fn maildir_of(&self, primary_smtp: &str) -> PathBuf {
        self.home.join("mailboxes").join(primary_smtp.to_lowercase())
    }

    // ---- lookups (inside a connection or transaction)

    fn find_domain(c: &Connection, identity: &str) -> TenantResult<(i64, AcceptedDomain)> {
        let guid = Uuid::parse_str(identity.trim()).ok().map(|g| g.to_string());
        let sql =
            format!("SELECT id, {DOMAIN_COLS} FROM accepted_domain WHERE name = ?1 OR domain_name = ?1 OR guid = ?2");
        let mut st = c.prepare(&sql)?;
        let rows: Vec<(i64, AcceptedDomain)> = st
            .query_map(params![identity.trim(), guid], |r| {
                let id: i64 = r.get(0)?;
                Ok((
                    id,
                    AcceptedDomain {
                        guid: parse_guid(&r.get::<_, String>(1)?),
                        name: r.get(2)?,
                        domain_name: r.get(3)?,
                        domain_type: enum_of(r.get(4)?, AcceptedDomainType::Authoritative),
                        default: r.get(5)?,
                        when_created: from_ms(r.get(6)?),
                        when_changed: from_ms(r.get(7)?),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        match rows.len() {
            0 => Err(object_not_found(identity)),
            1 => rows.into_iter().next().ok_or_else(|| object_not_found(identity)),
            _ => Err(ambiguous(identity)),
        }
    }

    fn domain_for(c: &Connection, address_domain: &str) -> TenantResult<Option<i64>> {
        let mut st = c.prepare_cached(&format!("SELECT id, {DOMAIN_COLS} FROM accepted_domain"))?;
        let rows: Vec<(i64, AcceptedDomain)> = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    AcceptedDomain {
                        guid: parse_guid(&r.get::<_, String>(1)?),
                        name: r.get(2)?,
                        domain_name: r.get(3)?,
                        domain_type: enum_of(r.get(4)?, AcceptedDomainType::Authoritative),
                        default: r.get(5)?,
                        when_created: from_ms(r.get(6)?),
                        when_changed: from_ms(r.get(7)?),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Exact domains win over wildcard ones.
        let exact = rows.iter().find(|(_, d)| !d.domain_name.starts_with("*.") && d.matches(address_domain));
        Ok(exact.or_else(|| rows.iter().find(|(_, d)| d.matches(address_domain))).map(|(id, _)| *id))
    }

    fn find_mailbox(c: &Connection, identity: &str) -> TenantResult<(i64, Mailbox)> {
        let ident = identity.trim();
        let guid = Uuid::parse_str(ident).ok().map(|g| g.to_string());
        // Domain\Username form: the part after the backslash is the alias.
        let alias_form = ident.rsplit_once('\\').map(|(_, a)| a.to_string());
        let sql = format!(
            "SELECT id, {MAILBOX_COLS} FROM mailbox WHERE name = ?1 OR alias = ?1 OR primary_smtp = ?1 OR upn = ?1 OR display_name = ?1 OR guid = ?2 OR exchange_guid = ?2 OR alias = ?3"
        );
        let mut st = c.prepare_cached(&sql)?;
        let rows: Vec<(i64, Mailbox)> = st
            .query_map(params![ident, guid, alias_form], |r| {
                let id: i64 = r.get(0)?;
                Ok((
                    id,
                    Mailbox {
                        guid: parse_guid(&r.get::<_, String>(1)?),
                        exchange_guid: parse_guid(&r.get::<_, String>(2)?),
                        name: r.get(3)?,
                        alias: r.get(4)?,
                        display_name: r.get(5)?,
                        primary_smtp_address: r.get(6)?,
                        user_principal_name: r.get(7)?,
                        first_name: r.get(8)?,
                        last_name: r.get(9)?,
                        recipient_type_details: enum_of(r.get(10)?, RecipientTypeDetails::UserMailbox),
                        when_created: from_ms(r.get(11)?),
                        when_changed: from_ms(r.get(12)?),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        match rows.len() {
            0 => Err(object_not_found(ident)),
            1 => rows.into_iter().next().ok_or_else(|| object_not_found(ident)),
            _ => Err(ambiguous(ident)),
        }
    }

    fn find_endpoint(c: &Connection, identity: &str) -> TenantResult<(i64, MigrationEndpoint)> {
        let ident = identity.trim();
        let guid = Uuid::parse_str(ident).ok().map(|g| g.to_string());
        let sql = format!("SELECT id, {ENDPOINT_COLS} FROM endpoint WHERE name = ?1 OR guid = ?2");
        let mut st = c.prepare_cached(&sql)?;
        let mut rows = st.query(params![ident, guid])?;
        match rows.next()? {
            None => Err(endpoint_not_found(ident)),
            Some(r) => {
                let id: i64 = r.get(0)?;
                let e = MigrationEndpoint {
                    guid: parse_guid(&r.get::<_, String>(1)?),
                    name: r.get(2)?,
                    endpoint_type: enum_of(r.get(3)?, MigrationType::IMAP),
                    remote_server: r.get(4)?,
                    port: u16::try_from(r.get::<_, i64>(5)?).unwrap_or(993),
                    security: enum_of(r.get(6)?, IMAPSecurityMechanism::Ssl),
                    authentication: enum_of(r.get(7)?, AuthenticationMethod::Basic),
                    accept_untrusted_certificates: r.get(8)?,
                    max_concurrent_migrations: unl_from_sql(r.get(9)?),
                    max_concurrent_incremental_syncs: unl_from_sql(r.get(10)?),
                    active_migration_count: r.get::<_, Option<i64>>(11)?.map(|v| v as u32),
                    active_incremental_sync_count: r.get::<_, Option<i64>>(12)?.map(|v| v as u32),
                };
                Ok((id, e))
            }
        }
    }

    fn find_batch_row(c: &Connection, identity: &str) -> TenantResult<BatchRow> {
        let ident = identity.trim();
        let guid = Uuid::parse_str(ident).ok().map(|g| g.to_string());
        let mut st = c.prepare_cached(
            "SELECT id, guid, name, status, migration_type, endpoint_id, allow_unknown FROM batch WHERE name = ?1 OR guid = ?2",
        )?;
        let row = st
            .query_row(params![ident, guid], |r| {
                Ok(BatchRow {
                    id: r.get(0)?,
                    name: r.get(2)?,
                    status: enum_of(r.get(3)?, MigrationBatchStatus::Created),
                    migration_type: enum_of(r.get(4)?, MigrationType::IMAP),
                    endpoint_id: r.get(5)?,
                    allow_unknown: r.get(6)?,
                })
            })
            .optional()?;
        row.ok_or_else(|| batch_not_found(ident))
    }

    fn batch_row_by_guid(c: &Connection, g: Uuid) -> TenantResult<BatchRow> {
        Self::find_batch_row(c, &g.to_string())
    }

    fn batch_counts(c: &Connection, batch_id: i64) -> TenantResult<BatchCounts> {
        let mut st =
            c.prepare_cached("SELECT status, count(*) FROM migration_user WHERE batch_id = ?1 GROUP BY status")?;
        let mut counts = BatchCounts::default();
        let mut rows = st.query([batch_id])?;
        while let Some(r) = rows.next()? {
            let s: i64 = r.get(0)?;
            let n: i64 = r.get(1)?;
            counts.add(enum_of(s, MigrationUserStatus::Queued), n as u32);
        }
        Ok(counts)
    }

    fn load_batches(
        c: &Connection,
        where_sql: &str,
        args: &[&dyn rusqlite::ToSql],
        include_report: bool,
    ) -> TenantResult<Vec<MigrationBatch>> {
        let sql = format!(
            "SELECT {BATCH_COLS} FROM batch b LEFT JOIN endpoint e ON e.id = b.endpoint_id {where_sql} ORDER BY b.id"
        );
        let mut st = c.prepare(&sql)?;
        let rows: Vec<(i64, MigrationBatch)> = st
            .query_map(args, |r| {
                let id: i64 = r.get(0)?;
                Ok((
                    id,
                    MigrationBatch {
                        guid: parse_guid(&r.get::<_, String>(1)?),
                        name: r.get(2)?,
                        status: enum_of(r.get(3)?, MigrationBatchStatus::Created),
                        migration_type: enum_of(r.get(4)?, MigrationType::IMAP),
                        auto_start: r.get(6)?,
                        auto_complete: r.get(7)?,
                        allow_unknown_columns: r.get(8)?,
                        excluded_folders: from_json_list(&r.get::<_, String>(9)?),
                        included_folders: from_json_list(&r.get::<_, String>(10)?),
                        notification_emails: from_json_list(&r.get::<_, String>(11)?),
                        start_after: opt_dt(r.get(12)?),
                        complete_after: opt_dt(r.get(13)?),
                        report_interval: r.get::<_, Option<i64>>(14)?.map(TimeSpan::from_seconds),
                        skip_reports: r.get(15)?,
                        message: r.get(16)?,
                        submitted_by: r.get(17)?,
                        created: from_ms(r.get(18)?),
                        started: opt_dt(r.get(19)?),
                        initial_sync: opt_dt(r.get(20)?),
                        last_synced: opt_dt(r.get(21)?),
                        finalized: opt_dt(r.get(22)?),
                        source_endpoint: r.get(23)?,
                        source_endpoint_guid: r.get::<_, Option<String>>(24)?.map(|s| parse_guid(&s)),
                        counts: BatchCounts::default(),
                        report: None,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, mut b) in rows {
            b.counts = Self::batch_counts(c, id)?;
            if include_report {
                b.report = Some(Self::report(c, "batch_id", id)?);
            }
            out.push(b);
        }
        Ok(out)
    }

    fn load_batch(c: &Connection, batch_id: i64) -> TenantResult<MigrationBatch> {
        Self::load_batches(c, "WHERE b.id = ?1", &[&batch_id], false)?
            .into_iter()
            .next()
            .ok_or_else(|| batch_not_found(&batch_id.to_string()))
    }

    fn report(c: &Connection, column: &str, id: i64) -> TenantResult<Vec<ReportEntry>> {
        let mut st = c.prepare(&format!("SELECT time, text FROM report_entry WHERE {column} = ?1 ORDER BY id"))?;
        let v = st
            .query_map([id], |r| Ok(ReportEntry { time: from_ms(r.get(0)?), text: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    fn add_report(c: &Connection, batch_id: Option<i64>, user_id: Option<i64>, text: &str) -> TenantResult<()> {
        c.prepare_cached("INSERT INTO report_entry(batch_id, user_id, time, text) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![batch_id, user_id, ms(now()), text])?;
        Ok(())
    }

    fn find_user(c: &Connection, identity: &str) -> TenantResult<(i64, MigrationUser)> {
        let ident = identity.trim();
        let guid = Uuid::parse_str(ident).ok().map(|g| g.to_string());
        let sql = format!(
            "SELECT {USER_COLS} FROM migration_user u JOIN batch b ON b.id = u.batch_id LEFT JOIN mailbox m ON m.primary_smtp = u.email WHERE u.email = ?1 OR u.guid = ?2"
        );
        let mut st = c.prepare_cached(&sql)?;
        st.query_row(params![ident, guid], row_to_user).optional()?.ok_or_else(|| user_not_found(ident))
    }

    fn load_user(c: &Connection, user_id: i64) -> TenantResult<MigrationUser> {
        let sql = format!(
            "SELECT {USER_COLS} FROM migration_user u JOIN batch b ON b.id = u.batch_id LEFT JOIN mailbox m ON m.primary_smtp = u.email WHERE u.id = ?1"
        );
        Ok(c.prepare_cached(&sql)?.query_row([user_id], row_to_user)?.1)
    }

    /// Sets a user's status, accounting the time spent in the old one.
    fn set_user_status(c: &Connection, user_id: i64, new: MigrationUserStatus) -> TenantResult<()> {
        Self::bulk_set_user_status(c, "id = ?1", user_id, &|_| true, new, false)?;
        Ok(())
    }

    /// Moves the users matching `scope` (`id = ?1` or `batch_id = ?1`) whose
    /// status satisfies `pred` to `new` in one statement, adding the time
    /// spent in the old status to its duration bucket.
    fn bulk_set_user_status(
        c: &Connection,
        scope: &str,
        key: i64,
        pred: &dyn Fn(MigrationUserStatus) -> bool,
        new: MigrationUserStatus,
        clear_error: bool,
    ) -> TenantResult<usize> {
        let list = |f: &dyn Fn(MigrationUserStatus) -> bool| -> String {
            MigrationUserStatus::all()
                .iter()
                .filter(|s| f(**s))
                .map(|s| s.value().to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let from = list(&|s| pred(s) && s != new);
        if from.is_empty() {
            return Ok(0);
        }
        let b = |k: usize| list(&|s| duration_bucket(s) == k);
        let clear = if clear_error { ", error_type = NULL, error_message = NULL, error_time = NULL" } else { "" };
        let sql = format!(
            "UPDATE migration_user SET \
             queued_ms = queued_ms + CASE WHEN status IN ({q}) THEN max(0, ?2 - status_since) ELSE 0 END, \
             in_progress_ms = in_progress_ms + CASE WHEN status IN ({p}) THEN max(0, ?2 - status_since) ELSE 0 END, \
             synced_ms = synced_ms + CASE WHEN status IN ({y}) THEN max(0, ?2 - status_since) ELSE 0 END, \
             stalled_ms = stalled_ms + CASE WHEN status IN ({t}) THEN max(0, ?2 - status_since) ELSE 0 END, \
             status = ?3, status_since = ?2{clear} WHERE {scope} AND status IN ({from})",
            q = b(0),
            p = b(1),
            y = b(2),
            t = b(3),
        );
        Ok(c.prepare_cached(&sql)?.execute(params![key, ms(now()), new.value()])?)
    }

    fn set_batch_status(c: &Connection, batch_id: i64, s: MigrationBatchStatus) -> TenantResult<()> {
        c.prepare_cached("UPDATE batch SET status = ?2 WHERE id = ?1")?.execute(params![batch_id, s.value()])?;
        Ok(())
    }

    /// Validates CSV users against the tenant and inserts them into a batch.
    /// `skip_existing_in_batch`: rows already in this batch are skipped
    /// (Set-MigrationBatch -AddUsers).
    fn insert_users(
        tx: &Connection,
        batch_id: i64,
        users: &[CsvUser],
        initial: MigrationUserStatus,
        skip_existing_in_batch: bool,
    ) -> TenantResult<usize> {
        let mut has_mailbox = tx.prepare_cached("SELECT 1 FROM mailbox WHERE primary_smtp = ?1 OR upn = ?1")?;
        let mut in_batch = tx.prepare_cached(
            "SELECT b.id, b.name FROM migration_user u JOIN batch b ON b.id = u.batch_id WHERE u.email = ?1",
        )?;
        let mut ins = tx.prepare_cached(
            "INSERT INTO migration_user(guid, batch_id, email, user_name, password, user_root, csv_row, request_guid, status, status_since) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let t = ms(now());
        let mut added = 0;
        for u in users {
            if let Some((bid, bname)) = in_batch
                .query_row([&u.email_address], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()?
            {
                if skip_existing_in_batch && bid == batch_id {
                    continue;
                }
                return Err(user_in_other_batch(u.row, &u.email_address, &bname));
            }
            if !has_mailbox.exists([&u.email_address])? {
                return Err(recipient_not_found(u.row, &u.email_address));
            }
            ins.execute(params![
                Uuid::new_v4().to_string(),
                batch_id,
                u.email_address,
                u.user_name,
                u.password,
                u.user_root,
                u.row as i64,
                Uuid::new_v4().to_string(),
                initial.value(),
                t
            ])
            .map_err(|e| {
                if is_unique_violation(&e) {
                    user_in_other_batch(u.row, &u.email_address, "another batch")
                } else {
                    e.into()
                }
            })?;
            added += 1;
        }
        Ok(added)
    }

    /// The Start transition inside a transaction.
    fn start_in(tx: &Connection, b: &BatchRow) -> TenantResult<()> {
        if !status::can_start(b.status) {
            return Err(status::start_error(&b.name, b.status));
        }
        Self::bulk_set_user_status(
            tx,
            "batch_id = ?1",
            b.id,
            &status::user_startable,
            MigrationUserStatus::Queued,
            true,
        )?;
        let t = ms(now());
        tx.prepare_cached(
            "UPDATE batch SET status = ?2, started = coalesce(started, ?3), message = NULL WHERE id = ?1",
        )?
        .execute(params![b.id, MigrationBatchStatus::Syncing.value(), t])?;
        Self::add_report(tx, Some(b.id), None, "The migration batch was started.")?;
        Ok(())
    }

    fn user_filter_sql(c: &Connection, f: &UserFilter) -> TenantResult<(String, Vec<Box<dyn rusqlite::ToSql>>)> {
        let mut clauses = Vec::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(id) = f.identity.as_deref().filter(|s| !s.trim().is_empty()) {
            let ident = id.trim().to_string();
            let guid = Uuid::parse_str(&ident).ok().map(|g| g.to_string());
            args.push(Box::new(ident));
            args.push(Box::new(guid));
            clauses.push(format!("(u.email = ?{} OR u.guid = ?{})", args.len() + 1, args.len() + 2));
        }
        if let Some(b) = f.batch.as_deref() {
            let row = Self::find_batch_row(c, b)?;
            args.push(Box::new(row.id));
            clauses.push(format!("u.batch_id = ?{}", args.len() + 2));
        }
        if let Some(s) = f.status {
            args.push(Box::new(s.value()));
            clauses.push(format!("u.status = ?{}", args.len() + 2));
        }
        if let Some(sum) = f.status_summary {
            let vals: Vec<String> = MigrationUserStatus::all()
                .iter()
                .filter(|s| s.summary() == sum)
                .map(|s| s.value().to_string())
                .collect();
            clauses.push(format!("u.status IN ({})", vals.join(",")));
        }
        if let Some(e) = f.email_address.as_deref() {
            args.push(Box::new(e.trim().to_string()));
            clauses.push(format!("u.email = ?{}", args.len() + 2));
        }
        if let Some(g) = f.mailbox_guid {
            args.push(Box::new(g.to_string()));
            clauses.push(format!("m.exchange_guid = ?{}", args.len() + 2));
        }
        let mut sql = String::new();
        for c in clauses {
            sql.push_str(" AND ");
            sql.push_str(&c);
        }
        Ok((sql, args))
    }
}

impl TenantStore for SqliteStore {
    // ------------------------------------------------------------ domains

    fn new_accepted_domain(&self, p: &NewAcceptedDomain) -> TenantResult<AcceptedDomain> {
        check_name("accepted domain", &p.name, 64)?;
        let dn = p.domain_name.trim().to_string();
        check_domain_name(&dn)?;
        let name = p.name.trim().to_string();
        self.write(|tx| {
            if tx.prepare_cached("SELECT 1 FROM accepted_domain WHERE name = ?1")?.exists([&name])? {
                return Err(TenantError::exists(
                    "ADObjectAlreadyExistsException",
                    format!("An accepted domain with the name \"{name}\" already exists."),
                ));
            }
            if let Some(other) = tx
                .prepare_cached("SELECT name FROM accepted_domain WHERE domain_name = ?1")?
                .query_row([&dn], |r| r.get::<_, String>(0))
                .optional()?
            {
                return Err(TenantError::exists(
                    "ADObjectAlreadyExistsException",
                    format!("The domain name \"{dn}\" is already used by the accepted domain \"{other}\"."),
                ));
            }
            let first = !tx.prepare_cached("SELECT 1 FROM accepted_domain")?.exists([])?;
            let t = ms(now());
            let guid = Uuid::new_v4();
            tx.execute(
                "INSERT INTO accepted_domain(guid, name, domain_name, domain_type, is_default, created, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![guid.to_string(), name, dn, p.domain_type.unwrap_or(AcceptedDomainType::Authoritative).value(), first, t],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    TenantError::exists("ADObjectAlreadyExistsException", format!("An accepted domain with the name \"{name}\" already exists."))
                } else {
                    e.into()
                }
            })?;
            Ok(Self::find_domain(tx, &guid.to_string())?.1)
        })
    }

    fn get_accepted_domains(&self, identity: Option<&str>) -> TenantResult<Vec<AcceptedDomain>> {
        let c = self.lock();
        match identity.filter(|s| !s.trim().is_empty()) {
            Some(id) => Ok(vec![Self::find_domain(&c, id)?.1]),
            None => {
                let mut st = c.prepare(&format!("SELECT {DOMAIN_COLS} FROM accepted_domain ORDER BY id"))?;
                let v = st.query_map([], row_to_domain)?.collect::<rusqlite::Result<_>>()?;
                Ok(v)
            }
        }
    }

    fn set_accepted_domain(&self, identity: &str, p: &SetAcceptedDomain) -> TenantResult<AcceptedDomain> {
        if let Some(n) = &p.name {
            check_name("accepted domain", n, 64)?;
        }
        self.write(|tx| {
            let (id, d) = Self::find_domain(tx, identity)?;
            let t = ms(now());
            if let Some(dt) = p.domain_type {
                tx.execute(
                    "UPDATE accepted_domain SET domain_type = ?2, changed = ?3 WHERE id = ?1",
                    params![id, dt.value(), t],
                )?;
            }
            if let Some(n) = &p.name {
                tx.execute(
                    "UPDATE accepted_domain SET name = ?2, changed = ?3 WHERE id = ?1",
                    params![id, n.trim(), t],
                )
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        TenantError::exists(
                            "ADObjectAlreadyExistsException",
                            format!("An accepted domain with the name \"{}\" already exists.", n.trim()),
                        )
                    } else {
                        e.into()
                    }
                })?;
            }
            if p.make_default {
                tx.execute("UPDATE accepted_domain SET is_default = (id = ?1)", [id])?;
            }
            Ok(Self::find_domain(tx, &d.guid.to_string())?.1)
        })
    }

    fn remove_accepted_domain(&self, identity: &str) -> TenantResult<AcceptedDomain> {
        self.write(|tx| {
            let (id, d) = Self::find_domain(tx, identity)?;
            let n: i64 = tx.query_row("SELECT count(*) FROM mailbox WHERE domain_id = ?1", [id], |r| r.get(0))?;
            if n > 0 {
                return Err(TenantError::invalid_op(
                    "CannotRemoveAcceptedDomainException",
                    format!(
                        "The accepted domain \"{}\" can't be removed because {n} mailbox(es) use addresses in it. Remove those mailboxes first.",
                        d.name
                    ),
                ));
            }
            tx.execute("DELETE FROM accepted_domain WHERE id = ?1", [id])?;
            if d.default {
                tx.execute("UPDATE accepted_domain SET is_default = 1 WHERE id = (SELECT min(id) FROM accepted_domain)", [])?;
            }
            Ok(d)
        })
    }

    // ------------------------------------------------------------ mailboxes

    fn new_mailbox(&self, p: &NewMailbox) -> TenantResult<Mailbox> {
        check_name("mailbox", &p.name, 64)?;
        let name = p.name.trim().to_string();
        let display = p.display_name.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| name.clone());
        if display.chars().count() > 256 {
            return Err(TenantError::invalid(
                "DataValidationException",
                format!(
                    "The length of the display name is {}, which exceeds the maximum of 256 characters.",
                    display.chars().count()
                ),
            ));
        }
        let id_addr = p
            .microsoft_online_services_id
            .clone()
            .or_else(|| p.primary_smtp_address.clone())
            .map(|s| s.trim().to_string());
        for a in [&id_addr, &p.primary_smtp_address.clone().map(|s| s.trim().to_string())].into_iter().flatten() {
            if !csvdata::is_smtp_address(a) {
                return Err(TenantError::invalid(
                    "FormatException",
                    format!("\"{a}\" isn't a valid SMTP address. Use the form user@domain."),
                ));
            }
        }
        let created = self.write(|tx| {
            let (upn, primary) = match (&id_addr, &p.primary_smtp_address) {
                (Some(id), Some(ps)) => (id.clone(), ps.trim().to_string()),
                (Some(id), None) => (id.clone(), id.clone()),
                (None, _) => {
                    // Shared mailbox without an address: alias@default domain.
                    let dom: Option<String> = tx
                        .query_row("SELECT domain_name FROM accepted_domain WHERE is_default = 1 AND domain_name NOT LIKE '*.%'", [], |r| r.get(0))
                        .optional()?;
                    let Some(dom) = dom else {
                        return Err(not_accepted_domain());
                    };
                    let alias: String = match &p.alias {
                        Some(a) => a.trim().to_string(),
                        None => name.chars().filter(|c| !c.is_whitespace()).collect(),
                    };
                    let a = format!("{alias}@{dom}");
                    (a.clone(), a)
                }
            };
            let mut domain_ids = Vec::new();
            for a in [&upn, &primary] {
                let dom = a.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
                match Self::domain_for(tx, dom)? {
                    Some(id) => domain_ids.push(id),
                    None => return Err(not_accepted_domain()),
                }
            }
            let domain_id = domain_ids.last().copied().unwrap_or_default();
            if tx.prepare_cached("SELECT 1 FROM mailbox WHERE name = ?1")?.exists([&name])? {
                return Err(mailbox_name_exists());
            }
            for a in [&primary, &upn] {
                if let Some(owner) = tx
                    .prepare_cached("SELECT name FROM mailbox WHERE primary_smtp = ?1 OR upn = ?1")?
                    .query_row([a], |r| r.get::<_, String>(0))
                    .optional()?
                {
                    return Err(proxy_in_use(a, &owner));
                }
            }
            let alias = match &p.alias {
                Some(a) => {
                    let a = a.trim().to_string();
                    check_alias(&a)?;
                    if tx.prepare_cached("SELECT 1 FROM mailbox WHERE alias = ?1")?.exists([&a])? {
                        return Err(TenantError::exists(
                            "ADObjectAlreadyExistsException",
                            format!("The alias \"{a}\" is already used by another recipient. Choose a different alias."),
                        ));
                    }
                    a
                }
                None => {
                    let base: String = upn
                        .split('@')
                        .next()
                        .unwrap_or("")
                        .chars()
                        .filter(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(*c))
                        .collect();
                    let base = if base.is_empty() { "user".to_string() } else { base };
                    let mut cand = base.clone();
                    let mut n = 1;
                    while tx.prepare_cached("SELECT 1 FROM mailbox WHERE alias = ?1")?.exists([&cand])? {
                        n += 1;
                        cand = format!("{base}{n}");
                    }
                    cand
                }
            };
            let t = ms(now());
            let guid = Uuid::new_v4();
            tx.execute(
                "INSERT INTO mailbox(guid, exchange_guid, name, alias, display_name, primary_smtp, upn, first_name, last_name, recipient_type, domain_id, password, created, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
                params![
                    guid.to_string(),
                    Uuid::new_v4().to_string(),
                    name,
                    alias,
                    display,
                    primary,
                    upn,
                    p.first_name,
                    p.last_name,
                    if p.shared { RecipientTypeDetails::SharedMailbox } else { RecipientTypeDetails::UserMailbox }.value(),
                    domain_id,
                    p.password,
                    t
                ],
            )
            .map_err(|e| if is_unique_violation(&e) { mailbox_name_exists() } else { e.into() })?;
            let (_, mb) = Self::find_mailbox(tx, &guid.to_string())?;
            // The Maildir is created inside the transaction: if it fails,
            // nothing is stored.
            maildir::create(&self.maildir_of(&mb.primary_smtp_address))?;
            Ok(mb)
        })?;
        Ok(created)
    }

    fn get_mailboxes(&self, identity: Option<&str>) -> TenantResult<Vec<Mailbox>> {
        let c = self.lock();
        match identity.filter(|s| !s.trim().is_empty()) {
            Some(id) => Ok(vec![Self::find_mailbox(&c, id)?.1]),
            None => {
                let mut st = c.prepare(&format!("SELECT {MAILBOX_COLS} FROM mailbox ORDER BY name"))?;
                let v = st.query_map([], row_to_mailbox)?.collect::<rusqlite::Result<_>>()?;
                Ok(v)
            }
        }
    }

    fn set_mailbox(&self, identity: &str, p: &SetMailbox) -> TenantResult<Mailbox> {
        if let Some(n) = &p.name {
            check_name("mailbox", n, 64)?;
        }
        if let Some(a) = &p.alias {
            check_alias(a.trim())?;
        }
        self.write(|tx| {
            let (id, mb) = Self::find_mailbox(tx, identity)?;
            let t = ms(now());
            let up = |col: &str, v: &str| -> TenantResult<()> {
                tx.execute(&format!("UPDATE mailbox SET {col} = ?2, changed = ?3 WHERE id = ?1"), params![id, v, t])
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            if col == "name" {
                                mailbox_name_exists()
                            } else {
                                TenantError::exists("ADObjectAlreadyExistsException", format!("The alias \"{v}\" is already used by another recipient. Choose a different alias."))
                            }
                        } else {
                            e.into()
                        }
                    })?;
                Ok(())
            };
            if let Some(v) = &p.display_name {
                up("display_name", v)?;
            }
            if let Some(v) = &p.name {
                up("name", v.trim())?;
            }
            if let Some(v) = &p.alias {
                up("alias", v.trim())?;
            }
            Ok(Self::find_mailbox(tx, &mb.guid.to_string())?.1)
        })
    }

    fn remove_mailbox(&self, identity: &str) -> TenantResult<Mailbox> {
        self.write(|tx| {
            let (id, mb) = Self::find_mailbox(tx, identity)?;
            tx.execute("DELETE FROM mailbox WHERE id = ?1", [id])?;
            maildir::soft_delete(
                &self.maildir_of(&mb.primary_smtp_address),
                &self.home.join("deleted-mailboxes"),
                &format!("{}-{}", mb.primary_smtp_address.to_lowercase(), mb.exchange_guid),
            )?;
            Ok(mb)
        })
    }

    fn mailbox_statistics(&self, identity: &str) -> TenantResult<MailboxStatistics> {
        let mb = Self::find_mailbox(&self.lock(), identity)?.1;
        let maildir::Totals { live: (items, bytes), deleted: (ditems, dbytes), newest } =
            maildir::totals(&self.maildir_of(&mb.primary_smtp_address))?;
        Ok(MailboxStatistics {
            display_name: mb.display_name,
            mailbox_guid: mb.exchange_guid,
            owner_guid: mb.guid,
            item_count: items,
            deleted_item_count: ditems,
            total_item_size: bytes,
            total_deleted_item_size: dbytes,
            last_modified: newest,
        })
    }

    fn mailbox_folder_statistics(
        &self,
        identity: &str,
        with_dates: bool,
    ) -> TenantResult<Vec<MailboxFolderStatistics>> {
        let mb = Self::find_mailbox(&self.lock(), identity)?.1;
        maildir::folder_statistics(&self.maildir_of(&mb.primary_smtp_address), &mb.name, with_dates)
    }

    fn maildir_path(&self, identity: &str) -> TenantResult<PathBuf> {
        let mb = Self::find_mailbox(&self.lock(), identity)?.1;
        Ok(self.maildir_of(&mb.primary_smtp_address))
    }

    // ------------------------------------------------------------ endpoints

    fn new_endpoint(&self, p: &NewImapEndpoint) -> TenantResult<MigrationEndpoint> {
        check_name("migration endpoint", &p.name, 64)?;
        let name = p.name.trim().to_string();
        let host = p.remote_server.trim().to_string();
        check_host(&host)?;
        let port = check_port(p.port.unwrap_or(993))?;
        let security =
            p.security.unwrap_or(if port == 993 { IMAPSecurityMechanism::Ssl } else { IMAPSecurityMechanism::None });
        let auth = p.authentication.unwrap_or(AuthenticationMethod::Basic);
        check_auth(auth)?;
        let m = p.max_concurrent_migrations.unwrap_or(Unlimited::Value(100));
        // The documented default is 20; when MaxConcurrentMigrations is set
        // lower and no value is given, the default follows it down so the
        // rule incremental <= migrations holds.
        let i = p.max_concurrent_incremental_syncs.unwrap_or(clamp_incremental(Unlimited::Value(20), m));
        check_limits(m, i)?;
        self.write(|tx| {
            if tx.prepare_cached("SELECT 1 FROM endpoint WHERE name = ?1")?.exists([&name])? {
                return Err(endpoint_exists(&name));
            }
            let guid = Uuid::new_v4();
            tx.execute(
                "INSERT INTO endpoint(guid, name, endpoint_type, remote_server, port, security, authentication, accept_untrusted, max_migrations, max_incremental, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    guid.to_string(),
                    name,
                    MigrationType::IMAP.value(),
                    host,
                    i64::from(port),
                    security.value(),
                    auth.value(),
                    p.accept_untrusted_certificates,
                    unl_to_sql(m),
                    unl_to_sql(i),
                    ms(now())
                ],
            )
            .map_err(|e| if is_unique_violation(&e) { endpoint_exists(&name) } else { e.into() })?;
            Ok(Self::find_endpoint(tx, &guid.to_string())?.1)
        })
    }

    fn get_endpoints(
        &self,
        identity: Option<&str>,
        r#type: Option<MigrationType>,
    ) -> TenantResult<Vec<MigrationEndpoint>> {
        let c = self.lock();
        if let Some(id) = identity.filter(|s| !s.trim().is_empty()) {
            return Ok(vec![Self::find_endpoint(&c, id)?.1]);
        }
        let mut st = c.prepare(&format!("SELECT {ENDPOINT_COLS} FROM endpoint ORDER BY id"))?;
        let all: Vec<MigrationEndpoint> = st.query_map([], row_to_endpoint)?.collect::<rusqlite::Result<_>>()?;
        Ok(all.into_iter().filter(|e| r#type.is_none_or(|t| e.endpoint_type == t)).collect())
    }

    fn set_endpoint(&self, identity: &str, p: &SetEndpoint) -> TenantResult<MigrationEndpoint> {
        self.write(|tx| {
            let (id, mut e) = Self::find_endpoint(tx, identity)?;
            if let Some(h) = &p.remote_server {
                check_host(h.trim())?;
                e.remote_server = h.trim().to_string();
            }
            if let Some(port) = p.port {
                e.port = check_port(port)?;
            }
            if let Some(s) = p.security {
                e.security = s;
            }
            if let Some(a) = p.authentication {
                check_auth(a)?;
                e.authentication = a;
            }
            if let Some(b) = p.accept_untrusted_certificates {
                e.accept_untrusted_certificates = b;
            }
            if let Some(m) = p.max_concurrent_migrations {
                e.max_concurrent_migrations = m;
            }
            match p.max_concurrent_incremental_syncs {
                Some(i) => e.max_concurrent_incremental_syncs = i,
                // Lowering MaxConcurrentMigrations alone lowers the
                // incremental limit with it (the documented example
                // `Set-MigrationEndpoint -MaxConcurrentMigrations 10` works).
                None => {
                    e.max_concurrent_incremental_syncs =
                        clamp_incremental(e.max_concurrent_incremental_syncs, e.max_concurrent_migrations)
                }
            }
            check_limits(e.max_concurrent_migrations, e.max_concurrent_incremental_syncs)?;
            tx.execute(
                "UPDATE endpoint SET remote_server = ?2, port = ?3, security = ?4, authentication = ?5, accept_untrusted = ?6, max_migrations = ?7, max_incremental = ?8 WHERE id = ?1",
                params![
                    id,
                    e.remote_server,
                    i64::from(e.port),
                    e.security.value(),
                    e.authentication.value(),
                    e.accept_untrusted_certificates,
                    unl_to_sql(e.max_concurrent_migrations),
                    unl_to_sql(e.max_concurrent_incremental_syncs)
                ],
            )?;
            Ok(e)
        })
    }

    fn remove_endpoint(&self, identity: &str) -> TenantResult<MigrationEndpoint> {
        self.write(|tx| {
            let (id, e) = Self::find_endpoint(tx, identity)?;
            let used: Option<String> = tx
                .query_row("SELECT name FROM batch WHERE endpoint_id = ?1 ORDER BY id LIMIT 1", [id], |r| r.get(0))
                .optional()?;
            if let Some(b) = used {
                return Err(TenantError::invalid_op(
                    "MigrationEndpointInUseException",
                    format!(
                        "The migration endpoint \"{}\" can't be removed because it's used by the migration batch \"{b}\". Remove the batch first.",
                        e.name
                    ),
                ));
            }
            tx.execute("DELETE FROM endpoint WHERE id = ?1", [id]).map_err(|err| {
                if is_fk_violation(&err) {
                    TenantError::invalid_op("MigrationEndpointInUseException", format!("The migration endpoint \"{}\" can't be removed because a migration batch uses it.", e.name))
                } else {
                    err.into()
                }
            })?;
            Ok(e)
        })
    }

    // ------------------------------------------------------------ batches

    fn new_batch(&self, p: &NewBatch, csv: &[u8], engine: EngineState) -> TenantResult<MigrationBatch> {
        let _ = engine;
        self.new_batch_tx(p, csv, true)
    }

    fn validate_new_batch(&self, p: &NewBatch, csv: &[u8]) -> TenantResult<MigrationBatch> {
        self.new_batch_tx(p, csv, false)
    }

    fn get_batches(&self, f: &BatchFilter) -> TenantResult<Vec<MigrationBatch>> {
        self.get_batches_impl(f)
    }

    fn set_batch(&self, identity: &str, p: &SetBatch) -> TenantResult<MigrationBatch> {
        if let Some(list) = &p.notification_emails {
            for e in list {
                if !csvdata::is_smtp_address(e.trim()) {
                    return Err(TenantError::invalid(
                        "FormatException",
                        format!("\"{}\" in NotificationEmails isn't a valid SMTP address.", e.trim()),
                    ));
                }
            }
        }
        self.write(|tx| {
            let b = Self::find_batch_row(tx, identity)?;
            if !status::can_set(b.status) {
                return Err(status::set_error(&b.name, b.status));
            }
            if let Some(list) = &p.notification_emails {
                let l: Vec<String> = list.iter().map(|s| s.trim().to_string()).collect();
                tx.execute("UPDATE batch SET notification_emails = ?2 WHERE id = ?1", params![b.id, json_list(&l)])?;
            }
            if let Some(v) = p.start_after {
                tx.execute("UPDATE batch SET start_after = ?2 WHERE id = ?1", params![b.id, v.map(ms)])?;
            }
            if let Some(v) = p.complete_after {
                tx.execute("UPDATE batch SET complete_after = ?2 WHERE id = ?1", params![b.id, v.map(ms)])?;
            }
            let allow = p.allow_unknown_columns.unwrap_or(b.allow_unknown);
            if let Some(v) = p.allow_unknown_columns {
                tx.execute("UPDATE batch SET allow_unknown = ?2 WHERE id = ?1", params![b.id, v])?;
            }
            if let Some(r) = p.report_interval {
                tx.execute("UPDATE batch SET report_interval = ?2 WHERE id = ?1", params![b.id, r.seconds()])?;
            }
            if let Some(s) = p.skip_reports {
                tx.execute("UPDATE batch SET skip_reports = ?2 WHERE id = ?1", params![b.id, s])?;
            }
            if p.sync_now {
                tx.execute("UPDATE batch SET sync_now = 1 WHERE id = ?1", [b.id])?;
            }
            if p.update {
                tx.execute("UPDATE batch SET update_requested = 1 WHERE id = ?1", [b.id])?;
            }
            if let Some(csv) = &p.add_users_csv {
                let users = csvdata::parse(csv, allow)?;
                let initial = if status::is_running(b.status)
                    || matches!(b.status, MigrationBatchStatus::Synced | MigrationBatchStatus::SyncedWithErrors)
                {
                    MigrationUserStatus::Queued
                } else {
                    MigrationUserStatus::Stopped
                };
                let n = Self::insert_users(tx, b.id, &users, initial, true)?;
                Self::add_report(tx, Some(b.id), None, &format!("{n} users were added to the migration batch."))?;
            }
            Self::load_batch(tx, b.id)
        })
    }

    fn start_batch(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationBatch> {
        let _ = engine;
        self.write(|tx| {
            let b = Self::find_batch_row(tx, identity)?;
            Self::start_in(tx, &b)?;
            Self::load_batch(tx, b.id)
        })
    }

    fn stop_batch(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationBatch> {
        self.write(|tx| {
            let b = Self::find_batch_row(tx, identity)?;
            if !status::can_stop(b.status) {
                return Err(status::stop_error(&b.name, b.status));
            }
            let (user_to, batch_to) = match engine {
                EngineState::Attached => (MigrationUserStatus::Stopping, MigrationBatchStatus::Stopping),
                EngineState::Detached => (MigrationUserStatus::Stopped, MigrationBatchStatus::Stopped),
            };
            Self::bulk_set_user_status(tx, "batch_id = ?1", b.id, &status::user_stoppable, user_to, false)?;
            Self::set_batch_status(tx, b.id, batch_to)?;
            Self::add_report(tx, Some(b.id), None, "The migration batch was stopped.")?;
            Self::load_batch(tx, b.id)
        })
    }

    fn complete_batch(&self, identity: &str) -> TenantResult<MigrationBatch> {
        self.write(|tx| {
            let b = Self::find_batch_row(tx, identity)?;
            if !status::can_complete(b.status, b.migration_type) {
                return Err(status::complete_error(&b.name, b.status, b.migration_type));
            }
            tx.execute(
                "UPDATE batch SET status = ?2, complete_after = ?3 WHERE id = ?1",
                params![b.id, MigrationBatchStatus::Completing.value(), ms(now())],
            )?;
            Self::load_batch(tx, b.id)
        })
    }

    fn remove_batch(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationBatch> {
        self.write(|tx| {
            let b = Self::find_batch_row(tx, identity)?;
            if !status::can_remove(b.status) {
                return Err(status::remove_error(&b.name, b.status));
            }
            let before = Self::load_batch(tx, b.id)?;
            match engine {
                EngineState::Detached => {
                    tx.execute("DELETE FROM batch WHERE id = ?1", [b.id])?;
                }
                EngineState::Attached => {
                    Self::set_batch_status(tx, b.id, MigrationBatchStatus::Removing)?;
                    tx.execute(
                        "UPDATE migration_user SET status = ?2 WHERE batch_id = ?1",
                        params![b.id, MigrationUserStatus::Removing.value()],
                    )?;
                }
            }
            Ok(before)
        })
    }

    // ------------------------------------------------------------ users

    fn get_users_page(&self, f: &UserFilter, after: i64, limit: usize) -> TenantResult<(Vec<MigrationUser>, i64)> {
        let c = self.lock();
        let (where_extra, args) = Self::user_filter_sql(&c, f)?;
        let sql = format!(
            "SELECT {USER_COLS} FROM migration_user u JOIN batch b ON b.id = u.batch_id LEFT JOIN mailbox m ON m.primary_smtp = u.email WHERE u.id > ?1{where_extra} ORDER BY u.id LIMIT ?2"
        );
        let mut all: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(args.len() + 2);
        let limit_i = limit as i64;
        all.push(&after);
        all.push(&limit_i);
        for a in &args {
            all.push(a.as_ref());
        }
        let mut st = c.prepare_cached(&sql)?;
        let rows: Vec<(i64, MigrationUser)> =
            st.query_map(all.as_slice(), row_to_user)?.collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() && after == i64::MIN {
            if let Some(id) = f.identity.as_deref().filter(|s| !s.trim().is_empty()) {
                return Err(user_not_found(id.trim()));
            }
            if let Some(e) = f.email_address.as_deref() {
                return Err(user_not_found(e.trim()));
            }
        }
        let last = rows.last().map_or(after, |r| r.0);
        Ok((rows.into_iter().map(|r| r.1).collect(), last))
    }

    fn set_user(&self, identity: &str, p: &SetUser) -> TenantResult<MigrationUser> {
        self.write(|tx| {
            let (id, _) = Self::find_user(tx, identity)?;
            if let Some(v) = p.start_after {
                tx.execute("UPDATE migration_user SET start_after = ?2 WHERE id = ?1", params![id, v.map(ms)])?;
            }
            if let Some(v) = p.complete_after {
                tx.execute("UPDATE migration_user SET complete_after = ?2 WHERE id = ?1", params![id, v.map(ms)])?;
            }
            if p.sync_now {
                tx.execute("UPDATE migration_user SET sync_now = 1 WHERE id = ?1", [id])?;
            }
            Self::load_user(tx, id)
        })
    }

    fn start_user(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationUser> {
        let _ = engine;
        self.write(|tx| {
            let (id, u) = Self::find_user(tx, identity)?;
            let b = Self::batch_row_by_guid(tx, u.batch_guid)?;
            if matches!(
                b.status,
                MigrationBatchStatus::Removing | MigrationBatchStatus::Completing | MigrationBatchStatus::Completed
            ) {
                return Err(status::start_error(&b.name, b.status));
            }
            if !status::user_startable(u.status) {
                return Err(TenantError::invalid_op(
                    "MigrationUserCannotBeChangedException",
                    format!(
                        "The migration user \"{}\" can't be started because its status is {}.",
                        u.email_address, u.status
                    ),
                ));
            }
            Self::set_user_status(tx, id, MigrationUserStatus::Queued)?;
            tx.execute(
                "UPDATE migration_user SET error_type = NULL, error_message = NULL, error_time = NULL WHERE id = ?1",
                [id],
            )?;
            if !status::is_running(b.status) {
                tx.execute(
                    "UPDATE batch SET status = ?2, started = coalesce(started, ?3) WHERE id = ?1",
                    params![b.id, MigrationBatchStatus::Syncing.value(), ms(now())],
                )?;
            }
            Self::load_user(tx, id)
        })
    }

    fn stop_user(&self, identity: &str, engine: EngineState) -> TenantResult<MigrationUser> {
        self.write(|tx| {
            let (id, u) = Self::find_user(tx, identity)?;
            if !status::user_stoppable(u.status) {
                return Err(TenantError::invalid_op(
                    "MigrationUserCannotBeChangedException",
                    format!(
                        "The migration user \"{}\" can't be stopped because its status is {}.",
                        u.email_address, u.status
                    ),
                ));
            }
            let to = match engine {
                EngineState::Attached => MigrationUserStatus::Stopping,
                EngineState::Detached => MigrationUserStatus::Stopped,
            };
            Self::set_user_status(tx, id, to)?;
            Self::load_user(tx, id)
        })
    }

    fn remove_user(&self, identity: &str) -> TenantResult<MigrationUser> {
        self.write(|tx| {
            let (id, u) = Self::find_user(tx, identity)?;
            if status::user_running(u.status) {
                return Err(TenantError::invalid_op(
                    "MigrationUserCannotBeChangedException",
                    format!(
                        "The migration user \"{}\" can't be removed because its status is {}. Stop the user first.",
                        u.email_address, u.status
                    ),
                ));
            }
            tx.execute("DELETE FROM migration_user WHERE id = ?1", [id])?;
            Ok(u)
        })
    }

    fn user_statistics(&self, identity: &str, o: &UserStatisticsOptions) -> TenantResult<MigrationUserStatistics> {
        let c = self.lock();
        let (id, user) = Self::find_user(&c, identity)?;
        type Extra = (
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
        );
        let x: Extra = c.query_row(
            "SELECT total_in_source, bytes_transferred, est_size, est_count, percentage, error_type, error_message, error_time, queued_ms, in_progress_ms, synced_ms, stalled_ms, status_since, status FROM migration_user WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?,
                    r.get(10)?, r.get(11)?, r.get(12)?, r.get(13)?,
                ))
            },
        )?;
        let (queued, in_progress, synced, stalled) = {
            // Add the time spent in the current status so far.
            let spent = (ms(now()) - x.12).max(0);
            let cur = enum_of(x.13, MigrationUserStatus::Queued);
            let mut v = [x.8, x.9, x.10, x.11];
            let k = duration_bucket(cur);
            v[k] += spent;
            (v[0], v[1], v[2], v[3])
        };
        let span = |m: i64| Some(TimeSpan::from_seconds(m / 1000));
        let skipped_items = if o.include_skipped_items {
            let limit = o.limit_skipped_items_to.map_or(-1, |n| n as i64);
            let mut st = c.prepare_cached(
                "SELECT kind, folder, sender, recipient, subject, message_class, size, date_sent, date_received, failure FROM skipped_item WHERE user_id = ?1 ORDER BY id LIMIT ?2",
            )?;
            st.query_map(params![id, limit], |r| {
                Ok(SkippedItem {
                    kind: r.get(0)?,
                    folder_name: r.get(1)?,
                    sender: r.get(2)?,
                    recipient: r.get(3)?,
                    subject: r.get(4)?,
                    message_class: r.get(5)?,
                    message_size: r.get(6)?,
                    date_sent: opt_dt(r.get(7)?),
                    date_received: opt_dt(r.get(8)?),
                    failure: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?
        } else {
            Vec::new()
        };
        let report = if o.include_report { Some(Self::report(&c, "user_id", id)?) } else { None };
        let error = match (x.5, x.6) {
            (t, Some(m)) => Some(FailureRec {
                timestamp: opt_dt(x.7).unwrap_or_else(now),
                failure_type: t.unwrap_or_else(|| "MigrationPermanentException".into()),
                message: m,
                work_item: if user.last_successful_sync.is_some() { "IncrementalSync" } else { "InitialSync" }.into(),
            }),
            _ => None,
        };
        Ok(MigrationUserStatistics {
            user,
            total_items_in_source: x.0,
            total_queued_duration: span(queued),
            total_in_progress_duration: span(in_progress),
            total_synced_duration: span(synced),
            total_stalled_duration: span(stalled),
            error,
            bytes_transferred: x.1.map(|v| v as u64),
            estimated_total_transfer_size: x.2.map(|v| v as u64),
            estimated_total_transfer_count: x.3.map(|v| v as u64),
            percentage_complete: x.4.map(|v| v as i32),
            skipped_items,
            report,
        })
    }

    fn migration_statistics(&self) -> TenantResult<MigrationStatistics> {
        let c = self.lock();
        let mut st = c.prepare("SELECT status, count(*) FROM migration_user GROUP BY status")?;
        let mut counts = BatchCounts::default();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            counts.add(enum_of(r.get(0)?, MigrationUserStatus::Queued), r.get::<_, i64>(1)? as u32);
        }
        Ok(MigrationStatistics { counts })
    }

    fn migration_config(&self) -> TenantResult<MigrationConfig> {
        let c = self.lock();
        Self::config_in(&c)
    }

    fn set_migration_config(&self, p: &SetConfig) -> TenantResult<MigrationConfig> {
        if let Some(n) = p.max_number_of_batches
            && n == 0
        {
            return Err(TenantError::invalid("ArgumentOutOfRangeException", "MaxNumberOfBatches must be at least 1."));
        }
        self.write(|tx| {
            let put = |k: &str, v: String| -> TenantResult<()> {
                tx.execute("INSERT INTO config(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![k, v])?;
                Ok(())
            };
            if let Some(n) = p.max_number_of_batches {
                put("MaxNumberOfBatches", n.to_string())?;
            }
            if let Some(m) = p.max_concurrent_migrations {
                put("MaxConcurrentMigrations", m.to_string())?;
            }
            if let Some(f) = p.features {
                put("Features", f.to_string())?;
            }
            Self::config_in(tx)
        })
    }

    fn organization_config(&self) -> TenantResult<OrganizationConfig> {
        Self::org_in(&self.lock())
    }

    fn set_organization_config(&self, settings: &[(String, PropValue)]) -> TenantResult<OrganizationConfig> {
        let mut encoded = Vec::with_capacity(settings.len());
        for (k, v) in settings {
            let canonical = organization_defaults()
                .iter()
                .find(|(d, _)| d.eq_ignore_ascii_case(k))
                .map_or_else(|| k.clone(), |(d, _)| d.to_string());
            let e = encode_setting(v).ok_or_else(|| {
                TenantError::invalid(
                    "ArgumentException",
                    format!("The value of the organization setting {canonical} can't be stored."),
                )
            })?;
            encoded.push((format!("org.{canonical}"), e));
        }
        self.write(|tx| {
            for (k, v) in &encoded {
                tx.execute(
                    "INSERT INTO config(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![k, v],
                )?;
            }
            Self::org_in(tx)
        })
    }

    // ------------------------------------------------------------ engine side

    fn batch_work(&self, batch: Uuid) -> TenantResult<BatchWork> {
        let c = self.lock();
        let b = Self::batch_row_by_guid(&c, batch)?;
        let full = Self::load_batch(&c, b.id)?;
        let eid = b.endpoint_id.ok_or_else(|| endpoint_not_found("(none)"))?;
        let endpoint = c
            .query_row(&format!("SELECT {ENDPOINT_COLS} FROM endpoint WHERE id = ?1"), [eid], row_to_endpoint)
            .optional()?
            .ok_or_else(|| endpoint_not_found(&eid.to_string()))?;
        let mut st = c.prepare(
            "SELECT u.guid, u.email, u.user_name, u.password, u.user_root, m.primary_smtp, u.status, u.sync_now, u.last_successful_sync, u.start_after FROM migration_user u LEFT JOIN mailbox m ON m.primary_smtp = u.email OR m.upn = u.email WHERE u.batch_id = ?1 ORDER BY u.id",
        )?;
        let users = st
            .query_map([b.id], |r| {
                Ok(UserWork {
                    user_guid: parse_guid(&r.get::<_, String>(0)?),
                    email_address: r.get(1)?,
                    user_name: r.get(2)?,
                    password: r.get(3)?,
                    user_root: r.get(4)?,
                    maildir: r.get::<_, Option<String>>(5)?.map(|a| self.maildir_of(&a)),
                    status: enum_of(r.get(6)?, MigrationUserStatus::Queued),
                    sync_now: r.get(7)?,
                    last_successful_sync: opt_dt(r.get(8)?),
                    start_after: opt_dt(r.get(9)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(BatchWork {
            batch_guid: full.guid,
            batch_name: full.name,
            status: full.status,
            endpoint,
            exclude_folders: full.excluded_folders,
            include_folders: full.included_folders,
            start_after: full.start_after,
            users,
        })
    }

    fn active_batches(&self) -> TenantResult<Vec<Uuid>> {
        use MigrationBatchStatus as S;
        let c = self.lock();
        let list =
            [S::Starting, S::Syncing, S::IncrementalSyncing, S::Synced, S::SyncedWithErrors, S::Stopping, S::Removing]
                .iter()
                .map(|s| s.value().to_string())
                .collect::<Vec<_>>()
                .join(",");
        let mut st = c.prepare(&format!("SELECT guid FROM batch WHERE status IN ({list}) ORDER BY id"))?;
        let v: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(v.iter().map(|s| parse_guid(s)).collect())
    }

    fn record_user_progress(&self, p: &UserProgress) -> TenantResult<()> {
        self.write(|tx| {
            let (id, _) = Self::find_user(tx, &p.user_guid.to_string())?;
            if let Some(s) = p.status {
                Self::set_user_status(tx, id, s)?;
            }
            let set = |col: &str, v: Option<i64>| -> TenantResult<()> {
                if let Some(v) = v {
                    tx.prepare_cached(&format!("UPDATE migration_user SET {col} = ?2 WHERE id = ?1"))?.execute(params![id, v])?;
                }
                Ok(())
            };
            set("synced_items", p.synced_item_count)?;
            set("total_in_source", p.total_items_in_source)?;
            set("bytes_transferred", p.bytes_transferred.map(|v| v as i64))?;
            set("est_size", p.estimated_total_transfer_size.map(|v| v as i64))?;
            set("est_count", p.estimated_total_transfer_count.map(|v| v as i64))?;
            set("percentage", p.percentage_complete.map(i64::from))?;
            set("last_successful_sync", p.last_successful_sync.map(ms))?;
            set("last_check", Some(ms(now())))?;
            if p.status.is_some() {
                set("sync_now", Some(0))?;
            }
            match &p.error {
                Some(Some((t, m))) => {
                    tx.execute(
                        "UPDATE migration_user SET error_type = ?2, error_message = ?3, error_time = ?4 WHERE id = ?1",
                        params![id, t, m, ms(now())],
                    )?;
                }
                Some(None) => {
                    tx.execute("UPDATE migration_user SET error_type = NULL, error_message = NULL, error_time = NULL WHERE id = ?1", [id])?;
                }
                None => {}
            }
            if !p.new_skipped_items.is_empty() {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO skipped_item(user_id, kind, folder, sender, recipient, subject, message_class, size, date_sent, date_received, failure) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?;
                for s in &p.new_skipped_items {
                    ins.execute(params![
                        id,
                        s.kind,
                        s.folder_name,
                        s.sender,
                        s.recipient,
                        s.subject,
                        s.message_class,
                        s.message_size,
                        s.date_sent.map(ms),
                        s.date_received.map(ms),
                        s.failure
                    ])?;
                }
                tx.execute(
                    "UPDATE migration_user SET skipped_items = skipped_items + ?2 WHERE id = ?1",
                    params![id, p.new_skipped_items.len() as i64],
                )?;
            }
            for line in &p.report {
                Self::add_report(tx, None, Some(id), line)?;
            }
            Ok(())
        })
    }

    fn record_batch_progress(&self, p: &BatchProgress) -> TenantResult<MigrationBatch> {
        self.write(|tx| {
            let b = Self::batch_row_by_guid(tx, p.batch_guid)?;
            let t = ms(now());
            let new_status = match p.status {
                Some(s) => Some(s),
                None => status::settled_status(&Self::batch_counts(tx, b.id)?),
            };
            if let Some(s) = new_status {
                Self::set_batch_status(tx, b.id, s)?;
            }
            if let Some(m) = &p.message {
                tx.execute("UPDATE batch SET message = ?2 WHERE id = ?1", params![b.id, m])?;
            }
            if p.initial_sync_done {
                tx.execute(
                    "UPDATE batch SET initial_sync = coalesce(initial_sync, ?2) WHERE id = ?1",
                    params![b.id, t],
                )?;
            }
            if p.synced {
                tx.execute("UPDATE batch SET last_synced = ?2, sync_now = 0 WHERE id = ?1", params![b.id, t])?;
            }
            Self::load_batch(tx, b.id)
        })
    }

    fn record_endpoint_activity(
        &self,
        endpoint: Uuid,
        active_migrations: u32,
        active_incremental_syncs: u32,
    ) -> TenantResult<()> {
        self.write(|tx| {
            let (id, _) = Self::find_endpoint(tx, &endpoint.to_string())?;
            tx.execute(
                "UPDATE endpoint SET active_migrations = ?2, active_incremental = ?3 WHERE id = ?1",
                params![id, i64::from(active_migrations), i64::from(active_incremental_syncs)],
            )?;
            Ok(())
        })
    }

    fn finish_remove_batch(&self, batch: Uuid) -> TenantResult<()> {
        self.write(|tx| {
            let b = Self::batch_row_by_guid(tx, batch)?;
            tx.execute("DELETE FROM batch WHERE id = ?1", [b.id])?;
            Ok(())
        })
    }
}

/// `b:true`, `i:5`, `s:text`, `n:`, `u:` (Unlimited), `y:<bytes>`,
/// `m:<json list>`.
fn encode_setting(v: &PropValue) -> Option<String> {
    Some(match v {
        PropValue::Bool(b) => format!("b:{b}"),
        PropValue::Int(i) => format!("i:{i}"),
        PropValue::Long(i) => format!("i:{i}"),
        PropValue::String(s) => format!("s:{s}"),
        PropValue::Null => "n:".into(),
        PropValue::Unlimited(None) => "u:".into(),
        PropValue::Unlimited(Some(n)) => format!("i:{n}"),
        PropValue::Bytes(b) => format!("y:{}", b.bytes),
        PropValue::Multi(items) => {
            let v: Vec<String> = items.iter().map(PropValue::display).collect();
            format!("m:{}", json_list(&v))
        }
        _ => return None,
    })
}

fn decode_setting(s: &str) -> PropValue {
    let (tag, rest) = s.split_once(':').unwrap_or(("s", s));
    match tag {
        "b" => PropValue::Bool(rest == "true"),
        "i" => rest.parse().map(PropValue::Long).unwrap_or(PropValue::Null),
        "n" => PropValue::Null,
        "u" => PropValue::Unlimited(None),
        "y" => rest.parse().map(|b| PropValue::Bytes(ByteQuantifiedSize::from_bytes(b))).unwrap_or(PropValue::Null),
        "m" => PropValue::strings(&from_json_list(rest)),
        _ => PropValue::String(rest.to_string()),
    }
}

impl SqliteStore {
    /// New-MigrationBatch's work; commits only when `commit` (else it is a
    /// full validation that rolls back).
    fn new_batch_tx(&self, p: &NewBatch, csv: &[u8], commit: bool) -> TenantResult<MigrationBatch> {
        check_name("migration batch", &p.name, 64)?;

        let name = p.name.trim().to_string();
        for e in &p.notification_emails {
            if !csvdata::is_smtp_address(e.trim()) {
                return Err(TenantError::invalid(
                    "FormatException",
                    format!("\"{}\" in NotificationEmails isn't a valid SMTP address.", e.trim()),
                ));
            }
        }
        let Some(endpoint) = p.source_endpoint.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Err(TenantError::invalid(
                "MigrationInvalidArgumentException",
                "An IMAP migration batch needs a source endpoint. Use the SourceEndpoint parameter to name the IMAP migration endpoint.",
            ));
        };
        let users = csvdata::parse(csv, p.allow_unknown_columns)?;
        self.run(commit, |tx| {
            let (eid, ep) = Self::find_endpoint(tx, endpoint)?;
            if tx.prepare_cached("SELECT 1 FROM batch WHERE name = ?1")?.exists([&name])? {
                return Err(batch_exists());
            }
            let max = Self::config_in(tx)?.max_number_of_batches;
            let n: i64 = tx.query_row("SELECT count(*) FROM batch", [], |r| r.get(0))?;
            if n >= i64::from(max) {
                return Err(TenantError::new(
                    ErrorCategory::LimitsExceeded,
                    "MaximumNumberOfBatchesReachedException",
                    format!("The maximum number of migration batches ({max}) has been reached. Remove a batch before you create a new one."),
                ));
            }
            let guid = Uuid::new_v4();
            let t = ms(now());
            tx.execute(
                "INSERT INTO batch(guid, name, status, migration_type, endpoint_id, auto_start, auto_complete, allow_unknown, exclude_folders, include_folders, notification_emails, start_after, complete_after, report_interval, skip_reports, submitted_by, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                params![
                    guid.to_string(),
                    name,
                    MigrationBatchStatus::Created.value(),
                    ep.endpoint_type.value(),
                    eid,
                    p.auto_start,
                    p.auto_complete,
                    p.allow_unknown_columns,
                    json_list(&p.exclude_folders),
                    json_list(&p.include_folders),
                    json_list(&p.notification_emails.iter().map(|s| s.trim().to_string()).collect::<Vec<_>>()),
                    p.start_after.map(ms),
                    p.complete_after.map(ms),
                    p.report_interval.map(|r| r.seconds()),
                    p.skip_reports,
                    p.submitted_by,
                    t
                ],
            )
            .map_err(|e| if is_unique_violation(&e) { batch_exists() } else { e.into() })?;
            let bid = tx.last_insert_rowid();
            Self::insert_users(tx, bid, &users, MigrationUserStatus::Stopped, false)?;
            Self::add_report(tx, Some(bid), None, &format!("The migration batch was created with {} users.", users.len()))?;
            if p.auto_start {
                let row = Self::find_batch_row(tx, &guid.to_string())?;
                Self::start_in(tx, &row)?;
            }
            Self::load_batch(tx, bid)
        })
    }

    fn get_batches_impl(&self, f: &BatchFilter) -> TenantResult<Vec<MigrationBatch>> {
        let c = self.lock();
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(id) = f.identity.as_deref().filter(|s| !s.trim().is_empty()) {
            let row = Self::find_batch_row(&c, id)?;
            args.push(Box::new(row.id));
            clauses.push(format!("b.id = ?{}", args.len()));
        }
        if let Some(e) = f.endpoint.as_deref().filter(|s| !s.trim().is_empty()) {
            let (eid, _) = Self::find_endpoint(&c, e)?;
            args.push(Box::new(eid));
            clauses.push(format!("b.endpoint_id = ?{}", args.len()));
        }
        if let Some(s) = f.status {
            args.push(Box::new(s.value()));
            clauses.push(format!("b.status = ?{}", args.len()));
        }
        let where_sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let refs: Vec<&dyn rusqlite::ToSql> = args.iter().map(|a| a.as_ref()).collect();
        let mut v = Self::load_batches(&c, &where_sql, &refs, f.include_report)?;
        if let Some(n) = f.result_size {
            v.truncate(n);
        }
        Ok(v)
    }

    fn org_in(c: &Connection) -> TenantResult<OrganizationConfig> {
        let name: Option<String> = c
            .query_row("SELECT domain_name FROM accepted_domain ORDER BY is_default DESC, id LIMIT 1", [], |r| r.get(0))
            .optional()?;
        let mut settings: Vec<(String, PropValue)> =
            organization_defaults().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let mut st = c.prepare_cached("SELECT key, value FROM config WHERE key LIKE 'org.%' ORDER BY key")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let k: String = r.get(0)?;
            let v: String = r.get(1)?;
            let k = k.trim_start_matches("org.").to_string();
            let v = decode_setting(&v);
            match settings.iter_mut().find(|(n, _)| *n == k) {
                Some(slot) => slot.1 = v,
                None => settings.push((k, v)),
            }
        }
        Ok(OrganizationConfig { name: name.unwrap_or_else(|| SERVER_NAME.to_string()), settings })
    }

    fn config_in(c: &Connection) -> TenantResult<MigrationConfig> {
        let mut cfg = MigrationConfig::default();
        let mut st = c.prepare_cached("SELECT key, value FROM config")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let k: String = r.get(0)?;
            let v: String = r.get(1)?;
            match k.as_str() {
                "MaxNumberOfBatches" => cfg.max_number_of_batches = v.parse().unwrap_or(100),
                "MaxConcurrentMigrations" => {
                    cfg.max_concurrent_migrations = Unlimited::<u32>::parse(&v).unwrap_or(Unlimited::Unlimited)
                }
                "Features" => cfg.features = MigrationFeature::parse(&v).unwrap_or(MigrationFeature::None),
                _ => {}
            }
        }
        let n: i64 = c.query_row("SELECT count(*) FROM batch", [], |r| r.get(0))?;
        cfg.can_submit_new_batch = n < i64::from(cfg.max_number_of_batches);
        Ok(cfg)
    }
}
