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

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MigrationError {}
