//! Functions, filters and script blocks as pipeline stages: their `param()`
//! becomes a `Signature` for the shared binder; begin/process/end run in the
//! function's own scope.

use super::binder::{self, ArgItem, Bound, Strictness};
use super::command::Sink;
use super::convert::{self, to_bool};
use super::error::{Flow, Position, R};
use super::eval::Interp;
use super::pipeline::Stage;
use super::scope::{Scope, ScopeKind, Variable};
use super::signature::{Param, Signature};
use super::types::PsType;
use super::value::*;
use crate::syntax::ast::*;
use std::rc::Rc;

pub struct FunctionStage {
    sb: Rc<ScriptBlock>,
    name: String,
    is_filter: bool,
    dot: bool,
    sig: Signature,
    advanced: bool,
    bound: Bound,
    scope: Option<Rc<Scope>>,
    parent: Rc<Scope>,
    input_buf: Vec<Value>,
    position: Position,
    expect_input: bool,
    is_script: bool,
}

fn attr_name(a: &AttributeAst) -> String {
    a.type_name.name.to_ascii_lowercase()
}

fn is_true(cx: &mut Interp, e: &ExpressionAst) -> R<bool> {
    Ok(to_bool(&cx.eval(e)?))
}

impl FunctionStage {
    /// The signature declared by a script block's `param()`.
    pub fn signature_of(cx: &mut Interp, ast: &ScriptBlockAst) -> R<Signature> {
        let mut sig = Signature::new("", "");
        sig.common_parameters = false;
        let Some(pb) = &ast.param_block else { return Ok(sig) };
        let mut advanced = pb.attributes.iter().any(|a| attr_name(a) == "cmdletbinding");
        for a in &pb.attributes {
            if attr_name(a) == "cmdletbinding" {
                for na in &a.named_arguments {
                    let n = na.argument_name.to_ascii_lowercase();
                    if n == "defaultparametersetname" {
                        sig.default_set = Some(convert::to_string(&cx.eval(&na.argument)?));
                    } else if n == "supportsshouldprocess" && is_true(cx, &na.argument)? {
                        sig.supports_should_process = true;
                    }
                }
            }
        }
        let any_position = pb.parameters.iter().any(|p| {
            p.attributes.iter().any(|a| match a {
                AttributeBaseAst::Attribute(at) => {
                    attr_name(at) == "parameter"
                        && at.named_arguments.iter().any(|n| n.argument_name.eq_ignore_ascii_case("position"))
                }
                _ => false,
            })
        });
        let mut next_pos = 0usize;
        for p in &pb.parameters {
            let mut ty = PsType::Object;
            let mut param = Param::new(&p.name.name, PsType::Object);
            param.sets.clear();
            let mut explicit_pos = false;
            for a in &p.attributes {
                match a {
                    AttributeBaseAst::TypeConstraint(t) => ty = PsType::resolve(&t.type_name.full_name()),
                    AttributeBaseAst::Attribute(at) => match attr_name(at).as_str() {
                        "parameter" => {
                            advanced = true;
                            let mut m = super::signature::SetMembership {
                                set: super::signature::ALL_SETS.into(),
                                position: None,
                                mandatory: false,
                                from_pipeline: false,
                                by_property_name: false,
                                remaining: false,
                                help: String::new(),
                            };
                            for na in &at.named_arguments {
                                match na.argument_name.to_ascii_lowercase().as_str() {
                                    "mandatory" => m.mandatory = is_true(cx, &na.argument)?,
                                    "position" => {
                                        let v = cx.eval(&na.argument)?;
                                        m.position = convert::to_num(&v).and_then(|n| n.as_i64()).map(|n| n as usize);
                                        explicit_pos = true;
                                    }
                                    "valuefrompipeline" => m.from_pipeline = is_true(cx, &na.argument)?,
                                    "valuefrompipelinebypropertyname" => {
                                        m.by_property_name = is_true(cx, &na.argument)?
                                    }
                                    "valuefromremainingarguments" => m.remaining = is_true(cx, &na.argument)?,
                                    "parametersetname" => m.set = convert::to_string(&cx.eval(&na.argument)?),
                                    "helpmessage" => m.help = convert::to_string(&cx.eval(&na.argument)?),
                                    _ => {}
                                }
                            }
                            param.sets.push(m);
                        }
                        "alias" => {
                            for e in &at.positional_arguments {
                                let v = cx.eval(e)?;
                                for x in v.to_list() {
                                    param.aliases.push(convert::to_string(&x));
                                }
                            }
                        }
                        "validateset" => {
                            let mut vals = Vec::new();
                            for e in &at.positional_arguments {
                                let v = cx.eval(e)?;
                                for x in v.to_list() {
                                    vals.push(convert::to_string(&x));
                                }
                            }
                            param.validate_set = Some(vals);
                        }
                        "allownull" | "allowemptystring" | "allowemptycollection" => param.allow_empty = true,
                        _ => {}
                    },
                }
            }
            if param.sets.is_empty() {
                param.sets.push(super::signature::SetMembership {
                    set: super::signature::ALL_SETS.into(),
                    position: None,
                    mandatory: false,
                    from_pipeline: false,
                    by_property_name: false,
                    remaining: false,
                    help: String::new(),
                });
            }
            param.ty = ty;
            if !any_position && !explicit_pos && !param.is_switch() {
                for m in param.sets.iter_mut() {
                    if m.position.is_none() && !m.remaining {
                        m.position = Some(next_pos);
                    }
                }
                next_pos += 1;
            }
            sig.params.push(param);
        }
        sig.common_parameters = advanced;
        if advanced {
            // Marker for callers: advanced functions bind strictly.
            sig.synopsis = "advanced".into();
        }
        Ok(sig)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new(
        cx: &mut Interp,
        sb: Rc<ScriptBlock>,
        name: String,
        is_filter: bool,
        items: Vec<ArgItem>,
        expect_input: bool,
        dot: bool,
        position: Position,
    ) -> R<FunctionStage> {
        let saved_src = std::mem::replace(&mut cx.source, sb.source.clone());
        let saved_file = std::mem::replace(&mut cx.file, sb.file.clone());
        let sig = Self::signature_of(cx, &sb.ast);
        cx.source = saved_src;
        cx.file = saved_file;
        let mut sig = sig?;
        sig.name = name.clone();
        let advanced = sig.synopsis == "advanced";
        let strict = if advanced { Strictness::Strict } else { Strictness::Lenient };
        let interactive = cx.is_interactive();
        let bound = binder::bind_or_prompt(&sig, items, strict, expect_input, true, interactive).map_err(|be| {
            let mut e = be.to_record(&name);
            e.position = Some(match be.span {
                Some(s) => cx.pos(s),
                None => position.clone(),
            });
            Flow::error(e)
        })?;
        let is_script = name.ends_with(".ps1");
        Ok(FunctionStage {
            sb,
            name,
            is_filter,
            dot,
            sig,
            advanced,
            bound,
            scope: None,
            parent: cx.current.clone(),
            input_buf: Vec::new(),
            position,
            expect_input,
            is_script,
        })
    }

    fn enter(&self, cx: &mut Interp) -> (Rc<Scope>, Rc<str>, Option<Rc<str>>) {
        let scope = self.scope.clone().unwrap_or_else(|| cx.current.clone());
        let old = std::mem::replace(&mut cx.current, scope);
        let src = std::mem::replace(&mut cx.source, self.sb.source.clone());
        let file = std::mem::replace(&mut cx.file, self.sb.file.clone());
        (old, src, file)
    }

    fn leave(cx: &mut Interp, saved: (Rc<Scope>, Rc<str>, Option<Rc<str>>)) {
        cx.current = saved.0;
        cx.source = saved.1;
        cx.file = saved.2;
    }

    fn run_block(&mut self, cx: &mut Interp, block: Option<&NamedBlockAst>, out: &mut dyn Sink) -> R<()> {
        let Some(b) = block else { return Ok(()) };
        let saved = self.enter(cx);
        let r = cx.exec_block(&b.statements, out);
        Self::leave(cx, saved);
        match r {
            Err(Flow::Return) => Ok(()),
            other => other,
        }
    }

    fn bound_table(&self) -> Value {
        let mut h = Hashtable::new(false);
        for (k, v) in &self.bound.params {
            h.insert(Value::str(k), v.clone());
        }
        Value::hashtable(h)
    }
}

/// Sets parameter variables (bound values or defaults) in the current scope.
pub fn set_param_vars(cx: &mut Interp, pb: &ParamBlockAst, sig: &Signature, bound: &Bound) -> R<()> {
    for (p, decl) in pb.parameters.iter().zip(sig.params.iter()) {
        let name = &p.name.name;
        let value = match bound.get(&decl.name) {
            Some(v) => v.clone(),
            None => match &p.default_value {
                Some(d) => {
                    let v = cx.eval(d)?;
                    if matches!(decl.ty, PsType::Object) {
                        v
                    } else {
                        convert::convert_to(&v, &decl.ty).map_err(|m| super::eval::invalid_cast(&m))?
                    }
                }
                None => match &decl.ty {
                    PsType::Switch => Value::Switch(false),
                    PsType::String => Value::str(""),
                    PsType::Int | PsType::Long | PsType::Double => {
                        convert::convert_to(&Value::Int(0), &decl.ty).unwrap_or(Value::Null)
                    }
                    PsType::Bool => Value::Bool(false),
                    _ => Value::Null,
                },
            },
        };
        let constraint = if matches!(decl.ty, PsType::Object) { None } else { Some(decl.ty.clone()) };
        cx.current.set_var(Variable { name: name.clone(), value, constraint, private: false, readonly: false });
    }
    Ok(())
}

impl Stage for FunctionStage {
    fn begin(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()> {
        let scope = if self.dot {
            self.parent.clone()
        } else {
            Scope::new(if self.is_script { ScopeKind::Script } else { ScopeKind::Function }, Some(self.parent.clone()))
        };
        self.scope = Some(scope.clone());
        let saved = self.enter(cx);
        let r = (|| -> R<()> {
            if let Some(pb) = &self.sb.ast.param_block {
                set_param_vars(cx, pb, &self.sig, &self.bound)?;
            }
            cx.current.set("args", Value::array(self.bound.extra.clone()));
            cx.current.set("PSBoundParameters", self.bound_table());
            let mut inv = PsObject::typed("System.Management.Automation.InvocationInfo");
            let mut cmd = PsObject::typed("System.Management.Automation.FunctionInfo");
            cmd.set_note("Name", Value::string(self.name.clone()));
            inv.set_note("MyCommand", Value::object(cmd));
            inv.set_note("InvocationName", Value::string(self.name.clone()));
            inv.set_note("BoundParameters", self.bound_table());
            inv.set_note("ExpectingInput", Value::Bool(self.expect_input));
            let file = self.position.file.as_deref().map(|s| s.to_string()).unwrap_or_default();
            inv.set_note("ScriptName", Value::string(file.clone()));
            inv.set_note("ScriptLineNumber", Value::Int(self.position.line() as i32));
            inv.set_note("PSScriptRoot", Value::string(dirname(&file)));
            inv.set_note("PSCommandPath", Value::string(file));
            let inv = Value::object(inv);
            cx.current.set("MyInvocation", inv.clone());
            if self.advanced {
                cx.current.set(
                    "PSCmdlet",
                    Value::Other(Rc::new(super::members::PsCmdlet {
                        name: self.name.clone(),
                        set: self.bound.set.clone(),
                        what_if: self.bound.common.what_if,
                        invocation: inv,
                    })),
                );
            }
            if self.is_script
                && let Some(f) = &self.sb.file
            {
                cx.current.set("PSScriptRoot", Value::string(dirname(f)));
                cx.current.set("PSCommandPath", Value::str(f));
            }
            if let Some(ea) = self.bound.common.error_action {
                cx.current.set(
                    "ErrorActionPreference",
                    super::eval::enum_value("System.Management.Automation.ActionPreference", ea.name(), 0),
                );
            }
            if let Some(true) = self.bound.common.verbose {
                cx.current.set(
                    "VerbosePreference",
                    super::eval::enum_value("System.Management.Automation.ActionPreference", "Continue", 2),
                );
            }
            Ok(())
        })();
        Self::leave(cx, saved);
        r?;
        let ast = self.sb.ast.clone();
        self.run_block(cx, ast.begin_block.as_ref(), out)
    }

    fn process(&mut self, cx: &mut Interp, input: Option<Value>, out: &mut dyn Sink) -> R<()> {
        let ast = self.sb.ast.clone();
        let has_process = ast.process_block.is_some() || self.is_filter;
        if let Some(v) = &input {
            if self.advanced {
                let any = binder::bind_pipeline(&self.sig, &mut self.bound, v, true).map_err(|be| {
                    let mut e = be.to_record(&self.name);
                    e.position = Some(self.position.clone());
                    Flow::error(e)
                })?;
                if any {
                    let saved = self.enter(cx);
                    for name in self.bound.from_pipeline.clone() {
                        if let (Some(val), Some(decl)) = (self.bound.get(&name).cloned(), self.sig.find(&name)) {
                            let _ = decl;
                            cx.current.set(&name, val);
                        }
                    }
                    Self::leave(cx, saved);
                }
            }
            if !has_process {
                self.input_buf.push(v.clone());
                return Ok(());
            }
            let saved = self.enter(cx);
            cx.current.set("_", v.clone());
            Self::leave(cx, saved);
        } else if !has_process {
            return Ok(());
        }
        if self.is_filter && ast.process_block.is_none() {
            return self.run_block(cx, ast.end_block.as_ref(), out);
        }
        self.run_block(cx, ast.process_block.as_ref(), out)
    }

    fn end(&mut self, cx: &mut Interp, out: &mut dyn Sink) -> R<()> {
        let ast = self.sb.ast.clone();
        if self.is_filter && ast.process_block.is_none() {
            return Ok(());
        }
        let saved = self.enter(cx);
        let items = std::mem::take(&mut self.input_buf);
        cx.current.set(
            "input",
            Value::Other(Rc::new(super::eval::Enumerator { items, index: std::cell::RefCell::new(0), is_input: true })),
        );
        Self::leave(cx, saved);
        self.run_block(cx, ast.end_block.as_ref(), out)
    }
}

fn dirname(p: &str) -> String {
    match p.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => p[..i].to_string(),
        None => String::new(),
    }
}
