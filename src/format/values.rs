//! Display strings of Exchange value types and collections that do not
//! depend on the runtime's values: `ByteQuantifiedSize`, `Unlimited<T>`, and
//! the `{a, b, c, d…}` form of a collection inside a table or list cell.

use std::fmt;

/// Exchange's `ByteQuantifiedSize` and the en-US thousands grouping it prints
/// with live in the tenant's value types (one implementation for the store,
/// the cmdlets and the views).
pub use crate::tenant::types::{ByteQuantifiedSize, group_thousands};

/// Exchange's `Unlimited<T>`: a value or `Unlimited`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unlimited<T> {
    Unlimited,
    Value(T),
}

impl<T> Unlimited<T> {
    pub fn is_unlimited(&self) -> bool {
        matches!(self, Unlimited::Unlimited)
    }
    pub fn value(&self) -> Option<&T> {
        match self {
            Unlimited::Unlimited => None,
            Unlimited::Value(v) => Some(v),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Unlimited<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unlimited::Unlimited => f.write_str("Unlimited"),
            Unlimited::Value(v) => v.fmt(f),
        }
    }
}

impl<T: std::str::FromStr> Unlimited<T> {
    /// `Unlimited` (any case) or a value of `T`.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("unlimited") {
            Some(Unlimited::Unlimited)
        } else {
            t.parse().ok().map(Unlimited::Value)
        }
    }
}

/// pwsh's default `$FormatEnumerationLimit`.
pub const FORMAT_ENUMERATION_LIMIT: i64 = 4;

/// A collection in a table or list cell: `{a, b}`, `{}` when empty, and at
/// most `limit` items followed by `…` when there are more (a negative limit
/// shows all; `0` shows `{…}` for a non-empty collection). The items are
/// already display strings (pwsh uses `$null` for a null item).
pub fn format_enumeration<S: AsRef<str>>(items: &[S], limit: i64) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if limit >= 0 && i as i64 == limit {
            out.push('\u{2026}');
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item.as_ref());
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes_are_the_tenant_type() {
        // The tie that the two former implementations disagreed on.
        assert_eq!(ByteQuantifiedSize::from_bytes(1088).to_string(), "1.063 KB (1,088 bytes)");
        assert_eq!(ByteQuantifiedSize::from_mb(35).to_string(), "35 MB (36,700,160 bytes)");
    }

    #[test]
    fn unlimited_prints_and_parses() {
        assert_eq!(Unlimited::<i32>::Unlimited.to_string(), "Unlimited");
        assert_eq!(Unlimited::Value(100).to_string(), "100");
        assert_eq!(Unlimited::<i32>::parse("unlimited"), Some(Unlimited::Unlimited));
        assert_eq!(Unlimited::<i32>::parse("20"), Some(Unlimited::Value(20)));
        assert_eq!(Unlimited::<i32>::parse("x"), None);
        assert_eq!(Unlimited::Value(ByteQuantifiedSize::from_mb(35)).to_string(), "35 MB (36,700,160 bytes)");
    }

    #[test]
    fn enumerations() {
        let empty: [&str; 0] = [];
        assert_eq!(format_enumeration(&empty, 4), "{}");
        assert_eq!(format_enumeration(&["MRS", "MRSPermanent", "Exchange"], 4), "{MRS, MRSPermanent, Exchange}");
        assert_eq!(format_enumeration(&["0", "1", "2", "3"], 4), "{0, 1, 2, 3}");
        assert_eq!(format_enumeration(&["0", "1", "2", "3", "4"], 4), "{0, 1, 2, 3…}");
        assert_eq!(format_enumeration(&["a", "b"], 0), "{…}");
        assert_eq!(format_enumeration(&["a", "b", "c", "d", "e"], -1), "{a, b, c, d, e}");
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1000), "1,000");
        assert_eq!(group_thousands(30_551_458_399), "30,551,458,399");
    }
}
