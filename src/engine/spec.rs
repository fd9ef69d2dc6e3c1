//! Plain data that describes one user's migration job (`JobSpec`) and a batch of them.
//!
//! The tenant/cmdlet layer fills these from the migration endpoint (server, port, security,
//! authentication, MaxConcurrentMigrations), the batch (ExcludeFolders) and the CSV row
//! (UserName, Password, UserRoot). Nothing here knows about PowerShell.

use std::path::PathBuf;

/// Largest message Exchange Online accepts in an IMAP migration (35 MB).
pub const MAX_MESSAGE_SIZE: u64 = 36_700_160;
/// Most items Exchange Online migrates per mailbox.
pub const MAX_ITEMS: u64 = 500_000;

/// `-Security` of an IMAP migration endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Security {
    /// Plain text (usually port 143).
    None,
    /// Implicit TLS from the first byte (usually port 993).
    Ssl,
    /// STARTTLS on a plain connection (usually port 143).
    Tls,
}

impl Security {
    /// Exchange's spelling (`None`, `Ssl`, `Tls`).
    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "None",
            Security::Ssl => "Ssl",
            Security::Tls => "Tls",
        }
    }

    /// Case-insensitive parse of Exchange's spelling.
    pub fn parse(s: &str) -> Option<Security> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Some(Security::None),
            "ssl" => Some(Security::Ssl),
            "tls" => Some(Security::Tls),
            _ => None,
        }
    }
}

/// `-Authentication` of an IMAP migration endpoint.
///
/// `Basic` logs in with `AUTHENTICATE PLAIN` when the server offers `AUTH=PLAIN` (this is
/// also how the Dovecot SASL admin format sends its authorization identity), else with
/// `LOGIN`. `Ntlm` (no NTLM SASL is implemented) logs in with `LOGIN`, falling back to
/// `AUTHENTICATE PLAIN` when the server advertises `LOGINDISABLED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Authentication {
    Basic,
    Ntlm,
}

/// Where a job's limits come from; defaults are Exchange Online's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Messages larger than this (RFC822.SIZE) are skipped and reported.
    pub max_message_size: u64,
    /// Items beyond this count per mailbox are skipped and reported.
    pub max_items: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_message_size: MAX_MESSAGE_SIZE, max_items: MAX_ITEMS }
    }
}

/// The IMAP server side of a job (from the migration endpoint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSpec {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub accept_untrusted_certificates: bool,
    pub authentication: Authentication,
}

/// The account columns of one CSV row.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `UserName` exactly as in the CSV (may carry an admin format, see `login::LoginPlan`).
    pub user_name: String,
    pub password: String,
    /// `UserRoot` (Courier/Oracle virtual shared folders), when the CSV has it.
    pub user_root: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user_name", &self.user_name)
            .field("password", &"****")
            .field("user_root", &self.user_root)
            .finish()
    }
}

/// Sync state of one source folder, as a previous pass left it (for incremental passes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderSyncState {
    /// Source folder name as the server spells it (raw, not decoded).
    pub source_name: String,
    pub uid_validity: u32,
    /// Highest source UID already copied (or skipped) in this folder.
    pub highest_uid: u32,
    /// HIGHESTMODSEQ (RFC 7162) of the folder when its flags were last brought in line;
    /// `None` when the server has no CONDSTORE (the next pass scans every message's flags).
    pub highest_modseq: Option<u64>,
    /// Destination Maildir++ directory of the folder (relative, `""` for Inbox); a folder
    /// renamed at the source moves its destination directory from here.
    pub maildir: String,
}

/// One user's migration job.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The caller's key for this user (e.g. the MigrationUser identity); echoed in every
    /// sink call and progress report.
    pub job_id: String,
    pub server: ServerSpec,
    pub credentials: Credentials,
    /// Root of the destination mailbox's Maildir++ (INBOX = this directory, other folders
    /// `.Name.Sub` in modified UTF-7, as Dovecot lays it out).
    pub destination: PathBuf,
    /// `-ExcludeFolders`: folder names (source or Exchange name, `/` as separator, case
    /// insensitive); `Name/*` excludes the folder and everything below it.
    pub exclude_folders: Vec<String>,
    pub limits: Limits,
    /// Folder states of earlier passes; empty for an initial sync.
    pub previous: Vec<FolderSyncState>,
}

/// A batch of jobs that share one endpoint.
#[derive(Clone, Debug)]
pub struct BatchSpec {
    /// The caller's batch key (e.g. the batch name); used by stop/progress.
    pub batch_id: String,
    /// The endpoint's key; MaxConcurrentMigrations is enforced per endpoint across batches.
    pub endpoint_id: String,
    /// The endpoint's MaxConcurrentMigrations (at least 1 is used).
    pub max_concurrent_migrations: usize,
    pub jobs: Vec<JobSpec>,
}
