//! .NET numeric formatting (en-US): standard (`C D E F G N P R X B`) and
//! custom (`0.00`, `#,##0`, `0%`, sections, literals) format strings for
//! integers, doubles, singles and decimals, plus PowerShell's own
//! double-to-string conversion.
//!
//! Spec: <https://learn.microsoft.com/dotnet/standard/base-types/standard-numeric-format-strings>
//! and <https://learn.microsoft.com/dotnet/standard/base-types/custom-numeric-format-strings>.
//! The algorithm mirrors .NET's: the value becomes a digit buffer
//! (`0.DDDD × 10^scale`), which a standard or custom format then rounds and
//! lays out. Doubles get correctly rounded digits (ties to even on the exact
//! binary value, as .NET Core 3.0+ does) for standard formats, and 15
//! significant digits then half-away-from-zero rounding for custom formats
//! (so `"{0:0.00}" -f 2.675` gives `2.68` while `F2` gives `2.67`, as in .NET).

use super::{DotNetError, ExceptionKind};
use std::fmt::Write;

/// .NET's message for an unknown format specifier.
pub const BAD_FORMAT_SPECIFIER: &str = "Format specifier was invalid.";

/// en-US number formatting data (.NET 5+ with ICU).
mod en_us {
    pub const NEGATIVE_SIGN: &str = "-";
    pub const DECIMAL_SEP: &str = ".";
    pub const GROUP_SEP: &str = ",";
    pub const CURRENCY_SYMBOL: &str = "$";
    pub const PERCENT_SYMBOL: &str = "%";
    pub const PER_MILLE_SYMBOL: &str = "‰";
    pub const NAN: &str = "NaN";
    pub const POSITIVE_INFINITY: &str = "∞";
    pub const NEGATIVE_INFINITY: &str = "-∞";
    /// NumberDecimalDigits and PercentDecimalDigits: 3 with ICU's CLDR data
    /// (`#,##0.###`), which .NET 5+ uses on Linux and Windows alike
    /// (dotnet/runtime#45308, #119239); `(1).ToString("N")` is `1.000`.
    pub const DECIMAL_DIGITS: i32 = 3;
    /// CurrencyDecimalDigits (USD).
    pub const CURRENCY_DIGITS: i32 = 2;
}

/// The cultures whose number formatting exosh knows: en-US (PowerShell's
/// current culture here) and the invariant culture
/// (`[cultureinfo]::InvariantCulture`, what casts and interpolation use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Culture {
    #[default]
    EnUs,
    Invariant,
}

impl Culture {
    fn decimal_digits(self) -> i32 {
        match self {
            Culture::EnUs => en_us::DECIMAL_DIGITS,
            Culture::Invariant => 2,
        }
    }
    fn infinity(self, positive: bool) -> &'static str {
        match (self, positive) {
            (Culture::EnUs, true) => en_us::POSITIVE_INFINITY,
            (Culture::EnUs, false) => en_us::NEGATIVE_INFINITY,
            (Culture::Invariant, true) => "Infinity",
            (Culture::Invariant, false) => "-Infinity",
        }
    }
}

/// System.Decimal as a signed 96-bit mantissa and a power-of-ten scale
/// (value = mantissa / 10^scale, scale 0..=28). Trailing zeros are
/// significant for printing (`1.50` stays `1.50`), as in .NET.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u8,
}

fn decimal_overflow() -> DotNetError {
    DotNetError::overflow("Value was either too large or too small for a Decimal.")
}

/// Largest decimal mantissa magnitude (2^96 - 1).
pub const DECIMAL_MAX_MANTISSA: i128 = (1i128 << 96) - 1;

impl Decimal {
    /// A decimal from mantissa and scale; None when out of .NET's range.
    pub fn new(mantissa: i128, scale: u8) -> Option<Decimal> {
        if scale > 28 || mantissa.unsigned_abs() > DECIMAL_MAX_MANTISSA as u128 {
            return None;
        }
        Some(Decimal { mantissa, scale })
    }
    pub fn from_i64(v: i64) -> Decimal {
        Decimal { mantissa: i128::from(v), scale: 0 }
    }
    /// `Decimal.Parse(s, InvariantCulture)` (NumberStyles.Number: white
    /// space, sign, `,` groups, `.`); trailing zeros keep their scale
    /// (`"1.50"` is 1.50). Exponents are not allowed, as in .NET.
    pub fn parse(s: &str) -> Result<Decimal, DotNetError> {
        let bad =
            || DotNetError::new(ExceptionKind::Format, format!("The input string '{s}' was not in a correct format."));
        let t = s.trim();
        let (neg, body) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.starts_with(',') || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let int: String = int.chars().filter(|&c| c != ',').collect();
        if !int.bytes().all(|b| b.is_ascii_digit()) || (int.is_empty() && frac.is_empty()) {
            return Err(bad());
        }
        // Digits past scale 28, or past what 96 bits hold, are dropped.
        let mut digits: String = format!("{int}{frac}");
        let mut scale = frac.len();
        let fits = |d: &str| {
            let d = d.trim_start_matches('0');
            d.len() <= 29 && (d.is_empty() || d.parse::<i128>().is_ok_and(|m| m <= DECIMAL_MAX_MANTISSA))
        };
        while scale > 0 && (scale > 28 || !fits(&digits)) {
            digits.pop();
            scale -= 1;
        }
        if !fits(&digits) {
            return Err(decimal_overflow());
        }
        let mag: i128 = digits.trim_start_matches('0').parse().unwrap_or(0);
        Decimal::new(if neg { -mag } else { mag }, scale as u8).ok_or_else(decimal_overflow)
    }

    /// `Convert.ToDecimal(double)`: 15 significant digits, trailing zeros
    /// dropped (`[decimal]0.1` is 0.1, `[decimal](1/3)` is 0.333333333333333).
    pub fn from_f64(v: f64) -> Result<Decimal, DotNetError> {
        if !v.is_finite() || v.abs() >= 7.922_816_251_426_434e28 {
            return Err(decimal_overflow());
        }
        if v == 0.0 {
            return Ok(Decimal::default());
        }
        let buf = NumBuf::sig_f64(v, 15, NumKind::Double);
        // value = 0.DIGITS × 10^scale; mantissa = DIGITS, decimal scale = len - scale.
        let len = buf.digits.len() as i32;
        let mut dec_scale = len - buf.scale;
        let mut digits = String::from_utf8_lossy(&buf.digits).into_owned();
        if dec_scale < 0 {
            digits.extend(std::iter::repeat_n('0', (-dec_scale) as usize));
            dec_scale = 0;
        }
        while dec_scale > 28 {
            // Too small: round to 28 places.
            let keep = digits.len() as i32 - (dec_scale - 28);
            if keep <= 0 {
                return Ok(Decimal::default());
            }
            let mut b = NumBuf { neg: false, digits: digits.clone().into_bytes(), scale: 0, kind: NumKind::Decimal };
            b.round(keep);
            digits = String::from_utf8_lossy(&b.digits).into_owned();
            dec_scale = 28 - (keep - digits.len() as i32);
        }
        let mag: i128 = digits.parse().map_err(|_| decimal_overflow())?;
        let mag = if buf.neg { -mag } else { mag };
        Decimal::new(mag, dec_scale as u8).ok_or_else(decimal_overflow)
    }

    /// Nearest double.
    pub fn to_f64(self) -> f64 {
        // Exact through the string route: parse is correctly rounded.
        self.to_string().parse::<f64>().unwrap_or(0.0)
    }
    /// `Decimal.ToString()` (invariant and en-US agree): all stored digits.
    pub fn to_plain_string(self) -> String {
        let neg = self.mantissa < 0;
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = usize::from(self.scale);
        let mut out = String::with_capacity(digits.len() + 3);
        if neg {
            out.push('-');
        }
        if scale == 0 {
            out.push_str(&digits);
        } else if digits.len() > scale {
            let (i, f) = digits.split_at(digits.len() - scale);
            out.push_str(i);
            out.push('.');
            out.push_str(f);
        } else {
            out.push_str("0.");
            for _ in 0..scale - digits.len() {
                out.push('0');
            }
            out.push_str(&digits);
        }
        out
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_plain_string())
    }
}

/// Which .NET numeric type a value has; it decides defaults and rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    /// Integral type of the given width in bits (for `X`/`B` of negatives).
    Integer(u32),
    Double,
    Single,
    Decimal,
}

/// A double's exact decimal expansion has at most 767 significant and 1074
/// fractional digits; asking for more only adds zeros, which the layout
/// code pads anyway.
const MAX_DIGITS: usize = 1100;

/// The digit buffer: value = 0.D1D2D3... × 10^scale.
#[derive(Debug, Clone)]
struct NumBuf {
    neg: bool,
    /// ASCII digits, no leading zeros; empty for zero.
    digits: Vec<u8>,
    scale: i32,
    kind: NumKind,
}

impl NumBuf {
    fn from_u128(neg: bool, mag: u128, kind: NumKind) -> NumBuf {
        if mag == 0 {
            return NumBuf { neg: false, digits: Vec::new(), scale: 0, kind };
        }
        let digits = mag.to_string().into_bytes();
        NumBuf { neg, scale: digits.len() as i32, digits, kind }
    }

    fn from_decimal(d: Decimal) -> NumBuf {
        let mag = d.mantissa.unsigned_abs();
        let digits = if mag == 0 { Vec::new() } else { mag.to_string().into_bytes() };
        NumBuf { neg: d.mantissa < 0, scale: digits.len() as i32 - i32::from(d.scale), digits, kind: NumKind::Decimal }
    }

    /// Digits of a finite float from Rust's exact formatting of `{:e}`-style
    /// output (`d.ddddde±x`).
    fn from_sci(neg: bool, sci: &str, kind: NumKind) -> NumBuf {
        let (mant, exp) = sci.split_once('e').unwrap_or((sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return NumBuf { neg, digits, scale: 0, kind };
        }
        NumBuf { neg, digits, scale: exp + 1, kind }
    }

    /// Digits from fixed notation (`ddd.ddd`).
    fn from_fixed(neg: bool, fixed: &str, kind: NumKind) -> NumBuf {
        let (int, frac) = fixed.split_once('.').unwrap_or((fixed, ""));
        let mut all: Vec<u8> = Vec::with_capacity(int.len() + frac.len());
        all.extend_from_slice(int.as_bytes());
        all.extend_from_slice(frac.as_bytes());
        let lead = all.iter().take_while(|&&c| c == b'0').count();
        let mut digits = all[lead..].to_vec();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return NumBuf { neg, digits, scale: 0, kind };
        }
        NumBuf { neg, scale: int.len() as i32 - lead as i32, digits, kind }
    }

    /// Shortest round-trip digits.
    fn shortest_f64(v: f64) -> NumBuf {
        Self::from_sci(v.is_sign_negative(), &format!("{:e}", v.abs()), NumKind::Double)
    }
    fn shortest_f32(v: f32) -> NumBuf {
        Self::from_sci(v.is_sign_negative(), &format!("{:e}", v.abs()), NumKind::Single)
    }
    /// `sig` correctly rounded significant digits (sig >= 1).
    fn sig_f64(v: f64, sig: usize, kind: NumKind) -> NumBuf {
        let s = format!("{:.*e}", sig.clamp(1, MAX_DIGITS) - 1, v.abs());
        Self::from_sci(v.is_sign_negative(), &s, kind)
    }
    fn sig_f32(v: f32, sig: usize) -> NumBuf {
        let s = format!("{:.*e}", sig.clamp(1, MAX_DIGITS) - 1, v.abs());
        Self::from_sci(v.is_sign_negative(), &s, NumKind::Single)
    }
    /// Correctly rounded to `frac` fractional digits.
    fn frac_f64(v: f64, frac: usize, kind: NumKind) -> NumBuf {
        let s = format!("{:.*}", frac.min(MAX_DIGITS), v.abs());
        Self::from_fixed(v.is_sign_negative(), &s, kind)
    }
    fn frac_f32(v: f32, frac: usize) -> NumBuf {
        let s = format!("{:.*}", frac.min(MAX_DIGITS), v.abs());
        Self::from_fixed(v.is_sign_negative(), &s, NumKind::Single)
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    fn digit(&self, i: usize) -> Option<u8> {
        self.digits.get(i).copied()
    }

    /// .NET RoundNumber: keep `pos` digits, rounding half away from zero on
    /// the digit string, then drop trailing zeros.
    fn round(&mut self, pos: i32) {
        let mut i: usize = 0;
        let len = self.digits.len();
        while (i as i64) < i64::from(pos) && i < len {
            i += 1;
        }
        if i64::from(pos) == i as i64 && i < len && self.digits[i] >= b'5' {
            while i > 0 && self.digits[i - 1] == b'9' {
                i -= 1;
            }
            if i > 0 {
                self.digits[i - 1] += 1;
            } else {
                self.scale += 1;
                self.digits.clear();
                self.digits.push(b'1');
                i = 1;
            }
        } else {
            while i > 0 && self.digits[i - 1] == b'0' {
                i -= 1;
            }
        }
        self.digits.truncate(i);
        if i == 0 {
            if !matches!(self.kind, NumKind::Double | NumKind::Single) {
                self.neg = false;
            }
            self.scale = 0;
        }
    }
}

/// A value to format with a numeric format string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Numeric {
    /// A signed integer and its width in bits (8, 16, 32, 64 or 128).
    Signed(i128, u32),
    /// An unsigned integer and its width in bits.
    Unsigned(u128, u32),
    Double(f64),
    Single(f32),
    Decimal(Decimal),
}

impl Numeric {
    fn kind(&self) -> NumKind {
        match *self {
            Numeric::Signed(_, w) | Numeric::Unsigned(_, w) => NumKind::Integer(w),
            Numeric::Double(_) => NumKind::Double,
            Numeric::Single(_) => NumKind::Single,
            Numeric::Decimal(_) => NumKind::Decimal,
        }
    }
    fn int_buf(&self) -> Option<NumBuf> {
        match *self {
            Numeric::Signed(v, w) => Some(NumBuf::from_u128(v < 0, v.unsigned_abs(), NumKind::Integer(w))),
            Numeric::Unsigned(v, w) => Some(NumBuf::from_u128(false, v, NumKind::Integer(w))),
            Numeric::Decimal(d) => Some(NumBuf::from_decimal(d)),
            _ => None,
        }
    }
}

/// Parse a standard format: letter + optional precision (0..=999,999,999).
/// None means the string is a custom format.
fn parse_standard(format: &str) -> Option<(u8, Option<i32>)> {
    let b = format.as_bytes();
    let first = *b.first()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    if b.len() == 1 {
        return Some((first, None));
    }
    if b.len() > 10 || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let p: i32 = format[1..].parse().ok()?;
    if p > 999_999_999 {
        return None;
    }
    Some((first, Some(p)))
}

fn bad_format() -> DotNetError {
    DotNetError::new(ExceptionKind::Format, BAD_FORMAT_SPECIFIER)
}

/// Format a number as `value.ToString(format)` does in en-US. An empty
/// format means the type's default (`G`).
pub fn format_number(value: Numeric, format: &str) -> Result<String, DotNetError> {
    let mut out = String::new();
    format_number_into(&mut out, value, format)?;
    Ok(out)
}

/// `value.ToString(format, culture)`: as [`format_number`] with the given
/// culture (the invariant one has 2 default decimals, `¤` currency with
/// `(¤n)` negatives, `n %` percents and `Infinity`).
pub fn format_number_culture(value: Numeric, format: &str, culture: Culture) -> Result<String, DotNetError> {
    let mut out = String::new();
    format_number_culture_into(&mut out, value, format, culture)?;
    Ok(out)
}

/// As [`format_number`], appending to `out`.
pub fn format_number_into(out: &mut String, value: Numeric, format: &str) -> Result<(), DotNetError> {
    format_number_culture_into(out, value, format, Culture::EnUs)
}

/// As [`format_number_culture`], appending to `out`.
pub fn format_number_culture_into(
    out: &mut String,
    value: Numeric,
    format: &str,
    culture: Culture,
) -> Result<(), DotNetError> {
    // Non-finite floats print their symbol whatever the format.
    let nonfinite = match value {
        Numeric::Double(v) if !v.is_finite() => Some(v),
        Numeric::Single(v) if !v.is_finite() => Some(f64::from(v)),
        _ => None,
    };
    if let Some(v) = nonfinite {
        out.push_str(if v.is_nan() { en_us::NAN } else { culture.infinity(v > 0.0) });
        return Ok(());
    }
    // Fast path: integer default format.
    if format.is_empty() {
        match value {
            Numeric::Signed(v, _) => {
                let _ = write!(out, "{v}");
                return Ok(());
            }
            Numeric::Unsigned(v, _) => {
                let _ = write!(out, "{v}");
                return Ok(());
            }
            _ => {}
        }
    }
    match parse_standard(format) {
        Some((fmt, precision)) => format_standard(out, value, fmt, precision, culture),
        None => {
            let kind = value.kind();
            let mut buf = match value {
                Numeric::Double(v) => NumBuf::sig_f64(v, 15, kind),
                Numeric::Single(v) => NumBuf::sig_f32(v, 7),
                _ => value.int_buf().unwrap_or(NumBuf::from_u128(false, 0, kind)),
            };
            if format.is_empty() {
                // Empty custom format on a float means "G".
                return format_standard(out, value, b'G', None, culture);
            }
            format_custom(out, &mut buf, format);
            Ok(())
        }
    }
}

fn format_standard(
    out: &mut String,
    value: Numeric,
    fmt: u8,
    precision: Option<i32>,
    culture: Culture,
) -> Result<(), DotNetError> {
    let kind = value.kind();
    let upper = fmt.to_ascii_uppercase();
    // Integer-only formats.
    if matches!(upper, b'D' | b'X' | b'B') {
        let (neg, mag, width) = match value {
            Numeric::Signed(v, w) => (v < 0, v, w),
            Numeric::Unsigned(v, w) => (false, v as i128, w),
            _ => return Err(bad_format()),
        };
        let min = precision.unwrap_or(0).max(0) as usize;
        match upper {
            b'D' => {
                let digits = match value {
                    Numeric::Unsigned(u, _) => u.to_string(),
                    _ => mag.unsigned_abs().to_string(),
                };
                if neg {
                    out.push_str(en_us::NEGATIVE_SIGN);
                }
                for _ in digits.len()..min {
                    out.push('0');
                }
                out.push_str(&digits);
            }
            _ => {
                // Two's complement in the type's width.
                let bits: u128 = match value {
                    Numeric::Unsigned(u, _) => u,
                    _ => {
                        let m = if width >= 128 { u128::MAX } else { (1u128 << width) - 1 };
                        (mag as u128) & m
                    }
                };
                let s = match (upper, fmt.is_ascii_lowercase()) {
                    (b'X', false) => format!("{bits:X}"),
                    (b'X', true) => format!("{bits:x}"),
                    _ => format!("{bits:b}"),
                };
                for _ in s.len()..min {
                    out.push('0');
                }
                out.push_str(&s);
                let _ = neg;
            }
        }
        return Ok(());
    }
    if !matches!(upper, b'C' | b'E' | b'F' | b'G' | b'N' | b'P' | b'R') {
        return Err(bad_format());
    }
    let p = precision;
    // Build the digit buffer as .NET would for this format.
    let float_value = match value {
        Numeric::Double(v) => Some((v, None)),
        Numeric::Single(s) => Some((f64::from(s), Some(s))),
        _ => None,
    };
    let mut buf = match float_value {
        Some((vf, single)) => match upper {
            b'C' | b'F' | b'N' | b'P' => {
                let mut frac =
                    p.unwrap_or(if upper == b'C' { en_us::CURRENCY_DIGITS } else { culture.decimal_digits() }) as usize;
                if upper == b'P' {
                    frac += 2;
                }
                match single {
                    Some(sv) => NumBuf::frac_f32(sv, frac),
                    None => NumBuf::frac_f64(vf, frac, kind),
                }
            }
            b'E' => {
                let sig = p.unwrap_or(6) as usize + 1;
                match single {
                    Some(sv) => NumBuf::sig_f32(sv, sig),
                    None => NumBuf::sig_f64(vf, sig, kind),
                }
            }
            // G and R: shortest round-trip unless G has a precision.
            _ => match (p, single) {
                (Some(n), Some(sv)) if n > 0 && upper == b'G' => NumBuf::sig_f32(sv, n as usize),
                (Some(n), None) if n > 0 && upper == b'G' => NumBuf::sig_f64(vf, n as usize, kind),
                (_, Some(sv)) => NumBuf::shortest_f32(sv),
                (_, None) => NumBuf::shortest_f64(vf),
            },
        },
        None => value.int_buf().unwrap_or(NumBuf::from_u128(false, 0, kind)),
    };
    let float = matches!(kind, NumKind::Double | NumKind::Single);
    match upper {
        b'C' | b'F' | b'N' | b'P' => {
            let n = p.unwrap_or(if upper == b'C' { en_us::CURRENCY_DIGITS } else { culture.decimal_digits() });
            if upper == b'P' {
                buf.scale += 2;
            }
            let pos = buf.scale + n;
            buf.round(pos);
            let invariant = culture == Culture::Invariant;
            // Invariant currency negatives are "(¤n)"; everything else "-...".
            let parens = invariant && upper == b'C' && buf.neg;
            if parens {
                out.push('(');
            } else if buf.neg {
                out.push_str(en_us::NEGATIVE_SIGN);
            }
            if upper == b'C' {
                out.push_str(if invariant { "¤" } else { en_us::CURRENCY_SYMBOL });
            }
            format_fixed(out, &buf, n, upper != b'F');
            if upper == b'P' {
                out.push_str(if invariant { " %" } else { en_us::PERCENT_SYMBOL });
            }
            if parens {
                out.push(')');
            }
        }
        b'E' => {
            let n = p.unwrap_or(6) + 1;
            buf.round(n);
            if buf.neg {
                out.push_str(en_us::NEGATIVE_SIGN);
            }
            format_scientific(out, &buf, n, if fmt == b'e' { 'e' } else { 'E' });
        }
        _ => {
            // G / R
            let exp_char = if fmt.is_ascii_lowercase() { 'e' } else { 'E' };
            let mut suppress_sci = false;
            let max_digits: i32 = match (kind, p) {
                (NumKind::Decimal, None) | (NumKind::Decimal, Some(0)) => {
                    suppress_sci = true;
                    i32::MAX
                }
                (_, Some(n)) if n > 0 && upper == b'G' => n,
                (NumKind::Double, _) => (buf.digits.len() as i32).max(15),
                (NumKind::Single, _) => (buf.digits.len() as i32).max(7),
                // Integers: all digits.
                _ => (buf.digits.len() as i32).max(buf.scale).max(1),
            };
            if !suppress_sci {
                buf.round(max_digits);
            }
            if buf.neg && !(kind == NumKind::Decimal && buf.is_zero()) {
                out.push_str(en_us::NEGATIVE_SIGN);
            }
            let _ = float;
            format_general(out, &buf, max_digits, exp_char, suppress_sci);
        }
    }
    Ok(())
}

fn push_digit_or_zero(out: &mut String, buf: &NumBuf, idx: &mut usize) {
    match buf.digit(*idx) {
        Some(d) => {
            out.push(d as char);
            *idx += 1;
        }
        None => out.push('0'),
    }
}

/// FormatFixed: integer part (grouped by 3 when `group`), then `n` decimals.
fn format_fixed(out: &mut String, buf: &NumBuf, n: i32, group: bool) {
    let mut idx = 0usize;
    let int_digits = buf.scale;
    if int_digits > 0 {
        if group {
            let count = int_digits as usize;
            for k in 0..count {
                if k > 0 && (count - k).is_multiple_of(3) {
                    out.push_str(en_us::GROUP_SEP);
                }
                push_digit_or_zero(out, buf, &mut idx);
            }
        } else {
            for _ in 0..int_digits {
                push_digit_or_zero(out, buf, &mut idx);
            }
        }
    } else {
        out.push('0');
    }
    if n > 0 {
        out.push_str(en_us::DECIMAL_SEP);
        let mut remaining = n;
        let mut dig_pos = int_digits;
        if dig_pos < 0 {
            let zeros = (-dig_pos).min(remaining);
            for _ in 0..zeros {
                out.push('0');
            }
            dig_pos += zeros;
            remaining -= zeros;
        }
        let _ = dig_pos;
        for _ in 0..remaining {
            push_digit_or_zero(out, buf, &mut idx);
        }
    }
}

fn format_exponent(out: &mut String, exp: i32, exp_char: char, min_digits: usize, positive_sign: bool) {
    out.push(exp_char);
    if exp < 0 {
        out.push('-');
    } else if positive_sign {
        out.push('+');
    }
    let s = exp.unsigned_abs().to_string();
    for _ in s.len()..min_digits {
        out.push('0');
    }
    out.push_str(&s);
}

fn format_scientific(out: &mut String, buf: &NumBuf, n: i32, exp_char: char) {
    let mut idx = 0usize;
    push_digit_or_zero(out, buf, &mut idx);
    if n != 1 {
        out.push_str(en_us::DECIMAL_SEP);
        for _ in 1..n {
            push_digit_or_zero(out, buf, &mut idx);
        }
    }
    let e = if buf.is_zero() { 0 } else { buf.scale - 1 };
    format_exponent(out, e, exp_char, 3, true);
}

fn format_general(out: &mut String, buf: &NumBuf, max_digits: i32, exp_char: char, suppress_sci: bool) {
    let mut dig_pos = buf.scale;
    let mut scientific = false;
    if !suppress_sci && (dig_pos > max_digits || dig_pos < -3) {
        dig_pos = 1;
        scientific = true;
    }
    let mut idx = 0usize;
    if dig_pos > 0 {
        while dig_pos > 0 {
            push_digit_or_zero(out, buf, &mut idx);
            dig_pos -= 1;
        }
    } else {
        out.push('0');
    }
    if idx < buf.digits.len() || dig_pos < 0 {
        out.push_str(en_us::DECIMAL_SEP);
        while dig_pos < 0 {
            out.push('0');
            dig_pos += 1;
        }
        while idx < buf.digits.len() {
            out.push(buf.digits[idx] as char);
            idx += 1;
        }
    }
    if scientific {
        format_exponent(out, buf.scale - 1, exp_char, 2, true);
    }
}

/// Start of section `section` (0 positive, 1 negative, 2 zero) of a custom
/// format; 0 when it does not exist.
fn find_section(format: &[char], section: usize) -> usize {
    if section == 0 {
        return 0;
    }
    let mut remaining = section;
    let mut src = 0usize;
    while src < format.len() {
        let ch = format[src];
        src += 1;
        match ch {
            '\'' | '"' => {
                while src < format.len() && format[src] != ch {
                    src += 1;
                }
                if src < format.len() {
                    src += 1;
                }
            }
            '\\' if src < format.len() => src += 1,
            ';' => {
                remaining -= 1;
                if remaining != 0 {
                    continue;
                }
                if src < format.len() && format[src] != ';' {
                    return src;
                }
                return 0;
            }
            _ => {}
        }
    }
    0
}

/// .NET NumberToStringFormat: lay out a custom numeric format.
fn format_custom(out: &mut String, buf: &mut NumBuf, format_str: &str) {
    let format: Vec<char> = format_str.chars().collect();
    let at = |i: usize| -> char { format.get(i).copied().unwrap_or('\0') };
    let float = matches!(buf.kind, NumKind::Double | NumKind::Single);
    let mut section = find_section(
        &format,
        if buf.is_zero() {
            2
        } else if buf.neg {
            1
        } else {
            0
        },
    );
    let (mut digit_count, mut decimal_pos, mut first_digit, mut last_digit);
    let mut thousand_seps;
    let mut scientific;
    loop {
        digit_count = 0i32;
        decimal_pos = -1i32;
        first_digit = i32::MAX;
        last_digit = 0i32;
        let mut scale_adjust = 0i32;
        thousand_seps = false;
        let mut thousand_pos = -1i32;
        let mut thousand_count = 0i32;
        scientific = false;
        let mut src = section;
        while src < format.len() {
            let ch = format[src];
            src += 1;
            if ch == ';' {
                break;
            }
            match ch {
                '#' => digit_count += 1,
                '0' => {
                    if first_digit == i32::MAX {
                        first_digit = digit_count;
                    }
                    digit_count += 1;
                    last_digit = digit_count;
                }
                '.' if decimal_pos < 0 => decimal_pos = digit_count,
                ',' if digit_count > 0 && decimal_pos < 0 => {
                    if thousand_pos >= 0 {
                        if thousand_pos == digit_count {
                            thousand_count += 1;
                            continue;
                        }
                        thousand_seps = true;
                    }
                    thousand_pos = digit_count;
                    thousand_count = 1;
                }
                '%' => scale_adjust += 2,
                '‰' => scale_adjust += 3,
                '\'' | '"' => {
                    while src < format.len() && format[src] != ch {
                        src += 1;
                    }
                    if src < format.len() {
                        src += 1;
                    }
                }
                '\\' if src < format.len() => src += 1,
                'E' | 'e' if at(src) == '0' || ((at(src) == '+' || at(src) == '-') && at(src + 1) == '0') => {
                    src += 1;
                    while at(src) == '0' {
                        src += 1;
                    }
                    scientific = true;
                }
                _ => {}
            }
        }
        if decimal_pos < 0 {
            decimal_pos = digit_count;
        }
        if thousand_pos >= 0 {
            if thousand_pos == decimal_pos {
                scale_adjust -= thousand_count * 3;
            } else {
                thousand_seps = true;
            }
        }
        if !buf.is_zero() {
            buf.scale += scale_adjust;
            let pos = if scientific { digit_count } else { buf.scale + digit_count - decimal_pos };
            buf.round(pos);
            if buf.is_zero() {
                let i = find_section(&format, 2);
                if i != section {
                    section = i;
                    continue;
                }
            }
        } else {
            if !float {
                buf.neg = false;
            }
            buf.scale = 0;
        }
        break;
    }
    let first_digit = if first_digit < decimal_pos { decimal_pos - first_digit } else { 0 };
    let last_digit = if last_digit > decimal_pos { decimal_pos - last_digit } else { 0 };
    let (mut dig_pos, mut adjust) =
        if scientific { (decimal_pos, 0) } else { (buf.scale.max(decimal_pos), buf.scale - decimal_pos) };
    // Positions (counted from the decimal point) after which a group
    // separator goes.
    let mut sep_positions: Vec<i32> = Vec::new();
    if thousand_seps {
        let total_digits = dig_pos + if adjust < 0 { adjust } else { 0 };
        let num_digits = first_digit.max(total_digits);
        let mut group_total = 3;
        while num_digits > group_total {
            sep_positions.push(group_total);
            group_total += 3;
        }
    }
    let mut sep_ctr = sep_positions.len() as i64 - 1;
    let start_len = out.len();
    let neg_prefix = buf.neg && section == 0 && buf.scale != 0;
    if neg_prefix {
        out.push_str(en_us::NEGATIVE_SIGN);
    }
    let mut decimal_written = false;
    let mut cur = 0usize;
    let mut src = section;
    let push_sep = |out: &mut String, dig_pos: i32, sep_ctr: &mut i64| {
        if thousand_seps && dig_pos > 1 && *sep_ctr >= 0 {
            let idx = *sep_ctr as usize;
            if dig_pos == sep_positions[idx] + 1 {
                out.push_str(en_us::GROUP_SEP);
                *sep_ctr -= 1;
            }
        }
    };
    while src < format.len() {
        let ch = format[src];
        src += 1;
        if ch == ';' {
            break;
        }
        if adjust > 0 && matches!(ch, '#' | '0' | '.') {
            while adjust > 0 {
                match buf.digit(cur) {
                    Some(d) => {
                        out.push(d as char);
                        cur += 1;
                    }
                    None => out.push('0'),
                }
                push_sep(out, dig_pos, &mut sep_ctr);
                dig_pos -= 1;
                adjust -= 1;
            }
        }
        match ch {
            '#' | '0' => {
                let c = if adjust < 0 {
                    adjust += 1;
                    if dig_pos <= first_digit { Some('0') } else { None }
                } else {
                    match buf.digit(cur) {
                        Some(d) => {
                            cur += 1;
                            Some(d as char)
                        }
                        None => {
                            if dig_pos > last_digit {
                                Some('0')
                            } else {
                                None
                            }
                        }
                    }
                };
                if let Some(c) = c {
                    out.push(c);
                    push_sep(out, dig_pos, &mut sep_ctr);
                }
                dig_pos -= 1;
            }
            '.' => {
                if dig_pos != 0 || decimal_written {
                    continue;
                }
                if last_digit < 0 || (decimal_pos < digit_count && cur < buf.digits.len()) {
                    out.push_str(en_us::DECIMAL_SEP);
                    decimal_written = true;
                }
            }
            '‰' => out.push_str(en_us::PER_MILLE_SYMBOL),
            '%' => out.push_str(en_us::PERCENT_SYMBOL),
            ',' => {}
            '\'' | '"' => {
                while src < format.len() && format[src] != ch {
                    out.push(format[src]);
                    src += 1;
                }
                if src < format.len() {
                    src += 1;
                }
            }
            '\\' => {
                if src < format.len() {
                    out.push(format[src]);
                    src += 1;
                }
            }
            'E' | 'e' => {
                let mut positive_sign = false;
                let mut i = 0usize;
                if scientific {
                    if at(src) == '0' {
                        i += 1;
                    } else if at(src) == '+' && at(src + 1) == '0' {
                        positive_sign = true;
                    } else if at(src) == '-' && at(src + 1) == '0' {
                        // sign only when negative
                    } else {
                        out.push(ch);
                        continue;
                    }
                    src += 1;
                    while at(src) == '0' {
                        src += 1;
                        i += 1;
                    }
                    let i = i.min(10);
                    let exp = if buf.is_zero() { 0 } else { buf.scale - decimal_pos };
                    format_exponent(out, exp, ch, i, positive_sign);
                    scientific = false;
                } else {
                    out.push(ch);
                    if at(src) == '+' || at(src) == '-' {
                        out.push(at(src));
                        src += 1;
                    }
                    while at(src) == '0' {
                        out.push('0');
                        src += 1;
                    }
                }
            }
            _ => out.push(ch),
        }
    }
    if buf.neg && section == 0 && buf.scale == 0 && out.len() > start_len {
        out.insert_str(start_len, en_us::NEGATIVE_SIGN);
    }
}

/// A double as PowerShell converts it to a string (`"$d"`, output,
/// `[string]$d`): .NET Framework's 15-significant-digit "G" (PowerShell
/// kept it when .NET Core 3.0 changed `ToString()`, PowerShell PR #9893),
/// invariant culture: `0.333333333333333`, `1E+15`, `1E-05`, `NaN`,
/// `Infinity`, `-Infinity`.
pub fn double_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    // Fast path: whole numbers below 1E+15 print as integers.
    if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        return (v as i64).to_string();
    }
    let mut buf = NumBuf::sig_f64(v, 15, NumKind::Double);
    buf.round(15);
    let mut out = String::with_capacity(24);
    if buf.neg {
        out.push('-');
    }
    format_general(&mut out, &buf, 15, 'E', false);
    out
}

/// A single (`[float]`) as PowerShell prints it: "G7", invariant culture.
pub fn single_to_string(v: f32) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let mut buf = NumBuf::sig_f32(v, 7);
    buf.round(7);
    let mut out = String::with_capacity(16);
    if buf.neg {
        out.push('-');
    }
    format_general(&mut out, &buf, 7, 'E', false);
    out
}

/// `double.ToString()` in .NET Core 3.0+ (shortest round-trip, en-US):
/// what `-f "{0}"` and `[string]::Format` print for a double.
pub fn double_to_string_roundtrip(v: f64) -> String {
    let mut out = String::new();
    let _ = format_number_into(&mut out, Numeric::Double(v), "");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn i(v: i64, f: &str) -> String {
        format_number(Numeric::Signed(i128::from(v), 32), f).unwrap()
    }
    fn d(v: f64, f: &str) -> String {
        format_number(Numeric::Double(v), f).unwrap()
    }
    fn m(mant: i128, scale: u8, f: &str) -> String {
        format_number(Numeric::Decimal(Decimal::new(mant, scale).unwrap()), f).unwrap()
    }

    // Examples from standard-numeric-format-strings.md (en-US rows; ICU
    // patterns for currency/percent as .NET 5+ uses).
    #[test]
    fn standard_doc_examples() {
        assert_eq!(d(123.456, "C"), "$123.46");
        assert_eq!(d(-123.456, "C3"), "-$123.456");
        assert_eq!(i(1234, "D"), "1234");
        assert_eq!(i(-1234, "D6"), "-001234");
        assert_eq!(d(1052.0329112756, "E"), "1.052033E+003");
        assert_eq!(d(-1052.0329112756, "e2"), "-1.05e+003");
        // Default F/N/P precision is ICU's 3 (the doc's 2 is Windows NLS).
        assert_eq!(d(1234.567, "F"), "1234.567");
        assert_eq!(d(1234.5678, "F"), "1234.568");
        assert_eq!(i(1234, "F1"), "1234.0");
        assert_eq!(d(-1234.56, "F4"), "-1234.5600");
        assert_eq!(d(-123.456, "G"), "-123.456");
        assert_eq!(d(123.4546, "G4"), "123.5");
        assert_eq!(d(-1.234567890e-25, "G"), "-1.23456789E-25");
        assert_eq!(d(1234.567, "N"), "1,234.567");
        assert_eq!(i(21, "n"), "21.000");
        assert_eq!(i(1234, "N1"), "1,234.0");
        assert_eq!(d(-1234.56, "N3"), "-1,234.560");
        assert_eq!(i(1, "P"), "100.000%");
        assert_eq!(d(0.95, "p"), "95.000%");
        assert_eq!(d(1234.5, "C"), "$1,234.50");
        assert_eq!(d(-0.39678, "P1"), "-39.7%");
        assert_eq!(d(123456789.12345678, "R"), "123456789.12345678");
        assert_eq!(d("-1234567890.12345678".parse().unwrap(), "R"), "-1234567890.1234567");
        assert_eq!(i(255, "X"), "FF");
        assert_eq!(i(-1, "x"), "ffffffff");
        assert_eq!(i(255, "x4"), "00ff");
        assert_eq!(i(-1, "X4"), "FFFFFFFF");
        assert_eq!(i(42, "B"), "101010");
        assert_eq!(i(255, "b16"), "0000000011111111");
        assert_eq!(format_number(Numeric::Signed(-1, 64), "X").unwrap(), "FFFFFFFFFFFFFFFF");
    }

    #[test]
    fn conformance_format_operator() {
        // fmt-002, fmt-004, fmt-008 of the shared conformance cases.
        assert_eq!(i(7, "00"), "07");
        assert_eq!(i(24, "000"), "024");
        assert_eq!(i(365, "000000"), "000365");
        assert_eq!(i(8175133, "N0"), "8,175,133");
        assert_eq!(d(1.2, "N2"), "1.20");
        assert_eq!(d(5.6, "N2"), "5.60");
    }

    // custom-numeric-format-strings.md examples.
    #[test]
    fn custom_doc_examples() {
        assert_eq!(d(123.0, "00000"), "00123");
        assert_eq!(d(1.2, "0.00"), "1.20");
        assert_eq!(d(1.2, "00.00"), "01.20");
        assert_eq!(d(0.56, "0.0"), "0.6");
        assert_eq!(d(1234567890.0, "0,0"), "1,234,567,890");
        assert_eq!(d(1234567890.123456, "0,0.0"), "1,234,567,890.1");
        assert_eq!(d(1234.5678, "0,0.00"), "1,234.57");
        assert_eq!(d(1.2, "#.##"), "1.2");
        assert_eq!(d(123.0, "#####"), "123");
        assert_eq!(d(123456.0, "[##-##-##]"), "[12-34-56]");
        assert_eq!(d(1234567890.0, "#"), "1234567890");
        assert_eq!(d(1234567890.0, "(###) ###-####"), "(123) 456-7890");
        assert_eq!(d(1234567890.0, "#,#"), "1,234,567,890");
        assert_eq!(d(1234567890.0, "#,##0,,"), "1,235");
        assert_eq!(d(0.086, "#0.##%"), "8.6%");
        assert_eq!(d(86000.0, "0.###E+0"), "8.6E+4");
        assert_eq!(d(86000.0, "0.###E+000"), "8.6E+004");
        assert_eq!(d(86000.0, "0.###E-000"), "8.6E004");
        assert_eq!(d(0.3697, "%#0.00"), "%36.97");
        assert_eq!(d(0.00354, "#0.## \u{2030}"), "3.54 ‰");
        assert_eq!(i(123, "\\#\\#\\# ##0 dollars and \\0\\0 cents \\#\\#\\#"), "### 123 dollars and 00 cents ###");
        assert_eq!(d(1234.0, "##;(##)"), "1234");
        assert_eq!(d(-1234.0, "##;(##)"), "(1234)");
        assert_eq!(d(0.0, "##;(##);**Zero**"), "**Zero**");
        assert_eq!(d(0.0, "#0.0#;(#0.0#);-\\0-"), "-0-");
        assert_eq!(d(-1234.0, "#0.0#;(#0.0#);-\\0-"), "(1234.0)");
        assert_eq!(i(9, "'#'#"), "#9");
        assert_eq!(d(1.0, "#"), "1");
        assert_eq!(d(0.0, "#"), "");
        assert_eq!(d(0.0, "0.0"), "0.0");
    }

    #[test]
    fn custom_rounding_uses_15_digits_then_away_from_zero() {
        // 2.675 is 2.67499999999999982... in binary.
        assert_eq!(d(2.675, "0.00"), "2.68");
        assert_eq!(d(2.675, "F2"), "2.67");
        assert_eq!(d(0.5, "0"), "1");
        assert_eq!(d(-0.5, "0"), "-1");
        assert_eq!(i(-5, "0"), "-5");
        // Negative values that round to zero keep the sign for floats.
        assert_eq!(d(-0.001, "0.00"), "-0.00");
        assert_eq!(d(-0.001, "F2"), "-0.00");
    }

    #[test]
    fn standard_ties_round_to_even_for_doubles_away_for_decimal() {
        // .NET Core 2.1+: equally near results pick the even digit (doc note).
        assert_eq!(d(2.5, "F0"), "2");
        assert_eq!(d(0.125, "F2"), "0.12");
        assert_eq!(d(3.5, "N0"), "4");
        assert_eq!(m(25, 1, "F0"), "3");
        assert_eq!(m(125, 3, "F2"), "0.13");
    }

    // pwsh 7.1 outputs reported in PowerShell/PowerShell#16150: F rounds the
    // exact binary value (0.35 is 0.34999..., 0.25 is a tie that goes even).
    #[test]
    fn fixed_rounding_matches_pwsh() {
        let f1 = ["0.1", "0.1", "0.2", "0.3", "0.5", "0.6", "0.7", "0.8", "0.8", "0.9"];
        for (k, want) in f1.iter().enumerate() {
            let v = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95][k];
            assert_eq!(d(v, "f1"), *want, "{v}");
        }
        let f2 = ["0.01", "0.01", "0.03", "0.04", "0.04", "0.06", "0.07", "0.07", "0.09", "0.10"];
        for (k, want) in f2.iter().enumerate() {
            let v = [0.005, 0.015, 0.025, 0.035, 0.045, 0.055, 0.065, 0.075, 0.085, 0.095][k];
            assert_eq!(d(v, "f2"), *want, "{v}");
        }
    }

    #[test]
    fn general_and_defaults() {
        assert_eq!(d(0.1 + 0.2, ""), "0.30000000000000004");
        assert_eq!(d(1e15, ""), "1E+15");
        assert_eq!(d(123456789012345.0, ""), "123456789012345");
        assert_eq!(d(1e-5, ""), "1E-05");
        assert_eq!(d(0.0001, ""), "0.0001");
        assert_eq!(d(-0.0, ""), "-0");
        assert_eq!(d(f64::NAN, "N2"), "NaN");
        assert_eq!(d(f64::INFINITY, ""), "∞");
        assert_eq!(i(12345, "G3"), "1.23E+04");
        assert_eq!(i(12345, "G"), "12345");
        assert_eq!(m(150, 2, ""), "1.50");
        assert_eq!(m(0, 2, ""), "0.00");
        assert_eq!(m(-150, 2, "N1"), "-1.5");
        assert_eq!(m(12345, 2, "C"), "$123.45");
        assert_eq!(format_number(Numeric::Single(0.1), "").unwrap(), "0.1");
        assert_eq!(d(1.5, "E0"), "2E+000");
    }

    #[test]
    fn invariant_culture() {
        let inv = |v: f64, f: &str| format_number_culture(Numeric::Double(v), f, Culture::Invariant).unwrap();
        assert_eq!(inv(1234.5678, "N"), "1,234.57");
        assert_eq!(inv(1234.5678, "F"), "1234.57");
        assert_eq!(inv(0.5, "P"), "50.00 %");
        assert_eq!(inv(-0.5, "P0"), "-50 %");
        assert_eq!(inv(1234.5, "C"), "¤1,234.50");
        assert_eq!(inv(-1234.5, "C"), "(¤1,234.50)");
        assert_eq!(inv(f64::INFINITY, ""), "Infinity");
        assert_eq!(inv(1.5, "0.00"), "1.50");
    }

    #[test]
    fn invalid_specifiers() {
        assert_eq!(format_number(Numeric::Double(1.5), "D").unwrap_err().message, BAD_FORMAT_SPECIFIER);
        assert!(format_number(Numeric::Double(1.5), "X2").is_err());
        assert!(format_number(Numeric::Signed(1, 32), "Q").is_err());
        // Letters with non-digits are custom formats, printed literally.
        assert_eq!(i(5, "Q0Q"), "Q5Q");
    }

    // PowerShell's double-to-string (conformance arith-010, arith-011).
    #[test]
    fn powershell_double_to_string() {
        assert_eq!(double_to_string(1.0 / 3.0), "0.333333333333333");
        // pwsh outputs quoted in PowerShell/PowerShell#15789 and #3293.
        assert_eq!(double_to_string(11111.11 - 11110.01), "1.10000000000036");
        assert_eq!(double_to_string(11111.11 - 11110.0), "1.11000000000058");
        assert_eq!(double_to_string(42.42 - 42.0), "0.420000000000002");
        assert_eq!(double_to_string(1.0 / 1.9), "0.526315789473684");
        assert_eq!(double_to_string(0.5), "0.5");
        assert_eq!(double_to_string(0.1 + 0.2), "0.3");
        assert_eq!(double_to_string(1e15), "1E+15");
        assert_eq!(double_to_string(999999999999999.0), "999999999999999");
        assert_eq!(double_to_string(1e-5), "1E-05");
        assert_eq!(double_to_string(-500.0), "-500");
        assert_eq!(double_to_string(-0.0), "-0");
        assert_eq!(double_to_string(0.0), "0");
        assert_eq!(double_to_string(999_999_999_999_999.0), "999999999999999");
        assert_eq!(double_to_string(-1e15), "-1E+15");
        assert_eq!(double_to_string(std::f64::consts::E), "2.71828182845905");
        assert_eq!(double_to_string(f64::NAN), "NaN");
        assert_eq!(double_to_string(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(double_to_string(1.7976931348623157e308), "1.79769313486232E+308");
        assert_eq!(double_to_string(0.01), "0.01");
        assert_eq!(single_to_string(3.4028235e38), "3.402823E+38");
        assert_eq!(single_to_string(0.1), "0.1");
        assert_eq!(double_to_string_roundtrip(1.0 / 3.0), "0.3333333333333333");
    }

    #[test]
    fn decimal_parse_and_from_double() {
        let p = |s: &str| Decimal::parse(s).unwrap().to_string();
        assert_eq!(p("1.50"), "1.50");
        assert_eq!(p(" -1,234.5 "), "-1234.5");
        assert_eq!(p(".5"), "0.5");
        assert_eq!(p("0.0000000000000000000000000000001"), "0.0000000000000000000000000000");
        assert!(Decimal::parse("1e5").is_err());
        assert!(Decimal::parse("abc").is_err());
        assert!(Decimal::parse("").is_err());
        assert!(Decimal::parse("99999999999999999999999999999999").is_err());
        let f = |v: f64| Decimal::from_f64(v).unwrap().to_string();
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1.0), "1");
        assert_eq!(f(100.0), "100");
        assert_eq!(f(1.0 / 3.0), "0.333333333333333");
        assert_eq!(f(-2.5e-5), "-0.000025");
        assert_eq!(f(1e20), "100000000000000000000");
        assert_eq!(f(1e-30), "0");
        assert!(Decimal::from_f64(1e30).is_err());
        assert!(Decimal::from_f64(f64::NAN).is_err());
    }

    #[test]
    fn decimal_basics() {
        let x = Decimal::new(-5, 3).unwrap();
        assert_eq!(x.to_string(), "-0.005");
        assert_eq!(x.to_f64(), -0.005);
        assert!(Decimal::new(1, 29).is_none());
    }
}
