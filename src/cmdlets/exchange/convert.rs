//! Tenant objects as PowerShell objects: the typename list, `RunspaceId`
//! first, then Exchange's properties in order. Enums become enum values
//! (`$b.Status -eq 'Synced'` works), identities print as the name, and byte
//! sizes keep `.ToBytes()`/`.ToKB()`/`.ToMB()`/`.ToGB()`/`.ToTB()`.

use crate::runtime::dotnet;
use crate::runtime::value::{EnumValue, Member, PsObject, ScriptBlock, Value};
use crate::tenant::{PropValue, TenantObject};
use std::rc::Rc;
use std::sync::OnceLock;

/// The session's RunspaceId (one per process, as one EXO session has one).
pub fn runspace_id() -> uuid::Uuid {
    static ID: OnceLock<uuid::Uuid> = OnceLock::new();
    *ID.get_or_init(uuid::Uuid::new_v4)
}

/// A tenant object as a PowerShell object.
pub fn object_value(o: &dyn TenantObject) -> Value {
    let mut ps = PsObject { type_names: Vec::new(), ..Default::default() };
    ps.type_names = o.object_type_names().iter().map(|s| s.to_string()).collect();
    ps.set_note("RunspaceId", Value::Guid(runspace_id()));
    for (name, v) in o.properties() {
        ps.set_note(name, prop_value(&v));
    }
    Value::object(ps)
}

/// One property value as a PowerShell value.
pub fn prop_value(p: &PropValue) -> Value {
    match p {
        PropValue::Null => Value::Null,
        PropValue::Bool(b) => Value::Bool(*b),
        PropValue::Int(i) => Value::Int(*i),
        PropValue::Long(i) => Value::Long(*i),
        PropValue::ULong(u) => match i64::try_from(*u) {
            Ok(i) => Value::Long(i),
            Err(_) => Value::Double(*u as f64),
        },
        PropValue::String(s) => Value::str(s),
        PropValue::Guid(g) => Value::Guid(*g),
        PropValue::DateTime(d) => Value::DateTime(dotnet::DateTime::from_chrono_utc(d)),
        PropValue::TimeSpan(t) => Value::TimeSpan(dotnet::TimeSpan { ticks: t.ticks }),
        PropValue::Enum { type_name, name, value } => {
            Value::Enum(Rc::new(EnumValue { type_name: type_name.to_string(), name: name.clone(), value: *value }))
        }
        PropValue::Bytes(b) => byte_size(b.bytes),
        PropValue::Unlimited(None) => Value::str("Unlimited"),
        PropValue::Unlimited(Some(v)) => match i32::try_from(*v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(i64::try_from(*v).unwrap_or(i64::MAX)),
        },
        PropValue::Multi(items) => Value::array(items.iter().map(prop_value).collect()),
        PropValue::Secret(_) => Value::str("********"),
        PropValue::Id { display, .. } => Value::str(display),
        PropValue::Object { type_names, properties, display } => {
            let mut ps =
                PsObject { type_names: type_names.iter().map(|s| s.to_string()).collect(), ..Default::default() };
            for (n, v) in properties {
                ps.set_note(n, prop_value(v));
            }
            // Prints as its ToString(), as Exchange's nested objects do.
            ps.base = Some(Value::str(display));
            Value::object(ps)
        }
    }
}

/// A ByteQuantifiedSize: prints as `35 MB (36,700,160 bytes)`, has the
/// `ToBytes()`..`ToTB()` methods and `.Value` (itself, for
/// `Unlimited<ByteQuantifiedSize>` idioms such as `$s.TotalItemSize.Value.ToMB()`).
pub fn byte_size(bytes: u64) -> Value {
    let text = crate::tenant::ByteQuantifiedSize::from_bytes(bytes).to_string();
    let mut ps = PsObject {
        type_names: vec![
            "Microsoft.Exchange.Data.ByteQuantifiedSize".into(),
            "System.ValueType".into(),
            "System.Object".into(),
        ],
        ..Default::default()
    };
    ps.base = Some(Value::string(text));
    for (i, name) in ["ToBytes", "ToKB", "ToMB", "ToGB", "ToTB"].iter().enumerate() {
        let v = bytes >> (10 * i);
        if let Some(sb) = literal_block(v) {
            ps.add_member(name, Member::Method(sb));
        }
    }
    if let Some(sb) = this_block() {
        ps.add_member("Value", Member::Script(Some(sb), None));
    }
    Value::object(ps)
}

fn block_of(text: &str) -> Option<Rc<ScriptBlock>> {
    let ast = crate::syntax::parse(text).ok()?;
    Some(Rc::new(ScriptBlock { ast: Rc::new(ast), source: Rc::from(text), text: text.to_string(), file: None }))
}

/// `{ [uint64]N }` — a method body returning a number.
fn literal_block(v: u64) -> Option<Rc<ScriptBlock>> {
    block_of(&format!("[uint64]{v}"))
}

fn this_block() -> Option<Rc<ScriptBlock>> {
    thread_local! {
        static THIS: Option<Rc<ScriptBlock>> = block_of("$this");
    }
    THIS.with(|t| t.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::{MigrationBatchStatus, TimeSpan};

    #[test]
    fn enums_keep_type_and_name() {
        let v = prop_value(&PropValue::enumv(MigrationBatchStatus::Synced));
        match v {
            Value::Enum(e) => {
                assert_eq!(e.name, "Synced");
                assert_eq!(e.type_name, "Microsoft.Exchange.Migration.MigrationBatchStatus");
            }
            other => panic!("not an enum: {other:?}"),
        }
    }

    #[test]
    fn sizes_print_as_exchange_does() {
        let v = byte_size(36_700_160);
        assert_eq!(crate::runtime::convert::to_string(&v), "35 MB (36,700,160 bytes)");
    }

    #[test]
    fn unlimited_and_timespan() {
        assert_eq!(prop_value(&PropValue::Unlimited(None)), Value::str("Unlimited"));
        assert_eq!(prop_value(&PropValue::Unlimited(Some(50))), Value::Int(50));
        match prop_value(&PropValue::TimeSpan(TimeSpan::from_seconds(90))) {
            Value::TimeSpan(t) => assert_eq!(t.ticks, 900_000_000),
            other => panic!("{other:?}"),
        }
    }
}
