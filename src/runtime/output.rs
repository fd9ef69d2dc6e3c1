//! A minimal Out-Default: scalars print as pwsh prints them; objects of the
//! same shape are collected and rendered as a table (4 or fewer properties) or
//! a list through `crate::format`'s renderers; Exchange types use their
//! views from `crate::format::views`.

use super::convert::{dotnet_to_string, to_string};
use super::eval::Interp;
use super::value::*;
use crate::format::list::{ListEntry, render_list};
use crate::format::table::{Align, Column, TableSpec, render_table};
use std::io::Write;

/// Pending objects that share a table or list.
#[derive(Default)]
pub struct OutDefault {
    columns: Vec<Column>,
    /// Property read for each column.
    props: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Shape key of the current group (type name and properties).
    key: String,
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

/// A table cell: like [`cell_text`], but Double, Single and Decimal values show the
/// culture's number of decimals (`F2` in en-US), as pwsh's table rows do
/// (Format-Table.Tests.ps1: "Table should format floats, doubles, and decimals with
/// number of decimals from current culture"). Lists keep the full value.
pub fn table_cell_text(v: &Value) -> String {
    const DECIMALS: u32 = 2;
    match v {
        Value::Double(d) if d.is_finite() => {
            super::dotnet::format_number(super::dotnet::Numeric::Double(*d), "F2").unwrap_or_else(|_| cell_text(v))
        }
        Value::Single(f) if f.is_finite() => {
            super::dotnet::format_number(super::dotnet::Numeric::Single(*f), "F2").unwrap_or_else(|_| cell_text(v))
        }
        Value::Decimal(d) => {
            let r = d.round_dp_with_strategy(DECIMALS, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            format!("{r:.2}")
        }
        _ => cell_text(v),
    }
}

fn is_right(v: &Value) -> bool {
    v.is_numeric() || matches!(v, Value::Bool(_))
}

/// Scalars print one line each.
fn is_scalar(v: &Value) -> bool {
    v.is_numeric()
        || matches!(
            v,
            Value::Null
                | Value::Bool(_)
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

/// Built-in table views for PowerShell's own types: (type, [(property, width, right)]).
type ViewCols = &'static [(&'static str, Option<usize>, bool)];
const PS_VIEWS: &[(&str, ViewCols)] = &[
    (
        "Microsoft.PowerShell.Commands.GroupInfo",
        &[("Count", Some(5), true), ("Name", Some(25), false), ("Group", None, false)],
    ),
    ("Microsoft.PowerShell.Commands.GroupInfoNoElement", &[("Count", Some(5), true), ("Name", None, false)]),
];

impl OutDefault {
    /// Adds one object; completed output goes to `buf`.
    pub fn write(&mut self, cx: &mut Interp, v: Value, buf: &mut String) {
        if let Some(t) = special_text(&v) {
            self.flush(buf);
            buf.push_str(&t);
            return;
        }
        match &v {
            Value::Error(e) => {
                // An error record in the output (`2>&1`, `$Error[0]`) prints as the console prints errors.
                self.flush(buf);
                buf.push_str(&super::eval::render_error(e));
            }
            Value::Hashtable(h) => {
                let entries = h.borrow().entries();
                if self.key != "#hashtable" {
                    self.flush(buf);
                    self.key = "#hashtable".into();
                    self.columns = vec![Column::new("Name").with_width(30), Column::new("Value")];
                    self.props = vec!["Name".into(), "Value".into()];
                    self.list = false;
                }
                for (k, val) in entries {
                    self.rows.push(vec![cell_text(&k), cell_text(&val)]);
                }
            }
            _ if is_scalar(&v) => {
                self.flush(buf);
                match &v {
                    Value::DateTime(d) => {
                        buf.push_str(&super::dotnet::format_datetime(*d, "F").unwrap_or_else(|_| d.to_string_en_us()));
                        buf.push('\n');
                    }
                    Value::Null => {}
                    other => {
                        buf.push_str(&dotnet_to_string(other));
                        buf.push('\n');
                    }
                }
            }
            _ => {
                let props = super::members::display_properties(cx, &v);
                if props.is_empty() {
                    self.flush(buf);
                    buf.push_str(&to_string(&v));
                    buf.push('\n');
                    return;
                }
                let tn = v.type_names().first().cloned().unwrap_or_default();
                let names: Vec<String> = props.iter().map(|(n, _)| n.clone()).collect();
                let key = format!("{tn}|{}", if self.list { names.join(",") } else { String::new() });
                if self.rows.is_empty() || !self.key.starts_with(&format!("{tn}|")) || (self.list && self.key != key) {
                    self.flush(buf);
                    self.start_group(&tn, &props);
                    self.key = format!("{tn}|{}", if self.list { names.join(",") } else { String::new() });
                }
                let lookup = |p: &str| props.iter().find(|(n, _)| n.eq_ignore_ascii_case(p)).map(|(_, v)| v.clone());
                if self.list {
                    let row: Vec<String> = self
                        .props
                        .iter()
                        .map(|p| format!("{p}\u{0}{}", lookup(p).map(|v| cell_text(&v)).unwrap_or_default()))
                        .collect();
                    self.rows.push(row);
                } else {
                    let row: Vec<String> =
                        self.props.iter().map(|p| lookup(p).map(|v| table_cell_text(&v)).unwrap_or_default()).collect();
                    self.rows.push(row);
                }
            }
        }
    }

    fn start_group(&mut self, tn: &str, props: &[(String, Value)]) {
        if let Some((_, cols)) = PS_VIEWS.iter().find(|(t, _)| *t == tn) {
            self.list = false;
            self.props = cols.iter().map(|(p, _, _)| p.to_string()).collect();
            self.columns = cols
                .iter()
                .map(|(p, w, right)| {
                    let mut c = if *right { Column::right(*p) } else { Column::new(*p) };
                    if let Some(w) = w {
                        c = c.with_width(*w);
                    }
                    c
                })
                .collect();
            return;
        }
        if let Some(view) = crate::format::views::view_for(tn) {
            if view.shape == crate::format::views::ViewShape::List || view.table.is_empty() {
                self.list = true;
                self.props = if view.list.is_empty() {
                    props.iter().map(|(n, _)| n.clone()).collect()
                } else {
                    view.list.iter().map(|s| s.to_string()).collect()
                };
                self.columns = Vec::new();
            } else {
                self.list = false;
                self.props = view.table.iter().map(|c| c.property.to_string()).collect();
                self.columns = view
                    .table
                    .iter()
                    .map(|c| {
                        let right = c.align == Align::Undefined
                            && props
                                .iter()
                                .find(|(n, _)| n.eq_ignore_ascii_case(c.property))
                                .is_some_and(|(_, v)| is_right(v));
                        let mut col = Column::new(c.label).with_align(if right { Align::Right } else { c.align });
                        if let Some(w) = c.width {
                            col = col.with_width(w);
                        }
                        col
                    })
                    .collect();
            }
            return;
        }
        self.list = props.len() > 4;
        self.props = props.iter().map(|(n, _)| n.clone()).collect();
        self.columns = props
            .iter()
            .map(|(n, v)| if is_right(v) { Column::right(n.clone()) } else { Column::new(n.clone()) })
            .collect();
    }

    /// Renders pending objects into `buf`.
    pub fn flush(&mut self, buf: &mut String) {
        if self.rows.is_empty() {
            self.key.clear();
            return;
        }
        let rows = std::mem::take(&mut self.rows);
        if self.list {
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
            let text = render_list(&objs);
            for line in text.split_inclusive('\n') {
                let body = line.strip_suffix('\n').unwrap_or(line);
                buf.push_str(body.trim_end_matches(' '));
                if line.ends_with('\n') {
                    buf.push('\n');
                }
            }
        } else {
            buf.push_str(&render_table(&TableSpec::new(self.columns.clone()).with_rows(rows)));
        }
        self.key.clear();
    }
}

/// The sink at the end of a top-level pipeline.
pub struct OutDefaultSink;

impl super::command::Sink for OutDefaultSink {
    fn emit(&mut self, cx: &mut Interp, v: Value) -> super::error::R<()> {
        if let Value::Error(e) = &v {
            cx.flush_out_default();
            cx.print_error(e);
            return Ok(());
        }
        let mut od = std::mem::take(&mut cx.out_default);
        let mut buf = String::new();
        od.write(cx, v, &mut buf);
        cx.out_default = od;
        if !buf.is_empty() {
            let _ = write!(cx.out, "{buf}");
        }
        Ok(())
    }
}

/// Renders values as Out-String does.
pub fn out_string(cx: &mut Interp, values: &[Value]) -> String {
    let mut od = OutDefault::default();
    let mut text = String::new();
    for v in values {
        od.write(cx, v.clone(), &mut text);
    }
    od.flush(&mut text);
    text
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
    if let Some(t) = super::redirect::record_text(v) {
        return Some(t);
    }
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

/// Writes `text` to the file at `path`, replacing it, or appending (creating it when
/// missing) with `append`: what Out-File, Set-/Add-Content, redirections and the other
/// writers of text files do.
pub fn write_text_file(path: &str, text: &str, append: bool) -> std::io::Result<()> {
    if append {
        use std::io::Write;
        std::fs::OpenOptions::new().create(true).append(true).open(path).and_then(|mut f| f.write_all(text.as_bytes()))
    } else {
        std::fs::write(path, text)
    }
}
