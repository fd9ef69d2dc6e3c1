//! Pipelines: every stage is bound before any runs; objects stream from
//! stage to stage (push model); a stage can stop its upstream.

use super::binder::{self, ArgItem, Strictness};
use super::command::{Call, CmdletInfo, Sink};
use super::convert::to_string;
use super::error::{ErrorRecord, Exception, Flow, R};
use super::eval::Interp;
use super::function::FunctionStage;
use super::value::*;
use crate::syntax::Span;
use crate::syntax::ast::*;
use std::cell::RefCell;
use std::rc::Rc;

/// A running pipeline element.
pub trait Stage {
    fn begin(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()>;
    /// `None`: the stage runs without pipeline input (first stage).
    fn process(&mut self, cx: &mut Interp, input: Option<Value>, out: &mut dyn Sink) -> R<()>;
    fn end(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()>;
}

/// Sends objects to stage `next` (or the final sink).
struct Downstream<'a> {
    stages: &'a [RefCell<Box<dyn Stage>>],
    next: usize,
    last: &'a mut dyn Sink,
}

impl Sink for Downstream<'_> {
    fn emit(&mut self, cx: &mut Interp, v: Value) -> R<()> {
        super::repl_host::check_interrupt()?; // repl: Ctrl-C between pipeline objects
        if self.next >= self.stages.len() {
            return self.last.emit(cx, v);
        }
        let Ok(mut st) = self.stages[self.next].try_borrow_mut() else {
            return Err(Flow::runtime("PipelineReentrancy", "A pipeline stage was re-entered."));
        };
        let mut ds = Downstream { stages: self.stages, next: self.next + 1, last: &mut *self.last };
        st.process(cx, Some(v), &mut ds)
    }
}

/// Emits a value the way a pipeline writes expression output: enumerables are unrolled.
pub fn emit_enumerated(cx: &mut Interp, v: Value, out: &mut dyn Sink) -> R<()> {
    match &v {
        Value::Array(a) => {
            let items = a.items.borrow().clone();
            for it in items {
                out.emit(cx, it)?;
            }
            Ok(())
        }
        Value::List(l) => {
            let items = l.items.borrow().clone();
            for it in items {
                out.emit(cx, it)?;
            }
            Ok(())
        }
        Value::Null => Ok(()),
        Value::Other(o) => match o.enumerate() {
            Some(items) => {
                for it in items {
                    out.emit(cx, it)?;
                }
                Ok(())
            }
            None => out.emit(cx, v),
        },
        _ => out.emit(cx, v),
    }
}

/// The first element of a pipeline when it is an expression.
struct ExprStage {
    expr: ExpressionAst,
    /// True when the expression is `$null` literally (emits one `$null`).
    emits_null: bool,
}

impl Stage for ExprStage {
    fn begin(&mut self, _cx: &mut Interp, _out: &mut dyn Sink) -> R<()> {
        Ok(())
    }
    fn process(&mut self, cx: &mut Interp, _input: Option<Value>, out: &mut dyn Sink) -> R<()> {
        let v = cx.eval(&self.expr)?;
        if v.is_null() && self.emits_null {
            return out.emit(cx, Value::Null);
        }
        if v.is_null() {
            // `$x | ...` and `$() | ...` send one $null; a paren'd command with no output sends nothing.
            let from_command = matches!(&self.expr, ExpressionAst::Paren(p) if !matches!(&*p.pipeline, StatementAst::Pipeline(pl) if matches!(pl.pipeline_elements.as_slice(), [CommandBaseAst::Expression(_)])));
            if !from_command {
                return out.emit(cx, Value::Null);
            }
            return Ok(());
        }
        emit_enumerated(cx, v, out)
    }
    fn end(&mut self, _cx: &mut Interp, _out: &mut dyn Sink) -> R<()> {
        Ok(())
    }
}

/// A cmdlet in a pipeline.
pub struct CmdletStage {
    pub info: Rc<CmdletInfo>,
    pub cmd: Box<dyn super::command::Cmdlet>,
    pub call: Call,
    /// Output so far, for -OutVariable.
    out_var: Vec<Value>,
    /// Errors so far, for -ErrorVariable.
    err_var: Vec<Value>,
}

/// A sink that copies what passes to a list (-OutVariable).
struct TeeSink<'a> {
    inner: &'a mut dyn Sink,
    copy: &'a mut Vec<Value>,
}

impl Sink for TeeSink<'_> {
    fn emit(&mut self, cx: &mut Interp, v: Value) -> R<()> {
        self.copy.push(v.clone());
        self.inner.emit(cx, v)
    }
}

/// Stores -OutVariable / -ErrorVariable results (`+name` appends).
fn store_var(cx: &mut Interp, spec: &str, items: &[Value]) {
    let (append, name) = match spec.strip_prefix('+') {
        Some(n) => (true, n),
        None => (false, spec),
    };
    let mut all = if append { cx.var_or_null(name).to_list() } else { Vec::new() };
    all.extend(items.iter().cloned());
    let _ = cx.set_var(name, Value::array_list(all));
}

impl CmdletStage {
    fn run<F>(&mut self, cx: &mut Interp, out: &mut dyn Sink, f: F) -> R<()>
    where
        F: FnOnce(&mut Box<dyn super::command::Cmdlet>, &mut Interp, &mut Call, &mut dyn Sink) -> R<()>,
    {
        // -ErrorAction for the command's own errors: set the preference while it runs.
        let ea = self.call.bound.common.error_action;
        let saved = ea.map(|a| {
            let local = cx.current.vars.borrow().get("erroractionpreference").map(|v| v.value.clone());
            cx.current.set(
                "ErrorActionPreference",
                super::eval::enum_value("System.Management.Automation.ActionPreference", a.name(), 0),
            );
            local
        });
        let collect_errors = self.call.bound.common.error_variable.is_some();
        if collect_errors {
            cx.error_collectors.push(Vec::new());
        }
        let r = match self.call.bound.common.out_variable.clone() {
            Some(_) => {
                let mut copy = Vec::new();
                let r = {
                    let mut tee = TeeSink { inner: out, copy: &mut copy };
                    f(&mut self.cmd, cx, &mut self.call, &mut tee)
                };
                self.out_var.extend(copy);
                r
            }
            None => f(&mut self.cmd, cx, &mut self.call, out),
        };
        if collect_errors {
            let errs = cx.error_collectors.pop().unwrap_or_default();
            self.err_var.extend(errs.into_iter().map(|e| Value::Error(Rc::new(e))));
            if let Err(Flow::Error(e)) = &r {
                self.err_var.push(Value::Error(Rc::new((**e).clone())));
            }
        }
        if let Some(old) = saved {
            match old {
                Some(v) => cx.current.set("ErrorActionPreference", v),
                None => {
                    cx.current.remove("ErrorActionPreference");
                }
            }
        }
        if let Some(name) = self.call.bound.common.out_variable.clone() {
            let items = self.out_var.clone();
            store_var(cx, &name, &items);
        }
        if let Some(name) = self.call.bound.common.error_variable.clone() {
            let items = self.err_var.clone();
            store_var(cx, &name, &items);
        }
        r
    }
}

impl Stage for CmdletStage {
    fn begin(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()> {
        self.run(cx, out, |c, cx, call, out| c.begin(cx, call, out))
    }
    fn process(&mut self, cx: &mut Interp, input: Option<Value>, out: &mut dyn Sink) -> R<()> {
        if let Some(v) = &input {
            let sig = &self.info.signature;
            match binder::bind_pipeline(sig, &mut self.call.bound, v, false) {
                Ok(true) => {}
                Ok(false) => {
                    let mut e = self.call.error(binder::input_not_bound().to_record(&self.call.name));
                    e.target = v.clone();
                    return cx.write_error(self.call.bound.common.error_action, e);
                }
                Err(be) => {
                    let mut e = self.call.error(be.to_record(&self.call.name));
                    e.target = v.clone();
                    return cx.write_error(self.call.bound.common.error_action, e);
                }
            }
        }
        self.call.input = input;
        self.run(cx, out, |c, cx, call, out| c.process(cx, call, out))
    }
    fn end(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()> {
        self.call.input = None;
        self.run(cx, out, |c, cx, call, out| c.end(cx, call, out))
    }
}

/// What a command name resolves to.
pub enum Resolved {
    Cmdlet(Rc<CmdletInfo>),
    Function(Rc<super::scope::FunctionInfo>),
    ScriptBlock(Rc<ScriptBlock>, bool),
    Script(String),
}

impl Interp {
    /// Finds a command by name: alias, function, cmdlet, script file.
    pub fn resolve_command(&mut self, name: &str) -> Option<Resolved> {
        if let Some(f) = self.current.find_function(name) {
            return Some(Resolved::Function(f));
        }
        let target = self.registry.resolve_alias(name).unwrap_or_else(|| name.to_string());
        if let Some(f) = self.current.find_function(&target) {
            return Some(Resolved::Function(f));
        }
        if let Some(c) = self.registry.get(&target) {
            return Some(Resolved::Cmdlet(c));
        }
        if name.ends_with(".ps1") {
            let p = self.resolve_path(name);
            if std::path::Path::new(&p).is_file() {
                return Some(Resolved::Script(p));
            }
        }
        None
    }

    /// Evaluates command arguments (splatting included).
    fn eval_args(&mut self, elements: &[CommandElementAst]) -> R<Vec<ArgItem>> {
        let mut items = Vec::with_capacity(elements.len());
        let mut end_of_params = false;
        for el in elements {
            match el {
                CommandElementAst::Parameter(p) => {
                    if end_of_params {
                        items.push(ArgItem::Positional {
                            value: Value::string(format!("-{}", p.parameter_name)),
                            span: p.span,
                        });
                        continue;
                    }
                    if p.parameter_name == "-" && p.argument.is_none() {
                        end_of_params = true;
                        continue;
                    }
                    let value = match &p.argument {
                        Some(a) => Some(self.eval(a)?),
                        None => None,
                    };
                    items.push(ArgItem::Named { name: p.parameter_name.clone(), value, span: p.parameter_span });
                }
                CommandElementAst::Expression(ExpressionAst::Variable(v)) if v.splatted => {
                    let val = self.var_or_null(&v.name);
                    match &val {
                        Value::Hashtable(h) => {
                            for (k, v2) in h.borrow().entries() {
                                let name = to_string(&k);
                                let value = Some(v2.clone());
                                items.push(ArgItem::Named { name, value, span: v.span });
                            }
                        }
                        Value::Array(_) | Value::List(_) => {
                            for x in val.to_list() {
                                items.push(ArgItem::Positional { value: x, span: v.span });
                            }
                        }
                        Value::Null => {}
                        other => items.push(ArgItem::Positional { value: other.clone(), span: v.span }),
                    }
                }
                CommandElementAst::Expression(ExpressionAst::StringConstant(s))
                    if !end_of_params && s.value == "--" && s.string_const_type == StringConstantType::BareWord =>
                {
                    end_of_params = true;
                }
                CommandElementAst::Expression(e) => {
                    let mut v = self.eval(e)?;
                    if let Value::List(_) = v {
                        v = Value::array(v.to_list());
                    }
                    items.push(ArgItem::Positional { value: v, span: e.span() });
                }
            }
        }
        Ok(items)
    }

    fn command_not_found(&self, name: &str, span: Span) -> Flow {
        // Exchange families outside the product say so (cmdlets/exchange/unsupported.rs).
        if let Some(mut e) = crate::cmdlets::exchange::unsupported::not_emulated_error(name) {
            e.position = Some(self.pos(span));
            return Flow::error(e);
        }
        let mut e = ErrorRecord::new(
            Exception::new(
                "System.Management.Automation.CommandNotFoundException",
                format!(
                    "The term '{name}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again."
                ),
            ),
            "CommandNotFoundException",
            "ObjectNotFound",
            Value::str(name),
        );
        e.position = Some(self.pos(span));
        e.from_command = Some(name.to_string());
        Flow::error(e)
    }

    /// Builds the stage for one command element (binding its arguments).
    fn build_stage(&mut self, c: &CommandAst, expect_input: bool, pid: u64, idx: usize) -> R<Box<dyn Stage>> {
        let Some(first) = c.command_elements.first() else {
            return Err(Flow::runtime("EmptyCommand", "Empty command."));
        };
        let name_val = match first {
            CommandElementAst::Expression(ExpressionAst::StringConstant(s)) => Value::str(&s.value),
            CommandElementAst::Expression(e) => self.eval(e)?,
            CommandElementAst::Parameter(p) => Value::string(format!("-{}", p.parameter_name)),
        };
        let dot = c.invocation_operator == Some(InvocationOperator::Dot);
        let resolved = match &name_val {
            Value::ScriptBlock(sb) => Resolved::ScriptBlock(sb.clone(), dot),
            other => {
                let name = to_string(other);
                match self.resolve_command(&name) {
                    Some(r) => r,
                    None => return Err(self.command_not_found(&name, first.span())),
                }
            }
        };
        let items = self.eval_args(&c.command_elements[1..])?;
        let position = {
            let mut p = self.pos(c.span);
            p.command = Some(to_string(&name_val));
            p
        };
        match resolved {
            Resolved::Cmdlet(info) => {
                let name = info.signature.name.clone();
                let bound = binder::bind_or_prompt(
                    &info.signature,
                    items,
                    Strictness::Strict,
                    expect_input,
                    false,
                    self.is_interactive(),
                )
                .map_err(|be| {
                    let mut e = be.to_record(&name);
                    e.position = Some(match be.span {
                        Some(s) => self.pos(s),
                        None => self.pos(c.span),
                    });
                    Flow::error(e)
                })?;
                let cmd = (info.new)();
                let call = Call {
                    name: name.clone(),
                    bound,
                    input: None,
                    expecting_input: expect_input,
                    position,
                    pipeline_id: pid,
                    stage: idx,
                };
                Ok(Box::new(CmdletStage { info, cmd, call, out_var: Vec::new(), err_var: Vec::new() }))
            }
            Resolved::Function(f) => {
                let st = FunctionStage::new(
                    self,
                    f.script_block.clone(),
                    f.name.clone(),
                    f.is_filter,
                    items,
                    expect_input,
                    false,
                    position,
                )?;
                Ok(Box::new(st))
            }
            Resolved::ScriptBlock(sb, dot) => {
                let st = FunctionStage::new(self, sb, String::new(), false, items, expect_input, dot, position)?;
                Ok(Box::new(st))
            }
            Resolved::Script(path) => {
                let text = std::fs::read(&path)
                    .map(|b| crate::cli::decode_script(&b))
                    .map_err(|e| Flow::runtime("ScriptReadError", format!("Cannot read script '{path}': {e}")))?;
                let ast = crate::syntax::parse(&text).map_err(|errs| {
                    let msg = errs.first().map(|e| e.message.clone()).unwrap_or_default();
                    Flow::runtime("ParseError", msg)
                })?;
                let src: Rc<str> = Rc::from(text.as_str());
                let sb = Rc::new(ScriptBlock {
                    ast: Rc::new(ast),
                    source: src,
                    text: text.clone(),
                    file: Some(Rc::from(path.as_str())),
                });
                let st = FunctionStage::new(self, sb, path.clone(), false, items, expect_input, dot, position)?;
                Ok(Box::new(st))
            }
        }
    }

    /// Runs a pipeline, writing its output to `out`.
    pub fn run_pipeline(&mut self, p: &PipelineAst, out: &mut dyn Sink) -> R<()> {
        // Fast path: a single expression.
        if let [CommandBaseAst::Expression(e)] = p.pipeline_elements.as_slice()
            && e.redirections.is_empty()
        {
            let v = self.eval(&e.expression)?;
            self.last_ok = true;
            if v.is_null() && is_null_literal(&e.expression) {
                return out.emit(self, Value::Null);
            }
            if !is_value_statement(&e.expression) {
                return Ok(());
            }
            return emit_enumerated(self, v, out);
        }
        let pid = self.next_pipeline_id;
        self.next_pipeline_id += 1;
        let saved_failed = std::mem::replace(&mut self.pipeline_failed, false);
        let n = p.pipeline_elements.len();
        let mut stages: Vec<RefCell<Box<dyn Stage>>> = Vec::with_capacity(n);
        for (i, el) in p.pipeline_elements.iter().enumerate() {
            let (st, redirections): (Box<dyn Stage>, &[RedirectionAst]) = match el {
                CommandBaseAst::Expression(e) => (
                    Box::new(ExprStage { expr: e.expression.clone(), emits_null: is_null_literal(&e.expression) }),
                    &e.redirections,
                ),
                CommandBaseAst::Command(c) => match self.build_stage(c, i > 0, pid, i) {
                    Ok(s) => (s, &c.redirections),
                    Err(e) => {
                        self.pipeline_failed = saved_failed;
                        return Err(e);
                    }
                },
            };
            let st: Box<dyn Stage> = if redirections.is_empty() {
                st
            } else {
                match super::redirect::Plan::new(self, redirections) {
                    Ok(plan) => Box::new(super::redirect::RedirectStage::new(st, plan)),
                    Err(e) => {
                        self.pipeline_failed = saved_failed;
                        return Err(e);
                    }
                }
            };
            stages.push(RefCell::new(st));
        }
        let sink: &mut dyn Sink = out;
        let r = run_stages(self, &stages, pid, sink);
        let failed = self.pipeline_failed;
        self.pipeline_failed = saved_failed;
        self.last_ok = !failed && r.is_ok();
        r
    }
}

fn is_null_literal(e: &ExpressionAst) -> bool {
    matches!(e, ExpressionAst::Variable(v) if v.name.eq_ignore_ascii_case("null") && v.qualifier.is_none())
}

/// Assignment-like expressions (`$x++` as a statement) produce no output.
fn is_value_statement(e: &ExpressionAst) -> bool {
    !matches!(e, ExpressionAst::Unary(u) if matches!(u.token_kind,
        crate::syntax::ast::TokenKind::PostfixPlusPlus | crate::syntax::ast::TokenKind::PostfixMinusMinus
        | crate::syntax::ast::TokenKind::PlusPlus | crate::syntax::ast::TokenKind::MinusMinus))
}

fn run_stages(cx: &mut Interp, stages: &[RefCell<Box<dyn Stage>>], pid: u64, out: &mut dyn Sink) -> R<()> {
    let n = stages.len();
    // begin, upstream first
    for i in 0..n {
        let mut ds = Downstream { stages, next: i + 1, last: &mut *out };
        let Ok(mut st) = stages[i].try_borrow_mut() else { continue };
        match st.begin(cx, &mut ds) {
            Ok(()) => {}
            Err(Flow::StopUpstream(id, at)) if id == pid => {
                drop(st);
                return finish_from(cx, stages, at.max(i), out, pid);
            }
            Err(e) => return Err(e),
        }
    }
    // the first stage runs once without input
    {
        let mut ds = Downstream { stages, next: 1, last: &mut *out };
        let r = match stages[0].try_borrow_mut() {
            Ok(mut st) => st.process(cx, None, &mut ds),
            Err(_) => Ok(()),
        };
        match r {
            Ok(()) => {}
            Err(Flow::StopUpstream(id, at)) if id == pid => {
                return finish_from(cx, stages, at, out, pid);
            }
            Err(e) => return Err(e),
        }
    }
    finish_from(cx, stages, 0, out, pid)
}

/// Runs `end` of stages `from..`, each feeding the next.
fn finish_from(
    cx: &mut Interp,
    stages: &[RefCell<Box<dyn Stage>>],
    from: usize,
    out: &mut dyn Sink,
    pid: u64,
) -> R<()> {
    let n = stages.len();
    let mut i = from;
    while i < n {
        let mut ds = Downstream { stages, next: i + 1, last: &mut *out };
        let r = match stages[i].try_borrow_mut() {
            Ok(mut st) => st.end(cx, &mut ds),
            Err(_) => Ok(()),
        };
        match r {
            Ok(()) => {}
            Err(Flow::StopUpstream(id, _)) if id == pid => {}
            Err(e) => return Err(e),
        }
        i += 1;
    }
    Ok(())
}
