//! ForEach-Object and Where-Object.

use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::{to_bool, to_string};
use crate::runtime::error::R;
use crate::runtime::eval::Interp;
use crate::runtime::expr::compare_by_name;
use crate::runtime::members;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::{ScriptBlock, Value};
use std::rc::Rc;

fn blocks() -> PsType {
    PsType::Array(Box::new(PsType::ScriptBlock))
}

/// Where-Object's comparison switches (name, operator).
pub const WHERE_OPERATORS: &[&str] = &[
    "EQ",
    "NE",
    "GT",
    "GE",
    "LT",
    "LE",
    "Like",
    "NotLike",
    "Match",
    "NotMatch",
    "Contains",
    "NotContains",
    "In",
    "NotIn",
    "Is",
    "IsNot",
    "CEQ",
    "CNE",
    "CGT",
    "CGE",
    "CLT",
    "CLE",
    "CLike",
    "CNotLike",
    "CMatch",
    "CNotMatch",
    "CContains",
    "CNotContains",
    "CIn",
    "CNotIn",
    "Not",
];

pub fn register(r: &mut Registry) {
    r.add(
        Signature::new("ForEach-Object", "Runs a script block or reads a member for each input object.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Begin", PsType::ScriptBlock).set("ScriptBlockSet"))
            .param(Param::new("Process", blocks()).set("ScriptBlockSet").position(0).mandatory())
            .param(Param::new("End", PsType::ScriptBlock).set("ScriptBlockSet"))
            .param(Param::new("RemainingScripts", blocks()).set("ScriptBlockSet").remaining())
            .param(Param::new("MemberName", PsType::String).set("PropertyAndMethodSet").position(0).mandatory())
            .param(
                Param::new("ArgumentList", PsType::Array(Box::new(PsType::Object)))
                    .set("PropertyAndMethodSet")
                    .alias("Args"),
            )
            .default_set("ScriptBlockSet")
            .alias("%")
            .alias("foreach")
            .example("1..3 | ForEach-Object { $_ * 2 }", "Doubles each number."),
        || Box::new(ForEachObject::default()),
    );
    let mut sig = Signature::new("Where-Object", "Selects objects by a script block or a property comparison.")
        .param(Param::new("InputObject", PsType::Object).pipeline())
        .param(Param::new("FilterScript", PsType::ScriptBlock).set("ScriptBlockSet").position(0).mandatory())
        .param(Param::new("Property", PsType::String).set("CompareSet").position(0).mandatory())
        .param(Param::new("Value", PsType::Object).set("CompareSet").position(1))
        .default_set("ScriptBlockSet")
        .example("1..10 | Where-Object { $_ % 2 -eq 0 }", "Even numbers.")
        .example("Get-MigrationBatch | Where-Object Status -eq Synced", "Batches in the Synced state.");
    for op in WHERE_OPERATORS {
        sig = sig.param(Param::switch(op).set("CompareSet"));
    }
    r.add(sig, || Box::new(WhereObject));
}

#[derive(Default)]
struct ForEachObject {
    begin: Option<Rc<ScriptBlock>>,
    process: Vec<Rc<ScriptBlock>>,
    end: Option<Rc<ScriptBlock>>,
}

fn sb_of(v: &Value) -> Option<Rc<ScriptBlock>> {
    match v {
        Value::ScriptBlock(s) => Some(s.clone()),
        _ => None,
    }
}

impl Cmdlet for ForEachObject {
    fn begin(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        if call.bound.set == "PropertyAndMethodSet" {
            return Ok(());
        }
        let mut scripts: Vec<Option<Rc<ScriptBlock>>> = call.list("Process").iter().map(sb_of).collect();
        scripts.extend(call.list("RemainingScripts").iter().map(sb_of));
        if call.has("Begin") || call.has("End") || scripts.len() < 2 {
            self.begin = call.get("Begin").and_then(sb_of);
            self.end = call.get("End").and_then(sb_of);
            self.process = scripts.into_iter().flatten().collect();
        } else {
            self.begin = scripts.first().cloned().flatten();
            if scripts.len() > 2 {
                self.end = scripts.last().cloned().flatten();
                self.process = scripts[1..scripts.len() - 1].iter().flatten().cloned().collect();
            } else {
                self.process = scripts[1..].iter().flatten().cloned().collect();
            }
        }
        if let Some(b) = self.begin.clone() {
            cx.invoke_sb(&b, vec![], None, false, out)?;
        }
        Ok(())
    }

    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let input = call.input.clone().or_else(|| call.get("InputObject").cloned()).unwrap_or(Value::Null);
        if call.input.is_none() && !call.has("InputObject") && call.bound.set == "PropertyAndMethodSet" {
            return Ok(());
        }
        if call.bound.set == "PropertyAndMethodSet" {
            let name = call.str("MemberName").unwrap_or_default();
            let args = call.list("ArgumentList");
            if input.is_null() {
                return Ok(());
            }
            let v = if call.has("ArgumentList") {
                members::invoke_method(cx, &input, &name, args)?
            } else {
                let p = members::get_property(cx, &input, &name)?;
                if p.is_null() && has_method(&input, &name) {
                    members::invoke_method(cx, &input, &name, vec![])?
                } else {
                    p
                }
            };
            return crate::runtime::pipeline::emit_enumerated(cx, v, out);
        }
        let blocks = self.process.clone();
        for sb in &blocks {
            cx.invoke_sb(sb, vec![], Some(input.clone()), false, out)?;
        }
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, _call: &mut Call, out: &mut dyn Sink) -> R<()> {
        if let Some(e) = self.end.clone() {
            cx.invoke_sb(&e, vec![], None, false, out)?;
        }
        Ok(())
    }
}

fn has_method(v: &Value, name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    match v {
        Value::String(_) => {
            matches!(l.as_str(), "toupper" | "tolower" | "trim" | "split" | "tostring" | "gettype" | "tochararray")
        }
        _ => matches!(l.as_str(), "tostring" | "gettype"),
    }
}

#[derive(Default)]
struct WhereObject;

impl Cmdlet for WhereObject {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let Some(input) = call.input.clone().or_else(|| call.get("InputObject").cloned()) else {
            return Ok(());
        };
        if let Some(Value::ScriptBlock(sb)) = call.get("FilterScript") {
            let sb = sb.clone();
            let v = cx.invoke_sb_value(&sb, vec![], Some(input.clone()), false)?;
            if to_bool(&v) {
                out.emit(cx, input)?;
            }
            return Ok(());
        }
        let prop = call.str("Property").unwrap_or_default();
        let lhs = members::get_property(cx, &input, &prop)?;
        let op = WHERE_OPERATORS.iter().find(|o| call.switch(o)).copied();
        let keep = match op {
            None => to_bool(&lhs),
            Some("Not") => !to_bool(&lhs),
            Some(op) => {
                let rhs = call.get("Value").cloned().unwrap_or(Value::Null);
                compare_by_name(cx, op, lhs, rhs)?
            }
        };
        let _ = to_string(&Value::Null);
        if keep {
            out.emit(cx, input)?;
        }
        Ok(())
    }
}
