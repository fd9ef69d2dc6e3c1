//! `-f` and `[string]::Format`: PowerShell values mapped onto .NET composite
//! formatting (`dotnet::composite_format`).

use super::convert::to_string;
use super::dotnet::{self, FormatArg};
use super::value::Value;

/// A rust_decimal as the dotnet module's Decimal.
pub fn to_net_decimal(d: rust_decimal::Decimal) -> dotnet::Decimal {
    dotnet::Decimal { mantissa: d.mantissa(), scale: d.scale() as u8 }
}

/// The FormatArg for a value; strings are borrowed from `holder`.
fn arg_of<'a>(v: &Value, holder: &'a str) -> FormatArg<'a> {
    match v {
        Value::Null => FormatArg::Null,
        Value::Bool(b) | Value::Switch(b) => FormatArg::Bool(*b),
        Value::Int(i) => FormatArg::Int(i64::from(*i)),
        Value::Long(i) => FormatArg::Number(dotnet::Numeric::Signed(i128::from(*i), 64)),
        Value::Byte(b) => FormatArg::Number(dotnet::Numeric::Unsigned(u128::from(*b), 8)),
        Value::SByte(i) => FormatArg::Number(dotnet::Numeric::Signed(i128::from(*i), 8)),
        Value::Int16(i) => FormatArg::Number(dotnet::Numeric::Signed(i128::from(*i), 16)),
        Value::UInt16(i) => FormatArg::Number(dotnet::Numeric::Unsigned(u128::from(*i), 16)),
        Value::UInt32(i) => FormatArg::Number(dotnet::Numeric::Unsigned(u128::from(*i), 32)),
        Value::UInt64(i) => FormatArg::Number(dotnet::Numeric::Unsigned(u128::from(*i), 64)),
        // BigIntegers beyond 128 bits print their digits and ignore the format.
        Value::BigInt(b) => match num_traits::ToPrimitive::to_i128(&**b) {
            Some(i) => FormatArg::Number(dotnet::Numeric::Signed(i, 128)),
            None => FormatArg::Other(holder.to_string()),
        },
        Value::Double(d) => FormatArg::Double(*d),
        Value::Single(f) => FormatArg::Single(*f),
        Value::Decimal(d) => FormatArg::Decimal(to_net_decimal(*d)),
        Value::Char(c) => FormatArg::Char(*c),
        Value::DateTime(d) => FormatArg::DateTime(*d),
        Value::TimeSpan(t) => FormatArg::TimeSpan(*t),
        Value::String(_) => FormatArg::Str(holder),
        _ => FormatArg::Other(holder.to_string()),
    }
}

fn holder_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Array(_) | Value::List(_) | Value::Hashtable(_) => v.type_name(),
        _ => to_string(v),
    }
}

/// Formats one value with a .NET format string (`ToString(fmt)`).
pub fn format_value(v: &Value, spec: &str) -> Result<String, String> {
    let h = holder_of(v);
    dotnet::format_arg(&arg_of(v, &h), spec).map_err(|e| e.message)
}

/// .NET composite formatting: `{index[,alignment][:format]}`, `{{`, `}}`.
pub fn composite(fmt: &str, args: &[Value]) -> Result<String, String> {
    let holders: Vec<String> = args.iter().map(holder_of).collect();
    let fargs: Vec<FormatArg> = args.iter().zip(holders.iter()).map(|(v, h)| arg_of(v, h)).collect();
    dotnet::composite_format(fmt, &fargs).map_err(|e| e.message)
}
