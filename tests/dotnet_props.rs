//! Property tests for the .NET text semantics library: nothing panics on
//! arbitrary user input, and the round-trip laws .NET documents hold.
#![allow(clippy::unwrap_used)]

use exosh::runtime::dotnet::composite::FormatArg;
use exosh::runtime::dotnet::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    // "R" is documented to round-trip (standard-numeric-format-strings.md).
    #[test]
    fn roundtrip_format_parses_back(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let s = format_number(Numeric::Double(x), "R").unwrap();
        prop_assert_eq!(parse_double(&s).unwrap(), x);
    }

    // PowerShell's G15 string has at most 15 significant digits and is within
    // 15-digit rounding of the value.
    #[test]
    fn g15_is_close(x in -1e300f64..1e300) {
        let s = double_to_string(x);
        let back = parse_double(&s).unwrap();
        prop_assert!((back - x).abs() <= x.abs() * 1e-14, "{} -> {}", x, s);
        let digits = s.split(['E', 'e']).next().unwrap().chars().filter(|c| c.is_ascii_digit()).count();
        prop_assert!(digits <= 16, "{}", s); // 15 significant plus a leading 0 of "0.x"
    }

    // "N0" of an integer is its digits grouped by three.
    #[test]
    fn n0_groups_integers(x in any::<i64>()) {
        let s = format_number(Numeric::Signed(i128::from(x), 64), "N0").unwrap();
        prop_assert_eq!(s.replace(',', ""), x.to_string());
    }

    #[test]
    fn custom_numeric_formats_never_panic(fmt in "[0#.,%;E+\\-'\"\\\\ a-z]{0,16}", x in any::<f64>(), i in any::<i64>()) {
        let _ = format_number(Numeric::Double(x), &fmt);
        let _ = format_number(Numeric::Signed(i128::from(i), 64), &fmt);
        let _ = format_number(Numeric::Decimal(Decimal { mantissa: i128::from(i), scale: 3 }), &fmt);
    }

    #[test]
    fn composite_never_panics(fmt in "[{}0-9,:\\- a-zA-Z#.]{0,24}", n in any::<i64>()) {
        let _ = composite_format(&fmt, &[FormatArg::Int(n), FormatArg::Str("s"), FormatArg::Double(n as f64)]);
    }

    #[test]
    fn datetime_formats_never_panic(fmt in "[dMyhHmsfFtzKg:/'\"\\\\% .,T-]{0,20}", ticks in 0i64..=3_155_378_975_999_999_999) {
        let d = DateTime::from_ticks(ticks, DateTimeKind::Utc).unwrap();
        let _ = format_datetime(d, &fmt);
        let _ = uformat(d, &fmt);
        let _ = format_timespan(TimeSpan::from_ticks(ticks), &fmt);
    }

    // "o" output parses back to the same instant (how-to-round-trip-date-and-time-values.md).
    #[test]
    fn roundtrip_o_format(ticks in 0i64..=3_155_378_975_999_999_999) {
        let d = DateTime::from_ticks(ticks, DateTimeKind::Unspecified).unwrap();
        let s = format_datetime(d, "o").unwrap();
        prop_assert_eq!(DateTime::parse_exact(&s, "o").unwrap().ticks, ticks);
        prop_assert_eq!(DateTime::parse_invariant(&s).unwrap().ticks, ticks);
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,30}") {
        let _ = DateTime::parse_invariant(&s);
        let _ = DateTime::parse_exact(&s, "yyyy-MM-dd HH:mm:ss.FFF zzz");
        let _ = TimeSpan::parse(&s);
        let _ = parse_double(&s);
        let _ = parse_integer(&s, IntType::Int32);
    }

    #[test]
    fn regex_translation_never_panics(p in "[()\\[\\]{}?*+|^$.\\\\<>'=!:#a-dkPpnNZz0-9 -]{0,20}") {
        if let Ok(re) = DotNetRegex::new(&p, RegexOptions::IGNORE_CASE) {
            let _ = re.replace("abc 123 abc", "$1${x}$$$&");
            let _ = re.split("abc 123 abc", -2);
        }
    }

    // [regex]::Escape output matches the input literally.
    #[test]
    fn escaped_text_matches_itself(s in "\\PC{0,20}") {
        let re = DotNetRegex::new(&regex_escape(&s), RegexOptions::default()).unwrap();
        let m = re.first_match(&s).unwrap().unwrap();
        prop_assert_eq!(m.text(&s), s.as_str());
    }

    // WildcardPattern.Escape output matches the input literally.
    #[test]
    fn escaped_wildcard_matches_itself(s in "\\PC{0,20}") {
        let w = WildcardPattern::new(&WildcardPattern::escape(&s), false).unwrap();
        prop_assert!(w.is_match(&s));
        prop_assert_eq!(WildcardPattern::unescape(&WildcardPattern::escape(&s)), s);
    }

    #[test]
    fn wildcards_never_panic(p in "[*?\\[\\]`a-c-]{0,12}", s in "[a-c*?\\[\\]-]{0,12}") {
        if let Ok(w) = WildcardPattern::new(&p, true) {
            let _ = w.is_match(&s);
        }
    }

    // Date arithmetic agrees with chrono's calendar.
    #[test]
    fn add_days_matches_chrono(ticks in 0i64..=3_000_000_000_000_000_000, days in -100_000i32..100_000) {
        let d = DateTime::from_ticks(ticks, DateTimeKind::Unspecified).unwrap();
        if let Ok(r) = d.add_days(f64::from(days)) {
            let expect = d.to_naive() + chrono::TimeDelta::days(i64::from(days));
            prop_assert_eq!(r.to_naive(), expect);
        }
    }
}
