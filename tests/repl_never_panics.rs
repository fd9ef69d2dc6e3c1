//! The completer, highlighter and validator take half-typed input at any cursor
//! position: none of them may panic, and their ranges stay inside the line.

use exosh::repl::{CompletionSource, ParamInfo, complete, highlight, validate};
use proptest::prelude::*;

struct Src;

impl CompletionSource for Src {
    fn command_names(&self) -> Vec<String> {
        vec!["Get-MigrationBatch".into(), "Format-List".into(), "é-ü".into()]
    }
    fn parameters(&self, _command: &str) -> Vec<ParamInfo> {
        vec![
            ParamInfo { name: "Identity".into(), position: Some(0), ..ParamInfo::default() },
            ParamInfo { name: "Security".into(), values: vec!["Ssl".into(), "Tls".into()], ..ParamInfo::default() },
            ParamInfo { name: "Property".into(), ..ParamInfo::default() },
            ParamInfo { name: "Path".into(), ..ParamInfo::default() },
        ]
    }
    fn variables(&self) -> Vec<String> {
        vec!["batch".into(), "ü".into()]
    }
    fn identities(&self, _c: &str, _p: &str, _w: &str) -> Vec<String> {
        vec!["IMAPBatch1".into(), "Pilot Batch".into(), "ß'x".into()]
    }
    fn members(&self, _e: &str) -> Vec<String> {
        vec!["Status".into(), "ToString(".into()]
    }
    fn location(&self) -> String {
        std::env::temp_dir().to_string_lossy().into_owned()
    }
}

fn line() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "Get-MigrationBatch",
        " ",
        "-",
        "-Identity",
        "-Security",
        "-Property",
        "-Path",
        "$",
        "$batch",
        ".",
        "::",
        "'",
        "\"",
        "@'",
        "@\"",
        "\n",
        "`",
        "|",
        ";",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "@{",
        "@(",
        "$(",
        "=",
        ",",
        "#",
        "<#",
        "#>",
        "é",
        "ü",
        "*",
        "?",
        "./",
        "~/",
        "1",
        "0x",
        "S",
        "Pi",
        "&&",
        "||",
        "&",
        ">",
        "2>&1",
        "--%",
    ]);
    prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn no_panic_and_ranges_inside(line in line()) {
        let _ = validate(&line);
        let known = |n: &str| n.eq_ignore_ascii_case("Get-MigrationBatch");
        for (r, _) in highlight(&line, &known) {
            prop_assert!(r.start <= r.end && r.end <= line.len());
            prop_assert!(line.is_char_boundary(r.start) && line.is_char_boundary(r.end));
        }
        for cursor in 0..=line.len() {
            let c = complete(&line, cursor, &Src);
            prop_assert!(c.replace.start <= c.replace.end && c.replace.end <= line.len(), "{:?} at {}", c.replace, cursor);
            prop_assert!(line.is_char_boundary(c.replace.start) && line.is_char_boundary(c.replace.end));
            let _ = c.apply_first(&line);
        }
    }
}
