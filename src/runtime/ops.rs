//! Operators: arithmetic with pwsh's widening, comparisons where the left
//! operand decides, array-on-the-left filtering.

use super::convert::{Num, cannot_convert, to_num, to_string};
use super::error::{ErrorRecord, Exception, Flow, R};
use super::types::PsType;
use super::value::*;
use num_bigint::BigInt;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::cmp::Ordering;

fn arith_error(msg: String) -> Flow {
    Flow::error(ErrorRecord::new(
        Exception::new("System.Management.Automation.RuntimeException", msg),
        "RuntimeException",
        "InvalidOperation",
        Value::Null,
    ))
}

fn op_not_defined(op: &str, l: &Value, r: &Value) -> Flow {
    Flow::error(ErrorRecord::new(
        Exception::runtime(format!(
            "Method invocation failed because [{}] does not contain a method named 'op_{}'.",
            l.type_name(),
            op
        )),
        "MethodNotFound",
        "InvalidOperation",
        r.clone(),
    ))
}

/// The right operand as a number for arithmetic with a numeric left operand.
fn rhs_num(l: &Value, r: &Value) -> R<Num> {
    to_num(r).ok_or_else(|| {
        let target = if l.is_numeric() { l.type_name() } else { "System.Int32".to_string() };
        let msg = match r {
            Value::String(s) => {
                cannot_convert(r, &target, &format!("The input string '{s}' was not in a correct format."))
            }
            _ => cannot_convert(r, &target, ""),
        };
        arith_error(msg)
    })
}

/// The type a binary numeric operation computes in, chosen as pwsh's binder
/// (`BinaryNumericOp`) chooses it: the wider operand type by .NET TypeCode order
/// (Int32 < UInt32 < Int64 < UInt64 < Double < Decimal), where an unsigned type
/// meeting a negative signed value widens (UInt32 to Int64, UInt64 to Decimal).
/// BigInteger has operators of its own that take any integer.
#[derive(Clone, Copy, PartialEq, Debug)]
enum OpType {
    Int,
    UInt,
    Long,
    ULong,
    Double,
    Decimal,
    /// UInt64 with a negative signed operand: Decimal, or Double when Decimal overflows.
    DecimalOrDouble,
    Big,
}

fn type_rank(n: &Num) -> u8 {
    match n {
        Num::Int(_) => 9,
        Num::UInt(_) => 10,
        Num::Long(_) => 11,
        Num::ULong(_) => 12,
        Num::Double(_) => 14,
        Num::Decimal(_) => 15,
        Num::Big(_) => 20,
    }
}

fn op_type(a: &Num, b: &Num) -> OpType {
    let neg = a.is_negative() || b.is_negative();
    match type_rank(a).max(type_rank(b)) {
        9 => OpType::Int,
        10 if neg => OpType::Long,
        10 => OpType::UInt,
        11 => OpType::Long,
        12 if neg => OpType::DecimalOrDouble,
        12 => OpType::ULong,
        14 => OpType::Double,
        15 => OpType::Decimal,
        _ => OpType::Big,
    }
}

#[derive(Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

fn div0() -> Flow {
    Flow::error(ErrorRecord::new(
        Exception::new("System.DivideByZeroException", "Attempted to divide by zero."),
        "RuntimeException",
        "NotSpecified",
        Value::Null,
    ))
}

fn decimal_overflow() -> Flow {
    arith_error("Value was either too large or too small for a Decimal.".into())
}

/// Integer arithmetic in i128 for Int32/UInt32/Int64/UInt64 (IntOps, UIntOps,
/// LongOps, ULongOps): a result that leaves the type becomes a Double; a division
/// with a remainder is done in doubles.
fn int_op(op: Arith, x: i128, y: i128, lo: i128, hi: i128, make: fn(i128) -> Value) -> R<Value> {
    let r = match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => match x.checked_mul(y) {
            Some(r) => r,
            None => return Ok(Value::Double(x as f64 * y as f64)),
        },
        Arith::Div => {
            if y == 0 {
                return Err(div0());
            }
            if x % y != 0 {
                return Ok(Value::Double(x as f64 / y as f64));
            }
            x / y
        }
        Arith::Rem => {
            if y == 0 {
                return Err(div0());
            }
            x % y
        }
    };
    Ok(if r >= lo && r <= hi { make(r) } else { Value::Double(r as f64) })
}

fn double_op(op: Arith, x: f64, y: f64) -> R<Value> {
    Ok(Value::Double(match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        Arith::Div => {
            if y == 0.0 {
                return Err(div0());
            }
            x / y
        }
        Arith::Rem => x % y,
    }))
}

fn decimal_op(op: Arith, x: Decimal, y: Decimal) -> Option<R<Value>> {
    let r = match op {
        Arith::Add => x.checked_add(y),
        Arith::Sub => x.checked_sub(y),
        Arith::Mul => x.checked_mul(y),
        Arith::Div => {
            if y.is_zero() {
                return Some(Err(div0()));
            }
            x.checked_div(y).map(|d| d.normalize())
        }
        Arith::Rem => {
            if y.is_zero() {
                return Some(Err(div0()));
            }
            x.checked_rem(y)
        }
    };
    r.map(|v| Ok(Value::Decimal(v)))
}

fn big_op(op: Arith, x: BigInt, y: BigInt) -> R<Value> {
    let zero = y.sign() == num_bigint::Sign::NoSign;
    Ok(Value::bigint(match op {
        Arith::Add => x + y,
        Arith::Sub => x - y,
        Arith::Mul => x * y,
        // BigInteger.Divide and Remainder truncate toward zero, as Rust's do.
        Arith::Div | Arith::Rem if zero => return Err(div0()),
        Arith::Div => x / y,
        Arith::Rem => x % y,
    }))
}

fn as_big(n: &Num) -> R<BigInt> {
    n.as_bigint().ok_or_else(|| arith_error(cannot_convert(&n.to_value(), "System.Numerics.BigInteger", "")))
}

fn num_op(op: Arith, a: Num, b: Num) -> R<Value> {
    let int = |n: &Num| n.as_i128().unwrap_or(0);
    match op_type(&a, &b) {
        OpType::Int => int_op(op, int(&a), int(&b), i32::MIN as i128, i32::MAX as i128, |r| Value::Int(r as i32)),
        OpType::UInt => int_op(op, int(&a), int(&b), 0, u32::MAX as i128, |r| Value::UInt32(r as u32)),
        OpType::Long => int_op(op, int(&a), int(&b), i64::MIN as i128, i64::MAX as i128, |r| Value::Long(r as i64)),
        OpType::ULong => int_op(op, int(&a), int(&b), 0, u64::MAX as i128, |r| Value::UInt64(r as u64)),
        OpType::Double => double_op(op, a.as_f64(), b.as_f64()),
        OpType::Decimal => {
            let (x, y) = (a.as_decimal().ok_or_else(decimal_overflow)?, b.as_decimal().ok_or_else(decimal_overflow)?);
            decimal_op(op, x, y).unwrap_or_else(|| Err(decimal_overflow()))
        }
        OpType::DecimalOrDouble => match (a.as_decimal(), b.as_decimal()) {
            (Some(x), Some(y)) => match decimal_op(op, x, y) {
                Some(r) => r,
                None => double_op(op, a.as_f64(), b.as_f64()),
            },
            _ => double_op(op, a.as_f64(), b.as_f64()),
        },
        OpType::Big => big_op(op, as_big(&a)?, as_big(&b)?),
    }
}

/// `l + r`.
pub fn add(l: &Value, r: &Value) -> R<Value> {
    match l {
        Value::Null => match r {
            Value::Null => Ok(Value::Null),
            Value::Array(_) | Value::List(_) => Ok(Value::array(r.to_list())),
            _ => Ok(r.clone()),
        },
        Value::String(s) => {
            let mut out = String::with_capacity(s.len() + 8);
            out.push_str(s);
            out.push_str(&to_string(r));
            Ok(Value::string(out))
        }
        // BinaryAdd: a Char on the left concatenates whatever the right is ('a' + 1 is "a1");
        // the other operators treat it as a number.
        Value::Char(c) => Ok(Value::string(format!("{c}{}", to_string(r)))),
        Value::Array(_) | Value::List(_) => {
            let mut items = l.to_list();
            match r {
                Value::Array(_) | Value::List(_) => items.extend(r.to_list()),
                _ => items.push(r.clone()),
            }
            // EnumerableOps.AddObject/AddEnumerable: the result is always an Object[], whatever
            // the left array's element type or rank (a type-constrained variable converts it
            // back on assignment: [int[]]$a = 1,2; $a += '3').
            Ok(Value::array(items))
        }
        Value::Hashtable(h) => match r {
            Value::Hashtable(h2) => {
                let mut out = h.borrow().clone();
                for (k, v) in h2.borrow().entries() {
                    out.add(k, v).map_err(|m| {
                        Flow::error(ErrorRecord::new(
                            Exception::new("System.ArgumentException", m),
                            "System.ArgumentException",
                            "NotSpecified",
                            Value::Null,
                        ))
                    })?;
                }
                Ok(Value::hashtable(out))
            }
            _ => Err(arith_error("A hash table can only be added to another hash table.".into())),
        },
        Value::DateTime(d) => match r {
            Value::TimeSpan(t) => d.add_span(*t).map(Value::DateTime).map_err(|e| arith_error(e.message)),
            _ => match to_num(r) {
                Some(n) => {
                    d.add_ticks(n.as_i64().unwrap_or(0)).map(Value::DateTime).map_err(|e| arith_error(e.message))
                }
                None => Err(op_not_defined("Addition", l, r)),
            },
        },
        Value::TimeSpan(t) => match r {
            Value::TimeSpan(t2) => t.checked_add(*t2).map(Value::TimeSpan).map_err(|e| arith_error(e.message)),
            Value::DateTime(d) => d.add_span(*t).map(Value::DateTime).map_err(|e| arith_error(e.message)),
            _ => Err(op_not_defined("Addition", l, r)),
        },
        _ => match to_num(l) {
            Some(a) if !matches!(l, Value::Object(_)) || a != Num::Int(0) => num_op(Arith::Add, a, rhs_num(l, r)?),
            _ => Err(op_not_defined("Addition", l, r)),
        },
    }
}

/// `l - r`.
pub fn sub(l: &Value, r: &Value) -> R<Value> {
    match (l, r) {
        (Value::DateTime(a), Value::DateTime(b)) => Ok(Value::TimeSpan(a.sub_datetime(*b))),
        (Value::DateTime(a), Value::TimeSpan(t)) => {
            a.sub_span(*t).map(Value::DateTime).map_err(|e| arith_error(e.message))
        }
        (Value::TimeSpan(a), Value::TimeSpan(b)) => {
            a.checked_sub(*b).map(Value::TimeSpan).map_err(|e| arith_error(e.message))
        }
        (Value::Null, _) => num_op(Arith::Sub, Num::Int(0), rhs_num(&Value::Int(0), r)?),
        _ => match to_num(l) {
            Some(a) if !l.is_enumerable() => num_op(Arith::Sub, a, rhs_num(l, r)?),
            _ => Err(op_not_defined("Subtraction", l, r)),
        },
    }
}

/// `l * r`.
pub fn mul(l: &Value, r: &Value) -> R<Value> {
    match l {
        Value::Null => Ok(Value::Null),
        Value::String(s) => {
            let n = rhs_num(&Value::Int(0), r)?.as_i64().unwrap_or(0);
            if n < 0 {
                return Err(arith_error("Argument out of range.".into()));
            }
            Ok(Value::string(s.repeat(n as usize)))
        }
        Value::Array(_) | Value::List(_) => {
            let n = rhs_num(&Value::Int(0), r)?.as_i64().unwrap_or(0).max(0) as usize;
            let items = l.to_list();
            let mut out = Vec::with_capacity(items.len() * n);
            for _ in 0..n {
                out.extend(items.iter().cloned());
            }
            if let Value::Array(a) = l
                && let Some(e) = &a.elem
            {
                return Ok(Value::typed_array(e.clone(), out));
            }
            Ok(Value::array(out))
        }
        Value::TimeSpan(t) => {
            let n = rhs_num(l, r)?.as_f64();
            t.multiply(n).map(Value::TimeSpan).map_err(|e| arith_error(e.message))
        }
        _ => match to_num(l) {
            Some(a) => num_op(Arith::Mul, a, rhs_num(l, r)?),
            None => Err(op_not_defined("Multiply", l, r)),
        },
    }
}

/// `l / r`.
pub fn div(l: &Value, r: &Value) -> R<Value> {
    match to_num(l) {
        Some(a) if !l.is_enumerable() => num_op(Arith::Div, a, rhs_num(l, r)?),
        _ => Err(op_not_defined("Division", l, r)),
    }
}

/// `l % r`.
pub fn rem(l: &Value, r: &Value) -> R<Value> {
    match to_num(l) {
        Some(a) if !l.is_enumerable() => num_op(Arith::Rem, a, rhs_num(l, r)?),
        _ => Err(op_not_defined("Modulus", l, r)),
    }
}

/// Unary minus.
pub fn negate(v: &Value) -> R<Value> {
    match v {
        Value::TimeSpan(t) => t.negate().map(Value::TimeSpan).map_err(|e| arith_error(e.message)),
        _ => sub(&Value::Int(0), v),
    }
}

/// The integer type bitwise operators compute in (pwsh's `GetBitwiseOpType`):
/// Int32 up to Int32, then UInt32, Int64, and UInt64 for the rest.
fn bitwise_type(n: &Num) -> u8 {
    match n {
        Num::Int(_) => 9,
        Num::UInt(_) => 10,
        Num::Long(_) => 11,
        _ => 12,
    }
}

/// Wraps a 64-bit pattern into the value of a bitwise operation type.
fn bits_value(t: u8, bits: u64) -> Value {
    match t {
        9 => Value::Int(bits as u32 as i32),
        10 => Value::UInt32(bits as u32),
        11 => Value::Long(bits as i64),
        _ => Value::UInt64(bits),
    }
}

/// A number as a 64-bit pattern (negative values two's complement).
fn bits_of(n: &Num) -> Option<u64> {
    let i = n.as_i128()?;
    if i < i64::MIN as i128 || i > u64::MAX as i128 {
        return None;
    }
    Some(i as u64)
}

/// Bitwise operators on integers.
pub fn bitwise(op: &str, l: &Value, r: &Value) -> R<Value> {
    let a = to_num(l).ok_or_else(|| op_not_defined(op, l, r))?;
    let b = to_num(r).ok_or_else(|| op_not_defined(op, l, r))?;
    if let (Num::Big(x), Num::Big(_) | Num::Int(_) | Num::Long(_) | Num::UInt(_) | Num::ULong(_)) = (&a, &b) {
        let x = (**x).clone();
        return Ok(Value::bigint(match op {
            "band" => x & as_big(&b)?,
            "bor" => x | as_big(&b)?,
            "bxor" => x ^ as_big(&b)?,
            "shl" => x << b.as_i64().unwrap_or(0).clamp(0, 1 << 20) as usize,
            _ => x >> b.as_i64().unwrap_or(0).clamp(0, 1 << 20) as usize,
        }));
    }
    let (x, y) = match (bits_of(&a), bits_of(&b)) {
        (Some(x), Some(y)) => (x, y),
        _ => return Err(op_not_defined(op, l, r)),
    };
    if op == "shl" || op == "shr" {
        // The left operand's type decides; the count is masked to the type's width.
        let t = bitwise_type(&a);
        let width: u32 = if t <= 10 { 32 } else { 64 };
        let n = (y as u32) & (width - 1);
        return Ok(match (t, op) {
            (9, "shl") => Value::Int((x as i32).wrapping_shl(n)),
            (9, _) => Value::Int((x as i32).wrapping_shr(n)),
            (10, "shl") => Value::UInt32((x as u32).wrapping_shl(n)),
            (10, _) => Value::UInt32((x as u32).wrapping_shr(n)),
            (11, "shl") => Value::Long((x as i64).wrapping_shl(n)),
            (11, _) => Value::Long((x as i64).wrapping_shr(n)),
            (_, "shl") => Value::UInt64(x.wrapping_shl(n)),
            _ => Value::UInt64(x.wrapping_shr(n)),
        });
    }
    let floating = |n: &Num| matches!(n, Num::Double(_) | Num::Decimal(_));
    let t = if floating(&a) || floating(&b) {
        // DoubleOps/DecimalOps.BAnd...: signed when either operand is negative.
        if a.is_negative() || b.is_negative() { 11 } else { 12 }
    } else {
        bitwise_type(&a).max(bitwise_type(&b))
    };
    let res = match op {
        "band" => x & y,
        "bor" => x | y,
        _ => x ^ y,
    };
    Ok(bits_value(t, res))
}

/// `-bnot`: the complement in the operand's integer type (Int32 for the smaller ones).
pub fn bnot(v: &Value) -> R<Value> {
    let n = to_num(v).ok_or_else(|| op_not_defined("bnot", v, &Value::Null))?;
    if let Num::Big(b) = &n {
        return Ok(Value::bigint(!(**b).clone()));
    }
    let t = match &n {
        Num::Int(_) | Num::UInt(_) | Num::Long(_) | Num::ULong(_) => bitwise_type(&n),
        // Doubles and decimals take the smallest type that holds them (DoubleOps.BNot).
        _ => match n.as_i128() {
            Some(i) if i >= i32::MIN as i128 && i <= i32::MAX as i128 => 9,
            Some(i) if i >= 0 && i <= u32::MAX as i128 => 10,
            Some(i) if i >= i64::MIN as i128 && i <= i64::MAX as i128 => 11,
            _ => 12,
        },
    };
    let x = bits_of(&n)
        .ok_or_else(|| arith_error(cannot_convert(v, if t == 12 { "System.UInt64" } else { "System.Int32" }, "")))?;
    Ok(bits_value(t, !x))
}

fn str_cmp(a: &str, b: &str, cs: bool) -> Ordering {
    if cs {
        // .NET's culture comparison puts lower case before upper case for equal letters.
        let ci = cmp_ignore_case(a, b);
        if ci != Ordering::Equal {
            return ci;
        }
        for (x, y) in a.chars().zip(b.chars()) {
            if x != y {
                return if x.is_lowercase() { Ordering::Less } else { Ordering::Greater };
            }
        }
        Ordering::Equal
    } else {
        cmp_ignore_case(a, b)
    }
}

/// Case-insensitive comparison resembling .NET's culture-aware ordering.
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let mut ai = a.chars().flat_map(|c| c.to_lowercase());
    let mut bi = b.chars().flat_map(|c| c.to_lowercase());
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                if x != y {
                    let kx = sort_key(x);
                    let ky = sort_key(y);
                    return kx.cmp(&ky);
                }
            }
        }
    }
}

/// Punctuation sorts before digits, digits before letters (culture order, roughly).
fn sort_key(c: char) -> (u8, char) {
    if c.is_alphabetic() {
        (3, c)
    } else if c.is_ascii_digit() {
        (2, c)
    } else if c.is_whitespace() {
        (0, c)
    } else {
        (1, c)
    }
}

/// Equality as `-eq` does it for scalars (left operand decides the conversion).
pub fn eq_scalar(l: &Value, r: &Value, cs: bool) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::String(a), _) => {
            let b = match r {
                Value::String(b) => b.to_string(),
                _ => to_string(r),
            };
            if cs {
                **a == *b
            } else {
                a.len() == b.len() && a.eq_ignore_ascii_case(&b) || a.to_lowercase() == b.to_lowercase()
            }
        }
        (Value::Char(a), Value::Char(b)) => {
            if cs {
                a == b
            } else {
                a.to_lowercase().eq(b.to_lowercase())
            }
        }
        (Value::Char(a), Value::String(b)) => {
            let a = a.to_string();
            if cs { a == **b } else { a.to_lowercase() == b.to_lowercase() }
        }
        (Value::Bool(a), _) => *a == super::convert::to_bool(r),
        (Value::DateTime(a), Value::DateTime(b)) => a == b,
        (Value::DateTime(a), Value::String(s)) => super::convert::parse_datetime(s).is_some_and(|b| *a == b),
        (Value::TimeSpan(a), Value::TimeSpan(b)) => a == b,
        (Value::Guid(a), _) => a.to_string().eq_ignore_ascii_case(&to_string(r)),
        (Value::Enum(a), Value::Enum(b)) => a.value == b.value,
        (Value::Enum(a), Value::String(s)) => a.name.eq_ignore_ascii_case(s.trim()),
        (Value::Enum(a), _) => to_num(r).and_then(|n| n.as_i64()) == Some(a.value),
        (Value::Type(a), Value::Type(b)) => a == b,
        (Value::Type(a), Value::String(s)) => PsType::resolve(s) == **a,
        _ if l.is_numeric() || matches!(l, Value::Char(_)) => match (to_num(l), to_num(r)) {
            (Some(a), Some(b)) => num_cmp(a, b) == Some(Ordering::Equal),
            _ => false,
        },
        (Value::Object(a), Value::Object(b)) => std::rc::Rc::ptr_eq(a, b),
        (Value::Object(o), _) => {
            let base = o.borrow().base.clone();
            match base {
                Some(b) => eq_scalar(&b, r, cs),
                None => false,
            }
        }
        _ => {
            l.same_ref(r) || (matches!(l, Value::Switch(_)) && super::convert::to_bool(l) == super::convert::to_bool(r))
        }
    }
}

fn num_cmp(a: Num, b: Num) -> Option<Ordering> {
    let floating = |n: &Num| matches!(n, Num::Double(_));
    match (&a, &b) {
        // Decimal against Double: compared as decimals unless the double does not
        // fit (DecimalOps.CompareWithDouble).
        (Num::Decimal(_), Num::Double(_)) | (Num::Double(_), Num::Decimal(_)) => {
            match (a.as_decimal(), b.as_decimal()) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => a.as_f64().partial_cmp(&b.as_f64()),
            }
        }
        (Num::Big(x), Num::Big(y)) => Some(x.cmp(y)),
        (Num::Big(_), _) | (_, Num::Big(_)) => {
            if floating(&a) || floating(&b) || matches!(a, Num::Decimal(_)) || matches!(b, Num::Decimal(_)) {
                a.as_f64().partial_cmp(&b.as_f64())
            } else {
                Some(a.as_bigint()?.cmp(&b.as_bigint()?))
            }
        }
        (Num::Decimal(x), _) => Some(x.cmp(&b.as_decimal()?)),
        (_, Num::Decimal(y)) => Some(a.as_decimal()?.cmp(y)),
        _ if floating(&a) || floating(&b) => a.as_f64().partial_cmp(&b.as_f64()),
        // Integers of any width compare exactly.
        _ => Some(a.as_i128()?.cmp(&b.as_i128()?)),
    }
}

/// Ordering for `-lt/-gt/...` and Sort-Object (left operand decides).
pub fn compare(l: &Value, r: &Value, cs: bool) -> R<Ordering> {
    Ok(match (l, r) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => match r {
            Value::String(s) if s.is_empty() => Ordering::Equal,
            _ if r.is_numeric() => num_cmp(Num::Int(0), to_num(r).unwrap_or(Num::Int(0))).unwrap_or(Ordering::Less),
            _ => Ordering::Less,
        },
        (_, Value::Null) => match l {
            _ if l.is_numeric() => num_cmp(to_num(l).unwrap_or(Num::Int(0)), Num::Int(0)).unwrap_or(Ordering::Greater),
            Value::String(s) if s.is_empty() => Ordering::Equal,
            _ => Ordering::Greater,
        },
        (Value::String(a), _) => str_cmp(a, &to_string(r), cs),
        (Value::Char(a), Value::String(_)) => str_cmp(&a.to_string(), &to_string(r), cs),
        (Value::DateTime(a), Value::DateTime(b)) => a.cmp(b),
        (Value::DateTime(a), Value::String(s)) => match super::convert::parse_datetime(s) {
            Some(b) => a.cmp(&b),
            None => return Err(arith_error(cannot_convert(r, "System.DateTime", ""))),
        },
        (Value::TimeSpan(a), Value::TimeSpan(b)) => a.cmp(b),
        (Value::Bool(a), _) => a.cmp(&super::convert::to_bool(r)),
        (Value::Enum(a), Value::Enum(b)) => a.value.cmp(&b.value),
        _ => match to_num(l) {
            Some(a) if !l.is_enumerable() => match to_num(r) {
                Some(b) => num_cmp(a, b).unwrap_or(Ordering::Equal),
                None => {
                    return Err(arith_error(match r {
                        Value::String(s) => cannot_convert(
                            r,
                            &l.type_name(),
                            &format!("The input string '{s}' was not in a correct format."),
                        ),
                        _ => cannot_convert(r, &l.type_name(), ""),
                    }));
                }
            },
            _ => str_cmp(&to_string(l), &to_string(r), cs),
        },
    })
}

/// Decimal helper for callers that need an f64.
pub fn decimal_to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening() {
        // IntOps.Add: an Int32 sum that overflows becomes a Double.
        assert_eq!(add(&Value::Int(i32::MAX), &Value::Int(1)).unwrap(), Value::Double(i32::MAX as f64 + 1.0));
        assert_eq!(div(&Value::Int(7), &Value::Int(2)).unwrap(), Value::Double(3.5));
        assert_eq!(div(&Value::Int(6), &Value::Int(2)).unwrap(), Value::Int(3));
        assert_eq!(add(&Value::Int(6), &Value::str("3")).unwrap(), Value::Int(9));
        assert_eq!(add(&Value::str("27"), &Value::Int(3)).unwrap(), Value::str("273"));
        assert!(div(&Value::Int(1), &Value::Int(0)).is_err());
    }

    #[test]
    fn comparisons() {
        assert!(eq_scalar(&Value::str("abc"), &Value::str("ABC"), false));
        assert!(!eq_scalar(&Value::str("abc"), &Value::str("ABC"), true));
        assert!(eq_scalar(&Value::Int(1), &Value::str("1"), false));
        assert_eq!(compare(&Value::str("abc"), &Value::str("bbc"), false).unwrap(), Ordering::Less);
    }

    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    type BinOp = fn(&Value, &Value) -> R<Value>;

    /// A value of one of PowerShell's integer types with its exact value.
    fn int_value() -> impl Strategy<Value = (Value, i128)> {
        prop_oneof![
            any::<i8>().prop_map(|x| (Value::SByte(x), i128::from(x))),
            any::<u8>().prop_map(|x| (Value::Byte(x), i128::from(x))),
            any::<i16>().prop_map(|x| (Value::Int16(x), i128::from(x))),
            any::<u16>().prop_map(|x| (Value::UInt16(x), i128::from(x))),
            any::<i32>().prop_map(|x| (Value::Int(x), i128::from(x))),
            any::<u32>().prop_map(|x| (Value::UInt32(x), i128::from(x))),
            any::<i64>().prop_map(|x| (Value::Long(x), i128::from(x))),
            any::<u64>().prop_map(|x| (Value::UInt64(x), i128::from(x))),
            any::<i64>().prop_map(|x| (Value::bigint(BigInt::from(x)), i128::from(x))),
            (-3i32..3).prop_map(|x| (Value::Int(x), i128::from(x))),
        ]
    }

    /// The type pwsh's binder computes in for two integer operands, and its range.
    fn expected(l: &Value, r: &Value, a: i128, b: i128) -> (&'static str, i128, i128) {
        let rank = |v: &Value| match v {
            Value::UInt32(_) => 10,
            Value::Long(_) => 11,
            Value::UInt64(_) => 12,
            Value::BigInt(_) => 20,
            _ => 9,
        };
        let neg = a < 0 || b < 0;
        match rank(l).max(rank(r)) {
            9 => ("System.Int32", i32::MIN.into(), i32::MAX.into()),
            10 if neg => ("System.Int64", i64::MIN.into(), i64::MAX.into()),
            10 => ("System.UInt32", 0, u32::MAX.into()),
            11 => ("System.Int64", i64::MIN.into(), i64::MAX.into()),
            12 if neg => {
                ("System.Decimal", -79_228_162_514_264_337_593_543_950_335, 79_228_162_514_264_337_593_543_950_335)
            }
            12 => ("System.UInt64", 0, u64::MAX.into()),
            _ => ("System.Numerics.BigInteger", i128::MIN, i128::MAX),
        }
    }

    proptest! {
        // Shrunk failures are kept beside this file (src/runtime/ops.proptest-regressions),
        // not in a top-level proptest-regressions/ directory.
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
            ..ProptestConfig::default()
        })]

        /// +, - and * of any two integer types give the exact result in the type pwsh's
        /// binder picks, or a Double when the exact result leaves that type.
        #[test]
        fn integer_arithmetic_follows_the_binder((l, a) in int_value(), (r, b) in int_value()) {
            let (ty, lo, hi) = expected(&l, &r, a, b);
            // u64 * u64 may leave i128: then only a Double is possible.
            let ops: [(BinOp, Option<i128>); 3] =
                [(add, Some(a + b)), (sub, Some(a - b)), (mul, a.checked_mul(b))];
            for (op, exact) in ops {
                let v = op(&l, &r).map_err(|_| TestCaseError::fail("operation failed"))?;
                let Some(exact) = exact else {
                    prop_assert!(matches!(v, Value::Double(_) | Value::BigInt(_)));
                    continue;
                };
                if exact >= lo && exact <= hi {
                    prop_assert_eq!(v.type_name(), ty);
                    prop_assert_eq!(to_num(&v).and_then(|n| n.as_i128()), Some(exact));
                } else {
                    let Value::Double(d) = v else { return Err(TestCaseError::fail(format!("{v:?} for {exact}"))) };
                    prop_assert!((d - exact as f64).abs() <= (exact as f64).abs() * 1e-12);
                }
            }
        }

        /// Comparisons of any two integer types are exact (no rounding through doubles).
        #[test]
        fn integer_comparisons_are_exact((l, a) in int_value(), (r, b) in int_value()) {
            prop_assert_eq!(compare(&l, &r, false).map_err(|_| TestCaseError::fail("compare failed"))?, a.cmp(&b));
            prop_assert_eq!(eq_scalar(&l, &r, false), a == b);
        }

        /// Division is exact when it divides, a Double otherwise (BigInteger truncates).
        #[test]
        fn integer_division((l, a) in int_value(), (r, b) in int_value()) {
            prop_assume!(b != 0);
            let v = div(&l, &r).map_err(|_| TestCaseError::fail("division failed"))?;
            match v {
                Value::BigInt(q) => prop_assert_eq!(q.to_i128(), Some(a / b)),
                // UInt64 with a negative operand divides in Decimal (DecimalOps.Divide).
                Value::Decimal(d) => {
                    let want = a as f64 / b as f64;
                    // Decimal keeps 28 decimal places: tiny quotients lose relative precision.
                    prop_assert!((decimal_to_f64(d) - want).abs() <= want.abs() * 1e-12 + 1e-27);
                }
                Value::Double(d) => prop_assert!((d - a as f64 / b as f64).abs() <= (a as f64 / b as f64).abs() * 1e-12),
                other => {
                    prop_assert_eq!(a % b, 0);
                    prop_assert_eq!(to_num(&other).and_then(|n| n.as_i128()), Some(a / b));
                }
            }
        }
    }
}
