//! The host: what the command line and the REPL call to run PowerShell.

/// Options from the command line that shape a session.
#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    pub no_profile: bool,
    pub non_interactive: bool,
    pub no_logo: bool,
    pub no_exit: bool,
    pub working_directory: Option<String>,
}

fn not_yet() -> i32 {
    eprintln!("exosh: the evaluator is not built yet");
    1
}

/// Runs a script file with its arguments; returns the process exit code.
pub fn run_file(_opts: &HostOptions, _path: &str, _args: &[String]) -> i32 {
    not_yet()
}

/// Runs a command text; returns the process exit code.
pub fn run_command(_opts: &HostOptions, _text: &str) -> i32 {
    not_yet()
}

/// Runs the interactive shell; returns the process exit code.
pub fn run_repl(_opts: &HostOptions) -> i32 {
    not_yet()
}
