//! The host: what the command line and the REPL call to run PowerShell.

use super::binder::ArgItem;
use super::command::Sink;
use super::error::Flow;
use super::eval::{Interp, InterpOptions};
use super::function::FunctionStage;
use super::output::OutDefaultSink;
use super::pipeline::Stage;
use super::value::{ScriptBlock, Value};
use crate::syntax::Span;
use std::io::Write;
use std::rc::Rc;

/// Options from the command line that shape a session.
#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    pub no_profile: bool,
    pub non_interactive: bool,
    pub no_logo: bool,
    pub no_exit: bool,
    pub working_directory: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Ran to the end; `ok` is `$?` of the last statement.
    Completed {
        ok: bool,
    },
    Exit(i32),
    /// An uncaught terminating error (already printed).
    Failed,
}

/// Arguments from the command line as binder items (`-Name value`, `-Name:value`, positional).
pub fn cli_args(args: &[String]) -> Vec<ArgItem> {
    let mut items = Vec::new();
    for a in args {
        if let Some(rest) = a.strip_prefix('-')
            && !rest.is_empty()
            && !rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        {
            let (name, value) = match rest.split_once(':') {
                Some((n, v)) => (n.to_string(), Some(cli_value(v))),
                None => (rest.to_string(), None),
            };
            items.push(ArgItem::Named { name, value, span: Span::default() });
            continue;
        }
        items.push(ArgItem::Positional { value: cli_value(a), span: Span::default() });
    }
    items
}

fn cli_value(s: &str) -> Value {
    match s.to_ascii_lowercase().as_str() {
        "$true" => Value::Bool(true),
        "$false" => Value::Bool(false),
        _ => match super::convert::parse_number(s) {
            Some(n) if !s.trim().is_empty() && s.trim() == s => n.to_value(),
            _ => Value::str(s),
        },
    }
}

impl Interp {
    /// Parses and runs a source text. With `file`, it runs as a script (its own
    /// script scope, `param()` bound from `args`); without, in the global scope.
    pub fn run_source(&mut self, source: &str, file: Option<&str>, args: Vec<ArgItem>) -> Outcome {
        let ast = match crate::syntax::parse(source) {
            Ok(a) => a,
            Err(errors) => {
                let _ = self.out.flush();
                for e in &errors {
                    eprint!("{}", e.render(source, file));
                }
                return Outcome::Failed;
            }
        };
        let src: Rc<str> = Rc::from(source);
        let sb = Rc::new(ScriptBlock {
            ast: Rc::new(ast),
            source: src.clone(),
            text: source.to_string(),
            file: file.map(Rc::from),
        });
        let saved_src = std::mem::replace(&mut self.source, src);
        let saved_file = std::mem::replace(&mut self.file, file.map(Rc::from));
        let mut sink = OutDefaultSink;
        let r = self.run_script_block(sb, file.map(|f| f.to_string()), args, &mut sink);
        self.flush_out_default();
        let _ = self.out.flush();
        self.source = saved_src;
        self.file = saved_file;
        match r {
            Ok(()) => Outcome::Completed { ok: self.last_ok },
            Err(Flow::Exit(n)) => Outcome::Exit(n),
            // repl: a pipeline stopped by Ctrl-C returns to the prompt silently
            Err(Flow::Error(e)) if super::repl_host::is_pipeline_stopped(&e) => Outcome::Completed { ok: false },
            Err(Flow::Error(e)) => {
                self.record_error(&e);
                self.print_error(&e);
                Outcome::Failed
            }
            Err(_) => Outcome::Completed { ok: self.last_ok },
        }
    }

    fn run_script_block(
        &mut self,
        sb: Rc<ScriptBlock>,
        file: Option<String>,
        args: Vec<ArgItem>,
        out: &mut dyn Sink,
    ) -> super::error::R<()> {
        let position = self.pos(Span::default());
        match file {
            Some(f) => {
                let mut st = FunctionStage::new(self, sb, f, false, args, false, false, position)?;
                st.begin(self, out)?;
                st.process(self, None, out)?;
                st.end(self, out)
            }
            None => {
                // -Command text runs in the global scope, like dot-sourcing.
                let mut st = FunctionStage::new(self, sb, String::new(), false, args, false, true, position)?;
                st.begin(self, out)?;
                st.process(self, None, out)?;
                st.end(self, out)
            }
        }
    }
}

fn new_interp(opts: &HostOptions) -> Interp {
    Interp::new(InterpOptions { non_interactive: opts.non_interactive })
}

/// Runs a script file with its arguments; returns the process exit code.
pub fn run_file(opts: &HostOptions, path: &str, args: &[String]) -> i32 {
    let source = match std::fs::read(path) {
        Ok(b) => crate::cli::decode_script(&b),
        Err(e) => {
            eprintln!("exosh: cannot read {path}: {e}");
            return 1;
        }
    };
    let full =
        std::fs::canonicalize(path).map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| path.to_string());
    let mut it = new_interp(opts);
    match it.run_source(&source, Some(&full), cli_args(args)) {
        Outcome::Completed { .. } => 0,
        Outcome::Exit(n) => n,
        Outcome::Failed => 1,
    }
}

/// Runs a command text; returns the process exit code.
pub fn run_command(opts: &HostOptions, text: &str) -> i32 {
    let mut it = new_interp(opts);
    match it.run_source(text, None, Vec::new()) {
        Outcome::Completed { ok } => {
            if ok {
                0
            } else {
                1
            }
        }
        Outcome::Exit(n) => n,
        Outcome::Failed => 1,
    }
}

/// Runs the interactive shell (reedline on a terminal, a line reader on a pipe);
/// returns the process exit code.
pub fn run_repl(opts: &HostOptions) -> i32 {
    let mut host = super::repl_host::ShellHost::new(opts);
    host.load_profile(opts);
    let banner = (!opts.no_logo && crate::repl::stdin_is_terminal())
        .then(|| format!("exosh {} (PowerShell 7.4 language)", env!("CARGO_PKG_VERSION")));
    let ropts = crate::repl::ReplOptions { banner, ..crate::repl::ReplOptions::default() };
    crate::repl::run(&mut host, &ropts)
}
