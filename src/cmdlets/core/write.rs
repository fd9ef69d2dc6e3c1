//! Write-Output, Write-Host, Write-Warning/Verbose/Debug/Information,
//! Write-Error, Write-Progress, Out-Null, Out-String, Out-Host, Out-Default.

use crate::runtime::binder::ActionPreference;
use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::to_string;
use crate::runtime::error::{ErrorRecord, Exception, R};
use crate::runtime::eval::Interp;
use crate::runtime::pipeline::emit_enumerated;
use crate::runtime::redirect::{Stream, stream_record};
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::Value;
use std::rc::Rc;

fn objects() -> PsType {
    PsType::Array(Box::new(PsType::Object))
}

pub fn register(r: &mut Registry) {
    r.add(
        Signature::new("Write-Output", "Writes objects to the pipeline.")
            .param(Param::new("InputObject", objects()).position(0).mandatory().pipeline().remaining())
            .param(Param::switch("NoEnumerate"))
            .example("Write-Output 'hello'", "Writes a string to the pipeline."),
        || Box::new(WriteOutput),
    );
    r.add(
        Signature::new("Write-Host", "Writes to the host (the console).")
            .param(Param::new("Object", PsType::Object).position(0).pipeline().remaining())
            .param(Param::switch("NoNewline"))
            .param(Param::new("Separator", PsType::Object))
            .param(Param::new("ForegroundColor", PsType::resolve("ConsoleColor")))
            .param(Param::new("BackgroundColor", PsType::resolve("ConsoleColor")))
            .example("Write-Host 'Done' -ForegroundColor Green", "Prints Done."),
        || Box::new(WriteHost),
    );
    for (name, pref, prefix) in [
        ("Write-Warning", "WarningPreference", "WARNING: "),
        ("Write-Verbose", "VerbosePreference", "VERBOSE: "),
        ("Write-Debug", "DebugPreference", "DEBUG: "),
    ] {
        r.add(
            Signature::new(name, "Writes a message to a host stream.")
                .param(Param::new("Message", PsType::String).position(0).mandatory().pipeline().alias("Msg")),
            move || Box::new(WriteStream { pref, prefix }),
        );
    }
    r.add(
        Signature::new("Write-Information", "Writes to the information stream.")
            .param(Param::new("MessageData", PsType::Object).position(0).mandatory().alias("Msg").alias("Message"))
            .param(Param::new("Tags", PsType::Array(Box::new(PsType::String))).position(1)),
        || Box::new(WriteInformation),
    );
    r.add(
        Signature::new("Write-Error", "Writes an error to the error stream.")
            .param(
                Param::new("Message", PsType::String)
                    .set("NoException")
                    .position(0)
                    .mandatory()
                    .pipeline()
                    .alias("Msg"),
            )
            .param(Param::new("Exception", PsType::Object).set("WithException").mandatory())
            .param(Param::new("ErrorRecord", PsType::Object).set("ErrorRecord").mandatory())
            .param(Param::new("Category", PsType::resolve("ErrorCategory")))
            .param(Param::new("ErrorId", PsType::String))
            .param(Param::new("TargetObject", PsType::Object))
            .param(Param::new("RecommendedAction", PsType::String))
            .param(Param::new("CategoryActivity", PsType::String).alias("Activity"))
            .param(Param::new("CategoryReason", PsType::String).alias("Reason"))
            .param(Param::new("CategoryTargetName", PsType::String).alias("TargetName"))
            .param(Param::new("CategoryTargetType", PsType::String).alias("TargetType"))
            .default_set("NoException"),
        || Box::new(WriteError),
    );
    r.add(
        Signature::new("Write-Progress", "Displays a progress bar (no-op without a console).")
            .param(Param::new("Activity", PsType::String).position(0))
            .param(Param::new("Status", PsType::String).position(1))
            .param(Param::new("Id", PsType::Int).position(2))
            .param(Param::new("PercentComplete", PsType::Int))
            .param(Param::new("SecondsRemaining", PsType::Int))
            .param(Param::new("CurrentOperation", PsType::String))
            .param(Param::new("ParentId", PsType::Int))
            .param(Param::switch("Completed")),
        || Box::new(Nothing),
    );
    r.add(
        Signature::new("Out-Null", "Discards its input.").param(Param::new("InputObject", PsType::Object).pipeline()),
        || Box::new(Nothing),
    );
    r.add(
        Signature::new("Out-String", "Formats objects as a string.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::switch("Stream"))
            .param(Param::switch("NoNewline"))
            .param(Param::new("Width", PsType::Int)),
        || Box::new(OutString::default()),
    );
    r.add(
        Signature::new(
            "Out-GridView",
            "Shows objects in a grid; exosh has no window, so it prints them as a table and warns.",
        )
        .param(Param::new("InputObject", PsType::Object).pipeline())
        .param(Param::new("Title", PsType::String))
        .param(Param::switch("PassThru"))
        .param(Param::switch("Wait"))
        .param(Param::new("OutputMode", PsType::String).validate_set(&["None", "Single", "Multiple"]))
        .example(
            "Get-MigrationUser | Select-Object Identity,Status | Out-GridView",
            "Prints the two columns as a table (with a warning that no grid window exists).",
        ),
        || Box::new(OutGridView::default()),
    );
    for name in ["Out-Host", "Out-Default"] {
        r.add(
            Signature::new(name, "Sends output to the host.")
                .param(Param::new("InputObject", PsType::Object).pipeline())
                .param(Param::switch("Paging")),
            || Box::new(OutHost),
        );
    }
}

struct WriteOutput;

impl Cmdlet for WriteOutput {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let v = call.get("InputObject").cloned().unwrap_or(Value::Null);
        // From the pipeline, the object arrives as-is.
        if call.input.is_some() {
            return out.emit(cx, call.input.clone().unwrap_or(Value::Null));
        }
        // Positional arguments collected by ValueFromRemainingArguments: one argument stays itself.
        let v = match &v {
            Value::Array(a)
                if a.items.borrow().len() == 1
                    && call.bound.params.len() == 1 + usize::from(call.has("NoEnumerate")) =>
            {
                a.items.borrow()[0].clone()
            }
            _ => v,
        };
        if call.switch("NoEnumerate") {
            return out.emit(cx, v);
        }
        emit_enumerated(cx, v, out)
    }
}

/// Write-Host's text for an object: arrays joined by the separator.
fn host_text(v: &Value, sep: &str) -> String {
    match v {
        Value::Array(_) | Value::List(_) => v.to_list().iter().map(|x| host_text(x, sep)).collect::<Vec<_>>().join(sep),
        other => crate::runtime::convert::dotnet_to_string(other),
    }
}

struct WriteHost;

impl Cmdlet for WriteHost {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let sep = call.get("Separator").map(to_string).unwrap_or_else(|| " ".into());
        let obj = call.get("Object").cloned().unwrap_or(Value::Null);
        let text = match &obj {
            Value::Array(a) if call.input.is_none() => {
                let items = a.items.borrow().clone();
                items.iter().map(|x| host_text(x, &sep)).collect::<Vec<_>>().join(&sep)
            }
            other => host_text(other, &sep),
        };
        // Write-Host writes to the information stream (`6>$null`, `*> file` take it).
        if cx.redirect_stream(Stream::Information, || stream_record(Stream::Information, &text)) {
            return Ok(());
        }
        if call.switch("NoNewline") {
            cx.host_write(&text);
        } else {
            cx.host_line(&text);
        }
        Ok(())
    }
}

struct WriteStream {
    pref: &'static str,
    prefix: &'static str,
}

impl Cmdlet for WriteStream {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let msg = call.str("Message").unwrap_or_default();
        if self.pref == "WarningPreference" {
            return cx.write_warning(call.bound.common.warning_action, &msg);
        }
        let on = match self.pref {
            "VerbosePreference" => call.bound.common.verbose,
            _ => call.bound.common.debug,
        };
        let pref = cx.preference(self.pref, ActionPreference::SilentlyContinue);
        let show = on
            .unwrap_or(matches!(pref, ActionPreference::Continue | ActionPreference::Stop | ActionPreference::Inquire));
        if show {
            let stream = if self.pref == "VerbosePreference" { Stream::Verbose } else { Stream::Debug };
            cx.stream_line(stream, self.prefix, &msg);
        }
        Ok(())
    }
}

struct WriteInformation;

impl Cmdlet for WriteInformation {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let pref = call
            .bound
            .common
            .information_action
            .unwrap_or_else(|| cx.preference("InformationPreference", ActionPreference::SilentlyContinue));
        let msg = call.get("MessageData").map(to_string).unwrap_or_default();
        // Redirected (`6>&1`, `*> file`), the record is taken whatever the preference.
        if !cx.redirect_stream(Stream::Information, || stream_record(Stream::Information, &msg))
            && matches!(pref, ActionPreference::Continue)
        {
            cx.host_line(&msg);
        }
        Ok(())
    }
}

struct WriteError;

impl Cmdlet for WriteError {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let mut rec = if let Some(Value::Error(e)) = call.get("ErrorRecord") {
            (**e).clone()
        } else if let Some(ex) = call.get("Exception") {
            match ex {
                Value::Exception(e) => ErrorRecord::new((**e).clone(), "", "NotSpecified", Value::Null),
                other => ErrorRecord::new(
                    Exception::new("System.Exception", to_string(other)),
                    "",
                    "NotSpecified",
                    Value::Null,
                ),
            }
        } else {
            let msg = call.str("Message").unwrap_or_default();
            ErrorRecord::new(
                Exception::new("Microsoft.PowerShell.Commands.WriteErrorException", msg),
                "Microsoft.PowerShell.Commands.WriteErrorException",
                "NotSpecified",
                Value::Null,
            )
        };
        if let Some(id) = call.str("ErrorId") {
            rec.fqid = id;
        }
        if let Some(Value::Enum(c)) = call.get("Category") {
            rec.category = crate::runtime::types::ENUMS
                .iter()
                .find(|(n, _, _)| n.ends_with("ErrorCategory"))
                .and_then(|(_, _, vals)| vals.iter().find(|(n, _)| *n == c.name).map(|(n, _)| *n))
                .unwrap_or("NotSpecified");
        }
        if let Some(t) = call.get("TargetObject") {
            rec.target = t.clone();
        }
        // The error is attributed to the caller (a function's name, or Write-Error at top level).
        let caller = cx.var_or_null("MyInvocation");
        let name = match crate::runtime::members::property_of(&caller, "MyCommand") {
            Some(c) => crate::runtime::members::property_of(&c, "Name").map(|n| to_string(&n)).unwrap_or_default(),
            None => String::new(),
        };
        rec.from_command = Some(if name.is_empty() || name.ends_with(".ps1") { "Write-Error".into() } else { name });
        let rec = rec.with_position(call.position.clone());
        let _ = Rc::new(());
        cx.write_error(call.bound.common.error_action, rec)
    }
}

struct Nothing;

impl Cmdlet for Nothing {
    fn process(&mut self, _cx: &mut Interp, _call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        Ok(())
    }
}

#[derive(Default)]
struct OutString {
    items: Vec<Value>,
}

impl Cmdlet for OutString {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) {
            match (&call.input, &v) {
                (None, Value::Array(_)) => self.items.extend(v.to_list()),
                _ => self.items.push(v),
            }
        }
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let items = std::mem::take(&mut self.items);
        if call.switch("Stream") {
            let text = crate::runtime::output::out_string(cx, &items);
            for line in text.strip_suffix('\n').unwrap_or(&text).split('\n') {
                out.emit(cx, Value::str(line))?;
            }
            return Ok(());
        }
        if call.switch("NoNewline") {
            let s: String = items.iter().map(crate::runtime::convert::dotnet_to_string).collect();
            return out.emit(cx, Value::string(s));
        }
        let text = crate::runtime::output::out_string(cx, &items);
        out.emit(cx, Value::string(text))
    }
}

/// Out-GridView without a graphical host: the objects are printed as `Format-Table` would print
/// them, after a warning; `-PassThru` / `-OutputMode Multiple` pass every object on (as if the
/// user had selected all rows), `-OutputMode Single` the first one.
#[derive(Default)]
struct OutGridView {
    items: Vec<Value>,
}

impl Cmdlet for OutGridView {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        call.gather_input(&mut self.items);
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let mode = call.str("OutputMode").map(|m| m.to_ascii_lowercase());
        let pass = match mode.as_deref() {
            Some("single") => 1,
            Some("multiple") => usize::MAX,
            Some(_) => 0,
            None if call.switch("PassThru") => usize::MAX,
            None => 0,
        };
        let title = call.str("Title").map(|t| format!(" '{t}'")).unwrap_or_default();
        let passes = match pass {
            0 => String::new(),
            1 => " The first object is passed on as the selection.".to_string(),
            _ => " Every object is passed on as the selection.".to_string(),
        };
        cx.write_warning(
            call.bound.common.warning_action,
            &format!("Out-GridView{title}: exosh has no grid window, so the objects are shown as a table.{passes}"),
        )?;
        let items = std::mem::take(&mut self.items);
        let mut host = crate::runtime::output::OutDefaultSink;
        // Scalars (numbers, strings, dates) have no columns: the grid shows their values.
        let scalars = items.first().is_none_or(|v| {
            v.is_numeric()
                || matches!(v, Value::String(_) | Value::Bool(_) | Value::DateTime(_))
                || crate::runtime::members::property_list(v).is_empty()
        });
        if scalars {
            for v in &items {
                host.emit(cx, v.clone())?;
            }
        } else {
            let mut table = super::misc::table_formatter(items.clone());
            let mut text = crate::runtime::command::Collect::default();
            table.end(cx, call, &mut text)?;
            for v in text.0 {
                host.emit(cx, v)?;
            }
        }
        cx.flush_out_default();
        for v in items.into_iter().take(pass) {
            out.emit(cx, v)?;
        }
        Ok(())
    }
}

struct OutHost;

impl Cmdlet for OutHost {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) {
            let mut s = crate::runtime::output::OutDefaultSink;
            emit_enumerated(cx, v, &mut s)?;
        }
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, _call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        cx.flush_out_default();
        Ok(())
    }
}
