//! Migration errors with the messages Exchange Online shows for them.

use std::fmt;

/// Exchange's message for a failed logon (bad password, IMAP disabled, admin lacks rights).
pub const MSG_LOGON: &str =
    "We had trouble signing in to this account. Confirm that you're using the correct user name and password.";
/// Exchange's inner message for a network error.
pub const MSG_UNREACHABLE: &str =
    "We were unable to reach your email provider. Please check your server settings, or try again later.";

/// .NET's AuthenticationException texts for certificate failures, which Exchange shows
/// after "TLS negotiation failed." (SslStream: a policy error, or the chain status).
pub const MSG_CERT_INVALID: &str = "The remote certificate is invalid according to the validation procedure.";
pub const MSG_CERT_NAME_MISMATCH: &str =
    "The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch";
pub const MSG_CERT_NOT_TIME_VALID: &str =
    "The remote certificate is invalid because of errors in the certificate chain: NotTimeValid";
pub const MSG_CERT_NOT_SIGNATURE_VALID: &str =
    "The remote certificate is invalid because of errors in the certificate chain: NotSignatureValid";
/// .NET's text when client and server share no protocol or cipher suite.
pub const MSG_TLS_NO_COMMON_ALGORITHM: &str =
    "The client and server cannot communicate, because they do not possess a common algorithm.";

/// What went wrong, coarse enough for the caller to pick a status and retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// DNS failure, refused or reset connection.
    ConnectionFailed,
    /// No answer in time.
    Timeout,
    /// TLS handshake or certificate failure.
    Tls,
    /// The server refused the credentials.
    Logon,
    /// The server refused to open a folder.
    Folder,
    /// The server broke the protocol or the connection dropped mid-command.
    Protocol,
    /// Writing the destination Maildir failed (disk full, permissions).
    Destination,
    /// The progress sink refused a commit.
    Sink,
}

/// A per-user failure: `message` is what Exchange would show (ErrorSummary, Message),
/// `detail` the exception chain and technical cause (ErrorDetail).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationError {
    pub kind: ErrorKind,
    pub message: String,
    pub detail: String,
}

impl MigrationError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, detail: impl Into<String>) -> Self {
        MigrationError { kind, message: message.into(), detail: detail.into() }
    }

    /// Server unreachable (DNS, refused, reset): Exchange's MigrationServerConnectionFailed.
    pub fn connection(host: &str, cause: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::ConnectionFailed,
            format!("The connection to the server '{host}' could not be completed."),
            format!(
                "Microsoft.Exchange.Migration.MigrationServerConnectionFailedException: The connection to the server '{host}' could not be completed.\n\
                 Microsoft.Exchange.Connections.Common.RemoteNetworkErrorTransientException: {MSG_UNREACHABLE}\n\
                 {}",
                cause.into()
            ),
        )
    }

    pub fn timeout(host: &str, secs: u64) -> Self {
        let message = format!(
            "The connection to the server {host} timed out after {:02}:{:02}:{:02}.",
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        );
        Self::new(
            ErrorKind::Timeout,
            message.clone(),
            format!("Microsoft.Exchange.Migration.MigrationServerConnectionTimeoutException: {message}"),
        )
    }

    /// TLS handshake failure other than a refused certificate (no common protocol, no
    /// STARTTLS, ...); `cause` is the technical reason for ErrorDetail.
    pub fn tls(host: &str, cause: impl Into<String>) -> Self {
        let cause = cause.into();
        let inner = if cause.to_ascii_lowercase().contains("certificate") {
            MSG_CERT_INVALID
        } else {
            MSG_TLS_NO_COMMON_ALGORITHM
        };
        Self::tls_with(host, inner, cause)
    }

    /// The server's certificate was refused: `status` is one of the `MSG_CERT_*` texts,
    /// `reason` says what is wrong with the certificate (for ErrorDetail and the log).
    pub fn certificate(host: &str, status: &str, reason: impl Into<String>) -> Self {
        Self::tls_with(host, status, reason.into())
    }

    fn tls_with(host: &str, inner: &str, cause: String) -> Self {
        Self::new(
            ErrorKind::Tls,
            format!("TLS negotiation failed. {inner}"),
            format!(
                "Microsoft.Exchange.Migration.MigrationServerConnectionFailedException: The connection to the server '{host}' could not be completed.\n\
                 Microsoft.Exchange.Connections.Common.SslStreamFailureException: TLS negotiation failed.\n\
                 System.Security.Authentication.AuthenticationException: {inner}\n\
                 {cause}"
            ),
        )
    }

    pub fn logon(detail: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Logon,
            MSG_LOGON,
            format!(
                "Microsoft.Exchange.Connections.Common.AuthenticationErrorPermanentException: {MSG_LOGON}\n{}",
                detail.into()
            ),
        )
    }

    pub fn folder(folder: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self::new(ErrorKind::Folder, format!("The IMAP server refused to open the folder '{folder}': {detail}"), detail)
    }

    pub fn protocol(host: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self::new(
            ErrorKind::Protocol,
            format!("The connection to the server '{host}' could not be completed."),
            format!(
                "Microsoft.Exchange.Connections.Common.RemoteNetworkErrorTransientException: {MSG_UNREACHABLE}\n{detail}"
            ),
        )
    }

    pub fn destination(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let message = if detail.contains("No space left") {
            "This mailbox is full. Please free up some space so that email can be downloaded.".to_string()
        } else {
            format!("The target mailbox couldn't be written: {detail}")
        };
        Self::new(ErrorKind::Destination, message, detail)
    }

    pub fn sink(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self::new(ErrorKind::Sink, format!("The migration state couldn't be saved: {detail}"), detail)
    }
}

/// IMAP response codes (RFC 5530) and texts that say "try again later".
const TRANSIENT_CODES: [&str; 3] = ["[UNAVAILABLE]", "[LIMIT]", "[INUSE]"];
/// I/O causes of a TLS failure that a new connection may not meet again.
const TRANSIENT_IO: [&str; 8] =
    ["reset", "eof", "broken pipe", "aborted", "timed out", "connection closed", "unexpected end", "os error"];

impl MigrationError {
    /// True when the same work may succeed on a new connection a little later (Exchange's
    /// `...TransientException`s): refused, reset or timed-out connections, a connection
    /// lost mid-command or mid-literal, `BYE`, TLS handshakes cut by I/O errors, and
    /// `NO [UNAVAILABLE]` / `[LIMIT]` / `[INUSE]` answers (also at logon
    /// or on SELECT). Permanent: refused credentials, a refused certificate or no common
    /// TLS algorithm, a folder the server will not open, a destination that can't be
    /// written, a state that can't be saved.
    pub fn is_transient(&self) -> bool {
        let detail = self.detail.to_ascii_uppercase();
        let coded = TRANSIENT_CODES.iter().any(|c| detail.contains(c))
            || detail.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "BYE");
        match self.kind {
            ErrorKind::ConnectionFailed | ErrorKind::Timeout | ErrorKind::Protocol => true,
            ErrorKind::Tls => {
                let d = self.detail.to_ascii_lowercase();
                // the cause is the last line of the detail
                let cause = d.lines().last().unwrap_or("");
                !cause.contains("certificate") && TRANSIENT_IO.iter().any(|t| cause.contains(t))
            }
            ErrorKind::Logon | ErrorKind::Folder => coded,
            ErrorKind::Destination | ErrorKind::Sink => false,
        }
    }

    /// Exchange's name of the failure class, for reports (`Transient error X has occurred`).
    pub fn exception_name(&self) -> &'static str {
        match self.kind {
            ErrorKind::ConnectionFailed => "MigrationServerConnectionFailedException",
            ErrorKind::Timeout => "MigrationServerConnectionTimeoutException",
            ErrorKind::Tls => "SslStreamFailureException",
            ErrorKind::Logon => "AuthenticationErrorTransientException",
            ErrorKind::Folder | ErrorKind::Protocol => "RemoteNetworkErrorTransientException",
            ErrorKind::Destination | ErrorKind::Sink => "MigrationPermanentException",
        }
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MigrationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_and_permanent_errors_are_told_apart() {
        let transient = [
            MigrationError::connection("h", "Connection refused (os error 111)"),
            MigrationError::connection("h", "Connection reset by peer (os error 104)"),
            MigrationError::timeout("h", 300),
            MigrationError::protocol("h", "io: bytes remaining in stream"),
            MigrationError::protocol("h", "Connection Lost"),
            MigrationError::tls("h", "tls handshake eof"),
            MigrationError::tls("h", "Connection reset by peer (os error 104)"),
            MigrationError::logon("No Response: [UNAVAILABLE] Temporary authentication failure."),
            MigrationError::logon("* BYE Maximum number of connections from user+IP exceeded"),
            MigrationError::folder("Inbox", "No Response: [LIMIT] Too many open folders"),
            MigrationError::folder("Inbox", "No Response: [INUSE] Mailbox is locked"),
        ];
        for e in &transient {
            assert!(e.is_transient(), "{e:?}");
        }
        let permanent = [
            MigrationError::logon("No Response: [AUTHENTICATIONFAILED] Authentication failed."),
            MigrationError::tls("h", "invalid peer certificate: UnknownIssuer"),
            MigrationError::tls("h", "received fatal alert: HandshakeFailure"),
            MigrationError::tls("h", "the server does not offer STARTTLS"),
            MigrationError::folder("Receipts", "No Response: Permission denied"),
            MigrationError::folder("Broken", "No Response: [SERVERBUG] Internal error occurred."),
            MigrationError::folder("Goodbye", "No Response: Mailbox doesn't exist: Goodbye"),
            MigrationError::destination("No space left on device (os error 28)"),
            MigrationError::sink("database is locked"),
        ];
        for e in &permanent {
            assert!(!e.is_transient(), "{e:?}");
        }
    }
}
