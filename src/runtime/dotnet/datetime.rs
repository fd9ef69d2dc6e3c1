//! System.DateTime: 100-nanosecond ticks since 0001-01-01T00:00:00 in the
//! proleptic Gregorian calendar, plus a [`DateTimeKind`].
//!
//! Spec: <https://learn.microsoft.com/dotnet/api/system.datetime>. As in .NET,
//! equality and ordering compare ticks only and ignore the kind. Local time is
//! the process's time zone (the `TZ` variable; tests run with `TZ=UTC`).

use super::DotNetError;
use super::timespan::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MILLISECOND, TICKS_PER_MINUTE, TICKS_PER_SECOND, TimeSpan,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Ticks of DateTime.MaxValue (9999-12-31T23:59:59.9999999).
pub const MAX_TICKS: i64 = 3_155_378_975_999_999_999;
/// Ticks of 1601-01-01, the Windows file time epoch.
pub const FILE_TIME_EPOCH_TICKS: i64 = 504_911_232_000_000_000;
/// Ticks of the Unix epoch, 1970-01-01T00:00:00.
pub const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

const DAYS_TO_MONTH_365: [i32; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const DAYS_TO_MONTH_366: [i32; 13] = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

/// .NET's message when arithmetic leaves 0001..9999.
pub const UNREPRESENTABLE: &str = "The added or subtracted value results in an un-representable DateTime.";

/// System.DateTimeKind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DateTimeKind {
    #[default]
    Unspecified,
    Utc,
    Local,
}

impl DateTimeKind {
    pub fn name(self) -> &'static str {
        match self {
            DateTimeKind::Unspecified => "Unspecified",
            DateTimeKind::Utc => "Utc",
            DateTimeKind::Local => "Local",
        }
    }
}

/// System.DayOfWeek (Sunday = 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayOfWeek {
    Sunday = 0,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
}

impl DayOfWeek {
    pub const ALL: [DayOfWeek; 7] = [
        DayOfWeek::Sunday,
        DayOfWeek::Monday,
        DayOfWeek::Tuesday,
        DayOfWeek::Wednesday,
        DayOfWeek::Thursday,
        DayOfWeek::Friday,
        DayOfWeek::Saturday,
    ];
    /// English name, as the enum prints (`Monday`).
    pub fn name(self) -> &'static str {
        match self {
            DayOfWeek::Sunday => "Sunday",
            DayOfWeek::Monday => "Monday",
            DayOfWeek::Tuesday => "Tuesday",
            DayOfWeek::Wednesday => "Wednesday",
            DayOfWeek::Thursday => "Thursday",
            DayOfWeek::Friday => "Friday",
            DayOfWeek::Saturday => "Saturday",
        }
    }
    /// Numeric value (Sunday = 0).
    pub fn value(self) -> i32 {
        self as i32
    }
}

/// System.DateTime.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateTime {
    /// 100 ns units since 0001-01-01T00:00:00, 0..=[`MAX_TICKS`].
    pub ticks: i64,
    pub kind: DateTimeKind,
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.ticks == other.ticks
    }
}
impl Eq for DateTime {}
impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.ticks.hash(state)
    }
}
impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ticks.cmp(&other.ticks)
    }
}

/// Is `year` a leap year in the Gregorian calendar? (`DateTime.IsLeapYear`
/// throws for years outside 1..=9999; this just answers.)
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// `DateTime.DaysInMonth(year, month)`.
pub fn days_in_month(year: i32, month: i32) -> Result<i32, DotNetError> {
    if !(1..=12).contains(&month) {
        return Err(DotNetError::out_of_range("Month must be between one and twelve.", "month"));
    }
    if !(1..=9999).contains(&year) {
        return Err(DotNetError::out_of_range("Year must be between 1 and 9999.", "year"));
    }
    let table = if is_leap_year(year) { &DAYS_TO_MONTH_366 } else { &DAYS_TO_MONTH_365 };
    Ok(table[month as usize] - table[month as usize - 1])
}

fn date_to_days(year: i32, month: i32, day: i32) -> Result<i64, DotNetError> {
    let dim = days_in_month(year, month)?;
    if day < 1 || day > dim {
        return Err(DotNetError::out_of_range(
            "Year, Month, and Day parameters describe an un-representable DateTime.",
            "",
        )
        .strip_param());
    }
    let table = if is_leap_year(year) { &DAYS_TO_MONTH_366 } else { &DAYS_TO_MONTH_365 };
    let y = i64::from(year - 1);
    Ok(y * 365 + y / 4 - y / 100 + y / 400 + i64::from(table[month as usize - 1]) + i64::from(day) - 1)
}

impl DotNetError {
    fn strip_param(mut self) -> Self {
        if let Some(i) = self.message.find(" (Parameter ''") {
            self.message.truncate(i);
        }
        self
    }
}

/// Calendar parts of a tick count: (year, month, day, day_of_year).
fn date_parts(ticks: i64) -> (i32, i32, i32, i32) {
    // The fields are public; out-of-range ticks are clamped, never a panic.
    let ticks = ticks.clamp(0, MAX_TICKS);
    let mut n = (ticks / TICKS_PER_DAY) as i32;
    let y400 = n / 146_097;
    n -= y400 * 146_097;
    let mut y100 = n / 36_524;
    if y100 == 4 {
        y100 = 3;
    }
    n -= y100 * 36_524;
    let y4 = n / 1461;
    n -= y4 * 1461;
    let mut y1 = n / 365;
    if y1 == 4 {
        y1 = 3;
    }
    let year = y400 * 400 + y100 * 100 + y4 * 4 + y1 + 1;
    n -= y1 * 365;
    let leap = y1 == 3 && (y4 != 24 || y100 == 3);
    let table = if leap { &DAYS_TO_MONTH_366 } else { &DAYS_TO_MONTH_365 };
    let mut m = (n >> 5) + 1;
    while n >= table[m as usize] {
        m += 1;
    }
    (year, m, n - table[m as usize - 1] + 1, n + 1)
}

fn check_ticks(ticks: i64) -> Result<i64, DotNetError> {
    if (0..=MAX_TICKS).contains(&ticks) { Ok(ticks) } else { Err(DotNetError::out_of_range(UNREPRESENTABLE, "value")) }
}

impl DateTime {
    pub const MIN_VALUE: DateTime = DateTime { ticks: 0, kind: DateTimeKind::Unspecified };
    pub const MAX_VALUE: DateTime = DateTime { ticks: MAX_TICKS, kind: DateTimeKind::Unspecified };
    /// 1970-01-01T00:00:00Z (`DateTime.UnixEpoch`).
    pub const UNIX_EPOCH: DateTime = DateTime { ticks: UNIX_EPOCH_TICKS, kind: DateTimeKind::Utc };

    /// `new DateTime(ticks, kind)`.
    pub fn from_ticks(ticks: i64, kind: DateTimeKind) -> Result<DateTime, DotNetError> {
        if !(0..=MAX_TICKS).contains(&ticks) {
            return Err(DotNetError::out_of_range(
                "Ticks must be between DateTime.MinValue.Ticks and DateTime.MaxValue.Ticks.",
                "ticks",
            ));
        }
        Ok(DateTime { ticks, kind })
    }

    /// `new DateTime(year, month, day)` (kind Unspecified).
    pub fn from_ymd(year: i32, month: i32, day: i32) -> Result<DateTime, DotNetError> {
        Ok(DateTime { ticks: date_to_days(year, month, day)? * TICKS_PER_DAY, kind: DateTimeKind::Unspecified })
    }

    /// `new DateTime(year, month, day, hour, minute, second, millisecond, kind)`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        year: i32,
        month: i32,
        day: i32,
        hour: i32,
        minute: i32,
        second: i32,
        millisecond: i32,
        kind: DateTimeKind,
    ) -> Result<DateTime, DotNetError> {
        let days = date_to_days(year, month, day)?;
        if !(0..24).contains(&hour) || !(0..60).contains(&minute) || !(0..60).contains(&second) {
            return Err(DotNetError::new(
                super::ExceptionKind::ArgumentOutOfRange,
                "Hour, Minute, and Second parameters describe an un-representable DateTime.",
            ));
        }
        if !(0..1000).contains(&millisecond) {
            return Err(DotNetError::out_of_range("Valid values are between 0 and 999, inclusive.", "millisecond"));
        }
        let ticks = days * TICKS_PER_DAY
            + i64::from(hour) * TICKS_PER_HOUR
            + i64::from(minute) * TICKS_PER_MINUTE
            + i64::from(second) * TICKS_PER_SECOND
            + i64::from(millisecond) * TICKS_PER_MILLISECOND;
        Ok(DateTime { ticks, kind })
    }

    /// `DateTime.Now` (kind Local).
    pub fn now() -> DateTime {
        DateTime::from_chrono_local(&chrono::Local::now())
    }
    /// `DateTime.UtcNow` (kind Utc).
    pub fn utc_now() -> DateTime {
        DateTime::from_chrono_utc(&chrono::Utc::now())
    }
    /// `DateTime.Today`: local midnight (kind Local).
    pub fn today() -> DateTime {
        DateTime::now().date()
    }

    /// From a chrono UTC instant (kind Utc). Clamped to Min/MaxValue.
    pub fn from_chrono_utc(dt: &chrono::DateTime<chrono::Utc>) -> DateTime {
        DateTime::from_naive(&dt.naive_utc(), DateTimeKind::Utc)
    }
    /// From a chrono local time (kind Local, wall-clock ticks).
    pub fn from_chrono_local(dt: &chrono::DateTime<chrono::Local>) -> DateTime {
        DateTime::from_naive(&dt.naive_local(), DateTimeKind::Local)
    }
    /// From a chrono time with a fixed offset: the wall-clock time, kind
    /// Unspecified (what `DateTimeOffset.DateTime` gives).
    pub fn from_chrono_fixed(dt: &chrono::DateTime<chrono::FixedOffset>) -> DateTime {
        DateTime::from_naive(&dt.naive_local(), DateTimeKind::Unspecified)
    }
    /// From a naive date-time with the given kind. Clamped to Min/MaxValue;
    /// sub-tick nanoseconds are truncated.
    pub fn from_naive(n: &NaiveDateTime, kind: DateTimeKind) -> DateTime {
        let days = i64::from(n.date().num_days_from_ce()) - 1;
        let secs = i64::from(n.time().num_seconds_from_midnight());
        let nanos = i64::from(n.time().nanosecond().min(999_999_999));
        let ticks = i128::from(days) * i128::from(TICKS_PER_DAY) + i128::from(secs * TICKS_PER_SECOND + nanos / 100);
        DateTime { ticks: ticks.clamp(0, i128::from(MAX_TICKS)) as i64, kind }
    }
    /// The wall-clock value as a chrono naive date-time (kind dropped).
    pub fn to_naive(self) -> NaiveDateTime {
        let t = self.ticks.clamp(0, MAX_TICKS);
        let days = (t / TICKS_PER_DAY) as i32;
        let rem = t % TICKS_PER_DAY;
        let date = NaiveDate::from_num_days_from_ce_opt(days + 1).unwrap_or(NaiveDate::MIN);
        let secs = (rem / TICKS_PER_SECOND) as u32;
        let nanos = ((rem % TICKS_PER_SECOND) * 100) as u32;
        let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos).unwrap_or(chrono::NaiveTime::MIN);
        date.and_time(time)
    }
    /// The instant in UTC (Unspecified is taken as local, as .NET does).
    pub fn to_chrono_utc(self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.from_utc_datetime(&self.to_universal_time().to_naive())
    }

    /// Ticks clamped to the valid range (the field is public, so guard it).
    fn t(self) -> i64 {
        self.ticks.clamp(0, MAX_TICKS)
    }

    /// `Year`.
    pub fn year(self) -> i32 {
        date_parts(self.ticks).0
    }
    /// `Month`, 1..=12.
    pub fn month(self) -> i32 {
        date_parts(self.ticks).1
    }
    /// `Day`, 1..=31.
    pub fn day(self) -> i32 {
        date_parts(self.ticks).2
    }
    /// (year, month, day) in one computation.
    pub fn ymd(self) -> (i32, i32, i32) {
        let (y, m, d, _) = date_parts(self.ticks);
        (y, m, d)
    }
    /// `DayOfYear`, 1..=366.
    pub fn day_of_year(self) -> i32 {
        date_parts(self.ticks).3
    }
    /// `Hour`, 0..=23.
    pub fn hour(self) -> i32 {
        ((self.t() / TICKS_PER_HOUR) % 24) as i32
    }
    /// `Minute`.
    pub fn minute(self) -> i32 {
        ((self.t() / TICKS_PER_MINUTE) % 60) as i32
    }
    /// `Second`.
    pub fn second(self) -> i32 {
        ((self.t() / TICKS_PER_SECOND) % 60) as i32
    }
    /// `Millisecond`.
    pub fn millisecond(self) -> i32 {
        ((self.t() / TICKS_PER_MILLISECOND) % 1000) as i32
    }
    /// `Ticks`.
    pub fn ticks(self) -> i64 {
        self.ticks
    }
    /// `Kind`.
    pub fn kind(self) -> DateTimeKind {
        self.kind
    }
    /// `DayOfWeek` (0001-01-01 was a Monday).
    pub fn day_of_week(self) -> DayOfWeek {
        DayOfWeek::ALL[((self.t() / TICKS_PER_DAY + 1) % 7) as usize]
    }
    /// `Date`: midnight of the same day, same kind.
    pub fn date(self) -> DateTime {
        DateTime { ticks: self.t() - self.t() % TICKS_PER_DAY, kind: self.kind }
    }
    /// `TimeOfDay`.
    pub fn time_of_day(self) -> TimeSpan {
        TimeSpan::from_ticks(self.t() % TICKS_PER_DAY)
    }
    /// `DateTime.SpecifyKind`.
    pub fn with_kind(self, kind: DateTimeKind) -> DateTime {
        DateTime { kind, ..self }
    }

    /// `AddTicks`.
    pub fn add_ticks(self, value: i64) -> Result<DateTime, DotNetError> {
        let t = self.ticks.checked_add(value).ok_or_else(|| DotNetError::out_of_range(UNREPRESENTABLE, "value"))?;
        Ok(DateTime { ticks: check_ticks(t)?, kind: self.kind })
    }

    // .NET 7+ AddUnits: integral and fractional parts scaled separately, tick precision.
    fn add_units(self, value: f64, max_units: i64, ticks_per_unit: i64) -> Result<DateTime, DotNetError> {
        if value.is_nan() || value.abs() > max_units as f64 {
            return Err(DotNetError::out_of_range(UNREPRESENTABLE, "value"));
        }
        let integral = value.trunc();
        let fraction = value - integral;
        let ticks = (integral as i64) * ticks_per_unit + (fraction * ticks_per_unit as f64) as i64;
        self.add_ticks(ticks)
    }

    /// `AddDays(double)`.
    pub fn add_days(self, value: f64) -> Result<DateTime, DotNetError> {
        self.add_units(value, MAX_TICKS / TICKS_PER_DAY, TICKS_PER_DAY)
    }
    /// `AddHours(double)`.
    pub fn add_hours(self, value: f64) -> Result<DateTime, DotNetError> {
        self.add_units(value, MAX_TICKS / TICKS_PER_HOUR, TICKS_PER_HOUR)
    }
    /// `AddMinutes(double)`.
    pub fn add_minutes(self, value: f64) -> Result<DateTime, DotNetError> {
        self.add_units(value, MAX_TICKS / TICKS_PER_MINUTE, TICKS_PER_MINUTE)
    }
    /// `AddSeconds(double)`.
    pub fn add_seconds(self, value: f64) -> Result<DateTime, DotNetError> {
        self.add_units(value, MAX_TICKS / TICKS_PER_SECOND, TICKS_PER_SECOND)
    }
    /// `AddMilliseconds(double)`.
    pub fn add_milliseconds(self, value: f64) -> Result<DateTime, DotNetError> {
        self.add_units(value, MAX_TICKS / TICKS_PER_MILLISECOND, TICKS_PER_MILLISECOND)
    }
    /// `AddMonths(int)`: the day is clamped to the target month's length
    /// (Jan 31 + 1 month = Feb 28/29).
    pub fn add_months(self, months: i32) -> Result<DateTime, DotNetError> {
        if !(-120_000..=120_000).contains(&months) {
            return Err(DotNetError::out_of_range("Months value must be between +/-120000.", "months"));
        }
        let (y, m, d, _) = date_parts(self.ticks);
        let i = m - 1 + months;
        let (y, m) = if i >= 0 { (y + i / 12, i % 12 + 1) } else { (y - 1 + (i + 1) / 12, 12 + (i + 1) % 12) };
        if !(1..=9999).contains(&y) {
            return Err(DotNetError::out_of_range(
                "The added or subtracted value results in an un-representable DateTime.",
                "months",
            ));
        }
        let d = d.min(days_in_month(y, m)?);
        let days = date_to_days(y, m, d)?;
        Ok(DateTime { ticks: days * TICKS_PER_DAY + self.t() % TICKS_PER_DAY, kind: self.kind })
    }
    /// `AddYears(int)`: Feb 29 + 1 year = Feb 28.
    pub fn add_years(self, years: i32) -> Result<DateTime, DotNetError> {
        if !(-10_000..=10_000).contains(&years) {
            return Err(DotNetError::out_of_range("Years value must be between +/-10000.", "years"));
        }
        self.add_months(years * 12).map_err(|_| {
            DotNetError::out_of_range("The added or subtracted value results in an un-representable DateTime.", "years")
        })
    }
    /// `Add(TimeSpan)` / `DateTime + TimeSpan`.
    pub fn add_span(self, span: TimeSpan) -> Result<DateTime, DotNetError> {
        self.add_ticks(span.ticks).map_err(|_| DotNetError::out_of_range(UNREPRESENTABLE, "t"))
    }
    /// `Subtract(TimeSpan)` / `DateTime - TimeSpan`.
    pub fn sub_span(self, span: TimeSpan) -> Result<DateTime, DotNetError> {
        let t = self
            .ticks
            .checked_sub(span.ticks)
            .filter(|t| (0..=MAX_TICKS).contains(t))
            .ok_or_else(|| DotNetError::out_of_range(UNREPRESENTABLE, "t"))?;
        Ok(DateTime { ticks: t, kind: self.kind })
    }
    /// `Subtract(DateTime)` / `DateTime - DateTime` (kinds are ignored, as in .NET).
    pub fn sub_datetime(self, other: DateTime) -> TimeSpan {
        TimeSpan::from_ticks(self.t() - other.t())
    }

    /// Offset of local time from UTC at this local wall-clock time.
    fn local_offset_for_local(self) -> i64 {
        let naive = self.to_naive();
        let off = match chrono::Local.offset_from_local_datetime(&naive) {
            chrono::LocalResult::Single(o) => o,
            // Ambiguous (fall back): .NET treats it as standard time, the later offset.
            chrono::LocalResult::Ambiguous(a, b) => {
                if a.fix().local_minus_utc() < b.fix().local_minus_utc() {
                    a
                } else {
                    b
                }
            }
            // In a spring-forward gap: use the offset before the gap.
            chrono::LocalResult::None => chrono::Local.offset_from_utc_datetime(&naive),
        };
        i64::from(off.fix().local_minus_utc()) * TICKS_PER_SECOND
    }

    /// Offset of local time from UTC at this UTC instant.
    fn local_offset_for_utc(self) -> i64 {
        let off = chrono::Local.offset_from_utc_datetime(&self.to_naive());
        i64::from(off.fix().local_minus_utc()) * TICKS_PER_SECOND
    }

    /// `ToUniversalTime()`: Local and Unspecified are taken as local time.
    /// The result is clamped to Min/MaxValue, as .NET does.
    pub fn to_universal_time(self) -> DateTime {
        if self.kind == DateTimeKind::Utc {
            return self;
        }
        let t = (self.t() - self.local_offset_for_local()).clamp(0, MAX_TICKS);
        DateTime { ticks: t, kind: DateTimeKind::Utc }
    }
    /// `ToLocalTime()`: Utc and Unspecified are taken as UTC.
    pub fn to_local_time(self) -> DateTime {
        if self.kind == DateTimeKind::Local {
            return self;
        }
        let t = (self.t() + self.local_offset_for_utc()).clamp(0, MAX_TICKS);
        DateTime { ticks: t, kind: DateTimeKind::Local }
    }

    /// Offset from UTC of this value as `zzz`/`K` see it: zero for Utc,
    /// the local offset for Local and Unspecified.
    pub fn utc_offset(self) -> TimeSpan {
        match self.kind {
            DateTimeKind::Utc => TimeSpan::ZERO,
            _ => TimeSpan::from_ticks(self.local_offset_for_local()),
        }
    }

    /// Seconds since the Unix epoch of the wall-clock value (kind ignored),
    /// floor-divided.
    pub fn unix_seconds_wallclock(self) -> i64 {
        (self.t() - UNIX_EPOCH_TICKS).div_euclid(TICKS_PER_SECOND)
    }

    /// `ToFileTime()`: 100 ns intervals since 1601-01-01 UTC of the instant.
    pub fn to_file_time_utc(self) -> i64 {
        self.to_universal_time().ticks - FILE_TIME_EPOCH_TICKS
    }

    /// `DateTime.FromFileTime(t)` (kind Local) / `FromFileTimeUtc` (`utc`).
    pub fn from_file_time(file_time: i64, utc: bool) -> Result<DateTime, DotNetError> {
        let ticks = file_time
            .checked_add(FILE_TIME_EPOCH_TICKS)
            .filter(|t| file_time >= 0 && *t <= MAX_TICKS)
            .ok_or_else(|| DotNetError::out_of_range("Not a valid Win32 FileTime.", "fileTime"))?;
        let u = DateTime { ticks, kind: DateTimeKind::Utc };
        Ok(if utc { u } else { u.to_local_time() })
    }

    /// `DateTimeOffset.ToUnixTimeSeconds()` of this instant (Unspecified
    /// taken as local), floor-divided as .NET does for times before 1970.
    pub fn to_unix_seconds(self) -> i64 {
        (self.to_universal_time().ticks - UNIX_EPOCH_TICKS).div_euclid(TICKS_PER_SECOND)
    }

    /// `DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime` (kind Utc).
    pub fn from_unix_seconds(seconds: i64) -> Result<DateTime, DotNetError> {
        seconds
            .checked_mul(TICKS_PER_SECOND)
            .and_then(|t| t.checked_add(UNIX_EPOCH_TICKS))
            .filter(|t| (0..=MAX_TICKS).contains(t))
            .map(|ticks| DateTime { ticks, kind: DateTimeKind::Utc })
            .ok_or_else(|| {
                DotNetError::out_of_range(
                    "Valid values are between -62135596800 and 253402300799, inclusive.",
                    "seconds",
                )
            })
    }

    /// en-US `ToString()`: `M/d/yyyy h:mm:ss tt`, e.g. `1/5/2021 1:33:09 PM`.
    pub fn to_string_en_us(self) -> String {
        let (y, m, d) = self.ymd();
        let h = self.hour();
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        let tt = if h < 12 { "AM" } else { "PM" };
        format!("{m}/{d}/{y:04} {h12}:{:02}:{:02} {tt}", self.minute(), self.second())
    }
}

impl DateTime {
    /// `DateTime.DaysInMonth(year, month)`.
    pub fn days_in_month(year: i32, month: i32) -> Result<i32, DotNetError> {
        days_in_month(year, month)
    }
    /// `DateTime.IsLeapYear(year)`; .NET rejects years outside 1..=9999.
    pub fn is_leap_year(year: i32) -> Result<bool, DotNetError> {
        if !(1..=9999).contains(&year) {
            return Err(DotNetError::out_of_range("Year must be between 1 and 9999.", "year"));
        }
        Ok(is_leap_year(year))
    }
}

/// `DateTime - DateTime` (kinds ignored, as in .NET).
impl std::ops::Sub for DateTime {
    type Output = TimeSpan;
    fn sub(self, rhs: DateTime) -> TimeSpan {
        self.sub_datetime(rhs)
    }
}

impl fmt::Display for DateTime {
    /// en-US default format (`1/5/2021 1:33:09 PM`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string_en_us())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn dt(y: i32, mo: i32, d: i32, h: i32, mi: i32, s: i32) -> DateTime {
        DateTime::new(y, mo, d, h, mi, s, 0, DateTimeKind::Unspecified).unwrap()
    }

    #[test]
    fn ticks_match_dotnet() {
        // new DateTime(2000,1,1).Ticks == 630822816000000000 (documented in DateTime.Ticks examples)
        assert_eq!(DateTime::from_ymd(2000, 1, 1).unwrap().ticks, 630_822_816_000_000_000);
        assert_eq!(DateTime::from_ymd(1970, 1, 1).unwrap().ticks, UNIX_EPOCH_TICKS);
        assert_eq!(
            DateTime::new(9999, 12, 31, 23, 59, 59, 999, DateTimeKind::Unspecified).unwrap().ticks,
            MAX_TICKS - 9_999
        );
    }

    #[test]
    fn components_round_trip_every_day_sampled() {
        // Walk days across leap rules (1600, 1900, 2000, 2100) and compare with chrono.
        let mut t = 0i64;
        while t <= MAX_TICKS {
            let d = DateTime::from_ticks(t, DateTimeKind::Utc).unwrap();
            let n = d.to_naive();
            assert_eq!(d.year(), n.year());
            assert_eq!(d.month() as u32, n.month());
            assert_eq!(d.day() as u32, n.day());
            assert_eq!(d.day_of_year() as u32, n.ordinal());
            assert_eq!(d.day_of_week().value() as u32, n.weekday().num_days_from_sunday());
            let back = DateTime::from_ymd(d.year(), d.month(), d.day()).unwrap();
            assert_eq!(back.ticks, t);
            t += TICKS_PER_DAY * 13 + TICKS_PER_HOUR;
            t -= t % TICKS_PER_DAY;
        }
    }

    #[test]
    fn parts_and_day_of_week() {
        let d = DateTime::new(2021, 1, 5, 13, 33, 9, 250, DateTimeKind::Local).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2021, 1, 5));
        assert_eq!((d.hour(), d.minute(), d.second(), d.millisecond()), (13, 33, 9, 250));
        assert_eq!(d.day_of_week(), DayOfWeek::Tuesday);
        assert_eq!(d.day_of_year(), 5);
        assert_eq!(d.date().to_string(), "1/5/2021 12:00:00 AM");
        assert_eq!(d.date().kind, DateTimeKind::Local);
        assert_eq!(d.time_of_day().to_string(), "13:33:09.2500000");
        assert_eq!(d.to_string(), "1/5/2021 1:33:09 PM");
        assert_eq!(dt(2024, 12, 31, 0, 0, 0).day_of_year(), 366);
    }

    #[test]
    fn add_months_clamps_day() {
        // DateTime.AddMonths docs: day clamped to last valid day of the resulting month.
        let jan31 = dt(2024, 1, 31, 10, 0, 0);
        assert_eq!(jan31.add_months(1).unwrap().ymd(), (2024, 2, 29));
        assert_eq!(jan31.add_months(-2).unwrap().ymd(), (2023, 11, 30));
        assert_eq!(jan31.add_months(-13).unwrap().ymd(), (2022, 12, 31));
        assert_eq!(jan31.add_months(1).unwrap().hour(), 10);
        assert_eq!(dt(2024, 2, 29, 0, 0, 0).add_years(1).unwrap().ymd(), (2025, 2, 28));
        assert_eq!(dt(2024, 3, 15, 0, 0, 0).add_months(-3).unwrap().ymd(), (2023, 12, 15));
        assert_eq!(dt(2024, 12, 15, 0, 0, 0).add_months(-12).unwrap().ymd(), (2023, 12, 15));
        assert_eq!(dt(2024, 12, 15, 0, 0, 0).add_months(1).unwrap().ymd(), (2025, 1, 15));
        assert!(dt(9999, 12, 1, 0, 0, 0).add_months(1).is_err());
    }

    #[test]
    fn add_fractional_units() {
        let d = dt(2021, 1, 1, 0, 0, 0);
        assert_eq!(d.add_days(1.5).unwrap().to_string(), "1/2/2021 12:00:00 PM");
        assert_eq!(d.add_hours(-1.0).unwrap().to_string(), "12/31/2020 11:00:00 PM");
        assert_eq!(d.add_minutes(90.0).unwrap().to_string(), "1/1/2021 1:30:00 AM");
        assert_eq!(d.add_seconds(0.5).unwrap().millisecond(), 500);
        assert_eq!(d.add_milliseconds(0.25).unwrap().ticks - d.ticks, 2_500);
        let e = DateTime::MAX_VALUE.add_days(1.0).unwrap_err();
        assert_eq!(
            e.message,
            "The added or subtracted value results in an un-representable DateTime. (Parameter 'value')"
        );
        assert!(DateTime::MIN_VALUE.add_ticks(-1).is_err());
        assert!(d.add_days(f64::NAN).is_err());
    }

    #[test]
    fn subtraction_and_comparison() {
        let a = dt(2021, 3, 1, 0, 0, 0);
        let b = dt(2021, 2, 1, 12, 0, 0);
        assert_eq!(a.sub_datetime(b).to_string(), "27.12:00:00");
        assert_eq!((a - b).total_hours(), 660.0);
        assert_eq!(DateTime::days_in_month(2024, 2).unwrap(), 29);
        assert!(DateTime::is_leap_year(2000).unwrap());
        assert!(DateTime::is_leap_year(0).is_err());
        assert_eq!(b.sub_datetime(a).total_days(), -27.5);
        assert!(b < a);
        let span = TimeSpan::from_hours(36.0).unwrap();
        assert_eq!(b.add_span(span).unwrap().ymd(), (2021, 2, 3));
        assert_eq!(a.sub_span(span).unwrap().to_string(), "2/27/2021 12:00:00 PM");
        // Kind is ignored by equality, as in .NET.
        assert_eq!(a, a.with_kind(DateTimeKind::Utc));
    }

    #[test]
    fn validation_messages() {
        assert_eq!(
            DateTime::from_ymd(2021, 2, 29).unwrap_err().message,
            "Year, Month, and Day parameters describe an un-representable DateTime."
        );
        assert_eq!(
            days_in_month(2021, 13).unwrap_err().message,
            "Month must be between one and twelve. (Parameter 'month')"
        );
        assert_eq!(days_in_month(2000, 2).unwrap(), 29);
        assert_eq!(days_in_month(1900, 2).unwrap(), 28);
        assert!(is_leap_year(2024) && !is_leap_year(2100));
    }

    #[test]
    fn chrono_conversion() {
        let u = chrono::Utc.with_ymd_and_hms(2021, 5, 6, 14, 30, 0).unwrap();
        let d = DateTime::from_chrono_utc(&u);
        assert_eq!(d.kind, DateTimeKind::Utc);
        assert_eq!(d.to_string(), "5/6/2021 2:30:00 PM");
        assert_eq!(d.to_chrono_utc(), u);
        assert_eq!(d.unix_seconds_wallclock(), u.timestamp());
        assert_eq!(d.to_universal_time(), d);
        // Round trip through local time whatever TZ is.
        assert_eq!(d.to_local_time().to_universal_time(), d);
        assert_eq!(d.to_local_time().kind, DateTimeKind::Local);
    }

    #[test]
    fn invalid_public_fields_do_not_panic() {
        for ticks in [-1, i64::MIN, MAX_TICKS + 1, i64::MAX] {
            let d = DateTime { ticks, kind: DateTimeKind::Utc };
            let _ = (d.year(), d.month(), d.day(), d.day_of_year(), d.day_of_week(), d.to_naive());
            let _ = d.to_string();
            let _ = crate::runtime::dotnet::format_datetime(d, "o");
            let _ = crate::runtime::dotnet::uformat(d, "%c %V %s");
        }
    }

    #[test]
    fn unix_and_file_times() {
        let d = DateTime::from_unix_seconds(1_600_000_000).unwrap();
        assert_eq!(d.to_string(), "9/13/2020 12:26:40 PM");
        assert_eq!(d.to_unix_seconds(), 1_600_000_000);
        assert_eq!(DateTime::from_unix_seconds(-1).unwrap().to_unix_seconds(), -1);
        assert!(DateTime::from_unix_seconds(253_402_300_800).is_err());
        // FromFileTimeUtc docs: 0 is 1601-01-01.
        let f = DateTime::from_file_time(0, true).unwrap();
        assert_eq!(f.ymd(), (1601, 1, 1));
        assert_eq!(d.to_file_time_utc(), 132_444_736_000_000_000);
        assert_eq!(DateTime::from_file_time(d.to_file_time_utc(), true).unwrap(), d);
        assert!(DateTime::from_file_time(-1, true).is_err());
    }

    #[test]
    fn now_is_sane() {
        let n = DateTime::utc_now();
        assert!(n.year() >= 2024);
        assert_eq!(n.kind, DateTimeKind::Utc);
        assert_eq!(DateTime::today().kind, DateTimeKind::Local);
        assert_eq!(DateTime::today().time_of_day(), TimeSpan::ZERO);
    }
}
