//! Redirections: `> file`, `>> file`, `2> file`, `2>&1`, `3>$null`, `*> file` ...
//!
//! A pipeline with redirections pushes one [`Redirects`] frame for the time it runs; the
//! writers of the error, warning, verbose, debug and information streams ask
//! [`Interp::redirect_stream`] first and print only when no frame takes the record. Records
//! merged into the success stream (`2>&1`, `*>&1`, and every stream of `*> file`) are queued
//! and emitted before the next output object, so their order with the output is kept.
//! Files are written when the pipeline ends, formatted as Out-File formats (UTF-8, no BOM).

use super::command::{Collect, Discard, Sink};
use super::error::R;
use super::eval::Interp;
use super::pipeline::Stage;
use super::value::*;
use crate::syntax::ast::{RedirectionAst, RedirectionStream};
use std::cell::RefCell;
use std::rc::Rc;

/// The streams other than output that a redirection can take.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stream {
    Error,
    Warning,
    Verbose,
    Debug,
    Information,
}

const ALL: [Stream; 5] = [Stream::Error, Stream::Warning, Stream::Verbose, Stream::Debug, Stream::Information];

fn stream_of(s: RedirectionStream) -> Option<Stream> {
    match s {
        RedirectionStream::Error => Some(Stream::Error),
        RedirectionStream::Warning => Some(Stream::Warning),
        RedirectionStream::Verbose => Some(Stream::Verbose),
        RedirectionStream::Debug => Some(Stream::Debug),
        RedirectionStream::Information => Some(Stream::Information),
        RedirectionStream::All | RedirectionStream::Output => None,
    }
}

type Queue = Rc<RefCell<Vec<Value>>>;

/// Where a redirected stream goes.
#[derive(Clone)]
pub enum Target {
    /// Collected: the success stream's merge queue, or a file's records.
    Collect(Queue),
    /// `$null`.
    Discard,
}

/// The redirections of one running pipeline.
#[derive(Clone, Default)]
pub struct Redirects {
    targets: Vec<(Stream, Target)>,
}

impl Redirects {
    fn set(&mut self, s: Stream, t: Target) {
        self.targets.retain(|(x, _)| *x != s);
        self.targets.push((s, t));
    }
    fn get(&self, s: Stream) -> Option<&Target> {
        self.targets.iter().find(|(x, _)| *x == s).map(|(_, t)| t)
    }
}

/// A record of a non-output stream as pwsh gives it when redirected into output.
pub fn stream_record(s: Stream, msg: &str) -> Value {
    let (type_name, prop) = match s {
        Stream::Warning => ("System.Management.Automation.WarningRecord", "Message"),
        Stream::Verbose => ("System.Management.Automation.VerboseRecord", "Message"),
        Stream::Debug => ("System.Management.Automation.DebugRecord", "Message"),
        Stream::Information | Stream::Error => ("System.Management.Automation.InformationRecord", "MessageData"),
    };
    let mut o = PsObject::typed(type_name);
    o.set_note(prop, Value::str(msg));
    Value::object(o)
}

/// How a stream record reads once formatted (console, Out-String, files).
pub fn record_text(v: &Value) -> Option<String> {
    let Value::Object(o) = v else { return None };
    let o = o.borrow();
    let prefix = match o.type_names.first().map(String::as_str) {
        Some("System.Management.Automation.WarningRecord") => "WARNING: ",
        Some("System.Management.Automation.VerboseRecord") => "VERBOSE: ",
        Some("System.Management.Automation.DebugRecord") => "DEBUG: ",
        Some("System.Management.Automation.InformationRecord") => "",
        _ => return None,
    };
    let msg = o
        .notes()
        .into_iter()
        .find(|(n, _)| n == "Message" || n == "MessageData")
        .map(|(_, v)| super::convert::to_string(&v))
        .unwrap_or_default();
    Some(format!("{prefix}{msg}\n"))
}

impl Interp {
    /// Offers a record of stream `s` to the active redirections: true when one took it
    /// (the caller then prints nothing).
    pub fn redirect_stream(&mut self, s: Stream, record: impl FnOnce() -> Value) -> bool {
        let target = self.redirects.iter().rev().find_map(|r| r.get(s).cloned());
        match target {
            Some(Target::Collect(q)) => {
                q.borrow_mut().push(record());
                true
            }
            Some(Target::Discard) => true,
            None => false,
        }
    }

    /// Writes a line of the warning/verbose/debug/information stream: redirected, or to the host.
    pub fn stream_line(&mut self, s: Stream, prefix: &str, msg: &str) {
        if !self.redirect_stream(s, || stream_record(s, msg)) {
            self.host_line(&format!("{prefix}{msg}"));
        }
    }
}

enum OutTarget {
    Default,
    Discard,
    File(String, bool),
}

/// The redirections of one pipeline element, resolved (file paths evaluated) before it runs.
pub struct Plan {
    out: OutTarget,
    merged: Queue,
    files: Vec<(String, bool, Queue)>,
    frame: Redirects,
}

impl Plan {
    pub fn new(cx: &mut Interp, redirections: &[RedirectionAst]) -> R<Plan> {
        let mut p =
            Plan { out: OutTarget::Default, merged: Queue::default(), files: Vec::new(), frame: Redirects::default() };
        for r in redirections {
            match r {
                RedirectionAst::Merging(m) => {
                    let to = Target::Collect(p.merged.clone());
                    match stream_of(m.from_stream) {
                        Some(s) => p.frame.set(s, to),
                        None => ALL.iter().for_each(|s| p.frame.set(*s, to.clone())),
                    }
                }
                RedirectionAst::File(f) => {
                    let is_null = matches!(&f.location, crate::syntax::ast::ExpressionAst::Variable(v)
                        if v.name.eq_ignore_ascii_case("null"));
                    let path = if is_null {
                        None
                    } else {
                        let v = cx.eval(&f.location)?;
                        Some(cx.resolve_path(&super::convert::to_string(&v)))
                    };
                    match (f.from_stream, path) {
                        (RedirectionStream::Output, None) => p.out = OutTarget::Discard,
                        (RedirectionStream::Output, Some(path)) => p.out = OutTarget::File(path, f.append),
                        (RedirectionStream::All, None) => {
                            p.out = OutTarget::Discard;
                            ALL.iter().for_each(|s| p.frame.set(*s, Target::Discard));
                        }
                        (RedirectionStream::All, Some(path)) => {
                            p.out = OutTarget::File(path, f.append);
                            let to = Target::Collect(p.merged.clone());
                            ALL.iter().for_each(|s| p.frame.set(*s, to.clone()));
                        }
                        (s, None) => {
                            if let Some(s) = stream_of(s) {
                                p.frame.set(s, Target::Discard);
                            }
                        }
                        (s, Some(path)) => {
                            if let Some(s) = stream_of(s) {
                                let q = Queue::default();
                                p.frame.set(s, Target::Collect(q.clone()));
                                p.files.push((path, f.append, q));
                            }
                        }
                    }
                }
            }
        }
        Ok(p)
    }
}

/// A pipeline element with redirections. Its frame is active only while the element's own
/// code runs: when it emits downstream the frame is lifted, so later elements keep their
/// streams (`Get-Item nope 2>&1 | ForEach-Object { ... }` hands the error record to ForEach-Object).
pub struct RedirectStage {
    inner: Box<dyn Stage>,
    plan: Plan,
    /// Output bound for a file (`> file`, `*> file`).
    to_file: Vec<Value>,
}

impl RedirectStage {
    pub fn new(inner: Box<dyn Stage>, plan: Plan) -> RedirectStage {
        RedirectStage { inner, plan, to_file: Vec::new() }
    }

    fn with_frame(
        &mut self,
        cx: &mut Interp,
        out: &mut dyn Sink,
        f: impl FnOnce(&mut dyn Stage, &mut Interp, &mut dyn Sink) -> R<()>,
    ) -> R<()> {
        let depth = cx.redirects.len();
        cx.redirects.push(self.plan.frame.clone());
        let mut discard = Discard;
        let mut collect = Collect(std::mem::take(&mut self.to_file));
        let target: &mut dyn Sink = match self.plan.out {
            OutTarget::Default => out,
            OutTarget::Discard => &mut discard,
            OutTarget::File(..) => &mut collect,
        };
        let mut sink = StageOut { queue: self.plan.merged.clone(), inner: target, depth };
        let r = f(self.inner.as_mut(), cx, &mut sink);
        cx.redirects.truncate(depth);
        let drained = sink.drain(cx);
        self.to_file = collect.0;
        r.and(drained)
    }

    fn write_files(&mut self, cx: &mut Interp) -> R<()> {
        let mut jobs: Vec<(String, bool, Vec<Value>)> = Vec::new();
        if let OutTarget::File(path, append) = &self.plan.out {
            jobs.push((path.clone(), *append, std::mem::take(&mut self.to_file)));
        }
        for (path, append, q) in &self.plan.files {
            jobs.push((path.clone(), *append, std::mem::take(&mut *q.borrow_mut())));
        }
        for (path, append, items) in jobs {
            let text = super::output::out_string(cx, &items);
            let r = super::output::write_text_file(&path, &text, append);
            if let Err(e) = r {
                return Err(super::error::Flow::error(super::error::ErrorRecord::new(
                    super::error::Exception::new("System.IO.IOException", format!("Could not write to '{path}': {e}")),
                    "FileOpenFailure",
                    "OpenError",
                    Value::string(path),
                )));
            }
        }
        Ok(())
    }
}

impl Stage for RedirectStage {
    fn begin(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()> {
        self.with_frame(cx, out, |st, cx, o| st.begin(cx, o))
    }
    fn process(&mut self, cx: &mut Interp, input: Option<Value>, out: &mut dyn Sink) -> R<()> {
        self.with_frame(cx, out, |st, cx, o| st.process(cx, input, o))
    }
    fn end(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()> {
        let r = self.with_frame(cx, out, |st, cx, o| st.end(cx, o));
        let w = self.write_files(cx);
        r.and(w)
    }
}

/// The element's output: queued (merged) records go first; the frame is lifted while
/// objects travel downstream.
struct StageOut<'a> {
    queue: Queue,
    inner: &'a mut dyn Sink,
    depth: usize,
}

impl StageOut<'_> {
    fn forward(&mut self, cx: &mut Interp, v: Value) -> R<()> {
        let lifted = cx.redirects.split_off(self.depth.min(cx.redirects.len()));
        let r = self.inner.emit(cx, v);
        cx.redirects.extend(lifted);
        r
    }
    fn drain(&mut self, cx: &mut Interp) -> R<()> {
        loop {
            let pending: Vec<Value> = std::mem::take(&mut *self.queue.borrow_mut());
            if pending.is_empty() {
                return Ok(());
            }
            for v in pending {
                self.forward(cx, v)?;
            }
        }
    }
}

impl Sink for StageOut<'_> {
    fn emit(&mut self, cx: &mut Interp, v: Value) -> R<()> {
        self.drain(cx)?;
        self.forward(cx, v)
    }
}
