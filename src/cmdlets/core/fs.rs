//! Files and paths: Test-Path, Get-Item, Get/Set/Add-Content, Out-File, New-Item,
//! Remove-Item, Copy-Item, Move-Item, Rename-Item, Get-ChildItem, Join-Path,
//! Split-Path, Resolve-Path, Get-Location, Set-Location.
//!
//! Windows habits work: `\` separates, drive letters map through New-PSDrive
//! (or `EXOSH_DRIVE_<LETTER>`), relative paths resolve against the location.

use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::{TO_STRING, to_num, to_string};
use crate::runtime::dotnet::DateTime;
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::Interp;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::text::{has_wildcard, wildcard_match};
use crate::runtime::types::PsType;
use crate::runtime::value::*;
use std::path::Path;

fn strings() -> PsType {
    PsType::Array(Box::new(PsType::String))
}

struct Simple(fn(&mut Interp, &mut Call, &mut dyn Sink) -> R<()>);

impl Cmdlet for Simple {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        (self.0)(cx, call, out)
    }
}

fn add(r: &mut Registry, sig: Signature, f: fn(&mut Interp, &mut Call, &mut dyn Sink) -> R<()>) {
    r.add(sig, move || Box::new(Simple(f)));
}

/// The error when a drive letter has no mapping.
fn drive_error(p: &str) -> Option<String> {
    let b = p.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        let d = p[..1].to_ascii_uppercase();
        return Some(format!(
            "Cannot find drive. A drive with the name '{d}' does not exist. The path '{p}' is a Windows path: map the drive first, e.g. New-PSDrive -Name {d} -PSProvider FileSystem -Root /srv/migration, or set EXOSH_DRIVE_{d}=/srv/migration."
        ));
    }
    None
}

/// Resolves a path; a drive letter without a mapping is an error.
fn resolve(cx: &Interp, call: &Call, p: &str) -> R<String> {
    let r = cx.resolve_path(p);
    if r.len() >= 2
        && r.as_bytes()[1] == b':'
        && let Some(msg) = drive_error(p)
    {
        return Err(Flow::error(call.error(ErrorRecord::new(
            Exception::new("System.Management.Automation.DriveNotFoundException", msg),
            "DriveNotFound",
            "ObjectNotFound",
            Value::str(p),
        ))));
    }
    Ok(r)
}

fn not_found(call: &Call, p: &str, cmd: &str) -> ErrorRecord {
    call.error(ErrorRecord::new(
        Exception::new(
            "System.Management.Automation.ItemNotFoundException",
            format!("Cannot find path '{p}' because it does not exist."),
        ),
        &format!("PathNotFound,Microsoft.PowerShell.Commands.{cmd}"),
        "ObjectNotFound",
        Value::str(p),
    ))
}

/// Expands wildcards in the last path component.
fn expand(full: &str) -> Vec<String> {
    if !has_wildcard(full) {
        return vec![full.to_string()];
    }
    let (dir, pat) = match full.rfind('/') {
        Some(i) => (&full[..i.max(1)], &full[i + 1..]),
        None => (".", full),
    };
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| wildcard_match(pat, &e.file_name().to_string_lossy(), false))
                .map(|e| e.path().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn paths(call: &Call) -> Vec<String> {
    if call.has("LiteralPath") { call.strings("LiteralPath") } else { call.strings("Path") }
}

/// A FileInfo / DirectoryInfo object.
pub fn file_item(p: &Path) -> Value {
    let md = std::fs::metadata(p).ok();
    let is_dir = md.as_ref().is_some_and(|m| m.is_dir());
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut o = PsObject::typed(if is_dir { "System.IO.DirectoryInfo" } else { "System.IO.FileInfo" });
    let mtime = md
        .as_ref()
        .and_then(|m| m.modified().ok())
        .map(|t| DateTime::from_chrono_local(&chrono::DateTime::<chrono::Local>::from(t)))
        .unwrap_or_else(DateTime::now);
    o.set_note("Mode", Value::str(if is_dir { "d----" } else { "-a---" }));
    o.set_note("LastWriteTime", Value::DateTime(mtime));
    if !is_dir {
        o.set_note("Length", Value::Long(md.as_ref().map(|m| m.len() as i64).unwrap_or(0)));
    }
    o.set_note("Name", Value::string(name.clone()));
    o.add_member("FullName", Member::Hidden(Value::string(p.to_string_lossy().into_owned())));
    o.add_member("PSIsContainer", Member::Hidden(Value::Bool(is_dir)));
    o.add_member("Exists", Member::Hidden(Value::Bool(md.is_some())));
    let (base, ext) = match name.rfind('.') {
        Some(i) if i > 0 && !is_dir => (name[..i].to_string(), name[i..].to_string()),
        _ => (name.clone(), String::new()),
    };
    o.add_member("BaseName", Member::Hidden(Value::string(base)));
    o.add_member("Extension", Member::Hidden(Value::string(ext)));
    let parent = p.parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    o.add_member("DirectoryName", Member::Hidden(Value::string(parent.clone())));
    o.add_member("PSPath", Member::Hidden(Value::string(p.to_string_lossy().into_owned())));
    o.add_member("PSParentPath", Member::Hidden(Value::string(parent)));
    o.add_member(TO_STRING, Member::Hidden(Value::string(p.to_string_lossy().into_owned())));
    Value::object(o)
}

fn io_error(call: &Call, p: &str, e: std::io::Error, id: &str) -> ErrorRecord {
    call.error(ErrorRecord::new(
        Exception::new("System.IO.IOException", format!("{e}: '{p}'")),
        id,
        "WriteError",
        Value::str(p),
    ))
}

fn content_lines(v: &Value) -> Vec<String> {
    v.to_list().iter().map(crate::runtime::convert::dotnet_to_string).collect()
}

#[derive(Default)]
struct WriteContent {
    append: bool,
    lines: Vec<String>,
}

impl Cmdlet for WriteContent {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if let Some(v) = call.input.clone() {
            self.lines.extend(content_lines(&v));
        } else if let Some(v) = call.get("Value") {
            self.lines.extend(content_lines(v));
        }
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let mut text = String::new();
        for l in &self.lines {
            text.push_str(l);
            if !call.switch("NoNewline") {
                text.push('\n');
            }
        }
        for p in paths(call) {
            let full = resolve(cx, call, &p)?;
            let r = crate::runtime::output::write_text_file(&full, &text, self.append);
            if let Err(e) = r {
                let rec = if e.kind() == std::io::ErrorKind::NotFound {
                    call.error(ErrorRecord::new(
                        Exception::new(
                            "System.IO.DirectoryNotFoundException",
                            format!("Could not find a part of the path '{full}'."),
                        ),
                        "GetContentWriterDirectoryNotFoundError",
                        "ObjectNotFound",
                        Value::string(full.clone()),
                    ))
                } else {
                    io_error(call, &full, e, "SetContentWriterIOError")
                };
                cx.write_error(call.bound.common.error_action, rec)?;
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct OutFile {
    items: Vec<Value>,
}

impl Cmdlet for OutFile {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        call.gather_input(&mut self.items);
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let p = call.str("FilePath").or_else(|| call.str("LiteralPath")).unwrap_or_default();
        let full = resolve(cx, call, &p)?;
        let mut text = crate::runtime::output::out_string(cx, &self.items);
        if call.switch("NoNewline") {
            text = text.trim_end_matches('\n').replace('\n', "");
        }
        let r = crate::runtime::output::write_text_file(&full, &text, call.switch("Append"));
        r.map_err(|e| {
            Flow::error(io_error(call, &full, e, "FileOpenFailure,Microsoft.PowerShell.Commands.OutFileCommand"))
        })
    }
}

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("Test-Path", "Tells whether a path exists.")
            .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
            .param(Param::new("PathType", PsType::String).validate_set(&["Any", "Container", "Leaf"]).alias("Type"))
            .param(Param::switch("IsValid"))
            .param(Param::new("Filter", PsType::String)),
        |cx, call, out| {
            let kind = call.str("PathType").unwrap_or_else(|| "Any".into()).to_ascii_lowercase();
            for p in paths(call) {
                if call.switch("IsValid") {
                    out.emit(cx, Value::Bool(!p.contains('\0')))?;
                    continue;
                }
                let full = cx.resolve_path(&p);
                let found = expand(&full).iter().any(|f| {
                    let path = Path::new(f);
                    match kind.as_str() {
                        "container" => path.is_dir(),
                        "leaf" => path.is_file(),
                        _ => path.exists(),
                    }
                });
                out.emit(cx, Value::Bool(found))?;
            }
            Ok(())
        },
    );
    add(
        r,
        Signature::new("Get-Content", "Reads a file's lines.")
            .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
            .param(Param::new("TotalCount", PsType::Long).alias("First").alias("Head"))
            .param(Param::new("Tail", PsType::Int).alias("Last"))
            .param(Param::switch("Raw"))
            .param(Param::new("Encoding", PsType::String))
            .param(Param::new("Delimiter", PsType::String))
            .param(Param::new("ReadCount", PsType::Long))
            .param(Param::switch("Force")),
        |cx, call, out| {
            for p in paths(call) {
                let full = resolve(cx, call, &p)?;
                let files = expand(&full);
                if files.iter().all(|f| !Path::new(f).is_file()) {
                    let e = not_found(call, &full, "GetContentCommand");
                    cx.write_error(call.bound.common.error_action, e)?;
                    continue;
                }
                for f in files {
                    let bytes = match std::fs::read(&f) {
                        Ok(b) => b,
                        Err(e) => {
                            let rec = io_error(call, &f, e, "GetContentReaderIOError");
                            cx.write_error(call.bound.common.error_action, rec)?;
                            continue;
                        }
                    };
                    let text = crate::cli::decode_script(&bytes);
                    if call.switch("Raw") {
                        out.emit(cx, Value::string(text))?;
                        continue;
                    }
                    let mut lines: Vec<&str> = match call.str("Delimiter") {
                        Some(d) if !d.is_empty() => text.split(d.as_str()).collect(),
                        _ => text.lines().collect(),
                    };
                    if let Some(t) = call.int("Tail") {
                        let n = lines.len().saturating_sub(t.max(0) as usize);
                        lines = lines.split_off(n);
                    }
                    if let Some(c) = call.int("TotalCount")
                        && c >= 0
                    {
                        lines.truncate(c as usize);
                    }
                    for l in lines {
                        out.emit(cx, Value::str(l.trim_end_matches('\r')))?;
                    }
                }
            }
            Ok(())
        },
    );
    for (name, append) in [("Set-Content", false), ("Add-Content", true)] {
        r.add(
            Signature::new(name, "Writes lines to a file.")
                .param(Param::new("Path", strings()).position(0).mandatory().by_property_name())
                .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
                .param(Param::new("Value", PsType::Array(Box::new(PsType::Object))).position(1).pipeline().mandatory())
                .param(Param::new("Encoding", PsType::String))
                .param(Param::switch("NoNewline"))
                .param(Param::switch("Force"))
                .param(Param::switch("PassThru"))
                .should_process(),
            move || Box::new(WriteContent { append, lines: Vec::new() }),
        );
    }
    r.add(
        Signature::new("Out-File", "Writes formatted output to a file.")
            .param(Param::new("FilePath", PsType::String).position(0).alias("Path"))
            .param(Param::new("LiteralPath", PsType::String).alias("PSPath").alias("LP"))
            .param(Param::new("Encoding", PsType::String).position(1))
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::switch("Append"))
            .param(Param::switch("Force"))
            .param(Param::switch("NoClobber"))
            .param(Param::switch("NoNewline"))
            .param(Param::new("Width", PsType::Int))
            .should_process(),
        || Box::new(OutFile::default()),
    );
    add(
        r,
        Signature::new("New-Item", "Creates a file or directory.")
            .param(Param::new("Path", strings()).position(0).by_property_name())
            .param(Param::new("Name", PsType::String).by_property_name())
            .param(Param::new("ItemType", PsType::String).alias("Type"))
            .param(Param::new("Value", PsType::Object).pipeline())
            .param(Param::switch("Force"))
            .should_process(),
        |cx, call, out| {
            let mut targets = paths(call);
            if targets.is_empty() {
                targets.push(".".into());
            }
            let kind = call.str("ItemType").unwrap_or_else(|| "File".into()).to_ascii_lowercase();
            for p in targets {
                let mut full = resolve(cx, call, &p)?;
                if let Some(n) = call.str("Name") {
                    full = format!("{}/{}", full.trim_end_matches('/'), n);
                }
                let path = Path::new(&full);
                if path.exists() && !call.switch("Force") {
                    let e = call.error(ErrorRecord::new(
                        Exception::new(
                            "System.IO.IOException",
                            format!("An item with the specified name {full} already exists."),
                        ),
                        "NewItemIOError,Microsoft.PowerShell.Commands.NewItemCommand",
                        "ResourceExists",
                        Value::string(full.clone()),
                    ));
                    cx.write_error(call.bound.common.error_action, e)?;
                    continue;
                }
                let r = if kind.starts_with("dir") {
                    std::fs::create_dir_all(&full)
                } else {
                    if call.switch("Force")
                        && let Some(parent) = path.parent()
                    {
                        let _ = std::fs::create_dir_all(parent);
                    }
                    std::fs::write(&full, call.get("Value").map(to_string).unwrap_or_default())
                };
                match r {
                    Ok(()) => out.emit(cx, file_item(path))?,
                    Err(e) => {
                        let rec =
                            io_error(call, &full, e, "NewItemIOError,Microsoft.PowerShell.Commands.NewItemCommand");
                        cx.write_error(call.bound.common.error_action, rec)?;
                    }
                }
            }
            Ok(())
        },
    );
    add(
        r,
        Signature::new("Remove-Item", "Deletes files and directories.")
            .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
            .param(Param::switch("Recurse"))
            .param(Param::switch("Force"))
            .param(Param::new("Filter", PsType::String))
            .param(Param::new("Include", strings()))
            .param(Param::new("Exclude", strings()))
            .should_process(),
        |cx, call, _out| {
            let mut ps = paths(call);
            if ps.is_empty()
                && let Some(v) = &call.input
                && let Some(f) = crate::runtime::members::property_of(v, "FullName")
            {
                ps.push(to_string(&f));
            }
            for p in ps {
                let full = resolve(cx, call, &p)?;
                let files = expand(&full);
                if files.iter().all(|f| !Path::new(f).exists()) {
                    let e = not_found(call, &full, "RemoveItemCommand");
                    cx.write_error(call.bound.common.error_action, e)?;
                    continue;
                }
                for f in files {
                    let path = Path::new(&f);
                    let r = if path.is_dir() {
                        if call.switch("Recurse") { std::fs::remove_dir_all(path) } else { std::fs::remove_dir(path) }
                    } else {
                        std::fs::remove_file(path)
                    };
                    if let Err(e) = r {
                        let rec =
                            io_error(call, &f, e, "RemoveItemIOError,Microsoft.PowerShell.Commands.RemoveItemCommand");
                        cx.write_error(call.bound.common.error_action, rec)?;
                    }
                }
            }
            Ok(())
        },
    );
    for (name, mv) in [("Copy-Item", false), ("Move-Item", true)] {
        r.add(
            Signature::new(name, "Copies or moves items.")
                .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
                .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
                .param(Param::new("Destination", PsType::String).position(1))
                .param(Param::switch("Recurse"))
                .param(Param::switch("Force"))
                .param(Param::switch("PassThru"))
                .should_process(),
            move || Box::new(CopyMove { mv }),
        );
    }
    add(
        r,
        Signature::new("Rename-Item", "Renames an item.")
            .param(Param::new("Path", PsType::String).position(0).mandatory().pipeline().by_property_name())
            .param(Param::new("NewName", PsType::String).position(1).mandatory())
            .param(Param::switch("Force"))
            .param(Param::switch("PassThru"))
            .should_process(),
        |cx, call, _out| {
            let full = resolve(cx, call, &call.str("Path").unwrap_or_default())?;
            let new = call.str("NewName").unwrap_or_default();
            let dest = match Path::new(&full).parent() {
                Some(d) => d.join(&new).to_string_lossy().into_owned(),
                None => new,
            };
            std::fs::rename(&full, &dest).map_err(|e| Flow::error(io_error(call, &full, e, "RenameItemIOError")))
        },
    );
    add(
        r,
        Signature::new("Get-Item", "Gets the file or directory at a path (wildcards expand).")
            .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
            .param(Param::switch("Force")),
        |cx, call, out| {
            for p in paths(call) {
                let full = resolve(cx, call, &p)?;
                let found: Vec<String> = if call.has("LiteralPath") { vec![full.clone()] } else { expand(&full) }
                    .into_iter()
                    .filter(|f| Path::new(f).exists())
                    .collect();
                if found.is_empty() {
                    let e = not_found(call, &full, "GetItemCommand");
                    cx.write_error(call.bound.common.error_action, e)?;
                }
                for f in found {
                    out.emit(cx, file_item(Path::new(&f)))?;
                }
            }
            Ok(())
        },
    );
    add(
        r,
        Signature::new("Get-ChildItem", "Lists a directory.")
            .param(Param::new("Path", strings()).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
            .param(Param::new("Filter", PsType::String).position(1))
            .param(Param::new("Include", strings()))
            .param(Param::new("Exclude", strings()))
            .param(Param::switch("Recurse"))
            .param(Param::new("Depth", PsType::Int))
            .param(Param::switch("File"))
            .param(Param::switch("Directory"))
            .param(Param::switch("Name"))
            .param(Param::switch("Force")),
        |cx, call, out| {
            let mut ps = paths(call);
            if ps.is_empty() {
                ps.push(".".into());
            }
            for p in ps {
                let full = resolve(cx, call, &p)?;
                let mut entries: Vec<std::path::PathBuf> = Vec::new();
                for target in expand(&full) {
                    let path = Path::new(&target);
                    if path.is_dir() && !has_wildcard(&full) {
                        list_dir(path, call.switch("Recurse"), call.int("Depth"), &mut entries);
                    } else if path.exists() {
                        entries.push(path.to_path_buf());
                    } else {
                        let e = not_found(call, &target, "GetChildItemCommand");
                        cx.write_error(call.bound.common.error_action, e)?;
                    }
                }
                let filter = call.str("Filter");
                let include = call.strings("Include");
                let exclude = call.strings("Exclude");
                for e in entries {
                    let name = e.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    if call.switch("File") && !e.is_file() || call.switch("Directory") && !e.is_dir() {
                        continue;
                    }
                    if filter.as_ref().is_some_and(|f| !wildcard_match(f, &name, false))
                        || (!include.is_empty() && !include.iter().any(|f| wildcard_match(f, &name, false)))
                        || exclude.iter().any(|f| wildcard_match(f, &name, false))
                    {
                        continue;
                    }
                    if !call.switch("Force") && name.starts_with('.') {
                        continue;
                    }
                    if call.switch("Name") {
                        out.emit(cx, Value::string(name))?;
                    } else {
                        out.emit(cx, file_item(&e))?;
                    }
                }
            }
            Ok(())
        },
    );
    add(
        r,
        Signature::new("Join-Path", "Joins path parts.")
            .param(Param::new("Path", strings()).position(0).mandatory().pipeline().by_property_name().alias("PSPath"))
            .param(Param::new("ChildPath", PsType::String).position(1))
            .param(Param::new("AdditionalChildPath", strings()).position(2).remaining())
            .param(Param::switch("Resolve")),
        |cx, call, out| {
            let mut rest = Vec::new();
            if let Some(c) = call.str("ChildPath") {
                rest.push(c);
            }
            rest.extend(call.strings("AdditionalChildPath"));
            for p in call.strings("Path") {
                let mut s = p.clone();
                for c in &rest {
                    let sep = if s.contains('\\') && !s.contains('/') { '\\' } else { '/' };
                    let c = c.trim_start_matches(['/', '\\']);
                    if !s.ends_with(['/', '\\']) {
                        s.push(sep);
                    }
                    s.push_str(c);
                }
                out.emit(cx, Value::string(s))?;
            }
            Ok(())
        },
    );
    add(
        r,
        Signature::new("Split-Path", "Returns part of a path.")
            .param(Param::new("Path", strings()).position(0).mandatory().pipeline().by_property_name())
            .param(Param::switch("Parent"))
            .param(Param::switch("Leaf"))
            .param(Param::switch("LeafBase"))
            .param(Param::switch("Extension"))
            .param(Param::switch("Qualifier"))
            .param(Param::switch("NoQualifier"))
            .param(Param::switch("IsAbsolute"))
            .param(Param::switch("Resolve")),
        |cx, call, out| {
            for p in call.strings("Path") {
                let trimmed = p.trim_end_matches(['/', '\\']);
                let cut = trimmed.rfind(['/', '\\']);
                let leaf = match cut {
                    Some(i) => &trimmed[i + 1..],
                    None => trimmed,
                };
                let v = if call.switch("Leaf") {
                    leaf.to_string()
                } else if call.switch("LeafBase") {
                    match leaf.rfind('.') {
                        Some(i) if i > 0 => leaf[..i].to_string(),
                        _ => leaf.to_string(),
                    }
                } else if call.switch("Extension") {
                    match leaf.rfind('.') {
                        Some(i) => leaf[i..].to_string(),
                        None => String::new(),
                    }
                } else if call.switch("Qualifier") {
                    p.split_once(':').map(|(q, _)| format!("{q}:")).unwrap_or_default()
                } else if call.switch("NoQualifier") {
                    p.split_once(':').map(|(_, r)| r.to_string()).unwrap_or(p.clone())
                } else if call.switch("IsAbsolute") {
                    out.emit(cx, Value::Bool(p.starts_with(['/', '\\']) || p.get(1..2) == Some(":")))?;
                    continue;
                } else {
                    match cut {
                        Some(0) => p[..1].to_string(),
                        Some(i) => trimmed[..i].to_string(),
                        None => String::new(),
                    }
                };
                out.emit(cx, Value::string(v))?;
            }
            Ok(())
        },
    );
    add(
        r,
        Signature::new("Resolve-Path", "Resolves a path to its full form.")
            .param(Param::new("Path", strings()).position(0).mandatory().pipeline().by_property_name())
            .param(Param::new("LiteralPath", strings()).alias("PSPath"))
            .param(Param::switch("Relative")),
        |cx, call, out| {
            for p in paths(call) {
                let full = resolve(cx, call, &p)?;
                let found = expand(&full);
                if found.iter().all(|f| !Path::new(f).exists()) {
                    let e = not_found(call, &full, "ResolvePathCommand");
                    cx.write_error(call.bound.common.error_action, e)?;
                    continue;
                }
                for f in found {
                    out.emit(cx, path_info(&f))?;
                }
            }
            Ok(())
        },
    );
    add(r, Signature::new("Get-Location", "Gets the current location."), |cx, _call, out| {
        let l = cx.location.clone();
        out.emit(cx, path_info(&l))
    });
    add(
        r,
        Signature::new("Set-Location", "Changes the current location.")
            .param(Param::new("Path", PsType::String).position(0).pipeline().by_property_name())
            .param(Param::new("LiteralPath", PsType::String).alias("PSPath"))
            .param(Param::switch("PassThru")),
        |cx, call, out| {
            let p = call.str("Path").or_else(|| call.str("LiteralPath")).unwrap_or_else(|| "~".into());
            let full = resolve(cx, call, &p)?;
            let canon = std::fs::canonicalize(&full).map(|c| c.to_string_lossy().into_owned());
            match canon {
                Ok(c) if Path::new(&c).is_dir() => {
                    cx.location = c.clone();
                    let _ = std::env::set_current_dir(&c);
                    if call.switch("PassThru") {
                        out.emit(cx, path_info(&c))?;
                    }
                    Ok(())
                }
                _ => Err(Flow::error(not_found(call, &full, "SetLocationCommand"))),
            }
        },
    );
    let _ = to_num;
}

fn path_info(p: &str) -> Value {
    let mut o = PsObject::typed("System.Management.Automation.PathInfo");
    o.set_note("Path", Value::str(p));
    o.add_member("ProviderPath", Member::Hidden(Value::str(p)));
    o.add_member("Drive", Member::Hidden(Value::str("/")));
    o.add_member(TO_STRING, Member::Hidden(Value::str(p)));
    Value::object(o)
}

fn list_dir(dir: &Path, recurse: bool, depth: Option<i64>, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<std::path::PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort_by_key(|e| e.file_name().map(|n| n.to_string_lossy().to_lowercase()));
    for e in entries {
        let is_dir = e.is_dir();
        out.push(e.clone());
        if is_dir && (recurse || depth.is_some_and(|d| d > 0)) {
            list_dir(&e, recurse, depth.map(|d| d - 1), out);
        }
    }
}

struct CopyMove {
    mv: bool,
}

impl Cmdlet for CopyMove {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let dest = resolve(cx, call, &call.str("Destination").unwrap_or_else(|| ".".into()))?;
        for p in paths(call) {
            let full = resolve(cx, call, &p)?;
            for f in expand(&full) {
                let src = Path::new(&f);
                if !src.exists() {
                    let e = not_found(call, &f, if self.mv { "MoveItemCommand" } else { "CopyItemCommand" });
                    cx.write_error(call.bound.common.error_action, e)?;
                    continue;
                }
                let target = if Path::new(&dest).is_dir() {
                    Path::new(&dest).join(src.file_name().unwrap_or_default())
                } else {
                    Path::new(&dest).to_path_buf()
                };
                let r = if self.mv { std::fs::rename(src, &target) } else { copy_rec(src, &target) };
                if let Err(e) = r {
                    let rec = io_error(call, &f, e, "CopyItemIOError");
                    cx.write_error(call.bound.common.error_action, rec)?;
                }
            }
        }
        Ok(())
    }
}

fn copy_rec(src: &Path, dst: &Path) -> std::io::Result<()> {
    if src.is_dir() {
        std::fs::create_dir_all(dst)?;
        for e in std::fs::read_dir(src)? {
            let e = e?;
            copy_rec(&e.path(), &dst.join(e.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(src, dst).map(|_| ())
    }
}
