//! Numeric literals with PowerShell's typing rules, scanned with nom.

use super::ast::ConstantValue;
use nom::IResult;
use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_while, take_while1};
use nom::combinator::{opt, recognize};
use nom::sequence::{pair, preceded, tuple};

/// The lexical parts of a number literal.
struct Parts<'a> {
    hex: Option<&'a str>,
    binary: Option<&'a str>,
    int: &'a str,
    frac: Option<&'a str>,
    exp: Option<&'a str>,
    suffix: Option<&'a str>,
    multiplier: Option<&'a str>,
}

fn digits(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_digit())(i)
}

// G hexadecimal-integer-literal
fn hex(i: &str) -> IResult<&str, &str> {
    preceded(tag_no_case("0x"), take_while1(|c: char| c.is_ascii_hexdigit()))(i)
}

fn binary(i: &str) -> IResult<&str, &str> {
    preceded(tag_no_case("0b"), take_while1(|c: char| c == '0' || c == '1'))(i)
}

// G exponent-part
fn exponent(i: &str) -> IResult<&str, &str> {
    recognize(tuple((
        alt((tag_no_case("e"), tag_no_case("E"))),
        opt(alt((nom::bytes::complete::tag("+"), nom::bytes::complete::tag("-")))),
        digits,
    )))(i)
}

// G numeric-type-suffix
fn suffix(i: &str) -> IResult<&str, &str> {
    alt((
        tag_no_case("ul"),
        tag_no_case("uy"),
        tag_no_case("us"),
        tag_no_case("l"),
        tag_no_case("d"),
        tag_no_case("u"),
        tag_no_case("y"),
        tag_no_case("s"),
        tag_no_case("n"),
    ))(i)
}

// G numeric-multiplier
fn multiplier(i: &str) -> IResult<&str, &str> {
    alt((tag_no_case("kb"), tag_no_case("mb"), tag_no_case("gb"), tag_no_case("tb"), tag_no_case("pb")))(i)
}

// G decimal-integer-literal
fn parts(i: &str) -> IResult<&str, Parts<'_>> {
    if let Ok((rest, h)) = hex(i) {
        let (rest, suffix) = opt(suffix)(rest)?;
        let (rest, multiplier) = opt(multiplier)(rest)?;
        return Ok((rest, Parts { hex: Some(h), binary: None, int: "", frac: None, exp: None, suffix, multiplier }));
    }
    if let Ok((rest, b)) = binary(i) {
        let (rest, suffix) = opt(suffix)(rest)?;
        let (rest, multiplier) = opt(multiplier)(rest)?;
        return Ok((rest, Parts { hex: None, binary: Some(b), int: "", frac: None, exp: None, suffix, multiplier }));
    }
    // G real-literal
    let (rest, int) = take_while(|c: char| c.is_ascii_digit())(i)?;
    let (rest, frac) = opt(preceded(nom::bytes::complete::tag("."), digits))(rest)?;
    if int.is_empty() && frac.is_none() {
        return Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Digit)));
    }
    let (rest, exp) = opt(exponent)(rest)?;
    let (rest, suffix) = opt(suffix)(rest)?;
    let (rest, multiplier) = opt(multiplier)(rest)?;
    Ok((rest, Parts { hex: None, binary: None, int, frac, exp, suffix, multiplier }))
}

/// Scans a number at the start of `input` (no sign). Returns the value and the
/// byte length, or None when `input` does not start with a valid number.
/// `negative` applies a leading minus the caller consumed.
pub fn scan_number(input: &str, negative: bool) -> Option<(ConstantValue, usize)> {
    let (rest, p) = pair(parts, nom::combinator::success(()))(input).ok().map(|(r, (p, _))| (r, p))?;
    let len = input.len() - rest.len();
    let mult: i128 = match p.multiplier.map(|m| m.to_ascii_lowercase()) {
        None => 1,
        Some(m) => match m.as_str() {
            "kb" => 1 << 10,
            "mb" => 1 << 20,
            "gb" => 1 << 30,
            "tb" => 1 << 40,
            _ => 1 << 50,
        },
    };
    let suffix = p.suffix.map(|s| s.to_ascii_lowercase());
    let sign: i128 = if negative { -1 } else { 1 };
    if let Some(h) = p.hex.or(p.binary) {
        let radix = if p.hex.is_some() { 16 } else { 2 };
        let raw = u64::from_str_radix(h, radix).ok()?;
        // Hex literals are Int32 when they fit in 32 bits (0xFFFFFFFF is -1), else
        // Int64 (0xFFFFFFFFFFFFFFFF is -1 as Int64), as pwsh types them.
        let (v, wide): (i128, bool) = if raw <= u64::from(u32::MAX) && (radix == 16 || raw <= i32::MAX as u64) {
            (i128::from(raw as u32 as i32), false)
        } else {
            (i128::from(raw as i64), true)
        };
        // A type suffix reads the digits in that type's width, sign bit included
        // (0xFFFFFFFF is -1 but 0xFFFFFFFFu is 4294967295, 0xFFFFs is -1).
        let v = match suffix.as_deref() {
            Some("u" | "ul" | "uy" | "us") => i128::from(raw),
            Some("y") if raw <= 0xFF => i128::from(raw as u8 as i8),
            Some("s") if raw <= 0xFFFF => i128::from(raw as u16 as i16),
            Some("l") => i128::from(raw as i64),
            Some("y" | "s") => return None,
            _ => v,
        };
        let v = v * sign * mult;
        if wide && suffix.is_none() {
            return Some((ConstantValue::Int64(i64::try_from(v).ok()?), len));
        }
        return typed_int(v, suffix.as_deref()).map(|v| (v, len));
    }
    let is_real = p.frac.is_some() || p.exp.is_some();
    let text = format!("{}{}{}", p.int, p.frac.map(|f| format!(".{f}")).unwrap_or_default(), p.exp.unwrap_or(""));
    if suffix.as_deref() == Some("d") {
        let mut s = text.clone();
        if p.exp.is_some() || mult != 1 {
            let f: f64 = s.parse().ok()?;
            s = format!("{}", f * mult as f64);
        }
        if negative {
            s.insert(0, '-');
        }
        return Some((ConstantValue::Decimal(s), len));
    }
    if is_real {
        let f: f64 = text.parse().ok()?;
        let v = f * mult as f64 * sign as f64;
        if suffix.is_some() {
            // `3.72y` is SByte 4, `2.5l` is Int64 2: integer suffixes round a real
            // literal to even, as [Math]::Round does.
            let r = v.round_ties_even();
            if !r.is_finite() || r.abs() > 1e38 {
                return None;
            }
            return typed_int(r as i128, suffix.as_deref()).map(|v| (v, len));
        }
        return Some((ConstantValue::Double(v), len));
    }
    let digits = p.int.trim_start_matches('0');
    if suffix.as_deref() == Some("n") {
        // BigInteger literals have no size limit.
        let mut b: num_bigint::BigInt = if digits.is_empty() { 0.into() } else { digits.parse().ok()? };
        b *= mult;
        if negative {
            b = -b;
        }
        return Some((ConstantValue::BigInteger(b.to_string()), len));
    }
    if digits.len() > 30 {
        let f: f64 = p.int.parse().ok()?;
        return Some((ConstantValue::Double(f * sign as f64), len));
    }
    let raw: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let Some(v) = raw.checked_mul(sign * mult) else {
        return Some((ConstantValue::Double(raw as f64 * (sign * mult) as f64), len));
    };
    match suffix.as_deref() {
        None => {
            if let Ok(x) = i32::try_from(v) {
                Some((ConstantValue::Int32(x), len))
            } else if let Ok(x) = i64::try_from(v) {
                Some((ConstantValue::Int64(x), len))
            } else if v.unsigned_abs() < 10u128.pow(28) {
                Some((ConstantValue::Decimal(v.to_string()), len))
            } else {
                Some((ConstantValue::Double(v as f64), len))
            }
        }
        s => typed_int(v, s).map(|v| (v, len)),
    }
}

fn typed_int(v: i128, suffix: Option<&str>) -> Option<ConstantValue> {
    Some(match suffix {
        None => match i32::try_from(v) {
            Ok(x) => ConstantValue::Int32(x),
            Err(_) => ConstantValue::Int64(i64::try_from(v).ok()?),
        },
        Some("l") => ConstantValue::Int64(i64::try_from(v).ok()?),
        Some("u") => match u32::try_from(v) {
            Ok(x) => ConstantValue::UInt32(x),
            Err(_) => ConstantValue::UInt64(u64::try_from(v).ok()?),
        },
        Some("ul") => ConstantValue::UInt64(u64::try_from(v).ok()?),
        Some("y") => ConstantValue::SByte(i8::try_from(v).ok()?),
        Some("uy") => ConstantValue::Byte(u8::try_from(v).ok()?),
        Some("s") => ConstantValue::Int16(i16::try_from(v).ok()?),
        Some("us") => ConstantValue::UInt16(u16::try_from(v).ok()?),
        Some("n") => ConstantValue::BigInteger(v.to_string()),
        Some(_) => ConstantValue::Decimal(v.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_follows_pwsh() {
        assert_eq!(scan_number("1", false), Some((ConstantValue::Int32(1), 1)));
        assert_eq!(scan_number("3000000000", false), Some((ConstantValue::Int64(3_000_000_000), 10)));
        assert_eq!(scan_number("1kb", false), Some((ConstantValue::Int32(1024), 3)));
        assert_eq!(scan_number("2gb", false), Some((ConstantValue::Int64(2 << 30), 3)));
        assert_eq!(scan_number("0x10", false), Some((ConstantValue::Int32(16), 4)));
        assert_eq!(scan_number("0xFFFFFFFF", false), Some((ConstantValue::Int32(-1), 10)));
        assert_eq!(scan_number("1l", false), Some((ConstantValue::Int64(1), 2)));
        assert_eq!(scan_number("1.5", false), Some((ConstantValue::Double(1.5), 3)));
        assert_eq!(scan_number("1.5d", false), Some((ConstantValue::Decimal("1.5".into()), 4)));
        assert_eq!(scan_number("1e3", false), Some((ConstantValue::Double(1000.0), 3)));
        assert_eq!(scan_number("5", true), Some((ConstantValue::Int32(-5), 1)));
        assert_eq!(scan_number("1..5", false), Some((ConstantValue::Int32(1), 1)));
        assert_eq!(scan_number("abc", false), None);
        assert_eq!(scan_number("0xFFFFFFFFFFFFFFFF", false), Some((ConstantValue::Int64(-1), 18)));
        assert_eq!(scan_number("0x100000000", false), Some((ConstantValue::Int64(1 << 32), 11)));
        assert_eq!(scan_number("3.72y", false), Some((ConstantValue::SByte(4), 5)));
        assert_eq!(scan_number("2.5l", false), Some((ConstantValue::Int64(2), 4)));
        assert_eq!(scan_number("1lkb", false), Some((ConstantValue::Int64(1024), 4)));
        assert_eq!(scan_number("0xFFuy", false), Some((ConstantValue::Byte(255), 6)));
        assert_eq!(scan_number("1n", false), Some((ConstantValue::BigInteger("1".into()), 2)));
        assert_eq!(scan_number("0xFFFFFFFFu", false), Some((ConstantValue::UInt32(u32::MAX), 11)));
        assert_eq!(scan_number("0xFFFFFFFFFFFFFFFFul", false), Some((ConstantValue::UInt64(u64::MAX), 20)));
        assert_eq!(scan_number("0xFFFFs", false), Some((ConstantValue::Int16(-1), 7)));
        assert_eq!(scan_number("0x7FFFs", false), Some((ConstantValue::Int16(32767), 7)));
        assert_eq!(scan_number("0xFFy", false), Some((ConstantValue::SByte(-1), 5)));
        assert_eq!(scan_number("0xFFFFFFFFl", false), Some((ConstantValue::Int64(4_294_967_295), 11)));
        assert_eq!(scan_number("0x1FFFFs", false), None);
        assert_eq!(scan_number("5u", false), Some((ConstantValue::UInt32(5), 2)));
        assert_eq!(scan_number("5us", false), Some((ConstantValue::UInt16(5), 3)));
        assert_eq!(
            scan_number("123456789012345678901234567890123n", true),
            Some((ConstantValue::BigInteger("-123456789012345678901234567890123".into()), 34))
        );
        assert_eq!(scan_number("2nkb", false), Some((ConstantValue::BigInteger("2048".into()), 4)));
        assert_eq!(scan_number("999999999999999999999999999999pb", false).map(|(_, n)| n), Some(32));
    }
}
