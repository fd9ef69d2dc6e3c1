//! Property tests: the parser never panics and never hangs on arbitrary or
//! mutated-corpus input; print(parse(x)) reparses to the same AST.

use exosh::syntax::{is_incomplete, parse, print::print_script};
use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn shared() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for cand in [root.join("../shared"), root.join("../../shared")] {
        if cand.join("corpus/INDEX.tsv").exists() {
            return cand;
        }
    }
    panic!("../shared not found");
}

/// Every corpus script and conformance case, as lines.
fn corpus_lines() -> &'static Vec<String> {
    static LINES: OnceLock<Vec<String>> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut out = Vec::new();
        let dir = shared().join("corpus");
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "ps1") {
                let s = exosh::cli::decode_script(&std::fs::read(e.path()).unwrap());
                out.extend(s.lines().map(str::to_string));
            }
        }
        for line in std::fs::read_to_string(shared().join("conformance/cases.jsonl")).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            out.extend(v["script"].as_str().unwrap().lines().map(str::to_string));
        }
        out
    })
}

fn shape(src: &str) -> Option<Value> {
    let ast = parse(src).ok()?;
    let mut v = serde_json::to_value(&ast).unwrap();
    strip(&mut v);
    Some(v)
}

fn strip(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.ends_with("span") && k != "error_position");
            m.values_mut().for_each(strip);
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// Parses with a time bound (debug build): linear-time parsing of a few KB takes
/// milliseconds; exponential backtracking would blow far past the bound.
fn parse_bounded(src: &str) {
    let t = Instant::now();
    let r = parse(src);
    if let Err(errs) = &r {
        assert!(!errs.is_empty());
        for e in errs {
            assert!(e.span.start <= e.span.end && e.span.end <= src.len(), "bad span {:?} in {src:?}", e.span);
            let _ = e.render(src, Some("x.ps1"));
        }
    }
    let _ = is_incomplete(src);
    assert!(t.elapsed() < Duration::from_secs(2), "parse took {:?} on {src:?}", t.elapsed());
}

/// Characters that matter to the tokenizer, to make random input interesting.
fn ps_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '$', '@', '(', ')', '{', '}', '[', ']', '"', '\'', '`', '#', '<', '>', '|', '&', ';', ',', '.', ':',
            '-', '+', '*', '/', '%', '=', '!', '?', '\n', ' ', '\u{2013}', '\u{201C}', '\u{2019}', '0', '1', 'x',
        ]),
        1 => any::<char>(),
    ]
}

fn mutated_corpus() -> impl Strategy<Value = String> {
    let n = corpus_lines().len();
    (0..n, 1usize..12, prop::collection::vec((any::<prop::sample::Index>(), ps_char(), 0u8..3), 0..6)).prop_map(
        move |(start, len, muts)| {
            let lines = corpus_lines();
            let mut s: String = lines[start..(start + len).min(lines.len())].join("\n");
            for (idx, c, op) in muts {
                let chars: Vec<char> = s.chars().collect();
                if chars.is_empty() {
                    s.push(c);
                    continue;
                }
                let i = idx.index(chars.len());
                let mut v = chars;
                match op {
                    0 => v.insert(i, c),
                    1 => {
                        v.remove(i);
                    }
                    _ => v[i] = c,
                }
                s = v.into_iter().collect();
            }
            s
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_input(s in prop::collection::vec(ps_char(), 0..200)) {
        let s: String = s.into_iter().collect();
        parse_bounded(&s);
    }

    #[test]
    fn never_panics_on_mutated_corpus(s in mutated_corpus()) {
        parse_bounded(&s);
    }

    #[test]
    fn print_then_parse_is_identity(s in mutated_corpus()) {
        if let Some(before) = shape(&s) {
            let printed = print_script(&parse(&s).unwrap());
            let after = shape(&printed);
            prop_assert!(after.is_some(), "printed text does not parse: {printed:?} from {s:?}");
            prop_assert_eq!(after.unwrap(), before, "printed: {:?} from {:?}", printed, s);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Run on a thread with the default 2 MiB stack, as tokio workers have.
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            for open in ["(", "{", "$(", "@(", "[int]", "-not ", "@{a=", "if(1){", "\"$("] {
                let src = open.repeat(3000);
                assert!(parse(&src).is_err(), "{open}");
            }
        })
        .unwrap();
    h.join().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// The highlighter's tokenizer never fails and covers every byte, in order.
    #[test]
    fn lexer_covers_any_input(s in prop::collection::vec(ps_char(), 0..120)) {
        let s: String = s.into_iter().collect();
        let toks = exosh::syntax::lexer::tokenize(&s);
        let mut pos = 0;
        for t in &toks {
            prop_assert_eq!(t.span.start, pos);
            prop_assert!(t.span.end > t.span.start);
            pos = t.span.end;
        }
        prop_assert_eq!(pos, s.len());
    }
}
