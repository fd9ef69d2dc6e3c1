//! The evaluator: a tree walker over the AST with PowerShell's scoping,
//! control flow and error semantics.

use super::binder::{ActionPreference, ArgItem};
use super::command::{Collect, Registry, Sink};
use super::convert::{self, to_bool, to_string};
use super::error::{ErrorRecord, Exception, Flow, Position, R};
use super::ops;
use super::scope::{FunctionInfo, Scope, ScopeKind, Variable};
use super::types::PsType;
use super::value::*;
use crate::syntax::Span;
use crate::syntax::ast::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

/// Host-facing options of an interpreter.
#[derive(Debug, Clone, Default)]
pub struct InterpOptions {
    pub non_interactive: bool,
}

/// The interpreter state.
pub struct Interp {
    pub registry: Rc<Registry>,
    pub global: Rc<Scope>,
    pub current: Rc<Scope>,
    /// Source text and file of the code being run (spans index into it).
    pub source: Rc<str>,
    pub file: Option<Rc<str>>,
    /// `$?`.
    pub last_ok: bool,
    /// Set when a command of the running pipeline wrote an error.
    pub pipeline_failed: bool,
    pub last_exit_code: i32,
    /// `$Error`, newest first.
    pub errors: Rc<PsList>,
    /// Depth of enclosing `try` blocks (errors then propagate instead of printing).
    pub try_depth: usize,
    /// Depth of enclosing blocks with a `trap` (errors propagate to it).
    pub trap_depth: usize,
    /// Active -ErrorVariable collectors (every written error goes to each).
    pub error_collectors: Vec<Vec<ErrorRecord>>,
    /// Redirection frames of the running pipeline elements (`2>&1`, `3>$null` ...).
    pub redirects: Vec<super::redirect::Redirects>,
    pub next_pipeline_id: u64,
    pub options: InterpOptions,
    pub out: std::io::BufWriter<std::io::Stdout>,
    /// Script-block ASTs by (source pointer, start offset), so literals in loops are not re-cloned.
    sb_cache: HashMap<(usize, usize), Rc<ScriptBlockAst>>,
    /// The Out-Default state (pending table objects).
    pub out_default: super::output::OutDefault,
    /// The location (`$PWD`), kept as a string; the process cwd follows it.
    pub location: String,
    /// PSDrive mappings (drive letter → root) for Windows paths.
    pub drives: HashMap<String, String>,
}

impl Interp {
    pub fn new(options: InterpOptions) -> Interp {
        let global = Scope::new(ScopeKind::Global, None);
        let location = std::env::current_dir().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        let mut it = Interp {
            registry: Rc::new(super::command::builtin_registry()),
            current: global.clone(),
            global,
            source: Rc::from(""),
            file: None,
            last_ok: true,
            pipeline_failed: false,
            last_exit_code: 0,
            errors: Rc::new(PsList { elem: None, items: RefCell::new(Vec::new()) }),
            try_depth: 0,
            trap_depth: 0,
            error_collectors: Vec::new(),
            redirects: Vec::new(),
            next_pipeline_id: 1,
            options,
            out: std::io::BufWriter::new(std::io::stdout()),
            sb_cache: HashMap::new(),
            out_default: Default::default(),
            location,
            drives: HashMap::new(),
        };
        it.init_globals();
        it
    }

    fn init_globals(&mut self) {
        let g = self.global.clone();
        g.set("ErrorActionPreference", enum_value("System.Management.Automation.ActionPreference", "Continue", 2));
        g.set("WarningPreference", enum_value("System.Management.Automation.ActionPreference", "Continue", 2));
        g.set("VerbosePreference", enum_value("System.Management.Automation.ActionPreference", "SilentlyContinue", 0));
        g.set("DebugPreference", enum_value("System.Management.Automation.ActionPreference", "SilentlyContinue", 0));
        g.set(
            "InformationPreference",
            enum_value("System.Management.Automation.ActionPreference", "SilentlyContinue", 0),
        );
        g.set("ProgressPreference", enum_value("System.Management.Automation.ActionPreference", "Continue", 2));
        g.set("ConfirmPreference", Value::str("High"));
        g.set("WhatIfPreference", Value::Bool(false));
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        g.set("HOME", Value::string(home));
        g.set("PID", Value::Int(std::process::id() as i32));
        g.set("IsLinux", Value::Bool(cfg!(target_os = "linux")));
        g.set("IsWindows", Value::Bool(false));
        g.set("IsMacOS", Value::Bool(cfg!(target_os = "macos")));
        g.set("IsCoreCLR", Value::Bool(true));
        g.set("PSEdition", Value::str("Core"));
        g.set("MaximumHistoryCount", Value::Int(4096));
        g.set("NestedPromptLevel", Value::Int(0));
        g.set("PSCulture", Value::str("en-US"));
        g.set("PSUICulture", Value::str("en-US"));
        let mut ver = Hashtable::new(false);
        let mut psv = PsObject::typed("System.Version");
        for (k, v) in [("Major", 7), ("Minor", 4), ("Build", 6), ("Revision", -1)] {
            psv.set_note(k, Value::Int(v));
        }
        psv.base = Some(Value::str("7.4.6"));
        ver.insert(Value::str("PSVersion"), Value::object(psv));
        ver.insert(Value::str("PSEdition"), Value::str("Core"));
        ver.insert(Value::str("GitCommitId"), Value::str("7.4.6"));
        ver.insert(Value::str("OS"), Value::str("Linux"));
        ver.insert(Value::str("Platform"), Value::str("Unix"));
        ver.insert(Value::str("PSCompatibleVersions"), Value::str("1.0, 2.0, 3.0, 4.0, 5.0, 5.1, 6.0, 7.0"));
        ver.insert(Value::str("PSRemotingProtocolVersion"), Value::str("2.3"));
        ver.insert(Value::str("SerializationVersion"), Value::str("1.1.0.1"));
        ver.insert(Value::str("WSManStackVersion"), Value::str("3.0"));
        g.set("PSVersionTable", Value::hashtable(ver));
        let mut host = PsObject::typed("System.Management.Automation.Internal.Host.InternalHost");
        host.set_note("Name", Value::str("ConsoleHost"));
        host.set_note("Version", Value::str("7.4.6"));
        host.set_note("CurrentCulture", Value::str("en-US"));
        host.set_note("CurrentUICulture", Value::str("en-US"));
        g.set("Host", Value::object(host));
        let home = std::env::var("EXOSH_HOME").unwrap_or_default();
        g.set("EXOSH_HOME", Value::string(home));
    }

    // ------------------------------------------------------------------
    // Variables
    // ------------------------------------------------------------------

    /// Reads a variable (with automatic variables), `None` when undefined.
    pub fn get_var(&mut self, name: &str) -> Option<Value> {
        if let Some(v) = self.current.lookup(name) {
            return Some(v);
        }
        let l = name.to_ascii_lowercase();
        Some(match l.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "?" => Value::Bool(self.last_ok),
            "lastexitcode" => Value::Int(self.last_exit_code),
            "error" => Value::List(self.errors.clone()),
            "pwd" => {
                let mut o = PsObject::typed("System.Management.Automation.PathInfo");
                o.set_note("Path", Value::string(self.location.clone()));
                o.base = None;
                let v = Value::object(o);
                return Some(Value::Object(Rc::new(RefCell::new(PsObject {
                    type_names: vec!["System.Management.Automation.PathInfo".into()],
                    members: match v {
                        Value::Object(o) => o.borrow().members.clone(),
                        _ => Default::default(),
                    },
                    base: Some(Value::string(self.location.clone())),
                }))));
            }
            "ofs" => return None,
            "psitem" => return self.current.lookup("_"),
            "shellid" => Value::str("Microsoft.PowerShell"),
            "executioncontext" => Value::Null,
            _ => return None,
        })
    }

    pub fn var_or_null(&mut self, name: &str) -> Value {
        self.get_var(name).unwrap_or(Value::Null)
    }

    /// Assigns a variable in the current scope, honouring type constraints.
    pub fn set_var(&mut self, name: &str, value: Value) -> R<()> {
        let scope = self.current.clone();
        self.set_var_in(&scope, name, value)
    }

    pub fn set_var_in(&mut self, scope: &Rc<Scope>, name: &str, value: Value) -> R<()> {
        if name.len() <= 12 && self.special_set(name, &value)? {
            return Ok(());
        }
        {
            let k = super::scope::key(name);
            let mut vars = scope.vars.borrow_mut();
            if let Some(var) = vars.get_mut(k.as_ref()) {
                var.value = match &var.constraint {
                    Some(t) => convert::convert_to(&value, t).map_err(|m| invalid_cast(&m))?,
                    None => value,
                };
                return Ok(());
            }
        }
        scope.set(name, value);
        Ok(())
    }

    /// Assignments to automatic variables; true when handled.
    fn special_set(&mut self, name: &str, value: &Value) -> R<bool> {
        if name == "?" || name.eq_ignore_ascii_case("true") || name.eq_ignore_ascii_case("false") {
            return Err(Flow::error(ErrorRecord::new(
                Exception::new(
                    "System.Management.Automation.SessionStateUnauthorizedAccessException",
                    format!("Cannot overwrite variable {name} because it is read-only or constant."),
                ),
                "VariableNotWritable",
                "WriteError",
                Value::str(name),
            )));
        }
        if name.eq_ignore_ascii_case("null") {
            return Ok(true);
        }
        if name.eq_ignore_ascii_case("LASTEXITCODE") {
            self.last_exit_code = convert::to_num(value).and_then(|n| n.as_i64()).unwrap_or(0) as i32;
        }
        Ok(false)
    }

    /// Reads `$scope:name`, `$env:NAME`, `$variable:name`.
    pub fn get_qualified(&mut self, qualifier: &str, name: &str) -> Value {
        match qualifier.to_ascii_lowercase().as_str() {
            "env" => std::env::var(name).map(Value::string).unwrap_or(Value::Null),
            "global" => self.global.lookup(name).unwrap_or(Value::Null),
            "script" => self.current.script_scope().lookup(name).unwrap_or(Value::Null),
            "local" | "private" => self
                .current
                .vars
                .borrow()
                .get(super::scope::key(name).as_ref())
                .map(|v| v.value.clone())
                .unwrap_or(Value::Null),
            "variable" => self.var_or_null(name),
            "function" => match self.current.find_function(name) {
                Some(f) => Value::ScriptBlock(f.script_block.clone()),
                None => Value::Null,
            },
            "using" => self.var_or_null(name),
            _ => {
                // A drive-qualified path like ${C:\x}: not a variable.
                Value::Null
            }
        }
    }

    pub fn set_qualified(&mut self, qualifier: &str, name: &str, value: Value) -> R<()> {
        match qualifier.to_ascii_lowercase().as_str() {
            "env" => {
                if value.is_null() || to_string(&value).is_empty() {
                    // SAFETY-free: environment changes are single-threaded here.
                    unsafe_env_remove(name);
                } else {
                    unsafe_env_set(name, &to_string(&value));
                }
                Ok(())
            }
            "global" => {
                let g = self.global.clone();
                self.set_var_in(&g, name, value)
            }
            "script" => {
                let s = self.current.script_scope();
                self.set_var_in(&s, name, value)
            }
            "private" => {
                self.current.set_var(Variable {
                    name: name.to_string(),
                    value,
                    constraint: None,
                    private: true,
                    readonly: false,
                });
                Ok(())
            }
            _ => self.set_var(name, value),
        }
    }

    /// `$ErrorActionPreference` as seen from here.
    pub fn error_action_preference(&mut self) -> ActionPreference {
        let v = self.var_or_null("ErrorActionPreference");
        ActionPreference::parse(&v).unwrap_or(ActionPreference::Continue)
    }

    pub fn preference(&mut self, name: &str, default: ActionPreference) -> ActionPreference {
        let v = self.var_or_null(name);
        ActionPreference::parse(&v).unwrap_or(default)
    }

    // ------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------

    /// The position of a span in the current source.
    pub fn pos(&self, span: Span) -> Position {
        Position {
            file: self.file.clone(),
            source: Some(self.source.clone()),
            start: span.start,
            end: span.end,
            command: None,
        }
    }

    /// Adds an error to `$Error` (newest first).
    pub fn record_error(&mut self, e: &ErrorRecord) {
        let mut items = self.errors.items.borrow_mut();
        items.insert(0, Value::Error(Rc::new(e.clone())));
        if items.len() > 256 {
            items.truncate(256);
        }
    }

    /// Prints an error on stderr in ConciseView.
    pub fn print_error(&mut self, e: &ErrorRecord) {
        let _ = self.out.flush();
        self.out_default_flush_for_stderr();
        eprint!("{}", render_error(e));
    }

    fn out_default_flush_for_stderr(&mut self) {
        let _ = self.out.flush();
    }

    /// True when prompts are allowed (not -NonInteractive, stdin a terminal).
    pub fn is_interactive(&self) -> bool {
        !self.options.non_interactive && std::io::IsTerminal::is_terminal(&std::io::stdin())
    }

    /// A non-terminating error from a command: obeys -ErrorAction / $ErrorActionPreference.
    pub fn write_error(&mut self, action: Option<ActionPreference>, e: ErrorRecord) -> R<()> {
        let action = match action {
            Some(a) => a,
            None => self.error_action_preference(),
        };
        self.pipeline_failed = true;
        for c in self.error_collectors.iter_mut() {
            c.push(e.clone());
        }
        match action {
            ActionPreference::Stop => {
                let mut e = e;
                e.exception = Rc::new(Exception {
                    type_name: e.exception.type_name.clone(),
                    message: e.exception.message.clone(),
                    inner: e.exception.inner.clone(),
                    thrown: e.exception.thrown.clone(),
                });
                Err(Flow::error(stop_error(e)))
            }
            ActionPreference::Ignore => Ok(()),
            ActionPreference::SilentlyContinue => {
                self.record_error(&e);
                Ok(())
            }
            _ => {
                self.record_error(&e);
                if !self.redirect_stream(super::redirect::Stream::Error, || Value::Error(Rc::new(e.clone()))) {
                    self.print_error(&e);
                }
                Ok(())
            }
        }
    }

    /// Writes a warning (stdout of the host in pwsh goes to the warning stream; we use stderr? no: pwsh prints
    /// warnings on stdout when redirected? It prints them to the console host's warning output, which for
    /// `pwsh -File` goes to stdout).
    pub fn write_warning(&mut self, action: Option<ActionPreference>, msg: &str) -> R<()> {
        let action = action.unwrap_or_else(|| self.preference("WarningPreference", ActionPreference::Continue));
        match action {
            ActionPreference::SilentlyContinue | ActionPreference::Ignore => Ok(()),
            ActionPreference::Stop => Err(Flow::error(stop_error(ErrorRecord::new(
                Exception::new("System.Management.Automation.ParentContainsErrorRecordException", msg),
                "Microsoft.PowerShell.Commands.WriteWarningException",
                "NotSpecified",
                Value::Null,
            )))),
            _ => {
                self.stream_line(super::redirect::Stream::Warning, "WARNING: ", msg);
                Ok(())
            }
        }
    }

    /// Writes a line to the host (stdout), after pending formatted output.
    pub fn host_line(&mut self, s: &str) {
        self.flush_out_default();
        let _ = writeln!(self.out, "{s}");
    }

    /// Writes text to the host without a newline.
    pub fn host_write(&mut self, s: &str) {
        self.flush_out_default();
        let _ = write!(self.out, "{s}");
    }

    pub fn flush_out_default(&mut self) {
        let mut buf = String::new();
        self.out_default.flush(&mut buf);
        if !buf.is_empty() {
            let _ = write!(self.out, "{buf}");
        }
    }

    // ------------------------------------------------------------------
    // Statements
    // ------------------------------------------------------------------

    /// Runs statements, honouring traps and statement-terminating errors.
    pub fn exec_block(&mut self, stmts: &[StatementAst], out: &mut dyn Sink) -> R<()> {
        super::repl_host::check_interrupt()?; // repl: Ctrl-C stops loops and blocks
        let has_trap = stmts.iter().any(|s| matches!(s, StatementAst::Trap(_)));
        for s in stmts {
            if let StatementAst::Trap(_) = s {
                continue;
            }
            if has_trap {
                self.trap_depth += 1;
            }
            let r = self.exec_stmt(s, out);
            if has_trap {
                self.trap_depth -= 1;
            }
            if let Err(Flow::Error(e)) = r {
                if has_trap
                    && !super::repl_host::is_pipeline_stopped(&e) // repl: Ctrl-C is not trapped
                    && let Some(t) = find_trap(stmts, &e)
                {
                    match self.run_trap(t, &e, out)? {
                        TrapOutcome::Continue => continue,
                        TrapOutcome::Report => {
                            self.record_error(&e);
                            self.print_error(&e);
                            continue;
                        }
                    }
                }
                if self.try_depth > 0 || self.trap_depth > 0 || e.script_terminating() {
                    return Err(Flow::Error(e));
                }
                // Statement-terminating: report and go on with the next statement.
                self.record_error(&e);
                self.print_error(&e);
                self.last_ok = false;
                continue;
            }
            r?;
        }
        Ok(())
    }

    fn run_trap(&mut self, t: &TrapStatementAst, e: &ErrorRecord, out: &mut dyn Sink) -> R<TrapOutcome> {
        let old = self.current.lookup("_");
        self.current.set("_", Value::Error(Rc::new(e.clone())));
        let r = self.exec_block(&t.body.statements, out);
        self.current.set("_", old.unwrap_or(Value::Null));
        match r {
            Ok(()) => Ok(TrapOutcome::Report),
            Err(Flow::Continue(_)) => Ok(TrapOutcome::Continue),
            Err(Flow::Break(_)) => Err(Flow::Error(Box::new(e.clone()))),
            Err(other) => Err(other),
        }
    }

    pub fn exec_stmt(&mut self, s: &StatementAst, out: &mut dyn Sink) -> R<()> {
        match s {
            StatementAst::Pipeline(p) => {
                let r = self.run_pipeline(p, out);
                match &r {
                    Ok(()) => {}
                    Err(Flow::Error(_)) => self.last_ok = false,
                    _ => {}
                }
                r
            }
            StatementAst::PipelineChain(c) => self.exec_chain(c, out),
            StatementAst::Assignment(a) => self.exec_assignment(a),
            StatementAst::If(i) => {
                for clause in &i.clauses {
                    let c = self.eval_stmt_value(&clause.condition)?;
                    if to_bool(&c) {
                        return self.exec_block(&clause.body.statements, out);
                    }
                }
                if let Some(e) = &i.else_clause {
                    self.exec_block(&e.statements, out)?;
                }
                Ok(())
            }
            StatementAst::ForEach(f) => self.exec_foreach(f, out),
            StatementAst::For(f) => self.exec_for(f, out),
            StatementAst::While(w) => {
                loop {
                    let c = self.eval_stmt_value(&w.condition)?;
                    if !to_bool(&c) {
                        break;
                    }
                    match self.exec_block(&w.body.statements, out) {
                        Ok(()) => {}
                        Err(f) => match loop_flow(f, &w.label)? {
                            LoopCtl::Break => break,
                            LoopCtl::Continue => continue,
                        },
                    }
                }
                Ok(())
            }
            StatementAst::DoWhile(w) => {
                loop {
                    match self.exec_block(&w.body.statements, out) {
                        Ok(()) => {}
                        Err(f) => match loop_flow(f, &w.label)? {
                            LoopCtl::Break => break,
                            LoopCtl::Continue => {}
                        },
                    }
                    let c = self.eval_stmt_value(&w.condition)?;
                    if !to_bool(&c) {
                        break;
                    }
                }
                Ok(())
            }
            StatementAst::DoUntil(w) => {
                loop {
                    match self.exec_block(&w.body.statements, out) {
                        Ok(()) => {}
                        Err(f) => match loop_flow(f, &w.label)? {
                            LoopCtl::Break => break,
                            LoopCtl::Continue => {}
                        },
                    }
                    let c = self.eval_stmt_value(&w.condition)?;
                    if to_bool(&c) {
                        break;
                    }
                }
                Ok(())
            }
            StatementAst::Break(b) => {
                let label = match &b.label {
                    Some(l) => Some(self.label_of(l)?),
                    None => None,
                };
                Err(Flow::Break(label))
            }
            StatementAst::Continue(c) => {
                let label = match &c.label {
                    Some(l) => Some(self.label_of(l)?),
                    None => None,
                };
                Err(Flow::Continue(label))
            }
            StatementAst::Return(r) => {
                if let Some(p) = &r.pipeline {
                    self.exec_stmt(p, out)?;
                }
                Err(Flow::Return)
            }
            StatementAst::Exit(e) => {
                let code = match &e.pipeline {
                    Some(p) => {
                        let v = self.eval_stmt_value(p)?;
                        convert::to_num(&v).and_then(|n| n.as_i64()).unwrap_or(0) as i32
                    }
                    None => 0,
                };
                Err(Flow::Exit(code))
            }
            StatementAst::Throw(t) => {
                let v = match &t.pipeline {
                    Some(p) => self.eval_stmt_value(p)?,
                    None => match self.current.lookup("_") {
                        Some(Value::Error(e)) => return Err(Flow::Error(Box::new((*e).clone()))),
                        _ => Value::Null,
                    },
                };
                Err(Flow::error(self.throw_record(v, t.span)))
            }
            StatementAst::Try(t) => self.exec_try(t, out),
            StatementAst::Trap(_) => Ok(()),
            StatementAst::FunctionDefinition(f) => {
                self.define_function(f);
                Ok(())
            }
            StatementAst::Switch(s) => self.exec_switch(s, out),
        }
    }

    fn label_of(&mut self, e: &ExpressionAst) -> R<String> {
        match e {
            ExpressionAst::StringConstant(s) => Ok(s.value.clone()),
            other => Ok(to_string(&self.eval(other)?)),
        }
    }

    /// The ErrorRecord for `throw <value>`.
    pub fn throw_record(&mut self, v: Value, span: Span) -> ErrorRecord {
        let mut rec = match &v {
            Value::Error(e) => (**e).clone(),
            Value::Exception(ex) => ErrorRecord::new((**ex).clone(), &ex.type_name, "OperationStopped", Value::Null),
            Value::Null => {
                ErrorRecord::new(Exception::runtime("ScriptHalted"), "ScriptHalted", "OperationStopped", Value::Null)
            }
            other => {
                let msg = to_string(other);
                let mut ex = Exception::runtime(msg.clone());
                if !matches!(other, Value::String(_)) {
                    ex.thrown = Some(other.clone());
                }
                ErrorRecord::new(ex, &msg, "OperationStopped", other.clone())
            }
        };
        rec.position = Some(self.pos(span));
        rec.fqid = if matches!(v, Value::Error(_)) { rec.fqid } else { rec.fqid.clone() };
        rec.script_terminating_mark();
        rec.thrown_by_script = true;
        rec
    }

    fn exec_chain(&mut self, c: &PipelineChainAst, out: &mut dyn Sink) -> R<()> {
        self.exec_stmt(&c.lhs, out)?;
        let ok = self.last_ok;
        let run = match c.operator {
            ChainOperator::AndAnd => ok,
            ChainOperator::OrOr => !ok,
        };
        if run {
            let r = self.run_pipeline(&c.rhs, out);
            if let Err(Flow::Error(_)) = &r {
                self.last_ok = false;
            }
            r?;
        }
        Ok(())
    }

    fn exec_try(&mut self, t: &TryStatementAst, out: &mut dyn Sink) -> R<()> {
        self.try_depth += 1;
        let r = self.exec_block(&t.body.statements, out);
        self.try_depth -= 1;
        let r = match r {
            // repl: Ctrl-C is not caught
            Err(Flow::Error(e)) if !super::repl_host::is_pipeline_stopped(&e) => {
                let mut handled = None;
                for c in &t.catch_clauses {
                    let matches = c.catch_types.is_empty()
                        || c.catch_types.iter().any(|ty| {
                            let want = PsType::resolve(&ty.type_name.full_name()).full_name();
                            convert::exception_is(&e.exception.type_name, &want)
                        });
                    if matches {
                        handled = Some(c);
                        break;
                    }
                }
                match handled {
                    Some(c) => {
                        self.record_error(&e);
                        let old = self.current.lookup("_");
                        self.current.set("_", Value::Error(Rc::new(clean_stop(&e))));
                        let r = self.exec_block(&c.body.statements, out);
                        self.current.set("_", old.unwrap_or(Value::Null));
                        r
                    }
                    None => Err(Flow::Error(e)),
                }
            }
            other => other,
        };
        if let Some(f) = &t.finally {
            self.exec_block(&f.statements, out)?;
        }
        r
    }

    fn exec_foreach(&mut self, f: &ForEachStatementAst, out: &mut dyn Sink) -> R<()> {
        let coll = self.eval_stmt_value(&f.condition)?;
        let items = match &coll {
            Value::Null => Vec::new(),
            Value::Hashtable(_) => vec![coll.clone()],
            other => other.to_list(),
        };
        let var = f.variable.name.clone();
        let en = Rc::new(Enumerator { items, index: RefCell::new(0), is_input: false });
        let old_foreach = self.current.lookup("foreach");
        self.current.set("foreach", Value::Other(en.clone()));
        let mut result = Ok(());
        loop {
            let i = *en.index.borrow();
            let Some(item) = en.items.get(i).cloned() else { break };
            *en.index.borrow_mut() = i + 1;
            self.set_var(&var, item)?;
            match self.exec_block(&f.body.statements, out) {
                Ok(()) => {}
                Err(fl) => match loop_flow(fl, &f.label) {
                    Ok(LoopCtl::Break) => break,
                    Ok(LoopCtl::Continue) => continue,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                },
            }
        }
        self.current.set("foreach", old_foreach.unwrap_or(Value::Null));
        result
    }

    fn exec_for(&mut self, f: &ForStatementAst, out: &mut dyn Sink) -> R<()> {
        if let Some(i) = &f.initializer {
            self.exec_stmt(i, &mut super::command::Discard)?;
        }
        loop {
            if let Some(c) = &f.condition {
                let v = self.eval_stmt_value(c)?;
                if !to_bool(&v) {
                    break;
                }
            }
            match self.exec_block(&f.body.statements, out) {
                Ok(()) => {}
                Err(fl) => match loop_flow(fl, &f.label)? {
                    LoopCtl::Break => break,
                    LoopCtl::Continue => {}
                },
            }
            if let Some(it) = &f.iterator {
                self.exec_stmt(it, &mut super::command::Discard)?;
            }
        }
        Ok(())
    }

    fn exec_switch(&mut self, s: &SwitchStatementAst, out: &mut dyn Sink) -> R<()> {
        let input = if s.flags.file {
            let path = to_string(&self.eval_stmt_value(&s.condition)?);
            let p = self.resolve_path(&path);
            let text = std::fs::read_to_string(&p).map_err(|e| {
                Flow::runtime("FileReadError", format!("Cannot find path '{}' because it does not exist. {e}", p))
            })?;
            text.lines().map(Value::str).collect::<Vec<_>>()
        } else {
            let v = self.eval_stmt_value(&s.condition)?;
            match v {
                Value::Null => vec![Value::Null],
                other => other.to_list(),
            }
        };
        let en = Rc::new(Enumerator { items: input, index: RefCell::new(0), is_input: false });
        let old_switch = self.current.lookup("switch");
        let old_under = self.current.lookup("_");
        self.current.set("switch", Value::Other(en.clone()));
        let r = self.switch_loop(s, &en, out);
        self.current.set("switch", old_switch.unwrap_or(Value::Null));
        self.current.set("_", old_under.unwrap_or(Value::Null));
        r
    }

    fn switch_loop(&mut self, s: &SwitchStatementAst, en: &Rc<Enumerator>, out: &mut dyn Sink) -> R<()> {
        'outer: loop {
            let i = *en.index.borrow();
            let Some(item) = en.items.get(i).cloned() else { break };
            *en.index.borrow_mut() = i + 1;
            self.current.set("_", item.clone());
            let mut matched = false;
            for clause in &s.clauses {
                if self.switch_matches(s, &clause.pattern, &item)? {
                    matched = true;
                    match self.exec_block(&clause.body.statements, out) {
                        Ok(()) => {}
                        Err(Flow::Break(None)) => break 'outer,
                        Err(Flow::Continue(None)) => continue 'outer,
                        Err(Flow::Break(Some(l))) if Some(&l) == s.label.as_ref() => break 'outer,
                        Err(Flow::Continue(Some(l))) if Some(&l) == s.label.as_ref() => continue 'outer,
                        Err(e) => return Err(e),
                    }
                }
            }
            if !matched && let Some(d) = &s.default {
                match self.exec_block(&d.statements, out) {
                    Ok(()) => {}
                    Err(Flow::Break(None)) => break 'outer,
                    Err(Flow::Continue(None)) => continue 'outer,
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    fn switch_matches(&mut self, s: &SwitchStatementAst, pattern: &ExpressionAst, item: &Value) -> R<bool> {
        if let ExpressionAst::ScriptBlock(sb) = pattern {
            let sbv = self.make_scriptblock(sb);
            let v = self.invoke_sb_value(&sbv, vec![], Some(item.clone()), false)?;
            return Ok(to_bool(&v));
        }
        let p = self.eval(pattern)?;
        let cs = s.flags.case_sensitive;
        if s.flags.regex {
            let pat = to_string(&p);
            let text = to_string(item);
            return super::text::regex_match_set(self, &text, &pat, cs);
        }
        if s.flags.wildcard {
            return Ok(super::text::wildcard_match(&to_string(&p), &to_string(item), cs));
        }
        if p.is_null() {
            return Ok(item.is_null());
        }
        // The item and the pattern compare as strings.
        let ps = to_string(&p);
        let it = to_string(item);
        Ok(if cs { ps == it } else { ps.to_lowercase() == it.to_lowercase() })
    }

    fn exec_assignment(&mut self, a: &AssignmentStatementAst) -> R<()> {
        let rhs = self.eval_stmt_value(&a.right)?;
        match a.operator {
            TokenKind::Equals => self.assign(&a.left, rhs),
            TokenKind::QuestionQuestionEquals => {
                let cur = self.eval(&a.left)?;
                if cur.is_null() { self.assign(&a.left, rhs) } else { Ok(()) }
            }
            op => {
                // A compound assignment to an unqualified variable reads the local scope only.
                let cur = match &a.left {
                    ExpressionAst::Variable(v) if v.qualifier.is_none() => {
                        let local = self
                            .current
                            .vars
                            .borrow()
                            .get(super::scope::key(&v.name).as_ref())
                            .map(|x| x.value.clone());
                        match local {
                            Some(x) => x,
                            None if self.current.parent.is_none() => Value::Null,
                            None => match self.current.kind {
                                ScopeKind::Global => Value::Null,
                                _ => Value::Null,
                            },
                        }
                    }
                    _ => self.eval(&a.left).or_else(|f| match f {
                        Flow::Error(_) => Ok(Value::Null),
                        other => Err(other),
                    })?,
                };
                let v = match op {
                    TokenKind::PlusEquals => ops::add(&cur, &rhs),
                    TokenKind::MinusEquals => ops::sub(&cur, &rhs),
                    TokenKind::MultiplyEquals => ops::mul(&cur, &rhs),
                    TokenKind::DivideEquals => ops::div(&cur, &rhs),
                    TokenKind::RemainderEquals => ops::rem(&cur, &rhs),
                    _ => Ok(rhs),
                }
                .map_err(|f| self.at(f, a.error_position))?;
                self.assign(&a.left, v)
            }
        }
    }

    /// Assigns to an l-value expression.
    pub fn assign(&mut self, target: &ExpressionAst, v: Value) -> R<()> {
        match target {
            ExpressionAst::Variable(var) => self.assign_var(var, v),
            ExpressionAst::Convert(c) => {
                let ty = PsType::resolve(&c.type_constraint.type_name.full_name());
                let cv = convert::convert_to(&v, &ty).map_err(|m| self.at(invalid_cast(&m), c.span))?;
                if let ExpressionAst::Variable(var) = &*c.child {
                    let name = var.name.clone();
                    let scope = match var.qualifier.as_deref().map(|q| q.to_ascii_lowercase()) {
                        Some(q) if q == "global" => self.global.clone(),
                        Some(q) if q == "script" => self.current.script_scope(),
                        _ => self.current.clone(),
                    };
                    scope.set_var(Variable { name, value: cv, constraint: Some(ty), private: false, readonly: false });
                    Ok(())
                } else {
                    self.assign(&c.child, cv)
                }
            }
            ExpressionAst::ArrayLiteral(arr) => {
                let items = v.to_list();
                let n = arr.elements.len();
                for (i, el) in arr.elements.iter().enumerate() {
                    let val = if i + 1 == n {
                        let rest: Vec<Value> = items.iter().skip(i).cloned().collect();
                        match rest.len() {
                            0 => Value::Null,
                            1 => rest.into_iter().next().unwrap_or(Value::Null),
                            _ => Value::array(rest),
                        }
                    } else {
                        items.get(i).cloned().unwrap_or(Value::Null)
                    };
                    self.assign(el, val)?;
                }
                Ok(())
            }
            ExpressionAst::Member(m) => {
                let obj = self.eval(&m.expression)?;
                let name = self.member_name(&m.member)?;
                if m.is_static {
                    // Process-wide .NET settings scripts set (TLS protocol, certificate checks) have no effect here.
                    if let Value::Type(t) = &obj
                        && t.full_name().to_ascii_lowercase().ends_with("servicepointmanager")
                    {
                        return Ok(());
                    }
                    return Err(self.at(Flow::runtime("PropertyAssignmentException", format!("'{name}' is a ReadOnly property.")), m.span));
                }
                super::members::set_property(self, &obj, &name, v).map_err(|f| self.at(f, m.span))
            }
            ExpressionAst::Index(ix) => {
                let obj = self.eval(&ix.target)?;
                let idx = self.eval(&ix.index)?;
                super::members::set_index(self, &obj, &idx, v).map_err(|f| self.at(f, ix.span))
            }
            ExpressionAst::Paren(p) => {
                if let StatementAst::Pipeline(pl) = &*p.pipeline
                    && let [CommandBaseAst::Expression(e)] = pl.pipeline_elements.as_slice() {
                        return self.assign(&e.expression, v);
                    }
                Err(self.at(Flow::runtime("InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property."), target.span()))
            }
            _ => Err(self.at(Flow::runtime("InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property."), target.span())),
        }
    }

    fn assign_var(&mut self, var: &VariableExpressionAst, v: Value) -> R<()> {
        match &var.qualifier {
            Some(q) => self.set_qualified(q, &var.name, v),
            None => self.set_var(&var.name, v),
        }
    }

    /// Attaches a position to an error that has none.
    pub fn at(&self, f: Flow, span: Span) -> Flow {
        match f {
            Flow::Error(mut e) => {
                if e.position.is_none() {
                    e.position = Some(self.pos(span));
                }
                Flow::Error(e)
            }
            other => other,
        }
    }

    /// Evaluates a statement and collects its output as one value.
    pub fn eval_stmt_value(&mut self, s: &StatementAst) -> R<Value> {
        // Fast path: a pipeline that is a single expression.
        if let StatementAst::Pipeline(p) = s
            && let [CommandBaseAst::Expression(e)] = p.pipeline_elements.as_slice()
            && e.redirections.is_empty()
        {
            return self.eval(&e.expression);
        }
        if let StatementAst::Assignment(a) = s {
            self.exec_assignment(a)?;
            return self.eval(&a.left);
        }
        let mut c = Collect::default();
        self.exec_stmt(s, &mut c)?;
        Ok(collect_value(c.0))
    }

    // ------------------------------------------------------------------
    // Functions and script blocks
    // ------------------------------------------------------------------

    fn define_function(&mut self, f: &FunctionDefinitionAst) {
        let mut body = f.body.clone();
        if !f.parameters.is_empty() && body.param_block.is_none() {
            body.param_block =
                Some(ParamBlockAst { span: f.span, attributes: Vec::new(), parameters: f.parameters.clone() });
        }
        let text = f.body.span.slice(&self.source).to_string();
        let sb =
            Rc::new(ScriptBlock { ast: Rc::new(body), source: self.source.clone(), text, file: self.file.clone() });
        let info = FunctionInfo { name: f.name.clone(), script_block: sb, is_filter: f.is_filter };
        self.current.functions.borrow_mut().insert(f.name.to_lowercase(), Rc::new(info));
    }

    /// Builds the ScriptBlock value for a `{ ... }` literal.
    pub fn make_scriptblock(&mut self, sb: &ScriptBlockExpressionAst) -> Rc<ScriptBlock> {
        let key = (Rc::as_ptr(&self.source) as *const u8 as usize, sb.span.start);
        let ast = match self.sb_cache.get(&key) {
            Some(a) => a.clone(),
            None => {
                let a = Rc::new(sb.script_block.clone());
                self.sb_cache.insert(key, a.clone());
                a
            }
        };
        let full = sb.span.slice(&self.source);
        let text = full.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(full).to_string();
        Rc::new(ScriptBlock { ast, source: self.source.clone(), text, file: self.file.clone() })
    }

    /// Runs a script block with `$_` set and arguments, collecting the output.
    pub fn invoke_sb_value(
        &mut self,
        sb: &Rc<ScriptBlock>,
        args: Vec<Value>,
        dollar_under: Option<Value>,
        new_scope: bool,
    ) -> R<Value> {
        let mut c = Collect::default();
        self.invoke_sb(sb, args, dollar_under, new_scope, &mut c)?;
        Ok(collect_value(c.0))
    }

    /// Runs a script block (all its blocks, once) writing to `out`.
    /// `new_scope = false` dot-sources it (ForEach-Object, Where-Object).
    pub fn invoke_sb(
        &mut self,
        sb: &Rc<ScriptBlock>,
        args: Vec<Value>,
        dollar_under: Option<Value>,
        new_scope: bool,
        out: &mut dyn Sink,
    ) -> R<()> {
        let saved_scope = self.current.clone();
        if new_scope {
            self.current = Scope::new(ScopeKind::Function, Some(saved_scope.clone()));
        }
        let saved_src = std::mem::replace(&mut self.source, sb.source.clone());
        let saved_file = std::mem::replace(&mut self.file, sb.file.clone());
        let old_under = if new_scope { None } else { self.current.lookup("_") };
        let sets_args = new_scope || !args.is_empty() || sb.ast.param_block.is_some();
        let old_args = if new_scope || !sets_args { None } else { self.current.lookup("args") };
        if let Some(u) = &dollar_under {
            self.current.set("_", u.clone());
        }
        let r = self.run_sb_blocks(sb, args, sets_args, out);
        if !new_scope {
            if dollar_under.is_some() {
                self.current.set("_", old_under.unwrap_or(Value::Null));
            }
            if let Some(a) = old_args {
                self.current.set("args", a);
            }
        }
        self.source = saved_src;
        self.file = saved_file;
        self.current = saved_scope;
        match r {
            Err(Flow::Return) => Ok(()),
            other => other,
        }
    }

    fn run_sb_blocks(&mut self, sb: &Rc<ScriptBlock>, args: Vec<Value>, sets_args: bool, out: &mut dyn Sink) -> R<()> {
        let ast = sb.ast.clone();
        // Bind simple param() from positional args.
        let mut rest = args;
        if let Some(pb) = &ast.param_block {
            let mut items = Vec::new();
            for a in std::mem::take(&mut rest) {
                items.push(ArgItem::Positional { value: a, span: Span::default() });
            }
            let f = super::function::FunctionStage::signature_of(self, &ast)?;
            let bound = super::binder::bind(&f, items, super::binder::Strictness::Lenient, false, true)
                .map_err(|e| Flow::error(e.to_record("")))?;
            super::function::set_param_vars(self, pb, &f, &bound)?;
            rest = bound.extra.clone();
        }
        if sets_args {
            self.current.set("args", Value::array(rest));
        }
        if let Some(b) = &ast.begin_block {
            self.exec_block(&b.statements, out)?;
        }
        if let Some(b) = &ast.process_block {
            self.exec_block(&b.statements, out)?;
        }
        if let Some(b) = &ast.end_block {
            self.exec_block(&b.statements, out)?;
        }
        Ok(())
    }

    // ------------------------------------------------------------------
    // Paths
    // ------------------------------------------------------------------

    /// Resolves a user path: `~`, `\` separators, drive letters via PSDrive
    /// mappings, relative to the current location.
    pub fn resolve_path(&self, p: &str) -> String {
        let mut s = p.replace('\\', "/");
        if s == "~" || s.starts_with("~/") {
            let home = std::env::var("HOME").unwrap_or_default();
            s = format!("{home}{}", &s[1..]);
        }
        let bytes = s.as_bytes();
        if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
            let drive = s[..1].to_ascii_uppercase();
            if let Some(root) = self.drives.get(&drive) {
                let rest = s[2..].trim_start_matches('/');
                return format!("{}/{}", root.trim_end_matches('/'), rest);
            }
            if let Ok(root) = std::env::var(format!("EXOSH_DRIVE_{drive}")) {
                let rest = s[2..].trim_start_matches('/');
                return format!("{}/{}", root.trim_end_matches('/'), rest);
            }
            // No mapping: keep the drive so callers can name the problem.
            return s;
        }
        if s.starts_with('/') {
            return s;
        }
        let rel = s.strip_prefix("./").unwrap_or(&s);
        if rel == "." || rel.is_empty() {
            return self.location.clone();
        }
        format!("{}/{}", self.location.trim_end_matches('/'), rel)
    }
}

enum TrapOutcome {
    Continue,
    Report,
}

fn find_trap<'a>(stmts: &'a [StatementAst], e: &ErrorRecord) -> Option<&'a TrapStatementAst> {
    let mut fallback = None;
    for s in stmts {
        if let StatementAst::Trap(t) = s {
            match &t.trap_type {
                Some(ty) => {
                    let want = PsType::resolve(&ty.type_name.full_name()).full_name();
                    if convert::exception_is(&e.exception.type_name, &want) {
                        return Some(t);
                    }
                }
                None => fallback = Some(t),
            }
        }
    }
    fallback
}

enum LoopCtl {
    Break,
    Continue,
}

fn loop_flow(f: Flow, label: &Option<String>) -> R<LoopCtl> {
    match f {
        Flow::Break(None) => Ok(LoopCtl::Break),
        Flow::Continue(None) => Ok(LoopCtl::Continue),
        Flow::Break(Some(l)) if label.as_ref().is_some_and(|x| x.eq_ignore_ascii_case(&l)) => Ok(LoopCtl::Break),
        Flow::Continue(Some(l)) if label.as_ref().is_some_and(|x| x.eq_ignore_ascii_case(&l)) => Ok(LoopCtl::Continue),
        other => Err(other),
    }
}

/// An enumerator exposed as `$foreach` / `$switch`.
pub struct Enumerator {
    pub items: Vec<Value>,
    /// Index of the next item.
    pub index: RefCell<usize>,
    /// `$input` enumerates in pipelines; `$foreach`/`$switch` do not.
    pub is_input: bool,
}

impl NetObject for Enumerator {
    fn type_name(&self) -> String {
        "System.Collections.IEnumerator".into()
    }
    fn get_property(&self, name: &str) -> Option<Value> {
        if name.eq_ignore_ascii_case("Current") {
            let i = *self.index.borrow();
            return Some(if i == 0 { Value::Null } else { self.items.get(i - 1).cloned().unwrap_or(Value::Null) });
        }
        None
    }
    fn enumerate(&self) -> Option<Vec<Value>> {
        if self.is_input {
            let i = *self.index.borrow();
            Some(self.items.get(i..).map(|s| s.to_vec()).unwrap_or_default())
        } else {
            None
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Pipeline output collected as one value: nothing is `$null`, one item is
/// itself, more are an `Object[]`.
pub fn collect_value(mut items: Vec<Value>) -> Value {
    match items.len() {
        0 => Value::Null,
        1 => items.pop().unwrap_or(Value::Null),
        _ => Value::array(items),
    }
}

pub fn enum_value(ty: &str, name: &str, value: i64) -> Value {
    Value::Enum(Rc::new(EnumValue { type_name: ty.into(), name: name.into(), value }))
}

/// A cast failure as a terminating error.
pub fn invalid_cast(msg: &str) -> Flow {
    Flow::error(ErrorRecord::new(
        Exception::new("System.Management.Automation.PSInvalidCastException", msg),
        "InvalidCastConstructorException",
        "InvalidArgument",
        Value::Null,
    ))
}

/// Wraps an error as `-ErrorAction Stop` does.
pub fn stop_error(mut e: ErrorRecord) -> ErrorRecord {
    e.script_terminating_mark();
    e.stopped = true;
    e
}

fn clean_stop(e: &ErrorRecord) -> ErrorRecord {
    e.clone()
}

fn unsafe_env_set(name: &str, value: &str) {
    // SAFETY: exosh's runtime is single-threaded; no other thread reads the environment.
    unsafe { std::env::set_var(name, value) }
}

fn unsafe_env_remove(name: &str) {
    // SAFETY: as above.
    unsafe { std::env::remove_var(name) }
}

/// Renders an ErrorRecord in pwsh 7's ConciseView.
pub fn render_error(e: &ErrorRecord) -> String {
    let prefix = match &e.from_command {
        Some(c) if !c.is_empty() => c.clone(),
        _ => {
            let t = &e.exception.type_name;
            if t == "System.Management.Automation.RuntimeException" && !e.thrown_by_script {
                "InvalidOperation".to_string()
            } else if t == "System.Management.Automation.RuntimeException" {
                "Exception".to_string()
            } else {
                t.rsplit('.').next().unwrap_or("Exception").to_string()
            }
        }
    };
    let msg = e.message();
    match &e.position {
        // ConciseView shows the position block for errors in script files.
        Some(p) if p.source.is_some() && p.file.is_some() => {
            let src = p.source.clone().unwrap_or_else(|| Rc::from(""));
            let mut out = String::new();
            if let Some(f) = &p.file {
                out.push_str(&format!("{prefix}: {f}:{}\n", p.line()));
            }
            out.push_str(&crate::syntax::render_position(&src, Span::new(p.start, p.end), &msg));
            out
        }
        _ => format!("{prefix}: {msg}\n"),
    }
}
