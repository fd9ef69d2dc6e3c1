//! .NET composite formatting (`String.Format`, PowerShell's `-f`):
//! `{index[,alignment][:formatString]}` with `{{`/`}}` escapes.
//!
//! Spec: <https://learn.microsoft.com/dotnet/standard/base-types/composite-formatting>;
//! parsing and error texts follow .NET 8 (the runtime of pwsh 7.4), whose
//! FormatException reads `Input string was not in a correct format. Failure
//! to parse near offset N. <reason>`.

use super::datetime::DateTime;
use super::dtformat::{format_datetime_into, format_timespan};
use super::number::{Decimal, Numeric, format_number_into};
use super::timespan::TimeSpan;
use super::{DotNetError, ExceptionKind};

/// Errors of composite formatting are .NET FormatExceptions.
pub type FormatError = DotNetError;

/// .NET's text when an item's index has no argument.
pub const INDEX_OUT_OF_RANGE: &str =
    "Index (zero based) must be greater than or equal to zero and less than the size of the argument list.";
const UNEXPECTED_CLOSING_BRACE: &str = "Unexpected closing brace without a corresponding opening brace.";
const UNCLOSED_FORMAT_ITEM: &str = "Format item ends prematurely.";
const EXPECTED_ASCII_DIGIT: &str = "Expected an ASCII digit.";

/// An argument of a composite format, as plain Rust data. The runtime maps
/// its values onto these (`$null` → Null, `[int]` → Int, strings → Str ...).
#[derive(Debug, Clone, PartialEq)]
pub enum FormatArg<'a> {
    /// Prints as the empty string.
    Null,
    /// `True` / `False`; format strings are ignored (Boolean is not IFormattable).
    Bool(bool),
    /// A signed integer. `X`/`B` of a negative value use 32 bits when the
    /// value fits an Int32 (PowerShell's default integer), else 64; use
    /// [`FormatArg::Number`] to give the exact width.
    Int(i64),
    UInt(u64),
    Double(f64),
    /// `[float]` (System.Single).
    Single(f32),
    Decimal(Decimal),
    /// Any numeric value with its exact .NET type.
    Number(Numeric),
    /// Strings ignore format strings.
    Str(&'a str),
    Char(char),
    DateTime(DateTime),
    TimeSpan(TimeSpan),
    /// Anything else, already converted to its `ToString()`.
    Other(String),
}

impl FormatArg<'_> {
    fn numeric(&self) -> Option<Numeric> {
        Some(match *self {
            FormatArg::Int(v) => {
                let width = if i32::try_from(v).is_ok() { 32 } else { 64 };
                Numeric::Signed(i128::from(v), width)
            }
            FormatArg::UInt(v) => {
                let width = if u32::try_from(v).is_ok() { 32 } else { 64 };
                Numeric::Unsigned(u128::from(v), width)
            }
            FormatArg::Double(v) => Numeric::Double(v),
            FormatArg::Single(v) => Numeric::Single(v),
            FormatArg::Decimal(d) => Numeric::Decimal(d),
            FormatArg::Number(n) => n,
            _ => return None,
        })
    }
}

/// Append one argument formatted with `format` (empty = default `ToString()`),
/// as `IFormattable.ToString(format, en-US)` or `ToString()` does.
pub fn format_arg_into(out: &mut String, arg: &FormatArg<'_>, format: &str) -> Result<(), FormatError> {
    if let Some(n) = arg.numeric() {
        return format_number_into(out, n, format);
    }
    match arg {
        FormatArg::Null => {}
        FormatArg::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        FormatArg::Str(s) => out.push_str(s),
        FormatArg::Char(c) => out.push(*c),
        FormatArg::DateTime(d) => format_datetime_into(out, *d, format)?,
        FormatArg::TimeSpan(t) => out.push_str(&format_timespan(*t, format)?),
        FormatArg::Other(s) => out.push_str(s),
        _ => {}
    }
    Ok(())
}

/// One argument formatted with `format`; see [`format_arg_into`].
pub fn format_arg(arg: &FormatArg<'_>, format: &str) -> Result<String, FormatError> {
    let mut out = String::new();
    format_arg_into(&mut out, arg, format)?;
    Ok(out)
}

fn parse_error(offset: usize, reason: &str) -> FormatError {
    DotNetError::new(
        ExceptionKind::Format,
        format!("Input string was not in a correct format. Failure to parse near offset {offset}. {reason}"),
    )
}

/// `String.Format(en-US, fmt, args)`: `"{0,-10}|{1:N2}" -f 'a', 3.14159`.
pub fn composite_format(fmt: &str, args: &[FormatArg<'_>]) -> Result<String, FormatError> {
    // Every structural character is ASCII, so the walk is over bytes; text
    // between items is copied as slices. Offsets in errors are UTF-16 units.
    let b = fmt.as_bytes();
    let len = b.len();
    let err = |pos: usize, reason: &str| parse_error(fmt.get(..pos).map_or(pos, |p| p.encode_utf16().count()), reason);
    let next = |pos: &mut usize| -> Result<u8, FormatError> {
        *pos += 1;
        b.get(*pos).copied().ok_or_else(|| err(*pos, UNCLOSED_FORMAT_ITEM))
    };
    let mut out = String::with_capacity(fmt.len() + 16 * args.len());
    let mut pos = 0usize;
    loop {
        // Literal text up to the next unescaped brace.
        let mut ch;
        loop {
            let run = b[pos..].iter().position(|&c| c == b'{' || c == b'}').map_or(len, |k| pos + k);
            out.push_str(fmt.get(pos..run).unwrap_or(""));
            pos = run;
            if pos >= len {
                return Ok(out);
            }
            let brace = b[pos];
            ch = next(&mut pos)?;
            if ch == brace {
                out.push(ch as char);
                pos += 1;
                continue;
            }
            if brace != b'{' {
                return Err(err(pos, UNEXPECTED_CLOSING_BRACE));
            }
            break;
        }
        // Index.
        if !ch.is_ascii_digit() {
            return Err(err(pos, EXPECTED_ASCII_DIGIT));
        }
        let mut index = usize::from(ch - b'0');
        let mut width = 0usize;
        let mut left = false;
        let mut item_format = "";
        ch = next(&mut pos)?;
        if ch != b'}' {
            while ch.is_ascii_digit() && index < 1_000_000 {
                index = index * 10 + usize::from(ch - b'0');
                ch = next(&mut pos)?;
            }
            while ch == b' ' {
                ch = next(&mut pos)?;
            }
            if ch == b',' {
                loop {
                    ch = next(&mut pos)?;
                    if ch != b' ' {
                        break;
                    }
                }
                if ch == b'-' {
                    left = true;
                    ch = next(&mut pos)?;
                }
                if !ch.is_ascii_digit() {
                    return Err(err(pos, EXPECTED_ASCII_DIGIT));
                }
                width = usize::from(ch - b'0');
                ch = next(&mut pos)?;
                while ch.is_ascii_digit() && width < 1_000_000 {
                    width = width * 10 + usize::from(ch - b'0');
                    ch = next(&mut pos)?;
                }
                while ch == b' ' {
                    ch = next(&mut pos)?;
                }
            }
            if ch != b'}' {
                if ch != b':' {
                    return Err(err(pos, UNCLOSED_FORMAT_ITEM));
                }
                let start = pos + 1;
                loop {
                    ch = next(&mut pos)?;
                    if ch == b'}' {
                        break;
                    }
                    if ch == b'{' {
                        return Err(err(pos, UNCLOSED_FORMAT_ITEM));
                    }
                }
                item_format = fmt.get(start..pos).unwrap_or("");
            }
        }
        pos += 1;
        let arg = args.get(index).ok_or_else(|| DotNetError::new(ExceptionKind::Format, INDEX_OUT_OF_RANGE))?;
        let start = out.len();
        format_arg_into(&mut out, arg, item_format)?;
        if width > 0 {
            // Widths count UTF-16 code units, as .NET strings do.
            let written = out[start..].encode_utf16().count();
            if width > written {
                let padding = " ".repeat(width - written);
                if left {
                    out.push_str(&padding);
                } else {
                    out.insert_str(start, &padding);
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::runtime::dotnet::DateTimeKind;

    fn f(fmt: &str, args: &[FormatArg]) -> String {
        composite_format(fmt, args).unwrap()
    }

    // Conformance fmt-002, fmt-003, fmt-004, fmt-007.
    #[test]
    fn conformance_cases() {
        assert_eq!(
            f("{0:00} {1:000} {2:000000}", &[FormatArg::Int(7), FormatArg::Int(24), FormatArg::Int(365)]),
            "07 024 000365"
        );
        assert_eq!(f("{0} vs. {{0}}", &[FormatArg::Str("foo")]), "foo vs. {0}");
        assert_eq!(f("Population {0:N0}", &[FormatArg::Int(8175133)]), "Population 8,175,133");
        assert_eq!(f("^({0})$", &[FormatArg::Str("red|green|blue")]), "^(red|green|blue)$");
    }

    // composite-formatting.md and ss64's -f examples.
    #[test]
    fn alignment_and_types() {
        assert_eq!(
            f("|{0,-10}| |{1,10}|", &[FormatArg::Str("hello"), FormatArg::Str("world")]),
            "|hello     | |     world|"
        );
        assert_eq!(f("{0,10}", &[FormatArg::Int(4)]), "         4");
        assert_eq!(f("{0:n3}", &[FormatArg::Double(123.45678)]), "123.457");
        assert_eq!(f("{0:d3}", &[FormatArg::Int(12)]), "012");
        assert_eq!(f("{0:###-##-##}", &[FormatArg::Int(1234567)]), "123-45-67");
        assert_eq!(
            f("{1,10} {0,10} {2,10:x}", &[FormatArg::Str("First"), FormatArg::Str("Second"), FormatArg::Int(255)]),
            "    Second      First         ff"
        );
        assert_eq!(f("{0:p0}", &[FormatArg::Double(0.5)]), "50%");
        assert_eq!(f("{0} {1} {2}", &[FormatArg::Bool(true), FormatArg::Null, FormatArg::Char('x')]), "True  x");
        assert_eq!(f("{0:N2}", &[FormatArg::Str("abc")]), "abc");
        assert_eq!(f("{0}", &[FormatArg::Double(1.0 / 3.0)]), "0.3333333333333333");
        let d = DateTime::new(2021, 1, 5, 13, 33, 9, 0, DateTimeKind::Local).unwrap();
        assert_eq!(f("{0}", &[FormatArg::DateTime(d)]), "1/5/2021 1:33:09 PM");
        assert_eq!(f("{0:yyyy-MM-dd}", &[FormatArg::DateTime(d)]), "2021-01-05");
        assert_eq!(f("{0:hh}:{0:mm}", &[FormatArg::DateTime(d)]), "01:33");
        let t = TimeSpan::from_hms(1, 2, 3).unwrap();
        assert_eq!(f("{0} {0:hh\\:mm}", &[FormatArg::TimeSpan(t)]), "01:02:03 01:02");
        assert_eq!(f("{0 , -4 :D2}|", &[FormatArg::Int(5)]), "05  |");
        assert_eq!(f("{0:X}", &[FormatArg::Int(-1)]), "FFFFFFFF");
        assert_eq!(f("{0:X}", &[FormatArg::Int(-5_000_000_000)]), "FFFFFFFED5FA0E00");
        assert_eq!(f("{0}", &[FormatArg::Decimal(Decimal::new(150, 2).unwrap())]), "1.50");
    }

    // Format items used by the admin scripts in ../shared/corpus.
    #[test]
    fn corpus_format_items() {
        let d = DateTime::new(2021, 3, 4, 5, 6, 7, 0, DateTimeKind::Local).unwrap();
        assert_eq!(
            f("{0:d.M.y H:mm:ss} : [INFO] : {1}", &[FormatArg::DateTime(d), FormatArg::Str("ok")]),
            "4.3.21 5:06:07 : [INFO] : ok"
        );
        assert_eq!(f("_{0:yyyyMMdd-HHmmss}.log", &[FormatArg::DateTime(d)]), "_20210304-050607.log");
        assert_eq!(
            f(
                "{0:N1} dana, {1:N0} sati, {2:N0} minuta",
                &[FormatArg::Double(1.25), FormatArg::Double(2.5), FormatArg::Double(3.5)]
            ),
            "1.2 dana, 2 sati, 4 minuta"
        );
        assert_eq!(f("{0:N0}d {1:N0}h", &[FormatArg::Int(1234), FormatArg::Double(0.4)]), "1,234d 0h");
        assert_eq!(f("total: {0,3} ", &[FormatArg::Int(7)]), "total:   7 ");
        assert_eq!(f("EXOMigrationBatches_{0}.csv", &[FormatArg::Str("x")]), "EXOMigrationBatches_x.csv");
    }

    #[test]
    fn errors_match_dotnet8() {
        let e = composite_format("{1}", &[FormatArg::Int(1)]).unwrap_err();
        assert_eq!(e.message, INDEX_OUT_OF_RANGE);
        assert_eq!(e.kind, ExceptionKind::Format);
        assert_eq!(
            composite_format("a}b", &[]).unwrap_err().message,
            "Input string was not in a correct format. Failure to parse near offset 2. Unexpected closing brace without a corresponding opening brace."
        );
        assert_eq!(
            composite_format("{0", &[FormatArg::Int(1)]).unwrap_err().message,
            "Input string was not in a correct format. Failure to parse near offset 2. Format item ends prematurely."
        );
        assert_eq!(
            composite_format("{x}", &[FormatArg::Int(1)]).unwrap_err().message,
            "Input string was not in a correct format. Failure to parse near offset 1. Expected an ASCII digit."
        );
        assert!(composite_format("{0:a{b}", &[FormatArg::Int(1)]).is_err());
        assert!(composite_format("{0:D}", &[FormatArg::Double(1.5)]).is_err());
        assert_eq!(f("no items", &[]), "no items");
        assert_eq!(f("}}{{", &[]), "}{");
        // Non-ASCII text and formats; offsets count UTF-16 units.
        assert_eq!(f("é{0:yyyy'年'}ü", &[FormatArg::DateTime(DateTime::from_ymd(2021, 1, 1).unwrap())]), "é2021年ü");
        assert_eq!(f("{0,4}|", &[FormatArg::Str("😀")]), "  😀|");
        assert_eq!(
            composite_format("😀}", &[]).unwrap_err().message,
            "Input string was not in a correct format. Failure to parse near offset 3. Format item ends prematurely."
        );
    }
}
