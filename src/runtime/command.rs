//! The cmdlet trait, the per-invocation `Call`, output sinks, and the registry.
//!
//! A cmdlet is declared once: a `Signature` plus a factory for its state.
//! ```text
//! pub fn register(r: &mut Registry) {
//!     r.add(Signature::new("Get-Thing", "Gets things.")
//!         .param(Param::new("Name", PsType::String).position(0)),
//!         || Box::new(GetThing::default()));
//! }
//! impl Cmdlet for GetThing {
//!     fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
//!         out.emit(cx, Value::str("thing"))
//!     }
//! }
//! ```

use super::binder::Bound;
use super::error::{ErrorRecord, Flow, Position, R};
use super::eval::Interp;
use super::signature::Signature;
use super::value::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// Where a stage writes its output objects.
pub trait Sink {
    fn emit(&mut self, cx: &mut Interp, v: Value) -> R<()>;
}

/// A sink that collects.
#[derive(Default)]
pub struct Collect(pub Vec<Value>);

impl Sink for Collect {
    fn emit(&mut self, _cx: &mut Interp, v: Value) -> R<()> {
        self.0.push(v);
        Ok(())
    }
}

/// A sink that discards (Out-Null, `[void]`).
pub struct Discard;

impl Sink for Discard {
    fn emit(&mut self, _cx: &mut Interp, _v: Value) -> R<()> {
        Ok(())
    }
}

/// One invocation of a command: its bound parameters and context.
pub struct Call {
    pub name: String,
    pub bound: Bound,
    /// The current pipeline object (None when the command runs without input).
    pub input: Option<Value>,
    /// True when the command has upstream input.
    pub expecting_input: bool,
    pub position: Position,
    pub pipeline_id: u64,
    pub stage: usize,
}

impl Call {
    /// Gathers what a collecting cmdlet (Sort-Object, Group-Object, Out-File ...) works on:
    /// the current pipeline object, or else the items of `-InputObject` given by name.
    pub fn gather_input(&self, into: &mut Vec<Value>) {
        if let Some(v) = self.input.clone() {
            into.push(v);
        } else if let Some(v) = self.get("InputObject") {
            into.extend(v.to_list());
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.bound.get(name)
    }
    pub fn has(&self, name: &str) -> bool {
        self.bound.has(name)
    }
    pub fn switch(&self, name: &str) -> bool {
        self.bound.switch(name)
    }
    pub fn str(&self, name: &str) -> Option<String> {
        self.bound.str(name)
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        self.bound.int(name)
    }
    pub fn list(&self, name: &str) -> Vec<Value> {
        self.bound.list(name)
    }
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.bound.strings(name)
    }
    /// The `Flow` that stops the upstream commands of this pipeline
    /// (Select-Object -First has what it needs).
    pub fn stop_upstream(&self) -> Flow {
        Flow::StopUpstream(self.pipeline_id, self.stage)
    }
    /// An ErrorRecord attributed to this command (for `write_error`).
    pub fn error(&self, e: ErrorRecord) -> ErrorRecord {
        let mut e = e.with_position(self.position.clone());
        if e.from_command.is_none() {
            e.from_command = Some(self.name.clone());
        }
        e
    }
}

/// A cmdlet's behaviour; state lives in the implementing struct.
pub trait Cmdlet {
    fn begin(&mut self, _cx: &mut Interp, _call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        Ok(())
    }
    /// Called once per pipeline object, or once when there is no input.
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()>;
    fn end(&mut self, _cx: &mut Interp, _call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        Ok(())
    }
}

/// A registered cmdlet: its signature and a factory for fresh state.
pub struct CmdletInfo {
    pub signature: Signature,
    pub new: Box<dyn Fn() -> Box<dyn Cmdlet>>,
}

/// All cmdlets by name, plus aliases.
#[derive(Default)]
pub struct Registry {
    pub cmdlets: HashMap<String, Rc<CmdletInfo>>,
    pub aliases: HashMap<String, String>,
    /// Names in registration order (Get-Command lists them sorted).
    pub order: Vec<String>,
}

impl Registry {
    /// Registers a cmdlet (and its signature's aliases).
    pub fn add(&mut self, signature: Signature, new: impl Fn() -> Box<dyn Cmdlet> + 'static) {
        let name = signature.name.clone();
        for a in &signature.aliases {
            self.aliases.insert(a.to_ascii_lowercase(), name.clone());
        }
        self.order.push(name.clone());
        self.cmdlets.insert(name.to_ascii_lowercase(), Rc::new(CmdletInfo { signature, new: Box::new(new) }));
    }
    pub fn alias(&mut self, alias: &str, target: &str) {
        self.aliases.insert(alias.to_ascii_lowercase(), target.to_string());
    }
    pub fn get(&self, name: &str) -> Option<Rc<CmdletInfo>> {
        let l = name.to_ascii_lowercase();
        if let Some(c) = self.cmdlets.get(&l) {
            return Some(c.clone());
        }
        // Module-qualified names: Microsoft.PowerShell.Utility\Select-Object
        if let Some((_, n)) = l.rsplit_once('\\') {
            return self.cmdlets.get(n).cloned();
        }
        None
    }
    pub fn resolve_alias(&self, name: &str) -> Option<String> {
        self.aliases.get(&name.to_ascii_lowercase()).cloned()
    }
    /// Every signature, for Get-Command, Get-Help and the completer.
    pub fn signatures(&self) -> Vec<&Signature> {
        let mut v: Vec<&Signature> = self.cmdlets.values().map(|c| &c.signature).collect();
        v.sort_by_key(|s| s.name.to_ascii_lowercase());
        v
    }
}

/// Builds the registry with every built-in cmdlet.
pub fn builtin_registry() -> Registry {
    let mut r = Registry::default();
    crate::cmdlets::register_all(&mut r);
    r
}
