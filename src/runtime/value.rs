//! PowerShell values: the objects that flow through pipelines and variables.
//!
//! Reference types (arrays, lists, hashtables, objects) share identity through
//! `Rc<RefCell<..>>`, as .NET references do: `$copy = $orig` aliases.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use super::types::PsType;

/// A PowerShell value.
#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Byte(u8),
    SByte(i8),
    Int16(i16),
    UInt16(u16),
    UInt32(u32),
    UInt64(u64),
    /// `System.Numerics.BigInteger` (`[bigint]`, `1n`).
    BigInt(Rc<num_bigint::BigInt>),
    /// `System.Single` (`[float]`, `[single]`).
    Single(f32),
    Double(f64),
    Decimal(Decimal),
    Char(char),
    String(Rc<str>),
    DateTime(super::dotnet::DateTime),
    TimeSpan(super::dotnet::TimeSpan),
    Guid(uuid::Uuid),
    /// `Object[]` or a typed array (`int[]`, `string[]`, `byte[]`).
    Array(Rc<PsArray>),
    /// `System.Collections.ArrayList` or `List[T]`.
    List(Rc<PsList>),
    Hashtable(Rc<RefCell<Hashtable>>),
    /// PSCustomObject, Exchange objects, and anything with note properties.
    Object(Rc<RefCell<PsObject>>),
    ScriptBlock(Rc<ScriptBlock>),
    /// A type literal such as `[int]`.
    Type(Rc<PsType>),
    Enum(Rc<EnumValue>),
    Error(Rc<super::error::ErrorRecord>),
    Exception(Rc<super::error::Exception>),
    SecureString(Rc<SecureString>),
    Credential(Rc<Credential>),
    /// `[switch]` parameter values.
    Switch(bool),
    /// Other .NET-like objects (regex matches, enumerators ...).
    Other(Rc<dyn NetObject>),
}

/// An array with an element type (`None` = `System.Object[]`).
/// A multi-dimensional array (`int[,]`) keeps its items in row-major order
/// and its lengths per dimension in `dims`; `dims` is empty for the usual
/// one-dimensional array.
pub struct PsArray {
    pub elem: Option<PsType>,
    pub items: RefCell<Vec<Value>>,
    pub dims: Vec<usize>,
}

impl PsArray {
    /// The number of dimensions (`.Rank`).
    pub fn rank(&self) -> usize {
        self.dims.len().max(1)
    }
    /// The length of dimension `d` (`.GetLength(d)`).
    pub fn length_of(&self, d: usize) -> Option<usize> {
        if self.dims.is_empty() {
            return (d == 0).then(|| self.items.borrow().len());
        }
        self.dims.get(d).copied()
    }
    /// The row-major offset of a multi-dimensional index, None when out of bounds.
    pub fn offset_of(&self, index: &[i64]) -> Option<usize> {
        if index.len() != self.dims.len() {
            return None;
        }
        let mut off = 0usize;
        for (i, d) in index.iter().zip(&self.dims) {
            let i = usize::try_from(*i).ok().filter(|i| i < d)?;
            off = off * d + i;
        }
        Some(off)
    }
}

/// An ArrayList (`elem == None`) or a generic `List[T]`.
pub struct PsList {
    pub elem: Option<PsType>,
    pub items: RefCell<Vec<Value>>,
}

/// A secure string: the text stays in memory; it never prints.
pub struct SecureString {
    pub text: String,
}

/// A PSCredential.
pub struct Credential {
    pub user: String,
    pub password: Rc<SecureString>,
}

/// An enum value: the enum's full type name, the value's name and its number.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub type_name: String,
    pub name: String,
    pub value: i64,
}

/// A script block: the parsed AST plus the source text it came from.
pub struct ScriptBlock {
    pub ast: Rc<crate::syntax::ast::ScriptBlockAst>,
    /// The whole source the AST was parsed from (spans index into it).
    pub source: Rc<str>,
    /// The text of the block itself (between the braces), for `ToString()`.
    pub text: String,
    pub file: Option<Rc<str>>,
}

/// Objects implemented in Rust that expose members to scripts.
pub trait NetObject {
    fn type_name(&self) -> String;
    fn get_property(&self, _name: &str) -> Option<Value> {
        None
    }
    fn property_names(&self) -> Vec<String> {
        Vec::new()
    }
    fn to_display(&self) -> String {
        self.type_name()
    }
    /// Items when the object enumerates in pipelines (`$input`).
    fn enumerate(&self) -> Option<Vec<Value>> {
        None
    }
    fn as_any(&self) -> &dyn std::any::Any;
}

/// A hashtable key: case-insensitive for strings, by value for numbers.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum HashKey {
    Str(String),
    Int(i64),
    Other(String),
}

impl HashKey {
    pub fn of(v: &Value) -> HashKey {
        match v {
            Value::String(s) => HashKey::Str(s.to_lowercase()),
            Value::Char(c) => HashKey::Other(format!("char:{c}")),
            Value::Int(i) => HashKey::Int(i64::from(*i)),
            Value::Long(i) => HashKey::Int(*i),
            Value::Byte(i) => HashKey::Int(i64::from(*i)),
            Value::SByte(i) => HashKey::Int(i64::from(*i)),
            Value::Int16(i) => HashKey::Int(i64::from(*i)),
            Value::UInt16(i) => HashKey::Int(i64::from(*i)),
            Value::UInt32(i) => HashKey::Int(i64::from(*i)),
            Value::UInt64(i) if i64::try_from(*i).is_ok() => HashKey::Int(*i as i64),
            other => HashKey::Other(format!("{}:{}", other.type_name(), super::convert::to_string(other))),
        }
    }
}

/// A hashtable: case-insensitive keys. Non-ordered hashtables keep insertion
/// order too (pwsh's order depends on .NET hash codes; see `enumeration_order`).
#[derive(Clone, Default)]
pub struct Hashtable {
    pub ordered: bool,
    pub map: IndexMap<HashKey, (Value, Value)>,
}

impl Hashtable {
    pub fn new(ordered: bool) -> Self {
        Hashtable { ordered, map: IndexMap::new() }
    }
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.map.get(&HashKey::of(key)).map(|(_, v)| v)
    }
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.map.get(&HashKey::Str(key.to_lowercase())).map(|(_, v)| v)
    }
    pub fn insert(&mut self, key: Value, value: Value) {
        let k = HashKey::of(&key);
        if let Some(slot) = self.map.get_mut(&k) {
            slot.1 = value;
        } else {
            self.map.insert(k, (key, value));
        }
    }
    /// `Add`: fails when the key exists.
    pub fn add(&mut self, key: Value, value: Value) -> Result<(), String> {
        let k = HashKey::of(&key);
        if self.map.contains_key(&k) {
            return Err(format!(
                "Item has already been added. Key in dictionary: '{}'  Key being added: '{}'",
                super::convert::to_string(&key),
                super::convert::to_string(&key)
            ));
        }
        self.map.insert(k, (key, value));
        Ok(())
    }
    pub fn remove(&mut self, key: &Value) {
        self.map.shift_remove(&HashKey::of(key));
    }
    pub fn contains(&self, key: &Value) -> bool {
        self.map.contains_key(&HashKey::of(key))
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    /// Entries in the order pwsh enumerates them.
    pub fn entries(&self) -> Vec<(Value, Value)> {
        self.map.values().cloned().collect()
    }
    pub fn keys(&self) -> Vec<Value> {
        self.map.values().map(|(k, _)| k.clone()).collect()
    }
    pub fn values(&self) -> Vec<Value> {
        self.map.values().map(|(_, v)| v.clone()).collect()
    }
}

/// A member of a PSObject.
#[derive(Clone)]
pub enum Member {
    Note(Value),
    /// Getter and optional setter script blocks (`$this` is the object).
    Script(Option<Rc<ScriptBlock>>, Option<Rc<ScriptBlock>>),
    /// Alias to another property, with an optional conversion type.
    Alias(String, Option<PsType>),
    /// A ScriptMethod.
    Method(Rc<ScriptBlock>),
    /// A property that reads like a note but is not shown by formatting
    /// (e.g. GroupInfo.Values).
    Hidden(Value),
}

/// A PSObject: ordered members plus type names; wraps a base object when
/// members were added to something else (`"x" | Add-Member ... -PassThru`).
#[derive(Clone, Default)]
pub struct PsObject {
    pub type_names: Vec<String>,
    pub members: IndexMap<String, (String, Member)>,
    pub base: Option<Value>,
}

pub const PSCUSTOMOBJECT: &str = "System.Management.Automation.PSCustomObject";

impl PsObject {
    pub fn custom() -> Self {
        PsObject { type_names: vec![PSCUSTOMOBJECT.into(), "System.Object".into()], ..Default::default() }
    }
    /// An object with the given type name (e.g. an Exchange object).
    pub fn typed(type_name: &str) -> Self {
        PsObject { type_names: vec![type_name.into(), "System.Object".into()], ..Default::default() }
    }
    pub fn set_note(&mut self, name: &str, value: Value) {
        let k = name.to_lowercase();
        if let Some(slot) = self.members.get_mut(&k) {
            slot.1 = Member::Note(value);
        } else {
            self.members.insert(k, (name.to_string(), Member::Note(value)));
        }
    }
    pub fn add_member(&mut self, name: &str, m: Member) {
        self.members.insert(name.to_lowercase(), (name.to_string(), m));
    }
    pub fn member(&self, name: &str) -> Option<&(String, Member)> {
        self.members.get(&name.to_lowercase())
    }
    /// Names of properties (not methods), in order.
    pub fn property_names(&self) -> Vec<String> {
        self.members
            .values()
            .filter(|(_, m)| !matches!(m, Member::Method(_) | Member::Hidden(_)))
            .map(|(n, _)| n.clone())
            .collect()
    }
    /// Note property values only (no script evaluation), in order.
    pub fn notes(&self) -> Vec<(String, Value)> {
        self.members
            .values()
            .filter_map(|(n, m)| match m {
                Member::Note(v) => Some((n.clone(), v.clone())),
                _ => None,
            })
            .collect()
    }
    pub fn is_custom(&self) -> bool {
        self.base.is_none()
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }
    pub fn string(s: String) -> Value {
        Value::String(Rc::from(s))
    }
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(PsArray { elem: None, items: RefCell::new(items), dims: Vec::new() }))
    }
    pub fn typed_array(elem: PsType, items: Vec<Value>) -> Value {
        Value::Array(Rc::new(PsArray { elem: Some(elem), items: RefCell::new(items), dims: Vec::new() }))
    }
    /// A multi-dimensional array (`New-Object 'int[,]' 2,3`): `items` in row-major order.
    pub fn md_array(elem: Option<PsType>, dims: Vec<usize>, items: Vec<Value>) -> Value {
        Value::Array(Rc::new(PsArray { elem, items: RefCell::new(items), dims }))
    }
    pub fn bigint(b: num_bigint::BigInt) -> Value {
        Value::BigInt(Rc::new(b))
    }
    pub fn hashtable(h: Hashtable) -> Value {
        Value::Hashtable(Rc::new(RefCell::new(h)))
    }
    pub fn object(o: PsObject) -> Value {
        Value::Object(Rc::new(RefCell::new(o)))
    }
    pub fn array_list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(PsList { elem: None, items: RefCell::new(items) }))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for values PowerShell enumerates in pipelines and `foreach`.
    pub fn is_enumerable(&self) -> bool {
        match self {
            Value::Array(_) | Value::List(_) => true,
            Value::Other(o) => o.enumerate().is_some(),
            _ => false,
        }
    }

    /// The items of an enumerable value, else None.
    pub fn enumerate(&self) -> Option<Vec<Value>> {
        match self {
            Value::Array(a) => Some(a.items.borrow().clone()),
            Value::List(l) => Some(l.items.borrow().clone()),
            Value::Other(o) => o.enumerate(),
            _ => None,
        }
    }

    /// The value as a list: enumerables give their items, `$null` nothing, others themselves.
    pub fn to_list(&self) -> Vec<Value> {
        match self {
            Value::Null => Vec::new(),
            _ => self.enumerate().unwrap_or_else(|| vec![self.clone()]),
        }
    }

    /// The .NET full type name.
    pub fn type_name(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(_) => "System.Boolean".into(),
            Value::Int(_) => "System.Int32".into(),
            Value::Long(_) => "System.Int64".into(),
            Value::Byte(_) => "System.Byte".into(),
            Value::SByte(_) => "System.SByte".into(),
            Value::Int16(_) => "System.Int16".into(),
            Value::UInt16(_) => "System.UInt16".into(),
            Value::UInt32(_) => "System.UInt32".into(),
            Value::UInt64(_) => "System.UInt64".into(),
            Value::BigInt(_) => "System.Numerics.BigInteger".into(),
            Value::Single(_) => "System.Single".into(),
            Value::Double(_) => "System.Double".into(),
            Value::Decimal(_) => "System.Decimal".into(),
            Value::Char(_) => "System.Char".into(),
            Value::String(_) => "System.String".into(),
            Value::DateTime(_) => "System.DateTime".into(),
            Value::TimeSpan(_) => "System.TimeSpan".into(),
            Value::Guid(_) => "System.Guid".into(),
            Value::Array(a) => {
                let elem = a.elem.as_ref().map(|t| t.full_name()).unwrap_or_else(|| "System.Object".into());
                format!("{elem}[{}]", ",".repeat(a.rank() - 1))
            }
            Value::List(l) => match &l.elem {
                Some(t) => format!("System.Collections.Generic.List`1[[{}]]", t.full_name()),
                None => "System.Collections.ArrayList".into(),
            },
            Value::Hashtable(h) => {
                if h.borrow().ordered {
                    "System.Collections.Specialized.OrderedDictionary".into()
                } else {
                    "System.Collections.Hashtable".into()
                }
            }
            Value::Object(o) => {
                let o = o.borrow();
                match &o.base {
                    Some(b) => b.type_name(),
                    None => o.type_names.first().cloned().unwrap_or_else(|| PSCUSTOMOBJECT.into()),
                }
            }
            Value::ScriptBlock(_) => "System.Management.Automation.ScriptBlock".into(),
            Value::Type(_) => "System.RuntimeType".into(),
            Value::Enum(e) => e.type_name.clone(),
            Value::Error(_) => "System.Management.Automation.ErrorRecord".into(),
            Value::Exception(e) => e.type_name.clone(),
            Value::SecureString(_) => "System.Security.SecureString".into(),
            Value::Credential(_) => "System.Management.Automation.PSCredential".into(),
            Value::Switch(_) => "System.Management.Automation.SwitchParameter".into(),
            Value::Other(o) => o.type_name(),
        }
    }

    /// The short type name (`GetType().Name`).
    pub fn short_type_name(&self) -> String {
        let full = self.type_name();
        if let Value::List(l) = self
            && l.elem.is_some()
        {
            return "List`1".into();
        }
        full.rsplit('.').next().unwrap_or(&full).to_string()
    }

    /// PSTypeNames as pwsh lists them.
    pub fn type_names(&self) -> Vec<String> {
        if let Value::Object(o) = self {
            let o = o.borrow();
            if o.base.is_none() {
                return o.type_names.clone();
            }
        }
        let mut v = vec![self.type_name()];
        match self {
            n if n.is_numeric() => v.push("System.ValueType".into()),
            Value::Bool(_) | Value::DateTime(_) => v.push("System.ValueType".into()),
            Value::Array(_) => v.push("System.Array".into()),
            _ => {}
        }
        v.push("System.Object".into());
        v
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Value::Int(_)
                | Value::Long(_)
                | Value::Byte(_)
                | Value::SByte(_)
                | Value::Int16(_)
                | Value::UInt16(_)
                | Value::UInt32(_)
                | Value::UInt64(_)
                | Value::BigInt(_)
                | Value::Single(_)
                | Value::Double(_)
                | Value::Decimal(_)
        )
    }

    /// Identity comparison for reference types.
    pub fn same_ref(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Hashtable(a), Value::Hashtable(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Unwraps a PSObject that only wraps a base object.
    pub fn base(&self) -> Value {
        if let Value::Object(o) = self
            && let Some(b) = &o.borrow().base
        {
            return b.clone();
        }
        self.clone()
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "$null"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Array(a) => f.debug_list().entries(a.items.borrow().iter()).finish(),
            other => write!(f, "{}({})", other.short_type_name(), super::convert::to_string(other)),
        }
    }
}

impl PartialEq for Value {
    /// Structural equality for tests (not PowerShell's `-eq`).
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Long(a), Value::Long(b)) => a == b,
            (Value::Byte(a), Value::Byte(b)) => a == b,
            (Value::SByte(a), Value::SByte(b)) => a == b,
            (Value::Int16(a), Value::Int16(b)) => a == b,
            (Value::UInt16(a), Value::UInt16(b)) => a == b,
            (Value::UInt32(a), Value::UInt32(b)) => a == b,
            (Value::UInt64(a), Value::UInt64(b)) => a == b,
            (Value::BigInt(a), Value::BigInt(b)) => a == b,
            (Value::Decimal(a), Value::Decimal(b)) => a == b,
            (Value::Double(a), Value::Double(b)) => a == b,
            (Value::Single(a), Value::Single(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => *a.items.borrow() == *b.items.borrow(),
            (a, b) => a.same_ref(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_array_offsets_are_row_major() {
        let v = Value::md_array(Some(PsType::Int), vec![2, 3], (0..6).map(Value::Int).collect());
        let Value::Array(a) = &v else { panic!("not an array") };
        assert_eq!(a.rank(), 2);
        assert_eq!(a.offset_of(&[0, 0]), Some(0));
        assert_eq!(a.offset_of(&[0, 2]), Some(2));
        assert_eq!(a.offset_of(&[1, 0]), Some(3));
        assert_eq!(a.offset_of(&[1, 2]), Some(5));
        assert_eq!(a.offset_of(&[2, 0]), None);
        assert_eq!(a.offset_of(&[0, 3]), None);
        assert_eq!(a.offset_of(&[1]), None);
        assert_eq!(a.length_of(1), Some(3));
        assert_eq!(a.length_of(2), None);
        assert_eq!(v.type_name(), "System.Int32[,]");
        assert_eq!(v.short_type_name(), "Int32[,]");
        let one = Value::typed_array(PsType::Int, vec![Value::Int(1)]);
        assert_eq!(one.type_name(), "System.Int32[]");
    }
}
