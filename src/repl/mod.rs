//! The interactive shell: reedline adapters over logic functions that are tested
//! without a terminal (see docs/repl.md).
//!
//! - [`validate`] asks the real parser (`crate::syntax::is_incomplete`) whether the
//!   input needs more lines (PowerShell's `>> ` continuation).
//! - [`highlight`] classifies every token of the line being edited.
//! - [`complete`] answers Tab: commands, parameters, enum values, tenant identities,
//!   variables, members and paths, from a [`CompletionSource`]. Never a network call.
//! - [`run`] wires them into reedline (prompt, history, hints, Ctrl-R, menus,
//!   Ctrl-C, external printer for engine notices); [`run_lines`] is the same loop
//!   without a terminal (stdin that is a pipe).
//!
//! The PowerShell knowledge the REPL needs sits behind two small traits that the
//! runtime implements: [`CompletionSource`] (what names exist) and [`ReplHost`]
//! (runs input).
//!
//! Architecture invariant: nothing in here evaluates PowerShell; it only asks.

mod complete;
mod editor;
mod help;
mod highlight;
mod scan;
mod signal;
mod snapshot;
mod validate;

pub use complete::{Completion, Suggestion, SuggestionKind, complete, wildcard_match};
pub use editor::{ExosPrompt, prompt_text, run};
pub use help::{
    HelpError, HelpExample, HelpInfo, HelpMode, HelpParam, about_topic, about_topics, exchange_online_uri, render_help,
};
pub use highlight::{TokenClass, highlight};
pub use scan::{Kind as ScanKind, Tok as ScanTok, scan};
pub use signal::InterruptGuard;
pub use snapshot::{IdentityLookup, SnapshotSource};
pub use validate::{Validation, validate};

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::SyncSender;

/// What the completer needs to know about one parameter of a command.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamInfo {
    /// The parameter's name without the dash (`Identity`).
    pub name: String,
    /// Its aliases (`cf` for `Confirm`).
    pub aliases: Vec<String>,
    /// The type's name as PowerShell shows it (`String`, `SwitchParameter`, `Byte[]`).
    pub type_name: String,
    /// True for `[switch]` parameters: no value follows.
    pub is_switch: bool,
    /// Enum or ValidateSet values (`None`, `Ssl`, `Tls` for `-Security`).
    pub values: Vec<String>,
    /// The position in its parameter set (0 for `Get-MigrationBatch <Identity>`).
    pub position: Option<u32>,
    /// One line of help, shown beside the suggestion.
    pub help: String,
}

/// The names the completer and highlighter may offer. The runtime implements this over
/// its command registry, variables and the tenant store. Implementations answer from
/// memory or the local store only: never a network call.
pub trait CompletionSource {
    /// Cmdlets, aliases and functions.
    fn command_names(&self) -> Vec<String>;
    /// The parameters of `command` (a full name, an alias or a function), common ones included.
    fn parameters(&self, command: &str) -> Vec<ParamInfo>;
    /// Variable names without `$`.
    fn variables(&self) -> Vec<String>;
    /// Tenant names for `command -parameter` (endpoint, batch, mailbox, user names).
    /// `word` is what the user typed so far (it may hold wildcards): a large store may
    /// return only the names that start with it (`LIKE 'word%'`), or all names; the
    /// completer filters and sorts again.
    fn identities(&self, command: &str, parameter: &str, word: &str) -> Vec<String>;
    /// Members (properties; methods end with `(`) of the value of `expr_text` (`$b`,
    /// `$b.Status`, `[System.IO.File]`), best effort, without evaluating anything that has
    /// effects. For `-Property` of Select-Object/Format-List/..., `expr_text` is the
    /// pipeline that feeds the command (`Get-MigrationBatch -Status Failed`): its output
    /// type's properties are wanted.
    fn members(&self, expr_text: &str) -> Vec<String>;
    /// The current location, for relative paths and the prompt.
    fn location(&self) -> String;
    /// Type names for `[...]` (accelerators and full names). The default is the list of
    /// the types exosh's scripts use most.
    fn type_names(&self) -> Vec<String> {
        complete::COMMON_TYPES.iter().map(|t| t.to_string()).collect()
    }
}

/// What running one complete input did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecOutcome {
    /// The input ran (successfully or with errors already printed); the shell goes on.
    Continue,
    /// `exit` with this code: the shell leaves.
    Exit(i32),
}

/// Sends engine notices (batch Synced, user Failed) to be printed above the prompt
/// without breaking the line being edited. Cheap to clone; usable from any thread.
#[derive(Debug, Clone)]
pub struct NoticeSink {
    inner: Option<SyncSender<String>>,
}

impl NoticeSink {
    /// A sink that prints each notice to stderr at once (no line editor).
    pub fn stderr() -> NoticeSink {
        NoticeSink { inner: None }
    }

    pub(crate) fn channel(sender: SyncSender<String>) -> NoticeSink {
        NoticeSink { inner: Some(sender) }
    }

    /// Prints `text` above the prompt (or on stderr without a line editor).
    pub fn send(&self, text: impl Into<String>) {
        let text = text.into();
        match &self.inner {
            Some(s) => {
                match s.try_send(text) {
                    Ok(()) => {}
                    // The editor's queue is full or gone: do not block the engine.
                    Err(std::sync::mpsc::TrySendError::Full(t) | std::sync::mpsc::TrySendError::Disconnected(t)) => {
                        eprintln!("{t}")
                    }
                }
            }
            None => eprintln!("{text}"),
        }
    }
}

/// The runtime's side of the interactive shell.
pub trait ReplHost {
    /// Runs one complete input (it parses as a whole). `exit` yields [`ExecOutcome::Exit`].
    fn execute(&mut self, text: &str) -> ExecOutcome;
    /// A thread-safe view of the names the completer and highlighter offer. Called
    /// before each prompt, so a cheap handle to shared state is best.
    fn completion_source(&self) -> Arc<dyn CompletionSource + Send + Sync>;
    /// The flag the evaluator polls (between statements, loop iterations and pipeline
    /// objects) to stop the running pipeline. The REPL sets it on Ctrl-C while
    /// [`ReplHost::execute`] runs and clears it before the next input.
    fn interrupt_flag(&self) -> Arc<AtomicBool>;
    /// Gives the host where to send engine notices. Called once when the shell starts.
    fn attach_notices(&mut self, _sink: NoticeSink) {}
    /// Notices that queued up while input ran; printed before the next prompt.
    fn take_notices(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// How the interactive shell looks and where it keeps its history.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplOptions {
    /// The history file (`$EXOSH_HOME/history.txt`); `None` keeps history in memory.
    pub history_path: Option<PathBuf>,
    /// How many entries the history keeps.
    pub history_capacity: usize,
    /// Colours on (off when NO_COLOR is set or stdout is not a terminal).
    pub color: bool,
    /// A banner printed once before the first prompt (`None` with -NoLogo).
    pub banner: Option<String>,
}

impl Default for ReplOptions {
    fn default() -> Self {
        ReplOptions {
            history_path: default_history_path(),
            history_capacity: 10_000,
            color: color_enabled(),
            banner: None,
        }
    }
}

/// `$EXOSH_HOME/history.txt` when EXOSH_HOME is set and not empty, else the platform
/// data directory's `history.txt` (`~/.local/share/exosh` on Linux).
pub fn default_history_path() -> Option<PathBuf> {
    let home = match std::env::var_os("EXOSH_HOME") {
        Some(h) if !h.is_empty() => Some(PathBuf::from(h)),
        _ => directories::ProjectDirs::from("", "", "exosh").map(|d| d.data_dir().to_path_buf()),
    };
    home.map(|h| h.join("history.txt"))
}

/// Colours are on unless NO_COLOR is set (to anything non-empty) or stdout is not a terminal.
pub fn color_enabled() -> bool {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// True when stdin is a terminal ([`run`] checks it and falls back to [`run_lines`]).
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
}

/// The shell without a line editor: reads `input` line by line, gathers lines until
/// the parser says the input is complete, runs it, and returns the exit code (0 at end
/// of input, or the code `exit` gave). Prints no prompt.
pub fn run_lines(host: &mut dyn ReplHost, input: &mut dyn BufRead) -> i32 {
    let mut pending = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let eof = match input.read_line(&mut line) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => {
                eprintln!("exosh: cannot read input: {e}");
                return 1;
            }
        };
        if !eof {
            pending.push_str(&line);
            let text = pending.trim_end_matches(['\n', '\r']);
            if validate(text) == Validation::Incomplete {
                continue;
            }
        }
        let text = std::mem::take(&mut pending);
        let text = text.trim_end_matches(['\n', '\r']);
        if !text.trim().is_empty() {
            let flag = host.interrupt_flag();
            flag.store(false, std::sync::atomic::Ordering::SeqCst);
            let outcome = {
                let _guard = InterruptGuard::install(flag);
                host.execute(text)
            };
            for n in host.take_notices() {
                eprintln!("{n}");
            }
            if let ExecOutcome::Exit(code) = outcome {
                return code;
            }
        }
        if eof {
            return 0;
        }
    }
}

#[cfg(test)]
pub(crate) mod fake;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn run_lines_gathers_incomplete_input_and_stops_at_exit() {
        let _serial = signal::TEST_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut host = fake::FakeHost::default();
        let mut input = Cursor::new("$h = @{\n  a = 1\n}\nGet-X |\n  Select-Object -First 1\nexit 3\nnever\n");
        let code = run_lines(&mut host, &mut input);
        assert_eq!(code, 3);
        assert_eq!(host.executed, vec!["$h = @{\n  a = 1\n}", "Get-X |\n  Select-Object -First 1", "exit 3"]);
    }

    #[test]
    fn run_lines_runs_what_is_left_at_end_of_input() {
        let _serial = signal::TEST_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut host = fake::FakeHost::default();
        let mut input = Cursor::new("Get-X\n\n{ unclosed");
        assert_eq!(run_lines(&mut host, &mut input), 0);
        assert_eq!(host.executed, vec!["Get-X", "{ unclosed"]);
    }

    #[test]
    fn history_lives_in_exosh_home() {
        // Read the rule without touching the process environment (tests run in parallel).
        let p = default_history_path();
        if let Some(h) = std::env::var_os("EXOSH_HOME").filter(|h| !h.is_empty()) {
            assert_eq!(p, Some(PathBuf::from(h).join("history.txt")));
        } else {
            assert!(p.is_some_and(|p| p.ends_with("exosh/history.txt")));
        }
    }
}
