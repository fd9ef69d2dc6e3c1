//! The tenant's error type: Exchange's message text, the .NET exception name
//! Exchange throws, and a PowerShell error category, so the cmdlet layer can
//! build an ErrorRecord without deciding anything.

use std::fmt;

/// PowerShell `ErrorCategory` values the tenant uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCategory {
    /// `NotSpecified`.
    NotSpecified,
    /// `InvalidArgument`.
    InvalidArgument,
    /// `InvalidData`.
    InvalidData,
    /// `InvalidOperation`.
    InvalidOperation,
    /// `ObjectNotFound`.
    ObjectNotFound,
    /// `ResourceExists`.
    ResourceExists,
    /// `WriteError`.
    WriteError,
    /// `ReadError`.
    ReadError,
    /// `LimitsExceeded`.
    LimitsExceeded,
    /// `ResourceUnavailable`.
    ResourceUnavailable,
}

impl ErrorCategory {
    /// The PowerShell name of the category.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCategory::NotSpecified => "NotSpecified",
            ErrorCategory::InvalidArgument => "InvalidArgument",
            ErrorCategory::InvalidData => "InvalidData",
            ErrorCategory::InvalidOperation => "InvalidOperation",
            ErrorCategory::ObjectNotFound => "ObjectNotFound",
            ErrorCategory::ResourceExists => "ResourceExists",
            ErrorCategory::WriteError => "WriteError",
            ErrorCategory::ReadError => "ReadError",
            ErrorCategory::LimitsExceeded => "LimitsExceeded",
            ErrorCategory::ResourceUnavailable => "ResourceUnavailable",
        }
    }
}

/// An error from a tenant operation. `message` is the text the user sees
/// (Exchange's wording); it never contains a password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantError {
    /// PowerShell error category.
    pub category: ErrorCategory,
    /// The .NET exception type name Exchange uses (short name), e.g.
    /// `MigrationBatchNotFoundException`; the cmdlet layer can build the
    /// FullyQualifiedErrorId from it.
    pub exception: &'static str,
    /// The message, Exchange's text.
    pub message: String,
    /// The 1-based CSV row (header = row 1) the error is about, for CSV errors.
    pub row: Option<usize>,
}

impl TenantError {
    /// A new error.
    pub fn new(category: ErrorCategory, exception: &'static str, message: impl Into<String>) -> Self {
        TenantError { category, exception, message: message.into(), row: None }
    }
    /// Object-not-found error.
    pub fn not_found(exception: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::ObjectNotFound, exception, message)
    }
    /// Invalid-argument error (validation).
    pub fn invalid(exception: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::InvalidArgument, exception, message)
    }
    /// Invalid-operation error (status machine).
    pub fn invalid_op(exception: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::InvalidOperation, exception, message)
    }
    /// Duplicate-name error.
    pub fn exists(exception: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::ResourceExists, exception, message)
    }
    /// A CSV validation error about one row.
    pub fn csv(row: Option<usize>, message: impl Into<String>) -> Self {
        TenantError {
            category: ErrorCategory::InvalidData,
            exception: "CsvValidationException",
            message: message.into(),
            row,
        }
    }
    /// A storage failure (SQLite, file system).
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorCategory::WriteError, "StoragePermanentException", message)
    }
}

impl fmt::Display for TenantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TenantError {}

impl From<rusqlite::Error> for TenantError {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(code, _) = &e
            && matches!(code.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        {
            return TenantError::new(
                ErrorCategory::ResourceUnavailable,
                "StorageTransientException",
                format!("The tenant database is busy. Try again later. ({e})"),
            );
        }
        TenantError::storage(format!("The tenant database reported an error: {e}"))
    }
}

impl From<std::io::Error> for TenantError {
    fn from(e: std::io::Error) -> Self {
        TenantError::storage(format!("A file operation of the tenant failed: {e}"))
    }
}

/// Result of a tenant operation.
pub type TenantResult<T> = Result<T, TenantError>;
