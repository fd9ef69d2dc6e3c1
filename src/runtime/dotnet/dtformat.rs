//! DateTime and TimeSpan format strings (en-US), Get-Date's `-Format`
//! specials and `-UFormat`.
//!
//! Spec: <https://learn.microsoft.com/dotnet/standard/base-types/standard-date-and-time-format-strings>,
//! <https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings>,
//! <https://learn.microsoft.com/dotnet/standard/base-types/standard-timespan-format-strings>,
//! <https://learn.microsoft.com/dotnet/standard/base-types/custom-timespan-format-strings>,
//! and Get-Date's documentation for `-UFormat` (pwsh 7.4 behaviour: `%c`
//! is `ddd dd MMM yyyy HH:mm:ss`, `%V`/`%G`/`%g` are ISO 8601 week based).

use super::datetime::{DateTime, DateTimeKind};
use super::timespan::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND, TimeSpan};
use super::{DotNetError, ExceptionKind};
use std::fmt::Write;

/// .NET's FormatException text for a malformed date/time format string.
pub const INVALID_FORMAT: &str = "Input string was not in a correct format.";

pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub const MONTH_ABBREVS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
pub const DAY_NAMES: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
pub const DAY_ABBREVS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn invalid() -> DotNetError {
    DotNetError::new(ExceptionKind::Format, INVALID_FORMAT)
}

/// The en-US pattern of a one-letter standard format, or None when the
/// letter is not a standard specifier (`U` is handled by the caller).
fn standard_pattern(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "M/d/yyyy",
        'D' => "dddd, MMMM d, yyyy",
        'f' => "dddd, MMMM d, yyyy h:mm tt",
        'F' | 'U' => "dddd, MMMM d, yyyy h:mm:ss tt",
        'g' => "M/d/yyyy h:mm tt",
        'G' => "M/d/yyyy h:mm:ss tt",
        'm' | 'M' => "MMMM d",
        'o' | 'O' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        'r' | 'R' => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        's' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        't' => "h:mm tt",
        'T' => "h:mm:ss tt",
        'u' => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
        'y' | 'Y' => "MMMM yyyy",
        _ => return None,
    })
}

/// The invariant culture's pattern of a one-letter standard format.
fn invariant_pattern(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "MM/dd/yyyy",
        'D' => "dddd, dd MMMM yyyy",
        'f' => "dddd, dd MMMM yyyy HH:mm",
        'F' | 'U' => "dddd, dd MMMM yyyy HH:mm:ss",
        'g' => "MM/dd/yyyy HH:mm",
        'G' => "MM/dd/yyyy HH:mm:ss",
        'm' | 'M' => "MMMM dd",
        't' => "HH:mm",
        'T' => "HH:mm:ss",
        'y' | 'Y' => "yyyy MMMM",
        other => return standard_pattern(other),
    })
}

/// `DateTime.ToString(format, CultureInfo.InvariantCulture)`: what
/// PowerShell uses for `"$date"` and `[string]$date` (`01/05/2021 13:33:09`).
pub fn format_datetime_invariant(dt: DateTime, format: &str) -> Result<String, DotNetError> {
    let mut out = String::with_capacity(24);
    let mut chars = format.chars();
    match (chars.next(), chars.next()) {
        (None, _) => format_custom(&mut out, dt, "MM/dd/yyyy HH:mm:ss")?,
        (Some(c), None) => {
            let pattern = invariant_pattern(c).ok_or_else(invalid)?;
            let dt = if c == 'U' { dt.to_universal_time() } else { dt };
            format_custom(&mut out, dt, pattern)?;
        }
        _ => format_custom(&mut out, dt, format)?,
    }
    Ok(out)
}

impl DateTime {
    /// `ToString(CultureInfo.InvariantCulture)`: `MM/dd/yyyy HH:mm:ss`,
    /// PowerShell's string conversion of a date (`"$d"`).
    pub fn to_string_invariant(self) -> String {
        format_datetime_invariant(self, "").unwrap_or_default()
    }
    /// `ToLongDateString()` (en-US): `Wednesday, January 1, 2020`.
    pub fn to_long_date_string(self) -> String {
        format_datetime(self, "D").unwrap_or_default()
    }
    /// `ToLongTimeString()` (en-US): `1:33:09 PM`.
    pub fn to_long_time_string(self) -> String {
        format_datetime(self, "T").unwrap_or_default()
    }
    /// `ToShortDateString()` (en-US): `1/5/2021`.
    pub fn to_short_date_string(self) -> String {
        format_datetime(self, "d").unwrap_or_default()
    }
    /// `ToShortTimeString()` (en-US): `1:33 PM`.
    pub fn to_short_time_string(self) -> String {
        format_datetime(self, "t").unwrap_or_default()
    }
}

/// `DateTime.ToString(format)` in en-US. An empty format is `G`
/// (`1/5/2021 1:33:09 PM`).
pub fn format_datetime(dt: DateTime, format: &str) -> Result<String, DotNetError> {
    let mut out = String::with_capacity(32);
    format_datetime_into(&mut out, dt, format)?;
    Ok(out)
}

/// As [`format_datetime`], appending to `out`.
pub fn format_datetime_into(out: &mut String, dt: DateTime, format: &str) -> Result<(), DotNetError> {
    if format.is_empty() {
        out.push_str(&dt.to_string_en_us());
        return Ok(());
    }
    let mut chars = format.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let pattern = standard_pattern(c).ok_or_else(invalid)?;
        let dt = if c == 'U' { dt.to_universal_time() } else { dt };
        return format_custom(out, dt, pattern);
    }
    format_custom(out, dt, format)
}

fn repeat_count(chars: &[char], pos: usize) -> usize {
    let c = chars[pos];
    chars[pos..].iter().take_while(|&&x| x == c).count()
}

fn pad(out: &mut String, value: i64, digits: usize) {
    let _ = write!(out, "{value:0digits$}");
}

/// Offset as `z`, `zz` or `zzz` print it.
fn push_offset(out: &mut String, offset: TimeSpan, len: usize) {
    let t = offset.ticks;
    out.push(if t < 0 { '-' } else { '+' });
    let a = t.unsigned_abs() as i64;
    let h = a / TICKS_PER_HOUR;
    let m = (a / TICKS_PER_MINUTE) % 60;
    match len {
        1 => pad(out, h, 1),
        2 => pad(out, h, 2),
        _ => {
            pad(out, h, 2);
            out.push(':');
            pad(out, m, 2);
        }
    }
}

/// Copy a quoted literal starting after the opening quote at `pos`;
/// returns the position after the closing quote.
fn quoted(out: &mut String, chars: &[char], pos: usize) -> Result<usize, DotNetError> {
    let q = chars[pos];
    let mut i = pos + 1;
    loop {
        match chars.get(i) {
            None => return Err(invalid()),
            Some(&c) if c == q => return Ok(i + 1),
            Some('\\') => {
                let c = *chars.get(i + 1).ok_or_else(invalid)?;
                out.push(c);
                i += 2;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}

fn format_custom(out: &mut String, dt: DateTime, format: &str) -> Result<(), DotNetError> {
    let chars: Vec<char> = format.chars().collect();
    let (year, month, day) = dt.ymd();
    let hour = dt.hour();
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let n = match c {
            'h' | 'H' | 'm' | 's' | 'f' | 'F' | 't' | 'd' | 'M' | 'y' | 'z' | 'g' => repeat_count(&chars, i),
            _ => 1,
        };
        match c {
            'g' => out.push_str("A.D."),
            'h' => {
                let h12 = if hour % 12 == 0 { 12 } else { hour % 12 };
                pad(out, i64::from(h12), n.min(2));
            }
            'H' => pad(out, i64::from(hour), n.min(2)),
            'm' => pad(out, i64::from(dt.minute()), n.min(2)),
            's' => pad(out, i64::from(dt.second()), n.min(2)),
            'f' | 'F' => {
                if n > 7 {
                    return Err(invalid());
                }
                let frac = (dt.ticks % TICKS_PER_SECOND) / 10i64.pow(7 - n as u32);
                if c == 'f' {
                    pad(out, frac, n);
                } else if frac != 0 {
                    let mut s = format!("{frac:0n$}");
                    while s.ends_with('0') {
                        s.pop();
                    }
                    out.push_str(&s);
                } else if out.ends_with('.') {
                    // .NET drops a decimal point left dangling by F.
                    out.pop();
                }
            }
            't' => {
                let s = if hour < 12 { "AM" } else { "PM" };
                out.push_str(if n == 1 { &s[..1] } else { s });
            }
            'd' => match n {
                1 | 2 => pad(out, i64::from(day), n),
                3 => out.push_str(DAY_ABBREVS[dt.day_of_week() as usize]),
                _ => out.push_str(DAY_NAMES[dt.day_of_week() as usize]),
            },
            'M' => match n {
                1 | 2 => pad(out, i64::from(month), n),
                3 => out.push_str(MONTH_ABBREVS[month as usize - 1]),
                _ => out.push_str(MONTH_NAMES[month as usize - 1]),
            },
            'y' => {
                if n <= 2 {
                    pad(out, i64::from(year % 100), n);
                } else {
                    pad(out, i64::from(year), n);
                }
            }
            'z' => push_offset(out, dt.utc_offset(), n),
            'K' => match dt.kind {
                DateTimeKind::Utc => out.push('Z'),
                DateTimeKind::Local => push_offset(out, dt.utc_offset(), 3),
                DateTimeKind::Unspecified => {}
            },
            ':' => out.push(':'),
            '/' => out.push('/'),
            '\'' | '"' => {
                i = quoted(out, &chars, i)?;
                continue;
            }
            '%' => {
                // "%d": a single custom specifier; "%%" is invalid.
                match chars.get(i + 1) {
                    Some('%') | None => return Err(invalid()),
                    Some(_) => {
                        let rest: String = chars[i + 1..].iter().collect();
                        let next_len = repeat_count(&chars, i + 1);
                        let token: String = rest.chars().take(next_len).collect();
                        format_custom(out, dt, &token)?;
                        i += 1 + next_len;
                        continue;
                    }
                }
            }
            '\\' => match chars.get(i + 1) {
                Some(&e) => {
                    out.push(e);
                    i += 2;
                    continue;
                }
                None => return Err(invalid()),
            },
            other => out.push(other),
        }
        i += n;
    }
    Ok(())
}

/// Get-Date `-Format`: the special names FileDate, FileDateUniversal,
/// FileDateTime and FileDateTimeUniversal (case-insensitive; the Universal
/// ones convert to UTC first), else `DateTime.ToString(format)`.
pub fn get_date_format(dt: DateTime, format: &str) -> Result<String, DotNetError> {
    let (dt, fmt) = if format.eq_ignore_ascii_case("FileDate") {
        (dt, "yyyyMMdd")
    } else if format.eq_ignore_ascii_case("FileDateUniversal") {
        (dt.to_universal_time(), "yyyyMMddZ")
    } else if format.eq_ignore_ascii_case("FileDateTime") {
        (dt, "yyyyMMddTHHmmssffff")
    } else if format.eq_ignore_ascii_case("FileDateTimeUniversal") {
        (dt.to_universal_time(), "yyyyMMddTHHmmssffffZ")
    } else {
        (dt, format)
    };
    format_datetime(dt, fmt)
}

/// ISO 8601 week-numbering year and week (`ISOWeek.GetYear`/`GetWeekOfYear`).
pub fn iso_week(dt: DateTime) -> (i32, i32) {
    // ISO weekday 1 (Mon)..7 (Sun).
    let wd = match dt.day_of_week() as i32 {
        0 => 7,
        d => d,
    };
    let year = dt.year();
    let week = (dt.day_of_year() - wd + 10) / 7;
    if week < 1 {
        let prev = year - 1;
        (prev, weeks_in_iso_year(prev))
    } else if week > weeks_in_iso_year(year) {
        (year + 1, 1)
    } else {
        (year, week)
    }
}

fn weeks_in_iso_year(year: i32) -> i32 {
    let p = |y: i32| (y + y / 4 - y / 100 + y / 400) % 7;
    if p(year) == 4 || p(year - 1) == 3 { 53 } else { 52 }
}

/// Get-Date `-UFormat` (pwsh 7's strftime subset). A leading `+` is
/// skipped; unknown specifiers print their letter.
pub fn uformat(dt: DateTime, ufmt: &str) -> String {
    let f = |p: &str| format_datetime(dt, p).unwrap_or_default();
    let chars: Vec<char> = ufmt.chars().collect();
    let mut out = String::new();
    let mut i = usize::from(chars.first() == Some(&'+'));
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&spec) = chars.get(i) else {
            break;
        };
        let s = match spec {
            'A' => f("dddd"),
            'a' => f("ddd"),
            'B' => f("MMMM"),
            'b' | 'h' => f("MMM"),
            'C' => (dt.year() / 100).to_string(),
            'c' => f("ddd dd MMM yyyy HH:mm:ss"),
            'D' | 'x' => f("MM/dd/yy"),
            'd' => f("dd"),
            'e' => format!("{:>2}", dt.day()),
            'F' => f("yyyy-MM-dd"),
            'G' => format!("{:04}", iso_week(dt).0),
            'g' => format!("{:02}", iso_week(dt).0 % 100),
            'H' => f("HH"),
            'I' => f("hh"),
            'j' => format!("{:03}", dt.day_of_year()),
            'k' => format!("{:>2}", dt.hour()),
            'l' => format!("{:>2}", f("%h")),
            'M' => f("mm"),
            'm' => f("MM"),
            'n' => "\n".to_string(),
            'p' => f("tt"),
            'R' => f("HH:mm"),
            'r' => f("hh:mm:ss tt"),
            'S' => f("ss"),
            's' => {
                let secs = dt.to_universal_time().sub_datetime(DateTime::UNIX_EPOCH).total_seconds();
                super::number::format_number(super::number::Numeric::Double(secs), "0").unwrap_or_default()
            }
            'T' | 'X' => f("HH:mm:ss"),
            't' => "\t".to_string(),
            'U' => {
                let jan1 = DateTime::from_ymd(dt.year(), 1, 1).unwrap_or(DateTime::MIN_VALUE);
                let offset = (jan1.day_of_week() as i32 + 6) % 7;
                format!("{:02}", (offset + dt.day_of_year() - dt.day_of_week() as i32) / 7)
            }
            'u' => match dt.day_of_week() as i32 {
                0 => "7".to_string(),
                d => d.to_string(),
            },
            'V' => format!("{:02}", iso_week(dt).1),
            'W' => (dt.day_of_year() / 7).to_string(),
            'w' => (dt.day_of_week() as i32).to_string(),
            'Y' => f("yyyy"),
            'y' => f("yy"),
            'Z' => f("zz"),
            other => other.to_string(),
        };
        out.push_str(&s);
        i += 1;
    }
    out
}

// ---------------------------------------------------------------- TimeSpan

/// `TimeSpan.ToString(format)` (en-US): `c`/`t`/`T` constant, `g` general
/// short, `G` general long, or a custom format (`hh\:mm\:ss`, `d\.hh`, ...).
pub fn format_timespan(ts: TimeSpan, format: &str) -> Result<String, DotNetError> {
    let t = ts.ticks;
    let a = t.unsigned_abs();
    let days = a / TICKS_PER_DAY as u64;
    let h = (a / TICKS_PER_HOUR as u64) % 24;
    let m = (a / TICKS_PER_MINUTE as u64) % 60;
    let s = (a / TICKS_PER_SECOND as u64) % 60;
    let frac = a % TICKS_PER_SECOND as u64;
    let sign = if t < 0 { "-" } else { "" };
    match format {
        "" | "c" | "t" | "T" => return Ok(ts.to_string_c()),
        "g" => {
            let mut out = String::from(sign);
            if days != 0 {
                let _ = write!(out, "{days}:");
            }
            let _ = write!(out, "{h}:{m:02}:{s:02}");
            if frac != 0 {
                let mut f = format!("{frac:07}");
                while f.ends_with('0') {
                    f.pop();
                }
                let _ = write!(out, ".{f}");
            }
            return Ok(out);
        }
        "G" => return Ok(format!("{sign}{days}:{h:02}:{m:02}:{s:02}.{frac:07}")),
        _ => {}
    }
    if format.chars().count() == 1 {
        return Err(invalid());
    }
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        let n = repeat_count(&chars, i);
        match c {
            'd' => {
                if n > 8 {
                    return Err(invalid());
                }
                let _ = write!(out, "{days:0n$}");
            }
            'h' | 'm' | 's' => {
                if n > 2 {
                    return Err(invalid());
                }
                let v = match c {
                    'h' => h,
                    'm' => m,
                    _ => s,
                };
                let _ = write!(out, "{v:0n$}");
            }
            'f' | 'F' => {
                if n > 7 {
                    return Err(invalid());
                }
                let v = frac / 10u64.pow(7 - n as u32);
                if c == 'f' {
                    let _ = write!(out, "{v:0n$}");
                } else if v != 0 {
                    let mut f = format!("{v:0n$}");
                    while f.ends_with('0') {
                        f.pop();
                    }
                    out.push_str(&f);
                }
            }
            '\'' | '"' => {
                i = quoted(&mut out, &chars, i)?;
                continue;
            }
            '%' => {
                // "%h" etc.: one custom specifier.
                match chars.get(i + 1) {
                    Some('%') | None => return Err(invalid()),
                    Some(_) => {
                        let len = repeat_count(&chars, i + 1);
                        let token: String = chars[i + 1..i + 1 + len].iter().collect();
                        out.push_str(&format_timespan(ts, &format!("{token}''"))?);
                        i += 1 + len;
                        continue;
                    }
                }
            }
            '\\' => match chars.get(i + 1) {
                Some(&e) => {
                    out.push(e);
                    i += 2;
                    continue;
                }
                None => return Err(invalid()),
            },
            _ => return Err(invalid()),
        }
        i += n;
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dt(y: i32, mo: i32, d: i32, h: i32, mi: i32, s: i32, ms: i32) -> DateTime {
        DateTime::new(y, mo, d, h, mi, s, ms, DateTimeKind::Unspecified).unwrap()
    }

    // standard-date-and-time-format-strings.md, en-US rows, with the
    // doc's sample date 2009-06-15T13:45:30.
    #[test]
    fn standard_formats() {
        let d = dt(2009, 6, 15, 13, 45, 30, 0);
        let f = |s| format_datetime(d, s).unwrap();
        assert_eq!(f("d"), "6/15/2009");
        assert_eq!(f("D"), "Monday, June 15, 2009");
        assert_eq!(f("f"), "Monday, June 15, 2009 1:45 PM");
        assert_eq!(f("F"), "Monday, June 15, 2009 1:45:30 PM");
        assert_eq!(f("g"), "6/15/2009 1:45 PM");
        assert_eq!(f("G"), "6/15/2009 1:45:30 PM");
        assert_eq!(f(""), "6/15/2009 1:45:30 PM");
        assert_eq!(f("M"), "June 15");
        assert_eq!(f("o"), "2009-06-15T13:45:30.0000000");
        assert_eq!(f("R"), "Mon, 15 Jun 2009 13:45:30 GMT");
        assert_eq!(f("s"), "2009-06-15T13:45:30");
        assert_eq!(f("t"), "1:45 PM");
        assert_eq!(f("T"), "1:45:30 PM");
        assert_eq!(f("u"), "2009-06-15 13:45:30Z");
        assert_eq!(f("Y"), "June 2009");
        assert_eq!(format_datetime(d, "q").unwrap_err().message, INVALID_FORMAT);
        let u = d.with_kind(DateTimeKind::Utc);
        assert_eq!(format_datetime(u, "o").unwrap(), "2009-06-15T13:45:30.0000000Z");
        assert_eq!(format_datetime(u, "U").unwrap(), "Monday, June 15, 2009 1:45:30 PM");
    }

    // custom-date-and-time-format-strings.md examples.
    #[test]
    fn custom_formats() {
        let d = dt(2008, 8, 29, 19, 27, 15, 18);
        let f = |s| format_datetime(d, s).unwrap();
        assert_eq!(f("%d"), "29");
        assert_eq!(f("dd"), "29");
        assert_eq!(f("ddd"), "Fri");
        assert_eq!(f("dddd"), "Friday");
        assert_eq!(f("hh:mm:ss.f"), "07:27:15.0");
        assert_eq!(f("hh:mm:ss.ff"), "07:27:15.01");
        assert_eq!(f("hh:mm:ss.fff"), "07:27:15.018");
        assert_eq!(f("hh:mm:ss.F"), "07:27:15");
        assert_eq!(f("hh:mm:ss.FF"), "07:27:15.01");
        assert_eq!(f("%h"), "7");
        assert_eq!(f("H:mm"), "19:27");
        assert_eq!(f("%M"), "8");
        assert_eq!(f("MMM"), "Aug");
        assert_eq!(f("MMMM"), "August");
        assert_eq!(f("%t"), "P");
        assert_eq!(f("tt"), "PM");
        assert_eq!(f("%y"), "8");
        assert_eq!(f("yy"), "08");
        assert_eq!(f("yyy"), "2008");
        assert_eq!(f("yyyyy"), "02008");
        assert_eq!(f("MM/dd/yyyy g"), "08/29/2008 A.D.");
        assert_eq!(f("'Today is' dddd"), "Today is Friday");
        assert_eq!(f("h \\h m \\m"), "7 h 27 m");
        assert_eq!(f("yyyyMMddTHHmmssffff"), "20080829T1927150180");
        assert!(format_datetime(d, "ffffffff").is_err());
        assert!(format_datetime(d, "'open").is_err());
        assert!(format_datetime(d, "abc\\").is_err());
        let u = d.with_kind(DateTimeKind::Utc);
        assert_eq!(format_datetime(u, "zzz K").unwrap(), "+00:00 Z");
        assert_eq!(format_datetime(d, "%K").unwrap(), "");
        assert_eq!(format_datetime(u, "KK").unwrap(), "ZZ");
    }

    #[test]
    fn invariant_and_helpers() {
        let d = dt(2021, 1, 5, 13, 33, 9, 0);
        assert_eq!(d.to_string_invariant(), "01/05/2021 13:33:09");
        assert_eq!(format_datetime_invariant(d, "D").unwrap(), "Tuesday, 05 January 2021");
        assert_eq!(format_datetime_invariant(d, "yyyy").unwrap(), "2021");
        assert_eq!(format_datetime_invariant(d, "o").unwrap(), "2021-01-05T13:33:09.0000000");
        assert_eq!(d.to_long_date_string(), "Tuesday, January 5, 2021");
        assert_eq!(d.to_long_time_string(), "1:33:09 PM");
        assert_eq!(d.to_short_date_string(), "1/5/2021");
        assert_eq!(d.to_short_time_string(), "1:33 PM");
    }

    // Conformance cases date-001, date-002, date-008, conv-002.
    #[test]
    fn conformance_get_date() {
        let jan1 = dt(2020, 1, 1, 0, 0, 0, 0);
        assert_eq!(format_datetime(jan1, "D").unwrap(), "Wednesday, January 1, 2020");
        assert_eq!(get_date_format(jan1, "MMM-dd-yy").unwrap(), "Jan-01-20");
        let d = DateTime::from_ticks(dt(30, 1, 1, 1, 2, 3, 0).ticks + 4_000, DateTimeKind::Unspecified).unwrap();
        assert_eq!(get_date_format(d, "FileDate").unwrap(), "00300101");
        assert_eq!(get_date_format(d, "FileDateTime").unwrap(), "00300101T0102030004");
        let u = d.with_kind(DateTimeKind::Utc);
        assert_eq!(get_date_format(u, "FileDateTimeUniversal").unwrap(), "00300101T0102030004Z");
        assert_eq!(get_date_format(u, "fileDateUniversal").unwrap(), "00300101Z");
        assert_eq!(format_datetime(dt(2021, 11, 10, 0, 0, 0, 0), "yyyyMMdd").unwrap(), "20211110");
        assert_eq!(format_datetime(dt(2021, 11, 10, 14, 5, 0, 0), "yyyy-MM-dd HH:mm").unwrap(), "2021-11-10 14:05");
    }

    // Conformance case date-004 (pwsh 7 -UFormat).
    #[test]
    fn conformance_uformat() {
        let d1 = dt(2030, 4, 5, 1, 2, 3, 90);
        let expect = [
            ("%a", "Fri"),
            ("%A", "Friday"),
            ("%b", "Apr"),
            ("%B", "April"),
            ("%c", "Fri 05 Apr 2030 01:02:03"),
            ("%C", "20"),
            ("%d", "05"),
            ("%D", "04/05/30"),
            ("%e", " 5"),
            ("%F", "2030-04-05"),
            ("%H", "01"),
            ("%I", "01"),
            ("%j", "095"),
            ("%k", " 1"),
            ("%l", " 1"),
            ("%m", "04"),
            ("%M", "02"),
            ("%p", "AM"),
            ("%r", "01:02:03 AM"),
            ("%R", "01:02"),
            ("%S", "03"),
            ("%T", "01:02:03"),
            ("%u", "5"),
            ("%U", "13"),
            ("%W", "13"),
            ("%x", "04/05/30"),
            ("%y", "30"),
            ("%Y", "2030"),
        ];
        for (f, want) in expect {
            assert_eq!(uformat(d1, f), want, "{f}");
        }
        let d2 = dt(2030, 4, 15, 13, 2, 3, 0);
        assert_eq!(uformat(d2, "%e"), "15");
        assert_eq!(uformat(d2, "%H"), "13");
        assert_eq!(uformat(d2, "%I"), "01");
        let d3 = dt(2030, 4, 15, 21, 2, 3, 0);
        assert_eq!(uformat(d3, "%r"), "09:02:03 PM");
        assert_eq!(uformat(d3, "%R"), "21:02");
        assert_eq!(uformat(d3, "+%Y-%m-%d %%"), "2030-04-15 %");
        let e = DateTime::UNIX_EPOCH.add_seconds(1_600_000_000.0).unwrap();
        assert_eq!(uformat(e, "%s"), "1600000000");
    }

    // Formats used by the admin scripts in ../shared/corpus.
    #[test]
    fn corpus_formats() {
        let d = dt(2021, 3, 4, 15, 6, 7, 0);
        assert_eq!(format_datetime(d, "dd.MM.yyyy HH:mm:ss").unwrap(), "04.03.2021 15:06:07");
        assert_eq!(format_datetime(d, "dd.MM.yyyy HH:mm").unwrap(), "04.03.2021 15:06");
        assert_eq!(get_date_format(d, "MMddyyyy-hhmm").unwrap(), "03042021-0306");
        assert_eq!(get_date_format(d, "yyyyMMdd-HHmm").unwrap(), "20210304-1506");
        assert_eq!(get_date_format(d, "yyyyMMdd_HHmmss").unwrap(), "20210304_150607");
        assert_eq!(get_date_format(d, "yyyy-MM-dd HH:mm:ss").unwrap(), "2021-03-04 15:06:07");
        assert_eq!(get_date_format(d, "FileDateTime").unwrap(), "20210304T1506070000");
        assert_eq!(uformat(d, "%d%m%Y"), "04032021");
        assert_eq!(uformat(d, "%S_%m%d%y"), "07_030421");
    }

    // Conformance case date-005 (ISO weeks).
    #[test]
    fn conformance_iso_week() {
        let cases = [
            ((2005, 1, 1), "53 2004 04 6"),
            ((2006, 1, 2), "01 2006 06 1"),
            ((2007, 12, 31), "01 2008 08 1"),
            ((2008, 12, 29), "01 2009 09 1"),
            ((2010, 1, 3), "53 2009 09 7"),
            ((2010, 1, 4), "01 2010 10 1"),
        ];
        for ((y, m, d), want) in cases {
            let x = DateTime::from_ymd(y, m, d).unwrap();
            assert_eq!(uformat(x, "%V %G %g %u"), want);
        }
    }

    // standard/custom-timespan-format-strings.md examples.
    #[test]
    fn timespan_formats() {
        let t = TimeSpan::new(1, 3, 16, 50, 500).unwrap();
        assert_eq!(format_timespan(t, "c").unwrap(), "1.03:16:50.5000000");
        assert_eq!(format_timespan(t, "g").unwrap(), "1:3:16:50.5");
        assert_eq!(format_timespan(t, "G").unwrap(), "1:03:16:50.5000000");
        let n = TimeSpan::new(-1, -3, -16, -50, -500).unwrap();
        assert_eq!(format_timespan(n, "g").unwrap(), "-1:3:16:50.5");
        let short = TimeSpan::from_hms(3, 17, 25).unwrap();
        assert_eq!(format_timespan(short, "g").unwrap(), "3:17:25");
        assert_eq!(format_timespan(short, "hh\\:mm\\:ss").unwrap(), "03:17:25");
        assert_eq!(format_timespan(t, "d\\.hh\\:mm\\:ss\\.fff").unwrap(), "1.03:16:50.500");
        assert_eq!(format_timespan(t, "dd' days'").unwrap(), "01 days");
        assert_eq!(format_timespan(t, "%d").unwrap(), "1");
        assert_eq!(format_timespan(t, "ss\\.FF").unwrap(), "50.5");
        assert!(format_timespan(t, "hh:mm").is_err());
        assert!(format_timespan(t, "x").is_err());
    }
}
