//! Export-Clixml / Import-Clixml: PowerShell's CLIXML serialization for the
//! values scripts keep (strings, numbers, booleans, dates, arrays, hashtables,
//! PSCustomObjects, credentials with their SecureString), plus the small
//! module cmdlets scripts call (Export-ModuleMember, Update-TypeData).

use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::to_string;
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::Interp;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::*;
use std::rc::Rc;

pub fn register(r: &mut Registry) {
    r.add(
        Signature::new("Export-Clixml", "Writes objects to a CLIXML file.")
            .param(Param::new("Path", PsType::String).position(0).mandatory())
            .param(Param::new("InputObject", PsType::Object).pipeline().mandatory())
            .param(Param::new("Depth", PsType::Int))
            .param(Param::new("Encoding", PsType::String))
            .param(Param::switch("Force"))
            .param(Param::switch("NoClobber")),
        || Box::new(ExportClixml::default()),
    );
    r.add(
        Signature::new("Import-Clixml", "Reads objects from a CLIXML file.")
            .param(Param::new("Path", PsType::Array(Box::new(PsType::String))).position(0).mandatory().pipeline()),
        || Box::new(ImportClixml),
    );
    r.add(
        Signature::new("Export-ModuleMember", "Declares what a module exports (no effect outside modules).")
            .param(Param::new("Function", PsType::Array(Box::new(PsType::String))).position(0))
            .param(Param::new("Cmdlet", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("Variable", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("Alias", PsType::Array(Box::new(PsType::String)))),
        || Box::new(NoOp),
    );
    r.add(
        Signature::new("Update-TypeData", "Updates extended type data (accepted; formatting uses exosh's views).")
            .param(Param::new("TypeName", PsType::String))
            .param(Param::new("MemberType", PsType::String))
            .param(Param::new("MemberName", PsType::String))
            .param(Param::new("Value", PsType::Object))
            .param(Param::new("DefaultDisplayPropertySet", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("PrependPath", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("AppendPath", PsType::Array(Box::new(PsType::String))).position(0))
            .param(Param::switch("Force")),
        || Box::new(NoOp),
    );
}

struct NoOp;

impl Cmdlet for NoOp {
    fn process(&mut self, _cx: &mut Interp, _call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        Ok(())
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\n' => o.push_str("_x000A_"),
            '\r' => o.push_str("_x000D_"),
            c => o.push(c),
        }
    }
    o
}

fn unesc(s: &str) -> String {
    s.replace("_x000A_", "\n")
        .replace("_x000D_", "\r")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn secure_hex(s: &str) -> String {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> String {
    let bytes: Vec<u8> =
        (0..s.len() / 2).filter_map(|i| u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
    String::from_utf16_lossy(&units)
}

struct Writer {
    out: String,
    refid: usize,
}

impl Writer {
    fn value(&mut self, v: &Value, name: Option<&str>, depth: i64) {
        let n = name.map(|n| format!(" N=\"{}\"", esc(n))).unwrap_or_default();
        match v {
            Value::Null => self.out.push_str(&format!("<Nil{n} />")),
            Value::String(s) => self.out.push_str(&format!("<S{n}>{}</S>", esc(s))),
            Value::Char(c) => self.out.push_str(&format!("<C{n}>{}</C>", *c as u32)),
            Value::Bool(b) | Value::Switch(b) => {
                self.out.push_str(&format!("<B{n}>{}</B>", if *b { "true" } else { "false" }))
            }
            Value::Int(i) => self.out.push_str(&format!("<I32{n}>{i}</I32>")),
            Value::Long(i) => self.out.push_str(&format!("<I64{n}>{i}</I64>")),
            Value::Byte(i) => self.out.push_str(&format!("<By{n}>{i}</By>")),
            Value::SByte(i) => self.out.push_str(&format!("<SB{n}>{i}</SB>")),
            Value::Int16(i) => self.out.push_str(&format!("<I16{n}>{i}</I16>")),
            Value::UInt16(i) => self.out.push_str(&format!("<U16{n}>{i}</U16>")),
            Value::UInt32(i) => self.out.push_str(&format!("<U32{n}>{i}</U32>")),
            Value::UInt64(i) => self.out.push_str(&format!("<U64{n}>{i}</U64>")),
            Value::Single(f) => {
                self.out.push_str(&format!("<Sg{n}>{}</Sg>", crate::runtime::dotnet::single_to_string(*f)))
            }
            Value::Double(d) => {
                self.out.push_str(&format!("<Db{n}>{}</Db>", crate::runtime::convert::double_to_string(*d)))
            }
            Value::Decimal(d) => self.out.push_str(&format!("<D{n}>{d}</D>")),
            Value::Guid(g) => self.out.push_str(&format!("<G{n}>{g}</G>")),
            Value::DateTime(d) => self.out.push_str(&format!(
                "<DT{n}>{}</DT>",
                crate::runtime::dotnet::format_datetime(*d, "yyyy-MM-ddTHH:mm:ss.fffffffK").unwrap_or_default()
            )),
            Value::TimeSpan(t) => self.out.push_str(&format!("<TS{n}>PT{}S</TS>", t.total_seconds())),
            Value::SecureString(s) => self.out.push_str(&format!("<SS{n}>{}</SS>", secure_hex(&s.text))),
            Value::Credential(c) => {
                let id = self.next();
                self.out.push_str(&format!(
                    "<Obj{n} RefId=\"{id}\"><TN RefId=\"{id}\"><T>System.Management.Automation.PSCredential</T><T>System.Object</T></TN><ToString>System.Management.Automation.PSCredential</ToString><Props><S N=\"UserName\">{}</S><SS N=\"Password\">{}</SS></Props></Obj>",
                    esc(&c.user),
                    secure_hex(&c.password.text)
                ));
            }
            Value::Array(_) | Value::List(_) => {
                let id = self.next();
                self.out.push_str(&format!(
                    "<Obj{n} RefId=\"{id}\"><TN RefId=\"{id}\"><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN><LST>"
                ));
                for it in v.to_list() {
                    self.value(&it, None, depth - 1);
                }
                self.out.push_str("</LST></Obj>");
            }
            Value::Hashtable(h) => {
                let id = self.next();
                self.out.push_str(&format!(
                    "<Obj{n} RefId=\"{id}\"><TN RefId=\"{id}\"><T>System.Collections.Hashtable</T><T>System.Object</T></TN><DCT>"
                ));
                for (k, x) in h.borrow().entries() {
                    self.out.push_str("<En>");
                    self.value(&k, Some("Key"), depth - 1);
                    self.value(&x, Some("Value"), depth - 1);
                    self.out.push_str("</En>");
                }
                self.out.push_str("</DCT></Obj>");
            }
            Value::Object(o) if depth > 0 => {
                let id = self.next();
                let tn: Vec<String> = o.borrow().type_names.clone();
                self.out.push_str(&format!("<Obj{n} RefId=\"{id}\"><TN RefId=\"{id}\">"));
                for t in &tn {
                    self.out.push_str(&format!("<T>{}</T>", esc(t)));
                }
                self.out.push_str(&format!("</TN><ToString>{}</ToString><MS>", esc(&to_string(v))));
                for (k, x) in crate::runtime::members::property_list(v) {
                    self.value(&x, Some(&k), depth - 1);
                }
                self.out.push_str("</MS></Obj>");
            }
            other => self.out.push_str(&format!("<S{n}>{}</S>", esc(&to_string(other)))),
        }
    }
    fn next(&mut self) -> usize {
        let id = self.refid;
        self.refid += 1;
        id
    }
}

#[derive(Default)]
struct ExportClixml {
    items: Vec<Value>,
}

impl Cmdlet for ExportClixml {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if let Some(v) = call.input.clone() {
            self.items.push(v);
        } else if let Some(v) = call.get("InputObject") {
            self.items.push(v.clone());
        }
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let depth = call.int("Depth").unwrap_or(2);
        let mut w = Writer {
            out: String::from("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"),
            refid: 0,
        };
        for it in &self.items {
            w.value(it, None, depth);
        }
        w.out.push_str("</Objs>");
        let p = cx.resolve_path(&call.str("Path").unwrap_or_default());
        std::fs::write(&p, w.out).map_err(|e| {
            Flow::error(call.error(ErrorRecord::new(
                Exception::new("System.IO.IOException", format!("Could not write '{p}': {e}")),
                "FileOpenFailure,Microsoft.PowerShell.Commands.ExportClixmlCommand",
                "OpenError",
                Value::string(p.clone()),
            )))
        })
    }
}

/// A minimal XML element tree.
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    kids: Vec<El>,
}

impl El {
    fn attr(&self, n: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str())
    }
    fn kid(&self, n: &str) -> Option<&El> {
        self.kids.iter().find(|k| k.name == n)
    }
}

fn parse_xml(s: &str) -> Option<El> {
    let mut stack: Vec<El> = vec![El { name: "#root".into(), attrs: vec![], text: String::new(), kids: vec![] }];
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if b[i] == b'<' {
            let end = s[i..].find('>')? + i;
            let tag = &s[i + 1..end];
            if tag.starts_with('?') || tag.starts_with('!') {
                i = end + 1;
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let el = stack.pop()?;
                if el.name != name.trim() {
                    return None;
                }
                stack.last_mut()?.kids.push(el);
            } else {
                let self_close = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let (name, rest) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
                let mut attrs = Vec::new();
                let mut r = rest.trim();
                while let Some(eq) = r.find('=') {
                    let k = r[..eq].trim().to_string();
                    let after = r[eq + 1..].trim_start();
                    let q = after.chars().next()?;
                    let close = after[1..].find(q)? + 1;
                    attrs.push((k, unesc(&after[1..close])));
                    r = after[close + 1..].trim_start();
                }
                let el = El { name: name.to_string(), attrs, text: String::new(), kids: vec![] };
                if self_close {
                    stack.last_mut()?.kids.push(el);
                } else {
                    stack.push(el);
                }
            }
            i = end + 1;
        } else {
            let next = s[i..].find('<').map(|x| x + i).unwrap_or(s.len());
            stack.last_mut()?.text.push_str(&unesc(&s[i..next]));
            i = next;
        }
    }
    let mut root = stack.pop()?;
    root.kids.pop()
}

fn read_value(e: &El, refs: &mut std::collections::HashMap<String, Vec<String>>) -> Value {
    match e.name.as_str() {
        "Nil" => Value::Null,
        "S" | "URI" | "Version" | "XD" | "SBK" => Value::string(e.text.clone()),
        "C" => e.text.trim().parse::<u32>().ok().and_then(char::from_u32).map(Value::Char).unwrap_or(Value::Null),
        "B" => Value::Bool(e.text.trim() == "true"),
        "I32" => e.text.trim().parse::<i32>().map(Value::Int).unwrap_or(Value::Null),
        "I16" => e.text.trim().parse::<i16>().map(Value::Int16).unwrap_or(Value::Null),
        "U16" => e.text.trim().parse::<u16>().map(Value::UInt16).unwrap_or(Value::Null),
        "SB" => e.text.trim().parse::<i8>().map(Value::SByte).unwrap_or(Value::Null),
        "I64" => e.text.trim().parse::<i64>().map(Value::Long).unwrap_or(Value::Null),
        "U32" => e.text.trim().parse::<u32>().map(Value::UInt32).unwrap_or(Value::Null),
        "U64" => e.text.trim().parse::<u64>().map(Value::UInt64).unwrap_or(Value::Null),
        "By" => e.text.trim().parse::<u8>().map(Value::Byte).unwrap_or(Value::Null),
        "Db" => e.text.trim().parse::<f64>().map(Value::Double).unwrap_or(Value::Null),
        "Sg" => e.text.trim().parse::<f32>().map(Value::Single).unwrap_or(Value::Null),
        "D" => e.text.trim().parse::<rust_decimal::Decimal>().map(Value::Decimal).unwrap_or(Value::Null),
        "G" => uuid::Uuid::parse_str(e.text.trim()).map(Value::Guid).unwrap_or(Value::Null),
        "DT" => crate::runtime::convert::parse_datetime(e.text.trim()).map(Value::DateTime).unwrap_or(Value::Null),
        "SS" => Value::SecureString(Rc::new(SecureString { text: unhex(e.text.trim()) })),
        "Obj" => {
            let types: Vec<String> = match e.kid("TN") {
                Some(tn) => {
                    let t: Vec<String> = tn.kids.iter().map(|t| t.text.clone()).collect();
                    if let Some(id) = tn.attr("RefId") {
                        refs.insert(id.to_string(), t.clone());
                    }
                    t
                }
                None => e
                    .kid("TNRef")
                    .and_then(|r| r.attr("RefId"))
                    .and_then(|id| refs.get(id).cloned())
                    .unwrap_or_default(),
            };
            if let Some(l) = e.kid("LST").or_else(|| e.kid("IE")).or_else(|| e.kid("STK")).or_else(|| e.kid("QUE")) {
                return Value::array(l.kids.iter().map(|k| read_value(k, refs)).collect());
            }
            if let Some(d) = e.kid("DCT") {
                let mut h = Hashtable::new(false);
                for en in &d.kids {
                    let k = en
                        .kids
                        .iter()
                        .find(|k| k.attr("N") == Some("Key"))
                        .map(|k| read_value(k, refs))
                        .unwrap_or(Value::Null);
                    let v = en
                        .kids
                        .iter()
                        .find(|k| k.attr("N") == Some("Value"))
                        .map(|k| read_value(k, refs))
                        .unwrap_or(Value::Null);
                    h.insert(k, v);
                }
                return Value::hashtable(h);
            }
            let props: Vec<(String, Value)> = e
                .kid("Props")
                .into_iter()
                .chain(e.kid("MS"))
                .flat_map(|p| p.kids.iter())
                .map(|k| (k.attr("N").unwrap_or("").to_string(), read_value(k, refs)))
                .collect();
            if types.first().map(|t| t.as_str()) == Some("System.Management.Automation.PSCredential") {
                let user = props.iter().find(|(n, _)| n == "UserName").map(|(_, v)| to_string(v)).unwrap_or_default();
                let pw = match props.iter().find(|(n, _)| n == "Password").map(|(_, v)| v.clone()) {
                    Some(Value::SecureString(s)) => s,
                    _ => Rc::new(SecureString { text: String::new() }),
                };
                return Value::Credential(Rc::new(Credential { user, password: pw }));
            }
            if props.is_empty()
                && let Some(t) = e.kid("ToString")
            {
                return Value::string(t.text.clone());
            }
            let mut o = PsObject::custom();
            if let Some(first) = types.first()
                && first != PSCUSTOMOBJECT
            {
                o.type_names = types.iter().map(|t| format!("Deserialized.{t}")).collect();
            }
            for (k, v) in props {
                o.set_note(&k, v);
            }
            Value::object(o)
        }
        _ => Value::string(e.text.clone()),
    }
}

struct ImportClixml;

impl Cmdlet for ImportClixml {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        for p in call.strings("Path") {
            let full = cx.resolve_path(&p);
            let text = std::fs::read_to_string(&full).map_err(|_| {
                Flow::error(call.error(ErrorRecord::new(
                    Exception::new(
                        "System.Management.Automation.ItemNotFoundException",
                        format!("Cannot find path '{full}' because it does not exist."),
                    ),
                    "PathNotFound,Microsoft.PowerShell.Commands.ImportClixmlCommand",
                    "ObjectNotFound",
                    Value::string(full.clone()),
                )))
            })?;
            let root = parse_xml(&text).ok_or_else(|| {
                Flow::error(call.error(ErrorRecord::new(
                    Exception::new("System.Xml.XmlException", format!("The file '{full}' is not valid CLIXML.")),
                    "System.Xml.XmlException,Microsoft.PowerShell.Commands.ImportClixmlCommand",
                    "InvalidData",
                    Value::Null,
                )))
            })?;
            let mut refs = std::collections::HashMap::new();
            for k in &root.kids {
                let v = read_value(k, &mut refs);
                out.emit(cx, v)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_roundtrip_of_a_list() {
        let mut w = Writer { out: String::from("<Objs>"), refid: 0 };
        w.value(&Value::array(vec![Value::Int(1), Value::str("a<b")]), None, 2);
        w.out.push_str("</Objs>");
        let root = parse_xml(&w.out).unwrap();
        let v = read_value(&root.kids[0], &mut Default::default());
        assert_eq!(v, Value::array(vec![Value::Int(1), Value::str("a<b")]));
    }
}
