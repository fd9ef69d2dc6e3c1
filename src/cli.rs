//! Command line: pwsh's flags, case-insensitive, with pwsh's abbreviations,
//! plus `--check FILE...` (parse only, like `bash -n`).

use crate::runtime::host::{self, HostOptions};
use std::io::Read;

/// pwsh's exit code for a bad command line.
const EXIT_BAD_ARGS: i32 = 64;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Repl,
    File { path: String, args: Vec<String> },
    Command(String),
    CommandFromStdin,
    Check(Vec<String>),
    Version,
    Help,
}

/// A parsed command line.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub action: Action,
    pub options: HostOptions,
}

/// pwsh's switches: full name and the shortest unambiguous prefix(es) it accepts.
/// A key matches when it is a prefix of the name and at least as long as one
/// of the accepted short forms (CommandLineParameterParser.MatchSwitch).
const SWITCHES: &[(&str, &[&str])] = &[
    ("file", &["f"]),
    ("command", &["c"]),
    ("noprofile", &["nop"]),
    ("noninteractive", &["noni"]),
    ("nologo", &["nol"]),
    ("noexit", &["noe"]),
    ("version", &["v"]),
    ("help", &["h", "?"]),
    ("executionpolicy", &["ex", "ep"]),
    ("encodedcommand", &["e", "ec"]),
    ("workingdirectory", &["wo", "wd"]),
    ("login", &["l"]),
    ("interactive", &["i"]),
    ("inputformat", &["inp", "if"]),
    ("outputformat", &["o", "of"]),
    ("windowstyle", &["w"]),
    ("settingsfile", &["settings"]),
    ("configurationname", &["config"]),
    ("mta", &["mta"]),
    ("sta", &["sta"]),
    ("commandwithargs", &["cwa"]),
];

fn match_switch(key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    for (name, shorts) in SWITCHES {
        if shorts.iter().any(|s| *s == key) {
            return Some(name);
        }
        if name.starts_with(key.as_str()) && shorts.iter().any(|s| key.len() >= s.len() && name.starts_with(s)) {
            return Some(name);
        }
    }
    None
}

/// Parses the arguments after the program name.
pub fn parse_args(args: &[String]) -> Result<Invocation, String> {
    let mut options = HostOptions::default();
    let mut action = None;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--check" {
            let files: Vec<String> = args[i + 1..].to_vec();
            if files.is_empty() {
                return Err("--check needs at least one file".into());
            }
            action = Some(Action::Check(files));
            break;
        }
        let key = if let Some(k) = arg.strip_prefix("--") {
            k
        } else if let Some(k) = arg.strip_prefix('-') {
            k
        } else {
            // pwsh: a bare first argument is the -File value.
            action = Some(Action::File { path: arg.clone(), args: args[i + 1..].to_vec() });
            break;
        };
        // `-File:x` style is not pwsh's; values follow as the next argument.
        let Some(name) = match_switch(key) else {
            return Err(format!("Invalid argument '{arg}', did you mean:\n\n    -File\n    -Command\n"));
        };
        let mut value = || -> Result<String, String> {
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("Missing parameter argument for '{arg}'."))
        };
        match name {
            "file" => {
                let path = value()?;
                if path == "-" {
                    action = Some(Action::CommandFromStdin);
                } else {
                    action = Some(Action::File { path, args: args[i + 1..].to_vec() });
                }
                break;
            }
            "command" | "commandwithargs" => {
                let first = value()?;
                if first == "-" {
                    action = Some(Action::CommandFromStdin);
                } else {
                    let rest = &args[i..];
                    action = Some(Action::Command(rest.join(" ")));
                }
                break;
            }
            "encodedcommand" => {
                let enc = value()?;
                action = Some(Action::Command(decode_encoded_command(&enc)?));
                break;
            }
            "noprofile" => options.no_profile = true,
            "noninteractive" => options.non_interactive = true,
            "nologo" => options.no_logo = true,
            "noexit" => options.no_exit = true,
            "version" => action = Some(Action::Version),
            "help" => action = Some(Action::Help),
            "workingdirectory" => options.working_directory = Some(value()?),
            // Accepted and without effect here, as pwsh on Linux does with most of them.
            "executionpolicy" | "inputformat" | "outputformat" | "windowstyle" | "settingsfile"
            | "configurationname" => {
                value()?;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(Invocation { action: action.unwrap_or(Action::Repl), options })
}

/// `-EncodedCommand` takes base64 of UTF-16LE text.
fn decode_encoded_command(enc: &str) -> Result<String, String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(enc.trim())
        .map_err(|_| "Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.".to_string())?;
    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
    Ok(String::from_utf16_lossy(&units))
}

const HELP: &str = "Usage: exosh [-NoProfile] [-NonInteractive] [-NoLogo] [-NoExit]
             [-WorkingDirectory <path>]
             [-File <script.ps1> [args...] | -Command <text> | -Command -]
       exosh --check FILE...      parse only: exit 0, or print the errors and exit 1
       exosh -Version | -Help

A shell that speaks PowerShell and emulates Exchange Online's migration cmdlets
on a local tenant (state under $EXOSH_HOME).

  -File, -f            run a script; the arguments after it bind to its param()
  -Command, -c         run the text; '-' reads it from standard input
  -EncodedCommand, -e  run base64 UTF-16LE text
  -NoProfile, -nop     do not run $PROFILE
  -NonInteractive, -noni
                       never prompt: a needed prompt is an error
  -NoLogo, -nol        no banner in the interactive shell
  -NoExit, -noe        stay in the shell after -File or -Command
  -Version, -v         print the version
  -Help, -h, -?        print this help
";

/// Runs exosh with the process arguments; returns the exit code.
pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inv = match parse_args(&args) {
        Ok(inv) => inv,
        Err(msg) => {
            eprintln!("{msg}");
            return EXIT_BAD_ARGS;
        }
    };
    if let Some(dir) = &inv.options.working_directory
        && let Err(e) = std::env::set_current_dir(dir)
    {
        eprintln!("Cannot set the working directory to '{dir}': {e}");
        return EXIT_BAD_ARGS;
    }
    match inv.action {
        Action::Version => {
            println!("exosh {} (PowerShell 7.4 language)", env!("CARGO_PKG_VERSION"));
            0
        }
        Action::Help => {
            print!("{HELP}");
            0
        }
        Action::Check(files) => check_files(&files),
        Action::File { path, args } => {
            if !std::path::Path::new(&path).is_file() {
                eprintln!(
                    "The argument '{path}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again."
                );
                return EXIT_BAD_ARGS;
            }
            host::run_file(&inv.options, &path, &args)
        }
        Action::Command(text) => host::run_command(&inv.options, &text),
        Action::CommandFromStdin => {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("exosh: cannot read standard input: {e}");
                return 1;
            }
            host::run_command(&inv.options, &text)
        }
        Action::Repl => host::run_repl(&inv.options),
    }
}

/// `--check`: parse each file, print every parse error, exit 1 if any.
fn check_files(files: &[String]) -> i32 {
    let mut failed = false;
    for f in files {
        let source = match std::fs::read(f) {
            Ok(bytes) => decode_script(&bytes),
            Err(e) => {
                eprintln!("exosh: cannot read {f}: {e}");
                failed = true;
                continue;
            }
        };
        if let Err(errors) = crate::syntax::parse(&source) {
            failed = true;
            for e in errors {
                eprint!("{}", e.render(&source, Some(f)));
            }
        }
    }
    i32::from(failed)
}

/// Decodes a script file as pwsh does: UTF-8 (with or without BOM), or UTF-16 with a BOM.
pub fn decode_script(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::UTF_8.decode(bytes);
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (enc, bom) = encoding_rs::Encoding::for_bom(bytes).unwrap_or((encoding_rs::UTF_8, 0));
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return text.into_owned();
    }
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn abbreviations_and_case() {
        let inv = parse_args(&args(&["-nop", "-NONI", "-c", "Get-Date", "-Format", "x"])).unwrap();
        assert!(inv.options.no_profile && inv.options.non_interactive);
        assert_eq!(inv.action, Action::Command("Get-Date -Format x".into()));
        let inv = parse_args(&args(&["-NoProf", "-fi", "a.ps1", "-x", "1"])).unwrap();
        assert_eq!(inv.action, Action::File { path: "a.ps1".into(), args: args(&["-x", "1"]) });
        assert!(inv.options.no_profile);
        assert_eq!(parse_args(&args(&["--version"])).unwrap().action, Action::Version);
        assert_eq!(parse_args(&args(&["-?"])).unwrap().action, Action::Help);
        assert_eq!(parse_args(&args(&["-Command", "-"])).unwrap().action, Action::CommandFromStdin);
        assert_eq!(parse_args(&args(&[])).unwrap().action, Action::Repl);
    }

    #[test]
    fn ambiguous_or_unknown_switches_fail() {
        // "-no" is shorter than every accepted short form of the -No* switches.
        assert!(parse_args(&args(&["-no"])).is_err());
        assert!(parse_args(&args(&["-bogus"])).is_err());
        assert!(parse_args(&args(&["-File"])).is_err());
        assert!(parse_args(&args(&["--check"])).is_err());
    }

    #[test]
    fn encoded_command_is_utf16le_base64() {
        // "1+1" in UTF-16LE.
        let inv = parse_args(&args(&["-ec", "MQArADEA"])).unwrap();
        assert_eq!(inv.action, Action::Command("1+1".into()));
    }
}
