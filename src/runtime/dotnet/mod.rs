//! .NET text semantics that PowerShell exposes: composite and numeric formats,
//! DateTime and TimeSpan, regex dialect, wildcards.
//!
//! Everything here works on plain Rust types (no PowerShell values), so the
//! runtime, the formatter and the cmdlets can all call it. Behaviour follows
//! .NET 8 (the runtime of PowerShell 7.4) with culture en-US (ICU data, as
//! .NET 5+ uses on every OS) for culture-sensitive operations and the
//! invariant culture where PowerShell uses it.
//!
//! Where to find what:
//!
//! | need | call |
//! |---|---|
//! | `-f`, `[string]::Format` | [`composite_format`] with [`FormatArg`]s |
//! | `$x.ToString('N2')` on a number | [`format_number`] with [`Numeric`] |
//! | a double in a string / on screen (`"$d"`, output) | [`double_to_string`] (G15), [`single_to_string`] |
//! | `$d.ToString()` / `-f '{0}'` on a double | [`number::double_to_string_roundtrip`] |
//! | `$date.ToString('yyyy-MM-dd')`, default output | [`format_datetime`], [`DateTime::to_string_en_us`] |
//! | `"$date"`, `[string]$date` | [`DateTime::to_string_invariant`] |
//! | `Get-Date -Format` / `-UFormat` | [`get_date_format`], [`uformat`] |
//! | `[datetime]'...'`, `[DateTime]::Parse/ParseExact` | [`DateTime::parse_invariant`], [`DateTime::parse_en_us`], [`DateTime::parse_exact`] |
//! | TimeSpan text | [`TimeSpan::to_string_c`], [`format_timespan`], [`TimeSpan::parse`] |
//! | `[int]'42'`, `[double]'1.5'`, `[decimal]'1.50'` | [`parse_integer`], [`parse_double`], [`Decimal::parse`] |
//! | `[int]2.5`, `[Math]::Round` | [`numparse::double_to_integer`], [`math_round`] |
//! | `-match`, `-replace`, `-split`, `[regex]` | [`DotNetRegex`], [`strings::split_operator`], [`regex_escape`] |
//! | `-like`, parameter wildcards | [`WildcardPattern`] |
//! | string methods with .NET errors | [`strings`] (`substring`, `pad`, `index_of`, `trim`, `split_strings` ...) |
//! | `Exception calling "X" with "n" argument(s): ...` | [`strings::method_exception_message`] |
//!
//! Errors are [`DotNetError`] (the .NET exception class and its exact
//! message), or [`RegexError`]/[`WildcardError`] for patterns.

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
pub use number::{Culture, Decimal, Numeric, double_to_string, format_number, format_number_culture, single_to_string};
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
