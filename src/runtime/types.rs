//! Type names as scripts write them (`[int]`, `[string[]]`, `[System.IO.File]`)
//! resolved to the types exosh knows.

/// A type the runtime knows how to convert to, test with `-is`, or call statics on.
#[derive(Debug, Clone, PartialEq)]
pub enum PsType {
    Object,
    PsObject,
    PsCustomObject,
    Bool,
    Int,
    Long,
    Byte,
    SByte,
    Int16,
    UInt16,
    UInt32,
    UInt64,
    Double,
    Single,
    Decimal,
    Char,
    String,
    DateTime,
    TimeSpan,
    Guid,
    /// `System.Numerics.BigInteger` (`[bigint]`).
    BigInt,
    Array(Box<PsType>),
    /// A multi-dimensional array type (`int[,]`): element type and rank (2 or more).
    MdArray(Box<PsType>, usize),
    ArrayList,
    List(Box<PsType>),
    Hashtable,
    Ordered,
    ScriptBlock,
    Switch,
    Void,
    Regex,
    SecureString,
    Credential,
    ErrorRecord,
    Version,
    Xml,
    Type,
    /// An enum known to the runtime: full name and its (name, value) pairs.
    Enum(&'static str, &'static [(&'static str, i64)]),
    /// A static-only class (`[Math]`, `[System.IO.File]` ...) or an exception type.
    Named(String),
}

/// Enums scripts commonly use.
/// An enum: full name, lower-case aliases, (name, value) pairs.
pub type EnumDef = (&'static str, &'static [&'static str], &'static [(&'static str, i64)]);

pub static ENUMS: &[EnumDef] = &[
    (
        "System.DayOfWeek",
        &["dayofweek"],
        &[
            ("Sunday", 0),
            ("Monday", 1),
            ("Tuesday", 2),
            ("Wednesday", 3),
            ("Thursday", 4),
            ("Friday", 5),
            ("Saturday", 6),
        ],
    ),
    (
        "System.Management.Automation.ActionPreference",
        &["actionpreference", "system.management.automation.actionpreference"],
        &[
            ("SilentlyContinue", 0),
            ("Stop", 1),
            ("Continue", 2),
            ("Inquire", 3),
            ("Ignore", 4),
            ("Suspend", 5),
            ("Break", 6),
        ],
    ),
    (
        "System.ConsoleColor",
        &["consolecolor"],
        &[
            ("Black", 0),
            ("DarkBlue", 1),
            ("DarkGreen", 2),
            ("DarkCyan", 3),
            ("DarkRed", 4),
            ("DarkMagenta", 5),
            ("DarkYellow", 6),
            ("Gray", 7),
            ("DarkGray", 8),
            ("Blue", 9),
            ("Green", 10),
            ("Cyan", 11),
            ("Red", 12),
            ("Magenta", 13),
            ("Yellow", 14),
            ("White", 15),
        ],
    ),
    (
        "System.Net.SecurityProtocolType",
        &["net.securityprotocoltype", "securityprotocoltype"],
        &[("SystemDefault", 0), ("Ssl3", 48), ("Tls", 192), ("Tls11", 768), ("Tls12", 3072), ("Tls13", 12288)],
    ),
    (
        "System.MidpointRounding",
        &["midpointrounding"],
        &[("ToEven", 0), ("AwayFromZero", 1), ("ToZero", 2), ("ToNegativeInfinity", 3), ("ToPositiveInfinity", 4)],
    ),
    (
        "System.StringSplitOptions",
        &["stringsplitoptions"],
        &[("None", 0), ("RemoveEmptyEntries", 1), ("TrimEntries", 2)],
    ),
    (
        "System.Management.Automation.ErrorCategory",
        &["errorcategory"],
        &[
            ("NotSpecified", 0),
            ("OpenError", 1),
            ("CloseError", 2),
            ("DeviceError", 3),
            ("DeadlockDetected", 4),
            ("InvalidArgument", 5),
            ("InvalidData", 6),
            ("InvalidOperation", 7),
            ("InvalidResult", 8),
            ("InvalidType", 9),
            ("MetadataError", 10),
            ("NotImplemented", 11),
            ("NotInstalled", 12),
            ("ObjectNotFound", 13),
            ("OperationStopped", 14),
            ("OperationTimeout", 15),
            ("SyntaxError", 16),
            ("ParserError", 17),
            ("PermissionDenied", 18),
            ("ResourceBusy", 19),
            ("ResourceExists", 20),
            ("ResourceUnavailable", 21),
            ("ReadError", 22),
            ("WriteError", 23),
            ("FromStdErr", 24),
            ("SecurityError", 25),
            ("ProtocolError", 26),
            ("ConnectionError", 27),
            ("AuthenticationError", 28),
            ("LimitsExceeded", 29),
            ("QuotaExceeded", 30),
            ("NotEnabled", 31),
        ],
    ),
];

impl PsType {
    /// Resolves a type name as written in a script (case-insensitive, with or
    /// without `System.`). Unknown names resolve to `Named` so statics and
    /// exception types still work; `resolve_known` is stricter.
    pub fn resolve(name: &str) -> PsType {
        let n = name.trim();
        if let Some(inner) = n.strip_suffix("[]") {
            return PsType::Array(Box::new(PsType::resolve(inner)));
        }
        if let Some(open) = n.rfind('[')
            && let Some(commas) = n[open + 1..].strip_suffix(']')
            && !commas.is_empty()
            && commas.chars().all(|c| c == ',' || c == ' ')
        {
            let rank = commas.chars().filter(|c| *c == ',').count() + 1;
            return PsType::MdArray(Box::new(PsType::resolve(&n[..open])), rank);
        }
        let lower = n.to_ascii_lowercase();
        let l = lower.strip_prefix("system.").unwrap_or(&lower);
        if let Some(args) = generic_arg(l, &["collections.generic.list", "list"]) {
            return PsType::List(Box::new(PsType::resolve(&args)));
        }
        match l {
            "object" => PsType::Object,
            "psobject" | "management.automation.psobject" => PsType::PsObject,
            "pscustomobject" | "management.automation.pscustomobject" => PsType::PsCustomObject,
            "bool" | "boolean" => PsType::Bool,
            "int" | "int32" => PsType::Int,
            "long" | "int64" => PsType::Long,
            "byte" => PsType::Byte,
            "sbyte" => PsType::SByte,
            "short" | "int16" => PsType::Int16,
            "ushort" | "uint16" => PsType::UInt16,
            "uint" | "uint32" => PsType::UInt32,
            "ulong" | "uint64" => PsType::UInt64,
            "double" => PsType::Double,
            "float" | "single" => PsType::Single,
            "decimal" => PsType::Decimal,
            "char" => PsType::Char,
            "string" => PsType::String,
            "datetime" => PsType::DateTime,
            "timespan" => PsType::TimeSpan,
            "guid" => PsType::Guid,
            "bigint" | "numerics.biginteger" => PsType::BigInt,
            "array" => PsType::Array(Box::new(PsType::Object)),
            "collections.arraylist" | "arraylist" => PsType::ArrayList,
            "hashtable" | "collections.hashtable" => PsType::Hashtable,
            "ordered" | "collections.specialized.ordereddictionary" => PsType::Ordered,
            "scriptblock" | "management.automation.scriptblock" => PsType::ScriptBlock,
            "switch" | "management.automation.switchparameter" => PsType::Switch,
            "void" => PsType::Void,
            "regex" | "text.regularexpressions.regex" => PsType::Regex,
            "securestring" | "security.securestring" => PsType::SecureString,
            "pscredential" | "management.automation.pscredential" => PsType::Credential,
            "management.automation.errorrecord" => PsType::ErrorRecord,
            "version" => PsType::Version,
            "xml" | "xml.xmldocument" => PsType::Xml,
            "type" => PsType::Type,
            _ => {
                for (full, aliases, values) in ENUMS {
                    if l == full.to_ascii_lowercase().trim_start_matches("system.") || aliases.contains(&l) {
                        return PsType::Enum(full, values);
                    }
                }
                PsType::Named(canonical_named(n))
            }
        }
    }

    /// The .NET full name.
    pub fn full_name(&self) -> String {
        match self {
            PsType::Object => "System.Object".into(),
            PsType::PsObject => "System.Management.Automation.PSObject".into(),
            PsType::PsCustomObject => "System.Management.Automation.PSCustomObject".into(),
            PsType::Bool => "System.Boolean".into(),
            PsType::Int => "System.Int32".into(),
            PsType::Long => "System.Int64".into(),
            PsType::Byte => "System.Byte".into(),
            PsType::SByte => "System.SByte".into(),
            PsType::Int16 => "System.Int16".into(),
            PsType::UInt16 => "System.UInt16".into(),
            PsType::UInt32 => "System.UInt32".into(),
            PsType::UInt64 => "System.UInt64".into(),
            PsType::Double => "System.Double".into(),
            PsType::Single => "System.Single".into(),
            PsType::Decimal => "System.Decimal".into(),
            PsType::Char => "System.Char".into(),
            PsType::String => "System.String".into(),
            PsType::DateTime => "System.DateTime".into(),
            PsType::TimeSpan => "System.TimeSpan".into(),
            PsType::Guid => "System.Guid".into(),
            PsType::Array(e) => format!("{}[]", e.full_name()),
            PsType::MdArray(e, rank) => format!("{}[{}]", e.full_name(), ",".repeat(rank.saturating_sub(1))),
            PsType::BigInt => "System.Numerics.BigInteger".into(),
            PsType::ArrayList => "System.Collections.ArrayList".into(),
            PsType::List(e) => format!("System.Collections.Generic.List`1[[{}]]", e.full_name()),
            PsType::Hashtable => "System.Collections.Hashtable".into(),
            PsType::Ordered => "System.Collections.Specialized.OrderedDictionary".into(),
            PsType::ScriptBlock => "System.Management.Automation.ScriptBlock".into(),
            PsType::Switch => "System.Management.Automation.SwitchParameter".into(),
            PsType::Void => "System.Void".into(),
            PsType::Regex => "System.Text.RegularExpressions.Regex".into(),
            PsType::SecureString => "System.Security.SecureString".into(),
            PsType::Credential => "System.Management.Automation.PSCredential".into(),
            PsType::ErrorRecord => "System.Management.Automation.ErrorRecord".into(),
            PsType::Version => "System.Version".into(),
            PsType::Xml => "System.Xml.XmlDocument".into(),
            PsType::Type => "System.Type".into(),
            PsType::Enum(n, _) => (*n).into(),
            PsType::Named(n) => n.clone(),
        }
    }

    /// `GetType().Name`.
    pub fn short_name(&self) -> String {
        let f = self.full_name();
        f.rsplit('.').next().unwrap_or(&f).to_string()
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            PsType::Int
                | PsType::Long
                | PsType::Byte
                | PsType::SByte
                | PsType::Int16
                | PsType::UInt16
                | PsType::UInt32
                | PsType::UInt64
                | PsType::Double
                | PsType::Single
                | PsType::Decimal
                | PsType::BigInt
        )
    }
}

fn generic_arg(l: &str, prefixes: &[&str]) -> Option<String> {
    for p in prefixes {
        if let Some(rest) = l.strip_prefix(p) {
            let rest = rest.trim();
            let rest = rest.strip_prefix("`1").unwrap_or(rest);
            if let Some(inner) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                let inner = inner.trim_start_matches('[').trim_end_matches(']');
                return Some(inner.to_string());
            }
        }
    }
    None
}

/// Canonical spelling for well-known classes and exceptions.
fn canonical_named(n: &str) -> String {
    const KNOWN: &[&str] = &[
        "System.Math",
        "System.IO.File",
        "System.IO.Path",
        "System.IO.Directory",
        "System.Environment",
        "System.Convert",
        "System.Text.Encoding",
        "System.Exception",
        "System.ArgumentException",
        "System.ArgumentNullException",
        "System.ArgumentOutOfRangeException",
        "System.InvalidOperationException",
        "System.DivideByZeroException",
        "System.FormatException",
        "System.OverflowException",
        "System.NotImplementedException",
        "System.NotSupportedException",
        "System.IO.IOException",
        "System.IO.FileNotFoundException",
        "System.IO.DirectoryNotFoundException",
        "System.UnauthorizedAccessException",
        "System.Management.Automation.RuntimeException",
        "System.Management.Automation.ItemNotFoundException",
        "System.Management.Automation.CommandNotFoundException",
        "System.Management.Automation.ParameterBindingException",
        "System.Management.Automation.MethodInvocationException",
        "System.Management.Automation.PSInvalidCastException",
        "System.Management.Automation.ActionPreferenceStopException",
        "System.Net.WebException",
        "System.Text.StringBuilder",
        "System.Environment+SpecialFolder",
        "System.Management.Automation.WildcardPattern",
        "System.Web.HttpUtility",
        "System.Net.NetworkCredential",
        "System.Uri",
        "System.Console",
        "System.Threading.Thread",
        "System.Diagnostics.Stopwatch",
        "System.Management.Automation.LanguagePrimitives",
        "System.Globalization.CultureInfo",
        "System.Text.RegularExpressions.RegexOptions",
    ];
    let lower = n.to_ascii_lowercase();
    for k in KNOWN {
        let kl = k.to_ascii_lowercase();
        if kl == lower || kl.strip_prefix("system.") == Some(lower.as_str()) {
            return (*k).to_string();
        }
        // [IO.File] for System.IO.File, [Text.Encoding] ...
        if kl.ends_with(&format!(".{lower}")) && lower.contains('.') {
            return (*k).to_string();
        }
        // Short exception names: [ArgumentException], [Math], [Environment], [Convert]
        if kl.rsplit('.').next() == Some(lower.as_str()) {
            return (*k).to_string();
        }
    }
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_common_names() {
        assert_eq!(PsType::resolve("int"), PsType::Int);
        assert_eq!(PsType::resolve("System.Int32"), PsType::Int);
        assert_eq!(PsType::resolve("string[]"), PsType::Array(Box::new(PsType::String)));
        assert_eq!(PsType::resolve("System.Collections.Generic.List[string]"), PsType::List(Box::new(PsType::String)));
        assert_eq!(PsType::resolve("IO.File"), PsType::Named("System.IO.File".into()));
        assert_eq!(PsType::resolve("math").full_name(), "System.Math");
        assert_eq!(PsType::resolve("DayOfWeek").full_name(), "System.DayOfWeek");
        assert_eq!(PsType::resolve("int[,]"), PsType::MdArray(Box::new(PsType::Int), 2));
        assert_eq!(PsType::resolve("System.String[,,]").full_name(), "System.String[,,]");
        assert_eq!(PsType::resolve("int[,]").short_name(), "Int32[,]");
        assert_eq!(PsType::resolve("bigint").full_name(), "System.Numerics.BigInteger");
        assert_eq!(PsType::resolve("System.Numerics.BigInteger"), PsType::BigInt);
        assert_eq!(PsType::resolve("uint32").short_name(), "UInt32");
    }
}
