//! A minimal Out-Default: scalars print as pwsh prints them; objects of the
//! same shape are collected and rendered as a table (4 or fewer properties) or
//! a list through `crate::format`'s renderers.

use super::convert::{dotnet_to_string, to_string};
use super::eval::Interp;
use super::members::property_list;
use super::value::*;
use crate::format::list::{ListEntry, render_list};
use crate::format::table::{Column, TableSpec, render_table};
use std::io::Write;

/// Pending objects that share a table.
#[derive(Default)]
pub struct OutDefault {
    /// Column names of the current table (from its first object).
    columns: Vec<String>,
    right: Vec<bool>,
    widths: Vec<Option<usize>>,
    rows: Vec<Vec<String>>,
    type_name: String,
    list: bool,
}

/// How a value shows inside a table cell or list value.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Array(_) | Value::List(_) => {
            let items: Vec<String> = v.to_list().iter().map(cell_text).collect();
            crate::format::values::format_enumeration(&items, 4)
        }
        Value::DateTime(d) => d.to_string_en_us(),
        Value::Hashtable(_) => v.type_name(),
        Value::Object(_) => to_string(v),
        _ => dotnet_to_string(v),
    }
}

fn is_right(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Long(_) | Value::Double(_) | Value::Decimal(_) | Value::Byte(_))
}

/// The properties Out-Default shows for an object.
fn shown_properties(v: &Value) -> Vec<(String, Value)> {
    match v {
        Value::Hashtable(_) => Vec::new(),
        _ => property_list(v),
    }
}

/// Scalars print one line each.
fn is_scalar(v: &Value) -> bool {
    matches!(
        v,
        Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Long(_)
            | Value::Byte(_)
            | Value::Double(_)
            | Value::Decimal(_)
            | Value::Char(_)
            | Value::String(_)
            | Value::DateTime(_)
            | Value::Guid(_)
            | Value::Enum(_)
            | Value::ScriptBlock(_)
            | Value::Switch(_)
            | Value::SecureString(_)
            | Value::Type(_)
    )
}

impl OutDefault {
    /// Writes one object.
    pub fn write(&mut self, cx: &mut Interp, v: Value) {
        if let Some(t) = special_text(&v) {
            self.flush(cx);
            let _ = write!(cx.out, "{t}");
            return;
        }
        match &v {
            Value::Error(e) => {
                self.flush(cx);
                cx.print_error(e);
            }
            Value::Hashtable(h) => {
                let entries = h.borrow().entries();
                if !self.rows.is_empty() && self.type_name != "#hashtable" {
                    self.flush(cx);
                }
                if self.rows.is_empty() {
                    self.type_name = "#hashtable".into();
                    self.columns = vec!["Name".into(), "Value".into()];
                    self.right = vec![false, false];
                    self.widths = vec![Some(30), None];
                    self.list = false;
                }
                for (k, val) in entries {
                    self.rows.push(vec![cell_text(&k), cell_text(&val)]);
                }
            }
            _ if is_scalar(&v) => {
                self.flush(cx);
                let line = match &v {
                    Value::DateTime(d) => {
                        super::dotnet::format_datetime(*d, "F").unwrap_or_else(|_| d.to_string_en_us())
                    }
                    Value::Null => return,
                    other => dotnet_to_string(other),
                };
                let _ = writeln!(cx.out, "{line}");
            }
            _ => {
                let props = shown_properties(&v);
                if props.is_empty() {
                    self.flush(cx);
                    let _ = writeln!(cx.out, "{}", to_string(&v));
                    return;
                }
                let tn = v.type_name();
                let names: Vec<String> = props.iter().map(|(n, _)| n.clone()).collect();
                if self.rows.is_empty() || self.type_name != tn || (self.list && self.columns != names) {
                    self.flush(cx);
                    self.type_name = tn;
                    self.list = names.len() > 4;
                    self.right = props.iter().map(|(_, v)| is_right(v)).collect();
                    self.widths = vec![None; names.len()];
                    self.columns = names;
                }
                if self.list {
                    let mut row = Vec::new();
                    for (n, val) in &props {
                        row.push(format!("{n}\u{0}{}", cell_text(val)));
                    }
                    self.rows.push(row);
                } else {
                    let row: Vec<String> = self
                        .columns
                        .iter()
                        .map(|c| {
                            props
                                .iter()
                                .find(|(n, _)| n.eq_ignore_ascii_case(c))
                                .map(|(_, v)| cell_text(v))
                                .unwrap_or_default()
                        })
                        .collect();
                    self.rows.push(row);
                }
            }
        }
    }

    /// Prints pending objects.
    pub fn flush(&mut self, cx: &mut Interp) {
        if self.rows.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.rows);
        let text = if self.list {
            let objs: Vec<Vec<ListEntry>> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|cell| {
                            let (n, v) = cell.split_once('\u{0}').unwrap_or((cell.as_str(), ""));
                            ListEntry::new(n, v)
                        })
                        .collect()
                })
                .collect();
            render_list(&objs)
        } else {
            let cols: Vec<Column> = self
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let mut col = if self.right.get(i).copied().unwrap_or(false) {
                        Column::right(c.clone())
                    } else {
                        Column::new(c.clone())
                    };
                    if let Some(Some(w)) = self.widths.get(i) {
                        col = col.with_width(*w);
                    }
                    col
                })
                .collect();
            render_table(&TableSpec::new(cols).with_rows(rows))
        };
        let _ = write!(cx.out, "{text}");
        self.columns.clear();
        self.type_name.clear();
    }
}

/// The sink at the end of a top-level pipeline.
pub struct OutDefaultSink;

impl super::command::Sink for OutDefaultSink {
    fn emit(&mut self, cx: &mut Interp, v: Value) -> super::error::R<()> {
        let mut od = std::mem::take(&mut cx.out_default);
        od.write(cx, v);
        cx.out_default = od;
        Ok(())
    }
}

/// Renders values as Out-String does (without the trailing flush semantics).
pub fn out_string(values: &[Value]) -> String {
    let mut od = OutDefault::default();
    let mut text = String::new();
    for v in values {
        if let Some(t) = special_text(v) {
            od_flush_into(&mut od, &mut text);
            text.push_str(&t);
            continue;
        }
        if is_scalar(v) {
            od_flush_into(&mut od, &mut text);
            match v {
                Value::Null => {}
                Value::DateTime(d) => {
                    text.push_str(&super::dotnet::format_datetime(*d, "F").unwrap_or_default());
                    text.push('\n');
                }
                other => {
                    text.push_str(&dotnet_to_string(other));
                    text.push('\n');
                }
            }
        } else {
            od_collect(&mut od, v, &mut text);
        }
    }
    od_flush_into(&mut od, &mut text);
    text
}

fn od_collect(od: &mut OutDefault, v: &Value, text: &mut String) {
    // Reuse the same grouping as the console writer.
    let props = shown_properties(v);
    if let Value::Hashtable(h) = v {
        if od.rows.is_empty() || od.type_name != "#hashtable" {
            od_flush_into(od, text);
            od.type_name = "#hashtable".into();
            od.columns = vec!["Name".into(), "Value".into()];
            od.right = vec![false, false];
            od.widths = vec![Some(30), None];
            od.list = false;
        }
        for (k, val) in h.borrow().entries() {
            od.rows.push(vec![cell_text(&k), cell_text(&val)]);
        }
        return;
    }
    if props.is_empty() {
        od_flush_into(od, text);
        text.push_str(&to_string(v));
        text.push('\n');
        return;
    }
    let tn = v.type_name();
    let names: Vec<String> = props.iter().map(|(n, _)| n.clone()).collect();
    if od.rows.is_empty() || od.type_name != tn {
        od_flush_into(od, text);
        od.type_name = tn;
        od.list = names.len() > 4;
        od.right = props.iter().map(|(_, v)| is_right(v)).collect();
        od.widths = vec![None; names.len()];
        od.columns = names;
    }
    if od.list {
        od.rows.push(props.iter().map(|(n, val)| format!("{n}\u{0}{}", cell_text(val))).collect());
    } else {
        let row = od
            .columns
            .iter()
            .map(|c| {
                props.iter().find(|(n, _)| n.eq_ignore_ascii_case(c)).map(|(_, v)| cell_text(v)).unwrap_or_default()
            })
            .collect();
        od.rows.push(row);
    }
}

fn od_flush_into(od: &mut OutDefault, text: &mut String) {
    if od.rows.is_empty() {
        return;
    }
    let rows = std::mem::take(&mut od.rows);
    if od.list {
        let objs: Vec<Vec<ListEntry>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|cell| {
                        let (n, v) = cell.split_once('\u{0}').unwrap_or((cell.as_str(), ""));
                        ListEntry::new(n, v)
                    })
                    .collect()
            })
            .collect();
        text.push_str(&render_list(&objs));
    } else {
        let cols: Vec<Column> = od
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut col = if od.right.get(i).copied().unwrap_or(false) {
                    Column::right(c.clone())
                } else {
                    Column::new(c.clone())
                };
                if let Some(Some(w)) = od.widths.get(i) {
                    col = col.with_width(*w);
                }
                col
            })
            .collect();
        text.push_str(&render_table(&TableSpec::new(cols).with_rows(rows)));
    }
    od.columns.clear();
    od.type_name.clear();
}

/// Text produced by Format-Table / Format-List: printed as is.
pub struct FormattedText {
    pub text: String,
}

impl NetObject for FormattedText {
    fn type_name(&self) -> String {
        "Microsoft.PowerShell.Commands.Internal.Format.FormatEntryData".into()
    }
    fn to_display(&self) -> String {
        self.text.clone()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Text for values that print on their own line(s) outside tables.
fn special_text(v: &Value) -> Option<String> {
    match v {
        Value::Other(o) => o.as_any().downcast_ref::<FormattedText>().map(|f| f.text.clone()),
        Value::Object(o) => {
            let o = o.borrow();
            let hint = match o.member("DisplayHint") {
                Some((_, Member::Hidden(h))) => super::convert::to_string(h),
                _ => return None,
            };
            match &o.base {
                Some(Value::DateTime(d)) => {
                    let f = match hint.to_ascii_lowercase().as_str() {
                        "date" => "D",
                        "time" => "T",
                        _ => "F",
                    };
                    Some(format!("{}\n", super::dotnet::format_datetime(*d, f).unwrap_or_default()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}
