//! Display strings of Exchange value types and collections that do not
//! depend on the runtime's values: `ByteQuantifiedSize`, `Unlimited<T>`, and
//! the `{a, b, c, d…}` form of a collection inside a table or list cell.

use std::fmt;

const UNITS: [(&str, u64); 5] = [("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)];

/// Exchange's `ByteQuantifiedSize`: a byte count that prints as
/// `35 MB (36,700,160 bytes)` (objects.md §0): the largest unit (powers of
/// 1024) not above the value, at most 4 significant digits (rounded),
/// trailing zeros dropped, then the exact byte count with thousands
/// separators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteQuantifiedSize(pub u64);

impl ByteQuantifiedSize {
    pub const fn from_bytes(bytes: u64) -> Self {
        ByteQuantifiedSize(bytes)
    }
    pub const fn from_kb(kb: u64) -> Self {
        ByteQuantifiedSize(kb.saturating_mul(1 << 10))
    }
    pub const fn from_mb(mb: u64) -> Self {
        ByteQuantifiedSize(mb.saturating_mul(1 << 20))
    }
    pub const fn from_gb(gb: u64) -> Self {
        ByteQuantifiedSize(gb.saturating_mul(1 << 30))
    }
    pub const fn from_tb(tb: u64) -> Self {
        ByteQuantifiedSize(tb.saturating_mul(1 << 40))
    }
    /// `.ToBytes()`
    pub const fn to_bytes(self) -> u64 {
        self.0
    }
    /// `.ToKB()`: whole kilobytes, rounded down (Exchange shifts right).
    pub const fn to_kb(self) -> u64 {
        self.0 >> 10
    }
    /// `.ToMB()`
    pub const fn to_mb(self) -> u64 {
        self.0 >> 20
    }
    /// `.ToGB()`
    pub const fn to_gb(self) -> u64 {
        self.0 >> 30
    }
    /// `.ToTB()`
    pub const fn to_tb(self) -> u64 {
        self.0 >> 40
    }

    /// The `35 MB` part.
    pub fn short(self) -> String {
        let (unit, size) = UNITS.iter().copied().find(|&(_, size)| self.0 >= size).unwrap_or(("B", 1));
        format!("{} {unit}", significant4(self.0, size))
    }

    /// Parses the forms admins type and Exchange prints: `35MB`, `35 MB`,
    /// `1.5 GB`, `36700160`, `36700160B`, `35 MB (36,700,160 bytes)`.
    /// Units are case-insensitive; a fractional value is rounded down to
    /// whole bytes.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if let (Some(open), true) = (t.find('('), t.ends_with("bytes)")) {
            let digits: String =
                t[open + 1..t.len() - "bytes)".len()].chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
            return digits.parse().ok().map(ByteQuantifiedSize);
        }
        let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let unit = unit.trim().to_ascii_uppercase();
        let mult: u64 = match unit.as_str() {
            "" | "B" => 1,
            "KB" => 1 << 10,
            "MB" => 1 << 20,
            "GB" => 1 << 30,
            "TB" => 1 << 40,
            _ => return None,
        };
        if num.is_empty() {
            return None;
        }
        match num.split_once('.') {
            None => num.parse::<u64>().ok()?.checked_mul(mult).map(ByteQuantifiedSize),
            Some((whole, frac)) => {
                let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
                if !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 12 {
                    return None;
                }
                let scale = 10u128.pow(frac.len() as u32);
                let frac_n: u128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
                let bytes = (whole as u128) * mult as u128 + frac_n * mult as u128 / scale;
                u64::try_from(bytes).ok().map(ByteQuantifiedSize)
            }
        }
    }
}

impl fmt::Display for ByteQuantifiedSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} bytes)", self.short(), group_thousands(self.0))
    }
}

/// `bytes / unit` with at most 4 significant digits, rounded half away from
/// zero, trailing zeros dropped.
fn significant4(bytes: u64, unit: u64) -> String {
    let whole = bytes / unit;
    let digits = whole.to_string().len();
    let decimals = 4usize.saturating_sub(digits) as u32;
    let scale = 10u128.pow(decimals);
    let scaled = (bytes as u128 * scale * 2 + unit as u128) / (unit as u128 * 2);
    let int_part = scaled / scale;
    let mut frac = (scaled % scale).to_string();
    if decimals == 0 {
        return int_part.to_string();
    }
    while frac.len() < decimals as usize {
        frac.insert(0, '0');
    }
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() { int_part.to_string() } else { format!("{int_part}.{frac}") }
}

/// `36700160` → `36,700,160` (en-US group separator).
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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
    fn byte_sizes_from_observed_outputs() {
        let cases = [
            (36_700_160, "35 MB (36,700,160 bytes)"),
            (37_748_736, "36 MB (37,748,736 bytes)"),
            (884_736, "864 KB (884,736 bytes)"),
            (0, "0 B (0 bytes)"),
            (1_032_552_448, "984.7 MB (1,032,552,448 bytes)"),
            (6_512_255_010, "6.065 GB (6,512,255,010 bytes)"),
            (53_096, "51.85 KB (53,096 bytes)"),
            (30_551_458_399, "28.45 GB (30,551,458,399 bytes)"),
        ];
        for (bytes, text) in cases {
            assert_eq!(ByteQuantifiedSize(bytes).to_string(), text, "{bytes}");
        }
    }

    #[test]
    fn byte_size_edges() {
        assert_eq!(ByteQuantifiedSize(1023).short(), "1023 B");
        assert_eq!(ByteQuantifiedSize(1024).short(), "1 KB");
        assert_eq!(ByteQuantifiedSize(1536).short(), "1.5 KB");
        assert_eq!(ByteQuantifiedSize::from_tb(2048).short(), "2048 TB");
        assert_eq!(ByteQuantifiedSize(u64::MAX).to_string(), "16777216 TB (18,446,744,073,709,551,615 bytes)");
    }

    #[test]
    fn byte_size_conversions_round_down() {
        let s = ByteQuantifiedSize(36_700_160);
        assert_eq!(s.to_bytes(), 36_700_160);
        assert_eq!(s.to_kb(), 35_840);
        assert_eq!(s.to_mb(), 35);
        assert_eq!(s.to_gb(), 0);
        assert_eq!(ByteQuantifiedSize(30_551_458_399).to_gb(), 28);
        assert_eq!(ByteQuantifiedSize::from_tb(3).to_tb(), 3);
    }

    #[test]
    fn byte_size_parse() {
        assert_eq!(ByteQuantifiedSize::parse("35MB"), Some(ByteQuantifiedSize(36_700_160)));
        assert_eq!(ByteQuantifiedSize::parse("35 mb"), Some(ByteQuantifiedSize(36_700_160)));
        assert_eq!(ByteQuantifiedSize::parse("1.5 KB"), Some(ByteQuantifiedSize(1536)));
        assert_eq!(ByteQuantifiedSize::parse("42"), Some(ByteQuantifiedSize(42)));
        assert_eq!(ByteQuantifiedSize::parse("35 MB (36,700,160 bytes)"), Some(ByteQuantifiedSize(36_700_160)));
        assert_eq!(ByteQuantifiedSize::parse("35 XB"), None);
        assert_eq!(ByteQuantifiedSize::parse("MB"), None);
        assert_eq!(ByteQuantifiedSize::parse("99999999999999 TB"), None);
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
