//! DateTime parsing: `DateTime.Parse` with the invariant culture (what
//! PowerShell's `[datetime]"..."` cast and parameter binding use), en-US
//! `Parse` (`[DateTime]::Parse`), and `ParseExact` with custom or standard
//! formats.
//!
//! Spec: <https://learn.microsoft.com/dotnet/api/system.datetime.parse>
//! ("If s contains time zone information, this method returns a DateTime
//! whose Kind property is DateTimeKind.Local and converts the date and time
//! in s to local time"; a time without a date gets today's date; two-digit
//! years use the calendar's TwoDigitYearMax 2049) and
//! <https://learn.microsoft.com/dotnet/api/system.datetime.parseexact>.
//! The tolerant `Parse` grammar covers the forms scripts use: ISO 8601
//! (`2021-05-06`, `2021-05-06T14:30:00.5Z`, `+02:00` offsets), `M/d/yyyy`,
//! `M-d-yy`, month names (`Jan 1, 2020`, `1 January 1970`, `Wednesday,
//! January 1, 2020`), times with `AM`/`PM` (`9:00PM`, `9 PM`) and `GMT`/`UTC`.

use super::datetime::{DateTime, DateTimeKind, days_in_month};
use super::dtformat::{DAY_ABBREVS, DAY_NAMES, MONTH_ABBREVS, MONTH_NAMES};
use super::timespan::{TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND};
use super::{DotNetError, ExceptionKind};

/// `String 's' was not recognized as a valid DateTime.`
pub fn not_recognized(s: &str) -> DotNetError {
    DotNetError::new(ExceptionKind::Format, format!("String '{s}' was not recognized as a valid DateTime."))
}

/// Two-digit years: 00..=49 are 2000s, 50..=99 are 1900s (TwoDigitYearMax 2049).
fn expand_two_digit_year(y: i32) -> i32 {
    if y < 50 { 2000 + y } else { 1900 + y }
}

fn month_from_name(w: &str) -> Option<i32> {
    let w = w.to_ascii_lowercase();
    MONTH_NAMES
        .iter()
        .position(|m| m.eq_ignore_ascii_case(&w))
        .or_else(|| MONTH_ABBREVS.iter().position(|m| m.eq_ignore_ascii_case(&w)))
        .or_else(|| (w == "sept").then_some(8))
        .map(|i| i as i32 + 1)
}

fn is_day_name(w: &str) -> bool {
    DAY_NAMES.iter().any(|d| d.eq_ignore_ascii_case(w)) || DAY_ABBREVS.iter().any(|d| d.eq_ignore_ascii_case(w))
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Value and digit count.
    Num(i64, usize),
    Word(String),
    Sep(char),
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let digits = text.len();
            // Keep at most 18 digits of value; longer runs are fractions.
            let v: i64 = text.get(..digits.min(18))?.parse().ok()?;
            toks.push(Tok::Num(v, digits));
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            toks.push(Tok::Word(chars[start..i].iter().collect::<String>().to_lowercase()));
            // "Jan." abbreviation dot.
            if i < chars.len() && chars[i] == '.' {
                i += 1;
            }
        } else if c.is_whitespace() {
            if toks.last() != Some(&Tok::Sep(' ')) {
                toks.push(Tok::Sep(' '));
            }
            i += 1;
        } else {
            toks.push(Tok::Sep(c));
            i += 1;
        }
    }
    Some(toks)
}

#[derive(Default)]
struct Parsed {
    year: Option<i32>,
    month: Option<i32>,
    day: Option<i32>,
    hour: Option<i32>,
    minute: i32,
    second: i32,
    frac_ticks: i64,
    pm: Option<bool>,
    /// Offset from UTC in ticks when the text carried a zone.
    offset: Option<i64>,
}

impl Parsed {
    /// Build the DateTime: defaults for missing date parts, AM/PM, zone.
    fn finish(self, today: DateTime) -> Option<DateTime> {
        let (ty, tm, td) = today.ymd();
        let (year, month, day) = match (self.year, self.month, self.day) {
            (None, None, None) => (ty, tm, td),
            (Some(y), None, None) => (y, 1, 1),
            (y, m, d) => (y.unwrap_or(ty), m.unwrap_or(1), d.unwrap_or(1)),
        };
        let mut hour = self.hour.unwrap_or(0);
        if let Some(pm) = self.pm {
            if !(0..=12).contains(&hour) {
                return None;
            }
            if hour == 12 {
                hour = 0;
            }
            if pm {
                hour += 12;
            }
        }
        if !(0..24).contains(&hour) || !(0..60).contains(&self.minute) || !(0..60).contains(&self.second) {
            return None;
        }
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month).ok()? {
            return None;
        }
        let base = DateTime::from_ymd(year, month, day).ok()?;
        let ticks = base.ticks
            + i64::from(hour) * TICKS_PER_HOUR
            + i64::from(self.minute) * TICKS_PER_MINUTE
            + i64::from(self.second) * TICKS_PER_SECOND
            + self.frac_ticks;
        match self.offset {
            None => DateTime::from_ticks(ticks, DateTimeKind::Unspecified).ok(),
            Some(off) => {
                let utc = DateTime::from_ticks(ticks - off, DateTimeKind::Utc).ok()?;
                Some(utc.to_local_time())
            }
        }
    }
}

/// Ticks of a fraction given its digits (first 7 count).
fn frac_to_ticks(v: i64, digits: usize) -> i64 {
    if digits == 0 {
        return 0;
    }
    let s = format!("{v:0digits$}");
    let mut t: i64 = 0;
    for (i, c) in s.chars().take(7).enumerate() {
        t += i64::from(c.to_digit(10).unwrap_or(0)) * 10i64.pow(6 - i as u32);
    }
    t
}

fn parse_loose(s: &str, today: DateTime) -> Option<DateTime> {
    let toks = tokenize(s.trim())?;
    let mut p = Parsed::default();
    let mut nums: Vec<(i64, usize)> = Vec::new();
    let mut month_name: Option<i32> = None;
    let mut i = 0;
    let at = |i: usize| toks.get(i);
    while i < toks.len() {
        match &toks[i] {
            Tok::Num(v, d) => {
                let (v, d) = (*v, *d);
                // A time: h:m[:s[.f]]
                if at(i + 1) == Some(&Tok::Sep(':')) && p.hour.is_none() {
                    let Some(Tok::Num(m, _)) = at(i + 2) else {
                        return None;
                    };
                    p.hour = Some(i32::try_from(v).ok()?);
                    p.minute = i32::try_from(*m).ok()?;
                    i += 3;
                    if at(i) == Some(&Tok::Sep(':')) {
                        let Some(Tok::Num(sec, _)) = at(i + 1) else {
                            return None;
                        };
                        p.second = i32::try_from(*sec).ok()?;
                        i += 2;
                        if matches!(at(i), Some(Tok::Sep('.')) | Some(Tok::Sep(',')))
                            && let Some(Tok::Num(f, fd)) = at(i + 1)
                        {
                            p.frac_ticks = frac_to_ticks(*f, *fd);
                            i += 2;
                        }
                    }
                    continue;
                }
                // "9 PM" / "9PM"
                let next_word = match (at(i + 1), at(i + 2)) {
                    (Some(Tok::Word(w)), _) => Some(w.as_str()),
                    (Some(Tok::Sep(' ')), Some(Tok::Word(w))) => Some(w.as_str()),
                    _ => None,
                };
                if p.hour.is_none() && matches!(next_word, Some("am" | "pm" | "a" | "p")) {
                    p.hour = Some(i32::try_from(v).ok()?);
                    i += 1;
                    continue;
                }
                nums.push((v, d));
                i += 1;
            }
            Tok::Word(w) => {
                match w.as_str() {
                    "am" | "a" => p.pm = Some(false),
                    "pm" | "p" => p.pm = Some(true),
                    "t" => {}
                    "z" | "gmt" | "utc" => {
                        p.offset = Some(0);
                    }
                    _ => {
                        if let Some(m) = month_from_name(w) {
                            if month_name.is_some() {
                                return None;
                            }
                            month_name = Some(m);
                        } else if !is_day_name(w) {
                            return None;
                        }
                    }
                }
                i += 1;
            }
            Tok::Sep(c @ ('+' | '-')) if p.hour.is_some() || p.offset == Some(0) => {
                // Offset: +hh:mm, +hhmm, +hh
                let sign = if *c == '-' { -1 } else { 1 };
                let Some(Tok::Num(a, ad)) = at(i + 1) else {
                    return None;
                };
                let (h, m, used) = if at(i + 2) == Some(&Tok::Sep(':')) {
                    let Some(Tok::Num(b, _)) = at(i + 3) else {
                        return None;
                    };
                    (*a, *b, 4)
                } else if *ad == 4 {
                    (*a / 100, *a % 100, 2)
                } else if *ad <= 2 {
                    (*a, 0, 2)
                } else {
                    return None;
                };
                if h > 14 || m > 59 {
                    return None;
                }
                p.offset = Some(sign * (h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE));
                i += used;
            }
            Tok::Sep(' ' | ',' | '/' | '-' | '.') => i += 1,
            Tok::Sep(_) => return None,
        }
    }
    let year_like = |(v, d): (i64, usize)| d >= 3 || v > 31;
    let year_of = |(v, d): (i64, usize)| -> Option<i32> {
        let y = i32::try_from(v).ok()?;
        Some(if d <= 2 { expand_two_digit_year(y) } else { y })
    };
    let small = |v: i64| i32::try_from(v).ok();
    match (month_name, nums.as_slice()) {
        (Some(m), []) => {
            p.month = Some(m);
        }
        (Some(m), [a]) => {
            p.month = Some(m);
            if year_like(*a) {
                p.year = Some(year_of(*a)?);
            } else {
                p.day = Some(small(a.0)?);
            }
        }
        (Some(m), [a, b]) => {
            p.month = Some(m);
            if year_like(*a) {
                p.year = Some(year_of(*a)?);
                p.day = Some(small(b.0)?);
            } else {
                p.day = Some(small(a.0)?);
                p.year = Some(year_of(*b)?);
            }
        }
        (None, []) => {
            p.hour?;
        }
        (None, [a, b]) => {
            if year_like(*a) {
                p.year = Some(year_of(*a)?);
                p.month = Some(small(b.0)?);
            } else if b.1 >= 3 {
                p.month = Some(small(a.0)?);
                p.year = Some(year_of(*b)?);
            } else {
                p.month = Some(small(a.0)?);
                p.day = Some(small(b.0)?);
            }
        }
        (None, [a, b, c]) => {
            if year_like(*a) {
                p.year = Some(year_of(*a)?);
                p.month = Some(small(b.0)?);
                p.day = Some(small(c.0)?);
            } else {
                p.month = Some(small(a.0)?);
                p.day = Some(small(b.0)?);
                p.year = Some(year_of(*c)?);
            }
        }
        _ => return None,
    }
    p.finish(today)
}

impl DateTime {
    /// `DateTime.Parse(s, CultureInfo.InvariantCulture)`, as PowerShell's
    /// `[datetime]"..."` cast does. Texts with a zone (`Z`, `GMT`, `+02:00`)
    /// come back converted to local time with kind Local.
    pub fn parse_invariant(s: &str) -> Result<DateTime, DotNetError> {
        parse_loose(s, DateTime::today()).ok_or_else(|| not_recognized(s))
    }

    /// `DateTime.Parse(s)` with culture en-US (`[DateTime]::Parse`). en-US and
    /// the invariant culture share month/day names and the M/d/y order.
    pub fn parse_en_us(s: &str) -> Result<DateTime, DotNetError> {
        Self::parse_invariant(s)
    }

    /// `DateTime.ParseExact(s, format, en-US)`: `format` is a custom format
    /// (`yyyy-MM-dd HH:mm`) or a one-letter standard one (`d`, `o`, `s` ...).
    pub fn parse_exact(s: &str, format: &str) -> Result<DateTime, DotNetError> {
        parse_exact_at(s, format, DateTime::today())
    }
}

/// ParseExact with an explicit "today" (for missing date parts).
pub fn parse_exact_at(s: &str, format: &str, today: DateTime) -> Result<DateTime, DotNetError> {
    if format.is_empty() {
        return Err(DotNetError::new(ExceptionKind::Format, "Format specifier was invalid."));
    }
    let mut fc = format.chars();
    let expanded;
    let format = if let (Some(c), None) = (fc.next(), fc.next()) {
        expanded = match c {
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
            _ => {
                return Err(DotNetError::new(ExceptionKind::Format, "Format specifier was invalid."));
            }
        };
        expanded
    } else {
        format
    };
    exact(s, format, today).ok_or_else(|| not_recognized(s))
}

fn exact(s: &str, format: &str, today: DateTime) -> Option<DateTime> {
    let f: Vec<char> = format.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let mut p = Parsed::default();
    let mut hour12: Option<i32> = None;
    let (mut i, mut j) = (0usize, 0usize);
    // Read between min and max digits.
    let digits = |j: &mut usize, min: usize, max: usize| -> Option<i64> {
        let start = *j;
        while *j < t.len() && *j - start < max && t[*j].is_ascii_digit() {
            *j += 1;
        }
        if *j - start < min {
            return None;
        }
        t[start..*j].iter().collect::<String>().parse().ok()
    };
    let word = |j: &mut usize, names: &[&str]| -> Option<usize> {
        // Longest match first (full names before abbreviations).
        let rest: String = t[*j..].iter().collect();
        let mut best: Option<(usize, usize)> = None;
        for (k, n) in names.iter().enumerate() {
            if rest.len() >= n.len()
                && rest.is_char_boundary(n.len())
                && rest[..n.len()].eq_ignore_ascii_case(n)
                && best.is_none_or(|(_, l)| n.len() > l)
            {
                best = Some((k, n.len()));
            }
        }
        let (k, l) = best?;
        *j += l;
        Some(k)
    };
    while i < f.len() {
        let c = f[i];
        let n = f[i..].iter().take_while(|&&x| x == c).count();
        match c {
            'd' | 'M' | 'y' | 'h' | 'H' | 'm' | 's' | 'f' | 'F' | 't' | 'z' => {}
            '\'' | '"' => {
                let mut k = i + 1;
                while k < f.len() && f[k] != c {
                    let lit = if f[k] == '\\' && k + 1 < f.len() {
                        k += 1;
                        f[k]
                    } else {
                        f[k]
                    };
                    if t.get(j) != Some(&lit) {
                        return None;
                    }
                    j += 1;
                    k += 1;
                }
                if k >= f.len() {
                    return None;
                }
                i = k + 1;
                continue;
            }
            '\\' => {
                let lit = *f.get(i + 1)?;
                if t.get(j) != Some(&lit) {
                    return None;
                }
                j += 1;
                i += 2;
                continue;
            }
            '%' => {
                i += 1;
                continue;
            }
            'K' => {
                if t.get(j) == Some(&'Z') {
                    p.offset = Some(0);
                    j += 1;
                } else if matches!(t.get(j), Some('+' | '-')) {
                    p.offset = Some(read_offset(&t, &mut j, 3)?);
                }
                i += 1;
                continue;
            }
            _ => {
                if t.get(j) != Some(&c) {
                    // ".FFF": the point is optional with the fraction.
                    if c == '.' && f.get(i + 1) == Some(&'F') {
                        i += 1;
                        i += f[i..].iter().take_while(|&&x| x == 'F').count();
                        continue;
                    }
                    return None;
                }
                j += 1;
                i += 1;
                continue;
            }
        }
        match c {
            'd' => match n {
                1 | 2 => p.day = Some(digits(&mut j, n, 2)? as i32),
                3 => {
                    word(&mut j, &DAY_ABBREVS)?;
                }
                _ => {
                    word(&mut j, &DAY_NAMES)?;
                }
            },
            'M' => match n {
                1 | 2 => p.month = Some(digits(&mut j, n, 2)? as i32),
                3 => p.month = Some(word(&mut j, &MONTH_ABBREVS)? as i32 + 1),
                _ => p.month = Some(word(&mut j, &MONTH_NAMES)? as i32 + 1),
            },
            'y' => {
                if n <= 2 {
                    let y = digits(&mut j, n, 2)? as i32;
                    p.year = Some(expand_two_digit_year(y));
                } else {
                    p.year = Some(digits(&mut j, n, n.max(4))? as i32);
                }
            }
            'h' => hour12 = Some(digits(&mut j, n.min(2), 2)? as i32),
            'H' => p.hour = Some(digits(&mut j, n.min(2), 2)? as i32),
            'm' => p.minute = digits(&mut j, n.min(2), 2)? as i32,
            's' => p.second = digits(&mut j, n.min(2), 2)? as i32,
            'f' | 'F' => {
                if n > 7 {
                    return None;
                }
                let start = j;
                let min = if c == 'f' { n } else { 0 };
                let v =
                    if min == 0 && !t.get(j).is_some_and(char::is_ascii_digit) { 0 } else { digits(&mut j, min, n)? };
                p.frac_ticks = frac_to_ticks(v, j - start);
            }
            't' => {
                let rest: String = t[j..].iter().take(2).collect::<String>().to_ascii_uppercase();
                if n >= 2 && (rest == "AM" || rest == "PM") {
                    p.pm = Some(rest == "PM");
                    j += 2;
                } else if rest.starts_with('A') || rest.starts_with('P') {
                    p.pm = Some(rest.starts_with('P'));
                    j += 1;
                } else {
                    return None;
                }
            }
            'z' => p.offset = Some(read_offset(&t, &mut j, n)?),
            _ => {}
        }
        i += n;
    }
    if j != t.len() {
        return None;
    }
    if let Some(h) = hour12 {
        p.hour = Some(h);
        if p.pm.is_none() {
            // 'h' without 't' is a 12-hour clock read as AM.
            p.pm = Some(false);
        }
    } else if p.hour.is_some() && p.pm.is_some() {
        // H with tt: .NET checks consistency; accept as 24-hour.
        p.pm = None;
    }
    p.finish(today)
}

fn read_offset(t: &[char], j: &mut usize, n: usize) -> Option<i64> {
    let sign = match t.get(*j)? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    *j += 1;
    let num = |j: &mut usize, min: usize, max: usize| -> Option<i64> {
        let start = *j;
        while *j < t.len() && *j - start < max && t[*j].is_ascii_digit() {
            *j += 1;
        }
        if *j - start < min {
            return None;
        }
        t[start..*j].iter().collect::<String>().parse().ok()
    };
    let h = num(j, if n == 1 { 1 } else { 2 }, 2)?;
    let mut m = 0;
    if n >= 3 {
        if t.get(*j) != Some(&':') {
            return None;
        }
        *j += 1;
        m = num(j, 2, 2)?;
    }
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn today() -> DateTime {
        DateTime::from_ymd(2026, 3, 4).unwrap()
    }
    fn p(s: &str) -> String {
        let d = parse_loose(s, today()).unwrap_or_else(|| panic!("{s}"));
        format!("{} {:?}", d.to_naive().format("%Y-%m-%d %H:%M:%S%.f"), d.kind)
    }

    #[test]
    fn parse_forms_scripts_use() {
        assert_eq!(p("2021-05-06"), "2021-05-06 00:00:00 Unspecified");
        assert_eq!(p("05/06/2021"), "2021-05-06 00:00:00 Unspecified");
        assert_eq!(p("7/30/2020 9:00PM"), "2020-07-30 21:00:00 Unspecified");
        assert_eq!(p("7/30/2020 9 PM"), "2020-07-30 21:00:00 Unspecified");
        assert_eq!(p("12/1/2020 12:15 AM"), "2020-12-01 00:15:00 Unspecified");
        // Conformance date-001, date-006, conv-002, date-004, date-008, date-002.
        assert_eq!(p("Jan 1, 2020"), "2020-01-01 00:00:00 Unspecified");
        assert_eq!(p("1 Jan 1970"), "1970-01-01 00:00:00 Unspecified");
        assert_eq!(p("09/12/91"), "1991-09-12 00:00:00 Unspecified");
        assert_eq!(p("2030-4-5 1:2:3.09"), "2030-04-05 01:02:03.090 Unspecified");
        assert_eq!(p("2021-11-10 14:05"), "2021-11-10 14:05:00 Unspecified");
        assert_eq!(p("0030-01-01T01:02:03.0004"), "0030-01-01 01:02:03.000400 Unspecified");
        assert_eq!(p("Wednesday, January 1, 2020"), "2020-01-01 00:00:00 Unspecified");
        assert_eq!(p("January 2020"), "2020-01-01 00:00:00 Unspecified");
        assert_eq!(p("June 15"), "2026-06-15 00:00:00 Unspecified");
        assert_eq!(p("14:30"), "2026-03-04 14:30:00 Unspecified");
        assert_eq!(p("3/4/25"), "2025-03-04 00:00:00 Unspecified");
        assert_eq!(p("Mon, 15 Jun 2009 13:45:30 GMT").split(' ').next_back().unwrap(), "Local");
    }

    #[test]
    fn zones_convert_to_local() {
        // Compare through UTC so the test holds in any TZ.
        let d = parse_loose("2021-05-06 14:30:00z", today()).unwrap();
        assert_eq!(d.kind, DateTimeKind::Local);
        assert_eq!(d.to_universal_time().to_naive().to_string(), "2021-05-06 14:30:00");
        let d = parse_loose("2021-05-06T14:30:00+02:00", today()).unwrap();
        assert_eq!(d.to_universal_time().to_naive().to_string(), "2021-05-06 12:30:00");
        let d = parse_loose("2021-05-06T14:30:00.5-0530", today()).unwrap();
        assert_eq!(d.to_universal_time().to_naive().to_string(), "2021-05-06 20:00:00.500");
    }

    #[test]
    fn parse_rejects() {
        for bad in ["", "garbage", "2021", "13/13/2021", "2/30/2021", "25:00", "1/2/3/4", "10:61"] {
            assert!(parse_loose(bad, today()).is_none(), "{bad}");
        }
        assert_eq!(
            DateTime::parse_invariant("garbage").unwrap_err().message,
            "String 'garbage' was not recognized as a valid DateTime."
        );
    }

    #[test]
    fn parse_exact_formats() {
        let e = |s: &str, f: &str| {
            parse_exact_at(s, f, today()).map(|d| d.to_naive().format("%Y-%m-%d %H:%M:%S%.f").to_string())
        };
        assert_eq!(e("2021-05-06", "yyyy-MM-dd").unwrap(), "2021-05-06 00:00:00");
        assert_eq!(e("06/05/2021 14:30", "dd/MM/yyyy HH:mm").unwrap(), "2021-05-06 14:30:00");
        assert_eq!(e("20210506T143000", "yyyyMMddTHHmmss").unwrap(), "2021-05-06 14:30:00");
        assert_eq!(e("6 May 21 9:05 PM", "d MMM yy h:mm tt").unwrap(), "2021-05-06 21:05:00");
        assert_eq!(e("Thursday, May 6, 2021", "D").unwrap(), "2021-05-06 00:00:00");
        assert_eq!(e("5/6/2021", "d").unwrap(), "2021-05-06 00:00:00");
        assert_eq!(e("2021-05-06T14:30:00", "s").unwrap(), "2021-05-06 14:30:00");
        assert_eq!(e("14:30:00.123", "HH:mm:ss.fff").unwrap(), "2026-03-04 14:30:00.123");
        assert_eq!(e("14:30:00", "HH:mm:ss.FFF").unwrap(), "2026-03-04 14:30:00");
        assert_eq!(e("14:30:00.", "HH:mm:ss.FFF").unwrap(), "2026-03-04 14:30:00");
        assert_eq!(e("05-06", "MM-dd").unwrap(), "2026-05-06 00:00:00");
        assert_eq!(e("2021 x", "yyyy 'x'").unwrap(), "2021-01-01 00:00:00");
        assert!(e("2021-5-06", "yyyy-MM-dd").is_err());
        assert!(e("2021-05-06 ", "yyyy-MM-dd").is_err());
        assert!(e("2021-02-30", "yyyy-MM-dd").is_err());
        assert_eq!(
            parse_exact_at("x", "yyyy", today()).unwrap_err().message,
            "String 'x' was not recognized as a valid DateTime."
        );
        let z = parse_exact_at("2021-05-06 14:30 +02:00", "yyyy-MM-dd HH:mm zzz", today()).unwrap();
        assert_eq!(z.kind, DateTimeKind::Local);
        assert_eq!(z.to_universal_time().to_naive().to_string(), "2021-05-06 12:30:00");
        let o = parse_exact_at("2021-05-06T14:30:00.0000000Z", "o", today()).unwrap();
        assert_eq!(o.to_universal_time().to_naive().to_string(), "2021-05-06 14:30:00");
    }
}
