//! System.TimeSpan: a signed count of 100-nanosecond ticks.
//!
//! Spec: <https://learn.microsoft.com/dotnet/api/system.timespan>. Components
//! (`days()`, `hours()` ...) truncate toward zero, so a negative span has
//! negative components; `From*` take doubles and keep tick precision (.NET
//! Core 3.0+ no longer rounds to milliseconds).

use super::DotNetError;
use std::fmt;
use std::ops::{Add, Neg, Sub};

pub const TICKS_PER_MILLISECOND: i64 = 10_000;
pub const TICKS_PER_SECOND: i64 = TICKS_PER_MILLISECOND * 1000;
pub const TICKS_PER_MINUTE: i64 = TICKS_PER_SECOND * 60;
pub const TICKS_PER_HOUR: i64 = TICKS_PER_MINUTE * 60;
pub const TICKS_PER_DAY: i64 = TICKS_PER_HOUR * 24;

/// .NET's message for any TimeSpan overflow.
pub const OVERFLOW_MESSAGE: &str = "TimeSpan overflowed because the duration is too long.";

/// System.TimeSpan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeSpan {
    /// 100-nanosecond units.
    pub ticks: i64,
}

/// True when `x` converts to i64 without overflow (2^63 itself does not fit).
fn in_i64_range(x: f64) -> bool {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    (-LIMIT..LIMIT).contains(&x)
}

impl TimeSpan {
    pub const ZERO: TimeSpan = TimeSpan { ticks: 0 };
    pub const MIN_VALUE: TimeSpan = TimeSpan { ticks: i64::MIN };
    pub const MAX_VALUE: TimeSpan = TimeSpan { ticks: i64::MAX };

    pub const fn from_ticks(ticks: i64) -> TimeSpan {
        TimeSpan { ticks }
    }

    /// `new TimeSpan(hours, minutes, seconds)`.
    pub fn from_hms(hours: i32, minutes: i32, seconds: i32) -> Result<TimeSpan, DotNetError> {
        Self::new(0, hours, minutes, seconds, 0)
    }

    /// `new TimeSpan(days, hours, minutes, seconds, milliseconds)`; components
    /// may be negative or exceed their natural range, as in .NET.
    pub fn new(days: i32, hours: i32, minutes: i32, seconds: i32, milliseconds: i32) -> Result<TimeSpan, DotNetError> {
        let ms =
            (i128::from(days) * 86_400 + i128::from(hours) * 3600 + i128::from(minutes) * 60 + i128::from(seconds))
                * 1000
                + i128::from(milliseconds);
        let ticks = ms * i128::from(TICKS_PER_MILLISECOND);
        i64::try_from(ticks)
            .map(TimeSpan::from_ticks)
            .map_err(|_| DotNetError::out_of_range(OVERFLOW_MESSAGE, "milliseconds"))
    }

    fn interval(value: f64, scale: i64) -> Result<TimeSpan, DotNetError> {
        if value.is_nan() {
            return Err(DotNetError::new(
                super::ExceptionKind::Argument,
                "TimeSpan does not accept floating point Not-a-Number values.",
            ));
        }
        let ticks = value * scale as f64;
        // i64::MAX as f64 rounds up to 2^63, which is out of range.
        if !in_i64_range(ticks) {
            return Err(DotNetError::overflow(OVERFLOW_MESSAGE));
        }
        Ok(TimeSpan::from_ticks(ticks as i64))
    }

    pub fn from_days(value: f64) -> Result<TimeSpan, DotNetError> {
        Self::interval(value, TICKS_PER_DAY)
    }
    pub fn from_hours(value: f64) -> Result<TimeSpan, DotNetError> {
        Self::interval(value, TICKS_PER_HOUR)
    }
    pub fn from_minutes(value: f64) -> Result<TimeSpan, DotNetError> {
        Self::interval(value, TICKS_PER_MINUTE)
    }
    pub fn from_seconds(value: f64) -> Result<TimeSpan, DotNetError> {
        Self::interval(value, TICKS_PER_SECOND)
    }
    pub fn from_milliseconds(value: f64) -> Result<TimeSpan, DotNetError> {
        Self::interval(value, TICKS_PER_MILLISECOND)
    }

    /// Whole days (truncated toward zero).
    pub fn days(self) -> i32 {
        (self.ticks / TICKS_PER_DAY) as i32
    }
    /// Hours component, -23..=23.
    pub fn hours(self) -> i32 {
        ((self.ticks / TICKS_PER_HOUR) % 24) as i32
    }
    /// Minutes component, -59..=59.
    pub fn minutes(self) -> i32 {
        ((self.ticks / TICKS_PER_MINUTE) % 60) as i32
    }
    /// Seconds component, -59..=59.
    pub fn seconds(self) -> i32 {
        ((self.ticks / TICKS_PER_SECOND) % 60) as i32
    }
    /// Milliseconds component, -999..=999.
    pub fn milliseconds(self) -> i32 {
        ((self.ticks / TICKS_PER_MILLISECOND) % 1000) as i32
    }
    pub fn total_days(self) -> f64 {
        self.ticks as f64 / TICKS_PER_DAY as f64
    }
    pub fn total_hours(self) -> f64 {
        self.ticks as f64 / TICKS_PER_HOUR as f64
    }
    pub fn total_minutes(self) -> f64 {
        self.ticks as f64 / TICKS_PER_MINUTE as f64
    }
    pub fn total_seconds(self) -> f64 {
        self.ticks as f64 / TICKS_PER_SECOND as f64
    }
    pub fn total_milliseconds(self) -> f64 {
        self.ticks as f64 / TICKS_PER_MILLISECOND as f64
    }

    /// `TimeSpan.Add`; OverflowException past ±MaxValue.
    pub fn checked_add(self, other: TimeSpan) -> Result<TimeSpan, DotNetError> {
        self.ticks
            .checked_add(other.ticks)
            .map(TimeSpan::from_ticks)
            .ok_or_else(|| DotNetError::overflow(OVERFLOW_MESSAGE))
    }
    /// `TimeSpan.Subtract`.
    pub fn checked_sub(self, other: TimeSpan) -> Result<TimeSpan, DotNetError> {
        self.ticks
            .checked_sub(other.ticks)
            .map(TimeSpan::from_ticks)
            .ok_or_else(|| DotNetError::overflow(OVERFLOW_MESSAGE))
    }
    /// `TimeSpan.Negate()`; MinValue cannot be negated.
    pub fn negate(self) -> Result<TimeSpan, DotNetError> {
        self.ticks
            .checked_neg()
            .map(TimeSpan::from_ticks)
            .ok_or_else(|| DotNetError::overflow("Negating the minimum value of a twos complement number is invalid."))
    }
    /// `TimeSpan.Duration()`: absolute value.
    pub fn duration(self) -> Result<TimeSpan, DotNetError> {
        if self.ticks < 0 {
            self.negate()
                .map_err(|_| DotNetError::overflow("The duration cannot be returned for TimeSpan.MinValue because the absolute value of TimeSpan.MinValue exceeds the value of TimeSpan.MaxValue."))
        } else {
            Ok(self)
        }
    }
    /// `TimeSpan * double` (.NET Core 2.0+).
    pub fn multiply(self, factor: f64) -> Result<TimeSpan, DotNetError> {
        if factor.is_nan() {
            return Err(DotNetError::new(
                super::ExceptionKind::Argument,
                "TimeSpan does not accept floating point Not-a-Number values. (Parameter 'factor')",
            ));
        }
        let ticks = (self.ticks as f64 * factor).round();
        if !in_i64_range(ticks) {
            return Err(DotNetError::overflow(OVERFLOW_MESSAGE));
        }
        Ok(TimeSpan::from_ticks(ticks as i64))
    }

    /// The constant ("c") format: `[-][d.]hh:mm:ss[.fffffff]`, which is also
    /// what `ToString()` and PowerShell's string conversion give.
    pub fn to_string_c(self) -> String {
        let mut out = String::with_capacity(26);
        let t = self.ticks;
        let neg = t < 0;
        // Work in u64 so MinValue does not overflow.
        let a = t.unsigned_abs();
        let day = a / TICKS_PER_DAY as u64;
        let rem = a % TICKS_PER_DAY as u64;
        let h = rem / TICKS_PER_HOUR as u64;
        let m = (rem / TICKS_PER_MINUTE as u64) % 60;
        let s = (rem / TICKS_PER_SECOND as u64) % 60;
        let frac = rem % TICKS_PER_SECOND as u64;
        if neg {
            out.push('-');
        }
        if day != 0 {
            out.push_str(&day.to_string());
            out.push('.');
        }
        use std::fmt::Write;
        let _ = write!(out, "{h:02}:{m:02}:{s:02}");
        if frac != 0 {
            let _ = write!(out, ".{frac:07}");
        }
        out
    }
}

impl fmt::Display for TimeSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_c())
    }
}

/// Wrapping arithmetic for convenience; use `checked_add` where .NET would throw.
impl Add for TimeSpan {
    type Output = TimeSpan;
    fn add(self, rhs: TimeSpan) -> TimeSpan {
        TimeSpan::from_ticks(self.ticks.wrapping_add(rhs.ticks))
    }
}
impl Sub for TimeSpan {
    type Output = TimeSpan;
    fn sub(self, rhs: TimeSpan) -> TimeSpan {
        TimeSpan::from_ticks(self.ticks.wrapping_sub(rhs.ticks))
    }
}
impl Neg for TimeSpan {
    type Output = TimeSpan;
    fn neg(self) -> TimeSpan {
        TimeSpan::from_ticks(self.ticks.wrapping_neg())
    }
}

impl From<TimeSpan> for chrono::TimeDelta {
    fn from(t: TimeSpan) -> chrono::TimeDelta {
        chrono::TimeDelta::microseconds(t.ticks / 10) + chrono::TimeDelta::nanoseconds((t.ticks % 10) * 100)
    }
}

impl TimeSpan {
    /// From a chrono duration (sub-tick precision is truncated); None if it
    /// does not fit in a TimeSpan.
    pub fn from_chrono(d: chrono::TimeDelta) -> Option<TimeSpan> {
        let secs = i128::from(d.num_seconds());
        let nanos = i128::from(d.subsec_nanos());
        let ticks = secs * 10_000_000 + nanos / 100;
        i64::try_from(ticks).ok().map(TimeSpan::from_ticks)
    }
}

impl TimeSpan {
    /// `TimeSpan.Parse(s, InvariantCulture)` (what `[timespan]"..."` does):
    /// `[-]d`, `[-][d.]hh:mm[:ss[.fffffff]]` or `[-]d:hh:mm:ss[.fffffff]`,
    /// white space around.
    pub fn parse(s: &str) -> Result<TimeSpan, DotNetError> {
        let bad = || {
            DotNetError::new(
                super::ExceptionKind::Format,
                format!("String '{s}' was not recognized as a valid TimeSpan."),
            )
        };
        let range = || {
            DotNetError::overflow(&format!(
                "The TimeSpan string '{s}' could not be parsed because at least one of the numeric components is out of range or contains too many digits."
            ))
        };
        let t = s.trim();
        let (neg, body) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let num = |x: &str| -> Result<i64, DotNetError> {
            if x.is_empty() || x.len() > 10 || !x.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            x.parse::<i64>().map_err(|_| range())
        };
        let (mut days, mut h, mut m, mut sec, mut frac) = (0i64, 0i64, 0i64, 0i64, 0i64);
        if !body.contains(':') {
            days = num(body)?;
        } else {
            let parts: Vec<&str> = body.split(':').collect();
            let (first, rest) = match parts.len() {
                2 | 3 => {
                    // Optional "d." before the hours.
                    match parts[0].split_once('.') {
                        Some((d, hh)) => {
                            days = num(d)?;
                            (hh, &parts[1..])
                        }
                        None => (parts[0], &parts[1..]),
                    }
                }
                4 => {
                    days = num(parts[0])?;
                    (parts[1], &parts[2..])
                }
                _ => return Err(bad()),
            };
            h = num(first)?;
            m = num(rest[0])?;
            if let Some(last) = rest.get(1) {
                let (ss, ff) = match last.split_once('.') {
                    Some((a, b)) => (a, Some(b)),
                    None => (*last, None),
                };
                sec = num(ss)?;
                if let Some(ff) = ff {
                    if ff.len() > 7 {
                        return Err(range());
                    }
                    frac = num(ff)? * 10i64.pow(7 - ff.len() as u32);
                }
            }
        }
        if h > 23 || m > 59 || sec > 59 || days > 10_675_199 {
            return Err(range());
        }
        let ticks = i128::from(days) * i128::from(TICKS_PER_DAY)
            + i128::from(h) * i128::from(TICKS_PER_HOUR)
            + i128::from(m) * i128::from(TICKS_PER_MINUTE)
            + i128::from(sec) * i128::from(TICKS_PER_SECOND)
            + i128::from(frac);
        let ticks = if neg { -ticks } else { ticks };
        i64::try_from(ticks).map(TimeSpan::from_ticks).map_err(|_| range())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    // Examples from https://learn.microsoft.com/dotnet/standard/base-types/standard-timespan-format-strings ("c")
    #[test]
    fn constant_format() {
        assert_eq!(TimeSpan::ZERO.to_string(), "00:00:00");
        assert_eq!(TimeSpan::from_hms(3, 17, 25).unwrap().to_string(), "03:17:25");
        assert_eq!(TimeSpan::new(1, 3, 16, 50, 500).unwrap().to_string(), "1.03:16:50.5000000");
        assert_eq!(TimeSpan::new(-5, 0, 0, 0, 0).unwrap().to_string(), "-5.00:00:00");
        assert_eq!(TimeSpan::from_ticks(1).to_string(), "00:00:00.0000001");
        assert_eq!(TimeSpan::MAX_VALUE.to_string(), "10675199.02:48:05.4775807");
        assert_eq!(TimeSpan::MIN_VALUE.to_string(), "-10675199.02:48:05.4775808");
        assert_eq!(TimeSpan::from_minutes(-90.0).unwrap().to_string(), "-01:30:00");
    }

    #[test]
    fn components_truncate_toward_zero() {
        let t = TimeSpan::new(0, -25, -30, 0, 0).unwrap();
        assert_eq!(t.days(), -1);
        assert_eq!(t.hours(), -1);
        assert_eq!(t.minutes(), -30);
        assert_eq!(t.total_hours(), -25.5);
        let t = TimeSpan::new(1, 2, 3, 4, 5).unwrap();
        assert_eq!((t.days(), t.hours(), t.minutes(), t.seconds(), t.milliseconds()), (1, 2, 3, 4, 5));
        assert!((t.total_days() - 1.085_463_020_833_333_3).abs() < 1e-12);
    }

    #[test]
    fn from_double_keeps_tick_precision() {
        assert_eq!(TimeSpan::from_days(1.5).unwrap().ticks, 1_296_000_000_000);
        assert_eq!(TimeSpan::from_milliseconds(0.5).unwrap().ticks, 5_000);
        assert_eq!(TimeSpan::from_seconds(-1.25).unwrap().to_string(), "-00:00:01.2500000");
        assert!(TimeSpan::from_days(f64::NAN).is_err());
        let e = TimeSpan::from_days(1e20).unwrap_err();
        assert_eq!(e.message, OVERFLOW_MESSAGE);
    }

    #[test]
    fn arithmetic_and_overflow() {
        let a = TimeSpan::from_hours(1.0).unwrap();
        let b = TimeSpan::from_minutes(30.0).unwrap();
        assert_eq!((a + b).to_string(), "01:30:00");
        assert_eq!((b - a).to_string(), "-00:30:00");
        assert_eq!(a.negate().unwrap().to_string(), "-01:00:00");
        assert!(TimeSpan::MAX_VALUE.checked_add(a).is_err());
        assert!(TimeSpan::MIN_VALUE.negate().is_err());
        assert_eq!(b.multiply(2.0).unwrap(), a);
        assert_eq!((-a).duration().unwrap(), a);
    }

    // TimeSpan.Parse docs examples.
    #[test]
    fn parse() {
        let p = |s: &str| TimeSpan::parse(s).map(|t| t.to_string());
        assert_eq!(p("6").unwrap(), "6.00:00:00");
        assert_eq!(p("6:12").unwrap(), "06:12:00");
        assert_eq!(p("6:12:14").unwrap(), "06:12:14");
        assert_eq!(p("6:12:14:45").unwrap(), "6.12:14:45");
        assert_eq!(p("6.12:14:45").unwrap(), "6.12:14:45");
        assert_eq!(p("6:12:14:45.3448").unwrap(), "6.12:14:45.3448000");
        assert_eq!(p(" -1.02:03:04.5 ").unwrap(), "-1.02:03:04.5000000");
        assert_eq!(
            p("6:34:14:45").unwrap_err().message,
            "The TimeSpan string '6:34:14:45' could not be parsed because at least one of the numeric components is out of range or contains too many digits."
        );
        assert_eq!(p("abc").unwrap_err().message, "String 'abc' was not recognized as a valid TimeSpan.");
        assert!(p("1:2:3:4:5").is_err());
        assert!(p("").is_err());
    }

    #[test]
    fn chrono_round_trip() {
        let t = TimeSpan::from_ticks(123_456_789);
        let d: chrono::TimeDelta = t.into();
        assert_eq!(TimeSpan::from_chrono(d), Some(t));
        let n = TimeSpan::from_ticks(-123_456_789);
        assert_eq!(TimeSpan::from_chrono(n.into()), Some(n));
    }
}
