//! Conversions as LanguagePrimitives does them: to string (invariant culture),
//! to bool, to numbers, and `convert_to` for casts and typed parameters.

use super::dotnet::{DateTime, TimeSpan};
use super::types::PsType;
use super::value::*;
use num_bigint::BigInt;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use std::rc::Rc;

/// A double as PowerShell prints it.
pub fn double_to_string(d: f64) -> String {
    super::dotnet::double_to_string(d)
}

/// DateTime in the invariant culture (`"$date"`): `MM/dd/yyyy HH:mm:ss`.
pub fn datetime_invariant(d: &DateTime) -> String {
    format!("{:02}/{:02}/{:04} {:02}:{:02}:{:02}", d.month(), d.day(), d.year(), d.hour(), d.minute(), d.second())
}

/// PowerShell's conversion of a value to string (string expansion, `[string]`).
/// The hidden member that carries an object's .NET `ToString()` text.
pub const TO_STRING: &str = "#ToString";

pub fn to_string(v: &Value) -> String {
    to_string_ofs(v, " ")
}

/// Same as `to_string` with a given `$OFS` for arrays.
pub fn to_string_ofs(v: &Value, ofs: &str) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) | Value::Switch(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Long(i) => i.to_string(),
        Value::Byte(i) => i.to_string(),
        Value::SByte(i) => i.to_string(),
        Value::Int16(i) => i.to_string(),
        Value::UInt16(i) => i.to_string(),
        Value::UInt32(i) => i.to_string(),
        Value::UInt64(i) => i.to_string(),
        Value::BigInt(i) => i.to_string(),
        Value::Single(f) => super::dotnet::single_to_string(*f),
        Value::Double(d) => double_to_string(*d),
        Value::Decimal(d) => d.to_string(),
        Value::Char(c) => c.to_string(),
        Value::String(s) => s.to_string(),
        Value::DateTime(d) => datetime_invariant(d),
        Value::TimeSpan(t) => t.to_string_c(),
        Value::Guid(g) => g.to_string(),
        Value::Array(_) | Value::List(_) => {
            let items = v.enumerate().unwrap_or_default();
            items
                .iter()
                .map(|x| match x {
                    Value::Array(_) | Value::List(_) => x.type_name(),
                    _ => to_string_ofs(x, ofs),
                })
                .collect::<Vec<_>>()
                .join(ofs)
        }
        Value::Hashtable(_) => v.type_name(),
        Value::Object(o) => {
            let o = o.borrow();
            // A .NET object whose ToString() is not its type name (PathInfo, FileInfo ...).
            if let Some((_, super::value::Member::Hidden(text))) = o.member(TO_STRING) {
                return to_string_ofs(text, ofs);
            }
            if let Some(b) = &o.base {
                return to_string_ofs(b, ofs);
            }
            if o.type_names.iter().any(|t| t == PSCUSTOMOBJECT) || o.type_names.is_empty() {
                let parts: Vec<String> =
                    o.notes().iter().map(|(n, v)| format!("{n}={}", to_string_nested(v))).collect();
                format!("@{{{}}}", parts.join("; "))
            } else {
                o.type_names.first().cloned().unwrap_or_default()
            }
        }
        Value::ScriptBlock(sb) => sb.text.clone(),
        Value::Type(t) => t.full_name(),
        Value::Enum(e) => e.name.clone(),
        Value::Error(e) => e.message(),
        Value::Exception(e) => e.message.clone(),
        Value::SecureString(_) => "System.Security.SecureString".into(),
        Value::Credential(_) => "System.Management.Automation.PSCredential".into(),
        Value::Other(o) => match o.enumerate() {
            Some(items) => items.iter().map(|x| to_string_ofs(x, ofs)).collect::<Vec<_>>().join(ofs),
            None => o.to_display(),
        },
    }
}

/// Inside `@{a=...}` rendering, nested values print by their ToString.
fn to_string_nested(v: &Value) -> String {
    match v {
        Value::Array(_) | Value::List(_) => v.type_name(),
        Value::DateTime(d) => d.to_string_en_us(),
        _ => to_string(v),
    }
}

/// .NET `ToString()` (culture en-US): differs from `to_string` for dates,
/// arrays and hashtables.
pub fn dotnet_to_string(v: &Value) -> String {
    match v {
        Value::DateTime(d) => d.to_string_en_us(),
        Value::Array(_) | Value::List(_) => v.type_name(),
        Value::Double(d) => double_to_string(*d),
        _ => to_string(v),
    }
}

/// LanguagePrimitives.IsTrue.
pub fn to_bool(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) | Value::Switch(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Long(i) => *i != 0,
        Value::Byte(i) => *i != 0,
        Value::SByte(i) => *i != 0,
        Value::Int16(i) => *i != 0,
        Value::UInt16(i) => *i != 0,
        Value::UInt32(i) => *i != 0,
        Value::UInt64(i) => *i != 0,
        Value::BigInt(i) => i.sign() != num_bigint::Sign::NoSign,
        Value::Single(f) => *f != 0.0,
        Value::Double(d) => *d != 0.0,
        Value::Decimal(d) => !d.is_zero(),
        Value::Char(c) => *c != '\0',
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => {
            let items = a.items.borrow();
            match items.len() {
                0 => false,
                1 => to_bool(&items[0]),
                _ => true,
            }
        }
        Value::List(l) => {
            let items = l.items.borrow();
            match items.len() {
                0 => false,
                1 => to_bool(&items[0]),
                _ => true,
            }
        }
        Value::Enum(e) => e.value != 0,
        _ => true,
    }
}

/// A number in one of PowerShell's arithmetic types: the smaller integer
/// types (Byte, SByte, Int16, UInt16, Char, Boolean) compute as Int32, as
/// pwsh's binder does (`IntOps`).
#[derive(Debug, Clone, PartialEq)]
pub enum Num {
    Int(i32),
    UInt(u32),
    Long(i64),
    ULong(u64),
    Double(f64),
    Decimal(Decimal),
    Big(Rc<BigInt>),
}

impl Num {
    pub fn to_value(&self) -> Value {
        match self {
            Num::Int(i) => Value::Int(*i),
            Num::UInt(i) => Value::UInt32(*i),
            Num::Long(i) => Value::Long(*i),
            Num::ULong(i) => Value::UInt64(*i),
            Num::Double(d) => Value::Double(*d),
            Num::Decimal(d) => Value::Decimal(*d),
            Num::Big(b) => Value::BigInt(b.clone()),
        }
    }
    pub fn as_f64(&self) -> f64 {
        match self {
            Num::Int(i) => f64::from(*i),
            Num::UInt(i) => f64::from(*i),
            Num::Long(i) => *i as f64,
            Num::ULong(i) => *i as f64,
            Num::Double(d) => *d,
            Num::Decimal(d) => d.to_f64().unwrap_or(0.0),
            Num::Big(b) => b.to_f64().unwrap_or(f64::NAN),
        }
    }
    /// The value as a Decimal; a double goes through 15 significant digits, as .NET's
    /// `(decimal)double` does. None when it does not fit.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Num::Int(i) => Some(Decimal::from(*i)),
            Num::UInt(i) => Some(Decimal::from(*i)),
            Num::Long(i) => Some(Decimal::from(*i)),
            Num::ULong(i) => Some(Decimal::from(*i)),
            Num::Double(d) => double_to_decimal(*d),
            Num::Decimal(d) => Some(*d),
            Num::Big(b) => b.to_i128().and_then(Decimal::from_i128),
        }
    }
    /// The value as an integer, doubles and decimals rounded half to even.
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            Num::Int(i) => Some(i128::from(*i)),
            Num::UInt(i) => Some(i128::from(*i)),
            Num::Long(i) => Some(i128::from(*i)),
            Num::ULong(i) => Some(i128::from(*i)),
            Num::Double(d) => {
                let r = round_half_even(*d);
                if r.is_finite() && r.abs() < 1.7e38 { Some(r as i128) } else { None }
            }
            Num::Decimal(d) => {
                d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven).to_i128()
            }
            Num::Big(b) => b.to_i128(),
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_i128().and_then(|i| i64::try_from(i).ok())
    }
    /// The value as a BigInteger: doubles and decimals are truncated, as .NET's
    /// explicit conversions do. None for NaN and infinities.
    pub fn as_bigint(&self) -> Option<BigInt> {
        match self {
            Num::Int(i) => Some(BigInt::from(*i)),
            Num::UInt(i) => Some(BigInt::from(*i)),
            Num::Long(i) => Some(BigInt::from(*i)),
            Num::ULong(i) => Some(BigInt::from(*i)),
            Num::Double(d) => num_bigint::BigInt::from_f64(d.trunc()),
            Num::Decimal(d) => d.trunc().to_i128().map(BigInt::from),
            Num::Big(b) => Some((**b).clone()),
        }
    }
    /// True for a negative value of a signed type (pwsh's `IsValueNegative`).
    pub fn is_negative(&self) -> bool {
        match self {
            Num::Int(i) => *i < 0,
            Num::Long(i) => *i < 0,
            Num::Double(d) => *d < 0.0,
            Num::Decimal(d) => d.is_sign_negative() && !d.is_zero(),
            Num::Big(b) => b.sign() == num_bigint::Sign::Minus,
            Num::UInt(_) | Num::ULong(_) => false,
        }
    }
}

/// .NET's `(decimal)double`: 15 significant digits; None for NaN, infinities and
/// values beyond Decimal's range.
pub fn double_to_decimal(d: f64) -> Option<Decimal> {
    if !d.is_finite() {
        return None;
    }
    if d == 0.0 {
        return Some(Decimal::ZERO);
    }
    Decimal::from_scientific(&format!("{d:.14e}")).ok().map(|x| x.normalize())
}

/// Parses an integer string (`[bigint]"123..."`): optional sign, ASCII digits,
/// surrounding white space.
pub fn parse_bigint(s: &str) -> Option<BigInt> {
    let t = s.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.strip_prefix('+').unwrap_or(t).parse::<BigInt>().ok()
}

/// Banker's rounding, as `[int]3.5` does.
pub fn round_half_even(d: f64) -> f64 {
    let r = d.round();
    if (d - d.trunc()).abs() == 0.5 { 2.0 * (d / 2.0).round() } else { r }
}

/// Parses a string as PowerShell parses numbers in conversions.
pub fn parse_number(s: &str) -> Option<Num> {
    let t = s.trim();
    if t.is_empty() {
        return Some(Num::Int(0));
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = body.to_ascii_lowercase();
    // multiplier suffixes
    let (digits, mult): (&str, i64) = if let Some(d) = lower.strip_suffix("kb") {
        (d, 1024)
    } else if let Some(d) = lower.strip_suffix("mb") {
        (d, 1024 * 1024)
    } else if let Some(d) = lower.strip_suffix("gb") {
        (d, 1024 * 1024 * 1024)
    } else if let Some(d) = lower.strip_suffix("tb") {
        (d, 1024_i64.pow(4))
    } else if let Some(d) = lower.strip_suffix("pb") {
        (d, 1024_i64.pow(5))
    } else {
        (lower.as_str(), 1)
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        let v = u64::from_str_radix(hex, 16).ok()?;
        let n = if v <= u32::MAX as u64 && hex.len() <= 8 { Num::Int(v as u32 as i32) } else { Num::Long(v as i64) };
        let n = mul_num(n, mult);
        return Some(if neg { neg_num(n) } else { n });
    }
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '-' | '+')) {
        return None;
    }
    if !digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let n = if digits.chars().all(|c| c.is_ascii_digit()) {
        match digits.parse::<i64>() {
            Ok(v) if v <= i32::MAX as i64 => Num::Int(v as i32),
            Ok(v) => Num::Long(v),
            Err(_) => match digits.parse::<Decimal>() {
                Ok(d) => Num::Decimal(d),
                Err(_) => Num::Double(digits.parse::<f64>().ok()?),
            },
        }
    } else {
        Num::Double(digits.parse::<f64>().ok()?)
    };
    let n = mul_num(n, mult);
    Some(if neg { neg_num(n) } else { n })
}

fn mul_num(n: Num, m: i64) -> Num {
    if m == 1 {
        return n;
    }
    match n {
        Num::UInt(_) | Num::ULong(_) | Num::Big(_) => n,
        Num::Int(i) => match i64::from(i).checked_mul(m) {
            Some(v) if v <= i32::MAX as i64 && v >= i32::MIN as i64 => Num::Int(v as i32),
            Some(v) => Num::Long(v),
            None => Num::Double(i as f64 * m as f64),
        },
        Num::Long(i) => i.checked_mul(m).map(Num::Long).unwrap_or(Num::Double(i as f64 * m as f64)),
        Num::Double(d) => Num::Double(d * m as f64),
        Num::Decimal(d) => Num::Decimal(d * Decimal::from(m)),
    }
}

fn neg_num(n: Num) -> Num {
    match n {
        Num::Int(i) => i.checked_neg().map(Num::Int).unwrap_or(Num::Long(-(i as i64))),
        Num::Long(i) => i.checked_neg().map(Num::Long).unwrap_or(Num::Double(-(i as f64))),
        Num::Double(d) => Num::Double(-d),
        Num::Decimal(d) => Num::Decimal(-d),
        Num::UInt(_) | Num::ULong(_) | Num::Big(_) => n,
    }
}

/// A value as a number for arithmetic; `None` when it is not convertible.
pub fn to_num(v: &Value) -> Option<Num> {
    match v {
        Value::Null => Some(Num::Int(0)),
        Value::Bool(b) | Value::Switch(b) => Some(Num::Int(i32::from(*b))),
        Value::Int(i) => Some(Num::Int(*i)),
        Value::Long(i) => Some(Num::Long(*i)),
        Value::Byte(i) => Some(Num::Int(i32::from(*i))),
        Value::SByte(i) => Some(Num::Int(i32::from(*i))),
        Value::Int16(i) => Some(Num::Int(i32::from(*i))),
        Value::UInt16(i) => Some(Num::Int(i32::from(*i))),
        Value::UInt32(i) => Some(Num::UInt(*i)),
        Value::UInt64(i) => Some(Num::ULong(*i)),
        Value::BigInt(b) => Some(Num::Big(b.clone())),
        // Single computes in DoubleOps, as every floating operation does.
        Value::Single(f) => Some(Num::Double(f64::from(*f))),
        Value::Double(d) => Some(Num::Double(*d)),
        Value::Decimal(d) => Some(Num::Decimal(*d)),
        Value::Char(c) => Some(Num::Int(*c as i32)),
        Value::String(s) => parse_number(s),
        Value::Enum(e) => Some(Num::Long(e.value)),
        Value::Object(o) => {
            let b = o.borrow().base.clone();
            b.and_then(|b| to_num(&b))
        }
        _ => None,
    }
}

/// The error text of a failed conversion.
pub fn cannot_convert(v: &Value, ty: &str, reason: &str) -> String {
    let shown = match v {
        Value::Array(_) | Value::List(_) => format!("\"{}\"", v.type_name()),
        Value::Null => "null".to_string(),
        _ => format!("\"{}\"", to_string(v)),
    };
    let from = if v.is_null() { String::new() } else { format!(" of type \"{}\"", v.type_name()) };
    if reason.is_empty() {
        format!("Cannot convert value {shown}{from} to type \"{ty}\".")
    } else if matches!(v, Value::String(_)) {
        format!("Cannot convert value {shown} to type \"{ty}\". Error: \"{reason}\"")
    } else {
        format!("Cannot convert the {shown} value{from} to type \"{ty}\".")
    }
}

const BAD_FORMAT: &str = "The input string '{}' was not in a correct format.";

fn bad_format(s: &str) -> String {
    BAD_FORMAT.replace("{}", s)
}

fn to_integer(v: &Value, ty: &PsType, min: i128, max: i128) -> Result<i128, String> {
    let tn = ty.full_name();
    let n = match v {
        Value::String(s) => parse_number(s).ok_or_else(|| cannot_convert(v, &tn, &bad_format(s)))?,
        _ => to_num(v).ok_or_else(|| cannot_convert(v, &tn, ""))?,
    };
    let too_big = || format!("Value was either too large or too small for {}.", short_int_name(ty));
    let r = match n.as_i128() {
        Some(r) if r >= min && r <= max => r,
        _ if matches!(n, Num::Double(_)) => return Err(cannot_convert(v, &tn, &too_big())),
        _ => {
            return Err(if matches!(v, Value::String(_)) {
                cannot_convert(v, &tn, &too_big())
            } else {
                format!("Cannot convert value \"{}\" to type \"{}\". Error: \"{}\"", to_string(v), tn, too_big())
            });
        }
    };
    Ok(r)
}

/// An integer of a given integer type as a value of that type (the caller checked the range).
fn int_value(ty: &PsType, i: i128) -> Value {
    match ty {
        PsType::Int => Value::Int(i as i32),
        PsType::Long => Value::Long(i as i64),
        PsType::Byte => Value::Byte(i as u8),
        PsType::SByte => Value::SByte(i as i8),
        PsType::Int16 => Value::Int16(i as i16),
        PsType::UInt16 => Value::UInt16(i as u16),
        PsType::UInt32 => Value::UInt32(i as u32),
        _ => Value::UInt64(i as u64),
    }
}

/// The range of an integer type.
pub fn int_range(ty: &PsType) -> Option<(i128, i128)> {
    Some(match ty {
        PsType::Int => (i32::MIN as i128, i32::MAX as i128),
        PsType::Long => (i64::MIN as i128, i64::MAX as i128),
        PsType::Byte => (0, u8::MAX as i128),
        PsType::SByte => (i8::MIN as i128, i8::MAX as i128),
        PsType::Int16 => (i16::MIN as i128, i16::MAX as i128),
        PsType::UInt16 => (0, u16::MAX as i128),
        PsType::UInt32 => (0, u32::MAX as i128),
        PsType::UInt64 => (0, u64::MAX as i128),
        _ => return None,
    })
}

/// `[bigint]value`.
fn to_bigint(v: &Value, tn: &str) -> Result<BigInt, String> {
    match v {
        Value::Null => Ok(BigInt::from(0)),
        Value::String(s) => parse_bigint(s).ok_or_else(|| cannot_convert(v, tn, &bad_format(s.trim()))),
        _ => {
            let n = to_num(v).ok_or_else(|| cannot_convert(v, tn, ""))?;
            n.as_bigint().ok_or_else(|| cannot_convert(v, tn, ""))
        }
    }
}

fn short_int_name(ty: &PsType) -> &'static str {
    match ty {
        PsType::Int => "an Int32",
        PsType::Long => "an Int64",
        PsType::Byte => "an unsigned byte",
        PsType::SByte => "a signed byte",
        PsType::Int16 => "an Int16",
        PsType::UInt16 => "a UInt16",
        PsType::UInt32 => "a UInt32",
        _ => "a UInt64",
    }
}

/// Parses a date the way `[datetime]"..."` does (invariant culture).
pub fn parse_datetime(s: &str) -> Option<DateTime> {
    if let Ok(d) = DateTime::parse_invariant(s) {
        return Some(d);
    }
    parse_datetime_fallback(s)
}

/// Shapes the invariant parser may not take (kept as a fallback).
fn parse_datetime_fallback(s: &str) -> Option<DateTime> {
    use chrono::{NaiveDate, NaiveDateTime};
    // Until dotnet's invariant parser lands: the common invariant shapes.
    let t = s.trim();
    let (t, utc) = match t.strip_suffix(['z', 'Z']) {
        Some(r) if r.contains(':') || r.contains('T') => (r, true),
        _ => (t, false),
    };
    let kind = if utc { super::dotnet::DateTimeKind::Utc } else { super::dotnet::DateTimeKind::Unspecified };
    // Two-digit years: .NET's TwoDigitYearMax is 2049.
    let expanded;
    let t = {
        let (date, rest) = t.split_once(' ').unwrap_or((t, ""));
        let parts: Vec<&str> = date.split('/').collect();
        if parts.len() == 3 && parts[2].len() == 2 && parts[2].chars().all(|c| c.is_ascii_digit()) {
            let yy: u32 = parts[2].parse().unwrap_or(0);
            let year = if yy < 50 { 2000 + yy } else { 1900 + yy };
            expanded = format!("{}/{}/{year}{}{rest}", parts[0], parts[1], if rest.is_empty() { "" } else { " " });
            expanded.as_str()
        } else {
            t
        }
    };
    const DT: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %I:%M%p",
        "%d %b %Y %H:%M:%S",
        "%b %d, %Y %H:%M:%S",
    ];
    for f in DT {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
            return Some(DateTime::from_naive(&n, kind));
        }
    }
    const D: &[&str] = &["%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%Y/%m/%d"];
    for f in D {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(DateTime::from_naive(&d.and_hms_opt(0, 0, 0)?, kind));
        }
    }
    None
}

/// Converts a value to a type as a cast or a typed parameter does.
pub fn convert_to(v: &Value, ty: &PsType) -> Result<Value, String> {
    let tn = ty.full_name();
    if v.is_null()
        && matches!(
            ty,
            PsType::ScriptBlock
                | PsType::Hashtable
                | PsType::Ordered
                | PsType::Array(_)
                | PsType::MdArray(..)
                | PsType::ArrayList
                | PsType::List(_)
                | PsType::PsCustomObject
                | PsType::Named(_)
                | PsType::Regex
                | PsType::SecureString
                | PsType::Credential
                | PsType::Type
                | PsType::ErrorRecord
                | PsType::Version
                | PsType::Xml
        )
    {
        return Ok(Value::Null);
    }
    match ty {
        PsType::Object | PsType::PsObject => Ok(v.clone()),
        PsType::Void => Ok(Value::Null),
        PsType::Bool => Ok(Value::Bool(to_bool(v))),
        PsType::Switch => Ok(Value::Switch(to_bool(v))),
        PsType::String => match v {
            Value::Null => Ok(Value::str("")),
            Value::String(_) => Ok(v.clone()),
            _ => Ok(Value::string(to_string(v))),
        },
        PsType::Int
        | PsType::Long
        | PsType::Byte
        | PsType::SByte
        | PsType::Int16
        | PsType::UInt16
        | PsType::UInt32
        | PsType::UInt64 => {
            let (lo, hi) = int_range(ty).unwrap_or((0, 0));
            to_integer(v, ty, lo, hi).map(|i| int_value(ty, i))
        }
        PsType::BigInt => to_bigint(v, &tn).map(Value::bigint),
        PsType::Double | PsType::Single => {
            let n = match v {
                Value::String(s) => parse_number(s).ok_or_else(|| cannot_convert(v, &tn, &bad_format(s)))?,
                _ => to_num(v).ok_or_else(|| cannot_convert(v, &tn, ""))?,
            };
            let d = n.as_f64();
            Ok(if matches!(ty, PsType::Single) { Value::Single(d as f32) } else { Value::Double(d) })
        }
        PsType::Decimal => {
            let n = match v {
                Value::String(s) => match s.trim().parse::<Decimal>() {
                    Ok(d) => Num::Decimal(d),
                    Err(_) => parse_number(s).ok_or_else(|| cannot_convert(v, &tn, &bad_format(s)))?,
                },
                _ => to_num(v).ok_or_else(|| cannot_convert(v, &tn, ""))?,
            };
            // .NET converts a double to decimal through 15 significant digits, a single
            // through 7.
            let d = match v {
                Value::Single(f) if f.is_finite() => {
                    Decimal::from_scientific(&format!("{f:.6e}")).ok().map(|x| x.normalize())
                }
                _ => n.as_decimal(),
            };
            d.map(Value::Decimal).ok_or_else(|| cannot_convert(v, &tn, ""))
        }
        PsType::Char => match v {
            Value::Char(_) => Ok(v.clone()),
            Value::String(s) if s.chars().count() == 1 => Ok(Value::Char(s.chars().next().unwrap_or('\0'))),
            Value::String(_) => Err(cannot_convert(v, &tn, "String must be exactly one character long.")),
            _ => {
                let i = to_integer(v, ty, 0, 0xFFFF)?;
                char::from_u32(i as u32).map(Value::Char).ok_or_else(|| cannot_convert(v, &tn, ""))
            }
        },
        PsType::DateTime => match v {
            Value::DateTime(_) => Ok(v.clone()),
            Value::String(s) => parse_datetime(s).map(Value::DateTime).ok_or_else(|| {
                cannot_convert(v, &tn, &format!("String '{s}' was not recognized as a valid DateTime."))
            }),
            Value::Long(t) => DateTime::from_ticks(*t, Default::default())
                .map(Value::DateTime)
                .map_err(|e| cannot_convert(v, &tn, &e.message)),
            Value::Int(t) => DateTime::from_ticks(i64::from(*t), Default::default())
                .map(Value::DateTime)
                .map_err(|e| cannot_convert(v, &tn, &e.message)),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::TimeSpan => match v {
            Value::TimeSpan(_) => Ok(v.clone()),
            Value::Int(t) => Ok(Value::TimeSpan(TimeSpan::from_ticks(i64::from(*t)))),
            Value::Long(t) => Ok(Value::TimeSpan(TimeSpan::from_ticks(*t))),
            Value::String(s) => parse_timespan(s).map(Value::TimeSpan).ok_or_else(|| {
                cannot_convert(v, &tn, &format!("String '{s}' was not recognized as a valid TimeSpan."))
            }),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::Guid => match v {
            Value::Guid(_) => Ok(v.clone()),
            Value::String(s) => uuid::Uuid::parse_str(s.trim().trim_matches(|c| c == '{' || c == '}'))
                .map(Value::Guid)
                .map_err(|_| cannot_convert(v, &tn, "Unrecognized Guid format.")),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::Array(elem) => {
            let items = v.to_list();
            let mut out = Vec::with_capacity(items.len());
            for it in &items {
                out.push(convert_to(it, elem)?);
            }
            if matches!(**elem, PsType::Object) {
                Ok(Value::array(out))
            } else {
                Ok(Value::typed_array((**elem).clone(), out))
            }
        }
        PsType::MdArray(elem, rank) => match v {
            Value::Array(a) if a.rank() == *rank && a.rank() > 1 => {
                let items = a.items.borrow().iter().map(|x| convert_to(x, elem)).collect::<Result<Vec<_>, _>>()?;
                let e = if matches!(**elem, PsType::Object) { None } else { Some((**elem).clone()) };
                Ok(Value::md_array(e, a.dims.clone(), items))
            }
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::ArrayList => Ok(Value::array_list(v.to_list())),
        PsType::List(elem) => {
            let mut out = Vec::new();
            for it in v.to_list() {
                out.push(convert_to(&it, elem)?);
            }
            Ok(Value::List(Rc::new(PsList { elem: Some((**elem).clone()), items: std::cell::RefCell::new(out) })))
        }
        PsType::Hashtable => match v {
            Value::Hashtable(h) => {
                let mut n = h.borrow().clone();
                n.ordered = false;
                if h.borrow().ordered { Ok(Value::hashtable(n)) } else { Ok(v.clone()) }
            }
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::Ordered => match v {
            Value::Hashtable(_) => Ok(v.clone()),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::PsCustomObject => match v {
            Value::Hashtable(h) => {
                let mut o = PsObject::custom();
                for (k, val) in h.borrow().entries() {
                    o.set_note(&to_string(&k), val);
                }
                Ok(Value::object(o))
            }
            _ => Ok(v.clone()),
        },
        PsType::ScriptBlock => match v {
            Value::ScriptBlock(_) => Ok(v.clone()),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::Enum(name, values) => convert_enum(v, name, values),
        PsType::Regex => Ok(Value::string(to_string(v))),
        PsType::SecureString => match v {
            Value::SecureString(_) => Ok(v.clone()),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::Type => match v {
            Value::Type(_) => Ok(v.clone()),
            Value::String(s) => Ok(Value::Type(Rc::new(PsType::resolve(s)))),
            _ => Err(cannot_convert(v, &tn, "")),
        },
        PsType::ErrorRecord | PsType::Credential | PsType::Version | PsType::Xml => Ok(v.clone()),
        PsType::Named(n) => {
            if v.type_name().eq_ignore_ascii_case(n) {
                Ok(v.clone())
            } else {
                Err(cannot_convert(v, n, ""))
            }
        }
    }
}

/// Converts to an enum by name (case-insensitive, comma-separated flags) or number.
pub fn convert_enum(v: &Value, name: &str, values: &[(&str, i64)]) -> Result<Value, String> {
    if let Value::Enum(e) = v
        && e.type_name == name
    {
        return Ok(v.clone());
    }
    if let Value::String(s) = v {
        let t = s.trim();
        if let Some((n, val)) = values.iter().find(|(n, _)| n.eq_ignore_ascii_case(t)) {
            return Ok(Value::Enum(Rc::new(EnumValue { type_name: name.into(), name: (*n).into(), value: *val })));
        }
        let list: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        return Err(format!(
            "Cannot convert value \"{t}\" to type \"{name}\". Error: \"Unable to match the identifier name {t} to a valid enumerator name. Specify one of the following enumerator names and try again:\n{}\"",
            list.join(", ")
        ));
    }
    if let Some(n) = to_num(v).and_then(|n| n.as_i64()) {
        let nm = values.iter().find(|(_, x)| *x == n).map(|(n, _)| n.to_string()).unwrap_or(n.to_string());
        return Ok(Value::Enum(Rc::new(EnumValue { type_name: name.into(), name: nm, value: n })));
    }
    Err(cannot_convert(v, name, ""))
}

/// TimeSpan from `[-][d.]hh:mm[:ss[.fffffff]]`.
pub fn parse_timespan(s: &str) -> Option<TimeSpan> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (days, rest) = match t.split_once('.') {
        Some((d, r)) if !d.contains(':') && r.contains(':') => (d.parse::<i64>().ok()?, r),
        _ => (0, t),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [d] => {
            let d: i64 = d.parse().ok()?;
            return Some(TimeSpan::from_ticks(if neg { -d } else { d } * 864_000_000_000));
        }
        [h, m] => (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?, 0.0),
        [h, m, s] => (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?, s.parse::<f64>().ok()?),
        _ => return None,
    };
    let ticks = days * 864_000_000_000 + h * 36_000_000_000 + m * 600_000_000 + (sec * 10_000_000.0).round() as i64;
    Some(TimeSpan::from_ticks(if neg { -ticks } else { ticks }))
}

/// `-is`: does the value have this type?
pub fn is_type(v: &Value, ty: &PsType) -> bool {
    match (ty, v) {
        (_, Value::Null) => false,
        (PsType::Object, _) => true,
        (PsType::PsObject, Value::Object(_)) => true,
        (PsType::PsObject, _) => false,
        (PsType::PsCustomObject, Value::Object(o)) => o.borrow().base.is_none(),
        (PsType::Bool, Value::Bool(_)) => true,
        (PsType::Int, Value::Int(_)) => true,
        (PsType::Long, Value::Long(_)) => true,
        (PsType::Byte, Value::Byte(_)) => true,
        (PsType::SByte, Value::SByte(_)) => true,
        (PsType::Int16, Value::Int16(_)) => true,
        (PsType::UInt16, Value::UInt16(_)) => true,
        (PsType::UInt32, Value::UInt32(_)) => true,
        (PsType::UInt64, Value::UInt64(_)) => true,
        (PsType::BigInt, Value::BigInt(_)) => true,
        (PsType::MdArray(e, rank), Value::Array(a)) => {
            a.rank() == *rank && a.rank() > 1 && (**e == PsType::Object || a.elem.as_ref() == Some(&**e))
        }
        (PsType::Double, Value::Double(_)) => true,
        (PsType::Single, Value::Single(_)) => true,
        (PsType::Decimal, Value::Decimal(_)) => true,
        (PsType::Char, Value::Char(_)) => true,
        (PsType::String, Value::String(_)) => true,
        (PsType::DateTime, Value::DateTime(_)) => true,
        (PsType::TimeSpan, Value::TimeSpan(_)) => true,
        (PsType::Guid, Value::Guid(_)) => true,
        (PsType::Array(e), Value::Array(a)) => match (&**e, &a.elem) {
            (PsType::Object, _) => true,
            _ if a.rank() > 1 => false,
            (t, Some(x)) => t == x,
            _ => false,
        },
        (PsType::ArrayList, Value::List(l)) => l.elem.is_none(),
        (PsType::List(e), Value::List(l)) => l.elem.as_ref() == Some(&**e),
        (PsType::Hashtable, Value::Hashtable(h)) => !h.borrow().ordered,
        (PsType::Ordered, Value::Hashtable(h)) => h.borrow().ordered,
        (PsType::ScriptBlock, Value::ScriptBlock(_)) => true,
        (PsType::Switch, Value::Switch(_)) => true,
        (PsType::SecureString, Value::SecureString(_)) => true,
        (PsType::Credential, Value::Credential(_)) => true,
        (PsType::ErrorRecord, Value::Error(_)) => true,
        (PsType::Type, Value::Type(_)) => true,
        (PsType::Enum(n, _), Value::Enum(e)) => e.type_name == *n,
        (PsType::Named(n), Value::Exception(e)) => exception_is(&e.type_name, n),
        (PsType::Named(n), _) => v.type_names().iter().any(|t| t.eq_ignore_ascii_case(n)),
        _ => false,
    }
}

/// Exception type hierarchy for `catch [T]` and `-is`.
pub fn exception_is(actual: &str, wanted: &str) -> bool {
    let mut cur = actual.to_string();
    loop {
        if cur.eq_ignore_ascii_case(wanted) {
            return true;
        }
        let parent = match cur.as_str() {
            "System.Exception" => return false,
            "System.ArgumentNullException" | "System.ArgumentOutOfRangeException" => "System.ArgumentException",
            "System.DivideByZeroException" | "System.OverflowException" => "System.ArithmeticException",
            "System.ArithmeticException" => "System.SystemException",
            "System.IO.FileNotFoundException" | "System.IO.DirectoryNotFoundException" => "System.IO.IOException",
            "System.IO.IOException" => "System.SystemException",
            "System.Management.Automation.ItemNotFoundException"
            | "System.Management.Automation.CommandNotFoundException"
            | "System.Management.Automation.ParameterBindingException"
            | "System.Management.Automation.MethodInvocationException"
            | "System.Management.Automation.PSInvalidCastException"
            | "System.Management.Automation.ActionPreferenceStopException" => {
                "System.Management.Automation.RuntimeException"
            }
            "System.Management.Automation.RuntimeException" => "System.SystemException",
            "System.SystemException" => "System.Exception",
            _ => "System.SystemException",
        };
        cur = parent.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_cast_rounds_to_even() {
        assert_eq!(convert_to(&Value::Double(2.5), &PsType::Int).unwrap(), Value::Int(2));
        assert_eq!(convert_to(&Value::Double(3.5), &PsType::Int).unwrap(), Value::Int(4));
        assert_eq!(convert_to(&Value::str(" 42 "), &PsType::Int).unwrap(), Value::Int(42));
        assert!(convert_to(&Value::str("abc"), &PsType::Int).is_err());
    }

    #[test]
    fn double_to_decimal_keeps_15_digits() {
        let d = convert_to(&Value::Double(0.1), &PsType::Decimal).unwrap();
        assert_eq!(to_string(&d), "0.1");
        let d = convert_to(&Value::Double(4567.123456789), &PsType::Decimal).unwrap();
        assert_eq!(to_string(&d), "4567.123456789");
    }

    #[test]
    fn truthiness() {
        assert!(!to_bool(&Value::array(vec![Value::Int(0)])));
        assert!(to_bool(&Value::array(vec![Value::Int(0), Value::Int(0)])));
        assert!(to_bool(&Value::str("False")));
        assert!(!to_bool(&Value::str("")));
    }
}
