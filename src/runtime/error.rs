//! Runtime errors: `ErrorRecord` as PowerShell has it, and `Flow`, the
//! non-local exits of the evaluator (terminating errors, break/continue,
//! return, exit, stopping upstream pipeline stages).

use super::value::Value;
use std::rc::Rc;

/// A .NET-like exception: type name, message, optional inner exception.
#[derive(Clone, Debug)]
pub struct Exception {
    pub type_name: String,
    pub message: String,
    pub inner: Option<Rc<Exception>>,
    /// The ErrorRecord a RuntimeException carries (for `throw $obj`).
    pub thrown: Option<Value>,
}

impl Exception {
    pub fn new(type_name: &str, message: impl Into<String>) -> Exception {
        Exception { type_name: type_name.to_string(), message: message.into(), inner: None, thrown: None }
    }
    pub fn runtime(message: impl Into<String>) -> Exception {
        Exception::new("System.Management.Automation.RuntimeException", message)
    }
}

/// Where in a script an error happened.
#[derive(Clone, Debug, Default)]
pub struct Position {
    pub file: Option<Rc<str>>,
    pub source: Option<Rc<str>>,
    pub start: usize,
    pub end: usize,
    /// The command name for `Write-Error: ...` style prefixes.
    pub command: Option<String>,
}

impl Position {
    /// 1-based line number of the start.
    pub fn line(&self) -> usize {
        match &self.source {
            Some(s) => s[..self.start.min(s.len())].matches('\n').count() + 1,
            None => 0,
        }
    }
}

/// ErrorCategory names, as pwsh prints them.
pub type ErrorCategory = &'static str;

/// An ErrorRecord.
#[derive(Clone, Debug)]
pub struct ErrorRecord {
    pub exception: Rc<Exception>,
    pub category: ErrorCategory,
    pub fqid: String,
    pub target: Value,
    pub position: Option<Position>,
    /// Set when the error came from Write-Error or a cmdlet (non-terminating origin).
    pub from_command: Option<String>,
    /// Text after "ErrorDetails" when a script wants to override the message.
    pub details: Option<String>,
    /// `throw` and `-ErrorAction Stop` end the script unless caught; other
    /// runtime errors end only the statement.
    pub terminating: bool,
    /// Raised by `-ErrorAction Stop` / `$ErrorActionPreference = 'Stop'`.
    pub stopped: bool,
    /// Raised by a `throw` statement.
    pub thrown_by_script: bool,
}

impl ErrorRecord {
    pub fn new(exception: Exception, fqid: &str, category: ErrorCategory, target: Value) -> ErrorRecord {
        ErrorRecord {
            exception: Rc::new(exception),
            category,
            fqid: fqid.to_string(),
            target,
            position: None,
            from_command: None,
            details: None,
            terminating: false,
            stopped: false,
            thrown_by_script: false,
        }
    }
    /// A RuntimeException with the given id and message.
    pub fn runtime(fqid: &str, message: impl Into<String>) -> ErrorRecord {
        ErrorRecord::new(Exception::runtime(message), fqid, "InvalidOperation", Value::Null)
    }
    pub fn script_terminating(&self) -> bool {
        self.terminating
    }
    pub fn script_terminating_mark(&mut self) {
        self.terminating = true;
    }
    pub fn message(&self) -> String {
        self.details.clone().unwrap_or_else(|| self.exception.message.clone())
    }
    pub fn with_position(mut self, p: Position) -> ErrorRecord {
        if self.position.is_none() {
            self.position = Some(p);
        }
        self
    }
    pub fn category_info(&self) -> String {
        let reason = self.exception.type_name.rsplit('.').next().unwrap_or("Exception").to_string();
        let target = super::convert::to_string(&self.target);
        format!("{} ({}:{}) [{}], {}", self.category, target, short_type(&self.target), "", reason)
    }
}

fn short_type(v: &Value) -> String {
    if v.is_null() { String::new() } else { v.short_type_name() }
}

/// Non-local exits of the evaluator.
#[derive(Debug, Clone)]
pub enum Flow {
    /// A terminating error (an exception in flight).
    Error(Box<ErrorRecord>),
    Break(Option<String>),
    Continue(Option<String>),
    Return,
    Exit(i32),
    /// A downstream stage (Select-Object -First) has what it needs; the
    /// pipeline with this id stops its upstream producers.
    StopUpstream(u64, usize),
}

impl Flow {
    pub fn error(e: ErrorRecord) -> Flow {
        Flow::Error(Box::new(e))
    }
    /// A terminating RuntimeException.
    pub fn runtime(fqid: &str, message: impl Into<String>) -> Flow {
        Flow::error(ErrorRecord::runtime(fqid, message))
    }
    pub fn exception(type_name: &str, fqid: &str, message: impl Into<String>) -> Flow {
        Flow::error(ErrorRecord::new(Exception::new(type_name, message), fqid, "NotSpecified", Value::Null))
    }
}

impl From<ErrorRecord> for Flow {
    fn from(e: ErrorRecord) -> Flow {
        Flow::error(e)
    }
}

/// The evaluator's result type.
pub type R<T> = Result<T, Flow>;
