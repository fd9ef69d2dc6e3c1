//! .NET text semantics that PowerShell exposes: composite and numeric formats,
//! DateTime and TimeSpan, regex dialect, wildcards.
//!
//! Everything here works on plain Rust types (no PowerShell values), so the
//! runtime, the formatter and the cmdlets can all call it. Behaviour follows
//! .NET 8 (the runtime of PowerShell 7.4) with culture en-US for culture
//! sensitive operations and the invariant culture where PowerShell uses it.

pub mod composite;
pub mod datetime;
pub mod dtformat;
pub mod dtparse;
pub mod number;
pub mod numparse;
pub mod regex;
pub mod strings;
pub mod timespan;
pub mod wildcard;

pub use composite::{FormatArg, FormatError, composite_format, format_arg};
pub use datetime::{DateTime, DateTimeKind, DayOfWeek};
pub use dtformat::{format_datetime, format_datetime_invariant, format_timespan, get_date_format, uformat};
pub use number::{Decimal, Numeric, double_to_string, format_number, single_to_string};
pub use numparse::{IntType, MidpointRounding, math_round, parse_double, parse_integer};
pub use regex::{DotNetRegex, RegexError, RegexMatch, RegexOptions, regex_escape, translate_regex};
pub use timespan::TimeSpan;
pub use wildcard::{WildcardError, WildcardPattern};

use std::fmt;

/// The .NET exception class an operation would throw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionKind {
    /// System.ArgumentException
    Argument,
    /// System.ArgumentOutOfRangeException
    ArgumentOutOfRange,
    /// System.FormatException
    Format,
    /// System.OverflowException
    Overflow,
}

impl ExceptionKind {
    /// Full .NET type name, e.g. `System.FormatException`.
    pub fn type_name(self) -> &'static str {
        match self {
            ExceptionKind::Argument => "System.ArgumentException",
            ExceptionKind::ArgumentOutOfRange => "System.ArgumentOutOfRangeException",
            ExceptionKind::Format => "System.FormatException",
            ExceptionKind::Overflow => "System.OverflowException",
        }
    }
}

/// An error as .NET would raise it: the exception class and its exact message
/// (including the ` (Parameter 'x')` suffix .NET Core appends).
///
/// The runtime wraps it the PowerShell way, e.g.
/// `Exception calling "AddDays" with "1" argument(s): "<message>"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotNetError {
    pub kind: ExceptionKind,
    pub message: String,
}

impl DotNetError {
    pub fn new(kind: ExceptionKind, message: impl Into<String>) -> Self {
        DotNetError { kind, message: message.into() }
    }
    pub(crate) fn out_of_range(message: &str, param: &str) -> Self {
        Self::new(ExceptionKind::ArgumentOutOfRange, format!("{message} (Parameter '{param}')"))
    }
    pub(crate) fn overflow(message: &str) -> Self {
        Self::new(ExceptionKind::Overflow, message)
    }
}

impl fmt::Display for DotNetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DotNetError {}
