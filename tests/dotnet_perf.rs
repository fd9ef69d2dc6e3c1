//! Throughput figures for the .NET text library (formatting is on the hot path
//! of Format-Table), printed with `--nocapture` for the notes. Speed is measured,
//! never asserted: the test checks only that each loop really did its work.
#![allow(clippy::unwrap_used)]

use exosh::runtime::dotnet::composite::FormatArg;
use exosh::runtime::dotnet::*;
use std::time::Instant;

fn measure(name: &str, n: u32, budget_us: u64, mut f: impl FnMut(u32) -> usize) {
    let t = Instant::now();
    let mut sink = 0usize;
    for i in 0..n {
        sink = sink.wrapping_add(f(i));
    }
    let per = t.elapsed() / n;
    println!("{name:<32} {per:>10?} per call (checksum {sink}; budget used in the notes: {budget_us} µs)");
    assert!(sink > 0, "{name}: the measured loop produced nothing");
}

#[test]
fn formatting_and_parsing_throughput() {
    let n = 20_000;
    measure("double_to_string (G15)", n, 60, |i| double_to_string(f64::from(i) / 7.0).len());
    measure("format_number N2 double", n, 60, |i| {
        format_number(Numeric::Double(f64::from(i) * 1.37), "N2").unwrap().len()
    });
    measure("format_number int default", n, 20, |i| {
        format_number(Numeric::Signed(i128::from(i), 32), "").unwrap().len()
    });
    measure("composite_format 3 items", n, 150, |i| {
        composite_format(
            "{0,-10} {1:N2} {2}",
            &[FormatArg::Str("name"), FormatArg::Double(f64::from(i)), FormatArg::Int(i64::from(i))],
        )
        .unwrap()
        .len()
    });
    let d = DateTime::new(2021, 1, 5, 13, 33, 9, 0, DateTimeKind::Local).unwrap();
    measure("DateTime default ToString", n, 60, |i| d.add_seconds(f64::from(i)).unwrap().to_string().len());
    measure("DateTime custom format", n, 100, |i| {
        format_datetime(d.add_seconds(f64::from(i)).unwrap(), "yyyy-MM-dd HH:mm:ss").unwrap().len()
    });
    measure("DateTime::parse_invariant", n / 4, 200, |_| {
        DateTime::parse_invariant("2021-05-06 14:30:00").unwrap().year() as usize
    });
    let w = WildcardPattern::new("*batch[0-9]*", true).unwrap();
    let names: Vec<String> = (0..10).map(|k| format!("MigrationBatch{k}")).collect();
    measure("wildcard is_match", n, 60, |i| usize::from(w.is_match(&names[(i % 10) as usize])));
    let re = DotNetRegex::cached("^(red|green|blue)\\d+$", RegexOptions::IGNORE_CASE).unwrap();
    let inputs: Vec<String> = (0..10).map(|k| format!("Green{k}")).collect();
    measure("regex is_match", n, 100, |i| usize::from(re.is_match(&inputs[(i % 10) as usize]).unwrap()));
    measure("regex cached lookup + match", n / 4, 200, |i| {
        let re = DotNetRegex::cached("^(red|green|blue)\\d+$", RegexOptions::IGNORE_CASE).unwrap();
        usize::from(re.is_match(&inputs[(i % 10) as usize]).unwrap())
    });
}
