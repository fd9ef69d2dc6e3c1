//! Members of values: properties, methods, indexing, and the static members
//! of .NET types that scripts use.

use super::command::Collect;
use super::convert::{self, Num, to_num, to_string};
use super::dotnet::{DateTime, TimeSpan};
use super::error::{ErrorRecord, Exception, Flow, R};
use super::eval::{Interp, collect_value, enum_value};
use super::text;
use super::types::PsType;
use super::value::*;
use num_bigint::BigInt;
use std::cell::RefCell;
use std::rc::Rc;

// ----------------------------------------------------------------------
// errors
// ----------------------------------------------------------------------

fn method_not_found(obj: &Value, name: &str) -> Flow {
    let tn = if let Value::Object(o) = obj {
        if o.borrow().base.is_none() {
            "System.Management.Automation.PSCustomObject".to_string()
        } else {
            obj.type_name()
        }
    } else {
        obj.type_name()
    };
    Flow::error(ErrorRecord::new(
        Exception::runtime(format!(
            "Method invocation failed because [{tn}] does not contain a method named '{name}'."
        )),
        "MethodNotFound",
        "InvalidOperation",
        Value::Null,
    ))
}

/// `Exception calling "M" with "n" argument(s): "msg"`.
pub fn method_exception(name: &str, nargs: usize, inner_type: &str, msg: &str) -> Flow {
    let mut ex = Exception::new(
        "System.Management.Automation.MethodInvocationException",
        format!("Exception calling \"{name}\" with \"{nargs}\" argument(s): \"{msg}\""),
    );
    ex.inner = Some(Rc::new(Exception::new(inner_type, msg)));
    Flow::error(ErrorRecord::new(ex, inner_type.rsplit('.').next().unwrap_or("Exception"), "NotSpecified", Value::Null))
}

fn net_err(name: &str, nargs: usize, e: super::dotnet::DotNetError) -> Flow {
    method_exception(name, nargs, e.kind.type_name(), &e.message)
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Null)
}
fn arg_s(args: &[Value], i: usize) -> String {
    to_string(&arg(args, i))
}
fn arg_i(args: &[Value], i: usize) -> i64 {
    to_num(&arg(args, i)).and_then(|n| n.as_i64()).unwrap_or(0)
}
fn arg_f(args: &[Value], i: usize) -> f64 {
    to_num(&arg(args, i)).map(|n| n.as_f64()).unwrap_or(0.0)
}

fn new_object(type_name: &str, props: Vec<(&str, Value)>) -> Value {
    let mut o = PsObject::typed(type_name);
    for (k, v) in props {
        o.set_note(k, v);
    }
    Value::object(o)
}

// ----------------------------------------------------------------------
// properties
// ----------------------------------------------------------------------

/// A property without running script code (binder's ByPropertyName).
pub fn property_of(v: &Value, name: &str) -> Option<Value> {
    match v {
        Value::Object(o) => {
            let o = o.borrow();
            match o.member(name) {
                Some((_, Member::Note(x))) | Some((_, Member::Hidden(x))) => Some(x.clone()),
                Some((_, Member::Alias(t, _))) => {
                    let t = t.clone();
                    drop(o);
                    property_of(v, &t)
                }
                _ => o.base.as_ref().and_then(|b| property_of(b, name)),
            }
        }
        Value::Hashtable(h) => h.borrow().get_str(name).cloned(),
        Value::Other(o) => o.get_property(name),
        _ => None,
    }
}

/// `$obj.Name`.
pub fn get_property(cx: &mut Interp, obj: &Value, name: &str) -> R<Value> {
    let lname = name.to_ascii_lowercase();
    if lname == "psobject" {
        return Ok(Value::Other(Rc::new(PsObjectView(obj.clone()))));
    }
    if lname == "pstypenames" {
        return Ok(Value::array(obj.type_names().into_iter().map(Value::string).collect()));
    }
    match obj {
        Value::Null => Ok(if lname == "count" || lname == "length" { Value::Int(0) } else { Value::Null }),
        Value::Object(o) => {
            let m = o.borrow().member(name).cloned();
            match m {
                Some((_, Member::Note(v))) => Ok(v),
                Some((_, Member::Script(Some(getter), _))) => {
                    let sb = getter.clone();
                    with_this(cx, obj.clone(), |cx| cx.invoke_sb_value(&sb, vec![], None, true))
                }
                Some((_, Member::Script(None, _))) => Ok(Value::Null),
                Some((_, Member::Alias(target, ty))) => {
                    let v = get_property(cx, obj, &target)?;
                    match ty {
                        Some(t) => convert::convert_to(&v, &t).map_err(|m| super::eval::invalid_cast(&m)),
                        None => Ok(v),
                    }
                }
                Some((_, Member::Method(_))) => Ok(Value::Null),
                Some((_, Member::Hidden(v))) => Ok(v),
                None => {
                    let base = o.borrow().base.clone();
                    match base {
                        Some(b) => get_property(cx, &b, name),
                        None => Ok(Value::Null),
                    }
                }
            }
        }
        Value::Hashtable(h) => {
            if let Some(v) = h.borrow().get_str(name) {
                return Ok(v.clone());
            }
            if let Ok(i) = name.parse::<i32>()
                && let Some(v) = h.borrow().get(&Value::Int(i))
            {
                return Ok(v.clone());
            }
            let h = h.borrow();
            Ok(match lname.as_str() {
                "count" => Value::Int(h.len() as i32),
                "keys" => Value::array(h.keys()),
                "values" => Value::array(h.values()),
                "isreadonly" | "isfixedsize" | "issynchronized" => Value::Bool(false),
                _ => Value::Null,
            })
        }
        Value::Array(_) | Value::List(_) => {
            let items = obj.to_list();
            match lname.as_str() {
                "count" | "length" => return Ok(Value::Int(items.len() as i32)),
                "longlength" => return Ok(Value::Long(items.len() as i64)),
                "rank" => {
                    return Ok(Value::Int(match obj {
                        Value::Array(a) => a.rank() as i32,
                        _ => 1,
                    }));
                }
                "isfixedsize" => return Ok(Value::Bool(matches!(obj, Value::Array(_)))),
                "isreadonly" | "issynchronized" => return Ok(Value::Bool(false)),
                "syncroot" => return Ok(obj.clone()),
                _ => {}
            }
            // Member enumeration.
            let mut out = Vec::new();
            for it in items {
                let v = get_property(cx, &it, name)?;
                match v {
                    Value::Null => {}
                    Value::Array(_) | Value::List(_) => out.extend(v.to_list()),
                    other => out.push(other),
                }
            }
            Ok(match out.len() {
                0 => Value::Null,
                1 => out.pop().unwrap_or(Value::Null),
                _ => Value::array(out),
            })
        }
        Value::String(s) => Ok(match lname.as_str() {
            "length" => Value::Int(s.encode_utf16().count() as i32),
            "count" => Value::Int(1),
            _ => Value::Null,
        }),
        Value::DateTime(d) => Ok(datetime_property(d, &lname)),
        Value::TimeSpan(t) => Ok(timespan_property(t, &lname)),
        Value::Error(e) => Ok(error_property(e, &lname)),
        Value::Exception(e) => Ok(exception_property(e, &lname)),
        Value::Type(t) => Ok(match lname.as_str() {
            "name" => Value::string(t.short_name()),
            "fullname" => Value::string(t.full_name()),
            "namespace" => {
                let f = t.full_name();
                Value::string(f.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or_default())
            }
            "isenum" => Value::Bool(matches!(**t, PsType::Enum(..))),
            "isarray" => Value::Bool(matches!(**t, PsType::Array(_))),
            _ => Value::Null,
        }),
        Value::Enum(e) => Ok(match lname.as_str() {
            "value__" => Value::Long(e.value),
            _ => Value::Null,
        }),
        Value::Credential(c) => Ok(match lname.as_str() {
            "username" => Value::string(c.user.clone()),
            "password" => Value::SecureString(c.password.clone()),
            _ => Value::Null,
        }),
        Value::SecureString(s) => Ok(match lname.as_str() {
            "length" => Value::Int(s.text.chars().count() as i32),
            _ => Value::Null,
        }),
        Value::ScriptBlock(sb) => Ok(match lname.as_str() {
            "file" => sb.file.as_deref().map(Value::str).unwrap_or(Value::Null),
            "ast" => Value::string(sb.text.clone()),
            _ => Value::Null,
        }),
        Value::Other(o) => {
            if let Some(v) = o.get_property(name) {
                return Ok(v);
            }
            if (lname == "count" || lname == "length")
                && let Some(items) = o.enumerate()
            {
                return Ok(Value::Int(items.len() as i32));
            }
            Ok(Value::Null)
        }
        Value::BigInt(b) => Ok(match lname.as_str() {
            "count" | "length" => Value::Int(1),
            "iszero" => Value::Bool(b.sign() == num_bigint::Sign::NoSign),
            "isone" => Value::Bool(**b == num_bigint::BigInt::from(1)),
            "iseven" => Value::Bool(!b.bit(0)),
            "ispoweroftwo" => Value::Bool(b.sign() == num_bigint::Sign::Plus && b.magnitude().count_ones() == 1),
            "sign" => Value::Int(match b.sign() {
                num_bigint::Sign::Minus => -1,
                num_bigint::Sign::NoSign => 0,
                num_bigint::Sign::Plus => 1,
            }),
            _ => Value::Null,
        }),
        Value::Char(_)
        | Value::Int(_)
        | Value::Long(_)
        | Value::Double(_)
        | Value::Decimal(_)
        | Value::Bool(_)
        | Value::Byte(_)
        | Value::SByte(_)
        | Value::Int16(_)
        | Value::UInt16(_)
        | Value::UInt32(_)
        | Value::UInt64(_)
        | Value::Single(_)
        | Value::Guid(_)
        | Value::Switch(_) => Ok(match lname.as_str() {
            "count" | "length" => Value::Int(1),
            "ispresent" if matches!(obj, Value::Switch(_)) => Value::Bool(convert::to_bool(obj)),
            _ => Value::Null,
        }),
    }
}

fn with_this<T>(cx: &mut Interp, this: Value, f: impl FnOnce(&mut Interp) -> R<T>) -> R<T> {
    let old = cx.current.lookup("this");
    cx.current.set("this", this);
    let r = f(cx);
    cx.current.set("this", old.unwrap_or(Value::Null));
    r
}

fn datetime_property(d: &DateTime, n: &str) -> Value {
    match n {
        "year" => Value::Int(d.year()),
        "month" => Value::Int(d.month()),
        "day" => Value::Int(d.day()),
        "hour" => Value::Int(d.hour()),
        "minute" => Value::Int(d.minute()),
        "second" => Value::Int(d.second()),
        "millisecond" => Value::Int(d.millisecond()),
        "dayofweek" => {
            let w = d.day_of_week();
            enum_value("System.DayOfWeek", w.name(), w as i64)
        }
        "dayofyear" => Value::Int(d.day_of_year()),
        "date" => Value::DateTime(d.date()),
        "timeofday" => Value::TimeSpan(d.time_of_day()),
        "ticks" => Value::Long(d.ticks()),
        "kind" => enum_value("System.DateTimeKind", d.kind().name(), 0),
        "datetime" => Value::string(d.to_string_en_us()),
        _ => Value::Null,
    }
}

fn timespan_property(t: &TimeSpan, n: &str) -> Value {
    match n {
        "days" => Value::Int(t.days()),
        "hours" => Value::Int(t.hours()),
        "minutes" => Value::Int(t.minutes()),
        "seconds" => Value::Int(t.seconds()),
        "milliseconds" => Value::Int(t.milliseconds()),
        "ticks" => Value::Long(t.ticks),
        "totaldays" => Value::Double(t.total_days()),
        "totalhours" => Value::Double(t.total_hours()),
        "totalminutes" => Value::Double(t.total_minutes()),
        "totalseconds" => Value::Double(t.total_seconds()),
        "totalmilliseconds" => Value::Double(t.total_milliseconds()),
        _ => Value::Null,
    }
}

fn error_property(e: &ErrorRecord, n: &str) -> Value {
    match n {
        "exception" => Value::Exception(e.exception.clone()),
        "fullyqualifiederrorid" => Value::string(e.fqid.clone()),
        "targetobject" => e.target.clone(),
        "categoryinfo" => {
            let reason = e.exception.type_name.rsplit('.').next().unwrap_or("Exception").to_string();
            let mut o = PsObject::typed("System.Management.Automation.ErrorCategoryInfo");
            o.set_note("Category", Value::str(e.category));
            o.set_note("Activity", Value::string(e.from_command.clone().unwrap_or_default()));
            o.set_note("Reason", Value::string(reason.clone()));
            o.set_note("TargetName", Value::string(to_string(&e.target)));
            o.set_note(
                "TargetType",
                Value::string(if e.target.is_null() { String::new() } else { e.target.short_type_name() }),
            );
            o.base = None;
            Value::object(o)
        }
        "errordetails" => match &e.details {
            Some(d) => {
                new_object("System.Management.Automation.ErrorDetails", vec![("Message", Value::string(d.clone()))])
            }
            None => Value::Null,
        },
        "invocationinfo" => {
            let (line, file, line_text) = match &e.position {
                Some(p) => {
                    let src = p.source.clone().unwrap_or_else(|| Rc::from(""));
                    let l = p.line();
                    let text = src.lines().nth(l.saturating_sub(1)).unwrap_or("").to_string();
                    (l, p.file.as_deref().unwrap_or("").to_string(), text)
                }
                None => (0, String::new(), String::new()),
            };
            new_object(
                "System.Management.Automation.InvocationInfo",
                vec![
                    ("ScriptLineNumber", Value::Int(line as i32)),
                    ("ScriptName", Value::string(file.clone())),
                    ("PSCommandPath", Value::string(file)),
                    ("Line", Value::string(line_text)),
                    ("MyCommand", Value::string(e.from_command.clone().unwrap_or_default())),
                    ("PositionMessage", Value::string(format!("At line:{line}"))),
                ],
            )
        }
        "scriptstacktrace" => Value::str("at <ScriptBlock>"),
        _ => Value::Null,
    }
}

fn exception_property(e: &Exception, n: &str) -> Value {
    match n {
        "message" => Value::string(e.message.clone()),
        "innerexception" => match &e.inner {
            Some(i) => Value::Exception(i.clone()),
            None => Value::Null,
        },
        "errorrecord" => Value::Error(Rc::new(ErrorRecord::new(e.clone(), &e.type_name, "NotSpecified", Value::Null))),
        "hresult" => Value::Int(-2146233087),
        "source" | "stacktrace" | "helplink" => Value::Null,
        "data" => Value::hashtable(Hashtable::new(false)),
        _ => Value::Null,
    }
}

/// `$obj.Name = value`.
pub fn set_property(cx: &mut Interp, obj: &Value, name: &str, v: Value) -> R<()> {
    match obj {
        Value::Object(o) => {
            let m = o.borrow().member(name).cloned();
            match m {
                Some((_, Member::Script(_, Some(setter)))) => {
                    let sb = setter.clone();
                    with_this(cx, obj.clone(), |cx| cx.invoke_sb_value(&sb, vec![v], None, true))?;
                    Ok(())
                }
                Some((_, Member::Alias(t, _))) => set_property(cx, obj, &t, v),
                Some((real, Member::Note(_))) => {
                    o.borrow_mut().set_note(&real, v);
                    Ok(())
                }
                _ => {
                    if o.borrow().base.is_none() || o.borrow().member(name).is_none() {
                        // pwsh: setting a missing property on a PSCustomObject fails.
                        return Err(Flow::error(ErrorRecord::new(
                            Exception::runtime(format!(
                                "The property '{name}' cannot be found on this object. Verify that the property exists and can be set."
                            )),
                            "PropertyNotFound",
                            "InvalidOperation",
                            Value::Null,
                        )));
                    }
                    Ok(())
                }
            }
        }
        Value::Hashtable(h) => {
            h.borrow_mut().insert(Value::str(name), v);
            Ok(())
        }
        Value::Null => Err(Flow::error(ErrorRecord::new(
            Exception::runtime(format!(
                "The property '{name}' cannot be found on this object. Verify that the property exists and can be set."
            )),
            "PropertyNotFound",
            "InvalidOperation",
            Value::Null,
        ))),
        Value::Array(_) | Value::List(_) => {
            for it in obj.to_list() {
                set_property(cx, &it, name, v.clone())?;
            }
            Ok(())
        }
        _ => Err(Flow::error(ErrorRecord::new(
            Exception::runtime(format!("'{name}' is a ReadOnly property.")),
            "PropertyAssignmentException",
            "InvalidOperation",
            Value::Null,
        ))),
    }
}

// ----------------------------------------------------------------------
// indexing
// ----------------------------------------------------------------------

fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { len + i } else { i };
    if j >= 0 && j < len { Some(j as usize) } else { None }
}

/// pwsh's `NeedMultidimensionalIndex`: the index does not fit the array's rank.
fn need_md_index(a: &PsArray, idx: &Value) -> Flow {
    // ArrayOps.IndexStringMessage: the index joined with commas, cut after 20 characters.
    let mut shown = super::convert::to_string_ofs(idx, ",");
    if shown.chars().count() > 20 {
        shown = format!("{} ...", shown.chars().take(20).collect::<String>());
    }
    Flow::error(ErrorRecord::new(
        Exception::runtime(format!("You cannot index into a {} dimensional array with index [{shown}].", a.rank())),
        "NeedMultidimensionalIndex",
        "InvalidOperation",
        idx.clone(),
    ))
}

/// The index as one tuple of integers (`$a[0,1]`), None when it is not a flat list of numbers.
fn index_tuple(idx: &Value) -> Option<Vec<i64>> {
    let items = idx.enumerate()?;
    items.iter().map(|i| if i.is_enumerable() { None } else { to_num(i).and_then(|n| n.as_i64()) }).collect()
}

/// The row-major offset of a tuple, negative indexes counting from the end of
/// their dimension (ArrayOps.GetMDArrayValue); None when out of bounds.
fn md_offset(a: &PsArray, tuple: &[i64]) -> Option<usize> {
    let t: Vec<i64> = tuple.iter().zip(&a.dims).map(|(i, d)| if *i < 0 { i + *d as i64 } else { *i }).collect();
    a.offset_of(&t)
}

/// `$md[i, j]` and slices `$md[(0,1),(1,0)]` of a multi-dimensional array.
fn md_index(a: &PsArray, idx: &Value) -> R<Value> {
    if !idx.is_enumerable() {
        return Err(need_md_index(a, idx));
    }
    if let Some(t) = index_tuple(idx) {
        if t.len() != a.rank() {
            return Err(need_md_index(a, idx));
        }
        return Ok(md_offset(a, &t).map(|o| a.items.borrow()[o].clone()).unwrap_or(Value::Null));
    }
    let mut out = Vec::new();
    for it in idx.to_list() {
        match index_tuple(&it) {
            Some(t) if t.len() == a.rank() => {
                if let Some(o) = md_offset(a, &t) {
                    out.push(a.items.borrow()[o].clone());
                }
            }
            _ => return Err(need_md_index(a, &it)),
        }
    }
    Ok(Value::array(out))
}

fn index_out_of_range() -> Flow {
    Flow::error(ErrorRecord::new(
        Exception::new("System.IndexOutOfRangeException", "Index was outside the bounds of the array."),
        "System.IndexOutOfRangeException",
        "OperationStopped",
        Value::Null,
    ))
}

/// `$md[i, j] = v`.
fn md_set_index(a: &PsArray, idx: &Value, v: Value) -> R<()> {
    let t = match index_tuple(idx) {
        Some(t) if t.len() == a.rank() => t,
        _ => return Err(need_md_index(a, idx)),
    };
    let o = md_offset(a, &t).ok_or_else(index_out_of_range)?;
    let v = match &a.elem {
        Some(t) => convert::convert_to(&v, t).map_err(|m| super::eval::invalid_cast(&m))?,
        None => v,
    };
    a.items.borrow_mut()[o] = v;
    Ok(())
}

/// The most elements `New-Object 'T[,]'` allocates (the range operator's limit too).
const MAX_ARRAY_ITEMS: usize = 50_000_000;

/// The value a new array element starts with (`default(T)`).
fn default_of(t: &PsType) -> Value {
    if t.is_numeric() {
        convert::convert_to(&Value::Int(0), t).unwrap_or(Value::Null)
    } else if matches!(t, PsType::Bool) {
        Value::Bool(false)
    } else if matches!(t, PsType::Char) {
        Value::Char('\0')
    } else {
        Value::Null
    }
}

/// `$obj[idx]`.
#[allow(clippy::only_used_in_recursion)]
pub fn index(cx: &mut Interp, obj: &Value, idx: &Value) -> R<Value> {
    match obj {
        Value::Array(a) if a.rank() > 1 => md_index(a, idx),
        Value::Null => Err(Flow::error(ErrorRecord::new(
            Exception::runtime("Cannot index into a null array."),
            "NullArray",
            "InvalidOperation",
            Value::Null,
        ))),
        Value::Hashtable(h) => {
            if let Value::Array(_) = idx {
                let h = h.borrow();
                let out: Vec<Value> = idx.to_list().iter().filter_map(|k| h.get(k).cloned()).collect();
                return Ok(collect_value(out));
            }
            Ok(h.borrow().get(idx).cloned().unwrap_or(Value::Null))
        }
        Value::Array(_) | Value::List(_) | Value::String(_) => {
            let len_items: Vec<Value>;
            let (items, is_str): (&[Value], bool) = match obj {
                Value::String(s) => {
                    len_items = s.chars().map(Value::Char).collect();
                    (&len_items, true)
                }
                _ => {
                    len_items = obj.to_list();
                    (&len_items, false)
                }
            };
            let _ = is_str;
            match idx {
                Value::Array(_) | Value::List(_) => {
                    let mut out = Vec::new();
                    for i in idx.to_list() {
                        let n = to_num(&i).and_then(|n| n.as_i64()).unwrap_or(0);
                        if let Some(j) = norm_index(n, items.len()) {
                            out.push(items[j].clone());
                        }
                    }
                    Ok(Value::array(out))
                }
                _ => {
                    let n = match to_num(idx).and_then(|n| n.as_i64()) {
                        Some(n) => n,
                        None => return Ok(Value::Null),
                    };
                    Ok(norm_index(n, items.len()).map(|j| items[j].clone()).unwrap_or(Value::Null))
                }
            }
        }
        Value::Object(o) => {
            let base = o.borrow().base.clone();
            match base {
                Some(b) => index(cx, &b, idx),
                None => {
                    // PSCustomObject['name'] is not supported in pwsh: Unable to index.
                    Err(Flow::error(ErrorRecord::new(
                        Exception::runtime(format!("Unable to index into an object of type {}.", obj.type_name())),
                        "CannotIndex",
                        "InvalidOperation",
                        Value::Null,
                    )))
                }
            }
        }
        Value::Other(o) => {
            if let Some(v) = o.get_property(&format!("[{}]", to_string(idx))) {
                return Ok(v);
            }
            match o.enumerate() {
                Some(items) => {
                    let n = to_num(idx).and_then(|n| n.as_i64()).unwrap_or(0);
                    Ok(norm_index(n, items.len()).map(|j| items[j].clone()).unwrap_or(Value::Null))
                }
                None => Ok(Value::Null),
            }
        }
        other => {
            // Scalars index like one-element arrays.
            let n = to_num(idx).and_then(|n| n.as_i64()).unwrap_or(1);
            Ok(if n == 0 || n == -1 { other.clone() } else { Value::Null })
        }
    }
}

/// `$obj[idx] = v`.
pub fn set_index(_cx: &mut Interp, obj: &Value, idx: &Value, v: Value) -> R<()> {
    match obj {
        Value::Array(a) if a.rank() > 1 => md_set_index(a, idx, v),
        Value::Hashtable(h) => {
            h.borrow_mut().insert(idx.clone(), v);
            Ok(())
        }
        Value::Array(a) => {
            let n = to_num(idx).and_then(|n| n.as_i64()).unwrap_or(0);
            let mut items = a.items.borrow_mut();
            let len = items.len();
            match norm_index(n, len) {
                Some(j) => {
                    let v = match &a.elem {
                        Some(t) => convert::convert_to(&v, t).map_err(|m| super::eval::invalid_cast(&m))?,
                        None => v,
                    };
                    items[j] = v;
                    Ok(())
                }
                None => Err(Flow::error(ErrorRecord::new(
                    Exception::new("System.IndexOutOfRangeException", "Index was outside the bounds of the array."),
                    "System.IndexOutOfRangeException",
                    "OperationStopped",
                    Value::Null,
                ))),
            }
        }
        Value::List(l) => {
            let n = to_num(idx).and_then(|n| n.as_i64()).unwrap_or(0);
            let mut items = l.items.borrow_mut();
            let len = items.len();
            match norm_index(n, len) {
                Some(j) => {
                    items[j] = v;
                    Ok(())
                }
                None => Err(method_exception(
                    "set_Item",
                    2,
                    "System.ArgumentOutOfRangeException",
                    "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
                )),
            }
        }
        Value::Null => Err(Flow::error(ErrorRecord::new(
            Exception::runtime("Cannot index into a null array."),
            "NullArray",
            "InvalidOperation",
            Value::Null,
        ))),
        _ => Err(Flow::error(ErrorRecord::new(
            Exception::runtime(format!("Unable to index into an object of type {}.", obj.type_name())),
            "CannotIndex",
            "InvalidOperation",
            Value::Null,
        ))),
    }
}

// ----------------------------------------------------------------------
// methods
// ----------------------------------------------------------------------

/// `$obj.Method(args)`.
pub fn invoke_method(cx: &mut Interp, obj: &Value, name: &str, args: Vec<Value>) -> R<Value> {
    let l = name.to_ascii_lowercase();
    let n = args.len();
    if obj.is_null() {
        return Err(Flow::error(ErrorRecord::new(
            Exception::runtime("You cannot call a method on a null-valued expression."),
            "InvokeMethodOnNull",
            "InvalidOperation",
            Value::Null,
        )));
    }
    // Script methods and members of PSObjects.
    if let Value::Object(o) = obj {
        let m = o.borrow().member(name).cloned();
        if let Some((_, Member::Method(sb))) = m {
            return with_this(cx, obj.clone(), |cx| cx.invoke_sb_value(&sb, args, None, true));
        }
        let base = o.borrow().base.clone();
        if let Some(b) = base {
            return invoke_method(cx, &b, name, args);
        }
    }
    // Universal methods.
    match l.as_str() {
        "gettype" => {
            return Ok(Value::Type(Rc::new(match obj {
                Value::Array(a) if a.rank() > 1 => {
                    PsType::MdArray(Box::new(a.elem.clone().unwrap_or(PsType::Object)), a.rank())
                }
                Value::Array(a) => PsType::Array(Box::new(a.elem.clone().unwrap_or(PsType::Object))),
                Value::List(li) => match &li.elem {
                    Some(e) => PsType::List(Box::new(e.clone())),
                    None => PsType::ArrayList,
                },
                Value::Hashtable(h) => {
                    if h.borrow().ordered {
                        PsType::Ordered
                    } else {
                        PsType::Hashtable
                    }
                }
                Value::Object(_) => PsType::PsCustomObject,
                Value::Enum(e) => PsType::Named(e.type_name.clone()),
                _ => PsType::resolve(&obj.type_name()),
            })));
        }
        "tostring" if n == 0 && !matches!(obj, Value::Other(_) | Value::ScriptBlock(_)) => {
            return Ok(Value::string(convert::dotnet_to_string(obj)));
        }
        "gethashcode" => return Ok(Value::Int(to_string(obj).len() as i32)),
        "equals" if n == 1 => {
            return Ok(Value::Bool(match (obj, &args[0]) {
                (Value::String(a), Value::String(b)) => a == b,
                (a, b) if a.is_numeric() && b.is_numeric() => {
                    super::ops::eq_scalar(a, b, true) && a.type_name() == b.type_name()
                }
                (a, b) => {
                    a.same_ref(b)
                        || (!matches!(a, Value::Object(_) | Value::Hashtable(_) | Value::Array(_))
                            && super::ops::eq_scalar(a, b, true))
                }
            }));
        }
        _ => {}
    }
    match obj {
        Value::String(s) => string_method(s, &l, name, &args),
        Value::Array(_) | Value::List(_) => collection_method(cx, obj, &l, name, args),
        Value::Hashtable(h) => hashtable_method(cx, obj, h, &l, name, args),
        Value::DateTime(d) => datetime_method(d, &l, name, &args),
        Value::TimeSpan(t) => timespan_method(t, &l, name, &args),
        Value::ScriptBlock(sb) => match l.as_str() {
            "invoke" | "invokereturnasis" => cx.invoke_sb_value(sb, args, None, true),
            "getnewclosure" => Ok(obj.clone()),
            "tostring" => Ok(Value::string(sb.text.clone())),
            _ => Err(method_not_found(obj, name)),
        },
        v if v.is_numeric() => match l.as_str() {
            "tostring" => {
                let f = arg_s(&args, 0);
                super::format::format_value(obj, &f)
                    .map(Value::string)
                    .map_err(|m| method_exception(name, n, "System.FormatException", &m))
            }
            "compareto" => Ok(Value::Int(match super::ops::compare(obj, &arg(&args, 0), false)? {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            })),
            _ => Err(method_not_found(obj, name)),
        },
        Value::Char(c) => match l.as_str() {
            "tostring" => Ok(Value::string(c.to_string())),
            "compareto" => Ok(Value::Int((*c as i64 - arg_i(&args, 0)).signum() as i32)),
            _ => Err(method_not_found(obj, name)),
        },
        Value::Error(e) => match l.as_str() {
            "tostring" => Ok(Value::string(e.message())),
            _ => Err(method_not_found(obj, name)),
        },
        Value::Exception(e) => match l.as_str() {
            "tostring" => Ok(Value::string(format!("{}: {}", e.type_name, e.message))),
            "getbaseexception" => {
                let mut cur = e.clone();
                while let Some(i) = cur.inner.clone() {
                    cur = i;
                }
                Ok(Value::Exception(cur))
            }
            _ => Err(method_not_found(obj, name)),
        },
        Value::Credential(c) => match l.as_str() {
            "getnetworkcredential" => Ok(new_object(
                "System.Net.NetworkCredential",
                vec![
                    ("UserName", Value::string(c.user.clone())),
                    ("Password", Value::string(c.password.text.clone())),
                    ("Domain", Value::str("")),
                ],
            )),
            _ => Err(method_not_found(obj, name)),
        },
        Value::Other(o) => {
            if let Some(pc) = o.as_any().downcast_ref::<PsCmdlet>() {
                return pscmdlet_method(cx, pc, &l, name, args);
            }
            if let Some(sbld) = o.as_any().downcast_ref::<StringBuilder>() {
                return string_builder_method(obj, sbld, &l, name, &args);
            }
            if let Some(sw) = o.as_any().downcast_ref::<Stopwatch>() {
                return stopwatch_method(obj, sw, &l, name);
            }
            if let Some(en) = o.as_any().downcast_ref::<super::eval::Enumerator>() {
                return match l.as_str() {
                    "movenext" => {
                        let i = *en.index.borrow();
                        *en.index.borrow_mut() = i + 1;
                        Ok(Value::Bool(i < en.items.len()))
                    }
                    "reset" => {
                        *en.index.borrow_mut() = 0;
                        Ok(Value::Null)
                    }
                    _ => Err(method_not_found(obj, name)),
                };
            }
            if let Some(re) = o.as_any().downcast_ref::<RegexObject>() {
                return regex_instance_method(cx, re, &l, name, args);
            }
            if let Some(enc) = o.as_any().downcast_ref::<Encoding>() {
                return encoding_method(enc, &l, name, &args);
            }
            if l == "tostring" {
                return Ok(Value::string(to_string(obj)));
            }
            Err(method_not_found(obj, name))
        }
        Value::Type(t) => match l.as_str() {
            "tostring" => Ok(Value::string(t.full_name())),
            _ => Err(method_not_found(obj, name)),
        },
        Value::Enum(e) => match l.as_str() {
            "tostring" => Ok(Value::string(e.name.clone())),
            "hasflag" => Ok(Value::Bool(e.value & arg_i(&args, 0) != 0)),
            _ => Err(method_not_found(obj, name)),
        },
        _ => Err(method_not_found(obj, name)),
    }
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Byte offset of a UTF-16 index (None when past the end).
fn byte_at(s: &str, idx: usize) -> Option<usize> {
    let mut units = 0;
    for (b, c) in s.char_indices() {
        if units == idx {
            return Some(b);
        }
        units += c.len_utf16();
    }
    if units == idx { Some(s.len()) } else { None }
}

fn trim_set(args: &[Value]) -> Option<Vec<char>> {
    if args.is_empty() {
        return None;
    }
    let mut v = Vec::new();
    for a in args {
        match a {
            Value::Char(c) => v.push(*c),
            Value::Array(_) | Value::List(_) => {
                for x in a.to_list() {
                    v.extend(to_string(&x).chars());
                }
            }
            other => v.extend(to_string(other).chars()),
        }
    }
    Some(v)
}

fn string_method(s: &str, l: &str, name: &str, args: &[Value]) -> R<Value> {
    let n = args.len();
    let ci = |i: usize| -> bool {
        // StringComparison.*IgnoreCase as the argument at i
        args.get(i).map(|v| to_string(v).to_ascii_lowercase().contains("ignorecase")).unwrap_or(false)
    };
    Ok(match l {
        "toupper" | "toupperinvariant" => Value::string(s.to_uppercase()),
        "tolower" | "tolowerinvariant" => Value::string(s.to_lowercase()),
        "trim" => Value::string(match trim_set(args) {
            Some(set) => s.trim_matches(|c| set.contains(&c)).to_string(),
            None => s.trim().to_string(),
        }),
        "trimstart" => Value::string(match trim_set(args) {
            Some(set) => s.trim_start_matches(|c| set.contains(&c)).to_string(),
            None => s.trim_start().to_string(),
        }),
        "trimend" => Value::string(match trim_set(args) {
            Some(set) => s.trim_end_matches(|c| set.contains(&c)).to_string(),
            None => s.trim_end().to_string(),
        }),
        "contains" => {
            let x = arg_s(args, 0);
            Value::Bool(if ci(1) { s.to_lowercase().contains(&x.to_lowercase()) } else { s.contains(&x) })
        }
        "startswith" => {
            let x = arg_s(args, 0);
            Value::Bool(if ci(1) { s.to_lowercase().starts_with(&x.to_lowercase()) } else { s.starts_with(&x) })
        }
        "endswith" => {
            let x = arg_s(args, 0);
            Value::Bool(if ci(1) { s.to_lowercase().ends_with(&x.to_lowercase()) } else { s.ends_with(&x) })
        }
        "indexof" | "lastindexof" => {
            let x = arg_s(args, 0);
            let (hay, needle) = if ci(n.saturating_sub(1)) && n > 1 {
                (s.to_lowercase(), x.to_lowercase())
            } else {
                (s.to_string(), x)
            };
            let start = if n >= 2 && !ci(1) { arg_i(args, 1).max(0) as usize } else { 0 };
            let found = if l == "indexof" {
                let from = byte_at(&hay, start).unwrap_or(hay.len());
                hay[from..].find(&needle).map(|b| b + from)
            } else {
                hay.rfind(&needle)
            };
            Value::Int(found.map(|b| utf16_len(&hay[..b]) as i32).unwrap_or(-1))
        }
        "indexofany" => {
            let set = trim_set(&args[..1.min(n)]).unwrap_or_default();
            Value::Int(
                s.char_indices().find(|(_, c)| set.contains(c)).map(|(b, _)| utf16_len(&s[..b]) as i32).unwrap_or(-1),
            )
        }
        "substring" => {
            let start = arg_i(args, 0);
            let len = utf16_len(s) as i64;
            if start < 0 || start > len {
                return Err(method_exception(
                    name,
                    n,
                    "System.ArgumentOutOfRangeException",
                    "startIndex cannot be larger than length of string. (Parameter 'startIndex')",
                ));
            }
            let count = if n >= 2 { arg_i(args, 1) } else { len - start };
            if count < 0 || start + count > len {
                return Err(method_exception(
                    name,
                    n,
                    "System.ArgumentOutOfRangeException",
                    "Index and length must refer to a location within the string. (Parameter 'length')",
                ));
            }
            let b0 = byte_at(s, start as usize).unwrap_or(s.len());
            let b1 = byte_at(s, (start + count) as usize).unwrap_or(s.len());
            Value::str(&s[b0..b1])
        }
        "remove" => {
            let start = arg_i(args, 0).max(0) as usize;
            let b0 = byte_at(s, start).unwrap_or(s.len());
            let b1 =
                if n >= 2 { byte_at(s, start + arg_i(args, 1).max(0) as usize).unwrap_or(s.len()) } else { s.len() };
            Value::string(format!("{}{}", &s[..b0], &s[b1..]))
        }
        "insert" => {
            let b0 = byte_at(s, arg_i(args, 0).max(0) as usize).unwrap_or(s.len());
            Value::string(format!("{}{}{}", &s[..b0], arg_s(args, 1), &s[b0..]))
        }
        "replace" => {
            let old = arg_s(args, 0);
            let new = arg_s(args, 1);
            if old.is_empty() {
                return Err(method_exception(
                    name,
                    n,
                    "System.ArgumentException",
                    "The value cannot be an empty string. (Parameter 'oldValue')",
                ));
            }
            if ci(2) {
                let re = text::regex(&regex::escape(&old), false, false)?;
                Value::string(re.replace_all(s, regex::NoExpand(&new)).into_owned())
            } else {
                Value::string(s.replace(&old, &new))
            }
        }
        "split" => {
            let mut seps: Vec<String> = Vec::new();
            let mut opts = 0i64;
            let mut count: Option<usize> = None;
            for (i, a) in args.iter().enumerate() {
                match a {
                    Value::Enum(e) if e.type_name.ends_with("StringSplitOptions") => opts = e.value,
                    Value::String(x)
                        if i > 0
                            && (x.eq_ignore_ascii_case("RemoveEmptyEntries")
                                || x.eq_ignore_ascii_case("None")
                                || x.eq_ignore_ascii_case("TrimEntries")) =>
                    {
                        opts = match x.to_ascii_lowercase().as_str() {
                            "removeemptyentries" => 1,
                            "trimentries" => 2,
                            _ => 0,
                        }
                    }
                    Value::Int(c) if i > 0 => count = Some((*c).max(0) as usize),
                    Value::Array(_) | Value::List(_) => {
                        for x in a.to_list() {
                            seps.push(to_string(&x));
                        }
                    }
                    Value::Char(c) => seps.push(c.to_string()),
                    Value::String(x) if i == 0 => {
                        // A string argument: .NET 8 binds Split(string) (the whole string is the separator)
                        // but PowerShell picks Split(params char[]) for a string: every char separates.
                        for c in x.chars() {
                            seps.push(c.to_string());
                        }
                    }
                    other => seps.push(to_string(other)),
                }
            }
            if seps.is_empty() {
                seps = vec![" ".into(), "\t".into(), "\n".into(), "\r".into()];
            }
            let mut parts: Vec<String> = Vec::new();
            let mut rest = s;
            loop {
                if let Some(c) = count
                    && parts.len() + 1 >= c
                {
                    break;
                }
                let next = seps
                    .iter()
                    .filter(|sep| !sep.is_empty())
                    .filter_map(|sep| rest.find(sep.as_str()).map(|i| (i, sep.len())))
                    .min_by_key(|(i, _)| *i);
                match next {
                    Some((i, len)) => {
                        parts.push(rest[..i].to_string());
                        rest = &rest[i + len..];
                    }
                    None => break,
                }
            }
            parts.push(rest.to_string());
            if opts & 2 != 0 {
                parts = parts.into_iter().map(|p| p.trim().to_string()).collect();
            }
            if opts & 1 != 0 {
                parts.retain(|p| !p.is_empty());
            }
            Value::typed_array(PsType::String, parts.into_iter().map(Value::string).collect())
        }
        "padleft" | "padright" => {
            let w = arg_i(args, 0).max(0) as usize;
            let c = if n >= 2 { arg_s(args, 1).chars().next().unwrap_or(' ') } else { ' ' };
            let len = utf16_len(s);
            if len >= w {
                Value::str(s)
            } else {
                let pad: String = std::iter::repeat_n(c, w - len).collect();
                Value::string(if l == "padleft" { format!("{pad}{s}") } else { format!("{s}{pad}") })
            }
        }
        "tochararray" => Value::typed_array(PsType::Char, s.chars().map(Value::Char).collect()),
        "compareto" => Value::Int(match super::ops::compare(&Value::str(s), &arg(args, 0), true)? {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        }),
        "normalize" | "clone" | "tostring" => Value::str(s),
        "getenumerator" => Value::array(s.chars().map(Value::Char).collect()),
        "chars" => s
            .encode_utf16()
            .nth(arg_i(args, 0) as usize)
            .and_then(|u| char::from_u32(u32::from(u)))
            .map(Value::Char)
            .unwrap_or(Value::Null),
        "format" => {
            let f = super::format::composite(s, args)
                .map_err(|m| method_exception(name, n, "System.FormatException", &m))?;
            Value::string(f)
        }
        _ => return Err(method_not_found(&Value::str(s), name)),
    })
}

fn collection_method(cx: &mut Interp, obj: &Value, l: &str, name: &str, args: Vec<Value>) -> R<Value> {
    let n = args.len();
    match l {
        "foreach" => {
            let items = obj.to_list();
            let mut out = Vec::new();
            match args.first() {
                Some(Value::ScriptBlock(sb)) => {
                    for it in items {
                        let mut c = Collect::default();
                        cx.invoke_sb(sb, args[1..].to_vec(), Some(it), false, &mut c)?;
                        out.extend(c.0);
                    }
                }
                Some(Value::Type(t)) => {
                    for it in items {
                        out.push(convert::convert_to(&it, t).map_err(|m| super::eval::invalid_cast(&m))?);
                    }
                }
                Some(other) => {
                    let member = to_string(other);
                    for it in items {
                        if args.len() > 1 {
                            out.push(invoke_method(cx, &it, &member, args[1..].to_vec())?);
                        } else {
                            let v = get_property(cx, &it, &member)?;
                            let is_method = v.is_null();
                            if is_method {
                                let r = invoke_method(cx, &it, &member, vec![]);
                                match r {
                                    Ok(v) => out.push(v),
                                    Err(_) => out.push(Value::Null),
                                }
                            } else {
                                out.push(v);
                            }
                        }
                    }
                }
                None => {}
            }
            Ok(Value::List(Rc::new(PsList { elem: None, items: RefCell::new(out) })))
        }
        "where" => {
            let items = obj.to_list();
            let Some(Value::ScriptBlock(sb)) = args.first() else {
                return Err(method_exception(name, n, "System.ArgumentException", "Script block expected."));
            };
            let mode = args.get(1).map(|v| to_string(v).to_ascii_lowercase()).unwrap_or_else(|| "default".into());
            let limit = args.get(2).and_then(to_num).and_then(|x| x.as_i64()).unwrap_or(0).max(0) as usize;
            let mut out = Vec::new();
            let mut rest_mode = false;
            for (i, it) in items.iter().enumerate() {
                if rest_mode {
                    out.push(it.clone());
                    continue;
                }
                let v = cx.invoke_sb_value(sb, vec![], Some(it.clone()), false)?;
                let t = convert::to_bool(&v);
                match mode.as_str() {
                    "first" if t => {
                        out.push(it.clone());
                        if out.len() >= limit.max(1) {
                            break;
                        }
                    }
                    "last" if t => out.push(it.clone()),
                    "skipuntil" if t => {
                        out.push(it.clone());
                        rest_mode = true;
                    }
                    "until" => {
                        if t {
                            break;
                        }
                        out.push(it.clone());
                    }
                    "split" => {}
                    "default" if t => {
                        out.push(it.clone());
                        if limit > 0 && out.len() >= limit {
                            break;
                        }
                    }
                    _ => {}
                }
                let _ = i;
            }
            if mode == "last" && limit > 0 && out.len() > limit {
                out = out.split_off(out.len() - limit);
            } else if mode == "last" && out.len() > 1 && limit == 0 {
                out = out.split_off(out.len() - 1);
            }
            if mode == "split" {
                let mut yes = Vec::new();
                let mut no = Vec::new();
                for it in items {
                    let v = cx.invoke_sb_value(sb, vec![], Some(it.clone()), false)?;
                    if convert::to_bool(&v) { yes.push(it) } else { no.push(it) }
                }
                return Ok(Value::List(Rc::new(PsList {
                    elem: None,
                    items: RefCell::new(vec![Value::array_list(yes), Value::array_list(no)]),
                })));
            }
            Ok(Value::List(Rc::new(PsList { elem: None, items: RefCell::new(out) })))
        }
        "contains" | "includes" => {
            Ok(Value::Bool(obj.to_list().iter().any(|x| super::ops::eq_scalar(x, &arg(&args, 0), true))))
        }
        "indexof" => Ok(Value::Int(
            obj.to_list()
                .iter()
                .position(|x| super::ops::eq_scalar(x, &arg(&args, 0), true))
                .map(|i| i as i32)
                .unwrap_or(-1),
        )),
        "clone" => Ok(match obj {
            Value::Array(a) => Value::md_array(a.elem.clone(), a.dims.clone(), a.items.borrow().clone()),
            _ => Value::array(obj.to_list()),
        }),
        "toarray" => Ok(Value::array(obj.to_list())),
        "getlength" | "getupperbound" | "getlowerbound" | "getlonglength" if matches!(obj, Value::Array(_)) => {
            let Value::Array(a) = obj else { return Err(method_not_found(obj, name)) };
            let d = arg_i(&args, 0);
            let len = usize::try_from(d).ok().and_then(|d| a.length_of(d)).ok_or_else(|| {
                method_exception(
                    name,
                    args.len(),
                    "System.IndexOutOfRangeException",
                    "Index was outside the bounds of the array.",
                )
            })?;
            Ok(match l {
                "getlength" => Value::Int(len as i32),
                "getlonglength" => Value::Long(len as i64),
                "getupperbound" => Value::Int(len as i32 - 1),
                _ => Value::Int(0),
            })
        }
        "getvalue" if args.len() > 1 => index(cx, obj, &Value::array(args.clone())),
        "setvalue" if args.len() > 2 => {
            set_index(cx, obj, &Value::array(args[1..].to_vec()), arg(&args, 0)).map(|_| Value::Null)
        }
        "getenumerator" => Ok(Value::Other(Rc::new(super::eval::Enumerator {
            items: obj.to_list(),
            index: RefCell::new(0),
            is_input: false,
        }))),
        "getvalue" | "get" | "item" => index(cx, obj, &arg(&args, 0)),
        "setvalue" => set_index(cx, obj, &arg(&args, 1), arg(&args, 0)).map(|_| Value::Null),
        "clear" => {
            match obj {
                Value::Array(a) => {
                    let zero = match &a.elem {
                        Some(t) if t.is_numeric() => convert::convert_to(&Value::Int(0), t).unwrap_or(Value::Null),
                        Some(PsType::Bool) => Value::Bool(false),
                        _ => Value::Null,
                    };
                    for x in a.items.borrow_mut().iter_mut() {
                        *x = zero.clone();
                    }
                }
                Value::List(li) => li.items.borrow_mut().clear(),
                _ => {}
            }
            Ok(Value::Null)
        }
        _ => {
            let Value::List(li) = obj else {
                if matches!(l, "add" | "remove" | "removeat" | "insert" | "addrange") {
                    return Err(method_exception(
                        name,
                        n,
                        "System.NotSupportedException",
                        "Collection was of a fixed size.",
                    ));
                }
                return Err(method_not_found(obj, name));
            };
            let conv = |v: Value| -> R<Value> {
                match &li.elem {
                    Some(t) => convert::convert_to(&v, t).map_err(|m| {
                        method_exception(name, n, "System.Management.Automation.PSInvalidCastException", &m)
                    }),
                    None => Ok(v),
                }
            };
            match l {
                "add" => {
                    let v = conv(arg(&args, 0))?;
                    let mut items = li.items.borrow_mut();
                    items.push(v);
                    Ok(if li.elem.is_none() { Value::Int(items.len() as i32 - 1) } else { Value::Null })
                }
                "addrange" => {
                    for x in arg(&args, 0).to_list() {
                        let v = conv(x)?;
                        li.items.borrow_mut().push(v);
                    }
                    Ok(Value::Null)
                }
                "insert" => {
                    let i = arg_i(&args, 0).max(0) as usize;
                    let v = conv(arg(&args, 1))?;
                    let mut items = li.items.borrow_mut();
                    let i = i.min(items.len());
                    items.insert(i, v);
                    Ok(Value::Null)
                }
                "remove" => {
                    let target = arg(&args, 0);
                    let mut items = li.items.borrow_mut();
                    if let Some(i) =
                        items.iter().position(|x| super::ops::eq_scalar(x, &target, true) || x.same_ref(&target))
                    {
                        items.remove(i);
                        return Ok(if li.elem.is_some() { Value::Bool(true) } else { Value::Null });
                    }
                    Ok(if li.elem.is_some() { Value::Bool(false) } else { Value::Null })
                }
                "removeat" => {
                    let i = arg_i(&args, 0);
                    let mut items = li.items.borrow_mut();
                    if i < 0 || i as usize >= items.len() {
                        return Err(method_exception(
                            name,
                            n,
                            "System.ArgumentOutOfRangeException",
                            "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
                        ));
                    }
                    items.remove(i as usize);
                    Ok(Value::Null)
                }
                "reverse" => {
                    li.items.borrow_mut().reverse();
                    Ok(Value::Null)
                }
                "sort" => {
                    let mut items = li.items.borrow().clone();
                    items.sort_by(|a, b| super::ops::compare(a, b, false).unwrap_or(std::cmp::Ordering::Equal));
                    *li.items.borrow_mut() = items;
                    Ok(Value::Null)
                }
                _ => Err(method_not_found(obj, name)),
            }
        }
    }
}

fn hashtable_method(
    cx: &mut Interp,
    obj: &Value,
    h: &Rc<RefCell<Hashtable>>,
    l: &str,
    name: &str,
    args: Vec<Value>,
) -> R<Value> {
    let n = args.len();
    match l {
        "add" => {
            let r = h.borrow_mut().add(arg(&args, 0), arg(&args, 1));
            r.map(|_| Value::Null).map_err(|m| method_exception(name, n, "System.ArgumentException", &m))
        }
        "remove" => {
            h.borrow_mut().remove(&arg(&args, 0));
            Ok(Value::Null)
        }
        "containskey" | "contains" => Ok(Value::Bool(h.borrow().contains(&arg(&args, 0)))),
        "containsvalue" => {
            Ok(Value::Bool(h.borrow().values().iter().any(|v| super::ops::eq_scalar(v, &arg(&args, 0), false))))
        }
        "clear" => {
            h.borrow_mut().map.clear();
            Ok(Value::Null)
        }
        "clone" => Ok(Value::hashtable(h.borrow().clone())),
        "getenumerator" => {
            let entries: Vec<Value> = h.borrow().entries().into_iter().map(|(k, v)| dictionary_entry(k, v)).collect();
            Ok(Value::Other(Rc::new(super::eval::Enumerator {
                items: entries,
                index: RefCell::new(0),
                is_input: true,
            })))
        }
        "get_item" | "item" => Ok(h.borrow().get(&arg(&args, 0)).cloned().unwrap_or(Value::Null)),
        _ => {
            // A script block stored as a value is not a method.
            let _ = cx;
            Err(method_not_found(obj, name))
        }
    }
}

/// A DictionaryEntry (`Key`, `Value`, alias `Name`).
pub fn dictionary_entry(k: Value, v: Value) -> Value {
    let mut o = PsObject::typed("System.Collections.DictionaryEntry");
    o.set_note("Name", k.clone());
    o.set_note("Key", k);
    o.set_note("Value", v);
    Value::object(o)
}

fn datetime_method(d: &DateTime, l: &str, name: &str, args: &[Value]) -> R<Value> {
    let n = args.len();
    let r = |x: Result<DateTime, super::dotnet::DotNetError>| x.map(Value::DateTime).map_err(|e| net_err(name, n, e));
    match l {
        "adddays" => r(d.add_days(arg_f(args, 0))),
        "addhours" => r(d.add_hours(arg_f(args, 0))),
        "addminutes" => r(d.add_minutes(arg_f(args, 0))),
        "addseconds" => r(d.add_seconds(arg_f(args, 0))),
        "addmilliseconds" => r(d.add_milliseconds(arg_f(args, 0))),
        "addmonths" => r(d.add_months(arg_i(args, 0) as i32)),
        "addyears" => r(d.add_years(arg_i(args, 0) as i32)),
        "addticks" => r(d.add_ticks(arg_i(args, 0))),
        "add" => match arg(args, 0) {
            Value::TimeSpan(t) => r(d.add_span(t)),
            _ => Err(method_exception(name, n, "System.ArgumentException", "Argument must be a TimeSpan.")),
        },
        "subtract" => match arg(args, 0) {
            Value::TimeSpan(t) => r(d.sub_span(t)),
            Value::DateTime(o) => Ok(Value::TimeSpan(d.sub_datetime(o))),
            _ => Err(method_exception(name, n, "System.ArgumentException", "Argument must be a DateTime or TimeSpan.")),
        },
        "tostring" => {
            if n == 0 {
                return Ok(Value::string(d.to_string_en_us()));
            }
            super::dotnet::format_datetime(*d, &arg_s(args, 0)).map(Value::string).map_err(|e| net_err(name, n, e))
        }
        "toshortdatestring" => {
            super::dotnet::format_datetime(*d, "d").map(Value::string).map_err(|e| net_err(name, n, e))
        }
        "tolongdatestring" => {
            super::dotnet::format_datetime(*d, "D").map(Value::string).map_err(|e| net_err(name, n, e))
        }
        "toshorttimestring" => {
            super::dotnet::format_datetime(*d, "t").map(Value::string).map_err(|e| net_err(name, n, e))
        }
        "tolongtimestring" => {
            super::dotnet::format_datetime(*d, "T").map(Value::string).map_err(|e| net_err(name, n, e))
        }
        "touniversaltime" => Ok(Value::DateTime(d.to_universal_time())),
        "tolocaltime" => Ok(Value::DateTime(d.to_local_time())),
        "tofiletime" | "tofiletimeutc" => Ok(Value::Long(d.to_file_time_utc())),
        "compareto" => Ok(Value::Int(match arg(args, 0) {
            Value::DateTime(o) => d.cmp(&o) as i32,
            _ => 1,
        })),
        _ => Err(method_not_found(&Value::DateTime(*d), name)),
    }
}

fn timespan_method(t: &TimeSpan, l: &str, name: &str, args: &[Value]) -> R<Value> {
    let n = args.len();
    match l {
        "tostring" => {
            if n == 0 {
                return Ok(Value::string(t.to_string_c()));
            }
            super::dotnet::format_timespan(*t, &arg_s(args, 0)).map(Value::string).map_err(|e| net_err(name, n, e))
        }
        "add" => match arg(args, 0) {
            Value::TimeSpan(o) => t.checked_add(o).map(Value::TimeSpan).map_err(|e| net_err(name, n, e)),
            _ => Err(method_not_found(&Value::TimeSpan(*t), name)),
        },
        "subtract" => match arg(args, 0) {
            Value::TimeSpan(o) => t.checked_sub(o).map(Value::TimeSpan).map_err(|e| net_err(name, n, e)),
            _ => Err(method_not_found(&Value::TimeSpan(*t), name)),
        },
        "negate" => t.negate().map(Value::TimeSpan).map_err(|e| net_err(name, n, e)),
        "duration" => t.duration().map(Value::TimeSpan).map_err(|e| net_err(name, n, e)),
        _ => Err(method_not_found(&Value::TimeSpan(*t), name)),
    }
}

// ----------------------------------------------------------------------
// helper objects
// ----------------------------------------------------------------------

/// `$x.psobject`.
pub struct PsObjectView(pub Value);

impl NetObject for PsObjectView {
    fn type_name(&self) -> String {
        "System.Management.Automation.PSObject".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        match name.to_ascii_lowercase().as_str() {
            "properties" => {
                let props: Vec<Value> = property_list(&self.0)
                    .into_iter()
                    .map(|(n, v)| {
                        let mut o = PsObject::typed("System.Management.Automation.PSNoteProperty");
                        o.set_note("Value", v.clone());
                        o.set_note("MemberType", Value::str("NoteProperty"));
                        o.set_note("IsSettable", Value::Bool(true));
                        o.set_note("IsGettable", Value::Bool(true));
                        o.set_note("TypeNameOfValue", Value::string(v.type_name()));
                        o.set_note("Name", Value::string(n));
                        Value::object(o)
                    })
                    .collect();
                Some(Value::array(props))
            }
            "typenames" => Some(Value::array(self.0.type_names().into_iter().map(Value::string).collect())),
            "baseobject" | "immediatebaseobject" => Some(self.0.base()),
            "members" => self.get_property("properties"),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Properties as formatting shows them: note, script and alias properties
/// (script properties evaluated), in order.
pub fn display_properties(cx: &mut Interp, v: &Value) -> Vec<(String, Value)> {
    if let Value::Object(o) = v {
        let ms: Vec<(String, Member)> = o.borrow().members.values().cloned().collect();
        if ms.iter().any(|(_, m)| matches!(m, Member::Script(..) | Member::Alias(..))) {
            let mut out = Vec::new();
            for (n, m) in ms {
                match m {
                    Member::Note(x) => out.push((n, x)),
                    Member::Script(..) | Member::Alias(..) => {
                        let x = get_property(cx, v, &n).unwrap_or(Value::Null);
                        out.push((n, x));
                    }
                    _ => {}
                }
            }
            return out;
        }
    }
    property_list(v)
}

/// The (name, value) properties of a value for formatting, CSV and Select-Object
/// (note properties and script properties' stored values; hashtables are not expanded).
pub fn property_list(v: &Value) -> Vec<(String, Value)> {
    match v {
        Value::Object(o) => {
            let o = o.borrow();
            o.members
                .values()
                .filter_map(|(n, m)| match m {
                    Member::Note(x) => Some((n.clone(), x.clone())),
                    _ => None,
                })
                .collect()
        }
        Value::Other(o) => o
            .property_names()
            .into_iter()
            .map(|n| {
                let v = o.get_property(&n).unwrap_or(Value::Null);
                (n, v)
            })
            .collect(),
        Value::DateTime(d) => [
            "DateTime",
            "Date",
            "Day",
            "DayOfWeek",
            "DayOfYear",
            "Hour",
            "Kind",
            "Millisecond",
            "Minute",
            "Month",
            "Second",
            "Ticks",
            "TimeOfDay",
            "Year",
        ]
        .iter()
        .map(|n| (n.to_string(), datetime_property(d, &n.to_ascii_lowercase())))
        .collect(),
        Value::TimeSpan(t) => [
            "Ticks",
            "Days",
            "Hours",
            "Milliseconds",
            "Minutes",
            "Seconds",
            "TotalDays",
            "TotalHours",
            "TotalMilliseconds",
            "TotalMinutes",
            "TotalSeconds",
        ]
        .iter()
        .map(|n| (n.to_string(), timespan_property(t, &n.to_ascii_lowercase())))
        .collect(),
        Value::String(s) => vec![("Length".into(), Value::Int(utf16_len(s) as i32))],
        Value::Error(e) => ["Exception", "TargetObject", "CategoryInfo", "FullyQualifiedErrorId"]
            .iter()
            .map(|n| (n.to_string(), error_property(e, &n.to_ascii_lowercase())))
            .collect(),
        Value::Hashtable(h) => {
            let h = h.borrow();
            vec![
                ("IsReadOnly".into(), Value::Bool(false)),
                ("IsFixedSize".into(), Value::Bool(false)),
                ("IsSynchronized".into(), Value::Bool(false)),
                ("Keys".into(), Value::array(h.keys())),
                ("Values".into(), Value::array(h.values())),
                ("SyncRoot".into(), Value::Null),
                ("Count".into(), Value::Int(h.len() as i32)),
            ]
        }
        _ => Vec::new(),
    }
}

/// `$PSCmdlet` of an advanced function.
pub struct PsCmdlet {
    pub name: String,
    pub set: String,
    pub what_if: bool,
    pub invocation: Value,
}

impl NetObject for PsCmdlet {
    fn type_name(&self) -> String {
        "System.Management.Automation.PSScriptCmdlet".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        match name.to_ascii_lowercase().as_str() {
            "parametersetname" => Some(Value::string(self.set.clone())),
            "myinvocation" => Some(self.invocation.clone()),
            "commandruntime" => Some(Value::string(self.name.clone())),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn pscmdlet_method(cx: &mut Interp, c: &PsCmdlet, l: &str, name: &str, args: Vec<Value>) -> R<Value> {
    let rec_of = |v: &Value| -> ErrorRecord {
        match v {
            Value::Error(e) => (**e).clone(),
            Value::Exception(ex) => ErrorRecord::new((**ex).clone(), &ex.type_name, "NotSpecified", Value::Null),
            other => {
                ErrorRecord::new(Exception::runtime(to_string(other)), "RuntimeException", "NotSpecified", Value::Null)
            }
        }
    };
    match l {
        "writeerror" => {
            let mut e = rec_of(&arg(&args, 0));
            e.from_command = Some(c.name.clone());
            let pos = cx.pos(crate::syntax::Span::default());
            let e = if e.position.is_none() { e.with_position(pos) } else { e };
            cx.write_error(None, e)?;
            Ok(Value::Null)
        }
        "throwterminatingerror" => {
            let mut e = rec_of(&arg(&args, 0));
            e.from_command = Some(c.name.clone());
            e.script_terminating_mark();
            Err(Flow::error(e))
        }
        "writewarning" => {
            cx.write_warning(None, &arg_s(&args, 0))?;
            Ok(Value::Null)
        }
        "writeverbose" | "writedebug" => {
            let (pref, prefix) =
                if l == "writeverbose" { ("VerbosePreference", "VERBOSE: ") } else { ("DebugPreference", "DEBUG: ") };
            let p = cx.preference(pref, super::binder::ActionPreference::SilentlyContinue);
            if matches!(p, super::binder::ActionPreference::Continue) {
                let stream =
                    if l == "writeverbose" { super::redirect::Stream::Verbose } else { super::redirect::Stream::Debug };
                cx.stream_line(stream, prefix, &arg_s(&args, 0));
            }
            Ok(Value::Null)
        }
        "writehost" | "writeinformation" => {
            cx.host_line(&arg_s(&args, 0));
            Ok(Value::Null)
        }
        "writeobject" => Ok(arg(&args, 0)),
        "shouldprocess" => {
            if c.what_if {
                let target = arg_s(&args, 0);
                let action = if args.len() >= 2 { arg_s(&args, 1) } else { c.name.clone() };
                cx.host_line(&format!("What if: Performing the operation \"{action}\" on target \"{target}\"."));
                return Ok(Value::Bool(false));
            }
            Ok(Value::Bool(true))
        }
        "shouldcontinue" => Ok(Value::Bool(true)),
        _ => Err(method_not_found(&Value::str(name), name)),
    }
}

/// A StringBuilder.
pub struct StringBuilder {
    pub text: RefCell<String>,
}

impl NetObject for StringBuilder {
    fn type_name(&self) -> String {
        "System.Text.StringBuilder".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        match name.to_ascii_lowercase().as_str() {
            "length" => Some(Value::Int(utf16_len(&self.text.borrow()) as i32)),
            "capacity" => Some(Value::Int(16.max(self.text.borrow().len()) as i32)),
            _ => None,
        }
    }
    fn property_names(&self) -> Vec<String> {
        vec!["Capacity".into(), "MaxCapacity".into(), "Length".into()]
    }
    fn to_display(&self) -> String {
        self.text.borrow().clone()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn string_builder_method(obj: &Value, sb: &StringBuilder, l: &str, name: &str, args: &[Value]) -> R<Value> {
    match l {
        "append" => {
            sb.text.borrow_mut().push_str(&arg_s(args, 0));
            Ok(obj.clone())
        }
        "appendline" => {
            sb.text.borrow_mut().push_str(&arg_s(args, 0));
            sb.text.borrow_mut().push('\n');
            Ok(obj.clone())
        }
        "appendformat" => {
            let s = super::format::composite(&arg_s(args, 0), &args[1.min(args.len())..])
                .map_err(|m| method_exception(name, args.len(), "System.FormatException", &m))?;
            sb.text.borrow_mut().push_str(&s);
            Ok(obj.clone())
        }
        "insert" => {
            let i = arg_i(args, 0).max(0) as usize;
            let mut t = sb.text.borrow_mut();
            let b = byte_at(&t, i).unwrap_or(t.len());
            t.insert_str(b, &arg_s(args, 1));
            Ok(obj.clone())
        }
        "clear" => {
            sb.text.borrow_mut().clear();
            Ok(obj.clone())
        }
        "tostring" => Ok(Value::string(sb.text.borrow().clone())),
        "replace" => {
            let r = sb.text.borrow().replace(&arg_s(args, 0), &arg_s(args, 1));
            *sb.text.borrow_mut() = r;
            Ok(obj.clone())
        }
        _ => Err(method_not_found(obj, name)),
    }
}

/// `System.Diagnostics.Stopwatch`: admin scripts time their migration steps with it.
/// Its ticks are nanoseconds (`Frequency` is 1,000,000,000, as .NET on Linux reports).
#[derive(Default)]
pub struct Stopwatch {
    started: RefCell<Option<std::time::Instant>>,
    banked: RefCell<std::time::Duration>,
}

impl Stopwatch {
    pub fn started() -> Stopwatch {
        let sw = Stopwatch::default();
        *sw.started.borrow_mut() = Some(std::time::Instant::now());
        sw
    }
    fn elapsed(&self) -> std::time::Duration {
        *self.banked.borrow() + self.started.borrow().map(|s| s.elapsed()).unwrap_or_default()
    }
    fn elapsed_span(&self) -> TimeSpan {
        TimeSpan::from_ticks(i64::try_from(self.elapsed().as_nanos() / 100).unwrap_or(i64::MAX))
    }
}

/// Nanoseconds of a monotonic clock (`[Diagnostics.Stopwatch]::GetTimestamp()`).
fn stopwatch_timestamp() -> i64 {
    static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let origin = *ORIGIN.get_or_init(std::time::Instant::now);
    i64::try_from(origin.elapsed().as_nanos()).unwrap_or(i64::MAX).saturating_add(1_000_000_000)
}

impl NetObject for Stopwatch {
    fn type_name(&self) -> String {
        "System.Diagnostics.Stopwatch".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        match name.to_ascii_lowercase().as_str() {
            "isrunning" => Some(Value::Bool(self.started.borrow().is_some())),
            "elapsed" => Some(Value::TimeSpan(self.elapsed_span())),
            "elapsedmilliseconds" => Some(Value::Long(i64::try_from(self.elapsed().as_millis()).unwrap_or(i64::MAX))),
            "elapsedticks" => Some(Value::Long(i64::try_from(self.elapsed().as_nanos()).unwrap_or(i64::MAX))),
            _ => None,
        }
    }
    fn property_names(&self) -> Vec<String> {
        ["IsRunning", "Elapsed", "ElapsedMilliseconds", "ElapsedTicks"].iter().map(|s| s.to_string()).collect()
    }
    fn to_display(&self) -> String {
        super::convert::to_string(&Value::TimeSpan(self.elapsed_span()))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn stopwatch_method(obj: &Value, sw: &Stopwatch, l: &str, name: &str) -> R<Value> {
    let now = std::time::Instant::now();
    match l {
        "start" => {
            sw.started.borrow_mut().get_or_insert(now);
        }
        "stop" => {
            if let Some(s) = sw.started.borrow_mut().take() {
                *sw.banked.borrow_mut() += s.elapsed();
            }
        }
        "reset" => {
            *sw.started.borrow_mut() = None;
            *sw.banked.borrow_mut() = std::time::Duration::ZERO;
        }
        "restart" => {
            *sw.started.borrow_mut() = Some(now);
            *sw.banked.borrow_mut() = std::time::Duration::ZERO;
        }
        "tostring" => return Ok(Value::string(sw.to_display())),
        _ => return Err(method_not_found(obj, name)),
    }
    Ok(Value::Null)
}

/// A text encoding (`[Text.Encoding]::UTF8`).
pub struct Encoding {
    pub name: &'static str,
}

impl NetObject for Encoding {
    fn type_name(&self) -> String {
        "System.Text.UTF8Encoding".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        match name.to_ascii_lowercase().as_str() {
            "encodingname" | "webname" | "bodyname" => Some(Value::str(self.name)),
            _ => None,
        }
    }
    fn to_display(&self) -> String {
        self.type_name()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn bytes_of(v: &Value) -> Vec<u8> {
    v.to_list().iter().map(|b| to_num(b).and_then(|n| n.as_i64()).unwrap_or(0) as u8).collect()
}

pub fn byte_array(bytes: &[u8]) -> Value {
    Value::typed_array(PsType::Byte, bytes.iter().map(|b| Value::Byte(*b)).collect())
}

fn encoding_method(enc: &Encoding, l: &str, name: &str, args: &[Value]) -> R<Value> {
    match l {
        "getbytes" => {
            let s = arg_s(args, 0);
            let bytes: Vec<u8> = match enc.name {
                "utf-16" => s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
                "us-ascii" => s.chars().map(|c| if c.is_ascii() { c as u8 } else { b'?' }).collect(),
                _ => s.into_bytes(),
            };
            Ok(byte_array(&bytes))
        }
        "getstring" => {
            let b = bytes_of(&arg(args, 0));
            Ok(Value::string(match enc.name {
                "utf-16" => {
                    let units: Vec<u16> =
                        b.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
                    String::from_utf16_lossy(&units)
                }
                _ => String::from_utf8_lossy(&b).into_owned(),
            }))
        }
        "getbytecount" => Ok(Value::Int(arg_s(args, 0).len() as i32)),
        _ => Err(method_not_found(&Value::str(name), name)),
    }
}

/// A `[regex]` object.
pub struct RegexObject {
    pub pattern: String,
    pub case_sensitive: bool,
    pub multiline: bool,
}

impl NetObject for RegexObject {
    fn type_name(&self) -> String {
        "System.Text.RegularExpressions.Regex".into()
    }
    fn to_display(&self) -> String {
        self.pattern.clone()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub fn new_regex(pattern: &str, options: &str) -> R<Value> {
    let o = options.to_ascii_lowercase();
    let r = RegexObject {
        pattern: pattern.to_string(),
        case_sensitive: !o.contains("ignorecase"),
        multiline: o.contains("multiline"),
    };
    text::regex(&r.pattern, r.case_sensitive, r.multiline)?;
    Ok(Value::Other(Rc::new(r)))
}

/// A Match object.
pub fn match_object(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let m0 = caps.get(0);
    let mut groups = Vec::new();
    let names: Vec<Option<&str>> = re.capture_names().collect();
    for (i, nm) in names.iter().enumerate() {
        let g = caps.get(i);
        let mut o = PsObject::typed("System.Text.RegularExpressions.Group");
        o.set_note("Groups", Value::Null);
        o.set_note("Success", Value::Bool(g.is_some()));
        o.set_note("Name", Value::string(nm.map(|s| s.to_string()).unwrap_or_else(|| i.to_string())));
        o.set_note("Captures", Value::Null);
        o.set_note("Index", Value::Int(g.map(|m| m.start() as i32).unwrap_or(0)));
        o.set_note("Length", Value::Int(g.map(|m| m.as_str().len() as i32).unwrap_or(0)));
        o.set_note("Value", Value::str(g.map(|m| m.as_str()).unwrap_or("")));
        o.members.shift_remove("groups");
        o.members.shift_remove("captures");
        groups.push((nm.map(|s| s.to_string()).unwrap_or_else(|| i.to_string()), Value::object(o)));
    }
    let mut o = PsObject::typed("System.Text.RegularExpressions.Match");
    o.set_note("Groups", Value::Other(Rc::new(GroupCollection { groups })));
    o.set_note("Success", Value::Bool(m0.is_some()));
    o.set_note("Name", Value::str("0"));
    o.set_note("Captures", Value::Null);
    o.set_note("Index", Value::Int(m0.map(|m| m.start() as i32).unwrap_or(0)));
    o.set_note("Length", Value::Int(m0.map(|m| m.as_str().len() as i32).unwrap_or(0)));
    o.set_note("Value", Value::str(m0.map(|m| m.as_str()).unwrap_or("")));
    Value::object(o)
}

/// Match.Groups: indexable by number or name, enumerable.
pub struct GroupCollection {
    pub groups: Vec<(String, Value)>,
}

impl NetObject for GroupCollection {
    fn type_name(&self) -> String {
        "System.Text.RegularExpressions.GroupCollection".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        let key = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
        if name.eq_ignore_ascii_case("count") {
            return Some(Value::Int(self.groups.len() as i32));
        }
        self.groups.iter().find(|(n, _)| n.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone())
    }
    fn enumerate(&self) -> Option<Vec<Value>> {
        Some(self.groups.iter().map(|(_, v)| v.clone()).collect())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn regex_instance_method(cx: &mut Interp, re: &RegexObject, l: &str, name: &str, args: Vec<Value>) -> R<Value> {
    let r = text::regex(&re.pattern, re.case_sensitive, re.multiline)?;
    regex_ops(cx, &r, l, name, &args, 0)
}

fn regex_ops(cx: &mut Interp, r: &regex::Regex, l: &str, name: &str, args: &[Value], off: usize) -> R<Value> {
    let input = arg_s(args, 0);
    match l {
        "ismatch" => Ok(Value::Bool(r.is_match(&input))),
        "match" => Ok(match r.captures(&input) {
            Some(c) => match_object(r, &c),
            None => {
                let mut o = PsObject::typed("System.Text.RegularExpressions.Match");
                o.set_note("Success", Value::Bool(false));
                o.set_note("Value", Value::str(""));
                o.set_note("Groups", Value::Other(Rc::new(GroupCollection { groups: Vec::new() })));
                Value::object(o)
            }
        }),
        "matches" => Ok(Value::array(r.captures_iter(&input).map(|c| match_object(r, &c)).collect())),
        "replace" => {
            let rep = arg(args, 1 + off);
            match &rep {
                Value::ScriptBlock(sb) => {
                    let mut out = String::new();
                    let mut last = 0;
                    for caps in r.captures_iter(&input) {
                        let Some(m0) = caps.get(0) else { continue };
                        out.push_str(&input[last..m0.start()]);
                        let mv = match_object(r, &caps);
                        let v = cx.invoke_sb_value(sb, vec![mv.clone()], Some(mv), false)?;
                        out.push_str(&to_string(&v));
                        last = m0.end();
                    }
                    out.push_str(&input[last..]);
                    Ok(Value::string(out))
                }
                other => {
                    let rs = text::translate_replacement(&to_string(other));
                    Ok(Value::string(r.replace_all(&input, rs.as_str()).into_owned()))
                }
            }
        }
        "split" => Ok(Value::typed_array(
            PsType::String,
            super::expr::split_regex(r, &input, 0).into_iter().map(Value::string).collect(),
        )),
        _ => Err(method_not_found(&Value::str(&input), name)),
    }
}

// ----------------------------------------------------------------------
// statics
// ----------------------------------------------------------------------

fn static_not_found(t: &PsType, name: &str) -> Flow {
    Flow::error(ErrorRecord::new(
        Exception::runtime(format!(
            "Method invocation failed because [{}] does not contain a method named '{name}'.",
            t.full_name()
        )),
        "MethodNotFound",
        "InvalidOperation",
        Value::Null,
    ))
}

/// `[T]::Name`.
pub fn static_property(_cx: &mut Interp, t: &PsType, name: &str) -> R<Value> {
    let l = name.to_ascii_lowercase();
    let full = t.full_name();
    Ok(match (full.as_str(), l.as_str()) {
        ("System.Diagnostics.Stopwatch", "frequency") => Value::Long(1_000_000_000),
        ("System.Diagnostics.Stopwatch", "ishighresolution") => Value::Bool(true),
        ("System.Math", "pi") => Value::Double(std::f64::consts::PI),
        ("System.Math", "e") => Value::Double(std::f64::consts::E),
        (_, "maxvalue" | "minvalue") if convert::int_range(t).is_some() => {
            let (lo, hi) = convert::int_range(t).unwrap_or((0, 0));
            return convert::convert_to(&Value::string(if l == "maxvalue" { hi } else { lo }.to_string()), t)
                .map_err(|m| super::eval::invalid_cast(&m));
        }
        ("System.Numerics.BigInteger", "zero") => Value::bigint(BigInt::from(0)),
        ("System.Numerics.BigInteger", "one") => Value::bigint(BigInt::from(1)),
        ("System.Numerics.BigInteger", "minusone") => Value::bigint(BigInt::from(-1)),
        ("System.Int32", "maxvalue") => Value::Int(i32::MAX),
        ("System.Int32", "minvalue") => Value::Int(i32::MIN),
        ("System.Int64", "maxvalue") => Value::Long(i64::MAX),
        ("System.Int64", "minvalue") => Value::Long(i64::MIN),
        ("System.Single", "maxvalue") => Value::Single(f32::MAX),
        ("System.Single", "minvalue") => Value::Single(f32::MIN),
        ("System.Single", "epsilon") => Value::Single(f32::from_bits(1)),
        ("System.Single", "nan") => Value::Single(f32::NAN),
        ("System.Double", "epsilon") => Value::Double(f64::from_bits(1)),
        ("System.Double", "maxvalue") => Value::Double(f64::MAX),
        ("System.Double", "minvalue") => Value::Double(f64::MIN),
        ("System.Double", "nan") => Value::Double(f64::NAN),
        ("System.Double", "positiveinfinity") => Value::Double(f64::INFINITY),
        ("System.Double", "negativeinfinity") => Value::Double(f64::NEG_INFINITY),
        ("System.String", "empty") => Value::str(""),
        ("System.DateTime", "now") => Value::DateTime(DateTime::now()),
        ("System.DateTime", "utcnow") => Value::DateTime(DateTime::utc_now()),
        ("System.DateTime", "today") => Value::DateTime(DateTime::today()),
        ("System.DateTime", "minvalue") => {
            Value::DateTime(DateTime::from_ticks(0, Default::default()).unwrap_or_else(|_| DateTime::today()))
        }
        ("System.DateTime", "maxvalue") => Value::DateTime(
            DateTime::from_ticks(super::dotnet::datetime::MAX_TICKS, Default::default())
                .unwrap_or_else(|_| DateTime::today()),
        ),
        ("System.TimeSpan", "zero") => Value::TimeSpan(TimeSpan::ZERO),
        ("System.Guid", "empty") => Value::Guid(uuid::Uuid::nil()),
        ("System.Environment", "newline") => Value::str("\n"),
        ("System.Environment", "machinename") => Value::string(hostname()),
        ("System.Environment", "username") => Value::string(std::env::var("USER").unwrap_or_else(|_| "root".into())),
        ("System.Environment", "currentdirectory") => Value::string(_cx.location.clone()),
        ("System.Environment", "processorcount") => {
            Value::Int(std::thread::available_parallelism().map(|n| n.get() as i32).unwrap_or(1))
        }
        ("System.Environment", "is64bitoperatingsystem" | "is64bitprocess") => Value::Bool(true),
        ("System.Environment", "osversion") => new_object(
            "System.OperatingSystem",
            vec![("Platform", Value::str("Unix")), ("VersionString", Value::str("Unix"))],
        ),
        ("System.Environment", "tickcount" | "tickcount64") => Value::Long(0),
        ("System.IO.Path", "directoryseparatorchar") => Value::Char('/'),
        ("System.IO.Path", "pathseparator") => Value::Char(':'),
        ("System.Text.Encoding", "utf8" | "default") => Value::Other(Rc::new(Encoding { name: "utf-8" })),
        ("System.Text.Encoding", "unicode") => Value::Other(Rc::new(Encoding { name: "utf-16" })),
        ("System.Text.Encoding", "ascii") => Value::Other(Rc::new(Encoding { name: "us-ascii" })),
        _ => {
            if let PsType::Enum(tn, values) = t
                && let Some((n, v)) = values.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                return Ok(enum_value(tn, n, *v));
            }
            if full == "System.DateTimeKind" {
                return Ok(enum_value("System.DateTimeKind", name, 0));
            }
            if full.ends_with("StringSplitOptions") || full.ends_with("RegexOptions") || full.ends_with("SpecialFolder")
            {
                return Ok(enum_value(&full, name, 1));
            }
            return Err(Flow::error(ErrorRecord::new(
                Exception::runtime(format!("The property '{name}' cannot be found on type [{full}].")),
                "PropertyNotFound",
                "InvalidOperation",
                Value::Null,
            )));
        }
    })
}

/// Math.Abs of a type's minimum value.
fn abs_overflow(n: usize) -> Flow {
    method_exception(
        "Abs",
        n,
        "System.OverflowException",
        "Negating the minimum value of a twos complement number is invalid.",
    )
}

/// A BigInteger argument of a `[bigint]::Method(...)` call.
fn big_arg(args: &[Value], i: usize, name: &str) -> R<BigInt> {
    let v = arg(args, i);
    match convert::convert_to(&v, &PsType::BigInt) {
        Ok(Value::BigInt(b)) => Ok((*b).clone()),
        Ok(_) => Ok(BigInt::from(0)),
        Err(m) => Err(method_exception(name, args.len(), "System.Management.Automation.PSInvalidCastException", &m)),
    }
}

/// The statics of `[System.Numerics.BigInteger]`.
fn bigint_static(t: &PsType, l: &str, name: &str, args: &[Value]) -> R<Value> {
    use num_bigint::Sign;
    let n = args.len();
    let b = |i| big_arg(args, i, name);
    let div0 = || method_exception(name, n, "System.DivideByZeroException", "Attempted to divide by zero.");
    let cmp = |x: &BigInt, y: &BigInt| match x.cmp(y) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    };
    Ok(match (l, n) {
        ("pow", 2) => {
            let e = arg_i(args, 1);
            if e < 0 {
                return Err(method_exception(
                    name,
                    n,
                    "System.ArgumentOutOfRangeException",
                    &format!(
                        "The number must be greater than or equal to zero. (Parameter 'exponent')\nActual value was {e}."
                    ),
                ));
            }
            Value::bigint(num_traits::Pow::pow(b(0)?, e as u64))
        }
        ("abs", 1) => Value::bigint(num_traits::Signed::abs(&b(0)?)),
        ("negate", 1) => Value::bigint(-b(0)?),
        ("add", 2) => Value::bigint(b(0)? + b(1)?),
        ("subtract", 2) => Value::bigint(b(0)? - b(1)?),
        ("multiply", 2) => Value::bigint(b(0)? * b(1)?),
        ("divide" | "remainder", 2) => {
            let (x, y) = (b(0)?, b(1)?);
            if y.sign() == Sign::NoSign {
                return Err(div0());
            }
            Value::bigint(if l == "divide" { x / y } else { x % y })
        }
        ("modpow", 3) => {
            let (x, e, m) = (b(0)?, b(1)?, b(2)?);
            if m.sign() == Sign::NoSign {
                return Err(div0());
            }
            if e.sign() == Sign::Minus {
                return Err(method_exception(
                    name,
                    n,
                    "System.ArgumentOutOfRangeException",
                    "The number must be greater than or equal to zero. (Parameter 'exponent')",
                ));
            }
            // .NET's ModPow keeps the dividend's sign, as `%` does.
            let r = x.modpow(&e, &num_traits::Signed::abs(&m));
            let r = if x.sign() == Sign::Minus && r.sign() != Sign::NoSign && e.bit(0) {
                r - num_traits::Signed::abs(&m)
            } else {
                r
            };
            Value::bigint(r)
        }
        ("greatestcommondivisor", 2) => Value::bigint(num_integer::Integer::gcd(&b(0)?, &b(1)?)),
        ("max", 2) => Value::bigint(b(0)?.max(b(1)?)),
        ("min", 2) => Value::bigint(b(0)?.min(b(1)?)),
        ("compare", 2) => Value::Int(cmp(&b(0)?, &b(1)?)),
        ("equals", 2) => Value::Bool(b(0)? == b(1)?),
        ("log10", 1) => Value::Double(big_log(&b(0)?) / std::f64::consts::LN_10),
        ("log", 1) => Value::Double(big_log(&b(0)?)),
        ("log", 2) => Value::Double(big_log(&b(0)?) / arg_f(args, 1).ln()),
        _ => return Err(static_not_found(t, name)),
    })
}

/// The natural logarithm of a BigInteger of any size (NaN below zero).
fn big_log(x: &BigInt) -> f64 {
    use num_traits::ToPrimitive;
    match x.sign() {
        num_bigint::Sign::Minus => f64::NAN,
        num_bigint::Sign::NoSign => f64::NEG_INFINITY,
        num_bigint::Sign::Plus => {
            let bits = x.bits();
            if bits < 1000 {
                x.to_f64().unwrap_or(f64::INFINITY).ln()
            } else {
                let shift = bits - 64;
                let top: BigInt = x >> shift as usize;
                top.to_f64().unwrap_or(1.0).ln() + shift as f64 * std::f64::consts::LN_2
            }
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "localhost".into())
}

fn io_err(name: &str, n: usize, path: &str, e: std::io::Error) -> Flow {
    let b = path.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        let d = path[..1].to_ascii_uppercase();
        return method_exception(
            name,
            n,
            "System.IO.DirectoryNotFoundException",
            &format!(
                "Could not find a part of the path '{path}'. Map drive {d}: first, e.g. New-PSDrive -Name {d} -PSProvider FileSystem -Root /srv/migration, or set EXOSH_DRIVE_{d}."
            ),
        );
    }
    let (ty, msg) = match e.kind() {
        std::io::ErrorKind::NotFound => ("System.IO.FileNotFoundException", format!("Could not find file '{path}'.")),
        std::io::ErrorKind::PermissionDenied => {
            ("System.UnauthorizedAccessException", format!("Access to the path '{path}' is denied."))
        }
        _ => ("System.IO.IOException", e.to_string()),
    };
    method_exception(name, n, ty, &msg)
}

fn math_round(args: &[Value]) -> Value {
    let v = arg(args, 0);
    let digits =
        if args.len() >= 2 && !matches!(args[1], Value::String(_) | Value::Enum(_)) { arg_i(args, 1) } else { 0 };
    let away = args.iter().skip(1).any(|a| to_string(a).eq_ignore_ascii_case("AwayFromZero"));
    match v {
        Value::Decimal(d) => {
            let strat = if away {
                rust_decimal::RoundingStrategy::MidpointAwayFromZero
            } else {
                rust_decimal::RoundingStrategy::MidpointNearestEven
            };
            Value::Decimal(d.round_dp_with_strategy(digits.max(0) as u32, strat))
        }
        other => {
            let x = to_num(&other).map(|n| n.as_f64()).unwrap_or(0.0);
            let p = 10f64.powi(digits as i32);
            let y = x * p;
            let r = if away { y.round() } else { convert::round_half_even(y) };
            // Correct for representation error: 2.675 * 100 = 267.49999...
            let r = if (y - y.trunc()).abs() != 0.5 && !away { y.round() } else { r };
            Value::Double(r / p)
        }
    }
}

/// `[T]::Method(args)`.
pub fn invoke_static(cx: &mut Interp, t: &PsType, name: &str, args: Vec<Value>) -> R<Value> {
    let l = name.to_ascii_lowercase();
    let n = args.len();
    if l == "new" {
        return construct(cx, t, args);
    }
    let full = t.full_name();
    match full.as_str() {
        "System.Math" => {
            let f = |i| arg_f(&args, i);
            let num_like = |x: f64| -> Value {
                if args.iter().all(|a| matches!(a, Value::Int(_))) && x.fract() == 0.0 {
                    Value::Int(x as i32)
                } else if args.iter().all(|a| matches!(a, Value::Int(_) | Value::Long(_))) && x.fract() == 0.0 {
                    Value::Long(x as i64)
                } else {
                    Value::Double(x)
                }
            };
            return Ok(match l.as_str() {
                "round" => math_round(&args),
                "floor" => match arg(&args, 0) {
                    Value::Decimal(d) => Value::Decimal(d.floor()),
                    _ => Value::Double(f(0).floor()),
                },
                "ceiling" => match arg(&args, 0) {
                    Value::Decimal(d) => Value::Decimal(d.ceil()),
                    _ => Value::Double(f(0).ceil()),
                },
                "truncate" => Value::Double(f(0).trunc()),
                "abs" => match arg(&args, 0) {
                    Value::Int(i) => Value::Int(i.checked_abs().ok_or_else(|| abs_overflow(n))?),
                    Value::Long(i) => Value::Long(i.checked_abs().ok_or_else(|| abs_overflow(n))?),
                    Value::SByte(i) => Value::SByte(i.checked_abs().ok_or_else(|| abs_overflow(n))?),
                    Value::Int16(i) => Value::Int16(i.checked_abs().ok_or_else(|| abs_overflow(n))?),
                    Value::Single(x) => Value::Single(x.abs()),
                    // Math.Abs has no unsigned overloads: UInt32 widens to Int64.
                    Value::UInt32(i) => Value::Long(i64::from(i)),
                    Value::Byte(i) => Value::Int16(i16::from(i)),
                    Value::UInt16(i) => Value::Int(i32::from(i)),
                    Value::Decimal(d) => Value::Decimal(d.abs()),
                    _ => Value::Double(f(0).abs()),
                },
                "max" => {
                    let (a, b) = (arg(&args, 0), arg(&args, 1));
                    if super::ops::compare(&a, &b, false)? == std::cmp::Ordering::Less { b } else { a }
                }
                "min" => {
                    let (a, b) = (arg(&args, 0), arg(&args, 1));
                    if super::ops::compare(&a, &b, false)? == std::cmp::Ordering::Greater { b } else { a }
                }
                "pow" => Value::Double(f(0).powf(f(1))),
                "sqrt" => Value::Double(f(0).sqrt()),
                "log" => Value::Double(if n >= 2 { f(0).ln() / f(1).ln() } else { f(0).ln() }),
                "log10" => Value::Double(f(0).log10()),
                "log2" => Value::Double(f(0).log2()),
                "exp" => Value::Double(f(0).exp()),
                "sign" => Value::Int(if f(0) > 0.0 {
                    1
                } else if f(0) < 0.0 {
                    -1
                } else {
                    0
                }),
                "sin" => Value::Double(f(0).sin()),
                "cos" => Value::Double(f(0).cos()),
                "tan" => Value::Double(f(0).tan()),
                "divrem" => num_like((f(0) / f(1)).trunc()),
                _ => return Err(static_not_found(t, name)),
            });
        }
        "System.String" => {
            return Ok(match l.as_str() {
                "isnullorempty" => Value::Bool(to_string(&arg(&args, 0)).is_empty()),
                "isnullorwhitespace" => Value::Bool(to_string(&arg(&args, 0)).trim().is_empty()),
                "join" => {
                    let sep = arg_s(&args, 0);
                    let items: Vec<Value> = if n == 2 { arg(&args, 1).to_list() } else { args[1..].to_vec() };
                    Value::string(items.iter().map(to_string).collect::<Vec<_>>().join(&sep))
                }
                "format" => {
                    let fa: Vec<Value> = if n == 2 && arg(&args, 1).is_enumerable() {
                        arg(&args, 1).to_list()
                    } else {
                        args[1.min(n)..].to_vec()
                    };
                    Value::string(
                        super::format::composite(&arg_s(&args, 0), &fa)
                            .map_err(|m| method_exception(name, n, "System.FormatException", &m))?,
                    )
                }
                "concat" => Value::string(args.iter().flat_map(|a| a.to_list()).map(|x| to_string(&x)).collect()),
                "compare" => {
                    let ci = n >= 3 && convert::to_bool(&arg(&args, 2));
                    Value::Int(super::ops::compare(
                        &Value::string(arg_s(&args, 0)),
                        &Value::string(arg_s(&args, 1)),
                        !ci,
                    )? as i32)
                }
                "equals" => Value::Bool(arg_s(&args, 0) == arg_s(&args, 1)),
                "new" => Value::string(arg_s(&args, 0).repeat(arg_i(&args, 1).max(1) as usize)),
                _ => return Err(static_not_found(t, name)),
            });
        }
        "System.Int32"
        | "System.Int64"
        | "System.Double"
        | "System.Decimal"
        | "System.Byte"
        | "System.Boolean"
        | "System.DateTime"
        | "System.Guid"
        | "System.TimeSpan"
        | "System.Char"
        | "System.SByte"
        | "System.Int16"
        | "System.UInt16"
        | "System.UInt32"
        | "System.UInt64"
        | "System.Numerics.BigInteger"
        | "System.Single"
            if l == "parse" || l == "tryparse" =>
        {
            let integer = convert::int_range(t).is_some() || matches!(t, PsType::BigInt);
            let s = arg_s(&args, 0);
            let r = if full == "System.DateTime" {
                convert::parse_datetime(&s)
                    .map(Value::DateTime)
                    .ok_or_else(|| format!("String '{s}' was not recognized as a valid DateTime."))
            } else if full == "System.Boolean" {
                match s.trim().to_ascii_lowercase().as_str() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    _ => Err(format!("String '{s}' was not recognized as a valid Boolean.")),
                }
            } else {
                let trimmed = s.trim();
                let ok_chars = !trimmed.is_empty()
                    && (!integer
                        || trimmed.trim_start_matches(['-', '+']).chars().all(|c| c.is_ascii_digit() || c == ','));
                if !ok_chars {
                    Err(format!("The input string '{s}' was not in a correct format."))
                } else {
                    convert::convert_to(&Value::string(trimmed.replace(',', "")), t).map_err(|m| {
                        // .NET's Parse reports an out-of-range number as an OverflowException.
                        match m.split_once("Error: \"Value was either too large or too small") {
                            Some((_, rest)) => {
                                format!("Value was either too large or too small{}", rest.trim_end_matches('"'))
                            }
                            None => format!("The input string '{s}' was not in a correct format."),
                        }
                    })
                }
            };
            if l == "tryparse" {
                return Ok(Value::Bool(r.is_ok()));
            }
            return r.map_err(|m| {
                let ty = if m.starts_with("Value was") { "System.OverflowException" } else { "System.FormatException" };
                method_exception(name, n, ty, &m)
            });
        }
        "System.Numerics.BigInteger" => return bigint_static(t, &l, name, &args),
        "System.DateTime" => {
            return match l.as_str() {
                "parseexact" => {
                    let s = arg_s(&args, 0);
                    let f = arg_s(&args, 1);
                    DateTime::parse_exact(&s, &f).ok().or_else(|| parse_exact(&s, &f)).map(Value::DateTime).ok_or_else(
                        || {
                            method_exception(
                                name,
                                n,
                                "System.FormatException",
                                &format!("String '{s}' was not recognized as a valid DateTime."),
                            )
                        },
                    )
                }
                "daysinmonth" => super::dotnet::datetime::days_in_month(arg_i(&args, 0) as i32, arg_i(&args, 1) as i32)
                    .map(Value::Int)
                    .map_err(|e| net_err(name, n, e)),
                "isleapyear" => Ok(Value::Bool(super::dotnet::datetime::is_leap_year(arg_i(&args, 0) as i32))),
                "specifykind" => match arg(&args, 0) {
                    Value::DateTime(d) => {
                        let k = arg_s(&args, 1).to_ascii_lowercase();
                        let kind = match k.as_str() {
                            "utc" => super::dotnet::DateTimeKind::Utc,
                            "local" => super::dotnet::DateTimeKind::Local,
                            _ => super::dotnet::DateTimeKind::Unspecified,
                        };
                        Ok(Value::DateTime(d.with_kind(kind)))
                    }
                    _ => Err(static_not_found(t, name)),
                },
                "fromfiletime" | "fromfiletimeutc" => {
                    let ticks = arg_i(&args, 0) + 504_911_232_000_000_000;
                    DateTime::from_ticks(ticks, super::dotnet::DateTimeKind::Utc)
                        .map(Value::DateTime)
                        .map_err(|e| net_err(name, n, e))
                }
                _ => Err(static_not_found(t, name)),
            };
        }
        "System.TimeSpan" => {
            let x = arg_f(&args, 0);
            let r = match l.as_str() {
                "fromdays" => TimeSpan::from_days(x),
                "fromhours" => TimeSpan::from_hours(x),
                "fromminutes" => TimeSpan::from_minutes(x),
                "fromseconds" => TimeSpan::from_seconds(x),
                "frommilliseconds" => TimeSpan::from_milliseconds(x),
                "fromticks" => Ok(TimeSpan::from_ticks(arg_i(&args, 0))),
                _ => return Err(static_not_found(t, name)),
            };
            return r.map(Value::TimeSpan).map_err(|e| net_err(name, n, e));
        }
        "System.Diagnostics.Stopwatch" => {
            return match l.as_str() {
                "startnew" => Ok(Value::Other(Rc::new(Stopwatch::started()))),
                "gettimestamp" => Ok(Value::Long(stopwatch_timestamp())),
                "getelapsedtime" => {
                    let start = arg_i(&args, 0);
                    let end = if args.len() > 1 { arg_i(&args, 1) } else { stopwatch_timestamp() };
                    Ok(Value::TimeSpan(TimeSpan::from_ticks(end.saturating_sub(start) / 100)))
                }
                _ => Err(static_not_found(t, name)),
            };
        }
        "System.Guid" => {
            return match l.as_str() {
                "newguid" => Ok(Value::Guid(uuid::Uuid::new_v4())),
                _ => Err(static_not_found(t, name)),
            };
        }
        "System.Text.RegularExpressions.Regex" => {
            let pattern = arg_s(&args, 1);
            let opts = args
                .iter()
                .skip(if l == "replace" { 3 } else { 2 })
                .map(to_string)
                .collect::<Vec<_>>()
                .join(",")
                .to_ascii_lowercase();
            return match l.as_str() {
                "escape" => Ok(Value::string(dotnet_regex_escape(&arg_s(&args, 0)))),
                "unescape" => Ok(Value::string(arg_s(&args, 0).replace('\\', ""))),
                _ => {
                    let r = text::regex(&pattern, !opts.contains("ignorecase"), opts.contains("multiline"))?;
                    let mut a2 = vec![arg(&args, 0)];
                    if l == "replace" {
                        a2.push(Value::Null);
                        a2.push(arg(&args, 2));
                        return regex_ops(cx, &r, &l, name, &a2, 1);
                    }
                    regex_ops(cx, &r, &l, name, &a2, 0)
                }
            };
        }
        "System.Environment" => {
            return Ok(match l.as_str() {
                "getenvironmentvariable" => std::env::var(arg_s(&args, 0)).map(Value::string).unwrap_or(Value::Null),
                "setenvironmentvariable" => {
                    cx.set_qualified("env", &arg_s(&args, 0), arg(&args, 1))?;
                    Value::Null
                }
                "getenvironmentvariables" => {
                    let mut h = Hashtable::new(false);
                    for (k, v) in std::env::vars() {
                        h.insert(Value::string(k), Value::string(v));
                    }
                    Value::hashtable(h)
                }
                "getfolderpath" => {
                    let home = std::env::var("HOME").unwrap_or_default();
                    let f = arg_s(&args, 0).to_ascii_lowercase();
                    Value::string(match f.as_str() {
                        "desktop" | "desktopdirectory" => format!("{home}/Desktop"),
                        "mydocuments" | "personal" => format!("{home}/Documents"),
                        "applicationdata" => format!("{home}/.config"),
                        "localapplicationdata" => format!("{home}/.local/share"),
                        _ => home,
                    })
                }
                "exit" => return Err(Flow::Exit(arg_i(&args, 0) as i32)),
                "getcommandlineargs" => Value::array(std::env::args().map(Value::string).collect()),
                _ => return Err(static_not_found(t, name)),
            });
        }
        "System.IO.File" => {
            let p = cx.resolve_path(&arg_s(&args, 0));
            return match l.as_str() {
                "exists" => Ok(Value::Bool(std::path::Path::new(&p).is_file())),
                "readallbytes" => std::fs::read(&p).map(|b| byte_array(&b)).map_err(|e| io_err(name, n, &p, e)),
                "readalltext" => std::fs::read(&p)
                    .map(|b| Value::string(crate::cli::decode_script(&b)))
                    .map_err(|e| io_err(name, n, &p, e)),
                "readalllines" | "readlines" => std::fs::read(&p)
                    .map(|b| {
                        Value::typed_array(
                            PsType::String,
                            crate::cli::decode_script(&b).lines().map(Value::str).collect(),
                        )
                    })
                    .map_err(|e| io_err(name, n, &p, e)),
                "writealltext" => {
                    std::fs::write(&p, arg_s(&args, 1)).map(|_| Value::Null).map_err(|e| io_err(name, n, &p, e))
                }
                "appendalltext" => super::output::write_text_file(&p, &arg_s(&args, 1), true)
                    .map(|_| Value::Null)
                    .map_err(|e| io_err(name, n, &p, e)),
                "writealllines" => {
                    let mut s: String = arg(&args, 1).to_list().iter().map(|x| format!("{}\n", to_string(x))).collect();
                    if s.is_empty() {
                        s = String::new();
                    }
                    std::fs::write(&p, s).map(|_| Value::Null).map_err(|e| io_err(name, n, &p, e))
                }
                "writeallbytes" => std::fs::write(&p, bytes_of(&arg(&args, 1)))
                    .map(|_| Value::Null)
                    .map_err(|e| io_err(name, n, &p, e)),
                "delete" => {
                    let _ = std::fs::remove_file(&p);
                    Ok(Value::Null)
                }
                "copy" => {
                    let d = cx.resolve_path(&arg_s(&args, 1));
                    std::fs::copy(&p, &d).map(|_| Value::Null).map_err(|e| io_err(name, n, &p, e))
                }
                "move" => {
                    let d = cx.resolve_path(&arg_s(&args, 1));
                    std::fs::rename(&p, &d).map(|_| Value::Null).map_err(|e| io_err(name, n, &p, e))
                }
                _ => Err(static_not_found(t, name)),
            };
        }
        "System.IO.Directory" => {
            let p = cx.resolve_path(&arg_s(&args, 0));
            return match l.as_str() {
                "exists" => Ok(Value::Bool(std::path::Path::new(&p).is_dir())),
                "createdirectory" => {
                    std::fs::create_dir_all(&p).map(|_| Value::Null).map_err(|e| io_err(name, n, &p, e))
                }
                "getcurrentdirectory" => Ok(Value::string(cx.location.clone())),
                "getfiles" | "getdirectories" => {
                    let want_dirs = l == "getdirectories";
                    let mut v: Vec<String> = std::fs::read_dir(&p)
                        .map_err(|e| io_err(name, n, &p, e))?
                        .filter_map(|e| e.ok())
                        .filter(|e| e.path().is_dir() == want_dirs)
                        .map(|e| e.path().to_string_lossy().into_owned())
                        .collect();
                    v.sort();
                    Ok(Value::typed_array(PsType::String, v.into_iter().map(Value::string).collect()))
                }
                _ => Err(static_not_found(t, name)),
            };
        }
        "System.IO.Path" => {
            let s0 = arg_s(&args, 0).replace('\\', "/");
            let path = std::path::Path::new(&s0);
            return Ok(match l.as_str() {
                "combine" | "join" => {
                    let mut out = String::new();
                    for a in &args {
                        let s = to_string(a).replace('\\', "/");
                        if s.starts_with('/') || out.is_empty() {
                            out = s;
                        } else if s.is_empty() {
                        } else {
                            if !out.ends_with('/') {
                                out.push('/');
                            }
                            out.push_str(&s);
                        }
                    }
                    Value::string(out)
                }
                "gettemppath" => {
                    Value::string(format!("{}/", std::env::temp_dir().to_string_lossy().trim_end_matches('/')))
                }
                "gettempfilename" => {
                    let p = format!(
                        "{}/tmp{}.tmp",
                        std::env::temp_dir().to_string_lossy().trim_end_matches('/'),
                        uuid::Uuid::new_v4().simple()
                    );
                    let _ = std::fs::write(&p, "");
                    Value::string(p)
                }
                "getrandomfilename" => {
                    Value::string(format!("{}.tmp", &uuid::Uuid::new_v4().simple().to_string()[..8]))
                }
                "getfilename" => Value::string(s0.rsplit('/').next().unwrap_or("").to_string()),
                "getfilenamewithoutextension" => {
                    let f = s0.rsplit('/').next().unwrap_or("");
                    Value::string(match f.rfind('.') {
                        Some(i) if i > 0 => f[..i].to_string(),
                        _ => f.to_string(),
                    })
                }
                "getextension" => {
                    let f = s0.rsplit('/').next().unwrap_or("");
                    Value::string(match f.rfind('.') {
                        Some(i) => f[i..].to_string(),
                        None => String::new(),
                    })
                }
                "getdirectoryname" => {
                    Value::string(path.parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default())
                }
                "getfullpath" => Value::string(cx.resolve_path(&s0)),
                "ispathrooted" => Value::Bool(s0.starts_with('/')),
                "changeextension" => {
                    let ext = arg_s(&args, 1);
                    let base = match s0.rfind('.') {
                        Some(i) if !s0[i..].contains('/') => s0[..i].to_string(),
                        _ => s0.clone(),
                    };
                    Value::string(format!("{base}.{}", ext.trim_start_matches('.')))
                }
                "getinvalidfilenamechars" => {
                    Value::typed_array(PsType::Char, vec![Value::Char('\0'), Value::Char('/')])
                }
                _ => return Err(static_not_found(t, name)),
            });
        }
        "System.Convert" => {
            return Ok(match l.as_str() {
                "tobase64string" => {
                    use base64::Engine as _;
                    Value::string(base64::engine::general_purpose::STANDARD.encode(bytes_of(&arg(&args, 0))))
                }
                "frombase64string" => {
                    use base64::Engine as _;
                    let b = base64::engine::general_purpose::STANDARD.decode(arg_s(&args, 0).trim()).map_err(|_| {
                        method_exception(name, n, "System.FormatException", "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.")
                    })?;
                    byte_array(&b)
                }
                "toint32" | "toint64" | "toint16" | "tobyte" => {
                    if n == 2 {
                        let base = arg_i(&args, 1) as u32;
                        let v = i64::from_str_radix(arg_s(&args, 0).trim().trim_start_matches("0x"), base).map_err(
                            |_| {
                                method_exception(
                                    name,
                                    n,
                                    "System.FormatException",
                                    "Could not find any recognizable digits.",
                                )
                            },
                        )?;
                        if l == "toint64" { Value::Long(v) } else { Value::Int(v as i32) }
                    } else {
                        let ty = if l == "toint64" { PsType::Long } else { PsType::Int };
                        convert::convert_to(&arg(&args, 0), &ty)
                            .map_err(|m| method_exception(name, n, "System.FormatException", &m))?
                    }
                }
                "todouble" => convert::convert_to(&arg(&args, 0), &PsType::Double)
                    .map_err(|m| method_exception(name, n, "System.FormatException", &m))?,
                "todecimal" => convert::convert_to(&arg(&args, 0), &PsType::Decimal)
                    .map_err(|m| method_exception(name, n, "System.FormatException", &m))?,
                "toboolean" => Value::Bool(match arg(&args, 0) {
                    Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
                    other => convert::to_bool(&other),
                }),
                "tostring" => {
                    if n == 2 {
                        let v = arg_i(&args, 0);
                        let base = arg_i(&args, 1);
                        Value::string(match base {
                            2 => format!("{v:b}"),
                            8 => format!("{v:o}"),
                            16 => format!("{v:x}"),
                            _ => v.to_string(),
                        })
                    } else {
                        Value::string(to_string(&arg(&args, 0)))
                    }
                }
                "todatetime" => convert::convert_to(&arg(&args, 0), &PsType::DateTime)
                    .map_err(|m| method_exception(name, n, "System.FormatException", &m))?,
                _ => return Err(static_not_found(t, name)),
            });
        }
        "System.Char" => {
            let c = match arg(&args, 0) {
                Value::Char(c) => c,
                other => to_string(&other).chars().next().unwrap_or('\0'),
            };
            return Ok(Value::Bool(match l.as_str() {
                "isdigit" | "isnumber" => c.is_ascii_digit(),
                "isletter" => c.is_alphabetic(),
                "isletterordigit" => c.is_alphanumeric(),
                "iswhitespace" => c.is_whitespace(),
                "isupper" => c.is_uppercase(),
                "islower" => c.is_lowercase(),
                "ispunctuation" => c.is_ascii_punctuation(),
                "toupper" => return Ok(Value::Char(c.to_uppercase().next().unwrap_or(c))),
                "tolower" => return Ok(Value::Char(c.to_lowercase().next().unwrap_or(c))),
                _ => return Err(static_not_found(t, name)),
            }));
        }
        "System.Reflection.Assembly" | "Reflection.Assembly" if l.starts_with("load") => {
            // Assemblies are not loaded here; what exosh provides is built in.
            return Ok(Value::Null);
        }
        "System.Threading.Thread" if l == "sleep" => {
            std::thread::sleep(std::time::Duration::from_millis(arg_i(&args, 0).max(0) as u64));
            return Ok(Value::Null);
        }
        "System.Console" => {
            return match l.as_str() {
                "writeline" => {
                    let s = if n > 1 {
                        super::format::composite(&arg_s(&args, 0), &args[1..]).unwrap_or_default()
                    } else {
                        arg_s(&args, 0)
                    };
                    cx.host_line(&s);
                    Ok(Value::Null)
                }
                "write" => {
                    cx.host_write(&arg_s(&args, 0));
                    Ok(Value::Null)
                }
                "readline" => {
                    let mut s = String::new();
                    let _ = std::io::stdin().read_line(&mut s);
                    Ok(Value::string(s.trim_end_matches(['\r', '\n']).to_string()))
                }
                _ => Err(static_not_found(t, name)),
            };
        }
        "System.Management.Automation.WildcardPattern" if l == "escape" => {
            let s = arg_s(&args, 0);
            let mut out = String::new();
            for c in s.chars() {
                if matches!(c, '*' | '?' | '[' | ']' | '`') {
                    out.push('`');
                }
                out.push(c);
            }
            return Ok(Value::string(out));
        }
        "System.Web.HttpUtility" if l == "urlencode" => {
            let s = arg_s(&args, 0);
            let mut out = String::new();
            for b in s.bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'*' | b'(' | b')' => {
                        out.push(b as char)
                    }
                    b' ' => out.push('+'),
                    _ => out.push_str(&format!("%{b:02x}")),
                }
            }
            return Ok(Value::string(out));
        }
        _ => {}
    }
    if let PsType::Enum(tn, values) = t {
        match l.as_str() {
            "getnames" => {
                return Ok(Value::typed_array(PsType::String, values.iter().map(|(n, _)| Value::str(n)).collect()));
            }
            "getvalues" => return Ok(Value::array(values.iter().map(|(n, v)| enum_value(tn, n, *v)).collect())),
            "parse" => {
                return convert::convert_enum(&arg(&args, if n >= 2 { 1 } else { 0 }), tn, values)
                    .map_err(|m| method_exception(name, n, "System.ArgumentException", &m));
            }
            _ => {}
        }
    }
    Err(static_not_found(t, name))
}

/// `[regex]::Escape`.
pub fn dotnet_regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' | '*' | '+' | '?' | '|' | '{' | '[' | '(' | ')' | '^' | '$' | '.' | '#' => {
                out.push('\\');
                out.push(c);
            }
            ' ' => out.push_str("\\ "),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

/// `[DateTime]::ParseExact` for common custom formats.
fn parse_exact(s: &str, f: &str) -> Option<DateTime> {
    // .NET custom format → chrono format.
    let mut out = String::new();
    let chars: Vec<char> = f.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let run = j - i;
        let piece = match (c, run) {
            ('y', 4) => "%Y".to_string(),
            ('y', 2) => "%y".to_string(),
            ('M', 2) => "%m".to_string(),
            ('M', 1) => "%-m".to_string(),
            ('M', 3) => "%b".to_string(),
            ('M', 4) => "%B".to_string(),
            ('d', 2) => "%d".to_string(),
            ('d', 1) => "%-d".to_string(),
            ('H', 2) => "%H".to_string(),
            ('H', 1) => "%-H".to_string(),
            ('h', 2) => "%I".to_string(),
            ('h', 1) => "%-I".to_string(),
            ('m', 2) => "%M".to_string(),
            ('m', 1) => "%-M".to_string(),
            ('s', 2) => "%S".to_string(),
            ('s', 1) => "%-S".to_string(),
            ('t', _) => "%p".to_string(),
            ('f', _) | ('F', _) => "%.f".to_string(),
            ('\'', _) => String::new(),
            (other, r) => std::iter::repeat_n(other, r).collect(),
        };
        out.push_str(&piece);
        i = j;
    }
    if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, &out) {
        return Some(DateTime::from_naive(&n, Default::default()));
    }
    chrono::NaiveDate::parse_from_str(s, &out)
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| DateTime::from_naive(&n, Default::default()))
}

/// `[T]::new(args)` and `New-Object T args`.
pub fn construct(cx: &mut Interp, t: &PsType, args: Vec<Value>) -> R<Value> {
    let n = args.len();
    let full = t.full_name();
    Ok(match t {
        PsType::Array(e) => {
            let len = arg_i(&args, 0).max(0) as usize;
            Value::typed_array((**e).clone(), vec![default_of(e); len])
        }
        PsType::MdArray(e, rank) => {
            // New-Object 'int[,]' 2,3 passes its lengths as one list.
            let lens = if n == 1 && arg(&args, 0).is_enumerable() { arg(&args, 0).to_list() } else { args.clone() };
            if lens.len() != *rank {
                return Err(Flow::error(ErrorRecord::new(
                    Exception::new(
                        "System.Management.Automation.MethodException",
                        format!("Cannot find an overload for \"new\" and the argument count: \"{}\".", lens.len()),
                    ),
                    "MethodCountCouldNotFindBest",
                    "InvalidOperation",
                    Value::Null,
                )));
            }
            let mut dims = Vec::with_capacity(lens.len());
            let mut total: usize = 1;
            for l in &lens {
                let d = to_num(l).and_then(|x| x.as_i64()).unwrap_or(-1);
                let d = usize::try_from(d).map_err(|_| {
                    method_exception(
                        ".ctor",
                        lens.len(),
                        "System.OverflowException",
                        "Arithmetic operation resulted in an overflow.",
                    )
                })?;
                total = total.checked_mul(d).filter(|t| *t <= MAX_ARRAY_ITEMS).ok_or_else(|| {
                    method_exception(
                        ".ctor",
                        lens.len(),
                        "System.OutOfMemoryException",
                        "Array dimensions exceeded supported range.",
                    )
                })?;
                dims.push(d);
            }
            let elem = if matches!(**e, PsType::Object) { None } else { Some((**e).clone()) };
            Value::md_array(elem, dims, vec![default_of(e); total])
        }
        PsType::ArrayList => {
            Value::array_list(if n > 0 && arg(&args, 0).is_enumerable() { arg(&args, 0).to_list() } else { Vec::new() })
        }
        PsType::List(e) => {
            let items = if n > 0 && arg(&args, 0).is_enumerable() { arg(&args, 0).to_list() } else { Vec::new() };
            Value::List(Rc::new(PsList { elem: Some((**e).clone()), items: RefCell::new(items) }))
        }
        PsType::Hashtable => Value::hashtable(Hashtable::new(false)),
        PsType::Ordered => Value::hashtable(Hashtable::new(true)),
        PsType::PsObject | PsType::PsCustomObject | PsType::Object => Value::object(PsObject::custom()),
        PsType::DateTime => {
            let g = |i| arg_i(&args, i) as i32;
            match n {
                1 => DateTime::from_ticks(arg_i(&args, 0), Default::default())
                    .map(Value::DateTime)
                    .map_err(|e| net_err("new", n, e))?,
                3 => DateTime::from_ymd(g(0), g(1), g(2)).map(Value::DateTime).map_err(|e| net_err("new", n, e))?,
                _ => {
                    DateTime::new(g(0), g(1), g(2), g(3), g(4), g(5), if n > 6 { g(6) } else { 0 }, Default::default())
                        .map(Value::DateTime)
                        .map_err(|e| net_err("new", n, e))?
                }
            }
        }
        PsType::TimeSpan => {
            let g = |i| arg_i(&args, i) as i32;
            match n {
                1 => Value::TimeSpan(TimeSpan::from_ticks(arg_i(&args, 0))),
                3 => TimeSpan::from_hms(g(0), g(1), g(2)).map(Value::TimeSpan).map_err(|e| net_err("new", n, e))?,
                4 => TimeSpan::new(g(0), g(1), g(2), g(3), 0).map(Value::TimeSpan).map_err(|e| net_err("new", n, e))?,
                5 => TimeSpan::new(g(0), g(1), g(2), g(3), g(4))
                    .map(Value::TimeSpan)
                    .map_err(|e| net_err("new", n, e))?,
                _ => Value::TimeSpan(TimeSpan::ZERO),
            }
        }
        PsType::Guid => match n {
            0 => Value::Guid(uuid::Uuid::nil()),
            _ => convert::convert_to(&arg(&args, 0), &PsType::Guid)
                .map_err(|m| method_exception("new", n, "System.FormatException", &m))?,
        },
        PsType::Regex => {
            new_regex(&arg_s(&args, 0), &args.iter().skip(1).map(to_string).collect::<Vec<_>>().join(","))?
        }
        PsType::String => Value::string(match arg(&args, 0) {
            Value::Char(c) => c.to_string().repeat(arg_i(&args, 1).max(0) as usize),
            other => other.to_list().iter().map(to_string).collect(),
        }),
        PsType::Credential => {
            let pw = match arg(&args, 1) {
                Value::SecureString(s) => s,
                other => Rc::new(SecureString { text: to_string(&other) }),
            };
            Value::Credential(Rc::new(Credential { user: arg_s(&args, 0), password: pw }))
        }
        PsType::SecureString => Value::SecureString(Rc::new(SecureString { text: String::new() })),
        PsType::ErrorRecord => {
            let ex = match arg(&args, 0) {
                Value::Exception(e) => (*e).clone(),
                other => Exception::new("System.Exception", to_string(&other)),
            };
            let cat = arg_s(&args, 2);
            let cat: &'static str = crate::runtime::types::ENUMS
                .iter()
                .find(|(n, _, _)| n.ends_with("ErrorCategory"))
                .and_then(|(_, _, vals)| vals.iter().find(|(n, _)| n.eq_ignore_ascii_case(&cat)).map(|(n, _)| *n))
                .unwrap_or("NotSpecified");
            Value::Error(Rc::new(ErrorRecord::new(ex, &arg_s(&args, 1), cat, arg(&args, 3))))
        }
        PsType::Named(nm) => {
            let lname = nm.to_ascii_lowercase();
            if lname.ends_with("exception") {
                let msg = if n > 0 { arg_s(&args, 0) } else { default_exception_message(nm) };
                let mut ex = Exception::new(nm, msg);
                if let Some(Value::Exception(inner)) = args.get(1) {
                    ex.inner = Some(inner.clone());
                }
                return Ok(Value::Exception(Rc::new(ex)));
            }
            match nm.as_str() {
                "System.Text.StringBuilder" => Value::Other(Rc::new(StringBuilder {
                    text: RefCell::new(if n > 0 && !matches!(arg(&args, 0), Value::Int(_)) {
                        arg_s(&args, 0)
                    } else {
                        String::new()
                    }),
                })),
                "System.Net.NetworkCredential" => new_object(
                    "System.Net.NetworkCredential",
                    vec![
                        ("UserName", Value::string(arg_s(&args, 0))),
                        (
                            "Password",
                            match arg(&args, 1) {
                                Value::SecureString(s) => Value::string(s.text.clone()),
                                other => Value::string(to_string(&other)),
                            },
                        ),
                        ("Domain", Value::string(arg_s(&args, 2))),
                    ],
                ),
                "System.Diagnostics.Stopwatch" => Value::Other(Rc::new(Stopwatch::default())),
                "System.Uri" => {
                    let s = arg_s(&args, 0);
                    let host = s.split("://").nth(1).unwrap_or("").split(['/', ':']).next().unwrap_or("").to_string();
                    new_object(
                        "System.Uri",
                        vec![
                            ("AbsoluteUri", Value::string(s.clone())),
                            ("Host", Value::string(host)),
                            ("OriginalString", Value::string(s)),
                        ],
                    )
                }
                "System.Collections.Generic.HashSet" => Value::array_list(Vec::new()),
                _ => {
                    let _ = cx;
                    return Err(Flow::error(ErrorRecord::new(
                        Exception::runtime(format!(
                            "Cannot find type [{full}]: verify that the assembly containing this type is loaded."
                        )),
                        "TypeNotFound",
                        "InvalidType",
                        Value::Null,
                    )));
                }
            }
        }
        other => convert::convert_to(&arg(&args, 0), other).map_err(|m| super::eval::invalid_cast(&m))?,
    })
}

fn default_exception_message(t: &str) -> String {
    match t.rsplit('.').next().unwrap_or("") {
        "ArgumentException" => "Value does not fall within the expected range.".into(),
        "InvalidOperationException" => "Operation is not valid due to the current state of the object.".into(),
        "DivideByZeroException" => "Attempted to divide by zero.".into(),
        "NotImplementedException" => "The method or operation is not implemented.".into(),
        "FormatException" => "One of the identified items was in an invalid format.".into(),
        _ => format!("Exception of type '{t}' was thrown."),
    }
}

/// `[T]value` for types the runtime does not convert structurally.
pub fn construct_by_cast(cx: &mut Interp, name: &str, v: Value) -> R<Value> {
    let t = PsType::Named(name.to_string());
    if name.to_ascii_lowercase().ends_with("exception") {
        return construct(cx, &t, vec![v]);
    }
    if v.type_name().eq_ignore_ascii_case(name) {
        return Ok(v);
    }
    construct(cx, &t, vec![v])
}

/// Numeric helper used by Measure-Object and friends.
pub fn num_of(v: &Value) -> Option<Num> {
    to_num(v)
}
