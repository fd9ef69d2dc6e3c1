//! Format-List's text layout (pwsh's `ListWriter` and `ListOutputContext`).
//!
//! - The list starts with one blank line; every object ends with one blank
//!   line (so objects are separated by a blank line and the output ends with
//!   one).
//! - `Name : value`, names padded with blanks to the longest name of that
//!   object (in cells); an empty value still prints `Name : ` (trailing blank).
//! - A value's own lines, and the pieces of a value wider than the screen
//!   (word-wrapped at `width - label - 3` cells), continue under the first one,
//!   indented by the label width plus 3.
//! - Names longer than `width - 4` cells are cut.

use super::cells::{cells, head_fit, pad, split_lines, wrap_lines};
use super::table::DEFAULT_WIDTH;

/// One `Name : value` line of a list; `value` is already formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub name: String,
    pub value: String,
}

impl ListEntry {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        ListEntry { name: name.into(), value: value.into() }
    }
}

const SEPARATOR: &str = " : ";

/// Renders objects as a list at the default width (120), framed as
/// Out-Default prints it. No objects: no output.
pub fn render_list(objects: &[Vec<ListEntry>]) -> String {
    render_list_width(objects, DEFAULT_WIDTH)
}

/// [`render_list`] at a given screen width.
pub fn render_list_width(objects: &[Vec<ListEntry>], width: usize) -> String {
    if objects.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n");
    for entries in objects {
        write_list_entry(&mut out, entries, width);
    }
    out
}

/// One object of a list: its lines and the blank line after it (no leading
/// blank line; a streaming writer prints `"\n"` once before the first object).
pub fn write_list_entry(out: &mut String, entries: &[ListEntry], width: usize) {
    if entries.is_empty() {
        out.push('\n');
        return;
    }
    // no room for anything meaningful: pwsh disables the writer
    if width < SEPARATOR.len() + 2 {
        out.push('\n');
        return;
    }
    let max_label = width - SEPARATOR.len() - 1;
    let label_cells = entries.iter().map(|e| cells(&e.name)).max().unwrap_or(0).min(max_label);
    let indent = label_cells + SEPARATOR.len();
    let field = width - indent;
    for e in entries {
        let n = cells(&e.name);
        let mut label = if n > label_cells {
            e.name[..head_fit(&e.name, label_cells)].to_owned()
        } else {
            let mut l = e.name.clone();
            l.push_str(&pad(label_cells - n));
            l
        };
        label.push_str(SEPARATOR);
        let padding = pad(indent);
        for (i, line) in split_lines(&e.value).iter().enumerate() {
            let lead = if i == 0 { label.as_str() } else { padding.as_str() };
            for (k, piece) in wrap_lines(line, field, field).iter().enumerate() {
                out.push_str(if k == 0 { lead } else { padding.as_str() });
                out.push_str(piece);
                out.push('\n');
            }
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_property() {
        let out = render_list(&[vec![ListEntry::new("testName", "testValue")]]);
        assert_eq!(out, "\ntestName : testValue\n\n");
    }

    #[test]
    fn names_padded_in_cells() {
        let out = render_list(&[vec![
            ListEntry::new("哇", "62"),
            ListEntry::new("dbda", "KM"),
            ListEntry::new("消息", "千"),
        ]]);
        assert_eq!(out, "\n哇   : 62\ndbda : KM\n消息 : 千\n\n");
    }

    #[test]
    fn objects_separated_by_a_blank_line() {
        let out = render_list(&[vec![ListEntry::new("A", "1")], vec![ListEntry::new("Long", "2")]]);
        assert_eq!(out, "\nA : 1\n\nLong : 2\n\n");
    }

    #[test]
    fn empty_value_keeps_the_separator_blank() {
        let out = render_list(&[vec![ListEntry::new("Average", ""), ListEntry::new("Count", "3")]]);
        assert_eq!(out, "\nAverage : \nCount   : 3\n\n");
    }

    #[test]
    fn multiline_values_are_indented() {
        let out = render_list(&[vec![ListEntry::new("Name", "one\ntwo"), ListEntry::new("X", "y")]]);
        assert_eq!(out, "\nName : one\n       two\nX    : y\n\n");
    }

    #[test]
    fn long_values_wrap_on_words_under_the_value() {
        let out = render_list_width(&[vec![ListEntry::new("Msg", "aaa bbb ccc ddd")]], 14);
        assert_eq!(out, "\nMsg : aaa bbb \n      ccc ddd\n\n");
    }
}
