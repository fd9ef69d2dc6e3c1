//! Select-Object, Sort-Object, Group-Object, Measure-Object, Get-Unique,
//! Compare-Object, Tee-Object, Join-String and the CSV cmdlets.

use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::{self, to_num, to_string};
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::Interp;
use crate::runtime::members::{self, property_list};
use crate::runtime::ops;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::text::{has_wildcard, wildcard_match};
use crate::runtime::types::PsType;
use crate::runtime::value::*;
use std::cmp::Ordering;
use std::rc::Rc;

fn objects() -> PsType {
    PsType::Array(Box::new(PsType::Object))
}
fn strings() -> PsType {
    PsType::Array(Box::new(PsType::String))
}
fn ints() -> PsType {
    PsType::Array(Box::new(PsType::Int))
}

pub fn register(r: &mut Registry) {
    r.add(
        Signature::new("Select-Object", "Selects objects or object properties.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Property", objects()).position(0))
            .param(Param::new("ExcludeProperty", strings()))
            .param(Param::new("ExpandProperty", PsType::String))
            .param(Param::switch("Unique"))
            .param(Param::switch("CaseInsensitive"))
            .param(Param::new("Last", PsType::Int))
            .param(Param::new("First", PsType::Int))
            .param(Param::new("Skip", PsType::Int))
            .param(Param::new("SkipLast", PsType::Int))
            .param(Param::switch("Wait"))
            .param(Param::new("Index", ints()))
            .param(Param::new("SkipIndex", ints()))
            .alias("select")
            .example("Get-Mailbox | Select-Object -First 1", "The first mailbox."),
        || Box::new(SelectObject::default()),
    );
    r.add(
        Signature::new("Sort-Object", "Sorts objects by property values.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Property", objects()).position(0))
            .param(Param::switch("Descending"))
            .param(Param::switch("Unique"))
            .param(Param::switch("CaseSensitive"))
            .param(Param::switch("Stable"))
            .param(Param::new("Top", PsType::Int))
            .param(Param::new("Bottom", PsType::Int))
            .param(Param::new("Culture", PsType::String)),
        || Box::new(SortObject::default()),
    );
    r.add(
        Signature::new("Group-Object", "Groups objects that share a property value.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Property", objects()).position(0))
            .param(Param::switch("NoElement"))
            .param(Param::switch("AsHashTable"))
            .param(Param::switch("AsString"))
            .param(Param::switch("CaseSensitive")),
        || Box::new(GroupObject::default()),
    );
    r.add(
        Signature::new("Measure-Object", "Counts objects and computes sums, averages, minima and maxima.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Property", objects()).position(0))
            .param(Param::switch("Sum"))
            .param(Param::switch("Average"))
            .param(Param::switch("Maximum"))
            .param(Param::switch("Minimum"))
            .param(Param::switch("StandardDeviation"))
            .param(Param::switch("AllStats"))
            .param(Param::switch("Line"))
            .param(Param::switch("Word"))
            .param(Param::switch("Character"))
            .param(Param::switch("IgnoreWhiteSpace")),
        || Box::new(MeasureObject::default()),
    );
    r.add(
        Signature::new("Get-Unique", "Removes adjacent duplicates from a sorted list.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::switch("AsString"))
            .param(Param::switch("OnType"))
            .param(Param::switch("CaseInsensitive")),
        || Box::new(GetUnique::default()),
    );
    r.add(
        Signature::new("Compare-Object", "Compares two sets of objects.")
            .param(Param::new("ReferenceObject", objects()).position(0).mandatory())
            .param(Param::new("DifferenceObject", objects()).position(1).mandatory().pipeline())
            .param(Param::new("Property", objects()))
            .param(Param::switch("IncludeEqual"))
            .param(Param::switch("ExcludeDifferent"))
            .param(Param::switch("PassThru"))
            .param(Param::switch("CaseSensitive"))
            .param(Param::new("SyncWindow", PsType::Int)),
        || Box::new(CompareObject::default()),
    );
    r.add(
        Signature::new("Tee-Object", "Saves output in a variable or file and passes it on.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("FilePath", PsType::String).set("File").position(0).mandatory().alias("Path"))
            .param(Param::new("Variable", PsType::String).set("Variable").mandatory())
            .param(Param::switch("Append"))
            .default_set("File"),
        || Box::new(TeeObject::default()),
    );
    r.add(
        Signature::new("Join-String", "Joins pipeline objects into one string.")
            .param(Param::new("InputObject", PsType::Object).pipeline())
            .param(Param::new("Property", PsType::Object).position(0))
            .param(Param::new("Separator", PsType::String).position(1))
            .param(Param::new("OutputPrefix", PsType::String).alias("op"))
            .param(Param::new("OutputSuffix", PsType::String).alias("os"))
            .param(Param::switch("SingleQuote"))
            .param(Param::switch("DoubleQuote"))
            .param(Param::new("FormatString", PsType::String))
            .param(Param::switch("UseCulture")),
        || Box::new(JoinString::default()),
    );
    r.add(
        Signature::new("ConvertTo-Csv", "Converts objects to CSV lines.")
            .param(Param::new("InputObject", PsType::Object).pipeline().position(0).mandatory())
            .param(Param::new("Delimiter", PsType::Char).position(1))
            .param(Param::switch("UseCulture"))
            .param(Param::switch("IncludeTypeInformation").alias("ITI"))
            .param(Param::switch("NoTypeInformation").alias("NTI"))
            .param(Param::new("QuoteFields", strings()).alias("QF"))
            .param(Param::new("UseQuotes", PsType::String).alias("UQ").validate_set(&["Never", "Always", "AsNeeded"]))
            .param(Param::switch("NoHeader")),
        || Box::new(ToCsv::default()),
    );
    r.add(
        Signature::new("Export-Csv", "Writes objects to a CSV file.")
            .param(Param::new("InputObject", PsType::Object).pipeline().mandatory())
            .param(Param::new("Path", PsType::String).position(0))
            .param(Param::new("LiteralPath", PsType::String).alias("PSPath").alias("LP"))
            .param(Param::new("Delimiter", PsType::Char).position(1))
            .param(Param::switch("Append"))
            .param(Param::switch("Force"))
            .param(Param::switch("NoClobber"))
            .param(Param::new("Encoding", PsType::String))
            .param(Param::switch("UseCulture"))
            .param(Param::switch("IncludeTypeInformation").alias("ITI"))
            .param(Param::switch("NoTypeInformation").alias("NTI"))
            .param(Param::new("QuoteFields", strings()).alias("QF"))
            .param(Param::new("UseQuotes", PsType::String).alias("UQ").validate_set(&["Never", "Always", "AsNeeded"]))
            .param(Param::switch("NoHeader"))
            .should_process(),
        || Box::new(ToCsv::default()),
    );
    r.add(
        Signature::new("ConvertFrom-Csv", "Converts CSV text to objects.")
            .param(Param::new("InputObject", objects()).pipeline().position(0).mandatory())
            .param(Param::new("Delimiter", PsType::Char).position(1))
            .param(Param::new("Header", strings()))
            .param(Param::switch("UseCulture")),
        || Box::new(FromCsv::default()),
    );
    r.add(
        Signature::new("Import-Csv", "Reads a CSV file as objects.")
            .param(Param::new("Path", strings()).position(0).pipeline())
            .param(Param::new("LiteralPath", strings()).alias("PSPath").alias("LP"))
            .param(Param::new("Delimiter", PsType::Char).position(1))
            .param(Param::new("Header", strings()))
            .param(Param::new("Encoding", PsType::String))
            .param(Param::switch("UseCulture")),
        || Box::new(FromCsv::default()),
    );
}

// ----------------------------------------------------------------------
// helpers
// ----------------------------------------------------------------------

/// A property spec: a name (maybe wildcard), a script block, or a hashtable.
enum PropSpec {
    Name(String),
    Script(Rc<ScriptBlock>),
    Calculated { name: String, expr: Box<PropSpec> },
}

fn prop_specs(vals: &[Value]) -> Vec<PropSpec> {
    vals.iter()
        .map(|v| match v {
            Value::ScriptBlock(sb) => PropSpec::Script(sb.clone()),
            Value::Hashtable(h) => {
                let h = h.borrow();
                let get = |keys: &[&str]| {
                    h.entries().into_iter().find(|(k, _)| {
                        let ks = to_string(k).to_ascii_lowercase();
                        keys.iter().any(|x| x.starts_with(ks.as_str()) && !ks.is_empty())
                    })
                };
                let expr = get(&["expression"]).map(|(_, v)| v).unwrap_or(Value::Null);
                let name = get(&["name", "label"]).map(|(_, v)| to_string(&v));
                let inner = match &expr {
                    Value::ScriptBlock(sb) => PropSpec::Script(sb.clone()),
                    other => PropSpec::Name(to_string(other)),
                };
                let name = name.unwrap_or_else(|| match &expr {
                    Value::ScriptBlock(sb) => sb.text.trim().to_string(),
                    other => to_string(other),
                });
                PropSpec::Calculated { name, expr: Box::new(inner) }
            }
            other => PropSpec::Name(to_string(other)),
        })
        .collect()
}

fn eval_spec(cx: &mut Interp, spec: &PropSpec, v: &Value) -> R<Value> {
    match spec {
        PropSpec::Name(n) => members::get_property(cx, v, n),
        PropSpec::Script(sb) => cx.invoke_sb_value(sb, vec![], Some(v.clone()), false),
        PropSpec::Calculated { expr, .. } => eval_spec(cx, expr, v),
    }
}

/// Names of an object's properties (hashtables give their keys).
fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::Hashtable(h) => h.borrow().keys().iter().map(to_string).collect(),
        other => property_list(other).into_iter().map(|(n, _)| n).collect(),
    }
}

// ----------------------------------------------------------------------
// Select-Object
// ----------------------------------------------------------------------

#[derive(Default)]
struct SelectObject {
    index: usize,
    emitted: usize,
    buffer: Vec<Value>,
}

impl SelectObject {
    fn project(&self, cx: &mut Interp, call: &Call, v: Value) -> R<Vec<Value>> {
        if let Some(exp) = call.str("ExpandProperty") {
            let pv = members::get_property(cx, &v, &exp)?;
            if pv.is_null() && !names_of(&v).iter().any(|n| n.eq_ignore_ascii_case(&exp)) {
                let e = ErrorRecord::new(
                    Exception::new(
                        "System.Management.Automation.PSArgumentException",
                        format!("Property \"{exp}\" cannot be found."),
                    ),
                    "ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand",
                    "InvalidArgument",
                    v.clone(),
                );
                cx.write_error(call.bound.common.error_action, call.error(e))?;
                return Ok(Vec::new());
            }
            return Ok(pv.to_list());
        }
        let props = call.list("Property");
        if props.is_empty() {
            if let Value::Object(o) = &v
                && o.borrow().base.is_none()
            {
                let mut n = o.borrow().clone();
                let first = n.type_names.first().cloned().unwrap_or_default();
                n.type_names.insert(0, format!("Selected.{first}"));
                return Ok(vec![Value::object(n)]);
            }
            return Ok(vec![v]);
        }
        let excl = call.strings("ExcludeProperty");
        let mut o = PsObject::custom();
        let first = v.type_names().first().cloned().unwrap_or_default();
        o.type_names.insert(0, format!("Selected.{first}"));
        let available = names_of(&v);
        for spec in prop_specs(&props) {
            match &spec {
                PropSpec::Name(n) if has_wildcard(n) => {
                    for a in &available {
                        if wildcard_match(n, a, false) && !excl.iter().any(|e| wildcard_match(e, a, false)) {
                            let pv = members::get_property(cx, &v, a)?;
                            o.set_note(a, pv);
                        }
                    }
                }
                PropSpec::Name(n) => {
                    if excl.iter().any(|e| wildcard_match(e, n, false)) {
                        continue;
                    }
                    let real = available.iter().find(|a| a.eq_ignore_ascii_case(n)).cloned().unwrap_or(n.clone());
                    let pv = members::get_property(cx, &v, n)?;
                    o.set_note(&real, pv);
                }
                PropSpec::Calculated { name, .. } => {
                    let pv = eval_spec(cx, &spec, &v)?;
                    o.set_note(name, pv);
                }
                PropSpec::Script(sb) => {
                    let pv = eval_spec(cx, &spec, &v)?;
                    o.set_note(sb.text.trim(), pv);
                }
            }
        }
        Ok(vec![Value::object(o)])
    }

    fn buffered(call: &Call) -> bool {
        call.has("Last") || call.has("SkipLast") || call.switch("Unique")
    }
}

fn unique_key(v: &Value, ci: bool) -> String {
    let s = match v {
        Value::Object(_) => to_string(v),
        other => format!("{}:{}", other.short_type_name(), to_string(other)),
    };
    if ci { s.to_lowercase() } else { s }
}

impl Cmdlet for SelectObject {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) else {
            return Ok(());
        };
        let i = self.index;
        self.index += 1;
        if Self::buffered(call) {
            self.buffer.push(v);
            return Ok(());
        }
        let skip = call.int("Skip").unwrap_or(0).max(0) as usize;
        if i < skip {
            return Ok(());
        }
        if call.has("Index") {
            let idx: Vec<i64> = call.list("Index").iter().filter_map(|x| to_num(x).and_then(|n| n.as_i64())).collect();
            if !idx.contains(&(i as i64)) {
                return Ok(());
            }
        }
        if call.has("SkipIndex") {
            let idx: Vec<i64> =
                call.list("SkipIndex").iter().filter_map(|x| to_num(x).and_then(|n| n.as_i64())).collect();
            if idx.contains(&(i as i64)) {
                return Ok(());
            }
        }
        if let Some(first) = call.int("First")
            && self.emitted as i64 >= first
        {
            return Err(call.stop_upstream());
        }
        for p in self.project(cx, call, v)? {
            out.emit(cx, p)?;
        }
        self.emitted += 1;
        if let Some(first) = call.int("First")
            && self.emitted as i64 >= first
        {
            return Err(call.stop_upstream());
        }
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        if !Self::buffered(call) {
            return Ok(());
        }
        let mut items = std::mem::take(&mut self.buffer);
        let skip = call.int("Skip").unwrap_or(0).max(0) as usize;
        items = items.into_iter().skip(skip).collect();
        if let Some(sl) = call.int("SkipLast") {
            let n = items.len().saturating_sub(sl.max(0) as usize);
            items.truncate(n);
        }
        let first = call.int("First");
        let last = call.int("Last");
        if first.is_some() || last.is_some() {
            let f = first.unwrap_or(0).max(0) as usize;
            let l = last.unwrap_or(0).max(0) as usize;
            let n = items.len();
            let mut picked: Vec<Value> = items.iter().take(f).cloned().collect();
            let from = n.saturating_sub(l).max(f.min(n));
            picked.extend(items[from..].iter().cloned());
            items = picked;
        }
        let mut projected = Vec::new();
        for v in items {
            projected.extend(self.project(cx, call, v)?);
        }
        if call.switch("Unique") {
            let ci = call.switch("CaseInsensitive");
            let mut seen = std::collections::HashSet::new();
            projected.retain(|v| seen.insert(unique_key(v, ci)));
        }
        for v in projected {
            out.emit(cx, v)?;
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// Sort-Object
// ----------------------------------------------------------------------

#[derive(Default)]
struct SortObject {
    items: Vec<Value>,
}

struct SortKey {
    spec: Option<PropSpec>,
    descending: Option<bool>,
}

fn sort_keys(call: &Call) -> Vec<SortKey> {
    let props = call.list("Property");
    if props.is_empty() {
        return vec![SortKey { spec: None, descending: None }];
    }
    props
        .iter()
        .map(|p| match p {
            Value::Hashtable(h) => {
                let h2 = h.borrow();
                let mut desc = None;
                for (k, v) in h2.entries() {
                    let ks = to_string(&k).to_ascii_lowercase();
                    if "descending".starts_with(&ks) && ks.len() > 1 {
                        desc = Some(convert::to_bool(&v));
                    } else if "ascending".starts_with(&ks) && ks.len() > 1 {
                        desc = Some(!convert::to_bool(&v));
                    }
                }
                drop(h2);
                let spec = prop_specs(std::slice::from_ref(p)).pop();
                SortKey { spec, descending: desc }
            }
            other => SortKey { spec: prop_specs(std::slice::from_ref(other)).pop(), descending: None },
        })
        .collect()
}

/// Compares for sorting: `$null` first, numbers numerically, strings by culture.
pub fn sort_cmp(a: &Value, b: &Value, cs: bool) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => ops::compare(a, b, cs).unwrap_or_else(|_| ops::cmp_ignore_case(&to_string(a), &to_string(b))),
    }
}

impl Cmdlet for SortObject {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        call.gather_input(&mut self.items);
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let keys = sort_keys(call);
        let cs = call.switch("CaseSensitive");
        let desc_all = call.switch("Descending");
        let items = std::mem::take(&mut self.items);
        let mut rows: Vec<(Vec<Value>, Value)> = Vec::with_capacity(items.len());
        // pwsh breaks ties by input order, reversed under -Descending.
        let items = if desc_all {
            let mut i = items;
            i.reverse();
            i
        } else {
            items
        };
        for it in items {
            let mut k = Vec::with_capacity(keys.len());
            for key in &keys {
                k.push(match &key.spec {
                    None => it.clone(),
                    Some(s) => eval_spec(cx, s, &it).unwrap_or(Value::Null),
                });
            }
            rows.push((k, it));
        }
        rows.sort_by(|(ka, _), (kb, _)| {
            for (i, key) in keys.iter().enumerate() {
                let desc = key.descending.unwrap_or(desc_all);
                let mut o = sort_cmp(&ka[i], &kb[i], cs);
                if desc {
                    o = o.reverse();
                }
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        if call.switch("Unique") {
            let mut kept: Vec<(Vec<Value>, Value)> = Vec::new();
            for r in rows {
                let dup = kept
                    .last()
                    .is_some_and(|(k, _)| k.iter().zip(r.0.iter()).all(|(a, b)| sort_cmp(a, b, cs) == Ordering::Equal));
                if !dup {
                    kept.push(r);
                }
            }
            rows = kept;
        }
        let mut vals: Vec<Value> = rows.into_iter().map(|(_, v)| v).collect();
        if let Some(t) = call.int("Top") {
            vals.truncate(t.max(0) as usize);
        }
        if let Some(b) = call.int("Bottom") {
            let n = vals.len().saturating_sub(b.max(0) as usize);
            vals = vals.split_off(n);
        }
        for v in vals {
            out.emit(cx, v)?;
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// Group-Object
// ----------------------------------------------------------------------

#[derive(Default)]
struct GroupObject {
    items: Vec<Value>,
}

impl Cmdlet for GroupObject {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        call.gather_input(&mut self.items);
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let specs = prop_specs(&call.list("Property"));
        let cs = call.switch("CaseSensitive");
        let mut groups: Vec<(String, Vec<Value>, Vec<Value>)> = Vec::new();
        for it in std::mem::take(&mut self.items) {
            let mut vals = Vec::new();
            if specs.is_empty() {
                vals.push(it.clone());
            }
            for s in &specs {
                vals.push(eval_spec(cx, s, &it)?);
            }
            let name = vals.iter().map(to_string).collect::<Vec<_>>().join(", ");
            let found = groups
                .iter_mut()
                .find(|(n, _, _)| if cs { *n == name } else { n.to_lowercase() == name.to_lowercase() });
            match found {
                Some(g) => g.2.push(it),
                None => groups.push((name, vals, vec![it])),
            }
        }
        groups.sort_by(|a, b| {
            for (x, y) in a.1.iter().zip(b.1.iter()) {
                let o = sort_cmp(x, y, cs);
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        if call.switch("AsHashTable") {
            let mut h = Hashtable::new(false);
            for (name, vals, items) in groups {
                let key =
                    if call.switch("AsString") || vals.len() != 1 { Value::string(name) } else { vals[0].clone() };
                h.insert(key, Value::array(items));
            }
            return out.emit(cx, Value::hashtable(h));
        }
        for (name, vals, items) in groups {
            let mut o = PsObject::typed("Microsoft.PowerShell.Commands.GroupInfo");
            if call.switch("NoElement") {
                o.type_names.insert(0, "Microsoft.PowerShell.Commands.GroupInfoNoElement".into());
            }
            o.set_note("Count", Value::Int(items.len() as i32));
            o.set_note("Name", Value::string(name));
            if !call.switch("NoElement") {
                o.set_note("Group", Value::array(items));
            }
            o.add_member("Values", Member::Hidden(Value::array_list(vals)));
            out.emit(cx, Value::object(o))?;
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// Measure-Object
// ----------------------------------------------------------------------

#[derive(Default)]
struct MeasureObject {
    items: Vec<Value>,
}

fn stat_value(x: Option<f64>) -> Value {
    match x {
        Some(v) => Value::Double(v),
        None => Value::Null,
    }
}

impl Cmdlet for MeasureObject {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if let Some(v) = call.input.clone() {
            self.items.push(v);
        } else if let Some(v) = call.get("InputObject") {
            self.items.push(v.clone());
        }
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let items = std::mem::take(&mut self.items);
        if call.switch("Line") || call.switch("Word") || call.switch("Character") {
            let (mut lines, mut words, mut chars) = (0i64, 0i64, 0i64);
            for it in &items {
                let s = to_string(it);
                lines += s.split('\n').count() as i64;
                words += s.split_whitespace().count() as i64;
                chars += s.chars().count() as i64;
            }
            let mut o = PsObject::typed("Microsoft.PowerShell.Commands.TextMeasureInfo");
            o.set_note("Lines", if call.switch("Line") { Value::Int(lines as i32) } else { Value::Null });
            o.set_note("Words", if call.switch("Word") { Value::Int(words as i32) } else { Value::Null });
            o.set_note("Characters", if call.switch("Character") { Value::Int(chars as i32) } else { Value::Null });
            o.set_note("Property", Value::Null);
            return out.emit(cx, Value::object(o));
        }
        let all = call.switch("AllStats");
        let props = call.strings("Property");
        let mut targets: Vec<Option<String>> = Vec::new();
        if props.is_empty() {
            targets.push(None);
        } else {
            for p in &props {
                if has_wildcard(p) {
                    for it in &items {
                        for n in names_of(it) {
                            if wildcard_match(p, &n, false) && !targets.iter().any(|t| t.as_deref() == Some(n.as_str()))
                            {
                                targets.push(Some(n));
                            }
                        }
                    }
                } else {
                    let real = items
                        .iter()
                        .flat_map(names_of)
                        .find(|n| n.eq_ignore_ascii_case(p))
                        .unwrap_or_else(|| p.clone());
                    targets.push(Some(real));
                }
            }
        }
        for t in targets {
            let mut nums: Vec<f64> = Vec::new();
            let mut count = 0i32;
            let mut max: Option<Value> = None;
            let mut min: Option<Value> = None;
            for it in &items {
                let v = match &t {
                    None => it.clone(),
                    Some(p) => {
                        let present = match it {
                            Value::Hashtable(h) => h.borrow().get_str(p).is_some(),
                            other => names_of(other).iter().any(|n| n.eq_ignore_ascii_case(p)),
                        };
                        if !present {
                            continue;
                        }
                        members::get_property(cx, it, p)?
                    }
                };
                if t.is_some() && v.is_null() {
                    continue;
                }
                count += 1;
                if let Some(n) = to_num(&v) {
                    nums.push(n.as_f64());
                }
                let numeric_v = to_num(&v).map(|n| Value::Double(n.as_f64())).unwrap_or(v.clone());
                if max.as_ref().is_none_or(|m| ops::compare(&numeric_v, m, false).ok() == Some(Ordering::Greater)) {
                    max = Some(numeric_v.clone());
                }
                if min.as_ref().is_none_or(|m| ops::compare(&numeric_v, m, false).ok() == Some(Ordering::Less)) {
                    min = Some(numeric_v);
                }
            }
            let sum: f64 = nums.iter().sum();
            let avg = if nums.is_empty() { None } else { Some(sum / nums.len() as f64) };
            let sd = if nums.len() > 1 {
                let m = avg.unwrap_or(0.0);
                Some((nums.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (nums.len() as f64 - 1.0)).sqrt())
            } else {
                None
            };
            let mut o = PsObject::typed("Microsoft.PowerShell.Commands.GenericMeasureInfo");
            o.set_note("Count", Value::Int(count));
            o.set_note("Average", if all || call.switch("Average") { stat_value(avg) } else { Value::Null });
            o.set_note("Sum", if all || call.switch("Sum") { Value::Double(sum) } else { Value::Null });
            o.set_note("Maximum", if all || call.switch("Maximum") { max.unwrap_or(Value::Null) } else { Value::Null });
            o.set_note("Minimum", if all || call.switch("Minimum") { min.unwrap_or(Value::Null) } else { Value::Null });
            o.set_note(
                "StandardDeviation",
                if all || call.switch("StandardDeviation") { stat_value(sd) } else { Value::Null },
            );
            o.set_note("Property", t.map(Value::string).unwrap_or(Value::Null));
            out.emit(cx, Value::object(o))?;
        }
        Ok(())
    }
}

// ----------------------------------------------------------------------
// Get-Unique, Compare-Object, Tee-Object, Join-String
// ----------------------------------------------------------------------

#[derive(Default)]
struct GetUnique {
    last: Option<String>,
}

impl Cmdlet for GetUnique {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) else { return Ok(()) };
        let mut key = if call.switch("OnType") { v.type_name() } else { to_string(&v) };
        if call.switch("CaseInsensitive") {
            key = key.to_lowercase();
        }
        if self.last.as_deref() != Some(key.as_str()) {
            self.last = Some(key);
            out.emit(cx, v)?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct CompareObject {
    diff: Vec<Value>,
}

impl Cmdlet for CompareObject {
    fn process(&mut self, _cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if call.input.is_some() {
            self.diff.extend(call.list("DifferenceObject"));
        } else if self.diff.is_empty() {
            self.diff = call.list("DifferenceObject");
        }
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let reference = call.list("ReferenceObject");
        let diff = std::mem::take(&mut self.diff);
        let props = call.strings("Property");
        let cs = call.switch("CaseSensitive");
        let key = |cx: &mut Interp, v: &Value| -> R<String> {
            let s = if props.is_empty() {
                to_string(v)
            } else {
                let mut parts = Vec::new();
                for p in &props {
                    parts.push(to_string(&members::get_property(cx, v, p)?));
                }
                parts.join("\u{1}")
            };
            Ok(if cs { s } else { s.to_lowercase() })
        };
        let mut rkeys = Vec::new();
        for r in &reference {
            rkeys.push(key(cx, r)?);
        }
        let mut dkeys = Vec::new();
        for d in &diff {
            dkeys.push(key(cx, d)?);
        }
        let mut used = vec![false; dkeys.len()];
        let mut results: Vec<(Value, &str)> = Vec::new();
        let mut equal: Vec<Value> = Vec::new();
        for (i, rk) in rkeys.iter().enumerate() {
            match dkeys.iter().enumerate().position(|(j, dk)| !used[j] && dk == rk) {
                Some(j) => {
                    used[j] = true;
                    equal.push(reference[i].clone());
                }
                None => results.push((reference[i].clone(), "<=")),
            }
        }
        let mut right: Vec<(Value, &str)> = Vec::new();
        for (j, d) in diff.iter().enumerate() {
            if !used[j] {
                right.push((d.clone(), "=>"));
            }
        }
        let mut all: Vec<(Value, &str)> = Vec::new();
        if call.switch("IncludeEqual") {
            all.extend(equal.into_iter().map(|v| (v, "==")));
        }
        if !call.switch("ExcludeDifferent") {
            all.extend(right);
            all.extend(results);
        }
        for (v, side) in all {
            if call.switch("PassThru") {
                out.emit(cx, v)?;
                continue;
            }
            let mut o = PsObject::custom();
            if props.is_empty() {
                o.set_note("InputObject", v);
            } else {
                for p in &props {
                    let pv = members::get_property(cx, &v, p)?;
                    o.set_note(p, pv);
                }
            }
            o.set_note("SideIndicator", Value::str(side));
            out.emit(cx, Value::object(o))?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct TeeObject {
    items: Vec<Value>,
}

impl Cmdlet for TeeObject {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        if let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) {
            self.items.push(v.clone());
            out.emit(cx, v)?;
        }
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let items = std::mem::take(&mut self.items);
        if let Some(var) = call.str("Variable") {
            let v = crate::runtime::eval::collect_value(items);
            cx.set_var(&var, v)?;
        } else if let Some(path) = call.str("FilePath") {
            let p = cx.resolve_path(&path);
            let text = crate::runtime::output::out_string(cx, &items);
            let r = crate::runtime::output::write_text_file(&p, &text, call.switch("Append"));
            r.map_err(|e| Flow::runtime("FileOpenFailure", format!("Could not open file '{p}': {e}")))?;
        }
        Ok(())
    }
}

#[derive(Default)]
struct JoinString {
    parts: Vec<String>,
}

impl Cmdlet for JoinString {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let Some(v) = call.input.clone().or_else(|| call.get("InputObject").cloned()) else { return Ok(()) };
        let val = match call.get("Property") {
            Some(Value::ScriptBlock(sb)) => {
                let sb = sb.clone();
                cx.invoke_sb_value(&sb, vec![], Some(v.clone()), false)?
            }
            Some(p) => {
                let p = to_string(p);
                members::get_property(cx, &v, &p)?
            }
            None => v,
        };
        let mut s = match call.str("FormatString") {
            Some(f) => crate::runtime::format::composite(&f, &[val])
                .map_err(|m| Flow::exception("System.FormatException", "FormatError", m))?,
            None => to_string(&val),
        };
        if call.switch("SingleQuote") {
            s = format!("'{s}'");
        } else if call.switch("DoubleQuote") {
            s = format!("\"{s}\"");
        }
        self.parts.push(s);
        Ok(())
    }
    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let sep = call.str("Separator").unwrap_or_default();
        let s = format!(
            "{}{}{}",
            call.str("OutputPrefix").unwrap_or_default(),
            self.parts.join(&sep),
            call.str("OutputSuffix").unwrap_or_default()
        );
        out.emit(cx, Value::string(s))
    }
}

// ----------------------------------------------------------------------
// CSV
// ----------------------------------------------------------------------

#[derive(Default)]
struct ToCsv {
    header: Option<Vec<String>>,
    lines: Vec<String>,
}

fn csv_field(s: &str, delim: char, mode: &str, quote_this: bool) -> String {
    let needs = s.contains(delim)
        || s.contains('"')
        || s.contains('\n')
        || s.contains('\r')
        || s.starts_with(' ')
        || s.ends_with(' ');
    let q = match mode {
        "never" => false,
        "asneeded" => needs || quote_this,
        _ => true,
    };
    if q { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

impl ToCsv {
    fn line(&self, call: &Call, fields: &[Option<String>], names: &[String]) -> String {
        let delim = call.get("Delimiter").map(to_string).and_then(|s| s.chars().next()).unwrap_or(',');
        let qf: Vec<String> = call.strings("QuoteFields");
        let mode = call
            .str("UseQuotes")
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_else(|| if qf.is_empty() { "always".into() } else { "asneeded".into() });
        fields
            .iter()
            .enumerate()
            .map(|(i, f)| match f {
                None => String::new(),
                Some(s) => {
                    let quote_this = names.get(i).is_some_and(|n| qf.iter().any(|q| q.eq_ignore_ascii_case(n)));
                    csv_field(s, delim, &mode, quote_this)
                }
            })
            .collect::<Vec<_>>()
            .join(&delim.to_string())
    }
}

impl Cmdlet for ToCsv {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let v = match call.input.clone().or_else(|| call.get("InputObject").cloned()) {
            Some(v) => v,
            None => return Ok(()),
        };
        let items = if call.input.is_none() { v.to_list() } else { vec![v] };
        for v in items {
            let (names, vals): (Vec<String>, Vec<Value>) = match &v {
                Value::Hashtable(h) => h.borrow().entries().into_iter().map(|(k, x)| (to_string(&k), x)).unzip(),
                Value::String(s) => (vec!["Length".into()], vec![Value::Int(s.chars().count() as i32)]),
                other => property_list(other).into_iter().unzip(),
            };
            if self.header.is_none() {
                if call.switch("IncludeTypeInformation") {
                    let tn = v.type_names().first().cloned().unwrap_or_default();
                    self.lines.push(format!("#TYPE {tn}"));
                }
                if !call.switch("NoHeader") {
                    let hn: Vec<Option<String>> = names.iter().map(|n| Some(n.clone())).collect();
                    let l = self.line(call, &hn, &names);
                    self.lines.push(l);
                }
                self.header = Some(names.clone());
            }
            let header = self.header.clone().unwrap_or_default();
            let fields: Vec<Option<String>> = header
                .iter()
                .map(|h| {
                    names.iter().position(|n| n.eq_ignore_ascii_case(h)).and_then(|i| match &vals[i] {
                        Value::Null => None,
                        x => Some(csv_value(x)),
                    })
                })
                .collect();
            let l = self.line(call, &fields, &header);
            self.lines.push(l);
        }
        if !call.has("Path") && !call.has("LiteralPath") {
            for l in std::mem::take(&mut self.lines) {
                out.emit(cx, Value::string(l))?;
            }
        }
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        let Some(path) = call.str("Path").or_else(|| call.str("LiteralPath")) else { return Ok(()) };
        let p = cx.resolve_path(&path);
        let mut lines = std::mem::take(&mut self.lines);
        let append = call.switch("Append") && std::path::Path::new(&p).exists();
        if append {
            // The file already has a header: skip ours.
            if !call.switch("NoHeader") && !lines.is_empty() {
                lines.remove(0);
            }
        }
        let mut text = lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        let r = if append {
            use std::io::Write;
            std::fs::OpenOptions::new().append(true).open(&p).and_then(|mut f| f.write_all(text.as_bytes()))
        } else {
            std::fs::write(&p, text)
        };
        r.map_err(|e| {
            Flow::error(call.error(ErrorRecord::new(
                Exception::new("System.IO.IOException", format!("Could not write '{p}': {e}")),
                "FileOpenFailure,Microsoft.PowerShell.Commands.ExportCsvCommand",
                "OpenError",
                Value::string(p.clone()),
            )))
        })
    }
}

fn csv_value(v: &Value) -> String {
    match v {
        Value::Array(_) | Value::List(_) => v.type_name(),
        Value::DateTime(d) => d.to_string_en_us(),
        Value::Hashtable(_) => v.type_name(),
        other => convert::dotnet_to_string(other),
    }
}

#[derive(Default)]
struct FromCsv {
    text: Vec<String>,
}

impl Cmdlet for FromCsv {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, _out: &mut dyn Sink) -> R<()> {
        if call.has("Path") || call.has("LiteralPath") {
            let paths = if call.has("Path") { call.strings("Path") } else { call.strings("LiteralPath") };
            for p in paths {
                let full = cx.resolve_path(&p);
                match std::fs::read(&full) {
                    Ok(b) => self.text.push(crate::cli::decode_script(&b)),
                    Err(_) => {
                        let e = ErrorRecord::new(
                            Exception::new("System.IO.FileNotFoundException", format!("Could not find file '{full}'.")),
                            "FileOpenFailure,Microsoft.PowerShell.Commands.ImportCsvCommand",
                            "OpenError",
                            Value::string(full.clone()),
                        );
                        return Err(Flow::error(call.error(e)));
                    }
                }
            }
            return Ok(());
        }
        let v = call.input.clone().or_else(|| call.get("InputObject").cloned()).unwrap_or(Value::Null);
        for x in v.to_list() {
            self.text.push(to_string(&x));
        }
        Ok(())
    }

    fn end(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let delim = call.get("Delimiter").map(to_string).and_then(|s| s.chars().next()).unwrap_or(',');
        let mut header: Option<Vec<String>> = call.has("Header").then(|| call.strings("Header"));
        let mut type_name: Option<String> = None;
        let mut data = String::new();
        for chunk in std::mem::take(&mut self.text) {
            for line in chunk.lines() {
                let t = line.trim_end_matches('\r');
                if data.is_empty() && header.is_none() {
                    if let Some(rest) = t.strip_prefix("#Fields:") {
                        header = Some(rest.trim().split(delim).map(|s| s.to_string()).collect());
                        continue;
                    }
                    if let Some(rest) = t.strip_prefix("#TYPE ") {
                        type_name = Some(rest.trim().to_string());
                        continue;
                    }
                    if t.starts_with('#') {
                        continue;
                    }
                }
                if t.is_empty() && data.is_empty() {
                    continue;
                }
                data.push_str(t);
                data.push('\n');
            }
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim as u8)
            .from_reader(data.as_bytes());
        for rec in rdr.records() {
            let Ok(rec) = rec else { continue };
            let fields: Vec<String> = rec.iter().map(|s| s.to_string()).collect();
            if header.is_none() {
                let mut h = Vec::new();
                for (i, f) in fields.iter().enumerate() {
                    h.push(if f.is_empty() { format!("H{}", i + 1) } else { f.clone() });
                }
                header = Some(h);
                continue;
            }
            let h = header.clone().unwrap_or_default();
            let mut o = PsObject::custom();
            if let Some(t) = &type_name {
                o.type_names.insert(0, format!("CSV:{t}"));
            }
            for (i, name) in h.iter().enumerate() {
                let v = fields.get(i).map(|s| Value::string(s.clone())).unwrap_or(Value::Null);
                o.set_note(name, v);
            }
            out.emit(cx, Value::object(o))?;
        }
        Ok(())
    }
}
