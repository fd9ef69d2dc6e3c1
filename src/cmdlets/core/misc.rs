//! Dates, commands, objects, variables, modules and host cmdlets.

use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::{self, to_num, to_string};
use crate::runtime::dotnet::{self, DateTime, TimeSpan};
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::{Interp, collect_value};
use crate::runtime::members;
use crate::runtime::pipeline::emit_enumerated;
use crate::runtime::scope::Variable;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

fn objects() -> PsType {
    PsType::Array(Box::new(PsType::Object))
}
fn strings() -> PsType {
    PsType::Array(Box::new(PsType::String))
}

/// A cmdlet implemented by one closure per input (simple cmdlets).
struct Simple(fn(&mut Interp, &mut Call, &mut dyn Sink) -> R<()>);

impl Cmdlet for Simple {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        (self.0)(cx, call, out)
    }
}

/// Measure-Command: runs the script block in the current scope (once per input object,
/// with `$_` set, or once without input), discards its output, and returns the total
/// time as one TimeSpan.
#[derive(Default)]
struct MeasureCommand {
    total: std::time::Duration,
}

impl Cmdlet for MeasureCommand {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let Some(Value::ScriptBlock(sb)) = call.get("Expression").cloned() else { return Ok(()) };
        let under = call.input.clone();
        let started = std::time::Instant::now();
        let result = cx.invoke_sb(&sb, Vec::new(), under, false, &mut crate::runtime::command::Discard);
        self.total += started.elapsed();
        result
    }

    fn end(&mut self, cx: &mut Interp, _call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let ticks = i64::try_from(self.total.as_nanos() / 100).unwrap_or(i64::MAX);
        out.emit(cx, Value::TimeSpan(TimeSpan::from_ticks(ticks)))
    }
}

fn add_simple(r: &mut Registry, sig: Signature, f: fn(&mut Interp, &mut Call, &mut dyn Sink) -> R<()>) {
    r.add(sig, move || Box::new(Simple(f)));
}

pub fn register(r: &mut Registry) {
    add_simple(
        r,
        Signature::new("Get-Date", "Gets the current date and time, or a given one.")
            .param(
                Param::new("Date", PsType::DateTime).position(0).pipeline().by_property_name().alias("LastWriteTime"),
            )
            .param(Param::new("UnixTimeSeconds", PsType::Long).alias("UnixTime"))
            .param(Param::new("Year", PsType::Int))
            .param(Param::new("Month", PsType::Int))
            .param(Param::new("Day", PsType::Int))
            .param(Param::new("Hour", PsType::Int))
            .param(Param::new("Minute", PsType::Int))
            .param(Param::new("Second", PsType::Int))
            .param(Param::new("Millisecond", PsType::Int))
            .param(Param::new("DisplayHint", PsType::String).validate_set(&["Date", "Time", "DateTime"]))
            .param(Param::new("Format", PsType::String).set("net"))
            .param(Param::new("UFormat", PsType::String).set("UFormat"))
            .param(Param::switch("AsUTC"))
            .default_set("net")
            .example("Get-Date -Format 'yyyy-MM-dd'", "Today's date as text."),
        get_date,
    );
    add_simple(
        r,
        Signature::new("New-TimeSpan", "Creates a TimeSpan.")
            .param(Param::new("Start", PsType::DateTime).set("Date").position(0).alias("LastWriteTime"))
            .param(Param::new("End", PsType::DateTime).set("Date").position(1))
            .param(Param::new("Days", PsType::Int).set("Time"))
            .param(Param::new("Hours", PsType::Int).set("Time"))
            .param(Param::new("Minutes", PsType::Int).set("Time"))
            .param(Param::new("Seconds", PsType::Int).set("Time"))
            .param(Param::new("Milliseconds", PsType::Int).set("Time"))
            .default_set("Date"),
        new_timespan,
    );
    add_simple(
        r,
        Signature::new("Start-Sleep", "Waits.")
            .param(Param::new("Seconds", PsType::Double).set("Seconds").position(0).mandatory())
            .param(Param::new("Milliseconds", PsType::Int).set("Milliseconds").mandatory().alias("ms"))
            .param(Param::new("Duration", PsType::TimeSpan).set("FromTimeSpan").mandatory())
            .default_set("Seconds"),
        |_cx, call, _out| {
            let ms = if let Some(Value::TimeSpan(t)) = call.get("Duration") {
                t.total_milliseconds()
            } else if let Some(m) = call.int("Milliseconds") {
                m as f64
            } else {
                call.get("Seconds").and_then(to_num).map(|n| n.as_f64()).unwrap_or(0.0) * 1000.0
            };
            // repl: Ctrl-C wakes Start-Sleep
            crate::runtime::repl_host::interruptible_sleep(std::time::Duration::from_millis(ms.max(0.0) as u64))
        },
    );
    add_simple(
        r,
        Signature::new("Get-Command", "Lists commands.")
            .param(Param::new("Name", strings()).position(0))
            .param(Param::new("Module", strings()))
            .param(Param::new("CommandType", PsType::String))
            .param(Param::new("Verb", strings()))
            .param(Param::new("Noun", strings()))
            .param(Param::switch("Syntax"))
            .param(Param::switch("ListImported")),
        get_command,
    );
    add_simple(
        r,
        Signature::new("Get-Help", "Shows help for a command.")
            .param(Param::new("Name", PsType::String).position(0))
            .param(Param::switch("Full"))
            .param(Param::switch("Detailed"))
            .param(Param::switch("Examples"))
            .param(Param::new("Parameter", PsType::String))
            .param(Param::switch("Online")),
        get_help,
    );
    add_simple(
        r,
        Signature::new("Invoke-Command", "Runs a script block (locally).")
            .param(Param::new("ScriptBlock", PsType::ScriptBlock).position(0).mandatory().alias("Command"))
            .param(Param::new("ArgumentList", objects()).alias("Args"))
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::switch("NoNewScope"))
            .param(Param::new("ComputerName", strings()).alias("Cn"))
            .param(Param::new("Session", objects())),
        |cx, call, out| {
            if call.has("ComputerName") || call.has("Session") {
                return Err(Flow::error(call.error(ErrorRecord::new(
                    Exception::new(
                        "System.NotSupportedException",
                        "Remote sessions are not supported by exosh; run the script block locally.",
                    ),
                    "NotSupported,Microsoft.PowerShell.Commands.InvokeCommandCommand",
                    "NotImplemented",
                    Value::Null,
                ))));
            }
            let Some(Value::ScriptBlock(sb)) = call.get("ScriptBlock").cloned() else { return Ok(()) };
            let args = call.list("ArgumentList");
            let under = call.input.clone();
            cx.invoke_sb(&sb, args, under, !call.switch("NoNewScope"), out)
        },
    );
    r.add(
        Signature::new("Measure-Command", "Measures the time a script block takes to run.")
            .param(Param::new("Expression", PsType::ScriptBlock).position(0).mandatory())
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .example("Measure-Command { Get-MigrationUser | Out-Null }", "How long listing the migration users takes."),
        || Box::new(MeasureCommand::default()),
    );
    add_simple(
        r,
        Signature::new("Invoke-Expression", "Runs a string as PowerShell code.")
            .param(Param::new("Command", PsType::String).position(0).mandatory().pipeline()),
        |cx, call, out| {
            let text = call.str("Command").unwrap_or_default();
            let ast = crate::syntax::parse(&text).map_err(|errs| {
                let msg = errs.first().map(|e| e.message.clone()).unwrap_or_default();
                Flow::error(call.error(ErrorRecord::new(
                    Exception::new("System.Management.Automation.ParseException", msg),
                    "ParseException,Microsoft.PowerShell.Commands.InvokeExpressionCommand",
                    "ParserError",
                    Value::Null,
                )))
            })?;
            let sb = Rc::new(ScriptBlock {
                ast: Rc::new(ast),
                source: Rc::from(text.as_str()),
                text: text.clone(),
                file: None,
            });
            cx.invoke_sb(&sb, vec![], None, false, out)
        },
    );
    add_simple(
        r,
        Signature::new("New-Object", "Creates an object.")
            .param(Param::new("TypeName", PsType::String).set("Net").position(0).mandatory())
            .param(Param::new("ArgumentList", objects()).set("Net").position(1).alias("Args"))
            .param(Param::new("ComObject", PsType::String).set("Com").mandatory())
            .param(Param::new("Property", PsType::Object))
            .param(Param::switch("Strict"))
            .default_set("Net"),
        new_object,
    );
    r.add(
        Signature::new("Add-Member", "Adds a member to an object.")
            .param(Param::new("InputObject", PsType::Object).pipeline().mandatory())
            .param(Param::new("MemberType", PsType::String).set("MemberSet").position(0).mandatory().alias("Type"))
            .param(Param::new("Name", PsType::String).set("MemberSet").position(1).mandatory())
            .param(Param::new("Value", PsType::Object).set("MemberSet").position(2))
            .param(Param::new("SecondValue", PsType::Object).set("MemberSet").position(3))
            .param(
                Param::new("NotePropertyName", PsType::String)
                    .set("NotePropertySingleMemberSet")
                    .position(0)
                    .mandatory(),
            )
            .param(
                Param::new("NotePropertyValue", PsType::Object)
                    .set("NotePropertySingleMemberSet")
                    .position(1)
                    .mandatory(),
            )
            .param(
                Param::new("NotePropertyMembers", PsType::Object)
                    .set("NotePropertyMultiMemberSet")
                    .position(0)
                    .mandatory(),
            )
            .param(Param::new("TypeName", PsType::String))
            .param(Param::switch("Force"))
            .param(Param::switch("PassThru"))
            .default_set("MemberSet"),
        || Box::new(AddMember),
    );
    add_simple(
        r,
        Signature::new("Get-Member", "Lists the members of objects.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Name", strings()).position(0))
            .param(Param::new("MemberType", PsType::String).alias("Type"))
            .param(Param::switch("Static"))
            .param(Param::switch("Force")),
        get_member,
    );
    for (name, set) in [("Format-Table", true), ("Format-List", false)] {
        r.add(
            Signature::new(name, "Formats objects.")
                .param(Param::new("InputObject", PsType::Object).pipeline())
                .param(Param::new("Property", objects()).position(0))
                .param(Param::switch("AutoSize"))
                .param(Param::switch("HideTableHeaders"))
                .param(Param::switch("Wrap"))
                .param(Param::switch("Force"))
                .param(Param::new("GroupBy", PsType::Object))
                .param(Param::new("View", PsType::String)),
            move || Box::new(FormatCmd { table: set, items: Vec::new() }),
        );
    }
    variables(r);
    modules(r);
    host(r);
    super::fs::register(r);
}

// ----------------------------------------------------------------------
// dates
// ----------------------------------------------------------------------

fn get_date(cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
    let _ = cx;
    let mut d = match call.get("Date") {
        Some(Value::DateTime(d)) => *d,
        _ => match call.int("UnixTimeSeconds") {
            Some(s) => {
                DateTime::from_ticks(dotnet::datetime::UNIX_EPOCH_TICKS + s * 10_000_000, dotnet::DateTimeKind::Utc)
                    .map(|d| d.to_local_time())
                    .unwrap_or_else(|_| DateTime::now())
            }
            None => DateTime::now(),
        },
    };
    let err = |e: dotnet::DotNetError| {
        Flow::error(call.error(ErrorRecord::new(
            Exception::new(e.kind.type_name(), e.message),
            "ParameterArgumentValidationError,Microsoft.PowerShell.Commands.GetDateCommand",
            "InvalidArgument",
            Value::Null,
        )))
    };
    let (y, m, day) = (
        call.int("Year").unwrap_or(d.year() as i64) as i32,
        call.int("Month").unwrap_or(d.month() as i64) as i32,
        call.int("Day").unwrap_or(d.day() as i64) as i32,
    );
    if call.has("Year")
        || call.has("Month")
        || call.has("Day")
        || call.has("Hour")
        || call.has("Minute")
        || call.has("Second")
        || call.has("Millisecond")
    {
        let h = call.int("Hour").unwrap_or(d.hour() as i64) as i32;
        let mi = call.int("Minute").unwrap_or(d.minute() as i64) as i32;
        let s = call.int("Second").unwrap_or(d.second() as i64) as i32;
        let ms = call.int("Millisecond").unwrap_or(d.millisecond() as i64) as i32;
        let maxd = dotnet::datetime::days_in_month(y, m).map_err(err)?;
        d = DateTime::new(y, m, day.min(maxd), h, mi, s, ms, d.kind()).map_err(err)?;
        let sub_ms = d.ticks() % 10_000;
        let _ = sub_ms;
    }
    if call.switch("AsUTC") {
        d = d.to_universal_time();
    }
    if let Some(f) = call.str("Format") {
        let s = dotnet::get_date_format(d, &f).map_err(err)?;
        return out.emit(cx, Value::string(s));
    }
    if let Some(f) = call.str("UFormat") {
        return out.emit(cx, Value::string(dotnet::uformat(d, &f)));
    }
    if let Some(h) = call.str("DisplayHint") {
        let mut o = PsObject::typed("System.DateTime");
        o.base = Some(Value::DateTime(d));
        o.add_member("DisplayHint", Member::Hidden(Value::string(h)));
        return out.emit(cx, Value::object(o));
    }
    out.emit(cx, Value::DateTime(d))
}

fn new_timespan(cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
    let t = if call.bound.set == "Time" {
        let g = |n: &str| call.int(n).unwrap_or(0);
        let ticks = g("Days") * 864_000_000_000
            + g("Hours") * 36_000_000_000
            + g("Minutes") * 600_000_000
            + g("Seconds") * 10_000_000
            + g("Milliseconds") * 10_000;
        TimeSpan::from_ticks(ticks)
    } else {
        let s = match call.get("Start") {
            Some(Value::DateTime(d)) => *d,
            _ => DateTime::now(),
        };
        let e = match call.get("End") {
            Some(Value::DateTime(d)) => *d,
            _ => DateTime::now(),
        };
        e.sub_datetime(s)
    };
    out.emit(cx, Value::TimeSpan(t))
}

// ----------------------------------------------------------------------
// commands
// ----------------------------------------------------------------------

fn command_info(name: &str, kind: &str, source: &str) -> Value {
    let mut o = PsObject::typed(if kind == "Cmdlet" {
        "System.Management.Automation.CmdletInfo"
    } else {
        "System.Management.Automation.FunctionInfo"
    });
    o.set_note("CommandType", Value::str(kind));
    o.set_note("Name", Value::str(name));
    o.set_note("Version", Value::str(if kind == "Cmdlet" { "7.4.6" } else { "" }));
    o.set_note("Source", Value::str(source));
    Value::object(o)
}

fn module_of(name: &str) -> &'static str {
    let l = name.to_ascii_lowercase();
    if l.contains("migration") || l.contains("mailbox") || l.contains("accepteddomain") || l.contains("exchangeonline")
    {
        "ExchangeOnlineManagement"
    } else if l.ends_with("-item")
        || l.ends_with("-content")
        || l.ends_with("-location")
        || l.ends_with("-path")
        || l.ends_with("childitem")
    {
        "Microsoft.PowerShell.Management"
    } else {
        "Microsoft.PowerShell.Utility"
    }
}

fn get_command(cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
    let names = call.strings("Name");
    let reg = cx.registry.clone();
    let mut all: Vec<(String, &'static str)> = reg.signatures().iter().map(|s| (s.name.clone(), "Cmdlet")).collect();
    let mut scope = Some(cx.current.clone());
    while let Some(s) = scope {
        for f in s.functions.borrow().values() {
            if !all.iter().any(|(n, _)| n.eq_ignore_ascii_case(&f.name)) {
                all.push((f.name.clone(), "Function"));
            }
        }
        scope = s.parent.clone();
    }
    all.sort_by_key(|(n, _)| n.to_ascii_lowercase());
    let verbs = call.strings("Verb");
    let nouns = call.strings("Noun");
    if names.is_empty() {
        for (n, k) in all {
            let (v, no) = n.split_once('-').unwrap_or((&n, ""));
            if !verbs.is_empty() && !verbs.iter().any(|p| crate::runtime::text::wildcard_match(p, v, false)) {
                continue;
            }
            if !nouns.is_empty() && !nouns.iter().any(|p| crate::runtime::text::wildcard_match(p, no, false)) {
                continue;
            }
            out.emit(cx, command_info(&n, k, module_of(&n)))?;
        }
        return Ok(());
    }
    for pat in names {
        let mut found = false;
        if crate::runtime::text::has_wildcard(&pat) {
            for (n, k) in &all {
                if crate::runtime::text::wildcard_match(&pat, n, false) {
                    out.emit(cx, command_info(n, k, module_of(n)))?;
                }
            }
            continue;
        }
        let target = reg.resolve_alias(&pat).unwrap_or(pat.clone());
        if let Some((n, k)) = all.iter().find(|(n, _)| n.eq_ignore_ascii_case(&target)) {
            found = true;
            if call.switch("Syntax")
                && let Some(info) = reg.get(n)
            {
                for line in info.signature.syntax() {
                    out.emit(cx, Value::string(line))?;
                }
                continue;
            }
            out.emit(cx, command_info(n, k, module_of(n)))?;
        }
        if !found {
            let e = ErrorRecord::new(
                Exception::new(
                    "System.Management.Automation.CommandNotFoundException",
                    format!(
                        "The term '{pat}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again."
                    ),
                ),
                "CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand",
                "ObjectNotFound",
                Value::string(pat.clone()),
            );
            cx.write_error(call.bound.common.error_action, call.error(e))?;
        }
    }
    Ok(())
}

fn get_help(cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
    let name = call.str("Name").unwrap_or_else(|| "Get-Help".into());
    let reg = cx.registry.clone();
    let target = reg.resolve_alias(&name).unwrap_or(name.clone());
    if name.to_ascii_lowercase().starts_with("about_")
        && let Some(Ok(text)) = crate::runtime::repl_host::help_text(&reg, &name, &crate::repl::HelpMode::Default)
    {
        return out.emit(cx, Value::string(text)); // repl: about_ topics
    }
    let Some(info) = reg.get(&target) else {
        let e = ErrorRecord::new(
            Exception::new(
                "Microsoft.PowerShell.Commands.HelpNotFoundException",
                format!("Get-Help could not find {name} in a help file in this session."),
            ),
            "HelpNotFound,Microsoft.PowerShell.Commands.GetHelpCommand",
            "ResourceUnavailable",
            Value::Null,
        );
        return cx.write_error(call.bound.common.error_action, call.error(e));
    };
    // repl: Get-Help is rendered by crate::repl::render_help from the signature.
    use crate::repl::HelpMode;
    let mode = match call.str("Parameter") {
        Some(p) => HelpMode::Parameter(p),
        None if call.switch("Online") => HelpMode::Online,
        None if call.switch("Full") => HelpMode::Full,
        None if call.switch("Examples") => HelpMode::Examples,
        None if call.switch("Detailed") => HelpMode::Detailed,
        None => HelpMode::Default,
    };
    match crate::runtime::repl_host::help_text(&reg, &info.signature.name, &mode) {
        Some(Ok(text)) if mode == HelpMode::Online => out.emit(cx, Value::str(text.trim_end())),
        Some(Ok(text)) => out.emit(cx, Value::string(text)),
        Some(Err(e)) => {
            let (fqid, category) = match e {
                crate::repl::HelpError::ParameterNotFound { .. } => {
                    ("NoParmsFound,Microsoft.PowerShell.Commands.GetHelpCommand", "ObjectNotFound")
                }
                crate::repl::HelpError::NoOnlineUri => {
                    ("InvalidOperation,Microsoft.PowerShell.Commands.GetHelpCommand", "InvalidOperation")
                }
            };
            let e = ErrorRecord::new(
                Exception::new("System.ArgumentException", e.message()),
                fqid,
                category,
                Value::string(name),
            );
            cx.write_error(call.bound.common.error_action, call.error(e))
        }
        None => Ok(()),
    }
}

fn new_object(cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
    if call.has("ComObject") {
        return Err(Flow::error(call.error(ErrorRecord::new(
            Exception::new("System.PlatformNotSupportedException", "COM objects are not supported on this platform."),
            "NoCOMClassIdentified,Microsoft.PowerShell.Commands.NewObjectCommand",
            "ResourceUnavailable",
            Value::Null,
        ))));
    }
    let tn = call.str("TypeName").unwrap_or_default();
    let args = call.list("ArgumentList");
    let ty = PsType::resolve(&tn);
    let v = members::construct(cx, &ty, args).map_err(|f| match f {
        Flow::Error(mut e) => {
            e.from_command = Some("New-Object".into());
            Flow::Error(e)
        }
        other => other,
    })?;
    if let Some(Value::Hashtable(h)) = call.get("Property") {
        for (k, val) in h.borrow().entries() {
            match &v {
                Value::Object(o) => o.borrow_mut().set_note(&to_string(&k), val),
                other => members::set_property(cx, other, &to_string(&k), val)?,
            }
        }
    }
    out.emit(cx, v)
}

struct AddMember;

impl Cmdlet for AddMember {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let target = call.input.clone().or_else(|| call.get("InputObject").cloned()).unwrap_or(Value::Null);
        let obj = match &target {
            Value::Object(_) => target.clone(),
            other => {
                let o =
                    PsObject { type_names: other.type_names(), members: Default::default(), base: Some(other.clone()) };
                Value::object(o)
            }
        };
        let Value::Object(o) = &obj else { return Ok(()) };
        let mut adds: Vec<(String, Member)> = Vec::new();
        match call.bound.set.as_str() {
            "NotePropertySingleMemberSet" => adds.push((
                call.str("NotePropertyName").unwrap_or_default(),
                Member::Note(call.get("NotePropertyValue").cloned().unwrap_or(Value::Null)),
            )),
            "NotePropertyMultiMemberSet" => {
                if let Some(Value::Hashtable(h)) = call.get("NotePropertyMembers") {
                    for (k, v) in h.borrow().entries() {
                        adds.push((to_string(&k), Member::Note(v)));
                    }
                }
            }
            _ => {
                let kind = call.str("MemberType").unwrap_or_default().to_ascii_lowercase();
                let name = call.str("Name").unwrap_or_default();
                let value = call.get("Value").cloned().unwrap_or(Value::Null);
                let second = call.get("SecondValue").cloned();
                let sb = |v: &Value| match v {
                    Value::ScriptBlock(s) => Some(s.clone()),
                    _ => None,
                };
                let m = match kind.as_str() {
                    "noteproperty" => Member::Note(value),
                    "scriptproperty" => Member::Script(sb(&value), second.as_ref().and_then(sb)),
                    "aliasproperty" => Member::Alias(
                        to_string(&value),
                        second.map(|t| match t {
                            Value::Type(t) => (*t).clone(),
                            other => PsType::resolve(&to_string(&other)),
                        }),
                    ),
                    "scriptmethod" => match sb(&value) {
                        Some(s) => Member::Method(s),
                        None => Member::Note(value),
                    },
                    _ => Member::Note(value),
                };
                adds.push((name, m));
            }
        }
        for (name, m) in adds {
            let exists = o.borrow().member(&name).is_some();
            if exists && !call.switch("Force") {
                let e = ErrorRecord::new(
                    Exception::new(
                        "System.InvalidOperationException",
                        format!(
                            "Cannot add a member with the name \"{name}\" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command."
                        ),
                    ),
                    "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand",
                    "InvalidOperation",
                    Value::Null,
                );
                cx.write_error(call.bound.common.error_action, call.error(e))?;
                continue;
            }
            o.borrow_mut().add_member(&name, m);
        }
        if let Some(t) = call.str("TypeName") {
            o.borrow_mut().type_names.insert(0, t);
        }
        if call.switch("PassThru") {
            out.emit(cx, obj.clone())?;
        }
        Ok(())
    }
}

fn get_member(cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
    let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) else { return Ok(()) };
    let tn = v.type_names().first().cloned().unwrap_or_default();
    let names = call.strings("Name");
    let mut emit = |cx: &mut Interp, name: String, kind: &str, def: String| -> R<()> {
        if !names.is_empty() && !names.iter().any(|p| crate::runtime::text::wildcard_match(p, &name, false)) {
            return Ok(());
        }
        let mut o = PsObject::typed("Microsoft.PowerShell.Commands.MemberDefinition");
        o.set_note("Name", Value::string(name));
        o.set_note("MemberType", Value::str(kind));
        o.set_note("Definition", Value::string(def));
        o.add_member("TypeName", Member::Hidden(Value::string(tn.clone())));
        out.emit(cx, Value::object(o))
    };
    for (n, val) in members::property_list(&v) {
        let kind = if matches!(v, Value::Object(_)) { "NoteProperty" } else { "Property" };
        let def = format!("{} {}={}", val.short_type_name(), n, to_string(&val));
        emit(cx, n, kind, def)?;
    }
    if let Value::Object(o) = &v {
        let ms: Vec<(String, Member)> = o.borrow().members.values().cloned().collect();
        for (n, m) in ms {
            match m {
                Member::Script(..) => emit(cx, n, "ScriptProperty", String::new())?,
                Member::Alias(t, _) => emit(cx, n.clone(), "AliasProperty", format!("{n} = {t}"))?,
                Member::Method(_) => emit(cx, n, "ScriptMethod", String::new())?,
                _ => {}
            }
        }
    }
    for m in ["Equals", "GetHashCode", "GetType", "ToString"] {
        emit(cx, m.to_string(), "Method", String::new())?;
    }
    Ok(())
}

struct FormatCmd {
    table: bool,
    items: Vec<Value>,
}

/// `Format-Table` over `items` with every property as a column (Out-GridView's fallback).
pub(super) fn table_formatter(items: Vec<Value>) -> impl Cmdlet {
    FormatCmd { table: true, items }
}

impl Cmdlet for FormatCmd {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        call.gather_input(&mut self.items);
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        use crate::format::list::{ListEntry, render_list};
        use crate::format::table::{Align, Column, TableSpec, render_table};
        let items = std::mem::take(&mut self.items);
        let props = call.list("Property");
        // Strings, numbers and booleans have no columns: pwsh formats them by their text.
        if props.is_empty()
            && items
                .first()
                .is_some_and(|v| v.is_numeric() || matches!(v, Value::String(_) | Value::Bool(_) | Value::Char(_)))
        {
            let mut text = String::from("\n");
            for v in &items {
                text.push_str(&to_string(v));
                text.push('\n');
            }
            text.push('\n');
            return out.emit(cx, Value::Other(Rc::new(crate::runtime::output::FormattedText { text })));
        }
        // Columns: (label, getter, width, align)
        let mut cols: Vec<(String, Value, Option<usize>, Align)> = Vec::new();
        if props.is_empty() {
            if let Some(first) = items.first() {
                for (n, _) in members::property_list(first) {
                    cols.push((n.clone(), Value::string(n), None, Align::Undefined));
                }
            }
        } else {
            for p in &props {
                match p {
                    Value::Hashtable(h) => {
                        let h = h.borrow();
                        let find = |keys: &[&str]| {
                            h.entries().into_iter().find(|(k, _)| {
                                let ks = to_string(k).to_ascii_lowercase();
                                !ks.is_empty() && keys.iter().any(|x| x.starts_with(ks.as_str()))
                            })
                        };
                        let expr = find(&["expression"]).map(|(_, v)| v).unwrap_or(Value::Null);
                        let label =
                            find(&["label", "name"]).map(|(_, v)| to_string(&v)).unwrap_or_else(|| to_string(&expr));
                        let width =
                            find(&["width"]).and_then(|(_, v)| to_num(&v)).and_then(|n| n.as_i64()).map(|w| w as usize);
                        let align = match find(&["alignment"]).map(|(_, v)| to_string(&v).to_ascii_lowercase()) {
                            Some(a) if a == "center" => Align::Center,
                            Some(a) if a == "right" => Align::Right,
                            Some(a) if a == "left" => Align::Left,
                            _ => Align::Undefined,
                        };
                        cols.push((label, expr, width, align));
                    }
                    Value::ScriptBlock(sb) => {
                        cols.push((sb.text.trim().to_string(), p.clone(), None, Align::Undefined))
                    }
                    other => {
                        let n = to_string(other);
                        if crate::runtime::text::has_wildcard(&n) {
                            if let Some(first) = items.first() {
                                for (pn, _) in members::property_list(first) {
                                    if crate::runtime::text::wildcard_match(&n, &pn, false) {
                                        cols.push((pn.clone(), Value::string(pn), None, Align::Undefined));
                                    }
                                }
                            }
                        } else {
                            cols.push((n.clone(), Value::string(n), None, Align::Undefined));
                        }
                    }
                }
            }
        }
        let mut rows: Vec<Vec<Value>> = Vec::new();
        for it in &items {
            let mut row = Vec::new();
            for (_, getter, _, _) in &cols {
                let v = match getter {
                    Value::ScriptBlock(sb) => cx.invoke_sb_value(sb, vec![], Some(it.clone()), false)?,
                    other => {
                        if matches!(it, Value::String(_)) && props.is_empty() {
                            it.clone()
                        } else {
                            members::get_property(cx, it, &to_string(other))?
                        }
                    }
                };
                row.push(v);
            }
            rows.push(row);
        }
        let text = if self.table {
            let columns: Vec<Column> = cols
                .iter()
                .enumerate()
                .map(|(i, (label, _, w, a))| {
                    let numeric = rows
                        .first()
                        .and_then(|r| r.get(i))
                        .is_some_and(|v| v.is_numeric() || matches!(v, Value::Bool(_)));
                    let mut c = Column::new(label.clone());
                    c.align = if *a != Align::Undefined {
                        *a
                    } else if numeric {
                        Align::Right
                    } else {
                        Align::Undefined
                    };
                    if let Some(w) = w {
                        c = c.with_width(*w);
                    }
                    c
                })
                .collect();
            let cells: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(crate::runtime::output::table_cell_text).collect()).collect();
            let mut spec = TableSpec::new(columns).with_rows(cells);
            spec.autosize = call.switch("AutoSize");
            spec.hide_headers = call.switch("HideTableHeaders");
            spec.wrap = call.switch("Wrap");
            if items.is_empty() { String::new() } else { render_table(&spec) }
        } else {
            let objs: Vec<Vec<ListEntry>> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .zip(cols.iter())
                        .map(|(v, (l, _, _, _))| ListEntry::new(l.clone(), crate::runtime::output::cell_text(v)))
                        .collect()
                })
                .collect();
            render_list(&objs)
        };
        out.emit(cx, Value::Other(Rc::new(crate::runtime::output::FormattedText { text })))
    }
}

// ----------------------------------------------------------------------
// variables
// ----------------------------------------------------------------------

fn scope_for(cx: &Interp, call: &Call) -> Rc<crate::runtime::scope::Scope> {
    match call.str("Scope").map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("global") => cx.global.clone(),
        Some("script") => cx.current.script_scope(),
        Some(n) if n.parse::<usize>().is_ok() => {
            let mut s = cx.current.clone();
            for _ in 0..n.parse::<usize>().unwrap_or(0) {
                if let Some(p) = s.parent.clone() {
                    s = p;
                }
            }
            s
        }
        _ => cx.current.clone(),
    }
}

fn var_object(name: &str, v: Value) -> Value {
    let mut o = PsObject::typed("System.Management.Automation.PSVariable");
    o.set_note("Name", Value::str(name));
    o.set_note("Value", v);
    Value::object(o)
}

fn variables(r: &mut Registry) {
    add_simple(
        r,
        Signature::new("Get-Variable", "Gets variables.")
            .param(Param::new("Name", strings()).position(0))
            .param(Param::new("Scope", PsType::String))
            .param(Param::switch("ValueOnly")),
        |cx, call, out| {
            let names = call.strings("Name");
            if names.is_empty() {
                let mut seen: Vec<String> = Vec::new();
                let mut scope = Some(cx.current.clone());
                let mut vars = Vec::new();
                while let Some(s) = scope {
                    for v in s.vars.borrow().values() {
                        if !seen.contains(&v.name.to_lowercase()) {
                            seen.push(v.name.to_lowercase());
                            vars.push((v.name.clone(), v.value.clone()));
                        }
                    }
                    scope = s.parent.clone();
                }
                vars.sort_by_key(|(n, _)| n.to_lowercase());
                for (n, v) in vars {
                    out.emit(cx, if call.switch("ValueOnly") { v } else { var_object(&n, v) })?;
                }
                return Ok(());
            }
            for n in names {
                let scope = scope_for(cx, call);
                match scope.lookup(&n).or_else(|| cx.get_var(&n)) {
                    Some(v) => out.emit(cx, if call.switch("ValueOnly") { v } else { var_object(&n, v) })?,
                    None => {
                        let e = ErrorRecord::new(
                            Exception::new(
                                "System.Management.Automation.ItemNotFoundException",
                                format!("Cannot find a variable with the name '{n}'."),
                            ),
                            "VariableNotFound,Microsoft.PowerShell.Commands.GetVariableCommand",
                            "ObjectNotFound",
                            Value::string(n.clone()),
                        );
                        cx.write_error(call.bound.common.error_action, call.error(e))?;
                    }
                }
            }
            Ok(())
        },
    );
    for name in ["Set-Variable", "New-Variable"] {
        add_simple(
            r,
            Signature::new(name, "Sets a variable.")
                .param(Param::new("Name", PsType::String).position(0).mandatory())
                .param(Param::new("Value", PsType::Object).position(1).pipeline())
                .param(Param::new("Scope", PsType::String))
                .param(Param::new("Option", PsType::String))
                .param(Param::new("Description", PsType::String))
                .param(Param::switch("Force"))
                .param(Param::switch("PassThru")),
            |cx, call, out| {
                let n = call.str("Name").unwrap_or_default();
                let v = call.input.clone().or_else(|| call.get("Value").cloned()).unwrap_or(Value::Null);
                let scope = scope_for(cx, call);
                let private = call.str("Option").is_some_and(|o| o.to_ascii_lowercase().contains("private"));
                let readonly = call.str("Option").is_some_and(|o| {
                    let o = o.to_ascii_lowercase();
                    o.contains("readonly") || o.contains("constant")
                });
                scope.set_var(Variable { name: n.clone(), value: v.clone(), constraint: None, private, readonly });
                if call.switch("PassThru") {
                    out.emit(cx, var_object(&n, v))?;
                }
                Ok(())
            },
        );
    }
    for (name, clear) in [("Remove-Variable", false), ("Clear-Variable", true)] {
        r.add(
            Signature::new(name, "Removes or clears variables.")
                .param(Param::new("Name", strings()).position(0).mandatory())
                .param(Param::new("Scope", PsType::String))
                .param(Param::switch("Force")),
            move || Box::new(RemoveVariable { clear }),
        );
    }
}

struct RemoveVariable {
    clear: bool,
}

impl Cmdlet for RemoveVariable {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        for n in call.strings("Name") {
            let owner = if call.has("Scope") { Some(scope_for(cx, call)) } else { cx.current.owner(&n) };
            match owner {
                Some(s) => {
                    if self.clear {
                        s.set(&n, Value::Null);
                    } else {
                        s.remove(&n);
                    }
                }
                None => {
                    let e = ErrorRecord::new(
                        Exception::new(
                            "System.Management.Automation.ItemNotFoundException",
                            format!("Cannot find a variable with the name '{n}'."),
                        ),
                        "VariableNotFound",
                        "ObjectNotFound",
                        Value::string(n.clone()),
                    );
                    cx.write_error(call.bound.common.error_action, call.error(e))?;
                }
            }
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// modules and policies
// ----------------------------------------------------------------------

/// Modules reported as present (ExchangeOnlineManagement is built in).
const MODULES: &[(&str, &str)] = &[
    ("ExchangeOnlineManagement", "3.5.0"),
    ("Microsoft.PowerShell.Management", "7.0.0.0"),
    ("Microsoft.PowerShell.Utility", "7.0.0.0"),
    ("Microsoft.PowerShell.Security", "7.0.0.0"),
];

fn module_info(name: &str, version: &str) -> Value {
    let mut o = PsObject::typed("System.Management.Automation.PSModuleInfo");
    o.set_note("ModuleType", Value::str(if name == "ExchangeOnlineManagement" { "Script" } else { "Manifest" }));
    o.set_note("Version", Value::str(version));
    o.set_note("Name", Value::str(name));
    o.set_note("ExportedCommands", Value::str(""));
    Value::object(o)
}

fn modules(r: &mut Registry) {
    add_simple(
        r,
        Signature::new("Get-Module", "Lists modules.")
            .param(Param::new("Name", strings()).position(0).pipeline())
            .param(Param::switch("ListAvailable"))
            .param(Param::switch("All")),
        |cx, call, out| {
            let names = call.strings("Name");
            for (n, v) in MODULES {
                if names.is_empty() || names.iter().any(|p| crate::runtime::text::wildcard_match(p, n, false)) {
                    out.emit(cx, module_info(n, v))?;
                }
            }
            Ok(())
        },
    );
    for name in ["Import-Module", "Install-Module", "Update-Module"] {
        add_simple(
            r,
            Signature::new(name, "Loads or installs a module (built-in modules only).")
                .param(Param::new("Name", strings()).position(0).pipeline())
                .param(Param::new("RequiredVersion", PsType::String))
                .param(Param::new("MinimumVersion", PsType::String))
                .param(Param::new("Scope", PsType::String))
                .param(Param::new("Repository", PsType::String))
                .param(Param::switch("Force"))
                .param(Param::switch("AllowClobber"))
                .param(Param::switch("PassThru"))
                .param(Param::switch("SkipPublisherCheck"))
                .param(Param::switch("AcceptLicense"))
                .param(Param::switch("DisableNameChecking"))
                .param(Param::switch("Global")),
            |cx, call, out| {
                for n in call.strings("Name") {
                    let known = MODULES.iter().find(|(m, _)| m.eq_ignore_ascii_case(&n));
                    match known {
                        Some((m, v)) => {
                            if call.switch("PassThru") {
                                out.emit(cx, module_info(m, v))?;
                            }
                        }
                        None => {
                            let e = ErrorRecord::new(
                                Exception::new(
                                    "System.IO.FileNotFoundException",
                                    format!(
                                        "The specified module '{n}' was not loaded because no valid module file was found in any module directory."
                                    ),
                                ),
                                "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand",
                                "ResourceUnavailable",
                                Value::string(n.clone()),
                            );
                            cx.write_error(call.bound.common.error_action, call.error(e))?;
                        }
                    }
                }
                Ok(())
            },
        );
    }
    add_simple(
        r,
        Signature::new("Remove-Module", "Removes a module from the session.")
            .param(Param::new("Name", strings()).position(0).pipeline())
            .param(Param::switch("Force")),
        |_, _, _| Ok(()),
    );
    add_simple(
        r,
        Signature::new("Get-ExecutionPolicy", "Gets the execution policy (Unrestricted on Linux).")
            .param(Param::new("Scope", PsType::String).position(0))
            .param(Param::switch("List")),
        |cx, _call, out| {
            out.emit(cx, crate::runtime::eval::enum_value("Microsoft.PowerShell.ExecutionPolicy", "Unrestricted", 0))
        },
    );
    add_simple(
        r,
        Signature::new("Set-ExecutionPolicy", "Sets the execution policy (not supported on Linux, as in pwsh).")
            .param(Param::new("ExecutionPolicy", PsType::String).position(0).mandatory())
            .param(Param::new("Scope", PsType::String).position(1))
            .param(Param::switch("Force"))
            .should_process(),
        |cx, call, _out| {
            let e = ErrorRecord::new(
                Exception::new("System.PlatformNotSupportedException", "Operation is not supported on this platform."),
                "System.PlatformNotSupportedException,Microsoft.PowerShell.Commands.SetExecutionPolicyCommand",
                "NotSpecified",
                Value::Null,
            );
            cx.write_error(call.bound.common.error_action, call.error(e))
        },
    );
    add_simple(
        r,
        Signature::new("Unblock-File", "Removes the downloaded-file mark (nothing to do on Linux).")
            .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath")),
        |_, _, _| Ok(()),
    );
    add_simple(
        r,
        Signature::new("Add-Type", "Loads .NET assemblies that exist here.")
            .param(Param::new("AssemblyName", strings()).set("AssemblyName").mandatory().alias("AN"))
            .param(Param::new("TypeDefinition", PsType::String).set("TypeDefinition").position(0).mandatory())
            .param(Param::new("Language", PsType::String))
            .param(Param::new("ReferencedAssemblies", strings()))
            .param(Param::switch("PassThru")),
        |cx, call, _out| {
            if call.has("TypeDefinition") {
                return Err(Flow::error(call.error(ErrorRecord::new(
                    Exception::new(
                        "System.NotSupportedException",
                        "Add-Type -TypeDefinition needs a C# compiler, which exosh does not have.",
                    ),
                    "NotSupported,Microsoft.PowerShell.Commands.AddTypeCommand",
                    "NotImplemented",
                    Value::Null,
                ))));
            }
            for a in call.strings("AssemblyName") {
                let l = a.to_ascii_lowercase();
                if l.contains("windows.forms")
                    || l.contains("presentationframework")
                    || l.contains("visualbasic")
                    || l.contains("system.drawing")
                {
                    let e = ErrorRecord::new(
                        Exception::new(
                            "System.IO.FileNotFoundException",
                            format!(
                                "Cannot add type. The assembly '{a}' could not be found: Windows GUI assemblies do not exist on this platform; pass values as parameters instead of dialogs."
                            ),
                        ),
                        "ASSEMBLY_NOT_FOUND,Microsoft.PowerShell.Commands.AddTypeCommand",
                        "ObjectNotFound",
                        Value::string(a.clone()),
                    );
                    cx.write_error(call.bound.common.error_action, call.error(e))?;
                }
            }
            Ok(())
        },
    );
}

// ----------------------------------------------------------------------
// host
// ----------------------------------------------------------------------

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
    static TRANSCRIPT: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn next_random() -> u64 {
    RNG.with(|r| {
        let mut x = r.get();
        if x == 0 {
            x = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(88172645463325252)
                | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r.set(x);
        x
    })
}

#[derive(Default)]
struct GetRandom {
    items: Vec<Value>,
}

impl Cmdlet for GetRandom {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        call.gather_input(&mut self.items);
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        if let Some(seed) = call.int("SetSeed") {
            RNG.with(|r| r.set((seed as u64).wrapping_mul(6364136223846793005) | 1));
        }
        let count = call.int("Count").unwrap_or(1).max(1) as usize;
        if !self.items.is_empty() {
            let mut pool = std::mem::take(&mut self.items);
            let mut picked = Vec::new();
            for _ in 0..count.min(pool.len()) {
                let i = (next_random() % pool.len() as u64) as usize;
                picked.push(pool.remove(i));
            }
            for p in picked {
                out.emit(cx, p)?;
            }
            return Ok(());
        }
        let min = call.get("Minimum").cloned();
        let max = call.get("Maximum").cloned();
        let is_double = [&min, &max].iter().any(|v| matches!(v, Some(Value::Double(_))));
        for _ in 0..count {
            let v = if is_double {
                let lo = min.as_ref().and_then(to_num).map(|n| n.as_f64()).unwrap_or(0.0);
                let hi = max.as_ref().and_then(to_num).map(|n| n.as_f64()).unwrap_or(f64::MAX);
                Value::Double(lo + (next_random() as f64 / u64::MAX as f64) * (hi - lo))
            } else {
                let lo = min.as_ref().and_then(to_num).and_then(|n| n.as_i64()).unwrap_or(0);
                let hi = max.as_ref().and_then(to_num).and_then(|n| n.as_i64()).unwrap_or(i32::MAX as i64);
                if hi <= lo {
                    return Err(Flow::error(call.error(ErrorRecord::new(
                        Exception::new(
                            "System.ArgumentOutOfRangeException",
                            format!(
                                "The Minimum value ({lo}) cannot be greater than or equal to the Maximum value ({hi})."
                            ),
                        ),
                        "MinGreaterThanOrEqualMax,Microsoft.PowerShell.Commands.GetRandomCommand",
                        "InvalidArgument",
                        Value::Null,
                    ))));
                }
                let r = lo + (next_random() % (hi - lo) as u64) as i64;
                if r >= i32::MIN as i64 && r <= i32::MAX as i64 { Value::Int(r as i32) } else { Value::Long(r) }
            };
            out.emit(cx, v)?;
        }
        Ok(())
    }
}

fn non_interactive_error(call: &Call) -> Flow {
    Flow::error(call.error(ErrorRecord::new(
        Exception::new(
            "System.Management.Automation.PSInvalidOperationException",
            "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
        ),
        "InvalidOperation,Microsoft.PowerShell.Commands.ReadHostCommand",
        "InvalidOperation",
        Value::Null,
    )))
}

fn read_line(cx: &mut Interp, prompt: &str) -> Option<String> {
    use std::io::Write;
    if !prompt.is_empty() {
        cx.host_write(&format!("{prompt}: "));
    }
    let _ = cx.out.flush();
    let mut s = String::new();
    match std::io::stdin().read_line(&mut s) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(s.trim_end_matches(['\r', '\n']).to_string()),
    }
}

fn host(r: &mut Registry) {
    r.add(
        Signature::new("Get-Random", "Gets a random number or picks random items.")
            .param(Param::new("Maximum", PsType::Object).position(0))
            .param(Param::new("Minimum", PsType::Object))
            .param(Param::new("InputObject", objects()).pipeline())
            .param(Param::new("Count", PsType::Int))
            .param(Param::new("SetSeed", PsType::Int))
            .param(Param::switch("Shuffle")),
        || Box::new(GetRandom::default()),
    );
    add_simple(
        r,
        Signature::new("Read-Host", "Reads a line from the console.")
            .param(Param::new("Prompt", PsType::Object).position(0).remaining())
            .param(Param::switch("AsSecureString"))
            .param(Param::switch("MaskInput")),
        |cx, call, out| {
            if cx.options.non_interactive {
                return Err(non_interactive_error(call));
            }
            let prompt = call
                .get("Prompt")
                .map(|v| v.to_list().iter().map(to_string).collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let line = read_line(cx, &prompt).unwrap_or_default();
            if call.switch("AsSecureString") {
                return out.emit(cx, Value::SecureString(Rc::new(SecureString { text: line })));
            }
            out.emit(cx, Value::string(line))
        },
    );
    add_simple(
        r,
        Signature::new("Get-Credential", "Prompts for a user name and password.")
            .param(Param::new("Credential", PsType::Object).position(0))
            .param(Param::new("UserName", PsType::String))
            .param(Param::new("Message", PsType::String))
            .param(Param::new("Title", PsType::String)),
        |cx, call, out| {
            if let Some(Value::Credential(c)) = call.get("Credential") {
                return out.emit(cx, Value::Credential(c.clone()));
            }
            if cx.options.non_interactive {
                return Err(non_interactive_error(call));
            }
            let user = match call.str("UserName").or_else(|| call.get("Credential").map(to_string)) {
                Some(u) => u,
                None => read_line(cx, "User").unwrap_or_default(),
            };
            let pw = read_line(cx, "Password").unwrap_or_default();
            out.emit(cx, Value::Credential(Rc::new(Credential { user, password: Rc::new(SecureString { text: pw }) })))
        },
    );
    add_simple(
        r,
        Signature::new("ConvertTo-SecureString", "Makes a SecureString.")
            .param(Param::new("String", PsType::String).position(0).mandatory().pipeline())
            .param(Param::switch("AsPlainText"))
            .param(Param::switch("Force"))
            .param(Param::new("Key", PsType::Object))
            .param(Param::new("SecureKey", PsType::Object)),
        |cx, call, out| {
            let s = call.str("String").unwrap_or_default();
            let text = if call.switch("AsPlainText") {
                s
            } else {
                // The reverse of ConvertFrom-SecureString: hex of UTF-16LE.
                let bytes: Vec<u8> =
                    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
                let units: Vec<u16> =
                    bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
                String::from_utf16_lossy(&units)
            };
            out.emit(cx, Value::SecureString(Rc::new(SecureString { text })))
        },
    );
    add_simple(
        r,
        Signature::new("ConvertFrom-SecureString", "Converts a SecureString to an encoded or plain string.")
            .param(Param::new("SecureString", PsType::SecureString).position(0).mandatory().pipeline())
            .param(Param::switch("AsPlainText"))
            .param(Param::new("Key", PsType::Object)),
        |cx, call, out| {
            let Some(Value::SecureString(s)) = call.get("SecureString") else { return Ok(()) };
            let text = if call.switch("AsPlainText") {
                s.text.clone()
            } else {
                s.text.encode_utf16().flat_map(|u| u.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
            };
            out.emit(cx, Value::string(text))
        },
    );
    add_simple(r, Signature::new("Clear-Host", "Clears the screen."), |cx, _call, _out| {
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            cx.host_write("\x1b[2J\x1b[H");
        }
        Ok(())
    });
    add_simple(
        r,
        Signature::new("Start-Transcript", "Records the session to a file.")
            .param(Param::new("Path", PsType::String).position(0).alias("LiteralPath"))
            .param(Param::switch("Append"))
            .param(Param::switch("Force"))
            .param(Param::switch("NoClobber"))
            .param(Param::switch("IncludeInvocationHeader"))
            .param(Param::new("OutputDirectory", PsType::String)),
        |cx, call, out| {
            let path = match call.str("Path") {
                Some(p) => cx.resolve_path(&p),
                None => {
                    let home = std::env::var("HOME").unwrap_or_default();
                    format!("{home}/Documents/PowerShell_transcript.{}.txt", std::process::id())
                }
            };
            let header = "**********************\nPowerShell transcript start\n**********************\n";
            let _ = crate::runtime::output::write_text_file(&path, header, call.switch("Append"));
            TRANSCRIPT.with(|t| *t.borrow_mut() = Some(path.clone()));
            out.emit(cx, Value::string(format!("Transcript started, output file is {path}")))
        },
    );
    add_simple(r, Signature::new("Stop-Transcript", "Stops the transcript."), |cx, call, out| {
        match TRANSCRIPT.with(|t| t.borrow_mut().take()) {
            Some(p) => out.emit(cx, Value::string(format!("Transcript stopped, output file is {p}"))),
            None => {
                let e = ErrorRecord::new(
                    Exception::new(
                        "System.Management.Automation.PSInvalidOperationException",
                        "The host is not currently transcribing.",
                    ),
                    "InvalidOperation,Microsoft.PowerShell.Commands.StopTranscriptCommand",
                    "InvalidOperation",
                    Value::Null,
                );
                cx.write_error(call.bound.common.error_action, call.error(e))
            }
        }
    });
    add_simple(
        r,
        Signature::new("ConvertTo-Json", "Converts objects to JSON.")
            .param(Param::new("InputObject", PsType::Object).position(0).pipeline())
            .param(Param::new("Depth", PsType::Int))
            .param(Param::switch("Compress"))
            .param(Param::switch("AsArray"))
            .param(Param::switch("EnumsAsStrings")),
        |cx, call, out| {
            let v = call.input.clone().or_else(|| call.get("InputObject").cloned()).unwrap_or(Value::Null);
            let depth = call.int("Depth").unwrap_or(2);
            let mut j = to_json(cx, &v, depth, call.switch("EnumsAsStrings"))?;
            if call.switch("AsArray") && !j.is_array() {
                j = serde_json::Value::Array(vec![j]);
            }
            let s = if call.switch("Compress") { serde_json::to_string(&j) } else { serde_json::to_string_pretty(&j) }
                .unwrap_or_default();
            out.emit(cx, Value::string(s))
        },
    );
    add_simple(
        r,
        Signature::new("ConvertFrom-Json", "Converts JSON to objects.")
            .param(Param::new("InputObject", PsType::String).position(0).mandatory().pipeline())
            .param(Param::switch("AsHashtable"))
            .param(Param::switch("NoEnumerate"))
            .param(Param::new("Depth", PsType::Int)),
        |cx, call, out| {
            let s = call.str("InputObject").unwrap_or_default();
            let j: serde_json::Value = serde_json::from_str(&s).map_err(|e| {
                Flow::error(call.error(ErrorRecord::new(
                    Exception::new("System.ArgumentException", format!("Conversion from JSON failed with error: {e}")),
                    "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand",
                    "NotSpecified",
                    Value::Null,
                )))
            })?;
            let v = from_json(&j, call.switch("AsHashtable"));
            if call.switch("NoEnumerate") {
                return out.emit(cx, v);
            }
            emit_enumerated(cx, v, out)
        },
    );
    add_simple(
        r,
        Signature::new("New-PSDrive", "Maps a drive letter (C:) to a directory, for Windows paths in scripts.")
            .param(Param::new("Name", PsType::String).position(0).mandatory())
            .param(Param::new("PSProvider", PsType::String).position(1).mandatory())
            .param(Param::new("Root", PsType::String).position(2).mandatory())
            .param(Param::new("Description", PsType::String))
            .param(Param::new("Scope", PsType::String))
            .param(Param::switch("Persist")),
        |cx, call, out| {
            let name = call.str("Name").unwrap_or_default().trim_end_matches(':').to_ascii_uppercase();
            let root = call.str("Root").unwrap_or_default();
            let root = cx.resolve_path(&root);
            cx.drives.insert(name.clone(), root.clone());
            let mut o = PsObject::typed("System.Management.Automation.PSDriveInfo");
            o.set_note("Name", Value::string(name));
            o.set_note("Provider", Value::string(call.str("PSProvider").unwrap_or_default()));
            o.set_note("Root", Value::string(root));
            out.emit(cx, Value::object(o))
        },
    );
}

#[allow(clippy::only_used_in_recursion)]
fn to_json(cx: &mut Interp, v: &Value, depth: i64, enums_as_strings: bool) -> R<serde_json::Value> {
    use serde_json::Value as J;
    Ok(match v {
        Value::Null => J::Null,
        Value::Bool(b) | Value::Switch(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Long(i) => J::from(*i),
        Value::Byte(i) => J::from(*i),
        Value::SByte(i) => J::from(*i),
        Value::Int16(i) => J::from(*i),
        Value::UInt16(i) => J::from(*i),
        Value::UInt32(i) => J::from(*i),
        Value::UInt64(i) => J::from(*i),
        Value::BigInt(b) => match (i64::try_from(&**b), u64::try_from(&**b)) {
            (Ok(i), _) => J::from(i),
            (_, Ok(u)) => J::from(u),
            _ => J::String(b.to_string()),
        },
        Value::Double(d) => serde_json::Number::from_f64(*d).map(J::Number).unwrap_or(J::Null),
        Value::Single(f) => serde_json::from_str(&crate::runtime::dotnet::single_to_string(*f)).unwrap_or(J::Null),
        Value::Decimal(d) => serde_json::from_str(&d.to_string()).unwrap_or(J::Null),
        Value::Enum(e) => {
            if enums_as_strings {
                J::String(e.name.clone())
            } else {
                J::from(e.value)
            }
        }
        Value::DateTime(d) => {
            J::String(dotnet::format_datetime(*d, "yyyy-MM-ddTHH:mm:ss.FFFFFFFK").unwrap_or_default())
        }
        Value::Array(_) | Value::List(_) => {
            let mut out = Vec::new();
            for it in v.to_list() {
                out.push(if depth < 0 {
                    J::String(to_string(&it))
                } else {
                    to_json(cx, &it, depth - 1, enums_as_strings)?
                });
            }
            J::Array(out)
        }
        Value::Hashtable(h) => {
            if depth < 0 {
                return Ok(J::String(v.type_name()));
            }
            let mut m = serde_json::Map::new();
            for (k, x) in h.borrow().entries() {
                m.insert(to_string(&k), to_json(cx, &x, depth - 1, enums_as_strings)?);
            }
            J::Object(m)
        }
        Value::Object(_) => {
            if depth < 0 {
                return Ok(J::String(to_string(v)));
            }
            let mut m = serde_json::Map::new();
            for (k, x) in members::property_list(v) {
                m.insert(k, to_json(cx, &x, depth - 1, enums_as_strings)?);
            }
            J::Object(m)
        }
        other => J::String(to_string(other)),
    })
}

pub(super) fn from_json(j: &serde_json::Value, as_hashtable: bool) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                if i >= i32::MIN as i64 && i <= i32::MAX as i64 { Value::Int(i as i32) } else { Value::Long(i) }
            } else {
                Value::Double(n.as_f64().unwrap_or(0.0))
            }
        }
        J::String(s) => match convert::parse_datetime(s) {
            Some(d) if s.len() >= 19 && s.as_bytes().get(10) == Some(&b'T') => Value::DateTime(d),
            _ => Value::string(s.clone()),
        },
        J::Array(a) => Value::array(a.iter().map(|x| from_json(x, as_hashtable)).collect()),
        J::Object(m) => {
            if as_hashtable {
                let mut h = Hashtable::new(true);
                for (k, x) in m {
                    h.insert(Value::string(k.clone()), from_json(x, true));
                }
                Value::hashtable(h)
            } else {
                let mut o = PsObject::custom();
                for (k, x) in m {
                    o.set_note(k, from_json(x, false));
                }
                Value::object(o)
            }
        }
    }
}

/// Collects a pipeline's objects (used by tests of this module).
pub fn collect(items: Vec<Value>) -> Value {
    collect_value(items)
}
