//! Operators: arithmetic with pwsh's widening, comparisons where the left
//! operand decides, array-on-the-left filtering.

use super::convert::{Num, cannot_convert, to_num, to_string};
use super::error::{ErrorRecord, Exception, Flow, R};
use super::types::PsType;
use super::value::*;
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
        let target = match l {
            Value::Double(_) => "System.Double",
            Value::Long(_) => "System.Int64",
            Value::Decimal(_) => "System.Decimal",
            _ => "System.Int32",
        };
        let msg = match r {
            Value::String(s) => {
                cannot_convert(r, target, &format!("The input string '{s}' was not in a correct format."))
            }
            _ => cannot_convert(r, target, ""),
        };
        arith_error(msg)
    })
}

/// Which type two numbers combine in.
fn widen(a: Num, b: Num) -> (Num, Num) {
    use Num::*;
    match (a, b) {
        (Double(_), _) | (_, Double(_)) => (Double(a.as_f64()), Double(b.as_f64())),
        (Decimal(_), _) | (_, Decimal(_)) => {
            (Decimal(a.as_decimal().unwrap_or_default()), Decimal(b.as_decimal().unwrap_or_default()))
        }
        (Long(_), _) | (_, Long(_)) => (Long(a.as_i64().unwrap_or(0)), Long(b.as_i64().unwrap_or(0))),
        _ => (a, b),
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

fn num_op(op: Arith, a: Num, b: Num) -> R<Value> {
    use Num::*;
    let (a, b) = widen(a, b);
    let div0 = || {
        Flow::error(ErrorRecord::new(
            Exception::new("System.DivideByZeroException", "Attempted to divide by zero."),
            "RuntimeException",
            "NotSpecified",
            Value::Null,
        ))
    };
    Ok(match (a, b) {
        (Int(x), Int(y)) => {
            let r = match op {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                Arith::Mul => x.checked_mul(y),
                Arith::Div => {
                    if y == 0 {
                        return Err(div0());
                    }
                    if x % y == 0 { x.checked_div(y) } else { return Ok(Value::Double(x as f64 / y as f64)) }
                }
                Arith::Rem => {
                    if y == 0 {
                        return Err(div0());
                    }
                    x.checked_rem(y).or(Some(0))
                }
            };
            match r {
                Some(v) => Value::Int(v),
                None => return num_op(op, Long(i64::from(x)), Long(i64::from(y))),
            }
        }
        (Long(x), Long(y)) => {
            let r = match op {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                Arith::Mul => x.checked_mul(y),
                Arith::Div => {
                    if y == 0 {
                        return Err(div0());
                    }
                    if x % y == 0 { x.checked_div(y) } else { return Ok(Value::Double(x as f64 / y as f64)) }
                }
                Arith::Rem => {
                    if y == 0 {
                        return Err(div0());
                    }
                    x.checked_rem(y).or(Some(0))
                }
            };
            match r {
                Some(v) => Value::Long(v),
                None => return num_op(op, Double(x as f64), Double(y as f64)),
            }
        }
        (Decimal(x), Decimal(y)) => {
            let r = match op {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                Arith::Mul => x.checked_mul(y),
                Arith::Div => {
                    if y.is_zero() {
                        return Err(div0());
                    }
                    x.checked_div(y).map(|d| d.normalize())
                }
                Arith::Rem => {
                    if y.is_zero() {
                        return Err(div0());
                    }
                    x.checked_rem(y)
                }
            };
            match r {
                Some(v) => Value::Decimal(v),
                None => return Err(arith_error("Value was either too large or too small for a Decimal.".into())),
            }
        }
        (Double(x), Double(y)) => Value::Double(match op {
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
        }),
        _ => Value::Null,
    })
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
        Value::Char(c) => match r {
            Value::String(_) | Value::Char(_) => Ok(Value::string(format!("{c}{}", to_string(r)))),
            _ => num_op(Arith::Add, Num::Int(*c as i32), rhs_num(l, r)?),
        },
        Value::Array(_) | Value::List(_) => {
            let mut items = l.to_list();
            match r {
                Value::Array(_) | Value::List(_) => items.extend(r.to_list()),
                _ => items.push(r.clone()),
            }
            if let Value::Array(a) = l
                && let Some(e) = &a.elem
            {
                let conv: Result<Vec<Value>, String> = items.iter().map(|v| super::convert::convert_to(v, e)).collect();
                if let Ok(c) = conv {
                    return Ok(Value::typed_array(e.clone(), c));
                }
            }
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

/// Bitwise operators on integers.
pub fn bitwise(op: &str, l: &Value, r: &Value) -> R<Value> {
    let a = to_num(l).and_then(|n| n.as_i64()).ok_or_else(|| op_not_defined(op, l, r))?;
    let b = to_num(r).and_then(|n| n.as_i64()).ok_or_else(|| op_not_defined(op, l, r))?;
    let res = match op {
        "band" => a & b,
        "bor" => a | b,
        "bxor" => a ^ b,
        "shl" => a.wrapping_shl(b as u32),
        _ => a.wrapping_shr(b as u32),
    };
    let both_int = matches!(l, Value::Int(_) | Value::Byte(_)) && matches!(r, Value::Int(_) | Value::Byte(_));
    if both_int && op != "shl" {
        Ok(Value::Int(res as i32))
    } else if both_int {
        Ok(Value::Int((a as i32).wrapping_shl(b as u32)))
    } else {
        Ok(Value::Long(res))
    }
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
    let (a, b) = widen(a, b);
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Long(x), Num::Long(y)) => Some(x.cmp(&y)),
        (Num::Decimal(x), Num::Decimal(y)) => Some(x.cmp(&y)),
        (Num::Double(x), Num::Double(y)) => x.partial_cmp(&y),
        _ => None,
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
        assert_eq!(add(&Value::Int(i32::MAX), &Value::Int(1)).unwrap(), Value::Long(i32::MAX as i64 + 1));
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
}
