//! .NET number parsing and rounding that PowerShell conversions rely on:
//! `Int32.Parse`/`Int64.Parse` (NumberStyles.Integer), `Double.Parse`
//! (NumberStyles.Float | AllowThousands, invariant culture), `Math.Round`
//! with both midpoint modes, and the banker's rounding of `[int]2.5`.
//!
//! Spec: <https://learn.microsoft.com/dotnet/api/system.int32.parse>,
//! <https://learn.microsoft.com/dotnet/api/system.double.parse>,
//! <https://learn.microsoft.com/dotnet/api/system.math.round>. Error texts are
//! .NET 8's (`The input string 'x' was not in a correct format.`).

use super::{DotNetError, ExceptionKind};

/// `The input string 's' was not in a correct format.`
pub fn bad_number_format(s: &str) -> DotNetError {
    DotNetError::new(ExceptionKind::Format, format!("The input string '{s}' was not in a correct format."))
}

/// Integral .NET types by name, for overflow messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntType {
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
}

impl IntType {
    fn name(self) -> &'static str {
        match self {
            IntType::Byte => "Byte",
            IntType::SByte => "SByte",
            IntType::Int16 => "Int16",
            IntType::UInt16 => "UInt16",
            IntType::Int32 => "Int32",
            IntType::UInt32 => "UInt32",
            IntType::Int64 => "Int64",
            IntType::UInt64 => "UInt64",
        }
    }
    fn range(self) -> (i128, i128) {
        match self {
            IntType::Byte => (0, 255),
            IntType::SByte => (-128, 127),
            IntType::Int16 => (i128::from(i16::MIN), i128::from(i16::MAX)),
            IntType::UInt16 => (0, i128::from(u16::MAX)),
            IntType::Int32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
            IntType::UInt32 => (0, i128::from(u32::MAX)),
            IntType::Int64 => (i128::from(i64::MIN), i128::from(i64::MAX)),
            IntType::UInt64 => (0, i128::from(u64::MAX)),
        }
    }
    /// `Value was either too large or too small for an Int32.`
    pub fn overflow(self) -> DotNetError {
        let article =
            if self == IntType::Int16 || self == IntType::Int32 || self == IntType::Int64 { "an" } else { "a" };
        let msg = match self {
            IntType::Byte | IntType::UInt16 | IntType::UInt32 | IntType::UInt64 => format!(
                "Value was either too large or too small for {} {}.",
                if self == IntType::UInt16 || self == IntType::UInt32 || self == IntType::UInt64 { "a" } else { "an" },
                match self {
                    IntType::Byte => "unsigned byte",
                    IntType::UInt16 => "UInt16",
                    IntType::UInt32 => "UInt32",
                    _ => "UInt64",
                }
            ),
            IntType::SByte => "Value was either too large or too small for a signed byte.".to_string(),
            _ => format!("Value was either too large or too small for {article} {}.", self.name()),
        };
        DotNetError::new(ExceptionKind::Overflow, msg)
    }
}

fn is_ws(c: char) -> bool {
    // NumberStyles.AllowLeading/TrailingWhite: U+0009-U+000D and U+0020.
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// `T.Parse(s)` for an integral type with NumberStyles.Integer (white
/// space around, one leading sign, decimal digits).
pub fn parse_integer(s: &str, ty: IntType) -> Result<i128, DotNetError> {
    let t = s.trim_matches(is_ws);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_number_format(s));
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 38 {
        return Err(ty.overflow());
    }
    let mag: i128 = if trimmed.is_empty() { 0 } else { trimmed.parse().map_err(|_| ty.overflow())? };
    let v = if neg { -mag } else { mag };
    let (lo, hi) = ty.range();
    if v < lo || v > hi {
        return Err(ty.overflow());
    }
    Ok(v)
}

/// `Double.Parse(s, NumberStyles.Float | NumberStyles.AllowThousands,
/// CultureInfo.InvariantCulture)`: white space, sign, digits with `,`
/// group separators, `.`, exponent, and the symbols `Infinity`,
/// `-Infinity`, `NaN` (case-insensitive). Out-of-range values become
/// ±Infinity as in .NET Core 3.0+.
pub fn parse_double(s: &str) -> Result<f64, DotNetError> {
    let t = s.trim_matches(is_ws);
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "infinity" | "+infinity" | "∞" | "+∞" => return Ok(f64::INFINITY),
        "-infinity" | "-∞" => return Ok(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => return Ok(f64::NAN),
        _ => {}
    }
    let b = t.as_bytes();
    let mut i = 0;
    let mut clean = String::with_capacity(t.len());
    if matches!(b.first(), Some(b'+' | b'-')) {
        clean.push(b[0] as char);
        i = 1;
    }
    let mut int_digits = 0;
    while i < b.len() && (b[i].is_ascii_digit() || (b[i] == b',' && int_digits > 0)) {
        if b[i] != b',' {
            clean.push(b[i] as char);
            int_digits += 1;
        }
        i += 1;
    }
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        clean.push('.');
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            clean.push(b[i] as char);
            frac_digits += 1;
            i += 1;
        }
    }
    if int_digits + frac_digits == 0 {
        return Err(bad_number_format(s));
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut k = i + 1;
        let mut exp = String::from("e");
        if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
            exp.push(b[k] as char);
            k += 1;
        }
        let start = k;
        while k < b.len() && b[k].is_ascii_digit() {
            exp.push(b[k] as char);
            k += 1;
        }
        if k == start {
            return Err(bad_number_format(s));
        }
        clean.push_str(&exp);
        i = k;
    }
    if i != b.len() {
        return Err(bad_number_format(s));
    }
    clean.parse::<f64>().map_err(|_| bad_number_format(s))
}

/// System.MidpointRounding (the two modes scripts use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MidpointRounding {
    #[default]
    ToEven,
    AwayFromZero,
}

/// `Math.Round(value, digits, mode)` for doubles, with .NET's algorithm
/// (scale by 10^digits, round, scale back), so `Math.Round(1.005, 2,
/// AwayFromZero)` is 1 as in .NET. `digits` must be 0..=15.
pub fn math_round(value: f64, digits: i32, mode: MidpointRounding) -> Result<f64, DotNetError> {
    if !(0..=15).contains(&digits) {
        return Err(DotNetError::new(
            ExceptionKind::ArgumentOutOfRange,
            "Rounding digits must be between 0 and 15, inclusive. (Parameter 'digits')",
        ));
    }
    if value.abs() >= 1e16 || !value.is_finite() {
        return Ok(value);
    }
    let p = 10f64.powi(digits);
    let scaled = value * p;
    let r = match mode {
        MidpointRounding::ToEven => scaled.round_ties_even(),
        MidpointRounding::AwayFromZero => {
            let f = scaled.fract();
            let t = scaled.trunc();
            if f.abs() >= 0.5 { t + f.signum() } else { t }
        }
    };
    Ok(r / p)
}

/// A double converted to an integral type the way PowerShell's `[int]`
/// cast does (`Convert.ToInt32`): banker's rounding, then a range check.
pub fn double_to_integer(value: f64, ty: IntType) -> Result<i128, DotNetError> {
    if !value.is_finite() {
        return Err(ty.overflow());
    }
    let r = value.round_ties_even();
    let (lo, hi) = ty.range();
    if r < lo as f64 || r > hi as f64 {
        return Err(ty.overflow());
    }
    Ok(r as i128)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse_integer(" 42 ", IntType::Int32).unwrap(), 42);
        assert_eq!(parse_integer("-0012", IntType::Int32).unwrap(), -12);
        assert_eq!(parse_integer("+7", IntType::Byte).unwrap(), 7);
        // Conformance conv-001 inner message.
        assert_eq!(
            parse_integer("string", IntType::Int32).unwrap_err().message,
            "The input string 'string' was not in a correct format."
        );
        assert!(parse_integer("1.5", IntType::Int32).is_err());
        assert!(parse_integer("1,000", IntType::Int32).is_err());
        assert!(parse_integer("", IntType::Int32).is_err());
        assert_eq!(
            parse_integer("2147483648", IntType::Int32).unwrap_err().message,
            "Value was either too large or too small for an Int32."
        );
        assert_eq!(parse_integer("2147483648", IntType::Int64).unwrap(), 2147483648);
        assert_eq!(
            parse_integer("256", IntType::Byte).unwrap_err().message,
            "Value was either too large or too small for an unsigned byte."
        );
        assert_eq!(
            parse_integer("99999999999999999999999999999999999999999", IntType::UInt64).unwrap_err().kind,
            ExceptionKind::Overflow
        );
    }

    #[test]
    fn doubles() {
        assert_eq!(parse_double("1.5").unwrap(), 1.5);
        assert_eq!(parse_double(" -1,234.5e2 ").unwrap(), -123450.0);
        assert_eq!(parse_double(".5").unwrap(), 0.5);
        // [double]'123,567' is 123567 with the invariant culture (PowerShell#16767).
        assert_eq!(parse_double("123,567").unwrap(), 123567.0);
        assert!(parse_double("1 234 567,00").is_err());
        assert_eq!(parse_double("5.").unwrap(), 5.0);
        assert_eq!(parse_double("1e400").unwrap(), f64::INFINITY);
        assert!(parse_double("NaN").unwrap().is_nan());
        assert_eq!(parse_double("-Infinity").unwrap(), f64::NEG_INFINITY);
        for bad in ["", ".", "1e", "abc", "1.2.3", ",5", "0x10"] {
            assert!(parse_double(bad).is_err(), "{bad}");
        }
    }

    // Math.Round docs and conformance arith-011.
    #[test]
    fn rounding() {
        assert_eq!(math_round(2.5, 0, MidpointRounding::ToEven).unwrap(), 2.0);
        assert_eq!(math_round(3.5, 0, MidpointRounding::ToEven).unwrap(), 4.0);
        assert_eq!(math_round(2.5, 0, MidpointRounding::AwayFromZero).unwrap(), 3.0);
        assert_eq!(math_round(-2.5, 0, MidpointRounding::AwayFromZero).unwrap(), -3.0);
        // .NET scales first: 2.675 * 100 is exactly 267.5, 1.005 * 100 is 100.49999999999999.
        assert_eq!(math_round(2.675, 2, MidpointRounding::ToEven).unwrap(), 2.68);
        assert_eq!(math_round(1.005, 2, MidpointRounding::AwayFromZero).unwrap(), 1.0);
        assert_eq!(math_round(3.45, 1, MidpointRounding::ToEven).unwrap(), 3.4);
        assert_eq!(math_round(1.23456, 3, MidpointRounding::ToEven).unwrap(), 1.235);
        assert!(math_round(1.0, 16, MidpointRounding::ToEven).is_err());
        assert_eq!(double_to_integer(2.5, IntType::Int32).unwrap(), 2);
        assert_eq!(double_to_integer(3.5, IntType::Int32).unwrap(), 4);
        assert_eq!(double_to_integer(-0.5, IntType::Int32).unwrap(), 0);
        assert!(double_to_integer(3e9, IntType::Int32).is_err());
        assert!(double_to_integer(f64::NAN, IntType::Int32).is_err());
    }
}
